/* Text formats: ID streams, the study's window files, vocab.tsv.
 *
 * Files are read whole into memory and scanned once with a hand-written integer
 * scanner; outputs are sized from a cheap first pass (newline/separator count),
 * so a 10,000 x 150 window file costs one allocation, not one per token. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ts_seq_free(ts_seq *s)
{
    if (!s) return;
    free(s->ids);
    s->ids = NULL;
    s->n = 0;
}

void ts_windows_free(ts_windows *w)
{
    if (!w) return;
    free(w->data);
    w->data = NULL;
    w->n = w->len = 0;
}

size_t ts_ids_separated_n(size_t n, size_t w) { return n + (n && w ? (n - 1) / w : 0); }

size_t ts_ids_put_separated(int32_t *dst, const int32_t *ids, size_t n, size_t w, int32_t sep)
{
    if (!w) w = n;
    int32_t *p = dst;
    for (size_t i = 0; i < n; i += w) {
        const size_t k = n - i < w ? n - i : w;
        if (i) *p++ = sep;
        memcpy(p, ids + i, k * sizeof *p);
        p += k;
    }
    return (size_t)(p - dst);
}

int32_t ts_ids_span(const int32_t *ids, size_t n)
{
    int32_t mx = -1;
    for (size_t i = 0; i < n; i++)
        if (ids[i] > mx) mx = ids[i];
    return mx > TS_ID_MAX ? INT32_MAX : mx + 1;   /* saturates: an ID past TS_ID_MAX is refused later */
}

/* ---- whole-file reads ---- */

int ts__read_file(const char *path, char **buf, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return ts_fail("%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    const int stated = fstat(fileno(f), &st) == 0;
    if (stated && S_ISDIR(st.st_mode)) {
        fclose(f);
        return ts_fail("%s: is a directory, expected a file", path);
    }
    /* a device other than a terminal (/dev/zero, /dev/urandom) may never end: read whole, it
     * would fill the memory until the process is killed. One that gives nothing (/dev/null)
     * is an empty file */
    const int device = stated && S_ISCHR(st.st_mode) && !isatty(fileno(f));
    size_t cap = (stated && st.st_size > 0 ? (size_t)st.st_size : 0) + 1, n = 0;
    char *b = ts_malloc(cap + 1);
    for (;;) {   /* also works for pipes, whose size fstat does not know */
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (device && n > 0) {
            free(b);
            fclose(f);
            return ts_fail("%s: a device, not a file or a pipe (its bytes may never end): save what it gives to a "
                           "file first",
                           path);
        }
        if (n < cap) break;
        cap *= 2;
        b = ts_realloc(b, cap + 1);
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(b);
        return ts_fail("%s: read error", path);
    }
    b[n] = 0;
    *buf = b;
    *size = n;
    return 0;
}

/* ---- the integer scanner ---- */

static inline int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* A byte no text token may hold (NUL, a control character, a non-ASCII byte) in
 * [s, t): records "path: byte 0xEF (UTF-8 byte-order mark) at line 1, column 1"
 * and returns -1; 0 when there is none. bol: the start of the line, file: of the file. */
int ts__bad_byte(const char *path, const char *file, const char *bol, const char *s,
                 const char *t, size_t line)
{
    for (const char *q = s; q < t; q++) {
        unsigned char c = (unsigned char)*q;
        if (c >= 0x20 && c < 0x7f) continue;
        if (c == '\t' || c == '\r') continue;
        const char *what = c == 0 ? "NUL" : c < 0x20 || c == 0x7f ? "a control character"
                                                                 : "not ASCII";
        if (q == file && c == 0xEF && t - q >= 3 && (unsigned char)q[1] == 0xBB &&
            (unsigned char)q[2] == 0xBF)
            what = "UTF-8 byte-order mark; save the file without it";
        if (q == file && c == 0x93 && t - q >= 6 && !memcmp(q + 1, "NUMPY", 5))
            what = "a NumPy .npy array, not text";
        /* the container's magic: its version's bytes are the first the scan stops at */
        if (q - file < 16 && ts__container_file(file, (size_t)(t - file)))
            what = TS__CONTAINER_FILE ", not text";
        return ts_fail("%s: byte 0x%02X (%s) at line %zu, column %zu", path, c, what, line,
                       (size_t)(q - bol) + 1);
    }
    return 0;
}

int ts__bom_refused(const char *path, const char *buf, size_t size)
{
    if (size < 3 || memcmp(buf, "\xef\xbb\xbf", 3)) return 0;
    return ts__bad_byte(path, buf, buf, buf, buf + 3, 1);
}

int ts__container_file(const char *file, size_t n) { return n >= 4 && !memcmp(file, "TSYN", 4); }

char *ts__excerpt(const char *s, size_t n, size_t max)
{
    if (n > 0 && s[n - 1] == '\r') n--;
    size_t k = n > max ? max : n;
    char *out = ts_malloc(4 * k + 4), *o = out;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) o += sprintf(o, "\\x%02x", c);
        else *o++ = (char)c;
    }
    strcpy(o, n > max ? "..." : "");
    return out;
}

/* Scans one ID at *pp (no leading blanks). On success stores it and advances.
 * On failure records "path:line: ..." and returns -1. */
static int scan_id(const char **pp, const char *end, const char *path, const char *file,
                   const char *bol, size_t line, int32_t *out)
{
    const char *p = *pp;
    const char *s = p;
    uint64_t v = 0;
    while (p < end && (unsigned)(*p - '0') < 10) {
        v = v * 10 + (unsigned)(*p - '0');
        if (v > TS_ID_MAX) {
            while (p < end && (unsigned)(*p - '0') < 10) p++;
            return ts_fail("%s:%zu: ID '%.*s' is out of range (max %d)", path, line,
                           (int)(p - s > 24 ? 24 : p - s), s, TS_ID_MAX);
        }
        p++;
    }
    if (p == s || (p < end && *p != ',' && *p != '\n' && !is_blank(*p))) {
        /* show the whole bad token */
        const char *t = s;
        while (t < end && *t != ',' && *t != '\n' && !is_blank(*t)) t++;
        if (ts__bad_byte(path, file, bol, s, t, line) != 0) return -1;
        if (t == s) return ts_fail("%s:%zu: empty field (two separators in a row)", path, line);
        int tl = (int)(t - s > 24 ? 24 : t - s);
        if (*s == '-' && t - s > 1 && (unsigned)(s[1] - '0') < 10)
            return ts_fail("%s:%zu: negative ID '%.*s' (IDs are >= 0)", path, line, tl, s);
        return ts_fail("%s:%zu: non-integer token '%.*s'", path, line, tl, s);
    }
    *out = (int32_t)v;
    *pp = p;
    return 0;
}

/* Parses the IDs of one line [p, eol) into dst (capacity cap, or count only when
 * dst is NULL; IDs past cap are counted, not stored). Separators: commas, with optional blanks around them; with
 * blanks_separate also blanks alone. Returns the count, or -1. */
static long parse_line(const char *p, const char *eol, const char *path, const char *file,
                       size_t line, int blanks_separate, int32_t *dst, size_t cap)
{
    size_t n = 0;
    const char *bol = p;
    while (p < eol && is_blank(*p)) p++;
    if (p == eol) return 0;
    for (;;) {
        int32_t v = 0;
        const char *id = p;
        if (scan_id(&p, eol, path, file, bol, line, &v) != 0) return -1;
        if (dst && n < cap) dst[n] = v;   /* past cap: count only, the caller reports */
        n++;
        const char *id_end = p;
        int blank = 0;
        while (p < eol && is_blank(*p)) { p++; blank = 1; }
        if (p == eol) break;
        if (*p == ',') {
            p++;
            while (p < eol && is_blank(*p)) p++;
            if (p == eol) return ts_fail("%s:%zu: trailing comma (empty last field)", path, line);
        } else if (!(blank && blanks_separate)) {
            /* the ID and what follows it: a trace log given as windows ("PID  TIME call(...)")
             * reads here first */
            const char *t = p;
            while (t < eol && *t != ',' && !is_blank(*t)) t++;
            char *found = ts__excerpt(p, (size_t)(t - p), 24);
            int il = (int)(id_end - id > 24 ? 24 : id_end - id);
            ts_fail("%s:%zu: expected ',' after ID %zu ('%.*s'), found '%s' (a window file holds IDs "
                    "separated by commas, one window a line; a trace log is read by ingest)",
                    path, line, n, il, id, found);
            free(found);
            return -1;
        }
    }
    return (long)n;
}

/* ---- streams ---- */

int ts_seq_read(const char *path, ts_seq *out)
{
    return ts_seq_read_lines(path, out, NULL, NULL);
}

static int seq_read(const char *path, ts_seq *out, size_t *lines, size_t *width, int dataset);

int ts_seq_read_lines(const char *path, ts_seq *out, size_t *lines, size_t *width)
{
    return seq_read(path, out, lines, width, 0);
}

int ts__seq_read_dataset(const char *path, ts_seq *out)
{
    return seq_read(path, out, NULL, NULL, 1);
}

/* dataset: a dataset's stream.txt, which every writer ends with a newline: one that ends in
 * an ID without it is refused (a copy cut inside its last ID reads as another ID, and as
 * many events: neither the times nor any other file beside it tells) */
static int seq_read(const char *path, ts_seq *out, size_t *lines, size_t *width, int dataset)
{
    if (lines) *lines = 0;
    if (width) *width = 0;
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!path) return ts_fail_null(__func__, "path");
    /* a set it is one of (generate's OUT.txt with OUT.names.txt), replaced half way by a
     * process killed: finished first */
    if (ts__stage_recover_beside(path)) return -1;
    if (ts_split_file_check(path)) return -1;   /* a split of events no longer its dataset's */
    char *buf;
    size_t size;
    /* gzip read as the trace readers read it (other compressions named) */
    if (ts__read_text(path, &buf, &size) != 0) return -1;
    /* upper bound on the count: every ID but the last is followed by a separator */
    size_t cap = 1;
    for (size_t i = 0; i < size; i++) {
        char c = buf[i];
        cap += c == ',' || c == '\n' || is_blank(c);
    }
    int32_t *ids = ts_malloc(cap * sizeof *ids);
    size_t n = 0, line = 1, held = 0, w = 0;   /* the lines holding IDs; as many on each (w), or not (0) */
    const char *p = buf, *end = buf + size;
    while (p < end) {
        const char *eol = memchr(p, '\n', end - p);
        if (!eol) eol = end;
        long got = parse_line(p, eol, path, buf, line, 1, ids + n, cap - n);
        if (got < 0 || (size_t)got > cap - n) {
            free(ids);
            free(buf);
            return got < 0 ? -1 : ts_fail("%s:%zu: more IDs than separators", path, line);
        }
        if (got > 0) w = held++ == 0 || (size_t)got == w ? (size_t)got : 0;
        n += (size_t)got;   /* parse_line stores at most cap - n; n <= cap by the count above */
        p = eol + 1;
        line++;
    }
    if (dataset && n && (unsigned)(buf[size - 1] - '0') < 10) {
        const char *id = buf + size - 1;
        while (id > buf && (unsigned)(id[-1] - '0') < 10) id--;
        const int il = (int)(buf + size - id > 24 ? 24 : buf + size - id);
        ts_fail("%s:%zu: the last ID '%.*s' without the newline after it: a file cut short? (every writer of a "
                "dataset ends stream.txt with a newline; where %.*s is the whole ID, end the file with a newline)",
                path, line - 1, il, id, il, id);
        free(ids);
        free(buf);
        return -1;
    }
    free(buf);
    if (n == 0) {
        free(ids);
        return ts_fail("%s: no IDs in the file", path);
    }
    /* a split's file, read as a stream: its lines and events as split.txt records them */
    if (!dataset && ts__split_part_check(path, held, w, n)) {
        free(ids);
        return -1;
    }
    out->ids = ts_realloc(ids, n * sizeof *ids);
    out->n = n;
    if (lines) *lines = held;
    if (width) *width = w;
    return 0;
}

/* writes IDs comma-separated; formatting by hand, fprintf per token is the slow part */
static int put_ids(FILE *f, const int32_t *ids, size_t n)
{
    char buf[1 << 14];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > sizeof buf - 16) {
            if (fwrite(buf, 1, k, f) != k) return -1;
            k = 0;
        }
        if (i) buf[k++] = ',';
        char tmp[12];
        int t = 0;
        uint32_t v = (uint32_t)(ids[i] < 0 ? 0 : ids[i]);
        do { tmp[t++] = (char)('0' + v % 10); v /= 10; } while (v);
        while (t) buf[k++] = tmp[--t];
    }
    buf[k++] = '\n';
    return fwrite(buf, 1, k, f) == k ? 0 : -1;
}

static int check_nonneg(const char *path, const int32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] > TS_ID_MAX)
            return ts_fail("%s: element %zu: ID %d outside [0, %d]", path, i, ids[i], TS_ID_MAX);
    return 0;
}

int ts_seq_write(const char *path, const ts_seq *s)
{
    if (!s->ids && s->n) return ts_fail_null(__func__, "s->ids");
    if (check_nonneg(path, s->ids, s->n) != 0) return -1;
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) return -1;
    if (put_ids(o.f, s->ids, s->n) != 0) {
        ts_out_abort(&o);
        return ts_fail("%s: write failed: %s", path, strerror(errno));
    }
    return ts_out_commit(&o);
}

/* ---- window files ---- */

int ts_windows_read(const char *path, ts_windows *out)
{
    memset(out, 0, sizeof *out);
    /* a set it is one of, replaced half way by a process killed: finished first */
    if (ts__stage_recover_beside(path)) return -1;
    if (ts_split_file_check(path)) return -1;   /* a split of events no longer its dataset's */
    char *buf;
    size_t size;
    if (ts__read_file(path, &buf, &size) != 0) return -1;
    if (ts__windows_parse(path, buf, size, out)) return -1;
    /* a split's part: as many windows, as long, as split.txt records */
    if (ts__split_part_check(path, out->n, out->len, out->n * out->len)) {
        ts_windows_free(out);
        return -1;
    }
    return 0;
}

int ts__windows_parse(const char *path, char *buf, size_t size, ts_windows *out)
{
    memset(out, 0, sizeof *out);
    const char *p = buf, *end = buf + size;
    /* one trailing newline is fine, and none (the study's files end without one): so a file
     * cut after a window, or inside its last ID ("...,12" as "...,1"), reads as whole; a cut
     * elsewhere leaves a short last window (or a trailing comma), refused at its line */
    if (size && end[-1] == '\n') end--;
    if (p == end) {
        free(buf);
        return ts_fail("%s: no windows in the file", path);
    }
    /* sized from what the file holds, never from line 1 alone: a line has at most
     * (its commas + 1) IDs, so lines x L is capped by commas + lines */
    size_t lines = 1, commas = 0;
    for (const char *q = p; q < end; q++) {
        lines += *q == '\n';
        commas += *q == ',';
    }
    const char *eol = memchr(p, '\n', end - p);
    if (!eol) eol = end;
    long L = parse_line(p, eol, path, buf, 1, 0, NULL, 0);
    if (L <= 0) {
        free(buf);
        return L < 0 ? -1 : ts_fail("%s:1: empty line", path);
    }
    size_t cap;
    if (__builtin_mul_overflow(lines, (size_t)L, &cap) || cap > commas + lines) cap = commas + lines;
    int32_t *data = ts_malloc(cap * sizeof *data);
    for (size_t i = 0; i < lines; i++) {
        eol = memchr(p, '\n', end - p);
        if (!eol) eol = end;
        /* lines 1..i-1 held L IDs each, so at least L slots remain unless line i is short */
        size_t room = cap - i * (size_t)L;
        long got = parse_line(p, eol, path, buf, i + 1, 0, data + i * L, room < (size_t)L ? room : (size_t)L);
        if (got == 0) {
            ts_fail("%s:%zu: empty line", path, i + 1);
            got = -1;
        } else if (got > 0 && got != L) {
            ts_fail("%s:%zu: window of %ld ID%s, expected %ld like line 1", path, i + 1, got, ts_plural((size_t)got), L);
            got = -1;
        }
        if (got < 0) {
            free(data);
            free(buf);
            return -1;
        }
        p = eol + 1;
    }
    free(buf);
    out->data = data;
    out->n = lines;
    out->len = (size_t)L;
    return 0;
}

int ts_windows_write(const char *path, const ts_windows *w)
{
    if (!w->data && w->n && w->len) return ts_fail_null(__func__, "w->data");
    if (w->len && w->n > SIZE_MAX / sizeof *w->data / w->len)   /* n and len that describe no array */
        return ts_fail("%s: %zu windows of %zu events: more than memory can hold", path, w->n, w->len);
    if (check_nonneg(path, w->data, w->n * w->len) != 0) return -1;
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) return -1;
    for (size_t i = 0; i < w->n; i++)
        if (put_ids(o.f, w->data + i * w->len, w->len) != 0) {
            ts_out_abort(&o);
            return ts_fail("%s: write failed: %s", path, strerror(errno));
        }
    return ts_out_commit(&o);
}

int ts_windows_write_names(const char *path, const ts_windows *w, const ts_vocab *v)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!w) return ts_fail_null(__func__, "w");
    if (!v) return ts_fail_null(__func__, "v");
    if (!w->data && w->n && w->len) return ts_fail_null(__func__, "w->data");
    if (ts__vocab_check(v, __func__, "v->names")) return -1;
    for (int i = 0; i < v->n; i++) {   /* before the old file is touched; '?' stays unnamed */
        const char *why = strcmp(v->names[i], "?") ? ts__event_name_bad(v->names[i]) : NULL;
        if (why) return ts_fail("%s: event name %d ('%s') %s: not written", path, i, v->names[i], why);
    }
    ts_outfile o;
    if (ts_out_open(&o, path)) return -1;
    for (size_t i = 0; i < w->n; i++)
        for (size_t t = 0; t < w->len; t++) {
            int32_t id = w->data[i * w->len + t];
            fputs(id >= 0 && id < v->n ? v->names[id] : "?", o.f);
            fputc(t + 1 < w->len ? ' ' : '\n', o.f);
        }
    if (ferror(o.f)) {
        ts_out_abort(&o);
        return ts_fail("%s: write failed: %s", path, strerror(errno));
    }
    return ts_out_commit(&o);
}

char *ts_windows_names_path(const char *windows)
{
    if (ts_path_is_stdin(windows)) return NULL;   /* no file lies beside standard input */
    size_t l = strlen(windows);
    char *p = ts_malloc(l + 16);
    memcpy(p, windows, l + 1);
    if (l > 4 && (!strcmp(windows + l - 4, ".txt") || !strcmp(windows + l - 4, ".npy"))) p[l - 4] = 0;
    strcat(p, ".names.txt");
    return p;
}

int ts_windows_read_names(const char *windows, const ts_windows *w, char **path_out, ts_vocab *v, size_t **line_of)
{
    if (!v) return ts_fail_null(__func__, "v");
    if (!path_out) return ts_fail_null(__func__, "path_out");
    if (!line_of) return ts_fail_null(__func__, "line_of");
    memset(v, 0, sizeof *v);
    v->unk = -1;
    *path_out = NULL;
    *line_of = NULL;
    if (!windows) return ts_fail_null(__func__, "windows");
    if (!w) return ts_fail_null(__func__, "w");
    struct stat st;
    if (stat(windows, &st) == 0 && S_ISDIR(st.st_mode)) return 0;   /* a dataset: its vocab.tsv */
    char *path = ts_windows_names_path(windows);
    if (!path) return 0;   /* standard input */
    /* the set it is one of (generate's), replaced half way by a process killed: finished
     * first, so that the names are the windows' */
    if (ts__stage_recover_beside(path)) {
        free(path);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        const int e = errno;
        if (e == ENOENT) {
            free(path);
            return 0;
        }
        ts_fail("%s: cannot open: %s", path, strerror(e));
        free(path);
        return -1;
    }
    const size_t n = w->n * w->len;
    int32_t top = -1;   /* w's IDs: [0, top] */
    for (size_t k = 0; k < n; k++)
        if (w->data[k] > top) top = w->data[k];
    /* names are kept by ID, [0, top]: the IDs of named windows are a vocabulary's (generate
     * writes its model's), never sparse ones in the billions */
    if (top >= TS_NAMED_ID_MAX) {
        ts_fail("%s: names windows whose IDs reach %d, beyond the %d of any vocabulary (%s's IDs are not a "
                "vocabulary's: move the names file away to read them as IDs)", path, (int)top, TS_NAMED_ID_MAX, windows);
        fclose(f);
        free(path);
        return -1;
    }
    v->n = top + 1;
    v->names = ts_calloc((size_t)(top + 1 > 0 ? top + 1 : 1), sizeof *v->names);
    size_t *at = ts_calloc((size_t)(top + 1 > 0 ? top + 1 : 1), sizeof *at);
    char *line = NULL;
    size_t cap = 0, lines = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        if (++lines > w->n) continue;   /* counted, then refused below */
        size_t t = 0;
        for (char *s = strtok(line, " \t\r\n"); s && rc == 0; s = strtok(NULL, " \t\r\n"), t++) {
            if (t >= w->len) continue;
            const int32_t id = w->data[(lines - 1) * w->len + t];
            if (id < 0) continue;
            if (!v->names[id]) {
                v->names[id] = ts_strdup(s);
                at[id] = lines;
            } else if (strcmp(v->names[id], s)) {   /* a names file of other windows (an earlier run's) */
                rc = ts_fail("%s:%zu: '%s' for ID %d, which line %zu names '%s': not the names of %s's events", path,
                             lines, s, (int)id, at[id], v->names[id], windows);
            }
        }
        if (rc == 0 && t != w->len)
            rc = ts_fail("%s:%zu: %zu name%s, where the windows of %s have %zu event%s: not their names", path, lines, t,
                         ts_plural(t), windows, w->len, ts_plural(w->len));
    }
    if (rc == 0 && ferror(f)) rc = ts_fail("%s: cannot read it: %s", path, strerror(errno));
    if (rc == 0 && lines != w->n)
        rc = ts_fail("%s: %zu line%s, where %s has %zu window%s: not its names", path, lines, ts_plural(lines), windows,
                     w->n, ts_plural(w->n));
    if (rc == 0) {   /* one name for two IDs: other windows' names ('?', a model's unnamed event, aside) */
        int32_t *first = ts_malloc((size_t)(v->n > 0 ? v->n : 1) * sizeof *first), late = -1, early = -1;
        ts_vocab_map(v, v, first);   /* the lowest ID of each name */
        for (int32_t i = 0; i < v->n; i++) {
            if (!v->names[i] || first[i] == i || !strcmp(v->names[i], "?")) continue;
            const int32_t a = at[i] >= at[first[i]] ? i : first[i], b = a == i ? first[i] : i;
            if (late < 0 || at[a] < at[late]) late = a, early = b;
        }
        if (late >= 0)
            rc = ts_fail("%s:%zu: '%s' for ID %d, which line %zu gives ID %d: not the names of %s's events", path,
                         at[late], v->names[late], (int)late, at[early], (int)early, windows);
        free(first);
    }
    free(line);
    fclose(f);
    if (rc) {
        ts_vocab_free(v);
        free(at);
        free(path);
        return -1;
    }
    *path_out = path;
    *line_of = at;
    return 1;
}

/* ---- vocab.tsv ---- */

void ts_vocab_free(ts_vocab *v)
{
    if (!v) return;
    for (int i = 0; v->names && i < v->n; i++) free(v->names[i]);
    free(v->names);
    free(v->counts);
    memset(v, 0, sizeof *v);
    v->unk = -1;
}

int ts__vocab_check(const ts_vocab *v, const char *fn, const char *names)
{
    if (!v || v->n <= 0) return 0;
    if (!v->names) return ts_fail_null(fn, names);
    for (int i = 0; i < v->n; i++)
        if (!v->names[i]) return ts_fail("%s: %s[%d] is NULL", fn, names, i);
    return 0;
}

int ts_vocab_copy(ts_vocab *dst, const ts_vocab *src)
{
    memset(dst, 0, sizeof *dst);
    dst->unk = -1;
    if (ts__vocab_check(src, __func__, "src->names") != 0) return -1;
    dst->n = src->n > 0 ? src->n : 0;
    dst->unk = src->unk;
    if (src->n > 0) {
        dst->names = ts_malloc((size_t)src->n * sizeof *dst->names);
        dst->counts = ts_malloc((size_t)src->n * sizeof *dst->counts);
        for (int i = 0; i < src->n; i++) {
            dst->names[i] = ts_strdup(src->names[i]);
            dst->counts[i] = src->counts ? src->counts[i] : 0;
        }
    }
    return 0;
}

int32_t ts_vocab_lookup(const ts_vocab *v, const char *name)
{
    /* vocabularies are a few hundred names; lookups at ingest go through a hash map */
    for (int i = 0; name && v->names && i < v->n; i++)   /* a NULL name names nothing */
        if (v->names[i] && strcmp(v->names[i], name) == 0) return i;
    return v->unk;
}

char *ts_vocab_beside(const char *path)
{
    if (!path || ts_path_is_stdin(path)) return NULL;
    const char *slash = strrchr(path, '/');
    char *dir = ts_strdup(path);
    dir[slash ? (size_t)(slash - path) : 0] = 0;
    char *p = ts_path_join(slash ? (*dir ? dir : "/") : ".", "vocab.tsv");
    free(dir);
    if (ts_file_exists(p)) return p;
    free(p);
    return NULL;
}

char *ts_vocab_for_windows(const char *path)
{
    if (!path || ts_path_is_stdin(path)) return NULL;
    char *end = ts_link_end(path), *p = end ? ts_vocab_beside(end) : NULL;
    free(end);
    return p ? p : ts_vocab_beside(path);
}

const char *ts__event_name_bad(const char *name)
{
    if (!strcmp(name, "?")) return "is '?', which a names file writes for an event without a name";
    for (const char *s = name; *s; s++)
        if (isspace((unsigned char)*s)) return "holds a blank, which separates the names in a names file";
    return NULL;
}

/* events: names of events, refused where ts__event_name_bad says why */
static int vocab_read(const char *path, ts_vocab *out, int events)
{
    memset(out, 0, sizeof *out);
    out->unk = -1;
    /* a dataset's or a split's, replaced half way by a process killed: finished first */
    if (ts__stage_recover_beside(path)) return -1;
    char *buf;
    size_t size;
    if (ts__read_file(path, &buf, &size) != 0) return -1;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += buf[i] == '\n';
    if (lines > INT32_MAX) {
        free(buf);
        return ts_fail("%s: %zu lines, more than a vocabulary can hold", path, lines);
    }
    char **names = ts_calloc(lines, sizeof *names);
    int64_t *counts = ts_calloc(lines, sizeof *counts);
    ts__strmap seen;                      /* duplicate names, in O(1) each */
    ts__strmap_init(&seen, 64);
    int n = 0, rc = 0;
    size_t line = 0;
    char *p = buf, *end = buf + size;
    while (p < end && rc == 0) {
        line++;
        char *eol = memchr(p, '\n', end - p);
        if (!eol) eol = end;
        char *nul = memchr(p, 0, eol - p);
        if (nul) {
            rc = ts__bad_byte(path, buf, p, nul, nul + 1, line);
            break;
        }
        *eol = 0;
        if (eol > p && eol[-1] == '\r') eol[-1] = 0;
        char *s = p;
        p = eol + 1;
        if (*s == '#' || *s == 0) continue;   /* comments and blank lines */
        char *t1 = strchr(s, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2 || strchr(t2 + 1, '\t')) {
            rc = ts_fail("%s:%zu: expected 'ID<TAB>name<TAB>count'", path, line);
            break;
        }
        *t1 = *t2 = 0;
        char *e;
        errno = 0;
        long id = strtol(s, &e, 10);
        if (*s < '0' || *s > '9' || *e || errno || id != n) {   /* digits only: no sign, no blank */
            if (ts__bad_byte(path, buf, s, s, t1, line) != 0) { rc = -1; break; }
            rc = ts_fail("%s:%zu: ID '%s' where %d was expected (IDs run 0, 1, 2, ... in order)",
                         path, line, s, n);
            break;
        }
        if (t1[1] == 0) {
            rc = ts_fail("%s:%zu: empty name", path, line);
            break;
        }
        long long c = strtoll(t2 + 1, &e, 10);
        if (t2[1] < '0' || t2[1] > '9' || *e || errno || c < 0) {
            rc = ts_fail("%s:%zu: count '%s' is not a non-negative integer", path, line, t2 + 1);
            break;
        }
        const char *why = events ? ts__event_name_bad(t1 + 1) : NULL;
        if (why) {
            rc = ts_fail("%s:%zu: event name '%s' %s", path, line, t1 + 1, why);
            break;
        }
        int32_t j = ts__strmap_get(&seen, t1 + 1);
        if (j >= 0) {
            rc = ts_fail("%s:%zu: name '%s' already has ID %d", path, line, t1 + 1, j);
            break;
        }
        names[n] = ts_strdup(t1 + 1);
        ts__strmap_put(&seen, names[n], n);
        counts[n] = c;
        if (strcmp(names[n], TS_UNK_NAME) == 0) out->unk = n;
        n++;
    }
    free(buf);
    ts__strmap_free(&seen);
    out->names = names;
    out->counts = counts;
    out->n = n;
    if (rc == 0 && n == 0) rc = ts_fail("%s: no entries", path);
    if (rc) ts_vocab_free(out);
    return rc;
}

int ts_vocab_read(const char *path, ts_vocab *out) { return vocab_read(path, out, 1); }
int ts__vocab_read_channel(const char *path, ts_vocab *out) { return vocab_read(path, out, 0); }

const char *ts__name_unwritable(const char *name)
{
    if (!name[0]) return "is empty";
    if (strpbrk(name, "\t\n\r")) return "contains a tab, newline or carriage return";
    return NULL;
}

int ts__vocab_reserved_bad(const ts_vocab *v, const char **want)
{
    static const char *const reserved[2] = {"<pad>", TS_UNK_NAME};   /* TS_CH_PAD, TS_CH_UNK */
    for (int id = 0; id < 2; id++)
        if (strcmp(v->names[id], reserved[id])) {
            *want = reserved[id];
            return id;
        }
    return -1;
}

/* every name of v one that ts_vocab_read gives back as it is: 0, else -1 + an error naming
 * path and the name's ID */
static int check_names(const char *path, const ts_vocab *v)
{
    for (int i = 0; i < v->n; i++) {
        const char *why = ts__name_unwritable(v->names[i]);
        if (why) return ts_fail("%s: name %d %s", path, i, why);
    }
    return 0;
}

int ts_vocab_write(const char *path, const ts_vocab *v)
{
    /* before the old file is touched */
    if (ts__vocab_check(v, __func__, "v->names") != 0 || check_names(path, v) != 0) return -1;
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) return -1;
    for (int i = 0; i < v->n; i++)
        fprintf(o.f, "%d\t%s\t%lld\n", i, v->names[i], (long long)(v->counts ? v->counts[i] : 0));
    return ts_out_commit(&o);
}
