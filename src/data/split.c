/* Train/validation/test splits (PROTOCOLS.md §2) and the leakage audit. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ts_split_parse(const char *s, ts_split_kind *out)
{
    if (!strcmp(s, "paper")) *out = TS_SPLIT_PAPER;
    else if (!strcmp(s, "time")) *out = TS_SPLIT_TIME;
    else return ts_fail("unknown split '%s' (paper or time)", s);
    return 0;
}

const char *ts_split_name(ts_split_kind k) { return k == TS_SPLIT_PAPER ? "paper" : "time"; }

void ts_split_free(ts_split *s)
{
    if (!s) return;
    ts_windows_free(&s->train);
    ts_windows_free(&s->valid);
    ts_windows_free(&s->test);
    ts_seq_free(&s->train_stream);
    for (size_t i = 0; i < s->n_also; i++) ts_seq_free(&s->also[i]);
    free(s->also);
    s->also = NULL;
    s->n_also = 0;
}

/* windows of length L at starts 0, stride, 2*stride, ... over ids[0, n) */
static void stride_windows(const int32_t *ids, size_t n, size_t L, size_t stride, ts_windows *w)
{
    size_t count = n >= L ? (n - L) / stride + 1 : 0;
    w->n = count;
    w->len = L;
    w->data = ts_malloc(count * L * sizeof *w->data);
    for (size_t i = 0; i < count; i++)
        memcpy(w->data + i * L, ids + i * stride, L * sizeof *ids);
}

void ts_split_add_train(ts_split *sp, const int32_t *ids, size_t n, size_t stride)
{
    sp->also = ts_realloc(sp->also, (sp->n_also + 1) * sizeof *sp->also);
    ts_seq *st = &sp->also[sp->n_also++];
    st->n = n;
    st->ids = ts_malloc((n ? n : 1) * sizeof *ids);
    if (n) memcpy(st->ids, ids, n * sizeof *ids);
    ts_windows w;
    stride_windows(ids, n, sp->len, stride ? stride : 1, &w);
    if (w.n) {
        size_t L = sp->len;
        sp->train.data = ts_realloc(sp->train.data, (sp->train.n + w.n) * L * sizeof *w.data);
        memcpy(sp->train.data + sp->train.n * L, w.data, w.n * L * sizeof *w.data);
        sp->train.n += w.n;
        sp->train.len = L;
    }
    ts_windows_free(&w);
}

int32_t *ts_split_train_events(const ts_split *sp, int32_t sep, size_t *n)
{
    const ts_seq *main = &sp->train_stream;
    size_t total = ts_ids_separated_n(main->n, sp->window);   /* the main stream's windows apart */
    for (size_t i = 0; i < sp->n_also; i++) total += (total && sp->also[i].n) + sp->also[i].n;
    *n = total;
    if (!total) return NULL;
    int32_t *s = ts_malloc(total * sizeof *s), *p = s;
    p += ts_ids_put_separated(p, main->ids, main->n, sp->window, sep);
    for (size_t i = 0; i < sp->n_also; i++) {
        if (!sp->also[i].n) continue;
        if (p > s) *p++ = sep;
        memcpy(p, sp->also[i].ids, sp->also[i].n * sizeof *s);
        p += sp->also[i].n;
    }
    return s;
}

/* N windows in the part [cut, end): starts cut + floor(i (end - L - cut) / (N - 1)) */
static void spaced_windows(const int32_t *ids, size_t cut, size_t end, size_t L, size_t N,
                           ts_windows *w)
{
    w->n = N;
    w->len = L;
    w->data = ts_malloc(N * L * sizeof *w->data);
    size_t span = end - L - cut;
    for (size_t i = 0; i < N; i++) {
        size_t start = cut + (N > 1 ? i * span / (N - 1) : 0);
        memcpy(w->data + i * L, ids + start, L * sizeof *ids);
    }
}

const int ts_split_default_permille[3] = {700, 100, 200};

int ts_split_parse_fractions(const char *s, int permille[3])
{
    const char *p = s;
    int sum = 0;
    for (int k = 0; k < 3; k++) {
        char *end;
        errno = 0;
        double f = strtod(p, &end);
        if (errno || end == p || !(f > 0 && f < 1) || (k < 2 ? *end != ',' : *end != 0))
            return ts_fail("fractions '%s': expected three numbers in (0, 1) such as 0.7,0.1,0.2", s);
        permille[k] = (int)(f * 1000 + 0.5);   /* thousandths */
        if (permille[k] < 1) return ts_fail("fractions '%s': %g is below 0.001", s, f);
        /* rounded, 0.3333,0.3333,0.3334 "added up to 0.999" and 0.7004 split as 0.7 */
        if (fabs(f * 1000 - permille[k]) > 1e-6)
            return ts_fail("fractions '%s': %.*s is not a whole number of thousandths (the parts are set in "
                           "steps of 0.001)", s, (int)(end - p), p);   /* as given: %g could round it to one */
        sum += permille[k];
        p = end + 1;
    }
    if (sum != 1000) return ts_fail("fractions '%s' add up to %g, not 1", s, sum / 1000.0);
    return 0;
}

int ts__split_parts_check(const int permille[3], const char *who)
{
    const int *pm = permille;
    if (pm[0] >= 1 && pm[1] >= 1 && pm[2] >= 1 && pm[0] <= 998 && pm[1] <= 998 && pm[2] <= 998 &&
        pm[0] + pm[1] + pm[2] == 1000)
        return 0;
    return ts_fail("%s%stime split parts %d/%d/%d thousandths: expected three positive parts summing to 1000",
                   who ? who : "", who ? ": " : "", pm[0], pm[1], pm[2]);
}

/* (the default gives floor(0.7 n) and floor(0.8 n) exactly) */
void ts_split_bounds(size_t n, const int permille[3], size_t *a, size_t *b)
{
    const int *pm = permille ? permille : ts_split_default_permille;
    *a = n * (size_t)pm[0] / 1000;
    *b = n * (size_t)(pm[0] + pm[1]) / 1000;
}

size_t ts_split_max_length(size_t n, const int permille[3])
{
    const int *pm = permille ? permille : ts_split_default_permille;
    size_t a, b;
    ts_split_bounds(n, pm, &a, &b);
    size_t m = a;
    if (b - a < m) m = b - a;
    if (n - b < m) m = n - b;
    return m;
}

static size_t distinct_starts(size_t part, size_t L, size_t N)
{
    size_t starts = part - L + 1;
    return starts < N ? starts : N;
}

/* nwin windows drawn from DISTINCT distinct ones: repeats are allowed up to the default
 * count (the protocol's fixed N on a short part), beyond it an error naming the part */
static int check_windows(const char *where, const char *part, size_t lo, size_t hi, size_t distinct, size_t L,
                         size_t nwin)
{
    size_t cap = distinct > TS_SPLIT_DEFAULT_WINDOWS ? distinct : TS_SPLIT_DEFAULT_WINDOWS;
    if (nwin <= cap) return 0;
    if (hi > lo)
        return ts_fail("%s: --windows %zu: the %s part [%zu, %zu) of %zu event%s holds only %zu window%s of "
                       "length %zu at distinct starts (at most %zu windows)", where, nwin, part, lo, hi, hi - lo,
                       ts_plural(hi - lo), distinct, ts_plural(distinct), L, cap);
    return ts_fail("%s: --windows %zu: the %s are only %zu, of length %zu (at most %zu windows)", where, nwin, part,
                   distinct, L, cap);
}

/* the longest window every part in parts holds */
static size_t parts_max_length(size_t n, const int pm[3], unsigned parts)
{
    size_t a, b;
    ts_split_bounds(n, pm, &a, &b);
    const size_t len[3] = {a, b - a, n - b};
    size_t m = SIZE_MAX;
    for (int p = 0; p < 3; p++)
        if ((parts >> p & 1) && len[p] < m) m = len[p];
    return m == SIZE_MAX ? 0 : m;
}

/* a part not read (parts) shorter than L is left empty; every other is cut as always */
static int split_time(const ts_dataset *d, size_t L, size_t stride, size_t nwin, const int pm[3],
                      unsigned parts, ts_split *out)
{
    const int32_t *ids = d->stream.ids;
    size_t n = d->stream.n;
    size_t a, b;
    ts_split_bounds(n, pm, &a, &b);
    const char *name[3] = {"training", "validation", "test"};
    size_t lo[3] = {0, a, b}, hi[3] = {a, b, n};
    for (int p = 0; p < 3; p++)
        if ((parts >> p & 1) && hi[p] - lo[p] < L) {
            size_t fit = parts_max_length(n, pm, parts);
            char hint[96];
            if (fit) snprintf(hint, sizeof hint, "the longest window that fits is %zu, or other fractions", fit);
            else snprintf(hint, sizeof hint, "the stream is too short for any window with these fractions");
            return ts_fail("%s: the %s part [%zu, %zu) has %zu event%s, fewer than the window length %zu "
                           "(stream of %zu event%s, parts %g/%g/%g); %s",
                           d->dir ? d->dir : "stream", name[p], lo[p], hi[p], hi[p] - lo[p],
                           ts_plural(hi[p] - lo[p]), L, n, ts_plural(n),
                           pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, hint);
        }
    const char *where = d->dir ? d->dir : "stream";
    if (((parts & TS_PART_VALID) && check_windows(where, "validation", a, b, b - a - L + 1, L, nwin)) ||
        ((parts & TS_PART_TEST) && check_windows(where, "test", b, n, n - b - L + 1, L, nwin)))
        return -1;
    /* the training windows only where read: at stride 5 they hold L/5 copies of the part */
    if ((parts & TS_PART_TRAIN_COUNT) && (parts & TS_PART_TRAIN)) {   /* counted alone */
        out->train.n = (a - L) / stride + 1;
        out->train.len = L;
    } else if (parts & TS_PART_TRAIN) {
        stride_windows(ids, a, L, stride, &out->train);
    } else {
        out->train.len = L;
    }
    ts_windows *w[2] = {&out->valid, &out->test};
    size_t *distinct[2] = {&out->valid_distinct, &out->test_distinct};
    for (int p = 1; p < 3; p++)
        if (hi[p] - lo[p] >= L) {
            spaced_windows(ids, lo[p], hi[p], L, nwin, w[p - 1]);
            *distinct[p - 1] = distinct_starts(hi[p] - lo[p], L, nwin);
        } else {
            w[p - 1]->len = L;
        }
    out->train_stream.n = a;
    out->train_stream.ids = ts_malloc(a * sizeof *ids);
    memcpy(out->train_stream.ids, ids, a * sizeof *ids);
    out->events = n;
    return 0;
}

static int split_paper(const ts_dataset *d, size_t L, size_t stride, size_t nwin, unsigned parts, ts_split *out)
{
    int got = ts_dataset_published(d, L, "testing", &out->test);
    if (got < 0) return -1;
    if (got == 0)
        return ts_fail("%s: no sequence_length_%zu/testing: the paper split needs the published "
                       "test windows (use --split time)", d->dir ? d->dir : "dataset", L);
    got = ts_dataset_published(d, L, "training", &out->train);
    if (got < 0) return -1;
    if (got == 0) {
        /* the published training files are stride-5 windows over stream.txt */
        if (d->stream.n < L && (parts & (TS_PART_TRAIN | TS_PART_VALID)))
            return ts_fail("%s: stream.txt has %zu event%s, fewer than the window length %zu",
                           d->dir ? d->dir : "dataset", d->stream.n, ts_plural(d->stream.n), L);
        /* only where they or the validation windows drawn from them are read */
        if (parts & (TS_PART_TRAIN | TS_PART_VALID)) stride_windows(d->stream.ids, d->stream.n, L, stride, &out->train);
        else out->train.len = L;
    }
    /* validation: nwin evenly spaced training windows (the paper has no validation part) */
    size_t N = out->train.n;
    if ((parts & TS_PART_VALID) && check_windows(d->dir ? d->dir : "dataset", "training windows", 0, 0, N, L, nwin))
        return -1;
    out->valid.n = N ? nwin : 0;   /* none: neither part read */
    out->valid.len = L;
    out->valid.data = ts_malloc(out->valid.n * L * sizeof *out->valid.data);
    for (size_t i = 0; i < out->valid.n; i++) {
        size_t k = nwin > 1 ? i * (N - 1) / (nwin - 1) : 0;
        memcpy(out->valid.data + i * L, out->train.data + k * L, L * sizeof *out->valid.data);
    }
    out->valid_distinct = nwin < N ? nwin : N;
    out->test_distinct = out->test.n;
    out->train_stream.n = d->stream.n;
    out->train_stream.ids = ts_malloc(d->stream.n * sizeof *d->stream.ids);
    memcpy(out->train_stream.ids, d->stream.ids, d->stream.n * sizeof *d->stream.ids);
    return 0;
}

int ts_split_make(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride, size_t nwin,
                  ts_split *out)
{
    return ts_split_make_parts(d, kind, L, stride, nwin, NULL, out);
}

/* ts_split_make_read, its errors naming who */
static int split_make(const char *who, const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride,
                      size_t nwin, const int permille[3], unsigned parts, ts_split *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->len = L;
    if (kind != TS_SPLIT_TIME && kind != TS_SPLIT_PAPER)
        return ts_fail("split kind %d: expected TS_SPLIT_TIME or TS_SPLIT_PAPER", (int)kind);
    if (L == 0) return ts_fail("window length must be positive");
    if (stride == 0) return ts_fail("stride must be positive");
    if (nwin == 0) return ts_fail("the number of validation/test windows must be positive");
    /* (TS_PART_TRAIN_COUNT says how the training part is read: not without it) */
    if ((parts & ~(unsigned)(TS_PART_ALL | TS_PART_TRAIN_COUNT)) ||
        ((parts & TS_PART_TRAIN_COUNT) && !(parts & TS_PART_TRAIN)))
        return ts_fail("%s: parts %#x: expected TS_PART_* bits", who, parts);
    if (!d->stream.ids && d->stream.n) return ts_fail_null(who, "d->stream.ids");
    /* as ts_split_parse_fractions gives them */
    if (kind == TS_SPLIT_TIME && permille && ts__split_parts_check(permille, NULL)) return -1;
    int rc = kind == TS_SPLIT_TIME ? split_time(d, L, stride, nwin,
                                                permille ? permille : ts_split_default_permille, parts, out)
                                   : split_paper(d, L, stride, nwin, parts, out);
    if (rc) {
        ts_split_free(out);
        out->kind = kind;
        out->len = L;
    } else if (kind == TS_SPLIT_TIME) {
        memcpy(out->permille, permille ? permille : ts_split_default_permille, sizeof out->permille);
    }
    return rc;
}

int ts_split_make_parts(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride,
                        size_t nwin, const int permille[3], ts_split *out)
{
    return split_make(__func__, d, kind, L, stride, nwin, permille, TS_PART_ALL, out);
}

int ts_split_make_read(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride, size_t nwin,
                       const int permille[3], unsigned parts, ts_split *out)
{
    return split_make(__func__, d, kind, L, stride, nwin, permille, parts, out);
}

/* ---- what a split's windows were cut from ---- */

uint64_t ts_dataset_events_crc(const char *dir)
{
    if (!dir) return 0;
    uint64_t h = 0;
    const char *names[2] = {"stream.txt", "vocab.tsv"};
    unsigned char *buf = ts_malloc(1 << 16);
    for (int k = 0; k < 2; k++) {
        char *p = ts_path_join(dir, names[k]);
        struct stat st;   /* a FIFO or device is no dataset's file (and would wait, or not end) */
        FILE *f = stat(p, &st) == 0 && S_ISREG(st.st_mode) ? fopen(p, "rb") : NULL;
        free(p);
        if (!f && k == 0) {
            free(buf);
            return 0;
        }
        uint32_t crc = 0;
        uint64_t size = 0;
        size_t got;
        while (f && (got = fread(buf, 1, 1 << 16, f)) > 0) {
            crc = ts_crc32(crc, buf, got);
            size += got;
        }
        const int bad = f && ferror(f);
        if (f) fclose(f);
        if (bad) {
            free(buf);
            return 0;
        }
        h = h * 0x100000001b3ull ^ ((uint64_t)crc << 32 ^ size);
    }
    free(buf);
    return h ? h : 1;
}

/* FNV-1a over one event's bytes (its name's where named) and a 0 after them */
static uint64_t hash_event(uint64_t h, int32_t id, const ts_vocab *names, int named)
{
    const unsigned char *p = named && id >= 0 && id < names->n ? (const unsigned char *)names->names[id] : NULL;
    unsigned char b[4] = {(unsigned char)id, (unsigned char)(id >> 8), (unsigned char)(id >> 16),
                          (unsigned char)(id >> 24)};
    const size_t len = p ? strlen((const char *)p) : 4;
    if (!p) p = b;
    for (size_t k = 0; k < len; k++) h = (h ^ p[k]) * 0x100000001b3ull;
    return (h ^ 0) * 0x100000001b3ull;
}

#define EVENTS_HASH_START 0xcbf29ce484222325ull

uint64_t ts_events_hash(const int32_t *ids, size_t n, const ts_vocab *names)
{
    uint64_t h = EVENTS_HASH_START;
    const int named = names && names->n > 0 && names->names;
    for (size_t i = 0; i < n; i++) h = hash_event(h, ids[i], names, named);
    return h ? h : 1;
}

void ts_events_prefixes_make(const int32_t *ids, size_t n, const ts_vocab *names, ts_events_prefixes *p)
{
    memset(p, 0, sizeof *p);
    if (!n) return;
    p->step = (n + TS_EVENTS_PREFIXES - 1) / TS_EVENTS_PREFIXES;
    p->n = n / p->step;
    uint64_t h = EVENTS_HASH_START;
    const int named = names && names->n > 0 && names->names;
    for (size_t i = 0; i < p->n * p->step; i++) {
        h = hash_event(h, ids[i], names, named);
        if ((i + 1) % p->step == 0) p->hash[i / p->step] = h ? h : 1;
    }
}

size_t ts_events_prefixes_match(const ts_events_prefixes *p, const int32_t *ids, size_t n, const ts_vocab *names)
{
    if (!p || !p->step) return 0;
    size_t known = 0;
    uint64_t h = EVENTS_HASH_START;
    const int named = names && names->n > 0 && names->names;
    for (size_t i = 0; i < n && i < p->n * p->step; i++) {
        h = hash_event(h, ids[i], names, named);
        if ((i + 1) % p->step) continue;
        if ((h ? h : 1) != p->hash[i / p->step]) break;
        known = i + 1;
    }
    return known;
}

int ts_split_record_read(const char *txt, ts_split_record *rec)
{
    if (!rec) return ts_fail_null(__func__, "rec");
    memset(rec, 0, sizeof *rec);
    if (!txt) return ts_fail_null(__func__, "txt");
    /* a split written over an earlier one and killed half way: finished first */
    if (ts__stage_recover_beside(txt)) return -1;
    struct stat st;   /* a record is a file: a FIFO of that name would wait for a writer */
    FILE *f = stat(txt, &st) == 0 && S_ISREG(st.st_mode) ? fopen(txt, "r") : NULL;
    if (!f) return 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long no = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        no++;
        if (line[n - 1] == '\n') line[--n] = 0;
        if (n && line[n - 1] == '\r') line[--n] = 0;   /* CRLF: a file edited elsewhere */
        char **to = NULL;
        if (!strncmp(line, "split=", 6)) rec->time = !strcmp(line + 6, "time");
        else if (!strncmp(line, "fractions=", 10)) to = &rec->fractions, rec->fractions_line = no;
        else if (!strncmp(line, "dataset_dir=", 12) && line[12]) to = &rec->dataset_dir;
        else if (!strncmp(line, "dataset_subdir=", 15) && line[15]) to = &rec->dataset_subdir;
        else if (!strncmp(line, "stream_crc=", 11)) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(line + 11, &end, 16);
            rec->has_crc = !errno && end > line + 11 && !*end;
            rec->stream_crc = v;
        } else if (!strncmp(line, "length=", 7) && ts_parse_long(line + 7, 1, 1 << 24, &rec->length)) {
            rec->length = 0;   /* not a length */
            ts_clear_error();
        } else {   /* the counts of the parts: one that does not read is not recorded */
            static const char *const key[] = {"windows=", "validation_windows=", "test_windows=", "train_windows=",
                                              "train_stream_events="};
            long *const at[] = {&rec->windows, &rec->valid_windows, &rec->test_windows, &rec->train_windows,
                                &rec->train_stream_events};
            for (size_t k = 0; k < sizeof key / sizeof *key; k++)
                if (!strncmp(line, key[k], strlen(key[k])) && ts_parse_long(line + strlen(key[k]), 1, LONG_MAX, at[k])) {
                    *at[k] = 0;
                    ts_clear_error();
                }
        }
        if (to) {
            free(*to);
            *to = ts_strdup(strchr(line, '=') + 1);
        }
    }
    fclose(f);
    free(line);
    return 0;
}

void ts_split_record_free(ts_split_record *rec)
{
    if (!rec) return;
    free(rec->fractions);
    free(rec->dataset_dir);
    free(rec->dataset_subdir);
    memset(rec, 0, sizeof *rec);
}

/* the dataset that holds the split in folder: the nearest folder above it with a
 * stream.txt (malloc'd), or NULL; sub "." (a split made in its dataset's own folder):
 * folder itself where it has one */
static char *holder_of(const char *folder, const char *sub)
{
    char *up = sub && !strcmp(sub, ".") ? ts_strdup(folder) : ts__path_dir(folder);
    for (;;) {
        char *p = ts_path_join(up, "stream.txt");
        const int there = ts_file_exists(p);
        free(p);
        if (there) return up;
        if (sub && !strcmp(sub, ".")) {
            free(up);
            return NULL;
        }
        char *next = ts__path_dir(up);
        const int top = !strcmp(next, up);
        free(up);
        if (top) {
            free(next);
            return NULL;
        }
        up = next;
    }
}

/* 1 when folder is holder/sub (sub ".": holder itself) */
static int in_place(const char *folder, const char *holder, const char *sub)
{
    if (!strcmp(sub, ".")) return !strcmp(folder, holder);
    const size_t hl = strlen(holder);
    if (strncmp(folder, holder, hl)) return 0;
    const char *rel = hl == 1 && holder[0] == '/' ? folder + 1 : folder[hl] == '/' ? folder + hl + 1 : NULL;
    return rel && !strcmp(rel, sub);
}

/* the files split writes beside split.txt that are read as windows or events */
static const char *const part_files[] = {"training", "validation", "testing", "train_stream.txt"};

/* which of part_files path is by its name (where a link leads, there): its index, with
 * *real (malloc'd, or NULL) and *folder (malloc'd) the folder it is in; -1 (none set) where
 * it is none, or standard input (whose file, realpath finds it, has no split.txt of its own
 * beside it) */
static int split_part_of(const char *path, char **real, char **folder)
{
    if (ts_path_is_stdin(path)) return -1;
    char *r = realpath(path, NULL);   /* a link: the split its file is in */
    const char *p = r ? r : path, *sl = strrchr(p, '/'), *base = sl ? sl + 1 : p;
    for (int k = 0; k < (int)(sizeof part_files / sizeof *part_files); k++)
        if (!strcmp(base, part_files[k])) {
            *real = r;
            *folder = ts__path_dir(p);
            return k;
        }
    free(r);
    return -1;
}

int ts_split_file_check(const char *path)
{
    if (!path) return ts_fail_null(__func__, "path");
    char *real, *folder;
    if (split_part_of(path, &real, &folder) < 0) return 0;
    char *txt = ts_path_join(folder, "split.txt");
    /* a split written over an earlier one and killed half way: finished first, so that
     * split.txt and the windows are of one split */
    if (ts_stage_recover(folder)) {
        free(txt);
        free(folder);
        free(real);
        return -1;
    }
    ts_split_record rec;
    if (ts_split_record_read(txt, &rec) < 0) {   /* none (1): nothing is checked */
        free(txt);
        free(folder);
        free(real);
        return -1;
    }
    const char *dataset = rec.dataset_dir, *subdir = rec.dataset_subdir;
    const uint64_t crc = rec.stream_crc;
    const int has_crc = rec.has_crc;
    const long length = rec.length;   /* the --length it was made with (split requires one), 0 not said */
    int rc = 0;
    const uint64_t now = dataset && has_crc ? ts_dataset_events_crc(dataset) : 0;
    /* the events changed, or the dataset split.txt names is gone: the split may have moved
     * or been copied with the dataset that holds it, which must still have the events (its
     * stream no file to hash: not checked) */
    const int changed = now && now != crc, gone = dataset && has_crc && !now && !ts_file_exists(dataset);
    char *holder = changed || gone ? holder_of(folder, subdir) : NULL;
    const uint64_t held = !holder ? 0 : changed && ts_same_file(holder, dataset) == 1 ? now
                                                                                    : ts_dataset_events_crc(holder);
    const int held_ok = holder && (held == 0 || held == crc);
    /* a dataset gone: the one holding the split is its own only where the split was made
     * inside its dataset, at the place it has in the holder (else the split lies in some
     * other dataset's folder, whose events were never its) */
    const int moved_with = gone && holder && subdir && in_place(folder, holder, subdir);
    /* copied with its dataset (cp -r), which is still there with its events: the split
     * at its place inside the copy is the copy's, checked against the copy's events */
    char *copy = !changed && !gone && now && subdir ? holder_of(folder, subdir) : NULL;
    if (copy && (ts_same_file(copy, dataset) == 1 || !in_place(folder, copy, subdir))) {
        free(copy);
        copy = NULL;
    }
    const uint64_t copied = copy ? ts_dataset_events_crc(copy) : 0;
    const int copy_changed = copied && copied != crc;
    if ((changed && !held_ok) || (moved_with && !held_ok) || copy_changed) {
        /* the split named as given, unless a link led into another folder */
        char *given = ts__path_dir(path);
        const int as_given = ts_same_file(given, folder);
        char *gtxt = ts_path_join(as_given ? given : folder, "split.txt");
        const char *of = copy_changed ? copy : gone ? holder : dataset;
        char *wd = ts_shell_word(of), *ws = ts_shell_word(as_given ? given : folder), len[32] = "L";
        if (length) snprintf(len, sizeof len, "%ld", length);
        rc = ts_fail("%s: the events of %s have changed since this split was made of them (its windows are the "
                     "old events'); make it again: tracesynth split %s --length %s -o %s, with the other options "
                     "split.txt names", gtxt, of, wd, len, ws);
        free(wd);
        free(ws);
        free(gtxt);
        free(given);
    }
    free(holder);
    free(copy);
    ts_split_record_free(&rec);
    free(txt);
    free(folder);
    free(real);
    return rc;
}

int ts__split_part_check(const char *path, size_t rows, size_t len, size_t events)
{
    char *real, *folder;
    const int k = split_part_of(path, &real, &folder);
    if (k < 0) return 0;
    char *txt = ts_path_join(folder, "split.txt");
    ts_split_record rec;
    int rc = ts_split_record_read(txt, &rec);
    if (rc == 0) {   /* none (1): nothing to compare */
        /* each part's count: a time split's held-out parts both have windows= (a record older
         * than their own counts); the paper split's testing is the published windows */
        const long want = k == 0 ? rec.train_windows
                          : k == 1 ? (rec.valid_windows ? rec.valid_windows : rec.windows)
                          : k == 2 ? (rec.test_windows ? rec.test_windows : rec.time ? rec.windows : 0)
                                   : rec.train_stream_events;
        /* the record named as given, unless a link led into another folder */
        char *given = ts__path_dir(path), *gtxt = ts_same_file(given, folder) == 1 ? ts_path_join(given, "split.txt")
                                                                                     : ts_strdup(txt);
        static const char *const why = "a file cut short, or changed since the split was made? (make the split again)";
        if (k == 3) {
            if (want && events != (size_t)want)
                rc = ts_fail("%s: %zu event%s, but %s records %ld (train_stream_events=): %s", path, events,
                             ts_plural(events), gtxt, want, why);
        } else if (rec.length && len != (size_t)rec.length) {
            if (len)
                rc = ts_fail("%s: windows of %zu ID%s, but %s records length=%ld: %s", path, len, ts_plural(len), gtxt,
                             rec.length, why);
            else
                rc = ts_fail("%s: lines of unequal lengths, but %s records windows of length=%ld: %s", path, gtxt,
                             rec.length, why);
        } else if (want && rows != (size_t)want) {
            rc = ts_fail("%s: %zu window%s, but %s records %ld: %s", path, rows, ts_plural(rows), gtxt, want, why);
        }
        free(gtxt);
        free(given);
    }
    ts_split_record_free(&rec);
    free(txt);
    free(folder);
    free(real);
    return rc < 0 ? -1 : 0;
}

/* ---- leakage audit ----
 * The test windows go into a hash set (polynomial hash, content verified on each hit,
 * duplicates stored once); every length-Lt substring of every train row is then looked up
 * with a rolling hash, marking the window it equals. Equal-length rows so compare as whole
 * windows, and a long row (a stream) is searched for each test window as a contiguous
 * substring. O(total train + test) time, memory O(test). */

typedef struct {
    uint64_t h;
    const int32_t *p;   /* first event of the window; NULL = empty slot */
    int hit;            /* found in train */
} slot;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define HASH_BASE 0x100000001b3ULL

/* an event's term in the hash, in 64 bits: the -1 that separates a stream's pieces is 2^32
 * (in 32 bits it was 0 as it left the rolling hash, and 2^32 as it came in) */
static uint64_t term(int32_t id) { return (uint64_t)(uint32_t)id + 1; }

static uint64_t hash_ids(const int32_t *p, size_t L)
{
    uint64_t h = 0;
    for (size_t i = 0; i < L; i++) h = h * HASH_BASE + term(p[i]);
    return h;
}

/* returns the slot holding p's content, or the empty slot where it belongs */
static slot *find(slot *t, size_t mask, uint64_t h, const int32_t *p, size_t L)
{
    for (size_t i = mix64(h) & mask;; i = (i + 1) & mask) {
        if (!t[i].p) return &t[i];
        if (t[i].h == h && memcmp(t[i].p, p, L * sizeof *p) == 0) return &t[i];
    }
}

/* ts_audit_overlap_mark (hit NULL: the windows found by these train rows counted alone), its
 * errors naming fn (the caller's entry point) */
static long overlap_mark(const char *fn, const ts_windows *train, const ts_windows *test, uint8_t *hit)
{
    if (!train) return ts_fail_null(fn, "train");
    if (!test) return ts_fail_null(fn, "test");
    if (!train->data && train->n && train->len) return ts_fail_null(fn, "train->data");
    if (!test->data && test->n && test->len) return ts_fail_null(fn, "test->data");
    size_t L = test->len, marked = 0;
    for (size_t i = 0; hit && i < test->n; i++) marked += hit[i] != 0;
    if (test->n == 0 || L == 0 || train->len < L || train->n == 0) return (long)marked;
    size_t per_row = train->len - L + 1;
    if (train->n > SIZE_MAX / sizeof *train->data / train->len)
        return ts_fail("%s: train: %zu x %zu events is too many", fn, train->n, train->len);
    if (test->n > SIZE_MAX / 4 / sizeof(slot) || test->n > SIZE_MAX / sizeof *test->data / L)
        return ts_fail("%s: test: %zu x %zu events is too many", fn, test->n, L);
    size_t cap = 16;
    while (cap < 2 * test->n) cap *= 2;
    slot *t = ts_calloc(cap, sizeof *t);
    size_t mask = cap - 1;
    for (size_t i = 0; i < test->n; i++) {
        const int32_t *w = test->data + i * L;
        const uint64_t h = hash_ids(w, L);
        slot *e = find(t, mask, h, w, L);
        if (!e->p) {
            e->h = h;
            e->p = w;
        }
    }
    /* B^L for removing the outgoing event from the rolling hash */
    uint64_t bl = 1;
    for (size_t i = 0; i < L; i++) bl *= HASH_BASE;
    for (size_t r = 0; r < train->n; r++) {
        const int32_t *row = train->data + r * train->len;
        uint64_t h = hash_ids(row, L);
        for (size_t s = 0;; s++) {
            slot *e = find(t, mask, h, row + s, L);
            if (e->p) e->hit = 1;
            if (s + 1 == per_row) break;
            h = h * HASH_BASE + term(row[s + L]) - bl * term(row[s]);
        }
    }
    marked = 0;
    for (size_t i = 0; i < test->n; i++) {
        const int32_t *w = test->data + i * L;
        int h = find(t, mask, hash_ids(w, L), w, L)->hit;
        if (hit && h) hit[i] = 1;
        marked += hit ? hit[i] != 0 : h;
    }
    free(t);
    return (long)marked;
}

long ts_audit_overlap_mark(const ts_windows *train, const ts_windows *test, uint8_t *hit)
{
    if (!hit && test && test->n) return ts_fail_null(__func__, "hit");
    return overlap_mark(__func__, train, test, hit);
}

double ts_audit_overlap(const ts_windows *train, const ts_windows *test)
{
    const long found = overlap_mark(__func__, train, test, NULL);
    if (found < 0) return NAN;
    return test->n && test->len ? (double)found / (double)test->n : 0.0;
}

int32_t ts_split_n_ids(const ts_dataset *d, const ts_split *sp)
{
    if (d->vocab.n > 0) return d->vocab.n;
    const ts_windows *ws[3] = {&sp->train, &sp->valid, &sp->test};
    int32_t n_ids = ts_ids_span(d->stream.ids, d->stream.n);
    for (int j = 0; j < 3; j++) {
        /* (training windows counted alone hold no events but the stream's) */
        int32_t s = ws[j]->data ? ts_ids_span(ws[j]->data, ws[j]->n * ws[j]->len) : 0;
        if (s > n_ids) n_ids = s;
    }
    for (size_t j = 0; j < sp->n_also; j++) {
        int32_t s = ts_ids_span(sp->also[j].ids, sp->also[j].n);
        if (s > n_ids) n_ids = s;
    }
    return n_ids;
}
