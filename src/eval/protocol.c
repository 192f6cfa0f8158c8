/* The study's protocols (see protocol.h): what the commands and the benchmarks share. */
#include "tracesynth/protocol.h"
#include "tracesynth/channels.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/common.h"
#include "data/data_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ts_split_spec_default(ts_split_spec *s)
{
    s->kind = TS_SPLIT_TIME;
    s->length = 200;
    s->stride = 5;
    s->windows = TS_SPLIT_DEFAULT_WINDOWS;
    memcpy(s->permille, ts_split_default_permille, sizeof s->permille);
}

/* ---- a dataset and its split ---- */

/* ts_split_data_resplit, of the parts read alone (TS_PART_*) */
static int resplit(ts_split_data *d, const ts_split_spec *s, unsigned parts)
{
    ts_split_free(&d->split);
    memset(&d->split, 0, sizeof d->split);
    d->n_ids = 0;
    if (ts_split_make_read(&d->data, s->kind, s->length, s->stride, s->windows, s->permille, parts, &d->split))
        return -1;
    d->n_ids = ts_split_n_ids(&d->data, &d->split);
    return 0;
}

int ts_split_data_resplit(ts_split_data *d, const ts_split_spec *s)
{
    if (!d) return ts_fail_null(__func__, "d");
    if (!s) return ts_fail_null(__func__, "s");
    return resplit(d, s, TS_PART_ALL);
}

int ts_split_data_load(const char *dir, const ts_split_spec *s, ts_split_data *d)
{
    if (!d) return ts_fail_null(__func__, "d");
    memset(d, 0, sizeof *d);
    if (!dir) return ts_fail_null(__func__, "dir");
    if (ts_dataset_load(dir, &d->data)) return -1;
    if (s && ts_split_data_resplit(d, s)) {
        ts_split_data_free(d);
        return -1;
    }
    return 0;
}

/* the windows of len of a set (ids: one window after the other) lying whole in [lo, hi):
 * every one, in order */
static void set_windows(const int32_t *ids, size_t lo, size_t hi, size_t len, ts_windows *w)
{
    const size_t first = (lo + len - 1) / len, end = hi / len;
    w->n = end > first ? end - first : 0;
    w->len = len;
    w->data = ts_malloc((w->n ? w->n : 1) * len * sizeof *w->data);
    if (w->n) memcpy(w->data, ids + first * len, w->n * len * sizeof *ids);
}

/* ts_split_data_load_set_parts, its errors naming who */
static int load_set(const char *who, const char *dir, const ts_split_spec *s, size_t len0, unsigned parts,
                    ts_split_data *d, size_t *rec)
{
    if (rec) *rec = 0;
    if (!d) return ts_fail_null(who, "d");
    memset(d, 0, sizeof *d);
    if (!dir) return ts_fail_null(who, "dir");
    if (!s) return ts_fail_null(who, "s");
    if (ts_dataset_load(dir, &d->data)) return -1;
    size_t r = 0;
    ts_split_spec t = *s;
    if (ts_mc_window_length(dir, d->data.stream.n, &r)) goto fail;
    if (r && t.length && t.length != r) {
        char *p = ts_path_join(dir, "length");
        ts_fail("%s: windows of %zu event%s, but --length %zu", p, r, ts_plural(r), t.length);
        free(p);
        goto fail;
    }
    if (!t.length) t.length = r ? r : len0;
    if (!t.length) {   /* else a window length of 0 refused, naming neither */
        char *p = ts_path_join(dir, "length");
        ts_fail("%s: s->length and len0 are 0, and %s records no window length", who, p);
        free(p);
        goto fail;
    }
    if (!(r && t.kind == TS_SPLIT_TIME)) {
        if (resplit(d, &t, parts)) goto fail;
        if (rec) *rec = r;
        return 0;
    }
    /* the set's own windows, every one lying whole in a part: cut here rather than by the
     * split, which would refuse a part shorter than a window though the caller never reads it */
    if (ts__split_parts_check(t.permille, NULL)) goto fail;
    const char *name[3] = {"training", "validation", "test"};
    size_t a, b, n = d->data.stream.n;
    ts_split_bounds(n, t.permille, &a, &b);
    const size_t lo[3] = {0, a, b}, hi[3] = {a, b, n};
    /* a part read that holds no whole window (shorter than one, or not aligned on them): said
     * as such, without the split's hint of a shorter window, which a set cannot take */
    for (int i = 0; i < 3; i++)
        if ((parts >> i & 1) && (lo[i] + r - 1) / r >= hi[i] / r) {
            char *p = ts_path_join(dir, "length");
            ts_fail("%s: the %s part (events %zu to %zu) holds no whole window of %zu (%s; %zu window%s in "
                    "all: more windows, or other fractions)", dir, name[i], lo[i], hi[i], r, p, n / r, ts_plural(n / r));
            free(p);
            goto fail;
        }
    ts_split *sp = &d->split;
    sp->kind = TS_SPLIT_TIME;
    sp->len = r;
    memcpy(sp->permille, t.permille, sizeof sp->permille);
    /* one training window per window (any stride gives the same), and the training
     * stream's windows kept apart */
    set_windows(d->data.stream.ids, 0, a, r, &sp->train);
    set_windows(d->data.stream.ids, a, b, r, &sp->valid);
    set_windows(d->data.stream.ids, b, n, r, &sp->test);
    sp->train_stream.n = a;
    sp->train_stream.ids = ts_malloc(a * sizeof *sp->train_stream.ids);
    if (a) memcpy(sp->train_stream.ids, d->data.stream.ids, a * sizeof *sp->train_stream.ids);
    sp->window = r;
    sp->events = n;
    sp->valid_distinct = sp->valid.n;
    sp->test_distinct = sp->test.n;
    d->n_ids = ts_split_n_ids(&d->data, sp);
    if (rec) *rec = r;
    return 0;
fail:
    ts_split_data_free(d);
    return -1;
}

int ts_split_data_load_set_parts(const char *dir, const ts_split_spec *s, size_t len0, unsigned parts,
                                 ts_split_data *d, size_t *rec)
{
    return load_set(__func__, dir, s, len0, parts, d, rec);
}

int ts_split_data_load_set(const char *dir, const ts_split_spec *s, size_t len0, ts_split_data *d, size_t *rec)
{
    return load_set(__func__, dir, s, len0, TS_PART_ALL, d, rec);
}

void ts_split_data_free(ts_split_data *d)
{
    if (!d) return;
    ts_split_free(&d->split);
    ts_dataset_free(&d->data);
    memset(d, 0, sizeof *d);
}

/* ---- further training streams (train --also) ---- */

/* the extra dataset e's training events in d's numbering: out (n), *unknown to <unk> */
static int also_renumber(const ts_split_data *d, const ts_dataset *e, const char *dir, size_t n, int32_t *out,
                         size_t *unknown)
{
    const ts_vocab *dv = &d->data.vocab, *ev = &e->vocab;
    *unknown = 0;
    if ((dv->n > 0) != (ev->n > 0))
        return ts_fail("%s: its events are %s (vocab.tsv) but those of %s are %s: both must be named, or both "
                       "numbered alike", dir, ev->n ? "named" : "unnamed", d->data.dir ? d->data.dir : "the dataset",
                       dv->n ? "named" : "not");
    if (dv->n == 0) {
        memcpy(out, e->stream.ids, n * sizeof *out);
        return 0;
    }
    int32_t *map = ts_malloc((size_t)ev->n * sizeof *map);
    ts_vocab_map(ev, dv, map);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int32_t id = map[e->stream.ids[i]];
        if (id < 0)
            rc = ts_fail("%s: event %zu is '%s', which the vocabulary of %s lacks, and it has no <unk> ID", dir, i,
                         ev->names[e->stream.ids[i]], d->data.dir ? d->data.dir : "the dataset");
        *unknown += id == dv->unk && e->stream.ids[i] != ev->unk;
        out[i] = id;
    }
    free(map);
    return rc;
}

/* the arguments of a function that adds to d's split: d, its split and the spec s whose parts and
 * stride cut the added streams. 0, or -1 naming fn and what is wrong */
static int check_split_args(const char *fn, const ts_split_data *d, const ts_split_spec *s)
{
    if (!d) return ts_fail_null(fn, "d");
    if (!s) return ts_fail_null(fn, "s");
    if (d->split.len == 0)
        return ts_fail("%s: d has no split (ts_split_data_load with a split spec, or ts_split_data_resplit)", fn);
    if (s->stride == 0) return ts_fail("%s: s->stride is 0: the stride of the training windows must be positive", fn);
    return ts__split_parts_check(s->permille, fn);
}

/* how many of the windows w occur verbatim in the n events ids (ts_audit_overlap, the
 * stream as one row); -1 on its error */
static long found_in(const int32_t *ids, size_t n, const ts_windows *w)
{
    const ts_windows row = {(int32_t *)ids, n ? 1 : 0, n};
    const double share = ts_audit_overlap(&row, w);
    return isnan(share) ? -1 : (long)(share * (double)w->n + 0.5);
}

/* d's held-out windows w (what, w->n of them) found verbatim in another recording (found;
 * every event of it, whole, else its training part) and in d's own training part (base):
 * refused when it holds more than half of them and a quarter of them more than the training
 * part. A separate run of a repetitive workload shares some windows with the held-out part,
 * as d's training part does (split's leakage count); a copy of d's trace, shifted by some
 * events or with other events around it, holds nearly all of them */
static int held_out_check(const char *dir, const char *main_dir, const char *what, size_t found, size_t base,
                          size_t n, int whole)
{
    if (2 * found > n && 4 * found > 4 * base + n)
        return ts_fail("%s: holds %zu of the %zu %s windows of %s verbatim (%s's own training part: %zu)%s: "
                       "a copy of the same trace (shifted, or among other events), which %s",
                       dir, found, n, what, main_dir, main_dir, base, whole ? "" : " in its training part",
                       whole ? "--also-whole would train on (--also takes its training part only)"
                             : "--also would train on");
    return 0;
}

/* both held-out parts of d: held_out_check of the counts inf holds */
static int held_out_checks(const ts_split_data *d, const char *dir, const ts_also_info *inf, int whole)
{
    const char *main_dir = d->data.dir ? d->data.dir : "the dataset";
    if (held_out_check(dir, main_dir, "test", inf->test_found, inf->test_in_train, d->split.test.n, whole)) return -1;
    return held_out_check(dir, main_dir, "validation", inf->valid_found, inf->valid_in_train, d->split.valid.n, whole);
}

/* d's held-out windows found verbatim in the n events ids (another dataset's, or its
 * training part) and in d's own training part, into inf. 0 / -1 */
static int held_out_counts(const ts_split_data *d, const int32_t *ids, size_t n, ts_also_info *inf)
{
    const ts_seq *tr = &d->split.train_stream;
    const long tf = found_in(ids, n, &d->split.test), vf = found_in(ids, n, &d->split.valid),
               tb = found_in(tr->ids, tr->n, &d->split.test), vb = found_in(tr->ids, tr->n, &d->split.valid);
    if (tf < 0 || vf < 0 || tb < 0 || vb < 0) return -1;
    inf->test_found = (size_t)tf;
    inf->valid_found = (size_t)vf;
    inf->test_in_train = (size_t)tb;
    inf->valid_in_train = (size_t)vb;
    return 0;
}

/* --also's training part at the fraction (ids, n events): refused where it holds d's held-out
 * events at their places (the main trace with more events after it, a longer recording of it
 * without the times to cut it by; a window's worth or more) and so holds held-out windows
 * that d's training part does not (a periodic trace's copy adds none), or where it holds them
 * elsewhere (the same trace shifted by some events, or among others) as --also-whole refuses
 * (held_out_check). inf: the counts */
static int also_part_check(const ts_split_data *d, const char *dir, const int32_t *ids, size_t n,
                           ts_also_info *inf)
{
    const ts_dataset *m = &d->data;
    const size_t a = d->split.train_stream.n, lim = n < m->stream.n ? n : m->stream.n;
    if (held_out_counts(d, ids, n, inf)) return -1;
    if (lim < a + d->split.len || memcmp(ids + a, m->stream.ids + a, (lim - a) * sizeof *ids))
        return held_out_checks(d, dir, inf, 0);
    if (inf->test_found <= inf->test_in_train && inf->valid_found <= inf->valid_in_train) return 0;
    const char *main_dir = m->dir ? m->dir : "the dataset";
    return ts_fail("%s: events %zu to %zu of its training part are those of %s's validation and test part (a copy of "
                   "the same trace, with more events after it: %zu of the %zu test windows verbatim, %s's own "
                   "training part %zu), which --also would train on",
                   dir, a, lim - 1, main_dir, inf->test_found, d->split.test.n, main_dir, inf->test_in_train);
}

/* e, when it is another recording for whole (d's own folder is also_add's to refuse): refused when its
 * events at d's held-out positions are d's held-out events (a copy of d's trace), when
 * both carry event times on one clock (not other_clock) and e's reach into d's held-out
 * period (a stream of the same trace), or when its events (ids, e->stream.n) hold d's held-out windows verbatim far
 * more often than d's training part does (held_out_checks). inf: those counts */
static int also_whole_check(const ts_split_data *d, const ts_dataset *e, const char *dir, const int32_t *ids,
                            int other_clock, ts_also_info *inf)
{
    const ts_dataset *m = &d->data;
    const char *main_dir = m->dir ? m->dir : "the dataset";
    const size_t a = d->split.train_stream.n;   /* d's held-out part is [a, n) */
    if (a < m->stream.n && e->stream.n >= m->stream.n &&
        !memcmp(ids + a, m->stream.ids + a, (m->stream.n - a) * sizeof *ids))
        return ts_fail("%s: events %zu to %zu are those of %s's validation and test part (a copy of the "
                       "same trace, or a run identical to it), which --also-whole would train on (--also "
                       "takes its training part only)",
                       dir, a, m->stream.n - 1, main_dir);
    if (!other_clock && m->time_ns && e->time_ns && a < m->stream.n && e->stream.n > 0) {
        const int64_t lo = m->time_ns[a], hi = m->time_ns[m->stream.n - 1];
        for (size_t i = 0; i < e->stream.n; i++)
            if (e->time_ns[i] >= lo && e->time_ns[i] <= hi)
                return ts_fail("%s: event %zu falls in the time of %s's validation and test part: a stream of "
                               "the same trace, which --also-whole would train on (--also takes the events "
                               "before that time; a recording on another clock, another boot's: "
                               "--also-whole-other-clock)", dir, i, main_dir);
    }
    if (held_out_counts(d, ids, e->stream.n, inf)) return -1;
    return held_out_checks(d, dir, inf, 1);
}

/* whole: 0 the training part, 1 every event, 2 every event of a recording on another clock */
static int also_add(ts_split_data *d, const char *dir, const ts_split_spec *s, int whole, ts_also_info *info)
{
    ts_also_info inf = {0};
    const char *fn = whole == 2 ? "ts_split_data_also_other_clock" : whole ? "ts_split_data_also_whole"
                                                                         : "ts_split_data_also";
    if (check_split_args(fn, d, s)) return -1;
    if (!dir) return ts_fail_null(fn, "dir");
    if (d->split.kind != TS_SPLIT_TIME)
        return ts_fail("%s: another dataset's %s needs the time split (--split time)", dir,
                       whole ? "events as training data" : "training part");
    /* d's own folder by any path (a symlink to it): its training part would count twice, its
     * held-out events be trained on with every event */
    if (d->data.dir && ts_same_file(d->data.dir, dir) == 1)
        return whole ? ts_fail("%s: the main dataset itself: every event of --also-whole is training data, so its "
                               "validation and test events would be trained on", dir)
                     : ts_fail("%s: the main dataset itself: its training part is trained on already, and would "
                               "count twice (--also adds another dataset's)", dir);
    ts_dataset e;
    if (ts_dataset_load(dir, &e)) return -1;
    /* its events are added as one stream, which a set's windows are not (a main dataset that
     * is one has its own windows read: ts_split_data_load_set) */
    size_t set = 0;
    if (ts_mc_window_length(dir, e.stream.n, &set) || set) {
        if (set) {
            char *p = ts_path_join(dir, "length");
            ts_fail("%s: windows of %zu event%s, which %s would join as one stream; train on it as the dataset", p,
                    set, ts_plural(set), whole ? "--also-whole" : "--also");
            free(p);
        }
        ts_dataset_free(&e);
        return -1;
    }
    size_t n, nb;
    ts_split_bounds(e.stream.n, s->permille, &n, &nb);   /* the training part, as the split's */
    const ts_dataset *m = &d->data;
    size_t a = d->split.train_stream.n;   /* d's training part is [0, a) */
    inf.whole = whole != 0;
    inf.other_clock = whole == 2;
    if (whole) n = e.stream.n;
    /* by time where the times overlap: a stream of the same trace (another CPU's); another
     * recording's, a later run's, lies wholly before or after (strace -ttt, the epoch's) */
    else if (m->time_ns && e.time_ns && a < m->stream.n && e.stream.n && e.time_ns[0] <= m->time_ns[m->stream.n - 1] &&
             e.time_ns[e.stream.n - 1] >= m->time_ns[0]) {
        inf.by_time = 1;
        inf.cut_ns = m->time_ns[a];
        inf.first_ns = m->time_ns[0];
        for (n = 0; n < e.stream.n && e.time_ns[n] < inf.cut_ns; n++) {}
    }
    int rc = 0;
    if (n < d->split.len)
        rc = ts_fail("%s: its training part has %zu event%s (%s), fewer than the window length %zu", dir, n, ts_plural(n),
                     whole ? "all of its events" : inf.by_time ? "those before the main dataset's training end time"
                                                               : "the training fraction",
                     d->split.len);
    int32_t *ids = rc ? NULL : ts_malloc(n * sizeof *ids);
    if (rc == 0) rc = also_renumber(d, &e, dir, n, ids, &inf.unknown);
    if (rc == 0 && whole) rc = also_whole_check(d, &e, dir, ids, whole == 2, &inf);
    else if (rc == 0 && !inf.by_time) rc = also_part_check(d, dir, ids, n, &inf);   /* by time: before it */
    if (rc == 0) {
        size_t before = d->split.train.n;
        ts_split_add_train(&d->split, ids, n, s->stride);
        d->n_ids = ts_split_n_ids(&d->data, &d->split);
        inf.events = n;
        inf.windows = d->split.train.n - before;
        if (info) *info = inf;
    }
    free(ids);
    ts_dataset_free(&e);
    return rc;
}

int ts_split_data_also(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info)
{
    return also_add(d, dir, s, 0, info);
}

int ts_split_data_also_whole(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info)
{
    return also_add(d, dir, s, 1, info);
}

int ts_split_data_also_other_clock(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info)
{
    return also_add(d, dir, s, 2, info);
}

/* ---- re-interleaved copies of the training part (train --reinterleave) ---- */

typedef struct {
    double t;     /* the moved time, ns after the first event */
    size_t i;     /* the event */
} moved_event;

static int by_moved_time(const void *a, const void *b)
{
    const moved_event *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* CPU c's shift at knot j of the copy keyed `key`, in [-1, 1): drawn by position, so that no
 * table of every knot is kept */
static double knot_shift(uint64_t key, int32_t c, uint64_t j)
{
    ts_rng r;
    ts_rng_fork(&r, key ^ ((uint64_t)(uint32_t)c * 0xd1b54a32d192ed03ull), j);
    return 2 * ts_rng_uniform(&r) - 1;
}

/* the checks before any copy, and each event's CPU (else thread) into *cpus (malloc'd); 0,
 * or -1 + error with *cpus NULL */
static int reinterleave_channel(ts_split_data *d, double shift_ns, int copies, void **cpus)
{
    *cpus = NULL;
    const char *dir = d->data.dir ? d->data.dir : "the dataset";
    if (d->split.kind != TS_SPLIT_TIME)
        return ts_fail("%s: re-interleaving the training part needs the time split (--split time)", dir);
    if (!(shift_ns >= 0 && shift_ns < TS_REINTERLEAVE_KNOT_NS / 2))
        return ts_fail("%s: a shift of %g ns: expected 0 to below %g ns", dir, shift_ns, TS_REINTERLEAVE_KNOT_NS / 2);
    if (copies < 1) return ts_fail("%s: %d copies: expected at least 1", dir, copies);
    if (!d->data.time_ns || !d->data.dir)
        return ts_fail("%s: no event times (time_ns.npy): re-interleaving needs the times and CPUs that ingest "
                       "--from ctf or ftrace writes, or the times and threads of ingest --from strace --channels "
                       "(strace -ttt)", dir);
    /* each CPU's events moved, else each thread's (a strace log's: the kernel schedules its
     * threads as it does the CPUs' work) */
    if (ts_mc_load_channel(d->data.dir, TS_CH_CPU, d->data.stream.n, cpus) != 0) return -1;
    if (!*cpus && ts_mc_load_channel(d->data.dir, TS_CH_TID, d->data.stream.n, cpus) != 0) return -1;
    /* times without CPUs: a strace log's dataset (ctf and ftrace ones have cpu.npy), whose
     * threads only ingest --channels writes */
    if (!*cpus)
        return ts_fail("%s: event times (time_ns.npy) but no CPUs (cpu.npy) or threads (tid.npy), as ingest --from "
                       "strace without --channels writes them: ingest the log again with --channels (tid.npy, each "
                       "call's thread; train reads its events as before), or a trace with --from ctf or ftrace "
                       "(cpu.npy)", dir);
    return 0;
}

int ts_split_data_reinterleave(ts_split_data *d, double shift_ns, int copies, uint64_t seed,
                               const ts_split_spec *s, ts_reinterleave_info *info)
{
    if (check_split_args(__func__, d, s)) return -1;
    void *cpus;
    int rc = reinterleave_channel(d, shift_ns, copies, &cpus);
    const size_t n = d->split.train_stream.n;   /* d's training part is [0, n) */
    const int32_t *cpu = cpus, *ids = d->data.stream.ids;
    const int64_t *t = d->data.time_ns;
    /* times relative to the first event: a double holds them to the nanosecond for 104 days */
    moved_event *ev = rc ? NULL : ts_malloc((n ? n : 1) * sizeof *ev);
    int32_t *out = rc ? NULL : ts_malloc((n ? n : 1) * sizeof *out);
    size_t before = d->split.train.n, changed = 0;
    for (int k = 0; rc == 0 && k < copies; k++) {
        const uint64_t key = seed ^ 0x7265696e746c76ull ^ ((uint64_t)k * 0x9e3779b97f4a7c15ull);
        for (size_t i = 0; i < n; i++) {
            const double u = (double)(t[i] - t[0]), x = u / TS_REINTERLEAVE_KNOT_NS;
            const uint64_t j = (uint64_t)x;
            const double f = x - (double)j;
            ev[i] = (moved_event){u + shift_ns * (knot_shift(key, cpu[i], j) * (1 - f) + knot_shift(key, cpu[i], j + 1) * f), i};
        }
        qsort(ev, n, sizeof *ev, by_moved_time);
        for (size_t i = 0; i < n; i++) {
            out[i] = ids[ev[i].i];
            changed += out[i] != ids[i];
        }
        ts_split_add_train(&d->split, out, n, s->stride);
    }
    if (rc == 0) {
        d->n_ids = ts_split_n_ids(&d->data, &d->split);
        if (info) {
            info->events = n;
            info->windows = d->split.train.n - before;
            info->moved = n ? (double)changed / ((double)n * copies) : 0;
        }
    }
    free(ev);
    free(out);
    free(cpus);
    return rc;
}

const double ts_reinterleave_auto_us[TS_REINTERLEAVE_AUTO_N] = {0, 0.1, 0.3, 1, 3, 10, 30, 60, 90};

/* the n-gram trained on d's training streams, imputing d's validation windows at k = 10 and
 * 40 (those fitting the window), centre and end: the mean accuracy (%) into *score */
static int reinterleave_score(const ts_split_data *d, const ts_run_opts *ro, double *score)
{
    /* the n-gram's own run, the seed alone taken: ro's options are the model's the copies
     * are chosen for (mdm's --layers, --budget, ...), not the n-gram's */
    const ts_run_opts nro = {.seed = ro ? ro->seed : 0, .seed_given = 0};
    ro = &nro;
    ts_model *m = NULL;
    if (ts_train_on("ngram", d, NULL, &m, NULL)) return -1;
    static const size_t ks[2] = {10, 40};
    static const ts_mask_pos ps[2] = {TS_MASK_CENTER, TS_MASK_END};
    double sum = 0;
    int n = 0, rc = 0;
    for (int i = 0; rc == 0 && i < 2; i++)
        for (int j = 0; rc == 0 && j < 2 && ks[i] <= d->split.valid.len; j++) {
            ts_impute_spec sp = {.blackout = ks[i], .pos = ps[j], .source = "the validation windows"};
            ts_impute_result res;
            if ((rc = ts_impute_eval(m, &d->split.valid, &sp, ro, &res)) == 0) sum += res.metrics.accuracy, n++;
        }
    ts_model_free(m);
    *score = n ? sum / n : 0;
    return rc;
}

/* the training streams after the first n_also (the copies just scored) dropped, with
 * their windows, and the numbering back to what it was; keep (may be NULL): those streams
 * moved there rather than freed (malloc'd, *n_keep of them) */
static void drop_copies(ts_split_data *d, size_t n_also, size_t train_n, int32_t n_ids, ts_seq **keep,
                        size_t *n_keep)
{
    ts_split *sp = &d->split;
    if (keep) {
        *n_keep = sp->n_also - n_also;
        *keep = ts_malloc((*n_keep ? *n_keep : 1) * sizeof **keep);
        if (*n_keep) memcpy(*keep, sp->also + n_also, *n_keep * sizeof **keep);
    } else
        for (size_t i = n_also; i < sp->n_also; i++) ts_seq_free(&sp->also[i]);
    sp->n_also = n_also;
    sp->train.n = train_n;
    /* (the windows' memory too: the next candidate's copies grow it again) */
    sp->train.data = ts_realloc(sp->train.data, (train_n ? train_n : 1) * sp->train.len * sizeof *sp->train.data);
    d->n_ids = n_ids;
}

static void free_copies(ts_seq *c, size_t n)
{
    for (size_t i = 0; i < n; i++) ts_seq_free(&c[i]);
    free(c);
}

int ts_split_data_reinterleave_choose(ts_split_data *d, int copies, uint64_t seed, const ts_split_spec *s,
                                      const ts_run_opts *ro, ts_reinterleave_choice *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (check_split_args(__func__, d, s)) return -1;
    /* refused before any candidate, as ts_split_data_reinterleave refuses */
    void *cpus;
    if (reinterleave_channel(d, 0, copies, &cpus)) return -1;
    free(cpus);
    const char *dir = d->data.dir ? d->data.dir : "the dataset";
    if (d->split.valid.n == 0 || d->split.valid.len < 10)
        return ts_fail("%s: choosing the shift needs validation windows of at least 10 events (%zu of %zu)", dir,
                       d->split.valid.n, d->split.valid.len);
    const size_t n_also = d->split.n_also, train_n = d->split.train.n;
    const int32_t n_ids = d->n_ids;
    /* the best candidate's copies so far, kept aside: added again at the end rather than
     * drawn again */
    ts_seq *best = NULL;
    size_t n_best = 0;
    int rc = 0;
    for (int c = 0; rc == 0 && c < TS_REINTERLEAVE_AUTO_N; c++) {
        const double us = ts_reinterleave_auto_us[c];
        out->us[c] = us;
        ts_reinterleave_info inf = {0, 0, 0};
        rc = us > 0 ? ts_split_data_reinterleave(d, us * 1000, copies, seed, s, &inf) : 0;
        if (rc == 0) rc = reinterleave_score(d, ro, &out->score[c]);
        /* ties: the smaller shift, none first */
        const int wins = rc == 0 && (c == 0 || out->score[c] > out->score[out->chosen]);
        if (wins) {
            free_copies(best, n_best);
            out->chosen = c;
            out->info = inf;
        }
        drop_copies(d, n_also, train_n, n_ids, wins ? &best : NULL, &n_best);
    }
    /* the chosen copies, as ts_split_data_reinterleave adds them */
    for (size_t i = 0; rc == 0 && i < n_best; i++) ts_split_add_train(&d->split, best[i].ids, best[i].n, s->stride);
    if (rc == 0 && n_best) d->n_ids = ts_split_n_ids(&d->data, &d->split);
    free_copies(best, n_best);
    if (rc) memset(&out->info, 0, sizeof out->info);
    return rc ? -1 : 0;
}

/* ---- the split directory ---- */

static int write_in(const char *dir, const char *name, int (*put)(const char *, const void *),
                    const void *what)
{
    char *p = ts_path_join(dir, name);
    int rc = put(p, what);
    free(p);
    return rc;
}
static int put_windows(const char *p, const void *w) { return ts_windows_write(p, w); }
static int put_seq(const char *p, const void *s) { return ts_seq_write(p, s); }
static int put_vocab(const char *p, const void *v) { return ts_vocab_write(p, v); }

int ts_split_dir_write(const char *dir, const char *dataset, const ts_split_data *d,
                       const ts_split_spec *s, double *leak)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!dataset) return ts_fail_null(__func__, "dataset");
    if (!d) return ts_fail_null(__func__, "d");
    if (!s) return ts_fail_null(__func__, "s");
    if (d->split.len == 0)
        return ts_fail("%s: d has no split (ts_split_data_load with a split spec, or ts_split_data_resplit)", __func__);
    if (ts__vocab_check(&d->data.vocab, __func__, "d->data.vocab.names")) return -1;
    /* another dataset's folder: its vocab.tsv would be replaced by the split's, which names
     * its IDs otherwise. The dataset's own folder keeps its vocab.tsv, the same names (split
     * ds -o ds, recorded as dataset_subdir=.) */
    char *ds = ts_path_join(dir, "stream.txt");
    const int holds = ts_file_exists(ds) && !(d->data.dir && ts_same_file(dir, d->data.dir) == 1);
    free(ds);
    if (holds) {   /* the example joined as a path: "DS/" given is not "DS//split" */
        char *own = ts_path_join(dataset, "split");
        ts_fail("%s: holds a dataset (stream.txt), whose vocab.tsv the split's would replace; name another directory "
                "(a split's own, as %s)", dir, own);
        free(own);
        return -1;
    }
    /* the dataset's architecture (its arch file), which goes beside the windows for impute
     * and eval; one it cannot read is refused before anything is written. In the dataset's
     * own folder its arch file is already there */
    ts_arch arch = TS_ARCH_UNKNOWN;
    if (d->data.dir && ts_dataset_arch(d->data.dir, &arch)) return -1;
    const int own = d->data.dir && ts_same_file(dir, d->data.dir) == 1;
    const ts_split *sp = &d->split;
    ts_windows stream = {sp->train_stream.ids, 1, sp->train_stream.n};
    double share = ts_audit_overlap(&stream, &sp->test);
    if (isnan(share)) return -1;
    if (leak) *leak = share;
    /* the files replaced together (a stage): a failure or a signal half way leaves the old
     * split whole, never new windows beside an old split.txt or old names; an earlier
     * split's names go with the commit when these events have none (they would be read as
     * these windows', by impute and eval) */
    ts_stage st;
    if (ts_stage_open(&st, dir)) return -1;
    const char *at = st.stage;
    int rc = write_in(at, "training", put_windows, &sp->train) ||
             write_in(at, "validation", put_windows, &sp->valid) ||
             write_in(at, "testing", put_windows, &sp->test) ||
             write_in(at, "train_stream.txt", put_seq, &sp->train_stream) ||
             (d->data.vocab.n > 0 && write_in(at, "vocab.tsv", put_vocab, &d->data.vocab)) ? -1 : 0;
    char *p = ts_path_join(at, "arch");
    ts_outfile o;
    if (rc == 0 && arch != TS_ARCH_UNKNOWN && !own && (rc = ts_out_open(&o, p)) == 0) {
        fprintf(o.f, "%s\n", ts_arch_name(arch));
        rc = ts_out_commit(&o);
    }
    free(p);
    p = ts_path_join(at, "split.txt");
    if (rc == 0 && (rc = ts_out_open(&o, p)) == 0) {
        /* each part's count and length= are compared when its file is read (ts_split_file_check) */
        fprintf(o.f, "dataset=%s\nsplit=%s\nlength=%zu\nstride=%zu\nwindows=%zu\nstream_events=%zu\n"
                     "train_windows=%zu\ntrain_stream_events=%zu\nvalidation_windows=%zu\ntest_windows=%zu\n"
                     "test_in_train=%zu\n",
                dataset, ts_split_name(s->kind), s->length, s->stride, s->windows, d->data.stream.n,
                sp->train.n, sp->train_stream.n, sp->valid.n, sp->test.n, (size_t)(share * (double)sp->test.n + 0.5));
        if (s->kind == TS_SPLIT_TIME)
            fprintf(o.f, "fractions=%g,%g,%g\n", s->permille[0] / 1000.0, s->permille[1] / 1000.0,
                    s->permille[2] / 1000.0);
        /* the dataset's events (ts_split_file_check: a reader of these windows refuses them
         * once an ingest has replaced those events) */
        char *real = d->data.dir ? realpath(d->data.dir, NULL) : NULL, *here = real ? realpath(dir, NULL) : NULL;
        const uint64_t crc = real ? ts_dataset_events_crc(real) : 0;
        if (crc && !strchr(real, '\n')) {
            fprintf(o.f, "dataset_dir=%s\nstream_crc=%016llx\n", real, (unsigned long long)crc);
            /* the split's place inside that folder, where it is in it: a split moved or
             * copied with its dataset is that dataset's where it lies at the same place */
            const size_t rl = strlen(real);
            if (here && rl > 1 && !strncmp(here, real, rl) && here[rl] == '/' && here[rl + 1] && !strchr(here, '\n'))
                fprintf(o.f, "dataset_subdir=%s\n", here + rl + 1);
            else if (here && !strcmp(here, real))   /* in its own folder (split DS -o DS) */
                fprintf(o.f, "dataset_subdir=.\n");
        }
        free(here);
        free(real);
        rc = ts_out_commit(&o);
    }
    free(p);
    if (rc) {   /* the error names the file as it would have been, not its stage */
        ts__stage_error(&st, dir);
        ts_stage_abort(&st);
        return -1;
    }
    /* an earlier split's arch goes where these events name none (it would name another
     * dataset's); the dataset's own folder keeps its own */
    const char *names[7] = {"training", "validation", "testing", "train_stream.txt", "split.txt"}, *gone[2];
    int nn = 5, ng = 0;
    if (d->data.vocab.n > 0) names[nn++] = "vocab.tsv";
    else gone[ng++] = "vocab.tsv";
    if (!own && arch != TS_ARCH_UNKNOWN) names[nn++] = "arch";
    else if (!own) gone[ng++] = "arch";
    return ts_stage_commit_removing(&st, names, nn, gone, ng);
}

/* ---- training ---- */

int ts_train_on(const char *name, const ts_split_data *d, const ts_train_opts *o, ts_model **out,
                double *seconds)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!name) return ts_fail_null(__func__, "name");
    if (!d) return ts_fail_null(__func__, "d");
    if (ts__vocab_check(&d->data.vocab, __func__, "d->data.vocab.names")) return -1;
    /* NULL: train's defaults (blackouts of 10 at the centre, seed 0, no log, no progress) */
    ts_train_opts to = o ? *o : (ts_train_opts){.blackout = 10, .mask_pos = TS_MASK_CENTER};
    to.split = &d->split;
    to.vocab = &d->data.vocab;
    to.n_ids = d->n_ids;
    double t0 = ts_now();
    int rc = ts_model_train(name, &to, out);
    if (seconds) *seconds = ts_now() - t0;
    return rc;
}

/* ---- imputation ---- */

int ts_impute_input_load(const char *path, const ts_split_spec *s, size_t len0, const char *vocab_path,
                         int32_t max_id, ts_windows *x, ts_vocab *names, size_t *distinct)
{
    if (x) memset(x, 0, sizeof *x);
    if (names) {
        memset(names, 0, sizeof *names);
        names->unk = -1;
    }
    if (!x) return ts_fail_null(__func__, "x");
    if (!names) return ts_fail_null(__func__, "names");
    if (!path) return ts_fail_null(__func__, "path");
    ts_split_spec def;
    if (!s) {   /* a dataset directory's test windows: the default split, of a set's length, else len0 */
        ts_split_spec_default(&def);
        def.length = 0;
        s = &def;
    }
    struct stat st;
    if (stat(path, &st) != 0) return ts_fail_path(path, "no such file or directory");
    int dir = S_ISDIR(st.st_mode);
    /* a link (to a split's testing): the vocab.tsv where it leads, as the arch beside it,
     * else the one beside the link */
    char *beside = !vocab_path && !dir ? ts_vocab_for_windows(path) : NULL;
    if (beside) vocab_path = beside;
    int rc = vocab_path ? ts_vocab_read(vocab_path, names) : 0;
    if (rc) { free(beside); return -1; }
    if (!dir) {
        /* every ID within the names, else within max_id: an error naming the file and place
         * (a .npy's reals are not clamped onto the last ID here, a window file's IDs checked too) */
        int32_t hi = names->n > 0 ? names->n - 1 : max_id;
        rc = ts_windows_load(path, -1, 0, x);
        if (rc == 0 && (rc = ts_windows_as_set(path, x)) != 0) ts_windows_free(x);   /* a set's stream.txt */
        for (size_t i = 0; rc == 0 && hi >= 0 && i < x->n * x->len; i++)
            if (x->data[i] > hi)
                rc = names->n > 0
                   ? ts_fail("%s: window %zu, position %zu: ID %d has no name in %s (%d names)", path,
                             i / x->len, i % x->len, x->data[i], vocab_path, names->n)
                   : ts_fail("%s: window %zu, position %zu: event ID %d is outside the model's range [0, %d)", path,
                             i / x->len, i % x->len, x->data[i], hi + 1);
        if (rc) ts_windows_free(x);
        if (distinct) *distinct = x->n;
    } else {
        ts_split_data d;
        /* a set's last window lies whole in its test part, which holds a window's events */
        rc = ts__split_folder_refused(path, 1) ? -1
           : ts_split_data_load_set_parts(path, s, len0 ? len0 : 200, TS_PART_TEST, &d, NULL);
        if (rc == 0) {
            if (!vocab_path) { *names = d.data.vocab; memset(&d.data.vocab, 0, sizeof d.data.vocab); }
            *x = d.split.test;
            memset(&d.split.test, 0, sizeof d.split.test);
            if (distinct) *distinct = d.split.test_distinct;
            ts_split_data_free(&d);
        }
    }
    free(beside);
    if (rc) ts_vocab_free(names);
    return rc;
}


/* the dataset whose time split's test windows the file path is (a split directory's
 * testing, its split.txt naming the dataset and the fractions, into *s), malloc'd; NULL where
 * it is none, or its dataset is no longer there */
static char *split_testing_dataset(const char *path, ts_split_spec *s)
{
    char *real = realpath(path, NULL), *out = NULL;
    const char *sl = real ? strrchr(real, '/') : NULL;
    if (!sl || strcmp(sl + 1, "testing")) {
        free(real);
        return NULL;
    }
    char *folder = ts__path_dir(real), *txt = ts_path_join(folder, "split.txt");
    ts_split_record rec;
    struct stat st;
    ts_split_spec_default(s);
    if (ts_split_record_read(txt, &rec) == 0 && rec.time && rec.fractions && rec.dataset_dir &&
        ts_split_parse_fractions(rec.fractions, s->permille) == 0 && stat(rec.dataset_dir, &st) == 0 &&
        S_ISDIR(st.st_mode))
        out = ts_strdup(rec.dataset_dir);
    ts_clear_error();   /* a record that does not read: nothing to check by */
    ts_split_record_free(&rec);
    free(txt);
    free(folder);
    free(real);
    return out;
}

/* what a model records of the dataset its time split cut (ts_model's data_*, a
 * multi-channel model's alike) and those parts */
typedef struct {
    size_t      events, seen;
    uint64_t    hash;
    const int  *permille;
    const ts_events_prefixes *prefixes;   /* its training part's leading events */
} held_rec;

/* a part beginning at event b of a set of windows of set (set > 0) begins at its first
 * whole window, b rounded up to a window's start */
static size_t set_part_begins(size_t b, size_t set) { return set ? (b + set - 1) / set * set : b; }

/* where the test part of fractions whose first two parts sum to t thousandths begins on n
 * events, a set of windows of set where set > 0 (its first whole window) */
static size_t held_out_test_begins(size_t n, int t, size_t set) { return set_part_begins(n * (size_t)t / 1000, set); }

/* the least sum of the first two parts (thousandths; each part at least 1) whose test part
 * of n events begins at seen or later and holds a window of len (0: an event; a set's: set):
 * 0 where none does (the least such test part is the longest) */
static int held_out_fractions(size_t n, size_t seen, size_t set, size_t len)
{
    const size_t end = set ? n / set * set : n, need = set ? set : len ? len : 1;
    for (int t = 2; t <= 999; t++) {
        const size_t b = held_out_test_begins(n, t, set);
        if (b >= seen) return b <= end && end - b >= need ? t : 0;
    }
    return 0;
}

/* the check of the one record m (mp names its model) on the dataset d (given as input,
 * where: what it is, "" or " (a split of D)") cut by the parts pm, a set of windows of set
 * (DIR/length) where set > 0, windows of len (0: not said) otherwise; seen (may be NULL)
 * raised */
static int held_out_one(const held_rec *m, const char *mp, const ts_dataset *d, size_t set, size_t len,
                        const char *input, const char *where, const int pm[3], unsigned part, size_t *seen)
{
    if (!m->events || m->permille[0] <= 0) return 0;
    size_t am, bm, a, b, ao, bo;
    ts_split_bounds(m->events, m->permille, &am, &bm);
    /* the model's dataset: its training part the same events; one shorter than that (cut),
     * its leading events those the record's prefixes know (known), for a test part */
    const size_t n = d->stream.n;
    size_t known = am;
    if (n >= am ? ts_events_hash(d->stream.ids, am, &d->vocab) != m->hash
                : part != TS_PART_TEST || !(known = ts_events_prefixes_match(m->prefixes, d->stream.ids, n, &d->vocab)))
        return 0;
    ts_split_bounds(n, pm, &a, &b);
    ts_split_bounds(d->stream.n, m->permille, &ao, &bo);   /* the model's own split of it */
    /* a set's parts are its windows lying whole in them (ts_split_data_load_set): the test
     * part begins at the first window at b or after, the validation part ends with the last
     * one before b */
    const size_t valid_end = set ? b / set * set : b;
    b = set_part_begins(b, set);
    bo = set_part_begins(bo, set);
    /* cut at or before where the model's choices end: every test part is of events it
     * learned, whatever the fractions (cut shorter than its training part: where the
     * prefixes know the test part's first event) */
    if (part == TS_PART_TEST && n <= m->seen && (n >= am || b < known) && n < m->events)
        return ts_fail("%s%s: %zu events, %s the %zu that %s was trained or made its choices on, and its first %zu "
                       "are those of the model's training part: that dataset cut, whose test part (from event %zu) "
                       "holds events the model learned; give the whole dataset, or another",
                       input, where, n, n < m->seen ? "fewer than" : "as many as", m->seen, mp, known, b);
    /* the whole dataset (or more), every event of it chosen on: tune-prior's choices on the
     * same events with more appended reach past its end */
    if (part == TS_PART_TEST && n <= m->seen && n >= m->events)
        return ts_fail("%s%s: %zu events, %s the %zu that %s was trained or made its choices on (tune-prior's choices "
                       "on it with more events appended; its first %zu are the model's training part): any test part "
                       "of it (this one from event %zu) holds events the model learned; give it with events past "
                       "event %zu, or another dataset",
                       input, where, n, n < m->seen ? "fewer than" : "as many as", m->seen, mp, am, b, m->seen);
    if (n < am) return 0;   /* (the test part not known to be the model's events) */
    if (part == TS_PART_TEST && b < m->seen) {
        /* what to give instead: its own fractions where their test part begins late enough
         * (not on a dataset cut shorter than the model's, nor past where tune-prior chose),
         * else the least first two parts whose test part does and holds a window, else none */
        char advice[256];
        const int t = bo >= m->seen ? 0 : held_out_fractions(n, m->seen, set, len);
        const int t0 = m->permille[0] < t ? m->permille[0] : t - 1;
        if (bo >= m->seen)
            snprintf(advice, sizeof advice, "give its own fractions, %g,%g,%g (the default), or others whose test part "
                     "begins there or later", m->permille[0] / 1000.0, m->permille[1] / 1000.0,
                     m->permille[2] / 1000.0);
        else if (t)
            snprintf(advice, sizeof advice, "give %sfractions whose first two sum to %g or more, such as %g,%g,%g (its "
                     "test part from event %zu)", n < m->events ? "the whole dataset, or " : "", t / 1000.0,
                     t0 / 1000.0, (t - t0) / 1000.0, (1000 - t) / 1000.0, held_out_test_begins(n, t, set));
        else
            snprintf(advice, sizeof advice, "no fractions of this %s give a test part the model has not seen (a window "
                     "of %zu after event %zu): give %s", n < m->events ? "cut" : "dataset", set ? set : len ? len : 1,
                     m->seen, n < m->events ? "the whole dataset, or another" : "a longer one, or another");
        if (n < m->events && bo < m->seen) {   /* its own fractions refused too */
            char fr[256];
            if (!memcmp(pm, m->permille, 3 * sizeof *pm))
                snprintf(fr, sizeof fr, "the test part of its own fractions, %g,%g,%g, begins at event %zu",
                         pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, b);
            else
                snprintf(fr, sizeof fr, "the test part of the fractions %g,%g,%g begins at event %zu (and that of "
                         "its own, %g,%g,%g, at event %zu)", pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, b,
                         m->permille[0] / 1000.0, m->permille[1] / 1000.0, m->permille[2] / 1000.0, bo);
            return ts_fail("%s%s: %zu events, fewer than the %zu events of the dataset %s was trained on, and its first "
                           "%zu those of that dataset (the model's training part): that dataset cut, on which %s, before "
                           "event %zu, up to which the model was trained or made its choices: its figures would score "
                           "events it learned; %s",
                           input, where, n, m->events, mp, am, fr, m->seen, advice);
        }
        return ts_fail("%s%s: the test part of the fractions %g,%g,%g begins at event %zu, before event %zu, up to which "
                       "%s was trained or made its choices on this dataset (its first %zu events are the model's "
                       "training part): its figures would score events it learned; %s",
                       input, where, pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, b, m->seen, mp, am, advice);
    }
    if (part == TS_PART_VALID && valid_end > bo)
        return ts_fail("%s: the validation part of the fractions %g,%g,%g ends at event %zu, after event %zu, where the "
                       "test part of %s's own split (%g,%g,%g) begins on this dataset (its first %zu events are the "
                       "model's training part): choices made there would be scored on their own events; give its own "
                       "fractions (the default), or others whose validation part ends there or before",
                       input, pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, valid_end, bo, mp,
                       m->permille[0] / 1000.0, m->permille[1] / 1000.0, m->permille[2] / 1000.0, am);
    if (part == TS_PART_VALID && seen && valid_end > *seen) *seen = valid_end;
    return 0;
}

/* the check of the records r[0] (the model model_path names) and r[1..n) (the models its
 * run averages with it, named as --ensemble models): ts_model_held_out_check */
static int held_out_records(const held_rec *r, int n, const char *model_path, const char *input, const ts_split_spec *s,
                          unsigned part, size_t *seen)
{
    int any = 0;
    for (int i = 0; i < n; i++) any |= r[i].events != 0;
    struct stat st;
    if (!any || ts_path_is_stdin(input) || stat(input, &st) != 0) return 0;
    /* a split directory's test windows: its dataset, cut as its split.txt records */
    ts_split_spec rs;
    char *split_of = !S_ISDIR(st.st_mode) && part == TS_PART_TEST ? split_testing_dataset(input, &rs) : NULL;
    if (split_of) s = &rs;
    else if (!S_ISDIR(st.st_mode) || s->kind != TS_SPLIT_TIME) return 0;
    const char *mp = model_path ? model_path : "the model", *dir = split_of ? split_of : input;
    char where[64] = "";
    if (split_of) snprintf(where, sizeof where, " (a split of %.40s)", dir);
    ts_dataset d;
    if (ts_dataset_load(dir, &d)) {
        free(split_of);
        return -1;
    }
    /* a set of windows, cut into its own (a split directory's windows were cut by the split) */
    size_t set = 0;
    int rc = split_of ? 0 : ts_mc_window_length(dir, d.stream.n, &set);
    if (rc == 0) rc = held_out_one(&r[0], mp, &d, set, s->length, input, where, s->permille, part, seen);
    for (int i = 1; rc == 0 && i < n; i++) {
        char who[600];
        snprintf(who, sizeof who, "the --ensemble model %d of %.500s", i, mp);
        rc = held_out_one(&r[i], who, &d, set, s->length, input, where, s->permille, part, NULL);
    }
    ts_dataset_free(&d);
    free(split_of);
    return rc;
}

static int held_out_args(const char *who, const char *input, const ts_split_spec *s, unsigned part)
{
    if (!input) return ts_fail_null(who, "input");
    if (!s) return ts_fail_null(who, "s");
    if (part != TS_PART_TEST && part != TS_PART_VALID)
        return ts_fail("%s: part %#x: expected TS_PART_TEST or TS_PART_VALID", who, part);
    return 0;
}

int ts_model_held_out_check(const ts_model *m, const char *model_path, const char *input, const ts_split_spec *s,
                            unsigned part, size_t *seen)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (seen) *seen = m->data_seen;
    if (held_out_args(__func__, input, s, part)) return -1;
    /* m and the models its run averaged with it (mdm's --ensemble, loaded) */
    int nmem = 0;
    while (m->ops->ensemble_member && m->ops->ensemble_member(m, nmem)) nmem++;
    held_rec *r = ts_malloc((size_t)(nmem + 1) * sizeof *r);
    for (int i = 0; i <= nmem; i++) {
        const ts_model *e = i ? m->ops->ensemble_member(m, i - 1) : m;
        r[i] = (held_rec){e->data_events, e->data_seen, e->data_hash, e->permille, &e->data_prefixes};
    }
    int rc = held_out_records(r, nmem + 1, model_path, input, s, part, seen);
    free(r);
    return rc;
}

int ts_mc_model_held_out_check(const ts_mc_model *m, const char *model_path, const char *input,
                               const ts_split_spec *s)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (held_out_args(__func__, input, s, TS_PART_TEST)) return -1;
    const held_rec r = {m->data_events, m->data_seen, m->data_hash, m->permille, &m->data_prefixes};
    return held_out_records(&r, 1, model_path, input, s, TS_PART_TEST, NULL);
}

int ts_model_held_out_found(const ts_model *m, const char *input, const ts_windows *x, size_t *found)
{
    if (!found) return ts_fail_null(__func__, "found");
    *found = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!input) return ts_fail_null(__func__, "input");
    if (!x) return ts_fail_null(__func__, "x");
    struct stat st;
    if (!m->data_events || m->permille[0] <= 0 || ts_path_is_stdin(input) || stat(input, &st) != 0) return 0;
    ts_split_spec rs;   /* a split directory's test windows: its dataset's */
    char *split_of = S_ISDIR(st.st_mode) ? NULL : split_testing_dataset(input, &rs);
    if (!S_ISDIR(st.st_mode) && !split_of) return 0;
    ts_dataset d;
    if (ts_dataset_load(split_of ? split_of : input, &d)) {
        free(split_of);
        return -1;
    }
    size_t am, bm;
    ts_split_bounds(m->data_events, m->permille, &am, &bm);
    int rc = 0;
    /* the model's dataset (its training part the same events): the windows in that part;
     * that dataset cut shorter than its training part: in its leading events the record's
     * prefixes know */
    const size_t known = d.stream.n >= am ? (ts_events_hash(d.stream.ids, am, &d.vocab) == m->data_hash ? am : 0)
                                          : ts_events_prefixes_match(&m->data_prefixes, d.stream.ids, d.stream.n,
                                                                     &d.vocab);
    if (known) {
        const long f = found_in(d.stream.ids, known, x);
        rc = f < 0 ? -1 : 1;
        if (f > 0) *found = (size_t)f;
    }
    ts_dataset_free(&d);
    free(split_of);
    return rc;
}

/* ts_impute_eval and ts_impute_eval_arch; who: the one called, which an error names */
static int impute_eval(const char *who, ts_model *m, const ts_windows *x, const ts_impute_spec *s, ts_arch arch,
                       const ts_run_opts *ro, ts_impute_result *res)
{
    if (!res) return ts_fail_null(who, "res");
    memset(res, 0, sizeof *res);
    if (!m) return ts_fail_null(who, "m");
    if (!x) return ts_fail_null(who, "x");
    if (!s) return ts_fail_null(who, "s");
    if (ts__vocab_check(s->names, who, "s->names->names")) return -1;
    const char *src = s->source ? s->source : "input";
    if (ts__mask_pos_check(s->pos, src)) return -1;   /* before any work: ts_mask_fill refuses it too */
    if (s->blackout == 0 || s->blackout > x->len)
        return ts_fail("%s: a blackout of %zu event%s does not fit windows of %zu", src, s->blackout,
                       ts_plural(s->blackout), x->len);
    const ts_vocab *names = s->names && s->names->n > 0 ? s->names : NULL;
    int by_name = names && m->vocab.n > 0;   /* IDs matched by name in ts_model_impute_named */
    /* the model's names the input's vocabulary lacks (another trace's) take the IDs after
     * its own, as those the windows' names file lacks do: a fill keeps its name rather than
     * become the input's <unk>, which would count right wherever a hidden event is <unk>
     * (a vocabulary without <unk> refuses such a fill, naming it: ts_model_impute_named) */
    ts_vocab ext = {0, NULL, NULL, -1};
    if (by_name && names->unk >= 0 && names->unk < names->n) {
        int32_t *to = ts_malloc((size_t)m->vocab.n * sizeof *to);
        ts_vocab_map(&m->vocab, names, to);
        ext = (ts_vocab){names->n, ts_malloc((size_t)(names->n + m->vocab.n) * sizeof *ext.names),
                         ts_calloc((size_t)(names->n + m->vocab.n), sizeof *ext.counts), names->unk};
        memcpy(ext.names, names->names, (size_t)names->n * sizeof *ext.names);
        if (names->counts) memcpy(ext.counts, names->counts, (size_t)names->n * sizeof *ext.counts);
        for (int32_t i = 0; i < m->vocab.n; i++)
            if (i != m->vocab.unk && to[i] == names->unk && strcmp(names->names[to[i]], m->vocab.names[i]))
                ext.names[ext.n++] = m->vocab.names[i];   /* borrowed, as names->names are */
        free(to);
        names = &ext;
    }
    size_t nl = x->n * x->len;
    uint8_t *mask = ts_malloc(nl ? nl : 1);
    ts_mask_fill(mask, x->n, x->len, s->blackout, s->pos, ro ? ro->seed : 0);   /* NULL: the defaults */
    for (size_t i = 0; i < nl; i++)
        if (!by_name && mask[i] && (x->data[i] < 0 || x->data[i] >= m->n_ids)) {
            free(mask);
            return ts_fail("%s: window %zu, position %zu: event ID %d is outside the model's range [0, %d)",
                           src, i / x->len, i % x->len, x->data[i], m->n_ids);
        }
    ts_windows y;
    double t0 = ts_now();
    int rc = ts_model_impute_named(m, x, names, mask, ro, &y, &res->unknown);
    res->seconds = ts_now() - t0;
    if (rc == 0) {
        /* the windows' own names where they cover the IDs, else the model's */
        const ts_vocab *ev = by_name || (names && names->n >= m->n_ids) ? names
                             : m->vocab.n ? &m->vocab : NULL;
        rc = arch == TS_ARCH_UNKNOWN ? ts_eval_impute(x, mask, &y, ev, &res->metrics)
                                     : ts_eval_impute_arch(x, mask, &y, ev, arch, &res->metrics);
        if (rc == 0 && s->outdir)
            rc = ts__write_impute_arch(s->outdir, x, mask, &y, ev, arch == TS_ARCH_UNKNOWN ? NULL : ts_arch_name(arch));
        ts_windows_free(&y);
    }
    free(mask);
    free(ext.names);
    free(ext.counts);
    return rc;
}

int ts_impute_eval(ts_model *m, const ts_windows *x, const ts_impute_spec *s, const ts_run_opts *ro,
                   ts_impute_result *res)
{
    return impute_eval(__func__, m, x, s, TS_ARCH_UNKNOWN, ro, res);
}

int ts_impute_eval_arch(ts_model *m, const ts_windows *x, const ts_impute_spec *s, ts_arch arch,
                        const ts_run_opts *ro, ts_impute_result *res)
{
    if ((unsigned)arch > TS_ARCH_AARCH64)
        return ts_fail("%s: architecture %d: expected TS_ARCH_UNKNOWN, TS_ARCH_X86_64, TS_ARCH_I386, TS_ARCH_ARM or "
                       "TS_ARCH_AARCH64", __func__, (int)arch);
    return impute_eval(__func__, m, x, s, arch, ro, res);
}

/* ---- files ---- */

int ts_mask_load(const char *path, uint8_t **mask, size_t *n, size_t *len)
{
    if (!mask) return ts_fail_null(__func__, "mask");
    *mask = NULL;
    if (!path) return ts_fail_null(__func__, "path");
    if (!n) return ts_fail_null(__func__, "n");
    if (!len) return ts_fail_null(__func__, "len");
    int npy;
    ts_npy a;
    ts_windows w;
    if (ts_input_read(path, &npy, &a, &w)) return -1;
    if (npy) {
        int rc = ts_npy_to_mask(&a, path, mask, n, len);
        ts_npy_free(&a);
        return rc;
    }
    uint8_t *m = ts_malloc(w.n * w.len);
    for (size_t i = 0; i < w.n * w.len; i++) {
        if (w.data[i] > 1) {
            ts_fail("%s:%zu: mask value %d at position %zu (1 = observed, 0 = missing)", path,
                    i / w.len + 1, (int)w.data[i], i % w.len);
            free(m);
            ts_windows_free(&w);
            return -1;
        }
        m[i] = (uint8_t)w.data[i];
    }
    *mask = m;
    *n = w.n;
    *len = w.len;
    ts_windows_free(&w);
    return 0;
}
