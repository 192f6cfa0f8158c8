/* The "mdm" model: a categorical masked-diffusion model of event sequences
 * (absorbing-state diffusion: MDLM, Sahoo et al. 2024; MD4, Shi et al. 2024;
 * no time input, as RADD, Ou et al. 2025).
 *
 * Network: events as categories. ids (B, L) in [0, V] (V = MASK) -> embedding
 * (V+1, C) -> `layers` x [bidirectional S4 layer (residual + LayerNorm inside),
 * then a position-wise feed-forward block r = u + W2 gelu(W1 u + b1) + b2,
 * h = LayerNorm(r)] -> linear head (V, C) -> logits (B, L, V).
 *
 * Training: crops of `context` events from the training windows. Each crop is
 * masked one of two ways: (a) the MDLM forward process: t ~ U(0, 1], each
 * position hidden with probability t; (b) a contiguous span of 1 to span-max
 * events at the centre, at the end or anywhere, each of its positions hidden
 * with probability t ~ U(0, 1] (so the partly revealed spans met while
 * unmasking are trained too). The loss is the cross-entropy on the hidden
 * positions (mean over them). Validation reports the MDLM bound for the
 * linear schedule, E_t [ (1/t) sum_hidden -log p(x_i | unmasked) ] / L, in bits
 * per event, with stratified t on fixed validation crops.
 *
 * Infilling (mdm_infill.c): iterative unmasking with both sides as context, most confident
 * position first, within a --steps budget (default: the decoding chosen per
 * blackout size and sides on validation windows, tune_steps: one evaluation for
 * the whole blackout, or one position per evaluation, when greedy and most confident
 * first; otherwise, or without the choice, the latter);
 * greedy, or sampled at --temperature; --samples N votes per position. A window
 * longer than twice the training context (S4; the training context for the
 * transformer; or --context) is cut to that many events around its hidden events
 * when they fit in it.
 *
 * Hybrid (prior-weight w > 0): each hidden position's log-probabilities get
 * w * log q_i(v), q_i the smoothed share of the n-gram's matching fillers (both
 * contexts, backed off as the ngram model does, filtered by the positions
 * already revealed) that put v at position i: a product of experts. w depends on
 * the n-gram's evidence at that position (the gate: blackout size x how the
 * fillers were matched x how they agree there), and a run whose evidence cell
 * says so takes the n-gram's most frequent filler outright (a hard mixture).
 * The weights are chosen on validation windows after training (tune_prior, mdm_tune.c),
 * from the network's logits computed once per window; --prior-weight overrides
 * them at imputation. Files from before the gate hold one weight per blackout
 * size (or one weight) and impute as they did.
 *
 * In-window fillers: a run whose surroundings recur in its own window's visible
 * events over longer contexts than the n-gram's stream matches takes the filler
 * found there (ts_window_over_stream), a cache of the trace itself that helps where
 * the held-out part runs loops the training part did not; the shortest context
 * per blackout size (or never) is chosen with the weights.
 *
 * The chain-rule likelihood (score --likelihood chain, impute --select likelihood,
 * generate --sampler chain) is in mdm_chain.c. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/mdm.h"
#include "tracesynth/model.h"
#include "tracesynth/ngram.h"
#include "tracesynth/nn.h"
#include "tracesynth/s4.h"
#include "tracesynth/train.h"
#include "nn/carve.h"
#include "mdm_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>



static ts_tblock_config tblock_of(const mdm_config *c)
{
    ts_tblock_config t = {c->C, c->heads, c->F, 1};
    return t;
}

static void layout_of(const mdm_config *c, mdm_layout *p)
{
    size_t C = (size_t)c->C, F = (size_t)c->F, V = (size_t)c->V;
    memset(p, 0, sizeof *p);
    size_t o = 0;
    p->emb = o; o += (V + 1) * C;
    p->blk0 = o;
    if (c->backbone == BACKBONE_TRANSFORMER) {
        ts_tblock_config tc = tblock_of(c);
        ts_tblock_layout tl;
        ts_tblock_layout_of(&tc, &tl);
        p->blk_size = tl.total;
        o += (size_t)c->layers * tl.total;
        p->fg = o; o += C;
        p->fb = o; o += C;
        p->hw = o; o += V * C;
        p->hb = o; o += V;
        p->total = o;
        return;
    }
    ts_s4_config sc = {c->C, c->N, 1, 1, TS_S4_CONV_AUTO};
    p->s4n = ts_s4_num_params(&sc);
    size_t b = 0;
    p->s4 = b; b += p->s4n;
    p->f1w = b; b += F * C * (size_t)c->K;
    p->f1b = b; b += F;
    p->f2w = b; b += C * F;
    p->f2b = b; b += C;
    p->lg = b; b += C;
    p->lb = b; b += C;
    p->blk_size = b;
    o += (size_t)c->layers * b;
    p->hw = o; o += V * C;
    p->hb = o; o += V;
    p->total = o;
}

int check_size(const char *who, const mdm_config *c, long V)
{
    if (V > MDM_MAX_VOCAB)
        return ts_fail("%s: the training data has %ld distinct values to embed, over the %d a model file may hold "
                       "(a dataset without vocab.tsv numbers its events by their IDs: is one ID out of place?)", who,
                       V, MDM_MAX_VOCAB);
    mdm_config t = *c;
    t.V = (int)V;
    mdm_layout p;
    layout_of(&t, &p);
    if ((uint64_t)p.total > TS_CONTAINER_MAX_BYTES / (4 * sizeof(float)))
        return ts_fail("%s: %zu parameters (%ld values to embed, %d channels, %d layers): their checkpoint would be "
                       "over the %llu bytes a model file may take", who, p.total, V, c->C, c->layers,
                       (unsigned long long)TS_CONTAINER_MAX_BYTES);
    return 0;
}

void alloc_params(mdm_model *m)
{
    layout_of(&m->c, &m->p);
    m->params = ts_alloc_aligned(m->p.total * sizeof(float));
    m->grads = ts_alloc_aligned(m->p.total * sizeof(float));
}

int init_params(mdm_model *m, uint64_t seed)
{
    ts_rng r;
    ts_rng_seed(&r, seed ^ 0x6d646dull);
    const mdm_config *c = &m->c;
    float *P = m->params;
    ts_init_normal(P + m->p.emb, (size_t)(c->V + 1) * c->C, 0, 1, &r);
    if (c->backbone == BACKBONE_TRANSFORMER) {
        ts_tblock_config tc = tblock_of(c);
        if (ts_tblock_check(&tc) != 0) return -1;
        for (int i = 0; i < c->layers; i++) ts_tblock_init(&tc, P + m->p.blk0 + (size_t)i * m->p.blk_size, c->layers, &r);
        for (int j = 0; j < c->C; j++) P[m->p.fg + j] = 1, P[m->p.fb + j] = 0;
        ts_linear_init(P + m->p.hw, P + m->p.hb, c->C, c->V, &r);
        return 0;
    }
    ts_s4 s4;
    ts_s4_config sc = {c->C, c->N, 1, 1, TS_S4_CONV_AUTO};
    if (ts_s4_init(&s4, &sc) != 0) return -1;
    int rc = 0;
    for (int i = 0; i < c->layers && rc == 0; i++) {
        float *b = P + m->p.blk0 + (size_t)i * m->p.blk_size;
        rc = ts_s4_init_params(&s4, b + m->p.s4, ts_rng_u64(&r));
        ts_init_torch_default(b + m->p.f1w, (size_t)c->F * c->C * c->K, c->C * c->K, &r);
        ts_init_torch_default(b + m->p.f1b, (size_t)c->F, c->C * c->K, &r);
        ts_linear_init(b + m->p.f2w, b + m->p.f2b, c->F, c->C, &r);
        for (int j = 0; j < c->C; j++) b[m->p.lg + j] = 1, b[m->p.lb + j] = 0;
    }
    ts_s4_free(&s4);
    ts_linear_init(P + m->p.hw, P + m->p.hb, c->C, c->V, &r);
    return rc;
}

/* ---- activations for one (B, L) ---- */

void plan_free(plan *pl)
{
    if (pl->s4.c.H) ts_s4_free(&pl->s4);
    ts_free_aligned(pl->mem);
    memset(pl, 0, sizeof *pl);
}


/* the plan's buffers, cut from its block (nn/carve.h). The backward's are a training
 * plan's alone (an S4 plan with them trains: net_forward keeps GELU's derivative);
 * S4 blocks keep their S4 and feed-forward activations and a LayerNorm's statistics
 * per layer, a scratch for both; the transformer's blocks (tc) keep theirs in act,
 * their scratch a training plan's, and the rotary table */
static void plan_buffers(plan *pl, const mdm_model *m, const ts_tblock_config *tc, int train, ts_carve *k)
{
    const mdm_config *c = &m->c;
    const int tfm = c->backbone == BACKBONE_TRANSFORMER;
    const size_t BL = (size_t)pl->B * pl->L, nl = (size_t)c->layers, C = (size_t)c->C, F = (size_t)c->F;
    const size_t V = (size_t)c->V;
    pl->h = ts_carve_take(k, (nl + 1) * BL * C);
    pl->act = ts_carve_take(k, nl * pl->s4act);
    if (!tfm) {
        pl->u = ts_carve_take(k, nl * BL * C);
        pl->f1 = ts_carve_take(k, nl * BL * F);
        pl->g1 = ts_carve_take(k, nl * BL * F);
        pl->r = ts_carve_take(k, nl * BL * C);
    }
    pl->mean = ts_carve_take(k, (tfm ? 1 : nl) * BL);
    pl->rstd = ts_carve_take(k, (tfm ? 1 : nl) * BL);
    pl->hT = ts_carve_take(k, BL * C);
    pl->logits = pl->trunk_only ? NULL : ts_carve_take(k, BL * V);   /* a trunk plan's head is its caller's */
    if (train) {
        pl->dlogits = pl->trunk_only ? NULL : ts_carve_take(k, BL * V);   /* and so is its gradient */
        pl->dh = ts_carve_take(k, BL * C);
        if (!tfm) {
            pl->du = ts_carve_take(k, BL * C);
            pl->df = ts_carve_take(k, BL * F);
            pl->dfp = ts_carve_take(k, BL * F);
        }
        pl->dhT = ts_carve_take(k, BL * C);
    }
    pl->slots = ts_get_threads();   /* the count the scratch sizes read */
    if (!tfm)
        pl->scratch = ts_carve_take(k, ts_size_max(ts_s4_scratch_size(&pl->s4, pl->B),
                                                   ts_conv1d_scratch_size(c->C, c->F, pl->L, c->K)));
    else if (train)
        pl->scratch = ts_carve_take(k, ts_tblock_scratch_size(tc, pl->B, pl->L));
    if (tfm) pl->rope = ts_carve_take(k, (size_t)pl->L * (size_t)(c->C / c->heads));
    /* (layers, kcache_floats): an S4 inference plan's kernels, counted with the rest */
    if (!tfm && !train) pl->kcache = ts_carve_take(k, nl * pl->kcache_floats);
    /* (B L) token IDs, as many int32 as floats: counted too */
    pl->ids = (int32_t *)ts_carve_take(k, BL);
}

static int plan_init_tfm(plan *pl, const mdm_model *m, int B, int L, int train)
{
    const mdm_config *c = &m->c;
    ts_tblock_config tc = tblock_of(c);
    if (ts_tblock_check(&tc) != 0) return -1;
    pl->B = B;
    pl->L = L;
    pl->s4act = ts_round_up(ts_tblock_act_size(&tc, B, L), 16);
    ts_carve k = {NULL, 0, 0};
    plan_buffers(pl, m, &tc, train, &k);
    if (ts_carve_alloc(&k, B, L) != 0) {
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = k.base;
    pl->floats = k.size;
    plan_buffers(pl, m, &tc, train, &k);
    ts_rope_table(pl->rope, L, c->C / c->heads, 10000.0);
    return 0;
}

static int plan_init_as(plan *pl, const mdm_model *m, int B, int L, int train, int trunk)
{
    memset(pl, 0, sizeof *pl);
    pl->trunk_only = trunk;
    const mdm_config *c = &m->c;
    if (c->backbone == BACKBONE_TRANSFORMER) return plan_init_tfm(pl, m, B, L, train);
    ts_s4_config sc = {c->C, c->N, L, 1, TS_S4_CONV_AUTO};
    if (ts_s4_init(&pl->s4, &sc) != 0) return -1;
    pl->B = B;
    pl->L = L;
    pl->s4act = ts_round_up(ts_s4_act_size(&pl->s4, B), 16);
    if (!train) pl->kcache_floats = ts_round_up(ts_s4_kernel_cache_size(&pl->s4), 16);
    ts_carve k = {NULL, 0, 0};
    plan_buffers(pl, m, NULL, train, &k);
    if (ts_carve_alloc(&k, B, L) != 0) {
        ts_s4_free(&pl->s4);
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = k.base;
    pl->floats = k.size;
    plan_buffers(pl, m, NULL, train, &k);
    if (!train) {
        /* inference: the S4 kernels depend on the parameters only, make them once */
        for (int i = 0; i < c->layers; i++)
            ts_s4_kernel_cache(&pl->s4, m->params + m->p.blk0 + (size_t)i * m->p.blk_size + m->p.s4,
                               pl->kcache + (size_t)i * pl->kcache_floats, pl->scratch);
    }
    return 0;
}

int plan_init(plan *pl, const mdm_model *m, int B, int L, int train)
{
    return plan_init_as(pl, m, B, L, train, 0);
}

int plan_init_trunk(plan *pl, const mdm_model *m, int B, int L)
{
    return plan_init_as(pl, m, B, L, 0, 1);
}

/* a training plan without the head's logits and their gradient: the caller applies the
 * head and writes pl->dhT before net_backward */
static int plan_init_trunk_train(plan *pl, const mdm_model *m, int B, int L)
{
    return plan_init_as(pl, m, B, L, 1, 1);
}

void head_rows(const mdm_model *m, const float *hT, int rows, float *out)
{
    const float *P = m->params;
    ts_linear_forward(out, hT, P + m->p.hw, P + m->p.hb, rows, m->c.C, m->c.V);
}

void head_blocks_init(head_blocks *hb, const mdm_model *m, const plan *pl)
{
    const double row = (double)m->c.V * m->c.C;   /* a row's multiply-adds */
    hb->per = pl->seq_rows ? pl->L : pl->B * pl->L;
    hb->np = pl->seq_rows ? pl->B : 1;
    hb->R = hb->per;
    if (ts_get_precision() == TS_PRECISION_FP32 && hb->per * row >= TS_GEMM_BLOCK_MIN) {
        int R = 48;
        while (R * row < TS_GEMM_BLOCK_MIN) R += 48;
        if (R < hb->per) hb->R = R;
    }
    const int most = hb->R < hb->per ? 2 * hb->R : hb->per;
    hb->chunk = ts_malloc((size_t)most * m->c.V * sizeof(float));
    hb->hl = NULL;
    hb->hl_rows = 0;
}

void head_blocks_free(head_blocks *hb)
{
    free(hb->chunk);
    free(hb->hl);
}

size_t head_blocks_count(const head_blocks *hb)
{
    return (size_t)hb->np * (size_t)(hb->per / hb->R > 1 ? hb->per / hb->R : 1);
}

size_t head_block_span(const head_blocks *hb, size_t k, size_t *a)
{
    const size_t nblk = head_blocks_count(hb) / (size_t)hb->np, p = k / nblk, j = k % nblk;
    *a = p * (size_t)hb->per + j * (size_t)hb->R;
    return p * (size_t)hb->per + (j + 1 < nblk ? (j + 1) * (size_t)hb->R : (size_t)hb->per);
}

/* (B, C, L) <-> (B L, C) */
static void to_rows(float *out, const float *x, int B, int C, int L)
{
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            const float *xi = x + ((size_t)b * C + c) * L;
            for (int l = 0; l < L; l++) out[((size_t)b * L + l) * C + c] = xi[l];
        }
}

static void to_channels(float *out, const float *x, int B, int C, int L)
{
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            float *oi = out + ((size_t)b * C + c) * L;
            for (int l = 0; l < L; l++) oi[l] = x[((size_t)b * L + l) * C + c];
        }
}

/* logits (B L, V) from pl->hT (B L, C); seq_rows: L rows at a time */
static void head_forward(const mdm_model *m, plan *pl)
{
    const int B = pl->B, L = pl->L, C = m->c.C, V = m->c.V;
    const int nb = pl->seq_rows ? B : 1, rows = pl->seq_rows ? L : B * L;
    for (int s = 0; s < nb; s++) head_rows(m, pl->hT + (size_t)s * rows * C, rows, pl->logits + (size_t)s * rows * V);
}

/* transformer: rows (B L, C) throughout */
static void tfm_forward(const mdm_model *m, plan *pl)
{
    const mdm_config *c = &m->c;
    const int B = pl->B, L = pl->L, C = c->C;
    const size_t BL = (size_t)B * L, BCL = BL * C;
    const float *P = m->params;
    ts_tblock_config tc = tblock_of(c);
    if (!pl->embedded) ts_embedding_forward(pl->h, pl->ids, P + m->p.emb, (int)BL, C);
    /* seq_rows: each row of the batch through the blocks on its own (a layer's
     * activations, sized for B rows, hold one row's) */
    const int nb = pl->seq_rows ? B : 1, Bb = pl->seq_rows ? 1 : B;
    const size_t step = (size_t)Bb * L * C;
    for (int i = 0; i < c->layers; i++)
        for (int s = 0; s < nb; s++)
            ts_tblock_forward(&tc, P + m->p.blk0 + (size_t)i * m->p.blk_size, pl->rope, pl->h + i * BCL + s * step,
                              pl->h + (i + 1) * BCL + s * step, pl->act + i * pl->s4act, Bb, L);
    ts_layernorm_rows_forward(pl->hT, pl->mean, pl->rstd, pl->h + c->layers * BCL, P + m->p.fg, P + m->p.fb, (int)BL,
                              C);
    if (!pl->trunk_only) head_forward(m, pl);
}

static void tfm_backward(const mdm_model *m, plan *pl)
{
    const mdm_config *c = &m->c;
    const int B = pl->B, L = pl->L, C = c->C;
    const size_t BL = (size_t)B * L, BCL = BL * C;
    const float *P = m->params;
    float *G = m->grads;
    ts_tblock_config tc = tblock_of(c);
    if (!pl->trunk_only) {   /* a trunk plan's dhT is its caller's */
        memset(pl->dhT, 0, BCL * sizeof(float));
        ts_linear_backward(pl->dhT, G + m->p.hw, G + m->p.hb, pl->dlogits, pl->hT, P + m->p.hw, (int)BL, C, c->V);
    }
    memset(pl->dh, 0, BCL * sizeof(float));
    ts_layernorm_rows_backward(pl->dh, G + m->p.fg, G + m->p.fb, pl->dhT, pl->h + c->layers * BCL, pl->mean, pl->rstd,
                               P + m->p.fg, (int)BL, C);
    for (int i = c->layers - 1; i >= 0; i--)
        ts_tblock_backward(&tc, P + m->p.blk0 + (size_t)i * m->p.blk_size, pl->rope, pl->h + i * BCL,
                           pl->act + i * pl->s4act, pl->dh, G + m->p.blk0 + (size_t)i * m->p.blk_size, pl->dh,
                           pl->scratch, pl->slots, B, L);
    if (!pl->embedded) ts_embedding_backward(G + m->p.emb, pl->dh, pl->ids, (int)BL, C);
}

/* a uniform 24-bit draw for element j of block i under seed: splitmix64's finaliser of
 * (seed, i, j), so that the mask is the same whatever the threads */
static inline uint32_t drop_bits(uint64_t seed, int i, size_t j)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * ((uint64_t)j + 1) + ((uint64_t)i << 48);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 40);
}

/* inverted dropout of block i's feed-forward hidden units: g (n) and the kept
 * derivative d (the backward's factor) both times the mask, 0 or 1 / (1 - p) */
static void drop_hidden(float *g, float *d, size_t n, double p, uint64_t seed, int i)
{
    const uint32_t cut = (uint32_t)(p * 16777216.0);
    const float keep = (float)(1.0 / (1.0 - p));
    const long nn = (long)n;
    #pragma omp parallel for schedule(static) if (nn > 65536)
    for (long j = 0; j < nn; j++) {
        const float s = drop_bits(seed, i, (size_t)j) < cut ? 0.0f : keep;
        g[j] *= s;
        d[j] *= s;
    }
}

/* the feed-forward's element-wise work per batch item, right after its product (conv1d's
 * post: the item's rows still in cache; one pass over the batch's F x L floats each
 * before): GELU after the first convolution (with training, its derivative into f1 for
 * the backward; without, GELU alone), the residual after the second */
typedef struct {
    float *f1, *g1, *r;
    const float *u;
    size_t FL, CL;
    int deriv;
} ff_items;

static void ff_gelu_item(void *ctx, int b)
{
    const ff_items *p = ctx;
    float *f = p->f1 + (size_t)b * p->FL, *g = p->g1 + (size_t)b * p->FL;
    if (p->deriv) ts_gelu_forward_deriv(g, f, f, p->FL);   /* f becomes gelu'(f) */
    else ts_gelu_forward(g, f, p->FL);
}

static void ff_residual_item(void *ctx, int b)
{
    const ff_items *p = ctx;
    float *r = p->r + (size_t)b * p->CL;
    const float *u = p->u + (size_t)b * p->CL;
    for (size_t j = 0; j < p->CL; j++) r[j] += u[j];
}

/* logits (B L, V) from pl->ids */
void net_forward(const mdm_model *m, plan *pl)
{
    if (m->c.backbone == BACKBONE_TRANSFORMER) { tfm_forward(m, pl); return; }
    const mdm_config *c = &m->c;
    const int B = pl->B, L = pl->L, C = c->C, F = c->F;
    const size_t BL = (size_t)B * L, BCL = BL * C, BFL = BL * F;
    const float *P = m->params;
    if (!pl->embedded) ts_embedding_forward(pl->hT, pl->ids, P + m->p.emb, (int)BL, C);
    to_channels(pl->h, pl->hT, B, C, L);
    for (int i = 0; i < c->layers; i++) {
        const float *b = P + m->p.blk0 + (size_t)i * m->p.blk_size;
        float *x = pl->h + i * BCL, *u = pl->u + i * BCL, *f1 = pl->f1 + i * BFL, *g1 = pl->g1 + i * BFL;
        float *r = pl->r + i * BCL;
        if (pl->kcache)
            ts_s4_forward_cached(&pl->s4, b + m->p.s4, pl->kcache + (size_t)i * pl->kcache_floats, x, B, u,
                                 pl->act + i * pl->s4act, pl->scratch);
        else
            ts_s4_forward(&pl->s4, b + m->p.s4, x, B, u, pl->act + i * pl->s4act, pl->scratch);
        /* a plan with the backward's buffers trains: GELU keeps its derivative in f1 */
        ff_items fi = {f1, g1, r, u, (size_t)F * L, (size_t)C * L, pl->dfp != NULL};
        ts_conv1d_forward_each(f1, u, b + m->p.f1w, b + m->p.f1b, B, C, F, L, c->K, 1, pl->scratch, pl->slots, ff_gelu_item,
                               &fi);
        if (pl->dropout > 0) drop_hidden(g1, f1, BFL, pl->dropout, pl->drop_seed, i);
        ts_conv1d_forward_each(r, g1, b + m->p.f2w, b + m->p.f2b, B, F, C, L, 1, 1, NULL, 0, ff_residual_item, &fi);
        ts_layernorm_forward(pl->h + (i + 1) * BCL, pl->mean + i * BL, pl->rstd + i * BL, r, b + m->p.lg,
                             b + m->p.lb, B, C, L);
    }
    to_rows(pl->hT, pl->h + c->layers * BCL, B, C, L);
    if (!pl->trunk_only) head_forward(m, pl);
}

/* grads += from pl->dlogits (a trunk plan: from pl->dhT, the caller's) */
void net_backward(const mdm_model *m, plan *pl)
{
    if (m->c.backbone == BACKBONE_TRANSFORMER) { tfm_backward(m, pl); return; }
    const mdm_config *c = &m->c;
    const int B = pl->B, L = pl->L, C = c->C, F = c->F;
    const size_t BL = (size_t)B * L, BCL = BL * C, BFL = BL * F;
    const float *P = m->params;
    float *G = m->grads;
    if (!pl->trunk_only) {   /* a trunk plan's dhT is its caller's */
        memset(pl->dhT, 0, BCL * sizeof(float));
        ts_linear_backward(pl->dhT, G + m->p.hw, G + m->p.hb, pl->dlogits, pl->hT, P + m->p.hw, (int)BL, C, c->V);
    }
    to_channels(pl->dh, pl->dhT, B, C, L);
    for (int i = c->layers - 1; i >= 0; i--) {
        const float *b = P + m->p.blk0 + (size_t)i * m->p.blk_size;
        float *gb = G + m->p.blk0 + (size_t)i * m->p.blk_size;
        float *x = pl->h + i * BCL, *u = pl->u + i * BCL, *f1 = pl->f1 + i * BFL, *g1 = pl->g1 + i * BFL;
        float *r = pl->r + i * BCL;
        /* du = d r (the residual), written; the feed-forward's gradient is
         * added to it below, after its second product has read d r from it */
        ts_layernorm_backward_res(pl->du, NULL, gb + m->p.lg, gb + m->p.lb, pl->dh, r, pl->mean + i * BL,
                                  pl->rstd + i * BL, b + m->p.lg, B, C, L);
        memset(pl->df, 0, BFL * sizeof(float));
        ts_conv1d_backward(pl->df, gb + m->p.f2w, gb + m->p.f2b, pl->du, g1, b + m->p.f2w, B, F, C, L, 1, 1,
                           NULL, 0);
        ts_mul_backward_set(pl->dfp, pl->df, f1, BFL);
        ts_conv1d_backward(pl->du, gb + m->p.f1w, gb + m->p.f1b, pl->dfp, u, b + m->p.f1w, B, C, F, L, c->K, 1,
                           pl->scratch, pl->slots);
        ts_s4_backward_set(&pl->s4, b + m->p.s4, x, B, pl->act + i * pl->s4act, pl->du, gb + m->p.s4,
                           pl->dh, pl->scratch);
    }
    to_rows(pl->dhT, pl->dh, B, C, L);
    if (!pl->embedded) ts_embedding_backward(G + m->p.emb, pl->dhT, pl->ids, (int)BL, C);
}

/* sum over rows with tgt >= 0 of w_row * -log softmax(logits)[tgt]; dlogits (if
 * not NULL) = scale * w_row * (softmax - onehot) on those rows, 0 elsewhere */
/* xent's sum added to sum, row by row (a batch's rows in blocks, one sum) */
static double xent_from(double sum, const float *logits, const int32_t *tgt, const float *w, size_t N, int V,
                        float *dlogits, double scale)
{
    for (size_t i = 0; i < N; i++) {
        const float *z = logits + i * V;
        float *d = dlogits ? dlogits + i * V : NULL;
        if (tgt[i] < 0) {
            if (d) memset(d, 0, (size_t)V * sizeof(float));
            continue;
        }
        float mx = z[0];
        for (int v = 1; v < V; v++) if (z[v] > mx) mx = z[v];
        double s = 0;
        for (int v = 0; v < V; v++) s += exp((double)z[v] - mx);
        double lse = mx + log(s);
        double wi = w ? w[i] : 1.0;
        sum += wi * (lse - z[tgt[i]]);
        if (d) {
            for (int v = 0; v < V; v++) d[v] = (float)(scale * wi * exp((double)z[v] - lse));
            d[tgt[i]] -= (float)(scale * wi);
        }
    }
    return sum;
}

double xent(const float *logits, const int32_t *tgt, const float *w, size_t N, int V, float *dlogits,
                   double scale)
{
    return xent_from(0, logits, tgt, w, N, V, dlogits, scale);
}

/* ---- options ---- */

static const char *const mdm_keys[] = {
    "backbone", "heads", "layers", "channels", "state", "ff", "kernel", "context", "batch", "span-frac", "span-max",
    "dropout", "prior",
    "prior-order", "valid-n", "valid-windows", "lr", "schedule", "warmup", "weight-decay", "clip", "ema", "iters", "valid-every",
    "log-every", "budget", NULL,
};

/* a network's layers x (channels + ff): the floats one event's activations take grow
 * with it (about 6 of each at imputation: 1.5 MB an event at the limit, and impute
 * holds --batch windows of them), which neither the options' ranges nor the file's
 * parameters bound. The largest documented network, 6 x 192 (ff 384), is 3,456; the
 * default 4 x 128, 1,536 */
#define MAX_EVENT_WIDTH (1L << 16)

/* the most of the feed-forward's hidden units training's dropout may drop */
#define DROPOUT_MAX 0.9

static int opt_long(const char *who, const ts_kv *kv, const char *key, long def, long lo, long hi, long *out)
{
    if (ts_kv_long(kv, key, def, out) != 0) return -1;
    if (*out < lo || *out > hi) return ts_opt_fail(who, key, "%ld out of range [%ld, %ld]", *out, lo, hi);
    return 0;
}

int parse_opts(const char *who, const ts_kv *kv, size_t L, mdm_opts *so)
{
    memset(so, 0, sizeof *so);
    long v;
    const char *bb = ts_kv_get(kv, "backbone");
    if (!bb || !strcmp(bb, "s4")) so->c.backbone = BACKBONE_S4;
    else if (!strcmp(bb, "transformer")) so->c.backbone = BACKBONE_TRANSFORMER;
    else return ts_opt_fail(who, "backbone", "unknown backbone '%s' (s4, transformer)", bb);
    /* the sizes of the other backbone would be ignored */
    const int tfm = so->c.backbone == BACKBONE_TRANSFORMER;
    const char *other = !tfm && ts_kv_get(kv, "heads") ? "heads"
                      : tfm && ts_kv_get(kv, "state") ? "state"
                      : tfm && ts_kv_get(kv, "kernel") ? "kernel" : NULL;
    if (other)
        return ts_opt_fail(who, other, "the %s backbone does not read it (%s)", tfm ? "transformer" : "s4",
                           tfm ? "a size of the S4 blocks" : "the transformer's attention heads");
    if (opt_long(who, kv, "heads", 4, 1, 256, &v)) return -1;
    so->c.heads = (int)v;
    if (opt_long(who, kv, "layers", 4, 1, 256, &v)) return -1;
    so->c.layers = (int)v;
    if (opt_long(who, kv, "channels", 128, 2, 4096, &v)) return -1;
    so->c.C = (int)v;
    if (opt_long(who, kv, "state", 64, 2, 1024, &v)) return -1;
    if (v % 2) return ts_opt_fail(who, "state", "%ld must be even", v);
    so->c.N = (int)v;
    if (opt_long(who, kv, "ff", 2, 1, 16, &v)) return -1;
    so->c.F = (int)v * so->c.C;
    if (opt_long(who, kv, "kernel", 3, 1, 63, &v)) return -1;
    if (v % 2 == 0) return ts_opt_fail(who, "kernel", "%ld must be odd", v);
    so->c.K = (int)v;
    if (so->c.backbone == BACKBONE_TRANSFORMER && (so->c.C % so->c.heads || (so->c.C / so->c.heads) % 2))
        return ts_opt_fail(who, "channels", "%d must be --heads %d times an even head size", so->c.C, so->c.heads);
    /* a model a file could not load (the loader's cap on one event's activations) is refused now */
    if ((long)so->c.layers * (so->c.C + so->c.F) > MAX_EVENT_WIDTH)
        return ts_opt_fail(who, "layers", "%d layers x (%d channels + %d feed-forward) is over the limit of %ld "
                           "that one event's activations may take: fewer layers or channels, or a lower --ff",
                           so->c.layers, so->c.C, so->c.F, MAX_EVENT_WIDTH);
    /* a crop is at least two events; the default context is the window */
    if (L < 2) return ts_opt_fail(who, "length", "%zu: the windows must hold at least 2 events", L);
    if (opt_long(who, kv, "context", L < 128 ? (long)L : 128, 2, 4096, &v)) return -1;
    if ((size_t)v > L) return ts_opt_fail(who, "context", "%ld is longer than the windows (%zu)", v, L);
    so->c.ctx = (int)v;
    if (opt_long(who, kv, "batch", 32, 1, 65536, &so->batch)) return -1;
    if (ts_kv_double(kv, "span-frac", 0.5, &so->span_frac)) return -1;
    if (!(so->span_frac >= 0 && so->span_frac <= 1))
        return ts_opt_fail(who, "span-frac", "%g out of range [0, 1]", so->span_frac);
    if (opt_long(who, kv, "span-max", 64, 1, 4096, &so->span_max)) return -1;
    if (ts_kv_double(kv, "dropout", 0, &so->dropout)) return -1;
    if (!(so->dropout >= 0 && so->dropout <= DROPOUT_MAX))
        return ts_opt_fail(who, "dropout", "%g out of range [0, %g]", so->dropout, DROPOUT_MAX);
    if (so->dropout > 0 && tfm)
        return ts_opt_fail(who, "dropout", "the s4 backbone's feed-forward only (not the transformer's)");
    if (opt_long(who, kv, "prior", 1, 0, 1, &so->prior)) return -1;
    if (opt_long(who, kv, "prior-order", 12, 1, 64, &so->prior_order)) return -1;
    /* what the other options turn off would be ignored */
    if (ts_kv_get(kv, "span-max") && so->span_frac == 0)
        return ts_opt_fail(who, "span-max", "only with spans (--span-frac above 0)");
    if (ts_kv_get(kv, "prior-order") && !so->prior)
        return ts_opt_fail(who, "prior-order", "only with the n-gram prior (--prior 1)");
    if (opt_long(who, kv, "valid-n", 128, 1, 1000000, &so->valid_n)) return -1;
    if (opt_long(who, kv, "valid-windows", 500, 1, 1 << 24, &so->valid_windows)) return -1;
    if (ts_kv_get(kv, "valid-windows") && !so->prior)
        return ts_opt_fail(who, "valid-windows", "only with the n-gram prior (--prior 1): its choices read them");
    /* a warm-up and a cosine decay: with a constant 2e-3, 2,000 iterations left the network
     * far behind (node-async validation bound 1.05 against 0.66 bits per event, the
     * network alone 70.7 against 77.4 % at k = 10 on validation windows; python
     * thread-pool 1.18 against ...) */
    const ts_train_defaults def = {2e-3, 2000, 200, TS_LR_COSINE, 100, 0};
    return ts_train_parse(&so->tc, kv, &def);
}

/* ---- config text ---- */

void config_text(const mdm_model *m, char *buf, size_t n)
{
    const mdm_config *c = &m->c;
    snprintf(buf, n, "backbone=%s\nheads=%d\nlayers=%d\nchannels=%d\nstate=%d\nff=%d\nkernel=%d\nvocab=%d\n"
             "context=%d\nlen=%zu\n", c->backbone == BACKBONE_TRANSFORMER ? "transformer" : "s4", c->heads, c->layers,
             c->C, c->N, c->F, c->K, c->V, c->ctx, m->base.len);
}

/* ---- save / load ---- */

/* the ensemble members from index n0 on freed (0: all; a list that failed part of the way) */
void ens_drop_from(mdm_model *m, int n0)
{
    while (m->n_ens > n0) {
        m->n_ens--;
        ts_model_free(m->ens[m->n_ens]);
        free(m->ens_map[m->n_ens]);
    }
}

void model_free(ts_model *base)
{
    mdm_model *m = (mdm_model *)base;
    ts_free_aligned(m->params);
    ts_free_aligned(m->grads);
    if (m->prior) ts_model_free(m->prior);
    free(m->seen);
    ens_drop_from(m, 0);
    free(m->ens_list);
    ts_kn_free(m->kn);
    free(m);
}

int model_save(const ts_model *base, ts_writer *w)
{
    const mdm_model *m = (const mdm_model *)base;
    char cfg[4096], pr[256];
    config_text(m, cfg, sizeof cfg);
    snprintf(pr, sizeof pr, "prior_order=%d\nprior_weight=%.17g\n", m->prior ? m->prior_order : 0,
             m->prior_weight);
    strncat(cfg, pr, sizeof cfg - strlen(cfg) - 1);
    if (m->has_kw) {
        snprintf(pr, sizeof pr, "prior_weights=%.17g,%.17g,%.17g,%.17g,%.17g\n", m->kw[0], m->kw[1], m->kw[2],
                 m->kw[3], m->kw[4]);
        strncat(cfg, pr, sizeof cfg - strlen(cfg) - 1);
    }
    for (int t = 0; t < 2; t++) {
        if (!(t ? m->has_copy : m->has_gate)) continue;
        const double *x = t ? m->copy : m->gate;
        size_t l = strlen(cfg);
        l += (size_t)snprintf(cfg + l, sizeof cfg - l, "%s=", t ? "prior_copy" : "prior_gate");
        for (int i = 0; i < MDM_GATE_N && l < sizeof cfg; i++)
            l += (size_t)snprintf(cfg + l, sizeof cfg - l, "%.17g%s", x[i], i + 1 < MDM_GATE_N ? "," : "\n");
        if (l >= sizeof cfg) return ts_fail("mdm: the model's CONFIG text is too long");
    }
    if (m->has_win) {
        snprintf(pr, sizeof pr, "prior_window=%g,%g,%g,%g,%g\n", m->win[0], m->win[1], m->win[2], m->win[3], m->win[4]);
        strncat(cfg, pr, sizeof cfg - strlen(cfg) - 1);
    }
    if (m->has_steps) {
        size_t l = strlen(cfg);
        l += (size_t)snprintf(cfg + l, sizeof cfg - l, "prior_steps=");
        for (int i = 0; i < 2 * NKW && l < sizeof cfg; i++)
            l += (size_t)snprintf(cfg + l, sizeof cfg - l, "%g%s", m->steps[i], i + 1 < 2 * NKW ? "," : "\n");
        if (l >= sizeof cfg) return ts_fail("mdm: the model's CONFIG text is too long");
    }
    if (m->has_chain) {
        snprintf(pr, sizeof pr, "chain_mixture=%s\nchain_weight=%.17g\nchain_order=%d\n",
                 m->chain_kind == CHAIN_SWITCH ? "switch" : "linear", m->chain_w, m->chain_order);
        strncat(cfg, pr, sizeof cfg - strlen(cfg) - 1);
    }
    ts_writer_text(w, "CONFIG", cfg);
    ts_writer_f32(w, "PARAMS", m->params, m->p.total);
    if (m->prior) {
        size_t N;
        const int32_t *s = ts_ngram_stream(m->prior, &N, NULL);
        ts_writer_i32(w, "PRIOR", s, N);
    } else if (m->seen) {   /* without a prior: the IDs the training part held */
        int32_t *ids = ts_malloc((size_t)m->c.V * sizeof *ids);
        size_t n = 0;
        for (int v = 0; v < m->c.V; v++)
            if (m->seen[v]) ids[n++] = v;
        ts_writer_i32(w, "SEEN", ids, n);
        free(ids);
    }
    return 0;
}

void seen_set(mdm_model *m, const int32_t *s, size_t N)
{
    free(m->seen);
    m->seen = ts_calloc((size_t)m->c.V, 1);
    for (size_t i = 0; i < N; i++)
        if (s[i] >= 0 && s[i] < m->c.V) m->seen[s[i]] = 1;
}

/* the optional CONFIG key `key`: n comma-separated weights in [0, 1e6) into out,
 * *has = 1; absent: *has = 0. 0, or -1 + one line naming the file and the key */
static int read_weights(const ts_reader *r, const char *key, int n, double *out, int *has)
{
    *has = 0;
    char *s = ts_reader_has(r, "CONFIG", key) ? ts_reader_text_value(r, "CONFIG", key) : NULL;
    if (!s) return 0;
    char *q = s, *end = NULL;
    int bad = 0;
    for (int i = 0; i < n && !bad; i++) {
        out[i] = strtod(q, &end);
        bad = end == q || !(out[i] >= 0 && out[i] < 1e6) || *end != (i + 1 < n ? ',' : 0);
        q = end + (i + 1 < n);
    }
    free(s);
    if (bad) return ts_fail("%s: section 'CONFIG': '%s' is not %d comma-separated numbers in [0, 1e6)", r->path, key, n);
    *has = 1;
    return 0;
}

/* the most hidden events fill gives one window (ts_model.piece): half the crop impute reads
 * by default, so that each piece of a long gap is read with events on both sides in it; one
 * window over a whole gap takes a pass over all of it per event (8,000 events: 38 s) */
static size_t fill_piece(const mdm_model *m)
{
    infill_opts io;
    memset(&io, 0, sizeof io);
    const size_t p = infill_ctx(m, &io) / 2;
    return p ? p : 1;
}

int model_load(ts_model **out, const ts_reader *r)
{
    mdm_model *m = ts_calloc(1, sizeof *m);
    m->base.ops = &ts_model_mdm;
    long v[10] = {0};
    const struct { const char *k; long lo, hi; } keys[] = {
        {"layers", 1, 256}, {"channels", 2, 4096}, {"state", 2, 1024}, {"ff", 1, 65536},
        {"vocab", 1, 1 << 24}, {"context", 2, 4096}, {"len", 0, 100000000}, {"prior_order", 0, 64},
        {"kernel", 1, 63}, {"heads", 1, 256},
    };
    /* models from before the transformer backbone have no 'backbone' and 'heads': S4 */
    int has_backbone = ts_reader_has(r, "CONFIG", "backbone");
    if (!has_backbone) v[9] = 4;
    for (int i = 0; i < (v[9] ? 9 : 10); i++)
        if (ts_reader_long(r, "CONFIG", keys[i].k, keys[i].lo, keys[i].hi, &v[i]) != 0) { free(m); return -1; }
    m->c = (mdm_config){(int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[8], 0, (int)v[9]};
    if (v[0] * (v[1] + v[3]) > MAX_EVENT_WIDTH) {
        free(m);
        return ts_fail("%s: section 'CONFIG': %ld layers x (%ld channels + %ld ff) is over the limit of %ld for one "
                       "event's activations (corrupt or hostile file?)", r->path, v[0], v[1], v[3], MAX_EVENT_WIDTH);
    }
    m->c.backbone = BACKBONE_S4;
    if (has_backbone) {
        static const char *const backbones[] = {"s4", "transformer", NULL};
        int bb;
        if (ts_reader_choice(r, "CONFIG", "backbone", backbones, &bb) != 0) { free(m); return -1; }
        m->c.backbone = bb == 0 ? BACKBONE_S4 : BACKBONE_TRANSFORMER;
    }
    if (m->c.backbone == BACKBONE_TRANSFORMER && (m->c.C % m->c.heads || (m->c.C / m->c.heads) % 2)) {
        free(m);
        return ts_fail("%s: section 'CONFIG': 'channels' must be 'heads' times an even number", r->path);
    }
    m->base.len = (size_t)v[6];
    m->base.piece = fill_piece(m);
    m->prior_order = (int)v[7];
    if (m->c.N % 2 || m->c.K % 2 == 0) {
        free(m);
        return ts_fail("%s: section 'CONFIG': 'state' must be even and 'kernel' odd", r->path);
    }
    /* the range impute takes (--prior-weight): a larger one is no file this project wrote */
    if (ts_reader_double(r, "CONFIG", "prior_weight", 0, 1000, &m->prior_weight) != 0) { free(m); return -1; }
    /* optional: one weight per blackout size (models before it have one weight), and
     * the gated weights (models before them have none) */
    if (read_weights(r, "prior_weights", NKW, m->kw, &m->has_kw) != 0 ||
        read_weights(r, "prior_gate", MDM_GATE_N, m->gate, &m->has_gate) != 0 ||
        read_weights(r, "prior_copy", MDM_GATE_N, m->copy, &m->has_copy) != 0 ||
        read_weights(r, "prior_window", NKW, m->win, &m->has_win) != 0 ||
        read_weights(r, "prior_steps", 2 * NKW, m->steps, &m->has_steps) != 0) {
        free(m);
        return -1;
    }
    /* optional (models before it have none): the chain likelihood's n-gram share */
    if (ts_reader_has(r, "CONFIG", "chain_weight") || ts_reader_has(r, "CONFIG", "chain_mixture") ||
        ts_reader_has(r, "CONFIG", "chain_order")) {   /* all three or none */
        long co;
        if (ts_reader_double(r, "CONFIG", "chain_weight", 0, 1, &m->chain_w) != 0 ||
            ts_reader_long(r, "CONFIG", "chain_order", 1, TS_KN_MAX_ORDER, &co) != 0) {
            free(m);
            return -1;
        }
        static const char *const kinds[] = {"linear", "switch", NULL};
        if (ts_reader_choice(r, "CONFIG", "chain_mixture", kinds, &m->chain_kind) != 0) { free(m); return -1; }
        if (m->prior_order == 0) {
            free(m);
            return ts_fail("%s: section 'CONFIG': 'chain_weight' without the n-gram prior", r->path);
        }
        m->chain_order = (int)co;
        m->has_chain = 1;
        m->chain_valid[0] = m->chain_valid[1] = m->chain_valid[2] = NAN;
    }
    for (int i = 0; i < NKW && m->has_win; i++)
        if (m->win[i] != (int)m->win[i] || m->win[i] > (m->prior_order ? m->prior_order : WIN_CMAX)) {
            double x = m->win[i];
            free(m);
            return ts_fail("%s: section 'CONFIG': 'prior_window' value %d is %g, not a whole number of at most the "
                           "prior's order", r->path, i + 1, x);
        }
    for (int i = 0; i < 2 * NKW && m->has_steps; i++)
        if (m->steps[i] != (int)m->steps[i] || m->steps[i] > 4096) {
            double x = m->steps[i];
            free(m);
            return ts_fail("%s: section 'CONFIG': 'prior_steps' value %d is %g, not a whole number of hidden events "
                           "per evaluation (0 to 4096)", r->path, i + 1, x);
        }
    for (int i = 0; i < MDM_GATE_N; i++)
        if (m->has_copy && m->copy[i] != 0 && m->copy[i] != 1) {
            double x = m->copy[i];
            free(m);
            return ts_fail("%s: section 'CONFIG': 'prior_copy' value %d is %g, not 0 or 1", r->path, i + 1, x);
        }
    layout_of(&m->c, &m->p);
    if (ts_reader_expect_size(r, "PARAMS", m->p.total, sizeof(float)) != 0) {
        free(m);
        return -1;
    }
    alloc_params(m);
    if (ts_reader_f32(r, "PARAMS", m->params, m->p.total) != 0) { model_free(&m->base); return -1; }
    for (size_t i = 0; i < m->p.total; i++)
        if (!isfinite(m->params[i])) {
            model_free(&m->base);
            return ts_fail("%s: section 'PARAMS': parameter %zu is not finite", r->path, i);
        }
    if (m->prior_order > 0) {
        const ts_chunk *c = ts_reader_get(r, "PRIOR");
        if (!c || c->size == 0 || c->size % 4) {
            model_free(&m->base);
            return ts_fail("%s: section 'PRIOR' is missing or not a stream of 32-bit IDs", r->path);
        }
        size_t N = c->size / 4;
        int32_t *st = ts_malloc(N * sizeof *st);
        for (size_t i = 0; i < N; i++) {
            st[i] = ts_chunk_i32(c, i);
            if (st[i] < -1 || st[i] >= m->c.V) {
                const int V = m->c.V;   /* read before the model is freed */
                free(st);
                model_free(&m->base);
                return ts_fail("%s: section 'PRIOR': event %zu has ID outside [-1, %d)", r->path, i, V);
            }
        }
        seen_set(m, st, N);
        m->prior = ts_ngram_new(st, N, m->prior_order);
        free(st);
        if (!m->prior) { model_free(&m->base); return ts_fail("%s: section 'PRIOR' is too long", r->path); }
    } else if (ts_reader_has(r, "SEEN", NULL)) {   /* optional: files from before it draw any ID */
        const ts_chunk *c = ts_reader_get(r, "SEEN");
        if (c->size == 0 || c->size % 4) {
            model_free(&m->base);
            return ts_fail("%s: section 'SEEN' is empty or not a list of 32-bit IDs", r->path);
        }
        m->seen = ts_calloc((size_t)m->c.V, 1);
        for (size_t i = 0; i < c->size / 4; i++) {
            const int32_t id = ts_chunk_i32(c, i);
            if (id < 0 || id >= m->c.V) {
                const int V = m->c.V;
                model_free(&m->base);
                return ts_fail("%s: section 'SEEN': entry %zu is ID %d, outside [0, %d)", r->path, i, id, V);
            }
            m->seen[id] = 1;
        }
    }
    *out = &m->base;
    return 0;
}

/* a single-channel model file: its network's vocabulary is the file's NIDS, the range
 * every input ID is checked against (a larger NIDS would let IDs past the embedding in) */
static int load_single(ts_model **out, const ts_reader *r)
{
    unsigned char nb[4];
    long V;
    if (ts_reader_copy(r, "NIDS", nb, 4) != 0 || ts_reader_long(r, "CONFIG", "vocab", 1, 1 << 24, &V) != 0) return -1;
    int32_t n_ids = (int32_t)ts_le_get32(nb);
    if (V != n_ids)
        return ts_fail("%s: section 'CONFIG': 'vocab' = %ld, section 'NIDS' = %d (corrupt file)", r->path, V, n_ids);
    return model_load(out, r);
}

/* ---- training ---- */

typedef struct {
    mdm_model *m;
    const ts_windows *tw;
    const mdm_opts *so;
    plan pl;
    int32_t *tgt;             /* (B ctx) */
    size_t vn;                /* validation crops */
    int32_t *vx;              /* (vn, ctx) */
    uint8_t *vh;              /* (vn, ctx) hidden */
    float *vt;                /* (vn) masking level */
    float *w;                 /* (B ctx) weights */
    const ts_windows *valid;  /* the choices' windows after the loop */
    size_t tune_n;            /* and how many per position: --valid-windows, or fewer (--budget) */
    char after_opt[48];       /* the option that makes those fewer, for a resume */
    unsigned leave;           /* TS_TRAIN_LEAVE_* bits: the choices not made after the loop */
    /* a batch of more than TRAIN_WHOLE_MAX logits: the plan is a trunk's and the head
     * goes block by block over the rows whose loss counts (train_head) */
    int blocked;
    int R;                    /* a block's rows */
    float *blk;               /* (R, V) a block's logits, then their gradient */
    float *bh, *bdx;          /* (R, C) the block's rows of hT, their gradient */
    float *bw;                /* (R) their weights */
    int32_t *btg;             /* (R) their targets */
    size_t *brow;             /* (R) their places in the batch */
} train_ctx;

/* A batch's logits (B ctx V floats) up to this many are computed in one product, and their
 * gradient beside them, as they always were: the models of such vocabularies keep their
 * bits. Past it (a vocabulary of thousands of names: 32 crops of 128 and 40,000 names
 * would hold 1.3 GB), train_head goes block by block over the rows that count, a block
 * of about TRAIN_BLOCK_FLOATS; the head's weight gradient is then summed over the rows
 * in other pieces, which rounds otherwise. */
#define TRAIN_WHOLE_MAX ((size_t)1 << 24)
#define TRAIN_BLOCK_FLOATS ((size_t)1 << 22)

/* the weighted cross-entropy of the batch's rows with tgt >= 0 (w NULL: weights 1), as
 * xent of the batch's logits, with the head applied to R of those rows at a time (a
 * block's logits turned into their gradient in place); grad: that gradient times scale
 * through the head, into the model's gradients and pl->dhT (the other rows' 0) */
static double train_head(train_ctx *c, const float *w, int grad, double scale)
{
    const mdm_model *m = c->m;
    plan *pl = &c->pl;
    const size_t C = (size_t)m->c.C, BL = (size_t)pl->B * pl->L;
    const float *P = m->params;
    float *G = m->grads;
    if (grad) memset(pl->dhT, 0, BL * C * sizeof(float));
    double sum = 0;
    for (size_t i = 0; i < BL;) {
        int r = 0;
        for (; i < BL && r < c->R; i++) {
            if (c->tgt[i] < 0) continue;
            memcpy(c->bh + (size_t)r * C, pl->hT + i * C, C * sizeof(float));
            c->btg[r] = c->tgt[i];
            c->bw[r] = w ? w[i] : 1.0f;
            c->brow[r++] = i;
        }
        if (!r) break;
        head_rows(m, c->bh, r, c->blk);
        sum = xent_from(sum, c->blk, c->btg, w ? c->bw : NULL, (size_t)r, m->c.V, grad ? c->blk : NULL, scale);
        if (!grad) continue;
        memset(c->bdx, 0, (size_t)r * C * sizeof(float));
        ts_linear_backward(c->bdx, G + m->p.hw, G + m->p.hb, c->blk, c->bh, P + m->p.hw, r, (int)C, m->c.V);
        for (int j = 0; j < r; j++) memcpy(pl->dhT + c->brow[j] * C, c->bdx + (size_t)j * C, C * sizeof(float));
    }
    return sum;
}

/* hide positions [a, a+len) of hb (1 = hidden) each with probability t, at least one */
void hide(uint8_t *hb, int a, int len, double t, ts_rng *r)
{
    int any = 0;
    for (int l = a; l < a + len; l++) {
        hb[l] = ts_rng_uniform(r) < t;
        any |= hb[l];
    }
    if (!any) hb[a + (int)ts_rng_below(r, (uint64_t)len)] = 1;
}

/* fixed evaluation crops: up to want windows of w spread evenly, the middle
 * `context` events of each, masking levels t_j = (j + 1/2) / n */
static void make_crops(train_ctx *c, const ts_windows *w, size_t want, uint64_t seed)
{
    const int Lc = c->pl.L;
    c->vn = w->n < want ? w->n : want;
    c->vx = ts_malloc(c->vn * Lc * sizeof(int32_t));
    c->vh = ts_malloc(c->vn * Lc);
    c->vt = ts_malloc(c->vn * sizeof(float));
    ts_rng vr;
    ts_rng_seed(&vr, seed ^ 0x76616c6964ull);
    for (size_t j = 0; j < c->vn; j++) {
        size_t src = c->vn > 1 ? j * (w->n - 1) / (c->vn - 1) : 0;
        memcpy(c->vx + j * Lc, w->data + src * w->len + (w->len - (size_t)Lc) / 2, (size_t)Lc * sizeof(int32_t));
        c->vt[j] = (float)((j + 0.5) / c->vn);
        hide(c->vh + j * Lc, 0, Lc, c->vt[j], &vr);
    }
}

static int train_step(void *ctx, ts_rng *rng, float *loss)
{
    train_ctx *c = ctx;
    mdm_model *m = c->m;
    const int B = c->pl.B, Lc = c->pl.L, V = m->c.V;
    const size_t L = c->tw->len;
    uint8_t hb[4096];
    size_t cnt = 0;
    for (int b = 0; b < B; b++) {
        const int32_t *x = c->tw->data + ts_rng_below(rng, c->tw->n) * L;
        x += ts_rng_below(rng, L - (size_t)Lc + 1);
        memset(hb, 0, (size_t)Lc);
        double t = 1.0 - ts_rng_uniform(rng);
        if (ts_rng_uniform(rng) < c->so->span_frac) {
            int smax = (int)(c->so->span_max < Lc ? c->so->span_max : Lc);
            int len = 1 + (int)ts_rng_below(rng, (uint64_t)smax);
            double u = ts_rng_uniform(rng);
            int a = u < 0.25 ? (Lc - len) / 2 : u < 0.5 ? Lc - len : (int)ts_rng_below(rng, (uint64_t)(Lc - len + 1));
            hide(hb, a, len, t, rng);
        } else {
            hide(hb, 0, Lc, t, rng);
        }
        for (int l = 0; l < Lc; l++) {
            size_t i = (size_t)b * Lc + l;
            c->pl.ids[i] = hb[l] ? V : x[l];
            c->tgt[i] = hb[l] ? x[l] : -1;
            cnt += hb[l];
        }
    }
    /* dropout's masks: a draw of the batch's (none without it, so that a run without
     * dropout draws as before); validation runs without */
    c->pl.dropout = c->so->dropout;
    c->pl.drop_seed = c->so->dropout > 0 ? ts_rng_u64(rng) : 0;
    net_forward(m, &c->pl);
    c->pl.dropout = 0;
    double s = c->blocked ? train_head(c, NULL, 1, 1.0 / (double)cnt)
                          : xent(c->pl.logits, c->tgt, NULL, (size_t)B * Lc, V, c->pl.dlogits, 1.0 / (double)cnt);
    *loss = (float)(s / (double)cnt);
    net_backward(m, &c->pl);
    return 0;
}

/* the MDLM bound in bits per event on the fixed validation crops */
static int train_validate(void *ctx, double *loss)
{
    train_ctx *c = ctx;
    mdm_model *m = c->m;
    const int B = c->pl.B, Lc = c->pl.L, V = m->c.V;
    double sum = 0;
    for (size_t s = 0; s < c->vn; s += (size_t)B) {
        int nb = (int)(c->vn - s < (size_t)B ? c->vn - s : (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t j = s + (size_t)(b < nb ? b : 0);
            for (int l = 0; l < Lc; l++) {
                size_t i = (size_t)b * Lc + l, k = j * Lc + l;
                int h = c->vh[k];
                c->pl.ids[i] = h ? V : c->vx[k];
                c->tgt[i] = h && b < nb ? c->vx[k] : -1;
                c->w[i] = (float)(1.0 / c->vt[j]);
            }
        }
        net_forward(m, &c->pl);
        sum += c->blocked ? train_head(c, c->w, 0, 0) : xent(c->pl.logits, c->tgt, c->w, (size_t)B * Lc, V, NULL, 0);
    }
    *loss = sum / ((double)c->vn * Lc) / log(2.0);
    return 0;
}

static int train_save(void *ctx, const char *path)
{
    train_ctx *c = ctx;
    return ts_model_save(&c->m->base, path);
}

/* ---- the choices' time under --budget ----
 * The work after the loop counted in network evaluations of one window, from how
 * long each part took on a 4 x 128 network (sqlite, 2 threads: 337 s in all): per
 * size, the evaluation whose logits the weights' replays score, with the replays
 * about 0.6 of it again (1.6: 29 s for the five sizes); the two decodings, 1 + k
 * evaluations of a blackout of k (285 s); the chain likelihood, about 0.6 of an
 * evaluation per event of its windows (22 s). */
static double after_evals(size_t L, size_t n, size_t nchain)
{
    double e = 0;
    for (int kb = 0; kb < NKW; kb++) {
        const size_t k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
        if (!k) continue;
        e += 2.0 * (double)n * 1.6;
        if (k >= 2) e += 2.0 * (double)n * (double)(1 + k);
    }
    return e + 0.6 * (double)nchain * (double)L;
}

#define AFTER_CALLS (NKW + 2 * (NKW - 1))   /* imputations after the loop: one per size, two per decoding */

/* the windows of the choices after the loop (--valid-windows), fewer where all of them
 * would take more than share_s (but not below TUNE_WINDOWS_MIN unless given so): one
 * window's evaluation and one imputation's set-up timed on up to 64 validation windows
 * (a blackout of 10, centre and end, filled in one evaluation and in ten: the set-up,
 * buffers first touched, is what the ten do not take again), times the evaluations and
 * imputations; and the bound on the validation and test crops (two validations) */
static double train_after(void *ctx, double share_s, double valid_s)
{
    train_ctx *c = ctx;
    mdm_model *m = c->m;
    const ts_windows *v = c->valid;
    const size_t want = (size_t)c->so->valid_windows;
    c->tune_n = want;
    if (!m->prior || !v || !v->n || v->len < 2) return 2 * valid_s;
    const size_t L = v->len, n = v->n < 32 ? v->n : 32, k = 10 < L / 2 ? 10 : L / 2;
    int32_t *y = ts_malloc(2 * n * L * sizeof *y);
    uint8_t *hid = ts_malloc(2 * n * L);
    tune_windows(v, n, k, y, hid);   /* n centre, n end: 2n windows */
    int32_t *yy = ts_malloc(2 * n * L * sizeof *yy);
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.weight = 1, io.batch = 64;
    const int steps[2] = {1, (int)k};
    double t[2] = {0, 0};
    int rc = 0;
    for (int r = 0; r < 2 && rc == 0; r++) {
        ts_progress prog;
        ts_progress_start(&prog, "budget", (long)(2 * n));
        prog.enabled = 0;
        long done = 0;
        io.steps = steps[r];
        memcpy(yy, y, 2 * n * L * sizeof *y);
        const double t0 = ts_train_clock();   /* the budget's clock, as the loop's timing */
        rc = infill(m, yy, hid, 2 * n, L, &io, &prog, &done);
        t[r] = ts_train_clock() - t0;
        ts_progress_end(&prog);
    }
    free(y);
    free(yy);
    free(hid);
    if (rc != 0) return -1;
    /* noise can make the ten look faster than the one: then the one's time is all evaluation */
    double per = k > 1 ? (t[1] - t[0]) / ((double)(k - 1) * (double)(2 * n)) : 0;
    if (per <= 0 || per > t[0] / (double)(2 * n)) per = t[0] / (double)(2 * n);
    const double setup = t[0] - per * (double)(2 * n);
    /* the chain's windows: none where its mixture is not chosen */
    const int chain = !(c->leave & TS_TRAIN_LEAVE_LIKELIHOOD);
    const size_t nv = v->n < want ? v->n : want, cw = chain_windows(want, v->n), nc = !chain ? 0 : cw < v->n ? cw : v->n;
    /* the decoding counted where the caller chooses it too (TS_TRAIN_LEAVE_DECODING): right
     * after, on these windows, at most as long */
    const double all = per * after_evals(L, nv, nc) + setup * AFTER_CALLS;
    if (all > share_s) {
        const size_t least = want < TUNE_WINDOWS_MIN ? want : TUNE_WINDOWS_MIN;
        size_t r = (size_t)floor((double)nv * share_s / all);
        if (r < least) r = least;
        /* fewer than the windows there are: the records name r, and --valid-windows r
         * makes the same choices (the chain's share of r too) */
        if (r < nv) c->tune_n = r;
    }
    const size_t tn = v->n < c->tune_n ? v->n : c->tune_n, tc = chain_windows(c->tune_n, v->n);
    const size_t cn = !chain ? 0 : tc < v->n ? tc : v->n;
    return 2 * valid_s + per * after_evals(L, tn, cn) + setup * AFTER_CALLS;
}

/* what a resume of a budgeted run is given for train_after's plan: the windows it chose,
 * where fewer than --valid-windows */
static const char *train_after_options(void *ctx)
{
    train_ctx *c = ctx;
    c->after_opt[0] = 0;
    if (c->tune_n < (size_t)c->so->valid_windows)
        snprintf(c->after_opt, sizeof c->after_opt, "--valid-windows %zu", c->tune_n);
    return c->after_opt;
}

static int model_train(ts_model **out, const ts_train_opts *o)
{
    *out = NULL;
    const ts_windows *tw = &o->split->train;
    if (tw->n == 0) return ts_fail("mdm: no training windows");
    mdm_opts so;
    if (parse_opts("mdm", &o->kv, tw->len, &so) != 0) return -1;
    if (check_size("mdm", &so.c, (long)o->n_ids) != 0) return -1;
    mdm_model *m = ts_calloc(1, sizeof *m);
    m->base.len = 0;   /* any window length */
    if (ts_model_base_init(&m->base, &ts_model_mdm, o) != 0) {
        free(m);
        return -1;
    }
    m->c = so.c;
    m->c.V = o->n_ids;
    m->base.piece = fill_piece(m);
    alloc_params(m);
    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.tw = tw;
    c.so = &so;
    c.valid = &o->split->valid;
    c.tune_n = (size_t)so.valid_windows;
    c.leave = o->leave;
    int rc = -1;
    if (init_params(m, o->seed) != 0) goto done;
    {   /* the IDs the training part holds (its stream with --also's, else its windows) */
        size_t N;
        int32_t *s = o->split->train_stream.n > 0 ? ts_split_train_events(o->split, -1, &N) : NULL;
        if (s) seen_set(m, s, N);
        else seen_set(m, tw->data, tw->n * tw->len);
        free(s);
    }
    if (so.prior) {
        const ts_seq *st = &o->split->train_stream;
        if (st->n > 0) {   /* further streams (--also) after a separator no match spans */
            size_t N;
            int32_t *s = ts_split_train_events(o->split, -1, &N);
            m->prior = ts_ngram_new(s, N, (int)so.prior_order);
            free(s);
        } else {
            size_t N = tw->n * (tw->len + 1) - 1;
            int32_t *s = ts_malloc(N * sizeof *s);
            for (size_t w = 0, j = 0; w < tw->n; w++) {
                if (w) s[j++] = -1;
                memcpy(s + j, tw->data + w * tw->len, tw->len * sizeof *s);
                j += tw->len;
            }
            m->prior = ts_ngram_new(s, N, (int)so.prior_order);
            free(s);
        }
        if (!m->prior) { ts_fail("mdm: the training stream is too long for the n-gram prior"); goto done; }
        m->prior_order = (int)so.prior_order;
        m->prior_weight = 1.0;
    }
    const int B = (int)so.batch, Lc = m->c.ctx;
    c.blocked = (size_t)B * (size_t)Lc * (size_t)m->c.V > TRAIN_WHOLE_MAX;
    if ((c.blocked ? plan_init_trunk_train(&c.pl, m, B, Lc) : plan_init(&c.pl, m, B, Lc, 1)) != 0) goto done;
    if (c.blocked) {
        const size_t most = TRAIN_BLOCK_FLOATS / (size_t)m->c.V;
        c.R = most < 16 ? 16 : most < (size_t)B * Lc ? (int)(most / 16 * 16) : B * Lc;
        c.blk = ts_malloc((size_t)c.R * m->c.V * sizeof(float));
        c.bh = ts_malloc((size_t)c.R * m->c.C * sizeof(float));
        c.bdx = ts_malloc((size_t)c.R * m->c.C * sizeof(float));
        c.bw = ts_malloc((size_t)c.R * sizeof(float));
        c.btg = ts_malloc((size_t)c.R * sizeof(int32_t));
        c.brow = ts_malloc((size_t)c.R * sizeof(size_t));
    }
    c.tgt = ts_malloc((size_t)B * Lc * sizeof(int32_t));
    c.w = ts_malloc((size_t)B * Lc * sizeof(float));
    make_crops(&c, o->split->valid.n ? &o->split->valid : tw, (size_t)so.valid_n, o->seed);

    char cfg[512], start[512];
    config_text(m, cfg, sizeof cfg);
    snprintf(start, sizeof start, "\"layers\":%d,\"channels\":%d,\"state\":%d,\"ff\":%d,\"context\":%d,"
             "\"params\":%zu,\"batch\":%d,\"lr\":%g,\"train_windows\":%zu,\"valid_crops\":%zu,"
             "\"prior_order\":%d,\"dropout\":%g", m->c.layers, m->c.C, m->c.N, m->c.F, Lc, m->p.total, B,
             so.tc.lr.lr, tw->n, c.vn, m->prior_order, so.dropout);
    ts_train_net net = {
        .name = "mdm", .ctx = &c, .params = m->params, .grads = m->grads, .n = m->p.total, .config = cfg,
        .step = train_step, .validate = train_validate, .save = train_save, .after = train_after,
        .after_options = train_after_options,
        .dropout = &so.dropout, .dropout_max = m->c.backbone == BACKBONE_S4 ? DROPOUT_MAX : 0,
        .chance = log2((double)m->c.V),   /* the bound of a uniform guess, bits per event */
        .n_events = o->n_ids, .vocab = o->vocab,
    };
    char split[64];   /* the held-out parts a resume keeps */
    net.split = ts_train_split_text(split, sizeof split, o->split->kind == TS_SPLIT_PAPER, o->split->permille);
    ts_train_cfg tc = so.tc;
    ts_train_cfg_take(&tc, o, start);
    if (ts_train_run(&net, &tc) != 0) goto done;
    /* the bound on test crops, made as the validation ones */
    const ts_windows *tt = &o->split->test;
    if (tt->n && tt->len >= (size_t)Lc) {
        double vb = 0, tb = 0;
        if (train_validate(&c, &vb) != 0) goto done;
        free(c.vx); free(c.vh); free(c.vt);
        make_crops(&c, tt, (size_t)so.valid_n, o->seed);
        if (train_validate(&c, &tb) != 0) goto done;
        ts_train_log(o->log_path, "\"event\":\"bound\",\"valid_bits_per_event\":%.5f,\"test_bits_per_event\":%.5f,"
                     "\"crops\":%zu,\"context\":%d", vb, tb, c.vn, Lc);
    }
    plan_free(&c.pl);

    /* the prior's weights: chosen on validation windows */
    if (m->prior && o->split->valid.n && o->split->valid.len >= 2 &&
        tune_prior(m, &o->split->valid, c.tune_n, chain_windows(c.tune_n, o->split->valid.n), o->seed, o->log_path,
                   NULL, o->progress, o->leave) != 0)
        goto done;
    m->dec_windows = c.tune_n;   /* where the decoding is left to ts_mdm_choose_decoding */
    rc = 0;
done:
    plan_free(&c.pl);
    free(c.tgt); free(c.w); free(c.vx); free(c.vh); free(c.vt);
    free(c.blk); free(c.bh); free(c.bdx); free(c.bw); free(c.btg); free(c.brow);
    if (rc != 0) {
        ts_vocab_free(&m->base.vocab);
        model_free(&m->base);
        return -1;
    }
    *out = &m->base;
    return 0;
}

/* ---- impute / generate ---- */

/* refuses the run options in `not` that `what` does not read (they would be ignored) */
int refuse_keys(const ts_run_opts *o, const char *what, const char *const *not)
{
    for (int i = 0; o && i < o->kv.n; i++)
        for (const char *const *k = not; *k; k++)
            if (!strcmp(o->kv.keys[i], *k)) return ts_opt_fail("mdm", *k, "%s does not take it", what);
    return 0;
}

/* a seed given to a run that draws nothing: unmasking draws only at a temperature above 0
 * or in random order */
#define GREEDY_UNSEEDED "greedy decoding (--temperature 0, --order confident) draws nothing: sample with " \
                        "--temperature T above 0 or --order random, or leave --seed out"

/* --samples N above 1 at greedy decoding: N identical decodings to vote on, refused as a
 * seed is there */
static int greedy_samples(const infill_opts *io, long samples)
{
    if (samples > 1 && io->temperature == 0 && !io->random_order)
        return ts_opt_fail("mdm", "samples", "%ld: greedy decoding (--temperature 0, --order confident) gives one "
                           "decoding, the same every time: sample with --temperature T above 0 or --order random, "
                           "or leave --samples out", samples);
    return 0;
}

static int run_opts(const mdm_model *m, const ts_run_opts *o, infill_opts *io, long *samples)
{
    if (ts_run_samples(o, "mdm", samples) != 0) return -1;
    memset(io, 0, sizeof *io);
    if (ts_kv_double(&o->kv, "temperature", 0, &io->temperature) != 0) return -1;
    if (!(io->temperature >= 0 && io->temperature <= 100))
        return ts_opt_fail("mdm", "temperature", "%g: expected 0 (greedy) to 100", io->temperature);
    if (ts_kv_double(&o->kv, "prior-weight", m->prior ? m->prior_weight : 0, &io->weight) != 0) return -1;
    long gated;
    if (ts_kv_long(&o->kv, "prior-gate", 1, &gated) != 0) return -1;
    if (gated != 0 && gated != 1) return ts_opt_fail("mdm", "prior-gate", "%ld: expected 0 or 1", gated);
    int chosen = m->prior && !ts_kv_get(&o->kv, "prior-weight");
    io->kw = chosen && m->has_kw ? m->kw : NULL;
    io->gate = chosen && m->has_gate && gated ? m->gate : NULL;
    io->copy = chosen && m->has_copy && gated ? m->copy : NULL;
    io->win = chosen && m->has_win && gated ? m->win : NULL;
    if (ts_kv_get(&o->kv, "in-window")) {   /* one context minimum for every size */
        long wv;
        const int cmax = m->prior ? m->prior_order : WIN_CMAX;
        if (ts_kv_long(&o->kv, "in-window", 0, &wv) != 0) return -1;
        if (wv < 0 || wv > cmax)
            return ts_opt_fail("mdm", "in-window", "%ld out of range [0, %d] (%s)", wv, cmax,
                               m->prior ? "the prior's order" : "without a prior");
        for (int i = 0; i < NKW; i++) io->win_all[i] = (double)wv;
        io->win = io->win_all;
    }
    if (!(io->weight >= 0 && io->weight <= 1000))
        return ts_opt_fail("mdm", "prior-weight", "%g: expected 0 to 1000", io->weight);
    if (io->weight > 0 && !m->prior)
        return ts_opt_fail("mdm", "prior-weight", "this model was trained without the n-gram prior");
    if (o->steps < 0) return ts_opt_fail("mdm", "steps", "%d: expected 1 or more", o->steps);
    io->steps = o->steps;
    long cx;
    if (ts_kv_long(&o->kv, "context", 0, &cx) != 0) return -1;
    if (cx < 0 || cx == 1 || cx > 4096)
        return ts_opt_fail("mdm", "context", "%ld: expected 2 to 4096 (0: the default)", cx);
    io->ctx = (size_t)cx;
    const char *om = ts_kv_get(&o->kv, "order");
    if (om && strcmp(om, "random") && strcmp(om, "confident"))
        return ts_opt_fail("mdm", "order", "'%s': expected random or confident", om);
    io->random_order = om && !strcmp(om, "random");
    /* without --steps, the decoding chosen with the weights, for the decoding it was
     * measured on: greedy, most confident first (sampled, one evaluation would draw
     * every hidden event apart); otherwise, and in older files, one event per evaluation */
    io->per = chosen && m->has_steps && gated && !o->steps && io->temperature == 0 && !io->random_order ? m->steps
                                                                                                       : NULL;
    io->seed = o->seed;
    io->batch = o->batch ? o->batch : 64;
    return 0;
}


/* the samples' choice: a vote per event, or (sel) best of N by the chain likelihood */
typedef struct {
    int kind;
    double a;
    size_t batch;             /* windows' crops per network evaluation while ranking */
} chain_choice;

static int fill_all(mdm_model *m, const int32_t *x, const uint8_t *hid, size_t n, size_t L, infill_opts *io,
                    long samples, const chain_choice *sel, const char *label, int progress, int32_t *out)
{
    if (greedy_samples(io, samples) != 0) return -1;
    if (samples > 1) {   /* every window's decodings, kept to vote on or rank */
        char what[160];
        snprintf(what, sizeof what, "--samples %ld of %zu windows of %zu events", samples, n, L);
        if (ts_memory_fits((size_t)samples * n * L * sizeof(int32_t), what, "fewer --samples or windows") != 0)
            return -1;
    }
    int32_t *votes = samples > 1 ? ts_malloc((size_t)samples * n * L * sizeof *votes) : NULL;
    /* with a ranking of the decodings, one bar over both, counting windows (each
     * sample's) as without it: ranking reads each decoding event by event from its first
     * hidden one (many-threads, k = 10: about 5 times the decoding's time), so the
     * decodings fill a sixth of the bar and the ranking the rest */
    const int ranked = votes && sel;
    const long windows = samples * (long)n, decoding = windows / 6 > 0 ? windows / 6 : 1;
    if (ranked) {
        ts_progress_span_begin(label, windows, progress);
        ts_progress_span_part(decoding);
    }
    ts_progress prog;
    ts_progress_start(&prog, label, samples * (long)n);   /* windows, each sample's */
    prog.enabled = progress;
    long done = 0;
    int rc = 0;
    uint64_t seed = io->seed;
    for (long v = 0; v < samples && rc == 0; v++) {
        int32_t *y = votes ? votes + (size_t)v * n * L : out;
        memcpy(y, x, n * L * sizeof *y);
        io->seed = v ? seed ^ ((uint64_t)v * 0x9e3779b97f4a7c15ULL) : seed;
        rc = infill(m, y, hid, n, L, io, &prog, &done);
    }
    io->seed = seed;
    ts_progress_end(&prog);
    if (ranked) ts_progress_span_part(windows - decoding);
    if (votes && rc == 0 && sel)
        rc = chain_select(m, votes, samples, hid, n, L, sel->kind, sel->a, sel->batch, progress, out);
    else if (votes && rc == 0)
        for (size_t i = 0; i < n * L; i++) out[i] = ts_vote(votes + i, n * L, samples);
    if (ranked) ts_progress_span_end();
    free(votes);
    return rc;
}

/* --ensemble FILE[,FILE...]: the files' networks averaged in from now on, in place of
 * any before; a run that calls again with the same list (fill, per gap; the
 * multi-channel crops) keeps them loaded */
static int ensemble_opt(ts_model *base, const ts_run_opts *o)
{
    mdm_model *m = (mdm_model *)base;
    const char *ens = ts_kv_get(&o->kv, "ensemble");
    if (!ens || (m->ens_list && !strcmp(m->ens_list, ens))) return 0;
    ts_mdm_set_ensemble(base, NULL, "");
    if (ts_mdm_load_ensemble(base, ens) != 0) return -1;
    m->ens_list = ts_strdup(ens);
    return 0;
}

/* impute's run options, read and checked before any window (ts_model_run_check too);
 * *likely: 1 with --select likelihood, its mixture in (sel->kind, sel->a) */
static int impute_opts(const mdm_model *m, const ts_run_opts *o, infill_opts *io, long *samples, int *likely,
                       chain_choice *sel)
{
    if (refuse_keys(o, "impute", (const char *const[]){"likelihood", "sampler", NULL}) != 0) return -1;
    if (run_opts(m, o, io, samples) != 0) return -1;
    if (o->seed_given && io->temperature == 0 && !io->random_order)
        return ts_opt_fail("mdm", "seed", GREEDY_UNSEEDED);
    if (greedy_samples(io, *samples) != 0) return -1;
    const char *select = ts_kv_get(&o->kv, "select"), *mix = ts_kv_get(&o->kv, "ngram-mix");
    if (select && strcmp(select, "vote") && strcmp(select, "likelihood"))
        return ts_opt_fail("mdm", "select", "'%s': expected vote or likelihood", select);
    *likely = select && !strcmp(select, "likelihood");
    if (!*likely && mix) return ts_opt_fail("mdm", "ngram-mix", "impute takes it with --select likelihood only");
    /* ranked by the network alone unless --ngram-mix says: mixed with the n-gram, the
     * ranking favours fills the n-gram has memorised (many-threads, 100 validation
     * windows, k = 10, 4 decodings at temperature 1: 91.10 % alone, 90.70 with the
     * chosen switching mixture; at 0.5: 90.60, 90.30) */
    if (*likely && chain_mix_opt(m, mix ? mix : "none", &sel->kind, &sel->a) != 0) return -1;
    sel->batch = o->batch ? o->batch : CHAIN_BATCH;
    return 0;
}

static int model_run_check(const ts_model *base, const ts_run_opts *o)
{
    infill_opts io;
    long samples;
    int likely;
    chain_choice sel;
    return impute_opts((const mdm_model *)base, o, &io, &samples, &likely, &sel);
}

static int model_impute(ts_model *base, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                        const ts_run_opts *o, int32_t *out)
{
    mdm_model *m = (mdm_model *)base;
    infill_opts io;
    long samples;
    int likely;
    chain_choice sel, *psel = NULL;
    if (impute_opts(m, o, &io, &samples, &likely, &sel) != 0) return -1;
    if (likely) {
        if ((sel.kind == CHAIN_SWITCH || sel.a > 0) &&
            chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0)
            return -1;
        psel = &sel;
    }
    if (ensemble_opt(base, o) != 0) return -1;
    uint8_t *hid = ts_malloc(n * L);
    for (size_t i = 0; i < n * L; i++) hid[i] = !mask[i];
    int rc = fill_all(m, x, hid, n, L, &io, samples, psel, "impute", o->progress, out);
    free(hid);
    return rc;
}

int chain_generate(mdm_model *m, size_t n, size_t L, size_t ctx, int kind, double a, double temp,
                   uint64_t seed, size_t batch, int progress, int32_t *out);

/* generate's sampler: --sampler chain's mixture (kind, a) and temperature */
typedef struct { int chain, kind; double a, temp; } gen_sampler;

/* generate's run options, read and checked before any work (ts_model_generate_check too) */
static int generate_opts(const mdm_model *m, const ts_run_opts *o, infill_opts *io, long *samples, gen_sampler *g)
{
    memset(g, 0, sizeof *g);
    if (refuse_keys(o, "generate", (const char *const[]){"likelihood", "select", NULL}) != 0) return -1;
    /* every event is hidden: no blackout to fill from the window, no context for the
     * n-gram's fillers (the prior weighs nothing) */
    if (refuse_keys(o, "generate (nothing is observed)", (const char *const[]){"in-window", NULL}) != 0) return -1;
    if (run_opts(m, o, io, samples) != 0) return -1;
    const char *sampler = ts_kv_get(&o->kv, "sampler"), *mix = ts_kv_get(&o->kv, "ngram-mix");
    if (sampler && strcmp(sampler, "chain") && strcmp(sampler, "unmask"))
        return ts_opt_fail("mdm", "sampler", "'%s': expected unmask or chain", sampler);
    if (sampler && !strcmp(sampler, "chain")) {
        const char *no = *samples != 1 ? "samples" : o->steps ? "steps" : ts_kv_get(&o->kv, "order") ? "order" : NULL;
        if (no)
            return ts_opt_fail("mdm", no, "generate --sampler chain does not take it (one event per network "
                               "evaluation)");
        if (refuse_keys(o, "generate --sampler chain (its n-gram share is --ngram-mix)",
                        (const char *const[]){"prior-weight", "prior-gate", NULL}) != 0)
            return -1;
        g->chain = 1;
        g->temp = 1.0;
        if (chain_mix_opt(m, mix, &g->kind, &g->a) != 0) return -1;
        if (ts_kv_get(&o->kv, "temperature")) g->temp = io->temperature;
        if (!(g->temp >= 0)) return ts_opt_fail("mdm", "temperature", "%g: expected 0 (greedy) or above", g->temp);
        if (o->seed_given && g->temp == 0)
            return ts_opt_fail("mdm", "seed", "greedy decoding (--temperature 0) draws nothing: sample with "
                               "--temperature T above 0, or leave --seed out");
        return 0;
    }
    if (mix) return ts_opt_fail("mdm", "ngram-mix", "goes with --sampler chain (or score --likelihood chain)");
    if (refuse_keys(o, "generate (nothing is observed)", (const char *const[]){"prior-weight", "prior-gate", NULL}) != 0)
        return -1;
    /* every event hidden is one blackout of the whole window: the network reads all of it */
    if (refuse_keys(o, "generate --sampler unmask (it reads the whole window; --sampler chain reads N events)",
                    (const char *const[]){"context", NULL}) != 0)
        return -1;
    if (!ts_kv_get(&o->kv, "temperature")) io->temperature = 1.0;   /* a generator samples */
    /* and reveals events in random order, undoing training's masking: most confident first
     * draws the events the network is surest of before the rest and skews the event mix
     * (docs/results-mdm.md, "Generation: random order") */
    if (!ts_kv_get(&o->kv, "order") && io->temperature > 0) io->random_order = 1;
    if (o->seed_given && io->temperature == 0 && !io->random_order)
        return ts_opt_fail("mdm", "seed", GREEDY_UNSEEDED);
    return 0;
}

static int model_generate_check(const ts_model *base, const ts_run_opts *o)
{
    infill_opts io;
    long samples;
    gen_sampler g;
    if (generate_opts((const mdm_model *)base, o, &io, &samples, &g) != 0) return -1;
    return g.chain ? 0 : greedy_samples(&io, samples);   /* the chain sampler takes one sample */
}

static int model_generate(ts_model *base, size_t n, size_t L, const ts_run_opts *o, int32_t *out)
{
    mdm_model *m = (mdm_model *)base;
    infill_opts io;
    long samples;
    gen_sampler g;
    if (generate_opts(m, o, &io, &samples, &g) != 0) return -1;
    /* the network's limit on a window: a refusal of the run's --length (a usage error) */
    if (L > 4096) return ts_opt_fail("mdm", "length", "%zu: expected at most 4096 events", L);
    if (g.chain) {
        if ((g.kind == CHAIN_SWITCH || g.a > 0) && chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0)
            return -1;
        if (ensemble_opt(base, o) != 0) return -1;
        return chain_generate(m, n, L, io.ctx, g.kind, g.a, g.temp, o->seed, o->batch ? o->batch : CHAIN_BATCH,
                              o->progress, out);
    }
    if (ensemble_opt(base, o) != 0) return -1;
    io.weight = 0;
    io.kw = NULL;
    io.gate = NULL;
    io.copy = NULL;
    if (!io.steps) io.steps = (int)(L < 64 ? L : 64);
    uint8_t *hid = ts_malloc(n * L);
    memset(hid, 1, n * L);
    int32_t *x = ts_calloc(n * L, sizeof *x);
    int rc = fill_all(m, x, hid, n, L, &io, samples, NULL, "generate", o->progress, out);
    free(hid);
    free(x);
    return rc;
}

/* the MDLM bound in bits per event on n windows of L: for each window, MDM_BITS_LEVELS
 * masking levels t_j = (j + u) / levels (u and the hidden positions from a fixed seed,
 * so the figure is reproducible), (1/t) sum_hidden -log2 p(x_i | unmasked) / L, averaged.
 * The network alone, on the whole window. An upper bound on -log2 p(window) / L in
 * expectation over t; the estimate has the variance of levels x n samples. progress:
 * a bar counting the windows done. */
#define MDM_BITS_LEVELS 8
int bound_bits(mdm_model *m, const int32_t *x, size_t n, size_t L, int progress, double *bits)
{
    const int V = m->c.V;
    if (n == 0 || L == 0) return ts_fail("mdm: score: no windows");
    if (L > 4096) return ts_fail("mdm: score: window length %zu: at most 4096", L);
    size_t rows = n * MDM_BITS_LEVELS;
    int B = (int)(rows < 32 ? rows : 32);
    plan pl;   /* the head's rows one block at a time (head_blocks): not B L V floats at once */
    if (plan_init_trunk(&pl, m, B, (int)L) != 0) return -1;
    head_blocks hbk;
    head_blocks_init(&hbk, m, &pl);
    int32_t *tgt = ts_malloc((size_t)B * L * sizeof *tgt);
    float *w = ts_malloc((size_t)B * L * sizeof *w);
    uint8_t *hb = ts_malloc(L);
    ts_rng r;
    ts_rng_seed(&r, 0x6d646d2d62697473ull);
    double sum = 0;
    int rc = 0;
    ts_progress prog;
    ts_progress_start(&prog, "score", (long)n);
    prog.enabled = progress;
    for (size_t s = 0; s < rows; s += (size_t)B) {
        int nb = (int)(rows - s < (size_t)B ? rows - s : (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t row = s + (size_t)(b < nb ? b : 0);
            const int32_t *xw = x + (row / MDM_BITS_LEVELS) * L;
            double t = 1.0;
            if (b < nb) {
                t = ((double)(row % MDM_BITS_LEVELS) + 1.0 - ts_rng_uniform(&r)) / MDM_BITS_LEVELS;
                /* each position hidden with probability t, none forced: a row with nothing
                 * hidden adds 0 (forcing one in made every such row add 1/t times an
                 * event's bits, an estimate whose mean is infinite near t = 0) */
                for (size_t l = 0; l < L; l++) hb[l] = ts_rng_uniform(&r) < t;
            }
            for (size_t l = 0; l < L; l++) {
                size_t i = (size_t)b * L + l;
                int h = b < nb && hb[l];
                pl.ids[i] = h ? V : xw[l];
                tgt[i] = h ? xw[l] : -1;
                w[i] = (float)(1.0 / t);
            }
        }
        net_forward(m, &pl);
        double bsum = 0;   /* the batch's rows in order, as one product's */
        for (size_t k = 0, nk = head_blocks_count(&hbk); k < nk && rc == 0; k++) {
            size_t a;
            const size_t e = head_block_span(&hbk, k, &a);
            head_rows(m, pl.hT + a * m->c.C, (int)(e - a), hbk.chunk);
            for (size_t i = a; i < e && i < (size_t)nb * L; i++)
                if (row_nonfinite(hbk.chunk + (i - a) * V, V)) {
                    rc = output_not_finite("score: ", (s + i / L) / MDM_BITS_LEVELS, i % L);
                    break;
                }
            bsum = xent_from(bsum, hbk.chunk, tgt + a, w + a, e - a, V, NULL, 0);
        }
        if (rc != 0) break;
        sum += bsum;
        ts_progress_update(&prog, (long)((s + (size_t)nb) / MDM_BITS_LEVELS), NULL);
    }
    ts_progress_end(&prog);
    if (rc == 0) *bits = sum / ((double)rows * (double)L) / log(2.0);
    head_blocks_free(&hbk);
    plan_free(&pl);
    free(tgt);
    free(w);
    free(hb);
    return rc;
}

/* the prior's stream: the training events, kept in the file (section PRIOR) */
static const int32_t *model_train_events(const ts_model *base, size_t *N)
{
    const mdm_model *m = (const mdm_model *)base;
    if (!m->prior) return NULL;
    return ts_ngram_stream(m->prior, N, NULL);
}

/* --ensemble's models, as its last run loaded them */
static const ts_model *model_ensemble_member(const ts_model *base, int i)
{
    const mdm_model *m = (const mdm_model *)base;
    return i >= 0 && i < m->n_ens ? m->ens[i] : NULL;
}

const ts_model_ops ts_model_mdm = {
    .name = "mdm",
    .summary = "masked (absorbing-state) diffusion over event categories (S4 or transformer), n-gram prior",
    .help =
        "  --backbone B          s4 (default: bidirectional S4 + feed-forward blocks) or\n"
        "                        transformer (pre-LN encoder blocks, rotary positions)\n"
        "  --heads H             attention heads of the transformer (4)\n"
        "  --layers N            blocks (4); N x C x (1 + M) at most 65,536\n"
        "  --channels C          embedding and residual channels (128)\n"
        "  --state N             S4 state size (64)\n"
        "  --ff M                feed-forward width M x C (2)\n"
        "  --kernel K            S4: the feed-forward's first convolution spans K events\n"
        "                        (3): exact neighbours, which S4's smooth kernels blur\n"
        "  --context N           training crop length (128, at most L); see impute's\n"
        "                        --context below\n"
        "  --batch N             crops per training batch (32)\n"
        "  --span-frac X         share of crops masked as one span (0.5); the rest\n"
        "                        hide each event with probability t ~ U(0, 1]\n"
        "  --span-max N          longest training span (64)\n"
        "  --dropout P           training's dropout of the feed-forward's hidden units,\n"
        "                        P in [0, 0.9] (s4 backbone; default 0: none); a\n"
        "                        --resume goes on with its checkpoint's unless given\n"
        "  --prior 0|1           keep the n-gram's evidence as a prior (1); its weights\n"
        "                        are chosen on validation windows after training (and\n"
        "                        again by 'tracesynth tune-prior'): per blackout size\n"
        "                        (1, 5, 10, 20, 40 events), how the n-gram matched\n"
        "                        (one side, both backed off, both at full order) and\n"
        "                        how its fillers agree, for --steps 1 decoding; then\n"
        "                        impute's default decoding per size and position (one\n"
        "                        evaluation for the whole blackout, or one per event;\n"
        "                        these choices take minutes; --budget keeps their\n"
        "                        time, and makes them on fewer windows where they would\n"
        "                        take more than a quarter of it, or than what --iters\n"
        "                        leaves of it)\n"
        "  --prior-order N       its context length (12)\n"
        "  --valid-n N           validation crops for the bound in bits per event (128)\n"
        "  --valid-windows N     validation windows per blackout position and size for\n"
        "                        the choices after training (500; 48 of the chain's\n"
        "                        mixture, in proportion below 500 unless all there are);\n"
        "                        a --budget may take fewer (at least 25), its log's\n"
        "                        decoding records say how many: --iters I\n"
        "                        --valid-windows N trains the same model\n"
        TS_TRAIN_HELP
        "                        (defaults: --lr 2e-3, --schedule cosine with\n"
        "                        --warmup 100 or 5 % of --iters if fewer, --iters 2000,\n"
        "                        --valid-every 200)\n"
        "  impute/generate: --steps S network evaluations per window (impute's default:\n"
        "                 the decoding chosen per blackout size and position (both\n"
        "                 sides seen, or one) on validation windows with the\n"
        "                 prior's weights, one evaluation for the whole\n"
        "                 blackout or one per hidden event, when greedy and most\n"
        "                 confident first; otherwise, or without the choice, one\n"
        "                 per hidden event; generate: 64), --batch B (64),\n"
        "                 --temperature T (0: greedy; generate 1), --order O (which\n"
        "                 hidden events each evaluation reveals: confident, the\n"
        "                 most confident first (impute's default), or random,\n"
        "                 uniformly as in the reverse of training's masking\n"
        "                 (generate's default at T above 0); each drawn at T;\n"
        "                 --seed draws only then, or at T above 0: greedy and\n"
        "                 confident refuses it), --samples N (a vote per event),\n"
        "                 --prior-weight W (one weight for all; default the\n"
        "                 trained choices; 0: the network alone), --prior-gate\n"
        "                 0|1 (0: the chosen weight per blackout size only, no\n"
        "                 gate; default 1), --context N (impute: the\n"
        "                 events around a blackout the network sees; default S4 twice\n"
        "                 the training context, transformer the training context),\n"
        "                 --ensemble FILE[,FILE...] (average the log-probabilities of\n"
        "                 this model's network and the files', other mdm models\n"
        "                 (at most 8) whose events are matched by name, each network\n"
        "                 reading the events its own context gives unless --context\n"
        "                 says; the prior stays this model's: choose its weights for\n"
        "                 the ensemble with tune-prior --ensemble)\n"
        "  --in-window C    impute: a blackout whose C events on each side (or on\n"
        "                 one, where the n-gram's stream matches one side only) recur\n"
        "                 in the window's own visible events, matched longer than in\n"
        "                 the stream, takes the filler found there (0: never; default:\n"
        "                 per blackout size as chosen with the prior's weights)\n"
        "  --select vote|likelihood  impute: how --samples N decodings become one\n"
        "                 fill: vote (default, per event) or likelihood (per window,\n"
        "                 best of N: the decoding whose whole window the chain likelihood\n"
        "                 below rates highest, the network's alone unless --ngram-mix\n"
        "                 says; one network evaluation per event from the first\n"
        "                 hidden one on, per distinct decoding); impute and generate\n"
        "                 take --samples N above 1 only where decodings are drawn, at T\n"
        "                 above 0 or --order random (greedy and confident refuses it)\n"
        "  score: bits per event by the masked-diffusion bound (an upper bound on the\n"
        "                 negative log2-likelihood): the network alone on whole windows,\n"
        "                 8 masking levels per window from a fixed seed\n"
        "  --likelihood chain     score: the exact likelihood by the chain rule, left to\n"
        "                 right (one network evaluation per event: 500 windows of 200\n"
        "                 under the default network about 4 minutes on one thread,\n"
        "                 the bound 20 s; the network sees\n"
        "                 the crop of the training context's events ending at the\n"
        "                 event, near a window's start its first ones, the event and\n"
        "                 all after it hidden); score takes no --steps, --samples,\n"
        "                 --temperature, --prior-*, --in-window, --context or\n"
        "                 --ensemble; generate none of --in-window, --prior-*\n"
        "  --ngram-mix M          with --likelihood chain: none (the network alone),\n"
        "                 linear:W (every event (1 - W) p_network + W p_n-gram, the\n"
        "                 n-gram: Kneser-Ney of the training stream) or switch:A (a\n"
        "                 mixture that follows whichever of the two predicted the\n"
        "                 window's events so far better, A: its switching rate);\n"
        "                 default: what tune-prior chose on validation windows, else\n"
        "                 none; with generate --sampler chain, the same mixture draws,\n"
        "                 with impute --select likelihood it ranks (default there: none)\n"
        "  --sampler S            generate: unmask (default: all hidden, unmasked in\n"
        "                 --steps rounds) or chain (left to right, one event per\n"
        "                 network evaluation: exact samples of the chain likelihood;\n"
        "                 --temperature T draws from each event's distribution to\n"
        "                 the power 1/T, 0: the most likely event; --context N:\n"
        "                 the network reads the N events up to the drawn one,\n"
        "                 default the training context)\n"
        "  chain likelihood and sampler: --batch B crops (score, and impute's ranking\n"
        "                 by --select likelihood) or windows (generate) per network\n"
        "                 evaluation (32, rounded up to even); the same bits for any B\n"
        "  impute and generate (either sampler) never draw an event the training\n"
        "                 part does not hold (such as <unk>): the network's\n"
        "                 distribution is taken over the events it held\n",
    .train = model_train,
    .save = model_save,
    .load = load_single,
    .impute = model_impute,
    .generate = model_generate,
    .free = model_free,
    .bits = model_bits,
    .train_keys = mdm_keys,
    .run_keys = (const char *const[]){"samples", "temperature", "prior-weight", "prior-gate", "in-window", "context", "ensemble",
                                      "likelihood", "ngram-mix", "sampler", "select", "order", NULL},
    .train_reads = TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS | TS_TRAIN_READS_RESUME,
    /* the seed when it samples (--temperature above 0, --order random) */
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
    .run_check = model_run_check,
    .generate_check = model_generate_check,
    .train_events = model_train_events,
    .ensemble_member = model_ensemble_member,
    .run_load = ensemble_opt,
};

/* ---- the network alone (tracesynth/mdm.h) ---- */

struct ts_mdm_net { mdm_model m; double dropout; uint64_t drop_seed; };

int ts_mdm_net_set_dropout(ts_mdm_net *n, double p, uint64_t seed)
{
    if (!(p >= 0 && p <= DROPOUT_MAX)) return ts_fail("mdm: dropout %g out of range [0, %g]", p, DROPOUT_MAX);
    if (p > 0 && n->m.c.backbone != BACKBONE_S4) return ts_fail("mdm: dropout is the s4 backbone's only");
    n->dropout = p;
    n->drop_seed = seed;
    return 0;
}

ts_mdm_net *ts_mdm_net_new(int layers, int C, int N, int F, int K, int V, uint64_t seed)
{
    return ts_mdm_net_new_backbone(0, 0, layers, C, N, F, K, V, seed);
}

ts_mdm_net *ts_mdm_net_new_backbone(int transformer, int heads, int layers, int C, int N, int F, int K, int V,
                                    uint64_t seed)
{
    if (transformer && (heads < 1 || C % heads || (C / heads) % 2)) {
        ts_fail("mdm: bad transformer sizes (channels %d, heads %d)", C, heads);
        return NULL;
    }
    if (layers < 1 || C < 2 || N < 2 || N % 2 || F < 1 || K < 1 || K % 2 == 0 || V < 1) {
        ts_fail("mdm: bad network sizes (layers %d, channels %d, state %d, ff %d, kernel %d, vocabulary %d)", layers,
                C, N, F, K, V);
        return NULL;
    }
    ts_mdm_net *n = ts_calloc(1, sizeof *n);
    n->m.c = (mdm_config){layers, C, N, F, V, 2, K, transformer ? BACKBONE_TRANSFORMER : BACKBONE_S4, heads};
    alloc_params(&n->m);
    if (init_params(&n->m, seed) != 0) { ts_mdm_net_free(n); return NULL; }
    return n;
}

void ts_mdm_net_free(ts_mdm_net *n)
{
    if (!n) return;
    ts_free_aligned(n->m.params);
    ts_free_aligned(n->m.grads);
    free(n);
}

size_t ts_mdm_net_size(const ts_mdm_net *n) { return n->m.p.total; }
float *ts_mdm_net_params(ts_mdm_net *n) { return n->m.params; }
float *ts_mdm_net_grads(ts_mdm_net *n) { return n->m.grads; }

int ts_mdm_net_loss(ts_mdm_net *n, const int32_t *ids, const int32_t *tgt, const float *weights, int B, int L,
                    int want_grad, double *loss)
{
    const mdm_model *m = &n->m;
    plan pl;
    if (plan_init(&pl, m, B, L, want_grad) != 0) return -1;
    size_t BL = (size_t)B * L, cnt = 0;
    for (size_t i = 0; i < BL; i++) {
        if (ids[i] < 0 || ids[i] > m->c.V || tgt[i] >= m->c.V) {
            plan_free(&pl);
            return ts_fail("mdm: ID out of range at position %zu", i);
        }
        cnt += tgt[i] >= 0;
    }
    memcpy(pl.ids, ids, BL * sizeof *ids);
    pl.dropout = n->dropout;
    pl.drop_seed = n->drop_seed;
    net_forward(m, &pl);
    double s = xent(pl.logits, tgt, weights, BL, m->c.V, want_grad ? pl.dlogits : NULL, cnt ? 1.0 / cnt : 0);
    *loss = cnt ? s / (double)cnt : 0;
    if (want_grad) net_backward(m, &pl);
    plan_free(&pl);
    return 0;
}

int ts_mdm_chain_mixture(const ts_model *base, char *buf, size_t n, int *order, double valid[3])
{
    if (!base || base->ops != &ts_model_mdm) return ts_fail("the model is not an mdm model");
    const mdm_model *m = (const mdm_model *)base;
    if (!m->has_chain) return ts_fail("mdm: no chain mixture chosen (tune-prior chooses one)");
    snprintf(buf, n, "%s:%g", m->chain_kind == CHAIN_SWITCH ? "switch" : "linear", m->chain_w);
    if (order) *order = m->chain_order;
    if (valid) memcpy(valid, m->chain_valid, sizeof m->chain_valid);
    return 0;
}

int ts_mdm_tune_prior(ts_model *base, const ts_windows *valid, size_t windows, uint64_t seed, const char *log_path,
                      ts_mdm_tune_row rows[5], int progress)
{
    if (!base || base->ops != &ts_model_mdm) return ts_fail("tune-prior: the model is not an mdm model");
    if (windows < 1) return ts_fail("tune-prior: at least one validation window per position");
    mdm_model *m = (mdm_model *)base;
    if (valid->n && valid->len > 4096) return ts_fail("tune-prior: windows of %zu events: at most 4096", valid->len);
    ts_train_log_since(ts_now(), ts_now);   /* its records' elapsed_s: from here */
    return tune_prior(m, valid, windows, chain_windows(windows, valid->n), seed, log_path, rows, progress, 0);
}
