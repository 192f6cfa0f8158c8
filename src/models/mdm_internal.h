/* tracesynth — the internals of the "mdm" model (src/models/mdm.c: the network, its
 * options, file and training; mdm_infill.c: infilling; mdm_tune.c: the choices made on
 * validation windows; mdm_chain.c: the chain-rule likelihood) and what the multi-channel
 * mdm (src/models/mdm_mc.c) builds on: the configuration, the parameter layout, the
 * activations of one (B, L), the network's forward and backward, the cross-entropy and
 * the masking draw. Only those files include it. The functions keep their short names
 * there; the linker sees them prefixed ts__mdm_. */
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
#define plan_init_trunk ts__mdm_plan_init_trunk
#define head_rows    ts__mdm_head_rows
#define head_blocks_init ts__mdm_head_blocks_init
#define head_blocks_free ts__mdm_head_blocks_free
#define head_blocks_count ts__mdm_head_blocks_count
#define head_block_span ts__mdm_head_block_span
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
#define seen_set     ts__mdm_seen_set

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
    /* seen[v] (V): 1 = ID v occurs in the training part; no run draws an ID it never
     * held (a network still gives such IDs weight). From the prior's stream, else the
     * file's SEEN section; NULL (files from before it without a prior): all drawn */
    uint8_t *seen;
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
    size_t dec_windows;       /* validation windows per position its choices were made on
                                 (ts_mdm_choose_decoding's, after training; not saved) */
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
    int32_t *ids;             /* (B L), cut from the block as the floats are */
    float *dh, *du, *df, *dfp, *dhT;   /* backward temporaries */
    float *scratch;
    int slots;                /* the threads the scratch was sized for (the layers' cap) */
    float *rope;              /* transformer: (L, C / heads) rotary table */
    float *kcache;            /* (layers, kcache_floats) S4 kernels for fixed parameters, or NULL */
    size_t kcache_floats;
    void *mem;                /* the block the buffers above are cut from (nn/carve.h) */
    size_t floats;            /* its floats: what the memory check counted */
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
/* m->seen from the N IDs of s (-1: a separator, skipped) */
void seen_set(mdm_model *m, const int32_t *s, size_t N);
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
/* an inference plan without the head's logits (trunk_only: net_forward stops at pl->hT,
 * the caller applies the head to the rows it reads, head_rows) */
int  plan_init_trunk(plan *pl, const mdm_model *m, int B, int L);
/* out (rows, V): the head on rows of hT (rows, C), as net_forward applies it to each
 * product's rows (the same product: the same bits) */
void head_rows(const mdm_model *m, const float *hT, int rows, float *out);
/* The head of a trunk plan block by block. net_forward's head is one product over the
 * batch's rows (over each crop's rows under seq_rows). A block of a product's rows
 * whose edges fall on multiples of 48 (every OpenBLAS kernel's tile; ts_sgemm splits
 * a product on them) and that is no smaller than TS_GEMM_BLOCK_MIN has the bits it has
 * in the whole product. Under bf16 products, whose blocks may round otherwise, and
 * where the whole product is below the minimum, a product is one block. */
typedef struct {
    int per, np;              /* rows per product, products */
    int R;                    /* a block's rows (the last block takes the rest) */
    float *chunk;             /* (a block's rows at most, V): head_rows' output */
    float *hl;                /* infill: (hidden positions, V) their rows */
    size_t hl_rows;
} head_blocks;
void head_blocks_init(head_blocks *hb, const mdm_model *m, const plan *pl);
void head_blocks_free(head_blocks *hb);
size_t head_blocks_count(const head_blocks *hb);
/* block k's rows [*a, returned) of the batch's rows */
size_t head_block_span(const head_blocks *hb, size_t k, size_t *a);
void plan_free(plan *pl);
/* logits (B L, V) from pl->ids (or from the input rows when pl->embedded) */
void net_forward(const mdm_model *m, plan *pl);
/* grads += from pl->dlogits (a trunk plan: from pl->dhT, which its caller writes) */
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

/* ---- shared by mdm.c, mdm_infill.c (infilling), mdm_tune.c (the choices on validation
 * windows) and mdm_chain.c (the chain-rule likelihood) ---- */

extern const ts_model_ops ts_model_mdm;

#define CHAIN_KN_MAX 10       /* Kneser-Ney orders tried for the chain likelihood's mixture */
#define CHAIN_KN_DEFAULT 10   /* and the order without the choice (the n-gram's default) */
#define CHAIN_TUNE_WINDOWS 48 /* validation windows for its n-gram share */
#define CHAIN_BATCH 32        /* crops (score) or windows (generate) per network evaluation */
#define WIN_CMAX 12           /* the longest in-window context without an n-gram prior */

/* blackout sizes with their own prior weight: a run of k events takes the weight
 * of the largest key <= k */
#define NKW 5
static const int kw_keys[NKW] = {1, 5, 10, 20, 40};

#define TUNE_WINDOWS 500      /* validation windows per position and size */
#define TUNE_WINDOWS_MIN 25   /* per position, however small a training budget */
#define CHAIN_WINDOWS_MIN 8

/* The gated prior. A hidden position's prior weight depends on the n-gram's
 * evidence there: the blackout size (bucket of kw_keys), how the fillers were
 * matched (order class: one side only; both sides, backed off below the prior's
 * order; both sides at full order) and how the still-matching fillers agree at
 * this position (agreement class: unanimous with >= GATE_MANY fillers, unanimous
 * with fewer, a majority >= 1/2, a plurality below 1/2). The network's and the
 * n-gram's log-probabilities add as a product of experts whose exponent on the
 * n-gram is the weight of that evidence cell; the cells are chosen on validation
 * windows (tune_prior). */
#define NOB 3
#define NAB 4
#define GATE_MANY 8

typedef struct {
    double weight;            /* n-gram prior weight (0: the network alone) */
    double temperature;       /* 0: greedy */
    int steps;                /* network evaluations per window (0: by `per`, else one per hidden position) */
    const double *per;        /* with steps 0: 2 NKW hidden events revealed per evaluation, by the
                                 sides and size of each window's longest blackout (mdm_model.steps;
                                 0: all in one; NULL: one each) */
    int random_order;         /* reveal hidden positions in a random order (else most confident first) */
    uint64_t seed;
    size_t batch;
    size_t ctx;               /* crop length (0: the model's training context) */
    const double *kw;         /* NKW weights by run length (NULL: weight for all) */
    const double *gate;       /* MDM_GATE_N weights by evidence cell (NULL: kw or weight) */
    const double *copy;       /* MDM_GATE_N flags by run evidence: take the n-gram's filler (NULL: none) */
    const double *win;        /* NKW in-window context minimums by run length (NULL or 0: none) */
    double win_all[NKW];      /* --in-window's, one for all */
    int want_mode;            /* find each run's most frequent filler even without copy */
    /* if set: called with the network's first logits (V) at each window's hidden
     * positions, cap(cap_ud, w, j, logits) for window w's j-th hidden event, j < cap_k */
    void (*cap)(void *cap_ud, size_t w, size_t j, const float *logits);
    void *cap_ud;
    size_t cap_k;
} infill_opts;

static inline int k_bucket(int k)
{
    int i = 0;
    while (i + 1 < NKW && kw_keys[i + 1] <= k) i++;
    return i;
}

static inline int gate_cell(int kb, int ob, int ab) { return (kb * NOB + ob) * NAB + ab; }

/* the weight of a run of size bucket kb without the gate, or with it the largest of
 * that bucket's cells (> 0: the n-gram's candidates are needed) */
static inline double run_weight(const infill_opts *io, int kb)
{
    if (io->gate) {
        double mx = 0;
        for (int c = gate_cell(kb, 0, 0); c < gate_cell(kb + 1, 0, 0); c++) if (io->gate[c] > mx) mx = io->gate[c];
        return mx;
    }
    return io->kw ? io->kw[kb] : io->weight;
}

typedef struct {
    int a, k;                 /* run [a, a+k) in crop coordinates */
    int one_side;             /* the window holds events on one side of it only (end, start) */
    int32_t *cand;            /* filler starts in the prior's stream */
    uint8_t *alive;
    size_t nc, nalive;
    float *cnt;               /* (k, V) the alive fillers' events at each position */
    double w;                 /* prior weight of this run (the gate: its largest) */
    int kb, ob;               /* blackout-size bucket and match-order class */
    size_t mode, mode_n;      /* the most frequent filler's start and count, among nall */
    size_t nall;              /* matching fillers before the cap */
    int matched;              /* the n-gram's context length (ts_ngram_candidates; 0: none or not asked) */
    int copy;                 /* take that filler outright (io->copy, or the window's below) */
    int wcopy;                /* the filler is the window's own y[wsrc, wsrc + k) */
    size_t wsrc;
} run_t;

/* mdm_infill.c */
#define row_nonfinite ts__mdm_row_nonfinite
#define output_not_finite ts__mdm_output_not_finite
#define share_class ts__mdm_share_class
#define agree_class ts__mdm_agree_class
#define window_copy ts__mdm_window_copy
#define run_free ts__mdm_run_free
#define reveal_step ts__mdm_reveal_step
#define score_row ts__mdm_score_row
#define find_runs ts__mdm_find_runs
#define infill ts__mdm_infill
#define infill_ctx ts__mdm_infill_ctx
#define ens_chain_init ts__mdm_ens_chain_init
#define ens_chain_free ts__mdm_ens_chain_free
#define ens_chain_forward ts__mdm_ens_chain_forward
int row_nonfinite(const float *x, int V);
int output_not_finite(const char *what, size_t window, size_t pos);
int share_class(size_t top, size_t n);
int agree_class(const float *cnt, int V, size_t nalive);
int window_copy(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k,
                int matched, int win, size_t *src);
void run_free(run_t *r);
/* one position's scores: zl (V) = the network's logits lg plus w times the log of the
 * smoothed shares of the fillers' counts cnt (V) among nalive (cnt NULL or w 0: none),
 * -inf at IDs the training part never held; *pick the argmax; returns the sum of
 * exp(zl - zl[*pick]) (1 / the largest probability) */
double score_row(const mdm_model *m, const float *lg, const float *cnt, size_t nalive, double w, float *zl,
                 int32_t *pick);
void reveal_step(const mdm_model *m, float *const *lrow, int32_t *cur, uint8_t *hid, int Lp, run_t *runs,
                 const int *runid, int reveal, const infill_opts *io, ts_rng *rng, float *const *zrow, float *zs,
                 uint8_t *zk, float *conf, int32_t *pick);
int find_runs(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t cs, int Lp,
              run_t *runs, int *runid, const infill_opts *io);
/* the events a network reads around a blackout in infill (mdm_infill.c) */
size_t infill_ctx(const mdm_model *net, const infill_opts *io);
int infill(mdm_model *m, int32_t *y, const uint8_t *hid0, size_t n, size_t L, const infill_opts *io,
           ts_progress *prog, long *done);
int ens_chain_init(const mdm_model *m, plan *pe, int B, size_t L, size_t ctx);
void ens_chain_free(const mdm_model *m, plan *pe);
void ens_chain_forward(const mdm_model *m, float *lg, int B, plan *pe, const int32_t *const *win, const int *pos,
                       int nb, int *ate);

/* mdm_tune.c */
#define chain_windows ts__mdm_chain_windows
#define tune_windows ts__mdm_tune_windows
#define tune_prior ts__mdm_tune_prior
#define window_reps ts__mdm_window_reps
#define tune_every_window ts__mdm_tune_every_window
size_t chain_windows(size_t n, size_t have);
/* the distinct windows of x (n, L), with the same blackout where hid (n, L) is not NULL:
 * rep[i] (n) window i's distinct one, numbered by first place; first (NULL, or n) gets
 * each distinct one's first place. Their count */
size_t window_reps(const int32_t *x, const uint8_t *hid, size_t n, size_t L, size_t *rep, size_t *first);
/* tests: nonzero makes every window distinct (each decoded and scored on its own, as the
 * choices on validation windows were made before repeats were scored once) */
extern int tune_every_window;
void tune_windows(const ts_windows *v, size_t n, size_t k, int32_t *y, uint8_t *hid);
/* leave: TS_TRAIN_LEAVE_* bits, the choices not made */
int tune_prior(mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, uint64_t seed, const char *log,
               ts_mdm_tune_row *rows, int progress, unsigned leave);

/* mdm_chain.c */
#define chain_crop ts__mdm_chain_crop
#define chain_kn ts__mdm_chain_kn
#define chain_mix_opt ts__mdm_chain_mix_opt
#define chain_select ts__mdm_chain_select
#define chain_generate ts__mdm_chain_generate
#define tune_chain ts__mdm_tune_chain
#define model_bits ts__mdm_model_bits
int chain_crop(plan *pl, int b, const int32_t *xw, int j, int Lc, int V);
int chain_kn(mdm_model *m, int order);
int chain_mix_opt(const mdm_model *m, const char *mix, int *kind_out, double *a_out);
int chain_select(mdm_model *m, const int32_t *cand, long N, const uint8_t *hid, size_t n, size_t L, int kind,
                 double a, size_t batch, int progress, int32_t *out);
int chain_generate(mdm_model *m, size_t n, size_t L, size_t ctx, int kind, double a, double temp,
                   uint64_t seed, size_t batch, int progress, int32_t *out);
int tune_chain(mdm_model *m, const ts_windows *v, size_t nchain, const char *log, int progress);
int model_bits(ts_model *base, const int32_t *x, size_t n, size_t L, const ts_run_opts *o, double *bits);

/* mdm.c */
#define ens_drop_from ts__mdm_ens_drop_from
#define refuse_keys ts__mdm_refuse_keys
#define bound_bits ts__mdm_bound_bits
void ens_drop_from(mdm_model *m, int n0);
int refuse_keys(const ts_run_opts *o, const char *what, const char *const *not);
int bound_bits(mdm_model *m, const int32_t *x, size_t n, size_t L, int progress, double *bits);

#endif
