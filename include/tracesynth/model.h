/* tracesynth — the model interface. Every model (n-gram, unigram, the diffusion
 * models) trains on a split, saves into a container, loads, imputes windows under
 * masks and generates windows. The protocols (protocol.h), the trainer and the
 * benchmarks drive every model through this interface alone.
 *
 * Threads: models are independent of one another. Two models (two ts_model_load of one
 * file too) may be trained, loaded, run and freed on two threads at once; one model is
 * used by one thread at a time (its runs keep plans and caches in it). Each thread sees
 * its own error (ts_error). A run's OpenMP threads are the calling thread's
 * (ts_set_threads on it, else OMP_NUM_THREADS); progress bars are for the main thread
 * (common.h). */
#ifndef TRACESYNTH_MODEL_H
#define TRACESYNTH_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "data.h"
#include "common.h"
#include "container.h"

#ifdef __cplusplus
extern "C" {
#endif

/* model-specific options, "key=value" (from --key value on the command line) */
typedef struct {
    int          n;
    const char **keys;
    const char **values;
} ts_kv;
/* value or NULL; ts_kv_int/double/... return def when absent, -1 + error when malformed */
const char *ts_kv_get(const ts_kv *kv, const char *key);
/* the options of all that are (inside = 1) or are not (0) among keys (NULL-terminated;
 * NULL: none), e.g. a model's run_keys: what goes to imputation and what to training
 * when one command does both. Free with ts_kv_part_free. */
ts_kv ts_kv_part(const ts_kv *all, const char *const *keys, int inside);
void ts_kv_part_free(ts_kv *kv);
int ts_kv_long(const ts_kv *kv, const char *key, long def, long *out);
int ts_kv_double(const ts_kv *kv, const char *key, double def, double *out);
/* error naming the first key not in the NULL-terminated list of model's `kind`
 * ("training" or "run") options (known NULL: none); a list that names valid-every (a
 * model that trains with the shared loop) takes each of ts_train_keys too */
int ts_kv_check(const ts_kv *kv, const char *model, const char *kind, const char *const *known);
/* the one wording of every error about a model's option (unknown, refused, malformed,
 * out of range): "WHO: option --KEY: MESSAGE" (who NULL: "option --KEY: MESSAGE").
 * Records it, returns -1 */
int ts_opt_fail(const char *who, const char *key, const char *fmt, ...) TS_PRINTF(3, 4);
/* the error recorded, when it is an option's without the model's name (ts_kv_long and
 * ts_kv_double do not know it), given `who`'s; returns -1 (for the drivers) */
int ts_opt_name(const char *who);
/* the wording of an option's value that is valid on its face but that the data cannot
 * work with (a --length longer than the validation part, a --budget too short for one
 * iteration): an error of the data, not of the command line. "WHO: --KEY MESSAGE" (who
 * NULL: "--KEY MESSAGE"; MESSAGE begins with the value). Records it, returns -1 */
int ts_fit_fail(const char *who, const char *key, const char *fmt, ...) TS_PRINTF(3, 4);

typedef struct {
    const ts_split *split;     /* train / valid windows and the training stream */
    const ts_vocab *vocab;     /* n == 0 when events are unnamed */
    int32_t  n_ids;            /* valid IDs are [0, n_ids): those of the split's training and
                                  validation data (ts_model_train refuses others; a training
                                  stream may also hold -1, a separator no n-gram match spans),
                                  and vocab->n when events are named */
    size_t   blackout;         /* k used for training masks */
    ts_mask_pos mask_pos;
    uint64_t seed;
    const char *out_path;      /* where the model is saved (models that checkpoint while training) */
    const char *resume;        /* checkpoint to resume from, or NULL */
    const char *log_path;      /* JSON-lines training log, or NULL */
    int      progress;         /* show progress */
    ts_kv    kv;               /* model-specific options */
    unsigned leave;            /* TS_TRAIN_LEAVE_* bits: choices after training the model's
                                  one use does not read (0: every one made) */
} ts_train_opts;
/* ts_train_opts.leave: what a model trained for imputation alone (fill's, not saved) may
 * leave out of the choices it makes on validation windows after training. The model
 * imputes as it would have; what reads the choice left out (mdm: score --likelihood
 * chain, generate --sampler chain, impute --select likelihood with --ngram-mix) reads
 * a model without it */
#define TS_TRAIN_LEAVE_LIKELIHOOD 1u   /* the chain likelihood's n-gram mixture (mdm) */
/* impute's decoding per blackout size (mdm's), which the caller chooses for the blackouts
 * it will fill alone (ts_mdm_choose_decoding, mdm.h); until then the model imputes as a
 * file without the choice does (one event per network evaluation) */
#define TS_TRAIN_LEAVE_DECODING   2u

/* the options of a run (impute, generate, bits); a NULL pointer runs with the defaults,
 * as zeroed options do */
typedef struct {
    uint64_t seed;
    size_t   batch;            /* windows per batch (0: model default) */
    int      steps;            /* sampling steps (0: model default) */
    int      progress;
    ts_kv    kv;
    int      seed_given;       /* the seed was asked for (a command's --seed, where the model
                                * alone would read it): a model whose run draws nothing by
                                * its options refuses it rather than ignore it */
} ts_run_opts;

typedef struct ts_model ts_model;

typedef struct {
    const char *name;
    const char *summary;
    const char *help;          /* model-specific options, one per line */
    int  (*train)(ts_model **out, const ts_train_opts *o);
    int  (*save)(const ts_model *m, ts_writer *w);
    /* model files are untrusted: bound every config value, and check each section sized
     * from the config with ts_reader_expect_size before allocating anything */
    int  (*load)(ts_model **out, const ts_reader *r);
    /* x: n x L windows, mask 1 = observed; out: n x L, observed positions copied */
    int  (*impute)(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                   const ts_run_opts *o, int32_t *out);
    /* n windows of L drawn. A model provides this or generate_after, not both: one with
     * generate_after leaves it NULL (the library generates by generate_after, P 0) */
    int  (*generate)(ts_model *m, size_t n, size_t L, const ts_run_opts *o, int32_t *out);
    /* optional, in place of generate: a sampler that also goes on after a prefix: n windows
     * of L that begin with the P events of prefix (P < L) and go on as generation draws,
     * given them as the events before, under generate's options and checks; P 0 (prefix
     * NULL): generation from no prefix, as generate. NULL: the model generates by generate
     * and continues a prefix by its imputation of the rest, if that draws */
    int  (*generate_after)(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L,
                           const ts_run_opts *o, int32_t *out);
    void (*free)(ts_model *m);
    /* the model's own options (NULL-terminated; NULL: none), checked by ts_model_train
     * (train_keys) and by ts_model_impute / ts_model_generate (run_keys) */
    const char *const *train_keys;
    const char *const *run_keys;
    /* optional: *bits = mean bits per event of the n windows of L (IDs in range): the
     * negative log2-likelihood per event, or an upper bound on it (say which in the help).
     * NULL: the model gives no likelihood */
    int  (*bits)(ts_model *m, const int32_t *x, size_t n, size_t L, const ts_run_opts *o,
                 double *bits);
    /* the shared training options its train reads (TS_TRAIN_READS_*; 0: none), so that
     * a command refuses the others instead of ignoring them */
    unsigned train_reads;
    /* the same for its impute (TS_IMPUTE_READS_*; 0: none): what it reads of a run's
     * shared options (a blackout at random positions draws them from the seed, whatever
     * the model) */
    unsigned impute_reads;
    /* the window lengths it takes are multiples of this (0 or 1: any), so that a command
     * that picks a length for it (fill on a short trace) or is given several (bench
     * impute) keeps to them */
    int len_multiple;
    /* optional: of impute_reads, what a model trained with these training options leaves
     * unread (the impute_unread its train will set), known before it is trained; NULL: none */
    unsigned (*impute_unread_by)(const ts_kv *train_kv);
    /* optional: its impute's checks of a run's options (kv, steps, seed_given), made before
     * any window is read; 0 / -1 + error; NULL: none beyond the run keys */
    int  (*run_check)(const ts_model *m, const ts_run_opts *o);
    /* optional: the same for its generate (as a --seed its decoding draws nothing by, by
     * the run's options, refused), made before any work; NULL: none beyond the run keys */
    int  (*generate_check)(const ts_model *m, const ts_run_opts *o);
    /* optional: the training events the model keeps (ts_model_train_events); NULL: none */
    const int32_t *(*train_events)(const ts_model *m, size_t *N);
    /* optional: load now the files the run options o name that its runs read (mdm's
     * --ensemble models), kept for them as a run keeps them; 0 / -1 + error naming the file */
    int  (*run_load)(ts_model *m, const ts_run_opts *o);
    /* optional: the i-th (from 0) of the models whose networks are averaged in with m's as
     * it runs (mdm's --ensemble, as loaded by its last run), NULL past the last; NULL: none */
    const ts_model *(*ensemble_member)(const ts_model *m, int i);
} ts_model_ops;

enum {
    TS_TRAIN_READS_MASKS = 1,       /* ts_train_opts blackout and mask_pos */
    TS_TRAIN_READS_SEED = 2,        /* ts_train_opts seed */
    TS_TRAIN_READS_PRECISION = 4,   /* its matrix products follow ts_set_precision */
    TS_TRAIN_READS_WINDOWS = 8,     /* the training windows (their length) where the split also
                                     * holds the stream they are cut from: without it, the
                                     * stream is read whole (ngram, unigram) */
    TS_TRAIN_READS_RESUME = 16,     /* ts_train_opts resume: it trains by iterations, from a
                                     * checkpoint too (not in one pass, keeping none) */
};

enum {
    TS_IMPUTE_READS_SEED = 1,       /* ts_run_opts seed: it draws (maybe under some of its run options only) */
    TS_IMPUTE_READS_PRECISION = 2,  /* its matrix products follow ts_set_precision */
    TS_IMPUTE_READS_SEED_WHOLE = 4, /* the seed where a window is hidden whole (it draws that window) */
};

/* every model struct begins with this. ts_model_train / ts_model_load fill ops,
 * vocab and n_ids (a model's train/load may fill vocab itself; it is then kept);
 * the model sets len. ts_model_free frees vocab, then calls ops->free for the rest. */
struct ts_model {
    const ts_model_ops *ops;
    ts_vocab vocab;            /* copied at training */
    int32_t  n_ids;
    size_t   len;              /* window length trained on (0: any) */
    size_t   piece;            /* len 0: the most hidden events a window should hold when its
                                * imputation costs a pass over the window per hidden event
                                * (fill gives a longer gap in several); 0: any number */
    size_t   window;           /* its training split's window length, the default of the
                                * windows it is run on (0: not recorded, older files) */
    int      permille[3];      /* its time split's parts in thousandths, the default of the
                                * parts it is run on (0: the paper split, or older files) */
    int      paper_split;      /* 1: trained on the paper split, the default split it is run
                                * on; 0: the time split of permille, or not recorded */
    /* the dataset its time split cut (0: not recorded; older files, the paper split): its
     * events, ts_events_hash of its training part, and how many of its first events the
     * model was trained or made choices on (its training and validation parts, a set of
     * windows' to the end of its last validation window; tune-prior's validation part too):
     * a test part on those events is refused (ts_model_held_out_check);
     * its training part's leading events (data_prefixes.step 0: not recorded, older files),
     * which know that dataset cut shorter than its training part */
    size_t   data_events, data_seen;
    uint64_t data_hash;
    ts_events_prefixes data_prefixes;
    unsigned impute_unread;    /* of ops->impute_reads, what this model's configuration leaves
                                * unread (set by its train and load; 0: none) */
};

const ts_model_ops *ts_model_find(const char *name);   /* NULL + error listing the models */
/* what m's imputation reads of a run's shared options (TS_IMPUTE_READS_*): its kind's, but
 * for what its configuration leaves unread */
unsigned ts_model_impute_reads(const ts_model *m);
/* the same for a model of kind ops not yet trained, by the training options it will be
 * trained with (a command's refusal of an unread option then comes before the training) */
unsigned ts_model_ops_impute_reads(const ts_model_ops *ops, const ts_kv *train_kv);
/* the run options o (its run keys, and what the model's impute checks of them, as a
 * --seed a decoding that draws nothing refuses) checked as ts_model_impute checks them,
 * without a window: 0 / -1 + error */
int ts_model_run_check(const ts_model *m, const ts_run_opts *o);
/* the files the run options o name (mdm's --ensemble models) loaded into m as its run
 * loads them, so that one that cannot be read is found before any input: 0 / -1 + error */
int ts_model_run_load(ts_model *m, const ts_run_opts *o);
/* the same for ts_model_generate's checks, without generating: 0 / -1 + error */
int ts_model_generate_check(const ts_model *m, const ts_run_opts *o);
/* 1 when check (ts_model_run_check, ts_model_generate_check) refuses o for its seed alone
 * (o->seed_given, and o without it passes): a seed the decoding draws nothing by; the
 * error is the refusal of o. 0 when o passes or is refused for other options (their error
 * left) */
int ts_model_seed_refused(const ts_model *m, const ts_run_opts *o,
                          int (*check)(const ts_model *m, const ts_run_opts *o));
const ts_model_ops *const *ts_model_list(void);        /* NULL-terminated */
/* the training events m keeps in its file, in its numbering (the n-gram's stream; mdm's
 * n-gram prior's; -1 separates pieces that no window spans): *N of them; NULL with *N 0
 * where it keeps none (unigram, sssd-s4, mdm trained with --prior 0) */
const int32_t *ts_model_train_events(const ts_model *m, size_t *N);
/* how many of the windows x (numbered by `names` as for ts_model_impute_named; an event
 * the model cannot name matches none of its events) occur verbatim, as a contiguous run,
 * in the training events m keeps (ts_audit_overlap), or those any model of its ensemble
 * keeps (ops->ensemble_member: mdm's --ensemble, loaded by a run): *found. 1 where none
 * keeps any (*found 0: nothing to tell), 0, or -1 + error. A score of such windows measures recall of the
 * training data, not imputation of behaviour the model has not seen */
int  ts_model_windows_trained(const ts_model *m, const ts_windows *x, const ts_vocab *names, size_t *found);
/* the same, window by window: hit[i] (x->n of them) set to 1 for each window found, the
 * others left as they are. 1 where no model keeps any, 0, or -1 + error */
int  ts_model_windows_trained_hits(const ts_model *m, const ts_windows *x, const ts_vocab *names, uint8_t *hit);

/* append one JSON object (fmt gives its members, without braces) as a line to
 * the training log (after a last line cut short, on a line of its own); no-op when path
 * is NULL. 0 / -1 */
int  ts_train_log(const char *path, const char *fmt, ...) TS_PRINTF(2, 3);
/* -1 with the error of the first ts_train_log record lost (not written: a full disk, a log
 * that cannot be opened) since the last call, else 0; the next call starts afresh. For a
 * command whose log a model's own work writes without a check of each record (mdm's
 * choices, tune-prior's): looked at before its output is written */
int  ts_train_log_lost(void);
/* while on, ts_train_log writes nothing on the calling thread (the trainer's timing before
 * a --budget run, whose validation would otherwise leave a model's records in the log) */
void ts_train_log_mute(int on);
/* the elapsed_s of the records a model writes into the log (an mdm's choices after train's
 * loop, tune-prior's): seconds on the clock now since t0 on it, as the calling thread last
 * set them (the trainer: its run's first iteration on its --budget clock; tune-prior: its
 * start); 0 where never set */
void   ts_train_log_since(double t0, double (*now)(void));
double ts_train_log_elapsed(void);

/* a model trained or loaded into *out (NULL on failure); free it with ts_model_free */
int  ts_model_train(const char *name, const ts_train_opts *o, ts_model **out);
/* for a model's train that saves while it learns (the shared trainer saves the best
 * model at each validation): fill ops, n_ids and a copy of the vocabulary into its
 * fresh (zeroed) base now. 0 / -1 */
int  ts_model_base_init(ts_model *m, const ts_model_ops *ops, const ts_train_opts *o);
/* container with chunks "MODEL" (name), "VOCAB", "NIDS", "WINDOW" and "SPLIT" (when known), then the
 * model's own */
int  ts_model_save(const ts_model *m, const char *path);
/* a vocabulary as container section TAG (u32 n | i32 unk | n x {i64 count | u32 length |
 * name}), and its reading (an error names the file and the section): names vocab.tsv holds,
 * each once, and in section VOCAB (event names) none a names file cannot hold (one with a
 * blank, or '?') */
void ts_vocab_put(ts_writer *w, const char *tag, const ts_vocab *v);
int  ts_vocab_get(const ts_reader *r, const char *tag, ts_vocab *v);
int  ts_model_load(const char *path, ts_model **out);
/* a model file's HELDOUT section (ts_model's data_events, data_seen, data_hash; a
 * multi-channel model's alike) and HELDPRE (data_prefixes, where its step is not 0): put
 * only where recorded (events and hash not 0); get: all 0 where the file has none (pre:
 * where it has no HELDPRE, a file from before it), -1 + error naming the file where it is
 * corrupt (paper: the model is of the paper split, which has none) */
void ts_held_out_put(ts_writer *w, size_t events, size_t seen, uint64_t hash, const ts_events_prefixes *pre);
int  ts_held_out_get(const ts_reader *r, int paper, size_t *events, size_t *seen, uint64_t *hash,
                     ts_events_prefixes *pre);
/* a container whose MODEL section NAME is another file than a model (a training
 * checkpoint, a constraints file): -1 with an error naming PATH, what it is and what reads
 * it; else 0 */
int  ts_model_other_file_refuse(const char *path, const char *name);
/* impute and generate: *out is allocated (free it with ts_windows_free; empty on failure);
 * windows that would not fit in the memory the process may use are an error */
int  ts_model_impute(ts_model *m, const ts_windows *x, const uint8_t *mask, const ts_run_opts *o,
                     ts_windows *out);
/* impute windows numbered by the vocabulary `names` (the input's vocab.tsv; NULL or
 * n == 0: unnamed). When the model and the input both name their events, observed IDs
 * go to the model's IDs by name and the filled ones come back to the input's, so a model
 * gives the same reconstruction on any numbering of the same events. Observed events
 * whose names the model lacks become its <unk> (counted in *unknown, may be NULL), or
 * are refused when it has none ("window W, position P: 'NAME' ...", the first of them); a fill the input cannot name becomes the
 * input's <unk>, else is refused. Otherwise the input must use the model's numbering. */
int  ts_model_impute_named(ts_model *m, const ts_windows *x, const ts_vocab *names,
                           const uint8_t *mask, const ts_run_opts *o, ts_windows *out,
                           size_t *unknown);
int  ts_model_generate(ts_model *m, size_t n, size_t L, const ts_run_opts *o, ts_windows *out);
/* generation after a prefix: n windows of L events that each begin with the P events of
 * prefix (the model's IDs, 0 < P < L) and go on with the model's draws; the same seed, the
 * same windows. A model that generates left to right (ngram, unigram, lstm: ops
 * generate_after) goes on with its generation's sampler given the prefix, under o as
 * generate takes it (the n-gram's chain from the prefix's last events, the lstm's network
 * run over the prefix, the unigram's independent draws); another with its imputation of
 * events [P, L) given them, under ts_model_sampling_opts(m, o, 1) as generation samples
 * (mdm, the diffusion models). A model with neither way to draw them is refused ("MODEL:
 * option --prefix: ..."), as is a prefix of no event or of L or more, an ID outside
 * [0, n_ids), or (a model of one window length) an L not its own. out allocated (empty on
 * failure). 0 / -1 + error */
int  ts_model_generate_prefix(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L,
                              const ts_run_opts *o, ts_windows *out);
/* its checks of the run options o (ts_model_generate_check of o where the model generates
 * after a prefix; else the refusal of a model whose imputation draws nothing, then
 * ts_model_run_check of the sampling options), made before any work: 0 / -1 + error */
int  ts_model_prefix_check(const ts_model *m, const ts_run_opts *o);
/* the options of a run that draws the events after observed ones (generation after a
 * prefix; impute's --prefix): o with --temperature 1 where the model's imputation takes
 * one and o gives none (it may default to the most likely event), and where gen is set,
 * --order random where it takes an order and o gives none and no --temperature 0 (mdm's
 * generation reveals events in random order). Each of the two is left out on its own
 * where ts_model_run_check refuses the options with it and not without it (the other kept
 * where it is taken). keys, vals: room for o's keys and two more (one where gen is 0),
 * which the result points into (o's as they are where none is added) */
ts_run_opts ts_model_sampling_opts(const ts_model *m, const ts_run_opts *o, int gen, const char **keys,
                                   const char **vals);
/* windows x (numbered by `names`, as for ts_model_impute_named) in the model's numbering:
 * out (allocated). Matched by name when both name their events (names the model lacks
 * become its <unk>: *unknown, may be NULL; an error when it has none), else copied after
 * checking that every ID is the model's. 0 / -1 */
int  ts_model_windows_named(const ts_model *m, const ts_windows *x, const ts_vocab *names, ts_windows *out,
                            size_t *unknown);
/* mean bits per event of the windows x under the model (ops->bits); names as for
 * ts_model_impute_named (events the model cannot name count as its <unk>: *unknown).
 * 0; -1 + error, *bits NaN (when bits is not NULL) */
int  ts_model_bits(ts_model *m, const ts_windows *x, const ts_vocab *names, const ts_run_opts *o,
                   double *bits, size_t *unknown);
void ts_model_free(ts_model *m);

/* --samples N of a run (default 1, at most 1000): a sampling model draws each window
 * N times and every event takes the most frequent draw (ts_vote); 0 / -1 + error */
int     ts_run_samples(const ts_run_opts *o, const char *model, long *samples);
/* the most frequent of v[0], v[stride], ..., v[(n - 1) * stride]; ties: the earliest; -1 when
 * n < 1 (nothing to vote on) */
int32_t ts_vote(const int32_t *v, size_t stride, long n);

#ifdef __cplusplus
}
#endif

#endif
