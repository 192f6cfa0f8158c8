/* A plan's buffers cut from one block of floats, each rounded up to 16 floats
 * so that every one stays 64-byte aligned. A plan's cuts run twice, in the same
 * order: first over a carve with no block, which counts the floats, then, after
 * ts_carve_alloc, over the block, which hands them out. Library-internal. */
#ifndef TRACESYNTH_NN_CARVE_H
#define TRACESYNTH_NN_CARVE_H

#include "tracesynth/common.h"

typedef struct {
    float *base;    /* the block; NULL while counting */
    size_t used;    /* floats handed out (counted) so far */
    size_t size;    /* the block's floats, once allocated */
} ts_carve;

/* the next n floats of the block (NULL while counting) */
static inline float *ts_carve_take(ts_carve *k, size_t n)
{
    float *p = k->base ? k->base + k->used : NULL;
    k->used += ts_round_up(n, 16);
    return p;
}

/* the larger of a and b: a scratch buffer shared by several layers holds the
 * most any of them needs */
static inline size_t ts_size_max(size_t a, size_t b) { return a > b ? a : b; }

/* after the count: the block of the floats counted (zeroed), when the
 * activations of a batch of B windows of L fit in memory (ts_batch_fits); k
 * then hands it out from its start. 0 / -1 + error (nothing allocated) */
static inline int ts_carve_alloc(ts_carve *k, long B, long L)
{
    if (ts_batch_fits(k->used * sizeof(float), B, L) != 0) return -1;
    k->size = k->used;
    k->base = ts_alloc_aligned(k->size * sizeof(float));
    k->used = 0;
    return 0;
}

#endif
