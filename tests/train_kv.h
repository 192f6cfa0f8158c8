/* The model options of the model tests' ts_model_train calls (test_sssd, test_sashimi,
 * test_mdm): a fixed list of --KEY VALUE pairs (the strings are not copied), and a run
 * of such options into a file, resumed and logged; the dataset their CLI runs train on. */
#ifndef TS_TEST_TRAIN_KV_H
#define TS_TEST_TRAIN_KV_H

#include "tracesynth.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct { const char *k[24]; const char *v[24]; int n; } kvbuf;

static inline void kv_add(kvbuf *b, const char *k, const char *v) { b->k[b->n] = k; b->v[b->n] = v; b->n++; }

/* b emptied, then the pairs key, value, ... up to a NULL key */
static inline void kv_set(kvbuf *b, ...)
{
    memset(b, 0, sizeof *b);
    va_list ap;
    va_start(ap, b);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;) kv_add(b, k, va_arg(ap, const char *));
    va_end(ap);
}

/* b without key k */
static inline void kv_drop(kvbuf *b, const char *k)
{
    int j = 0;
    for (int i = 0; i < b->n; i++)
        if (strcmp(b->k[i], k)) b->k[j] = b->k[i], b->v[j] = b->v[i], j++;
    b->n = j;
}

/* the pairs as ts_train_opts.kv reads them */
static inline ts_kv kv_of(kvbuf *b) { return (ts_kv){b->n, b->k, b->v}; }

/* `model` trained with o, saved to out, resumed from resume and logged to log (each
 * when not NULL); the model freed. 0 / -1 */
static inline int train_into(const char *model, ts_train_opts o, const char *out, const char *resume, const char *log)
{
    o.out_path = out;
    o.resume = resume;
    o.log_path = log;
    ts_model *m = NULL;
    const int rc = ts_model_train(model, &o, &m);
    ts_model_free(m);
    return rc;
}

/* the folder dir/ds made and its stream.txt opened for writing; NULL on failure */
static inline FILE *stream_file(const char *dir, const char *ds)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, ds);
    if (ts_mkdir_p(path) != 0) return NULL;
    snprintf(path, sizeof path, "%s/%s/stream.txt", dir, ds);
    return fopen(path, "w");
}

/* dir/ds: a dataset of one stream of n IDs in 0..5, a short periodic pattern. 0 / -1 */
static inline int stream_dataset(const char *dir, const char *ds, int n)
{
    FILE *f = stream_file(dir, ds);
    if (!f) return -1;
    for (int i = 0; i < n; i++) fprintf(f, "%s%d", i ? "," : "", (i * 7 / 3) % 6);
    fputc('\n', f);
    return fclose(f) == 0 ? 0 : -1;
}

#endif
