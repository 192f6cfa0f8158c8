/* Seeded parameter initialisation with PyTorch's formulas (the streams differ
 * from PyTorch's, the distributions match). */
#include "tracesynth/nn.h"

#include <math.h>

void ts_init_normal(float *w, size_t n, float mean, float std, ts_rng *r)
{
    for (size_t i = 0; i < n; i++) w[i] = mean + std * ts_rng_normal(r);
}

void ts_init_uniform(float *w, size_t n, float lo, float hi, ts_rng *r)
{
    for (size_t i = 0; i < n; i++) w[i] = lo + (hi - lo) * (float)ts_rng_uniform(r);
}

void ts_init_kaiming_normal(float *w, size_t n, int fan_in, ts_rng *r)
{
    ts_init_normal(w, n, 0.0f, sqrtf(2.0f / (float)fan_in), r);
}

void ts_init_kaiming_uniform(float *w, size_t n, int fan_in, ts_rng *r)
{
    float bound = sqrtf(6.0f / (float)fan_in);
    ts_init_uniform(w, n, -bound, bound, r);
}

void ts_init_torch_default(float *w, size_t n, int fan_in, ts_rng *r)
{
    /* gain sqrt(2 / (1 + a^2)) with a = sqrt(5): bound = sqrt(3) * gain / sqrt(fan_in) */
    float bound = 1.0f / sqrtf((float)fan_in);
    ts_init_uniform(w, n, -bound, bound, r);
}

void ts_linear_init(float *w, float *b, int In, int Out, ts_rng *r)
{
    ts_init_torch_default(w, (size_t)Out * In, In, r);
    if (b) ts_init_torch_default(b, (size_t)Out, In, r);
}

void ts_conv1d_wn_init(float *v, float *g, float *b, int Cin, int Cout, int K, ts_wn_init how,
                       ts_rng *r)
{
    int fan_in = Cin * K;
    size_t n = (size_t)Cin * K;
    if (how == TS_WN_KAIMING_NORMAL) ts_init_kaiming_normal(v, (size_t)Cout * n, fan_in, r);
    else ts_init_torch_default(v, (size_t)Cout * n, fan_in, r);
    if (b) ts_init_torch_default(b, (size_t)Cout, fan_in, r);
    for (int o = 0; o < Cout; o++) {
        double s = 0;
        for (size_t i = 0; i < n; i++) s += (double)v[o * n + i] * v[o * n + i];
        g[o] = (float)sqrt(s);
    }
}
