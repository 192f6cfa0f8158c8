/* Field access and the simple-sink iteration step of libbabeltrace2 messages, shared by the CTF reader (src/data/ctf.c)
 * and the CTF rewriter (src/gaps/ctf_rewrite.c), and what else they share (src/data/ctf_util.c). Not part of the
 * public API. */
#ifndef TS_CTF_FIELDS_H
#define TS_CTF_FIELDS_H

#include <babeltrace2/babeltrace.h>
#include <stdint.h>

/* an integer field, signed or unsigned, as int64; -1 when f is not an integer */
static inline int ts__bt_field_int(const bt_field *f, int64_t *out)
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

/* the member `name` of a structure field, or NULL */
static inline const bt_field *ts__bt_member(const bt_field *s, const char *name)
{
    if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE) return NULL;
    return bt_field_structure_borrow_member_field_by_name_const(s, name);
}

/* the thread on its CPU after a sched_process_exec event of payload pl, the CPU's thread being cur: the payload's tid
 * (a thread other than its process's leader takes the leader's tid), else cur (without a tid the thread stays) */
static inline int64_t ts__exec_tid(const bt_field *pl, int64_t cur)
{
    int64_t tid = -1;
    if (ts__bt_field_int(ts__bt_member(pl, "tid"), &tid) || tid < 0) return cur;
    return tid;
}

/* the stream of the last event a sink of ours was given (this thread's graph), named in an
 * error the graph gives after it (ts__bt_fail): babeltrace2's muxer names no stream file */
void ts__bt_last_event(const bt_message *m);

/* the next messages for a simple sink's consume function: 1 with msgs/count set, or 0
 * with *status what consume returns (end, again, or the error) */
static inline int ts__bt_next(bt_message_iterator *it, bt_message_array_const *msgs, uint64_t *count,
                              bt_graph_simple_sink_component_consume_func_status *status)
{
    switch (bt_message_iterator_next(it, msgs, count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        for (uint64_t i = *count; i-- > 0;)
            if (bt_message_get_type((*msgs)[i]) == BT_MESSAGE_TYPE_EVENT) {
                ts__bt_last_event((*msgs)[i]);
                break;
            }
        return 1;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END; break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN; break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
        break;
    default: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR; break;
    }
    return 0;
}

/* DIR, or DIR/kernel (an LTTng session directory), whichever holds 'metadata' (malloc'd); NULL with one error
 * line when DIR cannot be opened, is not a directory or holds no trace */
char *ts__ctf_find_dir(const char *dir);

/* a stream file of SIZE bytes against its LTTng index IDX: *complete the bytes of complete packets at its start,
 * *total the bytes the index lists, *packets how many it lists and *missing how many do not fit in SIZE; -1 when
 * there is no usable index (none, or a damaged one: its entries not consecutive packets from offset 0, of whole
 * bytes, the content inside the packet) */
int ts__ctf_index_extent(const char *idx, uint64_t size, uint64_t *complete, uint64_t *total, uint64_t *packets,
                         uint64_t *missing);

/* "DIR: WHAT: babeltrace2's reason" (its most recent cause, with the cause naming a stream file when another one
 * does) as the error, from the error pending on the thread, which it takes; returns -1. A stream that failed to
 * decode, or the muxer's time going back, names no file: the trace's streams are then read again, each on its
 * own, and the first that fails or goes back by itself is named */
int ts__bt_fail(const char *dir, const char *what);

/* after a graph: babeltrace2 may end it OK after a stream stopped decoding, with the reason left on the thread.
 * Returns rc, or -1 (named as ts__bt_fail does) when rc was 0 and an error is pending; none is left behind. */
int ts__bt_pending(int rc, const char *dir, const char *what);

/* ---- a graph: src.ctf.fs -> flt.utils.muxer (time order across streams) -> the caller's components ---- */
typedef struct {
    bt_graph *g;
    const bt_plugin *ctf, *utils, *text;
    const bt_component_source *src;
    const bt_component_filter *mux;
} ts__bt_pipeline;
/* a plugin (a reference), or NULL */
const bt_plugin *ts__bt_find_plugin(const char *name);
/* the source reading DIR and the muxer, connected (GIVEN names the trace in errors); 0 / -1 */
int  ts__bt_pipeline_open(ts__bt_pipeline *p, const char *dir, const char *given);
/* after ts__bt_pipeline_open: DIR is a temporary copy of the trace directory ORIG (the
 * complete packets of its cut stream files beside links to the others, one level): a stream
 * file an error names is ORIG's of the same name, not the copy's, gone once read */
void ts__bt_pipeline_copy_of(const char *orig);
/* the muxer's output to a sink's input; 0 / -1 */
int  ts__bt_pipeline_sink(ts__bt_pipeline *p, const bt_component_sink *snk, const char *given);
/* runs the graph to its end; -1 with "GIVEN: WHAT: reason" on an error, also one babeltrace2 left pending */
int  ts__bt_pipeline_run(ts__bt_pipeline *p, const char *given, const char *what);
void ts__bt_pipeline_free(ts__bt_pipeline *p);

#endif
