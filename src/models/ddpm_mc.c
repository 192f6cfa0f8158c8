/* The "ddpm-mc" model: a Gaussian DDPM over the encoded channels of a multi-channel
 * trace, as the poster's diffusion baseline: the SSSD-S4 network (sssd.h, run through
 * the denoiser interface of denoiser.h as sssd-s4's) with K input and output channels,
 * one per channel modelled (those the trace has), trained as an ε-predicting DDPM
 * through the shared trainer and sampled by DDPM or DDIM.
 *
 * Each event is K real values (PROTOCOLS.md §4 gives the IDs; it does not say how to
 * scale them, so): a categorical channel with K_c values maps ID v to 2 v / (K_c − 1) − 1
 * (the IDs spread over [−1, 1], as sssd-s4's --scale unit); dt = log(1 + ns) is
 * standardized by the training part's mean and standard deviation. Decoding: an ID is the
 * nearest valid one (rounded, clamped to [0, K_c)); dt the inverse of the standardization,
 * clamped to the training part's range.
 *
 * Training: crops of --length events (train's, 200 when not given) from the training part; with
 * probability --prefix-share (0.5) a crop's first p events (p uniform in [1, L)) are
 * observed in every channel, as SSSD's imputation training (only_generate_missing: the
 * observed values enter x_t unnoised and as the conditioning), else nothing is; the loss
 * is the MSE of the predicted noise over the hidden values. Validation: the same MSE on
 * fixed crops, masks, steps and noise of the validation part.
 *
 * Generation and imputation at any window length (the network is convolutional and S4):
 * the observed values are held at every step (ts_diffusion_sample), --steps S < T runs
 * DDIM. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/denoiser.h"
#include "tracesynth/diffusion.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/nn.h"
#include "tracesynth/sssd.h"
#include "tracesynth/train.h"
#include "mc_crops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const ts_mc_model_ops ts_mc_model_ddpm;

/* layers x width x window length of one sampled window (its S4 kernels and activations) */
#define MAX_WINDOW_STATE ((uint64_t)1 << 26)

typedef struct {
    ts_mc_model base;
    ts_sssd_config c;               /* the network's sizes */
    ts_denoiser net;
    int T;
    double beta0, betaT;
    ts_diffusion diff;
    int nch, chan[TS_NCH];          /* value j of an event is channel chan[j] */
    double dt_mean, dt_std, dt_lo, dt_hi;
} ddpm_mc;

/* ---- the encoding ---- */

static void channels_of(ddpm_mc *m)
{
    m->nch = 0;
    for (int c = 0; c < TS_NCH; c++)
        if (m->base.has & 1u << c) m->chan[m->nch++] = c;
}

/* value j of event i of y as a real */
static float enc(const ddpm_mc *m, const ts_mc *y, int j, size_t i)
{
    const int c = m->chan[j];
    if (c == TS_CH_DT) return (float)((y->dt[i] - m->dt_mean) / m->dt_std);
    const int32_t K = m->base.card[c];
    return K > 1 ? 2.0f * (float)y->ch[c][i] / (float)(K - 1) - 1.0f : 0.0f;
}

/* a real back into value j of event i of y: the nearest valid ID, or dt */
static void dec(const ddpm_mc *m, float v, int j, size_t i, ts_mc *y)
{
    const int c = m->chan[j];
    if (c == TS_CH_DT) {
        double x = isfinite(v) ? v * m->dt_std + m->dt_mean : m->dt_mean;
        y->dt[i] = (float)(x < m->dt_lo ? m->dt_lo : x > m->dt_hi ? m->dt_hi : x);
        return;
    }
    const int32_t K = m->base.card[c];
    double x = isfinite(v) ? floor((v + 1.0) * 0.5 * (K - 1) + 0.5) : 0;
    y->ch[c][i] = (int32_t)(x < 0 ? 0 : x > K - 1 ? K - 1 : x);
}

/* windows w0.. of y (n windows of L) into x, obs, maskf (B, K, L); a window past n is
 * window w0 again (padding); mask NULL: nothing observed */
static void fill(const ddpm_mc *m, const ts_mc *y, const uint8_t *const *mask, size_t w0, size_t n, int B, size_t L,
                 float *x, float *maskf)
{
    const int K = m->nch;
    for (int b = 0; b < B; b++) {
        const size_t w = w0 + (size_t)b < n ? w0 + (size_t)b : w0;
        for (int j = 0; j < K; j++)
            for (size_t l = 0; l < L; l++) {
                const size_t i = w * L + l, k = ((size_t)b * K + (size_t)j) * L + l;
                const int o = mask && mask[m->chan[j]] && mask[m->chan[j]][i];
                maskf[k] = o ? 1.0f : 0.0f;
                x[k] = o ? enc(m, y, j, i) : 0.0f;
            }
    }
}

/* ---- options ---- */

static const char *const ddpm_keys[] = {
    "layers", "channels", "state", "T", "beta0", "betaT", "batch", "valid-n", "prefix-share", "train-ssm",
    "lr", "schedule", "warmup", "weight-decay", "clip", "ema", "iters", "valid-every", "log-every", "budget", NULL,
};

typedef struct {
    ts_sssd_config net;
    int T;
    double beta0, betaT, prefix_share;
    long batch, valid_n;
    ts_train_cfg tc;
} ddpm_opts;

static int opt_long(const ts_kv *kv, const char *key, long def, long lo, long hi, long *out)
{
    if (ts_kv_long(kv, key, def, out) != 0) return -1;
    if (*out < lo || *out > hi) return ts_opt_fail("ddpm-mc", key, "%ld out of range [%ld, %ld]", *out, lo, hi);
    return 0;
}

static int parse_opts(const ts_kv *kv, int nch, ddpm_opts *so)
{
    memset(so, 0, sizeof *so);
    ts_sssd_config_paper(&so->net);
    so->net.in_ch = nch;
    long layers, width, state, T, ssm;
    if (opt_long(kv, "layers", 4, 1, 1024, &layers) || opt_long(kv, "channels", 64, 1, 4096, &width) ||
        opt_long(kv, "state", 64, 2, 1024, &state) || opt_long(kv, "T", 200, 1, 100000, &T) ||
        opt_long(kv, "train-ssm", 0, 0, 1, &ssm) || opt_long(kv, "batch", 16, 1, 65536, &so->batch) ||
        opt_long(kv, "valid-n", 64, 1, 1000000, &so->valid_n))
        return -1;
    if (state % 2) return ts_opt_fail("ddpm-mc", "state", "%ld must be even", state);
    so->net.layers = (int)layers;
    so->net.C = (int)width;
    so->net.N = (int)state;
    so->net.train_ssm = (int)ssm;
    so->T = (int)T;
    if (ts_kv_double(kv, "beta0", 1e-4, &so->beta0) || ts_kv_double(kv, "betaT", 0.02, &so->betaT) ||
        ts_kv_double(kv, "prefix-share", 0.5, &so->prefix_share))
        return -1;
    if (!(so->prefix_share >= 0 && so->prefix_share <= 1))
        return ts_opt_fail("ddpm-mc", "prefix-share", "%g out of range [0, 1]", so->prefix_share);
    const ts_train_defaults def = {1e-3, 2000, 200, TS_LR_CONSTANT, 0, 0};   /* as sssd-s4 */
    if (ts_train_parse(&so->tc, kv, &def) != 0) return -1;
    return ts_sssd_config_check(&so->net);
}

/* ---- the model file: DDPMMC (sizes, schedule, dt scaling) and PARAMS ---- */

static void config_text(const ddpm_mc *m, char *buf, size_t n)
{
    size_t k = m->net.ops->config_text(&m->net, buf, n);
    snprintf(buf + k, n - k, "in_ch=%d\nT=%d\nbeta0=%.17g\nbetaT=%.17g\ndt_mean=%.17g\ndt_std=%.17g\ndt_lo=%.17g\n"
             "dt_hi=%.17g\n", m->c.in_ch, m->T, m->beta0, m->betaT, m->dt_mean, m->dt_std, m->dt_lo, m->dt_hi);
}

static void ddpm_free(ts_mc_model *base)
{
    ddpm_mc *m = (ddpm_mc *)base;
    ts_denoiser_free(&m->net);
    ts_diffusion_free(&m->diff);
    free(m);
}

static int ddpm_save(const ts_mc_model *base, ts_writer *w)
{
    const ddpm_mc *m = (const ddpm_mc *)base;
    char cfg[768];
    config_text(m, cfg, sizeof cfg);
    ts_writer_text(w, "DDPMMC", cfg);
    ts_writer_f32(w, "PARAMS", m->net.params, m->net.total);
    return 0;
}

static int ddpm_load(ts_mc_model **out, const ts_reader *r, const ts_mc_model *base)
{
    ddpm_mc *m = ts_calloc(1, sizeof *m);
    m->base.ops = &ts_mc_model_ddpm;
    m->base.has = base->has;
    memcpy(m->base.card, base->card, sizeof m->base.card);
    channels_of(m);
    ts_sssd_config c;
    memset(&c, 0, sizeof c);
    long K, T;
    if (ts_sssd_config_read(r, "DDPMMC", &c) != 0 || ts_reader_long(r, "DDPMMC", "in_ch", m->nch, m->nch, &K) != 0 ||
        ts_reader_long(r, "DDPMMC", "T", 1, 100000, &T) != 0)
        goto fail;
    /* the key is sssd-s4's, diffwave's and csdi-s4's: ddpm-mc's network is S4's, and its files never name it */
    if (c.residual != TS_SSSD_RES_S4) {
        ts_fail("%s: section 'DDPMMC': 'residual' is %s, but ddpm-mc's network has S4 blocks", r->path,
                c.residual == TS_SSSD_RES_DILATED ? "dilated" : "csdi");
        goto fail;
    }
    c.in_ch = (int)K;
    m->T = (int)T;
    const int dt = !!(base->has & 1u << TS_CH_DT);
    if (ts_reader_double(r, "DDPMMC", "beta0", 1e-12, 0.999, &m->beta0) ||
        ts_reader_double(r, "DDPMMC", "betaT", 1e-12, 0.999, &m->betaT) ||
        ts_reader_double(r, "DDPMMC", "dt_mean", dt ? -1e3 : 0, 1e3, &m->dt_mean) ||
        ts_reader_double(r, "DDPMMC", "dt_std", dt ? 1e-6 : 1, 1e3, &m->dt_std) ||
        ts_reader_double(r, "DDPMMC", "dt_lo", 0, 1e3, &m->dt_lo) ||
        ts_reader_double(r, "DDPMMC", "dt_hi", m->dt_lo, 1e3, &m->dt_hi))
        goto fail;
    if (ts_sssd_config_check(&c) != 0 || ts_diffusion_init(&m->diff, m->T, m->beta0, m->betaT) != 0) {
        ts_reader_fail_in(r, "DDPMMC");
        goto fail;
    }
    ts_sssd_layout lay;
    ts_sssd_layout_of(&c, &lay, NULL);
    if (ts_reader_expect_size(r, "PARAMS", lay.total, sizeof(float)) != 0) goto fail;
    m->c = c;
    if (ts_denoiser_sssd(&m->net, &c, 0, 0) != 0 || ts_denoiser_params_read(r, &m->net) != 0) goto fail;
    *out = &m->base;
    return 0;
fail:
    ddpm_free(&m->base);
    return -1;
}

/* ---- training ---- */

typedef struct {
    ddpm_mc *m;
    const ts_mc *d;
    size_t n_train, window;   /* window: the data's windows, which no crop crosses (0: none) */
    double prefix_share;
    ts_denoiser_plan pl;
    float *x0, *xt, *maskf, *eps, *dout;   /* (B, K, L) */
    uint8_t *lossm;                        /* (B, K, L) hidden */
    int32_t *t;                            /* (B) */
    size_t vn;                             /* validation crops */
    size_t *vs;                            /* (vn) their starts */
    uint16_t *vp;                          /* (vn) observed prefix */
    int32_t *vt;                           /* (vn) steps */
    float *veps;                           /* (vn, K, L) noise */
} train_ctx;

/* crop b of the batch: events [s, s + L) of the data, its first p events observed */
static void crop(train_ctx *c, int b, size_t s, size_t p)
{
    const ddpm_mc *m = c->m;
    const size_t L = (size_t)c->pl.L, K = (size_t)m->nch;
    for (size_t j = 0; j < K; j++)
        for (size_t l = 0; l < L; l++) {
            const size_t k = ((size_t)b * K + j) * L + l;
            c->x0[k] = enc(m, c->d, (int)j, s + l);
            c->maskf[k] = l < p ? 1.0f : 0.0f;
            c->lossm[k] = l >= p;
        }
}

/* the batch's noise MSE over its hidden values; with grad, its gradient into the net */
static float batch_loss(train_ctx *c, const float *eps, int grad)
{
    ddpm_mc *m = c->m;
    const size_t n = (size_t)c->pl.B * (size_t)m->nch * (size_t)c->pl.L;
    ts_diffusion_q_sample(&m->diff, c->x0, (float *)eps, c->t, c->maskf, (size_t)c->pl.B, n / (size_t)c->pl.B, c->xt);
    m->net.ops->forward(&m->net, &c->pl, c->xt, c->x0, c->maskf, c->t);
    const float loss = ts_mse_forward(c->pl.out, eps, c->lossm, n);
    if (grad) {
        memset(c->dout, 0, n * sizeof(float));
        ts_mse_backward(c->dout, c->pl.out, eps, c->lossm, n, 1.0f);
        m->net.ops->backward(&m->net, &c->pl, c->xt, c->dout);
    }
    return loss;
}

static int train_step(void *ctx, ts_rng *rng, float *loss)
{
    train_ctx *c = ctx;
    const int B = c->pl.B;
    const size_t L = (size_t)c->pl.L, n = (size_t)B * (size_t)c->m->nch * L;
    for (int b = 0; b < B; b++) {
        size_t s = mc_crop_at(0, c->n_train, c->window, L, ts_rng_below(rng, mc_crop_count(0, c->n_train, c->window, L)));
        size_t p = ts_rng_uniform(rng) < c->prefix_share ? 1 + (size_t)ts_rng_below(rng, L - 1) : 0;
        crop(c, b, s, p);
        c->t[b] = (int32_t)ts_rng_below(rng, (uint64_t)c->m->T);
    }
    for (size_t i = 0; i < n; i++) c->eps[i] = ts_rng_normal(rng);
    *loss = batch_loss(c, c->eps, 1);
    return 0;
}

static int train_validate(void *ctx, double *loss)
{
    train_ctx *c = ctx;
    const int B = c->pl.B;
    const size_t KL = (size_t)c->m->nch * (size_t)c->pl.L;
    double se = 0;
    size_t cnt = 0;
    for (size_t s0 = 0; s0 < c->vn; s0 += (size_t)B) {
        const int nb = (int)(c->vn - s0 < (size_t)B ? c->vn - s0 : (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t j = s0 + (size_t)(b < nb ? b : 0);
            crop(c, b, c->vs[j], c->vp[j]);
            if (b >= nb) memset(c->lossm + (size_t)b * KL, 0, KL);   /* padding: not counted */
            c->t[b] = c->vt[j];
            memcpy(c->eps + (size_t)b * KL, c->veps + j * KL, KL * sizeof(float));
        }
        size_t h = 0;
        for (size_t i = 0; i < (size_t)B * KL; i++) h += c->lossm[i];
        se += (double)batch_loss(c, c->eps, 0) * (double)h;
        cnt += h;
    }
    *loss = cnt ? se / (double)cnt : 0;
    return 0;
}

static int train_save(void *ctx, const char *path)
{
    train_ctx *c = ctx;
    return ts_mc_model_save(&c->m->base, path);
}

static void train_mask_grads(void *ctx, float *grads)
{
    train_ctx *c = ctx;
    c->m->net.ops->mask_grads(&c->m->net, grads);
}

/* fixed validation crops of events [a, b) (spread evenly), prefixes, steps and noise */
static void valid_make(train_ctx *c, size_t a, size_t b, size_t want, double share, uint64_t seed)
{
    const size_t L = (size_t)c->pl.L, KL = (size_t)c->m->nch * L, starts = mc_crop_count(a, b, c->window, L);
    c->vn = starts < want ? starts : want;
    c->vs = ts_malloc(c->vn * sizeof *c->vs);
    c->vp = ts_malloc(c->vn * sizeof *c->vp);
    c->vt = ts_malloc(c->vn * sizeof *c->vt);
    c->veps = ts_malloc(c->vn * KL * sizeof *c->veps);
    ts_rng r;
    ts_rng_seed(&r, seed ^ 0x76616c6964ull);
    for (size_t j = 0; j < c->vn; j++) {
        c->vs[j] = mc_crop_at(a, b, c->window, L, c->vn > 1 ? j * (starts - 1) / (c->vn - 1) : 0);
        c->vp[j] = (uint16_t)(ts_rng_uniform(&r) < share ? 1 + ts_rng_below(&r, L - 1) : 0);
        c->vt[j] = (int32_t)ts_rng_below(&r, (uint64_t)c->m->T);
        for (size_t i = 0; i < KL; i++) c->veps[j * KL + i] = ts_rng_normal(&r);
    }
}

static int ddpm_train(ts_mc_model **out, const ts_mc_train_opts *o)
{
    *out = NULL;
    const ts_mc *d = o->data;
    ddpm_mc *m = ts_calloc(1, sizeof *m);
    *out = &m->base;
    m->base.ops = &ts_mc_model_ddpm;
    for (int c = 0; c < TS_NCH; c++)
        if (ts_mc_has(d, c)) {
            m->base.has |= 1u << c;
            m->base.card[c] = ts_mc_card(d, c);
        }
    m->base.dt_mode = d->dt ? TS_DT_REAL : TS_DT_NONE;
    channels_of(m);
    ddpm_opts so;
    if (parse_opts(&o->kv, m->nch, &so) != 0) return -1;
    const size_t L = o->len ? o->len : 200;   /* train's default, as the help says */
    if (L < 2 || L > 65535)
        return ts_opt_fail("ddpm-mc", "length", "%zu: expected 2 to 65535", L);
    /* a length in that range that this data's parts cannot hold: the data's error (ts_fit_fail) */
    if (L > o->n_train)
        return ts_fit_fail("ddpm-mc", "length", "%zu is longer than the training part (%zu event%s)", L, o->n_train,
                           ts_plural(o->n_train));
    /* the validation windows are the validation part's: one shorter than a window is refused
     * (windows of the training part would measure, and choose the saved model on, training data) */
    if (L > o->n_valid)
        return o->n_valid >= 2
            ? ts_fit_fail("ddpm-mc", "length", "%zu is longer than the validation part (%zu events), which the "
                          "validation windows are cut from: give --length %zu or less, or other --fractions", L,
                          o->n_valid, o->n_valid)
            : ts_fit_fail("ddpm-mc", "length", "%zu is longer than the validation part (%zu event%s), which the "
                          "validation windows are cut from: give other --fractions", L, o->n_valid,
                          ts_plural(o->n_valid));
    /* a set of windows: crops within them */
    if (o->window && L > o->window)
        return ts_fit_fail("ddpm-mc", "length", "%zu is longer than a window of the training data (%zu event%s)", L,
                           o->window, ts_plural(o->window));
    if (o->window && !mc_crop_count(o->n_train, o->n_train + o->n_valid, o->window, L))
        return ts_fit_fail("ddpm-mc", "length", "%zu: the validation part, events [%zu, %zu), holds no window of it "
                           "within a window of %zu: give other --fractions", L, o->n_train, o->n_train + o->n_valid,
                           o->window);
    if (ts_mc_model_base_init(&m->base, d) != 0) return -1;
    ts_mc_model_base_record(&m->base, o);   /* its split and arch: saved while it learns */
    m->dt_std = 1;
    if (d->dt) {
        double s1 = 0, s2 = 0;
        m->dt_lo = m->dt_hi = d->dt[0];
        for (size_t i = 0; i < o->n_train; i++) {
            s1 += d->dt[i];
            s2 += (double)d->dt[i] * d->dt[i];
            m->dt_lo = fmin(m->dt_lo, d->dt[i]);
            m->dt_hi = fmax(m->dt_hi, d->dt[i]);
        }
        m->dt_mean = s1 / (double)o->n_train;
        m->dt_std = sqrt(fmax(s2 / (double)o->n_train - m->dt_mean * m->dt_mean, 0)) + 1e-3;
    }
    m->T = so.T;
    m->beta0 = so.beta0;
    m->betaT = so.betaT;
    m->c = so.net;
    if (ts_diffusion_init(&m->diff, m->T, m->beta0, m->betaT) != 0 || ts_denoiser_sssd(&m->net, &so.net, o->seed, 1) != 0)
        return -1;

    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.d = d;
    c.n_train = o->n_train;
    c.window = o->window;
    c.prefix_share = so.prefix_share;
    const int B = (int)so.batch;
    int rc = -1;
    if (m->net.ops->plan_init(&c.pl, &m->net, B, (int)L, 1) != 0) goto done;
    const size_t n = (size_t)B * (size_t)m->nch * L;
    c.x0 = ts_malloc(n * sizeof(float));
    c.xt = ts_malloc(n * sizeof(float));
    c.maskf = ts_malloc(n * sizeof(float));
    c.eps = ts_malloc(n * sizeof(float));
    c.dout = ts_malloc(n * sizeof(float));
    c.lossm = ts_malloc(n);
    c.t = ts_malloc((size_t)B * sizeof(int32_t));
    valid_make(&c, o->n_train, o->n_train + o->n_valid, (size_t)so.valid_n, so.prefix_share, o->seed);

    char cfg[768], start[512];
    config_text(m, cfg, sizeof cfg);
    size_t k = (size_t)snprintf(start, sizeof start, "\"layers\":%d,\"channels\":%d,\"state\":%d,\"params\":%zu,"
                                "\"trainable\":%zu,\"T\":%d,\"batch\":%d,\"L\":%zu,\"lr\":%g,"
                                "\"train_events\":%zu,\"valid_crops\":%zu,\"modelled\":\"", so.net.layers, so.net.C,
                                so.net.N, m->net.total, m->net.ops->num_trainable(&m->net), m->T, B, L, so.tc.lr.lr,
                                o->n_train, c.vn);
    for (int j = 0; j < m->nch; j++)
        k += (size_t)snprintf(start + k, sizeof start - k, "%s%s", j ? "," : "", ts_ch_names[m->chan[j]]);
    snprintf(start + k, sizeof start - k, "\"");
    ts_train_net net = {
        .name = "ddpm-mc", .ctx = &c, .params = m->net.params, .grads = m->net.grads, .n = m->net.total,
        .config = cfg, .step = train_step, .mask_grads = train_mask_grads, .validate = train_validate,
        .chance = 1,   /* the noise's mean square, predicting none */
        .save = train_save,
    };
    ts_mc_train_ids(&net, m->base.has, o);
    char split[64];   /* the held-out parts a resume keeps */
    net.split = ts_train_split_text(split, sizeof split, 0, o->permille);
    ts_train_cfg tc = so.tc;
    ts_mc_train_cfg(&tc, o, start);
    rc = ts_train_run(&net, &tc);
done:
    if (c.pl.pl) m->net.ops->plan_free(&c.pl);
    free(c.x0); free(c.xt); free(c.maskf); free(c.eps); free(c.dout); free(c.lossm); free(c.t);
    free(c.vs); free(c.vp); free(c.vt); free(c.veps);
    return rc;
}

/* ---- generation and imputation ---- */

static int ddpm_impute(ts_mc_model *base, ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH], const ts_run_opts *o)
{
    ddpm_mc *m = (ddpm_mc *)base;
    const int S = o->steps > 0 ? o->steps : m->T;
    if (o->steps < 0 || S > m->T) return ts_opt_fail("ddpm-mc", "steps", "%d: expected 1 to the model's T = %d", o->steps, m->T);
    /* windows too long: the command line's --length (impute states a set's own windows
     * as the data's error) */
    const uint64_t most = MAX_WINDOW_STATE / ((uint64_t)m->c.layers * (uint64_t)m->c.C);
    if (L > 65535) return ts_opt_fail("ddpm-mc", "length", "%zu: expected at most 65535", L);
    if (L > most)
        return ts_opt_fail("ddpm-mc", "length", "%zu: expected at most %llu for %d layer%s x %d channel%s (what "
                           "sampling one window holds)", L, (unsigned long long)most, m->c.layers,
                           ts_plural((size_t)m->c.layers), m->c.C, ts_plural((size_t)m->c.C));
    const size_t n = y->n / L, want = o->batch ? o->batch : (L < 16384 ? 16384 / L : 1);
    const int B = (int)(n < want ? n : want), K = m->nch;
    int hold = 0;
    for (int c = 0; c < TS_NCH; c++) hold |= mask[c] != NULL;
    ts_denoiser_plan pl;
    if (m->net.ops->plan_init(&pl, &m->net, B, (int)L, 0) != 0) return -1;
    m->net.ops->cache(&m->net, &pl);   /* parameters are fixed while sampling */
    const size_t BKL = (size_t)B * (size_t)K * L, nbatch = (n + (size_t)B - 1) / (size_t)B;
    float *obs = ts_malloc(BKL * sizeof(float)), *maskf = ts_malloc(BKL * sizeof(float));
    float *xs = ts_malloc(BKL * sizeof(float)), *scratch = ts_malloc(2 * BKL * sizeof(float));
    int32_t *steps = ts_malloc((size_t)B * sizeof(int32_t));
    ts_rng *rngs = ts_malloc((size_t)B * sizeof(ts_rng));
    ts_progress prog;
    ts_progress_start(&prog, hold ? "impute" : "generate", (long)(nbatch * (size_t)S));
    prog.enabled = o->progress;
    ts_denoiser_eps ctx = {&m->net, &pl, obs, maskf, steps, "ddpm-mc", &prog, 0};
    int rc = 0;
    for (size_t jb = 0; jb < nbatch && rc == 0; jb++) {
        const size_t w0 = jb * (size_t)B;
        fill(m, y, hold ? mask : NULL, w0, n, B, L, obs, maskf);
        for (int b = 0; b < B; b++) ts_rng_fork(&rngs[b], o->seed, w0 + (size_t)b);   /* a window's own noise */
        rc = ts_diffusion_sample(&m->diff, ts_denoiser_eps_fn, &ctx, BKL, S, hold ? obs : NULL, hold ? maskf : NULL, rngs,
                                 (size_t)B, xs, scratch, NULL);
        for (int b = 0; b < B && rc == 0 && w0 + (size_t)b < n; b++)
            for (int j = 0; j < K; j++)
                for (size_t l = 0; l < L; l++)
                    dec(m, xs[((size_t)b * K + (size_t)j) * L + l], j, (w0 + (size_t)b) * L + l, y);
    }
    ts_progress_end(&prog);
    free(obs); free(maskf); free(xs); free(scratch); free(steps); free(rngs);
    m->net.ops->plan_free(&pl);
    return rc;
}

const ts_mc_model_ops ts_mc_model_ddpm = {
    .name = "ddpm-mc",
    .summary = "Gaussian DDPM over the encoded channels: SSSD-S4 with a channel each",
    .help =
        "  every channel a real value: IDs spread over [-1, 1], dt standardized; outputs\n"
        "  rounded to the nearest valid ID, dt clamped to the training range\n"
        "  --layers N, --channels C, --state N   network (4 x 64, N = 64)\n"
        "  --T N                 diffusion steps (200); beta linear --beta0 1e-4 to\n"
        "                        --betaT 0.02\n"
        "  --batch N             windows of --length events (200) per batch (16)\n"
        "  --prefix-share X      share of training windows with an observed prefix (0.5)\n"
        "  --valid-n N           validation windows (64, of the validation part: --length\n"
        "                        at most its events); --train-ssm 0|1 as for sssd-s4\n"
        TS_TRAIN_HELP
        "                        (defaults: --lr 1e-3, --schedule constant, --iters 2000,\n"
        "                        --valid-every 200)\n"
        "  generate/impute: any --length to 65535 (layers x channels x length at most\n"
        "                 2^26); --steps S (T: DDPM; fewer: DDIM), --batch B windows\n"
        "                 (16384 / L)\n",
    .channels = (1u << TS_NCH) - 1,
    .train = ddpm_train,
    .save = ddpm_save,
    .load = ddpm_load,
    .impute = ddpm_impute,
    .free = ddpm_free,
    .train_keys = ddpm_keys,
    .run_keys = NULL,
};
