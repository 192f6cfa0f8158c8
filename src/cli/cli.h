/* The tracesynth command line: one file per subcommand. Each parses its options with
 * ts_opt_parse, calls the library's protocols (protocol.h) and prints. A subcommand
 * returns the process exit status. */
#ifndef TRACESYNTH_CLI_H
#define TRACESYNTH_CLI_H

#include "tracesynth.h"
#include "tracesynth/channels.h"

int cmd_ingest(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_impute(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_constraints(int argc, char **argv);
int cmd_repair(int argc, char **argv);
int cmd_markov(int argc, char **argv);
int cmd_gaps(int argc, char **argv);
int cmd_drop(int argc, char **argv);
int cmd_fill(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_tune_prior(int argc, char **argv);

/* bench subcommands (bench_*.c) */
int bench_impute(int argc, char **argv);
int bench_layers(int argc, char **argv);
int bench_model(int argc, char **argv);
int bench_data(int argc, char **argv);

/* of ds's events after the default training share, how many have a name (names[i], ds's
 * n of them) none there has: an ID of <unk>, but for one named "<unk>" when one there is
 * so named too (inside the share, only those are <unk>) */
size_t ingest_unseen(char *const *names, const ts_dataset *ds);
/* ingest --channels: encode raw into m (the default training share) and print what its
 * channels hold (m is saved by the caller); *unseen: ingest_unseen of its events. Frees raw. */
int ingest_channels(ts_mc_raw *raw, ts_mc *m, size_t *unseen);

/* eval of multi-channel datasets: per-channel fidelity, and with constraints (a file
 * from 'tracesynth constraints', may be NULL) the validity distances */
int eval_is_channels(const char *path);   /* a dataset directory with channel files */
/* len: --length (len_given: given at all; the synthetic set's recorded windows otherwise,
 * cli_mc_window_length); downstream: the next-event predictor's order (0: none); fractions:
 * --fractions (NULL: not given), the time split that cuts part and the training part */
int eval_channels(const char *real, const char *synthetic, const char *constraints, int part, const int *fractions,
                  size_t len, int len_given, int downstream, int json);
/* the parts eval_channels takes: all, train, valid, test */
extern const char *const eval_parts[];
/* ts_constraints_fit of m (what: its path) into k, read from the file cons: its error names
 * cons too (the other side of a mismatch); -1 after recording it. *unknown (may be NULL):
 * m's values whose names k lacks (each now k's <unk>) */
int cli_constraints_fit(const ts_constraints *k, ts_mc *m, const char *what, const char *cons, size_t *unknown);
int bench_fill(int argc, char **argv);

/* multi-channel models (mc_models.c): train on a dataset of ingest --channels, generate
 * a multi-channel dataset, impute the test part's windows (prefix > 0: the first prefix
 * events of every channel observed, else a blackout of k at pos, every channel of the
 * hidden events hidden). chfrom: path is a single-channel model, the event channel, the
 * other channels drawn (`given` TS_DRAW_*) from the training part of the dataset chfrom.
 * train_channels on a set of windows (its length recorded) crops within them: of their
 * length where --length (len_given: given at all) is not given and its default is longer,
 * a --length given that is longer refused; fr_given: --fractions given (the time split's
 * parts are ss's, the note of cli_train_note_split says where a split records others) */
/* train's help: the multi-channel models and their options (only: that one alone; NULL: all) */
void mc_models_help(FILE *f, const ts_mc_model_ops *only);
/* the notes of the run just trained (cmd_train.c): ts_train_note's, and an early stop */
void train_say_notes(void);
int  train_channels(const char *model, const char *dataset, const ts_split_spec *ss, int len_given, int fr_given,
                    const char *out, const char *resume, const char *log, const ts_run_opts *ro);
int  generate_channels(const char *path, size_t n, size_t L, const char *out, const ts_run_opts *ro);
/* the dataset directory out that generate, markov, repair and the multi-channel impute
 * write, checked before the work (ts_out_dir_check): a folder at the name of a dataset's or
 * a split's own file (cli_output_not_dataset; meta: what to give instead; reads, nreads:
 * the datasets the command reads), or holding a dataset that is no set of windows
 * (stream.txt without a length file) and holds its events' times (time_ns.npy) or no Δt
 * channel (dt.npy), as an ingested trace does, which the save would replace, time_ns.npy
 * and arch with it, is refused; what these writers wrote (DIR/derived, ts_mc_save_windows),
 * a set of windows, and a one chain from before that mark (a dt.npy, no times) are
 * replaced. 0, or -1 after the error */
int  mc_out_check(const char *out, const char *meta, const char *const *reads, int nreads);
/* permille: the time split whose training part draws the channels (NULL: the model's recorded one) */
int  generate_events_channels(const char *path, const char *dataset, const int *permille, int given, size_t crop,
                              size_t n, size_t L, const char *out, const ts_run_opts *ro);
/* parts_given: --fractions given; else the model's own parts (with chfrom, the event
 * model's: its training part draws the channels) cut the test part */
int  impute_channels(const char *path, const char *chfrom, int given, const char *input, const ts_split_spec *ss,
                     int parts_given, size_t prefix, size_t k, ts_mask_pos pos, const char *out,
                     const ts_run_opts *ro, int json);

/* --vocab vocab_path (v: read already, else NULL) for the windows in file `windows` (w:
 * loaded already, else NULL): where names are beside them (W.names.txt), it must name each
 * of their IDs as they do. 0 (no such file too; v NULL and vocab_path a pipe or FIFO: not
 * read), or -1 naming both files */
int cli_vocab_agrees(const char *windows, const ts_windows *w, const char *vocab_path, const ts_vocab *v);
/* cli_vocab_agrees once ts_impute_input_load has read input's windows x and --vocab's
 * names: for a --vocab from a pipe or FIFO, which cli_input_names leaves to it (read once) */
int cli_vocab_agrees_read(const char *input, const ts_windows *x, const char *vocab_path, const ts_vocab *names);
/* impute's and score's --input read as eval reads windows: a window file (not a dataset)
 * with that names file beside it, no --vocab and a named model m: *x its windows, *names
 * their IDs' names (an ID they lack named "?", m's names they lack appended) and 1; m
 * without names: *x its windows in m's numbering, unnamed (the names file goes before the
 * vocab.tsv beside it, which is not read), and 2; 0 when not so (nothing read:
 * ts_impute_input_load reads it); -1 naming the file */
int cli_input_names(const char *input, const char *vocab_path, const ts_model *m, ts_windows *x, ts_vocab *names);
/* a note of cmd when m (at model_path) has no event names and the input's events are
 * named: by --vocab (vocab_path), else for a window file by that names file beside it, else
 * by the vocab.tsv beside it, and for a dataset by its vocab.tsv (names: what
 * ts_impute_input_load read, none when not that): their IDs are read in m's numbering */
void cli_input_names_unused(const char *cmd, const char *input, const char *vocab_path, const ts_vocab *names,
                            const ts_model *m, const char *model_path);
/* a note of cmd when m has event names and the input's IDs (names: what was read) have
 * none: they are read in m's numbering */
void cli_input_unnamed(const char *cmd, const char *input, const ts_vocab *names, const ts_model *m);
/* the file that names the events of the window file input as impute and score read them:
 * vocab_path (--vocab), else the names file beside it (W.names.txt), else the vocab.tsv
 * beside it (a link: where it leads, else beside the link: ts_vocab_for_windows); malloc'd, NULL where none (standard input: none) */
char *cli_input_names_file(const char *input, const char *vocab_path);
/* the architecture recorded beside names_path, the file that names a window file's events
 * (DIR/arch, as impute -o and split write it beside theirs) into *arch: TS_ARCH_UNKNOWN where
 * there is none (names_path NULL or standard input: none). eval reads it so, and impute of a
 * window file that no dataset or split holds. 0, or -1 where DIR/arch cannot be read (the
 * error names it) */
int cli_names_arch(const char *names_path, ts_arch *arch);
/* the error at "window W, position P: ..." of input's windows (a model's, which knows no
 * file) placed: with their names file (named, cli_input_names' 1) at its line W + 1, else
 * in input (a dataset's: its test part); "the input's vocabulary" in it named as the file
 * (vocab_path, --vocab, else the dataset's vocab.tsv or the one beside input) */
void cli_input_error_place(const char *input, int named, const char *vocab_path);

/* print "tracesynth: error: <ts_error()>" and return 1 */
int cli_fail(void);
/* 0, or -1 with the error set, when generate's n windows of L events, of per_event
 * bytes each, are more than the memory the process may use */
int cli_windows_fit(size_t n, size_t L, size_t per_event);
/* print "tracesynth CMD: error: <msg>" (usage problems) and return 2 */
int cli_usage_error(const char *cmd, const char *fmt, ...) TS_PRINTF(2, 3);
/* fprintf for a message that names paths or values as given (warnings, notes, "-> OUT"):
 * their control bytes shown as \xNN (ts_put_shown), a newline that ends the text as it is */
void cli_say(FILE *f, const char *fmt, ...) TS_PRINTF(2, 3);
/* the help's columns: CLI_HELP_WIDTH at most (UTF-8 characters counted, not bytes) */
#define CLI_HELP_WIDTH 80
/* a line of a help's list, "  NAME SUMMARY", the name padded to pad columns; a summary that
 * would pass CLI_HELP_WIDTH goes on under its first line, broken between words */
void cli_help_item(FILE *f, int pad, const char *name, const char *summary);
/* a help's more_help for --model NAME (TS_OPT_HELP_KEY) of a command that hands a
 * single-channel model its options: with a key, that model's options (an unknown name:
 * -1, the error listing the models; only: a list of names the command takes, NULL
 * for any, ending in NULL), f NULL: the key checked only; without, where they are */
int cli_model_more_help(FILE *f, const char *key, const char *cmd, const char *const *only);
/* the options of every model run, as one group of an option table:
 * --seed, --batch, --steps, --threads, --no-progress */
typedef struct {
    long seed, batch, steps, threads;
    int  no_progress;
    int  precision;   /* unused: --precision's place in the record of given options */
} cli_run;
#define CLI_RUN_DEFAULTS {0, 0, 0, 0, 0, 0}
#define CLI_RUN_OPTIONS(r) \
    CLI_RUN_SEED(r), \
    TS_OPT_LONG_(0, "batch", &(r)->batch, "B", 1, 1 << 24, "windows per batch (model default)"), \
    TS_OPT_LONG_(0, "steps", &(r)->steps, "S", 1, 1 << 24, "sampling steps (model default)"), \
    CLI_RUN_THREADS(r)
/* training: the same less --batch and --steps (a model's own training options) */
#define CLI_TRAIN_OPTIONS(r) CLI_RUN_SEED(r), CLI_RUN_THREADS(r)
#define CLI_RUN_SEED(r) \
    TS_OPT_LONG_(0, "seed", &(r)->seed, "S", 0, 0x7fffffffffffffffL, "seed (default 0): the same seed, the same result")
#define CLI_RUN_THREADS(r) \
    CLI_THREADS_OPTION(&(r)->threads), \
    TS_OPT_FLAG_(0, "no-progress", &(r)->no_progress, "no progress bar"), \
    CLI_PRECISION_OPTION_AT(&(r)->precision)
/* --precision fp32|bf16: the arithmetic of the matrix products, set when parsed (_AT:
 * given p, an int of no other option, ts_opt_given tells whether it was given) */
#define CLI_PRECISION_OPTION CLI_PRECISION_OPTION_AT(NULL)
#define CLI_PRECISION_OPTION_AT(p) \
    TS_OPT_CB_(0, "precision", p, "fp32|bf16", cli_opt_precision, \
               "matrix products in float32 (default) or bf16 with\n" \
               "float32 sums (AVX512_BF16)")
/* --threads N into a long */
#define CLI_THREADS_OPTION(p) \
    TS_OPT_LONG_(0, "threads", p, "N", 0, 4096, "threads (default 0: OMP_NUM_THREADS when set,\n" \
                 "else all cores)")
/* -q / --quiet into an int, what it silences as help (the trace commands': "no progress"),
 * and --no-progress, the same as the model commands spell it */
#define CLI_QUIET_OPTIONS(p, help) \
    TS_OPT_FLAG_('q', "quiet", p, help), \
    TS_OPT_FLAG_(0, "no-progress", p, "the same (as the other commands spell it)")
/* --arch ARCH of the commands that read a trace of either kind (gaps, drop, fill, bench
 * fill), as ingest's: the table that names ftrace's and perf script's raw_syscalls numbers */
#define CLI_TRACE_ARCH_OPTION(p) \
    TS_OPT_STR_(0, "arch", p, "ARCH", "ftrace, perf script text: raw_syscalls numbers named\n" \
                "through the table of x86_64 or aarch64 (default the\n" \
                "host's; i386 and arm have none: each call is nr_NUMBER)")
/* drop's and bench fill's bursts: the default *bmax (given: its option given) follows a larger
 * bmin; 0, or a usage error (2) for a --burst-max below --burst-min or a rate of rates[0, n)
 * (named by label: "--rate", "--rates:") that bursts of these sizes cannot reach */
int cli_drop_bursts(const char *cmd, long bmin, long *bmax, int given, const char *label, const double *rates, int n);
/* 0 with *arch its canonical name (NULL stays NULL), or a usage error (2): an architecture
 * not known, or one given for a CTF trace (a directory), whose events name their calls */
int cli_trace_arch(const char *cmd, const char *trace, const char **arch);
/* fill's and bench fill's TRACE (args->pos[0]: '-' standard input, text read more than once:
 * a file, not a pipe) and model (a file is never standard input, nor an --ensemble's; a name
 * that is neither a model nor a file there, with a '/' or not, is a usage error), then cli_trace_arch's
 * *arch: 0, else the exit status */
int cli_fill_inputs(const char *cmd, ts_opt_result *args, const char *model, const char **arch);
/* into *arch: the architecture a dataset directory's arch file names (ingest writes it),
 * as ts_arch_name spells it; NULL where there is none or it names none known. -1, the
 * error naming the file, where it cannot be read (ts_dataset_arch) */
int cli_dataset_arch(const char *dir, const char **arch);
/* the windows of the multi-channel dataset dir of n events (eval, repair): the length it
 * records (DIR/length, ts_mc_window_length), else --length's len where given (at all:
 * given), else 0 (one sequence); a --length given that is not the recorded one is refused,
 * naming both. 0, or -1 with the error set */
int cli_mc_window_length(const char *dir, size_t n, int given, size_t len, size_t *out);
/* the events of n that constraints and markov learn from: the time split's training part
 * (permille NULL: the default), at least one event; where it is empty, *why (cap bytes)
 * says so, as train names the part, else "" */
size_t cli_train_events(size_t n, const int permille[3], char *why, size_t cap);
/* "the time split at A,B,C as REC records it" into buf (cap bytes): the parts pm
 * (thousandths) that the split.txt rec records (cli_dataset_fractions'), as constraints
 * and markov say what cut the events they learn from */
void cli_split_recorded(char *buf, size_t cap, const int pm[3], const char *rec);
/* the note of gaps, fill and ingest (cmd) on perf script's text without a PERF_RECORD_LOST
 * line (ts_gap_list's, ts_fill_result's and ts_ctf_trace's perf_no_lost_lines): such text
 * does not show whether events were lost */
void cli_note_perf_no_lost(const char *cmd, const char *trace);
/* how many of the windows x (numbered by names, as for ts_model_impute_named) occur
 * verbatim in the training events m keeps (ts_model_windows_trained); -1 where it keeps
 * none (or the count failed: it changes nothing the run says) */
long cli_trained_count(const ts_model *m, const ts_windows *x, const ts_vocab *names);
/* the same, and with those of x (read from input, NULL: none) found in the training part of
 * the dataset named by the record of m or of a model its run averages with it (mdm's
 * --ensemble), where that model keeps no training events (ts_model_held_out_found) */
long cli_trained_count_in(const ts_model *m, const ts_windows *x, const ts_vocab *names, const char *input);
/* the warning line of cmd (where: what the windows are, may be NULL) that found of the n
 * windows scored occur verbatim in the model's training data, and what that overstates
 * (NULL: the scores' accuracy; score's: its bits per event); nothing where none do (found
 * 0 or -1), or where standard output failed (the run's error is then its one line). Said
 * after the run's output */
void cli_warn_trained(const char *cmd, const char *where, long found, size_t n, const char *overstated);
/* the notes a trace's reader gave (lines, each ending in a newline; NULL none: ts_ftrace_load's,
 * ts_gap_list's, ...) as warnings on stderr, one line each */
void cli_say_notes(const char *notes);
/* -o - of a command that writes text: *out becomes /dev/stdout and 1 is returned; where the
 * output would be a directory (dir), a usage error (2) "-o -: why" instead; 0 when *out is
 * no '-'. What a command then says it wrote names cli_output_name's */
int cli_output_stdout(const char *cmd, const char **out, int dir, const char *why);
/* 1 once cli_output_stdout took -o -: an error of /dev/stdout is then cli_fail's of
 * "standard output", as '-' is worded elsewhere */
int cli_stdout_taken(void);
/* an INPUT of '-' (ingest): *in becomes /dev/stdin, read through it, and 1 is returned;
 * 0 when *in is no '-'; -1 (the error set) when standard input is closed. Its messages
 * then name it cli_input_name's "standard input" */
int cli_input_stdin(const char **in);
/* an input OPT ("--input", "TRACE") of a command that reads it once, front to back: '-'
 * taken by cli_input_stdin; 0, else the exit status: 1 (said) where standard input is
 * closed, 2 (a usage error) where another input of the command took it already */
int cli_stdin_input(const char *cmd, const char *opt, const char **in);
/* OPT - of an input that cannot be standard input (what: "a dataset is a directory"): a
 * usage error (2) "OPT -: what, not standard input; name one", not "-: no such file"; else 0 */
int cli_input_no_stdin(const char *cmd, const char *opt, const char *in, const char *what);
/* the same for a directory (what: "a dataset is a directory"), given as standard input by
 * any of its names (ts_path_is_stdin: /dev/stdin too): "OPT /dev/stdin: what, not standard
 * input; name one", not "/dev/stdin: not a directory"; /dev/stdin where standard input is
 * a directory ('< DIR') is that directory, read as any other: 0 */
int cli_dir_no_stdin(const char *cmd, const char *opt, const char *in, const char *what);
/* the MODEL file of impute, score, generate and tune-prior: cli_input_no_stdin's refusal of
 * '-', and a usage error for a model's name (no '/') where no such file is; else 0 (a file
 * not there is the run's error, found as it is read) */
int cli_model_file(const char *cmd, const char *path);
/* impute's and score's MODEL (their spec takes two arguments, so that a second is told
 * here): a second argument is a usage error, "more than one MODEL ('A', 'B')", and where it
 * is no model file and --input (input; impute: or --channels-from) is not given, one that
 * says the windows go there (tune-prior's form, MODEL DATASET, given to them); else 0 */
int cli_one_model(const char *cmd, const ts_opt_result *args, const char *input);
/* cli_input_no_stdin for each model file of an --ensemble list (NULL: none) */
int cli_ensemble_no_stdin(const char *cmd, const char *list);
/* the same for the --ensemble among a command's model keys (--KEY VALUE) */
int cli_model_keys_no_stdin(const char *cmd, const ts_opt_result *args);
/* in as messages name it: "standard input" for what cli_input_stdin made of '-' */
const char *cli_input_name(const char *in);
/* msg (malloc'd) with each path '-' was read or written through (/dev/stdin as
 * cli_input_stdin took it, /dev/stdout as cli_output_stdout did) worded "standard input",
 * "standard output", wherever it stands as a whole path (not /dev/stdin.names.txt) outside a
 * quoted span (an input's line quoted keeps its own text; a span of the path alone is worded).
 * cli_fail and cli_say_notes word errors and notes so */
char *cli_dash_words(const char *msg);
/* cli_output_stdout for a command on a trace (drop, fill): its output is a directory when
 * the trace is one (a CTF trace, written as a new directory), text otherwise; -1 when '-'
 * is given and the trace is not there (said, naming it) */
int cli_trace_output_stdout(const char *cmd, const char *trace, const char **out, const char *why);
/* OPT - (-o -, --log -) of an output that is a directory or a file of its own (what: "the
 * dataset is a directory"): a usage error (2) "OPT -: what, not standard output; name one",
 * where it wrote a directory or file named '-'; else 0 */
int cli_output_no_stdout(const char *cmd, const char *opt, const char *out, const char *what);
/* out as a command's summary names it: "standard output" for to_stdout */
const char *cli_output_name(const char *out, int to_stdout);
/* where a command says what it wrote to out: stderr when out is standard output
 * (-o /dev/stdout), which the message would join; else stdout */
FILE *cli_msg_stream(const char *out);
/* 1, the error printed, when a model's output is a device or a pipe (train, tune-prior:
 * it goes to a file) */
int cli_model_output_check(const char *out);
/* ts_opt_parse for a command that takes no arguments besides its options: -1 to go
 * on, else the exit status (0 after --help, 2 after a usage error) */
int cli_parse_options(const ts_opt_spec *spec, int argc, char **argv);
/* sets the thread count and fills ro (the model's own options from args) */
void cli_run_apply(const cli_run *r, const ts_opt_result *args, ts_run_opts *ro);
/* 1 when the error recorded is a model's refusal of an option of the run (ts_opt_fail's
 * "MODEL: option --KEY: ...": one of its own --KEY VALUE, or --seed, --steps, --batch it
 * does not take): a usage error of the command line, not of its files or data */
int cli_error_is_option(void);
/* a run (impute, generate) that failed: such a refusal a usage error (2), as the command's
 * own (cmd's "tracesynth CMD: error: ..."), anything else cli_fail's (1) */
int cli_run_failed(const char *cmd);
/* 1 when the error recorded is an option's value, valid on its face, that the data cannot
 * work with (ts_fit_fail's "MODEL: --KEY VALUE ...": a --length past the validation part, a
 * --budget too short for one iteration): an error of the data, not of the command line */
int cli_error_is_fit(void);
/* a training on DATASET that failed: such a value the data's error (1), "DATASET: MODEL:
 * --KEY VALUE ...", else as cli_run_failed */
int cli_train_failed(const char *cmd, const char *dataset);
/* the run options ro as check (ts_model_run_check, ts_model_generate_check) checks them,
 * before the input is read or any output written: a refusal of one of them (a value out
 * of range, a key the model does not take, a --seed its decoding draws nothing by) is a
 * usage error (2); else 0, anything else the check refuses left to the run, which says it
 * where it makes it */
int cli_run_check(const char *cmd, const ts_model *m, const ts_run_opts *ro,
                  int (*check)(const ts_model *m, const ts_run_opts *o));
/* option callbacks (TS_OPT_CB_) for the library's names: a ts_split_kind, a
 * ts_mask_pos, the time split's parts (int[3], thousandths) */
int cli_opt_split(const char *v, void *dst);
int cli_opt_position(const char *v, void *dst);
int cli_opt_fractions(const char *v, void *dst);
int cli_opt_precision(const char *v, void *dst);
/* the parts (pm, thousandths) that cut the dataset directory ds: given (--fractions; NULL:
 * not given), else those its own splits record (its folders holding a split.txt of ds's
 * events, as split DS -o DS/SPLIT writes it, ds itself too after split DS -o DS; *rec,
 * malloc'd, the first split.txt, else NULL), else the default 70/10/20. 0, or -1 with an
 * error naming two split.txt that differ, or one whose fractions do not read (which one
 * cut ds is not known), ending "give --fractions A,B,C" and instead (may be NULL) */
int cli_dataset_fractions(const char *ds, const int *given, int pm[3], char **rec, const char *instead);
/* --json: "KEY": [A, B, C], "KEY_from": rec, "--fractions" (given) or "default", then ", ";
 * both null where pm is NULL (nothing cut) */
void cli_json_fractions(const char *key, const int *pm, const char *rec, int given);
/* train's note, after a model learned from the time split of ds (n events) at pm (given:
 * by --fractions, else the default): where a split of ds records other shares (those
 * constraints, markov and eval take), which part the model learned from and which one the
 * split records. Nothing where they agree, none records any, or the records cannot be read
 * (train does not read them) */
void cli_train_note_split(const char *ds, size_t n, const int pm[3], int given);
/* 0, or a usage error (2) when --fractions was given with --split paper: the paper
 * split's parts are the published files, the shares would go unused */
int cli_split_check(const char *cmd, const ts_split_spec *ss, const ts_opt_result *args);
/* 0, or a usage error (2) when INPUT is a file of windows (len events each) and --split,
 * --windows, --fractions or another --length was given: they cut a dataset directory; for
 * a dataset directory, --windows with the paper split (its test windows are the published
 * ones), and as cli_set_windows_check for its test part */
int cli_window_file_check(const char *cmd, const char *input, size_t len, const ts_split_spec *ss,
                          const ts_opt_result *args);
/* 0, or a usage error (2) when dir, read (ts_split_data_load_set), is a set of windows that
 * records their length (DIR/length) and --windows was given for the time split: every one
 * of its windows whole in its part ("test", "validation") is read */
int cli_set_windows_check(const char *cmd, const char *dir, const char *part, const ts_split_spec *ss,
                          const ts_opt_result *args);
/* the folder holding path (malloc'd) when it is a dataset (it holds stream.txt) and path is
 * one of its files (as cli_output_not_dataset's), or a split (it holds split.txt) and path
 * is one of the files split writes there; else NULL. *what (may be NULL): "dataset" or "split" */
char *cli_dataset_holding(const char *path, const char **what);
/* 0, or -1 with the error set naming path and whose file it is: path (where a link leads,
 * there) is, or would become, a file that loading a dataset reads (its stream.txt,
 * vocab.tsv, time_ns.npy, arch, length, derived, exit.npy, channel files, a file of its
 * sequence_length_L folders) or one of a split's own files (cli_dataset_holding), which
 * opt's output (given: its value, path or the one path is made from; meta: what to give
 * instead) would replace or append to, or a folder output made at its name would stand
 * for. reads (nreads of them; NULL, 0: none) are the datasets the command reads: a file of
 * theirs is named first, as such (" that this command reads"). Every output of every
 * command, a file or a folder, is checked so, before the work */
int cli_output_not_dataset(const char *path, const char *opt, const char *given, const char *meta,
                           const char *const *reads, int nreads);
/* 0, or -1 with the error set naming path when what is written would lie among a CTF
 * trace's stream files (babeltrace2 reads every file of its folder as a stream: the trace
 * would no longer open): is_dir, path a folder that holds a trace; else path's folder one.
 * cli_output_not_dataset checks it for a meta of DIR or OUTDIR (a folder), FILE or PATH (a
 * file); opt, given, meta as there. A device or a pipe (ts_out_is_stream) is none */
int cli_output_not_in_trace(const char *path, int is_dir, const char *opt, const char *given, const char *meta);
/* ss's split: the paper split where m was trained on it, else the time split's parts m
 * was trained on (its held-out part), unless --split or --fractions is given or m records
 * none, as its window length is the default */
void cli_split_model_parts(ts_split_spec *ss, const ts_opt_result *args, const ts_model *m);
/* a dataset directory cut by the paper split m was trained on (taken by default, as above):
 * its published test windows for L events are there (sequence_length_L/testing), else -1 after
 * an error naming the dataset, that file and the model (model_path); 0 also where the split
 * was given, the input is no dataset directory or a set of windows (DIR/length: the set's) */
int  cli_split_model_input(const char *cmd, const ts_split_spec *ss, const ts_opt_result *args, const ts_model *m,
                           const char *model_path, const char *input, size_t L);
/* the options that cut a dataset into windows (besides --length and --stride, whose
 * meaning differs between commands), as one group of an option table: --split,
 * --windows, --fractions into a ts_split_spec */
#define CLI_SPLIT_OPTIONS(s) \
    TS_OPT_CB_(0, "split", &(s)->kind, "paper|time", cli_opt_split, \
               "paper: the published windows (they leak); time: the\n" \
               "stream cut in time, training first (default; impute,\n" \
               "score and tune-prior: the split the model was trained\n" \
               "on, which it records; --fractions: time)"), \
    TS_OPT_SIZE_(0, "windows", &(s)->windows, "N", 1, 1 << 24, "validation and test windows (default 500; at most\n" \
                 "500 or a part's windows at distinct starts, whichever\n" \
                 "is more; the paper split's test windows are the\n" \
                 "published ones, every one)"), \
    TS_OPT_CB_(0, "fractions", (s)->permille, "A,B,C", cli_opt_fractions, \
               "time split shares: training, validation, testing, each\n" \
               "a multiple of 0.001, summing to 1 (default 0.7,0.1,0.2;\n" \
               "impute, score and tune-prior: the model's training\n" \
               "split's, which it records; give split the same; on its\n" \
               "dataset, parts over what it learned are refused)")

#endif
