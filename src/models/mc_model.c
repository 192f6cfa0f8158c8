/* The multi-channel model interface (mc_model.h): registry, the container layout every
 * multi-channel model shares (MODEL, VOCAB, COMMVOC, RETVOC, CHANNELS, then its own),
 * and the drivers that check channels, numbering and ranges once for every model. */
#include "tracesynth/mc_model.h"
#include "tracesynth/common.h"
#include "tracesynth/eval.h"   /* ts_arch_parse: the architecture a model records */
#include "tracesynth/train.h"
#include "data/data_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const ts_mc_model_ops ts_mc_model_mdm;
extern const ts_mc_model_ops ts_mc_model_ddpm;

static const ts_mc_model_ops *const registry[] = {
    &ts_mc_model_mdm,
    &ts_mc_model_ddpm,
    NULL,
};

const char *const ts_dt_mode_names[] = {"none", "bins", "real", NULL};

const ts_mc_model_ops *const *ts_mc_model_list(void) { return registry; }

const ts_mc_model_ops *ts_mc_model_find(const char *name, int quiet)
{
    if (!name) return ts_fail_null(__func__, "name"), NULL;
    char names[256] = "";
    for (const ts_mc_model_ops *const *p = registry; *p; p++) {
        if (!strcmp((*p)->name, name)) return *p;
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", (*p)->name);
    }
    if (!quiet) ts_fail("unknown multi-channel model '%s' (models: %s)", name, names);
    return NULL;
}

static int check_keys(const ts_kv *kv, const char *name, const char *kind, const char *const *keys)
{
    static const char *const none[] = {NULL};
    return ts_kv_check(kv, name, kind, keys ? keys : none);
}

int ts_mc_model_base_init(ts_mc_model *m, const ts_mc *data)
{
    if ((m->event_vocab.n == 0 && data->events.vocab.n > 0 && ts_vocab_copy(&m->event_vocab, &data->events.vocab)) ||
        (m->comm_vocab.n == 0 && data->comm_vocab.n > 0 && ts_vocab_copy(&m->comm_vocab, &data->comm_vocab)) ||
        (m->ret_vocab.n == 0 && data->ret_vocab.n > 0 && ts_vocab_copy(&m->ret_vocab, &data->ret_vocab)))
        return -1;
    /* what the events of each name are, for those drawn (the data's exit.npy), in the
     * model's numbering: the data's own where the model took its vocabulary */
    free(m->event_kinds);
    m->event_kinds = NULL;
    uint8_t *k = ts_mc_event_kinds(data);
    if (k && m->event_vocab.n > 0) {
        int32_t *map = ts_malloc((size_t)data->events.vocab.n * sizeof *map);
        ts_vocab_map(&data->events.vocab, &m->event_vocab, map);
        m->event_kinds = ts_calloc((size_t)m->event_vocab.n, 1);
        for (int32_t v = 0; v < data->events.vocab.n; v++)
            if (map[v] >= 0 && map[v] < m->event_vocab.n) m->event_kinds[map[v]] |= k[v];
        free(map);
    }
    free(k);
    return 0;
}

void ts_mc_train_cfg(ts_train_cfg *tc, const ts_mc_train_opts *o, const char *start)
{
    tc->seed = o->seed;
    tc->out_path = o->out_path;
    tc->resume = o->resume;
    tc->log_path = o->log_path;
    tc->progress = o->progress;
    tc->start_log = start;
}

void ts_mc_train_ids(ts_train_net *net, unsigned has, const ts_mc_train_opts *o)
{
    const ts_mc *d = o->data;
    net->n_events = ts_mc_card(d, TS_CH_EVENT);
    net->vocab = &d->events.vocab;
    /* the comm and ret IDs name processes and values of the dataset as the event IDs do */
    net->more_ids[0] = (ts_train_ids){has >> TS_CH_COMM & 1u ? "comm" : NULL, "COMMS", ts_mc_card(d, TS_CH_COMM),
                                      &d->comm_vocab};
    net->more_ids[1] = (ts_train_ids){has >> TS_CH_RET & 1u ? "ret" : NULL, "RETS", ts_mc_card(d, TS_CH_RET),
                                      &d->ret_vocab};
}

int ts_mc_model_train(const char *name, const ts_mc_train_opts *o, ts_mc_model **out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!name) return ts_fail_null(__func__, "name");
    if (!o) return ts_fail_null(__func__, "o");
    const ts_mc_model_ops *ops = ts_mc_model_find(name, 0);
    if (!ops) return -1;
    if (!o->data || o->n_train < 2) return ts_fail("%s: no training events", name);
    if (check_keys(&o->kv, name, "training", ops->train_keys)) return -1;
    ts_mc_model *m = NULL;
    if (ops->train(&m, o) != 0) {
        ts_opt_name(name);
        if (m) {
            m->ops = ops;
            ts_mc_model_free(m);
        }
        return -1;
    }
    m->ops = ops;
    if (ts_mc_model_base_init(m, o->data) != 0) {
        ts_mc_model_free(m);
        return -1;
    }
    ts_mc_model_base_record(m, o);
    *out = m;
    return 0;
}

void ts_mc_model_base_record(ts_mc_model *m, const ts_mc_train_opts *o)
{
    memcpy(m->permille, o->permille, sizeof m->permille);
    m->data_events = m->data_seen = 0;
    m->data_hash = 0;
    memset(&m->data_prefixes, 0, sizeof m->data_prefixes);
    size_t a0, b0;   /* its dataset, and what of it was read, where the parts are the split's */
    if (o->data && o->permille[0] > 0 && o->n_train) {
        ts_split_bounds(o->data->n, o->permille, &a0, &b0);
        if (a0 == o->n_train && b0 == o->n_train + o->n_valid && o->data->events.stream.n == o->data->n) {
            m->data_events = o->data->n;
            m->data_seen = b0;
            m->data_hash = ts_events_hash(o->data->events.stream.ids, a0, &o->data->events.vocab);
            ts_events_prefixes_make(o->data->events.stream.ids, a0, &o->data->events.vocab, &m->data_prefixes);
        }
    }
    ts_arch a;   /* recorded as a dataset's arch file spells it; another name: none */
    if (o->arch && ts_arch_parse(o->arch, &a) == 0) snprintf(m->arch, sizeof m->arch, "%s", ts_arch_name(a));
    else m->arch[0] = 0;
    ts_clear_error();
}

void ts_mc_model_free(ts_mc_model *m)
{
    if (!m) return;
    ts_vocab_free(&m->event_vocab);
    ts_vocab_free(&m->comm_vocab);
    ts_vocab_free(&m->ret_vocab);
    free(m->event_kinds);
    m->event_kinds = NULL;
    m->ops->free(m);
}

/* ---- the container ---- */

int ts_mc_model_save(const ts_mc_model *m, const char *path)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!path) return ts_fail_null(__func__, "path");
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", m->ops->name);
    ts_vocab_put(&w, "VOCAB", &m->event_vocab);
    ts_vocab_put(&w, "COMMVOC", &m->comm_vocab);
    ts_vocab_put(&w, "RETVOC", &m->ret_vocab);
    if (m->event_kinds && m->event_vocab.n > 0)   /* older files have none: every event a call */
        ts_writer_chunk(&w, "KINDS", m->event_kinds, (size_t)m->event_vocab.n);
    char txt[512];
    int k = snprintf(txt, sizeof txt, "channels=%u\ndt=%s\nlen=%zu\n", m->has, ts_dt_mode_names[m->dt_mode], m->len);
    for (int c = 0; c < TS_NCH; c++)
        if (c != TS_CH_DT) k += snprintf(txt + k, sizeof txt - (size_t)k, "card_%s=%d\n", ts_ch_names[c], (int)m->card[c]);
    if (m->permille[0] > 0)   /* the parts impute cuts by default */
        k += snprintf(txt + k, sizeof txt - (size_t)k, "split=%d,%d,%d\n", m->permille[0], m->permille[1],
                      m->permille[2]);
    if (m->arch[0])   /* the architecture its generated windows keep */
        snprintf(txt + k, sizeof txt - (size_t)k, "arch=%s\n", m->arch);
    ts_writer_text(&w, "CHANNELS", txt);
    ts_held_out_put(&w, m->data_events, m->data_seen, m->data_hash, &m->data_prefixes);
    if (m->ops->save(m, &w) != 0) {
        ts_writer_free(&w);
        return -1;
    }
    return ts_writer_commit(&w);
}

/* the MODEL chunk's name into name (64 bytes); 0 / -1 + error */
static int model_name(const ts_reader *r, char *name)
{
    const ts_chunk *c = ts_reader_get(r, "MODEL");
    if (!c) return -1;
    if (c->size == 0 || c->size >= 64 || memchr(c->data, 0, c->size))
        return ts_fail("%s: section 'MODEL' does not hold a model name", r->path);
    memcpy(name, c->data, c->size);
    name[c->size] = 0;
    return 0;
}

int ts_mc_model_is(const char *path)
{
    if (!path) return ts_fail_null(__func__, "path");
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) return -1;
    char name[64];
    int rc = model_name(&r, name);
    if (rc == 0) rc = ts_mc_model_find(name, 1) != NULL;
    ts_reader_close(&r);
    return rc;
}

/* CHANNELS: the channels, dt's handling and each channel's values, checked against the
 * vocabularies and the model's abilities */
static int read_channels(const ts_reader *r, const ts_mc_model_ops *ops, ts_mc_model *b)
{
    long v;
    if (ts_reader_long(r, "CHANNELS", "channels", 1, (1 << TS_NCH) - 1, &v) != 0) return -1;
    b->has = (unsigned)v;
    if (!(b->has & 1u << TS_CH_EVENT) || (b->has & ~ops->channels))
        return ts_fail("%s: section 'CHANNELS': 'channels' = %u is not a set of channels %s models", r->path, b->has,
                       ops->name);
    if (ts_reader_choice(r, "CHANNELS", "dt", ts_dt_mode_names, &b->dt_mode) != 0) return -1;
    if ((b->dt_mode != TS_DT_NONE) != !!(b->has & 1u << TS_CH_DT))
        return ts_fail("%s: section 'CHANNELS': 'dt' = %s does not fit the channels (%u)", r->path,
                       ts_dt_mode_names[b->dt_mode], b->has);
    if (ts_reader_long(r, "CHANNELS", "len", 0, 1 << 24, &v) != 0) return -1;
    b->len = (size_t)v;
    for (int c = 0; c < TS_NCH; c++) {
        if (c == TS_CH_DT) continue;
        char key[32];
        snprintf(key, sizeof key, "card_%s", ts_ch_names[c]);
        if (ts_reader_long(r, "CHANNELS", key, 0, 1 << 24, &v) != 0) return -1;
        b->card[c] = (int32_t)v;
        const ts_vocab *voc = c == TS_CH_EVENT ? &b->event_vocab : c == TS_CH_COMM ? &b->comm_vocab
                            : c == TS_CH_RET ? &b->ret_vocab : NULL;
        int has = !!(b->has & 1u << c);
        if ((v > 0) != has || (voc && voc->n > 0 && v != voc->n) || (c == TS_CH_TID && has && v != TS_TID_MOD) ||
            (has && (c == TS_CH_COMM || c == TS_CH_RET) && voc->n == 0))
            return ts_fail("%s: section 'CHANNELS': '%s' = %ld does not fit the channels and vocabularies", r->path,
                           key, v);
        /* a comm or ret vocabulary begins with the reserved names, as a dataset's (the
         * windows drawn are written with it) */
        if ((c == TS_CH_COMM || c == TS_CH_RET) && voc->n > 0) {
            const char *tag = c == TS_CH_COMM ? "COMMVOC" : "RETVOC", *want = NULL;
            if (voc->n < 2)
                return ts_fail("%s: section '%s': fewer than the 2 reserved names (<pad>, <unk>)", r->path, tag);
            const int id = ts__vocab_reserved_bad(voc, &want);
            if (id >= 0)
                return ts_fail("%s: section '%s': name %d is '%s', not the reserved '%s'", r->path, tag, id,
                               voc->names[id], want);
        }
    }
    /* files from before it have none (asked first: no error is left set) */
    char *split = ts_reader_has(r, "CHANNELS", "split") ? ts_reader_text_value(r, "CHANNELS", "split") : NULL;
    if (split) {
        int *pm = b->permille;
        char end;
        const int ok = sscanf(split, "%4d,%4d,%4d%c", &pm[0], &pm[1], &pm[2], &end) == 3 && pm[0] >= 1 && pm[1] >= 1 &&
                       pm[2] >= 1 && pm[0] <= 998 && pm[1] <= 998 && pm[2] <= 998 &&
                       pm[0] + pm[1] + pm[2] == 1000;
        if (!ok) ts_fail("%s: section 'CHANNELS': 'split' = '%s' is not three positive parts summing to 1000", r->path,
                         split);
        free(split);
        if (!ok) return -1;
    }
    /* files from before it have none (asked first: no error is left set) */
    char *arch = ts_reader_has(r, "CHANNELS", "arch") ? ts_reader_text_value(r, "CHANNELS", "arch") : NULL;
    if (arch) {
        ts_arch a;
        const int ok = ts_arch_parse(arch, &a) == 0 && a != TS_ARCH_UNKNOWN;
        if (ok) snprintf(b->arch, sizeof b->arch, "%s", ts_arch_name(a));
        else ts_fail("%s: section 'CHANNELS': 'arch' = '%s' is not an architecture (x86_64, i386, arm, aarch64)",
                     r->path, arch);
        free(arch);
        if (!ok) return -1;
    }
    return 0;
}

/* KINDS: a byte per event name (bits 1 << TS_EVENT_*); absent in files without it */
static int read_kinds(const ts_reader *r, ts_mc_model *b)
{
    if (!ts_reader_has(r, "KINDS", NULL)) return 0;
    const ts_chunk *c = ts_reader_get(r, "KINDS");
    int bad = !c || c->size != (uint64_t)b->event_vocab.n || b->event_vocab.n <= 0;
    for (uint64_t i = 0; !bad && i < c->size; i++) bad = c->data[i] > 7;
    if (bad)
        return ts_fail("%s: section 'KINDS' is corrupt (%llu bytes for %d event names)", r->path,
                       c ? (unsigned long long)c->size : 0ULL, b->event_vocab.n);
    b->event_kinds = ts_malloc((size_t)c->size);
    memcpy(b->event_kinds, c->data, (size_t)c->size);
    return 0;
}

int ts_mc_model_load(const char *path, ts_mc_model **out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!path) return ts_fail_null(__func__, "path");
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) return -1;
    int rc = -1;
    ts_mc_model b;
    memset(&b, 0, sizeof b);
    char name[64];
    if (model_name(&r, name) != 0) goto done;
    const ts_mc_model_ops *ops = ts_mc_model_find(name, 1);
    if (!ops && ts_model_other_file_refuse(path, name) != 0) goto done;
    if (!ops) {
        ts_fail("%s: '%s' is not a multi-channel model", path, name);
        goto done;
    }
    if (ts_vocab_get(&r, "VOCAB", &b.event_vocab) || ts_vocab_get(&r, "COMMVOC", &b.comm_vocab) ||
        ts_vocab_get(&r, "RETVOC", &b.ret_vocab) || read_channels(&r, ops, &b) || read_kinds(&r, &b) ||
        ts_held_out_get(&r, 0, &b.data_events, &b.data_seen, &b.data_hash, &b.data_prefixes))
        goto done;
    ts_mc_model *m = NULL;
    if (ops->load(&m, &r, &b) != 0) goto done;
    m->ops = ops;
    m->has = b.has;
    m->dt_mode = b.dt_mode;
    m->len = b.len;
    memcpy(m->permille, b.permille, sizeof m->permille);
    memcpy(m->arch, b.arch, sizeof m->arch);
    m->data_events = b.data_events;
    m->data_seen = b.data_seen;
    m->data_hash = b.data_hash;
    m->data_prefixes = b.data_prefixes;
    memcpy(m->card, b.card, sizeof b.card);
    m->event_vocab = b.event_vocab;
    m->comm_vocab = b.comm_vocab;
    m->ret_vocab = b.ret_vocab;
    m->event_kinds = b.event_kinds;
    memset(&b, 0, sizeof b);
    *out = m;
    rc = 0;
done:
    ts_vocab_free(&b.event_vocab);
    ts_vocab_free(&b.comm_vocab);
    ts_vocab_free(&b.ret_vocab);
    free(b.event_kinds);
    ts_reader_close(&r);
    return rc;
}

/* ---- imputation and generation: channels, numbering and ranges checked here ---- */

static int has_ch(const ts_mc_model *m, int c) { return !!(m->has & 1u << c); }

/* value i of channel c out of range (observed values are the input's; filled ones the model's) */
static int check_values(const ts_mc_model *m, const ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH],
                        int observed)
{
    for (int c = 0; c < TS_NCH; c++) {
        if (!has_ch(m, c)) continue;
        for (size_t i = 0; i < y->n; i++) {
            int obs = mask[c] && mask[c][i];
            if (obs != observed) continue;
            int bad = c == TS_CH_DT ? !ts_mc_dt_ok(y->dt[i])
                                    : y->ch[c][i] < 0 || y->ch[c][i] >= m->card[c];
            if (!bad) continue;
            if (c == TS_CH_DT)
                return ts_fail("%s%swindow %zu, position %zu: dt %g is not a log(1 + ns) time (0 to %.4g)",
                               observed ? "" : m->ops->name, observed ? "" : " produced: ", i / L, i % L,
                               (double)y->dt[i], (double)TS_MC_DT_MAX);
            return ts_fail("%s%swindow %zu, position %zu: %s value %d is outside the model's [0, %d)",
                           observed ? "" : m->ops->name, observed ? "" : " produced: ", i / L, i % L,
                           ts_ch_names[c], (int)y->ch[c][i], (int)m->card[c]);
        }
    }
    return 0;
}

static int run(ts_mc_model *m, ts_mc *y, size_t L, const uint8_t *const mask[TS_NCH], const ts_run_opts *o)
{
    static const ts_run_opts defaults;   /* o NULL: the defaults (every model reads o) */
    if (!o) o = &defaults;
    if (check_keys(&o->kv, m->ops->name, "run", m->ops->run_keys)) return -1;
    if (m->len && L != m->len)
        return ts_fail("%s: the model was trained on windows of %zu event%s, got %zu", m->ops->name, m->len,
                       ts_plural(m->len), L);
    if (check_values(m, y, L, mask, 1) != 0) return -1;
    /* hidden values are zero when the model sees them, observed ones are kept aside */
    ts_mc keep;
    if (ts_mc_slice(y, 0, y->n, &keep) != 0) return -1;
    for (int c = 0; c < TS_NCH; c++)
        for (size_t i = 0; has_ch(m, c) && i < y->n; i++)
            if (!(mask[c] && mask[c][i])) {
                if (c == TS_CH_DT) y->dt[i] = 0;
                else y->ch[c][i] = 0;
            }
    int rc = m->ops->impute(m, y, L, mask, o);
    if (rc != 0) ts_opt_name(m->ops->name);
    if (rc == 0) {
        for (int c = 0; c < TS_NCH; c++)
            for (size_t i = 0; has_ch(m, c) && mask[c] && i < y->n; i++)
                if (mask[c][i]) {
                    if (c == TS_CH_DT) y->dt[i] = keep.dt[i];
                    else y->ch[c][i] = keep.ch[c][i];
                }
        rc = check_values(m, y, L, mask, 0);
    }
    ts_mc_free(&keep);
    return rc;
}

/* the values v (n, windows of L) of a named channel, numbered by `from`, in the model's
 * numbering `to` by name, then `from` a copy of `to`: an observed name the model lacks
 * becomes its <unk> (unk[i] = 1), or is an error naming it and its place when the model
 * has none; a hidden value is not read (the model never sees it: 0 here) */
static int renumber_observed(int32_t *v, size_t n, size_t L, ts_vocab *from, const ts_vocab *to,
                             const uint8_t *mask, const char *what, uint8_t *unk)
{
    if (to->n == 0 || from->n == 0) return 0;
    int32_t *map = ts_malloc((size_t)from->n * sizeof *map);
    ts_vocab_map(from, to, map);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const int32_t x = v[i];
        if (!(mask && mask[i])) {
            v[i] = 0;
        } else if (x < 0 || x >= from->n) {
            rc = ts_fail("window %zu, position %zu: %s ID %d is outside the input's vocabulary (%d name%s)", i / L,
                         i % L, what, (int)x, from->n, ts_plural((size_t)from->n));
        } else if (map[x] < 0) {
            rc = ts_fail("window %zu, position %zu: %s '%s' is not one of the model's names, and it has no <unk>",
                         i / L, i % L, what, from->names[x]);
        } else {
            unk[i] |= map[x] == to->unk && strcmp(from->names[x], to->names[to->unk]);
            v[i] = map[x];
        }
    }
    free(map);
    if (rc == 0) {
        ts_vocab_free(from);
        rc = ts_vocab_copy(from, to);
    }
    return rc;
}

int ts_mc_model_impute(ts_mc_model *m, const ts_mc *x, size_t L, const uint8_t *const mask[TS_NCH],
                       const ts_run_opts *o, ts_mc *out, size_t *unknown)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (unknown) *unknown = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!mask) return ts_fail_null(__func__, "mask");
    if (L == 0 || x->n == 0 || x->n % L)
        return ts_fail("%s: %zu event%s %s not windows of %zu", m->ops->name, x->n, ts_plural(x->n),
                       x->n == 1 ? "is" : "are", L);
    for (int c = 0; c < TS_NCH; c++)
        if (has_ch(m, c) && !ts_mc_has(x, c))
            return ts_fail("%s: the model needs the channel '%s', which the input lacks", m->ops->name, ts_ch_names[c]);
    if (ts_mc_slice(x, 0, x->n, out) != 0) return -1;
    for (int c = TS_CH_DT; c < TS_NCH; c++) {
        if (has_ch(m, c)) continue;
        if (c == TS_CH_DT) { free(out->dt); out->dt = NULL; }
        else { free(out->ch[c]); out->ch[c] = NULL; }
        if (c == TS_CH_COMM) ts_vocab_free(&out->comm_vocab);
        if (c == TS_CH_RET) ts_vocab_free(&out->ret_vocab);
    }
    /* the named channels by name; unknown: the observed events with a name the model lacks */
    uint8_t *unk = ts_calloc(out->n, 1);
    int rc = renumber_observed(out->ch[TS_CH_EVENT], out->n, L, &out->events.vocab, &m->event_vocab,
                               mask[TS_CH_EVENT], "event", unk);
    if (rc == 0 && has_ch(m, TS_CH_COMM))
        rc = renumber_observed(out->ch[TS_CH_COMM], out->n, L, &out->comm_vocab, &m->comm_vocab, mask[TS_CH_COMM],
                               "comm", unk);
    if (rc == 0 && has_ch(m, TS_CH_RET))
        rc = renumber_observed(out->ch[TS_CH_RET], out->n, L, &out->ret_vocab, &m->ret_vocab, mask[TS_CH_RET], "ret",
                               unk);
    size_t cnt = 0;
    for (size_t i = 0; i < out->n; i++) cnt += unk[i];
    free(unk);
    /* what the events drawn are: by the model's kinds, or where its file has none, by those
     * of x's observed events (their marks, exit.npy) */
    uint8_t *own = NULL;
    const int32_t V = out->events.vocab.n;
    if (rc == 0 && !m->event_kinds && out->events.exit && V > 0) {
        own = ts_calloc((size_t)V, 1);
        for (size_t i = 0; mask[TS_CH_EVENT] && i < out->n; i++) {
            const int32_t id = out->ch[TS_CH_EVENT][i];
            if (mask[TS_CH_EVENT][i] && id >= 0 && id < V && out->events.exit[i] <= TS_EVENT_OTHER)
                own[id] |= (uint8_t)(1u << out->events.exit[i]);
        }
    }
    if (rc != 0 || run(m, out, L, mask, o) != 0) {
        free(own);
        ts_mc_free(out);
        return -1;
    }
    /* x's times (time_ns.npy) are its own events': with values drawn, they are not out's
     * (nor do they follow its dts), as repair drops them where it changes an event; what
     * each event drawn is (exit.npy) follows its name, the observed keep theirs */
    int drawn = 0, events_drawn = 0;
    for (int c = 0; c < TS_NCH && !drawn; c++)
        for (size_t i = 0; has_ch(m, c) && i < out->n && !drawn; i++) drawn = !(mask[c] && mask[c][i]);
    for (size_t i = 0; has_ch(m, TS_CH_EVENT) && i < out->n && !events_drawn; i++)
        events_drawn = !(mask[TS_CH_EVENT] && mask[TS_CH_EVENT][i]);
    if (drawn) {
        free(out->events.time_ns);
        out->events.time_ns = NULL;
    }
    if (events_drawn) ts_mc_kinds_by_name(out, m->event_kinds ? m->event_kinds : own, L, mask[TS_CH_EVENT]);
    free(own);
    if (unknown) *unknown = cnt;
    return 0;
}

int ts_mc_model_generate(ts_mc_model *m, size_t n, size_t L, const ts_run_opts *o, ts_mc *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    if (n == 0 || L == 0 || n > SIZE_MAX / L / sizeof(int32_t))
        return ts_fail("%s: cannot generate %zu windows of %zu events", m->ops->name, n, L);
    size_t N = n * L;
    out->n = N;
    out->events.vocab.unk = -1;
    out->events.stream.n = N;
    out->events.stream.ids = ts_calloc(N, sizeof(int32_t));
    out->ch[TS_CH_EVENT] = out->events.stream.ids;
    if (has_ch(m, TS_CH_DT)) out->dt = ts_calloc(N, sizeof(float));
    for (int c = TS_CH_COMM; c < TS_NCH; c++)
        if (has_ch(m, c)) out->ch[c] = ts_calloc(N, sizeof(int32_t));
    const uint8_t *none[TS_NCH] = {0};
    if ((m->event_vocab.n > 0 && ts_vocab_copy(&out->events.vocab, &m->event_vocab)) ||
        (m->comm_vocab.n > 0 && ts_vocab_copy(&out->comm_vocab, &m->comm_vocab)) ||
        (m->ret_vocab.n > 0 && ts_vocab_copy(&out->ret_vocab, &m->ret_vocab)) || run(m, out, L, none, o) != 0) {
        ts_mc_free(out);
        return -1;
    }
    ts_mc_kinds_by_name(out, m->event_kinds, L, NULL);   /* what each event is, as in the data learned from */
    return 0;
}
