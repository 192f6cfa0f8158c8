/* training checkpoints (train --resume; a .ckpt may come from anywhere) and the training
 * log a resume cuts back (ts_train_log_truncate): ts_train_run resumes a tiny network
 * (least squares, 4 parameters, 3 named events, a dropout rate) from the input for 30
 * iterations, validating every 10. The input is a checkpoint container, framed and
 * mutated as fuzz_model's (fuzz_container.h); its section FUZZLOG, when there, is taken
 * out and written as the run's log. Every optimizer option is at its default, so that the
 * resume takes the checkpoint's (OPTIM, EMA_DECAY, DROPOUT); its split is compared with
 * the checkpoint's SPLIT.
 *
 * A run that resumed must leave finite parameters, and the checkpoint it wrote (when it
 * validated) must be read back by a resume (to its own iteration, 30: none run, which a
 * fuzzed optimizer state could make diverge; without the log). */
#include "fuzz_container.h"
#include "../gradcheck.h"
#include "tracesynth/train.h"

#include <math.h>
#include <sys/stat.h>

typedef struct {
    float p[4], g[4], x[16][3], y[16];
    double dropout;
} lsq;

static int lsq_step(void *ctx, ts_rng *rng, float *loss)
{
    lsq *q = ctx;
    *loss = (float)lsq_batch_loss(q->p, q->g, q->x, q->y, 16, 0.0f, rng);
    return 0;
}

static int lsq_valid(void *ctx, double *loss)
{
    lsq *q = ctx;
    *loss = lsq_mse(q->p, q->x, q->y, 16);
    return 0;
}

static int lsq_save(void *ctx, const char *path)
{
    lsq *q = ctx;
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "lsq");
    ts_writer_chunk(&w, "PARAMS", q->p, sizeof q->p);
    return ts_writer_commit(&w);
}

static char *names[3] = {"read", "write", "close"};
static const ts_vocab events = {3, names, NULL, -1};

static int run(lsq *q, const char *resume, const char *out, const char *log, long iters)
{
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 3; j++) q->x[i][j] = (float)((i * 7 + j * 3) % 11) / 5 - 1;
        q->y[i] = 1.5f * q->x[i][0] - 2.0f * q->x[i][1] + 0.5f * q->x[i][2] + 0.25f;
    }
    memset(q->p, 0, sizeof q->p);
    q->dropout = 0;
    ts_train_net n = {.name = "lsq", .ctx = q, .params = q->p, .grads = q->g, .n = 4, .config = "inputs=3\n",
                      .step = lsq_step, .validate = lsq_valid, .save = lsq_save, .dropout = &q->dropout,
                      .dropout_max = 0.5, .n_events = 3, .vocab = &events, .split = "time 0.7,0.1,0.2"};
    ts_train_cfg c;
    memset(&c, 0, sizeof c);
    c.lr.lr = 0.05;
    c.iters = iters;
    c.valid_every = 10;
    c.log_every = 5;
    c.seed = 3;
    c.out_path = out;
    c.resume = resume;
    c.log_path = log;
    c.defaulted = TS_TRAIN_DEFAULT_LR | TS_TRAIN_DEFAULT_SCHEDULE | TS_TRAIN_DEFAULT_WARMUP |
                  TS_TRAIN_DEFAULT_WEIGHT_DECAY | TS_TRAIN_DEFAULT_CLIP | TS_TRAIN_DEFAULT_EMA |
                  TS_TRAIN_DEFAULT_DROPOUT;
    return ts_train_run(&n, &c);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_container_mutate(data, size, max_size, seed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = fuzz_path("in.ckpt"), *out = fuzz_path("m.tsm"), *log = fuzz_path("train.log");
    fuzz_write_container(in, data, size);
    remove(log);
    remove(out);
    char ck[600];
    snprintf(ck, sizeof ck, "%s.ckpt", out);
    remove(ck);
    /* the log: section FUZZLOG taken out of the checkpoint */
    ts_reader r;
    if (ts_reader_open(&r, in) == 0) {
        if (ts_reader_has(&r, "FUZZLOG", NULL)) {
            const ts_chunk *c = ts_reader_get(&r, "FUZZLOG");
            fuzz_write(log, c->data, (size_t)c->size);
            ts_writer w;
            ts_writer_init(&w, in);
            for (uint32_t i = 0; i < r.nchunks; i++)
                if (strcmp(r.chunks[i].tag, "FUZZLOG"))
                    ts_writer_chunk(&w, r.chunks[i].tag, r.chunks[i].data, (size_t)r.chunks[i].size);
            if (ts_writer_commit(&w) != 0) abort();
        }
        ts_reader_close(&r);
    }
    ts_clear_error();
    lsq q;
    if (run(&q, in, out, log, 30) != 0) {
        fuzz_check_error();
        return 0;
    }
    for (int i = 0; i < 4; i++)
        if (!isfinite(q.p[i])) {
            fprintf(stderr, "fuzz: parameter %d is %g after the resume\n", i, (double)q.p[i]);
            abort();
        }
    struct stat st;
    if (stat(ck, &st) == 0 && run(&q, ck, out, NULL, 30) != 0) {
        fprintf(stderr, "fuzz: the checkpoint the resumed run wrote does not resume: %s\n", ts_error());
        abort();
    }
    return 0;
}
