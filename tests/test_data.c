/* Data layer: text formats, .npy, vocabularies, datasets, splits, audit, masks. */
#include "check.h"
#include "tracesynth.h"

static char path_buf[8][512];
/* DIR/name in one of a few rotating buffers */
static const char *in(const char *dir, const char *name)
{
    static int k;
    char *p = path_buf[k++ & 7];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

/* ---- text formats ---- */

static void windows_roundtrip(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    int32_t data[12] = {0, 1, 2, 3, 10, 11, 12, 13, 2147483646, 0, 7, 99};   /* TS_ID_MAX */
    ts_windows w = {data, 3, 4}, r;
    REQUIRE(ts_windows_write(in(d, "w"), &w) == 0);
    REQUIRE(ts_windows_read(in(d, "w"), &r) == 0);
    CHECK(r.n == 3 && r.len == 4);
    CHECK(memcmp(r.data, data, sizeof data) == 0);
    ts_windows_free(&r);
    /* the study's files have no trailing newline; blanks and CRLF are tolerated */
    write_text(in(d, "x"), "1,2,3\r\n4, 5 ,6\n7,8,9");
    REQUIRE(ts_windows_read(in(d, "x"), &r) == 0);
    CHECK(r.n == 3 && r.len == 3 && r.data[4] == 5 && r.data[8] == 9);
    ts_windows_free(&r);
}

static void seq_roundtrip(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    int32_t ids[5] = {4, 0, 17, 17, 123456};
    ts_seq s = {ids, 5}, r;
    REQUIRE(ts_seq_write(in(d, "s"), &s) == 0);
    REQUIRE(ts_seq_read(in(d, "s"), &r) == 0);
    CHECK(r.n == 5 && memcmp(r.ids, ids, sizeof ids) == 0);
    ts_seq_free(&r);
    /* newlines and spaces separate too */
    write_text(in(d, "t"), "1,2\n3 4\n\n5\t6\r7\n");
    REQUIRE(ts_seq_read(in(d, "t"), &r) == 0);
    CHECK(r.n == 7 && r.ids[3] == 4 && r.ids[4] == 5 && r.ids[6] == 7);
    CHECK(ts_ids_span(r.ids, r.n) == 8);
    ts_seq_free(&r);
    write_text(in(d, "t"), "1,2\n3 4\n\n5\n");
    REQUIRE(ts_seq_read(in(d, "t"), &r) == 0);
    CHECK(r.n == 5 && r.ids[3] == 4 && r.ids[4] == 5);
    CHECK(ts_ids_span(r.ids, r.n) == 6);
    ts_seq_free(&r);
}

/* each malformed input: -1 and an error naming the file and the line */
/* windows one after the other, a separator between two: none for one window, none at the
 * end, a last window shorter than the others kept */
static void ids_separated(void)
{
    const int32_t ids[7] = {1, 2, 3, 4, 5, 6, 7};
    int32_t out[16];
    CHECK(ts_ids_separated_n(7, 3) == 9 && ts_ids_put_separated(out, ids, 7, 3, -1) == 9);
    const int32_t want[9] = {1, 2, 3, -1, 4, 5, 6, -1, 7};
    CHECK(!memcmp(out, want, sizeof want));
    CHECK(ts_ids_separated_n(7, 0) == 7 && ts_ids_put_separated(out, ids, 7, 0, -1) == 7 && !memcmp(out, ids, sizeof ids));
    CHECK(ts_ids_separated_n(7, 7) == 7 && ts_ids_separated_n(6, 3) == 7 && ts_ids_separated_n(0, 3) == 0);
    CHECK(ts_ids_put_separated(out, ids, 0, 3, -1) == 0);
}

static void expect_bad_windows(const char *dir, const char *text, const char *where, const char *what)
{
    const char *p = in(dir, "bad");
    write_text(p, text);
    ts_windows w;
    CHECK_MSG(ts_windows_read(p, &w) == -1, "accepted '%s'", text);
    char want[600];
    snprintf(want, sizeof want, "%s:%s", p, where);
    CHECK_MSG(strstr(ts_error(), want) != NULL, "'%s' lacks '%s'", ts_error(), want);
    CHECK_MSG(strstr(ts_error(), what) != NULL, "'%s' lacks '%s'", ts_error(), what);
}

static void windows_malformed(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    expect_bad_windows(d, "1,2,3\n4,x5,6\n", "2:", "non-integer token 'x5'");
    expect_bad_windows(d, "1,2,3\n4,5.5,6\n", "2:", "non-integer token '5.5'");
    expect_bad_windows(d, "1,2,3\n4,-5,6\n", "2:", "negative ID '-5'");
    expect_bad_windows(d, "1,2,3\n\n4,5,6\n", "2:", "empty line");
    expect_bad_windows(d, "1,2,3\n4,5,6\n\n", "3:", "empty line");     /* two newlines at EOF */
    expect_bad_windows(d, "1,2,3\n4,5\n", "2:", "window of 2 IDs, expected 3");
    /* the study's window files end without a newline: one cut at an ID boundary has a
     * short last window, or one ending in a comma, refused at its line */
    expect_bad_windows(d, "1,2,3\n4,5,6\n7,8", "3:", "window of 2 IDs, expected 3");
    expect_bad_windows(d, "1,2,3\n4,5,6\n7,8,", "3:", "trailing comma");
    expect_bad_windows(d, "1,2,3\n4,5,6,7,8\n", "2:", "window of 5 IDs, expected 3");
    expect_bad_windows(d, "1,,3\n", "1:", "empty field");
    expect_bad_windows(d, "1,2,\n", "1:", "trailing comma");
    expect_bad_windows(d, "1 2 3\n", "1:", "expected ','");
    /* a trace log given as windows: what was found, and where a trace goes */
    expect_bad_windows(d, "9106  1796396256.451969 execve(\"/bin/true\", [\"true\"]) = 0\n", "1:",
                       "expected ',' after ID 1 ('9106'), found '1796396256.451969'");
    expect_bad_windows(d, "9106  1796396256.451969 execve(\"/bin/true\", [\"true\"]) = 0\n", "1:", "ingest");
    expect_bad_windows(d, "1,99999999999,3\n", "1:", "out of range");
    ts_windows w;
    write_text(in(d, "empty"), "");
    CHECK(ts_windows_read(in(d, "empty"), &w) == -1 && strstr(ts_error(), "no windows"));
    CHECK(ts_windows_read(in(d, "missing"), &w) == -1 && strstr(ts_error(), "cannot open"));
    ts_seq s;
    write_text(in(d, "s"), "1,2,3\n4,ab\n");
    CHECK(ts_seq_read(in(d, "s"), &s) == -1 && strstr(ts_error(), "s:2: non-integer token 'ab'"));
    write_text(in(d, "s"), "1,-2\n");
    CHECK(ts_seq_read(in(d, "s"), &s) == -1 && strstr(ts_error(), "s:1: negative ID"));
}

/* the largest ID: INT32_MAX would overflow "max ID + 1" (the count of IDs) */
static void id_range_limit(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    ts_seq s;
    write_text(in(d, "s"), "1,2147483646,3\n");
    REQUIRE(ts_seq_read(in(d, "s"), &s) == 0);
    CHECK(s.ids[1] == TS_ID_MAX && ts_ids_span(s.ids, s.n) == INT32_MAX);
    ts_seq_free(&s);
    write_text(in(d, "s"), "1,2147483647,3\n");
    CHECK(ts_seq_read(in(d, "s"), &s) == -1);
    CHECK_MSG(strstr(ts_error(), "s:1: ID '2147483647' is out of range (max 2147483646)"), "%s", ts_error());
    /* an in-memory ID past the limit: no signed overflow (UBSan), refused later */
    int32_t ids[3] = {5, INT32_MAX, 0};
    CHECK(ts_ids_span(ids, 3) == INT32_MAX);
    CHECK(ts_ids_span(ids, 0) == 0);
    ts_seq bad = {ids, 3};
    CHECK(ts_seq_write(in(d, "w"), &bad) == -1 && strstr(ts_error(), "element 1"));
    ts_npy a;
    int64_t big[2] = {1, 2147483647};
    size_t sh[1] = {2};
    REQUIRE(ts_npy_write(in(d, "a.npy"), TS_NPY_I64, big, 1, sh) == 0);
    REQUIRE(ts_npy_read(in(d, "a.npy"), &a) == 0);
    ts_windows w;
    CHECK(ts_npy_to_windows(&a, "a.npy", -1, &w) == -1 && strstr(ts_error(), "out of range"));
    ts_npy_free(&a);
}

/* memory follows the data read: 100,000 IDs on line 1 then 100,000 blank lines is
 * "line 2: empty line", not lines x 100,000 IDs allocated first */
static void windows_sized_by_data(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    size_t L = 100000, blank = 100000;
    char *t = malloc(2 * L + blank + 1);
    REQUIRE(t);
    size_t k = 0;
    for (size_t i = 0; i < L; i++) { t[k++] = '1'; t[k++] = i + 1 < L ? ',' : '\n'; }
    for (size_t i = 0; i < blank; i++) t[k++] = '\n';
    t[k] = 0;
    write_text(in(d, "w"), t);
    free(t);
    ts_windows w;
    CHECK(ts_windows_read(in(d, "w"), &w) == -1);
    CHECK_MSG(strstr(ts_error(), "w:2: empty line"), "%s", ts_error());
    /* many valid lines still read (the capacity bound is exact for valid files) */
    write_text(in(d, "ok"), "1,2,3\n4,5,6\n7,8,9\n10,11,12\n");
    REQUIRE(ts_windows_read(in(d, "ok"), &w) == 0);
    CHECK(w.n == 4 && w.len == 3 && w.data[11] == 12);
    ts_windows_free(&w);
    write_text(in(d, "one"), "7\n8\n9");
    REQUIRE(ts_windows_read(in(d, "one"), &w) == 0);
    CHECK(w.n == 3 && w.len == 1 && w.data[2] == 9);
    ts_windows_free(&w);
    /* a short line after long ones, where the capacity bound is tight */
    expect_bad_windows(d, "1,2,3\n4,5,6\n7\n", "3:", "window of 1 ID, expected 3");
}

static void write_bytes(const char *p, const void *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    if (f) { fwrite(b, 1, n, f); fclose(f); }
}

/* a byte-order mark, a NUL or a control byte is named, with its line and column */
static void bad_bytes_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "ids");
    ts_seq s;
    ts_windows w;
    write_bytes(p, "\xEF\xBB\xBF" "1,2,3\n", 9);
    CHECK(ts_seq_read(p, &s) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0xEF (UTF-8 byte-order mark") &&
              strstr(ts_error(), "at line 1, column 1") && strstr(ts_error(), p), "%s", ts_error());
    CHECK(ts_windows_read(p, &w) == -1 && strstr(ts_error(), "byte 0xEF (UTF-8 byte-order mark"));
    /* a .npy where text is read: named as such */
    write_bytes(p, "\x93NUMPY\x01\x00v\x00{'descr'", 18);
    CHECK(ts_windows_read(p, &w) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0x93 (a NumPy .npy array, not text) at line 1, column 1"), "%s", ts_error());
    write_bytes(p, "1,2,3\n4,\0" "5,6\n", 13);
    CHECK(ts_windows_read(p, &w) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0x00 (NUL) at line 2, column 3"), "%s", ts_error());
    write_bytes(p, "1,2,3\n4,5\0,6\n", 13);
    CHECK(ts_seq_read(p, &s) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0x00 (NUL) at line 2, column 4"), "%s", ts_error());
    write_bytes(p, "1,\x01\n", 4);
    CHECK(ts_seq_read(p, &s) == -1 && strstr(ts_error(), "byte 0x01 (a control character)"));
    write_bytes(p, "1,\xC3\xA9\n", 5);
    CHECK(ts_seq_read(p, &s) == -1 && strstr(ts_error(), "byte 0xC3 (not ASCII) at line 1, column 3"));
    /* vocab.tsv: a BOM and a NUL inside a name */
    write_bytes(p, "\xEF\xBB\xBF" "0\tread\t3\n", 12);
    ts_vocab v;
    CHECK(ts_vocab_read(p, &v) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0xEF (UTF-8 byte-order mark"), "%s", ts_error());
    write_bytes(p, "0\tread\t3\n1\twr\0te\t1\n", 20);
    CHECK(ts_vocab_read(p, &v) == -1);
    CHECK_MSG(strstr(ts_error(), "byte 0x00 (NUL) at line 2, column 5"), "%s", ts_error());
    /* a .npy cut inside its magic or right after it says so */
    ts_npy a;
    for (size_t n = 1; n < 10; n++) {
        write_bytes(p, "\x93NUMPY\x01\x00\x76", n);
        CHECK(ts_npy_read(p, &a) == -1);
        CHECK_MSG(strstr(ts_error(), "truncated .npy file"), "%zu bytes: %s", n, ts_error());
    }
    /* a minor version NumPy never wrote (its byte 7) is refused as the major one is */
    const int32_t ids[3] = {1, 2, 3};
    const size_t shape[1] = {3};
    REQUIRE(ts_npy_write(p, TS_NPY_I32, ids, 1, shape) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    ts_npy_free(&a);
    FILE *f = fopen(p, "r+b");
    REQUIRE(f);
    CHECK(fseek(f, 7, SEEK_SET) == 0 && fputc(4, f) == 4);
    fclose(f);
    CHECK(ts_npy_read(p, &a) == -1);
    CHECK_MSG(strstr(ts_error(), "format version 1.4 not supported"), "%s", ts_error());
}

static void vocab_roundtrip(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char *names[3] = {"read", "write", "<unk>"};
    int64_t counts[3] = {10, 4, 0};
    ts_vocab v = {3, names, counts, 2}, r;
    REQUIRE(ts_vocab_write(in(d, "vocab.tsv"), &v) == 0);
    REQUIRE(ts_vocab_read(in(d, "vocab.tsv"), &r) == 0);
    CHECK(r.n == 3 && r.unk == 2 && r.counts[0] == 10 && r.counts[1] == 4);
    CHECK(strcmp(r.names[1], "write") == 0);
    CHECK(ts_vocab_lookup(&r, "write") == 1);
    CHECK(ts_vocab_lookup(&r, "mmap") == 2);
    ts_vocab c;
    ts_vocab_copy(&c, &r);
    ts_vocab_free(&r);
    CHECK(c.n == 3 && strcmp(c.names[0], "read") == 0 && c.unk == 2);
    ts_vocab_free(&c);
    write_text(in(d, "v2"), "0\tread\t3\n2\twrite\t1\n");
    CHECK(ts_vocab_read(in(d, "v2"), &r) == -1 && strstr(ts_error(), "v2:2:"));
    write_text(in(d, "v3"), "0\tread\t3\n1\tread\t1\n");
    CHECK(ts_vocab_read(in(d, "v3"), &r) == -1 && strstr(ts_error(), "already has ID 0"));
    write_text(in(d, "v4"), "0 read 3\n");
    CHECK(ts_vocab_read(in(d, "v4"), &r) == -1 && strstr(ts_error(), "v4:1:"));
    /* IDs and counts are digits only, as written: no sign, no blank */
    const char *bad[] = {"0\tread\t3\n+1\twrite\t1\n", "0\tread\t3\n 1\twrite\t1\n", "0\tread\t+3\n",
                         "0\tread\t 3\n"};
    for (int i = 0; i < 4; i++) {
        write_text(in(d, "v5"), bad[i]);
        CHECK_MSG(ts_vocab_read(in(d, "v5"), &r) == -1 && strstr(ts_error(), "v5:"), "%d: %s", i, ts_error());
    }
    /* an event name a names file cannot hold (W.names.txt: names separated by blanks, '?' for
     * an ID without a name): refused at its line, as generate would write it unreadable */
    write_text(in(d, "v6"), "0\tread\t3\n1\topen at\t1\n");
    CHECK_MSG(ts_vocab_read(in(d, "v6"), &r) == -1 && strstr(ts_error(), "v6:2: event name 'open at' holds a blank"),
              "%s", ts_error());
    write_text(in(d, "v7"), "0\t?\t3\n");
    CHECK_MSG(ts_vocab_read(in(d, "v7"), &r) == -1 && strstr(ts_error(), "v7:1: event name '?'"), "%s", ts_error());
    /* nor is such a name written into a names file, nor made a dataset's */
    char *odd[2] = {"read", "open at"};
    ts_vocab ov = {2, odd, NULL, -1};
    int32_t ids[2] = {0, 1};
    ts_windows w = {ids, 1, 2};
    CHECK_MSG(ts_windows_write_names(in(d, "w.names.txt"), &w, &ov) == -1 && strstr(ts_error(), "w.names.txt: event "
                                                                                    "name 1 ('open at') holds a blank"),
              "%s", ts_error());
    CHECK(!ts_file_exists(in(d, "w.names.txt")));
    char *evs[3] = {"read", "open at", "read"};
    ts_dataset ds;
    CHECK_MSG(ts_dataset_from_names(evs, 3, 1.0, &ds) == -1 && strstr(ts_error(), "event 1: event name 'open at' "
                                                                                  "holds a blank"),
              "%s", ts_error());
}

/* a vocabulary whose count says n > 0 but whose names are NULL (or one of them is): an error
 * naming the function and the argument where the names are needed, not a crash; what names
 * nothing matches nothing; freeing it frees what there is */
static void vocab_without_names(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char *some[3] = {"read", NULL, "close"}, *all[2] = {"read", "close"};
    ts_vocab none = {3, NULL, NULL, -1}, hole = {3, some, NULL, 2}, full = {2, all, NULL, -1}, c;
    CHECK_MSG(ts_vocab_copy(&c, &none) == -1 && strstr(ts_error(), "ts_vocab_copy: src->names is NULL"), "%s",
              ts_error());
    CHECK(c.n == 0 && c.names == NULL);
    ts_vocab_free(&c);
    CHECK_MSG(ts_vocab_copy(&c, &hole) == -1 && strstr(ts_error(), "ts_vocab_copy: src->names[1] is NULL"), "%s",
              ts_error());
    CHECK(c.n == 0 && c.names == NULL);
    ts_vocab_free(&c);
    CHECK_MSG(ts_vocab_write(in(d, "v.tsv"), &none) == -1 && strstr(ts_error(), "ts_vocab_write: v->names is NULL"),
              "%s", ts_error());
    CHECK_MSG(ts_vocab_write(in(d, "v.tsv"), &hole) == -1 && strstr(ts_error(), "ts_vocab_write: v->names[1] is NULL"),
              "%s", ts_error());
    CHECK(!ts_file_exists(in(d, "v.tsv")));
    ts_dataset ds;
    memset(&ds, 0, sizeof ds);
    int32_t ids[3] = {0, 1, 2};
    ds.stream = (ts_seq){ids, 3};
    ds.vocab = none;
    CHECK_MSG(ts_dataset_save(in(d, "ds"), &ds) == -1 && strstr(ts_error(), "ts_dataset_save: d->vocab.names is NULL"),
              "%s", ts_error());
    /* nothing to look up in, nothing to match */
    CHECK(ts_vocab_lookup(&none, "read") == -1 && ts_vocab_lookup(&hole, "read") == 0);
    CHECK(ts_vocab_lookup(&hole, "write") == 2 && ts_vocab_lookup(&full, NULL) == -1);
    int32_t map[3];
    CHECK(ts_vocab_map(&none, &full, map) == 3 && map[0] == -1 && map[2] == -1);
    CHECK(ts_vocab_map(&full, &none, map) == 2 && map[0] == -1 && map[1] == -1);
    CHECK(ts_vocab_map(&hole, &full, map) == 1 && map[0] == 0 && map[1] == -1 && map[2] == 1);
    CHECK(ts_vocab_map(&full, &hole, map) == 0 && map[0] == 0 && map[1] == 2);
    /* freed: the names there are (the struct is the caller's, its strings too: copies here) */
    ts_vocab f = {3, NULL, ts_calloc(3, sizeof(int64_t)), -1};
    ts_vocab_free(&f);
    CHECK(f.n == 0 && f.counts == NULL && f.unk == -1);
    char **h = ts_calloc(3, sizeof *h);
    h[0] = ts_strdup("read");
    h[2] = ts_strdup("close");
    f = (ts_vocab){3, h, NULL, -1};
    ts_vocab_free(&f);
    ts_dataset_free(&(ts_dataset){.vocab = {4, NULL, NULL, -1}});
}

/* arrays and sequences a caller filled in that do not describe their data (NULL data with a
 * count, a count that is not the shape's, a dtype or number of dimensions ts_npy has not,
 * sizes past memory, NULL names or masks): an error naming the function and the argument,
 * not a crash or a read past the array */
static void caller_built_data_checked(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    int32_t ids[6] = {0, 1, 2, 0, 1, 2};
    ts_windows w;
#define FAILS(call, ...) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), __VA_ARGS__), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_seq_write(in(d, "s.txt"), &(ts_seq){NULL, 5}), "ts_seq_write: s->ids is NULL");
    FAILS(ts_windows_write(in(d, "w.txt"), &(ts_windows){NULL, 2, 3}), "ts_windows_write: w->data is NULL");
    FAILS(ts_windows_write(in(d, "w.txt"), &(ts_windows){ids, SIZE_MAX / 2, 3}), "more than memory can hold");
    CHECK(!ts_file_exists(in(d, "s.txt")) && !ts_file_exists(in(d, "w.txt")));
    size_t sh[2] = {2, 3}, huge[2] = {SIZE_MAX / 2, 4};
    FAILS(ts_npy_write(in(d, "a.npy"), TS_NPY_I32, ids, 2, NULL), "ts_npy_write: shape is NULL");
    FAILS(ts_npy_write(in(d, "a.npy"), TS_NPY_I32, NULL, 2, sh), "ts_npy_write: data is NULL");
    FAILS(ts_npy_write(in(d, "a.npy"), (ts_npy_dtype)9, ids, 2, sh), "ts_npy_write: dtype 9");
    FAILS(ts_npy_write(in(d, "a.npy"), TS_NPY_I32, ids, 2, huge), "more elements than memory can hold");
    CHECK(!ts_file_exists(in(d, "a.npy")));
    ts_npy a = {TS_NPY_I32, 2, {100, 100}, 6, ids, 0, 0, 0};
    FAILS(ts_npy_to_windows(&a, "a.npy", -1, &w), "ts_npy_to_windows: a->count is 6, but its shape holds 10000");
    CHECK(w.data == NULL);
    a = (ts_npy){TS_NPY_I32, 9, {2, 3}, 6, ids, 0, 0, 0};
    FAILS(ts_npy_to_windows(&a, "a.npy", -1, &w), "ts_npy_to_windows: a->ndim is 9");
    a = (ts_npy){(ts_npy_dtype)0, 2, {2, 3}, 6, ids, 0, 0, 0};
    FAILS(ts_npy_to_windows(&a, "a.npy", -1, &w), "ts_npy_to_windows: dtype 0");
    a = (ts_npy){TS_NPY_I32, 2, {2, 3}, 6, NULL, 0, 0, 0};
    FAILS(ts_npy_to_windows(&a, "a.npy", -1, &w), "ts_npy_to_windows: a->data is NULL");
    uint8_t *mk;
    size_t n, len;
    a = (ts_npy){TS_NPY_I64, 2, {100, 100}, 6, ids, 0, 0, 0};
    FAILS(ts_npy_to_mask(&a, "m.npy", &mk, &n, &len), "ts_npy_to_mask: a->count is 6");
    CHECK(mk == NULL);
    /* as they were made right: read */
    a = (ts_npy){TS_NPY_I32, 2, {2, 3}, 6, ids, 0, 0, 0};
    CHECK(ts_npy_to_windows(&a, "a.npy", -1, &w) == 0 && w.n == 2 && w.len == 3 && w.data[5] == 2);
    ts_windows_free(&w);
    ts_windows x = {ids, 2, 3};
    uint8_t m6[6] = {1, 0, 1, 1, 0, 1};
    FAILS(ts_write_impute_triple(in(d, "t"), &x, NULL, &x), "ts_write_impute_triple: mask is NULL");
    FAILS(ts_write_impute_triple(in(d, "t"), &x, m6, &(ts_windows){NULL, 2, 3}), "ts_write_impute_triple: imputed->data");
    FAILS(ts_write_impute_triple(in(d, "t"), &(ts_windows){NULL, 2, 3}, m6, &x), "ts_write_impute_triple: orig->data");
    CHECK(!ts_file_exists(in(d, "t")));
    ts_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.vocab.unk = -1;
    ds.stream.n = 1000;
    ts_split sp;
    FAILS(ts_split_make(&ds, TS_SPLIT_TIME, 10, 1, 5, &sp), "ts_split_make_parts: d->stream.ids is NULL");
    ts_split_free(&sp);
    FAILS(ts_dataset_save(in(d, "ds"), &ds), "ts_dataset_save: d->stream.ids is NULL");
    char *names[3] = {"read", NULL, "read"};
    FAILS(ts_dataset_from_names(names, 3, 0.7, &ds), "ts_dataset_from_names: names[1] is NULL");
    FAILS(ts_dataset_from_names(NULL, 3, 0.7, &ds), "ts_dataset_from_names: names is NULL");
    ts_dataset_free(&ds);
    CHECK(ts_arch_guess(NULL, 3) == TS_ARCH_UNKNOWN);
#undef FAILS
}

/* a name vocab.tsv cannot hold as it is (a tab, a carriage return, empty) is refused, and
 * before stream.txt is replaced: the old dataset stays whole */
static void vocab_unwritable_names(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char *good[3] = {"read", "write", "<unk>"}, *tab[2] = {"a\tb", "<unk>"};
    int64_t counts[3] = {2, 1, 0};
    int32_t ids_a[3] = {0, 1, 0}, ids_b[4] = {1, 1, 1, 1};
    ts_dataset a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.stream = (ts_seq){ids_a, 3};
    a.vocab = (ts_vocab){3, good, counts, 2};
    b.stream = (ts_seq){ids_b, 4};
    b.vocab = (ts_vocab){2, tab, counts, 1};
    REQUIRE(ts_dataset_save(d, &a) == 0);
    CHECK(ts_dataset_save(d, &b) == -1);
    CHECK_MSG(strstr(ts_error(), "vocab.tsv: name 0 contains a tab"), "%s", ts_error());
    ts_dataset r;
    REQUIRE(ts_dataset_load(d, &r) == 0);
    CHECK(r.stream.n == 3 && r.vocab.n == 3);
    ts_dataset_free(&r);
    char *cr[2] = {"read\r", "<unk>"}, *empty[2] = {"", "<unk>"};
    ts_vocab v = {2, cr, counts, 1};
    CHECK(ts_vocab_write(in(d, "v.tsv"), &v) == -1 && strstr(ts_error(), "carriage return"));
    v.names = empty;
    CHECK(ts_vocab_write(in(d, "v.tsv"), &v) == -1 && strstr(ts_error(), "name 0 is empty"));
    CHECK(!ts_file_exists(in(d, "v.tsv")));
}

/* the names beside windows (W.names.txt), as generate writes them, read back by ID: each
 * ID's name and the line that first names it; a line of another length, a name given to
 * two IDs or an ID given two names refused at its line; a NULL argument by name */
static void window_names_read(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *wp = in(d, "w.txt");
    char *np = ts_windows_names_path(wp);
    CHECK(!strcmp(np, in(d, "w.names.txt")));
    int32_t ids[6] = {0, 2, 0, 1, 0, 2};
    const ts_windows w = {ids, 2, 3};
    char *at = NULL;
    size_t *line = NULL;
    ts_vocab v;
    CHECK(ts_windows_read_names(wp, &w, &at, &v, &line) == 0 && at == NULL && v.n == 0);
    write_text(np, "read close read\nwrite read close\n");
    REQUIRE(ts_windows_read_names(wp, &w, &at, &v, &line) == 1);
    CHECK(!strcmp(at, np) && v.n == 3 && !strcmp(v.names[0], "read") && !strcmp(v.names[1], "write") &&
          !strcmp(v.names[2], "close") && line[0] == 1 && line[1] == 2 && line[2] == 1);
    ts_vocab_free(&v);
    free(at);
    free(line);
    write_text(np, "read close read\nwrite read\n");
    CHECK_MSG(ts_windows_read_names(wp, &w, &at, &v, &line) == -1 && strstr(ts_error(), "w.names.txt:2: 2 names") &&
              at == NULL && line == NULL, "%s", ts_error());
    write_text(np, "read close read\nwrite write close\n");
    CHECK_MSG(ts_windows_read_names(wp, &w, &at, &v, &line) == -1 && strstr(ts_error(), "w.names.txt:2: 'write' for ID 0"),
              "%s", ts_error());
    write_text(np, "read close read\nclose read close\n");
    CHECK_MSG(ts_windows_read_names(wp, &w, &at, &v, &line) == -1 && strstr(ts_error(), "w.names.txt:2: 'close' for ID 1"),
              "%s", ts_error());
    CHECK(ts_windows_read_names(NULL, &w, &at, &v, &line) == -1 &&
          !strcmp(ts_error(), "ts_windows_read_names: windows is NULL"));
    CHECK(ts_windows_read_names(wp, NULL, &at, &v, &line) == -1 && !strcmp(ts_error(), "ts_windows_read_names: w is NULL"));
    CHECK(ts_windows_read_names(wp, &w, &at, NULL, &line) == -1 && !strcmp(ts_error(), "ts_windows_read_names: v is NULL"));
    free(np);
    /* standard input ('-', /dev/stdin) has no file beside it: a -.names.txt in the working
     * directory is not its names */
    const char *const std[] = {"-", "/dev/stdin", "/dev/fd/0"};
    for (size_t i = 0; i < sizeof std / sizeof *std; i++) {
        np = ts_windows_names_path(std[i]);
        CHECK_MSG(np == NULL, "%s: %s", std[i], np);
        free(np);
    }
    char cwd[4096];
    REQUIRE(getcwd(cwd, sizeof cwd));
    REQUIRE(chdir(d) == 0);
    write_text("-.names.txt", "read close read\nwrite read close\n");
    const int got = ts_windows_read_names("-", &w, &at, &v, &line);
    CHECK_MSG(got == 0 && at == NULL && v.n == 0, "%d: %s", got, at ? at : "");
    if (got == 1) {
        ts_vocab_free(&v);
        free(at);
        free(line);
    }
    REQUIRE(chdir(cwd) == 0);
}

/* the vocab.tsv beside a file is in its folder; standard input ('-', /dev/stdin) has none
 * beside it: not the working directory's, nor /dev/vocab.tsv */
static void vocab_beside_stdin(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *v = in(d, "vocab.tsv");
    write_text(v, "0\tread\t3\n");
    char *p = ts_vocab_beside(in(d, "w.txt"));
    CHECK_MSG(p && !strcmp(p, v), "%s", p ? p : "(none)");
    free(p);
    char cwd[4096];
    REQUIRE(getcwd(cwd, sizeof cwd));
    REQUIRE(chdir(d) == 0);
    const char *const std[] = {"-", "/dev/stdin", "/dev/fd/0"};
    for (size_t i = 0; i < sizeof std / sizeof *std; i++) {
        p = ts_vocab_beside(std[i]);
        CHECK_MSG(p == NULL, "%s: %s", std[i], p);
        free(p);
    }
    REQUIRE(chdir(cwd) == 0);
}

/* ---- .npy ---- */

static void npy_roundtrip_all_dtypes_and_shapes(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const size_t shapes[3][3] = {{3, 4, 0}, {3, 1, 4}, {3, 4, 1}};
    const int ndims[3] = {2, 3, 3};
    float f[12];
    int32_t i4[12];
    int64_t i8[12];
    for (int i = 0; i < 12; i++) { f[i] = (float)i + 0.3f; i4[i] = i; i8[i] = i; }
    const void *src[3] = {f, i4, i8};
    const ts_npy_dtype types[3] = {TS_NPY_F32, TS_NPY_I32, TS_NPY_I64};
    for (int t = 0; t < 3; t++)
        for (int s = 0; s < 3; s++) {
            const char *p = in(d, "a.npy");
            REQUIRE(ts_npy_write(p, types[t], src[t], ndims[s], shapes[s]) == 0);
            ts_npy a;
            REQUIRE(ts_npy_read(p, &a) == 0);
            CHECK(a.dtype == types[t] && a.ndim == ndims[s] && a.count == 12);
            for (int k = 0; k < ndims[s]; k++) CHECK(a.shape[k] == shapes[s][k]);
            CHECK(memcmp(a.data, src[t], 12 * (t == 2 ? 8 : 4)) == 0);
            ts_windows w;
            REQUIRE(ts_npy_to_windows(&a, p, -1, &w) == 0);
            CHECK(w.n == 3 && w.len == 4);
            for (int k = 0; k < 12; k++) CHECK(w.data[k] == k);
            ts_windows_free(&w);
            ts_npy_free(&a);
        }
}

static void npy_numpy_compat(void)
{
    /* the study's outputs: (500, 1, 200) float32, mask 1 = observed, hidden 100..109 */
    const char *p = shared_path("reference/paper-results/SSSD_S4/compress-gzip_10/mask0.npy");
    if (!p) SKIP("../shared/reference not present");
    ts_npy a;
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_F32 && a.ndim == 3 && a.shape[0] == 500 && a.shape[1] == 1 &&
          a.shape[2] == 200);
    uint8_t *m, ours[200];
    size_t n, len;
    REQUIRE(ts_npy_to_mask(&a, p, &m, &n, &len) == 0);
    CHECK(n == 500 && len == 200);
    ts_mask_fill(ours, 1, 200, 10, TS_MASK_CENTER, 0);
    int same = 1;
    for (size_t i = 0; i < n; i++) same &= memcmp(m + i * len, ours, 200) == 0;
    CHECK(same);
    free(m);
    ts_npy_free(&a);
    p = shared_path("reference/paper-results/SSSD_S4/compress-gzip_10/imputation0.npy");
    REQUIRE(p && ts_npy_read(p, &a) == 0);
    ts_windows w;
    REQUIRE(ts_npy_to_windows(&a, p, 60, &w) == 0);
    for (size_t i = 0; i < w.n * w.len; i++) {
        float v = ((float *)a.data)[i];
        int32_t want = v < 0 ? 0 : v > 60 ? 60 : (int32_t)floorf(v + 0.5f);
        if (w.data[i] != want) { CHECK_MSG(0, "element %zu: %g -> %d", i, v, w.data[i]); break; }
    }
    ts_windows_free(&w);
    ts_npy_free(&a);
}

/* a hand-made .npy: header dict text + raw bytes */
static void write_npy(const char *path, int major, const char *dict, const void *data, size_t nb)
{
    FILE *f = fopen(path, "wb");
    fwrite("\x93NUMPY", 1, 6, f);
    fputc(major, f);
    fputc(0, f);
    size_t hl = strlen(dict) + 1;
    if (major == 1) { fputc((int)(hl & 255), f); fputc((int)(hl >> 8), f); }
    else { for (int i = 0; i < 4; i++) fputc((int)((hl >> (8 * i)) & 255), f); }
    fputs(dict, f);
    fputc('\n', f);
    if (nb) fwrite(data, 1, nb, f);
    fclose(f);
}

/* numpy's other element types read as the three the data has: float64 as float32, bool
 * and the narrower integers as int32, uint32 and uint64 as int64; values that type cannot
 * hold are refused naming the element */
static void npy_other_types(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "t.npy");
    ts_npy a = {0};   /* freed below even when the call fails */
    double f8[3] = {1.0, -2.5, 16777216.0};
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8, sizeof f8);
    CHECK_MSG(ts_npy_read(p, &a) == 0, "%s", ts_error());
    if (t_failed_now) return;
    CHECK(a.dtype == TS_NPY_F32 && a.count == 3 && ((float *)a.data)[1] == -2.5f &&
          ((float *)a.data)[2] == 16777216.0f);
    ts_npy_free(&a);
    f8[2] = 16777217.0;   /* a whole number float32 rounds */
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8, sizeof f8);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), p) && strstr(ts_error(), "element 2, 16777217"));
    f8[2] = 1e300;
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8, sizeof f8);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "beyond its range"));
    f8[2] = NAN;   /* not a number stays one: the readers of IDs refuse it, naming the place */
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8, sizeof f8);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(isnan(((float *)a.data)[2]));
    ts_npy_free(&a);
    uint8_t b1[4] = {0, 1, 1, 0};
    write_npy(p, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", b1, sizeof b1);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_I32 && a.ndim == 2 && ((int32_t *)a.data)[1] == 1 && ((int32_t *)a.data)[3] == 0);
    uint8_t *m = NULL;
    size_t n = 0, len = 0;
    CHECK_MSG(ts_npy_to_mask(&a, p, &m, &n, &len) == 0 && n == 2 && len == 2 && m[1] == 1 && m[3] == 0, "%s",
              ts_error());
    free(m);
    ts_npy_free(&a);
    b1[2] = 2;
    write_npy(p, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }", b1, sizeof b1);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "element 2: bool byte 2"));
    uint8_t u1[3] = {0, 200, 255};
    write_npy(p, 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", u1, sizeof u1);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_I32 && ((int32_t *)a.data)[1] == 200 && ((int32_t *)a.data)[2] == 255);
    ts_npy_free(&a);
    int8_t i1[3] = {-1, 5, -128};
    write_npy(p, 1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", i1, sizeof i1);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(((int32_t *)a.data)[0] == -1 && ((int32_t *)a.data)[1] == 5 && ((int32_t *)a.data)[2] == -128);
    ts_npy_free(&a);
    int16_t i2[2] = {-300, 30000};
    write_npy(p, 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", i2, sizeof i2);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(((int32_t *)a.data)[0] == -300 && ((int32_t *)a.data)[1] == 30000);
    ts_npy_free(&a);
    uint16_t u2[2] = {65535, 7};
    write_npy(p, 1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", u2, sizeof u2);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(((int32_t *)a.data)[0] == 65535 && ((int32_t *)a.data)[1] == 7);
    ts_npy_free(&a);
    uint32_t u4[2] = {4000000000u, 3};
    write_npy(p, 1, "{'descr': '<u4', 'fortran_order': False, 'shape': (2,), }", u4, sizeof u4);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_I64 && ((int64_t *)a.data)[0] == 4000000000LL && ((int64_t *)a.data)[1] == 3);
    ts_npy_free(&a);
    /* Fortran order (np.save of a transposed array): read into C order */
    int32_t fo[6] = {1, 4, 2, 5, 3, 6};   /* [[1, 2, 3], [4, 5, 6]] column by column */
    write_npy(p, 1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", fo, sizeof fo);
    REQUIRE(ts_npy_read(p, &a) == 0);
    for (int k = 0; k < 6; k++) CHECK_MSG(((int32_t *)a.data)[k] == k + 1, "element %d: %d", k, ((int32_t *)a.data)[k]);
    ts_npy_free(&a);
    int16_t fo3[24];   /* shape (2, 3, 4): element (i, j, k) = 100 i + 10 j + k at i + 2 (j + 3 k) */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++) fo3[i + 2 * (j + 3 * k)] = (int16_t)(100 * i + 10 * j + k);
    write_npy(p, 1, "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 4), }", fo3, sizeof fo3);
    REQUIRE(ts_npy_read(p, &a) == 0);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                CHECK(((int32_t *)a.data)[(i * 3 + j) * 4 + k] == 100 * i + 10 * j + k);
    ts_npy_free(&a);
    uint64_t u8[2] = {5, (uint64_t)1 << 63};
    write_npy(p, 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", u8, sizeof u8);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "element 1, 9223372036854775808: above the largest int64"));
    u8[1] = 6;
    write_npy(p, 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", u8, sizeof u8);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_I64 && ((int64_t *)a.data)[1] == 6);
    ts_npy_free(&a);
}

/* a float64 real read as float32 rounds to the ID nearest it, as reals do: float32's
 * nearest value may be on the other side of a half (0.49999999999 is 0.5 in float32, an
 * ID of 1), and is then the float32 on the value's side; a real whose nearest ID float32
 * cannot hold (above 2^24) is refused as a whole number would be */
static void npy_f8_nearest_id(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "near.npy");
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 4), }";
    double f8[4] = {0.49999999999, 4194304.3, 2.50000000001, 1048576.45};
    write_npy(p, 1, dict, f8, sizeof f8);
    ts_npy a = {0};   /* freed below even when the call fails */
    CHECK_MSG(ts_npy_read(p, &a) == 0, "%s", ts_error());
    if (t_failed_now) return;
    ts_windows w;
    REQUIRE(ts_npy_to_windows(&a, p, -1, &w) == 0);
    CHECK_MSG(w.data[0] == 0 && w.data[1] == 4194304 && w.data[2] == 3 && w.data[3] == 1048576, "%d %d %d %d",
              w.data[0], w.data[1], w.data[2], w.data[3]);
    /* the float32 read is one of the two nearest the value */
    for (int i = 0; i < 4; i++) {
        float f = ((float *)a.data)[i];
        CHECK_MSG(fabs((double)f - f8[i]) <= fabs((double)nextafterf(f, f < f8[i] ? INFINITY : -INFINITY) - (double)f),
                  "%d: %.17g read as %.9g", i, f8[i], (double)f);
    }
    ts_windows_free(&w);
    ts_npy_free(&a);
    f8[1] = 16777217.3;   /* nearest ID 16777217: float32 holds 16777216 or 16777218 */
    write_npy(p, 1, dict, f8, sizeof f8);
    CHECK_MSG(ts_npy_read(p, &a) == -1 && strstr(ts_error(), p) && strstr(ts_error(), "element 1, 16777217.3"), "%s",
              ts_error());
    f8[1] = 16777216.3;   /* nearest ID 16777216, which float32 holds */
    write_npy(p, 1, dict, f8, sizeof f8);
    CHECK_MSG(ts_npy_read(p, &a) == 0, "%s", ts_error());
    ts_npy_free(&a);
}

static void npy_versions_and_rejects(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "h.npy");
    int32_t v[6] = {1, 2, 3, 4, 5, 6};
    ts_npy a;
    write_npy(p, 2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.ndim == 2 && a.shape[1] == 3 && ((int32_t *)a.data)[5] == 6);
    ts_npy_free(&a);
    write_npy(p, 1, "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (6,)}", v, sizeof v);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.ndim == 1 && a.shape[0] == 6);
    ts_npy_free(&a);

    struct { int major; const char *dict; size_t nb; const char *msg; } bad[] = {
        {1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2, 3), }", 24, "big-endian"},
        {1, "{'descr': '<i4', 'fortran_order': Maybe, 'shape': (2, 3), }", 24, "fortran_order"},
        {1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", 48, "dtype '<c8'"},
        {1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", 12, "dtype '<f2'"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40, "truncated data"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 20, "truncated data"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 0, "truncated data"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, x), }", 24, "shape"},
        {1, "{'fortran_order': False, 'shape': (2, 3), }", 24, "descr"},
        {4, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24, "version 4"},
        /* a key twice: which one numpy would take is not the reader's guess to make */
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), 'shape': (6,), }", 24, "'shape' more than once"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'shape': (2, 3), }", 24, "'shape' more than once"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), \"shape\": (2, 3)}", 24, "'shape' more than once"},
        {1, "{'descr': '<i4', 'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", 24, "'descr' more than once"},
        {1, "{'descr': '<i4', 'fortran_order': False, 'fortran_order' : True, 'shape': (2, 3), }", 24,
         "'fortran_order' more than once"},
    };
    int64_t big[6] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_npy(p, bad[i].major, bad[i].dict, big, bad[i].nb);
        CHECK_MSG(ts_npy_read(p, &a) == -1, "accepted case %zu", i);
        CHECK_MSG(strstr(ts_error(), p) && strstr(ts_error(), bad[i].msg), "case %zu: '%s'", i,
                  ts_error());
    }
    write_text(p, "not numpy");
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "not a .npy"));
    /* truncated inside the header */
    FILE *f = fopen(p, "wb");
    fwrite("\x93NUMPY\x01\x00\x76\x00{'descr'", 1, 18, f);
    fclose(f);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "truncated .npy header"));

    /* conversion errors: negative integer, NaN, bad shape; reals clamp */
    int32_t neg[4] = {1, 2, -3, 4};
    size_t sh[2] = {2, 2};
    REQUIRE(ts_npy_write(p, TS_NPY_I32, neg, 2, sh) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    ts_windows w;
    CHECK(ts_npy_to_windows(&a, p, -1, &w) == -1 && strstr(ts_error(), "window 1, position 0: negative ID -3"));
    ts_npy_free(&a);
    float fl[4] = {0.49f, -0.7f, 7.6f, NAN};
    REQUIRE(ts_npy_write(p, TS_NPY_F32, fl, 2, sh) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(ts_npy_to_windows(&a, p, 5, &w) == -1 &&
          strstr(ts_error(), "window 1, position 1: value nan is no event ID"));
    /* an infinity is no ID either: not clamped onto max_id, -inf not read as 0 */
    ((float *)a.data)[3] = INFINITY;
    CHECK(ts_npy_to_windows(&a, p, 5, &w) == -1 && strstr(ts_error(), "window 1, position 1: value inf is no"));
    ((float *)a.data)[3] = -INFINITY;
    CHECK(ts_npy_to_windows(&a, p, -1, &w) == -1 && strstr(ts_error(), "window 1, position 1: value -inf is no"));
    ((float *)a.data)[3] = 2.5f;
    REQUIRE(ts_npy_to_windows(&a, p, 5, &w) == 0);
    CHECK(w.data[0] == 0 && w.data[1] == 0 && w.data[2] == 5 && w.data[3] == 3);
    ts_windows_free(&w);
    ts_npy_free(&a);
    size_t sh4[3] = {1, 2, 2};
    REQUIRE(ts_npy_write(p, TS_NPY_F32, fl, 3, sh4) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(ts_npy_to_windows(&a, p, 5, &w) == -1 && strstr(ts_error(), "shape (1, 2, 2)"));
    ts_npy_free(&a);
}

/* a hand-made .npy of format 1.0 whose header is hl bytes as they are (NULs too) */
static void write_npy_header(const char *path, const char *hdr, size_t hl, const void *data, size_t nb)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc((int)(hl & 255), f);
    fputc((int)(hl >> 8), f);
    fwrite(hdr, 1, hl, f);
    if (nb) fwrite(data, 1, nb, f);
    fclose(f);
}

/* the header is the dict, spaces, then one '\n' ending it (the data right after): spaces
 * to any alignment (none, old NumPy's 16 bytes, newer's 64) read; anything else after the
 * dict's '}' (a byte of other data, a NUL, no final '\n') is refused, naming the byte */
static void npy_header_padding(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "pad.npy");
    const int32_t v[6] = {1, 2, 3, 4, 5, 6};
    const char *dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
    char h[256];
    ts_npy a;
    for (size_t align = 1; align <= 64; align *= 2) {
        size_t k = strlen(dict), pad = (align - (10 + k + 1) % align) % align;
        memcpy(h, dict, k);
        memset(h + k, ' ', pad);
        h[k + pad] = '\n';
        write_npy_header(p, h, k + pad + 1, v, sizeof v);
        CHECK_MSG(ts_npy_read(p, &a) == 0, "aligned to %zu: %s", align, ts_error());
        CHECK(a.count == 6 && ((int32_t *)a.data)[5] == 6);
        ts_npy_free(&a);
    }
    /* a '}' inside a string is not the dict's end */
    snprintf(h, sizeof h, "%s", "{'descr': '<i4', 'x}': 1, 'fortran_order': False, 'shape': (6,)}   \n");
    write_npy_header(p, h, strlen(h), v, sizeof v);
    CHECK_MSG(ts_npy_read(p, &a) == 0, "%s", ts_error());
    ts_npy_free(&a);
    struct { const char *tail; size_t n; const char *msg; } bad[] = {
        {"xyz  \n", 6, "byte 0x78 at offset 69 after the dict's closing '}'"},
        {"  \0\0\n", 5, "byte 0x00 at offset 71 after the dict's closing '}'"},
        {"    ", 4, "does not end with '\\n'"},
        {"  \n  \n", 6, "byte 0x0A at offset 71 after the dict's closing '}'"},
        {" }\n", 3, "byte 0x7D at offset 70 after the dict's closing '}'"},
        {"", 0, "does not end with '\\n'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t k = strlen(dict);
        memcpy(h, dict, k);
        memcpy(h + k, bad[i].tail, bad[i].n);
        write_npy_header(p, h, k + bad[i].n, v, sizeof v);
        CHECK_MSG(ts_npy_read(p, &a) == -1, "accepted case %zu", i);
        CHECK_MSG(strstr(ts_error(), p) && strstr(ts_error(), bad[i].msg), "case %zu: '%s'", i, ts_error());
    }
    /* no dict: text before its '{', or a '{' never closed */
    snprintf(h, sizeof h, "x%s\n", dict);
    write_npy_header(p, h, strlen(h), v, sizeof v);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "does not begin with the dict's '{'"));
    snprintf(h, sizeof h, "{'descr': '<i4', 'fortran_order': False, 'shape': (6,)\n");
    write_npy_header(p, h, strlen(h), v, sizeof v);
    CHECK(ts_npy_read(p, &a) == -1 && strstr(ts_error(), "no closing '}'"));
}

/* a mask holds 0 and 1 only: the originals given as the mask (IDs) or a NaN are errors
 * naming the window and position, in .npy as in a window file */
/* reals past max_id are clamped onto it (the study's scoring); integer IDs are kept as they
 * are (a clamped wrong ID could land on the right one) */
static void npy_ints_not_clamped(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char p[600];
    snprintf(p, sizeof p, "%s/w.npy", d);
    size_t shape[2] = {1, 3};
    int32_t ints[3] = {1, 99, 5};
    float reals[3] = {1.2f, 99.4f, 4.6f};
    ts_npy a;
    ts_windows w;
    REQUIRE(ts_npy_write(p, TS_NPY_I32, ints, 2, shape) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    REQUIRE(ts_npy_to_windows(&a, p, 5, &w) == 0);
    CHECK(w.data[0] == 1 && w.data[1] == 99 && w.data[2] == 5);
    ts_windows_free(&w);
    ts_npy_free(&a);
    REQUIRE(ts_npy_write(p, TS_NPY_F32, reals, 2, shape) == 0);
    REQUIRE(ts_npy_read(p, &a) == 0);
    REQUIRE(ts_npy_to_windows(&a, p, 5, &w) == 0);
    CHECK(w.data[0] == 1 && w.data[1] == 5 && w.data[2] == 5);
    ts_windows_free(&w);
    ts_npy_free(&a);
    unlink(p);
    rmdir(d);
}

static void mask_values_checked(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char p[600];
    snprintf(p, sizeof p, "%s/mask.npy", d);
    size_t shape[2] = {2, 3};
    float ok[6] = {1, 0, 1, 1, 1, 0}, ids[6] = {1, 0, 1, 1, 1, 5}, nan[6] = {1, 0, 1, NAN, 1, 0};
    int32_t ids32[6] = {0, 1, 1, 1, 2, 0};
    uint8_t *m;
    size_t n, len;
    REQUIRE(ts_npy_write(p, TS_NPY_F32, ok, 2, shape) == 0);
    CHECK(ts_mask_load(p, &m, &n, &len) == 0 && n == 2 && len == 3 && m[1] == 0 && m[5] == 0 &&
          m[4] == 1);
    free(m);
    REQUIRE(ts_npy_write(p, TS_NPY_F32, ids, 2, shape) == 0);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "mask.npy: window 1, position 2: mask value 5"), "'%s'", ts_error());
    REQUIRE(ts_npy_write(p, TS_NPY_F32, nan, 2, shape) == 0);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "window 1, position 0: mask value nan"), "'%s'", ts_error());
    REQUIRE(ts_npy_write(p, TS_NPY_I32, ids32, 2, shape) == 0);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "window 1, position 1: mask value 2"), "'%s'", ts_error());
    /* float64: 0 or 1 exactly, as the other types; a value float32 would round to one of
     * them is another value (named as the file has it), in either order of the file */
    double f8[6] = {1, 0, 1, 1, 0.9999999999, 0};
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8, sizeof f8);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "mask.npy: window 1, position 1: mask value 0.9999999999 "), "'%s'", ts_error());
    f8[4] = 1;
    f8[2] = 1e-50;   /* float32's 0 */
    f8[3] = 1.0000000001;
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8, sizeof f8);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "mask.npy: window 0, position 2: mask value 1e-50 "), "'%s'", ts_error());
    /* Fortran order: the file's (1, 1.0000000001 | 1e-50, 0 | 1, 0) are its columns: the
     * windows are (1, 1e-50, 1) and (1.0000000001, 0, 0), the first refused 1e-50 */
    const double fo[6] = {1, 1.0000000001, 1e-50, 0, 1, 0};
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", fo, sizeof fo);
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "mask.npy: window 0, position 1: mask value 1e-50 "), "'%s'", ts_error());
    f8[2] = 0;
    f8[3] = 1;
    write_npy(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8, sizeof f8);
    CHECK_MSG(ts_mask_load(p, &m, &n, &len) == 0 && n == 2 && len == 3 && m[0] == 1 && m[2] == 0 && m[4] == 1,
              "%s", ts_error());
    free(m);
    snprintf(p, sizeof p, "%s/mask.txt", d);
    write_text(p, "1,0,1\n1,2,0\n");
    CHECK(ts_mask_load(p, &m, &n, &len) == -1);
    CHECK_MSG(strstr(ts_error(), "mask.txt:2: mask value 2"), "'%s'", ts_error());
}

static void impute_triple(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    int32_t o[6] = {1, 2, 3, 4, 5, 6}, im[6] = {1, 9, 3, 4, 8, 6};
    uint8_t m[6] = {1, 0, 1, 1, 0, 1};
    ts_windows ow = {o, 2, 3}, iw = {im, 2, 3};
    char sub[600];
    snprintf(sub, sizeof sub, "%s/out/k1", d);
    REQUIRE(ts_write_impute_triple(sub, &ow, m, &iw) == 0);
    const char *names[3] = {"original0.npy", "mask0.npy", "imputation0.npy"};
    for (int k = 0; k < 3; k++) {
        ts_npy a;
        REQUIRE(ts_npy_read(in(sub, names[k]), &a) == 0);
        CHECK(a.dtype == TS_NPY_F32 && a.ndim == 3 && a.shape[0] == 2 && a.shape[1] == 1 &&
              a.shape[2] == 3);
        const float *f = a.data;
        for (int i = 0; i < 6; i++)
            CHECK(f[i] == (k == 0 ? o[i] : k == 1 ? m[i] : im[i]));
        ts_npy_free(&a);
    }
    ts_windows bad = {im, 3, 2};
    CHECK(ts_write_impute_triple(sub, &ow, m, &bad) == -1);
    /* written again: the files replaced keep their modes */
    static const int modes[3] = {0640, 0600, 0664};
    for (int k = 0; k < 3; k++) REQUIRE(chmod(in(sub, names[k]), (mode_t)modes[k]) == 0);
    REQUIRE(ts_write_impute_triple(sub, &ow, m, &iw) == 0);
    for (int k = 0; k < 3; k++) {
        struct stat st;
        CHECK_MSG(stat(in(sub, names[k]), &st) == 0 && (int)(st.st_mode & 0777) == modes[k], "%s: %03o", names[k],
                  (unsigned)(st.st_mode & 0777));
    }
}

/* ---- datasets and vocab from names ---- */

/* names that are all <unk> (a strace log tracesynth's export wrote of unknown events
 * only): a vocabulary of <unk> alone, every event it (the ranking sorted no names: qsort
 * was given a NULL array, undefined behaviour UBSan stops on) */
static void vocab_of_unk_only(void)
{
    char *names[3] = {"<unk>", "<unk>", "<unk>"};
    ts_dataset ds;
    REQUIRE(ts_dataset_from_names(names, 3, 0.7, &ds) == 0);
    CHECK(ds.vocab.n == 1 && ds.vocab.unk == 0 && !strcmp(ds.vocab.names[0], "<unk>"));
    CHECK(ds.stream.n == 3 && ds.stream.ids[0] == 0 && ds.stream.ids[1] == 0 && ds.stream.ids[2] == 0);
    ts_dataset_free(&ds);
}

static void vocab_rank_and_unk(void)
{
    /* training part = first 70% = 7 events: b x3, a x2, c x2 -> b=0, a=1, c=2 (tie by name) */
    char *names[10] = {"b", "c", "a", "b", "c", "a", "b", "zz", "a", "b"};
    ts_dataset ds;
    REQUIRE(ts_dataset_from_names(names, 10, 0.7, &ds) == 0);
    CHECK(ds.vocab.n == 4 && ds.vocab.unk == 3);
    CHECK(!strcmp(ds.vocab.names[0], "b") && !strcmp(ds.vocab.names[1], "a") &&
          !strcmp(ds.vocab.names[2], "c") && !strcmp(ds.vocab.names[3], "<unk>"));
    CHECK(ds.vocab.counts[0] == 3 && ds.vocab.counts[1] == 2 && ds.vocab.counts[3] == 0);
    int32_t want[10] = {0, 2, 1, 0, 2, 1, 0, 3, 1, 0};
    CHECK(ds.stream.n == 10 && memcmp(ds.stream.ids, want, sizeof want) == 0);
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/ds", d);
    REQUIRE(ts_dataset_save(dir, &ds) == 0);
    ts_dataset back;
    REQUIRE(ts_dataset_load(dir, &back) == 0);
    CHECK(back.stream.n == 10 && memcmp(back.stream.ids, want, sizeof want) == 0);
    CHECK(back.vocab.n == 4 && back.vocab.unk == 3 && !strcmp(back.vocab.names[2], "c"));
    ts_dataset_free(&back);
    ts_dataset_free(&ds);
    /* a stream ID without a name */
    write_text(in(dir, "stream.txt"), "0,1,7\n");
    CHECK(ts_dataset_load(dir, &back) == -1 && strstr(ts_error(), "element 2: ID 7"));
    CHECK(ts_dataset_load(d, &back) == -1 && strstr(ts_error(), "no stream.txt"));
}

/* every writer of a dataset ends stream.txt with a newline: one that ends in an ID without
 * it (a copy cut inside its last ID, "...,12" read as "...,1", as many events as before) is
 * refused naming the file and its line, with times beside it or not; an ID file read as
 * such (ingest --from ids) is still read without one */
static void dataset_stream_cut(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/ds", d);
    ts_dataset ds;
    memset(&ds, 0, sizeof ds);
    int32_t ids[4] = {3, 0, 7, 12};
    ds.stream.ids = ids;
    ds.stream.n = 4;
    ds.vocab.unk = -1;
    REQUIRE(ts_dataset_save(dir, &ds) == 0);
    ts_dataset back;
    REQUIRE(ts_dataset_load(dir, &back) == 0);
    CHECK(back.stream.n == 4 && back.stream.ids[3] == 12);
    ts_dataset_free(&back);
    const char *st = in(dir, "stream.txt");
    write_text(st, "3,0,7,1");   /* cut inside its last ID */
    CHECK(ts_dataset_load(dir, &back) == -1);
    CHECK_MSG(strstr(ts_error(), st) && strstr(ts_error(), "stream.txt:1: ") &&
              strstr(ts_error(), "ID '1' without the newline") && strstr(ts_error(), "cut short") &&
              !strchr(ts_error(), '\n'), "%s", ts_error());
    /* with its times: as many events as they, the cut is told by the newline alone */
    int64_t t[4] = {10, 20, 30, 40};
    ds.time_ns = t;
    REQUIRE(ts_dataset_save(dir, &ds) == 0);
    write_text(st, "3,0,7,1");
    CHECK(ts_dataset_load(dir, &back) == -1 && strstr(ts_error(), "without the newline"));
    /* one written by hand over lines, the last without its newline: the line named */
    write_text(st, "3,0\n7 1\n12");
    CHECK_MSG(ts_dataset_load(dir, &back) == -1 && strstr(ts_error(), "stream.txt:3: ") &&
              strstr(ts_error(), "where 12 is the whole ID, end the file with a newline"), "%s", ts_error());
    write_text(st, "3,0\n7 12\n");   /* with it, read as before */
    REQUIRE(ts_dataset_load(dir, &back) == 0);
    CHECK(back.stream.n == 4 && back.stream.ids[3] == 12);
    ts_dataset_free(&back);
    /* an ID file (ingest --from ids) is no dataset's file: read without the newline */
    ts_seq q;
    write_text(in(d, "ids.txt"), "3,0,7,12");
    REQUIRE(ts_seq_read(in(d, "ids.txt"), &q) == 0);
    CHECK(q.n == 4 && q.ids[3] == 12);
    ts_seq_free(&q);
}

/* the training part of the vocabulary is the time split's: 90 events at 0.7 are 63
 * (0.7 x 90 is 62.99... in floating point, which cut it at 62) */
static void vocab_train_part(void)
{
    CHECK(ts_train_count(90, 0.7) == 63 && ts_train_count(170, 0.7) == 119 && ts_train_count(10, 0.7) == 7);
    CHECK(ts_train_count(3, 0.1) == 1 && ts_train_count(5, 1.0) == 5 && ts_train_count(1000, 0.7005) == 700);
    for (size_t n = 1; n < 5000; n++) {
        size_t a, b;
        ts_split_bounds(n, NULL, &a, &b);
        if (ts_train_count(n, 0.7) != (a ? a : 1)) { CHECK_MSG(0, "n %zu: %zu against %zu", n, ts_train_count(n, 0.7), a); break; }
    }
    char *names[90];
    for (int i = 0; i < 90; i++) names[i] = i == 62 ? "late" : "x";
    ts_dataset ds;
    REQUIRE(ts_dataset_from_names(names, 90, 0.7, &ds) == 0);
    CHECK_MSG(ds.vocab.n == 3 && ts_vocab_lookup(&ds.vocab, "late") == 1, "%d names", ds.vocab.n);
    ts_dataset_free(&ds);
}

/* ---- splits ---- */

static ts_dataset counting_dataset(size_t n)
{
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.vocab.unk = -1;
    d.stream.n = n;
    d.stream.ids = malloc(n * sizeof *d.stream.ids);
    for (size_t i = 0; i < n; i++) d.stream.ids[i] = (int32_t)i;   /* ID = position */
    return d;
}

static void time_split_positions(void)
{
    /* n = 1000: train [0,700), valid [700,800), test [800,1000); L = 20 */
    ts_dataset d = counting_dataset(1000);
    ts_split s;
    REQUIRE(ts_split_make(&d, TS_SPLIT_TIME, 20, 5, 5, &s) == 0);
    CHECK(s.train.len == 20 && s.train.n == (700 - 20) / 5 + 1);
    CHECK(s.train.data[0] == 0 && s.train.data[20] == 5);
    CHECK(s.train.data[(s.train.n - 1) * 20 + 19] == 699);   /* last window ends at 699 */
    /* valid starts 700 + floor(i*(800-20-700)/4): 700, 720, 740, 760, 780 */
    size_t vs[5] = {700, 720, 740, 760, 780};
    /* test starts 800 + floor(i*180/4): 800, 845, 890, 935, 980 */
    size_t ts_[5] = {800, 845, 890, 935, 980};
    for (int i = 0; i < 5; i++) {
        CHECK(s.valid.data[i * 20] == (int32_t)vs[i]);
        CHECK(s.test.data[i * 20] == (int32_t)ts_[i]);
    }
    CHECK(s.valid.data[4 * 20 + 19] == 799 && s.test.data[4 * 20 + 19] == 999);
    CHECK(s.train_stream.n == 700 && s.train_stream.ids[699] == 699);
    /* no event of one part appears in another (IDs are positions) */
    CHECK(ts_audit_overlap(&s.train, &s.test) == 0.0);
    ts_windows stream = {s.train_stream.ids, 1, s.train_stream.n};
    CHECK(ts_audit_overlap(&stream, &s.valid) == 0.0);
    ts_split_free(&s);
    /* L = 21, stride 5: a window at 680 would end at 700, the validation part's first
     * event; the last starts at 675 */
    REQUIRE(ts_split_make(&d, TS_SPLIT_TIME, 21, 5, 5, &s) == 0);
    CHECK_MSG(s.train.n == 136 && s.train.data[135 * 21] == 675, "%zu windows", s.train.n);
    int32_t last = 0;
    for (size_t i = 0; i < s.train.n * s.train.len; i++) if (s.train.data[i] > last) last = s.train.data[i];
    CHECK_MSG(last == 695, "a training window holds event %d", last);
    ts_split_free(&s);

    /* n = 101, N = 3, L = 7: parts [0,70), [70,80), [80,101); valid 70, 71, 73 */
    ts_dataset d2 = counting_dataset(101);
    REQUIRE(ts_split_make(&d2, TS_SPLIT_TIME, 7, 5, 3, &s) == 0);
    CHECK(s.valid.data[0] == 70 && s.valid.data[7] == 71 && s.valid.data[14] == 73);
    CHECK(s.test.data[0] == 80 && s.test.data[7] == 87 && s.test.data[14] == 94);
    ts_split_free(&s);
    /* a part shorter than L */
    CHECK(ts_split_make(&d2, TS_SPLIT_TIME, 11, 5, 3, &s) == -1 && strstr(ts_error(), "validation"));
    ts_dataset_free(&d2);
    ts_dataset_free(&d);
}

/* a split of the parts a caller reads: a part it does not read may be shorter than a window
 * (it is then empty), one it reads is refused naming it; the windows of every part are
 * those of the whole split (impute read a 10-event stream's test part [8, 10) but was
 * refused for its validation part [7, 8), a one-event stream for its training part), but
 * for the training windows, cut only where the training part is read (score's test
 * windows of 10,000 came with 400 MB of stride-5 training windows it never read) */
static void time_split_parts_read(void)
{
    ts_dataset d = counting_dataset(1000);
    ts_split all, s;
    REQUIRE(ts_split_make(&d, TS_SPLIT_TIME, 20, 5, 5, &all) == 0);
    for (unsigned parts = 1; parts <= TS_PART_ALL; parts++) {
        REQUIRE(ts_split_make_read(&d, TS_SPLIT_TIME, 20, 5, 5, NULL, parts, &s) == 0);
        const ts_windows *a[3] = {&all.train, &all.valid, &all.test}, *b[3] = {&s.train, &s.valid, &s.test};
        CHECK_MSG((parts & TS_PART_TRAIN) || (s.train.n == 0 && s.train.len == 20), "parts %u: %zu training windows",
                  parts, s.train.n);
        for (int i = !(parts & TS_PART_TRAIN); i < 3; i++)
            CHECK_MSG(a[i]->n == b[i]->n && a[i]->len == b[i]->len &&
                      !memcmp(a[i]->data, b[i]->data, a[i]->n * a[i]->len * sizeof *a[i]->data), "parts %u, %d",
                      parts, i);
        CHECK(s.train_stream.n == 700 && s.valid_distinct == all.valid_distinct && s.test_distinct == all.test_distinct);
        ts_split_free(&s);
    }
    ts_split_free(&all);
    /* 10 events: [0, 7), [7, 8), [8, 10) */
    ts_dataset d10 = counting_dataset(10);
    CHECK(ts_split_make(&d10, TS_SPLIT_TIME, 2, 5, 3, &s) == -1 && strstr(ts_error(), "the validation part [7, 8)"));
    REQUIRE(ts_split_make_read(&d10, TS_SPLIT_TIME, 2, 5, 3, NULL, TS_PART_TEST, &s) == 0);
    CHECK(s.valid.n == 0 && s.test.n == 3 && s.test.data[0] == 8 && s.test.data[5] == 9 && s.test_distinct == 1);
    CHECK(s.train.n == 0 && s.train_stream.n == 7);
    ts_split_free(&s);
    CHECK(ts_split_make_read(&d10, TS_SPLIT_TIME, 2, 5, 3, NULL, TS_PART_TRAIN | TS_PART_VALID, &s) == -1 &&
          strstr(ts_error(), "the validation part [7, 8) has 1 event, fewer than the window length 2"));
    /* the part read named, and the longest window it holds */
    CHECK_MSG(ts_split_make_read(&d10, TS_SPLIT_TIME, 3, 5, 3, NULL, TS_PART_TEST, &s) == -1 &&
              strstr(ts_error(), "the test part [8, 10) has 2 events, fewer than the window length 3") &&
              strstr(ts_error(), "the longest window that fits is 2"), "%s", ts_error());
    /* one event: its test part [0, 1) */
    ts_dataset d1 = counting_dataset(1);
    REQUIRE(ts_split_make_read(&d1, TS_SPLIT_TIME, 1, 5, 3, NULL, TS_PART_TEST, &s) == 0);
    CHECK(s.train.n == 0 && s.valid.n == 0 && s.test.n == 3 && s.test.data[2] == 0 && s.train_stream.n == 0);
    ts_split_free(&s);
    CHECK_MSG(ts_split_make_read(&d1, TS_SPLIT_TIME, 2, 5, 3, NULL, TS_PART_TEST, &s) == -1 &&
              strstr(ts_error(), "the test part [0, 1) has 1 event") && !strstr(ts_error(), "training"), "%s",
              ts_error());
    CHECK(ts_split_make_read(&d1, TS_SPLIT_TIME, 1, 5, 3, NULL, TS_PART_VALID, &s) == -1 &&
          strstr(ts_error(), "the validation part [0, 0) has 0 events"));
    /* more windows than a part not read holds at distinct starts: cut, repeating */
    const int pm[3] = {300, 100, 600};
    CHECK(ts_split_make_parts(&d, TS_SPLIT_TIME, 20, 5, 550, pm, &s) == -1 && strstr(ts_error(), "validation"));
    REQUIRE(ts_split_make_read(&d, TS_SPLIT_TIME, 20, 5, 550, pm, TS_PART_TEST, &s) == 0);
    CHECK(s.valid.n == 550 && s.valid_distinct == 81 && s.test.n == 550 && s.test_distinct == 550);
    ts_split_free(&s);
    CHECK(ts_split_make_read(&d, TS_SPLIT_TIME, 20, 5, 5, NULL, 8, &s) == -1 &&
          strstr(ts_error(), "ts_split_make_read: parts 0x8"));
    ts_dataset_free(&d1);
    ts_dataset_free(&d10);
    ts_dataset_free(&d);
}

static void audit_counts(void)
{
    int32_t tr[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3};
    int32_t te[9] = {1, 2, 3, 7, 8, 9, 3, 2, 1};
    ts_windows train = {tr, 4, 3}, test = {te, 3, 3};
    CHECK_NEAR(ts_audit_overlap(&train, &test), 2.0 / 3.0, 1e-12);
    /* as a stream: "4,5,6" starts at 3 and "3,4,5" crosses the window boundaries */
    int32_t te2[6] = {3, 4, 5, 9, 1, 2};
    ts_windows test2 = {te2, 2, 3}, stream = {tr, 1, 12};
    CHECK_NEAR(ts_audit_overlap(&stream, &test2), 1.0, 1e-12);
    CHECK_NEAR(ts_audit_overlap(&train, &test2), 0.0, 1e-12);
    /* each row's last substring counts: "2,3,4" and "6,7,8" end their rows (and the stream) */
    int32_t tr4[8] = {1, 2, 3, 4, 5, 6, 7, 8}, te4[6] = {2, 3, 4, 6, 7, 8};
    ts_windows train4 = {tr4, 2, 4}, stream4 = {tr4, 1, 8}, test4 = {te4, 2, 3};
    CHECK_NEAR(ts_audit_overlap(&train4, &test4), 1.0, 1e-12);
    CHECK_NEAR(ts_audit_overlap(&stream4, &test4), 1.0, 1e-12);
    /* repetitive stream: many equal substrings */
    int32_t *rep = malloc(20000 * sizeof *rep);
    for (int i = 0; i < 20000; i++) rep[i] = i % 2;
    ts_windows rs = {rep, 1, 20000};
    int32_t q[8] = {1, 0, 1, 0, 1, 1, 0, 1};
    ts_windows qw = {q, 2, 4};
    CHECK_NEAR(ts_audit_overlap(&rs, &qw), 0.5, 1e-12);
    free(rep);
    /* a stream whose pieces a -1 separates (the n-gram's and mdm's prior's training events
     * with --also, a set's windows): the windows after a separator are found too (its leaving
     * the rolling hash took 2^32 less than its coming in added, and every later window was
     * missed: a model trained with --also on a copy of the test part warned of half of them) */
    int32_t sep[11] = {1, 2, 3, -1, 4, 5, 6, 7, -1, 8, 9}, te5[12] = {1, 2, 3, 4, 5, 6, 5, 6, 7, 7, 8, 9};
    ts_windows ss = {sep, 1, 11}, test5 = {te5, 4, 3};
    CHECK_NEAR(ts_audit_overlap(&ss, &test5), 0.75, 1e-12);
    int32_t tr6[8] = {-1, 1, 2, 3, 4, -1, 5, 6}, te6[6] = {1, 2, 3, 4, -1, 5};
    ts_windows train6 = {tr6, 2, 4}, test6 = {te6, 2, 3};
    CHECK_NEAR(ts_audit_overlap(&train6, &test6), 1.0, 1e-12);
}

/* bad arguments give NaN and an error naming them (NULL windows or data crashed) */
static void audit_bad_arguments_nan(void)
{
    int32_t tr[6] = {1, 2, 3, 4, 5, 6};
    ts_windows train = {tr, 2, 3}, nodata = {NULL, 2, 3};
    ts_clear_error();
    CHECK_MSG(isnan(ts_audit_overlap(NULL, &train)) && strstr(ts_error(), "ts_audit_overlap: train is NULL"), "%s",
              ts_error());
    CHECK(isnan(ts_audit_overlap(&train, NULL)) && strstr(ts_error(), "ts_audit_overlap: test is NULL"));
    CHECK(isnan(ts_audit_overlap(&nodata, &train)) && strstr(ts_error(), "ts_audit_overlap: train->data is NULL"));
    CHECK(isnan(ts_audit_overlap(&train, &nodata)) && strstr(ts_error(), "ts_audit_overlap: test->data is NULL"));
    ts_windows huge = {tr, SIZE_MAX / 2, 3};
    CHECK_MSG(isnan(ts_audit_overlap(&huge, &train)) && strstr(ts_error(), "too many"), "%s", ts_error());
    CHECK(ts_audit_overlap(&train, &train) == 1.0);
    ts_windows empty = {NULL, 0, 3};
    CHECK(ts_audit_overlap(&train, &empty) == 0.0 && ts_audit_overlap(&empty, &train) == 0.0);
}

static void paper_split_on_pts(void)
{
    const char *p = shared_path("datasets/pts/compress-gzip");
    if (!p) SKIP("../shared/datasets not present");
    ts_dataset d;
    REQUIRE(ts_dataset_load(p, &d) == 0);
    CHECK(d.stream.n == 50145);
    ts_split s;
    REQUIRE(ts_split_make(&d, TS_SPLIT_PAPER, 200, 5, 500, &s) == 0);
    /* no published L=200 training: stride-5 windows over stream.txt */
    CHECK(s.train.n == (50145 - 200) / 5 + 1 && s.train.len == 200);
    ts_windows pub;
    REQUIRE(ts_dataset_published(&d, 200, "testing", &pub) == 1);
    CHECK(s.test.n == 500 && memcmp(s.test.data, pub.data, 500 * 200 * sizeof(int32_t)) == 0);
    ts_windows_free(&pub);
    ts_windows stream = {s.train_stream.ids, 1, s.train_stream.n};
    double leak = ts_audit_overlap(&stream, &s.test);
    CHECK_MSG(leak * 500 >= 370 && leak * 500 <= 500, "leak %g", leak * 500);
    ts_split_free(&s);

    /* L=150: the published training file is windows of stride 5 over stream.txt */
    REQUIRE(ts_split_make(&d, TS_SPLIT_PAPER, 150, 5, 500, &s) == 0);
    CHECK(s.train.n == 10000 && s.train.len == 150);
    CHECK(memcmp(s.train.data, d.stream.ids, 150 * sizeof(int32_t)) == 0);
    CHECK(memcmp(s.train.data + 150, d.stream.ids + 5, 150 * sizeof(int32_t)) == 0);
    CHECK(ts_audit_overlap(&s.train, &s.test) > 0.9);
    ts_split_free(&s);

    /* the time split does not leak: its parts are disjoint spans of the stream (their
     * contents are not: this loop's every 200-event test window recurs in training) */
    REQUIRE(ts_split_make(&d, TS_SPLIT_TIME, 200, 5, 500, &s) == 0);
    CHECK(s.test.n == 500 && s.valid.n == 500);
    size_t a, b, n = d.stream.n;
    ts_split_bounds(n, NULL, &a, &b);
    CHECK(s.train_stream.n == a && s.train.n == (a - 200) / 5 + 1);
    CHECK(!memcmp(s.train.data + (s.train.n - 1) * 200, d.stream.ids + (s.train.n - 1) * 5, 200 * sizeof(int32_t)));
    CHECK(!memcmp(s.valid.data, d.stream.ids + a, 200 * sizeof(int32_t)) &&
          !memcmp(s.valid.data + 499 * 200, d.stream.ids + b - 200, 200 * sizeof(int32_t)));
    CHECK(!memcmp(s.test.data, d.stream.ids + b, 200 * sizeof(int32_t)) &&
          !memcmp(s.test.data + 499 * 200, d.stream.ids + n - 200, 200 * sizeof(int32_t)));
    ts_split_free(&s);
    ts_dataset_free(&d);
}

/* a named dataset's published windows hold named IDs only, as its stream.txt */
static void published_ids_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sequence_length_3", d);
    write_text(in(d, "stream.txt"), "0,1,2,1,0,1,2,1,0,1,2,0\n");
    write_text(in(d, "vocab.tsv"), "0\tread\t5\n1\twrite\t4\n2\t<unk>\t0\n");
    mkdir(sub, 0755);
    write_text(in(sub, "testing"), "0,1,2\n1,2,7\n");
    ts_dataset ds;
    REQUIRE(ts_dataset_load(d, &ds) == 0);
    ts_split s;
    CHECK(ts_split_make(&ds, TS_SPLIT_PAPER, 3, 1, 2, &s) == -1);
    CHECK_MSG(strstr(ts_error(), "sequence_length_3/testing:2: ID 7 at position 2 has no name in vocab.tsv (3 names)"),
              "%s", ts_error());
    write_text(in(sub, "testing"), "0,1,2\n1,2,0\n");
    write_text(in(sub, "training"), "0,1,2\n3,1,0\n");
    CHECK(ts_split_make(&ds, TS_SPLIT_PAPER, 3, 1, 2, &s) == -1);
    CHECK_MSG(strstr(ts_error(), "sequence_length_3/training:2: ID 3 at position 0"), "%s", ts_error());
    write_text(in(sub, "training"), "0,1,2\n2,1,0\n");
    REQUIRE(ts_split_make(&ds, TS_SPLIT_PAPER, 3, 1, 2, &s) == 0);
    CHECK(s.train.n == 2 && s.test.n == 2 && ts_split_n_ids(&ds, &s) == 3);
    ts_split_free(&s);
    ts_dataset_free(&ds);
    /* no published training windows and a stream shorter than a window: refused where the
     * training or validation windows are read, else the test windows alone */
    remove(in(sub, "training"));
    write_text(in(d, "stream.txt"), "0,1\n");
    REQUIRE(ts_dataset_load(d, &ds) == 0);
    CHECK(ts_split_make(&ds, TS_SPLIT_PAPER, 3, 1, 2, &s) == -1 && strstr(ts_error(), "fewer than the window length 3"));
    CHECK(ts_split_make_read(&ds, TS_SPLIT_PAPER, 3, 1, 2, NULL, TS_PART_VALID, &s) == -1);
    REQUIRE(ts_split_make_read(&ds, TS_SPLIT_PAPER, 3, 1, 2, NULL, TS_PART_TEST, &s) == 0);
    CHECK(s.train.n == 0 && s.valid.n == 0 && s.test.n == 2 && s.test.data[5] == 0);
    ts_split_free(&s);
    ts_dataset_free(&ds);
}

/* a published file's name is one path component: one leading out of the dataset's folder
 * ('../', '/') is refused, named, before anything is read (it was joined and read) */
static void published_name_one_component(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char ds[600], sub[700];
    snprintf(ds, sizeof ds, "%s/ds", d);
    snprintf(sub, sizeof sub, "%s/sequence_length_3", ds);
    mkdir(ds, 0755);
    mkdir(sub, 0755);
    write_text(in(ds, "stream.txt"), "0,1,2,1,0,1,2,1,0,1,2,0\n");
    write_text(in(sub, "testing"), "0,1,2\n1,2,0\n");
    write_text(in(d, "secret"), "2,2,2\n");
    mkdir(in(sub, "more"), 0755);
    write_text(in(in(sub, "more"), "testing"), "1,1,1\n");
    ts_dataset dd;
    REQUIRE(ts_dataset_load(ds, &dd) == 0);
    ts_windows w = {(int32_t *)&dd, 5, 5};
    static const char *const bad[] = {"../../secret", "more/testing", "/secret", "", ".", "..", "testing/"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ts_clear_error();
        CHECK_MSG(ts_dataset_published(&dd, 3, bad[i], &w) == -1 && w.data == NULL && w.n == 0 &&
                      strstr(ts_error(), "ts_dataset_published: name '") && strstr(ts_error(), "' is not a file name"),
                  "'%s': %s", bad[i], ts_error());
    }
    CHECK(ts_dataset_published(&dd, 3, NULL, &w) == -1 && strstr(ts_error(), "ts_dataset_published: name is NULL"));
    CHECK(ts_dataset_published(NULL, 3, "testing", &w) == -1 && strstr(ts_error(), "ts_dataset_published: d is NULL"));
    CHECK(ts_dataset_published(&dd, 3, "testing", NULL) == -1 && strstr(ts_error(), "ts_dataset_published: out is NULL"));
    CHECK(ts_dataset_published(&dd, 3, "validation", &w) == 0);
    CHECK(ts_dataset_published(&dd, 3, "testing", &w) == 1 && w.n == 2 && w.len == 3);
    ts_windows_free(&w);
    ts_dataset_free(&dd);
}

/* a published window file reads whole (its speed: tracesynth bench data) */
static void read_published(void)
{
    const char *p = shared_path("datasets/pts/ffmpeg/sequence_length_150/training");
    if (!p) SKIP("../shared/datasets not present");
    ts_windows w;
    REQUIRE(ts_windows_read(p, &w) == 0);
    CHECK(w.n == 10000 && w.len == 150);
    ts_windows_free(&w);
}

/* ---- masks ---- */

/* a position that is none of ts_mask_pos's is refused, named, and hides nothing (it hid
 * every event, as TS_MASK_ALL does); a NULL mask for windows is refused */
static void mask_position_outside_refused(void)
{
    uint8_t m[2 * 20];
    memset(m, 7, sizeof m);
    ts_clear_error();
    CHECK_MSG(ts_mask_fill(m, 2, 20, 4, (ts_mask_pos)7, 1) == -1 &&
                  strstr(ts_error(), "ts_mask_fill: blackout position 7"), "%s", ts_error());
    for (int i = 0; i < 40; i++) CHECK_MSG(m[i] == 1, "position %d: %d", i, m[i]);
    CHECK(ts_mask_fill(m, 2, 20, 4, (ts_mask_pos)-1, 1) == -1 && m[10] == 1);
    CHECK(ts_mask_fill(NULL, 2, 20, 4, TS_MASK_END, 1) == -1 && strstr(ts_error(), "ts_mask_fill: mask is NULL"));
    CHECK(ts_mask_fill(NULL, 0, 20, 4, TS_MASK_END, 1) == 0);   /* no windows: nothing to fill */
    CHECK(ts_mask_fill(m, 2, 20, 4, TS_MASK_END, 1) == 0 && m[15] == 1 && m[16] == 0 && m[39] == 0);
    CHECK(ts_mask_fill(m, 2, 20, 4, TS_MASK_ALL, 1) == 0 && m[0] == 0 && m[39] == 0);
}

static void mask_positions(void)
{
    uint8_t m[3 * 200];
    ts_mask_fill(m, 3, 200, 10, TS_MASK_CENTER, 1);
    for (int w = 0; w < 3; w++)
        for (int i = 0; i < 200; i++) CHECK(m[w * 200 + i] == !(i >= 100 && i < 110));
    ts_mask_fill(m, 1, 200, 10, TS_MASK_END, 1);
    for (int i = 0; i < 200; i++) CHECK(m[i] == (i < 190));
    ts_mask_fill(m, 1, 50, 40, TS_MASK_CENTER, 1);   /* does not fit at 25: moved to 10 */
    for (int i = 0; i < 50; i++) CHECK(m[i] == (i < 10));
    ts_mask_fill(m, 2, 7, 3, TS_MASK_CENTER, 1);
    for (int i = 0; i < 7; i++) CHECK(m[i] == !(i >= 3 && i < 6));
    ts_mask_fill(m, 3, 200, 10, TS_MASK_ALL, 1);
    for (int i = 0; i < 600; i++) CHECK(m[i] == 0);

    /* random: k hidden in a run, per-window starts from the seed, spread over [0, L-k] */
    enum { N = 2000, L = 20, K = 4 };
    static uint8_t r1[N * L], r2[N * L];
    ts_mask_fill(r1, N, L, K, TS_MASK_RANDOM, 7);
    ts_mask_fill(r2, N, L, K, TS_MASK_RANDOM, 7);
    CHECK(memcmp(r1, r2, sizeof r1) == 0);
    int seen[L] = {0};
    for (int w = 0; w < N; w++) {
        int start = -1, hidden = 0;
        for (int i = 0; i < L; i++)
            if (!r1[w * L + i]) { if (start < 0) start = i; hidden++; }
        CHECK(hidden == K && start >= 0 && start <= L - K);
        for (int i = start; i < start + K && start >= 0; i++) CHECK(r1[w * L + i] == 0);
        if (start >= 0) seen[start]++;
    }
    for (int s = 0; s <= L - K; s++) CHECK(seen[s] > N / (L - K + 1) / 2);
    /* the same window index gives the same start whatever the batch */
    ts_mask_fill(r2, 1, L, K, TS_MASK_RANDOM, 7);
    CHECK(memcmp(r1, r2, L) == 0);
    ts_mask_fill(r2, N, L, K, TS_MASK_RANDOM, 8);
    CHECK(memcmp(r1, r2, sizeof r1) != 0);

    ts_mask_pos pos;
    CHECK(ts_mask_parse("end", &pos) == 0 && pos == TS_MASK_END);
    CHECK(ts_mask_parse("middle", &pos) == -1 && strstr(ts_error(), "middle"));
    CHECK(!strcmp(ts_mask_name(TS_MASK_RANDOM), "random"));
    ts_split_kind k;
    CHECK(ts_split_parse("time", &k) == 0 && k == TS_SPLIT_TIME);
    CHECK(ts_split_parse("leaky", &k) == -1);
}

/* ---- robustness: mutated and truncated inputs fail cleanly, never crash ---- */

static void fuzz_readers(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "f.npy");
    float vals[24];
    for (int i = 0; i < 24; i++) vals[i] = (float)i;
    size_t sh[3] = {4, 1, 6};
    REQUIRE(ts_npy_write(p, TS_NPY_F32, vals, 3, sh) == 0);
    unsigned char good[512];
    FILE *f = fopen(p, "rb");
    size_t n = fread(good, 1, sizeof good, f);
    fclose(f);
    REQUIRE(n == 128 + 96);
    ts_rng r;
    ts_rng_seed(&r, 5);
    int ok = 0, failed = 0;
    for (int it = 0; it < 3000; it++) {
        unsigned char b[512];
        memcpy(b, good, n);
        size_t len = n;
        if (it < (int)n) len = (size_t)it;                       /* every prefix */
        else for (int k = 0; k < 3; k++) b[ts_rng_below(&r, 128)] = (unsigned char)ts_rng_below(&r, 256);
        f = fopen(p, "wb");
        fwrite(b, 1, len, f);
        fclose(f);
        ts_npy a;
        ts_clear_error();
        if (ts_npy_read(p, &a) == 0) {
            ts_windows w;
            if (ts_npy_to_windows(&a, p, 30, &w) == 0) ts_windows_free(&w);
            ts_npy_free(&a);
            ok++;
        } else {
            CHECK_MSG(strstr(ts_error(), p) != NULL, "error without the path: %s", ts_error());
            failed++;
        }
    }
    CHECK(failed > (int)n && ok > 0);

    /* window text: random bytes from a small alphabet */
    const char alpha[] = "0123456789,,\n\n -x\r\t";
    p = in(d, "f.txt");
    for (int it = 0; it < 2000; it++) {
        char t[64];
        size_t len = ts_rng_below(&r, sizeof t);
        for (size_t i = 0; i < len; i++) t[i] = alpha[ts_rng_below(&r, sizeof alpha - 1)];
        t[len] = 0;
        write_text(p, t);
        ts_windows w;
        ts_seq s;
        if (ts_windows_read(p, &w) == 0) {
            CHECK(w.n >= 1 && w.len >= 1);
            ts_windows_free(&w);
        } else {
            CHECK_MSG(strstr(ts_error(), p) != NULL, "error without the path: %s", ts_error());
        }
        if (ts_seq_read(p, &s) == 0) ts_seq_free(&s);
        else CHECK_MSG(strstr(ts_error(), p) != NULL, "error without the path: %s", ts_error());
    }
}

/* strace writes each call once: two logs that hold the same call (the same thread's call,
 * by name, at the same time) are one log given twice, under two names (a copy among the
 * files of a glob): refused naming both and the call, where merged they doubled every
 * event; logs of one run, each with its own threads (strace -ff's, or -f's of two
 * commands), merge as before, as do two runs whose threads' numbers repeat at other times */
static void strace_copy_refused(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *log = "100 1700000000.000001 brk(NULL) = 0x55d5 <0.000002>\n"
                      "101 1700000000.000003 close(3) = 0 <0.000001>\n"
                      "100 1700000000.000005 getpid() = 100 <0.000001>\n";
    char a[600], b[600], c[600];
    snprintf(a, sizeof a, "%s", in(d, "run.strace"));
    snprintf(b, sizeof b, "%s", in(d, "run-copy.strace"));
    snprintf(c, sizeof c, "%s", in(d, "other.strace"));
    write_text(a, log);
    write_text(b, log);
    /* another run, later, whose threads have the same numbers */
    write_text(c, "100 1700000100.000001 brk(NULL) = 0x55d5 <0.000002>\n"
                  "102 1700000100.000002 close(3) = 0 <0.000001>\n");
    char **names = NULL;
    size_t n = 0;
    const char *copy[2] = {a, b};
    CHECK_MSG(ts_strace_read_many(copy, 2, &names, &n) == -1 && strstr(ts_error(), a) && strstr(ts_error(), b) &&
                  strstr(ts_error(), "thread 100's brk at 1700000000.000001"),
              "%s", ts_error());
    const char *two[2] = {a, c};
    CHECK_MSG(ts_strace_read_many(two, 2, &names, &n) == 0 && n == 5, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* a log whose lines name no thread, nor its name (a copy of strace -ff's PREFIX.PID as
     * PREFIX.PID.bak, which a glob of PREFIX.* takes; a copy of a one-process log): each
     * of its calls the same as one of another log at its time is that log given twice */
    char f0[600], f1[600], bak[600], solo[600], solo2[600], other[600];
    snprintf(f0, sizeof f0, "%s", in(d, "p.100"));
    snprintf(f1, sizeof f1, "%s", in(d, "p.101"));
    snprintf(bak, sizeof bak, "%s", in(d, "p.100.bak"));
    snprintf(solo, sizeof solo, "%s", in(d, "solo.strace"));
    snprintf(solo2, sizeof solo2, "%s", in(d, "solo-copy.strace"));
    snprintf(other, sizeof other, "%s", in(d, "other-solo.strace"));
    const char *ff0 = "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                      "1700000000.000004 wait4(-1, NULL, 0, NULL) = 101\n";
    write_text(f0, ff0);
    write_text(bak, ff0);
    write_text(f1, "1700000000.000002 getpid() = 101\n1700000000.000003 exit_group(0) = ?\n");
    const char *ff[3] = {f0, f1, bak};
    CHECK_MSG(ts_strace_read_many(ff, 3, &names, &n) == -1 && strstr(ts_error(), f0) && strstr(ts_error(), bak) &&
                  strstr(ts_error(), "one log given twice"),
              "%s", ts_error());
    const char *solo_log = "1700000000.000001 brk(NULL) = 0x55d5\n1700000000.000002 getpid() = 7\n";
    write_text(solo, solo_log);
    write_text(solo2, solo_log);
    const char *solos[2] = {solo, solo2};
    CHECK_MSG(ts_strace_read_many(solos, 2, &names, &n) == -1 && strstr(ts_error(), solo) &&
                  strstr(ts_error(), solo2) && strstr(ts_error(), "one log given twice"),
              "%s", ts_error());
    /* another one-process log of the same time, one call the same: merged */
    write_text(other, "1700000000.000001 brk(NULL) = 0x55d5\n1700000000.000003 close(3) = 0\n");
    const char *others[2] = {solo, other};
    CHECK_MSG(ts_strace_read_many(others, 2, &names, &n) == 0 && n == 4, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    const char *ffs[2] = {f0, f1};
    CHECK_MSG(ts_strace_read_many(ffs, 2, &names, &n) == 0 && n == 4, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* strace -ff opens a thread's log PREFIX.PID when the thread appears, after the clone,
 * fork or vfork that made it began: a log named after a thread such a call made whose calls
 * begin before that call is another thread's (a copy of its log under this name), refused
 * naming it, its first call's time and the call that made the thread; a thread no call
 * made (the first), one made again (its number reused), a first call at the clone's time
 * (coarse times), and logs of a PID namespace whose clones return numbers no log has, read
 * as before */
static void strace_ff_log_before_its_thread(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char p0[600], p1[600], p2[600];
    snprintf(p0, sizeof p0, "%s", in(d, "q.100"));
    snprintf(p1, sizeof p1, "%s", in(d, "q.101"));
    snprintf(p2, sizeof p2, "%s", in(d, "q.102"));
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000005 vfork() = 102\n"
                   "1700000000.000009 wait4(-1, NULL, 0, NULL) = 101\n");
    const char *log101 = "1700000000.000002 getpid() = 101\n1700000000.000003 exit_group(0) = ?\n";
    write_text(p1, log101);
    write_text(p2, "1700000000.000006 getpid() = 102\n1700000000.000007 exit_group(0) = ?\n");
    char **names = NULL;
    size_t n = 0;
    const char *all[3] = {p0, p1, p2};
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == 0 && n == 7, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* 101's log copied as 102's: its calls begin before the vfork that made 102 */
    write_text(p2, log101);
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == -1 && strstr(ts_error(), p2) &&
                  strstr(ts_error(), "thread 102's calls begin at 1700000000.000002") &&
                  strstr(ts_error(), p0) && strstr(ts_error(), "vfork at 1700000000.000005") &&
                  !strchr(ts_error(), '\n'),
              "%s", ts_error());
    const char *two[2] = {p0, p2};   /* the same, 101's own log not given */
    CHECK_MSG(ts_strace_read_many(two, 2, &names, &n) == -1 && strstr(ts_error(), "thread 102's calls begin"), "%s",
              ts_error());
    /* a clock stepped back in a log: its times and the others' do not compare */
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000005 vfork() = 102\n"
                   "1699999999.000009 wait4(-1, NULL, 0, NULL) = 101\n");
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == 0 && n == 7, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000005 vfork() = 102\n"
                   "1700000000.000009 wait4(-1, NULL, 0, NULL) = 101\n");
    /* a first call at the vfork's own time (times of coarse precision): not before it */
    write_text(p2, "1700000000.000005 getpid() = 102\n1700000000.000007 exit_group(0) = ?\n");
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == 0 && n == 7, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* 102 made twice (its number reused): its log begins after the first */
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000004 vfork() = 102\n"
                   "1700000000.000008 vfork() = 102\n"
                   "1700000000.000009 wait4(-1, NULL, 0, NULL) = 101\n");
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == 0 && n == 8, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* strace -A: the first thread's number reused by a later fork; its log holds the first
     * thread's calls, its exit, then the new thread's, which begin after the fork */
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000002 exit_group(0) = ?\n"
                   "1700000000.000003 +++ exited with 0 +++\n"
                   "1700000000.000007 getpid() = 100\n"
                   "1700000000.000008 exit_group(0) = ?\n"
                   "1700000000.000009 +++ exited with 0 +++\n");
    write_text(p1, "1700000000.000004 getpid() = 101\n"
                   "1700000000.000005 fork() = 100\n"
                   "1700000000.000010 exit_group(0) = ?\n"
                   "1700000000.000011 +++ exited with 0 +++\n");
    CHECK_MSG(ts_strace_read_many(all, 2, &names, &n) == 0 && n == 7, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* the same with strace -qq (no '+++ exited' lines): calls after the first's exit_group */
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000002 exit_group(0) = ?\n"
                   "1700000000.000007 getpid() = 100\n"
                   "1700000000.000008 exit_group(0) = ?\n");
    CHECK_MSG(ts_strace_read_many(all, 2, &names, &n) == 0 && n == 7, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    /* a copy of a log that ends in its thread's exit, but holds no call after it: refused */
    write_text(p1, log101);
    write_text(p2, "1700000000.000002 getpid() = 101\n1700000000.000003 exit_group(0) = ?\n"
                   "1700000000.000003 +++ exited with 0 +++\n");
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                   "1700000000.000005 vfork() = 102\n"
                   "1700000000.000009 wait4(-1, NULL, 0, NULL) = 101\n");
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == -1 && strstr(ts_error(), "thread 102's calls begin"), "%s",
              ts_error());
    /* a namespace recorded from outside: its clones return numbers no log has, one of them a
     * log's by chance, which says nothing of it */
    write_text(p0, "1700000000.000001 clone(child_stack=NULL, flags=SIGCHLD) = 2\n"
                   "1700000000.000004 clone(child_stack=NULL, flags=SIGCHLD) = 3\n"
                   "1700000000.000005 clone(child_stack=NULL, flags=SIGCHLD) = 102\n"
                   "1700000000.000009 wait4(-1, NULL, 0, NULL) = 2\n");
    write_text(p2, log101);
    CHECK_MSG(ts_strace_read_many(all, 3, &names, &n) == 0 && n == 8, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* a copy of a log is told by all of its calls, however many share a time and whatever
 * other log holds a call like one of them: times in milliseconds (--timestamps=unix,ms)
 * put hundreds of a thread's calls at one time, and another thread's call of the same
 * name and return may fall at the time of one of the copy's. Logs of calls alike that
 * are no copy (two threads, or two one-process logs, of the same loop) merge as before */
static void strace_copy_refused_whole(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char **names = NULL;
    size_t n = 0;
    /* 300 calls of one thread in one millisecond (-ff's: then one more) */
    char *busy = malloc(300 * 50 + 100), *ff_busy = malloc(300 * 50 + 100);
    REQUIRE(busy && ff_busy);
    busy[0] = ff_busy[0] = '\0';
    for (int i = 0; i < 300; i++) {   /* (each its own: a read of i bytes) */
        sprintf(busy + strlen(busy), "100 1700000000.001 read(3, \"\", 4096) = %d\n", i);
        sprintf(ff_busy + strlen(ff_busy), "1700000000.001 read(3, \"\", 4096) = %d\n", i);
    }
    strcat(ff_busy, "1700000000.002 close(3) = 0\n");
    char a[600], b[600], f0[600], f1[600], bak[600];
    snprintf(a, sizeof a, "%s", in(d, "busy.strace"));
    snprintf(b, sizeof b, "%s", in(d, "busy-copy.strace"));
    write_text(a, busy);
    write_text(b, busy);
    const char *copy[2] = {a, b};
    CHECK_MSG(ts_strace_read_many(copy, 2, &names, &n) == -1 && strstr(ts_error(), a) && strstr(ts_error(), b) &&
                  strstr(ts_error(), "thread 100's read at 1700000000.001000"),
              "%s", ts_error());
    /* -ff's files: PREFIX.PID.bak beside PREFIX.PID */
    snprintf(f0, sizeof f0, "%s", in(d, "q.100"));
    snprintf(f1, sizeof f1, "%s", in(d, "q.101"));
    snprintf(bak, sizeof bak, "%s", in(d, "q.100.bak"));
    write_text(f0, ff_busy);
    write_text(bak, ff_busy);
    write_text(f1, "1700000000.003 getpid() = 101\n");
    const char *ff[3] = {f0, bak, f1};
    CHECK_MSG(ts_strace_read_many(ff, 3, &names, &n) == -1 && strstr(ts_error(), f0) && strstr(ts_error(), bak) &&
                  strstr(ts_error(), "one log given twice"),
              "%s", ts_error());
    /* a glob's order (PREFIX.100 before PREFIX.99 and PREFIX.99.bak): PREFIX.100's thread
     * made a call like PREFIX.99's first at its time */
    char g0[600], g1[600], gbak[600];
    snprintf(g0, sizeof g0, "%s", in(d, "r.100"));
    snprintf(g1, sizeof g1, "%s", in(d, "r.99"));
    snprintf(gbak, sizeof gbak, "%s", in(d, "r.99.bak"));
    write_text(g0, "1700000000.000001 futex(0x1, FUTEX_WAKE, 1) = 0\n1700000000.000005 gettid() = 100\n");
    const char *ff99 = "1700000000.000001 futex(0x2, FUTEX_WAKE, 1) = 0\n1700000000.000002 getpid() = 99\n";
    write_text(g1, ff99);
    write_text(gbak, ff99);
    const char *glob_order[3] = {g0, g1, gbak};
    CHECK_MSG(ts_strace_read_many(glob_order, 3, &names, &n) == -1 && strstr(ts_error(), g1) &&
                  strstr(ts_error(), gbak) && strstr(ts_error(), "one log given twice"),
              "%s", ts_error());
    /* no copy: two threads of the same loop, and two one-process logs whose first calls
     * are alike and whose last are not */
    write_text(f1, ff_busy);
    const char *two_threads[2] = {f0, f1};
    CHECK_MSG(ts_strace_read_many(two_threads, 2, &names, &n) == 0 && n == 602, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    char s0[600], s1[600];
    snprintf(s0, sizeof s0, "%s", in(d, "loop-a.strace"));
    snprintf(s1, sizeof s1, "%s", in(d, "loop-b.strace"));
    write_text(s0, ff_busy);
    ff_busy[strlen(ff_busy) - strlen("close(3) = 0\n")] = '\0';
    strcat(ff_busy, "dup(3) = 4\n");
    write_text(s1, ff_busy);
    const char *loops[2] = {s0, s1};
    CHECK_MSG(ts_strace_read_many(loops, 2, &names, &n) == 0 && n == 602, "%s", ts_error());
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(busy);
    free(ff_busy);
}

/* the folder split writes (split.txt, training, validation, testing) given where a dataset
 * is read (train ds/split): said to be a split's, with what to give instead, not only that
 * it has no stream.txt; one of its window files only where a window file is read */
static void split_folder_as_dataset(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char sp[600], txt[700];
    snprintf(sp, sizeof sp, "%s", in(d, "sp"));
    REQUIRE(mkdir(sp, 0755) == 0);
    snprintf(txt, sizeof txt, "%s/split.txt", sp);
    write_text(txt, "dataset=ds\nsplit=time\nlength=200\n");
    ts_dataset ds;
    char want[2048];
    snprintf(want, sizeof want, "%s: no stream.txt: a split's folder (split.txt), not a dataset: give the dataset it "
             "was made of", sp);
    CHECK_MSG(ts_dataset_load(sp, &ds) == -1 && !strcmp(ts_error(), want), "%s", ts_error());
    ts_windows w;
    snprintf(want + strlen(want), sizeof want - strlen(want), ", or one of its window files (%s/testing)", sp);
    CHECK_MSG(ts_windows_load(sp, -1, 1, &w) == -1 && !strcmp(ts_error(), want), "%s", ts_error());
    /* a folder that is neither, as before */
    remove(txt);
    CHECK_MSG(ts_dataset_load(sp, &ds) == -1 && strstr(ts_error(), "no stream.txt (a dataset is a directory holding "
                                                       "stream.txt)"), "%s", ts_error());
}

/* ftrace's and perf script's text alike: an event is in one file (a CPU's per_cpu file,
 * or the whole trace), so the same event (its CPU, thread, time and name) in two files is
 * a trace given twice: a copy under another name, or the whole trace beside its per-CPU
 * files, refused naming both, where merged they counted each event twice; per-CPU files
 * alone merge as before */
static void ftrace_copy_refused(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *c0 = "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000004: sys_read -> 0x0\n";
    const char *c1 = "  b-2 [001] ..... 1.000002: sys_write(fd: 0)\n  b-2 [001] ..... 1.000003: sys_write -> 0x1\n";
    char p0[600], p1[600], pw[600], pc[600], whole[512];
    snprintf(p0, sizeof p0, "%s", in(d, "cpu0.trace"));
    snprintf(p1, sizeof p1, "%s", in(d, "cpu1.trace"));
    snprintf(pw, sizeof pw, "%s", in(d, "whole.trace"));
    snprintf(pc, sizeof pc, "%s", in(d, "whole-copy.trace"));
    snprintf(whole, sizeof whole, "%s%s", c0, c1);
    write_text(p0, c0);
    write_text(p1, c1);
    write_text(pw, whole);
    write_text(pc, whole);
    ts_ctf_trace t;
    char *notes = NULL;
    const char *const copy[] = {pw, pc}, *const beside[] = {pw, p0, p1}, *const cpus[] = {p0, p1};
    CHECK_MSG(ts_ftrace_load(copy, 2, NULL, NULL, &t, &notes) == -1 && strstr(ts_error(), pw) &&
                  strstr(ts_error(), pc) && strstr(ts_error(), "CPU 0's read entry of thread 1 at 1.000001"),
              "%s", ts_error());
    CHECK_MSG(ts_perf_load(beside, 3, NULL, NULL, &t, &notes) == -1 && strstr(ts_error(), pw) &&
                  strstr(ts_error(), p0) && strstr(ts_error(), "given twice"), "%s", ts_error());
    CHECK_MSG(ts_ftrace_load(cpus, 2, NULL, NULL, &t, &notes) == 0 && t.n == 2, "%s", ts_error());
    free(notes);
    ts_ctf_trace_free(&t);
}

/* more events at one time than a copy's lie apart (here 300 threads' entries and exits at
 * each microsecond): the copy is still refused, its first event named */
static void ftrace_copy_crowded_refused(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    enum { N = 300 };
    size_t cap = (size_t)N * 2 * 64 + 1, len = 0;
    char *text = malloc(cap), pa[600], pb[600];
    REQUIRE(text);
    for (int k = 0; k < 2; k++)
        for (int t = 1; t <= N; t++)
            len += (size_t)snprintf(text + len, cap - len, k ? "  a-%d [000] ..... 1.000002: sys_read -> 0x0\n"
                                                            : "  a-%d [000] ..... 1.000001: sys_read(fd: 0)\n", t);
    snprintf(pa, sizeof pa, "%s", in(d, "crowded.trace"));
    snprintf(pb, sizeof pb, "%s", in(d, "crowded-copy.trace"));
    write_text(pa, text);
    write_text(pb, text);
    free(text);
    ts_ctf_trace t;
    char *notes = NULL;
    const char *const copy[] = {pa, pb};
    const int rc = ts_ftrace_load(copy, 2, NULL, NULL, &t, &notes);
    CHECK_MSG(rc == -1 && strstr(ts_error(), pa) && strstr(ts_error(), pb) &&
                  strstr(ts_error(), "CPU 0's read entry of thread 1 at 1.000001"),
              "%d: %s", rc, rc ? ts_error() : "loaded");
    if (rc == 0) free(notes), ts_ctf_trace_free(&t);
}

/* a split's folder named with a trailing '/': the window file it points to is named
 * once, DIR/testing, not DIR//testing */
static void split_folder_trailing_slash(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char sp[600], txt[700], want[2048];
    snprintf(sp, sizeof sp, "%s", in(d, "sp2"));
    REQUIRE(mkdir(sp, 0755) == 0);
    snprintf(txt, sizeof txt, "%s/split.txt", sp);
    write_text(txt, "dataset=ds\nsplit=time\nlength=200\n");
    strcat(sp, "/");
    ts_windows w;
    snprintf(want, sizeof want, "(%stesting)", sp);
    CHECK_MSG(ts_windows_load(sp, -1, 1, &w) == -1 && strstr(ts_error(), want) && !strstr(ts_error(), "//"), "%s",
              ts_error());
}

TEST_MAIN("data", {
    RUN(ids_separated);
    RUN(windows_roundtrip);
    RUN(seq_roundtrip);
    RUN(vocab_train_part);
    RUN(dataset_stream_cut);
    RUN(windows_malformed);
    RUN(id_range_limit);
    RUN(windows_sized_by_data);
    RUN(bad_bytes_named);
    RUN(vocab_roundtrip);
    RUN(window_names_read);
    RUN(vocab_beside_stdin);
    RUN(vocab_unwritable_names);
    RUN(vocab_without_names);
    RUN(caller_built_data_checked);
    RUN(npy_roundtrip_all_dtypes_and_shapes);
    RUN(npy_numpy_compat);
    RUN(npy_versions_and_rejects);
    RUN(npy_header_padding);
    RUN(npy_other_types);
    RUN(npy_f8_nearest_id);
    RUN(mask_values_checked);
    RUN(npy_ints_not_clamped);
    RUN(impute_triple);
    RUN(vocab_of_unk_only);
    RUN(vocab_rank_and_unk);
    RUN(time_split_positions);
    RUN(time_split_parts_read);
    RUN(audit_counts);
    RUN(audit_bad_arguments_nan);
    RUN(paper_split_on_pts);
    RUN(read_published);
    RUN(published_ids_named);
    RUN(published_name_one_component);
    RUN(mask_positions);
    RUN(mask_position_outside_refused);
    RUN(fuzz_readers);
    RUN(strace_copy_refused);
    RUN(strace_ff_log_before_its_thread);
    RUN(strace_copy_refused_whole);
    RUN(split_folder_as_dataset);
    RUN(ftrace_copy_refused);
    RUN(ftrace_copy_crowded_refused);
    RUN(split_folder_trailing_slash);
})
