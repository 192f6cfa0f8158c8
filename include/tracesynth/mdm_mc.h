/* tracesynth — the network of the multi-channel mdm (src/models/mdm_mc.c), exposed for
 * gradient checks:
 *   values (B, L, nch), channel j in [0, K_j), each either observed or hidden (MASK_j)
 *   -> the sum over channels of one embedding per channel (K_j + 1 rows each) -> mdm's
 *   blocks (S4 or transformer) -> one linear layer whose outputs hold one softmax head
 *   per channel (K_j logits each) -> the cross-entropy of the hidden values. */
#ifndef TRACESYNTH_MDM_MC_H
#define TRACESYNTH_MDM_MC_H

#include <stddef.h>
#include <stdint.h>
#include "mc_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ts_mdm_mc_net ts_mdm_mc_net;

/* nch channels (1 to 5) with K[j] >= 1 values each; real_dt: channel 1 is a real dt
 * instead (K[1] unused; in: xdt times one embedding row plus another, out: a Gaussian's
 * mean and log sd, loss its negative log-density), then nch may be 6. NULL + error on
 * bad sizes */
ts_mdm_mc_net *ts_mdm_mc_net_new(int transformer, int layers, int C, int nch, const int32_t *K, int real_dt,
                                 uint64_t seed);
void   ts_mdm_mc_net_free(ts_mdm_mc_net *n);
size_t ts_mdm_mc_net_size(const ts_mdm_mc_net *n);
float *ts_mdm_mc_net_params(ts_mdm_mc_net *n);
float *ts_mdm_mc_net_grads(ts_mdm_mc_net *n);
/* *loss = sum over hidden values (hid != 0) of w_row * -log p(value | observed) divided by
 * their count (w = 1 when weights, (B L), is NULL); values and hid are (B, L, nch), a real
 * dt's values (B, L) in xdt (its entry in values 0). With want_grad the gradients of that
 * loss are ADDED to the gradient block. 0 / -1 + error */
int ts_mdm_mc_net_loss(ts_mdm_mc_net *n, const int32_t *values, const float *xdt, const uint8_t *hid,
                       const float *weights, int B, int L, int want_grad, double *loss);

/* the softmax head of channel `channel` (TS_CH_*) of an mdm-mc model (mc_model.h): *w its
 * (K, C) weights, *b its K biases, *weight its training loss weight (--channel-weights).
 * 0 / -1 + error (another model, a channel it lacks) */
int ts_mdm_mc_head(const ts_mc_model *m, int channel, const float **w, const float **b, int *K, int *C,
                   double *weight);

#ifdef __cplusplus
}
#endif

#endif
