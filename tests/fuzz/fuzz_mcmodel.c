/* multi-channel model files (untrusted): the container, the shared sections (VOCAB,
 * COMMVOC, RETVOC, CHANNELS, KINDS) and every multi-channel model's loader, then a short
 * impute and generate with the loaded model. The input is written with the right CRC-32
 * and mutated one chunk at a time (fuzz_container.h).
 *
 * The windows imputed hold every channel the model has, in its numbering (its
 * vocabularies' copies: names match names), a value in range at every position; the
 * centre of each window is hidden in every channel. Whatever impute and generate give
 * back must be in the model's ranges: dt a log(1 + ns) time, an ID below its channel's
 * count, observed values as given. */
#include "fuzz_container.h"
#include "tracesynth/mc_model.h"

#define N_WIN 2
#define MAX_L 32

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_container_mutate(data, size, max_size, seed);
}

static void check_out(const ts_mc_model *m, const ts_mc *y, size_t n, const ts_mc *x,
                      const uint8_t *const mask[TS_NCH], const char *what)
{
    if (y->n != n) {
        fprintf(stderr, "fuzz: %s gave %zu events for %zu\n", what, y->n, n);
        abort();
    }
    for (int c = 0; c < TS_NCH; c++) {
        if (!(m->has & 1u << c)) continue;
        if (c == TS_CH_DT ? !y->dt : !y->ch[c]) {
            fprintf(stderr, "fuzz: %s gave no channel %s\n", what, ts_ch_names[c]);
            abort();
        }
        for (size_t i = 0; i < y->n; i++) {
            int bad = c == TS_CH_DT ? !ts_mc_dt_ok(y->dt[i]) : y->ch[c][i] < 0 || y->ch[c][i] >= m->card[c];
            if (!bad && x && mask[c] && mask[c][i])
                bad = c == TS_CH_DT ? y->dt[i] != x->dt[i] : y->ch[c][i] != x->ch[c][i];
            if (bad) {
                fprintf(stderr, "fuzz: %s wrote %s %g at %zu (card %d)\n", what, ts_ch_names[c],
                        c == TS_CH_DT ? (double)y->dt[i] : (double)y->ch[c][i], i, m->card[c]);
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("model.tsm");
    fuzz_write_container(path, data, size);
    ts_mc_model *m;
    if (ts_mc_model_load(path, &m) != 0) {
        fuzz_check_error();
        return 0;
    }
    size_t L = m->len ? m->len : 16, N = N_WIN * L;
    if (L > MAX_L) {   /* the windows the harness can afford; still loaded fine */
        ts_mc_model_free(m);
        return 0;
    }
    ts_mc x;
    memset(&x, 0, sizeof x);
    x.n = N;
    x.events.vocab.unk = -1;
    x.events.stream.n = N;
    x.events.stream.ids = malloc(N * sizeof(int32_t));
    x.ch[TS_CH_EVENT] = x.events.stream.ids;
    if (m->event_vocab.n > 0) ts_vocab_copy(&x.events.vocab, &m->event_vocab);
    if (m->comm_vocab.n > 0) ts_vocab_copy(&x.comm_vocab, &m->comm_vocab);
    if (m->ret_vocab.n > 0) ts_vocab_copy(&x.ret_vocab, &m->ret_vocab);
    uint8_t *mask[TS_NCH] = {0};
    for (int c = 0; c < TS_NCH; c++) {
        if (!(m->has & 1u << c)) continue;
        if (c == TS_CH_DT) x.dt = malloc(N * sizeof(float));
        else if (c != TS_CH_EVENT) x.ch[c] = malloc(N * sizeof(int32_t));
        mask[c] = malloc(N);
        ts_mask_fill(mask[c], N_WIN, L, L / 4 + 1, TS_MASK_CENTER, 1);
        for (size_t i = 0; i < N; i++) {
            if (c == TS_CH_DT) x.dt[i] = (float)(i % 13);
            else x.ch[c][i] = m->card[c] > 0 ? (int32_t)((i * 13 + i / 5) % (size_t)m->card[c]) : 0;
        }
    }
    ts_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.steps = 2;   /* few sampling steps: the loaded network's shapes are what is tested */
    ts_mc out;
    const uint8_t *const *mk = (const uint8_t *const *)mask;
    if (ts_mc_model_impute(m, &x, L, mk, &o, &out, NULL) == 0) {
        check_out(m, &out, N, &x, mk, "impute");
        ts_mc_free(&out);
    } else {
        fuzz_check_error();
    }
    if (ts_mc_model_generate(m, N_WIN, L, &o, &out) == 0) {
        const uint8_t *none[TS_NCH] = {0};
        check_out(m, &out, N, NULL, none, "generate");
        ts_mc_free(&out);
    } else {
        fuzz_check_error();
    }
    for (int c = 0; c < TS_NCH; c++) free(mask[c]);
    ts_mc_free(&x);
    ts_mc_model_free(m);
    return 0;
}
