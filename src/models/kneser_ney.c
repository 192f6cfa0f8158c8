/* Interpolated modified Kneser–Ney over event IDs (see kneser_ney.h).
 *
 * Storage: per order m, one open-addressing table of the distinct m-grams
 * (key = a position of the stream where the m-gram occurs, length m; value =
 * its count c_m) and one of the distinct (m-1)-gram contexts (value = c_m(h·)
 * and how many continuations have count 1, 2 and 3+), each as raw and as continuation
 * counts so one build scores at every order up to its own. The tables grow with their
 * entries: memory follows the distinct n-grams, at most O(order × n). */
#include "tracesynth/kneser_ney.h"
#include "tracesynth/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* counts in two kinds: [0] as the top order (raw counts), [1] below it (continuation
 * counts), so that one build serves every order up to the one it was built for */
typedef struct {
    uint64_t h;
    int32_t  pos;           /* -1: empty slot */
    int32_t  c[2];          /* count (gram table) or c(h·) (context table) */
    int32_t  n1[2], n2[2], n3[2]; /* context table: continuations with count 1, 2, 3+ */
} slot;

typedef struct {
    slot  *s;
    size_t cap, used;
    int    len;          /* key length */
} table;

struct ts_kn {
    int      order;          /* in use (ts_kn_set_order) */
    int      max_order;      /* built for */
    int32_t  V;
    size_t   n;
    int32_t *s;
    table    gram[TS_KN_MAX_ORDER + 1], ctx[TS_KN_MAX_ORDER + 1];
    double   D[TS_KN_MAX_ORDER + 1][2][4];
};

static uint64_t hash_ids(const int32_t *x, int m)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)m;
    for (int i = 0; i < m; i++) {
        h ^= (uint32_t)x[i];
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return h;
}

static void table_alloc(table *t, size_t cap)
{
    t->s = ts_malloc(cap * sizeof *t->s);
    for (size_t i = 0; i < cap; i++) t->s[i].pos = -1;
    t->cap = cap;
}

/* empty; grows with its entries (at most half full), so memory follows the distinct keys */
static void table_init(table *t, int len)
{
    table_alloc(t, 16);
    t->used = 0;
    t->len = len;
}

/* the slot of key x (len t->len): found, or the empty slot where it would go */
static slot *table_find(const table *t, const int32_t *stream, const int32_t *x, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    for (;;) {
        slot *e = &t->s[i];
        if (e->pos < 0) return e;
        if (e->h == h && !memcmp(stream + e->pos, x, (size_t)t->len * sizeof *x)) return e;
        i = (i + 1) & (t->cap - 1);
    }
}

/* the entry for the key at stream[pos..), inserted with zero counts when new */
static slot *table_get(table *t, const int32_t *stream, size_t pos)
{
    uint64_t h = hash_ids(stream + pos, t->len);
    slot *e = table_find(t, stream, stream + pos, h);
    if (e->pos < 0 && 2 * (t->used + 1) > t->cap) {   /* double: rehash by the stored hashes */
        slot *old = t->s;
        size_t ocap = t->cap;
        table_alloc(t, 2 * ocap);
        for (size_t i = 0; i < ocap; i++) {
            if (old[i].pos < 0) continue;
            size_t j = (size_t)old[i].h & (t->cap - 1);
            while (t->s[j].pos >= 0) j = (j + 1) & (t->cap - 1);
            t->s[j] = old[i];
        }
        free(old);
        e = table_find(t, stream, stream + pos, h);
    }
    if (e->pos < 0) {
        e->h = h;
        e->pos = (int32_t)pos;
        memset(e->c, 0, sizeof e->c);
        memset(e->n1, 0, sizeof e->n1);
        memset(e->n2, 0, sizeof e->n2);
        memset(e->n3, 0, sizeof e->n3);
        t->used++;
    }
    return e;
}

static const slot *table_lookup(const table *t, const int32_t *stream, const int32_t *x)
{
    const slot *e = table_find(t, stream, x, hash_ids(x, t->len));
    return e->pos < 0 ? NULL : e;
}

/* an m-gram starting at p lies inside one piece (no separator) */
static int gram_ok(const int32_t *s, size_t n, size_t p, int m)
{
    if (p + (size_t)m > n) return 0;
    for (int i = 0; i < m; i++)
        if (s[p + (size_t)i] < 0) return 0;
    return 1;
}

/* Chen & Goodman's estimates from the counts of counts; sane values when a class is empty */
static void discounts(const table *g, int kind, double D[4])
{
    double nk[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < g->cap; i++)
        if (g->s[i].pos >= 0 && g->s[i].c[kind] >= 1 && g->s[i].c[kind] <= 4) nk[g->s[i].c[kind]]++;
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
    kn->s = ts_malloc((n ? n : 1) * sizeof *kn->s);
    if (n) memcpy(kn->s, s, n * sizeof *s);
    const int32_t *x = kn->s;
    for (int m = 1; m <= order; m++) {
        table_init(&kn->gram[m], m);
        table_init(&kn->ctx[m], m - 1);
    }
    /* raw counts, every order */
    for (int m = 1; m <= order; m++)
        for (size_t p = 0; p < n; p++)
            if (gram_ok(x, n, p, m)) table_get(&kn->gram[m], x, p)->c[0]++;
    /* continuation counts below the top: distinct left neighbours (each distinct
     * (m+1)-gram adds one to its suffix), and one for an occurrence at the start of a
     * piece, counted once per distinct m-gram (n3[1] is a scratch flag here) */
    for (int m = order - 1; m >= 1; m--) {
        const table *up = &kn->gram[m + 1];
        table *g = &kn->gram[m];
        for (size_t i = 0; i < up->cap; i++)
            if (up->s[i].pos >= 0) table_get(g, x, (size_t)up->s[i].pos + 1)->c[1]++;
        for (size_t p = 0; p < n; p++)
            if ((p == 0 || x[p - 1] < 0) && gram_ok(x, n, p, m)) {
                slot *e = table_get(g, x, p);
                if (e->n3[1] == 0) { e->c[1]++; e->n3[1] = 1; }
            }
        for (size_t i = 0; i < g->cap; i++) g->s[i].n3[1] = 0;
    }
    /* contexts: c(h·) and the continuation classes, in both kinds */
    for (int m = 1; m <= order; m++) {
        const table *g = &kn->gram[m];
        table *c = &kn->ctx[m];
        for (size_t i = 0; i < g->cap; i++) {
            const slot *e = &g->s[i];
            if (e->pos < 0) continue;
            slot *h = table_get(c, x, (size_t)e->pos);
            for (int k = 0; k < 2; k++) {
                if (e->c[k] <= 0) continue;
                h->c[k] += e->c[k];
                if (e->c[k] == 1) h->n1[k]++; else if (e->c[k] == 2) h->n2[k]++; else h->n3[k]++;
            }
        }
        discounts(g, 0, kn->D[m][0]);
        discounts(g, 1, kn->D[m][1]);
    }
    *out = kn;
    return 0;
}

void ts_kn_free(ts_kn *kn)
{
    if (!kn) return;
    for (int m = 1; m <= kn->max_order; m++) {
        free(kn->gram[m].s);
        free(kn->ctx[m].s);
    }
    free(kn->s);
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

/* p(w | h) with h = ctx[nctx-m+1 .. nctx) growing from order 1 up. A context shorter than
 * order - 1 (a window's first events) is scored as a build of the order it fills: raw
 * counts at its top, since continuation counts only stand in for a longer context's
 * backing-off mass */
static double kn_prob(const ts_kn *kn, const int32_t *ctx, size_t nctx, int32_t w)
{
    double p = 1.0 / kn->V;
    int32_t key[TS_KN_MAX_ORDER];
    int top = (size_t)kn->order - 1 > nctx ? (int)nctx + 1 : kn->order;
    for (int m = 1; m <= top; m++) {
        size_t hl = (size_t)m - 1;
        if (hl) memcpy(key, ctx + nctx - hl, hl * sizeof *key);   /* (ctx may be NULL when nctx is 0) */
        int k = m == top ? 0 : 1;            /* raw counts at the top, continuations below */
        const slot *h = table_lookup(&kn->ctx[m], kn->s, key);
        if (!h || h->c[k] <= 0) continue;    /* unseen context: all mass to the lower order */
        key[hl] = w;
        const slot *g = w >= 0 ? table_lookup(&kn->gram[m], kn->s, key) : NULL;
        const double *D = kn->D[m][k];
        double c = g ? g->c[k] : 0;
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
