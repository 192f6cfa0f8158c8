/* tracesynth — the study's protocols (design/PROTOCOLS.md §2) as library calls, so the
 * commands and the benchmarks run the same steps: a dataset directory and its split,
 * training a model on the split, hide -> impute -> score -> write the output triple,
 * the split directory, mask files and event-name files. */
#ifndef TRACESYNTH_PROTOCOL_H
#define TRACESYNTH_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include "data.h"
#include "eval.h"
#include "mc_model.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* how a dataset is cut into windows */
typedef struct {
    ts_split_kind kind;        /* default time */
    size_t length;             /* window length L (default 200) */
    size_t stride;             /* stride of the training windows (default 5) */
    size_t windows;            /* validation and test windows (default 500) */
    int    permille[3];        /* the time split's parts in thousandths, positive, summing to
                                  1000 (default ts_split_default_permille) */
} ts_split_spec;
void ts_split_spec_default(ts_split_spec *s);

/* a dataset directory and one split of it */
typedef struct {
    ts_dataset data;
    ts_split   split;
    int32_t    n_ids;          /* ts_split_n_ids: valid IDs are [0, n_ids) */
} ts_split_data;
/* ts_dataset_load, then the split s (NULL: none yet); 0, or -1 with d empty */
int  ts_split_data_load(const char *dir, const ts_split_spec *s, ts_split_data *d);
/* cut the same data again (another length); 0, or -1 with no split left */
int  ts_split_data_resplit(ts_split_data *d, const ts_split_spec *s);
void ts_split_data_free(ts_split_data *d);
/* ts_split_data_load of a dataset that may be a set of windows, one after the other, whose
 * length it records (DIR/length: markov --length, generate; ts_mc_window_length). *rec (may
 * be NULL): that length, 0 where it records none. With one, s->length 0 takes it and
 * another is refused, naming both, and the time split's validation and test windows are
 * the set's own windows lying whole in those parts, every one in order (s->windows is not
 * read; valid_distinct and test_distinct are their counts; a part that holds none is refused,
 * naming it and the length file), not
 * windows cut anywhere in them, across the set's windows; so are the training windows
 * (s->stride is not read either), and d->split.window is the length, so that
 * ts_split_train_events keeps the training stream's windows apart. Without one, s->length 0
 * is len0: ts_split_data_load (both 0: refused, naming the function). 0, or -1 with d empty */
int  ts_split_data_load_set(const char *dir, const ts_split_spec *s, size_t len0, ts_split_data *d, size_t *rec);
/* ts_split_data_load_set refusing, of a set's parts without a whole window, only those in
 * parts (TS_PART_* in data.h: the ones the caller reads); another is empty (its windows' n 0).
 * A dataset that is not a set is cut by ts_split_make_read with those parts */
int  ts_split_data_load_set_parts(const char *dir, const ts_split_spec *s, size_t len0, unsigned parts,
                                  ts_split_data *d, size_t *rec);

/* train --also: another dataset's training part added to d's split (time split only) as a
 * further training stream (ts_split_add_train); its validation and test parts are never
 * used. Its events are renumbered into d's vocabulary by name: a name d lacks becomes d's
 * <unk>, an error naming it when d has none; unnamed datasets keep their IDs (both must be
 * unnamed then). Its training part: when both datasets carry event times (time_ns.npy) and
 * its times overlap d's (a stream of the same trace), its events before the time of d's
 * first event after d's training part, so that none is as late as d's validation and test
 * parts; otherwise (another recording, wholly before or after d's) its first
 * s->permille[0] thousandths, like d's; refused where that part holds d's validation and test
 * events at their places (d's trace with more events after it, a window's worth or more) and
 * so held-out windows d's training part does not, or, at the fraction, where it holds more
 * than half of d's test (or validation) windows verbatim and more than d's training part
 * holds by a quarter of them, as ts_split_data_also_whole refuses (d's trace shifted by some
 * events, or among other events; info's counts say how many). d's own folder (by any
 * path) is refused: its training part would count twice. A set of
 * windows (DIR/length) is refused: its windows would join as one stream.
 * info (may be NULL): what was added. 0, or -1 with d's split unchanged */
typedef struct {
    size_t  events, windows;   /* training events and windows added */
    size_t  unknown;           /* events renumbered to <unk> */
    int     whole;             /* 1: every event (ts_split_data_also_whole) */
    int     other_clock;       /* 1: its times on another clock, not compared (ts_split_data_also_other_clock) */
    int     by_time;           /* 1: cut at cut_ns (d's training end); 0: at the fraction */
    int64_t cut_ns, first_ns;  /* by_time: the cut and d's first event's time */
    /* whole, and a training part at the fraction: d's test and validation windows found
     * verbatim in the added events, and in d's own training part (d->split.test.n and
     * valid.n windows in all) */
    size_t  test_found, valid_found, test_in_train, valid_in_train;
} ts_also_info;
int  ts_split_data_also(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info);
/* train --also-whole: every event of dir, another recording of the same workload (another
 * run, not another stream of d's trace), as a further training stream, renumbered as
 * above. Refused, naming dir, when dir is d's folder, when its events at d's held-out
 * positions are d's held-out events (a copy of the same trace), when both carry event
 * times and one of dir's falls in d's validation and test period, or when its events hold
 * more than half of d's test (or validation) windows verbatim and more than d's training
 * part holds by a quarter of them (a copy shifted by some events, or among other events;
 * another run of a repetitive workload shares some windows, as d's training part does:
 * info's counts say how many). 0, or -1 with d's split unchanged */
int  ts_split_data_also_whole(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info);
/* train --also-whole-other-clock: as ts_split_data_also_whole, for a recording whose event
 * times are on another clock than d's (another boot's ftrace or perf times, which may fall
 * in d's held-out period by chance): its times are not compared with d's; every other
 * check stays (d's own folder, a copy of d's trace, d's held-out windows verbatim) */
int  ts_split_data_also_other_clock(ts_split_data *d, const char *dir, const ts_split_spec *s, ts_also_info *info);

/* train --reinterleave: `copies` more training streams, each the training part of d with
 * the CPUs' events merged again after moving their times. Concurrent CPUs' events are
 * ordered by a few hundred nanoseconds, which the scheduler and the tracer's clocks decide,
 * not the program: the copies show other orders the same program gives. Each CPU's
 * events keep their order; CPU c's times move by a shift in [-shift_ns, shift_ns] drawn
 * at knots every TS_REINTERLEAVE_KNOT_NS and linear between them (a shift below half the
 * knot spacing keeps every CPU's order), drawn from seed and the copy. Needs the time
 * split, d's times (time_ns.npy) and CPUs (cpu.npy: ingest --from ctf writes both), else
 * threads (tid.npy: ingest --from strace --channels of a -ttt log), each thread's events
 * moved as a CPU's are.
 * info (may be NULL): what was added. 0, or -1 with d's split unchanged */
#define TS_REINTERLEAVE_KNOT_NS 200000.0
typedef struct {
    size_t events;             /* events per copy (d's training part) */
    size_t windows;            /* training windows added in all */
    double moved;              /* share of the copies' positions whose event changed */
} ts_reinterleave_info;
int  ts_split_data_reinterleave(ts_split_data *d, double shift_ns, int copies, uint64_t seed,
                                const ts_split_spec *s, ts_reinterleave_info *info);

/* train --reinterleave auto: the shift chosen on d's validation windows. For each candidate,
 * none (no copies) and ts_reinterleave_auto_us's shifts, the n-gram (its default order) is
 * trained on d's training streams plus `copies` copies moved by that shift (seed, as
 * ts_split_data_reinterleave draws them) and imputes d's validation windows at blackouts of
 * 10 and 40 (those fitting the window), centre and end, with its own default run and ro's
 * seed (ro NULL: seed 0; ro's options are the trained model's, never the n-gram's); the
 * mean accuracy of those is the candidate's score, the best wins (ties: the smaller shift,
 * none first). Each candidate's copies are dropped before the next, but the chosen one's,
 * which are left in d as ts_split_data_reinterleave with its shift adds them (out->info; d
 * as it was where none won, or on an error): the training takes them as they are. The same
 * result at any number of threads. Refused, before any candidate, as
 * ts_split_data_reinterleave refuses (no time split, times, CPUs or threads), and without
 * validation windows of 10 events or more. 0, or -1 */
#define TS_REINTERLEAVE_AUTO_N 9
extern const double ts_reinterleave_auto_us[TS_REINTERLEAVE_AUTO_N];   /* µs: 0 (none), 0.1 ... 90 */
typedef struct {
    double us[TS_REINTERLEAVE_AUTO_N];      /* the candidates (ts_reinterleave_auto_us) */
    double score[TS_REINTERLEAVE_AUTO_N];   /* each one's mean validation accuracy (%) */
    int    chosen;                          /* the best's index; us[chosen] 0: no copies */
    ts_reinterleave_info info;              /* the chosen copies left in d (all 0: none) */
} ts_reinterleave_choice;
int  ts_split_data_reinterleave_choose(ts_split_data *d, int copies, uint64_t seed, const ts_split_spec *s,
                                       const ts_run_opts *ro, ts_reinterleave_choice *out);

/* the split directory: DIR/training, validation, testing (window files), train_stream.txt,
 * vocab.tsv when the events are named (an earlier one is removed when not), arch when d->data.dir's
 * arch file names an architecture (ts_dataset_arch; an earlier one is removed when not, but in that
 * folder itself, which keeps its own; one that cannot be read is refused before anything is written),
 * split.txt (the parameters, dataset = its name; each file's count, train_windows,
 * validation_windows, test_windows and train_stream_events, which with length the readers of
 * the files compare (ts_split_file_check);
 * with d->data.dir, that folder's real path and its events' hash, dataset_dir and stream_crc, which
 * ts_split_file_check compares when the split's files are read, and where DIR is inside that
 * folder, its path there, dataset_subdir, "." where DIR is that folder itself);
 * *leak (may be NULL): the share of test windows found verbatim in the training stream. A DIR
 * holding another dataset (stream.txt) is refused: its vocab.tsv would be replaced by the
 * split's */
int  ts_split_dir_write(const char *dir, const char *dataset, const ts_split_data *d,
                        const ts_split_spec *s, double *leak);

/* dataset -> split -> train: the model `name` trained on d's split with o, whose split,
 * vocab and n_ids are taken from d (o NULL: train's defaults, blackouts of 10 at the
 * centre, seed 0, no log, no progress). seconds (may be NULL): the training time */
int  ts_train_on(const char *name, const ts_split_data *d, const ts_train_opts *o, ts_model **out,
                 double *seconds);

/* the windows to impute and the names of their IDs: a window file or a .npy, named by
 * vocab_path, else by the vocab.tsv beside it (ts_vocab_for_windows: a link's where it
 * leads, else beside the link; IDs at most the
 * names' last, else at most max_id), or a dataset directory: the test windows of its split
 * s, named by vocab_path or the dataset's names (s NULL: the default split); s->length 0
 * (or s NULL): len0, or 200 where len0 is 0; its other parts are not read, and not refused
 * when shorter than a window (ts_split_data_load_set_parts, TS_PART_TEST). A set of windows that records their
 * length (DIR/length) gives its own windows whole in the test part (s->length 0 takes their
 * length, another is refused naming both). names->n == 0: unnamed. distinct (may be NULL): how many of the windows
 * differ (a short test part repeats windows; for a file or a set, the number of windows) */
int  ts_impute_input_load(const char *path, const ts_split_spec *s, size_t len0, const char *vocab_path,
                          int32_t max_id, ts_windows *x, ts_vocab *names, size_t *distinct);

/* impute, score and tune-prior of the model m (model_path names it) on input cut by the split
 * s: refused (-1, an error naming input, the event and model_path) where input is the dataset
 * m was trained on (a directory whose first events are m's training part, by name: more
 * events appended, or some left out at its end, it is still that one; cut shorter than m's
 * training part, known by the prefixes m records, m->data_prefixes, where they know its test
 * part's first event) and the part read
 * holds events m was trained or made choices on: part TS_PART_TEST (impute, score), a test
 * part that begins before m->data_seen (input cut to m->data_seen events or fewer: every
 * test part, said as such); TS_PART_VALID (tune-prior, whose choices the test
 * part must not hold), a validation part that reaches into the test part m's own split
 * gives input (a set of windows, DIR/length: each part as its windows lying whole in it
 * begin and end); so is one that holds such events of a model m's run averages with it (mdm's
 * --ensemble, loaded by ts_model_run_load), named as such. A refused test part's error says
 * what to give instead: m's own fractions where their test part begins late enough, else
 * (input cut shorter than m's dataset, or tune-prior's choices past m's own test part) the
 * least fractions whose test part does and holds a window of s->length (0: an event; a
 * set's: its own), or that none does. *seen (may be NULL): m->data_seen, or for TS_PART_VALID on m's dataset the
 * end of the validation part where later (tune-prior's model records it). 0 where nothing
 * is refused: another dataset, a file of windows (but a split directory's testing, whose
 * split.txt names its dataset and fractions: checked as that dataset cut so), the paper
 * split, m without the record */
int  ts_model_held_out_check(const ts_model *m, const char *model_path, const char *input, const ts_split_spec *s,
                             unsigned part, size_t *seen);
/* the same of a multi-channel model m (its own record; impute's test part, TS_PART_TEST) on
 * input cut by s (its time split's parts: the ones impute cuts by) */
int  ts_mc_model_held_out_check(const ts_mc_model *m, const char *model_path, const char *input,
                                const ts_split_spec *s);

/* of the windows x read from input (a dataset directory, or a split directory's testing: its
 * dataset), how many occur verbatim in m's training part, where input is the dataset m's
 * record names (ts_model_held_out_check; cut shorter than m's training part: in those of its
 * leading events m->data_prefixes knows): *found. For a model that keeps no training events
 * (ts_model_windows_trained: 1), such as on the paper split's test windows, which lie in the
 * time split's training part. 1 counted, 0 not known (another dataset, a file of windows, m
 * without the record), -1 on error */
int  ts_model_held_out_found(const ts_model *m, const char *input, const ts_windows *x, size_t *found);

/* hide -> impute -> score -> write */
typedef struct {
    size_t      blackout;      /* k hidden events per window */
    ts_mask_pos pos;           /* where (one of ts_mask_pos, else an error); random positions
                                  draw from the run's seed */
    const char *source;        /* the windows' name in messages (NULL: "input") */
    const ts_vocab *names;     /* the windows' event names (NULL or n == 0: the model's
                                  numbering); with the model's names, IDs match by name
                                  (ts_model_impute_named), and where they hold <unk> the
                                  model's names they lack take the IDs after theirs (in
                                  the metrics and the files), so a fill keeps its name,
                                  not their <unk> */
    const char *outdir;        /* write original0.npy, mask0.npy, imputation0.npy there, all
                                  or none (NULL: nothing written), and where the events
                                  are named (names, else the model's) their names,
                                  original0.names.txt and imputation0.names.txt
                                  (ts_write_impute_named) */
} ts_impute_spec;

typedef struct {
    ts_impute_metrics metrics; /* over the hidden events; type accuracy when events are named */
    double seconds;            /* the imputation alone */
    size_t unknown;            /* observed events whose names the model never saw (its <unk>) */
} ts_impute_result;

/* the windows x under the blackout s, imputed by m with the run's options ro (NULL: the
 * defaults), scored into *res */
int  ts_impute_eval(ts_model *m, const ts_windows *x, const ts_impute_spec *s, const ts_run_opts *ro,
                    ts_impute_result *res);
/* the same with the windows' architecture for the type accuracy (a dataset's: ts_dataset_arch),
 * written beside the output files as OUTDIR/arch, which eval reads; TS_ARCH_UNKNOWN: the one
 * the event names are calls of, else the host's, as ts_impute_eval takes it (no OUTDIR/arch:
 * an earlier run's goes). A dataset's or a split's OUTDIR keeps its own arch, neither
 * written over nor removed */
int  ts_impute_eval_arch(ts_model *m, const ts_windows *x, const ts_impute_spec *s, ts_arch arch,
                         const ts_run_opts *ro, ts_impute_result *res);

/* a mask from a .npy or a window file of 0/1 values (1 = observed, 0 = missing) */
int  ts_mask_load(const char *path, uint8_t **mask, size_t *n, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
