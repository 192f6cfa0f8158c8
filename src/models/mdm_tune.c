/* The "mdm" model's choices on validation windows after training (the model: mdm.c): the
 * prior's weights, the window's own fillers, the decoding per blackout size and sides, and
 * the chain likelihood's mixture (mdm_chain.c). */
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
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- choosing the prior's weights on validation windows ----
 *
 * For each blackout-size bucket (k = its key, at most half the window), TUNE
 * windows per position (centre and end) spread evenly over the validation
 * windows get their blackout; the network's logits at the hidden events are
 * computed ONCE (one evaluation with the whole gap hidden), and every weight
 * setting is scored by replaying the fill on those cached logits as imputation
 * with --steps 1 makes it (every hidden event the argmax of the product of the
 * network and the n-gram's shares; no second network evaluation, so the replay
 * is exact for that decoding; more steps let the network see its own fills,
 * which the replay does not score). A window's replay reads only the cells its
 * positions fall in, so a cell's trial replays only the windows that visited it.
 * First the best single weight of the grid (the constant, also kept per size as
 * `prior_weights`), then a pass of coordinate ascent over the gate's cells of
 * that size (gate_pass), then the copy cells, then a second pass. A change must
 * fill at least 1 in 2,000 more hidden events (and one), or lose none and raise
 * the likelihood of the true events. Repeated windows are decoded once and counted at
 * each of their places (tune_set). */
static const double tune_grid[] = {0, 0.25, 0.5, 1, 2, 4, 8, 16, 32};
#define NGRID (int)(sizeof tune_grid / sizeof tune_grid[0])
#define NCELL (NOB * NAB)

/* the chain likelihood's windows for n windows per position of the weights and the
 * decoding, of the `have` windows there are: CHAIN_TUNE_WINDOWS for the default 500 or all of
 * them, in proportion below, so that a model trained with --valid-windows N (or a
 * budget that chose N, or left all the windows its records name) and tune-prior
 * --valid-windows N make the same choices */
size_t chain_windows(size_t n, size_t have)
{
    const size_t c = n >= TUNE_WINDOWS || n >= have ? CHAIN_TUNE_WINDOWS : n * CHAIN_TUNE_WINDOWS / TUNE_WINDOWS;
    return c < CHAIN_WINDOWS_MIN ? CHAIN_WINDOWS_MIN : c;
}

int tune_every_window = 0;

static uint64_t window_hash(const int32_t *x, const uint8_t *hid, size_t L)
{
    uint64_t z = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < L; i++) {
        z = (z ^ (uint32_t)x[i]) * 0x100000001b3ull;
        if (hid) z = (z ^ hid[i]) * 0x100000001b3ull;
    }
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    return z ^ (z >> 31);
}

size_t window_reps(const int32_t *x, const uint8_t *hid, size_t n, size_t L, size_t *rep, size_t *first)
{
    if (tune_every_window) {
        for (size_t i = 0; i < n; i++) {
            rep[i] = i;
            if (first) first[i] = i;
        }
        return n;
    }
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    size_t *slot = ts_malloc(cap * sizeof *slot), nd = 0;   /* a distinct window's first, SIZE_MAX: free */
    for (size_t i = 0; i < cap; i++) slot[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)window_hash(x + i * L, hid ? hid + i * L : NULL, L) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            const size_t f = slot[h];
            if (f == SIZE_MAX) {
                slot[h] = i;
                if (first) first[nd] = i;
                rep[i] = nd++;
                break;
            }
            if (!memcmp(x + f * L, x + i * L, L * sizeof *x) && (!hid || !memcmp(hid + f * L, hid + i * L, L))) {
                rep[i] = rep[f];
                break;
            }
        }
    }
    free(slot);
    return nd;
}

/* The validation windows repeat where the validation part has fewer windows at distinct
 * starts than are asked for (a short trace: 500 drawn from its 56), and a periodic trace
 * repeats its windows at distinct starts. What a window adds to the choices reads only
 * its events and its blackout, so each distinct one (the same events, the same blackout)
 * is decoded and replayed once, and the sums over the windows read it at each of its
 * places, in the windows' order, as when each place was decoded on its own. (An S4
 * network's logits for a repeat could differ from its first place's in the last bits
 * then, its products over the batch rounding a row by its place there; every place now
 * reads the first's. A transformer's rows are the same bits in any batch.) */
typedef struct {
    const mdm_model *m;
    int k, kb, V;
    size_t nw, nd;            /* windows, distinct ones */
    size_t *rep;              /* (nw) each window's distinct one */
    const int32_t *truth;     /* (nd, k) */
    run_t *runs;              /* (nd) each window's one run, a = 0 (its fillers freed once scored) */
    const int32_t *S;         /* the prior's stream, where the fillers start */
    /* A replay scores every hidden event from the network's first logits there and the
     * n-gram's shares at the weight of the event's cell, one of tune_grid: each
     * (distinct window, event, weight) is scored once, as the logits come (tune_cap),
     * and a replay adds up those scores. The logits themselves are not kept: nd k V
     * floats were gigabytes under a vocabulary of tens of thousands of events. */
    uint8_t *ac;              /* (nd, k) each event's agreement class */
    uint8_t *hit;             /* (nd, k, NGRID) the event filled right at each weight */
    double *ll;               /* (nd, k, NGRID) its log-probability of the true event */
    float *cnt, *z;           /* (V) the event's filler counts and scores */
    const int32_t *y;         /* (nd, L) the distinct windows and their blackouts, while they are scored */
    const uint8_t *hid;
    size_t L;
    int *whits;               /* (nd, NWIN) hits of the window's own filler at each win_grid
                                 value (window_copy), -1: none */
} tune_set;

/* in-window context minimums tried (0, off, is the default) */
static const int win_grid[] = {2, 3, 4, 6, 8};
#define NWIN (int)(sizeof win_grid / sizeof win_grid[0])
#define WIN_DEFAULT 3         /* where the validation windows cannot tell (one of win_grid) */

/* distinct window w's true events, its run with the n-gram's fillers and the hits of its
 * own fillers (whits), found as its first event is scored */
static void tune_window(tune_set *t, size_t w)
{
    const size_t L = t->L, k = (size_t)t->k;
    const int32_t *y = t->y + w * L;
    const uint8_t *hid = t->hid + w * L;
    int32_t *truth = (int32_t *)t->truth + w * k;
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.weight = 1;
    io.want_mode = 1;
    int runid[4096];
    size_t a = 0;
    while (!hid[a]) a++;
    memcpy(truth, y + a, k * sizeof *truth);
    run_t *r = &t->runs[w];
    find_runs(t->m, y, hid, L, a, (int)k, r, runid, &io);
    free(r->cnt);   /* counted per event as it is scored */
    free(r->alive);
    r->cnt = NULL, r->alive = NULL;
    for (int g = 0; g < NWIN; g++) {
        size_t src;
        int *wh = &t->whits[w * NWIN + (size_t)g];
        *wh = -1;
        if (!window_copy(t->m, y, hid, L, a, k, r->matched, win_grid[g], &src)) continue;
        *wh = 0;
        for (size_t o = 0; o < k; o++) *wh += y[src + o] == truth[o];
    }
}

/* distinct window w's j-th hidden event scored from the network's logits lg (V) at every
 * weight of tune_grid, as score_pos scores it under the gate (infill's cap) */
static void tune_cap(void *ud, size_t w, size_t j, const float *lg)
{
    tune_set *t = ud;
    const int V = t->V;
    if (j == 0) tune_window(t, w);
    run_t *r = &t->runs[w];
    const size_t at = w * (size_t)t->k + j;
    const int32_t truth = t->truth[at];
    if (r->nc) {   /* every filler alive: their events at this place, as find_runs counts them */
        memset(t->cnt, 0, (size_t)V * sizeof *t->cnt);
        for (size_t i = 0; i < r->nc; i++) t->cnt[t->S[r->cand[i] + j]] += 1;
        t->ac[at] = (uint8_t)agree_class(t->cnt, V, r->nc);
    }
    for (int g = 0; g < NGRID; g++) {
        uint8_t *hit = &t->hit[at * NGRID + (size_t)g];
        double *ll = &t->ll[at * NGRID + (size_t)g];
        if (g && (!r->nc || tune_grid[g] <= 0)) {   /* no n-gram share: the network's alone */
            *hit = hit[-g], *ll = ll[-g];
            continue;
        }
        int32_t pick;
        /* the sum replay's log-probability took, exp(z - z[pick]) over z (the same terms) */
        const double se = score_row(t->m, lg, r->nc ? t->cnt : NULL, r->nc, tune_grid[g], t->z, &pick);
        *ll = (double)t->z[truth] - (double)t->z[pick] - log(se);
        *hit = pick == truth;
    }
    if (j + 1 == (size_t)t->k) {   /* the window's last event: its fillers are done with */
        free(r->cand);
        r->cand = NULL;
    }
}

/* the place of weight x in tune_grid (every weight a cell of the gate takes here is one) */
static int grid_of(double x)
{
    for (int g = 0; g < NGRID; g++)
        if (tune_grid[g] == x) return g;
    return 0;
}

/* replays distinct window w with gate (MDM_GATE_N) as imputation with --steps 1 fills it
 * (one network evaluation, then every hidden event the argmax of its product):
 * its hits; *visited gets the cells (bits), *ll the log-probability of the true
 * events */
static int replay(tune_set *t, size_t w, const double *gate, unsigned *visited, double *ll)
{
    const int k = t->k;
    const run_t *r = &t->runs[w];
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.gate = gate;
    /* the cells of the bucket being chosen: on windows shorter than twice its key, k
     * (half the window) falls in a smaller bucket, whose cells a run of the key's size
     * would not read */
    const int prior = run_weight(&io, t->kb) > 0 && r->nc > 0;
    *visited = 0;
    *ll = 0;
    int hits = 0;
    for (int l = 0; l < k; l++) {
        const size_t at = w * (size_t)k + (size_t)l;
        int g = 0;
        if (prior) {
            *visited |= 1u << gate_cell(0, r->ob, t->ac[at]);
            g = grid_of(gate[gate_cell(t->kb, r->ob, t->ac[at])]);
        }
        *ll += t->ll[at * NGRID + (size_t)g];
        hits += t->hit[at * NGRID + (size_t)g];
    }
    return hits;
}

/* the 2 n windows the choices are made on: n of v spread evenly over it, first with a
 * centre blackout of k (y, hid: n L each, hid 1 = hidden), then the same with an end one */
void tune_windows(const ts_windows *v, size_t n, size_t k, int32_t *y, uint8_t *hid)
{
    const size_t L = v->len;
    for (int p = 0; p < 2; p++) {
        ts_mask_fill(hid + (size_t)p * n * L, n, L, k, p ? TS_MASK_END : TS_MASK_CENTER, 1);
        for (size_t i = 0; i < n; i++) {
            size_t src = n > 1 ? i * (v->n - 1) / (n - 1) : 0;
            memcpy(y + ((size_t)p * n + i) * L, v->data + src * L, L * sizeof *y);
        }
    }
    for (size_t i = 0; i < 2 * n * L; i++) hid[i] = !hid[i];
}

/* the validation set of size bucket kb: windows, their fillers and each hidden event's
 * scores (of the distinct windows) */
static int tune_set_make(mdm_model *m, const ts_windows *v, size_t nwin, int kb, uint64_t seed, int progress,
                         tune_set *t)
{
    const size_t L = v->len, n = v->n < nwin ? v->n : nwin, k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
    const int V = m->c.V;
    memset(t, 0, sizeof *t);
    t->m = m, t->k = (int)k, t->kb = kb, t->V = V, t->nw = 2 * n;
    if (!k || !n) return 0;
    const size_t nw = t->nw;
    int32_t *y = ts_malloc(nw * L * sizeof *y);
    uint8_t *hid = ts_malloc(nw * L);
    tune_windows(v, n, k, y, hid);
    t->rep = ts_malloc(nw * sizeof *t->rep);
    size_t *first = ts_malloc(nw * sizeof *first);
    const size_t nd = t->nd = window_reps(y, hid, nw, L, t->rep, first);
    for (size_t d = 0; d < nd; d++) {   /* the distinct ones to the front, in order (first[d] >= d) */
        memmove(y + d * L, y + first[d] * L, L * sizeof *y);
        memmove(hid + d * L, hid + first[d] * L, L);
    }
    free(first);
    t->truth = ts_malloc(nd * k * sizeof *t->truth);
    t->runs = ts_calloc(nd, sizeof *t->runs);
    size_t Ns;
    t->S = ts_ngram_stream(m->prior, &Ns, NULL);
    t->whits = ts_malloc(nd * NWIN * sizeof *t->whits);
    t->ac = ts_calloc(nd * k, 1);
    t->hit = ts_malloc(nd * k * NGRID);
    t->ll = ts_malloc(nd * k * NGRID * sizeof *t->ll);
    t->cnt = ts_malloc((size_t)V * sizeof *t->cnt);
    t->z = ts_malloc((size_t)V * sizeof *t->z);
    int32_t *yy = ts_malloc(nd * L * sizeof *yy);
    memcpy(yy, y, nd * L * sizeof *y);
    t->y = y, t->hid = hid, t->L = L;
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.steps = 1, io.seed = seed, io.batch = 64, io.cap = tune_cap, io.cap_ud = t, io.cap_k = k;
    ts_progress prog;   /* windows */
    ts_progress_start(&prog, "tune-prior", (long)nd);
    prog.enabled = progress;
    long done = 0;
    int rc = infill(m, yy, hid, nd, L, &io, &prog, &done);
    ts_progress_end(&prog);
    free(yy);
    free(y); free(hid);
    t->y = NULL, t->hid = NULL;
    return rc;
}

static void tune_set_free(tune_set *t)
{
    for (size_t w = 0; t->runs && w < t->nd; w++) run_free(&t->runs[w]);
    free(t->runs); free(t->rep); free((void *)t->truth); free(t->ac); free(t->hit); free(t->ll);
    free(t->cnt); free(t->z); free(t->whits);
    memset(t, 0, sizeof *t);
}

/* one pass of coordinate ascent over the cells of row (NCELL weights of gate), most
 * visited first, on the windows not skipped; hits / ll / vis: each distinct window's
 * hits, log-likelihood and visited cells under the current row, updated (th, tl, tvis:
 * scratch, nd each). A cell moves to the weight that fills the most events when that
 * gains at least `gain` of them; else, when no weight gains that many, to the one of
 * the highest likelihood of the true events among those that lose none (where the
 * accuracy cannot tell, the better-calibrated weight: the largest that the n-gram's
 * evidence never contradicted on these windows). */
static void gate_pass(tune_set *t, double *gate, double *row, int *hits, double *ll, unsigned *vis, int *th,
                      double *tl, unsigned *tvis, const uint8_t *skip, long gain)
{
    long cvis[NCELL] = {0};
    for (size_t w = 0; w < t->nw; w++)
        for (int c = 0; c < NCELL && !skip[t->rep[w]]; c++) cvis[c] += (vis[t->rep[w]] >> c) & 1;
    int order[NCELL];
    for (int c = 0; c < NCELL; c++) order[c] = c;
    for (int i = 1; i < NCELL; i++)
        for (int j = i; j > 0 && cvis[order[j]] > cvis[order[j - 1]]; j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    for (int oi = 0; oi < NCELL; oi++) {
        int c = order[oi];
        if (!cvis[c]) continue;
        double keep = row[c];
        long ad = 0;          /* the best gain of at least `gain` events (ga), ties by likelihood */
        double adl = 0, bdl = 0;
        int ga = -1, gb = -1; /* gb: the best likelihood among those losing none */
        for (int g = 0; g < NGRID; g++) {
            if (tune_grid[g] == keep) continue;
            row[c] = tune_grid[g];
            for (size_t e = 0; e < t->nd; e++)
                if (!skip[e] && ((vis[e] >> c) & 1)) th[e] = replay(t, e, gate, &tvis[e], &tl[e]);
            long d = 0;
            double dl = 0;
            for (size_t w = 0; w < t->nw; w++) {
                const size_t e = t->rep[w];
                if (!skip[e] && ((vis[e] >> c) & 1)) d += th[e] - hits[e], dl += tl[e] - ll[e];
            }
            if (d >= gain && (ga < 0 || d > ad || (d == ad && dl > adl))) ga = g, ad = d, adl = dl;
            if (d >= 0 && dl > bdl) gb = g, bdl = dl;
        }
        row[c] = keep;
        int pick = ga >= 0 ? ga : gb;
        if (pick < 0) continue;
        row[c] = tune_grid[pick];
        for (size_t e = 0; e < t->nd; e++)
            if (!skip[e] && ((vis[e] >> c) & 1)) hits[e] = replay(t, e, gate, &vis[e], &ll[e]);
    }
}

/* The bar's parts in network evaluations of a window's crop, so that its time left
 * follows the work: a size's validation decoding (one evaluation per window, then the
 * replays of the weights' choice, about as much again), its one-evaluation decoding, its
 * one per hidden event (k per window: at most, as windows the n-gram fills take none),
 * and the chain likelihood (a crop of the training context per event of its windows).
 * The parts were equal before: the one-per-event decodings of k = 20 and 40 took most of
 * the time in two parts of 21, and the time left read a fifth of what it was. */
typedef struct {
    long set[NKW], one[NKW], per_event[NKW], chain;
} tune_units;

static long units_of(double evals) { return evals > 1 ? (long)evals : 1; }

static void tune_units_of(const mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, unsigned leave,
                          tune_units *u)
{
    const size_t L = v->len, n = v->n < nwin ? v->n : nwin;
    /* the windows decoded: the distinct ones (tune_set), a position's blackout the same in all */
    int32_t *y = ts_malloc((n ? n : 1) * L * sizeof *y);
    size_t *rep = ts_malloc((n ? n : 1) * sizeof *rep);
    for (size_t i = 0; i < n; i++)
        memcpy(y + i * L, v->data + (n > 1 ? i * (v->n - 1) / (n - 1) : 0) * L, L * sizeof *y);
    const size_t nw = 2 * window_reps(y, NULL, n, L, rep, NULL);
    free(y);
    free(rep);
    infill_opts io;   /* the decodings' own: no --context */
    memset(&io, 0, sizeof io);
    const size_t crop = infill_ctx(m, &io);
    const double li = (double)(crop < L ? crop : L), lc = (double)((size_t)m->c.ctx < L ? (size_t)m->c.ctx : L);
    for (int kb = 0; kb < NKW; kb++) {
        const size_t k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
        u->set[kb] = units_of(k && n ? 2.0 * (double)nw : 0);
        const int dec = !(leave & TS_TRAIN_LEAVE_DECODING);
        u->one[kb] = dec ? units_of(k >= 2 && n ? (double)nw : 0) : 0;
        u->per_event[kb] = dec ? units_of(k >= 2 && n ? (double)nw * (double)k : 0) : 0;
    }
    u->chain = 0;
    if (leave & TS_TRAIN_LEAVE_LIKELIHOOD) return;
    const size_t nc = v->n < nchain ? v->n : nchain;   /* tune_chain's, the distinct ones of them */
    rep = ts_malloc((nc ? nc : 1) * sizeof *rep);
    const size_t ncd = window_reps(v->data, NULL, nc, L, rep, NULL);
    free(rep);
    u->chain = units_of(li > 0 ? (double)ncd * (double)L * lc / li : 0);
}

static long tune_units_total(const tune_units *u)
{
    long t = u->chain;
    for (int kb = 0; kb < NKW; kb++) t += u->set[kb] + u->one[kb] + u->per_event[kb];
    return t;
}

/* the decoding per blackout position and size, chosen after the weights: the whole
 * blackout from one network evaluation (what the weights are chosen for) or one
 * hidden event per evaluation, each later one reading the events revealed before it.
 * Neither wins everywhere: one evaluation fills strace workloads and many-threads
 * best (88.42 against 87.84 at k = 10), one per event the loops of the PTS datasets,
 * whose entries and exits come in pairs that an evaluation filling both halves from
 * the same context splits (k = 40 perfect rate 99.04 against 96.69 on their
 * validation windows); and a blackout with one side seen (end) may want the other
 * decoding than one with both (compress-gzip, k = 40: one per event at the centre,
 * 99.43 against 99.32; one evaluation at the end, 94.42 against 94.00). Each is run
 * as impute runs it, with the weights just chosen, on nwin validation windows per
 * position (centre: both sides; end: one side); one per event where it fills at
 * least 1 in 2,000 more of that position's hidden events (and one), as the weights'
 * choice asks. */
/* the hidden events impute's two decodings fill right, hits[g][p] (g 0: the whole
 * blackout from one network evaluation, 1: one event per evaluation; p 0: centre, 1: end),
 * on n windows of v per position with a blackout of k (2 or more), m's weights as chosen,
 * at the positions of pos (bit p; the others' hits 0); part (NULL: no span) the progress
 * span's units of each decoding */
static int decoding_hits(mdm_model *m, const ts_windows *v, size_t n, size_t k, unsigned pos, uint64_t seed,
                         int progress, const long part[2], long hits[2][2])
{
    static const int per_grid[] = {0, 1};   /* events per evaluation (0: all in one) */
    const size_t L = v->len;
    double per_all[2 * NKW];
    infill_opts io;
    memset(&io, 0, sizeof io);
    io.weight = m->prior_weight, io.kw = m->kw, io.gate = m->gate, io.copy = m->copy, io.win = m->win;
    io.seed = seed, io.batch = 64, io.per = per_all;
    int32_t *y = ts_malloc(2 * n * L * sizeof *y);
    uint8_t *hid = ts_malloc(2 * n * L);
    tune_windows(v, n, k, y, hid);   /* [0, n): centre; [n, 2n): end */
    /* at k = L / 2 of an even L the centre's blackout (from L / 2) reaches the end: the
     * centre's decoding would be chosen on blackouts with one side seen. Halfway, both are */
    if (L / 2 + k >= L) {
        memset(hid, 0, n * L);
        for (size_t i = 0; i < n; i++) memset(hid + i * L + (L - k) / 2, 1, k);
    }
    /* the positions measured: both, or the one asked for (its n windows to the front) */
    const size_t p0 = (pos & 1) ? 0 : 1, nw = (pos & 3) == 3 ? 2 * n : n;
    if (p0) {
        memmove(y, y + n * L, n * L * sizeof *y);
        memmove(hid, hid + n * L, n * L);
    }
    int32_t *yy = ts_malloc(nw * L * sizeof *yy);
    /* each distinct window (events and blackout) imputed once (as in tune_set), its
     * hits counted at each of its places */
    size_t *rep = ts_malloc(nw * sizeof *rep), *first = ts_malloc(nw * sizeof *first);
    const size_t nd = window_reps(y, hid, nw, L, rep, first);
    int32_t *yd = ts_malloc(nd * L * sizeof *yd);
    uint8_t *hd = ts_malloc(nd * L);
    for (size_t d = 0; d < nd; d++) {
        memcpy(yd + d * L, y + first[d] * L, L * sizeof *y);
        memcpy(hd + d * L, hid + first[d] * L, L);
    }
    free(first);
    memset(hits, 0, 2 * sizeof *hits);
    const int G = (int)(sizeof per_grid / sizeof per_grid[0]);
    int rc = 0;
    for (int g = 0; g < G && rc == 0; g++) {
        if (part) ts_progress_span_part(part[g]);   /* a part per decoding, which its bar fills */
        for (int i = 0; i < 2 * NKW; i++) per_all[i] = per_grid[g];   /* whichever bucket k falls in */
        memcpy(yy, yd, nd * L * sizeof *y);
        ts_progress prog;   /* windows */
        ts_progress_start(&prog, "tune-prior", (long)nd);
        prog.enabled = progress;
        long done = 0;
        rc = infill(m, yy, hd, nd, L, &io, &prog, &done);
        ts_progress_end(&prog);
        for (size_t i = 0; i < nw * L && rc == 0; i++)
            hits[g][p0 + (i >= n * L)] += hid[i] && yy[rep[i / L] * L + i % L] == y[i];
    }
    free(y); free(yy); free(hid); free(yd); free(hd); free(rep);
    return rc;
}

/* one per event where it fills at least 1 in 2,000 more of a position's `hidden` events
 * (and one) */
static int per_event_wins(const long hits[2][2], int p, size_t hidden)
{
    const long gain = hidden / 2000 > 1 ? (long)(hidden / 2000) : 1;
    return hits[1][p] - hits[0][p] >= gain;
}

static int tune_steps(mdm_model *m, const ts_windows *v, size_t nwin, uint64_t seed, const char *log,
                      ts_mdm_tune_row *rows, int progress, const tune_units *u)
{
    static const char *const pos_name[2] = {"center", "end"};
    const size_t L = v->len, n = v->n < nwin ? v->n : nwin;
    /* a size not measured (one hidden event, or no windows) keeps the old default, one
     * event per evaluation: blackouts of 2 to 4 events fall in the bucket of 1 */
    double per[2 * NKW];
    for (int i = 0; i < 2 * NKW; i++) per[i] = 1;
    for (int kb = 0; kb < NKW; kb++) {
        const size_t k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
        if (rows)
            for (int p = 0; p < 2; p++) rows[kb].per_step[p] = 1;
        if (rows) rows[kb].decoding_windows = 0;
        if (k < 2 || !n) {   /* one hidden event: the decodings are one */
            ts_progress_span_part(u->one[kb] + u->per_event[kb]);
            continue;
        }
        long hits[2][2];
        const long part[2] = {u->one[kb], u->per_event[kb]};
        if (decoding_hits(m, v, n, k, 3, seed, progress, part, hits) != 0) return -1;
        const size_t hidden = n * k;
        for (int p = 0; p < 2; p++) {
            per[p * NKW + kb] = per_event_wins(hits, p, hidden);
            ts_train_log(log, "\"event\":\"decoding\",\"k\":%zu,\"position\":\"%s\",\"windows\":%zu,"
                         "\"one_step_accuracy\":%.4f,\"one_per_event_accuracy\":%.4f,\"events_per_step\":%g,"
                         "\"elapsed_s\":%.1f", k, pos_name[p], n, 100.0 * hits[0][p] / hidden,
                         100.0 * hits[1][p] / hidden, per[p * NKW + kb], ts_train_log_elapsed());
            if (rows) {
                rows[kb].per_step[p] = (int)per[p * NKW + kb];
                rows[kb].one_step_acc[p] = 100.0 * hits[0][p] / hidden;
                rows[kb].per_event_acc[p] = 100.0 * hits[1][p] / hidden;
                rows[kb].decoding_windows = n;
            }
        }
    }
    memcpy(m->steps, per, sizeof per);
    m->has_steps = 1;
    return 0;
}

int ts_mdm_choose_decoding(ts_model *base, const ts_windows *valid, const ts_mdm_blackout *need, size_t nneed,
                           uint64_t seed, int progress)
{
    if (!base || !valid || (nneed && !need)) return ts_fail_null(__func__, !base ? "m" : !valid ? "valid" : "need");
    if (base->ops != &ts_model_mdm) return 0;
    mdm_model *m = (mdm_model *)base;
    if (!m->prior || m->has_steps) return 0;   /* nothing chosen after training, or chosen */
    /* the cells asked for: (sides, size bucket) */
    uint8_t want[2 * NKW] = {0};
    for (size_t i = 0; i < nneed; i++)
        if (need[i].k) want[(need[i].one_side ? NKW : 0) + k_bucket(need[i].k > INT_MAX ? INT_MAX : (int)need[i].k)] = 1;
    /* as tune_steps: a cell not measured (not asked for, one hidden event, no windows)
     * fills one event per evaluation */
    double per[2 * NKW];
    for (int i = 0; i < 2 * NKW; i++) per[i] = 1;
    const size_t L = valid->len, n = valid->n < m->dec_windows ? valid->n : m->dec_windows;
    for (int kb = 0; kb < NKW && L >= 2; kb++) {
        const size_t k = (size_t)kw_keys[kb] < L / 2 ? (size_t)kw_keys[kb] : L / 2;
        const unsigned pos = (unsigned)want[kb] | (unsigned)want[NKW + kb] << 1;
        if (k < 2 || !n || !pos) continue;
        long hits[2][2];
        if (decoding_hits(m, valid, n, k, pos, seed, progress, NULL, hits) != 0) return -1;
        for (int p = 0; p < 2; p++)
            if (pos >> p & 1) per[p * NKW + kb] = per_event_wins(hits, p, n * k);
    }
    memcpy(m->steps, per, sizeof per);
    m->has_steps = 1;
    return 0;
}

/* chooses m->kw, m->gate and m->copy (has_kw, has_gate, has_copy) on nwin validation
 * windows per position of v; rows (may be NULL) gets each size's replayed
 * accuracies. For each size: the best constant weight; a pass over the gate's
 * cells; then each run-evidence cell takes the n-gram's filler outright where that
 * fills more validation events (by the gain); then a second pass over the gate's
 * cells on the runs left to it. 0 / -1 */

/* the last choice's seconds on this thread: the weights, the decoding, the chain's mixture */
static _Thread_local double tune_phase_s[3];

static int tune_prior_run(mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, uint64_t seed,
                          const char *log, ts_mdm_tune_row *rows, int progress, unsigned leave, const tune_units *u)
{
    const double t_start = ts_now();
    memset(tune_phase_s, 0, sizeof tune_phase_s);
    if (!m->prior) return ts_fail("mdm: this model was trained without the n-gram prior (--prior 0): no weights to choose");
    if (!v->n || v->len < 2) return ts_fail("mdm: no validation windows to choose the prior's weights on");
    double gate[MDM_GATE_N], copy[MDM_GATE_N], win[NKW] = {0};
    for (int i = 0; i < MDM_GATE_N; i++) gate[i] = m->prior_weight, copy[i] = 0;
    size_t Ns;
    const int32_t *S = ts_ngram_stream(m->prior, &Ns, NULL);
    for (int kb = 0; kb < NKW; kb++) {
        tune_set t;
        ts_progress_span_part(u->set[kb]);
        if (tune_set_make(m, v, nwin, kb, seed, progress, &t) != 0) { tune_set_free(&t); return -1; }
        if (!t.k || !t.nw) { tune_set_free(&t); continue; }
        const size_t nw = t.nw, nd = t.nd, hidden = nw * (size_t)t.k, *rep = t.rep;
        const long gain = hidden / 2000 > 1 ? (long)(hidden / 2000) : 1;
        double *row = gate + gate_cell(kb, 0, 0), *crow = copy + gate_cell(kb, 0, 0);
        /* per distinct window; a sum over the windows reads each at its places (tune_set) */
        int *hits = ts_malloc(nd * sizeof *hits), *mhits = ts_calloc(nd, sizeof *mhits);
        int *th = ts_malloc(nd * sizeof *th);
        double *ll = ts_malloc(nd * sizeof *ll), *tl = ts_malloc(nd * sizeof *tl);
        unsigned *vis = ts_malloc(nd * sizeof *vis), *tvis = ts_malloc(nd * sizeof *tvis);
        uint8_t *skip = ts_calloc(nd, 1);
        int *rc = ts_malloc(nd * sizeof *rc);   /* each window's run-evidence cell, -1: no filler */
        for (size_t e = 0; e < nd; e++) {
            const run_t *r = &t.runs[e];
            rc[e] = r->nall ? r->ob * NAB + share_class(r->mode_n, r->nall) : -1;
            for (int o = 0; o < t.k && r->nall; o++) mhits[e] += S[r->mode + o] == t.truth[e * t.k + o];
        }
        /* the best constant */
        long best = -1, pure = 0, ngram = 0;
        int bg = 0;
        for (size_t w = 0; w < nw; w++) ngram += mhits[rep[w]];
        for (int g = 0; g < NGRID; g++) {
            for (int c = 0; c < NCELL; c++) row[c] = tune_grid[g];
            for (size_t e = 0; e < nd; e++) th[e] = replay(&t, e, gate, &tvis[e], &ll[e]);
            long h = 0;
            for (size_t w = 0; w < nw; w++) h += th[rep[w]];
            if (g == 0) pure = h;
            if (h > best) best = h, bg = g;
        }
        for (int c = 0; c < NCELL; c++) row[c] = tune_grid[bg];
        m->kw[kb] = tune_grid[bg];
        for (size_t e = 0; e < nd; e++) hits[e] = replay(&t, e, gate, &vis[e], &ll[e]);
        gate_pass(&t, gate, row, hits, ll, vis, th, tl, tvis, skip, gain);
        /* the n-gram's filler outright, per run-evidence cell */
        for (int c = 0; c < NCELL; c++) {
            long d = 0;
            for (size_t w = 0; w < nw; w++) if (rc[rep[w]] == c) d += mhits[rep[w]] - hits[rep[w]];
            if (d < gain) continue;
            crow[c] = 1;
            for (size_t e = 0; e < nd; e++) if (rc[e] == c) skip[e] = 1;
        }
        gate_pass(&t, gate, row, hits, ll, vis, th, tl, tvis, skip, gain);
        long cur = 0;
        for (size_t w = 0; w < nw; w++) cur += skip[rep[w]] ? mhits[rep[w]] : hits[rep[w]];
        /* the window's own filler where it matches longer than the stream: the
         * smallest context that fills the most events, if it gains enough; else
         * WIN_DEFAULT unless it loses events. The validation part follows the
         * training part, whose stream then matches at full length and leaves
         * the window's fillers unused; they matter where the held-out part runs
         * loops the training part did not (many-threads' test part: +1 to +3
         * points at k = 10), so they stay on unless these windows say they cost. */
        long wbest = cur, hdef = -1;
        win[kb] = 0;
        for (int g = 0; g < NWIN && win_grid[g] <= m->prior_order; g++) {
            long h = 0;
            for (size_t w = 0; w < nw; w++) {
                const size_t e = rep[w];
                int wh = t.whits[e * NWIN + (size_t)g];
                h += wh >= 0 ? wh : skip[e] ? mhits[e] : hits[e];
            }
            if (win_grid[g] == WIN_DEFAULT) hdef = h;
            if (h - cur >= gain && h > wbest) wbest = h, win[kb] = win_grid[g];
        }
        if (!win[kb] && hdef >= cur) wbest = hdef, win[kb] = WIN_DEFAULT;
        char wtxt[NCELL * 12] = "", ctxt[NCELL * 3] = "";
        for (int c = 0; c < NCELL; c++) {
            snprintf(wtxt + strlen(wtxt), sizeof wtxt - strlen(wtxt), "%s%g", c ? "," : "", row[c]);
            snprintf(ctxt + strlen(ctxt), sizeof ctxt - strlen(ctxt), "%s%d", c ? "," : "", (int)crow[c]);
        }
        ts_train_log(log, "\"event\":\"prior_gate\",\"k\":%d,\"windows\":%zu,\"pure_accuracy\":%.4f,"
                     "\"ngram_accuracy\":%.4f,\"constant\":%g,\"constant_accuracy\":%.4f,\"gated_accuracy\":%.4f,"
                     "\"weights\":[%s],\"copy\":[%s],\"in_window\":%g,\"in_window_accuracy\":%.4f,"
                     "\"elapsed_s\":%.1f", t.k, nw, 100.0 * pure / hidden, 100.0 * ngram / hidden, tune_grid[bg],
                     100.0 * best / hidden, 100.0 * cur / hidden, wtxt, ctxt, win[kb], 100.0 * wbest / hidden,
                     ts_train_log_elapsed());
        if (rows) rows[kb] = (ts_mdm_tune_row){t.k, tune_grid[bg], 100.0 * pure / hidden, 100.0 * ngram / hidden,
                                               100.0 * best / hidden, 100.0 * cur / hidden, (int)win[kb],
                                               100.0 * wbest / hidden, {0, 0}, {0, 0}, {0, 0}, 0};
        free(hits); free(mhits); free(th); free(ll); free(tl); free(vis); free(tvis); free(skip); free(rc);
        tune_set_free(&t);
    }
    memcpy(m->gate, gate, sizeof gate);
    memcpy(m->copy, copy, sizeof copy);
    memcpy(m->win, win, sizeof win);
    m->prior_weight = m->kw[k_bucket(10)];
    m->has_kw = m->has_gate = m->has_copy = m->has_win = 1;
    tune_phase_s[0] = ts_now() - t_start;
    /* all the windows: on half of them (250 per position) the choice followed noise (pybench,
     * k = 40 centre: one evaluation ahead by 0.06 there, behind by 0.35 on all 500) */
    double t = ts_now();
    /* left to the caller, which chooses it once for several models (ts_mdm_choose_decoding) */
    if (!(leave & TS_TRAIN_LEAVE_DECODING) && tune_steps(m, v, nwin, seed, log, rows, progress, u) != 0) return -1;
    tune_phase_s[1] = ts_now() - t;
    /* the mixture only the chain likelihood reads (a model that imputes alone goes without:
     * its time was as long as the decoding's on fill's windows) */
    if (leave & TS_TRAIN_LEAVE_LIKELIHOOD) return 0;
    ts_progress_span_part(u->chain);
    t = ts_now();
    const int rc = tune_chain(m, v, nchain, log, progress);
    tune_phase_s[2] = ts_now() - t;
    return rc;
}

void ts_mdm_tune_times(double s[3])
{
    memcpy(s, tune_phase_s, sizeof tune_phase_s);
}

/* one bar over the choice, in network evaluations (tune_units): per blackout size its
 * validation decoding, then per size the decoding's choice (one part per decoding
 * imputed), then the chain likelihood's mixture */
int tune_prior(mdm_model *m, const ts_windows *v, size_t nwin, size_t nchain, uint64_t seed, const char *log,
               ts_mdm_tune_row *rows, int progress, unsigned leave)
{
    tune_units u;
    tune_units_of(m, v, nwin, nchain, leave, &u);
    ts_progress_span_begin("tune-prior", tune_units_total(&u), progress);
    const int rc = tune_prior_run(m, v, nwin, nchain, seed, log, rows, progress, leave, &u);
    ts_progress_span_end();
    return rc;
}

