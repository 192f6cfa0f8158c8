/* The "lstm" model (the study's next-event baseline): it learns a periodic stream whose
 * next event needs two events of memory, imputes by the left context alone (windows longer
 * than one pass too), gives the
 * same output after a save/load round trip, scores by the exact chain rule (per window,
 * whatever the batch), and refuses bad options and bad model files in one line. */
#include "check.h"
#include "container_edit.h"
#include "tracesynth.h"

#include <math.h>
#include <sys/resource.h>

/* period 9: after 1 comes 2 or 4, after 2 comes 3 or 6, which the event before decides */
static const int32_t pat[9] = {0, 1, 2, 3, 1, 4, 5, 2, 6};
enum { V = 7, L = 24, NS = 2000, NT = 60, NX = 40 };

static int32_t stream[NS], twd[NT * L], xd[NX * L];
static int quiet;   /* a training expected to fail says nothing */

static int32_t n_ids = V;   /* the IDs the models are trained on (V: those the stream holds) */

static ts_model *train(const char *const *kv, int n)
{
    for (int i = 0; i < NS; i++) stream[i] = pat[i % 9];
    for (int w = 0; w < NT; w++) memcpy(twd + w * L, stream + w * 29, L * sizeof *twd);
    for (int w = 0; w < NX; w++) memcpy(xd + w * L, stream + 1900 - w * 13, L * sizeof *xd);
    static ts_split sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = TS_SPLIT_TIME;
    sp.len = L;
    sp.train = (ts_windows){twd, NT, L};
    sp.valid = (ts_windows){xd, NX, L};
    sp.train_stream = (ts_seq){stream, NS};
    const char *keys[16], *vals[16];
    for (int i = 0; i < n; i++) keys[i] = kv[2 * i], vals[i] = kv[2 * i + 1];
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = n_ids;
    o.seed = 7;
    o.kv = (ts_kv){n, keys, vals};
    ts_model *m = NULL;
    if (ts_model_train("lstm", &o, &m) != 0 && !quiet) fprintf(stderr, "  lstm: %s\n", ts_error());
    return m;
}

static const char *const small[] = {"layers", "1", "hidden", "24", "iters", "60", "batch", "16", "lr", "2e-2",
                                    "valid-every", "30", "valid-n", "8"};

static double accuracy(const ts_windows *y, const uint8_t *mask)
{
    size_t hit = 0, hid = 0;
    for (size_t i = 0; i < (size_t)NX * L; i++)
        if (!mask[i]) hid++, hit += y->data[i] == xd[i];
    return hid ? (double)hit / hid : 0;
}

static void learns_pattern(void)
{
    ts_set_threads(1);
    ts_model *m = train(small, 7);
    REQUIRE(m);
    const ts_windows x = {xd, NX, L};
    uint8_t mask[NX * L];
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    static const ts_mask_pos where[] = {TS_MASK_CENTER, TS_MASK_END};
    for (int p = 0; p < 2; p++) {
        ts_mask_fill(mask, NX, L, 5, where[p], 3);
        ts_windows y;
        REQUIRE(ts_model_impute(m, &x, mask, &ro, &y) == 0);
        double a = accuracy(&y, mask);
        CHECK_MSG(a >= 0.99, "blackout of 5 at %s: accuracy %.3f after 60 iterations", ts_mask_name(where[p]), a);
        ts_windows_free(&y);
    }
    /* the left context alone: events after the blackout changed, the same fill */
    ts_mask_fill(mask, NX, L, 5, TS_MASK_CENTER, 3);
    ts_windows y1, y2;
    REQUIRE(ts_model_impute(m, &x, mask, &ro, &y1) == 0);
    int32_t zd[NX * L];
    memcpy(zd, xd, sizeof zd);
    for (int w = 0; w < NX; w++)
        for (int t = L - 3; t < L; t++) zd[w * L + t] = (zd[w * L + t] + 1) % V;
    const ts_windows z = {zd, NX, L};
    REQUIRE(ts_model_impute(m, &z, mask, &ro, &y2) == 0);
    int same = 1;
    for (size_t i = 0; i < (size_t)NX * L; i++)
        if (!mask[i] && y1.data[i] != y2.data[i]) same = 0;
    CHECK_MSG(same, "the events after the blackout changed its fill");
    ts_windows_free(&y1);
    ts_windows_free(&y2);
    /* a blackout at the start: filled from the start state, in range, the rest left */
    memset(mask, 1, sizeof mask);
    for (int w = 0; w < NX; w++) memset(mask + w * L, 0, 3);
    REQUIRE(ts_model_impute(m, &x, mask, &ro, &y1) == 0);
    int ok = 1;
    for (size_t i = 0; i < (size_t)NX * L; i++)
        if ((mask[i] && y1.data[i] != xd[i]) || y1.data[i] < 0 || y1.data[i] >= V) ok = 0;
    CHECK(ok);
    ts_windows_free(&y1);
    /* the likelihood: low on the pattern, far below a uniform guess */
    double bits = NAN;
    REQUIRE(ts_model_bits(m, &x, NULL, &ro, &bits, NULL) == 0);
    CHECK_MSG(bits < 0.5, "%.3f bits per event (a uniform guess: %.3f)", bits, log2(V));
    /* generated at temperature 0 from the start state: the pattern, once under way */
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"0"}};
    ts_windows g;
    REQUIRE(ts_model_generate(m, 2, 30, &ro, &g) == 0);
    int follows = 1;
    for (int w = 0; w < 2; w++)
        for (int t = 12; t < 30; t++) {
            int32_t e = g.data[w * 30 + t], prev2 = g.data[w * 30 + t - 2], prev1 = g.data[w * 30 + t - 1];
            int found = 0;
            for (int k = 0; k < 9; k++) found |= pat[k] == prev2 && pat[(k + 1) % 9] == prev1 && pat[(k + 2) % 9] == e;
            follows &= found;
        }
    CHECK_MSG(follows, "greedy generation does not follow the pattern");
    ts_windows_free(&g);
    /* windows longer than one multi-step pass (256 steps), one per phase of the pattern:
     * hidden from event 256 on (the left context's second pass reads one event), they come
     * back whole and score near 0 bits past the start */
    enum { LL = 600, NP = 9 };
    static int32_t ld[NP * LL];
    for (int w = 0; w < NP; w++) memcpy(ld + w * LL, stream + w, LL * sizeof *ld);
    const ts_windows lw = {ld, NP, LL};
    static uint8_t lm[NP * LL];
    memset(lm, 1, sizeof lm);
    for (int w = 0; w < NP; w++) memset(lm + w * LL + 256, 0, LL - 256);
    memset(&ro, 0, sizeof ro);
    REQUIRE(ts_model_impute(m, &lw, lm, &ro, &y1) == 0);
    CHECK_MSG(!memcmp(y1.data, ld, sizeof ld), "the continuation of 344 events differs");
    REQUIRE(ts_model_bits(m, &lw, NULL, &ro, &bits, NULL) == 0);
    CHECK_MSG(bits < 0.05, "windows of %d: %.4f bits per event", LL, bits);
    ts_windows_free(&y1);
    ts_model_free(m);
    ts_set_threads(0);
}

/* the same bits whatever the batch: the chain rule per window */
static void bits_per_window(void)
{
    const char *kv[] = {"layers", "2", "hidden", "8", "iters", "4", "batch", "4", "valid-every", "4", "valid-n", "4"};
    ts_model *m = train(kv, 6);
    REQUIRE(m);
    const ts_windows x = {xd, 6, L};
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    double all = 0, sum = 0;
    REQUIRE(ts_model_bits(m, &x, NULL, &ro, &all, NULL) == 0);
    ro.batch = 1;
    for (int w = 0; w < 6; w++) {
        const ts_windows one = {xd + w * L, 1, L};
        double b = 0;
        REQUIRE(ts_model_bits(m, &one, NULL, &ro, &b, NULL) == 0);
        sum += b / 6;
    }
    CHECK_MSG(fabs(all - sum) < 1e-5, "all windows %.7f bits per event, one at a time %.7f", all, sum);
    ts_model_free(m);
}

static void round_trip_and_bad_files(void)
{
    const char *kv[] = {"layers", "2", "hidden", "8", "iters", "6", "batch", "4", "valid-every", "3", "valid-n", "4"};
    ts_model *m = train(kv, 6);
    REQUIRE(m);
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/lstm.tsm", dir);
    snprintf(bad, sizeof bad, "%s/bad.tsm", dir);
    REQUIRE(ts_model_save(m, path) == 0);
    ts_model *m2 = NULL;
    REQUIRE(ts_model_load(path, &m2) == 0);
    CHECK(!strcmp(m2->ops->name, "lstm") && m2->n_ids == V);
    const ts_windows x = {xd, NX, L};
    uint8_t mask[NX * L];
    ts_mask_fill(mask, NX, L, 4, TS_MASK_RANDOM, 5);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ts_windows y1, y2, g1, g2;
    REQUIRE(ts_model_impute(m, &x, mask, &ro, &y1) == 0);
    REQUIRE(ts_model_impute(m2, &x, mask, &ro, &y2) == 0);
    CHECK(!memcmp(y1.data, y2.data, sizeof xd));
    ro.seed = 4;
    REQUIRE(ts_model_generate(m, 3, L, &ro, &g1) == 0);
    REQUIRE(ts_model_generate(m2, 3, L, &ro, &g2) == 0);
    CHECK(!memcmp(g1.data, g2.data, 3 * L * sizeof *g1.data));
    double b1 = 0, b2 = 1;
    REQUIRE(ts_model_bits(m, &x, NULL, &ro, &b1, NULL) == 0);
    REQUIRE(ts_model_bits(m2, &x, NULL, &ro, &b2, NULL) == 0);
    CHECK(b1 == b2);
    ts_windows_free(&y1); ts_windows_free(&y2); ts_windows_free(&g1); ts_windows_free(&g2);
    ts_model_free(m2);
    ts_model_free(m);
    /* bad configurations: refused in one line naming the file and the key */
    static const struct { const char *cfg, *want; } cases[] = {
        {"layers=99\nhidden=8\nvocab=7\ncontext=24\n", "layers"},
        {"layers=2\nhidden=1\nvocab=7\ncontext=24\n", "hidden"},
        {"layers=2\nhidden=100000\nvocab=7\ncontext=24\n", "hidden"},
        {"layers=2\nhidden=8\nvocab=9\ncontext=24\n", "vocab"},
        {"layers=2\nhidden=8\nvocab=7\ncontext=0\n", "context"},
        {"layers=2\nhidden=8\nvocab=7\n", "context"},
        {"layers=2\nhidden=16\nvocab=7\ncontext=24\n", "PARAMS"},   /* more parameters than the file holds */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        REQUIRE(rewrite_chunk_bytes(path, bad, "CONFIG", cases[i].cfg, strlen(cases[i].cfg)) == 0);
        ts_model *b = NULL;
        CHECK(ts_model_load(bad, &b) == -1 && b == NULL);
        const char *e = ts_error();
        CHECK_MSG(strstr(e, "bad.tsm") && strstr(e, cases[i].want) && !strchr(e, '\n'), "case %zu: %s", i, e);
    }
    /* a parameter that is no number */
    ts_reader r;
    REQUIRE(ts_reader_open(&r, path) == 0);
    const ts_chunk *c = ts_reader_get(&r, "PARAMS");
    REQUIRE(c);
    float *p = malloc(c->size);
    memcpy(p, c->data, c->size);
    size_t np = c->size / 4;
    ts_reader_close(&r);
    p[np / 2] = NAN;
    REQUIRE(rewrite_chunk_bytes(path, bad, "PARAMS", p, np * 4) == 0);
    free(p);
    ts_model *b = NULL;
    CHECK(ts_model_load(bad, &b) == -1 && strstr(ts_error(), "not finite"));
}

/* IDs the training part never held (V and V + 1 of a vocabulary of V + 2) are never given:
 * not by impute, not by generate at a high temperature; and a file whose SEEN section is
 * missing or wrong is refused */
static void unseen_never_given(void)
{
    const char *kv[] = {"layers", "1", "hidden", "8", "iters", "3", "batch", "4", "valid-every", "3", "valid-n", "4"};
    n_ids = V + 2;
    ts_model *m = train(kv, 6);
    n_ids = V;
    REQUIRE(m);
    const ts_windows x = {xd, NX, L};
    uint8_t mask[NX * L];
    ts_mask_fill(mask, NX, L, 8, TS_MASK_RANDOM, 2);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ts_windows y, g;
    REQUIRE(ts_model_impute(m, &x, mask, &ro, &y) == 0);
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"100"}};
    REQUIRE(ts_model_generate(m, 20, L, &ro, &g) == 0);
    int ok = 1;
    for (size_t i = 0; i < (size_t)NX * L; i++) ok &= y.data[i] >= 0 && y.data[i] < V;
    for (size_t i = 0; i < (size_t)20 * L; i++) ok &= g.data[i] >= 0 && g.data[i] < V;
    CHECK_MSG(ok, "an event the training part never held was given");
    ts_windows_free(&y);
    ts_windows_free(&g);
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512], bad[512];
    snprintf(path, sizeof path, "%s/seen.tsm", dir);
    snprintf(bad, sizeof bad, "%s/badseen.tsm", dir);
    REQUIRE(ts_model_save(m, path) == 0);
    ts_model_free(m);
    const int32_t out_of_range[2] = {0, V + 2}, twice[2] = {3, 3};
    const struct { const void *data; size_t n; } cases[] = {{NULL, 0}, {out_of_range, 8}, {twice, 8}, {twice, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        REQUIRE(rewrite_chunk_bytes(path, bad, "SEEN", cases[i].data, cases[i].n) == 0);
        ts_model *b = NULL;
        CHECK(ts_model_load(bad, &b) == -1 && b == NULL);
        const char *e = ts_error();
        CHECK_MSG(strstr(e, "badseen.tsm") && strstr(e, "SEEN") && !strchr(e, '\n'), "case %zu: %s", i, e);
    }
}

static void option_errors(void)
{
    const char *bad[][2] = {{"hidden", "1"}, {"layers", "0"}, {"layers", "17"}, {"context", "25"}, {"lr", "x"},
                            {"depth", "3"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *kv[] = {bad[i][0], bad[i][1], "iters", "1"};
        quiet = 1;
        ts_model *m = train(kv, 2);
        quiet = 0;
        CHECK_MSG(m == NULL && strstr(ts_error(), bad[i][0]) && strstr(ts_error(), "lstm"), "--%s %s: %s",
                  bad[i][0], bad[i][1], m ? "accepted" : ts_error());
        ts_model_free(m);
    }
    const char *kv[] = {"layers", "1", "hidden", "4", "iters", "1", "valid-n", "2"};
    ts_model *m = train(kv, 4);
    REQUIRE(m);
    const ts_windows x = {xd, 2, L};
    uint8_t mask[2 * L];
    ts_mask_fill(mask, 2, L, 3, TS_MASK_CENTER, 1);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ts_windows y;
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"1"}};
    CHECK(ts_model_impute(m, &x, mask, &ro, &y) == -1 && strstr(ts_error(), "temperature"));
    ro.kv = (ts_kv){0, NULL, NULL};
    ro.steps = 3;
    CHECK(ts_model_impute(m, &x, mask, &ro, &y) == -1 && strstr(ts_error(), "steps"));
    ro.steps = 0;
    ro.seed_given = 1;
    CHECK(ts_model_run_check(m, &ro) == -1 && strstr(ts_error(), "seed"));
    CHECK(ts_model_generate_check(m, &ro) == 0);   /* generate samples at temperature 1 */
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"0"}};
    CHECK(ts_model_generate_check(m, &ro) == -1 && strstr(ts_error(), "seed"));
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"-1"}};
    ro.seed_given = 0;
    CHECK(ts_model_generate_check(m, &ro) == -1 && strstr(ts_error(), "temperature"));
    ts_model_free(m);
}

/* generate's line says the seed it drew by, and nothing of a seed where greedy decoding
 * (--temperature 0) draws nothing */
static void generate_says_seed(void)
{
    const char *dir = scratch_dir();
    char args[4096], out[4096];
    snprintf(args, sizeof args, "generate tests/fixtures/models/lstm.tsm -n 2 --length 10 --temperature 0 -o %s/g0",
             dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && strstr(out, "generated 2 windows") && !strstr(out, "seed") &&
              strstr(out, "(nothing drawn)"), "%s", out);
    snprintf(args, sizeof args, "generate tests/fixtures/models/lstm.tsm -n 2 --length 10 --seed 4 -o %s/g1", dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && strstr(out, "(seed 4)"), "%s", out);
    snprintf(args, sizeof args, "generate tests/fixtures/models/lstm.tsm -n 2 --length 10 -o %s/g2", dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && strstr(out, "(seed 0)"), "%s", out);
}

/* generation after a prefix (ts_model_generate_prefix): the network runs over the prefix,
 * then samples as generate does. The prefix is kept exactly; the same seed gives the same
 * windows whatever the batch; at --temperature 0 the continuation is the pattern it
 * learned, decided by the prefix (after 0 1 comes 2, after 3 1 comes 4) */
static void generate_after_prefix(void)
{
    ts_set_threads(1);
    ts_model *m = train(small, 7);
    REQUIRE(m);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    CHECK_MSG(ts_model_prefix_check(m, &ro) == 0, "%s", ts_error());
    const int32_t p01[4] = {5, 2, 6, 0}, p31[2] = {3, 1};
    const int32_t *pres[2] = {p01, p31};
    const size_t Ps[2] = {4, 2};
    const int at[2] = {6, 3};   /* where pat holds the prefix */
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"0"}};
    ts_windows g;
    for (int k = 0; k < 2; k++) {
        REQUIRE(ts_model_generate_prefix(m, pres[k], Ps[k], 3, 30, &ro, &g) == 0);
        int bad = 0;
        for (size_t w = 0; w < 3; w++)
            for (size_t t = 0; t < 30; t++)
                bad += g.data[w * 30 + t] != (t < Ps[k] ? pres[k][t] : pat[(at[k] + t) % 9]);
        CHECK_MSG(bad == 0, "prefix %d: %d events off the pattern", k, bad);
        ts_windows_free(&g);
    }
    /* sampled: the prefix kept exactly, the same seed the same windows, however batched */
    memset(&ro, 0, sizeof ro);
    ro.seed = 5;
    ro.seed_given = 1;
    CHECK_MSG(ts_model_prefix_check(m, &ro) == 0, "%s", ts_error());
    ts_windows a, b;
    REQUIRE(ts_model_generate_prefix(m, p31, 2, 10, 20, &ro, &a) == 0);
    ro.batch = 3;
    REQUIRE(ts_model_generate_prefix(m, p31, 2, 10, 20, &ro, &b) == 0);
    CHECK(memcmp(a.data, b.data, 10 * 20 * sizeof *a.data) == 0);
    int kept = 0, range = 0;
    for (size_t w = 0; w < 10; w++) {
        kept += !memcmp(a.data + w * 20, p31, sizeof p31);
        for (size_t t = 2; t < 20; t++) range += a.data[w * 20 + t] >= 0 && a.data[w * 20 + t] < V;
    }
    CHECK_MSG(kept == 10 && range == 10 * 18, "%d kept, %d in range", kept, range);
    ts_windows_free(&a);
    ts_windows_free(&b);
    /* greedy decoding draws nothing: a seed refused, as generate refuses it */
    ro.batch = 0;
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"0"}};
    CHECK(ts_model_prefix_check(m, &ro) == -1 && strstr(ts_error(), "seed"));
    CHECK(ts_model_generate_prefix(m, p31, 2, 2, 8, &ro, &g) == -1 && strstr(ts_error(), "seed") && !g.data);
    ts_model_free(m);
    ts_set_threads(0);
}

/* a prefix runs through each layer as training's forward does (the input projection of
 * all its steps one product, then the recurrence): the state and next-event logits are
 * those of stepping one event at a time, in one window or in each of a batch's rows, to
 * float rounding; and greedy generation after the first P events of a greedy window (the
 * prefix read in passes, the rest stepped) gives that window back, event for event */
static void prefix_pass_matches_steps(void)
{
    ts_set_threads(1);
    enum { H = 16, NL = 2, P = 300, VV = 5, B3 = 3 };
    const int G = 4 * H;
    ts_rng r;
    ts_rng_seed(&r, 11);
    float *w = malloc(NL * (size_t)(2 * G * H + G) * sizeof *w), *x = malloc((size_t)P * H * sizeof *x);
    float *hw = malloc((size_t)VV * H * sizeof *hw), *hb = malloc(VV * sizeof *hb);
    ts_init_torch_default(w, NL * (size_t)(2 * G * H + G), H, &r);
    ts_init_normal(x, (size_t)P * H, 0, 1, &r);
    ts_init_torch_default(hw, (size_t)VV * H, H, &r);
    ts_init_torch_default(hb, VV, H, &r);
    /* the whole prefix, layer by layer: (1, P) */
    float *in = malloc((size_t)P * H * sizeof *in), *out = malloc((size_t)P * H * sizeof *out);
    float *act = malloc(ts_lstm_act_size(1, P, H) * sizeof *act);
    float hp[NL][H], cp[NL][H], zp[VV];
    memcpy(in, x, (size_t)P * H * sizeof *in);
    for (int l = 0; l < NL; l++) {
        const float *wl = w + (size_t)l * (2 * G * H + G);
        ts_lstm_forward(out, act, in, NULL, NULL, wl, wl + G * H, wl + 2 * G * H, 1, P, H, H);
        ts_lstm_state(hp[l], cp[l], out, act, 1, P, H);
        memcpy(in, out, (size_t)P * H * sizeof *in);
    }
    ts_linear_forward(zp, hp[NL - 1], hw, hb, 1, H, VV);
    /* one step at a time, in one row and in each of B3 rows: (B, 1) P times */
    for (int B = 1; B <= B3; B += B3 - 1) {
        float h[NL][B3 * H], c[NL][B3 * H], xs[B3 * H], o[B3 * H], a[5 * B3 * H], z[B3 * VV];
        for (int t = 0; t < P; t++) {
            for (int b = 0; b < B; b++) memcpy(xs + b * H, x + (size_t)t * H, H * sizeof *xs);
            for (int l = 0; l < NL; l++) {
                const float *wl = w + (size_t)l * (2 * G * H + G);
                ts_lstm_forward(o, a, xs, t ? h[l] : NULL, t ? c[l] : NULL, wl, wl + G * H, wl + 2 * G * H, B, 1, H,
                                H);
                ts_lstm_state(h[l], c[l], o, a, B, 1, H);
                memcpy(xs, o, (size_t)B * H * sizeof *xs);
            }
        }
        ts_linear_forward(z, h[NL - 1], hw, hb, B, H, VV);
        double worst = 0;
        size_t differ = 0;
        for (int b = 0; b < B; b++) {
            for (int l = 0; l < NL; l++)
                for (int j = 0; j < H; j++) {
                    const double dh = fabs(h[l][b * H + j] - hp[l][j]) / (1 + fabs(hp[l][j]));
                    const double dc = fabs(c[l][b * H + j] - cp[l][j]) / (1 + fabs(cp[l][j]));
                    worst = fmax(worst, fmax(dh, dc));
                    differ += (h[l][b * H + j] != hp[l][j]) + (c[l][b * H + j] != cp[l][j]);
                }
            for (int v = 0; v < VV; v++) {
                worst = fmax(worst, fabs(z[b * VV + v] - zp[v]) / (1 + fabs(zp[v])));
                differ += z[b * VV + v] != zp[v];
            }
        }
        CHECK_MSG(worst < 1e-6, "%d row%s: %zu state and logit values differ from the pass over %d steps, worst %g",
                  B, B > 1 ? "s" : "", differ, P, worst);
    }
    free(w); free(x); free(hw); free(hb); free(in); free(out); free(act);
    /* the model, its parameters drawn N(0, 4) (the head's bias 0: the events told apart by
     * the state alone, the start state's too). Its reference steps one event at a time:
     * impute with the first event hidden reads every window from the start state step by
     * step, observed events fed as they are, and fills [P, L) greedily; generation at
     * --temperature 0 after the first P events of a filled window (read in passes of 64)
     * must give that window back, event for event, in each row of its batch */
    const char *kv[] = {"layers", "2", "hidden", "8", "iters", "1", "valid-n", "2"};
    ts_model *m = train(kv, 4);
    const char *dir = scratch_dir();
    REQUIRE(m && dir);
    char path[512];
    snprintf(path, sizeof path, "%s/random.tsm", dir);
    const size_t np = (V + 1) * 8 + 2 * (8 * 8 * 8 + 4 * 8) + V * 8 + V;
    float *pr = malloc(np * sizeof *pr);
    ts_init_normal(pr, np, 0, 2, &r);
    memset(pr + np - V, 0, V * sizeof *pr);
    const int saved = ts_model_save(m, path) == 0 && rewrite_chunk_bytes(path, path, "PARAMS", pr, np * sizeof *pr) == 0;
    free(pr);
    ts_model_free(m);
    m = NULL;
    REQUIRE(saved && ts_model_load(path, &m) == 0);
    enum { NW = 6, MORE = 12 };
    static const size_t Ps[] = {1, 2, 63, 64, 65, 128, P};   /* one pass, two, more */
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.kv = (ts_kv){1, (const char *[]){"temperature"}, (const char *[]){"0"}};
    int32_t *xw = malloc(NW * (P + MORE) * sizeof *xw);
    uint8_t *mask = malloc(NW * (P + MORE));
    size_t same = 0, all = 0;
    for (size_t k = 0; k < sizeof Ps / sizeof *Ps; k++) {
        const size_t LL = Ps[k] + MORE;
        for (size_t i = 0; i < NW * LL; i++) {
            xw[i] = (int32_t)ts_rng_below(&r, V);
            mask[i] = i % LL > 0 && i % LL < Ps[k];
        }
        const ts_windows xs = {xw, NW, LL};
        ts_windows y, q;
        REQUIRE(ts_model_impute(m, &xs, mask, NULL, &y) == 0);
        for (size_t k2 = 0; k2 < NW; k2++) {
            REQUIRE(ts_model_generate_prefix(m, y.data + k2 * LL, Ps[k], 2, LL, &ro, &q) == 0);
            for (int b = 0; b < 2; b++) same += !memcmp(q.data + b * LL, y.data + k2 * LL, LL * sizeof *q.data);
            all += 2;
            ts_windows_free(&q);
        }
        ts_windows_free(&y);
    }
    CHECK_MSG(same == all, "%zu of %zu windows after a prefix are the stepped ones", same, all);
    free(xw);
    free(mask);
    ts_model_free(m);
    ts_set_threads(0);
}

/* generate --prefix FILE with an lstm: every window begins with the prefix, named in
 * OUT.names.txt; the line says the seed it drew by */
static void cli_generate_prefix(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[700], q[700], args[4096], out[4096];
    snprintf(p, sizeof p, "%s/lstm_prefix.txt", dir);
    write_text(p, "read openat close\n");
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "generate tests/fixtures/models/lstm.tsm -n 4 --length 16 --prefix %s --seed 4 "
                 "--threads 1 --no-progress -o %s/lp%d", p, dir, k);
        CHECK_MSG(run_output(args, out, sizeof out) == 0 && strstr(out, "each after the 3 events of ") &&
                      strstr(out, "(seed 4)"), "%s", out);
    }
    snprintf(p, sizeof p, "%s/lp0.txt", dir);
    snprintf(q, sizeof q, "%s/lp1.txt", dir);
    CHECK(files_equal(p, q));
    int lines = 0, begin = lines_starting(p, "0,2,3,", &lines);
    CHECK_MSG(lines == 4 && begin == 4, "%d lines, %d begin with the prefix", lines, begin);
    snprintf(p, sizeof p, "%s/lp0.names.txt", dir);
    CHECK(lines_starting(p, "read openat close ", NULL) == 4);
}

/* an lstm as the event channel of generate --channels-from, windows longer than --crop:
 * the events after the first crop are drawn at the temperature generate takes (its
 * default, 1, where none is given: the same windows as --temperature 1), as plain generate
 * draws them; --temperature 0 draws nothing; a temperature out of range is a usage error */
static void cli_channels_crop_temperature(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    const char *ds = "tests/fixtures/models/mcds";
    char args[4096], err[4096], a[700], b[700];
    snprintf(args, sizeof args, "train --model lstm %s --length 32 --layers 1 --hidden 8 --iters 4 --valid-every 4 "
             "--valid-n 4 --batch 4 --threads 1 --no-progress -o %s/mc.lstm", ds, dir);
    const int trained = run_cli(args, err, sizeof err) == 0;
    CHECK_MSG(trained, "%s", err);
    if (!trained) return;
    static const char *const temp[3] = {"", "--temperature 1", "--temperature 0"};
    for (int k = 0; k < 3; k++) {
        snprintf(args, sizeof args, "generate %s/mc.lstm --channels-from %s -n 3 --length 40 --crop 16 %s --threads 1 "
                 "--no-progress -o %s/lc%d", dir, ds, temp[k], dir, k);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", temp[k][0] ? temp[k] : "no --temperature", err);
    }
    snprintf(a, sizeof a, "%s/lc0/stream.txt", dir);
    snprintf(b, sizeof b, "%s/lc1/stream.txt", dir);
    CHECK_MSG(files_equal(a, b), "no --temperature and --temperature 1 drew other windows");
    snprintf(args, sizeof args, "generate %s/mc.lstm --channels-from %s -n 3 --length 40 --crop 16 --temperature -1 "
             "--threads 1 --no-progress -o %s/lcx", dir, ds, dir);
    snprintf(a, sizeof a, "%s/lcx", dir);
    CHECK(cli_refuses(args, 2, "temperature: -1: expected 0 (greedy) to 100", a, err, sizeof err));
}

/* fill takes every model by name: its --help names each */
static void fill_help_names_models(void)
{
    static char out[16384];
    REQUIRE(run_stdout("fill --help", out, sizeof out) == 0);
    for (const ts_model_ops *const *p = ts_model_list(); *p; p++) {
        char name[64];
        snprintf(name, sizeof name, "%s", (*p)->name);
        const char *at = out;
        size_t n = strlen(name);
        int found = 0;
        while (!found && (at = strstr(at, name)))   /* a whole word: not sssd-s4's s4 */
            found = (at == out || !strchr("abcdefghijklmnopqrstuvwxyz0123456789-", at[-1])) &&
                    !strchr("abcdefghijklmnopqrstuvwxyz0123456789-", at[n] ? at[n] : ' '),
            at += n;
        CHECK_MSG(found, "fill --help does not name %s", name);
    }
}

/* score refuses a model without a likelihood, naming those with one (lstm's among them) */
static void score_names_likelihoods(void)
{
    char args[4096], err[4096];
    for (int i = 0; i < 2; i++) {
        const char *model = i ? "tests/fixtures/models/sssd-s4.tsm" : "tests/fixtures/models/diffwave.tsm";
        snprintf(args, sizeof args, "score %s --input tests/fixtures/models/no-such-input", model);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, model) && strstr(err, "no likelihood") &&
                  strstr(err, "ngram") && strstr(err, "mdm") && strstr(err, "lstm") && !strstr(err, "unigram"),
                  "%s", err);
    }
}

/* a model of vb events, one layer of 2, every parameter 0 (every event 1 / vb; the
 * training part held event 0 alone), from a small one's file: NULL on failure */
static ts_model *uniform_model(int vb)
{
    const char *kv[] = {"layers", "1", "hidden", "2", "iters", "1", "valid-n", "2"};
    ts_model *m = train(kv, 4);
    const char *dir = scratch_dir();
    if (!m || !dir) { ts_model_free(m); return NULL; }
    char path[512], big[512];
    snprintf(path, sizeof path, "%s/small.tsm", dir);
    snprintf(big, sizeof big, "%s/big.tsm", dir);
    int rc = ts_model_save(m, path);
    ts_model_free(m);
    const size_t np = 5 * (size_t)vb + 42;   /* emb (V+1, 2), one layer (8 4 + 4 2), head (V, 2) + (V) */
    float *p = calloc(np, sizeof *p);
    uint32_t nids = (uint32_t)vb;
    int32_t seen0 = 0;
    char cfg[128];
    snprintf(cfg, sizeof cfg, "layers=1\nhidden=2\nvocab=%d\ncontext=24\n", vb);
    rc = rc || rewrite_chunk(path, big, "CONFIG", cfg) || rewrite_chunk_bytes(big, big, "NIDS", &nids, 4) ||
         rewrite_chunk_bytes(big, big, "PARAMS", p, np * sizeof *p) || rewrite_chunk_bytes(big, big, "SEEN", &seen0, 4);
    free(p);
    ts_model *b = NULL;
    if (rc || ts_model_load(big, &b) != 0) fprintf(stderr, "  uniform_model: %s\n", ts_error());
    return b;
}

/* score's logits of a pass are taken a few rows at a time: a vocabulary of 2^18 events
 * (a file of 5 MB) scored one window of 256 held 256 x 2^18 floats (268 MB) at once */
static void bits_logits_bounded(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { VB = 1 << 18, LB = 256 };
    ts_model *b = uniform_model(VB);
    REQUIRE(b);
    int32_t *w = calloc(LB, sizeof *w);
    const ts_windows x = {w, 1, LB};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {   /* a process of its own: no earlier peak hides this one */
        double bits = 0;
        _exit(ts_model_bits(b, &x, NULL, NULL, &bits, NULL) == 0 && fabs(bits - 18) < 1e-3 ? 0 : 1);
    }
    int st = 0;
    REQUIRE(pid > 0 && waitpid(pid, &st, 0) == pid);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the bits of a uniform model of 2^18 events are not 18");
    CHECK_MSG(ru.ru_maxrss < 150 * 1024, "scoring one window of %d took a peak of %ld MB", LB, ru.ru_maxrss / 1024);
    free(w);
    ts_model_free(b);
}

/* impute's and generate's next-event logits (batch, V) are bounded too: 64 windows under a
 * vocabulary of 2^20 events (a file of 20 MB) held 64 x 2^20 floats (268 MB) */
static void step_logits_bounded(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { VB = 1 << 20, NB = 64, LB = 3 };
    ts_model *b = uniform_model(VB);
    REQUIRE(b);
    for (int imp = 0; imp < 2; imp++) {
        int32_t *w = calloc(NB * LB, sizeof *w);
        uint8_t *mask = malloc(NB * LB);
        memset(mask, 1, NB * LB);
        for (int i = 0; i < NB; i++) mask[i * LB + 1] = 0;
        const ts_windows x = {w, NB, LB};
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {   /* a process of its own: no earlier peak hides this one */
            ts_windows y;
            int ok = (imp ? ts_model_impute(b, &x, mask, NULL, &y) : ts_model_generate(b, NB, LB, NULL, &y)) == 0;
            for (int i = 0; ok && i < NB * LB; i++) ok = y.data[i] == 0;   /* the one event held */
            _exit(ok ? 0 : 1);
        }
        int st = 0;
        REQUIRE(pid > 0 && waitpid(pid, &st, 0) == pid);
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: not event 0 throughout", imp ? "impute" : "generate");
        CHECK_MSG(ru.ru_maxrss < 150 * 1024, "%s of %d windows took a peak of %ld MB", imp ? "impute" : "generate",
                  NB, ru.ru_maxrss / 1024);
        free(w);
        free(mask);
    }
    ts_model_free(b);
}

TEST_MAIN("test_lstm", {
    RUN(learns_pattern);
    RUN(bits_per_window);
    RUN(round_trip_and_bad_files);
    RUN(unseen_never_given);
    RUN(option_errors);
    RUN(generate_says_seed);
    RUN(generate_after_prefix);
    RUN(prefix_pass_matches_steps);
    RUN(cli_generate_prefix);
    RUN(cli_channels_crop_temperature);
    RUN(fill_help_names_models);
    RUN(score_names_likelihoods);
    RUN(bits_logits_bounded);
    RUN(step_logits_bounded);
})
