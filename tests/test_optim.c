/* Optimiser: Adam/AdamW against PyTorch, convergence, clipping, schedules. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/optim.h"

/* three steps with grads g, 2g, 3g from p0; expected values from torch 1.13
 * (torch.optim.Adam / AdamW, lr 1e-2) */
static const float P0[5] = {1.0f, -2.0f, 0.5f, 3.0f, 0.0f};
static const float G[5] = {0.1f, -0.3f, 2.0f, 1e-4f, -5.0f};

static void run3(int decoupled, double wd, float *p)
{
    float g[5];
    memcpy(p, P0, sizeof P0);
    ts_adam a;
    ts_adam_init(&a, p, g, 5);
    a.decoupled = decoupled;
    a.weight_decay = wd;
    for (int s = 0; s < 3; s++) {
        for (int i = 0; i < 5; i++) g[i] = G[i] * (float)(s + 1);
        ts_adam_step(&a, 1e-2);
    }
    CHECK(a.step == 3);
    ts_adam_free(&a);
}

static void adam_matches_torch(void)
{
    static const double adam[5] = {0.970768154, -1.97076821, 0.470768183, 2.97077012, 0.0292318314};
    static const double adam_l2[5] = {0.970214248, -1.97032559, 0.470741808, 2.97000289, 0.02923204};
    static const double adamw[5] = {0.967800856, -1.96480393, 0.469299346, 2.96180892, 0.0292021912};
    float p[5];
    run3(0, 0.0, p);
    for (int i = 0; i < 5; i++) CHECK_NEAR(p[i], adam[i], 2e-7 * (1 + fabs(adam[i])));
    run3(0, 0.1, p);
    for (int i = 0; i < 5; i++) CHECK_NEAR(p[i], adam_l2[i], 2e-7 * (1 + fabs(adam_l2[i])));
    run3(1, 0.1, p);
    for (int i = 0; i < 5; i++) CHECK_NEAR(p[i], adamw[i], 2e-7 * (1 + fabs(adamw[i])));
}

/* f(p) = sum_i c_i (p_i - t_i)^2, badly conditioned */
static void adam_converges_on_quadratic(void)
{
    enum { N = 64 };
    float p[N], g[N], t[N], c[N];
    for (int i = 0; i < N; i++) { p[i] = 0; t[i] = (float)sin(i) * 3; c[i] = 0.01f + (float)(i % 8) * 10; }
    ts_adam a;
    ts_adam_init(&a, p, g, N);
    ts_lr_schedule s = {TS_LR_COSINE, 0.1, 20, 2000, 1e-4};
    for (long step = 0; step < 2000; step++) {
        for (int i = 0; i < N; i++) g[i] = 2 * c[i] * (p[i] - t[i]);
        ts_adam_step(&a, ts_lr_at(&s, step));
    }
    double err = 0;
    for (int i = 0; i < N; i++) err = fmax(err, fabs(p[i] - t[i]));
    CHECK_MSG(err < 1e-3, "max error %g", err);
    ts_adam_free(&a);
}

static void clipping(void)
{
    float g[2] = {3, 4};
    CHECK_NEAR(ts_clip_grad_norm(g, 2, 1.0), 5.0, 1e-9);
    CHECK_NEAR(g[0], 3 / (5 + 1e-6), 1e-7);
    CHECK_NEAR(g[1], 4 / (5 + 1e-6), 1e-7);
    float h[2] = {0.3f, 0.4f};
    CHECK_NEAR(ts_clip_grad_norm(h, 2, 1.0), 0.5, 1e-7);
    CHECK(h[0] == 0.3f && h[1] == 0.4f);      /* below the limit: untouched */
    CHECK_NEAR(ts_clip_grad_norm(g, 2, 0), 1.0, 1e-6);
}

/* the norm, and so what clipping does, has the same bits for any thread count
 * (a length past the parallel threshold that no thread count divides evenly) */
static void grad_norm_same_bits_for_any_thread_count(void)
{
    const size_t n = 300001;
    float *g = malloc(n * sizeof(float)), *c = malloc(n * sizeof(float)), *c1 = malloc(n * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) g[i] = ts_rng_normal(&r) * (i % 7 ? 1.0f : 1000.0f);
    double ref = 0;
    for (int t = 1; t <= 3; t++) {
        ts_set_threads(t);
        memcpy(c, g, n * sizeof(float));
        double norm = ts_clip_grad_norm(c, n, 1.0);
        if (t == 1) {
            ref = norm;
            memcpy(c1, c, n * sizeof(float));
        }
        CHECK_MSG(norm == ref, "%d threads: norm %.17g, 1 thread %.17g", t, norm, ref);
        CHECK(!memcmp(c, c1, n * sizeof(float)));
    }
    ts_set_threads(0);
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
    CHECK_NEAR(ref, sqrt(s), 1e-9 * sqrt(s));
    free(g);
    free(c);
    free(c1);
}

static void schedules(void)
{
    ts_lr_schedule c = {TS_LR_CONSTANT, 2e-4, 100, 1000, 0};
    CHECK(ts_lr_at(&c, 0) == 2e-4 && ts_lr_at(&c, 5000) == 2e-4);
    ts_lr_schedule w = {TS_LR_WARMUP, 1.0, 10, 0, 0};
    CHECK_NEAR(ts_lr_at(&w, 0), 0.1, 1e-12);
    CHECK_NEAR(ts_lr_at(&w, 4), 0.5, 1e-12);
    CHECK_NEAR(ts_lr_at(&w, 9), 1.0, 1e-12);
    CHECK_NEAR(ts_lr_at(&w, 500), 1.0, 1e-12);
    ts_lr_schedule k = {TS_LR_COSINE, 1.0, 10, 110, 0.1};
    CHECK_NEAR(ts_lr_at(&k, 10), 1.0, 1e-12);
    CHECK_NEAR(ts_lr_at(&k, 60), 0.55, 1e-12);
    CHECK_NEAR(ts_lr_at(&k, 110), 0.1, 1e-12);
    CHECK_NEAR(ts_lr_at(&k, 1000), 0.1, 1e-12);
    for (long s = 11; s <= 110; s++) CHECK(ts_lr_at(&k, s) <= ts_lr_at(&k, s - 1));
    ts_lr_kind kind;
    CHECK(ts_lr_parse("cosine", &kind) == 0 && kind == TS_LR_COSINE);
    CHECK(ts_lr_parse("cos", &kind) == -1 && strstr(ts_error(), "cos"));
}

TEST_MAIN("optim", {
    RUN(adam_matches_torch);
    RUN(adam_converges_on_quadratic);
    RUN(clipping);
    RUN(grad_norm_same_bits_for_any_thread_count);
    RUN(schedules);
})
