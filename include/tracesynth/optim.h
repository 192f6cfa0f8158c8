/* tracesynth — optimisation: Adam / AdamW over one contiguous parameter block,
 * gradient-norm clipping and learning-rate schedules.
 *
 * A model keeps all its parameters in one float array and all their gradients
 * in another of the same size; the optimiser keeps its two moment arrays beside
 * them. The update follows PyTorch's torch.optim.Adam / AdamW (single-tensor
 * path) exactly, bias correction included, so a step can be checked against it. */
#ifndef TRACESYNTH_OPTIM_H
#define TRACESYNTH_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t n;
    float *params, *grads;     /* (n), owned by the model */
    float *m, *v;              /* (n) first and second moments, owned here */
    double beta1, beta2, eps;
    double weight_decay;
    int    decoupled;          /* 0: Adam (L2 added to the gradient), 1: AdamW */
    long   step;               /* steps taken so far */
    /* (n) or NULL: parameters marked 1 are not trained, by weight decay either (their
     * gradients are zero; without this AdamW would still shrink them). Not owned */
    const unsigned char *frozen;
} ts_adam;

/* Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no weight decay).
 * Set weight_decay / decoupled afterwards for AdamW. Moments start at zero. */
void ts_adam_init(ts_adam *a, float *params, float *grads, size_t n);
void ts_adam_free(ts_adam *a);
/* one update with learning rate lr; grads are read, not cleared */
void ts_adam_step(ts_adam *a, double lr);

/* L2 norm of g (accumulated in double) */
double ts_grad_norm(const float *g, size_t n);
/* torch.nn.utils.clip_grad_norm_: scale g by max_norm / (norm + 1e-6) when that is
 * below 1; returns the norm before clipping. max_norm <= 0: no clipping. */
double ts_clip_grad_norm(float *g, size_t n, double max_norm);

/* learning rate at a step (0-based index of the update about to be made) */
typedef enum { TS_LR_CONSTANT = 0, TS_LR_WARMUP, TS_LR_COSINE } ts_lr_kind;
typedef struct {
    ts_lr_kind kind;
    double lr;                 /* peak rate */
    long   warmup;             /* WARMUP, COSINE: linear ramp over this many steps */
    long   total;              /* COSINE: steps until min_lr is reached */
    double min_lr;             /* COSINE: floor */
} ts_lr_schedule;
double ts_lr_at(const ts_lr_schedule *s, long step);
/* "constant", "warmup", "cosine"; 0 / -1 + error */
int ts_lr_parse(const char *s, ts_lr_kind *out);
const char *ts_lr_name(ts_lr_kind k);   /* the name ts_lr_parse reads */

#ifdef __cplusplus
}
#endif

#endif
