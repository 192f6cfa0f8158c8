/* Making one gap's reconstruction agree with what the trace says around the gap.
 *
 * Threads. The thread running when the gap began is known, and so is the one running
 * after it (the one the next recorded sched_switch leaves). Reconstructed sched_switch
 * events cut the gap into segments: the first belongs to the thread before, the last to
 * the thread after; the last switch goes to the thread after. A segment between two
 * reconstructed switches is guessed: with no system call in it, the idle thread (0); when
 * its first system call event is clone's exit (a new thread returning from clone), the next
 * candidate the caller gives (fill.c: children of clone, from the returns of recorded clone
 * calls near the gap, that no recorded switch shows running: their lives fell in gaps);
 * otherwise, when the threads before and after are the same, that thread (it left and came
 * back); else unknown (-1).
 *
 * System calls. Per segment of a known thread, the entries and exits must pair: the
 * thread before may be inside a call when the gap begins (its entry recorded, its exit
 * not yet), and the first system call event after the gap on the CPU tells the state at
 * the end (an exit of Y: inside Y; an entry: inside none). A small dynamic program
 * renames the fewest events (entry <-> exit, or the call) so that no entry comes while
 * its thread is inside a call, no exit comes while it is inside no call (or inside another
 * one: an exit whose entry is neither earlier in the gap nor open from before it), and the
 * end state matches (the first exit after the gap closes the call open then, but for a new
 * thread's return from clone); all cost the same. Ties keep the model's events.
 * A thread's events in a long gap are paired in blocks of MAX_DP, each from the state the
 * one before ended in, the last to the end state. */
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"

#include <stdlib.h>
#include <string.h>

static const char *after_prefix(const char *s, const char *p)
{
    size_t l = strlen(p);
    return !strncmp(s, p, l) && s[l] ? s + l : NULL;
}

ts_ev_kind ts_gap_classify(const char *name, const char **call)
{
    const char *c, *unused;
    if (!call) call = &unused;
    *call = NULL;
    if (!name) return ts_fail_null(__func__, "name"), TS_EV_OTHER;
    if (!strcmp(name, "sched_switch") || !strcmp(name, TS_SWITCH_CLASS)) return TS_EV_SWITCH;
    if ((c = after_prefix(name, "syscall_entry_")) || (c = after_prefix(name, "compat_syscall_entry_")) ||
        (c = after_prefix(name, "sys_")) || (c = after_prefix(name, "compat_sys_"))) {   /* LTTng < 2.6, 32-bit */
        *call = c;
        return TS_EV_ENTRY;
    }
    if (!strcmp(name, "exit_syscall")) { *call = ""; return TS_EV_EXIT; }
    if ((c = after_prefix(name, "syscall_exit_")) || (c = after_prefix(name, "compat_syscall_exit_"))) {
        *call = c;
        return TS_EV_EXIT;
    }
    return TS_EV_OTHER;
}

static int returns(const char *call) { return strcmp(call, "exit") && strcmp(call, "exit_group"); }

int ts_sc_child_returns(const char *call)
{
    return call && (!strcmp(call, "clone") || !strcmp(call, "clone3") || !strcmp(call, "fork") ||
                    !strcmp(call, "vfork"));
}

#define PEN_UNMATCHED 10.0   /* an entry while inside a call, or an exit that closes no open call (in the gap
                              * or the first after it): unpaired */
#define MAX_DP        1024   /* events paired in one block */
/* an exit with no call open made its call's entry: dearer than any other rename, taken where
 * it pairs the exit with no other rename (at a rename's usual cost it rewrote whole runs of a
 * thread's calls to spare one penalty, and fewer events came out right) */
#define REN_EXIT_ENTRY (PEN_UNMATCHED - 1)

/* the call table of one segment: index 0 is "inside no call" */
typedef struct {
    const char **c;
    int n;
} calls;

static int call_ix(calls *t, const char *c)
{
    if (!c) return 0;
    for (int i = 1; i < t->n; i++) if (!strcmp(t->c[i], c)) return i;
    t->c[t->n] = c;
    return t->n++;
}

/* candidate j for a slot: the event it becomes (kind, call index), and its cost */
typedef struct { ts_ev_kind k; int c; double cost; } cand;

static const char *build(const ts_gap_side *s, ts_ev_kind k, const char *call, char *buf, size_t nb)
{
    if (k == TS_EV_ENTRY) snprintf(buf, nb, "%s%s", s->old_names ? "sys_" : "syscall_entry_", call);
    else if (s->old_names) snprintf(buf, nb, "exit_syscall");
    else snprintf(buf, nb, "syscall_exit_%s", call);
    return buf;
}

/* pairs the system calls of names[pos[0..n)], events of one known thread in order (n at
 * most MAX_DP); returns the call the thread is inside after them (NULL: none) */
static const char *pair_block(const ts_gap_side *s, const char **names, const size_t *pos, size_t n, int start_known,
                              const char *start, int end_kind, const char *end_call,
                              const char *(*intern)(void *u, const char *name), void *u)
{
    calls t;
    t.c = ts_malloc((n + 3) * sizeof *t.c);
    t.c[0] = NULL;
    t.n = 1;
    int s0 = call_ix(&t, start && *start ? start : NULL);
    int e0 = end_kind == TS_EV_EXIT && end_call && *end_call ? call_ix(&t, end_call) : 0;
    ts_ev_kind *k = ts_malloc(n * sizeof *k);
    int *oc = ts_malloc(n * sizeof *oc);
    for (size_t j = 0; j < n; j++) {
        const char *c;
        k[j] = ts_gap_classify(names[pos[j]], &c);
        oc[j] = (k[j] == TS_EV_ENTRY || k[j] == TS_EV_EXIT) && c && *c ? call_ix(&t, c) : 0;
    }
    int S = t.n;
    enum { NC = 5 };
    double *cost = ts_malloc((n + 1) * (size_t)S * sizeof *cost);
    int *from = ts_malloc(n * (size_t)S * sizeof *from);
    cand *choice = ts_malloc(n * (size_t)S * sizeof *choice);
    const double INF = 1e300;
    for (int q = 0; q < S; q++) cost[q] = start_known ? (q == s0 ? 0 : INF) : 0;
    for (size_t j = 0; j < n; j++) {
        double *cur = cost + j * (size_t)S, *nx = cost + (j + 1) * (size_t)S;
        for (int q = 0; q < S; q++) nx[q] = INF;
        for (int p = 0; p < S; p++) {
            if (cur[p] >= INF) continue;
            cand cs[NC];
            int nc = 0;
            cs[nc++] = (cand){k[j], oc[j], 0};
            if (k[j] == TS_EV_EXIT && p && oc[j] && oc[j] != p) cs[nc++] = (cand){TS_EV_EXIT, p, 1};
            if (k[j] == TS_EV_ENTRY && p) cs[nc++] = (cand){TS_EV_EXIT, p, 3};
            if (k[j] == TS_EV_OTHER && p) cs[nc++] = (cand){TS_EV_EXIT, p, 2};
            if (e0 && k[j] == TS_EV_ENTRY && oc[j] != e0) cs[nc++] = (cand){TS_EV_ENTRY, e0, 1};
            if (e0 && k[j] == TS_EV_EXIT && !p) cs[nc++] = (cand){TS_EV_ENTRY, e0, 1};
            if (e0 && k[j] == TS_EV_OTHER && !p && nc < NC) cs[nc++] = (cand){TS_EV_ENTRY, e0, 2};
            /* an exit with no call open: its call's entry, where that alone pairs it */
            if (k[j] == TS_EV_EXIT && !p && oc[j] && oc[j] != e0 && nc < NC) cs[nc++] = (cand){TS_EV_ENTRY, oc[j], REN_EXIT_ENTRY};
            for (int i = 0; i < nc; i++) {
                double c = cur[p] + cs[i].cost;
                int q = p;
                if (cs[i].k == TS_EV_ENTRY) {
                    if (p) c += PEN_UNMATCHED;
                    q = cs[i].c && returns(t.c[cs[i].c]) ? cs[i].c : 0;
                } else if (cs[i].k == TS_EV_EXIT) {
                    if (p && (cs[i].c == 0 || cs[i].c == p)) q = 0;   /* 0: exit_syscall closes any */
                    /* no call open, or another one: it closes nothing (a new thread's
                     * return from clone has no entry) */
                    else if (p || !cs[i].c || !ts_sc_child_returns(t.c[cs[i].c])) c += PEN_UNMATCHED;
                }
                if (c < nx[q]) {
                    nx[q] = c;
                    from[j * (size_t)S + (size_t)q] = p;
                    choice[j * (size_t)S + (size_t)q] = cs[i];
                }
            }
        }
    }
    /* the end state */
    double *last = cost + n * (size_t)S, best = INF;
    int bq = -1;
    for (int q = 0; q < S; q++) {
        if (last[q] >= INF) continue;
        double c = last[q];
        if (end_kind == TS_EV_ENTRY && q) c += PEN_UNMATCHED;
        /* the first exit after the gap closes no open call (inside none: its entry, lost
         * in the gap, is not there; or inside another), as an exit in the gap would: but
         * for a new thread's return from clone, which has no entry */
        if (end_kind == TS_EV_EXIT && (e0 ? q != e0 : !q) && (q || !e0 || !ts_sc_child_returns(t.c[e0])))
            c += PEN_UNMATCHED;
        if (c < best) { best = c; bq = q; }
    }
    const char *inside = bq > 0 ? t.c[bq] : NULL;
    for (size_t j = n; bq >= 0 && j-- > 0;) {
        cand ch = choice[j * (size_t)S + (size_t)bq];
        if (ch.cost > 0) {
            char buf[256];
            names[pos[j]] = intern(u, build(s, ch.k, ch.c ? t.c[ch.c] : "", buf, sizeof buf));
        }
        bq = from[j * (size_t)S + (size_t)bq];
    }
    free(t.c);
    free(k);
    free(oc);
    free(cost);
    free(from);
    free(choice);
    return inside;
}

/* pairs the system calls of names[pos[0..n)], the events of one known thread in order */
static void pair_events(const ts_gap_side *s, const char **names, const size_t *pos, size_t n, int start_known,
                         const char *start, int end_kind, const char *end_call,
                         const char *(*intern)(void *u, const char *name), void *u)
{
    for (size_t b = 0; b < n; b += MAX_DP) {
        const size_t m = n - b < MAX_DP ? n - b : MAX_DP;
        const int last = b + m == n;
        start = pair_block(s, names, pos + b, m, start_known, start, last ? end_kind : 0, last ? end_call : NULL,
                           intern, u);
        start_known = 1;
    }
}

/* whether thread t may own event j: the thread before left the CPU for another by
 * before_max, the thread after came from another after after_min */
static int owns(const ts_gap_side *s, int64_t t, size_t j)
{
    if (t < 0) return 0;
    int b = t == s->tid_before, a = t == s->tid_after;
    if (b && a) return j < s->before_max || j >= s->after_min;
    if (b) return j < s->before_max;
    if (a) return j >= s->after_min;
    return 1;
}

size_t ts_gap_consistent(const ts_gap_side *s, const char **names, size_t n,
                         const char *(*intern)(void *u, const char *name), void *u, int64_t *tid, int64_t *next_tid)
{
    size_t used = 0;
    if (n == 0) return 0;
    size_t nsw = 0;
    for (size_t j = 0; j < n; j++) if (!strcmp(names[j], "sched_switch")) nsw++;
    /* the CPU changed threads during the gap, but the model put no switch in it: the
     * gap's last event becomes one; in a trace that records no switch, none is put in: the
     * thread before ran the gap's first half (rounded down), the thread after the rest (its
     * events nearer the line after the gap, which names it) */
    const int split = nsw == 0 && s->tid_before >= 0 && s->tid_after >= 0 && s->tid_before != s->tid_after &&
                      s->no_switches;
    if (nsw == 0 && s->tid_before >= 0 && s->tid_after >= 0 && s->tid_before != s->tid_after && !split) {
        names[n - 1] = intern(u, "sched_switch");
        nsw = 1;
    }
    /* segments: [seg_a, seg_b) of thread seg_tid, each but the last ending in its switch
     * (a split gap: two, no switch between) */
    size_t nseg = split ? 2 : nsw + 1;
    size_t *sa = ts_malloc(nseg * sizeof *sa), *sb = ts_malloc(nseg * sizeof *sb);
    int64_t *st = ts_malloc(nseg * sizeof *st);
    size_t g = 0;
    sa[0] = 0;
    if (split) { sb[0] = sa[1] = n / 2; }
    else
        for (size_t j = 0; j < n; j++)
            if (!strcmp(names[j], "sched_switch")) { sb[g] = j + 1; sa[++g] = j + 1; }
    sb[nseg - 1] = n;
    for (size_t i = 0; i < nseg; i++) {
        /* one segment, the thread before not known: the thread after, no switch between */
        if (i == 0 && (nseg > 1 || s->tid_before >= 0)) st[i] = s->tid_before;
        else if (i == nseg - 1) st[i] = s->tid_after;
        else {
            int sys = 0, born = 0;
            for (size_t j = sa[i]; j < sb[i]; j++) {
                const char *c;
                ts_ev_kind kk = ts_gap_classify(names[j], &c);
                if (!sys && kk == TS_EV_EXIT && !strcmp(c, "clone")) born = 1;
                sys |= kk == TS_EV_ENTRY || kk == TS_EV_EXIT;
            }
            st[i] = !sys ? 0
                  : born ? (used < s->n_mid ? s->mid[used++] : -1)
                  : s->tid_before >= 0 && s->tid_after == s->tid_before ? s->tid_before
                  : -1;
        }
    }
    /* per thread, its segments' events (switches apart) in order: the thread before starts
     * inside its pending call; the thread after ends in the state the trace shows */
    size_t *pos = ts_malloc(n * sizeof *pos);
    for (size_t i = 0; i < nseg; i++) {
        if (st[i] < 0 || s->entries_only) continue;
        int seen = 0;
        for (size_t q = 0; q < i; q++) seen |= st[q] == st[i];
        if (seen) continue;
        size_t np = 0;
        int last = 0;
        for (size_t q = i; q < nseg; q++) {
            if (st[q] != st[i]) continue;
            size_t b = q == nseg - 1 || split ? sb[q] : sb[q] - 1;
            for (size_t j = sa[q]; j < b; j++)
                if (owns(s, st[q], j)) pos[np++] = j;
            last = q == nseg - 1;
        }
        int start_known = i == 0 ? s->tid_before >= 0 && !s->pending_unknown
                        : st[i] == s->tid_after && s->pending_after_known;
        pair_events(s, names, pos, np, start_known, i == 0 ? s->pending_before : s->pending_after,
                    last ? s->after_kind : 0, last ? s->after_call : NULL, intern, u);
    }
    free(pos);
    for (size_t i = 0; i < nseg; i++)
        for (size_t j = sa[i]; j < sb[i]; j++) {
            tid[j] = owns(s, st[i], j) ? st[i] : -1;
            next_tid[j] = -1;
        }
    for (size_t i = 0; i + 1 < nseg && !split; i++) next_tid[sb[i] - 1] = st[i + 1];
    free(sa);
    free(sb);
    free(st);
    return used;
}
