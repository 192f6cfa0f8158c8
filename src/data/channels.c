/* Multi-channel traces: encoding (PROTOCOLS.md §4), the dataset files, strace
 * ingest (see channels.h). */
#include "tracesynth/channels.h"
#include "tracesynth/common.h"
#include "tracesynth/eval.h"
#include "data_internal.h"
#include "common/idmap.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const ts_ch_names[TS_NCH] = {"event", "dt", "comm", "ret", "tid", "cpu"};

void ts_mc_raw_free(ts_mc_raw *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->names) free(r->names[i]);
        if (r->comm) free(r->comm[i]);
    }
    free(r->names);
    free(r->comm);
    free(r->time_ns);
    free(r->ret);
    free(r->has_ret);
    free(r->tid);
    free(r->cpu);
    memset(r, 0, sizeof *r);
}

void ts_mc_free(ts_mc *m)
{
    if (!m) return;
    ts_dataset_free(&m->events);
    free(m->dt);
    for (int c = 0; c < TS_NCH; c++)
        if (c != TS_CH_EVENT) free(m->ch[c]);
    ts_vocab_free(&m->comm_vocab);
    ts_vocab_free(&m->ret_vocab);
    memset(m, 0, sizeof *m);
}

int ts_mc_dt_ok(float dt) { return dt >= 0 && dt <= TS_MC_DT_MAX; }

int ts_mc_has(const ts_mc *m, int c)
{
    if (!m || c < 0 || c >= TS_NCH) return 0;   /* no such channel: absent */
    return c == TS_CH_DT ? m->dt != NULL : m->ch[c] != NULL;
}

int32_t ts_mc_card(const ts_mc *m, int c)
{
    if (!ts_mc_has(m, c) || c == TS_CH_DT) return 0;
    switch (c) {
    case TS_CH_EVENT: return m->events.vocab.n > 0 ? m->events.vocab.n : ts_ids_span(m->ch[c], m->n);
    case TS_CH_COMM: return m->comm_vocab.n;
    case TS_CH_RET: return m->ret_vocab.n;
    case TS_CH_TID: return TS_TID_MOD;
    default: return ts_ids_span(m->ch[c], m->n);
    }
}

/* ---- encoding ---- */

typedef struct { const char *key; int64_t count; } key_count;

static int by_count(const void *a, const void *b)
{
    const key_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* keys (n, NULL = no value) -> IDs: PAD for NULL, then the top most frequent keys of the
 * first ntrain from 2 by rank (ties by key), UNK for the rest and for "<unk>" itself (a value
 * export wrote as one outside its vocabulary); v gets "<pad>", "<unk>", the ranked keys and
 * their training counts */
static void rank_vocab(const char *const *keys, size_t n, size_t ntrain, size_t top, ts_vocab *v, int32_t *ids)
{
    ts__strmap map;
    ts__strmap_init(&map, 256);
    key_count *kc = NULL;
    size_t nk = 0, cap = 0;
    for (size_t i = 0; i < ntrain; i++) {
        if (!keys[i] || !strcmp(keys[i], TS_UNK_NAME)) continue;
        int32_t k = ts__strmap_get(&map, keys[i]);
        if (k < 0) {
            if (nk == cap) kc = ts_realloc(kc, (cap = cap ? 2 * cap : 64) * sizeof *kc);
            kc[nk] = (key_count){keys[i], 0};
            ts__strmap_put(&map, keys[i], (int32_t)nk);
            k = (int32_t)nk++;
        }
        kc[k].count++;
    }
    if (nk) qsort(kc, nk, sizeof *kc, by_count);
    if (nk > top) nk = top;
    v->n = (int)nk + 2;
    v->unk = TS_CH_UNK;
    v->names = ts_malloc((size_t)v->n * sizeof *v->names);
    v->counts = ts_calloc((size_t)v->n, sizeof *v->counts);
    v->names[TS_CH_PAD] = ts_strdup("<pad>");
    v->names[TS_CH_UNK] = ts_strdup(TS_UNK_NAME);
    ts__strmap_free(&map);
    ts__strmap_init(&map, nk + 1);
    for (size_t r = 0; r < nk; r++) {
        v->names[r + 2] = ts_strdup(kc[r].key);
        v->counts[r + 2] = kc[r].count;
        ts__strmap_put(&map, v->names[r + 2], (int32_t)r + 2);
    }
    free(kc);
    for (size_t i = 0; i < n; i++) {
        int32_t k = keys[i] ? ts__strmap_get(&map, keys[i]) : TS_CH_PAD;
        ids[i] = k < 0 ? TS_CH_UNK : k;
    }
    ts__strmap_free(&map);
}

/* a name fit for a vocabulary file: tabs and newlines become '?' */
static char *clean_name(const char *s)
{
    char *d = ts_strdup(s);
    for (char *p = d; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r') *p = '?';
    return d;
}

int ts_mc_encode(const ts_mc_raw *raw, double train_frac, ts_mc *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!raw) return ts_fail_null(__func__, "raw");
    if (raw->n && !raw->names) return ts_fail_null(__func__, "raw->names");
    if (ts_dataset_from_names(raw->names, raw->n, train_frac, &out->events) != 0) return -1;
    size_t n = raw->n, ntrain = ts_train_count(n, train_frac);
    out->n = n;
    out->ch[TS_CH_EVENT] = out->events.stream.ids;
    if (raw->time_ns) {
        out->dt = ts_malloc(n * sizeof *out->dt);
        for (size_t i = 0; i < n; i++) {
            int64_t d = i ? raw->time_ns[i] - raw->time_ns[i - 1] : 0;
            out->dt[i] = (float)log1p((double)(d > 0 ? d : 0));
        }
    }
    if (raw->comm) {
        char **keys = ts_malloc(n * sizeof *keys);
        /* an empty name (execve of "dir/") is no name: comm.vocab.tsv cannot hold it */
        for (size_t i = 0; i < n; i++) keys[i] = raw->comm[i] && raw->comm[i][0] ? clean_name(raw->comm[i]) : NULL;
        out->ch[TS_CH_COMM] = ts_malloc(n * sizeof(int32_t));
        rank_vocab((const char *const *)keys, n, ntrain, SIZE_MAX, &out->comm_vocab, out->ch[TS_CH_COMM]);
        for (size_t i = 0; i < n; i++) free(keys[i]);
        free(keys);
    }
    if (raw->ret) {
        char **keys = ts_malloc(n * sizeof *keys);
        for (size_t i = 0; i < n; i++) {
            keys[i] = NULL;
            if (raw->has_ret[i] == TS_RET_UNKNOWN) keys[i] = ts_strdup(TS_UNK_NAME);
            else if (raw->has_ret[i]) {
                char b[32];
                snprintf(b, sizeof b, "%lld", (long long)raw->ret[i]);
                keys[i] = ts_strdup(b);
            }
        }
        out->ch[TS_CH_RET] = ts_malloc(n * sizeof(int32_t));
        rank_vocab((const char *const *)keys, n, ntrain, TS_RET_TOP, &out->ret_vocab, out->ch[TS_CH_RET]);
        for (size_t i = 0; i < n; i++) free(keys[i]);
        free(keys);
    }
    if (raw->tid) {
        int32_t *t = out->ch[TS_CH_TID] = ts_malloc(n * sizeof *t);
        for (size_t i = 0; i < n; i++) t[i] = raw->tid[i] < 0 ? 0 : (int32_t)(raw->tid[i] % TS_TID_MOD);
    }
    if (raw->cpu) {
        int32_t *c = out->ch[TS_CH_CPU] = ts_malloc(n * sizeof *c);
        for (size_t i = 0; i < n; i++) {
            if (raw->cpu[i] < 0) {
                ts_mc_free(out);
                return ts_fail("event %zu has no CPU", i);
            }
            c[i] = raw->cpu[i];
        }
    }
    return 0;
}

/* ---- files ---- */

static char *ch_file(const char *dir, int c, const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s", ts_ch_names[c], suffix);
    return ts_path_join(dir, name);
}

const char *const *ts_mc_saved_files(void)
{
    /* ts_mc_save's names (kept with it): the events, their names and times, and per
     * channel from dt on its values and, for comm and ret, their names */
    static const char *const names[] = {"stream.txt", "vocab.tsv", "time_ns.npy", "dt.npy", "comm.npy",
                                        "comm.vocab.tsv", "ret.npy", "ret.vocab.tsv", "tid.npy", "cpu.npy",
                                        "length", "exit.npy", "derived", NULL};
    return names;
}

/* the longest window a dataset records (DIR/length): --length's bound */
#define MC_MAX_WINDOW ((size_t)1 << 24)

/* dir/name holding text and a newline, written whole or not at all */
static int write_line(const char *dir, const char *name, const char *text)
{
    char *p = ts_path_join(dir, name);
    ts_outfile o;
    int rc = ts_out_open(&o, p);
    if (rc == 0) {
        fprintf(o.f, "%s\n", text);
        rc = ts_out_commit(&o);
    }
    free(p);
    return rc;
}

/* the files of a dataset replaced together (a stage): a failure half way leaves the old
 * dataset whole; files of what the trace lacks (a channel, names, times, windows), left by
 * an earlier one, go with the commit (a signal waits for both) */
/* DIR/derived's first line; a set drawn from a dataset's first events records them on the
 * next (ts_mc_save_drawn) */
static const char derived_text[] = "drawn, repaired or imputed; no trace ingested";
#define DRAWN_FROM "learned from the first %zu events of a dataset, ts_events_hash %016" PRIx64
#define DRAWN_SCAN "learned from the first %zu events of a dataset, ts_events_hash %16" SCNx64

/* drawn: DIR/derived's text (NULL: derived_text) */
static int mc_save(const char *dir, const ts_mc *m, int with_arch, const char *arch, size_t len, int derived,
                   const char *drawn)
{
    if (len > MC_MAX_WINDOW)
        return ts_fail("%s: windows of %zu events: a dataset records a length of at most %zu", dir, len, MC_MAX_WINDOW);
    if (len && (m->n < len || m->n % len))
        return ts_fail("%s: %zu event%s %s not windows of %zu", dir, m->n, ts_plural(m->n), m->n == 1 ? "is" : "are",
                       len);
    ts_stage st;
    if (ts_stage_open(&st, dir) != 0) return -1;
    char names[7 + 2 * TS_NCH][64], stale[7 + 2 * TS_NCH][64];
    int nn = 0, ns = 0;
    int rc = ts__dataset_write(st.stage, &m->events);
    /* the windows' length, or none: one sequence */
    snprintf(len ? names[nn++] : stale[ns++], sizeof names[0], "length");
    if (len && rc == 0) {
        char num[32];
        snprintf(num, sizeof num, "%zu", len);
        rc = write_line(st.stage, "length", num);
    }
    /* a set drawn, repaired or imputed (not a trace ingested): its writers may replace it,
     * one sequence without times or Δt too, which an ingested trace can be */
    snprintf(derived ? names[nn++] : stale[ns++], sizeof names[0], "derived");
    if (derived && rc == 0) rc = write_line(st.stage, "derived", drawn ? drawn : derived_text);
    if (with_arch) {   /* the system call table that names the events, or none */
        snprintf(arch ? names[nn++] : stale[ns++], sizeof names[0], "arch");
        if (arch && rc == 0) rc = write_line(st.stage, "arch", arch);
    }
    snprintf(names[nn++], sizeof names[0], "stream.txt");
    snprintf(m->events.vocab.n > 0 ? names[nn++] : stale[ns++], sizeof names[0], "vocab.tsv");
    snprintf(m->events.time_ns ? names[nn++] : stale[ns++], sizeof names[0], "time_ns.npy");
    snprintf(m->events.exit ? names[nn++] : stale[ns++], sizeof names[0], "exit.npy");
    for (int c = TS_CH_DT; c < TS_NCH && rc == 0; c++) {
        const ts_vocab *v = c == TS_CH_COMM ? &m->comm_vocab : c == TS_CH_RET ? &m->ret_vocab : NULL;
        const int has = ts_mc_has(m, c);
        snprintf(has ? names[nn++] : stale[ns++], sizeof names[0], "%s.npy", ts_ch_names[c]);
        if (v) snprintf(has ? names[nn++] : stale[ns++], sizeof names[0], "%s.vocab.tsv", ts_ch_names[c]);
        if (!has) continue;
        char *p = ch_file(st.stage, c, ".npy"), *vp = ch_file(st.stage, c, ".vocab.tsv");
        rc = ts_npy_write(p, c == TS_CH_DT ? TS_NPY_F32 : TS_NPY_I32,
                          c == TS_CH_DT ? (const void *)m->dt : (const void *)m->ch[c], 1, &m->n);
        if (rc == 0 && v) rc = ts_vocab_write(vp, v);
        free(p);
        free(vp);
    }
    if (rc != 0) {   /* the error names the file as it would have been, not its stage */
        ts__stage_error(&st, dir);
        ts_stage_abort(&st);
        return -1;
    }
    const char *list[7 + 2 * TS_NCH], *gone[7 + 2 * TS_NCH];
    for (int i = 0; i < nn; i++) list[i] = names[i];
    for (int i = 0; i < ns; i++) gone[i] = stale[i];
    return ts_stage_commit_removing(&st, list, nn, gone, ns);
}

int ts_mc_save(const char *dir, const ts_mc *m)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    return mc_save(dir, m, 0, NULL, 0, 0, NULL);
}

/* *arch (NULL: none) as DIR/arch is written: a name ts_arch_parse takes, as ts_dataset_arch
 * reads it, in its own spelling; another is refused (fn's), naming the file, rather than
 * written for the readers to refuse */
static int arch_name(const char *fn, const char *dir, const char **arch)
{
    ts_arch a;
    if (!*arch) return 0;
    if (ts_arch_parse(*arch, &a) == 0) {
        *arch = ts_arch_name(a);
        return 0;
    }
    char *p = ts_path_join(dir, "arch");
    ts_fail("%s: %s: %s", fn, p, ts_error());
    free(p);
    return -1;
}

int ts_mc_save_arch(const char *dir, const ts_mc *m, const char *arch)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    if (arch_name(__func__, dir, &arch)) return -1;
    return mc_save(dir, m, 1, arch, 0, 0, NULL);
}

int ts_mc_save_windows(const char *dir, const ts_mc *m, const char *arch, size_t len, int derived)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    if (arch_name(__func__, dir, &arch)) return -1;
    return mc_save(dir, m, 1, arch, len, derived != 0, NULL);
}

int ts_mc_save_drawn(const char *dir, const ts_mc *m, const char *arch, size_t len, size_t learned, uint64_t hash)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    if (!m) return ts_fail_null(__func__, "m");
    if (arch_name(__func__, dir, &arch)) return -1;
    char text[sizeof derived_text + 128];
    snprintf(text, sizeof text, "%s\n" DRAWN_FROM, derived_text, learned, hash);
    return mc_save(dir, m, 1, arch, len, 1, text);
}

int ts_mc_drawn_from(const char *dir, size_t *learned, uint64_t *hash)
{
    if (!learned) return ts_fail_null(__func__, "learned");
    if (!hash) return ts_fail_null(__func__, "hash");
    *learned = 0;
    *hash = 0;
    if (!dir) return ts_fail_null(__func__, "dir");
    char *p = ts_path_join(dir, "derived");
    FILE *f = fopen(p, "r");
    if (!f) {   /* none: not a drawn set (or one before the record) */
        const int none = errno == ENOENT || errno == ENOTDIR;
        if (!none) ts_fail("%s: cannot read: %s", p, strerror(errno));
        free(p);
        return none ? 0 : -1;
    }
    char line[256];
    int rc = 0, no = 0;
    /* the text written ends in a newline: a line without one that begins as the writer's
     * (its first, or the record's) is a file cut short, whose record (or the hash in it)
     * would otherwise read as none (or as another); a line that begins with a NUL byte
     * (strlen 0) is neither: no record */
    while (rc == 0 && no < 2 && fgets(line, sizeof line, f)) {
        const size_t l = strlen(line);
        const char *as = no ? "learned from" : derived_text;
        if (l && line[l - 1] != '\n' && feof(f) && (!strncmp(line, as, l) || (no && !strncmp(line, as, strlen(as)))))
            rc = ts_fail("%s: line %d ends the file without its newline ('%s'): a file cut short? (the events the set "
                         "was drawn from are not known)", p, no + 1, line);
        no++;
    }
    if (rc == 0 && no == 2 && !strncmp(line, "learned from", 12)) {
        size_t n;
        uint64_t h;
        int end = 0;
        if (sscanf(line, DRAWN_SCAN "%n", &n, &h, &end) == 2 && end > 0 && line[end] == '\n') {
            *learned = n;
            *hash = h;
            rc = 1;
        } else {
            rc = ts_fail("%s: line 2: not a record of the events the set was drawn from ('%s')", p,
                         strtok(line, "\r\n") ? line : "");
        }
    }
    fclose(f);
    free(p);
    return rc;
}

int ts_mc_window_length(const char *dir, size_t n, size_t *len)
{
    if (!len) return ts_fail_null(__func__, "len");
    *len = 0;
    if (!dir) return ts_fail_null(__func__, "dir");
    /* a set saved over an earlier one and killed half way: finished first */
    if (ts_stage_recover(dir)) return -1;
    char *p = ts_path_join(dir, "length");
    int odd;
    FILE *f = ts__fopen_regular(p, &odd);
    if (!f) {   /* none: one sequence (a set written before windows were recorded, too) */
        int rc = odd ? ts_fail("%s: not a regular file (a FIFO, device or directory): a set's window length is "
                               "read from a file", p)
                 : errno == ENOENT || errno == ENOTDIR ? 0 : ts_fail("%s: cannot open: %s", p, strerror(errno));
        free(p);
        return rc;
    }
    char buf[32];
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    int err = ferror(f);
    fclose(f);
    const int whole = got < sizeof buf - 1;   /* longer: no number of events */
    buf[got] = 0;
    /* the number and a newline (CRLF too, as the text readers take it); without the newline
     * the file is cut short, and its number another ("30\n" after 1 byte: 3) */
    const int ended = got && buf[got - 1] == '\n';
    if (ended) {
        buf[--got] = 0;
        if (got && buf[got - 1] == '\r') buf[--got] = 0;
    }
    long v = 0;
    int rc = 0;
    if (err) rc = ts_fail("%s: cannot read", p);
    else if (whole && got && !ended && strlen(buf) == got && ts_parse_long(buf, 1, (long)MC_MAX_WINDOW, &v) == 0)
        rc = ts_fail("%s: the number %ld without the newline after it: a file cut short? (a window length is a "
                     "number of events from 1 to %zu and a newline; where %ld is the whole length, end the file with "
                     "a newline)", p, v, MC_MAX_WINDOW, v);
    else if (!whole || !ended || strlen(buf) != got || ts_parse_long(buf, 1, (long)MC_MAX_WINDOW, &v))
        rc = ts_fail("%s: not a window length (a number of events from 1 to %zu and a newline)", p, MC_MAX_WINDOW);
    else if (n < (size_t)v || n % (size_t)v)
        rc = ts_fail("%s: windows of %ld events, but the dataset's %zu event%s %s not whole windows of it", p, v, n,
                     ts_plural(n), n == 1 ? "is" : "are");
    else *len = (size_t)v;
    free(p);
    return rc;
}

int ts_windows_as_set(const char *path, ts_windows *w)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!w) return ts_fail_null(__func__, "w");
    if (w->n != 1) return 0;
    struct stat st;
    char *dir = NULL;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) dir = ts_strdup(path);
    else {   /* a set's stream file named as a file: its directory's record */
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        if (strcmp(base, "stream.txt")) return 0;
        dir = ts_strdup(path);
        dir[base - path] = 0;
    }
    size_t rec = 0;
    int rc = ts_mc_window_length(*dir ? dir : ".", w->len, &rec);
    free(dir);
    if (rc == 0 && rec) {
        w->n = w->len / rec;
        w->len = rec;
    }
    return rc;
}

/* one channel's values: 1-D (or (n, 1)) with exactly n values; reals for dt, integers
 * (int32 or int64) for the rest; NULL when the file is absent (*rc 0) or bad (*rc -1) */
static void *load_channel(const char *path, int c, size_t n, int *rc)
{
    *rc = 0;
    if (!ts_file_exists(path)) return NULL;
    ts_npy a;
    if (ts_npy_read(path, &a) != 0) { *rc = -1; return NULL; }
    void *out = NULL;
    if (!(a.ndim == 1 || (a.ndim == 2 && a.shape[1] == 1))) {
        *rc = ts_fail("%s: %d-dimensional array; a channel is one value per event (shape (%zu,))", path,
                      a.ndim, n);
    } else if (a.count != n) {
        *rc = ts_fail("%s: %zu value%s, but stream.txt has %zu event%s (every channel holds one value "
                      "per event)", path, a.count, ts_plural(a.count), n, ts_plural(n));
    } else if (c == TS_CH_DT) {
        if (a.dtype != TS_NPY_F32) *rc = ts_fail("%s: dt must be float32 (log(1 + ns))", path);
        else { out = a.data; a.data = NULL; }
    } else if (a.dtype == TS_NPY_F32) {
        *rc = ts_fail("%s: float values; channel '%s' holds integer IDs", path, ts_ch_names[c]);
    } else {
        int32_t *v = ts_malloc((n ? n : 1) * sizeof *v);
        for (size_t i = 0; i < n && *rc == 0; i++) {
            int64_t x = a.dtype == TS_NPY_I32 ? ((const int32_t *)a.data)[i] : ((const int64_t *)a.data)[i];
            if (x < INT32_MIN || x > INT32_MAX)
                *rc = ts_fail("%s: event %zu: value %lld is not a 32-bit ID", path, i, (long long)x);
            v[i] = (int32_t)x;
        }
        if (*rc) free(v);
        else out = v;
    }
    ts_npy_free(&a);
    return out;
}

/* every value of an ID channel in [lo, hi) */
static int check_range(const char *path, const int32_t *v, size_t n, int32_t lo, int32_t hi, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] < lo || v[i] >= hi)
            return ts_fail("%s: event %zu: value %d outside %s [%d, %d)", path, i, v[i], what, lo, hi);
    return 0;
}

/* the checks of a channel without a vocabulary (dt, tid, cpu) on its n values */
static int check_plain(const char *p, int c, const void *v, size_t n)
{
    if (c == TS_CH_DT) {
        /* at most any gap a trace's int64 clock holds (log(1 + ns) 43.67, as float, as it
         * is stored): a larger one is no time, and overflows the models' integer bins */
        const float *dt = v;
        for (size_t i = 0; i < n; i++)
            if (!ts_mc_dt_ok(dt[i]))
                return ts_fail("%s: event %zu: %g is not a log(1 + ns) time (finite, 0 to %.4g)", p, i, (double)dt[i],
                               (double)TS_MC_DT_MAX);
        return 0;
    }
    if (c == TS_CH_TID) return check_range(p, v, n, 0, TS_TID_MOD, "thread IDs mod 256,");
    return check_range(p, v, n, 0, 1 << 20, "CPU numbers");
}

int ts_mc_load_channel(const char *dir, int c, size_t n, void **out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!dir) return ts_fail_null(__func__, "dir");
    if (c != TS_CH_DT && c != TS_CH_TID && c != TS_CH_CPU)
        return ts_fail("%s: channel '%s' is read with its vocabulary (ts_mc_load)", dir,
                       c >= 0 && c < TS_NCH ? ts_ch_names[c] : "?");
    char *p = ch_file(dir, c, ".npy");
    int rc;
    void *v = load_channel(p, c, n, &rc);
    if (rc == 0 && v && (rc = check_plain(p, c, v, n)) != 0) { free(v); v = NULL; }
    free(p);
    *out = v;
    return rc;
}

int ts_mc_load(const char *dir, ts_mc *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!dir) return ts_fail_null(__func__, "dir");
    /* (its load first finishes a save of the channels killed half way: one set) */
    if (ts_dataset_load(dir, &out->events) != 0) return -1;
    out->n = out->events.stream.n;
    out->ch[TS_CH_EVENT] = out->events.stream.ids;
    int rc = 0;
    for (int c = TS_CH_DT; c < TS_NCH && rc == 0; c++) {
        ts_vocab *voc = c == TS_CH_COMM ? &out->comm_vocab : c == TS_CH_RET ? &out->ret_vocab : NULL;
        if (!voc) {
            void *v;
            rc = ts_mc_load_channel(dir, c, out->n, &v);
            if (c == TS_CH_DT) out->dt = v;
            else out->ch[c] = v;
            continue;
        }
        char *p = ch_file(dir, c, ".npy"), *vp = ch_file(dir, c, ".vocab.tsv");
        int32_t *v = load_channel(p, c, out->n, &rc);
        out->ch[c] = v;
        if (rc == 0 && v) {
            if (!ts_file_exists(vp)) rc = ts_fail("%s: no %s beside it (the channel's vocabulary)", p, vp);
            else if (ts__vocab_read_channel(vp, voc) == 0)
                rc = check_range(p, v, out->n, 0, voc->n, "the vocabulary");
            else rc = -1;
            if (rc == 0 && voc->n < 2) rc = ts_fail("%s: fewer than the 2 reserved entries (<pad>, <unk>)", vp);
            /* ID 0 is no value and 1 one outside the vocabulary, whatever their names say
             * (export writes 1 as <unk>): other names there would be matched by name as values */
            const char *want = NULL;
            const int id = rc == 0 ? ts__vocab_reserved_bad(voc, &want) : -1;
            if (id >= 0)
                rc = ts_fail("%s: ID %d is '%s', not the reserved '%s' (ID 0 <pad>: no value, 1 <unk>: one "
                             "outside the vocabulary)", vp, id, voc->names[id], want);
        }
        free(p);
        free(vp);
    }
    if (rc) ts_mc_free(out);
    return rc;
}

/* one channel: IDs of `from` -> IDs of `to`, then `from` becomes a copy of `to` */
static int renumber(int32_t *v, size_t n, ts_vocab *from, const ts_vocab *to, const char *what, size_t *unknown)
{
    if (!to || to->n == 0 || from->n == 0) return 0;
    int32_t *map = ts_malloc((size_t)from->n * sizeof *map);
    ts_vocab_map(from, to, map);
    for (size_t i = 0; i < n; i++) {
        int32_t x = v[i];
        if (x < 0 || x >= from->n) { free(map); return ts_fail("%s: ID %d outside its vocabulary", what, x); }
        if (map[x] < 0) {
            ts_fail("%s: '%s' is not in the vocabulary it is compared with, which has no <unk>", what,
                    from->names[x]);
            free(map);
            return -1;
        }
        if (unknown) *unknown += map[x] == to->unk && x != from->unk;
        v[i] = map[x];
    }
    free(map);
    ts_vocab_free(from);
    return ts_vocab_copy(from, to);
}

int ts_mc_renumber(ts_mc *m, const ts_vocab *event, const ts_vocab *comm, const ts_vocab *ret, size_t *unknown)
{
    if (unknown) *unknown = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (m->n && !m->ch[TS_CH_EVENT]) return ts_fail_null(__func__, "m->ch[TS_CH_EVENT]");
    if (renumber(m->ch[TS_CH_EVENT], m->n, &m->events.vocab, event, "event", unknown)) return -1;
    if (m->ch[TS_CH_COMM] && renumber(m->ch[TS_CH_COMM], m->n, &m->comm_vocab, comm, "comm", unknown)) return -1;
    if (m->ch[TS_CH_RET] && renumber(m->ch[TS_CH_RET], m->n, &m->ret_vocab, ret, "ret", unknown)) return -1;
    return 0;
}

uint8_t *ts_mc_event_kinds(const ts_mc *m)
{
    if (!m || !m->events.exit || m->events.vocab.n <= 0 || !m->ch[TS_CH_EVENT]) return NULL;
    const int32_t V = m->events.vocab.n;
    uint8_t *k = ts_calloc((size_t)V, 1);
    for (size_t i = 0; i < m->n; i++) {
        const int32_t id = m->ch[TS_CH_EVENT][i];
        if (id >= 0 && id < V && m->events.exit[i] <= TS_EVENT_OTHER) k[id] |= (uint8_t)(1u << m->events.exit[i]);
    }
    return k;
}

void ts_mc_kinds_by_name(ts_mc *m, const uint8_t *kinds, size_t len, const uint8_t *keep)
{
    if (!m) return;
    const int32_t V = m->events.vocab.n;
    uint8_t *old = m->events.exit, *ex = NULL;
    m->events.exit = NULL;
    if (kinds && V > 0 && m->n && m->ch[TS_CH_EVENT]) {
        const int32_t *ids = m->ch[TS_CH_EVENT], *th = m->ch[TS_CH_TID] ? m->ch[TS_CH_TID] : m->ch[TS_CH_CPU];
        int32_t T = 1;
        for (size_t i = 0; th && i < m->n; i++)
            if (th[i] >= T) T = th[i] + 1;
        int32_t *open = ts_malloc((size_t)T * sizeof *open);   /* each thread's open call, -1 none */
        const uint8_t C = 1u << TS_EVENT_CALL, X = 1u << TS_EVENT_EXIT, O = 1u << TS_EVENT_OTHER;
        size_t marked = 0;
        ex = ts_malloc(m->n);
        for (size_t i = 0; i < m->n; i++) {
            if (i == 0 || (len && i % len == 0))
                for (int32_t t = 0; t < T; t++) open[t] = -1;
            const int32_t id = ids[i], t = th && th[i] >= 0 ? th[i] : 0;
            const uint8_t b = id >= 0 && id < V ? kinds[id] : 0;
            int k;
            if (keep && keep[i] && old) k = old[i];
            else k = b == O ? TS_EVENT_OTHER : (b & X) && (!(b & C) || open[t] == id) ? TS_EVENT_EXIT : TS_EVENT_CALL;
            if (k == TS_EVENT_CALL) open[t] = id;
            else if (k == TS_EVENT_EXIT) open[t] = -1;
            ex[i] = (uint8_t)k;
            marked += k != TS_EVENT_CALL;
        }
        free(open);
        if (!marked) {
            free(ex);
            ex = NULL;
        }
    }
    free(old);
    m->events.exit = ex;
}

int ts_mc_slice(const ts_mc *m, size_t from, size_t to, ts_mc *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    if (m->n && !m->ch[TS_CH_EVENT]) return ts_fail_null(__func__, "m->ch[TS_CH_EVENT]");
    if (from > to || to > m->n) return ts_fail("events [%zu, %zu) of a trace of %zu", from, to, m->n);
    size_t n = to - from;
    out->n = n;
    out->events.vocab.unk = -1;
    if ((m->events.vocab.n > 0 && ts_vocab_copy(&out->events.vocab, &m->events.vocab)) ||
        (m->comm_vocab.n > 0 && ts_vocab_copy(&out->comm_vocab, &m->comm_vocab)) ||
        (m->ret_vocab.n > 0 && ts_vocab_copy(&out->ret_vocab, &m->ret_vocab))) {
        ts_mc_free(out);
        return -1;
    }
    out->events.stream.n = n;
    out->events.stream.ids = ts_malloc((n ? n : 1) * sizeof(int32_t));
    memcpy(out->events.stream.ids, m->ch[TS_CH_EVENT] + from, n * sizeof(int32_t));
    out->ch[TS_CH_EVENT] = out->events.stream.ids;
    if (m->events.time_ns) {
        out->events.time_ns = ts_malloc((n ? n : 1) * sizeof *out->events.time_ns);
        memcpy(out->events.time_ns, m->events.time_ns + from, n * sizeof *out->events.time_ns);
    }
    if (m->events.exit) {
        out->events.exit = ts_malloc(n ? n : 1);
        memcpy(out->events.exit, m->events.exit + from, n);
    }
    if (m->dt) {
        out->dt = ts_malloc((n ? n : 1) * sizeof *out->dt);
        memcpy(out->dt, m->dt + from, n * sizeof *out->dt);
    }
    for (int c = TS_CH_COMM; c < TS_NCH; c++)
        if (m->ch[c]) {
            out->ch[c] = ts_malloc((n ? n : 1) * sizeof(int32_t));
            memcpy(out->ch[c], m->ch[c] + from, n * sizeof(int32_t));
        }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int ts_mc_event_times(const ts_mc *m, const char *out, int64_t **t_out)
{
    if (!t_out) return ts_fail_null(__func__, "t");
    *t_out = NULL;
    if (!m) return ts_fail_null(__func__, "m");
    if (!out) return ts_fail_null(__func__, "out");
    int64_t *t = ts_malloc((m->n ? m->n : 1) * sizeof *t);
    double acc = 0;
    /* the events' own times where known: exact, where a float dt (log(1 + ns)) is off by
     * up to microseconds (whoever changes an event or a dt drops them, as repair does) */
    const int64_t *own = m->events.time_ns;
    for (size_t i = 0; i < m->n; i++) {
        if (own) acc = (double)(own[i] - own[0]);
        else if (m->dt && i > 0) acc += expm1((double)m->dt[i]);
        else if (!m->dt) acc = (double)i;
        if (!(acc < TS_MC_MAX_NS)) {   /* a CTF clock (with its offset) holds no more */
            free(t);
            *t_out = NULL;
            return ts_fail("%s: event %zu comes %.3g ns after the first: past what a trace's clock holds "
                           "(%.3g ns)", out, i, acc, TS_MC_MAX_NS);
        }
        t[i] = own ? own[i] - own[0] : (int64_t)llround(acc);
    }
    *t_out = t;
    return 0;
}

int ts_mc_write_strace(const char *path, const ts_mc *m)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!m) return ts_fail_null(__func__, "m");
    /* a line is a call: an exit of its own, or a kernel event, would come back as another call */
    size_t exits = 0, other = 0;
    for (size_t i = 0; m->events.exit && i < m->n; i++)
        exits += m->events.exit[i] == TS_EVENT_EXIT, other += m->events.exit[i] == TS_EVENT_OTHER;
    if (exits) {
        /* with events that are no system call, --events all reads them back too (--exits would not) */
        const char *how = other ? "--events all" : "--exits";
        char *xp = m->events.dir ? ts_path_join(m->events.dir, "exit.npy") : NULL;
        ts_fail("%s: %zu event%s %s system call exit%s, each an event of its own (ingest %s): strace's text has "
                "one line per call, no line for an exit; the CTF format keeps them (export --format ctf, read back by "
                "ingest --from ctf %s)", xp ? xp : path, exits, ts_plural(exits), exits == 1 ? "is a" : "are",
                ts_plural(exits), how, how);
        free(xp);
        return -1;
    }
    if (other) {
        /* a kernel event would be written as a call, and read back as one */
        char *xp = m->events.dir ? ts_path_join(m->events.dir, "exit.npy") : NULL;
        ts_fail("%s: %zu event%s %s no system call (ingest --events all): strace's text has a line for a call "
                "alone; the CTF format keeps them (export --format ctf, read back by ingest --from ctf --events all)",
                xp ? xp : path, other, ts_plural(other), other == 1 ? "is" : "are");
        free(xp);
        return -1;
    }
    /* names strace could print: other bytes become '_' ("<unk>": "_unk_"), a name that
     * begins with a digit begins with '_' more, and a name is cut to the 63 bytes the
     * reader takes; two names that would then read alike are refused (they would come
     * back as one) */
    const int32_t V = m->events.vocab.n;
    char **nm = ts_calloc(V ? (size_t)V : 1, sizeof *nm), **sorted = ts_calloc(V ? (size_t)V : 1, sizeof *sorted);
    for (int32_t v = 0; v < V; v++) {
        const char *s = m->events.vocab.names[v] ? m->events.vocab.names[v] : "";
        size_t digit = *s >= '0' && *s <= '9', l = strlen(s) + digit;
        if (l > 63) l = 63;
        nm[v] = ts_malloc(l + 1);
        nm[v][0] = '_';
        memcpy(nm[v] + digit, s, l - digit);
        nm[v][l] = 0;
        for (char *q = nm[v]; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_'))
                *q = '_';
        sorted[v] = nm[v];
    }
    qsort(sorted, (size_t)V, sizeof *sorted, cmp_str);
    int rc = 0;
    for (int32_t v = 1; v < V && rc == 0; v++)
        if (!strcmp(sorted[v - 1], sorted[v]))
            rc = ts_fail("%s: two event names would both read '%s' in strace text", path, sorted[v]);
    free(sorted);
    int64_t *t = NULL;
    ts_outfile o;
    if (rc == 0 && ts_mc_event_times(m, path, &t) != 0) rc = -1;
    if (rc == 0 && ts_out_open(&o, path) != 0) rc = -1;
    char idbuf[32];
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        /* the first event at 0 with a DT of 0, as in the CTF writer: ingest reads a trace's
         * first dt as 0 (no event comes before it) */
        const int64_t dt = i ? t[i] - t[i - 1] : 0;
        int32_t e = m->ch[TS_CH_EVENT][i];
        const char *name = e >= 0 && e < V ? nm[e] : NULL;
        if (!name) snprintf(idbuf, sizeof idbuf, "event%d", e), name = idbuf;
        /* none: strace's '?' (a call without a value); outside the vocabulary: "<unk>",
         * which strace never writes and ingest reads back as <unk>, not as none */
        const char *ret = "?";
        if (m->ch[TS_CH_RET]) {
            int32_t r = m->ch[TS_CH_RET][i];
            if (r >= 2 && r < m->ret_vocab.n) ret = m->ret_vocab.names[r];
            else if (r == TS_CH_UNK) ret = TS_UNK_NAME;
        }
        /* no thread channel: no TID, as strace without -f; where the dataset names the
         * processes all the same, TID 0 before each name (no task strace traces: ingest
         * reads it as no thread, and gives back the names without a thread channel).
         * Bucket 0 is 256, the same bucket: as 0 it would read back as no thread, which
         * the reader gives the one task it traces there */
        if (m->ch[TS_CH_TID] || m->ch[TS_CH_COMM]) {
            const int32_t tid = m->ch[TS_CH_TID] ? m->ch[TS_CH_TID][i] : 0;
            fprintf(o.f, "%d", m->ch[TS_CH_TID] && tid == 0 ? TS_TID_MOD : tid);
            /* the process name as strace -Y writes it, which ingest reads back (unknown: the
             * reserved name <unk>, escaped as any name's '<' and '>', read back as unknown;
             * none: "<>", which strace never writes and ingest reads back as none, where a
             * line without a name would take the one a clone() returning its thread gave it) */
            int32_t c = m->ch[TS_CH_COMM] ? m->ch[TS_CH_COMM][i] : 0;
            const char *cn = c >= 2 && c < m->comm_vocab.n ? m->comm_vocab.names[c] : c == TS_CH_UNK ? TS_UNK_NAME : NULL;
            if (!cn && m->ch[TS_CH_COMM]) fputs("<>", o.f);
            if (cn) {
                fputc('<', o.f);
                for (const unsigned char *q = (const unsigned char *)cn; *q; q++) {
                    if (*q < 0x20 || *q > 0x7e || *q == '<' || *q == '>' || *q == '"' || *q == '\\')
                        fprintf(o.f, "\\%03o", *q);
                    else
                        fputc(*q, o.f);
                }
                fputc('>', o.f);
            }
            fputc(' ', o.f);
        }
        fprintf(o.f, "%" PRId64 ".%09" PRId64 " %s() = %s <%" PRId64 ".%09" PRId64 ">\n", t[i] / 1000000000,
                t[i] % 1000000000, name, ret, dt / 1000000000, dt % 1000000000);
    }
    free(t);
    for (int32_t v = 0; v < V; v++) free(nm[v]);
    free(nm);
    return rc == 0 ? ts_out_commit(&o) : -1;
}

/* ---- strace ---- */

/* the kernel keeps a process name's first 15 bytes */
static char *comm_of(const char *s)
{
    size_t l = strlen(s);
    if (l > 15) l = 15;
    char *d = ts_malloc(l + 1);
    memcpy(d, s, l);
    d[l] = 0;
    return d;
}

/* the name of each pid given one so far (found by pid in constant time: a log of a build
 * has an execve for each of its many thousand processes) */
typedef struct {
    ts__idmap ids;   /* pid -> slot */
    char **comm;     /* per slot (NULL: none yet) */
    size_t cap;
} pid_comms;

/* pid's name, or NULL */
static const char *pid_comm_of(pid_comms *t, long pid)
{
    size_t k = ts__idmap_get(&t->ids, pid, 0);
    return k == SIZE_MAX ? NULL : t->comm[k];
}

/* pid's name becomes comm (taken) */
static void pid_comm_set(pid_comms *t, long pid, char *comm)
{
    size_t k = ts__idmap_get(&t->ids, pid, 1);
    if (ts__idmap_cap(&t->ids) > t->cap) {
        size_t c = ts__idmap_cap(&t->ids);
        t->comm = ts_realloc(t->comm, c * sizeof *t->comm);
        for (size_t i = t->cap; i < c; i++) t->comm[i] = NULL;
        t->cap = c;
    }
    free(t->comm[k]);
    t->comm[k] = comm;
}

/* the calls of strace logs (ts__strace_read_logs) -> raw fields */
static int from_strace(const char *const *paths, int npaths, ts_mc_raw *out, char **notes)
{
    char **names;
    size_t n;
    int timed;
    ts__strace_fields x;
    if (ts__strace_read_logs(paths, npaths, &names, &n, &timed, &x, 1, notes) != 0) return -1;
    out->n = n;
    out->names = names;
    if (timed) {
        out->time_ns = ts_malloc(n * sizeof *out->time_ns);
        memcpy(out->time_ns, x.ns, n * sizeof *out->time_ns);
        out->clock = timed == 1 || timed == 4;   /* as ts_strace_read_times tells them */
    }
    out->ret = x.ret;
    out->has_ret = x.has_ret;
    int pids = 0;
    for (size_t i = 0; i < n; i++) pids |= x.pid[i] != 0;
    if (pids) {
        out->tid = ts_malloc(n * sizeof *out->tid);
        for (size_t i = 0; i < n; i++) out->tid[i] = x.pid[i];
    }
    /* comm: a process is named by its last successful execve; a child takes its parent's
     * (the name of the thread that made it).
     * Where strace -Y gives the thread's name on the line, that name is the event's: it is
     * the kernel's own at the call's start, as an LTTng trace gives it for a call's entry
     * (the execve itself still under the old name), and it also has what the inference
     * cannot see: names set by prctl(PR_SET_NAME) or per thread (pthread_setname_np), those
     * of processes whose execve precedes the log (strace -p) or is an execveat. Lines
     * without one (a pid-less line, a thread with an empty name) keep the inferred name;
     * export's "<>" (a thread of no name in its dataset) is none, never inferred.
     * strace 6.1's -Y often goes on writing the name from before a successful execve on
     * the process's later lines (xargs' children running gzip): that name (stale, kept per
     * pid and passed to children) gives way to the exec'd program's until a line shows
     * another */
    out->comm = ts_calloc(n, sizeof *out->comm);
    pid_comms tab, stale;
    memset(&tab, 0, sizeof tab);
    memset(&stale, 0, sizeof stale);
    for (size_t i = 0; i < n; i++) {
        const char *pc = pid_comm_of(&tab, x.pid[i]);
        const char *nm = names[i];
        const int exec = x.exec[i] && x.has_ret[i] == 1 && x.ret[i] == 0;
        /* the line's name, read before an execve renames: that call runs the program before
         * it, whose stale name the line may show too (a second execve) */
        if (x.comm[i] && x.comm[i][0]) {
            out->comm[i] = comm_of(x.comm[i]);
            const char *st = pid_comm_of(&stale, x.pid[i]);
            if (st && pc && !strcmp(out->comm[i], st)) {
                free(out->comm[i]);
                out->comm[i] = ts_strdup(pc);
            } else if (st) {
                pid_comm_set(&stale, x.pid[i], NULL);   /* -Y shows the name again */
            }
        }
        if (exec) {
            const char *b = strrchr(x.exec[i], '/');
            b = b ? b + 1 : x.exec[i];
            /* a thread's execve: the kernel makes it the leader, the process goes on under
             * the leader's pid (strace shows the call resume there), which is named */
            pid_comm_set(&tab, x.exec_pid[i], comm_of(b));
            pc = pid_comm_of(&tab, x.exec_pid[i]);
            char *before = x.comm[i] && x.comm[i][0] ? comm_of(x.comm[i]) : NULL;
            if (before && !strcmp(before, pc)) free(before), before = NULL;
            pid_comm_set(&stale, x.exec_pid[i], before);
        }
        if (!x.comm[i] && pc) out->comm[i] = ts_strdup(pc);
        /* a child takes the name of the thread that made it (the line's, else inferred);
         * the child is the thread its lines name: in a PID namespace the one strace
         * --pidns-translation names after the value, as strace's own namespace numbers it */
        if (!exec && out->comm[i] && x.has_ret[i] == 1 && x.ret[i] > 0 &&
            (!strcmp(nm, "clone") || !strcmp(nm, "clone3") || !strcmp(nm, "fork") || !strcmp(nm, "vfork"))) {
            const long child = x.ret_pid[i] ? x.ret_pid[i] : (long)x.ret[i];
            const char *st = pid_comm_of(&stale, x.pid[i]);
            pid_comm_set(&stale, child, st ? ts_strdup(st) : NULL);
            pid_comm_set(&tab, child, ts_strdup(out->comm[i]));
        }
        free(x.exec[i]);
        free(x.comm[i]);
    }
    for (size_t i = 0; i < stale.cap; i++) free(stale.comm[i]);
    free(stale.comm);
    ts__idmap_free(&stale.ids);
    for (size_t i = 0; i < tab.cap; i++) free(tab.comm[i]);
    free(tab.comm);
    ts__idmap_free(&tab.ids);
    free(x.pid);
    free(x.ns);
    free(x.exec);
    free(x.comm);
    free(x.exec_pid);
    free(x.ret_pid);
    return 0;
}

int ts_mc_from_strace(const char *path, ts_mc_raw *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!path) return ts_fail_null(__func__, "path");
    return from_strace(&path, 1, out, NULL);
}

int ts_mc_from_strace_many(const char *const *paths, int npaths, ts_mc_raw *out, char **notes)
{
    if (notes) *notes = NULL;
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!paths) return ts_fail_null(__func__, "paths");
    if (npaths < 1) return ts_fail("%s: npaths is %d: no log to read", __func__, npaths);
    for (int f = 0; f < npaths; f++)
        if (!paths[f]) return ts_fail("%s: paths[%d] is NULL", __func__, f);
    return from_strace(paths, npaths, out, notes);
}

/* ---- CTF ---- */

int ts_mc_from_trace(ts_ctf_trace *t, const char *what, ts_mc_raw *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!t) return ts_fail_null(__func__, "t");
    if (!what) return ts_fail_null(__func__, "what");
    if (t->n == 0) return ts_fail("%s: no events", what);
    out->n = t->n;
    out->names = t->names;
    out->time_ns = t->time_ns;
    out->cpu = t->cpu;
    out->tid = t->tid;
    out->comm = t->comm;
    out->ret = t->ret;
    out->has_ret = t->has_ret;
    t->names = NULL;
    t->time_ns = NULL;
    t->cpu = NULL;
    t->tid = NULL;
    t->comm = NULL;
    t->ret = NULL;
    t->has_ret = NULL;
    t->n = 0;
    return 0;
}

int ts_mc_from_ctf(const char *dir, const ts_ctf_opts *opts, ts_mc_raw *out, ts_ctf_trace *trace)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!dir) return ts_fail_null(__func__, "dir");
    ts_ctf_trace t;
    if (ts_ctf_load_fields(dir, opts, &t) != 0) return -1;
    if (ts_mc_from_trace(&t, dir, out) != 0) {
        ts_ctf_trace_free(&t);
        return -1;
    }
    if (trace) *trace = t;
    else ts_ctf_trace_free(&t);
    return 0;
}
