/* LTTng kernel traces (CTF) -> one event per system call entry (and, when
 * asked, one per exit, named like its call as in the study's data), through
 * libbabeltrace2: src.ctf.fs -> flt.utils.muxer (time order across CPUs) ->
 * a simple sink that keeps per-CPU state.
 *
 * Entries are syscall_entry_NAME (LTTng >= 2.6), compat_syscall_entry_NAME
 * (32-bit tasks) and sys_NAME (older LTTng, whose exits are all exit_syscall).
 * Which thread runs on each CPU comes from sched_switch (next_tid, next_comm);
 * cpu_id is in each packet's context. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"

#include <babeltrace2/babeltrace.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *comm;      /* filter, or NULL */
    int         exits;     /* also record exits */
    char      **names;
    size_t      n, cap;
    uint64_t    lost;
    /* per CPU: current thread's name ("" until its first sched_switch) */
    char      (*cur_comm)[32];
    char      (*cur_call)[64];   /* per CPU: last entry's call (old LTTng's exit_syscall has no name) */
    size_t      ncpu;
    int         failed;
} sink_state;

static int field_int(const bt_field *f, int64_t *out)
{
    if (!f) return -1;
    bt_field_class_type t = bt_field_get_class_type(f);
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
        *out = (int64_t)bt_field_integer_unsigned_get_value(f);
    else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        *out = bt_field_integer_signed_get_value(f);
    else
        return -1;
    return 0;
}

static const bt_field *member(const bt_field *s, const char *name)
{
    if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE) return NULL;
    return bt_field_structure_borrow_member_field_by_name_const(s, name);
}

/* the syscall name of an entry event, or NULL */
static const char *entry_name(const char *ev)
{
    static const char *const prefixes[] = {"syscall_entry_", "compat_syscall_entry_", "sys_"};
    for (int i = 0; i < 3; i++) {
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

static void on_event(sink_state *st, const bt_event *ev)
{
    const char *name = bt_event_class_get_name(bt_event_borrow_class_const(ev));
    if (!name) return;
    int64_t cpu = -1;
    const bt_packet *pkt = bt_event_borrow_packet_const(ev);
    if (pkt) field_int(member(bt_packet_borrow_context_field_const(pkt), "cpu_id"), &cpu);
    if (cpu >= 0 && cpu < 65536 && (size_t)cpu >= st->ncpu) {
        size_t nc = (size_t)cpu + 1;
        st->cur_comm = ts_realloc(st->cur_comm, nc * sizeof *st->cur_comm);
        memset(st->cur_comm + st->ncpu, 0, (nc - st->ncpu) * sizeof *st->cur_comm);
        st->cur_call = ts_realloc(st->cur_call, nc * sizeof *st->cur_call);
        memset(st->cur_call + st->ncpu, 0, (nc - st->ncpu) * sizeof *st->cur_call);
        st->ncpu = nc;
    }
    if (!strcmp(name, "sched_switch")) {
        const bt_field *c = member(bt_event_borrow_payload_field_const(ev), "next_comm");
        if (cpu >= 0 && (size_t)cpu < st->ncpu && c &&
            bt_field_get_class_type(c) == BT_FIELD_CLASS_TYPE_STRING)
            snprintf(st->cur_comm[cpu], sizeof st->cur_comm[cpu], "%s", bt_field_string_get_value(c));
        return;
    }
    int have_cpu = cpu >= 0 && (size_t)cpu < st->ncpu;
    const char *sc = entry_name(name);
    if (sc) {
        if (have_cpu) snprintf(st->cur_call[cpu], sizeof st->cur_call[cpu], "%s", sc);
    } else if (st->exits) {
        sc = exit_name(name);
        if (sc && !*sc) sc = have_cpu && st->cur_call[cpu][0] ? st->cur_call[cpu] : NULL;
    }
    if (!sc) return;
    if (st->comm && (!have_cpu || strcmp(st->cur_comm[cpu], st->comm)))
        return;
    if (st->n == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 4096;
        st->names = ts_realloc(st->names, st->cap * sizeof *st->names);
    }
    st->names[st->n++] = ts_strdup(sc);
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it, void *data)
{
    sink_state *st = data;
    bt_message_array_const msgs;
    uint64_t count;
    switch (bt_message_iterator_next(it, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK: break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default: return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    for (uint64_t i = 0; i < count; i++) {
        const bt_message *m = msgs[i];
        bt_message_type t = bt_message_get_type(m);
        if (t == BT_MESSAGE_TYPE_EVENT) {
            on_event(st, bt_message_event_borrow_event_const(m));
        } else if (t == BT_MESSAGE_TYPE_DISCARDED_EVENTS) {
            uint64_t c;
            if (bt_message_discarded_events_get_count(m, &c) == BT_PROPERTY_AVAILABILITY_AVAILABLE)
                st->lost += c;
        }
        bt_message_put_ref(m);
    }
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

/* records babeltrace's own error message (its most recent cause) after what */
static int bt_fail(const char *dir, const char *what)
{
    const bt_error *err = bt_current_thread_take_error();
    const char *why = NULL;
    if (err && bt_error_get_cause_count(err) > 0)
        why = bt_error_cause_get_message(bt_error_borrow_cause_by_index(err, 0));
    ts_fail("%s: %s%s%s", dir, what, why ? ": " : "", why ? why : "");
    if (err) bt_error_release(err);
    return -1;
}

int ts_ctf_read(const char *dir, const char *comm, int exits, char ***names_out, size_t *n_out,
                uint64_t *lost)
{
    *names_out = NULL;
    *n_out = 0;
    if (lost) *lost = 0;
    /* a CTF trace directory, or an LTTng session directory holding kernel/ */
    char *meta = ts_path_join(dir, "metadata"), *kdir = ts_path_join(dir, "kernel");
    char *kmeta = ts_path_join(kdir, "metadata");
    const char *given = dir;
    int ok = ts_file_exists(meta);
    if (!ok && ts_file_exists(kmeta)) {
        dir = kdir;
        ok = 1;
    }
    free(meta);
    free(kmeta);
    if (!ok) {
        free(kdir);
        return ts_fail("%s: not a CTF trace directory (no 'metadata' file, nor kernel/metadata)", given);
    }

    const bt_plugin *ctf = NULL, *utils = NULL;
    if (bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &ctf) != BT_PLUGIN_FIND_STATUS_OK ||
        bt_plugin_find("utils", BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE, &utils) != BT_PLUGIN_FIND_STATUS_OK) {
        bt_plugin_put_ref(ctf);
        bt_fail(given, "babeltrace2's 'ctf' and 'utils' plugins are not installed");
        free(kdir);
        return -1;
    }
    const bt_component_class_source *fs = bt_plugin_borrow_source_component_class_by_name_const(ctf, "fs");
    const bt_component_class_filter *mux = bt_plugin_borrow_filter_component_class_by_name_const(utils, "muxer");

    sink_state st;
    memset(&st, 0, sizeof st);
    st.comm = comm;
    st.exits = exits;
    int rc = 0;
    bt_graph *g = bt_graph_create(0);
    bt_value *params = bt_value_map_create();
    bt_value *inputs = NULL;
    const bt_component_source *src = NULL;
    const bt_component_filter *flt = NULL;
    const bt_component_sink *snk = NULL;
    if (!g || !params || !fs || !mux) rc = bt_fail(dir, "cannot set up the trace reader");
    if (rc == 0 && (bt_value_map_insert_empty_array_entry(params, "inputs", &inputs) ||
                    bt_value_array_append_string_element(inputs, dir)))
        rc = bt_fail(dir, "cannot set up the trace reader");
    if (rc == 0 && bt_graph_add_source_component(g, fs, "src", params, BT_LOGGING_LEVEL_NONE, &src))
        rc = bt_fail(dir, "cannot open the CTF trace");
    if (rc == 0 && bt_graph_add_filter_component(g, mux, "mux", NULL, BT_LOGGING_LEVEL_NONE, &flt))
        rc = bt_fail(dir, "cannot set up the trace reader");
    if (rc == 0 && bt_graph_add_simple_sink_component(g, "sink", NULL, consume, NULL, &st, &snk))
        rc = bt_fail(dir, "cannot set up the trace reader");
    /* one muxer input per stream: the muxer adds a free input port after each connection */
    uint64_t nout = rc == 0 ? bt_component_source_get_output_port_count(src) : 0;
    for (uint64_t i = 0; i < nout && rc == 0; i++)
        if (bt_graph_connect_ports(g, bt_component_source_borrow_output_port_by_index_const(src, i),
                                   bt_component_filter_borrow_input_port_by_index_const(flt, i), NULL))
            rc = bt_fail(dir, "cannot connect the trace streams");
    if (rc == 0 && bt_graph_connect_ports(g, bt_component_filter_borrow_output_port_by_index_const(flt, 0),
                                          bt_component_sink_borrow_input_port_by_index_const(snk, 0), NULL))
        rc = bt_fail(dir, "cannot connect the trace streams");
    if (rc == 0) {
        bt_graph_run_status s;
        do s = bt_graph_run(g); while (s == BT_GRAPH_RUN_STATUS_AGAIN);
        if (s != BT_GRAPH_RUN_STATUS_OK) rc = bt_fail(dir, "cannot read the trace");
    }
    bt_graph_put_ref(g);
    bt_value_put_ref(params);
    bt_plugin_put_ref(ctf);
    bt_plugin_put_ref(utils);
    free(st.cur_comm);
    free(st.cur_call);
    free(kdir);
    if (rc == 0 && st.n == 0)
        rc = ts_fail("%s: no system call entry events%s%s", given, comm ? " of threads named " : "",
                     comm ? comm : "");
    if (rc) {
        for (size_t i = 0; i < st.n; i++) free(st.names[i]);
        free(st.names);
        return -1;
    }
    *names_out = st.names;
    *n_out = st.n;
    if (lost) *lost = st.lost;
    return 0;
}
