/* The SaShiMi network of SSSD-SA: its layers (pools, GLU) and the whole network
 * against finite differences, against PyTorch (tests/torch/sashimi_fixtures.py),
 * and its parameter count against the PyTorch modules'. */
#include "check.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "tracesynth.h"
#include "tracesynth/sashimi.h"
#include "tracesynth/nn.h"

/* ---- layers ---- */

/* fold and unfold are inverse permutations, and each the other's adjoint (so
 * each is the other's backward): <fold(x), r> = <x, unfold(r)> */
static void pools_rearrange(void)
{
    enum { B = 2, C = 3, L = 12, S = 2 };
    ts_rng r;
    ts_rng_seed(&r, 5);
    float *x = randv_from(&r, B * C * L, 1), *y = randv_from(&r, B * C * L, 1), *f = zeros(B * C * L),
          *u = zeros(B * C * L);
    ts_sashimi_fold(f, x, B, C, L, S, 0);
    /* r[b, c s + j, l] = x[b, c, l s + j] */
    CHECK(f[(1 * C * S + 2 * S + 1) * (L / S) + 3] == x[(1 * C + 2) * L + 3 * S + 1]);
    ts_sashimi_unfold(u, f, B, C, L, S, 0);
    CHECK(memcmp(u, x, sizeof(float) * B * C * L) == 0);
    ts_sashimi_unfold(u, y, B, C, L, S, 0);
    CHECK_NEAR(dot(f, y, B * C * L), dot(x, u, B * C * L), 1e-4);
    /* acc adds */
    memcpy(u, x, sizeof(float) * B * C * L);
    ts_sashimi_fold(f, y, B, C, L, S, 0);
    ts_sashimi_unfold(u, f, B, C, L, S, 1);
    for (int i = 0; i < B * C * L; i++) CHECK_NEAR(u[i], x[i] + y[i], 1e-6);
    free(x); free(y); free(f); free(u);
}

enum { GB = 2, GC = 3, GL = 5 };
static float *g_z, *g_w;
static double glu_loss(void)
{
    float out[GB * GC * GL];
    ts_glu_forward(out, g_z, GB, GC, GL);
    return dot(out, g_w, GB * GC * GL);
}

static void glu_gradient(void)
{
    ts_rng r;
    ts_rng_seed(&r, 6);
    g_z = randv_from(&r, GB * 2 * GC * GL, 1);
    g_w = randv_from(&r, GB * GC * GL, 1);
    float *dz = zeros(GB * 2 * GC * GL);
    ts_glu_backward_set(dz, g_w, g_z, GB, GC, GL);
    size_t nz;
    double worst = fd_worst(glu_loss, g_z, dz, GB * 2 * GC * GL, 1e-2f, &nz);
    CHECK_MSG(worst < 2e-3 && nz == GB * 2 * GC * GL, "glu: worst %g, %zu nonzero", worst, nz);
    free(g_z); free(g_w); free(dz);
}

/* ---- the network ---- */

static double probe(ts_sashimi_net *n, ts_sashimi_plan *pl, const float *xt, const float *obs, const float *mask,
                    const int32_t *t, const float *r)
{
    ts_sashimi_forward(n, pl, xt, obs, mask, t);
    return dot(pl->out, r, (size_t)pl->B * pl->L);
}

/* central differences on every parameter of a small network (levels of 16, 8, 4
 * positions: the direct convolution; the PyTorch check below has FFT levels) */
static void gradient_check(void)
{
    enum { B = 2, L = 16 };
    ts_sashimi_config c;
    ts_sashimi_config_paper(&c);
    c.layers = 1;
    c.H = 3;
    c.N = 4;
    c.emb_in = 8;
    c.emb_mid = 6;
    c.emb_out = 5;
    ts_sashimi_net n;
    REQUIRE(ts_sashimi_net_init(&n, &c, 11) == 0);
    ts_rng rg;
    ts_rng_seed(&rg, 3);
    float xt[B * L], obs[B * L], mask[B * L], r[B * L];
    int32_t t[B] = {3, 150};
    for (int i = 0; i < B * L; i++) {
        xt[i] = ts_rng_normal(&rg);
        obs[i] = (float)(i % 5);
        mask[i] = (i % L) < 6 || (i % L) >= 10;
        r[i] = ts_rng_normal(&rg);
    }
    ts_sashimi_plan pl;
    REQUIRE(ts_sashimi_plan_init(&pl, &n, B, L, 1) == 0);
    /* keep both ReLUs' inputs away from their kink, where a difference measures a jump */
    for (int round = 0; round < 20; round++) {
        probe(&n, &pl, xt, obs, mask, t, r);
        int moved = 0;
        for (int ch = 0; ch < c.H; ch++) {
            double m0 = 1e9, m1 = 1e9;
            for (int i = 0; i < B * L; i++) {
                size_t k = ((size_t)(i / L) * c.H + ch) * L + i % L;
                m0 = fmin(m0, fabs(pl.x0pre[k]));
                m1 = fmin(m1, fabs(pl.fpre[k]));
            }
            if (m0 < 0.02) { n.params[n.init_b + ch] += 0.05f; moved = 1; }
            if (m1 < 0.02) { n.params[n.fin_b + ch] += 0.05f; moved = 1; }
        }
        if (!moved) break;
    }
    memset(n.grads, 0, n.total * sizeof(float));
    probe(&n, &pl, xt, obs, mask, t, r);
    ts_sashimi_backward(&n, &pl, xt, r);
    double gmax = 0, worst = 0;
    for (size_t i = 0; i < n.total; i++) gmax = fmax(gmax, fabs(n.grads[i]));
    size_t bad = 0, worst_i = 0, nonzero = 0;
    for (size_t i = 0; i < n.total; i++) {
        float keep = n.params[i];
        float h = 1e-3f * fmaxf(1.0f, fabsf(keep));
        n.params[i] = keep + h;
        double lp = probe(&n, &pl, xt, obs, mask, t, r);
        n.params[i] = keep - h;
        double lm = probe(&n, &pl, xt, obs, mask, t, r);
        n.params[i] = keep;
        double fd = (lp - lm) / (2.0 * h), an = n.grads[i];
        double err = fabs(fd - an) / (fabs(fd) + fabs(an) + 1e-2 * gmax);
        nonzero += an != 0;
        if (err > worst) { worst = err; worst_i = i; }
        if (err > 5e-2) {
            bad++;
            fprintf(stderr, "    param %zu: analytic %g, numeric %g\n", i, an, fd);
        }
    }
    CHECK_MSG(bad == 0, "%zu of %zu parameters off; worst relative error %g at %zu", bad, n.total, worst, worst_i);
    /* every parameter takes part (a check over zeros would prove nothing) */
    CHECK_MSG(nonzero > n.total * 9 / 10, "%zu of %zu gradients nonzero", nonzero, n.total);
    ts_sashimi_plan_free(&pl);
    ts_sashimi_net_free(&n);
}

/* the network against PyTorch's modules on the same parameters and inputs (levels
 * of 40 and 20 positions on the FFT path, 10 direct) */
static void torch_parity(void)
{
    const char *path = "tests/fixtures/sashimi_net.bin";
    if (fx_load(path) != 0) SKIP("%s: %s (run from the repository root)", path, fx_err);
    const float *cf = fx_get("config"), *pr = fx_get("params"), *xt = fx_get("xt"), *obs = fx_get("obs"),
                *mk = fx_get("mask"), *tt = fx_get("t"), *dout = fx_get("dout");
    REQUIRE(cf && pr && xt && obs && mk && tt && dout && fx_len("config") == 8);
    ts_sashimi_config c;
    ts_sashimi_config_paper(&c);
    c.layers = (int)cf[0];
    c.H = (int)cf[1];
    c.N = (int)cf[2];
    const int L = (int)cf[3], B = (int)cf[4];
    c.emb_in = (int)cf[5];
    c.emb_mid = (int)cf[6];
    c.emb_out = (int)cf[7];
    ts_sashimi_net n;
    REQUIRE(ts_sashimi_net_init(&n, &c, 1) == 0);
    CHECK_MSG(fx_len("params") == n.total, "PyTorch has %zu parameters, C %zu", fx_len("params"), n.total);
    REQUIRE(fx_len("params") == n.total && fx_len("xt") == (size_t)B * L);
    memcpy(n.params, pr, n.total * sizeof(float));
    int32_t t[8];
    for (int b = 0; b < B; b++) t[b] = (int32_t)tt[b];
    ts_sashimi_plan pl;
    REQUIRE(ts_sashimi_plan_init(&pl, &n, B, L, 1) == 0);
    ts_sashimi_forward(&n, &pl, xt, obs, mk, t);
    SAME_TOL("output", pl.out, "out", 1e-4);
    memset(n.grads, 0, n.total * sizeof(float));
    ts_sashimi_backward(&n, &pl, xt, dout);
    const float *dp = fx_get("dparams");
    REQUIRE(dp);
    double gmax = 0, gerr = 0;
    size_t gi = 0;
    for (size_t i = 0; i < n.total; i++) gmax = fmax(gmax, fabs(dp[i]));
    for (size_t i = 0; i < n.total; i++) {
        double e = fabs(n.grads[i] - dp[i]) / (fabs(dp[i]) + 1e-3 * gmax);
        if (e > gerr) { gerr = e; gi = i; }
    }
    CHECK_MSG(gerr < 1e-2, "gradients: worst relative error %g at %zu (C %g, torch %g)", gerr, gi, n.grads[gi],
              dp[gi]);
    ts_sashimi_plan_free(&pl);
    ts_sashimi_net_free(&n);
}

/* the parameters of the PyTorch modules (SSSDSAImputer less its unused label
 * embedding) for the same configurations */
static void param_count_matches_torch(void)
{
    const char *path = "tests/fixtures/sashimi_net.bin";
    if (fx_load(path) != 0) SKIP("%s: %s (run from the repository root)", path, fx_err);
    const float *rows = fx_get("counts");
    REQUIRE(rows && fx_len("counts") % 5 == 0);
    for (size_t i = 0; i < fx_len("counts"); i += 5) {
        ts_sashimi_config c;
        ts_sashimi_config_paper(&c);
        c.layers = (int)rows[i];
        c.H = (int)rows[i + 1];
        c.N = (int)rows[i + 2];
        const size_t want = (size_t)rows[i + 3] * 65536 + (size_t)rows[i + 4];
        ts_sashimi_net n;
        ts_sashimi_net_alloc(&n, &c);
        CHECK_MSG(n.total == want, "%d x %d, state %d: %zu parameters, PyTorch %zu", c.layers, c.H, c.N, n.total,
                  want);
        CHECK(ts_sashimi_num_trainable(&n) == n.total);   /* the reference trains dt and A too */
        n.c.train_ssm = 0;
        CHECK(ts_sashimi_num_trainable(&n) < n.total);
        ts_sashimi_net_free(&n);
    }
}

/* a window length that is not a multiple of the pools' product: refused */
static void length_must_divide(void)
{
    ts_sashimi_config c;
    ts_sashimi_config_paper(&c);
    c.layers = 1;
    c.H = 4;
    c.N = 4;
    ts_sashimi_net n;
    REQUIRE(ts_sashimi_net_init(&n, &c, 1) == 0);
    ts_sashimi_plan pl;
    CHECK(ts_sashimi_plan_init(&pl, &n, 1, 10, 0) == -1);
    CHECK_MSG(strstr(ts_error(), "10 is not a multiple of 4"), "%s", ts_error());
    CHECK(ts_sashimi_plan_init(&pl, &n, 1, 12, 0) == 0);
    ts_sashimi_plan_free(&pl);
    ts_sashimi_net_free(&n);
}

TEST_MAIN("sashimi", {
    ts_set_threads(1);
    RUN(pools_rearrange);
    RUN(glu_gradient);
    RUN(gradient_check);
    RUN(torch_parity);
    RUN(param_count_matches_torch);
    RUN(length_must_divide);
})
