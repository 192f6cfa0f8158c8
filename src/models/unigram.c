/* The floor every model must beat: impute the most frequent event everywhere,
 * generate by sampling the unigram distribution of the training data. */
#include "tracesynth/model.h"
#include "tracesynth/common.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    ts_model base;
    int64_t *counts;      /* (n_ids) occurrences in the training data */
    int64_t *cum;         /* (n_ids) running sums, for sampling */
    int32_t  top;         /* most frequent event, ties to the smaller ID */
} unigram;

static void unigram_free(ts_model *m)
{
    unigram *u = (unigram *)m;
    free(u->counts);
    free(u->cum);
    free(u);
}

/* takes ownership of counts (n_ids entries, total > 0) */
static unigram *unigram_make(int64_t *counts, int32_t n_ids)
{
    unigram *u = ts_calloc(1, sizeof *u);
    u->counts = counts;
    u->cum = ts_malloc((size_t)n_ids * sizeof *u->cum);
    int64_t run = 0;
    for (int32_t v = 0; v < n_ids; v++) {
        run += counts[v];
        u->cum[v] = run;
        if (counts[v] > counts[u->top]) u->top = v;
    }
    u->base.n_ids = n_ids;
    return u;
}

static int unigram_train(ts_model **out, const ts_train_opts *o)
{
    if (o->resume) return ts_fail("unigram: --resume: this model trains in one pass and keeps no checkpoints");
    const ts_seq *st = &o->split->train_stream;
    const ts_windows *tw = &o->split->train;
    const int32_t *ids = st->n ? st->ids : tw->data;
    size_t n = st->n ? st->n : tw->n * tw->len;
    if (n == 0) return ts_fail("unigram: the split has no training data");
    int64_t *counts = ts_calloc((size_t)o->n_ids, sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= o->n_ids) {
            int32_t v = ids[i];
            free(counts);
            return ts_fail("unigram: training event %zu has ID %d outside [0, %d)", i, v, o->n_ids);
        }
        counts[ids[i]]++;
    }
    *out = &unigram_make(counts, o->n_ids)->base;
    return ts_train_log(o->log_path, "\"model\": \"unigram\", \"events\": %zu", n);
}

static int unigram_save(const ts_model *m, ts_writer *w)
{
    const unigram *u = (const unigram *)m;
    size_t n = (size_t)m->n_ids;
    unsigned char *b = ts_malloc(n * 8);
    for (size_t v = 0; v < n; v++)
        for (int i = 0; i < 8; i++) b[8 * v + i] = (unsigned char)((uint64_t)u->counts[v] >> (8 * i));
    ts_writer_chunk(w, "COUNTS", b, n * 8);
    free(b);
    return 0;
}

static int unigram_load(ts_model **out, const ts_reader *r)
{
    unsigned char nb[4];
    if (ts_reader_copy(r, "NIDS", nb, 4) != 0) return -1;
    int32_t n_ids = (int32_t)(nb[0] | (uint32_t)nb[1] << 8 | (uint32_t)nb[2] << 16 | (uint32_t)nb[3] << 24);
    const ts_chunk *c = ts_reader_get(r, "COUNTS");
    if (!c) return -1;
    if (n_ids <= 0 || c->size != (uint64_t)n_ids * 8)
        return ts_fail("%s: unigram: section 'COUNTS' has %llu bytes for %d IDs", r->path,
                       (unsigned long long)c->size, n_ids);
    int64_t *counts = ts_malloc((size_t)n_ids * sizeof *counts);
    int64_t total = 0;
    for (int32_t v = 0; v < n_ids; v++) {
        uint64_t x = 0;
        for (int i = 0; i < 8; i++) x |= (uint64_t)c->data[8 * v + i] << (8 * i);
        counts[v] = (int64_t)x;
        if (counts[v] < 0 || counts[v] > INT64_MAX - total) {
            free(counts);
            return ts_fail("%s: unigram: section 'COUNTS' is corrupt at ID %d", r->path, v);
        }
        total += counts[v];
    }
    if (total == 0) { free(counts); return ts_fail("%s: unigram: section 'COUNTS' is empty", r->path); }
    *out = &unigram_make(counts, n_ids)->base;
    return 0;
}

static int unigram_impute(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                          const ts_run_opts *o, int32_t *out)
{
    const unigram *u = (const unigram *)m;
    for (size_t i = 0; i < n * L; i++) out[i] = mask[i] ? x[i] : u->top;
    return 0;
}

static int unigram_generate(ts_model *m, size_t n, size_t L, const ts_run_opts *o, int32_t *out)
{
    const unigram *u = (const unigram *)m;
    int32_t V = m->n_ids;
    uint64_t total = (uint64_t)u->cum[V - 1];
    for (size_t w = 0; w < n; w++) {
        ts_rng rng;
        ts_rng_fork(&rng, o->seed, w);   /* window w draws the same numbers however many are made */
        for (size_t t = 0; t < L; t++) {
            int64_t r = (int64_t)ts_rng_below(&rng, total);
            int32_t lo = 0, hi = V - 1;     /* first v with cum[v] > r */
            while (lo < hi) {
                int32_t mid = lo + (hi - lo) / 2;
                if (u->cum[mid] > r) hi = mid; else lo = mid + 1;
            }
            out[w * L + t] = lo;
        }
    }
    return 0;
}

const ts_model_ops ts_model_unigram = {
    .name = "unigram",
    .summary = "the most frequent event everywhere (a floor to beat)",
    .help = "  (no options)\n",
    .train = unigram_train,
    .save = unigram_save,
    .load = unigram_load,
    .impute = unigram_impute,
    .generate = unigram_generate,
    .free = unigram_free,
};
