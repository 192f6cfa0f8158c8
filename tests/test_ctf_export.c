/* export --format ctf read back by ingest --from ctf through the CLI: the same events in
 * the same order, and with --channels the same cpu, thread, comm, return value and dt of
 * each; a dataset without channels, and one without a cpu channel, too. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/channels.h"

#include <inttypes.h>
#include <math.h>

/* a raw trace: calls over 3 CPUs and 5 threads, strictly increasing times, a comm per
 * thread (none for one), a return value for most calls (none for every 7th) */
static int make_trace(const char *dir, size_t n, int with_cpu)
{
    static const char *const calls[] = {"read", "write", "openat", "close", "futex", "epoll_wait", "mmap"};
    static const char *const comms[] = {"nginx", "python3", "", "bash", "postgres"};
    ts_mc_raw r;
    memset(&r, 0, sizeof r);
    r.n = n;
    r.names = ts_malloc(n * sizeof *r.names);
    r.comm = ts_malloc(n * sizeof *r.comm);
    r.time_ns = ts_malloc(n * sizeof *r.time_ns);
    r.tid = ts_malloc(n * sizeof *r.tid);
    r.ret = ts_malloc(n * sizeof *r.ret);
    r.has_ret = ts_malloc(n);
    if (with_cpu) r.cpu = ts_malloc(n * sizeof *r.cpu);
    int64_t t = 1000;
    for (size_t i = 0; i < n; i++) {
        size_t k = (i * 7 + i / 3) % 7, th = (i / 4 + i % 3) % 5;
        r.names[i] = ts_strdup(calls[k]);
        r.comm[i] = comms[th][0] ? ts_strdup(comms[th]) : NULL;
        r.tid[i] = 100 + 17 * (int64_t)th;
        if (with_cpu) r.cpu[i] = (int32_t)(th % 3);
        r.has_ret[i] = i % 7 != 3;
        r.ret[i] = k == 3 ? 0 : k == 4 ? -11 : (int64_t)(i % 5) * 512;
        t += 1 + (int64_t)((i * 2654435761u) % 50000);
        r.time_ns[i] = t;
    }
    ts_mc m;
    int rc = ts_mc_encode(&r, 0.7, &m);
    if (rc == 0) rc = ts_mc_save(dir, &m);
    if (rc == 0) ts_mc_free(&m);
    ts_mc_raw_free(&r);
    return rc;
}

static const char *name_of(const ts_vocab *v, int32_t id) { return id >= 0 && id < v->n ? v->names[id] : "?"; }

/* a and b: the same event names; with channels, the same cpu (c ? a's, else 0), tid, comm
 * and ret names; the count of events that differ */
static size_t differ(const ts_mc *a, const ts_mc *b, int channels)
{
    if (a->n != b->n) return a->n > b->n ? a->n : b->n;
    size_t bad = 0;
    for (size_t i = 0; i < a->n; i++) {
        int d = strcmp(name_of(&a->events.vocab, a->ch[TS_CH_EVENT][i]), name_of(&b->events.vocab, b->ch[TS_CH_EVENT][i]));
        if (channels) {
            d |= !b->ch[TS_CH_CPU] || !b->ch[TS_CH_TID] || !b->ch[TS_CH_COMM] || !b->ch[TS_CH_RET];
            if (!d) {
                d |= b->ch[TS_CH_CPU][i] != (a->ch[TS_CH_CPU] ? a->ch[TS_CH_CPU][i] : 0);
                d |= !b->dt || fabs((double)a->dt[i] - (double)b->dt[i]) > 1e-4;
                d |= b->ch[TS_CH_TID][i] != a->ch[TS_CH_TID][i];
                d |= strcmp(name_of(&a->comm_vocab, a->ch[TS_CH_COMM][i]), name_of(&b->comm_vocab, b->ch[TS_CH_COMM][i]));
                d |= strcmp(name_of(&a->ret_vocab, a->ch[TS_CH_RET][i]), name_of(&b->ret_vocab, b->ch[TS_CH_RET][i]));
            }
        }
        if (d && bad < 3)   /* the first few, to see which channel */
            fprintf(stderr, "    event %zu: cpu %d/%d tid %d/%d comm %s/%s ret %s/%s\n", i,
                    a->ch[TS_CH_CPU] ? a->ch[TS_CH_CPU][i] : 0, b->ch[TS_CH_CPU] ? b->ch[TS_CH_CPU][i] : -1,
                    a->ch[TS_CH_TID] ? a->ch[TS_CH_TID][i] : -1, b->ch[TS_CH_TID] ? b->ch[TS_CH_TID][i] : -1,
                    a->ch[TS_CH_COMM] ? name_of(&a->comm_vocab, a->ch[TS_CH_COMM][i]) : "-",
                    b->ch[TS_CH_COMM] ? name_of(&b->comm_vocab, b->ch[TS_CH_COMM][i]) : "-",
                    a->ch[TS_CH_RET] ? name_of(&a->ret_vocab, a->ch[TS_CH_RET][i]) : "-",
                    b->ch[TS_CH_RET] ? name_of(&b->ret_vocab, b->ch[TS_CH_RET][i]) : "-");
        bad += d != 0;
    }
    return bad;
}

static void round_trip(const char *dir, const char *ds, int channels, const char *tag)
{
    char cmd[2048], err[512], path[512];
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/%s.ctf", ds, dir, tag);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/%s.ctf %s -o %s/%s.back", dir, tag, channels ? "--channels" : "",
             dir, tag);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", tag, err);
    if (rc) return;
    ts_mc a, b;
    snprintf(path, sizeof path, "%s/%s.back", dir, tag);
    REQUIRE(ts_mc_load(ds, &a) == 0);
    if (ts_mc_load(path, &b) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        ts_mc_free(&a);
        return;
    }
    size_t d = differ(&a, &b, channels);
    CHECK_MSG(d == 0, "%s: %zu of %zu events differ (%zu back)", tag, d, a.n, b.n);
    ts_mc_free(&a);
    ts_mc_free(&b);
}

static void export_ingest(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[1024], err[512];
    /* every channel, three CPUs */
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 3000, 1) == 0);
    round_trip(dir, ds, 1, "mc");
    round_trip(dir, ds, 0, "events");
    /* babeltrace2 (when installed) opens it: the entries, exits and switches */
    snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; babeltrace2 %s/mc.ctf > %s/mc.txt 2>&1", dir, dir);
    int bt = system(cmd);
    if (!(WIFEXITED(bt) && WEXITSTATUS(bt) == 77)) {
        CHECK(bt == 0);
        snprintf(cmd, sizeof cmd, "grep -q 'syscall_entry_read: .*cpu_id = 2' %s/mc.txt && grep -q 'syscall_exit_futex: .*ret = -11' %s/mc.txt "
                 "&& grep -q 'sched_switch: .*next_comm = \"postgres\", next_tid = 168' %s/mc.txt", dir, dir, dir);
        CHECK(system(cmd) == 0);
    }
    /* no cpu channel (as an strace log): one stream, CPU 0 */
    snprintf(ds, sizeof ds, "%s/nocpu", dir);
    REQUIRE(make_trace(ds, 500, 0) == 0);
    round_trip(dir, ds, 1, "nocpu");
    /* a dataset of events alone */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/events.ctf -o %s/plain", dir, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        snprintf(ds, sizeof ds, "%s/plain", dir);
        round_trip(dir, ds, 0, "plain");
    }
    /* a name whose byte outside printable ASCII comes before a hex digit would read back as
     * another name: refused, naming it, and nothing is left */
    snprintf(ds, sizeof ds, "%s/mc", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    int32_t e0 = m.ch[TS_CH_EVENT][0];
    free(m.events.vocab.names[e0]);
    m.events.vocab.names[e0] = ts_strdup("new\x01" "fstat");
    char out[600];
    snprintf(out, sizeof out, "%s/bad.ctf", dir);
    CHECK_MSG(ts_mc_write_ctf(out, &m) != 0 && strstr(ts_error(), "bad.ctf: event name 'new\x01" "fstat'") &&
              strstr(ts_error(), "byte 0x01 before the hex digit 'f'") && !ts_file_exists(out), "%s", ts_error());
    ts_mc_free(&m);
    /* the help says what an unknown comm is written as: "<unk>", read back as unknown */
    char help[4096];
    REQUIRE(run_stdout("export --help", help, sizeof help) == 0);
    CHECK_MSG(strstr(help, "comm (the name; \"\" none, \"<unk>\" unknown)"), "%s", help);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the first event has no event before it: its dt (not 0 in a slice or a generated trace,
 * as large as a trace holds here) is not written by either format, whose first event is
 * at 0, and ingest reads it back as 0 (as for every trace it reads); the other events and
 * channels come back, and the text written again from what was read is the same text */
static void first_dt(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 300, 0) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    CHECK(m.dt[0] == 0);
    m.dt[0] = TS_MC_DT_MAX;
    snprintf(ds, sizeof ds, "%s/first", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    for (int ctf = 0; ctf < 2; ctf++) {
        const char *tag = ctf ? "ctf" : "strace";
        snprintf(cmd, sizeof cmd, "export %s --format %s -o %s/first.%s", ds, tag, dir, tag);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", tag, err);
        if (rc) continue;
        snprintf(cmd, sizeof cmd, "ingest --from %s %s/first.%s --channels -o %s/back.%s", tag, dir, tag, dir, tag);
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", tag, err);
        if (rc) continue;
        snprintf(path, sizeof path, "%s/back.%s", dir, tag);
        ts_mc b;
        if (ts_mc_load(path, &b) != 0) {
            CHECK_MSG(0, "%s", ts_error());
            continue;
        }
        CHECK_MSG(b.dt && b.dt[0] == 0, "%s: dt %g back", tag, b.dt ? (double)b.dt[0] : -1.0);
        m.dt[0] = 0;
        size_t d = b.n != m.n || !b.dt || !b.ch[TS_CH_TID] || !b.ch[TS_CH_RET];
        if (ctf) d += differ(&m, &b, 1);   /* and CPUs and comms, which the text does not keep */
        for (size_t i = 0; !d && i < m.n; i++)
            d += strcmp(name_of(&m.events.vocab, m.ch[TS_CH_EVENT][i]), name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i])) ||
                 fabs((double)m.dt[i] - (double)b.dt[i]) > 1e-4 || m.ch[TS_CH_TID][i] != b.ch[TS_CH_TID][i] ||
                 strcmp(name_of(&m.ret_vocab, m.ch[TS_CH_RET][i]), name_of(&b.ret_vocab, b.ch[TS_CH_RET][i]));
        CHECK_MSG(d == 0, "%s: %zu events differ", tag, d);
        m.dt[0] = TS_MC_DT_MAX;
        ts_mc_free(&b);
    }
    /* the text again from what it was read into: the same bytes (the first line's dt too) */
    snprintf(cmd, sizeof cmd, "export %s/back.strace -o %s/again.strace", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "cmp -s %s/first.strace %s/again.strace", dir, dir);
    CHECK(system(cmd) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the strace text keeps each event's process name as strace -Y writes it (TID<NAME>, its
 * '<', '>', '"', '\\' and bytes outside printable ASCII escaped), which ingest reads back:
 * the names were left out, and came back none */
static void strace_comm_kept(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const comms[] = {"nginx", "my >prog", "a\\b\"c", "\xc3\xa9t\xc3\xa9", "", "p<1>"};
    const size_t n = 120;
    ts_mc_raw r;
    memset(&r, 0, sizeof r);
    r.n = n;
    r.names = ts_malloc(n * sizeof *r.names);
    r.comm = ts_malloc(n * sizeof *r.comm);
    r.time_ns = ts_malloc(n * sizeof *r.time_ns);
    r.tid = ts_malloc(n * sizeof *r.tid);
    r.ret = ts_malloc(n * sizeof *r.ret);
    r.has_ret = ts_malloc(n);
    for (size_t i = 0; i < n; i++) {
        const size_t th = (i + i / 5) % 6;
        r.names[i] = ts_strdup(i % 3 ? "read" : "write");
        r.comm[i] = comms[th][0] ? ts_strdup(comms[th]) : NULL;
        r.tid[i] = 100 + (int64_t)th;
        r.has_ret[i] = 1;
        r.ret[i] = (int64_t)(i % 4);
        r.time_ns[i] = 1000 + 10 * (int64_t)i;
    }
    ts_mc m;
    char ds[512], cmd[2048], err[1024], path[600];
    snprintf(ds, sizeof ds, "%s/comm", dir);
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    snprintf(cmd, sizeof cmd, "export %s -o %s/comm.strace", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/comm.strace --channels -o %s/comm-back", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/comm-back", dir);
    ts_mc b;
    REQUIRE(ts_mc_load(path, &b) == 0);
    size_t d = b.n != m.n || !b.ch[TS_CH_COMM];
    for (size_t i = 0; !d && i < m.n; i++)
        d += strcmp(name_of(&m.comm_vocab, m.ch[TS_CH_COMM][i]), name_of(&b.comm_vocab, b.ch[TS_CH_COMM][i])) != 0;
    CHECK_MSG(d == 0, "%zu events' process names differ", d);
    ts_mc_free(&b);
    ts_mc_free(&m);
}

/* a dataset without dts but with its events' own times (ingest --from ctf without --channels):
 * both formats place the events at those times */
static void own_times(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 200, 0) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    free(m.dt);
    m.dt = NULL;
    free(m.events.time_ns);
    m.events.time_ns = ts_malloc(m.n * sizeof *m.events.time_ns);
    for (size_t i = 0; i < m.n; i++) m.events.time_ns[i] = 5000000000 + 1000 * (int64_t)(i * i);
    snprintf(ds, sizeof ds, "%s/own", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    for (int ctf = 0; ctf < 2; ctf++) {
        const char *tag = ctf ? "ctf" : "strace";
        snprintf(cmd, sizeof cmd, "export %s --format %s -o %s/own.%s", ds, tag, dir, tag);
        int rc = run_cli(cmd, err, sizeof err);
        if (rc == 0) {
            snprintf(cmd, sizeof cmd, "ingest --from %s %s/own.%s --channels -o %s/ownback.%s", tag, dir, tag, dir, tag);
            rc = run_cli(cmd, err, sizeof err);
        }
        CHECK_MSG(rc == 0, "%s: %s", tag, err);
        if (rc) continue;
        snprintf(path, sizeof path, "%s/ownback.%s", dir, tag);
        ts_mc b;
        if (ts_mc_load(path, &b) != 0) {
            CHECK_MSG(0, "%s", ts_error());
            continue;
        }
        size_t d = b.n != m.n || !b.dt;
        for (size_t i = 1; !d && i < m.n; i++)
            d += fabs(expm1((double)b.dt[i]) - (double)(m.events.time_ns[i] - m.events.time_ns[i - 1])) > 1e-5 * (double)(m.events.time_ns[i] - m.events.time_ns[i - 1]);
        CHECK_MSG(d == 0, "%s: the events' own times not kept", tag);
        ts_mc_free(&b);
    }
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a dataset of a strace -ttt log (its dts and its events' times, time_ns.npy): both formats
 * place the events at those times, to the nanosecond, as ingest reads them back; they were
 * summed from the float dts (log(1 + ns)), which missed by up to microseconds */
static void ingested_times_exact(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 300 };
    static int64_t us[N];   /* the log's times, microseconds of the epoch */
    char path[600], cmd[2048], err[1024];
    snprintf(path, sizeof path, "%s/ttt.strace", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    us[0] = INT64_C(1796044437052539);
    for (int i = 0; i < N; i++) {
        /* gaps of a microsecond to seconds, where a float's log is off by far more than 1 ns */
        if (i) us[i] = us[i - 1] + 1 + (int64_t)((i * 2654435761u) % (i % 3 ? 997 : 3000000));
        fprintf(f, "%d  %" PRId64 ".%06" PRId64 " %s(3) = %d <0.000002>\n", 100 + i % 3, us[i] / 1000000,
                us[i] % 1000000, i % 2 ? "read" : "write", i % 5);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s --channels -o %s/ttt", path, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/ttt", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(path, &m) == 0);
    CHECK(m.n == N && m.dt && m.events.time_ns && m.events.time_ns[N - 1] == 1000 * us[N - 1]);
    ts_mc_free(&m);
    /* the text's times: each the log's, less the first's */
    snprintf(cmd, sizeof cmd, "export %s/ttt -o %s/back.strace", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/back.strace", dir);
    f = fopen(path, "r");
    REQUIRE(f);
    char line[512];
    size_t n = 0, off = 0;
    while (fgets(line, sizeof line, f) && n < N) {
        long long s = 0, ns = 0;
        const char *sp = strchr(line, ' ');
        if (!sp || sscanf(sp, " %lld.%9lld", &s, &ns) != 2 || s * 1000000000 + ns != 1000 * (us[n] - us[0])) {
            if (!off++) CHECK_MSG(0, "line %zu: %s, want %" PRId64 " ns", n + 1, line, 1000 * (us[n] - us[0]));
        }
        n++;
    }
    fclose(f);
    CHECK_MSG(n == N && off == 0, "%zu lines, %zu times off", n, off);
    /* read back from either format: the same times apart */
    for (int ctf = 0; ctf < 2; ctf++) {
        const char *tag = ctf ? "ctf" : "strace";
        if (ctf) {
            snprintf(cmd, sizeof cmd, "export %s/ttt --format ctf -o %s/back.ctf", dir, dir);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        }
        snprintf(cmd, sizeof cmd, "ingest --from %s %s/back.%s --channels -o %s/again.%s", tag, dir, tag, dir, tag);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", tag, err);
        snprintf(path, sizeof path, "%s/again.%s", dir, tag);
        if (rc || ts_mc_load(path, &m) != 0) continue;
        size_t d = m.n != N || !m.events.time_ns;
        for (size_t i = 0; !d && i < N; i++) d += m.events.time_ns[i] - m.events.time_ns[0] != 1000 * (us[i] - us[0]);
        CHECK_MSG(d == 0, "%s: %zu times differ", tag, d);
        ts_mc_free(&m);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the dataset's architecture (the system call table that names its events) is written in
 * the trace's environment ("arch", read back by ingest --from ctf): not guessed again from
 * the names, which here (epoll_wait, an x86_64 call aarch64 lacks) would say x86_64 */
static void keeps_arch(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 200, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    snprintf(ds, sizeof ds, "%s/arm", dir);
    REQUIRE(ts_mc_save_arch(ds, &m, "aarch64") == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/arm.ctf", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int channels = 0; channels < 2; channels++) {
        snprintf(cmd, sizeof cmd, "ingest --from ctf %s/arm.ctf %s -o %s/back%d", dir, channels ? "--channels" : "",
                 dir, channels);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0 && !strstr(err, "architecture"), "%s", err);
        snprintf(path, sizeof path, "%s/back%d/arch", dir, channels);
        FILE *f = fopen(path, "r");
        char word[32] = "";
        CHECK(f && fscanf(f, "%31s", word) == 1);
        if (f) fclose(f);
        CHECK_MSG(!strcmp(word, "aarch64"), "%s: '%s'", path, word);
    }
    /* an arch that is a FIFO is refused in one line naming it, not waited on for a writer */
    snprintf(path, sizeof path, "%s/arch", ds);
    remove(path);
    REQUIRE(mkfifo(path, 0600) == 0);
    const char *b = getenv("TRACESYNTH");
    snprintf(cmd, sizeof cmd, "timeout 20 %s export %s --format ctf -o %s/fifo.ctf 2>%s/fifo.err",
             b ? b : "build/tracesynth", ds, dir, dir);
    int st = system(cmd);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
    snprintf(cmd, sizeof cmd, "test $(wc -l < %s/fifo.err) = 1 && grep -q 'error: %s: not a regular file' %s/fifo.err",
             dir, path, dir);
    CHECK_MSG(system(cmd) == 0, "not a one-line refusal naming %s", path);
    /* one that names no architecture known is refused naming it, not dropped from what is
     * made of the dataset */
    remove(path);
    write_text(path, "mips\n");
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/mips.ctf", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, path) && strstr(err, "'mips'"), "%s", err);
    snprintf(cmd, sizeof cmd, "markov %s -n 50 -o %s/mips-markov", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, path) && strstr(err, "'mips'"), "%s", err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* DIR/arch's word (or "" without one) */
static void arch_of(const char *dir, char *word, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/arch", dir);
    FILE *f = fopen(path, "r");
    word[0] = 0;
    if (f && fscanf(f, "%31s", word) != 1) word[0] = 0;
    if (f) fclose(f);
    (void)n;
}

/* the traces made from a dataset (markov's, repair's, generate's and impute's with
 * --channels-from) keep its architecture, as the README's markov -> export --format ctf ->
 * ingest --from ctf does; one made by a multi-channel model alone (which keeps none) has
 * none, an arch left in its directory by an earlier dataset removed */
static void derived_keep_arch(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600], word[32];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 600, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    snprintf(ds, sizeof ds, "%s/arm", dir);
    REQUIRE(ts_mc_save_arch(ds, &m, "aarch64") == 0);
    ts_mc_free(&m);
    static const char *const steps[][2] = {
        {"markov %s -n 200 -o %s/markov", "markov"},
        {"repair %s/markov --constraints %s/arm.tsc -o %s/repaired", "repaired"},
        {"generate %s/ng.tsm --channels-from %s -n 2 --length 40 -o %s/gen --threads 1", "gen"},
        {"impute %s/ng.tsm --channels-from %s --input %s --length 40 --blackout 5 -o %s/imp --threads 1", "imp"},
    };
    snprintf(cmd, sizeof cmd, "constraints %s -o %s/arm.tsc", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s --length 40 -o %s/ng.tsm --threads 1", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        if (s == 0) snprintf(cmd, sizeof cmd, steps[s][0], ds, dir);
        else if (s == 1) snprintf(cmd, sizeof cmd, steps[s][0], dir, dir, dir);
        else if (s == 2) snprintf(cmd, sizeof cmd, steps[s][0], dir, ds, dir);
        else snprintf(cmd, sizeof cmd, steps[s][0], dir, ds, ds, dir);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", steps[s][1], err);
        if (rc) continue;
        snprintf(path, sizeof path, "%s/%s", dir, steps[s][1]);
        arch_of(path, word, sizeof word);
        CHECK_MSG(!strcmp(word, "aarch64"), "%s: arch '%s'", steps[s][1], word);
    }
    snprintf(cmd, sizeof cmd, "export %s/markov --format ctf -o %s/markov.ctf", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/markov.ctf --channels -o %s/back", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && !strstr(err, "architecture"), "%s", err);
    snprintf(path, sizeof path, "%s/back", dir);
    arch_of(path, word, sizeof word);
    CHECK_MSG(!strcmp(word, "aarch64"), "markov.ctf read back: arch '%s'", word);
    /* a multi-channel model's windows: over markov's one chain (a writer's own, Δt and no
     * times: replaced) and in a folder of their own; the arch of the dataset it learned
     * from, which the model records, so that its CTF export reads back without a guess of
     * the host's */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s --length 40 --layers 1 --channels 8 --iters 2 -o %s/mc.tsm "
             "--threads 1", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/mc.tsm -n 2 --length 40 -o %s/markov --threads 1", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/mc.tsm -n 2 --length 40 -o %s/mcgen --threads 1", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/mcgen", dir);
    arch_of(path, word, sizeof word);
    CHECK_MSG(!strcmp(word, "aarch64"), "mdm-mc's windows: arch '%s'", word);
    snprintf(cmd, sizeof cmd, "export %s/mcgen --format ctf -o %s/mcgen.ctf", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/mcgen.ctf --channels -o %s/mcback", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && !strstr(err, "assuming"), "%s", err);
    snprintf(path, sizeof path, "%s/mcback", dir);
    arch_of(path, word, sizeof word);
    CHECK_MSG(!strcmp(word, "aarch64"), "mcgen.ctf read back: arch '%s'", word);
    /* a model of a dataset without arch records none: its windows have none */
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s/mc --length 40 --layers 1 --channels 8 --iters 2 -o %s/mc0.tsm "
             "--threads 1", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/mc0.tsm -n 2 --length 40 -o %s/mcgen0 --threads 1", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/mcgen0", dir);
    arch_of(path, word, sizeof word);
    CHECK_MSG(!strcmp(word, ""), "a model without arch: its windows' arch '%s'", word);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* ingest --channels from a CTF trace or ftrace text writes the events' times (time_ns.npy)
 * and CPUs (cpu.npy) as the plain ingest of the same trace does (train --also and
 * --reinterleave read them); a multi-channel dataset written over it without times
 * (markov's) takes the old time_ns.npy away */
static void channels_keep_times(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], a[600], b[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 300, 1) == 0);
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/t.ctf", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(a, sizeof a, "%s/t.trace", dir);
    write_text(a, "# tracer: nop\n"
                  "            bash-300     [003] ..... 100.000001: sys_openat(dfd: 0xffffff9c, filename: 0x1)\n"
                  "          python-301     [000] ..... 100.000003: sys_read(fd: 3, buf: 0x1, count: 0x10)\n"
                  "            bash-300     [003] ..... 100.000004: sys_openat -> 0xfffffffffffffffe\n"
                  "          python-301     [000] ..... 100.000020: sys_read -> 0x10\n"
                  "            bash-300     [003] ..... 100.001030: sys_close(fd: 4)\n");
    static const char *const from[2][2] = {{"ctf", "t.ctf"}, {"ftrace", "t.trace"}};
    for (int k = 0; k < 2; k++) {
        for (int ch = 0; ch < 2; ch++) {
            snprintf(cmd, sizeof cmd, "ingest --from %s %s/%s%s -o %s/%s%d", from[k][0], dir, from[k][1],
                     ch ? " --channels" : "", dir, from[k][0], ch);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        }
        static const char *const files[2] = {"time_ns.npy", "cpu.npy"};
        for (int f = 0; f < 2; f++) {
            snprintf(a, sizeof a, "%s/%s0/%s", dir, from[k][0], files[f]);
            snprintf(b, sizeof b, "%s/%s1/%s", dir, from[k][0], files[f]);
            CHECK_MSG(access(a, F_OK) == 0 && access(b, F_OK) == 0 && files_equal(a, b), "%s --channels: %s %s",
                      from[k][0], files[f], access(b, F_OK) ? "not written" : "differs");
        }
    }
    /* markov's dataset has no times: over an ingested one it is refused, the trace and its
     * times kept; over a set of windows, a time_ns.npy left there goes with its save */
    snprintf(cmd, sizeof cmd, "markov %s/ftrace1 -n 20 -o %s/ctf1", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ctf1: holds a dataset"), "%s", err);
    snprintf(a, sizeof a, "%s/ctf1/time_ns.npy", dir);
    CHECK(access(a, F_OK) == 0);
    snprintf(cmd, sizeof cmd, "markov %s/ftrace1 -n 20 --length 10 -o %s/mk", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "cp %s/ctf1/time_ns.npy %s/mk/", dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "markov %s/ftrace1 -n 20 --length 10 -o %s/mk", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(a, sizeof a, "%s/mk/time_ns.npy", dir);
    CHECK(access(a, F_OK) != 0);
    ts_mc m = {0};   /* freed below even when the call fails */
    snprintf(a, sizeof a, "%s/mk", dir);
    CHECK_MSG(ts_mc_load(a, &m) == 0, "%s", ts_error());
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* impute of a dataset with times (ingest --channels of ftrace text) writes its windows
 * without them: the drawn events and their dts are not the times' events; a time_ns.npy
 * left in the output folder goes */
static void impute_drops_times(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], err[512], path[600];
    snprintf(cmd, sizeof cmd, "ingest --from ftrace tests/data/ftrace_pipe.trace.gz --channels -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/ds/time_ns.npy", dir);
    REQUIRE(access(path, F_OK) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 40 -o %s/ng.tsm --threads 1", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s/ds --input %s/ds --length 40 --blackout 5 -o %s/imp "
             "--threads 1", dir, dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/imp/time_ns.npy", dir);
    CHECK_MSG(access(path, F_OK) != 0, "impute wrote the input's times beside drawn events");
    ts_mc m = {0};   /* freed below even when the call fails */
    snprintf(path, sizeof path, "%s/imp", dir);
    CHECK_MSG(ts_mc_load(path, &m) == 0 && m.dt && !m.events.time_ns, "%s", ts_error());
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* -o - is standard output for the text (the summary then on stderr), not a file named
 * '-'; a CTF trace, a directory, is refused there in one line, and nothing is written */
static void to_stdout(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[9000], err[512], bin[4096], path[600];
    const char *env = getenv("TRACESYNTH");
    REQUIRE(realpath(env ? env : "build/tracesynth", bin));
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 200, 1) == 0);
    snprintf(cmd, sizeof cmd, "export %s -o %s/file.txt", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "cd %s && %s export mc -o - > out.txt 2> err.txt", dir, bin);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/-", dir);
    CHECK_MSG(!ts_file_exists(path), "a file named '-' was written");
    snprintf(cmd, sizeof cmd, "cmp -s %s/file.txt %s/out.txt", dir, dir);
    CHECK_MSG(system(cmd) == 0, "standard output is not the text of -o FILE");
    snprintf(cmd, sizeof cmd, "grep -q '^200 events -> standard output$' %s/err.txt", dir);
    CHECK_MSG(system(cmd) == 0, "no summary on stderr");
    snprintf(cmd, sizeof cmd, "cd %s && %s export mc --format ctf -o - > out.ctf 2> err.ctf", dir, bin);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    CHECK_MSG(!ts_file_exists(path), "a directory named '-' was written");
    snprintf(cmd, sizeof cmd, "test ! -s %s/out.ctf", dir);
    CHECK_MSG(system(cmd) == 0, "something on standard output");
    snprintf(cmd, sizeof cmd, "test $(wc -l < %s/err.ctf) = 1 && grep -q 'export: error: -o -: .*ctf' %s/err.ctf", dir, dir);
    CHECK_MSG(system(cmd) == 0, "not a one-line refusal");
    /* what cannot be written there is said of standard output, as the summary names it, not
     * of /dev/stdout, which the user did not give */
    const char *fails[] = {">/dev/full", ">&-"}, *why[] = {"write failed: No space left on device", "cannot open"};
    for (int i = 0; i < 2; i++) {
        if (i == 0 && access("/dev/full", W_OK) != 0) continue;
        snprintf(cmd, sizeof cmd, "cd %s && %s export mc -o - %s 2> err.txt", dir, bin, fails[i]);
        st = system(cmd);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
        snprintf(cmd, sizeof cmd, "test $(wc -l < %s/err.txt) = 1 && grep -q '^tracesynth: error: standard output: %s' "
                 "%s/err.txt", dir, why[i], dir);
        CHECK_MSG(system(cmd) == 0, "%s: not said of standard output in one line", fails[i]);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* -q / --quiet and --no-progress are taken as the other commands take them (export shows
 * no progress): the same text, the same summary */
static void quiet_taken(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], out[1024], want[1024];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 100, 1) == 0);
    snprintf(cmd, sizeof cmd, "export %s -o %s/plain.txt", ds, dir);
    REQUIRE(run_output(cmd, want, sizeof want) == 0);
    static const char *const opt[] = {"-q", "--quiet", "--no-progress"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "export %s %s -o %s/plain.txt", ds, opt[i], dir);
        int rc = run_output(cmd, out, sizeof out);
        CHECK_MSG(rc == 0 && !strcmp(out, want), "%s: exit %d: %s", opt[i], rc, out);
    }
    snprintf(cmd, sizeof cmd, "export %s -q --format ctf -o %s/q.ctf", ds, dir);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a set of windows (DIR/length) is written one window after the other as one trace, in
 * either format, which ingest reads back as one sequence: export says so, in a note and in
 * its help; a set without the record, as before, says nothing */
static void windows_one_trace(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], ws[512], cmd[2048], err[1024], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    snprintf(ws, sizeof ws, "%s/ws", dir);
    REQUIRE(make_trace(ds, 200, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    REQUIRE(ts_mc_save_windows(ws, &m, NULL, 40, 0) == 0);
    static const char *const fmt[2] = {"strace", "ctf"};
    for (int f = 0; f < 2; f++) {
        snprintf(cmd, sizeof cmd, "export %s --format %s -o %s/w.%s", ws, fmt[f], dir, fmt[f]);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        CHECK_MSG(strstr(err, "note: export: ") && strstr(err, "ws is 5 windows of 40 events, written one after the "
                  "other as one trace (ingest reads it back as one sequence)"), "%s: %s", fmt[f], err);
        snprintf(cmd, sizeof cmd, "ingest --from %s %s/w.%s --channels -o %s/back%d -q", fmt[f], dir, fmt[f], dir, f);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(path, sizeof path, "%s/back%d", dir, f);
        ts_mc b;
        size_t len = 1;
        REQUIRE(ts_mc_load(path, &b) == 0);
        CHECK(b.n == 200 && ts_mc_window_length(path, b.n, &len) == 0 && len == 0);
        ts_mc_free(&b);
        snprintf(cmd, sizeof cmd, "export %s --format %s -o %s/d.%s", ds, fmt[f], dir, fmt[f]);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        CHECK_MSG(!strstr(err, "note:"), "%s", err);
    }
    char help[8192];
    REQUIRE(run_stdout("export --help", help, sizeof help) == 0);
    CHECK_MSG(strstr(help, "A set of windows (DIR/length) is written one window after the other as\none trace"),
              "%s", help);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a dataset ingested with --exits (each call's entry and exit its own event, named alike):
 * export --format ctf writes an exit as a syscall_exit_NAME alone and an entry without one,
 * so that ingest --from ctf --exits reads the same events back, the exits marked again
 * (exit.npy), and ingest without --exits the entries alone; each was written as a call (an
 * entry and an exit), and came back twice over. strace's text, one line per call, has no
 * line for an exit alone: refused, naming the file that marks them */
static void exits_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const call[4] = {"read", "write", "close", "openat"}, *const val[4] = {"0x10", "0x8", "0x0",
                                                                                            "0xfffffffffffffffe"};
    char text[1 << 15], trace[512], cmd[2048], err[512], path[600];
    size_t n = (size_t)snprintf(text, sizeof text, "# tracer: nop\n#\n"), entries = 2;
    /* threads 10 and 266, one thread bucket (tid mod 256), in a call each at once: each
     * entry's value is its own exit's, not the other's */
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "%16s-%-7d [%03d] ..... 0.999000: sys_read(fd: 3)\n"
                          "%16s-%-7d [%03d] ..... 0.999001: sys_read(fd: 4)\n"
                          "%16s-%-7d [%03d] ..... 0.999010: sys_read -> 0x8\n"
                          "%16s-%-7d [%03d] ..... 0.999011: sys_read -> 0x10\n",
                          "dd", 10, 0, "cat", 266, 1, "cat", 266, 1, "dd", 10, 0);
    for (int i = 0; i < 60; i++) {
        const int k = i % 4, c = i % 2, tid = c ? 20 : 10;
        const char *comm = c ? "cat" : "dd";
        const long us = 1000000L + 10L * i;
        /* the two threads' calls overlap: an entry on one CPU before the other's exit */
        n += (size_t)snprintf(text + n, sizeof text - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_%s(fd: 3)\n", comm, tid,
                              c, us / 1000000, us % 1000000, call[k]);
        n += (size_t)snprintf(text + n, sizeof text - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_%s -> %s\n", comm, tid,
                              c, (us + 13) / 1000000, (us + 13) % 1000000, call[k], val[k]);
        entries++;
    }
    n += (size_t)snprintf(text + n, sizeof text - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_exit_group(code: 0)\n",
                          "dd", 10, 0, 1000700L / 1000000, 1000700L % 1000000);
    entries++;
    snprintf(trace, sizeof trace, "%s/ex.trace", dir);
    write_text(trace, text);
    for (int channels = 0; channels < 2; channels++) {
        const char *ch = channels ? " --channels" : "";
        snprintf(cmd, sizeof cmd, "ingest --from ftrace --exits%s %s -o %s/ex%d -q", ch, trace, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(path, sizeof path, "%s/ex%d/exit.npy", dir, channels);
        CHECK_MSG(ts_file_exists(path), "%s: no exits marked", path);
        snprintf(cmd, sizeof cmd, "export %s/ex%d --format ctf -o %s/ex%d.ctf -q", dir, channels, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        for (int exits = 0; exits < 2; exits++) {
            snprintf(cmd, sizeof cmd, "ingest --from ctf%s%s %s/ex%d.ctf -o %s/back%d%d -q", exits ? " --exits" : "", ch,
                     dir, channels, dir, channels, exits);
            int rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 0, "%s: %s", cmd, err);
            if (rc) continue;
            ts_mc a, b;
            snprintf(path, sizeof path, "%s/ex%d", dir, channels);
            REQUIRE(ts_mc_load(path, &a) == 0);
            snprintf(path, sizeof path, "%s/back%d%d", dir, channels, exits);
            if (ts_mc_load(path, &b) != 0) {
                CHECK_MSG(0, "%s", ts_error());
                ts_mc_free(&a);
                continue;
            }
            if (exits) {
                const size_t d = differ(&a, &b, channels);
                CHECK_MSG(d == 0, "channels %d: %zu of %zu events differ (%zu back)", channels, d, a.n, b.n);
                snprintf(path, sizeof path, "cmp -s %s/ex%d/exit.npy %s/back%d%d/exit.npy", dir, channels, dir, channels,
                         exits);
                CHECK_MSG(system(path) == 0, "channels %d: the exits not marked alike", channels);
            } else {
                CHECK_MSG(b.n == entries, "channels %d: %zu events without --exits, not the %zu entries", channels,
                          b.n, entries);
            }
            ts_mc_free(&a);
            ts_mc_free(&b);
        }
        if (channels) {
            /* an exit's value not known (outside the value vocabulary) comes back as not
             * known, as an entry's does: not as a value, nor as none */
            ts_mc m;
            snprintf(path, sizeof path, "%s/ex1", dir);
            REQUIRE(ts_mc_load(path, &m) == 0);
            size_t at = 0;
            while (at < m.n && !(m.events.exit && m.events.exit[at])) at++;
            REQUIRE(at + 1 < m.n);
            m.ch[TS_CH_RET][at] = TS_CH_UNK;
            snprintf(path, sizeof path, "%s/unk", dir);
            REQUIRE(ts_mc_save(path, &m) == 0);
            snprintf(cmd, sizeof cmd, "export %s/unk --format ctf -o %s/unk.ctf -q && ingest --from ctf --exits --channels "
                     "%s/unk.ctf -o %s/unkback -q", dir, dir, dir, dir);
            char *amp = strstr(cmd, " && ");
            *amp = 0;
            REQUIRE(run_cli(cmd, err, sizeof err) == 0);
            REQUIRE(run_cli(amp + 4, err, sizeof err) == 0);
            ts_mc b;
            snprintf(path, sizeof path, "%s/unkback", dir);
            REQUIRE(ts_mc_load(path, &b) == 0);
            CHECK_MSG(b.n == m.n && b.ch[TS_CH_RET] && b.ch[TS_CH_RET][at] == TS_CH_UNK, "event %zu: ret %s back", at,
                      b.n == m.n && b.ch[TS_CH_RET] ? name_of(&b.ret_vocab, b.ch[TS_CH_RET][at]) : "-");
            ts_mc_free(&b);
            ts_mc_free(&m);
        }
        snprintf(cmd, sizeof cmd, "export %s/ex%d -o %s/ex%d.strace", dir, channels, dir, channels);
        char want[700];
        snprintf(want, sizeof want, "%s/ex%d/exit.npy: ", dir, channels);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) && strstr(err, "--format ctf"), "%s", err);
        snprintf(path, sizeof path, "%s/ex%d.strace", dir, channels);
        CHECK(!ts_file_exists(path));
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the sched_switch export puts before an event whose thread is not its CPU's carries the
 * thread change only: ingest --from ctf --events all reads back the dataset's events (here
 * every 10th an exit, as --events all marks them), not those switches as well (a class of
 * its own, tracesynth:sched_switch) */
static void switches_not_events(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[1024], err[512], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 300, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    m.events.exit = ts_calloc(m.n, 1);
    for (size_t i = 9; i < m.n; i += 10) m.events.exit[i] = 1;
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/mc.ctf -q", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int channels = 0; channels < 2; channels++) {
        snprintf(cmd, sizeof cmd, "ingest --from ctf --events all%s %s/mc.ctf -o %s/all%d -q",
                 channels ? " --channels" : "", dir, dir, channels);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", cmd, err);
        if (rc) continue;
        ts_mc a, b;
        REQUIRE(ts_mc_load(ds, &a) == 0);
        snprintf(path, sizeof path, "%s/all%d", dir, channels);
        REQUIRE(ts_mc_load(path, &b) == 0);
        const size_t d = differ(&a, &b, channels);
        CHECK_MSG(d == 0, "channels %d: %zu of %zu events differ (%zu back)", channels, d, a.n, b.n);
        ts_mc_free(&a);
        ts_mc_free(&b);
    }
    /* the switches are there, for babeltrace2 and for the threads ingest reads */
    snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; babeltrace2 %s/mc.ctf | "
             "grep -q 'tracesynth:sched_switch: .*next_tid = 168'", dir);
    int bt = system(cmd);
    CHECK(WIFEXITED(bt) && (WEXITSTATUS(bt) == 77 || WEXITSTATUS(bt) == 0));
    /* gaps and drop count the trace's events as ingest does, the switches apart, and drop
     * keeps every switch: ingest of its output reads the same threads for the events kept */
    char out[8192];
    snprintf(cmd, sizeof cmd, "gaps %s/mc.ctf --json", dir);
    int rc = run_stdout(cmd, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "\"events\": 300"), "%s", out);
    snprintf(cmd, sizeof cmd, "drop %s/mc.ctf -o %s/d.ctf --rate 0.3 --burst-min 2 --burst-max 4 -q", dir, dir);
    rc = run_stdout(cmd, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "of 300 events"), "%s", out);
    snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; test $(babeltrace2 %s/mc.ctf | grep -c "
             "'tracesynth:sched_switch:') = $(babeltrace2 %s/d.ctf | grep -c 'tracesynth:sched_switch:')", dir, dir);
    bt = system(cmd);
    CHECK(WIFEXITED(bt) && (WEXITSTATUS(bt) == 77 || WEXITSTATUS(bt) == 0));
    /* a switch inside a burst is kept after the burst: one burst, one gap, so that the gaps
     * gaps lists are the bursts drop made, and the events lost are the events dropped */
    for (int seed = 0; seed < 8; seed++) {
        snprintf(cmd, sizeof cmd, "drop %s/mc.ctf -o %s/d.ctf --rate 0.3 --burst-min 2 --burst-max 4 --seed %d -q",
                 dir, dir, seed);
        rc = run_stdout(cmd, out, sizeof out);
        unsigned long long dropped = 0, bursts = 0, lost = 0;
        size_t ngaps = 0;
        const char *p = strstr(out, "drop: ");
        CHECK_MSG(rc == 0 && p && sscanf(p, "drop: %llu of", &dropped) == 1, "%s", out);
        p = strstr(out, ") in ");
        CHECK_MSG(p && sscanf(p, ") in %llu burst", &bursts) == 1, "%s", out);
        snprintf(cmd, sizeof cmd, "gaps %s/d.ctf", dir);
        char g[65536];
        rc = run_stdout(cmd, g, sizeof g);
        p = strstr(g, "total: ");
        p = p ? strstr(p, ", ") : NULL;
        CHECK_MSG(rc == 0 && p && sscanf(p, ", %llu lost in %zu gap", &lost, &ngaps) == 2, "%s", g);
        CHECK_MSG(ngaps == bursts && lost == dropped, "seed %d: %llu dropped in %llu bursts; gaps lists %llu lost in %zu",
                  seed, dropped, bursts, lost, ngaps);
        /* the switches are all there still */
        snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; test $(babeltrace2 %s/mc.ctf | grep -c "
                 "'tracesynth:sched_switch:') = $(babeltrace2 %s/d.ctf 2>/dev/null | grep -c 'tracesynth:sched_switch:')",
                 dir, dir);
        bt = system(cmd);
        CHECK(WIFEXITED(bt) && (WEXITSTATUS(bt) == 77 || WEXITSTATUS(bt) == 0));
        /* and each kept call is on the thread its CPU's last switch switched to */
        snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; babeltrace2 %s/d.ctf 2>/dev/null | "
                 "awk '{match($0, /cpu_id = [0-9]+/); c = substr($0, RSTART + 9, RLENGTH - 9)} "
                 "/sched_switch/ {match($0, /next_tid = [0-9]+/); cur[c] = substr($0, RSTART + 11, RLENGTH - 11); next} "
                 "/syscall_entry/ {match($0, / tid = [0-9]+/); n++; if (substr($0, RSTART + 7, RLENGTH - 7) != cur[c]) bad++} "
                 "END {exit !(n > 0 && !bad)}'", dir);
        bt = system(cmd);
        CHECK_MSG(WIFEXITED(bt) && (WEXITSTATUS(bt) == 77 || WEXITSTATUS(bt) == 0), "seed %d: a call on another thread", seed);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a dataset whose exit.npy marks kernel events (2) and no exit: strace's text has a line
 * for a call alone, so export to it is refused, naming exit.npy and the CTF format that
 * keeps them; they were written as calls, which ingest --from strace read back as such */
static void kernel_events_not_strace(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[1024], err[512], path[600];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 100, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    m.events.exit = ts_calloc(m.n, 1);
    for (size_t i = 4; i < m.n; i += 10) m.events.exit[i] = 2;
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s -o %s/k.strace", ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "exit.npy: 10 events are no system call") &&
                  strstr(err, "ingest --from ctf --events all)"), "%s", err);
    snprintf(path, sizeof path, "%s/k.strace", dir);
    CHECK(!ts_file_exists(path));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a comm or return value outside its vocabulary (<unk>) comes back as <unk>, not as none:
 * export writes it as a thread named "<unk>" and a value named "?", which ingest reads as
 * unknown */
static void unknown_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512];
    snprintf(ds, sizeof ds, "%s/known", dir);
    REQUIRE(make_trace(ds, 600, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    size_t unk_comm = 0, unk_ret = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (m.ch[TS_CH_TID][i] == 100 + 17 * 3) m.ch[TS_CH_COMM][i] = TS_CH_UNK, unk_comm++;   /* bash's thread */
        if (i % 11 == 5) m.ch[TS_CH_RET][i] = TS_CH_UNK, unk_ret++;
    }
    REQUIRE(unk_comm > 0 && unk_ret > 0);
    snprintf(ds, sizeof ds, "%s/unk", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_free(&m);
    round_trip(dir, ds, 1, "unk");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* strace's text keeps a process name and a return value outside their vocabularies
 * (<unk>), apart from none: a thread named <unk> (TID<\074unk\076>, as strace -Y escapes
 * it) and a value <unk> ('= <unk>'), which ingest reads back as <unk>; both were written
 * as none (no name, '= ?': a call without a value), and came back so */
static void strace_unknown_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[1024], path[600];
    snprintf(ds, sizeof ds, "%s/known", dir);
    REQUIRE(make_trace(ds, 600, 0) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    size_t unk_comm = 0, unk_ret = 0, pad_comm = 0, pad_ret = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (m.ch[TS_CH_TID][i] == 100 + 17 * 3) m.ch[TS_CH_COMM][i] = TS_CH_UNK, unk_comm++;   /* bash's thread */
        if (i % 11 == 5 && m.ch[TS_CH_RET][i] != TS_CH_PAD) m.ch[TS_CH_RET][i] = TS_CH_UNK, unk_ret++;
        pad_comm += m.ch[TS_CH_COMM][i] == TS_CH_PAD;
        pad_ret += m.ch[TS_CH_RET][i] == TS_CH_PAD;
    }
    REQUIRE(unk_comm > 0 && unk_ret > 0 && pad_comm > 0 && pad_ret > 0);
    snprintf(ds, sizeof ds, "%s/unk", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    snprintf(cmd, sizeof cmd, "export %s -o %s/unk.strace", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* the text: '?' for the calls without a value alone, <unk> written as such */
    snprintf(cmd, sizeof cmd, "test $(grep -c ' = ? <' %s/unk.strace) = %zu && test $(grep -c ' = <unk> <' %s/unk.strace) = %zu "
             "&& test $(grep -c '^151<\\\\074unk\\\\076> ' %s/unk.strace) = %zu", dir, pad_ret, dir, unk_ret, dir, unk_comm);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/unk.strace --channels -o %s/unk.back", dir, dir);
    char out[4096];
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0, "%s", out);
    char want[128];
    snprintf(want, sizeof want, "%zu with one not known (<unk>)", unk_ret);
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(path, sizeof path, "%s/unk.back", dir);
    ts_mc b;
    REQUIRE(ts_mc_load(path, &b) == 0);
    size_t d = b.n != m.n || !b.ch[TS_CH_TID] || !b.ch[TS_CH_COMM] || !b.ch[TS_CH_RET];
    for (size_t i = 0; !d && i < m.n; i++)
        d += strcmp(name_of(&m.events.vocab, m.ch[TS_CH_EVENT][i]), name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i])) ||
             m.ch[TS_CH_TID][i] != b.ch[TS_CH_TID][i] ||
             strcmp(name_of(&m.comm_vocab, m.ch[TS_CH_COMM][i]), name_of(&b.comm_vocab, b.ch[TS_CH_COMM][i])) ||
             strcmp(name_of(&m.ret_vocab, m.ch[TS_CH_RET][i]), name_of(&b.ret_vocab, b.ch[TS_CH_RET][i]));
    CHECK_MSG(d == 0, "%zu of %zu events differ", d, m.n);
    ts_mc_free(&b);
    ts_mc_free(&m);
}

/* ingest counts the return values export wrote as not known ('?') as such: they were counted
 * as values seen in the training part but not among its most frequent, of a training part
 * that holds a few values */
static void unknown_values_said(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[1024], out[4096];
    snprintf(ds, sizeof ds, "%s/known", dir);
    REQUIRE(make_trace(ds, 600, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    size_t unk = 0, before = 0;
    for (size_t i = 0; i < m.n; i++) before += m.ch[TS_CH_RET][i] == TS_CH_UNK;
    REQUIRE(before == 0);
    for (size_t i = 5; i < m.n; i += 11)
        if (m.ch[TS_CH_RET][i] != TS_CH_PAD) m.ch[TS_CH_RET][i] = TS_CH_UNK, unk++;
    snprintf(ds, sizeof ds, "%s/unk", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/unk.ctf", ds, dir);
    REQUIRE(run_cli(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/unk.ctf --channels -o %s/unk.back", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    char want[128];
    snprintf(want, sizeof want, "0 with one never seen in the training part, %zu with one not known (<unk>)", unk);
    CHECK_MSG(strstr(out, want) && !strstr(out, "most frequent"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* an event outside the event vocabulary (<unk>, as a model draws it) comes back as <unk>:
 * export writes it as syscall_entry_<unk>, which ingest read as a name of its own beside its
 * <unk>, a vocab.tsv naming <unk> twice that no command could read */
static void unknown_event_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512];
    snprintf(ds, sizeof ds, "%s/known", dir);
    REQUIRE(make_trace(ds, 400, 1) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(ds, &m) == 0);
    REQUIRE(m.events.vocab.unk >= 0);
    for (size_t i = 0; i < m.n; i += 9) m.ch[TS_CH_EVENT][i] = m.events.vocab.unk;
    snprintf(ds, sizeof ds, "%s/unk", dir);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_free(&m);
    round_trip(dir, ds, 1, "unk");
    round_trip(dir, ds, 0, "unk0");
    /* strace's text too: export writes it '_unk_()' (strace's names are [A-Za-z0-9_]), which
     * came back as an event of that name, one the trace never had, beside its <unk> */
    char cmd[1024], err[1024], path[600];
    snprintf(cmd, sizeof cmd, "export %s -o %s/unk.strace", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int channels = 0; channels < 2; channels++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace %s/unk.strace%s -o %s/unk-st%d", dir,
                 channels ? " --channels" : "", dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        ts_mc a, b;
        REQUIRE(ts_mc_load(ds, &a) == 0);
        snprintf(path, sizeof path, "%s/unk-st%d", dir, channels);
        REQUIRE(ts_mc_load(path, &b) == 0);
        const size_t d = differ(&a, &b, 0);
        CHECK_MSG(d == 0, "channels %d: %zu of %zu events differ", channels, d, a.n);
        ts_mc_free(&a);
        ts_mc_free(&b);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the ID of each event's name, and whether each is an exit or no system call: a, b alike */
static size_t differ_kinds(const ts_mc *a, const ts_mc *b)
{
    size_t bad = 0;
    for (size_t i = 0; i < a->n && i < b->n; i++)
        bad += (a->events.exit ? a->events.exit[i] : 0) != (b->events.exit ? b->events.exit[i] : 0);
    return bad;
}

/* ftrace text of ingest --events all (system calls, their exits, and kernel events: switches,
 * interrupts, an exec, timers) in the N rounds of 5 events (an exec after round 20) at
 * path; *calls, *exits, *all: what ingest --events all reads */
static void kernel_trace(const char *path, int rounds, size_t *calls, size_t *exits, size_t *all)
{
    static const char *const call[3] = {"read", "write", "close"};
    const size_t cap = 256 + 700 * (size_t)rounds;
    char *text = ts_malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "# tracer: nop\n#\n");
    *calls = *exits = *all = 0;
    for (int i = 0; i < rounds; i++) {
        const int c = i % 2, tid = c ? 20 + i % 4 : 10;
        const char *comm = c ? "cat" : "dd";
        const long us = 1000000L + 100L * i;
        n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_%s(fd: 3)\n", comm, tid,
                              c, us / 1000000, us % 1000000, call[i % 3]);
        n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: irq_handler_entry: irq=30 "
                              "name=eth0\n", comm, tid, c, (us + 3) / 1000000, (us + 3) % 1000000);
        n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_%s -> 0x%x\n", comm, tid,
                              c, (us + 7) / 1000000, (us + 7) % 1000000, call[i % 3], i % 5);
        n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sched_switch: prev_comm=%s "
                              "prev_pid=%d prev_prio=120 prev_state=S ==> next_comm=swapper/%d next_pid=0 "
                              "next_prio=120\n", comm, tid, c, (us + 11) / 1000000, (us + 11) % 1000000, comm, tid, c);
        n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: timer_expire_entry: "
                              "timer=00000000a1b2c3d4 function=tick_sched_timer now=4295\n", "<idle>", 0, c,
                              (us + 13) / 1000000, (us + 13) % 1000000);
        (*calls)++, (*exits)++, *all += 5;
        if (i == 20) {   /* dd runs a new program: the thread is named after its file */
            n += (size_t)snprintf(text + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sched_process_exec: "
                                  "filename=/usr/bin/ls pid=10 old_pid=10\n", "ls", 10, 0, (us + 17) / 1000000,
                                  (us + 17) % 1000000);
            (*all)++;
        }
    }
    write_text(path, text);
    free(text);
}

/* a dataset of ingest --events all (system calls, their exits, and kernel events: switches,
 * interrupts, an exec, timers): export --format ctf writes each event as what it is, a
 * kernel event under its own name, not as a syscall_entry_NAME, so that ingest --from ctf
 * --events all reads back the same events (names, order, what each is, and with
 * --channels the same CPU, thread, comm, value), ingest --from ctf the calls alone and
 * --exits the calls and exits. A kernel event came back as a system call: ingest without
 * --events all kept it, and with it marked it as one */
static void kernel_events_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char trace[512], cmd[2048], err[512], path[600];
    size_t calls, exits, all;
    snprintf(trace, sizeof trace, "%s/k.trace", dir);
    kernel_trace(trace, 40, &calls, &exits, &all);
    for (int channels = 0; channels < 2; channels++) {
        const char *ch = channels ? " --channels" : "";
        snprintf(cmd, sizeof cmd, "ingest --from ftrace --events all%s %s -o %s/k%d -q", ch, trace, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "export %s/k%d --format ctf -o %s/k%d.ctf -q", dir, channels, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        ts_mc a;
        snprintf(path, sizeof path, "%s/k%d", dir, channels);
        REQUIRE(ts_mc_load(path, &a) == 0);
        REQUIRE(a.n == all);
        /* --events all, nothing else, --exits */
        static const char *const how[3] = {" --events all", "", " --exits"};
        for (int h = 0; h < 3; h++) {
            snprintf(cmd, sizeof cmd, "ingest --from ctf%s%s %s/k%d.ctf -o %s/kb%d%d -q", how[h], ch, dir, channels, dir,
                     channels, h);
            int rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 0, "%s: %s", cmd, err);
            if (rc) continue;
            ts_mc b;
            snprintf(path, sizeof path, "%s/kb%d%d", dir, channels, h);
            REQUIRE(ts_mc_load(path, &b) == 0);
            if (h == 0) {
                const size_t d = differ(&a, &b, channels), dk = differ_kinds(&a, &b);
                CHECK_MSG(d == 0 && dk == 0, "channels %d: %zu of %zu events differ, %zu of what they are (%zu back)",
                          channels, d, a.n, dk, b.n);
            } else {
                const size_t want = h == 1 ? calls : calls + exits;
                CHECK_MSG(b.n == want, "channels %d%s: %zu events back, not the %zu system call%s", channels, how[h],
                          b.n, want, h == 1 ? "s" : "s and exits");
            }
            ts_mc_free(&b);
        }
        ts_mc_free(&a);
        /* strace's text has no line for an exit: refused, saying how to read the CTF export
         * back whole (--events all; --exits would leave the kernel events out) */
        snprintf(cmd, sizeof cmd, "export %s/k%d -o %s/k%d.strace", dir, channels, dir, channels);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "exit.npy: 40 events are system call exits") && strstr(err, "(ingest --events all)") &&
                  strstr(err, "ingest --from ctf --events all)"), "%s", err);
    }
    /* a kernel event whose name ingest reads as a system call's would come back as one: refused */
    ts_mc m;
    snprintf(path, sizeof path, "%s/k1", dir);
    REQUIRE(ts_mc_load(path, &m) == 0);
    const int32_t irq = ts_vocab_lookup(&m.events.vocab, "irq_handler_entry");
    REQUIRE(irq >= 0 && !strcmp(m.events.vocab.names[irq], "irq_handler_entry"));
    free(m.events.vocab.names[irq]);
    m.events.vocab.names[irq] = ts_strdup("sys_irq");
    snprintf(path, sizeof path, "%s/sys", dir);
    REQUIRE(ts_mc_save(path, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s/sys --format ctf -o %s/sys.ctf -q", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "'sys_irq'") && strstr(err, "sys.ctf: "), "%s", err);
    snprintf(path, sizeof path, "%s/sys.ctf", dir);
    CHECK(!ts_file_exists(path));
    /* babeltrace2 (when installed) shows each kernel event under its name */
    snprintf(cmd, sizeof cmd, "command -v babeltrace2 >/dev/null || exit 77; babeltrace2 %s/k1.ctf > %s/k1.txt 2>&1 || "
             "exit 1; grep -q '] (+[0-9.]*) irq_handler_entry: ' %s/k1.txt && grep -q 'sched_process_exec: .*filename = "
             "\"ls\", tid = 10,' %s/k1.txt && ! grep -q 'syscall_entry_\\(irq\\|sched\\|timer\\)' %s/k1.txt", dir, dir,
             dir, dir, dir);
    int bt = system(cmd);
    CHECK_MSG(WIFEXITED(bt) && (WEXITSTATUS(bt) == 77 || WEXITSTATUS(bt) == 0), "%s", cmd);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* each event's comm in dir/name ("" none), joined by spaces */
static void comms_of(const char *dir, const char *name, char *out, size_t cap)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ts_mc m;
    out[0] = 0;
    if (ts_mc_load(path, &m) != 0) return;
    size_t k = 0;
    for (size_t i = 0; i < m.n && k < cap; i++) {
        const int32_t a = m.ch[TS_CH_COMM][i];
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "",
                              a >= 2 && a < m.comm_vocab.n ? m.comm_vocab.names[a] : "");
    }
    ts_mc_free(&m);
}

/* a sched_process_exec whose thread's name holds a '/' or is longer than the kernel keeps
 * (15 bytes): export writes the name beside the filename, and ingest reads it back, its
 * first 15 bytes, at the exec, after it and from a sched_switch alike; the exec's thread
 * came back named after the filename's basename ("a/b": "b"), and a switch kept 31 bytes */
static void exec_comm_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[600], cmd[2048], err[512], back[512];
    snprintf(path, sizeof path, "%s/x.trace", dir);
    write_text(path, "# tracer: nop\n#\n"
                     "              dd-10      [000] .....     1.000000: sys_read(fd: 3)\n"
                     "              dd-10      [000] .....     1.000007: sys_read -> 0x0\n"
                     "             a/b-10      [000] .....     1.000017: sched_process_exec: filename=/usr/bin/a/b pid=10 "
                     "old_pid=10\n"
                     "             a/b-10      [000] .....     1.000020: sys_write(fd: 3)\n"
                     "             a/b-10      [000] .....     1.000027: sys_write -> 0x0\n");
    snprintf(cmd, sizeof cmd, "ingest --from ftrace --events all --channels %s -o %s/x -q", path, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "export %s/x --format ctf -o %s/x.ctf -q", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf --events all --channels %s/x.ctf -o %s/xb -q", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    comms_of(dir, "xb", back, sizeof back);
    CHECK_MSG(!strcmp(back, "dd dd a/b a/b a/b"), "%s", back);
    /* a name of 20 bytes: its first 15, as the kernel keeps it */
    snprintf(path, sizeof path, "%s/x", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(path, &m) == 0);
    const int32_t ab = ts_vocab_lookup(&m.comm_vocab, "a/b");
    REQUIRE(ab >= 2);
    free(m.comm_vocab.names[ab]);
    m.comm_vocab.names[ab] = ts_strdup("abcdefghijklmnopqrst");
    const int32_t dd = ts_vocab_lookup(&m.comm_vocab, "dd");   /* (a sched_switch's next_comm) */
    REQUIRE(dd >= 2);
    free(m.comm_vocab.names[dd]);
    m.comm_vocab.names[dd] = ts_strdup("0123456789ABCDEFGH");
    snprintf(path, sizeof path, "%s/long", dir);
    REQUIRE(ts_mc_save(path, &m) == 0);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "export %s/long --format ctf -o %s/long.ctf -q", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf --events all --channels %s/long.ctf -o %s/longb -q", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    comms_of(dir, "longb", back, sizeof back);
    CHECK_MSG(!strcmp(back, "0123456789ABCDE 0123456789ABCDE abcdefghijklmno abcdefghijklmno abcdefghijklmno"), "%s",
              back);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* 1 when name is one of kernel_trace's kernel events */
static int kernel_name(const char *name)
{
    return !strcmp(name, "irq_handler_entry") || !strcmp(name, "sched_switch") || !strcmp(name, "timer_expire_entry") ||
           !strcmp(name, "sched_process_exec");
}

/* events a model drew from a dataset of ingest --events all (generate --channels-from, a
 * multi-channel model's generate and impute, markov) are what their names are there: a
 * kernel event is one (2 in exit.npy), a name of a call and of its exit an exit where it
 * closes its thread's open call, so that export writes each as what it is and ingest --from
 * ctf reads the system calls alone back. They had no exit.npy (impute dropped the input's),
 * and the kernel events came back as system calls */
static void drawn_kinds(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char trace[512], cmd[2048], err[512], path[600];
    size_t calls, exits, all;
    snprintf(trace, sizeof trace, "%s/k.trace", dir);
    kernel_trace(trace, 300, &calls, &exits, &all);
    snprintf(cmd, sizeof cmd, "ingest --from ftrace --events all --channels %s -o %s/ds -q", trace, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 40 -o %s/ng.tsm --threads 1", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model mdm-mc %s/ds --length 40 --layers 1 --channels 8 --iters 2 -o %s/mc.tsm "
             "--threads 1", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const runs[4][2] = {
        {"ev", "generate %s/ng.tsm --channels-from %s/ds -n 3 --length 40 -o %s/ev --threads 1"},
        {"mc", "generate %s/mc.tsm -n 3 --length 40 -o %s/mc --threads 1"},
        {"markov", "markov %s/ds -n 120 --length 40 -o %s/markov"},
        {"imp", "impute %s/mc.tsm --input %s/ds --length 40 --blackout 10 -o %s/imp --threads 1"},
    };
    for (int r = 0; r < 4; r++) {
        const char *tag = runs[r][0];
        if (r == 0) snprintf(cmd, sizeof cmd, runs[r][1], dir, dir, dir);
        else if (r == 3) snprintf(cmd, sizeof cmd, runs[r][1], dir, dir, dir);
        else snprintf(cmd, sizeof cmd, runs[r][1], dir, dir);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: %s", cmd, err);
        if (rc) continue;
        ts_mc g;
        snprintf(path, sizeof path, "%s/%s", dir, tag);
        REQUIRE(ts_mc_load(path, &g) == 0);
        size_t wrong = 0, ncalls = 0, nexits = 0;
        for (size_t i = 0; i < g.n; i++) {
            const int k = g.events.exit ? g.events.exit[i] : TS_EVENT_CALL;
            wrong += kernel_name(name_of(&g.events.vocab, g.ch[TS_CH_EVENT][i])) != (k == TS_EVENT_OTHER);
            ncalls += k == TS_EVENT_CALL, nexits += k == TS_EVENT_EXIT;
        }
        CHECK_MSG(g.events.exit && wrong == 0 && nexits > 0, "%s: %s, %zu of %zu events not what their names are, "
                  "%zu exits", tag, g.events.exit ? "exit.npy" : "no exit.npy", wrong, g.n, nexits);
        /* the system calls alone back, and with --events all every event as it was */
        snprintf(cmd, sizeof cmd, "export %s/%s --format ctf -o %s/%s.ctf -q", dir, tag, dir, tag);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        for (int a = 0; a < 2; a++) {
            snprintf(cmd, sizeof cmd, "ingest --from ctf%s %s/%s.ctf -o %s/%s.back%d -q", a ? " --events all" : "", dir,
                     tag, dir, tag, a);
            REQUIRE(run_cli(cmd, err, sizeof err) == 0);
            ts_mc b;
            snprintf(path, sizeof path, "%s/%s.back%d", dir, tag, a);
            if (ts_mc_load(path, &b) != 0) {
                CHECK_MSG(0, "%s", ts_error());
                continue;
            }
            if (a) {   /* events of one time on two CPUs come back in CPU order: counted, not in turn */
                size_t bad = 0, bexits = 0;
                for (size_t i = 0; i < b.n; i++) {
                    const int k = b.events.exit ? b.events.exit[i] : TS_EVENT_CALL;
                    bad += kernel_name(name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i])) != (k == TS_EVENT_OTHER);
                    bexits += k == TS_EVENT_EXIT;
                }
                CHECK_MSG(b.n == g.n && bad == 0 && bexits == nexits, "%s --events all: %zu of %zu events back, %zu "
                          "not what their names are, %zu of %zu exits", tag, b.n, g.n, bad, bexits, nexits);
            } else {
                size_t kernel = 0;
                for (size_t i = 0; i < b.n; i++) kernel += kernel_name(name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i]));
                CHECK_MSG(b.n == ncalls && kernel == 0, "%s: %zu events back (%zu kernel events), not the %zu calls",
                          tag, b.n, kernel, ncalls);
            }
            ts_mc_free(&b);
        }
        ts_mc_free(&g);
    }
    /* the model's section of name kinds (KINDS, a byte per event name) read back corrupt:
     * one byte short, or a bit past TS_EVENT_OTHER's, is refused in one line naming it */
    for (int bad = 0; bad < 2; bad++) {
        ts_reader rd;
        snprintf(path, sizeof path, "%s/mc.tsm", dir);
        REQUIRE(ts_reader_open(&rd, path) == 0);
        char out[600];
        snprintf(out, sizeof out, "%s/mc_bad%d.tsm", dir, bad);
        ts_writer wr;
        ts_writer_init(&wr, out);
        int seen = 0;
        for (uint32_t i = 0; i < rd.nchunks; i++) {
            const ts_chunk *c = &rd.chunks[i];
            if (strcmp(c->tag, "KINDS")) {
                ts_writer_chunk(&wr, c->tag, c->data, (size_t)c->size);
                continue;
            }
            seen = 1;
            unsigned char k[4096];
            REQUIRE(c->size > 1 && c->size <= sizeof k);
            memcpy(k, c->data, (size_t)c->size);
            k[0] = 9;
            ts_writer_chunk(&wr, c->tag, k, (size_t)c->size - (bad ? 0 : 1));
        }
        ts_reader_close(&rd);
        REQUIRE(ts_writer_commit(&wr) == 0);
        CHECK_MSG(seen, "mc.tsm holds no KINDS section");
        snprintf(cmd, sizeof cmd, "generate %s -n 1 --length 40 -o %s/bad%d --threads 1", out, dir, bad);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "section 'KINDS' is corrupt") &&
                      strstr(err, out) && !strchr(err, '\n'),
                  "%s", err);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* thread bucket 0 (a thread ID of 256, 512, ... or unknown) is written as thread 0 and
 * comes back as bucket 0, a known thread as itself, whether the CPU's thread changes to or
 * from it: with process names on one CPU, and without them over two */
static void bucket_zero_round_trip(void)
{
    static const char *const calls[] = {"read", "write", "read", "close", "read", "write"};
    static const int64_t tids[] = {100, 512, -1, 100, 512, 100};
    static const int32_t want[] = {100, 0, 0, 100, 0, 100};
    const char *dir = scratch_dir();
    REQUIRE(dir);
    for (int k = 0; k < 2; k++) {
        ts_mc_raw r;
        memset(&r, 0, sizeof r);
        r.n = 6;
        r.names = ts_malloc(r.n * sizeof *r.names);
        r.time_ns = ts_malloc(r.n * sizeof *r.time_ns);
        r.tid = ts_malloc(r.n * sizeof *r.tid);
        if (k) r.cpu = ts_malloc(r.n * sizeof *r.cpu);
        else r.comm = ts_malloc(r.n * sizeof *r.comm);
        for (size_t i = 0; i < r.n; i++) {
            r.names[i] = ts_strdup(calls[i]);
            r.time_ns[i] = 1000 * (int64_t)(i + 1);
            r.tid[i] = tids[i];
            if (k) r.cpu[i] = (int32_t)(i / 2 % 2);
            else r.comm[i] = ts_strdup(tids[i] == 100 ? "bash" : "nginx");
        }
        ts_mc m;
        REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
        ts_mc_raw_free(&r);
        REQUIRE(m.ch[TS_CH_TID] && m.ch[TS_CH_TID][0] == 100 && m.ch[TS_CH_TID][1] == 0 && m.ch[TS_CH_TID][2] == 0);
        char ds[512], cmd[1024], err[512];
        snprintf(ds, sizeof ds, "%s/zero%d", dir, k);
        REQUIRE(ts_mc_save(ds, &m) == 0);
        ts_mc_free(&m);
        snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/zero%d.ctf", ds, dir, k);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "ingest --from ctf %s/zero%d.ctf --channels -o %s/zero%d.back", dir, k, dir, k);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s", err);
        if (rc) continue;
        snprintf(ds, sizeof ds, "%s/zero%d.back", dir, k);
        ts_mc b;
        REQUIRE(ts_mc_load(ds, &b) == 0);
        CHECK_MSG(b.n == 6 && b.ch[TS_CH_TID], "%d: %zu events read back, %s threads", k, b.n,
                  b.ch[TS_CH_TID] ? "with" : "without");
        for (size_t i = 0; i < 6 && i < b.n && b.ch[TS_CH_TID]; i++)
            CHECK_MSG(b.ch[TS_CH_TID][i] == want[i] && (!k || (b.ch[TS_CH_CPU] && b.ch[TS_CH_CPU][i] == (int32_t)(i / 2 % 2))),
                      "%d, event %zu: bucket %d read back, not %d", k, i, b.ch[TS_CH_TID][i], want[i]);
        ts_mc_free(&b);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* the same on the real trace (many-threads, LTTng) with every event: the 240,644 events came
 * back as 268,971, the kernel events as system calls and the thread changes as events */
static void kernel_events_real_trace(void)
{
    const char *src = shared_path("traces/lttng/many-threads");
    if (!src) SKIP("../shared/traces/lttng/many-threads absent");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[8192], err[512], path[600];
    for (int channels = 0; channels < 2; channels++) {
        const char *ch = channels ? " --channels" : "";
        snprintf(cmd, sizeof cmd, "ingest --from ctf --events all%s %s -o %s/e%d -q", ch, src, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "export %s/e%d --format ctf -o %s/e%d.ctf -q", dir, channels, dir, channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "ingest --from ctf --events all%s %s/e%d.ctf -o %s/f%d -q", ch, dir, channels, dir,
                 channels);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        ts_mc a, b;
        snprintf(path, sizeof path, "%s/e%d", dir, channels);
        REQUIRE(ts_mc_load(path, &a) == 0);
        snprintf(path, sizeof path, "%s/f%d", dir, channels);
        REQUIRE(ts_mc_load(path, &b) == 0);
        size_t bad = a.n == b.n ? differ_kinds(&a, &b) : a.n;
        for (size_t i = 0; a.n == b.n && i < a.n; i++) {
            int d = strcmp(name_of(&a.events.vocab, a.ch[TS_CH_EVENT][i]), name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i]));
            if (channels) {   /* a value or comm outside its vocabulary (<unk>) comes back as <unk> */
                d |= a.ch[TS_CH_CPU][i] != b.ch[TS_CH_CPU][i] || a.ch[TS_CH_TID][i] != b.ch[TS_CH_TID][i];
                d |= strcmp(name_of(&a.comm_vocab, a.ch[TS_CH_COMM][i]), name_of(&b.comm_vocab, b.ch[TS_CH_COMM][i]));
                d |= strcmp(name_of(&a.ret_vocab, a.ch[TS_CH_RET][i]), name_of(&b.ret_vocab, b.ch[TS_CH_RET][i]));
            }
            if (d && bad < 3)
                fprintf(stderr, "    event %zu: %s/%s cpu %d/%d tid %d/%d comm %s/%s\n", i,
                        name_of(&a.events.vocab, a.ch[TS_CH_EVENT][i]), name_of(&b.events.vocab, b.ch[TS_CH_EVENT][i]),
                        channels ? a.ch[TS_CH_CPU][i] : 0, channels ? b.ch[TS_CH_CPU][i] : 0,
                        channels ? a.ch[TS_CH_TID][i] : 0, channels ? b.ch[TS_CH_TID][i] : 0,
                        channels ? name_of(&a.comm_vocab, a.ch[TS_CH_COMM][i]) : "-",
                        channels ? name_of(&b.comm_vocab, b.ch[TS_CH_COMM][i]) : "-");
            bad += d != 0;
        }
        CHECK_MSG(bad == 0, "channels %d: %zu of %zu events differ (%zu back)", channels, bad, a.n, b.n);
        ts_mc_free(&a);
        ts_mc_free(&b);
    }
    /* without --events all: the system calls of the trace, as the trace itself gives them */
    size_t count[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/e0.ctf", dir);
        snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/s%d -q", k ? path : src, dir, k);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        ts_mc m;
        snprintf(path, sizeof path, "%s/s%d", dir, k);
        REQUIRE(ts_mc_load(path, &m) == 0);
        count[k] = m.n;
        ts_mc_free(&m);
    }
    CHECK_MSG(count[0] == count[1], "%zu system calls back, not the trace's %zu", count[1], count[0]);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* -o an empty folder (mkdir e first) is taken, as drop and fill take one, and so is a trace
 * export wrote there (its mark); a folder holding anything else, or a trace with no mark (a
 * recorded one), stays refused and kept */
static void empty_folder_output(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[1024], path[700];
    snprintf(ds, sizeof ds, "%s/mc", dir);
    REQUIRE(make_trace(ds, 200, 1) == 0);
    snprintf(path, sizeof path, "%s/e", dir);
    REQUIRE(mkdir(path, 0755) == 0);
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/e", ds, dir);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "export %d: exit %d: %s", k, rc, err);
    }
    snprintf(path, sizeof path, "%s/e/metadata", dir);
    CHECK(ts_file_exists(path));
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s/e -o %s/e-back", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* a trace's metadata without the mark: not one written here */
    snprintf(path, sizeof path, "%s/rec", dir);
    REQUIRE(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/rec/metadata", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("/* CTF 1.8 */\ntrace {\n\tmajor = 1;\n};\n\nenv {\n\thostname = \"h\";\n};\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/full", dir);
    REQUIRE(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/full/notes.txt", dir);
    f = fopen(path, "w");
    REQUIRE(f);
    fputs("kept\n", f);
    fclose(f);
    const char *refused[] = {"full", "rec"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "export %s --format ctf -o %s/%s", ds, dir, refused[i]);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, refused[i]) && strstr(err, "not replaced"), "%s: exit %d: %s", refused[i], rc,
                  err);
    }
    CHECK(ts_file_exists(path));
    snprintf(path, sizeof path, "%s/rec/metadata", dir);
    CHECK(ts_file_exists(path));
}

TEST_MAIN("ctf_export", {
    RUN(empty_folder_output);
    RUN(export_ingest);
    RUN(first_dt);
    RUN(strace_comm_kept);
    RUN(own_times);
    RUN(ingested_times_exact);
    RUN(keeps_arch);
    RUN(derived_keep_arch);
    RUN(channels_keep_times);
    RUN(impute_drops_times);
    RUN(to_stdout);
    RUN(quiet_taken);
    RUN(windows_one_trace);
    RUN(exits_round_trip);
    RUN(switches_not_events);
    RUN(kernel_events_not_strace);
    RUN(kernel_events_round_trip);
    RUN(kernel_events_real_trace);
    RUN(exec_comm_round_trip);
    RUN(unknown_round_trip);
    RUN(strace_unknown_round_trip);
    RUN(unknown_values_said);
    RUN(unknown_event_round_trip);
    RUN(drawn_kinds);
    RUN(bucket_zero_round_trip);
})
