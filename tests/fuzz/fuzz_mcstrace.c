/* strace logs read with every field (ingest --from strace --channels): the input is one
 * to three logs, split at each marker "\xfe\xfdTS"; one log is app.strace, several are
 * app.101, app.102, app.103 (strace -ff -o app), read by ts_mc_from_strace_many.
 *
 * What the reader returns must hold what ts_mc_raw promises (a name per event, times in
 * order, each comm at most 15 bytes (TASK_COMM_LEN; the encoding makes its tabs
 * and newlines '?'), return values known, unknown or none), and one log
 * must read alike through ts_mc_from_strace and, for its names, ts_strace_read. The
 * fields encoded (ts_mc_encode, as ingest does) must save and load back the same; written
 * as strace-like text (ts_mc_write_strace, as export does) they must read back as the
 * same events. */
#include "fuzz.h"
#include "tracesynth/channels.h"

#define MAXLOGS 3

static const uint8_t marker[4] = {0xfe, 0xfd, 'T', 'S'};

static size_t find_marker(const uint8_t *d, size_t size, size_t from)
{
    for (size_t i = from; i + 4 <= size; i++)
        if (!memcmp(d + i, marker, 4)) return i;
    return size;
}

static void fail(const char *what, size_t i)
{
    fprintf(stderr, "fuzz_mcstrace: %s (event %zu)\n", what, i);
    abort();
}

/* what ts_mc_raw promises of the fields a reader filled */
static void check_raw(const ts_mc_raw *r)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!r->names || !r->names[i] || !r->names[i][0]) fail("an event without a name", i);
        if (strpbrk(r->names[i], " \t\n\r")) fail("an event name with a blank", i);
        if (r->time_ns && i && r->time_ns[i] < r->time_ns[i - 1]) fail("a time going back", i);
        if (r->comm && r->comm[i] && strlen(r->comm[i]) > 15) fail("a comm longer than 15 bytes", i);
        if (r->has_ret && r->has_ret[i] > TS_RET_UNKNOWN) fail("a return value neither known, unknown nor none", i);
        if (r->tid && r->tid[i] < -1) fail("a thread ID below -1", i);
    }
}

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* two reads of one log: the same events with the same fields */
static void check_same(const ts_mc_raw *a, const ts_mc_raw *b)
{
    if (a->n != b->n) fail("ts_mc_from_strace and ts_mc_from_strace_many read other counts", a->n);
    if (!a->time_ns != !b->time_ns || !a->comm != !b->comm || !a->has_ret != !b->has_ret || !a->tid != !b->tid ||
        a->clock != b->clock)
        fail("ts_mc_from_strace and ts_mc_from_strace_many read other fields", 0);
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(a->names[i], b->names[i])) fail("one log read as other names", i);
        if (a->time_ns && a->time_ns[i] != b->time_ns[i]) fail("one log read as other times", i);
        if (a->comm && !same_str(a->comm[i], b->comm[i])) fail("one log read as other comms", i);
        if (a->has_ret && (a->has_ret[i] != b->has_ret[i] || (a->has_ret[i] == 1 && a->ret[i] != b->ret[i])))
            fail("one log read as other return values", i);
        if (a->tid && a->tid[i] != b->tid[i]) fail("one log read as other threads", i);
    }
}

/* whether strace-like text carries name as it is: ts_mc_write_strace writes bytes other
 * than letters, digits and '_' as '_', a '_' before a leading digit, and at most 63 bytes */
static int printable_name(const char *s)
{
    if (!strcmp(s, "<unk>")) return 1;
    if ((*s >= '0' && *s <= '9') || strlen(s) > 63) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static void encoded(const ts_mc_raw *raw)
{
    ts_mc m;
    memset(&m, 0, sizeof m);
    if (ts_mc_encode(raw, 0.7, &m) != 0) {
        fuzz_check_error();
        return;
    }
    /* saved as ingest saves it, and read back: the same events and channels */
    const char *dir = fuzz_path("ds");
    if (ts_mc_save(dir, &m) != 0) fail("an encoded trace that does not save", 0);
    ts_mc back;
    if (ts_mc_load(dir, &back) != 0) {
        fprintf(stderr, "fuzz_mcstrace: %s\n", ts_error());
        fail("a saved trace that does not load", 0);
    }
    if (back.n != m.n || back.events.vocab.n != m.events.vocab.n) fail("a saved trace loads with other counts", 0);
    for (int c = 0; c < TS_NCH; c++) {
        if (ts_mc_has(&back, c) != ts_mc_has(&m, c)) fail("a saved trace loads with other channels", (size_t)c);
        if (c != TS_CH_DT && m.ch[c] && memcmp(m.ch[c], back.ch[c], m.n * sizeof(int32_t)))
            fail("a saved trace loads with other values", (size_t)c);
    }
    if (m.dt && memcmp(m.dt, back.dt, m.n * sizeof(float))) fail("a saved trace loads with other times", 0);
    ts_mc_free(&back);
    /* written as export writes strace-like text: the same events read back */
    const char *txt = fuzz_path("export.strace");
    if (ts_mc_write_strace(txt, &m) != 0) {
        fuzz_check_error();
    } else {
        ts_mc_raw r;
        if (ts_mc_from_strace(txt, &r) != 0) {
            fprintf(stderr, "fuzz_mcstrace: %s\n", ts_error());
            fail("exported strace text that does not read back", 0);
        }
        if (r.n != m.n) fail("exported strace text reads back as another count of events", r.n);
        for (size_t i = 0; i < m.n; i++) {
            const char *want = m.events.vocab.names[m.events.stream.ids[i]];
            if (printable_name(want) && strcmp(r.names[i], want)) fail("exported strace text reads back as other names", i);
        }
        ts_mc_raw_free(&r);
    }
    ts_mc_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t from[MAXLOGS], to[MAXLOGS];
    int nlogs = 0;
    for (size_t at = 0;;) {
        size_t next = nlogs + 1 < MAXLOGS ? find_marker(data, size, at) : size;
        from[nlogs] = at, to[nlogs] = next;
        nlogs++;
        if (next >= size) break;
        at = next + 4;
    }
    static char names[MAXLOGS][600];
    const char *paths[MAXLOGS];
    for (int i = 0; i < nlogs; i++) {
        char base[32];
        if (nlogs == 1) snprintf(base, sizeof base, "app.strace");
        else snprintf(base, sizeof base, "app.%d", 101 + i);
        snprintf(names[i], sizeof names[i], "%s", fuzz_path(base));
        paths[i] = names[i];
        fuzz_write(paths[i], data + from[i], to[i] - from[i]);
    }
    ts_mc_raw many;
    char *notes = NULL;
    if (ts_mc_from_strace_many(paths, nlogs, &many, &notes) != 0) {
        fuzz_check_error();
        free(notes);
        return 0;
    }
    free(notes);
    check_raw(&many);
    if (nlogs == 1) {
        ts_mc_raw one;
        if (ts_mc_from_strace(paths[0], &one) != 0) fail("a log ts_mc_from_strace_many read and ts_mc_from_strace did not", 0);
        check_same(&one, &many);
        ts_mc_raw_free(&one);
        char **nm;
        size_t n;
        if (ts_strace_read(paths[0], &nm, &n) != 0) fail("a log ts_mc_from_strace read and ts_strace_read did not", 0);
        if (n != many.n) fail("ts_strace_read read another count of events", n);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(nm[i], many.names[i])) fail("ts_strace_read read another name", i);
            free(nm[i]);
        }
        free(nm);
    }
    encoded(&many);
    ts_mc_raw_free(&many);
    return 0;
}
