/* Losses: masked mean squared error and softmax cross-entropy. Sums run in
 * double, in a fixed order (rows in fixed chunks), so the loss does not depend
 * on the thread count. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")   /* vectorises v_exp, see act.c */
#endif
#include "tracesynth/nn.h"

#include <math.h>

#include "vmath.h"

float ts_mse_forward(const float *pred, const float *target, const uint8_t *mask, size_t n)
{
    double s = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) continue;
        double d = (double)pred[i] - target[i];
        s += d * d;
        cnt++;
    }
    return cnt ? (float)(s / cnt) : 0.0f;
}

void ts_mse_backward(float *dpred, const float *pred, const float *target, const uint8_t *mask,
                     size_t n, float dloss)
{
    size_t cnt = 0;
    if (mask) {
        for (size_t i = 0; i < n; i++) cnt += mask[i] != 0;
    } else {
        cnt = n;
    }
    if (!cnt) return;
    float k = 2.0f * dloss / (float)cnt;
    for (size_t i = 0; i < n; i++)
        if (!mask || mask[i]) dpred[i] += k * (pred[i] - target[i]);
}

#define XENT_CHUNKS 64

float ts_xent_forward(float *probs, const float *logits, const int32_t *targets, int N, int V)
{
    double part[XENT_CHUNKS] = {0};
    int per = (N + XENT_CHUNKS - 1) / XENT_CHUNKS;
    if (per < 1) per = 1;
    #pragma omp parallel for schedule(static) if ((size_t)N * V > 65536)
    for (int ch = 0; ch < XENT_CHUNKS; ch++) {
        double s = 0;
        int lo = ch * per, hi = lo + per < N ? lo + per : N;
        for (int n = lo; n < hi; n++) {
            const float *z = logits + (size_t)n * V;
            float *p = probs + (size_t)n * V;
            float zt = targets[n] >= 0 ? z[targets[n]] : 0.0f;   /* p may overwrite z */
            float mx = z[0];
            for (int v = 1; v < V; v++) mx = z[v] > mx ? z[v] : mx;
            #pragma omp simd
            for (int v = 0; v < V; v++) p[v] = v_exp(z[v] - mx);
            double sum = 0;
            for (int v = 0; v < V; v++) sum += p[v];
            if (targets[n] >= 0) s += mx + log(sum) - zt;
            float inv = (float)(1.0 / sum);
            #pragma omp simd
            for (int v = 0; v < V; v++) p[v] *= inv;
        }
        part[ch] = s;
    }
    double tot = 0;
    for (int ch = 0; ch < XENT_CHUNKS; ch++) tot += part[ch];
    int cnt = 0;
    for (int n = 0; n < N; n++) cnt += targets[n] >= 0;
    return cnt ? (float)(tot / cnt) : 0.0f;
}

void ts_xent_backward(float *dlogits, const float *probs, const int32_t *targets, int N, int V,
                      float dloss)
{
    int cnt = 0;
    for (int n = 0; n < N; n++) cnt += targets[n] >= 0;
    if (!cnt) return;
    float k = dloss / (float)cnt;
    #pragma omp parallel for schedule(static) if ((size_t)N * V > 65536)
    for (int n = 0; n < N; n++) {
        if (targets[n] < 0) continue;
        const float *p = probs + (size_t)n * V;
        float *d = dlogits + (size_t)n * V;
        for (int v = 0; v < V; v++) d[v] += k * p[v];
        d[targets[n]] -= k;
    }
}
