/* Layer semantics beyond gradients: forward passes against direct reference
 * loops and known values, the accumulate-into-gradients convention, results
 * identical for any thread count, and the initialisers' distributions. */
#include "check.h"
#include "gradcheck.h"
#include "tracesynth.h"
#include "tracesynth/nn.h"

#include <cblas.h>

static ts_rng rng;

static float *randv(size_t n, float scale) { return randv_from(&rng, n, scale); }

static double maxdiff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) if (fabs((double)a[i] - b[i]) > m) m = fabs((double)a[i] - b[i]);
    return m;
}

/* direct convolution in double, PyTorch semantics (zero padding d*(K-1)/2) */
static void conv_ref(float *out, const float *x, const float *w, const float *b, int B, int Cin,
                     int Cout, int L, int K, int dil)
{
    int pad = dil * (K - 1) / 2;
    for (int bi = 0; bi < B; bi++)
        for (int o = 0; o < Cout; o++)
            for (int l = 0; l < L; l++) {
                double s = b ? b[o] : 0;
                for (int i = 0; i < Cin; i++)
                    for (int k = 0; k < K; k++) {
                        int p = l + k * dil - pad;
                        if (p >= 0 && p < L)
                            s += (double)w[((size_t)o * Cin + i) * K + k] * x[((size_t)bi * Cin + i) * L + p];
                    }
                out[((size_t)bi * Cout + o) * L + l] = (float)s;
            }
}

static void conv_matches_direct_loops(void)
{
    int cases[][5] = {{1, 1, 1, 1, 1}, {3, 1, 1, 0, 1}, {3, 2, 1, 1, 1}, {5, 3, 0, 1, 1},
                      {3, 8, 1, 1, 1} /* shift 8 > L/2 */, {3, 20, 1, 1, 1} /* shift > L */};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        int K = cases[c][0], dil = cases[c][1], bias = cases[c][2];
        int B = 3, Cin = 7, Cout = 5, L = 13;
        size_t nx = (size_t)B * Cin * L, no = (size_t)B * Cout * L, nw = (size_t)Cout * Cin * K;
        float *x = randv(nx, 1), *w = randv(nw, 1), *b = bias ? randv(Cout, 1) : NULL;
        float *y = zeros(no), *r = zeros(no);
        float *scr = zeros(ts_conv1d_scratch_size(Cin, Cout, L, K));
        ts_conv1d_forward(y, x, w, b, B, Cin, Cout, L, K, dil, scr, ts_get_threads());
        conv_ref(r, x, w, b, B, Cin, Cout, L, K, dil);
        CHECK_MSG(maxdiff(y, r, no) < 1e-5, "K=%d d=%d: max diff %g", K, dil, maxdiff(y, r, no));
        free(x); free(w); free(b); free(y); free(r); free(scr);
    }
}

static void weightnorm_conv_is_conv_of_normalised_weight(void)
{
    int B = 2, Cin = 4, Cout = 3, L = 10, K = 3;
    size_t nw = (size_t)Cout * Cin * K, no = (size_t)B * Cout * L;
    float *x = randv((size_t)B * Cin * L, 1), *v = randv(nw, 1), *g = randv(Cout, 1);
    float *b = randv(Cout, 1), *w = zeros(nw), *y = zeros(no), *r = zeros(no);
    for (int o = 0; o < Cout; o++) {
        double s = 0;
        for (int i = 0; i < Cin * K; i++) s += (double)v[o * Cin * K + i] * v[o * Cin * K + i];
        for (int i = 0; i < Cin * K; i++) w[o * Cin * K + i] = (float)(g[o] * v[o * Cin * K + i] / sqrt(s));
    }
    float *scr = zeros(ts_conv1d_wn_scratch_size(Cin, Cout, L, K));
    ts_conv1d_wn_forward(y, x, v, g, b, B, Cin, Cout, L, K, 2, scr, ts_get_threads());
    conv_ref(r, x, w, b, B, Cin, Cout, L, K, 2);
    CHECK(maxdiff(y, r, no) < 1e-5);
    free(x); free(v); free(g); free(b); free(w); free(y); free(r); free(scr);
}

static void backward_accumulates(void)
{
    int B = 2, Cin = 5, Cout = 4, L = 9, K = 3;
    size_t nx = (size_t)B * Cin * L, no = (size_t)B * Cout * L, nw = (size_t)Cout * Cin * K;
    float *x = randv(nx, 1), *v = randv(nw, 1), *g = randv(Cout, 1), *dy = randv(no, 1);
    float *dx = zeros(nx), *dv = zeros(nw), *dg = zeros(Cout), *db = zeros(Cout);
    float *scr = zeros(ts_conv1d_wn_scratch_size(Cin, Cout, L, K));
    ts_conv1d_wn_backward(dx, dv, dg, db, dy, x, v, g, B, Cin, Cout, L, K, 1, scr, ts_get_threads());
    float *dx1 = malloc(nx * 4), *dv1 = malloc(nw * 4), *dg1 = malloc(Cout * 4), *db1 = malloc(Cout * 4);
    memcpy(dx1, dx, nx * 4); memcpy(dv1, dv, nw * 4); memcpy(dg1, dg, Cout * 4); memcpy(db1, db, Cout * 4);
    ts_conv1d_wn_backward(dx, dv, dg, db, dy, x, v, g, B, Cin, Cout, L, K, 1, scr, ts_get_threads());
    for (size_t i = 0; i < nx; i++) CHECK_NEAR(dx[i], 2 * dx1[i], 1e-5 * (1 + fabsf(dx1[i])));
    for (size_t i = 0; i < nw; i++) CHECK_NEAR(dv[i], 2 * dv1[i], 1e-5 * (1 + fabsf(dv1[i])));
    for (int i = 0; i < Cout; i++) CHECK_NEAR(dg[i], 2 * dg1[i], 1e-5 * (1 + fabsf(dg1[i])));
    for (int i = 0; i < Cout; i++) CHECK_NEAR(db[i], 2 * db1[i], 1e-5 * (1 + fabsf(db1[i])));
    /* the element-wise layers too */
    float *a = randv(40, 1), *d = randv(40, 1), *acc = zeros(40);
    ts_gelu_backward(acc, d, a, 40);
    float first = acc[7];
    ts_gelu_backward(acc, d, a, 40);
    CHECK(acc[7] == 2 * first);
    /* the writing variant: the first pass's values over whatever was there */
    float *set = randv(40, 1);
    ts_gelu_backward_set(set, d, a, 40);
    for (int i = 0; i < 40; i++) CHECK(set[i] == acc[i] / 2);
    free(set);
    free(x); free(v); free(g); free(dy); free(dx); free(dv); free(dg); free(db); free(scr);
    free(dx1); free(dv1); free(dg1); free(db1); free(a); free(d); free(acc);
}

/* the training variants that keep a factor for the backward (GELU's derivative,
 * the gate's tanh and sigmoid) give the plain layers' bits, in place too, over
 * a length with a vector tail and over threads */
/* the same values (a sum over zeroed memory turns a -0 into +0: equal values) */
static int same_values(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(a[i] == b[i])) return 0;
    return 1;
}

static void kept_factors_same_bits(void)
{
    const int B = 3, C = 5, L = 211;
    const size_t n = (size_t)B * C * L, n2 = 2 * n;
    float *x = randv(n2, 3), *d = randv(n2, 1), *ref = zeros(n2), *out = zeros(n2), *k = zeros(n2);
    float *gr = randv(n2, 1), *gk = zeros(n2);
    ts_set_threads(2);
    /* GELU, the derivative written over a copy of the input */
    ts_gelu_forward(ref, x, n2);
    memcpy(k, x, n2 * sizeof(float));
    ts_gelu_forward_deriv(out, k, k, n2);
    CHECK(memcmp(ref, out, n2 * sizeof(float)) == 0);
    ts_gelu_backward_set(gr, d, x, n2);
    ts_mul_backward_set(gk, d, k, n2);
    CHECK(memcmp(gr, gk, n2 * sizeof(float)) == 0);
    ts_gelu_backward(gr, d, x, n2);
    ts_mul_backward(gk, d, k, n2);
    CHECK(memcmp(gr, gk, n2 * sizeof(float)) == 0);
    /* gate: x (B, 2C, L) -> (B, C, L); the kept factors over a copy */
    ts_gate_forward(ref, x, B, C, L);
    memcpy(k, x, n2 * sizeof(float));
    ts_gate_forward_keep(out, k, B, C, L);
    CHECK(memcmp(ref, out, n * sizeof(float)) == 0);
    for (size_t i = 0; i < n2; i += 97) CHECK_NEAR(k[i], i % (2 * (size_t)C * L) < (size_t)C * L
                                                       ? tanhf(x[i]) : 1.0f / (1.0f + expf(-x[i])), 1e-6);
    memset(gr, 0, n2 * sizeof(float));
    ts_gate_backward(gr, d, x, B, C, L);
    for (size_t i = 0; i < n2; i++) gk[i] = 7.0f;   /* _set writes over whatever is there */
    ts_gate_backward_kept_set(gk, d, k, B, C, L);
    CHECK(same_values(gr, gk, n2));
    ts_gate_backward(gr, d, x, B, C, L);
    ts_gate_backward_kept(gk, d, k, B, C, L);
    CHECK(same_values(gr, gk, n2));
    ts_set_threads(1);
    free(x); free(d); free(ref); free(out); free(k); free(gr); free(gk);
}

/* one pass of several layers at sizes where ts_sgemm splits; returns a buffer of results */
static float *run_all(int threads, size_t *n_out)
{
    ts_set_threads(threads);
    ts_rng_seed(&rng, 99);
    int B = 4, Cin = 48, Cout = 96, L = 200, K = 3;   /* big enough to split */
    size_t nx = (size_t)B * Cin * L, no = (size_t)B * Cout * L, nw = (size_t)Cout * Cin * K;
    int Nl = 20, In = 300, Out = 800;   /* short and wide: split by columns */
    int C1 = 32;                        /* K = 1 conv small enough to go item-parallel */
    size_t n1 = (size_t)B * C1 * L;
    size_t total = no + nx + nw + 2 * Cout + nx + nx + 2 * Cin + 1 + (size_t)B * L * 64 +
                   (size_t)Nl * Out + (size_t)Out * In + 2 * n1 + (size_t)C1 * C1 +
                   2 * n1 + (size_t)C1 * C1;
    float *res = zeros(total), *p = res;
    float *x = randv(nx, 1), *v = randv(nw, 1), *g = randv(Cout, 1), *b = randv(Cout, 1);
    float *dy = randv(no, 1);
    float *scr = zeros(ts_conv1d_wn_scratch_size(Cin, Cout, L, K));
    ts_conv1d_wn_forward(p, x, v, g, b, B, Cin, Cout, L, K, 2, scr, ts_get_threads());
    p += no;
    float *dx = p, *dv = p + nx, *dg = dv + nw, *db = dg + Cout;
    ts_conv1d_wn_backward(dx, dv, dg, db, dy, x, v, g, B, Cin, Cout, L, K, 2, scr, ts_get_threads());
    p = db + Cout;
    /* layer norm over Cin channels */
    float *mean = zeros((size_t)B * L), *rstd = zeros((size_t)B * L);
    ts_layernorm_forward(p, mean, rstd, x, g, b, B, Cin, L);
    p += nx;
    ts_layernorm_backward(p, p + nx, p + nx + Cin, dy, x, mean, rstd, g, B, Cin, L);
    p += nx + 2 * Cin;
    /* cross-entropy over (B*L, 64) logits */
    int N = B * L, V = 64;
    float *logits = randv((size_t)N * V, 2), *probs = zeros((size_t)N * V);
    int32_t *tg = malloc(N * sizeof(int32_t));
    for (int i = 0; i < N; i++) tg[i] = (int32_t)ts_rng_below(&rng, V);
    *p++ = ts_xent_forward(probs, logits, tg, N, V);
    ts_xent_backward(p, probs, tg, N, V, 1.0f);
    p += (size_t)N * V;
    float *lx = randv((size_t)Nl * In, 1), *lw = randv((size_t)Out * In, 1);
    float *ldy = randv((size_t)Nl * Out, 1);
    ts_linear_forward(p, lx, lw, NULL, Nl, In, Out);
    ts_linear_backward(NULL, p + (size_t)Nl * Out, NULL, ldy, lx, lw, Nl, In, Out);
    free(lx); free(lw); free(ldy);
    p += (size_t)Nl * Out + (size_t)Out * In;
    float *x1 = randv(n1, 1), *w1 = randv((size_t)C1 * C1, 1), *dy1 = randv(n1, 1);
    ts_conv1d_forward(p, x1, w1, NULL, B, C1, C1, L, 1, 1, NULL, ts_get_threads());
    ts_conv1d_backward(p + n1, p + 2 * n1, NULL, dy1, x1, w1, B, C1, C1, L, 1, 1, NULL, ts_get_threads());
    p += 2 * n1 + (size_t)C1 * C1;
    /* the same with scratch: items over threads, weight gradient in groups */
    float *scr1 = zeros(ts_conv1d_scratch_size(C1, C1, L, 1));
    ts_conv1d_forward(p, x1, w1, b, B, C1, C1, L, 1, 1, scr1, ts_get_threads());
    ts_conv1d_backward(p + n1, p + 2 * n1, NULL, dy1, x1, w1, B, C1, C1, L, 1, 1, scr1, ts_get_threads());
    free(scr1);
    free(x1); free(w1); free(dy1);
    *n_out = total;
    free(x); free(v); free(g); free(b); free(dy); free(scr); free(mean); free(rstd); free(logits);
    free(probs); free(tg);
    return res;
}

static void same_bits_for_any_thread_count(void)
{
    size_t n1, n;
    float *r1 = run_all(1, &n1);
    int counts[3] = {2, 3, 4};
    for (int i = 0; i < 3; i++) {
        float *r = run_all(counts[i], &n);
        REQUIRE(n == n1);
        size_t bad = 0;
        for (size_t j = 0; j < n; j++) bad += memcmp(&r[j], &r1[j], sizeof(float)) != 0;
        CHECK_MSG(bad == 0, "%zu of %zu values differ between 1 and %d threads", bad, n, counts[i]);
        free(r);
    }
    free(r1);
    ts_set_threads(1);
}

/* the split rule: what is known per kernel family, and on the running core the
 * rule's blocks give the bits of one product for every transposition */
static void gemm_split_rule_keeps_bits(void)
{
    int a;
    CHECK(ts_gemm_split_rule("SkylakeX", &a) == 1 && a == 16);
    CHECK(ts_gemm_split_rule("Prescott", &a) == 1 && a == 16);
    CHECK(ts_gemm_split_rule("Zen", &a) == 0 && a == 12);
    CHECK(ts_gemm_split_rule("Haswell", &a) == 0 && a == 12);
    CHECK(ts_gemm_split_rule("Neoverse", &a) == 0 && a == 48);
    int cols = ts_gemm_split_rule(openblas_get_corename(), &a);
    const int M = 200, N = 136, K = 700;
    float *A = randv((size_t)M * K, 1), *B = randv((size_t)K * N, 1);
    float *C1 = zeros((size_t)M * N), *C2 = zeros((size_t)M * N);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            int lda = ta ? M : K, ldb = tb ? K : N;
            ts_gemm_1t(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C1, N);
            for (int h = a; h < M; h += a) {   /* rows [0, h) and [h, M) */
                if ((double)h * N * K < TS_GEMM_BLOCK_MIN || (double)(M - h) * N * K < TS_GEMM_BLOCK_MIN)
                    continue;   /* ts_sgemm makes no such block */
                ts_gemm_1t(ta, tb, h, N, K, 1.0f, A, lda, B, ldb, 0.0f, C2, N);
                ts_gemm_1t(ta, tb, M - h, N, K, 1.0f, ta ? A + h : A + (size_t)h * K, lda, B, ldb, 0.0f,
                           C2 + (size_t)h * N, N);
                CHECK_MSG(!memcmp(C1, C2, (size_t)M * N * sizeof(float)),
                          "%s: rows split at %d (ta %d tb %d) change the bits", openblas_get_corename(), h, ta, tb);
            }
            for (int h = a; cols && h < N; h += a) {   /* columns [0, h) and [h, N) */
                if ((double)M * h * K < TS_GEMM_BLOCK_MIN || (double)M * (N - h) * K < TS_GEMM_BLOCK_MIN)
                    continue;
                ts_gemm_1t(ta, tb, M, h, K, 1.0f, A, lda, B, ldb, 0.0f, C2, N);
                ts_gemm_1t(ta, tb, M, N - h, K, 1.0f, A, lda, tb ? B + (size_t)h * K : B + h, ldb, 0.0f, C2 + h,
                           N);
                CHECK_MSG(!memcmp(C1, C2, (size_t)M * N * sizeof(float)),
                          "%s: columns split at %d (ta %d tb %d) change the bits", openblas_get_corename(), h, ta,
                          tb);
            }
        }
    free(A); free(B); free(C1); free(C2);
}

static void sgemm_matches_reference(void)
{
    /* all four transposition cases, sizes that split by rows and by columns */
    int shapes[][3] = {{200, 70, 50}, {20, 700, 50}, {5, 7, 3}};
    for (int s = 0; s < 3; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
                float *A = randv((size_t)M * K, 1), *Bm = randv((size_t)K * N, 1);
                float *C = randv((size_t)M * N, 1), *R = malloc((size_t)M * N * 4);
                int lda = ta ? M : K, ldb = tb ? K : N;
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double acc = 0.5 * C[(size_t)i * N + j];
                        for (int k = 0; k < K; k++)
                            acc += 2.0 * (ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k]) *
                                   (tb ? Bm[(size_t)j * ldb + k] : Bm[(size_t)k * ldb + j]);
                        R[(size_t)i * N + j] = (float)acc;
                    }
                ts_set_threads(3);
                ts_sgemm(ta, tb, M, N, K, 2.0f, A, lda, Bm, ldb, 0.5f, C, N);
                ts_set_threads(1);
                CHECK_MSG(maxdiff(C, R, (size_t)M * N) < 1e-4, "sgemm %dx%dx%d ta=%d tb=%d", M, N,
                          K, ta, tb);
                free(A); free(Bm); free(C); free(R);
            }
}

static float bf16_round(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    u = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    memcpy(&x, &u, 4);
    return x;
}

/* --precision bf16: every transposition, padded leading dimensions, alpha and
 * beta, split and unsplit; the result is the product of the bf16-rounded inputs
 * summed in float32 (so it is far closer to that than to the float32 product),
 * and the same bits for 1 and 3 threads */
static void bf16_gemm_matches_rounded_reference(void)
{
    if (ts_set_precision(TS_PRECISION_BF16) != 0) SKIP("%s", ts_error());
    int shapes[][3] = {{200, 70, 50}, {20, 700, 50}, {5, 7, 3}};
    for (int s = 0; s < 3; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2], ldc = N + 5;
                int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1;
                float *A = randv((size_t)(ta ? K : M) * lda, 1), *Bm = randv((size_t)(tb ? N : K) * ldb, 1);
                float *C0 = randv((size_t)M * ldc, 1), *C = malloc((size_t)M * ldc * 4);
                float *C1 = malloc((size_t)M * ldc * 4);
                float *R = malloc((size_t)M * N * 4), *F = malloc((size_t)M * N * 4);
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double acc = 0.5 * C0[(size_t)i * ldc + j], f = acc;
                        for (int k = 0; k < K; k++) {
                            float a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                            float b = tb ? Bm[(size_t)j * ldb + k] : Bm[(size_t)k * ldb + j];
                            acc += 2.0 * bf16_round(a) * bf16_round(b);
                            f += 2.0 * a * b;
                        }
                        R[(size_t)i * N + j] = (float)acc;
                        F[(size_t)i * N + j] = (float)f;
                    }
                memcpy(C, C0, (size_t)M * ldc * 4);
                memcpy(C1, C0, (size_t)M * ldc * 4);
                ts_set_threads(3);
                ts_sgemm(ta, tb, M, N, K, 2.0f, A, lda, Bm, ldb, 0.5f, C, ldc);
                ts_set_threads(1);
                ts_sgemm(ta, tb, M, N, K, 2.0f, A, lda, Bm, ldb, 0.5f, C1, ldc);
                double er = 0, ef = 0;
                size_t same = 0;
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        size_t o = (size_t)i * ldc + j, q = (size_t)i * N + j;
                        er = fmax(er, fabs(C[o] - R[q]));
                        ef = fmax(ef, fabs(C[o] - F[q]));
                        same += memcmp(&C[o], &C1[o], 4) == 0;
                    }
                int pad_kept = 1;   /* columns past N untouched */
                for (int i = 0; i < M; i++)
                    for (int j = N; j < ldc; j++)
                        pad_kept &= C[(size_t)i * ldc + j] == C0[(size_t)i * ldc + j];
                CHECK_MSG(er < 1e-4 && ef > 10 * er && pad_kept && same == (size_t)M * N,
                          "bf16 %dx%dx%d ta=%d tb=%d: off the rounded product by %g, the float32 one by "
                          "%g, padding kept %d, %zu of %d values the same at 1 and 3 threads", M, N, K, ta,
                          tb, er, ef, pad_kept, same, M * N);
                free(A); free(Bm); free(C0); free(C); free(C1); free(R); free(F);
            }
    CHECK(ts_get_precision() == TS_PRECISION_BF16 && !strcmp(ts_precision_name(TS_PRECISION_BF16), "bf16"));
    CHECK(ts_set_precision(TS_PRECISION_FP32) == 0 && ts_get_precision() == TS_PRECISION_FP32);
}

/* ts_gemm_1t_same_a: with the same A as the thread's previous product, the
 * same bits as rounding A again; another A (pointer or shape) is rounded afresh
 * even when the call says "same" (a wrong promise must not reuse a stale copy);
 * and in float32 it is ts_gemm_1t */
static void gemm_same_a_reuses_only_the_same_matrix(void)
{
    enum { M = 64, N = 48, K = 40 };
    for (int prec = 0; prec < 2; prec++) {
        if (prec == 1 && ts_set_precision(TS_PRECISION_BF16) != 0) SKIP("bf16 part: %s", ts_error());
        long fb0 = ts_gemm_bf16_fallbacks();
        float *A1 = randv(M * K, 1), *A2 = randv(M * K, 1), *B1 = randv(K * N, 1), *B2 = randv(K * N, 1);
        float *R12 = zeros(M * N), *R22 = zeros(M * N), *Rh = zeros(M * N), *C = zeros(M * N);
        ts_gemm_1t(0, 0, M, N, K, 1.0f, A1, K, B2, N, 0.0f, R12, N);
        ts_gemm_1t(0, 0, M, N, K, 1.0f, A2, K, B2, N, 0.0f, R22, N);
        ts_gemm_1t(0, 0, M / 2, N, K, 1.0f, A2, K, B2, N, 0.0f, Rh, N);
        ts_gemm_1t(0, 0, M, N, K, 1.0f, A1, K, B1, N, 0.0f, C, N);
        ts_gemm_1t_same_a(0, 0, M, N, K, 1.0f, A1, K, B2, N, 0.0f, C, N);
        CHECK_MSG(memcmp(C, R12, sizeof(float) * M * N) == 0, "precision %d: reused A", prec);
        ts_gemm_1t_same_a(0, 0, M, N, K, 1.0f, A2, K, B2, N, 0.0f, C, N);
        CHECK_MSG(memcmp(C, R22, sizeof(float) * M * N) == 0, "precision %d: another A", prec);
        ts_gemm_1t_same_a(0, 0, M / 2, N, K, 1.0f, A2, K, B2, N, 0.0f, C, N);
        CHECK_MSG(memcmp(C, Rh, sizeof(float) * M / 2 * N) == 0, "precision %d: another shape", prec);
        CHECK(maxdiff(R12, R22, M * N) > 1e-2);   /* the two As do differ */
        CHECK(ts_gemm_bf16_fallbacks() == fb0);
        free(A1); free(A2); free(B1); free(B2); free(R12); free(R22); free(Rh); free(C);
    }
    CHECK(ts_set_precision(TS_PRECISION_FP32) == 0);
}

/* past the bf16 primitive cache a product runs in float32 (the float32 bits)
 * and is counted. Fills the process's cache: run after the other bf16 tests. */
static void bf16_cache_full_falls_back_counted(void)
{
    if (ts_set_precision(TS_PRECISION_BF16) != 0) SKIP("%s", ts_error());
    enum { N = 8, K = 8 };
    float *A = randv(400 * K, 1), *Bm = randv(K * N, 1), *C = zeros(400 * N), *F = zeros(400 * N);
    long fb0 = ts_gemm_bf16_fallbacks();
    int M = 1;
    for (; M <= 300 && ts_gemm_bf16_fallbacks() == fb0; M++)   /* a new shape each */
        ts_gemm_1t(0, 0, M, N, K, 1.0f, A, K, Bm, N, 0.0f, C, N);
    CHECK_MSG(ts_gemm_bf16_fallbacks() == fb0 + 1, "no fallback counted after %d shapes", M - 1);
    M--;   /* the shape that fell back */
    ts_set_precision(TS_PRECISION_FP32);
    ts_gemm_1t(0, 0, M, N, K, 1.0f, A, K, Bm, N, 0.0f, F, N);
    CHECK(memcmp(C, F, sizeof(float) * M * N) == 0);
    /* a product that falls back leaves no stale bf16 copy of its A behind: A
     * rewritten in place, a product with it of a new shape (float32), then a
     * "same A" product of a cached shape (10 x 8 x 8, made above) rounds the
     * new A */
    ts_set_precision(TS_PRECISION_BF16);
    float *A2 = randv(10 * K, 1), *B9 = randv(K * 9, 1), *C9 = zeros(10 * 9), *R = zeros(10 * N);
    ts_gemm_1t(0, 0, 10, N, K, 1.0f, A, K, Bm, N, 0.0f, C, N);
    memcpy(A, A2, sizeof(float) * 10 * K);
    long fb1 = ts_gemm_bf16_fallbacks();
    ts_gemm_1t(0, 0, 10, 9, K, 1.0f, A, K, B9, 9, 0.0f, C9, 9);
    CHECK(ts_gemm_bf16_fallbacks() == fb1 + 1);
    ts_gemm_1t_same_a(0, 0, 10, N, K, 1.0f, A, K, Bm, N, 0.0f, C, N);
    ts_gemm_1t(0, 0, 10, N, K, 1.0f, A2, K, Bm, N, 0.0f, R, N);
    CHECK_MSG(memcmp(C, R, sizeof(float) * 10 * N) == 0, "a stale bf16 copy of A was reused");
    ts_set_precision(TS_PRECISION_FP32);
    free(A2); free(B9); free(C9); free(R);
    free(A); free(Bm); free(C); free(F);
}

static void known_values(void)
{
    float x[4] = {-1.0f, 0.0f, 1.0f, 2.0f}, y[4];
    ts_gelu_forward(y, x, 4);
    CHECK_NEAR(y[0], -0.15865525f, 1e-6);
    CHECK_NEAR(y[2], 0.84134475f, 1e-6);
    ts_silu_forward(y, x, 4);
    CHECK_NEAR(y[2], 0.73105858f, 1e-6);
    CHECK_NEAR(y[3], 1.76159416f, 1e-6);
    ts_relu_forward(y, x, 4);
    CHECK(y[0] == 0.0f && y[3] == 2.0f);
    /* gate of (1, 2*2, 1): tanh(a) * sigmoid(b) */
    float gx[4] = {0.5f, -1.0f, 0.0f, 2.0f}, gy[2];
    ts_gate_forward(gy, gx, 1, 2, 1);
    CHECK_NEAR(gy[0], tanhf(0.5f) * 0.5f, 1e-7);
    CHECK_NEAR(gy[1], tanhf(-1.0f) / (1 + expf(-2.0f)), 1e-7);

    /* saturation far out, and NaN stays NaN (a diverged run must show it) */
    float ext[4] = {NAN, 1e30f, -1e30f, -INFINITY}, eo[4], eg[2];
    ts_silu_forward(eo, ext, 4);
    CHECK(isnan(eo[0]) && eo[1] == 1e30f && fabsf(eo[2]) < 1e-6f);
    ts_gelu_forward(eo, ext, 4);
    CHECK(isnan(eo[0]) && eo[1] == 1e30f && fabsf(eo[2]) < 1e-6f);
    ts_gate_forward(eg, ext, 1, 2, 1);   /* tanh(NaN) sigmoid(1e30); tanh(-1e30) sigmoid(-inf) */
    CHECK(isnan(eg[0]) && fabsf(eg[1]) < 1e-30f);

    /* step embedding: t = 0 -> sin 0, cos 1; frequencies 1 .. 1e-4 */
    int32_t steps[2] = {0, 100};
    float e[2 * 128];
    ts_step_embedding(e, steps, 2, 128);
    CHECK(e[0] == 0.0f && e[64] == 1.0f && e[63] == 0.0f && e[127] == 1.0f);
    CHECK_NEAR(e[128 + 0], sin(100.0), 1e-5);
    CHECK_NEAR(e[128 + 64], cos(100.0), 1e-5);
    CHECK_NEAR(e[128 + 63], sin(100.0 * 1e-4), 1e-6);
    CHECK_NEAR(e[128 + 1], sin(100.0 * exp(-log(10000.0) / 63)), 1e-5);

    /* masked MSE: mean over counted positions only */
    float p[4] = {1, 2, 3, 4}, t[4] = {0, 0, 0, 0}, d[4] = {0};
    uint8_t m[4] = {0, 1, 0, 1};
    CHECK_NEAR(ts_mse_forward(p, t, m, 4), (4.0 + 16.0) / 2, 1e-6);
    CHECK_NEAR(ts_mse_forward(p, t, NULL, 4), 30.0 / 4, 1e-6);
    ts_mse_backward(d, p, t, m, 4, 0.5f);
    CHECK(d[0] == 0.0f && d[2] == 0.0f);
    CHECK_NEAR(d[1], 0.5 * 2 * 2 / 2.0, 1e-6);
    uint8_t none[4] = {0};
    CHECK(ts_mse_forward(p, t, none, 4) == 0.0f);
    ts_mse_backward(d, p, t, none, 4, 1.0f);
    CHECK_NEAR(d[1], 1.0, 1e-6);   /* unchanged */

    /* cross-entropy: equal logits give log V; probabilities sum to 1; may run in place */
    float lg[2 * 5] = {0}, pr[2 * 5];
    int32_t tg[2] = {3, -1};
    CHECK_NEAR(ts_xent_forward(pr, lg, tg, 2, 5), log(5.0), 1e-6);
    for (int v = 0; v < 5; v++) CHECK_NEAR(pr[v], 0.2, 1e-7);
    float big[3] = {1000.0f, 0.0f, -1000.0f};   /* no overflow */
    int32_t t0 = 1;
    float l = ts_xent_forward(big, big, &t0, 1, 3);
    CHECK_NEAR(l, 1000.0, 1e-3);
    CHECK_NEAR(big[0], 1.0, 1e-7);
    int32_t all_ignored[2] = {-1, -1};
    CHECK(ts_xent_forward(pr, lg, all_ignored, 2, 5) == 0.0f);

    /* embedding rows */
    float tab[3 * 2] = {1, 2, 3, 4, 5, 6}, out[3 * 2];
    int32_t ids[3] = {2, 0, 2};
    ts_embedding_forward(out, ids, tab, 3, 2);
    CHECK(out[0] == 5 && out[1] == 6 && out[2] == 1 && out[5] == 6);

    /* broadcast add */
    float bx[2 * 2 * 3] = {0}, bt[4] = {1, 2, 3, 4}, bo[12];
    ts_add_bcast_forward(bo, bx, bt, 2, 2, 3);
    CHECK(bo[0] == 1 && bo[2] == 1 && bo[3] == 2 && bo[11] == 4);
}

static void layernorm_normalises_each_position(void)
{
    int B = 2, C = 16, L = 130;
    size_t n = (size_t)B * C * L;
    float *x = randv(n, 3), *y = zeros(n), *ga = zeros(C), *be = zeros(C);
    for (size_t i = 0; i < n; i++) x[i] += 5.0f;
    for (int c = 0; c < C; c++) ga[c] = 1.0f;
    float *mean = zeros((size_t)B * L), *rstd = zeros((size_t)B * L);
    ts_layernorm_forward(y, mean, rstd, x, ga, be, B, C, L);
    for (int b = 0; b < B; b++)
        for (int l = 0; l < L; l += 13) {
            double s = 0, s2 = 0;
            for (int c = 0; c < C; c++) {
                double v = y[((size_t)b * C + c) * L + l];
                s += v;
                s2 += v * v;
            }
            CHECK_NEAR(s / C, 0.0, 1e-5);
            CHECK_NEAR(s2 / C, 1.0, 1e-3);   /* eps 1e-5 against variance ~9 */
        }
    free(x); free(y); free(ga); free(be); free(mean); free(rstd);
}

/* LayerNorm with an output bias and a residual added in its first pass: the
 * same bits as adding them first, and the sum left in x; L = 200 has a short
 * last block of positions */
static void layernorm_res_matches_separate_adds(void)
{
    int B = 3, C = 24, L = 200;
    size_t n = (size_t)B * C * L;
    float *x = randv(n, 2), *res = randv(n, 1), *bias = randv(C, 1), *ga = randv(C, 1), *be = randv(C, 1);
    float *t = zeros(n), *y0 = zeros(n), *y1 = zeros(n);
    float *m0 = zeros((size_t)B * L), *r0 = zeros((size_t)B * L), *m1 = zeros((size_t)B * L),
          *r1 = zeros((size_t)B * L);
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++)
            for (int l = 0; l < L; l++) {
                size_t i = ((size_t)b * C + c) * L + l;
                t[i] = (x[i] + bias[c]) + res[i];
            }
    ts_set_threads(1);
    ts_layernorm_forward(y0, m0, r0, t, ga, be, B, C, L);
    ts_set_threads(2);
    ts_layernorm_res_forward(y1, m1, r1, x, bias, res, ga, be, B, C, L);
    ts_set_threads(1);
    CHECK(memcmp(y0, y1, sizeof(float) * n) == 0);
    CHECK(memcmp(x, t, sizeof(float) * n) == 0);
    CHECK(memcmp(m0, m1, sizeof(float) * B * L) == 0 && memcmp(r0, r1, sizeof(float) * B * L) == 0);
    free(x); free(res); free(bias); free(ga); free(be); free(t); free(y0); free(y1);
    free(m0); free(r0); free(m1); free(r1);
}

/* the backward with dx written and the residual's gradient added in its pass
 * gives the bits of zeroing dx, accumulating into it, then adding it to the
 * residual's, at 1 and 2 threads and for an L not a multiple of the blocks */
static void layernorm_backward_res_same_bits(void)
{
    int B = 3, C = 24, L = 150;
    size_t n = (size_t)B * C * L;
    float *x = randv(n, 2), *dy = randv(n, 1), *ga = randv(C, 1), *be = randv(C, 1), *y = zeros(n);
    float *m = zeros((size_t)B * L), *r = zeros((size_t)B * L);
    float *dx0 = zeros(n), *dres0 = randv(n, 1), *dx1 = randv(n, 3), *dres1 = zeros(n), *dx2 = randv(n, 4);
    float *dg0 = randv(C, 1), *db0 = randv(C, 1), *dg1 = zeros(C), *db1 = zeros(C);
    memcpy(dres1, dres0, sizeof(float) * n);
    memcpy(dg1, dg0, sizeof(float) * C);
    memcpy(db1, db0, sizeof(float) * C);
    ts_layernorm_forward(y, m, r, x, ga, be, B, C, L);
    for (int nt = 1; nt <= 2; nt++) {
        ts_set_threads(nt);
        memset(dx0, 0, sizeof(float) * n);
        ts_layernorm_backward(dx0, dg0, db0, dy, x, m, r, ga, B, C, L);
        for (size_t i = 0; i < n; i++) dres0[i] += dx0[i];
        ts_layernorm_backward_res(dx1, dres1, dg1, db1, dy, x, m, r, ga, B, C, L);
        CHECK_MSG(memcmp(dx0, dx1, sizeof(float) * n) == 0 && memcmp(dres0, dres1, sizeof(float) * n) == 0,
                  "%d threads", nt);
        CHECK(memcmp(dg0, dg1, sizeof(float) * C) == 0 && memcmp(db0, db1, sizeof(float) * C) == 0);
        ts_layernorm_backward_res(dx2, NULL, dg1, db1, dy, x, m, r, ga, B, C, L);   /* dx alone */
        CHECK(memcmp(dx0, dx2, sizeof(float) * n) == 0);
        ts_layernorm_backward(dx0, dg0, db0, dy, x, m, r, ga, B, C, L);   /* keep the sums in step */
    }
    ts_set_threads(1);
    free(x); free(dy); free(ga); free(be); free(y); free(m); free(r); free(dx0); free(dres0);
    free(dx1); free(dres1); free(dx2); free(dg0); free(db0); free(dg1); free(db1);
}

/* LayerNorm's forward takes whole rows of positions when there are items enough
 * for the threads, blocks of 64 otherwise: item by item (B = 1 at 2 threads,
 * short blocks) and all items at once (whole rows) give the same bits */
static void layernorm_block_length_same_bits(void)
{
    int B = 4, C = 40, L = 200;
    size_t n = (size_t)B * C * L, CL = (size_t)C * L;
    float *x = randv(n, 2), *ga = randv(C, 1), *be = randv(C, 1), *y0 = zeros(n), *y1 = zeros(n);
    float *m0 = zeros((size_t)B * L), *r0 = zeros((size_t)B * L), *m1 = zeros((size_t)B * L),
          *r1 = zeros((size_t)B * L);
    ts_set_threads(2);
    ts_layernorm_forward(y0, m0, r0, x, ga, be, B, C, L);
    for (int b = 0; b < B; b++)
        ts_layernorm_forward(y1 + b * CL, m1 + (size_t)b * L, r1 + (size_t)b * L, x + b * CL, ga, be, 1, C, L);
    ts_set_threads(1);
    CHECK(memcmp(y0, y1, sizeof(float) * n) == 0);
    CHECK(memcmp(m0, m1, sizeof(float) * B * L) == 0 && memcmp(r0, r1, sizeof(float) * B * L) == 0);
    /* positions [95, 105) alone (bias and residual added there): the same bits
     * there, everything else untouched */
    float *bias = randv(C, 1), *res = randv(n, 1), *xs = zeros(n), *xf = zeros(n), *ys = zeros(n);
    memcpy(xs, x, sizeof(float) * n);
    memcpy(xf, x, sizeof(float) * n);
    ts_layernorm_res_forward(y0, m0, r0, xf, bias, res, ga, be, B, C, L);
    memset(y1, 0, sizeof(float) * n);
    ts_layernorm_res_forward_span(y1, m1, r1, xs, bias, res, ga, be, B, C, L, 95, 105);
    int in_same = 1, out_kept = 1;
    for (size_t i = 0; i < n; i++) {
        int l = (int)(i % L);
        if (l >= 95 && l < 105) in_same &= y0[i] == y1[i] && xs[i] == xf[i];
        else out_kept &= y1[i] == 0.0f && xs[i] == x[i];
    }
    CHECK(in_same && out_kept);
    free(bias); free(res); free(xs); free(xf); free(ys);
    free(x); free(ga); free(be); free(y0); free(y1); free(m0); free(r0); free(m1); free(r1);
}

/* a weight-normalised 1x1 convolution of some output rows alone (SSSD's last
 * block computes only its skip rows) gives those rows of the whole one, the
 * same bits, in float32 and in bf16 */
static void conv_rows_alone_same_bits(void)
{
    int B = 3, Cin = 48, Cout = 96, L = 200, half = Cout / 2;
    size_t nx = (size_t)B * Cin * L, ny = (size_t)B * Cout * L;
    float *x = randv(nx, 1), *v = randv((size_t)Cout * Cin, 1), *g = randv(Cout, 1), *b = randv(Cout, 1);
    size_t sc = ts_conv1d_wn_scratch_size(Cin, Cout, L, 1);
    float *S = zeros(sc), *y = zeros(ny), *h = zeros((size_t)B * half * L);
    for (int prec = 0; prec < 2; prec++) {
        if (prec && ts_set_precision(TS_PRECISION_BF16) != 0) {
            fprintf(stderr, "  (bf16 part skipped: %s)\n", ts_error());
            break;
        }
        ts_set_threads(2);
        ts_conv1d_wn_forward(y, x, v, g, b, B, Cin, Cout, L, 1, 1, S, ts_get_threads());
        ts_conv1d_wn_forward(h, x, v + (size_t)half * Cin, g + half, b + half, B, Cin, half, L, 1, 1, S, ts_get_threads());
        ts_set_threads(1);
        size_t same = 0;
        for (int i = 0; i < B; i++)
            same += memcmp(h + (size_t)i * half * L, y + ((size_t)i * Cout + half) * L,
                           sizeof(float) * half * L) == 0;
        CHECK_MSG(same == (size_t)B, "%s: %zu of %d items the same bits", prec ? "bf16" : "fp32", same, B);
    }
    CHECK(ts_set_precision(TS_PRECISION_FP32) == 0);
    free(x); free(v); free(g); free(b); free(S); free(y); free(h);
}

/* the convolution's backward with dx written gives the bits of zeroing dx
 * and accumulating into it: K = 1 and 3, with and without scratch (K = 1),
 * weight-normalised, 1 and 2 threads, float32 and bf16 */
static void conv_backward_set_same_bits(void)
{
    int B = 3, Cin = 24, Cout = 40, L = 150;
    size_t nx = (size_t)B * Cin * L, ny = (size_t)B * Cout * L;
    float *x = randv(nx, 1), *dy = randv(ny, 1), *v = randv((size_t)Cout * Cin * 3, 1), *g = randv(Cout, 1);
    float *dx0 = zeros(nx), *dx1 = zeros(nx), *p0 = zeros((size_t)Cout * Cin * 3 + 2 * Cout);
    float *p1 = zeros((size_t)Cout * Cin * 3 + 2 * Cout);
    ts_set_threads(2);   /* the scratch's col buffers: one for each of 2 threads */
    const int slots = ts_get_threads();
    size_t sc = ts_conv1d_wn_scratch_size(Cin, Cout, L, 3);
    ts_set_threads(1);
    float *S = zeros(sc);
    for (int prec = 0; prec < 2; prec++) {
        if (prec && ts_set_precision(TS_PRECISION_BF16) != 0) {
            fprintf(stderr, "  (bf16 part skipped: %s)\n", ts_error());
            break;
        }
        for (int nt = 1; nt <= 2; nt++)
            for (int K = 1; K <= 3; K += 2)
                for (int kind = 0; kind < 3; kind++) {   /* scratch, none (K = 1), weight norm */
                    if (kind == 1 && K != 1) continue;
                    size_t np = (size_t)Cout * Cin * K + 2 * Cout;
                    ts_set_threads(nt);
                    memset(dx0, 0, sizeof(float) * nx);
                    memset(p0, 0, sizeof(float) * np);
                    memset(p1, 0, sizeof(float) * np);
                    for (size_t i = 0; i < nx; i++) dx1[i] = 7.0f;
                    float *dw0 = p0 + 2 * Cout, *dw1 = p1 + 2 * Cout;
                    if (kind == 2) {
                        ts_conv1d_wn_backward(dx0, dw0, p0, p0 + Cout, dy, x, v, g, B, Cin, Cout, L, K, 1, S, slots);
                        ts_conv1d_wn_backward_set(dx1, dw1, p1, p1 + Cout, dy, x, v, g, B, Cin, Cout, L, K, 1, S, slots);
                    } else {
                        float *s = kind ? NULL : S;
                        ts_conv1d_backward(dx0, dw0, p0, dy, x, v, B, Cin, Cout, L, K, 1, s, slots);
                        ts_conv1d_backward_set(dx1, dw1, p1, dy, x, v, B, Cin, Cout, L, K, 1, s, slots);
                    }
                    ts_set_threads(1);
                    CHECK_MSG(memcmp(dx0, dx1, sizeof(float) * nx) == 0 && memcmp(p0, p1, sizeof(float) * np) == 0,
                              "%s, %d threads, K %d, kind %d", prec ? "bf16" : "fp32", nt, K, kind);
                }
    }
    CHECK(ts_set_precision(TS_PRECISION_FP32) == 0);
    free(x); free(dy); free(v); free(g); free(dx0); free(dx1); free(p0); free(p1); free(S);
}

/* the convolution's scratch covers the threads set when its size is asked, not
 * every core: one col buffer (2 Cin K L floats) a thread for K > 1, none for K = 1 */
static void conv_scratch_sized_by_threads(void)
{
    const int Cin = 8, Cout = 6, L = 50;
    const size_t col = ts_round_up(2 * (size_t)Cin * 3 * L, 16);
    size_t sz[2][2];
    for (int nt = 1; nt <= 2; nt++) {
        ts_set_threads(nt);
        sz[nt - 1][0] = ts_conv1d_scratch_size(Cin, Cout, L, 1);
        sz[nt - 1][1] = ts_conv1d_scratch_size(Cin, Cout, L, 3);
    }
    ts_set_threads(1);
    CHECK_MSG(sz[1][1] == sz[0][1] + col, "K 3: %zu floats at 1 thread, %zu at 2 (a col buffer: %zu)",
              sz[0][1], sz[1][1], col);
    CHECK_MSG(sz[0][1] < 2 * col, "K 3 at 1 thread: %zu floats, more than one col buffer (%zu)", sz[0][1], col);
    CHECK(sz[0][0] == sz[1][0]);
}

/* a scratch sized at 1 or 2 threads, then the convolution run with more threads
 * than it has col buffers (a count raised after its size was asked): forward and
 * backward (weight-normalised, K = 3, items over the threads) stay in the scratch
 * (allocated to its size: the sanitizer build sees a step past it) and give the
 * bits of the count it was sized at */
static void conv_threads_raised_after_sizing(void)
{
    const int B = 8, Cin = 6, Cout = 10, L = 40, K = 3;
    const size_t nx = (size_t)B * Cin * L, ny = (size_t)B * Cout * L, nw = (size_t)Cout * Cin * K;
    const size_t nr = ny + nx + nw + 2 * (size_t)Cout;
    float *x = randv(nx, 1), *dy = randv(ny, 1), *v = randv(nw, 1), *g = randv(Cout, 1), *b = randv(Cout, 1);
    for (int at = 1; at <= 2; at++) {
        float *res[2];
        for (int k = 0; k < 2; k++) {
            ts_set_threads(at);
            const int slots = ts_get_threads();
            float *S = malloc(ts_conv1d_wn_scratch_size(Cin, Cout, L, K) * sizeof(float));
            if (k) ts_set_threads(4 * at);   /* raised past the col buffers */
            float *r = res[k] = zeros(nr), *dx = r + ny, *dv = dx + nx, *dg = dv + nw, *db = dg + Cout;
            ts_conv1d_wn_forward(r, x, v, g, b, B, Cin, Cout, L, K, 2, S, slots);
            ts_conv1d_wn_backward(dx, dv, dg, db, dy, x, v, g, B, Cin, Cout, L, K, 2, S, slots);
            free(S);
        }
        ts_set_threads(1);
        CHECK_MSG(memcmp(res[0], res[1], nr * sizeof(float)) == 0, "sized at %d threads, run at %d: other bits",
                  at, 4 * at);
        free(res[0]); free(res[1]);
    }
    free(x); free(dy); free(v); free(g); free(b);
}

static void initialisers(void)
{
    size_t n = 200000;
    float *w = zeros(n);
    ts_init_kaiming_normal(w, n, 256, &rng);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) { s += w[i]; s2 += (double)w[i] * w[i]; }
    CHECK_NEAR(s / n, 0.0, 1e-3);
    CHECK_NEAR(sqrt(s2 / n), sqrt(2.0 / 256), 1e-3);
    ts_init_torch_default(w, n, 100, &rng);
    float mx = 0;
    for (size_t i = 0; i < n; i++) mx = fabsf(w[i]) > mx ? fabsf(w[i]) : mx;
    CHECK(mx <= 0.1f && mx > 0.099f);
    ts_init_kaiming_uniform(w, n, 6, &rng);
    mx = 0;
    for (size_t i = 0; i < n; i++) mx = fabsf(w[i]) > mx ? fabsf(w[i]) : mx;
    CHECK(mx <= 1.0f && mx > 0.99f);

    /* weight norm init: g = ||v|| per output channel, so the effective weight is v */
    int Cin = 8, Cout = 6, K = 3;
    size_t nw = (size_t)Cout * Cin * K;
    float *v = zeros(nw), *g = zeros(Cout), *b = zeros(Cout), *wt = zeros(nw), *nr = zeros(Cout);
    ts_conv1d_wn_init(v, g, b, Cin, Cout, K, TS_WN_TORCH_EFFECTIVE, &rng);
    ts_weightnorm_forward(wt, nr, v, g, Cout, Cin * K);
    CHECK(maxdiff(wt, v, nw) < 1e-6);
    for (int o = 0; o < Cout; o++) CHECK_NEAR(g[o], nr[o], 1e-6);
    float bound = 1.0f / sqrtf((float)(Cin * K));
    for (size_t i = 0; i < nw; i++) CHECK(fabsf(v[i]) <= bound);
    for (int o = 0; o < Cout; o++) CHECK(fabsf(b[o]) <= bound && b[o] != 0.0f);
    /* same seed, same parameters */
    ts_rng r1, r2;
    ts_rng_seed(&r1, 5);
    ts_rng_seed(&r2, 5);
    float *v2 = zeros(nw), *g2 = zeros(Cout), *b2 = zeros(Cout);
    ts_conv1d_wn_init(v, g, b, Cin, Cout, K, TS_WN_KAIMING_NORMAL, &r1);
    ts_conv1d_wn_init(v2, g2, b2, Cin, Cout, K, TS_WN_KAIMING_NORMAL, &r2);
    CHECK(memcmp(v, v2, nw * 4) == 0 && memcmp(g, g2, Cout * 4) == 0 && memcmp(b, b2, Cout * 4) == 0);
    free(w); free(v); free(g); free(b); free(wt); free(nr); free(v2); free(g2); free(b2);
}

static void bench_layers_cli(void)
{
    char err[512], out[8192];
    int rc = run_cli("bench layers --channels 8 --batch 2 --length 16 --min-time 0 --threads 1",
                     err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
    /* the k=1 convolution's products per item beside one over the batch, the three of them */
    rc = run_stdout("bench layers --channels 8 --batch 2 --length 16 --min-time 0 --threads 2", out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "k=1 convolution 8->16, B=2 L=16: B products of (16, L) against one of (16, B L)") &&
                  strstr(out, "  forward W X ") && strstr(out, "  input grad W^T dY ") &&
                  strstr(out, "  weight grad dY X^T "),
              "exit %d: %s", rc, out);
    CHECK(run_cli("bench layers --help", err, sizeof err) == 0);
    CHECK(run_cli("bench layers --batch 0", err, sizeof err) == 2);
    CHECK(strstr(err, "--batch") != NULL);
    CHECK(run_cli("bench layers --length", err, sizeof err) == 2);
    CHECK(strstr(err, "--length") != NULL);
    CHECK(run_cli("bench layers --frobnicate 3", err, sizeof err) == 2);
    CHECK(strstr(err, "frobnicate") != NULL);
}

TEST_MAIN("test_nn_layers", {
    ts_rng_seed(&rng, 4242);
    ts_set_threads(1);
    RUN(conv_matches_direct_loops);
    RUN(weightnorm_conv_is_conv_of_normalised_weight);
    RUN(backward_accumulates);
    RUN(kept_factors_same_bits);
    RUN(same_bits_for_any_thread_count);
    RUN(gemm_split_rule_keeps_bits);
    RUN(sgemm_matches_reference);
    RUN(bf16_gemm_matches_rounded_reference);
    RUN(gemm_same_a_reuses_only_the_same_matrix);
    RUN(known_values);
    RUN(layernorm_normalises_each_position);
    RUN(layernorm_res_matches_separate_adds);
    RUN(layernorm_backward_res_same_bits);
    RUN(conv_backward_set_same_bits);
    RUN(layernorm_block_length_same_bits);
    RUN(conv_rows_alone_same_bits);
    RUN(conv_scratch_sized_by_threads);
    RUN(conv_threads_raised_after_sizing);
    RUN(initialisers);
    RUN(bench_layers_cli);
    RUN(bf16_cache_full_falls_back_counted);   /* last: fills the bf16 primitive cache */
})
