/* ftrace text through gaps, drop and fill: the gap reader (ts_gaps_find_arch), drop's
 * rewrite (a share of the events left out, markers written), and fill's (a model trained on
 * the input itself, unigram or n-gram by the input's length, the reconstructed lines written
 * after the markers), into files of the harness's temporary directory. What each writes must
 * read back: the same gaps and events, the dropped ones gone, the reconstructed ones there. */
#include "fuzz.h"

/* a fill writes as many lines as the markers say were lost: above this it is a large
 * output, not a fault, and the run would only be slow */
enum { MAX_FILL = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = fuzz_path("in.trace"), *dropped = fuzz_path("dropped.trace"), *filled = fuzz_path("filled.trace");
    fuzz_write(in, data, size);
    static const char *const arches[] = {NULL, "x86_64", "aarch64", "arm"};
    const char *arch = arches[size % 4];
    ts_gap_list g;
    if (ts_gaps_find_arch(in, arch, 0, &g) != 0) {
        fuzz_check_error();
        return 0;
    }
    uint64_t lost = 0;
    for (size_t i = 0; i < g.n; i++) lost += g.gaps[i].g.count;

    ts_drop_opts d = {size % 3 == 0 ? 0.5 : 0.2, 1, (long)(size % 5) + 1, size, 0, 1, arch};
    ts_drop_stats st;
    if (ts_ctf_drop(in, dropped, &d, &st) != 0) {
        fuzz_check_error();
    } else {
        ts_gap_list gd;
        if (ts_gaps_find_arch(dropped, arch, 0, &gd) != 0) {
            fprintf(stderr, "fuzz: drop's output does not read back: %s\n", ts_error());
            abort();
        }
        if (gd.events + gd.recon != g.events + g.recon - st.dropped) {
            fprintf(stderr, "fuzz: drop's output reads back %llu + %llu events, not %llu + %llu - %llu dropped\n",
                    (unsigned long long)gd.events, (unsigned long long)gd.recon, (unsigned long long)g.events,
                    (unsigned long long)g.recon, (unsigned long long)st.dropped);
            abort();
        }
        ts_gap_list_free(&gd);
        ts_drop_stats_free(&st);
    }

    if (lost <= MAX_FILL) {
        ts_fill_opts o;
        memset(&o, 0, sizeof o);
        o.model = size & 1 ? "ngram" : "unigram";
        o.context = 4;
        o.length = 16;
        o.one_model = size % 3 == 1;
        o.seed = size;
        o.arch = arch;
        ts_fill_result r;
        if (ts_ctf_fill(in, filled, &o, &r) != 0) {
            fuzz_check_error();
        } else {
            ts_gap_list gf;
            if (ts_gaps_find_arch(filled, arch, 0, &gf) != 0) {
                fprintf(stderr, "fuzz: fill's output does not read back: %s\n", ts_error());
                abort();
            }
            if (gf.n != g.n || gf.events != g.events || gf.recon != g.recon + r.reconstructed) abort();
            ts_gap_list_free(&gf);
            ts_fill_result_free(&r);
        }
    }
    ts_gap_list_free(&g);
    return 0;
}
