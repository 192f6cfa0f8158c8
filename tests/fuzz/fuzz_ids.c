/* ID streams (stream.txt, ingest --from ids) and window files (one window per line),
 * then what every command computes from them: the ID span and the window loader. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("ids.txt");
    fuzz_write(path, data, size);
    ts_seq s;
    if (ts_seq_read(path, &s) == 0) {
        volatile int32_t span = ts_ids_span(s.ids, s.n);
        (void)span;
        ts_seq_free(&s);
    } else {
        fuzz_check_error();
    }
    ts_windows w;
    if (ts_windows_read(path, &w) == 0) {
        volatile int32_t span = ts_ids_span(w.data, w.n * w.len);
        (void)span;
        ts_windows_free(&w);
    } else {
        fuzz_check_error();
    }
    if (ts_windows_load(path, 1000, 0, &w) == 0) ts_windows_free(&w);
    else fuzz_check_error();
    return 0;
}
