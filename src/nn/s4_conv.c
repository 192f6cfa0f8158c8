/* S4 core: the S4D kernel (ZOH, diagonal A) and the long convolution, forward
 * and backward. See include/tracesynth/s4.h for the maths and conventions. */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the loops that
 * call v_exp on every CPU level (without it only the AVX-512 clone, whose masked
 * instructions cannot trap, is vectorised); nothing here reads floating-point
 * exception flags */
#pragma GCC optimize("no-trapping-math")
#endif
#include <fftw3.h>     /* before complex.h: fftwf_complex stays float[2] */
#include "tracesynth/prof.h"
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include "tracesynth/common.h"
#include "tracesynth/s4.h"
#include "vmath.h"

/* ---------------------------------------------------------------------------
 * Kernel
 *
 * Per channel h and mode n: z = exp(dt A), E = (z - 1) / A, C' = C E and
 *   K[l] = 2 Re sum_n C'_n z_n^l.
 * Powers z^l come from the recurrence p <- p z in double precision (|z| < 1,
 * so the error grows like l * 1e-16, far below float rounding).
 * ------------------------------------------------------------------------- */

/* modes per block: the accumulation over modes of one block is in double */
#define KBLOCK 32
/* modes per block in the backward pass */
#define KB 8

/* 1 / a without the slow general complex division (a is never 0 here:
 * Re a = -exp(.) < 0) */
static inline double complex inv_c(double complex a)
{
    double r = creal(a), m = cimag(a), d = r * r + m * m;
    return r / d - I * (m / d);
}

/* one channel: K0 (and K1 when c1) (L) from its modes. Per step l the sum over
 * modes runs in 8 lanes (lane j takes the modes n = j mod 8), added up in a
 * fixed order, so the loops vectorise over modes. */
TS_CLONES static void kernel_channel(double dt, const float *log_A_re, const float *A_im,
                                     const float *c0, const float *c1, int Nh, int L,
                                     float *K0, float *K1)
{
    memset(K0, 0, sizeof(float) * L);
    if (K1) memset(K1, 0, sizeof(float) * L);
    for (int n0 = 0; n0 < Nh; n0 += KBLOCK) {
        int nb = Nh - n0 < KBLOCK ? Nh - n0 : KBLOCK;
        int nb8 = (nb + 7) & ~7;   /* padded with zero modes */
        /* split re/im so the loops over modes vectorise */
        double zr[KBLOCK], zi[KBLOCK], pr[KBLOCK], pi[KBLOCK];
        double wr[2][KBLOCK], wi[2][KBLOCK];
        for (int k = 0; k < nb8; k++) {
            zr[k] = zi[k] = pi[k] = 0;
            pr[k] = 1;
            wr[0][k] = wi[0][k] = wr[1][k] = wi[1][k] = 0;
        }
        for (int k = 0; k < nb; k++) {
            int n = n0 + k;
            double complex a = -exp((double)log_A_re[n]) + I * (double)A_im[n];
            double complex z = cexp(dt * a), E = (z - 1.0) * inv_c(a);
            zr[k] = creal(z); zi[k] = cimag(z);
            for (int d = 0; d < (c1 ? 2 : 1); d++) {
                const float *c = (d ? c1 : c0) + (size_t)n * 2;
                double complex w = 2.0 * (c[0] + I * c[1]) * E;
                wr[d][k] = creal(w); wi[d][k] = cimag(w);
            }
        }
        for (int l = 0; l < L; l++) {
            for (int d = 0; d < (c1 ? 2 : 1); d++) {
                double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
                const double *r = wr[d], *q = wi[d];
                for (int k = 0; k < nb8; k += 8)
                    #pragma omp simd
                    for (int j = 0; j < 8; j++) acc[j] += r[k + j] * pr[k + j] - q[k + j] * pi[k + j];
                float v = (float)(((acc[0] + acc[1]) + (acc[2] + acc[3])) +
                                  ((acc[4] + acc[5]) + (acc[6] + acc[7])));
                (d ? K1 : K0)[l] += v;
            }
            #pragma omp simd
            for (int k = 0; k < nb8; k++) {
                double t = pr[k] * zr[k] - pi[k] * zi[k];
                pi[k] = pr[k] * zi[k] + pi[k] * zr[k];
                pr[k] = t;
            }
        }
    }
}

/* the threads a layer runs on: its own count, at most the team's */
static int threads_of(const ts_s4 *s)
{
    int m = omp_get_max_threads();
    return s->nthreads < m ? s->nthreads : m;
}

static void s4_kernel_body(const ts_s4 *s, const float *params, float *K)
{
    const int H = s->c.H, L = s->c.L, Nh = s->Nh, dirs = s->dirs;
    const float *log_dt = params + s->p.log_dt, *log_A_re = params + s->p.log_A_re;
    const float *A_im = params + s->p.A_im, *Cp = params + s->p.C;
    const int nt = threads_of(s);

    #pragma omp parallel for schedule(static) num_threads(nt)
    for (int h = 0; h < H; h++)
        kernel_channel(exp((double)log_dt[h]), log_A_re + (size_t)h * Nh, A_im + (size_t)h * Nh,
                       Cp + (size_t)h * Nh * 2, dirs == 2 ? Cp + ((size_t)H + h) * Nh * 2 : NULL,
                       Nh, L, K + (size_t)h * L, dirs == 2 ? K + ((size_t)H + h) * L : NULL);
}

void ts_s4_kernel(const ts_s4 *s, const float *params, float *K)
{
    TS_PROF_PUSH(TS_PROF_S4K);
    s4_kernel_body(s, params, K);
    TS_PROF_POP();
}

/* For a real loss and K = 2 Re f(w) with f holomorphic in a complex parameter w,
 * dK/dRe w = 2 Re f'(w) and dK/dIm w = -2 Im f'(w). With G = dK, per mode:
 *   S = sum_l G[l] z^l,  U = sum_l G[l] l z^l
 *   dC:   f' = E S
 *   dA:   f' = C (dt z / A - E / A) S + C' dt U      (dE/dA, d z^l/dA)
 *   d dt: f' = C z S + C' A U                         (real: dK/d dt = 2 Re f')
 * and the chain rule to log(-Re A) (times Re A) and log dt (times dt). */
/* one channel h of ts_s4_kernel_backward */
TS_CLONES static void kernel_bwd_channel(const ts_s4 *s, const float *params, const float *dK,
                                         float *dparams, int h)
{
    const int H = s->c.H, L = s->c.L, Nh = s->Nh, dirs = s->dirs;
    const float *log_dt = params + s->p.log_dt, *log_A_re = params + s->p.log_A_re;
    const float *A_im = params + s->p.A_im, *Cp = params + s->p.C;
    float *g_log_dt = dparams + s->p.log_dt, *g_log_A_re = dparams + s->p.log_A_re;
    float *g_A_im = dparams + s->p.A_im, *gC = dparams + s->p.C;

    double dt = exp((double)log_dt[h]);
    double g_dt = 0;
    for (int n0 = 0; n0 < Nh; n0 += KB) {
        int nb = Nh - n0 < KB ? Nh - n0 : KB;
        /* S, U of a block of modes and both directions in one pass over l;
         * the modes are independent chains, so the inner loops vectorise */
        double zr[KB], zi[KB], pr[KB], pi[KB];
        double Sr[2][KB], Si[2][KB], Ur[2][KB], Ui[2][KB];
        double complex av[KB], zv[KB];
        for (int k = 0; k < KB; k++) {
            int n = n0 + (k < nb ? k : 0);
            av[k] = -exp((double)log_A_re[h * Nh + n]) + I * (double)A_im[h * Nh + n];
            zv[k] = cexp(dt * av[k]);
            zr[k] = creal(zv[k]); zi[k] = cimag(zv[k]);
            pr[k] = 1; pi[k] = 0;
            for (int d = 0; d < 2; d++) Sr[d][k] = Si[d][k] = Ur[d][k] = Ui[d][k] = 0;
        }
        const float *G0 = dK + (size_t)h * L, *G1 = dirs == 2 ? dK + ((size_t)H + h) * L : G0;
        for (int l = 0; l < L; l++) {
            double g0 = G0[l], g1 = G1[l], g0l = g0 * l, g1l = g1 * l;
            for (int k = 0; k < KB; k++) {
                Sr[0][k] += g0 * pr[k]; Si[0][k] += g0 * pi[k];
                Ur[0][k] += g0l * pr[k]; Ui[0][k] += g0l * pi[k];
                Sr[1][k] += g1 * pr[k]; Si[1][k] += g1 * pi[k];
                Ur[1][k] += g1l * pr[k]; Ui[1][k] += g1l * pi[k];
                double t = pr[k] * zr[k] - pi[k] * zi[k];
                pi[k] = pr[k] * zi[k] + pi[k] * zr[k];
                pr[k] = t;
            }
        }
        for (int k = 0; k < nb; k++) {
            int n = n0 + k;
            double complex a = av[k], z = zv[k], ia = inv_c(a), E = (z - 1.0) * ia;
            double complex fa = 0, fdt = 0;
            for (int d = 0; d < dirs; d++) {
                double complex S = Sr[d][k] + I * Si[d][k], U = Ur[d][k] + I * Ui[d][k];
                size_t ci = (((size_t)d * H + h) * Nh + n) * 2;
                double complex c = Cp[ci] + I * Cp[ci + 1], cp = c * E;
                double complex fc = E * S;
                gC[ci] += (float)(2.0 * creal(fc));
                gC[ci + 1] += (float)(-2.0 * cimag(fc));
                fa += c * ((dt * z - E) * ia) * S + cp * dt * U;
                fdt += c * z * S + cp * a * U;
            }
            g_log_A_re[h * Nh + n] += (float)(2.0 * creal(fa) * creal(a));
            g_A_im[h * Nh + n] += (float)(-2.0 * cimag(fa));
            g_dt += 2.0 * creal(fdt);
        }
    }
    g_log_dt[h] += (float)(g_dt * dt);
}

static void s4_kernel_backward_body(const ts_s4 *s, const float *params, const float *dK, float *dparams)
{
    const int nt = threads_of(s);
    #pragma omp parallel for schedule(static) num_threads(nt)
    for (int h = 0; h < s->c.H; h++) kernel_bwd_channel(s, params, dK, dparams, h);
}

void ts_s4_kernel_backward(const ts_s4 *s, const float *params, const float *dK, float *dparams)
{
    TS_PROF_PUSH(TS_PROF_S4K);
    s4_kernel_backward_body(s, params, dK, dparams);
    TS_PROF_POP();
}

/* ---------------------------------------------------------------------------
 * Convolution
 *
 * FFT path: the full kernel kf (M) holds K0 at [0, L) and K1 reversed at the
 * top, kf[M-1-m] = K1[m], so one circular convolution of x zero-padded to M
 * gives both directions (M >= 2L - 1 keeps them from overlapping). Its
 * spectrum Khat (all M bins, scaled by 1/M for the unnormalised inverse) is
 * kept. kf is real, so two real rows of the same channel go through one
 * complex transform as z = x_b + i x_b' (half the transforms of r2c/c2r):
 *   forward:  y_b + i y_b'   = ifft(fft(x_b + i x_b') Khat)[:L]
 *   backward: dx_b + i dx_b' = ifft(fft(dy_b + i dy_b') conj(Khat))[:L]
 *             dkf = Re ifft(sum over pairs of fft(dy_b + i dy_b') conj(fft(x_b + i x_b'))) / M
 * In the last line the product is sum_b DY_b conj(X_b) plus i times the
 * spectrum of a real signal (the cross terms), which the real part drops.
 * Direct path: the same sums as shifted axpy loops over contiguous rows.
 * ------------------------------------------------------------------------- */

/* per-thread FFT buffers inside scratch: five complex arrays of M */
static size_t fft_slot_floats(const ts_s4 *s) { return 5 * ((size_t)2 * s->M + 16) + 16; }

static float *align64(float *p) { return (float *)ts_round_up((uintptr_t)p, 64); }

typedef struct { float *z, *Z, *W, *P, *G; } fft_bufs;  /* complex as (re, im) pairs */

static fft_bufs fft_slot(const ts_s4 *s, float *scratch, int tid)
{
    size_t n = (size_t)2 * s->M;
    float *base = scratch + (size_t)tid * fft_slot_floats(s);
    fft_bufs b;
    b.z = align64(base);
    b.Z = align64(b.z + n);
    b.W = align64(b.Z + n);
    b.P = align64(b.W + n);
    b.G = align64(b.P + n);
    return b;
}

size_t ts_s4_conv_scratch_size(const ts_s4 *s)
{
    return s->use_fft ? (size_t)s->nthreads * fft_slot_floats(s) : 0;
}

/* ---- row kernels of the FFT path (one per CPU level, vmath.h); spectra are
 * (re, im) pairs ---- */

/* a *= k over F complex values */
TS_CLONES static void spec_mul(float *restrict a, const float *restrict k, int F)
{
    #pragma omp simd
    for (int f = 0; f < F; f++) {
        float ar = a[2 * f], ai = a[2 * f + 1];
        a[2 * f] = ar * k[2 * f] - ai * k[2 * f + 1];
        a[2 * f + 1] = ar * k[2 * f + 1] + ai * k[2 * f];
    }
}

/* a *= conj(k) */
TS_CLONES static void spec_mul_conj(float *restrict a, const float *restrict k, int F)
{
    #pragma omp simd
    for (int f = 0; f < F; f++) {
        float ar = a[2 * f], ai = a[2 * f + 1];
        a[2 * f] = ar * k[2 * f] + ai * k[2 * f + 1];
        a[2 * f + 1] = ai * k[2 * f] - ar * k[2 * f + 1];
    }
}

/* acc += y conj(x) */
TS_CLONES static void spec_acc_conj(float *restrict acc, const float *restrict y,
                                    const float *restrict x, int F)
{
    #pragma omp simd
    for (int f = 0; f < F; f++) {
        float yr = y[2 * f], yi = y[2 * f + 1], xr = x[2 * f], xi = x[2 * f + 1];
        acc[2 * f] += yr * xr + yi * xi;
        acc[2 * f + 1] += yi * xr - yr * xi;
    }
}

/* sum of a[t] b[t]: 16 float partial sums (lane j takes t = j mod 16, a
 * dozen terms each for a row of 200), added up in double in a fixed order */
TS_CLONES static double dot_d(const float *restrict a, const float *restrict b, int n)
{
    float p[16];
    for (int j = 0; j < 16; j++) p[j] = 0.0f;
    int t = 0;
    for (; t + 16 <= n; t += 16)
        #pragma omp simd
        for (int j = 0; j < 16; j++) p[j] += a[t + j] * b[t + j];
    for (int j = 0; t + j < n; j++) p[j] += a[t + j] * b[t + j];
    double s = 0;
    for (int j = 0; j < 16; j++) s += (double)p[j];
    return s;
}

/* z (M complex) = a + i b zero-padded from L (b NULL: 0) */
TS_CLONES static void pack2(float *restrict z, const float *restrict a, const float *restrict b,
                            int L, int M)
{
    if (b) {
        #pragma omp simd
        for (int t = 0; t < L; t++) {
            z[2 * t] = a[t];
            z[2 * t + 1] = b[t];
        }
    } else {
        #pragma omp simd
        for (int t = 0; t < L; t++) {
            z[2 * t] = a[t];
            z[2 * t + 1] = 0.0f;
        }
    }
    memset(z + 2 * L, 0, sizeof(float) * 2 * (size_t)(M - L));
}

/* ga = za da, gb = zb db over L (gb NULL: the first only): a gradient
 * through a kept derivative, as ts_mul_backward_set computes it */
TS_CLONES static void mul_rows(float *restrict ga, float *restrict gb, const float *restrict za,
                               const float *restrict zb, const float *restrict da,
                               const float *restrict db, int L)
{
    #pragma omp simd
    for (int t = 0; t < L; t++) ga[t] = za[t] * da[t];
    if (gb) {
        #pragma omp simd
        for (int t = 0; t < L; t++) gb[t] = zb[t] * db[t];
    }
}

/* ya = Re z + d xa, yb = Im z + d xb over L (yb, xb NULL: the first only) */
TS_CLONES static void unpack_set(float *restrict ya, float *restrict yb, const float *restrict z,
                                 float d, const float *restrict xa, const float *restrict xb,
                                 int L)
{
    #pragma omp simd
    for (int t = 0; t < L; t++) ya[t] = z[2 * t] + d * xa[t];
    if (yb) {
        #pragma omp simd
        for (int t = 0; t < L; t++) yb[t] = z[2 * t + 1] + d * xb[t];
    }
}

/* ya = gelu(Re z + d xa), yb = gelu(Im z + d xb): the S4 layer's activation
 * taken while the rows are in cache (inference). The GELU runs over both rows
 * side by side in tmp (2 L): one vector loop with one short tail instead of a
 * tail per row (a row of 200 has 8 left over, which cost more than the rest) */
TS_CLONES static void unpack_gelu(float *restrict ya, float *restrict yb, const float *restrict z,
                                  float d, const float *restrict xa, const float *restrict xb,
                                  int L, float *restrict tmp)
{
    const int n = yb ? 2 * L : L;
    #pragma omp simd
    for (int t = 0; t < L; t++) tmp[t] = z[2 * t] + d * xa[t];
    if (yb) {
        #pragma omp simd
        for (int t = 0; t < L; t++) tmp[L + t] = z[2 * t + 1] + d * xb[t];
    }
    #pragma omp simd
    for (int t = 0; t < n; t++) tmp[t] = v_gelu(tmp[t]);
    memcpy(ya, tmp, sizeof(float) * L);
    if (yb) memcpy(yb, tmp + L, sizeof(float) * L);
}

/* ga = gelu(Re z + d xa) and da = gelu'(Re z + d xa), gb, db from Im z and xb
 * (training: the backward's factor kept, as ts_gelu_forward_deriv computes
 * it, the same expressions), through tmp (4 L) as unpack_gelu */
TS_CLONES static void unpack_gelu_deriv(float *restrict ga, float *restrict gb, float *restrict da,
                                        float *restrict db, const float *restrict z, float d,
                                        const float *restrict xa, const float *restrict xb, int L,
                                        float *restrict tmp)
{
    const int n = gb ? 2 * L : L;
    float *restrict dv = tmp + 2 * L;
    #pragma omp simd
    for (int t = 0; t < L; t++) tmp[t] = z[2 * t] + d * xa[t];
    if (gb) {
        #pragma omp simd
        for (int t = 0; t < L; t++) tmp[L + t] = z[2 * t + 1] + d * xb[t];
    }
    #pragma omp simd
    for (int t = 0; t < n; t++) {
        float v = tmp[t], e = v_exp(-0.5f * v * v);
        float erf = v_erf_e(v * 0.70710678118654752440f, e);
        tmp[t] = 0.5f * v * (1.0f + erf);
        dv[t] = 0.5f * (1.0f + erf) + v * 0.39894228040143267794f * e;
    }
    memcpy(ga, tmp, sizeof(float) * L);
    memcpy(da, dv, sizeof(float) * L);
    if (gb) {
        memcpy(gb, tmp + L, sizeof(float) * L);
        memcpy(db, dv + L, sizeof(float) * L);
    }
}

/* the same, accumulated */
TS_CLONES static void unpack_add(float *restrict ya, float *restrict yb, const float *restrict z,
                                 float d, const float *restrict xa, const float *restrict xb,
                                 int L)
{
    #pragma omp simd
    for (int t = 0; t < L; t++) ya[t] += z[2 * t] + d * xa[t];
    if (yb) {
        #pragma omp simd
        for (int t = 0; t < L; t++) yb[t] += z[2 * t + 1] + d * xb[t];
    }
}

/* channel h of the items b0 and b0 + 1 (when < B) through one complex
 * transform: y = K * x + D x, or gelu of it (gelu 1), or gelu of it and
 * its derivative in yd (gelu 2) */
static void pair_row(const ts_s4 *s, const fft_bufs *fb, const float *Khat, const float *D,
                     const float *x, int B, int b0, int h, float *y, float *yd, int gelu)
{
    const int H = s->c.H, L = s->c.L, M = s->M, two = b0 + 1 < B;
    const fftwf_plan pf = (fftwf_plan)s->plan_fwd, pi = (fftwf_plan)s->plan_inv;
    size_t off = ((size_t)b0 * H + h) * L, HL = (size_t)H * L;
    const float *xa = x + off, *xb = two ? xa + HL : NULL;
    float *ya = y + off;
    pack2(fb->z, xa, xb, L, M);
    fftwf_execute_dft(pf, (fftwf_complex *)fb->z, (fftwf_complex *)fb->Z);
    spec_mul(fb->Z, Khat + (size_t)h * s->khat_stride, M);
    fftwf_execute_dft(pi, (fftwf_complex *)fb->Z, (fftwf_complex *)fb->z);
    if (gelu == 2)
        unpack_gelu_deriv(ya, two ? ya + HL : NULL, yd + off, two ? yd + off + HL : NULL, fb->z,
                          D[h], xa, xb, L, fb->W);
    else if (gelu) unpack_gelu(ya, two ? ya + HL : NULL, fb->z, D[h], xa, xb, L, fb->W);
    else unpack_set(ya, two ? ya + HL : NULL, fb->z, D[h], xa, xb, L);
}

/* the FFT path of the forward: Khat from K, or K (and Khat) from params when
 * params is not NULL (kernel and spectrum of a channel in one go); then y.
 * One parallel region. */
static void fft_forward(const ts_s4 *s, const float *params, float *K, const float *D,
                        const float *x, int B, float *y, float *yd, float *Khat, int khat_ready,
                        int gelu, float *scratch)
{
    const int H = s->c.H, L = s->c.L, dirs = s->dirs, Nh = s->Nh;
    const int nt = threads_of(s);
    const int M = s->M, P = (B + 1) / 2;   /* P pairs of rows (b, b + 1) */
    const fftwf_plan pf = (fftwf_plan)s->plan_fwd;
    const float inv = 1.0f / (float)M;
    const int prof = ts_prof_on && params && !khat_ready;   /* the kernel build's share */
    double tk0 = prof ? ts_now() : 0, tk = 0;
    #pragma omp parallel num_threads(nt)
    {
        fft_bufs fb = fft_slot(s, scratch, omp_get_thread_num());
        if (!khat_ready) {
        #pragma omp for schedule(static)
        for (int h = 0; h < H; h++) {
            float *k0 = K + (size_t)h * L, *k1 = dirs == 2 ? K + ((size_t)H + h) * L : NULL;
            if (params) {
                const float *Cp = params + s->p.C;
                kernel_channel(exp((double)params[s->p.log_dt + h]),
                               params + s->p.log_A_re + (size_t)h * Nh,
                               params + s->p.A_im + (size_t)h * Nh, Cp + (size_t)h * Nh * 2,
                               k1 ? Cp + ((size_t)H + h) * Nh * 2 : NULL, Nh, L, k0, k1);
            }
            memset(fb.z, 0, sizeof(float) * 2 * M);
            for (int l = 0; l < L; l++) fb.z[2 * l] = k0[l];
            if (k1) for (int m = 0; m < L; m++) fb.z[2 * (M - 1 - m)] = k1[m];
            /* FFTW only ever sees the aligned per-thread buffers, so act and
             * scratch need no particular alignment */
            fftwf_execute_dft(pf, (fftwf_complex *)fb.z, (fftwf_complex *)fb.Z);
            float *kh = Khat + (size_t)h * s->khat_stride;
            for (int f = 0; f < 2 * M; f++) kh[f] = fb.Z[f] * inv;
        }
        }
        if (prof && omp_get_thread_num() == 0) tk = ts_now() - tk0;   /* after the loop's barrier */
        #pragma omp for schedule(static)
        for (int job = 0; job < P * H; job++)
            pair_row(s, &fb, Khat, D, x, B, 2 * (job / H), job % H, y, yd, gelu);
    }
    if (prof) ts_prof_move(TS_PROF_FFT, TS_PROF_S4K, tk);
}

void ts_s4_fft_pair_gelu(const ts_s4 *s, const float *params, const float *cache, const float *x,
                         int B, int b0, float *y, float *scratch, int slot)
{
    size_t nK = ts_round_up((size_t)s->dirs * s->c.H * s->c.L, 16);
    fft_bufs fb = fft_slot(s, scratch, slot);
    for (int h = 0; h < s->c.H; h++)
        pair_row(s, &fb, cache + nK, params + s->p.D, x, B, b0, h, y, NULL, 1);
}

static void s4_conv_forward_body(const ts_s4 *s, const float *K, const float *D, const float *x, int B,
                        float *y, float *Khat, float *scratch)
{
    const int H = s->c.H, L = s->c.L, dirs = s->dirs;
    const int nt = threads_of(s);
    const float *K0 = K, *K1 = dirs == 2 ? K + (size_t)H * L : NULL;

    if (!s->use_fft) {
        #pragma omp parallel for schedule(static) num_threads(nt)
        for (int bh = 0; bh < B * H; bh++) {
            int h = bh % H;
            const float *xr = x + (size_t)bh * L, *k0 = K0 + (size_t)h * L;
            float *yr = y + (size_t)bh * L;
            for (int t = 0; t < L; t++) yr[t] = D[h] * xr[t];
            for (int j = 0; j < L; j++) {          /* y[t] += K0[j] x[t-j] */
                float k = k0[j];
                for (int t = j; t < L; t++) yr[t] += k * xr[t - j];
            }
            if (K1) {
                const float *k1 = K1 + (size_t)h * L;
                for (int m = 0; m + 1 < L; m++) {  /* y[t] += K1[m] x[t+1+m] */
                    float k = k1[m];
                    for (int t = 0; t + 1 + m < L; t++) yr[t] += k * xr[t + 1 + m];
                }
            }
        }
        return;
    }

    fft_forward(s, NULL, (float *)K, D, x, B, y, NULL, Khat, 0, 0, scratch);   /* K only read */
}

void ts_s4_conv_forward(const ts_s4 *s, const float *K, const float *D, const float *x, int B,
                        float *y, float *Khat, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    s4_conv_forward_body(s, K, D, x, B, y, Khat, scratch);
    TS_PROF_POP();
}

static void s4_ssm_forward_body(const ts_s4 *s, const float *params, const float *x, int B, float *K,
                       float *Khat, float *y, float *scratch)
{
    if (s->use_fft) {
        fft_forward(s, params, K, params + s->p.D, x, B, y, NULL, Khat, 0, 0, scratch);
        return;
    }
    ts_s4_kernel(s, params, K);
    ts_s4_conv_forward(s, K, params + s->p.D, x, B, y, Khat, scratch);
}

void ts_s4_ssm_forward(const ts_s4 *s, const float *params, const float *x, int B, float *K,
                       float *Khat, float *y, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    s4_ssm_forward_body(s, params, x, B, K, Khat, y, scratch);
    TS_PROF_POP();
}

int ts_s4_ssm_forward_gelu_deriv(const ts_s4 *s, const float *params, const float *x, int B,
                                 float *K, float *Khat, float *g, float *d, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    int left = 1;
    if (s->use_fft) {
        fft_forward(s, params, K, params + s->p.D, x, B, g, d, Khat, 0, 2, scratch);
        left = 0;
    } else {
        s4_ssm_forward_body(s, params, x, B, K, Khat, d, scratch);
    }
    TS_PROF_POP();
    return left;
}

size_t ts_s4_kernel_cache_size(const ts_s4 *s)
{
    size_t nK = ts_round_up((size_t)s->dirs * s->c.H * s->c.L, 16);
    return nK + (s->use_fft ? (size_t)s->c.H * s->khat_stride : 0);
}

/* the cache: K (dirs, H, L) rounded to 16 floats | Khat (H, khat_stride) */
static void s4_kernel_cache_body(const ts_s4 *s, const float *params, float *cache, float *scratch)
{
    size_t nK = ts_round_up((size_t)s->dirs * s->c.H * s->c.L, 16);
    ts_s4_kernel(s, params, cache);
    if (!s->use_fft) return;
    /* the spectra alone: a forward pass over an empty batch */
    fft_forward(s, NULL, cache, params + s->p.D, NULL, 0, NULL, NULL, cache + nK, 0, 0, scratch);
}

void ts_s4_kernel_cache(const ts_s4 *s, const float *params, float *cache, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_S4K);
    s4_kernel_cache_body(s, params, cache, scratch);
    TS_PROF_POP();
}

/* gelu: y = gelu(the SSM output) (0 when done, 1 when the caller must apply it) */
static int s4_ssm_forward_cached_body(const ts_s4 *s, const float *params, const float *cache,
                                      const float *x, int B, float *y, int gelu, float *scratch)
{
    size_t nK = ts_round_up((size_t)s->dirs * s->c.H * s->c.L, 16);
    if (s->use_fft) {
        fft_forward(s, NULL, (float *)cache, params + s->p.D, x, B, y, NULL, (float *)cache + nK, 1,
                    gelu, scratch);   /* cache only read */
        return 0;
    }
    ts_s4_conv_forward(s, cache, params + s->p.D, x, B, y, NULL, scratch);
    return gelu;
}

void ts_s4_ssm_forward_cached(const ts_s4 *s, const float *params, const float *cache,
                              const float *x, int B, float *y, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    s4_ssm_forward_cached_body(s, params, cache, x, B, y, 0, scratch);
    TS_PROF_POP();
}

int ts_s4_ssm_forward_cached_gelu(const ts_s4 *s, const float *params, const float *cache,
                                  const float *x, int B, float *y, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    int left = s4_ssm_forward_cached_body(s, params, cache, x, B, y, 1, scratch);
    TS_PROF_POP();
    return left;
}

/* dyd NULL: dy is the output's gradient; else (FFT path only) that gradient
 * is dy * dyd, formed per row pair as it is needed */
static void s4_conv_backward_body(const ts_s4 *s, const float *K, const float *Khat, const float *D,
                         const float *x, const float *dy, const float *dyd, int B, float *dK,
                         float *dD, float *dx, float *scratch)
{
    const int H = s->c.H, L = s->c.L, dirs = s->dirs;
    const int nt = threads_of(s);
    const size_t HL = (size_t)H * L;

    if (!s->use_fft) {
        /* one channel per iteration: the sums over the batch stay in one thread */
        #pragma omp parallel for schedule(static) num_threads(nt)
        for (int h = 0; h < H; h++) {
            const float *k0 = K + (size_t)h * L, *k1 = dirs == 2 ? K + HL + (size_t)h * L : NULL;
            float *g0 = dK + (size_t)h * L, *g1 = dirs == 2 ? dK + HL + (size_t)h * L : NULL;
            double gD = 0;
            for (int b = 0; b < B; b++) {
                const float *xr = x + ((size_t)b * H + h) * L, *gy = dy + ((size_t)b * H + h) * L;
                for (int t = 0; t < L; t++) gD += (double)gy[t] * xr[t];
                for (int j = 0; j < L; j++) {      /* dK0[j] += sum_t dy[t] x[t-j] */
                    float acc = 0;
                    for (int t = j; t < L; t++) acc += gy[t] * xr[t - j];
                    g0[j] += acc;
                }
                if (g1)
                    for (int m = 0; m + 1 < L; m++) {  /* dK1[m] += sum_t dy[t] x[t+1+m] */
                        float acc = 0;
                        for (int t = 0; t + 1 + m < L; t++) acc += gy[t] * xr[t + 1 + m];
                        g1[m] += acc;
                    }
                if (dx) {
                    float *gx = dx + ((size_t)b * H + h) * L;
                    for (int t = 0; t < L; t++) gx[t] += D[h] * gy[t];
                    for (int j = 0; j < L; j++) {  /* dx[s] += K0[j] dy[s+j] */
                        float k = k0[j];
                        for (int u = 0; u + j < L; u++) gx[u] += k * gy[u + j];
                    }
                    if (k1)
                        for (int m = 0; m + 1 < L; m++) {  /* dx[s] += K1[m] dy[s-1-m] */
                            float k = k1[m];
                            for (int u = m + 1; u < L; u++) gx[u] += k * gy[u - 1 - m];
                        }
                }
            }
            dD[h] += (float)gD;
        }
        return;
    }

    const int M = s->M;
    const fftwf_plan pf = (fftwf_plan)s->plan_fwd, pi = (fftwf_plan)s->plan_inv;
    const float inv = 1.0f / (float)M;
    #pragma omp parallel num_threads(nt)
    {
        fft_bufs fb = fft_slot(s, scratch, omp_get_thread_num());
        /* one channel per iteration: the sums over the batch stay in one thread */
        #pragma omp for schedule(static)
        for (int h = 0; h < H; h++) {
            const float *kh = Khat + (size_t)h * s->khat_stride;
            memset(fb.P, 0, sizeof(float) * 2 * M);
            double gD = 0;
            for (int b0 = 0; b0 < B; b0 += 2) {
                int two = b0 + 1 < B;
                size_t off = ((size_t)b0 * H + h) * L;
                const float *xa = x + off, *xb = two ? xa + HL : NULL;
                const float *ga = dy + off, *gb = two ? ga + HL : NULL;
                if (dyd) {   /* the pair's rows of dy * dyd, side by side in G */
                    mul_rows(fb.G, two ? fb.G + L : NULL, ga, gb, dyd + off, two ? dyd + off + HL : NULL, L);
                    ga = fb.G;
                    gb = two ? fb.G + L : NULL;
                }
                gD += dot_d(ga, xa, L);
                if (two) gD += dot_d(gb, xb, L);
                pack2(fb.z, xa, xb, L, M);
                fftwf_execute_dft(pf, (fftwf_complex *)fb.z, (fftwf_complex *)fb.Z);
                pack2(fb.z, ga, gb, L, M);
                fftwf_execute_dft(pf, (fftwf_complex *)fb.z, (fftwf_complex *)fb.W);
                spec_acc_conj(fb.P, fb.W, fb.Z, M);    /* P += dY conj(X) */
                if (dx) {
                    spec_mul_conj(fb.W, kh, M);        /* dY conj(Khat) */
                    fftwf_execute_dft(pi, (fftwf_complex *)fb.W, (fftwf_complex *)fb.z);
                    float *da = dx + off;
                    unpack_add(da, two ? da + HL : NULL, fb.z, D[h], ga, gb, L);
                }
            }
            fftwf_execute_dft(pi, (fftwf_complex *)fb.P, (fftwf_complex *)fb.z);
            float *g0 = dK + (size_t)h * L;
            for (int j = 0; j < L; j++) g0[j] += fb.z[2 * j] * inv;
            if (dirs == 2) {
                float *g1 = dK + HL + (size_t)h * L;
                for (int m = 0; m < L; m++) g1[m] += fb.z[2 * (M - 1 - m)] * inv;
            }
            dD[h] += (float)gD;
        }
    }
}

void ts_s4_conv_backward(const ts_s4 *s, const float *K, const float *Khat, const float *D,
                         const float *x, const float *dy, int B, float *dK, float *dD,
                         float *dx, float *scratch)
{
    TS_PROF_PUSH(TS_PROF_FFT);
    s4_conv_backward_body(s, K, Khat, D, x, dy, NULL, B, dK, dD, dx, scratch);
    TS_PROF_POP();
}

int ts_s4_conv_backward_mul(const ts_s4 *s, const float *K, const float *Khat, const float *D,
                            const float *x, const float *dz, const float *d, int B, float *dK,
                            float *dD, float *dx, float *scratch)
{
    if (!s->use_fft) return 1;
    TS_PROF_PUSH(TS_PROF_FFT);
    s4_conv_backward_body(s, K, Khat, D, x, dz, d, B, dK, dD, dx, scratch);
    TS_PROF_POP();
    return 0;
}
