/* DDPM / DDIM schedule, forward process and reverse steps (see diffusion.h). */
#include "tracesynth/diffusion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ts_beta_schedule_name(ts_beta_schedule s) { return s == TS_BETA_QUAD ? "quad" : "linear"; }

int ts_diffusion_init(ts_diffusion *d, int T, double beta0, double betaT)
{
    return ts_diffusion_init_schedule(d, T, beta0, betaT, TS_BETA_LINEAR);
}

int ts_diffusion_init_schedule(ts_diffusion *d, int T, double beta0, double betaT, ts_beta_schedule s)
{
    memset(d, 0, sizeof *d);
    if (T < 1 || T > 100000) return ts_fail("diffusion steps T = %d out of range [1, 100000]", T);
    if (!(beta0 > 0 && beta0 <= betaT && betaT < 1))
        return ts_fail("diffusion schedule beta %g -> %g: need 0 < beta0 <= betaT < 1", beta0, betaT);
    d->T = T;
    d->beta = ts_malloc(4 * (size_t)T * sizeof(double));
    d->alpha = d->beta + T;
    d->alpha_bar = d->alpha + T;
    d->sigma = d->alpha_bar + T;
    for (int t = 0; t < T; t++) {
        if (s == TS_BETA_QUAD) {   /* numpy's linspace of the square roots, squared */
            const double r0 = sqrt(beta0), rT = sqrt(betaT);
            const double r = T == 1 ? r0 : t == T - 1 ? rT : r0 + (rT - r0) / (T - 1) * t;
            d->beta[t] = r * r;
        } else {
            d->beta[t] = T == 1 ? beta0 : beta0 + (betaT - beta0) * t / (T - 1);
        }
        d->alpha[t] = 1.0 - d->beta[t];
        d->alpha_bar[t] = d->alpha[t] * (t ? d->alpha_bar[t - 1] : 1.0);
        double bt = d->beta[t];
        if (t) bt *= (1.0 - d->alpha_bar[t - 1]) / (1.0 - d->alpha_bar[t]);
        d->sigma[t] = sqrt(bt);
    }
    return 0;
}

void ts_diffusion_free(ts_diffusion *d)
{
    free(d->beta);
    memset(d, 0, sizeof *d);
}

void ts_diffusion_q_sample(const ts_diffusion *d, const float *x0, float *eps, const int *t,
                           const float *mask, size_t B, size_t n, float *xt)
{
    for (size_t b = 0; b < B; b++) {
        const float a = (float)sqrt(d->alpha_bar[t[b]]);
        const float s = (float)sqrt(1.0 - d->alpha_bar[t[b]]);
        const float *x = x0 + b * n;
        float *e = eps + b * n, *y = xt + b * n;
        const float *m = mask ? mask + b * n : NULL;
        for (size_t i = 0; i < n; i++) {
            if (m && m[i] != 0.0f) { e[i] = 0.0f; y[i] = x[i]; }
            else y[i] = a * x[i] + s * e[i];
        }
    }
}

void ts_diffusion_hold(float *x, const float *cond, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] = x[i] * (1.0f - mask[i]) + cond[i] * mask[i];
}

void ts_ddpm_step(const ts_diffusion *d, int t, float *x, const float *eps, const float *z, size_t n)
{
    const float c = (float)((1.0 - d->alpha[t]) / sqrt(1.0 - d->alpha_bar[t]));
    const float inv = (float)(1.0 / sqrt(d->alpha[t]));
    const float sg = (float)d->sigma[t];
    for (size_t i = 0; i < n; i++) {
        float v = (x[i] - c * eps[i]) * inv;
        if (t > 0) v += sg * z[i];
        x[i] = v;
    }
}

void ts_ddim_step(const ts_diffusion *d, int t, int t_prev, float *x, const float *eps, size_t n)
{
    /* √ᾱ_prev x̂0 = √(ᾱ_prev/ᾱ_t) (x − √(1−ᾱ_t) ε̂), the ratio as 1/√(α_{t_prev+1} ··· α_t) in
     * double: on a steep schedule (β_T near 1) ᾱ_t falls far below float's range, where
     * 1/√ᾱ_t alone overflows, √ᾱ_prev underflows and their product in float was NaN */
    double r = 1.0;
    if (t_prev >= t) r = d->alpha_bar[t] / d->alpha_bar[t_prev];   /* not a step down: the plain ratio */
    for (int s = t_prev + 1; s <= t; s++) r *= d->alpha[s];
    const double k = 1.0 / sqrt(r), abp = t_prev >= 0 ? d->alpha_bar[t_prev] : 1.0;
    const double s = sqrt(1.0 - d->alpha_bar[t]), s1 = sqrt(1.0 - abp);
    for (size_t i = 0; i < n; i++) x[i] = (float)(k * ((double)x[i] - s * eps[i]) + s1 * eps[i]);
}

void ts_diffusion_steps(int T, int S, int *out)
{
    if (S >= T) { for (int i = 0; i < T; i++) out[i] = T - 1 - i; return; }
    if (S <= 1) { out[0] = T - 1; return; }
    for (int i = 0; i < S; i++) out[i] = (int)(((long)(S - 1 - i) * (T - 1)) / (S - 1));
}

/* n values of N(0, 1): `rows` equal rows, row r from rngs[r] */
static void draw_rows(ts_rng *rngs, size_t rows, float *z, size_t n)
{
    const size_t per = n / rows;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < per; i++) z[r * per + i] = ts_rng_normal(&rngs[r]);
}

int ts_diffusion_sample(const ts_diffusion *d, ts_eps_fn fn, void *ctx, size_t total, int S,
                        const float *cond, const float *mask, ts_rng *rngs, size_t rows, float *x,
                        float *scratch, ts_progress *progress)
{
    if (rows == 0 || total % rows) return ts_fail("diffusion: %zu values are not %zu equal rows", total, rows);
    if (S <= 0 || S > d->T) S = d->T;
    int *steps = ts_malloc((size_t)S * sizeof(int));
    ts_diffusion_steps(d->T, S, steps);
    float *eps = scratch, *z = scratch + total;
    draw_rows(rngs, rows, x, total);
    int rc = 0;
    for (int i = 0; i < S; i++) {
        int t = steps[i];
        if (mask) ts_diffusion_hold(x, cond, mask, total);
        if (fn(ctx, x, t, eps) != 0) { rc = -1; break; }
        const int t_prev = i + 1 < S ? steps[i + 1] : -1;
        if (S == d->T) {
            if (t > 0) draw_rows(rngs, rows, z, total);
            ts_ddpm_step(d, t, x, eps, z, total);
        } else {
            ts_ddim_step(d, t, t_prev, x, eps, total);
        }
        /* a value past float's range (DDIM from a step whose ᾱ underflowed to 0, where x̂0
         * is 0/0; or a diverging chain) would come out as some clamped ID, or NaN as ID 0,
         * and a NaN input is hidden by the network's ReLU: an error instead */
        size_t bad = 0;
        while (bad < total && isfinite(x[bad])) bad++;
        if (bad < total) {
            if (S < d->T)
                rc = ts_fail("option --steps: %d: the DDIM step %d -> %d left a value that is not finite "
                             "(alpha_bar %g there: too steep a schedule for DDIM; --steps %d runs DDPM)", S, t,
                             t_prev, d->alpha_bar[t], d->T);
            else
                rc = ts_fail("diffusion: the sample is not finite after step %d (alpha_bar %g)", t,
                             d->alpha_bar[t]);
            break;
        }
        if (progress) ts_progress_update(progress, i + 1, NULL);
    }
    if (rc == 0 && mask) ts_diffusion_hold(x, cond, mask, total);
    free(steps);
    return rc;
}
