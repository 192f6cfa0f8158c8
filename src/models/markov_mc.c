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

/* the channels other than event, drawn per event type from the training counts (dt: a
 * training dt of the type); a type the training part lacks draws from all its events.
 * ev (n) becomes out's event channel (owned). */
static int draw_channels(const ts_mc *train, size_t nt, const ts_constraints *k, int32_t *ev, size_t n,
                         uint64_t seed, ts_mc *out)
{
    int rc = 0;
    out->n = n;
    out->events.stream.ids = ev;
    out->events.stream.n = n;
    out->events.vocab.unk = -1;
    out->ch[TS_CH_EVENT] = ev;
    if (train->events.vocab.n > 0 && ts_vocab_copy(&out->events.vocab, &train->events.vocab)) rc = -1;
    if (train->comm_vocab.n > 0 && ts_vocab_copy(&out->comm_vocab, &train->comm_vocab)) rc = -1;
    if (train->ret_vocab.n > 0 && ts_vocab_copy(&out->ret_vocab, &train->ret_vocab)) rc = -1;
    /* per type: the training dt values, and the totals of each channel's counts;
     * row V: every type (for types without training events) */
    size_t V = (size_t)k->V, *dstart = NULL;
    float *dts = NULL;
    if (train->dt) {
        dstart = ts_calloc(V + 1, sizeof *dstart);
        for (size_t i = 0; i < nt; i++) dstart[train->ch[TS_CH_EVENT][i] + 1]++;
        for (size_t v = 0; v < V; v++) dstart[v + 1] += dstart[v];
        size_t *fill = ts_malloc(V * sizeof *fill);
        memcpy(fill, dstart, V * sizeof *fill);
        dts = ts_malloc(nt * sizeof *dts);
        for (size_t i = 0; i < nt; i++) dts[fill[train->ch[TS_CH_EVENT][i]]++] = train->dt[i];
        free(fill);
        out->dt = ts_malloc(n * sizeof *out->dt);
    }
    uint64_t *tot[TS_NCH] = {0};
    uint32_t *all[TS_NCH] = {0};
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!k->card[c]) continue;
        out->ch[c] = ts_malloc(n * sizeof(int32_t));
        tot[c] = ts_calloc(V + 1, sizeof *tot[c]);
        all[c] = ts_calloc((size_t)k->card[c], sizeof *all[c]);
        for (size_t v = 0; v < V; v++)
            for (int32_t a = 0; a < k->card[c]; a++) {
                uint32_t x = k->cnt[c][v * k->card[c] + a];
                tot[c][v] += x;
                tot[c][V] += x;
                all[c][a] += x;
            }
    }
    ts_rng r;
    ts_rng_fork(&r, seed, 1);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int32_t v = out->ch[TS_CH_EVENT][i];
        if (dts) {
            size_t a = dstart[v], b = dstart[v + 1];
            if (a == b) a = 0, b = nt;
            out->dt[i] = dts[a + ts_rng_below(&r, b - a)];
        }
        for (int c = TS_CH_COMM; c < TS_NCH; c++) {
            if (!k->card[c]) continue;
            out->ch[c][i] = tot[c][v] ? draw(k->cnt[c] + (size_t)v * k->card[c], k->card[c], tot[c][v], &r)
                                      : draw(all[c], k->card[c], tot[c][V], &r);
        }
    }
    for (int c = 0; c < TS_NCH; c++) {
        free(tot[c]);
        free(all[c]);
    }
    free(dstart);
    free(dts);
    if (rc) ts_mc_free(out);
    return rc;
}

int ts_mc_markov_windows(const ts_mc *train, size_t n_train, int order, size_t windows, size_t len,
                         uint64_t seed, ts_mc *out)
{
    memset(out, 0, sizeof *out);
    if (windows && len > SIZE_MAX / windows) return ts_fail("markov: %zu windows of %zu events is too many", windows, len);
    size_t n = windows * len;
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (n == 0 || nt == 0) return ts_fail("markov: nothing to learn from or to generate");
    ts_constraints k;
    if (ts_constraints_learn(train, nt, &k) != 0) return -1;
    ts_model *g = ts_ngram_new(train->ch[TS_CH_EVENT], nt, order);
    if (!g) {
        ts_constraints_free(&k);
        return ts_fail("markov: order %d is not in [1, 64]", order);
    }
    g->n_ids = k.V;
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = seed;
    ts_windows w;
    int rc = ts_model_generate(g, windows, len, &ro, &w);
    ts_model_free(g);
    if (rc == 0) rc = draw_channels(train, nt, &k, w.data, n, seed, out);
    ts_constraints_free(&k);
    return rc;
}

int ts_mc_from_events(const ts_mc *train, size_t n_train, const int32_t *ev, size_t n, uint64_t seed, ts_mc *out)
{
    memset(out, 0, sizeof *out);
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (n == 0 || nt == 0) return ts_fail("channels: nothing to learn from or to draw for");
    ts_constraints k;
    if (ts_constraints_learn(train, nt, &k) != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (ev[i] < 0 || ev[i] >= k.V) {
            int32_t bad = ev[i], V = k.V;
            ts_constraints_free(&k);
            return ts_fail("event %zu: ID %d is not one of the trace's %d event types", i, (int)bad, (int)V);
        }
    int32_t *e = ts_malloc(n * sizeof *e);
    memcpy(e, ev, n * sizeof *e);
    int rc = draw_channels(train, nt, &k, e, n, seed, out);
    ts_constraints_free(&k);
    return rc;
}
