/* CSDI-S4's network as the SSSD network's third kind of residual block
 * (sssd.h): initialisation, its plan's scratch and position embedding (the
 * plan's buffers are sssd_net.c's), forward and backward. The side
 * information's 1x1 convolution is split by its inputs: the position embedding
 * PE is the same for every item, so its product W_pe PE (2C, L) is made once
 * per block and pass; the feature embedding is one column per block and the
 * mask one weight per output row. */
#include "models/csdi_net.h"
#include "tracesynth/common.h"
#include "tracesynth/nn.h"
#include "nn/carve.h"
#include "nn/vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* S = time_emb + feat_emb + 1 side-information channels */
static int side_dim(const ts_sssd_config *c) { return c->time_emb + c->feat_emb + 1; }

int ts_csdi_params_init(ts_sssd_net *n, uint64_t seed)
{
    const ts_sssd_config *c = &n->c;
    const int C = c->C, C2 = 2 * C, S = side_dim(c);
    const ts_sssd_layout *p = &n->p;
    float *P = n->params;
    ts_s4 s4;
    memset(&s4, 0, sizeof s4);
    ts_s4_config sc = {C, c->N, 1, c->bidirectional, TS_S4_CONV_AUTO};
    if (ts_s4_init(&s4, &sc) != 0) return -1;
    ts_rng r;
    ts_rng_seed(&r, seed);
    /* Conv1d_with_init: Kaiming-normal weight, PyTorch's default bias */
#define CONV(w, b, cin, cout) do { ts_init_kaiming_normal(w, (size_t)(cin) * (cout), cin, &r); \
                                   ts_init_torch_default(b, (size_t)(cout), cin, &r); } while (0)
    CONV(P + p->init_v, P + p->init_b, 2, C);
    ts_linear_init(P + p->t1_w, P + p->t1_b, c->emb_in, c->emb_mid, &r);
    ts_linear_init(P + p->t2_w, P + p->t2_b, c->emb_mid, c->emb_out, &r);
    ts_init_normal(P + p->feat, (size_t)c->feat_emb, 0.0f, 1.0f, &r);   /* nn.Embedding */
    int rc = 0;
    for (int i = 0; i < c->layers && rc == 0; i++) {
        float *b = ts_sssd_blk(n, P, i);
        ts_linear_init(b + p->fc_w, b + p->fc_b, c->emb_out, C, &r);
        rc = ts_s4_init_params(&s4, b + p->s4a, ts_rng_u64(&r));
        CONV(b + p->c3_v, b + p->c3_b, C, C2);
        CONV(b + p->cond_v, b + p->cond_b, S, C2);
        CONV(b + p->rs_v, b + p->rs_b, C, C2);
    }
    ts_s4_free(&s4);
    if (rc != 0) return -1;
    CONV(P + p->fin_v, P + p->fin_b, C, C);
    /* output_projection2: its weight zero, its bias PyTorch's default */
    memset(P + p->out_w, 0, (size_t)C * sizeof(float));
    ts_init_torch_default(P + p->out_b, 1, C, &r);
#undef CONV
    return 0;
}

size_t ts_csdi_scratch_size(const ts_sssd_config *c, const ts_sssd_plan *pl)
{
    const int C = c->C, C2 = 2 * C, B = pl->B, L = pl->L;
    size_t sc_f = ts_s4_scratch_size(&pl->s4, B);
    sc_f = ts_size_max(sc_f, ts_conv1d_scratch_size(2, C, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_scratch_size(C, C2, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_scratch_size(C, C, L, 1));
    sc_f = ts_size_max(sc_f, ts_conv1d_scratch_size(C, 1, L, 1));
    sc_f = ts_size_max(sc_f, ts_stepmlp_scratch_size(B, c->emb_in, c->emb_mid, c->emb_out));
    return ts_size_max(sc_f, (size_t)C2 * L + 3 * (size_t)C2);   /* the side product and its rows */
}

void ts_csdi_position_embedding(ts_sssd_plan *pl, int Te)
{
    const int L = pl->L;
    /* CSDI's time_embedding of the positions 0 .. L-1, in double */
    for (int i = 0; i < Te / 2; i++) {
        const double div = pow(10000.0, -2.0 * i / Te);
        for (int l = 0; l < L; l++) {
            pl->side[(size_t)(2 * i) * L + l] = (float)sin(l * div);
            pl->side[(size_t)(2 * i + 1) * L + l] = (float)cos(l * div);
        }
    }
}

/* ---- forward ---- */

/* u (B, 2C, L) += W (2C, S) . side: the position embedding's product Q (2C, L)
 * made once in scratch, the feature embedding and bias as one value a row, the
 * mask's column times mask (B, L) */
static void add_side(float *u, const ts_sssd_net *n, const float *bp, const float *fe, const float *pe,
                     const float *mask, int B, int L, float *scratch)
{
    const ts_sssd_config *c = &n->c;
    const int C2 = 2 * c->C, Te = c->time_emb, F = c->feat_emb, S = side_dim(c);
    const float *W = bp + n->p.cond_v, *bias = bp + n->p.cond_b;
    float *Q = scratch, *row = scratch + (size_t)C2 * L;
    ts_sgemm(0, 0, C2, L, Te, 1.0f, W, S, pe, L, 0.0f, Q, L);
    for (int o = 0; o < C2; o++) {
        float v = bias[o];
        for (int j = 0; j < F; j++) v += W[(size_t)o * S + Te + j] * fe[j];
        row[o] = v;
    }
#pragma omp parallel for schedule(static) if ((long)B * C2 * L > 65536)
    for (int bo = 0; bo < B * C2; bo++) {
        const int b = bo / C2, o = bo % C2;
        const float wm = W[(size_t)o * S + S - 1], r = row[o];
        const float *q = Q + (size_t)o * L, *m = mask + (size_t)b * L;
        float *ub = u + (size_t)bo * L;
        for (int l = 0; l < L; l++) ub[l] += (q[l] + r) + wm * m[l];
    }
}

/* CSDI's gate g (B, C, L) = sigmoid(u[:C]) tanh(u[C:]); keep: u becomes
 * [sigmoid(u[:C]); tanh(u[C:])] for the backward */
static void gate(float *g, float *u, int B, int C, int L, int keep)
{
#pragma omp parallel for schedule(static) if ((long)B * C * L > 65536)
    for (int bc = 0; bc < B * C; bc++) {
        float *a = u + ((size_t)(bc / C) * 2 * C + bc % C) * L, *f = a + (size_t)C * L;
        float *o = g + (size_t)bc * L;
        for (int l = 0; l < L; l++) {
            const float s = v_sigmoid(a[l]), t = v_tanh(f[l]);
            o[l] = s * t;
            if (keep) { a[l] = s; f[l] = t; }
        }
    }
}

void ts_csdi_forward(const ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *obs,
                     const float *mask, const int32_t *steps)
{
    const ts_sssd_config *c = &n->c;
    const ts_sssd_layout *p = &n->p;
    const float *P = n->params;
    const int B = pl->B, L = pl->L, C = c->C, C2 = 2 * C;
    const size_t BL = (size_t)B * L, nC = ts_round_up(BL * C, 16), n2C = ts_round_up(BL * C2, 16);
    float *S = pl->scratch, *m = pl->cond + 2 * BL;

    /* x (B, 2, L) = [obs mask, x_t (1 - mask)]; the mask kept after it for the backward */
    for (int b = 0; b < B; b++)
        for (int l = 0; l < L; l++) {
            const size_t i = (size_t)b * L + l;
            pl->cond[2 * (size_t)b * L + l] = obs[i] * mask[i];
            pl->cond[(2 * (size_t)b + 1) * L + l] = xt[i] * (1.0f - mask[i]);
            m[i] = mask[i];
        }
    memcpy(pl->steps, steps, (size_t)B * sizeof(int32_t));
    ts_stepmlp_forward_csdi(pl->emb, pl->emb_act, steps, P + p->t1_w, P + p->t1_b, P + p->t2_w, P + p->t2_b, B,
                            c->emb_in, c->emb_mid, c->emb_out);
    ts_conv1d_forward(pl->h0pre, pl->cond, P + p->init_v, P + p->init_b, B, 2, C, L, 1, 1, S, pl->slots);
    ts_relu_forward(pl->h, pl->h0pre, BL * C);
    memset(pl->skip, 0, BL * C * sizeof(float));

    const float sqrt_half = (float)sqrt(0.5);
    for (int i = 0; i < c->layers; i++) {
        const float *bp = P + p->blk0 + (size_t)i * p->blk_size;
        const size_t s = pl->train ? (size_t)i : 0;
        float *a = pl->a + s * nC, *y = pl->c3 + s * nC, *g = pl->g + s * nC, *u = pl->u + s * n2C;
        float *act = pl->s4a_act + s * pl->s4_act, *pt = pl->pt + (size_t)i * B * C;

        ts_linear_forward(pt, pl->emb, bp + p->fc_w, bp + p->fc_b, B, c->emb_out, C);
        ts_add_bcast_forward(a, pl->h, pt, B, C, L);
        /* CSDI skips its time layer on windows of one event (forward_time) */
        if (L == 1)
            memcpy(y, a, BL * C * sizeof(float));
        else if (pl->kcache_ready)
            ts_s4_forward_cached(&pl->s4, bp + p->s4a, pl->kcache + (size_t)(2 * i) * pl->kcache_floats, a, B, y,
                                 act, S);
        else
            ts_s4_forward(&pl->s4, bp + p->s4a, a, B, y, act, S);
        ts_conv1d_forward(u, y, bp + p->c3_v, bp + p->c3_b, B, C, C2, L, 1, 1, S, pl->slots);
        add_side(u, n, bp, P + p->feat, pl->side, m, B, L, S);
        gate(g, u, B, C, L, pl->train);
        /* [res; skip] (B, 2C, L) */
        ts_conv1d_forward(pl->t2c, g, bp + p->rs_v, bp + p->rs_b, B, C, C2, L, 1, 1, S, pl->slots);
#pragma omp parallel for schedule(static) if (BL * C > 65536)
        for (int bc = 0; bc < B * C; bc++) {
            const float *r = pl->t2c + ((size_t)(bc / C) * C2 + bc % C) * L, *k = r + (size_t)C * L;
            float *h = pl->h + (size_t)bc * L, *sk = pl->skip + (size_t)bc * L;
            for (int l = 0; l < L; l++) {
                h[l] = (h[l] + r[l]) * sqrt_half;
                sk[l] += k[l];
            }
        }
    }
    ts_sssd_scale(pl->skip, BL * C, (float)sqrt(1.0 / c->layers));
    ts_conv1d_forward(pl->fpre, pl->skip, P + p->fin_v, P + p->fin_b, B, C, C, L, 1, 1, S, pl->slots);
    ts_relu_forward(pl->f, pl->fpre, BL * C);
    ts_conv1d_forward(pl->out, pl->f, P + p->out_w, P + p->out_b, B, C, 1, L, 1, 1, S, pl->slots);
}

/* ---- backward ---- */

/* the side convolution's gradients from du (B, 2C, L): weight, bias and the
 * feature embedding (dfe) */
static void side_backward(const ts_sssd_net *n, const float *bp, float *bg, const float *fe, float *dfe,
                          const float *pe, const float *mask, const float *du, int B, int L, float *scratch)
{
    const ts_sssd_config *c = &n->c;
    const int C2 = 2 * c->C, Te = c->time_emb, F = c->feat_emb, S = side_dim(c);
    const float *W = bp + n->p.cond_v;
    float *dW = bg + n->p.cond_v, *db = bg + n->p.cond_b;
    float *D = scratch, *R = scratch + (size_t)C2 * L, *M = R + C2;   /* D (2C, L): du summed over items */
#pragma omp parallel for schedule(static) if ((long)B * C2 * L > 65536)
    for (int o = 0; o < C2; o++) {
        float *d = D + (size_t)o * L;
        double r = 0, mm = 0;
        memset(d, 0, (size_t)L * sizeof(float));
        for (int b = 0; b < B; b++) {
            const float *x = du + ((size_t)b * C2 + o) * L, *m = mask + (size_t)b * L;
            for (int l = 0; l < L; l++) {
                d[l] += x[l];
                r += x[l];
                mm += (double)x[l] * m[l];
            }
        }
        R[o] = (float)r;
        M[o] = (float)mm;
    }
    /* dW[:, :Te] += D . PE^T */
    ts_sgemm(0, 1, C2, Te, L, 1.0f, D, L, pe, L, 1.0f, dW, S);
    for (int o = 0; o < C2; o++) {
        for (int j = 0; j < F; j++) {
            dW[(size_t)o * S + Te + j] += R[o] * fe[j];
            dfe[j] += W[(size_t)o * S + Te + j] * R[o];
        }
        dW[(size_t)o * S + S - 1] += M[o];
        db[o] += R[o];
    }
}

void ts_csdi_backward(ts_sssd_net *n, ts_sssd_plan *pl, const float *dout)
{
    const ts_sssd_config *c = &n->c;
    const ts_sssd_layout *p = &n->p;
    const float *P = n->params;
    float *G = n->grads;
    const int B = pl->B, L = pl->L, C = c->C, C2 = 2 * C;
    const size_t BL = (size_t)B * L, nC = ts_round_up(BL * C, 16), n2C = ts_round_up(BL * C2, 16);
    float *S = pl->scratch;
    const float *m = pl->cond + 2 * BL;

    /* output head: out = conv(relu(fin(skip))) */
    float *dF = pl->d_c, *dsk = pl->d_h, *dFpre = pl->d_a;
    ts_conv1d_backward_set(dF, G + p->out_w, G + p->out_b, dout, pl->f, P + p->out_w, B, C, 1, L, 1, 1, S, pl->slots);
    memset(dFpre, 0, BL * C * sizeof(float));
    ts_relu_backward(dFpre, dF, pl->fpre, BL * C);
    ts_conv1d_backward_set(dsk, G + p->fin_v, G + p->fin_b, dFpre, pl->skip, P + p->fin_v, B, C, C, L, 1, 1, S, pl->slots);
    ts_sssd_scale(dsk, BL * C, (float)sqrt(1.0 / c->layers));   /* every block's skip */

    float *dh = pl->d_c;   /* the gradient of the block's output h; none after the last */
    memset(dh, 0, BL * C * sizeof(float));
    memset(pl->d_emb, 0, (size_t)B * c->emb_out * sizeof(float));
    const float sqrt_half = (float)sqrt(0.5);
    for (int i = c->layers - 1; i >= 0; i--) {
        const float *bp = P + p->blk0 + (size_t)i * p->blk_size;
        float *bg = G + p->blk0 + (size_t)i * p->blk_size;
        const float *a = pl->a + (size_t)i * nC, *y = pl->c3 + (size_t)i * nC, *g = pl->g + (size_t)i * nC;
        const float *u = pl->u + (size_t)i * n2C, *act = pl->s4a_act + (size_t)i * pl->s4_act;
        float *drs = pl->d_a, *du = pl->d_b, *dg = pl->t2c;

        /* drs = [√½ dh; dsk]; the residual path: dh_in = √½ dh_out (+ da below) */
#pragma omp parallel for schedule(static) if (BL * C > 65536)
        for (int bc = 0; bc < B * C; bc++) {
            float *r = drs + ((size_t)(bc / C) * C2 + bc % C) * L, *hb = dh + (size_t)bc * L;
            const float *k = dsk + (size_t)bc * L;
            for (int l = 0; l < L; l++) {
                hb[l] *= sqrt_half;
                r[l] = hb[l];
                r[(size_t)C * L + l] = k[l];
            }
        }
        ts_conv1d_backward_set(dg, bg + p->rs_v, bg + p->rs_b, drs, g, bp + p->rs_v, B, C, C2, L, 1, 1, S, pl->slots);
        /* gate, from u kept as [sigmoid; tanh] */
#pragma omp parallel for schedule(static) if (BL * C > 65536)
        for (int bc = 0; bc < B * C; bc++) {
            const size_t o = ((size_t)(bc / C) * C2 + bc % C) * L;
            const float *sg = u + o, *th = sg + (size_t)C * L, *d = dg + (size_t)bc * L;
            float *da = du + o, *df = da + (size_t)C * L;
            for (int l = 0; l < L; l++) {
                da[l] = d[l] * th[l] * sg[l] * (1.0f - sg[l]);
                df[l] = d[l] * sg[l] * (1.0f - th[l] * th[l]);
            }
        }
        side_backward(n, bp, bg, P + p->feat, G + p->feat, pl->side, m, du, B, L, S);
        float *dy = pl->t2c, *da = pl->d_a;
        ts_conv1d_backward_set(dy, bg + p->c3_v, bg + p->c3_b, du, y, bp + p->c3_v, B, C, C2, L, 1, 1, S, pl->slots);
        if (L == 1) memcpy(da, dy, BL * C * sizeof(float));   /* no time layer, as forward */
        else ts_s4_backward_set(&pl->s4, bp + p->s4a, a, B, act, dy, bg + p->s4a, da, S);
        /* a = h + pt: dh += da, dpt = sum over l of da */
        memset(pl->d_pt, 0, (size_t)B * C * sizeof(float));
        ts_add_bcast_backward(dh, pl->d_pt, da, B, C, L);
        ts_linear_backward(pl->d_emb, bg + p->fc_w, bg + p->fc_b, pl->d_pt, pl->emb, bp + p->fc_w, B, c->emb_out,
                           C);
    }
    /* h = relu(init(x)) */
    float *dh0 = pl->t2c;
    memset(dh0, 0, BL * C * sizeof(float));
    ts_relu_backward(dh0, dh, pl->h0pre, BL * C);
    ts_conv1d_backward(NULL, G + p->init_v, G + p->init_b, dh0, pl->cond, P + p->init_v, B, 2, C, L, 1, 1, S, pl->slots);
    ts_stepmlp_backward(G + p->t1_w, G + p->t1_b, G + p->t2_w, G + p->t2_b, pl->d_emb, pl->emb_act, P + p->t1_w,
                        P + p->t2_w, B, c->emb_in, c->emb_mid, c->emb_out, S);
}

/* ---- training mask ---- */

void ts_csdi_random_mask(uint8_t *mask, size_t n, size_t L, ts_rng *rng)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t *m = mask + i * L;
        memset(m, 1, L);
        /* Python's round: half to even, as nearbyint in the default rounding mode */
        size_t k = (size_t)nearbyint((double)L * ts_rng_uniform(rng));
        if (k > L) k = L;
        /* Floyd's draw of k of the L positions, each subset alike */
        for (size_t j = L - k; j < L; j++) {
            size_t t = (size_t)ts_rng_below(rng, (uint64_t)j + 1);
            if (m[t]) m[t] = 0;
            else m[j] = 0;
        }
    }
}
