/* Conv1d ("same" padding, dilation) as one GEMM per batch item, and weight
 * normalisation.
 *
 * Channels-first data makes each item x_b a (Cin x L) row-major matrix, so
 *   out_b (Cout x L) = w (Cout x Cin*K) . col_b (Cin*K x L)
 * where col_b[i*K + k][l] = x_b[i][l + (k - K/2)*dil] (zero outside [0, L)).
 * w's PyTorch layout (Cout, Cin, K) is already that (Cout x Cin*K) matrix, so the
 * weights are used as they are. For K = 1, col_b is x_b itself.
 * Measured alternatives (one thread, L = 200, B = 16 and 32, C = 64..256):
 * three shifted GEMMs of inner dimension Cin on repacked weights ran 1-2%
 * slower than im2col + one GEMM; one GEMM over the whole batch, W . [x_0 .. x_B-1]
 * through transposed copies, ran 1-7% slower than a GEMM per item (the copies
 * cost more than the longer GEMM saves). Both reached ~98% of the core's SGEMM
 * rate with per-item GEMMs.
 * Threads: items go to threads, each with its own col buffer in scratch, so a
 * call is one parallel region (per-item regions, three per item with im2col,
 * made the barriers cost more than small GEMMs on 2 cores). */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the GLU's sigmoid on
 * every CPU level (as act.c); nothing here reads floating-point exception flags */
#pragma GCC optimize("no-trapping-math")
#endif
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"
#include "vmath.h"
#include "conv_add.h"

#include <math.h>
#include <omp.h>
#include <string.h>

/* The weight gradient of a batch is summed in DW_GROUPS fixed groups of
 * consecutive items: each group adds its items' products in order into its own
 * partial, then the partials are added in group order. The sums do not depend
 * on the thread count, and the whole batch is one parallel region (a region
 * per item cost more in barriers than the GEMMs of small items). */
#define DW_GROUPS 8


/* threads the scratch is sized for: those set now, not every core (a col buffer
 * is 2 Cin K L floats: 77 K at 64 channels, L 200) */
static int conv_threads(void)
{
    int t = omp_get_max_threads();
    return t < 1 ? 1 : t;
}

/* threads a call runs on: at most one a core, and with col buffers (K > 1) never
 * more than the scratch has slots for (a count raised after its size was asked
 * runs on the slots) */
static int team_size(int K, int slots)
{
    int m = omp_get_max_threads(), c = omp_get_num_procs(), p = K == 1 ? m : slots < 1 ? 1 : slots;
    if (c >= 1 && c < m) m = c;
    return ts_parallel_ok() ? (m < p ? m : p) : 1;
}

/* per-thread col + dcol of one item (none for K = 1) */
static size_t slot_floats(int Cin, int L, int K) { return K == 1 ? 0 : ts_round_up(2 * (size_t)Cin * K * L, 16); }

size_t ts_conv1d_scratch_size(int Cin, int Cout, int L, int K)
{
    return ts_round_up((size_t)DW_GROUPS * Cout * Cin * K, 16) + (size_t)conv_threads() * slot_floats(Cin, L, K);
}

/* col (Cin*K, L) from x_b (Cin, L) */
static void im2col(float *col, const float *xb, int Cin, int L, int K, int dil)
{
    int half = K / 2;
    for (int i = 0; i < Cin; i++) {
        const float *xr = xb + (size_t)i * L;
        for (int k = 0; k < K; k++) {
            float *cr = col + ((size_t)i * K + k) * L;
            int s = (k - half) * dil;               /* cr[l] = xr[l + s] */
            int lo = s < 0 ? -s : 0, hi = s > 0 ? L - s : L;
            if (lo > L) lo = L;
            if (hi < lo) hi = lo;
            for (int l = 0; l < lo; l++) cr[l] = 0.0f;
            memcpy(cr + lo, xr + lo + s, (size_t)(hi - lo) * sizeof(float));
            for (int l = hi; l < L; l++) cr[l] = 0.0f;
        }
    }
}

/* dx_b (Cin, L) += scatter of dcol (Cin*K, L) */
static void col2im_add(float *restrict dxb, const float *restrict dcol, int Cin, int L, int K,
                       int dil)
{
    int half = K / 2;
    for (int i = 0; i < Cin; i++) {
        float *dr = dxb + (size_t)i * L;
        for (int k = 0; k < K; k++) {
            const float *cr = dcol + ((size_t)i * K + k) * L;
            int s = (k - half) * dil;
            int lo = s < 0 ? -s : 0, hi = s > 0 ? L - s : L;
            #pragma omp simd
            for (int l = lo; l < hi; l++) dr[l + s] += cr[l];
        }
    }
}

/* out_b (Cout, L) = b[o] per row, or 0 */
TS_CLONES static void fill_bias(float *restrict ob, const float *restrict b, int Cout, int L)
{
    for (int o = 0; o < Cout; o++) {
        float v = b ? b[o] : 0.0f;
        float *r = ob + (size_t)o * L;
        #pragma omp simd
        for (int l = 0; l < L; l++) r[l] = v;
    }
}

/* one item: out_b = w . col(x_b) + b, single-threaded; same_w: this thread's
 * previous product was with w (its bf16 copy is reused) */
static void forward_item(float *ob, const float *xb, const float *w, const float *b, int Cin,
                         int Cout, int L, int K, int dil, float *col, int same_w)
{
    const float *cb = xb;
    if (K != 1) {
        im2col(col, xb, Cin, L, K, dil);
        cb = col;
    }
    if (b) fill_bias(ob, b, Cout, L);
    TS_PROF_FLOPS(2.0 * Cout * L * Cin * K);
    (same_w ? ts_gemm_1t_same_a : ts_gemm_1t)(0, 0, Cout, L, Cin * K, 1.0f, w, Cin * K, cb, L,
                                             b ? 1.0f : 0.0f, ob, L);
}

static void conv1d_forward(float *out, const float *x, const float *w, const float *b,
                       int B, int Cin, int Cout, int L, int K, int dil, float *scratch, int slots,
                       void (*post)(void *, int), void *ctx)
{
    const int CK = Cin * K, nt = team_size(K, slots);
    /* an item per thread when there are items for every thread (or an item's
     * product is too small for ts_sgemm to split): one region per call. Every
     * element gets the same arithmetic as in ts_sgemm's blocks. */
    if (B > 1 && nt > 1 && (B >= nt || ts_sgemm_blocks(Cout, L, CK) == 1) &&
        (K == 1 || scratch)) {
        float *cols = scratch ? scratch + ts_round_up((size_t)DW_GROUPS * Cout * CK, 16) : NULL;
        #pragma omp parallel num_threads(nt)
        {
            float *col = K == 1 ? NULL : cols + (size_t)omp_get_thread_num() * slot_floats(Cin, L, K);
            int same_w = 0;
            #pragma omp for schedule(static)
            for (int bi = 0; bi < B; bi++) {
                forward_item(out + (size_t)bi * Cout * L, x + (size_t)bi * Cin * L, w, b, Cin,
                             Cout, L, K, dil, col, same_w);
                same_w = 1;
                if (post) post(ctx, bi);
            }
        }
        return;
    }
    float *col = K == 1 ? NULL : scratch + ts_round_up((size_t)DW_GROUPS * Cout * CK, 16);
    const int split = ts_sgemm_blocks(Cout, L, CK) > 1;
    for (int bi = 0; bi < B; bi++) {
        const float *xb = x + (size_t)bi * Cin * L;
        float *ob = out + (size_t)bi * Cout * L;
        if (!split) {   /* one product per item on this thread: w rounded once */
            forward_item(ob, xb, w, b, Cin, Cout, L, K, dil, col, bi > 0);
            if (post) post(ctx, bi);
            continue;
        }
        const float *cb = xb;
        if (K != 1) {
            im2col(col, xb, Cin, L, K, dil);
            cb = col;
        }
        if (b) fill_bias(ob, b, Cout, L);
        ts_sgemm(0, 0, Cout, L, CK, 1.0f, w, CK, cb, L, b ? 1.0f : 0.0f, ob, L);
        if (post) post(ctx, bi);
    }
}

void ts_conv1d_forward(float *out, const float *x, const float *w, const float *b,
                       int B, int Cin, int Cout, int L, int K, int dil, float *scratch, int slots)
{
    TS_PROF_PUSH(TS_PROF_GEMM);
    conv1d_forward(out, x, w, b, B, Cin, Cout, L, K, dil, scratch, slots, NULL, NULL);
    TS_PROF_POP();
}

void ts_conv1d_forward_each(float *out, const float *x, const float *w, const float *b, int B,
                            int Cin, int Cout, int L, int K, int dil, float *scratch, int slots,
                            void (*post)(void *ctx, int item), void *ctx)
{
    TS_PROF_PUSH(TS_PROF_GEMM);
    conv1d_forward(out, x, w, b, B, Cin, Cout, L, K, dil, scratch, slots, post, ctx);
    TS_PROF_POP();
}

/* db[o] += sum over b, l of dout[b, o, l]: 64 running sums across positions
 * (vectorised) each over b in order, then added up in order */
TS_CLONES static void bias_grad_channel(float *db, const float *dout, int B, int C, int L, int o)
{
    float s = 0.0f;
    for (int l0 = 0; l0 < L; l0 += 64) {
        int nl = L - l0 < 64 ? L - l0 : 64;
        float acc[64];
        for (int j = 0; j < nl; j++) acc[j] = 0.0f;
        for (int bi = 0; bi < B; bi++) {
            const float *r = dout + ((size_t)bi * C + o) * L + l0;
            #pragma omp simd
            for (int j = 0; j < nl; j++) acc[j] += r[j];
        }
        for (int j = 0; j < nl; j++) s += acc[j];
    }
    db[o] += s;
}

static void bias_grad_bcl(float *db, const float *dout, int B, int C, int L)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * C * L > 65536)
    for (int o = 0; o < C; o++) bias_grad_channel(db, dout, B, C, L, o);
}

/* set: dx (when not NULL) is written, not accumulated; item by item, as its
 * products make it (a product with beta 0 is the same bits as one adding to
 * zeros: the library zeroes C first either way) */
static void conv1d_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                        float *scratch, int slots, int set)
{
    const float dx_beta = set ? 0.0f : 1.0f;
    const int CK = Cin * K;
    const size_t nw = (size_t)Cout * CK;
    if (B < 1) return;
    if (!scratch) {
        if (db) bias_grad_bcl(db, dout, B, Cout, L);
        /* K = 1 without scratch: a GEMM per item over the threads, in order */
        for (int bi = 0; bi < B; bi++) {
            const float *xb = x + (size_t)bi * Cin * L, *gb = dout + (size_t)bi * Cout * L;
            ts_sgemm(0, 1, Cout, Cin, L, 1.0f, gb, L, xb, L, 1.0f, dw, Cin);
            if (dx) ts_sgemm(1, 0, Cin, L, Cout, 1.0f, w, Cin, gb, L, dx_beta, dx + (size_t)bi * Cin * L, L);
        }
        return;
    }
    float *part = scratch, *cols = scratch + ts_round_up((size_t)DW_GROUPS * nw, 16);
    const int nt = team_size(K, slots);
    int gl[DW_GROUPS], ng = 0;   /* the groups that have items, in order */
    for (int g = 0; g < DW_GROUPS; g++)
        if ((g + 1) * B / DW_GROUPS > g * B / DW_GROUPS) gl[ng++] = g;
    #pragma omp parallel num_threads(nt)
    {
        float *col = K == 1 ? NULL : cols + (size_t)omp_get_thread_num() * slot_floats(Cin, L, K);
        float *dcol = K == 1 ? NULL : col + (size_t)CK * L;
        if (db) {   /* db apart from the rest: no barrier after it */
            #pragma omp for schedule(static) nowait
            for (int o = 0; o < Cout; o++) bias_grad_channel(db, dout, B, Cout, L, o);
        }
        #pragma omp for schedule(static)
        for (int g = 0; g < DW_GROUPS; g++) {
            int b0 = g * B / DW_GROUPS, b1 = (g + 1) * B / DW_GROUPS;
            float *pg = part + (size_t)g * nw;
            for (int bi = b0; bi < b1; bi++) {
                const float *xb = x + (size_t)bi * Cin * L, *gb = dout + (size_t)bi * Cout * L;
                const float *cb = xb;
                if (K != 1) {
                    im2col(col, xb, Cin, L, K, dil);
                    cb = col;
                }
                /* partial (Cout x CK) (+)= dout_b (Cout x L) . col_b^T */
                TS_PROF_FLOPS((dx ? 4.0 : 2.0) * Cout * CK * L);
                ts_gemm_1t(0, 1, Cout, CK, L, 1.0f, gb, L, cb, L, bi == b0 ? 0.0f : 1.0f, pg, CK);
                if (!dx) continue;
                float *dxb = dx + (size_t)bi * Cin * L;
                if (K == 1) {   /* dx_b (Cin x L) += w^T (Cin x Cout) . dout_b */
                    ts_gemm_1t(1, 0, Cin, L, Cout, 1.0f, w, Cin, gb, L, dx_beta, dxb, L);
                } else {
                    ts_gemm_1t(1, 0, CK, L, Cout, 1.0f, w, CK, gb, L, 0.0f, dcol, L);
                    if (set) memset(dxb, 0, sizeof(float) * Cin * L);
                    col2im_add(dxb, dcol, Cin, L, K, dil);
                }
            }
        }
        /* dw += the partials in group order */
        const long nchunk = (long)((nw + 1023) / 1024);
        #pragma omp for schedule(static)
        for (long c = 0; c < nchunk; c++) {
            size_t i0 = (size_t)c * 1024, i1 = i0 + 1024 < nw ? i0 + 1024 : nw;
            for (size_t i = i0; i < i1; i++) {
                float s = part[(size_t)gl[0] * nw + i];
                for (int g = 1; g < ng; g++) s += part[(size_t)gl[g] * nw + i];
                dw[i] += s;
            }
        }
    }
}

void ts_conv1d_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                        float *scratch, int slots)
{
    TS_PROF_PUSH(TS_PROF_GEMM);
    conv1d_backward(dx, dw, db, dout, x, w, B, Cin, Cout, L, K, dil, scratch, slots, 0);
    TS_PROF_POP();
}

void ts_conv1d_backward_set(float *dx, float *dw, float *db, const float *dout, const float *x,
                            const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                            float *scratch, int slots)
{
    TS_PROF_PUSH(TS_PROF_GEMM);
    conv1d_backward(dx, dw, db, dout, x, w, B, Cin, Cout, L, K, dil, scratch, slots, 1);
    TS_PROF_POP();
}

/* ---- weight normalisation ---- */

void ts_weightnorm_forward(float *w, float *norm, const float *v, const float *g, int Cout, int n)
{
    for (int o = 0; o < Cout; o++) {
        const float *vr = v + (size_t)o * n;
        double s = 0;
        for (int i = 0; i < n; i++) s += (double)vr[i] * vr[i];
        float nr = (float)sqrt(s);
        norm[o] = nr;
        float scale = g[o] / nr;
        float *wr = w + (size_t)o * n;
        for (int i = 0; i < n; i++) wr[i] = scale * vr[i];
    }
}

void ts_weightnorm_backward(float *dv, float *dg, const float *dw, const float *v,
                            const float *g, const float *norm, int Cout, int n)
{
    /* w = g v / |v|:  dg = <dw, v> / |v|,  dv = (g / |v|) (dw - dg v / |v|) */
    for (int o = 0; o < Cout; o++) {
        const float *vr = v + (size_t)o * n, *gr = dw + (size_t)o * n;
        double s = 0;
        for (int i = 0; i < n; i++) s += (double)gr[i] * vr[i];
        float nr = norm[o];
        float dgo = (float)(s / nr);
        dg[o] += dgo;
        float a = g[o] / nr, c = dgo / nr;
        float *dvr = dv + (size_t)o * n;
        for (int i = 0; i < n; i++) dvr[i] += a * (gr[i] - c * vr[i]);
    }
}

size_t ts_conv1d_wn_scratch_size(int Cin, int Cout, int L, int K)
{
    size_t nw = (size_t)Cout * Cin * K;
    return ts_conv1d_scratch_size(Cin, Cout, L, K) + 2 * nw + (size_t)Cout;
}

void ts_conv1d_wn_forward(float *out, const float *x, const float *v, const float *g,
                          const float *b, int B, int Cin, int Cout, int L, int K, int dil,
                          float *scratch, int slots)
{
    size_t nw = (size_t)Cout * Cin * K;
    float *w = scratch, *norm = scratch + 2 * nw, *rest = norm + Cout;
    ts_weightnorm_forward(w, norm, v, g, Cout, Cin * K);
    ts_conv1d_forward(out, x, w, b, B, Cin, Cout, L, K, dil, rest, slots);
}

static void conv1d_wn_backward(float *dx, float *dv, float *dg, float *db, const float *dout,
                               const float *x, const float *v, const float *g, int B, int Cin,
                               int Cout, int L, int K, int dil, float *scratch, int slots, int set)
{
    size_t nw = (size_t)Cout * Cin * K;
    float *w = scratch, *dw = scratch + nw, *norm = scratch + 2 * nw, *rest = norm + Cout;
    ts_weightnorm_forward(w, norm, v, g, Cout, Cin * K);
    memset(dw, 0, nw * sizeof(float));
    (set ? ts_conv1d_backward_set : ts_conv1d_backward)(dx, dw, db, dout, x, w, B, Cin, Cout, L, K,
                                                        dil, rest, slots);
    ts_weightnorm_backward(dv, dg, dw, v, g, norm, Cout, Cin * K);
}

void ts_conv1d_wn_backward(float *dx, float *dv, float *dg, float *db, const float *dout,
                           const float *x, const float *v, const float *g, int B, int Cin,
                           int Cout, int L, int K, int dil, float *scratch, int slots)
{
    conv1d_wn_backward(dx, dv, dg, db, dout, x, v, g, B, Cin, Cout, L, K, dil, scratch, slots, 0);
}

void ts_conv1d_wn_backward_set(float *dx, float *dv, float *dg, float *db, const float *dout,
                               const float *x, const float *v, const float *g, int B, int Cin,
                               int Cout, int L, int K, int dil, float *scratch, int slots)
{
    conv1d_wn_backward(dx, dv, dg, db, dout, x, v, g, B, Cin, Cout, L, K, dil, scratch, slots, 1);
}

/* one row of ts_conv1x1_add: acc = w . col (inputs outer, in order; positions
 * inner, where the loop vectorises), then added; with a GLU, g becomes σ(g) */
TS_CLONES static void conv1x1_add_row(float *restrict y, const float *restrict a, float *restrict g,
                                      const float *restrict x, const float *restrict col,
                                      const float *restrict w, int n_in, float bias, int L)
{
    float acc[256];
    for (int l0 = 0; l0 < L; l0 += 256) {
        const int n = L - l0 < 256 ? L - l0 : 256;
        const float *c0 = col + l0;
        #pragma omp simd
        for (int l = 0; l < n; l++) acc[l] = w[0] * c0[l];
        for (int i = 1; i < n_in; i++) {
            const float *ci = c0 + (size_t)i * L, wi = w[i];
            #pragma omp simd
            for (int l = 0; l < n; l++) acc[l] += wi * ci[l];
        }
        float *yr = y + l0;
        if (a) {   /* vmath.h's sigmoid, as ts_glu_forward: vectorised, unlike libm's expf */
            #pragma omp simd
            for (int l = 0; l < n; l++) {
                const float sg = v_sigmoid(g[l0 + l]);
                g[l0 + l] = sg;
                yr[l] = a[l0 + l] * sg + ((acc[l] + bias) + x[l0 + l]);
            }
        } else if (x) {
            const float *xr = x + l0;
            #pragma omp simd
            for (int l = 0; l < n; l++) yr[l] += (acc[l] + bias) + xr[l];
        } else {
            #pragma omp simd
            for (int l = 0; l < n; l++) yr[l] += acc[l] + bias;
        }
    }
}

void ts_conv1x1_add(float *y, float *z2, const float *x, const float *col, const float *w, const float *bias,
                    int B, int C, int n_in, int L)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > 65536)
    for (int bc = 0; bc < B * C; bc++) {
        const int b = bc / C, o = bc % C;
        float *a = z2 ? z2 + ((size_t)b * 2 * C + o) * L : NULL;
        conv1x1_add_row(y + (size_t)bc * L, a, a ? a + (size_t)C * L : NULL, x ? x + (size_t)bc * L : NULL,
                        col + (size_t)b * n_in * L, w + (size_t)o * n_in, n_in, bias[o], L);
    }
}
