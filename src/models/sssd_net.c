/* The SSSD-S4 denoising network (and DiffWave, its blocks with a dilated
 * convolution instead of S4; CSDI-S4's blocks in csdi_net.c): parameter layout,
 * initialisation, activation plan, forward and backward (see sssd.h for the
 * equations). */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the loops that
 * call v_exp on every CPU level (without it only the AVX-512 clone, whose masked
 * instructions cannot trap, is vectorised); nothing here reads floating-point
 * exception flags */
#pragma GCC optimize("no-trapping-math")
#endif
#include "tracesynth/sssd.h"
#include "tracesynth/common.h"
#include "tracesynth/nn.h"
#include "nn/carve.h"
#include "nn/conv_add.h"
#include "nn/vmath.h"
#include "models/csdi_net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ts_sssd_config_paper(ts_sssd_config *c)
{
    memset(c, 0, sizeof *c);
    c->layers = 36;
    c->C = 256;
    c->N = 64;
    c->emb_in = 128;
    c->emb_mid = 512;
    c->emb_out = 512;
    c->bidirectional = 1;
    c->train_ssm = 0;
    c->in_ch = 1;
}

void ts_sssd_config_diffwave(ts_sssd_config *c)
{
    ts_sssd_config_paper(c);
    c->N = 0;
    c->bidirectional = 0;
    c->residual = TS_SSSD_RES_DILATED;
    c->dilation_cycle = TS_DIFFWAVE_DEFAULT_CYCLE;
}

void ts_sssd_config_csdi(ts_sssd_config *c)
{
    ts_sssd_config_paper(c);
    c->layers = 4;
    c->C = 64;
    c->emb_mid = c->emb_out = 128;
    c->residual = TS_SSSD_RES_CSDI;
    c->time_emb = 128;
    c->feat_emb = 16;
}

int ts_sssd_in_ch(const ts_sssd_config *c) { return c->in_ch > 0 ? c->in_ch : 1; }

int ts_sssd_dilation(const ts_sssd_config *c, int i)
{
    return c->residual == TS_SSSD_RES_DILATED ? 1 << (i % c->dilation_cycle) : 1;
}

int ts_sssd_config_check(const ts_sssd_config *c)
{
    if (c->layers < 1 || c->layers > 1024) return ts_fail("sssd: layers = %d out of range [1, 1024]", c->layers);
    if (c->C < 1 || c->C > 4096) return ts_fail("sssd: channels = %d out of range [1, 4096]", c->C);
    if (c->in_ch < 0 || c->in_ch > 64) return ts_fail("sssd: input channels = %d out of range [1, 64]", c->in_ch);
    if (c->residual == TS_SSSD_RES_DILATED) {
        /* 2^23 is past any window a model file allows (len <= 2^24 positions) */
        if (c->dilation_cycle < 1 || c->dilation_cycle > 24)
            return ts_fail("diffwave: dilation cycle = %d out of range [1, 24]", c->dilation_cycle);
    } else if (c->residual != TS_SSSD_RES_S4 && c->residual != TS_SSSD_RES_CSDI) {
        return ts_fail("sssd: residual kind %d unknown", c->residual);
    } else if (c->N < 2 || c->N > 1024 || c->N % 2) {
        return ts_fail("sssd: state = %d must be even, in [2, 1024]", c->N);
    }
    if (c->residual == TS_SSSD_RES_CSDI) {
        /* more than one feature needs CSDI's feature transformer, which is not built */
        if (ts_sssd_in_ch(c) != 1) return ts_fail("csdi: input channels = %d: only 1 (event IDs alone)", c->in_ch);
        if (c->time_emb < 2 || c->time_emb > 65536 || c->time_emb % 2)
            return ts_fail("csdi: time embedding = %d must be even, in [2, 65536]", c->time_emb);
        if (c->feat_emb < 1 || c->feat_emb > 65536)
            return ts_fail("csdi: feature embedding = %d out of range [1, 65536]", c->feat_emb);
    }
    if (c->emb_in < 4 || c->emb_in % 2 || c->emb_mid < 1 || c->emb_out < 1)
        return ts_fail("sssd: step embedding %d -> %d -> %d: the first must be even and >= 4",
                       c->emb_in, c->emb_mid, c->emb_out);
    return 0;
}

size_t ts_sssd_config_text(const ts_sssd_config *c, char *buf, size_t n)
{
    int k;
    if (c->residual == TS_SSSD_RES_DILATED)
        k = snprintf(buf, n, "layers=%d\nchannels=%d\nemb_in=%d\nemb_mid=%d\nemb_out=%d\nresidual=dilated\n"
                     "dilation_cycle=%d\n", c->layers, c->C, c->emb_in, c->emb_mid, c->emb_out, c->dilation_cycle);
    else if (c->residual == TS_SSSD_RES_CSDI)
        k = snprintf(buf, n, "layers=%d\nchannels=%d\nstate=%d\nemb_in=%d\nemb_mid=%d\nemb_out=%d\nbidirectional=%d\n"
                     "train_ssm=%d\nresidual=csdi\ntime_emb=%d\nfeature_emb=%d\n", c->layers, c->C, c->N, c->emb_in,
                     c->emb_mid, c->emb_out, c->bidirectional, c->train_ssm, c->time_emb, c->feat_emb);
    else   /* no 'residual' key: the S4 files of before it, byte for byte */
        k = snprintf(buf, n, "layers=%d\nchannels=%d\nstate=%d\nemb_in=%d\nemb_mid=%d\nemb_out=%d\nbidirectional=%d\n"
                     "train_ssm=%d\n", c->layers, c->C, c->N, c->emb_in, c->emb_mid, c->emb_out, c->bidirectional,
                     c->train_ssm);
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

int ts_sssd_config_read(const ts_reader *r, const char *tag, ts_sssd_config *c)
{
    static const char *const kinds[] = {"s4", "dilated", "csdi", NULL};
    c->residual = TS_SSSD_RES_S4;
    c->dilation_cycle = c->time_emb = c->feat_emb = 0;
    /* files from before the key are S4 */
    if (ts_reader_has(r, tag, "residual") && ts_reader_choice(r, tag, "residual", kinds, &c->residual) != 0) return -1;
    const int dil = c->residual == TS_SSSD_RES_DILATED;
    const struct { const char *key; long lo, hi; int *dst; int s4; } ints[] = {
        {"layers", 1, 1024, &c->layers, 0},       {"channels", 1, 4096, &c->C, 0},
        {"state", 2, 1024, &c->N, 1},             {"emb_in", 4, 65536, &c->emb_in, 0},
        {"emb_mid", 1, 65536, &c->emb_mid, 0},    {"emb_out", 1, 65536, &c->emb_out, 0},
        {"bidirectional", 0, 1, &c->bidirectional, 1}, {"train_ssm", 0, 1, &c->train_ssm, 1},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long v = 0;
        if (!(dil && ints[i].s4) && ts_reader_long(r, tag, ints[i].key, ints[i].lo, ints[i].hi, &v) != 0) return -1;
        *ints[i].dst = (int)v;
    }
    long cyc;
    if (dil && ts_reader_long(r, tag, "dilation_cycle", 1, 24, &cyc) != 0) return -1;
    if (dil) c->dilation_cycle = (int)cyc;
    long te, fe;
    if (c->residual == TS_SSSD_RES_CSDI) {
        if (ts_reader_long(r, tag, "time_emb", 2, 65536, &te) != 0 ||
            ts_reader_long(r, tag, "feature_emb", 1, 65536, &fe) != 0)
            return -1;
        c->time_emb = (int)te;
        c->feat_emb = (int)fe;
    }
    return 0;
}

void ts_sssd_layout_of(const ts_sssd_config *c, ts_sssd_layout *p, size_t *s4_size)
{
    const size_t C = (size_t)c->C, C2 = 2 * C, K = (size_t)ts_sssd_in_ch(c);
    /* csdi: plain convs (no g), one S4 of C channels, the mid conv k 1 in c3, the
     * side information's conv in cond, the feature embedding */
    const int csdi = c->residual == TS_SSSD_RES_CSDI;
    const size_t g = csdi ? 0 : 1, kc3 = csdi ? 1 : 3, nin = csdi ? 2 * K : K;
    const size_t ncond = csdi ? (size_t)c->time_emb + (size_t)c->feat_emb + 1 : 2 * K;
    ts_s4_config sc = {(int)(csdi ? C : C2), c->N, 1, c->bidirectional, TS_S4_CONV_AUTO};
    size_t s4 = c->residual == TS_SSSD_RES_DILATED ? 0 : ts_s4_num_params(&sc);
    size_t o = 0;
    memset(p, 0, sizeof *p);
#define TAKE(field, n) do { p->field = o; o += (n); } while (0)
    TAKE(init_v, C * nin); TAKE(init_g, g * C); TAKE(init_b, C);
    TAKE(t1_w, (size_t)c->emb_mid * c->emb_in); TAKE(t1_b, (size_t)c->emb_mid);
    TAKE(t2_w, (size_t)c->emb_out * c->emb_mid); TAKE(t2_b, (size_t)c->emb_out);
    TAKE(feat, csdi ? (size_t)c->feat_emb : 0);
    p->blk0 = o;
    o = 0;   /* relative to the start of a block */
    TAKE(fc_w, C * c->emb_out); TAKE(fc_b, C);
    TAKE(c3_v, C2 * C * kc3); TAKE(c3_g, g * C2); TAKE(c3_b, C2);
    TAKE(s4a, s4);
    TAKE(cond_v, C2 * ncond); TAKE(cond_g, g * C2); TAKE(cond_b, C2);
    TAKE(s4b, csdi ? 0 : s4);
    TAKE(rs_v, C2 * C); TAKE(rs_g, g * C2); TAKE(rs_b, C2);
    p->blk_size = o;
    o = p->blk0 + (size_t)c->layers * p->blk_size;
    TAKE(fin_v, C * C); TAKE(fin_g, g * C); TAKE(fin_b, C);
    TAKE(out_w, K * C); TAKE(out_b, K);
#undef TAKE
    p->total = o;
    if (s4_size) *s4_size = s4;
}

void ts_sssd_net_alloc(ts_sssd_net *n, const ts_sssd_config *c)
{
    memset(n, 0, sizeof *n);
    n->c = *c;
    ts_sssd_layout_of(c, &n->p, &n->s4_size);
    ts_s4_config sc = {c->residual == TS_SSSD_RES_CSDI ? c->C : 2 * c->C, c->N, 1, c->bidirectional, TS_S4_CONV_AUTO};
    if (c->residual != TS_SSSD_RES_DILATED) ts_s4_layout_of(&sc, &n->s4p);
    n->params = ts_alloc_aligned(n->p.total * sizeof(float));
    n->grads = ts_alloc_aligned(n->p.total * sizeof(float));
}

void ts_sssd_net_free(ts_sssd_net *n)
{
    ts_free_aligned(n->params);
    ts_free_aligned(n->grads);
    memset(n, 0, sizeof *n);
}

int ts_sssd_net_init(ts_sssd_net *n, const ts_sssd_config *c, uint64_t seed)
{
    if (ts_sssd_config_check(c) != 0) return -1;
    ts_sssd_net_alloc(n, c);
    if (c->residual == TS_SSSD_RES_CSDI) {
        if (ts_csdi_params_init(n, seed) != 0) { ts_sssd_net_free(n); return -1; }
        return 0;
    }
    const int C = c->C, C2 = 2 * C, K = ts_sssd_in_ch(c);
    float *P = n->params;
    const ts_sssd_layout *p = &n->p;
    const int s4blk = c->residual == TS_SSSD_RES_S4;
    ts_s4 s4;
    memset(&s4, 0, sizeof s4);
    ts_s4_config sc = {C2, c->N, 1, c->bidirectional, TS_S4_CONV_AUTO};
    if (s4blk && ts_s4_init(&s4, &sc) != 0) { ts_sssd_net_free(n); return -1; }
    ts_rng r;
    ts_rng_seed(&r, seed);
    /* Conv = weight-normalised conv as PyTorch really starts it (see nn.h) */
    ts_conv1d_wn_init(P + p->init_v, P + p->init_g, P + p->init_b, K, C, 1, TS_WN_TORCH_EFFECTIVE, &r);
    ts_linear_init(P + p->t1_w, P + p->t1_b, c->emb_in, c->emb_mid, &r);
    ts_linear_init(P + p->t2_w, P + p->t2_b, c->emb_mid, c->emb_out, &r);
    int rc = 0;
    for (int i = 0; i < c->layers && rc == 0; i++) {
        float *b = ts_sssd_blk(n, P, i);
        ts_linear_init(b + p->fc_w, b + p->fc_b, c->emb_out, C, &r);
        ts_conv1d_wn_init(b + p->c3_v, b + p->c3_g, b + p->c3_b, C, C2, 3, TS_WN_TORCH_EFFECTIVE, &r);
        if (s4blk) rc = ts_s4_init_params(&s4, b + p->s4a, ts_rng_u64(&r));
        ts_conv1d_wn_init(b + p->cond_v, b + p->cond_g, b + p->cond_b, 2 * K, C2, 1, TS_WN_TORCH_EFFECTIVE, &r);
        if (s4blk && rc == 0) rc = ts_s4_init_params(&s4, b + p->s4b, ts_rng_u64(&r));
        /* res and skip: two separate convs of the reference, stacked row-wise */
        ts_conv1d_wn_init(b + p->rs_v, b + p->rs_g, b + p->rs_b, C, C, 1, TS_WN_TORCH_EFFECTIVE, &r);
        ts_conv1d_wn_init(b + p->rs_v + (size_t)C * C, b + p->rs_g + C, b + p->rs_b + C, C, C, 1,
                          TS_WN_TORCH_EFFECTIVE, &r);
    }
    ts_s4_free(&s4);
    if (rc != 0) { ts_sssd_net_free(n); return -1; }
    ts_conv1d_wn_init(P + p->fin_v, P + p->fin_g, P + p->fin_b, C, C, 1, TS_WN_TORCH_EFFECTIVE, &r);
    memset(P + p->out_w, 0, (size_t)K * ((size_t)C + 1) * sizeof(float));   /* ZeroConv1d */
    return 0;
}

/* the [log_dt, C) range of an S4 block: step sizes and state matrix */
static void ssm_range(const ts_sssd_net *n, size_t *lo, size_t *hi)
{
    *lo = n->s4p.log_dt < n->s4p.log_A_re ? n->s4p.log_dt : n->s4p.log_A_re;
    *hi = n->s4p.C;
}

/* S4 layers a block (csdi: one) */
static int s4_per_block(const ts_sssd_config *c)
{
    return c->residual == TS_SSSD_RES_S4 ? 2 : c->residual == TS_SSSD_RES_CSDI ? 1 : 0;
}

size_t ts_sssd_num_trainable(const ts_sssd_net *n)
{
    if (n->c.train_ssm || !s4_per_block(&n->c)) return n->p.total;
    size_t lo, hi;
    ssm_range(n, &lo, &hi);
    return n->p.total - (size_t)s4_per_block(&n->c) * (size_t)n->c.layers * (hi - lo);
}

void ts_sssd_mask_grads(const ts_sssd_net *n, float *grads)
{
    if (n->c.train_ssm || !s4_per_block(&n->c)) return;
    size_t lo, hi;
    ssm_range(n, &lo, &hi);
    for (int i = 0; i < n->c.layers; i++) {
        float *b = ts_sssd_blk(n, grads, i);
        memset(b + n->p.s4a + lo, 0, (hi - lo) * sizeof(float));
        if (s4_per_block(&n->c) == 2) memset(b + n->p.s4b + lo, 0, (hi - lo) * sizeof(float));
    }
}

/* ---- activation plan ---- */

/* the scratch floats of an S4 or dilated plan (pl's S4 made) */
static size_t scratch_size(const ts_sssd_config *c, const ts_sssd_plan *pl)
{
    const int C = c->C, C2 = 2 * C, K = ts_sssd_in_ch(c), B = pl->B, L = pl->L;
    size_t sc_f = c->residual == TS_SSSD_RES_S4 ? ts_s4_scratch_size(&pl->s4, B) : 0;
    sc_f = ts_size_max(sc_f, ts_conv1d_wn_scratch_size(K, C, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_wn_scratch_size(C, C2, L, 3));
    sc_f = ts_size_max(sc_f, ts_conv1d_wn_scratch_size(2 * K, C2, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_wn_scratch_size(C, C2, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_wn_scratch_size(C, C, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_scratch_size(C, K, L, 1));
    return ts_size_max(sc_f, ts_stepmlp_scratch_size(B, c->emb_in, c->emb_mid, c->emb_out));
}

/* the plan's buffers, cut from its block (nn/carve.h). The kinds differ in the
 * conditioning (B, 2K, L) (csdi: (B, 3, L), the mask after it), csdi's PE, and
 * the sets: dilated blocks keep u and g alone (no c3, s2 or S4 activations),
 * csdi's c3 is its S4's output (B, C, L) and it has no second S4 (s2, s4b_act NULL) */
static void plan_buffers(ts_sssd_plan *pl, const ts_sssd_config *c, ts_carve *k)
{
    const int csdi = c->residual == TS_SSSD_RES_CSDI, s4blk = c->residual == TS_SSSD_RES_S4;
    const size_t B = (size_t)pl->B, L = (size_t)pl->L, BL = B * L, C = (size_t)c->C, K = (size_t)ts_sssd_in_ch(c);
    const size_t nC = ts_round_up(BL * C, 16), n2C = ts_round_up(BL * 2 * C, 16);
    const size_t sets = pl->train ? (size_t)c->layers : 1;
    pl->cond = ts_carve_take(k, BL * (csdi ? 3 : 2 * K));
    if (csdi) pl->side = ts_carve_take(k, (size_t)c->time_emb * L);
    pl->steps = (int32_t *)ts_carve_take(k, B);
    pl->emb = ts_carve_take(k, B * c->emb_out);
    pl->emb_act = ts_carve_take(k, ts_stepmlp_act_size(pl->B, c->emb_in, c->emb_mid, c->emb_out));
    pl->pt = ts_carve_take(k, B * c->layers * C);
    pl->h0pre = ts_carve_take(k, BL * C);
    pl->h = ts_carve_take(k, BL * C);
    pl->skip = ts_carve_take(k, BL * C);
    pl->a = ts_carve_take(k, sets * nC);
    pl->g = ts_carve_take(k, sets * nC);
    pl->c3 = ts_carve_take(k, sets * (csdi ? nC : s4blk ? n2C : 0));
    pl->u = ts_carve_take(k, sets * n2C);
    if (!csdi) pl->s2 = ts_carve_take(k, sets * (s4blk ? n2C : 0));
    pl->s4a_act = ts_carve_take(k, sets * pl->s4_act);
    if (!csdi) pl->s4b_act = ts_carve_take(k, sets * pl->s4_act);
    pl->fpre = ts_carve_take(k, BL * C);
    pl->f = ts_carve_take(k, BL * C);
    pl->out = ts_carve_take(k, BL * K);
    pl->t2c = ts_carve_take(k, BL * 2 * C);
    if (pl->train) {
        pl->d_a = ts_carve_take(k, BL * 2 * C);
        pl->d_b = ts_carve_take(k, BL * 2 * C);
        pl->d_h = ts_carve_take(k, BL * C);
        pl->d_c = ts_carve_take(k, BL * C);
        pl->d_emb = ts_carve_take(k, B * c->emb_out);
        pl->d_pt = ts_carve_take(k, B * C);
    }
    pl->scratch = ts_carve_take(k, pl->scratch_floats);
    /* the sampler's kernel cache: two slots a block (csdi: one used) */
    if (!pl->train) pl->kcache = ts_carve_take(k, 2 * (size_t)c->layers * pl->kcache_floats);
}

int ts_sssd_plan_init(ts_sssd_plan *pl, const ts_sssd_net *n, int B, int L, int train)
{
    memset(pl, 0, sizeof *pl);
    if (B < 1 || L < 1) return ts_fail("sssd: batch %d x length %d: both must be >= 1", B, L);
    const ts_sssd_config *c = &n->c;
    const int csdi = c->residual == TS_SSSD_RES_CSDI, s4 = c->residual != TS_SSSD_RES_DILATED;
    /* csdi: one S4 of C channels a block; S4 blocks: two of 2C */
    ts_s4_config sc = {csdi ? c->C : 2 * c->C, c->N, L, c->bidirectional, TS_S4_CONV_AUTO};
    if (s4 && ts_s4_init(&pl->s4, &sc) != 0) return -1;
    pl->B = B;
    pl->L = L;
    pl->train = train;
    pl->s4_act = s4 ? ts_round_up(ts_s4_act_size(&pl->s4, B), 16) : 0;
    pl->slots = ts_get_threads();   /* the count the scratch sizes read */
    pl->scratch_floats = ts_round_up(csdi ? ts_csdi_scratch_size(c, pl) : scratch_size(c, pl), 16);
    if (!train && s4) pl->kcache_floats = ts_round_up(ts_s4_kernel_cache_size(&pl->s4), 16);
    ts_carve k = {NULL, 0, 0};
    plan_buffers(pl, c, &k);
    if (ts_carve_alloc(&k, B, L) != 0) {
        ts_s4_free(&pl->s4);
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = k.base;
    pl->floats = k.size;
    plan_buffers(pl, c, &k);
    if (csdi) ts_csdi_position_embedding(pl, c->time_emb);
    return 0;
}

void ts_sssd_plan_free(ts_sssd_plan *pl)
{
    ts_free_aligned(pl->mem);
    ts_s4_free(&pl->s4);
    memset(pl, 0, sizeof *pl);
}

void ts_sssd_plan_cache_kernels(const ts_sssd_net *n, ts_sssd_plan *pl)
{
    if (pl->train || n->c.residual == TS_SSSD_RES_DILATED) return;   /* dilated: no kernels to make */
    for (int i = 0; i < n->c.layers; i++) {
        const float *bp = n->params + n->p.blk0 + (size_t)i * n->p.blk_size;
        ts_s4_kernel_cache(&pl->s4, bp + n->p.s4a, pl->kcache + (size_t)(2 * i) * pl->kcache_floats, pl->scratch);
        if (n->c.residual == TS_SSSD_RES_S4) ts_s4_kernel_cache(&pl->s4, bp + n->p.s4b, pl->kcache + (size_t)(2 * i + 1) * pl->kcache_floats,
                           pl->scratch);
    }
    pl->kcache_ready = 1;
}

/* S4 forward, from the kernel cache when the plan has one; out is read at
 * positions [lo, hi) alone (the cached forward may skip the rest) */
static void s4_fwd(ts_sssd_plan *pl, const float *params, int which, const float *x, float *out, float *act,
                   int lo, int hi)
{
    if (pl->kcache_ready)
        ts_s4_forward_cached_span(&pl->s4, params, pl->kcache + (size_t)which * pl->kcache_floats, x, pl->B,
                                  out, act, pl->scratch, lo, hi);
    else
        ts_s4_forward(&pl->s4, params, x, pl->B, out, act, pl->scratch);
}

/* per-block activation slot (one shared set when not training) */
static size_t slot(const ts_sssd_plan *pl, int i) { return pl->train ? (size_t)i : 0; }

/* x *= a (csdi_net.h: CSDI-S4's blocks use it too) */
void ts_sssd_scale(float *x, size_t n, float a)
{
    const long nn = (long)n;
#pragma omp parallel for schedule(static) if (nn > 65536)
    for (long j = 0; j < nn; j++) x[j] *= a;
}

/* ---- forward ---- */

/* one row of res_skip */
TS_CLONES static void res_skip_row(float *restrict h, float *restrict k, const float *restrict r,
                                   const float *restrict q, float br, float bq, float s, int L)
{
    #pragma omp simd
    for (int l = 0; l < L; l++) {
        h[l] = (h[l] + (r[l] + br)) * s;
        k[l] += q[l] + bq;
    }
}

/* h = (h + res) * s, skip += skip_out, from rs (B, 2C, L) = [res; skip_out]
 * without its bias (C2), which is added here */
static void res_skip(float *h, float *skip, const float *rs, const float *bias, int B, int C, int L,
                     float s)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > 65536)
    for (int bc = 0; bc < B * C; bc++) {
        int b = bc / C, c = bc % C;
        const float *r = rs + ((size_t)b * 2 * C + c) * L;
        res_skip_row(h + (size_t)bc * L, skip + (size_t)bc * L, r, r + (size_t)C * L, bias[c],
                     bias[C + c], s, L);
    }
}

/* one row of skip_add */
TS_CLONES static void skip_row(float *restrict k, const float *restrict q, float bq, int n)
{
    #pragma omp simd
    for (int l = 0; l < n; l++) k[l] += q[l] + bq;
}

/* skip += q + bias over positions [lo, hi), q (B, C, L): res_skip's skip half alone */
static void skip_add(float *skip, const float *q, const float *bias, int B, int C, int L, int lo, int hi)
{
#pragma omp parallel for schedule(static) if ((long)B * C * (hi - lo) > 65536)
    for (int bc = 0; bc < B * C; bc++)
        skip_row(skip + (size_t)bc * L + lo, q + (size_t)bc * L + lo, bias[bc % C], hi - lo);
}

/* one row of res_only */
TS_CLONES static void res_row(float *restrict h, const float *restrict r, float br, float s, int L)
{
    #pragma omp simd
    for (int l = 0; l < L; l++) h[l] = (h[l] + (r[l] + br)) * s;
}

/* h = (h + res) * s, res (B, C, L) without its bias: res_skip's res half alone */
static void res_only(float *h, const float *res, const float *bias, int B, int C, int L, float s)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > 65536)
    for (int bc = 0; bc < B * C; bc++)
        res_row(h + (size_t)bc * L, res + (size_t)bc * L, bias[bc % C], s, L);
}

/* out (B, Cout, L) = w (Cout, Cin) . x (B, Cin, L) + bias over positions [lo, hi)
 * alone: a 1x1 convolution's products on those columns, item by item as
 * ts_conv1d_forward runs them (bias filled, then added to; the same bits) */
static void product_cols(float *out, const float *x, const float *w, const float *bias, int B, int Cin,
                         int Cout, int L, int lo, int hi)
{
    const int n = hi - lo;
    #pragma omp parallel if (B > 1 && ts_parallel_ok())
    {
        int same = 0;
        #pragma omp for schedule(static)
        for (int b = 0; b < B; b++) {
            float *ob = out + (size_t)b * Cout * L + lo;
            if (bias)
                for (int o = 0; o < Cout; o++)
                    for (int l = 0; l < n; l++) ob[(size_t)o * L + l] = bias[o];
            (same ? ts_gemm_1t_same_a : ts_gemm_1t)(0, 0, Cout, n, Cin, 1.0f, w, Cin,
                                                    x + (size_t)b * Cin * L + lo, L, bias ? 1.0f : 0.0f, ob, L);
            same = 1;
        }
    }
}

/* one row of gate_span */
TS_CLONES static void gate_row(float *restrict o, const float *restrict a, const float *restrict q, int n)
{
    #pragma omp simd
    for (int l = 0; l < n; l++) o[l] = v_tanh(a[l]) * v_sigmoid(q[l]);
}

/* ts_gate_forward over positions [lo, hi) alone: g (B, C, L) from x (B, 2C, L) */
static void gate_span(float *g, const float *x, int B, int C, int L, int lo, int hi)
{
#pragma omp parallel for schedule(static) if ((long)B * C * (hi - lo) > 65536)
    for (int bc = 0; bc < B * C; bc++) {
        const float *a = x + ((size_t)(bc / C) * 2 * C + bc % C) * L + lo;
        gate_row(g + (size_t)bc * L + lo, a, a + (size_t)C * L, hi - lo);
    }
}

/* x *= a over n (scale's arithmetic, for a part of a row) */
TS_CLONES static void scale_row(float *restrict x, float a, int n)
{
    #pragma omp simd
    for (int l = 0; l < n; l++) x[l] *= a;
}

/* y = relu(x) over n (ts_relu_forward's arithmetic, for a part of a row) */
TS_CLONES static void relu_row(float *restrict y, const float *restrict x, int n)
{
    #pragma omp simd
    for (int l = 0; l < n; l++) y[l] = x[l] > 0.0f ? x[l] : 0.0f;
}

/* the span [lo, hi) of positions some row of mask (rows, L) leaves missing (0);
 * all of [0, L) when none is */
static void missing_span(const float *mask, size_t rows, int L, int *lo, int *hi)
{
    int a = L, z = 0;
    for (size_t r = 0; r < rows; r++)
        for (int l = 0; l < L; l++)
            if (mask[r * L + l] == 0.0f) {
                if (l < a) a = l;
                if (l + 1 > z) z = l + 1;
            }
    if (a >= z) { a = 0; z = L; }
    *lo = a;
    *hi = z;
}

void ts_sssd_forward(const ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *obs,
                     const float *mask, const int32_t *steps)
{
    if (n->c.residual == TS_SSSD_RES_CSDI) { ts_csdi_forward(n, pl, xt, obs, mask, steps); return; }
    const ts_sssd_config *c = &n->c;
    const ts_sssd_layout *p = &n->p;
    const float *P = n->params;
    const int B = pl->B, L = pl->L, C = c->C, C2 = 2 * C, K = ts_sssd_in_ch(c);
    const size_t BL = (size_t)B * L, nC = ts_round_up(BL * C, 16), n2C = ts_round_up(BL * C2, 16);
    const size_t KL = (size_t)K * L;
    float *S = pl->scratch;
    /* inference plans: the output is only read where some item is missing (the
     * sampler holds the observed positions), so the skip rows and the output
     * head run over that span alone when it is shorter than the window. The
     * span depends on the mask alone, never on the threads. Under BLAS kernels
     * whose products over a block of rows or columns give the bits of the
     * whole product (ts_gemm_blocks_keep_bits) these are the training plan's
     * bits, unless the span's products fall below TS_GEMM_BLOCK_MIN where the
     * whole ones do not, or the span's smaller products round otherwise (seen
     * with SkylakeX kernels on an Intel Xeon: one ulp); otherwise (and under
     * Haswell, Zen) they differ from them by rounding. */
    int lo = 0, hi = L;
    if (!pl->train) missing_span(mask, (size_t)B * K, L, &lo, &hi);
    const int cols = hi - lo < L;

    /* conditioning (B, 2K, L) = [obs * mask, mask] */
    for (int b = 0; b < B; b++) {
        float *cb = pl->cond + (size_t)b * 2 * KL;
        const float *ob = obs + (size_t)b * KL, *mb = mask + (size_t)b * KL;
        for (size_t l = 0; l < KL; l++) { cb[l] = ob[l] * mb[l]; cb[KL + l] = mb[l]; }
    }
    memcpy(pl->steps, steps, (size_t)B * sizeof(int32_t));

    ts_stepmlp_forward(pl->emb, pl->emb_act, steps, P + p->t1_w, P + p->t1_b, P + p->t2_w,
                       P + p->t2_b, B, c->emb_in, c->emb_mid, c->emb_out);
    ts_conv1d_wn_forward(pl->h0pre, xt, P + p->init_v, P + p->init_g, P + p->init_b, B, K, C, L, 1,
                         1, S, pl->slots);
    ts_relu_forward(pl->h, pl->h0pre, BL * C);
    memset(pl->skip, 0, BL * C * sizeof(float));

    const float sqrt_half = (float)sqrt(0.5);
    const int s4blk = c->residual == TS_SSSD_RES_S4;
    for (int i = 0; i < c->layers; i++) {
        const float *bp = P + p->blk0 + (size_t)i * p->blk_size;
        const size_t s = slot(pl, i);
        float *a = pl->a + s * nC, *g = pl->g + s * nC, *u = pl->u + s * n2C;
        float *pt = pl->pt + (size_t)i * B * C;   /* (B, C) */
        const int tail = cols && i + 1 == c->layers;
        float *gin = u;   /* the gate's input (B, 2C, L) */

        ts_linear_forward(pt, pl->emb, bp + p->fc_w, bp + p->fc_b, B, c->emb_out, C);
        ts_add_bcast_forward(a, pl->h, pt, B, C, L);
        if (s4blk) {
            float *c3 = pl->c3 + s * n2C, *s2 = pl->s2 + s * n2C;
            float *acta = pl->s4a_act + s * pl->s4_act, *actb = pl->s4b_act + s * pl->s4_act;
            ts_conv1d_wn_forward(c3, a, bp + p->c3_v, bp + p->c3_g, bp + p->c3_b, B, C, C2, L, 3, 1, S, pl->slots);
            s4_fwd(pl, bp + p->s4a, 2 * i, c3, u, acta, 0, L);
            /* u += cond_conv(cond): a 2K-input 1x1 convolution, added in one pass */
            ts_weightnorm_forward(S, S + 2 * (size_t)K * C2, bp + p->cond_v, bp + p->cond_g, C2, 2 * K);
            ts_conv1x1_add(u, NULL, NULL, pl->cond, S, bp + p->cond_b, B, C2, 2 * K, L);
            /* after the last block only the skip rows over [lo, hi) are read: there
             * the second S4 layer's output linear and LayerNorm, and the gate, run
             * over that span alone */
            s4_fwd(pl, bp + p->s4b, 2 * i + 1, u, s2, actb, tail ? lo : 0, tail ? hi : L);
            gin = s2;
        } else {
            /* DiffWave: u = dilated conv(a) + cond_conv(cond) */
            ts_conv1d_wn_forward(u, a, bp + p->c3_v, bp + p->c3_g, bp + p->c3_b, B, C, C2, L, 3,
                                 ts_sssd_dilation(c, i), S, pl->slots);
            ts_weightnorm_forward(S, S + 2 * (size_t)K * C2, bp + p->cond_v, bp + p->cond_g, C2, 2 * K);
            ts_conv1x1_add(u, NULL, NULL, pl->cond, S, bp + p->cond_b, B, C2, 2 * K, L);
        }
        if (tail) gate_span(g, gin, B, C, L, lo, hi);
        else if (pl->train) ts_gate_forward_keep(g, gin, B, C, L);   /* gin: [tanh; sigmoid] */
        else ts_gate_forward(g, gin, B, C, L);
        if (cols) {
            /* the res rows over every position (not after the last block, whose h
             * is never read), the skip rows over [lo, hi) alone */
            if (i + 1 < c->layers) {
                ts_conv1d_wn_forward(pl->t2c, g, bp + p->rs_v, bp + p->rs_g, NULL, B, C, C, L, 1, 1, S, pl->slots);
                res_only(pl->h, pl->t2c, bp + p->rs_b, B, C, L, sqrt_half);
            }
            ts_weightnorm_forward(S, S + (size_t)C * C, bp + p->rs_v + (size_t)C * C, bp + p->rs_g + C, C, C);
            product_cols(pl->t2c, g, S, NULL, B, C, C, L, lo, hi);
            skip_add(pl->skip, pl->t2c, bp + p->rs_b + C, B, C, L, lo, hi);
        } else if (i + 1 < c->layers) {
            /* rs (B, 2C, L): [res; skip], its bias added in the residual pass */
            ts_conv1d_wn_forward(pl->t2c, g, bp + p->rs_v, bp + p->rs_g, NULL, B, C, C2, L, 1, 1, S, pl->slots);
            res_skip(pl->h, pl->skip, pl->t2c, bp + p->rs_b, B, C, L, sqrt_half);
        } else {
            /* the last block's h is never read: its skip rows alone (weight
             * normalisation and products are per row, so the same bits) */
            ts_conv1d_wn_forward(pl->t2c, g, bp + p->rs_v + (size_t)C * C, bp + p->rs_g + C, NULL, B, C, C, L,
                                 1, 1, S, pl->slots);
            skip_add(pl->skip, pl->t2c, bp + p->rs_b + C, B, C, L, 0, L);
        }
    }
    const float ks = (float)sqrt(1.0 / c->layers);
    if (cols) {
        /* the output head's C x C product over [lo, hi); its last product (K rows,
         * cheap) over every position as in the full forward, because oneDNN's bf16
         * product of one row rounds a narrower one differently. f outside the
         * span is left from an earlier forward, or the plan's zeros: finite. */
        for (size_t r = 0; r < (size_t)B * C; r++) scale_row(pl->skip + r * L + lo, ks, hi - lo);
        ts_weightnorm_forward(S, S + (size_t)C * C, P + p->fin_v, P + p->fin_g, C, C);
        product_cols(pl->fpre, pl->skip, S, P + p->fin_b, B, C, C, L, lo, hi);
        for (size_t r = 0; r < (size_t)B * C; r++) relu_row(pl->f + r * L + lo, pl->fpre + r * L + lo, hi - lo);
        ts_conv1d_forward(pl->out, pl->f, P + p->out_w, P + p->out_b, B, C, K, L, 1, 1, S, pl->slots);
        return;
    }
    ts_sssd_scale(pl->skip, BL * C, ks);
    ts_conv1d_wn_forward(pl->fpre, pl->skip, P + p->fin_v, P + p->fin_g, P + p->fin_b, B, C, C, L, 1,
                         1, S, pl->slots);
    ts_relu_forward(pl->f, pl->fpre, BL * C);
    ts_conv1d_forward(pl->out, pl->f, P + p->out_w, P + p->out_b, B, C, K, L, 1, 1, S, pl->slots);
}

/* ---- backward ---- */

/* one item of the residual path's gradient: r = [s dh ; dsk], dh = s dh */
TS_CLONES static void res_grad_item(float *restrict r, float *restrict hb, const float *restrict kb,
                                    float s, size_t CL)
{
    #pragma omp simd
    for (size_t j = 0; j < CL; j++) {
        float v = s * hb[j];
        r[j] = v;
        hb[j] = v;
    }
    memcpy(r + CL, kb, sizeof(float) * CL);
}

void ts_sssd_backward(ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *dout)
{
    if (n->c.residual == TS_SSSD_RES_CSDI) { ts_csdi_backward(n, pl, dout); return; }
    const ts_sssd_config *c = &n->c;
    const ts_sssd_layout *p = &n->p;
    const float *P = n->params;
    float *G = n->grads;
    const int B = pl->B, L = pl->L, C = c->C, C2 = 2 * C, K = ts_sssd_in_ch(c);
    const size_t BL = (size_t)B * L, nC = ts_round_up(BL * C, 16), n2C = ts_round_up(BL * C2, 16);
    const size_t CL = (size_t)C * L;
    float *S = pl->scratch;

    /* output head: y = conv(relu(fin(skip))) */
    float *dF = pl->d_c, *dsk = pl->d_h;   /* dsk reused as the scaled skip gradient */
    ts_conv1d_backward_set(dF, G + p->out_w, G + p->out_b, dout, pl->f, P + p->out_w, B, C, K, L, 1, 1, S, pl->slots);
    float *dFpre = pl->d_a;   /* (B, C, L) inside a 2C buffer */
    memset(dFpre, 0, BL * C * sizeof(float));
    ts_relu_backward(dFpre, dF, pl->fpre, BL * C);
    ts_conv1d_wn_backward_set(dsk, G + p->fin_v, G + p->fin_g, G + p->fin_b, dFpre, pl->skip,
                          P + p->fin_v, P + p->fin_g, B, C, C, L, 1, 1, S, pl->slots);
    /* every block's skip gets d(skip_sum) = dsk * sqrt(1/layers); kept in dsk */
    ts_sssd_scale(dsk, BL * C, (float)sqrt(1.0 / c->layers));

    /* d_rs (B, 2C, L) = [√½ dh ; dsk], built in d_a; dh (gradient of the block
     * output h) lives in d_c, zero for the last block (its h is unused) */
    float *dh = pl->d_c;
    memset(dh, 0, BL * C * sizeof(float));
    memset(pl->d_emb, 0, (size_t)B * c->emb_out * sizeof(float));
    const float sqrt_half = (float)sqrt(0.5);
    for (int i = c->layers - 1; i >= 0; i--) {
        const float *bp = P + p->blk0 + (size_t)i * p->blk_size;
        float *bg = G + p->blk0 + (size_t)i * p->blk_size;
        const size_t s = slot(pl, i);
        const float *a = pl->a + s * nC, *g = pl->g + s * nC, *u = pl->u + s * n2C;
        float *drs = pl->d_a, *dA = pl->d_b;

        /* and the residual path: dh_in = √½ dh_out (+ da below) */
#pragma omp parallel for schedule(static) if (BL * C > 65536)
        for (int b = 0; b < B; b++)
            res_grad_item(drs + (size_t)b * 2 * CL, dh + (size_t)b * CL, dsk + (size_t)b * CL, sqrt_half, CL);

        float *dg = pl->t2c;   /* (B, C, L) */
        ts_conv1d_wn_backward_set(dg, bg + p->rs_v, bg + p->rs_g, bg + p->rs_b, drs, g, bp + p->rs_v,
                              bp + p->rs_g, B, C, C2, L, 1, 1, S, pl->slots);
        if (c->residual == TS_SSSD_RES_S4) {
            const float *c3 = pl->c3 + s * n2C, *s2 = pl->s2 + s * n2C;
            const float *acta = pl->s4a_act + s * pl->s4_act, *actb = pl->s4b_act + s * pl->s4_act;
            ts_gate_backward_kept_set(dA, dg, s2, B, C, L);         /* ds2 */
            ts_s4_backward_set(&pl->s4, bp + p->s4b, u, B, actb, dA, bg + p->s4b, drs, S);   /* du */
            ts_conv1d_wn_backward(NULL, bg + p->cond_v, bg + p->cond_g, bg + p->cond_b, drs, pl->cond,
                                  bp + p->cond_v, bp + p->cond_g, B, 2 * K, C2, L, 1, 1, S, pl->slots);
            ts_s4_backward_set(&pl->s4, bp + p->s4a, c3, B, acta, drs, bg + p->s4a, dA, S);  /* dc3 */
        } else {
            /* DiffWave: u kept as [tanh; sigmoid]; du feeds the cond and dilated convs */
            ts_gate_backward_kept_set(dA, dg, u, B, C, L);          /* du */
            ts_conv1d_wn_backward(NULL, bg + p->cond_v, bg + p->cond_g, bg + p->cond_b, dA, pl->cond,
                                  bp + p->cond_v, bp + p->cond_g, B, 2 * K, C2, L, 1, 1, S, pl->slots);
        }
        float *da = pl->t2c;
        ts_conv1d_wn_backward_set(da, bg + p->c3_v, bg + p->c3_g, bg + p->c3_b, dA, a, bp + p->c3_v,
                              bp + p->c3_g, B, C, C2, L, 3, ts_sssd_dilation(c, i), S, pl->slots);
        /* a = h + pt: dh += da, dpt = sum over l of da */
        memset(pl->d_pt, 0, (size_t)B * C * sizeof(float));
        ts_add_bcast_backward(dh, pl->d_pt, da, B, C, L);
        ts_linear_backward(pl->d_emb, bg + p->fc_w, bg + p->fc_b, pl->d_pt, pl->emb, bp + p->fc_w, B,
                           c->emb_out, C);
    }
    /* h = relu(init(x_t)) */
    float *dh0 = pl->t2c;
    memset(dh0, 0, BL * C * sizeof(float));
    ts_relu_backward(dh0, dh, pl->h0pre, BL * C);
    ts_conv1d_wn_backward(NULL, G + p->init_v, G + p->init_g, G + p->init_b, dh0, xt, P + p->init_v,
                          P + p->init_g, B, K, C, L, 1, 1, S, pl->slots);
    ts_stepmlp_backward(G + p->t1_w, G + p->t1_b, G + p->t2_w, G + p->t2_b, pl->d_emb, pl->emb_act,
                        P + p->t1_w, P + p->t2_w, B, c->emb_in, c->emb_mid, c->emb_out, S);
}
