/* strace -f -ttt -T logs through ingest: the log reader, then the dataset built from
 * the names (vocabulary by rank, UNK), as `ingest --from strace` does */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("app.strace");
    fuzz_write(path, data, size);
    char **names;
    size_t n;
    if (ts_strace_read(path, &names, &n) != 0) {
        fuzz_check_error();
        return 0;
    }
    ts_dataset d;
    memset(&d, 0, sizeof d);
    if (ts_dataset_from_names(names, n, 0.7, &d) == 0) {
        volatile int32_t span = ts_ids_span(d.stream.ids, d.stream.n);
        (void)span;
        ts_dataset_free(&d);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}
