/* constraints files (repair --constraints, eval --constraints; untrusted): the container
 * and ts_constraints_load, then what repair does with them. The input is written with the
 * right CRC-32 and mutated one chunk at a time (fuzz_container.h). A loaded file is applied
 * to a small trace of the kind ts_mc_load gives (every channel, named as the constraints
 * are, values drawn from the input's CRC): fit, the validity distances (one sequence and
 * windows), and repair, after which every distance measured must be 0, as repair.h says. */
#include "fuzz_container.h"
#include "tracesynth/repair.h"

#define N_EV 24
#define WIN 8

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_container_mutate(data, size, max_size, seed);
}

static void set_names(ts_vocab *v, const char *const *names, int n)
{
    v->n = n;
    v->unk = 1;
    v->names = ts_malloc((size_t)n * sizeof *v->names);
    for (int i = 0; i < n; i++) v->names[i] = ts_strdup(names[i]);
}

/* a trace ts_mc_load could give, in which the constraints' names all occur */
static void make_trace(const ts_constraints *k, uint64_t seed, ts_mc *m)
{
    static const char *const comms[] = {"<pad>", "<unk>", "sh", "cat"};
    static const char *const rets[] = {"<pad>", "<unk>", "0", "-1", "5", "100"};
    ts_rng r;
    ts_rng_seed(&r, seed);
    memset(m, 0, sizeof *m);
    m->n = N_EV;
    m->events.stream.n = N_EV;
    m->events.stream.ids = ts_malloc(N_EV * sizeof(int32_t));
    m->events.vocab.unk = -1;
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->dt = ts_malloc(N_EV * sizeof *m->dt);
    for (int c = TS_CH_COMM; c < TS_NCH; c++) m->ch[c] = ts_malloc(N_EV * sizeof(int32_t));
    if (k->events.n > 0 && ts_vocab_copy(&m->events.vocab, &k->events) != 0) abort();
    if (k->comm.n > 0) {   /* the same names in reverse: fit renumbers them by name */
        if (ts_vocab_copy(&m->comm_vocab, &k->comm) != 0) abort();
        for (int i = 0, j = m->comm_vocab.n - 1; i < j; i++, j--) {
            char *t = m->comm_vocab.names[i];
            m->comm_vocab.names[i] = m->comm_vocab.names[j];
            m->comm_vocab.names[j] = t;
        }
        if (m->comm_vocab.unk >= 0) m->comm_vocab.unk = m->comm_vocab.n - 1 - m->comm_vocab.unk;
    } else {
        set_names(&m->comm_vocab, comms, 4);
    }
    if (k->ret.n > 0) {
        if (ts_vocab_copy(&m->ret_vocab, &k->ret) != 0) abort();
    } else {
        set_names(&m->ret_vocab, rets, 6);
    }
    /* unnamed events: IDs past the constraints' types too, as a stream.txt may hold */
    uint64_t types = (uint64_t)k->V + (k->events.n > 0 ? 0 : 2);
    uint64_t cpus = k->card[TS_CH_CPU] > 0 ? (uint64_t)k->card[TS_CH_CPU] + 2 : 4;
    for (size_t i = 0; i < N_EV; i++) {
        m->ch[TS_CH_EVENT][i] = (int32_t)ts_rng_below(&r, types);
        uint64_t d = ts_rng_below(&r, 8);
        m->dt[i] = d == 0 ? 0.0f : d == 1 ? TS_MC_DT_MAX : (float)ts_rng_uniform(&r) * TS_MC_DT_MAX;
        m->ch[TS_CH_COMM][i] = (int32_t)ts_rng_below(&r, (uint64_t)m->comm_vocab.n);
        m->ch[TS_CH_RET][i] = (int32_t)ts_rng_below(&r, (uint64_t)m->ret_vocab.n);
        m->ch[TS_CH_TID][i] = (int32_t)ts_rng_below(&r, TS_TID_MOD);
        m->ch[TS_CH_CPU][i] = (int32_t)ts_rng_below(&r, cpus);
    }
}

static void check_distances(const ts_validity *v, const char *when, int zero)
{
    const double d[4] = {v->d_trans, v->d_time, v->d_cpu, v->d_attr};
    for (int i = 0; i < 4; i++)
        if (!(d[i] == -1 || (d[i] >= 0 && d[i] <= 1)) || (zero && d[i] > 0)) {
            fprintf(stderr, "fuzz: %s: distance %d is %g\n", when, i, d[i]);
            abort();
        }
}

/* repair m (windows of len events) and check what repair.h promises */
static void repair(const ts_constraints *k, ts_mc *m, size_t len)
{
    ts_repair_report rep;
    if (ts_repair(k, m, len, "trace", &rep) != 0) {
        fuzz_check_error();
        return;
    }
    ts_validity v;
    ts_constraints_validity(k, m, len, &v);
    check_distances(&v, "after repair", 1);
    for (size_t i = 0; i < m->n; i++) {
        int32_t e = m->ch[TS_CH_EVENT][i];
        if (e < 0 || e >= k->V || !k->seen[e]) {
            fprintf(stderr, "fuzz: repair wrote the type %d at %zu (V %d)\n", e, i, k->V);
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("c.tsc");
    fuzz_write_container(path, data, size);
    ts_constraints k;
    if (ts_constraints_load(path, &k) != 0) {
        fuzz_check_error();
        return 0;
    }
    ts_mc m, w;
    make_trace(&k, ts_crc32(0, data, size), &m);
    if (ts_constraints_fit(&k, &m, "trace") != 0) {
        fuzz_check_error();
    } else {
        ts_validity v;
        ts_constraints_validity(&k, &m, 0, &v);
        check_distances(&v, "one sequence", 0);
        ts_constraints_validity(&k, &m, WIN, &v);
        check_distances(&v, "windows", 0);
        if (ts_mc_slice(&m, 0, m.n, &w) != 0) abort();
        repair(&k, &m, WIN);
        repair(&k, &w, 0);
        ts_mc_free(&w);
    }
    ts_mc_free(&m);
    ts_constraints_free(&k);
    return 0;
}
