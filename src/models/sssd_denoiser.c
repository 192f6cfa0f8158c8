/* The SSSD-S4 / DiffWave / CSDI-S4 network (sssd.h) behind the denoiser interface
 * (denoiser.h), and the interface's ε-predictor for the sampler. */
#include "tracesynth/denoiser.h"
#include "tracesynth/sssd.h"
#include "models/denoiser_wrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static ts_sssd_net *net_of(const ts_denoiser *d) { return d->net; }

static void sssd_free(ts_denoiser *d)
{
    if (d->net) ts_sssd_net_free(d->net);
    ts_denoiser_unwrap(d);
}

static size_t sssd_num_trainable(const ts_denoiser *d) { return ts_sssd_num_trainable(net_of(d)); }
static void sssd_mask_grads(const ts_denoiser *d, float *grads) { ts_sssd_mask_grads(net_of(d), grads); }

static size_t sssd_config_text(const ts_denoiser *d, char *buf, size_t n)
{
    return ts_sssd_config_text(&net_of(d)->c, buf, n);
}

static int sssd_plan_init(ts_denoiser_plan *pl, const ts_denoiser *d, int B, int L, int train)
{
    ts_sssd_plan *p = ts_calloc(1, sizeof *p);
    const int rc = ts_sssd_plan_init(p, net_of(d), B, L, train);
    return ts_denoiser_plan_wrap(pl, p, rc, B, L, p->out, p->floats);
}

static void sssd_plan_free(ts_denoiser_plan *pl)
{
    if (pl->pl) ts_sssd_plan_free(pl->pl);
    ts_denoiser_plan_unwrap(pl);
}

static void sssd_cache(const ts_denoiser *d, ts_denoiser_plan *pl) { ts_sssd_plan_cache_kernels(net_of(d), pl->pl); }

static void sssd_cache_copy(const ts_denoiser *d, ts_denoiser_plan *to, const ts_denoiser_plan *from)
{
    ts_sssd_plan *t = to->pl;
    const ts_sssd_plan *f = from->pl;
    memcpy(t->kcache, f->kcache, 2 * (size_t)net_of(d)->c.layers * t->kcache_floats * sizeof(float));
    t->kcache_ready = 1;
}

static void sssd_forward(const ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *obs,
                         const float *mask, const int32_t *steps)
{
    ts_sssd_forward(net_of(d), pl->pl, xt, obs, mask, steps);
}

static void sssd_backward(ts_denoiser *d, ts_denoiser_plan *pl, const float *xt, const float *dout)
{
    ts_sssd_backward(net_of(d), pl->pl, xt, dout);
}

static const ts_denoiser_ops sssd_ops = {
    .free = sssd_free,
    .num_trainable = sssd_num_trainable,
    .mask_grads = sssd_mask_grads,
    .config_text = sssd_config_text,
    .plan_init = sssd_plan_init,
    .plan_free = sssd_plan_free,
    .cache = sssd_cache,
    .cache_copy = sssd_cache_copy,
    .forward = sssd_forward,
    .backward = sssd_backward,
};

int ts_denoiser_sssd(ts_denoiser *d, const ts_sssd_config *c, uint64_t seed, int init)
{
    ts_sssd_net *n = ts_calloc(1, sizeof *n);
    int rc = 0;
    if (init) rc = ts_sssd_net_init(n, c, seed);
    else ts_sssd_net_alloc(n, c);
    return ts_denoiser_wrap(d, &sssd_ops, n, rc, n->params, n->grads, n->p.total, ts_sssd_in_ch(c));
}

int ts_denoiser_eps_fn(void *ctx, const float *xt, int t, float *eps)
{
    ts_denoiser_eps *c = ctx;
    const size_t n = (size_t)c->pl->B * (size_t)c->net->K * (size_t)c->pl->L;
    for (int b = 0; b < c->pl->B; b++) c->steps[b] = t;
    c->net->ops->forward(c->net, c->pl, xt, c->obs, c->mask, c->steps);
    memcpy(eps, c->pl->out, n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        if (!isfinite(eps[i])) return ts_fail("%s: the network produced a non-finite value at step %d", c->name, t);
    c->done++;
    if (c->prog) ts_progress_update(c->prog, c->done, NULL);
    return 0;
}

int ts_denoiser_params_read(const ts_reader *r, ts_denoiser *d)
{
    if (ts_reader_f32(r, "PARAMS", d->params, d->total) != 0) return -1;
    for (size_t i = 0; i < d->total; i++)
        if (!isfinite(d->params[i])) return ts_fail("%s: section 'PARAMS': parameter %zu is not finite", r->path, i);
    return 0;
}
