/* The multi-channel mdm ("mdm-mc") and the multi-channel model interface: the whole
 * network's gradient (summed embeddings, blocks, one head per channel) against finite
 * differences, learning a trace whose channels follow its events, generation and
 * prefix-conditioned imputation (observed values kept, values in range), save/load,
 * malformed model files and inputs, and the command line. */
#include "check.h"
#include "gradcheck.h"
#include "container_edit.h"
#include "tracesynth.h"
#include "tracesynth/channels.h"
#include "tracesynth/mc_model.h"
#include "mc_trace.h"
#include "tracesynth/mdm_mc.h"

#include <math.h>

/* ---- gradient of the whole network ---- */

#define GMAX (2 * 24 * 3)
static ts_mdm_mc_net *gnet;
static int32_t gval[GMAX];
static uint8_t ghid[GMAX];
static float gw[2 * 24], gx[2 * 24];
static int gB, gL;

static double gloss(void)
{
    double l = 0;
    ts_mdm_mc_net_loss(gnet, gval, gx, ghid, gw, gB, gL, 0, &l);
    return l;
}

/* real: the second channel is a real dt */
static void grad_check_at(int L, int transformer, int real)
{
    const int32_t K[3] = {5, 3, 4};
    const int nch = 3;
    gB = 2;
    gL = L;
    gnet = ts_mdm_mc_net_new(transformer, 2, 8, nch, K, real, 11);
    REQUIRE(gnet);
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (int i = 0; i < gB * L * nch; i++) {
        gval[i] = real && i % nch == 1 ? 0 : (int32_t)ts_rng_below(&r, (uint64_t)K[i % nch]);
        ghid[i] = ts_rng_uniform(&r) < 0.5;
    }
    for (int i = 0; i < gB * L; i++) {
        gw[i] = 0.5f + (float)ts_rng_uniform(&r);
        gx[i] = (float)ts_rng_normal(&r);
    }
    size_t n = ts_mdm_mc_net_size(gnet);
    float *p = ts_mdm_mc_net_params(gnet), *g = ts_mdm_mc_net_grads(gnet);
    memset(g, 0, n * sizeof *g);
    double l0;
    REQUIRE(ts_mdm_mc_net_loss(gnet, gval, gx, ghid, gw, gB, L, 1, &l0) == 0);
    CHECK(isfinite(l0) && l0 != 0);
    const float H = 1e-2f;
    size_t nz;
    double worst = fd_worst(gloss, p, g, n, H, &nz);
    CHECK_MSG(worst < 2e-3, "L=%d %s%s: worst gradient error %.3g over %zu parameters", L,
              transformer ? "transformer" : "s4", real ? ", real dt" : "", worst, n);
    CHECK(nz > n / 2);   /* not vacuous */
    /* the embeddings of the second and third channel (rows 6.. of the table, after the
     * first channel's 5 values and MASK) have gradients: the sum reaches them */
    float emb = 0;
    for (int i = 6 * 8; i < 14 * 8; i++) emb += fabsf(g[i]);
    CHECK(emb > 0);
    /* a wrong gradient would be caught */
    g[0] = -g[0] + 1;
    float old = p[0];
    p[0] = old + H;
    double lp = gloss();
    p[0] = old - H;
    double lm = gloss();
    p[0] = old;
    CHECK(fabs((lp - lm) / (2.0 * H) - g[0]) > 0.1);
    ts_mdm_mc_net_free(gnet);
}

static void gradient_check(void)
{
    grad_check_at(6, 0, 0);    /* S4's direct convolution */
    grad_check_at(24, 0, 0);   /* its FFT path */
    grad_check_at(6, 1, 0);    /* the transformer backbone */
    grad_check_at(6, 0, 1);    /* a real dt: its input rows and Gaussian head */
    grad_check_at(24, 1, 1);
    const int32_t K[2] = {3, 0};
    CHECK(ts_mdm_mc_net_new(0, 2, 8, 2, K, 0, 0) == NULL && strstr(ts_error(), "values"));
    CHECK(ts_mdm_mc_net_new(0, 2, 8, 0, K, 0, 0) == NULL && strstr(ts_error(), "sizes"));
    CHECK(ts_mdm_mc_net_new(0, 2, 8, 1, K, 1, 0) == NULL && strstr(ts_error(), "sizes"));
}

/* ---- a trace whose channels follow its events ---- */

/* with --weight-decay wd where given (NULL: none) */
static ts_mc_model *train_weighted_wd(const ts_mc *d, const char *out, long iters, const char *weights, const char *wd)
{
    const char *keys[] = {"layers", "channels", "state", "context", "iters", "valid-every", "batch", "dt-bins", "lr",
                          "channel-weights", "weight-decay"};
    char it[32];
    snprintf(it, sizeof it, "%ld", iters);
    const char *vals[] = {"1", "16", "8", "16", it, "1000", "8", "16", "1e-2", weights, wd};
    if (!weights) keys[9] = "weight-decay", vals[9] = wd;
    ts_mc_train_opts o;
    mc_train_opts(&o, d, 32, out, 9 + (weights != NULL) + (wd != NULL), keys, vals);
    ts_mc_model *m = NULL;
    ts_mc_model_train("mdm-mc", &o, &m);
    return m;
}

static ts_mc_model *train_weighted(const ts_mc *d, const char *out, long iters, const char *weights)
{
    return train_weighted_wd(d, out, iters, weights, NULL);
}

static ts_mc_model *train_small(const ts_mc *d, const char *out, long iters)
{
    ts_mc_model *m = train_weighted(d, out, iters, NULL);
    if (!m) fprintf(stderr, "%s\n", ts_error());
    return m;
}

/* generation with one run option refused, the error naming it */
static int refused(ts_mc_model *m, const char *key, const char *value, const char *want)
{
    const char *k[] = {key}, *v[] = {value};
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.kv = (ts_kv){1, k, v};
    ts_mc z;
    return ts_mc_model_generate(m, 1, 8, &ro, &z) != 0 && strstr(ts_error(), want);
}

/* a value its training part never held is never drawn, whatever the temperature: the
 * trace's threads are 10, 13, 16 and 19 of a channel of more values, and its dt bins hold
 * four clusters of many bins; the saved and loaded model draws alike */
static void unseen_values_never_drawn(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/u.tsm", dir);
    ts_mc d;
    mc_cycle_trace(2000, 1, &d);
    ts_mc_model *m = train_small(&d, path, 20);
    REQUIRE(m);
    REQUIRE(m->card[TS_CH_TID] > 20);
    REQUIRE(ts_mc_model_save(m, path) == 0);
    ts_mc_model *l = NULL;
    REQUIRE(ts_mc_model_load(path, &l) == 0);
    for (int k = 0; k < 2; k++) {
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.seed = 5;
        const char *kk[] = {"temperature"}, *vv[] = {"50"};
        ro.kv = (ts_kv){1, kk, vv};
        ts_mc g;
        REQUIRE(ts_mc_model_generate(k ? l : m, 8, 32, &ro, &g) == 0);
        size_t bad_tid = 0, bad_dt = 0;
        for (size_t i = 0; i < g.n; i++) {
            const int32_t t = g.ch[TS_CH_TID][i];
            bad_tid += !(t == 10 || t == 13 || t == 16 || t == 19);
            int near = 0;   /* a training dt: log(1 + 1000 (e + 1)) + [0, 0.01) */
            for (int e = 0; e < 4; e++) near |= fabs(g.dt[i] - log(1.0 + 1000.0 * (e + 1)) - 0.005) < 0.05;
            bad_dt += !near;
        }
        CHECK_MSG(!bad_tid && !bad_dt, "%s: %zu of %zu threads and %zu dts never in the training part",
                  k ? "loaded" : "trained", bad_tid, g.n, bad_dt);
        ts_mc_free(&g);
    }
    ts_mc_model_free(l);
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

static void learns_and_generates(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_mc d;
    mc_cycle_trace(2000, 1, &d);
    ts_mc_model *m = train_small(&d, path, 300);
    REQUIRE(m);
    CHECK(m->has == (1u << TS_CH_EVENT | 1u << TS_CH_DT | 1u << TS_CH_TID | 1u << TS_CH_CPU));
    CHECK(m->dt_mode == TS_DT_BINS && m->card[TS_CH_EVENT] == 4 && m->card[TS_CH_CPU] == 2);
    REQUIRE(ts_mc_model_save(m, path) == 0);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 7;
    ts_mc g;
    REQUIRE(ts_mc_model_generate(m, 8, 32, &ro, &g) == 0);
    CHECK(g.n == 256 && g.dt && g.ch[TS_CH_TID] && g.ch[TS_CH_CPU] && !g.ch[TS_CH_COMM]);
    /* the channels follow the events, the events the cycle */
    size_t tid_ok = 0, cyc_ok = 0, pairs = 0, dt_ok = 0;
    for (size_t i = 0; i < g.n; i++) {
        int32_t e = g.ch[TS_CH_EVENT][i];
        CHECK(e >= 0 && e < 4 && g.ch[TS_CH_CPU][i] >= 0 && g.ch[TS_CH_CPU][i] < 2);
        tid_ok += g.ch[TS_CH_TID][i] == 10 + 3 * e;
        dt_ok += fabs(g.dt[i] - log(1.0 + 1000.0 * (e + 1))) < 0.2;
        if (i % 32) {
            pairs++;
            cyc_ok += e == (g.ch[TS_CH_EVENT][i - 1] + 1) % 4;
        }
    }
    CHECK_MSG(tid_ok > g.n * 9 / 10, "tid follows the event in %zu of %zu", tid_ok, g.n);
    CHECK_MSG(dt_ok > g.n * 8 / 10, "dt follows the event in %zu of %zu", dt_ok, g.n);
    CHECK_MSG(cyc_ok > pairs * 8 / 10, "the cycle holds in %zu of %zu pairs", cyc_ok, pairs);
    /* the other orders and truncation: values in range, channels still following events */
    {
        const char *k2[] = {"order", "min-p"}, *v2[] = {"confident", "0.2"};
        ts_run_opts r2 = ro;
        r2.kv = (ts_kv){2, k2, v2};
        ts_mc g3;
        REQUIRE(ts_mc_model_generate(m, 4, 32, &r2, &g3) == 0);
        size_t ok = 0;
        for (size_t i = 0; i < g3.n; i++) {
            CHECK(g3.ch[TS_CH_EVENT][i] >= 0 && g3.ch[TS_CH_EVENT][i] < 4);
            ok += g3.ch[TS_CH_TID][i] == 10 + 3 * g3.ch[TS_CH_EVENT][i];
        }
        CHECK_MSG(ok > g3.n * 9 / 10, "confident, min-p: tid follows the event in %zu of %zu", ok, g3.n);
        ts_mc_free(&g3);
    }
    /* --min-p acts on the distribution drawn from, the tempered one: at T = 100 the event
     * head's values are all within a factor 2 of the most likely, so --min-p 0.5 keeps them
     * all and the cycle is drawn as freely as without it (applied before the temperature,
     * it kept the most likely alone: the cycle held in 94 % of the pairs against 28 %) */
    {
        double share[2];
        static const char *const mp[2] = {"0.5", "0"};
        for (int t = 0; t < 2; t++) {
            const char *k2[] = {"temperature", "min-p"}, *v2[] = {"100", mp[t]};
            ts_run_opts r2 = ro;
            r2.kv = (ts_kv){2, k2, v2};
            ts_mc g3;
            REQUIRE(ts_mc_model_generate(m, 16, 32, &r2, &g3) == 0);
            size_t cyc = 0, np = 0;
            for (size_t i = 0; i < g3.n; i++)
                if (i % 32) np++, cyc += g3.ch[TS_CH_EVENT][i] == (g3.ch[TS_CH_EVENT][i - 1] + 1) % 4;
            share[t] = (double)cyc / (double)np;
            ts_mc_free(&g3);
        }
        CHECK_MSG(share[0] < 0.5 && fabs(share[0] - share[1]) < 0.1,
                  "T = 100: the cycle holds in %.3f of the pairs with --min-p 0.5, %.3f without", share[0], share[1]);
    }
    CHECK(refused(m, "order", "best", "mdm-mc: option --order: 'best'"));
    CHECK(refused(m, "min-p", "1", "--min-p"));
    CHECK(refused(m, "temperature", "-1", "--temperature"));
    CHECK(refused(m, "prior", "1", "mdm-mc: option --prior: not one of its run options"));
    /* the same model read back draws the same windows */
    ts_mc_model *m2 = NULL;
    REQUIRE(ts_mc_model_load(path, &m2) == 0);
    CHECK(ts_mc_model_is(path) == 1);
    /* read as a single-channel model (tune-prior, --ensemble): one line saying what it is */
    ts_model *single = NULL;
    CHECK_MSG(ts_model_load(path, &single) == -1 && strstr(ts_error(), "m.tsm: a multi-channel model (mdm-mc)"), "%s",
              ts_error());
    ts_mc g2;
    REQUIRE(ts_mc_model_generate(m2, 8, 32, &ro, &g2) == 0);
    CHECK(!memcmp(g.ch[TS_CH_EVENT], g2.ch[TS_CH_EVENT], g.n * sizeof(int32_t)) &&
          !memcmp(g.dt, g2.dt, g.n * sizeof(float)) && !memcmp(g.ch[TS_CH_TID], g2.ch[TS_CH_TID], g.n * sizeof(int32_t)));
    /* conditioned on a prefix: the first 8 events of every channel kept, the rest drawn */
    ts_mc x;
    REQUIRE(ts_mc_slice(&d, 1600, 1600 + 4 * 32, &x) == 0);
    uint8_t mask[128];
    for (int i = 0; i < 128; i++) mask[i] = i % 32 < 8;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    ts_mc y;
    size_t unk = 9;
    REQUIRE(ts_mc_model_impute(m2, &x, 32, masks, &ro, &y, &unk) == 0);
    CHECK(unk == 0 && y.n == 128);
    size_t kept = 0, right = 0;
    for (int i = 0; i < 128; i++) {
        if (mask[i]) kept += y.ch[TS_CH_EVENT][i] == x.ch[TS_CH_EVENT][i] && y.dt[i] == x.dt[i] &&
                             y.ch[TS_CH_TID][i] == x.ch[TS_CH_TID][i];
        else right += y.ch[TS_CH_EVENT][i] == x.ch[TS_CH_EVENT][i];
    }
    CHECK(kept == 32);
    CHECK_MSG(right > 96 * 8 / 10, "continuation right at %zu of 96", right);
    /* an input without a channel the model needs, and an observed value out of range */
    ts_mc bad;
    REQUIRE(ts_mc_slice(&x, 0, x.n, &bad) == 0);
    free(bad.ch[TS_CH_CPU]);
    bad.ch[TS_CH_CPU] = NULL;
    ts_mc z;
    CHECK(ts_mc_model_impute(m2, &bad, 32, masks, &ro, &z, NULL) != 0 && strstr(ts_error(), "'cpu'"));
    bad.ch[TS_CH_CPU] = ts_calloc(bad.n, sizeof(int32_t));
    bad.ch[TS_CH_CPU][3] = 5;
    CHECK(ts_mc_model_impute(m2, &bad, 32, masks, &ro, &z, NULL) != 0 && strstr(ts_error(), "window 0, position 3") &&
          strstr(ts_error(), "cpu value 5"));
    CHECK(ts_mc_model_impute(m2, &bad, 30, masks, &ro, &z, NULL) != 0 && strstr(ts_error(), "not windows of 30"));
    ts_mc_free(&bad);
    ts_mc_free(&x);
    ts_mc_free(&y);
    ts_mc_free(&g);
    ts_mc_free(&g2);
    ts_mc_model_free(m);
    ts_mc_model_free(m2);
    ts_mc_free(&d);
}

/* ---- per-channel loss weights ---- */

/* 1 when channel c's heads (weights and biases) of a and b are bit for bit the same */
static int same_head(const ts_mc_model *a, const ts_mc_model *b, int c)
{
    const float *wa, *ba, *wb, *bb;
    int Ka, Ca, Kb, Cb;
    double xa, xb;
    if (ts_mdm_mc_head(a, c, &wa, &ba, &Ka, &Ca, &xa) || ts_mdm_mc_head(b, c, &wb, &bb, &Kb, &Cb, &xb)) return -1;
    return Ka == Kb && Ca == Cb && !memcmp(wa, wb, (size_t)Ka * Ca * sizeof *wa) && !memcmp(ba, bb, (size_t)Ka * sizeof *ba);
}

static void channel_weights(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/w.tsm", dir);
    ts_mc d;
    mc_cycle_trace(1000, 1, &d);
    /* a weight of 0: the tid head stays as initialized while the others learn */
    ts_mc_model *z3 = train_weighted(&d, path, 3, "tid=0"), *z9 = train_weighted(&d, path, 9, "tid=0");
    ts_mc_model *d3 = train_weighted(&d, path, 3, NULL), *d9 = train_weighted(&d, path, 9, NULL);
    ts_mc_model *o9 = train_weighted(&d, path, 9, "event=1");
    REQUIRE(z3 && z9 && d3 && d9 && o9);
    CHECK(same_head(z3, z9, TS_CH_TID) == 1);
    CHECK(same_head(z3, z9, TS_CH_EVENT) == 0 && same_head(z3, z9, TS_CH_CPU) == 0);
    CHECK(same_head(d3, d9, TS_CH_TID) == 0);    /* without the weight it learns */
    CHECK(same_head(d9, o9, TS_CH_TID) == 1 && same_head(d9, o9, TS_CH_EVENT) == 1);   /* weights 1: unchanged */
    /* the weights are stored in the model */
    REQUIRE(ts_mc_model_save(z9, path) == 0);
    ts_mc_model *r = NULL;
    REQUIRE(ts_mc_model_load(path, &r) == 0);
    const float *w, *b;
    int K, C;
    double x = -1, y = -1;
    CHECK(ts_mdm_mc_head(r, TS_CH_TID, &w, &b, &K, &C, &x) == 0 && x == 0 && K == 256 && C == 16);
    CHECK(ts_mdm_mc_head(r, TS_CH_EVENT, &w, &b, &K, &C, &y) == 0 && y == 1 && K == 4);
    CHECK(ts_mdm_mc_head(r, TS_CH_COMM, &w, &b, &K, &C, &y) != 0 && strstr(ts_error(), "no channel"));
    ts_mc_model_free(r);
    ts_mc_model_free(z3); ts_mc_model_free(z9); ts_mc_model_free(d3); ts_mc_model_free(d9); ts_mc_model_free(o9);
    /* nor does a weight decay shrink it: it is not trained */
    z3 = train_weighted_wd(&d, path, 3, "tid=0", "0.5");
    z9 = train_weighted_wd(&d, path, 9, "tid=0", "0.5");
    REQUIRE(z3 && z9);
    CHECK(same_head(z3, z9, TS_CH_TID) == 1);
    CHECK(same_head(z3, z9, TS_CH_EVENT) == 0);
    ts_mc_model_free(z3); ts_mc_model_free(z9);
    /* malformed lists: one line naming the option and the item */
    static const struct { const char *list, *want; } bad[] = {
        {"tid", "'tid' is not CHANNEL=WEIGHT"},
        {"pid=1", "'pid' is not a channel"},
        {"comm=1", "no channel 'comm'"},
        {"tid=0,tid=1", "'tid' is given twice"},
        {"tid=-1", "'-1' is not a weight"},
        {"tid=x", "'x' is not a weight"},
        {"tid=", "'' is not a weight"},
        {"tid=1,", "'' is not CHANNEL=WEIGHT"},
        {"", "'' is not CHANNEL=WEIGHT"},
        {"event=0,dt=0,tid=0,cpu=0", "every weight is 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ts_mc_model *m = train_weighted(&d, path, 1, bad[i].list);
        CHECK_MSG(!m && strstr(ts_error(), "--channel-weights") && strstr(ts_error(), bad[i].want) &&
                      !strchr(ts_error(), '\n'),
                  "'%s': %s", bad[i].list, ts_error());
        ts_mc_model_free(m);
    }
    ts_mc_free(&d);
}

/* the values of a channel weighted 0 are drawn after every other channel's: its head never
 * learned, and a value drawn from it would be the context of the values drawn after it. The
 * events imputed and generated are the same whatever that head says (its bias set to favour
 * one thread, then another), in random and most-confident order */
static void untrained_channel_drawn_last(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/u0.tsm", dir);
    ts_mc d, x;
    mc_cycle_trace(1000, 1, &d);
    ts_mc_model *m = train_weighted(&d, path, 20, "tid=0");
    REQUIRE(m);
    REQUIRE(ts_mc_slice(&d, 600, 600 + 8 * 32, &x) == 0);
    uint8_t mask[256];
    for (int i = 0; i < 256; i++) mask[i] = i % 32 < 8 || i % 32 >= 20;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    const float *w, *b;
    int K, C;
    double cw = -1;
    REQUIRE(ts_mdm_mc_head(m, TS_CH_TID, &w, &b, &K, &C, &cw) == 0 && cw == 0);
    float *bias = (float *)b;
    for (int order = 0; order < 2; order++)
        for (int gen = 0; gen < 2; gen++) {
            ts_mc y[2];
            for (int t = 0; t < 2; t++) {
                for (int v = 0; v < K; v++) bias[v] = v == (t ? 19 : 10) ? 100.0f : -100.0f;
                ts_run_opts ro;
                memset(&ro, 0, sizeof ro);
                ro.seed = 3;
                const char *kk[] = {"temperature", "order"}, *vv[] = {"0.5", order ? "confident" : "random"};
                ro.kv = (ts_kv){2, kk, vv};
                if (gen) REQUIRE(ts_mc_model_generate(m, 8, 32, &ro, &y[t]) == 0);
                else REQUIRE(ts_mc_model_impute(m, &x, 32, masks, &ro, &y[t], NULL) == 0);
            }
            size_t tid10 = 0, same = 0;
            for (size_t i = 0; i < y[0].n; i++) {
                tid10 += y[0].ch[TS_CH_TID][i] == 10 && y[1].ch[TS_CH_TID][i] == 19;
                same += y[0].ch[TS_CH_EVENT][i] == y[1].ch[TS_CH_EVENT][i] && y[0].dt[i] == y[1].dt[i] &&
                        y[0].ch[TS_CH_CPU][i] == y[1].ch[TS_CH_CPU][i];
            }
            CHECK_MSG(tid10 == (gen ? y[0].n : 8 * 12) && same == y[0].n,
                      "%s, %s order: %zu threads drawn as the head says, %zu of %zu events the same",
                      gen ? "generated" : "imputed", order ? "confident" : "random", tid10, same, y[0].n);
            ts_mc_free(&y[0]);
            ts_mc_free(&y[1]);
        }
    ts_mc_model_free(m);
    ts_mc_free(&x);
    ts_mc_free(&d);
}

/* a network whose output overflows (finite parameters, head logits of +-inf) is refused,
 * naming the place, as by mdm: it drew the first value (NaN compares false) */
static void nonfinite_output_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/nf.tsm", dir);
    ts_mc d;
    mc_cycle_trace(400, 1, &d);
    ts_mc_model *m = train_small(&d, path, 2);
    REQUIRE(m);
    const float *w, *b;
    int K, C;
    double cw;
    REQUIRE(ts_mdm_mc_head(m, TS_CH_EVENT, &w, &b, &K, &C, &cw) == 0);
    for (int i = 0; i < K * C; i++) ((float *)w)[i] = (i % 2 ? 1 : -1) * 3e38f;
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ts_mc g;
    for (int i = 0; i < 2; i++) {
        const char *k[] = {"order"}, *v[] = {"confident"};
        ro.kv = (ts_kv){i, k, v};
        CHECK_MSG(ts_mc_model_generate(m, 3, 16, &ro, &g) == -1 && strstr(ts_error(), "mdm-mc: the network's output is "
                                                                                      "not finite at window ") &&
                      !strchr(ts_error(), '\n'),
                  "generate: %s", ts_error());
    }
    ts_mc x, y;
    REQUIRE(ts_mc_slice(&d, 300, 364, &x) == 0);
    uint8_t mask[64];
    for (int i = 0; i < 64; i++) mask[i] = i % 32 < 8;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    ro.kv = (ts_kv){0, NULL, NULL};
    CHECK_MSG(ts_mc_model_impute(m, &x, 32, masks, &ro, &y, NULL) == -1 && strstr(ts_error(), "not finite"),
              "impute: %s", ts_error());
    ts_mc_free(&x);
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* ---- malformed model files: one line naming the file and the section ---- */

/* a small model of the cycle trace, 2 iterations, saved at path: 0, or -1 */
static int small_model_file(const char *path)
{
    ts_mc d;
    mc_cycle_trace(400, 1, &d);
    ts_mc_model *m = train_small(&d, path, 2);
    const int rc = m && ts_mc_model_save(m, path) == 0 ? 0 : -1;
    ts_mc_model_free(m);
    ts_mc_free(&d);
    return rc;
}

static void bad_files(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char good[512], bad[512];
    snprintf(good, sizeof good, "%s/m.tsm", dir);
    snprintf(bad, sizeof bad, "%s/bad.tsm", dir);
    REQUIRE(small_model_file(good) == 0);
    static const struct { const char *tag, *body, *want; } cases[] = {
        {"CHANNELS", NULL, "'CHANNELS'"},
        {"CHANNELS", "channels=2\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n",
         "'channels' = 2"},
        {"CHANNELS", "channels=51\ndt=none\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n",
         "'dt' = none"},
        {"CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=100\ncard_cpu=2\n",
         "'card_tid' = 100"},
        {"CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=5\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n",
         "'vocab'"},
        {"MDMMC", "dt_bins=16\ndt_lo=5\ndt_hi=1\ndt_mean=1\ndt_std=1\n", "'dt_hi' is below"},
        {"MDMMC", "dt_bins=99999\ndt_lo=0\ndt_hi=1\ndt_mean=1\ndt_std=1\n", "'dt_bins'"},
        {"MDMMC", "dt_bins=16\ndt_lo=0\ndt_hi=1\ndt_mean=1\ndt_std=1\n", "'DTVALS'"},
        {"DTVALS", NULL, "'DTVALS'"},
        {"PARAMS", NULL, "'PARAMS'"},
        /* parts whose sum wraps to 1000 in an int, and a part past an int */
        {"CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n"
                     "split=2147483647,2147483647,1002\n",
         "'split'"},
        {"CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n"
                     "split=4294967996,100,200\n",
         "'split'"},
        /* an architecture no table is named by */
        {"CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\ncard_tid=256\ncard_cpu=2\n"
                     "arch=vax\n",
         "'arch' = 'vax'"},
        {"MODEL", "mdm", "not a multi-channel model"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        REQUIRE(rewrite_chunk(good, bad, cases[i].tag, cases[i].body) == 0);
        ts_mc_model *x = NULL;
        CHECK_MSG(ts_mc_model_load(bad, &x) != 0 && strstr(ts_error(), cases[i].want) && strstr(ts_error(), bad) &&
                      !strchr(ts_error(), '\n'),
                  "case %zu: %s", i, ts_error());
        ts_mc_model_free(x);
    }
    CHECK(ts_mc_model_is(bad) == 0);   /* the last one names a single-channel model */
    /* a recorded architecture, as ts_arch_name spells it, comes back */
    REQUIRE(rewrite_chunk(good, bad, "CHANNELS", "channels=51\ndt=bins\nlen=0\ncard_event=4\ncard_comm=0\ncard_ret=0\n"
                          "card_tid=256\ncard_cpu=2\narch=arm64\n") == 0);
    ts_mc_model *x = NULL;
    CHECK_MSG(ts_mc_model_load(bad, &x) == 0 && !strcmp(x->arch, "aarch64"), "%s", x ? x->arch : ts_error());
    ts_mc_model_free(x);
}

/* a model file's comm and ret vocabularies begin with the reserved <pad> (no value) and
 * <unk> (one outside them), as a dataset's: a file whose names there are others is refused
 * on loading, naming the section and the ID (generate would write them into a dataset's
 * comm.vocab.tsv, which no command reads) */
static void reserved_value_names(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_mc d;
    mc_cycle_trace(400, 1, &d);
    static const char *const comms[] = {"<pad>", "<unk>", "a", "b"};
    d.comm_vocab.n = 4;
    d.comm_vocab.unk = 1;
    d.comm_vocab.names = ts_malloc(4 * sizeof(char *));
    for (int i = 0; i < 4; i++) d.comm_vocab.names[i] = ts_strdup(comms[i]);
    d.ch[TS_CH_COMM] = ts_malloc(d.n * sizeof(int32_t));
    for (size_t i = 0; i < d.n; i++) d.ch[TS_CH_COMM][i] = 2 + (int32_t)(i % 2);
    ts_mc_model *m = train_small(&d, path, 2);
    REQUIRE(m);
    REQUIRE(m->comm_vocab.n == 4);
    REQUIRE(ts_mc_model_save(m, path) == 0);
    ts_mc_model *x = NULL;
    CHECK_MSG(ts_mc_model_load(path, &x) == 0, "%s", ts_error());
    ts_mc_model_free(x);
    for (int id = 0; id < 2; id++) {
        char *res = m->comm_vocab.names[id];
        m->comm_vocab.names[id] = ts_strdup("foo");
        REQUIRE(ts_mc_model_save(m, path) == 0);
        char want[96];
        snprintf(want, sizeof want, "m.tsm: section 'COMMVOC': name %d is 'foo', not the reserved '%s'", id,
                 id ? "<unk>" : "<pad>");
        x = NULL;
        CHECK_MSG(ts_mc_model_load(path, &x) != 0 && strstr(ts_error(), want), "%s", ts_error());
        ts_mc_model_free(x);
        free(m->comm_vocab.names[id]);
        m->comm_vocab.names[id] = res;
    }
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* ---- the command line ---- */

static void cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(3000, 1, &d);
    char ds[512], cmd[2048], err[512];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(ts_mc_save(ds, &d) == 0);
    ts_mc_free(&d);
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 32 --layers 1 --channels 16 --state 8 --context 16 "
             "--iters 3 --threads 1 --no-progress -o %s/m.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 3 --length 16 --threads 1 --no-progress -o %s/gen", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc g;
    snprintf(cmd, sizeof cmd, "%s/gen", dir);
    REQUIRE(ts_mc_load(cmd, &g) == 0);
    CHECK(g.n == 48 && g.dt && g.ch[TS_CH_TID] && g.ch[TS_CH_CPU]);
    ts_mc_free(&g);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --threads 1 --no-progress -o %s/imp",
             dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s/imp", dir);
    REQUIRE(ts_mc_load(cmd, &g) == 0);
    CHECK(g.n == 600 / 16 * 16);   /* the test part's whole windows */
    ts_mc_free(&g);
    /* one directory for the two kinds of imputation output (a dataset; the three .npy of
     * windows) would hold both, as if of one run: refused both ways, in one line */
    snprintf(cmd, sizeof cmd, "train --model ngram %s --length 16 --threads 1 -o %s/ng.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s --length 16 --blackout 2 --threads 1 -o %s/imp", dir, ds, dir);
    int orc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(orc == 1 && strstr(err, "imp: holds a dataset (stream.txt)") && !strchr(err, '\n'), "exit %d: %s", orc,
              err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s --length 16 --blackout 2 --threads 1 -o %s/tri", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --threads 1 --no-progress -o %s/tri",
             dir, ds, dir);
    orc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(orc == 1 && strstr(err, "tri: holds a single-channel imputation's windows (original0.npy)") &&
                  !strchr(err, '\n'), "exit %d: %s", orc, err);
    snprintf(cmd, sizeof cmd, "%s/tri/stream.txt", dir);
    CHECK(!ts_file_exists(cmd));
    /* a model trained with other --fractions records them, and impute cuts the input's
     * test part by them unless told otherwise (the windows of 0.7,0.1,0.2 were imputed:
     * from event 2400, where the model had learned up to 2700) */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --fractions 0.9,0.05,0.05 --length 32 --layers 1 --channels 16 "
             "--state 8 --context 16 --iters 3 --threads 1 --no-progress -o %s/m9.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc_model *m9 = NULL;
    snprintf(cmd, sizeof cmd, "%s/m9.tsm", dir);
    REQUIRE(ts_mc_model_load(cmd, &m9) == 0);
    CHECK_MSG(m9->permille[0] == 900 && m9->permille[1] == 50 && m9->permille[2] == 50, "%d %d %d", m9->permille[0],
              m9->permille[1], m9->permille[2]);
    /* and the dataset it cut, as a single-channel model does (HELDOUT; HELDPRE, its training
     * part's 2700 events by 245 prefixes of 11) */
    CHECK_MSG(m9->data_events == 3000 && m9->data_seen == 2850 && m9->data_hash != 0, "%zu %zu", m9->data_events,
              m9->data_seen);
    CHECK_MSG(m9->data_prefixes.step == 11 && m9->data_prefixes.n == 245, "%zu %zu", m9->data_prefixes.step,
              m9->data_prefixes.n);
    REQUIRE(ts_mc_load(ds, &g) == 0);
    CHECK(m9->data_prefixes.hash[244] == ts_events_hash(g.events.stream.ids, 2695, &g.events.vocab) &&
          ts_events_prefixes_match(&m9->data_prefixes, g.events.stream.ids, 2000, &g.events.vocab) == 1991);
    ts_mc_free(&g);
    ts_mc_model_free(m9);
    const char *const given[2] = {"", "--fractions 0.95,0.02,0.03"};
    const size_t want[2] = {150 / 16 * 16, 90 / 16 * 16};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "impute %s/m9.tsm --input %s --length 16 --prefix 4 %s --threads 1 --no-progress "
                 "-o %s/imp9", dir, ds, given[i], dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "%s/imp9", dir);
        REQUIRE(ts_mc_load(cmd, &g) == 0);
        CHECK_MSG(g.n == want[i], "%s: %zu events", given[i], g.n);
        ts_mc_free(&g);
    }
    /* other fractions whose test part holds events it learned (0.7,0.1,0.2: from event 2400,
     * where m9 learned up to 2850) are refused, as a single-channel model's are; so is the
     * same trace with events appended (m learned up to 2400 of its first 3000) */
    snprintf(cmd, sizeof cmd, "impute %s/m9.tsm --input %s --length 16 --prefix 4 --fractions 0.7,0.1,0.2 --threads 1 "
             "--no-progress", dir, ds);
    int hrc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(hrc == 1 && strstr(err, "m9.tsm") && strstr(err, "begins at event 2400, before event 2850") &&
              !strchr(err, '\n'), "exit %d: %s", hrc, err);
    char more[512];
    snprintf(more, sizeof more, "%s/more", dir);
    mc_cycle_trace(6000, 1, &d);
    REQUIRE(ts_mc_save(more, &d) == 0);
    ts_mc_free(&d);
    const char *const fr[2] = {"0.3,0.05,0.65", "0.4,0.05,0.55"};   /* test parts from 2100 and 2700 */
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --fractions %s --threads 1 "
                 "--no-progress", dir, more, fr[i]);
        hrc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(i ? hrc == 0 : hrc == 1 && strstr(err, "begins at event 2100, before event 2400"), "%s: exit %d: %s",
                  fr[i], hrc, err);
    }
    /* both are windows of 16, as recorded with them: eval reads them so without --length */
    char out[8192];
    const char *const sets[2][2] = {{"gen", "\"length\": 16, \"windows\": 3,"}, {"imp", "\"length\": 16, \"windows\": 37,"}};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "eval --real %s --synthetic %s/%s --json", ds, dir, sets[i][0]);
        CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, sets[i][1]), "%s: %s", sets[i][0], out);
    }
    /* the progress bar names what runs: impute, or generate (as ddpm-mc's does) */
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --threads 1 -o %s/imp2", dir, ds, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "impute [") && !strstr(out, "generate ["), "%s", out);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 3 --length 16 --threads 1 -o %s/gen2", dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "generate [") && !strstr(out, "impute ["), "%s", out);
    /* dt as a real channel */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --dt real --length 32 --layers 1 --channels 16 --state 8 "
             "--context 16 --iters 3 --threads 1 --no-progress -o %s/r.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/r.tsm -n 2 --length 16 --threads 1 --no-progress -o %s/genr", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s/genr", dir);
    REQUIRE(ts_mc_load(cmd, &g) == 0);
    size_t inside = 0;
    for (size_t i = 0; i < g.n; i++) inside += g.dt[i] >= log(1001.0) && g.dt[i] <= log(4001.0) + 0.01;
    CHECK(g.n == 32 && inside == g.n);   /* clamped to the training range */
    ts_mc_free(&g);
    /* windows of one event: the error names --length, not the --context it sets */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 1 --iters 1 --threads 1 --no-progress -o %s/x.tsm",
             ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "mdm-mc: option --length: 1") && strstr(err, "at least 2"),
              "%s", err);
    /* crops longer than the validation part (300 events): refused, not validated on
     * training crops */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 400 --context 301 --layers 1 --channels 16 --state 8 "
             "--iters 1 --threads 1 --no-progress -o %s/x.tsm", ds, dir);
    char says[1024];   /* the data's error (1), naming the dataset: a context the option takes */
    snprintf(says, sizeof says, "tracesynth: error: %s: mdm-mc: --context 301 is longer than the validation part "
             "(300 events)", ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, says) == err && strstr(err, "--context 300 or less"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "%s/x.tsm", dir);
    CHECK(access(cmd, F_OK) != 0);
    /* windows longer than the training part (only --context bounded the crops): refused as
     * ddpm-mc refuses them, the data's error naming the limit */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 100000 --layers 1 --channels 16 --state 8 --iters 1 "
             "--threads 1 --no-progress -o %s/x.tsm", ds, dir);
    snprintf(says, sizeof says, "tracesynth: error: %s: mdm-mc: --length 100000 is longer than the training part "
             "(2100 events)", ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, says) == err && strstr(err, "--length 2100 or less") &&
                  !strchr(err, '\n'), "%s", err);
    snprintf(cmd, sizeof cmd, "%s/x.tsm", dir);
    CHECK(access(cmd, F_OK) != 0);
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --dt spline -o %s/x.tsm", ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--dt: 'spline'"));
    /* an input whose value the model never saw: the error names the input and the place */
    REQUIRE(ts_mc_load(ds, &g) == 0);
    for (size_t i = 0; i < g.n; i++) g.ch[TS_CH_CPU][i] = 0;
    g.ch[TS_CH_CPU][2400 + 16 + 3] = 7;   /* test part, window 1, position 3 */
    snprintf(cmd, sizeof cmd, "%s/ds7", dir);
    REQUIRE(ts_mc_save(cmd, &g) == 0);
    ts_mc_free(&g);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s/ds7 --length 16 --prefix 4 --threads 1 --no-progress", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ds7: test part: window 1, position 3: cpu value 7") &&
          strstr(err, "[0, 2)"));
    /* an input without a channel the model has (an strace log has no cpu): the error names the input */
    REQUIRE(ts_mc_load(ds, &g) == 0);
    free(g.ch[TS_CH_CPU]);
    g.ch[TS_CH_CPU] = NULL;
    snprintf(cmd, sizeof cmd, "%s/nocpu", dir);
    REQUIRE(ts_mc_save(cmd, &g) == 0);
    ts_mc_free(&g);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s/nocpu --length 16 --prefix 4 --threads 1 --no-progress", dir,
             dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "nocpu: no channel 'cpu' (cpu.npy)") &&
                  strstr(err, "m.tsm models"), "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --threads 1 -o %s/gen2", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length is required"));
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --length 16 --format npy -o %s/gen2", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--format is for window files"), "%s", err);
    /* at its default value too: an option the command does not read is refused */
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --length 16 --format text -o %s/gen2", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--format is for window files"), "%s", err);
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --prior 1 -o %s/x.tsm", ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "mdm-mc: option --prior: not one of its training options"));
    /* training options of the single-channel split that the multi-channel one does not read */
    const char *unread[][2] = {{"--split paper", "--split paper"}, {"--stride 3", "--stride"},
                               {"--windows 20", "--windows"}, {"--blackout 4", "--blackout"}, {"--position end", "--position"},
                               {"--stride 5", "--stride"}, {"--blackout 10", "--blackout"}, {"--position center", "--position"},
                               {"--windows 500", "--windows"}};
    for (int i = 0; i < 9; i++) {
        snprintf(cmd, sizeof cmd, "train --model mdm-mc %s %s -o %s/x.tsm", ds, unread[i][0], dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, unread[i][1]) && strstr(err, "not for the multi-channel"),
                  "%s: %s", unread[i][0], err);
    }
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 16", dir, ds);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--prefix 16"));
    /* options the multi-channel path would not read: refused, not ignored */
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --vocab %s/none.tsv", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--vocab is for single-channel input"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --split paper", dir, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--split paper"), "%s", err);
}

/* generate -o DIR over a dataset it did not write (one ingested: its events, times and
 * arch) replaced it, silently; refused now, before the work, as single-channel generate
 * refuses a dataset's own files. A set of windows (its length recorded, as generate
 * writes it) is replaced. markov -n, repair and the multi-channel impute replaced it
 * too: refused alike */
static void generate_over_dataset(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(600, 1, &d);
    static const char *const names[4] = {"read", "write", "openat", "close"};   /* --channels-from matches them */
    d.events.vocab.n = 4;
    d.events.vocab.names = ts_malloc(4 * sizeof(char *));
    d.events.vocab.counts = ts_calloc(4, sizeof(int64_t));
    for (int i = 0; i < 4; i++) d.events.vocab.names[i] = ts_strdup(names[i]);
    char ds[512], cmd[2048], err[1024], want[700];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(ts_mc_save_arch(ds, &d, "x86_64") == 0);
    char ing[600];   /* another such dataset, with its events' times as ingest writes them: the output */
    snprintf(ing, sizeof ing, "%s/ing", dir);
    d.events.time_ns = ts_malloc(d.n * sizeof *d.events.time_ns);
    for (size_t i = 0; i < d.n; i++) d.events.time_ns[i] = 1000 * (int64_t)i;
    REQUIRE(ts_mc_save_arch(ing, &d, "x86_64") == 0);
    ts_mc_free(&d);
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 16 --layers 1 --channels 8 --state 8 --context 8 "
             "--iters 2 --threads 1 --no-progress -o %s/m.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s --length 16 --threads 1 -o %s/ng.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s -o %s/c.tsc", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const runs[2] = {"generate %s/m.tsm -n 2 --length 16 --threads 1 --no-progress -o %s",
                                        "generate %s/ng.tsm --channels-from %s/ds -n 2 --length 16 -o %s"};
    static const char *const others[4] = {
        "markov %s/ds -n 32 -o %s", "markov %s/ds -n 32 --length 16 -o %s", "repair %s/ds --constraints %s/c.tsc -o %s",
        "impute %s/m.tsm --input %s/ds --length 16 --prefix 4 --threads 1 --no-progress -o %s"};
    for (int i = 0; i < 6; i++) {
        if (i == 0) snprintf(cmd, sizeof cmd, runs[i], dir, ing);
        else if (i == 1) snprintf(cmd, sizeof cmd, runs[i], dir, dir, ing);
        else if (i >= 4) snprintf(cmd, sizeof cmd, others[i - 2], dir, dir, ing);
        else snprintf(cmd, sizeof cmd, others[i - 2], dir, ing);
        const int rc = run_cli(cmd, err, sizeof err);
        snprintf(want, sizeof want, "tracesynth: error: %s: holds a dataset", ing);
        CHECK_MSG(rc == 1 && strstr(err, want) == err && !strchr(err, '\n'), "%s: %d: %s", cmd,
                  rc, err);
        REQUIRE(ts_mc_load(ing, &d) == 0);
        CHECK_MSG(d.n == 600, "%zu events", d.n);
        ts_mc_free(&d);
        snprintf(cmd, sizeof cmd, "%s/arch", ing);
        CHECK(ts_file_exists(cmd));
    }
    /* generate's own output: replaced, by either */
    for (int i = 0; i < 2; i++) {
        char gen[600];
        snprintf(gen, sizeof gen, "%s/gen", dir);
        if (i == 0) snprintf(cmd, sizeof cmd, runs[i], dir, gen);
        else snprintf(cmd, sizeof cmd, runs[i], dir, dir, gen);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "again: %s: %s", cmd, err);
    }
    /* markov's and repair's one chain (Δt, no times): written again by the same command,
     * as the writers' own; a dataset without Δt and not marked derived (as ingest writes
     * one from a log without times, or a chain written before the mark without Δt)
     * refused */
    static const char *const own[2] = {"markov %s/ds -n 32 -o %s/own%.0s", "repair %s/ds --constraints %s/c.tsc -o %s/own2"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, own[i], dir, dir, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "again: %s: %s", cmd, err);
    }
    snprintf(cmd, sizeof cmd, "%s/own/dt.npy", dir);
    REQUIRE(remove(cmd) == 0);
    snprintf(cmd, sizeof cmd, "%s/own/derived", dir);
    REQUIRE(remove(cmd) == 0);
    snprintf(cmd, sizeof cmd, own[0], dir, dir, dir);
    snprintf(want, sizeof want, "tracesynth: error: %s/own: holds a dataset that is no set of windows", dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err && strstr(err, "no Δt channel"), "%s",
              err);
}

/* the model file a run saves while it learns (its best validation so far, what a run cut
 * short leaves) had no arch: only the command's final save recorded it */
static void saves_while_learning_keep_arch(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(600, 1, &d);
    static const char *const names[2] = {"mdm-mc", "ddpm-mc"};
    const char *keys[2][7] = {{"layers", "channels", "state", "context", "iters", "valid-every", "batch"},
                              {"layers", "channels", "state", "T", "iters", "valid-every", "batch"}};
    const char *vals[2][7] = {{"1", "8", "4", "8", "2", "1", "2"}, {"1", "8", "4", "10", "2", "1", "2"}};
    for (int i = 0; i < 2; i++) {
        char out[512];
        snprintf(out, sizeof out, "%s/%s.tsm", dir, names[i]);
        ts_mc_train_opts o;
        mc_train_opts(&o, &d, 16, out, 7, keys[i], vals[i]);
        o.arch = "aarch64";
        ts_mc_model *m = NULL;
        CHECK_MSG(ts_mc_model_train(names[i], &o, &m) == 0 && !strcmp(m->arch, "aarch64"), "%s: %s", names[i],
                  ts_error());
        ts_mc_model_free(m);
        m = NULL;   /* the file as the run left it, not saved again */
        CHECK_MSG(ts_mc_model_load(out, &m) == 0 && !strcmp(m->arch, "aarch64"), "%s: '%s' %s", names[i],
                  m ? m->arch : "", ts_error());
        ts_mc_model_free(m);
    }
    ts_mc_free(&d);
}

static long lines_with(const char *path, const char *s)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[2048];
    long n = 0;
    while (fgets(line, sizeof line, f)) n += strstr(line, s) != NULL;
    fclose(f);
    return n;
}

/* the per-channel validation records name their iteration: a resume from an earlier
 * checkpoint cuts them back with the rest of the log, none appears twice */
static void valid_channels_cut_on_resume(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600], ck4[600], logp[600], cmd[1400];
    snprintf(out, sizeof out, "%s/r.tsm", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    snprintf(ck4, sizeof ck4, "%s/r4.ckpt", dir);
    snprintf(logp, sizeof logp, "%s/r.jsonl", dir);
    ts_mc d;
    mc_cycle_trace(600, 1, &d);
    const char *keys[] = {"layers", "channels", "state", "context", "iters", "valid-every", "batch", "dt-bins"};
    const char *vals[] = {"1", "8", "4", "8", "4", "2", "2", "8"};
    ts_mc_train_opts o;
    mc_train_opts(&o, &d, 16, out, 8, keys, vals);
    o.log_path = logp;
    ts_mc_model *m = NULL;
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);   /* validations at 2 and 4 */
    ts_mc_model_free(m);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", ck, ck4);
    REQUIRE(system(cmd) == 0);
    vals[4] = "6";
    o.resume = ck;
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);   /* 6 */
    ts_mc_model_free(m);
    o.resume = ck4;   /* from 4 again: the records of 6 go, then come again */
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);
    ts_mc_model_free(m);
    CHECK_MSG(lines_with(logp, "\"event\":\"valid_channels\"") == 3, "%ld records",
              lines_with(logp, "\"event\":\"valid_channels\""));
    CHECK(lines_with(logp, "\"valid_channels\",\"iter\":6,") == 1);
    /* a checkpoint of other events, or of another split, is refused */
    vals[4] = "4";
    o.log_path = NULL;
    CHECK(mc_resume_other_events("mdm-mc", &d, &o, ck) == 0);
    CHECK(mc_resume_other_names("mdm-mc", &d, &o, ck) == 0);
    CHECK(mc_resume_other_split("mdm-mc", &o, ck) == 0);
    ts_mc_free(&d);
}

/* the options of a small mdm-mc run on d (mc_cycle_trace's 600 events, made here) into
 * out, kv the first n of these keys with vals: layers, channels, state, context, iters,
 * valid-every, batch, dt-bins, channel-weights */
static void weights_run(ts_mc_train_opts *o, ts_mc *d, const char *out, const char **vals, int n)
{
    static const char *keys[] = {"layers", "channels", "state", "context", "iters", "valid-every", "batch", "dt-bins",
                                 "channel-weights"};
    mc_cycle_trace(600, 1, d);
    mc_train_opts(o, d, 16, out, n, keys, vals);
}

/* the same weights, given or defaulted, are the same model: a run started without
 * --channel-weights resumes with the default weights given, and the other way round;
 * other weights are another model */
static void channel_weights_resume_alike(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600];
    snprintf(out, sizeof out, "%s/w.tsm", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    ts_mc d;
    const char *vals[] = {"1", "8", "4", "8", "2", "2", "2", "8", "event=1"};
    ts_mc_train_opts o;
    weights_run(&o, &d, out, vals, 8);   /* no weights given */
    ts_mc_model *m = NULL;
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);
    ts_mc_model_free(m);
    m = NULL;
    vals[4] = "4";
    o.resume = ck;
    o.kv.n = 9;   /* the default weights given */
    CHECK_MSG(ts_mc_model_train("mdm-mc", &o, &m) == 0, "%s", ts_error());
    ts_mc_model_free(m);
    m = NULL;
    vals[8] = "dt=1,event=1";   /* given for the whole of a run, none given on its resume */
    vals[4] = "2";
    o.resume = NULL;
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);
    ts_mc_model_free(m);
    m = NULL;
    vals[4] = "4";
    o.resume = ck;
    o.kv.n = 8;
    CHECK_MSG(ts_mc_model_train("mdm-mc", &o, &m) == 0, "%s", ts_error());
    ts_mc_model_free(m);
    m = NULL;
    vals[8] = "event=2";   /* other weights: another model */
    vals[4] = "6";
    o.kv.n = 9;
    CHECK(ts_mc_model_train("mdm-mc", &o, &m) != 0 && strstr(ts_error(), "different model") &&
          strstr(ts_error(), "weight_event=2"));
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* a checkpoint of an older build of a run given the default weights (--channel-weights
 * event=1): its config names every channel's weight, 1 each (built here from one of
 * event=2). It resumes with the same option, and without it (the same weights); other
 * weights are refused as another model */
static void channel_weights_older_ckpt_resumes(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600];
    snprintf(out, sizeof out, "%s/ow.tsm", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    ts_mc d;
    const char *vals[] = {"1", "8", "4", "8", "2", "2", "2", "8", "event=2"};
    ts_mc_train_opts o;
    weights_run(&o, &d, out, vals, 9);
    ts_mc_model *m = NULL;
    REQUIRE(ts_mc_model_train("mdm-mc", &o, &m) == 0);
    ts_mc_model_free(m);
    m = NULL;
    /* the older build's config: every weight named, as given */
    ts_reader r;
    REQUIRE(ts_reader_open(&r, ck) == 0);
    const ts_chunk *c = ts_reader_get(&r, "CONFIG");
    char cfg[1024] = "";
    if (c && c->size < sizeof cfg) memcpy(cfg, c->data, c->size), cfg[c->size] = 0;
    ts_reader_close(&r);
    char *w = strstr(cfg, "weight_event=2\n");
    REQUIRE(w && strstr(cfg, "weight_dt=1\n"));
    w[strlen("weight_event=")] = '1';
    char older[600], out2[600];   /* the resumes write their model and checkpoint beside it */
    snprintf(older, sizeof older, "%s/ow-older.ckpt", dir);
    snprintf(out2, sizeof out2, "%s/ow2.tsm", dir);
    REQUIRE(rewrite_chunk(ck, older, "CONFIG", cfg) == 0);
    o.resume = older;
    o.out_path = out2;
    vals[4] = "4";
    vals[8] = "event=1";
    for (int given = 1; given >= 0; given--) {   /* event=1 given, then no weights given */
        o.kv.n = given ? 9 : 8;
        CHECK_MSG(ts_mc_model_train("mdm-mc", &o, &m) == 0, "%s: %s", given ? "event=1" : "no weights", ts_error());
        ts_mc_model_free(m);
        m = NULL;
    }
    vals[8] = "event=2";   /* other weights than its: another model */
    o.kv.n = 9;
    CHECK_MSG(ts_mc_model_train("mdm-mc", &o, &m) != 0 && strstr(ts_error(), "different model") &&
              strstr(ts_error(), "weight_event=2"), "%s", ts_error());
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* a model file loads with no error left set: its optional sections (the single-channel
 * net's SEEN, MCSEEN, which files from before it have none) are asked for, not required */
static void load_leaves_no_error(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char good[512], old[512];
    snprintf(good, sizeof good, "%s/m.tsm", dir);
    snprintf(old, sizeof old, "%s/old.tsm", dir);
    REQUIRE(small_model_file(good) == 0);
    REQUIRE(rewrite_chunk(good, old, "MCSEEN", NULL) == 0);
    const char *files[] = {good, old};
    for (int k = 0; k < 2; k++) {
        ts_mc_model *x = NULL;
        ts_clear_error();
        CHECK_MSG(ts_mc_model_load(files[k], &x) == 0 && !strcmp(ts_error(), "unknown error"), "%s: %s", files[k],
                  ts_error());
        ts_mc_model_free(x);
    }
}

/* markov's and repair's one chain of a dataset without Δt (a single-channel one, one
 * ingested from a log without times) has no dt.npy either: a run again into its own output
 * was refused as an ingested trace. Their outputs are now told by what they write; a
 * dataset ingest wrote there is still refused */
static void own_untimed_output_written_again(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char log[512], cmd[2048], err[1024], want[700];
    snprintf(log, sizeof log, "%s/untimed.log", dir);
    static const char *const calls[4] = {"openat(AT_FDCWD, \"/etc/x\", O_RDONLY) = 3\n", "read(3, \"abc\", 3) = 3\n",
                                         "write(1, \"hi\", 2) = 2\n", "close(3) = 0\n"};
    FILE *f = fopen(log, "w");
    REQUIRE(f);
    for (int i = 0; i < 400; i++) fputs(calls[(i * 7 + i / 3) % 4], f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s -o %s/sds", log, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s --channels -o %s/nds", log, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/nds -o %s/c.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const runs[3] = {"markov %s/sds -n 10 -o %s/z%.0s", "markov %s/nds -n 50 -o %s/nm%.0s",
                                        "repair %s/nds --constraints %s/c.tsc -o %s/nr"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, runs[i], dir, dir, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "again: %s: %s", cmd, err);
    }
    /* an ingested one is still refused, and kept */
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "markov %s/sds -n 10 -o %s/%s", dir, dir, i ? "nds" : "sds2");
        if (i == 0) {
            char c2[2048];
            snprintf(c2, sizeof c2, "ingest --from strace %s -o %s/sds2", log, dir);
            REQUIRE(run_cli(c2, err, sizeof err) == 0);
        }
        snprintf(want, sizeof want, "tracesynth: error: %s/%s: holds a dataset that is no set of windows", dir,
                 i ? "nds" : "sds2");
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err, "%s: %s", cmd, err);
        ts_mc d;
        snprintf(cmd, sizeof cmd, "%s/%s", dir, i ? "nds" : "sds2");
        REQUIRE(ts_mc_load(cmd, &d) == 0);
        CHECK_MSG(d.n == 400, "%zu events", d.n);
        ts_mc_free(&d);
    }
    /* ingest into a former output makes it an ingested trace again */
    snprintf(cmd, sizeof cmd, "ingest --from strace %s -o %s/z", log, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, runs[0], dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "holds a dataset that is no set of windows"), "%s: %s",
              cmd, err);
}

/* train reads --fractions (else the default 70/10/20), not the shares a split of the
 * dataset records, which constraints, markov and eval take: where they differ, a note says
 * which part the model learned from and which one the split records, for a multi-channel
 * model and a single-channel one alike; none where they agree */
static void train_notes_recorded_split(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(3000, 1, &d);
    char ds[512], cmd[2048], out[8192];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(ts_mc_save(ds, &d) == 0);
    ts_mc_free(&d);
    snprintf(cmd, sizeof cmd, "split %s --length 16 --windows 20 --fractions 0.8,0.1,0.1 -o %s/SPLIT", ds, ds);
    REQUIRE(run_cli(cmd, out, sizeof out) == 0);
    const char *const mc = "--length 32 --layers 1 --channels 16 --state 8 --context 16 --iters 2 --threads 1 "
                           "--no-progress";
    const char *const runs[2] = {"--model mdm-mc", "--model ngram"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "train %s %s %s -o %s/n%d.tsm", runs[i], ds, i ? "--length 16" : mc, dir, i);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 0 &&
                      strstr(out, "tracesynth: note: train: the model learned from the first 2100 events, the "
                                  "training part of the default 0.7,0.1,0.2; ") &&
                      strstr(out, "SPLIT/split.txt records a split of ") &&
                      strstr(out, "at 0.8,0.1,0.1, whose training part (the first 2400 events) constraints, markov "
                                  "and eval take unless given --fractions; give train --fractions 0.8,0.1,0.1"),
                  "%s: %s", runs[i], out);
        snprintf(cmd, sizeof cmd, "train %s %s %s --fractions 0.8,0.1,0.1 -o %s/e%d.tsm", runs[i], ds,
                 i ? "--length 16" : mc, dir, i);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && !strstr(out, "split.txt"), "%s: %s", runs[i], out);
    }
    /* the model learned from the part it said: its record */
    ts_mc_model *m = NULL;
    snprintf(cmd, sizeof cmd, "%s/n0.tsm", dir);
    REQUIRE(ts_mc_model_load(cmd, &m) == 0);
    CHECK_MSG(m->permille[0] == 700 && m->data_seen == 2400, "%d %zu", m->permille[0], m->data_seen);
    ts_mc_model_free(m);
}

TEST_MAIN("mdm_mc", {
    RUN(gradient_check);
    RUN(learns_and_generates);
    RUN(unseen_values_never_drawn);
    RUN(channel_weights);
    RUN(untrained_channel_drawn_last);
    RUN(nonfinite_output_refused);
    RUN(bad_files);
    RUN(cli);
    RUN(generate_over_dataset);
    RUN(saves_while_learning_keep_arch);
    RUN(valid_channels_cut_on_resume);
    RUN(channel_weights_resume_alike);
    RUN(channel_weights_older_ckpt_resumes);
    RUN(load_leaves_no_error);
    RUN(own_untimed_output_written_again);
    RUN(reserved_value_names);
    RUN(train_notes_recorded_split);
})
