/* tracesynth — the SSSD-S4 denoising network (Alcaraz & Strodthoff 2022, as used
 * by the ICSE 2025 trace-reconstruction study), forward and backward on the CPU.
 *
 * K input channels (in_ch; 1 for event IDs alone, the study's network):
 *   cond  = [obs · mask, mask]                                 (B, 2K, L)
 *   h     = relu(WNConv1x1(x_t))                               (B, C, L)
 *   e     = swish(W2 swish(W1 embed(t)))                       (B, 512)
 *   per block n = 0..layers-1:
 *     a    = h + fc_n(e)[:, :, None]                           (B, C, L)
 *     u    = S4_n1(WNConv3(a)) + WNConv1x1(cond)               (B, 2C, L)
 *     g    = tanh(S4_n2(u)[:C]) · sigmoid(S4_n2(u)[C:])         (B, C, L)
 *     h    = (h + WNConv1x1_res(g)) · √½;  skip += WNConv1x1_skip(g)
 *   y     = Conv1x1_zero(relu(WNConv1x1(skip · √(1/layers))))  (B, K, L)
 * WN = weight-normalised (nn.utils.weight_norm); S4 = ts_s4 (bidirectional,
 * GELU, output linear, residual, LayerNorm). The output conv starts at zero.
 *
 * residual = TS_SSSD_RES_DILATED is DiffWave as SSSD's DiffWaveImputer has it
 * (the study's DiffWave baseline): each block's WNConv3 and both S4 layers give
 * way to one dilated convolution,
 *     u    = WNConv3_dil(a) + WNConv1x1(cond),  dil = 2^(n mod dilation_cycle)
 *     g    = tanh(u[:C]) · sigmoid(u[C:])
 * the rest as above.
 *
 * residual = TS_SSSD_RES_CSDI is CSDI-S4 as SSSD's CSDIS4Imputer has it with one
 * feature (K = 1, where CSDI skips its feature transformer; the study's CSDI-S4
 * baseline). No layer is weight-normalised, and:
 *   x     = [obs · mask, x_t · (1 − mask)]                       (B, 2, L)
 *   h     = relu(Conv1x1(x))                                     (B, C, L)
 *   e     = silu(W2 silu(W1 embed_csdi(t)))                      (B, emb_out)
 *   side  = [PE(l) (time_emb), fe (feat_emb), mask]              (B, S, L)
 *     PE: CSDI's fixed sin/cos of the position l (2i: sin, 2i+1: cos of
 *     l / 10000^(2i/time_emb)); fe a learned row, the same at every l;
 *     S = time_emb + feat_emb + 1
 *   per block n:
 *     y    = S4_n(h + fc_n(e)[:, :, None])                       (B, C, L)
 *     u    = Conv1x1_mid(y) + Conv1x1_cond(side)                 (B, 2C, L)
 *     g    = sigmoid(u[:C]) · tanh(u[C:])                        (B, C, L)
 *     [res; sk] = Conv1x1_out(g);  h = (h + res) · √½;  skip += sk
 *   y     = Conv1x1_zero(relu(Conv1x1(skip · √(1/layers))))       (B, 1, L)
 * (S4 over C channels, skipped on windows of one event as CSDI skips its time
 * layer there; the output conv's weight starts at zero, its bias not).
 *
 * All parameters live in one float block (and their gradients in another of
 * the same size); all activations for a (batch, length) are planned up front
 * by ts_sssd_plan_init; forward and backward allocate nothing. */
#ifndef TRACESYNTH_SSSD_H
#define TRACESYNTH_SSSD_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "container.h"
#include "s4.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the sssd-s4 model's diffusion steps T when --T is not given */
#define TS_SSSD_DEFAULT_T 200

typedef struct {
    int layers;        /* residual blocks (36 in the paper) */
    int C;             /* residual = skip channels (256) */
    int N;             /* S4 state size (64) */
    int emb_in, emb_mid, emb_out;   /* step embedding 128 -> 512 -> 512 */
    int bidirectional; /* S4 direction (1, as the reference) */
    int train_ssm;     /* 0: S4 log_dt and A stay at their init (the reference
                          registers them as buffers); 1: train them too */
    int in_ch;         /* K: input = output channels; 0 counts as 1 (event IDs alone) */
    int residual;      /* TS_SSSD_RES_S4 (0) or TS_SSSD_RES_DILATED (DiffWave: N,
                          bidirectional and train_ssm unused) */
    int dilation_cycle;/* dilated: block n's dilation is 2^(n mod dilation_cycle) */
    int time_emb, feat_emb; /* csdi: the side information's sizes (128, 16) */
} ts_sssd_config;

enum { TS_SSSD_RES_S4 = 0, TS_SSSD_RES_DILATED = 1, TS_SSSD_RES_CSDI = 2 };
/* SSSD's DiffWave configuration (config_DiffWave.json): dilation_cycle 12 */
#define TS_DIFFWAVE_DEFAULT_CYCLE 12
/* CSDIS4Imputer.train's defaults: T 50, quad schedule 1e-4 .. 0.5 */
#define TS_CSDI_DEFAULT_T 50
#define TS_CSDI_DEFAULT_BETAT 0.5

/* offsets (floats) into the parameter block; block parameters at
 * blk0 + n * blk_size + the relative offsets */
typedef struct {
    size_t init_v, init_g, init_b;          /* WNConv K -> C, k 1 */
    size_t t1_w, t1_b, t2_w, t2_b;          /* step MLP */
    size_t feat;                            /* csdi: feature embedding (feat_emb); else none */
    size_t blk0, blk_size;
    size_t fc_w, fc_b;                      /* Linear emb_out -> C */
    size_t c3_v, c3_g, c3_b;                /* WNConv C -> 2C, k 3 (dilated: dilation of the block;
                                               csdi: mid_projection, Conv C -> 2C, k 1) */
    size_t s4a;                             /* S4 (2C; csdi: C); dilated: none (0 floats) */
    size_t cond_v, cond_g, cond_b;          /* WNConv 2K -> 2C, k 1 (csdi: Conv S -> 2C) */
    size_t s4b;                             /* S4 (2C); dilated, csdi: none */
    size_t rs_v, rs_g, rs_b;                /* WNConv C -> 2C, k 1: rows [0,C) res, [C,2C) skip */
    size_t fin_v, fin_g, fin_b;             /* WNConv C -> C, k 1 */
    /* csdi: every conv plain, its weight in *_v, *_g none (0 floats); init_v (C, 2) */
    size_t out_w, out_b;                    /* Conv C -> K, k 1, zero init */
    size_t total;
} ts_sssd_layout;

typedef struct {
    ts_sssd_config c;
    ts_sssd_layout p;
    ts_s4_layout s4p;         /* offsets inside each S4 parameter block */
    size_t s4_size;           /* floats per S4 layer */
    float *params, *grads;    /* (p.total) each, 64-byte aligned */
} ts_sssd_net;

/* the paper's configuration (36 x 256, N 64, one input channel) */
void ts_sssd_config_paper(ts_sssd_config *c);
/* the study's DiffWave (SSSD's config_DiffWave.json): 36 x 256, dilation cycle 12 */
void ts_sssd_config_diffwave(ts_sssd_config *c);
/* CSDIS4Imputer's defaults: 4 x 64, N 64, embedding 128 -> 128 -> 128, side
 * information 128 + 16 + 1 */
void ts_sssd_config_csdi(ts_sssd_config *c);
/* block i's dilation: 2^(i mod dilation_cycle) when dilated, else 1 */
int  ts_sssd_dilation(const ts_sssd_config *c, int i);
/* K: c->in_ch, or 1 when 0 */
int  ts_sssd_in_ch(const ts_sssd_config *c);
/* shape checks; 0 / -1 + error */
int  ts_sssd_config_check(const ts_sssd_config *c);
void ts_sssd_layout_of(const ts_sssd_config *c, ts_sssd_layout *p, size_t *s4_size);

/* the sizes as "key=value" lines (layers, channels, state, emb_in, emb_mid, emb_out,
 * bidirectional, train_ssm; the start of a model file's config section); dilated:
 * layers, channels, emb_in, emb_mid, emb_out, residual=dilated, dilation_cycle;
 * csdi: the S4 keys, then residual=csdi, time_emb, feature_emb.
 * Returns the characters written */
size_t ts_sssd_config_text(const ts_sssd_config *c, char *buf, size_t n);
/* reads those keys from section tag of a model file into c (in_ch left as it is); a
 * section without 'residual' (every file from before it) is S4. Not checked: call
 * ts_sssd_config_check. 0 / -1 + error naming the file, section and key */
int  ts_sssd_config_read(const ts_reader *r, const char *tag, ts_sssd_config *c);

/* allocates params (drawn from seed, as the reference initialises them) and zeroed grads */
int  ts_sssd_net_init(ts_sssd_net *n, const ts_sssd_config *c, uint64_t seed);
/* allocates without drawing (for loading) */
void ts_sssd_net_alloc(ts_sssd_net *n, const ts_sssd_config *c);
void ts_sssd_net_free(ts_sssd_net *n);
/* parameters the optimiser changes (all, less log_dt and A when !train_ssm) */
size_t ts_sssd_num_trainable(const ts_sssd_net *n);
/* zero the gradients of the parameters that are not trained */
void ts_sssd_mask_grads(const ts_sssd_net *n, float *grads);

/* activations and scratch for one (B, L); train = 0 keeps one block's
 * activations only (enough for forward) */
typedef struct {
    int B, L, train;
    ts_s4 s4;
    float  *mem;
    size_t  floats;
    float *cond;              /* (B, 2K, L); csdi: the input x */
    float *side;              /* csdi: PE (time_emb, L); else NULL */
    int32_t *steps;           /* (B) */
    float *emb, *emb_act;     /* (B, emb_out), step-MLP activations */
    float *pt;                /* (layers, B, C): fc_n(e) */
    float *h0pre;             /* (B, C, L) init conv output */
    float *h;                 /* (B, C, L) residual stream */
    float *skip;              /* (B, C, L) skip sum, then scaled */
    float *a, *c3, *u, *s2, *g, *s4a_act, *s4b_act;   /* per block (or one set); dilated:
                                 u and g alone (c3, s2 and the S4 sets empty); csdi: c3
                                 (B, C, L) the S4 output, s2 and s4b_act empty */
    size_t s4_act;            /* floats of one S4 activation set */
    float *fpre, *f;          /* (B, C, L) final conv output, after relu */
    float *out;               /* (B, K, L) predicted noise */
    /* temporaries */
    float *t2c;               /* (B, 2C, L) */
    float *d_a, *d_b;         /* (B, 2C, L) backward */
    float *d_h, *d_c;         /* (B, C, L) backward */
    float *d_emb, *d_pt;      /* (B, emb_out), (B, C) */
    float *scratch;
    size_t scratch_floats;
    int    slots;             /* the threads the scratch was sized for (the layers' cap) */
    float *kcache;            /* inference plans: S4 kernels of every layer (2 per block) */
    size_t kcache_floats;     /* floats per S4 layer */
    int    kcache_ready;
} ts_sssd_plan;

int  ts_sssd_plan_init(ts_sssd_plan *pl, const ts_sssd_net *n, int B, int L, int train);
void ts_sssd_plan_free(ts_sssd_plan *pl);
/* inference plans (train = 0): make the S4 kernels of n's current parameters
 * once, so that every later forward skips them (same bits). Valid until the
 * parameters change: call again then. */
void ts_sssd_plan_cache_kernels(const ts_sssd_net *n, ts_sssd_plan *pl);

/* x_t (B, K, L), obs (B, K, L) the observed values (anything where mask is 0),
 * mask (B, K, L) 1 = observed, steps (B) in [0, T) -> pl->out (B, K, L).
 * Inference plans (train = 0) compute pl->out over the span of positions that
 * some item's mask leaves missing, the same bits as a full forward there;
 * outside it pl->out is finite but of no meaning (a sampler holds the observed
 * positions anyway). */
void ts_sssd_forward(const ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *obs,
                     const float *mask, const int32_t *steps);
/* n->grads += d loss / d params from dout (B, K, L) = d loss / d pl->out;
 * needs a plan made with train = 1 and the forward just run on it */
void ts_sssd_backward(ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *dout);

#ifdef __cplusplus
}
#endif

#endif
