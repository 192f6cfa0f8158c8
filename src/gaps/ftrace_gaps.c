/* ftrace text as gaps, fill, drop and the system call analysis read and write it: the same
 * hooks as for a CTF trace (ctf_rewrite.c), so that fill.c, gaps.c and score.c serve both.
 *
 * Reading: the lines through ts_ftrace_load's reader (src/data/ftrace.c), held whole, then
 * given to the hooks in time order across CPUs (trace_pipe interleaves them out of order);
 * each CPU is a stream (its number is the stream's), each lost-event marker of a CPU one
 * of its gaps, from the CPU's last event before it to its first after. The events are named
 * as LTTng names them, the alphabet the models learn and consistent.c pairs: a call's entry
 * syscall_entry_NAME, its exit syscall_exit_NAME (syscalls:* events, or raw_syscalls ones
 * named through the table of the hooks' architecture, else the host's), sched_switch, any other event by its own name (put in a
 * group, "ftrace:NAME", when that name would read as a system call; raw_syscalls beside
 * syscalls:* as "raw_syscalls:sys_enter" and "raw_syscalls:sys_exit").
 *
 * Writing: every byte of the input as it was, in its order, except that drop leaves out
 * the events it drops and writes "CPU:N [LOST C EVENTS]" before the CPU's next kept event
 * (the marker trace_pipe writes), and fill writes after each marker the gap's reconstructed
 * events as lines of their own event, TS_FTRACE_RECON, their times spread evenly between
 * the CPU's events around the marker. */
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "tracesynth/eval.h"
#include "data/data_internal.h"
#include "common/idmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

enum { FT_LOST = 255 };   /* a marker's kind beside ts_ev_kind's */
enum { FT_RECON = 1, FT_RAW = 2, FT_TGID = 4, FT_PERF = 8, FT_PROC = 16, FT_PERIOD = 32 };   /* ft_ev.bits */

/* one line, kept small (a trace holds millions): what only some lines have is in the side
 * tables sw[] and mk[], the strings are interned, the line's end is its next '\n' */
typedef struct {
    const char *b;           /* the line */
    int64_t     ns;          /* a marker: its sort time (the CPU's next event's, else its last's) */
    int64_t     tid;
    int64_t     val;         /* an exit: its return value; a switch or an exec: its threads in sw[];
                              * a marker: its entry in mk[] */
    int32_t     cpu;
    int32_t     name;        /* the strings table; a reconstructed line: the event it stands for */
    int32_t     comm;        /* the strings table; -1: "<...>" */
    uint8_t     kind, bits;  /* bits: FT_RECON a line tracesynth fill wrote, FT_RAW a raw_syscalls
                              * event (renamed when syscalls:* events are there too), FT_TGID,
                              * FT_PERF a line of perf script's text, FT_PROC one of its lines
                              * with "PID/TID" (the PID in proc[]), FT_PERIOD with the period
                              * (in period[]) */
    uint8_t     frac, flags; /* the line's shape (a marker's reconstructions take its neighbour's) */
} ft_ev;

typedef struct {
    int64_t prev_tid, next_tid;
} ft_sw;

typedef struct {
    int64_t count;           /* the events lost, -1 not known */
    int64_t begin_ns, end_ns;   /* the CPU's events around it (has_times) */
    size_t  shape;           /* the event line whose shape its reconstructions take, +1 */
    int     has_times;
} ft_mark;

typedef struct {
    const char *path;
    char       *buf;
    size_t      size;
    ft_ev      *ev;          /* events and markers, in file order */
    size_t      n, cap;
    ft_sw      *sw;
    size_t      nsw, capsw;
    ft_mark    *mk;
    size_t      nmk, capmk;
    ts__interner names;      /* event and thread names: names.str[id] */
    int32_t    *proc;        /* (ev's indices) perf's PID of a line of FT_PROC; NULL when none is */
    int64_t    *period;      /* (ev's indices) perf's period of a line of FT_PERIOD; NULL when none is */
    int32_t    *tgid;        /* (ev's indices) ftrace's TGID of a line of FT_TGID, -1 "(-------)";
                              * NULL when none is */
    int         w_proc, w_tid, w_period, w_name;   /* perf's columns, as wide as the trace's */
    int         w_tgid;      /* ftrace's TGID column: the width inside its parentheses */
    int         has_named;
    int32_t     ncpu;
    ts_arch     arch;
    uint64_t    overwritten;   /* the events the header says were overwritten (the oldest) */
    int         overwritten_whole;   /* 1: the whole trace's, the file one CPU's (ts__notes') */
    char       *notes;       /* the reader's notes on the lines (a last line cut while written), as
                              * ts_ftrace_load gives them; NULL none */
} ft_trace;

static int32_t name_id(ft_trace *t, const char *s)
{
    return ts__intern(&t->names, s, s + strlen(s));
}

/* x's name and kind, and a switch's or an exec's threads, from its line (a raw_syscalls
 * event is named through the table: renamed at the end when the text holds syscalls:*
 * events) */
static void name_event(ft_trace *t, ft_ev *x, const ts__ft_line *l)
{
    char nm[160];
    const char *nb = l->name;
    int len = (int)(l->name_end - l->name);
    if (l->kind == TS__FT_ENTRY || l->kind == TS__FT_EXIT) {
        const char *pre = l->kind == TS__FT_ENTRY ? "syscall_entry_" : "syscall_exit_";
        const char *call = l->raw ? ts_syscall_by_number(t->arch, l->nr) : NULL;
        if (l->raw && call) snprintf(nm, sizeof nm, "%s%s", pre, call);
        else if (l->raw) {
            char nr[32];
            ts__nr_name(nr, sizeof nr, l->nr);
            snprintf(nm, sizeof nm, "%s%s", pre, nr);
        }
        else snprintf(nm, sizeof nm, "%s%.*s", pre, len, nb);
    } else if ((len == 9 && !memcmp(nb, "sys_enter", 9)) || (len == 8 && !memcmp(nb, "sys_exit", 8))) {
        snprintf(nm, sizeof nm, "raw_syscalls:%.*s", len, nb);   /* a reconstructed one */
    } else {
        const char *call;
        snprintf(nm, sizeof nm, "%.*s", len, nb);
        int k = ts_gap_classify(nm, &call);
        if (k == TS_EV_ENTRY || k == TS_EV_EXIT) snprintf(nm, sizeof nm, "ftrace:%.*s", len, nb);
    }
    x->name = name_id(t, nm);
    const char *call;
    x->kind = (uint8_t)ts_gap_classify(nm, &call);
    int64_t prev = -1, next = -1;
    if (x->kind == TS_EV_SWITCH) {
        if (l->recon) {
            prev = x->tid;
            if (ts__ftrace_arg_int(l->args, l->e, "next_tid", &next)) next = -1;
        } else {
            ts__ftrace_switch(l->args, l->e, &prev, &next);
        }
    } else if (!l->recon && len == 18 && !memcmp(nb, "sched_process_exec", 18)) {
        /* the thread it ran in (old_pid), and the tid it goes on under (pid) */
        x->kind = TS_EV_EXEC;
        if (ts__ftrace_arg_int(l->args, l->e, "old_pid", &prev)) prev = x->tid;
        if (ts__ftrace_arg_int(l->args, l->e, "pid", &next)) next = x->tid;
        x->tid = next;
    } else {
        return;
    }
    if (t->nsw == t->capsw) {
        t->capsw = t->capsw ? 2 * t->capsw : 256;
        t->sw = ts_realloc(t->sw, t->capsw * sizeof *t->sw);
    }
    t->sw[t->nsw] = (ft_sw){prev, next};
    x->val = (int64_t)t->nsw++;
}

/* a column of perf's lines (w) into the trace's (*tw): the narrowest of the numbers' (each
 * right- or left-aligned in it, wider where a number is longer), the widest of the names'
 * (the width of the longest: every name fits) */
static void column(int *tw, int w, int widest)
{
    if (w > 0 && (!*tw || (widest ? w > *tw : w < *tw))) *tw = w;
}

static int collect(void *u, const ts__ft_line *l)
{
    ft_trace *t = u;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->ev = ts_realloc(t->ev, t->cap * sizeof *t->ev);
        if (t->proc) t->proc = ts_realloc(t->proc, t->cap * sizeof *t->proc);
        if (t->period) t->period = ts_realloc(t->period, t->cap * sizeof *t->period);
        if (t->tgid) t->tgid = ts_realloc(t->tgid, t->cap * sizeof *t->tgid);
    }
    /* the side tables, from the first line that has their column (a text of perf's prints
     * the same columns on every sample's line) */
    if (l->has_proc && !t->proc) t->proc = ts_calloc(t->cap, sizeof *t->proc);
    if (l->has_period && !t->period) t->period = ts_calloc(t->cap, sizeof *t->period);
    if (l->has_proc) t->proc[t->n] = (int32_t)l->proc;
    if (l->has_period) t->period[t->n] = l->period;
    if (l->tgid && !t->tgid) t->tgid = ts_calloc(t->cap, sizeof *t->tgid);
    if (l->tgid) t->tgid[t->n] = (int32_t)l->tgid_val;   /* (at most PID_MAX: the reader's check) */
    if (l->tgid && l->kind != TS__FT_LOST && !l->recon) column(&t->w_tgid, l->w_tgid, 0);
    if (l->perf && l->kind != TS__FT_LOST && !l->recon) {   /* (a sample's line, not one written here) */
        column(&t->w_proc, l->w_proc, 0);
        column(&t->w_tid, l->w_tid, 0);
        column(&t->w_period, l->w_period, 0);
        column(&t->w_name, l->w_name, 1);
    }
    ft_ev *x = &t->ev[t->n++];
    memset(x, 0, sizeof *x);
    x->b = l->b;
    x->cpu = l->cpu;
    x->ns = l->ns;
    x->tid = l->tid;
    x->comm = l->comm ? ts__intern(&t->names, l->comm, l->comm_end) : -1;
    x->bits = (uint8_t)((l->recon ? FT_RECON : 0) | (l->raw ? FT_RAW : 0) | (l->tgid ? FT_TGID : 0) |
                        (l->perf ? FT_PERF : 0) | (l->has_proc ? FT_PROC : 0) | (l->has_period ? FT_PERIOD : 0));
    x->frac = (uint8_t)l->frac;
    x->flags = (uint8_t)(l->flags < 255 ? l->flags : 255);
    if (l->cpu + 1 > t->ncpu) t->ncpu = l->cpu + 1;
    if (l->kind == TS__FT_LOST) {
        x->kind = FT_LOST;
        if (t->nmk == t->capmk) {
            t->capmk = t->capmk ? 2 * t->capmk : 64;
            t->mk = ts_realloc(t->mk, t->capmk * sizeof *t->mk);
        }
        memset(&t->mk[t->nmk], 0, sizeof *t->mk);
        t->mk[t->nmk].count = l->val;
        x->val = (int64_t)t->nmk++;
        return 0;
    }
    name_event(t, x, l);
    if (l->kind == TS__FT_EXIT && l->has_val && x->kind == TS_EV_EXIT) x->val = l->val;
    if (!l->raw && !l->recon && (l->kind == TS__FT_ENTRY || l->kind == TS__FT_EXIT)) t->has_named = 1;
    return 0;
}

/* raw_syscalls beside syscalls:* events: "raw_syscalls:sys_enter", "raw_syscalls:sys_exit" */
static void rename_raw(ft_trace *t)
{
    int32_t id[2] = {name_id(t, "raw_syscalls:sys_enter"), name_id(t, "raw_syscalls:sys_exit")};
    const char *call;
    uint8_t kind[2] = {(uint8_t)ts_gap_classify(t->names.str[id[0]], &call), (uint8_t)ts_gap_classify(t->names.str[id[1]], &call)};
    for (size_t i = 0; i < t->n; i++) {
        ft_ev *x = &t->ev[i];
        if (!(x->bits & FT_RAW) || x->kind == FT_LOST) continue;
        int k = x->kind == TS_EV_EXIT;
        x->name = id[k];
        x->kind = kind[k];
        x->val = 0;
    }
}

/* each marker's span: its CPU's events before and after it */
static void place_markers(ft_trace *t)
{
    size_t nc = (size_t)t->ncpu + 1;
    size_t *last = ts_malloc(nc * sizeof *last);   /* the CPU's latest event, +1 */
    for (size_t c = 0; c < nc; c++) last[c] = 0;
    for (size_t i = 0; i < t->n; i++) {
        ft_ev *x = &t->ev[i];
        if (x->kind != FT_LOST) last[x->cpu] = i + 1;
        else if (last[x->cpu]) {
            ft_mark *m = &t->mk[x->val];
            m->begin_ns = t->ev[last[x->cpu] - 1].ns;
            m->shape = last[x->cpu];
            m->has_times = 1;
        }
    }
    for (size_t c = 0; c < nc; c++) last[c] = 0;
    for (size_t i = t->n; i-- > 0;) {
        ft_ev *x = &t->ev[i];
        if (x->kind != FT_LOST) last[x->cpu] = i + 1;
        else {
            ft_mark *m = &t->mk[x->val];
            if (last[x->cpu]) {
                m->end_ns = t->ev[last[x->cpu] - 1].ns;
                if (!m->has_times) m->begin_ns = m->end_ns;
                m->shape = last[x->cpu];
                m->has_times = 1;
            } else {
                m->end_ns = m->begin_ns;
            }
        }
    }
    /* a marker of a CPU with no event line of its own: the shape and time of the nearest
     * event line in the file, of any CPU (else its reconstructions would be written with a
     * time of 0 and no fraction, which the reader refuses in a trace whose times have one) */
    size_t near = 0;
    for (size_t i = 0; i < t->n; i++) {
        ft_ev *x = &t->ev[i];
        if (x->kind != FT_LOST) near = i + 1;
        else if (!t->mk[x->val].shape && near) t->mk[x->val].shape = near;
    }
    near = 0;
    for (size_t i = t->n; i-- > 0;) {
        ft_ev *x = &t->ev[i];
        if (x->kind != FT_LOST) near = i + 1;
        else if (!t->mk[x->val].shape && near) t->mk[x->val].shape = near;
    }
    free(last);
    for (size_t i = 0; i < t->n; i++)
        if (t->ev[i].kind == FT_LOST) {
            ft_mark *m = &t->mk[t->ev[i].val];
            if (!m->has_times && m->shape) m->begin_ns = m->end_ns = t->ev[m->shape - 1].ns;
            t->ev[i].ns = m->end_ns;
        }
}

static void ft_free(ft_trace *t)
{
    ts__interner_free(&t->names);
    free(t->ev);
    free(t->sw);
    free(t->mk);
    free(t->proc);
    free(t->period);
    free(t->tgid);
    free(t->buf);
    free(t->notes);
}

static int ft_read(const char *path, const char *arch_name, ft_trace *t)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    ts__interner_init(&t->names);
    t->arch = ts_arch_host();
    if (arch_name && ts_arch_parse(arch_name, &t->arch)) return -1;
    if (ts__read_text(path, &t->buf, &t->size)) return -1;
    ts__notes notes = {NULL, 0, 0, 0}, counted = {NULL, 0, 0, 0};
    int clock = 0;
    int64_t ncpus = 0, lost = 0;
    ts__ft_header hdr;
    int rc = ts__ftrace_lines(path, t->buf, t->size, collect, t, &notes, &clock, &ncpus, &lost, &hdr, 0);
    t->notes = notes.text;   /* the lines' (a last one cut), for the caller to warn about */
    /* the overwritten events: counted, each caller telling them in its own words */
    if (rc == 0) ts__ftrace_overwritten(&counted, &path, &hdr, 1);
    free(counted.text);
    t->overwritten = counted.overwritten;
    t->overwritten_whole = counted.overwritten_whole;
    if (rc == 0 && !t->n) rc = ts_fail("%s: no ftrace event lines", path);
    if (rc == 0) {
        if (t->has_named) rename_raw(t);
        place_markers(t);
    }
    /* perf's widths where no line showed them: "%5d", "%10lu" */
    if (!t->w_proc) t->w_proc = 5;
    if (!t->w_tid) t->w_tid = 5;
    if (!t->w_period) t->w_period = 10;
    if (!t->w_tgid) t->w_tgid = 7;   /* ftrace's "(%7d)" */
    return rc;
}

static int cmp_order(const void *a, const void *b, void *u)
{
    const ft_trace *t = u;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const ft_ev *x = &t->ev[i], *y = &t->ev[j];
    if (x->ns != y->ns) return x->ns < y->ns ? -1 : 1;
    return (i > j) - (i < j);   /* the file's order */
}

/* the events and markers in time order across CPUs, keeping the file's order among equal
 * times (a marker sorts just before its CPU's next event) */
static size_t *time_order(const ft_trace *t)
{
    size_t *o = ts_malloc((t->n ? t->n : 1) * sizeof *o);
    for (size_t i = 0; i < t->n; i++) o[i] = i;
    qsort_r(o, t->n, sizeof *o, cmp_order, (void *)t);
    return o;
}

static void to_event(const ft_trace *t, const ft_ev *x, ts_rw_event *e)
{
    memset(e, 0, sizeof *e);
    e->stream = (uint32_t)x->cpu;
    e->cpu = x->cpu;
    e->tid = x->tid;
    e->time_ns = x->ns;
    int recon = x->bits & FT_RECON;
    e->name = recon ? TS_RECON_CLASS : t->names.str[x->name];
    e->recon = recon ? t->names.str[x->name] : NULL;
    e->kind = (ts_ev_kind)x->kind;
    if (e->kind == TS_EV_ENTRY || e->kind == TS_EV_EXIT) ts_gap_classify(t->names.str[x->name], &e->call);
    e->prev_tid = e->next_tid = -1;
    if (e->kind == TS_EV_SWITCH || e->kind == TS_EV_EXEC) {
        e->prev_tid = t->sw[x->val].prev_tid;
        e->next_tid = t->sw[x->val].next_tid;
    }
    e->ret = e->kind == TS_EV_EXIT && !recon ? x->val : 0;
}

static void to_gap(const ft_trace *t, const ft_ev *x, uint64_t index, ts_rw_gap *g)
{
    const ft_mark *m = &t->mk[x->val];
    memset(g, 0, sizeof *g);
    g->stream = (uint32_t)x->cpu;
    g->cpu = x->cpu;
    g->index = index;
    g->count_known = m->count >= 0;
    g->count = m->count >= 0 ? (uint64_t)m->count : 0;
    g->has_times = m->has_times;
    g->begin_ns = m->begin_ns;
    g->end_ns = m->end_ns;
}

/* a rewriting hook's refusal of x's line: "PATH:LINE: its error", as the reader names a line */
static int line_refused(const ft_trace *t, const ft_ev *x)
{
    size_t line = 1;
    for (const char *p = t->buf; (p = memchr(p, '\n', (size_t)(x->b - p))); p++) line++;
    char *why = ts_strdup(ts_error());
    ts_fail("%s:%zu: %s", t->path, line, why);
    free(why);
    return -1;
}

/* walks t in time order: the scan hooks, or (rw) the rewriting ones, whose answers go to
 * keep[] (per line); gidx[] (per marker, by its entry in mk[]; may be NULL): the gap's
 * number within its CPU, for the fill hook when the marker is written */
static int walk(const ft_trace *t, const ts_scan_hooks *h, const ts_rw_hooks *rw, uint8_t *keep, uint64_t *gidx)
{
    size_t *o = time_order(t);
    uint64_t *gaps = ts_calloc((size_t)t->ncpu + 1, sizeof *gaps);
    uint8_t *seen = ts_calloc((size_t)t->ncpu + 1, 1);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < t->n; k++) {
        const ft_ev *x = &t->ev[o[k]];
        if (h && h->stream && !seen[x->cpu]) {
            char nm[32];
            snprintf(nm, sizeof nm, "CPU %d", (int)x->cpu);
            rc = h->stream(h->user, (uint32_t)x->cpu, nm);
        }
        seen[x->cpu] = 1;
        if (rc) break;
        if (x->kind == FT_LOST) {
            ts_rw_gap g;
            if (gidx) gidx[x->val] = gaps[x->cpu];
            to_gap(t, x, gaps[x->cpu]++, &g);
            if (h && h->gap) rc = h->gap(h->user, &g);
            continue;
        }
        ts_rw_event e;
        to_event(t, x, &e);
        if (h && h->event) rc = h->event(h->user, &e);
        if (rw && rw->keep) {
            int r = rw->keep(rw->user, &e);
            if (r < 0) rc = line_refused(t, x);
            keep[o[k]] = r > 0;
        }
    }
    free(o);
    free(gaps);
    free(seen);
    return rc;
}

int ts__ftrace_scan_counted(const char *path, const ts_scan_hooks *h, uint64_t *overwritten, int *whole,
                            int *perf_no_lost, char **notes)
{
    if (notes) *notes = NULL;
    ft_trace t;
    int rc = ft_read(path, h->arch, &t);
    if (rc == 0) rc = walk(&t, h, NULL, NULL, NULL);
    if (rc == 0 && notes) {
        *notes = t.notes;
        t.notes = NULL;
    }
    if (rc == 0 && overwritten) *overwritten = t.overwritten;
    if (rc == 0 && whole) *whole = t.overwritten_whole;
    if (rc == 0 && perf_no_lost) {   /* (one format per file: a line of perf's is the text's shape) */
        int perf = 0;
        for (size_t i = 0; i < t.n && !perf; i++) perf = (t.ev[i].bits & FT_PERF) != 0;
        *perf_no_lost = perf && !t.nmk;
    }
    ft_free(&t);
    return rc;
}

int ts_ftrace_scan(const char *path, const ts_scan_hooks *h)
{
    return ts__ftrace_scan_counted(path, h, NULL, NULL, NULL, NULL);
}

/* ---- writing ---- */

/* the text after x's line, up to and with its line end (an event line has one) */
static const char *line_end(const ft_trace *t, const ft_ev *x)
{
    const char *nl = memchr(x->b, '\n', (size_t)(t->buf + t->size - x->b));
    return nl ? nl + 1 : t->buf + t->size;
}

/* the tracefs name of an event by its name here: sys_enter_NAME, sys_exit_NAME, else the
 * name without a tracepoint's group (perf's other names as they are) */
static void tracefs_name(const char *name, char *buf, size_t n)
{
    const char *call, *ev = ts__perf_tracepoint(name, name + strlen(name));
    ts_ev_kind k = ts_gap_classify(name, &call);
    if (k == TS_EV_ENTRY || k == TS_EV_EXIT) snprintf(buf, n, "sys_%s_%s", k == TS_EV_ENTRY ? "enter" : "exit", call);
    else snprintf(buf, n, "%s", ev ? ev : name);   /* (a modifier kept: cycles:u is no event u) */
}

/* the thread -> its name for the lines tracesynth writes (a reconstructed event's COMM-PID):
 * its latest name before the line in time order across CPUs (per-CPU files joined into one
 * text name a thread on one CPU after its later lines on another), else (a thread named only
 * further on) its name on its earliest named line; ftrace's <...> (its comm cache did not
 * hold the name) only for a thread the text never names. Its TGID in ftrace's "(TGID)"
 * column alike, from the lines that show one (a <...> line may: ftrace keeps the TGIDs
 * apart from the names), "(-------)" for a thread none shows it of */
typedef struct {
    ts__idmap ids;           /* every thread some line tells of */
    size_t   *start;         /* (ids' indices, + 1) its lines in line[start[h], start[h + 1]) */
    size_t   *line;          /* those lines (t->ev's indices), per thread in time order */
} thread_lines;

typedef struct {
    thread_lines named;      /* the lines that name their thread */
    thread_lines tgid;       /* the lines that show their thread's TGID */
    size_t      *rank;       /* (t->n) each line's place in time order */
} comm_map;

static int names_thread(const ft_trace *t, size_t i)
{
    const ft_ev *x = &t->ev[i];
    return x->kind != FT_LOST && !(x->bits & FT_RECON) && x->comm >= 0;
}

static int shows_tgid(const ft_trace *t, size_t i)
{
    const ft_ev *x = &t->ev[i];
    return x->kind != FT_LOST && !(x->bits & FT_RECON) && (x->bits & FT_TGID) && t->tgid[i] >= 0;
}

/* the lines of t (o: in time order) that tell what has() looks for, per thread */
static void lines_init(thread_lines *m, const ft_trace *t, const size_t *o, int (*has)(const ft_trace *, size_t))
{
    memset(m, 0, sizeof *m);
    for (size_t k = 0; k < t->n; k++)
        if (has(t, o[k])) ts__idmap_get(&m->ids, t->ev[o[k]].tid, 1);
    const size_t nt = m->ids.n;
    m->start = ts_calloc(nt + 1, sizeof *m->start);
    for (size_t k = 0; k < t->n; k++)
        if (has(t, o[k])) m->start[ts__idmap_get(&m->ids, t->ev[o[k]].tid, 0) + 1]++;
    for (size_t h = 0; h < nt; h++) m->start[h + 1] += m->start[h];
    size_t *fill = ts_malloc((nt ? nt : 1) * sizeof *fill);
    memcpy(fill, m->start, nt * sizeof *fill);
    m->line = ts_malloc((m->start[nt] ? m->start[nt] : 1) * sizeof *m->line);
    for (size_t k = 0; k < t->n; k++)
        if (has(t, o[k])) m->line[fill[ts__idmap_get(&m->ids, t->ev[o[k]].tid, 0)]++] = o[k];
    free(fill);
}

static void lines_free(thread_lines *m)
{
    ts__idmap_free(&m->ids);
    free(m->start);
    free(m->line);
}

static void comm_init(comm_map *m, const ft_trace *t)
{
    memset(m, 0, sizeof *m);
    size_t *o = time_order(t);
    m->rank = ts_malloc((t->n ? t->n : 1) * sizeof *m->rank);
    for (size_t k = 0; k < t->n; k++) m->rank[o[k]] = k;
    lines_init(&m->named, t, o, names_thread);
    if (t->tgid) lines_init(&m->tgid, t, o, shows_tgid);
    free(o);
}

/* the line of thread tid among l's (t->ev's index) that a line written at time ns in the
 * place of marker mk (t->ev's index) takes its name or TGID from: of lines at an earlier
 * time, or at the same one before the marker in time order, the latest; else the earliest.
 * SIZE_MAX: none */
static size_t thread_line(const ft_trace *t, const comm_map *m, thread_lines *tl, int64_t tid, int64_t ns, size_t mk)
{
    size_t h = tid >= 0 && tl->start ? ts__idmap_get(&tl->ids, tid, 0) : SIZE_MAX;
    if (h == SIZE_MAX) return SIZE_MAX;
    const size_t *l = tl->line + tl->start[h];
    size_t lo = 0, hi = tl->start[h + 1] - tl->start[h];   /* the first line not before: in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ft_ev *x = &t->ev[l[mid]];
        if (x->ns < ns || (x->ns == ns && m->rank[l[mid]] < m->rank[mk])) lo = mid + 1;
        else hi = mid;
    }
    return l[lo ? lo - 1 : 0];
}

static void comm_free(comm_map *m)
{
    lines_free(&m->named);
    lines_free(&m->tgid);
    free(m->rank);
}

/* the line end of x's line ("\r\n" in a file of CRLF lines), that the lines written beside it
 * take; "\n" without x */
static const char *eol_of(const ft_trace *t, const ft_ev *x)
{
    const char *e = x ? line_end(t, x) : NULL;
    return e && e - x->b >= 2 && e[-1] == '\n' && e[-2] == '\r' ? "\r\n" : "\n";
}

/* a line's head of the shape of s: "COMM-PID [CPU] FLAGS TIME: " as ftrace prints it, with
 * "(TGID)" where s shows it (proc; -1 not known: "(-------)"), or "COMM TID [CPU] TIME: " as
 * perf script does, "COMM PID/TID" where s shows the PID (proc; -1 not known), the numbers
 * as wide as the trace's */
static void put_head(FILE *f, const ft_trace *t, const ft_ev *s, const char *comm, int64_t proc, int64_t tid,
                     int32_t cpu, int64_t ns)
{
    int cl = (int)strlen(comm);
    if (s->bits & FT_PERF) {
        fprintf(f, "%*s%.*s ", cl < 16 ? 16 - cl : 0, "", cl, comm);
        if (s->bits & FT_PROC) fprintf(f, "%*" PRId64 "/%-*" PRId64 " ", t->w_proc, proc, t->w_tid, tid);
        else fprintf(f, "%*" PRId64 " ", t->w_tid, tid);
    } else {
        fprintf(f, "%*s%.*s-%-7" PRId64 " ", cl < 16 ? 16 - cl : 0, "", cl, comm, tid);
        if ((s->bits & FT_TGID) && proc >= 0) fprintf(f, "(%*" PRId64 ") ", t->w_tgid, proc);
        else if (s->bits & FT_TGID) {   /* ftrace's "(-------)", as wide as the column */
            fputc('(', f);
            for (int i = 0; i < t->w_tgid; i++) fputc('-', f);
            fputs(") ", f);
        }
    }
    fprintf(f, "[%03d] ", (int)cpu);
    for (int i = 0; i < s->flags; i++) fputc('.', f);
    if (s->flags) fputc(' ', f);
    if (s->frac) {
        int64_t scale = 1;
        for (int i = s->frac; i < 9; i++) scale *= 10;
        fprintf(f, "%5" PRId64 ".%0*" PRId64 ": ", ns / 1000000000, s->frac, ns % 1000000000 / scale);
    } else {
        fprintf(f, "%" PRId64 ": ", ns);
    }
}

/* one reconstructed event as a line of the shape of s (the CPU's neighbouring event): the
 * thread named as the trace names it, with its PID in perf's "PID/TID" (that of the line
 * giving the name; -1 where none shows it), its TGID in ftrace's "(TGID)" (that of the
 * thread's line showing one nearest before it, else after it; "(-------)" where none
 * does). A thread the text never names is ftrace's <...>, perf's ":TID" (perf's name for a
 * thread it knows no name of); no thread known, <...>-0 in ftrace's shape, perf's ":-1" of
 * TID -1 */
static void put_recon(FILE *f, const ft_trace *t, const ft_ev *s, const ft_ev *m, const ts_recon *r, int64_t ns,
                      comm_map *cm)
{
    char ev[200], unnamed[32] = "<...>";
    tracefs_name(r->event, ev, sizeof ev);
    const size_t named = thread_line(t, cm, &cm->named, r->tid, ns, (size_t)(m - t->ev));
    const ft_ev *n = named != SIZE_MAX ? &t->ev[named] : NULL;
    const int perf = s->bits & FT_PERF;
    int64_t proc = n && (n->bits & FT_PROC) ? t->proc[named] : -1;
    if (!perf && (s->bits & FT_TGID)) {
        const size_t g = thread_line(t, cm, &cm->tgid, r->tid, ns, (size_t)(m - t->ev));
        proc = g != SIZE_MAX ? t->tgid[g] : -1;
    }
    if (perf) snprintf(unnamed, sizeof unnamed, ":%" PRId64, r->tid >= 0 ? r->tid : -1);
    put_head(f, t, s, n ? t->names.str[n->comm] : unnamed, proc, r->tid >= 0 ? r->tid : perf ? -1 : 0, m->cpu, ns);
    /* perf's period: how many events a sample stands for (1 for a tracepoint, unless
     * recorded with -c N), which no lost sample tells: that of the CPU's sample whose shape
     * the line takes, recorded the same way (and most often of the same events); 1, one
     * event, when the CPU has no sample of its own */
    if (perf && (s->bits & FT_PERIOD))
        fprintf(f, "%*" PRId64 " ", t->w_period, s->cpu == m->cpu ? t->period[s - t->ev] : 1);
    fprintf(f, "%*s: event=%s tid=%" PRId64 " next_tid=%" PRId64 " confidence=%.3f gap_count=%" PRId64 "%s",
            perf ? t->w_name : 0, TS_FTRACE_RECON, ev, r->tid, r->next_tid, r->confidence,
            t->mk[m->val].count, eol_of(t, s));
}

/* the marker of a CPU's lost events: trace_pipe's line, or perf script's PERF_RECORD_LOST
 * with the head of the CPU's event x after it (or before it, at the end): its "PID/TID"
 * where it shows one, no period (perf prints none on it) */
static void put_lost(FILE *f, const ft_trace *t, const ft_ev *x, int32_t cpu, uint64_t count, int known)
{
    if (x && (x->bits & FT_PERF)) {
        put_head(f, t, x, x->comm >= 0 ? t->names.str[x->comm] : "<...>", x->bits & FT_PROC ? t->proc[x - t->ev] : -1,
                 x->tid, cpu, x->ns);
        fprintf(f, "PERF_RECORD_LOST lost %" PRIu64 "%s", count, eol_of(t, x));
    } else if (known) {
        fprintf(f, "CPU:%d [LOST %" PRIu64 " EVENTS]%s", (int)cpu, count, eol_of(t, x));
    } else {
        fprintf(f, "CPU:%d [LOST EVENTS]%s", (int)cpu, eol_of(t, x));
    }
}

/* the input goes out in spans of whole lines, each as long as nothing is left out or put in
 * (a line of its own per event took 3.1M stdio calls for 3.1M events); a gap's events are
 * asked of the fill hook (rw, may be NULL) as its marker is written, one gap's at a time */
static int write_text(const ft_trace *t, FILE *f, const char *out, const uint8_t *keep, const ts_rw_hooks *rw,
                      const uint64_t *gidx)
{
    const int fill = rw && rw->fill && gidx;
    int rc = 0;
    const char *pos = t->buf;   /* what is not written yet */
    size_t nc = (size_t)t->ncpu + 1;
    /* drop: events dropped, and markers of the input, since the CPU's last kept event: one
     * marker before its next (a count not known stays so) */
    uint64_t *pending = ts_calloc(nc, sizeof *pending);
    uint8_t *pend = ts_calloc(nc, 1), *unknown = ts_calloc(nc, 1);
    int64_t *last_ns = ts_malloc(nc * sizeof *last_ns);    /* the CPU's last event written */
    uint8_t *has_last = ts_calloc(nc, 1);
    const ft_ev **last_ev = ts_calloc(nc, sizeof *last_ev);   /* the CPU's last event written */
    const ft_ev *perf_line = NULL;   /* an event line of perf script's text, when it is that */
    for (size_t i = 0; i < t->n && !perf_line; i++)
        if (t->ev[i].kind != FT_LOST && (t->ev[i].bits & FT_PERF)) perf_line = &t->ev[i];
    comm_map cm;
    memset(&cm, 0, sizeof cm);
    if (fill) comm_init(&cm, t);
    for (size_t i = 0; i < t->n && rc == 0; i++) {
        const ft_ev *x = &t->ev[i];
        const ft_mark *mk = x->kind == FT_LOST ? &t->mk[x->val] : NULL;
        if ((mk && keep) || (keep && !keep[i])) {   /* left out */
            fwrite(pos, 1, (size_t)(x->b - pos), f);
            pos = line_end(t, x);
            pend[x->cpu] = 1;
            if (!mk) pending[x->cpu]++;
            else if (mk->count >= 0) pending[x->cpu] += (uint64_t)mk->count;
            else unknown[x->cpu] = 1;
            continue;
        }
        if (mk) {
            const ts_recon *rec = NULL;
            size_t n = 0;
            if (fill) {
                ts_rw_gap g;
                to_gap(t, x, gidx[x->val], &g);
                rc = rw->fill(rw->user, &g, &rec, &n);
            }
            if (rc || !n) continue;
            const char *le = line_end(t, x);
            fwrite(pos, 1, (size_t)(le - pos), f);
            pos = le;
            const ft_ev *s = mk->shape ? &t->ev[mk->shape - 1] : x;
            /* a marker on the last line, no newline after it (its carriage return, of a CRLF
             * line, there or not) */
            if (le[-1] != '\n') fputs(le[-1] == '\r' ? "\n" : eol_of(t, s), f);
            /* after the CPU's last event written (a reconstruction of the gap before, when
             * nothing was recorded between) */
            int64_t b = has_last[x->cpu] ? last_ns[x->cpu] : mk->end_ns, e = mk->end_ns < b ? b : mk->end_ns, tj = b;
            for (size_t j = 0; j < n; j++) {
                tj = b + (int64_t)((unsigned __int128)(e - b) * (j + 1) / (n + 1));
                put_recon(f, t, s, x, &rec[j], tj, &cm);
            }
            last_ns[x->cpu] = tj;
            has_last[x->cpu] = 1;
            continue;
        }
        if (pend[x->cpu]) {
            fwrite(pos, 1, (size_t)(x->b - pos), f);
            pos = x->b;
            put_lost(f, t, x, x->cpu, pending[x->cpu], !unknown[x->cpu]);
            pending[x->cpu] = 0;
            pend[x->cpu] = unknown[x->cpu] = 0;
        }
        last_ns[x->cpu] = x->ns;
        has_last[x->cpu] = 1;
        last_ev[x->cpu] = x;
    }
    /* losses at a CPU's end: their markers after the last line (ended first where it is the
     * file's last, read without its newline: its carriage return there or not) */
    if (rc == 0) {
        const char *last = line_end(t, &t->ev[t->n - 1]);
        fwrite(pos, 1, (size_t)(last - pos), f);
        int ended = last > t->buf && last[-1] == '\n';
        for (size_t c = 0; c < nc; c++)
            if (pend[c]) {
                const ft_ev *x = last_ev[c] ? last_ev[c] : perf_line;
                if (!ended && last > pos) fputs(last[-1] == '\r' ? "\n" : eol_of(t, x), f);
                ended = 1;
                put_lost(f, t, x, (int32_t)c, pending[c], !unknown[c]);
            }
        fwrite(last, 1, (size_t)(t->buf + t->size - last), f);
    }
    /* the reason of the writes that failed (every later one fails alike: a full disk) */
    const int e = rc == 0 && ferror(f) ? (errno ? errno : EIO) : 0;
    free(pending);
    free(pend);
    free(unknown);
    free(last_ns);
    free(has_last);
    free(last_ev);
    comm_free(&cm);
    if (rc) return rc;
    return e ? ts_fail("%s: write failed: %s", out, strerror(e)) : 0;
}

/* ---- an OUT named .gz: the text gzip-compressed on its way to the output file, through a
 * FILE of its own (fopencookie), so that write_text writes either alike ---- */
typedef struct {
    FILE         *to;
    z_stream      z;
    unsigned char buf[1 << 16];
} gz_out;

/* deflate what z holds into to: with Z_FINISH, to the end of the gzip stream */
static int gz_drain(gz_out *g, int flush)
{
    int zr;
    do {
        g->z.next_out = g->buf;
        g->z.avail_out = sizeof g->buf;
        zr = deflate(&g->z, flush);
        if (zr == Z_STREAM_ERROR) {
            errno = EIO;
            return -1;
        }
        size_t have = sizeof g->buf - g->z.avail_out;
        if (have && fwrite(g->buf, 1, have, g->to) != have) return -1;
    } while (g->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
    return 0;
}

/* a failed write returns 0, never -1: glibc takes the count as unsigned, and a -1 there
 * has it copy past the end of a large fwrite's data (a full disk crashed) */
static ssize_t gz_write(void *u, const char *p, size_t n)
{
    gz_out *g = u;
    g->z.next_in = (Bytef *)p;
    g->z.avail_in = (uInt)n;   /* stdio's buffer, far below 4 GiB */
    return gz_drain(g, Z_NO_FLUSH) ? 0 : (ssize_t)n;
}

static int gz_close(void *u)
{
    gz_out *g = u;
    int rc = gz_drain(g, Z_FINISH);
    deflateEnd(&g->z);
    free(g);
    return rc ? EOF : 0;
}

FILE *ts__gz_open(FILE *to)
{
    gz_out *g = ts_calloc(1, sizeof *g);
    g->to = to;
    if (deflateInit2(&g->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(g);
        return NULL;
    }
    cookie_io_functions_t io = {NULL, gz_write, NULL, gz_close};
    FILE *f = fopencookie(g, "w", io);
    if (!f) {
        deflateEnd(&g->z);
        free(g);
    }
    return f;
}

int ts__named_gz(const char *out)
{
    size_t n = strlen(out);
    return n > 3 && !strcmp(out + n - 3, ".gz");
}

/* what ts_ftrace_rewrite refuses before any work */
static int ftrace_out_refused(const char *path, const char *out)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return ts_fail("%s: a directory: the output of ftrace or perf script text is one file", out);
    if (ts_same_file(path, out) == 1)   /* by any path, a link's too */
        return ts_fail("%s: the output would replace the input trace", out);
    return 0;
}

/* ts_ftrace_rewrite, and *notes (when not NULL) the reader's, as ts__ftrace_scan_counted's;
 * with's files put in place with OUT, one group commit (ts__trace_rewrite_text) */
static int ft_rewrite(const char *path, const char *out, const ts_rw_hooks *h, char **notes, ts_out_set *with)
{
    if (notes) *notes = NULL;
    /* OUT's place too, before the text is read whole (a FIFO is opened only to write) */
    if (ftrace_out_refused(path, out) || ts_out_check(out)) {
        if (with) ts_out_set_abort(with);
        return -1;
    }
    ft_trace t;
    int rc = ft_read(path, h->arch, &t);
    uint8_t *keep = NULL;
    uint64_t *gidx = NULL;
    if (rc == 0) {
        keep = h->keep ? ts_calloc(t.n, 1) : NULL;
        gidx = h->fill ? ts_calloc(t.nmk + 1, sizeof *gidx) : NULL;
        rc = walk(&t, NULL, h, keep, gidx);
    }
    if (rc == 0) {
        ts_outfile of;
        /* with a file of with: OUT written into a stage beside it (a link's: beside its
         * file), committed with with's as one group */
        ts_out_set os;
        const int grouped = with && with->staged && !ts_out_is_stream(out);
        rc = grouped ? ts_out_set_open(&os, &out, 1) : 0;
        int os_open = grouped && rc == 0;   /* until committed or discarded */
        if (rc == 0) rc = ts_out_open(&of, grouped ? ts_out_set_path(&os, 0) : out);
        if (rc == 0) {
            /* a buffer of our own for the lines written one by one: given none, stdio keeps
             * its default size whatever size is asked */
            char *vbuf = ts_malloc(1 << 20);
            setvbuf(of.f, vbuf, _IOFBF, 1 << 20);
            /* OUT named .gz is written as gzip, as such a trace is read */
            FILE *gz = ts__named_gz(out) ? ts__gz_open(of.f) : NULL;
            if (ts__named_gz(out) && !gz) rc = ts_fail("%s: cannot start gzip compression", out);
            if (rc == 0) rc = write_text(&t, gz ? gz : of.f, out, keep, h, gidx);
            if (gz) {
                errno = 0;
                if (fclose(gz) != 0 && rc == 0) rc = ts_fail("%s: write failed: %s", out, strerror(errno ? errno : EIO));
            }
            /* the streams last (h->last: a model to a FIFO), once the trace is written: where
             * it is itself a stream (-o -), all of it first */
            if (rc == 0 && of.direct) {
                rc = ts_out_commit(&of);
                if (rc == 0 && h->last) rc = h->last(h->last_user);
                if (rc == 0 && with) {
                    rc = ts_out_set_commit(with);
                    with = NULL;
                }
            } else if (rc == 0 && h->last && h->last(h->last_user) != 0) {
                rc = -1;
                ts_out_abort(&of);
            } else if (rc == 0 && grouped) {
                /* one group commit: a signal, SIGKILL or a power cut leaves both old or both new */
                if (ts_out_commit(&of) != 0) {
                    rc = -1;
                } else {
                    rc = ts_out_set_commit_with(&os, &with, 1);
                    os_open = 0;
                    with = NULL;
                }
            } else if (rc == 0) {
                rc = ts_out_commit(&of);
            } else {
                ts_out_abort(&of);
            }
            free(vbuf);
        }
        if (os_open) ts_out_set_abort(&os);   /* (its error names OUT, not its place in the stage) */
    }
    if (rc == 0 && notes) {
        *notes = t.notes;
        t.notes = NULL;
    }
    if (with) ts_out_set_abort(with);
    free(keep);
    free(gidx);
    ft_free(&t);
    return rc;
}

int ts_ftrace_rewrite(const char *path, const char *out, const ts_rw_hooks *h)
{
    return ft_rewrite(path, out, h, NULL, NULL);
}

/* ---- either kind ---- */
int ts_trace_is_ftrace(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* a pipe or a device is neither kind: ftrace text is read more than once */
static int neither_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) return 0;
    return ts_fail("%s: neither a CTF trace (a directory) nor ftrace or perf script text (a regular file; a pipe's text "
                   "is read more than once: save it to a file first)", path);
}

/* an architecture names raw_syscalls numbers: a CTF trace has none (LTTng names each call) */
static int ctf_arch(const char *path, const char *arch)
{
    struct stat st;
    if (!arch || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;   /* (no trace: ts_ctf_*'s error) */
    return ts_fail("%s: a CTF trace, whose events name their system calls: an architecture (%s) is for "
                   "ftrace text's raw_syscalls numbers", path, arch);
}

int ts_trace_scan(const char *path, const ts_scan_hooks *h)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!h) return ts_fail_null(__func__, "h");
    if (neither_kind(path)) return -1;
    if (ts_trace_is_ftrace(path)) return ts_ftrace_scan(path, h);
    return ctf_arch(path, h->arch) ? -1 : ts_ctf_scan(path, h);
}

int ts__trace_rewrite_text(const char *path, const char *out, const ts_rw_hooks *h, const char *text, char **notes,
                           ts_out_set *with)
{
    if (notes) *notes = NULL;
    int rc = neither_kind(path);
    if (rc == 0 && ts_trace_is_ftrace(path)) {
        if (!text) return ft_rewrite(path, out, h, notes, with);
        rc = ts_fail("%s: the text output is for a CTF trace; this is ftrace or perf script text", path);
    }
    if (rc == 0 && ctf_arch(path, h->arch)) rc = -1;
    if (rc == 0) return ts__ctf_rewrite_text(path, out, h, text, with);
    if (with) ts_out_set_abort(with);
    return -1;
}

int ts_trace_rewrite(const char *path, const char *out, const ts_rw_hooks *h)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!out) return ts_fail_null(__func__, "out");
    if (!h) return ts_fail_null(__func__, "h");
    return ts__trace_rewrite_text(path, out, h, NULL, NULL, NULL);
}

int ts_trace_rewrite_check(const char *path, const char *out)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!out) return ts_fail_null(__func__, "out");
    if (neither_kind(path)) return -1;
    if (!ts_trace_is_ftrace(path)) return ts_ctf_rewrite_check(path, out);
    return ftrace_out_refused(path, out) ? -1 : ts_out_check(out);
}
