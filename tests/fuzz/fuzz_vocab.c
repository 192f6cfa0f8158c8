/* vocab.tsv ("ID\tname\tcount" per line): read, look names up, copy */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("vocab.tsv");
    fuzz_write(path, data, size);
    ts_vocab v, c;
    if (ts_vocab_read(path, &v) != 0) {
        fuzz_check_error();
        return 0;
    }
    for (int i = 0; i < v.n; i++)
        if (ts_vocab_lookup(&v, v.names[i]) != i) {
            fprintf(stderr, "fuzz: name %d '%s' looks up as %d\n", i, v.names[i],
                    ts_vocab_lookup(&v, v.names[i]));
            abort();
        }
    volatile int32_t u = ts_vocab_lookup(&v, "no such name");
    (void)u;
    if (ts_vocab_copy(&c, &v) == 0) ts_vocab_free(&c);
    ts_vocab_free(&v);
    return 0;
}
