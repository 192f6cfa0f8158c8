/* Minimum-change repair of a multi-channel trace under learned constraints (see repair.h). */
#include "tracesynth/repair.h"
#include "tracesynth/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* the closest walk through the transition graph to x[0..T) (fewest positions changed),
 * written to y; -1 when the graph has no walk of T events. kept[t]: event t may stay as it
 * is, its other channels allowed for its type: between walks that replace as few events,
 * the one that changes the fewest events in any channel (a replaced event is changed, and
 * so is one whose type is kept but whose other channels the repair changes) */
static int closest_walk(const ts_constraints *k, const int32_t *pred, const size_t *pstart, const int32_t *x,
                        const uint8_t *kept, size_t T, int32_t *y)
{
    int32_t V = k->V;
    uint64_t *cost = ts_malloc((size_t)V * sizeof *cost), *next = ts_malloc((size_t)V * sizeof *next);
    int32_t *back = ts_malloc(T * (size_t)V * sizeof *back);
    /* the cost of type v at t: W + 1 for a replacement (W above any count of events
     * changed: replacements first), 1 for an event kept whose other channels change */
    const uint64_t INF = UINT64_MAX / 2, W = (uint64_t)T + 1;
#define STEP(t, v) (x[t] != (v) ? W + 1 : (uint64_t)!kept[t])
    for (int32_t v = 0; v < V; v++) cost[v] = k->seen[v] ? STEP(0, v) : INF;
    for (size_t t = 1; t < T; t++) {
        int32_t *bk = back + t * (size_t)V;
        for (int32_t v = 0; v < V; v++) {
            uint64_t best = INF;
            int32_t arg = -1;
            for (size_t p = pstart[v]; p < pstart[v + 1]; p++) {
                int32_t u = pred[p];
                /* ties: keep the original previous event, else the smallest type */
                if (cost[u] < best || (cost[u] == best && u == x[t - 1])) best = cost[u], arg = u;
            }
            next[v] = best >= INF ? INF : best + STEP(t, v);
            bk[v] = arg;
        }
        uint64_t *tmp = cost;
        cost = next;
        next = tmp;
    }
    int32_t end = -1;
    for (int32_t v = 0; v < V; v++)
        if (cost[v] < INF && (end < 0 || cost[v] < cost[end] || (cost[v] == cost[end] && v == x[T - 1]))) end = v;
#undef STEP
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

/* the type's allowed ID of channel c whose value is nearest to q (val: each ID's value,
 * ok: which IDs have one; NULL: the ID itself is the value), between two as near the more
 * frequent; -1 when no allowed ID has a value */
static int32_t nearest(const uint32_t *cnt, int32_t card, const long long *val, const uint8_t *ok, long long q)
{
    int32_t best = -1;
    unsigned long long bd = 0;
    for (int32_t a = 0; a < card; a++) {
        if (!cnt[a] || (ok && !ok[a])) continue;
        /* unsigned: two return values far apart (-2^63, 2^62) differ by more than a long long holds */
        long long p = val ? val[a] : a;
        unsigned long long d = p > q ? (unsigned long long)p - (unsigned long long)q : (unsigned long long)q - (unsigned long long)p;
        if (best < 0 || d < bd || (d == bd && cnt[a] > cnt[best])) best = a, bd = d;
    }
    return best;
}

/* a return value's name as its number: 0, or -1 when it is none (<pad>, <unk>, "?") */
static int ret_number(const char *name, long long *v)
{
    if (!name) return -1;
    char *e;
    errno = 0;
    *v = strtoll(name, &e, 10);
    return errno || e == name || *e ? -1 : 0;
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

/* whether the repair leaves every channel of event i but its type as it is, its type
 * kept: a type seen, dt within its bounds, each other value one the type has */
static int allowed_as_is(const ts_constraints *k, const ts_mc *m, size_t i)
{
    int32_t v = m->ch[TS_CH_EVENT][i];
    if (v < 0 || v >= k->V || !k->seen[v]) return 0;
    if (k->card[TS_CH_DT] && m->dt && !(i == 0 && m->dt[0] == 0) && !(m->dt[i] >= k->dt_lo[v] && m->dt[i] <= k->dt_hi[v]))
        return 0;
    for (int c = TS_CH_COMM; c < TS_NCH; c++) {
        if (!k->card[c] || !m->ch[c]) continue;
        int32_t x = m->ch[c][i];
        if (!(x >= 0 && x < k->card[c] && k->cnt[c][(size_t)v * k->card[c] + x])) return 0;
    }
    return 1;
}

int ts_repair(const ts_constraints *k, ts_mc *m, size_t len, const char *what, ts_repair_report *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!k) return ts_fail_null(__func__, "k");
    if (!m) return ts_fail_null(__func__, "m");
    if (m->n && !m->ch[TS_CH_EVENT]) return ts_fail_null(__func__, "m->ch[TS_CH_EVENT]");
    if (!what) what = "synthetic trace";
    size_t n = m->n;
    uint8_t *touched = ts_calloc(n ? n : 1, 1);   /* per event, bit c: channel c changed */
    mark_renamed(&m->events.vocab, &k->events, m->ch[TS_CH_EVENT], n, TS_CH_EVENT, touched);
    mark_renamed(&m->comm_vocab, &k->comm, m->ch[TS_CH_COMM], n, TS_CH_COMM, touched);
    mark_renamed(&m->ret_vocab, &k->ret, m->ch[TS_CH_RET], n, TS_CH_RET, touched);
    /* each event's return value as a number, read before renumbering: a value whose name
     * the constraints lack becomes their <unk>, and is still nearer to some allowed value
     * than to others */
    long long *rq = NULL;
    uint8_t *rqok = NULL;
    const int ret_named = m->ret_vocab.n > 0;
    if (k->card[TS_CH_RET] && m->ch[TS_CH_RET]) {
        rq = ts_calloc(n ? n : 1, sizeof *rq);
        rqok = ts_calloc(n ? n : 1, 1);
        for (size_t i = 0; ret_named && i < n; i++) {
            int32_t x = m->ch[TS_CH_RET][i];
            if (x >= 0 && x < m->ret_vocab.n) rqok[i] = ret_number(m->ret_vocab.names[x], &rq[i]) == 0;
        }
    }
    if (ts_constraints_fit(k, m, what) != 0) {
        free(touched);
        free(rq);
        free(rqok);
        return -1;
    }
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
    /* the walk's back pointers, one per event and type: at most 1 GiB */
    if ((double)L * (double)V * sizeof(int32_t) > (double)(1u << 30)) {
        free(pstart);
        free(pred);
        free(touched);
        free(rq);
        free(rqok);
        return ts_fail("%s: a sequence of %zu events over %d types is too long to repair at once (windows: --length)",
                       what, L, V);
    }
    int32_t *e = m->ch[TS_CH_EVENT], *y = ts_malloc((L ? L : 1) * sizeof *y);
    /* the events that stay unchanged if their type stays: not renamed, and every other
     * channel allowed for their type */
    uint8_t *kept = ts_malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) kept[i] = !touched[i] && allowed_as_is(k, m, i);
    int rc = 0;
    for (size_t s = 0; s < n && rc == 0; s += L) {
        size_t T = n - s < L ? n - s : L;
        rc = closest_walk(k, pred, pstart, e + s, kept + s, T, y);
        if (rc) ts_fail("%s: events %zu to %zu: %s", what, s, s + T - 1, ts_error());
        for (size_t t = 0; rc == 0 && t < T; t++)
            if (e[s + t] != y[t]) {
                e[s + t] = y[t];
                touched[s + t] |= 1u << TS_CH_EVENT;
            }
    }
    free(y);
    free(kept);
    free(pstart);
    free(pred);
    if (rc) {
        free(touched);
        free(rq);
        free(rqok);
        return -1;
    }
    /* the constraints' return values as numbers (<pad>, <unk> have none); a trace without
     * names has the constraints' IDs, and their values */
    long long *kval = NULL;
    uint8_t *kok = NULL;
    if (rq) {
        const int32_t card = k->card[TS_CH_RET];
        kval = ts_calloc((size_t)card, sizeof *kval);
        kok = ts_calloc((size_t)card, 1);
        for (int32_t a = 0; a < card && a < k->ret.n; a++) kok[a] = ret_number(k->ret.names[a], &kval[a]) == 0;
        for (size_t i = 0; !ret_named && i < n; i++) {
            int32_t x = m->ch[TS_CH_RET][i];
            if (x >= 0 && x < card && kok[x]) rq[i] = kval[x], rqok[i] = 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        int32_t v = e[i];
        if (k->card[TS_CH_DT] && m->dt && !(i == 0 && m->dt[0] == 0)) {   /* the first's 0: no time */
            float d = m->dt[i] < k->dt_lo[v] ? k->dt_lo[v] : m->dt[i] > k->dt_hi[v] ? k->dt_hi[v] : m->dt[i];
            if (d != m->dt[i]) { m->dt[i] = d; touched[i] |= 1u << TS_CH_DT; }
        }
        for (int c = TS_CH_COMM; c < TS_NCH; c++) {
            if (!k->card[c] || !m->ch[c]) continue;
            int32_t x = m->ch[c][i];
            if (x >= 0 && x < k->card[c] && k->cnt[c][(size_t)v * k->card[c] + x]) continue;
            /* the numerically nearest allowed value: a return value by the number it was
             * before renumbering (none: <pad>, <unk>), a thread or CPU number its own value,
             * nearest even past the learned ones; a process name, or a value without a
             * number, becomes the type's most frequent */
            const uint32_t *cnt = k->cnt[c] + (size_t)v * k->card[c];
            int32_t a = -1;
            if (c == TS_CH_RET) {
                if (rqok[i]) a = nearest(cnt, k->card[c], kval, kok, rq[i]);
            } else if (c != TS_CH_COMM) {
                a = nearest(cnt, k->card[c], NULL, NULL, x);
            }
            if (a < 0) a = most_frequent(cnt, k->card[c], 0);
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
    if (m->events.exit && out->changed[TS_CH_EVENT]) {
        /* an event of another type: the mark (exit, no system call) every unchanged event of
         * that type has; where it has none or two (a call's entry and exit), none is known */
        uint8_t *marks = ts_calloc((size_t)V, 1);
        for (size_t i = 0; i < n; i++)
            if (!(touched[i] >> TS_CH_EVENT & 1) && e[i] >= 0 && e[i] < V) marks[e[i]] |= (uint8_t)(1u << m->events.exit[i]);
        int known = 1;
        for (size_t i = 0; i < n && known; i++) {
            if (!(touched[i] >> TS_CH_EVENT & 1)) continue;
            const uint8_t b = e[i] >= 0 && e[i] < V ? marks[e[i]] : 0;
            known = b && !(b & (b - 1));
            if (known) m->events.exit[i] = (uint8_t)(b == 1 ? TS_EVENT_CALL : b == 2 ? TS_EVENT_EXIT : TS_EVENT_OTHER);
        }
        free(marks);
        if (!known) {
            free(m->events.exit);
            m->events.exit = NULL;
        }
    }
    free(touched);
    free(rq);
    free(rqok);
    free(kval);
    free(kok);
    out->events = n;
    return 0;
}
