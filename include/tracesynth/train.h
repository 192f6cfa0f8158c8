/* tracesynth — one training loop for every neural model.
 *
 * A model describes its network with ts_train_net (the parameter block, its
 * gradients, and callbacks for one training step, validation and saving); the
 * trainer does the rest, the same way for all:
 *  - Adam / AdamW with a learning-rate schedule, gradient-norm clipping;
 *  - validation every N iterations; the best parameters are kept and the model
 *    is saved to the output path whenever validation improves;
 *  - optionally (--ema D) an exponential moving average of the parameters, which
 *    is what is validated, kept and saved (the training goes on from the live ones);
 *  - optionally (--patience N) a stop after N validations in a row without a new
 *    best, the best kept;
 *  - a resumable checkpoint OUT.ckpt at every validation (PARAMS, BEST, ADAM_M,
 *    ADAM_V, STATE, LOGACC, RUN, EVENTS: the IDs' count and names, ITERS: the run's
 *    iterations, PATIENCE: --patience and the validations without a new best so far, OPTIM: the rate, schedule, warm-up, weight decay and clip, and EMA_DECAY
 *    and DROPOUT where the run has them, which a resume takes unless given again; OUTSUM:
 *    the checksum of the model file that holds its best, which a divergence's message
 *    names as the best only when the file still has it; and the network's CONFIG so that a resume with another
 *    architecture is refused); a resumed run gives the same bits as an uninterrupted one;
 *  - the progress bar and the JSON-lines log (on resume the log is cut back to
 *    the checkpoint's iteration, so no iteration appears twice);
 *  - a stop on a non-finite loss, gradient or validation loss, leaving the last
 *    good model and checkpoint intact;
 *  - the output, checkpoint and log paths are checked for writing before any
 *    learning; a log record that cannot be written later stops the run;
 *  - the model (with its checkpoint) and the log are held for the run
 *    (ts_path_lock): a second run on either, while it runs, is refused. */
#ifndef TRACESYNTH_TRAIN_H
#define TRACESYNTH_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "model.h"
#include "optim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* what the IDs of one more channel of a network mean (see ts_train_net.n_events) */
typedef struct {
    const char *channel;       /* its name in messages ("comm"); NULL: none */
    const char *tag;           /* the checkpoint's section that keeps them */
    int32_t n;                 /* their count (0: not said) */
    const ts_vocab *vocab;     /* their names (NULL or empty: unnamed) */
} ts_train_ids;

typedef struct {
    const char *name;          /* model name: messages and the checkpoint's MODEL tag */
    void  *ctx;                /* passed to every callback */
    float *params, *grads;     /* (n) one contiguous block each, owned by the model */
    size_t n;
    /* the network's architecture as "key=value" lines: written to the checkpoint,
     * which a resume must match exactly */
    const char *config;
    /* optional: the config an older build wrote for the same model and options, which a
     * resume takes in config's place (the checkpoints it writes hold config) */
    const char *config_older;
    /* gradients of one batch drawn from rng into grads (zeroed by the trainer
     * before the call); *loss = the batch's loss. 0 / -1 + error */
    int  (*step)(void *ctx, ts_rng *rng, float *loss);
    /* optional, for data-parallel training (mpirun): like step, but the gradients of
     * share `part` of `nparts` of the batch only. Every part draws the same whole
     * batch from rng (the RNGs stay equal) and scales its gradients and *loss so
     * that the parts sum to the whole batch's. A model sizes its buffers for one
     * share with ts_train_world() before building the network. */
    int  (*step_part)(void *ctx, ts_rng *rng, int part, int nparts, float *loss);
    /* optional: zero the gradients of parameters that are not trained (the weight
     * decay leaves those as they are too) */
    void (*mask_grads)(void *ctx, float *grads);
    /* validation loss with the current parameters (deterministic); 0 / -1 + error */
    int  (*validate)(void *ctx, double *loss);
    /* write the model (current parameters) to path; 0 / -1 + error */
    int  (*save)(void *ctx, const char *path);
    /* optional, under --budget: the model's work after the loop (choices made on
     * validation windows), planned to take about share_s seconds where it can be
     * made smaller, given one validation's valid_s; called before the first
     * iteration, with the parameters the run starts from; returns the seconds it
     * expects that work to take, timed on ts_train_clock, which the budget keeps for
     * it (< 0: an error set) */
    double (*after)(void *ctx, double share_s, double valid_s);
    /* optional, with `after`: the model's options that give its work after the loop the
     * plan `after` made (e.g. "--valid-windows 121"; "" where the options given do), for
     * a resume, which takes no --budget: the start record names them after the --iters
     * chosen ("resume_with") */
    const char *(*after_options)(void *ctx);
    /* optional: the model's training dropout rate (NULL: it has none), in [0, dropout_max],
     * which its step reads. Checkpoints keep it (section DROPOUT, when above 0); a resume
     * takes the checkpoint's (0 where it has none) unless it was given again
     * (TS_TRAIN_DEFAULT_DROPOUT not set), writing it here before the first step; the
     * resume record names the rate in effect */
    double *dropout;
    double dropout_max;
    /* optional: the validation loss of a network that learned nothing (a noise predictor's
     * mean squared error predicting none: 1; a categorical model's bound of a uniform guess:
     * log2 of its categories, in bits); 0: none. A run whose best validation loss is no
     * lower gets ts_train_note's note */
    double chance;
    /* optional: what the IDs the network reads mean: their count (0: not said) and names
     * (vocab NULL or empty: unnamed). Checkpoints keep them (section EVENTS); a resume from
     * a checkpoint of other events (another count, or another name for an ID) is refused.
     * A checkpoint without the section (before it) is taken as it is */
    int32_t n_events;
    const ts_vocab *vocab;
    /* optional: the same for further channels whose IDs names give their meaning (a
     * multi-channel model's comm and ret), each kept in its section and compared alike
     * on a resume; a checkpoint without a channel's section (before it) is taken */
    ts_train_ids more_ids[2];
    /* optional: the split the run's held-out parts are cut by, as ts_train_split_text
     * writes it (NULL: not said). Checkpoints keep it (section SPLIT); a resume on another
     * split is refused: its held-out parts would hold events the checkpoint's run trained
     * on, and the model would record that split as its own. A checkpoint without the
     * section (before it) is taken as it is */
    const char *split;
} ts_train_net;

typedef struct {
    ts_lr_schedule lr;
    double weight_decay;       /* > 0: AdamW (decoupled) */
    double clip;               /* clip the gradient norm (<= 0: off) */
    long   iters, valid_every, log_every;
    uint64_t seed;             /* the batch RNG starts from seed ^ a constant */
    const char *out_path;      /* NULL: nothing written (no checkpoint either) */
    const char *resume;        /* checkpoint to continue from, or NULL */
    const char *log_path;      /* JSON-lines log, or NULL */
    int    progress;
    /* members (JSON, no braces) of the log's "start" line after "model" */
    const char *start_log;
    /* what "diverged" suggests (NULL: a lower --lr, and --clip or a lower --weight-decay
     * as the options of the run call for) */
    const char *hint;
    /* the optimizer options at the model's defaults, not given by the user
     * (TS_TRAIN_DEFAULT_*, set by ts_train_parse; 0 in a cfg made by hand: all as set):
     * a resume takes those from its checkpoint, so that it goes on as it started */
    unsigned defaulted;
    /* > 0: train for about this many seconds (--budget): the iterations are counted
     * from a few timed ones before the run (then undone) and a validation, and are at
     * most iters, after the time the net's `after` expects to take (given a quarter of
     * the budget, or what iters leave of it where more); the run is then the run of that
     * --iters, which its start record names, with the net's after_options: what a resume
     * is given ("resume_with"). At its log records and validations the run looks at its
     * pace, and where the iterations left would end it past the budget it re-plans: fewer
     * iterations, the rest of the schedule laid over them, a "replan" record in the log
     * naming the new resume_with (the checkpoints keep the re-planned schedule); where
     * they would end it well short of it (a busy while over, or a busy timing), it re-plans to more, at most
     * iters and within the budget. A budget
     * that leaves no time for one iteration is an error before any */
    double budget_s;
    long warmup_default;       /* the default warm-up, cut to 5 % of the iterations chosen
                                * (with TS_TRAIN_DEFAULT_WARMUP) */
    /* > 0: an exponential moving average of the parameters after each Adam step t,
     * with the decay min(ema, (1 + t) / (10 + t)) (early steps weigh more), is what
     * validation sees and what is kept and saved; 0: the parameters themselves */
    double ema;
    /* > 0: stop after this many validations in a row without a new best validation loss
     * (--patience; 0: off), the best model kept as ever; the log's "early_stop" record
     * names where, and its "end" record that iteration. Checkpoints keep it and the count
     * so far (section PATIENCE), which a resume takes unless it is given again: one from
     * before the stop stops where the run did; one from the stop (the run's last) stops
     * there again, without an iteration, unless a larger --patience (or 0) goes on */
    long patience;
} ts_train_cfg;

enum {
    TS_TRAIN_DEFAULT_LR = 1, TS_TRAIN_DEFAULT_SCHEDULE = 2, TS_TRAIN_DEFAULT_WARMUP = 4,
    TS_TRAIN_DEFAULT_WEIGHT_DECAY = 8, TS_TRAIN_DEFAULT_CLIP = 16, TS_TRAIN_DEFAULT_EMA = 32,
    TS_TRAIN_DEFAULT_DROPOUT = 64,   /* the model's --dropout (ts_train_net.dropout) */
    /* --iters not given: a resume takes the iterations of the checkpoint's run (section
     * ITERS), those a re-planned --budget run re-planned to (for which any other count is
     * refused: its schedule is laid over those) */
    TS_TRAIN_DEFAULT_ITERS = 128,
    TS_TRAIN_DEFAULT_PATIENCE = 256,   /* --patience not given: a resume takes the checkpoint's */
};

/* a model's defaults for the common options */
typedef struct {
    double lr;
    long iters, valid_every;
    ts_lr_kind schedule;
    long warmup;               /* with a schedule other than constant; at most iters / 20 */
    double ema;                /* --ema (0: off) */
} ts_train_defaults;

/* the common options, parsed from kv into cfg (lr, schedule, warmup, weight-decay,
 * clip, ema, iters, valid-every, log-every, budget, patience) with the model's defaults; the rest of cfg
 * (paths, seed, ...) is left as it was. 0 / -1 + error */
int ts_train_parse(ts_train_cfg *cfg, const ts_kv *kv, const ts_train_defaults *def);
/* a --budget's duration (90s, 45m, 1.5h; plain: minutes) in seconds. 0 / -1 (not a
 * duration) / -2 (more than 366 days) / -3 (less than a millisecond) */
int ts_train_budget_parse(const char *s, double *seconds);
/* the option names ts_train_parse reads, NULL-terminated: a model that trains with the
 * loop (its training options name valid-every) takes each of them (ts_kv_check) */
extern const char *const ts_train_keys[];
/* the help lines of those options (--ema's apart, for a model that lists its own) */
#define TS_TRAIN_HELP_EMA \
    "  --ema D               validate, keep and save an exponential moving average\n" \
    "                        of the weights, decay D in [0, 1) (e.g. 0.999; warmed\n" \
    "                        up: min(D, (1 + t) / (10 + t)) at step t; 0: off)\n"
/* --patience's (for a model whose --valid-every line is its own) */
#define TS_TRAIN_HELP_PATIENCE \
    "  --patience N          stop early after N validations in a row without a new\n" \
    "                        best validation loss (0: off, the default; the best\n" \
    "                        model is kept, the log's \"early_stop\" record names\n" \
    "                        where; a --resume takes it unless given again)\n"
#define TS_TRAIN_HELP \
    "  --lr X                Adam learning rate\n" \
    "  --schedule S          constant, warmup or cosine; --warmup N steps\n" \
    "  --weight-decay X      AdamW decoupled weight decay (0)\n" \
    "  --clip X              clip the gradient norm at X (0: off)\n" \
    TS_TRAIN_HELP_EMA \
    "  --iters N             training iterations\n" \
    "  --budget T            train for about T (90s, 45m, 1.5h; plain: minutes; at\n" \
    "                        most 366 days): the iterations that fit, timed before\n" \
    "                        the run, at most --iters when given, after the time kept\n" \
    "                        for the model's work after its last iteration (at most a\n" \
    "                        quarter of T, or what --iters leaves of it, where that\n" \
    "                        work can be made smaller); the log's start record names\n" \
    "                        both, and in resume_with the options a --resume of the\n" \
    "                        run takes instead (--iters N; mdm: --valid-windows W\n" \
    "                        where fewer); one that leaves no time for one iteration\n" \
    "                        is refused. A run that gets slower re-plans at its\n" \
    "                        log records and validations: fewer iterations, the\n" \
    "                        rest of the schedule laid over them, and a \"replan\"\n" \
    "                        record in the log with the new resume_with (a --resume\n" \
    "                        of it takes those iterations without --iters, and\n" \
    "                        refuses others); one that gets faster (again, or than\n" \
    "                        it was timed) re-plans to more, within T and --iters\n" \
    "  --valid-every N       validation every N iterations; the best model goes to\n" \
    "                        the output file, a resumable checkpoint to OUTPUT.ckpt\n" \
    "                        (use with --resume)\n" \
    TS_TRAIN_HELP_PATIENCE \
    "  --log-every N         a training-log line every N iterations (10)\n"

/* runs the loop; on success the network holds the best parameters (those of the
 * last iteration when no validation happened). 0 / -1 + error */
int ts_train_run(const ts_train_net *net, const ts_train_cfg *cfg);

/* what a single-channel model's training options give its run of the loop: cfg's seed,
 * output, resume, log and progress from o, and the start record's members start (the
 * multi-channel models' is ts_mc_train_cfg) */
void ts_train_cfg_take(ts_train_cfg *cfg, const ts_train_opts *o, const char *start);

/* after a ts_train_run that returned 0, on this thread: when its last validation loss is
 * far above its best (more than 100 times it; the best is what was kept and saved; a loss
 * that is no number ends the run as diverged), or its best is no lower than the net's chance loss (it learned nothing), a
 * one-line note into buf (n bytes) naming them with their iterations and suggesting a lower
 * learning rate, and 1; else 0 (and buf ""). A run that failed, or made no validation,
 * leaves no note. */
int ts_train_note(char *buf, size_t n);

/* after a ts_train_run on this thread that resumed without --iters (TS_TRAIN_DEFAULT_ITERS)
 * from a checkpoint holding no count of its run's iterations (section ITERS; one written
 * before it) where no start or resume record of its run in the log (cfg's log_path) names
 * one either: a one-line note into buf (n bytes) naming the checkpoint, the count the resume
 * went on to (the model's default) and the --iters that gives another, and 1; else 0 (and
 * buf ""). Set once the count is taken, whether the run then succeeds or not */
int ts_train_resume_note(char *buf, size_t n);

/* a split as ts_train_net's split names it, into buf (n bytes): "paper", or "time A,B,C"
 * with the time split's parts as --fractions gives them (permille: thousandths). NULL (buf
 * untouched) where neither is known (paper 0, permille[0] 0) */
const char *ts_train_split_text(char *buf, size_t n, int paper, const int permille[3]);

/* a model loader's check of the MODEL section `tag` of path: a training checkpoint's
 * is -1 with an error saying so (and what takes it), anything else 0 */
int ts_train_ckpt_refuse(const char *path, const char *tag);

/* inside a validate callback: the iteration validated, for the model's own log
 * records of that validation to name as "iter" (a resume cuts the log back by it);
 * -1 elsewhere */
long ts_train_valid_iter(void);

/* one training iteration, exactly as ts_train_run makes it: zero the gradients,
 * the step (under MPI: this process's share, gradients and loss summed over the
 * processes with MPI_Allreduce), mask_grads, clipping at clip, Adam at lr. *gnorm
 * gets the norm before clipping. 0 / -1 + error */
int ts_train_iter(const ts_train_net *net, ts_adam *adam, ts_rng *rng, double lr, double clip, float *loss,
                  double *gnorm);

/* `bench model`: when a hook is set, ts_train_run builds everything as for training
 * (Adam, the batch RNG) and then calls hook instead of the loop; its return value is
 * ts_train_run's. NULL removes it. */
typedef int (*ts_train_hook)(const ts_train_net *net, const ts_train_cfg *cfg, ts_adam *adam, ts_rng *rng,
                             void *ud);
void ts_train_set_hook(ts_train_hook hook, void *ud);

/* the clock a --budget is timed on, in seconds (its planning and its looks at the pace
 * in the loop), and the log records' elapsed_s: now(ud), or the monotonic clock (ts_now)
 * where now is NULL. A caller's clock makes the pace what it says (tests) */
void ts_train_set_clock(double (*now)(void *ud), void *ud);
/* that clock's reading now, in seconds: what a model's own timing for a --budget plan
 * (ts_train_net.after) reads, so that a caller's clock times it too */
double ts_train_clock(void);

/* after a ts_train_run on this thread: how many times its --budget re-planned the run
 * (0: never, or no budget), with the iterations planned before the first re-plan and
 * those after the last (either pointer may be NULL) */
int ts_train_replans(long *planned, long *iters);
/* and what a --resume of it is then given, as its last "replan" record's resume_with
 * names it: --iters N and the options of the model's work after the loop ("" where it
 * did not re-plan) */
const char *ts_train_replan_with(void);
/* after a ts_train_run on this thread that returned 0: 1 when --patience stopped it early
 * (or a resume found its checkpoint's run stopped), with the iteration it stopped at, its
 * best validation's iteration and the patience (any pointer may be NULL); else 0 */
int ts_train_stopped(long *iter, long *best_iter, long *patience);

/* ---- data-parallel training over MPI (built with MPI=1; see docs/results-speed.md) ----
 * ts_train_mpi_init starts MPI when the process was launched by mpirun (Open MPI,
 * or a PMI launcher) and the library was built with MPI; otherwise it does nothing.
 * Under R > 1 processes ts_train_run splits each batch across them (the model needs
 * step_part), averages the gradients with MPI_Allreduce, and only rank 0 writes the
 * model, checkpoint, log and progress. A checkpoint resumes under any rank count. */
int  ts_train_mpi_init(void);
void ts_train_world(int *rank, int *size);   /* 0, 1 without MPI */
/* 1 when ok on every process (a collective call: every rank makes it); a rank that was ok
 * where another was not gets an error naming `name` and rank 0 */
int  ts_train_agree(int ok, const char *name);

/* cut a JSON-lines log back to iteration iter of run `run` (the id its start and
 * resume records name, "run":"%016x"): of that run's records, every one whose "iter"
 * member is above iter goes, and every one after iter's validation record (written just
 * before the checkpoint of iter), with an iteration or not; other runs' records stay.
 * run 0 (a checkpoint from before runs were named): the records after a start or resume
 * record that names no run are the run's, and those after the resume record of a named
 * run no start record began (its checkpoint resumed before); in a log without either,
 * every record. Atomically rewritten; a missing log is not an error. 0 / -1 */
int ts_train_log_truncate(const char *path, long iter, uint64_t run);

#ifdef __cplusplus
}
#endif

#endif
