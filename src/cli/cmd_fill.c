/* tracesynth fill: reconstruct the events an LTTng or ftrace trace lost and write the trace again with them. */
#include "cli.h"
#include "tracesynth/gaps.h"

#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int fill_more_help(FILE *f, const char *key)
{
    if (key && ts_file_exists(key)) key = NULL;   /* a model file: its options are its name's */
    if (!f) return cli_model_more_help(NULL, key, "fill", NULL);
    fprintf(f, "\nReconstructed events are events of their own class, " TS_RECON_CLASS ", in\n"
               "the stream of the CPU that lost them, at the start of the packet after the gap,\n"
               "their times spread evenly over the gap. Payload: event (the event class it\n"
               "stands for), confidence (the model's precision for that class on gaps simulated\n"
               "in held-out events of the same CPU), tid (the thread it is attributed to, or\n"
               "-1), gap_begin / gap_end (ns from the clock's origin: the uncertainty interval),\n"
               "gap_count, and next_tid (a reconstructed sched_switch: the thread it switches\n"
               "to, or -1). The discarded-events counters stay: babeltrace2 still reports the\n"
               "gaps.\n"
               "Each gap gets as many events as the tracer says it lost (of every type), drawn\n"
               "from the stream's own event classes (entries and exits apart), then made\n"
               "consistent with the trace around the gap: before the first reconstructed\n"
               "sched_switch, the thread running when the gap began; after the last, the thread\n"
               "found running after it (when they differ and the model put no sched_switch in\n"
               "the gap, its last event becomes one, or in a trace that records no switch the\n"
               "gap's first half, rounded down, is the thread before's and the rest the thread\n"
               "after's; when none is known before the gap and the model put no sched_switch in\n"
               "it, every event); the thread after: in ftrace and perf text, the one the CPU's\n"
               "first line after the gap names; in a CTF trace, the one the next recorded\n"
               "sched_switch leaves, or with none known before the gap (as when it begins the\n"
               "CPU's events) and no switch after, the thread of the CPU's first event after\n"
               "it; between two, the idle thread\n"
               "without system calls, else the same thread when it left and came back, else a\n"
               "child of clone never seen running, else -1; none of a thread's events while it\n"
               "ran on another CPU. Per thread, the fewest events are renamed so that system\n"
               "call entries and exits pair, from the call open before the gap to the state the\n"
               "first system call event after it shows. Extra options go to the model's\n"
               "training (e.g. --order 8), or to its imputation where they are run\n"
               "options (e.g. --in-window 3); a model file takes its run options only.\n"
               "A model trained per CPU makes after its training the choices its imputation\n"
               "reads alone: mdm its decoding for the blackout sizes of the CPU's gaps (one\n"
               "network evaluation or one per event), not the chain likelihood's n-gram\n"
               "mixture; the model --save-model writes makes every choice.\n"
               "\nftrace text (TRACE a regular file: tracefs's trace or trace_pipe, trace-cmd\n"
               "report; gzip read as it is) gives ftrace text at OUT (one file, written aside\n"
               "and renamed; -o -: standard output): every line of TRACE as it was, and after\n"
               "each lost-event marker (CPU:N [LOST C EVENTS]) the gap's reconstructed events,\n"
               "one line each, an event of its own:\n"
               "  COMM-PID [CPU] ..... TIME: " TS_FTRACE_RECON ": event=sys_enter_openat\n"
               "    tid=1234 next_tid=-1 confidence=0.830 gap_count=105\n"
               "event: the tracefs name of the event it stands for; COMM-PID: the thread, named\n"
               "as the trace names it (its latest name before the line in time on any CPU, else\n"
               "that of its earliest named line, after the gap or on another CPU; <...> where\n"
               "the trace never names it; <...>-0 when not known: tid=-1), and with\n"
               "record-tgid's column its TGID as the thread's lines show it, found alike (else\n"
               "(-------)), as wide as theirs; times spread evenly between the CPU's events\n"
               "around the marker. ingest --from ftrace reads each as the event it stands for\n"
               "(ingest --no-reconstructed: left out); fill and gaps see the gap as filled.\n"
               "perf script's text (its PERF_RECORD_LOST lines the markers, printed only with\n"
               "--show-lost-events, none where none was lost: text with none gets a note on\n"
               "stderr, as it cannot tell which) is filled alike, the lines in its shape:\n"
               "COMM TID [CPU] TIME: " TS_FTRACE_RECON ": event=..., in\n"
               "the columns of the trace's lines and as wide: PID/TID where they show it\n"
               "(-1 for a PID no line shows), a period where they carry one (the CPU's sample's\n"
               "around the gap, else 1); a thread never named :TID, none known :-1 of TID -1.\n"
               "A trace that records system call entries alone gets no exits.\n"
               "raw_syscalls' numbers are named through the table of --arch ARCH, else of the\n"
               "host (as ingest names them): the model learns, and writes, those names.\n");
    return cli_model_more_help(f, key, "fill", NULL);
}

/* where a file of fill's own (--text, --save-model), written after the trace is read, or
 * after the new one is, would go over a trace: the input's own file (ftrace text) or one in
 * its directory or a folder below it (a CTF trace's metadata or a stream: the input lost,
 * or a file babeltrace2 reads as a stream the next time), OUT itself or one in OUT or
 * below it (the new trace replaced, broken the same way, or the file taken away with the
 * trace it replaces). "the input trace", "the output", or NULL. */
static const char *side_clash(const char *path, const char *trace, const char *out)
{
    char *o = ts_path_trim(out), *tdir = NULL;
    const char *hit = NULL;
    if (ts_same_path(path, trace)) hit = "the input trace";
    if (!hit && !ts_trace_is_ftrace(trace)) {
        tdir = ts_ctf_trace_dir(trace);
        ts_clear_error();   /* no trace there: fill itself says so */
    }
    if (!hit && ts_same_path(path, o)) hit = "the output";
    /* the folders that hold path as it resolves ("out/../x" lies beside out, not in it),
     * from its own up */
    char *folder = ts_path_resolve(path);
    if (!folder) folder = ts_strdup(path);
    while (!hit) {
        char *copy = ts_strdup(folder), *up = ts_strdup(dirname(copy));
        free(copy);
        const int top = !strcmp(up, folder);   /* "/" or "." */
        free(folder);
        folder = up;
        if (tdir && ts_same_file(folder, tdir) == 1) hit = "the input trace";
        else if (ts_same_path(folder, o)) hit = "the output";
        if (top) break;
    }
    free(folder);
    free(tdir);
    free(o);
    return hit;
}

/* the text's reader went away (fill ... --text - | head): the new trace is whole, the text
 * cut where it left. Ended as a Unix tool whose reader goes away is, on SIGPIPE, without a
 * message; a caller that ignores SIGPIPE gets the error its writes would have */
static int text_reader_gone(const char *text)
{
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN) {
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
    ts_fail("%s: cannot write the text output: %s", !strcmp(text, "-") ? "standard output" : text, strerror(EPIPE));
    return cli_fail();
}

int cmd_fill(int argc, char **argv)
{
    const char *C = "fill";
    const char *out = NULL, *model = "ngram", *text = NULL, *save = NULL, *arch = NULL;
    long context = 32, seed = 0, length = 200, max_train = 500000, threads = 0;
    int quiet = 0, one = 0;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "model", &model, "M", TS_OPT_HELP_KEY,
                      "a trained model file, or a model name (ngram, unigram,\n"
                      "mdm, sssd-s4, diffwave, csdi-s4, sssd-sa, lstm): then\n"
                      "trained per CPU on the trace's own surviving events\n"
                      "(default ngram; a name with --help: its options)"),
        TS_OPT_STR_('o', "output", &out, "OUT", "the new CTF trace (a directory; a trace tracesynth\n"
                    "wrote there is replaced, another refused), or for\n"
                    "ftrace text the new text file ('-': standard output,\n"
                    "the summary then on stderr; a name ending in .gz:\n"
                    "gzip-compressed)"),
        TS_OPT_STR_(0, "text", &text, "FILE", "CTF: also the new trace in babeltrace2's text format,\n"
                    "put in place with it, one commit: a signal, SIGKILL or\n"
                    "a power cut leaves both old or both new (the next\n"
                    "command reading either completes a commit cut short)\n"
                    "('-': stdout, the summary then on stderr; '-', a\n"
                    "device or FIFO is written last, before the trace and\n"
                    "the model are put in place: one that fails leaves\n"
                    "neither; a reader that goes away, as head does, ends\n"
                    "fill on SIGPIPE, without a message, the new trace\n"
                    "written; a name ending in .gz: gzip-compressed)"),
        TS_OPT_LONG_(0, "context", &context, "N", 1, 4096, "events of context on each side of a gap (default 32)"),
        TS_OPT_LONG_(0, "length", &length, "L", 8, 1 << 20, "window length for training a model on windows (mdm,\n"
                     "sssd-s4, diffwave, csdi-s4, sssd-sa, lstm; default 200;\n"
                     "shorter where the trace is: sssd-sa then a multiple of\n"
                     "4); refused for ngram and unigram, which read none"),
        TS_OPT_LONG_(0, "max-train", &max_train, "N", 100, 1L << 34, "events per CPU kept for training (default 500000):\n"
                     "bounds the memory on long traces"),
        TS_OPT_FLAG_(0, "one-model", &one, "train one model on every CPU's events (not one per CPU)"),
        TS_OPT_STR_(0, "save-model", &save, "FILE", "also save a model trained on every CPU's events\n"
                    "(for --model FILE), put in place with the trace (and\n"
                    "its text) in one commit, as --text is: a trace that\n"
                    "cannot be written leaves none (a device or FIFO:\n"
                    "written last, once the trace and its text are);\n"
                    "a dataset's or a split's own file is refused, as for\n"
                    "-o and --text"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 0x7fffffffffffffffL, "seed (default 0), for a model that draws (mdm,\n"
                     "sssd-s4, diffwave, csdi-s4, sssd-sa; lstm as it trains,\n"
                     "not a file; an mdm file only as it samples,\n"
                     "--temperature above 0 or --order random; ngram a gap\n"
                     "with no event on either side, as where a CPU lost every\n"
                     "event); refused where none is"),
        CLI_TRACE_ARCH_OPTION(&arch),
        CLI_THREADS_OPTION(&threads),
        CLI_QUIET_OPTIONS(&quiet, "no progress"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth fill TRACE [--model M] -o OUT [--text FILE] [OPTIONS]",
        "Reconstruct the events an LTTng trace lost (its discarded-event gaps, per CPU)\n"
        "from the events on both sides of each gap, and write a new CTF trace through\n"
        "libbabeltrace2: every original event unchanged, plus the reconstructed ones,\n"
        "marked.\n"
        "TRACE that is a regular file is ftrace text or perf script's, filled the same\n"
        "way (see below). TRACE - is standard input: text redirected from a file\n"
        "(< FILE), not a pipe's, which could not be read more than once.\n",
        opts, 1, 1, "TRACE", 1, fill_more_help,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    if (!out) { ts_opt_free(&args); return cli_usage_error(C, "-o OUT is required"); }
    /* a model file is used as it is: the options of training would go unread */
    const char *unread = ts_opt_given(&args, &one) ? "--one-model" : ts_opt_given(&args, &length) ? "--length"
                       : ts_opt_given(&args, &max_train) ? "--max-train" : save ? "--save-model" : NULL;
    /* a name that is neither a model nor a file is the library's error ("neither ...") */
    if (unread && !ts_model_find(model) && ts_file_exists(model)) {
        ts_opt_free(&args);
        return cli_usage_error(C, "%s is for a model name to train; %s is a model file, used as it is", unread, model);
    }
    ts_clear_error();
    /* a --seed the model does not read: refused, as train and impute refuse it, not
     * ignored. A model name is trained and then imputes (what it reads known from the
     * options it is trained with); a file only imputes. One that draws only a gap with no
     * event on either side: the fill refuses it once the gaps are read, before it trains
     * or writes anything, where none is; one whose decoding draws by its run options
     * (mdm's): the fill refuses it before its work */
    if (ts_opt_given(&args, &seed)) {
        const ts_model_ops *ops = ts_model_find(model);
        const unsigned seed_bits = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_SEED_WHOLE;
        const ts_kv kv = {args.nkv, args.keys, args.values};   /* those it is trained with */
        int reads = ops && ((ops->train_reads & TS_TRAIN_READS_SEED) || (ts_model_ops_impute_reads(ops, &kv) & seed_bits));
        ts_model *m = NULL;
        const int file = !ops && ts_file_exists(model) && ts_model_load(model, &m) == 0;
        if (file) {
            ops = m->ops;
            reads = (ts_model_impute_reads(m) & seed_bits) != 0;
        }
        ts_model_free(m);   /* ops is the registry's, not the model's */
        ts_clear_error();   /* a model that cannot be read: the fill says why */
        if (ops && !reads) {
            /* the kind draws a gap alone, unless by the options it is (or was) trained with */
            const char *why = !(ops->impute_reads & seed_bits)
                                  ? file ? "its imputation draws nothing" : "its training and imputation draw nothing"
                              : file ? "its imputation draws nothing, not even a gap with no event on either side, by "
                                       "the options it was trained with"
                                     : "its training draws nothing, its imputation not even a gap with no event on "
                                       "either side, by the options it is trained with";
            rc = cli_usage_error(C, "--seed: the model %s does not read it (%s)", ops->name, why);
            ts_opt_free(&args);
            return rc;
        }
    }
    /* a --length the model's training does not read, refused as --seed is: the n-gram and
     * the unigram learn from each CPU's surviving events as one stream, not cut in windows
     * (a model file is refused it above) */
    if (ts_opt_given(&args, &length)) {
        const ts_model_ops *ops = ts_model_find(model);
        if (ops && !(ops->train_reads & TS_TRAIN_READS_WINDOWS)) {
            rc = cli_usage_error(C, "--length: the model %s does not read it (it trains on each CPU's events as one "
                                 "stream, not in windows)", ops->name);
            ts_opt_free(&args);
            return rc;
        }
    }
    if ((rc = cli_fill_inputs(C, &args, model, &arch))) {
        ts_opt_free(&args);
        return rc;
    }
    if ((rc = cli_output_no_stdout(C, "--save-model", save, "the model goes to a file"))) {
        ts_opt_free(&args);
        return rc;
    }
    /* '-' is standard output, as for export and --text: ftrace text goes there; a CTF trace
     * is a directory */
    const int to_stdout = cli_trace_output_stdout(C, args.pos[0], &out,
                                            "a CTF trace is filled into a new trace directory, not standard output; "
                                            "name a directory (--text - writes its text there)");
    if (to_stdout < 0 || to_stdout == 2) {
        ts_opt_free(&args);
        return to_stdout < 0 ? 1 : 2;
    }
    if (text && ts_trace_is_ftrace(args.pos[0])) {
        /* a file fill cannot read at all (a strace log) is named for what it is, not as the
         * text that --text is refused for; read once, as gaps reads it, for that alone */
        ts_gap_list gl;
        if (ts_gaps_find_arch(args.pos[0], arch, 0, &gl)) {
            ts_opt_free(&args);
            return cli_fail();
        }
        ts_gap_list_free(&gl);
        rc = cli_usage_error(C, "--text is for a CTF trace; %s is ftrace or perf script text, and so is what fill writes", args.pos[0]);
        ts_opt_free(&args);
        return rc;
    }
    /* refused before the work, which can be long: found after it, the input or the new
     * trace would already be replaced */
    const char *side[2] = {text && strcmp(text, "-") ? text : NULL, save}, *side_opt[2] = {"--text", "--save-model"};
    for (int i = 0; i < 2; i++) {
        const char *hit = side[i] ? side_clash(side[i], args.pos[0], out) : NULL;
        if (hit) {
            rc = cli_usage_error(C, "%s %s would be written into %s (%s); name a file outside it", side_opt[i], side[i], hit,
                                 !strcmp(hit, "the output") ? out : args.pos[0]);
            ts_opt_free(&args);
            return rc;
        }
    }
    if (side[0] && side[1] && ts_same_path(side[0], side[1])) {
        rc = cli_usage_error(C, "--text and --save-model name one file (%s): the text would replace the model", save);
        ts_opt_free(&args);
        return rc;
    }
    /* the text file's place checked before the work (the new trace's is, by the fill): found
     * after the new trace, the exit status would say the fill failed with it there. A
     * stream is opened once the trace is written: a FIFO's reader is not waited for before
     * then */
    const char *text_arg = text;   /* as given: '-' is written through /dev/stdout */
    const int text_file = text && strcmp(text, "-");
    /* nor over a dataset's or a split's own file, nor ftrace text among a CTF trace's files */
    if ((!to_stdout && cli_output_not_dataset(out, "-o", out, "OUT", NULL, 0)) ||
        (!to_stdout && ts_trace_is_ftrace(args.pos[0]) && cli_output_not_in_trace(out, 0, "-o", out, "OUT")) ||
        (text_file && cli_output_not_dataset(text, "--text", text, "FILE", NULL, 0)) ||
        cli_output_not_dataset(save, "--save-model", save, "FILE", NULL, 0)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    if (text_file && ts_out_check(text) != 0) {
        ts_opt_free(&args);
        return cli_fail();
    }
    if (text && !text_file) cli_output_stdout(C, &text, 0, NULL);
    ts_set_threads((int)threads);
    ts_fill_opts o;
    memset(&o, 0, sizeof o);
    o.model = model;
    o.kv.n = args.nkv;
    o.kv.keys = args.keys;
    o.kv.values = args.values;
    o.context = (size_t)context;
    o.length = (size_t)length;
    o.max_train = (size_t)max_train;
    o.save_model = save;
    o.one_model = one;
    o.seed = (uint64_t)seed;
    o.seed_set = ts_opt_given(&args, &seed);
    o.progress = !quiet;
    o.dir_shown = cli_input_name(args.pos[0]);
    o.out_shown = to_stdout ? "standard output" : NULL;
    o.arch = arch;
    /* a file: written from the new trace before either is in place, and put in place with
     * it, one commit (a signal, SIGKILL or a power cut leaves both old or both new); standard output, a device or FIFO: written
     * in place, last, from the new trace before it (and the model) is put in place: one
     * that fails leaves neither */
    o.text = text;
    ts_fill_result res;
    rc = ts_ctf_fill(args.pos[0], out, &o, &res);
    if (rc && res.seed_unread) {   /* an option refused, found once the gaps are read */
        rc = cli_usage_error(C, "%s", ts_error());
        ts_opt_free(&args);
        return rc;
    }
    if (rc == 0) cli_say_notes(res.notes);   /* what the reader left out (a last line cut) */
    /* no gap to fill may mean none shown: perf script shows its losses only when asked */
    if (rc == 0 && res.perf_no_lost_lines) cli_note_perf_no_lost(C, args.pos[0]);
    if (rc == 0 && res.too_long)
        cli_say(stderr, "tracesynth: warning: fill: %s: %llu gap%s of more than 2^24 events (%llu events) left unfilled\n",
                args.pos[0], (unsigned long long)res.too_long, res.too_long == 1 ? "" : "s",
                (unsigned long long)res.too_long_events);
    /* gaps far longer than what their model learned from: their events only repeat it */
    if (rc == 0 && res.outsized) {
        char models[96];
        if (res.outsized_models > 1)
            snprintf(models, sizeof models, "%d models trained on %llu recorded events or fewer", res.outsized_models,
                     (unsigned long long)res.outsized_trained);
        else
            snprintf(models, sizeof models, "a model trained on %llu recorded event%s",
                     (unsigned long long)res.outsized_trained, ts_plural((size_t)res.outsized_trained));
        cli_say(stderr, "tracesynth: note: fill: %s: %llu event%s reconstructed in %llu gap%s from %s (over %d times as "
                "many in each gap): they repeat the patterns of those events\n", args.pos[0],
                (unsigned long long)res.outsized_events, ts_plural((size_t)res.outsized_events),
                (unsigned long long)res.outsized, res.outsized == 1 ? "" : "s", models, TS_FILL_OUTSIZED);
    }
    if (rc == 0) {
        /* standard output that is the text's is the text alone */
        FILE *msg = text && (!text_file || cli_msg_stream(text) == stderr) ? stderr : cli_msg_stream(out);
        cli_say(msg, "fill: %zu gap%s, %llu event%s reconstructed among %llu recorded (train %.1f s, "
                "impute %.1f s, write %.1f s) -> %s\n", res.n, res.n == 1 ? "" : "s", (unsigned long long)res.reconstructed,
                ts_plural((size_t)res.reconstructed),
               (unsigned long long)res.events, res.train_s, res.impute_s, res.write_s, cli_output_name(out, to_stdout));
        if (res.text_cut) rc = 1;   /* the text's reader went away: the trace is in place */
        ts_fill_result_free(&res);
    }
    ts_opt_free(&args);
    if (rc == 1) return text_reader_gone(text_arg);
    /* an option the model refused: a usage error; a value the trace's events cannot work
     * with (a --budget too short for them): the data's error, naming the trace */
    return rc ? cli_train_failed(C, o.dir_shown) : 0;
}
