/* model files (untrusted): the container, every model's loader, then a short impute and
 * generate with the loaded model. The input is written with the right CRC-32 and mutated
 * one chunk at a time (fuzz_container.h). */
#include "fuzz_container.h"

#define N_WIN 2
#define MAX_L 64

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_container_mutate(data, size, max_size, seed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("model.tsm");
    fuzz_write_container(path, data, size);
    ts_model *m;
    if (ts_model_load(path, &m) != 0) {
        fuzz_check_error();
        return 0;
    }
    size_t L = m->len ? m->len : 16;
    if (L > MAX_L || m->n_ids <= 0) {   /* the windows the harness can afford; still loaded fine */
        ts_model_free(m);
        return 0;
    }
    ts_windows x = {malloc(N_WIN * L * sizeof(int32_t)), N_WIN, L}, out;
    uint8_t *mask = malloc(N_WIN * L);
    for (size_t i = 0; i < N_WIN * L; i++) x.data[i] = (int32_t)(i * 7 % (size_t)m->n_ids);
    ts_mask_fill(mask, N_WIN, L, L / 4 + 1, TS_MASK_CENTER, 1);
    ts_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    /* few sampling steps for the models that sample (the others refuse any): the loaded
     * network's shapes are what is tested */
    const char *name = m->ops->name;
    o.steps = !strcmp(name, "sssd-s4") || !strcmp(name, "diffwave") || !strcmp(name, "csdi-s4") ||
              !strcmp(name, "sssd-sa") || !strcmp(name, "mdm") ? 2 : 0;
    if (ts_model_impute(m, &x, mask, &o, &out) == 0) {
        for (size_t i = 0; i < N_WIN * L; i++)
            if (out.data[i] < 0 || out.data[i] >= m->n_ids || (mask[i] && out.data[i] != x.data[i])) {
                fprintf(stderr, "fuzz: impute wrote ID %d at %zu (n_ids %d)\n", out.data[i], i, m->n_ids);
                abort();
            }
        ts_windows_free(&out);
    }
    if (ts_model_generate(m, N_WIN, L, &o, &out) == 0) {
        for (size_t i = 0; i < N_WIN * L; i++)
            if (out.data[i] < 0 || out.data[i] >= m->n_ids) {
                fprintf(stderr, "fuzz: generate wrote ID %d at %zu (n_ids %d)\n", out.data[i], i, m->n_ids);
                abort();
            }
        ts_windows_free(&out);
    }
    free(mask);
    ts_windows_free(&x);
    ts_model_free(m);
    return 0;
}
