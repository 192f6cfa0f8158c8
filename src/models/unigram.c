/* The floor every model must beat: impute the most frequent event everywhere,
 * generate by sampling the unigram distribution of the training data. */
#include "tracesynth/model.h"
#include "tracesynth/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Memory follows the distinct events of the training data, never the largest ID:
 * a stream holding one ID of 2,000,000,000 costs one table entry. */
typedef struct {
    ts_model base;
    size_t   V;           /* distinct IDs in the training data */
    int32_t *ids;         /* (V) those IDs, ascending */
    int64_t *cum;         /* (V) running sums of their counts, for sampling */
    int32_t  top;         /* most frequent event, ties to the smaller ID */
} unigram;

static void unigram_free(ts_model *m)
{
    unigram *u = (unigram *)m;
    free(u->ids);
    free(u->cum);
    free(u);
}

/* takes ownership of ids (V ascending, distinct) and cum (V running sums, strictly increasing) */
static unigram *unigram_make(int32_t *ids, int64_t *cum, size_t V, int32_t n_ids)
{
    unigram *u = ts_calloc(1, sizeof *u);
    u->ids = ids;
    u->cum = cum;
    u->V = V;
    int64_t best = 0;
    for (size_t i = 0; i < V; i++) {
        int64_t c = cum[i] - (i ? cum[i - 1] : 0);
        if (c > best) best = c, u->top = ids[i];
    }
    u->base.n_ids = n_ids;
    return u;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int unigram_train(ts_model **out, const ts_train_opts *o)
{
    if (o->resume) return ts_opt_fail("unigram", "resume", "this model trains in one pass and keeps no checkpoints");
    double t0 = ts_now();
    /* the neural models' records: a start naming the model (it takes no options), an end with the result */
    if (ts_train_log(o->log_path, "\"event\":\"start\",\"model\":\"unigram\"") != 0) return -1;
    const ts_seq *st = &o->split->train_stream;
    const ts_windows *tw = &o->split->train;
    size_t n = st->n ? 0 : tw->n * tw->len;
    /* the stream and further ones (--also): counts need no separator, so it goes */
    int32_t *sorted = st->n ? ts_split_train_events(o->split, INT32_MIN, &n) : ts_malloc((n ? n : 1) * sizeof *sorted);
    if (!st->n && n) memcpy(sorted, tw->data, n * sizeof *sorted);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (sorted[i] != INT32_MIN) sorted[kept++] = sorted[i];
    n = kept;
    if (n == 0) { free(sorted); return ts_fail("unigram: the split has no training data"); }
    for (size_t i = 0; i < n; i++)
        if (sorted[i] < 0 || sorted[i] >= o->n_ids) {
            int32_t v = sorted[i];
            free(sorted);
            return ts_fail("unigram: training event %zu has ID %d outside [0, %d)", i, v, o->n_ids);
        }
    /* counts by sorting: O(n log n) time, O(n) memory whatever the IDs' values */
    qsort(sorted, n, sizeof *sorted, cmp_i32);
    int64_t *cum = ts_malloc(n * sizeof *cum);
    size_t V = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) sorted[V++] = sorted[i];
        cum[V - 1] = (int64_t)i + 1;
    }
    sorted = ts_realloc(sorted, V * sizeof *sorted);
    cum = ts_realloc(cum, V * sizeof *cum);
    unigram *u = unigram_make(sorted, cum, V, o->n_ids);
    if (ts_train_log(o->log_path, "\"event\":\"end\",\"events\":%zu,\"ids\":%zu,\"seconds\":%.4f", n, V,
                     ts_now() - t0) != 0) {
        unigram_free(&u->base);
        return -1;
    }
    *out = &u->base;
    return 0;
}

/* IDCOUNTS: V x { i32 ID | i64 count }, IDs ascending, counts > 0 */
static int unigram_save(const ts_model *m, ts_writer *w)
{
    const unigram *u = (const unigram *)m;
    ts_writer_begin(w, "IDCOUNTS");
    for (size_t i = 0; i < u->V; i++) {
        ts_writer_put32(w, (uint32_t)u->ids[i]);
        ts_writer_put64(w, (uint64_t)(u->cum[i] - (i ? u->cum[i - 1] : 0)));
    }
    ts_writer_end(w);
    return 0;
}

static int unigram_load(ts_model **out, const ts_reader *r)
{
    unsigned char nb[4];
    if (ts_reader_copy(r, "NIDS", nb, 4) != 0) return -1;
    int32_t n_ids = (int32_t)ts_le_get32(nb);
    if (n_ids <= 0) return ts_fail("%s: unigram: section 'NIDS' is corrupt (%d)", r->path, n_ids);
    /* IDCOUNTS, or the dense COUNTS (n_ids x i64) of older files: both sized by the file */
    int dense = 0;
    const ts_chunk *c = NULL;
    for (uint32_t i = 0; i < r->nchunks && !c; i++)
        if (!strcmp(r->chunks[i].tag, "IDCOUNTS")) c = &r->chunks[i];
    if (!c) {
        if (ts_reader_expect_size(r, "COUNTS", (uint64_t)n_ids, 8) != 0) return -1;
        c = ts_reader_get(r, "COUNTS");
        dense = 1;
    } else if (c->size % 12 || c->size / 12 > (uint64_t)n_ids) {
        return ts_fail("%s: unigram: section 'IDCOUNTS' has %llu bytes, not a table of at most "
                       "%d (ID, count) entries", r->path, (unsigned long long)c->size, n_ids);
    }
    size_t rows = dense ? (size_t)n_ids : c->size / 12, V = 0;
    int32_t *ids = ts_malloc((rows ? rows : 1) * sizeof *ids);
    int64_t *cum = ts_malloc((rows ? rows : 1) * sizeof *cum);
    int64_t total = 0;
    for (size_t i = 0; i < rows; i++) {
        int64_t id = dense ? (int64_t)i : (int32_t)ts_le_get32(c->data + 12 * i);
        int64_t cnt = (int64_t)ts_le_get64(c->data + (dense ? 8 * i : 12 * i + 4));
        int bad = cnt < 0 || cnt > INT64_MAX - total || id < 0 || id >= n_ids ||
                  (!dense && (cnt == 0 || (V && id <= ids[V - 1])));
        if (bad) {
            free(ids);
            free(cum);
            return ts_fail("%s: unigram: section '%s' is corrupt at entry %zu", r->path, c->tag, i);
        }
        if (cnt == 0) continue;
        total += cnt;
        ids[V] = (int32_t)id;
        cum[V++] = total;
    }
    if (total == 0) {
        free(ids);
        free(cum);
        return ts_fail("%s: unigram: section '%s' is empty", r->path, c->tag);
    }
    *out = &unigram_make(ids, cum, V, n_ids)->base;
    return 0;
}

static int unigram_impute(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                          const ts_run_opts *o, int32_t *out)
{
    const unigram *u = (const unigram *)m;
    if (o && (o->steps || o->batch))   /* they would be ignored */
        return ts_opt_fail("unigram", o->steps ? "steps" : "batch", "it fills each window in one pass (no sampling "
                           "steps, no batches)");
    for (size_t i = 0; i < n * L; i++) out[i] = mask[i] ? x[i] : u->top;
    return 0;
}

/* n windows of L: the P events of prefix (0: none), then independent draws */
static int unigram_generate_after(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L,
                                  const ts_run_opts *o, int32_t *out)
{
    const unigram *u = (const unigram *)m;
    if (o && (o->steps || o->batch))
        return ts_opt_fail("unigram", o->steps ? "steps" : "batch", "it draws each window in one pass (no sampling "
                           "steps, no batches)");
    size_t V = u->V;
    uint64_t total = (uint64_t)u->cum[V - 1];
    for (size_t w = 0; w < n; w++) {
        ts_rng rng;
        ts_rng_fork(&rng, o ? o->seed : 0, w);   /* window w draws the same numbers however many are made */
        if (P) memcpy(out + w * L, prefix, P * sizeof *prefix);
        for (size_t t = P; t < L; t++) {
            int64_t r = (int64_t)ts_rng_below(&rng, total);
            size_t lo = 0, hi = V - 1;      /* first entry with cum > r */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (u->cum[mid] > r) hi = mid; else lo = mid + 1;
            }
            out[w * L + t] = u->ids[lo];
        }
    }
    return 0;
}

const ts_model_ops ts_model_unigram = {
    .name = "unigram",
    .summary = "the most frequent event everywhere (a floor to beat)",
    .help = "  (no options); generate --prefix FILE: the prefix, then independent draws\n",
    .train = unigram_train,
    .save = unigram_save,
    .load = unigram_load,
    .impute = unigram_impute,
    .generate_after = unigram_generate_after,
    .free = unigram_free,
};
