/* tracesynth split: train/validation/test window files (PROTOCOLS.md §2). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
        "usage: tracesynth split DATASET --length L [--split time|paper] [--stride S]\n"
        "                        [--windows N] [--fractions A,B,C] -o DIR\n"
        "\n"
        "Writes DIR/training, DIR/validation, DIR/testing (window files: one window\n"
        "of L comma-separated IDs per line), DIR/train_stream.txt (the contiguous\n"
        "training events, for n-gram counts), DIR/vocab.tsv when DATASET has names,\n"
        "and DIR/split.txt (the parameters).\n"
        "\n"
        "  --split time   (default) on stream.txt of n events: training = windows of\n"
        "                 stride S over [0, An); validation and testing = N windows\n"
        "                 evenly spaced inside [An, (A+B)n) and [(A+B)n, n) (starts\n"
        "                 cut + floor(i (end - L - cut) / (N - 1))). No window crosses a\n"
        "                 boundary: no test event is seen in training. (A repetitive\n"
        "                 trace can still repeat a test window's content verbatim in the\n"
        "                 training part; the count printed at the end says how often.)\n"
        "  --split paper  the study's published sequence_length_L/training (or, when\n"
        "                 absent, stride-S windows over all of stream.txt) and\n"
        "                 sequence_length_L/testing; validation = N evenly spaced\n"
        "                 training windows. Known to leak: test windows occur verbatim in\n"
        "                 the training data (the count is printed).\n"
        "  --length L     window length (required)\n"
        "  --stride S     training window stride (default 5, as the study's files)\n"
        "  --windows N    validation and test windows (default 500); a part too short\n"
        "                 for N distinct windows repeats some (the count is printed)\n"
        "  --fractions A,B,C  shares of the stream for training, validation and\n"
        "                 testing in the time split (default 0.7,0.1,0.2; train and\n"
        "                 impute take the same option: give them the same values)\n");
}

int cmd_split(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage();
        return 0;
    }
    const char *dataset = NULL, *out = NULL, *kind_s = "time";
    long L = 0, stride = 5, nwin = 500;
    int pm[3];
    memcpy(pm, ts_split_default_permille, sizeof pm);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int takes = !strcmp(a, "--split") || !strcmp(a, "--length") || !strcmp(a, "--stride") ||
                    !strcmp(a, "--windows") || !strcmp(a, "-o") || !strcmp(a, "--fractions");
        if (takes && i + 1 >= argc) return cli_usage_error("split", "%s needs a value", a);
        if (!strcmp(a, "--split")) kind_s = argv[++i];
        else if (!strcmp(a, "-o")) out = argv[++i];
        else if (!strcmp(a, "--fractions")) {
            if (ts_split_parse_fractions(argv[++i], pm)) return cli_usage_error("split", "%s", ts_error());
        }
        else if (!strcmp(a, "--length")) {
            if (cli_parse_long("split", a, argv[++i], 1, 1 << 24, &L)) return 2;
        } else if (!strcmp(a, "--stride")) {
            if (cli_parse_long("split", a, argv[++i], 1, 1 << 24, &stride)) return 2;
        } else if (!strcmp(a, "--windows")) {
            if (cli_parse_long("split", a, argv[++i], 1, 1 << 24, &nwin)) return 2;
        } else if (a[0] == '-' && a[1]) return cli_usage_error("split", "unknown option '%s'", a);
        else if (dataset) return cli_usage_error("split", "more than one DATASET ('%s', '%s')", dataset, a);
        else dataset = a;
    }
    if (!dataset) return cli_usage_error("split", "no DATASET given");
    if (!out) return cli_usage_error("split", "-o DIR is required");
    if (!L) return cli_usage_error("split", "--length L is required");
    ts_split_kind kind;
    if (ts_split_parse(kind_s, &kind) != 0) return cli_usage_error("split", "%s", ts_error());

    ts_dataset ds;
    if (ts_dataset_load(dataset, &ds) != 0) return cli_fail();
    ts_split sp;
    int rc = ts_split_make_parts(&ds, kind, (size_t)L, (size_t)stride, (size_t)nwin, pm, &sp);
    if (rc == 0) rc = ts_mkdir_p(out);
    const char *files[3] = {"training", "validation", "testing"};
    const ts_windows *parts[3] = {&sp.train, &sp.valid, &sp.test};
    for (int k = 0; k < 3 && rc == 0; k++) {
        char *p = ts_path_join(out, files[k]);
        rc = ts_windows_write(p, parts[k]);
        free(p);
    }
    if (rc == 0) {
        char *p = ts_path_join(out, "train_stream.txt");
        rc = ts_seq_write(p, &sp.train_stream);
        free(p);
    }
    if (rc == 0 && ds.vocab.n > 0) {
        char *p = ts_path_join(out, "vocab.tsv");
        rc = ts_vocab_write(p, &ds.vocab);
        free(p);
    }
    double leak = 0;
    if (rc == 0) {
        ts_windows stream = {sp.train_stream.ids, 1, sp.train_stream.n};
        leak = ts_audit_overlap(&stream, &sp.test);
        char *p = ts_path_join(out, "split.txt");
        ts_outfile o;
        rc = ts_out_open(&o, p);
        if (rc == 0) {
            fprintf(o.f, "dataset=%s\nsplit=%s\nlength=%ld\nstride=%ld\nwindows=%ld\nstream_events=%zu\n"
                         "train_windows=%zu\ntrain_stream_events=%zu\ntest_in_train=%zu\n",
                    dataset, ts_split_name(kind), L, stride, nwin, ds.stream.n, sp.train.n,
                    sp.train_stream.n, (size_t)(leak * (double)sp.test.n + 0.5));
            if (kind == TS_SPLIT_TIME)
                fprintf(o.f, "fractions=%g,%g,%g\n", pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0);
            rc = ts_out_commit(&o);
        }
        free(p);
    }
    if (rc == 0) {
        printf("%s split of %s (%zu events), L = %ld:\n", ts_split_name(kind), dataset, ds.stream.n, L);
        if (kind == TS_SPLIT_TIME) {
            size_t n = ds.stream.n, a = n * (size_t)pm[0] / 1000, b = n * (size_t)(pm[0] + pm[1]) / 1000;
            printf("  training   %6zu windows, stride %ld, events [0, %zu)\n", sp.train.n, stride, a);
            printf("  validation %6zu windows in [%zu, %zu)\n", sp.valid.n, a, b);
            printf("  testing    %6zu windows in [%zu, %zu)\n", sp.test.n, b, n);
            const char *pn[2] = {"validation", "testing"};
            size_t dn[2] = {sp.valid_distinct, sp.test_distinct}, pl[2] = {b - a, n - b};
            for (int k = 0; k < 2; k++)
                if (dn[k] < (size_t)nwin)
                    printf("  note: the %s part (%zu events) holds only %zu distinct windows of "
                           "length %ld; %zu of the %ld are repeats\n"
                           "        (fewer --windows, a shorter --length or a larger share in --fractions avoid them)\n",
                           pn[k], pl[k], dn[k], L, (size_t)nwin - dn[k], nwin);
        } else {
            printf("  training   %6zu windows\n", sp.train.n);
            printf("  validation %6zu windows (taken from training)\n", sp.valid.n);
            printf("  testing    %6zu windows (published)\n", sp.test.n);
        }
        printf("  test windows found verbatim in the training stream: %zu of %zu (%.1f%%)\n",
               (size_t)(leak * (double)sp.test.n + 0.5), sp.test.n, 100 * leak);
        printf("  -> %s\n", out);
    }
    ts_split_free(&sp);
    ts_dataset_free(&ds);
    return rc ? cli_fail() : 0;
}
