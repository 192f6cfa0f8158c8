/* LTTng kernel traces (CTF) -> one event per system call entry (and, when
 * asked, one per exit, named like its call as in the study's data), or every
 * event, through libbabeltrace2: src.ctf.fs -> flt.utils.muxer (time order
 * across CPUs) -> a simple sink that keeps per-CPU and per-thread state.
 *
 * Entries are syscall_entry_NAME (LTTng >= 2.6), compat_syscall_entry_NAME
 * (32-bit tasks) and sys_NAME, compat_sys_NAME (older LTTng, whose exits are all
 * exit_syscall).
 * Which thread runs on each CPU comes from sched_switch (prev_tid, next_tid,
 * next_comm; export's TS_SWITCH_CLASS too, never an event itself) and
 * sched_process_exec (tid, filename: the thread's new name; comm where
 * tracesynth's export wrote it);
 * cpu_id is in each packet's context. Old exits are named after the exiting
 * thread's pending call. The state dump (lttng_statedump_process_state) is not
 * read: it names the threads that exist when tracing starts, not which one runs on
 * a CPU (LTTng gives every runnable task as waiting for one), and a thread becomes
 * known here only through an event that names it too.
 *
 * Before reading, each stream file is checked against its LTTng index
 * (index/NAME.idx): a file shorter than its packets is reported, and its
 * complete packets are read (a packet cut in the middle would make babeltrace2
 * refuse the whole trace, so such a file is read through a temporary copy of its
 * complete packets).
 *
 * ts_ctf_load runs this reader (ts__ctf_load_here) in a child process: see ctf_isolate.c. */
#include "common/common_internal.h"
#include "common/idmap.h"
#include "data/ctf_isolate.h"
#include "data/data_internal.h"
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "tracesynth/eval.h"
#include "tracesynth/gaps.h"

#include <babeltrace2/babeltrace.h>
#include "data/ctf_fields.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- per-thread pending calls: tid -> call name ---- */
typedef struct {
    ts__idmap    ids;
    const char **call;   /* (ids's indices) NULL: no pending call */
} pend_map;

static void pend_set(pend_map *m, int64_t tid, const char *call)
{
    size_t cap = ts__idmap_cap(&m->ids), h = ts__idmap_get(&m->ids, tid, 1);
    if (ts__idmap_cap(&m->ids) != cap) m->call = ts_realloc(m->call, ts__idmap_cap(&m->ids) * sizeof *m->call);
    m->call[h] = call;
}

static const char *pend_take(pend_map *m, int64_t tid)
{
    size_t h = ts__idmap_get(&m->ids, tid, 0);
    if (h == SIZE_MAX) return NULL;
    const char *c = m->call[h];
    m->call[h] = NULL;
    return c;
}

/* ---- sink state ---- */
typedef struct {
    int64_t tid;          /* thread on the CPU, -1 until its first sched_switch (or exec) */
    char    comm[16];     /* its name, "" until then or when unknown */
    const char *call;     /* while tid is unknown: the CPU's last entry */
} cpu_state;

/* the CPU's thread named by len bytes at s: their first 15, as the kernel keeps a name
 * (TASK_COMM_LEN 16, its NUL), whichever event names it */
static void set_comm(cpu_state *c, const char *s, size_t len)
{
    snprintf(c->comm, sizeof c->comm, "%.*s", (int)(len < sizeof c->comm - 1 ? len : sizeof c->comm - 1), s);
}

typedef struct {
    const ts_ctf_opts *o;
    ts_ctf_trace *t;
    size_t cap;
    cpu_state *cpus;
    size_t ncpu;
    pend_map pend;
    const bt_stream **bt_streams;  /* parallel to t->streams */
    size_t last_stream;
    int arch_done;
    int fields;                    /* ts_ctf_load_fields */
    /* with fields: per thread, the index of its call's entry awaiting the exit's ret */
    ts__idmap open;
    size_t   *open_idx;            /* (open's indices) SIZE_MAX: taken */
    uint64_t  seen;                /* event messages, for the progress line */
    double    t0, shown;           /* when reading began, when a line was last shown (0: none) */
    int64_t   lost_sum;            /* the gaps' known counts so far: their totals fit */
    char      err[512];            /* a gap past that: why the reading stopped */
} sink_state;


/* the syscall name of an entry event, or NULL */
static const char *entry_name(const char *ev)
{
    static const char *const prefixes[] = {"syscall_entry_", "compat_syscall_entry_", "sys_", "compat_sys_"};
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(prefixes[i]);
        if (!strncmp(ev, prefixes[i], l) && ev[l]) return ev + l;
    }
    return NULL;
}

/* the syscall name of an exit event, "" for old LTTng's nameless exit_syscall, or NULL */
static const char *exit_name(const char *ev)
{
    static const char *const prefixes[] = {"syscall_exit_", "compat_syscall_exit_"};
    if (!strcmp(ev, "exit_syscall")) return "";
    for (int i = 0; i < 2; i++) {
        size_t l = strlen(prefixes[i]);
        if (!strncmp(ev, prefixes[i], l) && ev[l]) return ev + l;
    }
    return NULL;
}

static cpu_state *cpu_of(sink_state *st, int64_t cpu)
{
    if (cpu < 0 || cpu >= 65536) return NULL;
    if ((size_t)cpu >= st->ncpu) {
        size_t nc = (size_t)cpu + 1;
        st->cpus = ts_realloc(st->cpus, nc * sizeof *st->cpus);
        for (size_t i = st->ncpu; i < nc; i++) {
            memset(&st->cpus[i], 0, sizeof st->cpus[i]);
            st->cpus[i].tid = -1;
        }
        st->ncpu = nc;
    }
    if (cpu + 1 > st->t->n_cpus) st->t->n_cpus = cpu + 1;
    return &st->cpus[cpu];
}

/* the architecture: the trace environment's word for it, else the system calls it declares */
static void find_arch(sink_state *st, const bt_stream *s)
{
    st->arch_done = 1;
    const bt_trace *tr = bt_stream_borrow_trace_const(s);
    static const char *const keys[] = {"arch", "architecture", "machine", "uname_m", "cpu_arch"};
    ts_arch a = TS_ARCH_UNKNOWN;
    for (size_t k = 0; k < sizeof keys / sizeof *keys && a == TS_ARCH_UNKNOWN; k++) {
        const bt_value *v = bt_trace_borrow_environment_entry_value_by_name_const(tr, keys[k]);
        if (v && bt_value_get_type(v) == BT_VALUE_TYPE_STRING &&
            ts_arch_parse(bt_value_string_get(v), &a) == 0)
            st->t->arch_from = "env";
        ts_clear_error();
    }
    if (a == TS_ARCH_UNKNOWN) {
        const bt_stream_class *sc = bt_stream_borrow_class_const(s);
        uint64_t n = bt_stream_class_get_event_class_count(sc), k = 0;
        const char **names = ts_malloc((n + 1) * sizeof *names);
        for (uint64_t i = 0; i < n; i++) {
            const char *nm = bt_event_class_get_name(bt_stream_class_borrow_event_class_by_index_const(sc, i));
            if (nm && entry_name(nm) && strncmp(nm, "compat_", 7)) names[k++] = nm;
        }
        a = ts_arch_guess(names, k);
        free(names);
        if (a != TS_ARCH_UNKNOWN) st->t->arch_from = "events";
    }
    if (a != TS_ARCH_UNKNOWN) snprintf(st->t->arch, sizeof st->t->arch, "%s", ts_arch_name(a));
}

/* the index of a stream in t->streams, added on first sight */
static size_t stream_index(sink_state *st, const bt_stream *s)
{
    ts_ctf_trace *t = st->t;
    if (st->last_stream < t->n_streams && st->bt_streams[st->last_stream] == s) return st->last_stream;
    for (size_t i = 0; i < t->n_streams; i++)
        if (st->bt_streams[i] == s) return st->last_stream = i;
    if (!st->arch_done) find_arch(st, s);
    size_t i = t->n_streams++;
    t->streams = ts_realloc(t->streams, t->n_streams * sizeof *t->streams);
    st->bt_streams = ts_realloc(st->bt_streams, t->n_streams * sizeof *st->bt_streams);
    st->bt_streams[i] = s;
    ts_ctf_stream *ts = &t->streams[i];
    memset(ts, 0, sizeof *ts);
    const char *nm = bt_stream_get_name(s);
    if (nm) {
        const char *slash = strrchr(nm, '/');
        ts->name = ts_strdup(slash ? slash + 1 : nm);
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "stream %llu", (unsigned long long)bt_stream_get_id(s));
        ts->name = ts_strdup(buf);
    }
    ts->cpu = -1;
    return st->last_stream = i;
}

/* ---- ts_ctf_load_fields: the entry of each thread's open call ---- */
static void open_set(sink_state *st, int64_t tid, size_t idx)
{
    size_t cap = ts__idmap_cap(&st->open), k = ts__idmap_get(&st->open, tid, 1);
    if (ts__idmap_cap(&st->open) != cap)
        st->open_idx = ts_realloc(st->open_idx, ts__idmap_cap(&st->open) * sizeof *st->open_idx);
    st->open_idx[k] = idx;
}

/* the thread's open entry, or SIZE_MAX; it stays in the table, marked taken */
static size_t open_take(sink_state *st, int64_t tid)
{
    size_t k = tid == -1 ? SIZE_MAX : ts__idmap_get(&st->open, tid, 0);
    if (k == SIZE_MAX) return SIZE_MAX;
    size_t idx = st->open_idx[k];
    st->open_idx[k] = SIZE_MAX;
    return idx;
}

/* kind: what the event is, TS_EVENT_* */
static void emit(sink_state *st, const char *name, int64_t cpu, int64_t ns, int kind)
{
    ts_ctf_trace *t = st->t;
    if (t->n == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 4096;
        t->names = ts_realloc(t->names, st->cap * sizeof *t->names);
        t->exit = ts_realloc(t->exit, st->cap);
        t->time_ns = ts_realloc(t->time_ns, st->cap * sizeof *t->time_ns);
        t->cpu = ts_realloc(t->cpu, st->cap * sizeof *t->cpu);
        if (st->fields) {
            t->tid = ts_realloc(t->tid, st->cap * sizeof *t->tid);
            t->comm = ts_realloc(t->comm, st->cap * sizeof *t->comm);
            t->ret = ts_realloc(t->ret, st->cap * sizeof *t->ret);
            t->has_ret = ts_realloc(t->has_ret, st->cap);
        }
    }
    t->names[t->n] = ts_strdup(name);
    t->exit[t->n] = (uint8_t)kind;
    t->time_ns[t->n] = ns;
    t->cpu[t->n] = (int32_t)cpu;
    if (st->fields) {
        const cpu_state *c = cpu >= 0 && (size_t)cpu < st->ncpu ? &st->cpus[cpu] : NULL;
        t->tid[t->n] = c ? c->tid : -1;
        t->comm[t->n] = c && c->comm[0] ? ts_strdup(c->comm) : NULL;
        t->ret[t->n] = 0;
        t->has_ret[t->n] = 0;
    }
    t->n++;
}

/* a path execveat made up for a file descriptor (fexecve): "/dev/fd/N" */
static int fd_path(const char *f, size_t len)
{
    size_t i = 8;
    if (len <= i || strncmp(f, "/dev/fd/", i)) return 0;
    while (i < len && f[i] >= '0' && f[i] <= '9') i++;
    return i == len;
}

/* sched_process_exec: the CPU's thread runs a new program. The kernel names it after the
 * file's basename cut to 15 bytes (as the next sched_switch's prev_comm says; tracesynth's
 * export writes the name as comm, which a basename cannot hold where it has a '/'), and a thread
 * other than its process's leader takes the leader's tid (tid; old_tid was its own): its
 * pending and open calls, execve's among them, go with it */
static void on_exec(sink_state *st, cpu_state *c, int64_t cpu, const bt_field *pl)
{
    /* without a tid the CPU's thread stays: only a thread other than the leader changes it */
    int64_t tid = ts__exec_tid(pl, c->tid);
    if (tid >= 0 && tid != c->tid) {
        /* they replace the leader's own: the exec ended the leader */
        pend_set(&st->pend, tid, c->tid >= 0 ? pend_take(&st->pend, c->tid) : c->call);
        if (st->fields) open_set(st, tid, open_take(st, c->tid >= 0 ? c->tid : -2 - cpu));
        c->call = NULL;
        c->tid = tid;
    }
    /* without a filename the new name is unknown; for /dev/fd/N, older kernels name the
     * thread N, newer ones after the file itself, which the event does not record */
    c->comm[0] = 0;
    const bt_field *cm = ts__bt_member(pl, "comm"), *fn = ts__bt_member(pl, "filename");
    if (cm && bt_field_get_class_type(cm) == BT_FIELD_CLASS_TYPE_STRING) {
        size_t len = bt_field_string_get_length(cm);   /* by its length: see sched_switch */
        set_comm(c, bt_field_string_get_value(cm), len);
        return;
    }
    if (!fn || bt_field_get_class_type(fn) != BT_FIELD_CLASS_TYPE_STRING) return;
    const char *f = bt_field_string_get_value(fn);
    size_t len = bt_field_string_get_length(fn), b = len;
    if (fd_path(f, len)) return;
    while (b > 0 && f[b - 1] != '/') b--;
    set_comm(c, f + b, len - b);
}

/* an event tracesynth fill reconstructed (class TS_RECON_CLASS: payload event, the class it
 * stands for, and tid, its thread or -1): counted, and unless no_recon read as that event of
 * that thread. The CPU's state (its thread, the pending and open calls) stays the recorded
 * events' own; a reconstructed entry has no return value */
static void on_reconstructed(sink_state *st, const cpu_state *c, const bt_event *ev, int64_t cpu, int64_t ns,
                             int keep_cpu)
{
    const ts_ctf_opts *o = st->o;
    const bt_field *pl = bt_event_borrow_payload_field_const(ev);
    const bt_field *f = ts__bt_member(pl, "event");
    if (!keep_cpu) return;   /* another CPU's, as --cpu leaves out: not counted */
    st->t->reconstructed++;
    if (o->no_recon || !f || bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING) return;
    char name[128];   /* by its length, as sched_switch's next_comm */
    snprintf(name, sizeof name, "%.*s", (int)bt_field_string_get_length(f), bt_field_string_get_value(f));
    int64_t tid = -1;
    if (ts__bt_field_int(ts__bt_member(pl, "tid"), &tid) || tid < 0) tid = -1;
    /* the thread's name is known when it is the CPU's thread */
    const int own = c && tid >= 0 && c->tid == tid;
    if (o->comm && (!own || strcmp(c->comm, o->comm))) return;
    const char *call = entry_name(name), *out = NULL;
    int kind = TS_EVENT_CALL;
    if (call) out = call;
    else if ((call = exit_name(name)))
        kind = TS_EVENT_EXIT, out = o->events == TS_CTF_ALL ? (*call ? call : name) : o->exits && *call ? call : NULL;
    else if (o->events == TS_CTF_ALL) kind = TS_EVENT_OTHER, out = name;
    if (!out || !*out) return;
    emit(st, out, cpu, ns, kind);
    if (st->fields) {
        size_t i = st->t->n - 1;
        st->t->tid[i] = tid;
        if (!own) {
            free(st->t->comm[i]);
            st->t->comm[i] = NULL;
        }
    }
}

/* a return value as tracesynth's export writes it in the payload's string member `member`
 * ("" none, "?" not known, else the number): 1 with *v the number, 0 none, 2 not known, -1
 * no such member (a recorded trace's event) */
static int own_ret(const bt_event *ev, const char *member, int64_t *v)
{
    const bt_field *f = ts__bt_member(bt_event_borrow_payload_field_const(ev), member);
    if (!f || bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING) return -1;
    const uint64_t len = bt_field_string_get_length(f);
    char buf[32], *end;
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, bt_field_string_get_value(f), len);
    buf[len] = 0;
    if (!strcmp(buf, "?")) return 2;
    errno = 0;
    const long long x = strtoll(buf, &end, 10);
    if (*end || errno) return 0;
    *v = x;
    return 1;
}

static void on_event(sink_state *st, const bt_message *m)
{
    const bt_event *ev = bt_message_event_borrow_event_const(m);
    const char *name = bt_event_class_get_name(bt_event_borrow_class_const(ev));
    const bt_stream *s = bt_event_borrow_stream_const(ev);
    ts_ctf_stream *ts = &st->t->streams[stream_index(st, s)];
    ts->events++;
    if (!name) return;
    int64_t cpu = -1, ns = 0;
    const bt_packet *pkt = bt_event_borrow_packet_const(ev);
    if (pkt) ts__bt_field_int(ts__bt_member(bt_packet_borrow_context_field_const(pkt), "cpu_id"), &cpu);
    if (cpu < 0) cpu = ts->cpu;
    else ts->cpu = cpu;
    const bt_stream_class *sc = bt_stream_borrow_class_const(s);
    if (bt_stream_class_borrow_default_clock_class_const(sc)) {
        const bt_clock_snapshot *cs = bt_message_event_borrow_default_clock_snapshot_const(m);
        if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
            ns = 0;
    }
    cpu_state *c = cpu_of(st, cpu);
    const ts_ctf_opts *o = st->o;
    int keep_cpu = o->cpu < 0 || cpu == o->cpu;

    if (!strcmp(name, TS_RECON_CLASS)) {
        /* fill writes a gap's events after it, on its stream: its count of them */
        if (ts->n_discards) ts->discards[ts->n_discards - 1].reconstructed++;
        on_reconstructed(st, c, ev, cpu, ns, keep_cpu);
        return;
    }

    /* export's thread changes (TS_SWITCH_CLASS) are switches, not events of the trace */
    const int carrier = !strcmp(name, TS_SWITCH_CLASS);
    if (carrier || !strcmp(name, "sched_switch")) {
        const bt_field *pl = bt_event_borrow_payload_field_const(ev);
        const bt_field *nc = ts__bt_member(pl, "next_comm");
        int64_t prev = -1, next = -1;
        ts__bt_field_int(ts__bt_member(pl, "prev_tid"), &prev);
        ts__bt_field_int(ts__bt_member(pl, "next_tid"), &next);
        if (c) {
            /* the thread that ran before the CPU's first switch: its pending call is known now */
            if (c->tid < 0 && prev >= 0 && c->call) pend_set(&st->pend, prev, c->call);
            /* and its open call, whose exit may come once the thread runs again */
            if (st->fields && c->tid < 0 && prev >= 0) {
                size_t at = open_take(st, -2 - cpu);
                if (at != SIZE_MAX) open_set(st, prev, at);
            }
            c->call = NULL;
            c->tid = next;
            if (nc && bt_field_get_class_type(nc) == BT_FIELD_CLASS_TYPE_STRING)
                /* by its length: libbabeltrace2 2.0 can leave a recycled event's text behind an
                 * empty string */
                set_comm(c, bt_field_string_get_value(nc), bt_field_string_get_length(nc));
        }
        if (o->events == TS_CTF_ALL && !carrier && keep_cpu && (!o->comm || (c && !strcmp(c->comm, o->comm))))
            emit(st, name, cpu, ns, TS_EVENT_OTHER);
        return;
    }
    if (!strcmp(name, "sched_process_exec")) {
        if (c) on_exec(st, c, cpu, bt_event_borrow_payload_field_const(ev));
        if (o->events == TS_CTF_ALL && keep_cpu && (!o->comm || (c && !strcmp(c->comm, o->comm))))
            emit(st, name, cpu, ns, TS_EVENT_OTHER);
        return;
    }
    const char *sc_name = entry_name(name), *out = NULL;
    if (sc_name) {
        if (c && c->tid >= 0) pend_set(&st->pend, c->tid, sc_name);
        else if (c) c->call = sc_name;
        out = sc_name;
    } else if ((sc_name = exit_name(name))) {
        const char *pending = NULL;
        if (c && c->tid >= 0) pending = pend_take(&st->pend, c->tid);
        else if (c) pending = c->call, c->call = NULL;
        if (!*sc_name) {
            sc_name = pending;
            if (!sc_name && keep_cpu) st->t->unpaired_exits++;
        }
        if (o->events == TS_CTF_ALL) out = sc_name ? sc_name : name;
        else if (o->exits) out = sc_name;
    } else if (o->events == TS_CTF_ALL) {
        out = name;
    }
    int64_t ret = 0;
    /* the open call of the thread, or of the CPU while its thread is unknown */
    int64_t key = c ? (c->tid >= 0 ? c->tid : -2 - cpu) : -1;
    int is_exit = st->fields && sc_name && !entry_name(name) && key != -1 &&
                  ts__bt_field_int(ts__bt_member(bt_event_borrow_payload_field_const(ev), "ret"), &ret) == 0;
    /* the return value goes to the call's entry: the thread's open entry when it is of this
     * call (an exit whose entry the trace lacks, as a clone child's first, leaves another alone) */
    if (is_exit) {
        size_t at = open_take(st, key);
        if (at != SIZE_MAX && at < st->t->n && !strcmp(st->t->names[at], sc_name)) {
            st->t->ret[at] = ret;
            st->t->has_ret[at] = 1;
        }
    }
    if (!out || !keep_cpu) return;
    if (o->comm && (!c || strcmp(c->comm, o->comm))) return;
    const char *why = ts__event_name_bad(out);
    if (why) {   /* (syscalls and tracepoints never have such names) */
        snprintf(st->err, sizeof st->err, "stream %s, event %llu: event name '%.64s' %s", ts->name,
                 (unsigned long long)ts->events, out, why);
        return;
    }
    emit(st, out, cpu, ns, entry_name(name) ? TS_EVENT_CALL : exit_name(name) ? TS_EVENT_EXIT : TS_EVENT_OTHER);
    /* an event of tracesynth's export carries its own value (an entry's, an exit's where
     * the exits are events of their own): such an entry waits for no exit, which in thread
     * buckets could be another thread's */
    int64_t own = 0;
    const int has_own = st->fields && sc_name ? own_ret(ev, entry_name(name) ? "ret" : "ret_name", &own) : -1;
    if (st->fields && entry_name(name) && key != -1 && has_own < 0) open_set(st, key, st->t->n - 1);
    if (is_exit) {
        st->t->ret[st->t->n - 1] = ret;
        st->t->has_ret[st->t->n - 1] = 1;
    }
    if (has_own >= 0) {
        st->t->ret[st->t->n - 1] = has_own == 1 ? own : 0;
        st->t->has_ret[st->t->n - 1] = has_own == 1 ? 1 : has_own == 2 ? TS_RET_UNKNOWN : 0;
    }
}

static void on_discarded(sink_state *st, const bt_message *m)
{
    uint64_t count = 0;
    const int known = bt_message_discarded_events_get_count(m, &count) == BT_PROPERTY_AVAILABILITY_AVAILABLE;
    if (!known) count = 0;
    const bt_stream *s = bt_message_discarded_events_borrow_stream_const(m);
    ts_ctf_stream *ts = &st->t->streams[stream_index(st, s)];
    ts_ctf_discard d = {count, known, 0, 0, 0, 0};
    const bt_stream_class *sc = bt_stream_borrow_class_const(s);
    if (bt_stream_class_discarded_events_have_default_clock_snapshots(sc)) {
        const bt_clock_snapshot *b = bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m);
        const bt_clock_snapshot *e = bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m);
        d.has_times = bt_clock_snapshot_get_ns_from_origin(b, &d.begin_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK &&
                      bt_clock_snapshot_get_ns_from_origin(e, &d.end_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
    }
    /* the events lost may have switched the CPU's thread, entered and left calls: its thread
     * is unknown until its next sched_switch, and the calls that thread had open are forgotten */
    if (ts->cpu >= 0 && (size_t)ts->cpu < st->ncpu) {
        cpu_state *c = &st->cpus[ts->cpu];
        int64_t key = c->tid >= 0 ? c->tid : -2 - ts->cpu;
        if (c->tid >= 0) pend_take(&st->pend, c->tid);
        if (st->fields) open_take(st, key);
        c->tid = -1;
        c->comm[0] = 0;
        c->call = NULL;
    }
    if (ts__lost_add(&st->lost_sum, count)) {
        snprintf(st->err, sizeof st->err, "stream %s, gap %zu: " TS__LOST_SUM("gap"), ts->name, ts->n_discards + 1);
        return;
    }
    ts->discards = ts__append_room(ts->discards, ts->n_discards, sizeof *ts->discards);
    ts->discards[ts->n_discards++] = d;
    ts->discarded += count;
    st->t->lost += count;
}

/* a packet tells its stream's CPU, also of a stream with no event */
static void on_packet(sink_state *st, const bt_message *m)
{
    const bt_packet *pkt = bt_message_packet_beginning_borrow_packet_const(m);
    ts_ctf_stream *ts = &st->t->streams[stream_index(st, bt_packet_borrow_stream_const(pkt))];
    int64_t cpu = -1;
    ts__bt_field_int(ts__bt_member(bt_packet_borrow_context_field_const(pkt), "cpu_id"), &cpu);
    if (cpu < 0 || cpu >= 65536) return;
    ts->cpu = cpu;
    if (cpu + 1 > st->t->n_cpus) st->t->n_cpus = cpu + 1;
}

/* "  N events, S s" once an interval (a second on a terminal, 30 s in a log) from the first
 * interval on; the last (end) where one was shown */
static void progress_line(sink_state *st, int end)
{
    double now = ts_now();
    if (end ? st->shown == 0 : now - (st->shown ? st->shown : st->t0) < ts__ctf_progress_every()) return;
    st->shown = now;
    ts__ctf_progress_line(st->seen, now - st->t0, end);
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it, void *data)
{
    sink_state *st = data;
    bt_message_array_const msgs;
    uint64_t count;
    bt_graph_simple_sink_component_consume_func_status status;
    if (!ts__bt_next(it, &msgs, &count, &status)) return status;
    for (uint64_t i = 0; i < count; i++) {
        const bt_message *m = msgs[i];
        bt_message_type t = bt_message_get_type(m);
        if (st->err[0]) t = BT_MESSAGE_TYPE_STREAM_END;   /* past a gap refused: not read */
        if (t == BT_MESSAGE_TYPE_EVENT) on_event(st, m);
        else if (t == BT_MESSAGE_TYPE_DISCARDED_EVENTS) on_discarded(st, m);
        else if (t == BT_MESSAGE_TYPE_PACKET_BEGINNING) on_packet(st, m);
        else if (t == BT_MESSAGE_TYPE_STREAM_BEGINNING)
            stream_index(st, bt_message_stream_beginning_borrow_stream_const(m));
        st->seen += t == BT_MESSAGE_TYPE_EVENT;
        bt_message_put_ref(m);
    }
    if (st->o->progress) progress_line(st, 0);
    /* a gap past the total: end the graph cleanly, the caller reports it */
    return st->err[0] ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END
                      : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* ---- LTTng index check ---- */
/* stream files shorter than their index says; *partial: one ends inside a packet */
static void check_index(const char *dir, ts_ctf_trace *t, int *partial)
{
    *partial = 0;
    char *idir = ts_path_join(dir, "index");
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "metadata")) continue;
        char *p = ts_path_join(dir, de->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            char name[512];
            snprintf(name, sizeof name, "%s.idx", de->d_name);
            char *ip = ts_path_join(idir, name);
            uint64_t complete, total, packets, missing;
            if (ts__ctf_index_extent(ip, (uint64_t)sb.st_size, &complete, &total, &packets, &missing) == 0 &&
                total > (uint64_t)sb.st_size) {
                t->truncated = ts_realloc(t->truncated, (t->n_truncated + 1) * sizeof *t->truncated);
                ts_ctf_truncation *tr = &t->truncated[t->n_truncated++];
                tr->file = ts_strdup(de->d_name);
                tr->size = (uint64_t)sb.st_size;
                tr->indexed = total;
                tr->packets = packets;
                tr->packets_missing = missing;
                if (complete != (uint64_t)sb.st_size) *partial = 1;
            }
            free(ip);
        }
        free(p);
    }
    if (d) closedir(d);
    free(idir);
}

/* a temporary trace directory: links to the metadata and the whole stream files, and copies
 * of the complete packets of the truncated ones (no index: babeltrace2 scans the packets).
 * work: an empty directory the caller made (and removes), else one is made in TMPDIR */
static char *salvage_dir(const char *dir, const ts_ctf_trace *t, const char *work)
{
    char *tpl;
    if (work) {
        tpl = ts_strdup(work);
    } else if (ts_temp_dir("tracesynth-ctf", &tpl) != 0) {
        ts_temp_dir_fail(tpl, errno, "a temporary directory to read the truncated streams");
        free(tpl);
        return NULL;
    }
    char *abs = realpath(dir, NULL);
    char *idir = ts_path_join(dir, "index");
    DIR *d = opendir(dir);
    struct dirent *de;
    int rc = abs && d ? 0 : -1;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *src = ts_path_join(abs, de->d_name), *dst = ts_path_join(tpl, de->d_name);
        struct stat sb;
        if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode)) {
            const ts_ctf_truncation *tr = NULL;
            for (size_t i = 0; i < t->n_truncated; i++)
                if (!strcmp(t->truncated[i].file, de->d_name)) tr = &t->truncated[i];
            if (!tr) {
                rc = symlink(src, dst);
            } else {
                char name[512];
                snprintf(name, sizeof name, "%s.idx", de->d_name);
                char *ip = ts_path_join(idir, name);
                uint64_t complete = 0, total, packets, missing;
                ts__ctf_index_extent(ip, (uint64_t)sb.st_size, &complete, &total, &packets, &missing);
                free(ip);
                FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
                char buf[65536];
                for (uint64_t left = complete; in && out && left > 0;) {
                    size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
                    size_t got = fread(buf, 1, want, in);
                    if (got == 0 || fwrite(buf, 1, got, out) != got) break;
                    left -= got;
                }
                if (!in || !out || ferror(in) || ferror(out)) rc = -1;
                if (in) fclose(in);
                if (out && fclose(out)) rc = -1;
            }
        }
        free(src);
        free(dst);
    }
    if (d) closedir(d);
    free(abs);
    free(idir);
    if (rc) {
        ts_fail("%s: cannot prepare the complete packets of the truncated streams in %s", dir, tpl);
        ts_temp_dir_remove(tpl);
        free(tpl);
        return NULL;
    }
    return tpl;
}

void ts_ctf_trace_free(ts_ctf_trace *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) free(t->names[i]);
    free(t->names);
    free(t->time_ns);
    free(t->cpu);
    for (size_t i = 0; t->comm && i < t->n; i++) free(t->comm[i]);
    free(t->comm);
    free(t->tid);
    free(t->ret);
    free(t->has_ret);
    free(t->exit);
    for (size_t i = 0; i < t->n_streams; i++) {
        free(t->streams[i].name);
        free(t->streams[i].discards);
    }
    free(t->streams);
    for (size_t i = 0; i < t->n_truncated; i++) free(t->truncated[i].file);
    free(t->truncated);
    memset(t, 0, sizeof *t);
}

/* into buf: the CPUs of the trace's streams, as ranges ("0..3, 5"), "" when none says */
static void stream_cpus(const ts_ctf_trace *t, char *buf, size_t n)
{
    uint8_t *has = ts_calloc(t->n_cpus > 0 ? (size_t)t->n_cpus : 1, 1);
    for (size_t i = 0; i < t->n_streams; i++)
        if (t->streams[i].cpu >= 0 && t->streams[i].cpu < t->n_cpus) has[t->streams[i].cpu] = 1;
    size_t o = 0;
    buf[0] = 0;
    for (int64_t c = 0; c < t->n_cpus && o < n; c++) {
        if (!has[c]) continue;
        int64_t e = c;
        while (e + 1 < t->n_cpus && has[e + 1]) e++;
        if (e > c) o += (size_t)snprintf(buf + o, n - o, "%s%lld..%lld", o ? ", " : "", (long long)c, (long long)e);
        else o += (size_t)snprintf(buf + o, n - o, "%s%lld", o ? ", " : "", (long long)c);
        c = e;
    }
    free(has);
}

/* dir: the trace directory, or a temporary copy of orig's (salvage_dir; orig NULL: none) */
static int run_graph(const char *dir, const char *orig, const char *given, sink_state *st)
{
    ts__bt_pipeline p;
    const bt_component_sink *snk = NULL;
    int rc = ts__bt_pipeline_open(&p, dir, given);
    if (orig) ts__bt_pipeline_copy_of(orig);
    if (rc == 0 && bt_graph_add_simple_sink_component(p.g, "sink", NULL, consume, NULL, st, &snk))
        rc = ts__bt_fail(given, "cannot set up the trace reader");
    if (rc == 0) rc = ts__bt_pipeline_sink(&p, snk, given);
    if (rc == 0) rc = ts__bt_pipeline_run(&p, given, "cannot read the trace");
    ts__bt_pipeline_free(&p);
    /* nothing left on the thread for the next caller */
    return ts__bt_pending(rc, given, "cannot read the trace");
}

int ts__ctf_load_here(const char *dir, const ts_ctf_opts *opts, int fields, ts_ctf_trace *out)
{
    return ts__ctf_load_in(dir, opts, fields, NULL, out);
}

int ts__ctf_load_in(const char *dir, const ts_ctf_opts *opts, int fields, const char *work, ts_ctf_trace *out)
{
    memset(out, 0, sizeof *out);
    ts_ctf_opts defaults = {NULL, 0, TS_CTF_SYSCALLS, -1, 0, 0};
    const ts_ctf_opts *o = opts ? opts : &defaults;
    /* a CTF trace directory, or an LTTng session directory holding kernel/ */
    const char *given = dir;
    char *kdir = ts__ctf_find_dir(dir);
    if (!kdir) return -1;
    dir = kdir;

    int partial = 0;
    check_index(dir, out, &partial);
    char *tmp = partial ? salvage_dir(dir, out, work) : NULL;
    int rc = partial && !tmp ? -1 : 0;

    sink_state st;
    memset(&st, 0, sizeof st);
    st.o = o;
    st.t = out;
    st.fields = fields;
    st.t0 = ts_now();
    if (rc == 0) rc = run_graph(tmp ? tmp : dir, tmp ? dir : NULL, given, &st);
    if (rc == 0 && st.err[0]) rc = ts_fail("%s: %s", given, st.err);
    if (o->progress) progress_line(&st, 1);
    if (tmp) {
        ts_temp_dir_remove(tmp);
        free(tmp);
    }
    free(st.cpus);
    ts__idmap_free(&st.pend.ids);
    free(st.pend.call);
    ts__idmap_free(&st.open);
    free(st.open_idx);
    free(st.bt_streams);
    free(kdir);
    /* the CPUs of the streams, not of the events: CPUs may be missing in the middle (offline),
     * and a CPU's stream may hold no event */
    int has_cpu = 0;
    for (size_t i = 0; i < out->n_streams && !has_cpu; i++) has_cpu = out->streams[i].cpu == o->cpu;
    if (rc == 0 && o->cpu >= 0 && !has_cpu) {
        char cpus[128];
        stream_cpus(out, cpus, sizeof cpus);
        rc = ts_fail("%s: no CPU %lld in the trace (%s%s)", given, (long long)o->cpu,
                     cpus[0] ? "its streams are of CPUs " : "its streams do not tell their CPU", cpus);
    }
    if (rc == 0 && out->n == 0) {
        char cpu[48] = "";
        if (o->cpu >= 0) snprintf(cpu, sizeof cpu, " on CPU %lld", (long long)o->cpu);
        rc = ts_fail("%s: no %sevents%s%s%s", given, o->events == TS_CTF_ALL ? "" : "system call entry ",
                     cpu, o->comm ? " of threads named " : "", o->comm ? o->comm : "");
    }
    if (rc) {
        ts_ctf_trace_free(out);
        return -1;
    }
    return 0;
}

int ts_ctf_read(const char *dir, const char *comm, int exits, char ***names_out, size_t *n_out,
                uint64_t *lost)
{
    ts_ctf_opts o = {comm, exits, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace t;
    *names_out = NULL;
    *n_out = 0;
    if (lost) *lost = 0;
    if (ts_ctf_load(dir, &o, &t)) return -1;
    *names_out = t.names;
    *n_out = t.n;
    if (lost) *lost = t.lost;
    t.names = NULL;
    t.n = 0;
    ts_ctf_trace_free(&t);
    return 0;
}
