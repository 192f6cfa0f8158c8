/* Minimum-change repair of a multi-channel trace under learned constraints (see repair.h). */
#include "tracesynth/repair.h"
#include "tracesynth/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* the closest walk through the transition graph to x[0..T) (fewest positions changed),
 * written to y; -1 when the graph has no walk of T events */
static int closest_walk(const ts_constraints *k, const int32_t *pred, const size_t *pstart, const int32_t *x,
                        size_t T, int32_t *y)
{
    int32_t V = k->V;
    uint32_t *cost = ts_malloc((size_t)V * sizeof *cost), *next = ts_malloc((size_t)V * sizeof *next);
    int32_t *back = ts_malloc(T * (size_t)V * sizeof *back);
    const uint32_t INF = UINT32_MAX / 2;
    for (int32_t v = 0; v < V; v++) cost[v] = k->seen[v] ? (uint32_t)(x[0] != v) : INF;
    for (size_t t = 1; t < T; t++) {
        int32_t *bk = back + t * (size_t)V;
        for (int32_t v = 0; v < V; v++) {
            uint32_t best = INF;
            int32_t arg = -1;
            for (size_t p = pstart[v]; p < pstart[v + 1]; p++) {
                int32_t u = pred[p];
                /* ties: keep the original previous event, else the smallest type */
                if (cost[u] < best || (cost[u] == best && u == x[t - 1])) best = cost[u], arg = u;
            }
            next[v] = best >= INF ? INF : best + (uint32_t)(x[t] != v);
            bk[v] = arg;
        }
        uint32_t *tmp = cost;
        cost = next;
        next = tmp;
    }
    int32_t end = -1;
    for (int32_t v = 0; v < V; v++)
        if (cost[v] < INF && (end < 0 || cost[v] < cost[end] || (cost[v] == cost[end] && v == x[T - 1]))) end = v;
    int rc = 0;
    if (end < 0) {
        rc = ts_fail("the transition graph has no walk of %zu events", T);
    } else {
        y[T - 1] = end;
        for (size_t t = T - 1; t > 0; t--) y[t - 1] = back[t * (size_t)V + y[t]];
    }
    free(cost);
    free(next);
    free(back);
    return rc;
}

/* the type's most frequent value of channel c among IDs >= from; -1 when none */
static int32_t most_frequent(const uint32_t *cnt, int32_t card, int32_t from)
{
    int32_t best = -1;
    for (int32_t a = from; a < card; a++)
        if (cnt[a] && (best < 0 || cnt[a] > cnt[best])) best = a;
    return best;
}

/* the allowed value of channel c for type v nearest to x: numerically (val: the value of
 * each ID >= 2, NULL: the ID itself is the value), or with byfreq the type's most frequent */
static int32_t nearest(const ts_constraints *k, int c, int32_t v, int32_t x, const long long *val, int byfreq)
{
    const uint32_t *cnt = k->cnt[c] + (size_t)v * k->card[c];
    if (val && x < 2) byfreq = 1;   /* PAD, UNK: no value to be near */
    if (byfreq) return most_frequent(cnt, k->card[c], 0);
    int32_t from = val ? 2 : 0, best = -1;
    unsigned long long bd = 0;
    for (int32_t a = from; a < k->card[c]; a++) {
        if (!cnt[a]) continue;
        /* unsigned: two return values far apart (-2^63, 2^62) differ by more than a long long holds */
        long long p = val ? val[a] : a, q = val ? val[x] : x;
        unsigned long long d = p > q ? (unsigned long long)p - (unsigned long long)q : (unsigned long long)q - (unsigned long long)p;
        if (best < 0 || d < bd) best = a, bd = d;
    }
    return best >= 0 ? best : most_frequent(cnt, k->card[c], 0);
}

/* ret IDs -> values, or NULL when the vocabulary's names are not all numbers */
static long long *ret_values(const ts_vocab *rv, int32_t card)
{
    if (rv->n < card) return NULL;
    long long *val = ts_calloc((size_t)card, sizeof *val);
    for (int32_t a = 2; a < card; a++) {
        char *e;
        errno = 0;
        val[a] = strtoll(rv->names[a], &e, 10);
        if (errno || e == rv->names[a] || *e) { free(val); return NULL; }
    }
    return val;
}

/* a vocabulary's counts: the trace's own (renumbering to the constraints' names leaves
 * them 0) */
static void recount(ts_vocab *v, const int32_t *x, size_t n)
{
    if (!v->n || !x) return;
    if (!v->counts) v->counts = ts_calloc((size_t)v->n, sizeof *v->counts);
    else memset(v->counts, 0, (size_t)v->n * sizeof *v->counts);
    for (size_t i = 0; i < n; i++)
        if (x[i] >= 0 && x[i] < v->n) v->counts[x[i]]++;
}

/* the values of x (n, numbered by from) whose names to lacks: renumbering makes them to's
 * <unk>, a change of the trace, marked with bit c in touched */
static void mark_renamed(const ts_vocab *from, const ts_vocab *to, const int32_t *x, size_t n, int c, uint8_t *touched)
{
    if (!x || !from->n || !to->n || to->unk < 0) return;
    int32_t *map = ts_malloc((size_t)from->n * sizeof *map);
    ts_vocab_map(from, to, map);
    for (size_t i = 0; i < n; i++)
        if (x[i] >= 0 && x[i] < from->n && x[i] != from->unk && map[x[i]] == to->unk) touched[i] |= (uint8_t)(1u << c);
    free(map);
}

int ts_repair(const ts_constraints *k, ts_mc *m, size_t len, const char *what, ts_repair_report *out)
{
    memset(out, 0, sizeof *out);
    if (!what) what = "synthetic trace";
    size_t n = m->n;
    uint8_t *touched = ts_calloc(n ? n : 1, 1);   /* per event, bit c: channel c changed */
    mark_renamed(&m->events.vocab, &k->events, m->ch[TS_CH_EVENT], n, TS_CH_EVENT, touched);
    mark_renamed(&m->comm_vocab, &k->comm, m->ch[TS_CH_COMM], n, TS_CH_COMM, touched);
    mark_renamed(&m->ret_vocab, &k->ret, m->ch[TS_CH_RET], n, TS_CH_RET, touched);
    if (ts_constraints_fit(k, m, what) != 0) { free(touched); return -1; }
    int32_t V = k->V;
    /* predecessor lists of each type */
    size_t *pstart = ts_calloc((size_t)V + 1, sizeof *pstart), ne = 0;
    for (int32_t v = 0; v < V; v++)
        for (int32_t u = 0; u < V; u++) ne += k->trans[(size_t)u * V + v];
    int32_t *pred = ts_malloc((ne ? ne : 1) * sizeof *pred);
    ne = 0;
    for (int32_t v = 0; v < V; v++) {
        pstart[v] = ne;
        for (int32_t u = 0; u < V; u++)
            if (k->trans[(size_t)u * V + v]) pred[ne++] = u;
    }
    pstart[V] = ne;
    size_t L = len ? len : n;
    if ((double)L * (double)V > 1e9) {
        free(pstart);
        free(pred);
        free(touched);
        return ts_fail("%s: a sequence of %zu events over %d types is too long to repair at once (windows: --length)",
                       what, L, V);
    }
    int32_t *e = m->ch[TS_CH_EVENT], *y = ts_malloc((L ? L : 1) * sizeof *y);
    int rc = 0;
    for (size_t s = 0; s < n && rc == 0; s += L) {
        size_t T = n - s < L ? n - s : L;
        rc = closest_walk(k, pred, pstart, e + s, T, y);
        if (rc) ts_fail("%s: events %zu to %zu: %s", what, s, s + T - 1, ts_error());
        for (size_t t = 0; rc == 0 && t < T; t++)
            if (e[s + t] != y[t]) {
                e[s + t] = y[t];
                touched[s + t] |= 1u << TS_CH_EVENT;
            }
    }
    free(y);
    free(pstart);
    free(pred);
    if (rc) { free(touched); return -1; }
    long long *rv = k->card[TS_CH_RET] ? ret_values(&m->ret_vocab, k->card[TS_CH_RET]) : NULL;
    for (size_t i = 0; i < n; i++) {
        int32_t v = e[i];
        if (k->card[TS_CH_DT] && m->dt) {
            float d = m->dt[i] < k->dt_lo[v] ? k->dt_lo[v] : m->dt[i] > k->dt_hi[v] ? k->dt_hi[v] : m->dt[i];
            if (d != m->dt[i]) { m->dt[i] = d; touched[i] |= 1u << TS_CH_DT; }
        }
        for (int c = TS_CH_COMM; c < TS_NCH; c++) {
            if (!k->card[c] || !m->ch[c]) continue;
            int32_t x = m->ch[c][i];
            if (x >= 0 && x < k->card[c] && k->cnt[c][(size_t)v * k->card[c] + x]) continue;
            /* ret's nearest value is looked up by ID (an ID past the table has none); a
             * thread or CPU number is its own value, nearest even past the learned ones */
            int32_t xin = c != TS_CH_RET || (x >= 0 && x < k->card[c]) ? x : 0;
            int32_t a = nearest(k, c, v, xin, c == TS_CH_RET ? rv : NULL, c == TS_CH_COMM || (c == TS_CH_RET && !rv));
            m->ch[c][i] = a;
            touched[i] |= (uint8_t)(1u << c);
        }
    }
    for (size_t i = 0; i < n; i++) {
        out->events_touched += touched[i] != 0;
        for (int c = 0; c < TS_NCH; c++) out->changed[c] += touched[i] >> c & 1;
    }
    recount(&m->events.vocab, m->ch[TS_CH_EVENT], n);
    recount(&m->comm_vocab, m->ch[TS_CH_COMM], n);
    recount(&m->ret_vocab, m->ch[TS_CH_RET], n);
    if (out->events_touched && m->events.time_ns) {   /* the clock no longer matches dt or the events */
        free(m->events.time_ns);
        m->events.time_ns = NULL;
    }
    free(touched);
    free(rv);
    out->events = n;
    return 0;
}
