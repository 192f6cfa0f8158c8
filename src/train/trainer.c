/* The training loop shared by the neural models (see train.h). */
#include "tracesynth/train.h"
#include "tracesynth/container.h"
#include "tracesynth/prof.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/model.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef TS_MPI
#include <mpi.h>
#endif

const char *const ts_train_keys[] = {
    "lr", "schedule", "warmup", "weight-decay", "clip", "ema", "iters", "valid-every", "log-every", "budget", "patience",
    NULL,
};

static int get_long(const ts_kv *kv, const char *key, long def, long lo, long hi, long *out)
{
    if (ts_kv_long(kv, key, def, out) != 0) return -1;
    if (*out < lo || *out > hi) return ts_opt_fail(NULL, key, "%ld out of range [%ld, %ld]", *out, lo, hi);
    return 0;
}

/* "90s", "45m", "1.5h", "45" (minutes) into seconds, > 0 and at most a year */
int ts_train_budget_parse(const char *s, double *out)
{
    char *end;
    /* as the option tables read numbers: decimal, no leading blank */
    if (isspace((unsigned char)*s) || strpbrk(s, "xX")) return -1;
    errno = 0;
    double v = strtod(s, &end);
    /* an underflow (1e-320) is a positive number below any duration, not no number */
    const int under = errno == ERANGE && fabs(v) <= 1 && end != s && *s != '-';
    if (end == s || (errno && !under && !(errno == ERANGE && fabs(v) > 1))) return -1;
    double unit = 60;
    if (*end == 's') unit = 1, end++;
    else if (*end == 'm') unit = 60, end++;
    else if (*end == 'h') unit = 3600, end++;
    if (*end || !(v > 0 || under)) return -1;
    if (!(v * unit <= 366.0 * 86400)) return -2;
    /* no run is timed, let alone trained, in less (1e-300 minutes) */
    if (under || v * unit < 1e-3) return -3;
    *out = v * unit;
    return 0;
}

int ts_train_parse(ts_train_cfg *c, const ts_kv *kv, const ts_train_defaults *def)
{
    c->lr.kind = def->schedule;
    const char *sch = ts_kv_get(kv, "schedule");
    if (sch && ts_lr_parse(sch, &c->lr.kind) != 0)   /* the message names the option, as the others do */
        return ts_opt_fail(NULL, "schedule", "'%s': expected constant, warmup or cosine", sch);
    if (ts_kv_double(kv, "lr", def->lr, &c->lr.lr)) return -1;
    if (!(c->lr.lr > 0 && isfinite(c->lr.lr))) return ts_opt_fail(NULL, "lr", "%g must be positive", c->lr.lr);
    if (get_long(kv, "iters", def->iters, 0, 100000000, &c->iters)) return -1;
    long v;
    /* the default warm-up goes with the default schedule (a --schedule given takes none),
     * and is at most 5 % of the iterations: a short run still reaches its rate */
    long dw = sch ? 0 : def->warmup;
    c->warmup_default = dw;
    if (dw > c->iters / 20) dw = c->iters / 20;
    if (get_long(kv, "warmup", dw, 0, 100000000, &v)) return -1;
    c->lr.warmup = c->lr.kind == TS_LR_CONSTANT && !ts_kv_get(kv, "warmup") ? 0 : v;
    /* it would be ignored; with the default schedule ts_train_run checks it, after a
     * resume's checkpoint has said what the schedule is */
    if (ts_kv_get(kv, "warmup") && sch && c->lr.kind == TS_LR_CONSTANT)
        return ts_opt_fail(NULL, "warmup", "only with --schedule warmup or cosine (a constant rate has no warm-up)");
    c->lr.total = c->iters;
    c->lr.min_lr = 0;
    if (ts_kv_double(kv, "weight-decay", 0, &c->weight_decay)) return -1;
    /* a negative decay would grow the weights (and a negative clip turn clipping off) */
    if (!(c->weight_decay >= 0 && isfinite(c->weight_decay)))
        return ts_opt_fail(NULL, "weight-decay", "%g must be >= 0 (0: none)", c->weight_decay);
    if (ts_kv_double(kv, "clip", 0, &c->clip)) return -1;
    if (!(c->clip >= 0 && isfinite(c->clip)))
        return ts_opt_fail(NULL, "clip", "%g must be >= 0 (0: off)", c->clip);
    if (ts_kv_double(kv, "ema", def->ema, &c->ema)) return -1;
    if (!(c->ema >= 0 && c->ema < 1))
        return ts_opt_fail(NULL, "ema", "%g must be in [0, 1) (0: off)", c->ema);
    if (get_long(kv, "valid-every", def->valid_every, 1, 100000000, &c->valid_every)) return -1;
    if (get_long(kv, "log-every", 10, 1, 100000000, &c->log_every)) return -1;
    if (get_long(kv, "patience", 0, 0, 100000000, &c->patience)) return -1;
    c->budget_s = 0;
    const char *bud = ts_kv_get(kv, "budget");
    int brc = bud ? ts_train_budget_parse(bud, &c->budget_s) : 0;
    if (brc == -2) return ts_opt_fail(NULL, "budget", "'%s' is more than a year: give at most 366 days (8784h)", bud);
    if (brc == -3)
        return ts_opt_fail(NULL, "budget", "'%s' is less than a millisecond: give a duration of at least 1 ms "
                           "(0.001s), such as 90s, 45m or 1.5h", bud);
    if (brc != 0)
        return ts_opt_fail(NULL, "budget", "'%s': expected a duration such as 90s, 45m or 1.5h (plain: minutes)",
                           bud);
    if (bud && !ts_kv_get(kv, "iters")) c->iters = 100000000;   /* the budget alone decides */
    c->lr.total = c->iters;
    c->defaulted = (ts_kv_get(kv, "lr") ? 0u : TS_TRAIN_DEFAULT_LR) | (sch ? 0u : TS_TRAIN_DEFAULT_SCHEDULE) |
                   (ts_kv_get(kv, "warmup") ? 0u : TS_TRAIN_DEFAULT_WARMUP) |
                   (ts_kv_get(kv, "weight-decay") ? 0u : TS_TRAIN_DEFAULT_WEIGHT_DECAY) |
                   (ts_kv_get(kv, "clip") ? 0u : TS_TRAIN_DEFAULT_CLIP) |
                   (ts_kv_get(kv, "ema") ? 0u : TS_TRAIN_DEFAULT_EMA) |
                   (ts_kv_get(kv, "dropout") ? 0u : TS_TRAIN_DEFAULT_DROPOUT) |   /* a model's own, when it has one */
                   (ts_kv_get(kv, "iters") ? 0u : TS_TRAIN_DEFAULT_ITERS) |
                   (ts_kv_get(kv, "patience") ? 0u : TS_TRAIN_DEFAULT_PATIENCE);
    return 0;
}

/* ---- checkpoint: STATE as explicit little-endian fields (the layout the raw
 * struct of earlier versions had on x86-64, so their checkpoints still load) ---- */

typedef struct {
    int64_t iter, adam_step, best_iter;
    double best;
    uint64_t rng[4];
    int32_t has_gauss;
    float gauss;
    /* the training losses since the last log record (section LOGACC, not STATE): a
     * resumed run's next record averages the same iterations as an uninterrupted one's */
    double loss_sum;
    int64_t loss_n;
    /* the run's identity (section RUN, not STATE): its records in a log that other runs
     * append to are the ones after its start or resume records; 0 in checkpoints before it */
    uint64_t run;
    /* the validations in a row since the best without a new best (section PATIENCE, not
     * STATE), which --patience counts */
    int64_t stale;
} train_state;

#define STATE_BYTES 72

/* the progress bar's text after an iteration of loss: the loss, and the best validation
 * loss so far (once there is one) */
static void bar_extra(char *buf, size_t n, float loss, const train_state *st)
{
    if (st->best_iter >= 0) snprintf(buf, n, "loss %.4f  best valid %.4f", (double)loss, st->best);
    else snprintf(buf, n, "loss %.4f", (double)loss);
}

/* a --budget run re-planned (section REPLAN, only in the checkpoints of such a run): at
 * iteration `at` the rest of its schedule, from position `pos` (in the iterations of the
 * plan it was laid over, `total`), was laid over the iterations then left. at < 0: none */
typedef struct {
    int64_t at;
    double pos;
    int64_t total;
} replan_state;

#define REPLAN_BYTES 32

/* the schedule's rate at position x, which a re-planned run reaches between iterations:
 * ts_lr_at's at whole steps (the warm-up's ramp capped at the peak between them) */
static double lr_at_pos(const ts_lr_schedule *s, double x)
{
    if (s->kind == TS_LR_CONSTANT) return s->lr;
    if (s->warmup > 0 && x < (double)s->warmup) {
        double r = s->lr * (x + 1) / (double)s->warmup;
        return r < s->lr ? r : s->lr;
    }
    if (s->kind == TS_LR_WARMUP) return s->lr;
    double span = (double)(s->total - s->warmup);
    if (span <= 0) return s->min_lr;
    double u = (x - (double)s->warmup) / span;
    if (u > 1) u = 1;
    return s->min_lr + 0.5 * (s->lr - s->min_lr) * (1.0 + cos(M_PI * u));
}

/* where iteration it is in the schedule of a run of `iters` iterations in all re-planned
 * as r says: the rest of the schedule (from r->pos to its end, r->total) spread evenly
 * over the iterations from r->at to iters. The rate goes on from its value at the
 * re-plan (no jump) and reaches the schedule's end at the run's new last iteration */
static double replan_pos(const replan_state *r, long iters, long it)
{
    if (iters <= r->at) return (double)r->total;
    return r->pos + (double)(it - r->at) * ((double)r->total - r->pos) / (double)(iters - r->at);
}

/* the rate of iteration it: the schedule's own until a re-plan (the same bits as a run
 * that never had one) */
static double lr_of(const ts_train_cfg *c, const replan_state *r, long it)
{
    if (r->at < 0) return ts_lr_at(&c->lr, it);
    return lr_at_pos(&c->lr, replan_pos(r, c->iters, it));
}

static void state_pack(const train_state *s, unsigned char *b)
{
    uint64_t d;
    uint32_t f;
    ts_le_put64(b, (uint64_t)s->iter);
    ts_le_put64(b + 8, (uint64_t)s->adam_step);
    ts_le_put64(b + 16, (uint64_t)s->best_iter);
    memcpy(&d, &s->best, 8);
    ts_le_put64(b + 24, d);
    for (int i = 0; i < 4; i++) ts_le_put64(b + 32 + 8 * i, s->rng[i]);
    ts_le_put32(b + 64, (uint32_t)s->has_gauss);
    memcpy(&f, &s->gauss, 4);
    ts_le_put32(b + 68, f);
}

static void state_unpack(train_state *s, const unsigned char *b)
{
    uint64_t d;
    uint32_t f;
    s->iter = (int64_t)ts_le_get64(b);
    s->adam_step = (int64_t)ts_le_get64(b + 8);
    s->best_iter = (int64_t)ts_le_get64(b + 16);
    d = ts_le_get64(b + 24);
    memcpy(&s->best, &d, 8);
    for (int i = 0; i < 4; i++) s->rng[i] = ts_le_get64(b + 32 + 8 * i);
    s->has_gauss = (int32_t)ts_le_get32(b + 64);
    f = ts_le_get32(b + 68);
    memcpy(&s->gauss, &f, 4);
}

/* the optimizer's options (section OPTIM): lr, weight decay and clip as doubles, the
 * schedule's kind and warm-up. A resume goes on with them unless they are given again:
 * with the defaults of the day it would change a run whose defaults have changed since */
#define OPTIM_BYTES 40

static void optim_pack(const ts_train_cfg *c, unsigned char *b)
{
    uint64_t d;
    memcpy(&d, &c->lr.lr, 8);
    ts_le_put64(b, d);
    memcpy(&d, &c->weight_decay, 8);
    ts_le_put64(b + 8, d);
    memcpy(&d, &c->clip, 8);
    ts_le_put64(b + 16, d);
    ts_le_put64(b + 24, (uint64_t)c->lr.kind);
    ts_le_put64(b + 32, (uint64_t)c->lr.warmup);
}

/* the checkpoint's options into c where c has its defaults; -1 when they are not valid */
static int optim_unpack(ts_train_cfg *c, const unsigned char *b)
{
    double lr, wd, clip;
    uint64_t d = ts_le_get64(b);
    memcpy(&lr, &d, 8);
    d = ts_le_get64(b + 8);
    memcpy(&wd, &d, 8);
    d = ts_le_get64(b + 16);
    memcpy(&clip, &d, 8);
    uint64_t kind = ts_le_get64(b + 24), warmup = ts_le_get64(b + 32);
    if (!(lr > 0 && isfinite(lr)) || !(wd >= 0 && isfinite(wd)) || !(clip >= 0 && isfinite(clip)) ||
        kind > TS_LR_COSINE || warmup > 100000000 || (kind == TS_LR_CONSTANT && warmup))
        return -1;
    if (c->defaulted & TS_TRAIN_DEFAULT_LR) c->lr.lr = lr;
    if (c->defaulted & TS_TRAIN_DEFAULT_WEIGHT_DECAY) c->weight_decay = wd;
    if (c->defaulted & TS_TRAIN_DEFAULT_CLIP) c->clip = clip;
    if (c->defaulted & TS_TRAIN_DEFAULT_SCHEDULE) c->lr.kind = (ts_lr_kind)kind;
    if (c->defaulted & TS_TRAIN_DEFAULT_WARMUP) c->lr.warmup = (long)warmup;
    /* --schedule constant given: the checkpoint's warm-up goes with its own schedule */
    if (c->lr.kind == TS_LR_CONSTANT && (c->defaulted & TS_TRAIN_DEFAULT_WARMUP)) c->lr.warmup = 0;
    return 0;
}

/* a checkpoint's MODEL tag: the network's name and this */
#define CKPT_SUFFIX "-checkpoint"

static void ckpt_tag(const ts_train_net *net, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", net->name, CKPT_SUFFIX);
}

const char *ts_train_split_text(char *buf, size_t n, int paper, const int permille[3])
{
    if (paper) snprintf(buf, n, "paper");
    else if (permille && permille[0] > 0)
        snprintf(buf, n, "time %g,%g,%g", permille[0] / 1000.0, permille[1] / 1000.0, permille[2] / 1000.0);
    else return NULL;
    return buf;
}

int ts_train_ckpt_refuse(const char *path, const char *tag)
{
    size_t n = strlen(tag), k = strlen(CKPT_SUFFIX);
    if (n <= k || strcmp(tag + n - k, CKPT_SUFFIX)) return 0;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(n - k), tag);
    return ts_fail("%s: %s %s training checkpoint, resumed with train --resume; not a model (train writes the model "
                   "beside it, without .ckpt)", path, ts_article(name), name);
}

/* the section of the average's decay: the container's tags are 8 bytes (it was always
 * stored so) */
#define EMA_DECAY_TAG "EMA_DECA"

/* a section holding one double (little-endian) */
static void put_double(ts_writer *w, const char *tag, double v)
{
    uint64_t d;
    memcpy(&d, &v, 8);
    ts_writer_begin(w, tag);
    ts_writer_put64(w, d);
    ts_writer_end(w);
}

static int get_double(const ts_reader *r, const char *tag, double *v)
{
    unsigned char b[8];
    if (ts_reader_copy(r, tag, b, sizeof b)) return -1;
    uint64_t d = ts_le_get64(b);
    memcpy(v, &d, 8);
    return 0;
}

/* section EVENTS (or a further channel's): the IDs' count on the first line, then their
 * names one a line (none where unnamed); NULL where the net does not say */
static char *ids_text(int32_t count, const ts_vocab *vocab)
{
    if (count <= 0) return NULL;
    int named = vocab && vocab->n > 0;
    size_t n = 16;
    for (int i = 0; named && i < vocab->n; i++) n += strlen(vocab->names[i]) + 1;
    char *t = ts_malloc(n), *p = t;
    p += sprintf(p, "%d\n", (int)count);
    for (int i = 0; named && i < vocab->n; i++) p += sprintf(p, "%s\n", vocab->names[i]);
    return t;
}

/* the checkpoint's section tag (text, size bytes) of channel `what`'s IDs against the
 * net's (count, vocab): 0 when they are the same, else -1 with an error naming the
 * checkpoint, the channel and the first difference */
static int ids_check(const char *path, const char *what, const char *tag, int32_t count, const ts_vocab *vocab,
                     const char *text, size_t size)
{
    char *mine = ids_text(count, vocab);
    if (!mine || (strlen(mine) == size && !memcmp(mine, text, size))) {
        free(mine);
        return 0;
    }
    free(mine);
    char *t = ts_malloc(size + 1);
    memcpy(t, text, size);
    t[size] = 0;
    char *line = strchr(t, '\n');
    long there = strtol(t, NULL, 10);
    int named = vocab && vocab->n > 0;
    if (!line || there < 1) ts_fail("%s: section '%s' is corrupt", path, tag);
    else if (there != count)
        ts_fail("%s: checkpoint of another %s vocabulary (%ld %s IDs; the dataset has %d): resume only on the "
                "dataset it was trained on", path, what, there, what, (int)count);
    else if (!line[1] || !named)
        ts_fail("%s: checkpoint of another %s vocabulary (its %ss are %s; the dataset's are %s): resume only on "
                "the dataset it was trained on", path, what, what, line[1] ? "named" : "unnamed",
                named ? "named" : "unnamed");
    else {
        int i = 0;
        char *s = line + 1;
        for (; i < vocab->n && *s; i++) {
            char *e = strchr(s, '\n');
            if (e) *e = 0;
            if (strcmp(s, vocab->names[i])) break;
            s = e ? e + 1 : s + strlen(s);
        }
        if (i < vocab->n && *s)
            ts_fail("%s: checkpoint of another %s vocabulary (ID %d is '%s' there, '%s' in the dataset): resume "
                    "only on the dataset it was trained on", path, what, i, s, vocab->names[i]);
        else ts_fail("%s: checkpoint of another %s vocabulary (ID %d: %s there, %s in the dataset)", path, what, i,
                     *s ? "named" : "unnamed", i < vocab->n ? "named" : "unnamed");
    }
    free(t);
    return -1;
}

static const int n_more_ids = (int)(sizeof ((ts_train_net *)0)->more_ids / sizeof ((ts_train_net *)0)->more_ids[0]);

/* 1 when the file at path ends in a container's CRC-32 (every model file does), into
 * *sum: what tells the model file of a checkpoint's best from one written after it */
static int file_sum(const char *path, uint32_t *sum)
{
    FILE *f = fopen(path, "rb");
    unsigned char b[4];
    int got = f && fseek(f, -4, SEEK_END) == 0 && fread(b, 1, 4, f) == 4;
    if (f) fclose(f);
    if (got) *sum = ts_le_get32(b);
    return got;
}

/* PARAMS, BEST, ADAM_M, ADAM_V (and EMA) as little-endian floats; out_sum (NULL: not
 * known) the model file's checksum when it held the best weights */
static int ckpt_write(const char *path, const ts_train_net *net, const ts_train_cfg *c, const ts_adam *a,
                      const float *best, const float *ema, const train_state *st, const replan_state *rp,
                      const uint32_t *out_sum)
{
    ts_writer w;
    ts_writer_init(&w, path);
    char tag[128];
    ckpt_tag(net, tag, sizeof tag);
    ts_writer_text(&w, "MODEL", tag);
    ts_writer_text(&w, "CONFIG", net->config);
    if (net->split) ts_writer_text(&w, "SPLIT", net->split);
    char *ev = ids_text(net->n_events, net->vocab);
    if (ev) ts_writer_text(&w, "EVENTS", ev);
    free(ev);
    for (int k = 0; k < n_more_ids; k++) {
        const ts_train_ids *x = &net->more_ids[k];
        char *t = x->channel ? ids_text(x->n, x->vocab) : NULL;
        if (t) ts_writer_text(&w, x->tag, t);
        free(t);
    }
    ts_writer_f32(&w, "PARAMS", net->params, net->n);
    ts_writer_f32(&w, "BEST", best, net->n);
    ts_writer_f32(&w, "ADAM_M", a->m, net->n);
    ts_writer_f32(&w, "ADAM_V", a->v, net->n);
    unsigned char sb[STATE_BYTES];
    state_pack(st, sb);
    ts_writer_chunk(&w, "STATE", sb, sizeof sb);
    uint64_t d;
    memcpy(&d, &st->loss_sum, 8);
    ts_writer_begin(&w, "LOGACC");
    ts_writer_put64(&w, d);
    ts_writer_put64(&w, (uint64_t)st->loss_n);
    ts_writer_end(&w);
    ts_writer_begin(&w, "RUN");
    ts_writer_put64(&w, st->run);
    ts_writer_end(&w);
    unsigned char ob[OPTIM_BYTES];
    optim_pack(c, ob);
    ts_writer_chunk(&w, "OPTIM", ob, sizeof ob);
    /* the run's iterations, which a resume goes on to unless --iters is given */
    ts_writer_begin(&w, "ITERS");
    ts_writer_put64(&w, (uint64_t)c->iters);
    ts_writer_end(&w);
    /* --patience and the validations since the best without a new one, which a resume
     * counts on from: it stops where the run would have */
    ts_writer_begin(&w, "PATIENCE");
    ts_writer_put64(&w, (uint64_t)c->patience);
    ts_writer_put64(&w, (uint64_t)st->stale);
    ts_writer_end(&w);
    if (rp->at >= 0) {   /* a re-planned run's schedule, which its resume goes on with */
        uint64_t pos;
        memcpy(&pos, &rp->pos, 8);
        ts_writer_begin(&w, "REPLAN");
        ts_writer_put64(&w, (uint64_t)rp->at);
        ts_writer_put64(&w, pos);
        ts_writer_put64(&w, (uint64_t)rp->total);
        ts_writer_put64(&w, (uint64_t)c->iters);
        ts_writer_end(&w);
    }
    if (c->ema > 0) {   /* the average and its decay, which a resume takes unless given */
        ts_writer_f32(&w, "EMA", ema, net->n);
        put_double(&w, EMA_DECAY_TAG, c->ema);
    }
    /* the model's dropout, which a resume takes unless given */
    if (net->dropout && *net->dropout > 0) put_double(&w, "DROPOUT", *net->dropout);
    /* which model file holds its best: a run stopped after writing a better one, before
     * its checkpoint, leaves one this checkpoint's best is not */
    if (out_sum) {
        ts_writer_begin(&w, "OUTSUM");
        ts_writer_put32(&w, *out_sum);
        ts_writer_end(&w);
    }
    return ts_writer_commit(&w);
}

/* one line of config text with newlines as spaces, for messages */
static void flat(const char *s, char *buf, size_t n)
{
    size_t j = 0;
    for (; *s && j + 1 < n; s++) buf[j++] = *s == '\n' ? ' ' : *s;
    while (j > 0 && buf[j - 1] == ' ') j--;
    buf[j] = 0;
}

/* the KEY=VALUE lines of two configs that differ, as "KEY=V, ..." of each (a key only one
 * has: "no KEY" in the other); 0 when none does (configs not of such lines) */
static int config_diff(const char *have, const char *want, char *its, size_t ni, char *given, size_t ng)
{
    size_t li = 0, lg = 0;
    int n = 0;
    its[0] = given[0] = 0;
    for (int side = 0; side < 2; side++) {
        const char *a = side ? want : have, *b = side ? have : want;
        for (const char *l = a; *l; l += strcspn(l, "\n"), l += *l == '\n') {
            const size_t len = strcspn(l, "\n"), k = strcspn(l, "=\n");
            if (k == len) continue;   /* no KEY=VALUE */
            const char *m = NULL;   /* the key's line in b */
            for (const char *q = b; *q && !m; q += strcspn(q, "\n"), q += *q == '\n')
                if (strcspn(q, "=\n") == k && !memcmp(q, l, k) && q[k] == '=') m = q;
            const size_t mlen = m ? strcspn(m, "\n") : 0;
            if (side && m) continue;   /* (said from have's side) */
            if (m && mlen == len && !memcmp(m, l, len)) continue;
            const char *h = side ? NULL : l, *w = side ? l : m;
            const size_t hl = side ? 0 : len, wl = side ? len : mlen;
            if (li < ni)
                li += (size_t)(h ? snprintf(its + li, ni - li, "%s%.*s", n ? ", " : "", (int)hl, h)
                                 : snprintf(its + li, ni - li, "%sno %.*s", n ? ", " : "", (int)k, l));
            if (lg < ng)
                lg += (size_t)(w ? snprintf(given + lg, ng - lg, "%s%.*s", n ? ", " : "", (int)wl, w)
                                 : snprintf(given + lg, ng - lg, "%sno %.*s", n ? ", " : "", (int)k, l));
            n++;
        }
    }
    return n;
}

/* path's MODEL section c is not net name's checkpoint tag: what the file is (another model's
 * checkpoint, a model file, a constraints file) and what to give instead */
static int not_its_checkpoint(const char *path, const char *name, const ts_chunk *c)
{
    char t[64];
    size_t n = c ? c->size : 0, k = strlen(CKPT_SUFFIX);
    int word = n > 0 && n < sizeof t;   /* a name tracesynth writes: printed as it is */
    for (size_t i = 0; word && i < n; i++) {
        const char ch = ((const char *)c->data)[i];
        word = islower((unsigned char)ch) || isdigit((unsigned char)ch) || ch == '-';
    }
    if (!word) return ts_fail("%s: not %s %s training checkpoint", path, ts_article(name), name);
    memcpy(t, c->data, n);
    t[n] = 0;
    if (n > k && !strcmp(t + n - k, CKPT_SUFFIX)) {
        t[n - k] = 0;
        if (!ts_model_find(t) && !ts_mc_model_find(t, 1))   /* (a damaged tag whose CRC was made again) */
            return ts_fail("%s: a training checkpoint of '%s', no model tracesynth has: not %s %s training checkpoint",
                           path, t, ts_article(name), name);
        return ts_fail("%s: %s %s training checkpoint, not %s %s one: train --model %s resumes it", path,
                       ts_article(t), t, ts_article(name), name, t);
    }
    if (!strcmp(t, "constraints"))
        return ts_fail("%s: a constraints file, not a training checkpoint: --resume takes the checkpoint train writes "
                       "beside the model (MODEL.ckpt)", path);
    if (!strcmp(t, name))
        return ts_fail("%s: %s %s model file, not a training checkpoint: --resume takes the checkpoint train writes "
                       "beside it (%s.ckpt)", path, ts_article(t), t, path);
    return ts_fail("%s: %s %s model file, not a training checkpoint: --resume takes the checkpoint %s %s run writes "
                   "beside its model (MODEL.ckpt)", path, ts_article(t), t, ts_article(name), name);
}

/* *has_ema: the checkpoint's EMA went into ema (a run with one); else ema is untouched */
static int ckpt_read(const char *path, const ts_train_net *net, ts_train_cfg *cfg, ts_adam *a, float *best,
                     float *ema, int *has_ema, train_state *st, replan_state *rp, long *rp_iters, long *run_iters)
{
    *run_iters = -1;
    *has_ema = 0;
    rp->at = -1;
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) return -1;
    int rc = -1;
    char tag[128];
    ckpt_tag(net, tag, sizeof tag);
    const ts_chunk *c = ts_reader_get(&r, "MODEL");
    if (!c || c->size != strlen(tag) || memcmp(c->data, tag, c->size)) {
        not_its_checkpoint(path, net->name, c);
        goto done;
    }
    /* the events first: another dataset's also changes the config's sizes, and the
     * events' difference says which name differs where the config gives two numbers */
    c = ts_reader_has(&r, "EVENTS", NULL) ? ts_reader_get(&r, "EVENTS") : NULL;   /* checkpoints before it have none */
    if (c && ids_check(path, "event", "EVENTS", net->n_events, net->vocab, (const char *)c->data, c->size)) goto done;
    for (int k = 0; k < n_more_ids; k++) {
        const ts_train_ids *x = &net->more_ids[k];
        c = x->channel && ts_reader_has(&r, x->tag, NULL) ? ts_reader_get(&r, x->tag) : NULL;   /* checkpoints before them have none */
        if (c && ids_check(path, x->channel, x->tag, x->n, x->vocab, (const char *)c->data, c->size)) goto done;
    }
    /* the split before the config too, which its training part changes (ddpm-mc's dt
     * scaling); checkpoints before it have none */
    c = net->split && ts_reader_has(&r, "SPLIT", NULL) ? ts_reader_get(&r, "SPLIT") : NULL;
    if (c && (c->size != strlen(net->split) || memcmp(c->data, net->split, c->size))) {
        char have[64];
        snprintf(have, sizeof have, "%.*s", c->size < sizeof have ? (int)c->size : (int)sizeof have - 1,
                 (const char *)c->data);
        for (char *h = have; *h; h++)   /* the error stays one line */
            if (*h < 0x20) *h = ' ';
        ts_fail("%s: checkpoint of a run on another split (%s; the options give %s): its held-out parts would "
                "hold events it was trained on; resume with the split it was trained on (--split, --fractions)",
                path, have, net->split);
        goto done;
    }
    c = ts_reader_get(&r, "CONFIG");
    if (!c) { ts_fail("%s: no section 'CONFIG'", path); goto done; }
    const char *older = net->config_older;
    if ((c->size != strlen(net->config) || memcmp(c->data, net->config, c->size)) &&
        (!older || c->size != strlen(older) || memcmp(c->data, older, c->size))) {
        char have[512], want[512], *h = ts_malloc(c->size + 1);
        memcpy(h, c->data, c->size);
        h[c->size] = 0;
        /* the keys that differ first (a network option of the first run's left out) */
        const int nd = config_diff(h, net->config, have, sizeof have, want, sizeof want);
        if (nd) {
            ts_fail("%s: checkpoint of a different model: its %s where the options give %s (the network's "
                    "config; give the first run's options again)", path, have, want);
        } else {
            flat(h, have, sizeof have);
            flat(net->config, want, sizeof want);
            ts_fail("%s: checkpoint of a different model (%s; the options give %s)", path, have, want);
        }
        free(h);
        goto done;
    }
    unsigned char sb[STATE_BYTES];
    if (ts_reader_f32(&r, "PARAMS", net->params, net->n) || ts_reader_f32(&r, "BEST", best, net->n) ||
        ts_reader_f32(&r, "ADAM_M", a->m, net->n) || ts_reader_f32(&r, "ADAM_V", a->v, net->n) ||
        ts_reader_copy(&r, "STATE", sb, sizeof sb))
        goto done;
    state_unpack(st, sb);
    st->loss_sum = 0;
    st->loss_n = 0;
    if (ts_reader_has(&r, "LOGACC", NULL)) {   /* checkpoints before it have none */
        unsigned char lb[16];
        if (ts_reader_copy(&r, "LOGACC", lb, sizeof lb)) goto done;
        uint64_t d = ts_le_get64(lb);
        memcpy(&st->loss_sum, &d, 8);
        st->loss_n = (int64_t)ts_le_get64(lb + 8);
        /* the sum of loss_n finite float losses: none when loss_n is 0 */
        if (!isfinite(st->loss_sum) || st->loss_n < 0 || st->loss_n > st->iter ||
            !(fabs(st->loss_sum) <= (double)st->loss_n * FLT_MAX)) {
            ts_fail("%s: section 'LOGACC' is corrupt", path);
            goto done;
        }
    }
    st->run = 0;
    if (ts_reader_has(&r, "RUN", NULL)) {   /* checkpoints before it have none */
        unsigned char rb[8];
        if (ts_reader_copy(&r, "RUN", rb, sizeof rb)) goto done;
        st->run = ts_le_get64(rb);
    }
    if (ts_reader_has(&r, "OPTIM", NULL)) {   /* checkpoints before it have none: today's defaults */
        unsigned char ob[OPTIM_BYTES];
        if (ts_reader_copy(&r, "OPTIM", ob, sizeof ob)) goto done;
        if (optim_unpack(cfg, ob) != 0) {
            ts_fail("%s: section 'OPTIM' is corrupt", path);
            goto done;
        }
    }
    if (ts_reader_has(&r, EMA_DECAY_TAG, NULL)) {   /* a run with an average (--ema) */
        double decay;
        if (get_double(&r, EMA_DECAY_TAG, &decay)) goto done;
        if (!(decay > 0 && decay < 1)) {
            ts_fail("%s: section '" EMA_DECAY_TAG "' is corrupt", path);
            goto done;
        }
        if (cfg->defaulted & TS_TRAIN_DEFAULT_EMA) cfg->ema = decay;
        if (cfg->ema > 0) {
            if (ts_reader_f32(&r, "EMA", ema, net->n)) goto done;
            for (size_t i = 0; i < net->n; i++)
                if (!isfinite(ema[i])) {
                    ts_fail("%s: section 'EMA': the weights' average %zu is not finite (corrupt checkpoint)", path,
                            i);
                    goto done;
                }
            *has_ema = 1;
        }
    }
    if (ts_reader_has(&r, "DROPOUT", NULL)) {   /* a run with dropout (a model's --dropout) */
        double p;
        if (get_double(&r, "DROPOUT", &p)) goto done;
        if (!net->dropout || !(p > 0 && p <= net->dropout_max)) {
            ts_fail("%s: section 'DROPOUT' is corrupt", path);
            goto done;
        }
        if (cfg->defaulted & TS_TRAIN_DEFAULT_DROPOUT) *net->dropout = p;
    }
    /* a NaN best would never be beaten: no later validation would save the model. An
     * all-zero generator state is the one xoshiro256** never leaves (every draw 0); its
     * cached normal, when it has one, is the next draw */
    if (st->iter < 0 || st->adam_step < 0 || st->best_iter < -1 || st->best_iter > st->iter || isnan(st->best) ||
        (st->best_iter >= 0 && !isfinite(st->best)) || !(st->rng[0] | st->rng[1] | st->rng[2] | st->rng[3]) ||
        (st->has_gauss != 0 && st->has_gauss != 1) || (st->has_gauss && !isfinite(st->gauss))) {
        ts_fail("%s: section 'STATE' is corrupt", path);
        goto done;
    }
    /* Adam's second moments are averages of squares: a negative one (damage) would make
     * the step's square root NaN, reported as a divergence of the run */
    const struct { const char *tag, *what; const float *x; } arr[4] = {
        {"PARAMS", "parameter", net->params}, {"BEST", "parameter", best},
        {"ADAM_M", "optimizer state", a->m}, {"ADAM_V", "optimizer state", a->v},
    };
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < net->n; i++)
            if (!isfinite(arr[k].x[i]) || (k == 3 && arr[k].x[i] < 0)) {
                ts_fail("%s: section '%s': %s %zu is %s (corrupt checkpoint)", path, arr[k].tag, arr[k].what, i,
                        isfinite(arr[k].x[i]) ? "negative" : "not finite");
                goto done;
            }
    if (ts_reader_has(&r, "ITERS", NULL)) {   /* checkpoints before it have none */
        unsigned char ib[8];
        if (ts_reader_copy(&r, "ITERS", ib, sizeof ib)) goto done;
        uint64_t iters = ts_le_get64(ib);
        if (iters < (uint64_t)st->iter || iters > 100000000) {
            ts_fail("%s: section 'ITERS' is corrupt (%llu iterations, the checkpoint at iteration %lld)", path,
                    (unsigned long long)iters, (long long)st->iter);
            goto done;
        }
        *run_iters = (long)iters;
    }
    if (ts_reader_has(&r, "PATIENCE", NULL)) {
        unsigned char pb[16];
        if (ts_reader_copy(&r, "PATIENCE", pb, sizeof pb)) goto done;
        uint64_t pat = ts_le_get64(pb), stale = ts_le_get64(pb + 8);
        /* validations without a new best come after the best's */
        if (pat > 100000000 || stale > (uint64_t)st->iter || (stale && st->best_iter >= st->iter)) {
            ts_fail("%s: section 'PATIENCE' is corrupt", path);
            goto done;
        }
        if (cfg->defaulted & TS_TRAIN_DEFAULT_PATIENCE) cfg->patience = (long)pat;
        st->stale = (int64_t)stale;
    } else if (st->best_iter >= 0) {
        /* checkpoints before it: the validations after the best's, every --valid-every
         * iterations, and the checkpoint's own (a run's last, at its --iters) */
        const int64_t ve = cfg->valid_every > 0 ? cfg->valid_every : 1;
        st->stale = st->iter / ve - st->best_iter / ve + (st->iter % ve != 0 && st->iter > st->best_iter);
    }
    if (ts_reader_has(&r, "REPLAN", NULL)) {   /* a --budget run that re-planned */
        unsigned char rb[REPLAN_BYTES];
        if (ts_reader_copy(&r, "REPLAN", rb, sizeof rb)) goto done;
        uint64_t d = ts_le_get64(rb + 8);
        memcpy(&rp->pos, &d, 8);
        rp->at = (int64_t)ts_le_get64(rb);
        rp->total = (int64_t)ts_le_get64(rb + 16);
        int64_t iters = (int64_t)ts_le_get64(rb + 24);
        if (rp->at < 0 || rp->at > st->iter || rp->total < 0 || rp->total > 100000000 || iters < st->iter ||
            iters > 100000000 || !(rp->pos >= 0 && rp->pos <= (double)rp->total)) {
            rp->at = -1;
            ts_fail("%s: section 'REPLAN' is corrupt", path);
            goto done;
        }
        *rp_iters = (long)iters;
    }
    a->step = (long)st->adam_step;
    rc = 0;
done:
    ts_reader_close(&r);
    return rc;
}

/* 1 when the checkpoint at path holds section tag of n bytes, copied into b; else 0 (no
 * error set): what a refusal before the checkpoint is read may name */
static int ckpt_peek(const char *path, const char *tag, unsigned char *b, size_t n)
{
    ts_reader r;
    if (ts_reader_open(&r, path) != 0) {
        ts_clear_error();
        return 0;
    }
    int has = ts_reader_has(&r, tag, NULL) && ts_reader_copy(&r, tag, b, n) == 0;
    ts_reader_close(&r);
    if (!has) ts_clear_error();
    return has;
}

/* 1 when the checkpoint at path holds its run's iterations (section ITERS), into *iters */
static int iters_peek(const char *path, long *iters)
{
    unsigned char ib[8];
    if (!ckpt_peek(path, "ITERS", ib, sizeof ib)) return 0;
    *iters = (long)ts_le_get64(ib);
    return 1;
}

/* 1 when the checkpoint at path holds a re-plan (section REPLAN, valid or not): its
 * iteration and the iterations it re-planned to */
static int replan_peek(const char *path, long long *at, long *iters)
{
    unsigned char rb[REPLAN_BYTES];
    if (!ckpt_peek(path, "REPLAN", rb, sizeof rb)) return 0;
    *at = (long long)ts_le_get64(rb);
    *iters = (long)ts_le_get64(rb + 24);
    return 1;
}

/* ---- the log ---- */

/* the value of the first "iter": member of a line, or -1 */
static long line_iter(const char *line)
{
    const char *p = strstr(line, "\"iter\":");
    if (!p) return -1;
    p += 7;
    while (*p == ' ') p++;
    char *end;
    long v = strtol(p, &end, 10);
    return end == p ? -1 : v;
}

/* a line that begins a run's records in a log: its start, or a resume of it */
static int line_begins_run(const char *line)
{
    return strstr(line, "\"event\":\"start\"") || strstr(line, "\"event\":\"resume\"");
}

/* the run a start or resume record names ("run":"%016x"), or 0 */
static uint64_t line_run(const char *line)
{
    const char *p = strstr(line, "\"run\":\"");
    if (!p) return 0;
    p += 7;
    uint64_t id = 0;
    for (int i = 0; i < 16; i++) {
        int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0' : p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10 : -1;
        if (d < 0) return 0;
        id = id << 4 | (uint64_t)d;
    }
    return p[16] == '"' ? id : 0;
}

/* which run's records follow in a log: the one its last start or resume record began */
typedef struct {
    uint64_t run;        /* the run cut back (0: one from before runs were named) */
    uint64_t *started;   /* with run 0: the named runs started in the log so far */
    size_t n, cap;
} run_follow;

/* does the start or resume record `line` begin the records of f->run? Run 0's records
 * follow a record naming no run, or the resume record of a named run that no start
 * record began: a checkpoint of run 0 resumed, which went on under a name */
static int run_begun(run_follow *f, const char *line)
{
    const uint64_t id = line_run(line);
    if (f->run) return id == f->run;
    if (!id) return 1;
    int started = 0;
    for (size_t i = 0; i < f->n && !started; i++) started = f->started[i] == id;
    if (strstr(line, "\"event\":\"start\"")) {
        if (f->n == f->cap) f->started = ts_realloc(f->started, (f->cap = f->cap ? 2 * f->cap : 8) * sizeof *f->started);
        f->started[f->n++] = id;
        return 0;
    }
    return !started;
}

/* the value of the first "iters": member of a line, or -1 */
static long line_iters(const char *line)
{
    const char *p = strstr(line, "\"iters\":");
    if (!p) return -1;
    char *end;
    long v = strtol(p + 8, &end, 10);
    return end == p + 8 ? -1 : v;
}

/* the iterations the run of a checkpoint at iteration iter set out to make, as the log at
 * path names them (a checkpoint written before section ITERS): the "iters" of run's last
 * start or resume record before its validation record of iter, those of the run that wrote
 * the checkpoint. 1 with *iters; 0 where the log names none (no log, a stream, another's) */
static int log_run_iters(const char *path, long iter, uint64_t run, long *iters)
{
    if (!path || ts_out_is_stream(path)) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    run_follow rf = {run, NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int mine = !run, found = 0;
    long seg = -1;   /* the count of the records' run segment that began last */
    while ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
        if (line_begins_run(line)) {
            mine = run_begun(&rf, line);
            if (mine) seg = line_iters(line);
        }
        if (mine && seg >= iter && seg <= 100000000 && line_iter(line) == iter && strstr(line, "\"valid_loss\":")) {
            *iters = seg;
            found = 1;
        }
    }
    free(line);
    free(rf.started);
    fclose(f);
    return found;
}

int ts_train_log_truncate(const char *path, long iter, uint64_t run)
{
    /* a stream (--log /dev/stderr, wherever it goes) has nothing to cut: reading it would
     * wait, and rewriting the file it goes to would leave the descriptor on the old one */
    if (!path || ts_out_is_stream(path)) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? 0 : ts_fail("%s: cannot read the training log: %s", path, strerror(errno));
    /* a log named by a link: ts_out_open rewrites its file and keeps the link (the run
     * appends through it), an error naming the log as given */
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) { fclose(f); return -1; }
    /* the run's records: those after a start or resume record naming it. Without a run
     * (a checkpoint from before runs were named) those after one naming no run: the
     * named runs that appended to the log after it keep theirs */
    run_follow rf = {run, NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    /* the validation record of iter is the last one before its checkpoint: what follows
     * was written after it, records without an iteration too (the end of training's).
     * The last such record of the run: a run resumed before wrote it again */
    long line_no = 0, cut = -1, cut_all = -1;
    int mine = !run, marked = 0;   /* marked: a start or resume record began run 0's records */
    while ((n = getline(&line, &cap, f)) > 0 && line[n - 1] == '\n') {
        if (line_begins_run(line)) marked |= mine = run_begun(&rf, line);
        if (line_iter(line) == iter && strstr(line, "\"valid_loss\":")) {
            if (mine) cut = line_no;
            cut_all = line_no;
        }
        line_no++;
    }
    /* run 0 where no record begins its records (none names no run): every record is taken
     * for the run's, as before runs were named */
    const int whole = !run && !marked;
    if (whole) cut = cut_all;
    rewind(f);
    line_no = 0;
    mine = !run;
    rf.n = 0;
    while (!ferror(f) && (n = getline(&line, &cap, f)) > 0) {
        /* a last line without its newline was cut short (disk full, power lost): the
         * records appended after it would join it into one broken line */
        if (line[n - 1] != '\n') break;
        if (line_begins_run(line)) mine = whole || run_begun(&rf, line);
        /* other runs' records stay where they are, before and after the cut */
        if (!mine || (line_iter(line) <= iter && (cut < 0 || line_no <= cut))) fwrite(line, 1, (size_t)n, o.f);
        line_no++;
    }
    free(line);
    free(rf.started);
    int bad = ferror(f);
    fclose(f);
    if (bad) { ts_out_abort(&o); return ts_fail("%s: read error in the training log", path); }
    return ts_out_commit(&o);
}

/* a run's identity in its log: drawn, not from the seed (two runs of one seed share a
 * log too); it names no training choice, so the results stay the seed's */
static uint64_t new_run_id(void)
{
    uint64_t id = 0;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        id = ((uint64_t)t.tv_sec * 1000000007u) ^ (uint64_t)t.tv_nsec ^ ((uint64_t)getpid() << 40);
    }
    return id ? id : 1;
}

/* can path be written (atomically: a temporary file beside it)? A device or FIFO is
 * refused: the model is written again at every validation that improves, its checkpoint
 * beside it */
static int check_writable(const char *path, const char *what)
{
    if (ts_out_is_stream(path))
        return ts_fail("%s: the %s is written again at every validation that improves, and a checkpoint beside "
                       "it: give a file, not a device or a pipe", path, what);
    if (ts_out_check(path) != 0) {
        return ts_fail("%s: the %s cannot be written (%s)", path, what, ts_error());
    }
    return 0;
}

/* what a divergence suggests, from the options the run had (given, or taken from the
 * checkpoint it resumed): a decoupled weight decay with lr x decay >= 1 multiplies the
 * weights by 1 - lr x decay <= 0 at each step, flipping or growing them, and is named
 * first; else a lower rate, with clipping where it is off or looser than 1 (a run that
 * clips at 1 or below already is told so rather than to do it) */
static void diverge_hint(const ts_train_cfg *c, char *buf, size_t n)
{
    const double lr = c->lr.lr, wd = c->weight_decay;
    if (wd > 0 && lr * wd >= 1) {
        /* the example is below the bound: 0.01, else a power of ten under a tenth of it */
        double ex = 0.01 * lr < 1 ? 0.01 : pow(10, floor(log10(0.1 / lr)));
        snprintf(buf, n, "--weight-decay %g with --lr %g multiplies the weights by %g at each step: try a "
                 "--weight-decay below %g (1 / --lr), such as %g, or a lower --lr", wd, lr, 1 - lr * wd, 1 / lr, ex);
        return;
    }
    if (c->clip <= 0) snprintf(buf, n, "try a --lr below %g or --clip 1", lr);
    else if (c->clip > 1) snprintf(buf, n, "try a --lr below %g or a --clip below %g, such as 1", lr, c->clip);
    else snprintf(buf, n, "try a --lr below %g (the gradient norm is already clipped at %g)", lr, c->clip);
}

/* v as %g, but NaN (of either sign) as "NaN", as other messages name it */
static void shown_value(double v, char *buf, size_t n)
{
    if (isnan(v)) snprintf(buf, n, "NaN");
    else snprintf(buf, n, "%g", v);
}

/* the rule of ts_train_note: a validation loss far above the best, more than 100 times it
 * (a loss that can be 0 or below has no such ratio) */
static int far_above(double v, double best)
{
    return isfinite(v) && best > 0 && v > 100 * best;
}

/* kept: the model file; its .ckpt is the run at its last validation, iteration ck_iter,
 * whose weights validated at ck_loss (NaN: not known) and whose best validated weights
 * are iteration best_iter's, validation loss best. kept_is: 1 when the file holds those,
 * 0 when it holds others (written after them by a validation the .ckpt does not record:
 * a run stopped between the two), -1 when the .ckpt does not say. A .ckpt whose weights
 * went astray (far above the best) diverges again when resumed, even at a lower rate:
 * the run is better made again */
static void diverged(const ts_train_cfg *c, const ts_train_net *net, long it, const char *what, double v,
                     double gn, const char *kept, int kept_is, long long best_iter, double best, long long ck_iter,
                     double ck_loss)
{
    char tail[1536] = "", model[1024] = "";
    if (kept && kept_is > 0)
        snprintf(model, sizeof model, "the best validated model %s (iteration %lld, validation loss %g)", kept,
                 best_iter, best);
    else if (kept)
        snprintf(model, sizeof model, "the model %s (%s .ckpt's best, iteration %lld, validation loss %g, %s the "
                 ".ckpt does not record)", kept, kept_is == 0 ? "written after its" : "its", best_iter, best,
                 kept_is == 0 ? "by a validation" : "or a later validation's");
    int astray = kept && ck_iter != best_iter && far_above(ck_loss, best);
    if (astray)
        snprintf(tail, sizeof tail, "; %s is intact, its .ckpt (iteration %lld) validated %.3g times worse, so a "
                 "resume from it would diverge again: train again from the start (without --resume) and", model,
                 ck_iter, ck_loss / best);
    else if (kept)
        snprintf(tail, sizeof tail, "; %s and its .ckpt (iteration %lld) are intact", model, ck_iter);
    else if (c->resume) snprintf(tail, sizeof tail, "; the checkpoint %s is intact", c->resume);
    char vs[32], gs[32], gpart[64] = "";
    shown_value(v, vs, sizeof vs);
    shown_value(gn, gs, sizeof gs);
    if (gn >= 0 || gn != gn) snprintf(gpart, sizeof gpart, ", gradient norm %s", gs);
    char hint[256];
    if (c->hint) snprintf(hint, sizeof hint, "%s", c->hint);
    else diverge_hint(c, hint, sizeof hint);
    ts_fail("%s: training diverged at iteration %ld (%s %s%s)%s%s%s", net->name, it, what, vs, gpart, tail,
            astray ? " " : "; ", hint);
}

/* the last successful run's validations on this thread, for ts_train_note: set when it
 * validated */
static __thread struct {
    int set, untrained;   /* untrained: --iters 0, the network as initialized */
    char name[64];
    double best, last, lr, chance;
    long long best_iter, last_iter;
} last_run;

/* the last run's note on the count a resume took by default, for ts_train_resume_note */
static __thread char resume_note[TS_ERROR_MAX];

/* the last run's re-plans under --budget on this thread, for ts_train_replans */
static __thread struct {
    int n;
    long planned, iters;
    char with[320];   /* the last re-plan's resume_with, as given (not escaped) */
} replans;

/* the last run's early stop under --patience on this thread, for ts_train_stopped */
static __thread struct {
    int set;
    long iter, best_iter, patience;
} stopped;

int ts_train_stopped(long *iter, long *best_iter, long *patience)
{
    if (iter) *iter = stopped.iter;
    if (best_iter) *best_iter = stopped.best_iter;
    if (patience) *patience = stopped.patience;
    return stopped.set;
}

const char *ts_train_replan_with(void)
{
    return replans.with;
}

int ts_train_replans(long *planned, long *iters)
{
    if (planned) *planned = replans.planned;
    if (iters) *iters = replans.iters;
    return replans.n;
}

int ts_train_resume_note(char *buf, size_t n)
{
    if (!buf || !n) return resume_note[0] != 0;
    snprintf(buf, n, "%s", resume_note);
    return resume_note[0] != 0;
}

int ts_train_note(char *buf, size_t n)
{
    if (buf && n) buf[0] = 0;
    if (!last_run.set) return 0;
    if (last_run.untrained) {
        if (buf && n)
            snprintf(buf, n, "%s: no iteration (--iters 0): the model kept is the network as initialized, untrained",
                     last_run.name);
        return 1;
    }
    const double best = last_run.best, last = last_run.last;
    /* the best no lower than what a network that learned nothing scores */
    if (last_run.chance > 0 && isfinite(best) && best >= last_run.chance) {
        if (buf && n)
            snprintf(buf, n, "%s: the best validation loss, %g (iteration %lld), is no lower than %g, that of a "
                     "network that learned nothing: the model kept has learned nothing; try more iterations or a "
                     "--lr below %g", last_run.name, best, last_run.best_iter, last_run.chance, last_run.lr);
        return 1;
    }
    /* far above the best (the last is a number: one that is not ends the run as diverged) */
    if (!far_above(last, best)) return 0;
    if (buf && n)
        snprintf(buf, n, "%s: the last validation loss, %g (iteration %lld), is %.3g times the best, %g (iteration "
                 "%lld), which is the model kept: training went astray after it; try a --lr below %g", last_run.name,
                 last, last_run.last_iter, last / best, best, last_run.best_iter, last_run.lr);
    return 1;
}

/* a warm-up given for a constant rate would be ignored: -1 + error. Known only once a
 * resume has taken its checkpoint's schedule (from: that checkpoint, or NULL) */
static int warmup_unread(const ts_train_cfg *c, const char *from)
{
    if (c->lr.kind != TS_LR_CONSTANT || c->lr.warmup <= 0 || (c->defaulted & TS_TRAIN_DEFAULT_WARMUP)) return 0;
    if (from)
        return ts_fail("option --warmup: the run resumed from %s has a constant rate, which has no warm-up "
                       "(give --schedule warmup or cosine with it)", from);
    return ts_fail("option --warmup: only with --schedule warmup or cosine (a constant rate has no warm-up)");
}

/* --patience where no validation comes before the last one (--valid-every at or past
 * --iters) could never stop the run early: -1 + error. A --budget's iterations are not
 * known yet: taken. from: the checkpoint a resume took --patience from, or NULL */
static int patience_unseen(const ts_train_cfg *c, const char *from)
{
    if (c->patience <= 0 || c->budget_s > 0 || c->valid_every < c->iters) return 0;
    char whose[600] = "";
    if (from && (c->defaulted & TS_TRAIN_DEFAULT_PATIENCE))
        snprintf(whose, sizeof whose, " (that of the run resumed from %s)", from);
    return ts_fail("option --patience: %ld%s with no validation before the last (--valid-every %ld, --iters %ld) "
                   "could never stop the run early: give a --valid-every below --iters, or --patience 0",
                   c->patience, whose, c->valid_every, c->iters);
}

/* ---- a time budget ---- */

/* the clock a --budget is timed on, and the log's elapsed_s: the monotonic one, or a
 * caller's (ts_train_set_clock) */
static double (*budget_clock)(void *);
static void *budget_clock_ud;

static double budget_now(void)
{
    return budget_clock ? budget_clock(budget_clock_ud) : ts_now();
}

void ts_train_set_clock(double (*now)(void *ud), void *ud)
{
    budget_clock = now;
    budget_clock_ud = ud;
}

double ts_train_clock(void)
{
    return budget_now();
}

/* one int from rank 0 to every rank (as it is without MPI) */
static int from_rank0(int v, int nranks)
{
#ifdef TS_MPI
    if (nranks > 1) MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
#else
    (void)nranks;
#endif
    return v;
}

/* the share of a budget the model's work after the loop is planned to take where that
 * work can be made smaller (mdm: fewer validation windows for its choices), unless the
 * --iters given leave more */
#define AFTER_SHARE 0.25

/* the iterations that fit in c->budget_s from t_start: a few iterations timed (the first
 * two untimed: caches, plans, threads), a validation and a checkpoint's writing, then the
 * parameters, Adam's state and the batch RNG put back as they were, so that the run is
 * exactly the run of the --iters chosen; the log holds nothing of it. Under MPI rank 0
 * decides when the timing ends and the count, and every rank makes the same collective
 * calls whatever fails. *out is the count; 0, or -1 + error where this rank failed */
static int budget_iters(const ts_train_net *net, const ts_train_cfg *c, const char *ckpt, ts_adam *adam, ts_rng *rng,
                        double t_start, int rank, int nranks, long *out, double *after_s, double *val_s,
                        double *per_s)
{
    const size_t np = net->n;
    float *keep = ts_alloc_aligned(3 * (np ? np : 1) * sizeof(float));
    memcpy(keep, net->params, np * sizeof(float));
    memcpy(keep + np, adam->m, np * sizeof(float));
    memcpy(keep + 2 * np, adam->v, np * sizeof(float));
    const long step = adam->step;
    const ts_rng r0 = *rng;
    ts_train_log_mute(1);
    int ok = 1;
    /* at least 5 timed iterations and min_s seconds: one short iteration says little on a
     * shared machine */
    const double min_s = c->budget_s / 50 < 0.5 ? 0.5 : c->budget_s / 50 > 2 ? 2 : c->budget_s / 50;
    double t_timed = 0;
    int timed = 0;
    for (int i = 0; from_rank0(rank != 0 || i < 2 + 5 || (t_timed < min_s && timed < 1000), nranks); i++) {
        double t0 = budget_now();
        float loss;
        double gn;
        if (ts_train_iter(net, adam, rng, ts_lr_at(&c->lr, i), c->clip, &loss, &gn) != 0) ok = 0;
        /* a failed share leaves every rank a NaN loss (summed): all stop here alike; a
         * run that diverges this early says so in its own loop */
        if (!ok || !isfinite(loss) || !isfinite(gn)) break;
        if (i >= 2) t_timed += budget_now() - t0, timed++;
    }
    double t_val = 0;
    if (ok && rank == 0) {
        double vl, t0 = budget_now();
        if (net->validate(net->ctx, &vl) != 0) ok = 0;
        /* and what follows a validation: the checkpoint and the model written and synced
         * (timed on a temporary beside the checkpoint, removed) */
        ts_outfile o;
        if (ok && ckpt && ts_out_open(&o, ckpt) == 0) {
            for (int i = 0; i < 5; i++) fwrite(keep, sizeof(float), np, o.f);
            if (fflush(o.f) == 0) fsync(fileno(o.f));
            ts_out_abort(&o);
        }
        t_val = budget_now() - t0;
    }
    memcpy(net->params, keep, np * sizeof(float));
    memcpy(adam->m, keep + np, np * sizeof(float));
    memcpy(adam->v, keep + 2 * np, np * sizeof(float));
    memset(net->grads, 0, np * sizeof(float));
    adam->step = step;
    *rng = r0;
    ts_free_aligned(keep);
    *val_s = t_val;
    /* one iteration with its share of the validations */
    const double per = (timed ? t_timed / timed : 0) + t_val / (double)c->valid_every;
    *per_s = per;
    /* the model's work after the loop, planned with the parameters put back (its cost
     * does not depend on them): those of the timing iterations may have diverged, and a
     * plan on them fail (mdm's infill refuses non-finite output) where the run would
     * stop in its own loop, saying so */
    *after_s = 0;
    if (ok && rank == 0 && net->after) {
        /* its share: a quarter of the budget, or what the --iters given leave of it where
         * that is more (all of them fit: the work is then what the run of those --iters
         * does after its loop where that fits too) */
        double share = AFTER_SHARE * c->budget_s;
        const double spare = 0.97 * c->budget_s - (budget_now() - t_start) - t_val - per * (double)c->iters;
        if (per > 0 && spare > share) share = spare;
        *after_s = net->after(net->ctx, share, t_val);
        if (*after_s < 0) ok = 0, *after_s = 0;
    }
    /* 3 % kept for log records and the timing's noise; the last validation, the work
     * after the loop and the time spent so far come off the top */
    double left = 0.97 * c->budget_s - (budget_now() - t_start) - t_val - *after_s;
    /* not one iteration left: the run would take longer than the budget and hand back a
     * model trained for one iteration. Refused, with a budget that fits: the time so far
     * and one iteration in 3 % less than it, and where the model's work after the loop
     * takes its quarter, in what that leaves too */
    if (ok && rank == 0 && per > 0 && left < per) {
        const double el = budget_now() - t_start, base = el + t_val + per;
        double need = (base + *after_s) / 0.97;
        if (net->after && base / (0.97 - AFTER_SHARE) > need) need = base / (0.97 - AFTER_SHARE);
        /* valid on its face, too short for this data (and machine): the data's error, worded
         * as the option's value, not as a refusal of the option (ts_fit_fail) */
        ts_fit_fail(net->name, "budget", "%g s leaves no time for one iteration: timing the run took %.1f s, the "
                    "model's work after it is to take %.1f s, an iteration %.2g s; give at least %.0fs", c->budget_s,
                    el, *after_s + t_val, per, ceil(1.1 * need));
        ok = 0;
    }
    double n = per > 0 ? floor(left / per) : (double)c->iters;
    if (n < 1) n = 1;
    if (n > (double)c->iters) n = (double)c->iters;
    *out = (long)n;
#ifdef TS_MPI
    if (nranks > 1) {
        long v = *out;
        MPI_Bcast(&v, 1, MPI_LONG, 0, MPI_COMM_WORLD);
        *out = v;
    }
#endif
    ts_train_log_mute(0);
    return ok ? 0 : -1;
}

/* a --budget run's pace in its loop: what budget_look reads and keeps */
typedef struct {
    double t_start;    /* when the budget began */
    double val_s;      /* the timed validation, kept for the last one */
    double after_s;    /* the model's work after the loop */
    double per0;       /* the pace the plan was made at (seconds an iteration, its share of
                        * the validations included) */
    double min_s;      /* the least time a pace is measured over */
    double last;       /* the last look that measured a pace, and its iteration */
    long last_it;
    double per;        /* the last pace measured: seconds an iteration, validations included */
    double since;      /* the last re-plan (the loop's start before one), and its iteration */
    long since_it;
    long cap;          /* the most iterations a re-plan may lengthen the run to: the --iters
                        * given (the budget alone: the parse's bound) */
    int replanned;     /* whether a look has re-planned the run */
} budget_pace;

/* the run's iterations in all after a look at its pace at iteration done (a log record
 * or a validation before its last iteration, where every rank looks): where at least
 * p->min_s has passed since the last look, the pace since then (the iterations, and the
 * validations among them) is taken for the rest of the run. Where the iterations left at
 * that pace, the last validation and the work after the loop would end the run past the
 * budget, the iterations left are cut to those that fit in 97 % of it, as the plan
 * before the run was made (none: the run ends at this validation); where they would end
 * it more than 6 % short of the budget (the machine got faster again after a busy
 * while), they are lengthened to those that fit in 97 % of it, at most p->cap. The 3 %
 * on either side keeps a pace that varies a little from re-planning. A pace that swings
 * more from look to look (a busy machine: 0.29 to 0.48 s an iteration) re-planned at
 * every look, cutting and lengthening by turns, so the pace over all the iterations since
 * the last re-plan (the loop's start before one) must say so too, by a wider margin (see
 * below); it lags a lasting change only until the time spent shows it, and the cut is
 * still to the look's pace, so a run that got slower still ends within the budget. The last
 * validation and the work after the loop were timed with the plan: they come after the
 * iterations, at the pace of now, so on a machine that is slower now than then they
 * take longer by as much as the iterations do, and are counted so; one that was slower
 * a while and is no longer counts them as timed (never less). Once the run has re-planned,
 * a look comes too halfway from the last one to the run's end, however little time has
 * passed: a run cut at a slow pace to iterations that take less than p->min_s would
 * otherwise end before it looks again, never seeing the machine get faster (the
 * iterations left then take less time still). So does a run planned at a pace timed on
 * a busy machine, where its loop goes well faster: its plan alike. Rank 0 decides for all */
static long budget_look(const ts_train_cfg *c, budget_pace *p, long done, int rank, int nranks)
{
    long iters = c->iters;
    double now = budget_now();
    /* the halfway look also where the pace since the loop's start is well faster than the
     * pace planned at (the machine was busy while the run was timed): the iterations
     * planned may then all take less than p->min_s */
    const int faster = !p->replanned && done > p->since_it && p->per0 > 0 &&
                       (now - p->since) / (double)(done - p->since_it) < 0.8 * p->per0;
    const int halfway = (p->replanned || faster) && 2 * (done - p->last_it) >= iters - p->last_it;
    if (rank == 0 && done > p->last_it && (now - p->last >= p->min_s || halfway)) {
        p->per = (now - p->last) / (double)(done - p->last_it);
        p->last = now;
        p->last_it = done;
        const double el = now - p->t_start;
        /* the end at the look's pace and at the pace since the last re-plan (k 0, 1), the
         * work after the loop slower by as much */
        const double per[2] = {p->per, (now - p->since) / (double)(done - p->since_it)};
        double e[2], aft[2];
        for (int k = 0; k < 2; k++) {
            aft[k] = (p->val_s + p->after_s) * (p->per0 > 0 && per[k] > p->per0 ? per[k] / p->per0 : 1);
            e[k] = el + per[k] * (double)(iters - done) + aft[k];
        }
        /* the pace since the re-plan is read once it spans 4 looks' time (or at a look
         * halfway to the end): a cut needs it to end the run more than 2 % past the budget
         * too, a lengthening more than 8 % short of it. The iterations left that take less
         * than that at the look's pace are cut on that pace alone, as a later look could
         * not mend them */
        const double span = 4 * p->min_s;
        const int near = p->per * (double)(iters - done) < span;
        const int looked = now - p->since >= span || halfway;
        const int cut = e[0] > c->budget_s && (near || (looked && e[1] > 1.02 * c->budget_s));
        if (cut || (looked && e[0] < 0.94 * c->budget_s && e[1] < 0.92 * c->budget_s)) {
            /* a cut at the look's pace (the budget kept to as before), a lengthening at the
             * slower of the two */
            const int k = cut || per[0] > per[1] ? 0 : 1;
            double left = 0.97 * c->budget_s - el - aft[k];
            double m = left > 0 ? floor(left / per[k]) : 0;
            if (m > (double)(p->cap - done)) m = (double)(p->cap - done);
            /* a cut where past the budget, a lengthening where short of it: never the other */
            if (cut ? m < (double)(iters - done) : m > (double)(iters - done)) {
                iters = done + (long)m;
                p->replanned = 1;
                p->since = now;
                p->since_it = done;
            }
        }
    }
#ifdef TS_MPI
    if (nranks > 1) {
        MPI_Bcast(&iters, 1, MPI_LONG, 0, MPI_COMM_WORLD);
        MPI_Bcast(&p->per, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
#else
    (void)nranks;
#endif
    return iters;
}

/* what a resume of a --budget run of iters iterations is given: those, and the options
 * of the model's work after the loop as planned, into with (n bytes) */
static void resume_with_put(const ts_train_net *net, long iters, int rank, char *with, size_t n)
{
    const char *more = net->after && net->after_options && rank == 0 ? net->after_options(net->ctx) : "";
    snprintf(with, n, "--iters %ld%s%s", iters, more && *more ? " " : "", more ? more : "");
}

/* the same JSON-escaped, to free */
static char *resume_with(const ts_train_net *net, long iters, int rank)
{
    char with[320];
    resume_with_put(net, iters, rank, with, sizeof with);
    return ts_json_escape(with);
}

/* ---- data parallelism ---- */

#ifdef TS_MPI
static void mpi_finalize(void)
{
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin) MPI_Finalize();
}
#endif

int ts_train_mpi_init(void)
{
#ifdef TS_MPI
    static const char *const launched[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", NULL};
    int started = 0;
    for (int i = 0; launched[i]; i++) started |= getenv(launched[i]) != NULL;
    int inited = 0;
    MPI_Initialized(&inited);
    if (!started || inited) return 0;
    int provided;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return ts_fail("MPI_Init failed");
    atexit(mpi_finalize);
#else
    /* R copies of one process would each train alone and write the same files */
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (!n) n = getenv("PMI_SIZE");
    if (n && atoi(n) > 1)
        return ts_fail("this tracesynth was built without MPI (make MPI=0) but runs as one of %d processes "
                       "under mpirun; rebuild with Open MPI installed", atoi(n));
#endif
    return 0;
}

void ts_train_world(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
#ifdef TS_MPI
    int inited = 0, fin = 0;
    MPI_Initialized(&inited);
    MPI_Finalized(&fin);
    if (inited && !fin) {
        MPI_Comm_rank(MPI_COMM_WORLD, rank);
        MPI_Comm_size(MPI_COMM_WORLD, size);
    }
#endif
}

static long valid_iter = -1;

/* ok on every rank: rank 0 alone writes (model, checkpoint, log), so a write that fails
 * there is told to the others, which would otherwise wait for it in the next reduction;
 * called by every rank at the same points */
static int all_ok(int ok, int nranks, const char *name)
{
#ifdef TS_MPI
    if (nranks > 1) {
        int all = ok;
        MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (!all && ok) ts_fail("%s: rank 0 stopped (its error is the line before)", name);
        return all;
    }
#else
    (void)nranks;
    (void)name;
#endif
    return ok;
}

int ts_train_agree(int ok, const char *name)
{
    int rank, nranks;
    ts_train_world(&rank, &nranks);
    return all_ok(ok, nranks, name);
}

long ts_train_valid_iter(void)
{
    return valid_iter;
}

static ts_train_hook the_hook;
static void *the_hook_ud;

/* ---- the weights' moving average (--ema) ---- */

/* the decay after Adam step t: min(d, (1 + t) / (10 + t)), so that the average
 * forgets its random start within the first steps */
static float ema_decay(double d, long t)
{
    double w = (1.0 + (double)t) / (10.0 + (double)t);
    return (float)(w < d ? w : d);
}

/* ema = d ema + (1 - d) p, in one pass (any thread count: element-wise) */
static void ema_update(float *ema, const float *p, size_t n, float d)
{
    const float e = 1.0f - d;
    const long nn = (long)n;
    #pragma omp parallel for simd schedule(static) if (nn > 262144)
    for (long i = 0; i < nn; i++) ema[i] = d * ema[i] + e * p[i];
}

void ts_train_set_hook(ts_train_hook hook, void *ud)
{
    the_hook = hook;
    the_hook_ud = ud;
}

int ts_train_iter(const ts_train_net *net, ts_adam *adam, ts_rng *rng, double lr, double clip, float *loss,
                  double *gnorm)
{
    const size_t np = net->n;
    int rank, size;
    ts_train_world(&rank, &size);
    memset(net->grads, 0, np * sizeof(float));
    *loss = 0;
    if (size == 1) {
        if (net->step(net->ctx, rng, loss) != 0) return -1;
    } else {
#ifdef TS_MPI
        /* a share that fails still joins the sums, with a NaN loss: the other ranks stop as at a
         * divergence instead of waiting for it */
        int prc = net->step_part(net->ctx, rng, rank, size, loss);
        if (prc != 0) *loss = NAN;
        TS_PROF_PUSH(TS_PROF_COMM);
        /* the shares' gradients and losses summed: the whole batch's, on every rank */
        MPI_Allreduce(MPI_IN_PLACE, net->grads, (int)np, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        MPI_Allreduce(MPI_IN_PLACE, loss, 1, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        TS_PROF_POP();
        if (prc != 0) return -1;
#endif
    }
    TS_PROF_PUSH(TS_PROF_OPTIM);
    if (net->mask_grads) net->mask_grads(net->ctx, net->grads);
    *gnorm = ts_clip_grad_norm(net->grads, np, clip);
    if (isfinite(*loss) && isfinite(*gnorm)) ts_adam_step(adam, lr);
    TS_PROF_POP();
    return 0;
}

void ts_train_cfg_take(ts_train_cfg *cfg, const ts_train_opts *o, const char *start)
{
    cfg->seed = o->seed;
    cfg->out_path = o->out_path;
    cfg->resume = o->resume;
    cfg->log_path = o->log_path;
    cfg->progress = o->progress;
    cfg->start_log = start;
}

int ts_train_run(const ts_train_net *net, const ts_train_cfg *c0)
{
    const size_t np = net->n;
    memset(&last_run, 0, sizeof last_run);   /* a failed run leaves no note of an earlier one */
    memset(&replans, 0, sizeof replans);
    memset(&stopped, 0, sizeof stopped);
    resume_note[0] = 0;
    int rank, nranks;
    ts_train_world(&rank, &nranks);
    if (nranks > 1 && !net->step_part)
        return ts_fail("%s: no data-parallel training (mpirun with %d processes); run one process", net->name,
                       nranks);
    /* under MPI only rank 0 writes: the model, the checkpoint, the log, the progress bar */
    ts_train_cfg cw = *c0;
    if (rank != 0) {
        cw.out_path = NULL;
        cw.log_path = NULL;
        cw.progress = 0;
    }
    const ts_train_cfg *c = &cw;
    if (!c->resume && (warmup_unread(c, NULL) || patience_unseen(c, NULL))) return -1;
    /* a budget sets --iters from a time a resume cannot know again: refused with it,
     * before the log is cut, naming the iterations of a re-planned checkpoint */
    if (c->budget_s > 0 && c->resume && !the_hook) {
        long long at;
        long iters;
        if (replan_peek(c->resume, &at, &iters))
            return ts_fail("%s: --budget starts a run; this checkpoint's run re-planned at iteration %lld to %ld "
                           "iterations: resume it with --iters %ld in place of --budget (and any other option of "
                           "that \"replan\" record's resume_with)", c->resume, at, iters, iters);
        if (iters_peek(c->resume, &iters))
            return ts_fail("%s: --budget starts a run; resume it without --budget (with no --iters it goes on to "
                           "the %ld iterations the run chose; its start record's \"resume_with\" names them with "
                           "any option of the model's work after them to give again)",
                           c->resume, iters);
        return ts_fail("%s: --budget starts a run; resume it with what its start record's \"resume_with\" names "
                       "(--iters N, the iterations it chose, and any option of the model's work after them)",
                       c->resume);
    }
    char *ckpt = NULL;
    int ok = 1;
    if (c->out_path) {
        size_t n = strlen(c->out_path) + 6;
        ckpt = ts_malloc(n);
        snprintf(ckpt, n, "%s.ckpt", c->out_path);
        ok = check_writable(c->out_path, "model") == 0 && check_writable(ckpt, "checkpoint") == 0;
    }
    if (ok && c->log_path && ts_log_check(c->log_path, "training log") != 0) ok = 0;
    /* two runs writing one model (its checkpoint with it) or one log would interleave
     * their saves and records: the second is refused while the first runs */
    ts_path_hold lock_out = {-1}, lock_log = {-1};
    if (ok && c->out_path && ts_path_lock(c->out_path, "model", &lock_out) != 0) ok = 0;
    if (ok && c->log_path && ts_path_lock(c->log_path, "training log", &lock_log) != 0) ok = 0;
    if (!all_ok(ok, nranks, net->name)) {
        ts_path_unlock(&lock_out);
        ts_path_unlock(&lock_log);
        free(ckpt);
        return -1;
    }

    const double t_start = budget_now();   /* a --budget counts from here */
    ts_adam adam;
    ts_adam_init(&adam, net->params, net->grads, np);
    unsigned char *frozen = NULL;
    float *best = ts_alloc_aligned(np * sizeof(float));
    memcpy(best, net->params, np * sizeof(float));
    /* the weights' average (--ema, or a resumed run's), and the live weights while it is
     * validated in their place */
    float *ema = c->ema > 0 || c->resume ? ts_alloc_aligned((np ? np : 1) * sizeof(float)) : NULL, *live = NULL;
    int has_ema = 0;
    train_state st;
    memset(&st, 0, sizeof st);
    st.best = INFINITY;
    st.best_iter = -1;
    ts_rng rng;
    ts_rng_seed(&rng, c->seed ^ 0x747261696eull);
    int rc = -1;
    replan_state rp = {-1, 0, 0};
    long rp_iters = -1;   /* a re-planned checkpoint's iterations in all */
    long run_iters = -1;  /* the checkpoint's run's iterations (section ITERS) */
    if (c->resume) {
        /* every rank reads it; the options not given again are the checkpoint's */
        ok = ckpt_read(c->resume, net, &cw, &adam, best, ema, &has_ema, &st, &rp, &rp_iters, &run_iters) == 0;
        /* a re-planned run goes on with the schedule it was laid over, spread from its last
         * re-plan to the iterations it re-planned to (the same rates): those when --iters
         * is not given; another count would spread the rest of it over other iterations */
        if (ok && rp.at >= 0) {
            cw.lr.total = rp.total;
            if (c->defaulted & TS_TRAIN_DEFAULT_ITERS) cw.iters = rp_iters;
            else if (c->iters != rp_iters) {
                ts_fail("%s: the checkpoint of a --budget run re-planned at iteration %lld to %ld iterations: "
                        "resume it with --iters %ld, or without --iters (--iters %ld would lay the rest of its "
                        "schedule over other iterations)", c->resume, (long long)rp.at, rp_iters, rp_iters,
                        c->iters);
                ok = 0;
            }
        }
        /* --iters not given: the iterations of the checkpoint's run, its schedule laid over
         * them, as the run's rate and schedule are taken (a count given wins: a longer run) */
        else if (ok && run_iters >= 0 && (c->defaulted & TS_TRAIN_DEFAULT_ITERS))
            cw.iters = cw.lr.total = run_iters;
        /* a checkpoint written before ITERS: the count its run's start (or resume) record
         * names, read by every rank (c0's log: only rank 0 writes one); where none does,
         * the model's default, said */
        int by_default = 0;
        if (ok && rp.at < 0 && run_iters < 0 && (c->defaulted & TS_TRAIN_DEFAULT_ITERS)) {
            long li;
            if (log_run_iters(c0->log_path, (long)st.iter, st.run, &li)) cw.iters = cw.lr.total = li;
            else by_default = 1;
        }
        /* fewer iterations than the checkpoint has made would hand back its longer-trained
         * model as this run's: refused before the log is cut */
        if (ok && st.iter > c->iters) {
            if (by_default)
                ts_fail("%s: the checkpoint is at iteration %lld, past %ld, the model's default count of iterations, "
                        "which a resume without --iters takes where the checkpoint holds no count of its run's "
                        "(written before checkpoints kept one) and no log's start record of its run names one: give "
                        "--iters N (%lld or more)", c->resume, (long long)st.iter, c->iters, (long long)st.iter);
            else
                ts_fail("%s: the checkpoint is at iteration %lld, past --iters %ld", c->resume, (long long)st.iter,
                        c->iters);
            ok = 0;
        }
        if (ok && by_default)
            snprintf(resume_note, sizeof resume_note, "%s: the checkpoint holds no count of its run's iterations "
                     "(written before checkpoints kept one), nor does a log's start record of its run: the resume "
                     "went on to %ld, the model's default; --iters N resumes it to N", c->resume, c->iters);
        if (ok && (warmup_unread(c, c->resume) || patience_unseen(c, c->resume))) ok = 0;
        if (ok) {
            memcpy(rng.s, st.rng, sizeof rng.s);
            rng.has_gauss = st.has_gauss;
            rng.gauss = st.gauss;
            ok = ts_train_log_truncate(c->log_path, (long)st.iter, st.run) == 0;
        }
    }
    adam.weight_decay = c->weight_decay;
    adam.decoupled = c->weight_decay > 0;
    /* what mask_grads zeroes is not trained: the decay leaves it as it is too */
    if (net->mask_grads && c->weight_decay > 0) {
        frozen = ts_malloc(np ? np : 1);
        for (size_t i = 0; i < np; i++) net->grads[i] = 1;
        net->mask_grads(net->ctx, net->grads);
        for (size_t i = 0; i < np; i++) frozen[i] = net->grads[i] == 0;
        memset(net->grads, 0, np * sizeof(float));
        adam.frozen = frozen;
    }

    if (the_hook) {
        if (all_ok(ok, nranks, net->name)) rc = the_hook(net, c, &adam, &rng, the_hook_ud);
        goto done;
    }
    /* every rank into the budget's timing, or none */
    if (!all_ok(ok, nranks, net->name)) goto done;
    double after_s = 0, val_s = 0, per_s = 0;
    if (c->budget_s > 0) {
        long n;
        if (budget_iters(net, c, ckpt, &adam, &rng, t_start, rank, nranks, &n, &after_s, &val_s, &per_s) != 0)
            ok = 0;
        else {
            cw.iters = n;
            cw.lr.total = n;
            if ((c->defaulted & TS_TRAIN_DEFAULT_WARMUP) && c->lr.kind != TS_LR_CONSTANT)
                cw.lr.warmup = c->warmup_default < n / 20 ? c->warmup_default : n / 20;
        }
    }
    /* the average starts from the weights the loop starts from (a checkpoint without
     * one: its live weights) */
    if (c->ema > 0) {
        if (!has_ema) memcpy(ema, net->params, np * sizeof(float));
        live = ts_alloc_aligned((np ? np : 1) * sizeof(float));
    }
    /* a checkpoint from before runs were named continues as a run of its own */
    if (!st.run) st.run = new_run_id();
    /* a budget's start record names what its resume is given: the iterations chosen and
     * the options of the model's work after them as planned */
    char budget[512] = "";
    if (c->budget_s > 0) {
        char *w = resume_with(net, c->iters, rank);
        snprintf(budget, sizeof budget, ",\"budget_s\":%g,\"after_s\":%.1f,\"resume_with\":\"%s\"", c->budget_s,
                 after_s, w);
        free(w);
    }
    /* the average's decay in effect (given, or a resumed checkpoint's): start and resume records name it */
    char ema_json[48] = "";
    if (c->ema > 0) snprintf(ema_json, sizeof ema_json, ",\"ema\":%g", c->ema);
    /* and the weight decay and clip in effect, where on (a resume's: given, or its checkpoint's) */
    char optim_json[96] = "";
    if (c->weight_decay > 0) snprintf(optim_json, sizeof optim_json, ",\"weight_decay\":%g", c->weight_decay);
    if (c->clip > 0)
        snprintf(optim_json + strlen(optim_json), sizeof optim_json - strlen(optim_json), ",\"clip\":%g", c->clip);
    /* and --patience, where on (a resume's: given, or its checkpoint's) */
    char pat_json[48] = "";
    if (c->patience > 0) snprintf(pat_json, sizeof pat_json, ",\"patience\":%ld", c->patience);
    /* a record that cannot be written (disk full) stops the run: the log would be
     * missing lines, or hold a broken one */
    if (ok && c->log_path && !c->resume &&
        ts_train_log(c->log_path, "\"event\":\"start\",\"model\":\"%s\",\"run\":\"%016" PRIx64 "\",\"schedule\":\"%s\","
                     "\"warmup\":%ld%s,\"iters\":%ld%s%s%s%s%s", net->name, st.run, ts_lr_name(c->lr.kind),
                     c->lr.warmup, optim_json, c->iters, budget, ema_json, pat_json, c->start_log ? "," : "",
                     c->start_log ? c->start_log : "") != 0)
        ok = 0;
    if (ok && c->log_path && c->resume) {
        char *from = ts_json_escape(c->resume);   /* a path may hold quotes */
        char drop_json[48] = "";   /* the dropout in effect (given, or the checkpoint's) */
        if (net->dropout) snprintf(drop_json, sizeof drop_json, ",\"dropout\":%g", *net->dropout);
        /* a re-planned run's: its last re-plan, and the iterations it ended at then */
        char rp_json[96] = "";
        if (rp.at >= 0)
            snprintf(rp_json, sizeof rp_json, ",\"replan_iter\":%lld,\"replan_iters\":%ld", (long long)rp.at,
                     rp_iters);
        ok = ts_train_log(c->log_path, "\"event\":\"resume\",\"run\":\"%016" PRIx64 "\",\"from\":\"%s\",\"iter\":%lld,\"iters\":%ld,"
                          "\"lr\":%g,\"schedule\":\"%s\",\"warmup\":%ld%s%s%s%s%s,\"best_valid_loss\":%.6g", st.run,
                          from, (long long)st.iter, c->iters, c->lr.lr, ts_lr_name(c->lr.kind), c->lr.warmup,
                          optim_json, ema_json, drop_json, rp_json, pat_json, st.best) == 0;
        free(from);
    }
    if (!all_ok(ok, nranks, net->name)) goto done;

    ts_progress prog;
    ts_progress_start(&prog, "train", c->iters);
    prog.enabled = c->progress;
    prog.first = (long)st.iter;   /* a resumed run's rate and time left: its own iterations */
    /* the log's elapsed_s counts from here, every record alike, as the bar does: this
     * run's loop, after a --budget's timing */
    double t0 = budget_now();
    long it0 = (long)st.iter;
    ts_train_log_since(t0, budget_now);   /* the model's records after the loop too */
    /* a --budget's looks at the pace start from here, each over at least a fiftieth of the
     * budget (0.5 s to a minute): a pace measured over less says little on a shared machine
     * (after a re-plan, less at the halfway looks budget_look adds near the run's end) */
    const double look_s = c->budget_s / 50;
    const double min_s = look_s < 0.5 ? 0.5 : look_s > 60 ? 60 : look_s;
    budget_pace pace = {t_start, val_s, after_s, per_s, min_s, t0, it0, 0, t0, it0, c0->iters, 0};
    double loss_sum = st.loss_sum;
    long loss_n = (long)st.loss_n;
    const char *kept = NULL;
    double last_vl = NAN;   /* this run's last validation loss, and its iteration (-1: none yet) */
    long last_vi = -1;
    /* the model file holds the best so far: this run saved it, or it is the resumed run's
     * own (a resume from another file's checkpoint has written nothing under -o yet, nor
     * has a run stopped before its first validation that improved on its checkpoint's) */
    int written = ckpt && c->resume && st.best_iter >= 0 && ts_same_file(c->resume, ckpt) == 1 &&
                  ts_file_exists(c->out_path);
    /* whether that file holds the checkpoint's best (kept_is of diverged), by the checksum
     * the checkpoint recorded of it, which later checkpoints keep until the file is written */
    uint32_t out_sum = 0, now_sum;
    unsigned char sb4[4];
    int has_sum = written && ckpt_peek(c->resume, "OUTSUM", sb4, sizeof sb4);
    if (has_sum) out_sum = ts_le_get32(sb4);
    int kept_is = !has_sum ? -1 : file_sum(c->out_path, &now_sum) && now_sum == out_sum;
    /* --patience's validations without a new best reached: the run ends at its last
     * validation (already, for a resume of a run that stopped early) */
    int stop = c->patience > 0 && st.stale >= c->patience;
    char extra[96] = "";   /* the bar's text after the last iteration */
    for (long it = (long)st.iter; it < c->iters && !stop; it++) {
        kept = written ? c->out_path : NULL;
        float loss = 0;
        double gn = 0, lr = lr_of(c, &rp, it);
        if (ts_train_iter(net, &adam, &rng, lr, c->clip, &loss, &gn) != 0) { ts_progress_end(&prog); goto done; }
        if (!isfinite(loss) || !isfinite(gn)) {   /* (no update was made) */
            ts_progress_end(&prog);
            ts_train_log(c->log_path, "\"event\":\"diverged\",\"iter\":%ld", it + 1);   /* the error is this: */
            diverged(c, net, it + 1, "loss", (double)loss, gn, kept, kept_is, (long long)st.best_iter, st.best,
                     (long long)st.iter, last_vi == (long)st.iter ? last_vl : NAN);
            goto done;
        }
        if (c->ema > 0) ema_update(ema, net->params, np, ema_decay(c->ema, adam.step));
        loss_sum += loss;
        loss_n++;
        long done_it = it + 1;
        double el = budget_now() - t0;
        double ips = el > 0 ? (double)(done_it - it0) / el : 0;
        /* the pace looked at with the log records as well as the validations: a run whose
         * validations are rare (a --valid-every above its iterations: the last only) still
         * sees a machine that gets slower */
        if ((done_it % c->log_every == 0 || done_it % c->valid_every == 0) && done_it < c->iters &&
            c->budget_s > 0) {
            long was = c->iters;
            cw.iters = budget_look(c, &pace, done_it, rank, nranks);
            if (cw.iters != was) {
                /* the rest of the schedule from where it is now, over the iterations left */
                rp.pos = rp.at >= 0 ? replan_pos(&rp, was, done_it) : (double)done_it;
                rp.at = done_it;
                rp.total = c->lr.total;
                prog.total = c->iters;
                if (!replans.n++) replans.planned = was;
                replans.iters = c->iters;
                resume_with_put(net, c->iters, rank, replans.with, sizeof replans.with);
                char *w = ts_json_escape(replans.with);
                /* before a validation record of this iteration: a resume from its checkpoint,
                 * or from any later one (which hold the re-plan), keeps it */
                ok = ts_train_log(c->log_path, "\"event\":\"replan\",\"iter\":%ld,\"iters\":%ld,\"was\":%ld,"
                                  "\"s_per_it\":%.4g,\"elapsed_s\":%.1f,\"resume_with\":\"%s\"", done_it, c->iters,
                                  was, pace.per, pace.last - t0, w) == 0;
                free(w);
                if (prog.enabled)
                    fprintf(stderr, "%strain: re-planned at iteration %ld: %ld iterations in all (was %ld) to keep to "
                            "--budget %gs at %.3g s an iteration%s\n", prog.tty ? "\r" : "", done_it, c->iters, was,
                            c->budget_s, pace.per, prog.tty ? "\033[K" : "");
                if (!all_ok(ok, nranks, net->name)) { ts_progress_end(&prog); goto done; }
            }
        }
        /* after a look: a re-plan that ends the run here (at a validation between log
         * records) logs its last iteration and draws its last line, at its new total; so
         * does a validation that may end it by --patience (one more without a new best) */
        const int may_stop = c->patience > 0 && done_it % c->valid_every == 0 && st.stale + 1 >= c->patience;
        if (done_it % c->log_every == 0 || done_it == c->iters || may_stop) {
            ok = ts_train_log(c->log_path, "\"iter\":%ld,\"loss\":%.6g,\"lr\":%.6g,\"grad_norm\":%.6g,"
                              "\"it_s\":%.3f,\"elapsed_s\":%.1f", done_it, loss_sum / loss_n, lr, gn, ips, el) == 0;
            if (!all_ok(ok, nranks, net->name)) {
                ts_progress_end(&prog);
                goto done;
            }
            loss_sum = 0;
            loss_n = 0;
        }
        if (done_it % c->valid_every == 0 || done_it == c->iters) {
            double vl = 0;
            valid_iter = done_it;
            /* the average in the weights' place (every rank: best and the model are it),
             * until the model is saved */
            if (live) {
                memcpy(live, net->params, np * sizeof(float));
                memcpy(net->params, ema, np * sizeof(float));
            }
            int vrc = rank == 0 ? net->validate(net->ctx, &vl) : 0;
            valid_iter = -1;
#ifdef TS_MPI
            if (nranks > 1) {   /* rank 0's verdict for all, so that they decide alike */
                double msg[2] = {vrc, vl};
                MPI_Bcast(msg, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
                vrc = (int)msg[0];
                vl = msg[1];
                if (vrc != 0 && rank != 0) ts_fail("%s: validation failed on rank 0", net->name);
            }
#endif
            if (live && (vrc != 0 || !isfinite(vl))) memcpy(net->params, live, np * sizeof(float));
            if (vrc != 0) { ts_progress_end(&prog); goto done; }
            if (!isfinite(vl)) {
                ts_progress_end(&prog);
                ts_train_log(c->log_path, "\"event\":\"diverged\",\"iter\":%ld", done_it);
                diverged(c, net, done_it, "validation loss", vl, -1, kept, kept_is, (long long)st.best_iter,
                         st.best, (long long)st.iter, last_vi == (long)st.iter ? last_vl : NAN);
                goto done;
            }
            last_vl = vl;
            last_vi = done_it;
            int improved = vl < st.best;
            st.stale = improved ? 0 : st.stale + 1;
            ok = 1;
            if (improved) {
                st.best = vl;
                st.best_iter = done_it;
                memcpy(best, net->params, np * sizeof(float));
                if (c->out_path && net->save(net->ctx, c->out_path) != 0) ok = 0;
                else if (c->out_path) {
                    written = kept_is = 1;
                    has_sum = file_sum(c->out_path, &out_sum);
                }
            }
            if (live) memcpy(net->params, live, np * sizeof(float));   /* training goes on from them */
            st.iter = done_it;
            st.adam_step = adam.step;
            memcpy(st.rng, rng.s, sizeof st.rng);
            st.has_gauss = rng.has_gauss;
            st.gauss = rng.gauss;
            st.loss_sum = loss_sum;
            st.loss_n = loss_n;
            /* the record before the checkpoint: a run stopped between the two resumes from
             * the one before and cuts the record, never from this one without it */
            if (ok && ts_train_log(c->log_path, "\"iter\":%ld,\"valid_loss\":%.6g,\"best_valid_loss\":%.6g,"
                                   "\"best_iter\":%lld,\"saved\":%s", done_it, vl, st.best, (long long)st.best_iter,
                                   improved && c->out_path ? "true" : "false") != 0)
                ok = 0;
            if (ok && ckpt && ckpt_write(ckpt, net, c, &adam, best, ema, &st, &rp, has_sum ? &out_sum : NULL) != 0)
                ok = 0;
            if (!all_ok(ok, nranks, net->name)) { ts_progress_end(&prog); goto done; }
            stop = c->patience > 0 && st.stale >= c->patience;   /* every rank alike: rank 0's loss */
        }
        /* after its validation: the line at the last iteration shows the best the run ends with */
        bar_extra(extra, sizeof extra, loss, &st);
        ts_progress_update(&prog, done_it, extra);
    }
    /* a run stopped by --patience: its last line where it stopped */
    if (stop && (long)st.iter > it0) ts_progress_final(&prog, (long)st.iter, extra);
    ts_progress_end(&prog);
    if (st.best_iter >= 0) memcpy(net->params, best, np * sizeof(float));
    /* stopped before its last iteration: the records after the checkpoint's validation
     * record, which a resume from it cuts and writes again */
    const long end_iter = stop ? (long)st.iter : c->iters;
    const int early = stop && end_iter < c->iters;
    ok = 1;
    if (early)
        ok = ts_train_log(c->log_path, "\"event\":\"early_stop\",\"iter\":%ld,\"iters\":%ld,\"best_iter\":%lld,"
                          "\"best_valid_loss\":%.6g,\"patience\":%ld", end_iter, c->iters, (long long)st.best_iter,
                          st.best, c->patience) == 0;
    ok = ok && ts_train_log(c->log_path, "\"event\":\"end\",\"iter\":%ld,\"best_valid_loss\":%.6g,\"best_iter\":%lld",
                            end_iter, st.best, (long long)st.best_iter) == 0;   /* a resume past it is refused */
    if (!all_ok(ok, nranks, net->name)) goto done;
    if (early) {
        stopped.set = 1;
        stopped.iter = end_iter;
        stopped.best_iter = (long)st.best_iter;
        stopped.patience = c->patience;
    }
    if (last_vi >= 0 && st.best_iter >= 0) {
        last_run.set = 1;
        snprintf(last_run.name, sizeof last_run.name, "%s", net->name);
        last_run.best = st.best;
        last_run.best_iter = (long long)st.best_iter;
        last_run.last = last_vl;
        last_run.last_iter = last_vi;
        last_run.lr = c->lr.lr;
        last_run.chance = net->chance;
    } else if (st.best_iter < 0 && c->iters == 0) {   /* nothing learned, nothing validated */
        last_run.set = 1;
        last_run.untrained = 1;
        snprintf(last_run.name, sizeof last_run.name, "%s", net->name);
    }
    rc = 0;
done:
    ts_path_unlock(&lock_out);
    ts_path_unlock(&lock_log);
    ts_adam_free(&adam);
    free(frozen);
    ts_free_aligned(best);
    ts_free_aligned(ema);
    ts_free_aligned(live);
    free(ckpt);
    return rc;
}
