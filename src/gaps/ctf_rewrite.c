/* Reading and rewriting LTTng CTF traces through libbabeltrace2 (see repair.h).
 *
 * The rewriter is a filter component of ours between flt.utils.muxer and
 * sink.ctf.fs. Its message iterator re-creates, on first sight, the input's trace
 * class, clock classes, stream classes and event classes (every field class copied,
 * dynamic arrays and variants with their length / selector fields found again by
 * their field paths), then every stream, packet and event, copying every field.
 * Each copied stream class gets one more event class, tracesynth:reconstructed.
 *
 * sink.ctf.fs's rules for discarded events (babeltrace2-sink.ctf.fs(7)): the stream
 * class supports packets; a discarded-events message sits between a packet end and
 * a packet beginning, begins at the time of the last packet end and ends at the time
 * of the next packet end. So:
 *  - drop: the first dropped event of a burst closes the current packet (at the time
 *    of its last kept event); the next kept event opens a packet that covers the gap
 *    [previous end, its time] and holds no event, preceded by the discarded-events
 *    message for the gap, and then a packet for itself and what follows.
 *  - fill: a gap of the input keeps its discarded-events message as it is; the packet
 *    after it begins at the gap's start and first holds the reconstructed events,
 *    spread over [gap start, time of that packet's first event]. */
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"

#include <babeltrace2/babeltrace.h>
#include "data/ctf_fields.h"
#include "data/ctf_isolate.h"
#include "data/data_internal.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- pointer map (open addressing) ---- */
typedef struct {
    const void **k;
    void       **v;
    size_t       cap, used;
} ptrmap;

static size_t pm_slot(const ptrmap *m, const void *k)
{
    size_t h = (size_t)(((uintptr_t)k >> 4) * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->k[h] && m->k[h] != k) h = (h + 1) & (m->cap - 1);
    return h;
}
static void *pm_get(const ptrmap *m, const void *k)
{
    if (!m->cap) return NULL;
    size_t h = pm_slot(m, k);
    return m->k[h] ? m->v[h] : NULL;
}
static void pm_put(ptrmap *m, const void *k, void *v)
{
    if (2 * (m->used + 1) > m->cap) {
        ptrmap g = {NULL, NULL, m->cap ? 2 * m->cap : 256, 0};
        g.k = ts_calloc(g.cap, sizeof *g.k);
        g.v = ts_calloc(g.cap, sizeof *g.v);
        for (size_t i = 0; i < m->cap; i++)
            if (m->k[i]) { size_t h = pm_slot(&g, m->k[i]); g.k[h] = m->k[i]; g.v[h] = m->v[i]; g.used++; }
        free(m->k);
        free(m->v);
        *m = g;
    }
    size_t h = pm_slot(m, k);
    if (!m->k[h]) m->used++;
    m->k[h] = k;
    m->v[h] = v;
}
static void pm_free(ptrmap *m) { free(m->k); free(m->v); memset(m, 0, sizeof *m); }

/* ---- what a reader knows: streams, the thread on each CPU ---- */
typedef struct {
    const bt_stream *s;
    int32_t  cpu;
    uint64_t gaps;
} rstream;

typedef struct {
    rstream  *streams;
    size_t    n_streams, last;
    int64_t  *cpu_tid;     /* (ncpu) */
    size_t    ncpu;
    uint64_t  events;
    double    t0, shown;
    int       progress;
    int     (*on_stream)(void *user, uint32_t stream, const char *name);
    void     *user;
    int       failed;
    int64_t   lost_sum;    /* the gaps' known counts so far: their totals fit */
    char      err[512];    /* a gap past that (failed): why, without the trace's name */
} reader;

/* a stream's name: its file's, else "stream-ID" in buf */
static const char *stream_name(const bt_stream *s, char buf[32])
{
    const char *nm = bt_stream_get_name(s);
    if (nm) {
        const char *slash = strrchr(nm, '/');
        return slash ? slash + 1 : nm;
    }
    snprintf(buf, 32, "stream-%llu", (unsigned long long)bt_stream_get_id(s));
    return buf;
}


static uint32_t reader_stream(reader *r, const bt_stream *s)
{
    if (r->last < r->n_streams && r->streams[r->last].s == s) return (uint32_t)r->last;
    for (size_t i = 0; i < r->n_streams; i++)
        if (r->streams[i].s == s) return (uint32_t)(r->last = i);
    r->streams = ts_realloc(r->streams, (r->n_streams + 1) * sizeof *r->streams);
    rstream *rs = &r->streams[r->n_streams];
    rs->s = s;
    rs->cpu = -1;
    rs->gaps = 0;
    if (r->on_stream && !r->failed) {
        char buf[32];
        if (r->on_stream(r->user, (uint32_t)r->n_streams, stream_name(s, buf))) r->failed = 1;
    }
    return (uint32_t)(r->last = r->n_streams++);
}

static void progress_line(reader *r, int force)
{
    if (!r->progress || (force && !r->events)) return;   /* no event: nothing to report (an error follows) */
    double now = ts_now();
    if (!force && now - r->shown < ts__ctf_progress_every()) return;
    r->shown = now;
    ts__ctf_progress_line(r->events, now - r->t0, force);
}

/* fills e from an event message */
static void decode(reader *r, const bt_message *m, ts_rw_event *e)
{
    const bt_event *ev = bt_message_event_borrow_event_const(m);
    const bt_event_class *ec = bt_event_borrow_class_const(ev);
    const bt_stream *s = bt_event_borrow_stream_const(ev);
    memset(e, 0, sizeof *e);
    e->stream = reader_stream(r, s);
    rstream *rs = &r->streams[e->stream];
    const char *name = bt_event_class_get_name(ec);
    e->name = name ? name : "";
    int64_t cpu = -1;
    const bt_packet *pkt = bt_event_borrow_packet_const(ev);
    if (pkt && ts__bt_field_int(ts__bt_member(bt_packet_borrow_context_field_const(pkt), "cpu_id"), &cpu) == 0 &&
        cpu >= 0 && cpu < 65536)
        rs->cpu = (int32_t)cpu;
    e->cpu = rs->cpu;
    if (bt_stream_class_borrow_default_clock_class_const(bt_stream_borrow_class_const(s))) {
        const bt_clock_snapshot *cs = bt_message_event_borrow_default_clock_snapshot_const(m);
        if (bt_clock_snapshot_get_ns_from_origin(cs, &e->time_ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
            e->time_ns = 0;
    }
    if (e->cpu >= 0 && (size_t)e->cpu >= r->ncpu) {
        size_t nc = (size_t)e->cpu + 1;
        r->cpu_tid = ts_realloc(r->cpu_tid, nc * sizeof *r->cpu_tid);
        for (size_t i = r->ncpu; i < nc; i++) r->cpu_tid[i] = -1;
        r->ncpu = nc;
    }
    e->tid = e->cpu >= 0 ? r->cpu_tid[e->cpu] : -1;
    e->prev_tid = e->next_tid = -1;
    const bt_field *pl = bt_event_borrow_payload_field_const(ev);
    if (!strcmp(e->name, "sched_switch") || !strcmp(e->name, TS_SWITCH_CLASS)) {
        e->kind = TS_EV_SWITCH;
        ts__bt_field_int(ts__bt_member(pl, "prev_tid"), &e->prev_tid);
        ts__bt_field_int(ts__bt_member(pl, "next_tid"), &e->next_tid);
        if (e->cpu >= 0 && e->next_tid >= 0) r->cpu_tid[e->cpu] = e->next_tid;
        r->events++;
        if ((r->events & 0xffff) == 0) progress_line(r, 0);
        return;
    }
    if (!strcmp(e->name, "sched_process_exec")) {
        /* as the ingest (src/data/ctf.c): the event and what follows are of the thread it
         * leaves on the CPU */
        e->kind = TS_EV_EXEC;
        /* the thread it ran in: its old_tid, which a gap's lost switch leaves right where
         * the CPU's thread last seen would not; else that thread */
        if (ts__bt_field_int(ts__bt_member(pl, "old_tid"), &e->prev_tid) || e->prev_tid < 0) e->prev_tid = e->tid;
        e->next_tid = e->tid = ts__exec_tid(pl, e->prev_tid);
        if (e->cpu >= 0) r->cpu_tid[e->cpu] = e->tid;
        r->events++;
        if ((r->events & 0xffff) == 0) progress_line(r, 0);
        return;
    }
    const char *nm = e->name;
    if (!strcmp(e->name, TS_RECON_CLASS)) {
        /* classified as the event it stands for; its thread is in its payload */
        const bt_field *f = ts__bt_member(pl, "event");
        e->recon = f && bt_field_get_class_type(f) == BT_FIELD_CLASS_TYPE_STRING ? bt_field_string_get_value(f) : "";
        ts__bt_field_int(ts__bt_member(pl, "tid"), &e->tid);
        nm = e->recon;
        if (!strcmp(nm, "sched_switch")) {
            e->kind = TS_EV_SWITCH;
            e->prev_tid = e->tid;
            ts__bt_field_int(ts__bt_member(pl, "next_tid"), &e->next_tid);
            /* a switch to a thread that cannot be told: what follows is of an unknown
             * thread, not the one that left */
            if (e->cpu >= 0) r->cpu_tid[e->cpu] = e->next_tid >= 0 ? e->next_tid : -1;
        }
    }
    const char *call;
    ts_ev_kind k = ts_gap_classify(nm, &call);   /* entries and exits of every LTTng version */
    if (k == TS_EV_ENTRY || k == TS_EV_EXIT) {
        e->kind = k;
        e->call = call;
    }
    if (e->kind == TS_EV_EXIT && !e->recon) ts__bt_field_int(ts__bt_member(pl, "ret"), &e->ret);
    r->events++;
    if ((r->events & 0xffff) == 0) progress_line(r, 0);
}

/* fills g from a discarded-events message: 0, or -1 (r->failed, r->err) when its count takes
 * the total to 2^63 - 1 or past, as ftrace's markers are refused */
static int decode_gap(reader *r, const bt_message *m, ts_rw_gap *g)
{
    memset(g, 0, sizeof *g);
    const bt_stream *s = bt_message_discarded_events_borrow_stream_const(m);
    g->stream = reader_stream(r, s);
    g->cpu = r->streams[g->stream].cpu;
    g->index = r->streams[g->stream].gaps++;
    g->count_known = bt_message_discarded_events_get_count(m, &g->count) == BT_PROPERTY_AVAILABILITY_AVAILABLE;
    if (!g->count_known) g->count = 0;
    if (bt_stream_class_discarded_events_have_default_clock_snapshots(bt_stream_borrow_class_const(s))) {
        const bt_clock_snapshot *b = bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m);
        const bt_clock_snapshot *e = bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m);
        g->has_times = bt_clock_snapshot_get_ns_from_origin(b, &g->begin_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK &&
                       bt_clock_snapshot_get_ns_from_origin(e, &g->end_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
    }
    if (!ts__lost_add(&r->lost_sum, g->count)) return 0;
    char buf[32];
    snprintf(r->err, sizeof r->err, "stream %s, gap %llu: " TS__LOST_SUM("gap"), stream_name(s, buf),
             (unsigned long long)g->index + 1);
    r->failed = 1;
    return -1;
}

/* a packet's cpu_id as soon as the packet begins */
static void note_packet(reader *r, const bt_message *m)
{
    const bt_packet *p = bt_message_packet_beginning_borrow_packet_const(m);
    uint32_t i = reader_stream(r, bt_packet_borrow_stream_const(p));
    int64_t cpu;
    if (ts__bt_field_int(ts__bt_member(bt_packet_borrow_context_field_const(p), "cpu_id"), &cpu) == 0 && cpu >= 0 && cpu < 65536)
        r->streams[i].cpu = (int32_t)cpu;
}

static void reader_free(reader *r)
{
    free(r->streams);
    free(r->cpu_tid);
}

/* ---- the input: trace directory checks ---- */
char *ts_ctf_trace_dir(const char *dir)
{
    if (!dir) return ts_fail_null(__func__, "dir"), NULL;
    char *out = ts__ctf_find_dir(dir);
    if (!out) return NULL;
    struct stat sb;
    /* stream files shorter than their LTTng index says */
    DIR *d = opendir(out);
    struct dirent *de;
    int bad = 0;
    while (d && !bad && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "metadata")) continue;
        char *p = ts_path_join(out, de->d_name), name[600];
        snprintf(name, sizeof name, "index/%s.idx", de->d_name);
        char *ip = ts_path_join(out, name);
        uint64_t complete, total, packets, missing;
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
            ts__ctf_index_extent(ip, (uint64_t)sb.st_size, &complete, &total, &packets, &missing) == 0 &&
            total > (uint64_t)sb.st_size) {
            ts_fail("%s: stream file %s is cut short: %llu bytes of the %llu its index lists "
                    "('tracesynth ingest' reads the complete packets of such a trace)", dir, de->d_name,
                    (unsigned long long)sb.st_size, (unsigned long long)total);
            bad = 1;
        }
        free(p);
        free(ip);
    }
    if (d) closedir(d);
    if (bad) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- scan: a simple sink ---- */
typedef struct {
    reader r;
    const ts_scan_hooks *h;
    int failed;
} scan_state;

static bt_graph_simple_sink_component_consume_func_status scan_consume(bt_message_iterator *it, void *data)
{
    scan_state *st = data;
    bt_message_array_const msgs;
    uint64_t count;
    bt_graph_simple_sink_component_consume_func_status status;
    if (!ts__bt_next(it, &msgs, &count, &status)) return status;
    for (uint64_t i = 0; i < count; i++) {
        const bt_message *m = msgs[i];
        bt_message_type t = bt_message_get_type(m);
        if (!st->failed) {
            if (t == BT_MESSAGE_TYPE_EVENT) {
                ts_rw_event e;
                decode(&st->r, m, &e);
                if (st->h->event && st->h->event(st->h->user, &e)) st->failed = 1;
            } else if (t == BT_MESSAGE_TYPE_DISCARDED_EVENTS) {
                ts_rw_gap g;
                if (decode_gap(&st->r, m, &g) || (st->h->gap && st->h->gap(st->h->user, &g))) st->failed = 1;
            } else if (t == BT_MESSAGE_TYPE_PACKET_BEGINNING) {
                note_packet(&st->r, m);
            } else if (t == BT_MESSAGE_TYPE_STREAM_BEGINNING) {
                reader_stream(&st->r, bt_message_stream_beginning_borrow_stream_const(m));
            }
            if (st->r.failed) st->failed = 1;
        }
        bt_message_put_ref(m);
    }
    /* a hook's error: end the graph cleanly, the caller reports it */
    return st->failed ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END
                      : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static int scan_here(const char *dir, const ts_scan_hooks *h)
{
    char *tdir = ts_ctf_trace_dir(dir);
    if (!tdir) return -1;
    scan_state st;
    memset(&st, 0, sizeof st);
    st.h = h;
    st.r.progress = h->progress;
    st.r.t0 = st.r.shown = ts_now();
    st.r.on_stream = h->stream;
    st.r.user = h->user;
    ts__bt_pipeline p;
    const bt_component_sink *snk = NULL;
    int rc = ts__bt_pipeline_open(&p, tdir, dir);
    if (rc == 0 && bt_graph_add_simple_sink_component(p.g, "sink", NULL, scan_consume, NULL, &st, &snk))
        rc = ts__bt_fail(dir, "cannot set up the trace reader");
    if (rc == 0) rc = ts__bt_pipeline_sink(&p, snk, dir);
    if (rc == 0) rc = ts__bt_pipeline_run(&p, dir, "cannot read the trace");
    progress_line(&st.r, 1);
    if (rc == 0 && st.r.err[0]) rc = ts_fail("%s: %s", dir, st.r.err);
    if (rc == 0 && st.failed) rc = -1;   /* the hook's own error stands */
    ts__bt_pipeline_free(&p);
    reader_free(&st.r);
    free(tdir);
    return rc;
}


/* ts_ctf_scan: the reading in a child process (ctf_isolate.c), each hook's argument sent
 * here as a record, the hooks run here. Records: u8 tag, then
 *   'S' u32 stream, str name
 *   'E' u32 stream, i32 cpu, i64 tid, time_ns, prev_tid, next_tid, ret, u32 kind, str name,
 *       str recon, i32 call (-1 NULL, -2 "", else its offset in recon, or in name without recon)
 *   'G' u32 stream, i32 cpu, u64 index, count, u32 has_times, i64 begin_ns, end_ns
 *   'X' u32 rc, rc != 0: str error; then u32 MAGIC */
#define SCAN_MAGIC 0x54535343u   /* "TSSC" */

static void put_u8(ts__wr *w, uint8_t v) { ts__put(w, &v, 1); }

static int send_stream(void *u, uint32_t k, const char *name)
{
    ts__wr *w = u;
    put_u8(w, 'S');
    ts__put_u32(w, k);
    ts__put_str(w, name);
    return w->bad ? -1 : 0;
}

static int send_event(void *u, const ts_rw_event *e)
{
    ts__wr *w = u;
    const char *base = e->recon ? e->recon : e->name;
    size_t lb = strlen(base);
    int32_t call = !e->call ? -1 : e->call >= base && e->call <= base + lb ? (int32_t)(e->call - base) : -2;
    if (call == -2 && *e->call) call = -1;   /* not in the name: never so (ts_gap_classify points into it) */
    put_u8(w, 'E');
    ts__put_u32(w, e->stream);
    ts__put_u32(w, (uint32_t)e->cpu);
    ts__put_i64(w, e->tid);
    ts__put_i64(w, e->time_ns);
    ts__put_i64(w, e->prev_tid);
    ts__put_i64(w, e->next_tid);
    ts__put_i64(w, e->ret);
    ts__put_u32(w, (uint32_t)e->kind);
    ts__put_str(w, e->name);
    ts__put_str(w, e->recon);
    ts__put_u32(w, (uint32_t)call);
    return w->bad ? -1 : 0;
}

static int send_gap(void *u, const ts_rw_gap *g)
{
    ts__wr *w = u;
    put_u8(w, 'G');
    ts__put_u32(w, g->stream);
    ts__put_u32(w, (uint32_t)g->cpu);
    ts__put_u64(w, g->index);
    ts__put_u64(w, g->count);
    ts__put_u32(w, (uint32_t)(g->has_times ? 1 : 0) | (g->count_known ? 2u : 0));   /* flags */
    ts__put_i64(w, g->begin_ns);
    ts__put_i64(w, g->end_ns);
    return w->bad ? -1 : 0;
}

typedef struct { const char *dir; const ts_scan_hooks *h; } scan_job;

static int scan_child(void *arg, ts__wr *w)
{
    const scan_job *j = arg;
    /* only what the caller has a hook for */
    ts_scan_hooks send = {w, j->h->stream ? send_stream : NULL, j->h->event ? send_event : NULL,
                          j->h->gap ? send_gap : NULL, j->h->progress, NULL};
    int rc = scan_here(j->dir, &send);
    if (w->bad) return 3;   /* this process is gone */
    put_u8(w, 'X');
    ts__put_u32(w, rc ? 1 : 0);
    if (rc) ts__put_str(w, ts_error());
    ts__put_u32(w, SCAN_MAGIC);
    return 0;
}

/* a string into a buffer that grows; *is_null when NULL was sent */
static int get_str_buf(FILE *f, char **buf, size_t *cap, int *is_null)
{
    uint32_t l;
    if (ts__get_u32(f, &l)) return -1;
    *is_null = l == 0xFFFFFFFFu;
    if (*is_null) return 0;
    if (l >= (64u << 20)) return -1;
    if ((size_t)l + 1 > *cap) {
        *cap = (size_t)l + 1 > 2 * *cap ? (size_t)l + 1 : 2 * *cap;
        *buf = ts_realloc(*buf, *cap);
    }
    (*buf)[l] = 0;
    return ts__get(f, *buf, l);
}

/* the child's records to the hooks: 1 the end record read (*child_rc, *err its result),
 * 0 a hook failed (*hook_failed), -1 the records stopped short or are malformed */
static int scan_records(FILE *in, const ts_scan_hooks *h, int *child_rc, char **err, int *hook_failed)
{
    char *name = NULL, *recon = NULL;
    size_t ncap = 0, rcap = 0;
    int rc = -1;
    *hook_failed = 0;
    for (;;) {
        uint8_t tag;
        if (ts__get(in, &tag, 1)) break;
        if (tag == 'S') {
            uint32_t k;
            int null;
            if (ts__get_u32(in, &k) || get_str_buf(in, &name, &ncap, &null) || null) break;
            if (h->stream && h->stream(h->user, k, name)) { *hook_failed = 1; rc = 0; break; }
        } else if (tag == 'E') {
            ts_rw_event e;
            memset(&e, 0, sizeof e);
            uint32_t cpu, kind, call;
            int nnull, rnull;
            if (ts__get_u32(in, &e.stream) || ts__get_u32(in, &cpu) || ts__get_i64(in, &e.tid) ||
                ts__get_i64(in, &e.time_ns) || ts__get_i64(in, &e.prev_tid) || ts__get_i64(in, &e.next_tid) ||
                ts__get_i64(in, &e.ret) || ts__get_u32(in, &kind) || get_str_buf(in, &name, &ncap, &nnull) ||
                get_str_buf(in, &recon, &rcap, &rnull) || ts__get_u32(in, &call) || nnull || kind > TS_EV_EXEC)
                break;
            e.cpu = (int32_t)cpu;
            e.kind = (ts_ev_kind)kind;
            e.name = name;
            e.recon = rnull ? NULL : recon;
            const char *base = e.recon ? e.recon : e.name;
            int32_t c = (int32_t)call;
            if (c >= 0 && (size_t)c > strlen(base)) break;
            e.call = c == -1 ? NULL : c == -2 ? "" : c >= 0 ? base + c : NULL;
            if (c < -2) break;
            if (h->event && h->event(h->user, &e)) { *hook_failed = 1; rc = 0; break; }
        } else if (tag == 'G') {
            ts_rw_gap g;
            memset(&g, 0, sizeof g);
            uint32_t cpu, has;
            if (ts__get_u32(in, &g.stream) || ts__get_u32(in, &cpu) || ts__get_u64(in, &g.index) ||
                ts__get_u64(in, &g.count) || ts__get_u32(in, &has) || ts__get_i64(in, &g.begin_ns) ||
                ts__get_i64(in, &g.end_ns))
                break;
            g.cpu = (int32_t)cpu;
            g.has_times = (has & 1) != 0;
            g.count_known = (has & 2) != 0;
            if (h->gap && h->gap(h->user, &g)) { *hook_failed = 1; rc = 0; break; }
        } else if (tag == 'X') {
            uint32_t r, magic;
            *err = NULL;
            if (ts__get_u32(in, &r) || (r && (ts__get_str(in, err) || !*err)) || ts__get_u32(in, &magic) ||
                magic != SCAN_MAGIC) {
                free(*err);
                *err = NULL;
                break;
            }
            *child_rc = (int)r;
            rc = 1;
            break;
        } else {
            break;
        }
    }
    free(name);
    free(recon);
    return rc;
}

int ts_ctf_scan(const char *dir, const ts_scan_hooks *h)
{
    /* the directory's own errors without a process */
    char *tdir = ts_ctf_trace_dir(dir);
    if (!tdir) return -1;
    free(tdir);
    scan_job j = {dir, h};
    ts__child c;
    if (ts__child_start(&c, dir, "read", scan_child, &j)) return -1;
    int child_rc = 0, hook_failed = 0;
    char *err = NULL;
    int got = scan_records(c.in, h, &child_rc, &err, &hook_failed);
    int rc = ts__child_end(&c, got == 1, hook_failed);
    if (rc == 0 && child_rc) rc = ts__child_error(&c, err);
    free(err);
    return rc;
}

/* ---- the rewriter's filter ---- */
typedef enum { RW_COPY = 0, RW_DROP, RW_FILL } rw_mode;
/* the environment entry every trace written here holds (its value: copy, drop or fill) */
#define RW_ENV_MARK TS__CTF_ENV_MARK

typedef struct {
    const bt_stream *in;
    bt_stream       *out;
    bt_packet       *pkt;         /* the output packet (open or held) */
    const bt_packet *in_pkt;      /* the input's current packet (a reference) */
    int              open;        /* a packet beginning was emitted and no end yet */
    uint64_t         last;        /* latest time emitted in this stream (cycles) */
    uint64_t         last_end;    /* time of the last packet end */
    uint64_t         pending;     /* drop: events dropped since the last packet end */
    int              lost_unknown; /* drop: the input lost events before its first packet, how many unknown */
    int              gap_wait;    /* fill: a gap's reconstruction waits for the next packet */
    ts_rw_gap        gap;
    uint64_t         gap_begin, gap_end;   /* cycles */
    int              held;        /* fill: the next packet's beginning is held back */
    const bt_message *last_ev;    /* the last input event (for the common context), a reference */
    const bt_message **after;     /* drop: events kept after the drops around them (keep 2), references */
    size_t           n_after;
    uint64_t         after_t;     /* drop: the latest of their times */
    const bt_event_class *recon_in;  /* key of the reconstructed class in the class map */
} ostream;

typedef struct {
    const ts_rw_hooks *h;
    rw_mode            mode;
    reader             r;
    bt_self_message_iterator *self;
    bt_message_iterator *up;
    bt_trace_class    *tc;
    bt_trace          *trace;
    const bt_trace    *in_trace;
    ptrmap             classes;   /* input clock/stream/event/field class -> ours (borrowed: owned by tc) */
    ptrmap             owned;     /* input clock class -> ours (references we hold) */
    ostream           *os;        /* parallel to r.streams */
    size_t             n_os;
    /* output queue */
    const bt_message **q;
    size_t             qhead, qlen, qcap;
    int                up_ended, failed;
    char               err[512];
} rw_iter;

typedef struct {
    const ts_rw_hooks *h;
    rw_mode mode;
    rw_iter *it;          /* for the caller's error */
    bt_trace *trace;      /* a reference to the output trace, dropped after the graph: the
                             sink must not outlive it when the graph ends on an error */
    uint64_t seen;        /* input events and gaps: a trace with neither is refused */
    char err[512];
} rw_comp;

static void push(rw_iter *w, const bt_message *m)
{
    if (!m) {
        w->failed = 1;
        if (!w->err[0]) snprintf(w->err, sizeof w->err, "cannot create a message (babeltrace2 refused it)");
        return;
    }
    if (w->qhead + w->qlen == w->qcap) {
        if (w->qhead > 0) {
            memmove(w->q, w->q + w->qhead, w->qlen * sizeof *w->q);
            w->qhead = 0;
        } else {
            w->qcap = w->qcap ? 2 * w->qcap : 1024;
            w->q = ts_realloc(w->q, w->qcap * sizeof *w->q);
        }
    }
    w->q[w->qhead + w->qlen++] = m;
}

static int rw_error(rw_iter *w, const char *fmt, const char *arg)
{
    w->failed = 1;
    if (!w->err[0]) snprintf(w->err, sizeof w->err, fmt, arg ? arg : "");
    return -1;
}

/* -- class copies -- */
typedef struct {
    const bt_field_class *root[4];   /* input scopes: packet ctx, common ctx, specific ctx, payload */
} scopes;

static const bt_field_class *resolve_path(const scopes *sc, const bt_field_path *fp)
{
    int root;
    switch (bt_field_path_get_root_scope(fp)) {
    case BT_FIELD_PATH_SCOPE_PACKET_CONTEXT: root = 0; break;
    case BT_FIELD_PATH_SCOPE_EVENT_COMMON_CONTEXT: root = 1; break;
    case BT_FIELD_PATH_SCOPE_EVENT_SPECIFIC_CONTEXT: root = 2; break;
    default: root = 3; break;
    }
    const bt_field_class *fc = sc->root[root];
    uint64_t n = bt_field_path_get_item_count(fp);
    for (uint64_t i = 0; i < n && fc; i++) {
        const bt_field_path_item *it = bt_field_path_borrow_item_by_index_const(fp, i);
        bt_field_class_type t = bt_field_class_get_type(fc);
        switch (bt_field_path_item_get_type(it)) {
        case BT_FIELD_PATH_ITEM_TYPE_INDEX: {
            uint64_t k = bt_field_path_item_index_get_index(it);
            if (t == BT_FIELD_CLASS_TYPE_STRUCTURE)
                fc = bt_field_class_structure_member_borrow_field_class_const(
                    bt_field_class_structure_borrow_member_by_index_const(fc, k));
            else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT))
                fc = bt_field_class_variant_option_borrow_field_class_const(
                    bt_field_class_variant_borrow_option_by_index_const(fc, k));
            else fc = NULL;
            break;
        }
        case BT_FIELD_PATH_ITEM_TYPE_CURRENT_ARRAY_ELEMENT:
            fc = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY) ? bt_field_class_array_borrow_element_field_class_const(fc) : NULL;
            break;
        default:
            fc = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_OPTION) ? bt_field_class_option_borrow_field_class_const(fc) : NULL;
        }
    }
    return fc;
}

/* a copy of in (a new reference), every part of it recorded in the class map */
static bt_field_class *copy_fc(rw_iter *w, const scopes *sc, const bt_field_class *in)
{
    bt_field_class_type t = bt_field_class_get_type(in);
    bt_field_class *out = NULL;
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_INTEGER)) {
        int sign = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
        if (t == BT_FIELD_CLASS_TYPE_UNSIGNED_ENUMERATION) out = bt_field_class_enumeration_unsigned_create(w->tc);
        else if (t == BT_FIELD_CLASS_TYPE_SIGNED_ENUMERATION) out = bt_field_class_enumeration_signed_create(w->tc);
        else out = sign ? bt_field_class_integer_signed_create(w->tc) : bt_field_class_integer_unsigned_create(w->tc);
        if (!out) return NULL;
        bt_field_class_integer_set_field_value_range(out, bt_field_class_integer_get_field_value_range(in));
        bt_field_class_integer_set_preferred_display_base(out, bt_field_class_integer_get_preferred_display_base(in));
        uint64_t nm = bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ENUMERATION) ? bt_field_class_enumeration_get_mapping_count(in) : 0;
        for (uint64_t i = 0; i < nm; i++) {
            if (t == BT_FIELD_CLASS_TYPE_UNSIGNED_ENUMERATION) {
                const bt_field_class_enumeration_unsigned_mapping *mp =
                    bt_field_class_enumeration_unsigned_borrow_mapping_by_index_const(in, i);
                const bt_field_class_enumeration_mapping *base = bt_field_class_enumeration_unsigned_mapping_as_mapping_const(mp);
                bt_field_class_enumeration_unsigned_add_mapping(out, bt_field_class_enumeration_mapping_get_label(base),
                    bt_field_class_enumeration_unsigned_mapping_borrow_ranges_const(mp));
            } else {
                const bt_field_class_enumeration_signed_mapping *mp =
                    bt_field_class_enumeration_signed_borrow_mapping_by_index_const(in, i);
                const bt_field_class_enumeration_mapping *base = bt_field_class_enumeration_signed_mapping_as_mapping_const(mp);
                bt_field_class_enumeration_signed_add_mapping(out, bt_field_class_enumeration_mapping_get_label(base),
                    bt_field_class_enumeration_signed_mapping_borrow_ranges_const(mp));
            }
        }
    } else if (t == BT_FIELD_CLASS_TYPE_BOOL) {
        out = bt_field_class_bool_create(w->tc);
    } else if (t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL) {
        out = bt_field_class_real_single_precision_create(w->tc);
    } else if (t == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL) {
        out = bt_field_class_real_double_precision_create(w->tc);
    } else if (t == BT_FIELD_CLASS_TYPE_STRING) {
        out = bt_field_class_string_create(w->tc);
    } else if (t == BT_FIELD_CLASS_TYPE_STRUCTURE) {
        out = bt_field_class_structure_create(w->tc);
        uint64_t n = bt_field_class_structure_get_member_count(in);
        for (uint64_t i = 0; out && i < n; i++) {
            const bt_field_class_structure_member *mb = bt_field_class_structure_borrow_member_by_index_const(in, i);
            bt_field_class *m = copy_fc(w, sc, bt_field_class_structure_member_borrow_field_class_const(mb));
            if (!m || bt_field_class_structure_append_member(out, bt_field_class_structure_member_get_name(mb), m)) {
                bt_field_class_put_ref(m);
                bt_field_class_put_ref(out);
                return NULL;
            }
            bt_field_class_put_ref(m);
        }
    } else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY)) {
        bt_field_class *el = copy_fc(w, sc, bt_field_class_array_borrow_element_field_class_const(in));
        if (!el) return NULL;
        if (t == BT_FIELD_CLASS_TYPE_STATIC_ARRAY) {
            out = bt_field_class_array_static_create(w->tc, el, bt_field_class_array_static_get_length(in));
        } else {
            bt_field_class *len = NULL;
            if (t == BT_FIELD_CLASS_TYPE_DYNAMIC_ARRAY_WITH_LENGTH_FIELD) {
                const bt_field_class *lin = resolve_path(
                    sc, bt_field_class_array_dynamic_with_length_field_borrow_length_field_path_const(in));
                len = lin ? pm_get(&w->classes, lin) : NULL;
                if (!len) {
                    bt_field_class_put_ref(el);
                    rw_error(w, "a dynamic array's length field cannot be found in the metadata%s", NULL);
                    return NULL;
                }
            }
            out = bt_field_class_array_dynamic_create(w->tc, el, len);
        }
        bt_field_class_put_ref(el);
    } else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT)) {
        bt_field_class *sel = NULL;
        if (t != BT_FIELD_CLASS_TYPE_VARIANT_WITHOUT_SELECTOR_FIELD) {
            const bt_field_class *sin = resolve_path(sc, bt_field_class_variant_with_selector_field_borrow_selector_field_path_const(in));
            sel = sin ? pm_get(&w->classes, sin) : NULL;
            if (!sel) {
                rw_error(w, "a variant's selector field cannot be found in the metadata%s", NULL);
                return NULL;
            }
        }
        out = bt_field_class_variant_create(w->tc, sel);
        uint64_t n = bt_field_class_variant_get_option_count(in);
        for (uint64_t i = 0; out && i < n; i++) {
            const bt_field_class_variant_option *op = bt_field_class_variant_borrow_option_by_index_const(in, i);
            bt_field_class *ofc = copy_fc(w, sc, bt_field_class_variant_option_borrow_field_class_const(op));
            const char *name = bt_field_class_variant_option_get_name(op);
            int bad = !ofc;
            if (!bad && t == BT_FIELD_CLASS_TYPE_VARIANT_WITHOUT_SELECTOR_FIELD)
                bad = bt_field_class_variant_without_selector_append_option(out, name, ofc) != 0;
            else if (!bad && t == BT_FIELD_CLASS_TYPE_VARIANT_WITH_UNSIGNED_INTEGER_SELECTOR_FIELD)
                bad = bt_field_class_variant_with_selector_field_integer_unsigned_append_option(out, name, ofc,
                    bt_field_class_variant_with_selector_field_integer_unsigned_option_borrow_ranges_const(
                        bt_field_class_variant_with_selector_field_integer_unsigned_borrow_option_by_index_const(in, i))) != 0;
            else if (!bad)
                bad = bt_field_class_variant_with_selector_field_integer_signed_append_option(out, name, ofc,
                    bt_field_class_variant_with_selector_field_integer_signed_option_borrow_ranges_const(
                        bt_field_class_variant_with_selector_field_integer_signed_borrow_option_by_index_const(in, i))) != 0;
            bt_field_class_put_ref(ofc);
            if (bad) {
                bt_field_class_put_ref(out);
                return NULL;
            }
        }
    } else {
        rw_error(w, "a field class of a kind CTF 1.8 does not have (option or bit array)%s", NULL);
        return NULL;
    }
    if (out) pm_put(&w->classes, in, out);
    return out;
}

static void copy_field(const bt_field *in, bt_field *out)
{
    bt_field_class_type t = bt_field_get_class_type(in);
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        bt_field_integer_unsigned_set_value(out, bt_field_integer_unsigned_get_value(in));
    else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        bt_field_integer_signed_set_value(out, bt_field_integer_signed_get_value(in));
    else if (t == BT_FIELD_CLASS_TYPE_BOOL)
        bt_field_bool_set_value(out, bt_field_bool_get_value(in));
    else if (t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL)
        bt_field_real_single_precision_set_value(out, bt_field_real_single_precision_get_value(in));
    else if (t == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL)
        bt_field_real_double_precision_set_value(out, bt_field_real_double_precision_get_value(in));
    else if (t == BT_FIELD_CLASS_TYPE_STRING) {   /* by its length (see ctf_write.c's set_string) */
        bt_field_string_clear(out);
        bt_field_string_append_with_length(out, bt_field_string_get_value(in), bt_field_string_get_length(in));
    } else if (t == BT_FIELD_CLASS_TYPE_STRUCTURE) {
        uint64_t n = bt_field_class_structure_get_member_count(bt_field_borrow_class_const(in));
        for (uint64_t i = 0; i < n; i++)
            copy_field(bt_field_structure_borrow_member_field_by_index_const(in, i),
                       bt_field_structure_borrow_member_field_by_index(out, i));
    } else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_ARRAY)) {
        uint64_t n = bt_field_array_get_length(in);
        if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_DYNAMIC_ARRAY)) bt_field_array_dynamic_set_length(out, n);
        for (uint64_t i = 0; i < n; i++)
            copy_field(bt_field_array_borrow_element_field_by_index_const(in, i),
                       bt_field_array_borrow_element_field_by_index(out, i));
    } else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT)) {
        uint64_t k = bt_field_variant_get_selected_option_index(in);
        bt_field_variant_select_option_by_index(out, k);
        copy_field(bt_field_variant_borrow_selected_option_field_const(in),
                   bt_field_variant_borrow_selected_option_field(out));
    }
}

static bt_clock_class *copy_clock(rw_iter *w, const bt_clock_class *in)
{
    bt_clock_class *out = pm_get(&w->owned, in);
    if (out) return out;
    bt_self_component *self = bt_self_message_iterator_borrow_component(w->self);
    out = bt_clock_class_create(self);
    if (!out) return NULL;
    if (bt_clock_class_get_name(in)) bt_clock_class_set_name(out, bt_clock_class_get_name(in));
    if (bt_clock_class_get_description(in)) bt_clock_class_set_description(out, bt_clock_class_get_description(in));
    bt_clock_class_set_frequency(out, bt_clock_class_get_frequency(in));
    bt_clock_class_set_precision(out, bt_clock_class_get_precision(in));
    int64_t s;
    uint64_t c;
    bt_clock_class_get_offset(in, &s, &c);
    bt_clock_class_set_offset(out, s, c);
    bt_clock_class_set_origin_is_unix_epoch(out, bt_clock_class_origin_is_unix_epoch(in));
    if (bt_clock_class_get_uuid(in)) bt_clock_class_set_uuid(out, bt_clock_class_get_uuid(in));
    pm_put(&w->owned, in, out);
    return out;
}

static int ensure_trace(rw_iter *w, const bt_stream *s)
{
    const bt_trace *in = bt_stream_borrow_trace_const(s);
    if (w->trace) {
        if (in != w->in_trace) return rw_error(w, "the input holds more than one trace%s", NULL);
        return 0;
    }
    bt_self_component *self = bt_self_message_iterator_borrow_component(w->self);
    w->tc = bt_trace_class_create(self);
    if (!w->tc) return rw_error(w, "cannot create the trace class%s", NULL);
    bt_trace_class_set_assigns_automatic_stream_class_id(w->tc, BT_FALSE);
    w->trace = bt_trace_create(w->tc);
    if (!w->trace) return rw_error(w, "cannot create the trace%s", NULL);
    w->in_trace = in;
    rw_comp *c = bt_self_component_get_data(self);
    if (!c->trace) {
        c->trace = w->trace;
        bt_trace_get_ref(c->trace);
    }
    if (bt_trace_get_name(in)) bt_trace_set_name(w->trace, bt_trace_get_name(in));
    uint64_t n = bt_trace_get_environment_entry_count(in);
    for (uint64_t i = 0; i < n; i++) {
        const char *name;
        const bt_value *v;
        bt_trace_borrow_environment_entry_by_index_const(in, i, &name, &v);
        if (bt_value_get_type(v) == BT_VALUE_TYPE_STRING)
            bt_trace_set_environment_entry_string(w->trace, name, bt_value_string_get(v));
        else if (bt_value_get_type(v) == BT_VALUE_TYPE_SIGNED_INTEGER)
            bt_trace_set_environment_entry_integer(w->trace, name, bt_value_integer_signed_get(v));
    }
    /* the mark of a trace written here, which a later drop or fill may replace (check_out) */
    static const char *const made_by[] = {"copy", "drop", "fill"};
    if (bt_trace_set_environment_entry_string(w->trace, RW_ENV_MARK, made_by[w->mode]))
        return rw_error(w, "cannot mark the trace%s", NULL);
    return 0;
}

/* the reconstructed events' class: event (string), confidence (double), tid (int64),
 * gap_begin / gap_end (ns from the clock's origin), gap_count, next_tid (a sched_switch: the
 * thread it switches to, -1 unknown) */
static bt_event_class *make_recon_class(rw_iter *w, bt_stream_class *sc, uint64_t id)
{
    bt_event_class *ec = bt_event_class_create_with_id(sc, id);
    bt_field_class *pl = bt_field_class_structure_create(w->tc);
    bt_field_class *s = bt_field_class_string_create(w->tc), *c = bt_field_class_real_double_precision_create(w->tc);
    bt_field_class *tid = bt_field_class_integer_signed_create(w->tc), *b = bt_field_class_integer_signed_create(w->tc);
    bt_field_class *e = bt_field_class_integer_signed_create(w->tc), *n = bt_field_class_integer_unsigned_create(w->tc);
    bt_field_class *nt = bt_field_class_integer_signed_create(w->tc);
    int bad = !ec || !pl || !s || !c || !tid || !b || !e || !n || !nt;
    if (!bad)
        bad = bt_event_class_set_name(ec, TS_RECON_CLASS) || bt_field_class_structure_append_member(pl, "event", s) ||
              bt_field_class_structure_append_member(pl, "confidence", c) ||
              bt_field_class_structure_append_member(pl, "tid", tid) ||
              bt_field_class_structure_append_member(pl, "gap_begin", b) ||
              bt_field_class_structure_append_member(pl, "gap_end", e) ||
              bt_field_class_structure_append_member(pl, "gap_count", n) ||
              bt_field_class_structure_append_member(pl, "next_tid", nt) ||
              bt_event_class_set_payload_field_class(ec, pl);
    bt_field_class_put_ref(pl); bt_field_class_put_ref(s); bt_field_class_put_ref(c);
    bt_field_class_put_ref(tid); bt_field_class_put_ref(b); bt_field_class_put_ref(e); bt_field_class_put_ref(n);
    bt_field_class_put_ref(nt);
    if (bad) {
        bt_event_class_put_ref(ec);
        rw_error(w, "cannot create the event class " TS_RECON_CLASS "%s", NULL);
        return NULL;
    }
    bt_event_class_put_ref(ec);   /* the stream class holds it */
    return ec;
}

static bt_stream_class *copy_stream_class(rw_iter *w, const bt_stream_class *in)
{
    bt_stream_class *out = pm_get(&w->classes, in);
    if (out) return out;
    out = bt_stream_class_create_with_id(w->tc, bt_stream_class_get_id(in));
    if (!out) { rw_error(w, "cannot create a stream class%s", NULL); return NULL; }
    bt_stream_class_set_assigns_automatic_event_class_id(out, BT_FALSE);
    bt_stream_class_set_assigns_automatic_stream_id(out, BT_FALSE);
    if (bt_stream_class_get_name(in)) bt_stream_class_set_name(out, bt_stream_class_get_name(in));
    const bt_clock_class *cc = bt_stream_class_borrow_default_clock_class_const(in);
    if (cc) {
        bt_clock_class *occ = copy_clock(w, cc);
        if (!occ) { bt_stream_class_put_ref(out); rw_error(w, "cannot create a clock class%s", NULL); return NULL; }
        bt_stream_class_set_default_clock_class(out, occ);
    }
    scopes sc = {{bt_stream_class_borrow_packet_context_field_class_const(in),
                  bt_stream_class_borrow_event_common_context_field_class_const(in), NULL, NULL}};
    /* packets (with times when there is a clock), discarded events with times */
    bt_stream_class_set_supports_packets(out, BT_TRUE, cc != NULL, cc != NULL);
    bt_stream_class_set_supports_discarded_events(out, BT_TRUE, cc != NULL);
    if (sc.root[0]) {
        bt_field_class *f = copy_fc(w, &sc, sc.root[0]);
        if (!f || bt_stream_class_set_packet_context_field_class(out, f)) {
            bt_field_class_put_ref(f);
            bt_stream_class_put_ref(out);
            rw_error(w, "cannot copy the packet context's class%s", NULL);
            return NULL;
        }
        bt_field_class_put_ref(f);
    }
    if (sc.root[1]) {
        bt_field_class *f = copy_fc(w, &sc, sc.root[1]);
        if (!f || bt_stream_class_set_event_common_context_field_class(out, f)) {
            bt_field_class_put_ref(f);
            bt_stream_class_put_ref(out);
            rw_error(w, "cannot copy the event common context's class%s", NULL);
            return NULL;
        }
        bt_field_class_put_ref(f);
    }
    pm_put(&w->classes, in, out);
    bt_stream_class_put_ref(out);   /* the trace class holds it */
    return out;
}

static bt_event_class *copy_event_class(rw_iter *w, const bt_event_class *in)
{
    bt_event_class *out = pm_get(&w->classes, in);
    if (out) return out;
    const bt_stream_class *isc = bt_event_class_borrow_stream_class_const(in);
    bt_stream_class *sc = copy_stream_class(w, isc);
    if (!sc) return NULL;
    out = bt_event_class_create_with_id(sc, bt_event_class_get_id(in));
    if (!out) { rw_error(w, "cannot create an event class%s", NULL); return NULL; }
    const char *nm = bt_event_class_get_name(in);
    if (nm) bt_event_class_set_name(out, nm);
    bt_event_class_log_level ll;
    if (bt_event_class_get_log_level(in, &ll) == BT_PROPERTY_AVAILABILITY_AVAILABLE) bt_event_class_set_log_level(out, ll);
    if (bt_event_class_get_emf_uri(in)) bt_event_class_set_emf_uri(out, bt_event_class_get_emf_uri(in));
    scopes s = {{bt_stream_class_borrow_packet_context_field_class_const(isc),
                 bt_stream_class_borrow_event_common_context_field_class_const(isc),
                 bt_event_class_borrow_specific_context_field_class_const(in),
                 bt_event_class_borrow_payload_field_class_const(in)}};
    for (int k = 2; k < 4; k++) {
        if (!s.root[k]) continue;
        bt_field_class *f = copy_fc(w, &s, s.root[k]);
        int bad = !f || (k == 2 ? bt_event_class_set_specific_context_field_class(out, f)
                                : bt_event_class_set_payload_field_class(out, f));
        bt_field_class_put_ref(f);
        if (bad) {
            bt_event_class_put_ref(out);
            rw_error(w, "cannot copy the fields of event class %s", nm ? nm : "(unnamed)");
            return NULL;
        }
    }
    pm_put(&w->classes, in, out);
    bt_event_class_put_ref(out);   /* the stream class holds it */
    return out;
}

/* the reconstructed class of an output stream class: one id above the input's largest */
static bt_event_class *recon_class(rw_iter *w, ostream *o)
{
    const bt_stream_class *isc = bt_stream_borrow_class_const(o->in);
    bt_event_class *ec = pm_get(&w->classes, (const char *)isc + 1);
    if (ec) return ec;
    uint64_t id = 0, n = bt_stream_class_get_event_class_count(isc);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = bt_event_class_get_id(bt_stream_class_borrow_event_class_by_index_const(isc, i));
        if (k + 1 > id) id = k + 1;
    }
    ec = make_recon_class(w, bt_stream_borrow_class(o->out), id);
    if (ec) pm_put(&w->classes, (const char *)isc + 1, ec);
    return ec;
}

static ostream *out_stream(rw_iter *w, const bt_stream *s)
{
    uint32_t i = reader_stream(&w->r, s);
    if (i < w->n_os && w->os[i].out) return &w->os[i];
    if (i >= w->n_os) {
        w->os = ts_realloc(w->os, (i + 1) * sizeof *w->os);
        memset(w->os + w->n_os, 0, (i + 1 - w->n_os) * sizeof *w->os);
        w->n_os = i + 1;
    }
    ostream *o = &w->os[i];
    if (ensure_trace(w, s)) return NULL;
    bt_stream_class *sc = copy_stream_class(w, bt_stream_borrow_class_const(s));
    if (!sc) return NULL;
    o->in = s;
    o->out = bt_stream_create_with_id(sc, w->trace, bt_stream_get_id(s));
    if (!o->out) { rw_error(w, "cannot create a stream%s", NULL); return NULL; }
    const char *nm = bt_stream_get_name(s);
    if (nm) {
        const char *slash = strrchr(nm, '/');
        bt_stream_set_name(o->out, slash ? slash + 1 : nm);
    }
    return o;
}

static int has_clock(const ostream *o)
{
    return bt_stream_class_borrow_default_clock_class_const(bt_stream_borrow_class_const(o->out)) != NULL;
}

static int new_packet(rw_iter *w, ostream *o)
{
    bt_packet_put_ref(o->pkt);
    o->pkt = bt_packet_create(o->out);
    if (!o->pkt) return rw_error(w, "cannot create a packet%s", NULL);
    if (o->in_pkt) {
        const bt_field *ctx = bt_packet_borrow_context_field_const(o->in_pkt);
        bt_field *octx = bt_packet_borrow_context_field(o->pkt);
        if (ctx && octx) copy_field(ctx, octx);
    }
    return 0;
}

static void emit_pb(rw_iter *w, ostream *o, uint64_t t)
{
    if (t < o->last) t = o->last;
    push(w, has_clock(o) ? bt_message_packet_beginning_create_with_default_clock_snapshot(w->self, o->pkt, t)
                         : bt_message_packet_beginning_create(w->self, o->pkt));
    o->open = 1;
    o->last = t;
}

static void emit_pe(rw_iter *w, ostream *o, uint64_t t)
{
    if (t < o->last) t = o->last;
    push(w, has_clock(o) ? bt_message_packet_end_create_with_default_clock_snapshot(w->self, o->pkt, t)
                         : bt_message_packet_end_create(w->self, o->pkt));
    o->open = 0;
    o->last = o->last_end = t;
}

/* count 0: not known (babeltrace2 then says the tracer "may have discarded" events) */
static int emit_discard(rw_iter *w, ostream *o, uint64_t b, uint64_t e, uint64_t count)
{
    if (!has_clock(o)) return rw_error(w, "the trace has no clock: discarded events cannot be written%s", NULL);
    bt_message *m = bt_message_discarded_events_create_with_default_clock_snapshots(w->self, o->out, b, e);
    if (m && count) bt_message_discarded_events_set_count(m, count);
    push(w, m);
    return 0;
}

/* drop: the events dropped since the last packet end, reported before time t */
static int flush_drops(rw_iter *w, ostream *o, uint64_t t)
{
    if (!o->pending && !o->lost_unknown) return 0;
    if (t < o->last) t = o->last;
    if (emit_discard(w, o, o->last_end, t, o->pending)) return -1;
    o->pending = 0;
    o->lost_unknown = 0;
    if (new_packet(w, o)) return -1;
    emit_pb(w, o, o->last_end);
    emit_pe(w, o, t);
    return 0;
}

static void set_member_str(bt_field *s, uint64_t i, const char *v) { bt_field_string_set_value(bt_field_structure_borrow_member_field_by_index(s, i), v); }

/* fill: the held packet begins at the gap's start and first holds the reconstructed events,
 * their times spread over [gap start, t] */
static int release_held(rw_iter *w, ostream *o, uint64_t t)
{
    if (!o->held) return 0;
    o->held = 0;
    const ts_recon *rec = NULL;
    size_t n = 0;
    if (w->h->fill && w->h->fill(w->h->user, &o->gap, &rec, &n)) return rw_error(w, "%s", ts_error());
    uint64_t b = o->gap_begin < o->last ? o->last : o->gap_begin;
    if (t < b) t = b;
    emit_pb(w, o, b);
    bt_event_class *ec = n ? recon_class(w, o) : NULL;
    if (n && !ec) return -1;
    for (size_t j = 0; j < n; j++) {
        uint64_t tj = b + (uint64_t)((unsigned __int128)(t - b) * (j + 1) / (n + 1));
        bt_message *m = has_clock(o) ? bt_message_event_create_with_packet_and_default_clock_snapshot(w->self, ec, o->pkt, tj)
                                     : bt_message_event_create_with_packet(w->self, ec, o->pkt);
        if (!m) return rw_error(w, "cannot create a reconstructed event%s", NULL);
        bt_event *ev = bt_message_event_borrow_event(m);
        bt_field *pl = bt_event_borrow_payload_field(ev);
        set_member_str(pl, 0, rec[j].event);
        bt_field_real_double_precision_set_value(bt_field_structure_borrow_member_field_by_index(pl, 1), rec[j].confidence);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(pl, 2), rec[j].tid);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(pl, 3), o->gap.begin_ns);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(pl, 4), o->gap.end_ns);
        bt_field_integer_unsigned_set_value(bt_field_structure_borrow_member_field_by_index(pl, 5), o->gap.count);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(pl, 6), rec[j].next_tid);
        bt_field *cc = bt_event_borrow_common_context_field(ev);
        if (cc && o->last_ev) {
            const bt_field *icc = bt_event_borrow_common_context_field_const(bt_message_event_borrow_event_const(o->last_ev));
            if (icc) copy_field(icc, cc);
        }
        push(w, m);
        o->last = tj;
    }
    return 0;
}

static uint64_t snap(const bt_clock_snapshot *cs) { return cs ? bt_clock_snapshot_get_value(cs) : 0; }

/* the input event m written at time t in o's open packet */
static int copy_event(rw_iter *w, ostream *o, const bt_message *m, uint64_t t)
{
    const bt_event *ev = bt_message_event_borrow_event_const(m);
    bt_event_class *ec = copy_event_class(w, bt_event_borrow_class_const(ev));
    if (!ec) return -1;
    bt_message *om = has_clock(o) ? bt_message_event_create_with_packet_and_default_clock_snapshot(w->self, ec, o->pkt, t)
                                  : bt_message_event_create_with_packet(w->self, ec, o->pkt);
    if (!om) return rw_error(w, "cannot create an event%s", NULL);
    bt_event *oev = bt_message_event_borrow_event(om);
    const bt_field *f;
    if ((f = bt_event_borrow_common_context_field_const(ev))) copy_field(f, bt_event_borrow_common_context_field(oev));
    if ((f = bt_event_borrow_specific_context_field_const(ev))) copy_field(f, bt_event_borrow_specific_context_field(oev));
    if ((f = bt_event_borrow_payload_field_const(ev))) copy_field(f, bt_event_borrow_payload_field(oev));
    push(w, om);
    if (t > o->last) o->last = t;
    if (bt_stream_class_borrow_event_common_context_field_class_const(bt_stream_borrow_class_const(o->in))) {
        bt_message_put_ref(o->last_ev);
        o->last_ev = m;
        bt_message_get_ref(m);
    }
    return 0;
}

/* drop: the events held after the drops around them (keep 2), written at time t (the next
 * kept event's, after the discarded-events record) in o's open packet, in their order */
static int release_after(rw_iter *w, ostream *o, uint64_t t)
{
    int rc = 0;
    for (size_t i = 0; i < o->n_after; i++) {
        if (!rc) rc = copy_event(w, o, o->after[i], t);
        bt_message_put_ref(o->after[i]);
    }
    o->n_after = 0;
    o->after_t = 0;
    return rc;
}

static int on_message(rw_iter *w, const bt_message *m)
{
    bt_message_type t = bt_message_get_type(m);
    switch (t) {
    case BT_MESSAGE_TYPE_STREAM_BEGINNING: {
        ostream *o = out_stream(w, bt_message_stream_beginning_borrow_stream_const(m));
        if (!o) return -1;
        push(w, bt_message_stream_beginning_create(w->self, o->out));
        return 0;
    }
    case BT_MESSAGE_TYPE_STREAM_END: {
        ostream *o = out_stream(w, bt_message_stream_end_borrow_stream_const(m));
        if (!o) return -1;
        if (w->mode == RW_DROP && o->n_after) {
            /* events held after drops that no kept event followed: after the drops, in a
             * packet of their own at the latest of their times */
            const uint64_t ta = o->after_t > o->last ? o->after_t : o->last;
            if (flush_drops(w, o, ta)) return -1;
            if (!o->open) {
                if (new_packet(w, o)) return -1;
                emit_pb(w, o, ta);
            }
            if (release_after(w, o, ta)) return -1;
        }
        if (w->mode == RW_DROP && flush_drops(w, o, o->last)) return -1;
        if (o->gap_wait && !o->held) {
            /* a gap at the very end: its reconstruction in a packet of its own */
            if (new_packet(w, o)) return -1;
            o->held = 1;
        }
        if (o->held) {
            if (release_held(w, o, o->gap_end)) return -1;
            emit_pe(w, o, o->gap_end);
            o->gap_wait = 0;
        }
        if (o->open) emit_pe(w, o, o->last);
        push(w, bt_message_stream_end_create(w->self, o->out));
        return 0;
    }
    case BT_MESSAGE_TYPE_PACKET_BEGINNING: {
        note_packet(&w->r, m);
        const bt_packet *p = bt_message_packet_beginning_borrow_packet_const(m);
        ostream *o = out_stream(w, bt_packet_borrow_stream_const(p));
        if (!o) return -1;
        bt_packet_put_ref(o->in_pkt);
        o->in_pkt = p;
        bt_packet_get_ref(p);
        int clk = bt_stream_class_packets_have_beginning_default_clock_snapshot(bt_stream_borrow_class_const(o->in));
        uint64_t tb = clk ? snap(bt_message_packet_beginning_borrow_default_clock_snapshot_const(m)) : o->last;
        if (w->mode == RW_DROP && (o->pending || o->lost_unknown)) {
            /* opened by the next kept event; before the first packet, the gap begins with it
             * (sink.ctf.fs's rule for a stream's first packet) */
            if (!o->pkt) o->last = o->last_end = tb;
            return 0;
        }
        if (new_packet(w, o)) return -1;
        if (o->gap_wait) {
            o->held = 1;
            o->gap_wait = 0;
            return 0;
        }
        emit_pb(w, o, tb);
        return 0;
    }
    case BT_MESSAGE_TYPE_PACKET_END: {
        const bt_packet *p = bt_message_packet_end_borrow_packet_const(m);
        ostream *o = out_stream(w, bt_packet_borrow_stream_const(p));
        if (!o) return -1;
        int clk = bt_stream_class_packets_have_end_default_clock_snapshot(bt_stream_borrow_class_const(o->in));
        uint64_t te = clk ? snap(bt_message_packet_end_borrow_default_clock_snapshot_const(m)) : o->last;
        if (o->held && release_held(w, o, te)) return -1;
        if (o->open) emit_pe(w, o, te);
        return 0;
    }
    case BT_MESSAGE_TYPE_EVENT: {
        const bt_event *ev = bt_message_event_borrow_event_const(m);
        ostream *o = out_stream(w, bt_event_borrow_stream_const(ev));
        if (!o) return -1;
        ts__bt_last_event(m);   /* named in an error of the muxer after it */
        ts_rw_event e;
        decode(&w->r, m, &e);
        uint64_t te = has_clock(o) ? snap(bt_message_event_borrow_default_clock_snapshot_const(m)) : 0;
        const int keep = w->mode == RW_DROP && w->h->keep ? w->h->keep(w->h->user, &e) : 1;
        if (keep < 0) return rw_error(w, "%s", ts_error());
        if (!keep) {
            if (o->open) emit_pe(w, o, o->last);
            o->pending++;
            return 0;
        }
        if (keep == 2 && w->mode == RW_DROP) {
            o->after = ts__append_room(o->after, o->n_after, sizeof *o->after);
            o->after[o->n_after++] = m;
            bt_message_get_ref(m);
            if (te > o->after_t) o->after_t = te;
            return 0;
        }
        if (w->mode == RW_DROP && (o->pending || o->lost_unknown)) {
            if (flush_drops(w, o, te) || new_packet(w, o)) return -1;
            emit_pb(w, o, te);
        }
        if (o->held && release_held(w, o, te)) return -1;
        if (!o->open) {
            if (new_packet(w, o)) return -1;
            emit_pb(w, o, te);
        }
        return release_after(w, o, te) || copy_event(w, o, m, te) ? -1 : 0;
    }
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
        ostream *o = out_stream(w, bt_message_discarded_events_borrow_stream_const(m));
        if (!o) return -1;
        ts_rw_gap g;
        if (decode_gap(&w->r, m, &g)) return rw_error(w, "%s", w->r.err);
        if (w->mode == RW_DROP) {
            /* a count not known (before a stream's first packet) stays a gap of unknown size */
            if (!g.count_known) o->lost_unknown = 1;
            o->pending += g.count;
            return 0;
        }
        int clk = bt_stream_class_discarded_events_have_default_clock_snapshots(bt_stream_borrow_class_const(o->in));
        uint64_t b = clk ? snap(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m)) : o->last_end;
        uint64_t e = clk ? snap(bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m)) : o->last;
        if (o->last_end && b != o->last_end) b = o->last_end;   /* a first packet's: its own begin */
        if (e < b) e = b;
        if (emit_discard(w, o, b, e, g.count)) return -1;
        if (w->mode == RW_FILL) {
            o->gap_wait = 1;
            o->gap = g;
            o->gap_begin = b;
            o->gap_end = e;
        }
        return 0;
    }
    default:
        /* discarded packets (overwrite mode) and inactivity: not written */
        return 0;
    }
}

static bt_message_iterator_class_next_method_status rw_next(bt_self_message_iterator *self,
                                                            bt_message_array_const msgs, uint64_t capacity,
                                                            uint64_t *count)
{
    rw_iter *w = bt_self_message_iterator_get_data(self);
    while (w->qlen == 0 && !w->up_ended && !w->failed) {
        bt_message_array_const in;
        uint64_t n;
        bt_message_iterator_next_status s = bt_message_iterator_next(w->up, &in, &n);
        /* a stream that stopped decoding may leave its reason on the thread and go on; the
         * library aborts on the next call made with an error pending: the rewriting fails */
        const bt_error *pending = s == BT_MESSAGE_ITERATOR_NEXT_STATUS_ERROR ||
                                  s == BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR ? NULL : bt_current_thread_take_error();
        if (pending) {
            if (s == BT_MESSAGE_ITERATOR_NEXT_STATUS_OK)
                for (uint64_t i = 0; i < n; i++) bt_message_put_ref(in[i]);
            bt_current_thread_move_error(pending);
            return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
        }
        if (s == BT_MESSAGE_ITERATOR_NEXT_STATUS_END) { w->up_ended = 1; break; }
        if (s == BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN) return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_AGAIN;
        if (s != BT_MESSAGE_ITERATOR_NEXT_STATUS_OK) return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
        for (uint64_t i = 0; i < n; i++) {
            if (!w->failed) on_message(w, in[i]);
            bt_message_put_ref(in[i]);
        }
    }
    if (w->failed) {
        bt_current_thread_error_append_cause_from_message_iterator(self, __FILE__, __LINE__, "%s", w->err);
        return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
    }
    if (w->qlen == 0) return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
    uint64_t k = 0;
    while (k < capacity && w->qlen) {
        msgs[k++] = w->q[w->qhead++];
        w->qlen--;
    }
    if (!w->qlen) w->qhead = 0;
    *count = k;
    return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK;
}

static bt_message_iterator_class_initialize_method_status rw_iter_init(bt_self_message_iterator *self,
                                                                       bt_self_message_iterator_configuration *cfg,
                                                                       bt_self_component_port_output *port)
{
    bt_self_component *comp = bt_self_message_iterator_borrow_component(self);
    rw_comp *c = bt_self_component_get_data(comp);
    rw_iter *w = ts_calloc(1, sizeof *w);
    w->h = c->h;
    w->mode = c->mode;
    w->self = self;
    w->r.progress = c->h->progress;
    w->r.t0 = w->r.shown = ts_now();
    c->it = w;
    bt_self_component_port_input *in =
        bt_self_component_filter_borrow_input_port_by_index((bt_self_component_filter *)comp, 0);
    if (bt_message_iterator_create_from_message_iterator(self, in, &w->up) !=
        BT_MESSAGE_ITERATOR_CREATE_FROM_MESSAGE_ITERATOR_STATUS_OK) {
        free(w);
        c->it = NULL;
        return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    bt_self_message_iterator_set_data(self, w);
    return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static void rw_iter_fini(bt_self_message_iterator *self)
{
    rw_iter *w = bt_self_message_iterator_get_data(self);
    if (!w) return;
    rw_comp *c = bt_self_component_get_data(bt_self_message_iterator_borrow_component(self));
    if (w->failed && !c->err[0]) snprintf(c->err, sizeof c->err, "%s", w->err);
    progress_line(&w->r, 1);
    c->seen = w->r.events;
    for (size_t i = 0; i < w->r.n_streams; i++) c->seen += w->r.streams[i].gaps;
    c->it = NULL;
    for (size_t i = 0; i < w->qlen; i++) bt_message_put_ref(w->q[w->qhead + i]);
    free(w->q);
    for (size_t i = 0; i < w->n_os; i++) {
        bt_packet_put_ref(w->os[i].pkt);
        bt_packet_put_ref(w->os[i].in_pkt);
        bt_message_put_ref(w->os[i].last_ev);
        for (size_t j = 0; j < w->os[i].n_after; j++) bt_message_put_ref(w->os[i].after[j]);
        free(w->os[i].after);
        bt_stream_put_ref(w->os[i].out);
    }
    free(w->os);
    for (size_t i = 0; i < w->owned.cap; i++)
        if (w->owned.k[i]) bt_clock_class_put_ref(w->owned.v[i]);
    pm_free(&w->owned);
    pm_free(&w->classes);
    bt_trace_put_ref(w->trace);
    bt_trace_class_put_ref(w->tc);
    bt_message_iterator_put_ref(w->up);
    reader_free(&w->r);
    free(w);
}

static bt_component_class_initialize_method_status rw_init(bt_self_component_filter *self,
                                                           bt_self_component_filter_configuration *cfg,
                                                           const bt_value *params, void *data)
{
    bt_self_component_set_data(bt_self_component_filter_as_self_component(self), data);
    if (bt_self_component_filter_add_input_port(self, "in", NULL, NULL) ||
        bt_self_component_filter_add_output_port(self, "out", NULL, NULL))
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

/* the rewriting itself, into tmp (in the child) */
static int rewrite_here(const char *tdir, const char *dir, const char *out, const char *tmp, const ts_rw_hooks *h)
{
    rw_comp comp;
    memset(&comp, 0, sizeof comp);
    comp.h = h;
    comp.mode = h->keep ? RW_DROP : h->fill ? RW_FILL : RW_COPY;
    ts__bt_pipeline p;
    int rc = ts__bt_pipeline_open(&p, tdir, dir);
    bt_message_iterator_class *mic = NULL;
    bt_component_class_filter *fc = NULL;
    const bt_component_filter *flt = NULL;
    const bt_component_sink *snk = NULL;
    bt_value *params = NULL;
    if (rc == 0) {
        mic = bt_message_iterator_class_create(rw_next);
        fc = mic ? bt_component_class_filter_create("tracesynth-rewrite", mic) : NULL;
        if (!fc || bt_message_iterator_class_set_initialize_method(mic, rw_iter_init) ||
            bt_message_iterator_class_set_finalize_method(mic, rw_iter_fini) ||
            bt_component_class_filter_set_initialize_method(fc, rw_init))
            rc = ts__bt_fail(dir, "cannot set up the trace writer");
    }
    if (rc == 0 && bt_graph_add_filter_component_with_initialize_method_data(p.g, fc, "rewrite", NULL, &comp,
                                                                             BT_LOGGING_LEVEL_NONE, &flt))
        rc = ts__bt_fail(dir, "cannot set up the trace writer");
    if (rc == 0) {
        const bt_component_class_sink *fs = bt_plugin_borrow_sink_component_class_by_name_const(p.ctf, "fs");
        params = bt_value_map_create();
        if (!fs || !params || bt_value_map_insert_string_entry(params, "path", tmp) ||
            bt_value_map_insert_bool_entry(params, "assume-single-trace", BT_TRUE) ||
            bt_value_map_insert_bool_entry(params, "quiet", BT_TRUE) ||
            bt_graph_add_sink_component(p.g, fs, "out", params, BT_LOGGING_LEVEL_NONE, &snk))
            rc = ts__bt_fail(out, "cannot set up babeltrace2's CTF writer (sink.ctf.fs)");
    }
    if (rc == 0 && (bt_graph_connect_ports(p.g, bt_component_filter_borrow_output_port_by_index_const(p.mux, 0),
                                           bt_component_filter_borrow_input_port_by_index_const(flt, 0), NULL) ||
                    bt_graph_connect_ports(p.g, bt_component_filter_borrow_output_port_by_index_const(flt, 0),
                                           bt_component_sink_borrow_input_port_by_index_const(snk, 0), NULL)))
        rc = ts__bt_fail(dir, "cannot connect the trace writer");
    if (rc == 0) {
        bt_graph_run_status s;
        do s = bt_graph_run(p.g); while (s == BT_GRAPH_RUN_STATUS_AGAIN);
        if (s != BT_GRAPH_RUN_STATUS_OK) {
            if (comp.it && comp.it->failed && !comp.err[0]) snprintf(comp.err, sizeof comp.err, "%s", comp.it->err);
            if (comp.err[0]) {
                bt_error_release(bt_current_thread_take_error());
                rc = ts_fail("%s: %s", dir, comp.err);
            } else {
                rc = ts__bt_fail(dir, "cannot rewrite the trace");
            }
        }
    }
    bt_value_put_ref(params);
    ts__bt_pipeline_free(&p);   /* finalizes the sink: the metadata is written now */
    /* a stream that stopped decoding (the graph still ended OK), or a sink that failed to finish */
    rc = ts__bt_pending(rc, dir, "cannot rewrite the trace");
    /* nothing to drop from or fill: an error, not an empty copy */
    if (rc == 0 && !comp.seen) rc = ts_fail("%s: the trace holds no event and no gap", dir);
    bt_trace_put_ref(comp.trace);
    bt_component_class_filter_put_ref(fc);
    bt_message_iterator_class_put_ref(mic);
    return rc;
}

/* ts_ctf_rewrite's child: u32 MAGIC, u32 rc, then rc != 0: str error, else what the save
 * hook writes; u32 MAGIC */
#define RW_MAGIC 0x54535257u   /* "TSRW" */
typedef struct { const char *tdir, *dir, *out, *tmp; const ts_rw_hooks *h; } rw_job;

static int rewrite_child(void *arg, ts__wr *w)
{
    const rw_job *j = arg;
    int rc = rewrite_here(j->tdir, j->dir, j->out, j->tmp, j->h);
    ts__put_u32(w, RW_MAGIC);
    ts__put_u32(w, rc ? 1 : 0);
    if (rc) ts__put_str(w, ts_error());
    else if (j->h->save && j->h->save(j->h->user, w->f)) return 4;
    ts__put_u32(w, RW_MAGIC);
    return 0;
}

/* in a child: 0, or -1 with the child's error or what became of it */
static int rewrite_isolated(const char *tdir, const char *dir, const char *out, const char *tmp, const ts_rw_hooks *h)
{
    rw_job j = {tdir, dir, out, tmp, h};
    ts__child c;
    if (ts__child_start(&c, dir, "rewrite", rewrite_child, &j)) return -1;
    uint32_t magic, crc;
    char *err = NULL;
    int complete = 0;
    if (ts__get_u32(c.in, &magic) == 0 && magic == RW_MAGIC && ts__get_u32(c.in, &crc) == 0) {
        int body = crc ? ts__get_str(c.in, &err) == 0 && err : !h->load || h->load(h->user, c.in) == 0;
        complete = body && ts__get_u32(c.in, &magic) == 0 && magic == RW_MAGIC;
    }
    int rc = ts__child_end(&c, complete, 0);
    if (rc == 0 && err) rc = ts__child_error(&c, err);
    free(err);
    return rc;
}

/* what rewrite_to refuses before any work: OUT something other than a trace, the input, a
 * trace holding it, or a place inside it. *tdir_out: the trace directory (malloc'd) when 0 */
static int out_refused(const char *dir, const char *out, char **tdir_out)
{
    *tdir_out = NULL;
    char *tdir = ts_ctf_trace_dir(dir);
    if (!tdir) return -1;
    /* OUT's own name is not resolved (a link there is followed by the caller) */
    const char *slash = strrchr(out, '/'), *base = slash ? slash + 1 : out;
    char *parent = ts_strdup(slash ? out : ".");
    if (slash) parent[slash - out + 1] = 0;   /* "/x": "/" */
    char *in_abs = realpath(tdir, NULL), *pabs = ts_path_resolve(parent);
    char *out_abs = pabs ? ts_path_join(pabs, base) : NULL;
    int rc = 0;
    if (in_abs && out_abs) {
        const size_t lo = strlen(out_abs), li = strlen(in_abs);
        /* OUT the input, or a trace holding it (one kept inside another): replaced in
         * whole, it would take the input with it */
        if (!strcmp(out_abs, in_abs) || (!strncmp(out_abs, in_abs, lo) && in_abs[lo] == '/'))
            rc = ts_fail("%s: the output would replace the input trace", out);
        /* OUT inside the input: its folders and trace would be made among the input's files */
        else if (lo > li && !strncmp(out_abs, in_abs, li) && (out_abs[li] == '/' || li == 1))
            rc = ts_fail("%s: the output would be written inside the input trace %s", out, tdir);
    }
    /* then what OUT holds (the input's place said first: it is why OUT is refused) */
    if (rc == 0 && ts__ctf_out_check(out)) rc = -1;
    free(pabs);
    free(parent);
    free(in_abs);
    free(out_abs);
    if (rc) {
        free(tdir);
        return -1;
    }
    *tdir_out = tdir;
    return 0;
}

/* 1 when p is dir or a path inside it (both absolute, resolved) */
static int at_or_under(const char *p, const char *dir)
{
    const size_t l = strlen(dir);
    return !strncmp(p, dir, l) && (p[l] == 0 || p[l] == '/' || (l == 1 && dir[0] == '/'));
}

static char *out_dir(const char *out);

int ts__side_output_refused(const char *path, const char *out, const char *file, const char *what)
{
    if (ts_out_is_stream(file)) return 0;
    if (ts_trace_is_ftrace(path)) {
        if (ts_same_path(file, path)) return ts_fail("%s: %s would replace the input trace", file, what);
        if (ts_same_path(file, out)) return ts_fail("%s: %s would replace the output", file, what);
        return 0;
    }
    /* a link: the file it leads to is what is written */
    char *end = ts_link_end(file), *f_abs = ts_path_resolve(end ? end : file), *o = out_dir(out), *o_abs = ts_path_resolve(o);
    char *tdir = ts_ctf_trace_dir(path), *in_abs = tdir ? realpath(tdir, NULL) : NULL;
    ts_clear_error();   /* no trace there: the rewrite says so */
    int rc = 0;
    if (f_abs && in_abs && at_or_under(f_abs, in_abs))
        rc = ts_fail("%s: %s would be written inside the input trace %s", file, what, tdir);
    else if (f_abs && o_abs && at_or_under(f_abs, o_abs))
        rc = ts_fail("%s: %s would be written inside the output %s", file, what, out);
    free(end);
    free(f_abs);
    free(o);
    free(o_abs);
    free(tdir);
    free(in_abs);
    return rc;
}

/* the text of a trace written into a stage, its lines copied to the output with the
 * stage's path (babeltrace2 names each stream's file in its warnings about gaps) made the
 * path the trace is moved to */
typedef struct {
    int in;       /* the read end of the text's pipe (read with read(2): a stream of stdio
                   * would be locked while it waits, and a fork flushes every stream) */
    FILE *out;
    const char *from, *to;   /* from NULL: copied as it is */
    int err;      /* errno of the first write that failed (0: none; one with no errno: EIO) */
    char *buf;    /* (1 << 16) + strlen(from) bytes, made by the caller */
    sem_t ready;  /* posted when the copy holds no lock until its first read returns */
} text_copy;

static void text_put(text_copy *c, const char *p, size_t n)
{
    if (c->err || !n) return;   /* after a failure read to the end all the same: the writer is not left blocked */
    errno = 0;
    if (fwrite(p, 1, n, c->out) != n) c->err = errno ? errno : EIO;
}

static void *text_copy_run(void *arg)
{
    text_copy *c = arg;
    /* a reader gone (a pipe or FIFO closed) is EPIPE here, said by the caller, not SIGPIPE
     * ending the process before the trace is put in place (the signal, raised for this
     * thread while blocked, goes with it) */
    sigset_t pipe_sig;
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
    const size_t nf = c->from ? strlen(c->from) : 0, cap = 1 << 16;
    char *buf = c->buf;
    /* from here to the first read's return this thread takes no lock (no allocation, no
     * stdio): the caller forks babeltrace2's process once this is posted, and a lock held
     * across the fork (an allocator's, the thread's own start-up in a sanitizer's runtime)
     * would be held for ever in the child, which would hang until its time limit */
    sem_post(&c->ready);
    size_t len = 0;   /* bytes held: fewer than nf between reads (the start of a match, maybe) */
    for (;;) {
        ssize_t r = read(c->in, buf + len, cap + nf - len);
        if (r < 0 && errno == EINTR) continue;
        const int end = r <= 0;
        if (r > 0) len += (size_t)r;
        size_t done = 0;
        const char *hit;
        while (nf && (hit = memmem(buf + done, len - done, c->from, nf))) {
            text_put(c, buf + done, (size_t)(hit - (buf + done)));
            text_put(c, c->to, strlen(c->to));
            done = (size_t)(hit - buf) + nf;
        }
        size_t keep = end || !nf ? 0 : len - done < nf - 1 ? len - done : nf - 1;
        text_put(c, buf + done, len - done - keep);
        memmove(buf, buf + len - keep, keep);
        len = keep;
        if (end) break;
    }
    /* what is buffered written here too, where SIGPIPE is blocked */
    errno = 0;
    if (!c->err && (fflush(c->out) != 0 || ferror(c->out))) c->err = errno ? errno : EIO;
    return NULL;
}

/* the new trace's text (sink.text.pretty) into o, open: 0 / -1 naming text (o aborted).
 * trace in a stage (staged): the stage's path in it made final's. gone_ok: a reader that
 * went away (EPIPE) is 1, without an error (o aborted). text named .gz: gzip-compressed,
 * as ftrace text's OUT is (through the copy: the compressing FILE has no descriptor) */
static int text_into(ts_outfile *o, const char *trace, const char *staged, const char *final, const char *text,
                     int gone_ok)
{
    int rc;
    char *from = staged ? realpath(staged, NULL) : NULL, *to = NULL;
    if (from) {   /* where the trace will be: its folder's real path, its name */
        const char *sl = strrchr(final, '/');
        char *folder = sl ? ts_strdup(final) : ts_strdup(".");
        if (sl) folder[sl == final ? 1 : sl - final] = 0;
        char *real = realpath(folder, NULL);
        if (real) to = ts_path_join(real, sl ? sl + 1 : final);
        free(real);
        free(folder);
    }
    FILE *gz = ts__named_gz(text) ? ts__gz_open(o->f) : NULL;
    if (ts__named_gz(text) && !gz) {
        ts_out_abort(o);
        free(from);
        free(to);
        return ts_fail("%s: cannot start gzip compression", text);
    }
    const int copy = (from && to) || gz;
    int fds[2] = {-1, -1};
    if (copy && pipe2(fds, O_CLOEXEC) == 0) {
        text_copy c;
        memset(&c, 0, sizeof c);
        c.in = fds[0], c.out = gz ? gz : o->f, c.from = from && to ? from : NULL, c.to = to;
        c.buf = ts_malloc(((size_t)1 << 16) + (c.from ? strlen(c.from) : 0));
        sem_init(&c.ready, 0, 0);
        FILE *w = fdopen(fds[1], "w");
        pthread_t t;
        if (!w || pthread_create(&t, NULL, text_copy_run, &c) != 0) {
            const int e = errno;
            close(fds[0]);
            if (w) fclose(w);
            else close(fds[1]);
            rc = ts_fail("%s: cannot write the text output: %s", text, strerror(e));
        } else {
            while (sem_wait(&c.ready) != 0 && errno == EINTR) {}   /* the copy is at its first read: the fork is safe */
            rc = ts_ctf_print_text(trace, w);
            fclose(w);   /* the copy sees the end */
            pthread_join(t, NULL);
            close(fds[0]);
            errno = 0;
            if (gz && fclose(gz) != 0 && !c.err) c.err = errno ? errno : EIO;   /* the end of the gzip stream */
            gz = NULL;
            if (rc == 0 && c.err == EPIPE && gone_ok) rc = 1;
            else if (rc == 0 && c.err) rc = ts_fail("%s: write failed: %s", text, strerror(c.err));
        }
        sem_destroy(&c.ready);
        free(c.buf);
    } else if (copy) {
        rc = ts_fail("%s: cannot write the text output: %s", text, strerror(errno));
    } else {
        rc = ts_ctf_print_text(trace, o->f);
    }
    if (gz) fclose(gz);   /* not started: o is aborted */
    if (rc == 1 && !gone_ok) rc = ts_fail("%s: cannot write the text output: %s", text, strerror(EPIPE));
    else if (rc < 0 && staged) ts__error_path(staged, final);
    if (rc) ts_out_abort(o);
    free(from);
    free(to);
    return rc;
}

/* the stage's names put in place with the files of with (written, taken either way; NULL:
 * none), one group commit (ts_stage_commit_with): a signal, SIGKILL or a power cut leaves
 * all old or all new; a failure, all old. First the hooks' writes to streams (h->last),
 * which cannot be taken back: one that fails leaves nothing new */
static int commit_with(ts_stage *st, const char *const *names, int n, ts_out_set *with, const ts_rw_hooks *h)
{
    if (h && h->last && h->last(h->last_user) != 0) {
        ts_stage_abort(st);
        if (with) ts_out_set_abort(with);
        return -1;
    }
    return ts_stage_commit_with(st, names, n, &with, 1);
}

/* the new trace (tmp, BASE in stage st) put in place with its text at TEXT: in the trace's
 * folder, one set (the text written into the same stage, one commit); in another folder,
 * the text written into a stage there, and both stages (and with's) one group commit, so
 * that a signal, SIGKILL or a power cut leaves both old or both new. A device
 * or FIFO (written in place, never taken back) gets the text last, from the staged trace
 * (its path made the trace's), right before the trace is put in place: one that fails
 * leaves nothing new; a reader that went away (EPIPE: fill --text - | head) took what it
 * took, the trace is put in place all the same, and 1 says so */
static int commit_with_text(ts_stage *st, const char *base, const char *tmp, const char *out, const char *text,
                            ts_out_set *with, const ts_rw_hooks *h)
{
    ts_outfile o;
    ts_out_set ts;
    if (ts_out_is_stream(text)) {
        int rc = ts_out_open(&o, text);
        if (rc == 0 && (rc = text_into(&o, tmp, tmp, out, text, 1)) == 0) rc = ts_out_commit(&o);
        if (rc < 0) {
            ts_stage_abort(st);
            if (with) ts_out_set_abort(with);
            return -1;
        }
        const int put = commit_with(st, &base, 1, with, h);
        return put ? put : rc;
    }
    char *end = ts_link_end(text);   /* a link: the file it leads to is replaced, the link kept */
    const char *file = end ? end : text, *sl = strrchr(file, '/');
    char *folder = sl ? ts_strdup(file) : ts_strdup(".");
    if (sl) folder[sl == file ? 1 : sl - file] = 0;
    const char *name = sl ? sl + 1 : file;
    int rc = 0;
    if (ts_same_file(folder, st->dir)) {
        if (!strcmp(name, base)) {
            rc = ts_fail("%s: the same name as the new trace %s; name another file", text, out);
        } else {
            char *at = ts_path_join(st->stage, name);   /* a file replaced keeps its mode (the commit's rule) */
            if ((rc = ts_out_open(&o, at)) == 0 && (rc = text_into(&o, tmp, tmp, out, text, 0)) == 0 &&
                (rc = ts_out_commit(&o)) != 0)
                ts__error_path(at, text);
            free(at);
            const char *names[2] = {base, name};
            if (rc == 0) {
                free(folder);
                free(end);
                return commit_with(st, names, 2, with, h);
            }
        }
    } else if ((rc = ts_out_set_open(&ts, &text, 1)) == 0) {
        /* in a stage beside the text (a link's: beside its file), whole before anything
         * moves: what is left to fail is the group's commit (and the streams' writes, first) */
        const char *at = ts_out_set_path(&ts, 0);
        if ((rc = ts_out_open(&o, at)) == 0 && (rc = text_into(&o, tmp, tmp, out, text, 0)) == 0)
            rc = ts_out_commit(&o);
        if (rc == 0 && h && h->last && h->last(h->last_user) != 0) rc = -1;
        free(folder);
        free(end);
        if (rc) {
            ts_out_set_abort(&ts);   /* (its error names the text, not its place in the stage) */
            ts_stage_abort(st);
            if (with) ts_out_set_abort(with);
            return -1;
        }
        ts_out_set *group[2] = {&ts, with};
        return ts_stage_commit_with(st, &base, 1, group, 2);
    }
    free(folder);
    free(end);
    ts_stage_abort(st);
    if (with) ts_out_set_abort(with);
    return -1;
}

static int rewrite_to(const char *dir, const char *out, const ts_rw_hooks *h, const char *text, ts_out_set *with)
{
    char *tdir;
    if (out_refused(dir, out, &tdir)) {
        if (with) ts_out_set_abort(with);
        return -1;
    }
    /* written into a stage beside out (the same file system), then moved into place: the
     * previous trace there stays when anything fails, the move included */
    const char *base;
    ts_stage st;
    int rc = ts_stage_open_beside(&st, out, &base);
    if (rc) {
        free(tdir);
        if (with) ts_out_set_abort(with);
        return -1;
    }
    char *tmp = ts_path_join(st.stage, base);   /* sink.ctf.fs creates it */
    rc = rewrite_isolated(tdir, dir, out, tmp, h);
    free(tdir);
    if (rc == 0 && text) {
        rc = commit_with_text(&st, base, tmp, out, text, with, h);
    } else if (rc == 0) {
        rc = commit_with(&st, &base, 1, with, h);
    } else {
        ts_stage_abort(&st);
        if (with) ts_out_set_abort(with);
    }
    free(tmp);
    return rc;
}

/* the directory OUT names: "OUT/" names OUT; a link there (latest -> runs/2), where it
 * leads: that trace is replaced and the link kept, as a file output's link is (malloc'd) */
static char *out_dir(const char *out)
{
    char *o = ts_path_trim(out), *end = ts_link_end(o);
    if (!end) return o;
    free(o);
    return end;
}

int ts__ctf_rewrite_text(const char *dir, const char *out, const ts_rw_hooks *h, const char *text, ts_out_set *with)
{
    char *o = out_dir(out);
    int rc = rewrite_to(dir, o, h, text, with);
    free(o);
    return rc;
}

int ts_ctf_rewrite(const char *dir, const char *out, const ts_rw_hooks *h)
{
    return ts__ctf_rewrite_text(dir, out, h, NULL, NULL);
}

int ts_ctf_rewrite_check(const char *dir, const char *out)
{
    char *o = out_dir(out), *tdir = NULL;
    int rc = out_refused(dir, o, &tdir);
    free(tdir);
    /* the stage beside OUT, made and removed: OUT's folder exists and can be written */
    const char *base;
    ts_stage st;
    if (rc == 0 && (rc = ts_stage_open_beside(&st, o, &base)) == 0) ts_stage_abort(&st);
    free(o);
    return rc;
}

/* ---- text: sink.text.pretty, in a child whose standard output is f ---- */
#define TEXT_MAGIC 0x54535458u   /* "TSTX" */
typedef struct { const char *tdir, *dir; int fd, err_too; } text_job;

/* in the child: babeltrace2 writes events to stdout and its warnings about gaps to stderr
 * (both to f when f is not stdout; else the warnings reach stderr when the child ends).
 * Writes u32 MAGIC, u32 rc, rc != 0: str error; u32 MAGIC. */
static int text_child(void *arg, ts__wr *w)
{
    const text_job *j = arg;
    int rc = 0;
    if (dup2(j->fd, 1) < 0 || (j->err_too && dup2(j->fd, 2) < 0))
        rc = ts_fail("%s: cannot send the text output: %s", j->dir, strerror(errno));
    /* the sink writes each event as one line: flushed line by line, a warning never lands
     * inside one */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    ts__bt_pipeline p;
    memset(&p, 0, sizeof p);
    if (rc == 0) rc = ts__bt_pipeline_open(&p, j->tdir, j->dir);
    const bt_component_sink *snk = NULL;
    if (rc == 0) {
        p.text = ts__bt_find_plugin("text");
        const bt_component_class_sink *pretty = p.text ? bt_plugin_borrow_sink_component_class_by_name_const(p.text, "pretty") : NULL;
        if (!pretty || bt_graph_add_sink_component(p.g, pretty, "text", NULL, BT_LOGGING_LEVEL_NONE, &snk))
            rc = ts__bt_fail(j->dir, "babeltrace2's 'text' plugin is not installed");
    }
    if (rc == 0) rc = ts__bt_pipeline_sink(&p, snk, j->dir);
    if (rc == 0) rc = ts__bt_pipeline_run(&p, j->dir, "cannot read the trace");
    ts__bt_pipeline_free(&p);
    errno = 0;
    /* line-buffered: a write that failed (a full device) left nothing to flush, only its mark */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0)
        rc = errno ? ts_fail("%s: cannot write the text output: %s", j->dir, strerror(errno))
                   : ts_fail("%s: cannot write the text output", j->dir);
    ts__put_u32(w, TEXT_MAGIC);
    ts__put_u32(w, rc ? 1 : 0);
    if (rc) ts__put_str(w, ts_error());
    ts__put_u32(w, TEXT_MAGIC);
    return 0;
}

int ts_ctf_print_text(const char *dir, FILE *f)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!f) return ts_fail_null(__func__, "f");
    int fd = fileno(f);
    if (fd < 0) return ts_fail("%s: the text output needs a file with a descriptor", dir);
    char *tdir = ts_ctf_trace_dir(dir);
    if (!tdir) return -1;
    if (fflush(f)) {
        free(tdir);
        return ts_fail("%s: cannot write the text output: %s", dir, strerror(errno));
    }
    text_job j = {tdir, dir, fd, f != stdout};
    ts__child c;
    int rc = ts__child_start(&c, dir, "print", text_child, &j);
    if (rc == 0) {
        uint32_t magic, crc = 0;
        char *err = NULL;
        int complete = ts__get_u32(c.in, &magic) == 0 && magic == TEXT_MAGIC && ts__get_u32(c.in, &crc) == 0 &&
                       (!crc || (ts__get_str(c.in, &err) == 0 && err)) && ts__get_u32(c.in, &magic) == 0 &&
                       magic == TEXT_MAGIC;
        rc = ts__child_end(&c, complete, 0);
        if (rc == 0 && crc) rc = ts__child_error(&c, err);
        /* the child writes to f alone: SIGPIPE is f's reader gone (fill --text - | head),
         * not a trace it could not print */
        if (rc != 0 && c.sig == SIGPIPE) {
            ts_clear_error();
            rc = 1;
        }
        free(err);
    }
    free(tdir);
    return rc;
}
