/* Field access and the simple-sink iteration step of libbabeltrace2 messages, shared by the CTF reader (src/data/ctf.c)
 * and the CTF rewriter (src/gaps/ctf_rewrite.c). Not part of the public API. */
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

/* the next messages for a simple sink's consume function: 1 with msgs/count set, or 0
 * with *status what consume returns (end, again, or the error) */
static inline int ts__bt_next(bt_message_iterator *it, bt_message_array_const *msgs, uint64_t *count,
                              bt_graph_simple_sink_component_consume_func_status *status)
{
    switch (bt_message_iterator_next(it, msgs, count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK: return 1;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END; break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN; break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
        break;
    default: *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR; break;
    }
    return 0;
}

#endif
