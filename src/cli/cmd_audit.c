/* tracesynth audit: share of test windows found verbatim in training data. */
#include "cli.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

/* windows from a dataset dir (its stream as one row, or the windows it records: a set of
 * windows, DIR/length, none of whose runs crosses two), .npy, or a window/stream file */
static int load_rows(const char *path, int allow_dir, ts_windows *w, const char **what)
{
    struct stat st;
    const int there = stat(path, &st) == 0;
    int dir = there && S_ISDIR(st.st_mode), npy = 0;
    /* a path not there (standard input aside) is the loader's to name, as every input that
     * may be a file or a dataset is */
    if (dir || (!there && !ts_path_is_stdin(path))) {
        if (ts_windows_load(path, -1, allow_dir, w) != 0) return -1;
    } else {   /* read once: a pipe works */
        ts_npy a;
        if (ts_input_read(path, &npy, &a, w) != 0) return -1;
        int rc = npy ? ts_npy_to_windows(&a, path, -1, w) : 0;
        if (npy) ts_npy_free(&a);
        if (rc) return -1;
    }
    if (!npy && ts_windows_as_set(path, w) != 0) {
        ts_windows_free(w);
        return -1;
    }
    *what = dir ? "dataset stream" : npy || w->n != 1 ? "windows" : "stream";
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    const char *train_p = NULL, *test_p = NULL;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "train", &train_p, "A", TS_OPT_REQUIRED, "training data: a dataset directory (its stream.txt,\n"
                    "or the windows it records, DIR/length: a set of\n"
                    "windows), a window file (one window per line), a\n"
                    "one-line stream file, or a .npy array. Windows of A as\n"
                    "long as B's match whole; a longer row (a stream, a\n"
                    "window) matches B's window anywhere inside it, as a\n"
                    "contiguous substring; '-': standard input"),
        TS_OPT_STR_F_(0, "test", &test_p, "B", TS_OPT_REQUIRED, "test windows: a window file or a .npy array (N, L),\n"
                    "(N, 1, L), (N, L, 1); a float32 array's values are\n"
                    "rounded to the nearest ID, negatives to 0, as the study\n"
                    "scored real-valued outputs; '-': standard input"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "audit", "tracesynth audit --train A --test B",
        "Prints how many windows of B occur verbatim in A (a leakage check for a\n"
        "train/test pair, or a memorization check for synthetic windows).\n",
        opts, 0, 0, NULL, 0, NULL,
    };
    int prc = cli_parse_options(&spec, argc, argv);
    if (prc >= 0) return prc;
    int rc = cli_stdin_input("audit", "--train", &train_p);
    if (rc || (rc = cli_stdin_input("audit", "--test", &test_p))) return rc;
    ts_windows train, test;
    const char *train_what, *test_what;
    if (load_rows(train_p, 1, &train, &train_what) != 0) return cli_fail();
    if (load_rows(test_p, 0, &test, &test_what) != 0) {
        ts_windows_free(&train);
        return cli_fail();
    }
    double share = train.len < test.len ? 0 : ts_audit_overlap(&train, &test);
    if (isnan(share)) {
        rc = -1;
    } else if (train.len < test.len) {
        rc = ts_fail("%s: rows of %zu event%s are shorter than the %zu-event test windows of %s",
                     train_p, train.len, ts_plural(train.len), test.len, test_p);
    } else {
        size_t found = (size_t)(share * (double)test.n + 0.5);
        const char *tn = cli_input_name(train_p);   /* '-': standard input */
        if (train.n == 1) printf("train: %s, %s of %zu event%s\n", tn, train_what, train.len, ts_plural(train.len));
        else printf("train: %s, %zu windows of %zu event%s\n", tn, train.n, train.len, ts_plural(train.len));
        printf("test:  %s, %zu window%s of %zu event%s\n", cli_input_name(test_p), test.n, ts_plural(test.n), test.len,
               ts_plural(test.len));
        printf("found verbatim in train: %zu of %zu (%.1f%%)\n", found, test.n, 100 * share);
    }
    ts_windows_free(&train);
    ts_windows_free(&test);
    return rc ? cli_fail() : 0;
}
