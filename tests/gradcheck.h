/* What the layer tests share: random and zero arrays, a double dot product, and the
 * gradient check against central finite differences; and the loss of the training loop's
 * tests (test_train, fuzz_ckpt), a least-squares network with its gradients. */
#ifndef TS_TEST_GRADCHECK_H
#define TS_TEST_GRADCHECK_H

#include "tracesynth/common.h"

#include <math.h>
#include <stdint.h>
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
