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
    memset(out, 0, sizeof *out);
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
    int rc = ts_model_generate(g, 1, n, &ro, &w);
    ts_model_free(g);
    if (rc) { ts_constraints_free(&k); return -1; }
    out->n = n;
    out->events.stream.ids = w.data;
    out->events.stream.n = n;
    out->events.vocab.unk = -1;
    out->ch[TS_CH_EVENT] = w.data;
    if (train->events.vocab.n > 0 && ts_vocab_copy(&out->events.vocab, &train->events.vocab)) rc = -1;
    if (train->comm_vocab.n > 0 && ts_vocab_copy(&out->comm_vocab, &train->comm_vocab)) rc = -1;
    if (train->ret_vocab.n > 0 && ts_vocab_copy(&out->ret_vocab, &train->ret_vocab)) rc = -1;
    /* per type: the training dt values, and the totals of each channel's counts */
    size_t V = (size_t)k.V, *dstart = NULL;
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
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!k.card[c]) continue;
        out->ch[c] = ts_malloc(n * sizeof(int32_t));
        tot[c] = ts_calloc(V, sizeof *tot[c]);
        for (size_t v = 0; v < V; v++)
            for (int32_t a = 0; a < k.card[c]; a++) tot[c][v] += k.cnt[c][v * k.card[c] + a];
    }
    ts_rng r;
    ts_rng_fork(&r, seed, 1);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int32_t v = out->ch[TS_CH_EVENT][i];
        if (dts) out->dt[i] = dts[dstart[v] + ts_rng_below(&r, dstart[v + 1] - dstart[v])];
        for (int c = TS_CH_COMM; c < TS_NCH; c++) {
            if (!k.card[c]) continue;
            out->ch[c][i] = draw(k.cnt[c] + (size_t)v * k.card[c], k.card[c], tot[c][v], &r);
        }
    }
    for (int c = 0; c < TS_NCH; c++) free(tot[c]);
    free(dstart);
    free(dts);
    ts_constraints_free(&k);
    if (rc) ts_mc_free(out);
    return rc;
}
