/* Test helpers for the model formats' tests: a copy of a container file with one section
 * replaced (or one text in it), a section's text, a comparison of one section of two
 * files, and a hand-made sssd-s4 file. */
#ifndef TRACESYNTH_TESTS_CONTAINER_EDIT_H
#define TRACESYNTH_TESTS_CONTAINER_EDIT_H

#include "tracesynth/container.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* copy the container src to dst with chunk tag's body replaced by the n bytes at data
 * (NULL: left out); src and dst may be the same file. 0 / -1 */
static inline int rewrite_chunk_bytes(const char *src, const char *dst, const char *tag, const void *data, size_t n)
{
    ts_reader r;
    if (ts_reader_open(&r, src) != 0) return -1;
    ts_writer w;
    ts_writer_init(&w, dst);
    for (uint32_t i = 0; i < r.nchunks; i++) {
        const ts_chunk *c = &r.chunks[i];
        if (strcmp(c->tag, tag)) ts_writer_chunk(&w, c->tag, c->data, c->size);
        else if (data) ts_writer_chunk(&w, tag, data, n);
    }
    ts_reader_close(&r);
    return ts_writer_commit(&w);
}

/* whether containers a and b both hold section tag, with the same bytes */
static inline int chunk_equal(const char *a, const char *b, const char *tag)
{
    ts_reader ra, rb;
    if (ts_reader_open(&ra, a) != 0) return 0;
    if (ts_reader_open(&rb, b) != 0) { ts_reader_close(&ra); return 0; }
    const ts_chunk *ca = ts_reader_get(&ra, tag), *cb = ts_reader_get(&rb, tag);
    int eq = ca && cb && ca->size == cb->size && memcmp(ca->data, cb->data, ca->size) == 0;
    ts_reader_close(&ra);
    ts_reader_close(&rb);
    return eq;
}

/* the same with the text body (NULL: left out) */
static inline int rewrite_chunk(const char *src, const char *dst, const char *tag, const char *body)
{
    return rewrite_chunk_bytes(src, dst, tag, body, body ? strlen(body) : 0);
}

/* an sssd-s4 container with CONFIG cfg and PARAMS of nparams zeros. 0 / -1 */
static inline int write_sssd(const char *path, const char *cfg, size_t nparams)
{
    uint32_t vocab0[2] = {0, 0xffffffffu}, nids = 5;
    float *p = calloc(nparams ? nparams : 1, sizeof *p);
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "sssd-s4");
    ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
    ts_writer_chunk(&w, "NIDS", &nids, 4);
    ts_writer_text(&w, "CONFIG", cfg);
    ts_writer_chunk(&w, "PARAMS", p, nparams * sizeof *p);
    int rc = ts_writer_commit(&w);
    free(p);
    return rc;
}


/* the text of section tag of container path in buf (n bytes, cut to fit). 0 / -1 */
static inline int read_chunk_text(const char *path, const char *tag, char *buf, size_t n)
{
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) return -1;
    const ts_chunk *c = ts_reader_get(&r, tag);
    if (c) snprintf(buf, n, "%.*s", (int)c->size, (const char *)c->data);
    ts_reader_close(&r);
    return c ? 0 : -1;
}

/* copy src to dst with section tag's text set to body with its first `from` replaced by
 * `to` ("": cut out). 0 / -1 (no `from` in body, or the copy failed) */
static inline int rewrite_chunk_replacing(const char *src, const char *dst, const char *tag, const char *body,
                                          const char *from, const char *to)
{
    const char *p = strstr(body, from);
    if (!p) return -1;
    size_t n = strlen(body) - strlen(from) + strlen(to) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(p - body), body, to, p + strlen(from));
    int rc = rewrite_chunk(src, dst, tag, s);
    free(s);
    return rc;
}

#endif
