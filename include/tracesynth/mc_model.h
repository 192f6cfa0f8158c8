/* tracesynth — models of multi-channel traces (docs/design-channels.md).
 *
 * A multi-channel model learns from an encoded trace (ts_mc, channels.h) and fills
 * windows of it: n windows of L events are a ts_mc of n L events (window w is events
 * [w L, (w + 1) L) of every channel), so a model's input and output are the dataset
 * format itself. Generation is imputation with every value hidden; conditioning on a
 * prefix is imputation with a mask that observes the first p events of every channel.
 *
 * A model file is the container (container.h) with the chunks MODEL (the name), VOCAB
 * (the event names), COMMVOC and RETVOC (the comm and ret vocabularies), CHANNELS (the
 * channels modelled, how dt is modelled, each channel's number of values), then the
 * model's own. The single-channel models (model.h) are untouched.
 *
 * A NULL argument the comments below do not allow is refused with -1 (NULL) and the error
 * "FUNCTION: ARGUMENT is NULL", an output given emptied first; run options o may be NULL
 * (the defaults). */
#ifndef TRACESYNTH_MC_MODEL_H
#define TRACESYNTH_MC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "channels.h"
#include "container.h"
#include "model.h"
#include "train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* how a model handles dt */
enum { TS_DT_NONE = 0, TS_DT_BINS = 1, TS_DT_REAL = 2 };
extern const char *const ts_dt_mode_names[];   /* "none", "bins", "real", NULL */

typedef struct {
    const ts_mc *data;         /* the whole encoded trace */
    size_t n_train, n_valid;   /* the time split: events [0, n_train) train, the next n_valid validate
                                * (at least a training crop: a shorter part is refused) */
    size_t len;                /* window length asked for (crops are at most this long) */
    uint64_t seed;
    const char *out_path;      /* where the model is saved (the trainer saves while learning) */
    const char *resume;        /* checkpoint to resume from, or NULL */
    const char *log_path;      /* JSON-lines training log, or NULL */
    int progress;
    ts_kv kv;                  /* model-specific options */
    size_t window;             /* data is windows of this many events, one after the other (a set
                                * ts_mc_save_windows wrote, ts_mc_window_length): no crop, of
                                * training or validation, crosses them, and a crop longer than one
                                * is refused; 0: one sequence */
    int permille[3];           /* the time split's parts n_train and n_valid were cut by, which
                                * the model records (0: not recorded) */
    const char *arch;          /* the data's architecture (the system call table naming its
                                * events, a name ts_arch_parse takes), which the model records
                                * and its generated windows keep; NULL: not known */
} ts_mc_train_opts;

typedef struct ts_mc_model ts_mc_model;

typedef struct {
    const char *name, *summary, *help;
    unsigned channels;         /* the channels the model can model (bit 1 << TS_CH_x) */
    /* the model fills its base's has, dt_mode and card; the driver the vocabularies */
    int  (*train)(ts_mc_model **out, const ts_mc_train_opts *o);
    int  (*save)(const ts_mc_model *m, ts_writer *w);
    /* untrusted file: base holds what the driver read and checked (CHANNELS and the
     * vocabularies); the driver copies it into the model afterwards */
    int  (*load)(ts_mc_model **out, const ts_reader *r, const ts_mc_model *base);
    /* y: n windows of L events (y->n = n L) holding every channel of m->has in the model's
     * numbering; mask[c] (y->n), 1 = observed, NULL: channel c all hidden. Fill the hidden
     * values in place. */
    int  (*impute)(ts_mc_model *m, ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH], const ts_run_opts *o);
    void (*free)(ts_mc_model *m);
    const char *const *train_keys;   /* NULL-terminated, checked by the driver */
    const char *const *run_keys;
} ts_mc_model_ops;

/* every multi-channel model struct begins with this */
struct ts_mc_model {
    const ts_mc_model_ops *ops;
    unsigned has;              /* the channels modelled (bits; event always) */
    int dt_mode;               /* TS_DT_* (TS_DT_NONE when dt is not modelled) */
    int32_t card[TS_NCH];      /* values of each categorical channel (0: dt or absent) */
    ts_vocab event_vocab, comm_vocab, ret_vocab;
    size_t len;                /* window length trained on (0: any) */
    int permille[3];           /* its time split's parts in thousandths, the default of the
                                * parts it is run on (0: not recorded, older files) */
    uint8_t *event_kinds;      /* (event_vocab.n) what the events of each name are in the data
                                * it learned from (ts_mc_event_kinds); NULL: every one a
                                * system call (data without exit.npy, older files) */
    char arch[16];             /* the architecture of the data it learned from, as ts_arch_name
                                * spells it; "": not known (older files) */
    /* the dataset its time split cut, as a single-channel model records it (ts_model's
     * data_*: its events, ts_events_hash of its training part's events, the first events
     * trained or chosen on; 0: not recorded, older files): ts_mc_model_held_out_check */
    size_t   data_events, data_seen;
    uint64_t data_hash;
    ts_events_prefixes data_prefixes;
};

const ts_mc_model_ops *const *ts_mc_model_list(void);   /* NULL-terminated */
/* NULL + error listing the multi-channel models (quiet: NULL without an error; a NULL
 * name is an error either way) */
const ts_mc_model_ops *ts_mc_model_find(const char *name, int quiet);

int  ts_mc_model_train(const char *name, const ts_mc_train_opts *o, ts_mc_model **out);
int  ts_mc_model_save(const ts_mc_model *m, const char *path);
/* 1 when path is a multi-channel model file, 0 when it is another model file, -1 + error
 * when it cannot be read */
int  ts_mc_model_is(const char *path);
int  ts_mc_model_load(const char *path, ts_mc_model **out);
/* impute the windows of x (n L events, windows of L): x must hold every channel the model
 * has (an error names the channel); its named channels are matched to the model's by name
 * (an observed value the model cannot name becomes its <unk>, or is an error when it has
 * none; *unknown, may be NULL: the observed events with such a value; hidden values are not
 * read); channels the model lacks are left out of out. out: x's windows in the model's numbering, hidden values
 * filled, observed ones as given, without x's event times where a value was drawn (they are
 * not the drawn events'). mask as for ops->impute. */
int  ts_mc_model_impute(ts_mc_model *m, const ts_mc *x, size_t L, const uint8_t *const mask[TS_NCH],
                        const ts_run_opts *o, ts_mc *out, size_t *unknown);
/* n windows of L events, every value drawn */
int  ts_mc_model_generate(ts_mc_model *m, size_t n, size_t L, const ts_run_opts *o, ts_mc *out);
void ts_mc_model_free(ts_mc_model *m);

/* the name of such a model: the event model's, then this ("ngram events + drawn channels");
 * its errors of options begin with it, as a model's do with the model's name */
#define TS_MC_EVENTS_NAME_TAIL " events + drawn channels"

/* A single-channel model as the event channel of a multi-channel model (not a file: made
 * at run time): it handles the channels train has; the event model draws the events (in
 * crops of `crop` events, each next half a crop imputed after the events before it, when
 * windows are longer; 0: one pass), its IDs go to train's event IDs by name (every name it
 * has must be one of train's: an error naming the first that is not), and the other
 * channels are drawn for them from the first n_train events of train (ts_mc_drawer,
 * `given` TS_DRAW_*). It owns ev on success; what names train in errors. Generation samples
 * the events (temperature 1 unless o gives one). Imputation: the hidden events by the event
 * model's imputation with o as given (its defaults: what ts_model_impute gives for the same
 * windows, mask and seed), every hidden value of the other channels drawn given the events. */
int  ts_mc_model_events(ts_model *ev, const ts_mc *train, size_t n_train, int given, size_t crop, const char *what,
                        ts_mc_model **out);
/* the same with train as windows of len events (0: one sequence; a set of windows,
 * ts_mc_window_length): the channels are drawn from pairs within its windows
 * (ts_mc_drawer_new_windows) */
int  ts_mc_model_events_windows(ts_model *ev, const ts_mc *train, size_t n_train, size_t len, int given, size_t crop,
                                const char *what, ts_mc_model **out);
/* o with temperature 1 when the event model ev takes a temperature and o gives none
 * (its imputation may default to the most likely event; a generator samples); keys,
 * vals: room for o's keys and one more, which the result points into */
ts_run_opts ts_mc_sampling_opts(const ts_model *ev, const ts_run_opts *o, const char **keys, const char **vals);

/* a model's training settings tc (its parsed schedule) completed from o: seed, output,
 * checkpoint to resume, log, progress; start: the log's first line's fields */
void ts_mc_train_cfg(ts_train_cfg *tc, const ts_mc_train_opts *o, const char *start);
/* what net's IDs mean, for its checkpoints: the events of o's data, and its comm and ret
 * IDs where the model has those channels (has: its channel bits) */
void ts_mc_train_ids(ts_train_net *net, unsigned has, const ts_mc_train_opts *o);

/* for a model's train that saves while it learns: fill the base's vocabularies from the
 * training data now (the driver does it again only when they are still empty). 0 / -1 */
int  ts_mc_model_base_init(ts_mc_model *m, const ts_mc *data);
/* what the base records of o's training, the split's parts, the dataset they cut (its
 * data_*, where n_train is the training part of permille) and the data's architecture: set
 * by the driver after the train, and by a train that saves while it learns before its first
 * save (a run cut short leaves that file) */
void ts_mc_model_base_record(ts_mc_model *m, const ts_mc_train_opts *o);

#ifdef __cplusplus
}
#endif

#endif
