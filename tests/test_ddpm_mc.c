/* The Gaussian DDPM over the encoded channels ("ddpm-mc"): the SSSD network's
 * multi-channel input and output (K channels in, K out, the conditioning 2K) against
 * finite differences and its parameter count, learning a trace whose channels follow its
 * events (the validation loss falls), generation (shapes, decoded values valid, a channel
 * the trace lacks left out), a prefix kept, save/load drawing the same windows, malformed
 * model files (one line naming the file and the section), and the command line. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/channels.h"
#include "tracesynth/container.h"
#include "tracesynth/mc_model.h"
#include "mc_trace.h"
#include "tracesynth/sssd.h"

#include <math.h>

/* ---- the network with K channels ---- */

enum { GB = 2, GL = 12, GK = 3 };

/* sum of out · r over the (B, K, L) output */
static double weighted_out(ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *obs, const float *mask,
                           const int32_t *t, const float *r)
{
    ts_sssd_forward(n, pl, xt, obs, mask, t);
    double s = 0;
    for (int i = 0; i < GB * GK * GL; i++) s += (double)pl->out[i] * r[i];
    return s;
}

static void multichannel_gradient(void)
{
    ts_sssd_config c;
    ts_sssd_config_paper(&c);
    c.layers = 2;
    c.C = 4;
    c.N = 4;
    c.emb_in = 8;
    c.emb_mid = 6;
    c.emb_out = 5;
    c.in_ch = GK;
    ts_sssd_net n, one;
    REQUIRE(ts_sssd_net_init(&n, &c, 9) == 0);
    /* K channels add K - 1 columns to the input conv, 2 (K - 1) to every block's
     * conditioning conv and K - 1 rows (and biases) to the output conv */
    c.in_ch = 1;
    REQUIRE(ts_sssd_net_init(&one, &c, 9) == 0);
    CHECK(n.p.total == one.p.total + (size_t)(GK - 1) * (4 + 2 * 2 * 8 + 4 + 1));
    ts_sssd_net_free(&one);
    ts_rng rg;
    ts_rng_seed(&rg, 4);
    for (int i = 0; i < GK * (c.C + 1); i++) n.params[n.p.out_w + i] = ts_rng_normal(&rg) * 0.5f;   /* not zero */
    float xt[GB * GK * GL], obs[GB * GK * GL], mask[GB * GK * GL], r[GB * GK * GL];
    int32_t t[GB] = {7, 120};
    for (int i = 0; i < GB * GK * GL; i++) {
        xt[i] = ts_rng_normal(&rg);
        obs[i] = ts_rng_uniform(&rg) * 2 - 1;
        mask[i] = (i % GL) < 4 && (i / GL) % GK != 1;   /* a prefix, not in channel 1 */
        r[i] = ts_rng_normal(&rg);
    }
    ts_sssd_plan pl;
    REQUIRE(ts_sssd_plan_init(&pl, &n, GB, GL, 1) == 0);
    /* ReLU inputs away from 0, where a difference quotient sees the kink */
    for (int round = 0; round < 20; round++) {
        weighted_out(&n, &pl, xt, obs, mask, t, r);
        int moved = 0;
        for (int ch = 0; ch < c.C; ch++)
            for (int i = 0; i < GB * GL; i++) {
                size_t k = ((size_t)(i / GL) * c.C + ch) * GL + i % GL;
                if (fabsf(pl.h0pre[k]) < 0.02f) { n.params[n.p.init_b + ch] += 0.05f; moved = 1; break; }
                if (fabsf(pl.fpre[k]) < 0.02f) { n.params[n.p.fin_b + ch] += 0.05f; moved = 1; break; }
            }
        if (!moved) break;
    }
    memset(n.grads, 0, n.p.total * sizeof(float));
    weighted_out(&n, &pl, xt, obs, mask, t, r);
    ts_sssd_backward(&n, &pl, xt, r);
    double gmax = 0;
    for (size_t i = 0; i < n.p.total; i++) gmax = fmax(gmax, fabs(n.grads[i]));
    size_t bad = 0;
    double worst = 0;
    for (size_t i = 0; i < n.p.total; i++) {
        const float keep = n.params[i], h = 1e-3f * fmaxf(1.0f, fabsf(keep));
        n.params[i] = keep + h;
        double up = weighted_out(&n, &pl, xt, obs, mask, t, r);
        n.params[i] = keep - h;
        double dn = weighted_out(&n, &pl, xt, obs, mask, t, r);
        n.params[i] = keep;
        double fd = (up - dn) / (2.0 * h), err = fabs(fd - n.grads[i]) / (fabs(fd) + fabs(n.grads[i]) + 1e-2 * gmax);
        worst = fmax(worst, err);
        bad += err > 5e-2;
    }
    CHECK_MSG(bad == 0, "%zu of %zu parameters off (worst relative error %g)", bad, n.p.total, worst);
    /* the new columns and rows are reached: channel 2's input and conditioning columns,
     * the output conv's last row */
    CHECK(n.grads[n.p.init_v + 2] != 0 && n.grads[n.p.blk0 + n.p.cond_v + 2 * GK - 1] != 0 &&
          n.grads[n.p.out_w + (size_t)(GK - 1) * c.C] != 0 && n.grads[n.p.out_b + GK - 1] != 0);
    /* a wrong gradient is seen */
    const float keep = n.params[n.p.out_b + 1];
    n.params[n.p.out_b + 1] = keep + 1e-3f;
    double up = weighted_out(&n, &pl, xt, obs, mask, t, r);
    n.params[n.p.out_b + 1] = keep - 1e-3f;
    double dn = weighted_out(&n, &pl, xt, obs, mask, t, r);
    n.params[n.p.out_b + 1] = keep;
    CHECK(fabs((up - dn) / 2e-3 - (n.grads[n.p.out_b + 1] + 0.5)) > 0.1);
    CHECK(gmax > 0);
    ts_sssd_plan_free(&pl);
    ts_sssd_net_free(&n);
    c.in_ch = 65;
    CHECK(ts_sssd_config_check(&c) != 0 && strstr(ts_error(), "input channels = 65"));
}

/* ---- a trace whose channels follow its events ---- */

static ts_mc_model *train_small(const ts_mc *d, const char *out, const char *log, long iters)
{
    const char *keys[] = {"layers", "channels", "state", "iters", "valid-every", "batch", "lr", "T", "valid-n"};
    char it[32];
    snprintf(it, sizeof it, "%ld", iters);
    const char *vals[] = {"2", "16", "8", it, "25", "8", "3e-3", "50", "16"};
    ts_mc_train_opts o;
    mc_train_opts(&o, d, 32, out, 9, keys, vals);
    o.log_path = log;
    ts_mc_model *m = NULL;
    if (ts_mc_model_train("ddpm-mc", &o, &m) != 0) fprintf(stderr, "%s\n", ts_error());
    return m;
}

/* the first and the last "valid_loss" of a training log */
static int valid_losses(const char *log, double *first, double *last)
{
    FILE *f = fopen(log, "r");
    if (!f) return -1;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "\"valid_loss\":");
        if (!p) continue;
        double v = atof(p + 13);
        if (n++ == 0) *first = v;
        *last = v;
    }
    fclose(f);
    return n;
}

static void learns_generates_keeps_prefix(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512], logp[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    snprintf(logp, sizeof logp, "%s/log.jsonl", dir);
    ts_mc d;
    mc_cycle_trace(2000, 1, &d);
    ts_mc_model *m = train_small(&d, path, logp, 250);
    REQUIRE(m);
    double first = 0, last = 0;
    CHECK(valid_losses(logp, &first, &last) == 10);
    CHECK_MSG(last < 0.6 * first, "validation noise MSE %g -> %g", first, last);
    CHECK(m->has == (1u << TS_CH_EVENT | 1u << TS_CH_DT | 1u << TS_CH_TID | 1u << TS_CH_CPU));
    CHECK(m->dt_mode == TS_DT_REAL && m->card[TS_CH_EVENT] == 4 && m->card[TS_CH_TID] == 256 && m->len == 0);
    REQUIRE(ts_mc_model_save(m, path) == 0);
    /* any window length; every decoded value valid */
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 3;
    ro.steps = 10;   /* DDIM */
    ts_mc g;
    REQUIRE(ts_mc_model_generate(m, 3, 48, &ro, &g) == 0);
    CHECK(g.n == 144 && g.dt && g.ch[TS_CH_TID] && g.ch[TS_CH_CPU] && !g.ch[TS_CH_COMM] && !g.ch[TS_CH_RET]);
    size_t dt_in = 0;
    double se = 0, sd = 0, sed = 0, see = 0, sdd = 0;   /* the event-dt correlation */
    for (size_t i = 0; i < g.n; i++) {
        CHECK(g.ch[TS_CH_EVENT][i] >= 0 && g.ch[TS_CH_EVENT][i] < 4 && g.ch[TS_CH_CPU][i] >= 0 &&
              g.ch[TS_CH_CPU][i] < 2 && g.ch[TS_CH_TID][i] >= 0 && g.ch[TS_CH_TID][i] < 256);
        dt_in += g.dt[i] >= log(1001.0) - 1e-4 && g.dt[i] <= log(4001.0) + 0.011;
        double e = g.ch[TS_CH_EVENT][i], t = g.dt[i];
        se += e, sd += t, sed += e * t, see += e * e, sdd += t * t;
    }
    CHECK(dt_in == g.n);   /* clamped to the training range */
    /* dt follows the event (in the trace exactly; an untrained network: not at all) */
    const double N = (double)g.n, cov = sed / N - se / N * sd / N;
    const double corr = cov / sqrt(fmax(see / N - se / N * se / N, 1e-12) * fmax(sdd / N - sd / N * sd / N, 1e-12));
    CHECK_MSG(corr > 0.5, "event-dt correlation %.3f", corr);
    /* DDPM (all T steps) and the same model read back draw the same windows */
    ro.steps = 0;
    ts_mc g1, g2;
    REQUIRE(ts_mc_model_generate(m, 2, 32, &ro, &g1) == 0);
    ts_mc_model *m2 = NULL;
    REQUIRE(ts_mc_model_load(path, &m2) == 0);
    CHECK(ts_mc_model_is(path) == 1);
    REQUIRE(ts_mc_model_generate(m2, 2, 32, &ro, &g2) == 0);
    CHECK(!memcmp(g1.ch[TS_CH_EVENT], g2.ch[TS_CH_EVENT], g1.n * sizeof(int32_t)) &&
          !memcmp(g1.dt, g2.dt, g1.n * sizeof(float)) &&
          !memcmp(g1.ch[TS_CH_CPU], g2.ch[TS_CH_CPU], g1.n * sizeof(int32_t)));
    ro.steps = 51;
    ts_mc z;
    CHECK(ts_mc_model_generate(m2, 1, 8, &ro, &z) != 0 && strstr(ts_error(), "ddpm-mc: option --steps: 51") && strstr(ts_error(), "T = 50"));
    /* conditioned on a prefix: the first 8 events of every channel kept */
    ro.steps = 10;
    ts_mc x, y;
    REQUIRE(ts_mc_slice(&d, 1600, 1600 + 4 * 32, &x) == 0);
    uint8_t mask[128];
    for (int i = 0; i < 128; i++) mask[i] = i % 32 < 8;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    REQUIRE(ts_mc_model_impute(m2, &x, 32, masks, &ro, &y, NULL) == 0);
    size_t kept = 0;
    for (int i = 0; i < 128; i++)
        if (mask[i]) kept += y.ch[TS_CH_EVENT][i] == x.ch[TS_CH_EVENT][i] && y.dt[i] == x.dt[i] &&
                             y.ch[TS_CH_TID][i] == x.ch[TS_CH_TID][i] && y.ch[TS_CH_CPU][i] == x.ch[TS_CH_CPU][i];
    CHECK(kept == 32);
    ts_mc_free(&x);
    ts_mc_free(&y);
    ts_mc_free(&g);
    ts_mc_free(&g1);
    ts_mc_free(&g2);
    ts_mc_model_free(m);
    ts_mc_model_free(m2);
    ts_mc_free(&d);
}

/* ---- malformed model files ---- */

/* copy the container src to dst with one change to chunk tag: key NULL drops it; in a
 * text chunk the line "key=..." becomes "key=value"; in PARAMS key "nan" makes the first
 * value NaN, "short" drops the last one */
static int edit(const char *src, const char *dst, const char *tag, const char *key, const char *value)
{
    ts_reader r;
    if (ts_reader_open(&r, src) != 0) return -1;
    ts_writer w;
    ts_writer_init(&w, dst);
    for (uint32_t i = 0; i < r.nchunks; i++) {
        const ts_chunk *c = &r.chunks[i];
        if (strcmp(c->tag, tag)) { ts_writer_chunk(&w, c->tag, c->data, c->size); continue; }
        if (!key) continue;
        unsigned char *b = ts_malloc(c->size + 256);
        memcpy(b, c->data, c->size);
        size_t n = c->size;
        if (!strcmp(tag, "PARAMS") && !strcmp(key, "nan")) {
            float v = NAN;
            memcpy(b, &v, sizeof v);
        } else if (!strcmp(tag, "PARAMS")) {
            n -= 4;
        } else {
            char want[64];
            snprintf(want, sizeof want, "%s=", key);
            b[n] = 0;
            char *at = strstr((char *)b, want), *end = at ? strchr(at, '\n') : NULL;
            if (at && end && (at == (char *)b || at[-1] == '\n')) {
                char rest[1024];
                snprintf(rest, sizeof rest, "%s", end);
                size_t off = (size_t)(at - (char *)b);
                n = off + (size_t)snprintf(at, c->size + 256 - off, "%s%s%s", want, value, rest);
            }
        }
        ts_writer_chunk(&w, tag, b, n);
        free(b);
    }
    ts_reader_close(&r);
    return ts_writer_commit(&w);
}

static void bad_files(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char good[512], bad[512];
    snprintf(good, sizeof good, "%s/m.tsm", dir);
    snprintf(bad, sizeof bad, "%s/bad.tsm", dir);
    ts_mc d;
    mc_cycle_trace(400, 0, &d);
    ts_mc_model *m = train_small(&d, good, NULL, 2);
    REQUIRE(m);
    REQUIRE(ts_mc_model_save(m, good) == 0);
    ts_mc_model_free(m);
    ts_mc_free(&d);
    static const struct { const char *tag, *key, *value, *want; } cases[] = {
        {"DDPMMC", NULL, NULL, "'DDPMMC'"},
        {"DDPMMC", "in_ch", "4", "'in_ch'"},
        {"DDPMMC", "layers", "0", "'layers'"},
        {"DDPMMC", "T", "x", "'T'"},
        {"DDPMMC", "beta0", "2", "'beta0'"},
        {"DDPMMC", "betaT", "0.00001", "section 'DDPMMC'"},   /* below beta0: the schedule is refused */
        {"DDPMMC", "state", "3", "state = 3"},
        {"DDPMMC", "dt_std", "0", "'dt_std'"},
        {"DDPMMC", "dt_hi", "1", "'dt_hi'"},                  /* below dt_lo */
        {"DDPMMC", "channels", "5", "'PARAMS'"},              /* the parameters no longer fit */
        /* DiffWave's blocks, which ddpm-mc never writes (its network is S4's) */
        {"DDPMMC", "bidirectional", "1\nresidual=dilated\ndilation_cycle=2", "'residual' is dilated"},
        /* nor CSDI-S4's */
        {"DDPMMC", "bidirectional", "1\nresidual=csdi\ntime_emb=4\nfeature_emb=2", "'residual' is csdi"},
        {"PARAMS", NULL, NULL, "'PARAMS'"},
        {"PARAMS", "short", NULL, "'PARAMS'"},
        {"PARAMS", "nan", NULL, "parameter 0 is not finite"},
        {"CHANNELS", "dt", "none", "'dt' = none"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        REQUIRE(edit(good, bad, cases[i].tag, cases[i].key, cases[i].value) == 0);
        ts_mc_model *x = NULL;
        int rc = ts_mc_model_load(bad, &x);
        CHECK_MSG(rc != 0 && strstr(ts_error(), cases[i].want) && strstr(ts_error(), bad) && !strchr(ts_error(), '\n'),
                  "case %zu: %s", i, rc ? ts_error() : "loaded");
        ts_mc_model_free(x);
    }
    /* the unchanged copy loads (the edits above are what broke them) */
    REQUIRE(edit(good, bad, "DDPMMC", "layers", "2") == 0);
    ts_mc_model *x = NULL;
    CHECK(ts_mc_model_load(bad, &x) == 0);
    ts_mc_model_free(x);
}

/* a checkpoint of other events, or of another split, is refused at a resume */
static void resume_other_events(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[512], ck[600];
    snprintf(out, sizeof out, "%s/r.tsm", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    ts_mc d;
    mc_cycle_trace(400, 0, &d);
    const char *keys[] = {"layers", "channels", "state", "iters", "valid-every", "batch", "T", "valid-n"};
    const char *vals[] = {"1", "8", "4", "2", "2", "4", "20", "4"};
    ts_mc_train_opts o;
    mc_train_opts(&o, &d, 16, out, 8, keys, vals);
    CHECK(mc_resume_other_events("ddpm-mc", &d, &o, ck) == 0);
    CHECK(mc_resume_other_names("ddpm-mc", &d, &o, ck) == 0);
    CHECK(mc_resume_other_split("ddpm-mc", &o, ck) == 0);
    ts_mc_free(&d);
}

/* ---- the command line: a trace without a CPU channel (as strace's) ---- */

static void cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(3000, 0, &d);
    char ds[512], cmd[2048], err[512];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(ts_mc_save(ds, &d) == 0);
    ts_mc_free(&d);
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 32 --layers 1 --channels 8 --state 4 --T 20 "
             "--iters 3 --threads 1 --no-progress -o %s/m.tsm", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(!strstr(err, "note"), "%s", err);
    /* a rate far too high: the validation loss never comes below that of a network that
     * learned nothing, without becoming NaN, and the run ends with a note saying so */
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 32 --layers 1 --channels 8 --state 4 --T 20 "
             "--iters 3 --valid-every 1 --lr 1e3 --threads 1 --no-progress -o %s/astray.tsm", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "tracesynth: note: train: ddpm-mc: the best validation "
              "loss") && strstr(err, "that of a network that learned nothing") && strstr(err, "--lr below 1000"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 2 --length 64 --steps 5 --threads 1 --no-progress -o %s/gen", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc g;
    snprintf(cmd, sizeof cmd, "%s/gen", dir);
    REQUIRE(ts_mc_load(cmd, &g) == 0);
    CHECK(g.n == 128 && g.dt && g.ch[TS_CH_TID] && !g.ch[TS_CH_CPU]);
    ts_mc_free(&g);
    /* a window's sample is its own, whatever batch it is drawn in */
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 2 --length 64 --steps 5 --batch 1 --threads 1 --no-progress -o %s/gen1",
             dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (const char **f = (const char *[]){"stream.txt", "dt.npy", "tid.npy", NULL}; *f; f++) {
        snprintf(cmd, sizeof cmd, "cmp -s %s/gen/%s %s/gen1/%s", dir, *f, dir, *f);
        CHECK_MSG(system(cmd) == 0, "%s: batches of 2 and 1 differ", *f);
    }
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 4 --steps 5 --threads 1 --no-progress "
             "-o %s/imp", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s/imp", dir);
    REQUIRE(ts_mc_load(cmd, &g) == 0);
    CHECK(g.n == 600 / 16 * 16 && !g.ch[TS_CH_CPU]);
    ts_mc_free(&g);
    /* the usage error names the option given, not a --blackout that was not */
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --prefix 16 -o %s/imp2", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--prefix 16 leaves nothing to draw") &&
              !strstr(err, "--blackout"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 16 --blackout 17 -o %s/imp2", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--blackout 17 is longer than the windows"), "%s", err);
    /* windows of one event: '1 event' */
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 1 --blackout 2 -o %s/imp2", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--blackout 2 is longer than the windows (1 event)"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 1 --prefix 1 -o %s/imp2", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "the windows have 1 event (see"), "%s", err);
    /* windows too long for the network: a --length out of the range the model takes is the
     * command line's error (2), in impute and generate alike; a set's own windows (its
     * length file, no --length) are the data's (1), naming the set, not an option not given */
    char big[512], set[512], want2[1200];
    snprintf(big, sizeof big, "%s/big", dir);
    snprintf(set, sizeof set, "%s/set", dir);
    mc_cycle_trace(140000, 0, &d);
    REQUIRE(ts_mc_save(big, &d) == 0);
    REQUIRE(ts_mc_save_windows(set, &d, NULL, 70000, 0) == 0);
    ts_mc_free(&d);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --length 70000 --fractions 0.05,0.05,0.9 -o %s/imp2", dir,
             big, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "tracesynth impute: error: ddpm-mc: option --length: "
              "70000: expected at most 65535") && !strchr(err, '\n'), "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --length 70000 -o %s/gen3", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "tracesynth generate: error: ddpm-mc: option --length: "
              "70000: expected at most 65535"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s --fractions 0.05,0.05,0.9 -o %s/imp2", dir, set, dir);
    snprintf(want2, sizeof want2, "tracesynth: error: %s: windows of 70000 events (%s/length): ddpm-mc: ", set, set);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want2) == err && !strstr(err, "option"), "%s", err);
    snprintf(cmd, sizeof cmd, "%s/imp2", dir);
    CHECK(access(cmd, F_OK) != 0);
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --prefix-share 2 -o %s/x.tsm", ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "ddpm-mc: option --prefix-share: 2 out of range"));
    /* a length past the range it takes is the command line's error (2); one the range
     * takes but this dataset's parts cannot hold is the data's (1), naming the dataset */
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 70000 -o %s/x.tsm", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "ddpm-mc: option --length: 70000: expected 2 to 65535"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 5000 -o %s/x.tsm", ds, dir);
    char want[1024];
    snprintf(want, sizeof want, "tracesynth: error: %s: ddpm-mc: --length 5000 is longer than the training part", ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err, "%s", err);
    /* windows longer than the validation part (300 events): refused, not validated on
     * training windows */
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 301 --layers 1 --channels 8 --state 4 --T 20 "
             "--iters 1 --threads 1 --no-progress -o %s/x.tsm", ds, dir);
    snprintf(want, sizeof want, "tracesynth: error: %s: ddpm-mc: --length 301 is longer than the validation part "
             "(300 events)", ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err &&
              strstr(err, "--length 300 or less") && !strchr(err, '\n') , "%s", err);
    snprintf(cmd, sizeof cmd, "%s/x.tsm", dir);
    CHECK(access(cmd, F_OK) != 0);
    /* windows shorter than train's default --blackout (10), which no multi-channel model
     * reads: the model's own bounds decide, not a blackout that was not given */
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 1 -o %s/x.tsm", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "ddpm-mc: option --length: 1: expected 2") &&
              !strstr(err, "--blackout"), "%s", err);
    snprintf(cmd, sizeof cmd, "train --model ddpm-mc %s --length 4 --layers 1 --channels 8 --state 4 --T 20 "
             "--iters 2 --threads 1 --no-progress -o %s/m4.tsm", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --length 16 --temperature 1 -o %s/x", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "ddpm-mc: option --temperature: not one of its run options"));
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 1 --threads 1 -o %s/gen2", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length is required"));
}

/* training on a set of windows (its DIR/length): no crop crosses them, for both
 * multi-channel models; 50 windows of 8, the validation part [280, 320) holds 5 of them:
 * 5 (8 - 4 + 1) = 25 crops of 4, not the 37 of one sequence */
static void train_on_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_mc d;
    mc_cycle_trace(400, 1, &d);
    char w[512], cmd[2048], err[512], log[600];
    snprintf(w, sizeof w, "%s/w", dir);
    REQUIRE(ts_mc_save_windows(w, &d, NULL, 8, 0) == 0);
    ts_mc_free(&d);
    const char *const models[2] = {"mdm-mc --layers 1 --channels 8", "ddpm-mc --layers 1 --channels 8 --state 4 --T 20"};
    for (int i = 0; i < 2; i++) {
        /* a crop longer than a window: refused, naming both */
        snprintf(cmd, sizeof cmd, "train --model %s %s --length 16 --iters 1 --threads 1 --no-progress -o %s/m.tsm",
                 models[i], w, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "w/length: windows of 8 events, but --length 16"),
                  "%s: %s", models[i], err);
        for (int rec = 1; rec >= 0; rec--) {
            snprintf(log, sizeof log, "%s/log%d%d.jsonl", dir, i, rec);
            snprintf(cmd, sizeof cmd, "train --model %s %s --length 4 --iters 1 --threads 1 --no-progress --log %s "
                     "-o %s/m.tsm", models[i], w, log, dir);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", models[i], err);
            FILE *f = fopen(log, "r");
            char text[4096] = "";
            if (f) { text[fread(text, 1, sizeof text - 1, f)] = 0; fclose(f); }
            CHECK_MSG(strstr(text, rec ? "\"valid_crops\":25," : "\"valid_crops\":37,"), "%s: %s", models[i], text);
            if (rec) {   /* without the record: one sequence, as before */
                snprintf(cmd, sizeof cmd, "%s/length", w);
                REQUIRE(remove(cmd) == 0);
            }
        }
        REQUIRE(ts_mc_load(w, &d) == 0);
        REQUIRE(ts_mc_save_windows(w, &d, NULL, 8, 0) == 0);
        ts_mc_free(&d);
        /* without --length: crops of the windows' length, not the default 200 */
        snprintf(log, sizeof log, "%s/logd%d.jsonl", dir, i);
        snprintf(cmd, sizeof cmd, "train --model %s %s --iters 1 --threads 1 --no-progress --log %s -o %s/m.tsm",
                 models[i], w, log, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", models[i], err);
        FILE *f = fopen(log, "r");
        char text[4096] = "";
        if (f) { text[fread(text, 1, sizeof text - 1, f)] = 0; fclose(f); }
        CHECK_MSG(strstr(text, i ? "\"L\":8," : "\"context\":8,") && strstr(text, "\"valid_crops\":5,"), "%s: %s",
                  models[i], text);
    }
    /* the library: a crop of the training part or of the validation part within no window */
    mc_cycle_trace(400, 1, &d);
    ts_mc_train_opts o;
    memset(&o, 0, sizeof o);
    o.data = &d;
    o.n_train = 280;
    o.n_valid = 40;
    o.len = 9;
    o.window = 8;
    const char *const names[2] = {"mdm-mc", "ddpm-mc"};
    for (int i = 0; i < 2; i++) {
        ts_mc_model *m = NULL;
        CHECK_MSG(ts_mc_model_train(names[i], &o, &m) == -1 && !m && strstr(ts_error(), "longer than a window of the "
                  "training data (8 events)"), "%s: %s", names[i], ts_error());
    }
    ts_mc_free(&d);
}

TEST_MAIN("ddpm_mc", {
    ts_set_threads(1);   /* tiny shapes: threads cost more than they give */
    RUN(multichannel_gradient);
    RUN(learns_generates_keeps_prefix);
    RUN(bad_files);
    RUN(resume_other_events);
    RUN(cli);
    RUN(train_on_windows);
})
