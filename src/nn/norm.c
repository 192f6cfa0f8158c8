/* LayerNorm over the channels of (B, C, L) data.
 *
 * Each (b, :, l) column is normalised over C. Channels are strided by L, so the
 * loops walk positions in blocks of LB: for each channel, a contiguous run of LB
 * positions updates LB running sums. Every sum runs over c in order, so results
 * are the same for any thread count. */
#include "tracesynth/nn.h"

#include <math.h>
#include <omp.h>

#include "vmath.h"

#define LB 64
/* the forward's longest block: a whole row of up to LBF positions per pass (its
 * tail of a vector once per row, not once per LB); the bits are the same for any
 * block length, the sums over c being per position */
#define LBF 256

/* one block of nl <= LBF positions of one item: xb, ob point at its first
 * position; mean, rstd at its first (b, l). With bias (C) and res (the same
 * layout as xb), the block's input is first made in place:
 * xb = (xb + bias[c]) + res (an output layer's bias and a residual added in the
 * pass that sums the mean). */
TS_CLONES static void ln_fwd_block(float *ob, float *mean, float *rstd, float *xb,
                                   const float *bias, const float *res, const float *gamma,
                                   const float *beta, int C, int L, int nl)
{
    float m[LBF], v[LBF];
    #pragma omp simd
    for (int j = 0; j < nl; j++) m[j] = v[j] = 0.0f;
    if (bias)
        for (int c = 0; c < C; c++) {
            float *xr = xb + (size_t)c * L, bc = bias[c];
            const float *rr = res + (size_t)c * L;
            #pragma omp simd
            for (int j = 0; j < nl; j++) {
                float t = (xr[j] + bc) + rr[j];
                xr[j] = t;
                m[j] += t;
            }
        }
    else
        for (int c = 0; c < C; c++)
            #pragma omp simd
            for (int j = 0; j < nl; j++) m[j] += xb[(size_t)c * L + j];
    #pragma omp simd
    for (int j = 0; j < nl; j++) m[j] /= (float)C;
    for (int c = 0; c < C; c++)
        #pragma omp simd
        for (int j = 0; j < nl; j++) {
            float d = xb[(size_t)c * L + j] - m[j];
            v[j] += d * d;
        }
    #pragma omp simd
    for (int j = 0; j < nl; j++) {
        v[j] = 1.0f / sqrtf(v[j] / (float)C + TS_LAYERNORM_EPS);
        mean[j] = m[j];
        rstd[j] = v[j];
    }
    for (int c = 0; c < C; c++) {
        float ga = gamma[c], be = beta[c];
        #pragma omp simd
        for (int j = 0; j < nl; j++)
            ob[(size_t)c * L + j] = (xb[(size_t)c * L + j] - m[j]) * v[j] * ga + be;
    }
}

/* positions [lo, hi) of rows of L */
static void layernorm_forward(float *out, float *mean, float *rstd, float *x, const float *bias,
                              const float *res, const float *gamma, const float *beta, int B,
                              int C, int L, int lo, int hi)
{
    /* whole rows when there are items enough for the threads, else LB positions a job */
    const int n = hi - lo;
    const int par = (size_t)B * C * n > 32768, nt = par && !omp_in_parallel() ? omp_get_max_threads() : 1;
    const int lb = B >= 2 * nt ? LBF : LB, nblk = (n + lb - 1) / lb;
    #pragma omp parallel for schedule(static) if (par)
    for (int job = 0; job < B * nblk; job++) {
        int bi = job / nblk, l0 = lo + (job % nblk) * lb;
        int nl = hi - l0 < lb ? hi - l0 : lb;
        size_t off = (size_t)bi * C * L + l0;
        ln_fwd_block(out + off, mean + (size_t)bi * L + l0, rstd + (size_t)bi * L + l0, x + off,
                     bias, bias ? res + off : NULL, gamma, beta, C, L, nl);
    }
}

void ts_layernorm_forward(float *out, float *mean, float *rstd, const float *x,
                          const float *gamma, const float *beta, int B, int C, int L)
{
    /* x is only read when there is no bias */
    layernorm_forward(out, mean, rstd, (float *)x, NULL, NULL, gamma, beta, B, C, L, 0, L);
}

void ts_layernorm_res_forward(float *out, float *mean, float *rstd, float *x, const float *bias,
                              const float *res, const float *gamma, const float *beta, int B,
                              int C, int L)
{
    layernorm_forward(out, mean, rstd, x, bias, res, gamma, beta, B, C, L, 0, L);
}

void ts_layernorm_res_forward_span(float *out, float *mean, float *rstd, float *x, const float *bias,
                                   const float *res, const float *gamma, const float *beta, int B,
                                   int C, int L, int lo, int hi)
{
    layernorm_forward(out, mean, rstd, x, bias, res, gamma, beta, B, C, L, lo, hi);
}

/* dgamma[c], dbeta[c]: LB running sums across positions (vectorised), each
 * summing over b in order, then added up in order */
TS_CLONES static void ln_bwd_param_channel(float *dgamma, float *dbeta, const float *dout,
                                           const float *x, const float *mean,
                                           const float *rstd, int B, int C, int L, int c)
{
    float sg = 0.0f, sb = 0.0f;
    for (int l0 = 0; l0 < L; l0 += LB) {
        int nl = L - l0 < LB ? L - l0 : LB;
        float ag[LB], ab[LB];
        #pragma omp simd
        for (int j = 0; j < nl; j++) ag[j] = ab[j] = 0.0f;
        for (int bi = 0; bi < B; bi++) {
            size_t off = ((size_t)bi * C + c) * L + l0;
            const float *xr = x + off, *gr = dout + off;
            const float *mr = mean + (size_t)bi * L + l0, *rr = rstd + (size_t)bi * L + l0;
            #pragma omp simd
            for (int j = 0; j < nl; j++) {
                ag[j] += gr[j] * (xr[j] - mr[j]) * rr[j];
                ab[j] += gr[j];
            }
        }
        for (int j = 0; j < nl; j++) {
            sg += ag[j];
            sb += ab[j];
        }
    }
    dgamma[c] += sg;
    dbeta[c] += sb;
}

/* dx of one block of nl <= LB positions of one item (pointers at its start):
 * dx = rstd (g - mean_c(g) - xhat mean_c(g xhat)), g = dout * gamma */
TS_CLONES static void ln_bwd_dx_block(float *db, float *ab, int set, const float *gb,
                                      const float *xb, const float *mr, const float *rr,
                                      const float *gamma, int C, int L, int nl)
{
    float s1[LB], s2[LB];
    #pragma omp simd
    for (int j = 0; j < nl; j++) s1[j] = s2[j] = 0.0f;
    for (int c = 0; c < C; c++) {
        float ga = gamma[c];
        #pragma omp simd
        for (int j = 0; j < nl; j++) {
            float g = gb[(size_t)c * L + j] * ga;
            float xh = (xb[(size_t)c * L + j] - mr[j]) * rr[j];
            s1[j] += g;
            s2[j] += g * xh;
        }
    }
    #pragma omp simd
    for (int j = 0; j < nl; j++) {
        s1[j] /= (float)C;
        s2[j] /= (float)C;
    }
    if (!set && !ab) {
        for (int c = 0; c < C; c++) {
            float ga = gamma[c];
            #pragma omp simd
            for (int j = 0; j < nl; j++) {
                float g = gb[(size_t)c * L + j] * ga;
                float xh = (xb[(size_t)c * L + j] - mr[j]) * rr[j];
                db[(size_t)c * L + j] += rr[j] * (g - s1[j] - xh * s2[j]);
            }
        }
        return;
    }
    /* written (set) or accumulated into db, and accumulated into ab too */
    for (int c = 0; c < C; c++) {
        float ga = gamma[c];
        float *dr = db + (size_t)c * L, *ar = ab ? ab + (size_t)c * L : NULL;
        float v[LB];
        #pragma omp simd
        for (int j = 0; j < nl; j++) {
            float g = gb[(size_t)c * L + j] * ga;
            float xh = (xb[(size_t)c * L + j] - mr[j]) * rr[j];
            v[j] = rr[j] * (g - s1[j] - xh * s2[j]);
        }
        if (set) {
            #pragma omp simd
            for (int j = 0; j < nl; j++) dr[j] = v[j];
        } else {
            #pragma omp simd
            for (int j = 0; j < nl; j++) dr[j] += v[j];
        }
        if (ar) {
            #pragma omp simd
            for (int j = 0; j < nl; j++) ar[j] += v[j];
        }
    }
}

static void layernorm_backward(float *dx, float *dres, int set, float *dgamma, float *dbeta,
                               const float *dout, const float *x, const float *mean,
                               const float *rstd, const float *gamma, int B, int C, int L)
{
    const int nblk = (L + LB - 1) / LB, njob = dx ? B * nblk : 0;
    /* one region: the parameter sums and dx write different arrays */
    #pragma omp parallel if ((size_t)B * C * L > 32768)
    {
        #pragma omp for schedule(static) nowait
        for (int c = 0; c < C; c++)
            ln_bwd_param_channel(dgamma, dbeta, dout, x, mean, rstd, B, C, L, c);
        #pragma omp for schedule(static)
        for (int job = 0; job < njob; job++) {
            int bi = job / nblk, l0 = (job % nblk) * LB;
            int nl = L - l0 < LB ? L - l0 : LB;
            size_t off = (size_t)bi * C * L + l0;
            ln_bwd_dx_block(dx + off, dres ? dres + off : NULL, set, dout + off, x + off,
                            mean + (size_t)bi * L + l0, rstd + (size_t)bi * L + l0, gamma, C, L, nl);
        }
    }
}

void ts_layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                           const float *x, const float *mean, const float *rstd,
                           const float *gamma, int B, int C, int L)
{
    layernorm_backward(dx, NULL, 0, dgamma, dbeta, dout, x, mean, rstd, gamma, B, C, L);
}

void ts_layernorm_backward_res(float *dx, float *dres, float *dgamma, float *dbeta,
                               const float *dout, const float *x, const float *mean,
                               const float *rstd, const float *gamma, int B, int C, int L)
{
    layernorm_backward(dx, dres, 1, dgamma, dbeta, dout, x, mean, rstd, gamma, B, C, L);
}
