/* The multi-channel Markov baseline (see channels.h): the event chain from the n-gram
 * model's generation, the other channels drawn per event type from training counts. */
#include "tracesynth/channels.h"
#include "tracesynth/common.h"
#include "tracesynth/ngram.h"
#include "tracesynth/repair.h"

#include <stdlib.h>
#include <string.h>

/* a draw from counts cnt[0..k) (total > 0) */
static int32_t draw(const uint32_t *cnt, int32_t k, uint64_t total, ts_rng *r)
{
    uint64_t u = ts_rng_below(r, total);
    for (int32_t a = 0; a < k; a++) {
        if (u < cnt[a]) return a;
        u -= cnt[a];
    }
    return k - 1;
}

int ts_mc_markov(const ts_mc *train, size_t n_train, int order, size_t n, uint64_t seed, ts_mc *out)
{
    return ts_mc_markov_windows(train, n_train, order, 1, n, seed, out);
}

/* ---- the channel tables of a training part (ts_mc_drawer, channels.h) ---- */

struct ts_mc_drawer {
    int given;                   /* TS_DRAW_TYPE or TS_DRAW_PAIR */
    ts_constraints k;            /* per type counts of comm, ret, tid, cpu */
    ts_mc tr;                    /* the training part */
    size_t nt;
    size_t *tstart, *tidx;       /* (V + 2), (nt): the training events of type v are
                                    tidx[tstart[v], tstart[v + 1]), in trace order (the
                                    first apart, in row V, when its dt is drawn and its
                                    type has others) */
    size_t *pstart, *pidx;       /* TS_DRAW_PAIR: (V V + 1), (nt): the same by (previous type, type) */
    uint64_t *tot[TS_NCH];       /* (V + 1) per type totals of each channel's counts; row V: all */
    uint32_t *all[TS_NCH];       /* (card) counts over every type */
};

/* idx (n) the events [0, n) grouped by key[i] in [0, K) (a stable counting sort), start (K + 1) */
static void group_by(const size_t *key, size_t n, size_t K, size_t **start, size_t **idx)
{
    *start = ts_calloc(K + 1, sizeof **start);
    for (size_t i = 0; i < n; i++) (*start)[key[i] + 1]++;
    for (size_t v = 0; v < K; v++) (*start)[v + 1] += (*start)[v];
    size_t *fill = ts_malloc((K ? K : 1) * sizeof *fill);
    memcpy(fill, *start, K * sizeof *fill);
    *idx = ts_malloc((n ? n : 1) * sizeof **idx);
    for (size_t i = 0; i < n; i++) (*idx)[fill[key[i]]++] = i;
    free(fill);
}

void ts_mc_drawer_free(ts_mc_drawer *d)
{
    if (!d) return;
    ts_constraints_free(&d->k);
    ts_mc_free(&d->tr);
    free(d->tstart); free(d->tidx); free(d->pstart); free(d->pidx);
    for (int c = 0; c < TS_NCH; c++) {
        free(d->tot[c]);
        free(d->all[c]);
    }
    free(d);
}

/* ts_mc_drawer_new_windows, its NULL arguments refused naming fn */
static int drawer_new(const char *fn, const ts_mc *train, size_t n_train, size_t len, int given, ts_mc_drawer **out)
{
    if (!out) return ts_fail_null(fn, "out");
    *out = NULL;
    if (!train) return ts_fail_null(fn, "train");
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (nt == 0) return ts_fail("channels: no training events to draw from");
    if (given != TS_DRAW_TYPE && given != TS_DRAW_PAIR) return ts_fail("channels: unknown way of drawing (%d)", given);
    ts_mc_drawer *d = ts_calloc(1, sizeof *d);
    d->given = given;
    d->nt = nt;
    if (ts_constraints_learn_windows(train, nt, len, &d->k) != 0 || ts_mc_slice(train, 0, nt, &d->tr) != 0) {
        ts_mc_drawer_free(d);
        return -1;
    }
    const size_t V = (size_t)d->k.V;
    const int32_t *ev = d->tr.ch[TS_CH_EVENT];
    size_t *key = ts_malloc(nt * sizeof *key);
    for (size_t i = 0; i < nt; i++) key[i] = (size_t)ev[i];
    /* the first event's dt is no time (ingest writes 0) and no bound of its type (see
     * ts_constraints_learn): a type with other events draws from those */
    size_t same = 0;
    for (size_t i = 0; i < nt; i++) same += ev[i] == ev[0];
    if (d->tr.dt && same > 1) key[0] = V;
    group_by(key, nt, V + 1, &d->tstart, &d->tidx);
    if (given == TS_DRAW_PAIR) {
        /* a window's first (the first event, each window's in a set of windows): none */
        for (size_t i = 0; i < nt; i++) key[i] = i && (!len || i % len) ? (size_t)ev[i - 1] * V + (size_t)ev[i] : V * V;
        group_by(key, nt, V * V + 1, &d->pstart, &d->pidx);
    }
    free(key);
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!d->k.card[c]) continue;
        d->tot[c] = ts_calloc(V + 1, sizeof *d->tot[c]);
        d->all[c] = ts_calloc((size_t)d->k.card[c], sizeof *d->all[c]);
        for (size_t v = 0; v < V; v++)
            for (int32_t a = 0; a < d->k.card[c]; a++) {
                uint32_t x = d->k.cnt[c][v * d->k.card[c] + a];
                d->tot[c][v] += x;
                d->tot[c][V] += x;
                d->all[c][a] += x;
            }
    }
    *out = d;
    return 0;
}

int ts_mc_drawer_new(const ts_mc *train, size_t n_train, int given, ts_mc_drawer **out)
{
    return drawer_new(__func__, train, n_train, 0, given, out);
}

int ts_mc_drawer_new_windows(const ts_mc *train, size_t n_train, size_t len, int given, ts_mc_drawer **out)
{
    return drawer_new(__func__, train, n_train, len, given, out);
}

int32_t ts_mc_drawer_types(const ts_mc_drawer *d) { return d ? d->k.V : 0; }

void ts_mc_drawer_draw(const ts_mc_drawer *d, ts_mc *y, size_t i, int32_t prev, ts_rng *r)
{
    if (!d || !y || !r || i >= y->n || !y->ch[TS_CH_EVENT]) return;
    const int32_t v = y->ch[TS_CH_EVENT][i];
    const size_t V = (size_t)d->k.V;
    const int known = v >= 0 && v < d->k.V;   /* else drawn as a type the training part lacks */
    if (d->given == TS_DRAW_PAIR) {   /* every channel of one training event with the same pair, or type */
        size_t a = 0, b = 0, j;
        if (known && prev >= 0 && prev < d->k.V)
            a = d->pstart[(size_t)prev * V + (size_t)v], b = d->pstart[(size_t)prev * V + (size_t)v + 1];
        if (a < b) {
            j = d->pidx[a + ts_rng_below(r, b - a)];
        } else {
            if (known) a = d->tstart[v], b = d->tstart[v + 1];
            j = a < b ? d->tidx[a + ts_rng_below(r, b - a)] : ts_rng_below(r, d->nt);
        }
        if (y->dt && d->tr.dt) y->dt[i] = d->tr.dt[j];
        for (int c = TS_CH_COMM; c < TS_NCH; c++)
            if (y->ch[c] && d->tr.ch[c]) y->ch[c][i] = d->tr.ch[c][j];
        return;
    }
    /* each channel on its own: dt a training dt of the type, the others from the type's
     * counts; a type the training part lacks draws from all its events */
    if (y->dt && d->tr.dt) {
        size_t a = known ? d->tstart[v] : 0, b = known ? d->tstart[v + 1] : 0;
        y->dt[i] = d->tr.dt[d->tidx[a < b ? a + ts_rng_below(r, b - a) : ts_rng_below(r, d->nt)]];
    }
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!d->k.card[c] || !y->ch[c]) continue;
        y->ch[c][i] = known && d->tot[c][v] ? draw(d->k.cnt[c] + (size_t)v * d->k.card[c], d->k.card[c], d->tot[c][v], r)
                                   : draw(d->all[c], d->k.card[c], d->tot[c][V], r);
    }
}

#define CHANNEL_STREAM 0x6368616e6e656cull   /* "channel" */

void ts_mc_drawer_rng(ts_rng *r, uint64_t seed, uint64_t window) { ts_rng_fork(r, seed ^ CHANNEL_STREAM, window); }

/* the channels other than event for ev (n, windows of len; owned: it becomes out's event
 * channel), drawn by d, a drawer of train's first events (owned: freed here) */
static int draw_channels(const ts_mc *train, ts_mc_drawer *d, int32_t *ev, size_t n, size_t len, uint64_t seed,
                         ts_mc *out)
{
    out->n = n;
    out->events.stream.ids = ev;
    out->events.stream.n = n;
    out->events.vocab.unk = -1;
    out->ch[TS_CH_EVENT] = ev;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (ev[i] < 0 || ev[i] >= d->k.V)
            rc = ts_fail("event %zu: ID %d is not one of the trace's %d event type%s", i, (int)ev[i], (int)d->k.V,
                         ts_plural((size_t)d->k.V));
    if (rc == 0 && ((train->events.vocab.n > 0 && ts_vocab_copy(&out->events.vocab, &train->events.vocab)) ||
                    (train->comm_vocab.n > 0 && ts_vocab_copy(&out->comm_vocab, &train->comm_vocab)) ||
                    (train->ret_vocab.n > 0 && ts_vocab_copy(&out->ret_vocab, &train->ret_vocab))))
        rc = -1;
    if (rc == 0) {
        if (train->dt) out->dt = ts_malloc(n * sizeof *out->dt);
        for (int c = TS_CH_COMM; c < TS_NCH; c++)
            if (d->k.card[c]) out->ch[c] = ts_malloc(n * sizeof(int32_t));
        ts_rng r;   /* each window's own channel stream (len 0: one window) */
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || (len && i % len == 0)) ts_mc_drawer_rng(&r, seed, len ? i / len : 0);
            ts_mc_drawer_draw(d, out, i, len && i % len == 0 ? -1 : i ? ev[i - 1] : -1, &r);
        }
        uint8_t *kinds = ts_mc_event_kinds(train);   /* what each event is, as its name is in train */
        ts_mc_kinds_by_name(out, kinds, len, NULL);
        free(kinds);
    }
    ts_mc_drawer_free(d);
    if (rc) ts_mc_free(out);
    return rc;
}

int ts_mc_markov_windows(const ts_mc *train, size_t n_train, int order, size_t windows, size_t len,
                         uint64_t seed, ts_mc *out)
{
    return ts_mc_markov_given(train, n_train, order, windows, len, TS_DRAW_TYPE, seed, out);
}

/* ts_mc_markov_given_windows, its NULL arguments refused naming fn */
static int markov_given(const char *fn, const ts_mc *train, size_t n_train, size_t train_len, int order, size_t windows,
                        size_t len, int given, uint64_t seed, ts_mc *out)
{
    if (!out) return ts_fail_null(fn, "out");
    memset(out, 0, sizeof *out);
    if (!train) return ts_fail_null(fn, "train");
    if (windows && len > SIZE_MAX / windows) return ts_fail("markov: %zu windows of %zu events is too many", windows, len);
    size_t n = windows * len;
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (n == 0 || nt == 0) return ts_fail("markov: nothing to learn from or to generate");
    /* the channels' drawer first: its tables (the types by each channel's values) are
     * refused where they are out of proportion to the trace (an ID far above the events'
     * count), before the chain's (the types: one such ID made them gigabytes) */
    ts_mc_drawer *d = NULL;
    if (ts_mc_drawer_new_windows(train, nt, train_len, given, &d) != 0) return -1;
    /* a set of windows: the chain learns each window apart (a separator between two, so
     * that no context and no next event spans them) */
    const int32_t *ev = train->ch[TS_CH_EVENT];
    int32_t *sep = NULL;
    size_t ns = nt;
    if (train_len && train_len < nt) {
        ns = ts_ids_separated_n(nt, train_len);
        sep = ts_malloc(ns * sizeof *sep);
        ts_ids_put_separated(sep, ev, nt, train_len, -1);
    }
    /* a type that nothing follows in the training part (within its windows: its last
     * event's, seen nowhere else; one only ending windows) would end the chain's run, which
     * then goes on with the most frequent event, a pair never seen: such events, then those
     * whose only followers they are, become separators (always a piece's last events, so no
     * piece starts anew; where that leaves none, the chain learns the stream as it is) */
    int32_t *pruned = ts_malloc(ns * sizeof *pruned);
    memcpy(pruned, sep ? sep : ev, ns * sizeof *pruned);
    const int32_t V = ts_mc_card(train, TS_CH_EVENT);
    uint8_t *follows = ts_malloc(V > 0 ? (size_t)V : 1);
    size_t left = 0;
    for (int changed = 1; changed;) {
        memset(follows, 0, V > 0 ? (size_t)V : 1);
        for (size_t i = 0; i + 1 < ns; i++)
            if (pruned[i] >= 0 && pruned[i] < V && pruned[i + 1] >= 0) follows[pruned[i]] = 1;
        changed = 0;
        left = 0;
        for (size_t i = 0; i < ns; i++)
            if (pruned[i] >= 0 && pruned[i] < V && !follows[pruned[i]]) pruned[i] = -1, changed = 1;
            else left += pruned[i] >= 0;
    }
    free(follows);
    ts_model *g = ts_ngram_new(left ? pruned : sep ? sep : ev, ns, order);
    free(pruned);
    free(sep);
    if (!g) {
        ts_mc_drawer_free(d);
        return ts_fail("markov: order %d is not in [1, 64]", order);
    }
    g->n_ids = ts_mc_card(train, TS_CH_EVENT);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = seed;
    ts_windows w;
    int rc = ts_model_generate(g, windows, len, &ro, &w);
    ts_model_free(g);
    if (rc == 0) return draw_channels(train, d, w.data, n, len, seed, out);
    ts_mc_drawer_free(d);
    return rc;
}

int ts_mc_markov_given(const ts_mc *train, size_t n_train, int order, size_t windows, size_t len, int given,
                       uint64_t seed, ts_mc *out)
{
    return markov_given(__func__, train, n_train, 0, order, windows, len, given, seed, out);
}

int ts_mc_markov_given_windows(const ts_mc *train, size_t n_train, size_t train_len, int order, size_t windows,
                               size_t len, int given, uint64_t seed, ts_mc *out)
{
    return markov_given(__func__, train, n_train, train_len, order, windows, len, given, seed, out);
}

int ts_mc_from_events(const ts_mc *train, size_t n_train, const int32_t *ev, size_t n, uint64_t seed, ts_mc *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!train) return ts_fail_null(__func__, "train");
    if (n && !ev) return ts_fail_null(__func__, "ev");
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (n == 0 || nt == 0) return ts_fail("channels: nothing to learn from or to draw for");
    ts_mc_drawer *d = NULL;
    if (ts_mc_drawer_new_windows(train, nt, 0, TS_DRAW_TYPE, &d) != 0) return -1;
    int32_t *e = ts_malloc(n * sizeof *e);
    memcpy(e, ev, n * sizeof *e);
    return draw_channels(train, d, e, n, 0, seed, out);   /* e is out's (freed with it) */
}
