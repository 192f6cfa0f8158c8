/* The "lstm" model: the study's LSTM baseline, a next-event predictor fed its own
 * output (a causal language model over events).
 *
 * Network: ids (B, T) in [0, V] (V = START, the state before a window's first event)
 * -> embedding (V+1, H) -> `layers` x LSTM (H -> H, nn.h's ts_lstm_*) -> linear head
 * (V, H) -> logits (B, T, V). Position t reads START, x_0 .. x_{t-1} and predicts x_t.
 *
 * Training: crops of `context` events at random offsets of random training windows,
 * each read from START (the crop's first event is predicted from the start state);
 * the loss is the cross-entropy of every next event (mean). Validation: the same
 * in bits per event on the first `context` events of fixed validation windows.
 *
 * Impute (the study's protocol): left to right from START over the window, observed
 * events fed as they are, each hidden event the most likely one given what came
 * before (greedy) and fed back as if observed. Only the left context is read: the
 * events after a blackout never matter. A blackout at the window's start is filled
 * from the start state alone (the network's first-event distribution, which training
 * makes about the training events' frequencies).
 *
 * Impute and generate never give an event the training part does not hold (such as
 * <unk>): the network's distribution is taken over the events it held (section SEEN).
 *
 * bits: the exact likelihood by the chain rule, every event of the window (the
 * first one from the start state), in bits per event: the network's own, over all
 * of its events. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/model.h"
#include "tracesynth/nn.h"
#include "tracesynth/train.h"
#include "nn/carve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const ts_model_ops ts_model_lstm;

/* the options' and a model file's ranges */
#define MAX_LAYERS 16
#define MAX_HIDDEN 2048
#define MAX_VOCAB (1 << 24)
#define MAX_CONTEXT 4096

typedef struct {
    int layers, H, V, ctx;
} lstm_config;

/* offsets into the parameter block (floats) */
typedef struct {
    size_t emb;              /* (V+1, H) */
    size_t blk0, blk;        /* layer l at blk0 + l blk: */
    size_t wi, wh, b;        /*   w_ih (4H, H), w_hh (4H, H), b (4H) */
    size_t hw, hb;           /* head (V, H), (V) */
    size_t total;
} lstm_layout;

typedef struct {
    ts_model base;
    lstm_config c;
    lstm_layout p;
    float *params, *grads;
    uint8_t *seen;           /* (V) 1: the training part holds the event */
} lstm_model;

static void layout_of(const lstm_config *c, lstm_layout *p)
{
    const size_t H = (size_t)c->H, V = (size_t)c->V;
    size_t o = 0;
    p->emb = o; o += (V + 1) * H;
    p->wi = 0; p->wh = 4 * H * H; p->b = 8 * H * H; p->blk = 8 * H * H + 4 * H;
    p->blk0 = o; o += (size_t)c->layers * p->blk;
    p->hw = o; o += V * H;
    p->hb = o; o += V;
    p->total = o;
}

/* parameters a model file may hold (four copies of them in a checkpoint) */
static int check_size(const char *who, const lstm_config *c)
{
    lstm_layout p;
    layout_of(c, &p);
    if ((uint64_t)p.total > TS_CONTAINER_MAX_BYTES / (4 * sizeof(float)))
        return ts_fail("%s: %zu parameters (%d events, %d layers of %d): their checkpoint would be over the %llu "
                       "bytes a model file may take", who, p.total, c->V, c->layers, c->H,
                       (unsigned long long)TS_CONTAINER_MAX_BYTES);
    return 0;
}

static void alloc_params(lstm_model *m)
{
    layout_of(&m->c, &m->p);
    m->params = ts_alloc_aligned(m->p.total * sizeof(float));
    m->grads = ts_alloc_aligned(m->p.total * sizeof(float));
}

/* PyTorch's defaults: nn.Embedding N(0, 1); nn.LSTM and nn.Linear U(+-1/sqrt(H)) */
static void init_params(lstm_model *m, uint64_t seed)
{
    ts_rng r;
    ts_rng_seed(&r, seed ^ 0x6c73746dull);
    const int H = m->c.H, V = m->c.V;
    float *P = m->params;
    ts_init_normal(P + m->p.emb, (size_t)(V + 1) * H, 0, 1, &r);
    for (int l = 0; l < m->c.layers; l++)
        ts_init_torch_default(P + m->p.blk0 + (size_t)l * m->p.blk, m->p.blk, H, &r);
    ts_linear_init(P + m->p.hw, P + m->p.hb, H, V, &r);
}

/* ---- activations for (B, T) ---- */

typedef struct {
    int B, T;                /* capacity: a forward may run fewer steps */
    int32_t *ids;            /* (B T) */
    float *x0;               /* (B, T, H) embedded */
    float *h;                /* nh x (B, T, H) outputs: every layer's (training) or two */
    float *act;              /* nact x ts_lstm_act_size: every layer's (training) or one */
    size_t actn;
    int nh, nact;            /* inference keeps only what the next layer reads */
    float *logits;           /* (B T, V); training only (inference: per row, see head_rows) */
    float *dlogits, *dh, *dx, *scratch;   /* training only */
    float *mem;
} plan;

static void plan_free(plan *pl)
{
    ts_free_aligned(pl->mem);
    free(pl->ids);
    memset(pl, 0, sizeof *pl);
}

/* the plan's buffers, cut from its block (nn/carve.h); training's alone hold the
 * logits and the gradients */
static void plan_buffers(plan *pl, const lstm_model *m, int train, ts_carve *k)
{
    const size_t BT = (size_t)pl->B * pl->T, H = (size_t)m->c.H, V = (size_t)m->c.V;
    pl->x0 = ts_carve_take(k, BT * H);
    pl->h = ts_carve_take(k, (size_t)pl->nh * BT * H);
    pl->act = ts_carve_take(k, (size_t)pl->nact * pl->actn);
    if (!train) return;
    pl->logits = ts_carve_take(k, BT * V);
    pl->dlogits = ts_carve_take(k, BT * V);
    pl->dh = ts_carve_take(k, BT * H);
    pl->dx = ts_carve_take(k, BT * H);
    pl->scratch = ts_carve_take(k, ts_lstm_scratch_size(pl->B, pl->T, m->c.H));
}

static int plan_init(plan *pl, const lstm_model *m, int B, int T, int train)
{
    memset(pl, 0, sizeof *pl);
    const size_t nl = (size_t)m->c.layers;
    pl->B = B;
    pl->T = T;
    pl->actn = ts_round_up(ts_lstm_act_size(B, T, m->c.H), 16);
    pl->nh = train || nl < 2 ? (int)nl : 2;
    pl->nact = train ? (int)nl : 1;
    ts_carve k = {NULL, 0, 0};
    plan_buffers(pl, m, train, &k);
    if (ts_carve_alloc(&k, B, T) != 0) return -1;
    pl->mem = k.base;
    plan_buffers(pl, m, train, &k);
    pl->ids = ts_malloc((size_t)B * T * sizeof(int32_t));
    return 0;
}

/* layer l's outputs (B, T, H) of a forward over B items of T steps (at inference the
 * top layer's, and the one below's while it runs) */
static float *layer_out(const lstm_model *m, const plan *pl, int l)
{
    return pl->h + (size_t)(l % pl->nh) * pl->B * pl->T * m->c.H;
}

/* the layers over pl->ids (B, T), B and T at most the plan's; h0, c0 (layers, B, H) the
 * state before step 0, or NULL for zeros; hn, cn (layers, B, H; NULL: not kept) the state
 * after the last step, each layer's taken before the next overwrites its act (they may
 * be h0 and c0: a layer's own is read only by its own forward) */
static void net_forward(const lstm_model *m, plan *pl, int B, int T, const float *h0, const float *c0, float *hn,
                        float *cn)
{
    const int H = m->c.H;
    const size_t BH = (size_t)B * H;
    const float *P = m->params;
    ts_embedding_forward(pl->x0, pl->ids, P + m->p.emb, B * T, H);
    for (int l = 0; l < m->c.layers; l++) {
        const float *w = P + m->p.blk0 + (size_t)l * m->p.blk;
        float *act = pl->act + (size_t)(l % pl->nact) * pl->actn;
        ts_lstm_forward(layer_out(m, pl, l), act, l ? layer_out(m, pl, l - 1) : pl->x0, h0 ? h0 + l * BH : NULL,
                        c0 ? c0 + l * BH : NULL, w + m->p.wi, w + m->p.wh, w + m->p.b, B, T, H, H);
        if (hn) ts_lstm_state(hn + l * BH, cn + l * BH, layer_out(m, pl, l), act, B, T, H);
    }
}

/* steps per multi-step pass at inference: what a run holds does not grow with the windows,
 * and stays small (8 MB at 2 x 128, batch 32): 256 steps took 50 MB, fresh pages zeroed at
 * every call, a fifth of score's time */
#define RUN_CHUNK 64

typedef void (*chunk_fn)(void *ctx, const float *top, int B, size_t t0, int T);

/* the layers over ids (B, n) from the state h, c (layers, B, H; zeros when fresh) in passes
 * of at most the plan's T steps, each from the state the one before left; h, c end as the
 * state after the last step; each pass's top-layer outputs (B, T, H), steps t0 .. t0+T-1,
 * go to each (NULL: none) */
static void net_run(const lstm_model *m, plan *pl, int B, const int32_t *ids, size_t n, float *h, float *c,
                    int fresh, chunk_fn each, void *ctx)
{
    for (size_t t0 = 0; t0 < n; t0 += (size_t)pl->T) {
        const int T = (int)(n - t0 < (size_t)pl->T ? n - t0 : (size_t)pl->T), zero = fresh && t0 == 0;
        for (int b = 0; b < B; b++)
            memcpy(pl->ids + (size_t)b * T, ids + (size_t)b * n + t0, (size_t)T * sizeof *ids);
        net_forward(m, pl, B, T, zero ? NULL : h, zero ? NULL : c, h, c);
        if (each) each(ctx, layer_out(m, pl, m->c.layers - 1), B, t0, T);
    }
}

/* logits (n, V) of n rows of the top layer's h (n, H) */
static void head_rows(const lstm_model *m, const float *h, int n, float *logits)
{
    ts_linear_forward(logits, h, m->params + m->p.hw, m->params + m->p.hb, n, m->c.H, m->c.V);
}

/* training's backward from pl->dlogits over the whole plan (B, T) */
static void net_backward(const lstm_model *m, plan *pl)
{
    const int B = pl->B, T = pl->T, H = m->c.H, nl = m->c.layers;
    const size_t BTH = (size_t)B * T * H;
    const float *P = m->params;
    float *G = m->grads;
    memset(pl->dh, 0, BTH * sizeof(float));
    ts_linear_backward(pl->dh, G + m->p.hw, G + m->p.hb, pl->dlogits, layer_out(m, pl, nl - 1), P + m->p.hw, B * T,
                       H, m->c.V);
    for (int l = nl - 1; l >= 0; l--) {
        const size_t o = m->p.blk0 + (size_t)l * m->p.blk;
        memset(pl->dx, 0, BTH * sizeof(float));
        ts_lstm_backward(pl->dx, G + o + m->p.wi, G + o + m->p.wh, G + o + m->p.b, pl->dh,
                         l ? layer_out(m, pl, l - 1) : pl->x0, NULL, NULL, layer_out(m, pl, l),
                         pl->act + (size_t)l * pl->actn, P + o + m->p.wi, P + o + m->p.wh, B, T, H, H, pl->scratch);
        float *t = pl->dh; pl->dh = pl->dx; pl->dx = t;   /* the layer's input gradient feeds the one below */
    }
    ts_embedding_backward(G + m->p.emb, pl->dh, pl->ids, B * T, H);
}

/* ---- options ---- */

static const char *const lstm_keys[] = {
    "layers", "hidden", "context", "batch", "valid-n", "lr", "schedule", "warmup", "weight-decay", "clip", "ema",
    "iters", "valid-every", "log-every", "budget", NULL,
};

typedef struct {
    lstm_config c;
    long batch, valid_n;
    ts_train_cfg tc;
} lstm_opts;

static int opt_long(const ts_kv *kv, const char *key, long def, long lo, long hi, long *out)
{
    if (ts_kv_long(kv, key, def, out) != 0) return ts_opt_name("lstm");
    if (*out < lo || *out > hi) return ts_opt_fail("lstm", key, "%ld out of range [%ld, %ld]", *out, lo, hi);
    return 0;
}

static int parse_opts(const ts_kv *kv, size_t L, lstm_opts *so)
{
    memset(so, 0, sizeof *so);
    long v;
    if (opt_long(kv, "layers", 2, 1, MAX_LAYERS, &v)) return -1;
    so->c.layers = (int)v;
    if (opt_long(kv, "hidden", 128, 2, MAX_HIDDEN, &v)) return -1;
    so->c.H = (int)v;
    if (L < 2) return ts_opt_fail("lstm", "length", "%zu: the windows must hold at least 2 events", L);
    if (opt_long(kv, "context", L < MAX_CONTEXT ? (long)L : MAX_CONTEXT, 2, MAX_CONTEXT, &v)) return -1;
    if ((size_t)v > L) return ts_opt_fail("lstm", "context", "%ld is longer than the windows (%zu)", v, L);
    so->c.ctx = (int)v;
    if (opt_long(kv, "batch", 32, 1, 65536, &so->batch)) return -1;
    if (opt_long(kv, "valid-n", 64, 1, 1000000, &so->valid_n)) return -1;
    const ts_train_defaults def = {2e-3, 2000, 200, TS_LR_COSINE, 100, 0};
    if (ts_train_parse(&so->tc, kv, &def) != 0) return ts_opt_name("lstm");
    return 0;
}

static void config_text(const lstm_model *m, char *buf, size_t n)
{
    snprintf(buf, n, "layers=%d\nhidden=%d\nvocab=%d\ncontext=%d\n", m->c.layers, m->c.H, m->c.V, m->c.ctx);
}

/* ---- save / load ---- */

static void model_free(ts_model *base)
{
    lstm_model *m = (lstm_model *)base;
    ts_free_aligned(m->params);
    ts_free_aligned(m->grads);
    free(m->seen);
    free(m);
}

static int model_save(const ts_model *base, ts_writer *w)
{
    const lstm_model *m = (const lstm_model *)base;
    char cfg[256];
    config_text(m, cfg, sizeof cfg);
    ts_writer_text(w, "CONFIG", cfg);
    ts_writer_f32(w, "PARAMS", m->params, m->p.total);
    /* SEEN: the IDs the training part held, ascending */
    int32_t *ids = ts_malloc((size_t)m->c.V * sizeof *ids);
    size_t n = 0;
    for (int v = 0; v < m->c.V; v++)
        if (m->seen[v]) ids[n++] = v;
    ts_writer_i32(w, "SEEN", ids, n);
    free(ids);
    return 0;
}

static int model_load(ts_model **out, const ts_reader *r)
{
    long v[4];
    const struct { const char *k; long lo, hi; } keys[] = {
        {"layers", 1, MAX_LAYERS}, {"hidden", 2, MAX_HIDDEN}, {"vocab", 1, MAX_VOCAB}, {"context", 2, MAX_CONTEXT},
    };
    for (int i = 0; i < 4; i++)
        if (ts_reader_long(r, "CONFIG", keys[i].k, keys[i].lo, keys[i].hi, &v[i]) != 0) return -1;
    /* the network's vocabulary is the range every input ID is checked against (NIDS) */
    unsigned char nb[4];
    if (ts_reader_copy(r, "NIDS", nb, 4) != 0) return -1;
    const int32_t n_ids = (int32_t)ts_le_get32(nb);
    if (v[2] != n_ids)
        return ts_fail("%s: section 'CONFIG': 'vocab' = %ld, section 'NIDS' = %d (corrupt file)", r->path, v[2], n_ids);
    lstm_model *m = ts_calloc(1, sizeof *m);
    m->base.ops = &ts_model_lstm;
    m->c = (lstm_config){(int)v[0], (int)v[1], (int)v[2], (int)v[3]};
    if (check_size("lstm", &m->c) != 0) {
        free(m);
        return ts_reader_fail_in(r, "CONFIG");
    }
    layout_of(&m->c, &m->p);
    if (ts_reader_expect_size(r, "PARAMS", m->p.total, sizeof(float)) != 0) { free(m); return -1; }
    alloc_params(m);
    if (ts_reader_f32(r, "PARAMS", m->params, m->p.total) != 0) { model_free(&m->base); return -1; }
    for (size_t i = 0; i < m->p.total; i++)
        if (!isfinite(m->params[i])) {
            model_free(&m->base);
            return ts_fail("%s: section 'PARAMS': parameter %zu is not finite", r->path, i);
        }
    const ts_chunk *c = ts_reader_get(r, "SEEN");
    if (!c || c->size == 0 || c->size % 4 || c->size / 4 > (uint64_t)m->c.V) {
        const int V = m->c.V;
        model_free(&m->base);
        return ts_fail("%s: section 'SEEN' is missing or not a list of 1 to %d 32-bit IDs", r->path, V);
    }
    m->seen = ts_calloc((size_t)m->c.V, 1);
    for (size_t i = 0; i < c->size / 4; i++) {
        const int32_t id = ts_chunk_i32(c, i);
        if (id < 0 || id >= m->c.V || m->seen[id]) {
            const int V = m->c.V;
            model_free(&m->base);
            return ts_fail("%s: section 'SEEN': entry %zu is ID %d, outside [0, %d) or given twice", r->path, i, id,
                           V);
        }
        m->seen[id] = 1;
    }
    *out = &m->base;
    return 0;
}

/* ---- training ---- */

typedef struct {
    lstm_model *m;
    const ts_windows *tw;
    plan pl;
    int32_t *tgt;            /* (B T) */
    const ts_windows *vw;    /* validation windows */
    size_t vn;               /* how many of them, spread evenly */
} train_ctx;

/* the crop of T events at x into row b: START, x_0 .. x_{T-2} read, x_0 .. x_{T-1} the targets */
static void put_crop(train_ctx *c, int b, const int32_t *x)
{
    const int T = c->pl.T;
    int32_t *ids = c->pl.ids + (size_t)b * T, *tg = c->tgt + (size_t)b * T;
    ids[0] = c->m->c.V;
    memcpy(ids + 1, x, (size_t)(T - 1) * sizeof *ids);
    memcpy(tg, x, (size_t)T * sizeof *tg);
}

static int train_step(void *ctx, ts_rng *rng, float *loss)
{
    train_ctx *c = ctx;
    lstm_model *m = c->m;
    const int B = c->pl.B, T = c->pl.T, V = m->c.V;
    const size_t L = c->tw->len, BT = (size_t)B * T;
    for (int b = 0; b < B; b++) {
        const int32_t *x = c->tw->data + ts_rng_below(rng, c->tw->n) * L;
        put_crop(c, b, x + ts_rng_below(rng, L - (size_t)T + 1));
    }
    net_forward(m, &c->pl, B, T, NULL, NULL, NULL, NULL);
    head_rows(m, layer_out(m, &c->pl, m->c.layers - 1), (int)BT, c->pl.logits);
    *loss = ts_xent_forward(c->pl.logits, c->pl.logits, c->tgt, (int)BT, V);
    memset(c->pl.dlogits, 0, BT * V * sizeof(float));
    ts_xent_backward(c->pl.dlogits, c->pl.logits, c->tgt, (int)BT, V, 1.0f);
    net_backward(m, &c->pl);
    return 0;
}

/* bits per event of the first T events of the validation windows */
static int train_validate(void *ctx, double *loss)
{
    train_ctx *c = ctx;
    lstm_model *m = c->m;
    const int B = c->pl.B, T = c->pl.T, V = m->c.V;
    const size_t BT = (size_t)B * T;
    double sum = 0;
    for (size_t s = 0; s < c->vn; s += (size_t)B) {
        const int nb = (int)(c->vn - s < (size_t)B ? c->vn - s : (size_t)B);
        for (int b = 0; b < B; b++) {   /* a short last batch repeats its first window, not counted */
            const size_t j = s + (size_t)(b < nb ? b : 0), src = c->vn > 1 ? j * (c->vw->n - 1) / (c->vn - 1) : 0;
            put_crop(c, b, c->vw->data + src * c->vw->len);
            if (b >= nb)
                for (int t = 0; t < T; t++) c->tgt[(size_t)b * T + t] = -1;
        }
        net_forward(m, &c->pl, B, T, NULL, NULL, NULL, NULL);
        head_rows(m, layer_out(m, &c->pl, m->c.layers - 1), (int)BT, c->pl.logits);
        sum += (double)ts_xent_forward(c->pl.logits, c->pl.logits, c->tgt, (int)BT, V) * nb * T;
    }
    *loss = sum / ((double)c->vn * T) / log(2.0);
    return 0;
}

static int train_save(void *ctx, const char *path)
{
    train_ctx *c = ctx;
    return ts_model_save(&c->m->base, path);
}

static int model_train(ts_model **out, const ts_train_opts *o)
{
    *out = NULL;
    const ts_windows *tw = &o->split->train;
    if (tw->n == 0) return ts_fail("lstm: no training windows");
    lstm_opts so;
    if (parse_opts(&o->kv, tw->len, &so) != 0) return -1;
    so.c.V = o->n_ids;
    if (so.c.V > MAX_VOCAB)
        return ts_fail("lstm: the training data has %d distinct values to embed, over the %d a model file may hold",
                       so.c.V, MAX_VOCAB);
    if (check_size("lstm", &so.c) != 0) return -1;
    lstm_model *m = ts_calloc(1, sizeof *m);
    m->base.len = 0;   /* any window length */
    if (ts_model_base_init(&m->base, &ts_model_lstm, o) != 0) {
        free(m);
        return -1;
    }
    m->c = so.c;
    alloc_params(m);
    init_params(m, o->seed);
    {   /* the IDs the training part holds (its stream with --also's, else its windows) */
        size_t N = tw->n * tw->len;
        int32_t *s = o->split->train_stream.n > 0 ? ts_split_train_events(o->split, -1, &N) : NULL;
        const int32_t *e = s ? s : tw->data;
        m->seen = ts_calloc((size_t)m->c.V, 1);
        for (size_t i = 0; i < N; i++)
            if (e[i] >= 0 && e[i] < m->c.V) m->seen[e[i]] = 1;
        free(s);
    }
    train_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.tw = tw;
    c.vw = o->split->valid.n && o->split->valid.len >= (size_t)m->c.ctx ? &o->split->valid : tw;
    c.vn = c.vw->n < (size_t)so.valid_n ? c.vw->n : (size_t)so.valid_n;
    int rc = -1;
    const int B = (int)so.batch, T = m->c.ctx;
    if (plan_init(&c.pl, m, B, T, 1) != 0) goto done;
    c.tgt = ts_malloc((size_t)B * T * sizeof(int32_t));
    char cfg[256], start[512];
    config_text(m, cfg, sizeof cfg);
    snprintf(start, sizeof start, "\"layers\":%d,\"hidden\":%d,\"context\":%d,\"params\":%zu,\"batch\":%d,\"lr\":%g,"
             "\"train_windows\":%zu,\"valid_windows\":%zu", m->c.layers, m->c.H, T, m->p.total, B, so.tc.lr.lr,
             tw->n, c.vn);
    ts_train_net net = {
        .name = "lstm", .ctx = &c, .params = m->params, .grads = m->grads, .n = m->p.total, .config = cfg,
        .step = train_step, .validate = train_validate, .save = train_save,
        .chance = log2((double)m->c.V),   /* a uniform guess, bits per event */
        .n_events = o->n_ids, .vocab = o->vocab,
    };
    char split[64];   /* the held-out parts a resume keeps */
    net.split = ts_train_split_text(split, sizeof split, o->split->kind == TS_SPLIT_PAPER, o->split->permille);
    ts_train_cfg tc = so.tc;
    ts_train_cfg_take(&tc, o, start);
    if (ts_train_run(&net, &tc) != 0) goto done;
    rc = 0;
done:
    plan_free(&c.pl);
    free(c.tgt);
    if (rc != 0) {
        ts_vocab_free(&m->base.vocab);
        model_free(&m->base);
        return -1;
    }
    *out = &m->base;
    return 0;
}

/* ---- runs ---- */

#define RUN_BATCH 64

/* a run's options: what impute, generate and bits take (no sampling steps; --temperature
 * is generate's); *temp = generate's temperature (1 unless given) */
static int run_opts(const ts_run_opts *o, const char *what, int sampling, double *temp)
{
    *temp = sampling ? 1.0 : 0.0;
    if (!o) return 0;
    if (o->steps) return ts_opt_fail("lstm", "steps", "%s takes one network step per event (no sampling steps)", what);
    if (!sampling && ts_kv_get(&o->kv, "temperature"))
        return ts_opt_fail("lstm", "temperature", "%s is greedy (the most likely event); generate samples", what);
    if (ts_kv_double(&o->kv, "temperature", *temp, temp) != 0) return ts_opt_name("lstm");
    if (!(*temp >= 0 && *temp <= 100))
        return ts_opt_fail("lstm", "temperature", "%g: expected 0 (greedy) to 100", *temp);
    if (o->seed_given && *temp == 0)
        return ts_opt_fail("lstm", "seed", "%s draws nothing: sample with generate --temperature T above 0, or "
                           "leave --seed out", sampling ? "greedy decoding (--temperature 0)" : what);
    return 0;
}

static int model_run_check(const ts_model *base, const ts_run_opts *o)
{
    double t;
    return run_opts(o, "impute", 0, &t);
}

static int model_generate_check(const ts_model *base, const ts_run_opts *o)
{
    double t;
    return run_opts(o, "generate", 1, &t);
}

/* floats of next-event logits a run holds at once: fewer windows per batch under a
 * large vocabulary (none fewer under 65,536 events at the default batch) */
#define STEP_FLOATS (1 << 22)

/* windows per batch: want, at most n (at least 1), at most what STEP_FLOATS allows */
static int run_batch(size_t n, size_t want, int V)
{
    size_t B = n < want ? (n ? n : 1) : want;
    const size_t cap = V >= STEP_FLOATS ? 1 : (size_t)(STEP_FLOATS / V);
    return (int)(B < cap ? B : cap);
}

/* the run's state: a plan over (B, 1) for single steps, the layers' h and c (layers, B, H)
 * and the logits (B, V) of the next event */
typedef struct {
    plan one;
    float *h, *c, *logits;
} stepper;

static int stepper_init(stepper *s, const lstm_model *m, int B)
{
    memset(s, 0, sizeof *s);
    if (plan_init(&s->one, m, B, 1, 0) != 0) return -1;
    const size_t n = (size_t)m->c.layers * B * m->c.H;
    s->h = ts_malloc(2 * n * sizeof(float));
    s->c = s->h + n;
    s->logits = ts_malloc((size_t)B * m->c.V * sizeof(float));
    return 0;
}

static void stepper_free(stepper *s)
{
    plan_free(&s->one);
    free(s->h);
    free(s->logits);
    memset(s, 0, sizeof *s);
}

/* feed ids (B) one step from the state (zeros with fresh), leaving the new state and the
 * next event's logits */
static void stepper_feed(const lstm_model *m, stepper *s, int B, const int32_t *ids, int fresh)
{
    memcpy(s->one.ids, ids, (size_t)B * sizeof *ids);
    net_forward(m, &s->one, B, 1, fresh ? NULL : s->h, fresh ? NULL : s->c, s->h, s->c);
    head_rows(m, layer_out(m, &s->one, m->c.layers - 1), B, s->logits);
}

/* the most likely event of z (V) among those with seen[v] (NULL: all); ties: the lowest */
static int32_t argmax(const float *z, int V, const uint8_t *seen)
{
    int32_t best = -1;
    for (int v = 0; v < V; v++)
        if ((!seen || seen[v]) && (best < 0 || z[v] > z[best])) best = v;
    return best;
}

/* a draw from softmax(z / temp) over the seen events */
static int32_t draw(const float *z, int V, const uint8_t *seen, double temp, ts_rng *r)
{
    const int32_t top = argmax(z, V, seen);
    if (temp == 0) return top;
    const float mx = z[top];
    double s = 0;
    for (int v = 0; v < V; v++)
        if (seen[v]) s += exp(((double)z[v] - mx) / temp);
    double u = ts_rng_uniform(r) * s;
    for (int v = 0; v < V; v++)
        if (seen[v] && (u -= exp(((double)z[v] - mx) / temp)) < 0) return v;
    return top;   /* rounding left u at the end */
}

typedef struct { size_t w, first, last; } hidden_span;

static int cmp_span(const void *a, const void *b)
{
    const hidden_span *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->w < y->w ? -1 : x->w > y->w;
}

static int model_impute(ts_model *base, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                        const ts_run_opts *o, int32_t *out)
{
    lstm_model *m = (lstm_model *)base;
    double temp;
    if (run_opts(o, "impute", 0, &temp) != 0) return -1;
    memcpy(out, x, n * L * sizeof *out);
    /* windows with a hidden event, by the position of the first: a batch shares it, so
     * that the left context up to it runs in one multi-step pass */
    hidden_span *sp = ts_malloc((n ? n : 1) * sizeof *sp);
    size_t ns = 0;
    for (size_t w = 0; w < n; w++) {
        size_t f = L, l = 0;
        for (size_t t = 0; t < L; t++)
            if (!mask[w * L + t]) { if (f == L) f = t; l = t; }
        if (f < L) sp[ns++] = (hidden_span){w, f, l};
    }
    qsort(sp, ns, sizeof *sp, cmp_span);
    const int Bm = run_batch(ns, o && o->batch ? o->batch : RUN_BATCH, m->c.V);
    size_t maxf = 0;
    for (size_t i = 0; i < ns; i++) if (sp[i].first > maxf) maxf = sp[i].first;
    plan pre;
    stepper st;
    memset(&pre, 0, sizeof pre);
    if (stepper_init(&st, m, Bm) != 0) { free(sp); return -1; }
    if (maxf > 0 && plan_init(&pre, m, Bm, maxf + 1 < RUN_CHUNK ? (int)maxf + 1 : RUN_CHUNK, 0) != 0) {
        stepper_free(&st);
        free(sp);
        return -1;
    }
    const int V = m->c.V, H = m->c.H;
    int32_t *ids = ts_malloc((size_t)Bm * sizeof *ids);
    int32_t *left = ts_malloc((size_t)Bm * (maxf + 1) * sizeof *left);   /* (B, p + 1) */
    ts_progress prog;
    ts_progress_start(&prog, "impute", (long)ns);
    prog.enabled = o ? o->progress : 0;
    for (size_t i = 0; i < ns;) {
        const size_t p = sp[i].first;
        int B = 0;
        size_t e = 0;
        while (i + (size_t)B < ns && B < Bm && sp[i + (size_t)B].first == p) {
            if (sp[i + (size_t)B].last > e) e = sp[i + (size_t)B].last;
            B++;
        }
        const hidden_span *g = sp + i;
        if (p == 0) {   /* nothing before it: the start state */
            for (int b = 0; b < B; b++) ids[b] = V;
            stepper_feed(m, &st, B, ids, 1);
        } else {        /* START, x_0 .. x_{p-1} in multi-step passes */
            for (int b = 0; b < B; b++) {
                left[(size_t)b * (p + 1)] = V;
                memcpy(left + (size_t)b * (p + 1) + 1, x + g[b].w * L, p * sizeof *ids);
            }
            net_run(m, &pre, B, left, p + 1, st.h, st.c, 1, NULL, NULL);
            head_rows(m, st.h + (size_t)(m->c.layers - 1) * B * H, B, st.logits);   /* the top layer's last h */
        }
        for (size_t t = p;; t++) {   /* the logits predict event t */
            for (int b = 0; b < B; b++) {
                int32_t *y = out + g[b].w * L + t;
                if (!mask[g[b].w * L + t]) *y = argmax(st.logits + (size_t)b * V, V, m->seen);
                ids[b] = *y;
            }
            if (t == e) break;
            stepper_feed(m, &st, B, ids, 0);
        }
        i += (size_t)B;
        ts_progress_update(&prog, (long)i, NULL);
    }
    ts_progress_end(&prog);
    free(ids);
    free(left);
    plan_free(&pre);
    stepper_free(&st);
    free(sp);
    return 0;
}

/* the state h, c (layers, 1, H) after START and the P events of prefix, and the logits
 * (V) of the event after them: the network over them in multi-step passes of RUN_CHUNK
 * steps, as training's forward runs (a pass's input projection one product over its
 * steps, then the recurrence), not one step at a time (passes of 4096 steps were no
 * faster, and held more) */
static int prefix_state(const lstm_model *m, const int32_t *prefix, size_t P, float *h, float *c, float *logits)
{
    plan pl;
    if (plan_init(&pl, m, 1, P + 1 < RUN_CHUNK ? (int)P + 1 : RUN_CHUNK, 0) != 0) return -1;
    int32_t *ids = ts_malloc((P + 1) * sizeof *ids);
    ids[0] = m->c.V;
    memcpy(ids + 1, prefix, P * sizeof *ids);
    net_run(m, &pl, 1, ids, P + 1, h, c, 1, NULL, NULL);
    head_rows(m, h + (size_t)(m->c.layers - 1) * m->c.H, 1, logits);   /* the top layer's last h */
    free(ids);
    plan_free(&pl);
    return 0;
}

/* n windows of L: the P events of prefix (0: none) read from the start state, then each
 * event drawn from the next-event distribution after the ones before it. Every window
 * shares the prefix: its state is made once, then copied to each window's */
static int model_generate_after(ts_model *base, const int32_t *prefix, size_t P, size_t n, size_t L,
                                const ts_run_opts *o, int32_t *out)
{
    lstm_model *m = (lstm_model *)base;
    double temp;
    if (run_opts(o, "generate", 1, &temp) != 0) return -1;
    const int Bm = run_batch(n, o && o->batch ? o->batch : RUN_BATCH, m->c.V), V = m->c.V, H = m->c.H;
    stepper st;
    if (stepper_init(&st, m, Bm) != 0) return -1;
    const size_t nl = (size_t)m->c.layers;
    float *ph = NULL, *pz = NULL;   /* the prefix's h, c (layers, 1, H) and logits (V) */
    if (P) {
        ph = ts_malloc(2 * nl * H * sizeof *ph);
        pz = ts_malloc((size_t)V * sizeof *pz);
        if (prefix_state(m, prefix, P, ph, ph + nl * H, pz) != 0) {
            free(ph);
            free(pz);
            stepper_free(&st);
            return -1;
        }
    }
    int32_t *ids = ts_malloc((size_t)Bm * sizeof *ids);
    ts_rng *rng = ts_malloc((size_t)Bm * sizeof *rng);
    ts_progress prog;
    ts_progress_start(&prog, "generate", (long)n);
    prog.enabled = o ? o->progress : 0;
    for (size_t s = 0; s < n; s += (size_t)Bm) {
        const int B = (int)(n - s < (size_t)Bm ? n - s : (size_t)Bm);
        for (int b = 0; b < B; b++) {
            ts_rng_fork(&rng[b], o ? o->seed : 0, s + (size_t)b);   /* window w draws the same however batched */
            ids[b] = V;
            if (!P) continue;
            memcpy(out + (s + (size_t)b) * L, prefix, P * sizeof *out);
            for (size_t l = 0; l < nl; l++) {   /* the prefix's state, (layers, B, H) */
                memcpy(st.h + (l * B + b) * H, ph + l * H, (size_t)H * sizeof *ph);
                memcpy(st.c + (l * B + b) * H, ph + (nl + l) * H, (size_t)H * sizeof *ph);
            }
            memcpy(st.logits + (size_t)b * V, pz, (size_t)V * sizeof *pz);
        }
        for (size_t t = P; t < L; t++) {   /* the logits predict event t, after event t - 1 is fed */
            if (t == 0 || t > P) stepper_feed(m, &st, B, ids, t == 0);
            for (int b = 0; b < B; b++)
                out[(s + (size_t)b) * L + t] = ids[b] = draw(st.logits + (size_t)b * V, V, m->seen, temp, &rng[b]);
        }
        ts_progress_update(&prog, (long)(s + (size_t)B), NULL);
    }
    ts_progress_end(&prog);
    free(ids);
    free(rng);
    free(ph);
    free(pz);
    stepper_free(&st);
    return 0;
}

/* floats of logits score holds at once (a few rows of a large vocabulary's) */
#define HEAD_FLOATS (1 << 20)

/* score's sum of -ln p over one pass's steps of each window */
typedef struct {
    const lstm_model *m;
    const int32_t *x;        /* the batch's windows (B, L) */
    size_t L;
    int rows;                /* steps per head product */
    float *logits;           /* (rows, V) */
    double sum;
} bits_ctx;

static void bits_chunk(void *ctx, const float *top, int B, size_t t0, int T)
{
    bits_ctx *c = ctx;
    const int V = c->m->c.V, H = c->m->c.H;
    for (int b = 0; b < B; b++)
        for (int r0 = 0; r0 < T; r0 += c->rows) {
            const int R = T - r0 < c->rows ? T - r0 : c->rows;
            head_rows(c->m, top + ((size_t)b * T + r0) * H, R, c->logits);
            const int32_t *y = c->x + (size_t)b * c->L + t0 + r0;
            for (int t = 0; t < R; t++) {
                const float *z = c->logits + (size_t)t * V;
                const float mx = z[argmax(z, V, NULL)];
                double e = 0;
                for (int v = 0; v < V; v++) e += exp((double)z[v] - mx);
                c->sum += mx + log(e) - z[y[t]];
            }
        }
}

static int model_bits(ts_model *base, const int32_t *x, size_t n, size_t L, const ts_run_opts *o, double *bits)
{
    lstm_model *m = (lstm_model *)base;
    double temp;
    if (run_opts(o, "score", 0, &temp) != 0) return -1;
    if (n == 0 || L == 0) return ts_fail("lstm: no events to score");
    const size_t want = o && o->batch ? o->batch : RUN_BATCH;
    const int Bm = (int)(n < want ? n : want), V = m->c.V, T = L < RUN_CHUNK ? (int)L : RUN_CHUNK;
    plan pl;
    if (plan_init(&pl, m, Bm, T, 0) != 0) return -1;
    const size_t ns = (size_t)m->c.layers * Bm * m->c.H;
    float *h = ts_malloc(2 * ns * sizeof(float)), *c = h + ns;
    int32_t *ids = ts_malloc((size_t)Bm * L * sizeof *ids);   /* (B, L): START, x_0 .. x_{L-2} */
    const int rows = V >= HEAD_FLOATS ? 1 : T < HEAD_FLOATS / V ? T : HEAD_FLOATS / V;
    bits_ctx bc = {m, NULL, L, rows, ts_malloc((size_t)rows * V * sizeof(float)), 0};
    for (size_t s = 0; s < n; s += (size_t)Bm) {
        const int B = (int)(n - s < (size_t)Bm ? n - s : (size_t)Bm);
        for (int b = 0; b < B; b++) {
            ids[(size_t)b * L] = V;
            memcpy(ids + (size_t)b * L + 1, x + (s + (size_t)b) * L, (L - 1) * sizeof *x);
        }
        bc.x = x + s * L;
        net_run(m, &pl, B, ids, L, h, c, 1, bits_chunk, &bc);
    }
    free(bc.logits);
    free(ids);
    free(h);
    plan_free(&pl);
    *bits = bc.sum / ((double)n * L) / log(2.0);
    return 0;
}

const ts_model_ops ts_model_lstm = {
    .name = "lstm",
    .summary = "the study's LSTM baseline: a next-event predictor fed its own output (left context only)",
    .help =
        "  --layers N            stacked LSTM layers (2, at most 16)\n"
        "  --hidden H            hidden units of each layer, also the embedding's width\n"
        "                        (128, at most 2048)\n"
        "  --context N           training crop length (the window length L, at most\n"
        "                        4096); each crop is read from a start state, as a\n"
        "                        window is\n"
        "  --batch N             crops per training batch (32)\n"
        "  --valid-n N           validation windows for the loss in bits per event (64;\n"
        "                        their first --context events)\n"
        TS_TRAIN_HELP
        "                        (defaults: --lr 2e-3, --schedule cosine with\n"
        "                        --warmup 100 or 5 % of --iters if fewer, --iters 2000,\n"
        "                        --valid-every 200)\n"
        "  impute: the study's protocol: the window read left to right from a start\n"
        "                 state, each hidden event the most likely one given the\n"
        "                 events before it (greedy), then fed back as if observed.\n"
        "                 It uses only the left context: the events after a blackout\n"
        "                 are never read. A blackout at the window's start is filled\n"
        "                 from the start state alone (the network's first-event\n"
        "                 distribution, near the training events' frequencies).\n"
        "                 --batch B windows per pass (64); no --seed (nothing is drawn)\n"
        "  generate: each event drawn from the next-event distribution after the ones\n"
        "                 drawn before it, from the start state; --temperature T (1;\n"
        "                 0: the most likely event, which takes no --seed), --seed,\n"
        "                 --batch B (64); with --prefix FILE the network runs over\n"
        "                 the prefix's events first (once for all windows, in\n"
        "                 multi-step passes as training's forward), then draws\n"
        "                 the rest alike\n"
        "  impute and generate take fewer windows per batch than --batch where the\n"
        "                 vocabulary is over 65,536 events: B x events at most 2^22\n"
        "  score: bits per event by the exact likelihood (chain rule), every event of\n"
        "                 the window, the first one from the start state\n"
        "  impute and generate never give an event the training part does not hold\n"
        "                 (such as <unk>): the network's distribution is taken over\n"
        "                 the events it held\n",
    .train = model_train,
    .save = model_save,
    .load = model_load,
    .impute = model_impute,
    .generate_after = model_generate_after,
    .free = model_free,
    .bits = model_bits,
    .train_keys = lstm_keys,
    .run_keys = (const char *const[]){"temperature", NULL},
    .train_reads = TS_TRAIN_READS_SEED | TS_TRAIN_READS_PRECISION | TS_TRAIN_READS_WINDOWS | TS_TRAIN_READS_RESUME,
    .impute_reads = TS_IMPUTE_READS_PRECISION,
    .run_check = model_run_check,
    .generate_check = model_generate_check,
};
