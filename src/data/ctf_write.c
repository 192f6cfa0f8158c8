/* A multi-channel trace as a CTF trace, written by babeltrace2's sink.ctf.fs: a source
 * component of ours emits the trace's messages (one stream per CPU, one packet per
 * stream), the sink writes them (see channels.h). The events are named as LTTng names a
 * kernel trace's, so that 'ingest --from ctf' reads the trace back: each event is a
 * syscall_entry_NAME; with a ret channel, a value is a syscall_exit_NAME (payload ret)
 * right after its entry; an event the trace marks as an exit (events.exit: ingest --exits
 * read it so) is a syscall_exit_NAME alone, and where the trace marks exits, an entry has
 * none after it (its exit is an event of its own); an event it marks as no system call
 * (ingest --events all) is an event NAME: a sched_switch to its thread, a
 * sched_process_exec (filename and comm its comm, tid its thread), another with no payload; with a
 * tid or comm channel, a
 * TS_SWITCH_CLASS (a sched_switch's prev_tid, next_tid, next_comm: a class of its own, so
 * that ingest --events all does not read it as an event) comes before an event whose
 * thread is not the one on its CPU; every packet has its cpu_id. */
#include "tracesynth/channels.h"
#include "tracesynth/common.h"
#include "tracesynth/eval.h"
#include "tracesynth/gaps.h"
#include "data_internal.h"

#include <babeltrace2/babeltrace.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const ts_mc *m;
    const char  *path;          /* for messages */
    int64_t     *t;             /* (n) event times in ns from 0 */
    const char  *arch;          /* the environment's "arch", or NULL */
    int          nstreams;      /* CPUs (max + 1), or 1 without a cpu channel */
    int          failed;
    char         err[256];
} cw_comp;

/* events that are no system call and change the CPU's thread as ingest reads them */
enum { OWN_SWITCH = 1, OWN_EXEC = 2 };

typedef struct {
    cw_comp          *c;
    bt_trace_class   *tc;
    bt_trace         *trace;
    bt_stream_class  *sc;
    bt_clock_class   *clock;
    bt_event_class  **ec;       /* (V) syscall_entry_NAME */
    bt_event_class  **xc;       /* (V) syscall_exit_NAME, NULL without a ret channel or exits */
    bt_event_class  **oc;       /* (V) NAME, of an event that is no system call */
    uint8_t          *okind;    /* (V) such an event: OWN_SWITCH, OWN_EXEC, else 0 */
    bt_event_class   *sw;       /* TS_SWITCH_CLASS, NULL without a tid or comm channel */
    int32_t           V;
    int64_t          *cur_tid;  /* (nstreams) the thread on each CPU, -2 before its first switch */
    int32_t          *cur_comm; /* (nstreams) its comm ID */
    int               sub;      /* within an event: 0 switch, 1 entry, 2 exit */
    int               exits;    /* some event is marked as an exit (events.exit) */
    bt_stream       **st;       /* (nstreams) */
    bt_packet       **pkt;
    size_t            phase, next;   /* 0: beginnings, 1: events, 2: ends, 3: done */
} cw_iter;

static void cw_iter_free(cw_iter *w)
{
    if (!w) return;
    for (int s = 0; s < (w->c ? w->c->nstreams : 0); s++) {
        if (w->pkt) bt_packet_put_ref(w->pkt[s]);
        if (w->st) bt_stream_put_ref(w->st[s]);
    }
    free(w->pkt);
    free(w->st);
    for (int32_t v = 0; v < w->V; v++) {
        bt_event_class_put_ref(w->ec[v]);
        if (w->xc) bt_event_class_put_ref(w->xc[v]);
        if (w->oc) bt_event_class_put_ref(w->oc[v]);
    }
    free(w->ec);
    free(w->xc);
    free(w->oc);
    free(w->okind);
    bt_event_class_put_ref(w->sw);
    free(w->cur_tid);
    free(w->cur_comm);
    bt_clock_class_put_ref(w->clock);
    bt_stream_class_put_ref(w->sc);
    bt_trace_put_ref(w->trace);
    bt_trace_class_put_ref(w->tc);
    free(w);
}

static const char *event_name(const ts_mc *m, int32_t v, char *buf, size_t n)
{
    if (v >= 0 && v < m->events.vocab.n) return m->events.vocab.names[v];
    snprintf(buf, n, "event%d", (int)v);
    return buf;
}

/* a structure of the members NAMES, each a string ('s') or a signed integer ('i') as KINDS says */
static bt_field_class *struct_class(bt_trace_class *tc, const char *kinds, const char *const *names)
{
    bt_field_class *p = bt_field_class_structure_create(tc);
    int bad = !p;
    for (size_t k = 0; kinds[k] && !bad; k++) {
        bt_field_class *f = kinds[k] == 's' ? bt_field_class_string_create(tc) : bt_field_class_integer_signed_create(tc);
        bad = !f || bt_field_class_structure_append_member(p, names[k], f);
        bt_field_class_put_ref(f);
    }
    if (bad) {
        bt_field_class_put_ref(p);
        return NULL;
    }
    return p;
}

/* an event class NAME (PREFIX NAME) of the payload KINDS / NAMES; NULL on failure */
static bt_event_class *event_class(cw_iter *w, const char *prefix, const char *name, const char *kinds,
                                   const char *const *names)
{
    bt_field_class *p = struct_class(w->tc, kinds, names);
    bt_event_class *ec = p ? bt_event_class_create(w->sc) : NULL;
    size_t l = strlen(prefix) + strlen(name) + 1;
    char *full = ts_malloc(l);
    snprintf(full, l, "%s%s", prefix, name);
    if (ec && (bt_event_class_set_name(ec, full) || bt_event_class_set_payload_field_class(ec, p))) {
        bt_event_class_put_ref(ec);
        ec = NULL;
    }
    free(full);
    bt_field_class_put_ref(p);
    return ec;
}

static bt_message_iterator_class_initialize_method_status cw_iter_init(bt_self_message_iterator *self,
                                                                       bt_self_message_iterator_configuration *cfg,
                                                                       bt_self_component_port_output *port)
{
    bt_self_component *comp = bt_self_message_iterator_borrow_component(self);
    cw_comp *c = bt_self_component_get_data(comp);
    const ts_mc *m = c->m;
    cw_iter *w = calloc(1, sizeof *w);
    if (!w) return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
    w->c = c;
    int bad = 0;
    w->tc = bt_trace_class_create(comp);
    w->sc = w->tc ? bt_stream_class_create(w->tc) : NULL;
    w->clock = bt_clock_class_create(comp);
    bad = !w->tc || !w->sc || !w->clock;
    if (!bad) {
        bt_clock_class_set_frequency(w->clock, 1000000000);
        bt_clock_class_set_origin_is_unix_epoch(w->clock, BT_FALSE);
        bad = bt_clock_class_set_name(w->clock, "monotonic") || bt_stream_class_set_default_clock_class(w->sc, w->clock);
        if (!bad) bt_stream_class_set_supports_packets(w->sc, BT_TRUE, BT_FALSE, BT_FALSE);
    }
    if (!bad) {   /* packet context: cpu_id, as LTTng writes it (0 without a cpu channel) */
        bt_field_class *ctx = bt_field_class_structure_create(w->tc), *cpu = bt_field_class_integer_unsigned_create(w->tc);
        bad = !ctx || !cpu || bt_field_class_structure_append_member(ctx, "cpu_id", cpu) ||
              bt_stream_class_set_packet_context_field_class(w->sc, ctx);
        bt_field_class_put_ref(cpu);
        bt_field_class_put_ref(ctx);
    }
    int32_t V = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->ch[TS_CH_EVENT][i] + 1 > V) V = m->ch[TS_CH_EVENT][i] + 1;
    if (m->events.vocab.n > V) V = m->events.vocab.n;
    w->ec = calloc((size_t)V, sizeof *w->ec);
    w->oc = calloc((size_t)V, sizeof *w->oc);
    w->okind = calloc((size_t)V, 1);
    if (!w->ec || !w->oc || !w->okind) bad = 1;
    else w->V = V;
    /* where exits are events of their own, an exit's value's name too, as an entry has it
     * (a value not known is none, not a number) */
    static const char *const entry_members[] = {"tid", "comm", "ret"}, *const exit_members[] = {"ret", "ret_name"};
    static const char *const switch_members[] = {"prev_comm", "prev_tid", "next_comm", "next_tid"};
    /* (an exec's comm: the thread's new name, which its filename's basename cannot hold
     * where it has a '/'; LTTng's event has none, and ingest reads it where present) */
    static const char *const exec_members[] = {"filename", "tid", "old_tid", "comm"};
    for (size_t i = 0; m->events.exit && i < m->n && !w->exits; i++) w->exits = m->events.exit[i] != 0;
    if (!bad && (m->ch[TS_CH_RET] || w->exits)) {
        w->xc = calloc((size_t)w->V, sizeof *w->xc);
        bad = !w->xc;
    }
    /* classes of the events that occur only (IDs without names may be sparse): 1 as a system
     * call, 2 as an event that is none */
    uint8_t *used = bad ? NULL : calloc((size_t)w->V, 1);
    if (!bad && !used) bad = 1;
    for (size_t i = 0; used && i < m->n; i++)
        used[m->ch[TS_CH_EVENT][i]] |= w->exits && m->events.exit[i] == TS_EVENT_OTHER ? 2 : 1;
    for (int32_t v = 0; v < w->V && !bad; v++) {
        char buf[32];
        const char *nm = event_name(m, v, buf, sizeof buf);
        if (used[v] & 1) {
            w->ec[v] = event_class(w, "syscall_entry_", nm, "iss", entry_members);
            bad = !w->ec[v];
            if (!bad && w->xc) bad = !(w->xc[v] = event_class(w, "syscall_exit_", nm, w->exits ? "is" : "i", exit_members));
        }
        if (!bad && (used[v] & 2)) {
            w->okind[v] = !strcmp(nm, "sched_switch") ? OWN_SWITCH : !strcmp(nm, "sched_process_exec") ? OWN_EXEC : 0;
            w->oc[v] = w->okind[v] == OWN_SWITCH ? event_class(w, "", nm, "sisi", switch_members)
                       : w->okind[v] == OWN_EXEC ? event_class(w, "", nm, "siis", exec_members)
                                                 : event_class(w, "", nm, "", NULL);
            bad = !w->oc[v];
        }
    }
    free(used);
    if (!bad && (m->ch[TS_CH_TID] || m->ch[TS_CH_COMM])) bad = !(w->sw = event_class(w, "", TS_SWITCH_CLASS, "sisi", switch_members));
    w->cur_tid = malloc((size_t)c->nstreams * sizeof *w->cur_tid);
    w->cur_comm = calloc((size_t)c->nstreams, sizeof *w->cur_comm);
    bad = bad || !w->cur_tid || !w->cur_comm;
    for (int s = 0; s < c->nstreams && !bad; s++) w->cur_tid[s] = -2;
    w->trace = bad ? NULL : bt_trace_create(w->tc);
    if (w->trace && c->arch) bad = bt_trace_set_environment_entry_string(w->trace, "arch", c->arch) != 0;
    /* the mark of a trace written here, which a later export, drop or fill may replace */
    if (w->trace && !bad) bad = bt_trace_set_environment_entry_string(w->trace, TS__CTF_ENV_MARK, "export") != 0;
    w->st = calloc((size_t)c->nstreams, sizeof *w->st);
    w->pkt = calloc((size_t)c->nstreams, sizeof *w->pkt);
    bad = bad || !w->trace || !w->st || !w->pkt;
    for (int s = 0; s < c->nstreams && !bad; s++) {
        char name[32];
        snprintf(name, sizeof name, "chan_%d", s);
        w->st[s] = bt_stream_create(w->sc, w->trace);
        bad = !w->st[s] || bt_stream_set_name(w->st[s], name);
        w->pkt[s] = bad ? NULL : bt_packet_create(w->st[s]);
        bad = bad || !w->pkt[s];
        if (!bad) {
            bt_field *ctx = bt_packet_borrow_context_field(w->pkt[s]);
            bt_field_integer_unsigned_set_value(bt_field_structure_borrow_member_field_by_index(ctx, 0), (uint64_t)s);
        }
    }
    if (bad) {
        snprintf(c->err, sizeof c->err, "cannot create the trace's classes and streams");
        c->failed = 1;
        cw_iter_free(w);
        return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    }
    bt_self_message_iterator_set_data(self, w);
    return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static void cw_iter_fini(bt_self_message_iterator *self)
{
    cw_iter_free(bt_self_message_iterator_get_data(self));
}

/* member k of the structure p set to the string v. libbabeltrace2 2.0 recycles events: a
 * string field's text can outlive its clearing, so a reader takes a string by its length */
static int set_string(bt_field *p, uint64_t k, const char *v)
{
    bt_field *f = bt_field_structure_borrow_member_field_by_index(p, k);
    bt_field_string_clear(f);
    return bt_field_string_append_with_length(f, v, strlen(v)) != BT_FIELD_STRING_APPEND_STATUS_OK;
}

/* the comm name of ID a ("" none, "<unk>" unknown, which ingest reads back as unknown) */
static const char *comm_name(const ts_mc *m, int32_t a)
{
    return a >= 2 && a < m->comm_vocab.n ? m->comm_vocab.names[a] : a == TS_CH_UNK ? TS_UNK_NAME : "";
}

/* the name of event i's return value: "" none, "?" not known */
static const char *ret_name(const ts_mc *m, size_t i)
{
    int32_t a = m->ch[TS_CH_RET] ? m->ch[TS_CH_RET][i] : TS_CH_PAD;
    return a >= 2 && a < m->ret_vocab.n ? m->ret_vocab.names[a] : a == TS_CH_UNK ? "?" : "";
}

/* event i's return value: 1 with *ret set when its ret is a known number */
static int ret_value(const ts_mc *m, size_t i, int64_t *ret)
{
    int32_t a = m->ch[TS_CH_RET] ? m->ch[TS_CH_RET][i] : TS_CH_PAD;
    if (a < 2 || a >= m->ret_vocab.n) return 0;
    const char *s = m->ret_vocab.names[a];
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno) return 0;
    *ret = v;
    return 1;
}

/* step SUB (0 switch, 1 entry, 2 exit) of event i: *msg its message, or NULL with 0 when
 * the step has none; -1 on failure */
static int event_message(bt_self_message_iterator *self, cw_iter *w, size_t i, int sub, bt_message **msg)
{
    const ts_mc *m = w->c->m;
    int s = m->ch[TS_CH_CPU] ? m->ch[TS_CH_CPU][i] : 0;
    int32_t v = m->ch[TS_CH_EVENT][i];
    *msg = NULL;
    if (s < 0 || s >= w->c->nstreams || v < 0 || v >= w->V) return -1;
    int64_t tid = m->ch[TS_CH_TID] ? m->ch[TS_CH_TID][i] : 0, ret = 0;
    int32_t comm = m->ch[TS_CH_COMM] ? m->ch[TS_CH_COMM][i] : TS_CH_PAD;
    const int kind = w->exits ? m->events.exit[i] : TS_EVENT_CALL, is_exit = kind == TS_EVENT_EXIT;
    const int own = kind == TS_EVENT_OTHER ? w->okind[v] : -1;   /* no system call: its own class */
    bt_event_class *ec = sub == 0   ? w->sw
                         : own >= 0 ? (sub == 1 ? w->oc[v] : NULL)
                         : sub == 1 ? w->ec[v]
                         : w->xc    ? w->xc[v]
                                    : NULL;
    if (!ec) return 0;
    /* a sched_switch of the trace changes the thread itself, an exec names it (its filename) */
    if (sub == 0 && (own == OWN_SWITCH || (w->cur_tid[s] == tid && (own == OWN_EXEC || w->cur_comm[s] == comm))))
        return 0;
    if (sub == 1 && is_exit) return 0;   /* an exit alone; an entry's exit is its own event */
    if (sub == 2 && (w->exits ? !is_exit : !ret_value(m, i, &ret))) return 0;
    if (sub == 2 && is_exit && !ret_value(m, i, &ret)) ret = 0;   /* a value not known: 0, and ret_name says so */
    *msg = bt_message_event_create_with_packet_and_default_clock_snapshot(self, ec, w->pkt[s], (uint64_t)w->c->t[i]);
    if (!*msg) return -1;
    bt_field *p = bt_event_borrow_payload_field(bt_message_event_borrow_event(*msg));
    int bad = 0;
    if (sub == 0 || own == OWN_SWITCH) {   /* prev_comm, prev_tid, next_comm, next_tid */
        bad = set_string(p, 0, w->cur_tid[s] < 0 ? "" : comm_name(m, w->cur_comm[s])) ||
              set_string(p, 2, comm_name(m, comm));
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 1),
                                          w->cur_tid[s] < 0 ? 0 : w->cur_tid[s]);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 3), tid);
        w->cur_tid[s] = tid;
        w->cur_comm[s] = comm;
    } else if (own == OWN_EXEC) {   /* filename (its basename the thread's new name), tid, old_tid, comm */
        bad = set_string(p, 0, comm_name(m, comm)) || set_string(p, 3, comm_name(m, comm));
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 1), tid);
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 2), tid);
        w->cur_comm[s] = comm;
    } else if (own == 0) {   /* no payload */
    } else if (sub == 1) {   /* tid, comm, ret (the value's name; "" none, "?" unknown) */
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 0),
                                          m->ch[TS_CH_TID] ? m->ch[TS_CH_TID][i] : -1);
        bad = set_string(p, 1, comm_name(m, comm)) || set_string(p, 2, ret_name(m, i));
    } else {   /* ret, and where exits are events of their own its name */
        bt_field_integer_signed_set_value(bt_field_structure_borrow_member_field_by_index(p, 0), ret);
        if (w->exits) bad = set_string(p, 1, ret_name(m, i));
    }
    if (bad) {
        bt_message_put_ref(*msg);
        *msg = NULL;
        return -1;
    }
    return 0;
}

static bt_message_iterator_class_next_method_status cw_next(bt_self_message_iterator *self,
                                                            bt_message_array_const msgs, uint64_t capacity,
                                                            uint64_t *count)
{
    cw_iter *w = bt_self_message_iterator_get_data(self);
    size_t S = (size_t)w->c->nstreams, n = w->c->m->n;
    uint64_t k = 0;
    while (k < capacity && w->phase < 3) {
        bt_message *msg = NULL;
        size_t j = w->next;
        int bad = 0;
        const int phase = w->phase;   /* the message's, before the state moves on */
        if (w->phase == 0) {   /* stream s beginning, then its packet's */
            size_t s = j / 2;
            msg = j % 2 ? bt_message_packet_beginning_create(self, w->pkt[s]) : bt_message_stream_beginning_create(self, w->st[s]);
            bad = !msg;
            if (++w->next == 2 * S) w->phase = 1, w->next = 0;
        } else if (w->phase == 1) {   /* event j's switch, entry and exit, those it has */
            bad = event_message(self, w, j, w->sub, &msg) != 0;
            if (++w->sub == 3) w->sub = 0, w->next++;
            if (w->next == n) w->phase = 2, w->next = 0;
        } else {
            size_t s = j / 2;
            msg = j % 2 ? bt_message_stream_end_create(self, w->st[s]) : bt_message_packet_end_create(self, w->pkt[s]);
            bad = !msg;
            if (++w->next == 2 * S) w->phase = 3;
        }
        if (bad) {
            for (uint64_t i = 0; i < k; i++) bt_message_put_ref(msgs[i]);
            snprintf(w->c->err, sizeof w->c->err, "cannot create the message of %s %zu",
                     phase == 1 ? "event" : "stream", phase == 1 ? j : j / 2);
            w->c->failed = 1;
            return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
        }
        if (msg) msgs[k++] = msg;
    }
    *count = k;
    return k ? BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK : BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
}

static bt_component_class_initialize_method_status cw_init(bt_self_component_source *self,
                                                           bt_self_component_source_configuration *cfg,
                                                           const bt_value *params, void *data)
{
    bt_self_component_set_data(bt_self_component_source_as_self_component(self), data);
    if (bt_self_component_source_add_output_port(self, "out", NULL, NULL))
        return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
    return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static int ctf_write(const char *out, const ts_mc *m, const char *arch);

int ts_mc_write_ctf(const char *out_, const ts_mc *m)
{
    if (!out_) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    char *out = ts_path_trim(out_);   /* "dir/" names dir: its temporary is beside it, not in it */
    int rc = ctf_write(out, m, NULL);
    free(out);
    return rc;
}

int ts_mc_write_ctf_arch(const char *out_, const ts_mc *m, const char *arch)
{
    if (!out_) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    ts_arch a;
    if (arch && ts_arch_parse(arch, &a) != 0) return -1;
    char *out = ts_path_trim(out_);
    int rc = ctf_write(out, m, arch ? ts_arch_name(a) : NULL);
    free(out);
    return rc;
}

static int ctf_write(const char *out, const ts_mc *m, const char *arch)
{
    /* an empty folder (mkdir first) or a trace export, drop or fill wrote is replaced, as by
     * them; another, or a folder holding anything else, is kept */
    if (ts__ctf_out_check(out)) return -1;
    if (!m->n) return ts_fail("%s: no events to write", out);
    /* its directory must be there, as for every other output (the sink would make it); a
     * folder there (taken above) is replaced by the commit */
    struct stat sb;
    if (stat(out, &sb) != 0 && ts_out_check(out) != 0) return -1;
    cw_comp c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.path = out;
    c.arch = arch;
    c.nstreams = 1;
    if (m->ch[TS_CH_CPU])
        for (size_t i = 0; i < m->n; i++)
            if (m->ch[TS_CH_CPU][i] >= c.nstreams) c.nstreams = m->ch[TS_CH_CPU][i] + 1;
    if (c.nstreams > 4096) return ts_fail("%s: %d CPUs is too many streams", out, c.nstreams);
    /* sink.ctf.fs writes a byte outside printable ASCII in a name as \xHH, and a CTF reader
     * takes the hex digits after it into the escape too: that name would read back as
     * another (the metadata's names only) */
    const int32_t NV = m->events.vocab.n;
    uint8_t *named = ts_calloc(NV ? (size_t)NV : 1, 1);
    for (size_t i = 0; i < m->n; i++)
        if (m->ch[TS_CH_EVENT][i] >= 0 && m->ch[TS_CH_EVENT][i] < NV)
            named[m->ch[TS_CH_EVENT][i]] |= m->events.exit && m->events.exit[i] == TS_EVENT_OTHER ? 2 : 1;
    for (int32_t v = 0; v < NV; v++) {
        const unsigned char *q = (const unsigned char *)m->events.vocab.names[v];
        /* an event that is no system call is written under its name, which ingest must not
         * take for a system call's or for a class of tracesynth's own */
        const ts_ev_kind k = named[v] & 2 ? ts_gap_classify((const char *)q, NULL) : TS_EV_OTHER;
        if ((named[v] & 2) && (k == TS_EV_ENTRY || k == TS_EV_EXIT || !strcmp((const char *)q, TS_SWITCH_CLASS) ||
                               !strcmp((const char *)q, TS_RECON_CLASS))) {
            free(named);
            return ts_fail("%s: event name '%s' (ID %d) of an event that is no system call (exit.npy) would read back "
                           "as %s", out, (const char *)q, (int)v,
                           k == TS_EV_ENTRY || k == TS_EV_EXIT ? "a system call's" : "a class of tracesynth's own");
        }
        for (size_t j = 0; named[v] && q[j]; j++)
            if ((q[j] < 0x20 || q[j] > 0x7e) && isxdigit(q[j + 1])) {
                free(named);
                return ts_fail("%s: event name '%s' (ID %d): CTF metadata cannot hold its byte 0x%02x before the "
                               "hex digit '%c' (it would read back as another name)", out, (const char *)q, (int)v,
                               q[j], q[j + 1]);
            }
    }
    free(named);
    if (ts_mc_event_times(m, out, &c.t) != 0) return -1;
    /* written into a stage beside out (removed by the next one there if this process is
     * killed), then moved into place */
    const char *base;
    ts_stage stg;
    if (ts_stage_open_beside(&stg, out, &base)) {
        free(c.t);
        return -1;
    }
    char *tmp = ts_path_join(stg.stage, base);   /* sink.ctf.fs creates it */
    const bt_plugin *ctf = NULL;
    bt_graph *g = NULL;
    bt_message_iterator_class *mic = NULL;
    bt_component_class_source *sc = NULL;
    const bt_component_source *src = NULL;
    const bt_component_sink *snk = NULL;
    bt_value *params = NULL;
    int rc = 0;
    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &ctf) != BT_PLUGIN_FIND_STATUS_OK)
        rc = ts_fail("%s: babeltrace2's 'ctf' plugin is not installed", out);
    if (rc == 0) {
        g = bt_graph_create(0);
        mic = bt_message_iterator_class_create(cw_next);
        sc = mic ? bt_component_class_source_create("tracesynth-channels", mic) : NULL;
        if (!g || !sc || bt_message_iterator_class_set_initialize_method(mic, cw_iter_init) ||
            bt_message_iterator_class_set_finalize_method(mic, cw_iter_fini) ||
            bt_component_class_source_set_initialize_method(sc, cw_init) ||
            bt_graph_add_source_component_with_initialize_method_data(g, sc, "channels", NULL, &c, BT_LOGGING_LEVEL_NONE, &src))
            rc = ts_fail("%s: cannot set up the trace source", out);
    }
    if (rc == 0) {
        const bt_component_class_sink *fs = bt_plugin_borrow_sink_component_class_by_name_const(ctf, "fs");
        params = bt_value_map_create();
        if (!fs || !params || bt_value_map_insert_string_entry(params, "path", tmp) ||
            bt_value_map_insert_bool_entry(params, "assume-single-trace", BT_TRUE) ||
            bt_value_map_insert_bool_entry(params, "quiet", BT_TRUE) ||
            bt_graph_add_sink_component(g, fs, "out", params, BT_LOGGING_LEVEL_NONE, &snk) ||
            bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, 0),
                                   bt_component_sink_borrow_input_port_by_index_const(snk, 0), NULL))
            rc = ts_fail("%s: cannot set up babeltrace2's CTF writer (sink.ctf.fs)", out);
    }
    if (rc == 0) {
        bt_graph_run_status s;
        do s = bt_graph_run(g); while (s == BT_GRAPH_RUN_STATUS_AGAIN);
        if (s != BT_GRAPH_RUN_STATUS_OK)
            rc = ts_fail("%s: %s", out, c.failed ? c.err : "babeltrace2 could not write the trace");
    }
    bt_current_thread_clear_error();
    bt_value_put_ref(params);
    bt_graph_put_ref(g);   /* finalizes the sink: the metadata is written now */
    bt_component_class_source_put_ref(sc);
    bt_message_iterator_class_put_ref(mic);
    bt_plugin_put_ref(ctf);
    free(c.t);
    free(tmp);
    if (rc == 0) return ts_stage_commit(&stg, &base, 1);
    ts_stage_abort(&stg);
    return rc;
}
