/* Constraints learned from real multi-channel traces, their file, and the validity
 * distances D_trans, D_time, D_cpu, D_attr (see repair.h). */
#include "tracesynth/repair.h"
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/model.h"
#include "tracesynth/train.h"
#include "data/data_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int cat_channels[] = {TS_CH_COMM, TS_CH_RET, TS_CH_TID, TS_CH_CPU};
enum { NCAT = 4 };

void ts_constraints_free(ts_constraints *k)
{
    if (!k) return;
    free(k->trans);
    free(k->seen);
    free(k->dt_lo);
    free(k->dt_hi);
    for (int c = 0; c < TS_NCH; c++) free(k->cnt[c]);
    ts_vocab_free(&k->events);
    ts_vocab_free(&k->comm);
    ts_vocab_free(&k->ret);
    memset(k, 0, sizeof *k);
}

static void alloc_tables(ts_constraints *k)
{
    size_t V = (size_t)k->V;
    k->trans = ts_calloc(V * V, 1);
    k->seen = ts_calloc(V, 1);
    if (k->card[TS_CH_DT]) {
        k->dt_lo = ts_malloc(V * sizeof *k->dt_lo);
        k->dt_hi = ts_malloc(V * sizeof *k->dt_hi);
        for (size_t v = 0; v < V; v++) k->dt_lo[v] = INFINITY, k->dt_hi[v] = -INFINITY;
    }
    for (int j = 0; j < NCAT; j++) {
        int c = cat_channels[j];
        if (k->card[c]) k->cnt[c] = ts_calloc(V * (size_t)k->card[c], sizeof(uint32_t));
    }
}

/* the tables learning may take whatever the trace's size (64 MiB), and past that per event */
#define TABLES_FLOOR          (64ull << 20)
#define TABLE_BYTES_PER_EVENT 4096ull

int ts_constraints_learn(const ts_mc *m, size_t n_train, ts_constraints *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    if (!m) {
        memset(out, 0, sizeof *out);
        return ts_fail_null(__func__, "m");
    }
    return ts_constraints_learn_windows(m, n_train, 0, out);
}

int ts_constraints_learn_windows(const ts_mc *m, size_t n_train, size_t len, ts_constraints *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    size_t n = n_train && n_train < m->n ? n_train : m->n;
    if (n == 0) return ts_fail("no events to learn constraints from");
    out->V = ts_mc_card(m, TS_CH_EVENT);
    if (out->V <= 0) return ts_fail("no event types");
    out->card[TS_CH_EVENT] = out->V;
    out->card[TS_CH_DT] = m->dt ? 1 : 0;
    for (int j = 0; j < NCAT; j++) out->card[cat_channels[j]] = ts_mc_card(m, cat_channels[j]);
    /* what the file's reader accepts: every table within TS_MAX_PARAM_BYTES */
    if ((uint64_t)out->V * (uint64_t)out->V > TS_MAX_PARAM_BYTES)
        return ts_fail("%d event types: a transition table over %llu bytes", out->V,
                       (unsigned long long)TS_MAX_PARAM_BYTES);
    for (int j = 0; j < NCAT; j++)
        if ((uint64_t)out->V * (uint64_t)out->card[cat_channels[j]] * 4 > TS_MAX_PARAM_BYTES)
            return ts_fail("%d event types by %d %s values: a table over %llu bytes", out->V,
                           out->card[cat_channels[j]], ts_ch_names[cat_channels[j]],
                           (unsigned long long)TS_MAX_PARAM_BYTES);
    /* and in proportion to the trace: the types and values come from the largest ID (an
     * unnamed stream) or CPU number seen, so a few events with one huge value would make
     * tables of gigabytes out of a file of bytes. A dataset ingest writes numbers its types
     * densely and real CPU numbers are small: this is far above any of those */
    uint64_t bytes = (uint64_t)out->V * ((uint64_t)out->V + 1 + 2 * sizeof(float));
    for (int j = 0; j < NCAT; j++) bytes += (uint64_t)out->V * (uint64_t)out->card[cat_channels[j]] * 4;
    if (bytes > TABLES_FLOOR && bytes / TABLE_BYTES_PER_EVENT > m->n) {
        int c = 0;   /* the largest table: the transitions, or that of the channel named */
        for (int j = 0; j < NCAT; j++)
            if ((int64_t)out->card[cat_channels[j]] * 4 > out->V && (!c || out->card[cat_channels[j]] > out->card[c]))
                c = cat_channels[j];
        char by[64] = "";
        if (c) snprintf(by, sizeof by, " by %d %s values", out->card[c], ts_ch_names[c]);
        return ts_fail("%d event types%s: tables of %llu MB for a trace of %zu events (IDs or values far "
                       "above the events' count: a corrupt or hostile dataset?)", out->V, by,
                       (unsigned long long)(bytes >> 20), m->n);
    }
    alloc_tables(out);
    out->events.unk = out->comm.unk = out->ret.unk = -1;
    if (ts_vocab_copy(&out->events, &m->events.vocab) || ts_vocab_copy(&out->comm, &m->comm_vocab) ||
        ts_vocab_copy(&out->ret, &m->ret_vocab)) {
        ts_constraints_free(out);
        return -1;
    }
    const int32_t *e = m->ch[TS_CH_EVENT];
    for (size_t i = 0; i < n; i++) {
        int32_t v = e[i];
        if (v < 0 || v >= out->V) {
            const int32_t V = out->V;   /* read before the tables are emptied */
            ts_constraints_free(out);
            return ts_fail("event %zu: type %d outside [0, %d)", i, v, V);
        }
        out->seen[v] = 1;
        if (i && (!len || i % len)) out->trans[(size_t)e[i - 1] * out->V + v] = 1;   /* none across windows */
        /* the first event's dt of 0 is no time (nothing comes before it: ingest writes 0);
         * it is its type's bounds only where the type has no other (below). One that is
         * not 0 is a time (a part cut from a trace), checked as one by the distances */
        if (m->dt && (i || m->dt[0] != 0)) {
            if (m->dt[i] < out->dt_lo[v]) out->dt_lo[v] = m->dt[i];
            if (m->dt[i] > out->dt_hi[v]) out->dt_hi[v] = m->dt[i];
        }
        for (int j = 0; j < NCAT; j++) {
            int c = cat_channels[j];
            if (!out->cnt[c]) continue;
            int32_t x = m->ch[c][i];
            if (x < 0 || x >= out->card[c]) {
                const int32_t card = out->card[c];
                ts_constraints_free(out);
                return ts_fail("event %zu: %s value %d outside [0, %d)", i, ts_ch_names[c], x, card);
            }
            out->cnt[c][(size_t)v * out->card[c] + x]++;
        }
    }
    if (m->dt && out->dt_lo[e[0]] > out->dt_hi[e[0]]) out->dt_lo[e[0]] = out->dt_hi[e[0]] = m->dt[0];
    return 0;
}

/* ---- file ---- */

int ts_constraints_save(const ts_constraints *k, const char *path)
{
    if (!k) return ts_fail_null(__func__, "k");
    if (!path) return ts_fail_null(__func__, "path");
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "constraints");
    char cfg[256];
    snprintf(cfg, sizeof cfg, "events=%d\ndt=%d\ncomm=%d\nret=%d\ntid=%d\ncpu=%d\n", k->V, k->card[TS_CH_DT],
             k->card[TS_CH_COMM], k->card[TS_CH_RET], k->card[TS_CH_TID], k->card[TS_CH_CPU]);
    ts_writer_text(&w, "CONFIG", cfg);
    size_t V = (size_t)k->V;
    ts_writer_chunk(&w, "TRANS", k->trans, V * V);
    ts_writer_chunk(&w, "SEEN", k->seen, V);
    if (k->card[TS_CH_DT]) {
        ts_writer_f32(&w, "DT_LO", k->dt_lo, V);
        ts_writer_f32(&w, "DT_HI", k->dt_hi, V);
    }
    for (int j = 0; j < NCAT; j++) {
        int c = cat_channels[j];
        if (!k->card[c]) continue;
        char tag[9];
        snprintf(tag, sizeof tag, "CNT_%s", ts_ch_names[c]);
        ts_writer_i32(&w, tag, (const int32_t *)k->cnt[c], V * (size_t)k->card[c]);
    }
    const ts_vocab *voc[3] = {&k->events, &k->comm, &k->ret};
    static const char *const vtag[3] = {"V_EVENT", "V_COMM", "V_RET"};
    for (int j = 0; j < 3; j++) {
        if (voc[j]->n == 0) continue;
        ts_writer_begin(&w, vtag[j]);
        for (int i = 0; i < voc[j]->n; i++) {
            ts_writer_put(&w, voc[j]->names[i], strlen(voc[j]->names[i]));
            ts_writer_put(&w, "\n", 1);
        }
        ts_writer_end(&w);
    }
    return ts_writer_commit(&w);
}

/* a V_ chunk (names, one per line) -> v; absent: unnamed, where that may be (need: the
 * comm and ret values, which always have names, learned from a vocabulary: without them
 * their IDs would be read in the numbering of whatever trace is checked). want: the count
 * it must hold, of what values */
static int read_names(const ts_reader *r, const char *tag, const char *what, int32_t want, int need, ts_vocab *v)
{
    memset(v, 0, sizeof *v);
    v->unk = -1;
    const ts_chunk *c = NULL;
    for (uint32_t i = 0; i < r->nchunks && !c; i++)
        if (!strcmp(r->chunks[i].tag, tag)) c = &r->chunks[i];
    if (!c && need && want > 0)
        return ts_fail("%s: no section '%s' (the names of the %d %s values section 'CONFIG' gives)", r->path, tag, want,
                       what);
    if (!c) return 0;
    int n = 0;
    for (uint64_t i = 0; i < c->size; i++) n += c->data[i] == '\n';
    if (n != want || (c->size && c->data[c->size - 1] != '\n'))
        return ts_fail("%s: section '%s' does not hold %d name%s, one per line", r->path, tag, want, ts_plural((size_t)want));
    v->n = n;
    v->names = ts_malloc((size_t)(n ? n : 1) * sizeof *v->names);
    v->counts = ts_calloc((size_t)(n ? n : 1), sizeof *v->counts);
    const char *p = (const char *)c->data;
    for (int i = 0; i < n; i++) {
        const char *e = memchr(p, '\n', (size_t)((const char *)c->data + c->size - p));
        v->names[i] = ts_malloc((size_t)(e - p) + 1);
        memcpy(v->names[i], p, (size_t)(e - p));
        v->names[i][e - p] = 0;
        if (!strcmp(v->names[i], "<unk>")) v->unk = i;
        p = e + 1;
    }
    /* each name once, one a vocabulary can hold, as a model file's (ts_vocab_get): a name
     * twice would match a trace's values to one of its IDs, an empty one fail only as
     * repair writes its output */
    ts__strmap seen;
    ts__strmap_init(&seen, (size_t)n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *name = v->names[i];
        const char *why = ts__name_unwritable(name);
        int32_t j = why ? -1 : ts__strmap_get(&seen, name);
        if (!why && j < 0 && !strcmp(tag, "V_EVENT")) why = ts__event_name_bad(name);
        if (why) rc = ts_fail("%s: section '%s': name %d %s", r->path, tag, i, why);
        else if (j >= 0) rc = ts_fail("%s: section '%s': name %d, '%s', is name %d too", r->path, tag, i, name, j);
        else ts__strmap_put(&seen, name, i);
    }
    ts__strmap_free(&seen);
    /* a comm or ret vocabulary's IDs 0 and 1 are no value and one outside it, as a
     * dataset's (repair writes these names into its output's vocabulary) */
    if (rc == 0 && need && n > 0 && n < 2)
        rc = ts_fail("%s: section '%s': fewer than the 2 reserved names (<pad>, <unk>)", r->path, tag);
    const char *res = NULL;
    const int id = rc == 0 && need && n > 0 ? ts__vocab_reserved_bad(v, &res) : -1;
    if (id >= 0)
        rc = ts_fail("%s: section '%s': name %d is '%s', not the reserved '%s'", r->path, tag, id, v->names[id], res);
    if (rc) ts_vocab_free(v);
    return rc;
}

#define WRITES_ONE "'tracesynth constraints DATASET -o FILE' writes one"

/* another tracesynth file: what its section MODEL says it is, and where constraints come from */
static int not_constraints(const char *path, const ts_chunk *mc)
{
    char name[64];
    if (!mc || mc->size == 0 || mc->size >= sizeof name || memchr(mc->data, 0, mc->size))
        return ts_fail("%s: not a constraints file; " WRITES_ONE, path);
    memcpy(name, mc->data, mc->size);
    name[mc->size] = 0;
    /* the lookups record errors of their own: the one below replaces them */
    const char *kind = ts_mc_model_find(name, 1) ? "a multi-channel model file"
                     : ts_train_ckpt_refuse(path, name) ? "a training checkpoint"
                     : ts_model_find(name) ? "a model file" : "a tracesynth file";
    return ts_fail("%s: %s (%s), not a constraints file; " WRITES_ONE, path, kind, name);
}

int ts_constraints_load(const char *path, ts_constraints *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!path) return ts_fail_null(__func__, "path");
    ts_reader r;
    if (ts_reader_open_as(&r, path, "not a constraints file; " WRITES_ONE) != 0) return -1;
    int rc = -1;
    const ts_chunk *mc = ts_reader_get(&r, "MODEL");
    if (!mc || mc->size != 11 || memcmp(mc->data, "constraints", 11)) {
        not_constraints(path, mc);
        goto done;
    }
    long v[6];
    static const char *const keys[] = {"events", "dt", "comm", "ret", "tid", "cpu"};
    /* as ts_mc_load's: a comm or ret vocabulary has any number of names (the CNT_ tables'
     * size check below bounds them) */
    static const long hi[] = {1 << 16, 1, INT32_MAX, INT32_MAX, 1 << 20, 1 << 20};
    for (int i = 0; i < 6; i++)
        if (ts_reader_long(&r, "CONFIG", keys[i], i == 0, hi[i], &v[i]) != 0) goto done;
    out->V = (int32_t)v[0];
    out->card[TS_CH_EVENT] = out->V;
    out->card[TS_CH_DT] = (int32_t)v[1];
    out->card[TS_CH_COMM] = (int32_t)v[2];
    out->card[TS_CH_RET] = (int32_t)v[3];
    out->card[TS_CH_TID] = (int32_t)v[4];
    out->card[TS_CH_CPU] = (int32_t)v[5];
    size_t V = (size_t)out->V;
    if (ts_reader_expect_size(&r, "TRANS", V * V, 1) || ts_reader_expect_size(&r, "SEEN", V, 1)) goto done;
    for (int j = 0; j < NCAT; j++) {
        int c = cat_channels[j];
        char tag[9];
        snprintf(tag, sizeof tag, "CNT_%s", ts_ch_names[c]);
        if (out->card[c] && ts_reader_expect_size(&r, tag, V * (uint64_t)out->card[c], 4)) goto done;
    }
    alloc_tables(out);
    memcpy(out->trans, ts_reader_get(&r, "TRANS")->data, V * V);
    memcpy(out->seen, ts_reader_get(&r, "SEEN")->data, V);
    if (out->card[TS_CH_DT] &&
        (ts_reader_f32(&r, "DT_LO", out->dt_lo, V) || ts_reader_f32(&r, "DT_HI", out->dt_hi, V)))
        goto done;
    for (int j = 0; j < NCAT; j++) {
        int c = cat_channels[j];
        if (!out->card[c]) continue;
        char tag[9];
        snprintf(tag, sizeof tag, "CNT_%s", ts_ch_names[c]);
        const ts_chunk *ch = ts_reader_get(&r, tag);
        for (size_t i = 0; i < V * (size_t)out->card[c]; i++) out->cnt[c][i] = (uint32_t)ts_chunk_i32(ch, i);
    }
    /* what repair takes from a type it writes: a transition joins two types seen, and a
     * type seen has dt bounds a trace can hold and a value of each channel (else repair
     * would write an infinite dt or a value -1) */
    for (size_t u = 0; u < V; u++) {
        for (size_t t = 0; t < V; t++)
            if (out->trans[u * V + t] && !(out->seen[u] && out->seen[t])) {
                ts_fail("%s: section 'TRANS': a transition %zu -> %zu from or to a type that section 'SEEN' lacks", path, u, t);
                goto done;
            }
        if (!out->seen[u]) continue;
        if (out->card[TS_CH_DT] && !(ts_mc_dt_ok(out->dt_lo[u]) && ts_mc_dt_ok(out->dt_hi[u]) && out->dt_lo[u] <= out->dt_hi[u])) {
            ts_fail("%s: sections 'DT_LO', 'DT_HI': type %zu has the dt bounds [%g, %g], not within [0, %.4g]", path, u,
                    (double)out->dt_lo[u], (double)out->dt_hi[u], (double)TS_MC_DT_MAX);
            goto done;
        }
        for (int j = 0; j < NCAT; j++) {
            int c = cat_channels[j];
            int32_t a = 0;
            while (a < out->card[c] && !out->cnt[c][u * (size_t)out->card[c] + (size_t)a]) a++;
            if (out->card[c] && a == out->card[c]) {
                ts_fail("%s: section 'CNT_%s': type %zu is seen but has no %s value", path, ts_ch_names[c], u,
                        ts_ch_names[c]);
                goto done;
            }
        }
    }
    if (read_names(&r, "V_EVENT", "event", out->V, 0, &out->events) ||
        read_names(&r, "V_COMM", "comm", out->card[TS_CH_COMM], 1, &out->comm) ||
        read_names(&r, "V_RET", "ret", out->card[TS_CH_RET], 1, &out->ret))
        goto done;
    rc = 0;
done:
    ts_reader_close(&r);
    if (rc) ts_constraints_free(out);
    return rc;
}

int ts_constraints_fit(const ts_constraints *k, ts_mc *m, const char *what)
{
    if (!k) return ts_fail_null(__func__, "k");
    if (!m) return ts_fail_null(__func__, "m");
    if (!what) return ts_fail_null(__func__, "what");
    /* names on one side only: the IDs of one trace would be read as the other's types */
    if ((k->events.n > 0) != (m->events.vocab.n > 0))
        return ts_fail("%s: its event types have %s, the constraints' %s: they cannot be matched by name", what,
                       m->events.vocab.n > 0 ? "names" : "no names (no vocab.tsv)",
                       k->events.n > 0 ? "have names" : "have none");
    if (ts_mc_renumber(m, &k->events, &k->comm, &k->ret, NULL) != 0) {
        return ts_fail("%s: %s", what, ts_error());
    }
    /* IDs past a channel's values (an unnamed channel: tid, cpu) are left to the distances */
    if (m->events.vocab.n == 0)
        for (size_t i = 0; i < m->n; i++)
            if (m->ch[TS_CH_EVENT][i] < 0)
                return ts_fail("%s: event %zu has the negative type %d", what, i, m->ch[TS_CH_EVENT][i]);
    return 0;
}

/* ---- validity ---- */

static int allowed_value(const ts_constraints *k, int c, int32_t v, int32_t x)
{
    return x >= 0 && x < k->card[c] && k->cnt[c][(size_t)v * k->card[c] + x] > 0;
}

static int known_type(const ts_constraints *k, int32_t v) { return v >= 0 && v < k->V && k->seen[v]; }

int ts_constraints_validity(const ts_constraints *k, const ts_mc *m, size_t len, ts_validity *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    out->d_trans = out->d_time = out->d_cpu = out->d_attr = -1;
    if (!k) return ts_fail_null(__func__, "k");
    if (!m) return ts_fail_null(__func__, "m");
    size_t n = m->n, bad_trans = 0, bad_time = 0, bad_cpu = 0, bad_attr = 0;
    const int32_t *e = m->ch[TS_CH_EVENT];
    if (n && !e) return ts_fail_null(__func__, "m->ch[TS_CH_EVENT]");
    for (size_t i = 0; i < n; i++) {
        int32_t v = e[i];
        int known = known_type(k, v);
        if (i && (!len || i % len)) {
            out->pairs++;
            int32_t u = e[i - 1];
            bad_trans += !(known && known_type(k, u) && k->trans[(size_t)u * k->V + v]);
        }
        /* the first event's dt of 0 is no time (nothing before it: ingest writes 0), as
         * learning leaves it out of the bounds */
        if (k->card[TS_CH_DT] && m->dt && !(i == 0 && m->dt[0] == 0))
            bad_time += !(known && m->dt[i] >= k->dt_lo[v] && m->dt[i] <= k->dt_hi[v]);
        if (k->card[TS_CH_CPU] && m->ch[TS_CH_CPU]) bad_cpu += !(known && allowed_value(k, TS_CH_CPU, v, m->ch[TS_CH_CPU][i]));
        int attr = 0;
        for (int c = TS_CH_COMM; c <= TS_CH_TID; c++)
            if (k->card[c] && m->ch[c]) attr |= !(known && allowed_value(k, c, v, m->ch[c][i]));
        bad_attr += attr;
    }
    out->events = n;
    int has_attr = 0;
    for (int c = TS_CH_COMM; c <= TS_CH_TID; c++) has_attr |= k->card[c] && m->ch[c];
    out->d_trans = out->pairs ? (double)bad_trans / (double)out->pairs : -1;   /* no pair: not measured */
    out->d_time = k->card[TS_CH_DT] && m->dt && n ? (double)bad_time / (double)n : -1;
    out->d_cpu = k->card[TS_CH_CPU] && m->ch[TS_CH_CPU] && n ? (double)bad_cpu / (double)n : -1;
    out->d_attr = has_attr && n ? (double)bad_attr / (double)n : -1;
    return 0;
}
