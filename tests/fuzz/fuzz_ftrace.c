/* ftrace text through ingest: the reader with every option the input's length picks
 * (--exits, --events all, --cpu, --comm, the architecture), the invariants it promises
 * (times in order, fields per event, streams of its CPUs), then the dataset built from the
 * names, as `ingest --from ftrace` does */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("app.trace");
    fuzz_write(path, data, size);
    const char *arch;
    const ts_ctf_opts o = fuzz_trace_opts(size, &arch);
    const char *const one[] = {path};
    ts_ctf_trace t;
    char *notes;
    if (ts_ftrace_load(one, 1, &o, arch, &t, &notes) != 0) {
        fuzz_check_error();
        return 0;
    }
    for (size_t i = 0; i < t.n; i++) {
        if (i && t.time_ns[i] < t.time_ns[i - 1]) abort();
        if (!t.names[i] || !*t.names[i] || t.cpu[i] < 0 || t.cpu[i] >= t.n_cpus) abort();
        if (o.cpu >= 0 && t.cpu[i] != o.cpu) abort();
        if (o.comm && (!t.comm[i] || strcmp(t.comm[i], o.comm))) abort();
    }
    for (size_t i = 0; i < t.n_streams; i++)
        if (t.streams[i].cpu < 0 || t.streams[i].cpu >= t.n_cpus) abort();
    free(notes);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    if (ts_dataset_from_names(t.names, t.n, 0.7, &d) == 0) {
        volatile int32_t span = ts_ids_span(d.stream.ids, d.stream.n);
        (void)span;
        ts_dataset_free(&d);
    }
    ts_ctf_trace_free(&t);
    return 0;
}
