/* Constraints, the validity distances and repair: against brute force on small
 * traces, the file and its malformed forms, and the CLI. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/repair.h"
#include "tracesynth/gaps.h"   /* ts_ctf_scan: reads the CTF output back */

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
    /* windows of one event have no pair: D_trans is not measured (-1), not 0 */
    ts_constraints_validity(&k, &syn, 1, &val);
    CHECK(val.pairs == 0 && val.d_trans == -1 && val.d_attr > 0.5);
    /* the real test part breaks nothing */
    ts_constraints_validity(&k, &real, 0, &val);
    CHECK(val.d_trans == 0 && val.d_cpu == 0 && val.d_attr == 0);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

/* the validity distances against their definitions (PROTOCOLS.md §3) on random small
 * traces: types and values the constraints never saw, windows of one event, a trace of
 * one type */
/* a trace with a type or a value outside its channel's range is refused naming the event,
 * the value and the range (the range was read from the tables after they were emptied: [0, 0)) */
static void learn_refuses_out_of_range(void)
{
    ts_rng r;
    ts_rng_seed(&r, 1);
    ts_mc m;
    make_mc(&m, 20, 3, &r, 1);
    ts_constraints k;
    m.ch[TS_CH_EVENT][5] = -1;
    CHECK_MSG(ts_constraints_learn(&m, 0, &k) == -1 && strstr(ts_error(), "event 5: type -1 outside [0, 3)"), "%s",
              ts_error());
    m.ch[TS_CH_EVENT][5] = 2;
    m.ch[TS_CH_COMM][4] = 9;
    CHECK_MSG(ts_constraints_learn(&m, 0, &k) == -1 && strstr(ts_error(), "event 4: comm value 9 outside [0, 4)"),
              "%s", ts_error());
    ts_mc_free(&m);
}

static void validity_matches_definitions(void)
{
    ts_rng r;
    ts_rng_seed(&r, 12);
    for (int trial = 0; trial < 300; trial++) {
        ts_mc real, syn;
        make_mc(&real, 1 + ts_rng_below(&r, 12), 3, &r, trial % 9 == 4);
        ts_constraints k;
        REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
        size_t L = ts_rng_below(&r, 3), n = (1 + ts_rng_below(&r, 6)) * (L ? L : 4);
        make_mc(&syn, n, 5, &r, 0);   /* types 3 and 4: never seen */
        for (size_t i = 0; i < n; i++)
            if (ts_rng_below(&r, 2)) {   /* the channels of a real event, often */
                size_t j = ts_rng_below(&r, real.n);
                syn.dt[i] = real.dt[j];
                for (int c = TS_CH_COMM; c < TS_NCH; c++) syn.ch[c][i] = real.ch[c][j];
                if (ts_rng_below(&r, 2)) syn.ch[TS_CH_EVENT][i] = real.ch[TS_CH_EVENT][j];
            }
        size_t pairs = 0, bt = 0, btime = 0, bcpu = 0, battr = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t v = syn.ch[TS_CH_EVENT][i];
            /* what the real training events show for type v */
            int seen = 0, pair = 0, cpu = 0, comm = 0, ret = 0, tid = 0;
            float lo = INFINITY, hi = -INFINITY;
            for (size_t j = 0; j < real.n; j++) {
                if (real.ch[TS_CH_EVENT][j] != v) continue;
                seen = 1;
                const int time = j > 0 || real.dt[0] != 0;   /* the first event's dt of 0 is no time */
                if (time && real.dt[j] < lo) lo = real.dt[j];
                if (time && real.dt[j] > hi) hi = real.dt[j];
                cpu |= real.ch[TS_CH_CPU][j] == syn.ch[TS_CH_CPU][i];
                comm |= real.ch[TS_CH_COMM][j] == syn.ch[TS_CH_COMM][i];
                ret |= real.ch[TS_CH_RET][j] == syn.ch[TS_CH_RET][i];
                tid |= real.ch[TS_CH_TID][j] == syn.ch[TS_CH_TID][i];
                pair |= j > 0 && i > 0 && real.ch[TS_CH_EVENT][j - 1] == syn.ch[TS_CH_EVENT][i - 1];
            }
            if (seen && lo > hi) lo = hi = real.dt[0];   /* ... unless the type has no other */
            if (i > 0 && (!L || i % L)) pairs++, bt += !pair;
            btime += !(i == 0 && syn.dt[0] == 0) && !(seen && syn.dt[i] >= lo && syn.dt[i] <= hi);   /* no time */
            bcpu += !cpu;
            battr += !(comm && ret && tid);
        }
        ts_validity val;
        REQUIRE(ts_constraints_validity(&k, &syn, L, &val) == 0);
        CHECK_MSG(val.pairs == pairs && val.events == n, "trial %d: %zu pairs, %zu", trial, val.pairs, pairs);
        CHECK_MSG(pairs ? val.d_trans == (double)bt / (double)pairs : val.d_trans == -1, "trial %d: D_trans %g, %zu of %zu",
                  trial, val.d_trans, bt, pairs);
        CHECK_MSG(val.d_time == (double)btime / (double)n && val.d_cpu == (double)bcpu / (double)n &&
                  val.d_attr == (double)battr / (double)n, "trial %d: D_time %g %zu, D_cpu %g %zu, D_attr %g %zu of %zu",
                  trial, val.d_time, btime, val.d_cpu, bcpu, val.d_attr, battr, n);
        ts_mc_free(&syn);
        ts_mc_free(&real);
        ts_constraints_free(&k);
    }
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
        REQUIRE(ts_repair(&k, &m, 0, NULL, &rep) == 0);
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

/* whether event i of x (its channels other than event) obeys type v's constraints */
static int attrs_ok(const ts_constraints *k, const ts_mc *x, size_t i, int32_t v)
{
    if (v < 0 || v >= k->V || !k->seen[v]) return 0;
    if (k->card[TS_CH_DT] && x->dt && !(i == 0 && x->dt[0] == 0) && !(x->dt[i] >= k->dt_lo[v] && x->dt[i] <= k->dt_hi[v]))
        return 0;   /* (the first event's dt of 0: no time) */
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!k->card[c] || !x->ch[c]) continue;
        int32_t a = x->ch[c][i];
        if (a < 0 || a >= k->card[c] || !k->cnt[c][(size_t)v * k->card[c] + a]) return 0;
    }
    return 1;
}

/* every walk of T events of the graph (windows of len: no pair across a boundary): the
 * fewest events replaced, and among those walks the fewest events with any channel to
 * change (the event, or another channel its type does not allow) */
static void brute_repair(const ts_constraints *k, const ts_mc *x, size_t T, size_t len, size_t *repl, size_t *touched)
{
    size_t total = 1;
    for (size_t t = 0; t < T; t++) total *= (size_t)k->V;
    *repl = *touched = SIZE_MAX;
    int32_t y[8];
    for (size_t code = 0; code < total; code++) {
        size_t c = code, d = 0, tc = 0;
        int ok = 1;
        for (size_t t = 0; t < T && ok; t++) {
            y[t] = (int32_t)(c % (size_t)k->V);
            c /= (size_t)k->V;
            d += y[t] != x->ch[TS_CH_EVENT][t];
            tc += y[t] != x->ch[TS_CH_EVENT][t] || !attrs_ok(k, x, t, y[t]);
            ok &= k->seen[y[t]] && (t == 0 || (len && t % len == 0) || k->trans[y[t - 1] * k->V + y[t]]);
        }
        if (ok && (d < *repl || (d == *repl && tc < *touched))) *repl = d, *touched = tc;
    }
}

/* repair against enumeration on tiny traces with every channel: as few events replaced as
 * any walk, and among such walks as few events changed in any channel; after it every
 * distance is 0 */
static void repair_matches_enumeration(void)
{
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (int trial = 0; trial < 400; trial++) {
        int V = 2 + (int)ts_rng_below(&r, 3);
        ts_mc real, syn;
        make_mc(&real, 6 + ts_rng_below(&r, 10), V, &r, 0);
        /* few values, so that types share some */
        for (size_t i = 0; i < real.n; i++) {
            real.ch[TS_CH_CPU][i] = (int32_t)ts_rng_below(&r, 3);
            real.ch[TS_CH_TID][i] = (int32_t)ts_rng_below(&r, 3);
            real.ch[TS_CH_COMM][i] = 2 + (int32_t)ts_rng_below(&r, 2);
            real.ch[TS_CH_RET][i] = 2 + (int32_t)ts_rng_below(&r, 3);
            real.dt[i] = (float)ts_rng_below(&r, 4);
        }
        ts_constraints k;
        REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
        size_t T = 3 + ts_rng_below(&r, 4), len = ts_rng_below(&r, 2) ? 0 : 3;
        if (len) T = 6;
        make_mc(&syn, T, V, &r, 0);
        for (size_t i = 0; i < T; i++) {   /* the channels of a real event, mostly */
            size_t j = ts_rng_below(&r, real.n);
            syn.dt[i] = ts_rng_below(&r, 4) ? real.dt[j] : 5.0f;
            for (int c = TS_CH_COMM; c < TS_NCH; c++) syn.ch[c][i] = real.ch[c][j];
        }
        size_t repl, touched;
        brute_repair(&k, &syn, T, len, &repl, &touched);
        ts_repair_report rep;
        int rc = ts_repair(&k, &syn, len, NULL, &rep);
        if (repl == SIZE_MAX) {
            CHECK_MSG(rc != 0 && strstr(ts_error(), "has no walk"), "trial %d: %s", trial, rc ? ts_error() : "repaired");
        } else {
            REQUIRE(rc == 0);
            CHECK_MSG(rep.changed[TS_CH_EVENT] == repl, "trial %d: %zu events replaced, minimum %zu", trial,
                      rep.changed[TS_CH_EVENT], repl);
            CHECK_MSG(rep.events_touched == touched, "trial %d: %zu events changed, minimum %zu", trial,
                      rep.events_touched, touched);
            ts_validity val;
            ts_constraints_validity(&k, &syn, len, &val);
            CHECK_MSG((val.d_trans == 0 || (val.d_trans == -1 && val.pairs == 0)) && val.d_time == 0 && val.d_cpu == 0 &&
                      val.d_attr == 0, "trial %d: %g %g %g %g", trial, val.d_trans, val.d_time, val.d_cpu, val.d_attr);
        }
        ts_mc_free(&syn);
        ts_mc_free(&real);
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
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    ts_validity val;
    ts_constraints_validity(&k, &syn, 0, &val);
    CHECK(val.d_trans == 0 && val.d_time == 0 && val.d_cpu == 0 && val.d_attr == 0);
    CHECK(rep.events == 300 && rep.events_touched > 0 && rep.events_touched <= 300);
    /* a trace that already obeys (the real one itself): nothing changes */
    ts_mc ok;
    ts_rng_seed(&r, 3);
    make_mc(&ok, 400, 5, &r, 1);
    REQUIRE(ts_repair(&k, &ok, 0, NULL, &rep) == 0);
    CHECK(rep.events_touched == 0);
    /* dt clamps to the bound; a tid becomes the nearest allowed */
    ok.dt[1] = 99.0f;                      /* type 1: clamps to its max */
    ok.ch[TS_CH_TID][1] = 13;              /* type 1 has tid 10 only */
    REQUIRE(ts_repair(&k, &ok, 0, NULL, &rep) == 0);
    CHECK(ok.dt[1] == k.dt_hi[1] && ok.ch[TS_CH_TID][1] == 10);
    CHECK(rep.events_touched == 1 && rep.changed[TS_CH_DT] == 1 && rep.changed[TS_CH_TID] == 1);
    /* a CPU past every learned one goes to the nearest allowed (type 0 on CPUs 0 and 2:
     * 2), and a clock that no longer matches the repaired trace is dropped */
    k.cnt[TS_CH_CPU][0 * (size_t)k.card[TS_CH_CPU] + 2] = 1;
    ok.ch[TS_CH_CPU][0] = 9;
    ok.events.time_ns = ts_calloc(ok.n, sizeof *ok.events.time_ns);
    REQUIRE(ts_repair(&k, &ok, 0, NULL, &rep) == 0);
    CHECK_MSG(ok.ch[TS_CH_CPU][0] == 2, "CPU %d", ok.ch[TS_CH_CPU][0]);
    CHECK(ok.events.time_ns == NULL);
    /* events with names against constraints without (and back): no IDs are matched */
    ok.events.vocab.n = 5;
    ok.events.vocab.names = ts_malloc(5 * sizeof(char *));
    for (int v = 0; v < 5; v++) ok.events.vocab.names[v] = ts_strdup((const char *[]){"a", "b", "c", "d", "e"}[v]);
    CHECK_MSG(ts_repair(&k, &ok, 0, "syn", &rep) != 0 && strstr(ts_error(), "syn: its event types have names, the constraints' have none"),
              "%s", ts_error());
    ts_constraints k2;
    REQUIRE(ts_constraints_learn(&ok, 0, &k2) == 0);
    CHECK_MSG(ts_repair(&k2, &syn, 0, "syn", &rep) != 0 && strstr(ts_error(), "syn: its event types have no names"),
              "%s", ts_error());
    ts_constraints_free(&k2);
    /* the nearest return value when the distances pass 2^63: 0 is nearer to -7 x 2^60 than
     * 7 x 2^60 is (a difference in long long wrapped around and chose the far one) */
    {
        static const char *const rets[] = {"<pad>", "<unk>", "-8070450532247928832", "8070450532247928832", "0"};
        ts_mc t[2];
        for (int j = 0; j < 2; j++) {
            size_t n = j ? 1 : 2;
            memset(&t[j], 0, sizeof t[j]);
            t[j].n = n;
            t[j].events.stream.n = n;
            t[j].events.stream.ids = ts_calloc(n, sizeof(int32_t));
            t[j].events.vocab.unk = -1;
            t[j].ch[TS_CH_EVENT] = t[j].events.stream.ids;
            t[j].ch[TS_CH_RET] = ts_malloc(n * sizeof(int32_t));
            t[j].ret_vocab.n = 5;
            t[j].ret_vocab.unk = 1;
            t[j].ret_vocab.names = ts_malloc(5 * sizeof(char *));
            for (int i = 0; i < 5; i++) t[j].ret_vocab.names[i] = ts_strdup(rets[i]);
        }
        t[0].ch[TS_CH_RET][0] = 3;   /* learned: 7 x 2^60 and 0 */
        t[0].ch[TS_CH_RET][1] = 4;
        t[1].ch[TS_CH_RET][0] = 2;   /* repaired: -7 x 2^60 */
        ts_constraints k3;
        REQUIRE(ts_constraints_learn(&t[0], 0, &k3) == 0);
        REQUIRE(ts_repair(&k3, &t[1], 0, NULL, &rep) == 0);
        CHECK_MSG(t[1].ch[TS_CH_RET][0] == 4, "ret '%s'", t[1].ret_vocab.names[t[1].ch[TS_CH_RET][0]]);
        ts_constraints_free(&k3);
        ts_mc_free(&t[0]);
        ts_mc_free(&t[1]);
    }
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
    /* tables repair cannot take from (a hand-made or damaged file with a valid checksum):
     * refused on loading, naming the section */
    float lo = k.dt_lo[2];
    k.dt_lo[2] = NAN;
    REQUIRE(ts_constraints_save(&k, p) == 0);
    CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "c.tsc: sections 'DT_LO', 'DT_HI': type 2"), "%s",
              ts_error());
    k.dt_lo[2] = lo;
    k.seen[4] = 0;   /* 3 -> 4 and 4 -> 0 stay */
    REQUIRE(ts_constraints_save(&k, p) == 0);
    CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "c.tsc: section 'TRANS': a transition 3 -> 4"), "%s",
              ts_error());
    k.seen[4] = 1;
    uint32_t row[256];
    memcpy(row, k.cnt[TS_CH_TID] + 256, sizeof row);
    memset(k.cnt[TS_CH_TID] + 256, 0, sizeof row);
    REQUIRE(ts_constraints_save(&k, p) == 0);
    CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "c.tsc: section 'CNT_tid': type 1 is seen but has no tid"),
              "%s", ts_error());
    memcpy(k.cnt[TS_CH_TID] + 256, row, sizeof row);
    REQUIRE(ts_constraints_save(&k, p) == 0);
    REQUIRE(ts_constraints_load(p, &b) == 0);
    ts_constraints_free(&b);
    /* names a vocabulary cannot hold (a file edited by hand, its checksum made again): a
     * name twice would match a trace's values by name to one of the two IDs, an empty one
     * fails only as repair writes its output, after the work; refused on loading, naming
     * the section and the name, as a model file's vocabulary is */
    {
        char *was = k.comm.names[3];
        k.comm.names[3] = ts_strdup(k.comm.names[2]);
        REQUIRE(ts_constraints_save(&k, p) == 0);
        CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "c.tsc: section 'V_COMM': name 3, '") &&
                      strstr(ts_error(), "', is name 2 too"),
                  "%s", ts_error());
        free(k.comm.names[3]);
        k.comm.names[3] = ts_strdup("");
        REQUIRE(ts_constraints_save(&k, p) == 0);
        CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "c.tsc: section 'V_COMM': name 3 is empty"),
                  "%s", ts_error());
        free(k.comm.names[3]);
        k.comm.names[3] = was;
        /* IDs 0 and 1 are no value and one outside the vocabulary, as a dataset's: other
         * names there were taken and written into repair's output, which no command reads */
        for (int id = 0; id < 2; id++) {
            char *res = k.ret.names[id];
            k.ret.names[id] = ts_strdup("foo");
            REQUIRE(ts_constraints_save(&k, p) == 0);
            char want[96];
            snprintf(want, sizeof want, "c.tsc: section 'V_RET': name %d is 'foo', not the reserved '%s'", id,
                     id ? "<unk>" : "<pad>");
            CHECK_MSG(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), want), "%s", ts_error());
            free(k.ret.names[id]);
            k.ret.names[id] = res;
        }
        static const char *const ev[] = {"read", "write", "open", "close", "write"};
        k.events.n = 5;
        k.events.unk = -1;
        k.events.names = ts_malloc(5 * sizeof(char *));
        for (int v = 0; v < 5; v++) k.events.names[v] = ts_strdup(ev[v]);
        REQUIRE(ts_constraints_save(&k, p) == 0);
        CHECK_MSG(ts_constraints_load(p, &b) != 0 &&
                      strstr(ts_error(), "c.tsc: section 'V_EVENT': name 4, 'write', is name 1 too"),
                  "%s", ts_error());
        free(k.events.names[4]);
        k.events.names[4] = ts_strdup("stat");
        REQUIRE(ts_constraints_save(&k, p) == 0);
        CHECK_MSG(ts_constraints_load(p, &b) == 0 && b.events.n == 5 && !strcmp(b.events.names[4], "stat"), "%s",
                  ts_error());
        ts_constraints_free(&b);
        ts_vocab_free(&k.events);
        k.events.unk = -1;
        REQUIRE(ts_constraints_save(&k, p) == 0);
    }
    /* a comm vocabulary of more than 2^20 names (one a process): learned, saved, read back */
    {
        ts_mc big;
        memset(&big, 0, sizeof big);
        big.n = 1;
        big.events.stream.n = 1;
        big.events.stream.ids = ts_calloc(1, sizeof(int32_t));
        big.events.vocab.unk = -1;
        big.ch[TS_CH_EVENT] = big.events.stream.ids;
        big.ch[TS_CH_COMM] = ts_malloc(sizeof(int32_t));
        big.ch[TS_CH_COMM][0] = 2;
        const int nc = (1 << 20) + 3;
        big.comm_vocab.n = nc;
        big.comm_vocab.unk = 1;
        big.comm_vocab.names = ts_malloc((size_t)nc * sizeof(char *));
        big.comm_vocab.names[0] = ts_strdup("<pad>");
        big.comm_vocab.names[1] = ts_strdup("<unk>");
        for (int i = 2; i < nc; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "p%d", i);
            big.comm_vocab.names[i] = ts_strdup(nm);
        }
        ts_constraints kb;
        REQUIRE(ts_constraints_learn(&big, 0, &kb) == 0);
        REQUIRE(ts_constraints_save(&kb, p) == 0);
        CHECK_MSG(ts_constraints_load(p, &b) == 0 && b.card[TS_CH_COMM] == nc && b.comm.n == nc, "%s", ts_error());
        ts_constraints_free(&b);
        ts_constraints_free(&kb);
        ts_mc_free(&big);
    }
    /* a model file is not a constraints file; a corrupt one is refused */
    write_text(p, "not a container");
    CHECK(ts_constraints_load(p, &b) != 0 && strstr(ts_error(), "not a constraints file"));
    CHECK(ts_constraints_load("tests/fixtures/models/ngram.tsm", &b) != 0 && strstr(ts_error(), "not a constraints file"));
    remove(p);
    rmdir(dir);
    ts_constraints_free(&k);
    ts_mc_free(&real);
}

/* a sequence too long to repair at once (the walk's back pointers, one per event and
 * type, would take more than 1 GiB) is refused with the advice, before any allocation */
/* which events are exits or no system call (events.exit, exit.npy) after repair changes
 * an event's type: the mark its new type has throughout the trace, else none is known */
static void repair_exit_marks(void)
{
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_mc real, syn;
    make_mc(&real, 400, 5, &r, 1);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    ts_rng_seed(&r, 5);
    make_mc(&syn, 100, 5, &r, 1);
    /* type 0 is no system call everywhere (a sched_switch), type 1 a call's entry and exit */
    syn.events.exit = ts_malloc(syn.n);
    for (size_t i = 0; i < syn.n; i++)
        syn.events.exit[i] = i % 5 == 0 ? TS_EVENT_OTHER : i % 5 == 1 ? (uint8_t)(i / 5 % 2) : TS_EVENT_CALL;
    syn.ch[TS_CH_EVENT][5] = 3;   /* a call of type 3 that the walk makes a 0 again */
    syn.events.exit[5] = TS_EVENT_CALL;
    ts_repair_report rep;
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    REQUIRE(syn.ch[TS_CH_EVENT][5] == 0);
    CHECK_MSG(syn.events.exit && syn.events.exit[5] == TS_EVENT_OTHER, "mark %d", syn.events.exit ? syn.events.exit[5] : -1);
    CHECK(syn.events.exit && syn.events.exit[10] == TS_EVENT_OTHER && syn.events.exit[6] == TS_EVENT_EXIT &&
          syn.events.exit[11] == TS_EVENT_CALL);
    /* an event made a 1: an entry or an exit, which nothing tells: no marks */
    syn.ch[TS_CH_EVENT][16] = 3;
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    REQUIRE(syn.ch[TS_CH_EVENT][16] == 1);
    CHECK(syn.events.exit == NULL);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

static void repair_too_long_refused(void)
{
    ts_rng r;
    ts_rng_seed(&r, 3);
    ts_mc m;
    make_mc(&m, 70000, 4096, &r, 1);   /* 70,000 x 4,096 = 2.9e8 back pointers */
    for (size_t i = 0; i < m.n; i++) m.ch[TS_CH_TID][i] %= 256;
    ts_constraints k;
    CHECK_MSG(ts_constraints_learn(&m, 0, &k) == 0, "%s", ts_error());
    if (t_failed_now) { ts_mc_free(&m); return; }
    ts_repair_report rep;
    CHECK_MSG(ts_repair(&k, &m, 0, "syn", &rep) != 0 && strstr(ts_error(), "too long to repair at once"), "%s",
              ts_error());
    /* in windows of 4,096 it is repaired (nothing to change: the real trace itself) */
    CHECK_MSG(ts_repair(&k, &m, 4096, "syn", &rep) == 0, "%s", ts_error());
    ts_constraints_free(&k);
    ts_mc_free(&m);
}

/* a file whose comm or ret values have no names (the section V_COMM or V_RET missing,
 * where CONFIG gives the channel): its IDs would be read in the trace's numbering, which
 * another dataset's is not; refused, naming the file and the section */
static void constraints_without_value_names(void)
{
    ts_rng r;
    ts_rng_seed(&r, 13);
    ts_mc real;
    make_mc(&real, 50, 3, &r, 1);
    ts_constraints k, b;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512];
    snprintf(p, sizeof p, "%s/c.tsc", dir);
    ts_vocab *voc[2] = {&k.comm, &k.ret};
    static const char *const tag[2] = {"V_COMM", "V_RET"};
    for (int j = 0; j < 2; j++) {
        ts_vocab keep = *voc[j];
        voc[j]->n = 0;   /* saved without the section */
        REQUIRE(ts_constraints_save(&k, p) == 0);
        *voc[j] = keep;
        char want[64];
        snprintf(want, sizeof want, "c.tsc: no section '%s'", tag[j]);
        int rc = ts_constraints_load(p, &b);
        CHECK_MSG(rc != 0 && strstr(ts_error(), want), "%s: %s", tag[j], rc ? ts_error() : "loaded");
        if (rc == 0) ts_constraints_free(&b);
    }
    remove(p);
    ts_constraints_free(&k);
    ts_mc_free(&real);
}

/* a file given as --constraints that is not one says so, what it is when the container
 * names it, and where constraints come from (a model was "not a tracesynth model or
 * checkpoint file" when it was not a container) */
static void not_a_constraints_file(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    const char *kinds[][2] = {{"tests/fixtures/models/ngram.tsm", "ngram.tsm: a model file (ngram), not a constraints file"},
                              {"tests/fixtures/models/mdm-mc.tsm",
                               "mdm-mc.tsm: a multi-channel model file (mdm-mc), not a constraints file"},
                              {"DS/stream.txt", "stream.txt: not a constraints file"}};
    for (int i = 0; i < 3; i++) {
        char path[512];
        if (!strncmp(kinds[i][0], "DS/", 3)) snprintf(path, sizeof path, "%s/ds/%s", dir, kinds[i][0] + 3);
        else snprintf(path, sizeof path, "%s", kinds[i][0]);
        snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s -o %s/x", dir, path, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, kinds[i][1]) &&
                  strstr(err, "'tracesynth constraints DATASET -o FILE' writes one") && !strstr(err, "model or checkpoint"),
                  "%s: %s", kinds[i][0], err);
        snprintf(cmd, sizeof cmd, "%s/x", dir);
        CHECK(!ts_file_exists(cmd));
    }
}

/* a constraints file given where a model is read says what it is, not "unknown model
 * 'constraints'" beside the list of models, as if a model's name were misspelled */
static void constraints_file_not_a_model(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512], cons[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cons, sizeof cons, "%s/c.tsc", dir);
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s", dir, cons);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    char want[600];
    snprintf(want, sizeof want, "%s: a constraints file, not a model", cons);
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(cons, &m) == -1 && strstr(ts_error(), want) && !strstr(ts_error(), "unknown model"), "%s",
              ts_error());
    ts_mc_model *mc = NULL;
    CHECK_MSG(ts_mc_model_load(cons, &mc) == -1 && strstr(ts_error(), want), "%s", ts_error());
    const char *uses[] = {"impute %s --input %s/ds -o %s/x", "impute %s --channels-from %s/ds -o %s/x",
                          "generate %s -n 2 --length 5 -o %s/ds-g%s", "score %s --input %s/ds%s"};
    for (int i = 0; i < 4; i++) {
        snprintf(cmd, sizeof cmd, uses[i], cons, dir, i < 2 ? dir : "");
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) && !strstr(err, "unknown model"), "%s: %s",
                  cmd, err);
    }
    snprintf(cmd, sizeof cmd, "%s/x", dir);
    CHECK(!ts_file_exists(cmd));
}

/* the tables' sizes follow the largest ID and CPU number: a few events with a huge one are
 * refused, not learned into gigabytes (fuzz repro channels/) */
static void sparse_values_refused(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512], p[512];
    snprintf(p, sizeof p, "%s/ids", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/ids/stream.txt", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f != NULL);
    fputs("43333,6,0,3,1,7,5,8,0,9,6,9,6,0,9\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "constraints %s/ids -o %s/ids.tsc", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "/ids: 43334 event types: tables of 1791 MB for a trace of 15 events"), "%s", err);
    snprintf(p, sizeof p, "%s/ids.tsc", dir);
    CHECK(access(p, F_OK) != 0);
    snprintf(cmd, sizeof cmd, "markov %s/ids -n 10 -o %s/mk", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "43334 event types"), "%s", err);
    /* one CPU number far above the others */
    snprintf(p, sizeof p, "%s/cpu", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/cpu/stream.txt", dir);
    f = fopen(p, "w");
    REQUIRE(f != NULL);
    fputs("4,2562,1,6,0,3,1,7,5,8,0,9,6,9,6,0,9\n", f);
    fclose(f);
    int32_t cpu[17] = {0};
    cpu[5] = 202754;
    size_t shape[1] = {17};
    snprintf(p, sizeof p, "%s/cpu/cpu.npy", dir);
    REQUIRE(ts_npy_write(p, TS_NPY_I32, cpu, 1, shape) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/cpu -o %s/cpu.tsc", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "2563 event types by 202755 cpu values"), "%s", err);
    /* tables past the floor (64 MiB) in proportion to the events: 9,000 types, about 91 MB
     * for 30,000 events are learned; for 15,000 they are refused */
    for (int half = 0; half < 2; half++) {
        ts_mc m;
        ts_rng r;
        ts_rng_seed(&r, 3);
        make_mc(&m, half ? 15000 : 30000, 9000, &r, 0);
        ts_constraints k;
        int rc = ts_constraints_learn(&m, 0, &k);
        CHECK_MSG(rc == (half ? -1 : 0), "%zu events: %s", m.n, rc ? ts_error() : "learned");
        if (rc == 0) ts_constraints_free(&k);
        ts_mc_free(&m);
    }
}

/* markov on a stream whose one ID (1,677,721,622: no vocab.tsv) is far above its 3 events:
 * refused for its tables, as constraints refuses it, before the chain's table of the types
 * (1.68 GB; under a 1.5 GB limit of the address space: an abort out of memory) */
static void markov_sparse_ids_refused_first(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], p[512];
    snprintf(p, sizeof p, "%s/ids", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/ids/stream.txt", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f != NULL);
    fputs("3,1677721622,1\n", f);
    fclose(f);
    struct rlimit old;
    const int limited = address_space_limit(&old, 1500);
    if (limited == 1) SKIP("the address space is limited below 1.5 GB");
    REQUIRE(limited == 0);
    snprintf(cmd, sizeof cmd, "markov %s/ids -n 10 -o %s/mk", dir, dir);
    const int rc = run_cli(cmd, err, sizeof err);
    REQUIRE(address_space_restore(&old) == 0);
    CHECK_MSG(rc == 1 && strstr(err, "1677721623 event types") && !strstr(err, "memory") && !strchr(err, '\n'),
              "exit %d: %s", rc, err);
    snprintf(p, sizeof p, "%s/mk", dir);
    CHECK(access(p, F_OK) != 0);
}

/* a trace of n events of type 0 with one channel besides them, ch, holding vals[] */
static void one_channel_trace(ts_mc *m, size_t n, int ch, const int32_t *vals)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.stream.n = n;
    m->events.stream.ids = ts_calloc(n, sizeof(int32_t));
    m->events.vocab.unk = -1;
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->ch[ch] = ts_malloc(n * sizeof(int32_t));
    memcpy(m->ch[ch], vals, n * sizeof(int32_t));
}

/* a trace of n events of type 0 whose ret IDs are ret[] in the names rets (nr of them) */
static void ret_trace(ts_mc *m, size_t n, const int32_t *ret, const char *const *rets, int nr)
{
    one_channel_trace(m, n, TS_CH_RET, ret);
    m->ret_vocab.n = nr;
    m->ret_vocab.unk = 1;
    m->ret_vocab.names = ts_malloc((size_t)nr * sizeof(char *));
    for (int i = 0; i < nr; i++) m->ret_vocab.names[i] = ts_strdup(rets[i]);
}

/* the first event's dt is no time (nothing comes before it; ingest writes 0): it does not
 * widen its type's bounds, which come from the times between events; a type seen only
 * there keeps that value, the one it has */
static void first_dt_not_a_bound(void)
{
    const int32_t e[6] = {0, 1, 0, 1, 0, 1}, e2[3] = {2, 0, 1};
    const float d[6] = {0, 5, 6, 5, 7, 5};
    ts_mc m;
    ret_trace(&m, 6, e, (const char *const[]){"<pad>", "<unk>"}, 2);   /* any channel: dt is added */
    memcpy(m.ch[TS_CH_EVENT], e, sizeof e);
    m.dt = ts_malloc(6 * sizeof *m.dt);
    memcpy(m.dt, d, sizeof d);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&m, 0, &k) == 0);
    CHECK_MSG(k.dt_lo[0] == 6 && k.dt_hi[0] == 7 && k.dt_lo[1] == 5 && k.dt_hi[1] == 5, "type 0 [%g, %g], type 1 [%g, %g]",
              (double)k.dt_lo[0], (double)k.dt_hi[0], (double)k.dt_lo[1], (double)k.dt_hi[1]);
    /* a first dt that is not 0 is a time (a part cut from a trace: the time since the event
     * before it), checked as any other: it bounds its type, and the trace still breaks
     * none of its own constraints */
    {
        ts_constraints k1;
        m.dt[0] = 3;
        REQUIRE(ts_constraints_learn(&m, 0, &k1) == 0);
        CHECK_MSG(k1.dt_lo[0] == 3 && k1.dt_hi[0] == 7, "type 0 [%g, %g]", (double)k1.dt_lo[0], (double)k1.dt_hi[0]);
        ts_validity v1;
        REQUIRE(ts_constraints_validity(&k1, &m, 0, &v1) == 0);
        CHECK_MSG(v1.d_time == 0, "D_time %g", v1.d_time);
        m.dt[0] = 0;
        ts_constraints_free(&k1);
    }
    /* the trace breaks none of its own constraints: its first event's dt of 0 (no time
     * before it) is not checked, nor clamped by a repair; a later dt of 0 is */
    ts_validity v;
    REQUIRE(ts_constraints_validity(&k, &m, 0, &v) == 0);
    CHECK_MSG(v.d_time == 0, "D_time %g", v.d_time);
    ts_repair_report rep;
    REQUIRE(ts_repair(&k, &m, 0, NULL, &rep) == 0);
    CHECK_MSG(m.dt[0] == 0 && rep.events_touched == 0, "dt %g, %zu changed", (double)m.dt[0], rep.events_touched);
    m.dt[2] = 0;
    REQUIRE(ts_constraints_validity(&k, &m, 0, &v) == 0);
    CHECK_MSG(fabs(v.d_time - 1.0 / 6) < 1e-12, "D_time %g", v.d_time);
    m.dt[2] = 6;
    m.dt[0] = 1;   /* a first event with a time: checked */
    REQUIRE(ts_constraints_validity(&k, &m, 0, &v) == 0);
    CHECK_MSG(fabs(v.d_time - 1.0 / 6) < 1e-12, "D_time %g", v.d_time);
    m.dt[0] = 0;
    ts_constraints_free(&k);
    memcpy(m.ch[TS_CH_EVENT], e2, sizeof e2);   /* type 2 only first */
    m.n = m.events.stream.n = 3;
    REQUIRE(ts_constraints_learn(&m, 0, &k) == 0);
    CHECK_MSG(k.seen[2] && k.dt_lo[2] == 0 && k.dt_hi[2] == 0, "type 2 [%g, %g]", (double)k.dt_lo[2], (double)k.dt_hi[2]);
    ts_constraints_free(&k);
    ts_mc_free(&m);
}

/* a value whose name the constraints lack is written as their <unk>: that is a change,
 * counted as one (the report said 0 while the output's value differed), by ts_repair and
 * by the command */
static void repair_counts_renamed_values(void)
{
    static const char *const learned[] = {"<pad>", "<unk>", "0"}, *const given[] = {"<pad>", "<unk>", "0", "-38"};
    const int32_t lr[4] = {2, 1, 2, 1}, gr[2] = {3, 2};
    ts_mc real, syn;
    ret_trace(&real, 4, lr, learned, 3);   /* type 0 has ret 0 and <unk> */
    ret_trace(&syn, 2, gr, given, 4);      /* -38: not among the constraints' names */
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    ts_repair_report rep;
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    CHECK(syn.ch[TS_CH_RET][0] == 1 && syn.ch[TS_CH_RET][1] == 2);
    CHECK_MSG(rep.changed[TS_CH_RET] == 1 && rep.events_touched == 1, "ret %zu, events %zu", rep.changed[TS_CH_RET],
              rep.events_touched);
    ts_mc_free(&syn);
    /* the command: the same count in its report */
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512], cmd[2048], out[4096];
    for (int i = 0; i < 4; i++) real.ch[TS_CH_RET][i] = lr[i];
    real.dt = ts_calloc(4, sizeof *real.dt);   /* a dataset of ingest --channels has dt */
    snprintf(p, sizeof p, "%s/real", dir);
    REQUIRE(ts_mc_save(p, &real) == 0);
    ret_trace(&syn, 2, gr, given, 4);
    syn.dt = ts_calloc(2, sizeof *syn.dt);
    snprintf(p, sizeof p, "%s/syn", dir);
    REQUIRE(ts_mc_save(p, &syn) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/real --fractions 0.998,0.001,0.001 -o %s/c.tsc", dir, dir);
    REQUIRE(run_cli(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/syn --constraints %s/c.tsc --json -o %s/rep", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"events_changed\": 1,") && strstr(out, "\"ret\": 1"), "%s", out);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

/* a trace of n events of type 0 with only a tid channel */
static void tid_trace(ts_mc *m, size_t n, const int32_t *tid) { one_channel_trace(m, n, TS_CH_TID, tid); }

/* a number the type never has becomes the nearest allowed, and between two as near the
 * more frequent (not the smaller); a return value whose name the constraints lack (their
 * <unk> once renumbered) is still a number, and goes to the nearest allowed too; a <unk>
 * of the trace's own has no value: the type's most frequent */
static void repair_nearest_ties_and_unnamed(void)
{
    for (int r = 0; r < 2; r++) {   /* 16 the more frequent, then 10 */
        int32_t lt[6];
        for (int i = 0; i < 6; i++) lt[i] = (i == 0) == !r ? 10 : 16;
        const int32_t gt[3] = {13, 12, 15};
        ts_mc real, syn;
        tid_trace(&real, 6, lt);
        tid_trace(&syn, 3, gt);
        ts_constraints k;
        REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
        ts_repair_report rep;
        REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
        CHECK_MSG(syn.ch[TS_CH_TID][0] == (r ? 10 : 16) && syn.ch[TS_CH_TID][1] == 10 && syn.ch[TS_CH_TID][2] == 16,
                  "round %d: tid 13 -> %d, 12 -> %d, 15 -> %d", r, syn.ch[TS_CH_TID][0], syn.ch[TS_CH_TID][1],
                  syn.ch[TS_CH_TID][2]);
        ts_mc_free(&syn);
        ts_mc_free(&real);
        ts_constraints_free(&k);
    }
    static const char *const learned[] = {"<pad>", "<unk>", "0", "100", "-4", "4"};
    static const char *const given[] = {"<pad>", "<unk>", "99", "1", "-1000"};
    /* type 0: 0 five times, 100 once, -4 once, 4 three times */
    const int32_t lr[10] = {2, 2, 2, 2, 2, 3, 4, 5, 5, 5};
    const int32_t gr[4] = {2, 3, 1, 4};   /* 99, 1, <unk>, -1000 */
    ts_mc real, syn;
    ret_trace(&real, 10, lr, learned, 6);
    ret_trace(&syn, 4, gr, given, 5);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    ts_repair_report rep;
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    const char *got[4];
    for (int i = 0; i < 4; i++) {
        int32_t x = syn.ch[TS_CH_RET][i];
        got[i] = x >= 0 && x < syn.ret_vocab.n ? syn.ret_vocab.names[x] : "?";
    }
    /* 99 -> 100; 1 -> 0 (nearer than 4); <unk> -> 0 (the most frequent); -1000 -> -4 */
    CHECK_MSG(!strcmp(got[0], "100") && !strcmp(got[1], "0") && !strcmp(got[2], "0") && !strcmp(got[3], "-4"),
              "99 -> %s, 1 -> %s, <unk> -> %s, -1000 -> %s", got[0], got[1], got[2], got[3]);
    CHECK(rep.changed[TS_CH_RET] == 4);
    ts_mc_free(&syn);
    /* ties between two allowed return values: 52 is as near to 100 as to 4, -2 as near to
     * -4 as to 0: the more frequent, 4 and 0 */
    static const char *const given2[] = {"<pad>", "<unk>", "52", "-2"};
    const int32_t gr2[2] = {2, 3};
    ret_trace(&syn, 2, gr2, given2, 4);
    REQUIRE(ts_repair(&k, &syn, 0, NULL, &rep) == 0);
    CHECK_MSG(!strcmp(syn.ret_vocab.names[syn.ch[TS_CH_RET][0]], "4") &&
              !strcmp(syn.ret_vocab.names[syn.ch[TS_CH_RET][1]], "0"),
              "52 -> %s, -2 -> %s", syn.ret_vocab.names[syn.ch[TS_CH_RET][0]], syn.ret_vocab.names[syn.ch[TS_CH_RET][1]]);
    ts_mc_free(&syn);
    ts_mc_free(&real);
    ts_constraints_free(&k);
}

/* a multi-channel dataset without the names of its values: comm or ret without their
 * vocabulary is refused, naming the file; events without vocab.tsv are learned as unnamed
 * IDs, said in one line (a trace checked or repaired against them must be unnamed too, and
 * one with names is refused); a single-channel dataset of IDs has none by design: nothing
 * said */
static void constraints_dataset_without_names(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_f.log -o %s/ds -q", dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    static const char *const vocab[2] = {"comm.vocab.tsv", "ret.vocab.tsv"};
    for (int j = 0; j < 2; j++) {
        snprintf(cmd, sizeof cmd, "rm -rf %s/d%d && cp -r %s/ds %s/d%d && rm %s/d%d/%s", dir, j, dir, dir, j, dir, j,
                 vocab[j]);
        REQUIRE(system(cmd) == 0);
        snprintf(cmd, sizeof cmd, "constraints %s/d%d -o %s/d%d.tsc", dir, j, dir, j);
        char want[700];
        snprintf(want, sizeof want, "d%d/%s beside it (the channel's vocabulary)", j, vocab[j]);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, want), "%s: %s", cmd, out);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s/un && cp -r %s/ds %s/un && rm %s/un/vocab.tsv", dir, dir, dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/un -o %s/un.tsc", dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s: %s", cmd, out);
    char want[900];
    snprintf(want, sizeof want, "tracesynth: warning: constraints: %s/un has no vocab.tsv (the names of its event types): "
             "the constraints' event types are its IDs, unnamed, so repair and eval take only a trace whose events are "
             "unnamed too, numbered as this dataset's (one with names is refused)\n", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    /* as said: a trace with names is refused */
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/un.tsc -o %s/rep", dir, dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "cannot be matched by name"), "%s", out);
    /* named: nothing said */
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/ds.tsc", dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && !strstr(out, "warning"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s/ids.txt", dir);
    FILE *f = fopen(cmd, "w");
    REQUIRE(f);
    fputs("1 2 3 1 2 3 1 2 3 4 1 2\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ids -q", dir, dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/ids -o %s/ids.tsc", dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && !strstr(out, "warning"), "%s", out);
}

/* `tracesynth ARGS > out` run by the shell (the binary $TRACESYNTH, else build/tracesynth),
 * then out read into buf (cap bytes; "" when not written). The shell's status */
static int shell_output(const char *args, const char *out, char *buf, size_t cap)
{
    char full[1600];
    const char *bin = getenv("TRACESYNTH");
    snprintf(full, sizeof full, "%s %s > %s", bin ? bin : "build/tracesynth", args, out);
    const int rc = system(full);
    buf[0] = 0;
    FILE *f = fopen(out, "r");
    if (f) {
        size_t got = fread(buf, 1, cap - 1, f);
        buf[got] = 0;
        fclose(f);
    }
    return rc;
}

static void cli(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/c.tsc", dir, dir);
    char said[1024];
    REQUIRE(cli_run(cmd, CLI_OUT_ERR, said, sizeof said) == 0);
    CHECK_MSG(strstr(said, "allowed transitions of ") && strstr(said, "; per event type: dt comm ret tid -> "), "%s", said);
    /* events alone: the transitions, nothing after them */
    snprintf(cmd, sizeof cmd, "ingest --from strace data/default/workload.strace -o %s/ev", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/ev -o %s/ev.tsc", dir, dir);
    REQUIRE(cli_run(cmd, CLI_OUT_ERR, said, sizeof said) == 0);
    CHECK_MSG(strstr(said, "allowed transitions of ") && !strchr(said, ';'), "%s", said);
    /* the repaired trace obeys: constraints of the whole trace, repair, check again */
    snprintf(cmd, sizeof cmd, "constraints %s/ds --fractions 0.98,0.01,0.01 -o %s/c.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/c.tsc -o %s/rep --json", dir, dir, dir);
    char p[512], buf[2048];
    snprintf(p, sizeof p, "%s/out.json", dir);
    REQUIRE(shell_output(cmd, p, buf, sizeof buf) == 0);
    CHECK_MSG(strstr(buf, "\"after\": {\"d_trans\": 0.000000, \"d_time\": 0.000000, \"d_cpu\": null, \"d_attr\": 0.000000}"), "%s", buf);
    snprintf(p, sizeof p, "%s/rep", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(p, &m) == 0);
    CHECK(m.n == 22872);
    ts_mc_free(&m);
    /* eval: the repaired trace against the real one, in JSON */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/rep --constraints %s/c.tsc --json", dir, dir, dir);
    snprintf(p, sizeof p, "%s/ev.json", dir);
    REQUIRE(shell_output(cmd, p, buf, sizeof buf) == 0);
    CHECK_MSG(strstr(buf, "\"validity\": {\"d_trans\": 0.000000, \"d_time\": 0.000000, \"d_cpu\": null, \"d_attr\": 0.000000}")
              && strstr(buf, "\"js\": {\"event\": ") && strstr(buf, "\"cpu\": null"), "%s", buf);
    /* the table: no line ends in blanks (those of the real trace under the constraints did) */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/rep --constraints %s/c.tsc", dir, dir, dir);
    char txt[600];
    snprintf(txt, sizeof txt, "%s/ev.txt", dir);
    REQUIRE(shell_output(cmd, txt, buf, sizeof buf) == 0);
    CHECK_MSG(strstr(buf, "(the real trace under the same constraints:)\n  D_trans") && !strstr(buf, " \n"), "%s", buf);
    /* the real trace's test part: its last 20 % */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part test --synthetic %s/rep --json", dir, dir);
    REQUIRE(shell_output(cmd, p, buf, sizeof buf) == 0);
    char want[128];
    snprintf(want, sizeof want, "\"real_part\": \"test\", \"real_events\": %zu,", 22872 - (size_t)(22872 * 0.8));
    CHECK_MSG(strstr(buf, want), "%s", buf);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds/stream.txt --real-part test --synthetic %s/ds/stream.txt", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--real-part applies to multi-channel"));
    /* at its default value too: given, it would be ignored */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds/stream.txt --real-part all --synthetic %s/ds/stream.txt", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--real-part applies to multi-channel"));
    /* a real trace that is not there is named, not taken for one of another kind */
    const char *multi[2] = {"--real-part test", "--length 100"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "eval --real %s/nosuch %s --synthetic %s/ds", dir, multi[i], dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "/nosuch: no such file or directory"),
                  "%s: %s", multi[i], err);
    }
    /* windows: the Markov baseline as windows of 100, eval and repair per window */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1000 --length 100 -o %s/mk", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk --constraints %s/c.tsc --length 100 --json", dir, dir,
             dir);
    REQUIRE(shell_output(cmd, p, buf, sizeof buf) == 0);
    CHECK_MSG(strstr(buf, "\"length\": 100, \"windows\": 10,") && strstr(buf, "\"memorized\": 0.000000")
              && strstr(buf, "\"js_bigram\": 0.") && strstr(buf, "\"validity\": {\"d_trans\": 0.000000"), "%s", buf);
    /* the real trace itself as windows of 8: those inside its training part (2001 of 2859) are memorized */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part train --synthetic %s/ds --length 8 --json", dir, dir);
    REQUIRE(shell_output(cmd, p, buf, sizeof buf) == 0);
    CHECK_MSG(strstr(buf, "\"length\": 8, \"windows\": 2859,") && strstr(buf, "\"memorized\": 0.69"), "%s", buf);
    snprintf(cmd, sizeof cmd, "repair %s/mk --constraints %s/c.tsc --length 100 -o %s/mkr", dir, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    /* -o naming the trace repaired (by any path) is refused, as markov refuses its DATASET: the
     * trace would be lost (with --part, all but that part) */
    snprintf(cmd, sizeof cmd, "repair %s/mk --constraints %s/c.tsc --part test -o %s/mk/.", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "the output would replace the dataset"), "%s", err);
    snprintf(p, sizeof p, "%s/mk", dir);
    ts_mc mk;
    REQUIRE(ts_mc_load(p, &mk) == 0);
    CHECK_MSG(mk.n == 1000, "%zu events", mk.n);
    ts_mc_free(&mk);
    /* a trace that is not whole windows, or a part that cuts them: refused, as eval does (mk0:
     * mk without the record of its windows, as a set written before them) */
    snprintf(cmd, sizeof cmd, "cp -r %s/mk %s/mk0 && rm %s/mk0/length", dir, dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/mk0 --constraints %s/c.tsc --length 300 -o %s/x", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "mk0: 1000 events are not windows of --length 300"), "%s", err);
    snprintf(cmd, sizeof cmd, "repair %s/mk0 --constraints %s/c.tsc --length 200 --part valid -o %s/x", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "mk0: its valid part, events [700, 800), is not whole windows"), "%s", err);
    /* repair of one part: only the test part is written */
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/c.tsc --part test -o %s/rt", dir, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/rt", dir);
    if (ts_mc_load(p, &m) == 0) {
        CHECK(m.n == 22872 - (size_t)(22872 * 0.8));
        ts_mc_free(&m);
    } else {
        CHECK_MSG(0, "%s", ts_error());
    }
    /* an empty part: refused, naming the file and the part */
    snprintf(p, sizeof p, "%s/mk", dir);
    if (ts_mc_load(p, &m) == 0) {   /* its first two events: the valid part is [1, 1) */
        ts_mc two;
        REQUIRE(ts_mc_slice(&m, 0, 2, &two) == 0);
        snprintf(p, sizeof p, "%s/two", dir);
        REQUIRE(ts_mc_save(p, &two) == 0);
        ts_mc_free(&two);
        ts_mc_free(&m);
    }
    snprintf(cmd, sizeof cmd, "repair %s/two --constraints %s/c.tsc --part valid -o %s/x", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "two: its valid part, events [1, 1), is empty"), "%s", err);
    snprintf(cmd, sizeof cmd, "eval --real %s/two --real-part valid --synthetic %s/two", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "two: its valid part, events [1, 1), is empty"), "%s", err);
    /* the distances before are measured in the constraints' numbering: the real trace with
     * two event names swapped (and its IDs with them) reads the same */
    snprintf(p, sizeof p, "%s/ds", dir);
    REQUIRE(ts_mc_load(p, &m) == 0);
    {
        char *t = m.events.vocab.names[0];
        m.events.vocab.names[0] = m.events.vocab.names[1];
        m.events.vocab.names[1] = t;
        for (size_t i = 0; i < m.n; i++)
            if (m.ch[TS_CH_EVENT][i] < 2) m.ch[TS_CH_EVENT][i] ^= 1;
        snprintf(p, sizeof p, "%s/swapped", dir);
        REQUIRE(ts_mc_save(p, &m) == 0);
        ts_mc_free(&m);
    }
    char o1[4096], o2[4096];
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/c.tsc --json -o %s/r1", dir, dir, dir);
    REQUIRE(run_stdout(cmd, o1, sizeof o1) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/swapped --constraints %s/c.tsc --json -o %s/r2", dir, dir, dir);
    REQUIRE(run_stdout(cmd, o2, sizeof o2) == 0);
    char *b1 = strstr(o1, "\"before\""), *b2 = strstr(o2, "\"before\"");
    CHECK_MSG(b1 && b2 && !strcmp(b1, b2), "%s\n%s", o1, o2);
    /* the repaired trace's names carry its own counts */
    snprintf(p, sizeof p, "%s/r2", dir);
    REQUIRE(ts_mc_load(p, &m) == 0);
    int64_t sum = 0;
    for (int32_t i = 0; m.events.vocab.counts && i < m.events.vocab.n; i++) sum += m.events.vocab.counts[i];
    CHECK_MSG(sum == (int64_t)m.n, "counts sum to %lld of %zu events", (long long)sum, m.n);
    ts_mc_free(&m);
    snprintf(p, sizeof p, "%s/ev.json", dir);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk0 --length 300", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "1000 events are not windows of --length 300"));
    /* next-event prediction on the event channel: trained on the synthetic events, and on the
     * training part's */
    char js[8192];
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part test --synthetic %s/mk --length 100 --json", dir, dir);
    REQUIRE(run_stdout(cmd, js, sizeof js) == 0);
    CHECK_MSG(strstr(js, "\"downstream_accuracy\": null") && strstr(js, "\"downstream_train_bits\": null"), "%s", js);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part test --synthetic %s/mk --length 100 --downstream 3 --json",
             dir, dir);
    REQUIRE(run_stdout(cmd, js, sizeof js) == 0);
    CHECK_MSG(strstr(js, "\"downstream_accuracy\": ") && !strstr(js, "\"downstream_accuracy\": null") &&
              strstr(js, "\"downstream_train_bits\": ") && !strstr(js, "\"downstream_train_bits\": null"), "%s", js);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part test --synthetic %s/mk --length 100 --downstream 3", dir, dir);
    REQUIRE(run_stdout(cmd, js, sizeof js) == 0);
    CHECK_MSG(strstr(js, "next ev. train") && strstr(js, "order-3 Kneser-Ney"), "%s", js);
    /* scored on held-out events only: the training part alone holds none */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part train --synthetic %s/mk --length 100 --downstream 3",
             dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "--downstream scores on held-out events"));
    snprintf(cmd, sizeof cmd, "export %s/mk --format ctf -o %s/mk.ctf", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);   /* its own trace, replaced */
    /* a directory that is not there is not made for it */
    snprintf(cmd, sizeof cmd, "export %s/mk --format ctf -o %s/nodir/mk.ctf", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "nodir/mk.ctf"), "%s", err);
    snprintf(cmd, sizeof cmd, "%s/nodir", dir);
    CHECK(!ts_file_exists(cmd));
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1001 --length 100 -o %s/mk", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "-n 1001 is not a multiple of --length 100"));
    snprintf(cmd, sizeof cmd, "eval --real %s/ds/stream.txt --synthetic %s/ds/stream.txt --length 10", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length applies to multi-channel"));
    snprintf(cmd, sizeof cmd, "eval --real %s/ds/stream.txt --synthetic %s/ds/stream.txt --length 0", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length applies to multi-channel"));
    snprintf(cmd, sizeof cmd, "repair %s/ds --constraints %s/ds/stream.txt -o %s/x", dir, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "not a constraints file"));
    /* an output that cannot be written: exit 1 and one error line, nothing more (the
     * sanitizer build would add its report of what was left allocated) */
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/ds", dir, dir);
    char all[4096];
    CHECK(run_output(cmd, all, sizeof all) == 1);
    CHECK_MSG(strstr(all, "/ds: is a directory; a file is written here") && strchr(all, '\n') == all + strlen(all) - 1,
              "%s", all);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a dataset of windows records their length (DIR/length), and eval and repair read it: the
 * pair of one window's last event and the next window's first is no transition */
static void windows_recorded(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], out[8192], p[600];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds -q", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/ds/length", dir);
    CHECK_MSG(!ts_file_exists(p), "%s: a trace ingested is one sequence", p);
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/c.tsc", dir, dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    /* windows of 100 from the chain: without --length, eval and repair read them as windows */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1000 --length 100 -o %s/mk", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/mk/length", dir);
    char text[64] = "";
    FILE *lf = fopen(p, "r");
    if (lf) { text[fread(text, 1, sizeof text - 1, lf)] = 0; fclose(lf); }
    CHECK_MSG(!strcmp(text, "100\n"), "%s: '%s'", p, text);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk --constraints %s/c.tsc --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 100, \"windows\": 10,") && strstr(out, "\"validity\": {\"d_trans\": 0.000000"),
              "%s", out);
    snprintf(cmd, sizeof cmd, "repair %s/mk --constraints %s/c.tsc --json -o %s/mkr", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"events_changed\": 0,") && strstr(out, "\"before\": {\"d_trans\": 0.000000"), "%s", out);
    /* the repaired windows are windows too, and so is a part of whole windows */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mkr --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 100, \"windows\": 10,"), "%s", out);
    snprintf(cmd, sizeof cmd, "repair %s/mk --constraints %s/c.tsc --part test -o %s/mkt", dir, dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mkt --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 100, \"windows\": 2,"), "%s", out);
    /* the same --length is taken; another is refused, naming both */
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk --length 100 --json", dir, dir);
    CHECK(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"length\": 100, \"windows\": 10,"));
    const char *const refuse[] = {"eval --real %s/ds --synthetic %s/mk --length 50",
                                  "repair %s/mk --constraints %s/c.tsc --length 50 -o %s/x",
                                  "eval --real %s/ds --synthetic %s/mk --length 0"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, refuse[i], dir, dir, dir);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "mk/length: windows of 100 events") &&
                  strstr(out, i == 2 ? "--length 0" : "--length 50") && strchr(out, '\n') == out + strlen(out) - 1,
                  "%s: %s", cmd, out);
    }
    /* a part that cuts the recorded windows: refused as with --length */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1000 --length 200 -o %s/mk2", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/mk2 --constraints %s/c.tsc --part valid -o %s/x", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "mk2: its valid part, events [700, 800), is not whole "
              "windows of 200"), "%s", err);
    /* a length that is no number, or that the events are not windows of: refused, naming the file */
    const char *const bad[] = {"abc\n", "0\n", "300\n", "100 x\n"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/mk2/length", dir);
        FILE *f = fopen(p, "w");
        REQUIRE(f);
        fputs(bad[i], f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk2", dir, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "mk2/length: "), "%s: %s", bad[i], err);
    }
    /* one chain (no --length) is one sequence; a set without DIR/length is read as one, as before */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1000 -o %s/mk2", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/mk2/length", dir);
    CHECK_MSG(!ts_file_exists(p), "%s: one chain has no windows", p);
    snprintf(p, sizeof p, "%s/mk/length", dir);
    REQUIRE(remove(p) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 1000, \"windows\": 1,"), "%s", out);
    /* a trace ingested over a set of windows is one sequence: the old length goes */
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/mkr -q", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/mkr/length", dir);
    CHECK_MSG(!ts_file_exists(p), "%s: left by the windows", p);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* `constraints <w><opts> -o dir/c.tsc` run and its file loaded into k; the failure named */
static int constraints_cli(const char *w, const char *opts, const char *dir, ts_constraints *k)
{
    char cmd[2048], out[4096];
    snprintf(cmd, sizeof cmd, "constraints %s%s -o %s/c.tsc", w, opts, dir);
    int rc = run_output(cmd, out, sizeof out);
    CHECK_MSG(rc == 0, "%s: %s", cmd, out);
    if (rc == 0) {
        snprintf(cmd, sizeof cmd, "%s/c.tsc", dir);
        rc = ts_constraints_load(cmd, k);
        CHECK_MSG(rc == 0, "%s", ts_error());
    }
    return rc;
}

/* constraints learned from windows: a window's last event and the next one's first are no
 * transition (windows of 4 of the cycle 0 1 2 3: 3 then 0 only across windows) */
static void constraints_learn_windows(void)
{
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_mc m;
    make_mc(&m, 12, 4, &r, 1);
    ts_constraints k;
    REQUIRE(ts_constraints_learn_windows(&m, 0, 4, &k) == 0);
    for (int u = 0; u < 4; u++)
        for (int v = 0; v < 4; v++) CHECK_MSG(k.trans[u * 4 + v] == (v == u + 1), "%d then %d", u, v);
    ts_constraints_free(&k);
    REQUIRE(ts_constraints_learn_windows(&m, 0, 0, &k) == 0);   /* 0: one sequence, as ts_constraints_learn */
    CHECK(k.trans[3 * 4 + 0] == 1);
    ts_constraints_free(&k);
    REQUIRE(ts_constraints_learn(&m, 0, &k) == 0);
    CHECK(k.trans[3 * 4 + 0] == 1);
    ts_constraints_free(&k);
    CHECK(ts_constraints_learn_windows(NULL, 0, 4, &k) == -1 &&
          !strcmp(ts_error(), "ts_constraints_learn_windows: m is NULL"));
    /* the CLI: the windows the set records, or --length's; another --length refused naming both */
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char w[600], cmd[2048], out[4096];
    snprintf(w, sizeof w, "%s/w", dir);
    REQUIRE(ts_mc_save_windows(w, &m, NULL, 4, 0) == 0);
    REQUIRE(constraints_cli(w, "", dir, &k) == 0);
    CHECK_MSG(k.trans[3 * 4 + 0] == 0 && k.trans[0 * 4 + 1] == 1, "3 then 0 learned across windows");
    ts_constraints_free(&k);
    snprintf(cmd, sizeof cmd, "constraints %s --length 4 -o %s/c.tsc", w, dir);
    CHECK(run_output(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s --length 2 -o %s/c.tsc", w, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "w/length: windows of 4 events") &&
              strstr(out, "--length 2") && strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
    /* a set without the record: one sequence, as before, unless --length says otherwise */
    snprintf(cmd, sizeof cmd, "%s/length", w);
    REQUIRE(remove(cmd) == 0);
    REQUIRE(constraints_cli(w, "", dir, &k) == 0);
    CHECK(k.trans[3 * 4 + 0] == 1);
    ts_constraints_free(&k);
    REQUIRE(constraints_cli(w, " --length 4", dir, &k) == 0);
    CHECK(k.trans[3 * 4 + 0] == 0);
    ts_constraints_free(&k);
    snprintf(cmd, sizeof cmd, "constraints %s --length 5 -o %s/c.tsc", w, dir);
    CHECK_MSG(run_cli(cmd, out, sizeof out) == 1 && strstr(out, "12 events are not windows of --length 5"), "%s", out);
    ts_mc_free(&m);
}

/* eval of a real trace that is itself a set of windows: its transitions, bursts and bigrams
 * end with its windows (5 windows of 4 of the cycle 0 1 2 3, every dt 0: a burst each) */
static void eval_real_windows(void)
{
    ts_rng r;
    ts_rng_seed(&r, 6);
    ts_mc m;
    make_mc(&m, 20, 4, &r, 1);
    for (size_t i = 0; i < m.n; i++) m.dt[i] = 0;
    size_t a, b;
    ts_split_bounds(m.n, NULL, &a, &b);
    REQUIRE(a == 14 && b == 16);   /* the training and validation parts cut the windows, the test part not */
    ts_mc_fidelity f;
    REQUIRE(ts_mc_compare_windows(&m, 4, &m, 0, &f) == 0);
    CHECK_MSG(fabs(f.burst_real - 250) < 1e-9 && fabs(f.burst_synth - 50) < 1e-9, "%g %g", f.burst_real, f.burst_synth);
    REQUIRE(ts_mc_compare_windows(&m, 0, &m, 0, &f) == 0);   /* 0: one sequence, as ts_mc_compare */
    CHECK(fabs(f.burst_real - 50) < 1e-9);
    REQUIRE(ts_mc_compare_windows(&m, 4, &m, 5, &f) == 0);   /* real runs end with both windows */
    CHECK_MSG(fabs(f.burst_real - 200) < 1e-9 && fabs(f.burst_synth - 200) < 1e-9, "%g %g", f.burst_real, f.burst_synth);
    CHECK(ts_mc_compare_windows(NULL, 4, &m, 0, &f) == -1 && !strcmp(ts_error(), "ts_mc_compare_windows: real is NULL"));
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[8192];
    snprintf(cmd, sizeof cmd, "%s/w", dir);
    REQUIRE(ts_mc_save_windows(cmd, &m, NULL, 4, 0) == 0);
    snprintf(cmd, sizeof cmd, "%s/s", dir);   /* the same events as one sequence */
    REQUIRE(ts_mc_save(cmd, &m) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/w -o %s/c.tsc", dir, dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/s --constraints %s/c.tsc --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"bursts_real\": 250.000000,") && strstr(out, "\"bursts_synthetic\": 50.000000,") &&
              strstr(out, "\"validity_real\": {\"d_trans\": 0.000000,") &&
              strstr(out, "\"validity\": {\"d_trans\": 0.210526,"), "%s", out);
    /* the set against itself: the same pairs on both sides */
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/w --constraints %s/c.tsc --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"js_bigram\": 0.000000,") && strstr(out, "\"bursts_real\": 250.000000,") &&
              strstr(out, "\"validity_real\": {\"d_trans\": 0.000000,"), "%s", out);
    /* a part that cuts the real windows is refused, one of whole windows taken */
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/s --real-part train", dir, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "w: its train part, events [0, 14), is not whole "
              "windows of 4 (") && strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/s --real-part test --json", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"bursts_real\": 250.000000,"), "%s", out);
    /* without the record the real set is one sequence, as before */
    snprintf(cmd, sizeof cmd, "eval --real %s/s --synthetic %s/w --json", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"bursts_real\": 250.000000,") &&
              strstr(out, "\"length\": 4, \"windows\": 5,"), "%s", out);
    ts_mc_free(&m);
}

/* the value of "key" in one JSON line, as printed (up to the comma or brace after it) */
static void json_value(const char *json, const char *key, char *buf, size_t n)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(json, k);
    size_t l = p ? strcspn(p + strlen(k), ",}") : 0;
    snprintf(buf, n, "%.*s", (int)l, p ? p + strlen(k) : "");
}

/* a real set of windows: memorization, the longest shared run and the next-event predictor
 * read the training part's whole windows and the held-out part's, no run or context across
 * them (windows of 10 of the cycle 0..9; the window 5..9 0..4 occurs only across two), as
 * eval of window files of those windows reads them */
static void eval_real_windows_train_part(void)
{
    ts_rng r;
    ts_rng_seed(&r, 8);
    ts_mc m, s;
    make_mc(&m, 210, 10, &r, 1);   /* the training part [0, 168): whole windows [0, 160); held out [170, 210) */
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[8192], ref[8192], p[600];
    snprintf(p, sizeof p, "%s/w", dir);
    REQUIRE(ts_mc_save_windows(p, &m, NULL, 10, 0) == 0);
    REQUIRE(ts_mc_slice(&m, 5, 15, &s) == 0);
    snprintf(p, sizeof p, "%s/s", dir);
    REQUIRE(ts_mc_save_windows(p, &s, NULL, 10, 0) == 0);
    ts_windows tw = {m.ch[TS_CH_EVENT], 16, 10}, hw = {m.ch[TS_CH_EVENT] + 170, 4, 10}, sw = {s.ch[TS_CH_EVENT], 1, 10};
    snprintf(p, sizeof p, "%s/train.txt", dir);
    REQUIRE(ts_windows_write(p, &tw) == 0);
    snprintf(p, sizeof p, "%s/held.txt", dir);
    REQUIRE(ts_windows_write(p, &hw) == 0);
    snprintf(p, sizeof p, "%s/s.txt", dir);
    REQUIRE(ts_windows_write(p, &sw) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/s --downstream 2 --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"memorized\": 0.000000,") && strstr(out, "\"memorized_events\": 0.000000,") &&
                  strstr(out, "\"lcs_mean\": 5.000000,"),
              "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/held.txt --synthetic %s/s.txt --train %s/train.txt --downstream 2 --json",
             dir, dir, dir);
    REQUIRE(run_stdout(cmd, ref, sizeof ref) == 0);
    static const char *const keys[] = {"downstream_accuracy", "downstream_bits", "downstream_train_accuracy",
                                       "downstream_train_bits", "memorized", "lcs_mean"};
    for (int i = 0; i < 6; i++) {
        char a[64], b[64];
        json_value(out, keys[i], a, sizeof a);
        json_value(ref, keys[i], b, sizeof b);
        CHECK_MSG(*a && !strcmp(a, b), "%s: %s, of the window files %s", keys[i], a, b);
    }
    /* without the record: one sequence, as before */
    snprintf(p, sizeof p, "%s/w/length", dir);
    REQUIRE(remove(p) == 0);
    snprintf(cmd, sizeof cmd, "eval --real %s/w --synthetic %s/s --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"memorized\": 1.000000,") && strstr(out, "\"lcs_mean\": 10.000000,"), "%s", out);
    /* the library: runs inside the training windows; 0 is one sequence, as ts_mc_memorized */
    double share = -1;
    size_t nw = 0;
    CHECK(ts_mc_memorized_windows(&m, 160, 10, &s, 10, &share, &nw) == 0 && share == 0 && nw == 1);
    CHECK(ts_mc_memorized_windows(&m, 160, 0, &s, 10, &share, &nw) == 0 && share == 1);
    CHECK(ts_mc_memorized_windows(&m, 160, 10, &s, 10, NULL, &nw) == -1 &&
          !strcmp(ts_error(), "ts_mc_memorized_windows: share is NULL"));
    ts_mc_free(&s);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the ID file dir/ids.txt of n events 0 1 .. period-1 0 1 ..., event i odd where
 * i % every == at, ingested as the dataset dir/ds; its error named when it fails */
static int ingest_cycle_ids(const char *dir, int n, int period, int every, int at, int odd)
{
    char cmd[1024], err[512], p[600], ids[4000] = "";
    for (int i = 0; i < n; i++) {
        size_t l = strlen(ids);
        snprintf(ids + l, sizeof ids - l, "%d%s", i % every == at ? odd : i % period, i < n - 1 ? "," : "\n");
    }
    snprintf(p, sizeof p, "%s/ids.txt", dir);
    write_text(p, ids);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ds", dir, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", cmd, err);
    return rc;
}

/* windows of a dataset of events alone (no channel files: eval reads it as a single-channel
 * one) are windows too: eval reads the length markov --length recorded, and refuses one
 * that is no length of its events, naming the file */
static void windows_recorded_events_only(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], out[8192], p[600];
    REQUIRE(ingest_cycle_ids(dir, 300, 3, 37, 5, 4) == 0);   /* 0 1 2 0 1 2 ..., a 4 now and then */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 100 --length 10 -o %s/mk", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/mk/length", dir);
    REQUIRE(ts_file_exists(p));
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/mk --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"synthetic_windows\": 10, \"synthetic_length\": 10,"), "%s", out);
    write_text(p, "30\n");
    const int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk/length: windows of 30 events, but the dataset's 100 events"), "exit %d: %s", rc,
              err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* DIR/ds, 300 events of 5 types ingested from IDs, and DIR/mk, a set of 100 windows of 10
 * that markov --length draws from it (DIR/mk/length). 0, or the failing command's status */
static int set_of_windows_of_10(const char *dir)
{
    char cmd[1024], err[512], p[600], ids[2000] = "";
    for (int i = 0; i < 300; i++) {
        size_t l = strlen(ids);
        snprintf(ids + l, sizeof ids - l, "%d%s", i % 37 == 5 ? 4 : i % 3, i < 299 ? "," : "\n");
    }
    snprintf(p, sizeof p, "%s/ids.txt", dir);
    write_text(p, ids);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ds", dir, dir);
    int rc = run_cli(cmd, err, sizeof err);
    if (rc) return rc;
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 1000 --length 10 -o %s/mk", dir, dir);
    return run_cli(cmd, err, sizeof err);
}

/* train on a set of windows of events alone (markov --length of a single-channel dataset)
 * reads its windows: 100 windows of 10, the training part's 70 are the training windows
 * and the n-gram's stream is cut between them (700 events and 69 separators), none of its
 * windows or matches across two of the set's windows; a set without the record is one
 * stream, as before */
static void train_set_windows_events_only(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], out[4096], p[600];
    REQUIRE(set_of_windows_of_10(dir) == 0);
    const char *const len[2] = {"", " --length 10"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "train --model ngram %s/mk%s --threads 1 -o %s/ng.tsm --log %s/log%d.jsonl", dir,
                 len[i], dir, dir, i);
        REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "(time split, L=10): 70 training windows, 700 stream events,"), "%s", out);
        snprintf(p, sizeof p, "%s/log%d.jsonl", dir, i);
        FILE *f = fopen(p, "r");
        REQUIRE(f);
        out[fread(out, 1, sizeof out - 1, f)] = 0;
        fclose(f);
        CHECK_MSG(strstr(out, "\"events\":769,"), "%s", out);
    }
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --length 8 --threads 1 -o %s/ng.tsm", dir, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk/length: windows of 10 events, but --length 8"), "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --windows 5 --threads 1 -o %s/ng.tsm", dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--windows:") && strstr(err, "mk/length"), "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --stride 2 --threads 1 -o %s/ng.tsm", dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--stride:") && strstr(err, "mk/length"), "exit %d: %s", rc, err);
    /* without the record: one stream, as before */
    snprintf(p, sizeof p, "%s/mk/length", dir);
    REQUIRE(unlink(p) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --length 10 --threads 1 -o %s/ng.tsm --log %s/log2.jsonl", dir,
             dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "(time split, L=10): 139 training windows, 700 stream events,"), "%s", out);
    snprintf(p, sizeof p, "%s/log2.jsonl", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    out[fread(out, 1, sizeof out - 1, f)] = 0;
    fclose(f);
    CHECK_MSG(strstr(out, "\"events\":700,"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a set of windows is cut by the time split into its own windows: what would cut it as one
 * stream (another dataset's events, --also) is refused, naming the set's length file, and so
 * is a set one of whose parts holds no whole window (13 windows of 10: the validation part [91, 104) holds none) */
static void train_set_windows_refusals(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], p[600];
    REQUIRE(set_of_windows_of_10(dir) == 0);
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 130 --length 10 -o %s/mk13", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 10 --threads 1 -o %s/ng.tsm", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    int rc;
    /* another dataset's training part, or all its events, taken as one stream */
    const char *const also[2] = {"--also", "--also-whole"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "train --model ngram %s/ds %s %s/mk --length 10 --threads 1 -o %s/ng2.tsm", dir,
                 also[i], dir, dir);
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "mk/length") && strstr(err, "windows of 10"), "%s: exit %d: %s", also[i], rc,
                  err);
    }
    /* a part without a whole window */
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk13 --threads 1 -o %s/ng3.tsm", dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk13/length") && strstr(err, "validation part (events 91 to 104) holds no whole window of 10"), "exit %d: %s", rc,
              err);
    snprintf(p, sizeof p, "%s/ng3.tsm", dir);
    CHECK(!ts_file_exists(p));
    /* impute and score read its test part alone, [104, 130): its 2 whole windows are
     * imputed and scored (they were refused for the validation part they do not read) */
    const char *const reads[2] = {"impute %s/ng.tsm --input %s/mk13 --blackout 2 --json",
                                  "score %s/ng.tsm --input %s/mk13 --json"};
    for (int i = 0; i < 2; i++) {
        char out[4096];
        snprintf(cmd, sizeof cmd, reads[i], dir, dir);
        rc = run_stdout(cmd, out, sizeof out);
        CHECK_MSG(rc == 0 && strstr(out, "\"windows\": 2, \"length\": 10"), "%s: exit %d: %s", cmd, rc, out);
    }
    /* nor for a validation part shorter than one window: 6 windows of 40, [168, 192) */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 240 --length 40 -o %s/mk6", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    const char *const reads6[2] = {"impute %s/ng.tsm --input %s/mk6 --length 40 --blackout 2 --json",
                                   "score %s/ng.tsm --input %s/mk6 --length 40 --json"};
    for (int i = 0; i < 2; i++) {
        char out[4096];
        snprintf(cmd, sizeof cmd, reads6[i], dir, dir);
        rc = run_stdout(cmd, out, sizeof out);
        CHECK_MSG(rc == 0 && strstr(out, "\"windows\": 1, \"length\": 40"), "%s: exit %d: %s", cmd, rc, out);
    }
    /* a test part shorter than one window: refused, naming it, without the split's hint of a
     * shorter window, which a set cannot take */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 36 --length 12 -o %s/mk3", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/mk3 --blackout 2 -o %s/imp3", dir, dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk3/length") &&
                  strstr(err, "test part (events 28 to 36) holds no whole window of 12") &&
                  !strstr(err, "longest window"),
              "exit %d: %s", rc, err);
    /* train reads the training and validation parts: a test part without a whole window is
     * no reason to refuse (100 windows of 10, [995, 1000)), one in the validation part is */
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --fractions 0.7,0.295,0.005 --threads 1 -o %s/ng4.tsm", dir,
             dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/mk --fractions 0.7,0.005,0.295 --threads 1 -o %s/ng5.tsm", dir,
             dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk/length") &&
                  strstr(err, "validation part (events 700 to 705) holds no whole window of 10"),
              "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the events 0 1 2 3 0 1 ... (n of them) saved as the datasets dir/windows, whose record
 * dir/windows/length is len (windows of that many events), and dir/one, without it */
static int save_cycle_sets(const char *dir, int n, const char *windows, const char *len)
{
    int32_t *ids = ts_malloc((size_t)n * sizeof *ids);
    for (int i = 0; i < n; i++) ids[i] = i % 4;
    ts_dataset d = {0};
    d.stream.ids = ids;
    d.stream.n = (size_t)n;
    d.vocab.unk = -1;
    char p[600];
    int rc = 0;
    const char *const sets[2] = {windows, "one"};
    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, sets[i]);
        rc = ts_dataset_save(p, &d);
    }
    free(ids);
    if (rc) return rc;
    snprintf(p, sizeof p, "%s/%s/length", dir, windows);
    write_text(p, len);
    return 0;
}

/* split cuts one stream, and its train_stream.txt cannot mark where one window ends and the
 * next begins: a set of windows (DIR/length) is refused in one line that says so and what
 * reads the set's own windows, nothing written; a dataset without the record is cut as before */
static void split_refuses_set_of_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], p[600];
    REQUIRE(save_cycle_sets(dir, 200, "ws", "10\n") == 0);
    const char *const lens[2] = {"10", "5"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "split %s/ws --length %s --windows 3 -o %s/sp", dir, lens[i], dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "ws/length") && strstr(err, "windows of 10 events") &&
                      strstr(err, "train_stream.txt") && strstr(err, "train and impute"),
                  "exit %d: %s", rc, err);
        snprintf(p, sizeof p, "%s/sp", dir);
        CHECK_MSG(access(p, F_OK) != 0, "split of a set of windows wrote %s", p);
    }
    /* a record that is no length of its events: the error names it */
    snprintf(p, sizeof p, "%s/ws/length", dir);
    write_text(p, "3\n");
    snprintf(cmd, sizeof cmd, "split %s/ws --length 10 --windows 3 -o %s/sp", dir, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "ws/length: windows of 3 events, but the dataset's 200 events"), "exit %d: %s", rc,
              err);
    /* without the record: one stream, as before */
    snprintf(cmd, sizeof cmd, "split %s/one --length 10 --windows 3 -o %s/sp", dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
    snprintf(p, sizeof p, "%s/sp/train_stream.txt", dir);
    CHECK(access(p, F_OK) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a real trace and training data that are dataset directories of windows (DIR/length) are
 * read as those windows, as the synthetic set is: windows of 4 of 0 1 2 3, against which the
 * window 2 3 0 1 is never verbatim and its pair (3, 0) never adjacent */
static void eval_real_train_windows_events_only(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[1024], err[512], out[8192], p[600];
    REQUIRE(save_cycle_sets(dir, 20, "wt", "4\n") == 0);
    snprintf(p, sizeof p, "%s/s.txt", dir);
    write_text(p, "2,3,0,1\n");
    snprintf(cmd, sizeof cmd, "eval --real %s/wt --synthetic %s/s.txt --train %s/wt --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_windows\": 5, \"real_length\": 4,") && strstr(out, "\"d_trans\": 0.333333,") &&
                  strstr(out, "\"memorized\": 0.000000,") && strstr(out, "\"lcs_max\": 2,"),
              "%s", out);
    /* its stream.txt named as a file: the same windows */
    snprintf(cmd, sizeof cmd, "eval --real %s/wt/stream.txt --synthetic %s/s.txt --train %s/wt/stream.txt --json", dir,
             dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_windows\": 5, \"real_length\": 4,") && strstr(out, "\"d_trans\": 0.333333,") &&
                  strstr(out, "\"memorized\": 0.000000,") && strstr(out, "\"lcs_max\": 2,"),
              "%s", out);
    /* a set without the record is one window, as before */
    snprintf(cmd, sizeof cmd, "eval --real %s/one --synthetic %s/s.txt --train %s/one --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_windows\": 1, \"real_length\": 20,") && strstr(out, "\"d_trans\": 0.000000,") &&
                  strstr(out, "\"memorized\": 1.000000,"),
              "%s", out);
    /* a length that is no length of its events: refused, naming the file, as the real set or as --train */
    snprintf(p, sizeof p, "%s/wt/length", dir);
    write_text(p, "3\n");
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "eval --real %s/%s --synthetic %s/s.txt --train %s/%s", dir, i ? "one" : "wt", dir,
                 dir, i ? "wt" : "one");
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "wt/length: windows of 3 events, but the dataset's 20 events"), "exit %d: %s",
                  rc, err);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* impute, score and tune-prior given a set of windows of events alone (markov --length of
 * a single-channel dataset: DIR/length) read its own windows, those whole in the test (for
 * tune-prior the validation) part, not windows of another length cut across them; a
 * --length that is not the recorded one, or --windows, is refused; a set without the
 * record is cut as before */
static void windows_recorded_impute_score_tune(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], err[1024], out[16384], p[600];
    REQUIRE(ingest_cycle_ids(dir, 600, 4, 41, 7, 5) == 0);   /* 0 1 2 3 0 1 2 3 ..., a 5 now and then */
    /* 45 windows of 12: the validation part [378, 432) holds windows 32 to 35 whole, the
     * test part [432, 540) windows 36 to 44 */
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 540 --length 12 --seed 3 -o %s/mk", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 8 --order 3 --threads 1 -o %s/ng.tsm", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/mk --blackout 3 --threads 1 --json -o %s/imp", dir, dir,
             dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"windows\": 9, \"length\": 12,"), "%s", out);
    ts_dataset mk;
    ts_windows orig = {0};
    snprintf(p, sizeof p, "%s/mk", dir);
    REQUIRE(ts_dataset_load(p, &mk) == 0);
    snprintf(p, sizeof p, "%s/imp/original0.npy", dir);
    if (ts_windows_load(p, -1, 0, &orig) == 0) {
        int same = orig.n == 9 && orig.len == 12;
        for (size_t i = 0; same && i < 9 * 12; i++) same = orig.data[i] == mk.stream.ids[432 + i];
        CHECK_MSG(same, "%zu windows of %zu, not events [432, 540) of the set", orig.n, orig.len);
        ts_windows_free(&orig);
    } else
        CHECK_MSG(0, "%s", ts_error());
    ts_dataset_free(&mk);
    snprintf(cmd, sizeof cmd, "score %s/ng.tsm --input %s/mk --threads 1", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "9 windows of 12:"), "%s", out);
    /* its stream.txt named as a file: a file of windows, every one of them scored */
    snprintf(cmd, sizeof cmd, "score %s/ng.tsm --input %s/mk/stream.txt --threads 1", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "45 windows of 12:"), "%s", out);
    /* the recorded length taken when given; another refused, naming both, in one line */
    snprintf(cmd, sizeof cmd, "score %s/ng.tsm --input %s/mk --length 12 --threads 1", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "9 windows of 12:"), "%s", out);
    const char *cmds[2] = {"impute", "score"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "%s %s/ng.tsm --input %s/mk --length 8 --blackout 3 --threads 1", cmds[k], dir, dir);
        if (k) *strstr(cmd, " --blackout 3") = 0;
        int rc = run_output(cmd, out, sizeof out);
        CHECK_MSG(rc != 0 && strstr(out, "mk/length: windows of 12 events") && strstr(out, "--length 8") &&
                      strchr(out, '\n') == out + strlen(out) - 1,
                  "%s: exit %d: %s", cmds[k], rc, out);
        snprintf(cmd, sizeof cmd, "%s %s/ng.tsm --input %s/mk --windows 3 --threads 1", cmds[k], dir, dir);
        rc = run_output(cmd, out, sizeof out);
        CHECK_MSG(rc == 2 && strstr(out, "--windows") && strstr(out, "mk/length") &&
                      strchr(out, '\n') == out + strlen(out) - 1,
                  "%s: exit %d: %s", cmds[k], rc, out);
    }
    /* tune-prior: the validation part's own windows */
    snprintf(cmd, sizeof cmd, "train --model mdm %s/ds --length 8 --windows 8 --layers 1 --channels 8 --state 4 "
             "--context 8 --iters 2 --valid-every 2 --batch 4 --threads 1 --no-progress -o %s/md.tsm", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "tune-prior %s/md.tsm %s/mk --threads 1 --no-progress -o %s/md2.tsm", dir, dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "on 4 validation windows of"), "%s", out);
    snprintf(cmd, sizeof cmd, "tune-prior %s/md.tsm %s/mk --length 8 --threads 1 --no-progress -o %s/md2.tsm", dir,
             dir, dir);
    int rc = run_output(cmd, out, sizeof out);
    CHECK_MSG(rc != 0 && strstr(out, "mk/length: windows of 12 events") && strstr(out, "--length 8"), "exit %d: %s", rc,
              out);
    /* a validation part that holds no whole window ([378, 391)): refused, naming the set */
    snprintf(cmd, sizeof cmd, "tune-prior %s/md.tsm %s/mk --fractions 0.7,0.025,0.275 --threads 1 --no-progress "
             "-o %s/md2.tsm", dir, dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mk/length") && strstr(err, "no whole window of 12"), "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "tune-prior %s/md.tsm %s/mk --windows 3 --threads 1 --no-progress -o %s/md2.tsm", dir,
             dir, dir);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--windows") && strstr(err, "validation part"), "exit %d: %s", rc, err);
    /* the set without its record: windows of the model's length cut from the test part, as before */
    snprintf(p, sizeof p, "%s/mk/length", dir);
    REQUIRE(remove(p) == 0);
    snprintf(cmd, sizeof cmd, "score %s/ng.tsm --input %s/mk --threads 1", dir, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "500 windows of 8:"), "%s", out);
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

/* the trace's first dt is no time (ingest writes 0) and no bound of its type: the baseline
 * draws no dt from it while its type has others, by type or by pair, one window or many,
 * and stays in the constraints */
static void markov_baseline_first_dt(void)
{
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_mc real, a;
    make_mc(&real, 500, 5, &r, 0);
    for (size_t i = 1; i < real.n; i++) real.dt[i] += 1;   /* every other dt above the first's */
    real.dt[0] = 0;
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 400, &k) == 0);
    for (int given = 0; given < 2; given++)
        for (int w = 0; w < 2; w++) {
            const int how = given ? TS_DRAW_PAIR : TS_DRAW_TYPE;
            REQUIRE(ts_mc_markov_given(&real, 400, 2, w ? 500 : 1, w ? 10 : 5000, how, 9, &a) == 0);
            size_t zero = 0;
            for (size_t i = 0; i < a.n; i++) zero += a.dt[i] == 0;
            ts_validity v;
            ts_constraints_validity(&k, &a, w ? 10 : 0, &v);
            CHECK_MSG(v.d_time == 0 && zero == 0, "%s, %s: D_time %g, %zu dts of 0", given ? "pair" : "type",
                      w ? "windows" : "one window", v.d_time, zero);
            ts_mc_free(&a);
        }
    ts_constraints_free(&k);
    ts_mc_free(&real);
}


/* memorized multi-channel windows: a copy of a training run is memorized; a change to
 * any one channel, dt included, makes it new; a window longer than the training part
 * cannot be memorized; windows of the Markov baseline start afresh */
static void memorization(void)
{
    ts_rng r;
    ts_rng_seed(&r, 11);
    ts_mc train, s;
    make_mc(&train, 400, 5, &r, 0);
    /* 4 windows of 8: copies of the training runs at 3, 100, 250 and 392 (the last one) */
    REQUIRE(ts_mc_slice(&train, 0, 32, &s) == 0);
    const size_t at[4] = {3, 100, 250, 392};
    for (int w = 0; w < 4; w++) {
        for (int c = 0; c < TS_NCH; c++)
            if (s.ch[c]) memcpy(s.ch[c] + w * 8, train.ch[c] + at[w], 8 * sizeof(int32_t));
        memcpy(s.dt + w * 8, train.dt + at[w], 8 * sizeof(float));
    }
    double share = -1;
    size_t nw = 0;
    REQUIRE(ts_mc_memorized(&train, 0, &s, 8, &share, &nw) == 0);
    CHECK(nw == 4 && share == 1.0);
    /* the training part ends before 392: that window is no longer in it */
    REQUIRE(ts_mc_memorized(&train, 399, &s, 8, &share, &nw) == 0);
    CHECK(share == 0.75);
    /* one thread bucket changed in window 1, one dt in window 2 (by one ulp) */
    s.ch[TS_CH_TID][8 + 5] = (s.ch[TS_CH_TID][8 + 5] + 1) % 256;
    s.dt[16 + 7] = nextafterf(s.dt[16 + 7], 100.0f);
    REQUIRE(ts_mc_memorized(&train, 0, &s, 8, &share, &nw) == 0);
    CHECK(share == 0.5);
    /* a channel the synthetic trace lacks is not compared: without tid, window 1 is back */
    int32_t *tid = s.ch[TS_CH_TID];
    s.ch[TS_CH_TID] = NULL;
    REQUIRE(ts_mc_memorized(&train, 0, &s, 8, &share, &nw) == 0);
    CHECK(share == 0.75);
    s.ch[TS_CH_TID] = tid;
    /* windows of 4: 8 windows, all but the two changed ones verbatim; a tail is left out */
    REQUIRE(ts_mc_memorized(&train, 0, &s, 5, &share, &nw) == 0);
    CHECK(nw == 6);
    REQUIRE(ts_mc_memorized(&train, 0, &s, 4, &share, &nw) == 0);
    CHECK(nw == 8 && share == 6.0 / 8.0);
    /* longer than the training part: nothing memorized; longer than the trace: an error */
    REQUIRE(ts_mc_memorized(&train, 20, &s, 32, &share, &nw) == 0);
    CHECK(nw == 1 && share == 0);
    CHECK(ts_mc_memorized(&train, 0, &s, 33, &share, &nw) != 0 && strstr(ts_error(), "no window of 33"));
    /* the whole training trace as the synthetic one: one window, memorized */
    REQUIRE(ts_mc_memorized(&train, 0, &train, 0, &share, &nw) == 0);
    CHECK(nw == 1 && share == 1.0);
    ts_mc_free(&s);

    /* Markov windows: one window of n is ts_mc_markov's trace; windows of 10 over a strict
     * cycle 0,1,2,3,4,0,... each start afresh (not where the previous one left off) */
    ts_mc a, b, cyc;
    REQUIRE(ts_mc_markov(&train, 400, 2, 60, 3, &a) == 0);
    REQUIRE(ts_mc_markov_windows(&train, 400, 2, 1, 60, 3, &b) == 0);
    CHECK(a.n == 60 && b.n == 60 && memcmp(a.ch[TS_CH_EVENT], b.ch[TS_CH_EVENT], 60 * sizeof(int32_t)) == 0);
    ts_mc_free(&a);
    ts_mc_free(&b);
    make_mc(&cyc, 200, 5, &r, 1);
    REQUIRE(ts_mc_markov_windows(&cyc, 200, 2, 30, 7, 1, &a) == 0);
    CHECK(a.n == 210 && a.dt && a.ch[TS_CH_CPU]);
    int starts[5] = {0}, inside = 1;
    for (size_t w = 0; w < 30; w++) {
        starts[a.ch[TS_CH_EVENT][w * 7]]++;
        for (size_t t = 1; t < 7; t++)
            inside &= a.ch[TS_CH_EVENT][w * 7 + t] == (a.ch[TS_CH_EVENT][w * 7 + t - 1] + 1) % 5;
    }
    CHECK(inside);
    int kinds = 0;   /* a chain continued across windows would start each at the next in the cycle */
    for (int v = 0; v < 5; v++) kinds += starts[v] > 0;
    CHECK(kinds >= 3);
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&cyc, 200, &k) == 0);
    ts_validity v;
    ts_constraints_validity(&k, &a, 7, &v);
    CHECK(v.d_trans == 0 && v.d_cpu == 0 && v.d_attr == 0 && v.d_time == 0);
    ts_constraints_free(&k);
    ts_mc_free(&a);

    /* the other channels for given events: the events kept; a type the training part
     * never has (4 in the first 3 events of the cycle) draws from all of it; IDs outside
     * the trace's types are refused */
    const int32_t ev[6] = {0, 1, 4, 4, 2, 3};
    REQUIRE(ts_mc_from_events(&cyc, 200, ev, 6, 2, &a) == 0);
    CHECK(a.n == 6 && memcmp(a.ch[TS_CH_EVENT], ev, sizeof ev) == 0 && a.dt && a.ch[TS_CH_TID]);
    for (int i = 0; i < 6; i++) CHECK(a.ch[TS_CH_TID][i] == 10 * ev[i]);   /* the cycle's tid: 10 x type */
    ts_mc_free(&a);
    REQUIRE(ts_mc_from_events(&cyc, 3, ev, 6, 2, &a) == 0);
    CHECK(a.ch[TS_CH_TID][2] == 0 || a.ch[TS_CH_TID][2] == 10 || a.ch[TS_CH_TID][2] == 20);
    CHECK(a.ch[TS_CH_TID][0] == 0 && a.ch[TS_CH_TID][4] == 20);
    ts_mc_free(&a);
    const int32_t bad[2] = {1, 5};
    CHECK(ts_mc_from_events(&cyc, 200, bad, 2, 2, &a) != 0);
    CHECK_MSG(strstr(ts_error(), "event 1: ID 5 is not one of the trace's 5"), "%s", ts_error());
    ts_mc_free(&cyc);
    ts_mc_free(&train);
}

/* CTF output: read back through libbabeltrace2 (ts_ctf_scan): every event, with its name,
 * CPU and time, in order within its CPU's stream (events of equal times on different CPUs
 * may come in either order); babeltrace2's own text output when the program is installed */
typedef struct {
    const ts_mc *m;
    size_t n, bad_name, bad_cpu, bad_time, next[4], other;
    int64_t last;
} ctf_back;

static int ctf_back_event(void *user, const ts_rw_event *e)
{
    ctf_back *b = user;
    /* the calls are the entries; the switches and exits around them are counted apart */
    if (strncmp(e->name, "syscall_entry_", 14)) {
        b->other++;
        return 0;
    }
    b->n++;
    if (e->cpu < 0 || e->cpu >= 4) { b->bad_cpu++; return 0; }
    size_t *i = &b->next[e->cpu];   /* the next event of that CPU */
    while (*i < b->m->n && b->m->ch[TS_CH_CPU][*i] != e->cpu) ++*i;
    if (*i == b->m->n) { b->bad_cpu++; return 0; }
    char want[32];
    snprintf(want, sizeof want, "e%d", (int)b->m->ch[TS_CH_EVENT][*i]);
    b->bad_name += strcmp(e->name + 14, want) != 0;
    b->bad_time += e->time_ns < b->last;
    b->last = e->time_ns;
    ++*i;
    return 0;
}

static void ctf_output(void)
{
    ts_rng r;
    ts_rng_seed(&r, 21);
    ts_mc m;
    make_mc(&m, 300, 5, &r, 0);
    m.events.vocab.n = 5;
    m.events.vocab.names = ts_malloc(5 * sizeof(char *));
    for (int v = 0; v < 5; v++) {
        char nm[16];
        snprintf(nm, sizeof nm, "e%d", v);
        m.events.vocab.names[v] = ts_strdup(nm);
    }
    const char *dir = scratch_dir();
    char out[512], cmd[1200];
    snprintf(out, sizeof out, "%s/ctf", dir);
    REQUIRE(ts_mc_write_ctf(out, &m) == 0);
    char p[600];
    for (int c = 0; c < 4; c++) {   /* CPUs 0..3: one stream file each */
        snprintf(p, sizeof p, "%s/chan_%d", out, c);
        CHECK_MSG(ts_file_exists(p), "%s", p);
    }
    ctf_back b = {&m, 0, 0, 0, 0, {0}, 0, 0};
    ts_scan_hooks h;
    memset(&h, 0, sizeof h);
    h.user = &b;
    h.event = ctf_back_event;
    REQUIRE(ts_ctf_scan(out, &h) == 0);
    CHECK_MSG(b.n == 300 && b.bad_name == 0 && b.bad_cpu == 0 && b.bad_time == 0, "%zu events, %zu %zu %zu wrong",
              b.n, b.bad_name, b.bad_cpu, b.bad_time);
    double total = 0;   /* the last event's time: the sum of the dts after the first */
    for (size_t i = 1; i < 300; i++) total += expm1((double)m.dt[i]);
    CHECK_MSG(b.last == (int64_t)llround(total), "last event at %lld ns, want %.0f", (long long)b.last, total);
    /* a trace written here (its mark) is replaced */
    CHECK_MSG(ts_mc_write_ctf(out, &m) == 0, "%s", ts_error());
    if (system("command -v babeltrace2 > /dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "babeltrace2 %s > %s/bt.txt 2>&1", out, dir);
        CHECK(system(cmd) == 0);
        snprintf(p, sizeof p, "%s/bt.txt", dir);
        FILE *f = fopen(p, "r");
        char line[512];
        size_t lines = 0, payload = 0;
        while (f && fgets(line, sizeof line, f)) {
            lines++;
            payload += strstr(line, "syscall_entry_e") && strstr(line, "{ tid = ") && strstr(line, ", comm = \"") &&
                       strstr(line, "cpu_id = ");
        }
        if (f) fclose(f);
        CHECK_MSG(lines == 300 + b.other && payload == 300, "%zu lines, %zu with the payload", lines, payload);
    } else {
        fprintf(stderr, "  note: babeltrace2 not installed; its text output not checked\n");
    }
    /* without a cpu channel: one stream */
    free(m.ch[TS_CH_CPU]);
    m.ch[TS_CH_CPU] = NULL;
    snprintf(out, sizeof out, "%s/ctf1", dir);
    REQUIRE(ts_mc_write_ctf(out, &m) == 0);
    snprintf(p, sizeof p, "%s/chan_1", out);
    CHECK(!ts_file_exists(p));
    m.n = 0;
    snprintf(out, sizeof out, "%s/ctf2", dir);
    CHECK(ts_mc_write_ctf(out, &m) != 0 && strstr(ts_error(), "no events"));
    m.n = 300;
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a multi-channel dataset without dt (a strace log without times) is still compared
 * channel by channel, and takes --length and --real-part */
static void eval_without_dt(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512], out[8192];
    /* the log without its -ttt column: comm, ret and tid, no dt */
    snprintf(cmd, sizeof cmd, "sed -E 's/^([0-9]+) +[0-9.]+ /\\1 /' data/default/workload.strace > %s/untimed.strace", dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s/untimed.strace -o %s/ds", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s/ds/dt.npy", dir);
    REQUIRE(!ts_file_exists(cmd));
    snprintf(cmd, sizeof cmd, "%s/ds/comm.npy", dir);
    REQUIRE(ts_file_exists(cmd));
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/ds --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"js\": {\"event\": 0.000000, \"comm\": 0.000000, \"ret\": 0.000000, \"tid\": 0.000000, "
                          "\"cpu\": null}") && strstr(out, "\"w1_dt\": null"), "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --real-part test --synthetic %s/ds --length 22872 --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_part\": \"test\"") && strstr(out, "\"length\": 22872, \"windows\": 1,"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a library caller's NULL: each function refuses it by name, outputs emptied (they crashed,
 * and a NULL path was read as "(null)") */
static void null_arguments_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/k.tsc", dir);
    ts_rng r;
    ts_rng_seed(&r, 3);
    ts_mc real;
    make_mc(&real, 100, 4, &r, 1);
    ts_constraints k, k2;
    REQUIRE(ts_constraints_learn(&real, 0, &k) == 0);
    ts_validity val;
    ts_repair_report rep;
#define FAILS(call, msg) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_constraints_learn(NULL, 0, &k2), "ts_constraints_learn: m is NULL");
    CHECK(k2.V == 0 && k2.trans == NULL);
    FAILS(ts_constraints_learn(&real, 0, NULL), "ts_constraints_learn: out is NULL");
    FAILS(ts_constraints_save(NULL, path), "ts_constraints_save: k is NULL");
    FAILS(ts_constraints_save(&k, NULL), "ts_constraints_save: path is NULL");
    CHECK(!ts_file_exists(path));
    REQUIRE(ts_constraints_save(&k, path) == 0);
    FAILS(ts_constraints_load(NULL, &k2), "ts_constraints_load: path is NULL");
    CHECK(k2.V == 0 && k2.trans == NULL);
    FAILS(ts_constraints_load(path, NULL), "ts_constraints_load: out is NULL");
    FAILS(ts_constraints_fit(NULL, &real, "t"), "ts_constraints_fit: k is NULL");
    FAILS(ts_constraints_fit(&k, NULL, "t"), "ts_constraints_fit: m is NULL");
    FAILS(ts_constraints_fit(&k, &real, NULL), "ts_constraints_fit: what is NULL");
    FAILS(ts_constraints_validity(NULL, &real, 0, &val), "ts_constraints_validity: k is NULL");
    CHECK(val.events == 0 && val.d_trans == -1 && val.d_time == -1 && val.d_cpu == -1 && val.d_attr == -1);
    FAILS(ts_constraints_validity(&k, NULL, 0, &val), "ts_constraints_validity: m is NULL");
    FAILS(ts_constraints_validity(&k, &real, 0, NULL), "ts_constraints_validity: out is NULL");
    ts_mc noev = {.n = 3};
    FAILS(ts_constraints_validity(&k, &noev, 0, &val), "ts_constraints_validity: m->ch[TS_CH_EVENT] is NULL");
    FAILS(ts_repair(NULL, &real, 0, NULL, &rep), "ts_repair: k is NULL");
    CHECK(rep.events == 0);
    FAILS(ts_repair(&k, NULL, 0, NULL, &rep), "ts_repair: m is NULL");
    FAILS(ts_repair(&k, &real, 0, NULL, NULL), "ts_repair: out is NULL");
    FAILS(ts_repair(&k, &noev, 0, NULL, &rep), "ts_repair: m->ch[TS_CH_EVENT] is NULL");
#undef FAILS
    CHECK(ts_constraints_validity(&k, &real, 0, &val) == 0 && val.events == 100 && val.d_trans == 0);
    CHECK(ts_repair(&k, &real, 0, NULL, &rep) == 0 && rep.events == 100);
    ts_constraints_free(&k);
    ts_mc_free(&real);
}

/* eval of traces whose event types have names on one side only (a dataset without its
 * vocab.tsv): the IDs of one would be read as the other's types; refused in one line naming
 * the synthetic trace, as constraints and repair refuse them (eval compared the IDs, silently) */
static void eval_names_one_side(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], err[1024];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_f.log -o %s/ds -q", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s/un && cp -r %s/ds %s/un && rm %s/un/vocab.tsv", dir, dir, dir, dir);
    REQUIRE(system(cmd) == 0);
    static const char *const pairs[2][2] = {{"ds", "un"}, {"un", "ds"}};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "eval --real %s/%s --synthetic %s/%s", dir, pairs[i][0], dir, pairs[i][1]);
        char want[700];
        snprintf(want, sizeof want, "tracesynth: error: %s/%s: ", dir, pairs[i][1]);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want) && strstr(err, "cannot be matched by name"), "%s: %d: %s", cmd, rc, err);
    }
    /* unnamed on both sides: the IDs are the types of both */
    snprintf(cmd, sizeof cmd, "eval --real %s/un --synthetic %s/un", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* a trace that the constraints cannot take (an event name they lack, and no <unk> to read
 * it as; names on one side only): repair and eval said so naming the trace alone; the
 * constraints file is the other side, now named too */
static void fit_error_names_constraints(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], err[1024], want[700];
    ts_mc a, b;
    ts_rng r;
    ts_rng_seed(&r, 4);
    make_mc(&a, 40, 2, &r, 1);   /* e0 e1 e0 ...: no e2, no <unk> */
    make_mc(&b, 40, 3, &r, 1);   /* e0 e1 e2 e0 ... */
    ts_mc *const both[2] = {&a, &b};
    for (int t = 0; t < 2; t++) {
        ts_vocab *v = &both[t]->events.vocab;
        v->n = 2 + t;
        v->names = ts_malloc((size_t)v->n * sizeof *v->names);
        v->counts = ts_calloc((size_t)v->n, sizeof *v->counts);
        for (int i = 0; i < v->n; i++) {
            char nm[16];
            snprintf(nm, sizeof nm, "e%d", i);
            v->names[i] = ts_strdup(nm);
            v->counts[i] = 1;
        }
    }
    snprintf(cmd, sizeof cmd, "%s/a", dir);
    REQUIRE(ts_mc_save(cmd, &a) == 0);
    snprintf(cmd, sizeof cmd, "%s/b", dir);
    REQUIRE(ts_mc_save(cmd, &b) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/a -o %s/a.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const runs[2] = {"repair %s/b --constraints %s/a.tsc -o %s/r",
                                        "eval --real %s/b --synthetic %s/b --constraints %s/a.tsc"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, runs[i], dir, dir, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        snprintf(want, sizeof want, "%s/a.tsc", dir);
        CHECK_MSG(rc == 1 && strstr(err, "'e2'") && strstr(err, want), "%s: %d: %s", cmd, rc, err);
    }
    ts_mc_free(&a);
    ts_mc_free(&b);
}

/* repair's summary of a trace that already obeys: "changed 0 of N events (0.00 %) -> DIR",
 * no colon before an empty list of channels (it printed "(0.00 %): -> DIR") */
static void repair_nothing_changed_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[2048], want[700];
    ts_mc m;
    ts_rng r;
    ts_rng_seed(&r, 5);
    make_mc(&m, 40, 3, &r, 1);
    snprintf(cmd, sizeof cmd, "%s/ok", dir);
    REQUIRE(ts_mc_save(cmd, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "constraints %s/ok -o %s/ok.tsc", dir, dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/ok --constraints %s/ok.tsc -o %s/okr", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "changed 0 of 40 events (0.00 %%) -> %s/okr\n", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
}

/* a type that nothing follows in the training part (its last event's, seen nowhere else;
 * in a set of windows, one only ending them): the chain went on after it with the most
 * frequent event, a pair never seen, so the baseline broke its own constraints (D_trans
 * 0.03-0.07 here); it now never draws such a type, nor one only it follows */
static void markov_dead_end(void)
{
    ts_rng r;
    ts_rng_seed(&r, 6);
    ts_mc real;
    make_mc(&real, 60, 4, &r, 1);
    /* 0 1 0 1 ... 3 2 (the training part's end: 2 follows only 3, 3 nothing but 2), then 0s */
    for (size_t i = 0; i < 60; i++) real.ch[TS_CH_EVENT][i] = i < 40 ? (int32_t)(i % 2) : 0;
    real.ch[TS_CH_EVENT][40] = 3;
    real.ch[TS_CH_EVENT][41] = 2;
    ts_constraints k;
    REQUIRE(ts_constraints_learn(&real, 42, &k) == 0);
    for (uint64_t seed = 0; seed < 6; seed++)
        for (int draw = 0; draw < 2; draw++) {
            ts_mc a;
            REQUIRE(ts_mc_markov_given(&real, 42, 2, 4, 50, draw ? TS_DRAW_PAIR : TS_DRAW_TYPE, seed, &a) == 0);
            ts_validity v;
            ts_constraints_validity(&k, &a, 50, &v);
            CHECK_MSG(v.d_trans == 0, "seed %llu, draw %d: D_trans %g", (unsigned long long)seed, draw, v.d_trans);
            ts_mc_free(&a);
        }
    ts_constraints_free(&k);
    /* a set of windows of 6 whose last event is always type 3, seen nowhere else */
    for (size_t i = 0; i < 60; i++) real.ch[TS_CH_EVENT][i] = i % 6 == 5 ? 3 : (int32_t)(i % 2);
    REQUIRE(ts_constraints_learn_windows(&real, 42, 6, &k) == 0);
    for (uint64_t seed = 0; seed < 6; seed++) {
        ts_mc a;
        REQUIRE(ts_mc_markov_given_windows(&real, 42, 6, 2, 4, 20, TS_DRAW_TYPE, seed, &a) == 0);
        ts_validity v;
        ts_constraints_validity(&k, &a, 20, &v);
        CHECK_MSG(v.d_trans == 0, "windows, seed %llu: D_trans %g", (unsigned long long)seed, v.d_trans);
        ts_mc_free(&a);
    }
    ts_constraints_free(&k);
    /* nothing but dead ends (every type once): the chain as before, not an error */
    for (size_t i = 0; i < 60; i++) real.ch[TS_CH_EVENT][i] = (int32_t)(i % 4);
    real.ch[TS_CH_EVENT][0] = 0;
    ts_mc a = {0};   /* freed below even when the call fails */
    CHECK(ts_mc_markov_given(&real, 3, 2, 1, 10, TS_DRAW_TYPE, 1, &a) == 0 && a.n == 10);
    ts_mc_free(&a);
    ts_mc_free(&real);
}

/* DIR/fr: a trace of 200 events (seed 7) for the tests of recorded split shares */
static void fr_trace(const char *dir)
{
    char path[600];
    ts_mc m;
    ts_rng r;
    ts_rng_seed(&r, 7);
    make_mc(&m, 200, 4, &r, 1);
    snprintf(path, sizeof path, "%s/fr", dir);
    REQUIRE(ts_mc_save(path, &m) == 0);
    ts_mc_free(&m);
}

/* eval's --real-part (and the training part memorization reads) and repair --part of a
 * dataset split at other shares: they cut it at the default 70/10/20; now at the shares its
 * own splits record (split.txt in its folders), --fractions gives them, two that differ are
 * refused, and the output says which */
static void parts_of_recorded_split(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096], err[1024], want[700];
    fr_trace(dir);
    snprintf(cmd, sizeof cmd, "constraints %s/fr -o %s/fr.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.5,0.25,0.25 -o %s/fr/sp", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* the test part: [150, 200), not [160, 200) */
    snprintf(cmd, sizeof cmd, "eval --real %s/fr --synthetic %s/fr --real-part test --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "\"real_part\": \"test\", \"real_events\": 50, \"fractions\": [0.5, 0.25, 0.25], "
             "\"fractions_from\": \"%s/fr/sp/split.txt\",", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/fr --synthetic %s/fr --real-part test", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "real 50 events (test, events [150, 200) of 200, the time split at 0.5,0.25,0.25 as "
             "%s/fr/sp/split.txt records it)", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    /* given: those */
    snprintf(cmd, sizeof cmd, "eval --real %s/fr --synthetic %s/fr --real-part train --fractions 0.6,0.2,0.2 --json",
             dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_events\": 120, \"fractions\": [0.6, 0.2, 0.2], \"fractions_from\": \"--fractions\","),
              "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/fr --synthetic %s/fr --real-part train --fractions 0.6,0.2,0.2", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "real 120 events (train, events [0, 120) of 200, the time split at 0.6,0.2,0.2 as "
                          "--fractions gives it)"), "%s", out);
    snprintf(cmd, sizeof cmd, "repair %s/fr --constraints %s/fr.tsc --part test -o %s/frr --json", dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "\"part\": \"test\", \"fractions\": [0.5, 0.25, 0.25], \"fractions_from\": "
             "\"%s/fr/sp/split.txt\",", dir);
    CHECK_MSG(strstr(out, "{\"events\": 50, ") && strstr(out, want), "%s", out);
    snprintf(cmd, sizeof cmd, "repair %s/fr --constraints %s/fr.tsc --part valid --fractions 0.6,0.2,0.2 -o %s/frr2",
             dir, dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "changed 0 of 40 events"), "%s", out);
    /* the whole trace: no part to cut */
    snprintf(cmd, sizeof cmd, "repair %s/fr --constraints %s/fr.tsc --fractions 0.6,0.2,0.2 -o %s/frr", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--fractions"), "%s", err);
    /* two splits that differ: which one is not known */
    snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.6,0.2,0.2 -o %s/fr/sp2", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const two[2] = {"eval --real %s/fr --synthetic %s/fr --real-part test%.0s",
                                       "repair %s/fr --constraints %s/fr.tsc --part test -o %s/frr3"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, two[i], dir, dir, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        snprintf(want, sizeof want, "%s/fr/sp2/split.txt", dir);
        CHECK_MSG(rc == 1 && strstr(err, "different fractions") && strstr(err, want),
                  "%s: %d: %s", cmd, rc, err);
    }
}

/* constraints and markov of a dataset split at other shares learned from the first 70 % all
 * the same, where eval and repair cut it at the shares its splits record: now they too take
 * those (and say so), --fractions gives others, two splits that differ are refused */
static void constraints_markov_parts_of_recorded_split(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096], err[1024], want[700];
    fr_trace(dir);
    snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.5,0.25,0.25 -o %s/fr/sp", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/fr -o %s/fr.tsc", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "constraints of %s/fr (first 100 of 200 events, the time split at 0.5,0.25,0.25 as "
             "%s/fr/sp/split.txt records it)", dir, dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(cmd, sizeof cmd, "markov %s/fr -n 40 -o %s/frm", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "on the first 100 events of %s/fr (the time split at 0.5,0.25,0.25 as "
             "%s/fr/sp/split.txt records it)", dir, dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    /* given: those, as before */
    snprintf(cmd, sizeof cmd, "constraints %s/fr --fractions 0.6,0.2,0.2 -o %s/fr.tsc", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "(first 120 of 200 events)"), "%s", out);
    snprintf(cmd, sizeof cmd, "markov %s/fr -n 40 --fractions 0.6,0.2,0.2 -o %s/frm1", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "on the first 120 events of %s/fr:", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    /* two splits that differ: which one is not known */
    snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.6,0.2,0.2 -o %s/fr/sp2", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const two[2] = {"constraints %s/fr -o %s/fr2.tsc", "markov %s/fr -n 40 -o %s/frm2"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, two[i], dir, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        snprintf(want, sizeof want, "%s/fr/sp2/split.txt", dir);
        CHECK_MSG(rc == 1 && strstr(err, "different fractions") && strstr(err, want), "%s: %d: %s", cmd, rc, err);
    }
}

/* the times the command opens a stream.txt with fopen, under the shim at so; -1 when it fails */
static int stream_fopens(const char *so, const char *args, char *out, size_t n)
{
    setenv("LD_PRELOAD", so, 1);
    const int rc = run_output(args, out, n);
    unsetenv("LD_PRELOAD");
    int k = 0;
    for (const char *at = out; (at = strstr(at, "shim: fopen stream.txt\n")); at++) k++;
    return rc == 0 ? k : -1;
}

/* constraints and markov of a dataset that no split records hashed its whole stream.txt and
 * vocab.tsv all the same (only a split.txt's stream_crc is compared with the hash): on a large
 * dataset a second read of its events for nothing. A preloaded fopen counts the opens of
 * stream.txt: without --fractions (the splits looked at) as many as with them (none looked
 * at) when no split records the dataset, one more when one does */
static void unsplit_dataset_not_hashed(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a preloaded library would come before the sanitizer's runtime");
#endif
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char so[512], cmd[2048], out[8192], out2[8192];
    if (build_preload(dir, "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <stdio.h>\n#include <string.h>\n"
                    "static FILE *open_as(const char *name, const char *p, const char *m)\n{\n"
                    "    const size_t n = strlen(p);\n"
                    "    if (n >= 11 && !strcmp(p + n - 11, \"/stream.txt\")) fprintf(stderr, \"shim: fopen stream.txt\\n\");\n"
                    "    FILE *(*f)(const char *, const char *) = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, name);\n"
                    "    return f(p, m);\n}\n"
                    "FILE *fopen(const char *p, const char *m) { return open_as(\"fopen\", p, m); }\n"
                    "FILE *fopen64(const char *p, const char *m) { return open_as(\"fopen64\", p, m); }\n",
                      so, sizeof so) != 0)
        SKIP("no C compiler for the preloaded shim");
    fr_trace(dir);
    snprintf(cmd, sizeof cmd, "%s/fr/other", dir);   /* a folder that is no split: nothing to compare */
    REQUIRE(mkdir(cmd, 0700) == 0);
    static const char *const runs[2] = {"constraints %s/fr -o %s/fr%d.tsc %s", "markov %s/fr -n 40 -o %s/frm%d %s"};
    int k = 0;
    for (int split = 0; split < 2; split++) {
        if (split) {
            snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.5,0.25,0.25 -o %s/fr/sp", dir,
                     dir);
            REQUIRE(run_cli(cmd, out, sizeof out) == 0);
        }
        for (int i = 0; i < 2; i++) {
            snprintf(cmd, sizeof cmd, runs[i], dir, dir, k++, "--fractions 0.5,0.25,0.25");
            const int given = stream_fopens(so, cmd, out, sizeof out);
            snprintf(cmd, sizeof cmd, runs[i], dir, dir, k++, "");
            const int looked = stream_fopens(so, cmd, out2, sizeof out2);
            CHECK_MSG(given >= 0 && looked == given + split, "%s (%s split): %d opens, %d with --fractions: %s%s", cmd,
                      split ? "a" : "no", looked, given, out, out2);
        }
    }
}

/* a split.txt of CRLF line ends (edited elsewhere) read as no record of a time split, and the
 * dataset was cut at 70 % without a word; its lines are now read without their \r */
static void recorded_split_crlf(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096], err[1024], want[700];
    ts_mc m;
    ts_rng r;
    ts_rng_seed(&r, 7);
    make_mc(&m, 200, 4, &r, 1);
    snprintf(cmd, sizeof cmd, "%s/cr", dir);
    REQUIRE(ts_mc_save(cmd, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "split %s/cr --length 4 --windows 5 --fractions 0.5,0.25,0.25 -o %s/cr/sp", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "sed -i 's/$/\r/' %s/cr/sp/split.txt && grep -q 'split=time.$' %s/cr/sp/split.txt", dir,
             dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/cr -o %s/cr.tsc", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "(first 100 of 200 events, the time split at 0.5,0.25,0.25 as %s/cr/sp/split.txt "
             "records it)", dir);
    CHECK_MSG(strstr(out, want), "%s", out);
}

/* repair with the constraints of another trace changed every event without a word on why;
 * the values whose names the constraints lack (each a change: their <unk>) are now counted
 * in a note on stderr, as eval notes names the real trace lacks; none, no note */
static void repair_notes_names_constraints_lack(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], said[2048], want[700];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_f.log -o %s/f -q", dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_single.log -o %s/s -q", dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/f -o %s/f.tsc", dir, dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    snprintf(cmd, sizeof cmd, "repair %s/s --constraints %s/f.tsc -o %s/sr", dir, dir, dir);
    REQUIRE(cli_run(cmd, CLI_OUT_ERR, said, sizeof said) == 0);
    snprintf(want, sizeof want, "tracesynth: note: repair: ");
    const char *note = strstr(said, want);
    snprintf(want, sizeof want, "have names the constraints lack (%s/f.tsc", dir);
    CHECK_MSG(note && strstr(note, want) && strstr(said, "changed 7 of 7 events"), "%s", said);
    /* its own constraints: no note */
    snprintf(cmd, sizeof cmd, "repair %s/f --constraints %s/f.tsc -o %s/fr", dir, dir, dir);
    REQUIRE(cli_run(cmd, CLI_OUT_ERR, said, sizeof said) == 0);
    CHECK_MSG(!strstr(said, "note:"), "%s", said);
}

/* a split made in the dataset's own folder (split ds -o ds) records its shares as one in
 * ds/SPLIT does: constraints, markov and eval --real-part cut ds at them, not at 70 % */
static void recorded_split_in_place(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096], err[1024], want[700];
    fr_trace(dir);
    snprintf(cmd, sizeof cmd, "split %s/fr --length 4 --windows 5 --fractions 0.5,0.25,0.25 -o %s/fr", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/fr -o %s/frp.tsc", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "constraints of %s/fr (first 100 of 200 events, the time split at 0.5,0.25,0.25 as "
             "%s/fr/split.txt records it)", dir, dir);
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(cmd, sizeof cmd, "markov %s/fr -n 40 -o %s/frpm", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "on the first 100 events of"), "%s", out);
    snprintf(cmd, sizeof cmd, "eval --real %s/fr --synthetic %s/fr --real-part test --json", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_events\": 50, \"fractions\": [0.5, 0.25, 0.25]"), "%s", out);
}

TEST_MAIN("repair", {
    RUN(null_arguments_refused);
    RUN(ctf_output);
    RUN(memorization);
    RUN(markov_baseline);
    RUN(windows_recorded);
    RUN(constraints_learn_windows);
    RUN(eval_real_windows);
    RUN(eval_real_windows_train_part);
    RUN(windows_recorded_events_only);
    RUN(windows_recorded_impute_score_tune);
    RUN(train_set_windows_events_only);
    RUN(eval_real_train_windows_events_only);
    RUN(split_refuses_set_of_windows);
    RUN(train_set_windows_refusals);
    RUN(markov_baseline_first_dt);
    RUN(learn_and_validity);
    RUN(learn_refuses_out_of_range);
    RUN(validity_matches_definitions);
    RUN(repair_is_minimal);
    RUN(repair_matches_enumeration);
    RUN(repair_channels);
    RUN(repair_exit_marks);
    RUN(repair_counts_renamed_values);
    RUN(first_dt_not_a_bound);
    RUN(repair_nearest_ties_and_unnamed);
    RUN(file_round_trip);
    RUN(constraints_without_value_names);
    RUN(repair_too_long_refused);
    RUN(cli);
    RUN(constraints_dataset_without_names);
    RUN(eval_without_dt);
    RUN(not_a_constraints_file);
    RUN(constraints_file_not_a_model);
    RUN(sparse_values_refused);
    RUN(markov_sparse_ids_refused_first);
    RUN(eval_names_one_side);
    RUN(fit_error_names_constraints);
    RUN(repair_nothing_changed_line);
    RUN(markov_dead_end);
    RUN(parts_of_recorded_split);
    RUN(constraints_markov_parts_of_recorded_split);
    RUN(unsplit_dataset_not_hashed);
    RUN(recorded_split_crlf);
    RUN(repair_notes_names_constraints_lack);
    RUN(recorded_split_in_place);
})
