/* 64-bit keys (thread IDs) -> dense indices 0, 1, 2, ... in the order they are first seen
 * (open addressing). The caller keeps its values in arrays indexed by them; ts__idmap_cap
 * bounds every index the map has given (size those arrays by it). Not part of the API. */
#ifndef TS_IDMAP_H
#define TS_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t *key;     /* (cap) */
    size_t  *idx;     /* (cap) SIZE_MAX: empty */
    size_t   cap, n;
} ts__idmap;

/* key's index; when key is new: with add, n (and n grows), else SIZE_MAX */
size_t ts__idmap_get(ts__idmap *m, int64_t key, int add);
static inline size_t ts__idmap_cap(const ts__idmap *m) { return m->cap; }
void   ts__idmap_free(ts__idmap *m);

#endif
