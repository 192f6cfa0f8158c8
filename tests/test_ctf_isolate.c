/* The CTF reader in a child process (src/data/ctf_isolate.c): metadata that crashes
 * libbabeltrace2 or leaves it with an error pending is one error line naming the trace;
 * the child's result is the reader's, field for field. The metadata files are the fuzz
 * reproducers (tests/fuzz/repro/ctf/) over the fuzz harness's two-CPU streams. */
#include "check.h"

#include "data/ctf_isolate.h"
#include "tracesynth.h"
#include "tracesynth/gaps.h"

#include <babeltrace2/babeltrace.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* symlink is interposed here (the library is linked statically into this binary): armed
 * with a signal, the reader's child sends it to its parent once it has linked a file into
 * its copy of a truncated trace, then waits for the end, as a child killed mid-copy would */
static volatile int symlink_sig;
static volatile pid_t symlink_parent;

int symlink(const char *target, const char *linkpath)
{
    int rc = (int)syscall(SYS_symlinkat, target, AT_FDCWD, linkpath);
    if (rc == 0 && symlink_sig && symlink_parent && getppid() == symlink_parent) {
        kill(symlink_parent, symlink_sig);
        /* killed by the parent, or, where the parent ends without killing it, it leaves */
        for (int i = 0; i < 60000 && getppid() == symlink_parent; i++) usleep(1000);
        /* the parent killed (SIGKILL): the signal its end sends this child has come with
         * the parent's end; given time to be handled, it ends the child before _exit */
        if (symlink_sig == SIGKILL)
            for (int i = 0; i < 2000; i++) usleep(1000);
        _exit(9);
    }
    return rc;
}

static char pbuf[8][1300];
static const char *in(const char *dir, const char *name)
{
    static int k;
    char *p = pbuf[k++ & 7];
    snprintf(p, sizeof pbuf[0], "%s/%s", dir, name);
    return p;
}

typedef struct { unsigned char b[256]; size_t n; } bytes;
static void put_le(bytes *o, uint64_t v, int nb) { for (int i = 0; i < nb; i++) o->b[o->n++] = (unsigned char)(v >> (8 * i)); }
static void put_ev(bytes *o, uint32_t id, uint64_t t, const char *comm, uint32_t v)
{
    put_le(o, id, 4);
    put_le(o, t, 8);
    if (comm) { size_t l = strlen(comm) + 1; memcpy(o->b + o->n, comm, l); o->n += l; }
    put_le(o, v, 4);
}
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

/* dir: the streams of tests/fuzz/fuzz_ctf.c, metadata copied from the file meta */
static int make_trace(const char *dir, const char *meta)
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
    FILE *f = fopen(in(dir, "chan_0"), "wb");
    if (!f) return -1;
    put_packet(f, &a, 0);
    fclose(f);
    if (!(f = fopen(in(dir, "chan_1"), "wb"))) return -1;
    put_packet(f, &c, 1);
    fclose(f);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", meta, in(dir, "metadata"));
    return system(cmd) == 0 ? 0 : -1;
}

static const char *repro(const char *name)
{
    static char buf[300];
    snprintf(buf, sizeof buf, "tests/fuzz/repro/ctf/%s.tsdl", name);
    return buf;
}

static void remove_tree(const char *d)
{
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    if (system(cmd) != 0) fprintf(stderr, "  cannot remove %s\n", d);
}

static int one_line(const char *e) { return e && *e && !strchr(e, '\n'); }

/* the reader's result in the child and in this process: every field equal */
static int same_trace(const ts_ctf_trace *a, const ts_ctf_trace *b)
{
    int ok = a->n == b->n && a->lost == b->lost && a->n_streams == b->n_streams &&
             a->n_truncated == b->n_truncated && a->unpaired_exits == b->unpaired_exits &&
             a->n_cpus == b->n_cpus && !strcmp(a->arch, b->arch) &&
             (a->arch_from == b->arch_from ||
              (a->arch_from && b->arch_from && !strcmp(a->arch_from, b->arch_from)));
    for (size_t i = 0; ok && i < a->n; i++)
        ok = !strcmp(a->names[i], b->names[i]) && a->time_ns[i] == b->time_ns[i] && a->cpu[i] == b->cpu[i];
    for (size_t i = 0; ok && i < a->n_streams; i++) {
        const ts_ctf_stream *s = &a->streams[i], *t = &b->streams[i];
        ok = !strcmp(s->name, t->name) && s->cpu == t->cpu && s->events == t->events &&
             s->discarded == t->discarded && s->n_discards == t->n_discards;
        for (size_t k = 0; ok && k < s->n_discards; k++)
            ok = !memcmp(&s->discards[k], &t->discards[k], sizeof s->discards[k]);
    }
    for (size_t i = 0; ok && i < a->n_truncated; i++) {
        const ts_ctf_truncation *s = &a->truncated[i], *t = &b->truncated[i];
        ok = !strcmp(s->file, t->file) && s->size == t->size && s->indexed == t->indexed &&
             s->packets == t->packets && s->packets_missing == t->packets_missing;
    }
    return ok;
}

static void check_same(const char *dir, ts_ctf_opts o)
{
    ts_ctf_trace a, b;
    REQUIRE(ts_ctf_load(dir, &o, &a) == 0);
    if (ts__ctf_load_here(dir, &o, 0, &b) != 0) {
        CHECK_MSG(0, "in this process: %s", ts_error());
        ts_ctf_trace_free(&a);
        return;
    }
    CHECK(a.n > 0);
    CHECK(same_trace(&a, &b));
    ts_ctf_trace_free(&a);
    ts_ctf_trace_free(&b);
}

static void child_result_is_the_readers(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600];
    snprintf(dir, sizeof dir, "%s", d);
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    check_same(dir, (ts_ctf_opts){NULL, 0, TS_CTF_SYSCALLS, -1, 0, 0});
    check_same(dir, (ts_ctf_opts){"app", 1, TS_CTF_SYSCALLS, -1, 0, 0});
    check_same(dir, (ts_ctf_opts){NULL, 0, TS_CTF_ALL, 1, 0, 0});
    ts_ctf_trace t;
    ts_ctf_opts o = {NULL, 0, TS_CTF_SYSCALLS, 5, 0, 0};
    CHECK(ts_ctf_load(dir, &o, &t) == -1 && strstr(ts_error(), "no CPU 5") && one_line(ts_error()));
    remove_tree(dir);

    const char *p = shared_path("traces/lttng/many-threads");
    if (!p) SKIP("../shared/traces/lttng/many-threads not present");
    char *mt = strdup(p);   /* shared_path's buffer is reused */
    check_same(mt, (ts_ctf_opts){NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0});
    check_same(mt, (ts_ctf_opts){NULL, 0, TS_CTF_ALL, -1, 0, 0});
    free(mt);
}

/* a crash inside libbabeltrace2 (SIGFPE, a precondition's abort) is an error naming the
 * trace and the signal; the next read in the process still works */
static void library_crash_is_an_error(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], good[600];
    snprintf(dir, sizeof dir, "%s/bad", d);
    snprintf(good, sizeof good, "%s/good", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(good, 0755) == 0);
    REQUIRE(make_trace(good, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    const char *bad[] = {"metadata-clock-without-freq-sigfpe", "metadata-babeltrace-precondition-abort"};
    const char *want[] = {"it stopped on signal 8: ", "it stopped on signal 6: "};
    for (int i = 0; i < 2; i++) {
        REQUIRE(make_trace(dir, repro(bad[i])) == 0);
        char **names = NULL;
        size_t n = 0;
        CHECK(ts_ctf_read(dir, NULL, 0, &names, &n, NULL) == -1 && !names && n == 0);
        const char *e = ts_error();
        CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, "babeltrace2 could not read the trace") &&
                  strstr(e, want[i]) && one_line(e), "%s: %s", bad[i], e);
        CHECK(bt_current_thread_take_error() == NULL);
        CHECK(ts_ctf_read(good, NULL, 0, &names, &n, NULL) == 0 && n == 5);
        for (size_t k = 0; k < n; k++) free(names[k]);
        free(names);
    }
    /* the CLI: one error line, a failing exit status */
    REQUIRE(make_trace(dir, repro(bad[0])) == 0);
    char cmd[1400], err[1024], want0[1200];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    snprintf(want0, sizeof want0,
             "tracesynth: error: %s: babeltrace2 could not read the trace (it stopped on signal 8: ", dir);
    CHECK_MSG(!strncmp(err, want0, strlen(want0)), "%s", err);
    remove_tree(d);
}

/* babeltrace2 ends the graph OK but leaves an error on the thread: the read fails with
 * babeltrace2's reason, and nothing is left pending for the next read */
static void pending_error_is_a_failure(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], good[600];
    snprintf(dir, sizeof dir, "%s/bad", d);
    snprintf(good, sizeof good, "%s/good", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(good, 0755) == 0);
    REQUIRE(make_trace(good, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    REQUIRE(make_trace(dir, repro("metadata-success-leaves-error-pending")) == 0);
    char **names = NULL;
    size_t n = 0;
    CHECK(ts_ctf_read(dir, NULL, 0, &names, &n, NULL) == -1);
    const char *e = ts_error();
    CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, ": cannot read the trace: ") && one_line(e), "%s", e);
    /* in this process, as the child reads it: in a forked process of the test's own (on this
     * input libbabeltrace2 leaks the message it was building, which a leak check would see) */
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ts_ctf_trace t;
        int bad = 0;
        if (ts__ctf_load_here(dir, NULL, 0, &t) != -1 || !strstr(ts_error(), "cannot read the trace")) bad |= 1;
        if (bt_current_thread_take_error()) bad |= 2;
        if (ts__ctf_load_here(good, NULL, 0, &t) != 0) bad |= 4;
        else ts_ctf_trace_free(&t);
        _exit(bad);
    }
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
    remove_tree(d);
}

static int count_ev(void *u, const ts_rw_event *e) { (void)e; ++*(int *)u; return 0; }

/* the scanner: babeltrace2 ends the graph OK with an error pending (a stream stopped
 * decoding): a failure with its reason, nothing left pending */
static void scan_pending_error_is_a_failure(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], good[600], out[600];
    snprintf(dir, sizeof dir, "%s/bad", d);
    snprintf(good, sizeof good, "%s/good", d);
    snprintf(out, sizeof out, "%s/out", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(good, 0755) == 0);
    REQUIRE(make_trace(good, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    REQUIRE(make_trace(dir, repro("metadata-success-leaves-error-pending")) == 0);
    int n = 0;
    ts_scan_hooks sh = {&n, NULL, count_ev, NULL, 0, NULL};
    CHECK(ts_ctf_scan(dir, &sh) == -1);
    const char *e = ts_error();
    CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, ": cannot read the trace: ") && one_line(e), "%s", e);
    CHECK(bt_current_thread_take_error() == NULL);
    n = 0;
    CHECK(ts_ctf_scan(good, &sh) == 0 && n == 9);
    ts_rw_hooks h = {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    CHECK(ts_ctf_rewrite(good, out, &h) == 0 && ts_file_exists(out));
    remove_tree(d);
}

/* the rewriter (gaps, drop, fill) and the scanner run libbabeltrace2 in a child too: a
 * crash is one error line naming the trace and the signal, nothing is left at the output,
 * an output already there stays, and the next call works */
static void rewriter_crash_is_an_error(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], good[600], out[600], keep[700];
    snprintf(dir, sizeof dir, "%s/bad", d);
    snprintf(good, sizeof good, "%s/good", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(keep, sizeof keep, "%s/out/metadata", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(good, 0755) == 0);
    REQUIRE(make_trace(good, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    ts_rw_hooks h = {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    REQUIRE(ts_ctf_rewrite(good, out, &h) == 0);
    struct stat before;
    REQUIRE(stat(keep, &before) == 0);
    const char *bad[] = {"metadata-clock-without-freq-sigfpe", "metadata-babeltrace-precondition-abort",
                         "metadata-success-leaves-error-pending"};
    const char *want[] = {"it stopped on signal 8: ", "it stopped on signal 6: ", ": cannot rewrite the trace: "};
    for (int i = 0; i < 3; i++) {
        REQUIRE(make_trace(dir, repro(bad[i])) == 0);
        CHECK(ts_ctf_rewrite(dir, out, &h) == -1);
        const char *e = ts_error();
        CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, want[i]) && one_line(e), "%s: %s", bad[i], e);
        if (i < 2) CHECK_MSG(strstr(e, "babeltrace2 could not rewrite the trace"), "%s", e);
        struct stat now;
        CHECK(stat(keep, &now) == 0 && now.st_size == before.st_size && now.st_ino == before.st_ino);
        CHECK(count_dir(d) == 3);   /* bad, good, out: no temporary beside out */
        CHECK(bt_current_thread_take_error() == NULL);
        int n = 0;
        ts_scan_hooks sh = {&n, NULL, count_ev, NULL, 0, NULL};
        CHECK(ts_ctf_scan(dir, &sh) == -1);
        e = ts_error();
        CHECK_MSG(!strncmp(e, dir, strlen(dir)) && (i == 2 || strstr(e, want[i])) && one_line(e), "%s: %s", bad[i], e);
        ts_gap_list gl;
        CHECK(ts_gaps_find(dir, 0, &gl) == -1 && !strncmp(ts_error(), dir, strlen(dir)));
        n = 0;
        CHECK(ts_ctf_scan(good, &sh) == 0 && n == 9);
    }
    /* drop from the command line: one error line, a failing exit status, no output */
    REQUIRE(make_trace(dir, repro(bad[0])) == 0);
    char cmd[1400], err[1024], want0[1200];
    snprintf(cmd, sizeof cmd, "drop %s -o %s/dropped --rate 0.2", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    snprintf(want0, sizeof want0,
             "tracesynth: error: %s: babeltrace2 could not rewrite the trace (it stopped on signal 8: ", dir);
    CHECK_MSG(!strncmp(err, want0, strlen(want0)), "%s", err);
    CHECK(count_dir(d) == 3);
    CHECK(ts_ctf_rewrite(good, out, &h) == 0);
    remove_tree(d);
}

typedef struct { int n, stop_at; } stopper;
static int stop_ev(void *u, const ts_rw_event *e)
{
    stopper *s = u;
    (void)e;
    if (++s->n == s->stop_at) return ts_fail("hook: stopped at event %d", s->n);
    return 0;
}

/* a hook's error stops the reading: its own error line, the child stopped */
static void scan_hook_error_stands(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(make_trace(d, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    stopper s = {0, 3};
    ts_scan_hooks sh = {&s, NULL, stop_ev, NULL, 0, NULL};
    CHECK(ts_ctf_scan(d, &sh) == -1);
    CHECK_MSG(!strcmp(ts_error(), "hook: stopped at event 3") && s.n == 3, "%s (%d)", ts_error(), s.n);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1);   /* no child left behind */
    remove_tree(d);
}

static int sleepy(void *arg, ts__wr *w) { (void)arg; (void)w; sleep(100); return 0; }
static int hang_keep(void *u, const ts_rw_event *e) { (void)u; (void)e; sleep(100); return 1; }

/* a child that hangs is stopped after TRACESYNTH_CTF_TIMEOUT seconds, with an error saying
 * so: a child that sleeps, a rewriting whose hook hangs, libbabeltrace2 waiting on an index
 * file that is a FIFO (the reader and the scanner); a bad value is an error */
static void hung_child_is_stopped(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], out[600];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(out, sizeof out, "%s/out", d);
    REQUIRE(mkdir(dir, 0755) == 0);
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    setenv("TRACESYNTH_CTF_TIMEOUT", "1", 1);
    double t0 = ts_now();
    ts__child c;
    REQUIRE(ts__child_start(&c, dir, "read", sleepy, NULL) == 0);
    uint32_t v;
    CHECK(ts__get_u32(c.in, &v) == -1);
    CHECK(ts__child_end(&c, 0, 0) == -1);
    const char *e = ts_error();
    CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, "could not read the trace in 1 s: its process was stopped") &&
              strstr(e, "TRACESYNTH_CTF_TIMEOUT") && one_line(e), "%s", e);
    ts_rw_hooks h = {NULL, hang_keep, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    CHECK(ts_ctf_rewrite(dir, out, &h) == -1);
    CHECK_MSG(strstr(ts_error(), "could not rewrite the trace in 1 s: its process was stopped"), "%s", ts_error());
    CHECK(!ts_file_exists(out) && count_dir(d) == 1);
    CHECK_MSG(ts_now() - t0 < 60, "took %.0f s", ts_now() - t0);   /* not a hang */
    CHECK(waitpid(-1, NULL, WNOHANG) == -1);
    setenv("TRACESYNTH_CTF_TIMEOUT", "soon", 1);
    ts_ctf_trace t;
    CHECK(ts_ctf_load(dir, NULL, &t) == -1 && strstr(ts_error(), "TRACESYNTH_CTF_TIMEOUT: 'soon' is not a number"));
    /* an index file that is a FIFO: our own index check passes it by, libbabeltrace2 waits
     * on it for ever */
    setenv("TRACESYNTH_CTF_TIMEOUT", "1", 1);
    REQUIRE(mkdir(in(dir, "index"), 0755) == 0 && mkfifo(in(dir, "index/chan_0.idx"), 0644) == 0);
    CHECK(ts_ctf_load(dir, NULL, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "could not read the trace in 1 s: its process was stopped"), "%s", ts_error());
    int n = 0;
    ts_scan_hooks sh = {&n, NULL, count_ev, NULL, 0, NULL};
    CHECK(ts_ctf_scan(dir, &sh) == -1 && strstr(ts_error(), "could not read the trace in 1 s"));
    char *td = ts_ctf_trace_dir(dir);
    CHECK(td != NULL);
    free(td);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1);
    unsetenv("TRACESYNTH_CTF_TIMEOUT");
    remove_tree(d);
}

static void be_put(FILE *f, uint64_t v, int nb) { for (int i = nb - 1; i >= 0; i--) fputc((int)(v >> (8 * i)) & 0xff, f); }

/* a stream file that ends inside its second packet (per its index) is read through a
 * temporary copy of its complete packets: when libbabeltrace2 crashes on the trace, the
 * copy is still removed */
static void crash_leaves_no_temporary_copy(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], tmp[600];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(tmp, sizeof tmp, "%s/tmp", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(tmp, 0755) == 0 && mkdir(in(dir, "index"), 0755) == 0);
    REQUIRE(make_trace(dir, repro("metadata-clock-without-freq-sigfpe")) == 0);
    struct stat sb;
    REQUIRE(stat(in(dir, "chan_0"), &sb) == 0);
    uint64_t first = (uint64_t)sb.st_size;
    FILE *f = fopen(in(dir, "index/chan_0.idx"), "wb");
    REQUIRE(f);
    be_put(f, 0xC1F1DCC1u, 4); be_put(f, 1, 4); be_put(f, 0, 4); be_put(f, 56, 4);
    for (int k = 0; k < 2; k++) {   /* the file's packet, then one of 64 bytes cut after 10 */
        be_put(f, k ? first : 0, 8);
        be_put(f, (k ? 64 : first) * 8, 8);
        be_put(f, (k ? 64 : first) * 8, 8);
        for (int i = 0; i < 4; i++) be_put(f, 0, 8);
    }
    fclose(f);
    REQUIRE((f = fopen(in(dir, "chan_0"), "ab")) != NULL);
    for (int i = 0; i < 10; i++) fputc(0, f);
    fclose(f);
    setenv("TMPDIR", tmp, 1);
    ts_ctf_trace t;
    CHECK(ts_ctf_load(dir, NULL, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "stopped on signal 8"), "%s", ts_error());
    CHECK_MSG(count_dir(tmp) == 0, "%d entries left in %s", count_dir(tmp), tmp);
    /* with readable metadata, the complete packets are read (the copy removed) */
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    REQUIRE((f = fopen(in(dir, "chan_0"), "ab")) != NULL);
    for (int i = 0; i < 10; i++) fputc(0, f);
    fclose(f);
    REQUIRE(ts_ctf_load(dir, NULL, &t) == 0);
    CHECK(t.n_truncated == 1 && t.n > 0);
    ts_ctf_trace_free(&t);
    CHECK_MSG(count_dir(tmp) == 0, "%d entries left in %s", count_dir(tmp), tmp);
    unsetenv("TMPDIR");
    remove_tree(d);
}

/* dir: the trace of make_trace with chan_0's second packet cut short (an index that says
 * where the first ends): the reader's child copies the complete packet into its directory */
static int make_truncated_trace(const char *dir)
{
    if (mkdir(dir, 0755) != 0 || mkdir(in(dir, "index"), 0755) != 0) return -1;
    if (make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") != 0) return -1;
    struct stat sb;
    if (stat(in(dir, "chan_0"), &sb) != 0) return -1;
    uint64_t first = (uint64_t)sb.st_size;
    FILE *f = fopen(in(dir, "index/chan_0.idx"), "wb");
    if (!f) return -1;
    be_put(f, 0xC1F1DCC1u, 4); be_put(f, 1, 4); be_put(f, 0, 4); be_put(f, 56, 4);
    for (int k = 0; k < 2; k++) {
        be_put(f, k ? first : 0, 8);
        be_put(f, (k ? 64 : first) * 8, 8);
        be_put(f, (k ? 64 : first) * 8, 8);
        for (int i = 0; i < 4; i++) be_put(f, 0, 8);
    }
    fclose(f);
    if (!(f = fopen(in(dir, "chan_0"), "ab"))) return -1;
    for (int i = 0; i < 10; i++) fputc(0, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Ctrl-C or kill while the reader's child copies a truncated stream's complete packets
 * into its temporary directory: the process ends on the signal, the child with it, and
 * nothing is left in TMPDIR */
static void signal_leaves_no_temporary_copy(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], tmp[600];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(tmp, sizeof tmp, "%s/tmp", d);
    REQUIRE(mkdir(tmp, 0755) == 0 && make_truncated_trace(dir) == 0);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) break;
        if (pid == 0) {
            signal(sigs[i], SIG_DFL);
            setenv("TMPDIR", tmp, 1);
            symlink_parent = getpid();
            symlink_sig = sigs[i];
            ts_ctf_trace t;
            _exit(ts_ctf_load(dir, NULL, &t) == 0 ? 0 : 3);
        }
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid);
        CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i], "signal %d: status 0x%x", sigs[i], st);
        CHECK_MSG(count_dir(tmp) == 0, "signal %d: %d entries left in %s", sigs[i], count_dir(tmp), tmp);
        DIR *dd = opendir(tmp);
        struct dirent *e;
        while (dd && (e = readdir(dd))) {   /* clean for the next signal */
            if (e->d_name[0] == '.') continue;
            char p[1300];
            snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
            remove_tree(p);
        }
        if (dd) closedir(dd);
    }
    CHECK(waitpid(-1, NULL, WNOHANG) == -1);
    remove_tree(d);
}

/* the reader's process killed (kill -9) while its child copies a truncated stream: the
 * child ends with it, not reading on to the end, and the copy it leaves in TMPDIR goes at
 * the next run's making of one there; the sweep takes only directories of the project's
 * name whose process is gone */
static void parent_killed_ends_the_child(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], tmp[600];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(tmp, sizeof tmp, "%s/tmp", d);
    REQUIRE(mkdir(tmp, 0755) == 0 && make_truncated_trace(dir) == 0);
    fflush(NULL);
    /* a process between this one and the reader's takes the orphaned child as its own
     * (a subreaper), to see how it ends: 0 killed, 2 read on, 3 otherwise */
    pid_t keeper = fork();
    REQUIRE(keeper >= 0);
    if (keeper == 0) {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) _exit(4);
        pid_t reader = fork();
        if (reader < 0) _exit(4);
        if (reader == 0) {
            setenv("TMPDIR", tmp, 1);
            symlink_parent = getpid();
            symlink_sig = SIGKILL;
            ts_ctf_trace t;
            _exit(ts_ctf_load(dir, NULL, &t) == 0 ? 0 : 3);
        }
        int st = 0, rc = 3, seen = 0;
        pid_t w;
        while ((w = waitpid(-1, &st, 0)) > 0) {
            if (w == reader) {
                if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) _exit(5);
                continue;
            }
            seen = 1;
            rc = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 0 : WIFEXITED(st) && WEXITSTATUS(st) == 9 ? 2 : 3;
        }
        _exit(seen ? rc : 6);
    }
    int st = 0;
    REQUIRE(waitpid(keeper, &st, 0) == keeper);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the reader's child %s (status 0x%x)",
              WIFEXITED(st) && WEXITSTATUS(st) == 2 ? "read on once its parent was killed" : "ended otherwise", st);
    /* the killed reader's copy is there; a directory of a process that runs (pid 1), one
     * without a pid and one of another name stay */
    CHECK_MSG(count_dir(tmp) == 1, "%d entries in %s after the kill", count_dir(tmp), tmp);
    DIR *dd = opendir(tmp);
    struct dirent *e;
    while (dd && (e = readdir(dd)))   /* not one made a moment ago */
        if (e->d_name[0] != '.') CHECK(age_path(in(tmp, e->d_name)) == 0);
    if (dd) closedir(dd);
    static const char *const stay[] = {"tracesynth-ctf-1-abc123", "tracesynth-ctf-abc123", "other-999999999-abc123"};
    for (int i = 0; i < 3; i++) CHECK(mkdir(in(tmp, stay[i]), 0700) == 0);
    setenv("TMPDIR", tmp, 1);
    char *t;
    int made = ts_temp_dir("tracesynth-ctf", &t) == 0;
    unsetenv("TMPDIR");
    CHECK(made);
    CHECK_MSG(count_dir(tmp) == 5 - 1, "%d entries in %s: the killed reader's copy stays", count_dir(tmp), tmp);
    for (int i = 0; i < 3; i++) CHECK_MSG(ts_file_exists(in(tmp, stay[i])), "%s was removed", stay[i]);
    if (made) {
        CHECK(ts_file_exists(t));
        ts_temp_dir_remove(t);
    }
    free(t);
    remove_tree(d);
}

/* the text output is written by a child through f's descriptor: it works with this
 * process's stdout and stderr closed and leaves them so; a crash is an error line */
static void text_output_leaves_stdio_alone(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], bad[600], txt[600];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(bad, sizeof bad, "%s/bad", d);
    snprintf(txt, sizeof txt, "%s/t.txt", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(bad, 0755) == 0);
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    REQUIRE(make_trace(bad, repro("metadata-clock-without-freq-sigfpe")) == 0);
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int hi = fd >= 0 ? fcntl(fd, F_DUPFD, 10) : -1;
        close(fd);
        FILE *f = hi >= 0 ? fdopen(hi, "w") : NULL;
        if (!f) _exit(10);
        close(1);
        close(2);
        int bad_rc = 0;
        fputs("before\n", f);
        if (ts_ctf_print_text(dir, f) != 0) bad_rc |= 1;
        fputs("after\n", f);
        if (fcntl(1, F_GETFD) != -1 || fcntl(2, F_GETFD) != -1) bad_rc |= 2;   /* still closed */
        if (ts_ctf_print_text(bad, f) != -1 || !strstr(ts_error(), "could not print the trace (it stopped on signal 8"))
            bad_rc |= 4;
        fclose(f);
        _exit(bad_rc);
    }
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
    FILE *f = fopen(txt, "r");
    REQUIRE(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    int lines = 0;
    for (char *p = buf; *p; p++) lines += *p == '\n';
    CHECK_MSG(!strncmp(buf, "before\n", 7) && strstr(buf, "after\n") && lines >= 11 && strstr(buf, "chan_") == NULL &&
              strstr(buf, "] ") != NULL, "%s", buf);
    /* the events come between the two lines, in order */
    char *after = strstr(buf, "after\n");
    CHECK(after && after > buf + 7 && strchr(buf + 7, '[') < after);
    remove_tree(d);
}

/* the trace's metadata as LTTng writes it: packets of 256 bytes, each a 37-byte header
 * (little-endian) and at most 200 bytes of the text; the file's size */
static long packetize_metadata(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    if (!(f = fopen(path, "wb"))) return -1;
    long size = 0;
    for (size_t at = 0; at < n; at += 200) {
        size_t k = n - at < 200 ? n - at : 200;
        bytes h = {{0}, 0};
        put_le(&h, 0x75D11D57u, 4);
        for (int i = 0; i < 4; i++) put_le(&h, 0, 4);   /* uuid */
        put_le(&h, 0, 4);                                /* checksum */
        put_le(&h, (37 + k) * 8, 4);
        put_le(&h, 256 * 8, 4);
        put_le(&h, 0, 3);                                /* compression, encryption, checksum schemes */
        put_le(&h, 1, 1);
        put_le(&h, 8, 1);
        fwrite(h.b, 1, h.n, f);
        fwrite(text + at, 1, k, f);
        for (size_t i = 37 + k; i < 256; i++) fputc(0, f);
        size += 256;
    }
    fclose(f);
    return size;
}

/* packetized metadata cut inside a packet (a copy that stopped short) made libbabeltrace2
 * loop until the child's time limit (10 minutes by default): it is one error line naming
 * the metadata file and the packet's offset, at once, for every command that reads a trace */
static void truncated_metadata_is_an_error(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], meta[700], out[700], args[2048], err[1024];
    snprintf(dir, sizeof dir, "%s/t", d);
    snprintf(meta, sizeof meta, "%s/metadata", dir);
    snprintf(out, sizeof out, "%s/out", d);
    REQUIRE(mkdir(dir, 0755) == 0);
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    long size = packetize_metadata(meta);
    REQUIRE(size > 512);
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, NULL, &t) == 0);   /* whole packets read as the text did */
    CHECK(t.n > 0);
    ts_ctf_trace_free(&t);
    setenv("TRACESYNTH_CTF_TIMEOUT", "20", 1);   /* before the check: a hang ends */
    const long cuts[] = {300, 10, size - 256 + 100};   /* in a packet's text, its header, the last one's text */
    for (int i = 0; i < 3; i++) {
        if (make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") != 0 || packetize_metadata(meta) != size ||
            truncate(meta, cuts[i]) != 0) {
            CHECK_MSG(0, "cannot make the trace again");
            break;
        }
        double t0 = cpu_s();   /* the loop's CPU, the child's too once waited for */
        CHECK(ts_ctf_load(dir, NULL, &t) == -1);
        const char *e = ts_error();
        CHECK_MSG(strstr(e, meta) && strstr(e, "offset") && strstr(e, "truncated") && one_line(e), "cut at %ld: %s",
                  cuts[i], e);
        CHECK_MSG(cpu_s() - t0 < 5, "cut at %ld: %.0f s of CPU", cuts[i], cpu_s() - t0);
        CHECK_MSG(i == 1 || strstr(e, "bytes of text"), "%s", e);
        const char *cmds[] = {"ingest --from ctf %s -o %s", "gaps %s", "drop %s -o %s"};
        for (int k = 0; k < 3; k++) {
            char fmt[128];
            snprintf(fmt, sizeof fmt, "%s", cmds[k]);
            snprintf(args, sizeof args, fmt, dir, out);
            CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "metadata") && strstr(err, "truncated"),
                      "%s: %s", args, err);
            CHECK(!ts_file_exists(out));
        }
    }
    /* the last packet's padding alone missing: its text is whole, and read */
    REQUIRE(make_trace(dir, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0 && packetize_metadata(meta) == size);
    REQUIRE(truncate(meta, size - 1) == 0);
    CHECK_MSG(ts_ctf_load(dir, NULL, &t) == 0, "%s", ts_error());
    ts_ctf_trace_free(&t);
    unsetenv("TRACESYNTH_CTF_TIMEOUT");
    remove_tree(d);
}

static int hog(void *arg, ts__wr *w)
{
    (void)arg;
    (void)w;
    for (;;) {   /* 1 MB at a time, each written to: the limit stops it */
        char *p = ts_malloc(1 << 20);
        memset(p, 1, 1 << 20);
    }
    return 0;
}

/* metadata that makes libbabeltrace2 build 200 million fields for one event grew the
 * child without bound: under TRACESYNTH_CTF_MEMORY MB it is stopped, with one error line
 * naming the trace and the limit (the reader, the rewriter, a child that allocates, the
 * CLI); a trace that fits reads as before; a bad value is an error */
static void memory_limit_stops_the_child(void)
{
#if defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
    SKIP("GCC's AddressSanitizer: no memory limit (its report of a failed allocation hangs)");
#endif
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], good[600], out[600];
    snprintf(dir, sizeof dir, "%s/bad", d);
    snprintf(good, sizeof good, "%s/good", d);
    snprintf(out, sizeof out, "%s/out", d);
    REQUIRE(mkdir(dir, 0755) == 0 && mkdir(good, 0755) == 0);
    REQUIRE(make_trace(good, "tests/fuzz/corpus/ctf/metadata-0.tsdl") == 0);
    REQUIRE(make_trace(dir, "tests/data/ctf-metadata-static-array-200m.tsdl") == 0);
    setenv("TRACESYNTH_CTF_MEMORY", "200", 1);
    setenv("TRACESYNTH_CTF_TIMEOUT", "60", 1);   /* before the check: a child that grows ends */
    double t0 = ts_now();
    ts_ctf_trace t;
    CHECK(ts_ctf_load(dir, NULL, &t) == -1);
    const char *e = ts_error();
    CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, "babeltrace2 could not read the trace: its process exceeded "
                                                        "its memory limit of 200 MB") &&
              strstr(e, "TRACESYNTH_CTF_MEMORY") && one_line(e), "%s", e);
    CHECK(bt_current_thread_take_error() == NULL);
    ts_rw_hooks h = {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    CHECK(ts_ctf_rewrite(dir, out, &h) == -1);
    e = ts_error();
    CHECK_MSG(!strncmp(e, dir, strlen(dir)) && strstr(e, "could not rewrite the trace: its process exceeded its memory "
                                                        "limit of 200 MB") && one_line(e), "%s", e);
    CHECK(!ts_file_exists(out));
    ts__child c;
    REQUIRE(ts__child_start(&c, good, "read", hog, NULL) == 0);
    uint32_t v;
    CHECK(ts__get_u32(c.in, &v) == -1);
    CHECK(ts__child_end(&c, 0, 0) == -1);
    e = ts_error();
    CHECK_MSG(strstr(e, "could not read the trace: its process exceeded its memory limit of 200 MB") && one_line(e),
              "%s", e);
    char cmd[1400], err[1024], want[1200];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s", dir, out);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    snprintf(want, sizeof want,
             "tracesynth: error: %s: babeltrace2 could not read the trace: its process exceeded its memory limit of 200 MB",
             dir);
    CHECK_MSG(!strncmp(err, want, strlen(want)), "%s", err);
    CHECK(!ts_file_exists(out));
    CHECK_MSG(ts_now() - t0 < 60, "took %.0f s", ts_now() - t0);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1);   /* no child left behind */
    /* within the limit, a trace reads as before */
    REQUIRE(ts_ctf_load(good, NULL, &t) == 0);
    CHECK(t.n == 5);
    ts_ctf_trace_free(&t);
    setenv("TRACESYNTH_CTF_MEMORY", "lots", 1);
    CHECK(ts_ctf_load(good, NULL, &t) == -1 && strstr(ts_error(), "TRACESYNTH_CTF_MEMORY: 'lots' is not a number"));
    unsetenv("TRACESYNTH_CTF_MEMORY");
    unsetenv("TRACESYNTH_CTF_TIMEOUT");
    /* the default: half the machine's memory */
    double mb = 0;
    CHECK(ts__ctf_memory_limit(&mb) == 0);
    double half = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 2 / (1 << 20);
    CHECK_MSG(mb > 0 && (half < 1024 ? mb == 1024 : fabs(mb - half) < 1), "%g MB, half the memory %g MB", mb, half);
    remove_tree(d);
}

/* n bytes at off of file path overwritten with b (NULL: the u64 there less back) */
static int patch(const char *path, long off, const unsigned char *b, size_t n, uint64_t back)
{
    FILE *f = fopen(path, "r+b");
    if (!f) return -1;
    unsigned char v[8];
    int rc = fseek(f, off, SEEK_SET);
    if (rc == 0 && !b) {   /* a little-endian u64 */
        uint64_t x = 0;
        rc = fread(v, 1, 8, f) == 8 ? 0 : -1;
        for (int i = 7; i >= 0; i--) x = x << 8 | v[i];
        x -= back;
        for (int i = 0; i < 8; i++) v[i] = (unsigned char)(x >> (8 * i));
        b = v;
        n = 8;
        if (rc == 0) rc = fseek(f, off, SEEK_SET);
    }
    if (rc == 0 && fwrite(b, 1, n, f) != n) rc = -1;
    return fclose(f) || rc ? -1 : 0;
}

/* one stream file of the eight of an LTTng trace corrupted: the one-line error of ingest,
 * gaps and drop names that file, no other. The second packet of channel0_3 (byte 262144)
 * beginning 10 s early: babeltrace2's muxer refuses the time going back after an event of
 * another stream (channel0_4), naming no stream; events of channel0_3 whose header is
 * zeroed (an extended header at time 0 +): its time jumps ahead; the second packet's magic
 * of channel0_2, and 0xff bytes in channel0_6's events (an unknown event class): the
 * decoder's error, which names no file either */
static void corrupt_stream_named(void)
{
    const char *src = shared_path("traces/lttng/many-threads");
    if (!src) { SKIP("the shared LTTng trace is not there"); return; }
    const char *d = scratch_dir();
    REQUIRE(d);
    static unsigned char zero[256], ff[256];
    memset(ff, 0xff, sizeof ff);
    /* cut: that file also ends inside a packet, read by ingest alone (a temporary copy of
     * the complete packets of the cut file, the other files linked): the file named is the
     * trace's, not the link nor the copy, which is gone once the command ends */
    const struct { const char *file; long off; const unsigned char *b; size_t n; const char *cut; long at; } cases[] = {
        {"channel0_3", 262144 + 32, NULL, 0, NULL, 0},   /* the packet context's timestamp_begin */
        {"channel0_3", 200000, zero, 256, NULL, 0},
        {"channel0_2", 262144, zero, 4, NULL, 0},
        {"channel0_6", 300000, ff, 256, NULL, 0},
        {"channel0_3", 262144 + 32, NULL, 0, "channel0_5", 300001},
        {"channel0_3", 262144 + 32, NULL, 0, "channel0_3", 600001},
    };
    const char *cmds[] = {"ingest --from ctf %s -o %s -q", "gaps %s -q", "drop %s -o %s -q"};
    char cmd[4000], err[2048], t[700], out[700], want[800];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(t, sizeof t, "%s/T%zu", d, i);
        snprintf(out, sizeof out, "%s/out%zu", d, i);
        snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' && chmod -R u+w '%s'", src, t, t);
        REQUIRE(system(cmd) == 0);
        snprintf(want, sizeof want, "%s/%s", t, cases[i].file);
        REQUIRE(patch(want, cases[i].off, cases[i].b, cases[i].n, 10000000000ull) == 0);
        if (cases[i].cut) REQUIRE(truncate(in(t, cases[i].cut), cases[i].at) == 0);
        for (size_t c = 0; c < (cases[i].cut ? 1u : 3u); c++) {
            snprintf(cmd, sizeof cmd, cmds[c], t, out);
            int rc = run_cli(cmd, err, sizeof err);
            int others = 0;   /* stream files named besides the corrupt one */
            for (const char *p = strstr(err, "channel0_"); p; p = strstr(p + 1, "channel0_"))
                others += p[9] != cases[i].file[9];
            CHECK_MSG(rc == 1 && strstr(err, want) && !others, "%s at %ld: %s: exit %d: %s", cases[i].file,
                      cases[i].off, cmd, rc, err);
        }
        remove_tree(t);
    }
}

/* a trace's stream file that is a link (to a corrupt file elsewhere): the error names it
 * as the trace's file, the path given, with where it leads; not the link's target alone,
 * a name the trace given holds nowhere */
static void corrupt_linked_stream_named(void)
{
    const char *src = shared_path("traces/lttng/many-threads");
    if (!src) { SKIP("the shared LTTng trace is not there"); return; }
    const char *d = scratch_dir();
    REQUIRE(d);
    static unsigned char ff[256];
    memset(ff, 0xff, sizeof ff);
    char cmd[4000], err[2048], t[700], store[700], target[800], link[800], out[700], want[2000];
    snprintf(t, sizeof t, "%s/LT", d);
    snprintf(store, sizeof store, "%s/store", d);
    snprintf(out, sizeof out, "%s/lout", d);
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s' && chmod -R u+w '%s' && mkdir '%s'", src, t, t, store);
    REQUIRE(system(cmd) == 0);
    snprintf(link, sizeof link, "%s/channel0_6", t);
    snprintf(target, sizeof target, "%s/channel0_6", store);
    REQUIRE(rename(link, target) == 0 && symlink("../store/channel0_6", link) == 0);
    REQUIRE(patch(target, 300000, ff, sizeof ff, 10000000000ull) == 0);
    snprintf(want, sizeof want, "stream file %s (a link to %s/../store/channel0_6) is corrupt", link, t);
    const char *cmds[] = {"ingest --from ctf %s -o %s -q", "gaps %s -q", "drop %s -o %s -q"};
    for (size_t c = 0; c < 3; c++) {
        snprintf(cmd, sizeof cmd, cmds[c], t, out);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
    }
    remove_tree(t);
}

TEST_MAIN("ctf_isolate", {
    RUN(child_result_is_the_readers);
    RUN(library_crash_is_an_error);
    RUN(pending_error_is_a_failure);
    RUN(scan_pending_error_is_a_failure);
    RUN(rewriter_crash_is_an_error);
    RUN(scan_hook_error_stands);
    RUN(hung_child_is_stopped);
    RUN(crash_leaves_no_temporary_copy);
    RUN(signal_leaves_no_temporary_copy);
    RUN(parent_killed_ends_the_child);
    RUN(text_output_leaves_stdio_alone);
    RUN(truncated_metadata_is_an_error);
    RUN(memory_limit_stops_the_child);
    RUN(corrupt_stream_named);
    RUN(corrupt_linked_stream_named);
})
