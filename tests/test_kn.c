/* Kneser–Ney: every probability equals a brute-force evaluation of the published
 * formulas (counts by scanning the stream), distributions sum to one, separators
 * split the stream, bits per event against a hand count, bad arguments. */
#include "check.h"
#include "motif.h"
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tracesynth.h"
#include "tracesynth/kneser_ney.h"

/* ---- the oracle: the formulas, evaluated by scanning ---- */

typedef struct {
    const int32_t *s;
    size_t n;
    int order;
    int32_t V;
} oracle;

static int occurs_at(const oracle *o, size_t p, const int32_t *g, int m)
{
    if (p + (size_t)m > o->n) return 0;
    for (int i = 0; i < m; i++)
        if (o->s[p + (size_t)i] != g[i] || o->s[p + (size_t)i] < 0) return 0;
    return 1;
}

/* c_m(g): raw count at the top order (the one the context fills), else distinct left
 * neighbours (+1 for a piece start) */
static double count_m(const oracle *o, const int32_t *g, int m, int top)
{
    if (m == top) {
        double c = 0;
        for (size_t p = 0; p < o->n; p++) c += occurs_at(o, p, g, m);
        return c;
    }
    int32_t seen[256];
    int ns = 0, start = 0;
    for (size_t p = 0; p < o->n; p++) {
        if (!occurs_at(o, p, g, m)) continue;
        if (p == 0 || o->s[p - 1] < 0) { start = 1; continue; }
        int32_t x = o->s[p - 1], dup = 0;
        for (int i = 0; i < ns; i++) dup |= seen[i] == x;
        if (!dup) seen[ns++] = x;
    }
    return ns + start;
}

/* distinct m-grams of the stream, as start positions */
static int distinct(const oracle *o, int m, size_t *pos)
{
    int k = 0;
    for (size_t p = 0; p + (size_t)m <= o->n; p++) {
        int ok = 1, dup = 0;
        for (int i = 0; i < m; i++) ok &= o->s[p + (size_t)i] >= 0;
        if (!ok) continue;
        for (int j = 0; j < k && !dup; j++) dup = occurs_at(o, pos[j], o->s + p, m);
        if (!dup) pos[k++] = p;
    }
    return k;
}

static void oracle_discounts(const oracle *o, int m, int top, double D[4])
{
    size_t pos[512];
    int k = distinct(o, m, pos);
    double nk[5] = {0};
    for (int j = 0; j < k; j++) {
        double c = count_m(o, o->s + pos[j], m, top);
        if (c >= 1 && c <= 4) nk[(int)c]++;
    }
    if (nk[1] <= 0 || nk[2] <= 0) { D[1] = 0.5; D[2] = 1.0; D[3] = 1.5; return; }
    double Y = nk[1] / (nk[1] + 2 * nk[2]);
    D[1] = 1 - 2 * Y * nk[2] / nk[1];
    D[2] = nk[3] > 0 ? 2 - 3 * Y * nk[3] / nk[2] : 1.0;
    D[3] = nk[3] > 0 && nk[4] > 0 ? 3 - 4 * Y * nk[4] / nk[3] : 1.5;
    for (int c = 1; c <= 3; c++) {
        if (!(D[c] > 0)) D[c] = 0.1 * c;
        if (D[c] > c) D[c] = c;
    }
}

static double oracle_prob(const oracle *o, const int32_t *ctx, size_t nctx, int32_t w)
{
    double p = 1.0 / o->V;
    int top = (size_t)o->order - 1 > nctx ? (int)nctx + 1 : o->order;
    for (int m = 1; m <= top; m++) {
        size_t hl = (size_t)m - 1;
        int32_t g[32];
        memcpy(g, ctx + nctx - hl, hl * sizeof *g);
        double tot = 0, n1 = 0, n2 = 0, n3 = 0, cw = 0;
        for (int32_t v = 0; v < o->V; v++) {
            g[hl] = v;
            double c = count_m(o, g, m, top);
            tot += c;
            n1 += c == 1;
            n2 += c == 2;
            n3 += c >= 3;
            if (v == w) cw = c;
        }
        if (tot <= 0) continue;
        double D[4];
        oracle_discounts(o, m, top, D);
        double disc = cw <= 0 ? 0 : D[cw >= 3 ? 3 : (int)cw];
        p = (cw > disc ? cw - disc : 0) / tot + (D[1] * n1 + D[2] * n2 + D[3] * n3) / tot * p;
    }
    return p;
}

/* ---- tests ---- */

static void matches_oracle(void)
{
    ts_rng r;
    ts_rng_seed(&r, 7);
    for (int trial = 0; trial < 6; trial++) {
        int32_t s[160];
        size_t n = 60 + ts_rng_below(&r, 100);
        int32_t V = 3 + (int32_t)ts_rng_below(&r, 5);
        /* a periodic stream with noise and, in some trials, separators */
        for (size_t i = 0; i < n; i++) {
            s[i] = ts_rng_uniform(&r) < 0.7 ? (int32_t)(i % 4) % V : (int32_t)ts_rng_below(&r, (uint64_t)V);
            if (trial % 2 && ts_rng_uniform(&r) < 0.05) s[i] = -1;
        }
        int order = 1 + trial % 4;
        ts_kn *kn;
        REQUIRE(ts_kn_build(&kn, s, n, order, V) == 0);
        oracle o = {s, n, order, V};
        for (int q = 0; q < 20; q++) {
            int32_t ctx[8];
            size_t nc = ts_rng_below(&r, 6);
            for (size_t i = 0; i < nc; i++) ctx[i] = (int32_t)ts_rng_below(&r, (uint64_t)V);
            int32_t w = (int32_t)ts_rng_below(&r, (uint64_t)V);
            double a = exp(ts_kn_logprob(kn, ctx, nc, w)), b = oracle_prob(&o, ctx, nc, w);
            CHECK_MSG(fabs(a - b) <= 1e-12, "trial %d order %d q %d: %.15g vs oracle %.15g",
                      trial, order, q, a, b);
        }
        ts_kn_free(kn);
    }
}

/* many event types, few repeats, separators: one build of order 12 set to each order
 * against the oracle, with contexts taken from the stream (long n-grams seen) and
 * events of the alphabet never seen after them */
static void matches_oracle_many_types(void)
{
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (int trial = 0; trial < 2; trial++) {
        int32_t s[320];
        const size_t n = 320;
        const int32_t V = 200;
        for (size_t i = 0; i < n; i++) {
            /* a few motifs among noise over 200 IDs */
            s[i] = ts_rng_uniform(&r) < 0.5 ? (int32_t)((i % 9) * 17 + (i / 90) % 3) : (int32_t)ts_rng_below(&r, (uint64_t)V);
            if (trial && ts_rng_uniform(&r) < 0.03) s[i] = -1;
        }
        ts_kn *kn;
        REQUIRE(ts_kn_build(&kn, s, n, 12, V) == 0);
        for (int order = 1; order <= 12; order++) {
            REQUIRE(ts_kn_set_order(kn, order) == 0);
            oracle o = {s, n, order, V};
            for (int q = 0; q < 8; q++) {
                int32_t ctx[16];
                size_t nc = ts_rng_below(&r, 14), at = ts_rng_below(&r, (uint64_t)(n - nc - 1));
                for (size_t i = 0; i < nc; i++) ctx[i] = s[at + i] < 0 ? 5 : s[at + i];
                int32_t w = q % 4 == 3 ? (int32_t)ts_rng_below(&r, (uint64_t)V) : s[at + nc] < 0 ? 7 : s[at + nc];
                double a = exp(ts_kn_logprob(kn, ctx, nc, w)), b = oracle_prob(&o, ctx, nc, w);
                CHECK_MSG(fabs(a - b) <= 1e-12, "trial %d order %d q %d: %.15g vs oracle %.15g",
                          trial, order, q, a, b);
            }
        }
        ts_kn_free(kn);
    }
}

/* one build of order 6 set to order m scores exactly as a build of order m */
static void lower_orders(void)
{
    int32_t s[500];
    ts_rng r;
    ts_rng_seed(&r, 3);
    for (size_t i = 0; i < 500; i++) s[i] = (int32_t)(ts_rng_uniform(&r) < 0.75 ? i % 5 : ts_rng_below(&r, 8));
    s[250] = -1;
    ts_kn *big;
    REQUIRE(ts_kn_build(&big, s, 500, 6, 8) == 0);
    CHECK(ts_kn_set_order(big, 7) == -1 && ts_kn_set_order(big, 0) == -1);
    for (int m = 1; m <= 6; m++) {
        ts_kn *kn;
        REQUIRE(ts_kn_build(&kn, s, 500, m, 8) == 0);
        REQUIRE(ts_kn_set_order(big, m) == 0);
        CHECK(ts_kn_order(big) == m);
        for (int q = 0; q < 40; q++) {
            int32_t ctx[8];
            for (int i = 0; i < 8; i++) ctx[i] = (int32_t)ts_rng_below(&r, 8);
            int32_t w = (int32_t)ts_rng_below(&r, 8);
            size_t nc = (size_t)(q % 9);
            CHECK_NEAR(ts_kn_logprob(big, ctx, nc, w), ts_kn_logprob(kn, ctx, nc, w), 0);
        }
        for (int c = 1; c <= 3; c++) CHECK(ts_kn_discount(big, m, c) == ts_kn_discount(kn, m, c));
        ts_kn_free(kn);
    }
    ts_kn_free(big);
}

/* a context shorter than the order (a window's first events) is scored as a build of the
 * order it fills: raw counts at its top, not the continuation counts that stand in for a
 * longer context (the first event of a window: the unigram's own frequencies) */
static void short_context_is_lower_build(void)
{
    int32_t s[400];
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (size_t i = 0; i < 400; i++) s[i] = (int32_t)(ts_rng_uniform(&r) < 0.8 ? (i % 6) % 4 : ts_rng_below(&r, 6));
    ts_kn *big;
    REQUIRE(ts_kn_build(&big, s, 400, 5, 6) == 0);
    for (size_t nc = 0; nc < 4; nc++) {
        ts_kn *kn;
        REQUIRE(ts_kn_build(&kn, s, 400, (int)nc + 1, 6) == 0);
        for (int q = 0; q < 30; q++) {
            int32_t ctx[4];
            for (size_t i = 0; i < 4; i++) ctx[i] = (int32_t)ts_rng_below(&r, 6);
            int32_t w = (int32_t)ts_rng_below(&r, 6);
            CHECK_NEAR(ts_kn_logprob(big, ctx, nc, w), ts_kn_logprob(kn, ctx, nc, w), 0);
        }
        ts_kn_free(kn);
    }
    /* the first event: 0 is the most frequent event, though as many events come before it
     * as before 1 */
    double c0 = 0;
    for (size_t i = 0; i < 400; i++) c0 += s[i] == 0;
    CHECK_NEAR(exp(ts_kn_logprob(big, s, 0, 0)), c0 / 400, 0.01);
    ts_kn_free(big);
}

static void sums_to_one(void)
{
    int32_t s[400];
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (size_t i = 0; i < 400; i++) s[i] = (int32_t)(ts_rng_uniform(&r) < 0.8 ? i % 7 : ts_rng_below(&r, 9));
    for (int order = 1; order <= 6; order++) {
        ts_kn *kn;
        REQUIRE(ts_kn_build(&kn, s, 400, order, 12) == 0);   /* 3 IDs never seen */
        double p[12];
        for (int q = 0; q < 30; q++) {
            int32_t ctx[8];
            for (int i = 0; i < 8; i++) ctx[i] = (int32_t)ts_rng_below(&r, 12);
            ts_kn_dist(kn, ctx, (size_t)(q % 9), p);
            double sum = 0, mn = 1;
            for (int w = 0; w < 12; w++) { sum += p[w]; if (p[w] < mn) mn = p[w]; }
            CHECK_NEAR(sum, 1.0, 1e-12);
            CHECK(mn > 0);   /* never zero: the uniform floor */
        }
        for (int m = 1; m <= order; m++)
            for (int c = 1; c <= 3; c++) {
                double d = ts_kn_discount(kn, m, c);
                CHECK(d > 0 && d <= c);
            }
        ts_kn_free(kn);
    }
}

/* p(. | h) sums to one over the whole alphabet (an <unk> ID never seen in training
 * included) at every order 1 .. TS_KN_MAX_ORDER, by a build of that order and by one
 * build of the highest set to it, for contexts seen in the stream (every length up to
 * the order) and unseen ones (with <unk>, IDs the stream lacks), on streams whose counts
 * of counts are empty in some classes (all distinct, all repeated, tiny, with separators) */
static void sums_to_one_every_order(void)
{
    enum { N = 600, V = 10, UNK = V - 1 };
    static int32_t s[5][N];
    size_t len[5] = {N, N, N, 3, N};
    ts_rng r;
    ts_rng_seed(&r, 21);
    for (size_t i = 0; i < N; i++) {
        s[0][i] = (int32_t)(ts_rng_uniform(&r) < 0.7 ? i % 6 : ts_rng_below(&r, 8));   /* 8 of the 9 named IDs */
        s[1][i] = (int32_t)(i % 2);                       /* every n-gram repeated: no count 1 */
        s[2][i] = (int32_t)ts_rng_below(&r, 8);
        s[3][i] = (int32_t)(i % 3);                       /* 3 events: every count 1 */
        s[4][i] = i % 37 == 36 ? -1 : (int32_t)(ts_rng_uniform(&r) < 0.5 ? i % 5 : ts_rng_below(&r, 8));
    }
    ts_kn *big[5];
    for (int d = 0; d < 5; d++) REQUIRE(ts_kn_build(&big[d], s[d], len[d], TS_KN_MAX_ORDER, V) == 0);
    double p[V];
    for (int d = 0; d < 5; d++)
        for (int order = 1; order <= TS_KN_MAX_ORDER; order++) {
            ts_kn *kn;
            REQUIRE(ts_kn_build(&kn, s[d], len[d], order, V) == 0);
            REQUIRE(ts_kn_set_order(big[d], order) == 0);
            for (int q = 0; q < 60; q++) {
                int32_t ctx[TS_KN_MAX_ORDER];
                size_t nc = ts_rng_below(&r, TS_KN_MAX_ORDER);
                if (q % 3 == 0 && len[d] > nc) {   /* seen: a piece of the stream */
                    size_t at = ts_rng_below(&r, len[d] - nc + 1);
                    memcpy(ctx, s[d] + at, nc * sizeof *ctx);
                    for (size_t i = 0; i < nc; i++) if (ctx[i] < 0) ctx[i] = 0;
                } else {                           /* anything, <unk> often */
                    for (size_t i = 0; i < nc; i++) ctx[i] = ts_rng_uniform(&r) < 0.2 ? UNK : (int32_t)ts_rng_below(&r, V);
                }
                for (int b = 0; b < 2; b++) {
                    ts_kn_dist(b ? big[d] : kn, ctx, nc, p);
                    double sum = 0, mn = 1;
                    for (int w = 0; w < V; w++) { sum += p[w]; if (p[w] < mn) mn = p[w]; }
                    CHECK_MSG(fabs(sum - 1) <= 1e-12 && mn > 0, "stream %d order %d (%s) context of %zu: sum %.17g, "
                              "min %g", d, order, b ? "set" : "built", nc, sum, mn);
                    CHECK_NEAR(log(p[UNK]), ts_kn_logprob(b ? big[d] : kn, ctx, nc, UNK), 0);
                }
            }
            for (int m = 1; m <= order; m++)
                for (int c = 1; c <= 3; c++) {
                    double dk = ts_kn_discount(kn, m, c);
                    CHECK_MSG(dk > 0 && dk <= c, "stream %d order %d: D_%d(%d) = %g", d, order, m, c, dk);
                }
            ts_kn_free(kn);
        }
    for (int d = 0; d < 5; d++) ts_kn_free(big[d]);
}

/* a deterministic cycle: a high-order model is nearly certain, bits near zero;
 * order 1 on 4 equally frequent IDs gives about 2 bits */
static void bits_per_event(void)
{
    int32_t s[4000];
    for (size_t i = 0; i < 4000; i++) s[i] = (int32_t)(i % 4);
    ts_kn *k3, *k1;
    REQUIRE(ts_kn_build(&k3, s, 4000, 3, 4) == 0);
    REQUIRE(ts_kn_build(&k1, s, 4000, 1, 4) == 0);
    int32_t w[2 * 50];
    for (size_t i = 0; i < 100; i++) w[i] = (int32_t)((i + 1) % 4);
    double b3 = ts_kn_bits(k3, w, 2, 50), b1 = ts_kn_bits(k1, w, 2, 50);
    CHECK_NEAR(b1, 2.0, 1e-9);
    CHECK(b3 < 0.1);
    /* the same by hand from logprob */
    double nats = 0;
    for (size_t i = 0; i < 2; i++)
        for (size_t l = 0; l < 50; l++) {
            size_t lo = l >= 2 ? l - 2 : 0;
            nats -= ts_kn_logprob(k3, w + i * 50 + lo, l - lo, w[i * 50 + l]);
        }
    CHECK_NEAR(b3, nats / 100 / log(2.0), 1e-12);
    ts_kn_free(k3);
    ts_kn_free(k1);
}

/* the same bits to the last digit at any thread count (the choice of an order
 * compares them) */
static void bits_threads(void)
{
    enum { N = 5000, W = 301, L = 13 };
    static int32_t s[N], w[W * L];
    uint64_t r = 12345;
    for (size_t i = 0; i < N; i++) r = r * 6364136223846793005ull + 1442695040888963407ull, s[i] = (int32_t)(r >> 33) % 7;
    for (size_t i = 0; i < W * L; i++) r = r * 6364136223846793005ull + 1442695040888963407ull, w[i] = (int32_t)(r >> 33) % 7;
    ts_kn *k;
    REQUIRE(ts_kn_build(&k, s, N, 4, 7) == 0);
    double b[3];
    for (int t = 0; t < 3; t++) {
        ts_set_threads(t + 1);
        b[t] = ts_kn_bits(k, w, W, L);
    }
    ts_set_threads(1);
    CHECK_MSG(b[0] == b[1] && b[0] == b[2], "%.17g %.17g %.17g bits at 1, 2, 3 threads", b[0], b[1], b[2]);
    ts_kn_free(k);
}

/* the n-gram model's likelihood: the order chosen on validation windows is the best of
 * 1..12 there, survives save/load, and ts_model_bits equals the KN of that order; names
 * map as for imputation */
static void ngram_model_bits(void)
{
    enum { N = 3000, L = 40 };
    static int32_t s[N], vw[8 * L];
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (size_t i = 0; i < N; i++) s[i] = (int32_t)(ts_rng_uniform(&r) < 0.9 ? (i * 7 / 3) % 6 : ts_rng_below(&r, 6));
    for (size_t w = 0; w < 8; w++) memcpy(vw + w * L, s + 100 + 300 * w, L * sizeof *s);
    ts_split sp;
    memset(&sp, 0, sizeof sp);
    sp.train_stream.ids = s;
    sp.train_stream.n = N;
    sp.valid = (ts_windows){vw, 8, L};
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = 6;
    ts_model *m;
    REQUIRE(ts_model_train("ngram", &o, &m) == 0);
    double b;
    ts_windows x = {vw, 8, L};
    REQUIRE(ts_model_bits(m, &x, NULL, NULL, &b, NULL) == 0);
    ts_kn *kn;
    REQUIRE(ts_kn_build(&kn, s, N, 12, 6) == 0);
    double best = 1e9;
    for (int k = 1; k <= 12; k++) {
        ts_kn_set_order(kn, k);
        double bk = ts_kn_bits(kn, vw, 8, L);
        if (bk < best) best = bk;
    }
    CHECK_NEAR(b, best, 1e-12);
    ts_kn_free(kn);
    const char *dir = scratch_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/ng.tsm", dir);
    REQUIRE(ts_model_save(m, path) == 0);
    ts_model *m2;
    REQUIRE(ts_model_load(path, &m2) == 0);
    double b2;
    REQUIRE(ts_model_bits(m2, &x, NULL, NULL, &b2, NULL) == 0);
    CHECK(b2 == b);
    int32_t bad[L];
    memcpy(bad, vw, sizeof bad);
    bad[3] = 6;
    ts_windows xb = {bad, 1, L};
    CHECK(ts_model_bits(m2, &xb, NULL, NULL, &b2, NULL) == -1);
    CHECK(strstr(ts_error(), "event ID 6 is outside") != NULL);
    /* the command: a line with the number, --json, and a clear error for a model
     * without a likelihood */
    char wpath[600], args[1600], err[512], upath[600];
    snprintf(wpath, sizeof wpath, "%s/valid.txt", dir);
    REQUIRE(ts_windows_write(wpath, &x) == 0);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    snprintf(args, sizeof args, "%s score %s --input=%s --json", bin, path, wpath);
    FILE *f = popen(args, "r");
    REQUIRE(f);
    char line[512] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(pclose(f) == 0);
    char want[64];
    snprintf(want, sizeof want, "\"bits_per_event\": %.6f", b);
    CHECK_MSG(strstr(line, want) != NULL, "%s lacks %s", line, want);
    ts_model *u;
    REQUIRE(ts_model_train("unigram", &o, &u) == 0);
    snprintf(upath, sizeof upath, "%s/uni.tsm", dir);
    REQUIRE(ts_model_save(u, upath) == 0);
    ts_model_free(u);
    snprintf(args, sizeof args, "score %s --input %s", upath, wpath);
    CHECK(run_cli(args, err, sizeof err) == 1);
    char want_u[700];
    snprintf(want_u, sizeof want_u, "%s: a unigram model gives no likelihood (score reads ngram, mdm, lstm models)", upath);
    CHECK_MSG(strstr(err, want_u) != NULL, "%s", err);
    /* every model with a likelihood is named in the help */
    char help[4096];
    CHECK(run_output("score --help", help, sizeof help) == 0);
    CHECK_MSG(strstr(help, "lstm's exact likelihood") != NULL, "%s", help);
    ts_model_free(m);
    ts_model_free(m2);
}

/* how much a build of s (n events, order, V) raised the resident peak, in KiB, or -1: the
 * build runs in a child process, whose peak starts at what it holds when forked, so that
 * no earlier test's peak hides it (a peak read in this process would count only a build
 * above every peak before it); the child answers with its growth and the build's
 * probability of w after ctx (checked by the caller) */
static long build_peak_kib(const int32_t *s, size_t n, int order, int32_t V, const int32_t *ctx, size_t nctx,
                           int32_t w, double *p)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { close(fd[0]); close(fd[1]); return -1; }
    if (pid == 0) {
        close(fd[0]);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long before = ru.ru_maxrss;   /* KiB: the resident size at the fork */
        ts_kn *kn;
        double out[2] = {-1, 0};
        if (ts_kn_build(&kn, s, n, order, V) == 0) {
            getrusage(RUSAGE_SELF, &ru);
            out[0] = (double)(ru.ru_maxrss - before);
            out[1] = exp(ts_kn_logprob(kn, ctx, nctx, w));
            ts_kn_free(kn);
        }
        _exit(write(fd[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
    }
    close(fd[1]);
    double in[2];
    ssize_t got = read(fd[0], in, sizeof in);
    close(fd[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != (ssize_t)sizeof in)
        return -1;
    *p = in[1];
    return (long)in[0];
}

/* memory follows the distinct n-grams, not the stream's length times the order: a
 * periodic stream of 200,000 events (37 distinct n-grams at every order) built at the
 * highest order stays within a few MiB (tables sized for
 * the stream took 32 x 2^19 slots, 800 MB) */
static void memory_follows_distinct(void)
{
    enum { N = 200000 };
    int32_t *s = malloc(N * sizeof *s);
    REQUIRE(s);
    for (size_t i = 0; i < N; i++) s[i] = (int32_t)(i % 37);
    double p = 0;
    long grew = build_peak_kib(s, N, TS_KN_MAX_ORDER, 37, s + 5, TS_KN_MAX_ORDER - 1, s[5 + TS_KN_MAX_ORDER - 1], &p);
    CHECK_MSG(grew >= 0 && grew < 32 * 1024, "the build's peak grew by %ld KiB", grew);
    CHECK(p > 0.99);
    free(s);
}

/* a varied stream (30,000 IDs, almost every n-gram above the first order distinct) built
 * at order 12: under 40 bytes per event and order at the peak (32 measured; 57 when every
 * context kept its counts, also those that one n-gram alone follows; 190 when each order
 * held a table of its n-grams and one of its contexts, 48-byte slots at most half full: a
 * million events at order 12 then took over 2 GB) */
static void memory_varied_stream(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { N = 60000, ORDER = 12 };
    int32_t *s = malloc(N * sizeof *s);
    REQUIRE(s);
    uint64_t r = 99;
    for (size_t i = 0; i < N; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        s[i] = (int32_t)((r >> 33) % 30000);
    }
    double p = 0;
    long grew = build_peak_kib(s, N, ORDER, 30000, s + 100, ORDER - 1, s[100 + ORDER - 1], &p);
    double per = (double)grew * 1024 / N / ORDER;
    CHECK_MSG(grew >= 0 && per < 40, "the build's peak grew by %.1f bytes per event and order", per);
    /* the build measured: 60,000 events at order 12 hold more than 10 bytes an event and order */
    CHECK_MSG(per > 10, "the build's peak grew by only %.1f bytes per event and order", per);
    CHECK(p > 0.5);   /* seen once: the raw count */
    free(s);
}

/* a trace's mix, loops of 17 events over 60 IDs with 3 % of them replaced by others, built
 * at order 12: a million events, whose n-grams are few beside the stream (the positions'
 * numbers, 8 bytes an event, are then much of the peak) */
static void memory_loops_with_noise(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { N = 1000000, ORDER = 12 };
    int32_t *s = malloc(N * sizeof *s);
    REQUIRE(s);
    noisy_loops(s, N);
    double p = 0;
    long grew = build_peak_kib(s, N, ORDER, 60, s + 100, ORDER - 1, s[100 + ORDER - 1], &p);
    const double per = (double)grew * 1024 / N;
    /* 25.7 measured; 32.8 when every context kept its counts, 34.8 when the positions'
     * numbers were also held until the last contexts were made */
    CHECK_MSG(grew >= 0 && per < 29, "the build's peak grew by %.1f bytes per event", per);
    CHECK(p > 0.5);
    free(s);
}

static void bad_arguments(void)
{
    int32_t s[] = {0, 1, 2, 5};
    ts_kn *kn = (ts_kn *)1;
    CHECK(ts_kn_build(&kn, s, 4, 0, 6) == -1 && kn == NULL);
    CHECK(ts_kn_build(&kn, s, 4, TS_KN_MAX_ORDER + 1, 6) == -1);
    CHECK(ts_kn_build(&kn, s, 4, 2, 0) == -1);
    CHECK(ts_kn_build(&kn, s, 4, 2, 5) == -1);   /* ID 5 outside [0, 5) */
    CHECK(strstr(ts_error(), "event 3 has ID 5") != NULL);
    REQUIRE(ts_kn_build(&kn, s, 0, 2, 6) == 0);   /* empty: uniform */
    CHECK_NEAR(exp(ts_kn_logprob(kn, s, 2, 1)), 1.0 / 6, 1e-15);
    ts_kn_free(kn);
}

/* a library caller's NULL, discounts outside the orders and count classes, and scoring no
 * windows: errors naming the function (-1, or NaN for a number); they crashed, or gave 0 and
 * order 1 as if measured */
static void null_and_empty_refused(void)
{
    int32_t s[] = {0, 1, 2, 1, 0, 1, 2, 1};
    ts_kn *kn = (ts_kn *)1;
    double p[3];
#define FAILS(call, msg) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
#define NANS(call, msg) do { ts_clear_error(); double v_ = (call); \
    CHECK_MSG(isnan(v_) && strstr(ts_error(), msg), "%s: %g: %s", #call, v_, ts_error()); } while (0)
    FAILS(ts_kn_build(NULL, s, 8, 2, 3), "ts_kn_build: out is NULL");
    FAILS(ts_kn_build(&kn, NULL, 8, 2, 3), "ts_kn_build: s is NULL");
    CHECK(kn == NULL);
    FAILS(ts_kn_set_order(NULL, 1), "ts_kn_set_order: kn is NULL");
    FAILS(ts_kn_order(NULL), "ts_kn_order: kn is NULL");
    FAILS(ts_kn_max_order(NULL), "ts_kn_max_order: kn is NULL");
    NANS(ts_kn_logprob(NULL, s, 1, 0), "ts_kn_logprob: kn is NULL");
    FAILS(ts_kn_dist(NULL, s, 1, p), "ts_kn_dist: kn is NULL");
    NANS(ts_kn_bits(NULL, s, 2, 4), "ts_kn_bits: kn is NULL");
    FAILS(ts_kn_choose_order(NULL, s, 2, 4), "ts_kn_choose_order: kn is NULL");
    NANS(ts_kn_discount(NULL, 1, 1), "ts_kn_discount: kn is NULL");
    REQUIRE(ts_kn_build(&kn, s, 8, 2, 3) == 0);
    NANS(ts_kn_logprob(kn, NULL, 1, 0), "ts_kn_logprob: ctx is NULL");
    FAILS(ts_kn_dist(kn, NULL, 1, p), "ts_kn_dist: ctx is NULL");
    CHECK(isnan(p[0]) && isnan(p[2]));
    FAILS(ts_kn_dist(kn, s, 1, NULL), "ts_kn_dist: p is NULL");
    NANS(ts_kn_bits(kn, NULL, 2, 4), "ts_kn_bits: x is NULL");
    NANS(ts_kn_bits(kn, s, 0, 4), "ts_kn_bits: no windows");
    NANS(ts_kn_bits(kn, s, 2, 0), "ts_kn_bits: no windows");
    CHECK(ts_kn_set_order(kn, 1) == 0);
    FAILS(ts_kn_choose_order(kn, s, 0, 4), "ts_kn_choose_order: no windows");
    FAILS(ts_kn_choose_order(kn, NULL, 2, 4), "ts_kn_choose_order: x is NULL");
    CHECK(ts_kn_order(kn) == 1);   /* left as it was */
    CHECK(ts_kn_set_order(kn, 2) == 0);
    NANS(ts_kn_discount(kn, 0, 1), "order 0 out of range [1, 2]");
    NANS(ts_kn_discount(kn, 3, 1), "order 3 out of range [1, 2]");
    NANS(ts_kn_discount(kn, 1, 0), "count class 0 out of range [1, 3]");
    NANS(ts_kn_discount(kn, 1, 4), "count class 4 out of range [1, 3]");
#undef NANS
#undef FAILS
    /* with their arguments: as before */
    CHECK(ts_kn_dist(kn, s, 1, p) == 0 && fabs(p[0] + p[1] + p[2] - 1) < 1e-12);
    CHECK(ts_kn_dist(kn, NULL, 0, p) == 0 && fabs(p[0] + p[1] + p[2] - 1) < 1e-12);
    CHECK(!isnan(ts_kn_logprob(kn, NULL, 0, 1)));
    double b = ts_kn_bits(kn, s, 2, 4);
    CHECK(b > 0 && b < 2);
    int o = ts_kn_choose_order(kn, s, 2, 4);
    CHECK(o >= 1 && o <= 2 && ts_kn_order(kn) == o && ts_kn_max_order(kn) == 2);
    CHECK(ts_kn_discount(kn, 1, 3) >= 0);
    ts_kn_free(kn);
}

TEST_MAIN("kn", {
    RUN(null_and_empty_refused);
    RUN(matches_oracle);
    RUN(matches_oracle_many_types);
    RUN(lower_orders);
    RUN(short_context_is_lower_build);
    RUN(sums_to_one);
    RUN(sums_to_one_every_order);
    RUN(bits_per_event);
    RUN(bits_threads);
    RUN(ngram_model_bits);
    RUN(memory_varied_stream);
    RUN(memory_loops_with_noise);
    RUN(memory_follows_distinct);
    RUN(bad_arguments);
})
