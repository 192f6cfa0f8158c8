/* The SaShiMi network of SSSD-SA: parameter layout, initialisation,
 * activation plan, forward and backward (see sashimi.h for the equations). */
#include "tracesynth/sashimi.h"
#include "tracesynth/common.h"
#include "tracesynth/nn.h"
#include "nn/carve.h"
#include "nn/conv_add.h"
#include "nn/vmath.h"
#include "models/denoiser_wrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ts_sashimi_config_paper(ts_sashimi_config *c)
{
    memset(c, 0, sizeof *c);
    c->layers = 6;
    c->H = 128;
    c->N = 64;
    c->emb_in = 128;
    c->emb_mid = 512;
    c->emb_out = 512;
    c->in_ch = 1;
    c->train_ssm = 1;
}

int ts_sashimi_in_ch(const ts_sashimi_config *c) { return c->in_ch > 0 ? c->in_ch : 1; }

int ts_sashimi_config_check(const ts_sashimi_config *c)
{
    if (c->layers < 1 || c->layers > 256) return ts_fail("sssd-sa: layers = %d out of range [1, 256]", c->layers);
    if (c->H < 1 || c->H > 1024) return ts_fail("sssd-sa: channels = %d out of range [1, 1024]", c->H);
    if (c->in_ch < 0 || c->in_ch > 64) return ts_fail("sssd-sa: input channels = %d out of range [1, 64]", c->in_ch);
    if (c->N < 2 || c->N > 1024 || c->N % 2) return ts_fail("sssd-sa: state = %d must be even, in [2, 1024]", c->N);
    if (c->train_ssm != 0 && c->train_ssm != 1) return ts_fail("sssd-sa: train_ssm = %d must be 0 or 1", c->train_ssm);
    if (c->emb_in < 4 || c->emb_in % 2 || c->emb_mid < 1 || c->emb_out < 1)
        return ts_fail("sssd-sa: step embedding %d -> %d -> %d: the first must be even and >= 4",
                       c->emb_in, c->emb_mid, c->emb_out);
    return 0;
}

size_t ts_sashimi_config_text(const ts_sashimi_config *c, char *buf, size_t n)
{
    int k = snprintf(buf, n, "net=sashimi\nlayers=%d\nchannels=%d\nstate=%d\nemb_in=%d\nemb_mid=%d\nemb_out=%d\n"
                     "train_ssm=%d\n", c->layers, c->H, c->N, c->emb_in, c->emb_mid, c->emb_out, c->train_ssm);
    return k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

int ts_sashimi_config_read(const ts_reader *r, const char *tag, ts_sashimi_config *c)
{
    static const char *const nets[] = {"sashimi", NULL};
    int which;
    if (ts_reader_choice(r, tag, "net", nets, &which) != 0) return -1;
    const struct { const char *key; long lo, hi; int *dst; } ints[] = {
        {"layers", 1, 256, &c->layers},        {"channels", 1, 1024, &c->H},
        {"state", 2, 1024, &c->N},             {"emb_in", 4, 65536, &c->emb_in},
        {"emb_mid", 1, 65536, &c->emb_mid},    {"emb_out", 1, 65536, &c->emb_out},
        {"train_ssm", 0, 1, &c->train_ssm},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long v;
        if (ts_reader_long(r, tag, ints[i].key, ints[i].lo, ints[i].hi, &v) != 0) return -1;
        *ints[i].dst = (int)v;
    }
    return 0;
}

/* ---- layout ---- */

static ts_s4_config s4_config(const ts_sashimi_config *c, int lv, int L)
{
    ts_s4_config sc = {c->H << lv, c->N, L, 1, TS_S4_CONV_AUTO};
    return sc;
}

size_t ts_sashimi_s4_core(const ts_sashimi_net *n, int lv) { return n->s4p[lv].W; }

ts_sashimi_block ts_sashimi_block_of(const ts_sashimi_net *n, const ts_sashimi_unit *u)
{
    const size_t C = (size_t)u->C, E = (size_t)n->c.emb_out, K2 = 2 * (size_t)ts_sashimi_in_ch(&n->c);
    const size_t s = (size_t)1 << u->lv;
    ts_sashimi_block b;
    memset(&b, 0, sizeof b);
    size_t o = 0;
    b.fc_w = o; o += C * E;
    b.fc_b = o; o += C;
    b.ln_g = o; o += C;
    b.ln_b = o; o += C;
    b.lay = o;
    if (u->kind == TS_SA_S4) {
        o += ts_sashimi_s4_core(n, u->lv);
        b.glu_w = o; o += 2 * C * C;
        b.glu_b = o; o += 2 * C;
    } else {
        o += 2 * C * C + 2 * C + C * 2 * C + C;
    }
    b.cond_v = o; o += C * K2 * s;
    b.cond_g = o; o += C;
    b.cond_b = o; o += C;
    b.size = o;
    return b;
}

/* floats of a pool unit: a weight-normed square linear of 2C (down) or C (up) */
static size_t pool_size(const ts_sashimi_unit *u)
{
    size_t w = u->kind == TS_SA_DOWN ? 2 * (size_t)u->C : (size_t)u->C;
    return w * w + 2 * w;
}

/* the units and offsets of config c (n->units allocated; no parameters) */
static void layout(ts_sashimi_net *n, const ts_sashimi_config *c)
{
    memset(n, 0, sizeof *n);
    n->c = *c;
    const int nl = c->layers, H = c->H, K = ts_sashimi_in_ch(c);
    for (int lv = 0; lv < 3; lv++) {
        ts_s4_config sc = s4_config(c, lv, 1);
        ts_s4_layout_of(&sc, &n->s4p[lv]);
    }
    n->nd = n->nu = 2 * (2 * nl + 1);
    n->nc = 2 * nl;
    n->n_units = n->nd + n->nc + n->nu;
    n->units = ts_calloc((size_t)n->n_units, sizeof *n->units);
    int k = 0;
    /* down: level 0 and 1 blocks, each followed by its pool */
    for (int lv = 0; lv < 2; lv++) {
        for (int i = 0; i < nl; i++) {
            n->units[k++] = (ts_sashimi_unit){TS_SA_S4, H << lv, lv, 0};
            n->units[k++] = (ts_sashimi_unit){TS_SA_FF, H << lv, lv, 0};
        }
        n->units[k++] = (ts_sashimi_unit){TS_SA_DOWN, H << lv, lv, 0};
    }
    for (int i = 0; i < nl; i++) {
        n->units[k++] = (ts_sashimi_unit){TS_SA_S4, H << 2, 2, 0};
        n->units[k++] = (ts_sashimi_unit){TS_SA_FF, H << 2, 2, 0};
    }
    /* up: the pool from the level below, then the blocks */
    for (int lv = 1; lv >= 0; lv--) {
        n->units[k++] = (ts_sashimi_unit){TS_SA_UP, H << (lv + 1), lv + 1, 0};
        for (int i = 0; i < nl; i++) {
            n->units[k++] = (ts_sashimi_unit){TS_SA_S4, H << lv, lv, 0};
            n->units[k++] = (ts_sashimi_unit){TS_SA_FF, H << lv, lv, 0};
        }
    }
    size_t o = 0;
#define TAKE(field, m) do { n->field = o; o += (m); } while (0)
    TAKE(init_w, (size_t)H * K); TAKE(init_b, (size_t)H);
    TAKE(t1_w, (size_t)c->emb_mid * c->emb_in); TAKE(t1_b, (size_t)c->emb_mid);
    TAKE(t2_w, (size_t)c->emb_out * c->emb_mid); TAKE(t2_b, (size_t)c->emb_out);
    for (int i = 0; i < n->n_units; i++) {
        ts_sashimi_unit *u = &n->units[i];
        u->off = o;
        o += u->kind == TS_SA_DOWN || u->kind == TS_SA_UP ? pool_size(u) : ts_sashimi_block_of(n, u).size;
    }
    TAKE(norm_g, (size_t)H); TAKE(norm_b, (size_t)H);
    TAKE(fin_w, (size_t)H * H); TAKE(fin_b, (size_t)H);
    TAKE(out_w, (size_t)K * H); TAKE(out_b, (size_t)K);
#undef TAKE
    n->total = o;
}

size_t ts_sashimi_num_params(const ts_sashimi_config *c)
{
    ts_sashimi_net n;
    layout(&n, c);
    free(n.units);
    return n.total;
}

void ts_sashimi_net_alloc(ts_sashimi_net *n, const ts_sashimi_config *c)
{
    layout(n, c);
    n->params = ts_alloc_aligned(n->total * sizeof(float));
    n->grads = ts_alloc_aligned(n->total * sizeof(float));   /* zeroed */
}

void ts_sashimi_net_free(ts_sashimi_net *n)
{
    free(n->units);
    ts_free_aligned(n->params);
    ts_free_aligned(n->grads);
    memset(n, 0, sizeof *n);
}

int ts_sashimi_net_init(ts_sashimi_net *n, const ts_sashimi_config *c, uint64_t seed)
{
    if (ts_sashimi_config_check(c) != 0) return -1;
    ts_sashimi_net_alloc(n, c);
    const int H = c->H, K = ts_sashimi_in_ch(c);
    float *P = n->params;
    ts_rng r;
    ts_rng_seed(&r, seed);
    /* plain convolutions and linears: PyTorch's default; weight-normed ones as
     * PyTorch really starts them (nn.h); LayerNorm 1, 0 */
    ts_linear_init(P + n->init_w, P + n->init_b, K, H, &r);
    ts_linear_init(P + n->t1_w, P + n->t1_b, c->emb_in, c->emb_mid, &r);
    ts_linear_init(P + n->t2_w, P + n->t2_b, c->emb_mid, c->emb_out, &r);
    ts_s4 s4[3];
    memset(s4, 0, sizeof s4);
    float *full = NULL;   /* a whole s4.h block, of which the core is taken */
    int rc = 0;
    for (int lv = 0; lv < 3 && rc == 0; lv++) {
        ts_s4_config sc = s4_config(c, lv, 1);
        rc = ts_s4_init(&s4[lv], &sc);
    }
    if (rc == 0) full = ts_malloc(n->s4p[2].total * sizeof(float));
    for (int i = 0; i < n->n_units && rc == 0; i++) {
        const ts_sashimi_unit *u = &n->units[i];
        float *b = P + u->off;
        const int C = u->C;
        if (u->kind == TS_SA_DOWN || u->kind == TS_SA_UP) {
            const int w = u->kind == TS_SA_DOWN ? 2 * C : C;
            ts_conv1d_wn_init(b, b + (size_t)w * w, b + (size_t)w * w + w, w, w, 1, TS_WN_TORCH_EFFECTIVE, &r);
            continue;
        }
        const ts_sashimi_block o = ts_sashimi_block_of(n, u);
        ts_linear_init(b + o.fc_w, b + o.fc_b, c->emb_out, C, &r);
        for (int h = 0; h < C; h++) {
            b[o.ln_g + h] = 1.0f;
            b[o.ln_b + h] = 0.0f;
        }
        if (u->kind == TS_SA_S4) {
            rc = ts_s4_init_params(&s4[u->lv], full, ts_rng_u64(&r));
            memcpy(b + o.lay, full, ts_sashimi_s4_core(n, u->lv) * sizeof(float));
            ts_linear_init(b + o.glu_w, b + o.glu_b, C, 2 * C, &r);
        } else {
            float *w1 = b + o.lay, *b1 = w1 + (size_t)2 * C * C, *w2 = b1 + 2 * C, *b2 = w2 + (size_t)2 * C * C;
            ts_linear_init(w1, b1, C, 2 * C, &r);
            ts_linear_init(w2, b2, 2 * C, C, &r);
        }
        const int s = 1 << u->lv, K2 = 2 * K;
        ts_conv1d_wn_init(b + o.cond_v, b + o.cond_g, b + o.cond_b, K2, C, s, TS_WN_TORCH_EFFECTIVE, &r);
    }
    free(full);
    for (int lv = 0; lv < 3; lv++) ts_s4_free(&s4[lv]);
    if (rc != 0) { ts_sashimi_net_free(n); return -1; }
    for (int h = 0; h < H; h++) {
        P[n->norm_g + h] = 1.0f;
        P[n->norm_b + h] = 0.0f;
    }
    ts_linear_init(P + n->fin_w, P + n->fin_b, H, H, &r);
    ts_linear_init(P + n->out_w, P + n->out_b, H, K, &r);
    return 0;
}

/* the [log_dt, C) range of an S4 core: step sizes and state matrix */
static void ssm_range(const ts_s4_layout *l, size_t *lo, size_t *hi)
{
    *lo = l->log_dt < l->log_A_re ? l->log_dt : l->log_A_re;
    *hi = l->C;
}

size_t ts_sashimi_num_trainable(const ts_sashimi_net *n)
{
    if (n->c.train_ssm) return n->total;
    size_t t = n->total;
    for (int i = 0; i < n->n_units; i++)
        if (n->units[i].kind == TS_SA_S4) {
            size_t lo, hi;
            ssm_range(&n->s4p[n->units[i].lv], &lo, &hi);
            t -= hi - lo;
        }
    return t;
}

void ts_sashimi_mask_grads(const ts_sashimi_net *n, float *grads)
{
    if (n->c.train_ssm) return;
    for (int i = 0; i < n->n_units; i++) {
        const ts_sashimi_unit *u = &n->units[i];
        if (u->kind != TS_SA_S4) continue;
        size_t lo, hi;
        ssm_range(&n->s4p[u->lv], &lo, &hi);
        memset(grads + u->off + ts_sashimi_block_of(n, u).lay + lo, 0, (hi - lo) * sizeof(float));
    }
}

/* ---- layers ---- */

/* element-wise passes over more floats than this run over the threads, a row
 * (b, c) each: every element's arithmetic is the same for any thread count */
#define PAR_MIN 65536

void ts_sashimi_fold(float *r, const float *x, int B, int C, int L, int s, int acc)
{
    const int Lo = L / s;
#pragma omp parallel for schedule(static) if ((long)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const float *xr = x + (size_t)bc * L;
        for (int j = 0; j < s; j++) {
            float *rr = r + ((size_t)bc * s + j) * Lo;
            if (acc) for (int l = 0; l < Lo; l++) rr[l] += xr[l * s + j];
            else for (int l = 0; l < Lo; l++) rr[l] = xr[l * s + j];
        }
    }
}

void ts_sashimi_unfold(float *y, const float *z, int B, int C, int L, int s, int acc)
{
    const int Lo = L / s;
#pragma omp parallel for schedule(static) if ((long)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        float *yr = y + (size_t)bc * L;
        for (int j = 0; j < s; j++) {
            const float *zr = z + ((size_t)bc * s + j) * Lo;
            if (acc) for (int l = 0; l < Lo; l++) yr[l * s + j] += zr[l];
            else for (int l = 0; l < Lo; l++) yr[l * s + j] = zr[l];
        }
    }
}

/* vmath.h's, as the network's GLU in ts_conv1x1_add: the same bits */
static float sigm(float v) { return v_sigmoid(v); }

void ts_glu_forward(float *out, const float *z, int B, int C, int L)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const float *a = z + ((size_t)(bc / C) * 2 * C + bc % C) * L, *g = a + (size_t)C * L;
        float *o = out + (size_t)bc * L;
        for (int l = 0; l < L; l++) o[l] = a[l] * sigm(g[l]);
    }
}

/* one row of the GLU's backward from the kept σ(g): da = d σ, dg = d a σ (1 - σ) */
TS_CLONES static void glu_bwd_kept_row(float *restrict da, float *restrict dg, const float *restrict d,
                                       const float *restrict a, const float *restrict sg, int L)
{
    #pragma omp simd
    for (int l = 0; l < L; l++) {
        da[l] = d[l] * sg[l];
        dg[l] = d[l] * a[l] * sg[l] * (1.0f - sg[l]);
    }
}

void ts_glu_backward_set(float *dz, const float *dout, const float *z, int B, int C, int L)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const size_t row = ((size_t)(bc / C) * 2 * C + bc % C) * L, CL = (size_t)C * L;
        const float *a = z + row, *g = a + CL, *d = dout + (size_t)bc * L;
        float *da = dz + row, *dg = da + CL;
        for (int l = 0; l < L; l++) {
            const float sg = sigm(g[l]);
            da[l] = d[l] * sg;
            dg[l] = d[l] * a[l] * sg * (1.0f - sg);
        }
    }
}

/* dz (B, 2C, L) from dout (B, C, L) and z whose gate half holds σ(g) (kept by the
 * forward): ts_glu_backward_set's arithmetic without its exp */
static void glu_backward_kept(float *dz, const float *dout, const float *z, int B, int C, int L)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > PAR_MIN)
    for (int bc = 0; bc < B * C; bc++) {
        const size_t row = ((size_t)(bc / C) * 2 * C + bc % C) * L, CL = (size_t)C * L;
        glu_bwd_kept_row(dz + row, dz + row + CL, dout + (size_t)bc * L, z + row, z + row + CL, L);
    }
}

/* cond (B, 2K, L) -> col (B, 2K s, L/s): col[b, c s + k, j] = cond[b, c, j s - p + k],
 * p = (s - 1) / 2 (Conv's padding), zero outside: the strided conv of kernel s
 * becomes a 1x1 conv over col, its v (C, 2K, s) read as (C, 2K s) */
static void gather_cond(float *col, const float *cond, int B, int K2, int L, int s)
{
    const int Lo = L / s, p = (s - 1) / 2;
#pragma omp parallel for schedule(static) if ((long)B * K2 * L > PAR_MIN)
    for (int b = 0; b < B; b++)
        for (int c = 0; c < K2; c++) {
            const float *cr = cond + ((size_t)b * K2 + c) * L;
            for (int k = 0; k < s; k++) {
                float *o = col + ((size_t)b * K2 * s + (size_t)c * s + k) * Lo;
                for (int j = 0; j < Lo; j++) {
                    const int t = j * s - p + k;
                    o[j] = t >= 0 && t < L ? cr[t] : 0.0f;
                }
            }
        }
}

/* ---- plan ---- */


/* one residual block's activations, at the largest level's sizes (every level
 * has the same B C L):
 *   z0 (S) the LayerNorm input | zn (S) its output | mean, rstd (B L) |
 *   S4: K (2 S) | Khat | y (S, then gelu'(y) in training) | g (S) gelu(y) |
 *       z2 (2 S) the GLU input, its gate half then σ(gate)
 *   FF: h (2 S, then gelu'(h) in training) | g (2 S) gelu(h)
 *   pools: r (S) the linear's input (down: x folded) */
typedef struct { float *z0, *zn, *mean, *rstd, *K, *Khat, *y, *g, *z2; } blk_act;

static size_t khat_floats(const ts_sashimi_plan *pl)
{
    size_t m = 0;
    for (int lv = 0; lv < 3; lv++)
        if (pl->s4[lv].use_fft) m = ts_size_max(m, (size_t)pl->s4[lv].c.H * pl->s4[lv].khat_stride);
    return ts_round_up(m, 16);
}

/* a set's buffers from its start (NULL: counted alone; nn/carve.h) */
static blk_act act_cut(const ts_sashimi_plan *pl, ts_carve *k)
{
    const size_t S = pl->S, BL = (size_t)pl->B * pl->L;
    blk_act a;
    a.z0 = ts_carve_take(k, S);
    a.zn = ts_carve_take(k, S);
    a.mean = ts_carve_take(k, BL);
    a.rstd = ts_carve_take(k, BL);
    a.K = ts_carve_take(k, 2 * S);
    a.Khat = ts_carve_take(k, khat_floats(pl));
    a.y = ts_carve_take(k, 2 * S);    /* FF: h (2 S) */
    a.g = ts_carve_take(k, 2 * S);
    a.z2 = ts_carve_take(k, 2 * S);
    return a;
}

static blk_act act_of(const ts_sashimi_plan *pl, float *set)
{
    ts_carve k = {set, 0, 0};
    return act_cut(pl, &k);
}

static size_t set_size(const ts_sashimi_plan *pl)
{
    ts_carve k = {NULL, 0, 0};
    act_cut(pl, &k);
    return k.used;
}

/* the plan's buffers, cut from its block (nn/carve.h) */
static void plan_buffers(ts_sashimi_plan *pl, const ts_sashimi_net *n, ts_carve *k)
{
    const ts_sashimi_config *c = &n->c;
    const int B = pl->B, H = c->H, K = ts_sashimi_in_ch(c), E = c->emb_out;
    const size_t S = pl->S, BL = (size_t)B * pl->L, K2 = 2 * (size_t)K;
    const size_t sets = pl->train ? (size_t)n->n_units : 1;
    pl->cond = ts_carve_take(k, BL * K2);
    for (int lv = 0; lv < 3; lv++) pl->col[lv] = ts_carve_take(k, BL * K2);
    pl->emb = ts_carve_take(k, (size_t)B * E);
    pl->emb_act = ts_carve_take(k, ts_stepmlp_act_size(B, c->emb_in, c->emb_mid, E));
    pl->pt = ts_carve_take(k, (size_t)B * 4 * H);
    pl->x0pre = ts_carve_take(k, S);
    pl->in = ts_carve_take(k, (size_t)(n->n_units + 1) * S);
    pl->set = ts_carve_take(k, sets * pl->set_floats);
    pl->xn = ts_carve_take(k, S);
    pl->mean = ts_carve_take(k, BL);
    pl->rstd = ts_carve_take(k, BL);
    pl->fpre = ts_carve_take(k, S);
    pl->f = ts_carve_take(k, S);
    pl->out = ts_carve_take(k, BL * K);
    pl->t1 = ts_carve_take(k, S);
    pl->t2 = ts_carve_take(k, 2 * S);
    pl->t3 = ts_carve_take(k, 2 * S);
    if (pl->train) {
        pl->dstack = ts_carve_take(k, (size_t)(n->nd + 1) * S);
        pl->dg = ts_carve_take(k, S);
        pl->dg2 = ts_carve_take(k, S);
        pl->d_emb = ts_carve_take(k, (size_t)B * E);
        pl->d_pt = ts_carve_take(k, (size_t)B * 4 * H);
        pl->dK = ts_carve_take(k, 2 * S);
    }
    pl->scratch = ts_carve_take(k, pl->scratch_floats);
    if (!pl->train) pl->kcache = ts_carve_take(k, pl->kcache_floats);
}

int ts_sashimi_plan_init(ts_sashimi_plan *pl, const ts_sashimi_net *n, int B, int L, int train)
{
    memset(pl, 0, sizeof *pl);
    const ts_sashimi_config *c = &n->c;
    if (B < 1 || L < 1) return ts_fail("sssd-sa: batch %d x length %d: both must be >= 1", B, L);
    if (L % TS_SASHIMI_POOL)
        return ts_fail("sssd-sa: window length %d is not a multiple of %d (the product of the pools)", L,
                       TS_SASHIMI_POOL);
    for (int lv = 0; lv < 3; lv++) {
        ts_s4_config sc = s4_config(c, lv, L >> lv);
        if (ts_s4_init(&pl->s4[lv], &sc) != 0) {
            for (int j = 0; j < lv; j++) ts_s4_free(&pl->s4[j]);
            return -1;
        }
    }
    pl->B = B;
    pl->L = L;
    pl->train = train;
    const int H = c->H, K = ts_sashimi_in_ch(c), K2 = 2 * K, E = c->emb_out;
    pl->S = ts_round_up((size_t)B * H * L, 16);
    pl->set_floats = ts_round_up(set_size(pl), 16);

    pl->slots = ts_get_threads();   /* the count the scratch sizes read */
    size_t sc = ts_stepmlp_scratch_size(B, c->emb_in, c->emb_mid, E);
    sc = ts_size_max(sc, ts_conv1d_scratch_size(K, H, L, 1));
    sc = ts_size_max(sc, ts_conv1d_scratch_size(H, H, L, 1));
    sc = ts_size_max(sc, ts_conv1d_scratch_size(H, K, L, 1));
    for (int lv = 0; lv < 3; lv++) {
        const int C = H << lv, Ll = L >> lv, s = 1 << lv;
        sc = ts_size_max(sc, ts_s4_conv_scratch_size(&pl->s4[lv]));
        sc = ts_size_max(sc, ts_conv1d_scratch_size(C, 2 * C, Ll, 1));
        sc = ts_size_max(sc, ts_conv1d_scratch_size(2 * C, C, Ll, 1));
        sc = ts_size_max(sc, ts_conv1d_wn_scratch_size(K2 * s, C, Ll, 1));
        sc = ts_size_max(sc, ts_conv1d_wn_scratch_size(C, C, Ll, 1));          /* up pool */
        if (lv < 2) sc = ts_size_max(sc, ts_conv1d_wn_scratch_size(2 * C, 2 * C, Ll / 2, 1));   /* down pool */
    }
    pl->scratch_floats = ts_round_up(sc, 16);
    if (!train)
        for (int k = 0; k < n->n_units; k++)
            if (n->units[k].kind == TS_SA_S4)
                pl->kcache_floats += ts_round_up(ts_s4_kernel_cache_size(&pl->s4[n->units[k].lv]), 16);
    ts_carve k = {NULL, 0, 0};
    plan_buffers(pl, n, &k);
    if (ts_carve_alloc(&k, B, L) != 0) {
        for (int lv = 0; lv < 3; lv++) ts_s4_free(&pl->s4[lv]);
        memset(pl, 0, sizeof *pl);
        return -1;
    }
    pl->mem = k.base;
    pl->floats = k.size;
    plan_buffers(pl, n, &k);
    return 0;
}

void ts_sashimi_plan_free(ts_sashimi_plan *pl)
{
    ts_free_aligned(pl->mem);
    for (int lv = 0; lv < 3; lv++) ts_s4_free(&pl->s4[lv]);
    memset(pl, 0, sizeof *pl);
}

/* unit k's place in the kernel cache (an S4 unit of an inference plan) */
static float *kcache_of(const ts_sashimi_net *n, const ts_sashimi_plan *pl, int k)
{
    size_t o = 0;
    for (int i = 0; i < k; i++)
        if (n->units[i].kind == TS_SA_S4) o += ts_round_up(ts_s4_kernel_cache_size(&pl->s4[n->units[i].lv]), 16);
    return pl->kcache + o;
}

void ts_sashimi_plan_cache_kernels(const ts_sashimi_net *n, ts_sashimi_plan *pl)
{
    if (pl->train) return;
    for (int k = 0; k < n->n_units; k++) {
        const ts_sashimi_unit *u = &n->units[k];
        if (u->kind != TS_SA_S4) continue;
        ts_s4_kernel_cache(&pl->s4[u->lv], n->params + u->off + ts_sashimi_block_of(n, u).lay, kcache_of(n, pl, k),
                           pl->scratch);
    }
    pl->kcache_ready = 1;
}

/* ---- forward ---- */

static float *set_of(const ts_sashimi_plan *pl, int k) { return pl->set + (pl->train ? (size_t)k : 0) * pl->set_floats; }
static float *stream(const ts_sashimi_plan *pl, int k) { return pl->in + (size_t)k * pl->S; }

/* unit k: y = unit(x) (y and x distinct stream tensors) */
static void unit_forward(const ts_sashimi_net *n, ts_sashimi_plan *pl, int k, const float *x, float *y)
{
    const ts_sashimi_unit *u = &n->units[k];
    const float *P = n->params + u->off;
    const int B = pl->B, C = u->C, Ll = pl->L >> u->lv, s = 1 << u->lv, K2 = 2 * ts_sashimi_in_ch(&n->c);
    const size_t n1 = (size_t)B * C * Ll;
    float *S = pl->scratch;
    blk_act a = act_of(pl, set_of(pl, k));
    if (u->kind == TS_SA_DOWN) {
        /* r (B, 2C, L/2) = fold(x); y = WN(r) */
        ts_sashimi_fold(a.z0, x, B, C, Ll, 2, 0);
        ts_conv1d_wn_forward(y, a.z0, P, P + (size_t)4 * C * C, P + (size_t)4 * C * C + 2 * C, B, 2 * C, 2 * C,
                             Ll / 2, 1, 1, S, pl->slots);
        return;
    }
    if (u->kind == TS_SA_UP) {
        /* z (B, C, L) = WN(x); y (B, C/2, 2L) = unfold(z) */
        ts_conv1d_wn_forward(pl->t2, x, P, P + (size_t)C * C, P + (size_t)C * C + C, B, C, C, Ll, 1, 1, S, pl->slots);
        ts_sashimi_unfold(y, pl->t2, B, C / 2, 2 * Ll, 2, 0);
        return;
    }
    const ts_sashimi_block o = ts_sashimi_block_of(n, u);
    const int E = n->c.emb_out;
    ts_linear_forward(pl->pt, pl->emb, P + o.fc_w, P + o.fc_b, B, E, C);
    ts_add_bcast_forward(a.z0, x, pl->pt, B, C, Ll);
    ts_layernorm_forward(a.zn, a.mean, a.rstd, a.z0, P + o.ln_g, P + o.ln_b, B, C, Ll);
    if (u->kind == TS_SA_S4) {
        const ts_s4 *s4 = &pl->s4[u->lv];
        if (pl->kcache_ready) ts_s4_ssm_forward_cached(s4, P + o.lay, kcache_of(n, pl, k), a.zn, B, a.y, S);
        else ts_s4_ssm_forward(s4, P + o.lay, a.zn, B, a.K, a.Khat, a.y, S);
        /* training: y becomes gelu'(y) for the backward (gelu's bits either way) */
        if (pl->train) ts_gelu_forward_deriv(a.g, a.y, a.y, n1);
        else ts_gelu_forward(a.g, a.y, n1);
        ts_conv1d_forward(a.z2, a.g, P + o.glu_w, P + o.glu_b, B, C, 2 * C, Ll, 1, 1, S, pl->slots);
    } else {
        const float *w1 = P + o.lay, *b1 = w1 + (size_t)2 * C * C, *w2 = b1 + 2 * C, *b2 = w2 + (size_t)2 * C * C;
        ts_conv1d_forward(a.y, a.zn, w1, b1, B, C, 2 * C, Ll, 1, 1, S, pl->slots);
        if (pl->train) ts_gelu_forward_deriv(a.g, a.y, a.y, 2 * n1);
        else ts_gelu_forward(a.g, a.y, 2 * n1);
        ts_conv1d_forward(y, a.g, w2, b2, B, 2 * C, C, Ll, 1, 1, S, pl->slots);
    }
    /* y = (GLU(z2) or the FF's output) + cond_conv(cond) + x in one pass: the strided
     * cond conv is a 1x1 conv over col (2K s inputs), its weight normed first */
    float *wc = S;   /* (C, 2K s) then its norms (C): the cond conv's scratch holds more */
    ts_weightnorm_forward(wc, wc + (size_t)C * K2 * s, P + o.cond_v, P + o.cond_g, C, K2 * s);
    ts_conv1x1_add(y, u->kind == TS_SA_S4 ? a.z2 : NULL, x, pl->col[u->lv], wc, P + o.cond_b, B, C, K2 * s, Ll);
}

TS_CLONES static void add_row(float *restrict y, const float *restrict x, size_t n)
{
    #pragma omp simd
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

/* y += x over n, in rows of 4096 over the threads */
static void add_to(float *y, const float *x, size_t n)
{
    const long nr = (long)((n + 4095) / 4096);
#pragma omp parallel for schedule(static) if (n > PAR_MIN)
    for (long r = 0; r < nr; r++) {
        const size_t i0 = (size_t)r * 4096;
        add_row(y + i0, x + i0, n - i0 < 4096 ? n - i0 : 4096);
    }
}

void ts_sashimi_forward(const ts_sashimi_net *n, ts_sashimi_plan *pl, const float *xt, const float *obs,
                        const float *mask, const int32_t *steps)
{
    const ts_sashimi_config *c = &n->c;
    const float *P = n->params;
    const int B = pl->B, L = pl->L, H = c->H, K = ts_sashimi_in_ch(c), K2 = 2 * K;
    const size_t KL = (size_t)K * L, n0 = (size_t)B * H * L;
    float *S = pl->scratch;
    for (int b = 0; b < B; b++) {
        float *cb = pl->cond + (size_t)b * 2 * KL;
        const float *ob = obs + (size_t)b * KL, *mb = mask + (size_t)b * KL;
        for (size_t l = 0; l < KL; l++) { cb[l] = ob[l] * mb[l]; cb[KL + l] = mb[l]; }
    }
    for (int lv = 0; lv < 3; lv++) gather_cond(pl->col[lv], pl->cond, B, K2, L, 1 << lv);
    ts_stepmlp_forward(pl->emb, pl->emb_act, steps, P + n->t1_w, P + n->t1_b, P + n->t2_w, P + n->t2_b, B,
                       c->emb_in, c->emb_mid, c->emb_out);
    ts_conv1d_forward(pl->x0pre, xt, P + n->init_w, P + n->init_b, B, K, H, L, 1, 1, S, pl->slots);
    ts_relu_forward(stream(pl, 0), pl->x0pre, n0);

    /* stream k is unit k's input; the stack is streams 0 .. nd */
    const int nd = n->nd, ce = nd + n->nc;
    for (int k = 0; k < n->n_units; k++) {
        float *y = stream(pl, k + 1);
        unit_forward(n, pl, k, stream(pl, k), y);
        if (k == ce - 1) add_to(y, stream(pl, nd), n0);                     /* the centre's skip */
        else if (k >= ce) add_to(y, stream(pl, nd - 1 - (k - ce)), n0);     /* an up unit's */
    }
    const float *xf = stream(pl, n->n_units);
    ts_layernorm_forward(pl->xn, pl->mean, pl->rstd, xf, P + n->norm_g, P + n->norm_b, B, H, L);
    ts_conv1d_forward(pl->fpre, pl->xn, P + n->fin_w, P + n->fin_b, B, H, H, L, 1, 1, S, pl->slots);
    ts_relu_forward(pl->f, pl->fpre, n0);
    ts_conv1d_forward(pl->out, pl->f, P + n->out_w, P + n->out_b, B, H, K, L, 1, 1, S, pl->slots);
}

/* ---- backward ---- */

/* unit k: grads += from dy; dx += d loss / d x (x unit k's input) */
static void unit_backward(ts_sashimi_net *n, ts_sashimi_plan *pl, int k, const float *dy, float *dx)
{
    const ts_sashimi_unit *u = &n->units[k];
    const float *P = n->params + u->off;
    float *G = n->grads + u->off;
    const int B = pl->B, C = u->C, Ll = pl->L >> u->lv, s = 1 << u->lv, K2 = 2 * ts_sashimi_in_ch(&n->c);
    const size_t n1 = (size_t)B * C * Ll;
    const float *x = stream(pl, k);
    float *S = pl->scratch;
    blk_act a = act_of(pl, set_of(pl, k));
    if (u->kind == TS_SA_DOWN) {
        const size_t w2 = (size_t)4 * C * C;
        ts_conv1d_wn_backward_set(pl->t1, G, G + w2, G + w2 + 2 * C, dy, a.z0, P, P + w2, B, 2 * C, 2 * C, Ll / 2,
                                  1, 1, S, pl->slots);
        ts_sashimi_unfold(dx, pl->t1, B, C, Ll, 2, 1);
        return;
    }
    if (u->kind == TS_SA_UP) {
        const size_t w2 = (size_t)C * C;
        ts_sashimi_fold(pl->t2, dy, B, C / 2, 2 * Ll, 2, 0);
        ts_conv1d_wn_backward(dx, G, G + w2, G + w2 + C, pl->t2, x, P, P + w2, B, C, C, Ll, 1, 1, S, pl->slots);
        return;
    }
    const ts_sashimi_block o = ts_sashimi_block_of(n, u);
    const int E = n->c.emb_out;
    add_to(dx, dy, n1);   /* the residual */
    ts_conv1d_wn_backward(NULL, G + o.cond_v, G + o.cond_g, G + o.cond_b, dy, pl->col[u->lv], P + o.cond_v,
                          P + o.cond_g, B, K2 * s, C, Ll, 1, 1, S, pl->slots);
    float *dzn = pl->t1;
    if (u->kind == TS_SA_S4) {
        const ts_s4 *s4 = &pl->s4[u->lv];
        float *dz2 = pl->t2, *dgl = pl->t3;
        glu_backward_kept(dz2, dy, a.z2, B, C, Ll);
        ts_conv1d_backward_set(dgl, G + o.glu_w, G + o.glu_b, dz2, a.g, P + o.glu_w, B, C, 2 * C, Ll, 1, 1, S, pl->slots);
        ts_mul_backward_set(dgl, dgl, a.y, n1);   /* d y = d gelu(y) gelu'(y) */
        memset(pl->dK, 0, 2 * (size_t)C * Ll * sizeof(float));   /* (2, C, L) */
        memset(dzn, 0, n1 * sizeof(float));
        ts_s4_conv_backward(s4, a.K, a.Khat, P + o.lay + n->s4p[u->lv].D, a.zn, dgl, B, pl->dK,
                            G + o.lay + n->s4p[u->lv].D, dzn, S);
        ts_s4_kernel_backward(s4, P + o.lay, pl->dK, G + o.lay);
    } else {
        const float *w1 = P + o.lay, *w2 = w1 + (size_t)2 * C * C + 2 * C;
        float *gw1 = G + o.lay, *gb1 = gw1 + (size_t)2 * C * C, *gw2 = gb1 + 2 * C, *gb2 = gw2 + (size_t)2 * C * C;
        float *dh = pl->t2;
        ts_conv1d_backward_set(dh, gw2, gb2, dy, a.g, w2, B, 2 * C, C, Ll, 1, 1, S, pl->slots);
        ts_mul_backward_set(dh, dh, a.y, 2 * n1);
        ts_conv1d_backward_set(dzn, gw1, gb1, dh, a.zn, w1, B, C, 2 * C, Ll, 1, 1, S, pl->slots);
    }
    /* dz0 written and added to dx in one pass (z0 = x + fc(e)), then summed for fc */
    float *dz0 = pl->t3;
    ts_layernorm_backward_res(dz0, dx, G + o.ln_g, G + o.ln_b, dzn, a.z0, a.mean, a.rstd, P + o.ln_g, B, C, Ll);
    memset(pl->d_pt, 0, (size_t)B * C * sizeof(float));
    ts_add_bcast_backward(NULL, pl->d_pt, dz0, B, C, Ll);
    ts_linear_backward(pl->d_emb, G + o.fc_w, G + o.fc_b, pl->d_pt, pl->emb, P + o.fc_w, B, E, C);
}

void ts_sashimi_backward(ts_sashimi_net *n, ts_sashimi_plan *pl, const float *xt, const float *dout)
{
    const ts_sashimi_config *c = &n->c;
    const float *P = n->params;
    float *G = n->grads;
    const int B = pl->B, L = pl->L, H = c->H, K = ts_sashimi_in_ch(c);
    const size_t n0 = (size_t)B * H * L, S = pl->S;
    float *scr = pl->scratch;
    const int nd = n->nd, ce = nd + n->nc;

    /* head: out = conv(relu(conv(LN(x)))) */
    float *df = pl->t1, *dfpre = pl->t2, *dxn = pl->t3;
    ts_conv1d_backward_set(df, G + n->out_w, G + n->out_b, dout, pl->f, P + n->out_w, B, H, K, L, 1, 1, scr, pl->slots);
    memset(dfpre, 0, n0 * sizeof(float));
    ts_relu_backward(dfpre, df, pl->fpre, n0);
    ts_conv1d_backward_set(dxn, G + n->fin_w, G + n->fin_b, dfpre, pl->xn, P + n->fin_w, B, H, H, L, 1, 1, scr, pl->slots);
    float *g = pl->dg, *g2 = pl->dg2;
    memset(g, 0, n0 * sizeof(float));
    ts_layernorm_backward(g, G + n->norm_g, G + n->norm_b, dxn, stream(pl, n->n_units), pl->mean, pl->rstd,
                          P + n->norm_g, B, H, L);

    memset(pl->dstack, 0, (size_t)(nd + 1) * S * sizeof(float));
    memset(pl->d_emb, 0, (size_t)B * c->emb_out * sizeof(float));
    /* up units: each output's gradient also reaches the skip it added */
    for (int k = n->n_units - 1; k >= nd; k--) {
        if (k >= ce) add_to(pl->dstack + (size_t)(nd - 1 - (k - ce)) * S, g, n0);
        else if (k == ce - 1) add_to(pl->dstack + (size_t)nd * S, g, n0);
        memset(g2, 0, n0 * sizeof(float));
        unit_backward(n, pl, k, g, g2);
        float *t = g; g = g2; g2 = t;
    }
    add_to(pl->dstack + (size_t)nd * S, g, n0);   /* the centre's input is the stack's top */
    for (int k = nd - 1; k >= 0; k--)
        unit_backward(n, pl, k, pl->dstack + (size_t)(k + 1) * S, pl->dstack + (size_t)k * S);
    /* x = relu(init(x_t)) */
    memset(g, 0, n0 * sizeof(float));
    ts_relu_backward(g, pl->dstack, pl->x0pre, n0);
    ts_conv1d_backward(NULL, G + n->init_w, G + n->init_b, g, xt, P + n->init_w, B, K, H, L, 1, 1, scr, pl->slots);
    ts_stepmlp_backward(G + n->t1_w, G + n->t1_b, G + n->t2_w, G + n->t2_b, pl->d_emb, pl->emb_act, P + n->t1_w,
                        P + n->t2_w, B, c->emb_in, c->emb_mid, c->emb_out, scr);
}

/* ---- the denoiser interface ---- */

static ts_sashimi_net *net_of(const ts_denoiser *d) { return d->net; }

static void sa_free(ts_denoiser *d)
{
    if (d->net) ts_sashimi_net_free(d->net);
    ts_denoiser_unwrap(d);
}

static size_t sa_num_trainable(const ts_denoiser *d) { return ts_sashimi_num_trainable(net_of(d)); }
static void sa_mask_grads(const ts_denoiser *d, float *grads) { ts_sashimi_mask_grads(net_of(d), grads); }
static size_t sa_config_text(const ts_denoiser *d, char *buf, size_t n)
{
    return ts_sashimi_config_text(&net_of(d)->c, buf, n);
}

static int sa_plan_init(ts_denoiser_plan *pl, const ts_denoiser *d, int B, int L, int train)
{
    ts_sashimi_plan *p = ts_calloc(1, sizeof *p);
    const int rc = ts_sashimi_plan_init(p, net_of(d), B, L, train);
    return ts_denoiser_plan_wrap(pl, p, rc, B, L, p->out, p->floats);
}

static void sa_plan_free(ts_denoiser_plan *pl)
{
    if (pl->pl) ts_sashimi_plan_free(pl->pl);
    ts_denoiser_plan_unwrap(pl);
}

static void sa_cache(const ts_denoiser *d, ts_denoiser_plan *pl) { ts_sashimi_plan_cache_kernels(net_of(d), pl->pl); }

static void sa_cache_copy(const ts_denoiser *d, ts_denoiser_plan *to, const ts_denoiser_plan *from)
{
    ts_sashimi_plan *t = to->pl;
    const ts_sashimi_plan *f = from->pl;
    memcpy(t->kcache, f->kcache, t->kcache_floats * sizeof(float));
    t->kcache_ready = 1;
}

static void sa_forward(const ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *obs,
                       const float *mask, const int32_t *steps)
{
    ts_sashimi_forward(net_of(d), pl->pl, xt, obs, mask, steps);
}

static void sa_backward(ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *dout)
{
    ts_sashimi_backward(net_of(d), pl->pl, xt, dout);
}

static const ts_denoiser_ops sashimi_ops = {
    .free = sa_free,
    .num_trainable = sa_num_trainable,
    .mask_grads = sa_mask_grads,
    .config_text = sa_config_text,
    .plan_init = sa_plan_init,
    .plan_free = sa_plan_free,
    .cache = sa_cache,
    .cache_copy = sa_cache_copy,
    .forward = sa_forward,
    .backward = sa_backward,
};

int ts_denoiser_sashimi(ts_denoiser *d, const ts_sashimi_config *c, uint64_t seed, int init)
{
    ts_sashimi_net *n = ts_calloc(1, sizeof *n);
    int rc = 0;
    if (init) rc = ts_sashimi_net_init(n, c, seed);
    else ts_sashimi_net_alloc(n, c);
    return ts_denoiser_wrap(d, &sashimi_ops, n, rc, n->params, n->grads, n->total, ts_sashimi_in_ch(c));
}
