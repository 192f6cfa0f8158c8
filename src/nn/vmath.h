/* Branch-free float exp, sigmoid, tanh and erf that vectorise under
 * `#pragma omp simd` (libm's scalar calls do not; they made the element-wise
 * layers cost as much as the convolutions).
 *   exp:  Cephes expf, range reduction by ln 2 and a degree-6 polynomial, about
 *         1 ulp on [-87, 88]; inputs are clamped to that range, so exp never
 *         returns 0 or inf (sigmoid and tanh saturate correctly anyway); NaN
 *         stays NaN.
 *   erf:  Abramowitz & Stegun 7.1.26, absolute error below 2e-7.
 * PyTorch's own CPU kernels use vectorised approximations of the same order. */
#ifndef TS_NN_VMATH_H
#define TS_NN_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Hot element-wise kernels are compiled for AVX-512, AVX2 and the x86-64-v2
 * baseline; the loader picks the widest the CPU has (an ifunc), so the binary
 * still runs everywhere. The Makefile builds with -ffp-contract=off: no FMA
 * contraction, so a vector body and its scalar tail round alike and the
 * results do not depend on how the work is split over threads. Put the
 * attribute on a plain function that a parallel loop calls: GCC outlines
 * OpenMP regions into functions without it. -DTS_NO_CLONES builds only the
 * -march code (to test a single level: -march=x86-64-v2 or -v3). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(TS_NO_CLONES)
#define TS_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TS_CLONES
#endif

static inline float v_exp(float x)
{
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    /* n = round(x / ln 2): adding 1.5 * 2^23 pushes the fraction out of the
     * mantissa. n comes from a copy with NaN sent to -87 so that it always
     * converts to a valid exponent; a NaN x still propagates through r. */
    float xn = x > -87.0f ? x : -87.0f;
    float n = (xn * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;   /* 2^n, n in [-126, 127] */
    float s;
    memcpy(&s, &bits, sizeof s);
    return p * s;
}

static inline float v_sigmoid(float x) { return 1.0f / (1.0f + v_exp(-x)); }

static inline float v_tanh(float x)
{
    float t = 1.0f - 2.0f / (v_exp(2.0f * fabsf(x)) + 1.0f);
    return copysignf(t, x);
}

/* erf(x) given e = exp(-x^2), which callers often need too */
static inline float v_erf_e(float x, float e)
{
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    return copysignf(1.0f - p * t * e, x);
}

/* exact GELU x Phi(x) (nn.GELU()'s default) */
static inline float v_gelu(float x)
{
    return 0.5f * x * (1.0f + v_erf_e(x * 0.70710678118654752440f, v_exp(-0.5f * x * x)));
}

#endif
