/* A single-channel model (model.h) as the event channel of a multi-channel model
 * (ts_mc_model_events, mc_model.h): the event model draws the event windows, its IDs go
 * to a dataset's event IDs by name, and the other channels are drawn for those events
 * from the dataset's training part by the Markov baseline's tables (ts_mc_drawer). */
#include "tracesynth/common.h"
#include "tracesynth/mc_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    ts_mc_model base;
    ts_mc_model_ops ops;       /* its own: its name and run options are the event model's */
    char name[80];
    ts_model *ev;              /* the event model (owned) */
    int32_t *to_data;          /* (ev->n_ids) the event model's ID -> the dataset's */
    int32_t *to_model;         /* (dataset event types) the dataset's -> the event model's */
    ts_mc_drawer *draw;
    size_t crop;               /* 0: windows in one pass; else crops of this many events */
} mc_events;

static void ev_free(ts_mc_model *base)
{
    mc_events *m = (mc_events *)base;
    ts_model_free(m->ev);
    ts_mc_drawer_free(m->draw);
    free(m->to_data);
    free(m->to_model);
    free(m);
}

ts_run_opts ts_mc_sampling_opts(const ts_model *ev, const ts_run_opts *o, const char **keys, const char **vals)
{
    ts_run_opts r = *o;
    int takes = 0;
    for (const char *const *k = ev->ops->run_keys; k && *k; k++) takes |= !strcmp(*k, "temperature");
    if (!takes || ts_kv_get(&o->kv, "temperature")) return r;
    for (int i = 0; i < o->kv.n; i++) keys[i] = o->kv.keys[i], vals[i] = o->kv.values[i];
    keys[o->kv.n] = "temperature";
    vals[o->kv.n] = "1";
    r.kv = (ts_kv){o->kv.n + 1, keys, vals};
    return r;
}

/* n windows of L events from the event model into x (n L, its numbering): in one pass, or
 * crop by crop: a first crop generated, then each next part of at most crop / 2 events
 * imputed after the crop - part events before it. A left-to-right sampler (mdm's
 * --sampler chain: each event drawn given the model's own crop of the events before it)
 * needs no crops and has no imputation: its windows are drawn in one pass. A model whose
 * imputation of a window's end draws nothing (lstm's is greedy, the n-gram's the most
 * likely events, the unigram's the commonest name at every place) but which generates
 * after a prefix draws each next part by that generation, after the window's own
 * crop - part events, under o as its generation takes it (its temperature, or its
 * default), not imputed: imputed, every part after the first would be the same most
 * likely events. */
static int ev_generate(mc_events *m, size_t n, size_t L, const ts_run_opts *o, int32_t *x)
{
    ts_windows w = {0};
    const char *sampler = ts_kv_get(&o->kv, "sampler");
    const int left_to_right = sampler && !strcmp(sampler, "chain");
    const size_t C = m->crop && L > m->crop && !left_to_right ? m->crop : L;
    ts_progress_span_begin("generate", (long)L, o->progress);   /* one bar over the crops */
    ts_progress_span_part((long)C);
    if (ts_model_generate(m->ev, n, C, o, &w) != 0) { ts_progress_span_end(); return -1; }
    for (size_t k = 0; k < n; k++) memcpy(x + k * L, w.data + k * C, C * sizeof *x);
    ts_windows_free(&w);
    /* the next parts are imputed, which has one way (unmasking): --sampler unmask is not
     * passed on to it */
    const size_t nk = (size_t)o->kv.n + 1;
    const char **keys = ts_malloc(nk * sizeof *keys), **vals = ts_malloc(nk * sizeof *vals);
    const char **fk = ts_malloc(nk * sizeof *fk), **fv = ts_malloc(nk * sizeof *fv);
    ts_run_opts oi = *o;
    oi.kv.n = 0;
    for (int i = 0; i < o->kv.n; i++)
        if (strcmp(o->kv.keys[i], "sampler")) fk[oi.kv.n] = o->kv.keys[i], fv[oi.kv.n++] = o->kv.values[i];
    oi.kv.keys = fk;
    oi.kv.values = fv;
    const int after = m->ev->ops->generate_after && !(ts_model_impute_reads(m->ev) & TS_IMPUTE_READS_SEED);
    ts_run_opts r = after ? oi : ts_mc_sampling_opts(m->ev, &oi, keys, vals);
    ts_windows in = {ts_malloc(n * C * sizeof(int32_t)), n, C}, out = {0};
    uint8_t *mask = ts_malloc(n * C);
    int rc = 0;
    for (size_t done = C, part = 0; done < L && rc == 0; part++) {
        const size_t h = L - done < C / 2 ? L - done : C / 2 > 0 ? C / 2 : 1, keep = C - h;
        if (after) {   /* each window after its own events (a crop of 1: none, one call) */
            ts_run_opts g = r;
            g.progress = 0;   /* the span's bar moves by the parts */
            ts_progress_span_part((long)h);
            for (size_t k = 0; k < (keep ? n : 1) && rc == 0; k++) {
                ts_rng fr;
                ts_rng_fork(&fr, o->seed + 0x9e3779b97f4a7c15ull * (part + 1), k);   /* window k's part's own draws */
                g.seed = ts_rng_u64(&fr);
                rc = keep ? ts_model_generate_prefix(m->ev, x + k * L + done - keep, keep, 1, C, &g, &out)
                          : ts_model_generate(m->ev, n, C, &g, &out);
                for (size_t j = 0; j < out.n && rc == 0; j++)
                    memcpy(x + (k + j) * L + done, out.data + j * C + keep, h * sizeof *x);
                ts_windows_free(&out);
            }
            done += h;
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            memcpy(in.data + k * C, x + k * L + done - keep, keep * sizeof *x);
            memset(in.data + k * C + keep, 0, h * sizeof *x);
            memset(mask + k * C, 1, keep);
            memset(mask + k * C + keep, 0, h);
        }
        r.seed = o->seed + 0x9e3779b97f4a7c15ull * (part + 1);   /* each part its own draws */
        ts_progress_span_part((long)h);
        rc = ts_model_impute(m->ev, &in, mask, &r, &out);
        for (size_t k = 0; k < n && rc == 0; k++) memcpy(x + k * L + done, out.data + k * C + keep, h * sizeof *x);
        ts_windows_free(&out);
        done += h;
    }
    /* the last part done: the bar at the whole window (an event model without a bar of
     * its own moves it only at the start of each part) */
    if (rc == 0) ts_progress_span_part(0);
    ts_progress_span_end();
    free(in.data);
    free(mask);
    free(keys);
    free(vals);
    free(fk);
    free(fv);
    return rc;
}

static int ev_impute(ts_mc_model *base, ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH], const ts_run_opts *o)
{
    mc_events *m = (mc_events *)base;
    const size_t n = y->n / L;
    int32_t *ev = y->ch[TS_CH_EVENT];
    int32_t *x = ts_malloc(y->n * sizeof *x);
    int rc;
    if (!mask[TS_CH_EVENT]) {
        rc = ev_generate(m, n, L, o, x);
    } else {   /* the observed events in the event model's numbering, the hidden ones imputed as
                  the event model imputes (its own defaults, as `impute MODEL`: o as given) */
        ts_windows in = {x, n, L}, out = {0};
        for (size_t i = 0; i < y->n; i++) x[i] = mask[TS_CH_EVENT][i] ? m->to_model[ev[i]] : 0;
        rc = ts_model_impute(m->ev, &in, mask[TS_CH_EVENT], o, &out);
        if (rc == 0) memcpy(x, out.data, y->n * sizeof *x);
        ts_windows_free(&out);
    }
    for (size_t i = 0; i < y->n && rc == 0; i++)
        if (x[i] < 0 || x[i] >= m->ev->n_ids)
            rc = ts_fail("%s: window %zu, position %zu: event ID %d is not the model's", m->ev->ops->name, i / L, i % L,
                         (int)x[i]);
    /* the events, then every other channel drawn given them (observed values are put back
     * by the driver) */
    for (size_t i = 0; i < y->n && rc == 0; i++) ev[i] = m->to_data[x[i]];
    ts_rng r;
    for (size_t i = 0; i < y->n && rc == 0; i++) {
        if (i % L == 0) ts_mc_drawer_rng(&r, o->seed, i / L);
        ts_mc_drawer_draw(m->draw, y, i, i % L ? ev[i - 1] : -1, &r);
    }
    free(x);
    return rc;
}

/* ts_mc_model_events_windows, its NULL arguments refused naming fn */
static int model_events(const char *fn, ts_model *ev, const ts_mc *train, size_t n_train, size_t len, int given,
                        size_t crop, const char *what, ts_mc_model **out)
{
    if (!out) return ts_fail_null(fn, "out");
    *out = NULL;
    if (!ev) return ts_fail_null(fn, "ev");
    if (!train) return ts_fail_null(fn, "train");
    if (!what) return ts_fail_null(fn, "what");
    const ts_vocab *mv = &ev->vocab, *dv = &train->events.vocab;
    if (mv->n == 0 || dv->n == 0)
        return ts_fail("%s: the event model and %s must both name their events (vocab.tsv)", ev->ops->name, what);
    if (ev->n_ids > mv->n)
        return ts_fail("%s: event ID %d has no name", ev->ops->name, (int)mv->n);
    int32_t *to_data = ts_malloc((size_t)ev->n_ids * sizeof *to_data);
    for (int32_t v = 0; v < ev->n_ids; v++) {
        int32_t d = ts_vocab_lookup(dv, mv->names[v]);
        if (d < 0 || strcmp(dv->names[d], mv->names[v])) {
            free(to_data);
            return ts_fail("%s: its event '%s' is not one of the event names of %s", ev->ops->name, mv->names[v], what);
        }
        to_data[v] = d;
    }
    mc_events *m = ts_calloc(1, sizeof *m);
    m->to_data = to_data;
    m->ev = ev;
    m->crop = crop;
    m->ops = (ts_mc_model_ops){
        .name = m->name, .summary = "a single-channel model's events, the other channels drawn",
        .channels = (1u << TS_NCH) - 1, .impute = ev_impute, .free = ev_free, .run_keys = ev->ops->run_keys,
    };
    snprintf(m->name, sizeof m->name, "%s" TS_MC_EVENTS_NAME_TAIL, ev->ops->name);
    m->base.ops = &m->ops;
    if (ts_mc_drawer_new_windows(train, n_train, len, given, &m->draw) != 0) goto fail;
    const int32_t V = ts_mc_drawer_types(m->draw);
    if (V != dv->n) {
        ts_fail("%s: %d event type%s against %d name%s", what, (int)V, ts_plural((size_t)V), dv->n, ts_plural((size_t)dv->n));
        goto fail;
    }
    m->to_model = ts_malloc((size_t)V * sizeof *m->to_model);
    for (int32_t d = 0; d < V; d++) {
        int32_t v = ts_vocab_lookup(mv, dv->names[d]);
        m->to_model[d] = v >= 0 && v < ev->n_ids ? v : mv->unk >= 0 && mv->unk < ev->n_ids ? mv->unk : 0;
    }
    for (int c = 0; c < TS_NCH; c++)
        if (ts_mc_has(train, c)) {
            m->base.has |= 1u << c;
            m->base.card[c] = ts_mc_card(train, c);
        }
    m->base.dt_mode = train->dt ? TS_DT_BINS : TS_DT_NONE;   /* dt: training values of the drawn events */
    if (ts_mc_model_base_init(&m->base, train) != 0) goto fail;
    *out = &m->base;
    return 0;
fail:
    m->ev = NULL;   /* the caller's still */
    ts_mc_model_free(&m->base);
    return -1;
}

int ts_mc_model_events(ts_model *ev, const ts_mc *train, size_t n_train, int given, size_t crop, const char *what,
                       ts_mc_model **out)
{
    return model_events(__func__, ev, train, n_train, 0, given, crop, what, out);
}

int ts_mc_model_events_windows(ts_model *ev, const ts_mc *train, size_t n_train, size_t len, int given, size_t crop,
                               const char *what, ts_mc_model **out)
{
    return model_events(__func__, ev, train, n_train, len, given, crop, what, out);
}
