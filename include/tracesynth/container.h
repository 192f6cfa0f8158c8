/* tracesynth — the file container used by every model and checkpoint.
 *
 * Layout (little-endian):
 *   magic "TSYN" | u32 format version | u32 chunk count
 *   chunks: { char tag[8] (NUL-padded: a tag has at most TS_TAG_MAX bytes) | u64 byte length | bytes }
 *   u32 CRC-32 of everything before it.
 * The whole file is read and its checksum verified before any chunk is used,
 * so a truncated or corrupt file is an error, never a crash. Writers go
 * through ts_outfile: the old file stays intact until the new one is complete. */
#ifndef TRACESYNTH_CONTAINER_H
#define TRACESYNTH_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TS_CONTAINER_VERSION 1u
#define TS_TAG_MAX 8   /* the bytes of a section's tag */

/* Model files and checkpoints are untrusted input (anyone can recompute the CRC).
 * A container file is at most TS_CONTAINER_MAX_BYTES, and a loader sizes nothing
 * from a config before ts_reader_expect_size has checked that the section the
 * config describes is present with exactly that many bytes, and at most
 * TS_MAX_PARAM_BYTES: what a model allocates then follows what the file holds. */
#define TS_CONTAINER_MAX_BYTES ((uint64_t)4 << 30)
#define TS_MAX_PARAM_BYTES     ((uint64_t)2 << 30)

typedef struct {
    char     tag[9];
    uint64_t size;
    const unsigned char *data;   /* points into the reader's buffer */
} ts_chunk;

typedef struct {
    char          *path;
    unsigned char *buf;          /* whole file */
    size_t         size;
    uint32_t       version;
    ts_chunk      *chunks;
    uint32_t       nchunks;
} ts_reader;

typedef struct {
    char          *path;
    unsigned char *buf;
    size_t         size, cap;
    uint32_t       nchunks;
    size_t         open;         /* offset of the length of the chunk begun, or 0 */
    char          *failed;       /* the first misuse's error, malloc'd (commit fails with it), or NULL */
} ts_writer;

/* ---- little-endian numbers: every number inside a chunk is read and written
 * through these, so a file means the same on every machine ---- */
static inline void ts_le_put32(unsigned char *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
}
static inline void ts_le_put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
}
static inline uint32_t ts_le_get32(const unsigned char *b)
{
    return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t ts_le_get64(const unsigned char *b)
{
    return ts_le_get32(b) | (uint64_t)ts_le_get32(b + 4) << 32;
}

/* The writer's functions return nothing: a misuse (a NULL path, tag, text, or data with
 * bytes to read; a tag longer than TS_TAG_MAX; a section begun inside another, ended
 * without one begun, or not ended) records its error ("FUNCTION: ARGUMENT is NULL", ...)
 * when made, the writer then writes nothing more, and ts_writer_commit fails with the
 * first such error, writing no file. Commit frees the writer: a second commit, or one
 * after ts_writer_free, is -1 + error. */
void ts_writer_init(ts_writer *w, const char *path);
void ts_writer_chunk(ts_writer *w, const char *tag, const void *data, size_t n);
/* a chunk of "key=value\n" text: used for model configs */
void ts_writer_text(ts_writer *w, const char *tag, const char *text);
/* a chunk built piece by piece: begin, then any puts, then end (which fills in its length) */
void ts_writer_begin(ts_writer *w, const char *tag);
void ts_writer_put(ts_writer *w, const void *data, size_t n);
void ts_writer_put32(ts_writer *w, uint32_t v);          /* little-endian */
void ts_writer_put64(ts_writer *w, uint64_t v);
void ts_writer_end(ts_writer *w);
/* arrays as little-endian chunks */
void ts_writer_f32(ts_writer *w, const char *tag, const float *x, size_t n);
void ts_writer_i32(ts_writer *w, const char *tag, const int32_t *x, size_t n);
int  ts_writer_commit(ts_writer *w);   /* atomic write + free; 0 / -1 */
void ts_writer_free(ts_writer *w);

int  ts_reader_open(ts_reader *r, const char *path);      /* 0 / -1 (verifies CRC; NULL r or path: -1 + error) */
/* the same; a file that is not a container at all is "PATH: NOT_ONE" (what the caller
 * expected it to be), not "not a tracesynth model or checkpoint file". Both first complete
 * a set's replacement killed half way in PATH's folder (ts_stage_recover, whose error where
 * it cannot be) */
int  ts_reader_open_as(ts_reader *r, const char *path, const char *not_one);
/* NULL (and an error naming the file) when absent; a NULL r or tag, or a tag longer than
 * TS_TAG_MAX, is NULL + error too (here and for ts_reader_has, which then gives 0) */
const ts_chunk *ts_reader_get(const ts_reader *r, const char *tag);
/* 1 when section TAG is there (key NULL) or, a text section, holds "key="; else 0. No
 * error is recorded: the test for an optional section or key before reading it */
int  ts_reader_has(const ts_reader *r, const char *tag, const char *key);
/* copy a chunk of exactly n bytes; -1 with "file: chunk TAG has X bytes, expected n" */
int  ts_reader_copy(const ts_reader *r, const char *tag, void *dst, size_t n);
/* 0 when section TAG holds exactly count * elem bytes (the size a model's config
 * implies) and that is at most TS_MAX_PARAM_BYTES; else -1 with an error naming
 * the file, the section and both sizes. Call it before allocating from a config. */
int  ts_reader_expect_size(const ts_reader *r, const char *tag, uint64_t count, uint64_t elem);
/* read a little-endian chunk of exactly n floats; -1 with an error naming the
 * file, the section and both sizes */
int  ts_reader_f32(const ts_reader *r, const char *tag, float *dst, size_t n);
/* the i-th 32-bit little-endian value of a chunk (the caller checked the size) */
static inline int32_t ts_chunk_i32(const ts_chunk *c, size_t i) { return (int32_t)ts_le_get32(c->data + 4 * i); }
/* value of "key=" in a text chunk, malloc'd, or NULL */
char *ts_reader_text_value(const ts_reader *r, const char *tag, const char *key);
/* "key=" of text chunk TAG as an integer in [lo, hi], a finite number in [lo, hi]
 * (lo == hi == 0: any), or one of choices (NULL-terminated; *out is its index);
 * -1 with an error naming the file, the section and the key */
int  ts_reader_long(const ts_reader *r, const char *tag, const char *key, long lo, long hi, long *out);
int  ts_reader_double(const ts_reader *r, const char *tag, const char *key, double lo, double hi, double *out);
int  ts_reader_choice(const ts_reader *r, const char *tag, const char *key, const char *const *choices, int *out);
/* the error a check of values read from section TAG recorded (a network's config check,
 * which knows no file), named with the file and the section: "FILE: section 'TAG': ...".
 * Returns -1 */
int  ts_reader_fail_in(const ts_reader *r, const char *tag);
void ts_reader_close(ts_reader *r);

#ifdef __cplusplus
}
#endif

#endif
