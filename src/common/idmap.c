/* Thread IDs -> dense indices (see idmap.h). */
#include "common/idmap.h"
#include "tracesynth/common.h"

#include <stdlib.h>
#include <string.h>

static size_t slot(const ts__idmap *m, int64_t key)
{
    size_t h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
    while (m->idx[h] != SIZE_MAX && m->key[h] != key) h = (h + 1) & (m->cap - 1);
    return h;
}

size_t ts__idmap_get(ts__idmap *m, int64_t key, int add)
{
    if (m->cap) {
        size_t h = slot(m, key);
        if (m->idx[h] != SIZE_MAX) return m->idx[h];
    }
    if (!add) return SIZE_MAX;
    if (2 * (m->n + 1) > m->cap) {
        ts__idmap g = {NULL, NULL, m->cap ? 2 * m->cap : 1024, m->n};
        g.key = ts_malloc(g.cap * sizeof *g.key);
        g.idx = ts_malloc(g.cap * sizeof *g.idx);
        for (size_t i = 0; i < g.cap; i++) g.idx[i] = SIZE_MAX;
        for (size_t i = 0; i < m->cap; i++)
            if (m->idx[i] != SIZE_MAX) {
                size_t h = slot(&g, m->key[i]);
                g.key[h] = m->key[i];
                g.idx[h] = m->idx[i];
            }
        free(m->key);
        free(m->idx);
        *m = g;
    }
    size_t h = slot(m, key);
    m->key[h] = key;
    m->idx[h] = m->n;
    return m->n++;
}

void ts__idmap_free(ts__idmap *m)
{
    free(m->key);
    free(m->idx);
    memset(m, 0, sizeof *m);
}
