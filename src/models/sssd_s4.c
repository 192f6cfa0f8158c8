/* The "sssd-s4" model: the SSSD-S4 network trained as an ε-predicting DDPM on
 * event IDs as one real-valued channel, imputing blackouts by conditional
 * sampling (DDPM, or DDIM with fewer steps) and generating from noise alone.
 *
 * Representation: as in the study, an event is its frequency-rank ID taken as
 * a real number (scale=raw), or that ID mapped linearly to [-1, 1]
 * (scale=unit); outputs go back to the nearest ID the training part held (section
 * SEEN; a file without it: the nearest of all), never to <unk> or another name of the
 * vocabulary the training part lacks.
 *
 * Training (SSSD's only_generate_missing): the noise is added to the missing
 * positions only, observed positions enter x_t as their values (as they do
 * while sampling), and the loss is the MSE of the predicted noise over the
 * missing positions. The best model by validation MSE is written to the output
 * path whenever it improves; a resumable checkpoint (parameters, Adam state,
 * step, RNG) goes to OUT.ckpt at every validation.
 *
 * The "diffwave" model is the same with the network's dilated residual blocks
 * (DiffWave, the study's baseline; sssd.h): the same representation, diffusion,
 * training, files and sampling, its config section naming the residual kind.
 * "csdi-s4" is the same again with CSDI-S4's blocks (the study's CSDI-S4
 * baseline, SSSD's CSDIS4Imputer with one feature) and CSDI's defaults: T 50 on
 * the quad schedule from 1e-4 to 0.5, 4 x 64, training on CSDI's random masks
 * (the blackouts only for validation; --train-mask blackout trains on them).
 *
 * The "sssd-sa" model is the same with the SaShiMi network (SSSD-SA, the
 * study's baseline; sashimi.h) in place of the SSSD network: its config section
 * starts net=sashimi, and window lengths are multiples of 4. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/denoiser.h"
#include "tracesynth/diffusion.h"
#include "tracesynth/model.h"
#include "tracesynth/nn.h"
#include "tracesynth/optim.h"
#include "tracesynth/sashimi.h"
#include "tracesynth/sssd.h"
#include "tracesynth/train.h"
#include "models/csdi_net.h"

#include <errno.h>
#include <omp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const ts_model_ops ts_model_sssd_s4;
extern const ts_model_ops ts_model_diffwave;
extern const ts_model_ops ts_model_csdi_s4;
extern const ts_model_ops ts_model_sssd_sa;

/* sssd-sa's "residual kind": not one of ts_sssd_net's, the SaShiMi network instead */
enum { KIND_SA = -1 };

/* the model's name, for errors: its kind of residual block decides it */
static const char *kind_name(int residual)
{
    if (residual == KIND_SA) return "sssd-sa";
    return residual == TS_SSSD_RES_DILATED ? "diffwave" : residual == TS_SSSD_RES_CSDI ? "csdi-s4" : "sssd-s4";
}
static const ts_model_ops *kind_ops(int residual)
{
    if (residual == KIND_SA) return &ts_model_sssd_sa;
    return residual == TS_SSSD_RES_DILATED ? &ts_model_diffwave
         : residual == TS_SSSD_RES_CSDI    ? &ts_model_csdi_s4 : &ts_model_sssd_s4;
}
/* the value of a file's 'residual' key */
static const char *kind_key(int residual)
{
    return residual == TS_SSSD_RES_DILATED ? "dilated" : residual == TS_SSSD_RES_CSDI ? "csdi" : "s4";
}

enum { SCALE_RAW = 0, SCALE_UNIT = 1 };
/* csdi-s4's training mask: the run's blackouts, or CSDI's random share of the
 * positions (CSDI_base.get_randmask; its default) */
enum { TRAIN_MASK_BLACKOUT = 0, TRAIN_MASK_RANDOM = 1 };
static const char *const train_masks[] = {"blackout", "random", NULL};

typedef struct {
    ts_model base;
    ts_denoiser net;          /* the network of the model's kind */
    int T;
    double beta0, betaT;
    ts_beta_schedule sched;
    int scale;
    int train_mask;            /* csdi: TRAIN_MASK_*; else the blackouts */
    ts_diffusion diff;
    uint8_t *seen;             /* (n_ids) the IDs the training part held; NULL: any */
} sssd_model;

/* ---- representation ---- */

static float id_to_value(const sssd_model *m, int32_t id)
{
    if (m->scale == SCALE_RAW) return (float)id;
    return m->base.n_ids > 1 ? 2.0f * (float)id / (float)(m->base.n_ids - 1) - 1.0f : 0.0f;
}

static int32_t value_to_id(const sssd_model *m, float v)
{
    double x = m->scale == SCALE_RAW ? v : (v + 1.0) * 0.5 * (m->base.n_ids - 1);
    if (!(x == x)) return 0;   /* NaN cannot come out of a finite network; be safe */
    double r = floor(x + 0.5);
    if (r < 0) r = 0;
    if (r > m->base.n_ids - 1) r = m->base.n_ids - 1;
    const int32_t id = (int32_t)r, V = m->base.n_ids;
    if (!m->seen || m->seen[id]) return id;
    /* the nearest ID the training part held (of two as near, the lower) */
    for (int32_t d = 1; d < V; d++) {
        const int lo = id - d >= 0 && m->seen[id - d], hi = id + d < V && m->seen[id + d];
        if (lo && hi) return fabs(x - (id - d)) <= fabs(x - (id + d)) ? id - d : id + d;
        if (lo) return id - d;
        if (hi) return id + d;
    }
    return id;
}

/* the IDs of the training part (its stream with --also's, else its windows) */
static void seen_set(sssd_model *m, const ts_train_opts *o)
{
    const ts_windows *tw = &o->split->train;
    size_t N = tw->n * tw->len;
    int32_t *s = o->split->train_stream.n > 0 ? ts_split_train_events(o->split, -1, &N) : NULL;
    const int32_t *e = s ? s : tw->data;
    free(m->seen);
    m->seen = ts_calloc((size_t)m->base.n_ids, 1);
    for (size_t i = 0; i < N; i++)
        if (e[i] >= 0 && e[i] < m->base.n_ids) m->seen[e[i]] = 1;
    free(s);
}

/* ---- options ---- */

static const char *const known_opts[] = {
    "preset", "layers", "channels", "state", "T", "beta0", "betaT", "scale", "lr", "schedule",
    "warmup", "weight-decay", "clip", "ema", "iters", "batch", "valid-every", "valid-n", "train-ssm",
    "log-every", "budget", NULL,
};
/* diffwave: no S4, a dilation cycle */
static const char *const diffwave_opts[] = {
    "preset", "layers", "channels", "dilation-cycle", "T", "beta0", "betaT", "scale", "lr", "schedule",
    "warmup", "weight-decay", "clip", "ema", "iters", "batch", "valid-every", "valid-n", "log-every",
    "budget", NULL,
};
/* csdi-s4: S4 as sssd-s4's, the schedule's shape, no preset (its one size is CSDI's) */
static const char *const csdi_opts[] = {
    "layers", "channels", "state", "T", "beta0", "betaT", "beta-schedule", "train-mask", "scale", "lr", "schedule",
    "warmup", "weight-decay", "clip", "ema", "iters", "batch", "valid-every", "valid-n", "train-ssm", "log-every",
    "budget", NULL,
};
/* sssd-sa: S4 options, no dilation */
static const char *const sa_opts[] = {
    "preset", "layers", "channels", "state", "T", "beta0", "betaT", "scale", "lr", "schedule",
    "warmup", "weight-decay", "clip", "ema", "iters", "batch", "valid-every", "valid-n", "train-ssm",
    "log-every", "budget", NULL,
};

typedef struct {
    ts_sssd_config net;
    ts_sashimi_config sa;      /* sssd-sa's network */
    int T;
    double beta0, betaT;
    ts_beta_schedule sched;
    int scale;
    int train_mask;
    ts_train_cfg tc;           /* lr, schedule, clip, iters, validation, log */
    long batch, valid_n;
} sssd_opts;

static int get_int(const ts_kv *kv, const char *name, const char *key, long def, long lo, long hi, long *out)
{
    if (ts_kv_long(kv, key, def, out) != 0) return -1;
    if (*out < lo || *out > hi) return ts_opt_fail(name, key, "%ld out of range [%ld, %ld]", *out, lo, hi);
    return 0;
}

/* the options of the model of residual kind `residual` */
static int parse_opts(const ts_kv *kv, int residual, sssd_opts *so)
{
    memset(so, 0, sizeof *so);
    const char *name = kind_name(residual), *preset = ts_kv_get(kv, "preset");
    int paper = 0;
    if (preset && !strcmp(preset, "paper")) paper = 1;
    else if (preset && strcmp(preset, "small"))
        return ts_opt_fail(name, "preset", "unknown preset '%s' (paper, small)", preset);
    long v;
    if (residual == KIND_SA) {
        /* SSSD's config_SSSDSA.json (paper): 6 x 128, state 64; dt and A trained, as there:
         * the defaults of the options it sets */
        ts_sashimi_config_paper(&so->sa);
        if (get_int(kv, name, "state", so->sa.N, 2, 1024, &v)) return -1;
        if (v % 2) return ts_opt_fail(name, "state", "%ld must be even", v);
        so->sa.N = (int)v;
        if (get_int(kv, name, "train-ssm", so->sa.train_ssm, 0, 1, &v)) return -1;
        so->sa.train_ssm = (int)v;
        if (get_int(kv, name, "layers", paper ? so->sa.layers : 2, 1, 256, &v)) return -1;
        so->sa.layers = (int)v;
        if (get_int(kv, name, "channels", paper ? so->sa.H : 64, 1, 1024, &v)) return -1;
        so->sa.H = (int)v;
    } else if (residual == TS_SSSD_RES_DILATED) {
        ts_sssd_config_diffwave(&so->net);
        if (get_int(kv, name, "dilation-cycle", so->net.dilation_cycle, 1, 24, &v)) return -1;
        so->net.dilation_cycle = (int)v;
    } else {
        if (residual == TS_SSSD_RES_CSDI) ts_sssd_config_csdi(&so->net);
        else ts_sssd_config_paper(&so->net);
        if (get_int(kv, name, "state", so->net.N, 2, 1024, &v)) return -1;
        if (v % 2) return ts_opt_fail(name, "state", "%ld must be even", v);
        so->net.N = (int)v;
        if (get_int(kv, name, "train-ssm", so->net.train_ssm, 0, 1, &v)) return -1;
        so->net.train_ssm = (int)v;
    }
    if (residual != KIND_SA) {   /* --preset paper: its config's sizes (csdi-s4 takes no preset) */
        if (get_int(kv, name, "layers", paper ? so->net.layers : 4, 1, 1024, &v)) return -1;
        so->net.layers = (int)v;
        if (get_int(kv, name, "channels", paper ? so->net.C : 64, 1, 4096, &v)) return -1;
        so->net.C = (int)v;
    }
    const int csdi = residual == TS_SSSD_RES_CSDI;
    if (get_int(kv, name, "T", csdi ? TS_CSDI_DEFAULT_T : TS_SSSD_DEFAULT_T, 1, 100000, &v)) return -1;
    so->T = (int)v;
    if (ts_kv_double(kv, "beta0", 1e-4, &so->beta0) ||
        ts_kv_double(kv, "betaT", csdi ? TS_CSDI_DEFAULT_BETAT : 0.02, &so->betaT))
        return -1;
    const char *bs = ts_kv_get(kv, "beta-schedule");
    so->sched = csdi ? TS_BETA_QUAD : TS_BETA_LINEAR;
    if (bs && !strcmp(bs, "linear")) so->sched = TS_BETA_LINEAR;
    else if (bs && !strcmp(bs, "quad")) so->sched = TS_BETA_QUAD;
    else if (bs) return ts_opt_fail(name, "beta-schedule", "unknown schedule '%s' (quad, linear)", bs);
    const char *tm = ts_kv_get(kv, "train-mask");
    so->train_mask = csdi ? TRAIN_MASK_RANDOM : TRAIN_MASK_BLACKOUT;
    if (tm && !strcmp(tm, "blackout")) so->train_mask = TRAIN_MASK_BLACKOUT;
    else if (tm && !strcmp(tm, "random")) so->train_mask = TRAIN_MASK_RANDOM;
    else if (tm) return ts_opt_fail(name, "train-mask", "unknown mask '%s' (random, blackout)", tm);
    /* the schedule's own check (ts_diffusion_init) names neither option */
    if (!(so->beta0 > 0 && so->beta0 < 1))
        return ts_opt_fail(name, "beta0", "%g: need 0 < beta0 <= betaT < 1", so->beta0);
    if (!(so->betaT >= so->beta0 && so->betaT < 1))
        return ts_opt_fail(name, "betaT", "%g: need 0 < beta0 (%g) <= betaT < 1", so->betaT, so->beta0);
    const char *sc = ts_kv_get(kv, "scale");
    if (!sc || !strcmp(sc, "raw")) so->scale = SCALE_RAW;
    else if (!strcmp(sc, "unit")) so->scale = SCALE_UNIT;
    else return ts_opt_fail(name, "scale", "unknown scale '%s' (raw, unit)", sc);
    /* the study's constant rate */
    const ts_train_defaults def = {paper ? 2e-4 : 1e-3, paper ? 10000 : 2000, paper ? 500 : 100, TS_LR_CONSTANT, 0, 0};
    if (ts_train_parse(&so->tc, kv, &def) != 0)
        return -1;
    if (get_int(kv, name, "batch", 16, 1, 65536, &so->batch)) return -1;
    if (get_int(kv, name, "valid-n", 64, 1, 1000000, &so->valid_n)) return -1;
    return residual == KIND_SA ? ts_sashimi_config_check(&so->sa) : ts_sssd_config_check(&so->net);
}

/* ---- config text (model file and checkpoint) ---- */

/* with_mask 0: csdi-s4's text without its train_mask key, as before the key */
static void config_text_of(const sssd_model *m, char *buf, size_t n, int with_mask)
{
    size_t k = m->net.ops->config_text(&m->net, buf, n);
    char tm[32] = "";
    if (with_mask && m->base.ops == &ts_model_csdi_s4)
        snprintf(tm, sizeof tm, "train_mask=%s\n", train_masks[m->train_mask]);
    /* no beta_schedule key for the linear schedule: the files of before it, byte for byte */
    snprintf(buf + k, n - k, "T=%d\nbeta0=%.17g\nbetaT=%.17g\n%s%sscale=%s\nlen=%zu\n", m->T, m->beta0, m->betaT,
             m->sched == TS_BETA_QUAD ? "beta_schedule=quad\n" : "", tm, m->scale == SCALE_RAW ? "raw" : "unit",
             m->base.len);
}

static void config_text(const sssd_model *m, char *buf, size_t n) { config_text_of(m, buf, n, 1); }

/* a loaded model's layers x channels x window length, which sets the memory of sampling
 * (about 20 floats each, at most 1.3 GB a window): the paper's 36 x 256 at L = 200 is 1.8M,
 * this allows it up to L = 1,820, the small preset (4 x 64) up to L = 65,536 */
#define MAX_WINDOW_STATE ((uint64_t)1 << 24)

/* reads CONFIG into m; with alloc, checks that PARAMS has the size the config implies,
 * then allocates the network (parameters not read) */
/* CONFIG's diffusion and representation keys, and the window length, into m */
static int read_schedule(const ts_reader *r, sssd_model *m, long *len)
{
    long T;
    if (ts_reader_long(r, "CONFIG", "T", 1, 100000, &T) != 0) return -1;
    m->T = (int)T;
    /* at least 1: a model's len 0 means "any window length", which would lift the caps */
    if (ts_reader_long(r, "CONFIG", "len", 1, 1 << 24, len) != 0) return -1;
    m->base.len = (size_t)*len;
    if (ts_reader_double(r, "CONFIG", "beta0", 0, 0, &m->beta0) ||
        ts_reader_double(r, "CONFIG", "betaT", 0, 0, &m->betaT))
        return -1;
    static const char *const scales[] = {"raw", "unit", NULL};
    int sc;
    if (ts_reader_choice(r, "CONFIG", "scale", scales, &sc) != 0) return -1;
    m->scale = sc == 0 ? SCALE_RAW : SCALE_UNIT;
    /* files from before the key are linear */
    static const char *const scheds[] = {"linear", "quad", NULL};
    int bs = 0;
    if (ts_reader_has(r, "CONFIG", "beta_schedule") && ts_reader_choice(r, "CONFIG", "beta_schedule", scheds, &bs) != 0)
        return -1;
    m->sched = bs == 1 ? TS_BETA_QUAD : TS_BETA_LINEAR;
    return 0;
}

/* read_config of sssd-sa: the SaShiMi network */
static int read_sa_config(const ts_reader *r, sssd_model *m, int alloc)
{
    ts_sashimi_config c;
    memset(&c, 0, sizeof c);
    long len;
    if (ts_sashimi_config_read(r, "CONFIG", &c) != 0 || read_schedule(r, m, &len) != 0) return -1;
    if (ts_sashimi_config_check(&c) != 0) return ts_reader_fail_in(r, "CONFIG");
    if (len % TS_SASHIMI_POOL)
        return ts_fail("%s: section 'CONFIG': len %ld is not a multiple of %d (the product of the pools)", r->path,
                       len, TS_SASHIMI_POOL);
    if (!alloc) return 0;
    /* every level holds layers x 2 blocks of channels x len floats: 10 layers x channels x len in all */
    if (10 * (uint64_t)c.layers * (uint64_t)c.H * (uint64_t)len > MAX_WINDOW_STATE)
        return ts_fail("%s: section 'CONFIG': 10 x %d layers x %d channels x len %ld is over the limit "
                       "of %llu for one window (corrupt or hostile file?)", r->path, c.layers, c.H,
                       len, (unsigned long long)MAX_WINDOW_STATE);
    /* the parameters the config implies must be what the file holds, before any allocation */
    if (ts_reader_expect_size(r, "PARAMS", ts_sashimi_num_params(&c), sizeof(float)) != 0) return -1;
    if (ts_diffusion_init_schedule(&m->diff, m->T, m->beta0, m->betaT, m->sched) != 0) return ts_reader_fail_in(r, "CONFIG");
    return ts_denoiser_sashimi(&m->net, &c, 0, 0);
}

static int read_config(const ts_reader *r, sssd_model *m, int alloc)
{
    /* the network is the model's: a SaShiMi config (net=sashimi) under another model,
     * or one without it under sssd-sa, is a file edited or written wrong */
    const int sa = m->base.ops == &ts_model_sssd_sa;
    if (sa && !ts_reader_has(r, "CONFIG", "net"))
        return ts_fail("%s: section 'CONFIG': no 'net' (an sssd-sa file has net=sashimi)", r->path);
    if (!sa && ts_reader_has(r, "CONFIG", "net"))
        return ts_fail("%s: section 'CONFIG': 'net' names another network (sssd-sa's SaShiMi), but model %s "
                       "has its own", r->path, m->base.ops->name);
    if (sa) return read_sa_config(r, m, alloc);
    ts_sssd_config c;
    memset(&c, 0, sizeof c);
    long len;
    /* the residual kind is the model's: a diffwave or csdi-s4 config under sssd-s4, or
     * one without it (read as S4) under diffwave or csdi-s4, is a file edited or written wrong */
    const int want = m->base.ops == &ts_model_diffwave ? TS_SSSD_RES_DILATED
                   : m->base.ops == &ts_model_csdi_s4  ? TS_SSSD_RES_CSDI : TS_SSSD_RES_S4;
    if (want != TS_SSSD_RES_S4 && !ts_reader_has(r, "CONFIG", "residual"))
        return ts_fail("%s: section 'CONFIG': no 'residual' (a %s file has residual=%s)", r->path, kind_name(want),
                       kind_key(want));
    if (ts_sssd_config_read(r, "CONFIG", &c) != 0 || read_schedule(r, m, &len) != 0) return -1;
    /* how a csdi-s4 file was trained; those from before the key were trained on blackouts */
    int tm = TRAIN_MASK_BLACKOUT;
    if (want == TS_SSSD_RES_CSDI && ts_reader_has(r, "CONFIG", "train_mask") &&
        ts_reader_choice(r, "CONFIG", "train_mask", train_masks, &tm) != 0)
        return -1;
    m->train_mask = tm;
    if (c.residual != want)
        return ts_fail("%s: section 'CONFIG': 'residual' is %s, but model %s has %s blocks", r->path,
                       kind_key(c.residual), m->base.ops->name, kind_key(want));
    if (ts_sssd_config_check(&c) != 0) return ts_reader_fail_in(r, "CONFIG");
    if (!alloc) return 0;
    /* what sampling one window will hold (S4 kernels of every layer, activations) grows with
     * layers x channels x len, which the parameters do not bound: cap it */
    if ((uint64_t)c.layers * (uint64_t)c.C * (uint64_t)len > MAX_WINDOW_STATE)
        return ts_fail("%s: section 'CONFIG': %d layers x %d channels x len %ld is over the limit "
                       "of %llu for one window (corrupt or hostile file?)", r->path, c.layers, c.C,
                       len, (unsigned long long)MAX_WINDOW_STATE);
    /* csdi: the position embedding a plan holds, time_emb x len, likewise */
    if (c.residual == TS_SSSD_RES_CSDI && (uint64_t)c.time_emb * (uint64_t)len > MAX_WINDOW_STATE)
        return ts_fail("%s: section 'CONFIG': time_emb %d x len %ld is over the limit of %llu for one window "
                       "(corrupt or hostile file?)", r->path, c.time_emb, len, (unsigned long long)MAX_WINDOW_STATE);
    /* the parameters the config implies must be what the file holds, before any allocation */
    ts_sssd_layout lay;
    ts_sssd_layout_of(&c, &lay, NULL);
    if (ts_reader_expect_size(r, "PARAMS", lay.total, sizeof(float)) != 0) return -1;
    if (ts_diffusion_init_schedule(&m->diff, m->T, m->beta0, m->betaT, m->sched) != 0) return ts_reader_fail_in(r, "CONFIG");
    return ts_denoiser_sssd(&m->net, &c, 0, 0);
}

static void model_free(ts_model *base)
{
    sssd_model *m = (sssd_model *)base;
    ts_denoiser_free(&m->net);
    ts_diffusion_free(&m->diff);
    free(m->seen);
    free(m);
}

static int model_save(const ts_model *base, ts_writer *w)
{
    const sssd_model *m = (const sssd_model *)base;
    char cfg[512];
    config_text(m, cfg, sizeof cfg);
    ts_writer_text(w, "CONFIG", cfg);
    ts_writer_f32(w, "PARAMS", m->net.params, m->net.total);
    if (m->seen) {   /* SEEN: the IDs the training part held, ascending */
        int32_t *ids = ts_malloc((size_t)m->base.n_ids * sizeof *ids);
        size_t n = 0;
        for (int32_t v = 0; v < m->base.n_ids; v++)
            if (m->seen[v]) ids[n++] = v;
        ts_writer_i32(w, "SEEN", ids, n);
        free(ids);
    }
    return 0;
}

static int load_kind(ts_model **out, const ts_reader *r, int residual)
{
    sssd_model *m = ts_calloc(1, sizeof *m);
    m->base.ops = kind_ops(residual);
    if (read_config(r, m, 1) != 0 || ts_denoiser_params_read(r, &m->net) != 0) {
        model_free(&m->base);
        return -1;
    }
    if (ts_reader_has(r, "SEEN", NULL)) {   /* optional: a file from before it maps to any ID */
        const ts_chunk *c = ts_reader_get(r, "SEEN");
        unsigned char nb[4];   /* the IDs of the file (ts_model_load sets n_ids after this loader) */
        if (ts_reader_copy(r, "NIDS", nb, 4) != 0) {
            model_free(&m->base);
            return -1;
        }
        const int32_t V = (int32_t)ts_le_get32(nb);
        if (V <= 0 || c->size == 0 || c->size % 4) {
            model_free(&m->base);
            return ts_fail("%s: section 'SEEN' is empty or not a list of 32-bit IDs", r->path);
        }
        m->seen = ts_calloc((size_t)V, 1);
        m->base.n_ids = V;
        for (size_t i = 0; i < c->size / 4; i++) {
            const int32_t id = ts_chunk_i32(c, i);
            if (id < 0 || id >= V) {
                model_free(&m->base);
                return ts_fail("%s: section 'SEEN': entry %zu is ID %d, outside [0, %d)", r->path, i, id, V);
            }
            m->seen[id] = 1;
        }
    }
    *out = &m->base;
    return 0;
}

static int model_load(ts_model **out, const ts_reader *r) { return load_kind(out, r, TS_SSSD_RES_S4); }
static int diffwave_load(ts_model **out, const ts_reader *r) { return load_kind(out, r, TS_SSSD_RES_DILATED); }
static int csdi_load(ts_model **out, const ts_reader *r) { return load_kind(out, r, TS_SSSD_RES_CSDI); }
static int sa_load(ts_model **out, const ts_reader *r) { return load_kind(out, r, KIND_SA); }

/* ---- batches ---- */

/* x0 (B, L) values and mask (B, L) floats for windows idx[] of w */
static void fill_batch(const sssd_model *m, const ts_windows *w, const size_t *idx, int B, size_t L,
                       float *x0, float *maskf, const uint8_t *mask8)
{
    for (int b = 0; b < B; b++) {
        const int32_t *row = w->data + idx[b] * w->len;
        for (size_t l = 0; l < L; l++) {
            x0[(size_t)b * L + l] = id_to_value(m, row[l]);
            maskf[(size_t)b * L + l] = mask8[(size_t)b * L + l] ? 1.0f : 0.0f;
        }
    }
}

/* training masks: the configured blackout; random positions drawn from rng */
static void draw_masks(uint8_t *mask8, int B, size_t L, size_t k, ts_mask_pos pos, ts_rng *rng)
{
    ts_mask_fill(mask8, (size_t)B, L, k, pos, pos == TS_MASK_RANDOM ? ts_rng_u64(rng) : 0);
}

/* ---- training ---- */

typedef struct {
    const ts_windows *w;
    size_t n;            /* windows used */
    size_t *idx;
    uint8_t *mask8;      /* (n, L) */
    float *eps;          /* (n, L) */
    int32_t *t;          /* (n) */
} valid_set;

/* fixed validation windows, masks, steps and noise: every evaluation sees the same */
static void valid_make(valid_set *v, const ts_windows *w, size_t want, size_t k, ts_mask_pos pos,
                       int T, uint64_t seed)
{
    memset(v, 0, sizeof *v);
    v->w = w;
    v->n = w->n < want ? w->n : want;
    if (v->n == 0) return;
    size_t L = w->len;
    v->idx = ts_malloc(v->n * sizeof(size_t));
    for (size_t i = 0; i < v->n; i++) v->idx[i] = v->n > 1 ? i * (w->n - 1) / (v->n - 1) : 0;
    v->mask8 = ts_malloc(v->n * L);
    ts_mask_fill(v->mask8, v->n, L, k, pos, seed ^ 0x76616c6964ull);
    v->eps = ts_malloc(v->n * L * sizeof(float));
    v->t = ts_malloc(v->n * sizeof(int32_t));
    ts_rng r;
    ts_rng_seed(&r, seed ^ 0x6e6f697365ull);
    for (size_t i = 0; i < v->n; i++) v->t[i] = (int32_t)ts_rng_below(&r, (uint64_t)T);
    for (size_t i = 0; i < v->n * L; i++) v->eps[i] = ts_rng_normal(&r);
}

static void valid_free(valid_set *v)
{
    free(v->idx);
    free(v->mask8);
    free(v->eps);
    free(v->t);
}

typedef struct {
    float *x0, *xt, *maskf, *eps, *dout;
    uint8_t *mask8, *lossm;
    int32_t *t;
    size_t *idx;
} batch_buf;

/* validation MSE of the predicted noise over the missing positions */
static double validate(sssd_model *m, ts_denoiser_plan *pl, const valid_set *v, batch_buf *bb)
{
    const int B = pl->B;
    const size_t L = (size_t)pl->L;
    double se = 0;
    size_t cnt = 0;
    for (size_t s = 0; s < v->n; s += (size_t)B) {
        int nb = (int)(v->n - s < (size_t)B ? v->n - s : (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t j = s + (size_t)(b < nb ? b : 0);   /* pad a short batch with its first window */
            bb->idx[b] = v->idx[j];
            memcpy(bb->mask8 + (size_t)b * L, v->mask8 + j * L, L);
            memcpy(bb->eps + (size_t)b * L, v->eps + j * L, L * sizeof(float));
            bb->t[b] = v->t[j];
        }
        fill_batch(m, v->w, bb->idx, B, L, bb->x0, bb->maskf, bb->mask8);
        ts_diffusion_q_sample(&m->diff, bb->x0, bb->eps, bb->t, bb->maskf, (size_t)B, L, bb->xt);
        m->net.ops->forward(&m->net, pl, bb->xt, bb->x0, bb->maskf, bb->t);
        for (int b = 0; b < nb; b++)
            for (size_t l = 0; l < L; l++) {
                size_t i = (size_t)b * L + l;
                if (bb->mask8[i]) continue;
                double d = (double)pl->out[i] - bb->eps[i];
                se += d * d;
                cnt++;
            }
    }
    return cnt ? se / (double)cnt : 0.0;
}

typedef struct {
    sssd_model *m;
    const ts_windows *tw;
    const sssd_opts *so;
    const ts_train_opts *o;
    ts_denoiser_plan pl;      /* one share of the batch (all of it in one process) */
    int B;                    /* the whole batch */
    valid_set vs;
    batch_buf bb;
} train_ctx;

/* one batch of c->B windows, masks, steps and noise drawn from rng; the loss and
 * gradients of its share `part` of `nparts` (windows [part B/nparts, (part+1) B/nparts)),
 * scaled by the share's missing positions over the batch's: the shares sum to the
 * batch's mean loss and its gradient (one share: exactly those) */
static int train_step_part(void *ctx, ts_rng *rng, int part, int nparts, float *loss)
{
    train_ctx *c = ctx;
    sssd_model *m = c->m;
    batch_buf *bb = &c->bb;
    const int B = c->B, Bp = c->pl.B;
    if (Bp * nparts != B)
        return ts_fail("%s: batch %d split into %d shares of %d", m->base.ops->name, B, nparts, Bp);
    const size_t L = (size_t)c->pl.L, BL = (size_t)B * L, BpL = (size_t)Bp * L;
    for (int b = 0; b < B; b++) bb->idx[b] = (size_t)ts_rng_below(rng, c->tw->n);
    if (m->train_mask == TRAIN_MASK_RANDOM) ts_csdi_random_mask(bb->mask8, (size_t)B, L, rng);
    else draw_masks(bb->mask8, B, L, c->o->blackout, c->o->mask_pos, rng);
    for (int b = 0; b < B; b++) bb->t[b] = (int32_t)ts_rng_below(rng, (uint64_t)m->T);
    for (size_t i = 0; i < BL; i++) bb->eps[i] = ts_rng_normal(rng);
    const size_t b0 = (size_t)part * Bp;
    const uint8_t *mask8 = bb->mask8 + b0 * L;
    float *eps = bb->eps + b0 * L;
    int32_t *t = bb->t + b0;
    fill_batch(m, c->tw, bb->idx + b0, Bp, L, bb->x0, bb->maskf, mask8);
    ts_diffusion_q_sample(&m->diff, bb->x0, eps, t, bb->maskf, (size_t)Bp, L, bb->xt);
    size_t all = 0, mine = 0;
    for (size_t i = 0; i < BL; i++) all += !bb->mask8[i];
    for (size_t i = 0; i < BpL; i++) mine += bb->lossm[i] = !mask8[i];
    const float share = all ? (float)mine / (float)all : 0.0f;
    m->net.ops->forward(&m->net, &c->pl, bb->xt, bb->x0, bb->maskf, t);
    *loss = ts_mse_forward(c->pl.out, eps, bb->lossm, BpL) * share;
    memset(bb->dout, 0, BpL * sizeof(float));
    ts_mse_backward(bb->dout, c->pl.out, eps, bb->lossm, BpL, share);
    m->net.ops->backward(&m->net, &c->pl, bb->xt, bb->dout);
    return 0;
}

static int train_step(void *ctx, ts_rng *rng, float *loss)
{
    return train_step_part(ctx, rng, 0, 1, loss);
}

static void train_mask_grads(void *ctx, float *grads)
{
    train_ctx *c = ctx;
    c->m->net.ops->mask_grads(&c->m->net, grads);
}

static int train_validate(void *ctx, double *loss)
{
    train_ctx *c = ctx;
    *loss = validate(c->m, &c->pl, &c->vs, &c->bb);
    return 0;
}

static int train_save(void *ctx, const char *path)
{
    train_ctx *c = ctx;
    return ts_model_save(&c->m->base, path);
}

static int train_kind(ts_model **out, const ts_train_opts *o, int residual)
{
    *out = NULL;
    sssd_opts so;
    const char *name = kind_name(residual);
    if (parse_opts(&o->kv, residual, &so) != 0) return -1;
    const ts_windows *tw = &o->split->train;
    if (tw->n == 0 || tw->len == 0) return ts_fail("%s: no training windows", name);
    const size_t L = tw->len;
    if (o->mask_pos != TS_MASK_ALL && (o->blackout < 1 || o->blackout > L))
        return ts_fail("%s: blackout %zu must be in [1, %zu]", name, o->blackout, L);
    /* SaShiMi pools the window twice by 2 */
    if (residual == KIND_SA && L % TS_SASHIMI_POOL)
        return ts_opt_fail(name, "length", "%zu is not a multiple of %d (the product of the network's pools "
                           "[2, 2])", L, TS_SASHIMI_POOL);
    /* a model a file could not load (the loader's cap on sampling one window) is refused now,
     * as the options' error: the network's size and the window length are theirs */
    if (residual == KIND_SA && 10 * (uint64_t)so.sa.layers * (uint64_t)so.sa.H * (uint64_t)L > MAX_WINDOW_STATE)
        return ts_opt_fail(name, "layers", "10 x %d layers x %d channels x windows of %zu events is over the limit "
                           "of %llu that sampling one window may hold: fewer layers or channels, or shorter windows",
                           so.sa.layers, so.sa.H, L, (unsigned long long)MAX_WINDOW_STATE);
    if (residual != KIND_SA && (uint64_t)so.net.layers * (uint64_t)so.net.C * (uint64_t)L > MAX_WINDOW_STATE)
        return ts_opt_fail(name, "layers", "%d layers x %d channels x windows of %zu events is over the limit of "
                           "%llu that sampling one window may hold: fewer layers or channels, or shorter windows",
                           so.net.layers, so.net.C, L, (unsigned long long)MAX_WINDOW_STATE);
    if (residual == TS_SSSD_RES_CSDI && (uint64_t)so.net.time_emb * (uint64_t)L > MAX_WINDOW_STATE)
        return ts_opt_fail(name, "length", "the position embedding of %d x windows of %zu events is over the limit "
                           "of %llu that sampling one window may hold: shorter windows", so.net.time_emb, L,
                           (unsigned long long)MAX_WINDOW_STATE);

    sssd_model *m = ts_calloc(1, sizeof *m);
    m->base.len = L;
    if (ts_model_base_init(&m->base, kind_ops(residual), o) != 0) {
        free(m);
        return -1;
    }
    m->T = so.T;
    m->beta0 = so.beta0;
    m->betaT = so.betaT;
    m->sched = so.sched;
    m->scale = so.scale;
    m->train_mask = so.train_mask;
    seen_set(m, o);
    if (ts_diffusion_init_schedule(&m->diff, m->T, m->beta0, m->betaT, m->sched) != 0 ||
        (residual == KIND_SA ? ts_denoiser_sashimi(&m->net, &so.sa, o->seed, 1)
                             : ts_denoiser_sssd(&m->net, &so.net, o->seed, 1)) != 0) {
        ts_diffusion_free(&m->diff);
        ts_vocab_free(&m->base.vocab);
        free(m->seen);
        free(m);
        return -1;
    }
    const int B = (int)so.batch;
    const size_t np = m->net.total;
    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.tw = tw;
    c.so = &so;
    c.o = o;
    batch_buf *bb = &c.bb;
    int rc = -1, rank, nranks;
    ts_train_world(&rank, &nranks);
    if (B % nranks) {
        ts_opt_fail(name, "batch", "%d cannot be split evenly across %d processes", B, nranks);
        goto done;
    }
    c.B = B;
    if (m->net.ops->plan_init(&c.pl, &m->net, B / nranks, (int)L, 1) != 0) goto done;
    size_t BL = (size_t)B * L;
    bb->x0 = ts_malloc(BL * sizeof(float));
    bb->xt = ts_malloc(BL * sizeof(float));
    bb->maskf = ts_malloc(BL * sizeof(float));
    bb->eps = ts_malloc(BL * sizeof(float));
    bb->dout = ts_malloc(BL * sizeof(float));
    bb->mask8 = ts_malloc(BL);
    bb->lossm = ts_malloc(BL);
    bb->t = ts_malloc((size_t)B * sizeof(int32_t));
    bb->idx = ts_malloc((size_t)B * sizeof(size_t));
    const ts_windows *vw = o->split->valid.n ? &o->split->valid : tw;
    valid_make(&c.vs, vw, (size_t)so.valid_n, o->blackout, o->mask_pos, m->T, o->seed);

    char cfg[512], older[512], start[600];
    config_text(m, cfg, sizeof cfg);
    /* a csdi-s4 checkpoint from before the train_mask key was trained on blackouts */
    config_text_of(m, older, sizeof older, 0);
    const int csdi_blackout = residual == TS_SSSD_RES_CSDI && m->train_mask == TRAIN_MASK_BLACKOUT;
    snprintf(start, sizeof start, "\"layers\":%d,\"channels\":%d,"
             "\"%s\":%d,\"params\":%zu,\"trainable\":%zu,\"T\":%d,\"batch\":%d,\"L\":%zu,"
             "\"lr\":%g,\"train_windows\":%zu,\"valid_windows\":%zu%s%s%s",
             residual == KIND_SA ? so.sa.layers : so.net.layers, residual == KIND_SA ? so.sa.H : so.net.C,
             residual == TS_SSSD_RES_DILATED ? "dilation_cycle" : "state",
             residual == TS_SSSD_RES_DILATED ? so.net.dilation_cycle : residual == KIND_SA ? so.sa.N : so.net.N, np,
             m->net.ops->num_trainable(&m->net), m->T, B, L, so.tc.lr.lr, tw->n, c.vs.n,
             residual == TS_SSSD_RES_CSDI ? ",\"train_mask\":\"" : "",
             residual == TS_SSSD_RES_CSDI ? train_masks[m->train_mask] : "", residual == TS_SSSD_RES_CSDI ? "\"" : "");
    ts_train_net net = {
        .name = name, .ctx = &c, .params = m->net.params, .grads = m->net.grads, .n = np,
        .config = cfg, .config_older = csdi_blackout ? older : NULL, .step = train_step, .step_part = train_step_part, .mask_grads = train_mask_grads, .validate = train_validate,
        .chance = 1,   /* the noise's mean square, predicting none */
        .save = train_save, .n_events = o->n_ids, .vocab = o->vocab,
    };
    char split[64];   /* the held-out parts a resume keeps */
    net.split = ts_train_split_text(split, sizeof split, o->split->kind == TS_SPLIT_PAPER, o->split->permille);
    ts_train_cfg tc = so.tc;
    ts_train_cfg_take(&tc, o, start);
    rc = ts_train_run(&net, &tc);
done:
    if (c.pl.pl) m->net.ops->plan_free(&c.pl);
    valid_free(&c.vs);
    free(bb->x0); free(bb->xt); free(bb->maskf); free(bb->eps); free(bb->dout);
    free(bb->mask8); free(bb->lossm); free(bb->t); free(bb->idx);
    if (rc != 0) {
        ts_vocab_free(&m->base.vocab);
        model_free(&m->base);
        return -1;
    }
    *out = &m->base;
    return 0;
}

static int model_train(ts_model **out, const ts_train_opts *o) { return train_kind(out, o, TS_SSSD_RES_S4); }
static int diffwave_train(ts_model **out, const ts_train_opts *o) { return train_kind(out, o, TS_SSSD_RES_DILATED); }
static int csdi_train(ts_model **out, const ts_train_opts *o) { return train_kind(out, o, TS_SSSD_RES_CSDI); }
static int sa_train(ts_model **out, const ts_train_opts *o) { return train_kind(out, o, KIND_SA); }

/* ---- sampling ---- */

/* One worker's sampling state: a plan of the batch size and its buffers. */
typedef struct {
    ts_denoiser_plan pl;
    float *obs, *maskf, *xs, *scratch;   /* (B, L), (B, L), (B, L), (2 B L) */
    int32_t *steps, *votes;              /* (B); (samples, B, L) or NULL */
    ts_rng *rngs;                        /* (B): each window's noise */
    ts_denoiser_eps eps;
    long *done;                          /* network evaluations of every worker */
    ts_progress *prog;                   /* advanced by worker 0 only */
} sampler;

static int sampler_eps(void *ctx, const float *xt, int t, float *eps)
{
    sampler *w = ctx;
    if (ts_denoiser_eps_fn(&w->eps, xt, t, eps) != 0) return -1;
    long d;
    #pragma omp atomic capture
    d = ++*w->done;
    if (w->prog && omp_get_thread_num() == 0) ts_progress_update(w->prog, d, NULL);
    return 0;
}

static void sampler_free(const ts_denoiser *net, sampler *w)
{
    free(w->obs); free(w->maskf); free(w->xs); free(w->scratch); free(w->steps); free(w->votes); free(w->rngs);
    if (w->pl.pl) net->ops->plan_free(&w->pl);
}

/* batch j of the n windows (B a batch, the last padded with its first window):
 * every sample drawn, the IDs written to out */
static int sample_batch(sssd_model *m, sampler *w, size_t j, const int32_t *x, const uint8_t *mask,
                        size_t n, size_t L, int S, long nsamp, uint64_t seed, int32_t *out)
{
    const int B = w->pl.B;
    const size_t BL = (size_t)B * L, s = j * (size_t)B;
    for (int b = 0; b < B; b++) {
        size_t wi = s + (size_t)b < n ? s + (size_t)b : s;   /* pad with the batch's first window */
        for (size_t l = 0; l < L; l++) {
            size_t i = wi * L + l, k = (size_t)b * L + l;
            int observed = mask && mask[i];
            w->maskf[k] = observed ? 1.0f : 0.0f;
            w->obs[k] = observed ? id_to_value(m, x[i]) : 0.0f;
        }
    }
    for (long v = 0; v < nsamp; v++) {
        /* window i, sample v draws the same noise whatever batch it is in, on any
         * worker; sample 0 is the single-sample result */
        for (int b = 0; b < B; b++)
            ts_rng_fork(&w->rngs[b], v ? seed ^ ((uint64_t)v * 0x9e3779b97f4a7c15ULL) : seed, s + (size_t)b);
        if (ts_diffusion_sample(&m->diff, sampler_eps, w, BL, S, mask ? w->obs : NULL, mask ? w->maskf : NULL,
                                w->rngs, (size_t)B, w->xs, w->scratch, NULL) != 0)
            return -1;
        if (w->votes)
            for (size_t i = 0; i < BL; i++) w->votes[(size_t)v * BL + i] = value_to_id(m, w->xs[i]);
    }
    for (int b = 0; b < B && s + (size_t)b < n; b++)
        for (size_t l = 0; l < L; l++) {
            size_t k = (size_t)b * L + l;
            out[(s + (size_t)b) * L + l] = w->votes ? ts_vote(w->votes + k, BL, nsamp) : value_to_id(m, w->xs[k]);
        }
    return 0;
}

/* the most memory the workers' plans may take together before fewer workers are used */
#define SAMPLER_PLANS_MAX ((size_t)2 << 30)

/* x (n, L) IDs (NULL: generate), mask (n, L) 1 = observed (NULL: all missing).
 * With --samples N > 1, each window is sampled N times and every position takes
 * the most frequent ID: a diffusion sample is noisy, its mode over samples is not.
 *
 * Threads: with nt threads and at least nt batches, each thread samples whole
 * batches on its own plan with the network on that thread alone (no barriers
 * inside the network's passes; one thread ran a denoising pass with less CPU
 * time than two threads sharing it). The batches left over (fewer than nt) run
 * one after another with the network split over the threads. The network's
 * results do not depend on the threads, and each window draws its own noise, so the
 * samples are the same bits either way. */
/* a run's options, checked before any window (ts_model_run_check too): *S sampling steps,
 * *nsamp decodings */
static int sampler_opts(const sssd_model *m, const ts_run_opts *o, int *S, long *nsamp)
{
    const char *name = m->base.ops->name;
    if (o->steps < 0) return ts_opt_fail(name, "steps", "%d: expected 1 or more", o->steps);
    *S = o->steps > 0 ? o->steps : m->T;
    if (*S > m->T) return ts_opt_fail(name, "steps", "%d is more than the model's T = %d", *S, m->T);
    *nsamp = 1;
    return ts_run_samples(o, name, nsamp);
}

static int model_run_check(const ts_model *base, const ts_run_opts *o)
{
    int S;
    long nsamp;
    return sampler_opts((const sssd_model *)base, o, &S, &nsamp);
}

static int run_sampler(sssd_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                       const ts_run_opts *o, int32_t *out, const char *label)
{
    size_t want = o->batch ? o->batch : 32;
    int B = (int)(n < want ? n : want);   /* no batch larger than the work */
    int S;
    long nsamp;
    if (sampler_opts(m, o, &S, &nsamp) != 0) return -1;
    const char *name = m->base.ops->name;
    const size_t nbatch = (n + (size_t)B - 1) / (size_t)B, BL = (size_t)B * L;
    if (nsamp > 1) {   /* a batch's decodings, kept to vote on */
        char what[160];
        snprintf(what, sizeof what, "--samples %ld of a batch of %d windows of %zu events", nsamp, B, L);
        if (ts_memory_fits((size_t)nsamp * BL * sizeof(int32_t), what, "fewer --samples or a smaller --batch") != 0)
            return -1;
    }
    const int nt = ts_get_threads();
    int nw = nt > 1 && nbatch >= (size_t)nt ? nt : 1;   /* workers */
    sampler *ws = ts_calloc((size_t)nw, sizeof *ws);
    long done = 0;
    ts_progress prog;
    ts_progress_start(&prog, label, (long)(nbatch * (size_t)S * (size_t)nsamp));
    prog.enabled = o->progress;
    int rc = 0;
    for (int i = 0; i < nw && rc == 0; i++) {
        sampler *w = &ws[i];
        /* the first worker also runs the batches left over on every thread; the others
         * run on one thread alone, so their plans (S4's FFT buffers, the convolution's
         * col buffers) are sized for one */
        if (i) omp_set_num_threads(1);
        rc = m->net.ops->plan_init(&w->pl, &m->net, B, (int)L, 0);
        if (i) omp_set_num_threads(nt);
        if (rc != 0) break;
        if (i == 0) {
            m->net.ops->cache(&m->net, &w->pl);   /* parameters are fixed while sampling */
            size_t cap = SAMPLER_PLANS_MAX / (w->pl.floats * sizeof(float));
            if (cap < (size_t)nw) nw = cap < 2 ? 1 : (int)cap;
        } else {   /* the same kernels, copied */
            m->net.ops->cache_copy(&m->net, &w->pl, &ws[0].pl);
        }
        w->obs = ts_malloc(BL * sizeof(float));
        w->maskf = ts_malloc(BL * sizeof(float));
        w->xs = ts_malloc(BL * sizeof(float));
        w->scratch = ts_malloc(2 * BL * sizeof(float));
        w->steps = ts_malloc((size_t)B * sizeof(int32_t));
        w->votes = nsamp > 1 ? ts_malloc((size_t)nsamp * BL * sizeof(int32_t)) : NULL;
        w->rngs = ts_malloc((size_t)B * sizeof(ts_rng));
        w->eps = (ts_denoiser_eps){&m->net, &w->pl, w->obs, w->maskf, w->steps, name, NULL, 0};
        w->done = &done;
        w->prog = i == 0 ? &prog : NULL;
    }
    /* whole batches on the workers, nw at a time */
    const size_t nwin = nw > 1 ? nbatch / (size_t)nw * (size_t)nw : 0;
    if (rc == 0 && nwin) {
        int failed = 0;
        char why[1024] = "";
        #pragma omp parallel num_threads(nw)
        {
            sampler *w = &ws[omp_get_thread_num()];
            omp_set_num_threads(1);   /* the network runs on this thread alone */
            #pragma omp for schedule(dynamic, 1)
            for (size_t j = 0; j < nwin; j++) {
                int stop;
                #pragma omp atomic read
                stop = failed;
                if (!stop && sample_batch(m, w, j, x, mask, n, L, S, nsamp, o->seed, out) != 0) {
                    #pragma omp critical(ts_sssd_sampler_error)
                    if (!failed) {
                        snprintf(why, sizeof why, "%s", ts_error());
                        #pragma omp atomic write
                        failed = 1;   /* atomic: the other workers read it outside the section */
                    }
                }
            }
        }
        omp_set_num_threads(nt);
        if (failed) rc = ts_fail("%s", why);
        else ts_progress_update(&prog, done, NULL);   /* worker 0 draws; the last evaluation may be another's */
    }
    /* the rest one at a time, the network over all threads */
    for (size_t j = nwin; j < nbatch && rc == 0; j++)
        rc = sample_batch(m, &ws[0], j, x, mask, n, L, S, nsamp, o->seed, out);
    ts_progress_end(&prog);
    for (int i = 0; i < nw; i++) sampler_free(&m->net, &ws[i]);
    free(ws);
    return rc;
}

static int model_impute(ts_model *base, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                        const ts_run_opts *o, int32_t *out)
{
    return run_sampler((sssd_model *)base, x, mask, n, L, o, out, "impute");
}

static int model_generate(ts_model *base, size_t n, size_t L, const ts_run_opts *o, int32_t *out)
{
    return run_sampler((sssd_model *)base, NULL, NULL, n, L, o, out, "generate");
}

/* the help the models share: diffusion and training, then sampling */
#define SSSD_HELP_SCALE \
        "  --scale raw|unit      the event ID as one real value: the raw ID (as the\n" \
        "                        study, default) or mapped linearly to [-1, 1]\n"
#define SSSD_HELP_OPTIM \
        "  --schedule S          constant (default), warmup or cosine; --warmup N steps\n" \
        "  --weight-decay X      AdamW decoupled weight decay (0)\n" \
        "  --clip X              clip the gradient norm at X (0: off)\n" \
        TS_TRAIN_HELP_EMA
#define SSSD_HELP_BUDGET \
        "  --budget T            train for about T (90s, 45m, 1.5h; plain: minutes; 1 ms\n" \
        "                        to 366 days): the iterations that fit, timed before the\n" \
        "                        run, at most --iters when given; the log's start record\n" \
        "                        names them (resume_with: a --resume takes --iters N\n" \
        "                        instead); one that leaves no time for one iteration is\n" \
        "                        refused. A run that gets slower re-plans at its log\n" \
        "                        records and validations: fewer iterations, the rest of\n" \
        "                        the schedule laid over them, and a \"replan\" record in\n" \
        "                        the log with the new resume_with (a --resume of it takes\n" \
        "                        those iterations without --iters, and refuses others);\n" \
        "                        one that gets faster (again, or than it was timed)\n" \
        "                        re-plans to more, within T and --iters\n" \
        "  --batch N             windows per training batch (16)\n"
#define SSSD_HELP_TRAIN \
        "  --T N                 diffusion steps (200); beta linear --beta0 1e-4 to\n" \
        "                        --betaT 0.02\n" \
        SSSD_HELP_SCALE \
        "  --lr X                Adam learning rate (small 1e-3, paper 2e-4)\n" \
        SSSD_HELP_OPTIM \
        "  --iters N             training iterations (small 2000, paper 10000)\n" \
        SSSD_HELP_BUDGET \
        "  --valid-every N       validation MSE every N iterations (small 100, paper\n" \
        "                        500); the best model goes to the output file, a\n" \
        "                        resumable checkpoint to OUTPUT.ckpt (use with --resume)\n" \
        TS_TRAIN_HELP_PATIENCE \
        "  --valid-n N           validation windows used (64)\n"
#define SSSD_HELP_TRAIN_SSM \
        "  --train-ssm 0|1       also train S4's step sizes and state matrix (0: fixed,\n" \
        "                        as the reference)\n"
#define SSSD_HELP_RUN \
        "  --log-every N         a training-log line every N iterations (10)\n" \
        "  impute/generate: --steps S (T: DDPM; fewer: DDIM), --batch B (32),\n" \
        "                 --samples N: N samples per window, each event the most\n" \
        "                 frequent of them (1)\n"

const ts_model_ops ts_model_sssd_s4 = {
    .name = "sssd-s4",
    .summary = "SSSD-S4 diffusion imputer (the study's model): S4 residual network, DDPM/DDIM",
    .help =
        "  --preset small|paper  sizes: small = 4 x 64 (default), paper = 36 x 256,\n"
        "                        N = 64\n"
        "  --layers N            residual blocks\n"
        "  --channels C          residual and skip channels\n"
        "  --state N             S4 state size (64)\n"
        SSSD_HELP_TRAIN
        SSSD_HELP_TRAIN_SSM
        SSSD_HELP_RUN,
    .train = model_train,
    .save = model_save,
    .load = model_load,
    .impute = model_impute,
    .generate = model_generate,
    .free = model_free,
    .train_keys = known_opts,
    .run_keys = (const char *const[]){"samples", NULL},
    .run_check = model_run_check,
    .train_reads = TS_TRAIN_READS_MASKS | TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS |
                   TS_TRAIN_READS_RESUME,
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
};

const ts_model_ops ts_model_diffwave = {
    .name = "diffwave",
    .summary = "DiffWave diffusion imputer (the study's baseline): dilated-conv residual network, DDPM/DDIM",
    .help =
        "  --preset small|paper  sizes: small = 4 x 64 (default), paper = 36 x 256\n"
        "  --layers N            residual blocks\n"
        "  --channels C          residual and skip channels\n"
        "  --dilation-cycle N    block n's convolution has dilation 2^(n mod N) (12, as\n"
        "                        SSSD's DiffWave configuration)\n"
        SSSD_HELP_TRAIN
        SSSD_HELP_RUN,
    .train = diffwave_train,
    .save = model_save,
    .load = diffwave_load,
    .impute = model_impute,
    .generate = model_generate,
    .free = model_free,
    .train_keys = diffwave_opts,
    .run_keys = (const char *const[]){"samples", NULL},
    .run_check = model_run_check,
    .train_reads = TS_TRAIN_READS_MASKS | TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS |
                   TS_TRAIN_READS_RESUME,
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
};

const ts_model_ops ts_model_csdi_s4 = {
    .name = "csdi-s4",
    .summary = "CSDI-S4 diffusion imputer (the study's baseline): CSDI's residual network with S4, DDPM/DDIM",
    .help =
        "  (SSSD's CSDIS4Imputer with one feature: its defaults below, its one size)\n"
        "  --layers N            residual blocks (4)\n"
        "  --channels C          residual and skip channels (64)\n"
        "  --state N             S4 state size (64)\n"
        "  --T N                 diffusion steps (50)\n"
        "  --beta-schedule S     quad (CSDI's: sqrt(beta) linear; default) or linear,\n"
        "                        from --beta0 1e-4 to --betaT 0.5\n"
        "  --train-mask random|blackout\n"
        "                        what training hides: random (CSDI's default: in each\n"
        "                        window a uniform share of its positions, anywhere) or\n"
        "                        blackout (those of --blackout and --position, as\n"
        "                        sssd-s4); validation hides the blackouts either way\n"
        SSSD_HELP_SCALE
        "  --lr X                Adam learning rate (1e-3)\n"
        SSSD_HELP_OPTIM
        "  --iters N             training iterations (2000)\n"
        SSSD_HELP_BUDGET
        "  --valid-every N       validation MSE every N iterations (100); the best model\n"
        "                        goes to the output file, a resumable checkpoint to\n"
        "                        OUTPUT.ckpt (use with --resume)\n"
        TS_TRAIN_HELP_PATIENCE
        "  --valid-n N           validation windows used (64)\n"
        SSSD_HELP_TRAIN_SSM
        SSSD_HELP_RUN,
    .train = csdi_train,
    .save = model_save,
    .load = csdi_load,
    .impute = model_impute,
    .generate = model_generate,
    .free = model_free,
    .train_keys = csdi_opts,
    .run_keys = (const char *const[]){"samples", NULL},
    .run_check = model_run_check,
    .train_reads = TS_TRAIN_READS_MASKS | TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS |
                   TS_TRAIN_READS_RESUME,
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
};

const ts_model_ops ts_model_sssd_sa = {
    .name = "sssd-sa",
    .summary = "SSSD-SA diffusion imputer (the study's baseline): SaShiMi U-Net of S4 blocks, DDPM/DDIM",
    .help =
        "  --preset small|paper  sizes: small = 2 x 64 (default), paper = 6 x 128 (SSSD's\n"
        "                        config_SSSDSA.json), N = 64; pools [2, 2], expand 2,\n"
        "                        FF expansion 2: the window length (--length) must be\n"
        "                        a multiple of 4 (others are refused, not padded)\n"
        "  --layers N            (S4, FF) block pairs at each of the network's levels\n"
        "  --channels C          d_model: the channels at full length (2C and 4C below)\n"
        "  --state N             S4 state size (64)\n"
        SSSD_HELP_TRAIN
        "  --train-ssm 0|1       also train S4's step sizes and state matrix (1, as the\n"
        "                        reference; 0: fixed)\n"
        SSSD_HELP_RUN,
    .train = sa_train,
    .save = model_save,
    .load = sa_load,
    .impute = model_impute,
    .generate = model_generate,
    .free = model_free,
    .train_keys = sa_opts,
    .run_keys = (const char *const[]){"samples", NULL},
    .run_check = model_run_check,
    .train_reads = TS_TRAIN_READS_MASKS | TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS |
                   TS_TRAIN_READS_RESUME,
    .impute_reads = TS_IMPUTE_READS_SEED | TS_IMPUTE_READS_PRECISION,
    .len_multiple = TS_SASHIMI_POOL,
};
