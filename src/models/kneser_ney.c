/* Interpolated modified Kneser–Ney over event IDs (see kneser_ney.h).
 *
 * Storage: per order m, the distinct m-grams, numbered 0, 1, ... in the order first
 * seen. An m-gram is its first event before an (m-1)-gram, so one open-addressing table
 * per order maps (first ID, number of the (m-1)-gram after it) to its number: a context
 * or an n-gram growing to the left one event per order is found with one lookup per
 * order, without the stream (which is not kept). Beside the numbers, dense arrays: each
 * m-gram's count (raw and continuation: one build scores at every order up to its own)
 * and, as the context of order m+1, c(h·) and how many continuations have count 1, 2
 * and 3+, in both kinds: kept (32 bytes) for a context that more than one m+1-gram
 * follows, read off the one that follows it otherwise (most contexts of the higher
 * orders). About 15 bytes of slots (at most 4/5 full once counted) + 12 bytes a distinct
 * m-gram, + 32 a context followed by several; memory follows the distinct n-grams, at
 * most O(order × n). */
#include "tracesynth/kneser_ney.h"
#include "tracesynth/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX     /* no such n-gram */

typedef struct {
    int32_t  w;             /* first event ID; -1: empty slot */
    uint32_t suf;           /* number of the (m-1)-gram after it (0 at order 1) */
    uint32_t id;            /* its number at this order */
} slot;

/* counts in two kinds: [0] as the top order (raw counts), [1] below it (continuation
 * counts), so that one build serves every order up to the one it was built for */
typedef struct {
    int32_t c[2];                 /* c(h·) */
    int32_t n1[2], n2[2], n3[2];  /* continuations with count 1, 2, 3+ */
} context;

typedef struct {
    slot    *s;
    size_t   cap, used;   /* slots; distinct m-grams (numbered 0 .. used-1) */
    size_t   room;        /* of c while counting */
    int32_t (*c)[2];      /* [number]: the m-gram's count, both kinds */
    /* the m-gram as the context of order m+1 (NULL at the top), by its number: NONE when
     * nothing follows it, ONE | the number of the (m+1)-gram when one alone does (its
     * context's counts are that (m+1)-gram's: most contexts of the higher orders), else
     * the place of its counts in h */
    uint32_t *hx;
    context  *h;
} table;

#define ONE 0x80000000u     /* hx: one (m+1)-gram follows (numbers are below 2^31 - 1) */
#define MANY 0xfffffffeu    /* hx while making it: more than one */

struct ts_kn {
    int      order;          /* in use (ts_kn_set_order) */
    int      max_order;      /* built for */
    int32_t  V;
    size_t   n;
    table    t[TS_KN_MAX_ORDER + 1];
    context  h0;             /* the empty context, of order 1 */
    double   D[TS_KN_MAX_ORDER + 1][2][4];
};

static uint64_t hash_key(int32_t w, uint32_t suf)
{
    uint64_t h = ((uint64_t)(uint32_t)w << 32 | suf) + 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

/* the first slot to probe: the hash scaled to the capacity (any capacity, not only
 * powers of two) */
static size_t home(uint64_t h, size_t cap) { return (size_t)(((unsigned __int128)h * cap) >> 64); }
static size_t next(size_t i, size_t cap) { return i + 1 == cap ? 0 : i + 1; }

/* cap slots (more than the keys) holding the keys of t->s[0 .. t->cap), or none */
static void slots_rehash(table *t, size_t cap)
{
    slot *old = t->s;
    size_t ocap = t->cap;
    t->s = ts_malloc(cap * sizeof *t->s);
    for (size_t i = 0; i < cap; i++) t->s[i].w = -1;
    t->cap = cap;
    for (size_t j = 0; j < ocap; j++) {
        if (old[j].w < 0) continue;
        size_t k = home(hash_key(old[j].w, old[j].suf), cap);
        while (t->s[k].w >= 0) k = next(k, cap);
        t->s[k] = old[j];
    }
    free(old);
}

/* the number of the m-gram w·(the (m-1)-gram numbered suf), NONE when it never occurs */
static uint32_t table_find(const table *t, int32_t w, uint32_t suf)
{
    if (w < 0 || suf == NONE) return NONE;
    size_t i = home(hash_key(w, suf), t->cap);
    for (;;) {
        const slot *e = &t->s[i];
        if (e->w < 0) return NONE;
        if (e->w == w && e->suf == suf) return e->id;
        i = next(i, t->cap);
    }
}

/* the number of w·suf, numbered next (with zero counts) when new: *added then 1 */
static uint32_t table_get(table *t, int32_t w, uint32_t suf, int *added)
{
    size_t i = home(hash_key(w, suf), t->cap);
    for (;;) {
        const slot *e = &t->s[i];
        if (e->w < 0) break;
        if (e->w == w && e->suf == suf) { *added = 0; return e->id; }
        i = next(i, t->cap);
    }
    *added = 1;
    if (4 * (t->used + 1) > 3 * t->cap) {   /* at most 3/4 full while counting */
        slots_rehash(t, 2 * t->cap);
        i = home(hash_key(w, suf), t->cap);
        while (t->s[i].w >= 0) i = next(i, t->cap);
    }
    if (t->used == t->room) {
        t->room = t->room ? 2 * t->room : 16;
        t->c = ts_realloc(t->c, t->room * sizeof *t->c);
    }
    uint32_t id = (uint32_t)t->used++;
    t->s[i] = (slot){w, suf, id};
    t->c[id][0] = t->c[id][1] = 0;
    return id;
}

/* Chen & Goodman's estimates from the counts of counts; sane values when a class is empty */
static void discounts(const table *g, int kind, double D[4])
{
    double nk[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < g->used; i++)
        if (g->c[i][kind] >= 1 && g->c[i][kind] <= 4) nk[g->c[i][kind]]++;
    D[0] = 0;
    if (nk[1] <= 0 || nk[2] <= 0) { D[1] = 0.5; D[2] = 1.0; D[3] = 1.5; return; }
    double Y = nk[1] / (nk[1] + 2 * nk[2]);
    D[1] = 1 - 2 * Y * nk[2] / nk[1];
    D[2] = nk[2] > 0 && nk[3] > 0 ? 2 - 3 * Y * nk[3] / nk[2] : 1.0;
    D[3] = nk[3] > 0 && nk[4] > 0 ? 3 - 4 * Y * nk[4] / nk[3] : 1.5;
    for (int c = 1; c <= 3; c++) {
        if (!(D[c] > 0)) D[c] = 0.1 * c;
        if (D[c] > c) D[c] = c;
    }
}

/* order m done (both kinds of its counts final): its discounts, and its m-grams added to
 * their contexts' c(h·) and classes (pre: the number of each one's first m-1 events) */
static void finish_order(ts_kn *kn, int m, const uint32_t *pre)
{
    const table *g = &kn->t[m];
    context *h = &kn->h0;
    if (m > 1) {   /* which contexts more than one m-gram follows: their counts are kept */
        table *ht = &kn->t[m - 1];
        uint32_t *hx = ht->hx = ts_malloc((ht->used ? ht->used : 1) * sizeof *hx);
        for (size_t j = 0; j < ht->used; j++) hx[j] = NONE;
        for (size_t i = 0; i < g->used; i++) hx[pre[i]] = hx[pre[i]] == NONE ? ONE | (uint32_t)i : MANY;
        uint32_t many = 0;
        for (size_t j = 0; j < ht->used; j++)
            if (hx[j] == MANY) hx[j] = many++;
        ht->h = h = ts_calloc(many ? many : 1, sizeof *h);
    }
    for (size_t i = 0; i < g->used; i++) {
        if (m > 1 && (kn->t[m - 1].hx[pre[i]] & ONE)) continue;   /* one alone: its own counts */
        context *e = m > 1 ? &h[kn->t[m - 1].hx[pre[i]]] : h;
        for (int k = 0; k < 2; k++) {
            int32_t c = g->c[i][k];
            if (c <= 0) continue;
            e->c[k] += c;
            if (c == 1) e->n1[k]++; else if (c == 2) e->n2[k]++; else e->n3[k]++;
        }
    }
    discounts(g, 0, kn->D[m][0]);
    discounts(g, 1, kn->D[m][1]);
}

int ts_kn_build(ts_kn **out, const int32_t *s, size_t n, int order, int32_t V)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!s && n) return ts_fail_null(__func__, "s");
    if (order < 1 || order > TS_KN_MAX_ORDER)
        return ts_fail("kneser-ney: order %d out of range [1, %d]", order, TS_KN_MAX_ORDER);
    if (V < 1) return ts_fail("kneser-ney: alphabet size %d must be positive", (int)V);
    if (n > (size_t)INT32_MAX - 1) return ts_fail("kneser-ney: stream of %zu events is too long", n);
    for (size_t i = 0; i < n; i++)
        if (s[i] >= V)
            return ts_fail("kneser-ney: event %zu has ID %d, outside the alphabet [0, %d)", i, (int)s[i], (int)V);
    ts_kn *kn = ts_calloc(1, sizeof *kn);
    kn->order = kn->max_order = order;
    kn->V = V;
    kn->n = n;
    /* the number of the (m-1)-gram (rk) and of the m-gram (nx) starting at each position,
     * NONE where none does (a separator inside, or the stream's end); pre[m & 1]: the
     * number of each m-gram's first m-1 events, kept until order m is done */
    uint32_t *rk = ts_malloc((n ? n : 1) * sizeof *rk), *nx = ts_malloc((n ? n : 1) * sizeof *nx);
    uint32_t *pre[2] = {NULL, NULL};
    for (int m = 1; m <= order; m++) {
        table *g = &kn->t[m];
        slots_rehash(g, 16);
        uint32_t *pm = NULL;
        size_t proom = 0;
        /* raw counts; each distinct m-gram adds one to its suffix's continuation count
         * (its distinct left neighbours) */
        for (size_t p = 0; p < n; p++) {
            uint32_t suf = m == 1 ? 0 : p + 1 < n ? rk[p + 1] : NONE;
            if (s[p] < 0 || suf == NONE) { nx[p] = NONE; continue; }
            int added;
            uint32_t id = table_get(g, s[p], suf, &added);
            nx[p] = id;
            g->c[id][0]++;
            if (added && m > 1) {
                kn->t[m - 1].c[suf][1]++;
                if (id == proom) {
                    proom = g->room;
                    pm = ts_realloc(pm, proom * sizeof *pm);
                }
                pm[id] = rk[p];
            }
        }
        g->c = ts_realloc(g->c, (g->used ? g->used : 1) * sizeof *g->c);
        g->room = g->used;
        slots_rehash(g, g->used + g->used / 4 + 1);   /* for scoring: at most 4/5 full */
        /* below the top: one for an occurrence at the start of a piece, counted once per
         * distinct m-gram */
        if (m < order) {
            unsigned char *once = ts_calloc(g->used, 1);
            for (size_t p = 0; p < n; p++)
                if ((p == 0 || s[p - 1] < 0) && nx[p] != NONE && !once[nx[p]]) {
                    once[nx[p]] = 1;
                    g->c[nx[p]][1]++;
                }
            free(once);
        }
        pre[m & 1] = pm;
        if (m > 1) {                 /* order m-1's continuation counts are now final */
            finish_order(kn, m - 1, pre[(m - 1) & 1]);
            free(pre[(m - 1) & 1]);
            pre[(m - 1) & 1] = NULL;
        }
        uint32_t *t = rk;
        rk = nx;
        nx = t;
    }
    free(rk);   /* (before the last contexts are made: the positions are read no more) */
    free(nx);
    finish_order(kn, order, pre[order & 1]);
    free(pre[0]);
    free(pre[1]);
    *out = kn;
    return 0;
}

void ts_kn_free(ts_kn *kn)
{
    if (!kn) return;
    for (int m = 1; m <= kn->max_order; m++) {
        free(kn->t[m].s);
        free(kn->t[m].c);
        free(kn->t[m].h);
        free(kn->t[m].hx);
    }
    free(kn);
}

int ts_kn_order(const ts_kn *kn) { return kn ? kn->order : ts_fail_null(__func__, "kn"); }
int ts_kn_max_order(const ts_kn *kn) { return kn ? kn->max_order : ts_fail_null(__func__, "kn"); }

/* the windows ts_kn_bits and ts_kn_choose_order score: 0 / -1 + error naming fn */
static int windows_ok(const char *fn, const ts_kn *kn, const int32_t *x, size_t n, size_t L)
{
    if (!kn) return ts_fail_null(fn, "kn");
    if (n == 0 || L == 0) return ts_fail("%s: no windows to score (%zu of %zu event%s)", fn, n, L, ts_plural(L));
    if (!x) return ts_fail_null(fn, "x");
    if (n > SIZE_MAX / L) return ts_fail("%s: %zu windows of %zu events is too many", fn, n, L);
    return 0;
}

int ts_kn_choose_order(ts_kn *kn, const int32_t *x, size_t n, size_t L)
{
    if (windows_ok(__func__, kn, x, n, L) != 0) return -1;
    int best_m = 1;
    double best = 0;
    for (int m = 1; m <= kn->max_order; m++) {
        kn->order = m;
        double b = ts_kn_bits(kn, x, n, L);
        if (m == 1 || b < best) { best = b; best_m = m; }
    }
    kn->order = best_m;
    return best_m;
}

int ts_kn_set_order(ts_kn *kn, int order)
{
    if (!kn) return ts_fail_null(__func__, "kn");
    if (order < 1 || order > kn->max_order)
        return ts_fail("kneser-ney: order %d out of range [1, %d]", order, kn->max_order);
    kn->order = order;
    return 0;
}

double ts_kn_discount(const ts_kn *kn, int m, int c)
{
    if (!kn) return ts_fail_null(__func__, "kn"), NAN;
    if (m < 1 || m > kn->order)
        return ts_fail("%s: order %d out of range [1, %d]", __func__, m, kn->order), NAN;
    if (c < 1 || c > 3) return ts_fail("%s: count class %d out of range [1, 3]", __func__, c), NAN;
    return kn->D[m][m == kn->order ? 0 : 1][c];
}

/* the counts of the m-gram numbered id as a context (of order m+1): NULL when nothing
 * follows it; those of the one (m+1)-gram that does, made in *one */
static const context *context_of(const ts_kn *kn, int m, uint32_t id, context *one)
{
    const uint32_t x = kn->t[m].hx[id];
    if (x == NONE) return NULL;
    if (!(x & ONE)) return &kn->t[m].h[x];
    const int32_t *c = kn->t[m + 1].c[x & ~ONE];
    for (int k = 0; k < 2; k++) {
        one->c[k] = c[k] > 0 ? c[k] : 0;
        one->n1[k] = c[k] == 1;
        one->n2[k] = c[k] == 2;
        one->n3[k] = c[k] >= 3;
    }
    return one;
}

/* p(w | h) with h = ctx[nctx-m+1 .. nctx) growing from order 1 up. A context shorter than
 * order - 1 (a window's first events) is scored as a build of the order it fills: raw
 * counts at its top, since continuation counts only stand in for a longer context's
 * backing-off mass */
static double kn_prob(const ts_kn *kn, const int32_t *ctx, size_t nctx, int32_t w)
{
    double p = 1.0 / kn->V;
    int top = (size_t)kn->order - 1 > nctx ? (int)nctx + 1 : kn->order;
    uint32_t hid = 0, gid = 0;   /* the numbers of h (the last m-1 events) and of hw, growing left */
    context one;
    for (int m = 1; m <= top; m++) {
        size_t hl = (size_t)m - 1;
        const context *h = &kn->h0;
        if (hl) {                            /* (ctx may be NULL when nctx is 0) */
            hid = table_find(&kn->t[hl], ctx[nctx - hl], hid);
            h = hid == NONE ? NULL : context_of(kn, (int)hl, hid, &one);
        }
        gid = table_find(&kn->t[m], hl ? ctx[nctx - hl] : w, gid);
        int k = m == top ? 0 : 1;            /* raw counts at the top, continuations below */
        if (!h || h->c[k] <= 0) continue;    /* unseen context: all mass to the lower order */
        const double *D = kn->D[m][k];
        double c = gid != NONE ? kn->t[m].c[gid][k] : 0;
        double disc = c <= 0 ? 0 : D[c >= 3 ? 3 : (int)c];
        double gamma = (D[1] * h->n1[k] + D[2] * h->n2[k] + D[3] * h->n3[k]) / h->c[k];
        p = (c > disc ? c - disc : 0) / h->c[k] + gamma * p;
    }
    return p;
}

double ts_kn_logprob(const ts_kn *kn, const int32_t *ctx, size_t nctx, int32_t w)
{
    if (!kn) return ts_fail_null(__func__, "kn"), NAN;
    if (!ctx && nctx) return ts_fail_null(__func__, "ctx"), NAN;
    return log(kn_prob(kn, ctx, nctx, w));
}

int ts_kn_dist(const ts_kn *kn, const int32_t *ctx, size_t nctx, double *p)
{
    if (!kn) return ts_fail_null(__func__, "kn");
    if (!p) return ts_fail_null(__func__, "p");
    if (!ctx && nctx) {
        for (int32_t w = 0; w < kn->V; w++) p[w] = NAN;
        return ts_fail_null(__func__, "ctx");
    }
    for (int32_t w = 0; w < kn->V; w++) p[w] = kn_prob(kn, ctx, nctx, w);
    return 0;
}

double ts_kn_bits(const ts_kn *kn, const int32_t *x, size_t n, size_t L)
{
    if (windows_ok(__func__, kn, x, n, L) != 0) return NAN;
    double *win = ts_malloc(n * sizeof *win);   /* each window's nats, summed in order: any thread count */
    #pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        const int32_t *row = x + i * L;
        double s = 0;
        for (size_t l = 0; l < L; l++) {
            size_t lo = l >= (size_t)kn->order - 1 ? l - ((size_t)kn->order - 1) : 0;
            s -= log(kn_prob(kn, row + lo, l - lo, row[l]));
        }
        win[i] = s;
    }
    double nats = 0;
    for (size_t i = 0; i < n; i++) nats += win[i];
    free(win);
    return nats / ((double)n * (double)L) / log(2.0);
}
