/* The model interface: registry, model options, and the container layout shared
 * by every model (chunks MODEL, VOCAB, NIDS, then the model's own). */
#include "tracesynth/model.h"
#include "tracesynth/common.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/train.h"
#include "data/data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

extern const ts_model_ops ts_model_ngram;
extern const ts_model_ops ts_model_unigram;
extern const ts_model_ops ts_model_sssd_s4;
extern const ts_model_ops ts_model_diffwave;
extern const ts_model_ops ts_model_csdi_s4;
extern const ts_model_ops ts_model_sssd_sa;
extern const ts_model_ops ts_model_mdm;
extern const ts_model_ops ts_model_lstm;

static const ts_model_ops *const registry[] = {
    &ts_model_ngram,
    &ts_model_unigram,
    &ts_model_sssd_s4,
    &ts_model_diffwave,
    &ts_model_csdi_s4,
    &ts_model_sssd_sa,
    &ts_model_mdm,
    &ts_model_lstm,
    NULL,
};

const ts_model_ops *const *ts_model_list(void) { return registry; }

const ts_model_ops *ts_model_find(const char *name)
{
    if (!name) {
        ts_fail_null(__func__, "name");
        return NULL;
    }
    char names[256] = "";
    for (const ts_model_ops *const *p = registry; *p; p++) {
        if (!strcmp((*p)->name, name)) return *p;
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", (*p)->name);
    }
    /* a model of the other kind is no typo: named as one, beside those taken here */
    if (ts_mc_model_find(name, 1))
        ts_fail("'%s' is a multi-channel model (a dataset of ingest --channels), not one of the single-channel "
                "models: %s", name, names);
    else ts_fail("unknown model '%s' (models: %s)", name, names);
    return NULL;
}

unsigned ts_model_impute_reads(const ts_model *m)
{
    return m ? m->ops->impute_reads & ~m->impute_unread : 0;
}

unsigned ts_model_ops_impute_reads(const ts_model_ops *ops, const ts_kv *train_kv)
{
    if (!ops) return 0;
    return ops->impute_reads & ~(ops->impute_unread_by && train_kv ? ops->impute_unread_by(train_kv) : 0u);
}

/* ---- model options ---- */

ts_kv ts_kv_part(const ts_kv *all, const char *const *keys, int inside)
{
    ts_kv r = {0, NULL, NULL};
    /* a malformed list (ts_kv_check refuses it) holds nothing, as for ts_kv_get */
    const int n = all && all->n > 0 && all->keys && all->values ? all->n : 0;
    r.keys = ts_malloc(((size_t)n + 1) * 2 * sizeof *r.keys);   /* keys, then values: one block */
    r.values = r.keys + n + 1;
    for (int i = 0; i < n; i++) {
        int in = 0;
        if (!all->keys[i] || !all->values[i]) continue;
        for (const char *const *k = keys; k && *k && !in; k++) in = !strcmp(*k, all->keys[i]);
        if (in == inside) r.keys[r.n] = all->keys[i], r.values[r.n++] = all->values[i];
    }
    return r;
}

void ts_kv_part_free(ts_kv *kv)
{
    if (!kv) return;
    free((void *)kv->keys);
    kv->keys = kv->values = NULL;
    kv->n = 0;
}

const char *ts_kv_get(const ts_kv *kv, const char *key)
{
    /* a malformed list (ts_kv_check refuses it) holds nothing */
    if (!kv || kv->n <= 0 || !kv->keys || !kv->values || !key) return NULL;
    for (int i = kv->n - 1; i >= 0; i--)      /* the last one given wins */
        if (kv->keys[i] && !strcmp(kv->keys[i], key)) return kv->values[i];
    return NULL;
}

int ts_kv_long(const ts_kv *kv, const char *key, long def, long *out)
{
    const char *s = ts_kv_get(kv, key);
    if (!s) { *out = def; return 0; }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    /* as the option tables read numbers: no leading blank */
    if (errno || end == s || *end || isspace((unsigned char)*s)) return ts_opt_fail(NULL, key, "'%s' is not an integer", s);
    *out = v;
    return 0;
}

int ts_kv_double(const ts_kv *kv, const char *key, double def, double *out)
{
    const char *s = ts_kv_get(kv, key);
    if (!s) { *out = def; return 0; }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* as the option tables read numbers: decimal, finite, no leading blank */
    const int range = errno == ERANGE;
    if ((errno && !range) || end == s || *end || isspace((unsigned char)*s) || strpbrk(s, "xX") ||
        (!range && !isfinite(v)))
        return ts_opt_fail(NULL, key, "'%s' is not a number", s);
    /* a number a double cannot hold: too large, or nearer 0 than the least normal one
     * (which would be read as 0 or with fewer digits) */
    if (range && fabs(v) > 1)
        return ts_opt_fail(NULL, key, "'%s' is out of range (larger in size than %g)", s, DBL_MAX);
    if (range) return ts_opt_fail(NULL, key, "'%s' is out of range (nonzero, but nearer 0 than %g)", s, DBL_MIN);
    *out = v;
    return 0;
}

static int kv_check(const ts_kv *kv, const char *model, const char *kind, const char *const *known)
{
    if (!kind) kind = "the";
    /* a library caller's list: its count and arrays must agree */
    if (kv->n < 0 || (kv->n > 0 && (!kv->keys || !kv->values)))
        return ts_fail("%s%s%s options: %d given%s", model ? model : "", model ? ": " : "", kind, kv->n,
                       kv->n < 0 ? " (a count below 0)" : " without their keys or values (NULL)");
    for (int i = 0; i < kv->n; i++)
        if (!kv->keys[i] || !kv->values[i])
            return ts_fail("%s%s%s option %d of %d: its %s is NULL", model ? model : "", model ? ": " : "", kind,
                           i + 1, kv->n, kv->keys[i] ? "value" : "key");
    for (int i = 0; i < kv->n; i++) {
        int ok = 0;
        for (const char *const *k = known; *k && !ok; k++) ok = !strcmp(*k, kv->keys[i]);
        if (ok) continue;
        /* every known option, as long as the error line keeps them whole; past that, how
         * many more (never a name cut short) */
        size_t total = 0;
        while (known[total]) total++;
        const char *key = kv->keys[i];
        size_t around = (model ? strlen(model) + 2 : 0) + strlen("option --: not one of its  options ()") +
                        strlen(key) + strlen(kind);
        size_t room = around + 1 < TS_ERROR_MAX ? TS_ERROR_MAX - 1 - around : 0;
        char *list = ts_malloc(room + 1), more[48];
        size_t len = 0, shown = 0;
        list[0] = 0;
        for (; shown < total; shown++) {
            size_t need = (shown ? 2 : 0) + 2 + strlen(known[shown]);
            int last = shown + 1 == total;
            snprintf(more, sizeof more, ", ... (%zu more)", total - shown - 1);
            if (len + need + (last ? 0 : strlen(more)) > room) break;
            len += (size_t)snprintf(list + len, room + 1 - len, "%s--%s", shown ? ", " : "", known[shown]);
        }
        if (shown < total) {
            snprintf(more, sizeof more, "%s... (%zu more)", shown ? ", " : "", total - shown);
            if (len + strlen(more) <= room) memcpy(list + len, more, strlen(more) + 1);
        }
        int rc = ts_opt_fail(model, key, "not one of its %s options (%s)", kind, total ? list : "none");
        free(list);
        return rc;
    }
    return 0;
}

int ts_kv_check(const ts_kv *kv, const char *model, const char *kind, const char *const *known)
{
    static const char *const none[] = {NULL};
    if (!kv) return 0;
    if (!known) known = none;
    /* a model that trains with the shared loop (its list names --valid-every) takes each of
     * the loop's options, those added after its list was written too */
    size_t n = 0, nt = 0;
    int loop = 0;
    for (; known[n]; n++) loop |= !strcmp(known[n], "valid-every");
    if (!loop) return kv_check(kv, model, kind, known);
    while (ts_train_keys[nt]) nt++;
    const char **all = ts_malloc((n + nt + 1) * sizeof *all);
    memcpy(all, known, n * sizeof *all);
    for (size_t t = 0; t < nt; t++) {
        int has = 0;
        for (size_t k = 0; k < n && !has; k++) has = !strcmp(all[k], ts_train_keys[t]);
        if (!has) all[n++] = ts_train_keys[t];
    }
    all[n] = NULL;
    int rc = kv_check(kv, model, kind, all);
    free(all);
    return rc;
}

/* fmt and ap formatted whole (malloc'd): a long value keeps the reason after it once the
 * message around it is made (ts_fail shortens the line in its middle when it must) */
static char *format_whole(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = ts_malloc(n > 0 ? (size_t)n + 1 : 1);
    msg[0] = 0;
    if (n > 0) vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    return msg;
}

int ts_opt_fail(const char *who, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = format_whole(fmt, ap);
    va_end(ap);
    ts_fail("%s%soption --%s: %s", who ? who : "", who ? ": " : "", key, msg);
    free(msg);
    return -1;
}

int ts_fit_fail(const char *who, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = format_whole(fmt, ap);
    va_end(ap);
    ts_fail("%s%s--%s %s", who ? who : "", who ? ": " : "", key, msg);
    free(msg);
    return -1;
}

int ts_opt_name(const char *who)
{
    /* (ts_fail formats aside: ts_error() may be its argument, whole however long) */
    if (!strncmp(ts_error(), "option --", 9)) ts_fail("%s: %s", who, ts_error());
    return -1;
}

/* members as JSON to f: printf's "nan", "-nan", "inf" or "-inf" for a value (a best
 * loss before any validation, a diverged one) is no JSON number: null instead */
static void put_members(FILE *f, const char *s)
{
    int in_str = 0;
    while (*s) {
        if (in_str) {
            if (*s == '\\' && s[1]) fputc(*s++, f);
            else if (*s == '"') in_str = 0;
            fputc(*s++, f);
            continue;
        }
        if (*s == '"') { in_str = 1; fputc(*s++, f); continue; }
        size_t n = strcspn(s, ",:[]{}\" \t");   /* a bare token: number, true, false, null */
        if (n == 0) { fputc(*s++, f); continue; }
        const char *t = s + (*s == '-' || *s == '+');
        int bad = !strncasecmp(t, "nan", 3) || !strncasecmp(t, "inf", 3);
        if (bad) fputs("null", f);
        else fwrite(s, 1, n, f);
        s += n;
    }
}

/* per thread: a training timed on one thread leaves another thread's log as it is */
static _Thread_local int log_muted;

void ts_train_log_mute(int on)
{
    log_muted = on;
}

static _Thread_local double log_t0;
static _Thread_local double (*log_now)(void);

void ts_train_log_since(double t0, double (*now)(void))
{
    log_t0 = t0;
    log_now = now;
}

double ts_train_log_elapsed(void)
{
    return log_now ? log_now() - log_t0 : 0;
}

/* a regular file whose last byte is not a newline: its last record was cut short (a run
 * stopped in the middle of writing it, a full disk). A stream (/dev/stderr, a FIFO) is
 * never read */
static int ends_cut(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char c = '\n';
    int cut = pread(fd, &c, 1, st.st_size - 1) == 1 && c != '\n';
    close(fd);
    return cut;
}

/* the error of the first record lost since ts_train_log_lost last looked (a caller that
 * does not check each write, as a model's choices after training, loses none unsaid) */
static char lost_msg[1024];
static int lost_any;
static pthread_mutex_t lost_lock = PTHREAD_MUTEX_INITIALIZER;

static int record_lost(void)
{
    pthread_mutex_lock(&lost_lock);
    if (!lost_any) snprintf(lost_msg, sizeof lost_msg, "%s", ts_error());
    lost_any = 1;
    pthread_mutex_unlock(&lost_lock);
    return -1;
}

int ts_train_log_lost(void)
{
    pthread_mutex_lock(&lost_lock);
    const int any = lost_any;
    if (any) ts_fail("%s", lost_msg);
    lost_any = 0;
    pthread_mutex_unlock(&lost_lock);
    return any ? -1 : 0;
}

int ts_train_log(const char *path, const char *fmt, ...)
{
    if (!path || log_muted) return 0;
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int len = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (len < 0) {
        ts_fail("%s: cannot format a training-log record", path);
        return record_lost();
    }
    FILE *f = fopen(path, "a");
    if (!f) {
        int e = errno;
        free(text);
        ts_fail("%s: cannot open the training log: %s", path, strerror(e));
        return record_lost();
    }
    if (ends_cut(path)) fputc('\n', f);   /* the record on a line of its own, not glued onto the cut one */
    fputc('{', f);
    put_members(f, text);
    fputs("}\n", f);
    free(text);
    if (fclose(f) != 0) {
        ts_fail("%s: write failed: %s", path, strerror(errno));
        return record_lost();
    }
    return 0;
}

/* ---- training and the container ---- */

/* fill the fields every model shares, after the model's own train/load */
static int fill_base(ts_model *m, const ts_model_ops *ops, const ts_train_opts *o);

int ts_model_base_init(ts_model *m, const ts_model_ops *ops, const ts_train_opts *o)
{
    m->vocab.unk = -1;
    return fill_base(m, ops, o);
}

static int fill_base(ts_model *m, const ts_model_ops *ops, const ts_train_opts *o)
{
    m->ops = ops;
    m->n_ids = o->n_ids;
    m->window = o->split ? o->split->len : 0;
    if (o->split && o->split->kind == TS_SPLIT_TIME) memcpy(m->permille, o->split->permille, sizeof m->permille);
    m->paper_split = o->split && o->split->kind == TS_SPLIT_PAPER;
    const ts_split *sp = o->split;
    if (sp && sp->kind == TS_SPLIT_TIME && sp->events) {   /* its dataset, and what of it was read */
        size_t a, b;
        ts_split_bounds(sp->events, sp->permille, &a, &b);
        if (sp->train_stream.n == a && (a == 0 || sp->train_stream.ids)) {
            m->data_events = sp->events;
            /* a set of windows (DIR/length): its validation part read as its windows whole
             * in it, which end with the last one before b (as tune-prior records them) */
            m->data_seen = sp->window ? b / sp->window * sp->window : b;
            m->data_hash = ts_events_hash(sp->train_stream.ids, a, o->vocab);
            ts_events_prefixes_make(sp->train_stream.ids, a, o->vocab, &m->data_prefixes);
        }
    }
    if (m->vocab.n == 0 && o->vocab && o->vocab->n > 0) return ts_vocab_copy(&m->vocab, o->vocab);
    return 0;
}

/* hit[i] = 1 for each window of x (numbered by names, as for ts_model_windows_trained) found
 * in m's training events s (N of them). 0 / -1 */
static int mark_in_events(const ts_model *m, const int32_t *s, size_t N, const ts_windows *x, const ts_vocab *names,
                          uint8_t *hit)
{
    ts_windows w = *x;
    int32_t *own = NULL;
    if (names && names->n > 0 && m->vocab.n > 0) {   /* the model's IDs, by name */
        const ts_vocab *mv = &m->vocab;
        int32_t *map = ts_malloc((size_t)names->n * sizeof *map);
        ts_vocab_map(names, mv, map);
        /* a name the model never saw (read as its <unk>): in none of its events */
        for (int32_t i = 0; i < names->n; i++)
            if (map[i] < 0 || (map[i] == mv->unk && strcmp(names->names[i], mv->names[mv->unk]))) map[i] = -2;
        const size_t nl = x->n * x->len;
        own = ts_malloc((nl ? nl : 1) * sizeof *own);
        for (size_t i = 0; i < nl; i++)
            own[i] = x->data[i] >= 0 && x->data[i] < names->n ? map[x->data[i]] : -2;
        free(map);
        w.data = own;
    }
    const ts_windows row = {(int32_t *)s, 1, N};
    const long marked = ts_audit_overlap_mark(&row, &w, hit);
    free(own);
    return marked < 0 ? -1 : 0;
}

/* the model's options: only the keys it declares */
static int check_keys(const ts_kv *kv, const ts_model_ops *ops, const char *kind, const char *const *keys)
{
    static const char *const none[] = {NULL};
    return ts_kv_check(kv, ops->name, kind, keys ? keys : none);
}

int ts_model_run_check(const ts_model *m, const ts_run_opts *o)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!o) return ts_fail_null(__func__, "o");
    if (check_keys(&o->kv, m->ops, "run", m->ops->run_keys)) return -1;
    if (m->ops->run_check && m->ops->run_check(m, o) != 0) return ts_opt_name(m->ops->name);
    return 0;
}

int ts_model_run_load(ts_model *m, const ts_run_opts *o)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!o) return ts_fail_null(__func__, "o");
    return m->ops->run_load ? m->ops->run_load(m, o) : 0;
}

int ts_model_generate_check(const ts_model *m, const ts_run_opts *o)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!o) return ts_fail_null(__func__, "o");
    if (check_keys(&o->kv, m->ops, "run", m->ops->run_keys)) return -1;
    if (m->ops->generate_check && m->ops->generate_check(m, o) != 0) return ts_opt_name(m->ops->name);
    return 0;
}

int ts_model_seed_refused(const ts_model *m, const ts_run_opts *o,
                          int (*check)(const ts_model *m, const ts_run_opts *o))
{
    if (!o || !o->seed_given || check(m, o) == 0) return 0;
    char *why = ts_strdup(ts_error());
    ts_run_opts unseeded = *o;
    unseeded.seed_given = 0;
    const int seed = check(m, &unseeded) == 0;
    ts_fail("%s", why);   /* o's refusal, not the unseeded check's */
    free(why);
    return seed;
}

const int32_t *ts_model_train_events(const ts_model *m, size_t *N)
{
    if (!N) return ts_fail_null(__func__, "N"), NULL;
    *N = 0;
    if (!m) return ts_fail_null(__func__, "m"), NULL;
    return m->ops->train_events ? m->ops->train_events(m, N) : NULL;
}

/* hit[i] = 1 for each window of x found in the training events m keeps, then in those of
 * its ensemble's models (their IDs matched by name: the windows named by names, else by m's
 * vocabulary, in whose numbering they are); *kept: 1 where any keeps events. 0 / -1 */
static int mark_trained(const ts_model *m, const ts_windows *x, const ts_vocab *names, uint8_t *hit, int *kept)
{
    size_t N;
    const int32_t *s = ts_model_train_events(m, &N);
    if (s && N) {
        *kept = 1;
        if (mark_in_events(m, s, N, x, names, hit) != 0) return -1;
    }
    const ts_vocab *as = names && names->n > 0 ? names : m->vocab.n > 0 ? &m->vocab : NULL;
    const ts_model *e;
    for (int i = 0; m->ops->ensemble_member && (e = m->ops->ensemble_member(m, i)); i++)
        if (mark_trained(e, x, as, hit, kept) != 0) return -1;
    return 0;
}

int ts_model_windows_trained_hits(const ts_model *m, const ts_windows *x, const ts_vocab *names, uint8_t *hit)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!hit && x->n) return ts_fail_null(__func__, "hit");
    if (!x->data && x->n && x->len) return ts_fail_null(__func__, "x->data");
    int kept = 0;
    if (mark_trained(m, x, names, hit, &kept) != 0) return -1;
    return kept ? 0 : 1;
}

int ts_model_windows_trained(const ts_model *m, const ts_windows *x, const ts_vocab *names, size_t *found)
{
    if (!found) return ts_fail_null(__func__, "found");
    *found = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    uint8_t *hit = ts_calloc(x->n ? x->n : 1, 1);
    const int rc = ts_model_windows_trained_hits(m, x, names, hit);
    for (size_t i = 0; rc >= 0 && i < x->n; i++) *found += hit[i];
    free(hit);
    return rc;
}

/* the data a caller hands to training: every ID a model reads in [0, n_ids) (the models index
 * their tables with them; in a training stream also -1, a separator the n-gram counts do not
 * match across), and with named events n_ids the vocabulary's size and its <unk>
 * one of its IDs (a model file otherwise is one ts_model_load refuses) */
static int check_train_data(const char *name, const ts_train_opts *o)
{
    const ts_vocab *v = o->vocab;
    if (v && v->n > 0 && o->n_ids != v->n)
        return ts_fail("%s: %d event ID%s (n_ids) for a vocabulary of %d name%s: named events' IDs are their names'",
                       name, o->n_ids, ts_plural((size_t)o->n_ids), v->n, ts_plural((size_t)v->n));
    if (v && v->n > 0 && (v->unk < -1 || v->unk >= v->n))
        return ts_fail("%s: the vocabulary's <unk> ID %d is outside [0, %d) (-1: none)", name, v->unk, v->n);
    const ts_split *sp = o->split;
    const struct { const char *what, *arg; const int32_t *ids; size_t n, len; } part[3] = {
        {"training window", "o->split->train.data", sp->train.data, sp->train.n, sp->train.len},
        {"validation window", "o->split->valid.data", sp->valid.data, sp->valid.n, sp->valid.len},
        {"training stream", "o->split->train_stream.ids", sp->train_stream.ids, 1, sp->train_stream.n},
    };
    for (int p = 0; p < 3; p++) {
        size_t n = part[p].n, len = part[p].len;
        if (!n || !len) continue;
        if (!part[p].ids) return ts_fail_null("ts_model_train", part[p].arg);
        if (len > SIZE_MAX / n) return ts_fail("%s: %zu %ss of %zu events: more than memory can hold", name, n, part[p].what, len);
        for (size_t i = 0; i < n * len; i++)
            if ((part[p].ids[i] < 0 && !(p == 2 && part[p].ids[i] == -1)) || part[p].ids[i] >= o->n_ids) {
                if (p == 2)
                    return ts_fail("%s: training stream, event %zu: ID %d is outside [0, %d)", name, i, part[p].ids[i],
                                   o->n_ids);
                return ts_fail("%s: %s %zu, position %zu: event ID %d is outside [0, %d)", name, part[p].what, i / len,
                               i % len, part[p].ids[i], o->n_ids);
            }
    }
    if (sp->n_also && !sp->also) return ts_fail_null("ts_model_train", "o->split->also");
    for (size_t j = 0; j < sp->n_also; j++) {
        const ts_seq *s = &sp->also[j];
        if (s->n && !s->ids) return ts_fail_null("ts_model_train", "o->split->also[].ids");
        for (size_t i = 0; i < s->n; i++)
            if (s->ids[i] < -1 || s->ids[i] >= o->n_ids)
                return ts_fail("%s: further training stream %zu, event %zu: ID %d is outside [0, %d)", name, j + 1, i,
                               s->ids[i], o->n_ids);
    }
    return 0;
}

int ts_model_train(const char *name, const ts_train_opts *o, ts_model **out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!name) return ts_fail_null(__func__, "name");
    if (!o) return ts_fail_null(__func__, "o");
    if (ts__vocab_check(o->vocab, __func__, "o->vocab->names")) return -1;
    const ts_model_ops *ops = ts_model_find(name);
    if (!ops) return -1;
    if (!o->split) return ts_fail("%s: no training data", name);
    if (o->n_ids <= 0) return ts_fail("%s: no valid event IDs in the training data", name);
    if (check_keys(&o->kv, ops, "training", ops->train_keys)) return -1;
    if (ts__mask_pos_check(o->mask_pos, name)) return -1;   /* before training: ts_mask_fill refuses it too */
    if (check_train_data(name, o)) return -1;
    ts_model *m = NULL;
    if (ops->train(&m, o) != 0) {
        ts_opt_name(name);
        if (m) {   /* a model that failed after making itself: free it, keep its error */
            m->ops = ops;
            ts_model_free(m);
        }
        return -1;
    }
    if (fill_base(m, ops, o) != 0) {
        m->ops = ops;
        ts_model_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* VOCAB chunk: u32 n | i32 unk | n x { i64 count | u32 length | name bytes } */
void ts_vocab_put(ts_writer *w, const char *tag, const ts_vocab *v)
{
    ts_writer_begin(w, tag);
    ts_writer_put32(w, (uint32_t)v->n);
    ts_writer_put32(w, (uint32_t)(v->n > 0 ? v->unk : -1));
    for (int i = 0; i < v->n; i++) {
        size_t l = strlen(v->names[i]);
        ts_writer_put64(w, (uint64_t)(v->counts ? v->counts[i] : 0));
        ts_writer_put32(w, (uint32_t)l);
        ts_writer_put(w, v->names[i], l);
    }
    ts_writer_end(w);
}

int ts_model_save(const ts_model *m, const char *path)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!path) return ts_fail_null(__func__, "path");
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", m->ops->name);

    ts_vocab_put(&w, "VOCAB", &m->vocab);

    ts_writer_begin(&w, "NIDS");
    ts_writer_put32(&w, (uint32_t)m->n_ids);
    ts_writer_end(&w);

    if (m->window && m->window <= UINT32_MAX) {   /* what impute and score default to */
        ts_writer_begin(&w, "WINDOW");
        ts_writer_put32(&w, (uint32_t)m->window);
        ts_writer_end(&w);
    }
    /* the split impute, score and tune-prior cut by default: the time split's parts (12
     * bytes, as files before the kind was recorded), or no parts and the kind, 1: paper */
    if (m->permille[0] > 0 || m->paper_split) {
        ts_writer_begin(&w, "SPLIT");
        for (int i = 0; i < 3; i++) ts_writer_put32(&w, m->paper_split ? 0 : (uint32_t)m->permille[i]);
        if (m->paper_split) ts_writer_put32(&w, 1);
        ts_writer_end(&w);
    }
    ts_held_out_put(&w, m->data_events, m->data_seen, m->data_hash, &m->data_prefixes);

    if (m->ops->save(m, &w) != 0) {
        ts_writer_free(&w);
        return -1;
    }
    return ts_writer_commit(&w);
}

int ts_vocab_get(const ts_reader *r, const char *tag, ts_vocab *v)
{
    memset(v, 0, sizeof *v);
    v->unk = -1;
    const ts_chunk *c = ts_reader_get(r, tag);
    if (!c) return -1;
    const unsigned char *p = c->data, *end = c->data + c->size;
    if (c->size < 8) return ts_fail("%s: section '%s' is too short (%llu bytes)", r->path, tag,
                                    (unsigned long long)c->size);
    uint32_t n = (uint32_t)ts_le_get32(p);
    int32_t unk = (int32_t)ts_le_get32(p + 4);
    p += 8;
    /* each entry takes at least 12 bytes: bound n before allocating */
    if (n > (size_t)(end - p) / 12 || n > INT_MAX || unk < -1 || (n > 0 && unk >= (int32_t)n) ||
        (n == 0 && unk != -1))
        return ts_fail("%s: section '%s' is corrupt (%u names, UNK %d)", r->path, tag, n, unk);
    if (n == 0) return 0;
    v->names = ts_calloc(n, sizeof *v->names);
    v->counts = ts_calloc(n, sizeof *v->counts);
    v->unk = unk;
    for (uint32_t i = 0; i < n; i++) {
        if (end - p < 12) goto corrupt;
        int64_t count = (int64_t)ts_le_get64(p);
        uint32_t l = (uint32_t)ts_le_get32(p + 8);
        p += 12;
        if ((size_t)(end - p) < l || count < 0 || memchr(p, 0, l)) goto corrupt;
        v->names[i] = ts_malloc(l + 1);
        memcpy(v->names[i], p, l);
        v->names[i][l] = 0;
        v->counts[i] = count;
        v->n = (int)i + 1;
        p += l;
        continue;
    corrupt:
        ts_vocab_free(v);
        return ts_fail("%s: section '%s' is corrupt at name %u", r->path, tag, i);
    }
    if (p != end) {
        ts_vocab_free(v);
        return ts_fail("%s: section '%s' has %zu trailing bytes", r->path, tag, (size_t)(end - p));
    }
    /* names vocab.tsv holds as they are, each once: the outputs name their IDs in one (an
     * ID's name twice would renumber an observed ID by name to the other one) */
    ts__strmap seen;
    ts__strmap_init(&seen, (size_t)v->n);
    int rc = 0;
    for (int i = 0; i < v->n && rc == 0; i++) {
        const char *name = v->names[i];
        int32_t j = ts__strmap_get(&seen, name);
        const char *unwritable = ts__name_unwritable(name);
        if (unwritable) rc = ts_fail("%s: section '%s': name %d %s", r->path, tag, i, unwritable);
        else if (j >= 0) rc = ts_fail("%s: section '%s': name %d, '%s', is name %d too", r->path, tag, i, name, j);
        else ts__strmap_put(&seen, name, i);
        /* the events' names (VOCAB): names a names file can hold. A model trained before
         * vocab.tsv refused the others would fail only as it wrote one, after its work */
        const char *why = rc == 0 && !strcmp(tag, "VOCAB") ? ts__event_name_bad(name) : NULL;
        if (why)
            rc = ts_fail("%s: section '%s': event name %d ('%s') %s (vocab.tsv refuses it now: rename it in the "
                         "dataset's vocab.tsv and train again)", r->path, tag, i, name, why);
    }
    ts__strmap_free(&seen);
    if (rc) ts_vocab_free(v);
    return rc;
}

int ts_model_load(const char *path, ts_model **out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = NULL;
    if (!path) return ts_fail_null(__func__, "path");
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) return -1;
    int rc = -1;
    ts_vocab vocab = {0};
    vocab.unk = -1;
    const ts_chunk *c = ts_reader_get(&r, "MODEL");
    if (!c) goto done;
    char name[64];
    if (c->size == 0 || c->size >= sizeof name || memchr(c->data, 0, c->size)) {
        ts_fail("%s: section 'MODEL' does not hold a model name", path);
        goto done;
    }
    memcpy(name, c->data, c->size);
    name[c->size] = 0;
    const ts_model_ops *ops = NULL;
    for (const ts_model_ops *const *p = registry; *p && !ops; p++)
        if (!strcmp((*p)->name, name)) ops = *p;
    if (!ops && ts_mc_model_find(name, 1)) {   /* a file of the other kind: say so */
        ts_fail("%s: a multi-channel model (%s); this takes a single-channel one", path, name);
        goto done;
    }
    if (!ops && ts_model_other_file_refuse(path, name) != 0) goto done;
    if (!ops) {
        ts_model_find(name);   /* records "unknown model 'x' (models: ...)" */
        ts_fail("%s: %s", path, ts_error());
        goto done;
    }
    if (ts_vocab_get(&r, "VOCAB", &vocab) != 0) goto done;
    unsigned char nb[4];
    if (ts_reader_copy(&r, "NIDS", nb, 4) != 0) goto done;
    int32_t n_ids = (int32_t)ts_le_get32(nb);
    /* named events: the IDs are the names' (training takes n_ids from the vocabulary);
     * the model's loader checks its own sections against n_ids before it allocates */
    if (n_ids <= 0 || (vocab.n > 0 && n_ids != vocab.n)) {
        ts_fail("%s: section 'NIDS' is corrupt (%d IDs for %d names)", path, n_ids, vocab.n);
        goto done;
    }
    uint32_t window = 0;   /* files from before it have none */
    if (ts_reader_has(&r, "WINDOW", NULL)) {
        unsigned char wb[4];
        if (ts_reader_copy(&r, "WINDOW", wb, 4) != 0) goto done;
        window = (uint32_t)ts_le_get32(wb);
        if (window == 0 || window > (1u << 24)) {
            ts_fail("%s: section 'WINDOW' is corrupt (a window of %u events)", path, window);
            goto done;
        }
    }
    int permille[3] = {0, 0, 0}, paper = 0;   /* files from before it have none */
    if (ts_reader_has(&r, "SPLIT", NULL)) {
        unsigned char pb[16];
        const ts_chunk *sc = ts_reader_get(&r, "SPLIT");   /* 12 bytes: the time split's parts; 16: kind 1 */
        if (!sc || ts_reader_copy(&r, "SPLIT", pb, sc->size == 16 ? 16 : 12) != 0) goto done;
        for (int i = 0; i < 3; i++) permille[i] = (int)ts_le_get32(pb + 4 * i);
        const uint32_t kind = sc->size == 16 ? ts_le_get32(pb + 12) : 0;
        if ((sc->size == 16 && kind != 1) || (kind == 1 && (permille[0] || permille[1] || permille[2]))) {
            ts_fail("%s: section 'SPLIT' is corrupt (split kind %u, parts %d/%d/%d thousandths)", path, kind,
                    permille[0], permille[1], permille[2]);
            goto done;
        }
        paper = kind == 1;
        if (!paper &&
            (permille[0] < 1 || permille[1] < 1 || permille[2] < 1 || permille[0] > 998 || permille[1] > 998 ||
             permille[2] > 998 || permille[0] + permille[1] + permille[2] != 1000)) {
            ts_fail("%s: section 'SPLIT' is corrupt (parts %d/%d/%d thousandths)", path, permille[0], permille[1],
                    permille[2]);
            goto done;
        }
    }
    size_t held_events, held_seen;
    uint64_t held_hash;
    ts_events_prefixes *held_pre = ts_malloc(sizeof *held_pre);
    if (ts_held_out_get(&r, paper, &held_events, &held_seen, &held_hash, held_pre) != 0) {
        free(held_pre);
        goto done;
    }
    ts_model *m = NULL;
    if (ops->load(&m, &r) != 0) {
        free(held_pre);
        goto done;
    }
    m->ops = ops;
    m->n_ids = n_ids;
    m->window = window;
    m->data_events = held_events;
    m->data_seen = held_seen;
    m->data_hash = held_hash;
    m->data_prefixes = *held_pre;
    free(held_pre);
    memcpy(m->permille, permille, sizeof m->permille);
    m->paper_split = paper;
    if (m->vocab.n == 0) { m->vocab = vocab; memset(&vocab, 0, sizeof vocab); }
    *out = m;
    rc = 0;
done:
    ts_vocab_free(&vocab);
    ts_reader_close(&r);
    return rc;
}

void ts_held_out_put(ts_writer *w, size_t events, size_t seen, uint64_t hash, const ts_events_prefixes *pre)
{
    if (!events || !hash) return;   /* not recorded */
    ts_writer_begin(w, "HELDOUT");
    ts_writer_put64(w, (uint64_t)events);
    ts_writer_put64(w, (uint64_t)seen);
    ts_writer_put64(w, hash);
    ts_writer_end(w);
    if (!pre || !pre->step) return;
    ts_writer_begin(w, "HELDPRE");   /* (its own section: a file with it reads in a build before it) */
    ts_writer_put64(w, (uint64_t)pre->step);
    ts_writer_put64(w, (uint64_t)pre->n);
    for (size_t i = 0; i < pre->n; i++) ts_writer_put64(w, pre->hash[i]);
    ts_writer_end(w);
}

int ts_held_out_get(const ts_reader *r, int paper, size_t *events, size_t *seen, uint64_t *hash,
                    ts_events_prefixes *pre)
{
    *events = *seen = 0;
    *hash = 0;
    memset(pre, 0, sizeof *pre);
    if (!ts_reader_has(r, "HELDOUT", NULL)) return 0;   /* files from before it have none */
    unsigned char hb[24];
    uint64_t held[3];
    if (ts_reader_copy(r, "HELDOUT", hb, 24) != 0) return -1;
    for (int i = 0; i < 3; i++) held[i] = ts_le_get64(hb + 8 * i);
    if (!held[0] || !held[1] || !held[2] || held[0] > SIZE_MAX || held[1] > SIZE_MAX || paper)
        return ts_fail("%s: section 'HELDOUT' is corrupt (%llu events, %llu read%s)", r->path,
                       (unsigned long long)held[0], (unsigned long long)held[1], paper ? ", of the paper split" : "");
    *events = (size_t)held[0];
    *seen = (size_t)held[1];
    *hash = held[2];
    if (!ts_reader_has(r, "HELDPRE", NULL)) return 0;   /* files from before it */
    const ts_chunk *c = ts_reader_get(r, "HELDPRE");
    if (!c) return -1;
    const uint64_t step = c->size >= 16 ? ts_le_get64(c->data) : 0, n = c->size >= 16 ? ts_le_get64(c->data + 8) : 0;
    /* the prefixes of the training part, the first n step of its events: at most the events */
    if (c->size < 16 || !step || !n || n > TS_EVENTS_PREFIXES || c->size != 16 + 8 * n || step > held[0] / n)
        return ts_fail("%s: section 'HELDPRE' is corrupt (%llu bytes, %llu prefixes of %llu events, of %llu events)",
                       r->path, (unsigned long long)c->size, (unsigned long long)n, (unsigned long long)step,
                       (unsigned long long)held[0]);
    pre->step = (size_t)step;
    pre->n = (size_t)n;
    for (size_t i = 0; i < pre->n; i++) pre->hash[i] = ts_le_get64(c->data + 16 + 8 * i);
    return 0;
}

int ts_model_other_file_refuse(const char *path, const char *name)
{
    if (!strcmp(name, "constraints"))
        return ts_fail("%s: a constraints file, not a model ('tracesynth repair' and 'tracesynth eval --constraints' "
                       "read it)", path);
    return ts_train_ckpt_refuse(path, name);
}

void ts_model_free(ts_model *m)
{
    if (!m) return;
    ts_vocab_free(&m->vocab);
    m->ops->free(m);
}

/* ---- imputation and generation: shapes and ranges checked once, here ---- */

/* a run without options (o NULL) runs with the defaults: every model reads o */
static const ts_run_opts run_defaults;

int ts_model_impute(ts_model *m, const ts_windows *x, const uint8_t *mask, const ts_run_opts *o,
                    ts_windows *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!mask) return ts_fail_null(__func__, "mask");
    if (!o) o = &run_defaults;
    size_t n = x->n, L = x->len;
    if (n == 0 || L == 0) return ts_fail("%s: no windows to impute", m->ops->name);
    if (!x->data) return ts_fail_null(__func__, "x->data");
    /* windows that cannot be in memory (a caller's n and len that do not describe its data) */
    if (L > SIZE_MAX / sizeof(int32_t) / n)
        return ts_fail("%s: %zu windows of %zu events: more than memory can hold", m->ops->name, n, L);
    char what[128];
    snprintf(what, sizeof what, "%s: %zu imputed windows of %zu events", m->ops->name, n, L);
    if (ts_memory_fits(n * L * sizeof *out->data, what, "fewer windows")) return -1;
    if (check_keys(&o->kv, m->ops, "run", m->ops->run_keys)) return -1;
    if (m->len && L != m->len)
        return ts_fail("%s: the model was trained on windows of %zu event%s, got windows of %zu "
                       "(train it with --length %zu)", m->ops->name, m->len, ts_plural(m->len), L, L);
    for (size_t i = 0; i < n * L; i++)
        if (mask[i] > 1)   /* 1 observed, 0 hidden: anything else is not a mask */
            return ts_fail("window %zu, position %zu: mask value %d is not 0 (hidden) or 1 (observed)", i / L, i % L,
                           mask[i]);
        else if (mask[i] && (x->data[i] < 0 || x->data[i] >= m->n_ids))
            return ts_fail("window %zu, position %zu: event ID %d is outside the model's range "
                           "[0, %d)", i / L, i % L, x->data[i], m->n_ids);
    out->data = ts_malloc(n * L * sizeof *out->data);
    out->n = n;
    out->len = L;
    if (m->ops->impute(m, x->data, mask, n, L, o, out->data) != 0) {
        ts_opt_name(m->ops->name);
        ts_windows_free(out);
        return -1;
    }
    for (size_t i = 0; i < n * L; i++) {
        if (mask[i]) out->data[i] = x->data[i];   /* observed events are never changed */
        else if (out->data[i] < 0 || out->data[i] >= m->n_ids) {
            int32_t v = out->data[i];
            ts_windows_free(out);
            return ts_fail("%s: produced event ID %d outside [0, %d) (window %zu, position %zu)",
                           m->ops->name, v, m->n_ids, i / L, i % L);
        }
    }
    return 0;
}

/* the model's generation of n windows of L into *out: its generate_after from the P events
 * of prefix (checked by the caller; P 0 and prefix NULL: from none) where it has one, else
 * (P 0) its generate; the IDs it gives checked */
static int generate_run(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L, const ts_run_opts *o,
                        ts_windows *out)
{
    if (n > SIZE_MAX / L / sizeof *out->data)
        return ts_fail("%s: cannot generate %zu windows of %zu events", m->ops->name, n, L);
    if (check_keys(&o->kv, m->ops, "run", m->ops->run_keys)) return -1;
    /* a model of one window length (the diffusion models) samples that one: another is a
     * refusal of the run's --length, as a network's limit on it is */
    if (m->len && L != m->len)
        return ts_opt_fail(m->ops->name, "length", "%zu: the model samples windows of %zu event%s (its training "
                           "windows)", L, m->len, ts_plural(m->len));
    char what[128];
    snprintf(what, sizeof what, "%s: %zu generated windows of %zu events", m->ops->name, n, L);
    if (ts_memory_fits(n * L * sizeof *out->data, what, "fewer or shorter windows")) return -1;
    out->data = ts_malloc(n * L * sizeof *out->data);
    out->n = n;
    out->len = L;
    if ((m->ops->generate_after ? m->ops->generate_after(m, P ? prefix : NULL, P, n, L, o, out->data)
                                : m->ops->generate(m, n, L, o, out->data)) != 0) {
        ts_opt_name(m->ops->name);
        ts_windows_free(out);
        return -1;
    }
    for (size_t i = 0; i < n * L; i++)
        if (out->data[i] < 0 || out->data[i] >= m->n_ids) {
            int32_t v = out->data[i];
            ts_windows_free(out);
            return ts_fail("%s: generated event ID %d outside [0, %d)", m->ops->name, v, m->n_ids);
        }
    for (size_t w = 0; w < n && P; w++)
        if (memcmp(out->data + w * L, prefix, P * sizeof *prefix)) {
            ts_windows_free(out);
            return ts_fail("%s: generated window %zu does not begin with the prefix", m->ops->name, w + 1);
        }
    return 0;
}

int ts_model_generate(ts_model *m, size_t n, size_t L, const ts_run_opts *o, ts_windows *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    if (!o) o = &run_defaults;
    if (n == 0 || L == 0) return ts_fail("%s: nothing to generate (%zu window%s of %zu event%s)",
                                         m->ops->name, n, ts_plural(n), L, ts_plural(L));
    return generate_run(m, NULL, 0, n, L, o, out);
}

/* ---- generation after a prefix: the model's sampler after it, or its imputation of the rest ---- */

/* 1 when the NULL-terminated keys hold key */
static int keys_hold(const char *const *keys, const char *key)
{
    for (; keys && *keys; keys++)
        if (!strcmp(*keys, key)) return 1;
    return 0;
}

ts_run_opts ts_model_sampling_opts(const ts_model *m, const ts_run_opts *o, int gen, const char **keys,
                                   const char **vals)
{
    if (!o) o = &run_defaults;
    ts_run_opts r = *o;
    if (!m || !keys || !vals) return r;
    int n = 0;
    for (int i = 0; i < o->kv.n; i++) keys[n] = o->kv.keys[i], vals[n++] = o->kv.values[i];
    const char *const *rk = m->ops->run_keys;
    const char *add[2][2] = {{NULL, NULL}, {NULL, NULL}};
    if (keys_hold(rk, "temperature") && !ts_kv_get(&o->kv, "temperature")) add[0][0] = "temperature", add[0][1] = "1";
    /* a generator that unmasks reveals its events in random order (mdm's generate: most
     * confident first skews the event mix), unless told an order or greedy decoding */
    const char *t = ts_kv_get(&o->kv, "temperature");
    if (gen && keys_hold(rk, "order") && !ts_kv_get(&o->kv, "order") && (!t || strtod(t, NULL) != 0))
        add[1][0] = "order", add[1][1] = "random";
    /* each added on its own: one the model's imputation refuses (a temperature: lstm's
     * impute is greedy) is left out, the other kept; where the options so far are refused
     * already, the refusal is the run's own, said by its check */
    for (int a = 0; a < 2; a++) {
        if (!add[a][0]) continue;
        const ts_run_opts before = r;
        keys[n] = add[a][0], vals[n] = add[a][1];
        r.kv = (ts_kv){n + 1, keys, vals};
        if (ts_model_run_check(m, &r) != 0 && ts_model_run_check(m, &before) == 0) r = before;
        else n++;
        ts_clear_error();
    }
    return r;
}

/* ts_model_prefix_check of a model without generate_after, on the sampling options s made
 * of o */
static int prefix_check(const ts_model *m, const ts_run_opts *s)
{
    if (!(ts_model_impute_reads(m) & TS_IMPUTE_READS_SEED))
        return ts_opt_fail(m->ops->name, "prefix", "it cannot draw the events after a prefix: its generation starts "
                           "from none, and its imputation draws nothing (the most likely events, the same in every "
                           "window)");
    /* an option its imputation refuses ("impute does not take it") said as this run's */
    if (ts_model_run_check(m, s) != 0)
        return ts_fail("%s (generation after a prefix is the model's imputation of the rest)", ts_error());
    return 0;
}

int ts_model_prefix_check(const ts_model *m, const ts_run_opts *o)
{
    if (!m) return ts_fail_null(__func__, "m");
    if (!o) o = &run_defaults;
    if (m->ops->generate_after) return ts_model_generate_check(m, o);   /* its generation's */
    const char **keys = ts_malloc(((size_t)o->kv.n + 2) * sizeof *keys);
    const char **vals = ts_malloc(((size_t)o->kv.n + 2) * sizeof *vals);
    const ts_run_opts s = ts_model_sampling_opts(m, o, 1, keys, vals);
    const int rc = prefix_check(m, &s);
    free(keys);
    free(vals);
    return rc;
}

int ts_model_generate_prefix(ts_model *m, const int32_t *prefix, size_t P, size_t n, size_t L,
                             const ts_run_opts *o, ts_windows *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (!m) return ts_fail_null(__func__, "m");
    if (!prefix && P) return ts_fail_null(__func__, "prefix");
    if (!o) o = &run_defaults;
    const char *who = m->ops->name;
    if (n == 0 || L == 0) return ts_fail("%s: nothing to generate (%zu window%s of %zu event%s)", who, n,
                                         ts_plural(n), L, ts_plural(L));
    if (P == 0) return ts_fail("%s: an empty prefix: give it one event or more", who);
    if (P >= L)
        return ts_fail("%s: a prefix of %zu event%s leaves nothing to draw in windows of %zu", who, P, ts_plural(P), L);
    for (size_t i = 0; i < P; i++)
        if (prefix[i] < 0 || prefix[i] >= m->n_ids)
            return ts_fail("%s: prefix event %zu: ID %d is outside the model's range [0, %d)", who, i + 1,
                           prefix[i], m->n_ids);
    /* a model of one window length samples that one, as its generation (ts_model_generate) */
    if (m->len && L != m->len)
        return ts_opt_fail(who, "length", "%zu: the model samples windows of %zu event%s (its training windows)", L,
                           m->len, ts_plural(m->len));
    /* a model that generates left to right goes on from the prefix by its own sampler */
    if (m->ops->generate_after) return generate_run(m, prefix, P, n, L, o, out);
    /* the observed windows, their mask and the imputation: two IDs and a byte per event */
    if (n > SIZE_MAX / L / (2 * sizeof(int32_t) + 1))
        return ts_fail("%s: cannot generate %zu windows of %zu events", who, n, L);
    char what[128];
    snprintf(what, sizeof what, "%s: %zu windows of %zu events after a prefix", who, n, L);
    if (ts_memory_fits(n * L * (2 * sizeof(int32_t) + 1), what, "fewer or shorter windows")) return -1;
    const char **keys = ts_malloc(((size_t)o->kv.n + 2) * sizeof *keys);
    const char **vals = ts_malloc(((size_t)o->kv.n + 2) * sizeof *vals);
    const ts_run_opts s = ts_model_sampling_opts(m, o, 1, keys, vals);
    int rc = prefix_check(m, &s);
    if (rc == 0) {
        ts_windows x = {ts_malloc(n * L * sizeof(int32_t)), n, L};
        uint8_t *mask = ts_malloc(n * L);
        for (size_t w = 0; w < n; w++) {   /* the prefix observed, the rest hidden */
            memcpy(x.data + w * L, prefix, P * sizeof *prefix);
            memset(x.data + w * L + P, 0, (L - P) * sizeof *x.data);
            memset(mask + w * L, 1, P);
            memset(mask + w * L + P, 0, L - P);
        }
        ts_progress_span_begin("generate", (long)n, s.progress);   /* its bar, not an imputation's */
        ts_progress_span_part((long)n);
        rc = ts_model_impute(m, &x, mask, &s, out);
        ts_progress_span_end();
        free(x.data);
        free(mask);
    }
    free(keys);
    free(vals);
    return rc;
}

/* ---- inputs named by another vocabulary ---- */

/* x (numbered by names) in the model's numbering: xm (allocated). Events at positions
 * counted (mask NULL: all; else the observed ones) whose names the model lacks become its
 * <unk> (*unknown of them), or are an error naming them when it has none. back (may be
 * NULL, model->n entries) receives the model-to-input map. 0 / -1 */
static int to_model_ids(const ts_model *m, const ts_windows *x, const ts_vocab *names,
                        const uint8_t *mask, ts_windows *xm, size_t *unknown, int32_t *back)
{
    const ts_vocab *mv = &m->vocab;
    size_t nL = x->n * x->len;
    int32_t *fwd = ts_malloc((size_t)names->n * sizeof *fwd);   /* input ID -> model ID */
    int32_t *seen = ts_calloc((size_t)names->n, sizeof *seen);  /* unknown names' counts */
    ts_vocab_map(names, mv, fwd);
    if (back) ts_vocab_map(mv, names, back);
    *xm = (ts_windows){ts_malloc((nL ? nL : 1) * sizeof *xm->data), x->n, x->len};
    int rc = 0;
    size_t unk = 0, first = 0;   /* first: where the first of them is */
    for (size_t i = 0; i < nL && rc == 0; i++) {
        int32_t v = x->data[i];
        if (v < 0 || v >= names->n) {
            rc = ts_fail("window %zu, position %zu: event ID %d has no name in the input's "
                         "vocabulary (%d name%s)", i / x->len, i % x->len, v, names->n, ts_plural((size_t)names->n));
            break;
        }
        /* a name the model never saw: its <unk> (hidden positions keep any valid ID) */
        int known = fwd[v] >= 0 && (fwd[v] != mv->unk || !strcmp(names->names[v], mv->names[mv->unk]));
        if ((!mask || mask[i]) && !known) {
            if (!unk++) first = i;
            seen[v]++;
        }
        xm->data[i] = fwd[v] >= 0 ? fwd[v] : (mv->unk >= 0 ? mv->unk : 0);
    }
    if (rc == 0 && unk && (mv->unk < 0 || mv->unk >= mv->n)) {
        char list[256] = "";
        int shown = 0;
        for (int v = 0; v < names->n && shown < 5; v++)
            if (seen[v]) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s'%s' (%d)", l ? ", " : "", names->names[v], seen[v]);
                shown++;
            }
        /* the place of the first: the caller knows the file (and its names') */
        rc = ts_fail("window %zu, position %zu: '%s' is not one of the model's event names, and it has no <unk> "
                     "event to read it as (%zu observed event%s of names it lacks: %s%s)", first / x->len,
                     first % x->len, names->names[x->data[first]], unk, ts_plural(unk), list,
                     shown == 5 ? ", ..." : "");
    }
    free(fwd);
    free(seen);
    if (rc) ts_windows_free(xm);
    else if (unknown) *unknown = unk;
    return rc;
}

int ts_model_windows_named(const ts_model *m, const ts_windows *x, const ts_vocab *names, ts_windows *out,
                           size_t *unknown)
{
    size_t unk = 0;
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (unknown) *unknown = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!x->data && x->n && x->len) return ts_fail_null(__func__, "x->data");
    if (ts__vocab_check(names, __func__, "names->names")) return -1;
    if (!names || names->n <= 0 || m->vocab.n <= 0) {
        size_t nL = x->n * x->len;
        for (size_t i = 0; i < nL; i++)
            if (x->data[i] < 0 || x->data[i] >= m->n_ids)
                return ts_fail("window %zu, position %zu: event ID %d is outside the model's range [0, %d)",
                               i / x->len, i % x->len, x->data[i], m->n_ids);
        *out = (ts_windows){ts_malloc((nL ? nL : 1) * sizeof *out->data), x->n, x->len};
        if (nL) memcpy(out->data, x->data, nL * sizeof *out->data);
        return 0;
    }
    if (to_model_ids(m, x, names, NULL, out, &unk, NULL)) return -1;
    if (unknown) *unknown = unk;
    return 0;
}

int ts_model_impute_named(ts_model *m, const ts_windows *x, const ts_vocab *names,
                          const uint8_t *mask, const ts_run_opts *o, ts_windows *out,
                          size_t *unknown)
{
    if (!out) return ts_fail_null(__func__, "out");
    memset(out, 0, sizeof *out);
    if (unknown) *unknown = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!mask) return ts_fail_null(__func__, "mask");
    if (!x->data && x->n && x->len) return ts_fail_null(__func__, "x->data");
    if (ts__vocab_check(names, __func__, "names->names")) return -1;
    if (!names || names->n <= 0 || m->vocab.n <= 0) return ts_model_impute(m, x, mask, o, out);
    const ts_vocab *mv = &m->vocab;
    size_t nL = x->n * x->len;
    int32_t *back = ts_malloc((size_t)mv->n * sizeof *back);    /* model ID -> input ID */
    ts_windows xm;
    size_t unk = 0;
    int rc = to_model_ids(m, x, names, mask, &xm, &unk, back);
    ts_windows y = {0};
    if (rc == 0) rc = ts_model_impute(m, &xm, mask, o, &y);
    for (size_t i = 0; i < nL && rc == 0; i++) {
        if (mask[i]) { y.data[i] = x->data[i]; continue; }
        int32_t v = back[y.data[i]];
        if (v < 0) {
            rc = ts_fail("window %zu, position %zu: %s filled it with '%s', which the input's vocabulary "
                         "does not name (and it has no <unk>)",
                         i / x->len, i % x->len, m->ops->name, mv->names[y.data[i]]);
            break;
        }
        y.data[i] = v;
    }
    free(back);
    ts_windows_free(&xm);
    if (rc != 0) {
        ts_windows_free(&y);
        return -1;
    }
    if (unknown) *unknown = unk;
    *out = y;
    return 0;
}

/* ---- likelihood ---- */

int ts_model_bits(ts_model *m, const ts_windows *x, const ts_vocab *names, const ts_run_opts *o,
                  double *bits, size_t *unknown)
{
    if (unknown) *unknown = 0;
    if (!m) return ts_fail_null(__func__, "m");
    if (!x) return ts_fail_null(__func__, "x");
    if (!bits) return ts_fail_null(__func__, "bits");
    *bits = NAN;
    if (!x->data && x->n && x->len) return ts_fail_null(__func__, "x->data");
    if (ts__vocab_check(names, __func__, "names->names")) return -1;
    if (!o) o = &run_defaults;
    if (!m->ops->bits) return ts_fail("%s: this model gives no likelihood", m->ops->name);
    if (x->n == 0 || x->len == 0) return ts_fail("%s: no windows to score", m->ops->name);
    if (check_keys(&o->kv, m->ops, "run", m->ops->run_keys)) return -1;
    ts_windows xm = *x, mapped = {0};
    if (names && names->n > 0 && m->vocab.n > 0) {
        if (to_model_ids(m, x, names, NULL, &mapped, unknown, NULL)) return -1;
        xm = mapped;
    }
    int rc = 0;
    for (size_t i = 0; i < xm.n * xm.len && rc == 0; i++)
        if (xm.data[i] < 0 || xm.data[i] >= m->n_ids)
            rc = ts_fail("window %zu, position %zu: event ID %d is outside the model's range [0, %d)",
                         i / xm.len, i % xm.len, xm.data[i], m->n_ids);
    if (rc == 0 && (rc = m->ops->bits(m, xm.data, xm.n, xm.len, o, bits)) != 0) ts_opt_name(m->ops->name);
    if (rc) *bits = NAN;
    ts_windows_free(&mapped);
    return rc;
}

int ts_run_samples(const ts_run_opts *o, const char *model, long *samples)
{
    if (!o) o = &run_defaults;
    if (ts_kv_long(&o->kv, "samples", 1, samples) != 0) return -1;
    if (*samples < 1 || *samples > 1000) return ts_opt_fail(model, "samples", "%ld: expected 1 to 1000", *samples);
    return 0;
}

int32_t ts_vote(const int32_t *v, size_t stride, long n)
{
    if (n < 1) return -1;
    int32_t best = v[0];
    long best_count = 0;
    for (long i = 0; i < n; i++) {
        long c = 0;
        for (long j = 0; j < n; j++) c += v[(size_t)j * stride] == v[(size_t)i * stride];
        if (c > best_count) { best_count = c; best = v[(size_t)i * stride]; }
    }
    return best;
}
