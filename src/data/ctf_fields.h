/* Field access in libbabeltrace2 messages, shared by the CTF reader (src/data/ctf.c)
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

#endif
