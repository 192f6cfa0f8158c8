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
 * rate with per-item GEMMs. */
#include "tracesynth/nn.h"

#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <string.h>

size_t ts_conv1d_scratch_size(int Cin, int Cout, int L, int K)
{
    (void)Cout;
    return K == 1 ? 0 : 2 * (size_t)Cin * K * L;   /* col + dcol of one item */
}

/* col (Cin*K, L) from x_b (Cin, L) */
static void im2col(float *col, const float *xb, int Cin, int L, int K, int dil)
{
    int half = K / 2;
    #pragma omp parallel for schedule(static) if ((size_t)Cin * K * L > 32768)
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
static void col2im_add(float *dxb, const float *dcol, int Cin, int L, int K, int dil)
{
    int half = K / 2;
    #pragma omp parallel for schedule(static) if ((size_t)Cin * K * L > 32768)
    for (int i = 0; i < Cin; i++) {
        float *dr = dxb + (size_t)i * L;
        for (int k = 0; k < K; k++) {
            const float *cr = dcol + ((size_t)i * K + k) * L;
            int s = (k - half) * dil;
            int lo = s < 0 ? -s : 0, hi = s > 0 ? L - s : L;
            for (int l = lo; l < hi; l++) dr[l + s] += cr[l];
        }
    }
}

/* K = 1 (no scratch needed): one item per thread, each a plain single-threaded
 * GEMM, when there are items for every thread or when one item's product is too
 * small for ts_sgemm to split. One parallel region per call instead of one per
 * item; every element gets the same arithmetic as in ts_sgemm's blocks. */
static int items_in_parallel(int B, int M, int N, int K)
{
    return B > 1 && ts_parallel_ok() &&
           (B >= omp_get_max_threads() || ts_sgemm_blocks(M, N, K) == 1);
}

void ts_conv1d_forward(float *out, const float *x, const float *w, const float *b,
                       int B, int Cin, int Cout, int L, int K, int dil, float *scratch)
{
    int CK = Cin * K;
    if (K == 1 && items_in_parallel(B, Cout, L, Cin)) {
        #pragma omp parallel for schedule(static)
        for (int bi = 0; bi < B; bi++) {
            float *ob = out + (size_t)bi * Cout * L;
            if (b)
                for (int o = 0; o < Cout; o++)
                    for (int l = 0; l < L; l++) ob[(size_t)o * L + l] = b[o];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Cout, L, Cin, 1.0f, w, Cin,
                        x + (size_t)bi * Cin * L, L, b ? 1.0f : 0.0f, ob, L);
        }
        return;
    }
    for (int bi = 0; bi < B; bi++) {
        const float *xb = x + (size_t)bi * Cin * L;
        float *ob = out + (size_t)bi * Cout * L;
        const float *col = xb;
        if (K != 1) {
            im2col(scratch, xb, Cin, L, K, dil);
            col = scratch;
        }
        if (b) {
            #pragma omp parallel for schedule(static) if ((size_t)Cout * L > 32768)
            for (int o = 0; o < Cout; o++)
                for (int l = 0; l < L; l++) ob[(size_t)o * L + l] = b[o];
        }
        ts_sgemm(0, 0, Cout, L, CK, 1.0f, w, CK, col, L, b ? 1.0f : 0.0f, ob, L);
    }
}

/* db[o] += sum over b, l of dout[b, o, l]: per channel, 64 running sums across
 * positions (vectorised) each over b in order, then added up in order */
static void bias_grad_bcl(float *db, const float *dout, int B, int C, int L)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * C * L > 65536)
    for (int o = 0; o < C; o++) {
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
}

void ts_conv1d_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                        float *scratch)
{
    int CK = Cin * K;
    float *col = scratch, *dcol = scratch ? scratch + (size_t)CK * L : NULL;
    if (db) bias_grad_bcl(db, dout, B, Cout, L);
    int dx_items = dx && K == 1 && items_in_parallel(B, Cin, L, Cout);
    if (dx_items) {
        /* dx_b (Cin x L) += w^T (Cin x Cout) . dout_b, one item per thread */
        #pragma omp parallel for schedule(static)
        for (int bi = 0; bi < B; bi++)
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Cin, L, Cout, 1.0f, w, Cin,
                        dout + (size_t)bi * Cout * L, L, 1.0f, dx + (size_t)bi * Cin * L, L);
        dx = NULL;
    }
    for (int bi = 0; bi < B; bi++) {
        const float *xb = x + (size_t)bi * Cin * L;
        const float *gb = dout + (size_t)bi * Cout * L;
        const float *cb = xb;
        if (K != 1) {
            im2col(col, xb, Cin, L, K, dil);
            cb = col;
        }
        /* dw (Cout x CK) += dout_b (Cout x L) . col_b^T */
        ts_sgemm(0, 1, Cout, CK, L, 1.0f, gb, L, cb, L, 1.0f, dw, CK);
        if (!dx) continue;
        float *dxb = dx + (size_t)bi * Cin * L;
        if (K == 1) {
            /* dx_b (Cin x L) += w^T (Cin x Cout) . dout_b */
            ts_sgemm(1, 0, Cin, L, Cout, 1.0f, w, Cin, gb, L, 1.0f, dxb, L);
        } else {
            ts_sgemm(1, 0, CK, L, Cout, 1.0f, w, CK, gb, L, 0.0f, dcol, L);
            col2im_add(dxb, dcol, Cin, L, K, dil);
        }
    }
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
                          float *scratch)
{
    size_t nw = (size_t)Cout * Cin * K;
    float *w = scratch, *norm = scratch + 2 * nw, *rest = norm + Cout;
    ts_weightnorm_forward(w, norm, v, g, Cout, Cin * K);
    ts_conv1d_forward(out, x, w, b, B, Cin, Cout, L, K, dil, rest);
}

void ts_conv1d_wn_backward(float *dx, float *dv, float *dg, float *db, const float *dout,
                           const float *x, const float *v, const float *g, int B, int Cin,
                           int Cout, int L, int K, int dil, float *scratch)
{
    size_t nw = (size_t)Cout * Cin * K;
    float *w = scratch, *dw = scratch + nw, *norm = scratch + 2 * nw, *rest = norm + Cout;
    ts_weightnorm_forward(w, norm, v, g, Cout, Cin * K);
    memset(dw, 0, nw * sizeof(float));
    ts_conv1d_backward(dx, dw, db, dout, x, w, B, Cin, Cout, L, K, dil, rest);
    ts_weightnorm_backward(dv, dg, dw, v, g, norm, Cout, Cin * K);
}
