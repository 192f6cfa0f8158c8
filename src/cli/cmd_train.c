/* tracesynth train: train a model on a dataset split and save it. */
#include "cli.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/train.h"

#include <stdlib.h>
#include <string.h>

/* -1 + ts_fail naming both registries' models: train takes either kind */
static int unknown_model(const char *model)
{
    char names[512] = "";
    for (const ts_model_ops *const *p = ts_model_list(); *p; p++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "", (*p)->name);
    for (const ts_mc_model_ops *const *p = ts_mc_model_list(); *p; p++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s (multi-channel)", names[0] ? ", " : "",
                 (*p)->name);
    return ts_fail("unknown model '%s' (models: %s)", model, names);
}

/* every model and its options; key (--model's value): that model's alone, and where the
 * others are (f NULL: key checked only) */
static int models_help(FILE *f, const char *key)
{
    const ts_model_ops *one = key ? ts_model_find(key) : NULL;
    const ts_mc_model_ops *mc = key && !one ? ts_mc_model_find(key, 1) : NULL;
    if (key && !one && !mc) return unknown_model(key);
    if (!f) return 0;
    if (!mc) {
        fprintf(f, "\nmodels:\n");
        for (const ts_model_ops *const *m = ts_model_list(); *m; m++) {
            if (one && *m != one) continue;
            cli_help_item(f, 10, (*m)->name, (*m)->summary);
            fputs((*m)->help ? (*m)->help : "", f);
        }
    }
    if (!one) mc_models_help(f, mc);
    if (key) fprintf(f, "\n'tracesynth train --help' lists every model.\n");
    return 0;
}

/* DATASET-NAME.MODEL.tsm in the current directory */
static char *default_output(const char *dataset, const char *model)
{
    char *base = ts_path_name(dataset);
    size_t n = strlen(base) + strlen(model) + 8;
    char *out = ts_malloc(n);
    snprintf(out, n, "%s.%s.tsm", base, model);
    free(base);
    return out;
}

/* --also DATASET and --also-whole DATASET, repeatable, in the order given */
typedef struct {
    const char *dir[64];
    char whole[64];
    int n;
} also_list;

static int also_push(also_list *l, const char *v, int whole)
{
    if (l->n == 64) return ts_fail("--also, --also-whole, --also-whole-other-clock: at most 64 datasets in all");
    l->whole[l->n] = (char)whole;
    l->dir[l->n++] = v;
    return 0;
}

static int opt_also(const char *v, void *dst) { return also_push(dst, v, 0); }
static int opt_also_whole(const char *v, void *dst) { return also_push(dst, v, 1); }
static int opt_also_other_clock(const char *v, void *dst) { return also_push(dst, v, 2); }

/* every --also dataset's training part into d's split, one line each */
static int add_also(ts_split_data *d, const also_list *al, const ts_split_spec *ss, int say)
{
    for (int i = 0; i < al->n; i++) {
        ts_also_info inf;
        if ((al->whole[i] == 2   ? ts_split_data_also_other_clock
             : al->whole[i] ? ts_split_data_also_whole
                            : ts_split_data_also)(d, al->dir[i], ss, &inf))
            return -1;
        if (!say) continue;
        cli_say(stdout, "also %s: %zu training event%s (", al->dir[i], inf.events, ts_plural(inf.events));
        if (inf.whole) printf("all of its events%s", inf.other_clock ? ", its times not compared" : "");
        else if (inf.by_time)
            printf("before the main dataset's training end, %.6f s after its first event",
                   (double)(inf.cut_ns - inf.first_ns) * 1e-9);
        else printf("its first %g of the stream", ss->permille[0] / 1000.0);
        printf("), %zu window%s", inf.windows, ts_plural(inf.windows));
        if (inf.unknown) printf(", %zu event%s renamed <unk>", inf.unknown, ts_plural(inf.unknown));
        /* how much of the held-out part another run holds, beside what the training part holds */
        if (inf.whole)
            printf("; found verbatim in it: %zu of %zu test windows, %zu of %zu validation windows (in the "
                   "training part: %zu and %zu)", inf.test_found, d->split.test.n, inf.valid_found,
                   d->split.valid.n, inf.test_in_train, inf.valid_in_train);
        printf("\n");
    }
    return 0;
}

/* --reinterleave US[,COPIES] or auto[,COPIES] */
typedef struct {
    double us;
    int copies;   /* 0: not given */
    int choose;   /* 1: auto, the shift chosen on the validation windows */
} reinterleave_opt;

static int opt_reinterleave(const char *v, void *dst)
{
    reinterleave_opt *r = dst;
    char *us_text = ts_strdup(v), *comma = strchr(us_text, ',');
    if (comma) *comma = 0;
    double us = 0;
    long copies = 8;
    const int choose = !strcmp(us_text, "auto");
    int bad = (!choose && (ts_parse_double(us_text, 0, 0, &us) || !(us > 0 && us < TS_REINTERLEAVE_KNOT_NS / 2000))) ||
              (comma && ts_parse_long(comma + 1, 1, 64, &copies));
    free(us_text);
    if (bad)
        return ts_fail("'%s': expected US[,COPIES], a shift in microseconds (above 0, below %g), or auto[,COPIES], "
                       "and 1 to 64 copies (default 8)", v, TS_REINTERLEAVE_KNOT_NS / 2000);
    r->us = us;
    r->copies = (int)copies;
    r->choose = choose;
    return 0;
}

/* --reinterleave auto: the shift chosen on d's validation windows, one line per candidate
 * and the choice; ri->us is the chosen one, ri->copies 0 where none won; d holds the chosen
 * copies (ch->info) */
static int choose_reinterleave(ts_split_data *d, reinterleave_opt *ri, const ts_split_spec *ss,
                               const ts_run_opts *ro, int say, ts_reinterleave_choice *ch, double *seconds)
{
    const double t0 = ts_now();
    if (ts_split_data_reinterleave_choose(d, ri->copies, (uint64_t)ro->seed, ss, ro, ch)) return -1;
    *seconds = ts_now() - t0;
    if (say) {
        printf("reinterleave auto: %d cop%s each, the n-gram's mean validation accuracy (k = 10 and 40, centre and "
               "end):\n", ri->copies, ri->copies == 1 ? "y" : "ies");
        for (int c = 0; c < TS_REINTERLEAVE_AUTO_N; c++) {
            char us[32] = "none";
            if (ch->us[c] > 0) snprintf(us, sizeof us, "%g us", ch->us[c]);
            printf("  %7s  %6.2f %%%s\n", us, ch->score[c], c == ch->chosen ? "  *" : "");
        }
        if (ch->us[ch->chosen] > 0)
            printf("reinterleave auto: chose %g us (%.1f s)\n", ch->us[ch->chosen], *seconds);
        else printf("reinterleave auto: chose none, no copies (%.1f s)\n", *seconds);
    }
    ri->us = ch->us[ch->chosen];
    if (!(ri->us > 0)) ri->copies = 0;
    return 0;
}

/* the choice as one record of the log */
static int log_reinterleave(const char *log, const reinterleave_opt *ri, int copies,
                            const ts_reinterleave_choice *ch, double seconds)
{
    if (!log) return 0;
    char rows[1024] = "";
    for (int c = 0; c < TS_REINTERLEAVE_AUTO_N; c++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "%s{\"us\":%g,\"valid_accuracy\":%.6g}",
                 c ? "," : "", ch->us[c], ch->score[c]);
    return ts_train_log(log, "\"event\":\"reinterleave_auto\",\"copies\":%d,\"chosen_us\":%g,\"candidates\":[%s],"
                        "\"seconds\":%.3f", copies, ri->us, rows, seconds);
}

/* the log over the model, its checkpoint or the checkpoint resumed from: the model
 * (written whole) would drop its lines, or the lines would corrupt a container */
static int log_clashes(const char *log, const char *out, const char *resume)
{
    if (!log) return 0;
    size_t n = strlen(out) + 6;
    char *ck = ts_malloc(n);
    snprintf(ck, n, "%s.ckpt", out);
    int bad = ts_same_path(log, out) || ts_same_path(log, ck) || (resume && ts_same_file(log, resume) == 1);
    free(ck);
    if (!bad) return 0;
    ts_fail("%s: the log would be written over the model %s, its checkpoint or the one resumed from", log, out);
    return cli_fail();
}

/* the model over the checkpoint resumed from: the checkpoint would be lost, its next
 * one going to OUT.ckpt */
static int out_over_resume(const char *out, const char *resume)
{
    if (!resume || ts_same_file(out, resume) != 1) return 0;
    ts_fail("%s: the model would be written over the checkpoint resumed from (its checkpoints go to %s.ckpt)", out,
            out);
    return cli_fail();
}

/* 1, the error printed, when another running training writes out or log */
static int hold_outputs(const char *out, const char *log, ts_path_hold hold[2])
{
    if (cli_model_output_check(out)) return 1;   /* a neural one's is written again at each better validation */
    if (ts_path_lock(out, "model", &hold[0]) != 0) return cli_fail();
    if (log && ts_path_lock(log, "training log", &hold[1]) != 0) return cli_fail();
    return 0;
}

/* the notes of the run just trained (single- or multi-channel): what its best says of the
 * learning (ts_train_note), and where --patience ended it before its --iters */
void train_say_notes(void)
{
    char note[512];
    if (ts_train_note(note, sizeof note)) cli_say(stderr, "tracesynth: note: train: %s\n", note);
    long it, best, pat;
    if (ts_train_stopped(&it, &best, &pat))
        cli_say(stderr, "tracesynth: note: train: stopped early at iteration %ld: no better validation loss in %ld "
                "validation%s in a row (--patience); the model kept is iteration %ld's\n", it, pat,
                ts_plural((size_t)pat), best);
}

/* names ingest gave IDs of their own by ranking the first events of the default training
 * part that a shorter training part (--fractions) never holds: the model's vocabulary counts
 * names it never learned, which a split of that share would have read as <unk>; a note says
 * how many, and the first. Counted while the dataset's stream is held, said after training */
typedef struct {
    size_t k, first, a;   /* such names, the first one's event, the training part's events */
    const char *name;     /* the first one's (in the dataset's vocabulary) */
} unlearned;

static void count_unlearned_names(const ts_split_data *d, const ts_split_spec *ss, unlearned *u)
{
    const ts_dataset *ds = &d->data;
    memset(u, 0, sizeof *u);
    if (ss->kind != TS_SPLIT_TIME || ds->vocab.n <= 0 || ss->permille[0] >= ts_split_default_permille[0]) return;
    size_t b, r, rb;
    ts_split_bounds(ds->stream.n, ss->permille, &u->a, &b);
    ts_split_bounds(ds->stream.n, ts_split_default_permille, &r, &rb);
    uint8_t *seen = ts_calloc((size_t)ds->vocab.n, 1);
    for (size_t i = 0; i < r && i < ds->stream.n; i++) {
        const int32_t id = ds->stream.ids[i];
        if (id < 0 || id >= ds->vocab.n || id == ds->vocab.unk || seen[id]) continue;
        seen[id] = 1;
        if (i >= u->a && u->k++ == 0) u->first = i;
    }
    free(seen);
    if (u->k) u->name = ds->vocab.names[ds->stream.ids[u->first]];
}

static void note_unlearned_names(const unlearned *u, const ts_split_spec *ss)
{
    const size_t k = u->k;
    if (k)
        cli_say(stderr, "tracesynth: note: train: %zu event name%s that the training part of --fractions %g,%g,%g (its "
                "first %zu events) never holds %s an ID of %s own, not <unk>: ingest ranks the names over the first "
                "%g %% of the events (the default training part); the first, '%s', at event %zu\n", k,
                k == 1 ? "" : "s", ss->permille[0] / 1000.0, ss->permille[1] / 1000.0, ss->permille[2] / 1000.0, u->a,
                k == 1 ? "has" : "have", k == 1 ? "its" : "their", ts_split_default_permille[0] / 10.0, u->name,
                u->first);
}

int cmd_train(int argc, char **argv)
{
    const char *C = "train";
    const char *model = NULL, *out = NULL, *resume = NULL, *log = NULL;
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ts_mask_pos pos = TS_MASK_CENTER;
    size_t k = 10;
    cli_run run = CLI_RUN_DEFAULTS;
    also_list also = {{0}, {0}, 0};
    reinterleave_opt ri = {0, 0, 0};
    /* the model and log held from before training to after the model's last write (the
     * trainer holds them too, for its own part; mdm writes its bound and prior after it) */
    ts_path_hold hold[2] = {{-1}, {-1}};
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "model", &model, "NAME", TS_OPT_REQUIRED | TS_OPT_HELP_KEY,
                      "model to train (see below; with --help: its options\n"
                      "alone)"),
        TS_OPT_SIZE_(0, "length", &ss.length, "L", 1, 1 << 24,
                     "window length (default 200; a multi-channel set of\n"
                     "windows, its length recorded: crops within them, of\n"
                     "their length where shorter; a single-channel model,\n"
                     "time split: theirs, and the set's own windows are\n"
                     "read, those whole in each part, none crossing two)"),
        TS_OPT_SIZE_(0, "stride", &ss.stride, "S", 1, 1 << 24, "stride of the training windows (default 5)"),
        CLI_SPLIT_OPTIONS(&ss),
        TS_OPT_CB_(0, "also", &also, "DATASET", opt_also,
                   "more training data (repeatable; time split): DATASET's\n"
                   "training part is added to the training windows (none\n"
                   "crosses from one stream into another); validation and\n"
                   "test stay the main dataset's. Its events are renumbered\n"
                   "by name into the main vocabulary (a name it lacks\n"
                   "becomes <unk>; an error without one). The part: its\n"
                   "events before the main training part's end time when\n"
                   "both have time_ns.npy (ingest --from ctf or ftrace, or\n"
                   "strace -ttt) and its times overlap the main dataset's\n"
                   "(a stream of the same trace), else its first training\n"
                   "fraction (--fractions; another recording: one holding\n"
                   "the main validation and test events at their places, a\n"
                   "longer copy of its trace, is refused, as is one whose\n"
                   "part holds held-out windows verbatim as --also-whole\n"
                   "refuses: a copy shifted by some events). The main\n"
                   "dataset, or a dataset given twice (by any path), is\n"
                   "refused: it would count twice"),
        TS_OPT_CB_(0, "also-whole", &also, "DATASET", opt_also_whole,
                   "more training data (repeatable; time split): every\n"
                   "event of DATASET, another recording of the same\n"
                   "workload (another run), renumbered as for --also.\n"
                   "Refused for the dataset itself, a copy of its trace,\n"
                   "one holding more than half of its test (or validation)\n"
                   "windows verbatim and a quarter of them more than its\n"
                   "training part holds (a copy shifted by some events, or\n"
                   "among others; the summary line counts them), or a\n"
                   "stream whose event times reach its validation and\n"
                   "test period (another CPU of the same trace: --also)"),
        TS_OPT_CB_(0, "also-whole-other-clock", &also, "DATASET", opt_also_other_clock,
                   "as --also-whole, for a recording whose times are on\n"
                   "another clock (another boot's ftrace or perf times,\n"
                   "which may fall in the held-out period by chance):\n"
                   "they are not compared; the other checks stay"),
        TS_OPT_CB_(0, "reinterleave", &ri, "US[,COPIES]|auto[,COPIES]", opt_reinterleave,
                   "more training data (time split; a dataset of ingest\n"
                   "--from ctf or ftrace: its times and CPUs, or of a\n"
                   "strace -ttt log's ingest --channels: its times and\n"
                   "threads): COPIES (default 8) of the training part with\n"
                   "each CPU's (thread's) events moved in time by a random\n"
                   "shift of at most US microseconds (drifting, each one's\n"
                   "order kept) and merged again: other orders of\n"
                   "concurrent events, which the scheduler decides. Drawn\n"
                   "from --seed. auto: US chosen on the validation windows,\n"
                   "none (no copies), 0.1, 0.3, 1, 3, 10, 30, 60 or 90: the\n"
                   "n-gram trained with each one's copies imputes them at\n"
                   "k = 10 and 40, centre and end; the best mean accuracy\n"
                   "wins (ties: the smaller), one line each, and the model\n"
                   "asked for trains with the chosen copies"),
        TS_OPT_SIZE_(0, "blackout", &k, "K", 1, 1 << 24, "blackout size of the training masks (default 10;\n"
                     "sssd-s4, diffwave, csdi-s4 and sssd-sa only: the\n"
                     "other models draw no blackouts; not with --position\n"
                     "all, which hides every event)"),
        TS_OPT_CB_ALIAS_(0, "position", "mask-position", &pos, "P", cli_opt_position,
                         "blackout position of the training masks: center,\n"
                         "end, random or all (default center), as impute's\n"
                         "--position (sssd-s4, diffwave, csdi-s4 and sssd-sa\n"
                         "only)"),
        TS_OPT_STR_('o', "output", &out, "FILE", "model file (default DATASET-NAME.MODEL.tsm; a\n"
                    "dataset's or a split's own file is refused)"),
        TS_OPT_STR_(0, "resume", &resume, "CKPT",
                    "continue training from a checkpoint; give the first\n"
                    "run's options again (the network's sizes and the\n"
                    "dataset's events, their count and names, are checked,\n"
                    "mdm-mc's and ddpm-mc's comm and ret names too, and\n"
                    "the split, --split and --fractions, whose held-out\n"
                    "parts it must not have trained on;\n"
                    "--iters may grow, but for a --budget run that re-\n"
                    "planned: it takes the iterations it re-planned to,\n"
                    "without --iters or with those (another is refused);\n"
                    "other changes change what is trained and what it\n"
                    "is validated on). The iterations, rate,\n"
                    "schedule, warm-up, weight decay, clip, --ema decay,\n"
                    "--patience and mdm's --dropout are the checkpoint's\n"
                    "run's unless given (given, they may differ from it); a\n"
                    "checkpoint written before it kept its iterations\n"
                    "takes those of its run's start record in --log, else\n"
                    "the model's default, with a note; ngram and unigram\n"
                    "train in one pass, keep no checkpoints and refuse it"),
        TS_OPT_STR_(0, "log", &log, "FILE.jsonl", "append training records (JSON lines; elapsed_s:\n"
                    "from this run's first iteration, as the progress bar;\n"
                    "a dataset's or a split's own file is refused)"),
        CLI_TRAIN_OPTIONS(&run),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth train --model NAME DATASET [OPTIONS] [--KEY VALUE ...]",
        "Train a model on a dataset directory (stream.txt, optional vocab.tsv and the\n"
        "study's sequence_length_L/ windows) and save it. Under mpirun (Open MPI builds)\n"
        "sssd-s4, diffwave, csdi-s4 and sssd-sa train data-parallel: each batch split\n"
        "across the processes, gradients averaged, rank 0 writing the model, checkpoint\n"
        "and log. The time split's parts are those of --fractions (default 0.7,0.1,0.2),\n"
        "which the model records, not those a split of the dataset records (split.txt,\n"
        "which constraints, markov and eval take): where one records others, a note\n"
        "says which part the model learned from and which the split holds.\n",
        opts, 1, 1, "DATASET", 1, models_help,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    char *def_out = NULL;
    ts_split_data d = {0};
    ts_model *m = NULL;
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    if ((rc = cli_output_no_stdout(C, "-o", out, "the model goes to a file")) ||
        (rc = cli_output_no_stdout(C, "--log", log, "the log is a file it appends to")) ||
        (rc = cli_dir_no_stdin(C, "DATASET", args.pos[0], "a dataset is a directory")) ||
        (rc = cli_input_no_stdin(C, "--resume", resume, "a checkpoint is read from a file")))
        goto done;
    for (int i = 0; i < also.n; i++) {   /* each added stream is a dataset too */
        static const char *const opt[3] = {"--also", "--also-whole", "--also-whole-other-clock"};
        if ((rc = cli_dir_no_stdin(C, opt[(int)also.whole[i]], also.dir[i], "a dataset is a directory"))) goto done;
        /* one dataset twice (by any path) would count twice; the main one is the library's to refuse */
        for (int j = 0; j < i; j++)
            if (ts_same_file(also.dir[j], also.dir[i]) == 1) {
                rc = cli_usage_error(C, "%s %s: given twice (as %s %s), its events would count twice",
                                     opt[(int)also.whole[i]], also.dir[i], opt[(int)also.whole[j]], also.dir[j]);
                goto done;
            }
    }
    const char *dataset = args.pos[0];
    if ((rc = cli_split_check(C, &ss, &args))) goto done;
    rc = 1;
    /* the model file and the log over a file the training data is read from (said as
     * such), another dataset's or a split's own file */
    const char *read_ds[1 + 64] = {dataset};   /* (also.dir's 64 after it) */
    memcpy(read_ds + 1, also.dir, (size_t)also.n * sizeof *read_ds);
    if (cli_output_not_dataset(out, "-o", out, "FILE", read_ds, 1 + also.n) ||
        cli_output_not_dataset(log, "--log", log, "FILE", read_ds, 1 + also.n)) {
        cli_fail();
        goto done;
    }
    ts_run_opts ro;
    cli_run_apply(&run, &args, &ro);
    if (ts_mc_model_find(model, 1)) {   /* a multi-channel model */
        if (also.n || ri.copies) {
            rc = cli_usage_error(C, "%s: not for the multi-channel model %s",
                                 !also.n                ? "--reinterleave"
                                 : also.whole[0] == 2 ? "--also-whole-other-clock"
                                 : also.whole[0]      ? "--also-whole"
                                                      : "--also",
                                 model);
            goto done;
        }
        /* it reads the length and the fractions only: the others would be ignored */
        const char *ignored = ss.kind != TS_SPLIT_TIME ? "--split paper"
                              : ts_opt_given(&args, &ss.stride) ? "--stride"
                              : ts_opt_given(&args, &ss.windows) ? "--windows"
                              : ts_opt_given(&args, &k) ? "--blackout"
                              : ts_opt_given(&args, &pos) ? "--position" : NULL;
        if (ignored) {
            rc = cli_usage_error(C, "%s: not for the multi-channel model %s (it trains on crops of the time "
                                 "split's training part)", ignored, model);
            goto done;
        }
        if (!out) out = def_out = default_output(dataset, model);
        if (log_clashes(log, out, resume) || out_over_resume(out, resume) || hold_outputs(out, log, hold)) goto done;
        rc = train_channels(model, dataset, &ss, ts_opt_given(&args, &ss.length), ts_opt_given(&args, ss.permille), out,
                            resume, log, &ro);
        goto done;
    }
    const ts_model_ops *ops = ts_model_find(model);
    if (!ops) {   /* as --help's check of --model says it: a usage error */
        unknown_model(model);
        char *why = ts_strdup(ts_error());
        rc = cli_usage_error(C, "--model: %s", why);
        free(why);
        goto done;
    }
    /* the shared options the model's training does not read: refused, not ignored */
    const unsigned reads = ops->train_reads;
    const char *unread = !(reads & TS_TRAIN_READS_MASKS) && ts_opt_given(&args, &k) ? "--blackout"
                       : !(reads & TS_TRAIN_READS_MASKS) && ts_opt_given(&args, &pos) ? "--position"
                       : !(reads & TS_TRAIN_READS_SEED) && !ri.copies && ts_opt_given(&args, &run.seed) ? "--seed"
                       : !(reads & TS_TRAIN_READS_PRECISION) && ts_opt_given(&args, &run.precision) ? "--precision"
                       : !(reads & TS_TRAIN_READS_RESUME) && resume ? "--resume"
                       : NULL;
    if (unread) {
        const char *why = !strcmp(unread, "--seed") ? "its training draws nothing"
                        : !strcmp(unread, "--precision") ? "its training has no matrix products"
                        : !strcmp(unread, "--resume") ? "it trains in one pass and keeps no checkpoints"
                        : "its training draws no blackout masks";
        rc = cli_usage_error(C, "%s: the model %s does not read it (%s)", unread, model, why);
        goto done;
    }
    /* a set of windows (DIR/length) under the time split: every one of its windows whole in a
     * part is read, its training windows as its validation ones */
    const int setw = cli_set_windows_check(C, dataset, "validation", &ss, &args);
    if (setw) {
        rc = setw;
        goto done;
    }
    if (ss.kind == TS_SPLIT_TIME && ts_opt_given(&args, &ss.stride)) {
        char *p = ts_path_join(dataset, "length");
        const int set = ts_file_exists(p);
        if (set)
            rc = cli_usage_error(C, "--stride: %s records its windows (%s); every one whole in its training part "
                                 "is a training window", dataset, p);
        free(p);
        if (set) goto done;
    }
    /* --position all hides whole windows: a --blackout would be ignored (as impute refuses it) */
    if ((reads & TS_TRAIN_READS_MASKS) && pos == TS_MASK_ALL && ts_opt_given(&args, &k)) {
        rc = cli_usage_error(C, "--blackout goes with center, end or random; --position all hides every event");
        goto done;
    }
    /* the blackout bounds the window only where the training draws blackouts */
    if ((reads & TS_TRAIN_READS_MASKS) && pos != TS_MASK_ALL && k > ss.length) {
        rc = cli_usage_error(C, "--blackout %zu%s is longer than the window (%zu)", k,
                             ts_opt_given(&args, &k) ? "" : " (the default)", ss.length);
        goto done;
    }
    int rank = 0, nranks = 1;   /* under mpirun: data-parallel; rank 0 writes */
    if (ts_train_mpi_init() != 0) { cli_fail(); goto done; }
    ts_train_world(&rank, &nranks);
    /* a model trained in one pass has no batches to split: each process would train it
     * whole, as if data-parallel; refused as the iterated models without it are */
    if (nranks > 1 && !(reads & TS_TRAIN_READS_RESUME)) {
        ts_fail("%s: no data-parallel training (mpirun with %d processes: it trains in one pass); run one process",
                model, nranks);
        rc = cli_fail();
        goto done;
    }
    /* a set of windows (DIR/length) under the time split: its own windows, of its length */
    ts_split_spec ls = ss;
    size_t rec = 0;
    if (!ts_opt_given(&args, &ss.length)) ls.length = 0;
    /* the training part is learned, the validation part chooses; the test part is read only
     * by --also's check that no test window is in an added stream. A model that reads the
     * training stream whole (ngram, unigram) never reads the windows cut from it at stride 5,
     * L / 5 copies of it: they are counted, not cut (but where --also or --reinterleave add
     * to them; then let go before it trains) */
    const int stream_only = !(reads & TS_TRAIN_READS_WINDOWS) && !also.n && !ri.copies && !ri.choose;
    const unsigned read_parts = TS_PART_TRAIN | TS_PART_VALID | (also.n ? TS_PART_TEST : 0) |
                                (stream_only ? TS_PART_TRAIN_COUNT : 0);
    if (ss.kind == TS_SPLIT_TIME ? ts_split_data_load_set_parts(dataset, &ls, ss.length, read_parts, &d, &rec)
                                 : ts_split_data_load(dataset, &ss, &d)) { cli_fail(); goto done; }
    if (rec) ss.length = rec;
    /* a blackout valid on its face that this set's windows are too short for: the data's error */
    if (rec && (reads & TS_TRAIN_READS_MASKS) && pos != TS_MASK_ALL && k > rec) {
        ts_fail("%s: --blackout %zu%s is longer than its windows (%zu, its length file)", dataset, k,
                ts_opt_given(&args, &k) ? "" : " (the default)", rec);
        cli_fail();
        goto done;
    }
    if (add_also(&d, &also, &ss, rank == 0)) { cli_fail(); goto done; }
    ts_reinterleave_choice ch;
    double ch_s = 0;
    const int auto_copies = ri.copies;
    if (ri.choose && choose_reinterleave(&d, &ri, &ss, &ro, rank == 0, &ch, &ch_s)) { cli_fail(); goto done; }
    if (ri.copies) {   /* auto: the chosen copies, added while choosing */
        ts_reinterleave_info inf = ri.choose ? ch.info : (ts_reinterleave_info){0, 0, 0};
        if (!ri.choose && ts_split_data_reinterleave(&d, ri.us * 1000, ri.copies, (uint64_t)ro.seed, &ss, &inf)) {
            cli_fail();
            goto done;
        }
        if (rank == 0)
            printf("reinterleave: %d cop%s of the training part (%zu event%s each; %.1f %% of positions hold "
                   "another event), %zu window%s\n", ri.copies, ri.copies == 1 ? "y" : "ies", inf.events,
                   ts_plural(inf.events), 100 * inf.moved, inf.windows, ts_plural(inf.windows));
    }
    if (!out) out = def_out = default_output(dataset, model);
    if (log_clashes(log, out, resume) || out_over_resume(out, resume)) goto done;
    /* rank 0 writes, and holds; the others stop with it */
    if (!ts_train_agree(rank != 0 || hold_outputs(out, log, hold) == 0, model)) goto done;
    if (rank == 0 && ri.choose && log_reinterleave(log, &ri, auto_copies, &ch, ch_s)) { cli_fail(); goto done; }
    /* a model that reads the training stream whole never reads the windows cut from it: let
     * go before it trains where they were cut (they are counted) */
    const size_t train_windows = d.split.train.n;
    if (!(reads & TS_TRAIN_READS_WINDOWS) && d.split.train_stream.n > 0) {
        free(d.split.train.data);
        d.split.train.data = NULL;
        d.split.train.n = 0;
    }
    /* nor does a model read the dataset's events (their parts are the split's): let go too,
     * their count kept (the notes after training) */
    unlearned un;
    count_unlearned_names(&d, &ss, &un);
    free(d.data.stream.ids);
    d.data.stream.ids = NULL;
    free(d.data.time_ns);
    d.data.time_ns = NULL;
    free(d.data.exit);
    d.data.exit = NULL;
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.blackout = k;
    o.mask_pos = pos;
    o.seed = ro.seed;
    o.out_path = out;
    o.resume = resume;
    o.log_path = log;
    o.progress = ro.progress;
    o.kv = ro.kv;
    double dt;
    ts_train_log_lost();   /* (none before this run's records) */
    int trained = ts_train_on(model, &d, &o, &m, &dt) == 0;
    /* a resume that took the model's default count (a checkpoint from before it kept its
     * run's): said, whether the run went through or not */
    char rnote[TS_ERROR_MAX];
    if (rank == 0 && ts_train_resume_note(rnote, sizeof rnote)) cli_say(stderr, "tracesynth: note: train: %s\n", rnote);
    if (!trained) {
        /* an option the model refused (--KEY VALUE): a usage error; a value this dataset
         * cannot work with: the data's error, naming it */
        rc = cli_train_failed(C, dataset);
        goto done;
    }
    /* the model holds what it learned: the split's training stream let go before it is written
     * (the model file is built in memory), its count kept */
    free(d.split.train_stream.ids);
    d.split.train_stream.ids = NULL;
    /* a record the model's work after the loop could not write (its bound, mdm's choices):
     * said, after the model is written (its loop wrote the best one there already) */
    const int lost = rank == 0 && ts_train_log_lost();
    char *why = lost ? ts_strdup(ts_error()) : NULL;
    if (rank == 0 && ts_model_save(m, out)) { free(why); cli_fail(); goto done; }
    if (lost) {
        ts_fail("%s: the log lacks the records after the training loop (the model is written: %s)", why, out);
        free(why);
        cli_fail();
        goto done;
    }
    /* the options that added training data, as given */
    int parts = 0, wholes = 0, others = 0;
    for (int i = 0; i < also.n; i++) wholes += also.whole[i] == 1, others += also.whole[i] == 2;
    char added[96] = "";
    const char *const opt[4] = {also.n > wholes + others ? "--also" : NULL, wholes ? "--also-whole" : NULL,
                                others ? "--also-whole-other-clock" : NULL, ri.copies ? "--reinterleave" : NULL};
    for (int i = 0; i < 4; i++)
        if (opt[i]) {
            strcat(added, parts++ ? ", " : " (+ ");
            strcat(added, opt[i]);
        }
    if (parts) strcat(added, ")");
    if (rank == 0) cli_say(stdout, "trained %s on %s (%s split, L=%zu): %zu training window%s, %zu stream event%s%s, "
           "%d event ID%s, %.2f s -> %s\n", model, dataset, ts_split_name(ss.kind), ss.length,
           train_windows, ts_plural(train_windows), d.split.train_stream.n, ts_plural(d.split.train_stream.n),
           added, d.n_ids, ts_plural((size_t)d.n_ids), dt, out);
    if (rank == 0 && nranks > 1) printf("data-parallel over %d processes\n", nranks);
    if (rank == 0) train_say_notes();
    if (rank == 0) note_unlearned_names(&un, &ss);
    if (rank == 0 && ss.kind == TS_SPLIT_TIME)
        cli_train_note_split(dataset, d.data.stream.n, ss.permille, ts_opt_given(&args, ss.permille));
    /* the budget plans the iterations and the work after the loop on a few timed ones, and
     * re-plans the iterations where the run's pace changes: each re-plan is in the log, the
     * run's are summed up here. A run that still took longer (the machine got busier near
     * the end, or that work's estimate was short) says by how much */
    const char *bud = ts_kv_get(&ro.kv, "budget");
    long planned, replanned;
    int nrp = ts_train_replans(&planned, &replanned);
    if (rank == 0 && bud && nrp > 0)
        cli_say(stderr, "tracesynth: note: train: the run's pace changed, and --budget %s re-planned it %d time%s: %ld "
                "iterations in all, of %ld planned (a --resume takes %s%s)\n", bud, nrp, nrp == 1 ? "" : "s",
                replanned, planned, ts_train_replan_with(), log ? ", as the log's last \"replan\" record says" : "");
    double bs;
    if (rank == 0 && bud && ts_train_budget_parse(bud, &bs) == 0 && dt > 1.1 * bs)
        cli_say(stderr, "tracesynth: warning: train: the run took %.1f s, %.1f s past --budget %s (its iterations "
                "and the work after them were timed before the run and as it went: the machine got "
                "busier after the last, or that work took longer than timed)\n", dt, dt - bs, bud);
    rc = 0;
done:
    ts_path_unlock(&hold[0]);
    ts_path_unlock(&hold[1]);
    ts_model_free(m);
    free(def_out);
    ts_split_data_free(&d);
    ts_opt_free(&args);
    return rc;
}
