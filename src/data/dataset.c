/* Dataset directories (stream.txt, vocab.tsv, sequence_length_L/...) and the
 * frequency-rank vocabulary of PROTOCOLS.md §1. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- string map ---- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    while (*s) h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
    return h;
}

void ts__strmap_init(ts__strmap *m, size_t expect)
{
    size_t cap = 16;
    while (cap < 2 * expect) cap *= 2;
    m->keys = ts_calloc(cap, sizeof *m->keys);
    m->vals = ts_malloc(cap * sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
}

void ts__strmap_free(ts__strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

int32_t ts__strmap_get(const ts__strmap *m, const char *key)
{
    size_t mask = m->cap - 1;
    for (size_t i = fnv1a(key) & mask; m->keys[i]; i = (i + 1) & mask)
        if (strcmp(m->keys[i], key) == 0) return m->vals[i];
    return -1;
}

void ts__strmap_put(ts__strmap *m, const char *key, int32_t val)
{
    if (2 * (m->n + 1) > m->cap) {   /* keep the load under 1/2 */
        ts__strmap old = *m;
        ts__strmap_init(m, old.cap);
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) ts__strmap_put(m, old.keys[i], old.vals[i]);
        ts__strmap_free(&old);
    }
    size_t mask = m->cap - 1, i = fnv1a(key) & mask;
    for (; m->keys[i]; i = (i + 1) & mask)
        if (strcmp(m->keys[i], key) == 0) {
            m->vals[i] = val;
            return;
        }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

size_t ts_vocab_map(const ts_vocab *from, const ts_vocab *to, int32_t *map)
{
    ts__strmap m;
    ts__strmap_init(&m, (size_t)(to->n > 0 ? to->n : 0));
    /* a NULL name (or NULL names) names nothing: it matches no name */
    for (int i = to->n; to->names && i-- > 0;)
        if (to->names[i]) ts__strmap_put(&m, to->names[i], i);   /* first ID wins */
    size_t missing = 0;
    for (int i = 0; i < from->n; i++) {
        int32_t k = from->names && from->names[i] ? ts__strmap_get(&m, from->names[i]) : -1;
        if (k < 0) missing++;
        map[i] = k >= 0 ? k : (to->n > 0 && to->unk >= 0 && to->unk < to->n ? to->unk : -1);
    }
    ts__strmap_free(&m);
    return missing;
}

/* ---- datasets ---- */

void ts_dataset_free(ts_dataset *d)
{
    if (!d) return;
    free(d->dir);
    ts_seq_free(&d->stream);
    ts_vocab_free(&d->vocab);
    free(d->time_ns);
    free(d->exit);
    memset(d, 0, sizeof *d);
    d->vocab.unk = -1;
}

/* time_ns.npy: int64, one time per event of the stream */
static int read_times(const char *path, ts_dataset *d)
{
    ts_npy a;
    if (ts_npy_read(path, &a)) return -1;
    int rc = 0;
    if (a.dtype != TS_NPY_I64 || a.ndim != 1)
        rc = ts_fail("%s: expected a 1-D int64 array (one time in ns per event)", path);
    else if (a.count != d->stream.n)
        rc = ts_fail("%s: %zu time%s for %zu event%s in stream.txt", path, a.count, ts_plural(a.count), d->stream.n,
                     ts_plural(d->stream.n));
    /* the events are in time order (ingest merges the streams so): a time that goes back is
     * damage, and would cut another dataset's part (train --also) at the wrong event */
    for (size_t i = 1; rc == 0 && i < a.count; i++) {
        const int64_t *t = a.data;
        if (t[i] < t[i - 1])
            rc = ts_fail("%s: element %zu: time %lld ns is before the one before it (%lld ns); the "
                         "events of a dataset are in time order", path, i, (long long)t[i], (long long)t[i - 1]);
    }
    if (rc == 0) {
        d->time_ns = a.data;
        a.data = NULL;
    }
    ts_npy_free(&a);
    return rc;
}

/* exit.npy: int32 (int64 too, numpy's default, as a channel's file), TS_EVENT_EXIT (1) where
 * the event is a system call's exit, TS_EVENT_OTHER (2) where it is no system call, else 0 */
static int read_exits(const char *path, ts_dataset *d)
{
    ts_npy a;
    if (ts_npy_read(path, &a)) return -1;
    int rc = 0;
    if (a.dtype == TS_NPY_F32 || !(a.ndim == 1 || (a.ndim == 2 && a.shape[1] == 1)))
        rc = ts_fail("%s: expected a 1-D integer array (1 for each event that is a system call's exit, 2 for one that "
                     "is no system call, else 0)", path);
    else if (a.count != d->stream.n)
        rc = ts_fail("%s: %zu value%s for %zu event%s in stream.txt", path, a.count, ts_plural(a.count), d->stream.n,
                     ts_plural(d->stream.n));
    for (size_t i = 0; rc == 0 && i < a.count; i++) {
        const int64_t v = a.dtype == TS_NPY_I32 ? ((const int32_t *)a.data)[i] : ((const int64_t *)a.data)[i];
        if (v < TS_EVENT_CALL || v > TS_EVENT_OTHER)
            rc = ts_fail("%s: element %zu: %lld, not 0, 1 (an exit) or 2 (no system call)", path, i, (long long)v);
    }
    if (rc == 0) {
        d->exit = ts_malloc(a.count ? a.count : 1);
        for (size_t i = 0; i < a.count; i++)
            d->exit[i] = (uint8_t)(a.dtype == TS_NPY_I32 ? ((const int32_t *)a.data)[i] : ((const int64_t *)a.data)[i]);
    }
    ts_npy_free(&a);
    return rc;
}

int ts__split_folder_refused(const char *dir, int windows)
{
    char *sp = ts_path_join(dir, "stream.txt"), *txt = ts_path_join(dir, "split.txt");
    /* the folder split writes (train ds/split): what to give instead; its window files
     * only to a reader that takes one (train, constraints, export would refuse it too) */
    const int split = !ts_file_exists(sp) && ts_file_exists(txt);
    char *testing = ts_path_join(dir, "testing");   /* (a trailing '/' of dir once) */
    if (split)
        ts_fail("%s: no stream.txt: a split's folder (split.txt), not a dataset: give the dataset it was made of%s%s%s",
                dir, windows ? ", or one of its window files (" : "", windows ? testing : "", windows ? ")" : "");
    free(testing);
    free(sp);
    free(txt);
    return split ? -1 : 0;
}

int ts_dataset_load(const char *dir, ts_dataset *out)
{
    memset(out, 0, sizeof *out);
    out->vocab.unk = -1;
    struct stat st;
    if (stat(dir, &st) != 0) return ts_fail_path(dir, "no such dataset directory");
    if (!S_ISDIR(st.st_mode))
        return ts_fail("%s: not a directory (a dataset is a directory holding stream.txt)", dir);
    /* a save killed between its renames: finished first, never read half new */
    if (ts_stage_recover(dir) != 0) return -1;
    char *sp = ts_path_join(dir, "stream.txt");
    if (stat(sp, &st) != 0) {
        if (errno != ENOENT) ts_fail_path(sp, "");
        else if (!ts__split_folder_refused(dir, 0))
            ts_fail("%s: no stream.txt (a dataset is a directory holding stream.txt)", dir);
        free(sp);
        return -1;
    }
    int rc = ts__seq_read_dataset(sp, &out->stream);
    char *vp = ts_path_join(dir, "vocab.tsv");
    if (rc == 0 && ts_file_exists(vp)) {
        rc = ts_vocab_read(vp, &out->vocab);
        for (size_t i = 0; rc == 0 && i < out->stream.n; i++)
            if (out->stream.ids[i] >= out->vocab.n)
                rc = ts_fail("%s: element %zu: ID %d has no name in vocab.tsv (%d name%s)", sp, i,
                             out->stream.ids[i], out->vocab.n, ts_plural((size_t)out->vocab.n));
    }
    free(vp);
    char *tp = ts_path_join(dir, "time_ns.npy");
    if (rc == 0 && ts_file_exists(tp)) rc = read_times(tp, out);
    free(tp);
    char *xp = ts_path_join(dir, "exit.npy");
    if (rc == 0 && ts_file_exists(xp)) rc = read_exits(xp, out);
    free(xp);
    free(sp);
    if (rc) {
        ts_dataset_free(out);
        return -1;
    }
    out->dir = ts_strdup(dir);
    return 0;
}

int ts__dataset_write(const char *dir, const ts_dataset *d)
{
    if (ts_mkdir_p(dir) != 0) return -1;
    char *sp = ts_path_join(dir, "stream.txt"), *vp = ts_path_join(dir, "vocab.tsv");
    int rc = ts_seq_write(sp, &d->stream);
    free(sp);
    if (rc == 0 && d->vocab.n > 0) rc = ts_vocab_write(vp, &d->vocab);
    free(vp);
    if (rc == 0 && d->time_ns) {
        char *tp = ts_path_join(dir, "time_ns.npy");
        size_t shape[1] = {d->stream.n};
        rc = ts_npy_write(tp, TS_NPY_I64, d->time_ns, 1, shape);
        free(tp);
    }
    if (rc == 0 && d->exit) {
        char *xp = ts_path_join(dir, "exit.npy");
        size_t shape[1] = {d->stream.n};
        int32_t *v = ts_malloc((d->stream.n ? d->stream.n : 1) * sizeof *v);
        for (size_t i = 0; i < d->stream.n; i++) v[i] = d->exit[i];
        rc = ts_npy_write(xp, TS_NPY_I32, v, 1, shape);
        free(v);
        free(xp);
    }
    return rc;
}

void ts__stage_error(const ts_stage *st, const char *dir)
{
    ts__error_path(st->stage, dir);
}

/* the files replaced together (a stage): a failure half way leaves the old dataset whole,
 * never a new stream beside old names; a time_ns.npy of an earlier ingest goes with the
 * commit (a signal waits for both) */
int ts_dataset_save(const char *dir, const ts_dataset *d)
{
    if (!d->stream.ids && d->stream.n) return ts_fail_null(__func__, "d->stream.ids");
    if (ts__vocab_check(&d->vocab, __func__, "d->vocab.names")) return -1;
    ts_stage st;
    if (ts_stage_open(&st, dir) != 0) return -1;
    if (ts__dataset_write(st.stage, d) != 0) {
        ts__stage_error(&st, dir);
        ts_stage_abort(&st);
        return -1;
    }
    const char *names[4] = {"stream.txt"}, *gone[2];
    int n = 1, ng = 0;
    if (d->vocab.n > 0) names[n++] = "vocab.tsv";
    if (d->time_ns) names[n++] = "time_ns.npy";
    else gone[ng++] = "time_ns.npy";
    if (d->exit) names[n++] = "exit.npy";
    else gone[ng++] = "exit.npy";
    return ts_stage_commit_removing(&st, names, n, gone, ng);
}

int ts_dataset_published(const ts_dataset *d, size_t L, const char *name, ts_windows *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!d) return ts_fail_null(__func__, "d");
    if (!name) return ts_fail_null(__func__, "name");
    /* one name inside the folder: not a path that leads out of it, nor the folder itself */
    if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
        char *shown = ts_shown(name);
        ts_fail("%s: name '%s' is not a file name (one path component)", __func__, shown);
        free(shown);
        return -1;
    }
    if (!d->dir) return 0;
    char sub[48];
    snprintf(sub, sizeof sub, "sequence_length_%zu", L);
    char *folder = ts_path_join(d->dir, sub), *p = ts_path_join(folder, name);
    free(folder);
    if (!ts_file_exists(p)) {
        free(p);
        return 0;
    }
    int rc = ts_windows_read(p, out);
    if (rc == 0 && out->len != L)
        rc = ts_fail("%s: windows of %zu event%s in a sequence_length_%zu folder", p, out->len, ts_plural(out->len), L);
    /* named events: every ID has a name, as in stream.txt (a model's IDs are the names') */
    for (size_t i = 0; rc == 0 && d->vocab.n > 0 && i < out->n * out->len; i++)
        if (out->data[i] >= d->vocab.n)
            rc = ts_fail("%s:%zu: ID %d at position %zu has no name in vocab.tsv (%d name%s)", p, i / L + 1,
                         out->data[i], i % L, d->vocab.n, ts_plural((size_t)d->vocab.n));
    if (rc) ts_windows_free(out);
    free(p);
    return rc == 0 ? 1 : -1;
}

/* ---- names -> IDs by frequency rank ---- */

typedef struct {
    const char *name;
    int64_t count;
} name_count;

static int by_rank(const void *a, const void *b)
{
    const name_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t ts_train_count(size_t n, double train_frac)
{
    double k = train_frac * 1000;
    long pm = lround(k);
    size_t t = pm >= 0 && pm <= 1000 && fabs(k - (double)pm) < 1e-9 ? n * (size_t)pm / 1000 : (size_t)(train_frac * (double)n);
    if (t == 0) t = 1;
    return t > n ? n : t;
}

int ts_dataset_from_names(char **names, size_t n, double train_frac, ts_dataset *out)
{
    memset(out, 0, sizeof *out);
    out->vocab.unk = -1;
    if (n == 0) return ts_fail("no events to build a dataset from");
    if (!names) return ts_fail_null(__func__, "names");
    for (size_t i = 0; i < n; i++)
        if (!names[i]) return ts_fail("%s: names[%zu] is NULL", __func__, i);
    for (size_t i = 0; i < n; i++) {
        const char *why = ts__event_name_bad(names[i]);
        if (why) return ts_fail("event %zu: event name '%s' %s", i, names[i], why);
    }
    if (!(train_frac > 0 && train_frac <= 1))
        return ts_fail("training fraction %g is not in (0, 1]", train_frac);
    size_t ntrain = ts_train_count(n, train_frac);

    /* counts over the training part; "<unk>" (an event outside a vocabulary, as export writes
     * one a model drew) is the reserved UNK, not a name of its own beside it */
    ts__strmap map;
    ts__strmap_init(&map, 256);
    name_count *nc = NULL;
    size_t nn = 0, cap = 0;
    for (size_t i = 0; i < ntrain; i++) {
        if (!strcmp(names[i], TS_UNK_NAME)) continue;   /* the reserved UNK's, not a second one */
        int32_t k = ts__strmap_get(&map, names[i]);
        if (k < 0) {
            if (nn == cap) nc = ts_realloc(nc, (cap = cap ? 2 * cap : 64) * sizeof *nc);
            nc[nn] = (name_count){names[i], 0};
            ts__strmap_put(&map, names[i], (int32_t)nn);
            k = (int32_t)nn++;
        }
        nc[k].count++;
    }
    if (nn) qsort(nc, nn, sizeof *nc, by_rank);   /* (nc is NULL when every name is <unk>) */

    /* IDs: rank order, then the reserved UNK */
    ts_vocab *v = &out->vocab;
    v->n = (int)nn + 1;
    v->names = ts_malloc((size_t)v->n * sizeof *v->names);
    v->counts = ts_malloc((size_t)v->n * sizeof *v->counts);
    ts__strmap_free(&map);
    ts__strmap_init(&map, nn);
    for (size_t r = 0; r < nn; r++) {
        v->names[r] = ts_strdup(nc[r].name);
        v->counts[r] = nc[r].count;
        ts__strmap_put(&map, v->names[r], (int32_t)r);
    }
    v->unk = (int)nn;
    v->names[nn] = ts_strdup(TS_UNK_NAME);
    v->counts[nn] = 0;
    free(nc);

    out->stream.ids = ts_malloc(n * sizeof *out->stream.ids);
    out->stream.n = n;
    for (size_t i = 0; i < n; i++) {
        int32_t k = ts__strmap_get(&map, names[i]);
        out->stream.ids[i] = k >= 0 ? k : v->unk;
    }
    ts__strmap_free(&map);
    return 0;
}

int ts_input_read(const char *path, int *npy, ts_npy *a, ts_windows *w)
{
    memset(a, 0, sizeof *a);
    memset(w, 0, sizeof *w);
    /* a set it is one of (generate's OUT.txt, OUT.npy and OUT.names.txt, impute's files)
     * whose replacement was killed half way: finished first */
    if (ts__stage_recover_beside(path)) return -1;
    if (ts_split_file_check(path)) return -1;   /* a split of events no longer its dataset's */
    char *buf;
    size_t size, n = strlen(path);
    if (ts__read_file(path, &buf, &size) != 0) return -1;   /* once: a pipe or FIFO reads as a file */
    *npy = (n >= 4 && !strcmp(path + n - 4, ".npy")) || (size >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0);
    if (*npy ? ts__npy_parse(path, buf, size, a) : ts__windows_parse(path, buf, size, w)) return -1;
    /* a split's part: as many windows, as long, as split.txt records (an array of them, 2-D) */
    const int two = *npy && a->ndim == 2;
    const size_t rows = two ? a->shape[0] : w->n, len = two ? a->shape[1] : w->len;
    if ((!*npy || two) && ts__split_part_check(path, rows, len, rows * len)) {
        if (*npy) ts_npy_free(a);
        else ts_windows_free(w);
        return -1;
    }
    return 0;
}

/* a directory given where a window file is read: what it is, named with the file to give
 * instead (a dataset's split, a split's testing, impute -o's three files). -1 */
static int dir_for_windows(const char *path)
{
    char *st = ts_path_join(path, "stream.txt"), *sp = ts_path_join(path, "split.txt"),
         *im = ts_path_join(path, "original0.npy");
    const int ds = ts_file_exists(st), split = !ds && ts_file_exists(sp), imp = !ds && !split && ts_file_exists(im);
    free(st);
    free(sp);
    int rc;
    /* the files named joined as paths: "DIR/" given is not "DIR//testing" */
    if (ds) {
        char *out = ts_path_join(path, "split"), *test = ts_path_join(out, "testing");
        char *wd = ts_shell_word(path), *wo = ts_shell_word(out);
        /* the command set off by quotes of its own unless its words carry them */
        const char *q = strchr(wd, '\'') || strchr(wo, '\'') ? "" : "'";
        rc = ts_fail("%s: a dataset (stream.txt), not a window file: %stracesynth split %s --length L -o %s%s writes "
                     "its window files (%s)", path, q, wd, wo, q, test);
        free(wd);
        free(wo);
        free(test);
        free(out);
    } else if (split) {
        char *test = ts_path_join(path, "testing");
        rc = ts_fail("%s: a split's folder (split.txt), not a window file: give one of its window files (%s)", path,
                     test);
        free(test);
    } else if (imp) {
        rc = ts_fail("%s: impute's output folder, not a window file: give its files (%s, mask0.npy, imputation0.npy)",
                     path, im);
    } else {
        rc = ts_fail("%s: is a directory, expected a .npy or window file", path);
    }
    free(im);
    return rc;
}

int ts_windows_load(const char *path, int32_t max_id, int allow_dir, ts_windows *out)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    /* not there: in the words of the inputs that may be a file or a dataset directory
     * (ts_impute_input_load's), a path through a file or one too long named as such */
    if (stat(path, &st) != 0) return ts_fail_path(path, "no such file or directory");
    if (S_ISDIR(st.st_mode)) {
        if (!allow_dir) return dir_for_windows(path);
        ts_dataset d;
        if (ts__split_folder_refused(path, 1) || ts_dataset_load(path, &d)) return -1;
        out->data = d.stream.ids;
        out->n = 1;
        out->len = d.stream.n;
        d.stream.ids = NULL;
        d.stream.n = 0;
        ts_dataset_free(&d);
        if (out->len == 0) return ts_fail("%s: empty stream.txt", path);
        return 0;
    }
    int npy;
    ts_npy a;
    if (ts_input_read(path, &npy, &a, out) != 0) return -1;
    if (!npy) return 0;
    int rc = ts_npy_to_windows(&a, path, max_id, out);
    ts_npy_free(&a);
    return rc;
}
