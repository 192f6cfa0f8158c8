/* A small named dataset for the CLI tests: an 18-event motif over six calls with 2 % noise
 * from two more, so that n-gram and neural models have something to learn. */
#ifndef TS_TEST_MOTIF_H
#define TS_TEST_MOTIF_H

#include "tracesynth/common.h"
#include "tracesynth/data.h"

#include <stdlib.h>
#include <string.h>

/* a trace's mix for the memory tests: loops of 17 events over 60 IDs (shifting among
 * three variants every 4,096 events) with 3 % of the events replaced by others, from a
 * fixed seed, into s (n events) */
static inline void noisy_loops(int32_t *s, size_t n)
{
    uint64_t x = 11;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const uint32_t r = (uint32_t)(x >> 33);
        s[i] = r % 100 < 3 ? (int32_t)(r / 100 % 60) : (int32_t)(i % 17 * 3 + i / 4096 % 3);
    }
}

/* writes an n-event dataset directory at path; 0 on success */
static inline int save_motif_dataset(const char *path, size_t n)
{
    static const int32_t motif[] = {0, 0, 1, 1, 2, 2, 0, 0, 3, 3, 4, 4, 0, 0, 1, 1, 5, 5};
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.stream.n = n;
    d.stream.ids = ts_malloc(n * sizeof(int32_t));
    ts_rng r;
    ts_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++)
        d.stream.ids[i] = ts_rng_uniform(&r) < 0.02 ? 6 + (int32_t)ts_rng_below(&r, 2) : motif[i % 18];
    char *names[8] = {"read", "write", "openat", "close", "mmap", "futex", "brk", "ioctl"};
    int64_t counts[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    d.vocab = (ts_vocab){8, names, counts, -1};
    int rc = ts_dataset_save(path, &d);
    free(d.stream.ids);
    return rc;
}

#endif
