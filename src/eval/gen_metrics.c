/* Generation metrics (design/PROTOCOLS.md §3): fidelity of synthetic windows against real
 * ones (unigram/bigram Jensen-Shannon, KL, coverage) and, against the training data, the
 * transition distance D_trans and memorization (verbatim windows, longest common substring).
 *
 * Event and pair distributions are sorted key arrays merged in one pass, so IDs need not be
 * dense. Everything about the training data goes through one suffix automaton: it recognizes
 * exactly the substrings of the training windows, so a pair (a, b) occurs adjacently in train
 * iff "ab" is accepted, the longest common substring of a window with train is its longest
 * run of matching statistics, and a window is verbatim in train iff that run is the whole
 * window. Building it is O(n) in the training events, each synthetic window O(L). */
#include "tracesynth/eval.h"
#include "tracesynth/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- suffix automaton over train windows joined by a separator ----
 * The separator (symbol V, above every train ID) never occurs in synthetic data, so no
 * accepted string crosses a window boundary. The root, which has an edge per event type and
 * is visited after every mismatch, gets a dense table over [0, V] (unless IDs are absurdly
 * sparse); every other state keeps a singly linked list of its edges, and a state with more
 * than SAM_LIST_MAX of them (short strings, followed by many event types) has them in a
 * hash table too, so that finding an edge never walks a long list: with hundreds of event
 * types the lists made building and matching grow with the events times the types. */
#define SAM_DENSE_ROOT_MAX (1 << 22)
#define SAM_LIST_MAX 8
#define SAM_HASHED UINT8_MAX             /* deg: the state's edges are in the hash table */
typedef struct {
    int32_t *len, *link, *head;    /* per state: longest string, suffix link, first edge */
    uint8_t *deg;                  /* per state: its edges (up to SAM_LIST_MAX), or SAM_HASHED */
    int32_t *esym, *eto, *enext;   /* per edge: symbol, target state, next edge of the state */
    int32_t *root;                 /* (V+1,) root transitions, -1: none; NULL: root uses edges */
    uint64_t *hkey;                /* (cap_h) state << 32 | symbol of the hashed edges; UINT64_MAX: empty */
    int32_t *hedge;                /* (cap_h) the edge of each key */
    int32_t  V;                    /* train IDs are in [0, V); V is the separator */
    size_t   ns, ne, cap_s, cap_e, nh, cap_h;
} sam;

static size_t sam_slot(const sam *a, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t)(h ^ h >> 29) & (a->cap_h - 1);
    while (a->hkey[i] != UINT64_MAX && a->hkey[i] != key) i = (i + 1) & (a->cap_h - 1);
    return i;
}

static uint64_t sam_key(int32_t s, int32_t c) { return (uint64_t)(uint32_t)s << 32 | (uint32_t)c; }

static void sam_hash_put(sam *a, int32_t s, int32_t c, int32_t e)
{
    if (2 * (a->nh + 1) > a->cap_h) {   /* at most half full: double */
        uint64_t *ok = a->hkey;
        int32_t *oe = a->hedge;
        size_t ocap = a->cap_h;
        a->cap_h = ocap ? 2 * ocap : 1024;
        a->hkey = ts_malloc(a->cap_h * sizeof *a->hkey);
        a->hedge = ts_malloc(a->cap_h * sizeof *a->hedge);
        for (size_t i = 0; i < a->cap_h; i++) a->hkey[i] = UINT64_MAX;
        for (size_t i = 0; i < ocap; i++)
            if (ok[i] != UINT64_MAX) {
                size_t j = sam_slot(a, ok[i]);
                a->hkey[j] = ok[i];
                a->hedge[j] = oe[i];
            }
        free(ok);
        free(oe);
    }
    size_t i = sam_slot(a, sam_key(s, c));
    if (a->hkey[i] == UINT64_MAX) a->nh++;
    a->hkey[i] = sam_key(s, c);
    a->hedge[i] = e;
}

/* the edge of state s for symbol c, or -1 */
static int32_t sam_edge(const sam *a, int32_t s, int32_t c)
{
    if (a->deg[s] == SAM_HASHED) {
        size_t i = sam_slot(a, sam_key(s, c));
        return a->hkey[i] == UINT64_MAX ? -1 : a->hedge[i];
    }
    for (int32_t e = a->head[s]; e >= 0; e = a->enext[e])
        if (a->esym[e] == c) return e;
    return -1;
}

static int32_t sam_get(const sam *a, int32_t s, int32_t c)
{
    if (s == 0 && a->root) return a->root[c];
    int32_t e = sam_edge(a, s, c);
    return e >= 0 ? a->eto[e] : -1;
}

static void sam_add_edge(sam *a, int32_t s, int32_t c, int32_t to)
{
    if (s == 0 && a->root) { a->root[c] = to; return; }
    if (a->ne == a->cap_e) {
        a->cap_e *= 2;
        a->esym = ts_realloc(a->esym, a->cap_e * sizeof *a->esym);
        a->eto = ts_realloc(a->eto, a->cap_e * sizeof *a->eto);
        a->enext = ts_realloc(a->enext, a->cap_e * sizeof *a->enext);
    }
    int32_t e = (int32_t)a->ne++;
    a->esym[e] = c;
    a->eto[e] = to;
    a->enext[e] = a->head[s];
    a->head[s] = e;
    if (a->deg[s] == SAM_HASHED) {
        sam_hash_put(a, s, c, e);
    } else if (++a->deg[s] > SAM_LIST_MAX) {   /* from now on found through the hash table */
        a->deg[s] = SAM_HASHED;
        for (int32_t f = a->head[s]; f >= 0; f = a->enext[f]) sam_hash_put(a, s, a->esym[f], f);
    }
}

static void sam_redirect(sam *a, int32_t s, int32_t c, int32_t to)
{
    if (s == 0 && a->root) { a->root[c] = to; return; }
    int32_t e = sam_edge(a, s, c);
    if (e >= 0) a->eto[e] = to;
}

static int32_t sam_new_state(sam *a, int32_t len)
{
    if (a->ns == a->cap_s) {
        a->cap_s *= 2;
        a->len = ts_realloc(a->len, a->cap_s * sizeof *a->len);
        a->link = ts_realloc(a->link, a->cap_s * sizeof *a->link);
        a->head = ts_realloc(a->head, a->cap_s * sizeof *a->head);
        a->deg = ts_realloc(a->deg, a->cap_s * sizeof *a->deg);
    }
    int32_t s = (int32_t)a->ns++;
    a->len[s] = len;
    a->link[s] = -1;
    a->head[s] = -1;
    a->deg[s] = 0;
    return s;
}

/* the classic online construction; returns the new last state */
static int32_t sam_extend(sam *a, int32_t last, int32_t c)
{
    int32_t cur = sam_new_state(a, a->len[last] + 1);
    int32_t p = last;
    while (p != -1 && sam_get(a, p, c) == -1) {
        sam_add_edge(a, p, c, cur);
        p = a->link[p];
    }
    if (p == -1) { a->link[cur] = 0; return cur; }
    int32_t q = sam_get(a, p, c);
    if (a->len[p] + 1 == a->len[q]) { a->link[cur] = q; return cur; }
    int32_t clone = sam_new_state(a, a->len[p] + 1);   /* q is never the root */
    for (int32_t e = a->head[q]; e >= 0; e = a->enext[e])
        sam_add_edge(a, clone, a->esym[e], a->eto[e]);
    a->link[clone] = a->link[q];
    while (p != -1 && sam_get(a, p, c) == q) {
        sam_redirect(a, p, c, clone);
        p = a->link[p];
    }
    a->link[q] = a->link[cur] = clone;
    return cur;
}

static void sam_build(sam *a, const ts_windows *train)
{
    size_t n = train->n * train->len;
    int32_t V = 0;
    for (size_t i = 0; i < n; i++)
        if (train->data[i] >= V) V = train->data[i] + 1;
    memset(a, 0, sizeof *a);
    a->V = V;
    if (V <= SAM_DENSE_ROOT_MAX) {
        a->root = ts_malloc(((size_t)V + 1) * sizeof *a->root);
        for (int32_t c = 0; c <= V; c++) a->root[c] = -1;
    }
    /* repetitive traces need far fewer than the worst-case 2n states / 3n edges */
    a->cap_s = a->cap_e = 1024;
    a->len = ts_malloc(a->cap_s * sizeof *a->len);
    a->link = ts_malloc(a->cap_s * sizeof *a->link);
    a->head = ts_malloc(a->cap_s * sizeof *a->head);
    a->deg = ts_malloc(a->cap_s * sizeof *a->deg);
    a->esym = ts_malloc(a->cap_e * sizeof *a->esym);
    a->eto = ts_malloc(a->cap_e * sizeof *a->eto);
    a->enext = ts_malloc(a->cap_e * sizeof *a->enext);
    int32_t last = sam_new_state(a, 0);
    for (size_t w = 0; w < train->n; w++) {
        if (w > 0) last = sam_extend(a, last, V);
        const int32_t *x = train->data + w * train->len;
        for (size_t t = 0; t < train->len; t++) last = sam_extend(a, last, x[t]);
    }
}

static void sam_free(sam *a)
{
    free(a->len); free(a->link); free(a->head); free(a->deg);
    free(a->esym); free(a->eto); free(a->enext);
    free(a->root); free(a->hkey); free(a->hedge);
}

/* longest substring of x (n events) that occurs in train */
static size_t sam_longest_match(const sam *a, const int32_t *x, size_t n)
{
    int32_t v = 0;
    size_t l = 0, best = 0;
    for (size_t t = 0; t < n; t++) {
        int32_t c = x[t];
        if (c >= a->V) { v = 0; l = 0; continue; }    /* never seen in train */
        while (v != 0 && sam_get(a, v, c) == -1) {
            v = a->link[v];
            l = (size_t)a->len[v];
        }
        int32_t to = sam_get(a, v, c);
        if (to == -1) { v = 0; l = 0; continue; }
        v = to;
        if (++l > best) best = l;
    }
    return best;
}

/* adjacent pair (a, b) anywhere inside a train window */
static int sam_has_pair(const sam *a, int32_t x, int32_t y)
{
    if (x >= a->V || y >= a->V) return 0;
    int32_t s = sam_get(a, 0, x);
    return s >= 0 && sam_get(a, s, y) >= 0;
}

/* ---- distributions as sorted keys ---- */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* keys of the events (order 1) or adjacent pairs inside windows (order 2), sorted */
static uint64_t *sorted_keys(const ts_windows *w, int order, size_t *n)
{
    size_t per = w->len >= (size_t)order ? w->len - (size_t)order + 1 : 0;
    *n = w->n * per;
    uint64_t *k = ts_malloc((*n ? *n : 1) * sizeof *k);
    size_t j = 0;
    for (size_t i = 0; i < w->n; i++) {
        const int32_t *x = w->data + i * w->len;
        for (size_t t = 0; t < per; t++)
            k[j++] = order == 1 ? (uint64_t)(uint32_t)x[t]
                                : (uint64_t)(uint32_t)x[t] << 32 | (uint32_t)x[t + 1];
    }
    qsort(k, *n, sizeof *k, cmp_u64);
    return k;
}

typedef struct {
    double js, kl;                 /* bits */
    size_t types_a, types_b, types_both;
} dist_cmp;

/* a = real, b = synthetic; both sorted and non-empty. KL(a || b) is add-one smoothed over
 * the types seen in either. */
static void compare_dists(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, dist_cmp *out)
{
    memset(out, 0, sizeof *out);
    size_t types = 0;
    for (size_t i = 0, j = 0; i < na || j < nb; types++) {
        uint64_t key = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        size_t ca = 0, cb = 0;
        while (i < na && a[i] == key) { i++; ca++; }
        while (j < nb && b[j] == key) { j++; cb++; }
        out->types_a += ca > 0;
        out->types_b += cb > 0;
        out->types_both += ca > 0 && cb > 0;
        double p = (double)ca / na, q = (double)cb / nb, m = 0.5 * (p + q);
        if (p > 0) out->js += 0.5 * p * log2(p / m);
        if (q > 0) out->js += 0.5 * q * log2(q / m);
    }
    /* second pass for KL: the smoothing needs the number of types */
    for (size_t i = 0, j = 0; i < na || j < nb;) {
        uint64_t key = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
        size_t ca = 0, cb = 0;
        while (i < na && a[i] == key) { i++; ca++; }
        while (j < nb && b[j] == key) { j++; cb++; }
        double p = (ca + 1.0) / ((double)na + types), q = (cb + 1.0) / ((double)nb + types);
        out->kl += p * log2(p / q);
    }
    if (out->js < 0) out->js = 0;        /* rounding */
    if (out->js > 1) out->js = 1;
    if (out->kl < 0) out->kl = 0;
}

/* linear interpolation between closest ranks (numpy's default); x sorted, n >= 1 */
static double quantile(const size_t *x, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return (double)x[n - 1];
    return (double)x[lo] + (pos - (double)lo) * ((double)x[lo + 1] - (double)x[lo]);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int check_windows(const ts_windows *w, const char *what)
{
    if (w->n == 0 || w->len == 0) return ts_fail("%s: no events", what);
    if (w->len > INT32_MAX / 2 || w->n * w->len > INT32_MAX / 4)
        return ts_fail("%s: %zu x %zu events is too many", what, w->n, w->len);
    for (size_t i = 0; i < w->n * w->len; i++)
        if (w->data[i] < 0 || w->data[i] == INT32_MAX)   /* INT32_MAX: room for the separator */
            return ts_fail("%s: window %zu, position %zu: invalid ID %d", what, i / w->len,
                           i % w->len, (int)w->data[i]);
    return 0;
}

int ts_eval_generate(const ts_windows *real, const ts_windows *synth, const ts_windows *train,
                     ts_gen_metrics *out)
{
    memset(out, 0, sizeof *out);
    if (!real->data && real->n && real->len) return ts_fail_null(__func__, "real->data");
    if (!synth->data && synth->n && synth->len) return ts_fail_null(__func__, "synth->data");
    if (train && !train->data && train->n && train->len) return ts_fail_null(__func__, "train->data");
    if (check_windows(real, "real") || check_windows(synth, "synthetic") ||
        (train && check_windows(train, "train")))
        return -1;

    size_t nr, ns;
    uint64_t *kr = sorted_keys(real, 1, &nr), *ks = sorted_keys(synth, 1, &ns);
    dist_cmp d;
    compare_dists(kr, nr, ks, ns, &d);
    out->js_unigram = d.js;
    out->kl_unigram = d.kl;
    out->coverage_real = (double)d.types_both / d.types_a;
    out->coverage_synth = (double)d.types_both / d.types_b;
    free(kr);
    free(ks);
    /* windows of 1 event hold no pair: no bigram distribution to compare */
    out->has_bigram = real->len >= 2 && synth->len >= 2;
    if (out->has_bigram) {
        kr = sorted_keys(real, 2, &nr);
        ks = sorted_keys(synth, 2, &ns);
        compare_dists(kr, nr, ks, ns, &d);
        out->js_bigram = d.js;
        free(kr);
        free(ks);
    }

    if (!train) return 0;
    sam a;
    sam_build(&a, train);
    size_t L = synth->len, unseen = 0, verbatim = 0;
    size_t *lcs = ts_malloc(synth->n * sizeof *lcs);
    for (size_t w = 0; w < synth->n; w++) {
        const int32_t *x = synth->data + w * L;
        for (size_t t = 0; t + 1 < L; t++) unseen += !sam_has_pair(&a, x[t], x[t + 1]);
        lcs[w] = sam_longest_match(&a, x, L);
        verbatim += lcs[w] == L;
    }
    sam_free(&a);
    qsort(lcs, synth->n, sizeof *lcs, cmp_size);
    double sum = 0;
    for (size_t w = 0; w < synth->n; w++) sum += (double)lcs[w];
    out->has_train = 1;
    out->has_d_trans = L >= 2;
    if (L >= 2) out->d_trans = (double)unseen / ((double)synth->n * (double)(L - 1));
    out->memorized = (double)verbatim / synth->n;
    out->lcs_mean = sum / synth->n;
    out->lcs_median = quantile(lcs, synth->n, 0.5);
    out->lcs_p90 = quantile(lcs, synth->n, 0.9);
    out->lcs_max = (double)lcs[synth->n - 1];
    free(lcs);
    return 0;
}
