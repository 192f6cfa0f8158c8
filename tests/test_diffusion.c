/* Diffusion: schedule against SSSD's calc_diffusion_hyperparams, forward process,
 * and an oracle ε-predictor (knows x0) recovering x0 exactly by DDPM and DDIM. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/diffusion.h"

static void schedule_values(void)
{
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.02) == 0);
    /* from calc_diffusion_hyperparams(200, 1e-4, 0.02) in float64 */
    static const struct { int t; double beta, abar, sigma; } ref[] = {
        {0, 0.0001, 0.9999, 0.01},
        {1, 0.0002, 0.99970002, 0.00816523798841},
        {99, 0.01, 0.602480305308, 0.099231593906},
        {199, 0.02, 0.132182754251, 0.141201381232},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        int t = ref[i].t;
        CHECK_NEAR(d.beta[t], ref[i].beta, 1e-12);
        CHECK_NEAR(d.alpha[t], 1 - ref[i].beta, 1e-12);
        CHECK_NEAR(d.alpha_bar[t], ref[i].abar, 1e-11);
        CHECK_NEAR(d.sigma[t], ref[i].sigma, 1e-11);
    }
    ts_diffusion_free(&d);
    CHECK(ts_diffusion_init(&d, 0, 1e-4, 0.02) == -1);
    CHECK(ts_diffusion_init(&d, 10, 0.5, 0.1) == -1 && strstr(ts_error(), "beta"));
}

/* CSDI's quad schedule: beta = linspace(sqrt beta0, sqrt betaT, T)^2 */
static void schedule_quad(void)
{
    ts_diffusion d;
    REQUIRE(ts_diffusion_init_schedule(&d, 50, 1e-4, 0.5, TS_BETA_QUAD) == 0);
    /* from CSDI_base's numpy schedule (T 50, 1e-4 .. 0.5) in float64 */
    static const struct { int t; double beta, abar, sigma; } ref[] = {
        {0, 0.0001, 0.9999, 0.01},
        {1, 0.0005869314910200273, 0.9993131272021291, 0.009243906565270296},
        {25, 0.133712153841832, 0.281534572416358, 0.3544359171089239},
        {49, 0.5, 3.354078875408494e-05, 0.7070949222297611},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        int t = ref[i].t;
        CHECK_NEAR(d.beta[t], ref[i].beta, 1e-12);
        CHECK_NEAR(d.alpha_bar[t], ref[i].abar, 1e-12);
        CHECK_NEAR(d.sigma[t], ref[i].sigma, 1e-11);
    }
    ts_diffusion_free(&d);
    /* linear through the same call is ts_diffusion_init */
    ts_diffusion a, b;
    REQUIRE(ts_diffusion_init(&a, 30, 1e-3, 0.2) == 0);
    REQUIRE(ts_diffusion_init_schedule(&b, 30, 1e-3, 0.2, TS_BETA_LINEAR) == 0);
    CHECK(memcmp(a.beta, b.beta, 4 * 30 * sizeof(double)) == 0);
    ts_diffusion_free(&a);
    ts_diffusion_free(&b);
    CHECK(ts_diffusion_init_schedule(&d, 10, 0.5, 0.1, TS_BETA_QUAD) == -1 && strstr(ts_error(), "beta"));
    CHECK(!strcmp(ts_beta_schedule_name(TS_BETA_QUAD), "quad") && !strcmp(ts_beta_schedule_name(TS_BETA_LINEAR), "linear"));
}

static void step_subsets(void)
{
    int s[200];
    ts_diffusion_steps(200, 200, s);
    CHECK(s[0] == 199 && s[199] == 0 && s[100] == 99);
    ts_diffusion_steps(200, 50, s);
    CHECK(s[0] == 199 && s[49] == 0);
    for (int i = 1; i < 50; i++) CHECK(s[i] < s[i - 1]);
    ts_diffusion_steps(200, 1, s);
    CHECK(s[0] == 199);
}

static void q_sample_holds_observed(void)
{
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.02) == 0);
    float x0[8] = {1, 2, 3, 4, 5, 6, 7, 8}, eps[8], xt[8];
    float mask[8] = {1, 0, 0, 1, 0, 1, 1, 0};
    for (int i = 0; i < 8; i++) eps[i] = 0.5f * (float)i - 1;
    float eps0[8];
    memcpy(eps0, eps, sizeof eps);
    int t[2] = {0, 199};
    ts_diffusion_q_sample(&d, x0, eps, t, mask, 2, 4, xt);
    for (int i = 0; i < 8; i++) {
        int b = i / 4;
        if (mask[i]) { CHECK(xt[i] == x0[i]); CHECK(eps[i] == 0); }
        else CHECK_NEAR(xt[i], sqrt(d.alpha_bar[t[b]]) * x0[i] + sqrt(1 - d.alpha_bar[t[b]]) * eps0[i], 1e-5);
    }
    ts_diffusion_free(&d);
}

/* the oracle: ε = (x_t − √ᾱ_t x0) / √(1−ᾱ_t), exact for any x_t */
typedef struct { const ts_diffusion *d; const float *x0; size_t n; int calls; int last_t; } oracle;
static int oracle_eps(void *ctx, const float *xt, int t, float *eps)
{
    oracle *o = ctx;
    double a = sqrt(o->d->alpha_bar[t]), s = sqrt(1 - o->d->alpha_bar[t]);
    for (size_t i = 0; i < o->n; i++) eps[i] = (float)((xt[i] - a * o->x0[i]) / s);
    o->calls++;
    o->last_t = t;
    return 0;
}

static void oracle_recovers_x0(int S, const float *mask)
{
    enum { N = 3 * 40 };
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.02) == 0);
    float x0[N], cond[N], x[N], scratch[2 * N];
    for (int i = 0; i < N; i++) {
        x0[i] = (float)((i * 7) % 13);
        cond[i] = mask && mask[i] ? x0[i] : -99.0f;   /* only observed values are ever read */
    }
    oracle o = {&d, x0, N, 0, -1};
    ts_rng r;
    ts_rng_seed(&r, 5);
    REQUIRE(ts_diffusion_sample(&d, oracle_eps, &o, N, S, mask ? cond : NULL, mask, &r, 1, x,
                                scratch, NULL) == 0);
    CHECK(o.calls == S && o.last_t == (S == 1 ? 199 : 0));
    double err = 0;
    for (int i = 0; i < N; i++) err = fmax(err, fabs(x[i] - x0[i]));
    CHECK_MSG(err < 1e-3, "S=%d: max |x - x0| = %g", S, err);
    if (mask)
        for (int i = 0; i < N; i++)
            if (mask[i]) CHECK(x[i] == x0[i]);
    ts_diffusion_free(&d);
}

static void oracle_ddpm(void) { oracle_recovers_x0(200, NULL); }
static void oracle_ddim(void) { oracle_recovers_x0(20, NULL); oracle_recovers_x0(1, NULL); }

static void oracle_conditional(void)
{
    float mask[3 * 40];
    for (int i = 0; i < 120; i++) mask[i] = (i % 40) < 20 || (i % 40) >= 30;   /* centre blackout */
    oracle_recovers_x0(200, mask);
    oracle_recovers_x0(25, mask);
}

/* β_T near 1: ᾱ_t falls to 1e-84, far below float's range; DDIM still lands on x0
 * (it went NaN there), as DDPM does */
static void steep_schedule(void)
{
    enum { N = 40 };
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.99) == 0);
    REQUIRE(d.alpha_bar[199] < 1e-80);
    float x0[N], x[N], scratch[2 * N];
    for (int i = 0; i < N; i++) x0[i] = (float)((i * 7) % 13);
    const int steps[] = {200, 50, 20, 2};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        oracle o = {&d, x0, N, 0, -1};
        ts_rng r;
        ts_rng_seed(&r, 5);
        REQUIRE(ts_diffusion_sample(&d, oracle_eps, &o, N, steps[k], NULL, NULL, &r, 1, x, scratch, NULL) == 0);
        double err = 0;
        for (int i = 0; i < N; i++) err = isfinite(x[i]) ? fmax(err, fabs(x[i] - x0[i])) : INFINITY;
        CHECK_MSG(err < 1e-3, "S=%d: max |x - x0| = %g", steps[k], err);
    }
    /* one DDIM step between two such steps: finite, and x̂0 = 0 gives √(1−ᾱ_prev) ε̂ */
    float xs[2] = {0.3f, -1.2f}, e[2] = {0.3f, -1.2f};
    ts_ddim_step(&d, 199, 195, xs, e, 2);
    CHECK_MSG(xs[0] == 0.3f && xs[1] == -1.2f, "%g %g", xs[0], xs[1]);
    ts_diffusion_free(&d);
}

/* a wrong predictor (always 0) must not land on x0: the test can fail */
static int zero_eps(void *ctx, const float *xt, int t, float *eps)
{
    (void)xt; (void)t;
    memset(eps, 0, *(size_t *)ctx * sizeof(float));
    return 0;
}

static void ddpm_noise_matters(void)
{
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.02) == 0);
    size_t n = 64;
    float x[64], scratch[128];
    ts_rng r;
    ts_rng_seed(&r, 1);
    REQUIRE(ts_diffusion_sample(&d, zero_eps, &n, n, 200, NULL, NULL, &r, 1, x, scratch, NULL) == 0);
    double s2 = 0;
    for (size_t i = 0; i < n; i++) s2 += x[i] * x[i];
    CHECK(s2 / n > 1.0);   /* ε̂ = 0 only rescales by 1/√α and adds noise: variance grows */
    ts_diffusion_free(&d);
}

/* ᾱ_999 underflows to 0 (β_T = 0.99, T = 1000): DDPM is well defined there, a DDIM
 * jump from it (x̂0 = 0/0) is not: an error naming --steps, never inf or NaN samples */
static void underflowed_schedule(void)
{
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 1000, 1e-4, 0.99) == 0);
    REQUIRE(d.alpha_bar[999] == 0);
    size_t n = 16;
    float x[16], scratch[32];
    ts_rng r;
    ts_rng_seed(&r, 1);
    CHECK(ts_diffusion_sample(&d, zero_eps, &n, n, 2, NULL, NULL, &r, 1, x, scratch, NULL) == -1);
    CHECK_MSG(strstr(ts_error(), "--steps") && strstr(ts_error(), "not finite"), "%s", ts_error());
    float x0[16];
    for (int i = 0; i < 16; i++) x0[i] = (float)(i % 5);
    oracle o = {&d, x0, n, 0, -1};
    ts_rng_seed(&r, 1);
    REQUIRE(ts_diffusion_sample(&d, oracle_eps, &o, n, 1000, NULL, NULL, &r, 1, x, scratch, NULL) == 0);
    for (int i = 0; i < 16; i++) CHECK_NEAR(x[i], x0[i], 1e-3);
    ts_diffusion_free(&d);
}

TEST_MAIN("diffusion", {
    RUN(schedule_values);
    RUN(schedule_quad);
    RUN(step_subsets);
    RUN(q_sample_holds_observed);
    RUN(oracle_ddpm);
    RUN(oracle_ddim);
    RUN(oracle_conditional);
    RUN(steep_schedule);
    RUN(ddpm_noise_matters);
    RUN(underflowed_schedule);
})
