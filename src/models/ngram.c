/* Bidirectional n-gram infill and an order-n Markov generator over the training stream.
 *
 * Imputation of a hidden run x[a, a+k) with left context x[a-l, a) and right
 * context x[a+k, a+k+r): find every stream position p where the stream around
 * p matches both contexts (s[p-l, p) == x[a-l, a), s[p+k, p+k+r) == x[a+k, ...)),
 * and fill the run with the most frequent k-event filler s[p, p+k) among them.
 * Back-off: l = r = order, order-1, ..., 1 (capped by what the window has), then
 * (fallback "markov", the default) the left context alone (a Markov continuation),
 * the right context alone, the most frequent event; or (fallback "kgram", a plain
 * back-off baseline) the most frequent k-event sequence of the stream. A run at least as
 * long as the longest stretch of the stream, which no filler can match, is filled in
 * pieces instead (fill_long), each continuing the one before. A window hidden whole has
 * no context: it is drawn from the generator's chain (by the run's seed), but by kgram.
 *
 * Index: suffix arrays of the stream and of the reversed stream. The positions
 * whose left context matches are one suffix-array range of the reversed stream
 * (the context read backwards is a prefix there); the positions whose right
 * context matches are one range of the forward stream. We walk the smaller of
 * the two ranges and verify the other side directly, so a query costs a few
 * binary searches plus the (usually small) number of matches. */
#include "tracesynth/model.h"
#include "tracesynth/common.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/ngram.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define SEP (-1)          /* separates training windows when no contiguous stream is given */
#define MAX_ORDER 64
#define KN_MAX_ORDER 12       /* the likelihood's orders tried on validation windows */
#define KN_DEFAULT_ORDER 10   /* and the order without them (the best on PTS and LTTng) */

typedef struct {
    ts_model base;
    int      order;       /* n: context events on each side */
    int      kgram;       /* fallback when no two-sided match: 0 markov, 1 kgram */
    size_t   N;           /* stream length */
    int32_t *s;           /* (N) training stream */
    int32_t *sa, *rsa;    /* (N) suffix arrays of s and of s reversed (rs[j] = s[N-1-j]) */
    int32_t *isa;         /* (N) rank of each suffix of s: isa[sa[i]] = i */
    int32_t *seps;        /* (nseps) the separators' places, ascending (sep_next) */
    size_t   nseps;
    size_t   run_max;     /* the longest stretch of events without a separator */
    int32_t  top;         /* most frequent event: the last resort */
    int      indexed;     /* sa .. top made (index_ready) */
    int      kn_order;    /* the likelihood's order (chosen on validation windows) */
    ts_kn   *kn;          /* the likelihood, made when first needed */
} ngram;

/* ---- suffix array by prefix doubling with radix sort, O(N log N) ---- */

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* the suffix array of s[0, n), or rev of s reversed, in sa (n), and its inverse in inv (n;
 * NULL: not kept): sa[i] the i-th smallest suffix (an end before any event), inv[sa[i]] = i.
 * Prefix doubling: sorted by (rank of the first h events, rank of the next h) with two
 * stable counting sorts a round, the second key read off the ranks (0 past the end), until
 * every rank differs; the last ranks are the inverse. Beside sa and the ranks: a buffer
 * and the counts (8 bytes an event) */
static void build_sa(const int32_t *s, size_t n, int rev, int32_t *sa, int32_t *inv)
{
    if (n == 0) return;
    int32_t *rank = inv ? inv : ts_malloc(n * sizeof *rank);
    int32_t *tmp = ts_malloc(n * sizeof *tmp), *cnt = ts_malloc((n + 2) * sizeof *cnt);
    int32_t lo = s[0], hi = s[0];
    for (size_t i = 1; i < n; i++) {
        if (s[i] < lo) lo = s[i];
        if (s[i] > hi) hi = s[i];
    }
    size_t nranks;
    if ((int64_t)hi - lo < (int64_t)n) {          /* the IDs as they are, from 0 */
        for (size_t i = 0; i < n; i++) rank[i] = s[rev ? n - 1 - i : i] - lo;
        nranks = (size_t)((int64_t)hi - lo + 1);
    } else {                                      /* wide apart: their dense ranks */
        memcpy(tmp, s, n * sizeof *tmp);
        qsort(tmp, n, sizeof *tmp, cmp_i32);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
            if (i == 0 || tmp[i] != tmp[i - 1]) tmp[u++] = tmp[i];
        for (size_t i = 0; i < n; i++)
            rank[i] = (int32_t)((int32_t *)bsearch(&s[rev ? n - 1 - i : i], tmp, u, sizeof *tmp, cmp_i32) - tmp);
        nranks = u;
    }
    for (size_t i = 0; i < n; i++) sa[i] = (int32_t)i;
    for (size_t h = 1;; h *= 2) {
#define SECOND(i) ((size_t)(i) + h < n ? rank[(size_t)(i) + h] + 1 : 0)
        memset(cnt, 0, (nranks + 2) * sizeof *cnt);  /* by the second key, into tmp */
        for (size_t i = 0; i < n; i++) cnt[SECOND(sa[i]) + 1]++;
        for (size_t k = 0; k <= nranks; k++) cnt[k + 1] += cnt[k];
        for (size_t i = 0; i < n; i++) tmp[cnt[SECOND(sa[i])]++] = sa[i];
        memset(cnt, 0, (nranks + 1) * sizeof *cnt);  /* then stably by the first, into sa */
        for (size_t i = 0; i < n; i++) cnt[rank[tmp[i]] + 1]++;
        for (size_t k = 0; k < nranks; k++) cnt[k + 1] += cnt[k];
        for (size_t i = 0; i < n; i++) sa[cnt[rank[tmp[i]]]++] = tmp[i];
        tmp[sa[0]] = 0;                              /* the new ranks (tmp free again) */
        for (size_t i = 1; i < n; i++) {
            const int32_t x = sa[i - 1], y = sa[i];
            tmp[y] = tmp[x] + (rank[x] != rank[y] || SECOND(x) != SECOND(y));
        }
#undef SECOND
        memcpy(rank, tmp, n * sizeof *rank);
        nranks = (size_t)rank[sa[n - 1]] + 1;
        if (nranks == n || h >= n) break;
    }
    free(tmp);
    free(cnt);
    if (!inv) free(rank);
}

/* suffix t[pos..) (rev: of t reversed, t[n-1-pos], t[n-2-pos], ...) against pattern p
 * (m events): <0, 0 (p is a prefix), >0 */
static int cmp_suffix(const int32_t *t, size_t n, int rev, size_t pos, const int32_t *p, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        if (pos + i >= n) return -1;
        const int32_t e = rev ? t[n - 1 - pos - i] : t[pos + i];
        if (e != p[i]) return e < p[i] ? -1 : 1;
    }
    return 0;
}

/* [lo, hi) of the suffixes that begin with p */
static void sa_range(const int32_t *t, int rev, const int32_t *sa, size_t n, const int32_t *p, size_t m,
                     size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (cmp_suffix(t, n, rev, (size_t)sa[mid], p, m) < 0) a = mid + 1; else b = mid;
    }
    *lo = a;
    b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (cmp_suffix(t, n, rev, (size_t)sa[mid], p, m) <= 0) a = mid + 1; else b = mid;
    }
    *hi = a;
}

/* ---- the model ---- */

static void ngram_free(ts_model *m)
{
    ngram *g = (ngram *)m;
    free(g->s); free(g->sa); free(g->rsa); free(g->isa); free(g->seps);
    ts_kn_free(g->kn);
    free(g);
}

/* the model over s without its index (ngram_index_build); takes ownership of s (N events,
 * SEP or a valid ID each) */
static ngram *ngram_new(int32_t *s, size_t N, int order, int kgram)
{
    ngram *g = ts_calloc(1, sizeof *g);
    g->order = order;
    g->kgram = kgram;
    /* kgram fills a window hidden whole with its most frequent sequence: drawn by no seed */
    g->base.impute_unread = kgram ? TS_IMPUTE_READS_SEED_WHOLE : 0;
    g->kn_order = KN_DEFAULT_ORDER;
    g->N = N;
    g->s = s;
    return g;
}

/* the first separator at or after i; N when none */
static size_t sep_next(const ngram *g, size_t i)
{
    size_t a = 0, b = g->nseps;
    while (a < b) {
        const size_t mid = a + (b - a) / 2;
        if ((size_t)g->seps[mid] < i) a = mid + 1; else b = mid;
    }
    return a < g->nseps ? (size_t)g->seps[a] : g->N;
}

/* the suffix arrays and the rest that imputation and generation read (index_ready) */
static void ngram_index_build(ngram *g)
{
    const int32_t *s = g->s;
    const size_t N = g->N;
    /* one suffix array after the other, the forward one's inverse made with it; the
     * reversed stream is read off the stream, not kept */
    g->rsa = ts_malloc((N ? N : 1) * sizeof *g->rsa);
    build_sa(s, N, 1, g->rsa, NULL);
    g->sa = ts_malloc((N ? N : 1) * sizeof *g->sa);
    g->isa = ts_malloc((N ? N : 1) * sizeof *g->isa);
    build_sa(s, N, 0, g->sa, g->isa);
    /* the separators' places, few beside the events (none in one stream; one a window
     * where windows were joined) */
    for (size_t i = 0; i < N; i++) g->nseps += s[i] == SEP;
    g->seps = ts_malloc((g->nseps ? g->nseps : 1) * sizeof *g->seps);
    for (size_t i = 0, j = 0; i < N; i++)
        if (s[i] == SEP) g->seps[j++] = (int32_t)i;
    for (size_t i = 0; i < N; i = sep_next(g, i) + 1) {
        size_t run = sep_next(g, i) - i;
        if (run > g->run_max) g->run_max = run;
    }
    /* most frequent event, ties to the smaller ID: the suffix array holds each event's
     * suffixes together, the smaller IDs first (memory follows the stream's length and
     * not its largest ID) */
    g->top = 0;
    size_t best = 0;
    for (size_t i = 0, j; i < N; i = j) {
        const int32_t e = s[g->sa[i]];
        for (j = i + 1; j < N && s[g->sa[j]] == e; j++) {}
        if (e != SEP && j - i > best) best = j - i, g->top = e;
    }
}

/* the index, made on the first call that matches or draws: training (which writes the
 * stream alone) and score (which reads the likelihood's counts) never hold it, and a
 * loaded model makes it after its file is let go. The index is a cache of the stream:
 * made once, under a lock, for a model shared by threads */
static void index_ready(const ngram *cg)
{
    ngram *g = (ngram *)cg;
    if (__atomic_load_n(&g->indexed, __ATOMIC_ACQUIRE)) return;
#pragma omp critical(ts_ngram_index)
    {
        if (!g->indexed) {
            ngram_index_build(g);
            __atomic_store_n(&g->indexed, 1, __ATOMIC_RELEASE);
        }
    }
}

static const char *const ngram_keys[] = {"order", "fallback", NULL};

static int parse_fallback(const char *v, int *kgram)
{
    if (!strcmp(v, "markov")) *kgram = 0;
    else if (!strcmp(v, "kgram")) *kgram = 1;
    else return -1;
    return 0;
}

/* kgram fills a window hidden whole with its most frequent sequence (as ngram_index sets);
 * a value that is neither: the training's error */
static unsigned ngram_impute_unread_by(const ts_kv *train_kv)
{
    const char *fb = ts_kv_get(train_kv, "fallback");
    int kgram = 0;
    return fb && parse_fallback(fb, &kgram) == 0 && kgram ? TS_IMPUTE_READS_SEED_WHOLE : 0;
}

static int kn_make(ngram *g)
{
    if (g->kn) return 0;
    return ts_kn_build(&g->kn, g->s, g->N, g->kn_order, g->base.n_ids);
}

/* the likelihood's order over s (N events, IDs below V): the lowest bits per event on (up
 * to 128 of) the validation windows, from one build of the highest order, whose counts are
 * let go (made again at the order chosen where a score asks); without them, the default */
static int choose_kn_order(const int32_t *s, size_t N, int32_t V, const ts_windows *valid, int *order)
{
    *order = KN_DEFAULT_ORDER;
    if (valid->n == 0 || valid->len == 0) return 0;
    ts_kn *kn = NULL;
    if (ts_kn_build(&kn, s, N, KN_MAX_ORDER, V) != 0) return -1;
    size_t n = valid->n < 128 ? valid->n : 128;
    *order = ts_kn_choose_order(kn, valid->data, n, valid->len);
    ts_kn_free(kn);
    return *order < 0 ? -1 : 0;
}

static int ngram_bits(ts_model *m, const int32_t *x, size_t n, size_t L, const ts_run_opts *o, double *bits)
{
    ngram *g = (ngram *)m;
    /* its one run option fills blackouts: the likelihood would ignore it */
    if (o && ts_kv_get(&o->kv, "in-window")) return ts_opt_fail("ngram", "in-window", "score does not take it");
    if (kn_make(g) != 0) return -1;
    *bits = ts_kn_bits(g->kn, x, n, L);
    return isnan(*bits) ? -1 : 0;
}

static int ngram_train(ts_model **out, const ts_train_opts *o)
{
    double t0 = ts_now();
    long order;
    if (ts_kv_long(&o->kv, "order", 12, &order) != 0) return -1;
    if (order < 1 || order > MAX_ORDER)
        return ts_opt_fail("ngram", "order", "%ld out of range [1, %d]", order, MAX_ORDER);
    const char *fb = ts_kv_get(&o->kv, "fallback");
    int kgram = 0;
    if (fb && parse_fallback(fb, &kgram) != 0)
        return ts_opt_fail("ngram", "fallback", "'%s': expected markov or kgram", fb);
    if (o->resume)
        return ts_opt_fail("ngram", "resume", "this model trains in one pass and keeps no checkpoints");
    /* the neural models' records: a start naming the model and its options, an end with the result */
    if (ts_train_log(o->log_path, "\"event\":\"start\",\"model\":\"ngram\",\"order\":%ld,\"fallback\":\"%s\"", order,
                     kgram ? "kgram" : "markov") != 0)
        return -1;
    const ts_seq *st = &o->split->train_stream;
    const ts_windows *tw = &o->split->train;
    /* one stream, neither cut into a set's windows nor followed by others: read where the
     * split holds it, and copied once the likelihood's counts are let go (the copy and the
     * counts never held together) */
    const int whole = st->n > 0 && ts_ids_separated_n(st->n, o->split->window) == st->n && !o->split->n_also;
    int32_t *s = NULL;
    size_t N;
    if (whole) {
        N = st->n;
    } else if (st->n > 0) {
        s = ts_split_train_events(o->split, SEP, &N);   /* with further streams (--also) after SEP */
    } else {
        /* windows only: concatenate them with separators so no match spans two windows */
        if (tw->n == 0 || tw->len == 0) return ts_fail("ngram: the split has no training data");
        N = tw->n * (tw->len + 1) - 1;
        s = ts_malloc(N * sizeof *s);
        for (size_t w = 0, j = 0; w < tw->n; w++) {
            if (w) s[j++] = SEP;
            memcpy(s + j, tw->data + w * tw->len, tw->len * sizeof *s);
            j += tw->len;
        }
    }
    const int32_t *ev = whole ? st->ids : s;
    if (N > INT32_MAX / 2) { free(s); return ts_fail("ngram: training stream too long (%zu events)", N); }
    for (size_t i = 0; i < N; i++)
        if (ev[i] != SEP && (ev[i] < 0 || ev[i] >= o->n_ids)) {
            int32_t v = ev[i];
            free(s);
            return ts_fail("ngram: training event %zu has ID %d outside [0, %d)", i, v, o->n_ids);
        }
    /* the likelihood's counts and the index are never held together either: the index is
     * made where the model matches or draws (index_ready) */
    int kn_order;
    if (choose_kn_order(ev, N, o->n_ids, &o->split->valid, &kn_order) != 0) {
        free(s);
        return -1;
    }
    if (whole) {
        s = ts_malloc(N * sizeof *s);
        memcpy(s, ev, N * sizeof *s);
    }
    ngram *g = ngram_new(s, N, (int)order, kgram);
    g->base.len = 0;   /* any window length */
    g->base.n_ids = o->n_ids;
    g->kn_order = kn_order;
    if (ts_train_log(o->log_path, "\"event\":\"end\",\"events\":%zu,\"kn_order\":%d,\"seconds\":%.4f", N,
                     g->kn_order, ts_now() - t0) != 0) {
        ngram_free(&g->base);
        return -1;
    }
    *out = &g->base;
    return 0;
}

static int ngram_save(const ts_model *m, ts_writer *w)
{
    const ngram *g = (const ngram *)m;
    char cfg[64];
    int n = snprintf(cfg, sizeof cfg, "order=%d\nfallback=%s\n", g->order, g->kgram ? "kgram" : "markov");
    /* absent means the default: files from before the likelihood load and save unchanged */
    if (g->kn_order != KN_DEFAULT_ORDER) snprintf(cfg + n, sizeof cfg - (size_t)n, "kn_order=%d\n", g->kn_order);
    ts_writer_text(w, "CONFIG", cfg);
    ts_writer_i32(w, "STREAM", g->s, g->N);
    return 0;
}

static int ngram_load(ts_model **out, const ts_reader *r)
{
    static const char *const fallbacks[] = {"markov", "kgram", NULL};
    long order;
    int kgram;
    if (ts_reader_long(r, "CONFIG", "order", 1, MAX_ORDER, &order) ||
        ts_reader_choice(r, "CONFIG", "fallback", fallbacks, &kgram))
        return -1;
    unsigned char nb[4];
    if (ts_reader_copy(r, "NIDS", nb, 4) != 0) return -1;
    int32_t n_ids = (int32_t)ts_le_get32(nb);
    const ts_chunk *c = ts_reader_get(r, "STREAM");
    if (!c) return -1;
    if (c->size == 0 || c->size % 4 || c->size / 4 > INT32_MAX / 2)
        return ts_fail("%s: ngram: section 'STREAM' has %llu bytes, not a stream of 32-bit IDs",
                       r->path, (unsigned long long)c->size);
    size_t N = c->size / 4, events = 0;
    int32_t *s = ts_malloc(N * sizeof *s);
    for (size_t i = 0; i < N; i++) {
        s[i] = ts_chunk_i32(c, i);
        events += s[i] != SEP;
        if (s[i] != SEP && (s[i] < 0 || s[i] >= n_ids)) {
            int32_t x = s[i];
            free(s);
            return ts_fail("%s: ngram: stream event %zu has ID %d outside [0, %d)", r->path, i, x,
                           n_ids);
        }
    }
    if (!events) { free(s); return ts_fail("%s: ngram: section 'STREAM' holds no events", r->path); }
    ngram *g = ngram_new(s, N, (int)order, kgram);
    g->kn_order = KN_DEFAULT_ORDER;   /* files written before the likelihood existed */
    if (ts_reader_has(r, "CONFIG", "kn_order")) {
        long ko;
        if (ts_reader_long(r, "CONFIG", "kn_order", 1, TS_KN_MAX_ORDER, &ko)) {
            ngram_free(&g->base);
            return -1;
        }
        g->kn_order = (int)ko;
    }
    g->base.n_ids = n_ids;
    *out = &g->base;
    return 0;
}

/* ---- imputation ---- */

#define RADIX_BITS 11

typedef struct {
    int32_t *cand, *tmp;  /* (ncand, ntmp) matching positions, and room to sort them: as many as */
    size_t   ncand, ntmp; /* the most that one match has found, never the stream's length */
    int32_t *cnt;         /* (1 << RADIX_BITS) */
    int32_t *lpat, *rpat; /* (order) left context read backwards, right context */
    size_t   kg_k, kg_p;  /* the kgram fallback's last filler: kg_k events at kg_p (kg_k 0: none) */
} scratch;

/* *buf with room for n events (*cap now); what it held is not kept */
static void room(int32_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap) return;
    free(*buf);
    *buf = ts_malloc(n * sizeof **buf);
    *cap = n;
}

/* Positions p with s[p-lw, p) == context left (lpat backwards), s[p+k, p+k+rw) == rpat,
 * and no separator in s[p, p+k+rw). Returns the count (in sc->cand). */
static size_t ngram_match(const ngram *g, scratch *sc, size_t lw, size_t rw, size_t k)
{
    const size_t N = g->N;
    size_t llo = 0, lhi = 0, rlo = 0, rhi = 0, nc = 0;
    if (lw) sa_range(g->s, 1, g->rsa, N, sc->lpat, lw, &llo, &lhi);
    if (rw) sa_range(g->s, 0, g->sa, N, sc->rpat, rw, &rlo, &rhi);
    if ((lw && llo == lhi) || (rw && rlo == rhi)) return 0;
    const int by_left = lw && (!rw || lhi - llo <= rhi - rlo);
    room(&sc->cand, &sc->ncand, by_left ? lhi - llo : rhi - rlo);   /* at most the range walked */
    if (by_left) {
        for (size_t i = llo; i < lhi; i++) {
            size_t p = N - (size_t)g->rsa[i];   /* rs[N-p] = s[p-1] */
            if (p + k + rw > N || sep_next(g, p) < p + k + rw) continue;
            if (rw && cmp_suffix(g->s, N, 0, p + k, sc->rpat, rw) != 0) continue;
            sc->cand[nc++] = (int32_t)p;
        }
    } else {
        for (size_t i = rlo; i < rhi; i++) {
            size_t q = (size_t)g->sa[i];
            if (q < k + lw) continue;
            size_t p = q - k;
            if (sep_next(g, p) < q) continue;
            if (lw && cmp_suffix(g->s, N, 1, N - p, sc->lpat, lw) != 0) continue;
            sc->cand[nc++] = (int32_t)p;
        }
    }
    return nc;
}

/* The most frequent filler s[p, p+k) among the candidates; ties to the earliest.
 * Sorted by the rank of their suffix, candidates with equal fillers are adjacent
 * (suffixes sharing a k-prefix are contiguous in the suffix array), so grouping
 * costs a radix sort of integers and one comparison per neighbour. */
static size_t best_filler(const ngram *g, scratch *sc, size_t nc, size_t k, size_t *count)
{
    if (nc > 1) room(&sc->tmp, &sc->ntmp, nc);
    int32_t *c = sc->cand, *t = sc->tmp;
    const int32_t R = 1 << RADIX_BITS;
    for (int shift = 0; nc > 1 && ((size_t)1 << shift) < g->N; shift += RADIX_BITS) {
        memset(sc->cnt, 0, (size_t)R * sizeof *sc->cnt);
        for (size_t i = 0; i < nc; i++) sc->cnt[(g->isa[c[i]] >> shift) & (R - 1)]++;
        for (int32_t b = 0, run = 0; b < R; b++) { int32_t x = sc->cnt[b]; sc->cnt[b] = run; run += x; }
        for (size_t i = 0; i < nc; i++) t[sc->cnt[(g->isa[c[i]] >> shift) & (R - 1)]++] = c[i];
        int32_t *sw = c; c = t; t = sw;
    }
    size_t best_n = 0;
    int32_t best_p = INT32_MAX;
    for (size_t i = 0; i < nc;) {
        size_t j = i + 1;
        int32_t first = c[i];
        while (j < nc && memcmp(g->s + c[i], g->s + c[j], k * sizeof *g->s) == 0) {
            if (c[j] < first) first = c[j];
            j++;
        }
        if (j - i > best_n || (j - i == best_n && first < best_p)) best_n = j - i, best_p = first;
        i = j;
    }
    if (count) *count = best_n;
    return (size_t)best_p;
}

/* the kgram fallback: the most frequent k events of the stream (none a separator), ties to
 * the earliest; best_filler's answer with every place of k events as a candidate, read off
 * the suffix array, which holds those places in the order best_filler sorts them into (by
 * rank). 1 with the filler's place in *p (kept in sc for the next run of k), 0 when no place
 * holds k events */
static int kgram_filler(const ngram *g, scratch *sc, size_t k, size_t *p)
{
    if (sc->kg_k == k) {
        *p = sc->kg_p;
        return 1;
    }
    size_t best_n = 0, run = 0, first = 0, prev = 0;
    int32_t best_p = INT32_MAX;
    for (size_t i = 0; i <= g->N; i++) {
        const size_t q = i < g->N ? (size_t)g->sa[i] : 0;
        if (i < g->N && (q + k > g->N || sep_next(g, q) < q + k)) continue;
        if (i < g->N && run && memcmp(g->s + prev, g->s + q, k * sizeof *g->s) == 0) {
            run++;
            if (q < first) first = q;
        } else {   /* a group ends (the last at i == N) */
            if (run && (run > best_n || (run == best_n && (int32_t)first < best_p)))
                best_n = run, best_p = (int32_t)first;
            run = 1, first = q;
        }
        prev = q;
    }
    if (!best_n) return 0;
    sc->kg_k = k;
    sc->kg_p = *p = (size_t)best_p;
    return 1;
}

/* fill y[a, a+k) given lav events of context left of a and rav right of a+k (in y);
 * win > 0: the window's own events (hid: 1 = hidden, L) where they match at least
 * win events, and more than the stream (ts_window_over_stream). Returns 0 when nothing
 * matched and the run is the most frequent event throughout, else 1 */
static int fill_run(const ngram *g, scratch *sc, int32_t *y, size_t a, size_t k, size_t lav,
                     size_t rav, const uint8_t *hid, size_t L, int win)
{
    size_t n = (size_t)g->order, ws;
    size_t lmax = lav < n ? lav : n, rmax = rav < n ? rav : n;
    for (size_t i = 0; i < lmax; i++) sc->lpat[i] = y[a - 1 - i];
    for (size_t i = 0; i < rmax; i++) sc->rpat[i] = y[a + k + i];
    size_t nc = 0, got = 0;
    /* both sides, shrinking together */
    if (lmax && rmax)
        for (size_t m = n; m >= 1 && !nc; m--) {
            nc = ngram_match(g, sc, m < lmax ? m : lmax, m < rmax ? m : rmax, k);
            got = m;
        }
    /* the window's own events where they match longer contexts than the stream
     * (on a tie the stream, whose evidence is usually larger: taking the
     * window's on ties lost up to 1.7 points on recorded strace workloads) */
    if (ts_window_over_stream(y, hid, L, a, k, TS_WINDOW_BOTH, nc ? (int)got : 0, win, g->order, &ws)) {
        memcpy(y + a, y + ws, k * sizeof *y);   /* ws's events are visible, the run's hidden: apart */
        return 1;
    }
    size_t kp;
    if (!nc && g->kgram && kgram_filler(g, sc, k, &kp)) {
        memcpy(y + a, g->s + kp, k * sizeof *y);
        return 1;
    }
    /* left only: a Markov continuation of k events; then right only (a run at
     * the start of the window); the window's own where it matches longer */
    for (int side = TS_WINDOW_LEFT; side <= TS_WINDOW_RIGHT && !nc; side++) {
        for (size_t m = side == TS_WINDOW_LEFT ? lmax : rmax; m >= 1 && !nc; m--) {
            nc = side == TS_WINDOW_LEFT ? ngram_match(g, sc, m, 0, k) : ngram_match(g, sc, 0, m, k);
            got = m;
        }
        if (ts_window_over_stream(y, hid, L, a, k, side, nc ? (int)got : 0, win, g->order, &ws)) {
            memcpy(y + a, y + ws, k * sizeof *y);
            return 1;
        }
    }
    if (nc) {
        size_t p = best_filler(g, sc, nc, k, NULL);
        memcpy(y + a, g->s + p, k * sizeof *y);
        return 1;
    }
    for (size_t i = 0; i < k; i++) y[a + i] = g->top;
    return 0;
}

/* a run at least as long as the longest stretch of the stream: no stretch holds a filler
 * with a context, and the run would be the most frequent event throughout. It is filled
 * in halves instead, each from the context it has, a half that still finds no filler
 * halved again: from the left, each piece continuing the one before it and the last one
 * matched to the right context too; from the right, when the run has no context on its
 * left (a trace that begins with it) */
static void fill_long(const ngram *g, scratch *sc, int32_t *y, size_t a, size_t k, size_t lav, size_t rav,
                      const uint8_t *hid, size_t L, int win)
{
    if (k < g->run_max && fill_run(g, sc, y, a, k, lav, rav, hid, L, win)) return;
    if (k == 1 || (!lav && !rav)) {   /* no context at all: nothing to follow */
        if (k >= g->run_max) fill_run(g, sc, y, a, k, lav, rav, hid, L, win);
        return;
    }
    size_t h = k / 2;
    if (lav) {
        fill_long(g, sc, y, a, h, lav, 0, hid, L, win);
        fill_long(g, sc, y, a + h, k - h, lav + h, rav, hid, L, win);
    } else {
        fill_long(g, sc, y, a + h, k - h, 0, rav, hid, L, win);
        fill_long(g, sc, y, a, h, 0, k - h + rav, hid, L, win);
    }
}

/* no more threads than windows: a one-window call stays on the caller's thread */
static int team_size(size_t n)
{
    int t = ts_get_threads();
    return (size_t)t > n ? (int)n : t;
}

/* ---- the order-n Markov chain, backing off to shorter contexts: generation, and
 * a window hidden whole ---- */

/* Each event follows the longest context (up to the order) that some training event
 * follows, so every adjacent pair generated occurs in the stream, except after an event
 * that nothing follows in training (it only ends the stream or pieces): then the most
 * frequent event. The first is the first of a window of L inside one piece (of the
 * longest piece's length where none holds L): any event of a stream, the first event of
 * a training window over a set of windows. */

/* the pieces' places that start a window of min(L, run_max) events: piece k's are
 * [at[k], at[k] + cum[k + 1] - cum[k]) (to free); returns the pieces, 0 when none */
static size_t chain_starts(const ngram *g, size_t L, size_t **at_out, size_t **cum_out)
{
    const size_t N = g->N, fit = L < g->run_max ? L : g->run_max;
    size_t np = 0;
    for (size_t i = 0; i < N; i = sep_next(g, i) + 1) np += sep_next(g, i) - i >= fit && fit;
    *at_out = *cum_out = NULL;
    if (!np) return 0;
    size_t *at = ts_malloc(np * sizeof *at), *cum = ts_malloc((np + 1) * sizeof *cum);
    cum[0] = 0;
    for (size_t i = 0, k = 0; i < N; i = sep_next(g, i) + 1) {
        const size_t run = sep_next(g, i) - i;
        if (run < fit) continue;
        at[k] = i;
        cum[k + 1] = cum[k] + run - fit + 1;
        k++;
    }
    *at_out = at;
    *cum_out = cum;
    return np;
}

/* window y of L events drawn from the chain after its first P (given; P 0: the first
 * drawn from chain_starts' np pieces); pat: room for the order's context */
static void chain_draw(const ngram *g, ts_rng *rng, const size_t *at, const size_t *cum, size_t np, int32_t *pat,
                       int32_t *y, size_t P, size_t L)
{
    const size_t N = g->N;
    if (P == 0) {
        const size_t u = ts_rng_below(rng, cum[np]);
        size_t k = 0, k1 = np;   /* the piece k with cum[k] <= u < cum[k + 1] */
        while (k1 - k > 1) {
            const size_t mid = k + (k1 - k) / 2;
            if (cum[mid] <= u) k = mid;
            else k1 = mid;
        }
        y[0] = g->s[at[k] + u - cum[k]];
    }
    for (size_t t = P ? P : 1; t < L; t++) {
        size_t ctx = t < (size_t)g->order ? t : (size_t)g->order;
        for (size_t i = 0; i < ctx; i++) pat[i] = y[t - 1 - i];
        int32_t next = g->top;
        for (size_t mlen = ctx; mlen >= 1; mlen--) {
            size_t lo, hi;
            sa_range(g->s, 1, g->rsa, N, pat, mlen, &lo, &hi);
            /* a uniform pick among the occurrences samples the followers by count;
             * an occurrence at the stream's end or before a separator has none:
             * after 16 such picks, a uniform pick among those with one (so the
             * chain backs off only where the context has no follower at all) */
            int found = 0;
            for (int tries = 0; tries < 16 && hi > lo && !found; tries++) {
                size_t p = N - (size_t)g->rsa[lo + ts_rng_below(rng, hi - lo)];
                if (p < N && g->s[p] != SEP) next = g->s[p], found = 1;
            }
            size_t nf = 0;
            for (size_t i = lo; i < hi && !found; i++) {
                size_t p = N - (size_t)g->rsa[i];
                nf += p < N && g->s[p] != SEP;
            }
            if (!found && nf) {
                size_t pick = ts_rng_below(rng, nf);
                for (size_t i = lo; i < hi && !found; i++) {
                    size_t p = N - (size_t)g->rsa[i];
                    if (p < N && g->s[p] != SEP && pick-- == 0) next = g->s[p], found = 1;
                }
            }
            if (found) break;
        }
        y[t] = next;
    }
}

/* 1 when mask (L, 1 = observed) hides every event */
static int hidden_whole(const uint8_t *mask, size_t L)
{
    for (size_t l = 0; l < L; l++)
        if (mask[l]) return 0;
    return 1;
}

/* impute's run options, checked before any window (ts_model_run_check too): *win, the
 * --in-window context */
static int impute_opts(const ngram *g, const ts_run_opts *o, long *win)
{
    *win = 0;
    if (!o) return 0;
    if (o->steps || o->batch)   /* they would be ignored */
        return ts_opt_fail("ngram", o->steps ? "steps" : "batch", "it fills each window in one pass (no sampling "
                           "steps, no batches)");
    if (ts_kv_long(&o->kv, "in-window", 0, win) != 0) return -1;
    if (*win < 0 || *win > g->order)
        return ts_opt_fail("ngram", "in-window", "%ld out of range [0, %d] (the model's order)", *win, g->order);
    return 0;
}

static int ngram_run_check(const ts_model *m, const ts_run_opts *o)
{
    long win;
    return impute_opts((const ngram *)m, o, &win);
}

static int ngram_impute(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                        const ts_run_opts *o, int32_t *out)
{
    const ngram *g = (const ngram *)m;
    long win;
    if (impute_opts(g, o, &win) != 0) return -1;
    index_ready(g);
    memcpy(out, x, n * L * sizeof *out);
    /* a window hidden whole has no context to match: drawn from the chain as generation
     * draws a window (the most frequent event throughout was no trace at all); the kgram
     * baseline keeps its most frequent sequence, as for any run without a match */
    size_t np = 0, *at = NULL, *cum = NULL;
    for (size_t i = 0; i < n && !np && !g->kgram; i++)
        if (hidden_whole(mask + i * L, L)) np = chain_starts(g, L, &at, &cum);
#pragma omp parallel num_threads(team_size(n))
    {
        scratch sc;
        memset(&sc, 0, sizeof sc);   /* the candidates' room grown as matches need it */
        sc.cnt = ts_malloc(((size_t)1 << RADIX_BITS) * sizeof *sc.cnt);
        sc.lpat = ts_malloc((size_t)g->order * sizeof *sc.lpat);
        sc.rpat = ts_malloc((size_t)g->order * sizeof *sc.rpat);
        uint8_t *hid = ts_malloc(L);
#pragma omp for schedule(dynamic, 4)
        for (size_t w = 0; w < n; w++) {
            int32_t *y = out + w * L;
            const uint8_t *mk = mask + w * L;
            if (np && hidden_whole(mk, L)) {
                ts_rng rng;
                ts_rng_fork(&rng, o ? o->seed : 0, w);
                chain_draw(g, &rng, at, cum, np, sc.lpat, y, 0, L);
                continue;
            }
            for (size_t l = 0; win && l < L; l++) hid[l] = !mk[l];
            /* runs left to right; a run's left context may hold earlier fills */
            for (size_t a = 0; a < L;) {
                if (mk[a]) { a++; continue; }
                size_t b = a;
                while (b < L && !mk[b]) b++;
                size_t e = b;
                while (e < L && mk[e]) e++;
                if (b - a >= g->run_max) fill_long(g, &sc, y, a, b - a, a, e - b, hid, L, (int)win);
                else fill_run(g, &sc, y, a, b - a, a, e - b, hid, L, (int)win);
                a = b;
            }
        }
        free(hid);
        free(sc.cand); free(sc.tmp); free(sc.cnt); free(sc.lpat); free(sc.rpat);
    }
    free(at);
    free(cum);
    return 0;
}

/* ---- generation ---- */

/* generation's run options, checked before any work (ts_model_generate_check too) */
static int ngram_generate_check(const ts_model *m, const ts_run_opts *o)
{
    if (o && ts_kv_get(&o->kv, "in-window"))
        return ts_opt_fail("ngram", "in-window", "generation does not take it (it fills blackouts)");
    if (o && (o->steps || o->batch))
        return ts_opt_fail("ngram", o->steps ? "steps" : "batch", "it draws each window in one pass (no sampling "
                           "steps, no batches)");
    return 0;
}

/* n windows of L: the P events of prefix (0: none), then the chain from their last events
 * (the first drawn where P is 0) */
static int ngram_generate_after(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L,
                                const ts_run_opts *o, int32_t *out)
{
    const ngram *g = (const ngram *)m;
    if (ngram_generate_check(m, o) != 0) return -1;
    index_ready(g);
    size_t *at = NULL, *cum = NULL;
    const size_t np = P ? 0 : chain_starts(g, L, &at, &cum);
    if (!P && !np) return ts_fail("ngram: the training stream holds no events");
#pragma omp parallel num_threads(team_size(n))
    {
        int32_t *pat = ts_malloc((size_t)g->order * sizeof *pat);
#pragma omp for schedule(dynamic, 4)
        for (size_t w = 0; w < n; w++) {
            ts_rng rng;
            ts_rng_fork(&rng, o ? o->seed : 0, w);
            if (P) memcpy(out + w * L, prefix, P * sizeof *prefix);
            chain_draw(g, &rng, at, cum, np, pat, out + w * L, P, L);
        }
        free(pat);
    }
    free(at);
    free(cum);
    return 0;
}

static const int32_t *ngram_train_events(const ts_model *m, size_t *N) { return ts_ngram_stream(m, N, NULL); }

const ts_model_ops ts_model_ngram = {
    .name = "ngram",
    .summary = "bidirectional n-gram infill over the training stream (fast, strong baseline)",
    .help = "  --order N   context events matched on each side of a blackout, and the\n"
            "              Markov order of generation (default 12, at most 64)\n"
            "  generate --prefix FILE: the chain goes on from the prefix's last events\n"
            "              (backing off as generation does where it never saw them)\n"
            "  --fallback F  when no context matches on both sides: markov (default: the\n"
            "              left context alone, then the right) or kgram (the most\n"
            "              frequent k-event sequence, a plain back-off)\n"
            "  score: bits per event by interpolated modified Kneser-Ney, its order\n"
            "              (1-12) chosen on the validation windows at training\n"
            "  impute: --in-window C  a blackout whose C events on each side recur in\n"
            "              the same window's visible events, over a longer context\n"
            "              than the training stream matches, takes the filler found\n"
            "              there; so does one side where the stream matches one side\n"
            "              only, and shorter (default 0: off); a window hidden whole\n"
            "              (--position all, or a --blackout of its length) is drawn\n"
            "              from the chain as generate draws one (--seed; by --fallback\n"
            "              kgram, its most frequent sequence)\n",
    .train = ngram_train,
    .save = ngram_save,
    .load = ngram_load,
    .impute = ngram_impute,
    .generate_after = ngram_generate_after,
    .free = ngram_free,
    .train_keys = ngram_keys,
    .run_keys = (const char *const[]){"in-window", NULL},
    .run_check = ngram_run_check,
    .generate_check = ngram_generate_check,
    .bits = ngram_bits,
    .impute_reads = TS_IMPUTE_READS_SEED_WHOLE,
    .impute_unread_by = ngram_impute_unread_by,
    .train_events = ngram_train_events,
};

/* ---- the n-gram's evidence for other models (see tracesynth/ngram.h) ---- */

ts_model *ts_ngram_new(const int32_t *s, size_t N, int order)
{
    if (!s) return ts_fail_null(__func__, "s"), NULL;
    if (N == 0 || N > INT32_MAX / 2) return ts_fail("%s: a stream of %zu events", __func__, N), NULL;
    if (order < 1 || order > MAX_ORDER)
        return ts_fail("%s: order %d is not in [1, %d]", __func__, order, MAX_ORDER), NULL;
    int32_t *c = ts_malloc(N * sizeof *c);
    memcpy(c, s, N * sizeof *c);
    ngram *g = ngram_new(c, N, order, 0);
    index_ready(g);
    g->base.ops = &ts_model_ngram;
    g->base.vocab.unk = -1;
    return &g->base;
}

/* m as the n-gram index it must be; NULL + error naming fn */
static const ngram *as_ngram(const ts_model *m, const char *fn)
{
    if (!m) return ts_fail_null(fn, "m"), NULL;
    if (m->ops != &ts_model_ngram)
        return ts_fail("%s: m is %s %s model, not an n-gram", fn, ts_article(m->ops->name), m->ops->name), NULL;
    return (const ngram *)m;
}

const int32_t *ts_ngram_stream(const ts_model *m, size_t *N, int *order)
{
    if (N) *N = 0;
    if (order) *order = 0;
    if (!N) return ts_fail_null(__func__, "N"), NULL;
    const ngram *g = as_ngram(m, __func__);
    if (!g) return NULL;
    *N = g->N;
    if (order) *order = g->order;
    return g->s;
}

size_t ts_ngram_candidates(const ts_model *m, const int32_t *y, size_t a, size_t k, size_t lav, size_t rav,
                           int32_t **out, int *matched)
{
    if (matched) *matched = 0;
    if (!out) return ts_fail_null(__func__, "out"), 0;
    *out = NULL;
    const ngram *g = as_ngram(m, __func__);
    if (!g) return 0;
    if (!y) return ts_fail_null(__func__, "y"), 0;
    index_ready(g);
    scratch sc;
    memset(&sc, 0, sizeof sc);   /* the candidates' room grown as matches need it: *out's */
    sc.lpat = ts_malloc((size_t)g->order * sizeof *sc.lpat);
    sc.rpat = ts_malloc((size_t)g->order * sizeof *sc.rpat);
    size_t n = (size_t)g->order;
    if (lav > a) lav = a;   /* the events left of a are y's a: none before y */
    size_t lmax = lav < n ? lav : n, rmax = rav < n ? rav : n;
    for (size_t i = 0; i < lmax; i++) sc.lpat[i] = y[a - 1 - i];
    for (size_t i = 0; i < rmax; i++) sc.rpat[i] = y[a + k + i];
    size_t nc = 0;
    int got = 0;
    if (lmax && rmax)
        for (size_t mm = n; mm >= 1 && !nc; mm--) {
            nc = ngram_match(g, &sc, mm < lmax ? mm : lmax, mm < rmax ? mm : rmax, k);
            got = (int)mm;
        }
    for (size_t mm = lmax; mm >= 1 && !nc; mm--) { nc = ngram_match(g, &sc, mm, 0, k); got = -(int)mm; }
    for (size_t mm = rmax; mm >= 1 && !nc; mm--) { nc = ngram_match(g, &sc, 0, mm, k); got = -(int)mm; }
    free(sc.lpat);
    free(sc.rpat);
    if (matched) *matched = nc ? got : 0;
    if (!nc) { free(sc.cand); *out = NULL; return 0; }
    *out = sc.cand;
    return nc;
}

size_t ts_ngram_mode(const ts_model *m, const int32_t *cand, size_t nc, size_t k, size_t *count)
{
    if (!count) return ts_fail_null(__func__, "count"), 0;
    *count = 0;
    const ngram *g = as_ngram(m, __func__);
    if (!g) return 0;
    if (!cand) return ts_fail_null(__func__, "cand"), 0;
    if (nc == 0) return ts_fail("%s: no candidates", __func__), 0;
    index_ready(g);
    scratch sc;
    memset(&sc, 0, sizeof sc);
    sc.cand = ts_malloc(nc * sizeof *sc.cand);
    sc.tmp = ts_malloc(nc * sizeof *sc.tmp);
    sc.ncand = sc.ntmp = nc;
    sc.cnt = ts_malloc(((size_t)1 << RADIX_BITS) * sizeof *sc.cnt);
    memcpy(sc.cand, cand, nc * sizeof *cand);
    size_t p = best_filler(g, &sc, nc, k, count);
    free(sc.cand);
    free(sc.tmp);
    free(sc.cnt);
    return p;
}

/* ---- in-window matches (see tracesynth/ngram.h) ---- */

#define WINDOW_MATCHES_MAX 64   /* fillers compared: the nearest matches */

size_t ts_window_over_stream(const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k, int sides,
                             int stream, int win, int cmax, size_t *start)
{
    if (win <= 0) return 0;
    const int cmin = stream + 1 > win ? stream + 1 : win;
    return ts_window_match(y, hid, L, a, k, sides, cmin, cmax, start, NULL);
}

size_t ts_window_match(const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k, int sides, int cmin,
                       int cmax, size_t *start, int *ctx)
{
    if (cmin < 1 || cmax < cmin || k == 0 || a + k > L || !(sides & TS_WINDOW_BOTH)) return 0;
    size_t lav = 0, rav = 0;
    while (lav < a && !hid[a - 1 - lav]) lav++;
    while (a + k + rav < L && !hid[a + k + rav]) rav++;
    size_t near[WINDOW_MATCHES_MAX];
    for (int c = cmax; c >= cmin; c--) {
        const size_t cl = sides & TS_WINDOW_LEFT ? (size_t)c : 0, cr = sides & TS_WINDOW_RIGHT ? (size_t)c : 0;
        if (lav < cl || rav < cr) continue;
        size_t nm = 0;
        /* nearest first: distances d = 1, 2, ... on both sides of a */
        for (size_t d = 1; d <= L && nm < WINDOW_MATCHES_MAX; d++)
            for (int side = 0; side < 2 && nm < WINDOW_MATCHES_MAX; side++) {
                if (side == 0 && d > a) continue;
                size_t p = side ? a + d : a - d;
                if (p < cl || p + k + cr > L) continue;
                int ok = 1;
                for (size_t i = p - cl; i < p + k + cr && ok; i++) ok = !hid[i];
                for (size_t i = 1; i <= cl && ok; i++) ok = y[p - i] == y[a - i];
                for (size_t i = 0; i < cr && ok; i++) ok = y[p + k + i] == y[a + k + i];
                if (ok) near[nm++] = p;
            }
        if (!nm) continue;
        size_t best = 0, best_n = 0;
        for (size_t i = 0; i < nm; i++) {
            size_t n = 0;
            for (size_t j = 0; j < nm; j++) n += !memcmp(y + near[i], y + near[j], k * sizeof *y);
            if (n > best_n) best_n = n, best = i;   /* ties: the nearer, met first */
        }
        *start = near[best];
        if (ctx) *ctx = c;
        return nm;
    }
    return 0;
}
