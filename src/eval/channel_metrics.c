/* Fidelity of synthetic multi-channel traces: per-channel and joint Jensen-Shannon
 * divergences, Wasserstein-1 of dt, burst rates (see channels.h). */
#include "tracesynth/channels.h"
#include "tracesynth/common.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* JS (base 2) of two count histograms of k bins */
static double js_counts(const double *p, const double *q, size_t k)
{
    double sp = 0, sq = 0;
    for (size_t i = 0; i < k; i++) sp += p[i], sq += q[i];
    if (sp <= 0 || sq <= 0) return -1;
    double js = 0;
    for (size_t i = 0; i < k; i++) {
        double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
        if (a > 0) js += 0.5 * a * log2(a / m);
        if (b > 0) js += 0.5 * b * log2(b / m);
    }
    return js < 0 ? 0 : js;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* m's cells x * kb + y of (a, b) (b < 0: of a), those in the table of ka x kb, sorted;
 * *n: their count */
static uint64_t *cell_keys(const ts_mc *m, int a, int b, int32_t ka, int32_t kb, size_t *n)
{
    uint64_t *key = ts_malloc((m->n ? m->n : 1) * sizeof *key);
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        int32_t x = m->ch[a][i], y = b >= 0 ? m->ch[b][i] : 0;
        if (x >= 0 && x < ka && y >= 0 && y < kb) key[k++] = (uint64_t)x * (uint64_t)kb + (uint64_t)y;
    }
    qsort(key, k, sizeof *key, cmp_u64);
    *n = k;
    return key;
}

/* js_counts over the cells that occur, from both traces' sorted cells: the same terms in
 * the same order (an empty cell adds none), for a table too large to hold or mostly empty */
static double js_sparse(const ts_mc *r, const ts_mc *s, int a, int b, int32_t ka, int32_t kb)
{
    size_t np, nq;
    uint64_t *p = cell_keys(r, a, b, ka, kb, &np), *q = cell_keys(s, a, b, ka, kb, &nq);
    double js = -1;
    if (np && nq) {
        js = 0;
        const double sp = (double)np, sq = (double)nq;
        for (size_t i = 0, j = 0; i < np || j < nq;) {
            uint64_t c = j == nq || (i < np && p[i] <= q[j]) ? p[i] : q[j];
            size_t cp = 0, cq = 0;
            while (i < np && p[i] == c) i++, cp++;
            while (j < nq && q[j] == c) j++, cq++;
            double x = (double)cp / sp, y = (double)cq / sq, m = 0.5 * (x + y);
            if (x > 0) js += 0.5 * x * log2(x / m);
            if (y > 0) js += 0.5 * y * log2(y / m);
        }
        if (js < 0) js = 0;
    }
    free(p);
    free(q);
    return js;
}

/* JS of channel a's values (b < 0) or of the (a, b) pairs */
static double js_channels(const ts_mc *r, const ts_mc *s, int a, int b)
{
    if (!ts_mc_has(r, a) || !ts_mc_has(s, a) || (b >= 0 && (!ts_mc_has(r, b) || !ts_mc_has(s, b)))) return -1;
    int32_t ka = ts_mc_card(r, a), kb = b >= 0 ? ts_mc_card(r, b) : 1;
    int32_t sa = ts_mc_card(s, a), sb = b >= 0 ? ts_mc_card(s, b) : 1;
    if (sa > ka) ka = sa;
    if (sb > kb) kb = sb;
    size_t k = (size_t)ka * (size_t)kb;
    /* a table far larger than the events (a wide vocabulary by the return values) is
     * counted by its cells that occur */
    if (k > ((size_t)1 << 26) || (k > ((size_t)1 << 20) && k > 8 * (r->n + s->n))) return js_sparse(r, s, a, b, ka, kb);
    double *p = ts_calloc(k, sizeof *p), *q = ts_calloc(k, sizeof *q);
    for (size_t i = 0; i < r->n; i++) {
        int32_t x = r->ch[a][i], y = b >= 0 ? r->ch[b][i] : 0;
        if (x >= 0 && x < ka && y >= 0 && y < kb) p[(size_t)x * kb + y]++;
    }
    for (size_t i = 0; i < s->n; i++) {
        int32_t x = s->ch[a][i], y = b >= 0 ? s->ch[b][i] : 0;
        if (x >= 0 && x < ka && y >= 0 && y < kb) q[(size_t)x * kb + y]++;
    }
    double js = js_counts(p, q, k);
    free(p);
    free(q);
    return js;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* W1 of two samples: the area between their empirical distribution functions */
static double w1(const float *x, size_t n, const float *y, size_t m)
{
    if (!n || !m) return -1;
    float *a = ts_malloc(n * sizeof *a), *b = ts_malloc(m * sizeof *b);
    memcpy(a, x, n * sizeof *a);
    memcpy(b, y, m * sizeof *b);
    qsort(a, n, sizeof *a, cmp_float);
    qsort(b, m, sizeof *b, cmp_float);
    size_t i = 0, j = 0;
    double area = 0, prev = a[0] < b[0] ? a[0] : b[0];
    while (i < n || j < m) {
        double v = j == m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
        area += fabs((double)i / n - (double)j / m) * (v - prev);
        prev = v;
        while (i < n && a[i] == v) i++;
        while (j < m && b[j] == v) j++;
    }
    free(a);
    free(b);
    return area;
}

/* runs of >= 3 events within TS_BURST_NS of the one before, per 1000 events; in windows
 * of L from the first event (0: one sequence) a run ends with its window: the next one was
 * drawn apart (a last window shorter than L ends with the events); with windows of L2 too
 * (0: none), it ends with either */
static double bursts(const ts_mc *m, size_t L, size_t L2)
{
    if (!m->dt || !m->n) return -1;
    const float lim = (float)log1p((double)TS_BURST_NS);
    size_t runs = 0, len = 1;
    for (size_t i = 1; i <= m->n; i++) {
        if (i < m->n && (!L || i % L) && (!L2 || i % L2) && m->dt[i] <= lim) { len++; continue; }
        runs += len >= 3;
        len = 1;
    }
    return 1000.0 * (double)runs / (double)m->n;
}

/* a dt that is no log(1 + ns) time (NaN, inf, negative, past TS_MC_DT_MAX) would leave W1
 * unsorted or NaN; ts_mc_load refuses such, a trace built in memory may hold one */
static int check_dt(const ts_mc *m, const char *what)
{
    for (size_t i = 0; m->dt && i < m->n; i++)
        if (!ts_mc_dt_ok(m->dt[i]))
            return ts_fail("%s: event %zu: dt %g is not a log(1 + ns) time (finite, 0 to %.4g)", what, i,
                           (double)m->dt[i], (double)TS_MC_DT_MAX);
    return 0;
}

int ts_mc_compare(const ts_mc *real, const ts_mc *synth, size_t synth_len, ts_mc_fidelity *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    if (!real) {
        memset(out, 0, sizeof *out);
        return ts_fail_null(__func__, "real");
    }
    if (!synth) {
        memset(out, 0, sizeof *out);
        return ts_fail_null(__func__, "synth");
    }
    return ts_mc_compare_windows(real, 0, synth, synth_len, out);
}

int ts_mc_compare_windows(const ts_mc *real, size_t real_len, const ts_mc *synth, size_t synth_len,
                          ts_mc_fidelity *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!real) return ts_fail_null(__func__, "real");
    if (!synth) return ts_fail_null(__func__, "synth");
    if (!real->n || !synth->n) return ts_fail("no events to compare");
    if (check_dt(real, "real") || check_dt(synth, "synthetic")) return -1;
    for (int c = 0; c < TS_NCH; c++) out->js[c] = c == TS_CH_DT ? -1 : js_channels(real, synth, c, -1);
    out->w1_dt = real->dt && synth->dt ? w1(real->dt, real->n, synth->dt, synth->n) : -1;
    out->js_event_cpu = js_channels(real, synth, TS_CH_EVENT, TS_CH_CPU);
    out->js_event_ret = js_channels(real, synth, TS_CH_EVENT, TS_CH_RET);
    /* both sides alike: the real trace is cut into windows of the synthetic length, so
     * that runs the synthetic windows cannot hold do not count for the real one alone */
    out->burst_real = bursts(real, synth_len, real_len);   /* and with its own windows */
    out->burst_synth = bursts(synth, synth_len, 0);
    return 0;
}

/* ---- memorized windows ---- */

/* the channels both traces carry: categorical ones in c[], and whether dt counts */
typedef struct {
    int ch[TS_NCH], nch, dt;
} shared_channels;

static void shared_of(const ts_mc *a, const ts_mc *b, shared_channels *s)
{
    s->nch = 0;
    for (int c = 0; c < TS_NCH; c++)
        if (c != TS_CH_DT && a->ch[c] && b->ch[c]) s->ch[s->nch++] = c;
    s->dt = a->dt && b->dt;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* one event's channels as a 64-bit key */
static uint64_t event_key(const ts_mc *m, size_t i, const shared_channels *s)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int j = 0; j < s->nch; j++) h = mix64(h ^ (uint64_t)(uint32_t)m->ch[s->ch[j]][i]) + (uint64_t)j;
    if (s->dt) {
        uint32_t bits;
        memcpy(&bits, &m->dt[i], sizeof bits);
        h = mix64(h ^ ((uint64_t)bits << 1));
    }
    return h;
}

static int same_run(const ts_mc *a, size_t i, const ts_mc *b, size_t j, size_t len, const shared_channels *s)
{
    for (int c = 0; c < s->nch; c++)
        if (memcmp(a->ch[s->ch[c]] + i, b->ch[s->ch[c]] + j, len * sizeof(int32_t))) return 0;
    return !s->dt || !memcmp(a->dt + i, b->dt + j, len * sizeof(float));
}

typedef struct {
    uint64_t h;
    size_t   at;
} hpos;

static int cmp_hpos(const void *a, const void *b)
{
    const hpos *x = a, *y = b;
    if (x->h != y->h) return (x->h > y->h) - (x->h < y->h);
    return (x->at > y->at) - (x->at < y->at);
}

/* ts_mc_memorized_windows, its NULL arguments refused in the name of fn */
static int memorized(const char *fn, const ts_mc *train, size_t n_train, size_t train_len, const ts_mc *synth,
                     size_t len, double *share, size_t *windows)
{
    if (!share) return ts_fail_null(fn, "share");
    *share = 0;
    if (windows) *windows = 0;
    if (!train) return ts_fail_null(fn, "train");
    if (!synth) return ts_fail_null(fn, "synth");
    size_t nt = n_train && n_train < train->n ? n_train : train->n;
    if (len == 0) len = synth->n;
    size_t nw = len ? synth->n / len : 0;
    *share = 0;
    if (windows) *windows = nw;
    if (nw == 0)
        return ts_fail("memorization: the synthetic trace holds no window of %zu event%s", len, ts_plural(len));
    shared_channels s;
    shared_of(train, synth, &s);
    if (!s.nch) return ts_fail("memorization: the traces share no channel");
    if (nt < len) return 0;   /* no training run is that long */
    /* polynomial hash of every run of len training events, rolled along */
    const uint64_t P = 0x100000001b3ULL;
    uint64_t Pl = 1;
    for (size_t i = 0; i < len; i++) Pl *= P;
    uint64_t *kt = ts_malloc(nt * sizeof *kt);
    for (size_t i = 0; i < nt; i++) kt[i] = event_key(train, i, &s);
    size_t nr = 0;
    hpos *runs = ts_malloc((nt - len + 1) * sizeof *runs);
    uint64_t h = 0;
    for (size_t i = 0; i < len; i++) h = h * P + kt[i];
    for (size_t i = 0; i + len <= nt; i++) {
        if (!train_len || i / train_len == (i + len - 1) / train_len) {   /* inside one training window */
            runs[nr].h = h;
            runs[nr++].at = i;
        }
        if (i + len < nt) h = h * P - kt[i] * Pl + kt[i + len];
    }
    free(kt);
    qsort(runs, nr, sizeof *runs, cmp_hpos);
    size_t verbatim = 0;
    for (size_t w = 0; w < nw; w++) {
        uint64_t hw = 0;
        for (size_t i = 0; i < len; i++) hw = hw * P + event_key(synth, w * len + i, &s);
        size_t lo = 0, hi = nr;   /* the first run with a hash >= hw */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (runs[mid].h < hw) lo = mid + 1;
            else hi = mid;
        }
        for (; lo < nr && runs[lo].h == hw; lo++)
            if (same_run(train, runs[lo].at, synth, w * len, len, &s)) {
                verbatim++;
                break;
            }
    }
    free(runs);
    *share = (double)verbatim / (double)nw;
    return 0;
}

int ts_mc_memorized(const ts_mc *train, size_t n_train, const ts_mc *synth, size_t len,
                    double *share, size_t *windows)
{
    return memorized(__func__, train, n_train, 0, synth, len, share, windows);
}

int ts_mc_memorized_windows(const ts_mc *train, size_t n_train, size_t train_len, const ts_mc *synth,
                            size_t len, double *share, size_t *windows)
{
    return memorized(__func__, train, n_train, train_len, synth, len, share, windows);
}
