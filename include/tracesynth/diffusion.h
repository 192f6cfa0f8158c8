/* tracesynth — denoising diffusion (DDPM, DDIM) for ε-predicting networks.
 *
 * Schedule as SSSD's calc_diffusion_hyperparams: β_t linear from β_0 to β_{T-1}
 * (steps indexed 0..T-1), or CSDI's "quad": √β_t linear from √β_0 to √β_{T-1};
 * α_t = 1 − β_t, ᾱ_t = Π_{s<=t} α_s,
 * σ_t² = β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) for t >= 1, σ_0² = β_0.
 *
 * Conditional sampling (imputation): positions with mask 1 are observed; before
 * every denoising step they are reset to their observed values, as SSSD's
 * `sampling` with only_generate_missing, and once more at the end.
 * Every array here is flat: a batch of B samples of n values each. */
#ifndef TRACESYNTH_DIFFUSION_H
#define TRACESYNTH_DIFFUSION_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int     T;
    double *beta, *alpha, *alpha_bar, *sigma;   /* (T) each */
} ts_diffusion;

typedef enum { TS_BETA_LINEAR = 0, TS_BETA_QUAD = 1 } ts_beta_schedule;
/* "linear", "quad" */
const char *ts_beta_schedule_name(ts_beta_schedule s);

/* T >= 1, 0 < beta0 <= betaT < 1; 0 / -1 + error */
int  ts_diffusion_init_schedule(ts_diffusion *d, int T, double beta0, double betaT, ts_beta_schedule s);
/* the linear schedule */
int  ts_diffusion_init(ts_diffusion *d, int T, double beta0, double betaT);
void ts_diffusion_free(ts_diffusion *d);

/* forward process for B samples of n values, sample b at step t[b]:
 *   x_t = √ᾱ_t x0 + √(1−ᾱ_t) ε
 * mask (B*n, may be NULL): where 1, x_t = x0 and eps is set to 0 there, so the
 * observed values enter the network exactly as they do while sampling. */
void ts_diffusion_q_sample(const ts_diffusion *d, const float *x0, float *eps, const int *t,
                           const float *mask, size_t B, size_t n, float *xt);

/* x ← x·(1 − mask) + cond·mask over n values */
void ts_diffusion_hold(float *x, const float *cond, const float *mask, size_t n);

/* DDPM ancestral step t -> t−1 on n values given ε̂ and fresh N(0,1) noise z
 * (z ignored, may be NULL, at t = 0):
 *   x ← (x − (1−α_t)/√(1−ᾱ_t) ε̂) / √α_t + σ_t z */
void ts_ddpm_step(const ts_diffusion *d, int t, float *x, const float *eps, const float *z, size_t n);

/* DDIM (η = 0) step t -> t_prev < t (t_prev = −1: to x0, ᾱ = 1):
 *   x̂0 = (x − √(1−ᾱ_t) ε̂)/√ᾱ_t,  x ← √ᾱ_prev x̂0 + √(1−ᾱ_prev) ε̂ */
void ts_ddim_step(const ts_diffusion *d, int t, int t_prev, float *x, const float *eps, size_t n);

/* S sampling steps, descending, evenly spaced over [0, T) and ending at 0:
 * out[i] = floor((S−1−i)·(T−1)/(S−1)); S == T gives T−1, ..., 0. 1 <= S <= T. */
void ts_diffusion_steps(int T, int S, int *out);

/* ε-predictor for a whole batch at one step t: xt, eps are (total) values */
typedef int (*ts_eps_fn)(void *ctx, const float *xt, int t, float *eps);

/* Full reverse process over `total` values (the whole batch): x starts as N(0,1);
 * S == T runs DDPM, S < T runs DDIM over ts_diffusion_steps(T, S). The values are
 * `rows` equal rows (the batch's windows), row r's noise drawn from rngs[r] alone,
 * so that a window's sample does not depend on the others in its batch.
 * cond/mask (total, may both be NULL): observed values held as described above.
 * scratch: 2*total floats. progress may be NULL. 0 / -1 (the predictor's error, or a
 * step that left a value not finite). */
int ts_diffusion_sample(const ts_diffusion *d, ts_eps_fn fn, void *ctx, size_t total, int S,
                        const float *cond, const float *mask, ts_rng *rngs, size_t rows, float *x,
                        float *scratch, ts_progress *progress);

#ifdef __cplusplus
}
#endif

#endif
