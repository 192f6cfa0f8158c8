/* The "mdm" model's infilling (the model: mdm.c): iterative unmasking of a window's hidden
 * events with both sides as context, the n-gram prior (its fillers, the gate, the window's
 * own fillers), and ensembles of networks. */
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
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ---- infilling ---- */

#define PRIOR_CAP 2048        /* matching fillers kept per run (evenly spaced) */
#define PRIOR_SMOOTH 0.5      /* add-beta smoothing of the filler shares */


/* the window's own filler for run [a, a+k) of y (L; hid 1 = hidden) matched over
 * at least `win` events and more than the n-gram's stream matched (matched,
 * ts_ngram_candidates: > 0 both sides, < 0 one side): both sides, or where the
 * stream matched one side at most, one side (the left first), as the n-gram
 * fills: 1 and *src, or 0 */
int window_copy(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t a, size_t k,
                int matched, int win, size_t *src)
{
    const int cmax = m->prior ? m->prior_order : WIN_CMAX;
    if (ts_window_over_stream(y, hid, L, a, k, TS_WINDOW_BOTH, matched > 0 ? matched : 0, win, cmax, src)) return 1;
    for (int side = TS_WINDOW_LEFT; side <= TS_WINDOW_RIGHT && matched <= 0; side++)
        if (ts_window_over_stream(y, hid, L, a, k, side, -matched, win, cmax, src)) return 1;
    return 0;
}

/* the match-order class of ts_ngram_candidates' `matched` */
static int order_class(int matched, int order) { return matched < 0 ? 0 : matched < order ? 1 : 2; }

/* the agreement class of the most frequent of n fillers, top of them */
int share_class(size_t top, size_t n)
{
    if (top == n) return n >= GATE_MANY ? 0 : 1;
    return 2 * top >= n ? 2 : 3;
}

/* the agreement class of one position's filler counts (V) among nalive */
int agree_class(const float *cnt, int V, size_t nalive)
{
    float top = 0;
    for (int v = 0; v < V; v++) if (cnt[v] > top) top = cnt[v];
    return share_class((size_t)top, nalive);
}

/* does any run of bucket kb take the n-gram's filler outright */
static int row_copies(const infill_opts *io, int kb)
{
    for (int c = gate_cell(kb, 0, 0); io->copy && c < gate_cell(kb + 1, 0, 0); c++) if (io->copy[c]) return 1;
    return 0;
}

/* the prior weight of run r at a position whose alive fillers' counts are cnt (V) */
static double pos_weight(const infill_opts *io, const run_t *r, const float *cnt, int V)
{
    if (!io->gate) return r->w;
    return io->gate[gate_cell(r->kb, r->ob, agree_class(cnt, V, r->nalive))];
}

void run_free(run_t *r)
{
    free(r->cand);
    free(r->alive);
    free(r->cnt);
    r->cand = NULL, r->alive = NULL, r->cnt = NULL;
}

/* crop start and length of each window: the context around its hidden events
 * when they fit in it, else the whole window; 0 hidden: length 0 */
static void crop_of(const uint8_t *hid, size_t L, size_t ctx, size_t *cs, size_t *cl)
{
    size_t lo = L, hi = 0;
    for (size_t l = 0; l < L; l++)
        if (hid[l]) { if (lo == L) lo = l; hi = l + 1; }
    if (lo == L) { *cs = 0; *cl = 0; return; }
    size_t Lc = ctx < L ? ctx : L;
    if (hi - lo > Lc) { *cs = 0; *cl = L; return; }
    long mid = (long)(lo + hi) / 2, s = mid - (long)Lc / 2;
    if (s < 0) s = 0;
    if ((size_t)s + Lc > L) s = (long)(L - Lc);
    *cs = (size_t)s;
    *cl = Lc;
}

double score_row(const mdm_model *m, const float *lg, const float *cnt, size_t nalive, double w, float *zl,
                 int32_t *pick)
{
    const int V = m->c.V;
    for (int v = 0; v < V; v++) zl[v] = lg[v];
    if (cnt && w > 0) {
        double den = (double)nalive + PRIOR_SMOOTH * V;
        for (int v = 0; v < V; v++) zl[v] += (float)(w * log((cnt[v] + PRIOR_SMOOTH) / den));
    }
    if (m->seen)
        for (int v = 0; v < V; v++)
            if (!m->seen[v]) zl[v] = -INFINITY;
    float mx = zl[0];
    int arg = 0;
    for (int v = 1; v < V; v++) if (zl[v] > mx) mx = zl[v], arg = v;
    double s = 0;
    for (int v = 0; v < V; v++) s += exp((double)zl[v] - mx);
    *pick = arg;
    return s;
}

/* position l's scores: zl (V) = the network's logits (lrow[l]) plus the prior's share
 * (-inf at IDs the training part never held: never drawn), conf[l] its largest
 * probability, pick[l] the argmax */
static void score_pos(const mdm_model *m, float *const *lrow, int l, const run_t *runs, const int *runid,
                      const infill_opts *io, float *zl, float *conf, int32_t *pick)
{
    const int V = m->c.V;
    const run_t *r = runid[l] >= 0 ? &runs[runid[l]] : NULL;
    const float *cnt = NULL;
    double w = 0;
    if (r && r->w > 0 && r->nalive > 0) {
        cnt = r->cnt + (size_t)(l - r->a) * V;
        w = pos_weight(io, r, cnt, V);
    }
    const double s = score_row(m, lrow[l], cnt, r ? r->nalive : 0, w, zl, &pick[l]);
    conf[l] = (float)(1.0 / s);   /* the largest probability */
}

/* hidden position l's scores as reveal_step takes them: zk[l] says whether they are
 * kept (the n-gram's share at a temperature), into zrow[l], else written into zs */
static void score_kept(const mdm_model *m, float *const *lrow, int l, const run_t *runs, const int *runid,
                       const infill_opts *io, float *const *zrow, float *zs, uint8_t *zk, float *conf, int32_t *pick)
{
    const run_t *r = runid[l] >= 0 ? &runs[runid[l]] : NULL;
    zk[l] = io->temperature > 0 && r && r->w > 0 && r->nalive > 0;
    score_pos(m, lrow, l, runs, runid, io, zk[l] ? zrow[l] : zs, conf, pick);
}

static void reveal_scored(const mdm_model *m, float *const *lrow, int32_t *cur, uint8_t *hid, int Lp, run_t *runs,
                          const int *runid, int reveal, const infill_opts *io, ts_rng *rng, float *const *zrow,
                          float *zs, const uint8_t *zk, const float *conf, const int32_t *pick);

/* one window's unmasking step: reveal up to `reveal` positions of crop row
 * cur/hid (Lp) using the logits (V) at each hidden position l, lrow[l]. A draw at
 * a temperature reads the scores of its position as they were before the step's
 * first reveal: those of a position with the n-gram's share are kept in zrow[l] (V;
 * zk[l] = 1), a fill's reveals changing the share; the others are the network's
 * logits alone, scored again into zs (V). */
void reveal_step(const mdm_model *m, float *const *lrow, int32_t *cur, uint8_t *hid, int Lp, run_t *runs,
                 const int *runid, int reveal, const infill_opts *io, ts_rng *rng, float *const *zrow, float *zs,
                 uint8_t *zk, float *conf, int32_t *pick)
{
    for (int l = 0; l < Lp; l++)
        if (hid[l]) score_kept(m, lrow, l, runs, runid, io, zrow, zs, zk, conf, pick);
    reveal_scored(m, lrow, cur, hid, Lp, runs, runid, reveal, io, rng, zrow, zs, zk, conf, pick);
}

/* reveal_step's reveals, every hidden position scored (score_kept) */
static void reveal_scored(const mdm_model *m, float *const *lrow, int32_t *cur, uint8_t *hid, int Lp, run_t *runs,
                          const int *runid, int reveal, const infill_opts *io, ts_rng *rng, float *const *zrow,
                          float *zs, const uint8_t *zk, const float *conf, const int32_t *pick)
{
    const int V = m->c.V;
    size_t Ns = 0;
    const int32_t *S = m->prior ? ts_ngram_stream(m->prior, &Ns, NULL) : NULL;
    int nh = 0;
    for (int l = 0; l < Lp; l++) nh += hid[l];
    if (reveal > nh) reveal = nh;
    for (int j = 0; j < reveal; j++) {
        int best = -1;
        if (io->random_order && rng) {   /* uniformly among the nh - j still hidden */
            int r = (int)(ts_rng_uniform(rng) * (nh - j));
            if (r >= nh - j) r = nh - j - 1;
            for (int l = 0; l < Lp; l++)
                if (hid[l] && r-- == 0) { best = l; break; }
        } else {
            for (int l = 0; l < Lp; l++)
                if (hid[l] && (best < 0 || conf[l] > conf[best])) best = l;
        }
        int32_t tok = pick[best];
        if (io->temperature > 0) {
            const float *zl = zrow[best];
            if (!zk[best]) {
                int32_t again;
                score_row(m, lrow[best], NULL, 0, 0, zs, &again);
                zl = zs;
            }
            double mx = zl[pick[best]], s = 0;
            for (int v = 0; v < V; v++) s += exp(((double)zl[v] - mx) / io->temperature);
            double u = ts_rng_uniform(rng) * s, acc = 0;
            for (int v = 0; v < V; v++) {   /* past the sum by rounding: the last with weight */
                double e = exp(((double)zl[v] - mx) / io->temperature);
                if (e > 0) tok = v;
                acc += e;
                if (u < acc) break;
            }
        }
        cur[best] = tok;
        hid[best] = 0;
        run_t *r = runid[best] >= 0 ? &runs[runid[best]] : NULL;
        if (r && r->nalive > 0) {
            int off = best - r->a;
            for (size_t i = 0; i < r->nc; i++)
                if (r->alive[i] && S[r->cand[i] + off] != tok) {
                    r->alive[i] = 0, r->nalive--;
                    for (int o = 0; o < r->k; o++) r->cnt[(size_t)o * V + S[r->cand[i] + o]] -= 1;
                }
        }
    }
}

/* the runs of window y (L) hidden in hid, inside crop [cs, cs+Lp), with their
 * n-gram candidates; runid (Lp) gets each position's run */
int find_runs(const mdm_model *m, const int32_t *y, const uint8_t *hid, size_t L, size_t cs, int Lp,
              run_t *runs, int *runid, const infill_opts *io)
{
    int nr = 0;
    for (int l = 0; l < Lp; l++) runid[l] = -1;
    for (size_t a = cs; a < cs + (size_t)Lp;) {
        if (!hid[a]) { a++; continue; }
        size_t b = a;
        while (b < L && hid[b]) b++;
        run_t *r = &runs[nr];
        memset(r, 0, sizeof *r);
        r->a = (int)(a - cs);
        r->k = (int)(b - a);
        for (size_t l = a; l < b; l++) runid[l - cs] = nr;
        r->kb = k_bucket(r->k);
        r->one_side = a == 0 || b >= L;   /* (runs are maximal: their neighbours are seen) */
        r->w = run_weight(io, r->kb);
        const int win = io->win ? (int)io->win[r->kb] : 0, evidence = r->w > 0 || row_copies(io, r->kb);
        int32_t *c = NULL;
        size_t nc = 0;
        if (m->prior && (evidence || win > 0)) {   /* the fillers, or only the stream's match length */
            size_t lav = 0, rav = 0;
            while (lav < a && !hid[a - 1 - lav]) lav++;
            while (b + rav < L && !hid[b + rav]) rav++;
            nc = ts_ngram_candidates(m->prior, y, a, b - a, lav, rav, &c, &r->matched);
        }
        if (m->prior && evidence) {
            const int matched = r->matched;
            r->ob = order_class(matched, m->prior_order);
            r->nall = nc;
            if (nc && (io->copy || io->want_mode)) r->mode = ts_ngram_mode(m->prior, c, nc, b - a, &r->mode_n);
            r->copy = nc && io->copy && io->copy[gate_cell(r->kb, r->ob, share_class(r->mode_n, nc))];
            if (nc > PRIOR_CAP) {
                for (size_t i = 0; i < PRIOR_CAP; i++) c[i] = c[i * nc / PRIOR_CAP];
                nc = PRIOR_CAP;
            }
            r->cand = c;
            r->nc = r->nalive = nc;
            if (nc) {
                size_t Ns = 0;
                const int32_t *S = ts_ngram_stream(m->prior, &Ns, NULL);
                const int V = m->c.V;
                r->alive = ts_malloc(nc);
                memset(r->alive, 1, nc);
                r->cnt = ts_calloc((size_t)r->k * V, sizeof(float));
                for (size_t i = 0; i < nc; i++)
                    for (int o = 0; o < r->k; o++) r->cnt[(size_t)o * V + S[c[i] + o]] += 1;
            }
        } else {
            free(c);
        }
        if (win > 0 && window_copy(m, y, hid, L, a, b - a, r->matched, win, &r->wsrc)) r->copy = r->wcopy = 1;
        nr++;
        a = b;
    }
    return nr;
}

/* the ensemble member's numbering of m's IDs and MASK (V + 1) by name (an event the
 * member lacks: its <unk>), or the identity when neither names its events and the
 * sizes agree; NULL + error naming `what` when they cannot be matched */
static int32_t *ens_map_of(const mdm_model *m, const mdm_model *e, const char *what)
{
    const ts_vocab *a = &m->base.vocab, *b = &e->base.vocab;
    const int V = m->c.V, Ve = e->c.V;
    if (a->n == 0 || b->n == 0) {
        if (V != Ve || a->n != b->n) {
            ts_fail("mdm: ensemble %s: %d event IDs against the model's %d, and %s unnamed: cannot be matched", what,
                    Ve, V, a->n ? "its events are" : "the model's events are");
            return NULL;
        }
    }
    int32_t *map = ts_malloc(((size_t)(a->n > V ? a->n : V) + 1) * sizeof *map);
    const int32_t unk = b->unk >= 0 && b->unk < Ve ? b->unk : -1;
    const int named = a->n < V ? a->n : V;
    if (a->n) ts_vocab_map(a, b, map);   /* (a->n): by name, else b's <unk> or -1 */
    for (int v = 0; v < V; v++) {
        if (!a->n) map[v] = v;
        else if (v >= named || map[v] >= Ve) map[v] = unk;
        if (map[v] < 0) {
            ts_fail("mdm: ensemble %s: it has no event named '%s' and no <unk>", what, v < a->n ? a->names[v] : "?");
            free(map);
            return NULL;
        }
    }
    /* named: at least one event the member knows by name (its <unk> alone would average in
     * a network that reads every event as unknown) */
    int known = !a->n;
    for (int v = 0; v < named && !known; v++) known = v != a->unk && map[v] != unk;
    if (!known) {
        ts_fail("mdm: ensemble %s: none of the model's event names is one of its own", what);
        free(map);
        return NULL;
    }
    map[V] = Ve;
    return map;
}

/* is x m itself or a network m's ensemble holds (at any depth) */
static int ens_holds(const mdm_model *m, const ts_model *x)
{
    if (x == &m->base) return 1;
    for (int e = 0; e < m->n_ens; e++)
        if (ens_holds((const mdm_model *)m->ens[e], x)) return 1;
    return 0;
}

int ts_mdm_set_ensemble(ts_model *base, ts_model *other, const char *what)
{
    if (!base || base->ops != &ts_model_mdm) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: the model is not an mdm model", what);
    }
    mdm_model *m = (mdm_model *)base;
    int32_t *map = NULL;
    if (other && other->ops != &ts_model_mdm) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: not an mdm model", what);
    }
    /* m itself, a network it holds, or one that holds m: m would own it twice, or own
     * itself (freed twice); refused and left as it is, as the caller's or m's */
    if (other && (ens_holds(m, other) || ens_holds((const mdm_model *)other, base)))
        return ts_fail("mdm: ensemble %s: the model itself or a network its ensemble already holds (load the file "
                       "again for a copy)", what);
    free(m->ens_list);   /* no longer a --ensemble list's (ensemble_opt) */
    m->ens_list = NULL;
    if (!other) {
        ens_drop_from(m, 0);
        return 0;
    }
    if (m->n_ens == TS_MDM_ENSEMBLE_MAX) {
        ts_model_free(other);
        return ts_fail("mdm: ensemble %s: at most %d networks besides the model's own", what, TS_MDM_ENSEMBLE_MAX);
    }
    if (!(map = ens_map_of(m, (const mdm_model *)other, what))) { ts_model_free(other); return -1; }
    m->ens[m->n_ens] = other;
    m->ens_map[m->n_ens++] = map;
    return 0;
}

/* each(file, ud) for every file name of the comma-separated list, in order: 0, or -1 at the
 * first it fails (its error) or at an empty name ("a,", ",a", "a,,b") */
static int ens_each(const char *list, int (*each)(const char *file, void *ud), void *ud)
{
    for (const char *p = list;; p++) {   /* p: a name's start */
        const char *q = strchr(p, ',');
        const size_t len = q ? (size_t)(q - p) : strlen(p);
        if (!len)
            return *list ? ts_fail("mdm: ensemble '%s': an empty file name in the list", list)
                         : ts_fail("mdm: ensemble: no file named");
        char *file = ts_malloc(len + 1);
        memcpy(file, p, len);
        file[len] = 0;
        const int rc = each(file, ud);
        free(file);
        if (rc != 0) return -1;
        if (!q) return 0;
        p = q;
    }
}

static int ens_add(const char *file, void *base)
{
    ts_model *e = NULL;
    return ts_model_load(file, &e) != 0 ? -1 : ts_mdm_set_ensemble(base, e, file);
}

int ts_mdm_load_ensemble(ts_model *base, const char *list)
{
    if (!base || base->ops != &ts_model_mdm) return ts_fail("mdm: ensemble %s: the model is not an mdm model", list);
    mdm_model *m = (mdm_model *)base;
    const int n0 = m->n_ens;
    if (ens_each(list, ens_add, base) != 0) {
        ens_drop_from(m, n0);
        return -1;
    }
    return 0;
}

static int ens_readable(const char *file, void *ud)
{
    ts_model *e = NULL;
    const int rc = ts_model_load(file, &e);
    ts_model_free(e);
    return rc;
}

int ts_mdm_ensemble_readable(const char *list) { return ens_each(list, ens_readable, NULL); }

/* does row x (V logits) hold a value that is not finite (a damaged or diverged
 * network: every use of its output refuses it, as the chain likelihood does) */
int row_nonfinite(const float *x, int V)
{
    for (int v = 0; v < V; v++)
        if (!isfinite(x[v])) return 1;
    return 0;
}

/* the error of every use of the network that meets such a row ("what: " or "") */
int output_not_finite(const char *what, size_t window, size_t pos)
{
    return ts_fail("mdm: %sthe network's output is not finite at window %zu, position %zu (a damaged or "
                   "diverged model)", what, window, pos);
}

/* log sum_v exp(x[v]), in double */
static double log_sum_exp(const float *x, int n)
{
    float mx = x[0];
    for (int v = 1; v < n; v++) if (x[v] > mx) mx = x[v];
    double s = 0;
    for (int v = 0; v < n; v++) s += exp((double)x[v] - mx);
    return mx + log(s);
}

/* an ensemble member's network (e < m->n_ens) */
static const mdm_model *ens_net(const mdm_model *m, int e)
{
    return (const mdm_model *)m->ens[e];
}

/* a[v] (V): the mean of the networks' log-softmaxes at one event, the model's own
 * (a, its logits) and member e's (me[e], its logits in its own numbering) */
static void ens_mean_row(const mdm_model *m, float *a, const float *const *me)
{
    const int V = m->c.V, N = m->n_ens;
    double lse[TS_MDM_ENSEMBLE_MAX + 1];
    lse[0] = log_sum_exp(a, V);
    for (int e = 0; e < N; e++) lse[e + 1] = log_sum_exp(me[e], ens_net(m, e)->c.V);
    for (int v = 0; v < V; v++) {
        double t = (double)a[v] - lse[0];
        for (int e = 0; e < N; e++) t += (double)me[e][m->ens_map[e][v]] - lse[e + 1];
        a[v] = (float)(t / (N + 1));
    }
}

/* the events a network reads around a blackout (infill): --context N when given,
 * else the network's own. S4: twice its training context: more context helps,
 * and S4 reads any length (many-threads, k = 10: 83.4 % with 64 events, 83.8 with
 * 128, 84.7 with 200). Attention with rotary positions does not extrapolate: the
 * training context. */
size_t infill_ctx(const mdm_model *net, const infill_opts *io)
{
    return io->ctx ? io->ctx : (net->c.backbone == BACKBONE_S4 ? 2 : 1) * (size_t)net->c.ctx;
}

/* Infill's transformers run each crop through the network on its own
 * (plan.seq_rows), so that a window's logits have the same bits whatever the
 * batch and whichever windows share it: products over B crops at once round a
 * crop's rows by where they fall in the product (a few units in the last place
 * of the logits, which reorder hidden events of nearly equal confidence and so
 * which draw each gets at --temperature above 0). S4 networks run as before. */
static int infill_seq_rows(const mdm_model *net)
{
    return net->c.backbone == BACKBONE_TRANSFORMER;
}

/* The ensemble members in infill. Each member reads the crop its own context
 * gives (infill_ctx: the rule the model applies to itself), so a member trained
 * on shorter crops is not run on longer ones. A window's crop for member e
 * (ecs, ecl: (n_ens, n)) holds all its hidden events, as the model's own does,
 * and is either len[e][0] = min(its context, L) long or the whole window
 * (len[e][1] = L); a batch's rows go to the plan of their length (pe[e][j], at
 * the model's row index b), the other plan's row b is all MASK. */
typedef struct {
    size_t *ecs, *ecl;
    int len[TS_MDM_ENSEMBLE_MAX][2];
    int used[TS_MDM_ENSEMBLE_MAX][2];   /* plan made for this group */
    plan pe[TS_MDM_ENSEMBLE_MAX][2];
} ens_crops;

static void ens_crops_init(const mdm_model *m, ens_crops *ec, const uint8_t *hid0, size_t n, size_t L,
                           const infill_opts *io)
{
    memset(ec, 0, sizeof *ec);
    if (!m->n_ens) return;
    ec->ecs = ts_malloc((size_t)m->n_ens * n * sizeof *ec->ecs);
    ec->ecl = ts_malloc((size_t)m->n_ens * n * sizeof *ec->ecl);
    for (int e = 0; e < m->n_ens; e++) {
        const size_t ctx = infill_ctx(ens_net(m, e), io);
        ec->len[e][0] = (int)(ctx < L ? ctx : L);
        ec->len[e][1] = (int)L;
        for (size_t w = 0; w < n; w++)
            crop_of(hid0 + w * L, L, ctx, &ec->ecs[(size_t)e * n + w], &ec->ecl[(size_t)e * n + w]);
    }
}

static void ens_group_free(const mdm_model *m, ens_crops *ec)
{
    for (int e = 0; e < m->n_ens; e++)
        for (int j = 0; j < 2; j++)
            if (ec->used[e][j]) plan_free(&ec->pe[e][j]), ec->used[e][j] = 0;
}

static void ens_crops_free(const mdm_model *m, ens_crops *ec)
{
    ens_group_free(m, ec);
    free(ec->ecs);
    free(ec->ecl);
}

/* the members' plans for a group of B rows: those of the lengths the group's
 * windows (list, nl) have */
static int ens_group_init(const mdm_model *m, ens_crops *ec, const size_t *list, size_t nl, size_t n, int B)
{
    for (int e = 0; e < m->n_ens; e++)
        for (int j = 0; j < 2; j++) {
            if (j == 1 && ec->len[e][1] == ec->len[e][0]) break;
            int need = 0;
            for (size_t i = 0; i < nl && !need; i++) need = ec->ecl[(size_t)e * n + list[i]] == (size_t)ec->len[e][j];
            if (!need) continue;
            if (plan_init(&ec->pe[e][j], ens_net(m, e), B, ec->len[e][j], 0) != 0) {
                ens_group_free(m, ec);
                return -1;
            }
            ec->pe[e][j].seq_rows = infill_seq_rows(ens_net(m, e));
            ec->used[e][j] = 1;
        }
    return 0;
}

/* the members' evaluation for the model's batch pl (crops of Lp, row b: window
 * win[b] at crop start cs[win[b]], the model's ids so far), then the model's
 * logits at the still hidden events (hid) of its first nb rows become the mean of
 * all the networks' log-softmaxes there. A member's row reads the model's ids
 * where the two crops overlap and the window's events elsewhere (observed: every
 * hidden event lies in both crops). */
static void ens_infill_forward(const mdm_model *m, plan *pl, float *const *lrow, ens_crops *ec, const int32_t *y,
                               size_t n, size_t L, const size_t *win, const size_t *cs, int nb, const uint8_t *hid)
{
    const int V = m->c.V, B = pl->B, Lp = pl->L;
    for (int e = 0; e < m->n_ens; e++) {
        const int32_t *map = m->ens_map[e];
        for (int j = 0; j < 2; j++) {
            if (!ec->used[e][j]) continue;
            plan *q = &ec->pe[e][j];
            const int Le = q->L;
            int any = 0;
            for (int b = 0; b < B; b++) {
                const size_t w = win[b], s = ec->ecs[(size_t)e * n + w];
                int32_t *ids = q->ids + (size_t)b * Le;
                if (ec->ecl[(size_t)e * n + w] != (size_t)Le) {
                    for (int l = 0; l < Le; l++) ids[l] = map[V];
                    continue;
                }
                any |= b < nb;
                for (int l = 0; l < Le; l++) {
                    const size_t p = s + (size_t)l;
                    const int32_t x = p >= cs[w] && p < cs[w] + (size_t)Lp ? pl->ids[(size_t)b * Lp + (p - cs[w])]
                                                                          : y[w * L + p];
                    ids[l] = map[x];
                }
            }
            if (any) net_forward(ens_net(m, e), q);
        }
    }
    const float *me[TS_MDM_ENSEMBLE_MAX];
    for (int b = 0; b < nb; b++) {
        const size_t w = win[b];
        for (int l = 0; l < Lp; l++) {
            if (!hid[(size_t)b * Lp + l]) continue;
            const size_t p = cs[w] + (size_t)l;
            for (int e = 0; e < m->n_ens; e++) {
                const size_t s = ec->ecs[(size_t)e * n + w];
                const int j = ec->ecl[(size_t)e * n + w] == (size_t)ec->len[e][0] ? 0 : 1;
                const plan *q = &ec->pe[e][j];
                me[e] = q->logits + ((size_t)b * q->L + (p - s)) * ens_net(m, e)->c.V;
            }
            ens_mean_row(m, lrow[(size_t)b * Lp + l], me);
        }
    }
}

/* the chain paths' member plans: B crops of min(L, ctx), ctx --context N when
 * given, else the member's training context (as the model's own) */
int ens_chain_init(const mdm_model *m, plan *pe, int B, size_t L, size_t ctx)
{
    for (int e = 0; e < m->n_ens; e++) {
        const size_t c = ctx ? ctx : (size_t)ens_net(m, e)->c.ctx;
        if (plan_init(&pe[e], ens_net(m, e), B, (int)(L < c ? L : c), 0) != 0) {
            while (e-- > 0) plan_free(&pe[e]);
            return -1;
        }
        pe[e].seq_rows = 1;   /* the same bits for any batch */
    }
    return 0;
}

void ens_chain_free(const mdm_model *m, plan *pe)
{
    for (int e = 0; e < m->n_ens; e++) plan_free(&pe[e]);
}


/* the chain paths: row b of the batch (B rows) is the crop of window win[b] that
 * ends at its event pos[b], each member reading its own crop length; the model's
 * logits at that event (lg + b V) become the mean of the networks' log-softmaxes,
 * for b < nb. ate (n_ens, B): scratch, member e's place of row b's event */
void ens_chain_forward(const mdm_model *m, float *lg, int B, plan *pe, const int32_t *const *win, const int *pos,
                       int nb, int *ate)
{
    const int V = m->c.V;
    for (int e = 0; e < m->n_ens; e++) {
        plan *q = &pe[e];
        for (int b = 0; b < B; b++) {
            ate[e * B + b] = chain_crop(q, b, win[b], pos[b], q->L, V);
            int32_t *ids = q->ids + (size_t)b * q->L;
            for (int l = 0; l < q->L; l++) ids[l] = m->ens_map[e][ids[l]];
        }
        net_forward(ens_net(m, e), q);
    }
    const float *me[TS_MDM_ENSEMBLE_MAX];
    for (int b = 0; b < nb; b++) {
        for (int e = 0; e < m->n_ens; e++)
            me[e] = pe[e].logits + ((size_t)b * pe[e].L + ate[e * B + b]) * ens_net(m, e)->c.V;
        ens_mean_row(m, lg + (size_t)b * V, me);
    }
}

/* The head at the hidden positions alone. net_forward's head is one product over
 * the batch's rows (over each crop's rows under seq_rows), (B Lp, V) floats: 2 GB
 * for 64 crops of 200 and 40,000 names, of which a blackout reads a few rows. The
 * head runs block by block (head_blocks: each block's rows have the bits they have
 * in the whole product) over the blocks that hold a hidden position, and keeps those
 * positions' rows. */
/* the head's rows at the hidden positions (hid, B Lp) of trunk plan pl: lrow[i] for each
 * hidden row i */
static void head_hidden(const mdm_model *m, const plan *pl, head_blocks *hb, const uint8_t *hid, float **lrow)
{
    const int V = m->c.V, C = m->c.C;
    const size_t BL = (size_t)pl->B * pl->L;
    size_t h = 0;
    for (size_t i = 0; i < BL; i++) h += hid[i];
    if (h > hb->hl_rows) {
        free(hb->hl);
        hb->hl = ts_malloc(h * (size_t)V * sizeof(float));
        hb->hl_rows = h;
    }
    size_t slot = 0;
    for (size_t k = 0, n = head_blocks_count(hb); k < n; k++) {
        size_t a;
        const size_t e = head_block_span(hb, k, &a);
        size_t any = 0;
        for (size_t i = a; i < e && !any; i++) any = hid[i];
        if (!any) continue;
        head_rows(m, pl->hT + a * C, (int)(e - a), hb->chunk);
        for (size_t i = a; i < e; i++)
            if (hid[i]) {
                lrow[i] = hb->hl + slot++ * V;
                memcpy(lrow[i], hb->chunk + (i - a) * V, (size_t)V * sizeof(float));
            }
    }
}

/* The hidden rows scored as the head's blocks come. head_hidden keeps every hidden
 * row's logits for reveal_step: at generate's start every position is hidden, (B Lp V)
 * floats (640 MB for -n 20 of 200 events and 40,000 names). Past INFILL_ROWS_MAX floats
 * (and without an ensemble, whose mean needs every member's rows, or a capture) a step
 * scores each block's hidden rows at once (score_kept, as reveal_step would) and keeps
 * only the rows its reveals read: none but for a draw at a temperature, and then each
 * window's `reveal` most confident rows (the ones reveal_scored takes, in its order:
 * the highest score, the first place among equals) or, in random order, the ones its
 * generator's draws name, drawn ahead on a copy. Every row has its bits (head_blocks)
 * and is scored as before: the fills are the same. */
#define INFILL_ROWS_MAX ((size_t)1 << 22)

typedef struct {
    float *rows;              /* (cap, V) the kept rows */
    size_t cap;
    int *pos;                 /* (B Lp) a kept row's place in its crop */
    size_t *base, *n, *want;  /* (B) each window's first kept row, its count, its room */
    uint8_t *mark;            /* (B Lp) random order: the places the draws name */
    uint8_t *tmp;             /* (Lp) a crop's hidden places while drawing ahead */
    float *zs;                /* (threads, V) scoring scratch */
    int threads;
} row_keep;

static void row_keep_init(row_keep *k, int B, int Lp, int V)
{
    memset(k, 0, sizeof *k);
    k->pos = ts_malloc((size_t)B * Lp * sizeof *k->pos);
    k->base = ts_malloc((size_t)B * sizeof *k->base);
    k->n = ts_malloc((size_t)B * sizeof *k->n);
    k->want = ts_malloc((size_t)B * sizeof *k->want);
    k->mark = ts_malloc((size_t)B * Lp);
    k->tmp = ts_malloc((size_t)Lp);
    k->threads = omp_get_max_threads();
    k->zs = ts_malloc((size_t)k->threads * V * sizeof(float));
}

static void row_keep_free(row_keep *k)
{
    free(k->rows); free(k->pos); free(k->base); free(k->n); free(k->want); free(k->mark); free(k->tmp);
    free(k->zs);
}

/* a window's reveals at a step: rem hidden, left evaluations (this one too) */
static int reveals_of(int rem, int left)
{
    return left > 1 ? (rem + left - 1) / left : rem;
}

/* row i (crop b, place l) into kept row j */
static void keep_row(row_keep *k, size_t j, const float *row, int l, int V)
{
    memcpy(k->rows + j * (size_t)V, row, (size_t)V * sizeof(float));
    k->pos[j] = l;
}

/* step s of a streamed batch (nb crops of pl's): every hidden row scored (zk, conf,
 * pick, zrow as reveal_step's scoring leaves them) and lrow[i] the kept row of each
 * hidden row i a reveal reads (NULL at the others); 0, or -1 with *bad the first row
 * whose output is not finite */
static int stream_step(const mdm_model *m, const plan *pl, head_blocks *hb, row_keep *k, const uint8_t *hid,
                       float **lrow, const run_t *runs, const int *runid, const infill_opts *io, const ts_rng *rngs,
                       const int *srow, int s, int nb, float *const *zrow, uint8_t *zk, float *conf, int32_t *pick,
                       size_t *bad)
{
    const int V = m->c.V, C = m->c.C, Lp = pl->L;
    const size_t BL = (size_t)pl->B * Lp;
    const int draw = io->temperature > 0;   /* only a draw reads a row after its scoring */
    size_t nk = 0;
    for (int b = 0; b < nb; b++) {
        int rem = 0;
        for (int l = 0; l < Lp; l++) rem += hid[(size_t)b * Lp + l];
        k->want[b] = draw && rem ? (size_t)reveals_of(rem, srow[b] - s) : 0;
        k->base[b] = nk;
        k->n[b] = 0;
        nk += k->want[b];
    }
    if (nk > k->cap) {
        free(k->rows);
        k->rows = ts_malloc(nk * (size_t)V * sizeof(float));
        k->cap = nk;
    }
    memset(k->mark, 0, BL);
    for (int b = 0; b < nb && io->random_order; b++) {   /* reveal_scored's draws, on a copy */
        ts_rng r = rngs[b];
        int nh = 0;
        for (int l = 0; l < Lp; l++) nh += k->tmp[l] = hid[(size_t)b * Lp + l];
        for (int j = 0; j < (int)k->want[b]; j++) {
            int u = (int)(ts_rng_uniform(&r) * (nh - j));
            if (u >= nh - j) u = nh - j - 1;
            for (int l = 0; l < Lp; l++)
                if (k->tmp[l] && u-- == 0) {
                    k->tmp[l] = 0;
                    k->mark[(size_t)b * Lp + l] = 1;
                    break;
                }
            ts_rng_uniform(&r);   /* the draw of its event */
        }
    }
    for (size_t q = 0, nq = head_blocks_count(hb); q < nq; q++) {
        size_t a;
        const size_t e = head_block_span(hb, q, &a);
        size_t any = 0;
        for (size_t i = a; i < e && !any; i++) any = hid[i];
        if (!any) continue;
        head_rows(m, pl->hT + a * C, (int)(e - a), hb->chunk);
        for (size_t i = a; i < e; i++) {
            lrow[i] = hid[i] ? hb->chunk + (i - a) * V : NULL;
            if (hid[i] && row_nonfinite(lrow[i], V)) {
                *bad = i;
                return -1;
            }
        }
        const long n0 = (long)a, n1 = (long)e;
#pragma omp parallel for schedule(dynamic, 4)
        for (long i = n0; i < n1; i++) {
            if (!hid[i]) continue;
            const size_t b = (size_t)i / Lp, o = b * Lp;
            float *zs = k->zs + (size_t)omp_get_thread_num() * V;
            score_kept(m, lrow + o, (int)((size_t)i - o), runs + o, runid + o, io, zrow + o, zs, zk + o,
                       conf + b * (size_t)(Lp + V), pick + o);
        }
        for (size_t i = a; i < e && draw; i++) {
            if (!hid[i]) continue;
            const size_t b = i / Lp;
            const int l = (int)(i - b * Lp);
            const float *cf = conf + b * (size_t)(Lp + V);
            if (io->random_order) {
                if (k->mark[i]) keep_row(k, k->base[b] + k->n[b]++, lrow[i], l, V);
            } else if (k->n[b] < k->want[b]) {
                keep_row(k, k->base[b] + k->n[b]++, lrow[i], l, V);
            } else if (k->want[b]) {   /* in place of the least confident kept (the last place among equals) */
                size_t w = k->base[b];
                for (size_t j = w + 1; j < k->base[b] + k->n[b]; j++)
                    if (cf[k->pos[j]] < cf[k->pos[w]] || (cf[k->pos[j]] == cf[k->pos[w]] && k->pos[j] > k->pos[w]))
                        w = j;
                if (cf[l] > cf[k->pos[w]]) keep_row(k, w, lrow[i], l, V);
            }
        }
    }
    for (size_t i = 0; i < BL; i++) lrow[i] = NULL;
    for (int b = 0; b < nb; b++)
        for (size_t j = k->base[b]; j < k->base[b] + k->n[b]; j++)
            lrow[(size_t)b * Lp + (size_t)k->pos[j]] = k->rows + j * (size_t)V;
    return 0;
}

/* does hidden row i of a batch of crops of Lp (runs, runid: find_runs' for each crop)
 * keep its scores in reveal_step (zk) at some step: its run has the n-gram's share at a
 * temperature as the batch starts (a run's alive fillers only die out) */
static int keeps_scores(const infill_opts *io, const run_t *runs, const int *runid, const uint8_t *hid, size_t i,
                        int Lp)
{
    if (!(io->temperature > 0) || !hid[i] || runid[i] < 0) return 0;
    const run_t *r = &runs[i / (size_t)Lp * (size_t)Lp + (size_t)runid[i]];
    return r->w > 0 && r->nalive > 0;
}

/* fills the hidden positions (hid = 1) of windows y (n, L) in place; prog (may be
 * NULL) counts windows: *done of them before this call, each batch's share after each
 * of its network evaluations */
int infill(mdm_model *m, int32_t *y, const uint8_t *hid0, size_t n, size_t L, const infill_opts *io,
           ts_progress *prog, long *done)
{
    if (m->base.n_ids != m->c.V)
        return ts_fail("mdm: the model file says %d event IDs in one place and %d in another", m->c.V,
                       m->base.n_ids);
    size_t *cs = ts_malloc(n * sizeof *cs), *cl = ts_malloc(n * sizeof *cl);
    const size_t ctx = infill_ctx(m, io);
    for (size_t w = 0; w < n; w++) crop_of(hid0 + w * L, L, ctx, &cs[w], &cl[w]);
    ens_crops ec;   /* the ensemble members' own crops */
    ens_crops_init(m, &ec, hid0, n, L, io);
    size_t *list = ts_malloc(n * sizeof *list);
    int rc = 0;
    const int V = m->c.V;
    const long done0 = *done;
    /* two groups: crops of the context length, then whole windows */
    size_t lens[2] = {ctx < L ? ctx : L, L};
    for (int g = 0; g < 2 && rc == 0; g++) {
        if (g == 1 && lens[1] == lens[0]) break;
        size_t nl = 0;
        for (size_t w = 0; w < n; w++)
            if (cl[w] == lens[g]) list[nl++] = w;
        if (!nl) continue;
        const int Lp = (int)lens[g];
        const int B = (int)(nl < io->batch ? nl : io->batch);
        plan pl;
        if (plan_init_trunk(&pl, m, B, Lp) != 0) { rc = -1; break; }
        pl.seq_rows = infill_seq_rows(m);
        if (ens_group_init(m, &ec, list, nl, n, B) != 0) { plan_free(&pl); rc = -1; break; }
        const size_t BL = (size_t)B * Lp;
        head_blocks hbk;
        head_blocks_init(&hbk, m, &pl);
        row_keep keep;
        row_keep_init(&keep, B, Lp, V);
        float **lrow = ts_calloc(BL, sizeof *lrow);   /* the logits (V) at each hidden position */
        uint8_t *hid = ts_malloc(BL);
        int *runid = ts_malloc(BL * sizeof(int));
        int *nruns = ts_malloc((size_t)B * sizeof(int));
        run_t *runs = ts_malloc(BL * sizeof(run_t));
        /* the kept scores (reveal_step): a row for each hidden position whose run has the
         * n-gram's share at a temperature as its batch starts, zrow[i] (NULL elsewhere);
         * z holds them (z_rows at most) */
        float **zrow = ts_malloc(BL * sizeof *zrow);
        float *z = NULL;
        size_t z_rows = 0;
        float *zs = ts_malloc((size_t)B * V * sizeof(float));
        uint8_t *zk = ts_malloc(BL);
        float *conf = ts_malloc((size_t)B * (Lp + V) * sizeof(float));
        int32_t *pick = ts_malloc(BL * sizeof(int32_t));
        ts_rng *rngs = ts_malloc((size_t)B * sizeof(ts_rng));
        size_t *wrow = ts_malloc((size_t)B * sizeof *wrow);   /* row b's window (the rows past nb: the first's) */
        /* row b's network evaluations: each window decodes as it would alone, whatever
         * the blackouts of the windows that share its batch */
        int *srow = ts_malloc((size_t)B * sizeof *srow);
        for (size_t s0 = 0; s0 < nl; s0 += (size_t)B) {
            int nb = (int)(nl - s0 < (size_t)B ? nl - s0 : (size_t)B);
            int most = 0;   /* the most evaluations a row takes */
            for (int b = 0; b < B; b++) wrow[b] = list[s0 + (size_t)(b < nb ? b : 0)];
#pragma omp parallel for schedule(dynamic, 1) reduction(max : most)
            for (int b = 0; b < B; b++) {
                size_t w = list[s0 + (size_t)(b < nb ? b : 0)];
                const int32_t *yw = y + w * L;
                const uint8_t *hw = hid0 + w * L;
                int32_t *ids = pl.ids + (size_t)b * Lp;
                uint8_t *hb = hid + (size_t)b * Lp;
                int h = 0;
                for (int l = 0; l < Lp; l++) {
                    hb[l] = b < nb && hw[cs[w] + l];
                    ids[l] = hw[cs[w] + l] ? V : yw[cs[w] + l];
                    h += hb[l];
                }
                nruns[b] = b < nb ? find_runs(m, yw, hw, L, cs[w], Lp, runs + (size_t)b * Lp, runid + (size_t)b * Lp,
                                              io)
                                  : 0;
                /* runs whose evidence says so take the n-gram's (or their window's) filler before the network runs */
                const run_t *longest = NULL;   /* the longest blackout left to the network */
                for (int r = 0; r < nruns[b]; r++) {
                    const run_t *ru = &runs[(size_t)b * Lp + r];
                    if (!ru->copy && (!longest || ru->k > longest->k)) longest = ru;
                    if (!ru->copy) continue;
                    size_t Ns;
                    const int32_t *S = ru->wcopy ? yw + ru->wsrc : ts_ngram_stream(m->prior, &Ns, NULL) + ru->mode;
                    for (int o = 0; o < ru->k; o++) ids[ru->a + o] = S[o], hb[ru->a + o] = 0;
                    h -= ru->k;
                }
                if (b >= nb) for (int l = 0; l < Lp; l++) runid[(size_t)b * Lp + l] = -1;
                ts_rng_fork(&rngs[b], io->seed, w);
                /* one hidden event per evaluation, at most --steps; without it the decoding
                 * chosen for the sides and size of the window's longest blackout */
                int sb = io->steps > 0 && io->steps < h ? io->steps : h;
                if (!io->steps && io->per && h > 0 && longest) {
                    const int e = (int)io->per[longest->one_side * NKW + longest->kb];
                    sb = e > 0 ? (h + e - 1) / e : 1;
                }
                srow[b] = sb;
                if (sb > most) most = sb;
            }
            size_t nz = 0;
            for (size_t i = 0; i < BL; i++) nz += keeps_scores(io, runs, runid, hid, i, Lp);
            if (nz > z_rows) {
                free(z);
                z = ts_malloc(nz * (size_t)V * sizeof(float));
                z_rows = nz;
            }
            for (size_t i = 0, k = 0; i < BL; i++)
                zrow[i] = keeps_scores(io, runs, runid, hid, i, Lp) ? z + k++ * (size_t)V : NULL;
            const int S = most;
            size_t nhid = 0;
            for (size_t i = 0; i < BL; i++) nhid += hid[i];
            const int stream = !m->n_ens && !io->cap && nhid * (size_t)V > INFILL_ROWS_MAX;
            for (int s = 0; s < S && rc == 0; s++) {
                net_forward(m, &pl);
                if (stream) {
                    size_t bad = 0;
                    if (stream_step(m, &pl, &hbk, &keep, hid, lrow, runs, runid, io, rngs, srow, s, nb, zrow, zk, conf,
                                    pick, &bad) != 0) {
                        const size_t w = list[s0 + bad / (size_t)Lp];
                        rc = output_not_finite("", w, cs[w] + bad % (size_t)Lp);
                        break;
                    }
                } else {
                    head_hidden(m, &pl, &hbk, hid, lrow);
                    if (m->n_ens) ens_infill_forward(m, &pl, lrow, &ec, y, n, L, wrow, cs, nb, hid);
                    for (int b = 0; b < nb && rc == 0; b++)
                        for (int l = 0; l < Lp; l++)
                            if (hid[(size_t)b * Lp + l] && row_nonfinite(lrow[(size_t)b * Lp + l], V)) {
                                const size_t w = list[s0 + (size_t)b];
                                rc = output_not_finite("", w, cs[w] + (size_t)l);
                                break;
                            }
                    if (rc != 0) break;
                    for (int b = 0; io->cap && s == 0 && b < nb; b++) {
                        size_t w = list[s0 + (size_t)b], j = 0;
                        for (int l = 0; l < Lp && j < io->cap_k; l++)
                            if (hid[(size_t)b * Lp + l])
                                io->cap(io->cap_ud, w, j++, lrow[(size_t)b * Lp + l]);
                    }
                }
#pragma omp parallel for schedule(dynamic, 1)
                for (int b = 0; b < nb; b++) {
                    uint8_t *hb = hid + (size_t)b * Lp;
                    int rem = 0;
                    for (int l = 0; l < Lp; l++) rem += hb[l];
                    if (!rem) continue;
                    const int left = srow[b] - s;   /* this row's evaluations left, this one too */
                    const int reveal = reveals_of(rem, left);
                    const size_t o = (size_t)b * Lp;
                    if (stream)   /* its rows scored already */
                        reveal_scored(m, lrow + o, pl.ids + o, hb, Lp, runs + o, runid + o, reveal, io, &rngs[b],
                                      zrow + o, zs + (size_t)b * V, zk + o, conf + (size_t)b * (Lp + V), pick + o);
                    else
                        reveal_step(m, lrow + o, pl.ids + o, hb, Lp, runs + o, runid + o, reveal, io, &rngs[b],
                                    zrow + o, zs + (size_t)b * V, zk + o, conf + (size_t)b * (Lp + V), pick + o);
                }
                if (prog) ts_progress_update(prog, *done + (long)nb * (s + 1) / S, NULL);
            }
            for (int b = 0; b < nb; b++) {
                size_t w = list[s0 + (size_t)b];
                for (int l = 0; l < Lp; l++)
                    if (hid0[w * L + cs[w] + l]) y[w * L + cs[w] + l] = pl.ids[(size_t)b * Lp + l];
                for (int r = 0; r < nruns[b]; r++) run_free(&runs[(size_t)b * Lp + r]);
            }
            if (rc != 0) break;
            *done += nb;
            if (prog) ts_progress_update(prog, *done, NULL);   /* also a batch filled before the network */
        }
        free(hid); free(runid); free(nruns); free(runs); free(z); free(conf); free(pick); free(rngs); free(wrow);
        free(srow);
        free(zs);
        free(zk);
        free(zrow);
        free(lrow);
        head_blocks_free(&hbk);
        row_keep_free(&keep);
        plan_free(&pl);
        ens_group_free(m, &ec);
    }
    ens_crops_free(m, &ec);
    free(cs); free(cl); free(list);
    if (*done != done0 + (long)n) {   /* windows with nothing hidden */
        *done = done0 + (long)n;
        if (prog && rc == 0) ts_progress_update(prog, *done, NULL);
    }
    return rc;
}

