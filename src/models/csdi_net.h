/* CSDI-S4's blocks of the SSSD network (residual = TS_SSSD_RES_CSDI, see
 * tracesynth/sssd.h): what ts_sssd_net_init, ts_sssd_plan_init, ts_sssd_forward
 * and ts_sssd_backward run for that kind. Library-internal. */
#ifndef TRACESYNTH_CSDI_NET_H
#define TRACESYNTH_CSDI_NET_H

#include "tracesynth/sssd.h"

/* n allocated: draws its parameters from seed as CSDI initialises them. 0 / -1 + error */
int  ts_csdi_params_init(ts_sssd_net *n, uint64_t seed);
/* what ts_sssd_plan_init makes for a csdi network: the scratch floats of its
 * forward and backward (pl's S4, B and L set), and, once pl's buffers are cut,
 * PE (time_emb Te, L) in pl->side */
size_t ts_csdi_scratch_size(const ts_sssd_config *c, const ts_sssd_plan *pl);
void ts_csdi_position_embedding(ts_sssd_plan *pl, int Te);
void ts_csdi_forward(const ts_sssd_net *n, ts_sssd_plan *pl, const float *xt, const float *obs,
                     const float *mask, const int32_t *steps);
void ts_csdi_backward(ts_sssd_net *n, ts_sssd_plan *pl, const float *dout);
/* sssd_net.c's and csdi_net.c's: block i's parameters in base, n's parameter or gradient block */
static inline float *ts_sssd_blk(const ts_sssd_net *n, float *base, int i)
{
    return base + n->p.blk0 + (size_t)i * n->p.blk_size;
}
/* sssd_net.c's: x (n) *= a, over the threads past 65536 floats (each element alike) */
void ts_sssd_scale(float *x, size_t n, float a);
/* CSDI's training mask (CSDI_base.get_randmask, its default target_strategy
 * 'random'): mask (n, L), each window with round(L u) positions hidden (0), u
 * uniform in [0, 1), the positions a uniform draw; the rest observed (1) */
void ts_csdi_random_mask(uint8_t *mask, size_t n, size_t L, ts_rng *rng);

#endif
