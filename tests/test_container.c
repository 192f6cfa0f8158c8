/* The container's optional sections and keys (ts_reader_has): asking leaves no error
 * behind, and a model file without an optional key loads with no stale error. */
#include "check.h"
#include "tracesynth.h"

#include <zlib.h>

static char path_a[300], path_b[300];

static void has_records_no_error(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    snprintf(path_a, sizeof path_a, "%s/c.tsm", d);
    ts_writer w;
    ts_writer_init(&w, path_a);
    ts_writer_text(&w, "CONFIG", "a=1\nbb=2\nempty=\n");
    ts_writer_chunk(&w, "DATA", "xyz", 3);
    REQUIRE(ts_writer_commit(&w) == 0);
    ts_reader r;
    REQUIRE(ts_reader_open(&r, path_a) == 0);
    ts_clear_error();
    CHECK(ts_reader_has(&r, "CONFIG", "a") == 1);
    CHECK(ts_reader_has(&r, "CONFIG", "bb") == 1);
    CHECK(ts_reader_has(&r, "CONFIG", "empty") == 1);
    CHECK(ts_reader_has(&r, "CONFIG", "b") == 0);      /* a prefix of a key is not the key */
    CHECK(ts_reader_has(&r, "CONFIG", "c") == 0);
    CHECK(ts_reader_has(&r, "CONFIG", NULL) == 1);
    CHECK(ts_reader_has(&r, "DATA", NULL) == 1);
    CHECK(ts_reader_has(&r, "NOPE", NULL) == 0);
    CHECK(ts_reader_has(&r, "NOPE", "a") == 0);
    CHECK_MSG(!strcmp(ts_error(), "unknown error"), "stale error: %s", ts_error());
    /* the required reads still name what is missing */
    CHECK(ts_reader_text_value(&r, "CONFIG", "c") == NULL && strstr(ts_error(), "section 'CONFIG' has no 'c'"));
    char *v = ts_reader_text_value(&r, "CONFIG", "bb");
    CHECK(v && !strcmp(v, "2"));
    free(v);
    ts_reader_close(&r);
    unlink(path_a);
    rmdir(d);
}

/* an n-gram model file without the optional 'kn_order' in its CONFIG (written before the
 * likelihood's order existed, or with its default) loads with no error left set */
static void optional_key_leaves_no_stale_error(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    snprintf(path_a, sizeof path_a, "%s/new.tsm", d);
    snprintf(path_b, sizeof path_b, "%s/old.tsm", d);
    int32_t ids[600];
    for (int i = 0; i < 600; i++) ids[i] = (i * 7 + i / 13) % 9;
    ts_split sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = TS_SPLIT_TIME;
    sp.train_stream.ids = ids;
    sp.train_stream.n = 600;
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = 9;
    o.blackout = 10;
    ts_model *m = NULL;
    REQUIRE(ts_model_train("ngram", &o, &m) == 0);
    REQUIRE(ts_model_save(m, path_a) == 0);
    ts_model_free(m);
    /* the same file, its CONFIG without kn_order */
    ts_reader r;
    REQUIRE(ts_reader_open(&r, path_a) == 0);
    ts_writer w;
    ts_writer_init(&w, path_b);
    int stripped = 0;
    for (uint32_t i = 0; i < r.nchunks; i++) {
        const ts_chunk *c = &r.chunks[i];
        if (strcmp(c->tag, "CONFIG")) {
            ts_writer_chunk(&w, c->tag, c->data, c->size);
            continue;
        }
        char *t = malloc(c->size + 1), *o2 = malloc(c->size + 1), *q = o2;
        memcpy(t, c->data, c->size);
        t[c->size] = 0;
        for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
            if (!strncmp(line, "kn_order=", 9)) { stripped = 1; continue; }
            q += sprintf(q, "%s\n", line);
        }
        *q = 0;
        ts_writer_text(&w, "CONFIG", o2);
        free(t);
        free(o2);
    }
    ts_reader_close(&r);
    REQUIRE(ts_writer_commit(&w) == 0);
    (void)stripped;   /* the writer leaves kn_order out when it has its default value */
    ts_clear_error();
    REQUIRE(ts_model_load(path_b, &m) == 0);
    CHECK_MSG(!strcmp(ts_error(), "unknown error"), "stale error: %s", ts_error());
    ts_model_free(m);
    unlink(path_a);
    unlink(path_b);
    rmdir(d);
}

/* a directory where a model file is expected is named as such (not "read error") */
static void directory_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    ts_reader r;
    CHECK(ts_reader_open(&r, d) == -1);
    CHECK_MSG(strstr(ts_error(), d) && strstr(ts_error(), "is a directory, expected a model"), "'%s'",
              ts_error());
    rmdir(d);
}

/* bytes past the chunks the header counts (a count patched down, the checksum made again)
 * are an error, not sections silently dropped */
static void bytes_after_last_chunk(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    snprintf(path_a, sizeof path_a, "%s/extra.tsm", d);
    ts_writer w;
    ts_writer_init(&w, path_a);
    ts_writer_text(&w, "CONFIG", "a=1\n");
    ts_writer_chunk(&w, "DATA", "xyz", 3);
    REQUIRE(ts_writer_commit(&w) == 0);
    FILE *f = fopen(path_a, "rb");
    REQUIRE(f);
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    REQUIRE(n > 16 && ts_le_get32(buf + 8) == 2);
    ts_le_put32(buf + 8, 1);
    ts_le_put32(buf + n - 4, ts_crc32(0, buf, n - 4));
    f = fopen(path_a, "wb");
    REQUIRE(f && fwrite(buf, 1, n, f) == n);
    fclose(f);
    ts_reader r;
    CHECK(ts_reader_open(&r, path_a) == -1);
    CHECK_MSG(strstr(ts_error(), path_a) && strstr(ts_error(), "bytes after the last of its 1 chunks"), "%s",
              ts_error());
    unlink(path_a);
    rmdir(d);
}

/* a file cut short says where it ends: in which section (its tag, its place among the
 * chunks, the bytes of it there), in a chunk's header, or in the checksum; one whose
 * sections are whole but fails its checksum has a byte changed. One line naming the file,
 * "truncated or corrupt" in each */
static void cut_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    snprintf(path_a, sizeof path_a, "%s/whole.tsm", d);
    snprintf(path_b, sizeof path_b, "%s/cut.tsm", d);
    ts_writer w;
    ts_writer_init(&w, path_a);
    ts_writer_text(&w, "CONFIG", "a=1\n");        /* bytes 12-31: header 12-27, data 28-31 */
    ts_writer_chunk(&w, "ADAM_M", "0123456789", 10);   /* 32-57: header 32-47, data 48-57 */
    ts_writer_chunk(&w, "STATE", "xy", 2);           /* 58-75, then the checksum 76-79 */
    REQUIRE(ts_writer_commit(&w) == 0);
    FILE *f = fopen(path_a, "rb");
    REQUIRE(f);
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    REQUIRE(n == 80);
    const struct { size_t at; int flip; const char *says; } cases[] = {
        {52, 0, "it ends in section 'ADAM_M' (chunk 2 of 3: 4 of its 10 bytes)"},
        {48, 0, "it ends in section 'ADAM_M' (chunk 2 of 3: 0 of its 10 bytes)"},
        {36, 0, "it ends in the header of chunk 2 of 3, after section 'CONFIG'"},
        {20, 0, "it ends in the header of chunk 1 of 3"},
        {78, 0, "it ends in its checksum, after its last section 'STATE'"},
        {76, 0, "it ends in its checksum, after its last section 'STATE'"},
        {52, 1, "its sections are whole: a byte in it is changed"},
        {8, 1, "its sections are whole: its header's count of them is changed (35, where it holds 3)"},
        {9, 1, "its sections are whole: its header's count of them is changed (8195, where it holds 3)"},
        {14, 0, "it ends in the header of chunk 1 of 3"},   /* (no checksum to compare) */
        {12, 0, "it ends in the header of chunk 1 of 3"},
        {10, 0, "it ends in its header (10 of its 12 bytes)"},
        {4, 0, "it ends in its header (4 of its 12 bytes)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char b[256];
        memcpy(b, buf, n);
        if (cases[i].flip) b[cases[i].at] ^= 0x20;
        f = fopen(path_b, "wb");
        if (!f) {   /* (REQUIRE would stop at the first case that failed before) */
            CHECK(f != NULL);
            break;
        }
        fwrite(b, 1, cases[i].flip ? n : cases[i].at, f);
        fclose(f);
        ts_reader r;
        CHECK(ts_reader_open(&r, path_b) == -1);
        CHECK_MSG(strstr(ts_error(), path_b) && strstr(ts_error(), "truncated or corrupt") &&
                      strstr(ts_error(), cases[i].says) && !strchr(ts_error(), '\n'),
                  "%s %zu: %s", cases[i].flip ? "flipped at" : "cut at", cases[i].at, ts_error());
    }
    unlink(path_a);
    unlink(path_b);
    rmdir(d);
}

/* a library caller's misuse of the writer and reader: NULL arguments, tags past the format's
 * 8 bytes (written cut and read by their first 8: "EMA_DECAY" and "EMA_DECAX" were one
 * section), a second commit (it wrote through the freed buffer) are errors naming the
 * function; a writer misused writes no file, and commit says why */
static void misuse_refused(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    snprintf(path_a, sizeof path_a, "%s/m.tsm", d);
    ts_writer w;
    ts_reader r;
#define COMMIT_FAILS(msg) do { int rc_ = ts_writer_commit(&w); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", msg, rc_, ts_error()); \
    CHECK(!ts_file_exists(path_a)); } while (0)
    ts_clear_error();
    ts_writer_init(&w, NULL);
    CHECK(strstr(ts_error(), "ts_writer_init: path is NULL"));
    ts_writer_text(&w, "CONFIG", "a=1\n");
    COMMIT_FAILS("ts_writer_init: path is NULL");
    ts_writer_init(&w, path_a);
    ts_writer_chunk(&w, NULL, "x", 1);
    ts_writer_chunk(&w, "LATER", NULL, 2);   /* the first misuse is the one named */
    COMMIT_FAILS("ts_writer_chunk: tag is NULL");
    ts_writer_init(&w, path_a);
    ts_writer_chunk(&w, "DATA", NULL, 2);
    COMMIT_FAILS("ts_writer_chunk: data is NULL");
    ts_writer_init(&w, path_a);
    ts_writer_text(&w, "DATA", NULL);
    COMMIT_FAILS("ts_writer_text: text is NULL");
    ts_writer_init(&w, path_a);
    ts_writer_chunk(&w, "EMA_DECAY", "x", 1);
    COMMIT_FAILS("ts_writer_chunk: tag 'EMA_DECAY' is longer than the container's 8 bytes");
    ts_writer_init(&w, path_a);
    ts_writer_begin(&w, "A");
    COMMIT_FAILS("a section begun is not ended");
    ts_writer_init(&w, path_a);
    ts_writer_end(&w);
    COMMIT_FAILS("ts_writer_end: no section begun");
    ts_writer_init(&w, path_a);
    ts_writer_begin(&w, "A");
    ts_writer_begin(&w, "B");
    COMMIT_FAILS("ts_writer_begin: section 'B' begun inside another");
    ts_clear_error();
    ts_writer_init(NULL, path_a);
    CHECK(strstr(ts_error(), "ts_writer_init: w is NULL"));
    CHECK(ts_writer_commit(NULL) == -1 && strstr(ts_error(), "ts_writer_commit: w is NULL"));
    /* 8 bytes are a tag; commit once */
    ts_writer_init(&w, path_a);
    ts_writer_chunk(&w, "ABCDEFGH", "xyz", 3);
    ts_writer_chunk(&w, "", NULL, 0);
    REQUIRE(ts_writer_commit(&w) == 0);
    CHECK(ts_writer_commit(&w) == -1 && strstr(ts_error(), "ts_writer_commit: the writer holds no file"));
    ts_writer_free(&w);
    CHECK(ts_writer_commit(&w) == -1 && strstr(ts_error(), "ts_writer_commit: the writer holds no file"));
    /* the reader */
    CHECK(ts_reader_open(NULL, path_a) == -1 && strstr(ts_error(), "ts_reader_open: r is NULL"));
    CHECK(ts_reader_open(&r, NULL) == -1 && strstr(ts_error(), "ts_reader_open: path is NULL"));
    CHECK(r.buf == NULL && r.chunks == NULL);
    CHECK(ts_reader_open_as(&r, NULL, "x") == -1 && strstr(ts_error(), "ts_reader_open_as: path is NULL"));
    REQUIRE(ts_reader_open(&r, path_a) == 0);
    CHECK(ts_reader_get(NULL, "DATA") == NULL && strstr(ts_error(), "ts_reader_get: r is NULL"));
    CHECK(ts_reader_get(&r, NULL) == NULL && strstr(ts_error(), "ts_reader_get: tag is NULL"));
    CHECK(ts_reader_get(&r, "ABCDEFGHI") == NULL && strstr(ts_error(), "tag 'ABCDEFGHI' is longer"));
    CHECK(ts_reader_has(&r, "ABCDEFGHI", NULL) == 0 && ts_reader_has(NULL, "A", NULL) == 0);
    const ts_chunk *c = ts_reader_get(&r, "ABCDEFGH");
    CHECK(c && c->size == 3 && !memcmp(c->data, "xyz", 3));
    CHECK(ts_reader_has(&r, "ABCDEFGH", NULL) == 1);
    ts_reader_close(&r);
#undef COMMIT_FAILS
    unlink(path_a);
    rmdir(d);
}

/* ts_crc32 is the CRC-32 zlib computes (a dataset's events hash and the container's
 * checksums are of it), piece by piece as at once */
static void crc_is_zlibs(void)
{
    CHECK(ts_crc32(0, "123456789", 9) == 0xcbf43926u);
    CHECK(ts_crc32(0, "", 0) == 0);
    const size_t n = (size_t)2 << 20;
    unsigned char *b = malloc(n);
    REQUIRE(b);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = (unsigned char)x;
    }
    static const size_t cuts[] = {0, 1, 7, 4096, 65537};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        const size_t c = cuts[k];
        CHECK_MSG(ts_crc32(ts_crc32(0, b, c), b + c, 1000000) == (uint32_t)crc32(0, b, (uInt)(c + 1000000)),
                  "cut at %zu", c);
    }
    CHECK(ts_crc32(0, b, n) == (uint32_t)crc32(0, b, (uInt)n));
    free(b);
}

TEST_MAIN("container", {
    RUN(misuse_refused);
    RUN(has_records_no_error);
    RUN(optional_key_leaves_no_stale_error);
    RUN(directory_named);
    RUN(bytes_after_last_chunk);
    RUN(cut_named);
    RUN(crc_is_zlibs);
})
