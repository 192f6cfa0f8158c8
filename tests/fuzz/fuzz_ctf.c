/* LTTng/CTF metadata through ingest: the input is written as the `metadata` file of a
 * small valid two-CPU trace (the streams stay fixed), read by the CTF reader, and the
 * names become a dataset as `ingest --from ctf` does.
 *
 * ts_ctf_read reads in a child process (ctf_isolate.c): a crash of libbabeltrace2 there is
 * an error, as the CLI reports it. When the child read the trace, the same read runs in
 * this process too (its coverage is what guides the fuzzer) and must agree. */
#include "fuzz.h"

#include "data/ctf_isolate.h"

#include <babeltrace2/babeltrace.h>
#include <sys/stat.h>

/* an error left on the thread makes the next babeltrace2 call in the process abort */
static void fuzz_no_pending_error(const char *what, int rc)
{
    const bt_error *pending = bt_current_thread_take_error();
    if (pending) {
        fprintf(stderr, "fuzz: %s returned %d and left a babeltrace2 error pending\n", what, rc);
        abort();
    }
}

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
        /* the reading child's memory limit below libFuzzer's own (512 MB): metadata that
         * makes babeltrace2 grow without bound is then the reader's error, as in the CLI */
        setenv("TRACESYNTH_CTF_MEMORY", "256", 0);
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
    fuzz_no_pending_error("ts_ctf_read", rc);
    if (rc != 0) {
        fuzz_check_error();
        const char *e = ts_error();
        /* the reading child ended on a signal: libbabeltrace2 crashed, reported as an error
         * (which is the point of the child); a report of a sanitizer or of libFuzzer (a
         * malloc over the limit) in the child makes it exit with a status instead */
        if (strstr(e, "could not read the trace") && !strstr(e, "stopped on signal") &&
            !strstr(e, "exceeded its memory limit")) {
            fprintf(stderr, "fuzz: the CTF reader's child process failed: %s\n", e);
            abort();
        }
        return 0;
    }
    /* the same read in this process (its coverage guides the fuzzer; the child's is lost)
     * must give the same events. Only after a success: on some rejected traces
     * libbabeltrace2 leaks the message it was building, which the leak check would report */
    ts_ctf_opts o = {comm, exits, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace t;
    int rc2 = ts__ctf_load_here(dir, &o, 0, &t);
    fuzz_no_pending_error("ts__ctf_load_here", rc2);
    if (rc2 != 0 || t.n != n || t.lost != lost) {
        fprintf(stderr, "fuzz: the CTF reader read %zu events in a child, in this process %s (%zu)\n",
                n, rc2 ? ts_error() : "ok", rc2 ? 0 : t.n);
        abort();
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], t.names[i])) {
            fprintf(stderr, "fuzz: event %zu is %s in a child, %s in this process\n", i, names[i], t.names[i]);
            abort();
        }
    ts_ctf_trace_free(&t);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    if (ts_dataset_from_names(names, n, 0.7, &d) == 0) ts_dataset_free(&d);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return 0;
}
