/* Minimal test harness: each tests/test_*.c is one binary made of TEST functions.
 * A test passes unless a CHECK fails; SKIP marks it skipped (e.g. ../shared absent).
 * The binary prints "NAME: N passed, N failed, N skipped"; tests/run.sh sums them.
 * Given test names it runs those alone; --list prints the names. */
#ifndef TS_CHECK_H
#define TS_CHECK_H

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int t_failed_now, t_skipped_now, t_pass, t_fail, t_skip;
static const char *t_name;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "  FAIL %s (%s:%d): %s\n", t_name, __FILE__, __LINE__, #cond); \
    t_failed_now = 1; } } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "  FAIL %s (%s:%d): ", t_name, __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); t_failed_now = 1; } } while (0)
#define CHECK_NEAR(a, b, tol) do { double _a = (a), _b = (b); \
    if (!(fabs(_a - _b) <= (tol))) { \
    fprintf(stderr, "  FAIL %s (%s:%d): %s = %.9g, %s = %.9g, tol %g\n", t_name, __FILE__, \
            __LINE__, #a, _a, #b, _b, (double)(tol)); t_failed_now = 1; } } while (0)
/* returns from the test */
#define REQUIRE(cond) do { CHECK(cond); if (t_failed_now) return; } while (0)
#define SKIP(...) do { fprintf(stderr, "  skip %s: ", t_name); fprintf(stderr, __VA_ARGS__); \
    fputc('\n', stderr); t_skipped_now = 1; return; } while (0)

/* TS_TEST_TIMES=1 prints each test's wall time to stderr, to find the slow ones */
static inline double t_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
/* the CPU seconds (user and system) this process's threads and the children it waited
 * for have used so far: what work costs, which a busy machine does not stretch as it
 * stretches the wall clock */
static inline double cpu_s(void)
{
    struct rusage self, kids;
    if (getrusage(RUSAGE_SELF, &self) != 0 || getrusage(RUSAGE_CHILDREN, &kids) != 0) return -1;
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec + kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
           1e-6 * (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec + kids.ru_utime.tv_usec +
                           kids.ru_stime.tv_usec);
}
/* Which tests run: all (no argument), or those named on the command line; a first pass
 * through the binary's body (its RUN lines skipped) learns the names, so that --list can
 * print them and an unknown name is refused before any test runs. */
enum { T_ALL, T_COLLECT, T_NAMED };
static int t_mode, t_argc, t_nnames;
static char **t_argv;
static const char *t_names[4096];
static inline int t_runs(const char *name)
{
    if (t_mode == T_ALL) return 1;
    if (t_mode == T_COLLECT) {
        if (t_nnames < (int)(sizeof t_names / sizeof *t_names)) t_names[t_nnames++] = name;
        return 0;
    }
    for (int i = 1; i < t_argc; i++)
        if (!strcmp(t_argv[i], name)) return 1;
    return 0;
}
#define RUN(fn) do { if (!t_runs(#fn)) break; t_name = #fn; t_failed_now = t_skipped_now = 0; \
    double t_start = t_now(); fn(); \
    if (getenv("TS_TEST_TIMES")) fprintf(stderr, "  time %8.3f s %s\n", t_now() - t_start, #fn); \
    if (t_failed_now) t_fail++; else if (t_skipped_now) t_skip++; else t_pass++; } while (0)

/* after the collecting pass: -1 to run the named tests; else the exit status (--list printed
 * the names of the tests that would run; an unknown name, said in one line, is 2) */
static inline int t_select(const char *argv0)
{
    const char *prog = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
    int list = 0, named = 0;
    for (int i = 1; i < t_argc; i++) {
        if (!strcmp(t_argv[i], "--list")) {
            list = 1;
            continue;
        }
        int known = 0;
        for (int j = 0; j < t_nnames && !known; j++) known = !strcmp(t_names[j], t_argv[i]);
        if (!known) {
            fprintf(stderr, "%s: no test named '%s'\n", prog, t_argv[i]);
            return 2;
        }
        named = 1;
    }
    if (!list) return -1;
    for (int j = 0; j < t_nnames; j++) {
        int shown = !named;
        for (int i = 1; i < t_argc && !shown; i++) shown = !strcmp(t_argv[i], t_names[j]);
        if (shown) printf("%s\n", t_names[j]);
    }
    return 0;
}

/* NAME... runs only the tests so named (as RUN names them in its FAIL and skip lines);
 * --list prints the names and runs nothing; no argument runs them all */
#define TEST_MAIN(suite, body) static int t_body(void) { body; return -1; } \
    int main(int argc, char **argv) { \
    t_argc = argc, t_argv = argv; \
    if (argc > 1) { \
        t_mode = T_COLLECT; \
        const int early = t_body(), sel = early < 0 ? t_select(argv[0]) : early; \
        if (sel >= 0) return sel; \
        t_mode = T_NAMED; \
    } \
    const int early = t_body(); \
    if (early >= 0) return early; \
    printf("%s: %d passed, %d failed, %d skipped\n", suite, t_pass, t_fail, t_skip); \
    return t_fail ? 1 : 0; }

/* ../shared (or $TRACESYNTH_SHARED) + rel, or NULL when absent */
static inline const char *shared_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("TRACESYNTH_SHARED");
    if (!root) root = "../shared";
    snprintf(buf, sizeof buf, "%s/%s", root, rel);
    struct stat st;
    return stat(buf, &st) == 0 ? buf : NULL;
}

/* what fn(ctx) writes to stderr, into buf (n bytes, NUL-terminated): stderr is then
 * a file, not a terminal */
static inline void capture_stderr(void (*fn)(void *), void *ctx, char *buf, size_t n)
{
    FILE *t = tmpfile();
    buf[0] = 0;
    if (!t) { fn(ctx); return; }
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(t), 2);
    fn(ctx);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(t);
    size_t k = fread(buf, 1, n - 1, t);
    buf[k] = 0;
    fclose(t);
}

/* Scratch directories live in one folder per test binary under $TMPDIR, removed when
 * the binary exits; kept, and named, when a test failed or TS_KEEP_SCRATCH is set. */
static char t_scratch_root[232];
static pid_t t_scratch_owner;

static inline void scratch_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    chmod(path, 0700);   /* tests make folders read-only to provoke write errors */
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *p = malloc(n);
            if (!p) break;
            snprintf(p, n, "%s/%s", path, e->d_name);
            scratch_remove(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(path);
}

static void scratch_cleanup(void)
{
    if (!t_scratch_root[0] || getpid() != t_scratch_owner) return;   /* not in forked children */
    const char *keep = getenv("TS_KEEP_SCRATCH");
    if (t_fail || (keep && *keep && strcmp(keep, "0"))) {
        fprintf(stderr, "  kept scratch folder %s\n", t_scratch_root);
        return;
    }
    scratch_remove(t_scratch_root);
}

/* a fresh scratch directory */
static inline const char *scratch_dir(void)
{
    static char buf[256];
    static unsigned n;
    if (!t_scratch_root[0] || getpid() != t_scratch_owner) {
        const char *tmp = getenv("TMPDIR");
        snprintf(t_scratch_root, sizeof t_scratch_root, "%s/tstest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(t_scratch_root)) {
            t_scratch_root[0] = 0;
            return NULL;
        }
        t_scratch_owner = getpid();
        static int registered;
        if (!registered) registered = atexit(scratch_cleanup) == 0;
    }
    snprintf(buf, sizeof buf, "%s/%u", t_scratch_root, n++);
    return mkdir(buf, 0700) == 0 ? buf : NULL;
}

/* entries in directory d ("." and ".." aside); -1 when it cannot be opened */
static inline int count_dir(const char *d)
{
    DIR *dd = opendir(d);
    if (!dd) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dd)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(dd);
    return n;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) { fputs(text, f); fclose(f); }
}

/* a path's times set an hour back: a temporary made here then looks as old as one a
 * killed run left (a sweep leaves the fresh ones alone) */
static inline int age_path(const char *path)
{
    struct timespec t[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
    return utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

/* how many lines of the file at path begin with prefix (-1: it cannot be read); *lines (may
 * be NULL): how many lines it holds */
static inline int lines_starting(const char *path, const char *prefix, int *lines)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[4096];
    int n = 0, begin = 0;
    while (fgets(line, sizeof line, f)) n++, begin += !strncmp(line, prefix, strlen(prefix));
    fclose(f);
    if (lines) *lines = n;
    return begin;
}

/* 1 when both files open and hold the same bytes */
static inline int files_equal(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int eq = f && g;
    while (eq) {
        int x = fgetc(f), y = fgetc(g);
        if (x != y) eq = 0;
        if (x == EOF) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return eq;
}

/* a progress bar's line ("LABEL [##..] done/total ..."), which a log gets beside messages */
static inline int bar_line(const char *s, size_t len)
{
    const char *b = memchr(s, '[', len);
    if (!b || b == s || b[-1] != ' ' || memchr(s, ' ', (size_t)(b - s) - 1)) return 0;
    const char *e = b + 1, *end = s + len;
    while (e < end && (*e == '#' || *e == '.')) e++;
    return e > b + 1 && e + 2 < end && e[0] == ']' && e[1] == ' ' && e[2] >= '0' && e[2] <= '9';
}

/* a library for LD_PRELOAD: the C code written to DIR/shim.c and built as DIR/shim.so, whose
 * path goes to so (n bytes). 0, or -1 where there is no C compiler (the test skips) */
static inline int build_preload(const char *dir, const char *code, char *so, size_t n)
{
    char src[4096], cmd[9000];
    snprintf(src, sizeof src, "%s/shim.c", dir);
    snprintf(so, n, "%s/shim.so", dir);
    write_text(src, code);
    snprintf(cmd, sizeof cmd, "cc -shared -fPIC -o '%s' '%s' -ldl 2>/dev/null", so, src);
    return system(cmd) == 0 ? 0 : -1;
}

/* LeakSanitizer itself can fail to stop a process's threads on a loaded machine ("LeakSanitizer
 * has encountered a fatal error", its '==PID==' lines and the tracer's "Tracer caught signal"):
 * that is the tool's failure, not the program's, so a sanitizer build's error keeps its one line.
 * A leak report ("detected memory leaks") is no such failure. lsan_tool_failed: whether the
 * stderr text all (len bytes) holds one; lsan_tool_line: whether the line s (l bytes) is its */
static inline int lsan_tool_failed(const char *all, size_t len)
{
    return all && memmem(all, len, "LeakSanitizer has encountered a fatal error", 43) &&
           !memmem(all, len, "detected memory leaks", 21);
}
static inline int lsan_tool_line(const char *s, size_t l)
{
    return (l >= 2 && !memcmp(s, "==", 2)) || (l >= 20 && !memcmp(s, "Tracer caught signal", 20));
}

/* the whole of file path (its length in *len; NULL when it cannot be read), for the caller to free */
static inline char *slurp_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 4096, got;
    char *all = malloc(cap);
    while (all && (got = fread(all + *len, 1, cap - *len, f)) > 0)
        if ((*len += got) == cap) {
            char *more = realloc(all, cap *= 2);
            if (!more) free(all);
            all = more;
        }
    fclose(f);
    return all;
}

/* run the CLI ($TRACESYNTH, default build/tracesynth) with args through the shell, one of
 * its outputs kept in buf (n bytes; buf may be NULL): CLI_ERR_LINE stderr's first line
 * that is not a progress bar's (stdout dropped), CLI_OUT stdout (stderr dropped),
 * CLI_OUT_ERR both. Returns the exit status; in CLI_ERR_LINE, a failure whose stderr
 * says more than one line besides progress bars returns 125 and buf says so, so that
 * no check on the message can pass: an error is one line. A run whose LeakSanitizer
 * failed as a tool is run again (twice at most): that failure exits non-zero and ends the
 * process before stdio's buffers are flushed, so neither its status nor its stdout is
 * the program's. */
enum { CLI_ERR_LINE, CLI_OUT, CLI_OUT_ERR };
static inline int cli_run(const char *args, int what, char *buf, size_t n)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    const char *dir = getenv("TMPDIR");   /* where the tests' scratch folders go too */
    char tmp[4096], errf[4096];
    snprintf(tmp, sizeof tmp, "%s/tscli.XXXXXX", dir && *dir ? dir : "/tmp");
    snprintf(errf, sizeof errf, "%s/tscli.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd >= 0) close(fd);
    if (what == CLI_OUT && (fd = mkstemp(errf)) >= 0) close(fd);
    char cmd[16384];
    if (what == CLI_ERR_LINE) snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>'%s'", bin, args, tmp);
    else if (what == CLI_OUT) snprintf(cmd, sizeof cmd, "%s %s >'%s' 2>'%s'", bin, args, tmp, errf);
    else snprintf(cmd, sizeof cmd, "%s %s >'%s' 2>&1", bin, args, tmp);
    int rc = 128;
    for (int attempt = 0; attempt < 3; attempt++) {
        const int st = system(cmd);
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        if (rc == 0) break;
        size_t elen;
        char *e = slurp_file(what == CLI_OUT ? errf : tmp, &elen);
        const int tool_failed = lsan_tool_failed(e, elen);
        free(e);
        if (!tool_failed || attempt == 2) break;
        fprintf(stderr, "  LeakSanitizer failed as a tool (exit %d); running again: %.200s\n", rc, args);
    }
    if (what == CLI_OUT) unlink(errf);
    if (buf && n) buf[0] = 0;
    size_t len = 0;
    char *all = slurp_file(tmp, &len);
    if (all && what == CLI_ERR_LINE) {
        int lines = 0;
        const char *first = NULL, *any = NULL;
        size_t first_len = 0, any_len = 0;
        const int tool_failed = lsan_tool_failed(all, len);
        for (size_t a = 0; a < len;) {   /* the lines, bars (and a failed LeakSanitizer's) aside */
            const char *nl = memchr(all + a, '\n', len - a);
            size_t l = nl ? (size_t)(nl - (all + a)) : len - a;
            if (tool_failed && lsan_tool_line(all + a, l)) { a += l + 1; continue; }
            if (!any) any = all + a, any_len = l;
            if (!bar_line(all + a, l)) {
                if (!first) first = all + a, first_len = l;
                lines++;
            }
            a += l + 1;
        }
        if (!first) first = any, first_len = any_len;
        if (buf && n && first)
            snprintf(buf, n, "%.*s", (int)(first_len < n - 1 ? first_len : n - 1), first);
        if (lines > 1 && rc != 0) {
            fprintf(stderr, "  %s: an error of %d lines, the first: %.*s\n", args, lines, (int)first_len,
                    first ? first : "");
            if (buf && n) snprintf(buf, n, "(an error of %d lines, not one)", lines);
            rc = 125;
        }
    } else if (all && buf && n) {
        const size_t k = len < n - 1 ? len : n - 1;
        memcpy(buf, all, k);
        buf[k] = 0;
    }
    free(all);
    unlink(tmp);
    return rc;
}

/* the process's address space limited to mb MiB (the CLI runs under it too, as system's
 * child): 0, 1 where a hard limit below it leaves no room to test (the caller skips), -1
 * on an error; *old is what address_space_restore puts back */
static inline int address_space_limit(struct rlimit *old, unsigned mb)
{
    if (getrlimit(RLIMIT_AS, old) != 0) return -1;
    struct rlimit lim = *old;
    lim.rlim_cur = (rlim_t)mb << 20;
    if (old->rlim_max != RLIM_INFINITY && old->rlim_max < lim.rlim_cur) return 1;
    return setrlimit(RLIMIT_AS, &lim) == 0 ? 0 : -1;
}
static inline int address_space_restore(const struct rlimit *old) { return setrlimit(RLIMIT_AS, old); }

/* stderr's first line (bars aside) into err (may be NULL); a failure's is its only one */
static inline int run_cli(const char *args, char *err, size_t errn) { return cli_run(args, CLI_ERR_LINE, err, errn); }
/* stdout into out (may be NULL) */
static inline int run_stdout(const char *args, char *out, size_t n) { return cli_run(args, CLI_OUT, out, n); }
/* stdout and stderr together into out */
static inline int run_output(const char *args, char *out, size_t n) { return cli_run(args, CLI_OUT_ERR, out, n); }

/* args refused: the CLI exits rc, its one error line (into err, errn bytes) holding want,
 * and makes no file at out (NULL: none named). 1 when so; else 0, having said what it got */
static inline int cli_refuses(const char *args, int rc, const char *want, const char *out, char *err, size_t errn)
{
    const int got = run_cli(args, err, errn), made = out && access(out, F_OK) == 0;
    if (got == rc && strstr(err, want) && !made) return 1;
    fprintf(stderr, "  %s: exit %d (%d wanted)%s: %s\n", args, got, rc, made ? ", a file made" : "", err);
    return 0;
}


/* the peak resident size (KiB) of two CLI runs made one after the other in a child of
 * their own, whose RUSAGE_CHILDREN starts empty: peak[0] the first's, peak[1] the larger
 * of both (so peak[1] - peak[0] is what the second needs beyond the first). 0, or -1 when
 * a run failed or the child could not report */
static inline int cli_peaks_kib(const char *const cmds[2], long peak[2])
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fd[0]);
        long pk[2] = {0, 0};
        int code = 0;
        for (int i = 0; i < 2 && code == 0; i++) {
            char err[512];
            if (run_cli(cmds[i], err, sizeof err) != 0) code = 1;
            struct rusage ru;
            getrusage(RUSAGE_CHILDREN, &ru);
            pk[i] = ru.ru_maxrss;
        }
        if (write(fd[1], pk, sizeof pk) != (ssize_t)sizeof pk) code = 2;
        _exit(code);
    }
    close(fd[1]);
    peak[0] = peak[1] = 0;
    const ssize_t got = read(fd[0], peak, 2 * sizeof *peak);
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return got == (ssize_t)(2 * sizeof *peak) && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

#endif
