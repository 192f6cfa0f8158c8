/* Element-wise layers: ReLU, GELU (erf), SiLU, the WaveNet gate, and the
 * per-channel broadcast add. Each element is independent, so any thread count
 * gives the same bits. */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the loops; the
 * layers never read floating-point exception flags */
#pragma GCC optimize("no-trapping-math")
#endif
#include "tracesynth/nn.h"

#include <math.h>

#include "vmath.h"

/* below this many elements a parallel region costs more than it saves */
#define PAR_MIN 16384
/* elements per call of a kernel: every thread gets whole blocks */
#define BLK 8192

#define INV_SQRT2 0.70710678118654752440f
#define INV_SQRT_2PI 0.39894228040143267794f

/* ---- kernels on [0, n), one per CPU level (vmath.h) ---- */

TS_CLONES static void relu_fwd_k(float *out, const float *x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

TS_CLONES static void relu_bwd_k(float *dx, const float *dout, const float *x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) dx[i] += x[i] > 0.0f ? dout[i] : 0.0f;
}

TS_CLONES static void gelu_fwd_k(float *out, const float *x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) out[i] = v_gelu(x[i]);
}

/* acc: dx += (accumulate, the layers' rule), else dx = (no zeroing pass first) */
TS_CLONES static void gelu_bwd_k(float *dx, const float *dout, const float *x, size_t n, int acc)
{
    /* d/dx x Phi(x) = Phi(x) + x phi(x) */
    if (acc) {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) {
            float v = x[i], e = v_exp(-0.5f * v * v);
            float cdf = 0.5f * (1.0f + v_erf_e(v * INV_SQRT2, e));
            dx[i] += dout[i] * (cdf + v * INV_SQRT_2PI * e);
        }
    } else {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) {
            float v = x[i], e = v_exp(-0.5f * v * v);
            float cdf = 0.5f * (1.0f + v_erf_e(v * INV_SQRT2, e));
            dx[i] = dout[i] * (cdf + v * INV_SQRT_2PI * e);
        }
    }
}

/* out = gelu(x) and d = gelu'(x) = Phi(x) + x phi(x), sharing the exponential
 * and erf; d may be x (in place). Each value is computed by gelu_fwd_k's and
 * gelu_bwd_k's own arithmetic, so the bits are theirs. */
TS_CLONES static void gelu_fwd_deriv_k(float *out, float *d, const float *x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) {
        float v = x[i], e = v_exp(-0.5f * v * v);
        float erf = v_erf_e(v * INV_SQRT2, e);
        out[i] = 0.5f * v * (1.0f + erf);
        d[i] = 0.5f * (1.0f + erf) + v * INV_SQRT_2PI * e;
    }
}

/* dx (+)= dout * d: a backward through a kept derivative */
TS_CLONES static void mul_k(float *dx, const float *dout, const float *d, size_t n, int acc)
{
    if (acc) {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) dx[i] += dout[i] * d[i];
    } else {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) dx[i] = dout[i] * d[i];
    }
}

TS_CLONES static void silu_fwd_k(float *out, const float *x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) out[i] = x[i] * v_sigmoid(x[i]);
}

TS_CLONES static void silu_bwd_k(float *dx, const float *dout, const float *x, size_t n)
{
    /* d/dx x s(x) = s (1 + x (1 - s)) */
    #pragma omp simd
    for (size_t i = 0; i < n; i++) {
        float s = v_sigmoid(x[i]);
        dx[i] += dout[i] * s * (1.0f + x[i] * (1.0f - s));
    }
}

TS_CLONES static void gate_fwd_k(float *o, const float *a, const float *g, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) o[i] = v_tanh(a[i]) * v_sigmoid(g[i]);
}

TS_CLONES static void gate_bwd_k(float *da, float *dg, const float *d, const float *a,
                                 const float *g, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) {
        float t = v_tanh(a[i]), s = v_sigmoid(g[i]);
        da[i] += d[i] * s * (1.0f - t * t);
        dg[i] += d[i] * t * s * (1.0f - s);
    }
}

/* o = t s with t = tanh(a), s = sigmoid(g), and a, g overwritten by t, s */
TS_CLONES static void gate_fwd_keep_k(float *o, float *a, float *g, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) {
        float t = v_tanh(a[i]), s = v_sigmoid(g[i]);
        o[i] = t * s;
        a[i] = t;
        g[i] = s;
    }
}

/* gate_bwd_k from the kept t and s: the same arithmetic, so the same bits */
TS_CLONES static void gate_bwd_kept_k(float *da, float *dg, const float *d, const float *tv,
                                      const float *sv, size_t n, int acc)
{
    if (acc) {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) {
            float t = tv[i], s = sv[i];
            da[i] += d[i] * s * (1.0f - t * t);
            dg[i] += d[i] * t * s * (1.0f - s);
        }
    } else {
        #pragma omp simd
        for (size_t i = 0; i < n; i++) {
            float t = tv[i], s = sv[i];
            da[i] = d[i] * s * (1.0f - t * t);
            dg[i] = d[i] * t * s * (1.0f - s);
        }
    }
}

/* ---- the layers: blocks of BLK elements over the threads ---- */

#define OVER_BLOCKS(n, call)                                                      \
    do {                                                                          \
        const long nblk_ = (long)(((n) + BLK - 1) / BLK);                         \
        _Pragma("omp parallel for schedule(static) if ((n) > PAR_MIN)")           \
        for (long k_ = 0; k_ < nblk_; k_++) {                                     \
            size_t o_ = (size_t)k_ * BLK, m_ = (n) - o_ < BLK ? (n) - o_ : BLK;   \
            call;                                                                 \
        }                                                                         \
    } while (0)

void ts_relu_forward(float *out, const float *x, size_t n)
{
    OVER_BLOCKS(n, relu_fwd_k(out + o_, x + o_, m_));
}

void ts_relu_backward(float *dx, const float *dout, const float *x, size_t n)
{
    OVER_BLOCKS(n, relu_bwd_k(dx + o_, dout + o_, x + o_, m_));
}

void ts_gelu_forward(float *out, const float *x, size_t n)
{
    OVER_BLOCKS(n, gelu_fwd_k(out + o_, x + o_, m_));
}

void ts_gelu_backward(float *dx, const float *dout, const float *x, size_t n)
{
    OVER_BLOCKS(n, gelu_bwd_k(dx + o_, dout + o_, x + o_, m_, 1));
}

void ts_gelu_backward_set(float *dx, const float *dout, const float *x, size_t n)
{
    OVER_BLOCKS(n, gelu_bwd_k(dx + o_, dout + o_, x + o_, m_, 0));
}

void ts_gelu_forward_deriv(float *out, float *d, const float *x, size_t n)
{
    OVER_BLOCKS(n, gelu_fwd_deriv_k(out + o_, d + o_, x + o_, m_));
}

void ts_mul_backward(float *dx, const float *dout, const float *d, size_t n)
{
    OVER_BLOCKS(n, mul_k(dx + o_, dout + o_, d + o_, m_, 1));
}

void ts_mul_backward_set(float *dx, const float *dout, const float *d, size_t n)
{
    OVER_BLOCKS(n, mul_k(dx + o_, dout + o_, d + o_, m_, 0));
}

void ts_silu_forward(float *out, const float *x, size_t n)
{
    OVER_BLOCKS(n, silu_fwd_k(out + o_, x + o_, m_));
}

void ts_silu_backward(float *dx, const float *dout, const float *x, size_t n)
{
    OVER_BLOCKS(n, silu_bwd_k(dx + o_, dout + o_, x + o_, m_));
}

void ts_gate_forward(float *out, const float *x, int B, int C, int L)
{
    size_t CL = (size_t)C * L;
    #pragma omp parallel for schedule(static) if ((size_t)B * CL > PAR_MIN)
    for (int b = 0; b < B; b++) {
        const float *a = x + 2 * CL * b;
        gate_fwd_k(out + CL * b, a, a + CL, CL);
    }
}

void ts_gate_backward(float *dx, const float *dout, const float *x, int B, int C, int L)
{
    size_t CL = (size_t)C * L;
    #pragma omp parallel for schedule(static) if ((size_t)B * CL > PAR_MIN)
    for (int b = 0; b < B; b++) {
        const float *a = x + 2 * CL * b;
        float *da = dx + 2 * CL * b;
        gate_bwd_k(da, da + CL, dout + CL * b, a, a + CL, CL);
    }
}

void ts_gate_forward_keep(float *out, float *x, int B, int C, int L)
{
    size_t CL = (size_t)C * L;
    #pragma omp parallel for schedule(static) if ((size_t)B * CL > PAR_MIN)
    for (int b = 0; b < B; b++) {
        float *a = x + 2 * CL * b;
        gate_fwd_keep_k(out + CL * b, a, a + CL, CL);
    }
}

static void gate_backward_kept(float *dx, const float *dout, const float *ts, int B, int C, int L,
                               int acc)
{
    size_t CL = (size_t)C * L;
    #pragma omp parallel for schedule(static) if ((size_t)B * CL > PAR_MIN)
    for (int b = 0; b < B; b++) {
        const float *t = ts + 2 * CL * b;
        float *da = dx + 2 * CL * b;
        gate_bwd_kept_k(da, da + CL, dout + CL * b, t, t + CL, CL, acc);
    }
}

void ts_gate_backward_kept(float *dx, const float *dout, const float *ts, int B, int C, int L)
{
    gate_backward_kept(dx, dout, ts, B, C, L, 1);
}

void ts_gate_backward_kept_set(float *dx, const float *dout, const float *ts, int B, int C, int L)
{
    gate_backward_kept(dx, dout, ts, B, C, L, 0);
}

void ts_add_bcast_forward(float *out, const float *x, const float *t, int B, int C, int L)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const float *xr = x + (size_t)bc * L;
        float *o = out + (size_t)bc * L, v = t[bc];
        #pragma omp simd
        for (int l = 0; l < L; l++) o[l] = xr[l] + v;
    }
}

void ts_add_bcast_backward(float *dx, float *dt, const float *dout, int B, int C, int L)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const float *g = dout + (size_t)bc * L;
        float s = 0.0f;
        for (int l = 0; l < L; l++) s += g[l];
        if (dt) dt[bc] += s;
        if (dx) {
            float *d = dx + (size_t)bc * L;
            #pragma omp simd
            for (int l = 0; l < L; l++) d[l] += g[l];
        }
    }
}
