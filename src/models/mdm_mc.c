/* The "mdm-mc" model: mdm (src/models/mdm.c) over every channel of a multi-channel
 * trace.
 *
 * Each event is nch values, one per channel modelled (event, dt, comm, ret, tid, cpu,
 * those the trace has). dt is categorical too: --dt-bins equal bins of log(1 + ns)
 * between the training part's smallest and largest dt (log-spaced in ns); a drawn bin
 * becomes a training dt that fell in it (drawn uniformly among them), so the values
 * inside a bin keep their real distribution.
 *
 * Network (mdm_mc.h): per event the sum of one embedding per channel (K_j values and
 * MASK_j, rows [off_j, off_j + K_j] of one table) -> mdm's blocks -> one linear layer
 * whose outputs [off_j, off_j + K_j) are channel j's softmax head. Parameters: mdm's
 * block with its vocabulary V = sum_j (K_j + 1) - 1, so its embedding table holds the
 * channels' tables one after the other and its head their heads (the last MASK row of
 * the head is absent, the other MASK rows go unused).
 *
 * Training: crops of --context events from the training part; t ~ U(0, 1], each value
 * (event, channel) hidden with probability t (at least one); the loss is the
 * cross-entropy of the hidden values, mean over them. Validation: the MDLM bound over
 * all channels in bits per event on fixed crops of the validation part (stratified t),
 * each channel's share in the training log.
 *
 * Imputation (and generation, with everything hidden): the absorbing process run
 * backwards: the hidden values of a window are revealed in a random order, a share of
 * them per network evaluation (--steps S, default min(L, 256)), each drawn from its
 * channel's softmax at --temperature (1; 0: the most likely). */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/mdm_mc.h"
#include "tracesynth/nn.h"
#include "tracesynth/train.h"
#include "mdm_internal.h"
#include "mc_crops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const ts_mc_model_ops ts_mc_model_mdm;

#define DT_KEEP 65536          /* training dt values kept for drawing inside a bin */

typedef struct {
    ts_mc_model base;
    mdm_model *net;            /* blocks and the shared head (mdm.c) */
    int nch, chan[TS_NCH];     /* value j of an event is channel chan[j] */
    int32_t K[TS_NCH], off[TS_NCH];
    int nbins;                 /* dt bins */
    double dt_lo, dt_hi;
    float *dtv;                /* (ndtv) training dt values, sorted */
    size_t ndtv;
    size_t *bstart;            /* (nbins + 1) bin b's values are dtv[bstart[b], bstart[b + 1]) */
    int dtj;                   /* TS_DT_REAL: the value index of dt, else -1 */
    double dt_mean, dt_std;    /* TS_DT_REAL: dt standardized by the training part's */
    double cw[TS_NCH];         /* training loss weight of value j (--channel-weights; 1 each) */
    /* seen[off[j] + v]: 1 = the training part holds value v of j (a dt bin: a training dt
     * in it); a run never draws another (the heads still give them weight). NULL (files
     * from before it): every value drawn */
    uint8_t *seen;
    size_t nseen;
} mdm_mc;

/* ---- channels as values ---- */

/* the channels of has in order; K from card (dt: nbins, or 2 for a real dt: its input
 * rows (slope, offset) and head outputs (mean, log sd)); the offsets; returns V + 1
 * (summed wide: a training card may be near INT32_MAX, refused by check_size after) */
static long groups_of(mdm_mc *m, unsigned has, const int32_t *card, int nbins, int real)
{
    m->nch = 0;
    m->dtj = -1;
    long o = 0;
    for (int c = 0; c < TS_NCH; c++) {
        if (!(has & 1u << c)) continue;
        int j = m->nch++;
        m->chan[j] = c;
        m->K[j] = c == TS_CH_DT ? (real ? 2 : nbins) : card[c];
        if (c == TS_CH_DT && real) m->dtj = j;
        m->off[j] = (int32_t)o;
        o += (long)m->K[j] + 1;
    }
    return o;
}

static int dt_bin(const mdm_mc *m, double x)
{
    double u = m->dt_hi > m->dt_lo ? (x - m->dt_lo) / (m->dt_hi - m->dt_lo) : 0;
    int b = (int)floor(u * m->nbins);
    return b < 0 ? 0 : b >= m->nbins ? m->nbins - 1 : b;
}

static void make_bins(mdm_mc *m)
{
    m->bstart = ts_calloc((size_t)m->nbins + 1, sizeof *m->bstart);
    for (size_t i = 0; i < m->ndtv; i++) m->bstart[dt_bin(m, m->dtv[i]) + 1]++;
    for (int b = 0; b < m->nbins; b++) m->bstart[b + 1] += m->bstart[b];
}

/* a dt inside bin b: a training value of the bin, else uniform in it */
static float dt_draw(const mdm_mc *m, int b, ts_rng *r)
{
    size_t a = m->bstart[b], e = m->bstart[b + 1];
    if (e > a) return m->dtv[a + ts_rng_below(r, e - a)];
    double w = (m->dt_hi - m->dt_lo) / m->nbins;
    return (float)(m->dt_lo + (b + ts_rng_uniform(r)) * w);
}

/* value j of event i of y (dt: its bin; a real dt: 0, its value is real_of) */
static int32_t value_of(const mdm_mc *m, const ts_mc *y, int j, size_t i)
{
    int c = m->chan[j];
    return c != TS_CH_DT ? y->ch[c][i] : j == m->dtj ? 0 : dt_bin(m, y->dt[i]);
}

static float real_of(const mdm_mc *m, const ts_mc *y, size_t i)
{
    return m->dtj < 0 ? 0 : (float)((y->dt[i] - m->dt_mean) / m->dt_std);
}

/* ---- the network: summed embeddings, mdm's blocks, one head per channel ---- */

/* the blocks' input rows (B L, C) and, after the backward, their gradient */
static float *trunk_in(const mdm_model *n, plan *pl) { return n->c.backbone == BACKBONE_TRANSFORMER ? pl->h : pl->hT; }
static float *trunk_din(const mdm_model *n, plan *pl) { return n->c.backbone == BACKBONE_TRANSFORMER ? pl->dh : pl->dhT; }

/* out (N, C) = sum_j table[ids[i nch + j]]; an observed real dt (value index dtj, row
 * off = its group's first) adds table[off] xf[i] + table[off + 1] instead */
static void embed_forward(float *out, const int32_t *ids, const float *xf, const float *table, int N, int nch, int C,
                          int dtj, int32_t off)
{
    for (int i = 0; i < N; i++) {
        float *o = out + (size_t)i * C;
        memset(o, 0, (size_t)C * sizeof(float));
        for (int j = 0; j < nch; j++) {
            const int32_t id = ids[(size_t)i * nch + j];
            const float *t = table + (size_t)id * C;
            if (j == dtj && id == off) {
                const float x = xf[i];
                for (int d = 0; d < C; d++) o[d] += t[d] * x + t[C + d];
            } else {
                for (int d = 0; d < C; d++) o[d] += t[d];
            }
        }
    }
}

/* dtable += row i of dout at each of event i's nch rows (serial: a fixed order) */
static void embed_backward(float *dtable, const float *dout, const int32_t *ids, const float *xf, int N, int nch, int C,
                           int dtj, int32_t off)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < nch; j++) {
            const int32_t id = ids[(size_t)i * nch + j];
            float *t = dtable + (size_t)id * C;
            const float *g = dout + (size_t)i * C;
            if (j == dtj && id == off) {
                const float x = xf[i];
                for (int d = 0; d < C; d++) t[d] += g[d] * x, t[C + d] += g[d];
            } else {
                for (int d = 0; d < C; d++) t[d] += g[d];
            }
        }
}

/* ids (B L nch): the table rows, xf (B L) the real dt values (or NULL); logits (B L, V) */
static void mc_forward(const mdm_mc *m, plan *pl, const int32_t *ids, const float *xf)
{
    const mdm_model *n = m->net;
    embed_forward(trunk_in(n, pl), ids, xf, n->params + n->p.emb, pl->B * pl->L, m->nch, n->c.C, m->dtj,
                  m->dtj < 0 ? -1 : m->off[m->dtj]);
    pl->embedded = 1;
    net_forward(n, pl);
}

static void mc_backward(const mdm_mc *m, plan *pl, const int32_t *ids, const float *xf)
{
    const mdm_model *n = m->net;
    net_backward(n, pl);
    embed_backward(n->grads + n->p.emb, trunk_din(n, pl), ids, xf, pl->B * pl->L, m->nch, n->c.C, m->dtj,
                   m->dtj < 0 ? -1 : m->off[m->dtj]);
}

/* a real dt's loss: the Gaussian negative log-density of x under (mean z[0], log sd z[1]),
 * and its gradient (scale w) into d (may be NULL) */
static double gauss_nll(const float *z, double x, double w, float *d, double scale)
{
    double isd = exp(-(double)z[1]), e = (x - z[0]) * isd;
    if (d) {
        d[0] = (float)(scale * w * -e * isd);
        d[1] = (float)(scale * w * (1.0 - e * e));
    }
    return w * (0.5 * e * e + z[1] + 0.9189385332046727);   /* + log sqrt(2 pi) */
}

/* sum over rows i and channels j with tgt[i nch + j] >= 0 of cw_j w_i * -log softmax(head j)
 * [tgt] (a real dt: cw_j w_i gauss_nll of xf[i]; cw NULL: 1 each); per[j] (may be NULL) +=
 * channel j's share. dlogits (NULL: none) = scale * the gradient, 0 outside the hidden
 * values' heads. */
static double mc_loss(const mdm_mc *m, const float *logits, const int32_t *tgt, const float *xf, const float *w,
                      const double *cw, size_t N, float *dlogits, double scale, double *per)
{
    const int V = m->net->c.V;
    if (dlogits) memset(dlogits, 0, N * (size_t)V * sizeof(float));
    double sum = 0;
    for (size_t i = 0; i < N; i++)
        for (int j = 0; j < m->nch; j++) {
            const int32_t *t = tgt + i * m->nch + j;
            if (*t < 0) continue;
            size_t at = i * (size_t)V + (size_t)m->off[j];
            const double c = cw ? cw[j] : 1.0;
            double s = j == m->dtj ? gauss_nll(logits + at, xf[i], (w ? w[i] : 1.0) * c, dlogits ? dlogits + at : NULL, scale)
                                   : c * xent(logits + at, t, w ? w + i : NULL, 1, m->K[j], dlogits ? dlogits + at : NULL,
                                              scale * c);
            sum += s;
            if (per) per[j] += s;
        }
    return sum;
}

/* ids and targets of one crop: values x (Lc, nch), hidden hb (Lc nch); a real dt's
 * observed value is row off + 0 (its value in xf), hidden the MASK row off + 2 */
static size_t crop_ids(const mdm_mc *m, const int32_t *x, const uint8_t *hb, int Lc, int32_t *ids, int32_t *tgt)
{
    size_t cnt = 0;
    for (int l = 0; l < Lc; l++)
        for (int j = 0; j < m->nch; j++) {
            size_t k = (size_t)l * m->nch + j;
            ids[k] = m->off[j] + (hb[k] ? m->K[j] : x[k]);
            tgt[k] = hb[k] ? x[k] : -1;
            cnt += hb[k];
        }
    return cnt;
}

/* ---- training ---- */

static const char *const mc_keys[] = {
    "backbone", "heads", "layers", "channels", "state", "ff", "kernel", "context", "batch", "valid-n", "dt-bins", "dt",
    "lr", "schedule", "warmup", "weight-decay", "clip", "ema", "iters", "valid-every", "log-every", "channel-weights", "budget", NULL,
};

/* --channel-weights NAME=W,...: the training loss weight of each channel named (W >= 0; the
 * others 1), into cw by value index; every channel named must be modelled, once */
static void weights_text(const mdm_mc *m, char *txt, size_t size)
{
    size_t k = 0;
    txt[0] = 0;
    for (int j = 0; j < m->nch && k < size; j++)
        k += (size_t)snprintf(txt + k, size - k, "weight_%s=%.17g\n", ts_ch_names[m->chan[j]], m->cw[j]);
}

static int parse_weights(mdm_mc *m, const char *s)
{
    for (int j = 0; j < m->nch; j++) m->cw[j] = 1.0;
    if (!s) return 0;
    char *buf = ts_strdup(s);
    unsigned seen = 0;
    int rc = 0;
    for (char *tok = buf, *next; tok && rc == 0; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        char *eq = strchr(tok, '=');
        int c = -1, j = -1;
        if (eq) {
            *eq = 0;
            for (int k = 0; k < TS_NCH; k++) if (!strcmp(tok, ts_ch_names[k])) c = k;
            for (int k = 0; k < m->nch; k++) if (m->chan[k] == c) j = k;
        }
        double v;
        if (!eq) rc = ts_opt_fail("mdm-mc", "channel-weights", "'%s' is not CHANNEL=WEIGHT", tok);
        else if (c < 0) rc = ts_opt_fail("mdm-mc", "channel-weights", "'%s' is not a channel (event, dt, comm, ret, tid, cpu)", tok);
        else if (j < 0) rc = ts_opt_fail("mdm-mc", "channel-weights", "the trace has no channel '%s'", tok);
        else if (seen & 1u << c) rc = ts_opt_fail("mdm-mc", "channel-weights", "'%s' is given twice", tok);
        else if (ts_parse_double(eq + 1, 0, 1e6, &v) != 0)
            rc = ts_opt_fail("mdm-mc", "channel-weights", "%s: '%s' is not a weight in [0, 1e6]", tok, eq + 1);
        else m->cw[j] = v, seen |= 1u << c;
    }
    double any = 0;
    for (int j = 0; j < m->nch; j++) any += m->cw[j];
    if (rc == 0 && !seen) rc = ts_opt_fail("mdm-mc", "channel-weights", "'%s' names no channel", s);
    if (rc == 0 && any == 0) rc = ts_opt_fail("mdm-mc", "channel-weights", "'%s': every weight is 0", s);
    free(buf);
    return rc;
}

typedef struct {
    mdm_mc *m;
    const ts_mc *d;
    size_t n_train, window;   /* window: the data's windows, which no crop crosses (0: none) */
    const char *log_path;
    plan pl;
    int32_t *x;               /* (B Lc nch) crop values */
    uint8_t *hb;              /* (B Lc nch) hidden */
    int32_t *ids, *tgt;       /* (B Lc nch) */
    float *w;                 /* (B Lc) */
    float *xf;                /* (B Lc) real dt values */
    size_t vn;                /* validation crops */
    int32_t *vx;              /* (vn Lc nch) */
    float *vxf;               /* (vn Lc) */
    uint8_t *vh;
    float *vt;                /* (vn) masking levels */
} train_ctx;

/* the values of events [s, s + Lc) of d into x (Lc, nch), a real dt's into xf (Lc) */
static void crop_values(const mdm_mc *m, const ts_mc *d, size_t s, int Lc, int32_t *x, float *xf)
{
    for (int l = 0; l < Lc; l++) {
        for (int j = 0; j < m->nch; j++) x[(size_t)l * m->nch + j] = value_of(m, d, j, s + (size_t)l);
        xf[l] = real_of(m, d, s + (size_t)l);
    }
}

/* the heads of channels weighted 0 are not trained: their gradients (0 already) zeroed
 * here mark them so, and a weight decay leaves them as they are too */
static void train_mask_grads(void *ctx, float *grads)
{
    const mdm_mc *m = ((train_ctx *)ctx)->m;
    const size_t C = (size_t)m->net->c.C;
    for (int j = 0; j < m->nch; j++) {
        if (m->cw[j] != 0) continue;
        memset(grads + m->net->p.hw + (size_t)m->off[j] * C, 0, (size_t)m->K[j] * C * sizeof *grads);
        memset(grads + m->net->p.hb + m->off[j], 0, (size_t)m->K[j] * sizeof *grads);
    }
}

static int train_step(void *ctx, ts_rng *rng, float *loss)
{
    train_ctx *c = ctx;
    const mdm_mc *m = c->m;
    const int B = c->pl.B, Lc = c->pl.L, S = Lc * m->nch;
    size_t cnt = 0;
    for (int b = 0; b < B; b++) {
        size_t s = mc_crop_at(0, c->n_train, c->window, (size_t)Lc,
                              ts_rng_below(rng, mc_crop_count(0, c->n_train, c->window, (size_t)Lc)));
        int32_t *x = c->x + (size_t)b * S;
        uint8_t *hb = c->hb + (size_t)b * S;
        crop_values(m, c->d, s, Lc, x, c->xf + (size_t)b * Lc);
        hide(hb, 0, S, 1.0 - ts_rng_uniform(rng), rng);
        cnt += crop_ids(m, x, hb, Lc, c->ids + (size_t)b * S, c->tgt + (size_t)b * S);
    }
    mc_forward(m, &c->pl, c->ids, c->xf);
    double s = mc_loss(m, c->pl.logits, c->tgt, c->xf, NULL, m->cw, (size_t)B * Lc, c->pl.dlogits, 1.0 / (double)cnt,
                       NULL);
    *loss = (float)(s / (double)cnt);
    mc_backward(m, &c->pl, c->ids, c->xf);
    return 0;
}

/* the MDLM bound in bits per event (all channels) on the fixed validation crops */
static int train_validate(void *ctx, double *loss)
{
    train_ctx *c = ctx;
    const mdm_mc *m = c->m;
    const int B = c->pl.B, Lc = c->pl.L, S = Lc * m->nch;
    double sum = 0, per[TS_NCH] = {0};
    for (size_t s0 = 0; s0 < c->vn; s0 += (size_t)B) {
        int nb = (int)(c->vn - s0 < (size_t)B ? c->vn - s0 : (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t j = s0 + (size_t)(b < nb ? b : 0);
            crop_ids(m, c->vx + j * S, c->vh + j * S, Lc, c->ids + (size_t)b * S, c->tgt + (size_t)b * S);
            if (b >= nb) for (int k = 0; k < S; k++) c->tgt[(size_t)b * S + k] = -1;
            for (int l = 0; l < Lc; l++) {
                c->w[(size_t)b * Lc + l] = (float)(1.0 / c->vt[j]);
                c->xf[(size_t)b * Lc + l] = c->vxf[j * Lc + l];
            }
        }
        mc_forward(m, &c->pl, c->ids, c->xf);
        sum += mc_loss(m, c->pl.logits, c->tgt, c->xf, c->w, NULL, (size_t)B * Lc, NULL, 0, per);   /* the bound */
    }
    double den = (double)c->vn * Lc * log(2.0);
    *loss = sum / den;
    char buf[320];
    int k = 0;
    /* the iteration: a resume from an earlier checkpoint cuts the record with the rest */
    if (ts_train_valid_iter() >= 0) k = snprintf(buf, sizeof buf, ",\"iter\":%ld", ts_train_valid_iter());
    for (int j = 0; j < m->nch; j++)
        k += snprintf(buf + k, sizeof buf - (size_t)k, ",\"valid_bits_%s\":%.5f", ts_ch_names[m->chan[j]], per[j] / den);
    return ts_train_log(c->log_path, "\"event\":\"valid_channels\"%s", buf);
}

static int train_save(void *ctx, const char *path)
{
    train_ctx *c = ctx;
    return ts_mc_model_save(&c->m->base, path);
}

static void mc_free(ts_mc_model *base)
{
    mdm_mc *m = (mdm_mc *)base;
    if (m->net) model_free(&m->net->base);
    free(m->dtv);
    free(m->bstart);
    free(m->seen);
    free(m);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* the fixed validation crops: up to want crops of events [a, b) spread evenly */
static void make_crops(train_ctx *c, size_t a, size_t b, size_t want, uint64_t seed)
{
    const mdm_mc *m = c->m;
    const int Lc = c->pl.L, S = Lc * m->nch;
    size_t starts = mc_crop_count(a, b, c->window, (size_t)Lc);
    c->vn = starts < want ? starts : want;
    c->vx = ts_malloc(c->vn * (size_t)S * sizeof(int32_t));
    c->vh = ts_malloc(c->vn * (size_t)S);
    c->vt = ts_malloc(c->vn * sizeof(float));
    c->vxf = ts_malloc(c->vn * (size_t)Lc * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, seed ^ 0x76616c6964ull);
    for (size_t j = 0; j < c->vn; j++) {
        size_t s = mc_crop_at(a, b, c->window, (size_t)Lc, c->vn > 1 ? j * (starts - 1) / (c->vn - 1) : 0);
        crop_values(m, c->d, s, Lc, c->vx + j * S, c->vxf + j * Lc);
        c->vt[j] = (float)((j + 0.5) / c->vn);
        hide(c->vh + j * S, 0, S, c->vt[j], &r);
    }
}

static int mc_train(ts_mc_model **out, const ts_mc_train_opts *o)
{
    *out = NULL;
    const ts_mc *d = o->data;
    mdm_opts so;
    if (parse_opts("mdm-mc", &o->kv, o->len, &so) != 0) return -1;
    /* windows longer than the training part: no crop of the data is one (the context alone
     * bounds the crops), as ddpm-mc refuses them */
    if (o->len > o->n_train)
        return ts_fit_fail("mdm-mc", "length", "%zu is longer than the training part (%zu event%s): give --length %zu "
                           "or less, or other --fractions", o->len, o->n_train, ts_plural(o->n_train), o->n_train);
    /* a context its range takes that this data's parts cannot hold: the data's error (ts_fit_fail) */
    if (so.c.ctx > (int)o->n_train)
        return ts_fit_fail("mdm-mc", "context", "%d is longer than the training part (%zu event%s)", so.c.ctx, o->n_train,
                           ts_plural(o->n_train));
    /* the validation crops are the validation part's: one shorter than a crop is refused
     * (crops of the training part would measure, and choose the saved model on, training data) */
    if ((size_t)so.c.ctx > o->n_valid)
        return o->n_valid >= 2
            ? ts_fit_fail("mdm-mc", "context", "%d is longer than the validation part (%zu events), which the "
                          "validation crops are cut from: give --context %zu or less, or other --fractions",
                          so.c.ctx, o->n_valid, o->n_valid)
            : ts_fit_fail("mdm-mc", "context", "%d is longer than the validation part (%zu event%s), which the "
                          "validation crops are cut from: give other --fractions", so.c.ctx, o->n_valid,
                          ts_plural(o->n_valid));
    /* a set of windows: crops within them */
    if (o->window && (size_t)so.c.ctx > o->window)
        return ts_fit_fail("mdm-mc", "context", "%d is longer than a window of the training data (%zu event%s)",
                           so.c.ctx, o->window, ts_plural(o->window));
    if (o->window && !mc_crop_count(o->n_train, o->n_train + o->n_valid, o->window, (size_t)so.c.ctx))
        return ts_fit_fail("mdm-mc", "context", "%d: the validation part, events [%zu, %zu), holds no crop of it within "
                           "a window of %zu: give other --fractions", so.c.ctx, o->n_train, o->n_train + o->n_valid,
                           o->window);
    long nbins;
    if (ts_kv_long(&o->kv, "dt-bins", 64, &nbins) != 0) return -1;
    if (nbins < 2 || nbins > 4096) return ts_opt_fail("mdm-mc", "dt-bins", "%ld out of range [2, 4096]", nbins);
    const char *dtm = ts_kv_get(&o->kv, "dt");
    if (dtm && strcmp(dtm, "bins") && strcmp(dtm, "real"))
        return ts_opt_fail("mdm-mc", "dt", "'%s' is not bins or real", dtm);
    const int real = dtm && !strcmp(dtm, "real");
    mdm_mc *m = ts_calloc(1, sizeof *m);
    *out = &m->base;
    m->base.ops = &ts_mc_model_mdm;
    for (int c = 0; c < TS_NCH; c++)
        if (ts_mc_has(d, c)) {
            m->base.has |= 1u << c;
            m->base.card[c] = ts_mc_card(d, c);
        }
    m->base.dt_mode = !d->dt ? TS_DT_NONE : real ? TS_DT_REAL : TS_DT_BINS;
    if (ts_mc_model_base_init(&m->base, d) != 0) return -1;
    ts_mc_model_base_record(&m->base, o);   /* its split and arch: saved while it learns */
    m->nbins = d->dt && !real ? (int)nbins : 1;
    if (d->dt) {
        /* the training dt values, sorted; at most DT_KEEP of them, evenly spaced quantiles */
        float *all = ts_malloc(o->n_train * sizeof *all);
        memcpy(all, d->dt, o->n_train * sizeof *all);
        qsort(all, o->n_train, sizeof *all, cmp_float);
        m->ndtv = o->n_train < DT_KEEP ? o->n_train : DT_KEEP;
        m->dtv = ts_malloc(m->ndtv * sizeof *m->dtv);
        for (size_t i = 0; i < m->ndtv; i++) m->dtv[i] = all[i * o->n_train / m->ndtv];
        m->dt_lo = all[0];
        m->dt_hi = all[o->n_train - 1];
        free(all);
        double s1 = 0, s2 = 0;
        for (size_t i = 0; i < o->n_train; i++) s1 += d->dt[i], s2 += (double)d->dt[i] * d->dt[i];
        m->dt_mean = s1 / (double)o->n_train;
        m->dt_std = sqrt(fmax(s2 / (double)o->n_train - m->dt_mean * m->dt_mean, 0)) + 1e-3;
        if (real) {
            free(m->dtv);
            m->dtv = NULL;
            m->ndtv = 0;
        } else {
            make_bins(m);
        }
    }
    long V1 = groups_of(m, m->base.has, m->base.card, m->nbins, real);
    if (parse_weights(m, ts_kv_get(&o->kv, "channel-weights")) != 0) return -1;
    if (V1 > 0 && V1 <= MDM_MAX_VOCAB + 1) {   /* a larger one is refused just below */
        m->nseen = (size_t)V1;
        m->seen = ts_calloc(m->nseen, 1);
        for (size_t i = 0; i < o->n_train; i++)
            for (int j = 0; j < m->nch; j++)
                if (j != m->dtj) m->seen[m->off[j] + value_of(m, d, j, i)] = 1;
    }
    if (check_size("mdm-mc", &so.c, V1 - 1) != 0) return -1;
    m->net = ts_calloc(1, sizeof *m->net);
    m->net->c = so.c;
    m->net->c.V = V1 - 1;
    alloc_params(m->net);
    if (init_params(m->net, o->seed) != 0) return -1;

    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.d = d;
    c.n_train = o->n_train;
    c.window = o->window;
    c.log_path = o->log_path;
    const int B = (int)so.batch, Lc = so.c.ctx, S = Lc * m->nch;
    int rc = -1;
    if (plan_init(&c.pl, m->net, B, Lc, 1) != 0) goto done;
    c.x = ts_malloc((size_t)B * S * sizeof *c.x);
    c.hb = ts_malloc((size_t)B * S);
    c.ids = ts_malloc((size_t)B * S * sizeof *c.ids);
    c.tgt = ts_malloc((size_t)B * S * sizeof *c.tgt);
    c.w = ts_malloc((size_t)B * Lc * sizeof *c.w);
    c.xf = ts_calloc((size_t)B * Lc, sizeof *c.xf);
    make_crops(&c, o->n_train, o->n_train + o->n_valid, (size_t)so.valid_n, o->seed);

    char cfg[1024], start[640];
    config_text(m->net, cfg, sizeof cfg);
    size_t k = strlen(cfg);
    k += (size_t)snprintf(cfg + k, sizeof cfg - k, "mc_channels=%u\ndt_bins=%d\n", m->base.has, m->nbins);
    /* the weights in effect, where any is not the default 1: the same weights given or
     * defaulted are the same model, and a run's checkpoint from before the weights keeps
     * resuming. Older builds named them wherever --channel-weights was given: the
     * default weights named, 1 each, are the same model too */
    int weighted = 0;
    for (int j = 0; j < m->nch; j++) weighted |= m->cw[j] != 1.0;
    char older[1024 + 256];
    snprintf(older, sizeof older, "%s", cfg);
    weights_text(m, older + strlen(older), sizeof older - strlen(older));
    if (weighted) snprintf(cfg + k, sizeof cfg - k, "%s", older + k);
    k = (size_t)snprintf(start, sizeof start, "\"layers\":%d,\"channels\":%d,\"state\":%d,\"ff\":%d,\"context\":%d,"
                         "\"params\":%zu,\"batch\":%d,\"lr\":%g,\"train_events\":%zu,\"valid_crops\":%zu,"
                         "\"dt_bins\":%d,\"modelled\":\"", m->net->c.layers, m->net->c.C, m->net->c.N, m->net->c.F, Lc,
                         m->net->p.total, B, so.tc.lr.lr, o->n_train, c.vn, m->nbins);
    for (int j = 0; j < m->nch; j++)
        k += (size_t)snprintf(start + k, sizeof start - k, "%s%s", j ? "," : "", ts_ch_names[m->chan[j]]);
    k += (size_t)snprintf(start + k, sizeof start - k, "\",\"channel_weights\":{");
    for (int j = 0; j < m->nch; j++)
        k += (size_t)snprintf(start + k, sizeof start - k, "%s\"%s\":%g", j ? "," : "", ts_ch_names[m->chan[j]], m->cw[j]);
    snprintf(start + k, sizeof start - k, "}");
    ts_train_net net = {
        .name = "mdm-mc", .ctx = &c, .params = m->net->params, .grads = m->net->grads, .n = m->net->p.total,
        .config = cfg, .config_older = weighted ? NULL : older, .step = train_step, .validate = train_validate,
        .save = train_save,
    };
    for (int j = 0; j < m->nch; j++)
        if (m->cw[j] == 0) net.mask_grads = train_mask_grads;
    ts_mc_train_ids(&net, m->base.has, o);
    char split[64];   /* the held-out parts a resume keeps */
    net.split = ts_train_split_text(split, sizeof split, 0, o->permille);
    ts_train_cfg tc = so.tc;
    ts_mc_train_cfg(&tc, o, start);
    rc = ts_train_run(&net, &tc);
done:
    plan_free(&c.pl);
    free(c.x); free(c.hb); free(c.ids); free(c.tgt); free(c.w); free(c.vx); free(c.vh); free(c.vt);
    free(c.xf); free(c.vxf);
    return rc;
}

/* ---- save / load ---- */

static int mc_save(const ts_mc_model *base, ts_writer *w)
{
    const mdm_mc *m = (const mdm_mc *)base;
    char txt[512];
    int k = snprintf(txt, sizeof txt, "dt_bins=%d\ndt_lo=%.17g\ndt_hi=%.17g\ndt_mean=%.17g\ndt_std=%.17g\n", m->nbins,
                     m->dt_lo, m->dt_hi, m->dt_mean, m->dt_std);
    weights_text(m, txt + k, sizeof txt - (size_t)k);
    ts_writer_text(w, "MDMMC", txt);
    if (m->dtv) ts_writer_f32(w, "DTVALS", m->dtv, m->ndtv);
    if (m->seen) ts_writer_chunk(w, "MCSEEN", m->seen, m->nseen);
    return model_save(&m->net->base, w);   /* CONFIG, PARAMS */
}

static int mc_load(ts_mc_model **out, const ts_reader *r, const ts_mc_model *base)
{
    mdm_mc *m = ts_calloc(1, sizeof *m);
    m->base.ops = &ts_mc_model_mdm;
    long nb;
    const int real = base->dt_mode == TS_DT_REAL, bins = base->dt_mode == TS_DT_BINS;
    /* dt_mean and dt_std are read without --dt real too (unused then, kept so that the file
     * saves back the same; files before --dt real lack them) */
    if (ts_reader_long(r, "MDMMC", "dt_bins", bins ? 2 : 1, bins ? 4096 : 1, &nb) != 0 ||
        ts_reader_double(r, "MDMMC", "dt_lo", 0, 1e3, &m->dt_lo) != 0 ||
        ts_reader_double(r, "MDMMC", "dt_hi", 0, 1e3, &m->dt_hi) != 0 ||
        ((real || ts_reader_has(r, "MDMMC", "dt_mean")) &&
         ts_reader_double(r, "MDMMC", "dt_mean", 0, 1e3, &m->dt_mean) != 0) ||
        ((real || ts_reader_has(r, "MDMMC", "dt_std")) &&
         ts_reader_double(r, "MDMMC", "dt_std", real ? 1e-6 : 0, 1e3, &m->dt_std) != 0))
        goto fail;
    m->nbins = (int)nb;
    if (m->dt_hi < m->dt_lo) {
        ts_fail("%s: section 'MDMMC': 'dt_hi' is below 'dt_lo'", r->path);
        goto fail;
    }
    if (bins) {
        const ts_chunk *c = ts_reader_get(r, "DTVALS");
        if (!c) goto fail;
        if (c->size == 0 || c->size % 4 || c->size / 4 > DT_KEEP) {
            ts_fail("%s: section 'DTVALS' is not 1 to %d float32 values", r->path, DT_KEEP);
            goto fail;
        }
        m->ndtv = c->size / 4;
        m->dtv = ts_malloc(c->size);
        if (ts_reader_f32(r, "DTVALS", m->dtv, m->ndtv) != 0) goto fail;
        for (size_t i = 0; i < m->ndtv; i++)
            if (!(m->dtv[i] >= m->dt_lo - 1e-3 && m->dtv[i] <= m->dt_hi + 1e-3) || (i && m->dtv[i] < m->dtv[i - 1])) {
                ts_fail("%s: section 'DTVALS': value %zu (%g) is not sorted inside [dt_lo, dt_hi]", r->path, i,
                        (double)m->dtv[i]);
                goto fail;
            }
        make_bins(m);
    }
    int V1 = (int)groups_of(m, base->has, base->card, m->nbins, real);
    for (int j = 0; j < m->nch; j++) {   /* how it was trained (files before the weights: 1 each) */
        char key[32];
        snprintf(key, sizeof key, "weight_%s", ts_ch_names[m->chan[j]]);
        m->cw[j] = 1.0;
        if (ts_reader_has(r, "MDMMC", key) && ts_reader_double(r, "MDMMC", key, 0, 1e6, &m->cw[j]) != 0) goto fail;
    }
    ts_model *net = NULL;
    if (model_load(&net, r) != 0) goto fail;
    m->net = (mdm_model *)net;
    if (m->net->c.V != V1 - 1 || m->net->prior) {
        ts_fail("%s: section 'CONFIG': 'vocab' = %d, the channels need %d (and no prior)", r->path, m->net->c.V, V1 - 1);
        goto fail;
    }
    /* optional: files from before it draw any value (asked, so no error is left set) */
    const ts_chunk *sc = ts_reader_has(r, "MCSEEN", NULL) ? ts_reader_get(r, "MCSEEN") : NULL;
    if (sc) {
        int any[TS_NCH] = {0};
        int ok = sc->size == (size_t)V1;
        for (int j = 0; ok && j < m->nch; j++)
            for (int v = 0; v <= m->K[j]; v++) {
                const unsigned char b = ((const unsigned char *)sc->data)[(size_t)m->off[j] + (size_t)v];
                ok &= b <= 1 && (v < m->K[j] || !b);   /* the group's last slot is its MASK */
                any[j] |= b;
            }
        for (int j = 0; ok && j < m->nch; j++) ok &= any[j] || j == m->dtj;
        if (!ok) {
            ts_fail("%s: section 'MCSEEN' is not %d flags of 0 or 1, one at least per channel", r->path, V1);
            goto fail;
        }
        m->nseen = (size_t)V1;
        m->seen = ts_malloc(m->nseen);
        for (size_t i = 0; i < m->nseen; i++) m->seen[i] = ((const unsigned char *)sc->data)[i];
    }
    *out = &m->base;
    return 0;
fail:
    mc_free(&m->base);
    return -1;
}

/* ---- imputation ---- */

/* a draw from softmax(z / T) over the K values whose probability under it (the tempered
 * distribution, the one drawn from) is at least minp times the largest (T = 0: the largest) */
static int32_t draw_value(const float *z, int K, double T, double minp, ts_rng *r)
{
    int arg = 0;
    for (int v = 1; v < K; v++) if (z[v] > z[arg]) arg = v;
    if (T <= 0) return arg;
    const double cut = minp > 0 ? log(minp) : -INFINITY;
    double s = 0;
    for (int v = 0; v < K; v++) {
        const double e = ((double)z[v] - z[arg]) / T;   /* log(p_T(v) / p_T(arg)) */
        if (e >= cut) s += exp(e);
    }
    double u = ts_rng_uniform(r) * s, acc = 0;
    for (int v = 0; v < K; v++) {
        const double e = ((double)z[v] - z[arg]) / T;
        if (e < cut) continue;
        acc += exp(e);
        if (u < acc) return v;
    }
    return arg;
}

typedef struct { float conf; int k; } ranked;

static int by_conf(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->conf != y->conf ? (x->conf < y->conf) - (x->conf > y->conf) : (x->k > y->k) - (x->k < y->k);
}

/* whether value j of a position (known: 1 observed, 2 drawn, 0 hidden) is context: a value
 * drawn from a head that never learned (--channel-weights CH=0) is not, it stays MASK */
static int context(const mdm_mc *m, int known, int j)
{
    return known == 1 || (known == 2 && m->cw[j] > 0);
}

/* a Fisher-Yates shuffle of the n slots s[] */
static void shuffle(int32_t *s, int n, ts_rng *r)
{
    for (int q = n - 1; q > 0; q--) {
        int k = (int)ts_rng_below(r, (uint64_t)q + 1), t = s[q];
        s[q] = s[k];
        s[k] = t;
    }
}

/* --order confident: put the n hidden values slot[] of a window (rows h, (L, C)) in the
 * order of their heads' largest probability, the most certain first (a real dt last) */
static void rank_slots(const mdm_mc *m, const float *h, int *slot, int n, float *z, ranked *rk)
{
    const int C = m->net->c.C, nch = m->nch;
    const float *hw = m->net->params + m->net->p.hw, *hb = m->net->params + m->net->p.hb;
    for (int i = 0; i < n; i++) {
        int k = slot[i], l = k / nch, j = k % nch;
        rk[i].k = k;
        rk[i].conf = m->cw[j] > 0 ? -1 : -2;   /* a channel weighted 0 after a real dt */
        if (j == m->dtj || m->cw[j] <= 0) continue;
        ts_linear_forward(z, h + (size_t)l * C, hw + (size_t)m->off[j] * C, hb + m->off[j], 1, C, m->K[j]);
        float mx = z[0];
        for (int v = 1; v < m->K[j]; v++) if (z[v] > mx) mx = z[v];
        double sum = 0;
        for (int v = 0; v < m->K[j]; v++) sum += exp((double)z[v] - mx);
        rk[i].conf = (float)(1.0 / sum);
    }
    qsort(rk, (size_t)n, sizeof *rk, by_conf);
    for (int i = 0; i < n; i++) slot[i] = rk[i].k;
}

/* draw hidden value k (= l nch + j) of a window from the rows h (crop, C) at crop position
 * lc: into y's event i, ids (crop) and xf (crop) */
typedef struct {
    double T, minp;
    float *z;                 /* (V) */
} draw_opts;

/* -1 when the head's output is not finite (a damaged or diverged network: nothing drawn) */
static int reveal(const mdm_mc *m, const float *h, int lc, int j, size_t i, ts_mc *y, int32_t *ids, float *xf,
                  const draw_opts *d, ts_rng *r)
{
    const int C = m->net->c.C;
    const float *hw = m->net->params + m->net->p.hw, *hb = m->net->params + m->net->p.hb;
    float *z = d->z;
    ts_linear_forward(z, h + (size_t)lc * C, hw + (size_t)m->off[j] * C, hb + m->off[j], 1, C, m->K[j]);
    for (int v = 0; v < m->K[j]; v++)
        if (!isfinite(z[v])) return -1;
    int32_t *id = ids + (size_t)lc * m->nch + j;
    if (j == m->dtj) {   /* a real dt: mean z[0], sd exp(z[1]) (times T) */
        float x = z[0] + (float)(d->T * exp(z[1])) * ts_rng_normal(r);
        double dt = x * m->dt_std + m->dt_mean;
        dt = dt < m->dt_lo ? m->dt_lo : dt > m->dt_hi ? m->dt_hi : dt;
        y->dt[i] = (float)dt;
        if (m->cw[j] > 0) {   /* else it stays MASK: see context() */
            xf[lc] = real_of(m, y, i);
            *id = m->off[j];
        }
        return 0;
    }
    if (m->seen)   /* a value the training part never held is never drawn */
        for (int v = 0; v < m->K[j]; v++)
            if (!m->seen[m->off[j] + v]) z[v] = -INFINITY;
    int32_t v = draw_value(z, m->K[j], d->T, d->minp, r);
    if (m->cw[j] > 0) *id = m->off[j] + v;
    if (m->chan[j] == TS_CH_DT) y->dt[i] = dt_draw(m, v, r);
    else y->ch[m->chan[j]][i] = v;
    return 0;
}

/* Windows longer than the crop (--context, default the training context) are filled crop
 * by crop, each crop half a crop after the one before: a crop draws the hidden values of
 * its part after the previous crop, with everything before it in the crop as context. */
static int mc_impute(ts_mc_model *base, ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH], const ts_run_opts *o)
{
    mdm_mc *m = (mdm_mc *)base;
    draw_opts d;
    if (ts_kv_double(&o->kv, "temperature", 1.0, &d.T) != 0) return -1;
    if (!(d.T >= 0 && d.T <= 100)) return ts_opt_fail("mdm-mc", "temperature", "%g: expected 0 (most likely) to 100", d.T);
    const char *om = ts_kv_get(&o->kv, "order");
    if (om && strcmp(om, "random") && strcmp(om, "confident"))
        return ts_opt_fail("mdm-mc", "order", "'%s': expected random or confident", om);
    const int confident = om && !strcmp(om, "confident");
    if (ts_kv_double(&o->kv, "min-p", 0, &d.minp) != 0) return -1;
    if (!(d.minp >= 0 && d.minp < 1)) return ts_opt_fail("mdm-mc", "min-p", "%g: expected 0 (off) to below 1", d.minp);
    long cx;
    if (ts_kv_long(&o->kv, "context", m->net->c.ctx, &cx) != 0) return -1;
    if (cx < 2 || cx > 8192) return ts_opt_fail("mdm-mc", "context", "%ld: expected 2 to 8192", cx);
    if (o->steps < 0) return ts_opt_fail("mdm-mc", "steps", "%d: expected 1 or more", o->steps);
    const int Lc = (int)((size_t)cx < L ? (size_t)cx : L), half = Lc / 2 > 0 ? Lc / 2 : 1;
    const size_t n = y->n / L;
    const int nch = m->nch, S = Lc * nch, C = m->net->c.C;
    const int B = (int)(n < (o->batch ? o->batch : 16) ? n : (o->batch ? o->batch : 16));
    /* the crops: starts a_k = k half (the last one ends at L), each drawing [from_k, a_k + Lc) */
    int ncrops = L <= (size_t)Lc ? 1 : 1 + (int)((L - (size_t)Lc + (size_t)half - 1) / (size_t)half);
    plan pl;
    if (plan_init(&pl, m->net, B, Lc, 0) != 0) return -1;
    pl.trunk_only = 1;
    d.z = ts_malloc((size_t)m->net->c.V * sizeof *d.z);
    int32_t *ids = ts_malloc((size_t)B * S * sizeof *ids);
    float *xf = ts_calloc((size_t)B * Lc, sizeof *xf);
    ranked *rk = confident ? ts_malloc((size_t)S * sizeof *rk) : NULL;
    int32_t *order = ts_malloc((size_t)B * S * sizeof *order);
    int *nh = ts_malloc((size_t)B * sizeof *nh), *done = ts_malloc((size_t)B * sizeof *done);
    ts_rng *rngs = ts_malloc((size_t)B * sizeof *rngs);
    uint8_t *known = ts_malloc((size_t)B * L * nch);   /* 1 observed, 2 drawn, 0 hidden */
    int hold = 0;   /* observed values: an imputation, else a generation */
    for (int c = 0; c < TS_NCH; c++) hold |= mask[c] != NULL;
    ts_progress prog;
    ts_progress_start(&prog, hold ? "impute" : "generate", (long)((n + (size_t)B - 1) / (size_t)B) * ncrops);
    prog.enabled = o->progress;
    long tick = 0;
    int rc = 0;
    for (size_t w0 = 0; w0 < n && rc == 0; w0 += (size_t)B) {
        const int nb = (int)(n - w0 < (size_t)B ? n - w0 : (size_t)B);
        for (int b = 0; b < nb; b++) {
            ts_rng_fork(&rngs[b], o->seed, w0 + (size_t)b);
            for (size_t l = 0; l < L; l++)
                for (int j = 0; j < nch; j++)
                    known[((size_t)b * L + l) * nch + j] = mask[m->chan[j]] && mask[m->chan[j]][(w0 + (size_t)b) * L + l];
        }
        size_t end = 0;   /* drawn up to here */
        for (int k = 0; k < ncrops && rc == 0; k++) {
            size_t a = k + 1 < ncrops ? (size_t)k * (size_t)half : L - (size_t)Lc, e = a + (size_t)Lc;
            size_t from = end > a ? end : a;
            int maxh = 0;
            for (int b = 0; b < B; b++) {
                const int bb = b < nb ? b : 0;
                const size_t w = w0 + (size_t)bb;
                int32_t *id = ids + (size_t)b * S, *ord = order + (size_t)b * S;
                nh[b] = done[b] = 0;
                int untrained = 0;   /* hidden values of channels weighted 0, after the others */
                for (int lc = 0; lc < Lc; lc++) {
                    size_t l = a + (size_t)lc, i = w * L + l;
                    for (int j = 0; j < nch; j++) {
                        int kn = known[((size_t)bb * L + l) * nch + j];
                        id[lc * nch + j] = m->off[j] + (context(m, kn, j) ? value_of(m, y, j, i) : m->K[j]);
                        if (!kn && b < nb && l >= from) {
                            if (m->cw[j] > 0) ord[nh[b]++] = lc * nch + j;
                            else ord[S - 1 - untrained++] = lc * nch + j;
                        }
                    }
                    const int dj = m->dtj < 0 ? 0 : m->dtj;
                    xf[(size_t)b * Lc + lc] = context(m, known[((size_t)bb * L + l) * nch + dj], dj) ? real_of(m, y, i) : 0;
                }
                /* a random order of the hidden values (Fisher-Yates), those of channels whose
                 * head never learned (--channel-weights CH=0) last: the other values drawn
                 * are then the same whatever that head says (it is no context, and takes
                 * its random numbers after theirs) */
                shuffle(ord, nh[b], &rngs[b]);
                memmove(ord + nh[b], ord + S - untrained, (size_t)untrained * sizeof *ord);   /* (they may overlap) */
                shuffle(ord + nh[b], untrained, &rngs[b]);
                nh[b] += untrained;
                if (nh[b] > maxh) maxh = nh[b];
            }
            /* network evaluations: --steps per crop, default one per event drawn */
            int st = o->steps ? o->steps : (int)(e - from);
            if (st > maxh) st = maxh;
            for (int s = 0; s < st && rc == 0; s++) {
                mc_forward(m, &pl, ids, xf);   /* the blocks only: the heads of the values drawn now */
                for (int b = 0; b < nb && rc == 0; b++) {
                    int rem = nh[b] - done[b], cnt = (rem + (st - s) - 1) / (st - s);
                    const float *h = pl.hT + (size_t)b * Lc * C;
                    int *ord = order + (size_t)b * S + done[b];
                    if (confident && rem > cnt) rank_slots(m, h, ord, rem, d.z, rk);
                    for (int q = 0; q < cnt && rc == 0; q++) {
                        int kk = ord[q], lc = kk / nch, j = kk % nch;
                        size_t l = a + (size_t)lc;
                        if (reveal(m, h, lc, j, (w0 + (size_t)b) * L + l, y, ids + (size_t)b * S, xf + (size_t)b * Lc,
                                   &d, &rngs[b]) != 0)
                            rc = ts_fail("mdm-mc: the network's output is not finite at window %zu, position %zu "
                                         "(a damaged or diverged model)", w0 + (size_t)b, l);
                        known[((size_t)b * L + l) * nch + j] = 2;
                    }
                    done[b] += cnt;
                }
            }
            end = e;
            ts_progress_update(&prog, ++tick, NULL);
        }
    }
    ts_progress_end(&prog);
    plan_free(&pl);
    free(ids); free(order); free(nh); free(done); free(rngs); free(d.z); free(xf); free(rk); free(known);
    return rc;
}

const ts_mc_model_ops ts_mc_model_mdm = {
    .name = "mdm-mc",
    .summary = "mdm over every channel: an embedding and a head each, dt binned or real",
    .help =
        "  --dt bins|real        dt as a categorical of bins (default) or as a real\n"
        "                        value: standardized log(1 + ns) in (slope and offset\n"
        "                        rows of the embedding), a Gaussian (mean, log sd) head\n"
        "                        out, drawn values clamped to the training range\n"
        "  --dt-bins N           dt bins, equal in log(1 + ns) over the training range\n"
        "                        (64); a drawn bin becomes a training dt of that bin\n"
        "  --channel-weights CH=W,...  the training loss of channel CH (event, dt, comm,\n"
        "                        ret, tid, cpu) weighted by W >= 0 (default 1 each; 0:\n"
        "                        its head does not learn, nor does --weight-decay\n"
        "                        shrink it; impute and generate draw its values\n"
        "                        last and never as context for the others); the bound\n"
        "                        stays unweighted\n"
        "  --backbone, --heads, --layers, --channels, --state, --ff, --kernel, --context,\n"
        "  --batch, --valid-n    as for mdm (defaults 4 layers, 128 channels, context\n"
        "                        128; the context at most the validation part's events,\n"
        "                        --length at most the training part's)\n"
        TS_TRAIN_HELP
        "                        (defaults: --lr 2e-3, --schedule cosine with\n"
        "                        --warmup 100 or 5 % of --iters if fewer, --iters 2000,\n"
        "                        --valid-every 200)\n"
        "  generate/impute: windows filled in crops of --context N events (the\n"
        "                 training context), each half a crop after the one before\n"
        "                 and drawing its part after it, with what comes before as\n"
        "                 context; a crop's hidden values revealed over --steps S\n"
        "                 network evaluations (one per event drawn) in --order random\n"
        "                 (default: the reverse of the training process) or confident\n"
        "                 (the values whose heads are most certain first; a real dt\n"
        "                 last), each drawn at --temperature T (1; 0: the most\n"
        "                 likely) among the values of at least --min-p X times the\n"
        "                 largest probability at T (0: all), never a value (or dt\n"
        "                 bin) the training part never held; --batch B windows (16)\n",
    .channels = (1u << TS_NCH) - 1,
    .train = mc_train,
    .save = mc_save,
    .load = mc_load,
    .impute = mc_impute,
    .free = mc_free,
    .train_keys = mc_keys,
    .run_keys = (const char *const[]){"temperature", "order", "min-p", "context", NULL},
};

/* ---- the network alone (tracesynth/mdm_mc.h) ---- */

struct ts_mdm_mc_net { mdm_mc m; };

ts_mdm_mc_net *ts_mdm_mc_net_new(int transformer, int layers, int C, int nch, const int32_t *K, int real_dt,
                                 uint64_t seed)
{
    if (nch < 1 + !!real_dt || nch > TS_NCH - !real_dt || layers < 1 || C < 2 || (transformer && C % 4)) {
        ts_fail("mdm-mc: bad network sizes (channels %d, layers %d, width %d)", nch, layers, C);
        return NULL;
    }
    int32_t card[TS_NCH] = {0};
    for (int j = 0; j < nch; j++) {
        if (real_dt && j == 1) { card[TS_CH_DT] = 1; continue; }   /* marks dt present */
        if (K[j] < 1) { ts_fail("mdm-mc: channel %d has %d values", j, (int)K[j]); return NULL; }
        card[j == 0 ? TS_CH_EVENT : real_dt ? j : j + 1] = K[j];   /* event, (dt,) comm, ret, tid, cpu */
    }
    ts_mdm_mc_net *n = ts_calloc(1, sizeof *n);
    mdm_mc *m = &n->m;
    /* channels event, comm, ret, ... (no dt: the bins are a categorical like the rest) */
    unsigned has = 0;
    for (int c = 0; c < TS_NCH; c++) if (card[c]) has |= 1u << c;
    int V1 = (int)groups_of(m, has, card, 1, real_dt);
    m->net = ts_calloc(1, sizeof *m->net);
    m->net->c = (mdm_config){layers, C, 4, 2 * C, V1 - 1, 2, 3, transformer ? BACKBONE_TRANSFORMER : BACKBONE_S4, 2};
    alloc_params(m->net);
    if (init_params(m->net, seed) != 0) { ts_mdm_mc_net_free(n); return NULL; }
    return n;
}

void ts_mdm_mc_net_free(ts_mdm_mc_net *n)
{
    if (!n) return;
    if (n->m.net) model_free(&n->m.net->base);
    free(n);
}

size_t ts_mdm_mc_net_size(const ts_mdm_mc_net *n) { return n->m.net->p.total; }

int ts_mdm_mc_head(const ts_mc_model *base, int channel, const float **w, const float **b, int *K, int *C,
                   double *weight)
{
    if (base->ops != &ts_mc_model_mdm) return ts_fail("%s: not an mdm-mc model", base->ops->name);
    const mdm_mc *m = (const mdm_mc *)base;
    for (int j = 0; j < m->nch; j++) {
        if (m->chan[j] != channel) continue;
        *C = m->net->c.C;
        *K = m->K[j];
        *w = m->net->params + m->net->p.hw + (size_t)m->off[j] * (size_t)*C;
        *b = m->net->params + m->net->p.hb + m->off[j];
        *weight = m->cw[j];
        return 0;
    }
    return ts_fail("mdm-mc: the model has no channel %d", channel);
}
float *ts_mdm_mc_net_params(ts_mdm_mc_net *n) { return n->m.net->params; }
float *ts_mdm_mc_net_grads(ts_mdm_mc_net *n) { return n->m.net->grads; }

int ts_mdm_mc_net_loss(ts_mdm_mc_net *n, const int32_t *values, const float *xdt, const uint8_t *hid,
                       const float *weights, int B, int L, int want_grad, double *loss)
{
    const mdm_mc *m = &n->m;
    const size_t S = (size_t)L * m->nch;
    for (size_t i = 0; i < (size_t)B * S; i++)
        if (values[i] < 0 || values[i] >= ((int)(i % m->nch) == m->dtj ? 1 : m->K[i % m->nch]))
            return ts_fail("mdm-mc: value %d out of range at %zu", (int)values[i], i);
    plan pl;
    if (plan_init(&pl, m->net, B, L, want_grad) != 0) return -1;
    int32_t *ids = ts_malloc((size_t)B * S * sizeof *ids), *tgt = ts_malloc((size_t)B * S * sizeof *tgt);
    size_t cnt = 0;
    for (int b = 0; b < B; b++) cnt += crop_ids(m, values + b * S, hid + b * S, L, ids + b * S, tgt + b * S);
    mc_forward(m, &pl, ids, xdt);
    double s = mc_loss(m, pl.logits, tgt, xdt, weights, NULL, (size_t)B * L, want_grad ? pl.dlogits : NULL,
                       cnt ? 1.0 / cnt : 0, NULL);
    *loss = cnt ? s / (double)cnt : 0;
    if (want_grad) mc_backward(m, &pl, ids, xdt);
    plan_free(&pl);
    free(ids);
    free(tgt);
    return 0;
}
