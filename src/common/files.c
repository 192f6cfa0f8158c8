/* Atomic output files: nothing already written is lost if we fail half-way. */
#include "tracesynth/common.h"
#include "common/common_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Temporaries vanish with the process where the filesystem allows: an unnamed
 * O_TMPFILE inode in the target's directory, given a name (linkat) only when
 * it is complete, then renamed over the target. Elsewhere the temporary is
 * PATH.tmp.<pid>.XXXXXX, and a later ts_out_open of PATH removes those whose
 * process no longer exists (kill -9, power loss), that no process holds locked and
 * that were not made a moment ago (in_use: a pid says nothing across PID namespaces). */

/* Ctrl-C (or kill) between naming a temporary and renaming it over the target would
 * leave the temporary behind and the target old (for a set of files: some replaced,
 * some not). From the name to the last rename, the signals that end a process by
 * default are caught, remembered and raised again once the files are in place. The
 * disposition is process-wide, so this holds whichever thread the kernel picks
 * (OpenMP and OpenBLAS keep threads of their own); signals a program ignores or
 * handles itself are left alone. */
static const int held_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NHELD (int)(sizeof held_sigs / sizeof *held_sigs)

/* Stages open now (a CTF trace is written into one for minutes), temporary directories
 * (ts_temp_dir: the CTF reader's copies of truncated streams, as large as they are) and
 * the named temporaries of files where there is no O_TMPFILE (written the whole work): a
 * signal that ends the process by default would leave one beside the output or in TMPDIR,
 * a part of the work in it. While any is there, those signals (the ones left at their
 * default) first stop the process writing into them (ts_stage_worker), then remove them,
 * then end the process as they would have; during a commit they are held as above. */
enum { MAX_LIVE = 8 };
static const char *volatile live[MAX_LIVE];
/* for a folder made for an output (its first made part in live): the folder it was made
 * for, removed up to that part, each while empty; NULL for a stage or temporary */
static const char *volatile live_dir[MAX_LIVE];
static volatile pid_t live_worker;

/* One handler does both, installed while a commit holds the signals or anything is in
 * live, and the dispositions it replaced put back when neither is left. Threads commit and
 * stage at once (two models trained side by side), so the counts, the table and the
 * handler's installation change under sig_lock, with the held signals blocked on the
 * thread that holds it (and nothing allocated or freed there: a handler that interrupted
 * malloc would wait for a thread waiting for malloc). The handler takes no lock and makes
 * only async-signal-safe calls:
 * it reads the counts and the table when no thread is changing them (book_busy: threads
 * inside; handler_in: a handler reading, whom threads wait for), so a thread never frees a
 * name the handler is removing. */
static pthread_mutex_t sig_lock = PTHREAD_MUTEX_INITIALIZER;
static int holding, held_sig, book_busy, handler_in;   /* __atomic_* only */
static volatile pid_t sig_owner;   /* the process whose handler it is (not a forked child) */
static int nlive, installed;
static struct sigaction sig_old[NHELD];
static unsigned char sig_caught[NHELD];

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define ADD(x, v) __atomic_add_fetch(&(x), (v), __ATOMIC_SEQ_CST)

void ts_stage_worker(pid_t pid) { live_worker = pid; }

/* The deepest a set's commit syncs a staged folder, below the name in the stage (see
 * sync_tree): each level holds two descriptors there, 512 in all within the usual 1024 */
#define SYNC_DEPTH 256
/* levels remove_at goes down, the top one (a stage) first: all a commit could place */
#define REMOVE_DEPTH (SYNC_DEPTH + 1)

/* The levels of a removal's walk, k = 0 the folder removed: level k's descriptor (-1 once
 * let go), where its listing goes on (past the folder gone into), its passes, and whether
 * anything went in its current pass (more) or at all (gone). The signal handler's are
 * arrays on its stack, REMOVE_DEPTH levels, every descriptor held; ts_remove_tree's grow
 * on the heap as deep as the tree goes and hold the WALK_HELD deepest descriptors, a level
 * above them opened again as ".." of the one below and known by its device and inode
 * (dev, ino: NULL in the handler). */
struct rm_walk {
    int *fd;
    off_t *at;
    unsigned char *pass, *more, *gone;
    dev_t *dev;
    ino_t *ino;
    long cap;                             /* levels the arrays hold */
    long held;                            /* descriptors held at most */
    int (*grow)(struct rm_walk *, long);  /* room for that many levels (0), or -1; NULL: none */
};

/* descriptors ts_remove_tree's walk holds at most, one per level */
#define WALK_HELD 64

/* the walk's descriptors still held, from level k up */
static void walk_close(struct rm_walk *w, long k)
{
    for (; k >= 0; k--)
        if (w->fd[k] >= 0) close(w->fd[k]);
}

/* name in dfd, a file or a directory with everything in it, with system calls alone (and
 * w->grow, where there is one): it goes down without recursion, opening each folder
 * relative to the one above it and never through a link (O_NOFOLLOW: a link swapped in for
 * a folder is not followed, a link is removed as a file is). A folder below w's levels
 * (with no grow) is removed only while empty. In the signal handler it runs on whatever
 * stack the thread has left, in a few kilobytes. */
static void remove_walk(int dfd, const char *name, struct rm_walk *w)
{
    if (unlinkat(dfd, name, 0) == 0 || errno != EISDIR) return;
    char buf[2048] __attribute__((aligned(8)));
    struct stat st;
    long k = 0;
    if ((w->fd[0] = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) return;
    if (w->ino) {
        if (fstat(w->fd[0], &st) != 0) {
            close(w->fd[0]);
            return;
        }
        w->dev[0] = st.st_dev, w->ino[0] = st.st_ino;
    }
    w->at[0] = 0, w->pass[0] = w->more[0] = w->gone[0] = 0;
    while (k >= 0) {
        /* level k's listing from at[k]: files and empty folders removed, the first other
         * folder gone into */
        int down = -1;
        long n = 0;
        const int room = k + 1 < w->cap || (w->grow && w->grow(w, k + 2) == 0);
        lseek(w->fd[k], w->at[k], SEEK_SET);
        while (down < 0 && (n = syscall(SYS_getdents64, w->fd[k], buf, sizeof buf)) > 0)
            for (long off = 0; off < n && down < 0;) {
                struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *e =
                    (void *)(buf + off);
                off += e->reclen;
                if (!strcmp(e->name, ".") || !strcmp(e->name, "..")) continue;
                if (unlinkat(w->fd[k], e->name, 0) == 0 ||
                    (errno == EISDIR && unlinkat(w->fd[k], e->name, AT_REMOVEDIR) == 0)) {
                    w->more[k] = w->gone[k] = 1;
                    continue;
                }
                if (errno != ENOTEMPTY && errno != EEXIST) continue;   /* one that cannot go stays */
                if (room &&
                    (down = openat(w->fd[k], e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0)
                    w->at[k] = e->off;
            }
        if (down >= 0) {
            if (w->ino) {
                if (fstat(down, &st) != 0) {
                    close(down);
                    walk_close(w, k);
                    return;
                }
                w->dev[k + 1] = st.st_dev, w->ino[k + 1] = st.st_ino;
            }
            k++;
            w->fd[k] = down, w->at[k] = 0, w->pass[k] = w->more[k] = w->gone[k] = 0;
            if (k >= w->held) {   /* the level held longest let go */
                close(w->fd[k - w->held]);
                w->fd[k - w->held] = -1;
            }
            continue;
        }
        /* the listing's end: read again from the start while entries went in this pass (the
         * ones after them may have been passed over), else the folder is as empty as it gets */
        if (w->more[k] && ++w->pass[k] < 64) {
            w->at[k] = 0, w->more[k] = 0;
            continue;
        }
        if (k > 0 && w->fd[k - 1] < 0) {
            /* the level above, let go: its folder again, as this one's "..", if it is still
             * the folder gone down from (else what was moved meanwhile is left alone) */
            int up = openat(w->fd[k], "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (up < 0 || fstat(up, &st) != 0 || st.st_dev != w->dev[k - 1] || st.st_ino != w->ino[k - 1]) {
                if (up >= 0) close(up);
                walk_close(w, k);
                return;
            }
            /* listed once from its start before its place is sought: ext4 takes where a
             * descriptor's first listing began as where a later one from the start begins,
             * so a first one at its end would end a pass from the start at once */
            syscall(SYS_getdents64, up, buf, sizeof buf);
            w->fd[k - 1] = up;
        }
        close(w->fd[k]);
        /* a folder emptied here is removed by its level's next pass, one that was not is
         * not gone into again */
        if (--k >= 0 && w->gone[k + 1]) w->more[k] = w->gone[k] = 1;
    }
    unlinkat(dfd, name, AT_REMOVEDIR);
}

/* name in dfd as remove_walk removes it, with REMOVE_DEPTH levels on the stack and nothing
 * allocated: what the signal handler calls */
static void remove_at(int dfd, const char *name)
{
    int fd[REMOVE_DEPTH];
    off_t at[REMOVE_DEPTH];
    unsigned char pass[REMOVE_DEPTH], more[REMOVE_DEPTH], gone[REMOVE_DEPTH];
    struct rm_walk w = {fd, at, pass, more, gone, NULL, NULL, REMOVE_DEPTH, REMOVE_DEPTH, NULL};
    remove_walk(dfd, name, &w);
}

/* dir, then the folders above it up to top (a part of its path), each removed while empty
 * (one not there is passed over), with system calls alone */
static void rmdir_chain(const char *dir, const char *top)
{
    char buf[PATH_MAX];
    size_t n = strlen(dir), t = strlen(top);
    if (n >= sizeof buf || t > n) return;
    memcpy(buf, dir, n + 1);
    while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
    while (n >= t) {
        if (rmdir(buf) != 0 && errno != ENOENT) return;
        char *sl = strrchr(buf, '/');
        if (!sl) return;
        while (sl > buf && sl[-1] == '/') sl--;
        *sl = 0;
        n = (size_t)(sl - buf);
    }
}

static void out_handler(int sig)
{
    const int e = errno;
    if (getpid() == sig_owner) {   /* a forked child's copy: not its stages */
        /* the table to this handler alone (another thread's handler may have it) */
        int zero = 0;
        while (!__atomic_compare_exchange_n(&handler_in, &zero, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            zero = 0;
            sched_yield();
        }
        while (LOAD(book_busy)) sched_yield();
        if (LOAD(holding)) {
            zero = 0;
            __atomic_compare_exchange_n(&held_sig, &zero, sig, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            STORE(handler_in, 0);
            errno = e;
            return;
        }
        /* the process ends: handler_in stays, the threads wait for the end */
        const pid_t w = live_worker;
        if (w > 0 && kill(w, SIGKILL) == 0) waitpid(w, NULL, 0);
        for (int i = 0; i < MAX_LIVE; i++)
            if (live[i] && !live_dir[i]) remove_at(AT_FDCWD, live[i]);
        /* then the folders made for them, emptied by that */
        for (int i = 0; i < MAX_LIVE; i++)
            if (live[i] && live_dir[i]) rmdir_chain(live_dir[i], live[i]);
    }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    raise(sig);   /* delivered when the handler returns */
    errno = e;
}

/* a fork while another thread holds the lock leaves the child a free one */
static void sig_lock_take(void) { pthread_mutex_lock(&sig_lock); }
static void sig_lock_give(void) { pthread_mutex_unlock(&sig_lock); }
static void sig_lock_child(void) { pthread_mutex_init(&sig_lock, NULL); }
static void sig_lock_atfork(void) { pthread_atfork(sig_lock_take, sig_lock_give, sig_lock_child); }

/* the bookkeeping to this thread: the held signals blocked here (a handler on this thread
 * would wait for it), the lock taken, a handler reading the table waited for */
static void book_enter(sigset_t *was)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sig_lock_atfork);
    sigset_t block;
    sigemptyset(&block);
    for (int i = 0; i < NHELD; i++) sigaddset(&block, held_sigs[i]);
    pthread_sigmask(SIG_BLOCK, &block, was);
    sig_lock_take();
    for (;;) {
        ADD(book_busy, 1);
        if (!LOAD(handler_in)) break;
        ADD(book_busy, -1);
        while (LOAD(handler_in)) sched_yield();
    }
    /* a forked child: the entries, holds and handler are its parent's */
    if (sig_owner && sig_owner != getpid()) {
        for (int i = 0; i < MAX_LIVE; i++) live[i] = live_dir[i] = NULL;
        nlive = 0;
        STORE(holding, 0);
        STORE(held_sig, 0);
        sig_owner = getpid();
    }
}

/* the handler installed while a hold or an entry needs it, its dispositions put back when
 * none does (those changed by the program meanwhile are left as they are) */
static void book_leave(const sigset_t *was)
{
    const int need = LOAD(holding) > 0 || nlive > 0;
    if (need && !installed) {
        sig_owner = getpid();
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = out_handler;
        sigfillset(&sa.sa_mask);
        for (int i = 0; i < NHELD; i++) {
            sig_caught[i] = 0;
            if (sigaction(held_sigs[i], NULL, &sig_old[i]) != 0) continue;
            if ((sig_old[i].sa_flags & SA_SIGINFO) || sig_old[i].sa_handler != SIG_DFL) continue;
            sig_caught[i] = sigaction(held_sigs[i], &sa, NULL) == 0;
        }
        installed = 1;
    } else if (!need && installed) {
        for (int i = 0; i < NHELD; i++) {
            struct sigaction now;
            if (sig_caught[i] && sigaction(held_sigs[i], NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) &&
                now.sa_handler == out_handler)
                sigaction(held_sigs[i], &sig_old[i], NULL);
            sig_caught[i] = 0;
        }
        installed = 0;
    }
    ADD(book_busy, -1);
    sig_lock_give();
    pthread_sigmask(SIG_SETMASK, was, NULL);   /* a signal that came meanwhile is delivered now */
}

void ts_signals_hold(void)
{
    sigset_t was;
    book_enter(&was);
    ADD(holding, 1);
    book_leave(&was);
}

void ts_signals_release(void)
{
    sigset_t was;
    book_enter(&was);
    int sig = 0;
    if (LOAD(holding) > 0 && ADD(holding, -1) == 0) sig = __atomic_exchange_n(&held_sig, 0, __ATOMIC_SEQ_CST);
    book_leave(&was);
    if (sig) raise(sig);   /* the default action, now that nothing is half done */
}

/* stage: removed with what it holds; or, dir not NULL, stage the first folder made for
 * dir: dir and the folders above it up to stage removed, each while empty (called with
 * the bookkeeping entered) */
static void live_add_in(const char *stage, const char *dir)
{
    int slot = -1;
    for (int i = 0; i < MAX_LIVE && slot < 0; i++)
        if (!live[i]) slot = i;
    if (slot < 0) return;   /* left as before: removed by the next stage there */
    nlive++;
    live_dir[slot] = dir;
    live[slot] = stage;
}

static void live_remove_in(const char *stage)
{
    if (!stage) return;
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] == stage) {
            live[i] = NULL;
            live_dir[i] = NULL;
            nlive--;
        }
}

static void live_add_dir(const char *stage, const char *dir)
{
    sigset_t was;
    book_enter(&was);
    live_add_in(stage, dir);
    book_leave(&was);
}

static void live_add(const char *stage) { live_add_dir(stage, NULL); }

static void live_remove(const char *stage)
{
    if (!stage) return;
    sigset_t was;
    book_enter(&was);
    live_remove_in(stage);
    book_leave(&was);
}

char *ts__path_dir(const char *path)
{
    const char *sl = strrchr(path, '/');
    if (!sl) return ts_strdup(".");
    if (sl == path) return ts_strdup("/");
    char *d = ts_malloc((size_t)(sl - path) + 1);
    memcpy(d, path, (size_t)(sl - path));
    d[sl - path] = 0;
    return d;
}

static int pid_alive(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* The pid in a temporary's name tells whether its process is gone only within one PID
 * namespace: containers that share an output folder or TMPDIR see each other's pids as no
 * process (or as another one). So the owner of a temporary holds a flock on it while it
 * lives (the kernel drops it when the process ends, kill -9 included), and a sweep leaves
 * one that is locked. Where a filesystem has no flock the sweep goes by the pid and the
 * age alone. */

/* a temporary is made, then locked: one younger than this (by its mtime, which its making
 * sets; a ctime cannot be set back, so the tests could not age one) may be in that moment,
 * and a sweep leaves it whatever its lock */
#define TEMP_GRACE_S 60

/* 1 when a sweep must leave path: locked by its owner, too young to tell, or not to be
 * opened to see its lock (a mode taken from an output that no one may read or write) */
static int in_use(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return 1;   /* gone meanwhile: nothing to remove */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec - st.st_mtim.tv_sec < TEMP_GRACE_S) return 1;   /* (a future time too) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    /* a file that may be written but not read (an output of mode 0200): a flock takes
     * either, and opening it for writing changes nothing in it */
    if (fd < 0 && errno == EACCES && S_ISREG(st.st_mode))
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return 1;
    int held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);   /* our own lock, if taken, goes with it */
    return held;
}

/* the lock on a temporary of this process's own: a sweep's test holds it for a moment, which
 * is waited out. -1 where it cannot be held (a filesystem without flock): the temporary is
 * then kept by its age and pid alone */
static int hold_lock(int fd)
{
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK && flock(fd, LOCK_EX) == 0) return 0;
        if (errno != EINTR && errno != EWOULDBLOCK) return -1;
    }
    return 0;
}

/* the directories (stages, ts_temp_dir's) this process holds a flock on, by path */
static pthread_mutex_t dir_locks_mu = PTHREAD_MUTEX_INITIALIZER;
static struct { char *path; int fd; } dir_locks[MAX_LIVE];

static void dir_lock(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    if (hold_lock(fd) != 0) { close(fd); return; }
    pthread_mutex_lock(&dir_locks_mu);
    int i = 0;
    while (i < MAX_LIVE && dir_locks[i].path) i++;
    if (i < MAX_LIVE) dir_locks[i].path = ts_strdup(path), dir_locks[i].fd = fd;
    pthread_mutex_unlock(&dir_locks_mu);
    if (i == MAX_LIVE) close(fd);   /* more at once than the table holds: by the pid alone */
}

static void dir_unlock(const char *path)
{
    if (!path) return;
    pthread_mutex_lock(&dir_locks_mu);
    for (int i = 0; i < MAX_LIVE; i++)
        if (dir_locks[i].path && !strcmp(dir_locks[i].path, path)) {
            close(dir_locks[i].fd);
            free(dir_locks[i].path);
            dir_locks[i].path = NULL;
            break;
        }
    pthread_mutex_unlock(&dir_locks_mu);
}

/* how much of a name its temporaries' names begin with: all of it, unless
 * ".tmp.<pid>.XXXXXX" after it would make a name longer than a folder holds */
static size_t tmp_stem(const char *base)
{
    size_t n = strlen(base), most = NAME_MAX - 32;
    return n < most ? n : most;
}

/* remove PATH.tmp.<pid>.XXXXXX left by processes that are gone */
static void remove_stale(const char *path)
{
    char *dir = ts__path_dir(path);
    const char *sl = strrchr(path, '/');
    const char *base = sl ? sl + 1 : path;
    size_t nb = tmp_stem(base);
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            const char *s = e->d_name;
            if (strncmp(s, base, nb) || strncmp(s + nb, ".tmp.", 5)) continue;
            char *end;
            errno = 0;
            long pid = strtol(s + nb + 5, &end, 10);
            if (errno || end == s + nb + 5 || *end != '.' || strlen(end + 1) != 6) continue;
            if (pid == (long)getpid() || pid_alive(pid)) continue;
            char *p = ts_path_join(dir, s);
            if (!in_use(p)) unlink(p);
            free(p);
        }
        closedir(d);
    }
    free(dir);
}

/* a fresh name PATH.tmp.<pid>.XXXXXX; fd >= 0: link that unnamed file there, else create it */
static int make_named(const char *path, int fd, char **name_out, int *fd_out)
{
    size_t n = strlen(path) + 48;
    char *name = ts_malloc(n);
    const char *sl = strrchr(path, '/');
    const int stem = (int)((sl ? (size_t)(sl + 1 - path) : 0) + tmp_stem(sl ? sl + 1 : path));
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t x = (uint64_t)(ts_now() * 1e9) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)name;
    int e = EEXIST;
    for (int attempt = 0; attempt < 100 && e == EEXIST; attempt++) {
        char suf[7];
        for (int i = 0; i < 6; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            suf[i] = digits[(x >> 33) % 36];
        }
        suf[6] = 0;
        snprintf(name, n, "%.*s.tmp.%ld.%s", stem, path, (long)getpid(), suf);
        if (fd >= 0) {
            char proc[64];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 ||
                linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0) {
                *name_out = name;
                return 0;
            }
        } else {
            int nfd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (nfd >= 0) {
                /* held while it is written (in_use); and still the file of that name once
                 * held: a sweep that took it as unlocked meanwhile has removed it */
                struct stat a, b;
                if (hold_lock(nfd) != 0 ||
                    (fstat(nfd, &a) == 0 && stat(name, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
                    *fd_out = nfd;
                    *name_out = name;
                    return 0;
                }
                close(nfd);
                errno = EEXIST;   /* another name */
            }
        }
        e = errno;
    }
    free(name);
    errno = e;
    return -1;
}

/* the descriptor a path names when it is one of this process's own (/dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N), else -1 */
static int own_fd(const char *path)
{
    static const char *const pre[] = {"/dev/fd/", "/proc/self/fd/"};
    if (!strcmp(path, "/dev/stdout")) return 1;
    if (!strcmp(path, "/dev/stderr")) return 2;
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(pre[i]);
        if (strncmp(path, pre[i], n) || !path[n]) continue;
        char *end;
        long v = strtol(path + n, &end, 10);
        return *end || v < 0 || v > 1 << 20 ? -1 : (int)v;
    }
    return -1;
}

/* where a link leads, followed by hand so that a link to a file not there yet (or to one
 * of the process's own descriptors) is known too: malloc'd, or NULL when path is no link
 * or its links go round */
char *ts_link_end(const char *path)
{
    struct stat ls;
    if (lstat(path, &ls) != 0 || !S_ISLNK(ls.st_mode)) return NULL;
    char *cur = ts_strdup(path);
    for (int hop = 0; hop < 40; hop++) {
        if (own_fd(cur) >= 0 || lstat(cur, &ls) != 0 || !S_ISLNK(ls.st_mode)) return cur;
        char to[4096];
        ssize_t n = readlink(cur, to, sizeof to - 1);
        if (n <= 0) break;
        to[n] = 0;
        char *next;
        const char *sl = strrchr(cur, '/');
        if (to[0] == '/' || !sl) next = ts_strdup(to);
        else {
            next = ts_malloc((size_t)(sl - cur) + 2 + (size_t)n);
            sprintf(next, "%.*s/%s", (int)(sl - cur), cur, to);
        }
        free(cur);
        cur = next;
    }
    free(cur);
    return NULL;
}

int ts_out_is_stream(const char *path)
{
    struct stat st;
    return own_fd(path) >= 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

int ts_out_check(const char *path)
{
    if (ts_out_is_stream(path)) {   /* opened now and closed, a FIFO's reader would see its end */
        int own = own_fd(path), fl = own >= 0 ? fcntl(own, F_GETFL) : 0;
        if (own >= 0 && fl >= 0 && (fl & O_ACCMODE) != O_RDONLY) return 0;
        if (own >= 0) return ts_fail("%s: %s", path, fl < 0 ? strerror(errno) : "not open for writing");
        if (access(path, W_OK) == 0) return 0;
        return ts_fail("%s: cannot open: %s", path, strerror(errno));
    }
    ts_outfile o;
    if (ts_out_open(&o, path) != 0) return -1;
    ts_out_abort(&o);
    return 0;
}

/* o writes to dfd (from open or dup; -1 with errno) in place; 0 / -1 naming path */
/* the mode a file or directory that replaces one of mode m takes: its permissions, not a
 * setuid or setgid bit (as root, copying them would make a new setuid or setgid program of
 * an output); a sticky bit means nothing on a file. A directory also keeps its setgid bit:
 * there it gives new entries the directory's group, which a folder shared by a group relies
 * on, and grants nothing (a setuid or sticky bit on it is dropped: the first means nothing on
 * Linux, the second guards other users' entries, and the new directory holds only ours) */
static mode_t kept_mode(mode_t m)
{
    return (m & 0777) | (S_ISDIR(m) ? m & S_ISGID : 0);
}

static int open_in_place(ts_outfile *o, const char *path, int dfd)
{
    if (dfd < 0 || !(o->f = fdopen(dfd, "wb"))) {
        int e = errno;
        if (dfd >= 0) close(dfd);
        memset(o, 0, sizeof *o);
        return ts_fail("%s: cannot open: %s", path, strerror(e));
    }
    o->path = ts_strdup(path);
    o->direct = 1;
    return 0;
}

static int recover_in(const char *dir, int sweep, int reader);

/* a commit of another run in dir, at its renames when this output was opened (its process
 * alive, its stage locked, passed over) and killed since, carried out before this output
 * is put in place: left for a later reader, it would put that run's older files over the
 * newer ones. A run still at it is waited for a while, as a reader waits; 0 / -1 */
static int commit_after_others(const char *dir)
{
    return recover_in(dir, 0, 2);
}

int ts_out_open(ts_outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    /* one of the process's own descriptors (-o /dev/stdout, redirected to a file or not):
     * written through it, where its redirection put it (appending with >>) */
    int own = own_fd(path);
    if (own >= 0) return open_in_place(o, path, fcntl(own, F_DUPFD_CLOEXEC, 3));
    /* a directory (or a link to one) would fail only at the rename, after the work */
    struct stat ds;
    const int there = stat(path, &ds) == 0;
    if (there && S_ISDIR(ds.st_mode))
        return ts_fail("%s: is a directory; a file is written here (name a file in it)", path);
    /* "x/" names a directory whether or not one is there: its reason from the system
     * ("No such file or directory", "Not a directory") would say nothing of the '/' */
    const size_t len = strlen(path);
    if (len > 1 && path[len - 1] == '/')
        return ts_fail("%s: names a directory (the '/' at its end); a file is written here (name it without the '/')",
                       path);
    /* a link: its file replaced (or made), the link kept */
    char *end = ts_link_end(path);
    if (end) {
        int rc = ts_out_open(o, end);
        size_t n = strlen(end);
        if (rc && !strncmp(ts_error(), end, n) && ts_error()[n] == ':') {   /* named as given */
            char *why = ts_strdup(ts_error() + n);
            ts_fail("%s (a link to %s)%s", path, end, why);
            free(why);
        }
        free(end);
        return rc;
    }
    /* a device or FIFO (-o /dev/null, a named pipe) is written in place: a temporary
     * renamed over it would put a regular file where the device was */
    if (there && !S_ISREG(ds.st_mode)) return open_in_place(o, path, open(path, O_WRONLY | O_CLOEXEC));
    remove_stale(path);
    char *dir = ts__path_dir(path);
    /* a set's replacement killed in this folder completed first: carried out later, it
     * would put its older file over this one, or remove it as a file of the set that went */
    if (recover_in(dir, 0, 0) != 0) {
        free(dir);
        return -1;
    }
    /* a name longer than the folder holds: the unnamed file would fail only when named,
     * after the work */
    const char *sl = strrchr(path, '/');
    long most = pathconf(dir, _PC_NAME_MAX);
    if (strlen(sl ? sl + 1 : path) > (size_t)(most > 0 ? most : NAME_MAX)) {
        free(dir);
        return ts_fail("%s: cannot create: %s", path, strerror(ENAMETOOLONG));
    }
    o->path = ts_strdup(path);
    /* naming it later goes through /proc/self/fd (linkat with AT_EMPTY_PATH needs a capability) */
    int fd = -1, e = EOPNOTSUPP;
    if (access("/proc/self/fd", X_OK) == 0) {
        fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
        e = errno;
        if (fd >= 0) hold_lock(fd);   /* held once it is named, at the commit */
    }
    free(dir);
    if (fd < 0 && e != ENOENT && e != ENOTDIR && e != EACCES && e != EROFS && e != ENOSPC &&
        e != EDQUOT) {
        /* O_TMPFILE not supported here: a named temporary, there for the whole work, so
         * a signal that ends the process removes it, as it does a stage */
        if (make_named(path, -1, &o->tmp, &fd) != 0) e = errno;
        else live_add(o->tmp);
    }
    if (fd < 0) {
        free(o->path);
        memset(o, 0, sizeof *o);
        return ts_fail("%s: cannot create: %s", path, strerror(e));
    }
    /* a new file's mode is 0666 less the umask, as any program's output; a file it replaces
     * keeps its permissions (kept_mode: not a setuid or setgid bit) */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) fchmod(fd, kept_mode(st.st_mode));
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        e = errno;
        close(fd);
        if (o->tmp) unlink(o->tmp);
        live_remove(o->tmp);
        free(o->path); free(o->tmp);
        memset(o, 0, sizeof *o);
        return ts_fail("%s: cannot open: %s", path, strerror(e));
    }
    return 0;
}

/* the folder's entries made durable after a rename into it: without, a power loss soon
 * after could bring back the old file (whole, but not the new one the command reported).
 * A filesystem that cannot sync a folder (EINVAL) has nothing to do here. 0, or -1 with
 * errno where the sync failed (EIO: after a failed fsync the pages may be marked clean, so
 * a retry proves nothing; the caller says so where it matters) */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return 0;
    int rc = fsync(fd) != 0 && errno != EINVAL ? -1 : 0;
    const int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* sync_dir, failing in one line naming dir */
static int sync_dir_named(const char *dir)
{
    return sync_dir(dir) == 0 ? 0 : ts_fail("%s: cannot sync: %s", dir, strerror(errno));
}

/* "PATH: write failed: REASON", or without a reason where none is known (e == 0) */
static void write_failed(const char *path, int e)
{
    if (e) ts_fail("%s: write failed: %s", path, strerror(e));
    else ts_fail("%s: write failed", path);
}

int ts_out_commit(ts_outfile *o)
{
    if (o->direct) {   /* nothing to sync or rename */
        errno = 0;
        int bad = fflush(o->f) != 0;
        int e = errno;
        bad |= ferror(o->f);
        if (fclose(o->f) != 0 && !bad) { bad = 1; e = errno; }
        if (bad) write_failed(o->path, e);
        free(o->path);
        memset(o, 0, sizeof *o);
        return bad ? -1 : 0;
    }
    /* a write that failed before (the buffer full) has left its error, not its reason:
     * flushed again, the rest fails with one */
    errno = 0;
    int bad = fflush(o->f) != 0;
    int e = errno;
    if (!bad && ferror(o->f)) bad = 1;
    if (!bad && fsync(fileno(o->f)) != 0) { bad = 1; e = errno; }
    char *odir = ts__path_dir(o->path);
    const int others = bad ? 0 : commit_after_others(odir);
    free(odir);
    if (others) {
        fclose(o->f);
        if (o->tmp) unlink(o->tmp);
        live_remove(o->tmp);
        free(o->path); free(o->tmp);
        memset(o, 0, sizeof *o);
        return -1;
    }
    ts_signals_hold();
    if (!bad && !o->tmp && make_named(o->path, fileno(o->f), &o->tmp, NULL) != 0) {
        bad = 1;
        e = errno;
    }
    /* the lock (in_use) kept through the rename by a second descriptor */
    const int hold = fcntl(fileno(o->f), F_DUPFD_CLOEXEC, 3);
    if (fclose(o->f) != 0 && !bad) { bad = 1; e = errno; }
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) { bad = 1; e = errno; }
    if (bad) {
        if (o->tmp) unlink(o->tmp);
        write_failed(o->path, e);
    }
    if (hold >= 0) close(hold);
    if (!bad) {   /* the file is in place: a folder that cannot be synced is said, not undone */
        char *dir = ts__path_dir(o->path);
        bad = sync_dir_named(dir) != 0;
        free(dir);
    }
    live_remove(o->tmp);   /* (gone, or the output's name now) before the signal comes */
    ts_signals_release();
    free(o->path); free(o->tmp);
    o->path = o->tmp = NULL;
    return bad ? -1 : 0;
}

void ts_out_abort(ts_outfile *o)
{
    if (!o) return;
    if (o->f && o->direct) __fpurge(o->f);   /* what is buffered is not written, as a file is not made */
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    live_remove(o->tmp);
    free(o->path); free(o->tmp);
    memset(o, 0, sizeof *o);
}

/* ---- a set of files replaced together ----
 * Written into DIR/.stage.<pid>.XXXXXX, then moved into DIR one rename at a
 * time; each old file is first linked into the stage (KEPT; an old directory is moved
 * into it just before its replacement) so that a failed rename puts back the ones
 * already replaced. A stage left by a killed process (kill -9, power loss; the
 * signals it can catch remove it, see out_handler) is removed by the next
 * ts_stage_open in DIR, or, where the set was committed (its record written), carried
 * out by it or by the next reader of DIR (ts_stage_recover). */

/* ts_remove_tree's walk: its levels doubled to hold at least n */
static int walk_grow(struct rm_walk *w, long n)
{
    long cap = w->cap ? w->cap : 16;
    while (cap < n) cap *= 2;
    /* each array grown in turn: one that fails leaves the others larger, cap as it was */
    void *p;
#define GROW(a) \
    if (!(p = realloc(w->a, (size_t)cap * sizeof *w->a))) return -1; \
    w->a = p;
    GROW(fd) GROW(at) GROW(pass) GROW(more) GROW(gone) GROW(dev) GROW(ino)
#undef GROW
    w->cap = cap;
    return 0;
}

void ts_remove_tree(const char *path)
{
    struct rm_walk w = {.held = WALK_HELD, .grow = walk_grow};
    if (walk_grow(&w, 1) == 0)
        remove_walk(AT_FDCWD, path, &w);
    else   /* no memory for the walk: the handler's, REMOVE_DEPTH levels deep */
        remove_at(AT_FDCWD, path);
    free(w.fd); free(w.at); free(w.pass); free(w.more); free(w.gone); free(w.dev); free(w.ino);
}

/* the first folder of dir's path that is not there (malloc'd), or NULL */
static char *first_missing(const char *dir)
{
    char *p = ts_strdup(dir);
    struct stat st;
    for (char *s = p + 1; *p; s++) {
        if (*s != '/' && *s) continue;
        const char c = *s;
        *s = 0;
        if (stat(p, &st) != 0) return p;
        *s = c;
        if (!c) break;
    }
    free(p);
    return NULL;
}

/* ---- a set's commit record, and its roll forward ----
 * Once every new file is in the stage and synced, and before the first rename, the commit
 * writes RECORD into the stage and syncs it and the stage: from then on the set is
 * committed, and the renames only carry it out. A process that dies between two of them
 * (SIGKILL, a power cut: no signal to hold) leaves a stage with its record, which the next
 * ts_stage_open, ts_out_open or ts_stage_recover in DIR carries out (the names still in
 * the stage put in place, the names to go removed); a stage without one (the process died
 * before its record) is no commit: the old set is whole, and the stage goes. The record is
 * binary-safe: HEAD, then each entry as a letter (F a file to place, D a directory to
 * place, R a file to remove), the name and a NUL, then "end COUNT HASH\n", HASH the FNV-1a
 * of what comes before "end": a record cut short (or ended in zeros by a power cut) has
 * no such end and is none. Nothing of it is renamed before it is synced whole. */
#define RECORD ".tracesynth-commit"
#define RECORD_HEAD "tracesynth commit 1\n"
#define RECORD_MAX ((size_t)64 << 20)
/* the stage's own folder for what the commit keeps (KEPT/old/NAME: the old file or
 * directory NAME replaced, put back on failure; KEPT/gone/I: gone[I], moved in to go), out
 * of reach of the set's names (one entry each, KEPT refused), so that no name of the set is
 * one of them */
#define KEPT ".tracesynth"

/* stage/KEPT/sub/name (malloc'd), its folders made (0700: the old files are no one
 * else's to open through the stage); NULL naming what could not be made */
static char *kept_path(const char *stage, const char *sub, const char *name)
{
    char *k = ts_path_join(stage, KEPT), *d = ts_path_join(k, sub), *p = NULL;
    if ((mkdir(k, 0700) != 0 && errno != EEXIST) || (mkdir(d, 0700) != 0 && errno != EEXIST))
        ts_fail("%s: cannot create directory: %s", d, strerror(errno));
    else
        p = ts_path_join(d, name);
    free(k);
    free(d);
    return p;
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h;
}

/* a name of a record's entry: one name in DIR (no '/', not . or ..), so that a record
 * found in a folder places and removes nothing outside it */
static int record_name_ok(const char *s)
{
    return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* a file of entries (a record, a group: HEAD, each entry as its letter, its text and a NUL,
 * then "end COUNT HASH\n") written into stage as file and made durable with the stage's
 * entry for it: kinds[i] and texts[i] (kinds NULL: kind each), n of them. 0 / -1 naming it
 * (what it is) */
static int entries_write(const char *stage, const char *file, const char *head, const char *what, const char *kinds,
                         char kind, const char *const *texts, int n)
{
    size_t cap = strlen(head) + 64, len = 0;
    for (int i = 0; i < n; i++) cap += strlen(texts[i]) + 2;
    char *buf = ts_malloc(cap);
    len = (size_t)snprintf(buf, cap, "%s", head);
    for (int i = 0; i < n; i++) {
        buf[len++] = kinds ? kinds[i] : kind;
        const size_t l = strlen(texts[i]) + 1;
        memcpy(buf + len, texts[i], l);
        len += l;
    }
    len += (size_t)snprintf(buf + len, cap - len, "end %d %016llx\n", n, (unsigned long long)fnv1a(buf, len));
    char *p = ts_path_join(stage, file);
    int rc = 0, fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);   /* (read by others' readers) */
    if (fd < 0) rc = -1;
    for (size_t off = 0; rc == 0 && off < len;) {
        const ssize_t w = write(fd, buf + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) rc = -1;
        else off += (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0) rc = -1;
    if (rc) ts_fail("%s: cannot write the %s of the commit: %s", p, what, strerror(errno ? errno : EIO));
    if (fd >= 0) close(fd);
    if (rc == 0) rc = sync_dir_named(stage);
    free(p);
    free(buf);
    return rc;
}

/* the record of a commit: kinds[i] ('F', 'D', 'R') and names[i], n of them, written into
 * stage and made durable with the stage's entry for it. 0 / -1 naming it */
static int record_write(const char *stage, const char *kinds, const char *const *names, int n)
{
    return entries_write(stage, RECORD, RECORD_HEAD, "record", kinds, 0, names, n);
}

/* a complete record read from stage: its n entries (kind[i], name[i] pointing into buf);
 * 1, 0 where there is none or it is cut short or damaged (its set not committed), -1 where
 * it cannot be opened to tell (another user's stage) */
typedef struct { int n; char *kind; const char **name; char *buf; } record;

static void record_free(record *r)
{
    free(r->kind);
    free(r->name);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

/* a file of entries written by entries_write read whole from stage: each entry's letter one
 * of kinds and its text one that ok takes; 1, 0 where there is none or it is cut short or
 * damaged, -1 where it cannot be opened to tell (another user's stage) */
static int entries_read(const char *stage, const char *file, const char *head, const char *kinds,
                        int (*ok_text)(const char *), record *r)
{
    memset(r, 0, sizeof *r);
    char *p = ts_path_join(stage, file);
    const int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    free(p);
    struct stat st;
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > RECORD_MAX) {
        close(fd);
        return 0;
    }
    const size_t size = (size_t)st.st_size;
    char *buf = ts_malloc(size + 1);
    size_t got = 0;
    while (got < size) {
        const ssize_t k = read(fd, buf + got, size - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    buf[got] = 0;
    const size_t hl = strlen(head);
    int ok = got == size && size > hl && !memcmp(buf, head, hl);
    size_t at = hl;
    int n = 0;
    while (ok && at < size && buf[at] && strchr(kinds, buf[at])) {
        const char *z = memchr(buf + at + 1, 0, size - at - 1);
        if (!z || !ok_text(buf + at + 1)) ok = 0;
        else at = (size_t)(z - buf) + 1, n++;
    }
    if (ok) {   /* the end, exactly, and nothing after it */
        char want[64];
        const int wl = snprintf(want, sizeof want, "end %d %016llx\n", n, (unsigned long long)fnv1a(buf, at));
        ok = size - at == (size_t)wl && !memcmp(buf + at, want, (size_t)wl);
    }
    if (!ok) {
        free(buf);
        return 0;
    }
    r->n = n;
    r->buf = buf;
    r->kind = ts_malloc((size_t)n + 1);
    r->name = ts_malloc(((size_t)n + 1) * sizeof *r->name);
    at = hl;
    for (int i = 0; i < n; i++) {
        r->kind[i] = buf[at];
        r->name[i] = buf + at + 1;
        at += strlen(buf + at + 1) + 2;
    }
    return 1;
}

static int record_read(const char *stage, record *r)
{
    return entries_read(stage, RECORD, RECORD_HEAD, "FDR", record_name_ok, r);
}

/* the committed set of the record carried out in dir: the names to go removed, each name
 * still in the stage put in place (a directory's old one moved aside into the stage
 * first, as the commit does), the folder synced. Each step is done once whatever was done
 * before it (a name no longer in the stage was placed), so a roll forward cut short is
 * finished by the next. 0, or -1 naming what could not be done. A limit: where the
 * folder's sync failed (EIO) and the stage was kept, the next roll forward finds every
 * name placed and only syncs the folder again, which may pass although the renames are
 * not on disk (after a failed fsync the kernel may mark the pages clean and report the
 * error once): a sync that passes here proves the renames durable only where no earlier
 * one failed */
static int roll_forward(const char *dir, const char *stage, const record *r)
{
    int rc = 0;
    for (int i = 0; i < r->n && rc == 0; i++) {
        if (r->kind[i] != 'R') continue;
        char *p = ts_path_join(dir, r->name[i]);
        struct stat st;
        if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(p) != 0 && errno != ENOENT)
            rc = ts_fail("%s: cannot remove it: %s", p, strerror(errno));
        free(p);
    }
    for (int i = 0; i < r->n && rc == 0; i++) {
        if (r->kind[i] == 'R') continue;
        char *src = ts_path_join(stage, r->name[i]), *dst = ts_path_join(dir, r->name[i]);
        struct stat st;
        if (lstat(src, &st) != 0) {   /* placed already */
            if (errno != ENOENT) rc = ts_fail("%s: %s", src, strerror(errno));
        } else {
            if (r->kind[i] == 'D' && lstat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
                char *old = kept_path(stage, "old", r->name[i]);
                if (!old) rc = -1;
                else {
                    ts_remove_tree(old);   /* (none: the commit moves the old one aside only to place the new) */
                    if (rename(dst, old) != 0)
                        rc = ts_fail("%s: cannot move the old one aside: %s", dst, strerror(errno));
                }
                free(old);
            }
            if (rc == 0 && rename(src, dst) != 0) rc = ts_fail("%s: cannot replace: %s", dst, strerror(errno));
        }
        free(src);
        free(dst);
    }
    if (rc == 0) rc = sync_dir_named(dir);   /* (the stage kept: the next one syncs it again) */
    return rc;
}

/* whether this process holds path's lock (dir_lock) */
static int locked_here(const char *path)
{
    int held = 0;
    pthread_mutex_lock(&dir_locks_mu);
    for (int i = 0; i < MAX_LIVE && !held; i++) held = dir_locks[i].path && !strcmp(dir_locks[i].path, path);
    pthread_mutex_unlock(&dir_locks_mu);
    return held;
}

/* whether path is a stage this process has open (its lock, or its name in live: the
 * pid in a stage's name may be this process's by chance, a killed one's of another PID
 * namespace, or of this container's earlier run) */
static int own_stage(const char *path)
{
    int own = locked_here(path);
    sigset_t was;
    book_enter(&was);
    for (int i = 0; i < MAX_LIVE && !own; i++) own = live[i] && !strcmp((const char *)live[i], path);
    book_leave(&was);
    return own;
}

/* a committed stage that this user cannot lock (another user's, or a folder without
 * locks): its process, while alive, is at its renames, and is waited for a while as a lock
 * is, by its record (gone once the set is placed). 1 while the record is there and the
 * process alive, 0 once the record is gone, -1 once the process is gone with it there */
static int record_there_while(const char *stage, long pid)
{
    char *p = ts_path_join(stage, RECORD);
    int there = 1;
    for (int tries = 0;; tries++) {
        const int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) close(fd);
        if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) there = 0;
        else if (!pid_alive(pid)) there = -1;
        if (there != 1 || tries >= 200) break;
        struct timespec ms10 = {0, 10 * 1000 * 1000};
        nanosleep(&ms10, NULL);
    }
    free(p);
    return there;
}

/* a committed stage of another process, taken for its roll forward: a descriptor holding
 * its lock (kept while it is carried out, so that no other process does it at once), -1
 * where the folder takes no lock and its pid is no process, -2 while its process lives (it
 * holds the lock; without locks, or another user's stage that cannot be opened to lock it:
 * its pid is a process), -3 when it is gone meanwhile (its process carried it out). wait: the lock is waited for a while (a live process carries
 * its commit out in moments) */
/* take_committed's answer for a stage it cannot lock: by its pid, its live process waited
 * for (wait) by the record */
static int by_pid(const char *path, long pid, int wait)
{
    if (pid == (long)getpid() || !pid_alive(pid)) return -1;
    const int there = wait ? record_there_while(path, pid) : 1;
    return there == 0 ? -3 : there < 0 ? -1 : -2;
}

static int take_committed(const char *path, long pid, int wait)
{
    const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return -3;
    if (fd < 0) return by_pid(path, pid, wait);   /* another user's: by the pid alone */
    for (int tries = 0;; tries++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) {   /* no locks here: by the pid alone */
            close(fd);
            return by_pid(path, pid, wait);
        }
        if (!wait || tries >= 200) break;
        struct timespec ms10 = {0, 10 * 1000 * 1000};
        nanosleep(&ms10, NULL);
    }
    close(fd);
    return -2;
}

/* a stage that another user made in a folder not that user's (a shared one, as /tmp):
 * its record names files its user could not replace or remove there, so it is not carried
 * out by this one (root's included); *uid its user. A stage of the folder's owner, or of
 * this user, is */
static int stage_of_other(const char *dir, const char *stage, uid_t *uid)
{
    struct stat ss, ds;
    if (lstat(stage, &ss) != 0 || ss.st_uid == geteuid()) return 0;
    *uid = ss.st_uid;
    return stat(dir, &ds) != 0 || ds.st_uid != ss.st_uid;
}

/* the refusal of such a stage (name, in dir) */
static int refuse_other(const char *dir, const char *name, uid_t uid)
{
    return ts_fail("%s: holds an interrupted replacement of its files (%s: some new, some old) by another user (uid "
                   "%lu), which is not carried out here: run any tracesynth command that reads or writes %s as that "
                   "user, which completes it",
                   dir, name, (unsigned long)uid, dir);
}

/* ---- a group: sets in several folders committed as one ----
 * ts_stage_commit_with commits a stage (the primary) with others (the secondaries), each
 * in its own folder. First each secondary gets GROUP (P, the primary's absolute path) and
 * its record, synced; then the primary gets GROUP (S, each secondary's absolute path) and
 * its record: that record is the group's one commit point. A secondary whose primary holds
 * no whole record that lists it was never committed (its process died before the commit
 * point) and goes as a stage without a record goes; one whose primary does is carried
 * out with the whole group. The primary's roll forward carries out its secondaries first
 * (they lie in folders no reader of the primary's folder looks at), each removed once its
 * names are placed and synced, and the primary is removed last: a secondary left while the
 * primary is there is committed, and one left once it is gone has nothing left to place.
 * GROUP is binary-safe as the record is: HEAD, each entry as its letter, the path and a
 * NUL, then "end COUNT HASH\n". */
#define GROUP ".tracesynth-group"
#define GROUP_HEAD "tracesynth group 1\n"

/* 1 with *pid where name is a stage's (.stage.<pid>.XXXXXX) */
static int stage_name_pid(const char *name, long *pid)
{
    char *end;
    if (strncmp(name, ".stage.", 7)) return 0;
    errno = 0;
    *pid = strtol(name + 7, &end, 10);
    return !errno && end != name + 7 && *end == '.' && strlen(end + 1) == 6;
}

/* an entry of GROUP: an absolute path to a stage */
static int group_path_ok(const char *p)
{
    const char *sl = strrchr(p, '/');
    long pid;
    return p[0] == '/' && sl && stage_name_pid(sl + 1, &pid);
}

/* GROUP written into stage, made durable: kind 'P' (paths[0] the primary) or 'S' (the
 * n secondaries). 0 / -1 naming it */
static int group_write(const char *stage, char kind, const char *const *paths, int n)
{
    return entries_write(stage, GROUP, GROUP_HEAD, "group", NULL, kind, paths, n);
}

/* GROUP read from stage: its kind ('P' or 'S') and n paths (pointing into r, freed by
 * group_free); 1, 0 where there is none or it is not whole (no group: a commit of its
 * own, or never committed), -1 where it cannot be opened to tell */
typedef struct { int n; char kind; const char **path; record r; } group;

static void group_free(group *g)
{
    record_free(&g->r);
    memset(g, 0, sizeof *g);
}

static int group_read(const char *stage, group *g)
{
    memset(g, 0, sizeof *g);
    int ok = entries_read(stage, GROUP, GROUP_HEAD, "PS", group_path_ok, &g->r);
    if (ok <= 0) return ok;
    /* one kind throughout, and one primary */
    ok = g->r.n > 0 && (g->r.kind[0] == 'S' || g->r.n == 1);
    for (int i = 1; i < g->r.n && ok; i++) ok = g->r.kind[i] == g->r.kind[0];
    if (!ok) {
        group_free(g);
        return 0;
    }
    g->n = g->r.n;
    g->kind = g->r.kind[0];
    g->path = g->r.name;
    return 1;
}

/* whether the primary stage holds a whole record and lists the secondary stage sec: 1
 * (the group committed), 0 (not there, no record: never committed), -1 where its record
 * cannot be read */
static int primary_commits(const char *primary, const char *sec)
{
    record r;
    int has = record_read(primary, &r);
    record_free(&r);
    group g = {0};
    if (has == 1 && (has = group_read(primary, &g)) == 1) {
        has = 0;
        for (int i = 0; i < g.n && !has && g.kind == 'S'; i++) has = ts_same_file(g.path[i], sec);
    }
    group_free(&g);
    return has;
}

/* the secondaries of the primary stage (committed, and locked by the caller) carried out,
 * each removed once its names are placed; 0 also where it is no group's primary */
static int roll_secondaries(const char *primary)
{
    group g;
    int rc = group_read(primary, &g);
    if (rc <= 0 || g.kind != 'S') {
        group_free(&g);
        return rc < 0 ? ts_fail("%s: cannot read the group of its commit: %s", primary, strerror(errno)) : 0;
    }
    rc = 0;
    for (int i = 0; i < g.n && rc == 0; i++) {
        const char *sec = g.path[i];
        long pid = 0;
        stage_name_pid(strrchr(sec, '/') + 1, &pid);
        const int fd = take_committed(sec, pid, 1);
        if (fd == -3) continue;   /* carried out and removed */
        if (fd == -2) {
            rc = ts_fail("%s: its files are being replaced by a process still running", sec);
            continue;
        }
        record r;
        const int has = record_read(sec, &r);
        char *dir = ts__path_dir(sec);
        uid_t uid = 0;
        if (has < 0) rc = ts_fail("%s: cannot read the record of its commit: %s", sec, strerror(errno));
        else if (has && stage_of_other(dir, sec, &uid)) rc = refuse_other(dir, strrchr(sec, '/') + 1, uid);
        /* no record where the primary has one: its names placed, its removal cut short */
        else if (has == 0 || (rc = roll_forward(dir, sec, &r)) == 0) ts_remove_tree(sec);
        record_free(&r);
        free(dir);
        if (fd >= 0) close(fd);
    }
    group_free(&g);
    return rc;
}

/* the group of the committed primary stage carried out (locked first, then each of its
 * secondaries), the primary removed last; 0 also where another process has done it */
static int carry_group(const char *primary, int reader)
{
    long pid = 0;
    stage_name_pid(strrchr(primary, '/') + 1, &pid);
    char *dir = ts__path_dir(primary);
    const int fd = take_committed(primary, pid, 1);
    int rc = 0;
    uid_t uid = 0;
    if (fd == -2 && reader == 1) {
        rc = ts_fail("%s: its files are being replaced by a process still running (%s): read them once it has ended",
                     dir, primary);
    } else if (fd >= -1 && stage_of_other(dir, primary, &uid)) {
        rc = refuse_other(dir, strrchr(primary, '/') + 1, uid);
    } else if (fd >= -1) {
        record r;
        const int has = record_read(primary, &r);   /* none: carried out meanwhile */
        if (has == 1 && roll_secondaries(primary) == 0 && roll_forward(dir, primary, &r) == 0) ts_remove_tree(primary);
        else if (has == 1)
            rc = ts_fail("%s: holds an interrupted replacement of its files (%s: some new, some old), which cannot be "
                         "completed here (%s): run any tracesynth command that reads or writes %s as a user who may "
                         "write there, which completes it",
                         dir, primary, ts_error(), dir);
        record_free(&r);
    }
    if (fd >= 0) close(fd);
    free(dir);
    return rc;
}

/* a stage of a process gone with no record (stage, in dir), removed by a writer. Its record
 * may have gone in a commit that failed, that removal not synced (plans_undo): a power cut
 * could bring the record back, and with it a stage whose files were partly removed, rolled
 * forward as a set partly gone. So the stage first loses its name, durably (STAGE.gone, a
 * name no reader takes for a stage; dir synced, not the stage, whose sync may have failed),
 * then goes; where either fails it stays for the next writer. A .gone one left by a power
 * cut meanwhile is removed as well, dir synced first (gone: 1) */
static void sweep_stage(const char *dir, const char *stage, int gone)
{
    char *to = gone ? ts_strdup(stage) : ts_malloc(strlen(stage) + 6);
    if (!gone) sprintf(to, "%s.gone", stage);
    if ((gone || rename(stage, to) == 0) && sync_dir(dir) == 0) ts_remove_tree(to);
    free(to);
}

/* whether the primary stage of a group, which holds no record of it, is gone for good
 * (removed, its folder synced; one without a record swept first; or its name another
 * commit's, whose record was synced there): until then its record may come back, as above,
 * and the group with it, whose secondary must then be whole */
static int primary_gone(const char *primary)
{
    char *pdir = ts__path_dir(primary);
    record r = {0};
    struct stat st;
    const int has = lstat(primary, &st) == 0 ? record_read(primary, &r) : -1;
    record_free(&r);
    if (has == 0 && !in_use(primary)) sweep_stage(pdir, primary, 0);
    const int gone = has == 1 || (lstat(primary, &st) != 0 && errno == ENOENT && sync_dir(pdir) == 0);
    free(pdir);
    return gone;
}

/* a committed stage of dir (name, of process pid) as a group's secondary: 2 where it is
 * none (a commit of its own); else 0, its group carried out where the primary holds the
 * commit, the stage removed where it does not (sweep: the old set in its folder is whole)
 * and its primary is gone for good (primary_gone), or -1 as recover_in fails */
static int as_secondary(const char *dir, const char *name, const char *stage, long pid, int sweep, int reader)
{
    group g;
    const int h = group_read(stage, &g), why = errno;
    if (h < 0) {   /* another user's stage: a group's or not, cannot be told; its process waited for by its record */
        const int there = reader == 1 && pid != (long)getpid() ? record_there_while(stage, pid) : 0;
        if (there == 1)
            return ts_fail("%s: its files are being replaced by a process still running (%s): read them once it has "
                           "ended", dir, name);
        return there < 0 ? ts_fail("%s: holds a replacement of its files that may be unfinished (%s), whose group "
                                   "cannot be read here (%s): run any tracesynth command that reads or writes %s as a "
                                   "user who may write there, which completes it",
                                   dir, name, strerror(why), dir)
                         : 0;
    }
    if (h == 0 || g.kind != 'P') {
        group_free(&g);
        return 2;
    }
    /* this process's own: its commit, under way in another thread */
    const int fd = pid == (long)getpid() && own_stage(stage) ? -3 : take_committed(stage, pid, reader);
    int rc = 0;
    if (fd == -2 && reader == 1) {
        rc = ts_fail("%s: its files are being replaced by a process still running (%s): read them once it has ended",
                     dir, name);
    } else if (fd >= -1) {
        /* its process gone, so the primary's record is whole or never will be */
        const int c = primary_commits(g.path[0], stage);
        if (c < 0 && reader == 1)
            rc = ts_fail("%s: holds a replacement of its files that may be unfinished (%s), whose group's record "
                         "(%s) cannot be read here: run any tracesynth command that reads or writes it as a user "
                         "who may, which completes it",
                         dir, name, g.path[0]);
        else if (c == 0 && sweep && primary_gone(g.path[0]))
            sweep_stage(dir, stage, 0);
        if (fd >= 0) close(fd);   /* the primary is locked first, as every roll forward of the group does */
        if (c == 1) rc = carry_group(g.path[0], reader);
    }
    group_free(&g);
    return rc;
}

/* the stages in dir of processes that are gone: a committed one carried out (then
 * removed), one without a record removed where sweep (a writer: a stage is made there
 * next). reader: a committed stage that cannot be carried out here, or whose process
 * still carries it out, is an error (its set is half replaced); 2, a writer's at its
 * commit: such a process is waited for as a reader waits, then left to it. One readdir;
 * 0 / -1 */
static int recover_in(const char *dir, int sweep, int reader)
{
    DIR *d = opendir(dir);
    if (!d) return 0;   /* the reader names what it cannot open */
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (strncmp(e->d_name, ".stage.", 7)) continue;
        char *end;
        errno = 0;
        long pid = strtol(e->d_name + 7, &end, 10);
        if (errno || end == e->d_name + 7 || *end != '.') continue;
        if (strlen(end + 1) == 11 && !strcmp(end + 7, ".gone")) {   /* a swept stage's remains */
            char *p = ts_path_join(dir, e->d_name);
            if (sweep && pid != (long)getpid() && !pid_alive(pid)) sweep_stage(dir, p, 1);
            free(p);
            continue;
        }
        if (strlen(end + 1) != 6) continue;
        char *p = ts_path_join(dir, e->d_name);
        record r;
        int sec;
        const int has = record_read(p, &r), why = errno;
        if (has < 0) {   /* a stage of another user's process: perhaps half replaced */
            struct stat st;   /* one others may not search was never committed (see the commit) */
            const int committed = reader == 1 && pid != (long)getpid() && lstat(p, &st) == 0 && (st.st_mode & 011);
            const int there = committed ? record_there_while(p, pid) : 0;
            if (there == 1)
                rc = ts_fail("%s: its files are being replaced by a process still running (%s): read them once it "
                             "has ended", dir, e->d_name);
            else if (there < 0)   /* its process gone, its record still there */
                rc = ts_fail("%s: holds a replacement of its files that may be unfinished (%s), whose record cannot be "
                             "read here (%s): run any tracesynth command that reads or writes %s as a user who may "
                             "write there, which completes it",
                             dir, e->d_name, strerror(why), dir);
        } else if (has && (sec = as_secondary(dir, e->d_name, p, pid, sweep, reader)) != 2) {
            rc = sec;   /* a group's secondary: committed as its primary says */
            record_free(&r);
        } else if (has) {
            /* this process's own: its commit, under way in another thread */
            const int fd = pid == (long)getpid() && own_stage(p) ? -3 : take_committed(p, pid, reader);
            uid_t uid = 0;
            if (fd == -2 && reader == 1) {
                rc = ts_fail("%s: its files are being replaced by a process still running (%s): read them once it "
                             "has ended", dir, e->d_name);
            } else if (fd >= -1 && stage_of_other(dir, p, &uid)) {
                rc = refuse_other(dir, e->d_name, uid);
            } else if (fd >= -1 && roll_secondaries(p) == 0 && roll_forward(dir, p, &r) == 0) {
                ts_remove_tree(p);
            } else if (fd >= -1) {
                rc = ts_fail("%s: holds an interrupted replacement of its files (%s: some new, some old), which "
                             "cannot be completed here (%s): run any tracesynth command that reads or writes %s as a "
                             "user who may write there, which completes it",
                             dir, e->d_name, ts_error(), dir);
            }
            if (fd >= 0) close(fd);
            record_free(&r);
        } else if (sweep && pid != (long)getpid() && !pid_alive(pid) && !in_use(p)) {
            sweep_stage(dir, p, 0);
        }
        free(p);
    }
    closedir(d);
    return rc;
}

int ts_stage_recover(const char *dir)
{
    if (!dir) return ts_fail_null(__func__, "dir");
    return recover_in(dir, 0, 1);
}

int ts__stage_recover_beside(const char *path)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (ts_path_is_stdin(path)) return 0;   /* nothing lies beside standard input */
    /* "trace/" is the entry trace in its folder: there also while a killed commit left none */
    char *trim = ts_path_trim(path), *real = realpath(trim, NULL);   /* a link: the set is where its file is */
    char *dir = ts__path_dir(real ? real : trim);
    const int rc = recover_in(dir, 0, 1);
    free(dir);
    free(real);
    free(trim);
    return rc;
}

int ts_stage_open(ts_stage *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    /* the folders made here go again when the set is not written; known before they are
     * made, so that a signal that comes as they are (or while the set is written) removes
     * them too, as it does the stage */
    char *made = first_missing(dir);
    s->dir = ts_strdup(dir);
    if (made) live_add_dir(made, s->dir);
    /* then the stages that processes gone left: a committed set carried out, the rest removed */
    if (ts_mkdir_p(dir) != 0 || recover_in(dir, 1, 0) != 0) goto unmade;
    char name[64];
    snprintf(name, sizeof name, ".stage.%ld.XXXXXX", (long)getpid());
    s->stage = ts_path_join(dir, name);
    live_add(s->stage);   /* known before it is made (mkdtemp fills the name in place) */
    if (!mkdtemp(s->stage)) {
        ts_fail("%s: cannot create a directory: %s", dir, strerror(errno));
        live_remove(s->stage);
        free(s->stage);
        s->stage = NULL;
        goto unmade;
    }
    dir_lock(s->stage);   /* (0700 until its commit: its new files have their modes only then) */
    s->made = made;
    return 0;
unmade:   /* the folders made for dir go again */
    if (made) {
        rmdir_chain(dir, made);
        live_remove(made);
    }
    free(made);
    free(s->dir);
    s->dir = NULL;
    return -1;
}

int ts_stage_open_beside(ts_stage *s, const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char *parent = ts__path_dir(path);
    *base = slash ? slash + 1 : path;
    /* the folder must be there, as for every other output: made here, it would stay behind
     * when the work then fails */
    struct stat st;
    int rc = 0;
    if (stat(parent, &st) != 0) rc = ts_fail("%s: cannot create: %s", path, strerror(errno));
    else if (!S_ISDIR(st.st_mode)) rc = ts_fail("%s: cannot create: %s", path, strerror(ENOTDIR));
    if (rc) memset(s, 0, sizeof *s);
    else rc = ts_stage_open(s, parent);
    free(parent);
    return rc;
}

void ts_stage_abort(ts_stage *s)
{
    if (!s) return;
    if (s->stage) ts_remove_tree(s->stage);
    dir_unlock(s->stage);
    live_remove(s->stage);
    if (s->made && s->dir) rmdir_chain(s->dir, s->made);
    if (s->made) live_remove(s->made);
    free(s->stage);
    free(s->dir);
    free(s->made);
    memset(s, 0, sizeof *s);
}

/* name in dfd made durable, a folder with everything in it (its files, then itself: its
 * entries). A stage's files written through ts_out_open are synced already; those another
 * writer made there (babeltrace's sink.ctf.fs writes a trace's streams) are not, and the
 * folder synced after the rename would make their names durable before their data: a
 * power loss then left empty streams where the old trace was. A file or folder that cannot
 * be looked at (fstatat), opened or listed to be synced fails, as one that cannot be synced
 * does (before any record); what holds no data of its own (a link, a FIFO, a device) is not synced;
 * folders SYNC_DEPTH deep at most (see remove_at, which removes as deep) */

static int sync_tree(int dfd, const char *name, const char *path, int depth)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)   /* (a name not written: the commit says so) */
        return errno == ENOENT ? 0 : ts_fail("%s: cannot stat it to sync: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return 0;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES && S_ISREG(st.st_mode))   /* a file that may be written, not read */
        fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    /* the stage's files are the process's own: one it cannot open is not placed unsynced */
    if (fd < 0) return ts_fail("%s: cannot open it to sync: %s", path, strerror(errno));
    int rc = 0;
    /* a stage's folders are the process's own, a few deep (a CTF trace: one); one deeper than
     * this cannot be synced whole here and is not placed unsynced */
    if (S_ISDIR(st.st_mode) && depth >= SYNC_DEPTH)
        rc = ts_fail("%s: more than %d folders deep, too deep to sync", path, SYNC_DEPTH);
    else if (S_ISDIR(st.st_mode)) {
        /* a folder that cannot be listed would leave its entries unsynced: it fails too */
        const int dd = dup(fd);
        DIR *d = dd >= 0 ? fdopendir(dd) : NULL;
        if (!d) rc = ts_fail("%s: cannot open it to sync: %s", path, strerror(errno));
        if (!d && dd >= 0) close(dd);
        for (struct dirent *e; d && rc == 0;) {
            errno = 0;
            if (!(e = readdir(d))) {
                if (errno) rc = ts_fail("%s: cannot read it to sync: %s", path, strerror(errno));
                break;
            }
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char *p = ts_path_join(path, e->d_name);
                rc = sync_tree(fd, e->d_name, p, depth + 1);
                free(p);
            }
        }
        if (d) closedir(d);
    }
    /* a sync that failed is final (the pages may be marked clean): the set is not placed */
    if (rc == 0 && fsync(fd) != 0 && errno != EINVAL) rc = ts_fail("%s: cannot sync: %s", path, strerror(errno));
    close(fd);
    return rc;
}

/* the folders made for a set (made: the first of them, a part of dir's path) durable in
 * the folders that hold them, up to the one above made: else a power cut could lose the
 * whole new folder, the set in it too */
static int sync_made(const char *dir, const char *made)
{
    int rc = 0;
    char *cur = ts_strdup(dir);
    while (strlen(cur) >= strlen(made)) {
        char *up = ts__path_dir(cur);
        const int same = !strcmp(up, cur);
        if (!same && rc == 0) rc = sync_dir_named(up);
        free(cur);
        cur = up;
        if (same) break;
    }
    free(cur);
    return rc;
}

int ts_stage_commit(ts_stage *s, const char *const *names, int n)
{
    return ts_stage_commit_removing(s, names, n, NULL, 0);
}

/* one stage's commit in steps, so that a group (ts_stage_commit_with) carries out several
 * as one: plan_make, plan_record, plan_place; then plan_settle, or on failure plans_undo;
 * plan_end either way */
typedef struct {
    ts_stage *s;
    int n, ngone, done, gdone, lk, nr, back;   /* back: all put back that was moved */
    int unsynced;   /* errno of the folder's sync that failed after the renames back; 0 none */
    char **src, **dst, **old, *isdir, **gsrc, **gold;
    const char **rn;   /* (nr) the record's names and kinds */
    char *rk;
} commit_plan;

/* the new files durable before they take the old ones' place (outside the hold: a large
 * trace takes a while); 0, or -1 naming the first that could not be synced, before any
 * record: no commit */
static int plan_sync(const ts_stage *s, const char *const *names, int n)
{
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char *p = ts_path_join(s->stage, names[i]);
        rc = sync_tree(AT_FDCWD, p, p, 0);
        free(p);
    }
    return rc;
}

/* everything up to the record (the signals held): c filled either way, for plan_end */
static int plan_make(commit_plan *c, ts_stage *s, const char *const *names, int n, const char *const *gone, int ngone)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->n = n;
    c->ngone = ngone;
    c->lk = -1;
    c->back = 1;
    c->src = ts_calloc((size_t)n, sizeof *c->src);
    c->dst = ts_calloc((size_t)n, sizeof *c->dst);
    c->old = ts_calloc((size_t)n, sizeof *c->old);
    c->isdir = ts_calloc((size_t)n, 1);
    char **src = c->src, **dst = c->dst, **old = c->old, *isdir = c->isdir;
    /* files of an earlier set that the new one lacks: moved into the stage before the new
     * ones are placed (and put back when they are not), so that they go with the stage */
    char **gsrc = c->gsrc = ngone > 0 ? ts_calloc((size_t)ngone, sizeof *gsrc) : NULL;
    char **gold = c->gold = ngone > 0 ? ts_calloc((size_t)ngone, sizeof *gold) : NULL;
    int rc = 0;
    /* the record's entries: a name the commit itself takes is refused, and one that is no
     * one entry of the folder (a record found places and removes nothing outside it, so it
     * would read as none); before anything is kept in the stage */
    for (int i = 0; i < n && rc == 0; i++)
        if (!strcmp(names[i], RECORD) || !strcmp(names[i], GROUP) || !strcmp(names[i], KEPT))
            rc = ts_fail("%s/%s: a name the commit keeps for itself", s->dir, names[i]);
    for (int i = 0; i < n + ngone && rc == 0; i++) {
        const char *nm = i < n ? names[i] : gone[i - n];
        if (!record_name_ok(nm))
            rc = ts_fail("%s: not a name of one entry of %s; a set's files are each one entry of its folder", nm,
                         s->dir);
    }
    for (int i = 0; i < n && rc == 0; i++) {
        src[i] = ts_path_join(s->stage, names[i]);
        dst[i] = ts_path_join(s->dir, names[i]);
        struct stat st, sst;
        if (lstat(src[i], &sst) != 0) { rc = ts_fail("%s: not written", src[i]); break; }
        isdir[i] = S_ISDIR(sst.st_mode);
        if (lstat(dst[i], &st) == 0) {
            if (S_ISDIR(st.st_mode) != isdir[i]) {
                rc = ts_fail("%s: is %sa directory", dst[i], isdir[i] ? "not " : "");
                break;
            }
            /* a file or directory replaced keeps its mode, as ts_out_open keeps a file's (a
             * new one has what the umask gives), less what kept_mode drops */
            struct stat fs;
            if ((S_ISREG(sst.st_mode) || isdir[i]) && stat(dst[i], &fs) == 0 &&
                (S_ISREG(fs.st_mode) || S_ISDIR(fs.st_mode)) && S_ISDIR(fs.st_mode) == isdir[i])
                chmod(src[i], kept_mode(fs.st_mode));
            if (!(old[i] = kept_path(s->stage, "old", names[i]))) {
                rc = -1;
                break;
            }
            /* a file: linked into the stage, replaced by one rename; a directory: moved into
             * the stage just before the new one takes its place */
            if (!isdir[i] && link(dst[i], old[i]) != 0) {
                rc = ts_fail("%s: cannot keep the old file: %s", dst[i], strerror(errno));
                break;
            }
        }
    }
    /* what is to go is known before anything is placed: a directory of such a name is
     * not a file of an earlier set, and is refused */
    for (int i = 0; i < ngone && rc == 0; i++) {
        char *p = ts_path_join(s->dir, gone[i]);
        struct stat st;
        if (lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                rc = ts_fail("%s: is a directory, where a file of an earlier set is removed; remove or rename it",
                             p);
                free(p);
                break;
            }
            char name[24];
            snprintf(name, sizeof name, "%d", i);
            gsrc[i] = p;
            if (!(gold[i] = kept_path(s->stage, "gone", name))) {
                rc = -1;
                break;
            }
        } else
            free(p);
    }
    if (rc == 0) {
        /* the stage locked through its renames, so that no other process carries them out
         * at once (ts_stage_open locks it, unless its table was full) */
        if (!locked_here(s->stage) && (c->lk = open(s->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0 &&
            hold_lock(c->lk) != 0) {
            close(c->lk);
            c->lk = -1;
        }
        c->rn = ts_malloc(((size_t)n + (size_t)ngone + 1) * sizeof *c->rn);
        c->rk = ts_malloc((size_t)n + (size_t)ngone + 1);
        for (int i = 0; i < n; i++) c->rk[c->nr] = isdir[i] ? 'D' : 'F', c->rn[c->nr++] = names[i];
        for (int i = 0; i < ngone; i++) {
            int placed = 0;   /* a name placed too: removed, a roll forward done twice would remove the new one */
            for (int j = 0; j < n && !placed; j++) placed = !strcmp(gone[i], names[j]);
            if (gsrc[i] && !placed) c->rk[c->nr] = 'R', c->rn[c->nr++] = gone[i];
        }
    }
    return rc;
}

/* the set committed: its record, synced before the first rename */
static int plan_record(const commit_plan *c)
{
    /* a reader of the folder of another user opens the record by name (the stage not
     * listed), to tell a set half replaced from one never committed; opened to others
     * only now that the new files have the modes of those they replace */
    chmod(c->s->stage, 0711);
    int rc = record_write(c->s->stage, c->rk, c->rn, c->nr);
    /* and the stage's own entry in the folder, made with no sync: else a power cut could
     * keep renames out of it and lose the stage, its record with it */
    if (rc == 0) rc = sync_dir_named(c->s->dir);
    return rc;
}

/* the renames of a committed set */
static int plan_place(commit_plan *c)
{
    int rc = 0;
    for (; rc == 0 && c->gdone < c->ngone; c->gdone++) {
        if (c->gsrc[c->gdone] && rename(c->gsrc[c->gdone], c->gold[c->gdone]) != 0) {
            rc = ts_fail("%s: cannot remove it: %s", c->gsrc[c->gdone], strerror(errno));
            break;
        }
    }
    for (; rc == 0 && c->done < c->n; c->done++) {
        const int d = c->done;
        if (c->isdir[d] && c->old[d] && rename(c->dst[d], c->old[d]) != 0) {
            rc = ts_fail("%s: cannot move the old one aside: %s", c->dst[d], strerror(errno));
            break;
        }
        if (rename(c->src[d], c->dst[d]) != 0) {
            rc = ts_fail("%s: cannot replace: %s", c->dst[d], strerror(errno));
            if (c->isdir[d] && c->old[d] && rename(c->old[d], c->dst[d]) != 0) c->back = 0;
            break;
        }
    }
    return rc;
}

/* what was replaced put back, and what was to go; each new one back into the stage
 * first, so that until the record goes (plan_uncommit), a roll forward finds the set (a
 * new one that stays placed keeps its old one in the stage: placed, to it). The renames
 * back durable before any record goes (the record gone first, a power cut could keep some
 * new files with nothing to complete them) */
static void plan_put_back(commit_plan *c)
{
    for (int j = 0; j < c->done; j++) {
        if (rename(c->dst[j], c->src[j]) != 0) c->back = 0;   /* (a directory is not renamed over) */
        else if (c->old[j] && rename(c->old[j], c->dst[j]) != 0) c->back = 0;
    }
    for (int j = 0; j < c->gdone; j++)
        if (c->gsrc[j] && rename(c->gold[j], c->gsrc[j]) != 0) c->back = 0;
    c->done = c->gdone = 0;
    if (sync_dir(c->s->dir) != 0) c->unsynced = errno;
}

/* the old set whole again: no commit. 0; 1 where the record cannot be removed (it stays: a
 * commit); -1 where the stage's sync failed after it went (that removal may not be on disk,
 * and a power cut may bring the record back); errno set */
static int plan_uncommit(const commit_plan *c)
{
    char *rec = ts_path_join(c->s->stage, RECORD);
    int rc = 0;
    if (unlink(rec) != 0) rc = errno == ENOENT ? 0 : 1;
    else if (sync_dir(c->s->stage) != 0) rc = -1;
    const int e = errno;
    free(rec);
    errno = e;
    return rc;
}

/* the stage and its record kept, for the next command in its folder, which completes the
 * new set (not removed by plan_end) */
static void plan_keep(commit_plan *c)
{
    ts_stage *s = c->s;
    dir_unlock(s->stage);
    live_remove(s->stage);
    free(s->stage);
    s->stage = NULL;
}

/* the k failed plans c[] (c[0] the group's primary) undone: every set put back, then the
 * records removed, the commit point first; where the renames back do not all succeed, or
 * a folder cannot be synced after them (they may not be on disk: after a failed fsync a
 * retry proves nothing), every stage and record is kept, and the error says so: the next
 * command completes the new sets, whose renames the records hold; so also where the commit
 * point cannot be removed. Where its removal cannot be synced, a power cut may bring it
 * back: every stage is kept whole (the others' records too), so that the next command
 * either completes the new sets or, the record gone, sweeps the stages; the error says that
 * it may. (Another record not removed, or its removal not synced, is harmless: it counts
 * only with the commit point's) */
static void plans_undo(commit_plan *c, int k)
{
    int back = -1;   /* the first not all put back, or not synced after */
    for (int i = 0; i < k; i++) {
        plan_put_back(&c[i]);
        if ((!c[i].back || c[i].unsynced) && back < 0) back = i;
    }
    if (back < 0) {
        const int u = plan_uncommit(&c[0]), e = errno;
        if (u == 0) {
            for (int i = 1; i < k; i++) (void)plan_uncommit(&c[i]);
            return;
        }
        if (u > 0)
            ts_fail("%s; nor could the commit's record be removed (%s: %s): the next tracesynth command that reads or "
                    "writes %s completes the new set",
                    ts_error(), c[0].s->stage, strerror(e), c[0].s->dir);
        else
            ts_fail("%s; the old files are in place, but the removal of the commit's record could not be synced (%s: "
                    "%s): after a power cut, the next tracesynth command that reads or writes %s may complete the new "
                    "set instead",
                    ts_error(), c[0].s->stage, strerror(e), c[0].s->dir);
        for (int i = 0; i < k; i++) plan_keep(&c[i]);
        return;
    }
    if (!c[back].back)
        ts_fail("%s; nor could the old files all be put back: the next tracesynth command that reads or writes %s "
                "completes the new set",
                ts_error(), c[back].s->dir);
    else
        ts_fail("%s; nor could the old files put back be synced (%s: %s): the next tracesynth command that reads or "
                "writes %s completes the new set",
                ts_error(), c[back].s->dir, strerror(c[back].unsynced), c[back].s->dir);
    for (int i = 0; i < k; i++) plan_keep(&c[i]);
}

/* a set placed: its folder synced, and the folders that hold those made for it; then its
 * record goes, before the old files (a large old trace takes a while), so that a reader
 * meanwhile reads the set, not waits for it. A sync that fails here comes after the commit
 * point, the set all placed: it is not undone (the old files are gone from the folder, and
 * putting them back would need the same folder synced), but its error is returned, so that
 * the command says the new set may not be durable and exits non-zero */
static int plan_settle(const commit_plan *c)
{
    const ts_stage *s = c->s;
    int rc = sync_dir_named(s->dir);
    if (s->made && rc == 0) rc = sync_made(s->dir, s->made);
    char *rec = ts_path_join(s->stage, RECORD);
    unlink(rec);
    free(rec);
    return rc;
}

/* the plan freed; committed (rc 0): the folders made kept; the stage removed either way
 * (the old ones go with it), unless plan_keep kept it */
static void plan_end(commit_plan *c, int rc)
{
    for (int i = 0; i < c->n; i++) { free(c->src[i]); free(c->dst[i]); free(c->old[i]); }
    for (int i = 0; i < c->ngone; i++) { free(c->gsrc[i]); free(c->gold[i]); }
    free(c->src); free(c->dst); free(c->old); free(c->isdir); free(c->gsrc); free(c->gold);
    free(c->rn); free(c->rk);
    ts_stage *s = c->s;
    if (rc == 0) {   /* the folders made now hold the set */
        if (s->made) live_remove(s->made);
        free(s->made);
        s->made = NULL;
    }
    ts_stage_abort(s);
    if (c->lk >= 0) close(c->lk);
    memset(c, 0, sizeof *c);
}

int ts_stage_commit_removing(ts_stage *s, const char *const *names, int n, const char *const *gone, int ngone)
{
    int rc = plan_sync(s, names, n);
    if (rc == 0) rc = commit_after_others(s->dir);
    ts_signals_hold();
    commit_plan c;
    if (rc == 0) rc = plan_make(&c, s, names, n, gone, ngone);
    else plan_make(&c, s, NULL, 0, NULL, 0);
    if (rc == 0) rc = plan_record(&c);
    if (rc == 0) rc = plan_place(&c);
    int settled = 0;   /* placed, its folder not synced: committed all the same */
    if (rc) plans_undo(&c, 1);
    else settled = plan_settle(&c);
    plan_end(&c, rc);
    ts_signals_release();
    return rc ? rc : settled;
}

/* ---- files with names of their own replaced together: one stage in their folder ---- */

static void set_free(ts_out_set *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->path[i]);
        free(s->name[i]);
        free(s->at[i]);
    }
    free(s->path);
    free(s->name);
    free(s->at);
    memset(s, 0, sizeof *s);
}

/* the error names a file by its path, not by its place in the stage */
static void set_error(const ts_out_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->name[i] && s->at[i]) ts__error_path(s->at[i], s->path[i]);
}

int ts_out_set_open(ts_out_set *s, const char *const *paths, int n)
{
    memset(s, 0, sizeof *s);
    if (n <= 0) return ts_fail("%s: no files", __func__);
    s->n = n;
    s->path = ts_calloc((size_t)n, sizeof *s->path);
    s->name = ts_calloc((size_t)n, sizeof *s->name);
    s->at = ts_calloc((size_t)n, sizeof *s->at);
    char *folder = NULL;
    int rc = 0, first = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        s->path[i] = ts_strdup(paths[i]);
        if (ts_out_is_stream(paths[i])) continue;   /* a device or FIFO: written in place */
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = ts_fail("%s: is a directory; a file is written here (name a file in it)", paths[i]);
            break;
        }
        char *end = ts_link_end(paths[i]);   /* a link: the file it leads to is replaced */
        if (end && own_fd(end) >= 0) {   /* a link to a descriptor of this process: written through it */
            free(end);
            continue;
        }
        const char *f = end ? end : paths[i], *sl = strrchr(f, '/');
        char *d = ts__path_dir(f);
        s->name[i] = ts_strdup(sl ? sl + 1 : f);
        if (!folder) {
            folder = d;
            d = NULL;
            first = i;
        } else if (strcmp(d, folder) && !ts_same_file(d, folder)) {
            char *fe = ts_link_end(paths[first]);
            rc = ts_fail("%s%s%s%s: in another folder than %s%s%s%s; the files are replaced together, in one "
                         "folder", paths[i], end ? " (a link to " : "", end ? end : "", end ? ")" : "", paths[first],
                         fe ? " (a link to " : "", fe ? fe : "", fe ? ")" : "");
            free(fe);
        }
        for (int j = 0; j < i && rc == 0; j++)
            if (s->name[j] && !strcmp(s->name[j], s->name[i]))
                rc = ts_fail("%s: the same file as %s; the set's files are each written once", paths[i], paths[j]);
        free(d);
        free(end);
    }
    if (rc == 0 && folder) {
        struct stat st;
        /* the folder must be there, as for every other output */
        if (stat(folder, &st) != 0) rc = ts_fail("%s: cannot create: %s", s->path[first], strerror(errno));
        else if (!S_ISDIR(st.st_mode)) rc = ts_fail("%s: cannot create: %s", s->path[first], strerror(ENOTDIR));
        else if ((rc = ts_stage_open(&s->st, folder)) == 0) s->staged = 1;
    }
    free(folder);
    for (int i = 0; i < n && rc == 0; i++)
        s->at[i] = s->name[i] ? ts_path_join(s->st.stage, s->name[i]) : ts_strdup(s->path[i]);
    if (rc) set_free(s);
    return rc;
}

const char *ts_out_set_path(const ts_out_set *s, int i)
{
    return s && i >= 0 && i < s->n ? s->at[i] : NULL;
}

int ts_out_set_commit(ts_out_set *s)
{
    return ts_out_set_commit_removing(s, NULL, 0);
}

int ts_out_set_commit_removing(ts_out_set *s, const char *const *gone, int ngone)
{
    if (!s->staged) {
        set_free(s);
        return 0;
    }
    /* the files of an earlier set that go: those in the set's folder, by name */
    const char **gnames = ngone > 0 ? ts_calloc((size_t)ngone, sizeof *gnames) : NULL;
    char **gdirs = ngone > 0 ? ts_calloc((size_t)ngone, sizeof *gdirs) : NULL;
    int ng = 0;
    for (int i = 0; i < ngone; i++) {
        if (!gone[i] || ts_out_is_stream(gone[i])) continue;
        const char *sl = strrchr(gone[i], '/');
        gdirs[i] = ts__path_dir(gone[i]);
        if (strcmp(gdirs[i], s->st.dir) && ts_same_file(gdirs[i], s->st.dir) != 1) continue;
        gnames[ng++] = sl ? sl + 1 : gone[i];
    }
    const char **names = ts_calloc((size_t)s->n, sizeof *names);
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (s->name[i]) names[k++] = s->name[i];   /* a file replaced keeps its mode (the commit's rule) */
    int rc = ts_stage_commit_removing(&s->st, names, k, gnames, ng);
    if (rc) set_error(s);
    free(names);
    for (int i = 0; i < ngone; i++) free(gdirs[i]);
    free(gdirs);
    free(gnames);
    set_free(s);
    return rc;
}

/* the k stages st[] (names[i], n[i] each) committed as one group, st[0] the primary (see
 * "a group"); frees them either way */
static int group_commit(ts_stage *const *st, const char *const *const *names, const int *n, int k)
{
    if (k == 1) return ts_stage_commit(st[0], names[0], n[0]);
    int rc = 0;
    for (int i = 0; i < k && rc == 0; i++) rc = plan_sync(st[i], names[i], n[i]);
    for (int i = 0; i < k && rc == 0; i++) rc = commit_after_others(st[i]->dir);
    ts_signals_hold();
    commit_plan *c = ts_calloc((size_t)k, sizeof *c);
    char **abs = ts_calloc((size_t)k, sizeof *abs);
    for (int i = 0; i < k; i++) {   /* each made (an empty one after a failure), for plan_end */
        if (rc == 0) rc = plan_make(&c[i], st[i], names[i], n[i], NULL, 0);
        else plan_make(&c[i], st[i], NULL, 0, NULL, 0);
        if (rc == 0 && !(abs[i] = realpath(st[i]->stage, NULL))) rc = ts_fail("%s: %s", st[i]->stage, strerror(errno));
    }
    /* the others' records, each naming the primary, then the primary's, which lists them:
     * the commit */
    for (int i = 1; i < k && rc == 0; i++)
        if ((rc = group_write(st[i]->stage, 'P', (const char *const *)abs, 1)) == 0) rc = plan_record(&c[i]);
    if (rc == 0 && (rc = group_write(st[0]->stage, 'S', (const char *const *)abs + 1, k - 1)) == 0)
        rc = plan_record(&c[0]);
    /* the others' renames first: the primary's folder stays all old until they are done,
     * and the group ends as a single set's commit does, with the primary's renames */
    for (int i = 1; i <= k && rc == 0; i++) rc = plan_place(&c[i % k]);
    char *settled = NULL;   /* the first sync after the renames that failed: said, not undone */
    if (rc)   /* every set put back, then the commit point undone first */
        plans_undo(c, k);
    else   /* every set placed: the others' records go, then the primary's */
        for (int i = 1; i <= k; i++)
            if (plan_settle(&c[i % k]) != 0 && !settled) settled = ts_strdup(ts_error());
    for (int i = 1; i <= k; i++) plan_end(&c[i % k], rc);   /* the primary removed last */
    for (int i = 0; i < k; i++) free(abs[i]);
    free(abs);
    free(c);
    ts_signals_release();
    if (rc == 0 && settled) rc = ts_fail("%s", settled);
    free(settled);
    return rc;
}

/* s's names as a stage commits them (*names malloc'd): those not written in place */
static int set_names(const ts_out_set *s, const char ***names)
{
    int k = 0;
    *names = ts_calloc((size_t)s->n + 1, sizeof **names);
    for (int i = 0; i < s->n; i++)
        if (s->name[i]) (*names)[k++] = s->name[i];   /* a file replaced keeps its mode (the commit's rule) */
    return k;
}

int ts_stage_commit_with(ts_stage *s, const char *const *names, int n, ts_out_set *const *with, int nwith)
{
    ts_stage **st = ts_calloc((size_t)nwith + 1, sizeof *st);
    const char ***nm = ts_calloc((size_t)nwith + 1, sizeof *nm);
    int *cnt = ts_calloc((size_t)nwith + 1, sizeof *cnt), k = 0, own = 0;
    if (s) {
        st[k] = s;
        nm[k] = (const char **)names;
        cnt[k++] = n;
        own = 1;
    }
    for (int i = 0; i < nwith; i++)
        if (with[i] && with[i]->staged) {   /* (a set of streams alone is written already) */
            st[k] = &with[i]->st;
            cnt[k] = set_names(with[i], &nm[k]);
            k++;
        }
    const int rc = k ? group_commit(st, (const char *const *const *)nm, cnt, k) : 0;
    for (int i = 0; i < nwith; i++)
        if (with[i]) {
            if (rc) set_error(with[i]);
            set_free(with[i]);
        }
    for (int i = own; i < k; i++) free(nm[i]);
    free(st);
    free(nm);
    free(cnt);
    return rc;
}

int ts_out_set_commit_with(ts_out_set *s, ts_out_set *const *with, int nwith)
{
    ts_out_set **all = ts_calloc((size_t)nwith + 1, sizeof *all);
    all[0] = s;
    for (int i = 0; i < nwith; i++) all[i + 1] = with[i];
    const int rc = ts_stage_commit_with(NULL, NULL, 0, all, nwith + 1);
    free(all);
    return rc;
}

void ts_out_set_abort(ts_out_set *s)
{
    if (!s) return;
    set_error(s);
    if (s->staged) ts_stage_abort(&s->st);
    set_free(s);
}

int ts_mkdir_p(const char *dir)
{
    /* the walk below starts past the first byte: "" has none */
    if (!*dir) return ts_fail("'': an empty directory name");
    char *p = ts_strdup(dir);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                int e = errno;
                ts_fail("%s: cannot create directory: %s", p, strerror(e));
                free(p);
                return -1;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ts_fail("%s: not a directory", dir);
    return 0;
}

int ts_out_dir_check(const char *dir)
{
    if (!*dir) return ts_fail("'': an empty directory name");
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) return ts_fail("%s: not a directory", dir);
        ts_stage s;   /* made and removed: the directory can be written */
        if (ts_stage_open(&s, dir) != 0) return -1;
        ts_stage_abort(&s);
        return 0;
    }
    /* the first part of the path that is not there: made and removed (ts_mkdir_p makes
     * it and the rest); the parts before it are directories */
    char *p = ts_strdup(dir);
    int rc = 0;
    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != 0) continue;
        const char c = *s;
        *s = 0;
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) {
                rc = ts_fail("%s: cannot create directory: %s is not a directory", dir, p);
                break;
            }
        } else if (errno != ENOENT) {
            rc = ts_fail("%s: cannot create directory: %s: %s", dir, p, strerror(errno));
            break;
        } else {
            live_add_dir(p, p);   /* a signal as it is made removes it */
            if (mkdir(p, 0755) != 0) rc = ts_fail("%s: cannot create directory: %s", dir, strerror(errno));
            else rmdir(p);
            live_remove(p);
            break;
        }
        *s = c;
        if (!c) break;
    }
    free(p);
    return rc;
}

int ts_out_dir_make(const char *dir, char **made)
{
    *made = NULL;
    if (!*dir) return ts_fail("'': an empty directory name");
    struct stat st;
    if (stat(dir, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ts_fail("%s: not a directory", dir);
    char *m = ts_path_trim(dir);
    live_add_dir(m, m);   /* known before it is made: a signal as it is made removes it */
    if (mkdir(m, 0755) != 0) {
        const int e = errno;
        live_remove(m);
        free(m);
        if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return 0;   /* made meanwhile */
        return ts_fail("%s: cannot create: %s", dir, strerror(e));
    }
    *made = m;
    return 0;
}

void ts_out_dir_done(char *made, int remove_empty)
{
    if (!made) return;
    if (remove_empty) rmdir(made);   /* only while empty: what was kept in it stays */
    live_remove(made);
    free(made);
}

int ts_log_check(const char *path, const char *what)
{
    struct stat st;
    /* a link: its file is the log, made by the check where it is not there yet and then
     * removed as a plain path's is (the link stays); a link that goes round counts as there */
    char *end = ts_link_end(path);
    const char *file = end ? end : path;
    int existed = lstat(file, &st) == 0;
    /* without blocking: a FIFO no one reads would hold the run here */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
        const int e = errno;
        free(end);
        return ts_fail("%s: cannot open the %s: %s", path, what,
                       e == ENXIO ? "a FIFO that no process reads" : strerror(e));
    }
    /* a model or checkpoint (a container: "TSYN" first) named by mistake: appended to, it
     * would no longer load */
    char magic[4];
    struct stat fs;
    int model = 0;
    if (existed && fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode) && fs.st_size >= 4) {
        int rfd = open(path, O_RDONLY | O_CLOEXEC);
        model = rfd >= 0 && pread(rfd, magic, 4, 0) == 4 && !memcmp(magic, "TSYN", 4);
        if (rfd >= 0) close(rfd);
    }
    close(fd);
    if (!existed) remove(file);
    free(end);
    if (model) return ts_fail("%s: a tracesynth model or checkpoint, not a %s (JSON lines); name another file", path, what);
    return 0;
}

/* the temporary directories made now (copies of their names, for live): a signal that
 * ends the process removes them, as it does the open stages */
static char *temps[MAX_LIVE];

/* remove NAME-<pid>.<n>-XXXXXX (and NAME-<pid>-XXXXXX) in tmp left by processes that are gone (kill -9 while the CTF
 * reader's child copied a trace into one): directories of this user, of that name alone */
static void remove_stale_temps(const char *tmp, const char *name)
{
    DIR *d = opendir(tmp);
    if (!d) return;
    const size_t nb = strlen(name);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        if (strncmp(s, name, nb) || s[nb] != '-' || s[nb + 1] < '1' || s[nb + 1] > '9') continue;
        char *end;
        errno = 0;
        long pid = strtol(s + nb + 1, &end, 10);
        if (!errno && *end == '.') {   /* the process's number (NAME-<pid>-XXXXXX before it) */
            const char *q = end + 1;
            while (*q >= '0' && *q <= '9') q++;
            end = q > end + 1 ? (char *)q : end;
        }
        if (errno || *end != '-' || strlen(end + 1) != 6) continue;
        int ok = 1;
        for (const char *c = end + 1; *c; c++) ok &= (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
        if (!ok || pid == (long)getpid() || pid_alive(pid)) continue;
        struct stat st;
        char *p = ts_path_join(tmp, s);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !in_use(p))
            ts_remove_tree(p);
        free(p);
    }
    closedir(d);
}

int ts_temp_dir_fail(const char *path, int err, const char *what)
{
    if (!path) return ts_fail_null(__func__, "path");
    if (!what) what = "a temporary folder";
    /* TMPDIR naming no folder is the cause, not the name made in it */
    const char *tmp = getenv("TMPDIR");
    struct stat st;
    if (tmp && *tmp && (err == ENOENT || err == ENOTDIR) && (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))) {
        const int there = stat(tmp, &st) == 0;
        return ts_fail("TMPDIR=%s: %s, where %s would be made; set TMPDIR to a folder that exists (unset: /tmp)", tmp,
                       there ? "not a folder" : "no such folder", what);
    }
    return ts_fail("%s: cannot make %s: %s", path, what, strerror(err));
}

int ts_temp_dir(const char *name, char **path)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    remove_stale_temps(tmp, name);
    char tpl[256];
    /* the pid in the name: a later run removes it when this process was killed (kill -9);
     * and a number of this process's own: a directory is removed before it is forgotten
     * (ts_temp_dir_remove), and mkdtemp may then give its name to another thread, whose
     * entry the first would forget in its place (the names are how they are found) */
    static unsigned serial;
    snprintf(tpl, sizeof tpl, "%s-%ld.%u-XXXXXX", name, (long)getpid(), __atomic_add_fetch(&serial, 1, __ATOMIC_SEQ_CST));
    *path = ts_path_join(tmp, tpl);
    /* known before it is made (mkdtemp fills the name in place): a signal in between
     * would leave it */
    char *tname = ts_strdup(*path);   /* allocated and freed outside the bookkeeping */
    sigset_t was;
    book_enter(&was);
    int slot = -1;
    for (int i = 0; i < MAX_LIVE && slot < 0; i++)
        if (!temps[i]) slot = i;
    if (slot >= 0) {
        temps[slot] = tname;
        live_add_in(tname, NULL);
    }
    book_leave(&was);
    int rc = mkdtemp(slot >= 0 ? tname : *path) ? 0 : -1, e = errno;
    if (slot >= 0) {
        strcpy(*path, tname);
        if (rc) {
            book_enter(&was);
            live_remove_in(tname);
            temps[slot] = NULL;
            book_leave(&was);
        }
    }
    if (slot < 0 || rc) free(tname);
    if (!rc) dir_lock(*path);
    errno = e;
    return rc;
}

void ts_temp_dir_remove(const char *path)
{
    ts_remove_tree(path);   /* then forgotten: a signal meanwhile removes what is left */
    dir_unlock(path);
    char *gone = NULL;
    sigset_t was;
    book_enter(&was);
    for (int i = 0; i < MAX_LIVE; i++)
        if (temps[i] && !strcmp(temps[i], path)) {
            live_remove_in(temps[i]);
            gone = temps[i];
            temps[i] = NULL;
            break;
        }
    book_leave(&was);
    free(gone);
}

char *ts_path_trim(const char *p)
{
    char *t = ts_strdup(p);
    for (size_t l = strlen(t); l > 1 && t[l - 1] == '/'; l--) t[l - 1] = 0;
    return t;
}

char *ts_path_name(const char *path)
{
    char *t = ts_path_trim(path);
    const char *s = strrchr(t, '/'), *b = s && s[1] ? s + 1 : t;
    /* the last part as given (a link's own name), unless it names no directory by itself */
    char *real = !strcmp(b, ".") || !strcmp(b, "..") ? realpath(t, NULL) : NULL;
    if (real) {
        s = strrchr(real, '/');
        b = s && s[1] ? s + 1 : real;
    }
    char *name = ts_strdup(b);
    free(real);
    free(t);
    return name;
}

/* the path found so far, cur, is absolute and holds no "." or ".." */
char *ts_path_resolve(const char *p)
{
    if (!p) return ts_fail_null(__func__, "path"), NULL;
    char *cur = realpath(*p == '/' ? "/" : ".", NULL);
    for (const char *s = p; cur && *s;) {
        while (*s == '/') s++;
        const char *e = s;
        while (*e && *e != '/') e++;
        const size_t cl = (size_t)(e - s);
        if (cl == 2 && s[0] == '.' && s[1] == '.') {
            char *sl = strrchr(cur, '/');
            if (sl == cur) cur[1] = 0;
            else if (sl) *sl = 0;
        } else if (cl && !(cl == 1 && s[0] == '.')) {
            const size_t l = strlen(cur), root = l == 1;   /* "/": no second '/' */
            char *next = ts_malloc(l + cl + 2);
            memcpy(next, cur, l);
            if (!root) next[l] = '/';
            memcpy(next + l + !root, s, cl);
            next[l + !root + cl] = 0;
            char *r = realpath(next, NULL);
            free(cur);
            if (r) free(next);
            cur = r ? r : next;
        }
        s = e;
    }
    return cur;
}

FILE *ts__fopen_regular(const char *path, int *not_regular)
{
    *not_regular = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);   /* a FIFO's open waits for no writer */
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int e = errno;
        *not_regular = 1;
        close(fd);
        errno = e;
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) close(fd);
    return f;
}

char *ts_path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = ts_malloc(n);
    size_t la = strlen(a);
    snprintf(p, n, "%s%s%s", a, (la && a[la - 1] == '/') ? "" : "/", b);
    return p;
}

int ts_fail_path(const char *path, const char *missing)
{
    int e = errno;
    if (e == ENOENT) return ts_fail("%s: %s", path, missing);
    if (e == ENOTDIR) {   /* a name in it that is no directory, where one was to be: the first */
        char *p = ts_strdup(path);
        struct stat st;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
            *s = 0;
            if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
                int rc = ts_fail("%s: %s: %s is %s, not a directory", path, *missing ? missing : "not there", p,
                                 S_ISREG(st.st_mode) ? "a file" : "no directory");
                free(p);
                return rc;
            }
            *s = '/';
        }
        free(p);
    }
    if (e != ENAMETOOLONG) return ts_fail("%s: %s", path, strerror(e));
    if (strlen(path) >= PATH_MAX)
        return ts_fail("%s: path too long (the path is longer than PATH_MAX, %d bytes)", path, PATH_MAX - 1);
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n > NAME_MAX)
            return ts_fail("%s: path too long (a name in it is longer than NAME_MAX, %d bytes)", path, NAME_MAX);
        p += n + (p[n] == '/');
    }
    /* links that lead to a longer path */
    return ts_fail("%s: path too long (%s)", path, strerror(e));
}

int ts_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int ts_path_is_stdin(const char *path)
{
    static const char *const names[] = {"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"};
    for (size_t i = 0; path && i < sizeof names / sizeof *names; i++)
        if (!strcmp(path, names[i])) return 1;
    return 0;
}

int ts_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* the folder of path and its last name (both malloc'd; the folder NULL when it is not there) */
static char *folder_of(const char *path, char **name)
{
    char *copy = ts_strdup(path), *slash = strrchr(copy, '/');
    char *dir;
    if (!slash) {
        *name = ts_strdup(copy);
        dir = realpath(".", NULL);
    } else {
        *name = ts_strdup(slash + 1);
        if (slash == copy) slash[1] = 0;
        else *slash = 0;
        dir = realpath(copy, NULL);
    }
    free(copy);
    return dir;
}

int ts_same_path(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea || eb) return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    /* neither there yet: a link names the file it will make */
    char *la = ts_link_end(a), *lb = ts_link_end(b);
    char *na, *nb, *da = folder_of(la ? la : a, &na), *db = folder_of(lb ? lb : b, &nb);
    int same = da && db && *na && !strcmp(na, nb) && ts_same_file(da, db);
    free(la);
    free(lb);
    free(da);
    free(db);
    free(na);
    free(nb);
    return same;
}

/* One writer per file among running processes. A long run that rewrites files again and
 * again (training: its model, checkpoint and log) holds, for each, a name in Linux's
 * abstract socket namespace made of the file's folder (device, inode) and the file's
 * name, links resolved. The kernel gives a name to one socket at a time and takes it back
 * when the process ends, however it ends: no lock file is left behind, none goes stale.
 * It holds on one machine (one network namespace), which is where two runs collide by
 * mistake. Within a process holds nest (the trainer inside a command that holds the same
 * files until its last write), so they are counted here, under a lock: two threads'
 * trainings take and release holds at once. */
static struct held_name {
    char key[80];
    int fd, refs;
    pid_t pid;   /* a forked child's copy is not its hold */
} held_names[8];
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

/* a fork while another thread holds the lock leaves the child a free one */
static void held_lock_take(void) { pthread_mutex_lock(&held_lock); }
static void held_lock_give(void) { pthread_mutex_unlock(&held_lock); }
static void held_lock_child(void) { pthread_mutex_init(&held_lock, NULL); }
static void held_lock_atfork(void) { pthread_atfork(held_lock_take, held_lock_give, held_lock_child); }
static void held_enter(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, held_lock_atfork);
    held_lock_take();
}

static int lock_key(const char *path, char *key, size_t n)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return -1;   /* a device, a FIFO: not ours alone */
    /* one of the process's own descriptors (--log /dev/stderr, redirected into a file or
     * not), by any spelling or a link to one: written where the shell put it, as a
     * stream, which runs may share (two runs' stderr into one file) */
    if (own_fd(path) >= 0) return -1;
    char *end = ts_link_end(path);   /* a link: its file's name, there or not yet */
    if (end && own_fd(end) >= 0) {
        free(end);
        return -1;
    }
    char *real = realpath(end ? end : path, NULL);
    char *name, *dir = folder_of(real ? real : end ? end : path, &name);
    free(real);
    free(end);
    int keyed = dir && stat(dir, &st) == 0;
    uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a of the name */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 0x100000001b3ull;
    free(dir);
    free(name);
    if (!keyed) return -1;   /* no folder: the write checks say why */
    snprintf(key, n, "tracesynth-lock/%llx/%llx/%016llx", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino, (unsigned long long)h);
    return 0;
}

static int path_lock_held(const char *path, const char *what, const char *key, ts_path_hold *hold);

int ts_path_lock(const char *path, const char *what, ts_path_hold *hold)
{
    hold->slot = -1;
    char key[80];
    if (lock_key(path, key, sizeof key) != 0) return 0;
    held_enter();
    int rc = path_lock_held(path, what, key, hold);
    held_lock_give();
    return rc;
}

static int path_lock_held(const char *path, const char *what, const char *key, ts_path_hold *hold)
{
    int free_slot = -1;
    const pid_t me = getpid();
    for (int i = 0; i < (int)(sizeof held_names / sizeof *held_names); i++) {
        if (held_names[i].refs && held_names[i].pid != me) {   /* the parent's, in a child */
            close(held_names[i].fd);
            held_names[i].refs = 0;
        }
        if (held_names[i].refs && !strcmp(held_names[i].key, key)) {
            held_names[i].refs++;
            hold->slot = i;
            return 0;
        }
        if (!held_names[i].refs && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) return 0;   /* more files than a run writes: unguarded */
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    size_t n = strlen(key);
    memcpy(a.sun_path + 1, key, n);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return 0;   /* no sockets here (a sandbox): runs go unguarded, as before */
    if (bind(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) != 0) {
        int e = errno;
        close(s);
        if (e == EADDRINUSE)
            return ts_fail("%s: another running tracesynth is writing this %s; wait for it to end or choose "
                           "another file", path, what);
        return 0;
    }
    snprintf(held_names[free_slot].key, sizeof held_names[free_slot].key, "%s", key);
    held_names[free_slot].fd = s;
    held_names[free_slot].refs = 1;
    held_names[free_slot].pid = me;
    hold->slot = free_slot;
    return 0;
}

void ts_path_unlock(ts_path_hold *hold)
{
    if (hold->slot < 0) return;
    held_enter();
    if (held_names[hold->slot].refs > 0 && held_names[hold->slot].pid == getpid() &&
        --held_names[hold->slot].refs == 0) {
        close(held_names[hold->slot].fd);
        held_names[hold->slot].fd = -1;
    }
    held_lock_give();
    hold->slot = -1;
}
