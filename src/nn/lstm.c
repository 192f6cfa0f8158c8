/* LSTM over a whole sequence batch (nn.LSTM, one layer, batch_first, gate order
 * i, f, g, o, the two biases summed): the input projection of every step in one
 * GEMM, one recurrent GEMM per step (and group of items), and backpropagation through
 * time.
 * Each (item, unit) is independent within a step, so any thread count gives the
 * same bits. The gates' sigmoid and tanh are vmath.h's vectorised ones (libm's
 * scalar tanhf and expf were most of a step's time at inference). */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the loops (as act.c) */
#pragma GCC optimize("no-trapping-math")
#endif
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "vmath.h"

size_t ts_lstm_act_size(int B, int T, int H) { return (size_t)B * T * 5 * H; }

size_t ts_lstm_scratch_size(int B, int T, int H) { return (size_t)B * T * 5 * H + 2 * (size_t)B * H; }

/* one item's cell update over its H units: g (4H) pre-activations become gate values,
 * c and h (H) written from cp (H), the previous c, or zeros (cp NULL) */
TS_CLONES static void cells_k(float *g, float *c, float *h, const float *cp, int H)
{
    float *gi = g, *gf = g + H, *gg = g + 2 * H, *go = g + 3 * H;
    /* one unit j with the previous c CP; the two loops let both vectorise */
#define CELL(CP)                                                                 \
    do {                                                                         \
        const float ig = v_sigmoid(gi[j]), fg = v_sigmoid(gf[j]);                \
        const float tg = v_tanh(gg[j]), og = v_sigmoid(go[j]);                   \
        gi[j] = ig, gf[j] = fg, gg[j] = tg, go[j] = og;                          \
        c[j] = fg * (CP) + ig * tg;                                              \
        h[j] = og * v_tanh(c[j]);                                                \
    } while (0)
    if (cp) {
        #pragma omp simd
        for (int j = 0; j < H; j++) CELL(cp[j]);
    } else {
        #pragma omp simd
        for (int j = 0; j < H; j++) CELL(0.0f);
    }
#undef CELL
}

/* one item's step of backpropagation through the cell: dp (4H) the pre-activations'
 * gradients, dc (H) carried to the step before; dh (H) the gradient of h from the step
 * after, dh_out (H) from the output; g (4H) gate values, c (H), cp (H) or NULL as
 * cells_k left them */
TS_CLONES static void cells_bwd_k(float *dp, const float *dh, float *dc, const float *g, const float *c,
                                  const float *cp, const float *dh_out, int H)
{
    const float *gi = g, *gf = g + H, *gg = g + 2 * H, *go = g + 3 * H;
    float *di = dp, *df = dp + H, *dg = dp + 2 * H, *dq = dp + 3 * H;
    /* one unit j with the previous c CP; the two loops let both vectorise */
#define CELL_BWD(CP)                                                             \
    do {                                                                         \
        const float ig = gi[j], fg = gf[j], tg = gg[j], og = go[j];              \
        const float tc = v_tanh(c[j]), h_ = dh_out[j] + dh[j];                   \
        const float dcj = dc[j] + h_ * og * (1.0f - tc * tc);                    \
        di[j] = dcj * tg * ig * (1.0f - ig);                                     \
        df[j] = dcj * (CP) * fg * (1.0f - fg);                                   \
        dg[j] = dcj * ig * (1.0f - tg * tg);                                     \
        dq[j] = h_ * tc * og * (1.0f - og);                                      \
        dc[j] = dcj * fg;                                                        \
    } while (0)
    if (cp) {
        #pragma omp simd
        for (int j = 0; j < H; j++) CELL_BWD(cp[j]);
    } else {
        #pragma omp simd
        for (int j = 0; j < H; j++) CELL_BWD(0.0f);
    }
#undef CELL_BWD
}

/* items one recurrent product covers: the batch is cut into groups of this many (the
 * last one shorter), each taken through all T steps by one thread: one parallel region
 * a layer instead of one a step (the per-step product at batch 32 was too small to split,
 * so the recurrence ran on one thread). The groups depend on B alone, never on the
 * threads, so neither do the bits; 16 is the row tile of OpenBLAS's SkylakeX-family
 * kernels, under which two groups of 16 give the bits of one product of 32 (gemm.c). */
#define GROUP 16
/* multiply-adds of a step's recurrent product (B x 4H x H) below which one thread takes
 * the whole batch: the steps are too short for a second thread to pay */
#define PAR_MIN (1 << 18)

/* items b0 .. b1-1 of (B, T) through steps 0 .. T-1, their input projections already in
 * act; the seconds of the cell updates added to *cells (NULL: not timed) */
static void run_group(float *out, float *act, const float *h0, const float *c0, const float *w_hh, int B, int T,
                      int H, int b0, int b1, double *cells)
{
    const size_t G = 4 * (size_t)H;
    float *cs = act + (size_t)B * T * G;
    for (int t = 0; t < T; t++) {
        /* pre_t (n, 4H) += h_{t-1} w_hh^T; h_{t-1} rows are out's step t-1 (ld T H) or h0 */
        const float *hp = t ? out + ((size_t)b0 * T + t - 1) * H : h0 ? h0 + (size_t)b0 * H : NULL;
        if (hp)
            ts_gemm_1t(0, 1, b1 - b0, (int)G, H, 1.0f, hp, t ? T * H : H, w_hh, H, 1.0f,
                       act + ((size_t)b0 * T + t) * G, T * (int)G);
        const double a = cells ? ts_now() : 0;
        for (int b = b0; b < b1; b++) {
            float *c = cs + ((size_t)b * T + t) * H;
            cells_k(act + ((size_t)b * T + t) * G, c, out + ((size_t)b * T + t) * H,
                    t ? c - H : c0 ? c0 + (size_t)b * H : NULL, H);
        }
        if (cells) *cells += ts_now() - a;
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
    /* the recurrence, a group of items a thread; the profile counts it as GEMM less the
     * master thread's cell updates */
    const int ng = (B + GROUP - 1) / GROUP, prof = ts_prof_on && !omp_in_parallel();
    double cells = 0;
    TS_PROF_FLOPS(2.0 * B * G * H * (T - (h0 ? 0 : 1)));
    TS_PROF_PUSH(TS_PROF_GEMM);
    #pragma omp parallel for schedule(static) if (ng > 1 && (double)B * G * H >= PAR_MIN && ts_parallel_ok())
    for (int g = 0; g < ng; g++)
        run_group(out, act, h0, c0, w_hh, B, T, H, g * GROUP, g + 1 < ng ? (g + 1) * GROUP : B,
                  prof && omp_get_thread_num() == 0 ? &cells : NULL);
    if (prof) ts_prof_take(TS_PROF_GEMM, cells);
    TS_PROF_POP();
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

/* items b0 .. b1-1 of (B, T) back from step T-1 to 0: dpre's rows of theirs, and dhn,
 * dcn (B, H) the gradients carried to the step before; the seconds of the cell updates
 * added to *cells (NULL: not timed) */
static void back_group(float *dpre, float *dhn, float *dcn, const float *dout, const float *c0, const float *act,
                       const float *w_hh, int B, int T, int H, int b0, int b1, double *cells)
{
    const size_t G = 4 * (size_t)H;
    const float *cs = act + (size_t)B * T * G;
    for (int t = T - 1; t >= 0; t--) {
        const double a = cells ? ts_now() : 0;
        for (int b = b0; b < b1; b++) {
            const size_t r = (size_t)b * T + t;
            const float *c = cs + r * H;
            cells_bwd_k(dpre + r * G, dhn + (size_t)b * H, dcn + (size_t)b * H, act + r * G, c,
                        t ? c - H : c0 ? c0 + (size_t)b * H : NULL, dout + r * H, H);
        }
        if (cells) *cells += ts_now() - a;
        /* dh_{t-1} (n, H) = dpre_t (n, 4H) . w_hh (4H, H); h0's gradient is not kept */
        if (t)
            ts_gemm_1t(0, 0, b1 - b0, H, (int)G, 1.0f, dpre + ((size_t)b0 * T + t) * G, T * (int)G, w_hh, H, 0.0f,
                       dhn + (size_t)b0 * H, H);
    }
}

void ts_lstm_backward(float *dx, float *dw_ih, float *dw_hh, float *db, const float *dout, const float *x,
                      const float *h0, const float *c0, const float *out, const float *act, const float *w_ih,
                      const float *w_hh, int B, int T, int D, int H, float *scratch)
{
    const int G = 4 * H;
    const size_t BT = (size_t)B * T;
    float *dpre = scratch, *hprev = dpre + BT * G, *dhn = hprev + BT * H, *dcn = dhn + (size_t)B * H;
    memset(dhn, 0, 2 * (size_t)B * H * sizeof(float));
    /* back through time, a group of items a thread, as forward */
    const int ng = (B + GROUP - 1) / GROUP, prof = ts_prof_on && !omp_in_parallel();
    double cells = 0;
    TS_PROF_FLOPS(2.0 * B * G * H * (T - 1));
    TS_PROF_PUSH(TS_PROF_GEMM);
    #pragma omp parallel for schedule(static) if (ng > 1 && (double)B * G * H >= PAR_MIN && ts_parallel_ok())
    for (int g = 0; g < ng; g++)
        back_group(dpre, dhn, dcn, dout, c0, act, w_hh, B, T, H, g * GROUP, g + 1 < ng ? (g + 1) * GROUP : B,
                   prof && omp_get_thread_num() == 0 ? &cells : NULL);
    if (prof) ts_prof_take(TS_PROF_GEMM, cells);
    TS_PROF_POP();
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
