/* A small multi-channel trace for the multi-channel model tests: events cycle 0 1 2 3,
 * tid = 10 + 3 event, cpu = event % 2 (with_cpu; without it the trace lacks the channel,
 * as an strace log does), dt = log(1 + 1000 (event + 1)) with a little noise. */
#ifndef TS_MC_TRACE_H
#define TS_MC_TRACE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracesynth/channels.h"
#include "tracesynth/common.h"
#include "tracesynth/mc_model.h"

static inline void mc_cycle_trace(size_t n, int with_cpu, ts_mc *m)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.vocab.unk = -1;
    m->events.stream.n = n;
    m->events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->ch[TS_CH_TID] = ts_malloc(n * sizeof(int32_t));
    if (with_cpu) m->ch[TS_CH_CPU] = ts_malloc(n * sizeof(int32_t));
    m->dt = ts_malloc(n * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) {
        int32_t e = (int32_t)(i % 4);
        m->ch[TS_CH_EVENT][i] = e;
        m->ch[TS_CH_TID][i] = 10 + 3 * e;
        if (with_cpu) m->ch[TS_CH_CPU][i] = e % 2;
        m->dt[i] = (float)(log(1.0 + 1000.0 * (e + 1)) + 0.01 * ts_rng_uniform(&r));
    }
}

/* o for a run on d: the default time split's training and validation parts (the first
 * 70 %, the next 10 %), crops of len, seed 1, saved to out, kv the n keys with vals */
static inline void mc_train_opts(ts_mc_train_opts *o, const ts_mc *d, size_t len, const char *out, int n,
                                 const char **keys, const char **vals)
{
    memset(o, 0, sizeof *o);
    o->data = d;
    o->n_train = d->n * 7 / 10;
    o->n_valid = d->n / 10;
    o->len = len;
    o->seed = 1;
    o->out_path = out;
    o->kv = (ts_kv){n, keys, vals};
}

/* m's events named (read, write, openat, close), then, with another, the checkpoint of a
 * run of `model` on them refused; its own events taken. Returns the failures */
static inline int mc_resume_other_events(const char *model, ts_mc *d, ts_mc_train_opts *o, const char *ckpt)
{
    static const char *const names[4] = {"read", "write", "openat", "close"};
    d->events.vocab.n = 4;
    d->events.vocab.names = ts_malloc(4 * sizeof(char *));
    d->events.vocab.counts = ts_calloc(4, sizeof(int64_t));
    for (int i = 0; i < 4; i++) d->events.vocab.names[i] = ts_strdup(names[i]);
    int bad = 0;
    ts_mc_model *m = NULL;
    o->resume = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) return fprintf(stderr, "  %s: %s\n", model, ts_error()), 1;
    ts_mc_model_free(m);
    free(d->events.vocab.names[3]);
    d->events.vocab.names[3] = ts_strdup("brk");
    o->resume = ckpt;
    m = NULL;
    if (ts_mc_model_train(model, o, &m) == 0) {
        fprintf(stderr, "  %s: a checkpoint of other events resumed\n", model);
        ts_mc_model_free(m);
        bad++;
    } else if (!strstr(ts_error(), ckpt) || !strstr(ts_error(), "'close' there, 'brk'")) {
        fprintf(stderr, "  %s: %s\n", model, ts_error());
        bad++;
    }
    free(d->events.vocab.names[3]);
    d->events.vocab.names[3] = ts_strdup("close");
    m = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) fprintf(stderr, "  %s: %s\n", model, ts_error()), bad++;
    else ts_mc_model_free(m);
    o->resume = NULL;
    return bad;
}

/* a checkpoint of a run on another split (o->permille, and the training part it cuts) is
 * refused at a resume, naming it and the split (not the config, which the training part's
 * dt values change); on its own split it resumes. o is left as it was */
static inline int mc_resume_other_split(const char *model, ts_mc_train_opts *o, const char *ckpt)
{
    int was[3], bad = 0;
    const size_t n_train = o->n_train;
    memcpy(was, o->permille, sizeof was);
    const int first[3] = {700, 100, 200}, other[3] = {500, 100, 400};
    ts_mc_model *m = NULL;
    memcpy(o->permille, first, sizeof first);
    o->resume = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) fprintf(stderr, "  %s: %s\n", model, ts_error()), bad++;
    ts_mc_model_free(m);
    m = NULL;
    memcpy(o->permille, other, sizeof other);
    o->n_train = o->data->n * 5 / 10;
    o->resume = ckpt;
    if (!bad && ts_mc_model_train(model, o, &m) == 0) {
        fprintf(stderr, "  %s: a checkpoint of another split resumed\n", model);
        ts_mc_model_free(m);
        m = NULL;
        bad++;
    } else if (!bad && (!strstr(ts_error(), ckpt) || !strstr(ts_error(), "another split (time 0.7,0.1,0.2; the "
                                                                           "options give time 0.5,0.1,0.4)"))) {
        fprintf(stderr, "  %s: %s\n", model, ts_error());
        bad++;
    }
    memcpy(o->permille, first, sizeof first);
    o->n_train = n_train;
    if (!bad && ts_mc_model_train(model, o, &m) != 0) fprintf(stderr, "  %s: %s\n", model, ts_error()), bad++;
    ts_mc_model_free(m);
    memcpy(o->permille, was, sizeof was);
    o->resume = NULL;
    return bad;
}

/* a vocabulary of n names */
static inline void mc_names(ts_vocab *v, const char *const *names, int n)
{
    v->n = n;
    v->unk = -1;
    v->names = ts_malloc((size_t)n * sizeof(char *));
    v->counts = ts_calloc((size_t)n, sizeof(int64_t));
    for (int i = 0; i < n; i++) v->names[i] = ts_strdup(names[i]);
}

/* d given named comm and ret channels, then, with another name for one comm or one ret
 * value, the checkpoint of a run of `model` on them refused in one line naming the
 * checkpoint, the channel and the first difference; its own names taken, and a
 * checkpoint without their sections (made before them) taken as it is. Returns the
 * failures */
#include "container_edit.h"
static inline int mc_resume_other_names(const char *model, ts_mc *d, ts_mc_train_opts *o, const char *ckpt)
{
    static const char *const comms[2] = {"bash", "make"}, *const rets[3] = {"0", "-2", "4096"};
    mc_names(&d->comm_vocab, comms, 2);
    mc_names(&d->ret_vocab, rets, 3);
    d->ch[TS_CH_COMM] = ts_malloc(d->n * sizeof(int32_t));
    d->ch[TS_CH_RET] = ts_malloc(d->n * sizeof(int32_t));
    for (size_t i = 0; i < d->n; i++) {
        d->ch[TS_CH_COMM][i] = (int32_t)(i % 4 / 2);
        d->ch[TS_CH_RET][i] = (int32_t)(i % 4 % 3);
    }
    int bad = 0;
    ts_mc_model *m = NULL;
    o->resume = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) return fprintf(stderr, "  %s: %s\n", model, ts_error()), 1;
    ts_mc_model_free(m);
    o->resume = ckpt;
    const struct { ts_vocab *v; int id; const char *other, *want; } cases[2] = {
        {&d->comm_vocab, 1, "cc", "comm vocabulary (ID 1 is 'make' there, 'cc' in the dataset)"},
        {&d->ret_vocab, 2, "-13", "ret vocabulary (ID 2 is '4096' there, '-13' in the dataset)"},
    };
    for (int k = 0; k < 2; k++) {
        char *own = cases[k].v->names[cases[k].id];
        cases[k].v->names[cases[k].id] = ts_strdup(cases[k].other);
        m = NULL;
        if (ts_mc_model_train(model, o, &m) == 0) {
            fprintf(stderr, "  %s: a checkpoint of other %s names resumed\n", model, k ? "ret" : "comm");
            ts_mc_model_free(m);
            bad++;
        } else if (!strstr(ts_error(), ckpt) || !strstr(ts_error(), cases[k].want) || strchr(ts_error(), '\n')) {
            fprintf(stderr, "  %s: %s\n", model, ts_error());
            bad++;
        }
        free(cases[k].v->names[cases[k].id]);
        cases[k].v->names[cases[k].id] = own;
    }
    m = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) fprintf(stderr, "  %s: %s\n", model, ts_error()), bad++;
    else ts_mc_model_free(m);
    /* a checkpoint from before the sections: taken with other names */
    if (rewrite_chunk(ckpt, ckpt, "COMMS", NULL) != 0 || rewrite_chunk(ckpt, ckpt, "RETS", NULL) != 0)
        return fprintf(stderr, "  %s: %s\n", ckpt, ts_error()), bad + 1;
    char *own = d->comm_vocab.names[1];
    d->comm_vocab.names[1] = ts_strdup("cc");
    m = NULL;
    if (ts_mc_model_train(model, o, &m) != 0) fprintf(stderr, "  %s: %s\n", model, ts_error()), bad++;
    else ts_mc_model_free(m);
    free(d->comm_vocab.names[1]);
    d->comm_vocab.names[1] = own;
    o->resume = NULL;
    return bad;
}

#endif
