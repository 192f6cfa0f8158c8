/* tracesynth — the denoising network of a diffusion model, as the sssd-s4 model
 * code runs it: the SSSD-S4 network (and DiffWave's dilated blocks, CSDI-S4's
 * blocks; sssd.h) or another ε-predictor of the same inputs (the SaShiMi network of SSSD-SA;
 * sashimi.h).
 *
 * Every network maps x_t (B, K, L), the observed values obs (B, K, L), the mask
 * (B, K, L) (1 = observed) and the steps (B) to the predicted noise (B, K, L).
 * A ts_denoiser holds one network with its parameter and gradient blocks; a
 * ts_denoiser_plan the activations for one (B, L), made up front so that
 * forward and backward allocate nothing. */
#ifndef TRACESYNTH_DENOISER_H
#define TRACESYNTH_DENOISER_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "container.h"
#include "sssd.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ts_denoiser_ops ts_denoiser_ops;

typedef struct {
    const ts_denoiser_ops *ops;
    void *net;                 /* the network's own struct (ts_sssd_net, ts_sashimi_net) */
    float *params, *grads;     /* its blocks, (total) floats each */
    size_t total;
    int K;                     /* input = output channels */
} ts_denoiser;

typedef struct {
    void *pl;                  /* the network's own plan */
    int B, L;
    float *out;                /* (B, K, L) predicted noise after a forward */
    size_t floats;             /* the plan's memory, in floats */
} ts_denoiser_plan;

struct ts_denoiser_ops {
    void   (*free)(ts_denoiser *d);
    /* parameters the optimiser changes; zero the gradients of the others */
    size_t (*num_trainable)(const ts_denoiser *d);
    void   (*mask_grads)(const ts_denoiser *d, float *grads);
    /* the sizes as "key=value" lines (the start of a model file's config section) */
    size_t (*config_text)(const ts_denoiser *d, char *buf, size_t n);
    /* train = 0: an inference plan (forward only). 0 / -1 + error */
    int    (*plan_init)(ts_denoiser_plan *pl, const ts_denoiser *d, int B, int L, int train);
    void   (*plan_free)(ts_denoiser_plan *pl);
    /* inference plans: precompute what depends on the parameters alone (S4
     * kernels), from d's parameters or copied from another plan of the same
     * network and shapes; the same bits as without */
    void   (*cache)(const ts_denoiser *d, ts_denoiser_plan *pl);
    void   (*cache_copy)(const ts_denoiser *d, ts_denoiser_plan *to, const ts_denoiser_plan *from);
    void   (*forward)(const ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *obs,
                      const float *mask, const int32_t *steps);
    /* grads += d loss / d params from dout (B, K, L); a train plan after its forward */
    void   (*backward)(ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *dout);
};

/* the SSSD-S4 / DiffWave / CSDI-S4 network of config c (sssd.h): drawn from seed (init) or
 * allocated for loading (parameters not drawn). 0 / -1 + error */
int ts_denoiser_sssd(ts_denoiser *d, const ts_sssd_config *c, uint64_t seed, int init);

/* reads section PARAMS into d's allocated parameters; every one must be finite.
 * 0 / -1 + error */
int ts_denoiser_params_read(const ts_reader *r, ts_denoiser *d);

static inline void ts_denoiser_free(ts_denoiser *d) { if (d->ops) d->ops->free(d); }

/* the network as the ε-predictor of ts_diffusion_sample (a ts_eps_fn: ctx is a
 * ts_denoiser_eps): the plan's whole batch at one step; an error naming the model
 * when the output is not finite; prog (may be NULL) advances one per call */
typedef struct {
    const ts_denoiser *net;
    ts_denoiser_plan *pl;
    const float *obs, *mask;
    int32_t *steps;            /* (B) scratch */
    const char *name;          /* the model, for errors */
    ts_progress *prog;
    long done;
} ts_denoiser_eps;
int ts_denoiser_eps_fn(void *ctx, const float *xt, int t, float *eps);

#ifdef __cplusplus
}
#endif

#endif
