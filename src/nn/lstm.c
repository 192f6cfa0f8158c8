/* LSTM over a whole sequence batch (nn.LSTM, one layer, batch_first, gate order
 * i, f, g, o, the two biases summed): the input projection of every step in one
 * GEMM, one recurrent GEMM per step, and backpropagation through time.
 * Each (item, unit) is independent within a step, so any thread count gives the
 * same bits. */
#include "tracesynth/nn.h"

#include <math.h>
#include <string.h>

/* below this many floats a step's parallel region costs more than it saves */
#define PAR_MIN 16384

static inline float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

size_t ts_lstm_act_size(int B, int T, int H) { return (size_t)B * T * 5 * H; }

size_t ts_lstm_scratch_size(int B, int T, int H) { return (size_t)B * T * 5 * H + 2 * (size_t)B * H; }

/* step t's cell update over the batch: act's pre-activations of step t (rows of ld
 * T*4H) become gate values, c and h of step t written */
static void step_cells(float *out, float *act, const float *c0, int B, int T, int H, int t)
{
    const size_t G = 4 * (size_t)H;
    float *cs = act + (size_t)B * T * G;
    #pragma omp parallel for schedule(static) if ((size_t)B * G > PAR_MIN)
    for (int b = 0; b < B; b++) {
        float *g = act + ((size_t)b * T + t) * G;
        float *c = cs + ((size_t)b * T + t) * H, *h = out + ((size_t)b * T + t) * H;
        const float *cp = t ? c - H : c0 ? c0 + (size_t)b * H : NULL;
        for (int j = 0; j < H; j++) {
            const float ig = sigm(g[j]), fg = sigm(g[H + j]), gg = tanhf(g[2 * H + j]), og = sigm(g[3 * H + j]);
            g[j] = ig, g[H + j] = fg, g[2 * H + j] = gg, g[3 * H + j] = og;
            c[j] = (cp ? fg * cp[j] : 0.0f) + ig * gg;
            h[j] = og * tanhf(c[j]);
        }
    }
}

void ts_lstm_forward(float *out, float *act, const float *x, const float *h0, const float *c0, const float *w_ih,
                     const float *w_hh, const float *b, int B, int T, int D, int H)
{
    const int G = 4 * H;
    const size_t BT = (size_t)B * T;
    /* pre (B T, 4H) = x w_ih^T + b: every step's input projection at once */
    if (b)
        for (size_t n = 0; n < BT; n++) memcpy(act + n * G, b, (size_t)G * sizeof(float));
    ts_sgemm(0, 1, (int)BT, G, D, 1.0f, x, D, w_ih, D, b ? 1.0f : 0.0f, act, G);
    for (int t = 0; t < T; t++) {
        /* pre_t (B, 4H) += h_{t-1} w_hh^T; h_{t-1} rows are out's step t-1 (ld T H) or h0 */
        const float *hp = t ? out + (size_t)(t - 1) * H : h0;
        if (hp) ts_sgemm(0, 1, B, G, H, 1.0f, hp, t ? T * H : H, w_hh, H, 1.0f, act + (size_t)t * G, T * G);
        step_cells(out, act, c0, B, T, H, t);
    }
}

void ts_lstm_state(float *hn, float *cn, const float *out, const float *act, int B, int T, int H)
{
    const float *cs = act + (size_t)B * T * 4 * H;
    for (int b = 0; b < B; b++) {
        const size_t last = ((size_t)b * T + T - 1) * H;
        if (hn) memcpy(hn + (size_t)b * H, out + last, (size_t)H * sizeof(float));
        if (cn) memcpy(cn + (size_t)b * H, cs + last, (size_t)H * sizeof(float));
    }
}

void ts_lstm_backward(float *dx, float *dw_ih, float *dw_hh, float *db, const float *dout, const float *x,
                      const float *h0, const float *c0, const float *out, const float *act, const float *w_ih,
                      const float *w_hh, int B, int T, int D, int H, float *scratch)
{
    const int G = 4 * H;
    const size_t BT = (size_t)B * T;
    const float *cs = act + BT * G;
    float *dpre = scratch, *hprev = dpre + BT * G, *dhn = hprev + BT * H, *dcn = dhn + (size_t)B * H;
    memset(dhn, 0, 2 * (size_t)B * H * sizeof(float));
    for (int t = T - 1; t >= 0; t--) {
        #pragma omp parallel for schedule(static) if ((size_t)B * G > PAR_MIN)
        for (int b = 0; b < B; b++) {
            const size_t r = (size_t)b * T + t;
            const float *g = act + r * G, *c = cs + r * H, *dh_out = dout + r * H;
            const float *cp = t ? c - H : c0 ? c0 + (size_t)b * H : NULL;
            float *dp = dpre + r * G, *dh = dhn + (size_t)b * H, *dc = dcn + (size_t)b * H;
            for (int j = 0; j < H; j++) {
                const float ig = g[j], fg = g[H + j], gg = g[2 * H + j], og = g[3 * H + j];
                const float tc = tanhf(c[j]), h_ = dh_out[j] + dh[j];
                const float dcj = dc[j] + h_ * og * (1.0f - tc * tc);
                const float cpj = cp ? cp[j] : 0.0f;
                dp[j] = dcj * gg * ig * (1.0f - ig);
                dp[H + j] = dcj * cpj * fg * (1.0f - fg);
                dp[2 * H + j] = dcj * ig * (1.0f - gg * gg);
                dp[3 * H + j] = h_ * tc * og * (1.0f - og);
                dc[j] = dcj * fg;
            }
        }
        /* dh_{t-1} (B, H) = dpre_t (B, 4H) . w_hh (4H, H); h0's gradient is not kept */
        if (t) ts_sgemm(0, 0, B, H, G, 1.0f, dpre + (size_t)t * G, T * G, w_hh, H, 0.0f, dhn, H);
    }
    /* h_{t-1} of every step (B, T, H), zeros where there is none, for one weight product */
    for (int b = 0; b < B; b++) {
        float *hp = hprev + (size_t)b * T * H;
        if (h0) memcpy(hp, h0 + (size_t)b * H, (size_t)H * sizeof(float));
        else memset(hp, 0, (size_t)H * sizeof(float));
        if (T > 1) memcpy(hp + H, out + (size_t)b * T * H, (size_t)(T - 1) * H * sizeof(float));
    }
    if (db)   /* rows in order: the same sum for any thread count */
        for (size_t n = 0; n < BT; n++) {
            const float *d = dpre + n * G;
            for (int k = 0; k < G; k++) db[k] += d[k];
        }
    /* dw_ih (4H, D) += dpre^T x; dw_hh (4H, H) += dpre^T hprev; dx (B T, D) += dpre w_ih */
    ts_sgemm(1, 0, G, D, (int)BT, 1.0f, dpre, G, x, D, 1.0f, dw_ih, D);
    ts_sgemm(1, 0, G, H, (int)BT, 1.0f, dpre, G, hprev, H, 1.0f, dw_hh, H);
    if (dx) ts_sgemm(0, 0, (int)BT, D, G, 1.0f, dpre, G, w_ih, D, 1.0f, dx, D);
}
