/* NumPy .npy arrays (impute/eval inputs, ingest --from npy) as windows and masks */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("a.npy");
    fuzz_write(path, data, size);
    ts_npy a;
    if (ts_npy_read(path, &a) != 0) {
        fuzz_check_error();
        return 0;
    }
    ts_windows w;
    if (ts_npy_to_windows(&a, path, -1, &w) == 0) ts_windows_free(&w);
    if (ts_npy_to_windows(&a, path, 100, &w) == 0) ts_windows_free(&w);
    uint8_t *mask;
    size_t n, len;
    if (ts_npy_to_mask(&a, path, &mask, &n, &len) == 0) free(mask);
    ts_npy_free(&a);
    return 0;
}
