/* The toy task of the diffusion model tests (test_sssd, test_sashimi): windows of a
 * period-5 sequence, the training options for them, the model's files in the scratch
 * folder, its log's losses, and imputation with a reload of the saved file. After
 * check.h. */
#ifndef TS_TEST_DIFFUSION_TOY_H
#define TS_TEST_DIFFUSION_TOY_H

#include "tracesynth.h"
#include "train_kv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* windows of a period-5 sequence, in train/valid/test splits */
typedef struct { ts_split split; } toy;

/* n windows of L of the sequence */
static inline ts_windows toy_windows(size_t n, size_t L)
{
    ts_windows w = {ts_malloc(n * L * sizeof(int32_t)), n, L};
    for (size_t i = 0; i < n; i++)
        for (size_t l = 0; l < L; l++) w.data[i * L + l] = (int32_t)((i * 3 + l) % 5);
    return w;
}

/* ntrain training windows of L, 16 validation and 16 test windows */
static inline void toy_make(toy *t, size_t ntrain, size_t L)
{
    memset(t, 0, sizeof *t);
    t->split.len = L;
    t->split.train = toy_windows(ntrain, L);
    t->split.valid = toy_windows(16, L);
    t->split.test = toy_windows(16, L);
}

static inline void toy_free(toy *t)
{
    ts_windows_free(&t->split.train);
    ts_windows_free(&t->split.valid);
    ts_windows_free(&t->split.test);
}

/* t's training options: 5 IDs, centre blackouts of 4, seed 42, the model's options kv */
static inline ts_train_opts toy_opts(const toy *t, kvbuf *kv)
{
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &t->split;
    o.n_ids = 5;
    o.blackout = 4;
    o.mask_pos = TS_MASK_CENTER;
    o.seed = 42;
    o.kv = kv_of(kv);
    return o;
}

/* mean "loss" of the first and last k iteration lines of a JSON-lines log */
static inline int log_losses(const char *path, double *first, double *last)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[1024];
    double v[4096];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < 4096) {
        char *p = strstr(line, "\"loss\":");
        if (p) v[n++] = atof(p + 7);
    }
    fclose(f);
    if (n < 6) return -1;
    *first = (v[0] + v[1] + v[2]) / 3;
    *last = (v[n - 1] + v[n - 2] + v[n - 3]) / 3;
    return 0;
}

/* the first line of the file at path in line (n bytes). 0 / -1 */
static inline int first_line(const char *path, char *line, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fgets(line, (int)n, f) != NULL;
    fclose(f);
    return ok ? 0 : -1;
}

/* a model's files in the scratch folder: its log <stem>.jsonl, its file <stem>.tsm,
 * and <stem>-edited.tsm for edited copies of that */
typedef struct { char log[512], out[512], edited[512]; } model_files;

static inline void model_files_in(model_files *f, const char *dir, const char *stem)
{
    snprintf(f->log, sizeof f->log, "%s/%s.jsonl", dir, stem);
    snprintf(f->out, sizeof f->out, "%s/%s.tsm", dir, stem);
    snprintf(f->edited, sizeof f->edited, "%s/%s-edited.tsm", dir, stem);
}

/* `name` trained with kv on t, logged to f->log and saved to f->out (*m). 0 / -1 */
static inline int train_to(const char *name, const toy *t, kvbuf *kv, const model_files *f, ts_model **m)
{
    ts_train_opts o = toy_opts(t, kv);
    o.log_path = f->log;
    o.out_path = f->out;
    *m = NULL;
    return ts_model_train(name, &o, m);
}

/* the first 5 of the toy's test windows of 24, their centre blackouts of 4 and
 * their imputation */
typedef struct { ts_windows x, y; uint8_t *mask; } toy_imputed;

/* m imputes the first 5 of t's test windows with ro: the observed ids kept, every id
 * in 0..4; the file at path loads (*m2, under m's name) and imputes the same bits.
 * *m2 NULL where a step fails; r->y is the caller's to free, r->mask too */
static inline void impute_and_reload(ts_model *m, const char *path, toy *t, const ts_run_opts *ro, toy_imputed *r,
                              ts_model **m2)
{
    const size_t L = 24, nw = 5;
    *m2 = NULL;
    r->x = (ts_windows){t->split.test.data, nw, L};
    r->mask = ts_malloc(nw * L);
    ts_mask_fill(r->mask, nw, L, 4, TS_MASK_CENTER, 0);
    REQUIRE(ts_model_impute(m, &r->x, r->mask, ro, &r->y) == 0);
    for (size_t i = 0; i < nw * L; i++) {
        if (r->mask[i]) CHECK(r->y.data[i] == r->x.data[i]);
        CHECK(r->y.data[i] >= 0 && r->y.data[i] < 5);
    }
    ts_model *l = NULL;
    CHECK_MSG(ts_model_load(path, &l) == 0, "%s", ts_error());
    REQUIRE(l);
    CHECK(!strcmp(l->ops->name, m->ops->name));
    ts_windows y2;
    if (ts_model_impute(l, &r->x, r->mask, ro, &y2) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        ts_model_free(l);
        return;
    }
    CHECK(memcmp(r->y.data, y2.data, nw * L * sizeof(int32_t)) == 0);
    ts_windows_free(&y2);
    *m2 = l;
}

/* m generates 3 windows of 24 with ro, every id in 0..4 */
static inline void generates_toy_ids(ts_model *m, const ts_run_opts *ro)
{
    ts_windows g;
    REQUIRE(ts_model_generate(m, 3, 24, ro, &g) == 0);
    for (size_t i = 0; i < 3 * 24; i++) CHECK(g.data[i] >= 0 && g.data[i] < 5);
    ts_windows_free(&g);
}

/* the file at path is refused: a load fails with no model, its error naming the
 * file and `want` */
static inline int load_refused(const char *path, const char *want)
{
    ts_model *m = NULL;
    int rc = ts_model_load(path, &m);
    if (m) {
        ts_model_free(m);
        return 0;
    }
    return rc == -1 && strstr(ts_error(), path) && strstr(ts_error(), want);
}

#endif
