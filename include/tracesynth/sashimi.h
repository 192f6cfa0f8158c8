/* tracesynth — the SaShiMi network of SSSD-SA (Alcaraz & Strodthoff 2022, the
 * ICSE 2025 study's SSSD-SA baseline): a U-Net of S4 blocks as a DDPM noise
 * predictor, forward and backward on the CPU.
 *
 * H = d_model, n = layers, K input = output channels, pools [2, 2], expand 2,
 * FF expansion 2, bidirectional, GLU after S4 (SSSD's SSSDSAImputer with
 * unet=True). Every stream tensor holds B H L floats: (B, H, L) at level 0,
 * (B, 2H, L/2) at level 1, (B, 4H, L/4) at level 2.
 *
 *   cond = [obs · mask, mask]                                   (B, 2K, L)
 *   e    = swish(W2 swish(W1 embed(t)))                         (B, 512)
 *   x    = relu(Conv1x1(x_t))                                   (B, H, L)
 *   down: per level i = 0, 1: n x (S4 block, FF block), DownPool
 *   centre: n x (S4 block, FF block) at level 2
 *   up: per level i = 1, 0: UpPool, n x (S4 block, FF block)
 *   (unet: every down unit's output is pushed on a stack after x; the centre
 *   adds the top, then every up unit its output plus the next one popped)
 *   y    = Conv1x1(relu(Conv1x1(LayerNorm_H(x))))               (B, K, L)
 *
 * A residual block of width C at level v (stride s = 2^v):
 *   z = LayerNorm_C(x + fc(e)[:, :, None]);  z = layer(z)
 *   x = x + z + WNConv_{k=s, stride=s, pad=(s-1)/2}(cond)
 * S4 layer:  y = S4D(z) + D z (bidirectional, sashimi's own S4 core, s4.h);
 *            out = GLU(W gelu(y) + b), W (2C, C): first half · σ(second half)
 * FF layer:  out = W2 gelu(W1 z + b1) + b2, W1 (2C, C), W2 (C, 2C)
 * DownPool:  (C, l s) -> (C s, l) rearrange, then WN linear C s -> 2C
 * UpPool:    WN linear C -> (C/2) s, then (C/2 s, l) -> (C/2, l s) (no shift)
 *
 * Parameters live in one float block, units in forward order; activations
 * for a (B, L) are planned up front; forward and backward allocate nothing.
 * L must be a multiple of 4 (the product of the pools). */
#ifndef TRACESYNTH_SASHIMI_H
#define TRACESYNTH_SASHIMI_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "container.h"
#include "denoiser.h"
#include "s4.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TS_SASHIMI_POOL 4    /* the product of the pools [2, 2]: L must be a multiple */

typedef struct {
    int layers;                     /* n: (S4, FF) pairs at each level (6 in SSSD's config) */
    int H;                          /* d_model (128) */
    int N;                          /* S4 state size (64) */
    int emb_in, emb_mid, emb_out;   /* step embedding 128 -> 512 -> 512 */
    int in_ch;                      /* K; 0 counts as 1 */
    int train_ssm;                  /* 1: S4's log_dt and A are trained (the reference's
                                       trainable dt, A); 0: fixed at their init */
} ts_sashimi_config;

enum { TS_SA_S4 = 0, TS_SA_FF = 1, TS_SA_DOWN = 2, TS_SA_UP = 3 };

/* one unit of the network: width C at level lv (length L >> lv) on its input */
typedef struct {
    int kind, C, lv;
    size_t off;      /* its parameters in the block */
} ts_sashimi_unit;

/* offsets inside a residual block (relative to its unit's off) */
typedef struct {
    size_t fc_w, fc_b;        /* Linear emb_out -> C */
    size_t ln_g, ln_b;        /* LayerNorm C */
    size_t lay;               /* S4: core (log_dt .. D of s4.h's layout) then glu_w (2C, C),
                                 glu_b (2C); FF: w1 (2C, C), b1 (2C), w2 (C, 2C), b2 (C) */
    size_t glu_w, glu_b;      /* S4 (absolute to the unit) */
    size_t cond_v, cond_g, cond_b;   /* WNConv 2K -> C, kernel = stride = 2^lv: v (C, 2K, s) */
    size_t size;
} ts_sashimi_block;

typedef struct {
    ts_sashimi_config c;
    int n_units, nd, nc, nu;  /* all, down, centre, up (nd = nu) */
    ts_sashimi_unit *units;
    size_t init_w, init_b, t1_w, t1_b, t2_w, t2_b;
    size_t norm_g, norm_b, fin_w, fin_b, out_w, out_b;
    size_t total;
    ts_s4_layout s4p[3];      /* S4 layout of each level's width (the core's offsets) */
    float *params, *grads;    /* (total) each, 64-byte aligned */
} ts_sashimi_net;

/* SSSD's config_SSSDSA.json: d_model 128, 6 layers, state 64, embedding 128/512/512 */
void ts_sashimi_config_paper(ts_sashimi_config *c);
int  ts_sashimi_in_ch(const ts_sashimi_config *c);
/* shape checks; 0 / -1 + error */
int  ts_sashimi_config_check(const ts_sashimi_config *c);
/* the offsets of unit u's residual block */
ts_sashimi_block ts_sashimi_block_of(const ts_sashimi_net *n, const ts_sashimi_unit *u);
/* floats of the S4 core (log_dt .. D) at level lv */
size_t ts_sashimi_s4_core(const ts_sashimi_net *n, int lv);

/* "net=sashimi" then layers, channels, state, emb_in, emb_mid, emb_out, train_ssm
 * as "key=value" lines. Returns the characters written */
size_t ts_sashimi_config_text(const ts_sashimi_config *c, char *buf, size_t n);
/* reads those keys from section tag (in_ch left as it is); not checked. 0 / -1 + error
 * naming the file, section and key */
int  ts_sashimi_config_read(const ts_reader *r, const char *tag, ts_sashimi_config *c);

/* the parameters (floats) of config c, nothing of that size allocated */
size_t ts_sashimi_num_params(const ts_sashimi_config *c);
/* lays out and allocates (params not drawn) */
void ts_sashimi_net_alloc(ts_sashimi_net *n, const ts_sashimi_config *c);
/* allocates and draws the parameters from seed as the reference initialises them */
int  ts_sashimi_net_init(ts_sashimi_net *n, const ts_sashimi_config *c, uint64_t seed);
void ts_sashimi_net_free(ts_sashimi_net *n);
size_t ts_sashimi_num_trainable(const ts_sashimi_net *n);
void ts_sashimi_mask_grads(const ts_sashimi_net *n, float *grads);

typedef struct {
    int B, L, train;
    ts_s4 s4[3];              /* one per level */
    float *mem;
    size_t floats;
    size_t S;                 /* floats of one stream tensor, B H L rounded up */
    float *cond;              /* (B, 2K, L) */
    float *col[3];            /* level v: (B, 2K s, L/s), cond gathered for the strided conv */
    float *emb, *emb_act;     /* (B, emb_out), step-MLP activations */
    float *pt;                /* (B, 4H) one block's fc(e) */
    float *x0pre;             /* (B, H, L) init conv output */
    float *in;                /* (n_units + 1) stream tensors: each unit's input, then the last output */
    float *set;               /* activation sets: one per unit (train) or one */
    size_t set_floats;
    float *xn, *mean, *rstd;  /* the final LayerNorm's output (B, H, L) and (B, L) stats */
    float *fpre, *f;          /* (B, H, L) */
    float *out;               /* (B, K, L) predicted noise */
    float *t1, *t2, *t3;      /* temporaries: S, 2 S, 2 S */
    float *dstack;            /* backward: (nd + 1) stream gradients */
    float *dg, *dg2;          /* backward: S each */
    float *d_emb, *d_pt;      /* (B, emb_out), (B, 4H) */
    float *dK;                /* (2, 4H, L/4) = 2 H L */
    float *scratch;
    size_t scratch_floats;
    int    slots;             /* the threads the scratch was sized for (the layers' cap) */
    float *kcache;            /* inference plans: every S4 unit's kernels (and spectra), in unit order */
    size_t kcache_floats;
    int    kcache_ready;
} ts_sashimi_plan;

/* L a multiple of 4; 0 / -1 + error */
int  ts_sashimi_plan_init(ts_sashimi_plan *pl, const ts_sashimi_net *n, int B, int L, int train);
void ts_sashimi_plan_free(ts_sashimi_plan *pl);
/* inference plans (train = 0): make the S4 kernels of n's current parameters once,
 * so that every later forward skips them (the same bits). Valid until the
 * parameters change: call again then. */
void ts_sashimi_plan_cache_kernels(const ts_sashimi_net *n, ts_sashimi_plan *pl);

/* x_t, obs, mask (B, K, L), steps (B) -> pl->out (B, K, L) */
void ts_sashimi_forward(const ts_sashimi_net *n, ts_sashimi_plan *pl, const float *xt, const float *obs,
                        const float *mask, const int32_t *steps);
/* n->grads += d loss / d params from dout (B, K, L); a train plan after its forward */
void ts_sashimi_backward(ts_sashimi_net *n, ts_sashimi_plan *pl, const float *xt, const float *dout);

/* ---- the layers, for tests ---- */

/* x (B, C, L) -> r (B, C s, L/s): r[b, c s + j, l] = x[b, c, l s + j] (SaShiMi's
 * DownPool rearrange); acc: r += instead of = */
void ts_sashimi_fold(float *r, const float *x, int B, int C, int L, int s, int acc);
/* the inverse, z (B, C s, L/s) -> y (B, C, L) (UpPool's rearrange); acc: y += */
void ts_sashimi_unfold(float *y, const float *z, int B, int C, int L, int s, int acc);
/* GLU over channels: z (B, 2C, L) -> out (B, C, L) = z[:C] σ(z[C:]);
 * backward writes dz (B, 2C, L) */
void ts_glu_forward(float *out, const float *z, int B, int C, int L);
void ts_glu_backward_set(float *dz, const float *dout, const float *z, int B, int C, int L);

/* the network behind the denoiser interface: drawn (init) or allocated for loading */
int ts_denoiser_sashimi(ts_denoiser *d, const ts_sashimi_config *c, uint64_t seed, int init);

#ifdef __cplusplus
}
#endif

#endif
