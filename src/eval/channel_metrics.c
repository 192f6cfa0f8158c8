/* Fidelity of synthetic multi-channel traces: per-channel and joint Jensen-Shannon
 * divergences, Wasserstein-1 of dt, burst rates (see channels.h). */
#include "tracesynth/channels.h"
#include "tracesynth/common.h"

#include <math.h>
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

/* JS of channel a's values (b < 0) or of the (a, b) pairs */
static double js_channels(const ts_mc *r, const ts_mc *s, int a, int b)
{
    if (!ts_mc_has(r, a) || !ts_mc_has(s, a) || (b >= 0 && (!ts_mc_has(r, b) || !ts_mc_has(s, b)))) return -1;
    int32_t ka = ts_mc_card(r, a), kb = b >= 0 ? ts_mc_card(r, b) : 1;
    int32_t sa = ts_mc_card(s, a), sb = b >= 0 ? ts_mc_card(s, b) : 1;
    if (sa > ka) ka = sa;
    if (sb > kb) kb = sb;
    size_t k = (size_t)ka * (size_t)kb;
    if (k > ((size_t)1 << 26)) return -1;
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

static double bursts(const ts_mc *m)
{
    if (!m->dt || !m->n) return -1;
    const float lim = (float)log1p((double)TS_BURST_NS);
    size_t runs = 0, len = 1;
    for (size_t i = 1; i <= m->n; i++) {
        if (i < m->n && m->dt[i] <= lim) { len++; continue; }
        runs += len >= 3;
        len = 1;
    }
    return 1000.0 * (double)runs / (double)m->n;
}

int ts_mc_compare(const ts_mc *real, const ts_mc *synth, ts_mc_fidelity *out)
{
    if (!real->n || !synth->n) return ts_fail("no events to compare");
    for (int c = 0; c < TS_NCH; c++) out->js[c] = c == TS_CH_DT ? -1 : js_channels(real, synth, c, -1);
    out->w1_dt = real->dt && synth->dt ? w1(real->dt, real->n, synth->dt, synth->n) : -1;
    out->js_event_cpu = js_channels(real, synth, TS_CH_EVENT, TS_CH_CPU);
    out->js_event_ret = js_channels(real, synth, TS_CH_EVENT, TS_CH_RET);
    out->burst_real = bursts(real);
    out->burst_synth = bursts(synth);
    return 0;
}
