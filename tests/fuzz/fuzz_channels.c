/* multi-channel datasets (ingest --channels, markov, repair output; untrusted): the
 * input is split into the files of a dataset directory, read by ts_mc_load, and a loaded
 * dataset goes through what constraints, repair and eval do with one.
 *
 * Input: sections, each the 5-byte marker "\xfe\xfdTS" + a file index (mod NFILES, the
 * order of files[] below), then the file's bytes up to the next marker. A file without a
 * section is absent; of two sections for one file the later wins; bytes before the
 * first marker are ignored. pack_channels.sh packs a dataset directory so. A custom
 * mutator edits one file at a time, or drops one, or moves one to another name, so
 * that the other files stay as they were (the fuzzer rarely rebuilds a valid .npy).
 *
 * A loaded dataset must hold what ts_mc_load promises (every value within its channel's
 * range); then its cardinalities, ts_mc_compare and ts_mc_memorized against itself, the
 * constraints learned from it (under which it breaks nothing: every distance 0), repair
 * of a copy (after which every distance is 0), the Markov baseline and its channel drawer.
 * DIR/exit.npy (ingest --exits: which events are exits) is read with the events; its marks
 * are the names' kinds again (ts_mc_event_kinds, ts_mc_kinds_by_name) and read back saved.
 * DIR/length and DIR/arch are read as the CLI reads them (ts_mc_window_length; the first
 * word of arch through ts_dataset_arch, cli_dataset_arch): a length the set records must be
 * whole windows of its events, and the constraints, the distances and the repair run again
 * on windows of it; a repaired copy is saved as repair saves it (ts_mc_save_windows, with
 * the architecture) and must read back with the same events, length and architecture. */
#include "fuzz.h"
#include "tracesynth/repair.h"

#include <sys/stat.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static const char *const files[] = {
    "stream.txt", "vocab.tsv", "time_ns.npy", "dt.npy", "comm.npy",
    "comm.vocab.tsv", "ret.npy", "ret.vocab.tsv", "tid.npy", "cpu.npy", "length", "arch", "exit.npy",
};
enum { NFILES = sizeof files / sizeof files[0], MARK = 5, MAX_SEC = 32 };
static const uint8_t marker[4] = {0xfe, 0xfd, 'T', 'S'};

typedef struct { size_t at, len; int file; } section;   /* at: the bytes after the marker */

static size_t find_marker(const uint8_t *d, size_t size, size_t from)
{
    for (size_t i = from; i + MARK <= size; i++)
        if (!memcmp(d + i, marker, 4)) return i;
    return size;
}

static int split(const uint8_t *d, size_t size, section *s)
{
    int n = 0;
    size_t i = find_marker(d, size, 0);
    while (i < size && n < MAX_SEC) {
        size_t next = find_marker(d, size, i + MARK);
        s[n++] = (section){i + MARK, next - i - MARK, d[i + 4] % NFILES};
        i = next;
    }
    return n;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    section s[MAX_SEC];
    int n = split(data, size, s);
    if (n == 0 || seed % 8 == 0) return LLVMFuzzerMutate(data, size, max_size);   /* 1 in 8: raw bytes */
    int pick = (int)((seed / 8) % (unsigned)n), op = (int)((seed / 256) % 16);
    size_t start = s[pick].at - MARK, end = s[pick].at + s[pick].len;
    if (op == 0) {   /* drop the file */
        memmove(data + start, data + end, size - end);
        return size - (end - start);
    }
    if (op == 1) {   /* the same bytes under another name */
        data[start + 4] = (uint8_t)((seed / 4096) % NFILES);
        return size;
    }
    /* the file's bytes, mutated in place; the sections after it move */
    size_t room = max_size > size ? max_size - size : 0, tail = size - end;
    uint8_t *body = malloc(s[pick].len + room + 1), *rest = malloc(tail + 1);
    memcpy(body, data + s[pick].at, s[pick].len);
    memcpy(rest, data + end, tail);
    size_t nl = LLVMFuzzerMutate(body, s[pick].len, s[pick].len + room);
    size_t out = s[pick].at + nl + tail;
    if (out <= max_size) {
        memcpy(data + s[pick].at, body, nl);
        memcpy(data + s[pick].at + nl, rest, tail);
    }
    free(body);
    free(rest);
    return out <= max_size ? out : LLVMFuzzerMutate(data, size, max_size);
}

static void fail(const char *what, size_t i, double v)
{
    fprintf(stderr, "fuzz: ts_mc_load gave %s %g at event %zu\n", what, v, i);
    abort();
}

/* what ts_mc_load promises of a dataset it loaded */
static void check_loaded(const ts_mc *m)
{
    if (m->n != m->events.stream.n || m->ch[TS_CH_EVENT] != m->events.stream.ids || m->ch[TS_CH_DT])
        fail("an inconsistent trace of n", 0, (double)m->n);
    for (size_t i = 0; i < m->n; i++) {
        int32_t e = m->ch[TS_CH_EVENT][i];
        if (e < 0 || (m->events.vocab.n > 0 && e >= m->events.vocab.n)) fail("the event", i, e);
        if (m->dt && !ts_mc_dt_ok(m->dt[i])) fail("the dt", i, m->dt[i]);
        if (m->ch[TS_CH_COMM] && (m->ch[TS_CH_COMM][i] < 0 || m->ch[TS_CH_COMM][i] >= m->comm_vocab.n))
            fail("the comm", i, m->ch[TS_CH_COMM][i]);
        if (m->ch[TS_CH_RET] && (m->ch[TS_CH_RET][i] < 0 || m->ch[TS_CH_RET][i] >= m->ret_vocab.n))
            fail("the ret", i, m->ch[TS_CH_RET][i]);
        if (m->ch[TS_CH_TID] && (m->ch[TS_CH_TID][i] < 0 || m->ch[TS_CH_TID][i] >= TS_TID_MOD))
            fail("the tid", i, m->ch[TS_CH_TID][i]);
        if (m->ch[TS_CH_CPU] && m->ch[TS_CH_CPU][i] < 0) fail("the cpu", i, m->ch[TS_CH_CPU][i]);
        if (m->events.exit && m->events.exit[i] > TS_EVENT_OTHER) fail("the exit mark", i, m->events.exit[i]);
    }
    if ((m->ch[TS_CH_COMM] && m->comm_vocab.n < 2) || (m->ret_vocab.n && m->ret_vocab.n < 2))
        fail("a vocabulary without <pad>, <unk>", 0, 0);
}

/* the architecture a dataset names (DIR/arch) as the CLI reads it (cli_dataset_arch), NULL
 * when none or when refused (a word no architecture, a file not a regular one: its error) */
static const char *dataset_arch(const char *dir)
{
    ts_arch a;
    if (ts_dataset_arch(dir, &a) != 0) {
        fuzz_check_error();
        return NULL;
    }
    return a == TS_ARCH_UNKNOWN ? NULL : ts_arch_name(a);
}

static void check_distances(const ts_validity *v, const char *when, size_t len)
{
    const double d[4] = {v->d_trans, v->d_time, v->d_cpu, v->d_attr};
    for (int i = 0; i < 4; i++)
        if (!(d[i] == -1 || d[i] == 0)) {
            fprintf(stderr, "fuzz: %s (windows of %zu): distance %d is %g\n", when, len, i, d[i]);
            abort();
        }
}

/* the repaired copy c of m, saved as repair saves it (windows of len, the architecture),
 * reads back with its events, the length and the architecture */
static void save_repaired(const ts_mc *c, size_t n, size_t len, const char *arch)
{
    char out[600];   /* fuzz_path's buffers are reused */
    snprintf(out, sizeof out, "%s", fuzz_path("repaired"));
    if (c->n != n || (len && c->n % len)) {
        fprintf(stderr, "fuzz: repair gave %zu events of %zu (windows of %zu)\n", c->n, n, len);
        abort();
    }
    if (ts_mc_save_windows(out, c, arch, len, 1) != 0) {
        fuzz_check_error();
        return;
    }
    ts_mc r;
    if (ts_mc_load(out, &r) != 0) {
        fprintf(stderr, "fuzz: a repaired set does not read back: %s\n", ts_error());
        abort();
    }
    size_t rl;
    if (ts_mc_window_length(out, r.n, &rl) != 0 || r.n != c->n || rl != len ||
        memcmp(r.ch[TS_CH_EVENT], c->ch[TS_CH_EVENT], c->n * sizeof *c->ch[TS_CH_EVENT])) {
        fprintf(stderr, "fuzz: a repaired set of %zu events, windows of %zu, reads back as %zu, %zu: %s\n", c->n,
                len, r.n, rl, ts_error());
        abort();
    }
    if (!c->events.exit != !r.events.exit ||
        (c->events.exit && memcmp(c->events.exit, r.events.exit, c->n))) {
        fprintf(stderr, "fuzz: a repaired set's exit marks (exit.npy) do not read back\n");
        abort();
    }
    const char *back = dataset_arch(out);
    if (arch ? !back || strcmp(arch, back) : back != NULL) {
        fprintf(stderr, "fuzz: the architecture %s reads back as %s\n", arch ? arch : "(none)",
                back ? back : "(none)");
        abort();
    }
    ts_mc_free(&r);
}

/* constraints learned from m's first n_train events (0: all) as windows of len events (0:
 * one sequence), as the constraints command learns a set of windows: m itself breaks none
 * with n_train 0; then a repair of a copy, windows of len, after which every distance is 0 */
static void constraints(const ts_mc *m, size_t n_train, size_t len, const char *arch)
{
    ts_constraints k;
    if (ts_constraints_learn_windows(m, n_train, len, &k) != 0) {
        fuzz_check_error();
        return;
    }
    ts_mc c;
    if (ts_mc_slice(m, 0, m->n, &c) != 0) abort();
    if (ts_constraints_fit(&k, &c, "copy") != 0) {
        fuzz_check_error();
    } else {
        ts_validity v;
        ts_constraints_validity(&k, &c, len, &v);
        if (n_train == 0) check_distances(&v, "the trace under its own constraints", len);
        ts_repair_report rep;
        if (ts_repair(&k, &c, len, "copy", &rep) != 0) {
            fuzz_check_error();
        } else {
            ts_constraints_validity(&k, &c, len, &v);
            check_distances(&v, "after repair", len);
            if (n_train == 0) save_repaired(&c, m->n, len, arch);
        }
    }
    ts_mc_free(&c);
    ts_constraints_free(&k);
}

/* what builds on the tables of ts_constraints_learn: constraints (the whole trace and a
 * training part), the channel drawer both ways, the Markov baseline */
static void learned(const ts_mc *m, const char *arch)
{
    constraints(m, 0, 0, arch);
    constraints(m, m->n / 2 + 1, 0, arch);
    for (int given = TS_DRAW_TYPE; given <= TS_DRAW_PAIR; given++) {
        ts_mc_drawer *d;
        if (ts_mc_drawer_new(m, 0, given, &d) != 0) {
            fuzz_check_error();
            continue;
        }
        ts_mc y;
        if (ts_mc_slice(m, 0, m->n, &y) != 0) abort();
        ts_rng r;
        ts_mc_drawer_rng(&r, 1, 0);
        const int32_t types = ts_mc_drawer_types(d), *e = y.ch[TS_CH_EVENT];
        for (size_t i = 0; i < y.n; i++)
            if (e[i] >= 0 && e[i] < types)
                ts_mc_drawer_draw(d, &y, i, i && e[i - 1] >= 0 && e[i - 1] < types ? e[i - 1] : -1, &r);
        ts_mc_free(&y);
        ts_mc_drawer_free(d);
    }
    ts_mc y;
    if (ts_mc_markov(m, 0, 2, 8, 1, &y) == 0) ts_mc_free(&y);
    else fuzz_check_error();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    char dir[600];   /* fuzz_path's buffers are reused */
    snprintf(dir, sizeof dir, "%s", fuzz_path("ds"));
    if (!ready) {
        if (mkdir(dir, 0755) != 0) abort();
        ready = 1;
    }
    section s[MAX_SEC];
    int n = split(data, size, s), last[NFILES];
    for (int f = 0; f < NFILES; f++) last[f] = -1;
    for (int i = 0; i < n; i++) last[s[i].file] = i;
    for (int f = 0; f < NFILES; f++) {
        char name[64];
        snprintf(name, sizeof name, "ds/%s", files[f]);
        const char *p = fuzz_path(name);
        if (last[f] >= 0) fuzz_write(p, data + s[last[f]].at, s[last[f]].len);
        else unlink(p);
    }
    ts_mc m;
    if (ts_mc_load(dir, &m) != 0) {
        fuzz_check_error();
        return 0;
    }
    check_loaded(&m);
    /* the windows' length and the architecture, as the CLI reads them */
    const char *arch = dataset_arch(dir);
    size_t len = 0;
    if (ts_mc_window_length(dir, m.n, &len) != 0) fuzz_check_error();
    else if (len && (m.n < len || m.n % len)) {
        fprintf(stderr, "fuzz: ts_mc_window_length gave windows of %zu for %zu events\n", len, m.n);
        abort();
    }
    for (int c = 0; c < TS_NCH; c++) (void)ts_mc_card(&m, c);
    uint8_t *kinds = ts_mc_event_kinds(&m);   /* each name's kinds, then the events' marks again by them */
    if (kinds) {
        ts_mc y;
        if (ts_mc_slice(&m, 0, m.n, &y) != 0) abort();
        ts_mc_kinds_by_name(&y, kinds, len, NULL);
        for (size_t i = 0; y.events.exit && i < y.n; i++)
            if (y.events.exit[i] > TS_EVENT_OTHER) fail("a mark by name", i, y.events.exit[i]);
        ts_mc_free(&y);
        free(kinds);
    }
    if (m.n > 0) {
        ts_mc_fidelity f;
        if (ts_mc_compare(&m, &m, 0, &f) != 0) fuzz_check_error();
        if (ts_mc_compare(&m, &m, 2, &f) != 0) fuzz_check_error();
        double share;
        size_t w;
        if (ts_mc_memorized(&m, 0, &m, 2, &share, &w) != 0) fuzz_check_error();
        learned(&m, arch);
        if (len) {   /* a set of windows, as repair and eval read it */
            constraints(&m, 0, len, arch);
            constraints(&m, m.n / 2 + 1, len, arch);
        }
    }
    ts_mc_free(&m);
    return 0;
}
