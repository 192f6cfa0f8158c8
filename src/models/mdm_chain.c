/* The "mdm" model's chain-rule likelihood (the model: mdm.c): exact bits per event left to
 * right, its mixture with the Kneser-Ney model, best of N by likelihood, and left-to-right
 * generation. */
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/mdm.h"
#include "tracesynth/model.h"
#include "tracesynth/ngram.h"
#include "tracesynth/nn.h"
#include "tracesynth/s4.h"
#include "tracesynth/train.h"
#include "mdm_internal.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the chain-rule likelihood ---- */

size_t chain_chunk_rows = (size_t)1 << 20;

/* the prior stream's Kneser-Ney model of the given order (built once, at the
 * highest order asked so far, then read as a lower one) */
int chain_kn(mdm_model *m, int order)
{
    if (!m->prior) return ts_fail("mdm: this model was trained without the n-gram prior (--prior 0): no n-gram to mix");
    if (m->kn && order > ts_kn_max_order(m->kn)) { ts_kn_free(m->kn); m->kn = NULL; }
    if (!m->kn) {
        size_t N;
        const int32_t *S = ts_ngram_stream(m->prior, &N, NULL);
        if (ts_kn_build(&m->kn, S, N, order > CHAIN_KN_MAX ? order : CHAIN_KN_MAX, m->c.V) != 0) return -1;
    }
    return ts_kn_set_order(m->kn, order);
}

/* crops per network evaluation for `items` of them and --batch `batch`: at most
 * both, rounded up to even. A row's bits must not depend on the batch: the S4
 * layer transforms rows in pairs (2i, 2i + 1), a pair's rounding depends on
 * both, so every batch starts at an even item (B even), the items pair the same
 * way for any B, and a batch's last item, when alone, is paired with a copy of
 * itself (the padding rows repeat it); the row-wise products go a row at a time
 * (plan.seq_rows) */
static int chain_batch(size_t items, size_t batch)
{
    size_t b = items < batch ? items : batch;
    return (int)(b + (b & 1));
}

/* row b of pl.ids (Lc wide): the crop of window xw that ends at event j, with j
 * and everything after it hidden (MASK = V); returns j's place in the crop */
int chain_crop(plan *pl, int b, const int32_t *xw, int j, int Lc, int V)
{
    const int a = j + 1 >= Lc ? j + 1 - Lc : 0;   /* the crop [a, a + Lc) */
    for (int l = 0; l < Lc; l++) pl->ids[(size_t)b * Lc + l] = a + l < j ? xw[a + l] : V;
    return j - a;
}

/* what one left-to-right pass needs: the network's plan over crops of Lc events (B of
 * them), the ensemble members' (each its own crop of windows of L events; ctx0 as
 * ens_chain_init), and per crop its place (at), window (wb), event (pb) and the
 * members' places (ate). A crop's event is the one place whose logits are read: the
 * plan keeps no logits (B Lc V floats, 650 MB for 32 crops of 128 and 40,000 names),
 * each crop's head goes through rows (Lc, V) and its event's row into lg (B, V) */
typedef struct {
    plan pl, pe[TS_MDM_ENSEMBLE_MAX];
    int *at, *pb, *ate;
    const int32_t **wb;
    float *rows, *lg;
} chain_pass;

static int chain_pass_init(chain_pass *cp, mdm_model *m, int B, int Lc, size_t L, size_t ctx0)
{
    if (plan_init_trunk(&cp->pl, m, B, Lc) != 0) return -1;
    if (ens_chain_init(m, cp->pe, B, L, ctx0) != 0) { plan_free(&cp->pl); return -1; }
    cp->pl.seq_rows = 1;   /* the same bits for any batch */
    cp->at = ts_malloc((size_t)B * sizeof *cp->at);
    cp->pb = ts_malloc((size_t)B * sizeof *cp->pb);
    cp->ate = ts_malloc(((size_t)m->n_ens * B + 1) * sizeof *cp->ate);
    cp->wb = ts_malloc((size_t)B * sizeof *cp->wb);
    cp->rows = ts_malloc((size_t)Lc * m->c.V * sizeof *cp->rows);
    cp->lg = ts_malloc((size_t)B * m->c.V * sizeof *cp->lg);
    return 0;
}

/* the network and the members on the pass's crops (at, wb, pb set), nb of them real:
 * cp->lg's first nb rows. Each crop's head is the product net_forward makes of it
 * (seq_rows: one crop's rows), so its event's row has the same bits */
static void chain_pass_forward(mdm_model *m, chain_pass *cp, int nb)
{
    const int V = m->c.V, Lc = cp->pl.L;
    net_forward(m, &cp->pl);
    for (int b = 0; b < nb; b++) {
        head_rows(m, cp->pl.hT + (size_t)b * Lc * m->c.C, Lc, cp->rows);
        memcpy(cp->lg + (size_t)b * V, cp->rows + (size_t)cp->at[b] * V, (size_t)V * sizeof *cp->lg);
    }
    if (m->n_ens) ens_chain_forward(m, cp->lg, cp->pl.B, cp->pe, cp->wb, cp->pb, nb, cp->ate);
}

static void chain_pass_free(mdm_model *m, chain_pass *cp)
{
    plan_free(&cp->pl);
    ens_chain_free(m, cp->pe);
    free(cp->at);
    free(cp->pb);
    free(cp->ate);
    free(cp->wb);
    free(cp->rows);
    free(cp->lg);
}

/* The chain rule at listed events: for row r, the network's probability pn[r]
 * and the Kneser-Ney model's pk[r] (if kn) of event pos[r] of window win[r]
 * (L events) given the window's events before it. The network sees the crop of
 * at most `context` events that ends at the event, the event and everything
 * after it hidden (so it reads the same x_<j as a left-to-right model; one
 * network evaluation per row, chain_batch(rows, batch) rows per batch, the same
 * bits for any batch). A probability that is not finite stops it with *bad = 1 +
 * its row (0: all finite). */
static int chain_rows(mdm_model *m, const int32_t *const *win, const int *pos, size_t rows, size_t L, int kn,
                      size_t batch, const char *label, int progress, double *pn, double *pk, size_t *bad)
{
    const int V = m->c.V;
    const int Lc = (int)(L < (size_t)m->c.ctx ? L : (size_t)m->c.ctx);
    const int B = chain_batch(rows, batch);
    if (kn && !m->kn) return ts_fail("mdm: chain likelihood: no Kneser-Ney model");
    chain_pass cp;
    if (chain_pass_init(&cp, m, B, Lc, L, 0) != 0) return -1;
    *bad = 0;
    ts_progress prog;
    ts_progress_start(&prog, label, (long)((rows + B - 1) / B));
    prog.enabled = progress;
    for (size_t s = 0; s < rows; s += (size_t)B) {
        const int nb = (int)(rows - s < (size_t)B ? rows - s : (size_t)B);
        for (int b = 0; b < B; b++) {
            const size_t row = s + (size_t)(b < nb ? b : nb - 1);
            cp.at[b] = chain_crop(&cp.pl, b, win[row], pos[row], Lc, V);
            cp.wb[b] = win[row], cp.pb[b] = pos[row];
        }
        chain_pass_forward(m, &cp, nb);
        for (int b = 0; b < nb; b++) {
            const size_t row = s + (size_t)b;
            const int32_t *xw = win[row];
            const int j = pos[row];
            const float *lg = cp.lg + (size_t)b * V;
            float mx = lg[0];
            for (int v = 1; v < V; v++) mx = lg[v] > mx ? lg[v] : mx;
            double z = 0;
            for (int v = 0; v < V; v++) z += exp((double)lg[v] - mx);
            pn[row] = exp((double)lg[xw[j]] - mx) / z;
            if (kn) pk[row] = exp(ts_kn_logprob(m->kn, xw, (size_t)j, xw[j]));
            if (!*bad && !(pn[row] >= 0 && pn[row] <= 1)) *bad = row + 1;
        }
        ts_progress_update(&prog, (long)(s / (size_t)B + 1), NULL);
        if (*bad) break;
    }
    ts_progress_end(&prog);
    chain_pass_free(m, &cp);
    return 0;
}

/* the chain rule at every event of windows x (n x L, row-major): pn, pk per event */
static int chain_probs(mdm_model *m, const int32_t *x, size_t n, size_t L, int kn, size_t batch, int progress,
                       double *pn, double *pk)
{
    const size_t rows = n * L;
    const int32_t **win = ts_malloc(rows * sizeof *win);
    int *pos = ts_malloc(rows * sizeof *pos);
    for (size_t r = 0; r < rows; r++) win[r] = x + (r / L) * L, pos[r] = (int)(r % L);
    size_t bad;
    int rc = chain_rows(m, win, pos, rows, L, kn, batch, "score", progress, pn, pk, &bad);
    free(win);
    free(pos);
    if (rc == 0 && bad)
        return output_not_finite("chain likelihood: ", (bad - 1) / L, (bad - 1) % L);
    return rc;
}

/* Mean bits per event of the two models' mixture over rows n x L.
 * CHAIN_LINEAR: p = (1 - a) pn + a pk at every event.
 * CHAIN_SWITCH: a mixture that follows whichever model has predicted the
 * window's events better (fixed share, Herbster & Warmuth 1998): weights start
 * at 1/2 in each window, p = sum_m q_m p_m, then q_m <- q_m p_m / p and a share
 * a of the weight is spread evenly (a = 0: the Bayes mixture of the two
 * models over the window, within 1 bit of the better one's whole-window bits).
 * Each factor is a distribution over the event given the window's x_<j alone,
 * so either mixture is a likelihood, not a bound. */

/* one event of the mixture: its probability p, and the switching weight q
 * (the network's) moved on by the event */
static double mix_step(double *q, double pn, double pk, int kind, double a)
{
    if (kind == CHAIN_LINEAR) return (1 - a) * pn + a * pk;
    const double un = *q * pn, uk = (1 - *q) * pk, p = un + uk;
    *q = p > 0 ? un / p : *q;
    *q = (1 - a) * *q + a * 0.5;
    return p;
}

static double mix_bits(const double *pn, const double *pk, size_t n, size_t L, int kind, double a)
{
    double sum = 0;
    for (size_t w = 0; w < n; w++) {
        double q = 0.5;   /* the network's weight (switch) */
        for (size_t j = 0; j < L; j++) {
            const size_t r = w * L + j;
            const double p = mix_step(&q, pn[r], pk ? pk[r] : 0, kind, a);
            sum -= log(p > 1e-300 ? p : 1e-300);
        }
    }
    return sum / ((double)n * (double)L) / log(2.0);
}

/* the chain likelihood's mixture on validation windows: the Kneser-Ney order
 * with the lowest bits of the n-gram alone on up to 128 windows, then the
 * mixture (linear share or switching rate) with the lowest chain bits on up to
 * nchain (chain_windows of the choice's windows) */
int tune_chain(mdm_model *m, const ts_windows *v, size_t nchain, const char *log, int progress)
{
    if (!m->prior || !v->n || !v->len) return 0;
    if (chain_kn(m, CHAIN_KN_MAX) != 0) return -1;
    const int best_o = ts_kn_choose_order(m->kn, v->data, v->n < 128 ? v->n : 128, v->len);
    if (best_o < 0) return -1;
    const size_t nc = v->n < nchain ? v->n : nchain, L = v->len, rows = nc * L;
    double *pn = ts_malloc(rows * sizeof *pn), *pk = ts_malloc(rows * sizeof *pk);
    /* a window that repeats (a short validation part, a periodic trace) is scored once and
     * its probabilities copied to its other places: a row's bits are the same in any
     * batch, so the sums below are those of scoring every window */
    size_t *rep = ts_malloc(nc * sizeof *rep), *first = ts_malloc(nc * sizeof *first);
    const size_t nd = window_reps(v->data, NULL, nc, L, rep, first);
    int32_t *x = ts_malloc(nd * L * sizeof *x);
    for (size_t d = 0; d < nd; d++) memcpy(x + d * L, v->data + first[d] * L, L * sizeof *x);
    free(first);
    if (chain_probs(m, x, nd, L, 1, CHAIN_BATCH, progress, pn, pk) != 0) {
        free(pn); free(pk); free(rep); free(x);
        return -1;
    }
    free(x);
    for (size_t w = nc; w-- > 0;)   /* from the last: rep[w] <= w, its rows still the distinct one's */
        if (rep[w] != w) {
            memcpy(pn + w * L, pn + rep[w] * L, L * sizeof *pn);
            memcpy(pk + w * L, pk + rep[w] * L, L * sizeof *pk);
        }
    free(rep);
    static const double lin[] = {0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1};
    static const double sw[] = {0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3};
    int bk = CHAIN_LINEAR;
    double ba = 0, bb = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, 0);
    const double net = bb, ng = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, 1);
    for (size_t i = 0; i < sizeof lin / sizeof *lin; i++) {
        double b = mix_bits(pn, pk, nc, v->len, CHAIN_LINEAR, lin[i]);
        if (b < bb) { bb = b; bk = CHAIN_LINEAR; ba = lin[i]; }
    }
    for (size_t i = 0; i < sizeof sw / sizeof *sw; i++) {
        double b = mix_bits(pn, pk, nc, v->len, CHAIN_SWITCH, sw[i]);
        if (b < bb) { bb = b; bk = CHAIN_SWITCH; ba = sw[i]; }
    }
    free(pn);
    free(pk);
    m->chain_kind = bk;
    m->chain_w = ba;
    m->chain_valid[0] = net, m->chain_valid[1] = ng, m->chain_valid[2] = bb;
    m->chain_order = best_o;
    m->has_chain = 1;
    ts_train_log(log, "\"event\":\"chain_mixture\",\"windows\":%zu,\"kn_order\":%d,\"network_bits\":%.5f,"
                 "\"ngram_bits\":%.5f,\"mixture\":\"%s\",\"parameter\":%g,\"bits\":%.5f,\"elapsed_s\":%.1f", nc,
                 best_o, net, ng, bk == CHAIN_SWITCH ? "switch" : "linear", ba, bb, ts_train_log_elapsed());
    return 0;
}

/* --ngram-mix (NULL: the mixture tune-prior chose, else none) into *kind, *a */
int chain_mix_opt(const mdm_model *m, const char *mix, int *kind_out, double *a_out)
{
    int kind = m->has_chain ? m->chain_kind : CHAIN_LINEAR;
    double a = m->has_chain ? m->chain_w : 0;
    if (mix) {
        if (!strcmp(mix, "none")) {
            kind = CHAIN_LINEAR, a = 0;
        } else if (!strncmp(mix, "linear:", 7) || !strncmp(mix, "switch:", 7)) {
            kind = mix[0] == 's' ? CHAIN_SWITCH : CHAIN_LINEAR;
            /* decimal, as the options read numbers: no blank, no hexadecimal */
            if (ts_parse_double(mix + 7, 0, 1, &a) != 0)
                return ts_opt_fail("mdm", "ngram-mix", "'%s': the number after ':' must be 0 to 1", mix);
        } else {
            return ts_opt_fail("mdm", "ngram-mix", "'%s': expected none, linear:W or switch:A", mix);
        }
    }
    *kind_out = kind;
    *a_out = a;
    return 0;
}

/* Best of N by the chain likelihood (impute --select likelihood): of each
 * window's candidate fills (cand: N blocks of n x L), the one whose whole
 * window is the most likely under the chain likelihood mixed as (kind, a).
 * The candidates agree before a window's first hidden event, so only the
 * events from there on are scored, once per distinct candidate; the switching
 * mixture's weight there comes from the events before it (scored once). Ties
 * go to the lower candidate. */
int chain_select(mdm_model *m, const int32_t *cand, long N, const uint8_t *hid, size_t n, size_t L, int kind,
                 double a, size_t batch, int progress, int32_t *out)
{
    const int kn = kind == CHAIN_SWITCH || a > 0;
    size_t *h = ts_malloc(n * sizeof *h);
    long *same = ts_malloc((size_t)N * n * sizeof *same);   /* (v, w): the first candidate equal to v */
    size_t rows = 0;
    for (size_t w = 0; w < n; w++) {
        h[w] = 0;
        while (h[w] < L && !hid[w * L + h[w]]) h[w]++;
        if (h[w] == L) continue;
        if (kind == CHAIN_SWITCH) rows += h[w];
        for (long v = 0; v < N; v++) {
            const int32_t *cv = cand + ((size_t)v * n + w) * L;
            long u = 0;
            while (u < v && memcmp(cand + ((size_t)u * n + w) * L + h[w], cv + h[w], (L - h[w]) * sizeof *cv)) u++;
            same[(size_t)v * n + w] = u;
            if (u == v) rows += L - h[w];
        }
    }
    const int32_t **win = ts_malloc((rows ? rows : 1) * sizeof *win);
    int *pos = ts_malloc((rows ? rows : 1) * sizeof *pos);
    double *pn = ts_malloc((rows ? rows : 1) * sizeof *pn), *pk = ts_malloc((rows ? rows : 1) * sizeof *pk);
    size_t r = 0;
    for (size_t w = 0; w < n; w++) {
        if (h[w] == L) continue;
        if (kind == CHAIN_SWITCH)
            for (size_t j = 0; j < h[w]; j++) win[r] = cand + w * L, pos[r++] = (int)j;
        for (long v = 0; v < N; v++)
            if (same[(size_t)v * n + w] == v)
                for (size_t j = h[w]; j < L; j++) win[r] = cand + ((size_t)v * n + w) * L, pos[r++] = (int)j;
    }
    size_t bad = 0;
    /* no rows: nothing hidden in any window, every window keeps its first decoding */
    int rc = rows ? chain_rows(m, win, pos, rows, L, kn, batch, "rank", progress, pn, pk, &bad) : 0;
    if (rc == 0 && bad) {
        const size_t w = (size_t)((win[bad - 1] - cand) / (ptrdiff_t)L) % n;
        rc = output_not_finite("--select likelihood: ", w, (size_t)pos[bad - 1]);
    }
    r = 0;
    for (size_t w = 0; w < n && rc == 0; w++) {
        long best = 0;
        if (h[w] < L) {
            double q0 = 0.5, ll[1000];
            if (kind == CHAIN_SWITCH)
                for (size_t j = 0; j < h[w]; j++, r++) mix_step(&q0, pn[r], pk[r], kind, a);
            for (long v = 0; v < N; v++) {
                const long u = same[(size_t)v * n + w];
                if (u < v) { ll[v] = ll[u]; continue; }
                double q = q0, sum = 0;
                for (size_t j = h[w]; j < L; j++, r++) {
                    const double p = mix_step(&q, pn[r], kn ? pk[r] : 0, kind, a);
                    sum += log(p > 1e-300 ? p : 1e-300);
                }
                ll[v] = sum;
                if (sum > ll[best]) best = v;
            }
        }
        memcpy(out + w * L, cand + ((size_t)best * n + w) * L, L * sizeof *out);
    }
    free(h); free(same); free(win); free(pos); free(pn); free(pk);
    return rc;
}

/* Generation by the chain rule (--sampler chain): each window left to right,
 * x_j drawn from the same distribution the chain likelihood scores it with
 * (the network on the crop ending at j, j and after hidden, mixed with the
 * Kneser-Ney model as --ngram-mix says), so the windows are exact samples of
 * the model that score --likelihood chain measures, but that no event the training
 * part never held is drawn (its share goes to the rest). One network evaluation per
 * event; window i draws from its own stream (seed, i): the same windows for any
 * batch and thread count. */
int chain_generate(mdm_model *m, size_t n, size_t L, size_t ctx, int kind, double a, double temp,
                   uint64_t seed, size_t batch, int progress, int32_t *out)
{
    const int V = m->c.V;
    const size_t ctx0 = ctx;   /* --context N, or 0: each network its own (the members too) */
    if (!ctx) ctx = (size_t)m->c.ctx;   /* the events the network reads: the training crop's by default */
    const int Lc = (int)(L < ctx ? L : ctx);
    const int B = chain_batch(n, batch);
    const int kn = kind == CHAIN_SWITCH || a > 0;
    chain_pass cp;   /* the same windows for any batch */
    if (chain_pass_init(&cp, m, B, Lc, L, ctx0) != 0) return -1;
    double *pn = ts_malloc((size_t)V * sizeof *pn), *pk = ts_malloc((size_t)V * sizeof *pk);
    double *q = ts_malloc((size_t)B * sizeof *q);
    ts_rng *rng = ts_malloc((size_t)B * sizeof *rng);
    ts_progress prog;
    ts_progress_start(&prog, "generate", (long)(((n + B - 1) / B) * L));
    prog.enabled = progress;
    long done = 0;
    int rc = 0;
    for (size_t s = 0; s < n && rc == 0; s += (size_t)B) {
        const int nb = (int)(n - s < (size_t)B ? n - s : (size_t)B);
        for (int b = 0; b < nb; b++) ts_rng_fork(&rng[b], seed, s + (size_t)b), q[b] = 0.5;
        for (size_t j = 0; j < L && rc == 0; j++) {
            for (int b = 0; b < B; b++) {
                cp.wb[b] = out + (s + (size_t)(b < nb ? b : nb - 1)) * L, cp.pb[b] = (int)j;
                cp.at[b] = chain_crop(&cp.pl, b, cp.wb[b], (int)j, Lc, V);
            }
            chain_pass_forward(m, &cp, nb);
            for (int b = 0; b < nb && rc == 0; b++) {
                int32_t *xw = out + (s + (size_t)b) * L;
                const float *lg = cp.lg + (size_t)b * V;
                if (row_nonfinite(lg, V)) {
                    rc = output_not_finite("generate: ", s + (size_t)b, j);
                    break;
                }
                /* the network's softmax over the IDs the training part held: one it
                 * never held is never drawn (the mixture below is restricted the same) */
                const uint8_t *seen = m->seen;
                float mx = -INFINITY;
                for (int v = 0; v < V; v++)
                    if (!seen || seen[v]) mx = lg[v] > mx ? lg[v] : mx;
                double z = 0;
                for (int v = 0; v < V; v++) z += pn[v] = !seen || seen[v] ? exp((double)lg[v] - mx) : 0;
                for (int v = 0; v < V; v++) pn[v] /= z;
                if (kn) ts_kn_dist(m->kn, xw, j, pk);
                if (kn && seen) {   /* the Kneser-Ney model's too, renormalised */
                    double zk = 0;
                    for (int v = 0; v < V; v++) zk += pk[v] = seen[v] ? pk[v] : 0;
                    for (int v = 0; v < V && zk > 0; v++) pk[v] /= zk;
                }
                const double wn = kind == CHAIN_SWITCH ? q[b] : 1 - a;
                double tot = 0, top = 0;
                for (int v = 0; v < V; v++) {   /* pk reused: the draw's weights */
                    pk[v] = wn * pn[v] + (kn ? (1 - wn) * pk[v] : 0);
                    top = pk[v] > top ? pk[v] : top;
                }
                int pick = -1, last = 0;
                for (int v = 0; v < V; v++) {   /* p^(1/T) relative to the largest: no underflow at small T */
                    if (temp == 0 && pick < 0 && pk[v] == top) pick = v;   /* greedy: the first most likely */
                    if (temp != 1.0) pk[v] = pow(pk[v] / top, 1.0 / temp);
                    if (pk[v] > 0) last = v;
                    tot += pk[v];
                }
                double u = ts_rng_uniform(&rng[b]) * tot;   /* drawn at T = 0 too: the streams stay aligned */
                for (int v = 0; v < V && pick < 0; v++) {
                    u -= pk[v];
                    if (u < 0) pick = v;
                }
                if (pick < 0) pick = last;   /* u rounded past the end: the last event with weight */
                xw[j] = pick;
                if (kind == CHAIN_SWITCH) {   /* the same update as scoring, on the drawn event */
                    const double pkv = exp(ts_kn_logprob(m->kn, xw, j, pick));
                    const double un = q[b] * pn[pick], den = un + (1 - q[b]) * pkv;
                    q[b] = den > 0 ? un / den : q[b];
                    q[b] = (1 - a) * q[b] + a * 0.5;
                }
            }
            ts_progress_update(&prog, ++done, NULL);
        }
    }
    ts_progress_end(&prog);
    free(pn);
    free(pk);
    free(q);
    free(rng);
    chain_pass_free(m, &cp);
    return rc;
}

/* score: the masked-diffusion bound (default), or the chain-rule likelihood
 * (--likelihood chain): the network alone, or mixed with the prior stream's
 * Kneser-Ney model (--ngram-mix linear:W | switch:A | none; default: the mixture
 * tune-prior chose on validation windows, else none) */
int model_bits(ts_model *base, const int32_t *x, size_t n, size_t L, const ts_run_opts *o, double *bits)
{
    mdm_model *m = (mdm_model *)base;
    const char *lk = o ? ts_kv_get(&o->kv, "likelihood") : NULL;
    const char *mix = o ? ts_kv_get(&o->kv, "ngram-mix") : NULL;
    if (refuse_keys(o, "score", (const char *const[]){"sampler", "samples", "temperature", "prior-weight",
                                                       "prior-gate", "in-window", "context", "ensemble", "select", "order", NULL}) != 0)
        return -1;
    if (o && o->steps) return ts_opt_fail("mdm", "steps", "score does not take it");
    if (!lk || !strcmp(lk, "bound")) {
        if (mix) return ts_opt_fail("mdm", "ngram-mix", "goes with --likelihood chain");
        return bound_bits(m, x, n, L, o && o->progress, bits);
    }
    if (strcmp(lk, "chain")) return ts_opt_fail("mdm", "likelihood", "'%s': expected bound or chain", lk);
    if (n == 0 || L == 0) return ts_fail("mdm: score: no windows");
    int kind;
    double a;
    if (chain_mix_opt(m, mix, &kind, &a) != 0) return -1;
    const int kn = kind == CHAIN_SWITCH || a > 0;
    if (kn && chain_kn(m, m->has_chain ? m->chain_order : CHAIN_KN_DEFAULT) != 0) return -1;
    /* windows in chunks (each window's mixture is its own): memory for at most
     * chain_chunk_rows events' probabilities whatever the input */
    size_t per = chain_chunk_rows / L ? chain_chunk_rows / L : 1, cap = (per < n ? per : n) * L;
    double *pn = ts_malloc(cap * sizeof *pn), *pk = kn ? ts_malloc(cap * sizeof *pk) : NULL;
    double sum = 0;
    int rc = 0;
    ts_progress_span_begin("score", (long)(n * L), o && o->progress);   /* one bar over the chunks */
    for (size_t w = 0; w < n && rc == 0; w += per) {
        size_t nw = n - w < per ? n - w : per;
        ts_progress_span_part((long)(nw * L));
        rc = chain_probs(m, x + w * L, nw, L, kn, o && o->batch ? o->batch : CHAIN_BATCH, o && o->progress, pn, pk);
        if (rc == 0) sum += mix_bits(pn, pk, nw, L, kind, a) * (double)nw;
    }
    ts_progress_span_end();
    if (rc == 0) *bits = sum / (double)n;
    free(pn);
    free(pk);
    return rc;
}

