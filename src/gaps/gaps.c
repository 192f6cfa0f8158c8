/* Gaps of an LTTng trace (discarded-events messages, per stream), with the last event
 * before and the first event after each one; and drop, LTTng's discard mode simulated:
 * per stream, bursts of consecutive events are dropped, as when every sub-buffer is
 * full until the consumer frees one. */
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"
#include "data/ctf_isolate.h"
#include "data/data_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ts_gap_list_free(ts_gap_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->gaps[i].stream_name);
        free(l->gaps[i].before);
        free(l->gaps[i].after);
    }
    free(l->gaps);
    for (size_t i = 0; i < l->n_streams; i++) free(l->stream_names[i]);
    free(l->stream_names);
    free(l->stream_cpu);
    free(l->stream_events);
    free(l->stream_recon);
    free(l->notes);
    memset(l, 0, sizeof *l);
}

typedef struct {
    ts_gap_list *l;
    char       **last;       /* per stream: name of its last event */
    int64_t     *last_ns;
    size_t      *waiting;    /* per stream: gaps waiting for their first event after, +1 (0: none) */
} gap_scan;

static void grow_streams(gap_scan *s, uint32_t k)
{
    ts_gap_list *l = s->l;
    if (k < l->n_streams) return;
    size_t n = (size_t)k + 1;
    l->stream_names = ts_realloc(l->stream_names, n * sizeof *l->stream_names);
    l->stream_cpu = ts_realloc(l->stream_cpu, n * sizeof *l->stream_cpu);
    l->stream_events = ts_realloc(l->stream_events, n * sizeof *l->stream_events);
    l->stream_recon = ts_realloc(l->stream_recon, n * sizeof *l->stream_recon);
    s->last = ts_realloc(s->last, n * sizeof *s->last);
    s->last_ns = ts_realloc(s->last_ns, n * sizeof *s->last_ns);
    s->waiting = ts_realloc(s->waiting, n * sizeof *s->waiting);
    for (size_t i = l->n_streams; i < n; i++) {
        l->stream_names[i] = NULL;
        l->stream_cpu[i] = -1;
        l->stream_events[i] = 0;
        l->stream_recon[i] = 0;
        s->last[i] = NULL;
        s->last_ns[i] = 0;
        s->waiting[i] = 0;
    }
    l->n_streams = n;
}

static int gs_stream(void *u, uint32_t k, const char *name)
{
    gap_scan *s = u;
    grow_streams(s, k);
    free(s->l->stream_names[k]);
    s->l->stream_names[k] = ts_strdup(name);
    return 0;
}

static int gs_event(void *u, const ts_rw_event *e)
{
    gap_scan *s = u;
    grow_streams(s, e->stream);
    ts_gap_list *l = s->l;
    l->stream_cpu[e->stream] = e->cpu;
    if (ts__rw_carrier(e)) return 0;
    if (e->recon) {
        l->recon++;
        l->stream_recon[e->stream]++;
        return 0;
    }
    l->events++;
    l->stream_events[e->stream]++;
    if (s->waiting[e->stream]) {
        for (size_t i = s->waiting[e->stream] - 1; i < l->n; i++)
            if (l->gaps[i].g.stream == e->stream && !l->gaps[i].after) {
                l->gaps[i].after = ts_strdup(e->name);
                l->gaps[i].after_ns = e->time_ns;
            }
        s->waiting[e->stream] = 0;
    }
    if (!s->last[e->stream] || strcmp(s->last[e->stream], e->name)) {
        free(s->last[e->stream]);
        s->last[e->stream] = ts_strdup(e->name);
    }
    s->last_ns[e->stream] = e->time_ns;
    return 0;
}

static int gs_gap(void *u, const ts_rw_gap *g)
{
    gap_scan *s = u;
    grow_streams(s, g->stream);
    ts_gap_list *l = s->l;
    l->gaps = ts__append_room(l->gaps, l->n, sizeof *l->gaps);
    ts_gap_info *gi = &l->gaps[l->n];
    memset(gi, 0, sizeof *gi);
    gi->g = *g;
    gi->stream_name = ts_strdup(l->stream_names[g->stream] ? l->stream_names[g->stream] : "?");
    if (s->last[g->stream]) {
        gi->before = ts_strdup(s->last[g->stream]);
        gi->before_ns = s->last_ns[g->stream];
    }
    if (!s->waiting[g->stream]) s->waiting[g->stream] = l->n + 1;
    l->n++;
    return 0;
}

int ts_gaps_find(const char *dir, int progress, ts_gap_list *out)
{
    return ts_gaps_find_arch(dir, NULL, progress, out);
}

int ts_gaps_find_arch(const char *dir, const char *arch, int progress, ts_gap_list *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!dir) return ts_fail_null(__func__, "dir");
    gap_scan s = {out, NULL, NULL, NULL};
    ts_scan_hooks h = {&s, gs_stream, gs_event, gs_gap, progress, arch};
    /* ftrace text: also the events its header says were overwritten, which no gap holds;
     * perf script's: whether it can show a loss */
    int rc = ts_trace_is_ftrace(dir) ? ts__ftrace_scan_counted(dir, &h, &out->overwritten, &out->overwritten_whole_trace,
                                                               &out->perf_no_lost_lines, &out->notes)
                                     : ts_trace_scan(dir, &h);
    for (size_t i = 0; i < out->n_streams; i++) free(s.last[i]);
    free(s.last);
    free(s.last_ns);
    free(s.waiting);
    /* a gap's CPU: its stream's, once known */
    for (size_t i = 0; rc == 0 && i < out->n; i++)
        if (out->gaps[i].g.cpu < 0) out->gaps[i].g.cpu = out->stream_cpu[out->gaps[i].g.stream];
    /* metadata and empty stream files (a session stopped before the first sub-buffer was
     * written): nothing to list, an error rather than a table of zeros */
    if (rc == 0 && !out->events && !out->recon && !out->n)
        rc = ts_fail("%s: the trace holds no event and no gap (%s)", dir,
                     out->n_streams ? "its streams hold no event" : "its stream files are empty or missing");
    if (rc) ts_gap_list_free(out);
    return rc;
}

/* ---- drop ---- */
typedef struct {
    const ts_drop_opts *o;
    ts_drop_stats *st;
    ts_rng  *rng;            /* per stream */
    uint64_t *left;          /* per stream: events left in the current burst */
    int      *kept;          /* per stream: 1 once an event was kept, 2 while in a gap after it */
    uint64_t *gaps;          /* per stream: gaps so far */
    size_t    n;
    double    p_start;       /* chance that a kept event is followed by a burst */
    size_t   *gap_of;        /* per stream: its current gap in st->gaps */
} drop_state;

static int drop_keep(void *u, const ts_rw_event *e)
{
    drop_state *d = u;
    /* a filled trace: its reconstructed events, dropped, would be counted lost beside the
     * gaps they fill, and its counts would no longer be the recording's */
    if (e->recon)   /* named by the reader: the trace, or ftrace text's file and line */
        return ts_fail("the trace holds events reconstructed by tracesynth fill (the first on CPU %d): drop "
                       "simulates losses on a recorded trace; drop from the trace that was filled", (int)e->cpu);
    if (e->stream >= d->n) {
        size_t n = (size_t)e->stream + 1;
        d->rng = ts_realloc(d->rng, n * sizeof *d->rng);
        d->left = ts_realloc(d->left, n * sizeof *d->left);
        d->kept = ts_realloc(d->kept, n * sizeof *d->kept);
        d->gaps = ts_realloc(d->gaps, n * sizeof *d->gaps);
        d->gap_of = ts_realloc(d->gap_of, n * sizeof *d->gap_of);
        for (size_t i = d->n; i < n; i++) {
            ts_rng_fork(&d->rng[i], d->o->seed, i);
            d->left[i] = 0;
            d->kept[i] = 0;
            d->gaps[i] = 0;
            d->gap_of[i] = 0;
        }
        d->n = n;
    }
    /* export's thread changes are kept, uncounted; one inside a burst is kept after it (2),
     * with the next kept event, after the output's discarded-events record: one burst, one
     * gap, and the switch still before the events of the thread it switched to. One right
     * after a burst ends its gap there. */
    if (ts__rw_carrier(e)) {
        if (d->left[e->stream]) return 2;
        if (d->kept[e->stream] == 2) d->kept[e->stream] = 1;
        return 1;
    }
    d->st->events++;
    ts_rng *r = &d->rng[e->stream];
    /* a burst starts after a kept event (a discarded-events record needs a packet before it),
     * never right after a burst (kept 2): the two would be one gap. The chance is drawn there
     * too, so that each seed drops the events it dropped before bursts were kept apart. */
    if (!d->left[e->stream] && d->kept[e->stream] && ts_rng_uniform(r) < d->p_start &&
        d->kept[e->stream] == 1) {
        long span = d->o->burst_max - d->o->burst_min + 1;
        d->left[e->stream] = (uint64_t)d->o->burst_min + ts_rng_below(r, (uint64_t)span);
        d->st->bursts++;
    }
    if (d->left[e->stream]) {
        d->left[e->stream]--;
        d->st->dropped++;
        if (d->o->record) {
            if (d->kept[e->stream] != 2) {
                d->st->gaps = ts__append_room(d->st->gaps, d->st->n_gaps, sizeof *d->st->gaps);
                ts_drop_gap *g = &d->st->gaps[d->st->n_gaps++];
                g->stream = e->stream;
                g->cpu = e->cpu;
                g->index = d->gaps[e->stream]++;   /* numbered per stream, as the reader numbers them */
                g->n = 0;
                g->names = NULL;
                d->gap_of[e->stream] = d->st->n_gaps - 1;
            }
            ts_drop_gap *g = &d->st->gaps[d->gap_of[e->stream]];
            g->names = ts__append_room(g->names, g->n, sizeof *g->names);
            g->names[g->n++] = ts_strdup(e->name);
        }
        d->kept[e->stream] = 2;
        return 0;
    }
    d->kept[e->stream] = 1;
    return 1;
}

/* the stats, from the rewriting's child to this process */
static int drop_save(void *u, FILE *f)
{
    const ts_drop_stats *st = ((drop_state *)u)->st;
    ts__wr w = {f, 0};
    ts__put_u64(&w, st->events);
    ts__put_u64(&w, st->dropped);
    ts__put_u64(&w, st->bursts);
    ts__put_u64(&w, st->n_gaps);
    for (size_t i = 0; i < st->n_gaps; i++) {
        const ts_drop_gap *g = &st->gaps[i];
        ts__put_u32(&w, g->stream);
        ts__put_u32(&w, (uint32_t)g->cpu);
        ts__put_u64(&w, g->index);
        ts__put_u64(&w, g->n);
        for (size_t j = 0; j < g->n; j++) ts__put_str(&w, g->names[j]);
    }
    return w.bad ? -1 : 0;
}

static int drop_load(void *u, FILE *f)
{
    ts_drop_stats *st = ((drop_state *)u)->st;
    size_t ng;
    if (ts__get_u64(f, &st->events) || ts__get_u64(f, &st->dropped) || ts__get_u64(f, &st->bursts) ||
        ts__get_size(f, &ng))
        return -1;
    if (ng) st->gaps = ts_calloc(ng, sizeof *st->gaps);   /* none without record */
    for (size_t i = 0; i < ng; i++) {
        ts_drop_gap *g = &st->gaps[st->n_gaps++];
        uint32_t cpu;
        size_t n;
        if (ts__get_u32(f, &g->stream) || ts__get_u32(f, &cpu) || ts__get_u64(f, &g->index) || ts__get_size(f, &n))
            return -1;
        g->cpu = (int32_t)cpu;
        g->names = ts_calloc(n ? n : 1, sizeof *g->names);
        for (; g->n < n; g->n++)
            if (ts__get_str(f, &g->names[g->n]) || !g->names[g->n]) return -1;
    }
    return 0;
}

void ts_drop_stats_free(ts_drop_stats *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->n_gaps; i++) {
        for (size_t j = 0; j < st->gaps[i].n; j++) free(st->gaps[i].names[j]);
        free(st->gaps[i].names);
    }
    free(st->gaps);
    st->gaps = NULL;
    st->n_gaps = 0;
    free(st->notes);
    st->notes = NULL;
}

double ts_drop_rate_max(long burst_min, long burst_max)
{
    if (burst_min < 1 || burst_max < burst_min)
        return ts_fail("%s: burst sizes must satisfy 1 <= min <= max, got %ld..%ld", __func__, burst_min, burst_max),
               NAN;
    double B = 0.5 * ((double)burst_min + (double)burst_max);
    return B / (B + 1);
}

int ts_ctf_drop(const char *dir, const char *out, const ts_drop_opts *o, ts_drop_stats *st)
{
    if (!st) return ts_fail_null(__func__, "st");
    memset(st, 0, sizeof *st);
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!out) return ts_fail_null(__func__, "out");
    if (!o) return ts_fail_null(__func__, "o");
    if (!(o->rate >= 0 && o->rate < 1)) return ts_fail("drop: the loss rate must be in [0, 1), got %g", o->rate);
    if (o->burst_min < 1 || o->burst_max < o->burst_min)
        return ts_fail("drop: burst sizes must satisfy 1 <= min <= max, got %ld..%ld", o->burst_min, o->burst_max);
    double top = ts_drop_rate_max(o->burst_min, o->burst_max);
    if (o->rate > top)
        return ts_fail("drop: a loss rate of %g is out of reach of bursts of %ld..%ld event%s: each burst "
                       "follows a kept event, so they drop at most %.4g %% (longer bursts or a lower rate)",
                       o->rate, o->burst_min, o->burst_max, ts_plural((size_t)o->burst_max), 100 * top);
    drop_state d;
    memset(&d, 0, sizeof d);
    d.o = o;
    d.st = st;
    /* a burst of mean B after a kept event with chance p drops p B / (1 + p B) of the events */
    double B = 0.5 * (double)(o->burst_min + o->burst_max);
    d.p_start = o->rate / (B * (1 - o->rate));
    ts_rw_hooks h = {&d, drop_keep, NULL, o->progress, drop_save, drop_load, o->arch, NULL, NULL};
    int rc = ts__trace_rewrite_text(dir, out, &h, NULL, &st->notes, NULL);
    free(d.rng);
    free(d.left);
    free(d.kept);
    free(d.gaps);
    free(d.gap_of);
    if (rc) ts_drop_stats_free(st);
    return rc;
}
