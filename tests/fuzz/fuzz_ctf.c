/* LTTng/CTF metadata through ingest: the input is written as the `metadata` file of a
 * small valid two-CPU trace (the streams stay fixed), read by the CTF reader, and the
 * names become a dataset as `ingest --from ctf` does. */
#include "fuzz.h"

#include <babeltrace2/babeltrace.h>
#include <sys/stat.h>

typedef struct { unsigned char b[256]; size_t n; } bytes;
static void put_le(bytes *o, uint64_t v, int nb) { for (int i = 0; i < nb; i++) o->b[o->n++] = (unsigned char)(v >> (8 * i)); }
/* one event: u32 id, u64 timestamp, then a string + u32 (sched_switch) or a u32 */
static void put_ev(bytes *o, uint32_t id, uint64_t t, const char *comm, uint32_t v)
{
    put_le(o, id, 4);
    put_le(o, t, 8);
    if (comm) {
        size_t l = strlen(comm) + 1;
        memcpy(o->b + o->n, comm, l);
        o->n += l;
    }
    put_le(o, v, 4);
}
/* packet header (magic, stream id) + context (content/packet size, discarded, cpu) */
static void put_packet(FILE *f, const bytes *body, uint32_t cpu)
{
    bytes h = {{0}, 0};
    uint64_t bits = (8 + 28 + body->n) * 8;
    put_le(&h, 0xC1FC1FC1u, 4);
    put_le(&h, 0, 4);
    put_le(&h, bits, 8);
    put_le(&h, bits, 8);
    put_le(&h, 0, 8);
    put_le(&h, cpu, 4);
    fwrite(h.b, 1, h.n, f);
    fwrite(body->b, 1, body->n, f);
}

/* the streams match tests/fuzz/corpus/ctf/seed-*: ids 0 sched_switch, 1..7 system calls */
static void write_streams(void)
{
    bytes a = {{0}, 0}, c = {{0}, 0};
    put_ev(&a, 0, 10, "app", 5);
    put_ev(&a, 1, 20, NULL, 3);
    put_ev(&a, 2, 40, NULL, 1);
    put_ev(&a, 3, 60, NULL, 0);
    put_ev(&a, 4, 70, NULL, 0);
    put_ev(&c, 5, 15, NULL, 3);
    put_ev(&c, 0, 30, "other", 6);
    put_ev(&c, 6, 50, NULL, 4096);
    put_ev(&c, 7, 55, NULL, 0);
    FILE *f = fopen(fuzz_path("trace/chan_0"), "wb");
    if (!f) abort();
    put_packet(f, &a, 0);
    fclose(f);
    f = fopen(fuzz_path("trace/chan_1"), "wb");
    if (!f) abort();
    put_packet(f, &c, 1);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (mkdir(fuzz_path("trace"), 0755) != 0) abort();
        write_streams();
        ready = 1;
    }
    const char *dir = fuzz_path("trace");
    fuzz_write(fuzz_path("trace/metadata"), data, size);
    char **names;
    size_t n;
    uint64_t lost;
    /* the input's length picks the options, as the CLI's --exits and --comm would */
    int exits = size & 1;
    const char *comm = size & 2 ? "app" : NULL;
    int rc = ts_ctf_read(dir, comm, exits, &names, &n, &lost);
    /* an error left on the thread makes the next babeltrace2 call in the process abort */
    const bt_error *pending = bt_current_thread_take_error();
    if (pending) {
        fprintf(stderr, "fuzz: ts_ctf_read returned %d and left a babeltrace2 error pending\n", rc);
        abort();
    }
    if (rc != 0) {
        fuzz_check_error();
        return 0;
    }
    ts_dataset d;
    memset(&d, 0, sizeof d);
    if (ts_dataset_from_names(names, n, 0.7, &d) == 0) ts_dataset_free(&d);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}
