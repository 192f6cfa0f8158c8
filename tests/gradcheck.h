/* What the layer tests share: random and zero arrays, a double dot product, and the
 * gradient check against central finite differences; the whole networks' gradient check
 * (test_sssd, test_sashimi); and the loss of the training loop's tests (test_train,
 * fuzz_ckpt), a least-squares network with its gradients. */
#ifndef TS_TEST_GRADCHECK_H
#define TS_TEST_GRADCHECK_H

#include "tracesynth/common.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n normal draws times scale from r (a one-float block for n = 0) */
static inline float *randv_from(ts_rng *r, size_t n, float scale)
{
    float *p = malloc((n ? n : 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) p[i] = scale * ts_rng_normal(r);
    return p;
}
static inline float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

static inline double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* g (analytic) against central differences of f, each element of p moved by +-h in
 * turn: the worst |num - ana| / (1 + |ana|). The step is the one float actually moved
 * (up - dn), not 2h; infinite where either side is NaN, which no tolerance takes. With
 * nonzero, the count of g's nonzero elements (a check over a gradient of zeros would prove
 * nothing). */
typedef double (*loss_fn)(void);
static inline double fd_worst(loss_fn f, float *p, const float *g, size_t n, float h, size_t *nonzero)
{
    double worst = 0;
    size_t nz = 0;
    for (size_t i = 0; i < n; i++) {
        float old = p[i];
        float up = old + h, dn = old - h;
        p[i] = up;
        double lp = f();
        p[i] = dn;
        double lm = f();
        p[i] = old;
        double num = (lp - lm) / ((double)up - dn);
        double err = fabs(num - g[i]) / (1.0 + fabs(g[i]));
        if (isnan(err)) worst = INFINITY;
        else if (err > worst) worst = err;
        nz += g[i] != 0;
    }
    if (nonzero) *nonzero = nz;
    return worst;
}

/* a whole network's loss, f(ctx), of the parameters it reads */
typedef double (*net_loss_fn)(void *ctx);

/* keeps the inputs pre0 and pre1 (B, C, L) of a network's two ReLUs, made by f(ctx),
 * 0.02 or more from the kink, where a central difference measures a jump rather than
 * the derivative: a channel's bias (b0, b1) moved by 0.05 while some input is nearer,
 * for at most 20 rounds */
static inline void relu_kinks_avoided(net_loss_fn f, void *ctx, const float *pre0, const float *pre1, float *b0,
                                      float *b1, int B, int C, int L)
{
    for (int round = 0; round < 20; round++) {
        f(ctx);
        int moved = 0;
        for (int ch = 0; ch < C; ch++) {
            double m0 = 1e9, m1 = 1e9;
            for (int i = 0; i < B * L; i++) {
                size_t k = ((size_t)(i / L) * C + ch) * L + i % L;
                m0 = fmin(m0, fabs(pre0[k]));
                m1 = fmin(m1, fabs(pre1[k]));
            }
            if (m0 < 0.02) { b0[ch] += 0.05f; moved = 1; }
            if (m1 < 0.02) { b1[ch] += 0.05f; moved = 1; }
        }
        if (!moved) break;
    }
}

/* what params_fd found: parameters off (printed to stderr), the worst relative error
 * and its parameter, the nonzero analytic gradients, their largest magnitude */
typedef struct { size_t bad, worst_i, nonzero; double worst, gmax; } fd_report;

/* central differences of f(ctx) on each of the n parameters p of a network (float32
 * forward), each moved by +-1e-3 max(1, |p|), against the analytic gradient g: the error
 * relative to |num| + |ana| + 1e-2 max |g|, off over 5e-2 */
static inline fd_report params_fd(net_loss_fn f, void *ctx, float *p, const float *g, size_t n)
{
    fd_report r = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) r.gmax = fmax(r.gmax, fabs(g[i]));
    for (size_t i = 0; i < n; i++) {
        float keep = p[i];
        float h = 1e-3f * fmaxf(1.0f, fabsf(keep));
        p[i] = keep + h;
        double lp = f(ctx);
        p[i] = keep - h;
        double lm = f(ctx);
        p[i] = keep;
        double fd = (lp - lm) / (2.0 * h), an = g[i];
        double err = fabs(fd - an) / (fabs(fd) + fabs(an) + 1e-2 * r.gmax);
        r.nonzero += an != 0;
        if (err > r.worst) { r.worst = err; r.worst_i = i; }
        if (err > 5e-2) {
            r.bad++;
            fprintf(stderr, "    param %zu: analytic %g, numeric %g\n", i, an, fd);
        }
    }
    return r;
}

/* the training loop's tests' network, y = p[0..2] . x + p[3] on n rows of x and y: the
 * mean squared error of 4 rows drawn from rng, each target moved by z, its gradients
 * added into g (4) */
static inline double lsq_batch_loss(const float *p, float *g, float (*x)[3], const float *y, int n, float z,
                                    ts_rng *rng)
{
    double l = 0;
    for (int b = 0; b < 4; b++) {
        int i = (int)ts_rng_below(rng, (uint64_t)n);
        float e = p[0] * x[i][0] + p[1] * x[i][1] + p[2] * x[i][2] + p[3] - y[i] + z;
        l += e * e / 4;
        for (int j = 0; j < 3; j++) g[j] += e * x[i][j] / 2;
        g[3] += e / 2;
    }
    return l;
}

/* and its mean squared error over all n rows */
static inline double lsq_mse(const float *p, float (*x)[3], const float *y, int n)
{
    double l = 0;
    for (int i = 0; i < n; i++) {
        double e = p[0] * x[i][0] + p[1] * x[i][1] + p[2] * x[i][2] + p[3] - y[i];
        l += e * e / n;
    }
    return l;
}

/* the check at the includer's step H */
#define GRAD_OK(name, f, p, g, n, tol) do { double _w = fd_worst(f, p, g, n, H, NULL); \
    CHECK_MSG(_w <= (tol), "%s: worst gradient error %.3g > %g", name, _w, (double)(tol)); } while (0)

#endif
