/* tracesynth — the internals of the "mdm" model (src/models/mdm.c) that the
 * multi-channel mdm (src/models/mdm_mc.c) builds on: the configuration, the
 * parameter layout, the activations of one (B, L), the network's forward and
 * backward, the cross-entropy and the masking draw. Only those two files include it.
 * The functions keep mdm.c's names there; the linker sees them prefixed ts__mdm_. */
#ifndef TRACESYNTH_MDM_INTERNAL_H
#define TRACESYNTH_MDM_INTERNAL_H

#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/mdm.h"
#include "tracesynth/model.h"
#include "tracesynth/s4.h"
#include "tracesynth/train.h"

#define alloc_params ts__mdm_alloc_params
#define init_params  ts__mdm_init_params
#define plan_init    ts__mdm_plan_init
#define plan_free    ts__mdm_plan_free
#define net_forward  ts__mdm_net_forward
#define net_backward ts__mdm_net_backward
#define xent         ts__mdm_xent
#define hide         ts__mdm_hide
#define parse_opts   ts__mdm_parse_opts
#define config_text  ts__mdm_config_text
#define model_free   ts__mdm_model_free
#define model_save   ts__mdm_model_save
#define model_load   ts__mdm_model_load
#define chain_chunk_rows ts__mdm_chain_chunk_rows
#define check_size   ts__mdm_check_size

typedef struct {
    int layers, C, N, F;      /* blocks, channels, S4 state, feed-forward width */
    int V;                    /* event IDs; V is the MASK token */
    int ctx;                  /* training crop length */
    int K;                    /* kernel of the feed-forward's first convolution (odd) */
    int backbone;             /* BACKBONE_S4 or BACKBONE_TRANSFORMER */
    int heads;                /* attention heads (transformer) */
} mdm_config;

enum { BACKBONE_S4 = 0, BACKBONE_TRANSFORMER = 1 };

typedef struct {
    size_t emb, blk0, blk_size;
    size_t s4, f1w, f1b, f2w, f2b, lg, lb;   /* inside a block */
    size_t hw, hb;
    size_t fg, fb;            /* transformer: the final LayerNorm */
    size_t total;
    size_t s4n;
} mdm_layout;

typedef struct {
    ts_model base;
    mdm_config c;
    mdm_layout p;
    float *params, *grads;
    ts_model *prior;          /* n-gram index over the training stream, or NULL */
    double prior_weight;
    int prior_order;
    int has_kw;               /* prior weights per blackout size (kw_keys) chosen */
    double kw[5];
    /* the gated prior: a weight per (blackout-size bucket, match-order class,
     * agreement class), MDM_GATE_N = 5 x 3 x 4 (mdm.c: gate_cell); has_gate: chosen */
    int has_gate;
    double gate[60];
    /* and per (blackout-size bucket, match-order class, agreement class of the
     * n-gram's most frequent filler): 1 = the run takes that filler outright */
    int has_copy;
    double copy[60];
    /* per blackout-size bucket: the shortest context C on each side with which a
     * run takes a filler from its own window's visible events, where they match
     * longer than the n-gram's stream (ts_window_over_stream; 0: never); has_win: chosen */
    int has_win;
    double win[5];
    /* per (blackout sides, blackout-size bucket): the decoding chosen on validation
     * windows, as hidden events revealed per network evaluation (0: all in one
     * evaluation, the decoding the weights are chosen for; 1: one per evaluation);
     * steps[0..4] for blackouts with events on both sides (centre), steps[5..9] with
     * one side (end, start); has_steps: chosen (impute's default when --steps is not
     * given; without it one per evaluation) */
    int has_steps;
    double steps[10];
    /* ensemble members (ts_mdm_set_ensemble; not saved): infilling averages the
     * networks' log-probabilities, this one's and n_ens others'; ens_map[e] (V + 1):
     * this model's IDs and MASK in member e's numbering (by name; names it lacks: its <unk>) */
    int n_ens;
    char *ens_list;           /* the --ensemble list loaded (ensemble_opt: not loaded again) */
    ts_model *ens[TS_MDM_ENSEMBLE_MAX];
    int32_t *ens_map[TS_MDM_ENSEMBLE_MAX];
    /* the chain-rule likelihood's mixture with the prior stream's Kneser-Ney model:
     * the n-gram's share and the Kneser-Ney order (has_chain: chosen on validation
     * windows by tune_prior); kn: built from the prior's stream when first needed */
    int has_chain;
    int chain_kind;           /* CHAIN_LINEAR or CHAIN_SWITCH (mdm.c: mix_bits) */
    double chain_w;
    int chain_order;
    double chain_valid[3];    /* validation bits: network, n-gram, mixture (not saved) */
    struct ts_kn *kn;
} mdm_model;

#define MDM_GATE_N 60

enum { CHAIN_LINEAR = 0, CHAIN_SWITCH = 1 };

typedef struct {
    int B, L;
    ts_s4 s4;
    size_t s4act;             /* floats of one layer's S4 activations */
    float *h;                 /* (layers+1, B, C, L) block inputs, then the output */
    float *act;               /* (layers, s4act) */
    float *u;                 /* (layers, B, C, L) S4 outputs */
    float *f1, *g1;           /* (layers, B, F, L) feed-forward before / after GELU */
    float *r;                 /* (layers, B, C, L) before the block's LayerNorm */
    float *mean, *rstd;       /* (layers, B, L) */
    float *hT;                /* (B L, C) */
    float *logits;            /* (B L, V) */
    float *dlogits;           /* (B L, V) */
    int32_t *ids;             /* (B L) */
    float *dh, *du, *dr, *df, *dfp, *dhT;   /* backward temporaries */
    float *scratch;
    float *rope;              /* transformer: (L, C / heads) rotary table */
    float *kcache;            /* (layers, kcache_floats) S4 kernels for fixed parameters, or NULL */
    size_t kcache_floats;
    void *mem;
    /* set by a caller that writes the blocks' input rows (B L, C) itself: at pl->hT
     * (S4) or pl->h (transformer); the gradient of that input is then left in
     * pl->dhT (S4) or pl->dh (transformer) */
    int embedded;
    /* set by a caller that applies the head itself: net_forward stops at pl->hT */
    int trunk_only;
    /* set by an inference caller whose results must not depend on the batch: the
     * row-wise products (B L rows) run one row of the batch (L rows) at a time, so
     * every row's bits are those of a batch of one (a BLAS kernel rounds a row by
     * its place in its register tile). Forward only: the transformer's activations
     * are then scratch. */
    int seq_rows;
    /* training: each feed-forward hidden unit dropped with probability dropout (kept
     * ones scaled by 1 / (1 - dropout)) by a hash of drop_seed, the block and its
     * place, so that any thread count drops the same; 0: none (inference) */
    double dropout;
    uint64_t drop_seed;
} plan;

typedef struct {
    mdm_config c;
    long batch, valid_n, span_max, prior, prior_order;
    long valid_windows;       /* validation windows per position for the choices after training */
    double span_frac;
    double dropout;           /* training's feed-forward dropout (S4 backbone) */
    ts_train_cfg tc;
} mdm_opts;

/* score --likelihood chain: events scored per chunk of windows (2^20; tests lower it) */
extern size_t chain_chunk_rows;

/* the parameter blocks for m->c (layout in m->p); drawn from seed. 0 / -1 */
void alloc_params(mdm_model *m);
/* before alloc_params at training: a vocabulary of V values (IDs, or the channels'
 * values) the loader takes (at most MDM_MAX_VOCAB) and a network whose checkpoint
 * (4 float copies of the parameters) fits a container file. 0, or -1 + one line naming
 * who (the model) and what: a dataset without vocab.tsv numbers its events by their
 * IDs, and one huge ID would otherwise size the embedding and the head */
#define MDM_MAX_VOCAB (1 << 24)
int  check_size(const char *who, const mdm_config *c, long V);
int  init_params(mdm_model *m, uint64_t seed);
/* activations for B rows of L events (train: with the backward's) */
int  plan_init(plan *pl, const mdm_model *m, int B, int L, int train);
void plan_free(plan *pl);
/* logits (B L, V) from pl->ids (or from the input rows when pl->embedded) */
void net_forward(const mdm_model *m, plan *pl);
/* grads += from pl->dlogits */
void net_backward(const mdm_model *m, plan *pl);
/* sum over rows with tgt >= 0 of w_row * -log softmax(logits)[tgt]; dlogits (if
 * not NULL) = scale * w_row * (softmax - onehot) on those rows, 0 elsewhere */
double xent(const float *logits, const int32_t *tgt, const float *w, size_t N, int V, float *dlogits, double scale);
/* hide positions [a, a+len) of hb (1 = hidden) each with probability t, at least one */
void hide(uint8_t *hb, int a, int len, double t, ts_rng *r);
/* mdm's training options for windows of L events */
int  parse_opts(const char *who, const ts_kv *kv, size_t L, mdm_opts *so);   /* who: the model named in errors */
/* the CONFIG text of the network */
void config_text(const mdm_model *m, char *buf, size_t n);
/* the model's own sections (CONFIG, PARAMS, PRIOR) and their reading; the free */
int  model_save(const ts_model *base, ts_writer *w);
int  model_load(ts_model **out, const ts_reader *r);
void model_free(ts_model *base);

#endif
