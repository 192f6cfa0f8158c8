/* tracesynth — the network of the "mdm" model (src/models/mdm.c), exposed for
 * gradient checks and benchmarks:
 *   ids (B, L) in [0, V] (V = MASK) -> embedding (V+1, C) -> layers x
 *   [bidirectional S4 layer, feed-forward C -> F (a convolution over K events) -> C
 *   (position-wise) with GELU,
 *   residual, LayerNorm] -> linear head -> logits (B, L, V). */
#ifndef TRACESYNTH_MDM_H
#define TRACESYNTH_MDM_H

#include <stddef.h>
#include <stdint.h>
#include "data.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ts_mdm_net ts_mdm_net;

/* a network with parameters drawn from seed; NULL + error on bad sizes */
ts_mdm_net *ts_mdm_net_new(int layers, int C, int N, int F, int K, int V, uint64_t seed);
/* the same with the transformer backbone (transformer = 1: heads heads, N and K
 * unused but checked) */
ts_mdm_net *ts_mdm_net_new_backbone(int transformer, int heads, int layers, int C, int N, int F, int K, int V,
                                    uint64_t seed);
void   ts_mdm_net_free(ts_mdm_net *n);
size_t ts_mdm_net_size(const ts_mdm_net *n);
float *ts_mdm_net_params(ts_mdm_net *n);
float *ts_mdm_net_grads(ts_mdm_net *n);
/* *loss = sum over positions with tgt >= 0 of w * -log p(tgt | ids) divided by
 * their count (w = 1 when weights is NULL); with want_grad, the gradients of
 * that loss are ADDED to the gradient block. 0 / -1 + error */
int ts_mdm_net_loss(ts_mdm_net *n, const int32_t *ids, const int32_t *tgt, const float *weights, int B, int L,
                    int want_grad, double *loss);
/* the loss's network with training's dropout of the feed-forward hidden units (S4
 * backbone): probability p in [0, 0.9], the mask a function of seed (0: none). 0 / -1 */
int ts_mdm_net_set_dropout(ts_mdm_net *n, double p, uint64_t seed);

/* mdm with the n-gram prior: choose the prior's weights again (one per blackout size,
 * the gated weights per evidence cell and where a run takes the n-gram's filler
 * outright, src/models/mdm.c) on `windows` validation
 * windows per position (centre, end) of valid, as training does after its last
 * iteration; the model keeps them (ts_model_save writes them). rows (may be NULL):
 * per blackout-size bucket (1, 5, 10, 20, 40) k (0: not measured), the constant
 * weight chosen and the replayed validation accuracies (%) of the network alone,
 * the n-gram's most frequent filler, the constant and the gate; the in-window
 * context chosen (0: none) and the accuracy with it; then the decoding that impute
 * uses without --steps, per position, chosen by imputing the same windows both ways
 * (the whole blackout from one evaluation, or one event per evaluation). progress:
 * one bar over the choice. 0, or -1 + error (not mdm, no prior, no windows) */
typedef struct {
    int k;
    double constant, pure_acc, ngram_acc, constant_acc, gated_acc;
    int window;
    double window_acc;
    /* the decoding chosen per position, [0] centre (both sides seen), [1] end (one
     * side; impute's default without --steps): hidden events per network evaluation
     * (0: all in one), and the validation accuracies of the two decodings imputed as
     * impute does on decoding_windows windows per position (0: one hidden event, not
     * measured) */
    int per_step[2];
    double one_step_acc[2], per_event_acc[2];
    size_t decoding_windows;
} ts_mdm_tune_row;
int ts_mdm_tune_prior(ts_model *m, const ts_windows *valid, size_t windows, uint64_t seed, const char *log_path,
                      ts_mdm_tune_row rows[5], int progress);
/* mdm trained with TS_TRAIN_LEAVE_DECODING: impute's decoding (the whole blackout from
 * one network evaluation, or one per hidden event) chosen for the blackouts it will
 * fill alone (need: hidden events, and whether the window holds events on one side of
 * them only), as training chooses it for every size: per blackout-size bucket and sides
 * the need falls in, by imputing both ways, with the model's weights, the validation
 * windows valid (the training's, at most as many as its choices were made on), one per
 * event where it fills at least 1 in 2,000 more of their hidden events (and one); a
 * bucket and sides not needed fill one event per evaluation, as a file without the
 * choice does. A model that is not mdm, has no prior or made the choice is left as it
 * is. 0, or -1 + error */
typedef struct ts_mdm_blackout {
    size_t k;
    int one_side;
} ts_mdm_blackout;
int ts_mdm_choose_decoding(ts_model *m, const ts_windows *valid, const ts_mdm_blackout *need, size_t nneed,
                           uint64_t seed, int progress);

/* the seconds the last choice on this thread (ts_mdm_tune_prior, or train's after its loop)
 * took for each part: [0] the prior's weights, [1] impute's decoding, [2] the chain
 * likelihood's mixture (0 for a part it did not reach) */
void ts_mdm_tune_times(double s[3]);

/* the chain-rule likelihood's mixture with the n-gram that ts_mdm_tune_prior chose
 * (score --likelihood chain): the --ngram-mix text ("switch:A", "linear:W") into
 * buf, the Kneser-Ney order, and the validation bits per event of the network
 * alone, the n-gram alone and the mixture (valid[3]: NaN when loaded from a file).
 * 0, or -1 when the model has none */
int ts_mdm_chain_mixture(const ts_model *m, char *buf, size_t n, int *order, double valid[3]);

/* mdm: from now on, infilling with m (impute, generate, tune-prior) averages the
 * log-probabilities of m's network and of other's, and of those added before (at
 * most TS_MDM_ENSEMBLE_MAX others; each an mdm model whose events are matched to
 * m's by name: a name it lacks reads as its <unk>); the n-gram prior stays m's. m
 * owns other from then on (freed on failure too, but where other is m itself, a
 * network m's ensemble holds, or one whose ensemble holds m: refused and left as it
 * is); other = NULL: m alone again. Not saved with m. 0, or -1 + error naming
 * `what` (not mdm, too many, held already, or the vocabularies cannot be matched) */
#define TS_MDM_ENSEMBLE_MAX 8
int ts_mdm_set_ensemble(ts_model *m, ts_model *other, const char *what);

/* mdm: adds the networks of the model files in `list` (comma-separated) to m's
 * ensemble, as ts_mdm_set_ensemble each; 0, or -1 + error naming the file (and
 * none of the list added). impute and generate's --ensemble LIST replace the
 * ensemble with LIST's (once per model: the same LIST again keeps it) */
int ts_mdm_load_ensemble(ts_model *m, const char *list);
/* whether every file of such a list loads as a model, for a command that trains the mdm the
 * list will join later (fill): 0, or -1 + error naming the file or the empty name */
int ts_mdm_ensemble_readable(const char *list);

#ifdef __cplusplus
}
#endif

#endif
