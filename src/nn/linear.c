/* Linear (GEMM) and Embedding (row gather / scatter). */
#include "tracesynth/nn.h"

#include <string.h>

void ts_linear_forward(float *out, const float *x, const float *w, const float *b,
                       int N, int In, int Out)
{
    if (b)
        for (int n = 0; n < N; n++) memcpy(out + (size_t)n * Out, b, (size_t)Out * sizeof(float));
    /* out (N x Out) = x (N x In) . w^T (In x Out) */
    ts_sgemm(0, 1, N, Out, In, 1.0f, x, In, w, In,
                b ? 1.0f : 0.0f, out, Out);
}

void ts_linear_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int N, int In, int Out)
{
    if (db)   /* rows in order: the same sum for any thread count */
        for (int n = 0; n < N; n++) {
            const float *g = dout + (size_t)n * Out;
            for (int o = 0; o < Out; o++) db[o] += g[o];
        }
    /* dw (Out x In) += dout^T (Out x N) . x (N x In) */
    ts_sgemm(1, 0, Out, In, N, 1.0f, dout, Out, x, In, 1.0f,
                dw, In);
    /* dx (N x In) += dout (N x Out) . w (Out x In) */
    if (dx)
        ts_sgemm(0, 0, N, In, Out, 1.0f, dout, Out, w, In,
                    1.0f, dx, In);
}

void ts_embedding_forward(float *out, const int32_t *ids, const float *table, int N, int D)
{
    for (int n = 0; n < N; n++)
        memcpy(out + (size_t)n * D, table + (size_t)ids[n] * D, (size_t)D * sizeof(float));
}

void ts_embedding_backward(float *dtable, const float *dout, const int32_t *ids, int N, int D)
{
    /* serial over n: repeated ids add up in one fixed order */
    for (int n = 0; n < N; n++) {
        float *t = dtable + (size_t)ids[n] * D;
        const float *g = dout + (size_t)n * D;
        for (int d = 0; d < D; d++) t[d] += g[d];
    }
}
