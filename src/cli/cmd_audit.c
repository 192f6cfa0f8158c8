/* tracesynth audit: share of test windows found verbatim in training data. */
#include "cli.h"

#include <string.h>
#include <sys/stat.h>

static void usage(void)
{
    printf(
        "usage: tracesynth audit --train A --test B\n"
        "\n"
        "Prints how many windows of B occur verbatim in A (a leakage check for a\n"
        "train/test pair, or a memorization check for synthetic windows).\n"
        "\n"
        "  A  training data: a dataset directory (its stream.txt), a window file (one\n"
        "     window per line), a one-line stream file, or a .npy array. Windows of A\n"
        "     as long as B's match whole; a longer row (a stream) matches B's window\n"
        "     anywhere inside it, as a contiguous substring.\n"
        "  B  test windows: a window file or a .npy array (N, L), (N, 1, L), (N, L, 1).\n");
}

/* windows from a dataset dir (its stream as one row), .npy, or a window/stream file */
static int load_rows(const char *path, int allow_dir, ts_windows *w, const char **what)
{
    struct stat st;
    int dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    int npy = dir ? 0 : ts_is_npy(path);
    if (npy < 0) return -1;
    if (ts_windows_load(path, -1, allow_dir, w) != 0) return -1;
    *what = dir ? "dataset stream" : npy || w->n != 1 ? "windows" : "stream";
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    const char *train_p = NULL, *test_p = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--train") || !strcmp(a, "--test")) {
            if (i + 1 >= argc) return cli_usage_error("audit", "%s needs a value", a);
            *(a[3] == 'r' ? &train_p : &test_p) = argv[++i];
        } else {
            return cli_usage_error("audit", "unexpected argument '%s'", a);
        }
    }
    if (!train_p || !test_p) return cli_usage_error("audit", "--train A and --test B are required");
    ts_windows train, test;
    const char *train_what, *test_what;
    if (load_rows(train_p, 1, &train, &train_what) != 0) return cli_fail();
    if (load_rows(test_p, 0, &test, &test_what) != 0) {
        ts_windows_free(&train);
        return cli_fail();
    }
    int rc = 0;
    if (train.len < test.len) {
        rc = ts_fail("%s: rows of %zu events are shorter than the %zu-event test windows of %s",
                     train_p, train.len, test.len, test_p);
    } else {
        double share = ts_audit_overlap(&train, &test);
        size_t found = (size_t)(share * (double)test.n + 0.5);
        if (train.n == 1) printf("train: %s, %s of %zu events\n", train_p, train_what, train.len);
        else printf("train: %s, %zu windows of %zu events\n", train_p, train.n, train.len);
        printf("test:  %s, %zu windows of %zu events\n", test_p, test.n, test.len);
        printf("found verbatim in train: %zu of %zu (%.1f%%)\n", found, test.n, 100 * share);
    }
    ts_windows_free(&train);
    ts_windows_free(&test);
    return rc ? cli_fail() : 0;
}
