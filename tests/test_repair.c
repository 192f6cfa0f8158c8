/* Constraints, the validity distances and repair: against brute force on small
 * traces, the file and its malformed forms, and the CLI. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/repair.h"

/* a trace of n events over V types with every channel; values from rng */
static void make_mc(ts_mc *m, size_t n, int V, ts_rng *r, int cycle)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.stream.n = n;
    m->events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m->events.vocab.unk = -1;
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->dt = ts_malloc(n * sizeof *m->dt);
    for (int c = TS_CH_COMM; c < TS_NCH; c++) m->ch[c] = ts_malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        /* cycle: a fixed order 0, 1, ..., V-1 with a type-dependent attribute */
        int32_t v = cycle ? (int32_t)(i % (size_t)V) : (int32_t)ts_rng_below(r, (uint64_t)V);
        m->ch[TS_CH_EVENT][i] = v;
        m->dt[i] = cycle ? (float)v + 0.5f * (float)ts_rng_uniform(r) : 10.0f * (float)ts_rng_uniform(r);
        m->ch[TS_CH_COMM][i] = cycle ? 2 + v % 2 : (int32_t)ts_rng_below(r, 4);
        m->ch[TS_CH_RET][i] = cycle ? 2 + v % 4 : (int32_t)ts_rng_below(r, 6);
        m->ch[TS_CH_TID][i] = cycle ? 10 * v : (int32_t)ts_rng_below(r, 256);
        m->ch[TS_CH_CPU][i] = cycle ? v % 3 : (int32_t)ts_rng_below(r, 4);
    }
    /* vocabularies: comm 4 names, ret 6 numeric values */
    static const char *const comms[] = {"<pad>", "<unk>", "a", "b"};
    static const char *const rets[] = {"<pad>", "<unk>", "0", "1", "2", "100"};
    m->comm_vocab.n = 4;
    m->ret_vocab.n = 6;
    m->comm_vocab.names = ts_malloc(4 * sizeof(char *));
    m->ret_vocab.names = ts_malloc(6 * sizeof(char *));
    for (int i = 0; i < 4; i++) m->comm_vocab.names[i] = ts_strdup(comms[i]);
    for (int i = 0; i < 6; i++) m->ret_vocab.names[i] = ts_strdup(rets[i]);
    m->comm_vocab.unk = m->ret_vocab.unk = 1;
}

static void learn_and_validity(void)
{
    ts_rng r;
    ts_rng_seed(&r, 1);
    ts_mc real, syn;
    make_mc(&real, 400, 5, &r, 1);
    /* ret and cpu cardinalities as a vocabulary would give them */
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 300, &k) == 0);
    CHECK(k.V == 5);
    for (int u = 0; u < 5; u++)
        for (int v = 0; v < 5; v++) CHECK(k.trans[u * 5 + v] == (v == (u + 1) % 5));
    for (int v = 0; v < 5; v++) CHECK(k.dt_lo[v] >= v && k.dt_hi[v] <= v + 0.5f && k.dt_lo[v] <= k.dt_hi[v]);
    /* brute force on a random trace */
    make_mc(&syn, 200, 5, &r, 0);
    ts_validity val;
    ts_constraints_validity(&k, &syn, 0, &val);
    size_t bt = 0, btime = 0, bcpu = 0, battr = 0;
    for (size_t i = 0; i < 200; i++) {
        int32_t v = syn.ch[TS_CH_EVENT][i];
        if (i) bt += syn.ch[TS_CH_EVENT][i - 1] != (v + 4) % 5;
        btime += !(syn.dt[i] >= k.dt_lo[v] && syn.dt[i] <= k.dt_hi[v]);
        bcpu += syn.ch[TS_CH_CPU][i] != v % 3;
        battr += syn.ch[TS_CH_COMM][i] != 2 + v % 2 || syn.ch[TS_CH_RET][i] != 2 + v % 4 || syn.ch[TS_CH_TID][i] != 10 * v;
    }
    CHECK_NEAR(val.d_trans, bt / 199.0, 1e-12);
    CHECK_NEAR(val.d_time, btime / 200.0, 1e-12);
    CHECK_NEAR(val.d_cpu, bcpu / 200.0, 1e-12);
    CHECK_NEAR(val.d_attr, battr / 200.0, 1e-12);
    CHECK(val.d_trans > 0.5 && val.d_attr > 0.5);
    /* windows: pairs across a boundary do not count */
    ts_constraints_validity(&k, &syn, 10, &val);
    CHECK(val.pairs == 20 * 9);
    /* the real test part breaks nothing */
    ts_constraints_validity(&k, &real, 0, &val);
    CHECK(val.d_trans == 0 && val.d_cpu == 0 && val.d_attr == 0);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

/* the fewest substitutions that make x a walk of the graph, by enumerating every sequence */
static size_t brute_min_edits(const ts_constraints *k, const int32_t *x, size_t T)
{
    size_t best = SIZE_MAX, total = 1;
    for (size_t t = 0; t < T; t++) total *= (size_t)k->V;
    int32_t y[8];
    for (size_t code = 0; code < total; code++) {
        size_t c = code, d = 0;
        int ok = 1;
        for (size_t t = 0; t < T; t++) {
            y[t] = (int32_t)(c % (size_t)k->V);
            c /= (size_t)k->V;
            d += y[t] != x[t];
            ok &= k->seen[y[t]] && (t == 0 || k->trans[y[t - 1] * k->V + y[t]]);
        }
        if (ok && d < best) best = d;
    }
    return best;
}

static void repair_is_minimal(void)
{
    ts_rng r;
    ts_rng_seed(&r, 2);
    for (int trial = 0; trial < 30; trial++) {
        /* a random graph over 4 types (each with a successor), a random trace of 6 */
        ts_constraints k;
        memset(&k, 0, sizeof k);
        k.V = 4;
        k.card[TS_CH_EVENT] = 4;
        k.trans = ts_calloc(16, 1);
        k.seen = ts_malloc(4);
        memset(k.seen, 1, 4);
        for (int u = 0; u < 4; u++) {
            k.trans[u * 4 + ts_rng_below(&r, 4)] = 1;
            for (int v = 0; v < 4; v++) if (ts_rng_below(&r, 3) == 0) k.trans[u * 4 + v] = 1;
        }
        ts_mc m;
        memset(&m, 0, sizeof m);
        m.n = 6;
        m.events.stream.n = 6;
        m.events.stream.ids = ts_malloc(6 * sizeof(int32_t));
        m.ch[TS_CH_EVENT] = m.events.stream.ids;
        int32_t x[6];
        for (int i = 0; i < 6; i++) x[i] = m.ch[TS_CH_EVENT][i] = (int32_t)ts_rng_below(&r, 4);
        ts_repair_report rep;
        REQUIRE(ts_repair(&k, &m, 0, &rep) == 0);
        CHECK_MSG(rep.changed[TS_CH_EVENT] == brute_min_edits(&k, x, 6), "trial %d: %zu changes, minimum %zu", trial,
                  rep.changed[TS_CH_EVENT], brute_min_edits(&k, x, 6));
        size_t d = 0;
        for (int i = 0; i < 6; i++) d += m.ch[TS_CH_EVENT][i] != x[i];
        CHECK(d == rep.changed[TS_CH_EVENT]);
        ts_validity val;
        ts_constraints_validity(&k, &m, 0, &val);
        CHECK(val.d_trans == 0);
        ts_mc_free(&m);
        ts_constraints_free(&k);
    }
}

static void repair_channels(void)
{
    ts_rng r;
    ts_rng_seed(&r, 3);
    ts_mc real, syn;
    make_mc(&real, 400, 5, &r, 1);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    make_mc(&syn, 300, 5, &r, 0);
    syn.ch[TS_CH_EVENT][7] = 9;            /* a type the constraints never saw */
    syn.ch[TS_CH_CPU][8] = 70;             /* a CPU beyond any seen */
    ts_repair_report rep;
    REQUIRE(ts_repair(&k, &syn, 0, &rep) == 0);
    ts_validity val;
    ts_constraints_validity(&k, &syn, 0, &val);
    CHECK(val.d_trans == 0 && val.d_time == 0 && val.d_cpu == 0 && val.d_attr == 0);
    CHECK(rep.events == 300 && rep.events_touched > 0 && rep.events_touched <= 300);
    /* a trace that already obeys (the real one itself): nothing changes */
    ts_mc ok;
    ts_rng_seed(&r, 3);
    make_mc(&ok, 400, 5, &r, 1);
    REQUIRE(ts_repair(&k, &ok, 0, &rep) == 0);
    CHECK(rep.events_touched == 0);
    /* dt clamps to the bound; a tid becomes the nearest allowed */
    ok.dt[1] = 99.0f;                      /* type 1: clamps to its max */
    ok.ch[TS_CH_TID][1] = 13;              /* type 1 has tid 10 only */
    REQUIRE(ts_repair(&k, &ok, 0, &rep) == 0);
    CHECK(ok.dt[1] == k.dt_hi[1] && ok.ch[TS_CH_TID][1] == 10);
    CHECK(rep.events_touched == 1 && rep.changed[TS_CH_DT] == 1 && rep.changed[TS_CH_TID] == 1);
    ts_mc_free(&ok);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

static void file_round_trip(void)
{
    ts_rng r;
    ts_rng_seed(&r, 4);
    ts_mc real;
    make_mc(&real, 200, 5, &r, 1);
    ts_constraints k, b;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    const char *dir = scratch_dir();
    char p[512];
    snprintf(p, sizeof p, "%s/c.tsc", dir);
    REQUIRE(ts_constraints_save(&k, p) == 0);
    REQUIRE(ts_constraints_load(p, &b) == 0);
    CHECK(b.V == k.V && memcmp(b.card, k.card, sizeof k.card) == 0);
    CHECK(memcmp(b.trans, k.trans, 25) == 0 && memcmp(b.dt_lo, k.dt_lo, 5 * sizeof(float)) == 0);
    CHECK(b.comm.n == 4 && b.ret.n == 6 && !strcmp(b.ret.names[5], "100") && b.ret.unk == 1 && b.events.n == 0);
    for (int c = TS_CH_COMM; c < TS_NCH; c++)
        CHECK(memcmp(b.cnt[c], k.cnt[c], 5 * (size_t)k.card[c] * 4) == 0);
    ts_constraints_free(&b);
    /* a model file is not a constraints file; a corrupt one is refused */
    write_text(p, "not a container");
    CHECK(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "not a tracesynth"));
    CHECK(ts_constraints_load("tests/fixtures/models/ngram.tsm", &b) != 0 && strstr(ts_error(), "not a constraints file"));
    remove(p);
    rmdir(dir);
    ts_constraints_free(&k);
    ts_mc_free(&real);
}

static void cli(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/c.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* the repaired trace obeys: constraints of the whole trace, repair, check again */
    snprintf(cmd, sizeof cmd, "constraints %s/ds --fractions 0.98,0.01,0.01 -o %s/c.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/c.tsc -o %s/rep --json > %s/out.json", dir, dir, dir, dir);
    char full[1200];
    const char *bin = getenv("TRACESYNTH");
    snprintf(full, sizeof full, "%s %s", bin ? bin : "build/tracesynth", cmd);
    REQUIRE(system(full) == 0);
    char p[512];
    snprintf(p, sizeof p, "%s/out.json", dir);
    FILE *f = fopen(p, "r");
    char buf[2048] = "";
    if (f) { size_t got = fread(buf, 1, sizeof buf - 1, f); buf[got] = 0; fclose(f); }
    CHECK_MSG(strstr(buf, "\"after\": {\"d_trans\": 0.000000, \"d_time\": 0.000000, \"d_cpu\": null, \"d_attr\": 0.000000}"), "%s", buf);
    snprintf(p, sizeof p, "%s/rep", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(p, &m) == 0);
    CHECK(m.n == 22872);
    ts_mc_free(&m);
    /* eval: the repaired trace against the real one, in JSON */
    snprintf(full, sizeof full, "%s eval --real %s/ds --synthetic %s/rep --constraints %s/c.tsc --json > %s/ev.json",
             bin ? bin : "build/tracesynth", dir, dir, dir, dir);
    REQUIRE(system(full) == 0);
    snprintf(p, sizeof p, "%s/ev.json", dir);
    f = fopen(p, "r");
    buf[0] = 0;
    if (f) { size_t got = fread(buf, 1, sizeof buf - 1, f); buf[got] = 0; fclose(f); }
    CHECK_MSG(strstr(buf, "\"validity\": {\"d_trans\": 0.000000, \"d_time\": 0.000000, \"d_cpu\": null, \"d_attr\": 0.000000}")
              && strstr(buf, "\"js\": {\"event\": ") && strstr(buf, "\"cpu\": null"), "%s", buf);
    /* the real trace's test part: its last 20 % */
    snprintf(full, sizeof full, "%s eval --real %s/ds --real-part test --synthetic %s/rep --json > %s/ev.json",
             bin ? bin : "build/tracesynth", dir, dir, dir);
    REQUIRE(system(full) == 0);
    f = fopen(p, "r");
    buf[0] = 0;
    if (f) { size_t got = fread(buf, 1, sizeof buf - 1, f); buf[got] = 0; fclose(f); }
    char want[128];
    snprintf(want, sizeof want, "\"real_part\": \"test\", \"real_events\": %zu,", 22872 - (size_t)(22872 * 0.8));
    CHECK_MSG(strstr(buf, want), "%s", buf);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds/stream.txt --real-part test --synthetic %s/ds/stream.txt", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--real-part applies to multi-channel"));
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/ds/stream.txt -o %s/x", dir, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "not a tracesynth"));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the Markov baseline: in the constraints of its training part by construction, seeded */
static void markov_baseline(void)
{
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_mc real, a, b;
    make_mc(&real, 500, 5, &r, 0);
    REQUIRE(ts_mc_markov(&real, 400, 2, 300, 9, &a) == 0);
    REQUIRE(ts_mc_markov(&real, 400, 2, 300, 9, &b) == 0);
    CHECK(a.n == 300 && a.dt && a.ch[TS_CH_CPU] && a.comm_vocab.n == 4 && a.ret_vocab.n == 6);
    for (int c = 0; c < TS_NCH; c++)
        if (c != TS_CH_DT) CHECK(memcmp(a.ch[c], b.ch[c], 300 * sizeof(int32_t)) == 0);
    CHECK(memcmp(a.dt, b.dt, 300 * sizeof(float)) == 0);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 400, &k) == 0);
    ts_validity v;
    ts_constraints_validity(&k, &a, 0, &v);
    CHECK(v.d_trans == 0 && v.d_time == 0 && v.d_cpu == 0 && v.d_attr == 0);
    /* another seed, another trace */
    ts_mc_free(&b);
    REQUIRE(ts_mc_markov(&real, 400, 2, 300, 10, &b) == 0);
    CHECK(memcmp(a.ch[TS_CH_EVENT], b.ch[TS_CH_EVENT], 300 * sizeof(int32_t)) != 0);
    ts_constraints_free(&k);
    ts_mc_free(&a);
    ts_mc_free(&b);
    ts_mc_free(&real);
    CHECK(ts_mc_markov(&real, 0, 2, 10, 1, &a) != 0);   /* freed: no events left */
}

TEST_MAIN("repair", {
    RUN(markov_baseline);
    RUN(learn_and_validity);
    RUN(repair_is_minimal);
    RUN(repair_channels);
    RUN(file_round_trip);
    RUN(cli);
})
