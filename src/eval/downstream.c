/* Downstream validation of synthetic traces ("train on synthetic, test on real"): a
 * next-event predictor trained on the synthetic windows and scored on real windows, beside
 * the same predictor trained on as many events of the real training data. Synthetic data
 * that can stand in for real data gives a predictor as good as the real data gives.
 *
 * The predictor is the interpolated Kneser–Ney n-gram (kneser_ney.h): deterministic, no
 * training budget to choose, and the same for both training sets, so the gap between the
 * two scores is the data's alone. */
#include "tracesynth/eval.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/common.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the events of w as one stream, windows apart (-1: no n-gram spans two); with cap > 0
 * and more events than cap, only cap of them: the first piece_len events of each of
 * `pieces` equal stretches of the windows laid end to end (a piece stops at a window's
 * end), so the subset spreads over all of w instead of its start */
static int32_t *as_stream(const ts_windows *w, size_t cap, size_t pieces, size_t piece_len,
                          size_t *n, size_t *events)
{
    const size_t total = w->n * w->len;
    const int sub = cap > 0 && total > cap && pieces > 0;
    int32_t *s = ts_malloc((total + w->n + (sub ? pieces : 0) + 1) * sizeof *s);
    size_t k = 0, ev = 0;
    if (!sub) {
        for (size_t i = 0; i < w->n; i++) {
            if (i) s[k++] = -1;
            for (size_t j = 0; j < w->len; j++) s[k++] = w->data[i * w->len + j];
        }
        ev = total;
    } else {
        for (size_t p = 0; p < pieces; p++) {
            size_t a = (size_t)((double)p * total / pieces), b = (size_t)((double)(p + 1) * total / pieces);
            if (b > a + piece_len) b = a + piece_len;
            if (k) s[k++] = -1;
            for (size_t q = a; q < b; q++) {
                if (q > a && q % w->len == 0) s[k++] = -1;   /* a window's end inside the piece */
                s[k++] = w->data[q];
                ev++;
            }
        }
    }
    *n = k;
    *events = ev;
    return s;
}

/* top-1 accuracy (x100) and bits per event of kn on every event of r's windows, each
 * predicted from the events before it in its window */
static void score_on(const ts_kn *kn, const ts_windows *r, int32_t V, double *acc, double *bits)
{
    double *p = ts_malloc((size_t)V * sizeof *p), nats = 0;
    size_t right = 0;
    for (size_t i = 0; i < r->n; i++) {
        const int32_t *x = r->data + i * r->len;
        for (size_t j = 0; j < r->len; j++) {
            ts_kn_dist(kn, x, j, p);
            int32_t best = 0;
            for (int32_t v = 1; v < V; v++) if (p[v] > p[best]) best = v;
            right += best == x[j];
            nats -= log(p[x[j]]);
        }
    }
    const double n = (double)(r->n * r->len);
    *acc = 100.0 * (double)right / n;
    *bits = nats / n / log(2.0);
    free(p);
}

static int check(const ts_windows *w, const char *what)
{
    if (!w->data || w->n == 0 || w->len == 0) return ts_fail("%s: no events", what);
    if (w->n > SIZE_MAX / sizeof *w->data / 2 / w->len)
        return ts_fail("%s: %zu x %zu events is too many", what, w->n, w->len);
    for (size_t i = 0; i < w->n * w->len; i++)
        if (w->data[i] < 0 || w->data[i] == INT32_MAX)   /* as ts_eval_generate: one rule for both */
            return ts_fail("%s: window %zu, position %zu: invalid ID %d", what, i / w->len, i % w->len,
                           (int)w->data[i]);
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* the IDs of the three, sorted and distinct: the predictor's alphabet (its size is the
 * types that occur, not the largest ID, which would only slow the scoring and lower the
 * floor of every probability) */
static int32_t *alphabet(const ts_windows *const *w, int nw, int32_t *V)
{
    size_t n = 0, k = 0;
    for (int i = 0; i < nw; i++) if (w[i]) n += w[i]->n * w[i]->len;
    int32_t *a = ts_malloc(n * sizeof *a);
    for (int i = 0; i < nw; i++)
        if (w[i]) for (size_t j = 0; j < w[i]->n * w[i]->len; j++) a[k++] = w[i]->data[j];
    qsort(a, n, sizeof *a, cmp_i32);
    k = 0;
    for (size_t j = 0; j < n; j++) if (!k || a[j] != a[k - 1]) a[k++] = a[j];
    *V = (int32_t)k;
    return a;
}

/* w in the alphabet's numbering (a copy) */
static ts_windows dense(const ts_windows *w, const int32_t *a, int32_t V)
{
    ts_windows d = {ts_malloc(w->n * w->len * sizeof *d.data), w->n, w->len};
    for (size_t j = 0; j < w->n * w->len; j++)
        d.data[j] = (int32_t)((const int32_t *)bsearch(&w->data[j], a, (size_t)V, sizeof *a, cmp_i32) - a);
    return d;
}

/* trains an order-`order` predictor on `on`'s stream and scores it on real */
static int fit_and_score(const int32_t *s, size_t n, int order, int32_t V, const ts_windows *real,
                         double *acc, double *bits)
{
    ts_kn *kn = NULL;
    if (ts_kn_build(&kn, s, n, order, V)) return -1;
    score_on(kn, real, V, acc, bits);
    ts_kn_free(kn);
    return 0;
}

int ts_eval_downstream(const ts_windows *real, const ts_windows *synth, const ts_windows *train, int order,
                       ts_downstream_metrics *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!real) return ts_fail_null(__func__, "real");
    if (!synth) return ts_fail_null(__func__, "synth");
    if (order < 1 || order > TS_KN_MAX_ORDER)
        return ts_fail("downstream: the predictor's order %d is outside 1..%d", order, TS_KN_MAX_ORDER);
    if (check(real, "real") || check(synth, "synthetic") || (train && check(train, "train"))) return -1;
    const ts_windows *all[3] = {real, synth, train};
    int32_t V;
    int32_t *a = alphabet(all, 3, &V);
    ts_windows R = dense(real, a, V), S = dense(synth, a, V), T = {NULL, 0, 0};
    if (train) T = dense(train, a, V);
    free(a);
    ts_downstream_metrics m = {0};
    m.order = order;
    size_t n;
    int32_t *s = as_stream(&S, 0, 0, 0, &n, &m.synth_events);
    int rc = fit_and_score(s, n, order, V, &R, &m.accuracy, &m.bits);
    free(s);
    if (!rc && train) {
        /* as many events as the synthetic data, in pieces as long as its windows */
        s = as_stream(&T, m.synth_events, S.n, S.len, &n, &m.train_events);
        rc = fit_and_score(s, n, order, V, &R, &m.train_accuracy, &m.train_bits);
        free(s);
        m.has_train = 1;
    }
    free(R.data);
    free(S.data);
    free(T.data);
    if (rc) return -1;
    *out = m;
    return 0;
}
