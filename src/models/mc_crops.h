/* crops of a multi-channel trace that is windows (ts_mc_train_opts.window): the starts of
 * crops of lc events within events [a, b) that cross no window boundary, counted and
 * numbered in order, in O(1). Window w is events [w W, (w + 1) W); W 0: one sequence. */
#ifndef TS_MC_CROPS_H
#define TS_MC_CROPS_H

#include <stddef.h>

/* the starts a segment of len events holds */
static inline size_t mc_crop_fit(size_t len, size_t lc) { return len >= lc ? len - lc + 1 : 0; }

/* the number of crop starts in [a, b) */
static inline size_t mc_crop_count(size_t a, size_t b, size_t W, size_t lc)
{
    if (b <= a) return 0;
    if (!W) return mc_crop_fit(b - a, lc);
    const size_t j0 = a / W, j1 = (b - 1) / W;
    if (j0 == j1) return mc_crop_fit(b - a, lc);
    return mc_crop_fit((j0 + 1) * W - a, lc) + (j1 - j0 - 1) * mc_crop_fit(W, lc) + mc_crop_fit(b - j1 * W, lc);
}

/* the k-th crop start in [a, b), k < mc_crop_count(a, b, W, lc) */
static inline size_t mc_crop_at(size_t a, size_t b, size_t W, size_t lc, size_t k)
{
    if (!W) return a + k;
    const size_t j0 = a / W, j1 = (b - 1) / W;
    if (j0 == j1) return a + k;
    const size_t c0 = mc_crop_fit((j0 + 1) * W - a, lc), cm = mc_crop_fit(W, lc);
    if (k < c0) return a + k;
    k -= c0;
    if (cm && k < (j1 - j0 - 1) * cm) return (j0 + 1 + k / cm) * W + k % cm;
    k -= (j1 - j0 - 1) * cm;
    return j1 * W + k;
}

#endif
