/* tracesynth — interpolated modified Kneser–Ney language model over event IDs
 * (Chen & Goodman 1998): the smoothed n-gram likelihood that puts the n-gram
 * baseline on the same scale as the learned models, bits per event.
 *
 * p_m(w | h) = max(c_m(hw) - D_m(c_m(hw)), 0) / c_m(h·) + γ_m(h) p_{m-1}(w | h')
 * γ_m(h)     = (D_m1 N1(h·) + D_m2 N2(h·) + D_m3+ N3+(h·)) / c_m(h·)
 * with raw counts at the highest order, continuation counts (distinct left
 * neighbours, the stream start counting as one) below it (the highest order is the
 * one the context fills: a window's first events are scored as by a build of a
 * lower order, not by its continuation counts), discounts from each
 * order's counts of counts, and p_0(w) = 1 / V. An unseen context passes its
 * whole mass down. Negative IDs in the training stream separate pieces: no
 * n-gram spans one.
 *
 * A NULL argument (ctx, s or x with events to read) is refused with the error
 * "FUNCTION: ARGUMENT is NULL": -1 where a function returns an int, NaN where a double. */
#ifndef TRACESYNTH_KNESER_NEY_H
#define TRACESYNTH_KNESER_NEY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TS_KN_MAX_ORDER 16

typedef struct ts_kn ts_kn;

/* order n in [1, TS_KN_MAX_ORDER]; V = size of the event alphabet (>= 1; IDs >= V
 * seen while scoring get the uniform floor only). The stream is not kept (its counts are).
 * 0 / -1, *out NULL */
int    ts_kn_build(ts_kn **out, const int32_t *s, size_t n, int order, int32_t V);
void   ts_kn_free(ts_kn *kn);
int    ts_kn_order(const ts_kn *kn);
int    ts_kn_max_order(const ts_kn *kn);   /* the order built for */
/* score as the model of a lower order (1 .. the order built for): the same numbers as a
 * build of that order, without counting again (for choosing the order on held-out data) */
int    ts_kn_set_order(ts_kn *kn, int order);
/* natural-log probability of w after ctx[0..nctx) (the last order-1 events are used) */
double ts_kn_logprob(const ts_kn *kn, const int32_t *ctx, size_t nctx, int32_t w);
/* fills p[0..V) with p(w | ctx) for every w (sums to 1); 0 / -1 (NULL ctx with nctx > 0:
 * p all NaN) */
int    ts_kn_dist(const ts_kn *kn, const int32_t *ctx, size_t nctx, double *p);
/* sets (and returns) the order 1 .. the one built for with the lowest bits per event on
 * the n windows of L (held-out data; ties to the lower order); no window (n or L 0): -1 +
 * error, the order left as it was */
int    ts_kn_choose_order(ts_kn *kn, const int32_t *x, size_t n, size_t L);
/* mean bits per event of n windows of L events, each scored left to right from its
 * own start (the first events have shorter contexts); no window (n or L 0): NaN + error */
double ts_kn_bits(const ts_kn *kn, const int32_t *x, size_t n, size_t L);
/* the discount of order m (1..order) for count class c (1, 2, 3 = 3+); NaN + error for an
 * m or c outside those */
double ts_kn_discount(const ts_kn *kn, int m, int c);

#ifdef __cplusplus
}
#endif

#endif
