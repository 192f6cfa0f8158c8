/* ts_ctf_load: the CTF reader (ctf.c) in a forked child process, its result passed back
 * through a pipe.
 *
 * libbabeltrace2 trusts a trace's metadata more than it should: a clock without a
 * frequency makes it divide by zero (SIGFPE), metadata that no longer matches the streams
 * trips one of its own precondition checks, which abort the process. In a child such a
 * crash becomes one error line naming the trace and the signal, and no babeltrace2 state
 * (a pending error, a graph it could not tear down) outlives the read. The child is
 * forked from the calling thread only: call ts_ctf_load while no other thread of the
 * process is inside libbabeltrace2 (or GLib).
 *
 * The child writes, in its native byte order (the same binary reads it):
 *   u32 MAGIC, i32 rc
 *   rc != 0: str error
 *   rc == 0: u64 n_names, n_names x str (the distinct event names), u64 n,
 *            n x u32 (the event's name index), n x i64 time_ns, n x i32 cpu,
 *            u64 lost, u64 unpaired_exits, i64 n_cpus, char arch[16], str arch_from,
 *            u64 n_streams, each: str name, i64 cpu, u64 events, u64 discarded,
 *              u64 n_discards, each: u64 count, i32 has_times, i64 begin_ns, i64 end_ns
 *            u64 n_truncated, each: str file, u64 size, indexed, packets, packets_missing
 *            u32 has_fields; when 1: n x i64 tid, n x i64 ret, n x u8 has_ret,
 *              u64 n_comms, n_comms x str (distinct thread names), n x u32 (index, or
 *              0xFFFFFFFF: no name)
 *   u32 MAGIC (anything shorter: the child died while writing)
 * str: u32 length (0xFFFFFFFF: NULL), then the bytes, no NUL. */
#include "data/ctf_isolate.h"
#include "data/data_internal.h"
#include "tracesynth/common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAGIC 0x54534346u   /* "TSCF" */
#define NO_STR 0xFFFFFFFFu
#define MAX_STR (64u << 20)

/* ---- child: write ---- */
typedef struct { FILE *f; int bad; } wr;

static void put(wr *w, const void *p, size_t n)
{
    if (!w->bad && n && fwrite(p, 1, n, w->f) != n) w->bad = 1;
}
static void put_u32(wr *w, uint32_t v) { put(w, &v, sizeof v); }
static void put_u64(wr *w, uint64_t v) { put(w, &v, sizeof v); }
static void put_i64(wr *w, int64_t v) { put(w, &v, sizeof v); }
static void put_str(wr *w, const char *s)
{
    size_t l = s ? strlen(s) : 0;
    if (l >= MAX_STR) l = MAX_STR - 1;
    put_u32(w, s ? (uint32_t)l : NO_STR);
    put(w, s, l);
}

static void put_trace(wr *w, const ts_ctf_trace *t)
{
    /* event names are few and repeated: a table of the distinct ones, then an index each */
    ts__strmap m;
    ts__strmap_init(&m, 64);
    uint32_t *idx = ts_malloc(t->n * sizeof *idx);
    const char **names = ts_malloc((t->n + 1) * sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < t->n; i++) {
        int32_t k = ts__strmap_get(&m, t->names[i]);
        if (k < 0) {
            k = (int32_t)nn;
            names[nn++] = t->names[i];
            ts__strmap_put(&m, t->names[i], k);
        }
        idx[i] = (uint32_t)k;
    }
    put_u64(w, nn);
    for (size_t i = 0; i < nn; i++) put_str(w, names[i]);
    put_u64(w, t->n);
    put(w, idx, t->n * sizeof *idx);
    put(w, t->time_ns, t->n * sizeof *t->time_ns);
    put(w, t->cpu, t->n * sizeof *t->cpu);
    free(idx);
    free(names);
    ts__strmap_free(&m);
    put_u64(w, t->lost);
    put_u64(w, t->unpaired_exits);
    put_i64(w, t->n_cpus);
    put(w, t->arch, sizeof t->arch);
    put_str(w, t->arch_from);
    put_u64(w, t->n_streams);
    for (size_t i = 0; i < t->n_streams; i++) {
        const ts_ctf_stream *s = &t->streams[i];
        put_str(w, s->name);
        put_i64(w, s->cpu);
        put_u64(w, s->events);
        put_u64(w, s->discarded);
        put_u64(w, s->n_discards);
        for (size_t k = 0; k < s->n_discards; k++) {
            put_u64(w, s->discards[k].count);
            put_u32(w, (uint32_t)s->discards[k].has_times);
            put_i64(w, s->discards[k].begin_ns);
            put_i64(w, s->discards[k].end_ns);
        }
    }
    put_u64(w, t->n_truncated);
    for (size_t i = 0; i < t->n_truncated; i++) {
        const ts_ctf_truncation *tr = &t->truncated[i];
        put_str(w, tr->file);
        put_u64(w, tr->size);
        put_u64(w, tr->indexed);
        put_u64(w, tr->packets);
        put_u64(w, tr->packets_missing);
    }
    put_u32(w, t->tid ? 1 : 0);
    if (!t->tid) return;
    put(w, t->tid, t->n * sizeof *t->tid);
    put(w, t->ret, t->n * sizeof *t->ret);
    put(w, t->has_ret, t->n * sizeof *t->has_ret);
    ts__strmap cm;
    ts__strmap_init(&cm, 64);
    uint32_t *cidx = ts_malloc((t->n ? t->n : 1) * sizeof *idx);
    const char **comms = ts_malloc((t->n + 1) * sizeof *comms);
    size_t nc = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->comm[i]) { cidx[i] = NO_STR; continue; }
        int32_t k = ts__strmap_get(&cm, t->comm[i]);
        if (k < 0) {
            k = (int32_t)nc;
            comms[nc++] = t->comm[i];
            ts__strmap_put(&cm, t->comm[i], k);
        }
        cidx[i] = (uint32_t)k;
    }
    put_u64(w, nc);
    for (size_t i = 0; i < nc; i++) put_str(w, comms[i]);
    put(w, cidx, t->n * sizeof *idx);
    free(cidx);
    free(comms);
    ts__strmap_free(&cm);
}

static void child(int fd, int err_fd, const char *dir, const ts_ctf_opts *o, int fields)
{
    if (err_fd >= 0) dup2(err_fd, 2);
    /* a crash in the library ends the child on its signal, with no core file, and is not
     * caught by whatever handler the caller installed */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGPIPE};
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        signal(sigs[i], SIG_DFL);
        sigaddset(&set, sigs[i]);
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);

    ts_clear_error();
    ts_ctf_trace t;
    int rc = ts__ctf_load_here(dir, o, fields, &t);
    wr w = {fdopen(fd, "w"), 0};
    if (!w.f) _exit(3);
    setvbuf(w.f, NULL, _IOFBF, 1 << 16);
    put_u32(&w, MAGIC);
    put_u32(&w, (uint32_t)rc);
    if (rc) put_str(&w, ts_error());
    else put_trace(&w, &t);
    put_u32(&w, MAGIC);
    if (fclose(w.f)) w.bad = 1;
    /* no exit handlers: they belong to the parent (and a leak check here would report the
     * trace, which the parent frees) */
    _exit(w.bad ? 3 : 0);
}

/* ---- parent: read ---- */
static int get(FILE *f, void *p, size_t n) { return n && fread(p, 1, n, f) != n ? -1 : 0; }
static int get_u32(FILE *f, uint32_t *v) { return get(f, v, sizeof *v); }
static int get_u64(FILE *f, uint64_t *v) { return get(f, v, sizeof *v); }
static int get_i64(FILE *f, int64_t *v) { return get(f, v, sizeof *v); }
static int get_size(FILE *f, size_t *v)
{
    uint64_t u;
    if (get_u64(f, &u) || u > SIZE_MAX / 64) return -1;
    *v = (size_t)u;
    return 0;
}
/* *s: malloc'd, or NULL when the child sent NULL */
static int get_str(FILE *f, char **s)
{
    uint32_t l;
    *s = NULL;
    if (get_u32(f, &l)) return -1;
    if (l == NO_STR) return 0;
    if (l >= MAX_STR) return -1;
    *s = ts_malloc((size_t)l + 1);
    (*s)[l] = 0;
    return get(f, *s, l);
}

static int get_trace(FILE *f, ts_ctf_trace *t)
{
    size_t nn, n;
    if (get_size(f, &nn)) return -1;
    char **names = ts_calloc(nn + 1, sizeof *names);
    int rc = 0;
    for (size_t i = 0; i < nn && rc == 0; i++) {
        rc = get_str(f, &names[i]);
        if (rc == 0 && !names[i]) rc = -1;
    }
    uint32_t *idx = NULL;
    if (rc == 0) rc = get_size(f, &n);
    if (rc == 0) {
        idx = ts_malloc(n * sizeof *idx);
        t->time_ns = ts_malloc(n * sizeof *t->time_ns);
        t->cpu = ts_malloc(n * sizeof *t->cpu);
        rc = get(f, idx, n * sizeof *idx) || get(f, t->time_ns, n * sizeof *t->time_ns) ||
             get(f, t->cpu, n * sizeof *t->cpu) ? -1 : 0;
    }
    if (rc == 0) {
        t->names = ts_malloc(n * sizeof *t->names);
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (idx[i] >= nn) rc = -1;
            else t->names[t->n++] = ts_strdup(names[idx[i]]);
        }
    }
    free(idx);
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
    if (rc) return -1;

    char *from = NULL;
    if (get_u64(f, &t->lost) || get_size(f, &t->unpaired_exits) || get_i64(f, &t->n_cpus) ||
        get(f, t->arch, sizeof t->arch) || get_str(f, &from))
        return -1;
    t->arch[sizeof t->arch - 1] = 0;
    /* arch_from points at one of the reader's literals */
    t->arch_from = !from ? NULL : !strcmp(from, "env") ? "env" : !strcmp(from, "events") ? "events" : NULL;
    free(from);

    size_t ns;
    if (get_size(f, &ns)) return -1;
    t->streams = ts_calloc(ns, sizeof *t->streams);
    for (size_t i = 0; i < ns; i++) {
        ts_ctf_stream *s = &t->streams[t->n_streams++];
        size_t nd;
        if (get_str(f, &s->name) || get_i64(f, &s->cpu) || get_u64(f, &s->events) ||
            get_u64(f, &s->discarded) || get_size(f, &nd))
            return -1;
        s->discards = ts_calloc(nd, sizeof *s->discards);
        for (size_t k = 0; k < nd; k++) {
            ts_ctf_discard *d = &s->discards[s->n_discards++];
            uint32_t has;
            if (get_u64(f, &d->count) || get_u32(f, &has) || get_i64(f, &d->begin_ns) ||
                get_i64(f, &d->end_ns))
                return -1;
            d->has_times = (int)has;
        }
    }
    size_t nt;
    if (get_size(f, &nt)) return -1;
    t->truncated = ts_calloc(nt, sizeof *t->truncated);
    for (size_t i = 0; i < nt; i++) {
        ts_ctf_truncation *tr = &t->truncated[t->n_truncated++];
        if (get_str(f, &tr->file) || get_u64(f, &tr->size) || get_u64(f, &tr->indexed) ||
            get_u64(f, &tr->packets) || get_u64(f, &tr->packets_missing))
            return -1;
    }
    uint32_t has_fields;
    if (get_u32(f, &has_fields) || has_fields > 1) return -1;
    if (!has_fields) return 0;
    size_t ne = t->n;
    t->tid = ts_malloc((ne ? ne : 1) * sizeof *t->tid);
    t->ret = ts_malloc((ne ? ne : 1) * sizeof *t->ret);
    t->has_ret = ts_malloc(ne ? ne : 1);
    t->comm = ts_calloc(ne ? ne : 1, sizeof *t->comm);
    size_t nc;
    if (get(f, t->tid, ne * sizeof *t->tid) || get(f, t->ret, ne * sizeof *t->ret) ||
        get(f, t->has_ret, ne) || get_size(f, &nc))
        return -1;
    char **comms = ts_calloc(nc + 1, sizeof *comms);
    uint32_t *cidx = ts_malloc((ne ? ne : 1) * sizeof *idx);
    int crc = 0;
    for (size_t i = 0; i < nc && crc == 0; i++) {
        crc = get_str(f, &comms[i]);
        if (crc == 0 && !comms[i]) crc = -1;
    }
    if (crc == 0) crc = get(f, cidx, ne * sizeof *idx);
    for (size_t i = 0; i < ne && crc == 0; i++) {
        if (cidx[i] == NO_STR) continue;
        if (cidx[i] >= nc) crc = -1;
        else t->comm[i] = ts_strdup(comms[cidx[i]]);
    }
    for (size_t i = 0; i < nc; i++) free(comms[i]);
    free(comms);
    free(cidx);
    return crc;
}

/* what the child wrote to stderr (a file): a sanitizer's report, or libbabeltrace2's
 * account of the precondition it aborted on. After a crash with such an account, its
 * reason is put in why (NULL: none) and the rest is dropped; anything else goes to stderr */
static void child_stderr(int fd, int crashed, char *why, size_t whyn)
{
    why[0] = 0;
    if (fd < 0) return;
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || lseek(fd, 0, SEEK_SET) != 0) return;
    size_t n = size > (1 << 20) ? (1 << 20) : (size_t)size;
    char *buf = ts_malloc(n + 1);
    ssize_t got = read(fd, buf, n);
    buf[got > 0 ? got : 0] = 0;
    /* "... F LIB/PACKET bt_packet_create@packet.c:221 Babeltrace 2 library precondition not
     * satisfied; error is:\n... F LIB/PACKET bt_packet_create@packet.c:221 REASON\n" */
    const char *pre = crashed ? strstr(buf, "precondition not satisfied; error is:\n") : NULL;
    if (pre) {
        const char *l = strchr(pre, '\n') + 1, *e = strchr(l, '\n');
        const char *at = strchr(l, '@'), *sp = at ? strchr(at, ' ') : NULL;
        if (!e) e = l + strlen(l);
        if (sp && sp < e) snprintf(why, whyn, "%.*s", (int)(e - sp - 1), sp + 1);
    } else if (got > 0) {
        fputs(buf, stderr);
    }
    free(buf);
}

/* the child's result: 0 with *out, 1 with *err (the reader's error), -1: incomplete */
static int get_result(FILE *f, ts_ctf_trace *out, char **err)
{
    uint32_t magic, rc;
    *err = NULL;
    if (get_u32(f, &magic) || magic != MAGIC || get_u32(f, &rc)) return -1;
    if (rc) {
        if (get_str(f, err) || get_u32(f, &magic) || magic != MAGIC) {
            free(*err);
            *err = NULL;
            return -1;
        }
        return 1;
    }
    if (get_trace(f, out) || get_u32(f, &magic) || magic != MAGIC) {
        ts_ctf_trace_free(out);
        return -1;
    }
    return 0;
}

static int load_isolated(const char *dir, const ts_ctf_opts *opts, int fields, ts_ctf_trace *out)
{
    memset(out, 0, sizeof *out);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC))
        return ts_fail("%s: cannot start the trace reader: pipe: %s", dir, strerror(errno));
    /* the child's stderr, read once it has ended */
    int err_fd = memfd_create("tracesynth-ctf-stderr", MFD_CLOEXEC);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        if (err_fd >= 0) close(err_fd);
        return ts_fail("%s: cannot start the trace reader: fork: %s", dir, strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], err_fd, dir, opts, fields);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char *err = NULL;
    int got = -1;
    if (f) {
        got = get_result(f, out, &err);
        fclose(f);
    } else {
        close(fds[0]);
    }
    int status = 0;
    pid_t w;
    do w = waitpid(pid, &status, 0); while (w < 0 && errno == EINTR);
    int signaled = w == pid && WIFSIGNALED(status);
    char why[512];
    child_stderr(err_fd, signaled, why, sizeof why);
    if (err_fd >= 0) close(err_fd);
    /* w < 0 (ECHILD: the caller ignores SIGCHLD, children are reaped unseen): the result
     * alone says whether the child finished */
    int clean = w < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (got >= 0 && clean) {
        if (got == 0) return 0;
        ts_fail("%s", err);
        free(err);
        return -1;
    }
    if (got == 0) ts_ctf_trace_free(out);
    free(err);
    if (signaled)
        return ts_fail("%s: babeltrace2 could not read the trace (it stopped on signal %d: %s%s%s)", dir,
                       WTERMSIG(status), strsignal(WTERMSIG(status)), why[0] ? "; " : "", why);
    if (w == pid && WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return ts_fail("%s: babeltrace2 could not read the trace (its process exited with status %d)",
                       dir, WEXITSTATUS(status));
    return ts_fail("%s: babeltrace2 could not read the trace (its process ended without a result)", dir);
}

int ts_ctf_load(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out)
{
    return load_isolated(dir, opts, 0, out);
}

int ts_ctf_load_fields(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out)
{
    return load_isolated(dir, opts, 1, out);
}
