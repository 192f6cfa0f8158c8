/* fill: reconstruct the events an LTTng trace lost, gap by gap, with any model.
 *
 * Pass 1 reads the trace: every event, named by its event class (the stream's own
 * alphabet: syscall_entry_read and syscall_exit_read differ, sched_switch, irq_*...),
 * goes into its stream's ID sequence, and each gap is placed in its stream's sequence
 * with the number of events it lost (the tracer's count covers events of every type).
 * The model (a file, or a model name trained per stream on the stream's own surviving
 * events; a stream too short to train on uses one model over every stream) then fills
 * each gap from the context on both sides: a window [left context][count hidden]
 * [right context], cut into several windows when the model takes a fixed length and
 * the gap is longer (each continuing the one before, the last meeting the right context; a
 * gap with no event before it, from the right context backwards). Each reconstructed event gets a confidence: the model's
 * precision for the event class it predicted, measured on gaps simulated in held-out
 * events of the same stream (the last 5 % of it, not trained on). Pass 2 rewrites the
 * trace with the reconstructions (ctf_rewrite.c). */
#include "tracesynth/gaps.h"
#include "tracesynth/mdm.h"
#include "tracesynth/common.h"
#include "common/idmap.h"
#include "data/data_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- names -> IDs ---- */
typedef struct {
    char   **names;
    int64_t *counts;
    int32_t  n, cap;
    int32_t *slot;          /* hash table of IDs, -1 empty */
    size_t   nslot;
} intern;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int32_t intern_id(intern *t, const char *s)
{
    if (2 * ((size_t)t->n + 1) > t->nslot) {
        size_t ns = t->nslot ? 2 * t->nslot : 1024;
        int32_t *sl = ts_malloc(ns * sizeof *sl);
        for (size_t i = 0; i < ns; i++) sl[i] = -1;
        for (int32_t i = 0; i < t->n; i++) {
            size_t h = hash_str(t->names[i]) & (ns - 1);
            while (sl[h] >= 0) h = (h + 1) & (ns - 1);
            sl[h] = i;
        }
        free(t->slot);
        t->slot = sl;
        t->nslot = ns;
    }
    size_t h = hash_str(s) & (t->nslot - 1);
    while (t->slot[h] >= 0) {
        if (!strcmp(t->names[t->slot[h]], s)) return t->slot[h];
        h = (h + 1) & (t->nslot - 1);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->names = ts_realloc(t->names, (size_t)t->cap * sizeof *t->names);
        t->counts = ts_realloc(t->counts, (size_t)t->cap * sizeof *t->counts);
    }
    t->names[t->n] = ts_strdup(s);
    t->counts[t->n] = 0;
    t->slot[h] = t->n;
    return t->n++;
}

static void intern_free(intern *t)
{
    for (int32_t i = 0; i < t->n; i++) free(t->names[i]);
    free(t->names);
    free(t->counts);
    free(t->slot);
}

/* ---- pass 1 ---- */
typedef struct {
    uint32_t stream;
    uint64_t index, count;
    int32_t *left, *right;  /* context: up to W events before, up to W after (until the next gap) */
    size_t   nl, nr;
    size_t   prev;          /* the stream's gap fewer than W events before, whose right context
                             * this one cut (index + 1; 0 none): left is rebuilt across it */
    int64_t  tid_before;    /* thread on the CPU when the gap began */
    int64_t  tid_after;     /* prev_tid of a sched_switch right after it (text: tid_next); -1 */
    int64_t  tid_next;      /* the thread of the stream's first event after it (a switch's or an
                             * exec's: the one it leaves); -1 none */
    int64_t  tid_last;      /* the thread of the stream's last event before it (as for tid_before);
                             * -1 none */
    int32_t  pending_next;  /* (line_threads) the call tid_next was inside before that event;
                             * -1 none */
    int64_t  arrive_next;   /* (line_threads) tid_next switched out of another CPU then, inside
                             * the gap; 0 no */
    int      has_times;
    int      filled;        /* an earlier fill's events follow it: left as they are */
    int64_t  begin_ns, end_ns;
    int64_t  after_ns;      /* the stream's first event after the gap; 0 none yet */
    int64_t  leave_ns;      /* tid_before switched in on another CPU then, inside the gap; 0 no */
    int64_t  arrive_ns;     /* tid_after switched out of another CPU then, inside the gap; 0 no */
    int32_t  pending_before; /* the call (calls table) tid_before is inside; -1 none */
    int32_t  pending_after; /* the call tid_after was inside when switched out before; -1 none, -2 unknown */
    ts_ev_kind after_kind;  /* the stream's first system call event after the gap, before a switch */
    int32_t  after_call;    /* its call (calls table) */
    /* its reconstruction (count events), held compact until the writer asks for it: */
    int32_t  *ev;           /* event classes (names table); NULL: none */
    uint8_t  *th;           /* (2 count) per event: its thread, then its next_tid, in thr */
    int64_t  *thr;          /* the few threads a gap's events name */
} gap_rec;

typedef struct {
    int32_t *ids;           /* the first max_train events: for training and held-out windows */
    size_t   n, cap;
    uint64_t total;         /* events of the stream */
    int32_t *ring;          /* (W) the last W events */
    size_t   open;          /* a gap collecting its right context: index + 1 */
    size_t  *cuts, ncuts;   /* positions of the gaps among the stored events */
    int32_t  cpu;
    uint64_t gaps;
    size_t   waiting;       /* a gap waits for its first event after: index + 1 */
    size_t   waiting_sc;    /* a gap waits for its first system call event after: index + 1 */
    size_t   last_gap;      /* the stream's latest gap: index + 1 */
    size_t   hook_from;     /* the writer: where its next gap of this stream is looked for */
    ts_model *model;        /* its own, or NULL: the pooled one */
    double  *conf;          /* (n_ids) precision per predicted class; NULL: none measured */
    double   conf_all;      /* over every class */
    int32_t  nconf;         /* classes conf covers */
} sstream;

/* a stream's events trained on: all but the last 5 %, where the confidence is measured */
static size_t trained_part(const sstream *s) { return s->n - s->n / 20; }

typedef struct {
    const ts_fill_opts *o;
    const char *dir;        /* the trace */
    size_t   ctx;           /* the context imputation reads on each side (o->context resolved) */
    size_t   W;             /* context kept on each side of a gap */
    size_t   max_train;     /* events kept per stream for training */
    intern   names;
    sstream *s;
    size_t   ns;
    gap_rec *gaps;
    size_t   ngap, gapcap;
    uint64_t events;
    int64_t  *cpu_tid;
    size_t    ncpu;
    intern    calls;        /* system call names */
    ts__idmap pend;         /* thread -> the call it is inside: */
    int32_t  *pend_call;    /* (pend's indices) -1 none */
    int       old_names;    /* sys_X / exit_syscall naming seen */
    int       exits;        /* a recorded system call exit seen */
    int       switches;     /* a recorded sched_switch seen */
    int       line_threads; /* each event names its thread (ftrace and perf script text), not
                             * the CPU's last switch's (CTF) */
    int32_t   nid_model;    /* names the models know (IDs below); those interned later, by a
                             * reconstruction made consistent, are not in their alphabets */
    ts__idmap out;          /* thread -> its last recorded switch out: */
    int64_t  *out_ns;       /* (out's indices) */
    int32_t  *out_cpu;
    ts__idmap seen;         /* threads a recorded sched_switch names */
    int64_t  *child_tid, *child_ns;   /* returns of recorded clone calls (> 0), in time order */
    uint8_t  *child_used;
    size_t    nchild, childcap;
    ts_recon *hook_rec;     /* the writer's events of one gap, built when it asks */
    size_t    hook_cap;
} fill_state;

/* the index of tid in the switch-out table (out_cpu -1: none yet) */
static size_t out_slot(fill_state *f, int64_t tid)
{
    size_t cap = ts__idmap_cap(&f->out), n = f->out.n, h = ts__idmap_get(&f->out, tid, 1);
    if (ts__idmap_cap(&f->out) != cap) {
        f->out_ns = ts_realloc(f->out_ns, ts__idmap_cap(&f->out) * sizeof *f->out_ns);
        f->out_cpu = ts_realloc(f->out_cpu, ts__idmap_cap(&f->out) * sizeof *f->out_cpu);
    }
    if (h == n) {   /* new */
        f->out_ns[h] = 0;
        f->out_cpu[h] = -1;
    }
    return h;
}

/* adds tid to the set (when add); returns 1 when it was there */
static int seen_add(fill_state *f, int64_t tid, int add)
{
    size_t n = f->seen.n;
    return ts__idmap_get(&f->seen, tid, add) < n;
}

/* the call tid is inside (-1 none), to read or set */
static int32_t *pend_slot(fill_state *f, int64_t tid)
{
    size_t cap = ts__idmap_cap(&f->pend), n = f->pend.n, h = ts__idmap_get(&f->pend, tid, 1);
    if (ts__idmap_cap(&f->pend) != cap)
        f->pend_call = ts_realloc(f->pend_call, ts__idmap_cap(&f->pend) * sizeof *f->pend_call);
    if (h == n) f->pend_call[h] = -1;   /* new */
    return &f->pend_call[h];
}

static sstream *fs_stream(fill_state *f, uint32_t k)
{
    if (k >= f->ns) {
        f->s = ts_realloc(f->s, ((size_t)k + 1) * sizeof *f->s);
        memset(f->s + f->ns, 0, ((size_t)k + 1 - f->ns) * sizeof *f->s);
        for (size_t i = f->ns; i <= k; i++) f->s[i].cpu = -1;
        f->ns = (size_t)k + 1;
    }
    return &f->s[k];
}

static int f_event(void *u, const ts_rw_event *e)
{
    fill_state *f = u;
    sstream *s = fs_stream(f, e->stream);
    /* export's thread changes are switches, not events of the trace: none of its names */
    const int carrier = ts__rw_carrier(e);
    /* a reconstructed event of an earlier fill counts as the event it stands for */
    int32_t id = carrier ? -1 : intern_id(&f->names, e->recon ? e->recon : e->name);
    if (!carrier) f->names.counts[id]++;
    if (!carrier && s->n < f->max_train) {
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 4096;
            if (s->cap > f->max_train) s->cap = f->max_train;
            s->ids = ts_realloc(s->ids, s->cap * sizeof *s->ids);
        }
        s->ids[s->n++] = id;
    }
    if (!s->ring) s->ring = ts_malloc(f->W * sizeof *s->ring);
    if (!carrier) s->ring[s->total++ % f->W] = id;
    if (s->open && !carrier) {
        gap_rec *r = &f->gaps[s->open - 1];
        /* a filled trace: the gap's reconstruction begins the packet after it; filling
         * the gap again would add a second one */
        if (e->recon && r->nr == 0) r->filled = 1;
        r->right[r->nr++] = id;
        if (r->nr == 1) {   /* before closing: a context of one closes at once */
            r->after_ns = e->time_ns;
            r->tid_next = e->kind == TS_EV_SWITCH || e->kind == TS_EV_EXEC ? e->prev_tid : e->tid;
        }
        if (r->nr == f->W) s->open = 0;
    }
    s->cpu = e->cpu;
    if (e->kind == TS_EV_SWITCH && !e->recon) {
        /* a thread that ran on a CPU when it lost events, switched in on another CPU
         * during the gap, had left the first one by then */
        if (e->next_tid > 0)
            for (size_t k = 0; k < f->ns; k++) {
                if (!f->s[k].last_gap || f->s[k].cpu == e->cpu) continue;
                gap_rec *g = &f->gaps[f->s[k].last_gap - 1];
                if (g->tid_before == e->next_tid && !g->leave_ns && e->time_ns > g->begin_ns &&
                    (!g->after_ns || e->time_ns < g->after_ns))
                    g->leave_ns = e->time_ns;
            }
    }
    /* the first system call event after a gap, unless a switch comes first */
    if (s->waiting_sc && (e->kind == TS_EV_ENTRY || e->kind == TS_EV_EXIT || e->kind == TS_EV_SWITCH)) {
        gap_rec *r = &f->gaps[s->waiting_sc - 1];
        r->after_kind = e->kind == TS_EV_SWITCH ? TS_EV_OTHER : e->kind;
        if (e->kind != TS_EV_SWITCH) r->after_call = intern_id(&f->calls, e->call ? e->call : "");
        s->waiting_sc = 0;
    }
    /* the thread that ran at the end of a gap: the one the next sched_switch leaves, or
     * the one an exec gives the leader's tid before that switch */
    if (s->waiting && (e->kind == TS_EV_SWITCH || (e->kind == TS_EV_EXEC && e->next_tid != e->prev_tid))) {
        for (size_t i = s->waiting - 1; i < f->ngap; i++)
            if (f->gaps[i].stream == e->stream && f->gaps[i].tid_after == -2) {
                f->gaps[i].tid_after = e->prev_tid;
                /* its events since the gap were read as the thread before's: its own
                 * state is still the one it had when it last left a CPU */
                f->gaps[i].pending_after = i == s->waiting - 1 && e->prev_tid >= 0 ? *pend_slot(f, e->prev_tid) : -2;
                /* it left another CPU during the gap: it came here after that */
                if (e->prev_tid > 0) {
                    size_t h = out_slot(f, e->prev_tid);
                    if (f->out_cpu[h] >= 0 && f->out_cpu[h] != e->cpu && f->out_ns[h] > f->gaps[i].begin_ns &&
                        (!f->gaps[i].after_ns || f->out_ns[h] < f->gaps[i].after_ns))
                        f->gaps[i].arrive_ns = f->out_ns[h];
                }
                if (f->gaps[i].tid_before == -3) f->gaps[i].tid_before = e->prev_tid;
            }
        s->waiting = 0;
    }
    if (e->kind == TS_EV_SWITCH && !e->recon && e->prev_tid > 0) {
        size_t h = out_slot(f, e->prev_tid);
        f->out_ns[h] = e->time_ns;
        f->out_cpu[h] = e->cpu;
    }
    if (!e->recon && !carrier) f->events++;
    return 0;
}

static int f_gap(void *u, const ts_rw_gap *g)
{
    fill_state *f = u;
    sstream *s = fs_stream(f, g->stream);
    if (g->cpu >= 0) s->cpu = g->cpu;   /* a stream may lose events before it has any */
    if (f->ngap == f->gapcap) {
        f->gapcap = f->gapcap ? 2 * f->gapcap : 64;
        f->gaps = ts_realloc(f->gaps, f->gapcap * sizeof *f->gaps);
    }
    gap_rec *r = &f->gaps[f->ngap];
    memset(r, 0, sizeof *r);
    r->stream = g->stream;
    r->index = g->index;
    r->count = g->count_known ? g->count : 0;   /* not known: nothing is reconstructed there */
    /* the left context: the ring's last events (none across an earlier gap's start is
     * kept apart: the events around gaps are what the model sees); after an earlier gap
     * fewer than W events before, none: left_across builds it across that gap, whose right
     * context ends here (kept as long as it is, not W: a trace may lose events every few) */
    if (s->open) {
        gap_rec *p = &f->gaps[s->open - 1];
        p->right = ts_realloc(p->right, (p->nr ? p->nr : 1) * sizeof *p->right);
    }
    r->nl = s->open ? 0 : s->total < f->W ? (size_t)s->total : f->W;
    r->left = ts_malloc((r->nl ? r->nl : 1) * sizeof *r->left);
    for (size_t i = 0; i < r->nl; i++) r->left[i] = s->ring[(s->total - r->nl + i) % f->W];
    r->right = ts_malloc(f->W * sizeof *r->right);
    r->nr = 0;
    r->prev = s->open;
    s->open = f->ngap + 1;
    if (s->total < f->max_train) {
        s->cuts = ts__append_room(s->cuts, s->ncuts, sizeof *s->cuts);
        s->cuts[s->ncuts++] = (size_t)s->total;
    }
    r->tid_before = g->cpu >= 0 && (size_t)g->cpu < f->ncpu ? f->cpu_tid[g->cpu] : -1;
    r->tid_last = r->tid_before;
    r->tid_after = -2;
    r->tid_next = -1;
    r->has_times = g->has_times;
    s->last_gap = f->ngap + 1;
    r->begin_ns = g->begin_ns;
    r->end_ns = g->end_ns;
    r->pending_before = r->tid_before >= 0 ? *pend_slot(f, r->tid_before) : -1;
    /* an earlier gap of the stream with no recorded switch since: the thread between the
     * two is the one found running after the chain (-3: set with the chain's tid_after),
     * and which call it is inside is not known */
    if (s->waiting) {
        r->tid_before = -3;
        r->pending_before = -2;
    }
    r->after_kind = TS_EV_OTHER;
    r->pending_after = -2;
    r->after_call = -1;
    s->waiting_sc = f->ngap + 1;
    if (!s->waiting) s->waiting = f->ngap + 1;
    f->ngap++;
    s->gaps++;
    return 0;
}

/* the thread on each CPU, for the thread of a gap's events */
static int f_event_tid(void *u, const ts_rw_event *e)
{
    fill_state *f = u;
    if (e->cpu >= 0) {
        if ((size_t)e->cpu >= f->ncpu) {
            f->cpu_tid = ts_realloc(f->cpu_tid, ((size_t)e->cpu + 1) * sizeof *f->cpu_tid);
            for (size_t i = f->ncpu; i <= (size_t)e->cpu; i++) f->cpu_tid[i] = -1;
            f->ncpu = (size_t)e->cpu + 1;
        }
        f->cpu_tid[e->cpu] = e->kind == TS_EV_SWITCH ? e->next_tid : e->tid;
    }
    /* ftrace's and perf's lines name their thread: the first line after a gap names the one
     * that ran at its end, switched in or not; the call it was inside then (before this
     * event changes it), and when it left another CPU during the gap */
    const sstream *so = e->stream < f->ns ? &f->s[e->stream] : NULL;
    if (f->line_threads && !e->recon && so && so->open && f->gaps[so->open - 1].nr == 0) {
        gap_rec *r = &f->gaps[so->open - 1];
        const int64_t tn = e->kind == TS_EV_SWITCH || e->kind == TS_EV_EXEC ? e->prev_tid : e->tid;
        r->pending_next = tn >= 0 ? *pend_slot(f, tn) : -1;
        if (tn > 0) {
            size_t h = out_slot(f, tn);
            if (f->out_cpu[h] >= 0 && f->out_cpu[h] != e->cpu && f->out_ns[h] > r->begin_ns && f->out_ns[h] < e->time_ns)
                r->arrive_next = f->out_ns[h];
        }
    }
    /* threads seen running; children of clone */
    if (e->kind == TS_EV_SWITCH && !e->recon) {
        f->switches = 1;
        if (e->prev_tid >= 0) seen_add(f, e->prev_tid, 1);
        if (e->next_tid >= 0) seen_add(f, e->next_tid, 1);
    }
    if (e->kind == TS_EV_EXIT && !e->recon && e->call && !strcmp(e->call, "clone") && e->ret > 0) {
        if (f->nchild == f->childcap) {
            f->childcap = f->childcap ? 2 * f->childcap : 256;
            f->child_tid = ts_realloc(f->child_tid, f->childcap * sizeof *f->child_tid);
            f->child_ns = ts_realloc(f->child_ns, f->childcap * sizeof *f->child_ns);
        }
        f->child_tid[f->nchild] = e->ret;
        f->child_ns[f->nchild++] = e->time_ns;
    }
    /* which call each thread is inside */
    if ((e->kind == TS_EV_ENTRY || e->kind == TS_EV_EXIT) && e->call) {
        const char *nm = e->recon ? e->recon : e->name;
        if (!strncmp(nm, "sys_", 4) || !strcmp(nm, "exit_syscall")) f->old_names = 1;
        if (e->kind == TS_EV_EXIT && !e->recon) f->exits = 1;
        if (e->tid >= 0) {
            int32_t *p = pend_slot(f, e->tid);
            if (e->kind == TS_EV_ENTRY)
                *p = strcmp(e->call, "exit") && strcmp(e->call, "exit_group") ? intern_id(&f->calls, e->call) : -1;
            else if (*p >= 0 && (!*e->call || !strcmp(f->calls.names[*p], e->call)))
                *p = -1;
        }
    }
    int rc = f_event(u, e);
    /* a thread that takes its leader's tid at an exec takes it inside its call (execve),
     * and the leader, ended, is inside none; after f_event, which reads the call the thread
     * was inside as its own */
    if (e->kind == TS_EV_EXEC && e->next_tid >= 0 && e->next_tid != e->prev_tid) {
        int32_t p = e->prev_tid >= 0 ? *pend_slot(f, e->prev_tid) : -1;
        if (e->prev_tid >= 0) *pend_slot(f, e->prev_tid) = -1;
        *pend_slot(f, e->next_tid) = p;
    }
    return rc;
}

/* ---- models ---- */
#define MIN_TRAIN 2000   /* fewer events in a stream: the pooled model fills its gaps */

/* saved: the model goes to --save-model's file, for any use; else it only imputes. leave:
 * TS_TRAIN_LEAVE_* bits the caller makes itself (a stream's own model: the decoding) */
static int train_on(fill_state *f, const int32_t *ids, size_t n, size_t L, int saved, unsigned leave, ts_model **out,
                    ts_split *sp)
{
    memset(sp, 0, sizeof *sp);   /* freed by the caller whatever happens */
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.stream.ids = (int32_t *)ids;
    d.stream.n = n;
    static const int pm[3] = {950, 25, 25};
    size_t fit = ts_split_max_length(n, pm);
    if (fit < 8) {
        /* where --max-train cut a stream, the cap is short of events, not the trace */
        int capped = 0;
        for (size_t k = 0; k < f->ns; k++) capped |= f->s[k].total > f->s[k].n;
        if (capped)
            return ts_fail("fill: %s: too few events to train %s on (%zu): --max-train %zu keeps that many of each "
                           "CPU's events; raise it", f->dir, f->o->model, n, f->max_train);
        return ts_fail("fill: %s: too few events to train %s on (%zu)", f->dir, f->o->model, n);
    }
    if (L > fit) {
        L = fit;
        /* the longest that fits and that the model takes (sssd-sa pools the window: 4; fit >= 8) */
        const ts_model_ops *ops = ts_model_find(f->o->model);
        if (ops && ops->len_multiple > 1) L -= L % (size_t)ops->len_multiple;
    }
    ts_vocab v;
    memset(&v, 0, sizeof v);
    v.n = f->names.n;
    v.names = f->names.names;
    v.counts = f->names.counts;
    v.unk = -1;
    if (ts_split_make_parts(&d, TS_SPLIT_TIME, L, L, 16, pm, sp)) return -1;
    ts_train_opts to;
    memset(&to, 0, sizeof to);
    to.split = sp;
    to.vocab = &v;
    to.n_ids = f->names.n;
    to.blackout = L / 4 ? L / 4 : 1;
    to.mask_pos = TS_MASK_CENTER;
    to.seed = f->o->seed;
    to.progress = f->o->progress;
    const ts_model_ops *ops = ts_model_find(f->o->model);
    to.kv = ts_kv_part(&f->o->kv, ops ? ops->run_keys : NULL, 0);   /* run options go to imputation */
    /* a model that only imputes goes without what its likelihood alone reads (mdm's chain
     * mixture: as long to choose as its decoding), unless the imputation ranks its
     * candidates by that likelihood mixed as --ngram-mix says (its n-gram's order is
     * chosen with the mixture) */
    to.leave = leave;
    if (!saved && !ts_kv_get(&f->o->kv, "ngram-mix")) to.leave |= TS_TRAIN_LEAVE_LIKELIHOOD;
    int rc = ts_model_train(f->o->model, &to, out);
    ts_kv_part_free(&to.kv);
    return rc;
}

/* the error recorded is one of the model's options, as every training reads them: its
 * refusal (ts_opt_fail's "MODEL: option --KEY: ...") or a value the events cannot work
 * with (ts_fit_fail's "MODEL: --KEY VALUE ...", a --budget too short for one iteration,
 * which the pooled model's longer validation leaves no more time for) */
static int option_error(const char *model)
{
    const char *e = ts_error();
    const size_t n = strlen(model);
    if (!strncmp(e, model, n) && !strncmp(e + n, ": ", 2)) e += n + 2;
    return !strncmp(e, "option --", 9) || !strncmp(e, "--", 2);
}

/* one model over every stream's events, one stream after another; each stream's last
 * 5 % stays out, as with a model per stream: the confidence is measured there */
static int train_pooled(fill_state *f, size_t L, ts_model **out)
{
    size_t tot = 0;
    for (size_t k = 0; k < f->ns; k++) tot += trained_part(&f->s[k]);
    int32_t *all = ts_malloc((tot ? tot : 1) * sizeof *all);
    for (size_t k = 0, p = 0; k < f->ns; k++) {
        size_t m = trained_part(&f->s[k]);
        if (m) memcpy(all + p, f->s[k].ids, m * sizeof *all);   /* a stream of gaps only has no ids */
        p += m;
    }
    ts_split sp;
    /* held until the training gets on (its bar) or is done: a failed one's error is its only line */
    const size_t said = ts_progress_held();
    if (f->o->progress)
        ts_progress_hold("fill: training %s on the %zu event%s of every CPU\n", f->o->model, tot, ts_plural(tot));
    int rc = train_on(f, all, tot, L, f->o->save_model != NULL, 0, out, &sp);
    if (rc == 0) ts_progress_release();
    else ts_progress_unhold(said);
    ts_split_free(&sp);
    free(all);
    return rc;
}


#define CHILD_BEFORE 500000     /* ns */
#define CHILD_AFTER  1500000

/* the first child of clone whose return is at t or later (child_ns in time order) */
static size_t child_at(const fill_state *f, int64_t t)
{
    size_t lo = 0, hi = f->nchild;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (f->child_ns[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static const char *intern_name(void *u, const char *name)
{
    fill_state *f = u;
    return f->names.names[intern_id(&f->names, name)];
}

/* a gap that follows an earlier one of its stream by fewer than W events: the ring gave it
 * the events before the earlier gap as if nothing were lost between. Its left context is
 * the earlier gap's (rebuilt the same way), then what fills that gap (an earlier fill's
 * events are already in its right context), then the events between; only the events
 * between when the earlier gap is not filled (its size unknown or too long) */
static void left_across(fill_state *f, gap_rec *r)
{
    if (!r->prev) return;
    gap_rec *p = &f->gaps[r->prev - 1];
    int across = p->filled || p->ev;
    size_t nk = p->ev ? (size_t)p->count : 0;
    size_t n = (across ? p->nl + nk : 0) + p->nr;
    int32_t *all = ts_malloc((n ? n : 1) * sizeof *all);
    size_t q = 0;
    if (across) {
        memcpy(all, p->left, p->nl * sizeof *all);
        q = p->nl;
        memcpy(all + q, p->ev, nk * sizeof *all);
        q += nk;
    }
    memcpy(all + q, p->right, p->nr * sizeof *all);
    size_t keep = n < f->W ? n : f->W;
    /* a name no model knows (the earlier reconstruction was made consistent with one):
     * the context begins after it */
    for (size_t j = n - keep; j < n; j++)
        if (all[j] >= f->nid_model) keep = n - j - 1;
    free(r->left);
    r->left = ts_malloc((keep ? keep : 1) * sizeof *r->left);
    memcpy(r->left, all + n - keep, keep * sizeof *r->left);
    r->nl = keep;
    free(all);
    /* the earlier gap's context served its reconstruction and this one's: no other reads it */
    free(p->left);
    free(p->right);
    p->left = p->right = NULL;
    p->nl = p->nr = 0;
}

/* one window of m: y = m's fill of x where mk is 0 (L events), an ID m does not have read as 0 */
static int impute_window(ts_model *m, const int32_t *x, const uint8_t *mk, size_t L, uint64_t seed,
                         const ts_kv *run_kv, int32_t *y)
{
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = seed;
    ro.kv = *run_kv;
    if (m->ops->impute(m, x, mk, 1, L, &ro, y)) return -1;
    for (size_t i = 0; i < L; i++)
        if (y[i] < 0 || y[i] >= m->n_ids) y[i] = 0;
    return 0;
}

/* a gap with no event before it, filled in windows of m's length L0 from right[0, nr) (the
 * first ctx read) backwards: each window holds the next events to fill at most L0 / 2 at a
 * time, then as many of the events after them (filled, then right) as fit */
static int impute_backwards(ts_model *m, const int32_t *right, size_t nr, size_t k, size_t ctx, uint64_t seed,
                            const ts_kv *run_kv, int32_t *dst)
{
    const size_t L = m->len, rr = nr < ctx ? nr : ctx;
    int32_t *back = ts_malloc((k + rr) * sizeof *back);   /* back[pos, k + rr): known */
    memcpy(back + k, right, rr * sizeof *back);
    int32_t *x = ts_malloc(L * sizeof *x), *y = ts_malloc(L * sizeof *y);
    uint8_t *mk = ts_malloc(L);
    size_t pos = k;
    int rc = 0;
    while (pos > 0 && rc == 0) {
        size_t chunk = L / 2 ? L / 2 : 1;   /* a window of one event: no context, one at a time */
        if (chunk > pos) chunk = pos;
        const size_t avail = k + rr - pos, rc_n = avail < L - chunk ? avail : L - chunk, pad = L - chunk - rc_n;
        memset(x, 0, L * sizeof *x);
        memset(mk, 0, L);
        for (size_t i = 0; i < rc_n; i++) {
            x[pad + chunk + i] = back[pos + i];
            mk[pad + chunk + i] = 1;
        }
        rc = impute_window(m, x, mk, L, seed + (k - pos), run_kv, y);
        if (rc == 0) memcpy(back + pos - chunk, y + pad, chunk * sizeof *y);
        pos -= chunk;
    }
    if (rc == 0) memcpy(dst, back, k * sizeof *dst);
    free(x);
    free(y);
    free(mk);
    free(back);
    return rc;
}

/* a gap of more than P events for a model of any window length that takes a pass over its
 * window per hidden event (ts_model.piece): windows of at most P hidden events, each after up
 * to ctx of the events before it (left, then those filled), the last also reading up to ctx
 * of right; a gap with no event before it from right backwards, each window reading up to ctx
 * of the events after it. Linear in the gap, where one window over it is quadratic */
static int impute_pieces(ts_model *m, const int32_t *left, size_t nl, const int32_t *right, size_t nr, size_t k,
                         size_t ctx, size_t P, uint64_t seed, const ts_kv *run_kv, int32_t *dst)
{
    const size_t rr = nr < ctx ? nr : ctx;
    const int back = nl == 0 && rr;
    const size_t lc0 = nl < ctx ? nl : ctx;
    int32_t *all = ts_malloc((lc0 + k + rr) * sizeof *all);   /* [left][gap][right] */
    if (lc0) memcpy(all, left + nl - lc0, lc0 * sizeof *all);
    if (rr) memcpy(all + lc0 + k, right, rr * sizeof *all);
    const size_t Lmax = ctx + P + ctx;
    int32_t *x = ts_malloc(Lmax * sizeof *x), *y = ts_malloc(Lmax * sizeof *y);
    uint8_t *mk = ts_malloc(Lmax);
    size_t done = 0;
    int rc = 0;
    while (done < k && rc == 0) {
        const size_t rem = k - done, chunk = rem < P ? rem : P;
        const size_t a = back ? lc0 + rem - chunk : lc0 + done;   /* the piece's start in all */
        const size_t after = lc0 + k + rr - (a + chunk);
        const size_t lc = back ? 0 : a < ctx ? a : ctx;
        const size_t rc_n = back ? (after < ctx ? after : ctx) : chunk == rem ? rr : 0;
        const size_t L = lc + chunk + rc_n;
        memcpy(x, all + a - lc, lc * sizeof *x);
        memset(x + lc, 0, chunk * sizeof *x);
        memcpy(x + lc + chunk, all + a + chunk, rc_n * sizeof *x);
        memset(mk, 1, L);
        memset(mk + lc, 0, chunk);
        rc = impute_window(m, x, mk, L, seed + done, run_kv, y);
        if (rc == 0) memcpy(all + a, y + lc, chunk * sizeof *y);
        done += chunk;
    }
    if (rc == 0) memcpy(dst, all + lc0, k * sizeof *dst);
    free(x);
    free(y);
    free(mk);
    free(all);
    return rc;
}

/* fills dst[0, k) given left[0, nl) and right[0, nr) */
int ts__fill_impute(ts_model *m, const int32_t *left, size_t nl, const int32_t *right, size_t nr, size_t k,
                    size_t ctx, uint64_t seed, const ts_kv *kv, int32_t *dst)
{
    size_t L0 = m->len;   /* 0: any window length */
    ts_kv run_kv = ts_kv_part(kv, m->ops->run_keys, 1);   /* the model's run options; training took the rest */
    /* nothing before the gap (it begins the CPU's events) and more than one window: from the
     * events after it backwards, as the n-gram fills such a gap (from the left, the first
     * windows would read nothing, and the events after the gap the last window alone) */
    if (L0 && nl == 0 && nr && ctx && k > L0 / 2) {
        int rc = impute_backwards(m, right, nr, k, ctx, seed, &run_kv, dst);
        ts_kv_part_free(&run_kv);
        return rc;
    }
    /* one window over a long gap would cost a pass over all of it per event */
    if (L0 == 0 && m->piece && k > m->piece) {
        int rc = impute_pieces(m, left, nl, right, nr, k, ctx, m->piece, seed, &run_kv, dst);
        ts_kv_part_free(&run_kv);
        return rc;
    }
    /* filled: left context followed by what is reconstructed so far */
    size_t lc_max = nl < ctx ? nl : ctx;
    int32_t *filled = ts_malloc((lc_max + k) * sizeof *filled);
    if (lc_max) memcpy(filled, left + nl - lc_max, lc_max * sizeof *filled);
    size_t nf = lc_max, done = 0;
    int rc = 0;
    while (done < k && rc == 0) {
        size_t rem = k - done, L, chunk, lc, rc_n, pad;
        if (L0 == 0) {
            chunk = rem;
            lc = nf < ctx ? nf : ctx;
            rc_n = nr < ctx ? nr : ctx;
            pad = 0;
            L = lc + chunk + rc_n;
        } else {
            L = L0;
            int last = rem <= L / 2;
            chunk = last ? rem : L / 2 ? L / 2 : 1;   /* a window of one event: no context, one at a time */
            rc_n = last ? (nr < (L - chunk) / 2 ? nr : (L - chunk) / 2) : 0;
            lc = nf < L - chunk - rc_n ? nf : L - chunk - rc_n;
            pad = L - lc - chunk - rc_n;
            if (!last) pad = 0;
        }
        int32_t *x = ts_calloc(L, sizeof *x), *y = ts_malloc(L * sizeof *y);
        uint8_t *mk = ts_calloc(L, 1);
        size_t p = pad;
        for (size_t i = 0; i < lc; i++, p++) { x[p] = filled[nf - lc + i]; mk[p] = 1; }
        size_t a = p;
        p += chunk;
        if (L0 == 0 || rem <= L / 2)
            for (size_t i = 0; i < rc_n; i++, p++) { x[p] = right[i]; mk[p] = 1; }
        rc = impute_window(m, x, mk, L, seed + done, &run_kv, y);
        if (rc == 0) {
            memcpy(filled + nf, y + a, chunk * sizeof *y);
            nf += chunk;
        }
        done += chunk;
        free(x);
        free(y);
        free(mk);
    }
    if (rc == 0) memcpy(dst, filled + lc_max, k * sizeof *dst);
    free(filled);
    ts_kv_part_free(&run_kv);
    return rc;
}

/* model IDs <-> trace IDs: a model file has its own vocabulary */
typedef struct {
    int32_t *to_model;      /* (trace names) */
    int32_t *to_trace;      /* (model IDs); -1: a name the trace never had */
    int      identity;
} idmap;

static int make_idmap(fill_state *f, const ts_model *m, idmap *im)
{
    memset(im, 0, sizeof *im);
    if (m->vocab.n == 0) return ts_fail("%s: the model has no event names; fill needs a model trained on named events", f->o->model);
    const int32_t n0 = f->names.n;
    im->to_model = ts_malloc((size_t)n0 * sizeof *im->to_model);
    im->to_trace = ts_malloc((size_t)m->vocab.n * sizeof *im->to_trace);
    int32_t fallback = m->vocab.unk >= 0 ? m->vocab.unk : 0;
    int64_t known = 0, total = 0;
    for (int32_t i = 0; i < f->names.n; i++) {
        int32_t id = ts_vocab_lookup(&m->vocab, f->names.names[i]);
        im->to_model[i] = id >= 0 ? id : fallback;
        total += f->names.counts[i];
        if (id >= 0 && id != m->vocab.unk) known += f->names.counts[i];
    }
    /* a model of another alphabet (system call names, entries and exits alike) would
     * read every context as its fallback and fill the gaps with its own names */
    if (total > 0 && 2 * known < total)
        return ts_fail("%s: its event names cover %.1f %% of the events of %s: fill needs a model trained on the "
                       "trace's event classes (fill --save-model writes one)",
                       f->o->model, 100.0 * (double)known / (double)total, f->dir);
    for (int32_t i = 0; i < m->vocab.n; i++) im->to_trace[i] = intern_id(&f->names, m->vocab.names[i]);
    /* the model's names the trace lacks are interned now: a reconstruction holds them, and
     * the next gap's left context reads it */
    im->to_model = ts_realloc(im->to_model, (size_t)f->names.n * sizeof *im->to_model);
    for (int32_t i = n0; i < f->names.n; i++) im->to_model[i] = ts_vocab_lookup(&m->vocab, f->names.names[i]);
    return 0;
}

/* precision per predicted class on gaps simulated in held-out windows */
static void calibrate(fill_state *f, sstream *s, ts_model *m, const idmap *im, const ts_windows *held, size_t k)
{
    int32_t nid = f->names.n;
    free(s->conf);
    s->conf = NULL;
    s->conf_all = 0.5;   /* not measured: as when nothing could be */
    if (!held->n || held->len < 3) return;
    size_t L = held->len;
    if (k > L / 2) k = L / 2;
    if (k < 1) k = 1;
    size_t a = (L - k) / 2;
    int64_t *pred = ts_calloc((size_t)nid, sizeof *pred), *hit = ts_calloc((size_t)nid, sizeof *hit);
    int32_t *dst = ts_malloc(k * sizeof *dst), *xl = ts_malloc(L * sizeof *xl);
    int64_t tot = 0, tot_hit = 0;
    for (size_t w = 0; w < held->n; w++) {
        const int32_t *x = held->data + w * L;
        for (size_t i = 0; i < L; i++) xl[i] = im ? im->to_model[x[i]] : x[i];
        if (ts__fill_impute(m, xl, a, xl + a + k, L - a - k, k, f->ctx, f->o->seed + w, &f->o->kv, dst)) {
            ts_clear_error();
            continue;
        }
        for (size_t i = 0; i < k; i++) {
            int32_t p = im ? im->to_trace[dst[i]] : dst[i];
            if (p < 0 || p >= nid) continue;
            pred[p]++;
            tot++;
            if (p == x[a + i]) { hit[p]++; tot_hit++; }
        }
    }
    s->conf = ts_malloc((size_t)nid * sizeof *s->conf);
    s->nconf = nid;
    s->conf_all = tot ? (double)tot_hit / (double)tot : 0.5;
    /* smoothed toward the overall precision */
    for (int32_t c = 0; c < nid; c++)
        s->conf[c] = ((double)hit[c] + 2.0 * s->conf_all) / ((double)pred[c] + 2.0);
    free(pred);
    free(hit);
    free(dst);
    free(xl);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* the windows of the last 5 % of a stream (held out from training) */
/* up to nwin windows of L events from the last 5 % of a stream (held out from training),
 * none across a gap (cuts: the stream positions where gaps are, ascending) */
static void held_windows(const sstream *ss, size_t L, size_t nwin, ts_windows *w)
{
    memset(w, 0, sizeof *w);
    size_t n = ss->n, b = trained_part(ss);
    if (n - b < L || nwin == 0) return;
    w->len = L;
    w->data = ts_malloc(nwin * L * sizeof *w->data);
    size_t next_free = b;
    for (size_t i = 0; i < nwin; i++) {
        size_t st = b + (nwin > 1 ? i * (n - b - L) / (nwin - 1) : 0);
        if (st < next_free) st = next_free;
        /* past every gap inside [st, st + L) */
        for (size_t c = 0; c < ss->ncuts; c++)
            if (ss->cuts[c] > st && ss->cuts[c] < st + L) st = ss->cuts[c];
        if (st + L > n) break;
        memcpy(w->data + w->n * L, ss->ids + st, L * sizeof *w->data);
        w->n++;
        next_free = st + L;
    }
}

/* the longest run of a stream's held-out events that crosses no gap */
static size_t held_run(const sstream *ss)
{
    size_t b = trained_part(ss), best = 0, from = b;
    for (size_t c = 0; c <= ss->ncuts; c++) {
        size_t to = c < ss->ncuts ? ss->cuts[c] : ss->n;
        if (to <= from) continue;
        if (to - from > best) best = to - from;
        from = to;
    }
    return best;
}

/* measures stream si's confidence with model m on windows of Lw held-out events; a stream
 * with too few held-out events for one is measured on the other streams' held-out windows
 * (none of them trained on by its model; the pooled model leaves them out too), else on the
 * longest stretch of its own held-out events that crosses no gap */
static void stream_held(fill_state *f, size_t si, size_t Lw, ts_windows *out)
{
    sstream *ss = &f->s[si];
    ts_windows held;
    held_windows(ss, Lw, 32, &held);
    if (!held.n) {
        ts_windows_free(&held);
        held.len = Lw;
        held.data = ts_malloc(32 * Lw * sizeof *held.data);
        for (size_t j = 0; j < f->ns && held.n < 32; j++) {
            if (j == si) continue;
            ts_windows w;
            held_windows(&f->s[j], Lw, 32 - held.n, &w);
            if (w.n) memcpy(held.data + held.n * Lw, w.data, w.n * Lw * sizeof *w.data);
            held.n += w.n;
            ts_windows_free(&w);
        }
    }
    if (!held.n) {
        size_t run = held_run(ss);
        ts_windows_free(&held);
        if (run >= 3) held_windows(ss, run < Lw ? run : Lw, 1, &held);
    }
    *out = held;
}

static void calibrate_stream(fill_state *f, size_t si, ts_model *m, const idmap *im, size_t Lw, size_t k)
{
    ts_windows held;
    stream_held(f, si, Lw, &held);
    calibrate(f, &f->s[si], m, im, &held, k);
    ts_windows_free(&held);
}

/* one window, or pieces of m->piece (one side seen) and the rest (as one window would be);
 * one side seen where ctx takes none of nl or nr. A fixed length chooses its decoding, if
 * any, in training */
size_t ts__fill_blackouts(const ts_model *m, size_t nl, size_t nr, size_t k, ts_mdm_blackout *out)
{
    if (m->len || !k) return 0;
    const int one = !nl || !nr;   /* --context is at least 1 */
    if (!m->piece || k <= m->piece) {
        out[0] = (ts_mdm_blackout){k, one};
        return 1;
    }
    out[0] = (ts_mdm_blackout){m->piece, 1};
    out[1] = (ts_mdm_blackout){k - m->piece * ((k - 1) / m->piece), one};
    return 2;
}

/* stream si's own model m (trained with TS_TRAIN_LEAVE_DECODING) chooses impute's decoding
 * on its validation windows for the blackouts it fills: its gaps' (a gap after a close
 * earlier one may read no event on its left: left_across keeps none of a name no model
 * knows) and those its confidence is measured on (calibrate's). Choosing for every
 * blackout size and sides took 9.5 s a CPU on many-threads at the default size; a gap of
 * at most 64 events with events on both sides needs half of that */
static int choose_decoding(fill_state *f, size_t si, ts_model *m, const ts_windows *valid, size_t Lw, size_t kmed)
{
    size_t cap = 16, n = 0;
    ts_mdm_blackout *need = ts_malloc(cap * sizeof *need);
    for (size_t i = 0; i < f->ngap; i++) {
        const gap_rec *r = &f->gaps[i];
        if (r->stream != si || !r->count || r->filled || r->count > (1u << 24)) continue;
        const size_t k = (size_t)r->count;
        for (int left = 0; left < 2; left++) {   /* no event on the left (where it may be), events */
            if (left ? !r->nl && !r->prev : r->nl && !r->prev) continue;
            if (n + 2 > cap) need = ts_realloc(need, (cap *= 2) * sizeof *need);
            n += ts__fill_blackouts(m, left, r->nr, k, need + n);
        }
    }
    ts_windows held;   /* as calibrate cuts its blackouts */
    stream_held(f, si, Lw, &held);
    if (held.n && held.len >= 3) {
        size_t L = held.len, k = kmed > L / 2 ? L / 2 : kmed, a;
        if (k < 1) k = 1;
        a = (L - k) / 2;
        if (n + 2 > cap) need = ts_realloc(need, (cap *= 2) * sizeof *need);
        n += ts__fill_blackouts(m, a, L - a - k, k, need + n);
    }
    ts_windows_free(&held);
    const int rc = ts_mdm_choose_decoding(m, valid, need, n, f->o->seed, f->o->progress);
    free(need);
    return rc;
}

/* event j of gap r as the writer takes it */
static ts_recon recon_of(const fill_state *f, const gap_rec *r, size_t j)
{
    const sstream *ss = &f->s[r->stream];
    const int32_t id = r->ev[j];
    ts_recon e = {f->names.names[id], ss->conf && id < ss->nconf ? ss->conf[id] : ss->conf_all,
                  r->thr[r->th[2 * j]], r->thr[r->th[2 * j + 1]]};
    return e;
}

/* the index of tid in r's threads, added when new (at most 256: the few threads of a gap's
 * side, its children of clone, 0 and -1); -1 when full */
static int thread_slot(gap_rec *r, size_t *nthr, int64_t tid)
{
    for (size_t i = 0; i < *nthr; i++)
        if (r->thr[i] == tid) return (int)i;
    if (*nthr == 256) return -1;
    r->thr[*nthr] = tid;
    return (int)(*nthr)++;
}

static int fill_hook(void *u, const ts_rw_gap *g, const ts_recon **ev, size_t *n)
{
    fill_state *f = u;
    *ev = NULL;
    *n = 0;
    /* the same reader, the same order: the next gap of this stream, looked for after the
     * stream's last one (from the first gap when it is not there: linear in the gaps, not
     * quadratic) */
    sstream *s = g->stream < f->ns ? &f->s[g->stream] : NULL;
    const size_t from = s && s->hook_from < f->ngap ? s->hook_from : 0;
    for (size_t j = 0; j < f->ngap; j++) {
        const size_t i = (from + j) % f->ngap;
        gap_rec *r = &f->gaps[i];
        if (r->stream == g->stream && r->index == g->index) {
            if (s) s->hook_from = i + 1;
            if (r->count != g->count)
                return ts_fail("fill: gap %llu of stream %u lost %llu event%s in the first reading and %llu in the second",
                               (unsigned long long)g->index, g->stream, (unsigned long long)r->count,
                               ts_plural((size_t)r->count), (unsigned long long)g->count);
            if (!r->ev) return 0;
            const size_t k = (size_t)r->count;
            if (k > f->hook_cap) {
                free(f->hook_rec);
                f->hook_rec = ts_malloc(k * sizeof *f->hook_rec);
                f->hook_cap = k;
            }
            for (size_t q = 0; q < k; q++) f->hook_rec[q] = recon_of(f, r, q);
            *ev = f->hook_rec;
            *n = k;
            return 0;
        }
    }
    return 0;
}

void ts_fill_result_free(ts_fill_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->gaps[i].names);
        free(r->gaps[i].conf);
    }
    free(r->gaps);
    for (size_t i = 0; i < r->n_class_names; i++) free(r->class_names[i]);
    free(r->class_names);
    free(r->notes);
    memset(r, 0, sizeof *r);
}

/* gap r may be filled with no event on either side, which the n-gram draws by the seed:
 * none after it (until the next gap) and none before, not even across an earlier gap with
 * none between (whose fill is its left context: then the earlier gap is alone itself, or
 * the context is its events but for names no model knows, found while filling) */
static int maybe_alone(const fill_state *f, const gap_rec *r)
{
    if (!r->count || r->filled || r->count > (1u << 24) || r->nr) return 0;
    if (!r->prev) return r->nl == 0;
    const gap_rec *p = &f->gaps[r->prev - 1];
    return p->nr == 0 && !p->filled;
}

/* a chosen seed nothing reads: refused. how: 0 the model draws nothing; 1 it draws only a
 * gap alone, and none is; 2 it would, but for the options it was trained with */
static int seed_unread(const char *dir, const char *model, int from_file, int how, ts_fill_result *res)
{
    res->seed_unread = 1;
    if (how == 1)
        return ts_fail("--seed: the model %s does not read it (it draws only a gap with no event on either side, "
                       "as where a CPU lost every event, and %s has none)", model, dir);
    if (how == 2)
        return ts_fail("--seed: the model %s does not read it (it draws nothing, not even a gap with no event on "
                       "either side, by the options it was trained with)", model);
    return ts_fail("--seed: the model %s does not read it (%s draw%s nothing)", model,
                   from_file ? "its imputation" : "its training and imputation", from_file ? "s" : "");
}

/* a progress line naming a path as given: its control bytes shown as \xNN */
static void say_path(const char *what, const char *path)
{
    ts_put_line(stderr, what, path, "\n");
}

/* --save-model to a device or FIFO: the rewrite's last write (ts_rw_hooks' last) */
typedef struct { const ts_model *m; const char *path; } model_out;
static int model_out_save(void *u)
{
    const model_out *mo = u;
    return ts_model_save(mo->m, mo->path);
}

int ts_ctf_fill(const char *dir, const char *out, const ts_fill_opts *o, ts_fill_result *res)
{
    if (!res) return ts_fail_null(__func__, "res");
    memset(res, 0, sizeof *res);
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!out) return ts_fail_null(__func__, "out");
    if (!o) return ts_fail_null(__func__, "o");
    if (!o->model) return ts_fail_null(__func__, "o->model");
    const size_t held0 = ts_progress_held();   /* the caller's held lines: kept */
    /* a list whose count and arrays disagree holds nothing: refused, not trained without it */
    if (o->kv.n < 0 || (o->kv.n > 0 && (!o->kv.keys || !o->kv.values)))
        return ts_fail("fill: %s: options: %d given%s", o->model, o->kv.n,
                       o->kv.n < 0 ? " (a count below 0)" : " without their keys or values (NULL)");
    for (int i = 0; i < o->kv.n; i++)
        if (!o->kv.keys[i] || !o->kv.values[i])
            return ts_fail("fill: %s: option %d of %d: its %s is NULL", o->model, i + 1, o->kv.n,
                           o->kv.keys[i] ? "value" : "key");
    fill_state f;
    memset(&f, 0, sizeof f);
    f.o = o;
    f.dir = dir;
    int rc = 0;
    ts_model *file_model = NULL, *pooled = NULL;
    idmap im;
    memset(&im, 0, sizeof im);
    int from_file = 0;
    if (!ts_model_find(o->model)) {
        if (!ts_file_exists(o->model))
            return ts_fail("fill: '%s' is neither a model file nor a model name (%s)", o->model, ts_error());
        from_file = 1;
        /* a model file is used as it is: nothing is trained that could be saved */
        if (o->save_model)
            return ts_fail("fill: --save-model %s: '%s' is a model file, not a model name to train", o->save_model, o->model);
    }
    ts_clear_error();
    /* the outputs refused now, not after the models are trained (minutes for mdm) */
    if (ts_trace_rewrite_check(dir, out) != 0) return -1;
    if (o->text && ts_trace_is_ftrace(dir))
        return ts_fail("fill: %s: the text output is for a CTF trace; this is ftrace or perf script text", dir);
    /* among the input's files or the new trace's (at any depth): the input broken, or the
     * file taken away with the trace it replaces */
    if (o->text && ts__side_output_refused(dir, out, o->text, "the text output") != 0) return -1;
    if (o->save_model && ts__side_output_refused(dir, out, o->save_model, "the saved model") != 0) return -1;
    if (o->text && ts_out_check(o->text) != 0) return -1;
    if (o->save_model && ts_out_check(o->save_model) != 0) return -1;
    if (from_file && ts_model_load(o->model, &file_model)) return -1;
    /* nothing is trained: an option other than the model's run options would be dropped */
    if (from_file) {
        static const char *const none[] = {NULL};
        /* named by its model, as impute names it: the refusal of an option, not of the file */
        if (ts_kv_check(&o->kv, file_model->ops->name, "run", file_model->ops->run_keys ? file_model->ops->run_keys
                                                                                        : none)) {
            ts_model_free(file_model);
            return -1;
        }
        /* its run options as its imputation checks them, before the trace is read: a chosen
         * seed its decoding would not draw by (mdm's greedy one) refused now, as impute
         * refuses it */
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.kv = o->kv;
        ro.seed_given = o->seed_set;
        if (ts_model_run_check(file_model, &ro) != 0) {
            res->seed_unread = ts_model_seed_refused(file_model, &ro, ts_model_run_check);
            ts_model_free(file_model);
            return -1;
        }
        /* the model files its options name (mdm's --ensemble), read now as the run would */
        if (ts_model_run_load(file_model, &ro) != 0) {
            ts_model_free(file_model);
            return -1;
        }
    }
    /* an mdm trained here reads its --ensemble files at its first gap, after the trace and
     * the training: each is read now, so that one that cannot be read is the error before them */
    const char *ens = from_file || strcmp(o->model, "mdm") ? NULL : ts_kv_get(&o->kv, "ensemble");
    if (ens && ts_mdm_ensemble_readable(ens) != 0) return -1;

    /* a chosen seed nothing would read: refused before the trace is read and the models
     * trained, as train and impute refuse it; a model that draws only a gap alone (the
     * n-gram's markov fallback) reads it where one is, found for certain as the gaps are
     * filled. What a model trained here reads is known from its training options */
    const ts_model_ops *mops = from_file ? file_model->ops : ts_model_find(o->model);
    unsigned seed_reads = from_file ? ts_model_impute_reads(file_model) : ts_model_ops_impute_reads(mops, &o->kv);
    if (!from_file && (mops->train_reads & TS_TRAIN_READS_SEED)) seed_reads |= TS_IMPUTE_READS_SEED;
    const int seed_whole = o->seed_set && !(seed_reads & TS_IMPUTE_READS_SEED);
    if (seed_whole && !(seed_reads & TS_IMPUTE_READS_SEED_WHOLE)) {
        ts_model_free(file_model);
        return seed_unread(dir, mops->name, from_file, (mops->impute_reads & TS_IMPUTE_READS_SEED_WHOLE) ? 2 : 0, res);
    }

    size_t L = o->length ? o->length : 200;
    size_t ctx = o->context ? o->context : 32;
    f.ctx = ctx;
    f.W = ctx;
    if (!from_file && L > f.W) f.W = L;
    if (from_file && file_model->len > f.W) f.W = file_model->len;
    f.max_train = o->max_train ? o->max_train : 500000;

    /* pass 1 */
    ts_scan_hooks h = {&f, NULL, f_event_tid, f_gap, o->progress, o->arch};
    /* perf script's text: whether it can show a loss (its PERF_RECORD_LOST lines) */
    f.line_threads = ts_trace_is_ftrace(dir);
    rc = f.line_threads ? ts__ftrace_scan_counted(dir, &h, NULL, NULL, &res->perf_no_lost_lines, &res->notes)
                                 : ts_trace_scan(dir, &h);
    if (rc == 0 && !f.events && !f.ngap) rc = ts_fail("%s: the trace holds no event and no gap", dir);
    /* said once the input is known good, and held until the models are trained: an error
     * (a training the events cannot have) is its only line */
    if (rc == 0 && o->progress) {
        char *shown = ts_shown(o->dir_shown ? o->dir_shown : dir);
        ts_progress_hold("fill: read %s\n", shown);
        free(shown);
    }
    /* children of clone that no recorded switch shows running: candidates for the threads
     * that run between two reconstructed switches */
    f.child_used = ts_calloc(f.nchild ? f.nchild : 1, 1);
    int child_sorted = 1;   /* the readers give events in time order: a gap's children are found from its time */
    for (size_t i = 0; i < f.nchild; i++) {
        f.child_used[i] = seen_add(&f, f.child_tid[i], 0);
        if (i && f.child_ns[i] < f.child_ns[i - 1]) child_sorted = 0;
    }
    /* gaps with no recorded switch after them: the threads are not known, but for a gap with
     * no thread known before it (one that begins the CPU's events) the CPU's first event
     * after it: nothing switched between, its thread ran at the end of the gap (the thread
     * a CTF reader gives an event is the CPU's last switch's, none before one). In ftrace
     * and perf script text, whose lines name their thread, the thread after a gap is the
     * one its first line after names, whether a switch follows or not (one after other
     * events of the thread, or after a later gap, tells less). A gap that
     * follows an earlier one with no switch between (its thread before waited for the one
     * after the chain, -3) has before it the thread of the events between (ftrace and perf
     * lines carry it), else the thread found after the earlier gap: not the thread after
     * itself */
    int64_t *after_prev = ts_malloc((f.ns ? f.ns : 1) * sizeof *after_prev);
    for (size_t k = 0; k < f.ns; k++) after_prev[k] = -1;
    for (size_t i = 0; i < f.ngap; i++) {
        gap_rec *g = &f.gaps[i];
        if (g->tid_before == -3) g->tid_before = g->tid_last >= 0 ? g->tid_last : after_prev[g->stream];
        if (g->tid_before < 0) g->tid_before = -1;
        if (f.line_threads && g->tid_next >= 0) {
            g->tid_after = g->tid_next;
            g->pending_after = g->pending_next;
            g->arrive_ns = g->arrive_next;
        }
        if (g->tid_after < 0) g->tid_after = g->tid_before < 0 && g->tid_next >= 0 ? g->tid_next : -1;
        after_prev[g->stream] = g->tid_after;
    }
    free(after_prev);
    res->events = f.events;

    /* a seed read only by a gap alone: refused before the training where none may be */
    int seed_read = 0;
    for (size_t i = 0; seed_whole && i < f.ngap && !seed_read; i++) seed_read = maybe_alone(&f, &f.gaps[i]);
    if (rc == 0 && seed_whole && !seed_read) rc = seed_unread(dir, mops->name, from_file, 1, res);
    seed_read = 0;
    int alone = 0;   /* a gap was filled with no event on either side */

    /* the gap sizes (for the confidence's simulated gaps) */
    uint64_t kmed = 8;
    if (rc == 0 && f.ngap) {
        uint64_t *ks = ts_malloc(f.ngap * sizeof *ks);
        for (size_t i = 0; i < f.ngap; i++) ks[i] = f.gaps[i].count;
        qsort(ks, f.ngap, sizeof *ks, cmp_u64);
        kmed = ks[f.ngap / 2];
        free(ks);
    }
    if (kmed < 1) kmed = 1;

    /* models: one per stream that has gaps to reconstruct, else the pooled one; a gap an
     * earlier fill filled, one of unknown size and one left unfilled for its size need none
     * (a filled trace filled again trained a model per CPU to reconstruct nothing) */
    if (rc == 0 && from_file) rc = make_idmap(&f, file_model, &im);
    uint8_t *todo = ts_calloc(f.ns ? f.ns : 1, 1);
    uint64_t asked = 0;
    for (size_t i = 0; i < f.ngap; i++)
        if (f.gaps[i].count && !f.gaps[i].filled && f.gaps[i].count <= (1u << 24)) {
            todo[f.gaps[i].stream] = 1;
            asked += f.gaps[i].count;
        }
    /* each is held until written: a few lines of text must not ask for more than memory */
    if (rc == 0 && asked > TS_FILL_MAX_EVENTS)
        rc = ts_fail("fill: %s: its gaps lost %llu events in all, more than the %llu (2^28) one fill reconstructs", dir,
                     (unsigned long long)asked, (unsigned long long)TS_FILL_MAX_EVENTS);
    double t1 = ts_now();
    for (size_t s = 0; rc == 0 && s < f.ns && f.ngap; s++) {
        sstream *ss = &f.s[s];
        if (!todo[s]) continue;
        size_t Lc = 2 * ctx + (size_t)(kmed < 256 ? kmed : 256);
        if (from_file) {
            ss->model = file_model;
            calibrate_stream(&f, s, file_model, &im, file_model->len ? file_model->len : Lc, (size_t)kmed);
            continue;
        }
        if (ss->n >= MIN_TRAIN && !o->one_model) {
            ts_split sp;
            const size_t said = ts_progress_held();   /* unsaid where this training fails */
            if (o->progress)
                ts_progress_hold("fill: training %s on CPU %d's %zu event%s\n", o->model, ss->cpu, ss->n, ts_plural(ss->n));
            if (train_on(&f, ss->ids, ss->n, L, 0, TS_TRAIN_LEAVE_DECODING, &ss->model, &sp) == 0) {
                ts_progress_release();
                ts_model *m = ss->model;
                const size_t Lw = m->len ? m->len : Lc;
                rc = choose_decoding(&f, s, m, &sp.valid, Lw, (size_t)kmed);
                if (rc == 0) calibrate_stream(&f, s, m, NULL, Lw, (size_t)kmed);
                ts_split_free(&sp);
                if (rc) break;
                continue;
            }
            ts_split_free(&sp);
            ts_progress_unhold(said);
            /* the pooled model is trained with the same options: refused there alike */
            if (option_error(o->model)) { rc = -1; break; }
            ts_clear_error();
        }
        if (!pooled) rc = train_pooled(&f, L, &pooled);
        if (rc == 0) calibrate_stream(&f, s, pooled, NULL, pooled->len ? pooled->len : Lc, (size_t)kmed);
    }
    if (rc == 0 && o->save_model && !from_file && !pooled) rc = train_pooled(&f, L, &pooled);
    if (rc == 0) ts_progress_release();
    else ts_progress_unhold(held0);
    res->train_s = ts_now() - t1;
    free(todo);

    /* the events the pooled model was trained on */
    uint64_t pooled_n = 0;
    for (size_t s = 0; s < f.ns; s++) pooled_n += trained_part(&f.s[s]);
    uint8_t *outsized_by = ts_calloc(f.ns + 1, 1);   /* per stream's own model; [ns]: the pooled one */

    /* impute every gap */
    double t2 = ts_now();
    f.nid_model = f.names.n;
    /* as the progress bars: on a terminal a line redrawn in place, in a log a whole line
     * every 30 s */
    const int tty = o->progress && isatty(2);
    double shown = t2;
    int drawn = 0;
    for (size_t i = 0; rc == 0 && i < f.ngap; i++) {
        if (o->progress && i && i % 1000 == 0 && (tty || ts_now() - shown >= 30.0)) {
            shown = ts_now();
            drawn = 1;
            fprintf(stderr, "%s  %zu of %zu gap%s reconstructed%s", tty ? "\r" : "", i, f.ngap, ts_plural(f.ngap), tty ? "" : "\n");
        }
        gap_rec *r = &f.gaps[i];
        sstream *ss = &f.s[r->stream];
        ts_model *m = ss->model ? ss->model : pooled;
        left_across(&f, r);
        if (r->count == 0 || r->filled) continue;
        if (r->count > (1u << 24)) {   /* left as the tracer reported it: the rest is still filled */
            res->too_long++;
            res->too_long_events += r->count;
            continue;
        }
        if (!m) continue;
        size_t k = (size_t)r->count;
        size_t lnl = r->nl, rnr = r->nr;
        int32_t *lx = ts_malloc((lnl + rnr + 1) * sizeof *lx), *dst = ts_malloc(k * sizeof *dst);
        for (size_t j = 0; j < lnl; j++) lx[j] = from_file ? im.to_model[r->left[j]] : r->left[j];
        for (size_t j = 0; j < rnr; j++) lx[lnl + j] = from_file ? im.to_model[r->right[j]] : r->right[j];
        if (!lnl && !rnr) {
            alone = 1;
            seed_read |= (ts_model_impute_reads(m) & TS_IMPUTE_READS_SEED_WHOLE) != 0;
        }
        rc = ts__fill_impute(m, lx, lnl, lx + lnl, rnr, k, ctx, o->seed + i, &o->kv, dst);
        if (rc == 0) {
            const char **nm = ts_malloc(k * sizeof *nm);
            for (size_t j = 0; j < k; j++) {
                int32_t id = from_file ? im.to_trace[dst[j]] : dst[j];
                if (id < 0 || id >= f.names.n) id = 0;
                nm[j] = f.names.names[id];
            }
            free(dst);
            dst = NULL;
            /* threads, switches and system call pairing agree with the trace around the gap */
            ts_gap_side side = {r->tid_before, r->pending_before == -2, r->pending_before >= 0 ? f.calls.names[r->pending_before] : NULL,
                                r->tid_after >= 0 ? r->tid_after : -1, r->pending_after != -2,
                                r->pending_after >= 0 ? f.calls.names[r->pending_after] : NULL, r->after_kind,
                                r->after_call >= 0 ? f.calls.names[r->after_call] : NULL, f.old_names, NULL, 0, k, 0, !f.exits, !f.switches};
            /* the unused children whose clone returned from CHILD_BEFORE before the gap to
             * CHILD_AFTER after it, nearest the gap's start first */
            size_t cand[8], ncand = 0;
            if (r->has_times) {
                const int64_t lo = r->begin_ns - CHILD_BEFORE, hi = r->end_ns + CHILD_AFTER;
                for (size_t c = child_sorted ? child_at(&f, lo) : 0; c < f.nchild && ncand < 8; c++) {
                    if (child_sorted && f.child_ns[c] > hi) break;
                    if (!f.child_used[c] && f.child_ns[c] >= lo && f.child_ns[c] <= hi) cand[ncand++] = c;
                }
            }
            int64_t mid[8];
            for (size_t c = 0; c < ncand; c++) mid[c] = f.child_tid[cand[c]];
            /* the events' times, as the writer spreads them: b + (a - b) (j + 1) / (k + 1) */
            if (r->has_times && r->after_ns > r->begin_ns) {
                double span = (double)(r->after_ns - r->begin_ns);
                if (r->leave_ns) {
                    double p = ceil((double)(r->leave_ns - r->begin_ns) * (double)(k + 1) / span) - 1;
                    side.before_max = p < 0 ? 0 : p > (double)k ? k : (size_t)p;
                }
                if (r->arrive_ns) {
                    double p = ceil((double)(r->arrive_ns - r->begin_ns) * (double)(k + 1) / span) - 1;
                    side.after_min = p < 0 ? 0 : p > (double)k ? k : (size_t)p;
                }
            }
            side.mid = mid;
            side.n_mid = ncand;
            int64_t *tids = ts_malloc(2 * k * sizeof *tids);
            size_t used = ts_gap_consistent(&side, nm, k, intern_name, &f, tids, tids + k);
            for (size_t c = 0; c < used; c++) f.child_used[cand[c]] = 1;
            r->ev = ts_malloc(k * sizeof *r->ev);
            r->th = ts_malloc(2 * k);
            r->thr = ts_malloc(256 * sizeof *r->thr);
            size_t nthr = 0;
            int last[2] = {-1, -1};   /* consecutive events mostly share their threads */
            for (size_t j = 0; j < k && rc == 0; j++) {
                r->ev[j] = intern_id(&f.names, nm[j]);
                for (int c = 0; c < 2; c++) {
                    const int64_t t = tids[c * k + j];
                    int x = last[c] >= 0 && r->thr[last[c]] == t ? last[c] : thread_slot(r, &nthr, t);
                    if (x < 0) rc = ts_fail("fill: gap %llu of CPU %d: its events name more than 256 threads",
                                            (unsigned long long)r->index, ss->cpu);
                    r->th[2 * j + c] = (uint8_t)x;
                    last[c] = x;
                }
            }
            r->thr = ts_realloc(r->thr, (nthr ? nthr : 1) * sizeof *r->thr);
            free(tids);
            free(nm);
            res->reconstructed += k;
            /* far more events than the model learned from: they can only repeat those */
            const uint64_t trained = ss->model ? trained_part(ss) : pooled_n;
            if (!from_file && r->count > TS_FILL_OUTSIZED * trained) {
                res->outsized++;
                res->outsized_events += r->count;
                if (trained > res->outsized_trained) res->outsized_trained = trained;
                uint8_t *by = &outsized_by[ss->model ? r->stream : f.ns];
                res->outsized_models += !*by;
                *by = 1;
            }
        }
        free(lx);
        free(dst);
    }
    free(outsized_by);
    /* the last, also after a gap left unfilled; a terminal's line closed before an error */
    if (o->progress && rc == 0 && f.ngap)
        fprintf(stderr, "%s  %zu of %zu gap%s reconstructed\n", tty ? "\r" : "", f.ngap, f.ngap, ts_plural(f.ngap));
    else if (tty && drawn)
        fputc('\n', stderr);
    res->impute_s = ts_now() - t2;
    if (rc == 0 && seed_whole && !seed_read) rc = seed_unread(dir, mops->name, from_file, alone ? 2 : 1, res);
    /* saved once nothing refuses the run, aside: put in place with the new trace, or left
     * out with it (a trace that cannot be written leaves no model, an earlier one as it was);
     * to a device or FIFO, which cannot be taken back: last, once the trace is written */
    ts_out_set ms, *with = NULL;
    const int model_stream = o->save_model && !from_file && ts_out_is_stream(o->save_model);
    model_out mo = {pooled, o->save_model};
    if (rc == 0 && o->save_model && !from_file && !model_stream &&
        (rc = ts_out_set_open(&ms, &o->save_model, 1)) == 0) {
        with = &ms;
        if ((rc = ts_model_save(pooled, ts_out_set_path(&ms, 0))) != 0) ts_out_set_abort(&ms);
    }

    /* pass 2 */
    double t3 = ts_now();
    if (rc == 0) {
        if (o->progress) say_path("fill: writing ", o->out_shown ? o->out_shown : out);
        ts_rw_hooks wh = {&f, NULL, fill_hook, o->progress, NULL, NULL, o->arch,
                          model_stream ? model_out_save : NULL, &mo};
        rc = ts__trace_rewrite_text(dir, out, &wh, o->text, NULL, with);   /* (its notes: the scan's) */
        if (rc == 1) {   /* the text's reader went away: the trace is in place, the text cut */
            res->text_cut = 1;
            rc = 0;
        }
    }
    res->write_s = ts_now() - t3;

    if (rc == 0) {
        res->n = f.ngap;
        res->gaps = ts_calloc(f.ngap ? f.ngap : 1, sizeof *res->gaps);
        for (size_t i = 0; i < f.ngap; i++) {
            ts_fill_gap *g = &res->gaps[i];
            g->stream = f.gaps[i].stream;
            g->cpu = f.s[g->stream].cpu;
            g->index = f.gaps[i].index;
            g->n = f.gaps[i].ev ? (size_t)f.gaps[i].count : 0;
            if (!o->record || !g->n) continue;
            /* the names point into the class table, which the result takes over */
            g->names = ts_malloc(g->n * sizeof *g->names);
            g->conf = ts_malloc(g->n * sizeof *g->conf);
            for (size_t j = 0; j < g->n; j++) {
                const ts_recon e = recon_of(&f, &f.gaps[i], j);
                g->names[j] = e.event;
                g->conf[j] = e.confidence;
            }
        }
        if (o->record) {
            res->class_names = f.names.names;
            res->n_class_names = (size_t)f.names.n;
            f.names.names = NULL;
            f.names.n = 0;
        }
    }
    for (size_t i = 0; i < f.ngap; i++) {
        free(f.gaps[i].ev);
        free(f.gaps[i].th);
        free(f.gaps[i].thr);
        free(f.gaps[i].left);
        free(f.gaps[i].right);
    }
    free(f.gaps);
    for (size_t s = 0; s < f.ns; s++) {
        free(f.s[s].ids);
        free(f.s[s].ring);
        free(f.s[s].cuts);
        free(f.s[s].conf);
        if (f.s[s].model && f.s[s].model != file_model) ts_model_free(f.s[s].model);
    }
    free(f.s);
    free(f.cpu_tid);
    ts__idmap_free(&f.pend);
    ts__idmap_free(&f.seen);
    ts__idmap_free(&f.out);
    free(f.out_ns);
    free(f.out_cpu);
    free(f.child_tid);
    free(f.child_ns);
    free(f.child_used);
    free(f.hook_rec);
    free(f.pend_call);
    intern_free(&f.calls);
    if (pooled) ts_model_free(pooled);
    if (file_model) ts_model_free(file_model);
    free(im.to_model);
    free(im.to_trace);
    intern_free(&f.names);
    ts_progress_unhold(held0);   /* a failure before the training: its error alone */
    if (rc) {   /* nothing to free after a failure */
        free(res->notes);
        res->notes = NULL;
    }
    return rc;
}
