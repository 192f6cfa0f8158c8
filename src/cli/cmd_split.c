/* tracesynth split: train/validation/test window files (PROTOCOLS.md §2). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int split_help(FILE *f, const char *key)
{
    fprintf(f,
        "\n"
        "--split time   (default) on stream.txt of n events: training = windows of\n"
        "               stride S over [0, An); validation and testing = N windows\n"
        "               evenly spaced inside [An, (A+B)n) and [(A+B)n, n) (starts\n"
        "               cut + floor(i (end - L - cut) / (N - 1))). No window crosses a\n"
        "               boundary: no test event is seen in training. (A repetitive\n"
        "               trace can still repeat a test window's content verbatim in the\n"
        "               training part; the count printed at the end says how often.)\n"
        "--split paper  the study's published sequence_length_L/training (or, when\n"
        "               absent, stride-S windows over all of stream.txt) and\n"
        "               sequence_length_L/testing; validation = N evenly spaced\n"
        "               training windows. Known to leak: test windows occur verbatim in\n"
        "               the training data (the count is printed).\n"
        "A part too short for N windows at distinct starts repeats some (the count is\n"
        "printed; starts are counted, not contents: a repetitive trace's windows at two\n"
        "starts may hold the same events); a part of P events holds P - L + 1 windows at\n"
        "distinct starts, and N above both that and 500 (the default) is an error\n"
        "naming the part (train and impute the same).\n"
        "A set of windows (DATASET/length: markov --length, generate) is refused: split\n"
        "cuts one stream, across its windows, and train_stream.txt cannot mark where\n"
        "one ends; train and impute read the set's own windows.\n");
    return 0;
}

static void print_summary(const char *dataset, const char *out, const ts_split_data *d,
                          const ts_split_spec *s, double leak)
{
    const ts_split *sp = &d->split;
    cli_say(stdout, "%s split of %s (%zu event%s), L = %zu:\n", ts_split_name(s->kind), dataset, d->data.stream.n,
           ts_plural(d->data.stream.n), s->length);
    if (s->kind == TS_SPLIT_TIME) {
        size_t n = d->data.stream.n, a, b;
        ts_split_bounds(n, s->permille, &a, &b);
        printf("  training   %6zu window%s, stride %zu, events [0, %zu)\n", sp->train.n, ts_plural(sp->train.n),
               s->stride, a);
        printf("  validation %6zu window%s in [%zu, %zu)\n", sp->valid.n, ts_plural(sp->valid.n), a, b);
        printf("  testing    %6zu window%s in [%zu, %zu)\n", sp->test.n, ts_plural(sp->test.n), b, n);
        const char *pn[2] = {"validation", "testing"};
        size_t dn[2] = {sp->valid_distinct, sp->test_distinct}, pl[2] = {b - a, n - b};
        for (int k = 0; k < 2; k++)
            if (dn[k] < s->windows)
                printf("  note: the %s part (%zu event%s) holds only %zu window%s of "
                       "length %zu at distinct starts; %zu of the %zu are repeats\n"
                       "        (fewer --windows, a shorter --length or a larger share in --fractions avoid them)\n",
                       pn[k], pl[k], ts_plural(pl[k]), dn[k], ts_plural(dn[k]), s->length, s->windows - dn[k],
                       s->windows);
    } else {
        printf("  training   %6zu window%s\n", sp->train.n, ts_plural(sp->train.n));
        printf("  validation %6zu window%s (taken from training)\n", sp->valid.n, ts_plural(sp->valid.n));
        printf("  testing    %6zu window%s (published)\n", sp->test.n, ts_plural(sp->test.n));
    }
    printf("  test windows found verbatim in the training stream: %zu of %zu (%.1f%%)\n",
           (size_t)(leak * (double)sp->test.n + 0.5), sp->test.n, 100 * leak);
    cli_say(stdout, "  -> %s\n", out);
}

int cmd_split(int argc, char **argv)
{
    const char *out = NULL;
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    const ts_option opts[] = {
        TS_OPT_SIZE_F_(0, "length", &ss.length, "L", 1, 1 << 24, TS_OPT_REQUIRED, "window length (required)"),
        TS_OPT_SIZE_(0, "stride", &ss.stride, "S", 1, 1 << 24, "training window stride (default 5, as the study's\n"
                     "files)"),
        CLI_SPLIT_OPTIONS(&ss),
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED, "the split directory (a folder of its own, as\n"
                      "DATASET/split, or DATASET itself: one holding another\n"
                      "dataset, stream.txt, is refused, as is a dataset's or\n"
                      "a split's own file, there or not yet)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "split", "tracesynth split DATASET --length L [--split time|paper] [--stride S]\n"
        "                        [--windows N] [--fractions A,B,C] -o DIR",
        "Writes DIR/training, DIR/validation, DIR/testing (window files: one window\n"
        "of L comma-separated IDs per line), DIR/train_stream.txt (the contiguous\n"
        "training events, for n-gram counts), DIR/vocab.tsv when DATASET has names,\n"
        "DIR/arch when it names its architecture (its arch file: impute of a split's\n"
        "file scores the type accuracy by its table; an earlier split's goes without),\n"
        "and DIR/split.txt (the parameters, each file's count of windows, and the\n"
        "dataset's folder and a hash of its events: once an ingest changes them, the\n"
        "commands that read the split's files refuse them until the split is made\n"
        "again; so is a file of fewer or more windows, or of another length, than\n"
        "split.txt records: a file cut short).\n",
        opts, 1, 1, "DATASET", 0, split_help,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) {
        ts_opt_free(&args);
        return rc == 1 ? 0 : rc;
    }
    if (cli_output_no_stdout("split", "-o", out, "the split is a directory") ||
        cli_dir_no_stdin("split", "DATASET", args.pos[0], "a dataset is a directory")) {
        ts_opt_free(&args);
        return 2;
    }
    if ((rc = cli_split_check("split", &ss, &args))) {
        ts_opt_free(&args);
        return rc;
    }
    const char *dataset = args.pos[0];
    /* a folder made at the name of a dataset's or a split's own file would be read as it */
    if (cli_output_not_dataset(out, "-o", out, "DIR", &dataset, 1)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    ts_split_data d;
    double leak = 0;
    rc = ts_split_data_load(dataset, NULL, &d);
    /* a set of windows (DIR/length) would be cut as one stream, across its windows, and
     * train_stream.txt is one sequence that cannot mark where one ends: refused, before any
     * file is written; train and impute read the set's own windows */
    size_t set = 0;
    if (rc == 0 && ts_mc_window_length(dataset, d.data.stream.n, &set)) rc = -1;
    if (rc == 0 && set) {
        char *p = ts_path_join(dataset, "length");
        rc = ts_fail("%s: %s is windows of %zu event%s, one after the other; split cuts one stream, across them, and "
                     "its train_stream.txt cannot mark where one window ends: train and impute read the set's own "
                     "windows (give them %s)", p, dataset, set, ts_plural(set), dataset);
        free(p);
    }
    if (rc == 0) rc = ts_split_data_resplit(&d, &ss);
    if (rc == 0) rc = ts_split_dir_write(out, dataset, &d, &ss, &leak);
    if (rc == 0) print_summary(dataset, out, &d, &ss, leak);
    ts_split_data_free(&d);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
