/* A system call analysis of a trace, to measure what gaps do to a real analysis and
 * what filling them gives back: per-thread system call counts, and the share of
 * system call entries left without their exit. Threads come from sched_switch
 * (the thread on each CPU) and sched_process_exec (a thread other than its process's
 * leader takes the leader's tid inside its execve); a reconstructed event counts as the
 * event it stands for, for the thread in its payload. exit and exit_group do not return:
 * they wait for no exit. Calls of an unknown thread (before the CPU's first sched_switch,
 * or after a reconstructed switch to a thread that cannot be told) are counted, not paired. */
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"
#include "common/idmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t     tid;
    int64_t     entries;
    const char *pending;    /* the call the thread is in (owned copy), or NULL */
} th_slot;

typedef struct {
    ts__idmap ids;          /* thread -> its index in t */
    th_slot  *t;            /* (ids's indices) */
    uint64_t  total, returning, unmatched;
    uint64_t  exits, stray;
    uint64_t  gaps, lost;
} sc_state;

static th_slot *th_get(sc_state *s, int64_t tid)
{
    size_t cap = ts__idmap_cap(&s->ids), n = s->ids.n, h = ts__idmap_get(&s->ids, tid, 1);
    if (ts__idmap_cap(&s->ids) != cap) s->t = ts_realloc(s->t, ts__idmap_cap(&s->ids) * sizeof *s->t);
    if (h == n) s->t[h] = (th_slot){tid, 0, NULL};   /* new */
    return &s->t[h];
}

/* tid's slot, or NULL when it has none */
static th_slot *th_find(sc_state *s, int64_t tid)
{
    size_t h = ts__idmap_get(&s->ids, tid, 0);
    return h == SIZE_MAX ? NULL : &s->t[h];
}

static int sc_event(void *u, const ts_rw_event *e)
{
    sc_state *s = u;
    if (e->kind == TS_EV_EXEC && e->next_tid >= 0 && e->next_tid != e->prev_tid) {
        th_slot *t = e->prev_tid >= 0 ? th_find(s, e->prev_tid) : NULL, *l = th_find(s, e->next_tid);
        const char *p = t ? t->pending : NULL;
        if (t) t->pending = NULL;
        /* the leader ended before the exec (de_thread): a call it is still inside ended
         * without its exit */
        if (l && l->pending) {
            s->unmatched++;
            free((char *)l->pending);
            l->pending = NULL;
        }
        /* the thread's call (its execve) returns under the leader's tid */
        if (p) th_get(s, e->next_tid)->pending = p;
        return 0;
    }
    if (e->kind != TS_EV_ENTRY && e->kind != TS_EV_EXIT) return 0;
    th_slot *t = th_get(s, e->tid);
    if (e->kind == TS_EV_ENTRY) {
        s->total++;
        t->entries++;
        if (e->tid < 0) return 0;   /* an unknown thread: nothing to pair with */
        if (t->pending) {
            s->unmatched++;
            free((char *)t->pending);
            t->pending = NULL;
        }
        /* calls that do not return when they succeed have no exit to wait for */
        if (strcmp(e->call, "exit") && strcmp(e->call, "exit_group")) {
            s->returning++;
            t->pending = ts_strdup(e->call);
        }
    } else if (e->tid >= 0 && (t->pending || !ts_sc_child_returns(e->call))) {
        s->exits++;
        if (t->pending && (!*e->call || !strcmp(e->call, t->pending))) {
            free((char *)t->pending);
            t->pending = NULL;
        } else
            s->stray++;   /* no call open, or another one */
    }
    return 0;
}

static int sc_gap(void *user, const ts_rw_gap *g)
{
    sc_state *s = user;
    s->gaps++;
    s->lost += g->count_known ? g->count : 0;
    return 0;
}

void ts_sc_analysis_free(ts_sc_analysis *a)
{
    if (!a) return;
    free(a->tid);
    free(a->entries);
    memset(a, 0, sizeof *a);
}

static int cmp_tid(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int ts_sc_analyse(const char *dir, int progress, ts_sc_analysis *out)
{
    return ts_sc_analyse_arch(dir, NULL, progress, out);
}

int ts_sc_analyse_arch(const char *dir, const char *arch, int progress, ts_sc_analysis *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!dir) return ts_fail_null(__func__, "dir");
    sc_state s;
    memset(&s, 0, sizeof s);
    ts_scan_hooks h = {&s, NULL, sc_event, sc_gap, progress, arch};
    int rc = ts_trace_scan(dir, &h);
    if (rc == 0) {
        out->total = s.total;
        out->returning = s.returning;
        out->unmatched = s.unmatched;
        out->exits = s.exits;
        out->stray_exits = s.stray;
        out->gaps = s.gaps;
        out->lost = s.lost;
        /* (tid, entries) pairs sorted by tid */
        size_t n = s.ids.n;
        int64_t *pairs = ts_malloc((n ? n : 1) * 2 * sizeof *pairs);
        for (size_t i = 0; i < n; i++) {
            pairs[2 * i] = s.t[i].tid;
            pairs[2 * i + 1] = s.t[i].entries;
            if (s.t[i].pending) out->unmatched++;   /* still inside its call at the end */
        }
        qsort(pairs, n, 2 * sizeof *pairs, cmp_tid);
        out->n = n;
        out->tid = ts_malloc((n ? n : 1) * sizeof *out->tid);
        out->entries = ts_malloc((n ? n : 1) * sizeof *out->entries);
        for (size_t i = 0; i < n; i++) {
            out->tid[i] = pairs[2 * i];
            out->entries[i] = pairs[2 * i + 1];
        }
        free(pairs);
    }
    for (size_t i = 0; i < s.ids.n; i++) free((char *)s.t[i].pending);
    free(s.t);
    ts__idmap_free(&s.ids);
    return rc;
}

/* an analysis a caller passes: 0, or -1 + error naming fn and arg */
static int analysis_ok(const ts_sc_analysis *a, const char *fn, const char *arg)
{
    if (!a) return ts_fail_null(fn, arg);
    if (a->n && (!a->tid || !a->entries))
        return ts_fail("%s: %s holds %zu thread%s without their arrays", fn, arg, a->n, ts_plural(a->n));
    return 0;
}

double ts_sc_count_error(const ts_sc_analysis *truth, const ts_sc_analysis *a)
{
    if (analysis_ok(truth, __func__, "truth") || analysis_ok(a, __func__, "a")) return NAN;
    /* both sorted by tid: merge */
    double err = 0, tot = 0;
    size_t i = 0, j = 0;
    while (i < truth->n || j < a->n) {
        if (j >= a->n || (i < truth->n && truth->tid[i] < a->tid[j])) {
            err += (double)truth->entries[i];
            tot += (double)truth->entries[i];
            i++;
        } else if (i >= truth->n || a->tid[j] < truth->tid[i]) {
            err += (double)a->entries[j];
            j++;
        } else {
            err += fabs((double)(a->entries[j] - truth->entries[i]));
            tot += (double)truth->entries[i];
            i++;
            j++;
        }
    }
    /* no true entries: no error only if there are none either, else no share measures it */
    return tot > 0 ? err / tot : err > 0 ? NAN : 0.0;
}

double ts_sc_stray_exit_share(const ts_sc_analysis *a)
{
    if (!a) return ts_fail_null(__func__, "a"), NAN;
    return a->exits ? (double)a->stray_exits / (double)a->exits : 0.0;
}

double ts_sc_unmatched_share(const ts_sc_analysis *a)
{
    if (!a) return ts_fail_null(__func__, "a"), NAN;
    return a->returning ? (double)a->unmatched / (double)a->returning : 0.0;
}
