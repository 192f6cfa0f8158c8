/* tracesynth impute: reconstruct blacked-out events with a trained model, write the
 * study's original/mask/imputation triple and print the metrics of the run. */
#include "cli.h"
#include "tracesynth/mc_model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int steps_help(FILE *f, const char *key)
{
    fprintf(f, "\n--steps S with sssd-s4 (diffwave, csdi-s4, sssd-sa): fewer than its T (default\n"
               "200; csdi-s4 50) samples with DDIM, faster but less accurate: with sssd-s4,\n"
               "DDIM 50 ran 3.4-3.8x faster than DDPM 200 and lost 3.2 accuracy points on PTS\n"
               "compress-gzip, 13 on the real LTTng trace many-threads (k = 10); check on your\n"
               "data (docs/results-sssd.md).\n"
               "\nA multi-channel model or --channels-from imputes every window of L of the\n"
               "test part of the multi-channel dataset, one after the other (not --windows;\n"
               "a set of windows that records their length, DIR/length, gives its own windows,\n"
               "those whole in the test part, and refuses another --length), and prints each\n"
               "channel's share of hidden values drawn equal to the truth (dt: the same bin of\n"
               "0.5 in log(1 + ns)). The same --length, --blackout, --position,\n"
               "--fractions and --seed hide the same events for every such model.\n");
    return 0;
}

static void print_json(const ts_model *m, const ts_windows *x, const ts_impute_spec *is, size_t prefix, uint64_t seed,
                       const ts_impute_result *r)
{
    const ts_impute_metrics *im = &r->metrics;
    printf("{\"model\": ");
    ts_json_put(stdout, m->ops->name);
    /* a prefix: no blackout, as a multi-channel model's line says it */
    printf(", \"windows\": %zu, \"length\": %zu, \"blackout\": %zu, \"position\": ", x->n, x->len,
           prefix ? 0 : is->blackout);
    ts_json_put(stdout, prefix ? NULL : ts_mask_name(is->pos));
    printf(", \"prefix\": %zu, \"seed\": %llu, \"hidden\": %zu, \"accuracy\": %.6f, \"perfect\": %.6f, "
           "\"rouge_l\": %.6f, \"rouge_l_definition\": \"token LCS / k\", \"type_accuracy\": ", prefix,
           (unsigned long long)seed, im->hidden, im->accuracy, im->perfect, im->rouge_l);
    if (im->has_type) printf("%.6f", im->type_accuracy);
    else fputs("null", stdout);
    printf(", \"arch\": ");   /* the table of the type accuracy */
    ts_json_put(stdout, im->has_type ? ts_arch_name(im->arch) : NULL);
    printf(", \"unknown\": %zu, \"unknown_hidden\": %zu, \"unknown_hidden_right\": %zu, \"seconds\": %.4f, "
           "\"output\": ", r->unknown, im->unk_hidden, im->unk_right, r->seconds);
    ts_json_put(stdout, is->outdir);
    printf("}\n");
}

/* OUTDIR holding the other kind of imputation's output: a multi-channel one writes a
 * dataset, a single-channel one original0.npy, mask0.npy and imputation0.npy; either
 * would leave the other's files beside its own, as if of one run. -1 naming one */
static int outdir_of_other_kind(const char *dir, int dataset)
{
    static const char *const triple[3] = {"original0.npy", "mask0.npy", "imputation0.npy"};
    for (int i = 0; i < (dataset ? 3 : 1); i++) {
        char *p = ts_path_join(dir, dataset ? triple[i] : "stream.txt");
        const int there = ts_file_exists(p);
        if (there)
            ts_fail(dataset ? "%s: holds a single-channel imputation's windows (%s), which this imputation (a "
                              "dataset) would leave beside it; name another directory"
                            : "%s: holds a dataset (%s), beside which this imputation's original0.npy, mask0.npy and "
                              "imputation0.npy would be written; name another directory",
                    dir, dataset ? triple[i] : "stream.txt");
        free(p);
        if (there) return -1;
    }
    return 0;
}

/* OUTDIR a split's folder (split.txt): its arch is the split's own (split wrote it, and
 * impute of the split's files reads it), which OUTDIR/arch of windows of another
 * architecture would write over, of none remove, and of one where the split names none
 * add; -1 naming it (windows of the split's own architecture, as its testing file's, go
 * there as before); *split: whether dir is a split's folder */
static int split_arch_clash(const char *dir, ts_arch arch, int *split)
{
    char *rec = ts_path_join(dir, "split.txt");
    *split = ts_file_exists(rec);
    free(rec);
    ts_arch own = TS_ARCH_UNKNOWN;
    if (!*split) return 0;
    if (ts_dataset_arch(dir, &own)) return -1;
    if (own == arch) return 0;
    char *p = ts_path_join(dir, "arch");
    if (own == TS_ARCH_UNKNOWN)
        ts_fail("%s: a file of the split %s (not there yet: impute of the split's files would read it), which -o %s "
                "would write (these windows' architecture, %s); give another OUTDIR", p, dir, dir, ts_arch_name(arch));
    else if (arch == TS_ARCH_UNKNOWN)
        ts_fail("%s: a file of the split %s (%s), which -o %s would remove (these windows name no architecture); give "
                "another OUTDIR", p, dir, ts_arch_name(own), dir);
    else
        ts_fail("%s: a file of the split %s (%s), which -o %s would write over (these windows' architecture, %s); "
                "give another OUTDIR", p, dir, ts_arch_name(own), dir, ts_arch_name(arch));
    free(p);
    return -1;
}

int cmd_impute(int argc, char **argv)
{
    const char *C = "impute";
    static const char *const draws[] = {"type", "pair", NULL};
    const char *input = NULL, *vocab_path = NULL, *chfrom = NULL;
    int draw = TS_DRAW_PAIR;
    ts_vocab names = {0};
    names.unk = -1;
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 0;
    ts_impute_spec is = {10, TS_MASK_CENTER, NULL, NULL, NULL};
    int json = 0;
    size_t prefix = 0;
    const char **sample_keys = NULL, **sample_vals = NULL;   /* --prefix's run options */
    cli_run run = CLI_RUN_DEFAULTS;
    const ts_option opts[] = {
        TS_OPT_STR_(0, "input", &input, "PATH", "a window file (one window per line), a .npy of\n"
                    "windows (float32: rounded to the nearest ID, negatives\n"
                    "to 0, as the study scored real-valued outputs; one past\n"
                    "the model's IDs is an error, as in a window file,\n"
                    "unless names beside it (W.names.txt) match them by\n"
                    "name; NaN and infinities (-inf too) are; either may\n"
                    "be a pipe or FIFO; '-': standard input),\n"
                    "or a dataset directory (its test windows; a\n"
                    "multi-channel model's and --channels-from's input);\n"
                    "required but with --channels-from (default: DATASET)"),
        TS_OPT_STR_(0, "vocab", &vocab_path, "FILE", "names of the input's IDs (default: the dataset's\n"
                    "vocab.tsv; for a window file W.txt or W.npy the names\n"
                    "generate writes beside it, W.names.txt, else the\n"
                    "vocab.tsv beside it (a link: where it leads, as the\n"
                    "arch of a split's file, else beside the link); one\n"
                    "that names an ID otherwise than W.names.txt is\n"
                    "refused; '-': standard input);\n"
                    "when model and input both name their events, IDs are\n"
                    "matched by name (a model without names reads them in\n"
                    "its numbering, with a note)"),
        TS_OPT_GROUP_("a dataset input is split as train splits it (give the same values):"),
        CLI_SPLIT_OPTIONS(&ss),
        TS_OPT_SIZE_(0, "length", &ss.length, "L", 1, 1 << 24, "window length (default: the model's training windows,\n"
                     "else 200; a set of windows, DIR/length: theirs)"),
        TS_OPT_GROUP_("a single-channel model as the event channel of a multi-channel trace:"),
        TS_OPT_STR_(0, "channels-from", &chfrom, "DATASET",
                    "impute the test part's windows of the multi-channel\n"
                    "DATASET (ingest --channels; its parts those of MODEL's\n"
                    "recorded split unless --fractions; windows and\n"
                    "blackouts as for a multi-channel model): every channel\n"
                    "of the hidden events hidden, the events imputed by\n"
                    "MODEL as plain impute does (every name it has must be\n"
                    "one of DATASET's), the other channels drawn for them\n"
                    "from DATASET's training part (as generate\n"
                    "--channels-from); reports each channel's accuracy, -o\n"
                    "writes a dataset"),
        TS_OPT_CHOICE_(0, "draw", &draw, "type|pair", draws,
                       "with --channels-from: pair (default): every channel\n"
                       "copied from one training event with the same (previous\n"
                       "event, event), else the same event (a set of windows,\n"
                       "DIR/length: pairs within its windows); type: each\n"
                       "channel on its own from the event type's counts"),
        TS_OPT_GROUP_("the blackout and the run:"),
        TS_OPT_SIZE_(0, "blackout", &is.blackout, "K", 1, 1 << 24, "hidden events per window (default 10)"),
        TS_OPT_CB_(0, "position", &is.pos, "P", cli_opt_position, "center, end, random or all (default center;\n"
                   "center: events L/2 to L/2 + K - 1 (as the study), moved\n"
                   "to the end when they do not fit; all: every event of\n"
                   "the window, no --blackout)"),
        TS_OPT_SIZE_(0, "prefix", &prefix, "P", 1, 1 << 24, "observe the first P events of every window (of every\n"
                     "channel), draw the rest (instead of a blackout; the\n"
                     "model, or the event model, samples at temperature 1\n"
                     "unless given one; ngram, unigram and lstm fill them as\n"
                     "they fill a blackout)"),
        CLI_RUN_OPTIONS(&run),
        TS_OPT_STR_('o', "output", &is.outdir, "OUTDIR", "write original0.npy, mask0.npy, imputation0.npy and,\n"
                    "for named events, original0.names.txt and\n"
                    "imputation0.names.txt (their names, as generate writes\n"
                    "them; eval and --input read them back), and arch where\n"
                    "a dataset's names its architecture, or the arch split\n"
                    "wrote beside a split's file, or, for another window\n"
                    "file, the arch beside the file that names its events\n"
                    "(an earlier -o's, as eval reads it) (eval's type\n"
                    "accuracy, as impute's, by its table) (a multi-channel\n"
                    "model: the imputed windows as a dataset; a directory\n"
                    "holding the other kind, or a dataset that is no set\n"
                    "of windows, is refused); a dataset's or a split's own\n"
                    "file, there or not yet, is refused (a split's arch:\n"
                    "its folder takes windows of its architecture only)"),
        TS_OPT_FLAG_(0, "json", &json, "print one JSON object (stable keys) instead of the line"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth impute MODEL --input WINDOWS|NPY|DATASET [OPTIONS] [-o OUTDIR]\n"
       "       tracesynth impute MODEL --channels-from DATASET [OPTIONS] [-o OUTDIR]",
        "Hide K consecutive events in every window, reconstruct them with MODEL and\n"
        "report accuracy, perfect rate and ROUGE-L over the hidden events. A warning\n"
        "says how many windows occur verbatim in the training events MODEL keeps (the\n"
        "n-gram's, mdm's n-gram prior's): their scores overstate its accuracy.\n",
        opts, 1, 2, "MODEL", 1, steps_help,   /* a second: cli_one_model */
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    ts_model *m = NULL;
    ts_windows x = {0};
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    if ((rc = cli_output_no_stdout(C, "-o", is.outdir, "the output is a directory"))) goto done;
    if ((rc = cli_one_model(C, &args, input ? input : chfrom)) || (rc = cli_model_file(C, args.pos[0])) ||
        (rc = cli_model_keys_no_stdin(C, &args)) ||
        (rc = cli_dir_no_stdin(C, "--channels-from", chfrom, "a dataset is a directory")))
        goto done;
    const char *model_path = args.pos[0];
    rc = 1;
    int mc = ts_mc_model_is(model_path);
    if (mc < 0) { cli_fail(); goto done; }
    /* the multi-channel path reads a dataset, a directory, as --channels-from does */
    if ((rc = cli_dir_no_stdin(C, "--input", mc || chfrom ? input : NULL,
                               mc ? "a multi-channel model imputes a dataset, a directory"
                                  : "with --channels-from the input is a dataset, a directory")) ||
        (rc = cli_stdin_input(C, "--input", &input)) || (rc = cli_stdin_input(C, "--vocab", &vocab_path)))
        goto done;
    ts_run_opts ro;
    cli_run_apply(&run, &args, &ro);
    sample_keys = ts_malloc(((size_t)ro.kv.n + 2) * sizeof *sample_keys);
    sample_vals = ts_malloc(((size_t)ro.kv.n + 2) * sizeof *sample_vals);
    rc = 1;
    if (!input && !chfrom) { rc = cli_usage_error(C, "--input PATH is required"); goto done; }
    if (!chfrom && ts_opt_given(&args, &draw)) { rc = cli_usage_error(C, "--draw goes with --channels-from"); goto done; }
    if (chfrom && vocab_path) { rc = cli_usage_error(C, "--vocab is for single-channel input, not --channels-from"); goto done; }
    if (mc && chfrom) { rc = cli_usage_error(C, "--channels-from is for a single-channel model; %s has channels", model_path); goto done; }
    /* the multi-channel path reads neither (its names are the dataset's, its split in time) */
    if (mc && vocab_path) { rc = cli_usage_error(C, "--vocab is for single-channel input; %s has channels", model_path); goto done; }
    if ((rc = cli_split_check(C, &ss, &args))) goto done;
    rc = 1;
    /* --position all hides every event: the blackout is the window, whatever --blackout says */
    if (is.pos == TS_MASK_ALL && ts_opt_given(&args, &is.blackout)) {
        rc = cli_usage_error(C, "--blackout goes with center, end or random; --position all hides every event");
        goto done;
    }
    if ((mc || chfrom) && ss.kind != TS_SPLIT_TIME) {
        rc = cli_usage_error(C, "--split paper is for single-channel input: a multi-channel dataset is split in time");
        goto done;
    }
    /* the output refused now, not after the model and the input are read (and noted on) */
    const char *read_ds[2];   /* the datasets read (standard input has no files beside it) */
    int nread_ds = 0;
    if (input && !ts_path_is_stdin(input)) read_ds[nread_ds++] = input;
    if (chfrom) read_ds[nread_ds++] = chfrom;
    if (is.outdir && (cli_output_not_dataset(is.outdir, "-o", is.outdir, "OUTDIR", read_ds, nread_ds) ||
                      ts_out_dir_check(is.outdir))) {
        cli_fail();
        goto done;
    }
    if (is.outdir && outdir_of_other_kind(is.outdir, mc || chfrom)) { cli_fail(); goto done; }
    /* a prefix replaces the blackout */
    const char *blackout_opt = !prefix ? NULL : ts_opt_given(&args, &is.blackout) ? "--blackout"
                             : ts_opt_given(&args, &is.pos) ? "--position" : NULL;
    if (blackout_opt) {
        rc = cli_usage_error(C, "%s goes with a blackout; --prefix observes the first events instead", blackout_opt);
        goto done;
    }
    if (mc || chfrom) {   /* the test part of a multi-channel dataset */
        /* what this path does not read: refused, not ignored (it imputes every window of L
         * of the test part) */
        if (ts_opt_given(&args, &ss.windows)) {
            rc = cli_usage_error(C, "--windows: a multi-channel model or --channels-from imputes every window "
                                 "of the test part");
            goto done;
        }
        /* OUTDIR's files are replaced: the dataset read (its windows or its drawn channels)
         * would be lost */
        const char *read[2] = {input, chfrom};
        for (int i = 0; i < 2 && is.outdir; i++)
            if (read[i] && ts_same_file(read[i], is.outdir) == 1) {
                ts_fail("%s: the output would replace the dataset %s", is.outdir, read[i]);
                rc = cli_fail();
                goto done;
            }
        /* nor may another dataset there that is no set of windows (an ingested trace) */
        if (is.outdir && mc_out_check(is.outdir, "OUTDIR", read_ds, nread_ds)) { rc = cli_fail(); goto done; }
        rc = impute_channels(model_path, chfrom, draw, input ? input : chfrom, &ss, ts_opt_given(&args, ss.permille),
                             prefix, is.blackout, is.pos, is.outdir, &ro, json);
        goto done;
    }
    /* a dataset's architecture (its arch file: ingest --arch, or the trace's) is that of the
     * type accuracy, and goes beside the output files for eval; so is that of a split's
     * file, the arch split wrote beside it (a link: where it leads), and that of another
     * window file, the arch beside its names. One it cannot read is refused before the
     * model is read */
    ts_arch arch = TS_ARCH_UNKNOWN;
    struct stat ist;
    if (input && !ts_path_is_stdin(input) && stat(input, &ist) == 0) {
        char *real = NULL, *folder = NULL;
        if (S_ISREG(ist.st_mode)) {
            struct stat lst;
            if (lstat(input, &lst) == 0 && S_ISLNK(lst.st_mode)) real = realpath(input, NULL);
            folder = cli_dataset_holding(real ? real : input, NULL);
        }
        int bad = S_ISDIR(ist.st_mode) ? ts_dataset_arch(input, &arch)
                  : folder              ? ts_dataset_arch(folder, &arch)
                                        : 0;
        if (!bad && S_ISREG(ist.st_mode) && !folder) {
            /* a window file of no dataset or split (impute -o's original0.npy): the arch beside
             * the file that names its events, as eval reads it */
            char *np = cli_input_names_file(input, vocab_path);
            bad = cli_names_arch(np, &arch);
            free(np);
        }
        free(folder);
        free(real);
        if (bad) {
            cli_fail();
            goto done;
        }
    }
    int out_split = 0;   /* OUTDIR a split's folder: its arch is kept, not written */
    if (is.outdir && split_arch_clash(is.outdir, arch, &out_split)) { cli_fail(); goto done; }
    if (ts_model_load(model_path, &m)) { cli_fail(); goto done; }
    /* after a prefix the model draws the rest, as generation does: at temperature 1 unless
     * given one (as the multi-channel path's event model) */
    if (prefix) ro = ts_model_sampling_opts(m, &ro, 0, sample_keys, sample_vals);
    cli_split_model_parts(&ss, &args, m);
    /* a seed the model alone would read: random positions are drawn by it whatever the model
     * (and --channels-from's other channels, above) */
    ro.seed_given = ts_opt_given(&args, &run.seed) && is.pos != TS_MASK_RANDOM;
    /* the shared options the model's imputation does not read: refused, not ignored
     * (random positions take theirs from the seed; a model may draw a window hidden whole) */
    const unsigned reads = ts_model_impute_reads(m);
    /* (one that draws only a window hidden whole reads it where the blackout is the window:
     * --position all, or a --blackout of the windows' length, known once they are read) */
    const int seed_unread = !(reads & TS_IMPUTE_READS_SEED) && ro.seed_given;
    const char *unread = seed_unread && !(reads & TS_IMPUTE_READS_SEED_WHOLE) ? "--seed"
                       : !(reads & TS_IMPUTE_READS_PRECISION) && ts_opt_given(&args, &run.precision) ? "--precision"
                       : NULL;
    if (unread) {
        rc = cli_usage_error(C, "%s: the model %s does not read it (%s)", unread, m->ops->name,
                             strcmp(unread, "--seed") ? "its imputation has no matrix products"
                             : (m->ops->impute_reads & TS_IMPUTE_READS_SEED_WHOLE)
                                 ? "its imputation draws nothing, not even a window hidden whole, by the options it "
                                   "was trained with, and the blackout is not at --position random"
                                 : "its imputation draws nothing, and the blackout is not at --position random");
        goto done;
    }
    /* the model's run options (its own --KEY VALUE, a seed its decoding draws nothing by):
     * refused as usage errors, before the input is read */
    if ((rc = cli_run_check(C, m, &ro, ts_model_run_check))) goto done;
    rc = 1;
    /* the model files its options name (mdm's --ensemble), read now as the run would: one
     * that cannot be read is the error, before any of the input is read */
    if (ts_model_run_load(m, &ro) != 0) { cli_fail(); goto done; }
    /* a set of windows (DIR/length): theirs, else the model's */
    const size_t len0 = m->len ? m->len : m->window ? m->window : 200;
    size_t distinct;
    if (cli_split_model_input(C, &ss, &args, m, model_path, input, ss.length ? ss.length : len0)) {
        cli_fail();
        goto done;
    }
    const int named = cli_input_names(input, vocab_path, m, &x, &names);
    if (named < 0 ||
        (!named && ts_impute_input_load(input, &ss, len0, vocab_path, m->n_ids - 1, &x, &names, &distinct)) ||
        (!named && cli_vocab_agrees_read(input, &x, vocab_path, &names))) {
        cli_fail();
        goto done;
    }
    if (named) distinct = x.n;
    if ((rc = cli_window_file_check(C, input, x.len, &ss, &args))) goto done;
    rc = 1;
    /* the model's own dataset: not a test part on events it was trained or chose on (the
     * windows' length, that of a test part it may offer instead) */
    ts_split_spec held = ss;
    held.length = x.len;
    if (ts_model_held_out_check(m, model_path, input, &held, TS_PART_TEST, NULL)) { cli_fail(); goto done; }
    if (prefix) {   /* the first events observed: the rest is a blackout at the end */
        if (prefix >= x.len) {
            rc = cli_usage_error(C, "--prefix %zu leaves nothing to draw: the windows of %s have %zu event%s", prefix,
                                 cli_input_name(input), x.len, ts_plural(x.len));
            goto done;
        }
        is.blackout = x.len - prefix;
        is.pos = TS_MASK_END;
    }
    if (is.pos == TS_MASK_ALL) is.blackout = x.len;
    if (is.blackout > x.len) {   /* refused before the note below: the error is the one line */
        /* windows that are the input's own (a file's, a set's recorded length): a --blackout
         * valid on its face is the data's error, as train's; a dataset cut to --length or the
         * model's length: the options' */
        struct stat st;
        const int in_dir = input && stat(input, &st) == 0 && S_ISDIR(st.st_mode);
        char *lf = in_dir ? ts_path_join(input, "length") : NULL;
        const int set = lf && ts_file_exists(lf);
        free(lf);
        if (!in_dir || set) {
            ts_fail(set ? "%s: --blackout %zu is longer than its windows (%zu, its length file)"
                        : "%s: --blackout %zu is longer than its windows (%zu event%s)",
                    cli_input_name(input), is.blackout, x.len, ts_plural(x.len));
            rc = cli_fail();
        } else if (ss.length) {
            rc = cli_usage_error(C, "--blackout %zu is longer than the windows --length cuts %s into (%zu event%s)",
                                 is.blackout, cli_input_name(input), x.len, ts_plural(x.len));
        } else {   /* the length is the model's (len0), or the default where it records none */
            rc = cli_usage_error(C, "--blackout %zu is longer than %s (%zu event%s, %s), which %s is cut into",
                                 is.blackout,
                                 m->len || m->window ? "the model's windows" : "the default windows", x.len,
                                 ts_plural(x.len), m->len || m->window ? model_path : "none in the model",
                                 cli_input_name(input));
        }
        goto done;
    }
    if (seed_unread && (reads & TS_IMPUTE_READS_SEED_WHOLE) && is.blackout < x.len && prefix) {
        rc = cli_usage_error(C, "--seed: the model %s does not read it: it fills the events after --prefix %zu as "
                             "it fills a blackout, the most likely ones, drawing nothing", m->ops->name, prefix);
        goto done;
    }
    if (seed_unread && (reads & TS_IMPUTE_READS_SEED_WHOLE) && is.blackout < x.len) {
        rc = cli_usage_error(C, "--seed: the model %s does not read it (it draws only a window hidden whole, by "
                             "--position all or a --blackout of the windows' length, %zu, and the blackout is not at "
                             "--position random)", m->ops->name, x.len);
        goto done;
    }
    if (distinct < x.n)
        cli_say(stderr, "tracesynth: note: impute: the test part of %s holds only %zu window%s of length %zu "
                "at distinct starts; %zu of the %zu are repeats\n", input, distinct, ts_plural(distinct), x.len,
                x.n - distinct, x.n);
    is.source = input;
    is.names = &names;
    ts_impute_result r;
    if (ts_impute_eval_arch(m, &x, &is, arch, &ro, &r)) {
        cli_input_error_place(input, named == 1, vocab_path);
        rc = cli_run_failed(C);   /* an option the imputation refused: a usage error */
        goto done;
    }
    cli_input_names_unused(C, input, vocab_path, &names, m, model_path);
    cli_input_unnamed(C, input, &names, m);
    if (r.unknown)
        cli_say(stderr, "tracesynth: note: impute: %zu observed %s the model never saw; it reads %s as <unk>\n", r.unknown,
                r.unknown == 1 ? "event has a name" : "events have names", r.unknown == 1 ? "it" : "them");
    /* a hidden <unk> filled with <unk> is right by the IDs, though no name was found */
    const ts_impute_metrics *um = &r.metrics;
    if (um->unk_hidden) {
        const size_t other = um->hidden - um->unk_hidden, oright = um->right - um->unk_right;
        cli_say(stderr, "tracesynth: note: impute: %zu of the %zu hidden events are <unk> (names the training part "
                "never held), %zu of them filled with <unk>, counted right; of the other %zu, %zu right (%.2f %%)\n",
                um->unk_hidden, um->hidden, um->unk_right, other, oright, other ? 100.0 * (double)oright / other : 0.0);
    }
    if (json) {
        print_json(m, &x, &is, prefix, ro.seed, &r);
    } else {
        const ts_impute_metrics *im = &r.metrics;
        char what[64];   /* as the multi-channel path says it */
        if (prefix) snprintf(what, sizeof what, "the first %zu event%s observed", prefix, ts_plural(prefix));
        else snprintf(what, sizeof what, "blackout %zu at %s", is.blackout, ts_mask_name(is.pos));
        printf("%s: %zu window%s of %zu, %s: accuracy %.2f  perfect %.2f  ROUGE-L %.2f", m->ops->name, x.n,
               ts_plural(x.n), x.len, what, im->accuracy, im->perfect, im->rouge_l);
        if (im->has_type) printf("  type accuracy %.2f", im->type_accuracy);
        printf("  (%.2f s)\n", r.seconds);
        if (is.outdir) {
            char *files = ts_path_join(is.outdir, "{original0,mask0,imputation0}.npy");   /* dir/ gives no // */
            char *at = ts_path_join(is.outdir, "imputation0.names.txt");
            const int has = ts_file_exists(at);
            free(at);
            at = ts_path_join(is.outdir, "{original0,imputation0}.names.txt");
            /* arch: written, but in a split's folder, whose own (the same) it keeps */
            char *ar = arch != TS_ARCH_UNKNOWN && !out_split ? ts_path_join(is.outdir, "arch") : NULL;
            cli_say(stdout, "wrote %s%s%s%s%s\n", files, has ? " " : "", has ? at : "", ar ? " " : "", ar ? ar : "");
            free(ar);
            free(at);
            free(files);
        }
    }
    /* windows the model was trained on (a dataset that overlaps its own, the paper split's
     * test windows) score its recall, not its imputation */
    cli_warn_trained(C, NULL, cli_trained_count_in(m, &x, &names, input), x.n, NULL);
    rc = 0;
done:
    free(sample_keys);
    free(sample_vals);
    ts_vocab_free(&names);
    ts_windows_free(&x);
    ts_model_free(m);
    ts_opt_free(&args);
    return rc;
}
