/* The chunked, checksummed file container (see container.h). */
#include "tracesynth/container.h"
#include "tracesynth/common.h"
#include "common/common_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* zlib's CRC-32 (the same polynomial and conventions), which reads words at a time: a byte
 * table was some eight times slower over a large dataset's stream.txt */
uint32_t ts_crc32(uint32_t crc, const void *data, size_t n)
{
    const unsigned char *p = data;
    uLong c = crc;
    while (n > 0) {   /* zlib takes at most a uInt at once */
        const uInt k = n > (1u << 30) ? 1u << 30 : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)c;
}

static const char MAGIC[4] = {'T', 'S', 'Y', 'N'};

static void put(ts_writer *w, const void *p, size_t n)
{
    if (w->size + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->size + n) cap *= 2;
        w->buf = ts_realloc(w->buf, cap);
        w->cap = cap;
    }
    memcpy(w->buf + w->size, p, n);
    w->size += n;
}

/* a misuse of the writer: the error is recorded now and kept (the first one) for
 * ts_writer_commit, which fails with it; the calls after it write nothing */
static void writer_fail(ts_writer *w, const char *fmt, const char *fn, const char *arg)
{
    ts_fail(fmt, fn, arg);
    if (w && !w->failed) w->failed = ts_strdup(ts_error());
}

/* 1 when w can take more: initialised, not committed, no misuse before */
static int writing(ts_writer *w, const char *fn)
{
    if (!w) return ts_fail_null(fn, "w"), 0;
    if (!w->buf) return ts_fail("%s: the writer holds no file (committed or freed already)", fn), 0;
    return !w->failed;
}

/* the tag of a section: at most TS_TAG_MAX bytes (NULL, or a longer one, is a misuse) */
static int tag_ok(ts_writer *w, const char *fn, const char *tag)
{
    if (!tag) {
        writer_fail(w, "%s: %s is NULL", fn, "tag");
        return 0;
    }
    if (strlen(tag) > TS_TAG_MAX) {
        writer_fail(w, "%s: tag '%s' is longer than the container's 8 bytes", fn, tag);
        return 0;
    }
    return 1;
}

/* n bytes at data: NULL data with bytes to read is a misuse */
static int data_ok(ts_writer *w, const char *fn, const void *data, size_t n)
{
    if (!data && n) {
        writer_fail(w, "%s: %s is NULL", fn, "data");
        return 0;
    }
    return 1;
}

void ts_writer_put(ts_writer *w, const void *data, size_t n)
{
    if (writing(w, __func__) && data_ok(w, __func__, data, n) && n) put(w, data, n);
}

void ts_writer_put32(ts_writer *w, uint32_t v)
{
    if (!writing(w, __func__)) return;
    unsigned char b[4];
    ts_le_put32(b, v);
    put(w, b, 4);
}

void ts_writer_put64(ts_writer *w, uint64_t v)
{
    if (!writing(w, __func__)) return;
    unsigned char b[8];
    ts_le_put64(b, v);
    put(w, b, 8);
}

void ts_writer_init(ts_writer *w, const char *path)
{
    if (!w) {
        ts_fail_null(__func__, "w");
        return;
    }
    memset(w, 0, sizeof *w);
    put(w, MAGIC, 4);
    ts_writer_put32(w, TS_CONTAINER_VERSION);
    ts_writer_put32(w, 0); /* chunk count, patched at commit */
    if (path) w->path = ts_strdup(path);
    else writer_fail(w, "%s: %s is NULL", __func__, "path");
}

void ts_writer_begin(ts_writer *w, const char *tag)
{
    if (!writing(w, __func__) || !tag_ok(w, __func__, tag)) return;
    if (w->open) {
        writer_fail(w, "%s: section '%s' begun inside another (ts_writer_end first)", __func__, tag);
        return;
    }
    char t[TS_TAG_MAX] = {0};
    memcpy(t, tag, strlen(tag));
    put(w, t, TS_TAG_MAX);
    w->open = w->size;
    ts_writer_put64(w, 0);   /* the length, filled in by ts_writer_end */
}

void ts_writer_end(ts_writer *w)
{
    if (!writing(w, __func__)) return;
    if (!w->open) {
        writer_fail(w, "%s: %s", __func__, "no section begun");
        return;
    }
    ts_le_put64(w->buf + w->open, (uint64_t)(w->size - w->open - 8));
    w->open = 0;
    w->nchunks++;
}

void ts_writer_chunk(ts_writer *w, const char *tag, const void *data, size_t n)
{
    if (!writing(w, __func__) || !tag_ok(w, __func__, tag) || !data_ok(w, __func__, data, n)) return;
    ts_writer_begin(w, tag);
    ts_writer_put(w, data, n);
    ts_writer_end(w);
}

void ts_writer_f32(ts_writer *w, const char *tag, const float *x, size_t n)
{
    if (!writing(w, __func__) || !tag_ok(w, __func__, tag) || !data_ok(w, __func__, x, n)) return;
    ts_writer_begin(w, tag);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        ts_writer_put32(w, u);
    }
    ts_writer_end(w);
}

void ts_writer_i32(ts_writer *w, const char *tag, const int32_t *x, size_t n)
{
    if (!writing(w, __func__) || !tag_ok(w, __func__, tag) || !data_ok(w, __func__, x, n)) return;
    ts_writer_begin(w, tag);
    for (size_t i = 0; i < n; i++) ts_writer_put32(w, (uint32_t)x[i]);
    ts_writer_end(w);
}

void ts_writer_text(ts_writer *w, const char *tag, const char *text)
{
    if (!writing(w, __func__)) return;
    if (!text) {
        writer_fail(w, "%s: %s is NULL", __func__, "text");
        return;
    }
    ts_writer_chunk(w, tag, text, strlen(text));
}

void ts_writer_free(ts_writer *w)
{
    if (!w) return;
    free(w->buf);
    free(w->path);
    free(w->failed);
    memset(w, 0, sizeof *w);
}

int ts_writer_commit(ts_writer *w)
{
    if (!w) return ts_fail_null(__func__, "w");
    if (!w->buf) return ts_fail("%s: the writer holds no file (committed or freed already)", __func__);
    if (!w->failed && w->open) writer_fail(w, "%s: %s", __func__, "a section begun is not ended (ts_writer_end)");
    if (w->failed) {
        int rc = ts_fail("%s", w->failed);   /* the first misuse, the error of the call that made it */
        ts_writer_free(w);
        return rc;
    }
    ts_le_put32(w->buf + 8, w->nchunks);
    ts_writer_put32(w, ts_crc32(0, w->buf, w->size));
    ts_outfile o;
    int rc = ts_out_open(&o, w->path);
    if (rc == 0) {
        if (fwrite(w->buf, 1, w->size, o.f) != w->size) {
            ts_out_abort(&o);
            rc = ts_fail("%s: write failed: %s", w->path, strerror(errno));
        } else {
            rc = ts_out_commit(&o);
        }
    }
    ts_writer_free(w);
    return rc;
}

/* what a file of n bytes (12 at least) that fails its checksum, or is too short to hold
 * one, holds, walking its chunks as written (the file's last 4 bytes taken for data: a
 * file cut short has lost its checksum): where it ends, in which section or chunk header,
 * or that its sections are whole (a byte in it changed), into why (m bytes). A cut is what a run stopped while writing leaves; a
 * size field changed reads as one too, so the error says "truncated or corrupt" still */
static void cut_where(const unsigned char *buf, size_t n, char *why, size_t m)
{
    const uint32_t count = ts_le_get32(buf + 8);
    size_t off = 12;
    /* whole chunks up to a checksum that the file's bytes match with their count in the
     * header: the count is what changed (else a cut, or another byte changed) */
    uint32_t k = 0;
    while (n - off >= 16 + 4 && ts_le_get64(buf + off + 8) <= n - off - 16 - 4)
        off += 16 + ts_le_get64(buf + off + 8), k++;
    if (off + 4 == n && k != count) {
        unsigned char h[12];
        memcpy(h, buf, 12);
        ts_le_put32(h + 8, k);
        if (ts_crc32(ts_crc32(0, h, 12), buf + 12, n - 16) == ts_le_get32(buf + n - 4)) {
            snprintf(why, m, "; its sections are whole: its header's count of them is changed (%u, where it holds "
                     "%u)", count, k);
            return;
        }
    }
    off = 12;
    char last[TS_TAG_MAX + 1] = "";
    for (uint32_t i = 0; i < count; i++) {   /* each one is 16 bytes at least: ends by n */
        if (n - off < 16) {
            snprintf(why, m, "; it ends in the header of chunk %u of %u%s%s%s", i + 1, count,
                     *last ? ", after section '" : "", last, *last ? "'" : "");
            return;
        }
        char tag[TS_TAG_MAX + 1];
        memcpy(tag, buf + off, TS_TAG_MAX);
        tag[TS_TAG_MAX] = 0;
        for (char *t = tag; *t; t++)   /* a damaged one: the error stays one printable line */
            if (*t < 0x20 || *t > 0x7e || *t == '\'') *t = '?';
        const uint64_t size = ts_le_get64(buf + off + 8);
        off += 16;
        if (size > n - off) {
            snprintf(why, m, "; it ends in section '%s' (chunk %u of %u: %zu of its %llu bytes)", tag, i + 1, count,
                     n - off, (unsigned long long)size);
            return;
        }
        off += size;
        memcpy(last, tag, sizeof last);
    }
    if (n - off < 4)   /* (off <= n: every chunk fits) */
        snprintf(why, m, "; it ends in its checksum%s%s%s", *last ? ", after its last section '" : "", last,
                 *last ? "'" : "");
    else if (off + 4 == n)
        snprintf(why, m, "; its sections are whole: a byte in it is changed");
    else why[0] = 0;
}

int ts_reader_open(ts_reader *r, const char *path)
{
    if (!r) return ts_fail_null(__func__, "r");
    if (!path) {
        memset(r, 0, sizeof *r);
        return ts_fail_null(__func__, "path");
    }
    return ts_reader_open_as(r, path, "not a tracesynth model or checkpoint file");
}

int ts_reader_open_as(ts_reader *r, const char *path, const char *not_one)
{
    if (!r) return ts_fail_null(__func__, "r");
    memset(r, 0, sizeof *r);
    if (!path) return ts_fail_null(__func__, "path");
    if (!not_one) return ts_fail_null(__func__, "not_one");
    /* a model saved with a set (fill --save-model: committed, then killed before its rename):
     * the set completed first, so that the file read is the committed one */
    if (ts__stage_recover_beside(path)) return -1;
    /* a command may read its model file twice (what kind, then the model): a pipe or
     * FIFO would be empty (or block) the second time, so it is refused, before it opens */
    struct stat pre;
    if (stat(path, &pre) == 0 && !S_ISREG(pre.st_mode) && !S_ISDIR(pre.st_mode))
        return ts_fail("%s: not a regular file (a pipe?): model, checkpoint and constraints files are read from "
                       "files", path);
    FILE *f = fopen(path, "rb");
    if (!f) return ts_fail("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return ts_fail("%s: is a directory, expected a model, checkpoint or constraints file", path);
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = ts_malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > TS_CONTAINER_MAX_BYTES) {   /* grows with what was read, never with a header */
            fclose(f);
            free(buf);
            return ts_fail("%s: larger than %llu bytes, too large for a model or checkpoint file",
                           path, (unsigned long long)TS_CONTAINER_MAX_BYTES);
        }
        if (n == cap) buf = ts_realloc(buf, cap *= 2);
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err) { free(buf); return ts_fail("%s: read error: %s", path, strerror(err)); }
    r->path = ts_strdup(path);
    r->buf = buf;
    r->size = n;
    if (n < 4 || memcmp(buf, MAGIC, 4) != 0) {
        ts_reader_close(r);
        return ts_fail("%s: %s", path, not_one);
    }
    if (n < 16) {   /* one cut before its first chunk: no checksum to compare */
        char why[160];
        if (n < 12) snprintf(why, sizeof why, "; it ends in its header (%zu of its 12 bytes)", n);
        else cut_where(buf, n, why, sizeof why);
        ts_reader_close(r);
        return ts_fail("%s: the file is truncated or corrupt%s", path, why);
    }
    uint32_t stored = ts_le_get32(buf + n - 4);
    if (ts_crc32(0, buf, n - 4) != stored) {
        char why[160];
        cut_where(buf, n, why, sizeof why);
        ts_reader_close(r);
        return ts_fail("%s: checksum mismatch: the file is truncated or corrupt%s", path, why);
    }
    r->version = ts_le_get32(buf + 4);
    if (r->version != TS_CONTAINER_VERSION) {
        uint32_t v = r->version;
        ts_reader_close(r);
        return ts_fail("%s: format version %u, this build reads version %u", path, v,
                       TS_CONTAINER_VERSION);
    }
    uint32_t count = ts_le_get32(buf + 8);
    size_t off = 12, end = n - 4;
    if (count > (end - off) / 16 + 1) {
        ts_reader_close(r);
        return ts_fail("%s: corrupt header (%u chunks)", path, count);
    }
    r->chunks = ts_calloc(count, sizeof *r->chunks);
    for (uint32_t i = 0; i < count; i++) {
        if (end - off < 16) {
            ts_reader_close(r);
            return ts_fail("%s: chunk %u header past the end of the file", path, i);
        }
        ts_chunk *c = &r->chunks[i];
        memcpy(c->tag, buf + off, 8);
        c->tag[8] = 0;
        c->size = ts_le_get64(buf + off + 8);
        off += 16;
        if (c->size > end - off) {
            ts_reader_close(r);
            return ts_fail("%s: chunk %u runs past the end of the file", path, i);
        }
        c->data = buf + off;
        off += c->size;
        r->nchunks = i + 1;
    }
    /* a writer leaves nothing between the last chunk and the checksum */
    if (off != end) {
        ts_reader_close(r);
        return ts_fail("%s: offset %zu: %zu bytes after the last of its %u chunks (corrupt file)", path, off,
                       end - off, count);
    }
    return 0;
}

/* the section TAG, or NULL (no error recorded) */
static const ts_chunk *find_chunk(const ts_reader *r, const char *tag)
{
    for (uint32_t i = 0; i < r->nchunks; i++)
        if (strncmp(r->chunks[i].tag, tag, 8) == 0) return &r->chunks[i];
    return NULL;
}

/* the value of "key=" in a text section (*vl its length), or NULL */
static const char *find_key(const ts_chunk *c, const char *key, size_t *vl)
{
    size_t kl = strlen(key);
    const char *p = (const char *)c->data, *end = p + c->size;
    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        if (!nl) nl = end;
        if ((size_t)(nl - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
            *vl = (size_t)(nl - p) - kl - 1;
            return p + kl + 1;
        }
        p = nl + 1;
    }
    return NULL;
}

/* the reader and tag a lookup is given: 0, or -1 + error naming fn */
static int lookup_ok(const ts_reader *r, const char *tag, const char *fn)
{
    if (!r) return ts_fail_null(fn, "r");
    if (!tag) return ts_fail_null(fn, "tag");
    if (strlen(tag) > TS_TAG_MAX) return ts_fail("%s: tag '%s' is longer than the container's 8 bytes", fn, tag);
    return 0;
}

const ts_chunk *ts_reader_get(const ts_reader *r, const char *tag)
{
    if (lookup_ok(r, tag, __func__) != 0) return NULL;
    const ts_chunk *c = find_chunk(r, tag);
    if (!c) ts_fail("%s: no '%s' section", r->path, tag);
    return c;
}

int ts_reader_has(const ts_reader *r, const char *tag, const char *key)
{
    if (lookup_ok(r, tag, __func__) != 0) return 0;
    const ts_chunk *c = find_chunk(r, tag);
    size_t vl;
    return c && (!key || find_key(c, key, &vl));
}

int ts_reader_copy(const ts_reader *r, const char *tag, void *dst, size_t n)
{
    const ts_chunk *c = ts_reader_get(r, tag);
    if (!c) return -1;
    if (c->size != n)
        return ts_fail("%s: section '%s' has %llu bytes, expected %zu (config mismatch?)", r->path,
                       tag, (unsigned long long)c->size, n);
    memcpy(dst, c->data, n);
    return 0;
}

int ts_reader_f32(const ts_reader *r, const char *tag, float *dst, size_t n)
{
    const ts_chunk *c = ts_reader_get(r, tag);
    if (!c) return -1;
    if (c->size != (uint64_t)n * 4)
        return ts_fail("%s: section '%s' has %llu bytes, expected %zu floats (config mismatch?)", r->path,
                       tag, (unsigned long long)c->size, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t u = ts_le_get32(c->data + 4 * i);
        memcpy(&dst[i], &u, 4);
    }
    return 0;
}

int ts_reader_expect_size(const ts_reader *r, const char *tag, uint64_t count, uint64_t elem)
{
    const ts_chunk *c = ts_reader_get(r, tag);
    if (!c) return -1;
    uint64_t bytes;
    if (__builtin_mul_overflow(count, elem, &bytes) || bytes > TS_MAX_PARAM_BYTES)
        return ts_fail("%s: section '%s' has %llu bytes; the configuration implies %llu x %llu, "
                       "over the limit of %llu bytes (corrupt or hostile file?)", r->path, tag,
                       (unsigned long long)c->size, (unsigned long long)count,
                       (unsigned long long)elem, (unsigned long long)TS_MAX_PARAM_BYTES);
    if (c->size != bytes)
        return ts_fail("%s: section '%s' has %llu bytes, the configuration implies %llu "
                       "(corrupt file or config mismatch)", r->path, tag,
                       (unsigned long long)c->size, (unsigned long long)bytes);
    return 0;
}

char *ts_reader_text_value(const ts_reader *r, const char *tag, const char *key)
{
    const ts_chunk *c = ts_reader_get(r, tag);
    if (!c) return NULL;
    size_t vl;
    const char *p = find_key(c, key, &vl);
    if (!p) {
        ts_fail("%s: section '%s' has no '%s'", r->path, tag, key);
        return NULL;
    }
    char *v = ts_malloc(vl + 1);
    memcpy(v, p, vl);
    v[vl] = 0;
    return v;
}

int ts_reader_long(const ts_reader *r, const char *tag, const char *key, long lo, long hi, long *out)
{
    char *s = ts_reader_text_value(r, tag, key);
    if (!s) return -1;
    long v = 0;
    int bad = ts_parse_long(s, lo, hi, &v) != 0;
    free(s);
    if (bad) return ts_fail("%s: section '%s': '%s' is not an integer in [%ld, %ld]", r->path, tag, key, lo, hi);
    *out = v;
    return 0;
}

int ts_reader_double(const ts_reader *r, const char *tag, const char *key, double lo, double hi, double *out)
{
    char *s = ts_reader_text_value(r, tag, key);
    if (!s) return -1;
    double v = 0;
    int any = lo == 0 && hi == 0;
    int bad = ts_parse_double(s, lo, hi, &v) != 0;
    free(s);
    if (bad && any) return ts_fail("%s: section '%s': '%s' is not a number", r->path, tag, key);
    if (bad) return ts_fail("%s: section '%s': '%s' is not a number in [%g, %g]", r->path, tag, key, lo, hi);
    *out = v;
    return 0;
}

int ts_reader_choice(const ts_reader *r, const char *tag, const char *key, const char *const *choices, int *out)
{
    char *s = ts_reader_text_value(r, tag, key);
    if (!s) return -1;
    for (int i = 0; choices[i]; i++)
        if (!strcmp(s, choices[i])) {
            free(s);
            *out = i;
            return 0;
        }
    free(s);
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        if (i) strncat(list, choices[i + 1] ? ", " : " or ", sizeof list - strlen(list) - 1);
        strncat(list, choices[i], sizeof list - strlen(list) - 1);
    }
    return ts_fail("%s: section '%s': '%s' must be %s", r->path, tag, key, list);
}

int ts_reader_fail_in(const ts_reader *r, const char *tag)
{
    char why[TS_ERROR_MAX];   /* (ts_fail's argument may not be its own buffer) */
    snprintf(why, sizeof why, "%s", ts_error());
    return ts_fail("%s: section '%s': %s", r->path, tag, why);
}

void ts_reader_close(ts_reader *r)
{
    if (!r) return;
    free(r->buf);
    free(r->chunks);
    free(r->path);
    memset(r, 0, sizeof *r);
}
