/* perf's text through ingest --from perf: the input as a file (gzip-compressed for some
 * lengths, as the readers take it), asked of ts_perf_trace_file (perf trace's output or
 * not), then
 *  - perf trace's output read as ingest reads it, a strace log (ts_strace_read_times; with
 *    --channels, ts_mc_from_strace_many): names without blanks, times never going back;
 *  - perf script's text read by ts_perf_load with every option the input's length picks
 *    (--exits, --events all, --cpu, --comm, the architecture), as fuzz_ftrace's: times in
 *    order, each event named and on one of the trace's CPUs, the filters kept, each stream's
 *    discards summing to its count and the streams' to the trace's lost events; its fields
 *    as --channels takes them (ts_mc_from_trace);
 * and the dataset built from the names. Both readers run on every input: the one ingest
 * would not pick must fail in one line or read. */
#include "fuzz.h"
#include "tracesynth/channels.h"

#include <zlib.h>

static void fail(const char *what, size_t i)
{
    fprintf(stderr, "fuzz_perf: %s (event %zu)\n", what, i);
    abort();
}

static void check_name(const char *s, size_t i)
{
    if (!s || !*s) fail("an event without a name", i);
    if (strpbrk(s, " \t\n\r")) fail("an event name with a blank", i);
}

/* what ts_mc_raw promises */
static void check_raw(const ts_mc_raw *r)
{
    for (size_t i = 0; i < r->n; i++) {
        check_name(r->names ? r->names[i] : NULL, i);
        if (r->time_ns && i && r->time_ns[i] < r->time_ns[i - 1]) fail("a time going back", i);
        if (r->has_ret && r->has_ret[i] > TS_RET_UNKNOWN) fail("a return value neither known, unknown nor none", i);
        if (r->tid && r->tid[i] < -1) fail("a thread ID below -1", i);
    }
}

/* the dataset ingest builds from the names */
static void dataset(char **names, size_t n)
{
    ts_dataset d;
    memset(&d, 0, sizeof d);
    if (ts_dataset_from_names(names, n, 0.7, &d) != 0) {
        fuzz_check_error();
        return;
    }
    volatile int32_t span = ts_ids_span(d.stream.ids, d.stream.n);
    (void)span;
    ts_dataset_free(&d);
}

/* perf trace's output, as a strace log */
static void perf_trace(const char *path, int channels)
{
    const char *const one[] = {path};
    char **names;
    int64_t *ns;
    size_t n;
    char *notes;
    if (ts_strace_read_times(one, 1, &names, &ns, &n, &notes) != 0) {
        fuzz_check_error();
    } else {
        for (size_t i = 0; i < n; i++) {
            check_name(names[i], i);
            if (ns && i && ns[i] < ns[i - 1]) fail("perf trace: a time going back", i);
        }
        dataset(names, n);
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        free(ns);
        free(notes);
    }
    if (!channels) return;
    ts_mc_raw r;
    if (ts_mc_from_strace_many(one, 1, &r, &notes) != 0) {
        fuzz_check_error();
        return;
    }
    check_raw(&r);
    free(notes);
    ts_mc_raw_free(&r);
}

/* perf script's text */
static void perf_script(const char *path, size_t size)
{
    const char *arch;
    const ts_ctf_opts o = fuzz_trace_opts(size, &arch);
    const char *const one[] = {path};
    ts_ctf_trace t;
    char *notes;
    if (ts_perf_load(one, 1, &o, arch, &t, &notes) != 0) {
        fuzz_check_error();
        return;
    }
    free(notes);
    if (t.n_cpus < 1) fail("events but no CPU", 0);
    for (size_t i = 0; i < t.n; i++) {
        check_name(t.names[i], i);
        if (i && t.time_ns[i] < t.time_ns[i - 1]) fail("a time going back", i);
        if (t.cpu[i] < 0 || t.cpu[i] >= t.n_cpus) fail("a CPU outside the trace's", i);
        if (o.cpu >= 0 && t.cpu[i] != o.cpu) fail("an event of another CPU than --cpu's", i);
        if (o.comm && (!t.comm[i] || strcmp(t.comm[i], o.comm))) fail("an event of another comm than --comm's", i);
        if (o.events == TS_CTF_SYSCALLS && t.exit[i] == TS_EVENT_OTHER) fail("an event that is no system call", i);
        if (o.events == TS_CTF_SYSCALLS && !o.exits && t.exit[i] != TS_EVENT_CALL) fail("an exit without --exits", i);
    }
    uint64_t lost = 0;
    for (size_t s = 0; s < t.n_streams; s++) {
        const ts_ctf_stream *st = &t.streams[s];
        if (st->cpu < 0 || st->cpu >= t.n_cpus) fail("a stream outside the trace's CPUs", s);
        uint64_t sum = 0;
        for (size_t k = 0; k < st->n_discards; k++) sum += st->discards[k].count;
        if (sum != st->discarded) fail("a stream's discards not summing to its count", s);
        lost += st->discarded;
    }
    if (lost != t.lost) fail("the streams' discards not summing to the lost events", 0);
    dataset(t.names, t.n);
    if (size % 4 < 2) {   /* --channels: the fields move to the raw ones */
        ts_mc_raw r;
        if (ts_mc_from_trace(&t, path, &r) != 0) {
            fuzz_check_error();
        } else {
            check_raw(&r);
            ts_mc_raw_free(&r);
        }
    }
    ts_ctf_trace_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("perf.txt");
    if (size % 8 == 7) {   /* perf.txt.gz renamed: the readers look at the bytes, not the name */
        gzFile f = gzopen(path, "wb1");
        if (!f || (size && gzwrite(f, data, (unsigned)size) != (int)size) || gzclose(f) != Z_OK) {
            perror(path);
            abort();
        }
    } else {
        fuzz_write(path, data, size);
    }
    const int pt = ts_perf_trace_file(path);
    if (pt < 0) fuzz_check_error();
    else if (pt > 1) fail("ts_perf_trace_file neither 0 nor 1", 0);
    if (pt == 1) perf_trace(path, (int)(size & 2));
    perf_script(path, size);
    return 0;
}
