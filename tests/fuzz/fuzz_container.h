/* tracesynth fuzz harnesses: inputs that are container files (container.h), for the
 * harnesses of model and constraints files.
 *
 * Anyone crafting a file can compute its CRC-32, so fuzz_write_container replaces the
 * input's last 4 bytes by the right one: the fuzzer gets past the checksum to the
 * content. fuzz_container_mutate edits one chunk's bytes at a time and re-frames the
 * container (chunk lengths, CRC), so that a longer or shorter value still reaches the
 * loader; 1 in 8 mutations (and all with FUZZ_RAW_MUTATOR=1) are plain byte mutations. */
#ifndef TRACESYNTH_FUZZ_CONTAINER_H
#define TRACESYNTH_FUZZ_CONTAINER_H

#include "fuzz.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#define MAX_CHUNKS 32
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

static size_t fuzz_container_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
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

/* the input as a file at path, its last 4 bytes the CRC-32 of the rest */
static void fuzz_write_container(const char *path, const uint8_t *data, size_t size)
{
    if (size < 16) {
        fuzz_write(path, data, size);
        return;
    }
    uint8_t *b = malloc(size);
    memcpy(b, data, size);
    put_le(b + size - 4, ts_crc32(0, b, size - 4), 4);
    fuzz_write(path, b, size);
    free(b);
}

#endif
