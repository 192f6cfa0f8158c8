/* libbabeltrace2 in a forked child process (ts__child_*), and ts_ctf_load: the CTF reader
 * (ctf.c) in such a child, its result passed back through a pipe.
 *
 * libbabeltrace2 trusts a trace's metadata more than it should: a clock without a
 * frequency makes it divide by zero (SIGFPE), metadata that no longer matches the streams
 * trips one of its own precondition checks, which abort the process. In a child such a
 * crash becomes one error line naming the trace and the signal, and no babeltrace2 state
 * (a pending error, a graph it could not tear down) outlives the read. A child that runs
 * past its time limit (TRACESYNTH_CTF_TIMEOUT seconds; by default 10 minutes plus one
 * second per MB of the trace) is killed, with an error saying so. Metadata can also make
 * libbabeltrace2 grow without bound (an array of 200 million fields): the child's data
 * may grow by TRACESYNTH_CTF_MEMORY MB at most (by default half the machine's memory),
 * and an allocation that fails there is an error saying so. The child is forked
 * from the calling thread only: call these while no other thread of the process is
 * inside libbabeltrace2 (or GLib).
 *
 * The reader's child writes, in its native byte order (the same binary reads it):
 *   u32 MAGIC, i32 rc
 *   rc != 0: str error
 *   rc == 0: u64 n_names, n_names x str (the distinct event names), u64 n,
 *            n x u32 (the event's name index), n x i64 time_ns, n x i32 cpu,
 *            n x u8 exit (what each event is, TS_EVENT_*), u64 lost, u64 unpaired_exits,
 *            u64 reconstructed, i64 n_cpus, char arch[16], str arch_from,
 *            u64 n_streams, each: str name, i64 cpu, u64 events, u64 discarded,
 *              u64 n_discards, each: u64 count, u32 flags (1: has_times, 2: count_known),
 *              i64 begin_ns, i64 end_ns, u64 reconstructed
 *            u64 n_truncated, each: str file, u64 size, indexed, packets, packets_missing
 *            u32 has_fields; when 1: n x i64 tid, n x i64 ret, n x u8 has_ret,
 *              u64 n_comms, n_comms x str (distinct thread names), n x u32 (index, or
 *              0xFFFFFFFF: no name)
 *   u32 MAGIC (anything shorter: the child died while writing)
 * str: u32 length (0xFFFFFFFF: NULL), then the bytes, no NUL. */
#include "data/ctf_isolate.h"
#include "data/data_internal.h"
#include "tracesynth/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x54534346u   /* "TSCF" */
#define NO_STR 0xFFFFFFFFu
#define MAX_STR (64u << 20)

/* ---- child: write ---- */

void ts__put(ts__wr *w, const void *p, size_t n)
{
    if (!w->bad && n && fwrite(p, 1, n, w->f) != n) w->bad = 1;
}
void ts__put_u32(ts__wr *w, uint32_t v) { ts__put(w, &v, sizeof v); }
void ts__put_u64(ts__wr *w, uint64_t v) { ts__put(w, &v, sizeof v); }
void ts__put_i64(ts__wr *w, int64_t v) { ts__put(w, &v, sizeof v); }
void ts__put_str(ts__wr *w, const char *s)
{
    size_t l = s ? strlen(s) : 0;
    if (l >= MAX_STR) l = MAX_STR - 1;
    ts__put_u32(w, s ? (uint32_t)l : NO_STR);
    ts__put(w, s, l);
}

static void put_trace(ts__wr *w, const ts_ctf_trace *t)
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
    ts__put_u64(w, nn);
    for (size_t i = 0; i < nn; i++) ts__put_str(w, names[i]);
    ts__put_u64(w, t->n);
    ts__put(w, idx, t->n * sizeof *idx);
    ts__put(w, t->time_ns, t->n * sizeof *t->time_ns);
    ts__put(w, t->cpu, t->n * sizeof *t->cpu);
    ts__put(w, t->exit, t->n);
    free(idx);
    free(names);
    ts__strmap_free(&m);
    ts__put_u64(w, t->lost);
    ts__put_u64(w, t->unpaired_exits);
    ts__put_u64(w, t->reconstructed);
    ts__put_i64(w, t->n_cpus);
    ts__put(w, t->arch, sizeof t->arch);
    ts__put_str(w, t->arch_from);
    ts__put_u64(w, t->n_streams);
    for (size_t i = 0; i < t->n_streams; i++) {
        const ts_ctf_stream *s = &t->streams[i];
        ts__put_str(w, s->name);
        ts__put_i64(w, s->cpu);
        ts__put_u64(w, s->events);
        ts__put_u64(w, s->discarded);
        ts__put_u64(w, s->n_discards);
        for (size_t k = 0; k < s->n_discards; k++) {
            ts__put_u64(w, s->discards[k].count);
            ts__put_u32(w, (uint32_t)(s->discards[k].has_times ? 1 : 0) | (s->discards[k].count_known ? 2u : 0));
            ts__put_i64(w, s->discards[k].begin_ns);
            ts__put_i64(w, s->discards[k].end_ns);
            ts__put_u64(w, s->discards[k].reconstructed);
        }
    }
    ts__put_u64(w, t->n_truncated);
    for (size_t i = 0; i < t->n_truncated; i++) {
        const ts_ctf_truncation *tr = &t->truncated[i];
        ts__put_str(w, tr->file);
        ts__put_u64(w, tr->size);
        ts__put_u64(w, tr->indexed);
        ts__put_u64(w, tr->packets);
        ts__put_u64(w, tr->packets_missing);
    }
    ts__put_u32(w, t->tid ? 1 : 0);
    if (!t->tid) return;
    ts__put(w, t->tid, t->n * sizeof *t->tid);
    ts__put(w, t->ret, t->n * sizeof *t->ret);
    ts__put(w, t->has_ret, t->n * sizeof *t->has_ret);
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
    ts__put_u64(w, nc);
    for (size_t i = 0; i < nc; i++) ts__put_str(w, comms[i]);
    ts__put(w, cidx, t->n * sizeof *idx);
    free(cidx);
    free(comms);
    ts__strmap_free(&cm);
}

typedef struct { const char *dir; const ts_ctf_opts *o; int fields; const char *work; } load_job;

/* the reader's child: its result, as above */
static int load_child(void *arg, ts__wr *w)
{
    const load_job *j = arg;
    ts_ctf_trace t;
    int rc = ts__ctf_load_in(j->dir, j->o, j->fields, j->work, &t);
    ts__put_u32(w, MAGIC);
    ts__put_u32(w, (uint32_t)rc);
    if (rc) ts__put_str(w, ts_error());
    else put_trace(w, &t);
    ts__put_u32(w, MAGIC);
    /* the trace is not freed: the process ends now (a leak check is not run in the child) */
    return 0;
}

/* ---- parent: read ---- */
int ts__get(FILE *f, void *p, size_t n) { return n && fread(p, 1, n, f) != n ? -1 : 0; }
int ts__get_u32(FILE *f, uint32_t *v) { return ts__get(f, v, sizeof *v); }
int ts__get_u64(FILE *f, uint64_t *v) { return ts__get(f, v, sizeof *v); }
int ts__get_i64(FILE *f, int64_t *v) { return ts__get(f, v, sizeof *v); }
int ts__get_size(FILE *f, size_t *v)
{
    uint64_t u;
    if (ts__get_u64(f, &u) || u > SIZE_MAX / 64) return -1;
    *v = (size_t)u;
    return 0;
}
/* *s: malloc'd, or NULL when the child sent NULL */
int ts__get_str(FILE *f, char **s)
{
    uint32_t l;
    *s = NULL;
    if (ts__get_u32(f, &l)) return -1;
    if (l == NO_STR) return 0;
    if (l >= MAX_STR) return -1;
    *s = ts_malloc((size_t)l + 1);
    (*s)[l] = 0;
    return ts__get(f, *s, l);
}

static int get_trace(FILE *f, ts_ctf_trace *t)
{
    size_t nn, n;
    if (ts__get_size(f, &nn)) return -1;
    char **names = ts_calloc(nn + 1, sizeof *names);
    int rc = 0;
    for (size_t i = 0; i < nn && rc == 0; i++) {
        rc = ts__get_str(f, &names[i]);
        if (rc == 0 && !names[i]) rc = -1;
    }
    uint32_t *idx = NULL;
    if (rc == 0) rc = ts__get_size(f, &n);
    if (rc == 0) {
        idx = ts_malloc(n * sizeof *idx);
        t->time_ns = ts_malloc(n * sizeof *t->time_ns);
        t->cpu = ts_malloc(n * sizeof *t->cpu);
        t->exit = ts_malloc(n ? n : 1);
        rc = ts__get(f, idx, n * sizeof *idx) || ts__get(f, t->time_ns, n * sizeof *t->time_ns) ||
             ts__get(f, t->cpu, n * sizeof *t->cpu) || ts__get(f, t->exit, n) ? -1 : 0;
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
    if (ts__get_u64(f, &t->lost) || ts__get_size(f, &t->unpaired_exits) || ts__get_size(f, &t->reconstructed) ||
        ts__get_i64(f, &t->n_cpus) ||
        ts__get(f, t->arch, sizeof t->arch) || ts__get_str(f, &from))
        return -1;
    t->arch[sizeof t->arch - 1] = 0;
    /* arch_from points at one of the reader's literals */
    t->arch_from = !from ? NULL : !strcmp(from, "env") ? "env" : !strcmp(from, "events") ? "events" : NULL;
    free(from);

    size_t ns;
    if (ts__get_size(f, &ns)) return -1;
    t->streams = ts_calloc(ns, sizeof *t->streams);
    for (size_t i = 0; i < ns; i++) {
        ts_ctf_stream *s = &t->streams[t->n_streams++];
        size_t nd;
        if (ts__get_str(f, &s->name) || ts__get_i64(f, &s->cpu) || ts__get_u64(f, &s->events) ||
            ts__get_u64(f, &s->discarded) || ts__get_size(f, &nd))
            return -1;
        s->discards = ts_calloc(nd, sizeof *s->discards);
        for (size_t k = 0; k < nd; k++) {
            ts_ctf_discard *d = &s->discards[s->n_discards++];
            uint32_t has;
            if (ts__get_u64(f, &d->count) || ts__get_u32(f, &has) || ts__get_i64(f, &d->begin_ns) ||
                ts__get_i64(f, &d->end_ns) || ts__get_u64(f, &d->reconstructed))
                return -1;
            d->has_times = (has & 1) != 0;
            d->count_known = (has & 2) != 0;
        }
    }
    size_t nt;
    if (ts__get_size(f, &nt)) return -1;
    t->truncated = ts_calloc(nt, sizeof *t->truncated);
    for (size_t i = 0; i < nt; i++) {
        ts_ctf_truncation *tr = &t->truncated[t->n_truncated++];
        if (ts__get_str(f, &tr->file) || ts__get_u64(f, &tr->size) || ts__get_u64(f, &tr->indexed) ||
            ts__get_u64(f, &tr->packets) || ts__get_u64(f, &tr->packets_missing))
            return -1;
    }
    uint32_t has_fields;
    if (ts__get_u32(f, &has_fields) || has_fields > 1) return -1;
    if (!has_fields) return 0;
    size_t ne = t->n;
    t->tid = ts_malloc((ne ? ne : 1) * sizeof *t->tid);
    t->ret = ts_malloc((ne ? ne : 1) * sizeof *t->ret);
    t->has_ret = ts_malloc(ne ? ne : 1);
    t->comm = ts_calloc(ne ? ne : 1, sizeof *t->comm);
    size_t nc;
    if (ts__get(f, t->tid, ne * sizeof *t->tid) || ts__get(f, t->ret, ne * sizeof *t->ret) ||
        ts__get(f, t->has_ret, ne) || ts__get_size(f, &nc))
        return -1;
    char **comms = ts_calloc(nc + 1, sizeof *comms);
    uint32_t *cidx = ts_malloc((ne ? ne : 1) * sizeof *idx);
    int crc = 0;
    for (size_t i = 0; i < nc && crc == 0; i++) {
        crc = ts__get_str(f, &comms[i]);
        if (crc == 0 && !comms[i]) crc = -1;
    }
    if (crc == 0) crc = ts__get(f, cidx, ne * sizeof *idx);
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

/* the child's result: 0 with *out, 1 with *err (the reader's error), -1: incomplete */
static int get_result(FILE *f, ts_ctf_trace *out, char **err)
{
    uint32_t magic, rc;
    *err = NULL;
    if (ts__get_u32(f, &magic) || magic != MAGIC || ts__get_u32(f, &rc)) return -1;
    if (rc) {
        if (ts__get_str(f, err) || ts__get_u32(f, &magic) || magic != MAGIC) {
            free(*err);
            *err = NULL;
            return -1;
        }
        return 1;
    }
    if (get_trace(f, out) || ts__get_u32(f, &magic) || magic != MAGIC) {
        ts_ctf_trace_free(out);
        return -1;
    }
    return 0;
}

static int load_isolated(const char *dir, const ts_ctf_opts *opts, int fields, ts_ctf_trace *out)
{
    memset(out, 0, sizeof *out);
    /* the child's copies of truncated streams go here, made and removed by this process: a
     * child that crashes or is killed cannot remove them itself (without it, the child makes
     * its own) */
    char *work;
    if (ts_temp_dir("tracesynth-ctf", &work) != 0) {
        free(work);
        work = NULL;
    }
    load_job j = {dir, opts, fields, work};
    ts__child c;
    int started = ts__child_start(&c, dir, "read", load_child, &j) == 0;
    char *err = NULL;
    int got = started ? get_result(c.in, out, &err) : -1;
    int ended = started ? ts__child_end(&c, got >= 0, 0) : -1;
    if (work) {
        ts_temp_dir_remove(work);
        free(work);
    }
    if (!started) return -1;
    if (ended) {
        if (got == 0) ts_ctf_trace_free(out);
        free(err);
        return -1;
    }
    if (got == 0) return 0;
    ts__child_error(&c, err);
    free(err);
    return -1;
}

int ts_ctf_load(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out)
{
    return load_isolated(dir, opts, 0, out);
}

int ts_ctf_load_fields(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out)
{
    return load_isolated(dir, opts, 1, out);
}

/* ---- the child process ---- */

static FILE *progress_f;
static int progress_tty = -1;   /* unknown yet */

FILE *ts__ctf_progress(void) { return progress_f ? progress_f : stderr; }

static int progress_on_tty(void)
{
    if (progress_tty < 0) progress_tty = isatty(fileno(ts__ctf_progress()));
    return progress_tty;
}

double ts__ctf_progress_every(void) { return progress_on_tty() ? 1.0 : 30.0; }

void ts__ctf_progress_line(uint64_t events, double seconds, int end)
{
    FILE *f = ts__ctf_progress();
    const int tty = progress_on_tty();
    /* a log gets no carriage returns: each line stands whole, as a bar's does there */
    fprintf(f, "%s  %llu events, %.0f s%s", tty ? "\r" : "", (unsigned long long)events, seconds,
            tty ? (end ? "\033[K\n" : "\033[K") : "\n");
    fflush(f);
}

/* bytes of the regular files in DIR and DIR/kernel (a trace's streams and metadata) */
static uint64_t trace_bytes(const char *dir)
{
    uint64_t n = 0;
    for (int k = 0; k < 2; k++) {
        char *d = k ? ts_path_join(dir, "kernel") : ts_strdup(dir);
        DIR *dd = opendir(d);
        struct dirent *de;
        while (dd && (de = readdir(dd))) {
            char *p = ts_path_join(d, de->d_name);
            struct stat sb;
            if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) n += (uint64_t)sb.st_size;
            free(p);
        }
        if (dd) closedir(dd);
        free(d);
    }
    return n;
}

int ts__ctf_time_limit(const char *dir, double *limit)
{
    const char *v = getenv("TRACESYNTH_CTF_TIMEOUT");
    if (v && *v) {
        if (ts_parse_double(v, 0, 1e9, limit))
            return ts_fail("TRACESYNTH_CTF_TIMEOUT: '%s' is not a number of seconds in [0, 1e9] (0: no limit)", v);
        return 0;
    }
    *limit = 600 + (double)trace_bytes(dir) / 1e6;
    return 0;
}

int ts__ctf_memory_limit(double *mb)
{
    const char *v = getenv("TRACESYNTH_CTF_MEMORY");
    if (v && *v) {
        if (ts_parse_double(v, 0, 1e9, mb))
            return ts_fail("TRACESYNTH_CTF_MEMORY: '%s' is not a number of MB in [0, 1e9] (0: no limit)", v);
        return 0;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double half = pages > 0 && page > 0 ? (double)pages * (double)page / 2 / (1 << 20) : 0;
    *mb = half < 1024 ? 1024 : floor(half);
    return 0;
}

/* in the child: its data (heap, private writable mappings: RLIMIT_DATA) may grow by mb MB
 * beyond what it has now (this process's, copied at the fork; under AddressSanitizer its
 * shadow too). Nothing is set when /proc does not say how much that is. */
static void limit_memory(double mb)
{
#if defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
    /* GCC's AddressSanitizer hangs when its report of a failed allocation cannot allocate
     * either (clang's ends the process): its builds run without the limit */
    (void)mb;
    return;
#endif
    if (mb <= 0) return;
    char buf[8192];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    const char *l = strstr(buf, "\nVmData:");
    if (!l) return;
    unsigned long long kb = strtoull(l + 9, NULL, 10);
    double want = (double)kb * 1024 + mb * (1 << 20);
    struct rlimit r;
    if (getrlimit(RLIMIT_DATA, &r) != 0) return;
    if (r.rlim_max != RLIM_INFINITY && want >= (double)r.rlim_max) return;   /* lower already */
    r.rlim_cur = want >= 1.8e19 ? RLIM_INFINITY : (rlim_t)want;
    setrlimit(RLIMIT_DATA, &r);
}

/* the parent's end of the pipe: reads that wait at most until the deadline */
typedef struct { int fd; double deadline; int timed_out; } pipe_in;

static ssize_t pipe_read(void *cookie, char *buf, size_t n)
{
    pipe_in *p = cookie;
    for (;;) {
        int ms = -1;
        if (p->deadline > 0) {
            double left = p->deadline - ts_now();
            if (left <= 0) {
                p->timed_out = 1;
                errno = ETIMEDOUT;
                return -1;
            }
            ms = left > 1e6 ? 1000000000 : (int)(left * 1000) + 1;
        }
        struct pollfd pf = {p->fd, POLLIN, 0};
        int r = poll(&pf, 1, ms);
        if (r < 0 && errno != EINTR) return -1;
        if (r <= 0) continue;
        ssize_t got = read(p->fd, buf, n);
        if (got < 0 && errno == EINTR) continue;
        return got;
    }
}

static int pipe_close(void *cookie)
{
    pipe_in *p = cookie;
    close(p->fd);
    free(p);
    return 0;
}

/* fd moved to 3 or above (close-on-exec): with stdin, stdout or stderr closed, a new
 * descriptor would take their place, and the child's dup2 onto 1 or 2 would end it */
static int high_fd(int fd)
{
    if (fd < 0 || fd > 2) return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return h;
}

int ts__child_start(ts__child *c, const char *dir, const char *verb, int (*fn)(void *arg, ts__wr *out), void *arg)
{
    memset(c, 0, sizeof *c);
    c->dir = dir;
    c->verb = verb;
    c->err_fd = -1;
    if (ts__ctf_time_limit(dir, &c->limit) || ts__ctf_memory_limit(&c->mem_mb)) return -1;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC))
        return ts_fail("%s: cannot start babeltrace2's process: pipe: %s", dir, strerror(errno));
    fds[0] = high_fd(fds[0]);
    fds[1] = high_fd(fds[1]);
    if (fds[0] < 0 || fds[1] < 0) {
        if (fds[0] >= 0) close(fds[0]);
        if (fds[1] >= 0) close(fds[1]);
        return ts_fail("%s: cannot start babeltrace2's process: no file descriptor", dir);
    }
    /* the child's stderr, read once it has ended */
    c->err_fd = high_fd(memfd_create("tracesynth-ctf-stderr", MFD_CLOEXEC));
    fflush(NULL);   /* nothing buffered here is written twice */
    /* a signal that ends the process waits until the child is known (ts_stage_worker): it
     * is killed with its parent, not left reading the trace */
    sigset_t ending, was;
    sigemptyset(&ending);
    sigaddset(&ending, SIGINT);
    sigaddset(&ending, SIGTERM);
    sigaddset(&ending, SIGHUP);
    sigaddset(&ending, SIGQUIT);
    sigprocmask(SIG_BLOCK, &ending, &was);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) {
        if (pid > 0) ts_stage_worker(pid);   /* a signal that removes a stage it writes into kills it first */
        sigprocmask(SIG_SETMASK, &was, NULL);
    }
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        if (c->err_fd >= 0) close(c->err_fd);
        return ts_fail("%s: cannot start babeltrace2's process: fork: %s", dir, strerror(e));
    }
    if (pid == 0) {
        /* killed with its parent (kill -9 there): not left reading the trace on to its end
         * into a copy no one removes. The signal comes when the thread that forked ends; it
         * waits for the child (ts__child_end). A parent gone before this is checked after */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(9);
        sigprocmask(SIG_SETMASK, &was, NULL);
        close(fds[0]);
        /* progress lines still go to the caller's stderr */
        int pfd = fcntl(2, F_DUPFD_CLOEXEC, 3);
        progress_f = pfd >= 0 ? fdopen(pfd, "w") : NULL;
        progress_tty = -1;
        if (c->err_fd >= 0) dup2(c->err_fd, 2);
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
        limit_memory(c->mem_mb);
        ts_clear_error();
        ts__wr w = {fdopen(fds[1], "w"), 0};
        if (!w.f) _exit(3);
        setvbuf(w.f, NULL, _IOFBF, 1 << 16);
        int st = fn(arg, &w);
        if (fclose(w.f)) w.bad = 1;
        if (progress_f) fflush(progress_f);
        fflush(stdout);
        /* no exit handlers: they belong to the parent */
        _exit(st ? st : w.bad ? 3 : 0);
    }
    close(fds[1]);
    c->pid = pid;
    pipe_in *p = ts_malloc(sizeof *p);
    p->fd = fds[0];
    p->deadline = c->limit > 0 ? ts_now() + c->limit : 0;
    p->timed_out = 0;
    c->pin = p;
    cookie_io_functions_t io = {pipe_read, NULL, NULL, pipe_close};
    c->in = fopencookie(p, "r", io);
    if (!c->in) {
        pipe_close(p);
        c->pin = NULL;
        kill(pid, SIGKILL);
        ts__child_end(c, 0, 1);
        return ts_fail("%s: cannot read from babeltrace2's process: %s", dir, strerror(errno));
    }
    return 0;
}

/* an allocation's failure, as GLib (g_malloc), tracesynth's own allocator, strerror
 * (ENOMEM), AddressSanitizer and libFuzzer tell it */
static int says_no_memory(const char *s)
{
    return s && (strcasestr(s, "failed to allocate") || strstr(s, "out of memory") || strstr(s, "out-of-memory") ||
                 strstr(s, "Cannot allocate memory"));
}

/* what the child wrote to stderr (a file): a sanitizer's report, or libbabeltrace2's
 * account of the precondition it aborted on. After a crash with such an account, its
 * reason is put in why (NULL: none) and the rest is dropped; a failed allocation's
 * account sets *nomem and is dropped too; anything else goes to stderr */
static void child_stderr(int fd, int crashed, char *why, size_t whyn, int *nomem)
{
    why[0] = 0;
    *nomem = 0;
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
    if (says_no_memory(buf)) {
        *nomem = 1;
    } else if (pre) {
        const char *l = strchr(pre, '\n') + 1, *e = strchr(l, '\n');
        const char *at = strchr(l, '@'), *sp = at ? strchr(at, ' ') : NULL;
        if (!e) e = l + strlen(l);
        if (sp && sp < e) snprintf(why, whyn, "%.*s", (int)(e - sp - 1), sp + 1);
    } else if (got > 0) {
        fputs(buf, stderr);
    }
    free(buf);
}

int ts__child_end(ts__child *c, int complete, int stop)
{
    pipe_in *p = c->pin;
    int timed_out = p && p->timed_out;
    double deadline = p ? p->deadline : 0;
    if (stop || timed_out) kill(c->pid, SIGKILL);
    if (c->in) fclose(c->in);   /* a child still writing ends on SIGPIPE */
    c->in = NULL;
    c->pin = NULL;
    /* the child ends soon after its last byte; past the deadline it is killed */
    int status = 0;
    pid_t w;
    struct timespec nap = {0, 1000000};
    for (;;) {
        w = waitpid(c->pid, &status, WNOHANG);
        if (w != 0 && !(w < 0 && errno == EINTR)) break;
        if (deadline > 0 && ts_now() > deadline && !timed_out) {
            timed_out = 1;
            kill(c->pid, SIGKILL);
        }
        nanosleep(&nap, NULL);
        if (nap.tv_nsec < 64000000) nap.tv_nsec *= 2;
    }
    ts_stage_worker(0);
    int signaled = w == c->pid && WIFSIGNALED(status);
    c->sig = signaled ? WTERMSIG(status) : 0;
    char why[512];
    child_stderr(c->err_fd, signaled && !stop && !timed_out, why, sizeof why, &c->nomem);
    if (c->err_fd >= 0) close(c->err_fd);
    c->err_fd = -1;
    if (stop) return -1;   /* the caller's own error stands */
    const char *dir = c->dir, *verb = c->verb;
    if (timed_out)
        return ts_fail("%s: babeltrace2 could not %s the trace in %g s: its process was stopped "
                       "(TRACESYNTH_CTF_TIMEOUT sets the limit in seconds, 0 none)", dir, verb, c->limit);
    /* w < 0 (ECHILD: the caller ignores SIGCHLD, children are reaped unseen): the result
     * alone says whether the child finished */
    int clean = w < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (complete && clean) return 0;
    if (c->nomem) return ts__child_error(c, NULL);
    if (signaled)
        return ts_fail("%s: babeltrace2 could not %s the trace (it stopped on signal %d: %s%s%s)", dir, verb,
                       WTERMSIG(status), strsignal(WTERMSIG(status)), why[0] ? "; " : "", why);
    if (w == c->pid && WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return ts_fail("%s: babeltrace2 could not %s the trace (its process exited with status %d)", dir, verb,
                       WEXITSTATUS(status));
    return ts_fail("%s: babeltrace2 could not %s the trace (its process ended without a result)", dir, verb);
}

int ts__child_error(const ts__child *c, const char *err)
{
    if (!c->nomem && !says_no_memory(err)) return ts_fail("%s", err ? err : "");
    if (c->mem_mb <= 0)
        return ts_fail("%s: babeltrace2 could not %s the trace: its process ran out of memory", c->dir, c->verb);
    return ts_fail("%s: babeltrace2 could not %s the trace: its process exceeded its memory limit of %g MB "
                   "(TRACESYNTH_CTF_MEMORY sets the limit in MB, 0 none)", c->dir, c->verb, c->mem_mb);
}
