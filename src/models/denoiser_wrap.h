/* What each network's adapter to the denoiser interface (tracesynth/denoiser.h)
 * shares: the interface's structs made around the network's own and freed with
 * them. Library-internal. */
#ifndef TRACESYNTH_DENOISER_WRAP_H
#define TRACESYNTH_DENOISER_WRAP_H

#include "tracesynth/denoiser.h"

#include <stdlib.h>
#include <string.h>

/* d around net (ts_calloc'd), whose parameter and gradient blocks are params
 * and grads (total floats each), K channels in and out; rc is net's init: not
 * 0, net is freed (its init freed its blocks) and d zeroed. 0 / -1 */
static inline int ts_denoiser_wrap(ts_denoiser *d, const ts_denoiser_ops *ops, void *net, int rc, float *params,
                                   float *grads, size_t total, int K)
{
    memset(d, 0, sizeof *d);   /* (not {NULL}: clang's -Wmissing-field-initializers refuses it) */
    if (rc != 0) {
        free(net);
        return -1;
    }
    *d = (ts_denoiser){ops, net, params, grads, total, K};
    return 0;
}

/* after the network's own free of its blocks: its struct, then d zeroed */
static inline void ts_denoiser_unwrap(ts_denoiser *d)
{
    free(d->net);
    memset(d, 0, sizeof *d);
}

/* pl around p, the network's own plan (ts_calloc'd) of B windows of L, out its
 * output and floats its memory; rc is p's init: not 0, p is freed and pl
 * zeroed. 0 / -1 */
static inline int ts_denoiser_plan_wrap(ts_denoiser_plan *pl, void *p, int rc, int B, int L, float *out,
                                        size_t floats)
{
    memset(pl, 0, sizeof *pl);
    if (rc != 0) {
        free(p);
        return -1;
    }
    *pl = (ts_denoiser_plan){p, B, L, out, floats};
    return 0;
}

/* after the network's own free of its plan: the plan's struct, then pl zeroed */
static inline void ts_denoiser_plan_unwrap(ts_denoiser_plan *pl)
{
    free(pl->pl);
    memset(pl, 0, sizeof *pl);
}

#endif
