/* Ctrl-C at the worst moment of an atomic write: after the temporary is named,
 * before it is renamed over the target (one file), or between the renames of a
 * set of files. The signal must wait until the files are in place: no temporary
 * left behind, the target the new one, a set all new.
 *
 * linkat and rename are interposed here (the library is linked statically into
 * this binary, so its calls come to these): once armed, each raises SIGINT in
 * the child right after the real call succeeded. */
#include "check.h"

#include "tracesynth.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/syscall.h>

static int armed_linkat, armed_rename;
static int placed_seen;   /* a rename out of a stage seen (see fsync) */

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
    int rc = (int)syscall(SYS_linkat, olddirfd, oldpath, newdirfd, newpath, flags);
    if (rc == 0 && armed_linkat) raise(SIGINT);
    return rc;
}

/* watched by trace_synced_before_placed: what was synced before a stage's "trace" took its place */
static int sync_watch, synced_chan, synced_trace, placed_synced = -1;

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* watched by failed_commit_puts_back: whether order_dir (a real path) was synced since the
 * last rename into or out of a stage, when the stage's record was removed (-1: it was not) */
static char order_dir[1024];
static int dir_synced, record_gone_synced = -1;
/* and whether it was synced since a stage was made there, at the commit's first rename */
static int first_rename_synced = -1;

/* set by SIGUSR1 in a child that handles it: a commit stopped at a rename goes on */
static volatile sig_atomic_t resumed;
static void on_resume(int sig) { (void)sig; resumed = 1; }

/* SIGKILL (no handler, no hold) right after the Nth rename into or out of a stage
 * succeeded (a set's commit, not a file written into the stage), as a power cut between
 * two renames of a set; 0: none */
static int kill_at_rename, renames_seen;
/* >= 0: instead, a byte written to it and the process stopped there */
static int pause_fd = -1;
/* a rename out of a stage that fails: -1 each (a folder that may not be written), -N each
 * from the Nth from now on, N > 0 the Nth from now (a commit that fails half way); 0 none */
static int renames_refused, refused_seen;
static char sweep_name[1100], sweep_tail[64];   /* see unlink */

int rename(const char *oldpath, const char *newpath)
{
    if (renames_refused && strstr(oldpath, "/.stage.") && !strstr(newpath, "/.stage.") &&
        (renames_refused < 0 ? ++refused_seen >= -renames_refused : ++refused_seen == renames_refused)) {
        errno = EROFS;
        return -1;
    }
    int rc = (int)syscall(SYS_renameat, AT_FDCWD, oldpath, AT_FDCWD, newpath);
    if (rc == 0 && strstr(oldpath, "/.stage.") && !strstr(newpath, "/.stage.")) placed_seen = 1;
    if (rc == 0 && sweep_name[0] && ends_with(oldpath, sweep_tail)) dir_synced = 0;
    if (rc == 0 && !strstr(oldpath, "/.stage.") != !strstr(newpath, "/.stage.")) {
        if (first_rename_synced < 0) first_rename_synced = dir_synced;
        dir_synced = 0;
    }
    if (rc == 0 && sync_watch && strstr(oldpath, "/.stage.") && !strstr(newpath, "/.stage.") &&
        ends_with(newpath, "/trace"))
        placed_synced = synced_chan && synced_trace;
    /* 2: only a rename out of a stage, a set's commit */
    if (rc == 0 && armed_rename && (armed_rename != 2 || (strstr(oldpath, "/.stage.") && !strstr(newpath, "/.stage."))))
        raise(SIGINT);
    if (rc == 0 && kill_at_rename && !strstr(oldpath, "/.stage.") != !strstr(newpath, "/.stage.") &&
        ++renames_seen == kill_at_rename) {
        if (pause_fd < 0) raise(SIGKILL);
        /* said, then stopped there until killed (or SIGUSR1, where resumed is handled): a
         * commit under way */
        if (write(pause_fd, "x", 1) == 1)
            while (!resumed) pause();
    }
    return rc;
}

/* mkdtemp, the same way: the signal right after the directory is made, before mkdtemp
 * has returned its name */
static int armed_mkdtemp;
static int same_names;   /* every name "aaaaaa" (that mkdtemp may give a name again is the case) */

char *mkdtemp(char *tpl)
{
    size_t n = strlen(tpl);
    if (n < 6 || strcmp(tpl + n - 6, "XXXXXX")) {
        errno = EINVAL;
        return NULL;
    }
    if (same_names) {
        memcpy(tpl + n - 6, "aaaaaa", 6);
        return syscall(SYS_mkdir, tpl, 0700) == 0 ? tpl : NULL;
    }
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned long x = 12345;
    x ^= (unsigned long)getpid();
    for (int attempt = 0; attempt < 100; attempt++) {
        for (int i = 0; i < 6; i++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            tpl[n - 6 + i] = digits[(x >> 33) % 36];
        }
        if (syscall(SYS_mkdir, tpl, 0700) == 0) {
            dir_synced = 0;
            if (armed_mkdtemp) raise(armed_mkdtemp);
            return tpl;
        }
        if (errno != EEXIST) return NULL;
    }
    return NULL;
}

/* mkdir, the same way: the signal right after a folder is made (an output's folder that
 * was not there, made with its stage) */
static int armed_mkdir;

int mkdir(const char *path, mode_t mode)
{
    int rc = (int)syscall(SYS_mkdirat, AT_FDCWD, path, mode);
    if (rc == 0 && armed_mkdir) raise(armed_mkdir);
    return rc;
}

/* SIGKILL as the Nth commit record is made (the records of a group's sets are written one
 * by one before any rename; see open below); 0: none */
static int kill_at_record, records_seen;

static int file_is(const char *path, const char *want)
{
    char buf[64] = {0};
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return !strcmp(buf, want);
}

/* runs fn in a child; its exit status */
static int in_child(void (*fn)(const char *), const char *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        fn(arg);
        _exit(0);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return st;
}

/* in_child, the child killed (SIGKILL) after secs: a handler that does not end fails the
 * test, not hangs it (the handler blocks every other signal) */
static int in_child_for(void (*fn)(const char *), const char *arg, int secs)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        fn(arg);
        _exit(0);
    }
    int st;
    for (int i = 0; i < secs * 100; i++) {
        const pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) return st;
        if (w < 0) return -1;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    return waitpid(pid, &st, 0) == pid ? st : -1;
}

static void commit_one(const char *path)
{
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) _exit(3);
    if (o.tmp) _exit(5);   /* a named temporary from the start: no linkat to interrupt */
    fputs("new\n", o.f);
    armed_linkat = 1;
    if (ts_out_commit(&o) != 0) _exit(4);
    _exit(6);   /* not reached: the held SIGINT ends the process */
}

static void out_commit_interrupted(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/model.tsm", dir);
    write_text(path, "old\n");
    int st = in_child(commit_one, path);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 5) {
        unlink(path); rmdir(dir);
        SKIP("no O_TMPFILE in %s", dir);
    }
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "child status 0x%x", st);
    CHECK_MSG(file_is(path, "new\n"), "the target is not the new file");
    CHECK_MSG(count_dir(dir) == 1, "%d entries in %s (a temporary left behind)",
              count_dir(dir), dir);
    unlink(path);
    rmdir(dir);
}

static void commit_set(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.npy", s.stage);
    snprintf(b, sizeof b, "%s/b.npy", s.stage);
    write_text(a, "new a\n");
    write_text(b, "new b\n");
    const char *names[] = {"a.npy", "b.npy"};
    armed_rename = 1;
    if (ts_stage_commit(&s, names, 2) != 0) _exit(4);
    _exit(6);
}

static void stage_commit_interrupted(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.npy", dir);
    snprintf(b, sizeof b, "%s/b.npy", dir);
    write_text(a, "old a\n");
    write_text(b, "old b\n");
    int st = in_child(commit_set, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "child status 0x%x", st);
    /* together: both new (the signal waited), never one of each */
    CHECK_MSG(file_is(a, "new a\n") && file_is(b, "new b\n"), "a %s, b %s",
              file_is(a, "new a\n") ? "new" : "old", file_is(b, "new b\n") ? "new" : "old");
    CHECK_MSG(count_dir(dir) == 2, "%d entries in %s (a stage left behind)",
              count_dir(dir), dir);
    unlink(a); unlink(b);
    ts_remove_tree(dir);
}

/* a signal the program ignores stays ignored; one it handles stays its own */
/* a stage with a trace's folder in it, then Ctrl-C before the commit */
static void stage_work(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    char t[600], f[700];
    snprintf(t, sizeof t, "%s/trace", s.stage);
    if (mkdir(t, 0755) != 0) _exit(4);
    snprintf(f, sizeof f, "%s/metadata", t);
    write_text(f, "half\n");
    raise(SIGINT);
    _exit(6);
}

/* Ctrl-C while a stage is being written (a CTF trace's folder, minutes for a large one):
 * the process ends on it, and the stage goes with it, not left beside the output */
static void stage_work_interrupted(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    int st = in_child(stage_work, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "child status 0x%x", st);
    CHECK_MSG(count_dir(dir) == 0, "%d entries in %s (a stage left behind)", count_dir(dir), dir);
    ts_remove_tree(dir);
}

/* a stage holding a folder deep_levels folders down (the deepest a commit syncs: 256 below
 * the stage), a file at the bottom and one beside each folder, then Ctrl-C (deep_abort 0)
 * or an abort (1) */
static int deep_levels, deep_abort;

static void deep_stage_work(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    char p[2048];
    int n = snprintf(p, sizeof p, "%s", s.stage);
    for (int i = 0; i < deep_levels; i++) {
        snprintf(p + n, sizeof p - (size_t)n, "/f");
        write_text(p, "half\n");
        n += snprintf(p + n, sizeof p - (size_t)n, "/d");
        if ((size_t)n >= sizeof p - 16 || mkdir(p, 0755) != 0) _exit(4);
    }
    snprintf(p + n, sizeof p - (size_t)n, "/metadata");
    write_text(p, "half\n");
    if (deep_abort) {
        ts_stage_abort(&s);
        _exit(0);
    }
    raise(SIGINT);
    _exit(6);
}

/* a stage with folders 40 and 256 deep in it goes whole, with the signal and by an abort
 * (the signal's removal once stopped 32 folders down and left the rest beside the output) */
static void deep_stage_goes_with_the_signal(void)
{
    static const int levels[] = {40, 256};
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 2; k++) {
            const char *dir = scratch_dir();
            REQUIRE(dir);
            deep_levels = levels[k];
            deep_abort = a;
            int st = in_child_for(deep_stage_work, dir, 60);
            if (a)
                CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d deep, abort: child status 0x%x", levels[k], st);
            else
                CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "%d deep: child status 0x%x", levels[k], st);
            CHECK_MSG(count_dir(dir) == 0, "%d deep, %s: %d entries in %s (a stage left behind)", levels[k],
                      a ? "abort" : "signal", count_dir(dir), dir);
            ts_remove_tree(dir);
        }
}

/* a temporary directory (the CTF reader's copies, bench fill's traces) with a file and a
 * folder in it, then the signal: the process ends on it, and the directory goes with it */
static int temp_sig;

static void temp_work(const char *dir)
{
    setenv("TMPDIR", dir, 1);
    signal(temp_sig, SIG_DFL);
    char *t, *u;
    if (ts_temp_dir("tracesynth-test", &t) != 0) _exit(3);
    if (ts_temp_dir("tracesynth-other", &u) != 0) _exit(3);
    ts_temp_dir_remove(u);   /* removed and forgotten: the other stays known */
    free(u);
    char p[700];
    snprintf(p, sizeof p, "%s/sub", t);
    if (mkdir(p, 0755) != 0) _exit(4);
    snprintf(p, sizeof p, "%s/sub/copy", t);
    write_text(p, "half\n");
    raise(temp_sig);
    _exit(6);
}

/* once removed, a signal ends the process as before: nothing of it is caught any more */
static void temp_removed(const char *dir)
{
    setenv("TMPDIR", dir, 1);
    signal(temp_sig, SIG_DFL);
    char *t;
    if (ts_temp_dir("tracesynth-test", &t) != 0) _exit(3);
    ts_temp_dir_remove(t);
    free(t);
    struct sigaction sa;
    sigaction(temp_sig, NULL, &sa);
    _exit(sa.sa_handler == SIG_DFL ? 0 : 7);
}

static void temp_dir_interrupted(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (int i = 0; i < 4; i++) {
        const char *dir = scratch_dir();
        REQUIRE(dir);
        temp_sig = sigs[i];
        int st = in_child(temp_work, dir);
        CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i], "signal %d: child status 0x%x", sigs[i], st);
        CHECK_MSG(count_dir(dir) == 0, "signal %d: %d entries in %s (a temporary directory left behind)", sigs[i],
                  count_dir(dir), dir);
        st = in_child(temp_removed, dir);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "signal %d: child status 0x%x", sigs[i], st);
        CHECK_MSG(count_dir(dir) == 0, "%d entries in %s", count_dir(dir), dir);
        ts_remove_tree(dir);
    }
}

/* the signal as the stage's directory is made, before its name is known to the process:
 * nothing is left beside the output, nor in TMPDIR for a temporary directory */
static void stage_made(const char *dir)
{
    ts_stage s;
    armed_mkdtemp = SIGTERM;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    _exit(6);
}

static void temp_made(const char *dir)
{
    setenv("TMPDIR", dir, 1);
    char *t;
    armed_mkdtemp = SIGTERM;
    if (ts_temp_dir("tracesynth-test", &t) != 0) _exit(3);
    _exit(6);
}

static void made_then_interrupted(void)
{
    void (*fns[])(const char *) = {stage_made, temp_made};
    for (int i = 0; i < 2; i++) {
        const char *dir = scratch_dir();
        REQUIRE(dir);
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) break;
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            fns[i](dir);
        }
        int st = -1;
        CHECK(waitpid(pid, &st, 0) == pid);
        CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "%s: child status 0x%x", i ? "temp" : "stage", st);
        CHECK_MSG(count_dir(dir) == 0, "%s: %d entries in %s (a directory left behind)", i ? "temp" : "stage",
                  count_dir(dir), dir);
        ts_remove_tree(dir);
    }
}

/* an output's folders that were not there (DIR/new/ds), made for its stage: a signal as
 * one is made, as the stage is made in it, or while the set is written leaves none of them
 * behind, empty; nor does the check that such a folder can be made (ts_out_dir_check) */
static int folder_case;

static void folder_made(const char *dir)
{
    char out[600];
    snprintf(out, sizeof out, "%s/new/ds", dir);
    ts_stage s;
    if (folder_case == 0) armed_mkdir = SIGTERM;   /* DIR/new */
    if (folder_case == 1) armed_mkdtemp = SIGTERM;   /* the stage in DIR/new/ds */
    if (folder_case == 3) {
        armed_mkdir = SIGTERM;
        if (ts_out_dir_check(out) != 0) _exit(3);
        _exit(6);
    }
    if (ts_stage_open(&s, out) != 0) _exit(3);
    char f[700];
    snprintf(f, sizeof f, "%s/stream.txt", s.stage);
    write_text(f, "half\n");
    raise(SIGTERM);   /* case 2: while the set is written */
    _exit(6);
}

static void made_folders_go_with_the_signal(void)
{
    for (folder_case = 0; folder_case < 4; folder_case++) {
        const char *dir = scratch_dir();
        CHECK(dir);
        if (!dir) return;
        int st = in_child(folder_made, dir);
        CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "case %d: child status 0x%x", folder_case, st);
        CHECK_MSG(count_dir(dir) == 0, "case %d: %d entries in %s (a folder left behind)", folder_case,
                  count_dir(dir), dir);
        ts_remove_tree(dir);
    }
}

/* a dataset saved over one with times (time_ns.npy) by one without: the old times go
 * with the set, so that the signal during the commit leaves no new stream beside them */
static void save_plain(const char *dir)
{
    int32_t ids[3] = {0, 1, 0};
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.stream.ids = ids;
    d.stream.n = 3;
    armed_rename = 2;
    if (ts_dataset_save(dir, &d) != 0) _exit(4);
    _exit(6);
}

static void stale_file_goes_with_the_set(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char sp[600], tp[600];
    snprintf(sp, sizeof sp, "%s/stream.txt", dir);
    snprintf(tp, sizeof tp, "%s/time_ns.npy", dir);
    write_text(sp, "old\n");
    write_text(tp, "old times\n");
    int st = in_child(save_plain, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "child status 0x%x", st);
    CHECK_MSG(!file_is(sp, "old\n"), "the stream is the old one");
    CHECK_MSG(!ts_file_exists(tp), "the old time_ns.npy stays beside the new stream");
    CHECK_MSG(count_dir(dir) == 1, "%d entries in %s", count_dir(dir), dir);
    ts_remove_tree(dir);
}

static void commit_ignored(const char *path)
{
    signal(SIGINT, SIG_IGN);
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) _exit(3);
    fputs("new\n", o.f);
    armed_linkat = armed_rename = 1;
    if (ts_out_commit(&o) != 0) _exit(4);
    struct sigaction sa;
    sigaction(SIGINT, NULL, &sa);
    _exit(sa.sa_handler == SIG_IGN ? 0 : 7);
}

static void ignored_signal_stays_ignored(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/x.txt", dir);
    int st = in_child(commit_ignored, path);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x", st);
    CHECK(file_is(path, "new\n"));
    unlink(path);
    rmdir(dir);
}

/* several threads writing outputs at once (two models trained side by side by a program):
 * each commit holds the signals and each stage and temporary directory is removed by them,
 * all on one process-wide disposition. Once the threads are done the dispositions are
 * where they began (a handler of the program's own, an ignored signal, the default) and a
 * signal is no longer held: it ends the process at once. */
enum { MT_THREADS = 4, MT_ROUNDS = 300 };
static const char *mt_dir;
static void mt_quit(int sig) { (void)sig; }

static void *mt_worker(void *arg)
{
    const long t = (long)arg;
    char p[600], sub[600];
    snprintf(p, sizeof p, "%s/f%ld.txt", mt_dir, t);
    snprintf(sub, sizeof sub, "%s/s%ld/in", mt_dir, t);
    for (int i = 0; i < MT_ROUNDS; i++) {
        ts_outfile o;
        if (ts_out_open(&o, p) != 0) return (void *)1;
        fprintf(o.f, "%d\n", i);
        if (ts_out_commit(&o) != 0) return (void *)2;
        ts_stage s;
        if (ts_stage_open(&s, sub) != 0) return (void *)3;
        char *f = ts_path_join(s.stage, "a.txt");
        write_text(f, "a\n");
        free(f);
        const char *names[1] = {"a.txt"};
        if (ts_stage_commit(&s, names, 1) != 0) return (void *)4;
        if (ts_out_dir_check(sub) != 0) return (void *)5;
        char *tmp;
        if (ts_temp_dir("tstest-threads", &tmp) != 0) return (void *)6;
        ts_temp_dir_remove(tmp);
        free(tmp);
    }
    return NULL;
}

static void threads_commit(const char *dir)
{
    mt_dir = dir;
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, mt_quit);
    pthread_t t[MT_THREADS];
    for (long i = 0; i < MT_THREADS; i++)
        if (pthread_create(&t[i], NULL, mt_worker, (void *)i) != 0) _exit(2);
    int bad = 0;
    for (int i = 0; i < MT_THREADS; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0 || r) bad = 1;
    }
    if (bad) _exit(3);
    static const int sigs[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (int i = 0; i < 4; i++) {
        struct sigaction sa;
        sigaction(sigs[i], NULL, &sa);
        void (*want)(int) = sigs[i] == SIGHUP ? SIG_IGN : sigs[i] == SIGQUIT ? mt_quit : SIG_DFL;
        if (sa.sa_handler != want) _exit(10 + i);
    }
    raise(SIGTERM);   /* not held: the default action now */
    _exit(9);
}

/* a temporary directory is removed before it is forgotten, and mkdtemp may give its name
 * again meanwhile (glibc's names are random; this binary's mkdtemp gives one name): the
 * names still differ, so that each is forgotten by its own owner, and none stays in the
 * table (the handler installed for good, an entry freed by the wrong thread) */
static void temp_names_again(const char *dir)
{
    setenv("TMPDIR", dir, 1);
    same_names = 1;
    char *a, *b;
    if (ts_temp_dir("tstest-again", &a) != 0) _exit(3);
    ts_remove_tree(a);   /* as ts_temp_dir_remove does first */
    if (ts_temp_dir("tstest-again", &b) != 0) _exit(4);
    if (!strcmp(a, b)) _exit(5);
    ts_temp_dir_remove(b);
    ts_temp_dir_remove(a);
    free(a);
    free(b);
    struct sigaction sa;
    sigaction(SIGTERM, NULL, &sa);
    _exit(sa.sa_handler == SIG_DFL ? 0 : 6);
}

static void temp_dir_name_given_again(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    int st = in_child(temp_names_again, dir);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status 0x%x (5: the same name twice; 6: the handler "
              "left installed)", st);
    CHECK_MSG(count_dir(dir) == 0, "%d entries in %s", count_dir(dir), dir);
    ts_remove_tree(dir);
}

static void threads_leave_dispositions_as_found(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    int st = in_child(threads_commit, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
              "child status 0x%x (exit 3: a commit failed; 10-13: SIGINT, SIGTERM, SIGHUP, SIGQUIT's "
              "disposition changed; 9: SIGTERM held)", st);
    CHECK_MSG(count_dir(dir) == 2 * MT_THREADS, "%d entries in %s", count_dir(dir), dir);
    ts_remove_tree(dir);
}

/* ts_write_impute_triple: original0.npy, mask0.npy and imputation0.npy as one set. A
 * signal as the first of them takes its old one's place leaves the three new (or, before
 * any is in place, the three old), never some of each, and nothing else in the folder */
static const int32_t tri_old[4] = {1, 2, 3, 4}, tri_new[4] = {5, 9, 7, 9};

static void triple_write(const char *dir)
{
    ts_windows ow = {(int32_t *)tri_new, 1, 4}, iw = {(int32_t *)tri_new, 1, 4};
    const uint8_t m[4] = {1, 0, 1, 0};
    armed_rename = 1;
    if (ts_write_impute_triple(dir, &ow, m, &iw) != 0) _exit(4);
    _exit(6);   /* not reached: the held SIGINT ends the process */
}

/* 1: the file holds the new values, 0: the old, -1: neither */
static int triple_is_new(const char *dir, const char *name, int k)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ts_npy a;
    if (ts_npy_read(p, &a) != 0) return -1;
    int is_new = -1;
    if (a.dtype == TS_NPY_F32 && a.shape[0] == 1 && a.shape[2] == 4) {
        const float *f = a.data;
        const float want_new = k == 1 ? 0.0f : (float)tri_new[1], want_old = k == 1 ? 1.0f : (float)tri_old[1];
        is_new = f[1] == want_new ? 1 : f[1] == want_old ? 0 : -1;
    }
    ts_npy_free(&a);
    return is_new;
}

static void impute_triple_as_one_set(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_windows ow = {(int32_t *)tri_old, 1, 4};
    const uint8_t m[4] = {1, 1, 1, 1};
    REQUIRE(ts_write_impute_triple(dir, &ow, m, &ow) == 0);
    int st = in_child(triple_write, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "child status 0x%x", st);
    static const char *const names[3] = {"original0.npy", "mask0.npy", "imputation0.npy"};
    int n_new = 0, n_old = 0;
    for (int k = 0; k < 3; k++) {
        const int v = triple_is_new(dir, names[k], k);
        n_new += v == 1;
        n_old += v == 0;
    }
    CHECK_MSG(n_new == 3 || n_old == 3, "%d of 3 files new, %d old", n_new, n_old);
    CHECK_MSG(count_dir(dir) == 3, "%d entries in %s", count_dir(dir), dir);
    ts_remove_tree(dir);
}

/* a folder made for outputs to come (bench fill --keep DIR): a signal before anything is
 * in it removes it, with the folder the outputs' stage was opened in; a folder that was
 * there already stays */
static void keep_dir_work(const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/new", dir);
    char *made, *was;
    if (ts_out_dir_make(p, &made) != 0 || !made) _exit(3);
    if (ts_out_dir_make(dir, &was) != 0 || was) _exit(4);
    ts_stage s;
    if (ts_stage_open(&s, p) != 0) _exit(5);
    raise(SIGTERM);
    _exit(6);
}

static void kept_dir_goes_with_the_signal(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    int st = in_child(keep_dir_work, dir);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child status 0x%x", st);
    CHECK_MSG(count_dir(dir) == 0, "%d entries in %s", count_dir(dir), dir);
    /* done: removed when the run failed and left it empty, else kept */
    char p[600];
    snprintf(p, sizeof p, "%s/k", dir);
    for (int kept = 0; kept < 2; kept++) {
        char *made;
        REQUIRE(ts_out_dir_make(p, &made) == 0 && made);
        ts_out_dir_done(made, !kept);
        CHECK(ts_file_exists(p) == kept);
    }
    ts_remove_tree(dir);
}

/* open, the same way: once no_tmpfile is set, O_TMPFILE is refused as a filesystem
 * without it refuses it (NFS, many FUSE ones), so that an output is written under a name
 * of its own (PATH.tmp.<pid>.XXXXXX) from the start */
static int no_tmpfile;

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) {
        errno = EOPNOTSUPP;
        return -1;
    }
    if (kill_at_record && (flags & O_CREAT) && ends_with(path, "/.tracesynth-commit") &&
        ++records_seen == kill_at_record)
        raise(SIGKILL);
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

/* the work on an output under its named temporary, then the signal, before any commit */
static int named_sig;

static void named_work(const char *path)
{
    signal(named_sig, SIG_DFL);
    no_tmpfile = 1;
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) _exit(3);
    if (!o.tmp) _exit(5);
    fputs("half", o.f);
    fflush(o.f);
    raise(named_sig);
    _exit(6);
}

/* where the temporary has a name from the start (no O_TMPFILE), Ctrl-C or kill during the
 * work removes it, as it removes a stage: the old output stays, nothing beside it */
static void named_temporary_goes_with_the_signal(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (int i = 0; i < 4; i++) {
        const char *dir = scratch_dir();
        REQUIRE(dir);
        char path[512];
        snprintf(path, sizeof path, "%s/model.tsm", dir);
        write_text(path, "old\n");
        named_sig = sigs[i];
        int st = in_child(named_work, path);
        CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i], "signal %d: child status 0x%x", sigs[i], st);
        CHECK_MSG(file_is(path, "old\n"), "signal %d: the old file is changed", sigs[i]);
        CHECK_MSG(count_dir(dir) == 1, "signal %d: %d entries in %s (a temporary left behind)", sigs[i],
                  count_dir(dir), dir);
        ts_remove_tree(dir);
    }
}

/* >= 0: a byte written to it and the process stopped at the first removal of a file in a
 * stage whose record is still there (the stage removed after its commit) */
static int pause_unlink_fd = -1;
/* set: the first commit record removed is linked there first (the one a power cut brings back) */
static char record_saved[1100];
/* set: the first removal of a commit record fails (EIO) */
static int record_unlink_refused;

/* watched by swept_stage_loses_its_name_first: a stage without a record swept by a writer
 * (sweep_name: its path, sweep_tail: "/" and its name), whether a file was removed under
 * that name, and when the first file in any stage went, whether order_dir had been synced
 * since it was renamed (-1: none went) and whether it was still there */
static int removed_under_name, sweep_unlink_synced = -1, sweep_there;

static void sweep_watch(const char *stage, const char *real_dir)
{
    snprintf(sweep_name, sizeof sweep_name, "%s", stage);
    snprintf(sweep_tail, sizeof sweep_tail, "%s", strrchr(stage, '/'));
    snprintf(order_dir, sizeof order_dir, "%s", real_dir);
    dir_synced = 1;
    removed_under_name = sweep_there = 0;
    sweep_unlink_synced = -1;
}

/* path removed (dfd and name: the call that removes it), watched as said above */
static int unlink_watched(const char *path, int dfd, const char *name)
{
    if (sweep_name[0]) {
        const char *at = strstr(path, sweep_tail);
        if (at && at[strlen(sweep_tail)] == '/') removed_under_name = 1;
        else if (strstr(path, "/.stage.") && sweep_unlink_synced < 0)
            sweep_unlink_synced = dir_synced, sweep_there = access(sweep_name, F_OK) == 0;
    }
    if (pause_unlink_fd >= 0 && strstr(path, "/.stage.") && !ends_with(path, "/.tracesynth-commit")) {
        char rec[1100];
        const char *st = strstr(path, "/.stage.") + 1, *sl = strchr(st, '/');
        snprintf(rec, sizeof rec, "%.*s/.tracesynth-commit", sl ? (int)(sl - path) : (int)strlen(path), path);
        if (access(rec, F_OK) == 0 && write(pause_unlink_fd, "x", 1) == 1)
            for (;;) pause();
    }
    if (record_unlink_refused && ends_with(path, "/.tracesynth-commit")) {
        record_unlink_refused = 0;
        errno = EIO;
        return -1;
    }
    /* a power cut that loses the record's removal: the record kept there as well */
    if (record_saved[0] && ends_with(path, "/.tracesynth-commit") && link(path, record_saved) != 0) return -1;
    const int rc = (int)syscall(SYS_unlinkat, dfd, name, 0);
    if (rc == 0 && order_dir[0] && ends_with(path, "/.tracesynth-commit")) record_gone_synced = dir_synced;
    return rc;
}

int unlink(const char *path) { return unlink_watched(path, AT_FDCWD, path); }

/* unlinkat (ts_remove_tree's, relative to each folder's descriptor): a file removed is
 * watched as unlink's, by its path (the folder's, from /proc, and its name); a folder is
 * not (tried as a file first, it stays) */
int unlinkat(int dfd, const char *name, int flags)
{
    struct stat st;
    if ((flags & AT_REMOVEDIR) ||
        (syscall(SYS_newfstatat, dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)))
        return (int)syscall(SYS_unlinkat, dfd, name, flags);
    char path[2048];
    if (dfd == AT_FDCWD || name[0] == '/')
        snprintf(path, sizeof path, "%s", name);
    else {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", dfd);
        const ssize_t n = readlink(proc, path, sizeof path - 1);
        if (n <= 0) return (int)syscall(SYS_unlinkat, dfd, name, flags);
        snprintf(path + n, sizeof path - (size_t)n, "/%s", name);
    }
    return unlink_watched(path, dfd, name);
}

/* an fsync that fails with EIO where the path synced ends with fsync_eio (set; with
 * fsync_eio_prefix: starts with it): each one, or with fsync_eio_placed only once a rename
 * out of a stage has been seen since */
static char fsync_eio[1100];
static int fsync_eio_prefix, fsync_eio_placed, eio_given;

/* fsyncs of a path that ends with fsync_count_tail (set), counted */
static char fsync_count_tail[64];
static int fsync_counted;

/* fsync, the same way: which of the watched paths were synced */
int fsync(int fd)
{
    if (fsync_count_tail[0]) {
        char proc[64], at[1024];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(proc, at, sizeof at - 1);
        if (n > 0 && (at[n] = 0, ends_with(at, fsync_count_tail))) fsync_counted++;
    }
    if (fsync_eio[0] && (!fsync_eio_placed || placed_seen)) {
        char proc[64], at[1024];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(proc, at, sizeof at - 1);
        if (n > 0 && (at[n] = 0, fsync_eio_prefix ? !strncmp(at, fsync_eio, strlen(fsync_eio))
                                                  : ends_with(at, fsync_eio))) {
            eio_given++;
            errno = EIO;
            return -1;
        }
    }
    if (order_dir[0]) {
        char proc[64], at[1024];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(proc, at, sizeof at - 1);
        if (n > 0 && (at[n] = 0, !strcmp(at, order_dir))) dir_synced = 1;
    }
    if (sync_watch) {
        char proc[64], at[1024];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        const ssize_t n = readlink(proc, at, sizeof at - 1);
        if (n > 0) {
            at[n] = 0;
            synced_chan |= ends_with(at, "/trace/chan");
            synced_trace |= ends_with(at, "/trace");
        }
    }
    return (int)syscall(SYS_fsync, fd);
}

/* a stage's contents that another writer made there (babeltrace's sink.ctf.fs writes a
 * trace's streams and never syncs them) are synced, files and folders, before they take the
 * old ones' place: the folder synced after the rename would otherwise make the new names
 * durable before their data, and a power loss then leave a trace of empty streams where
 * the old one was */
static void trace_synced_before_placed(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    for (int again = 0; again < 2; again++) {   /* made, then over the old one */
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        char t[600], f[700];
        snprintf(t, sizeof t, "%s/trace", s.stage);
        REQUIRE(mkdir(t, 0755) == 0);
        snprintf(f, sizeof f, "%s/chan", t);
        write_text(f, again ? "new events\n" : "old events\n");
        const char *names[] = {"trace"};
        sync_watch = 1;
        synced_chan = synced_trace = 0;
        placed_synced = -1;
        const int rc = ts_stage_commit(&s, names, 1);
        sync_watch = 0;
        CHECK(rc == 0);
        CHECK_MSG(placed_synced == 1, "%s: the trace placed %s", again ? "over the old one" : "new",
                  placed_synced < 0 ? "without a rename seen" : "before its stream and folder were synced");
    }
    char f[600];
    snprintf(f, sizeof f, "%s/trace/chan", dir);
    CHECK(file_is(f, "new events\n"));
    CHECK_MSG(count_dir(dir) == 1, "%d entries in %s", count_dir(dir), dir);
    ts_remove_tree(dir);
}

/* ---- a set's commit killed between its renames (SIGKILL, a power cut: no signal to
 * hold) ---- */

/* the set: a.txt, the folder trace and b.txt, over old ones, with c.txt of an earlier set
 * to go. Its renames: c.txt into the stage (1), a.txt (2), the old trace aside (3), the
 * new trace (4), b.txt (5) */
static int kill_k;

static void put_set(const char *at, const char *which, int with_c)
{
    char p[700];
    snprintf(p, sizeof p, "%s/a.txt", at);
    write_text(p, which);
    snprintf(p, sizeof p, "%s/b.txt", at);
    write_text(p, which);
    if (with_c) {
        snprintf(p, sizeof p, "%s/c.txt", at);
        write_text(p, which);
    }
    snprintf(p, sizeof p, "%s/trace", at);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/trace/metadata", at);
    write_text(p, which);
}

/* the set in dir: 1 all of which (c.txt gone where new), 0 not */
static int set_is(const char *dir, const char *which, int new)
{
    char p[700];
    static const char *const f[] = {"a.txt", "b.txt", "trace/metadata"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, f[i]);
        if (!file_is(p, which)) return 0;
    }
    snprintf(p, sizeof p, "%s/c.txt", dir);
    return new ? !ts_file_exists(p) : file_is(p, which);
}

/* the stage in dir (its path into out), 1 when there is one */
static int stage_in(const char *dir, char *out, size_t n)
{
    DIR *d = opendir(dir);
    int found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)))
        if (!strncmp(e->d_name, ".stage.", 7)) found = snprintf(out, n, "%s/%s", dir, e->d_name) > 0;
    if (d) closedir(d);
    return found;
}

static void commit_killed(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    put_set(s.stage, "new\n", 0);
    if (kill_k == 0) raise(SIGKILL);   /* written, not committed */
    const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
    kill_at_rename = kill_k;
    ts_stage_commit_removing(&s, names, 3, gone, 1);
    _exit(6);
}

/* fn(arg) run in a child whose commit writes a byte to pause_fd where it stops: 1 once it
 * has stopped there (*pid to kill), 0 where it ended first or could not start */
static int child_stopped(void (*fn)(const char *), const char *arg, pid_t *pid)
{
    int fds[2];
    *pid = -1;
    if (pipe(fds) != 0) return 0;
    fflush(NULL);
    *pid = fork();
    if (*pid == 0) {
        close(fds[0]);
        pause_fd = fds[1];
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    char c;
    const int stopped = *pid > 0 && read(fds[0], &c, 1) == 1;
    close(fds[0]);
    return stopped;
}

/* the commit paused at its second rename (pause_fd) for a reader to meet under way: its
 * record written by a process of umask 022, 077 (the record 0600), or either waiting for
 * SIGUSR1 where it pauses */
static void commit_paused(const char *dir) { kill_k = 2; commit_killed(dir); }
static void commit_paused_private(const char *dir) { umask(077); commit_paused(dir); }
static void commit_paused_resumable(const char *dir) { signal(SIGUSR1, on_resume); umask(022); commit_paused(dir); }
static void commit_paused_resumable_private(const char *dir) { signal(SIGUSR1, on_resume); commit_paused_private(dir); }

/* dir with the old set, then the child killed at rename k: its wait status */
static int killed_at(const char *dir, int k)
{
    ts_remove_tree(dir);
    mkdir(dir, 0755);
    put_set(dir, "old\n", 1);
    kill_k = k;
    return in_child(commit_killed, dir);
}

/* killed after any of its renames, the set is committed: the next stage opened in the
 * folder (a writer) or ts_stage_recover (a reader) carries it out, all new, and no
 * stage is left; killed before its first, the old set stays whole */
static void killed_set_rolls_forward(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    for (int k = 0; k <= 5; k++)
        for (int by_reader = 0; by_reader < 2; by_reader++) {
            int st = killed_at(dir, k);
            REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
            CHECK_MSG(stage_in(dir, stage, sizeof stage), "killed at rename %d: no stage", k);
            if (by_reader) {
                CHECK_MSG(ts_stage_recover(dir) == 0, "killed at rename %d: %s", k, ts_error());
            } else {
                ts_stage s;
                CHECK_MSG(ts_stage_open(&s, dir) == 0, "killed at rename %d: %s", k, ts_error());
                ts_stage_abort(&s);
            }
            const char *by = by_reader ? "ts_stage_recover" : "ts_stage_open";
            if (k == 0) {
                CHECK_MSG(set_is(dir, "old\n", 0), "killed before the commit, then %s: the old set is not whole", by);
                /* a stage without a record: a reader leaves it, a writer removes it once it
                 * is old enough to be no process's */
                age_path(stage);
                ts_stage s;
                REQUIRE(ts_stage_open(&s, dir) == 0);
                ts_stage_abort(&s);
                CHECK(set_is(dir, "old\n", 0));
            } else {
                CHECK_MSG(set_is(dir, "new\n", 1), "killed at rename %d, then %s: the set is not all new", k, by);
            }
            CHECK_MSG(!stage_in(dir, stage, sizeof stage), "killed at rename %d, then %s: %s left", k, by, stage);
            CHECK_MSG(count_dir(dir) == (k == 0 ? 4 : 3), "killed at rename %d, then %s: %d entries in %s", k, by,
                      count_dir(dir), dir);
        }
    ts_remove_tree(dir);
}

/* a record cut short (or its end zeros, as a power cut leaves a file's last blocks) is
 * no record: nothing was renamed before it was synced whole, so the old set stays */
static void cut_record_is_none(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], rec[800];
    REQUIRE(WIFSIGNALED(killed_at(dir, 1)) && stage_in(dir, stage, sizeof stage));
    /* a whole record, as the commit wrote it */
    snprintf(rec, sizeof rec, "%s/.tracesynth-commit", stage);
    char whole[4096];
    FILE *f = fopen(rec, "rb");
    REQUIRE(f);
    const size_t n = fread(whole, 1, sizeof whole, f);
    fclose(f);
    REQUIRE(n > 16 && n < sizeof whole);
    const size_t cut[] = {n / 2, n - 1, n};
    for (int c = 0; c < 3; c++) {
        REQUIRE(WIFSIGNALED(killed_at(dir, 0)) && stage_in(dir, stage, sizeof stage));
        snprintf(rec, sizeof rec, "%s/.tracesynth-commit", stage);
        f = fopen(rec, "wb");
        REQUIRE(f);
        fwrite(whole, 1, cut[c], f);
        if (c == 2) {   /* whole length, its last bytes zeros */
            fseek(f, (long)n - 8, SEEK_SET);
            fwrite("\0\0\0\0\0\0\0\0", 1, 8, f);
        }
        fclose(f);
        CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
        CHECK_MSG(set_is(dir, "old\n", 0), "a record of %zu of %zu bytes%s: the old set is not whole", cut[c], n,
                  c == 2 ? " (zeros at its end)" : "");
        age_path(stage);
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        ts_stage_abort(&s);
        CHECK(set_is(dir, "old\n", 0) && !stage_in(dir, stage, sizeof stage));
    }
    ts_remove_tree(dir);
}

/* a committed stage in a folder the reader may not write: one line naming the folder
 * and what to do, -1; carried out once it may */
static void unwritable_folder_names_the_stage(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    REQUIRE(WIFSIGNALED(killed_at(dir, 2)) && stage_in(dir, stage, sizeof stage));
    renames_refused = -1;
    const int rc = ts_stage_recover(dir);
    renames_refused = 0;
    const char *err = ts_error();
    CHECK_MSG(rc == -1 && !strncmp(err, dir, strlen(dir)) && strstr(err, "interrupted replacement") &&
                  strstr(err, "as a user who may write there") && !strchr(err, '\n'),
              "exit %d: %s", rc, err);
    CHECK(!set_is(dir, "new\n", 1) && stage_in(dir, stage, sizeof stage));
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    CHECK(set_is(dir, "new\n", 1) && !stage_in(dir, stage, sizeof stage));
    ts_remove_tree(dir);
}

/* a dataset saved over an older one: its stream, its names and its times (three files)
 * in place of a stream and names of other events with their exits (which go). Killed
 * after the new set's first and second file took their place, a reader that loads the
 * dataset sees the new one whole, never new IDs named by the old names */
static char *old_names[] = {"read", "write", "open"}, *new_names[] = {"mmap", "close"};
static int32_t old_ids[] = {0, 1, 2, 1, 0}, new_ids[] = {1, 0, 1};

static void dataset_of(ts_dataset *d, int new)
{
    memset(d, 0, sizeof *d);
    d->stream.ids = new ? new_ids : old_ids;
    d->stream.n = new ? 3 : 5;
    d->vocab.names = new ? new_names : old_names;
    d->vocab.n = new ? 2 : 3;
    d->vocab.unk = -1;
}

static void save_killed(const char *dir)
{
    static int64_t times[] = {10, 20, 30};
    ts_dataset d;
    dataset_of(&d, 1);
    d.time_ns = times;
    kill_at_rename = kill_k;   /* exit.npy into the stage (1), then stream.txt, vocab.tsv, time_ns.npy */
    ts_dataset_save(dir, &d);
    _exit(6);
}

static void killed_dataset_reads_new(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    for (int k = 2; k <= 3; k++) {
        static uint8_t exits[] = {0, 1, 0, 1, 0};
        ts_dataset d;
        dataset_of(&d, 0);
        d.exit = exits;
        REQUIRE(ts_dataset_save(dir, &d) == 0);
        kill_k = k;
        const int st = in_child(save_killed, dir);
        REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        REQUIRE(stage_in(dir, stage, sizeof stage));
        ts_dataset got;
        const int rc = ts_dataset_load(dir, &got);
        CHECK_MSG(rc == 0, "killed after the new set's file %d: %s", k - 1, ts_error());
        if (rc == 0) {
            const int ids_new = got.stream.n == 3 && !memcmp(got.stream.ids, new_ids, sizeof new_ids);
            const int names_new = got.vocab.n == 2 && !strcmp(got.vocab.names[0], "mmap");
            CHECK_MSG(ids_new && names_new && got.time_ns && !got.exit,
                      "killed after the new set's file %d: stream %s, names %s, times %s, exits %s", k - 1,
                      ids_new ? "new" : "old", names_new ? "new" : "old", got.time_ns ? "new" : "none",
                      got.exit ? "old" : "gone");
        }
        ts_dataset_free(&got);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "killed after the new set's file %d: %s left", k - 1, stage);
        CHECK_MSG(count_dir(dir) == 3, "%d entries in %s", count_dir(dir), dir);
    }
    ts_remove_tree(dir);
}

/* a set of a window file's companions (generate's g.npy and g.names.txt), a vocab.tsv, a
 * split.txt, a channel dataset's length, a dataset's arch and a model (fill --save-model's,
 * committed right after its trace), each old in the folder; the killed commit puts
 * first.txt in place first (rename 1) and dies there, the rest still old. Each reader of one
 * of them reads the new one: it completes the set first */
/* the model file from (a fixture) at path */
static void copy_to(const char *from, const char *path)
{
    FILE *f = fopen(from, "rb"), *g = fopen(path, "wb");
    char buf[1 << 14];
    size_t n;
    while (f && g && (n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, g);
    if (f) fclose(f);
    if (g) fclose(g);
}

static void members_write(const char *at, int new)
{
    char p[700];
    snprintf(p, sizeof p, "%s/m.tsm", at);
    copy_to(new ? "tests/fixtures/models/ngram.tsm" : "tests/fixtures/models/unigram.tsm", p);
    const int32_t ids[3] = {new ? 7 : 1, 8, 9};
    const size_t shape[1] = {new ? 3u : 1u};
    snprintf(p, sizeof p, "%s/g.npy", at);
    if (ts_npy_write(p, TS_NPY_I32, ids, 1, shape)) _exit(7);
    snprintf(p, sizeof p, "%s/g.names.txt", at);
    write_text(p, new ? "mmap close\n" : "read write\n");
    ts_vocab v = {new ? 2 : 3, new ? new_names : old_names, NULL, -1};
    snprintf(p, sizeof p, "%s/vocab.tsv", at);
    if (ts_vocab_write(p, &v)) _exit(7);
    snprintf(p, sizeof p, "%s/split.txt", at);
    write_text(p, new ? "split=random\nlength=30\n" : "split=random\nlength=60\n");
    snprintf(p, sizeof p, "%s/length", at);
    write_text(p, new ? "3\n" : "2\n");
    snprintf(p, sizeof p, "%s/arch", at);
    write_text(p, new ? "aarch64\n" : "x86_64\n");
    snprintf(p, sizeof p, "%s/first.txt", at);
    write_text(p, new ? "new\n" : "old\n");
}

static void members_killed(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    members_write(s.stage, 1);
    const char *names[] = {"first.txt", "g.npy", "g.names.txt", "vocab.tsv", "split.txt", "length", "arch", "m.tsm"};
    kill_at_rename = 1;
    ts_stage_commit(&s, names, 8);
    _exit(6);
}

static void killed_set_members_read_new(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], p[700];
    static const char *const what[7] = {"ts_npy_read", "ts_windows_read_names", "ts_vocab_read",
                                        "ts_split_record_read", "ts_mc_window_length", "ts_dataset_arch",
                                        "ts_model_load"};
    for (int r = 0; r < 7; r++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        members_write(dir, 0);
        const int st = in_child(members_killed, dir);
        REQUIRE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        snprintf(p, sizeof p, "%s/first.txt", dir);
        REQUIRE(stage_in(dir, stage, sizeof stage) && file_is(p, "new\n"));
        int rc = -1, is_new = 0;
        if (r == 0) {
            ts_npy a;
            snprintf(p, sizeof p, "%s/g.npy", dir);
            if ((rc = ts_npy_read(p, &a)) == 0) is_new = a.count == 3 && ((int32_t *)a.data)[0] == 7;
            if (rc == 0) ts_npy_free(&a);
        } else if (r == 1) {
            int32_t ids[2] = {0, 1};
            ts_windows w = {ids, 1, 2};
            ts_vocab v;
            char *at;
            size_t *line;
            snprintf(p, sizeof p, "%s/g.txt", dir);
            rc = ts_windows_read_names(p, &w, &at, &v, &line) == 1 ? 0 : -1;
            if (rc == 0) {
                is_new = v.n >= 1 && v.names[0] && !strcmp(v.names[0], "mmap");
                ts_vocab_free(&v);
                free(at);
                free(line);
            }
        } else if (r == 2) {
            ts_vocab v;
            snprintf(p, sizeof p, "%s/vocab.tsv", dir);
            if ((rc = ts_vocab_read(p, &v)) == 0) is_new = v.n == 2 && !strcmp(v.names[0], "mmap");
            if (rc == 0) ts_vocab_free(&v);
        } else if (r == 3) {
            ts_split_record rec;
            snprintf(p, sizeof p, "%s/split.txt", dir);
            if ((rc = ts_split_record_read(p, &rec)) == 0) is_new = rec.length == 30;
            ts_split_record_free(&rec);
        } else if (r == 4) {
            size_t len;
            if ((rc = ts_mc_window_length(dir, 6, &len)) == 0) is_new = len == 3;
        } else if (r == 5) {
            ts_arch a;
            if ((rc = ts_dataset_arch(dir, &a)) == 0) is_new = a == TS_ARCH_AARCH64;
        } else {
            ts_model *m;
            snprintf(p, sizeof p, "%s/m.tsm", dir);
            if ((rc = ts_model_load(p, &m)) == 0) is_new = !strcmp(m->ops->name, "ngram");
            if (rc == 0) ts_model_free(m);
        }
        CHECK_MSG(rc == 0, "%s: %s", what[r], ts_error());
        CHECK_MSG(is_new, "%s read its file old, beside the new first.txt", what[r]);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%s: %s left", what[r], stage);
    }
    ts_remove_tree(dir);
}

/* a commit whose rename fails half way (after its record) puts the old set back whole,
 * durably, and only then removes its record, which a later roll forward would carry out */
static void failed_commit_puts_back(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    for (int at = 1; at <= 3; at++) {   /* a.txt, the new trace, b.txt */
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        ts_stage s;
        REQUIRE(realpath(dir, order_dir));
        record_gone_synced = first_rename_synced = -1;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        put_set(s.stage, "new\n", 0);
        const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
        renames_refused = at;
        refused_seen = 0;
        const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
        renames_refused = 0;
        order_dir[0] = 0;
        CHECK_MSG(rc == -1 && strstr(ts_error(), "cannot replace"), "rename %d refused: exit %d: %s", at, rc,
                  ts_error());
        /* else a power cut soon after could keep the record's removal and not the renames
         * back: some new files, no record, for good */
        CHECK_MSG(record_gone_synced == 1, "rename %d refused: the record removed %s", at,
                  record_gone_synced < 0 ? "never" : "before the folder's renames back were synced");
        /* and the stage's own entry durable before any of its files left it (else a power
         * cut could keep the renames and lose the stage, with the record) */
        CHECK_MSG(first_rename_synced == 1, "rename %d refused: the commit's first rename %s", at,
                  first_rename_synced < 0 ? "not seen" : "before the folder holding its stage was synced");
        CHECK_MSG(set_is(dir, "old\n", 0), "rename %d refused: the old set is not whole", at);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage) && count_dir(dir) == 4, "rename %d refused: %d entries in %s",
                  at, count_dir(dir), dir);
    }
    ts_remove_tree(dir);
}

/* a committed stage whose process is still carrying it out (it holds the stage's lock): a
 * reader waits for it a while, then says so in one line rather than read the set half
 * replaced; once the process is gone, the reader completes the set */
static void reader_waits_for_a_commit_under_way(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_remove_tree(dir);
    REQUIRE(mkdir(dir, 0755) == 0);
    put_set(dir, "old\n", 1);
    pid_t pid;
    const int stopped = child_stopped(commit_paused, dir, &pid);
    REQUIRE(pid > 0);
    const int rc = stopped ? ts_stage_recover(dir) : 0;
    const char *err = ts_error();
    CHECK_MSG(stopped && rc == -1 && strstr(err, "being replaced by a process still running") && !strchr(err, '\n'),
              "exit %d: %s", rc, err);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    CHECK(set_is(dir, "new\n", 1) && count_dir(dir) == 3);
    ts_remove_tree(dir);
}

/* what a reader of another user (nobody) says of dir: exit 0 when ts_stage_recover
 * refuses in one line holding want (which goes to stderr otherwise), or, want NULL, reads */
static const char *other_want;

static void read_as_nobody(const char *dir)
{
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    const int rc = ts_stage_recover(dir);
    const char *err = ts_error();
    if (other_want ? rc == -1 && strstr(err, other_want) && !strchr(err, '\n') : rc == 0) _exit(0);
    fprintf(stderr, "  as nobody: exit %d: %s\n", rc, rc ? err : "");
    _exit(1);
}

/* a committed stage that a reader of another user may not carry out (the stage and the
 * folder are not its to write), or whose record it may not read (of mode 0600):
 * refused in one line, never read half replaced */
static void other_users_reader_refuses(void)
{
    if (geteuid() != 0) SKIP("not root: no other user to read as");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    REQUIRE(chmod(t_scratch_root, 0755) == 0);
    char stage[700];
    REQUIRE(WIFSIGNALED(killed_at(dir, 2)) && stage_in(dir, stage, sizeof stage));
    other_want = "which cannot be completed here";
    int st = in_child(read_as_nobody, dir);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a stage it may not write: status 0x%x", st);
    char rec[800];
    snprintf(rec, sizeof rec, "%s/.tracesynth-commit", stage);
    REQUIRE(chmod(rec, 0600) == 0);   /* as a umask of 077 leaves it */
    other_want = "whose record cannot be read here";
    st = in_child(read_as_nobody, dir);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a stage it may not read: status 0x%x", st);
    CHECK(!set_is(dir, "new\n", 1));
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    CHECK(set_is(dir, "new\n", 1) && !stage_in(dir, stage, sizeof stage));
    ts_remove_tree(dir);
}

/* a file of the set written again, by a single-file writer, after the commit was killed:
 * the writer first completes the interrupted set, so that no later roll forward puts the
 * killed run's older file over it (b.txt), nor removes it as a file of the set that went
 * (c.txt) */
static void single_writer_completes_first(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], p[800];
    for (int k = 1; k <= 2; k++) {
        REQUIRE(WIFSIGNALED(killed_at(dir, k)) && stage_in(dir, stage, sizeof stage));
        static const char *const again[] = {"b.txt", "c.txt"};
        for (int i = 0; i < 2; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, again[i]);
            ts_outfile o;
            REQUIRE(ts_out_open(&o, p) == 0);
            fputs("newer\n", o.f);
            REQUIRE(ts_out_commit(&o) == 0);
        }
        CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
        for (int i = 0; i < 2; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, again[i]);
            CHECK_MSG(file_is(p, "newer\n"), "killed at rename %d, %s written again: the later file is lost", k,
                      again[i]);
        }
        snprintf(p, sizeof p, "%s/a.txt", dir);
        CHECK(file_is(p, "new\n"));
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "killed at rename %d: %s left", k, stage);
    }
    ts_remove_tree(dir);
}

/* what another user (nobody) may read of a file: exit 0 when it cannot open it */
static void open_as_nobody(const char *path)
{
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    FILE *f = fopen(path, "rb");
    if (!f) _exit(0);
    fclose(f);
    _exit(1);
}

/* a set written over private files (mode 0600, in a folder others may list): its new files
 * take that mode only at the commit, so until then the stage lets no other user open them
 * by name; a stage killed at its work (never committed) is no half-replaced set to them */
static void stage_private_until_commit(void)
{
    if (geteuid() != 0) SKIP("not root: no other user to read as");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    REQUIRE(chmod(t_scratch_root, 0755) == 0 && chmod(dir, 0755) == 0);
    char p[800], stage[700];
    snprintf(p, sizeof p, "%s/a.txt", dir);
    write_text(p, "old\n");
    REQUIRE(chmod(p, 0600) == 0);
    ts_stage s;
    REQUIRE(ts_stage_open(&s, dir) == 0);
    snprintf(p, sizeof p, "%s/a.txt", s.stage);
    write_text(p, "new\n");
    REQUIRE(chmod(p, 0644) == 0);   /* as the umask leaves it */
    int st = in_child(open_as_nobody, p);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the new file of a private set, in the stage at its work: "
              "status 0x%x (1: read by another user)", st);
    const char *names[] = {"a.txt"};
    REQUIRE(ts_stage_commit(&s, names, 1) == 0);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    struct stat sb;
    CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    ts_remove_tree(dir);
    REQUIRE(WIFSIGNALED(killed_at(dir, 0)) && stage_in(dir, stage, sizeof stage));
    other_want = NULL;
    st = in_child(read_as_nobody, dir);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a stage never committed: status 0x%x", st);
    CHECK(set_is(dir, "old\n", 0));
    ts_remove_tree(dir);
}

/* what dir holds, at any depth, given to uid */
static void chown_in(const char *dir, uid_t uid)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[1000];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lchown(p, uid, uid) == 0 && e->d_type == DT_DIR) chown_in(p, uid);
    }
    if (d) closedir(d);
}

/* a committed stage of another user (nobody) in a folder not its own (a shared one, as
 * /tmp is): its record names files it could not replace or remove itself, so a reader or
 * writer of this user does not carry it out (neither puts its files over ours nor removes
 * ours) but refuses in one line; its own user completes it */
static void others_record_not_carried_out(void)
{
    if (geteuid() != 0) SKIP("not root: no other user's stage to make");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], p[1000];
    REQUIRE(chmod(t_scratch_root, 0755) == 0);
    REQUIRE(WIFSIGNALED(killed_at(dir, 2)) && stage_in(dir, stage, sizeof stage));
    REQUIRE(chmod(dir, 01777) == 0);
    chown_in(dir, 65534);   /* the set and its stage nobody's, the folder not */
    int rc = ts_stage_recover(dir);
    const char *err = ts_error();
    CHECK_MSG(rc == -1 && !strncmp(err, dir, strlen(dir)) && strstr(err, "another user") && !strchr(err, '\n'),
              "a reader: exit %d: %s", rc, rc ? err : "");
    ts_stage s;
    rc = ts_stage_open(&s, dir);
    if (rc == 0) ts_stage_abort(&s);
    CHECK_MSG(rc == -1 && strstr(ts_error(), "another user"), "a writer: exit %d", rc);
    snprintf(p, sizeof p, "%s/b.txt", dir);
    CHECK_MSG(file_is(p, "old\n") && stage_in(dir, stage, sizeof stage), "another user's record carried out");
    other_want = NULL;   /* its user completes it */
    const int st = in_child(read_as_nobody, dir);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as its user: status 0x%x", st);
    CHECK(set_is(dir, "new\n", 1) && !stage_in(dir, stage, sizeof stage));
    ts_remove_tree(dir);
}

/* a set (or one file of it) written while another run's commit was still at its renames
 * (its stage locked, passed over when this one's stage or file was opened), that run then
 * killed: this commit completes the killed one first, so that a later roll forward does not
 * put the killed run's older files over the newer ones */
static void commit_completes_one_killed_meanwhile(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    for (int one = 0; one < 2; one++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        pid_t pid;
        const int stopped = child_stopped(commit_paused, dir, &pid);
        REQUIRE(pid > 0);
        char p[700];
        ts_stage s;
        ts_outfile o;
        snprintf(p, sizeof p, "%s/b.txt", dir);
        const int opened = stopped && (one ? ts_out_open(&o, p) : ts_stage_open(&s, dir)) == 0;
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        REQUIRE(opened);
        if (one) {
            fputs("newer\n", o.f);
            REQUIRE(ts_out_commit(&o) == 0);
        } else {
            put_set(s.stage, "newer\n", 0);
            const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
            REQUIRE(ts_stage_commit_removing(&s, names, 3, gone, 1) == 0);
        }
        CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
        char stage[700];
        char q[800];
        snprintf(q, sizeof q, "%s/trace/metadata", dir);
        CHECK_MSG(one ? file_is(p, "newer\n") && file_is(q, "new\n") : set_is(dir, "newer\n", 1),
                  "%s: the killed run's older files over the newer ones", one ? "a file" : "a set");
        CHECK(!stage_in(dir, stage, sizeof stage) && count_dir(dir) == 3);
    }
    ts_remove_tree(dir);
}

/* a commit failing half way whose files cannot all be put back either (every rename out of
 * the stage refused: c.txt, moved in to go, cannot come back): its record is kept with the
 * stage, so that the set is completed (all new) once the folder may be written, never left
 * with an old file lost and no record */
static void failed_put_back_keeps_the_record(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_remove_tree(dir);
    REQUIRE(mkdir(dir, 0755) == 0);
    put_set(dir, "old\n", 1);
    ts_stage s;
    REQUIRE(ts_stage_open(&s, dir) == 0);
    put_set(s.stage, "new\n", 0);
    const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
    renames_refused = -1;
    const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
    renames_refused = 0;
    const char *err = ts_error();
    CHECK_MSG(rc == -1 && strstr(err, "cannot replace") && !strchr(err, '\n'), "exit %d: %s", rc, err);
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    char stage[700];
    CHECK_MSG(set_is(dir, "new\n", 1) || set_is(dir, "old\n", 0), "neither the old set whole nor the new one");
    CHECK(!stage_in(dir, stage, sizeof stage));
    ts_remove_tree(dir);
}

/* a commit failing half way whose renames back cannot be made durable (the set's folder
 * not synced after them, EIO): its record is kept with the stage, and the error says so,
 * so that the set is completed (all new) by the next command, never left with its record
 * gone and renames back a power cut may lose */
static void failed_put_back_sync_keeps_the_record(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], real[1024];
    ts_remove_tree(dir);
    REQUIRE(mkdir(dir, 0755) == 0);
    put_set(dir, "old\n", 1);
    REQUIRE(realpath(dir, real));
    ts_stage s;
    REQUIRE(ts_stage_open(&s, dir) == 0);
    put_set(s.stage, "new\n", 0);
    const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
    snprintf(fsync_eio, sizeof fsync_eio, "%s", real);
    fsync_eio_placed = 1;
    placed_seen = eio_given = 0;
    renames_refused = 2;   /* a.txt placed, the trace refused */
    refused_seen = 0;
    const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
    renames_refused = 0;
    fsync_eio[0] = 0;
    fsync_eio_placed = 0;
    const char *err = ts_error();
    CHECK_MSG(eio_given > 0, "no sync of %s seen", real);
    CHECK_MSG(rc == -1 && strstr(err, "cannot replace") && strstr(err, strerror(EIO)) && !strchr(err, '\n'),
              "exit %d: %s", rc, err);
    CHECK_MSG(stage_in(dir, stage, sizeof stage), "the stage not kept");
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    CHECK_MSG(set_is(dir, "new\n", 1), "the new set is not whole");
    CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%s left", stage);
    ts_remove_tree(dir);
}

static void commit_then_stopped(const char *dir)
{
    ts_stage s;
    if (ts_stage_open(&s, dir) != 0) _exit(3);
    put_set(s.stage, "new\n", 0);
    const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
    pause_unlink_fd = pause_fd;
    ts_stage_commit_removing(&s, names, 3, gone, 1);
    _exit(0);
}

/* a set all placed and synced is no replacement under way: its record goes before the
 * stage's old files (a large old trace takes a while to remove), so that a reader then reads
 * the new set rather than wait and refuse it as being replaced */
static void record_goes_before_the_old_files(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    ts_remove_tree(dir);
    REQUIRE(mkdir(dir, 0755) == 0);
    put_set(dir, "old\n", 1);
    pid_t pid;
    const int stopped = child_stopped(commit_then_stopped, dir, &pid);
    REQUIRE(pid > 0);
    const int rc = ts_stage_recover(dir);
    CHECK_MSG(!stopped && rc == 0, "the stage removed with its record still there%s%s", rc ? ": a reader: " : "",
              rc ? ts_error() : "");
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK(set_is(dir, "new\n", 1));
    ts_remove_tree(dir);
}

/* a commit of a private set (umask 077: its record 0600) still at its renames: a reader of
 * another user, who cannot read the record, waits for it as for any commit under way, then
 * refuses in one line, rather than read the set half replaced */
static void other_users_reader_waits_for_a_private_commit(void)
{
    if (geteuid() != 0) SKIP("not root: no other user to read as");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    REQUIRE(chmod(t_scratch_root, 0755) == 0);
    ts_remove_tree(dir);
    REQUIRE(mkdir(dir, 0755) == 0);
    put_set(dir, "old\n", 1);
    pid_t pid;
    const int stopped = child_stopped(commit_paused_private, dir, &pid);
    REQUIRE(pid > 0);
    other_want = "being replaced by a process still running";
    const int st = stopped ? in_child(read_as_nobody, dir) : -1;
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
    kill(pid, SIGKILL);
    int ws;
    waitpid(pid, &ws, 0);
    CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
    CHECK(set_is(dir, "new\n", 1));
    ts_remove_tree(dir);
}

/* a set committed into folders made for it (DIR/new/sub not there before): the folder above
 * the first made is synced after the renames too, else a power cut soon after could lose the
 * whole new folder, the set the command reported written with it */
static void made_folders_durable(void)
{
    const char *top = scratch_dir();
    REQUIRE(top);
    char dir[600], p[800];
    snprintf(dir, sizeof dir, "%s/new/sub", top);
    ts_stage s;
    REQUIRE(realpath(top, order_dir));
    REQUIRE(ts_stage_open(&s, dir) == 0);
    snprintf(p, sizeof p, "%s/a.txt", s.stage);
    write_text(p, "new\n");
    const char *names[] = {"a.txt"};
    dir_synced = 0;
    const int rc = ts_stage_commit(&s, names, 1);
    order_dir[0] = 0;
    REQUIRE(rc == 0);
    snprintf(p, sizeof p, "%s/a.txt", dir);
    CHECK(file_is(p, "new\n"));
    CHECK_MSG(dir_synced == 1, "%s, above the folders made, not synced after the set was placed", top);
    ts_remove_tree(top);
}

/* a name of a set that is no one entry of its folder (sub/a.txt) is refused before anything
 * is placed: its record would read as none (a record places nothing outside the folder),
 * so a commit killed at its renames would be no commit, its stage swept, its set half new */
static void names_with_a_slash_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[800], stage[700];
    for (int in_gone = 0; in_gone < 2; in_gone++) {
        snprintf(p, sizeof p, "%s/sub", dir);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/sub/a.txt", dir);
        write_text(p, "old\n");
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        snprintf(p, sizeof p, "%s/sub", s.stage);
        REQUIRE(mkdir(p, 0755) == 0);
        snprintf(p, sizeof p, "%s/sub/a.txt", s.stage);
        write_text(p, "new\n");
        snprintf(p, sizeof p, "%s/b.txt", s.stage);
        write_text(p, "new\n");
        const char *names[] = {in_gone ? "b.txt" : "sub/a.txt"}, *gone[] = {"sub/a.txt"};
        const int rc = ts_stage_commit_removing(&s, names, 1, gone, in_gone);
        const char *err = ts_error();
        CHECK_MSG(rc == -1 && strstr(err, "sub/a.txt") && !strchr(err, '\n'), "%s: exit %d: %s",
                  in_gone ? "to go" : "to place", rc, rc ? err : "");
        snprintf(p, sizeof p, "%s/sub/a.txt", dir);
        CHECK(file_is(p, "old\n"));
        CHECK(!stage_in(dir, stage, sizeof stage));
    }
    ts_remove_tree(dir);
}

/* a sync that fails (EIO) before the record, of a new file or folder of the set or of the
 * stage: the commit fails in one line naming it, the old set as it was, the stage gone (or,
 * the stage itself not synced, kept)
 * (after a failed fsync the page may be marked clean: the disk may not hold what is
 * placed). Of the folder after the renames: the set is placed, the error said all the same */
static void failed_sync_stops_the_commit(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], real[1024];
    /* a new file, a file in the new trace, the new trace, the record, the stage */
    const char *what[] = {"/a.txt", "/trace/metadata", "/trace", "/.tracesynth-commit", ""};
    for (int w = 0; w < 6; w++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        REQUIRE(realpath(dir, real));
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        put_set(s.stage, "new\n", 0);
        const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
        if (w == 4) {   /* the stage's own folder, as a path's tail */
            const char *st = strrchr(s.stage, '/');
            snprintf(fsync_eio, sizeof fsync_eio, "%s", st);
        } else if (w == 5)   /* the set's folder, after the renames */
            snprintf(fsync_eio, sizeof fsync_eio, "%s", real);
        else
            snprintf(fsync_eio, sizeof fsync_eio, "%s", what[w]);
        fsync_eio_placed = w == 5;
        placed_seen = eio_given = 0;
        const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
        fsync_eio[0] = 0;
        const char *err = ts_error();
        CHECK_MSG(eio_given > 0, "%d: no sync of %s seen", w, w == 5 ? real : fsync_eio);
        CHECK_MSG(rc == -1 && strstr(err, strerror(EIO)) && !strchr(err, '\n'), "%d: exit %d: %s", w, rc,
                  rc ? err : "");
        if (w < 4) CHECK_MSG(strstr(err, what[w]), "%d: the error names not %s: %s", w, what[w], err);
        CHECK_MSG(set_is(dir, w == 5 ? "new\n" : "old\n", w == 5), "%d: the %s set is not whole", w,
                  w == 5 ? "new" : "old");
        /* the stage itself not synced: its record, written, may be on disk, and neither is
         * its removal: the stage is kept whole and the error says that the next command may
         * complete the new set (see uncommit_unsynced_is_said) */
        if (w == 4)
            CHECK_MSG(stage_in(dir, stage, sizeof stage) && strstr(err, "may complete the new set"), "%d: %s", w,
                      err);
        else
            CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%d: %s left", w, stage);
    }
    ts_remove_tree(dir);
}

/* openat, refused (EACCES) for a name that ends with open_refused, unless a folder is
 * asked for (O_DIRECTORY): a file that cannot be opened (mode 000, not as root) */
static char open_refused[64];

int openat(int dfd, const char *name, int flags, ...)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (open_refused[0] && !(flags & O_DIRECTORY) && ends_with(name, open_refused)) {
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_openat, dfd, name, flags, mode);
}

/* a new file of the set that cannot be opened to be synced (a file of the stage, or one in
 * a new folder of it) is not placed unsynced: the commit fails before its record, in one
 * line naming it, the old set as it was and the stage gone */
static void unopenable_file_stops_the_commit(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    const char *what[] = {"/a.txt", "metadata"}, *named[] = {"/a.txt", "/trace/metadata"};
    for (int w = 0; w < 2; w++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        put_set(s.stage, "new\n", 0);
        const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
        snprintf(open_refused, sizeof open_refused, "%s", what[w]);
        const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
        open_refused[0] = 0;
        const char *err = ts_error();
        CHECK_MSG(rc == -1 && strstr(err, named[w]) && strstr(err, strerror(EACCES)) && !strchr(err, '\n'),
                  "%s: exit %d: %s", what[w], rc, rc ? err : "");
        CHECK_MSG(set_is(dir, "old\n", 0), "%s: the old set is not whole", what[w]);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%s: %s left", what[w], stage);
    }
    ts_remove_tree(dir);
}

/* one file the same way: its data not synced, it is not renamed over the old one; the
 * folder not synced after the rename, the new file stays and the error is said */
static void failed_sync_stops_the_file(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[700], real[1024];
    snprintf(p, sizeof p, "%s/model.tsm", dir);
    REQUIRE(realpath(dir, real));
    for (int after = 0; after < 2; after++) {
        write_text(p, "old\n");
        ts_outfile o;
        REQUIRE(ts_out_open(&o, p) == 0);
        fputs("new\n", o.f);
        snprintf(fsync_eio, sizeof fsync_eio, "%s%s", real, after ? "" : "/");
        fsync_eio_prefix = !after;
        eio_given = 0;
        const int rc = ts_out_commit(&o);
        fsync_eio[0] = 0;
        fsync_eio_prefix = 0;
        const char *err = ts_error();
        CHECK_MSG(eio_given > 0, "%s: no sync seen", after ? "the folder" : "the file");
        CHECK_MSG(rc == -1 && strstr(err, strerror(EIO)) && !strchr(err, '\n'), "%d: exit %d: %s", after, rc,
                  rc ? err : "");
        CHECK_MSG(file_is(p, after ? "new\n" : "old\n"), "%d: %s not the %s file", after, p, after ? "new" : "old");
        CHECK_MSG(count_dir(dir) == 1, "%d: %d entries in %s", after, count_dir(dir), dir);
    }
    ts_remove_tree(dir);
}

/* fstatat, fdopendir or readdir, refused (EIO) once for a path that ends with look_refused, as
 * look_how says (1, 2, 3 each; 0 once refused): a staged entry that cannot be looked at, a
 * staged folder that cannot be listed */
static char look_refused[64];
static int look_how;

/* 1 where fd's path ends with tail */
static int fd_ends_with(int fd, const char *tail)
{
    char proc[64], at[1024];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(proc, at, sizeof at - 1);
    return n > 0 && (at[n] = 0, ends_with(at, tail));
}

int fstatat(int dfd, const char *name, struct stat *st, int flags)
{
    if (look_how == 1 && ends_with(name, look_refused)) {
        look_how = 0;
        errno = EIO;
        return -1;
    }
    int (*f)(int, const char *, struct stat *, int) =
        (int (*)(int, const char *, struct stat *, int))dlsym(RTLD_NEXT, "fstatat");
    return f(dfd, name, st, flags);
}

DIR *fdopendir(int fd)
{
    if (look_how == 2 && fd_ends_with(fd, look_refused)) {
        look_how = 0;
        errno = EIO;
        return NULL;
    }
    DIR *(*f)(int) = (DIR * (*)(int)) dlsym(RTLD_NEXT, "fdopendir");
    return f(fd);
}

struct dirent *readdir(DIR *d)
{
    if (look_how == 3 && fd_ends_with(dirfd(d), look_refused)) {
        look_how = 0;
        errno = EIO;
        return NULL;
    }
    struct dirent *(*f)(DIR *) = (struct dirent * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir");
    return f(d);
}

/* a staged file that cannot be looked at (fstatat), or a staged folder that cannot be listed
 * (fdopendir, readdir), is not placed unsynced, nor are its entries: the commit fails before
 * its record, in one line naming it, the old set as it was and the stage gone */
static void unlistable_folder_stops_the_commit(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700];
    static const char *const how[] = {"", "fstatat", "fdopendir", "readdir"};
    for (int h = 1; h <= 3; h++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        put_set(s.stage, "new\n", 0);
        const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
        /* trace/metadata by its name in its folder; the trace by its path */
        snprintf(look_refused, sizeof look_refused, "%s", h == 1 ? "metadata" : "/trace");
        look_how = h;
        const int rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
        look_how = 0;
        const char *err = ts_error();
        CHECK_MSG(rc == -1 && strstr(err, h == 1 ? "/trace/metadata: " : "/trace: ") && strstr(err, strerror(EIO)) &&
                      !strchr(err, '\n'),
                  "%s refused: exit %d: %s", how[h], rc, rc ? err : "");
        CHECK_MSG(set_is(dir, "old\n", 0), "%s refused: the old set is not whole", how[h]);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%s refused: %s left", how[h], stage);
    }
    ts_remove_tree(dir);
}

/* a staged folder of any depth is synced whole: a file 40 folders down (a depth once passed
 * over, placed unsynced) is synced before it is placed; one deeper than the commit syncs
 * (256 folders) fails it in one line naming the path, rather than be placed unsynced */
static void deep_folder_synced(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char stage[700], p[2048];
    static const int depth[] = {40, 257};
    for (int k = 0; k < 2; k++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        int n = snprintf(p, sizeof p, "%s/deep", s.stage);
        REQUIRE(mkdir(p, 0755) == 0);
        for (int i = 1; i < depth[k]; i++) {
            n += snprintf(p + n, sizeof p - (size_t)n, "/d");
            REQUIRE((size_t)n < sizeof p - 16 && mkdir(p, 0755) == 0);
        }
        snprintf(p + n, sizeof p - (size_t)n, "/deep.txt");
        write_text(p, "deep\n");
        const char *names[] = {"deep"};
        snprintf(fsync_count_tail, sizeof fsync_count_tail, "/d/deep.txt");
        fsync_counted = 0;
        const int rc = ts_stage_commit(&s, names, 1);
        fsync_count_tail[0] = 0;
        const char *err = ts_error();
        snprintf(p, sizeof p, "%s/deep", dir);
        if (k == 0) {
            CHECK_MSG(rc == 0, "%d deep: %s", depth[k], err);
            CHECK_MSG(fsync_counted > 0, "%d deep: the deepest file placed unsynced", depth[k]);
            CHECK(ts_file_exists(p));
        } else {
            CHECK_MSG(rc == -1 && strstr(err, "/deep/d/d/") && !strchr(err, '\n'), "%d deep: exit %d: %s", depth[k],
                      rc, rc ? err : "");
            CHECK_MSG(fsync_counted == 0 && !ts_file_exists(p), "%d deep: placed", depth[k]);
        }
        CHECK_MSG(!stage_in(dir, stage, sizeof stage), "%d deep: %s left", depth[k], stage);
    }
    ts_remove_tree(dir);
}

/* a stage without a record (a process killed before its commit; or a failed commit's, whose
 * record's removal could not be synced: a power cut may bring that record back) swept by the
 * next writer loses its name first, durably, and only then its files: removed under its
 * name, the record back with some of them gone would be rolled forward as a set partly
 * gone. A renamed one that a power cut left is swept too */
static void swept_stage_loses_its_name_first(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char real[1024], stage[700], p[800];
    REQUIRE(realpath(dir, real));
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    REQUIRE(pid > 0 && waitpid(pid, NULL, 0) == pid);   /* a process gone */
    for (int k = 0; k < 2; k++) {
        snprintf(stage, sizeof stage, "%s/.stage.%ld.abcdef%s", dir, (long)pid, k ? ".gone" : "");
        REQUIRE(mkdir(stage, 0700) == 0);
        snprintf(p, sizeof p, "%s/a.txt", stage);
        write_text(p, "new\n");
        snprintf(p, sizeof p, "%s/trace", stage);
        REQUIRE(mkdir(p, 0755) == 0);
        snprintf(p, sizeof p, "%s/trace/metadata", stage);
        write_text(p, "new\n");
        age_path(stage);
        char name[700];
        snprintf(name, sizeof name, "%.*s", (int)strlen(stage) - (k ? 5 : 0), stage);   /* less .gone */
        sweep_watch(name, real);
        ts_stage s;
        const int rc = ts_stage_open(&s, dir);
        sweep_name[0] = order_dir[0] = 0;
        CHECK_MSG(rc == 0, "%s", ts_error());
        if (rc == 0) ts_stage_abort(&s);
        CHECK_MSG(!removed_under_name, "%d: a file removed in %s under its name", k, stage);
        CHECK_MSG(sweep_unlink_synced == 1, "%d: its files removed before its new name was synced (%d)", k,
                  sweep_unlink_synced);
        CHECK_MSG(count_dir(dir) == 0, "%d: %d entries in %s", k, count_dir(dir), dir);
    }
    ts_remove_tree(dir);
}

/* names of a set that are the commit's own in the stage (an old file kept as X.old, a file
 * to go moved in as .gone.N) are placed as any other, and the files kept are not theirs */
static void names_of_the_stage_placed(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[800], stage[700];
    for (int k = 0; k < 2; k++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        snprintf(p, sizeof p, "%s/a", dir);
        write_text(p, "old a\n");
        snprintf(p, sizeof p, "%s/gone.txt", dir);
        write_text(p, "old gone\n");
        ts_stage s;
        REQUIRE(ts_stage_open(&s, dir) == 0);
        const char *two[] = {"a", "a.old"}, *one[] = {".gone.0"}, *gone[] = {"gone.txt"};
        const char *const *names = k ? one : two;
        const int n = k ? 1 : 2;
        for (int i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s/%s", s.stage, names[i]);
            write_text(p, names[i]);
        }
        const int rc = ts_stage_commit_removing(&s, names, n, gone, k);
        CHECK_MSG(rc == 0, "%s: exit %d: %s", names[0], rc, rc ? ts_error() : "");
        for (int i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            CHECK_MSG(file_is(p, names[i]), "%s: not the new one", p);
        }
        snprintf(p, sizeof p, "%s/gone.txt", dir);
        if (k) CHECK_MSG(access(p, F_OK) != 0, "%s: not removed", p);
        CHECK_MSG(!stage_in(dir, stage, sizeof stage) && count_dir(dir) == n + 1, "%s: %d entries in %s",
                  names[0], count_dir(dir), dir);
    }
    /* the stage's own folder is the one name refused, before anything is placed */
    ts_stage s;
    REQUIRE(ts_stage_open(&s, dir) == 0);
    snprintf(p, sizeof p, "%s/.tracesynth", s.stage);
    write_text(p, "new\n");
    const char *own[] = {".tracesynth"};
    const int rc = ts_stage_commit(&s, own, 1);
    const char *err = ts_error();
    CHECK_MSG(rc == -1 && strstr(err, ".tracesynth: a name the commit keeps for itself") && !strchr(err, '\n'),
              "exit %d: %s", rc, rc ? err : "");
    snprintf(p, sizeof p, "%s/.tracesynth", dir);
    CHECK_MSG(access(p, F_OK) != 0 && !stage_in(dir, stage, sizeof stage), "%s placed, or the stage left", p);
    ts_remove_tree(dir);
}

/* a commit still at its renames that a reader of another user cannot lock (its stage not
 * that user's to open), whose record it may read (umask 022) or not (077): the reader waits
 * for it as for a lock, and reads the new set once the commit is done within the wait */
static void other_users_reader_waits_it_out(void)
{
    if (geteuid() != 0) SKIP("not root: no other user to read as");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    REQUIRE(chmod(t_scratch_root, 0755) == 0);
    for (int private = 0; private < 2; private++) {
        ts_remove_tree(dir);
        REQUIRE(mkdir(dir, 0755) == 0);
        put_set(dir, "old\n", 1);
        pid_t pid;
        const int stopped =
            child_stopped(private ? commit_paused_resumable_private : commit_paused_resumable, dir, &pid);
        REQUIRE(pid > 0);
        other_want = NULL;
        const pid_t reader = stopped ? fork() : -1;
        if (reader == 0) read_as_nobody(dir);
        struct timespec ms300 = {0, 300 * 1000 * 1000};
        nanosleep(&ms300, NULL);
        kill(pid, SIGUSR1);
        int st = -1, ws;
        if (reader > 0) waitpid(reader, &st, 0);
        waitpid(pid, &ws, 0);
        CHECK_MSG(stopped && WIFEXITED(st) && WEXITSTATUS(st) == 0, "record %s: the reader: status 0x%x",
                  private ? "0600" : "0644", st);
        CHECK(set_is(dir, "new\n", 1));
    }
    ts_remove_tree(dir);
}

/* a group: the set of A (a.txt, trace, b.txt: the primary) and B/m.txt (another
 * folder's, the secondary) committed as one */
static const char *group_a, *group_b;

/* group_a and group_b named (not made); 0 where they cannot be */
static int group_dirs(void)
{
    const char *a = scratch_dir();   /* (its name in a buffer that the next call reuses) */
    if (!a) return 0;
    group_a = ts_strdup(a);
    const char *b = scratch_dir();
    if (!b) return 0;
    group_b = ts_strdup(b);
    return 1;
}

static void group_dirs_free(void)
{
    ts_remove_tree(group_a);
    ts_remove_tree(group_b);
    free((char *)group_a);
    free((char *)group_b);
    group_a = group_b = NULL;
}

static void group_put(const char *a, const char *b, const char *which)
{
    char p[700];
    put_set(a, which, 0);
    snprintf(p, sizeof p, "%s/m.txt", b);
    write_text(p, which);
}

/* 1 where A's set and B/m.txt all hold which */
static int group_is(const char *which)
{
    char p[700];
    snprintf(p, sizeof p, "%s/m.txt", group_b);
    return set_is(group_a, which, 1) && file_is(p, which);
}

static void group_commit_killed(const char *arg)
{
    (void)arg;
    ts_stage s;
    ts_out_set m;
    char mp[700];
    snprintf(mp, sizeof mp, "%s/m.txt", group_b);
    const char *mpath = mp;
    if (ts_stage_open(&s, group_a) != 0 || ts_out_set_open(&m, &mpath, 1) != 0) _exit(3);
    put_set(s.stage, "new\n", 0);
    write_text(ts_out_set_path(&m, 0), "new\n");
    const char *names[] = {"a.txt", "trace", "b.txt"};
    ts_out_set *with[] = {&m};
    kill_at_rename = kill_k > 0 ? kill_k : 0;
    kill_at_record = kill_k < 0 ? -kill_k : 0;
    const int rc = ts_stage_commit_with(&s, names, 3, with, 1);
    _exit(rc == 0 ? 6 : 7);
}

/* A and B old, then the group's commit killed at rename k (> 0) or as record -k is made */
static void group_old(void)
{
    ts_remove_tree(group_a);
    ts_remove_tree(group_b);
    CHECK(mkdir(group_a, 0755) == 0 && mkdir(group_b, 0755) == 0);
    group_put(group_a, group_b, "old\n");
}

static int group_killed_at(int k)
{
    group_old();
    kill_k = k;
    return in_child(group_commit_killed, NULL);
}

/* A and B old, then the group committed here with renames_refused set to refused */
static int group_commit_refused(int refused)
{
    group_old();
    ts_stage s;
    ts_out_set m;
    char mp[700];
    snprintf(mp, sizeof mp, "%s/m.txt", group_b);
    const char *mpath = mp;
    const int opened = ts_stage_open(&s, group_a) == 0 && ts_out_set_open(&m, &mpath, 1) == 0;
    CHECK_MSG(opened, "%s", ts_error());
    if (!opened) return -2;
    put_set(s.stage, "new\n", 0);
    write_text(ts_out_set_path(&m, 0), "new\n");
    const char *names[] = {"a.txt", "trace", "b.txt"};
    ts_out_set *with[] = {&m};
    renames_refused = refused;
    refused_seen = 0;
    const int rc = ts_stage_commit_with(&s, names, 3, with, 1);
    renames_refused = 0;
    return rc;
}

/* killed before the primary's record (the others' written), the group is no commit: both
 * folders old, whichever is read or written next; killed after it, at any rename, the
 * next reader or writer of either folder carries out the whole group: both new, no stage
 * left in either. Never one folder new and the other old */
static void killed_group_all_or_none(void)
{
    REQUIRE(group_dirs());
    char sa[700], sb[700];
    static const char *const by_name[] = {"a reader of A", "a reader of B", "a writer in A", "a writer in B"};
    for (int k = -2; k <= 5; k++) {
        if (k == 0) continue;
        for (int by = 0; by < 4; by++) {
            const int st = group_killed_at(k);
            CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed at %d: status %d", k, st);
            CHECK_MSG(stage_in(group_a, sa, sizeof sa) && stage_in(group_b, sb, sizeof sb), "killed at %d: no stage",
                      k);
            const char *dir = by % 2 ? group_b : group_a;
            int rc;
            if (by < 2) {
                rc = ts_stage_recover(dir);
            } else {
                ts_stage s;
                rc = ts_stage_open(&s, dir);
                if (rc == 0) ts_stage_abort(&s);
            }
            CHECK_MSG(rc == 0, "killed at %d, then %s: %s", k, by_name[by], ts_error());
            if (k < 0) {
                CHECK_MSG(group_is("old\n"), "killed as record %d was made, then %s: not all old", -k, by_name[by]);
                /* no commit: the writers of both folders remove both stages */
                if (stage_in(group_a, sa, sizeof sa)) age_path(sa);
                if (stage_in(group_b, sb, sizeof sb)) age_path(sb);
                ts_stage s;
                REQUIRE(ts_stage_open(&s, group_b) == 0);
                ts_stage_abort(&s);
                REQUIRE(ts_stage_open(&s, group_a) == 0);
                ts_stage_abort(&s);
                CHECK_MSG(group_is("old\n"), "killed as record %d was made, then swept: not all old", -k);
            } else {
                CHECK_MSG(group_is("new\n"), "killed at rename %d, then %s: not all new", k, by_name[by]);
            }
            CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb),
                      "killed at %d, then %s: a stage left", k, by_name[by]);
            CHECK_MSG(count_dir(group_a) == 3 && count_dir(group_b) == 1, "killed at %d, then %s: %d and %d entries",
                      k, by_name[by], count_dir(group_a), count_dir(group_b));
        }
    }
    /* killed once B's set was placed: B's stage gone (its removal done, or cut short with
     * its record gone first), A's still committed: A's reader finishes, B stays new */
    for (int cut = 0; cut < 2; cut++) {
        REQUIRE(WIFSIGNALED(group_killed_at(5)));
        REQUIRE(stage_in(group_b, sb, sizeof sb));
        char rec[800];
        snprintf(rec, sizeof rec, "%s/.tracesynth-commit", sb);
        if (cut) CHECK(unlink(rec) == 0);
        else ts_remove_tree(sb);
        CHECK_MSG(ts_stage_recover(group_a) == 0, "%s", ts_error());
        CHECK(group_is("new\n"));
        CHECK(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb));
    }
    /* another user's reader that may read a secondary's record but not its group (whose
     * primary decides whether it is committed) refuses in one line rather than carry the
     * secondary out alone */
    if (geteuid() == 0) {
        REQUIRE(chmod(t_scratch_root, 0755) == 0);
        REQUIRE(WIFSIGNALED(group_killed_at(1)) && stage_in(group_b, sb, sizeof sb));
        char gp[800];
        snprintf(gp, sizeof gp, "%s/.tracesynth-group", sb);
        REQUIRE(chmod(gp, 0600) == 0);
        other_want = "whose group cannot be read here";
        const int st = in_child(read_as_nobody, group_b);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a group it may not read: status 0x%x", st);
        CHECK_MSG(ts_stage_recover(group_b) == 0, "%s", ts_error());
        CHECK(group_is("new\n") && !stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb));
    }
    /* a rename refused half way: every set put back, no commit left */
    for (int at = 1; at <= 4; at++) {
        const int rc = group_commit_refused(at);
        CHECK_MSG(rc == -1 && strstr(ts_error(), "cannot replace"), "rename %d refused: %d: %s", at, rc, ts_error());
        CHECK_MSG(group_is("old\n"), "rename %d refused: not all old", at);
        CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "rename %d refused: a "
                  "stage left", at);
    }
    group_dirs_free();
}

static void group_commit_then_stopped(const char *arg)
{
    (void)arg;
    pause_unlink_fd = pause_fd;
    kill_k = 0;
    group_commit_killed(NULL);
}

/* a group ends as a set does: once every set is placed and synced, every record goes
 * before the stages' old files (a reader of either folder then reads the new files, not
 * waits for them); where a rename fails and the renames back do not all succeed, every
 * stage keeps its record, and the next reader of either folder completes the group */
static void group_settles_as_a_set_does(void)
{
    REQUIRE(group_dirs());
    char sa[700], sb[700];
    for (int by = 0; by < 2; by++) {
        const char *dir = by ? group_b : group_a;
        group_old();
        pid_t pid;
        const int stopped = child_stopped(group_commit_then_stopped, NULL, &pid);
        REQUIRE(pid > 0);
        const int rc = ts_stage_recover(dir);
        CHECK_MSG(!stopped && rc == 0, "%s: a stage removed with its record still there%s%s", dir,
                  rc ? ": a reader: " : "", rc ? ts_error() : "");
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        CHECK(group_is("new\n"));

        /* B/m.txt placed, then A's first refused, and B's old m.txt not put back */
        const int crc = group_commit_refused(-2);
        const char *err = ts_error();
        CHECK_MSG(crc == -1 && strstr(err, "nor could the old files all be put back") && !strchr(err, '\n'),
                  "exit %d: %s", crc, err);
        CHECK_MSG(stage_in(group_a, sa, sizeof sa) && stage_in(group_b, sb, sizeof sb), "a stage not kept");
        CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
        CHECK_MSG(group_is("new\n"), "a failed commit not put back, then a reader of %s: not all new", dir);
        CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "a stage left");

        /* B/m.txt placed and put back, A's first refused, B's folder not synced after */
        char real[1024];
        REQUIRE(realpath(group_b, real));
        snprintf(fsync_eio, sizeof fsync_eio, "%s", real);
        fsync_eio_placed = 1;
        placed_seen = eio_given = 0;
        const int src = group_commit_refused(2);
        fsync_eio[0] = 0;
        fsync_eio_placed = 0;
        err = ts_error();
        CHECK_MSG(eio_given > 0 && src == -1 && strstr(err, strerror(EIO)) && !strchr(err, '\n'), "exit %d: %s",
                  src, err);
        CHECK_MSG(stage_in(group_a, sa, sizeof sa) && stage_in(group_b, sb, sizeof sb), "a stage not kept");
        CHECK_MSG(ts_stage_recover(dir) == 0, "%s", ts_error());
        CHECK_MSG(group_is("new\n"), "put back, not synced, then a reader of %s: not all new", dir);
        CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "a stage left");
    }
    group_dirs_free();
}

/* the error of a commit run in a child (whose stages are then a dead process's), passed
 * back through a file */
static char uncommit_err[1100];
static int uncommit_k;   /* 1: a single set in dir; 2: the group of group_a and group_b */

static void uncommit_unsynced(const char *dir)
{
    int rc;
    if (uncommit_k == 1) {
        ts_stage s;
        if (ts_stage_open(&s, dir) != 0) _exit(3);
        put_set(s.stage, "new\n", 0);
        const char *names[] = {"a.txt", "trace", "b.txt"}, *gone[] = {"c.txt"};
        renames_refused = 2;   /* a.txt placed, the trace refused */
        refused_seen = 0;
        rc = ts_stage_commit_removing(&s, names, 3, gone, 1);
    } else {
        rc = group_commit_refused(2);   /* B/m.txt placed, A's a.txt refused */
    }
    write_text(uncommit_err, ts_error());
    _exit(rc == -1 ? 0 : 4);
}

/* a failed commit whose old files are all put back and synced, but whose stage (the
 * group's primary) cannot be synced after its record is removed (EIO): that removal may not
 * be on disk, and a power cut may bring the record back. The error says that the next
 * command may complete the new set, and every stage is kept whole (a group's others with
 * their records), so that either way the set is one: no power cut, the old one stays and
 * the stages are swept; the record back, the new one is completed whole */
static void uncommit_unsynced_is_said(void)
{
    REQUIRE(group_dirs());
    char sa[700], sb[700], rec[800], real[1024], err[1024];
    const char *saved = scratch_dir();
    REQUIRE(saved);
    char keep[800];
    snprintf(keep, sizeof keep, "%s/record", saved);
    snprintf(uncommit_err, sizeof uncommit_err, "%s/err", saved);
    for (int k = 1; k <= 2; k++)
        for (int cut = 0; cut < 2; cut++) {
            group_old();
            unlink(keep);
            REQUIRE(realpath(group_a, real));
            snprintf(fsync_eio, sizeof fsync_eio, "%s/.stage.", real);   /* A's stage and what is in it */
            fsync_eio_prefix = fsync_eio_placed = 1;
            placed_seen = eio_given = 0;
            uncommit_k = k;
            snprintf(record_saved, sizeof record_saved, "%s", keep);   /* in the child alone */
            const int st = in_child(uncommit_unsynced, group_a);
            record_saved[0] = 0;
            fsync_eio[0] = 0;
            fsync_eio_prefix = fsync_eio_placed = 0;
            FILE *f = fopen(uncommit_err, "r");
            const size_t n = f ? fread(err, 1, sizeof err - 1, f) : 0;
            if (f) fclose(f);
            err[n] = 0;
            CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d: status 0x%x: %s", k, st, err);
            CHECK_MSG(strstr(err, "cannot replace") && strstr(err, strerror(EIO)) &&
                          strstr(err, "may complete the new set") && !strchr(err, '\n'),
                      "%d: %s", k, err);
            CHECK_MSG(k == 1 ? set_is(group_a, "old\n", 1) : group_is("old\n"), "%d: the old set is not whole", k);
            CHECK_MSG(stage_in(group_a, sa, sizeof sa) && (k == 1 || stage_in(group_b, sb, sizeof sb)),
                      "%d: a stage not kept", k);
            if (cut) {   /* the record's removal lost: the new set completed whole */
                snprintf(rec, sizeof rec, "%s/.tracesynth-commit", sa);
                CHECK(link(keep, rec) == 0);
                CHECK_MSG(ts_stage_recover(k == 1 ? group_a : group_b) == 0, "%d: %s", k, ts_error());
                CHECK_MSG(k == 1 ? set_is(group_a, "new\n", 1) : group_is("new\n"), "%d, the record back: not all "
                          "new", k);
            } else {   /* read as the old set, then swept */
                CHECK_MSG(ts_stage_recover(group_a) == 0 && (k == 1 || ts_stage_recover(group_b) == 0), "%d: %s", k,
                          ts_error());
                age_path(sa);
                ts_stage s;
                REQUIRE(ts_stage_open(&s, group_a) == 0);
                ts_stage_abort(&s);
                if (k == 2) {
                    REQUIRE(ts_stage_open(&s, group_b) == 0);
                    ts_stage_abort(&s);
                }
                CHECK_MSG(k == 1 ? set_is(group_a, "old\n", 1) : group_is("old\n"), "%d, swept: not all old", k);
            }
            CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "%d, %s: a stage left",
                      k, cut ? "the record back" : "swept");
        }
    group_dirs_free();
}

/* the same failed group commit, its primary's record's removal unsynced, swept first by a
 * writer in the secondary's folder: the primary, which may get its record back, loses its
 * name durably before the secondary's files go (gone with its record back, the group would
 * be rolled forward without them) */
static void swept_secondary_after_its_primary(void)
{
    REQUIRE(group_dirs());
    char sa[700], sb[700], real[1024], err[1024];
    const char *saved = scratch_dir();
    REQUIRE(saved);
    snprintf(uncommit_err, sizeof uncommit_err, "%s/err", saved);
    group_old();
    REQUIRE(realpath(group_a, real));
    snprintf(fsync_eio, sizeof fsync_eio, "%s/.stage.", real);
    fsync_eio_prefix = fsync_eio_placed = 1;
    placed_seen = eio_given = 0;
    uncommit_k = 2;
    const int st = in_child(uncommit_unsynced, group_a);
    fsync_eio[0] = 0;
    fsync_eio_prefix = fsync_eio_placed = 0;
    FILE *f = fopen(uncommit_err, "r");
    const size_t n = f ? fread(err, 1, sizeof err - 1, f) : 0;
    if (f) fclose(f);
    err[n] = 0;
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(err, "may complete the new set"), "status 0x%x: %s",
              st, err);
    REQUIRE(stage_in(group_a, sa, sizeof sa) && stage_in(group_b, sb, sizeof sb));
    age_path(sa);
    age_path(sb);
    sweep_watch(sa, real);
    ts_stage s;
    const int rc = ts_stage_open(&s, group_b);
    sweep_name[0] = order_dir[0] = 0;
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) ts_stage_abort(&s);
    CHECK_MSG(sweep_unlink_synced == 1 && !sweep_there && !removed_under_name,
              "files of a stage removed with the primary %s (synced %d)", sweep_there ? "there" : "renamed, unsynced",
              sweep_unlink_synced);
    CHECK_MSG(group_is("old\n"), "swept: not all old");
    CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "a stage left");
    group_dirs_free();
}

/* a failed commit whose old files are all put back, but whose record (the group's primary's)
 * cannot be removed: the record stays, and with it every stage whole (a group's others with
 * their records); the error says that the next command completes the new set, which it does */
static void unremovable_record_completes(void)
{
    REQUIRE(group_dirs());
    char sa[700], sb[700], err[1024];
    const char *saved = scratch_dir();
    REQUIRE(saved);
    snprintf(uncommit_err, sizeof uncommit_err, "%s/err", saved);
    for (int k = 1; k <= 2; k++) {
        group_old();
        uncommit_k = k;
        record_unlink_refused = 1;   /* in the child alone */
        const int st = in_child(uncommit_unsynced, group_a);
        record_unlink_refused = 0;
        FILE *f = fopen(uncommit_err, "r");
        const size_t n = f ? fread(err, 1, sizeof err - 1, f) : 0;
        if (f) fclose(f);
        err[n] = 0;
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d: status 0x%x: %s", k, st, err);
        CHECK_MSG(strstr(err, "cannot replace") && strstr(err, strerror(EIO)) && strstr(err, "completes the new set") &&
                      !strchr(err, '\n'),
                  "%d: %s", k, err);
        CHECK_MSG(stage_in(group_a, sa, sizeof sa) && (k == 1 || stage_in(group_b, sb, sizeof sb)),
                  "%d: a stage not kept", k);
        CHECK_MSG(ts_stage_recover(k == 1 ? group_a : group_b) == 0, "%d: %s", k, ts_error());
        CHECK_MSG(k == 1 ? set_is(group_a, "new\n", 1) : group_is("new\n"), "%d: not all new", k);
        CHECK_MSG(!stage_in(group_a, sa, sizeof sa) && !stage_in(group_b, sb, sizeof sb), "%d: a stage left", k);
    }
    group_dirs_free();
}

TEST_MAIN("interrupt", {
    RUN(out_commit_interrupted);
    RUN(stage_commit_interrupted);
    RUN(stage_work_interrupted);
    RUN(deep_stage_goes_with_the_signal);
    RUN(temp_dir_interrupted);
    RUN(made_then_interrupted);
    RUN(made_folders_go_with_the_signal);
    RUN(stale_file_goes_with_the_set);
    RUN(ignored_signal_stays_ignored);
    RUN(temp_dir_name_given_again);
    RUN(threads_leave_dispositions_as_found);
    RUN(impute_triple_as_one_set);
    RUN(kept_dir_goes_with_the_signal);
    RUN(named_temporary_goes_with_the_signal);
    RUN(trace_synced_before_placed);
    RUN(killed_set_rolls_forward);
    RUN(cut_record_is_none);
    RUN(unwritable_folder_names_the_stage);
    RUN(killed_dataset_reads_new);
    RUN(killed_set_members_read_new);
    RUN(failed_commit_puts_back);
    RUN(reader_waits_for_a_commit_under_way);
    RUN(other_users_reader_refuses);
    RUN(single_writer_completes_first);
    RUN(stage_private_until_commit);
    RUN(others_record_not_carried_out);
    RUN(commit_completes_one_killed_meanwhile);
    RUN(failed_put_back_keeps_the_record);
    RUN(failed_put_back_sync_keeps_the_record);
    RUN(record_goes_before_the_old_files);
    RUN(other_users_reader_waits_for_a_private_commit);
    RUN(made_folders_durable);
    RUN(names_with_a_slash_refused);
    RUN(failed_sync_stops_the_commit);
    RUN(failed_sync_stops_the_file);
    RUN(unopenable_file_stops_the_commit);
    RUN(unlistable_folder_stops_the_commit);
    RUN(deep_folder_synced);
    RUN(swept_stage_loses_its_name_first);
    RUN(names_of_the_stage_placed);
    RUN(other_users_reader_waits_it_out);
    RUN(killed_group_all_or_none);
    RUN(group_settles_as_a_set_does);
    RUN(uncommit_unsynced_is_said);
    RUN(swept_secondary_after_its_primary);
    RUN(unremovable_record_completes);
})
