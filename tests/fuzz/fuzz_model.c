/* model files (untrusted): the container, every model's loader, then a short impute and
 * generate with the loaded model. The input's last 4 bytes are replaced by the right
 * CRC-32, as anyone crafting a file can do, so the fuzzer gets past the checksum.
 * A custom mutator edits one chunk's bytes at a time and re-frames the container (chunk
 * lengths, CRC), so that a longer or shorter CONFIG value still reaches the loaders. */
#include "fuzz.h"

#define N_WIN 2
#define MAX_L 64

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define MAX_CHUNKS 16
static uint64_t get_le(const uint8_t *p, int nb)
{
    uint64_t v = 0;
    for (int i = 0; i < nb; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}
static void put_le(uint8_t *p, uint64_t v, int nb)
{
    for (int i = 0; i < nb; i++) p[i] = (uint8_t)(v >> (8 * i));
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    /* split the container: header (12 bytes), chunks { tag[8] | u64 length | bytes }, CRC */
    size_t off[MAX_CHUNKS], len[MAX_CHUNKS], n = 0, at = 12;
    static int raw = -1;   /* FUZZ_RAW_MUTATOR=1: libFuzzer's own mutations only */
    if (raw < 0) raw = getenv("FUZZ_RAW_MUTATOR") != NULL;
    int ok = !raw && size >= 16 && !memcmp(data, "TSYN", 4) && seed % 8 != 0;   /* 1 in 8: raw bytes */
    uint32_t count = ok ? (uint32_t)get_le(data + 8, 4) : 0;
    for (uint32_t i = 0; ok && i < count; i++) {
        if (n == MAX_CHUNKS || size - 4 - at < 16) { ok = 0; break; }
        uint64_t l = get_le(data + at + 8, 8);
        if (l > size - 4 - at - 16) { ok = 0; break; }
        off[n] = at;
        len[n++] = 16 + (size_t)l;
        at += 16 + (size_t)l;
    }
    if (!ok || n == 0 || at != size - 4) return LLVMFuzzerMutate(data, size, max_size);
    size_t pick = (seed / 8) % n, room = max_size > size ? max_size - size : 0;
    uint8_t *body = malloc(len[pick] - 16 + room + 1);
    memcpy(body, data + off[pick] + 16, len[pick] - 16);
    size_t nl = LLVMFuzzerMutate(body, len[pick] - 16, len[pick] - 16 + room);
    uint8_t *out = malloc(size - len[pick] + 16 + nl);
    size_t o = off[pick];
    memcpy(out, data, o);                                       /* header and earlier chunks */
    memcpy(out + o, data + off[pick], 8);                       /* tag */
    put_le(out + o + 8, nl, 8);
    memcpy(out + o + 16, body, nl);
    o += 16 + nl;
    size_t rest = size - 4 - (off[pick] + len[pick]);
    memcpy(out + o, data + off[pick] + len[pick], rest);        /* later chunks */
    o += rest;
    put_le(out + o, ts_crc32(0, out, o), 4);
    o += 4;
    free(body);
    if (o > max_size) {
        free(out);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(data, out, o);
    free(out);
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("model.tsm");
    if (size >= 16) {
        uint8_t *b = malloc(size);
        memcpy(b, data, size);
        uint32_t crc = ts_crc32(0, b, size - 4);
        for (int i = 0; i < 4; i++) b[size - 4 + i] = (uint8_t)(crc >> (8 * i));
        fuzz_write(path, b, size);
        free(b);
    } else {
        fuzz_write(path, data, size);
    }
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
    o.steps = 2;   /* few sampling steps: the loaded network's shapes are what is tested */
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
