/* Core utilities: RNG reproducibility, container round trip and corruption, atomic files. */
#include "check.h"
#include "common/common_internal.h"
#include "common/idmap.h"
#include "tracesynth.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void rng_reproducible(void)
{
    ts_rng a, b;
    ts_rng_seed(&a, 42);
    ts_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) CHECK(ts_rng_u64(&a) == ts_rng_u64(&b));
    double s = 0, s2 = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) { double x = ts_rng_normal(&a); s += x; s2 += x * x; }
    CHECK_NEAR(s / n, 0.0, 0.01);
    CHECK_NEAR(s2 / n, 1.0, 0.02);
    for (int i = 0; i < 1000; i++) CHECK(ts_rng_below(&a, 7) < 7);
}

static void container_roundtrip_and_corruption(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_writer w;
    ts_writer_init(&w, path);
    float p[5] = {1, 2, 3, 4, 5};
    ts_writer_chunk(&w, "PARAMS", p, sizeof p);
    ts_writer_text(&w, "CONFIG", "layers=4\nchannels=64\n");
    REQUIRE(ts_writer_commit(&w) == 0);

    ts_reader r;
    REQUIRE(ts_reader_open(&r, path) == 0);
    float q[5];
    CHECK(ts_reader_copy(&r, "PARAMS", q, sizeof q) == 0);
    CHECK(memcmp(p, q, sizeof p) == 0);
    char *v = ts_reader_text_value(&r, "CONFIG", "channels");
    CHECK(v && strcmp(v, "64") == 0);
    free(v);
    CHECK(ts_reader_copy(&r, "PARAMS", q, 8) == -1);
    CHECK(strstr(ts_error(), "PARAMS") != NULL);
    CHECK(ts_reader_get(&r, "NOPE") == NULL);
    ts_reader_close(&r);

    /* truncate: every prefix must be rejected cleanly */
    FILE *f = fopen(path, "rb");
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t cut = 0; cut < n; cut += 3) {
        f = fopen(path, "wb");
        fwrite(buf, 1, cut, f);
        fclose(f);
        CHECK(ts_reader_open(&r, path) == -1);
        CHECK(strstr(ts_error(), path) != NULL);
    }
    /* flip one byte */
    buf[20] ^= 0x40;
    f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
    CHECK(ts_reader_open(&r, path) == -1);
    CHECK(strstr(ts_error(), "checksum") != NULL);
}

static void atomic_file_keeps_old_on_abort(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    write_text(path, "old\n");
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("new\n", o.f);
    ts_out_abort(&o);
    char line[16] = {0};
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    CHECK(fgets(line, sizeof line, f) && strcmp(line, "old\n") == 0);
    fclose(f);
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("new\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    f = fopen(path, "r");
    CHECK(fgets(line, sizeof line, f) && strcmp(line, "new\n") == 0);
    fclose(f);
    CHECK(ts_out_open(&o, "/nonexistent-dir/x") == -1);
    CHECK(strstr(ts_error(), "/nonexistent-dir/x") != NULL);
}

/* a directory given where a file is written (or a link to one) is refused when the output
 * is opened or checked, before any long work, naming the path given; not after it */
static void output_folder_refused_at_once(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char sub[600], link[600];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(link, sizeof link, "%s/to_sub", dir);
    REQUIRE(mkdir(sub, 0755) == 0);
    REQUIRE(symlink("sub", link) == 0);
    const char *paths[] = {sub, link};
    for (int i = 0; i < 2; i++) {
        CHECK_MSG(ts_out_check(paths[i]) == -1 && strstr(ts_error(), paths[i]) && strstr(ts_error(), "is a directory"),
                  "%s: %s", paths[i], ts_error());
        ts_outfile o;
        CHECK_MSG(ts_out_open(&o, paths[i]) == -1 && strstr(ts_error(), paths[i]) && strstr(ts_error(), "is a directory"),
                  "%s: %s", paths[i], ts_error());
    }
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode) && stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
}

/* an output's mode is what the user's umask gives a new file (0666 less it), as for any
 * program's output, and a file it replaces keeps its own; the temporary it is written to
 * changes neither */
/* a device, FIFO or the process's own descriptor given as the output is written in place,
 * not replaced by a regular file renamed over it (run as root, -o /dev/null became a file);
 * a link's file is replaced, the link kept */
static void output_to_a_device_in_place(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    REQUIRE(mkfifo(fifo, 0600) == 0);
    int rfd = open(fifo, O_RDONLY | O_NONBLOCK);   /* a reader, so that opening it to write does not wait */
    REQUIRE(rfd >= 0);
    ts_outfile o;
    REQUIRE(ts_out_open(&o, fifo) == 0);
    fputs("through\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    char buf[16] = "";
    CHECK(read(rfd, buf, sizeof buf - 1) == 8 && !strcmp(buf, "through\n"));
    close(rfd);
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));   /* (a device is opened the same way) */
    /* checked before long work without being opened: no reader is there, nothing waits */
    CHECK(ts_out_is_stream(fifo) && ts_out_check(fifo) == 0);
    /* one of the process's own descriptors (/dev/stdout redirected): written through it */
    int p[2];
    REQUIRE(pipe(p) == 0);
    char own[64];
    snprintf(own, sizeof own, "/dev/fd/%d", p[1]);
    REQUIRE(ts_out_open(&o, own) == 0);
    fputs("own fd\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(p[0], buf, sizeof buf - 1) == 7 && !strcmp(buf, "own fd\n"));
    CHECK(fcntl(p[1], F_GETFD) >= 0);   /* still the caller's */
    close(p[0]);
    close(p[1]);
    /* a link: its file replaced, the link kept */
    char target[600], link[600];
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    FILE *f = fopen(target, "w");
    REQUIRE(f);
    fputs("old\n", f);
    fclose(f);
    REQUIRE(symlink("target", link) == 0);
    REQUIRE(ts_out_open(&o, link) == 0);
    fputs("new\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    f = fopen(target, "r");
    REQUIRE(f);
    CHECK(fgets(buf, sizeof buf, f) && !strcmp(buf, "new\n"));
    fclose(f);
    /* a link to a file not there yet: the file made, the link kept; the two are one path */
    char dang[600], made[600];
    snprintf(dang, sizeof dang, "%s/dangling", dir);
    snprintf(made, sizeof made, "%s/made", dir);
    REQUIRE(symlink("made", dang) == 0);
    CHECK(ts_same_path(dang, made) == 1);
    REQUIRE(ts_out_open(&o, dang) == 0);
    fputs("made\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    CHECK(lstat(dang, &st) == 0 && S_ISLNK(st.st_mode) && stat(made, &st) == 0 && st.st_size == 5);
    /* a link into a folder that is not there: the error names the path given, and where it leads */
    char lost[600];
    snprintf(lost, sizeof lost, "%s/lost", dir);
    REQUIRE(symlink("nodir/x", lost) == 0);
    CHECK(ts_out_open(&o, lost) == -1);
    CHECK_MSG(strstr(ts_error(), lost) == ts_error() && strstr(ts_error(), "(a link to ") &&
              strstr(ts_error(), "nodir/x): cannot create: No such file"), "%s", ts_error());
    /* an own descriptor: abort writes nothing buffered; one open read-only is refused */
    REQUIRE(pipe(p) == 0);
    REQUIRE(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    snprintf(own, sizeof own, "/dev/fd/%d", p[1]);
    REQUIRE(ts_out_open(&o, own) == 0);
    fputs("never\n", o.f);
    ts_out_abort(&o);
    CHECK(read(p[0], buf, sizeof buf) < 0);
    snprintf(own, sizeof own, "/dev/fd/%d", p[0]);
    CHECK(ts_out_check(own) == -1 && strstr(ts_error(), "not open for writing"));
    close(p[0]);
    close(p[1]);
}

static void output_mode_follows_umask(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const mode_t masks[] = {022, 077, 002};
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/m%d.txt", dir, i);
        mode_t old = umask(masks[i]);
        ts_outfile o;
        int ok = ts_out_open(&o, path) == 0;
        if (ok) {
            fputs("x\n", o.f);
            ok = ts_out_commit(&o) == 0;
        }
        umask(old);
        REQUIRE(ok);
        struct stat st;
        REQUIRE(stat(path, &st) == 0);
        CHECK_MSG((st.st_mode & 0777) == (0666 & ~masks[i]), "umask %03o: mode %03o", (unsigned)masks[i],
                  (unsigned)(st.st_mode & 0777));
    }
    /* a file replaced keeps its mode */
    char path[512];
    snprintf(path, sizeof path, "%s/m0.txt", dir);
    REQUIRE(chmod(path, 0600) == 0);
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("y\n", o.f);
    REQUIRE(ts_out_commit(&o) == 0);
    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    CHECK_MSG((st.st_mode & 0777) == 0600, "mode %03o", (unsigned)(st.st_mode & 0777));
    /* its permissions only: a setuid or setgid file replaced is not a new setuid or setgid
     * program (as root, fchmod would set those bits) */
    static const mode_t special[3] = {04755, 02750, 06711};
    for (int k = 0; k < 3; k++) {
        REQUIRE(chmod(path, special[k]) == 0);
        REQUIRE(ts_out_open(&o, path) == 0);
        fputs("z\n", o.f);
        REQUIRE(ts_out_commit(&o) == 0);
        REQUIRE(stat(path, &st) == 0);
        CHECK_MSG((st.st_mode & 07777) == (special[k] & 0777), "old mode %04o: mode %04o", (unsigned)special[k],
                  (unsigned)(st.st_mode & 07777));
    }
}

/* a set of files replaced together (a stage): a file it replaces keeps its mode, a new one
 * gets what the umask gives, as with one file */
static void stage_keeps_modes(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const names[3] = {"a.txt", "b.txt", "c.txt"};
    static const mode_t modes[2] = {0640, 0604};
    mode_t old = umask(022);
    for (int round = 0; round < 2; round++) {
        ts_stage st;
        REQUIRE(ts_stage_open(&st, dir) == 0);
        for (int k = 0; k < 3; k++) {
            char p[600];
            snprintf(p, sizeof p, "%s/%s", st.stage, names[k]);
            ts_outfile o;
            REQUIRE(ts_out_open(&o, p) == 0);
            fprintf(o.f, "%d\n", round);
            REQUIRE(ts_out_commit(&o) == 0);
        }
        REQUIRE(ts_stage_commit(&st, names, round ? 3 : 2) == 0);
        for (int k = 0; k < (round ? 3 : 2); k++) {
            char p[600];
            snprintf(p, sizeof p, "%s/%s", dir, names[k]);
            struct stat s;
            REQUIRE(stat(p, &s) == 0);
            /* round 1: a and b replaced (their modes set before it), c new */
            const mode_t want = round && k < 2 ? modes[k] : 0644;
            CHECK_MSG((s.st_mode & 0777) == want, "round %d, %s: mode %03o, not %03o", round, names[k],
                      (unsigned)(s.st_mode & 0777), (unsigned)want);
            if (!round) REQUIRE(chmod(p, modes[k]) == 0);
        }
    }
    umask(old);
    /* its permissions only, not a setuid or setgid bit */
    static const mode_t special[2] = {04755, 02711};
    for (int k = 0; k < 2; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, names[k]);
        REQUIRE(chmod(p, special[k]) == 0);
    }
    ts_stage st;
    REQUIRE(ts_stage_open(&st, dir) == 0);
    for (int k = 0; k < 2; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", st.stage, names[k]);
        ts_outfile o;
        REQUIRE(ts_out_open(&o, p) == 0);
        fputs("2\n", o.f);
        REQUIRE(ts_out_commit(&o) == 0);
    }
    REQUIRE(ts_stage_commit(&st, names, 2) == 0);
    for (int k = 0; k < 2; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, names[k]);
        struct stat s;
        REQUIRE(stat(p, &s) == 0);
        CHECK_MSG((s.st_mode & 07777) == (special[k] & 0777), "%s, old mode %04o: mode %04o", names[k],
                  (unsigned)special[k], (unsigned)(s.st_mode & 07777));
    }
}

/* a directory a stage replaces (a CTF trace written over one) keeps its mode, as a file
 * does; a new one gets what the umask gives */
static void stage_keeps_directory_mode(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const names[1] = {"trace"};
    char p[600];
    snprintf(p, sizeof p, "%s/trace", dir);
    mode_t old = umask(022);
    for (int round = 0; round < 2; round++) {
        ts_stage st;
        REQUIRE(ts_stage_open(&st, dir) == 0);
        char d[600], f[700];
        snprintf(d, sizeof d, "%s/trace", st.stage);
        snprintf(f, sizeof f, "%s/metadata", d);
        REQUIRE(mkdir(d, 0777) == 0);
        FILE *o = fopen(f, "w");
        REQUIRE(o);
        fprintf(o, "%d\n", round);
        REQUIRE(fclose(o) == 0);
        REQUIRE(ts_stage_commit(&st, names, 1) == 0);
        struct stat s;
        REQUIRE(stat(p, &s) == 0 && S_ISDIR(s.st_mode));
        /* round 1: replaced, its mode set before it */
        const mode_t want = round ? 0750 : 0755;
        CHECK_MSG((s.st_mode & 07777) == want, "round %d: mode %03o, not %03o", round, (unsigned)(s.st_mode & 07777),
                  (unsigned)want);
        if (!round) REQUIRE(chmod(p, 0750) == 0);
    }
    /* its permissions and its setgid bit (the group its new entries take), neither a
     * setuid nor a sticky bit */
    static const mode_t special[3] = {02750, 04750, 01777};
    static const mode_t kept[3] = {02750, 0750, 0777};
    for (int k = 0; k < 3; k++) {
        REQUIRE(chmod(p, special[k]) == 0);
        ts_stage st;
        REQUIRE(ts_stage_open(&st, dir) == 0);
        char d[600];
        snprintf(d, sizeof d, "%s/trace", st.stage);
        REQUIRE(mkdir(d, 0777) == 0);
        REQUIRE(ts_stage_commit(&st, names, 1) == 0);
        struct stat s;
        REQUIRE(stat(p, &s) == 0 && S_ISDIR(s.st_mode));
        CHECK_MSG((s.st_mode & 07777) == kept[k], "old mode %04o: mode %04o, not %04o", (unsigned)special[k],
                  (unsigned)(s.st_mode & 07777), (unsigned)kept[k]);
    }
    umask(old);
}

/* an error about a file of a set names the file where it goes, not its place in the stage:
 * one written there that fails, one not written at all at the commit */
static void set_errors_name_final_paths(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    const char *paths[2] = {a, b};
    ts_out_set s;
    REQUIRE(ts_out_set_open(&s, paths, 2) == 0);
    ts_fail("%s: write failed: %s", ts_out_set_path(&s, 1), strerror(ENOSPC));
    ts_out_set_abort(&s);
    char want[700];
    snprintf(want, sizeof want, "%s: write failed: %s", b, strerror(ENOSPC));
    CHECK_MSG(!strcmp(ts_error(), want), "%s", ts_error());
    REQUIRE(ts_out_set_open(&s, paths, 2) == 0);
    write_text(ts_out_set_path(&s, 0), "a\n");
    CHECK(ts_out_set_commit(&s) == -1);
    snprintf(want, sizeof want, "%s: not written", b);
    CHECK_MSG(!strcmp(ts_error(), want), "%s", ts_error());
    CHECK(!ts_file_exists(a) && count_dir(dir) == 0);
    /* the helper alone: the first mention made the other path; no mention, no change */
    ts_fail("x %s y %s", "from", "from");
    ts__error_path("from", "to");
    CHECK_MSG(!strcmp(ts_error(), "x to y from"), "%s", ts_error());
    ts__error_path("nowhere", "to");
    CHECK_MSG(!strcmp(ts_error(), "x to y from"), "%s", ts_error());
}

/* a log that is a FIFO no process reads is an error at once, not a run held forever */
static void log_check_fifo_without_reader(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/log.fifo", dir);
    REQUIRE(mkfifo(path, 0600) == 0);
    alarm(20);   /* the old check blocked in open(): fail, do not hang */
    CHECK(ts_log_check(path, "training log") == -1);
    alarm(0);
    CHECK_MSG(strstr(ts_error(), "log.fifo: cannot open the training log: a FIFO that no process reads"), "%s",
              ts_error());
    snprintf(path, sizeof path, "%s/new.jsonl", dir);
    CHECK(ts_log_check(path, "training log") == 0 && access(path, F_OK) != 0);   /* checked, left absent */
}

/* a log named over a model or checkpoint file is refused: the records would be appended
 * to the container, which no longer loads */
static void log_check_refuses_a_model(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "ngram");
    REQUIRE(ts_writer_commit(&w) == 0);
    struct stat before, after;
    REQUIRE(stat(path, &before) == 0);
    CHECK(ts_log_check(path, "training log") == -1);
    CHECK_MSG(strstr(ts_error(), "m.tsm: a tracesynth model or checkpoint, not a training log"), "%s", ts_error());
    REQUIRE(stat(path, &after) == 0);
    CHECK(after.st_size == before.st_size);
    /* a log that is there is appended to */
    snprintf(path, sizeof path, "%s/old.jsonl", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("{\"iter\":1}\n", f);
    fclose(f);
    CHECK(ts_log_check(path, "training log") == 0);
}

/* the harness removes its scratch folders when the binary exits, read-only ones too,
 * and a forked child's exit leaves its parent's in place */
static void scratch_removed_at_exit(void)
{
    const char *mine = scratch_dir();
    REQUIRE(mine);
    char parent_dir[300], child_dir[300] = "";
    snprintf(parent_dir, sizeof parent_dir, "%s", mine);
    int fd[2];
    REQUIRE(pipe(fd) == 0);
    fflush(NULL);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        t_fail = 0;
        const char *d = scratch_dir();
        if (!d) _exit(3);
        char p[400];
        snprintf(p, sizeof p, "%s/ro", d);
        if (mkdir(p, 0700) != 0) _exit(4);
        snprintf(p, sizeof p, "%s/ro/file", d);
        write_text(p, "x");
        snprintf(p, sizeof p, "%s/ro", d);
        chmod(p, 0500);
        if (write(fd[1], d, strlen(d)) < 0) _exit(5);
        close(fd[1]);
        exit(0);   /* runs the harness's exit handler, as a test binary's end does */
    }
    close(fd[1]);
    ssize_t got = read(fd[0], child_dir, sizeof child_dir - 1);
    close(fd[0]);
    int st;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    REQUIRE(got > 0);
    child_dir[got] = 0;
    CHECK_MSG(access(child_dir, F_OK) != 0, "%s is still there", child_dir);
    CHECK_MSG(access(parent_dir, F_OK) == 0, "the child's exit removed %s", parent_dir);
}

/* kill -9 in the middle of a write leaves no temporary behind, or one that the
 * next write to the same path removes */
static void killed_writer_leaves_no_temporary(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/model.tsm", dir);
    for (int round = 0; round < 3; round++) {
        fflush(NULL);
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ts_outfile o;
            if (ts_out_open(&o, path) != 0) _exit(3);
            static char buf[1 << 20];
            fwrite(buf, 1, sizeof buf, o.f);
            fflush(o.f);
            raise(SIGKILL);
            _exit(4);
        }
        int st;
        REQUIRE(waitpid(pid, &st, 0) == pid);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    }
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    int unnamed = o.tmp == NULL;
    fputs("done\n", o.f);
    /* with O_TMPFILE, nothing is visible before the commit */
    if (unnamed) CHECK(count_dir(dir) == 0);
    REQUIRE(ts_out_commit(&o) == 0);
    CHECK_MSG(count_dir(dir) == 1, "%d entries in %s", count_dir(dir), dir);
    unlink(path);
    rmdir(dir);
}

/* named temporaries (filesystems without O_TMPFILE): those of dead processes
 * go, those of live ones and of other paths stay */
static void stale_temporaries_removed(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    fflush(NULL);
    pid_t dead = fork();
    REQUIRE(dead >= 0);
    if (dead == 0) _exit(0);
    REQUIRE(waitpid(dead, NULL, 0) == dead);
    char path[512], stale[600], live[600], other[600], odd[600];
    snprintf(path, sizeof path, "%s/out.npy", dir);
    snprintf(stale, sizeof stale, "%s.tmp.%ld.abc123", path, (long)dead);
    snprintf(live, sizeof live, "%s.tmp.%ld.abc123", path, (long)getppid());
    snprintf(other, sizeof other, "%s/other.npy.tmp.%ld.abc123", dir, (long)dead);
    snprintf(odd, sizeof odd, "%s.tmp.%ldx.abc123", path, (long)dead);
    write_text(stale, "x");
    write_text(live, "x");
    write_text(other, "x");
    write_text(odd, "x");
    const char *const made[] = {stale, live, other, odd};
    for (int i = 0; i < 4; i++) REQUIRE(age_path(made[i]) == 0);   /* left by runs before */
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK(access(stale, F_OK) != 0);
    CHECK(access(live, F_OK) == 0);
    CHECK(access(other, F_OK) == 0);
    CHECK(access(odd, F_OK) == 0);
    ts_out_abort(&o);
    CHECK(access(path, F_OK) != 0);
    unlink(live); unlink(other); unlink(odd);
    CHECK(count_dir(dir) == 0);
    rmdir(dir);
}

/* a process that is gone here, for the names of temporaries */
static pid_t gone_pid(void)
{
    fflush(NULL);
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    if (dead > 0) waitpid(dead, NULL, 0);
    return dead;
}

/* is path locked by some descriptor (not ours) */
static int is_locked(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

/* a temporary whose pid is no process here but which its owner holds locked (a process of
 * another PID namespace sharing the folder or TMPDIR) stays; unlocked, it goes. The
 * stages and temporary directories made here are held locked while they are there. */
static void locked_temporaries_stay(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    pid_t dead = gone_pid();
    REQUIRE(dead > 0);
    /* a file's named temporary */
    char path[512], tmp[600];
    snprintf(path, sizeof path, "%s/out.npy", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.abc123", path, (long)dead);
    write_text(tmp, "x");
    REQUIRE(age_path(tmp) == 0);   /* older than a moment: it stays for its lock alone */
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK(access(tmp, F_OK) == 0);
    ts_out_abort(&o);
    close(fd);
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK(access(tmp, F_OK) != 0);
    ts_out_abort(&o);
    /* a stage */
    char stage[600];
    snprintf(stage, sizeof stage, "%s/.stage.%ld.abc123", dir, (long)dead);
    REQUIRE(mkdir(stage, 0700) == 0 && age_path(stage) == 0);
    fd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
    ts_stage st;
    REQUIRE(ts_stage_open(&st, dir) == 0);
    CHECK(access(stage, F_OK) == 0);
    CHECK(is_locked(st.stage));
    char *own = ts_strdup(st.stage);
    ts_stage_abort(&st);
    CHECK(access(own, F_OK) != 0);
    free(own);
    close(fd);
    REQUIRE(ts_stage_open(&st, dir) == 0);
    CHECK(access(stage, F_OK) != 0);
    ts_stage_abort(&st);
    /* a temporary directory in TMPDIR */
    const char *was = getenv("TMPDIR");
    char *keep = was ? ts_strdup(was) : NULL;
    setenv("TMPDIR", dir, 1);
    char td[600];
    snprintf(td, sizeof td, "%s/tracesynth-lock-%ld.1-abc123", dir, (long)dead);
    REQUIRE(mkdir(td, 0700) == 0 && age_path(td) == 0);
    fd = open(td, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
    char *t = NULL;
    REQUIRE(ts_temp_dir("tracesynth-lock", &t) == 0);
    CHECK(access(td, F_OK) == 0);
    CHECK(is_locked(t));
    ts_temp_dir_remove(t);
    free(t);
    close(fd);
    REQUIRE(ts_temp_dir("tracesynth-lock", &t) == 0);
    CHECK(access(td, F_OK) != 0);
    ts_temp_dir_remove(t);
    free(t);
    if (keep) setenv("TMPDIR", keep, 1);
    else unsetenv("TMPDIR");
    free(keep);
    CHECK(count_dir(dir) == 0);
    rmdir(dir);
}

/* a temporary of a pid that is no process here, not locked, but made a moment ago stays:
 * its owner (of another PID namespace) may not have locked it yet (between creating a
 * file or directory and its flock). Once old, it goes; one whose mode, taken from an
 * output, lets it be written but not read is opened for writing to see its lock (locked,
 * it stays; not, it goes); one that cannot be opened at all (mode 0) stays, old or not. */
static void young_temporaries_stay(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    pid_t dead = gone_pid();
    REQUIRE(dead > 0);
    /* a file's named temporary */
    char path[512], tmp[600];
    snprintf(path, sizeof path, "%s/out.npy", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.abc123", path, (long)dead);
    write_text(tmp, "x");
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK_MSG(access(tmp, F_OK) == 0, "a fresh temporary was removed");
    ts_out_abort(&o);
    REQUIRE(age_path(tmp) == 0);
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK(access(tmp, F_OK) != 0);
    ts_out_abort(&o);
    /* one it cannot read: looked at by a user that is not root (who reads it anyway) */
    char sub[600], upath[700], utmp[800];
    snprintf(sub, sizeof sub, "%s/u", dir);
    snprintf(upath, sizeof upath, "%s/out.npy", sub);
    snprintf(utmp, sizeof utmp, "%s.tmp.%ld.abc123", upath, (long)dead);
    REQUIRE(mkdir(sub, 0700) == 0 && chmod(sub, 0777) == 0 && chmod(dir, 0711) == 0 && chmod(t_scratch_root, 0711) == 0);
    fflush(NULL);
    pid_t user = fork();
    REQUIRE(user >= 0);
    if (user == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
        write_text(utmp, "x");
        if (chmod(utmp, 0200) != 0 || age_path(utmp) != 0) _exit(3);
        int lk = open(utmp, O_WRONLY | O_CLOEXEC);   /* its owner's lock */
        if (lk < 0 || flock(lk, LOCK_EX) != 0 || ts_out_open(&o, upath) != 0) _exit(3);
        ts_out_abort(&o);
        if (access(utmp, F_OK) != 0) _exit(1);
        close(lk);
        if (ts_out_open(&o, upath) != 0) _exit(3);
        ts_out_abort(&o);
        if (access(utmp, F_OK) == 0) _exit(2);
        write_text(utmp, "x");
        if (chmod(utmp, 0) != 0 || age_path(utmp) != 0 || ts_out_open(&o, upath) != 0) _exit(3);
        ts_out_abort(&o);
        _exit(access(utmp, F_OK) == 0 ? 0 : 4);
    }
    int ust = 0;
    REQUIRE(waitpid(user, &ust, 0) == user);
    CHECK_MSG(WIFEXITED(ust) && WEXITSTATUS(ust) == 0, "an unreadable temporary: status 0x%x", ust);
    unlink(utmp);
    rmdir(sub);
    chmod(dir, 0700);
    chmod(t_scratch_root, 0700);
    /* a stage */
    char stage[600];
    snprintf(stage, sizeof stage, "%s/.stage.%ld.abc123", dir, (long)dead);
    REQUIRE(mkdir(stage, 0700) == 0);
    ts_stage st;
    REQUIRE(ts_stage_open(&st, dir) == 0);
    CHECK_MSG(access(stage, F_OK) == 0, "a fresh stage was removed");
    ts_stage_abort(&st);
    REQUIRE(age_path(stage) == 0);
    REQUIRE(ts_stage_open(&st, dir) == 0);
    CHECK(access(stage, F_OK) != 0);
    ts_stage_abort(&st);
    rmdir(stage);
    /* a temporary directory in TMPDIR */
    const char *was = getenv("TMPDIR");
    char *keep = was ? ts_strdup(was) : NULL;
    setenv("TMPDIR", dir, 1);
    char td[600];
    snprintf(td, sizeof td, "%s/tracesynth-young-%ld.1-abc123", dir, (long)dead);
    REQUIRE(mkdir(td, 0700) == 0);
    char *t = NULL;
    REQUIRE(ts_temp_dir("tracesynth-young", &t) == 0);
    CHECK_MSG(access(td, F_OK) == 0, "a fresh temporary directory was removed");
    ts_temp_dir_remove(t);
    free(t);
    REQUIRE(age_path(td) == 0);
    REQUIRE(ts_temp_dir("tracesynth-young", &t) == 0);
    CHECK(access(td, F_OK) != 0);
    ts_temp_dir_remove(t);
    free(t);
    rmdir(td);
    if (keep) setenv("TMPDIR", keep, 1);
    else unsetenv("TMPDIR");
    free(keep);
    CHECK(count_dir(dir) == 0);
    rmdir(dir);
}

/* an output whose name is as long as a folder holds is written (its temporary's name is
 * kept within that length); a longer one is refused when checked, before any work */
static void long_output_names(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[1024], name[300];
    memset(name, 'n', 250);
    name[250] = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK_MSG(ts_out_check(path) == 0, "%s", ts_error());
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("x\n", o.f);
    CHECK_MSG(ts_out_commit(&o) == 0, "%s", ts_error());
    CHECK(ts_file_exists(path) && count_dir(dir) == 1);
    /* a dead process's temporary of that name goes */
    fflush(NULL);
    pid_t dead = fork();
    if (dead == 0) _exit(0);   /* before REQUIRE: after a failed check it would return */
    REQUIRE(dead > 0 && waitpid(dead, NULL, 0) == dead);
    char stale[1024];
    snprintf(stale, sizeof stale, "%s/%.*s.tmp.%ld.abc123", dir, 255 - 32, name, (long)dead);   /* the name cut */
    write_text(stale, "x");
    REQUIRE(age_path(stale) == 0);
    REQUIRE(ts_out_open(&o, path) == 0);
    CHECK(access(stale, F_OK) != 0);
    ts_out_abort(&o);
    unlink(path);
    memset(name, 'n', 256);
    name[256] = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK_MSG(ts_out_check(path) == -1 && strstr(ts_error(), "File name too long"), "%s", ts_error());
    CHECK(ts_out_open(&o, path) == -1 && count_dir(dir) == 0);
    rmdir(dir);
}

/* a set of files that is not written leaves no folder that its stage made; one written
 * keeps them */
static void failed_stage_leaves_no_folders(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[600], top[512], keep[600];
    snprintf(top, sizeof top, "%s/a", dir);
    snprintf(out, sizeof out, "%s/a/b//c/", dir);
    ts_stage s;
    REQUIRE(ts_stage_open(&s, out) == 0);
    ts_stage_abort(&s);
    CHECK_MSG(count_dir(dir) == 0, "%d entries in %s", count_dir(dir), dir);
    /* a commit that fails (a file not written) */
    REQUIRE(ts_stage_open(&s, out) == 0);
    const char *names[] = {"stream.txt"};
    CHECK(ts_stage_commit(&s, names, 1) == -1);
    CHECK_MSG(count_dir(dir) == 0, "%d entries in %s", count_dir(dir), dir);
    /* a folder that was there stays, and what is in it */
    snprintf(keep, sizeof keep, "%s/kept", top);
    REQUIRE(ts_mkdir_p(keep) == 0);
    REQUIRE(ts_stage_open(&s, out) == 0);
    ts_stage_abort(&s);
    CHECK(count_dir(top) == 1 && ts_file_exists(keep));
    /* a commit that succeeds keeps the folders it made */
    ts_remove_tree(top);
    REQUIRE(ts_stage_open(&s, out) == 0);
    char *p = ts_path_join(s.stage, "stream.txt");
    write_text(p, "1 2 3\n");
    free(p);
    CHECK_MSG(ts_stage_commit(&s, names, 1) == 0, "%s", ts_error());
    p = ts_path_join(out, "stream.txt");
    CHECK(ts_file_exists(p));
    free(p);
    ts_remove_tree(top);
    rmdir(dir);
}

/* a file of an earlier set that the new one lacks, where a directory of that name is:
 * refused before anything is placed, naming it; the old set stays whole and the
 * directory with what it holds */
static void gone_directory_refused_first(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[600], gone_dir[700], inner[800], stream[700];
    snprintf(out, sizeof out, "%s/ds", dir);
    snprintf(gone_dir, sizeof gone_dir, "%s/time_ns.npy", out);
    snprintf(inner, sizeof inner, "%s/kept", gone_dir);
    snprintf(stream, sizeof stream, "%s/stream.txt", out);
    REQUIRE(ts_mkdir_p(gone_dir) == 0);
    write_text(inner, "x\n");
    write_text(stream, "1 2\n");
    ts_stage s;
    REQUIRE(ts_stage_open(&s, out) == 0);
    char *p = ts_path_join(s.stage, "stream.txt");
    write_text(p, "3 4 5\n");
    free(p);
    const char *names[] = {"stream.txt"}, *gone[] = {"time_ns.npy"};
    CHECK(ts_stage_commit_removing(&s, names, 1, gone, 1) == -1);
    CHECK_MSG(strstr(ts_error(), gone_dir) && strstr(ts_error(), "directory") && !strchr(ts_error(), '\n'),
              "%s", ts_error());
    FILE *f = fopen(stream, "r");
    char line[64] = "";
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = 0;
        fclose(f);
    }
    CHECK_MSG(!strcmp(line, "1 2\n"), "stream.txt now holds '%s'", line);
    CHECK(ts_file_exists(inner));
    CHECK_MSG(count_dir(out) == 2, "%d entries in %s", count_dir(out), out);   /* no stage left */
    /* a plain file of that name goes with the commit */
    ts_remove_tree(gone_dir);
    write_text(gone_dir, "old\n");
    REQUIRE(ts_stage_open(&s, out) == 0);
    p = ts_path_join(s.stage, "stream.txt");
    write_text(p, "3 4 5\n");
    free(p);
    CHECK_MSG(ts_stage_commit_removing(&s, names, 1, gone, 1) == 0, "%s", ts_error());
    CHECK(!ts_file_exists(gone_dir));
    CHECK_MSG(count_dir(out) == 1, "%d entries in %s", count_dir(out), out);
    ts_remove_tree(out);
    rmdir(dir);
}

/* the kernel choice: pure function of CPU features, OpenBLAS's core and the user's setting */
static void blas_core_choice(void)
{
    ts_cpu skx = {0}, hsw = {0}, zen = {0}, old = {0};
    skx.intel = hsw.intel = old.intel = 1;
    zen.amd = 1;
    skx.sse3 = skx.sse42 = skx.avx = skx.avx2 = skx.fma = 1;
    skx.avx512f = skx.avx512bw = skx.avx512vl = skx.avx512dq = skx.avx512cd = skx.avx512bf16 = 1;
    hsw.sse3 = hsw.sse42 = hsw.avx = hsw.avx2 = hsw.fma = 1;
    zen = hsw;
    zen.intel = 0;
    zen.amd = 1;
    old.sse3 = 1;
    /* the case from the field: 0.3.21 on family 6 model 207 falls back to Prescott */
    CHECK(ts_blas_core_pick(&skx, "Prescott", NULL) && !strcmp(ts_blas_core_pick(&skx, "Prescott", NULL), "SkylakeX"));
    CHECK(!strcmp(ts_blas_core_pick(&skx, "Haswell", NULL), "SkylakeX"));
    CHECK(!strcmp(ts_blas_core_pick(&skx, "prescott", ""), "SkylakeX"));      /* empty = unset */
    /* the user's own setting always wins */
    CHECK(ts_blas_core_pick(&skx, "Prescott", "Haswell") == NULL);
    /* OpenBLAS's choice is kept when at least as strong, or newer than the table */
    CHECK(ts_blas_core_pick(&skx, "SkylakeX", NULL) == NULL);
    CHECK(ts_blas_core_pick(&skx, "Cooperlake", NULL) == NULL);
    CHECK(ts_blas_core_pick(&skx, "SapphireRapids", NULL) == NULL);
    CHECK(ts_blas_core_pick(&skx, "SomeFutureCore", NULL) == NULL);
    CHECK(!strcmp(ts_blas_core_pick(&hsw, "Prescott", NULL), "Haswell"));
    CHECK(!strcmp(ts_blas_core_pick(&zen, "Prescott", NULL), "Zen"));
    CHECK(ts_blas_core_pick(&zen, "Zen", NULL) == NULL);
    CHECK(ts_blas_core_pick(&hsw, "Zen", NULL) == NULL);
    /* AVX-512 without BW/VL (Knights Landing) is not SkylakeX */
    ts_cpu knl = skx;
    knl.avx512bw = knl.avx512vl = 0;
    CHECK(!strcmp(ts_blas_core_pick(&knl, "Prescott", NULL), "Haswell"));
    CHECK(ts_blas_core_pick(&old, "Prescott", NULL) == NULL);
    CHECK(ts_blas_core_pick(&skx, NULL, NULL) == NULL);
    /* this machine: whatever it is, the best core is consistent with its features */
    ts_cpu here;
    ts_cpu_detect(&here);
    const char *best = ts_blas_core_best(&here);
    if (here.avx512f && here.avx512bw && here.avx512vl && here.avx512dq && here.avx512cd)
        CHECK(best && !strcmp(best, "SkylakeX"));
    if (!here.avx) CHECK(!best || !strcmp(best, "Nehalem"));
    char line[512];
    ts_blas_describe(line, sizeof line);
    CHECK(strstr(line, "OpenBLAS kernels ") == line);
}

static int long_item(const char *t, void *dst, int i) { return ts_parse_long(t, 0, 100, &((long *)dst)[i]); }

/* numbers from text: the whole string, in range; anything else one error line quoting it */
static void number_parsing(void)
{
    long l = 7;
    double d = 7;
    CHECK(ts_parse_long("42", 0, 100, &l) == 0 && l == 42);
    CHECK(ts_parse_long("-3", -5, 5, &l) == 0 && l == -3);
    const char *bad_l[] = {"", "4x", "x", " 4", "4 ", "101", "-1", "1e2", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad_l / sizeof *bad_l; i++) {
        l = 7;
        CHECK_MSG(ts_parse_long(bad_l[i], 0, 100, &l) == -1 && l == 7, "'%s'", bad_l[i]);
        CHECK(strstr(ts_error(), "is not an integer in [0, 100]") && !strchr(ts_error(), '\n'));
    }
    CHECK(ts_parse_double("0.25", 0, 1, &d) == 0 && d == 0.25);
    CHECK(ts_parse_double("-1e300", 0, 0, &d) == 0 && d == -1e300);   /* lo == hi == 0: any */
    const char *bad_d[] = {"", " 0.5", "0.5x", "nan", "inf", "1e999", "2", "0x1p-1", "0X0"};
    for (size_t i = 0; i < sizeof bad_d / sizeof *bad_d; i++) {
        d = 7;
        CHECK_MSG(ts_parse_double(bad_d[i], 0, 1, &d) == -1 && d == 7, "'%s'", bad_d[i]);
        CHECK(strstr(ts_error(), "is not a number") != NULL);
    }
    /* lists: every item between commas, none empty, at most max */
    long v[3];
    int n = -1;
    CHECK(ts_parse_items("5,6,7", 3, v, &n, long_item) == 0 && n == 3 && v[0] == 5 && v[2] == 7);
    CHECK(ts_parse_items("5", 3, v, &n, long_item) == 0 && n == 1 && v[0] == 5);
    const char *bad_list[] = {"", ",5", "5,", "5,,6", "5,x"};
    for (size_t i = 0; i < sizeof bad_list / sizeof *bad_list; i++)
        CHECK_MSG(ts_parse_items(bad_list[i], 3, v, &n, long_item) == -1 &&
                  (strstr(ts_error(), "an empty item") || strstr(ts_error(), "'x' is not an integer")),
                  "'%s': %s", bad_list[i], ts_error());
    CHECK(ts_parse_items("1,2,3,4", 3, v, &n, long_item) == -1 && strstr(ts_error(), "at most 3 values"));
}

/* an error naming a path as long as PATH_MAX, or two of them, keeps the path and its
 * reason; one longer still keeps its start and its end (the reason) */
static void long_errors_keep_their_reason(void)
{
    static char path[4097], msg[10000];
    memset(path, 'a', 4095);
    path[4095] = 0;
    ts_fail("%s: cannot create: %s", path, "File name too long");
    snprintf(msg, sizeof msg, "%s: cannot create: File name too long", path);
    CHECK_MSG(!strcmp(ts_error(), msg), "%.40s ... %s", ts_error(), ts_error() + strlen(ts_error()) - 40);
    ts_fail("%s: the output would replace a file of the dataset %s", path, path);
    snprintf(msg, sizeof msg, "%s: the output would replace a file of the dataset %s", path, path);
    CHECK(!strcmp(ts_error(), msg));
    static char huge[20000];
    memset(huge, 'b', sizeof huge - 1);
    ts_fail("%s: cannot open: %s", huge, "No such file or directory");
    const char *e = ts_error(), *tail = "bbb: cannot open: No such file or directory";
    size_t n = strlen(e);
    CHECK_MSG(n > 1000 && n < sizeof huge && !strncmp(e, "bbbb", 4) && strstr(e, "...") &&
              !strcmp(e + n - strlen(tail), tail), "%.40s ... %s", e, e + (n > 60 ? n - 60 : 0));
    /* a message made from the one before, as errors are wrapped */
    ts_fail("%s: cannot create: %s", path, "x");
    ts_fail("%s (while writing)", ts_error());
    CHECK(!strncmp(ts_error(), path, 4095) && !strcmp(ts_error() + 4095, ": cannot create: x (while writing)"));
}

/* shell words: plain ones as they are, others in single quotes, a quote written '\'', a
 * path that starts with '-' after ./ (not read as an option) */
static void shell_words(void)
{
    static const char *const in[7] = {"/a/b-c_1.x", "a b", "it's", "", "$x", "-x", "-a b"};
    static const char *const out[7] = {"/a/b-c_1.x", "'a b'", "'it'\\''s'", "''", "'$x'", "./-x", "'./-a b'"};
    for (int k = 0; k < 7; k++) {
        char *w = ts_shell_word(in[k]);
        CHECK_MSG(!strcmp(w, out[k]), "%s: %s, not %s", in[k], w, out[k]);
        free(w);
    }
}

/* JSON strings: quotes, backslashes and control bytes escaped, other bytes as they are */
static void json_strings(void)
{
    char *e = ts_json_escape("a\"b\\c\nd\x01\xc3\xa9");
    CHECK_MSG(!strcmp(e, "a\\\"b\\\\c\\u000ad\\u0001\xc3\xa9"), "%s", e);
    free(e);
    char buf[64] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    REQUIRE(f);
    ts_json_put(f, NULL);
    fputc(' ', f);
    ts_json_put(f, "x\"");
    fclose(f);
    CHECK_MSG(!strcmp(buf, "null \"x\\\"\""), "%s", buf);
}

/* JSON is UTF-8: a byte that is not part of a well-formed UTF-8 character (a Latin-1
 * name, a sequence cut short, an overlong form, a surrogate, past U+10FFFF) is written
 * as \ufffd, each; well-formed characters of every length stay as they are */
static void json_strings_utf8(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"caf\xe9", "caf\\ufffd"},
        {"\xe2\x82", "\\ufffd\\ufffd"},
        {"\xe2\x82x", "\\ufffd\\ufffdx"},
        {"\xc0\xaf", "\\ufffd\\ufffd"},
        {"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"},
        {"\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"},
        {"\xff\xfe", "\\ufffd\\ufffd"},
        {"\x80" "a", "\\ufffda"},
        {"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf \x7f",
         "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf \x7f"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *e = ts_json_escape(cases[i].in);
        CHECK_MSG(!strcmp(e, cases[i].out), "case %zu: %s, not %s", i, e, cases[i].out);
        free(e);
    }
}

/* a directory tree goes whole; a link in it goes, not what it points to */
static void remove_tree_whole(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char top[300], p[400], keep[300];
    snprintf(top, sizeof top, "%s/top", d);
    snprintf(keep, sizeof keep, "%s/keep.txt", d);
    write_text(keep, "keep\n");
    REQUIRE(mkdir(top, 0755) == 0);
    snprintf(p, sizeof p, "%s/a", top);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/a/b", top);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/a/b/f", top);
    write_text(p, "x");
    snprintf(p, sizeof p, "%s/g", top);
    write_text(p, "y");
    snprintf(p, sizeof p, "%s/link", top);
    REQUIRE(symlink(d, p) == 0);   /* a link to the directory above: not followed */
    ts_remove_tree(top);
    CHECK(!ts_file_exists(top));
    CHECK(ts_file_exists(keep));
    ts_remove_tree(keep);          /* a plain file */
    CHECK(!ts_file_exists(keep));
    ts_remove_tree(keep);          /* absent: nothing happens */
    rmdir(d);
    CHECK(!ts_file_exists(d));
}

/* a tree deeper than a path can name (300 levels, its full path past PATH_MAX, made with
 * mkdirat from each level's descriptor, a file in each) goes whole; a link in it to a
 * folder outside, deep down, goes and the folder it points to stays with its file */
static void remove_tree_deeper_than_path_max(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char top[300], out[300], keep[400];
    snprintf(top, sizeof top, "%s/deep", d);
    snprintf(out, sizeof out, "%s/outside", d);
    snprintf(keep, sizeof keep, "%s/keep.txt", out);
    REQUIRE(mkdir(out, 0755) == 0);
    write_text(keep, "keep\n");
    REQUIRE(mkdir(top, 0755) == 0);
    int fd = open(top, O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    for (int i = 0; i < 300; i++) {
        if (i == 150) REQUIRE(symlinkat(out, fd, "link") == 0);
        /* a file beside each folder, both named by level: the folder listed first in some
         * levels, last in others */
        char name[32];
        snprintf(name, sizeof name, "file%d", i);
        int f = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
        REQUIRE(f >= 0);
        close(f);
        snprintf(name, sizeof name, "a-folder-name-%06d", i);   /* 20 bytes: 300 levels, over 6,000 */
        REQUIRE(mkdirat(fd, name, 0755) == 0);
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        REQUIRE(next >= 0);
        close(fd);
        fd = next;
    }
    REQUIRE(symlinkat(out, fd, "link") == 0);
    int f = openat(fd, "last", O_WRONLY | O_CREAT | O_EXCL, 0644);
    REQUIRE(f >= 0);
    close(f);
    close(fd);
    ts_remove_tree(top);
    CHECK(!ts_file_exists(top));
    CHECK(ts_file_exists(keep));
    ts_remove_tree(out);
    CHECK(!ts_file_exists(out));
    if (ts_file_exists(top)) {   /* not removed: as deep as a shell's rm goes, out of the way */
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
        CHECK(system(cmd) == 0);
    }
    rmdir(d);
    CHECK(!ts_file_exists(d));
}

/* an empty directory name is an error naming it so (the walk read past its one byte) */
static void mkdir_empty_name(void)
{
    CHECK(ts_mkdir_p("") == -1);
    CHECK_MSG(strstr(ts_error(), "'': an empty directory name") != NULL, "%s", ts_error());
}

/* thread IDs -> dense indices in order of first sight, any 64-bit value a key, across growth */
static void idmap_dense_indices(void)
{
    ts__idmap m;
    memset(&m, 0, sizeof m);
    CHECK(ts__idmap_get(&m, 5, 0) == SIZE_MAX && m.n == 0);
    const int64_t special[] = {INT64_MIN, -1, 0, INT64_MAX};
    for (size_t i = 0; i < 4; i++) CHECK(ts__idmap_get(&m, special[i], 1) == i);
    for (int64_t k = 0; k < 5000; k++) CHECK(ts__idmap_get(&m, 1000 + 7 * k, 1) == (size_t)(4 + k));
    CHECK(m.n == 5004 && ts__idmap_cap(&m) >= 2 * m.n);
    for (size_t i = 0; i < 4; i++) CHECK(ts__idmap_get(&m, special[i], 0) == i);
    for (int64_t k = 0; k < 5000; k++) CHECK(ts__idmap_get(&m, 1000 + 7 * k, 1) == (size_t)(4 + k));
    CHECK(ts__idmap_get(&m, 1001, 0) == SIZE_MAX && m.n == 5004);
    ts__idmap_free(&m);
    CHECK(m.n == 0 && ts__idmap_get(&m, 0, 0) == SIZE_MAX);
}

/* a job of three calls, each with a bar of its own (7, 3 and 5 steps) covering
 * 10, 20 and 30 units of the span */
/* one file by any path to it, there or not yet */
static void same_path_any_spelling(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char a[600], b[600], c[600], e[600];
    snprintf(a, sizeof a, "%s/x.log", d);
    snprintf(b, sizeof b, "%s/./x.log", d);
    snprintf(c, sizeof c, "%s/y.log", d);
    snprintf(e, sizeof e, "%s/none/x.log", d);
    CHECK(ts_same_path(a, b) && !ts_same_path(a, c) && !ts_same_path(e, e) && !ts_same_path(a, e));
    write_text(a, "1\n");
    CHECK(ts_same_path(a, b) && ts_same_path(b, a) && !ts_same_path(a, c));
    char cwd[600];
    REQUIRE(getcwd(cwd, sizeof cwd));
    REQUIRE(chdir(d) == 0);
    CHECK(ts_same_path("x.log", a) && ts_same_path("z.log", "./z.log") && !ts_same_path("z.log", "x.log"));
    REQUIRE(chdir(cwd) == 0);
}

static void three_calls(void *ctx)
{
    const long steps[3] = {7, 3, 5}, units[3] = {10, 20, 30};
    ts_progress_span_begin("job", 60, 1);
    for (int c = 0; c < 3; c++) {
        ts_progress_span_part(units[c]);
        ts_progress p;
        ts_progress_start(&p, "call", steps[c]);
        for (long i = 1; i <= steps[c]; i++) ts_progress_update(&p, i, NULL);
        ts_progress_end(&p);
    }
    ts_progress_span_end();
}

static void two_bars(void *ctx)
{
    for (int c = 0; c < 2; c++) {
        ts_progress p;
        ts_progress_start(&p, "call", 4);
        ts_progress_update(&p, 4, NULL);
        ts_progress_end(&p);
    }
}

/* one bar over a job of several calls: one final line, under the span's label,
 * with the span's units; outside a span every bar is its own */
static void progress_span_one_bar(void)
{
    char out[4096];
    capture_stderr(three_calls, NULL, out, sizeof out);
    int lines = 0;
    for (const char *c = out; *c; c++) lines += *c == '\n';
    CHECK_MSG(lines == 1 && !strncmp(out, "job [########################] 60/60 ", 37) && !strstr(out, "call"),
              "the span drew: %s", out);
    capture_stderr(two_bars, NULL, out, sizeof out);
    lines = 0;
    for (const char *c = out; *c; c++) lines += *c == '\n';
    CHECK_MSG(lines == 2 && !strncmp(out, "call [", 6), "two bars drew: %s", out);
}

/* ts_path_resolve: "." and ".." and links as the system reads them where the folders are
 * there, and ".." after a name not there takes that name back */
static void path_resolved(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char *real = realpath(d, NULL), sub[1200], link[1200], want[1400], p[1400];
    REQUIRE(real);
    snprintf(sub, sizeof sub, "%s/sub", real);
    snprintf(link, sizeof link, "%s/link", real);
    REQUIRE(mkdir(sub, 0755) == 0 && symlink(sub, link) == 0);
    static const char *const cases[][2] = {
        {"out/../x.txt", "/x.txt"}, {"out/./a/../x.txt", "/out/x.txt"}, {"./sub/", "/sub"},
        {"link/a", "/sub/a"}, {"link/../x", "/x"}, {"sub//a/b/../../c", "/sub/c"}, {"new", "/new"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(p, sizeof p, "%s/%s", d, cases[i][0]);
        snprintf(want, sizeof want, "%s%s", real, cases[i][1]);
        char *r = ts_path_resolve(p);
        CHECK_MSG(r && !strcmp(r, want), "%s: %s, not %s", cases[i][0], r ? r : "NULL", want);
        free(r);
    }
    char *r = ts_path_resolve("/..");
    CHECK(r && !strcmp(r, "/"));
    free(r);
    r = ts_path_resolve("/no-such-folder/../x");
    CHECK(r && !strcmp(r, "/x"));
    free(r);
    ts_clear_error();
    CHECK(!ts_path_resolve(NULL) && strstr(ts_error(), "ts_path_resolve: path is NULL"));
    free(real);
}

/* a list grown one item at a time through ts__append_room keeps every item, and asks the
 * allocator for more only when its length reaches a power of two (a realloc per item copied
 * the whole list each time: 100,000 gaps took minutes under the sanitizers' allocator) */
static void append_room_grows_geometrically(void)
{
    enum { N = 100000 };
    uint32_t *a = NULL;
    int reallocs = 0;
    for (size_t n = 0; n < N; n++) {
        uint32_t *b = ts__append_room(a, n, sizeof *a);
        if (n & (n - 1)) CHECK_MSG(b == a, "moved at %zu", n);   /* room already there: no call */
        else reallocs++;
        a = b;
        a[n] = (uint32_t)(n * 2654435761u);
    }
    int bad = 0;
    for (size_t n = 0; n < N; n++) bad += a[n] != (uint32_t)(n * 2654435761u);
    CHECK(bad == 0);
    CHECK_MSG(reallocs == 18, "%d", reallocs);   /* n = 0, 1, 2, 4, ..., 65536 */
    free(a);
}

/* this binary run again with args (through the shell, TS_HARNESS_CHILD set so that this
 * test does not run itself there): its exit status, stdout into out and stderr into err */
static int self_run(const char *dir, const char *args, char *out, size_t on, char *err, size_t en)
{
    char exe[4096], cmd[16384], o[600], e[600];
    const ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) return -1;
    exe[k] = 0;
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(e, sizeof e, "%s/err", dir);
    snprintf(cmd, sizeof cmd, "TS_HARNESS_CHILD=1 '%s' %s >'%s' 2>'%s'", exe, args, o, e);
    fflush(NULL);
    const int st = system(cmd);
    size_t len;
    char *all = slurp_file(o, &len);
    snprintf(out, on, "%.*s", all ? (int)len : 0, all ? all : "");
    free(all);
    all = slurp_file(e, &len);
    snprintf(err, en, "%.*s", all ? (int)len : 0, all ? all : "");
    free(all);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* a test binary given names runs those tests alone; --list prints the names and runs
 * nothing; an unknown name is one line and exit 2, before any test runs */
static void harness_runs_named_tests(void)
{
    if (getenv("TS_HARNESS_CHILD")) SKIP("run by itself");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[8192], err[4096];
    CHECK_MSG(self_run(dir, "--list", out, sizeof out, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(!strncmp(out, "path_resolved\n", 14) && strstr(out, "\njson_strings\n") &&
              strstr(out, "\nharness_runs_named_tests\n") && !strstr(out, "passed"), "%s", out);
    CHECK_MSG(!err[0], "%s", err);
    CHECK_MSG(self_run(dir, "json_strings idmap_dense_indices", out, sizeof out, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(!strcmp(out, "common: 2 passed, 0 failed, 0 skipped\n"), "%s", out);
    CHECK_MSG(self_run(dir, "json_strings nope", out, sizeof out, err, sizeof err) == 2, "%s", err);
    CHECK_MSG(!strcmp(err, "test_common: no test named 'nope'\n") && !out[0], "%s|%s", err, out);
}

TEST_MAIN("common", {
    RUN(path_resolved);
    RUN(append_room_grows_geometrically);
    RUN(rng_reproducible);
    RUN(container_roundtrip_and_corruption);
    RUN(atomic_file_keeps_old_on_abort);
    RUN(output_mode_follows_umask);
    RUN(stage_keeps_modes);
    RUN(stage_keeps_directory_mode);
    RUN(set_errors_name_final_paths);
    RUN(output_to_a_device_in_place);
    RUN(output_folder_refused_at_once);
    RUN(log_check_fifo_without_reader);
    RUN(log_check_refuses_a_model);
    RUN(killed_writer_leaves_no_temporary);
    RUN(stale_temporaries_removed);
    RUN(locked_temporaries_stay);
    RUN(young_temporaries_stay);
    RUN(long_output_names);
    RUN(failed_stage_leaves_no_folders);
    RUN(gone_directory_refused_first);
    RUN(blas_core_choice);
    RUN(number_parsing);
    RUN(long_errors_keep_their_reason);
    RUN(json_strings);
    RUN(json_strings_utf8);
    RUN(shell_words);
    RUN(remove_tree_whole);
    RUN(remove_tree_deeper_than_path_max);
    RUN(scratch_removed_at_exit);
    RUN(mkdir_empty_name);
    RUN(idmap_dense_indices);
    RUN(same_path_any_spelling);
    RUN(progress_span_one_bar);
    RUN(harness_runs_named_tests);
})
