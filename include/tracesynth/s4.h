/* tracesynth — the S4 layer of SSSD-S4 on the CPU, forward and exact backward.
 *
 * One layer maps x (B, H, L) to out (B, H, L):
 *
 *   K    = S4D kernel (H, L) per direction, from log_dt, A, C      (below)
 *   y    = K0 * x  (causal)  + K1 *' x (anti-causal, bidirectional) + D . x
 *   o    = W gelu(y) + bias            (SSSD's output_linear: H -> H per position)
 *   out  = LayerNorm_H(o + x)          (SSSD's S4Layer: residual, then norm)
 *
 * Kernel (diagonal state space, "S4D", Gu et al. 2022), per channel h and
 * complex mode n < N/2 (the other N/2 modes are the conjugates):
 *   dt   = exp(log_dt[h]),   A_n = -exp(log_A_re[h,n]) + i A_im[h,n]
 *   K[l] = 2 Re sum_n C_n (exp(dt A_n) - 1) / A_n . exp(dt A_n l)   (ZOH, B = 1)
 * Initialisation is S4D-LegS: A_n are the eigenvalues of the normal part of the
 * HiPPO-LegS matrix (all with real part -1/2), one of each conjugate pair,
 * computed with LAPACK's zheev. B is fixed at 1 as in S4D's minimal form (any
 * B only rescales C mode by mode, and C is learned).
 *
 * Convolutions, for t in [0, L):
 *   causal      y[t] += sum_{j <= t} K0[j] x[t - j]
 *   anti-causal y[t] += sum_{s > t} K1[s - t - 1] x[s]
 * which is SSSD's bidirectional kernel (k0 padded, k1 flipped into the upper
 * half of a length-2L circular convolution). The two directions have their own
 * C and share log_dt and A, as the reference's 2-channel kernel does.
 * Long sequences convolve through complex FFTs of size M >= 2L (two real rows
 * per transform, as real and imaginary parts), short ones with
 * a direct O(L^2) loop (TS_S4_CONV_AUTO picks by L; both give the same result
 * to float rounding).
 *
 * Conventions as in nn.h: channels-first, parameters and gradients in blocks
 * owned by the model, backward ACCUMULATES into dparams and dx (dx may be NULL),
 * no allocation in forward/backward (act and scratch are the caller's, sized by
 * the _size functions, in floats; any alignment works, 64 bytes is fastest).
 * Do not call forward/backward from inside an OpenMP parallel region; results
 * do not depend on the thread count.
 *
 * Parameter layout (floats, in this order; ts_s4_layout gives the offsets),
 * dirs = 2 if bidirectional else 1, Nh = N/2:
 *   log_dt   (H)              log step size, init U[log 1e-3, log 1e-1]
 *   log_A_re (H, Nh)          log(-Re A), init log(1/2)
 *   A_im     (H, Nh)          Im A, init the LegS eigenvalues' imaginary parts
 *   C        (dirs, H, Nh, 2) complex C as (re, im), init complex normal
 *                             (each part N(0, 1/2), as torch.randn(cfloat))
 *   D        (H)              skip, init N(0, 1)
 *   W        (H, H)           output linear (out, in), PyTorch default init
 *   bias     (H)              output linear bias, PyTorch default init
 *   ln_g     (H)              LayerNorm gain, init 1
 *   ln_b     (H)              LayerNorm shift, init 0
 * The reference keeps log_dt and A fixed (buffers) and trains C; S4D trains them
 * too at a lower rate. Gradients are computed for all; an optimiser can freeze
 * or slow the [log_dt, C) range. */
#ifndef TRACESYNTH_S4_H
#define TRACESYNTH_S4_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { TS_S4_CONV_AUTO = 0, TS_S4_CONV_FFT = 1, TS_S4_CONV_DIRECT = 2 } ts_s4_conv;

/* AUTO uses the FFT from this length on. Measured (B 16, H 128, one thread,
 * convolution forward + backward): L 16 direct 0.68 ms, FFT 0.72 ms; L 24
 * direct 1.41 ms, FFT 1.01 ms; L 200 direct 193 ms, FFT 5.6 ms. */
#define TS_S4_FFT_MIN_L 20

typedef struct {
    int H;               /* channels */
    int N;               /* state size, even (64 in SSSD); N/2 complex modes are kept */
    int L;               /* sequence length */
    int bidirectional;   /* 1: causal + anti-causal kernel (SSSD), 0: causal only */
    ts_s4_conv conv;     /* convolution path; AUTO chooses by L */
} ts_s4_config;

/* offsets (floats) of each parameter block, and the total */
typedef struct {
    size_t log_dt, log_A_re, A_im, C, D, W, bias, ln_g, ln_b;
    size_t total;
} ts_s4_layout;

/* a set-up layer: shapes, the chosen path and the FFT plans (no parameters) */
typedef struct {
    ts_s4_config c;
    int dirs;            /* 1 or 2 */
    int Nh;              /* N / 2 */
    int use_fft;         /* resolved convolution path */
    int M;               /* FFT size (>= 2L, 2^a 3^b 5^c); 0 on the direct path */
    int khat_stride;     /* floats per channel of a kernel spectrum: 2 M (all M complex
                            bins) rounded up to 64 bytes */
    int nthreads;        /* most OpenMP threads used: those set at ts_s4_init (the scratch
                            is sized for them; a count raised later runs on these) */
    ts_s4_layout p;
    void *plan_fwd, *plan_inv;   /* fftwf_plan: complex DFT of size M, forward and inverse */
} ts_s4;

void ts_s4_layout_of(const ts_s4_config *c, ts_s4_layout *out);
size_t ts_s4_num_params(const ts_s4_config *c);

/* checks the shapes, resolves the path, creates the FFT plans (FFTW_ESTIMATE:
 * deterministic). FFTW's planning takes a lock: layers may be set up and freed on
 * several threads at once (not on one layer). The convolution's per-thread buffers
 * are for the threads set now (ts_set_threads): set the count before, as the layer
 * never runs on more threads than that.
 * 0 / -1 + error. */
int  ts_s4_init(ts_s4 *s, const ts_s4_config *c);
void ts_s4_free(ts_s4 *s);

/* draws a fresh parameter block (ts_s4_num_params floats) from seed;
 * 0 / -1 + error (eigenvalue solver failure) */
int ts_s4_init_params(const ts_s4 *s, float *params, uint64_t seed);

/* the S4D-LegS modes for state size N: im (N/2) = Im A_n in ascending order
 * (Re A_n = -1/2 for all). 0 / -1 + error. */
int ts_s4_legs_eigs(int N, double *im);

/* Inference with fixed parameters (denoising steps): the kernel and its
 * spectra depend on the parameters only, so they can be made once per set of
 * parameters and reused by every forward pass (they cost ~10% of a forward).
 * cache: ts_s4_kernel_cache_size floats; ts_s4_kernel_cache fills it (scratch
 * as for forward); ts_s4_forward_cached gives the same bits as ts_s4_forward
 * with those parameters, but leaves act unfit for backward. Refill the cache
 * whenever the parameters change. */
size_t ts_s4_kernel_cache_size(const ts_s4 *s);
void ts_s4_kernel_cache(const ts_s4 *s, const float *params, float *cache, float *scratch);
void ts_s4_forward_cached(const ts_s4 *s, const float *params, const float *cache, const float *x,
                          int B, float *out, float *act, float *scratch);
/* the same where out is only read at positions [lo, hi): the output linear and
 * LayerNorm may run over those alone (the same bits there; elsewhere out holds
 * earlier values) */
void ts_s4_forward_cached_span(const ts_s4 *s, const float *params, const float *cache, const float *x,
                               int B, float *out, float *act, float *scratch, int lo, int hi);

/* floats of activation (written by forward, read by backward) and scratch */
size_t ts_s4_act_size(const ts_s4 *s, int B);
size_t ts_s4_scratch_size(const ts_s4 *s, int B);

/* out (B, H, L) from x (B, H, L); act keeps what backward needs. */
void ts_s4_forward(const ts_s4 *s, const float *params, const float *x, int B, float *out,
                   float *act, float *scratch);
/* dparams (num_params) += d loss / d params, dx (B, H, L) += d loss / d x (or
 * NULL), from dout (B, H, L); x and act as forward left them. */
void ts_s4_backward(const ts_s4 *s, const float *params, const float *x, int B,
                    const float *act, const float *dout, float *dparams, float *dx,
                    float *scratch);
/* the same with dx (not NULL) written, not accumulated: no zeroing pass before */
void ts_s4_backward_set(const ts_s4 *s, const float *params, const float *x, int B,
                        const float *act, const float *dout, float *dparams, float *dx,
                        float *scratch);

/* ---- the state-space core alone (kernel and convolution), for tests and
 * benchmarks; the layer above is these plus D, GELU, linear, residual, norm ---- */

/* K (dirs, H, L) from params */
void ts_s4_kernel(const ts_s4 *s, const float *params, float *K);
/* dparams (log_dt, log_A_re, A_im, C) += from dK (dirs, H, L) */
void ts_s4_kernel_backward(const ts_s4 *s, const float *params, const float *dK,
                           float *dparams);
/* floats of scratch the convolution needs (per-thread FFT buffers) */
size_t ts_s4_conv_scratch_size(const ts_s4 *s);
/* y (B, H, L) = K0 * x + K1 *' x + D . x; scratch: ts_s4_conv_scratch_size floats;
 * Khat (H, khat_stride) receives the kernel spectra (scaled by 1/M) on the FFT
 * path (else unused, may be NULL there) */
void ts_s4_conv_forward(const ts_s4 *s, const float *K, const float *D, const float *x, int B,
                        float *y, float *Khat, float *scratch);
/* ts_s4_kernel then ts_s4_conv_forward, with one parallel region fewer: on
 * the FFT path each channel's kernel and spectrum are made together */
void ts_s4_ssm_forward(const ts_s4 *s, const float *params, const float *x, int B, float *K,
                       float *Khat, float *y, float *scratch);
/* ts_s4_ssm_forward, then g = gelu(y) and d = gelu'(y) (the values of
 * ts_gelu_forward_deriv) in the pass that leaves the transform on the FFT
 * path; returns 1 when only y was computed, into d, and the GELU is still to
 * be applied by the caller (the direct path), else 0 */
int ts_s4_ssm_forward_gelu_deriv(const ts_s4 *s, const float *params, const float *x, int B,
                                 float *K, float *Khat, float *g, float *d, float *scratch);
/* y as ts_s4_ssm_forward from a cache filled by ts_s4_kernel_cache */
void ts_s4_ssm_forward_cached(const ts_s4 *s, const float *params, const float *cache,
                              const float *x, int B, float *y, float *scratch);
/* the same, then y = gelu(y) (the layer's activation) in the pass that
 * leaves the transform on the FFT path; returns 1 when the GELU is still to
 * be applied by the caller (the direct path), else 0 */
int ts_s4_ssm_forward_cached_gelu(const ts_s4 *s, const float *params, const float *cache,
                                  const float *x, int B, float *y, float *scratch);
/* the FFT path of ts_s4_ssm_forward_cached_gelu for the items b0 and b0 + 1
 * (when < B) only, every channel, on the calling thread (inside a parallel
 * region: each thread its own slot < nthreads of the convolution's scratch);
 * the same bits as the whole batch */
void ts_s4_fft_pair_gelu(const ts_s4 *s, const float *params, const float *cache, const float *x,
                         int B, int b0, float *y, float *scratch, int slot);
/* dK (dirs, H, L), dD (H), dx (B, H, L) or NULL: accumulated from dy */
void ts_s4_conv_backward(const ts_s4 *s, const float *K, const float *Khat, const float *D,
                         const float *x, const float *dy, int B, float *dK, float *dD,
                         float *dx, float *scratch);
/* the same from dy = dz * d element by element (a gradient through a kept
 * derivative, as ts_mul_backward_set forms it), each row pair's dy formed as
 * the pair is transformed, never stored; on the FFT path only: returns 1 and
 * does nothing on the direct path, else 0 */
int ts_s4_conv_backward_mul(const ts_s4 *s, const float *K, const float *Khat, const float *D,
                            const float *x, const float *dz, const float *d, int B, float *dK,
                            float *dD, float *dx, float *scratch);

#ifdef __cplusplus
}
#endif

#endif
