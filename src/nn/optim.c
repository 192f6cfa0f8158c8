/* Adam / AdamW, gradient clipping, learning-rate schedules (see optim.h). */
#include "tracesynth/optim.h"
#include "tracesynth/common.h"
#include "vmath.h"

#include <math.h>
#include <string.h>

void ts_adam_init(ts_adam *a, float *params, float *grads, size_t n)
{
    memset(a, 0, sizeof *a);
    a->n = n;
    a->params = params;
    a->grads = grads;
    a->m = ts_alloc_aligned((n ? n : 1) * sizeof(float));
    a->v = ts_alloc_aligned((n ? n : 1) * sizeof(float));
    a->beta1 = 0.9;
    a->beta2 = 0.999;
    a->eps = 1e-8;
}

void ts_adam_free(ts_adam *a)
{
    ts_free_aligned(a->m);
    ts_free_aligned(a->v);
    a->m = a->v = NULL;
}

typedef struct {
    float step_size, bc2_sqrt, b1, b2, omb1, omb2, eps, wd, decay;
    int decoupled;
} adam_k;

/* elements [i0, i1): compiled for each vector width (vmath.h); IEEE sqrt and
 * division round alike in every lane, so the bits do not depend on the width */
TS_CLONES static void adam_range(const adam_k *k, float *restrict p, float *restrict m,
                                 float *restrict v, const float *restrict g, const unsigned char *restrict fz,
                                 long i0, long i1)
{
    const float step_size = k->step_size, bc2_sqrt = k->bc2_sqrt, b1 = k->b1, b2 = k->b2;
    const float omb1 = k->omb1, omb2 = k->omb2, eps = k->eps, wd = k->wd, decay = k->decay;
    if (k->decoupled) {
        #pragma omp simd
        for (long i = i0; i < i1; i++) {
            float gi = g[i];
            p[i] *= fz && fz[i] ? 1.0f : decay;
            m[i] = m[i] * b1 + omb1 * gi;
            v[i] = v[i] * b2 + omb2 * gi * gi;
            float denom = sqrtf(v[i]) / bc2_sqrt + eps;
            p[i] -= step_size * (m[i] / denom);
        }
    } else {
        #pragma omp simd
        for (long i = i0; i < i1; i++) {
            float gi = g[i];
            if (wd != 0.0f && !(fz && fz[i])) gi += wd * p[i];
            m[i] = m[i] * b1 + omb1 * gi;
            v[i] = v[i] * b2 + omb2 * gi * gi;
            float denom = sqrtf(v[i]) / bc2_sqrt + eps;
            p[i] -= step_size * (m[i] / denom);
        }
    }
}

void ts_adam_step(ts_adam *a, double lr)
{
    a->step++;
    /* PyTorch computes these scalars in double and applies them in float */
    double bc1 = 1.0 - pow(a->beta1, (double)a->step);
    double bc2 = 1.0 - pow(a->beta2, (double)a->step);
    const adam_k k = {
        .step_size = (float)(lr / bc1), .bc2_sqrt = (float)sqrt(bc2),
        .b1 = (float)a->beta1, .b2 = (float)a->beta2,
        .omb1 = (float)(1.0 - a->beta1), .omb2 = (float)(1.0 - a->beta2),
        .eps = (float)a->eps, .wd = (float)a->weight_decay,
        .decay = (float)(1.0 - lr * a->weight_decay),   /* AdamW */
        .decoupled = a->decoupled,
    };
    const long n = (long)a->n, chunk = 16384, nc = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (long c = 0; c < nc; c++) {
        long i0 = c * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
        adam_range(&k, a->params, a->m, a->v, a->grads, a->frozen, i0, i1);
    }
}

/* the sum of squares in GN_CHUNKS fixed chunks added up in order: the norm,
 * hence the clipping, gets the same bits for any thread count (an OpenMP
 * reduction combines per-thread partials, which depend on it) */
#define GN_CHUNKS 256

double ts_grad_norm(const float *g, size_t n)
{
    double part[GN_CHUNKS];
    const size_t per = (n + GN_CHUNKS - 1) / GN_CHUNKS;
#pragma omp parallel for schedule(static) if (n > 65536)
    for (int c = 0; c < GN_CHUNKS; c++) {
        size_t i0 = (size_t)c * per, i1 = i0 + per < n ? i0 + per : n;
        double s = 0;
        for (size_t i = i0; i < i1; i++) s += (double)g[i] * g[i];
        part[c] = s;
    }
    double s = 0;
    for (int c = 0; c < GN_CHUNKS; c++) s += part[c];
    return sqrt(s);
}

double ts_clip_grad_norm(float *g, size_t n, double max_norm)
{
    double norm = ts_grad_norm(g, n);
    if (max_norm <= 0) return norm;
    double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) {
        const float c = (float)coef;
        for (size_t i = 0; i < n; i++) g[i] *= c;
    }
    return norm;
}

double ts_lr_at(const ts_lr_schedule *s, long step)
{
    if (step < 0) step = 0;
    if (s->kind == TS_LR_CONSTANT) return s->lr;
    if (s->warmup > 0 && step < s->warmup) return s->lr * (double)(step + 1) / (double)s->warmup;
    if (s->kind == TS_LR_WARMUP) return s->lr;
    /* cosine from lr (end of warm-up) down to min_lr at `total`, flat after */
    long span = s->total - s->warmup;
    if (span <= 0) return s->min_lr;
    double x = (double)(step - s->warmup) / (double)span;
    if (x > 1) x = 1;
    return s->min_lr + 0.5 * (s->lr - s->min_lr) * (1.0 + cos(M_PI * x));
}

static const char *const lr_names[] = {"constant", "warmup", "cosine"};

const char *ts_lr_name(ts_lr_kind k) { return k >= TS_LR_CONSTANT && k <= TS_LR_COSINE ? lr_names[k] : "?"; }

int ts_lr_parse(const char *s, ts_lr_kind *out)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, lr_names[i])) { *out = (ts_lr_kind)i; return 0; }
    return ts_fail("unknown learning-rate schedule '%s' (constant, warmup, cosine)", s);
}
