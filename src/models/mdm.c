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
 * Infilling: iterative unmasking with both sides as context, most confident
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
 * The weights are chosen on validation windows after training (tune_prior),
 * from the network's logits computed once per window; --prior-weight overrides
 * them at imputation. Files from before the gate hold one weight per blackout
 * size (or one weight) and impute as they did.
 *
 * In-window fillers: a run whose surroundings recur in its own window's visible
 * events over longer contexts than the n-gram's stream matches takes the filler
 * found there (ts_window_over_stream), a cache of the trace itself that helps where
 * the held-out part runs loops the training part did not; the shortest context
 * per blackout size (or never) is chosen with the weights. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/mdm.h"
#include "tracesynth/model.h"
#include "tracesynth/ngram.h"
#include "tracesynth/nn.h"
#include "tracesynth/s4.h"
#include "tracesynth/train.h"
#include "mdm_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHAIN_KN_MAX 10       /* Kneser-Ney orders tried for the chain likelihood's mixture */
#define CHAIN_KN_DEFAULT 10   /* and the order without the choice (the n-gram's default) */
#define CHAIN_TUNE_WINDOWS 48 /* validation windows for its n-gram share */
#define CHAIN_BATCH 32               /* crops (score) or windows (generate) per network evaluation */
#define WIN_CMAX 12           /* the longest in-window context without an n-gram prior */

extern const ts_model_ops ts_model_mdm;

/* blackout sizes with their own prior weight: a run of k events takes the weight
 * of the largest key <= k */
#define NKW 5
static const int kw_keys[NKW] = {1, 5, 10, 20, 40};

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
    ts_free_aligned(pl->kcache);
    free(pl->ids);
    memset(pl, 0, sizeof *pl);
}


static int plan_init_tfm(plan *pl, const mdm_model *m, int B, int L, int train)
{
    const mdm_config *c = &m->c;
    ts_tblock_config tc = tblock_of(c);
    if (ts_tblock_check(&tc) != 0) return -1;
    pl->B = B;
    pl->L = L;
    size_t BL = (size_t)B * L, nl = (size_t)c->layers, C = (size_t)c->C, D = (size_t)(c->C / c->heads);
    pl->s4act = ts_round_up(ts_tblock_act_size(&tc, B, L), 16);
    size_t sz[] = {
        (nl + 1) * BL * C, nl * pl->s4act, BL, BL, BL * C, BL * (size_t)c->V, train ? BL * (size_t)c->V : 0,
        train ? BL * C : 0, train ? BL * C : 0, train ? ts_tblock_scratch_size(&tc, B, L) : 0, (size_t)L * D,
    };
    float **dst[] = {&pl->h, &pl->act, &pl->mean, &pl->rstd, &pl->hT, &pl->logits, &pl->dlogits, &pl->dh,
                     &pl->dhT, &pl->scratch, &pl->rope};
    size_t total = 0;
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) total += ts_round_up(sz[i], 16);
    if (ts_batch_fits(total * sizeof(float), B, L) != 0) {
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = ts_alloc_aligned(total * sizeof(float));
    float *q = pl->mem;
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
        *dst[i] = sz[i] ? q : NULL;
        q += ts_round_up(sz[i], 16);
    }
    ts_rope_table(pl->rope, L, (int)D, 10000.0);
    pl->ids = ts_malloc(BL * sizeof(int32_t));
    return 0;
}

int plan_init(plan *pl, const mdm_model *m, int B, int L, int train)
{
    memset(pl, 0, sizeof *pl);
    const mdm_config *c = &m->c;
    if (c->backbone == BACKBONE_TRANSFORMER) return plan_init_tfm(pl, m, B, L, train);
    ts_s4_config sc = {c->C, c->N, L, 1, TS_S4_CONV_AUTO};
    if (ts_s4_init(&pl->s4, &sc) != 0) return -1;
    pl->B = B;
    pl->L = L;
    size_t BL = (size_t)B * L, nl = (size_t)c->layers, C = (size_t)c->C, F = (size_t)c->F;
    pl->s4act = ts_round_up(ts_s4_act_size(&pl->s4, B), 16);
    size_t sz[] = {
        (nl + 1) * BL * C, nl * pl->s4act, nl * BL * C, nl * BL * F, nl * BL * F, nl * BL * C,
        nl * BL, nl * BL, BL * C, BL * (size_t)c->V, train ? BL * (size_t)c->V : 0,
        train ? BL * C : 0, train ? BL * C : 0, train ? BL * C : 0, train ? BL * F : 0,
        train ? BL * F : 0, train ? BL * C : 0, 0,
    };
    float **dst[] = {&pl->h, &pl->act, &pl->u, &pl->f1, &pl->g1, &pl->r, &pl->mean, &pl->rstd,
                     &pl->hT, &pl->logits, &pl->dlogits, &pl->dh, &pl->du, &pl->dr, &pl->df,
                     &pl->dfp, &pl->dhT, &pl->scratch};
    size_t scr = ts_s4_scratch_size(&pl->s4, B), cs = ts_conv1d_scratch_size(c->C, c->F, L, c->K);
    sz[sizeof sz / sizeof sz[0] - 1] = scr > cs ? scr : cs;
    size_t total = 0;
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) total += ts_round_up(sz[i], 16);
    if (ts_batch_fits(total * sizeof(float), B, L) != 0) {
        ts_s4_free(&pl->s4);
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = ts_alloc_aligned(total * sizeof(float));
    float *q = pl->mem;
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
        *dst[i] = sz[i] ? q : NULL;
        q += ts_round_up(sz[i], 16);
    }
    pl->ids = ts_malloc(BL * sizeof(int32_t));
    if (!train) {
        /* inference: the S4 kernels depend on the parameters only, make them once */
        pl->kcache_floats = ts_round_up(ts_s4_kernel_cache_size(&pl->s4), 16);
        pl->kcache = ts_alloc_aligned(nl * pl->kcache_floats * sizeof(float));
        for (int i = 0; i < c->layers; i++)
            ts_s4_kernel_cache(&pl->s4, m->params + m->p.blk0 + (size_t)i * m->p.blk_size + m->p.s4,
                               pl->kcache + (size_t)i * pl->kcache_floats, pl->scratch);
    }
    return 0;
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
    const float *P = m->params;
    const int nb = pl->seq_rows ? B : 1, rows = pl->seq_rows ? L : B * L;
    for (int s = 0; s < nb; s++)
        ts_linear_forward(pl->logits + (size_t)s * rows * V, pl->hT + (size_t)s * rows * C, P + m->p.hw, P + m->p.hb,
                          rows, C, V);
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
    memset(pl->dhT, 0, BCL * sizeof(float));
    ts_linear_backward(pl->dhT, G + m->p.hw, G + m->p.hb, pl->dlogits, pl->hT, P + m->p.hw, (int)BL, C, c->V);
    memset(pl->dh, 0, BCL * sizeof(float));
    ts_layernorm_rows_backward(pl->dh, G + m->p.fg, G + m->p.fb, pl->dhT, pl->h + c->layers * BCL, pl->mean, pl->rstd,
                               P + m->p.fg, (int)BL, C);
    for (int i = c->layers - 1; i >= 0; i--)
        ts_tblock_backward(&tc, P + m->p.blk0 + (size_t)i * m->p.blk_size, pl->rope, pl->h + i * BCL,
                           pl->act + i * pl->s4act, pl->dh, G + m->p.blk0 + (size_t)i * m->p.blk_size, pl->dh,
                           pl->scratch, B, L);
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
        ts_conv1d_forward(f1, u, b + m->p.f1w, b + m->p.f1b, B, C, F, L, c->K, 1, pl->scratch);
        ts_gelu_forward_deriv(g1, f1, f1, BFL);   /* f1 becomes gelu'(f1) */
        if (pl->dropout > 0) drop_hidden(g1, f1, BFL, pl->dropout, pl->drop_seed, i);
        ts_conv1d_forward(r, g1, b + m->p.f2w, b + m->p.f2b, B, F, C, L, 1, 1, NULL);
        for (size_t j = 0; j < BCL; j++) r[j] += u[j];
        ts_layernorm_forward(pl->h + (i + 1) * BCL, pl->mean + i * BL, pl->rstd + i * BL, r, b + m->p.lg,
                             b + m->p.lb, B, C, L);
    }
    to_rows(pl->hT, pl->h + c->layers * BCL, B, C, L);
    if (!pl->trunk_only) head_forward(m, pl);
}

/* grads += from pl->dlogits */
void net_backward(const mdm_model *m, plan *pl)
{
    if (m->c.backbone == BACKBONE_TRANSFORMER) { tfm_backward(m, pl); return; }
    const mdm_config *c = &m->c;
    const int B = pl->B, L = pl->L, C = c->C, F = c->F;
    const size_t BL = (size_t)B * L, BCL = BL * C, BFL = BL * F;
    const float *P = m->params;
    float *G = m->grads;
    memset(pl->dhT, 0, BCL * sizeof(float));
    ts_linear_backward(pl->dhT, G + m->p.hw, G + m->p.hb, pl->dlogits, pl->hT, P + m->p.hw, (int)BL, C, c->V);
    to_channels(pl->dh, pl->dhT, B, C, L);
    for (int i = c->layers - 1; i >= 0; i--) {
        const float *b = P + m->p.blk0 + (size_t)i * m->p.blk_size;
        float *gb = G + m->p.blk0 + (size_t)i * m->p.blk_size;
        float *x = pl->h + i * BCL, *u = pl->u + i * BCL, *f1 = pl->f1 + i * BFL, *g1 = pl->g1 + i * BFL;
        float *r = pl->r + i * BCL;
        memset(pl->dr, 0, BCL * sizeof(float));
        ts_layernorm_backward(pl->dr, gb + m->p.lg, gb + m->p.lb, pl->dh, r, pl->mean + i * BL,
                              pl->rstd + i * BL, b + m->p.lg, B, C, L);
        memcpy(pl->du, pl->dr, BCL * sizeof(float));
        memset(pl->df, 0, BFL * sizeof(float));
        ts_conv1d_backward(pl->df, gb + m->p.f2w, gb + m->p.f2b, pl->dr, g1, b + m->p.f2w, B, F, C, L, 1, 1,
                           NULL);
        ts_mul_backward_set(pl->dfp, pl->df, f1, BFL);
        ts_conv1d_backward(pl->du, gb + m->p.f1w, gb + m->p.f1b, pl->dfp, u, b + m->p.f1w, B, C, F, L, c->K, 1,
                           pl->scratch);
        memset(pl->dh, 0, BCL * sizeof(float));
        ts_s4_backward(&pl->s4, b + m->p.s4, x, B, pl->act + i * pl->s4act, pl->du, gb + m->p.s4, pl->dh,
                       pl->scratch);
    }
    to_rows(pl->dhT, pl->dh, B, C, L);
    if (!pl->embedded) ts_embedding_backward(G + m->p.emb, pl->dhT, pl->ids, (int)BL, C);
}

/* sum over rows with tgt >= 0 of w_row * -log softmax(logits)[tgt]; dlogits (if
 * not NULL) = scale * w_row * (softmax - onehot) on those rows, 0 elsewhere */
double xent(const float *logits, const int32_t *tgt, const float *w, size_t N, int V, float *dlogits,
                   double scale)
{
    double sum = 0;
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
static void ens_drop_from(mdm_model *m, int n0)
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
    }
    return 0;
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
                free(st);
                model_free(&m->base);
                return ts_fail("%s: section 'PRIOR': event %zu has ID outside [-1, %d)", r->path, i, m->c.V);
            }
        }
        m->prior = ts_ngram_new(st, N, m->prior_order);
        free(st);
        if (!m->prior) { model_free(&m->base); return ts_fail("%s: section 'PRIOR' is too long", r->path); }
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

/* ---- infilling ---- */

#define PRIOR_CAP 2048        /* matching fillers kept per run (evenly spaced) */
#define PRIOR_SMOOTH 0.5      /* add-beta smoothing of the filler shares */

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
    float *cap;               /* if set: the network's first logits at each window's hidden
                                 positions, (n, cap_k, V), window w's j-th hidden at w cap_k + j */
    size_t cap_k;
} infill_opts;

static int k_bucket(int k)
{
    int i = 0;
    while (i + 1 < NKW && kw_keys[i + 1] <= k) i++;
    return i;
}

static int gate_cell(int kb, int ob, int ab) { return (kb * NOB + ob) * NAB + ab; }

/* the weight of a run of size bucket kb without the gate, or with it the largest of
 * that bucket's cells (> 0: the n-gram's candidates are needed) */
static double run_weight(const infill_opts *io, int kb)
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

/* the window's own filler for run [a, a+k) of y (L; hid 1 = hidden) matched over
 * at least `win` events and more than the n-gram's stream matched (matched,
 * ts_ngram_candidates: > 0 both sides, < 0 one side): both sides, or where the
 * stream matched one side at most, one side (the left first), as the n-gram
 * fills: 1 and *src, or 0 */
static int window_copy(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k,
                       int matched, int win, size_t *src)
{
    const int cmax = m->prior ? m->prior_order : WIN_CMAX;
    if (ts_window_over_stream(y, hid, L, a, k, TS_WINDOW_BOTH, matched > 0 ? matched : 0, win, cmax, src)) return 1;
    for (int side = TS_WINDOW_LEFT; side <= TS_WINDOW_RIGHT && matched <= 0; side++)
        if (ts_window_over_stream(y, hid, L, a, k, side, -matched, win, cmax, src)) return 1;
    return 0;
}

/* the match-order class of ts_ngram_candidates' `matched` */
static int order_class(int matched, int order) { return matched < 0 ? 0 : matched < order ? 1 : 2; }

/* the agreement class of the most frequent of n fillers, top of them */
static int share_class(size_t top, size_t n)
{
    if (top == n) return n >= GATE_MANY ? 0 : 1;
    return 2 * top >= n ? 2 : 3;
}

/* the agreement class of one position's filler counts (V) among nalive */
static int agree_class(const float *cnt, int V, size_t nalive)
{
    float top = 0;
    for (int v = 0; v < V; v++) if (cnt[v] > top) top = cnt[v];
    return share_class((size_t)top, nalive);
}

/* does any run of bucket kb take the n-gram's filler outright */
static int row_copies(const infill_opts *io, int kb)
{
    for (int c = gate_cell(kb, 0, 0); io->copy && c < gate_cell(kb + 1, 0, 0); c++) if (io->copy[c]) return 1;
    return 0;
}

/* the prior weight of run r at a position whose alive fillers' counts are cnt (V) */
static double pos_weight(const infill_opts *io, const run_t *r, const float *cnt, int V)
{
    if (!io->gate) return r->w;
    return io->gate[gate_cell(r->kb, r->ob, agree_class(cnt, V, r->nalive))];
}

static void run_free(run_t *r)
{
    free(r->cand);
    free(r->alive);
    free(r->cnt);
    r->cand = NULL, r->alive = NULL, r->cnt = NULL;
}

/* crop start and length of each window: the context around its hidden events
 * when they fit in it, else the whole window; 0 hidden: length 0 */
static void crop_of(const uint8_t *hid, size_t L, size_t ctx, size_t *cs, size_t *cl)
{
    size_t lo = L, hi = 0;
    for (size_t l = 0; l < L; l++)
        if (hid[l]) { if (lo == L) lo = l; hi = l + 1; }
    if (lo == L) { *cs = 0; *cl = 0; return; }
    size_t Lc = ctx < L ? ctx : L;
    if (hi - lo > Lc) { *cs = 0; *cl = L; return; }
    long mid = (long)(lo + hi) / 2, s = mid - (long)Lc / 2;
    if (s < 0) s = 0;
    if ((size_t)s + Lc > L) s = (long)(L - Lc);
    *cs = (size_t)s;
    *cl = Lc;
}

/* position l's scores: z (V) = the network's logits plus the prior's share,
 * conf[l] its largest probability, pick[l] the argmax */
static void score_pos(const mdm_model *m, const float *logits, int l, const run_t *runs, const int *runid,
                      const infill_opts *io, float *z, float *conf, int32_t *pick)
{
    const int V = m->c.V;
    const float *lg = logits + (size_t)l * V;
    float *zl = z + (size_t)l * V;
    for (int v = 0; v < V; v++) zl[v] = lg[v];
    const run_t *r = runid[l] >= 0 ? &runs[runid[l]] : NULL;
    if (r && r->w > 0 && r->nalive > 0) {
        const float *cnt = r->cnt + (size_t)(l - r->a) * V;
        double w = pos_weight(io, r, cnt, V);
        double den = (double)r->nalive + PRIOR_SMOOTH * V;
        if (w > 0)
            for (int v = 0; v < V; v++) zl[v] += (float)(w * log((cnt[v] + PRIOR_SMOOTH) / den));
    }
    float mx = zl[0];
    int arg = 0;
    for (int v = 1; v < V; v++) if (zl[v] > mx) mx = zl[v], arg = v;
    double s = 0;
    for (int v = 0; v < V; v++) s += exp((double)zl[v] - mx);
    conf[l] = (float)(1.0 / s);   /* the largest probability */
    pick[l] = arg;
}

/* one window's unmasking step: reveal up to `reveal` positions of crop row
 * cur/hid (Lp) using logits (Lp, V) */
static void reveal_step(const mdm_model *m, const float *logits, int32_t *cur, uint8_t *hid, int Lp, run_t *runs,
                        const int *runid, int reveal, const infill_opts *io, ts_rng *rng, float *z, float *conf,
                        int32_t *pick)
{
    const int V = m->c.V;
    size_t Ns = 0;
    const int32_t *S = m->prior ? ts_ngram_stream(m->prior, &Ns, NULL) : NULL;
    int nh = 0;
    for (int l = 0; l < Lp; l++) {
        if (!hid[l]) continue;
        score_pos(m, logits, l, runs, runid, io, z, conf, pick);
        nh++;
    }
    if (reveal > nh) reveal = nh;
    for (int j = 0; j < reveal; j++) {
        int best = -1;
        if (io->random_order && rng) {   /* uniformly among the nh - j still hidden */
            int r = (int)(ts_rng_uniform(rng) * (nh - j));
            if (r >= nh - j) r = nh - j - 1;
            for (int l = 0; l < Lp; l++)
                if (hid[l] && r-- == 0) { best = l; break; }
        } else {
            for (int l = 0; l < Lp; l++)
                if (hid[l] && (best < 0 || conf[l] > conf[best])) best = l;
        }
        int32_t tok = pick[best];
        if (io->temperature > 0) {
            const float *zl = z + (size_t)best * V;
            double mx = zl[pick[best]], s = 0;
            for (int v = 0; v < V; v++) s += exp(((double)zl[v] - mx) / io->temperature);
            double u = ts_rng_uniform(rng) * s, acc = 0;
            for (int v = 0; v < V; v++) {   /* past the sum by rounding: the last with weight */
                double e = exp(((double)zl[v] - mx) / io->temperature);
                if (e > 0) tok = v;
                acc += e;
                if (u < acc) break;
            }
        }
        cur[best] = tok;
        hid[best] = 0;
        run_t *r = runid[best] >= 0 ? &runs[runid[best]] : NULL;
        if (r && r->nalive > 0) {
            int off = best - r->a;
            for (size_t i = 0; i < r->nc; i++)
                if (r->alive[i] && S[r->cand[i] + off] != tok) {
                    r->alive[i] = 0, r->nalive--;
                    for (int o = 0; o < r->k; o++) r->cnt[(size_t)o * V + S[r->cand[i] + o]] -= 1;
                }
        }
    }
}

/* the runs of window y (L) hidden in hid, inside crop [cs, cs+Lp), with their
 * n-gram candidates; runid (Lp) gets each position's run */
static int find_runs(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t cs, int Lp,
                     run_t *runs, int *runid, const infill_opts *io)
{
    int nr = 0;
    for (int l = 0; l < Lp; l++) runid[l] = -1;
    for (size_t a = cs; a < cs + (size_t)Lp;) {
        if (!hid[a]) { a++; continue; }
        size_t b = a;
        while (b < L && hid[b]) b++;
        run_t *r = &runs[nr];
        memset(r, 0, sizeof *r);
        r->a = (int)(a - cs);
        r->k = (int)(b - a);
        for (size_t l = a; l < b; l++) runid[l - cs] = nr;
        r->kb = k_bucket(r->k);
        r->one_side = a == 0 || b >= L;   /* (runs are maximal: their neighbours are seen) */
        r->w = run_weight(io, r->kb);
        const int win = io->win ? (int)io->win[r->kb] : 0, evidence = r->w > 0 || row_copies(io, r->kb);
        int32_t *c = NULL;
        size_t nc = 0;
        if (m->prior && (evidence || win > 0)) {   /* the fillers, or only the stream's match length */
            size_t lav = 0, rav = 0;
            while (lav < a && !hid[a - 1 - lav]) lav++;
            while (b + rav < L && !hid[b + rav]) rav++;
            nc = ts_ngram_candidates(m->prior, y, a, b - a, lav, rav, &c, &r->matched);
        }
        if (m->prior && evidence) {
            const int matched = r->matched;
            r->ob = order_class(matched, m->prior_order);
            r->nall = nc;
            if (nc && (io->copy || io->want_mode)) r->mode = ts_ngram_mode(m->prior, c, nc, b - a, &r->mode_n);
            r->copy = nc && io->copy && io->copy[gate_cell(r->kb, r->ob, share_class(r->mode_n, nc))];
            if (nc > PRIOR_CAP) {
                for (size_t i = 0; i < PRIOR_CAP; i++) c[i] = c[i * nc / PRIOR_CAP];
                nc = PRIOR_CAP;
            }
            r->cand = c;
            r->nc = r->nalive = nc;
            if (nc) {
                size_t Ns = 0;
                const int32_t *S = ts_ngram_stream(m->prior, &Ns, NULL);
                const int V = m->c.V;
                r->alive = ts_malloc(nc);
                memset(r->alive, 1, nc);
                r->cnt = ts_calloc((size_t)r->k * V, sizeof(float));
                for (size_t i = 0; i < nc; i++)
                    for (int o = 0; o < r->k; o++) r->cnt[(size_t)o * V + S[c[i] + o]] += 1;
            }
        } else {
            free(c);
        }
        if (win > 0 && window_copy(m, y, hid, L, a, b - a, r->matched, win, &r->wsrc)) r->copy = r->wcopy = 1;
        nr++;
        a = b;
    }
    return nr;
}

/* the ensemble member's numbering of m's IDs and MASK (V + 1) by name (an event the
 * member lacks: its <unk>), or the identity when neither names its events and the
 * sizes agree; NULL + error naming `what` when they cannot be matched */
static int32_t *ens_map_of(const mdm_model *m, const mdm_model *e, const char *what)
{
    const ts_vocab *a = &m->base.vocab, *b = &e->base.vocab;
    const int V = m->c.V, Ve = e->c.V;
    if (a->n == 0 || b->n == 0) {
        if (V != Ve || a->n != b->n) {
            ts_fail("mdm: ensemble %s: %d event IDs against the model's %d, and %s unnamed: cannot be matched", what,
                    Ve, V, a->n ? "its events are" : "the model's events are");
            return NULL;
        }
    }
    int32_t *map = ts_malloc(((size_t)(a->n > V ? a->n : V) + 1) * sizeof *map);
    const int32_t unk = b->unk >= 0 && b->unk < Ve ? b->unk : -1;
    const int named = a->n < V ? a->n : V;
    if (a->n) ts_vocab_map(a, b, map);   /* (a->n): by name, else b's <unk> or -1 */
    for (int v = 0; v < V; v++) {
        if (!a->n) map[v] = v;
        else if (v >= named || map[v] >= Ve) map[v] = unk;
        if (map[v] < 0) {
            ts_fail("mdm: ensemble %s: it has no event named '%s' and no <unk>", what, v < a->n ? a->names[v] : "?");
            free(map);
            return NULL;
        }
    }
    /* named: at least one event the member knows by name (its <unk> alone would average in
     * a network that reads every event as unknown) */
    int known = !a->n;
    for (int v = 0; v < named && !known; v++) known = v != a->unk && map[v] != unk;
    if (!known) {
        ts_fail("mdm: ensemble %s: none of the model's event names is one of its own", what);
        free(map);
        return NULL;
    }
    map[V] = Ve;
    return map;
}

/* is x m itself or a network m's ensemble holds (at any depth) */
static int ens_holds(const mdm_model *m, const ts_model *x)
{
    if (x == &m->base) return 1;
    for (int e = 0; e < m->n_ens; e++)
        if (ens_holds((const mdm_model *)m->ens[e], x)) return 1;
    return 0;
}

int ts_mdm_set_ensemble(ts_model *base, ts_model *other, const char *what)
{
    if (!base || base->ops != &ts_model_mdm) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: the model is not an mdm model", what);
    }
    mdm_model *m = (mdm_model *)base;
    int32_t *map = NULL;
    if (other && other->ops != &ts_model_mdm) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: not an mdm model", what);
    }
    /* m itself, a network it holds, or one that holds m: m would own it twice, or own
     * itself (freed twice); refused and left as it is, as the caller's or m's */
    if (other && (ens_holds(m, other) || ens_holds((const mdm_model *)other, base)))
        return ts_fail("mdm: ensemble %s: the model itself or a network its ensemble already holds (load the file "
                       "again for a copy)", what);
    free(m->ens_list);   /* no longer a --ensemble list's (ensemble_opt) */
    m->ens_list = NULL;
    if (!other) {
        ens_drop_from(m, 0);
        return 0;
    }
    if (m->n_ens == TS_MDM_ENSEMBLE_MAX) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: at most %d networks besides the model's own", what, TS_MDM_ENSEMBLE_MAX);
    }
    if (!(map = ens_map_of(m, (const mdm_model *)other, what))) { ts_model_free(other); return -1; }
    m->ens[m->n_ens] = other;
    m->ens_map[m->n_ens++] = map;
    return 0;
}

int ts_mdm_load_ensemble(ts_model *base, const char *list)
{
    if (!base || base->ops != &ts_model_mdm) return ts_fail("mdm: ensemble %s: the model is not an mdm model", list);
    mdm_model *m = (mdm_model *)base;
    const int n0 = m->n_ens;
    for (const char *p = list;; p++) {   /* p: a name's start; "a,", ",a", "a,,b": an empty one */
        const char *q = strchr(p, ',');
        const size_t len = q ? (size_t)(q - p) : strlen(p);
        if (!len) {
            ens_drop_from(m, n0);
            return *list ? ts_fail("mdm: ensemble '%s': an empty file name in the list", list)
                         : ts_fail("mdm: ensemble: no file named");
        }
        char *file = ts_malloc(len + 1);
        memcpy(file, p, len);
        file[len] = 0;
        ts_model *e = NULL;
        const int rc = ts_model_load(file, &e) != 0 ? -1 : ts_mdm_set_ensemble(base, e, file);
        free(file);
        if (rc != 0) { ens_drop_from(m, n0); return -1; }
        if (!q) return 0;
        p = q;
    }
}

/* does row x (V logits) hold a value that is not finite (a damaged or diverged
 * network: every use of its output refuses it, as the chain likelihood does) */
static int row_nonfinite(const float *x, int V)
{
    for (int v = 0; v < V; v++)
        if (!isfinite(x[v])) return 1;
    return 0;
}

/* the error of every use of the network that meets such a row ("what: " or "") */
static int output_not_finite(const char *what, size_t window, size_t pos)
{
    return ts_fail("mdm: %sthe network's output is not finite at window %zu, position %zu (a damaged or "
                   "diverged model)", what, window, pos);
}

/* log sum_v exp(x[v]), in double */
static double log_sum_exp(const float *x, int n)
{
    float mx = x[0];
    for (int v = 1; v < n; v++) if (x[v] > mx) mx = x[v];
    double s = 0;
    for (int v = 0; v < n; v++) s += exp((double)x[v] - mx);
    return mx + log(s);
}

/* an ensemble member's network (e < m->n_ens) */
static const mdm_model *ens_net(const mdm_model *m, int e)
{
    return (const mdm_model *)m->ens[e];
}

/* a[v] (V): the mean of the networks' log-softmaxes at one event, the model's own
 * (a, its logits) and member e's (me[e], its logits in its own numbering) */
static void ens_mean_row(const mdm_model *m, float *a, const float *const *me)
{
    const int V = m->c.V, N = m->n_ens;
    double lse[TS_MDM_ENSEMBLE_MAX + 1];
    lse[0] = log_sum_exp(a, V);
    for (int e = 0; e < N; e++) lse[e + 1] = log_sum_exp(me[e], ens_net(m, e)->c.V);
    for (int v = 0; v < V; v++) {
        double t = (double)a[v] - lse[0];
        for (int e = 0; e < N; e++) t += (double)me[e][m->ens_map[e][v]] - lse[e + 1];
        a[v] = (float)(t / (N + 1));
    }
}

/* the events a network reads around a blackout (infill): --context N when given,
 * else the network's own. S4: twice its training context: more context helps,
 * and S4 reads any length (many-threads, k = 10: 83.4 % with 64 events, 83.8 with
 * 128, 84.7 with 200). Attention with rotary positions does not extrapolate: the
 * training context. */
static size_t infill_ctx(const mdm_model *net, const infill_opts *io)
{
    return io->ctx ? io->ctx : (net->c.backbone == BACKBONE_S4 ? 2 : 1) * (size_t)net->c.ctx;
}

/* Infill's transformers run each crop through the network on its own
 * (plan.seq_rows), so that a window's logits have the same bits whatever the
 * batch and whichever windows share it: products over B crops at once round a
 * crop's rows by where they fall in the product (a few units in the last place
 * of the logits, which reorder hidden events of nearly equal confidence and so
 * which draw each gets at --temperature above 0). S4 networks run as before. */
static int infill_seq_rows(const mdm_model *net)
{
    return net->c.backbone == BACKBONE_TRANSFORMER;
}

/* The ensemble members in infill. Each member reads the crop its own context
 * gives (infill_ctx: the rule the model applies to itself), so a member trained
 * on shorter crops is not run on longer ones. A window's crop for member e
 * (ecs, ecl: (n_ens, n)) holds all its hidden events, as the model's own does,
 * and is either len[e][0] = min(its context, L) long or the whole window
 * (len[e][1] = L); a batch's rows go to the plan of their length (pe[e][j], at
 * the model's row index b), the other plan's row b is all MASK. */
typedef struct {
    size_t *ecs, *ecl;
    int len[TS_MDM_ENSEMBLE_MAX][2];
    int used[TS_MDM_ENSEMBLE_MAX][2];   /* plan made for this group */
    plan pe[TS_MDM_ENSEMBLE_MAX][2];
} ens_crops;

static void ens_crops_init(const mdm_model *m, ens_crops *ec, const uint8_t *hid0, size_t n, size_t L,
                           const infill_opts *io)
{
    memset(ec, 0, sizeof *ec);
    if (!m->n_ens) return;
    ec->ecs = ts_malloc((size_t)m->n_ens * n * sizeof *ec->ecs);
    ec->ecl = ts_malloc((size_t)m->n_ens * n * sizeof *ec->ecl);
    for (int e = 0; e < m->n_ens; e++) {
        const size_t ctx = infill_ctx(ens_net(m, e), io);
        ec->len[e][0] = (int)(ctx < L ? ctx : L);
        ec->len[e][1] = (int)L;
        for (size_t w = 0; w < n; w++)
            crop_of(hid0 + w * L, L, ctx, &ec->ecs[(size_t)e * n + w], &ec->ecl[(size_t)e * n + w]);
    }
}

static void ens_group_free(const mdm_model *m, ens_crops *ec)
{
    for (int e = 0; e < m->n_ens; e++)
        for (int j = 0; j < 2; j++)
            if (ec->used[e][j]) plan_free(&ec->pe[e][j]), ec->used[e][j] = 0;
}

static void ens_crops_free(const mdm_model *m, ens_crops *ec)
{
    ens_group_free(m, ec);
    free(ec->ecs);
    free(ec->ecl);
}

/* the members' plans for a group of B rows: those of the lengths the group's
 * windows (list, nl) have */
static int ens_group_init(const mdm_model *m, ens_crops *ec, const size_t *list, size_t nl, size_t n, int B)
{
    for (int e = 0; e < m->n_ens; e++)
        for (int j = 0; j < 2; j++) {
            if (j == 1 && ec->len[e][1] == ec->len[e][0]) break;
            int need = 0;
            for (size_t i = 0; i < nl && !need; i++) need = ec->ecl[(size_t)e * n + list[i]] == (size_t)ec->len[e][j];
            if (!need) continue;
            if (plan_init(&ec->pe[e][j], ens_net(m, e), B, ec->len[e][j], 0) != 0) {
                ens_group_free(m, ec);
                return -1;
            }
            ec->pe[e][j].seq_rows = infill_seq_rows(ens_net(m, e));
            ec->used[e][j] = 1;
        }
    return 0;
}

/* the members' evaluation for the model's batch pl (crops of Lp, row b: window
 * win[b] at crop start cs[win[b]], the model's ids so far), then the model's
 * logits at the still hidden events (hid) of its first nb rows become the mean of
 * all the networks' log-softmaxes there. A member's row reads the model's ids
 * where the two crops overlap and the window's events elsewhere (observed: every
 * hidden event lies in both crops). */
static void ens_infill_forward(const mdm_model *m, plan *pl, ens_crops *ec, const int32_t *y, size_t n, size_t L,
                               const size_t *win, const size_t *cs, int nb, const uint8_t *hid)
{
    const int V = m->c.V, B = pl->B, Lp = pl->L;
    for (int e = 0; e < m->n_ens; e++) {
        const int32_t *map = m->ens_map[e];
        for (int j = 0; j < 2; j++) {
            if (!ec->used[e][j]) continue;
            plan *q = &ec->pe[e][j];
            const int Le = q->L;
            int any = 0;
            for (int b = 0; b < B; b++) {
                const size_t w = win[b], s = ec->ecs[(size_t)e * n + w];
                int32_t *ids = q->ids + (size_t)b * Le;
                if (ec->ecl[(size_t)e * n + w] != (size_t)Le) {
                    for (int l = 0; l < Le; l++) ids[l] = map[V];
                    continue;
                }
                any |= b < nb;
                for (int l = 0; l < Le; l++) {
                    const size_t p = s + (size_t)l;
                    const int32_t x = p >= cs[w] && p < cs[w] + (size_t)Lp ? pl->ids[(size_t)b * Lp + (p - cs[w])]
                                                                          : y[w * L + p];
                    ids[l] = map[x];
                }
            }
            if (any) net_forward(ens_net(m, e), q);
        }
    }
    const float *me[TS_MDM_ENSEMBLE_MAX];
    for (int b = 0; b < nb; b++) {
        const size_t w = win[b];
        for (int l = 0; l < Lp; l++) {
            if (!hid[(size_t)b * Lp + l]) continue;
            const size_t p = cs[w] + (size_t)l;
            for (int e = 0; e < m->n_ens; e++) {
                const size_t s = ec->ecs[(size_t)e * n + w];
                const int j = ec->ecl[(size_t)e * n + w] == (size_t)ec->len[e][0] ? 0 : 1;
                const plan *q = &ec->pe[e][j];
                me[e] = q->logits + ((size_t)b * q->L + (p - s)) * ens_net(m, e)->c.V;
            }
            ens_mean_row(m, pl->logits + ((size_t)b * Lp + l) * V, me);
        }
    }
}

/* the chain paths' member plans: B crops of min(L, ctx), ctx --context N when
 * given, else the member's training context (as the model's own) */
static int ens_chain_init(const mdm_model *m, plan *pe, int B, size_t L, size_t ctx)
{
    for (int e = 0; e < m->n_ens; e++) {
        const size_t c = ctx ? ctx : (size_t)ens_net(m, e)->c.ctx;
        if (plan_init(&pe[e], ens_net(m, e), B, (int)(L < c ? L : c), 0) != 0) {
            while (e-- > 0) plan_free(&pe[e]);
            return -1;
        }
        pe[e].seq_rows = 1;   /* the same bits for any batch */
    }
    return 0;
}

static void ens_chain_free(const mdm_model *m, plan *pe)
{
    for (int e = 0; e < m->n_ens; e++) plan_free(&pe[e]);
}

static int chain_crop(plan *pl, int b, const int32_t *xw, int j, int Lc, int V);

/* the chain paths: row b of the batch is the crop of window win[b] that ends at
 * its event pos[b], each member reading its own crop length; the model's logits
 * at that event (row b, place at[b]) become the mean of the networks'
 * log-softmaxes, for b < nb. ate (n_ens, B): scratch, member e's place of row b's event */
static void ens_chain_forward(const mdm_model *m, plan *pl, plan *pe, const int32_t *const *win, const int *pos,
                              const int *at, int nb, int *ate)
{
    const int V = m->c.V, B = pl->B;
    for (int e = 0; e < m->n_ens; e++) {
        plan *q = &pe[e];
        for (int b = 0; b < B; b++) {
            ate[e * B + b] = chain_crop(q, b, win[b], pos[b], q->L, V);
            int32_t *ids = q->ids + (size_t)b * q->L;
            for (int l = 0; l < q->L; l++) ids[l] = m->ens_map[e][ids[l]];
        }
        net_forward(ens_net(m, e), q);
    }
    const float *me[TS_MDM_ENSEMBLE_MAX];
    for (int b = 0; b < nb; b++) {
        for (int e = 0; e < m->n_ens; e++)
            me[e] = pe[e].logits + ((size_t)b * pe[e].L + ate[e * B + b]) * ens_net(m, e)->c.V;
        ens_mean_row(m, pl->logits + ((size_t)b * pl->L + at[b]) * V, me);
    }
}

/* fills the hidden positions (hid = 1) of windows y (n, L) in place; prog (may be
 * NULL) counts windows: *done of them before this call, each batch's share after each
 * of its network evaluations */
static int infill(mdm_model *m, int32_t *y, const uint8_t *hid0, size_t n, size_t L, const infill_opts *io,
                  ts_progress *prog, long *done)
{
    if (m->base.n_ids != m->c.V)
        return ts_fail("mdm: the model file says %d event IDs in one place and %d in another", m->c.V,
                       m->base.n_ids);
    size_t *cs = ts_malloc(n * sizeof *cs), *cl = ts_malloc(n * sizeof *cl);
    const size_t ctx = infill_ctx(m, io);
    for (size_t w = 0; w < n; w++) crop_of(hid0 + w * L, L, ctx, &cs[w], &cl[w]);
    ens_crops ec;   /* the ensemble members' own crops */
    ens_crops_init(m, &ec, hid0, n, L, io);
    size_t *list = ts_malloc(n * sizeof *list);
    int rc = 0;
    const int V = m->c.V;
    const long done0 = *done;
    /* two groups: crops of the context length, then whole windows */
    size_t lens[2] = {ctx < L ? ctx : L, L};
    for (int g = 0; g < 2 && rc == 0; g++) {
        if (g == 1 && lens[1] == lens[0]) break;
        size_t nl = 0;
        for (size_t w = 0; w < n; w++)
            if (cl[w] == lens[g]) list[nl++] = w;
        if (!nl) continue;
        const int Lp = (int)lens[g];
        const int B = (int)(nl < io->batch ? nl : io->batch);
        plan pl;
        if (plan_init(&pl, m, B, Lp, 0) != 0) { rc = -1; break; }
        pl.seq_rows = infill_seq_rows(m);
        if (ens_group_init(m, &ec, list, nl, n, B) != 0) { plan_free(&pl); rc = -1; break; }
        const size_t BL = (size_t)B * Lp;
        uint8_t *hid = ts_malloc(BL);
        int *runid = ts_malloc(BL * sizeof(int));
        int *nruns = ts_malloc((size_t)B * sizeof(int));
        run_t *runs = ts_malloc(BL * sizeof(run_t));
        float *z = ts_malloc(BL * (size_t)V * sizeof(float));
        float *conf = ts_malloc((size_t)B * (Lp + V) * sizeof(float));
        int32_t *pick = ts_malloc(BL * sizeof(int32_t));
        ts_rng *rngs = ts_malloc((size_t)B * sizeof(ts_rng));
        size_t *wrow = ts_malloc((size_t)B * sizeof *wrow);   /* row b's window (the rows past nb: the first's) */
        /* row b's network evaluations: each window decodes as it would alone, whatever
         * the blackouts of the windows that share its batch */
        int *srow = ts_malloc((size_t)B * sizeof *srow);
        for (size_t s0 = 0; s0 < nl; s0 += (size_t)B) {
            int nb = (int)(nl - s0 < (size_t)B ? nl - s0 : (size_t)B);
            int most = 0;   /* the most evaluations a row takes */
            for (int b = 0; b < B; b++) wrow[b] = list[s0 + (size_t)(b < nb ? b : 0)];
#pragma omp parallel for schedule(dynamic, 1) reduction(max : most)
            for (int b = 0; b < B; b++) {
                size_t w = list[s0 + (size_t)(b < nb ? b : 0)];
                const int32_t *yw = y + w * L;
                const uint8_t *hw = hid0 + w * L;
                int32_t *ids = pl.ids + (size_t)b * Lp;
                uint8_t *hb = hid + (size_t)b * Lp;
                int h = 0;
                for (int l = 0; l < Lp; l++) {
                    hb[l] = b < nb && hw[cs[w] + l];
                    ids[l] = hw[cs[w] + l] ? V : yw[cs[w] + l];
                    h += hb[l];
                }
                nruns[b] = b < nb ? find_runs(m, yw, hw, L, cs[w], Lp, runs + (size_t)b * Lp, runid + (size_t)b * Lp,
                                              io)
                                  : 0;
                /* runs whose evidence says so take the n-gram's (or their window's) filler before the network runs */
                const run_t *longest = NULL;   /* the longest blackout left to the network */
                for (int r = 0; r < nruns[b]; r++) {
                    const run_t *ru = &runs[(size_t)b * Lp + r];
                    if (!ru->copy && (!longest || ru->k > longest->k)) longest = ru;
                    if (!ru->copy) continue;
                    size_t Ns;
                    const int32_t *S = ru->wcopy ? yw + ru->wsrc : ts_ngram_stream(m->prior, &Ns, NULL) + ru->mode;
                    for (int o = 0; o < ru->k; o++) ids[ru->a + o] = S[o], hb[ru->a + o] = 0;
                    h -= ru->k;
                }
                if (b >= nb) for (int l = 0; l < Lp; l++) runid[(size_t)b * Lp + l] = -1;
                ts_rng_fork(&rngs[b], io->seed, w);
                /* one hidden event per evaluation, at most --steps; without it the decoding
                 * chosen for the sides and size of the window's longest blackout */
                int sb = io->steps > 0 && io->steps < h ? io->steps : h;
                if (!io->steps && io->per && h > 0 && longest) {
                    const int e = (int)io->per[longest->one_side * NKW + longest->kb];
                    sb = e > 0 ? (h + e - 1) / e : 1;
                }
                srow[b] = sb;
                if (sb > most) most = sb;
            }
            const int S = most;
            for (int s = 0; s < S && rc == 0; s++) {
                net_forward(m, &pl);
                if (m->n_ens) ens_infill_forward(m, &pl, &ec, y, n, L, wrow, cs, nb, hid);
                for (int b = 0; b < nb && rc == 0; b++)
                    for (int l = 0; l < Lp; l++)
                        if (hid[(size_t)b * Lp + l] && row_nonfinite(pl.logits + ((size_t)b * Lp + l) * V, V)) {
                            const size_t w = list[s0 + (size_t)b];
                            rc = output_not_finite("", w, cs[w] + (size_t)l);
                            break;
                        }
                if (rc != 0) break;
                for (int b = 0; io->cap && s == 0 && b < nb; b++) {
                    size_t w = list[s0 + (size_t)b], j = 0;
                    for (int l = 0; l < Lp && j < io->cap_k; l++)
                        if (hid[(size_t)b * Lp + l])
                            memcpy(io->cap + ((w * io->cap_k) + j++) * V, pl.logits + ((size_t)b * Lp + l) * V,
                                   (size_t)V * sizeof(float));
                }
#pragma omp parallel for schedule(dynamic, 1)
                for (int b = 0; b < nb; b++) {
                    uint8_t *hb = hid + (size_t)b * Lp;
                    int rem = 0;
                    for (int l = 0; l < Lp; l++) rem += hb[l];
                    if (!rem) continue;
                    const int left = srow[b] - s;   /* this row's evaluations left, this one too */
                    int reveal = left > 1 ? (rem + left - 1) / left : rem;
                    reveal_step(m, pl.logits + (size_t)b * Lp * V, pl.ids + (size_t)b * Lp, hb, Lp,
                                runs + (size_t)b * Lp, runid + (size_t)b * Lp, reveal, io, &rngs[b],
                                z + (size_t)b * Lp * V, conf + (size_t)b * (Lp + V), pick + (size_t)b * Lp);
                }
                if (prog) ts_progress_update(prog, *done + (long)nb * (s + 1) / S, NULL);
            }
            for (int b = 0; b < nb; b++) {
                size_t w = list[s0 + (size_t)b];
                for (int l = 0; l < Lp; l++)
                    if (hid0[w * L + cs[w] + l]) y[w * L + cs[w] + l] = pl.ids[(size_t)b * Lp + l];
                for (int r = 0; r < nruns[b]; r++) run_free(&runs[(size_t)b * Lp + r]);
            }
            if (rc != 0) break;
            *done += nb;
            if (prog) ts_progress_update(prog, *done, NULL);   /* also a batch filled before the network */
        }
        free(hid); free(runid); free(nruns); free(runs); free(z); free(conf); free(pick); free(rngs); free(wrow);
        free(srow);
        plan_free(&pl);
        ens_group_free(m, &ec);
    }
    ens_crops_free(m, &ec);
    free(cs); free(cl); free(list);
    if (*done != done0 + (long)n) {   /* windows with nothing hidden */
        *done = done0 + (long)n;
        if (prog && rc == 0) ts_progress_update(prog, *done, NULL);
    }
    return rc;
}

/* ---- choosing the prior's weights on validation windows ----
 *
 * For each blackout-size bucket (k = its key, at most half the window), TUNE
 * windows per position (centre and end) spread evenly over the validation
 * windows get their blackout; the network's logits at the hidden events are
 * computed ONCE (one evaluation with the whole gap hidden), and every weight
 * setting is scored by replaying the fill on those cached logits as imputation
 * with --steps 1 makes it (every hidden event the argmax of the product of the
 * network and the n-gram's shares; no second network evaluation, so the replay
 * is exact for that decoding; more steps let the network see its own fills,
 * which the replay does not score). A window's replay reads only the cells its
 * positions fall in, so a cell's trial replays only the windows that visited it.
 * First the best single weight of the grid (the constant, also kept per size as
 * `prior_weights`), then a pass of coordinate ascent over the gate's cells of
 * that size (gate_pass), then the copy cells, then a second pass. A change must
 * fill at least 1 in 2,000 more hidden events (and one), or lose none and raise
 * the likelihood of the true events. */
static const double tune_grid[] = {0, 0.25, 0.5, 1, 2, 4, 8, 16, 32};
#define NGRID (int)(sizeof tune_grid / sizeof tune_grid[0])
#define NCELL (NOB * NAB)
#define TUNE_WINDOWS 500      /* validation windows per position and size */
#define TUNE_WINDOWS_MIN 25   /* per position, however small a training budget */
#define CHAIN_WINDOWS_MIN 8

/* the chain likelihood's windows for n windows per position of the weights and the
 * decoding, of the `have` windows there are: CHAIN_TUNE_WINDOWS for the default 500 or all of
 * them, in proportion below, so that a model trained with --valid-windows N (or a
 * budget that chose N, or left all the windows its records name) and tune-prior
 * --valid-windows N make the same choices */
static size_t chain_windows(size_t n, size_t have)
{
    const size_t c = n >= TUNE_WINDOWS || n >= have ? CHAIN_TUNE_WINDOWS : n * CHAIN_TUNE_WINDOWS / TUNE_WINDOWS;
    return c < CHAIN_WINDOWS_MIN ? CHAIN_WINDOWS_MIN : c;
}

typedef struct {
    const mdm_model *m;
    int k, kb, V;
    size_t nw;
    const float *cap;         /* (nw, k, V) */
    const int32_t *truth;     /* (nw, k) */
    run_t *runs;              /* (nw) each window's one run, a = 0 */
    float *cnt0;              /* (nw, k, V) the runs' initial counts (NULL rows: no fillers) */
    float *z, *conf;          /* (k, V), (k + V) */
    int32_t *cur, *pick;      /* (k) */
    int *runid;               /* (k) zeros */
    uint8_t *hid;             /* (k) */
    int *whits;               /* (nw, NWIN) hits of the window's own filler at each win_grid
                                 value (window_copy), -1: none */
} tune_set;

/* in-window context minimums tried (0, off, is the default) */
static const int win_grid[] = {2, 3, 4, 6, 8};
#define NWIN (int)(sizeof win_grid / sizeof win_grid[0])
#define WIN_DEFAULT 3         /* where the validation windows cannot tell (one of win_grid) */

/* replays window w with gate (MDM_GATE_N) as imputation with --steps 1 fills it
 * (one network evaluation, then every hidden event the argmax of its product):
 * its hits; *visited gets the cells (bits), *ll the log-probability of the true
 * events */
static int replay(tune_set *t, size_t w, const double *gate, unsigned *visited, double *ll)
{
    const int k = t->k, V = t->V;
    run_t *r = &t->runs[w];
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.gate = gate;
    /* the cells of the bucket being chosen: on windows shorter than twice its key, k
     * (half the window) falls in a smaller bucket, whose cells a run of the key's size
     * would not read */
    r->kb = t->kb;
    r->w = run_weight(&io, t->kb);
    r->nalive = r->nc;
    if (r->nc) {
        memset(r->alive, 1, r->nc);
        memcpy(r->cnt, t->cnt0 + w * (size_t)k * V, (size_t)k * V * sizeof(float));
    }
    memset(t->hid, 1, (size_t)k);
    *visited = 0;
    *ll = 0;
    for (int l = 0; l < k && r->w > 0 && r->nalive > 0; l++)
        *visited |= 1u << (gate_cell(0, r->ob, agree_class(r->cnt + (size_t)l * V, V, r->nalive)));
    reveal_step(t->m, t->cap + w * (size_t)k * V, t->cur, t->hid, k, r, t->runid, k, &io, NULL, t->z, t->conf,
                t->pick);
    int hits = 0;
    for (int l = 0; l < k; l++) {
        const float *zl = t->z + (size_t)l * V;
        double mx = zl[t->pick[l]], se = 0;
        for (int v = 0; v < V; v++) se += exp((double)zl[v] - mx);
        *ll += (double)zl[t->truth[w * (size_t)k + l]] - mx - log(se);
        hits += t->cur[l] == t->truth[w * (size_t)k + l];
    }
    return hits;
}

/* the 2 n windows the choices are made on: n of v spread evenly over it, first with a
 * centre blackout of k (y, hid: n L each, hid 1 = hidden), then the same with an end one */
static void tune_windows(const ts_windows *v, size_t n, size_t k, int32_t *y, uint8_t *hid)
{
    const size_t L = v->len;
    for (int p = 0; p < 2; p++) {
        ts_mask_fill(hid + (size_t)p * n * L, n, L, k, p ? TS_MASK_END : TS_MASK_CENTER, 1);
        for (size_t i = 0; i < n; i++) {
            size_t src = n > 1 ? i * (v->n - 1) / (n - 1) : 0;
            memcpy(y + ((size_t)p * n + i) * L, v->data + src * L, L * sizeof *y);
        }
    }
    for (size_t i = 0; i < 2 * n * L; i++) hid[i] = !hid[i];
}

/* the validation set of size bucket kb: windows, cached logits and fillers */
static int tune_set_make(mdm_model *m, const ts_windows *v, size_t nwin, int kb, uint64_t seed, int progress,
                         tune_set *t)
{
    const size_t L = v->len, n = v->n < nwin ? v->n : nwin, k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
    const int V = m->c.V;
    memset(t, 0, sizeof *t);
    t->m = m, t->k = (int)k, t->kb = kb, t->V = V, t->nw = 2 * n;
    if (!k || !n) return 0;
    const size_t nw = t->nw;
    int32_t *y = ts_malloc(nw * L * sizeof *y);
    uint8_t *hid = ts_malloc(nw * L);
    tune_windows(v, n, k, y, hid);
    float *cap = ts_malloc(nw * k * (size_t)V * sizeof(float));
    int32_t *truth = ts_malloc(nw * k * sizeof *truth);
    t->cap = cap, t->truth = truth;
    int32_t *yy = ts_malloc(nw * L * sizeof *yy);
    memcpy(yy, y, nw * L * sizeof *y);
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.steps = 1, io.seed = seed, io.batch = 64, io.cap = cap, io.cap_k = k;
    ts_progress prog;   /* windows */
    ts_progress_start(&prog, "tune-prior", (long)nw);
    prog.enabled = progress;
    long done = 0;
    int rc = infill(m, yy, hid, nw, L, &io, &prog, &done);
    ts_progress_end(&prog);
    free(yy);
    t->runs = ts_calloc(nw, sizeof *t->runs);
    t->cnt0 = ts_calloc(nw * k * (size_t)V, sizeof(float));
    io.weight = 1;
    io.cap = NULL;
    io.want_mode = 1;
    int runid[4096];
    t->whits = ts_malloc(nw * NWIN * sizeof *t->whits);
    for (size_t w = 0; w < nw && rc == 0; w++) {
        size_t a = 0;
        while (!hid[w * L + a]) a++;
        memcpy(truth + w * k, y + w * L + a, k * sizeof *truth);
        find_runs(m, y + w * L, hid + w * L, L, a, (int)k, &t->runs[w], runid, &io);
        if (t->runs[w].nc) memcpy(t->cnt0 + w * k * V, t->runs[w].cnt, k * (size_t)V * sizeof(float));
        for (int g = 0; g < NWIN; g++) {
            size_t src;
            int *wh = &t->whits[w * NWIN + (size_t)g];
            *wh = -1;
            if (!window_copy(m, y + w * L, hid + w * L, L, a, k, t->runs[w].matched, win_grid[g], &src)) continue;
            *wh = 0;
            for (size_t o = 0; o < k; o++) *wh += y[w * L + src + o] == truth[w * k + o];
        }
    }
    free(y); free(hid);
    t->z = ts_malloc(k * (size_t)V * sizeof(float));
    t->conf = ts_malloc((k + (size_t)V) * sizeof(float));
    t->cur = ts_calloc(k, sizeof(int32_t));
    t->pick = ts_calloc(k, sizeof(int32_t));
    t->runid = ts_calloc(k, sizeof(int));
    t->hid = ts_malloc(k);
    return rc;
}

static void tune_set_free(tune_set *t)
{
    for (size_t w = 0; t->runs && w < t->nw; w++) run_free(&t->runs[w]);
    free(t->runs); free(t->cnt0); free((void *)t->cap); free((void *)t->truth);
    free(t->z); free(t->conf); free(t->cur); free(t->pick); free(t->runid); free(t->hid); free(t->whits);
    memset(t, 0, sizeof *t);
}

/* one pass of coordinate ascent over the cells of row (NCELL weights of gate), most
 * visited first, on the windows not skipped; hits / ll / vis: each window's hits,
 * log-likelihood and visited cells under the current row, updated. A cell moves to
 * the weight that fills the most events when that gains at least `gain` of them;
 * else, when no weight gains that many, to the one of the highest likelihood of the
 * true events among those that lose none (where the accuracy cannot tell, the
 * better-calibrated weight: the largest that the n-gram's evidence never
 * contradicted on these windows). */
static void gate_pass(tune_set *t, double *gate, double *row, int *hits, double *ll, unsigned *vis, unsigned *tvis,
                      const uint8_t *skip, long gain)
{
    long cvis[NCELL] = {0};
    for (size_t w = 0; w < t->nw; w++)
        for (int c = 0; c < NCELL && !skip[w]; c++) cvis[c] += (vis[w] >> c) & 1;
    int order[NCELL];
    for (int c = 0; c < NCELL; c++) order[c] = c;
    for (int i = 1; i < NCELL; i++)
        for (int j = i; j > 0 && cvis[order[j]] > cvis[order[j - 1]]; j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    for (int oi = 0; oi < NCELL; oi++) {
        int c = order[oi];
        if (!cvis[c]) continue;
        double keep = row[c], tl;
        long ad = 0;          /* the best gain of at least `gain` events (ga), ties by likelihood */
        double adl = 0, bdl = 0;
        int ga = -1, gb = -1; /* gb: the best likelihood among those losing none */
        for (int g = 0; g < NGRID; g++) {
            if (tune_grid[g] == keep) continue;
            row[c] = tune_grid[g];
            long d = 0;
            double dl = 0;
            for (size_t w = 0; w < t->nw; w++)
                if (!skip[w] && ((vis[w] >> c) & 1)) d += replay(t, w, gate, &tvis[w], &tl) - hits[w], dl += tl - ll[w];
            if (d >= gain && (ga < 0 || d > ad || (d == ad && dl > adl))) ga = g, ad = d, adl = dl;
            if (d >= 0 && dl > bdl) gb = g, bdl = dl;
        }
        row[c] = keep;
        int pick = ga >= 0 ? ga : gb;
        if (pick < 0) continue;
        row[c] = tune_grid[pick];
        for (size_t w = 0; w < t->nw; w++)
            if (!skip[w] && ((vis[w] >> c) & 1)) hits[w] = replay(t, w, gate, &vis[w], &ll[w]);
    }
}

/* the decoding per blackout position and size, chosen after the weights: the whole
 * blackout from one network evaluation (what the weights are chosen for) or one
 * hidden event per evaluation, each later one reading the events revealed before it.
 * Neither wins everywhere: one evaluation fills strace workloads and many-threads
 * best (88.42 against 87.84 at k = 10), one per event the loops of the PTS datasets,
 * whose entries and exits come in pairs that an evaluation filling both halves from
 * the same context splits (k = 40 perfect rate 99.04 against 96.69 on their
 * validation windows); and a blackout with one side seen (end) may want the other
 * decoding than one with both (compress-gzip, k = 40: one per event at the centre,
 * 99.43 against 99.32; one evaluation at the end, 94.42 against 94.00). Each is run
 * as impute runs it, with the weights just chosen, on nwin validation windows per
 * position (centre: both sides; end: one side); one per event where it fills at
 * least 1 in 2,000 more of that position's hidden events (and one), as the weights'
 * choice asks. */
static int tune_steps(mdm_model *m, const ts_windows *v, size_t nwin, uint64_t seed, const char *log,
                      ts_mdm_tune_row *rows, int progress)
{
    static const int per_grid[] = {0, 1};   /* events per evaluation (0: all in one) */
    static const char *const pos_name[2] = {"center", "end"};
    const size_t L = v->len, n = v->n < nwin ? v->n : nwin, nw = 2 * n;
    /* a size not measured (one hidden event, or no windows) keeps the old default, one
     * event per evaluation: blackouts of 2 to 4 events fall in the bucket of 1 */
    double per[2 * NKW], per_all[2 * NKW];
    for (int i = 0; i < 2 * NKW; i++) per[i] = 1;
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.weight = m->prior_weight, io.kw = m->kw, io.gate = m->gate, io.copy = m->copy, io.win = m->win;
    io.seed = seed, io.batch = 64, io.per = per_all;
    int rc = 0;
    for (int kb = 0; kb < NKW && rc == 0; kb++) {
        const size_t k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
        if (rows)
            for (int p = 0; p < 2; p++) rows[kb].per_step[p] = 1;
        if (rows) rows[kb].decoding_windows = 0;
        if (k < 2 || !n) {   /* one hidden event: the decodings are one */
            ts_progress_span_part(2);
            continue;
        }
        int32_t *y = ts_malloc(nw * L * sizeof *y), *yy = ts_malloc(nw * L * sizeof *yy);
        uint8_t *hid = ts_malloc(nw * L);
        tune_windows(v, n, k, y, hid);   /* [0, n): centre; [n, 2n): end */
        /* at k = L / 2 of an even L the centre's blackout (from L / 2) reaches the end: the
         * centre's decoding would be chosen on blackouts with one side seen. Halfway, both are */
        if (L / 2 + k >= L) {
            memset(hid, 0, n * L);
            for (size_t i = 0; i < n; i++) memset(hid + i * L + (L - k) / 2, 1, k);
        }
        long hits[2][2] = {{0, 0}, {0, 0}};   /* [decoding][position] */
        const int G = (int)(sizeof per_grid / sizeof per_grid[0]);
        for (int g = 0; g < G && rc == 0; g++) {
            ts_progress_span_part(1);   /* a part of the bar per decoding, which its bar fills */
            for (int i = 0; i < 2 * NKW; i++) per_all[i] = per_grid[g];   /* whichever bucket k falls in */
            memcpy(yy, y, nw * L * sizeof *y);
            ts_progress prog;   /* windows */
            ts_progress_start(&prog, "tune-prior", (long)nw);
            prog.enabled = progress;
            long done = 0;
            rc = infill(m, yy, hid, nw, L, &io, &prog, &done);
            ts_progress_end(&prog);
            for (size_t i = 0; i < nw * L && rc == 0; i++) hits[g][i >= n * L] += hid[i] && yy[i] == y[i];
        }
        free(y); free(yy); free(hid);
        if (rc != 0) break;
        const size_t hidden = n * k;
        const long gain = hidden / 2000 > 1 ? (long)(hidden / 2000) : 1;
        for (int p = 0; p < 2; p++) {
            per[p * NKW + kb] = hits[1][p] - hits[0][p] >= gain ? 1 : 0;
            ts_train_log(log, "\"event\":\"decoding\",\"k\":%zu,\"position\":\"%s\",\"windows\":%zu,"
                         "\"one_step_accuracy\":%.4f,\"one_per_event_accuracy\":%.4f,\"events_per_step\":%g", k,
                         pos_name[p], n, 100.0 * hits[0][p] / hidden, 100.0 * hits[1][p] / hidden, per[p * NKW + kb]);
            if (rows) {
                rows[kb].per_step[p] = (int)per[p * NKW + kb];
                rows[kb].one_step_acc[p] = 100.0 * hits[0][p] / hidden;
                rows[kb].per_event_acc[p] = 100.0 * hits[1][p] / hidden;
                rows[kb].decoding_windows = n;
            }
        }
    }
    if (rc != 0) return -1;
    memcpy(m->steps, per, sizeof per);
    m->has_steps = 1;
    return 0;
}

/* chooses m->kw, m->gate and m->copy (has_kw, has_gate, has_copy) on nwin validation
 * windows per position of v; rows (may be NULL) gets each size's replayed
 * accuracies. For each size: the best constant weight; a pass over the gate's
 * cells; then each run-evidence cell takes the n-gram's filler outright where that
 * fills more validation events (by the gain); then a second pass over the gate's
 * cells on the runs left to it. 0 / -1 */
static int tune_chain(mdm_model *m, const ts_windows *v, size_t nchain, const char *log, int progress);

static int tune_prior_run(mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, uint64_t seed,
                          const char *log, ts_mdm_tune_row *rows, int progress)
{
    if (!m->prior) return ts_fail("mdm: this model was trained without the n-gram prior (--prior 0): no weights to choose");
    if (!v->n || v->len < 2) return ts_fail("mdm: no validation windows to choose the prior's weights on");
    double gate[MDM_GATE_N], copy[MDM_GATE_N], win[NKW] = {0};
    for (int i = 0; i < MDM_GATE_N; i++) gate[i] = m->prior_weight, copy[i] = 0;
    size_t Ns;
    const int32_t *S = ts_ngram_stream(m->prior, &Ns, NULL);
    for (int kb = 0; kb < NKW; kb++) {
        tune_set t;
        ts_progress_span_part(2);
        if (tune_set_make(m, v, nwin, kb, seed, progress, &t) != 0) { tune_set_free(&t); return -1; }
        if (!t.k || !t.nw) { tune_set_free(&t); continue; }
        const size_t nw = t.nw, hidden = nw * (size_t)t.k;
        const long gain = hidden / 2000 > 1 ? (long)(hidden / 2000) : 1;
        double *row = gate + gate_cell(kb, 0, 0), *crow = copy + gate_cell(kb, 0, 0);
        int *hits = ts_malloc(nw * sizeof *hits), *mhits = ts_calloc(nw, sizeof *mhits);
        double *ll = ts_malloc(nw * sizeof *ll);
        unsigned *vis = ts_malloc(nw * sizeof *vis), *tvis = ts_malloc(nw * sizeof *tvis);
        uint8_t *skip = ts_calloc(nw, 1);
        int *rc = ts_malloc(nw * sizeof *rc);   /* each window's run-evidence cell, -1: no filler */
        for (size_t w = 0; w < nw; w++) {
            const run_t *r = &t.runs[w];
            rc[w] = r->nall ? r->ob * NAB + share_class(r->mode_n, r->nall) : -1;
            for (int o = 0; o < t.k && r->nall; o++) mhits[w] += S[r->mode + o] == t.truth[w * t.k + o];
        }
        /* the best constant */
        long best = -1, pure = 0, ngram = 0;
        int bg = 0;
        for (size_t w = 0; w < nw; w++) ngram += mhits[w];
        for (int g = 0; g < NGRID; g++) {
            for (int c = 0; c < NCELL; c++) row[c] = tune_grid[g];
            long h = 0;
            for (size_t w = 0; w < nw; w++) h += replay(&t, w, gate, &tvis[w], &ll[w]);
            if (g == 0) pure = h;
            if (h > best) best = h, bg = g;
        }
        for (int c = 0; c < NCELL; c++) row[c] = tune_grid[bg];
        m->kw[kb] = tune_grid[bg];
        for (size_t w = 0; w < nw; w++) hits[w] = replay(&t, w, gate, &vis[w], &ll[w]);
        gate_pass(&t, gate, row, hits, ll, vis, tvis, skip, gain);
        /* the n-gram's filler outright, per run-evidence cell */
        for (int c = 0; c < NCELL; c++) {
            long d = 0;
            for (size_t w = 0; w < nw; w++) if (rc[w] == c) d += mhits[w] - hits[w];
            if (d < gain) continue;
            crow[c] = 1;
            for (size_t w = 0; w < nw; w++) if (rc[w] == c) skip[w] = 1;
        }
        gate_pass(&t, gate, row, hits, ll, vis, tvis, skip, gain);
        long cur = 0;
        for (size_t w = 0; w < nw; w++) cur += skip[w] ? mhits[w] : hits[w];
        /* the window's own filler where it matches longer than the stream: the
         * smallest context that fills the most events, if it gains enough; else
         * WIN_DEFAULT unless it loses events. The validation part follows the
         * training part, whose stream then matches at full length and leaves
         * the window's fillers unused; they matter where the held-out part runs
         * loops the training part did not (many-threads' test part: +1 to +3
         * points at k = 10), so they stay on unless these windows say they cost. */
        long wbest = cur, hdef = -1;
        win[kb] = 0;
        for (int g = 0; g < NWIN && win_grid[g] <= m->prior_order; g++) {
            long h = 0;
            for (size_t w = 0; w < nw; w++) {
                int wh = t.whits[w * NWIN + (size_t)g];
                h += wh >= 0 ? wh : skip[w] ? mhits[w] : hits[w];
            }
            if (win_grid[g] == WIN_DEFAULT) hdef = h;
            if (h - cur >= gain && h > wbest) wbest = h, win[kb] = win_grid[g];
        }
        if (!win[kb] && hdef >= cur) wbest = hdef, win[kb] = WIN_DEFAULT;
        char wtxt[NCELL * 12] = "", ctxt[NCELL * 3] = "";
        for (int c = 0; c < NCELL; c++) {
            snprintf(wtxt + strlen(wtxt), sizeof wtxt - strlen(wtxt), "%s%g", c ? "," : "", row[c]);
            snprintf(ctxt + strlen(ctxt), sizeof ctxt - strlen(ctxt), "%s%d", c ? "," : "", (int)crow[c]);
        }
        ts_train_log(log, "\"event\":\"prior_gate\",\"k\":%d,\"windows\":%zu,\"pure_accuracy\":%.4f,"
                     "\"ngram_accuracy\":%.4f,\"constant\":%g,\"constant_accuracy\":%.4f,\"gated_accuracy\":%.4f,"
                     "\"weights\":[%s],\"copy\":[%s],\"in_window\":%g,\"in_window_accuracy\":%.4f", t.k, nw,
                     100.0 * pure / hidden, 100.0 * ngram / hidden, tune_grid[bg], 100.0 * best / hidden,
                     100.0 * cur / hidden, wtxt, ctxt, win[kb], 100.0 * wbest / hidden);
        if (rows) rows[kb] = (ts_mdm_tune_row){t.k, tune_grid[bg], 100.0 * pure / hidden, 100.0 * ngram / hidden,
                                               100.0 * best / hidden, 100.0 * cur / hidden, (int)win[kb],
                                               100.0 * wbest / hidden, {0, 0}, {0, 0}, {0, 0}, 0};
        free(hits); free(mhits); free(ll); free(vis); free(tvis); free(skip); free(rc);
        tune_set_free(&t);
    }
    memcpy(m->gate, gate, sizeof gate);
    memcpy(m->copy, copy, sizeof copy);
    memcpy(m->win, win, sizeof win);
    m->prior_weight = m->kw[k_bucket(10)];
    m->has_kw = m->has_gate = m->has_copy = m->has_win = 1;
    /* all the windows: on half of them (250 per position) the choice followed noise (pybench,
     * k = 40 centre: one evaluation ahead by 0.06 there, behind by 0.35 on all 500) */
    if (tune_steps(m, v, nwin, seed, log, rows, progress) != 0) return -1;
    ts_progress_span_part(1);
    return tune_chain(m, v, nchain, log, progress);
}

/* one bar over the choice: per blackout size its validation decoding (two parts),
 * then per size the decoding's choice (two: one per decoding imputed), then the chain
 * likelihood's mixture (one) */
static int tune_prior(mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, uint64_t seed, const char *log,
                      ts_mdm_tune_row *rows, int progress)
{
    ts_progress_span_begin("tune-prior", 4 * NKW + 1, progress);
    const int rc = tune_prior_run(m, v, nwin, nchain, seed, log, rows, progress);
    ts_progress_span_end();
    return rc;
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
} train_ctx;

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
    double s = xent(c->pl.logits, c->tgt, NULL, (size_t)B * Lc, V, c->pl.dlogits, 1.0 / (double)cnt);
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
        sum += xent(c->pl.logits, c->tgt, c->w, (size_t)B * Lc, V, NULL, 0);
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
        const double t0 = ts_now();
        rc = infill(m, yy, hid, 2 * n, L, &io, &prog, &done);
        t[r] = ts_now() - t0;
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
    const size_t nv = v->n < want ? v->n : want, cw = chain_windows(want, v->n), nc = cw < v->n ? cw : v->n;
    const double all = per * after_evals(L, nv, nc) + setup * AFTER_CALLS;
    if (all > share_s) {
        const size_t least = want < TUNE_WINDOWS_MIN ? want : TUNE_WINDOWS_MIN;
        size_t r = (size_t)floor((double)nv * share_s / all);
        if (r < least) r = least;
        /* fewer than the windows there are: the records name r, and --valid-windows r
         * makes the same choices (the chain's share of r too) */
        if (r < nv) c->tune_n = r;
    }
    const size_t tn = v->n < c->tune_n ? v->n : c->tune_n, tc = chain_windows(c->tune_n, v->n), cn = tc < v->n ? tc : v->n;
    return 2 * valid_s + per * after_evals(L, tn, cn) + setup * AFTER_CALLS;
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
    alloc_params(m);
    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.tw = tw;
    c.so = &so;
    c.valid = &o->split->valid;
    c.tune_n = (size_t)so.valid_windows;
    int rc = -1;
    if (init_params(m, o->seed) != 0) goto done;
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
    if (plan_init(&c.pl, m, B, Lc, 1) != 0) goto done;
    c.tgt = ts_malloc((size_t)B * Lc * sizeof(int32_t));
    c.w = ts_malloc((size_t)B * Lc * sizeof(float));
    make_crops(&c, o->split->valid.n ? &o->split->valid : tw, (size_t)so.valid_n, o->seed);

    char cfg[512], start[512];
    config_text(m, cfg, sizeof cfg);
    snprintf(start, sizeof start, "\"layers\":%d,\"channels\":%d,\"state\":%d,\"ff\":%d,\"context\":%d,"
             "\"params\":%zu,\"batch\":%d,\"lr\":%g,\"train_windows\":%zu,\"valid_windows\":%zu,"
             "\"prior_order\":%d,\"dropout\":%g", m->c.layers, m->c.C, m->c.N, m->c.F, Lc, m->p.total, B,
             so.tc.lr.lr, tw->n, c.vn, m->prior_order, so.dropout);
    ts_train_net net = {
        .name = "mdm", .ctx = &c, .params = m->params, .grads = m->grads, .n = m->p.total, .config = cfg,
        .step = train_step, .validate = train_validate, .save = train_save, .after = train_after,
        .dropout = &so.dropout, .dropout_max = m->c.backbone == BACKBONE_S4 ? DROPOUT_MAX : 0,
    };
    ts_train_cfg tc = so.tc;
    tc.seed = o->seed;
    tc.out_path = o->out_path;
    tc.resume = o->resume;
    tc.log_path = o->log_path;
    tc.progress = o->progress;
    tc.start_log = start;
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
                   NULL, o->progress) != 0)
        goto done;
    rc = 0;
done:
    plan_free(&c.pl);
    free(c.tgt); free(c.w); free(c.vx); free(c.vh); free(c.vt);
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
static int refuse_keys(const ts_run_opts *o, const char *what, const char *const *not)
{
    for (int i = 0; o && i < o->kv.n; i++)
        for (const char *const *k = not; *k; k++)
            if (!strcmp(o->kv.keys[i], *k)) return ts_opt_fail("mdm", *k, "%s does not take it", what);
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

static int chain_mix_opt(const mdm_model *m, const char *mix, int *kind_out, double *a_out);
static int chain_kn(mdm_model *m, int order);
static int chain_select(mdm_model *m, const int32_t *cand, long N, const uint8_t *hid, size_t n, size_t L, int kind,
                        double a, size_t batch, int progress, int32_t *out);

/* the samples' choice: a vote per event, or (sel) best of N by the chain likelihood */
typedef struct {
    int kind;
    double a;
    size_t batch;             /* windows' crops per network evaluation while ranking */
} chain_choice;

static int fill_all(mdm_model *m, const int32_t *x, const uint8_t *hid, size_t n, size_t L, infill_opts *io,
                    long samples, const chain_choice *sel, const char *label, int progress, int32_t *out)
{
    if (samples > 1) {   /* every window's decodings, kept to vote on or rank */
        char what[160];
        snprintf(what, sizeof what, "--samples %ld of %zu windows of %zu events", samples, n, L);
        if (ts_memory_fits((size_t)samples * n * L * sizeof(int32_t), what, "fewer --samples or windows") != 0)
            return -1;
    }
    int32_t *votes = samples > 1 ? ts_malloc((size_t)samples * n * L * sizeof *votes) : NULL;
    /* with a ranking of the decodings, one bar over both: ranking reads each decoding
     * event by event from its first hidden one (many-threads, k = 10: about 5 times
     * the decoding's time) */
    const int ranked = votes && sel;
    if (ranked) {
        ts_progress_span_begin(label, 6, progress);
        ts_progress_span_part(1);
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
    if (ranked) ts_progress_span_part(5);
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

static int model_impute(ts_model *base, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                        const ts_run_opts *o, int32_t *out)
{
    mdm_model *m = (mdm_model *)base;
    infill_opts io;
    long samples;
    if (refuse_keys(o, "impute", (const char *const[]){"likelihood", "sampler", NULL}) != 0) return -1;
    if (run_opts(m, o, &io, &samples) != 0) return -1;
    const char *select = ts_kv_get(&o->kv, "select"), *mix = ts_kv_get(&o->kv, "ngram-mix");
    if (select && strcmp(select, "vote") && strcmp(select, "likelihood"))
        return ts_opt_fail("mdm", "select", "'%s': expected vote or likelihood", select);
    chain_choice sel, *psel = NULL;
    if (select && !strcmp(select, "likelihood")) {
        /* ranked by the network alone unless --ngram-mix says: mixed with the
         * n-gram, the ranking favours fills the n-gram has memorised (many-threads,
         * 100 validation windows, k = 10, 4 decodings at temperature 1: 91.10 %
         * alone, 90.70 with the chosen switching mixture; at 0.5: 90.60, 90.30) */
        if (chain_mix_opt(m, mix ? mix : "none", &sel.kind, &sel.a) != 0) return -1;
        sel.batch = o->batch ? o->batch : CHAIN_BATCH;
        if ((sel.kind == CHAIN_SWITCH || sel.a > 0) &&
            chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0)
            return -1;
        psel = &sel;
    } else if (mix) {
        return ts_opt_fail("mdm", "ngram-mix", "impute takes it with --select likelihood only");
    }
    if (ensemble_opt(base, o) != 0) return -1;
    uint8_t *hid = ts_malloc(n * L);
    for (size_t i = 0; i < n * L; i++) hid[i] = !mask[i];
    int rc = fill_all(m, x, hid, n, L, &io, samples, psel, "impute", o->progress, out);
    free(hid);
    return rc;
}

static int chain_generate(mdm_model *m, size_t n, size_t L, size_t ctx, int kind, double a, double temp,
                          uint64_t seed, size_t batch, int progress, int32_t *out);

static int model_generate(ts_model *base, size_t n, size_t L, const ts_run_opts *o, int32_t *out)
{
    mdm_model *m = (mdm_model *)base;
    infill_opts io;
    long samples;
    if (refuse_keys(o, "generate", (const char *const[]){"likelihood", "select", NULL}) != 0) return -1;
    /* every event is hidden: no blackout to fill from the window, no context for the
     * n-gram's fillers (the prior weighs nothing) */
    if (refuse_keys(o, "generate (nothing is observed)", (const char *const[]){"in-window", NULL}) != 0) return -1;
    if (run_opts(m, o, &io, &samples) != 0) return -1;
    if (L > 4096) return ts_fail("mdm: generation length %zu: at most 4096", L);
    const char *sampler = ts_kv_get(&o->kv, "sampler"), *mix = ts_kv_get(&o->kv, "ngram-mix");
    if (sampler && strcmp(sampler, "chain") && strcmp(sampler, "unmask"))
        return ts_opt_fail("mdm", "sampler", "'%s': expected unmask or chain", sampler);
    if (sampler && !strcmp(sampler, "chain")) {
        const char *no = samples != 1 ? "samples" : o->steps ? "steps" : ts_kv_get(&o->kv, "order") ? "order" : NULL;
        if (no)
            return ts_opt_fail("mdm", no, "generate --sampler chain does not take it (one event per network "
                               "evaluation)");
        if (refuse_keys(o, "generate --sampler chain (its n-gram share is --ngram-mix)",
                        (const char *const[]){"prior-weight", "prior-gate", NULL}) != 0)
            return -1;
        int kind;
        double a, temp = 1.0;
        if (chain_mix_opt(m, mix, &kind, &a) != 0) return -1;
        if (ts_kv_get(&o->kv, "temperature")) temp = io.temperature;
        if (!(temp >= 0)) return ts_opt_fail("mdm", "temperature", "%g: expected 0 (greedy) or above", temp);
        if ((kind == CHAIN_SWITCH || a > 0) && chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0)
            return -1;
        if (ensemble_opt(base, o) != 0) return -1;
        return chain_generate(m, n, L, io.ctx, kind, a, temp, o->seed, o->batch ? o->batch : CHAIN_BATCH,
                              o->progress, out);
    }
    if (mix) return ts_opt_fail("mdm", "ngram-mix", "goes with --sampler chain (or score --likelihood chain)");
    if (refuse_keys(o, "generate (nothing is observed)", (const char *const[]){"prior-weight", "prior-gate", NULL}) != 0)
        return -1;
    /* every event hidden is one blackout of the whole window: the network reads all of it */
    if (refuse_keys(o, "generate --sampler unmask (it reads the whole window; --sampler chain reads N events)",
                    (const char *const[]){"context", NULL}) != 0)
        return -1;
    if (ensemble_opt(base, o) != 0) return -1;
    if (!ts_kv_get(&o->kv, "temperature")) io.temperature = 1.0;   /* a generator samples */
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
 * expectation over t; the estimate has the variance of levels x n samples. */
#define MDM_BITS_LEVELS 8
static int bound_bits(mdm_model *m, const int32_t *x, size_t n, size_t L, double *bits)
{
    const int V = m->c.V;
    if (n == 0 || L == 0) return ts_fail("mdm: score: no windows");
    if (L > 4096) return ts_fail("mdm: score: window length %zu: at most 4096", L);
    size_t rows = n * MDM_BITS_LEVELS;
    int B = (int)(rows < 32 ? rows : 32);
    plan pl;
    if (plan_init(&pl, m, B, (int)L, 0) != 0) return -1;
    int32_t *tgt = ts_malloc((size_t)B * L * sizeof *tgt);
    float *w = ts_malloc((size_t)B * L * sizeof *w);
    uint8_t *hb = ts_malloc(L);
    ts_rng r;
    ts_rng_seed(&r, 0x6d646d2d62697473ull);
    double sum = 0;
    int rc = 0;
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
        for (int b = 0; b < nb && rc == 0; b++)
            for (size_t l = 0; l < L; l++)
                if (row_nonfinite(pl.logits + ((size_t)b * L + l) * V, V)) {
                    rc = output_not_finite("score: ", (s + (size_t)b) / MDM_BITS_LEVELS, l);
                    break;
                }
        if (rc != 0) break;
        sum += xent(pl.logits, tgt, w, (size_t)B * L, V, NULL, 0);
    }
    if (rc == 0) *bits = sum / ((double)rows * (double)L) / log(2.0);
    plan_free(&pl);
    free(tgt);
    free(w);
    free(hb);
    return rc;
}

/* ---- the chain-rule likelihood ---- */

size_t chain_chunk_rows = (size_t)1 << 20;

/* the prior stream's Kneser-Ney model of the given order (built once, at the
 * highest order asked so far, then read as a lower one) */
static int chain_kn(mdm_model *m, int order)
{
    if (!m->prior) return ts_fail("mdm: this model was trained without the n-gram prior (--prior 0): no n-gram to mix");
    if (m->kn && order > ts_kn_max_order(m->kn)) { ts_kn_free(m->kn); m->kn = NULL; }
    if (!m->kn) {
        size_t N;
        const int32_t *S = ts_ngram_stream(m->prior, &N, NULL);
        if (ts_kn_build(&m->kn, S, N, order > CHAIN_KN_MAX ? order : CHAIN_KN_MAX, m->c.V) != 0) return -1;
    }
    return ts_kn_set_order(m->kn, order);
}

/* crops per network evaluation for `items` of them and --batch `batch`: at most
 * both, rounded up to even. A row's bits must not depend on the batch: the S4
 * layer transforms rows in pairs (2i, 2i + 1), a pair's rounding depends on
 * both, so every batch starts at an even item (B even), the items pair the same
 * way for any B, and a batch's last item, when alone, is paired with a copy of
 * itself (the padding rows repeat it); the row-wise products go a row at a time
 * (plan.seq_rows) */
static int chain_batch(size_t items, size_t batch)
{
    size_t b = items < batch ? items : batch;
    return (int)(b + (b & 1));
}

/* row b of pl.ids (Lc wide): the crop of window xw that ends at event j, with j
 * and everything after it hidden (MASK = V); returns j's place in the crop */
static int chain_crop(plan *pl, int b, const int32_t *xw, int j, int Lc, int V)
{
    const int a = j + 1 >= Lc ? j + 1 - Lc : 0;   /* the crop [a, a + Lc) */
    for (int l = 0; l < Lc; l++) pl->ids[(size_t)b * Lc + l] = a + l < j ? xw[a + l] : V;
    return j - a;
}

/* what one left-to-right pass needs: the network's plan over crops of Lc events (B of
 * them), the ensemble members' (each its own crop of windows of L events; ctx0 as
 * ens_chain_init), and per crop its place (at), window (wb), event (pb) and the
 * members' places (ate) */
typedef struct {
    plan pl, pe[TS_MDM_ENSEMBLE_MAX];
    int *at, *pb, *ate;
    const int32_t **wb;
} chain_pass;

static int chain_pass_init(chain_pass *cp, mdm_model *m, int B, int Lc, size_t L, size_t ctx0)
{
    if (plan_init(&cp->pl, m, B, Lc, 0) != 0) return -1;
    if (ens_chain_init(m, cp->pe, B, L, ctx0) != 0) { plan_free(&cp->pl); return -1; }
    cp->pl.seq_rows = 1;   /* the same bits for any batch */
    cp->at = ts_malloc((size_t)B * sizeof *cp->at);
    cp->pb = ts_malloc((size_t)B * sizeof *cp->pb);
    cp->ate = ts_malloc(((size_t)m->n_ens * B + 1) * sizeof *cp->ate);
    cp->wb = ts_malloc((size_t)B * sizeof *cp->wb);
    return 0;
}

/* the network and the members on the pass's crops (at, wb, pb set), nb of them real */
static void chain_pass_forward(mdm_model *m, chain_pass *cp, int nb)
{
    net_forward(m, &cp->pl);
    if (m->n_ens) ens_chain_forward(m, &cp->pl, cp->pe, cp->wb, cp->pb, cp->at, nb, cp->ate);
}

static void chain_pass_free(mdm_model *m, chain_pass *cp)
{
    plan_free(&cp->pl);
    ens_chain_free(m, cp->pe);
    free(cp->at);
    free(cp->pb);
    free(cp->ate);
    free(cp->wb);
}

/* The chain rule at listed events: for row r, the network's probability pn[r]
 * and the Kneser-Ney model's pk[r] (if kn) of event pos[r] of window win[r]
 * (L events) given the window's events before it. The network sees the crop of
 * at most `context` events that ends at the event, the event and everything
 * after it hidden (so it reads the same x_<j as a left-to-right model; one
 * network evaluation per row, chain_batch(rows, batch) rows per batch, the same
 * bits for any batch). A probability that is not finite stops it with *bad = 1 +
 * its row (0: all finite). */
static int chain_rows(mdm_model *m, const int32_t *const *win, const int *pos, size_t rows, size_t L, int kn,
                      size_t batch, const char *label, int progress, double *pn, double *pk, size_t *bad)
{
    const int V = m->c.V;
    const int Lc = (int)(L < (size_t)m->c.ctx ? L : (size_t)m->c.ctx);
    const int B = chain_batch(rows, batch);
    if (kn && !m->kn) return ts_fail("mdm: chain likelihood: no Kneser-Ney model");
    chain_pass cp;
    if (chain_pass_init(&cp, m, B, Lc, L, 0) != 0) return -1;
    *bad = 0;
    ts_progress prog;
    ts_progress_start(&prog, label, (long)((rows + B - 1) / B));
    prog.enabled = progress;
    for (size_t s = 0; s < rows; s += (size_t)B) {
        const int nb = (int)(rows - s < (size_t)B ? rows - s : (size_t)B);
        for (int b = 0; b < B; b++) {
            const size_t row = s + (size_t)(b < nb ? b : nb - 1);
            cp.at[b] = chain_crop(&cp.pl, b, win[row], pos[row], Lc, V);
            cp.wb[b] = win[row], cp.pb[b] = pos[row];
        }
        chain_pass_forward(m, &cp, nb);
        for (int b = 0; b < nb; b++) {
            const size_t row = s + (size_t)b;
            const int32_t *xw = win[row];
            const int j = pos[row];
            const float *lg = cp.pl.logits + ((size_t)b * Lc + cp.at[b]) * V;
            float mx = lg[0];
            for (int v = 1; v < V; v++) mx = lg[v] > mx ? lg[v] : mx;
            double z = 0;
            for (int v = 0; v < V; v++) z += exp((double)lg[v] - mx);
            pn[row] = exp((double)lg[xw[j]] - mx) / z;
            if (kn) pk[row] = exp(ts_kn_logprob(m->kn, xw, (size_t)j, xw[j]));
            if (!*bad && !(pn[row] >= 0 && pn[row] <= 1)) *bad = row + 1;
        }
        ts_progress_update(&prog, (long)(s / (size_t)B + 1), NULL);
        if (*bad) break;
    }
    ts_progress_end(&prog);
    chain_pass_free(m, &cp);
    return 0;
}

/* the chain rule at every event of windows x (n x L, row-major): pn, pk per event */
static int chain_probs(mdm_model *m, const int32_t *x, size_t n, size_t L, int kn, size_t batch, int progress,
                       double *pn, double *pk)
{
    const size_t rows = n * L;
    const int32_t **win = ts_malloc(rows * sizeof *win);
    int *pos = ts_malloc(rows * sizeof *pos);
    for (size_t r = 0; r < rows; r++) win[r] = x + (r / L) * L, pos[r] = (int)(r % L);
    size_t bad;
    int rc = chain_rows(m, win, pos, rows, L, kn, batch, "score", progress, pn, pk, &bad);
    free(win);
    free(pos);
    if (rc == 0 && bad)
        return output_not_finite("chain likelihood: ", (bad - 1) / L, (bad - 1) % L);
    return rc;
}

/* Mean bits per event of the two models' mixture over rows n x L.
 * CHAIN_LINEAR: p = (1 - a) pn + a pk at every event.
 * CHAIN_SWITCH: a mixture that follows whichever model has predicted the
 * window's events better (fixed share, Herbster & Warmuth 1998): weights start
 * at 1/2 in each window, p = sum_m q_m p_m, then q_m <- q_m p_m / p and a share
 * a of the weight is spread evenly (a = 0: the Bayes mixture of the two
 * models over the window, within 1 bit of the better one's whole-window bits).
 * Each factor is a distribution over the event given the window's x_<j alone,
 * so either mixture is a likelihood, not a bound. */

/* one event of the mixture: its probability p, and the switching weight q
 * (the network's) moved on by the event */
static double mix_step(double *q, double pn, double pk, int kind, double a)
{
    if (kind == CHAIN_LINEAR) return (1 - a) * pn + a * pk;
    const double un = *q * pn, uk = (1 - *q) * pk, p = un + uk;
    *q = p > 0 ? un / p : *q;
    *q = (1 - a) * *q + a * 0.5;
    return p;
}

static double mix_bits(const double *pn, const double *pk, size_t n, size_t L, int kind, double a)
{
    double sum = 0;
    for (size_t w = 0; w < n; w++) {
        double q = 0.5;   /* the network's weight (switch) */
        for (size_t j = 0; j < L; j++) {
            const size_t r = w * L + j;
            const double p = mix_step(&q, pn[r], pk ? pk[r] : 0, kind, a);
            sum -= log(p > 1e-300 ? p : 1e-300);
        }
    }
    return sum / ((double)n * (double)L) / log(2.0);
}

/* the chain likelihood's mixture on validation windows: the Kneser-Ney order
 * with the lowest bits of the n-gram alone on up to 128 windows, then the
 * mixture (linear share or switching rate) with the lowest chain bits on up to
 * nchain (chain_windows of the choice's windows) */
static int tune_chain(mdm_model *m, const ts_windows *v, size_t nchain, const char *log, int progress)
{
    if (!m->prior || !v->n || !v->len) return 0;
    if (chain_kn(m, CHAIN_KN_MAX) != 0) return -1;
    const int best_o = ts_kn_choose_order(m->kn, v->data, v->n < 128 ? v->n : 128, v->len);
    size_t nc = v->n < nchain ? v->n : nchain, rows = nc * v->len;
    double *pn = ts_malloc(rows * sizeof *pn), *pk = ts_malloc(rows * sizeof *pk);
    if (chain_probs(m, v->data, nc, v->len, 1, CHAIN_BATCH, progress, pn, pk) != 0) { free(pn); free(pk); return -1; }
    static const double lin[] = {0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1};
    static const double sw[] = {0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3};
    int bk = CHAIN_LINEAR;
    double ba = 0, bb = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, 0);
    const double net = bb, ng = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, 1);
    for (size_t i = 0; i < sizeof lin / sizeof *lin; i++) {
        double b = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, lin[i]);
        if (b < bb) { bb = b; bk = CHAIN_LINEAR; ba = lin[i]; }
    }
    for (size_t i = 0; i < sizeof sw / sizeof *sw; i++) {
        double b = mix_bits(pn, pk, nc, v->len, CHAIN_SWITCH, sw[i]);
        if (b < bb) { bb = b; bk = CHAIN_SWITCH; ba = sw[i]; }
    }
    free(pn);
    free(pk);
    m->chain_kind = bk;
    m->chain_w = ba;
    m->chain_valid[0] = net, m->chain_valid[1] = ng, m->chain_valid[2] = bb;
    m->chain_order = best_o;
    m->has_chain = 1;
    ts_train_log(log, "\"event\":\"chain_mixture\",\"windows\":%zu,\"kn_order\":%d,\"network_bits\":%.5f,"
                 "\"ngram_bits\":%.5f,\"mixture\":\"%s\",\"parameter\":%g,\"bits\":%.5f", nc, best_o, net, ng,
                 bk == CHAIN_SWITCH ? "switch" : "linear", ba, bb);
    return 0;
}

/* --ngram-mix (NULL: the mixture tune-prior chose, else none) into *kind, *a */
static int chain_mix_opt(const mdm_model *m, const char *mix, int *kind_out, double *a_out)
{
    int kind = m->has_chain ? m->chain_kind : CHAIN_LINEAR;
    double a = m->has_chain ? m->chain_w : 0;
    if (mix) {
        if (!strcmp(mix, "none")) {
            kind = CHAIN_LINEAR, a = 0;
        } else if (!strncmp(mix, "linear:", 7) || !strncmp(mix, "switch:", 7)) {
            kind = mix[0] == 's' ? CHAIN_SWITCH : CHAIN_LINEAR;
            /* decimal, as the options read numbers: no blank, no hexadecimal */
            if (ts_parse_double(mix + 7, 0, 1, &a) != 0)
                return ts_opt_fail("mdm", "ngram-mix", "'%s': the number after ':' must be 0 to 1", mix);
        } else {
            return ts_opt_fail("mdm", "ngram-mix", "'%s': expected none, linear:W or switch:A", mix);
        }
    }
    *kind_out = kind;
    *a_out = a;
    return 0;
}

/* Best of N by the chain likelihood (impute --select likelihood): of each
 * window's candidate fills (cand: N blocks of n x L), the one whose whole
 * window is the most likely under the chain likelihood mixed as (kind, a).
 * The candidates agree before a window's first hidden event, so only the
 * events from there on are scored, once per distinct candidate; the switching
 * mixture's weight there comes from the events before it (scored once). Ties
 * go to the lower candidate. */
static int chain_select(mdm_model *m, const int32_t *cand, long N, const uint8_t *hid, size_t n, size_t L, int kind,
                        double a, size_t batch, int progress, int32_t *out)
{
    const int kn = kind == CHAIN_SWITCH || a > 0;
    size_t *h = ts_malloc(n * sizeof *h);
    long *same = ts_malloc((size_t)N * n * sizeof *same);   /* (v, w): the first candidate equal to v */
    size_t rows = 0;
    for (size_t w = 0; w < n; w++) {
        h[w] = 0;
        while (h[w] < L && !hid[w * L + h[w]]) h[w]++;
        if (h[w] == L) continue;
        if (kind == CHAIN_SWITCH) rows += h[w];
        for (long v = 0; v < N; v++) {
            const int32_t *cv = cand + ((size_t)v * n + w) * L;
            long u = 0;
            while (u < v && memcmp(cand + ((size_t)u * n + w) * L + h[w], cv + h[w], (L - h[w]) * sizeof *cv)) u++;
            same[(size_t)v * n + w] = u;
            if (u == v) rows += L - h[w];
        }
    }
    const int32_t **win = ts_malloc((rows ? rows : 1) * sizeof *win);
    int *pos = ts_malloc((rows ? rows : 1) * sizeof *pos);
    double *pn = ts_malloc((rows ? rows : 1) * sizeof *pn), *pk = ts_malloc((rows ? rows : 1) * sizeof *pk);
    size_t r = 0;
    for (size_t w = 0; w < n; w++) {
        if (h[w] == L) continue;
        if (kind == CHAIN_SWITCH)
            for (size_t j = 0; j < h[w]; j++) win[r] = cand + w * L, pos[r++] = (int)j;
        for (long v = 0; v < N; v++)
            if (same[(size_t)v * n + w] == v)
                for (size_t j = h[w]; j < L; j++) win[r] = cand + ((size_t)v * n + w) * L, pos[r++] = (int)j;
    }
    size_t bad = 0;
    /* no rows: nothing hidden in any window, every window keeps its first decoding */
    int rc = rows ? chain_rows(m, win, pos, rows, L, kn, batch, "rank", progress, pn, pk, &bad) : 0;
    if (rc == 0 && bad) {
        const size_t w = (size_t)((win[bad - 1] - cand) / (ptrdiff_t)L) % n;
        rc = output_not_finite("--select likelihood: ", w, (size_t)pos[bad - 1]);
    }
    r = 0;
    for (size_t w = 0; w < n && rc == 0; w++) {
        long best = 0;
        if (h[w] < L) {
            double q0 = 0.5, ll[1000];
            if (kind == CHAIN_SWITCH)
                for (size_t j = 0; j < h[w]; j++, r++) mix_step(&q0, pn[r], pk[r], kind, a);
            for (long v = 0; v < N; v++) {
                const long u = same[(size_t)v * n + w];
                if (u < v) { ll[v] = ll[u]; continue; }
                double q = q0, sum = 0;
                for (size_t j = h[w]; j < L; j++, r++) {
                    const double p = mix_step(&q, pn[r], kn ? pk[r] : 0, kind, a);
                    sum += log(p > 1e-300 ? p : 1e-300);
                }
                ll[v] = sum;
                if (sum > ll[best]) best = v;
            }
        }
        memcpy(out + w * L, cand + ((size_t)best * n + w) * L, L * sizeof *out);
    }
    free(h); free(same); free(win); free(pos); free(pn); free(pk);
    return rc;
}

/* Generation by the chain rule (--sampler chain): each window left to right,
 * x_j drawn from the same distribution the chain likelihood scores it with
 * (the network on the crop ending at j, j and after hidden, mixed with the
 * Kneser-Ney model as --ngram-mix says), so the windows are exact samples of
 * the model that score --likelihood chain measures. One network evaluation per
 * event; window i draws from its own stream (seed, i): the same windows for any
 * batch and thread count. */
static int chain_generate(mdm_model *m, size_t n, size_t L, size_t ctx, int kind, double a, double temp,
                          uint64_t seed, size_t batch, int progress, int32_t *out)
{
    const int V = m->c.V;
    const size_t ctx0 = ctx;   /* --context N, or 0: each network its own (the members too) */
    if (!ctx) ctx = (size_t)m->c.ctx;   /* the events the network reads: the training crop's by default */
    const int Lc = (int)(L < ctx ? L : ctx);
    const int B = chain_batch(n, batch);
    const int kn = kind == CHAIN_SWITCH || a > 0;
    chain_pass cp;   /* the same windows for any batch */
    if (chain_pass_init(&cp, m, B, Lc, L, ctx0) != 0) return -1;
    double *pn = ts_malloc((size_t)V * sizeof *pn), *pk = ts_malloc((size_t)V * sizeof *pk);
    double *q = ts_malloc((size_t)B * sizeof *q);
    ts_rng *rng = ts_malloc((size_t)B * sizeof *rng);
    ts_progress prog;
    ts_progress_start(&prog, "generate", (long)(((n + B - 1) / B) * L));
    prog.enabled = progress;
    long done = 0;
    int rc = 0;
    for (size_t s = 0; s < n && rc == 0; s += (size_t)B) {
        const int nb = (int)(n - s < (size_t)B ? n - s : (size_t)B);
        for (int b = 0; b < nb; b++) ts_rng_fork(&rng[b], seed, s + (size_t)b), q[b] = 0.5;
        for (size_t j = 0; j < L && rc == 0; j++) {
            int p = 0;
            for (int b = 0; b < B; b++) {
                cp.wb[b] = out + (s + (size_t)(b < nb ? b : nb - 1)) * L, cp.pb[b] = (int)j;
                p = cp.at[b] = chain_crop(&cp.pl, b, cp.wb[b], (int)j, Lc, V);
            }
            chain_pass_forward(m, &cp, nb);
            for (int b = 0; b < nb && rc == 0; b++) {
                int32_t *xw = out + (s + (size_t)b) * L;
                const float *lg = cp.pl.logits + ((size_t)b * Lc + p) * V;
                if (row_nonfinite(lg, V)) {
                    rc = output_not_finite("generate: ", s + (size_t)b, j);
                    break;
                }
                float mx = lg[0];
                for (int v = 1; v < V; v++) mx = lg[v] > mx ? lg[v] : mx;
                double z = 0;
                for (int v = 0; v < V; v++) z += pn[v] = exp((double)lg[v] - mx);
                for (int v = 0; v < V; v++) pn[v] /= z;
                if (kn) ts_kn_dist(m->kn, xw, j, pk);
                const double wn = kind == CHAIN_SWITCH ? q[b] : 1 - a;
                double tot = 0, top = 0;
                for (int v = 0; v < V; v++) {   /* pk reused: the draw's weights */
                    pk[v] = wn * pn[v] + (kn ? (1 - wn) * pk[v] : 0);
                    top = pk[v] > top ? pk[v] : top;
                }
                int pick = -1, last = 0;
                for (int v = 0; v < V; v++) {   /* p^(1/T) relative to the largest: no underflow at small T */
                    if (temp == 0 && pick < 0 && pk[v] == top) pick = v;   /* greedy: the first most likely */
                    if (temp != 1.0) pk[v] = pow(pk[v] / top, 1.0 / temp);
                    if (pk[v] > 0) last = v;
                    tot += pk[v];
                }
                double u = ts_rng_uniform(&rng[b]) * tot;   /* drawn at T = 0 too: the streams stay aligned */
                for (int v = 0; v < V && pick < 0; v++) {
                    u -= pk[v];
                    if (u < 0) pick = v;
                }
                if (pick < 0) pick = last;   /* u rounded past the end: the last event with weight */
                xw[j] = pick;
                if (kind == CHAIN_SWITCH) {   /* the same update as scoring, on the drawn event */
                    const double pkv = exp(ts_kn_logprob(m->kn, xw, j, pick));
                    const double un = q[b] * pn[pick], den = un + (1 - q[b]) * pkv;
                    q[b] = den > 0 ? un / den : q[b];
                    q[b] = (1 - a) * q[b] + a * 0.5;
                }
            }
            ts_progress_update(&prog, ++done, NULL);
        }
    }
    ts_progress_end(&prog);
    free(pn);
    free(pk);
    free(q);
    free(rng);
    chain_pass_free(m, &cp);
    return rc;
}

/* score: the masked-diffusion bound (default), or the chain-rule likelihood
 * (--likelihood chain): the network alone, or mixed with the prior stream's
 * Kneser-Ney model (--ngram-mix linear:W | switch:A | none; default: the mixture
 * tune-prior chose on validation windows, else none) */
static int model_bits(ts_model *base, const int32_t *x, size_t n, size_t L, const ts_run_opts *o, double *bits)
{
    mdm_model *m = (mdm_model *)base;
    const char *lk = o ? ts_kv_get(&o->kv, "likelihood") : NULL;
    const char *mix = o ? ts_kv_get(&o->kv, "ngram-mix") : NULL;
    if (refuse_keys(o, "score", (const char *const[]){"sampler", "samples", "temperature", "prior-weight",
                                                       "prior-gate", "in-window", "context", "ensemble", "select", "order", NULL}) != 0)
        return -1;
    if (o && o->steps) return ts_opt_fail("mdm", "steps", "score does not take it");
    if (!lk || !strcmp(lk, "bound")) {
        if (mix) return ts_opt_fail("mdm", "ngram-mix", "goes with --likelihood chain");
        return bound_bits(m, x, n, L, bits);
    }
    if (strcmp(lk, "chain")) return ts_opt_fail("mdm", "likelihood", "'%s': expected bound or chain", lk);
    if (n == 0 || L == 0) return ts_fail("mdm: score: no windows");
    int kind;
    double a;
    if (chain_mix_opt(m, mix, &kind, &a) != 0) return -1;
    const int kn = kind == CHAIN_SWITCH || a > 0;
    if (kn && chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0) return -1;
    /* windows in chunks (each window's mixture is its own): memory for at most
     * chain_chunk_rows events' probabilities whatever the input */
    size_t per = chain_chunk_rows / L ? chain_chunk_rows / L : 1, cap = (per < n ? per : n) * L;
    double *pn = ts_malloc(cap * sizeof *pn), *pk = kn ? ts_malloc(cap * sizeof *pk) : NULL;
    double sum = 0;
    int rc = 0;
    ts_progress_span_begin("score", (long)(n * L), o && o->progress);   /* one bar over the chunks */
    for (size_t w = 0; w < n && rc == 0; w += per) {
        size_t nw = n - w < per ? n - w : per;
        ts_progress_span_part((long)(nw * L));
        rc = chain_probs(m, x + w * L, nw, L, kn, o && o->batch ? o->batch : CHAIN_BATCH, o && o->progress, pn, pk);
        if (rc == 0) sum += mix_bits(pn, pk, nw, L, kind, a) * (double)nw;
    }
    ts_progress_span_end();
    if (rc == 0) *bits = sum / (double)n;
    free(pn);
    free(pk);
    return rc;
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
        "                        (defaults: --lr 2e-3, --schedule cosine with --warmup 100\n"
        "                        or 5 % of --iters if fewer, --iters 2000, --valid-every 200)\n"
        "  impute/generate: --steps S network evaluations per window (impute's default:\n"
        "                 the decoding chosen per blackout size and position (both\n"
        "                 sides seen, or one) on validation windows with the\n"
        "                 prior's weights, one evaluation for the whole\n"
        "                 blackout or one per hidden event, when greedy and most\n"
        "                 confident first; otherwise, or without the choice, one\n"
        "                 per hidden event; generate: 64), --batch B (64),\n"
        "                 --temperature T (0: greedy; generate 1), --order O (which\n"
        "                 hidden events each evaluation reveals: confident, the\n"
        "                 most confident first (default), or random, uniformly as in\n"
        "                 the reverse of training's masking; each drawn at T),\n"
        "                 --samples N (a vote per event), --prior-weight W (one\n"
        "                 weight for all; default the trained choices; 0: the network\n"
        "                 alone), --prior-gate 0|1 (0: the chosen weight per blackout\n"
        "                 size only, no gate; default 1), --context N (impute: the\n"
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
        "                 hidden one on, per distinct decoding)\n"
        "  score: bits per event by the masked-diffusion bound (an upper bound on the\n"
        "                 negative log2-likelihood): the network alone on whole windows,\n"
        "                 8 masking levels per window from a fixed seed\n"
        "  --likelihood chain     score: the exact likelihood by the chain rule, left to\n"
        "                 right (one network evaluation per event; the network sees\n"
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
        "                 evaluation (32, rounded up to even); the same bits for any B\n",
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
    .train_reads = TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION,
    /* the seed when it samples (--temperature above 0, --order random) */
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
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
    return tune_prior(m, valid, windows, chain_windows(windows, valid->n), seed, log_path, rows, progress);
}
