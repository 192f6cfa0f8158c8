/* Transformer layers: row LayerNorm, learned and rotary positions, the
 * self-attention core and the encoder block.
 *  - gradient checks: analytic backward against central finite differences of
 *    the forward, for every parameter and input (as tests/test_nn_grad.c);
 *  - PyTorch parity: outputs and all gradients against tests/fixtures/attention.bin
 *    (written by tests/torch/attention_fixtures.py, float64 PyTorch);
 *  - properties: in-place and NULL dx, thread-count invariance, shape checks. */
#include "check.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "tracesynth.h"
#include "tracesynth/nn.h"

#include <stdint.h>

#define H 1e-2f

static ts_rng rng;

static float *randv(size_t n, float scale) { return randv_from(&rng, n, scale); }
static float *copyv(const float *x, size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof(float));
    memcpy(p, x, n * sizeof(float));
    return p;
}

/* ======================= gradient checks ======================= */

/* ---- LayerNorm over rows ---- */
static struct { int N, C; float *x, *ga, *be, *out, *mean, *rstd, *R; } lr;

static double lnrows_loss(void)
{
    ts_layernorm_rows_forward(lr.out, lr.mean, lr.rstd, lr.x, lr.ga, lr.be, lr.N, lr.C);
    return dot(lr.out, lr.R, (size_t)lr.N * lr.C);
}

static void grad_layernorm_rows(void)
{
    lr.N = 5; lr.C = 37;   /* two lane blocks and a tail */
    size_t n = (size_t)lr.N * lr.C;
    lr.x = randv(n, 1); lr.ga = randv(lr.C, 1); lr.be = randv(lr.C, 1);
    lr.out = zeros(n); lr.R = randv(n, 1); lr.mean = zeros(lr.N); lr.rstd = zeros(lr.N);
    float *dx = zeros(n), *dga = zeros(lr.C), *dbe = zeros(lr.C);
    lnrows_loss();
    ts_layernorm_rows_backward(dx, dga, dbe, lr.R, lr.x, lr.mean, lr.rstd, lr.ga, lr.N, lr.C);
    GRAD_OK("layernorm_rows x", lnrows_loss, lr.x, dx, n, 1e-3);
    GRAD_OK("layernorm_rows gamma", lnrows_loss, lr.ga, dga, lr.C, 1e-3);
    GRAD_OK("layernorm_rows beta", lnrows_loss, lr.be, dbe, lr.C, 1e-3);
    /* dx NULL: the same parameter gradients */
    float *dga2 = zeros(lr.C), *dbe2 = zeros(lr.C);
    ts_layernorm_rows_backward(NULL, dga2, dbe2, lr.R, lr.x, lr.mean, lr.rstd, lr.ga, lr.N, lr.C);
    CHECK(!memcmp(dga, dga2, lr.C * sizeof(float)) && !memcmp(dbe, dbe2, lr.C * sizeof(float)));
    /* it is the channels-first layer on (N, C, 1) data */
    float *o2 = zeros(n), *m2 = zeros(lr.N), *r2 = zeros(lr.N);
    lnrows_loss();
    ts_layernorm_forward(o2, m2, r2, lr.x, lr.ga, lr.be, lr.N, lr.C, 1);
    for (size_t i = 0; i < n; i++) CHECK_NEAR(o2[i], lr.out[i], 1e-5);
    free(lr.x); free(lr.ga); free(lr.be); free(lr.out); free(lr.R); free(lr.mean); free(lr.rstd);
    free(dx); free(dga); free(dbe); free(dga2); free(dbe2); free(o2); free(m2); free(r2);
}

/* ---- learned positions ---- */
static struct { int B, L, C; float *x, *tab, *out, *R; } pe;

static double posemb_loss(void)
{
    ts_posemb_forward(pe.out, pe.x, pe.tab, pe.B, pe.L, pe.C);
    return dot(pe.out, pe.R, (size_t)pe.B * pe.L * pe.C);
}

static void grad_posemb(void)
{
    pe.B = 3; pe.L = 4; pe.C = 5;
    int Lmax = 6;
    size_t n = (size_t)pe.B * pe.L * pe.C, nt = (size_t)Lmax * pe.C;
    pe.x = randv(n, 1); pe.tab = randv(nt, 1); pe.out = zeros(n); pe.R = randv(n, 1);
    float *dx = zeros(n), *dt = zeros(nt);
    posemb_loss();
    ts_posemb_backward(dx, dt, pe.R, pe.B, pe.L, pe.C);
    GRAD_OK("posemb x", posemb_loss, pe.x, dx, n, 1e-3);
    GRAD_OK("posemb table", posemb_loss, pe.tab, dt, nt, 1e-3);
    /* rows past L get nothing */
    for (size_t i = (size_t)pe.L * pe.C; i < nt; i++) CHECK(dt[i] == 0.0f);
    free(pe.x); free(pe.tab); free(pe.out); free(pe.R); free(dx); free(dt);
}

/* ---- RoPE over heads inside wider rows ---- */
static struct { int B, L, nh, D, ld; float *x, *tab, *out, *R; } rp;

static double rope_loss(void)
{
    ts_rope_forward(rp.out, rp.x, rp.tab, rp.B, rp.L, rp.nh, rp.D, rp.ld);
    return dot(rp.out, rp.R, (size_t)rp.B * rp.L * rp.ld);
}

static void grad_rope(void)
{
    rp.B = 2; rp.L = 7; rp.nh = 3; rp.D = 6; rp.ld = 23;   /* 5 floats per row not rotated */
    size_t n = (size_t)rp.B * rp.L * rp.ld;
    rp.x = randv(n, 1); rp.tab = zeros((size_t)rp.L * rp.D); rp.R = randv(n, 1);
    ts_rope_table(rp.tab, rp.L, rp.D, 10000.0);
    rp.out = copyv(rp.x, n);   /* columns past nh*D: the forward leaves them, = x */
    float *dx = zeros(n);
    rope_loss();
    ts_rope_backward(dx, rp.R, rp.tab, rp.B, rp.L, rp.nh, rp.D, rp.ld);
    /* the columns past the heads: no gradient written (and finite differences
     * there see a fixed out, so they check that too) */
    int untouched = 1;
    for (int r = 0; r < rp.B * rp.L; r++)
        for (int j = rp.nh * rp.D; j < rp.ld; j++) untouched &= dx[(size_t)r * rp.ld + j] == 0.0f;
    CHECK(untouched);
    GRAD_OK("rope x", rope_loss, rp.x, dx, n, 1e-3);
    /* position 0 is the identity, and rotations keep each pair's length */
    ts_rope_forward(rp.out, rp.x, rp.tab, rp.B, rp.L, rp.nh, rp.D, rp.ld);
    for (int j = 0; j < rp.nh * rp.D; j++) CHECK(rp.out[j] == rp.x[j]);
    for (int l = 1; l < rp.L; l++)
        for (int i = 0; i < rp.D / 2; i++) {
            size_t o = (size_t)l * rp.ld + i;
            double a = hypot(rp.x[o], rp.x[o + rp.D / 2]), b = hypot(rp.out[o], rp.out[o + rp.D / 2]);
            CHECK_NEAR(a, b, 1e-5 * (1 + a));
        }
    /* in place */
    float *ip = copyv(rp.x, n);
    ts_rope_forward(ip, ip, rp.tab, rp.B, rp.L, rp.nh, rp.D, rp.ld);
    for (size_t i = 0; i < (size_t)rp.L * rp.ld; i++) CHECK(ip[i] == rp.out[i]);
    free(rp.x); free(rp.tab); free(rp.out); free(rp.R); free(dx); free(ip);
}

/* ---- attention core ---- */
static struct { int B, L, C, Hh; float *qkv, *att, *out, *R; } at;

static double attn_loss(void)
{
    ts_attention_forward(at.out, at.att, at.qkv, at.B, at.L, at.C, at.Hh);
    return dot(at.out, at.R, (size_t)at.B * at.L * at.C);
}

static void attn_case(int B, int L, int C, int Hh)
{
    at.B = B; at.L = L; at.C = C; at.Hh = Hh;
    size_t nq = (size_t)B * L * 3 * C, no = (size_t)B * L * C;
    at.qkv = randv(nq, 1); at.att = zeros((size_t)B * Hh * L * L); at.out = zeros(no);
    at.R = randv(no, 1);
    float *dq = zeros(nq), *scr = zeros(ts_attention_scratch_size(L));
    attn_loss();
    ts_attention_backward(dq, at.R, at.qkv, at.att, B, L, C, Hh, scr, ts_get_threads());
    char name[64];
    snprintf(name, sizeof name, "attention B%d L%d C%d H%d qkv", B, L, C, Hh);
    GRAD_OK(name, attn_loss, at.qkv, dq, nq, 1e-3);
    /* probabilities: rows sum to 1 */
    attn_loss();
    for (int r = 0; r < B * Hh * L; r++) {
        double s = 0;
        for (int j = 0; j < L; j++) s += at.att[(size_t)r * L + j];
        CHECK_NEAR(s, 1.0, 1e-5);
    }
    free(at.qkv); free(at.att); free(at.out); free(at.R); free(dq); free(scr);
}

static void grad_attention(void)
{
    attn_case(2, 5, 8, 2);
    attn_case(1, 19, 6, 3);   /* lane tail in the softmax sums, odd head width */
    attn_case(2, 4, 4, 1);
}

/* ---- the encoder block ---- */
static struct {
    ts_tblock_config c;
    int B, L;
    float *x, *p, *tab, *out, *act, *R;
} tb;

static double block_loss(void)
{
    ts_tblock_forward(&tb.c, tb.p, tb.tab, tb.x, tb.out, tb.act, tb.B, tb.L);
    return dot(tb.out, tb.R, (size_t)tb.B * tb.L * tb.c.C);
}

/* parameters of a block drawn at a scale where every path matters */
static void block_params(const ts_tblock_config *c, float *p)
{
    ts_tblock_layout lo;
    ts_tblock_layout_of(c, &lo);
    for (size_t i = 0; i < lo.total; i++) p[i] = 0.3f * ts_rng_normal(&rng);
    for (int i = 0; i < c->C; i++) {
        p[lo.ln1_g + i] += 1.0f;
        p[lo.ln2_g + i] += 1.0f;
    }
}

static void block_case(int B, int L, int C, int Hh, int Fh, int rope)
{
    ts_tblock_config c = {C, Hh, Fh, rope};
    REQUIRE(ts_tblock_check(&c) == 0);
    ts_tblock_layout lo;
    ts_tblock_layout_of(&c, &lo);
    tb.c = c; tb.B = B; tb.L = L;
    size_t n = (size_t)B * L * C;
    tb.x = randv(n, 1); tb.p = zeros(lo.total); block_params(&c, tb.p);
    tb.tab = rope ? zeros((size_t)(L + 3) * (C / Hh)) : NULL;
    if (rope) ts_rope_table(tb.tab, L + 3, C / Hh, 10000.0);   /* a longer table works too */
    tb.out = zeros(n); tb.act = zeros(ts_tblock_act_size(&c, B, L)); tb.R = randv(n, 1);
    float *scr = zeros(ts_tblock_scratch_size(&c, B, L));
    float *dx = zeros(n), *dp = zeros(lo.total);
    block_loss();
    ts_tblock_backward(&c, tb.p, tb.tab, tb.x, tb.act, tb.R, dp, dx, scr, ts_get_threads(), B, L);

    static const char *names[12] = {"ln1_g", "ln1_b", "qkv_w", "qkv_b", "proj_w", "proj_b",
                                    "ln2_g", "ln2_b", "fc1_w", "fc1_b", "fc2_w", "fc2_b"};
    size_t offs[13] = {lo.ln1_g, lo.ln1_b, lo.qkv_w, lo.qkv_b, lo.proj_w, lo.proj_b, lo.ln2_g,
                       lo.ln2_b, lo.fc1_w, lo.fc1_b, lo.fc2_w, lo.fc2_b, lo.total};
    char name[96];
    for (int k = 0; k < 12; k++) {
        snprintf(name, sizeof name, "block%s %s", rope ? "+rope" : "", names[k]);
        GRAD_OK(name, block_loss, tb.p + offs[k], dp + offs[k], offs[k + 1] - offs[k], 2e-3);
    }
    snprintf(name, sizeof name, "block%s x", rope ? "+rope" : "");
    GRAD_OK(name, block_loss, tb.x, dx, n, 2e-3);

    /* accumulation: a second backward doubles every gradient; dx NULL
     * gives the same parameter gradients; dx == dout (in place) gives dout + dx */
    block_loss();
    float *dp2 = zeros(lo.total), *dx2 = zeros(n);
    ts_tblock_backward(&c, tb.p, tb.tab, tb.x, tb.act, tb.R, dp2, NULL, scr, ts_get_threads(), B, L);
    CHECK(!memcmp(dp, dp2, lo.total * sizeof(float)));
    ts_tblock_backward(&c, tb.p, tb.tab, tb.x, tb.act, tb.R, dp2, dx2, scr, ts_get_threads(), B, L);
    /* (ts_linear_backward adds bias rows straight into db: equal to rounding) */
    for (size_t i = 0; i < lo.total; i++) CHECK_NEAR(dp2[i], 2.0 * dp[i], 1e-5 * (1 + fabs(dp[i])));
    float *buf = copyv(tb.R, n), *dp3 = zeros(lo.total);
    ts_tblock_backward(&c, tb.p, tb.tab, tb.x, tb.act, buf, dp3, buf, scr, ts_get_threads(), B, L);
    CHECK(!memcmp(dp, dp3, lo.total * sizeof(float)));
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        /* dx was accumulated into zeros as dout + branches: the same sum */
        double e = fabs((double)buf[i] - dx[i]);
        if (e > worst) worst = e;
    }
    CHECK_MSG(worst <= 1e-5, "in-place dx differs by %.3g", worst);
    free(tb.x); free(tb.p); free(tb.tab); free(tb.out); free(tb.act); free(tb.R); free(scr);
    free(dx); free(dp); free(dp2); free(dx2); free(buf); free(dp3);
}

static void grad_block(void)
{
    block_case(2, 5, 8, 2, 12, 0);
    block_case(2, 6, 8, 2, 12, 1);
    block_case(1, 17, 6, 3, 10, 1);   /* head width 2, softmax lane tail */
}

/* ======================= properties ======================= */

/* the same bits with 1 and 2 threads, at a size where every layer goes parallel */
static void block_threads(void)
{
    ts_tblock_config c = {64, 4, 128, 1};
    int B = 8, L = 72;
    ts_tblock_layout lo;
    ts_tblock_layout_of(&c, &lo);
    size_t n = (size_t)B * L * c.C;
    float *x = randv(n, 1), *p = zeros(lo.total), *tab = zeros((size_t)L * 16), *R = randv(n, 1);
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_tblock_init(&c, p, 4, &r);
    ts_rope_table(tab, L, 16, 10000.0);
    float *act = zeros(ts_tblock_act_size(&c, B, L)), *scr = zeros(ts_tblock_scratch_size(&c, B, L));
    const int slots = ts_get_threads();   /* the count the scratch was sized for (2) */
    float *out[2], *dx[2], *dp[2];
    for (int t = 0; t < 2; t++) {
        ts_set_threads(t + 1);
        out[t] = zeros(n); dx[t] = zeros(n); dp[t] = zeros(lo.total);
        ts_tblock_forward(&c, p, tab, x, out[t], act, B, L);
        ts_tblock_backward(&c, p, tab, x, act, R, dp[t], dx[t], scr, slots, B, L);
    }
    ts_set_threads(2);
    CHECK(!memcmp(out[0], out[1], n * sizeof(float)));
    CHECK(!memcmp(dx[0], dx[1], n * sizeof(float)));
    CHECK(!memcmp(dp[0], dp[1], lo.total * sizeof(float)));
    /* init: LayerNorm gains 1, biases 0, residual projections smaller */
    CHECK(p[lo.ln1_g] == 1.0f && p[lo.ln2_b] == 0.0f && p[lo.qkv_b] == 0.0f);
    double s1 = 0, s2 = 0;
    for (int i = 0; i < c.C * c.C; i++) {
        s1 += (double)p[lo.qkv_w + i] * p[lo.qkv_w + i];
        s2 += (double)p[lo.proj_w + i] * p[lo.proj_w + i];
    }
    CHECK(s2 < 0.5 * s1);
    free(x); free(p); free(tab); free(R); free(act); free(scr);
    for (int t = 0; t < 2; t++) { free(out[t]); free(dx[t]); free(dp[t]); }
}

/* the attention's scratch covers the threads set when its size is asked, not
 * every core: one L x L buffer a thread (the block's scratch holds it) */
static void attention_scratch_sized_by_threads(void)
{
    const int L = 30;
    const ts_tblock_config c = {16, 4, 32, 1};
    size_t a[2], blk[2];
    for (int nt = 1; nt <= 2; nt++) {
        ts_set_threads(nt);
        a[nt - 1] = ts_attention_scratch_size(L);
        blk[nt - 1] = ts_tblock_scratch_size(&c, 2, L);
    }
    ts_set_threads(2);
    const size_t one = ts_round_up((size_t)L * L, 16);
    CHECK_MSG(a[0] == one && a[1] == 2 * one, "L x L buffers: %zu floats at 1 thread, %zu at 2 (one: %zu)",
              a[0], a[1], one);
    CHECK(blk[1] == blk[0] + one);
}

/* a scratch sized at 1 or 2 threads, then the attention's backward and the
 * block's run with more threads than it has buffers (a count raised after its
 * size was asked): they stay in the scratch (allocated to its size: the
 * sanitizer build sees a step past it) and give the bits of the count it was
 * sized at */
static void attention_threads_raised_after_sizing(void)
{
    const ts_tblock_config c = {16, 4, 32, 1};
    const int B = 4, L = 12, Hh = 4;   /* c's heads */
    ts_tblock_layout lo;
    ts_tblock_layout_of(&c, &lo);
    const size_t n = (size_t)B * L * c.C, nq = 3 * n;
    float *x = randv(n, 1), *p = zeros(lo.total), *tab = zeros((size_t)L * (c.C / Hh)), *R = randv(n, 1);
    float *qkv = randv(nq, 1), *att = zeros((size_t)B * Hh * L * L), *o = zeros(n);
    block_params(&c, p);
    ts_rope_table(tab, L, c.C / Hh, 10000.0);
    float *act = zeros(ts_tblock_act_size(&c, B, L));
    ts_tblock_forward(&c, p, tab, x, o, act, B, L);
    ts_attention_forward(o, att, qkv, B, L, c.C, Hh);
    const size_t nr = nq + n + lo.total;
    for (int nt = 1; nt <= 2; nt++) {
        float *res[2];
        for (int k = 0; k < 2; k++) {
            ts_set_threads(nt);
            const int slots = ts_get_threads();
            float *sa = malloc(ts_attention_scratch_size(L) * sizeof(float));
            float *sb = malloc(ts_tblock_scratch_size(&c, B, L) * sizeof(float));
            if (k) ts_set_threads(4 * nt);   /* raised past the buffers */
            float *r = res[k] = zeros(nr);
            ts_attention_backward(r, R, qkv, att, B, L, c.C, Hh, sa, slots);
            ts_tblock_backward(&c, p, tab, x, act, R, r + nq + n, r + nq, sb, slots, B, L);
            free(sa); free(sb);
        }
        ts_set_threads(2);
        CHECK_MSG(memcmp(res[0], res[1], nr * sizeof(float)) == 0, "sized at %d threads, run at %d: other bits",
                  nt, 4 * nt);
        free(res[0]); free(res[1]);
    }
    free(x); free(p); free(tab); free(R); free(qkv); free(att); free(o); free(act);
}

/* the checks themselves fail on a NaN: an output, a loss or a gradient that is NaN must not
 * read as within any tolerance */
static float nan_at;   /* the parameter whose loss is NaN (nan_loss) */
static double nan_loss(void) { return nan_at == 0 ? 1.0 : NAN; }
static void checks_fail_on_nan(void)
{
    const float ref[3] = {1, 2, 3}, ours[3] = {1, NAN, 3};
    CHECK_MSG(!(relerr(ours, ref, 3) <= 1e-5), "a NaN output: relative error %g", relerr(ours, ref, 3));
    CHECK_MSG(!(relerr(ref, ours, 3) <= 1e-5), "a NaN reference: relative error %g", relerr(ref, ours, 3));
    float g[1] = {NAN};
    nan_at = 0;
    CHECK_MSG(!(fd_worst(nan_loss, &nan_at, g, 1, H, NULL) <= 1e-3), "a NaN gradient passed");
    g[0] = 0;
    nan_at = 1;   /* the loss NaN on either side */
    CHECK_MSG(!(fd_worst(nan_loss, &nan_at, g, 1, H, NULL) <= 1e-3), "a NaN loss passed");
}

static void block_config_errors(void)
{
    ts_tblock_config ok = {8, 2, 16, 1}, bad1 = {10, 3, 16, 0}, bad2 = {6, 2, 16, 1},
                     bad3 = {8, 2, 0, 0}, bad4 = {8, 2, 8, 2};
    CHECK(ts_tblock_check(&ok) == 0);
    CHECK(ts_tblock_check(&bad1) == -1);
    CHECK(strstr(ts_error(), "multiple of heads") != NULL);
    CHECK(ts_tblock_check(&bad2) == -1);   /* head width 3 with rope */
    CHECK(strstr(ts_error(), "even head width") != NULL);
    CHECK(ts_tblock_check(&bad3) == -1);
    CHECK(ts_tblock_check(&bad4) == -1);
}

/* ======================= PyTorch parity ======================= */

#define FIXTURE "tests/fixtures/attention.bin"
#define TOL 1e-5   /* max |ours - torch| / max |torch| over an array */


static int fx_ok(void)
{
    if (nfx) return 1;
    fprintf(stderr, "  FAIL %s: %s: %s (regenerate with /usr/bin/python3 "
            "tests/torch/attention_fixtures.py)\n", t_name, FIXTURE, fx_err);
    t_failed_now = 1;
    return 0;
}

static void torch_layernorm_rows(void)
{
    if (!fx_ok()) return;
    const fx_array *xa = fx_find("lnrows.x");
    REQUIRE(xa && xa->ndim == 2);
    int N = (int)xa->dims[0], C = (int)xa->dims[1];
    const float *ga = fx_get("lnrows.gamma"), *be = fx_get("lnrows.beta"), *gy = fx_get("lnrows.gy");
    REQUIRE(ga && be && gy);
    size_t n = (size_t)N * C;
    float *y = zeros(n), *mean = zeros(N), *rstd = zeros(N), *dx = zeros(n);
    float *dga = zeros(C), *dbe = zeros(C);
    ts_layernorm_rows_forward(y, mean, rstd, xa->data, ga, be, N, C);
    ts_layernorm_rows_backward(dx, dga, dbe, gy, xa->data, mean, rstd, ga, N, C);
    SAME("lnrows y", y, "lnrows.y");
    SAME("lnrows dx", dx, "lnrows.dx");
    SAME("lnrows dgamma", dga, "lnrows.dgamma");
    SAME("lnrows dbeta", dbe, "lnrows.dbeta");
    free(y); free(mean); free(rstd); free(dx); free(dga); free(dbe);
}

static void torch_positions(void)
{
    if (!fx_ok()) return;
    const fx_array *xa = fx_find("posemb.x"), *ta = fx_find("posemb.table");
    const float *gy = fx_get("posemb.gy");
    REQUIRE(xa && ta && gy && xa->ndim == 3);
    int B = (int)xa->dims[0], L = (int)xa->dims[1], C = (int)xa->dims[2];
    size_t n = xa->n;
    float *y = zeros(n), *dx = zeros(n), *dt = zeros(ta->n);
    ts_posemb_forward(y, xa->data, ta->data, B, L, C);
    ts_posemb_backward(dx, dt, gy, B, L, C);
    SAME("posemb y", y, "posemb.y");
    SAME("posemb dx", dx, "posemb.dx");
    SAME("posemb dtable", dt, "posemb.dtable");
    free(y); free(dx); free(dt);

    const fx_array *ra = fx_find("rope.x");
    const float *rg = fx_get("rope.gy");
    REQUIRE(ra && rg && ra->ndim == 3);
    B = (int)ra->dims[0]; L = (int)ra->dims[1];
    int nh = 3, D = (int)ra->dims[2] / nh;
    float *tab = zeros((size_t)L * D);
    ts_rope_table(tab, L, D, 10000.0);
    y = zeros(ra->n); dx = zeros(ra->n);
    ts_rope_forward(y, ra->data, tab, B, L, nh, D, nh * D);
    ts_rope_backward(dx, rg, tab, B, L, nh, D, nh * D);
    SAME("rope y", y, "rope.y");
    SAME("rope dx", dx, "rope.dx");
    free(tab); free(y); free(dx);
}

static void torch_attention(void)
{
    if (!fx_ok()) return;
    const fx_array *qa = fx_find("attn.qkv");
    const float *gy = fx_get("attn.gy");
    REQUIRE(qa && gy && qa->ndim == 3);
    int B = (int)qa->dims[0], L = (int)qa->dims[1], C = (int)qa->dims[2] / 3, Hh = 2;
    float *y = zeros((size_t)B * L * C), *att = zeros((size_t)B * Hh * L * L), *dq = zeros(qa->n);
    float *scr = zeros(ts_attention_scratch_size(L));
    ts_attention_forward(y, att, qa->data, B, L, C, Hh);
    ts_attention_backward(dq, gy, qa->data, att, B, L, C, Hh, scr, ts_get_threads());
    SAME("attention y", y, "attn.y");
    SAME("attention dqkv", dq, "attn.dqkv");
    free(y); free(att); free(dq); free(scr);
}

static void torch_block_case(const char *tag, int Hh, int rope)
{
    char k[96];
#define N(s) (snprintf(k, sizeof k, "%s.%s", tag, s), k)
    const fx_array *xa = fx_find(N("x")), *f1 = fx_find(N("fc1_b"));
    const float *gy = fx_get(N("gy"));
    REQUIRE(xa && f1 && gy && xa->ndim == 3);
    int B = (int)xa->dims[0], L = (int)xa->dims[1], C = (int)xa->dims[2];
    ts_tblock_config c = {C, Hh, (int)f1->n, rope};
    REQUIRE(ts_tblock_check(&c) == 0);
    ts_tblock_layout lo;
    ts_tblock_layout_of(&c, &lo);
    static const char *names[12] = {"ln1_g", "ln1_b", "qkv_w", "qkv_b", "proj_w", "proj_b",
                                    "ln2_g", "ln2_b", "fc1_w", "fc1_b", "fc2_w", "fc2_b"};
    size_t offs[13] = {lo.ln1_g, lo.ln1_b, lo.qkv_w, lo.qkv_b, lo.proj_w, lo.proj_b, lo.ln2_g,
                       lo.ln2_b, lo.fc1_w, lo.fc1_b, lo.fc2_w, lo.fc2_b, lo.total};
    float *p = zeros(lo.total), *dp = zeros(lo.total);
    for (int i = 0; i < 12; i++) {   /* the fixture's arrays, packed into our layout */
        const fx_array *a = fx_find(N(names[i]));
        REQUIRE(a && a->n == offs[i + 1] - offs[i]);
        memcpy(p + offs[i], a->data, a->n * sizeof(float));
    }
    float *tab = NULL;
    if (rope) {
        tab = zeros((size_t)L * (C / Hh));
        ts_rope_table(tab, L, C / Hh, 10000.0);
    }
    size_t n = xa->n;
    float *y = zeros(n), *dx = zeros(n), *act = zeros(ts_tblock_act_size(&c, B, L));
    float *scr = zeros(ts_tblock_scratch_size(&c, B, L));
    ts_tblock_forward(&c, p, tab, xa->data, y, act, B, L);
    ts_tblock_backward(&c, p, tab, xa->data, act, gy, dp, dx, scr, ts_get_threads(), B, L);
    char what[96];
    snprintf(what, sizeof what, "%s y", tag);
    SAME(what, y, N("y"));
    snprintf(what, sizeof what, "%s dx", tag);
    SAME(what, dx, N("dx"));
    for (int i = 0; i < 12; i++) {
        char dn[32];
        snprintf(dn, sizeof dn, "d%s", names[i]);
        snprintf(what, sizeof what, "%s %s", tag, dn);
        SAME(what, dp + offs[i], N(dn));
    }
#undef N
    free(p); free(dp); free(tab); free(y); free(dx); free(act); free(scr);
}

static void torch_block(void)
{
    if (!fx_ok()) return;
    torch_block_case("block", 2, 0);        /* nn.TransformerEncoderLayer itself */
    torch_block_case("block_rope", 3, 1);
}

TEST_MAIN("test_nn_attention", {
    ts_rng_seed(&rng, 99);
    ts_set_threads(2);
    RUN(grad_layernorm_rows);
    RUN(grad_posemb);
    RUN(grad_rope);
    RUN(grad_attention);
    RUN(grad_block);
    RUN(block_threads);
    RUN(attention_scratch_sized_by_threads);
    RUN(attention_threads_raised_after_sizing);
    RUN(block_config_errors);
    RUN(checks_fail_on_nan);
    const char *path = getenv("TS_ATTENTION_FIXTURE") ? getenv("TS_ATTENTION_FIXTURE") : FIXTURE;
    fx_load(path);
    RUN(torch_layernorm_rows);
    RUN(torch_positions);
    RUN(torch_attention);
    RUN(torch_block);
    for (int i = 0; i < nfx; i++) free(fx[i].data);
})
