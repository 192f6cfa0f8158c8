/* Ingest (strace logs, ftrace text, ID files, .npy) and the ingest/split/audit commands. */
#include "check.h"

#include <dirent.h>
#include "tracesynth.h"
#include "data/data_internal.h"

#include <zlib.h>

static char pbuf[8][600];
static const char *in(const char *dir, const char *name)
{
    static int k;
    char *p = pbuf[k++ & 7];
    snprintf(p, sizeof pbuf[0], "%s/%s", dir, name);
    return p;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static int names_are(char **names, size_t n, const char *want)
{
    char buf[2048] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(buf, names[i], sizeof buf - strlen(buf) - 2);
        if (i + 1 < n) strcat(buf, " ");
    }
    if (strcmp(buf, want)) fprintf(stderr, "  got:  %s\n  want: %s\n", buf, want);
    return !strcmp(buf, want);
}

/* the names of a log (or of logs merged), space-separated, into buf; -1 on error */
static int strace_names(const char *const *paths, int np, char *buf, size_t cap)
{
    char **names;
    size_t n;
    if (ts_strace_read_many(paths, np, &names, &n) != 0) return -1;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? " " : "", names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* text, written to dir/name, reads as the calls want (space-separated) */
static void strace_reads_as(const char *dir, const char *name, const char *text, const char *want)
{
    char got[512];
    const char *p[] = {in(dir, name)};
    write_text(p[0], text);
    int rc = strace_names(p, 1, got, sizeof got);
    CHECK_MSG(rc == 0 && !strcmp(got, want), "%s: got \"%s\", want \"%s\" (%s)", name, rc ? "" : got, want,
              rc ? ts_error() : "read");
}

/* text, written to dir/name, is refused in one line naming the file and holding where
 * ("name:line: ", or what it says there) */
static void strace_refuses(const char *dir, const char *name, const char *text, const char *where)
{
    const char *p = in(dir, name);
    write_text(p, text);
    char **names = NULL;
    size_t n = 0;
    int rc = ts_strace_read(p, &names, &n);
    CHECK_MSG(rc == -1 && strstr(ts_error(), name) && strstr(ts_error(), where) && !strchr(ts_error(), '\n'),
              "%s: \"%s\" not refused at %s (%s)", name, text, where, rc ? ts_error() : "read");
    if (names && n) free_names(names, n);
}

/* shapes real strace logs take: a thread's execve resumes under its process's id; a log
 * written to a terminal leaves the id out while one process is traced and cuts
 * "Process N attached" into a call's line; -ff logs merge by time, each in its own order,
 * past midnight with -tt */
static void strace_real_shapes(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char got[512];
    strace_reads_as(d, "exec.log",
                    "101 1.0 execve(\"/bin/true\", [\"true\"], 0x0 /* 0 vars */ <unfinished ...>\n"
                    "100 1.1 +++ superseded by execve in pid 101 +++\n"
                    "100 1.2 <... execve resumed>) = 0\n"
                    "100 1.3 brk(NULL) = 0x1\n",
                    "execve brk");
    strace_reads_as(d, "term.log",
                    "1.0 vfork(strace: Process 30981 attached\n"
                    " <unfinished ...>\n"
                    "[pid 30981] 1.1 execve(\"/bin/ls\", [\"ls\"], 0x0 /* 0 vars */) = 0\n"
                    "[pid 30981] 1.2 exit_group(0) = ?\n"
                    "[pid 30981] 1.3 +++ exited with 0 +++\n"
                    "1.4 <... vfork resumed>) = 30981\n"
                    "1.5 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
                    "1.6 wait4(-1, NULL, 0, NULL) = 30981\n"
                    "strace: Process 30982 detached\n",
                    "vfork execve exit_group wait4");
    /* one log's clock steps back: its order stays; another log past midnight (-tt) */
    write_text(in(d, "bk.1"), "1700000010.0 getpid() = 1\n1700000005.0 read(0, \"\", 1) = 0\n1700000011.0 close(1) = 0\n");
    write_text(in(d, "bk.2"), "1700000007.0 brk(NULL) = 0x1\n");
    const char *p3[] = {in(d, "bk.1"), in(d, "bk.2")};
    CHECK_MSG(strace_names(p3, 2, got, sizeof got) == 0 && !strcmp(got, "brk getpid read close"), "%s", got);
    write_text(in(d, "ff.1"), "23:59:59.000000 getpid() = 1\n23:59:59.500000 read(0, \"\", 1) = 0\n"
                              "00:00:00.100000 write(1, \"x\", 1) = 1\n");
    write_text(in(d, "ff.2"), "23:59:59.200000 brk(NULL) = 0x1\n23:59:59.700000 mmap(NULL, 1) = 0x2\n");
    const char *p4[] = {in(d, "ff.1"), in(d, "ff.2")};
    CHECK_MSG(strace_names(p4, 2, got, sizeof got) == 0 && !strcmp(got, "getpid brk read mmap write"), "%s", got);
    /* a process that starts after midnight: its log's times are of the next day */
    write_text(in(d, "mn.100"), "23:59:59.000000 clone(child_stack=NULL) = 101\n"
                                "23:59:59.900000 wait4(-1, NULL, 0, NULL) = 101\n"
                                "00:00:00.300000 exit_group(0) = ?\n");
    write_text(in(d, "mn.101"), "00:00:00.100000 getpid() = 101\n00:00:00.200000 exit_group(0) = ?\n");
    write_text(in(d, "mn.102"), "23:59:59.500000 brk(NULL) = 0x1\n");
    const char *p5[] = {in(d, "mn.101"), in(d, "mn.100"), in(d, "mn.102")};
    CHECK_MSG(strace_names(p5, 3, got, sizeof got) == 0 && !strcmp(got, "clone brk wait4 getpid exit_group exit_group"),
              "%s", got);
    /* and one that does not cross it stays on its day */
    write_text(in(d, "mn.101"), "10:00:05.000000 getpid() = 101\n");
    write_text(in(d, "mn.100"), "10:00:00.000000 clone(child_stack=NULL) = 101\n10:00:09.000000 exit_group(0) = ?\n");
    const char *p6[] = {in(d, "mn.101"), in(d, "mn.100")};
    CHECK_MSG(strace_names(p6, 2, got, sizeof got) == 0 && !strcmp(got, "clone getpid exit_group"), "%s", got);
}

static void strace_multi_process(void)
{
    char **names;
    size_t n;
    REQUIRE(ts_strace_read("tests/data/strace_f.log", &names, &n) == 0);
    /* unfinished/resumed joined at the start; signal and exit lines skipped */
    CHECK(names_are(names, n, "execve brk openat read close clone openat wait4 getdents64 write "
                              "close exit_group read rt_sigreturn read close exit_group"));
    free_names(names, n);
}

static void strace_single_process_no_pid(void)
{
    char **names;
    size_t n;
    REQUIRE(ts_strace_read("tests/data/strace_single.log", &names, &n) == 0);
    CHECK(names_are(names, n, "execve brk mmap read read close exit_group"));
    free_names(names, n);
}

static void write_bytes(const char *path, const void *b, size_t n);

/* logs merged on one clock: one with times of day (-tt) and one with the epoch's seconds
 * (-ttt) are refused, naming both (every time of day sorted before every -ttt time) */
static void strace_merge_mixed_clocks(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "a.1"), "1700000000.100000 read(0, \"\", 1) = 0\n1700000000.300000 close(0) = 0\n");
    write_text(in(d, "a.2"), "12:00:00.200000 write(1, \"x\", 1) = 1\n");
    const char *p[2] = {in(d, "a.1"), in(d, "a.2")};
    char got[256];
    CHECK_MSG(strace_names(p, 2, got, sizeof got) == -1 && strstr(ts_error(), "a.2: times of day") &&
              strstr(ts_error(), "a.1 has the epoch's seconds") && strstr(ts_error(), "strace -ttt"),
              "%s", ts_error());
}

/* perf trace's output (perf trace -o FILE CMD), read as a strace log: a call's start and its
 * "[continued]" joined per thread, a continued call whose start is not in the trace counted
 * where it is, --call-graph's frames skipped, -S's table ending the calls, --no-comm's bare
 * TID, calls in the order they started (perf trace writes a line as its call ends: getpid
 * after the execve that started after it); what is not a system call (faults, tracepoints,
 * lost events) refused naming its line */
static const char perf_trace_log[] =
    "         ? (         ): sh/7  ... [continued]: execve())                        = 0\n"
    "     0.073 ( 0.016 ms): sh/7 brk()                                              = 0x5649\n"
    "                                       brk (/usr/lib/ld-linux-x86-64.so.2)\n"
    "     0.614 ( 0.018 ms): sh/7 access(filename: 0xbc7f62a0, mode: R)             = -1 ENOENT (No such file or directory)\n"
    "     3.766 (         ): sh/7 vfork()                                            ...\n"
    "         ? (         ): sh/8  ... [continued]: vfork())                         = 0\n"
    "     3.800 ( 0.010 ms): sh/8 execve(filename: \"/bin/ls\", argv: 0x1)           = 0\n"
    "     3.790 ( 0.300 ms): sh/9 getpid()                                           = 9\n"
    "     3.766 ( 0.309 ms): sh/7  ... [continued]: vfork())                         = 8\n"
    "     4.132 (         ): sh/7 wait4(upid: -1, stat_addr: 0x7fff)                 ...\n"
    "    12.759 (         ): ls/8 exit_group()                                       = ?\n"
    "     4.132 ( 8.783 ms): sh/7  ... [continued]: wait4())                         = 8 (ls)\n"
    "\n"
    " Summary of events:\n"
    "\n"
    " sh (7), 12 events, 50.0%\n";

static void perf_trace_output(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "pt.txt"), perf_trace_log);
    CHECK(ts_perf_trace_file(in(d, "pt.txt")) == 1);
    char **names;
    double *times;
    size_t n;
    int timed;
    ts__strace_fields x;
    REQUIRE(ts__strace_read_fields(in(d, "pt.txt"), &names, &times, &n, &timed, &x) == 0);
    CHECK(names_are(names, n, "execve brk access vfork vfork getpid execve wait4 exit_group"));
    CHECK(timed == 5);   /* times since the trace began (no -T) */
    static const long pid[] = {7, 7, 7, 7, 8, 9, 8, 7, 8};
    static const int64_t ns[] = {0, 73000, 614000, 3766000, 3766000, 3790000, 3800000, 4132000, 12759000};
    static const int64_t ret[] = {0, 0x5649, -1, 8, 0, 9, 0, 8, 0};
    static const uint8_t has[] = {1, 1, 1, 1, 1, 1, 1, 1, 0};
    static const char *const comm[] = {"sh", "sh", "sh", "sh", "sh", "sh", "sh", "sh", "ls"};
    for (size_t i = 0; i < n && i < 9; i++) {
        CHECK_MSG(x.pid[i] == pid[i] && x.ns[i] == ns[i] && x.has_ret[i] == has[i] && (!has[i] || x.ret[i] == ret[i]) &&
                      x.comm[i] && !strcmp(x.comm[i], comm[i]),
                  "call %zu: pid %ld, %lld ns, ret %lld (%d), comm %s", i, x.pid[i], (long long)x.ns[i],
                  (long long)x.ret[i], x.has_ret[i], x.comm[i] ? x.comm[i] : "-");
        CHECK_MSG(!x.exec[i] == (i != 6), "call %zu: exec %s", i, x.exec[i] ? x.exec[i] : "-");
    }
    CHECK(x.exec[6] && !strcmp(x.exec[6], "/bin/ls"));
    for (size_t i = 0; i < n; i++) free(x.exec[i]), free(x.comm[i]);
    ts__strace_fields_free(&x);
    free(times);
    free_names(names, n);

    /* --no-comm: the thread alone */
    write_text(in(d, "nc.txt"), "     0.064 ( 0.016 ms): 24097 brk()          = 0x5621\n"
                                "     0.568 ( 0.030 ms): 24097 close(fd: 3)   = 0\n");
    REQUIRE(ts_strace_read(in(d, "nc.txt"), &names, &n) == 0);
    CHECK(names_are(names, n, "brk close"));
    free_names(names, n);
    /* a call that started before the first line written (perf trace without -T prints the
     * time since that line unsigned: 2^64 ns less 0.5 ms, 18446744073709.051 ms, and a
     * duration so too): before it, the times counting from the earliest call */
    write_text(in(d, "wrap.txt"), "     0.000 ( 0.016 ms): sh/7 brk()                    = 0x5621\n"
                                  "18446744073709.051 ( 0.015 ms): ls/8 getpid()         = 8\n"
                                  "     0.100 (18446744073701.098 ms): sh/7 wait4(upid: -1) = 8 (ls)\n");
    REQUIRE(ts__strace_read_fields(in(d, "wrap.txt"), &names, &times, &n, &timed, &x) == 0);
    CHECK(names_are(names, n, "getpid brk wait4"));
    CHECK(timed == 5);
    static const int64_t wrap_ns[] = {0, 500616, 600616};
    for (size_t i = 0; i < n && i < 3; i++)
        CHECK_MSG(x.ns[i] == wrap_ns[i] && fabs(times[i] - wrap_ns[i] * 1e-9) < 1e-12, "call %zu: %lld ns, %.9f s", i,
                  (long long)x.ns[i], times[i]);
    for (size_t i = 0; i < n; i++) free(x.exec[i]), free(x.comm[i]);
    ts__strace_fields_free(&x);
    free(times);
    free_names(names, n);
    /* a call continued whose start is not in the trace ('?') is at the time before it, or at
     * its thread's next call where that is earlier (perf printed another thread's calls
     * first): the exec'd shell's calls before the other thread's, not after */
    write_text(in(d, "wrap2.txt"), "     0.000 ( 0.016 ms): 9 brk()                    = 0x5621\n"
                                   "     6.211 ( 0.016 ms): 9 close(fd: 4)             = 0\n"
                                   "         ? (         ): 7  ... [continued]: execve()) = 0\n"
                                   "18446744073704.984 ( 0.015 ms): 7 brk()            = 0x5635\n"
                                   "18446744073705.520 ( 0.018 ms): 7 getpid()         = 7\n");
    REQUIRE(ts__strace_read_fields(in(d, "wrap2.txt"), &names, &times, &n, &timed, &x) == 0);
    CHECK(names_are(names, n, "execve brk getpid brk close"));
    static const int64_t wrap2_ns[] = {0, 0, 536000, 4567616, 10778616};
    for (size_t i = 0; i < n && i < 5; i++)
        CHECK_MSG(x.ns[i] == wrap2_ns[i], "call %zu: %lld ns", i, (long long)x.ns[i]);
    for (size_t i = 0; i < n; i++) free(x.exec[i]), free(x.comm[i]);
    ts__strace_fields_free(&x);
    free(times);
    free_names(names, n);
    /* with -T (perf's clock) a '?' before any time is at the first time, not at 0 */
    write_text(in(d, "clk.txt"), "         ? (         ): sh/7  ... [continued]: execve()) = 0\n"
                                 "66107668.655 ( 0.015 ms): sh/7 brk()                 = 0x5635\n");
    REQUIRE(ts__strace_read_fields(in(d, "clk.txt"), &names, &times, &n, &timed, &x) == 0);
    CHECK(names_are(names, n, "execve brk"));
    CHECK(timed == 4);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(x.ns[i] == 66107668655000LL, "call %zu: %lld ns", i, (long long)x.ns[i]);
        free(x.exec[i]), free(x.comm[i]);
    }
    ts__strace_fields_free(&x);
    free(times);
    free_names(names, n);
    /* ":TID" is perf's name for a thread it has no name for yet (a fork's child before it
     * runs an exec): no name, inferred from its parent's fork as in a strace log; it was a
     * process name of its own, one per child */
    write_text(in(d, "nm.txt"), "     0.100 (         ): bash/481 clone(clone_flags: CHILD_CLEARTID|0x11)   ...\n"
                                "         ? (         ): :482/482  ... [continued]: clone())       = 0\n"
                                "     0.200 ( 0.015 ms): :482/482 getpid()                          = 482\n"
                                "     0.100 ( 0.300 ms): bash/481  ... [continued]: clone())        = 482\n"
                                "     0.500 ( 0.015 ms): bash/481 getpid()                          = 481\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "nm.txt"), &r) == 0);
    CHECK(r.n == 4 && r.tid);   /* the child's side of the clone counted where it is */
    for (size_t i = 0; i < r.n; i++)
        CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], "bash"), "call %zu: comm %s", i, r.comm[i] ? r.comm[i] : "-");
    ts_mc_raw_free(&r);
    /* gzip, as strace logs */
    gzFile gz = gzopen(in(d, "pt.txt.gz"), "wb");
    REQUIRE(gz);
    gzputs(gz, perf_trace_log);
    gzclose(gz);
    CHECK(ts_perf_trace_file(in(d, "pt.txt.gz")) == 1);
    REQUIRE(ts_strace_read(in(d, "pt.txt.gz"), &names, &n) == 0);
    CHECK(names_are(names, n, "execve brk access vfork vfork getpid execve wait4 exit_group"));
    free_names(names, n);
    CHECK(ts_perf_trace_file(in(d, "nc.txt")) == 1);

    /* what is not a system call: one line naming the option */
    static const struct { const char *text, *why; } bad[] = {
        {"     0.000 ( 0.000 ms): sh/1 brk() = 0\nLOST 12 events!\n", ":2: perf trace lost events here"},
        {"     0.000 ( 0.000 ms): sh/1 minfault [elf_load+0x28a] => 0x55a7cb965240 (?k)\n", ":1: a page fault (perf trace -F"},
        {"     0.000 sh/1 sched:sched_process_exec(filename: \"/usr/bin/sh\", pid: 1 (sh))\n",
         ":1: a tracepoint event (perf trace -e"},
        {"     0.000 ( 0.000 ms): sh/1 brk() = 0\nsomething else\n", ":2: not a perf trace system call line"},
        {"\n Summary of events:\n\n sh (1), 3 events, 100.0%\n", "only the summary table of perf trace -s"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) strace_refuses(d, "bad.txt", bad[i].text, bad[i].why);
    /* a last line without its newline that does not read as a call (cut in its time, its
     * thread or its call's name) was cut while written: left out with a note, as a strace
     * log's; one that reads is read as with its newline; a damaged line before it is refused */
    static const char *const cut[] = {"     0.6", "     0.614 ( 0.018 ms): sh/", "     0.614 ( 0.018 ms): sh/7 acc",
                                      "     0.614 (         ): sh/7  ... [contin"};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        char text[256];
        snprintf(text, sizeof text, "     0.073 ( 0.016 ms): sh/7 brk()       = 0x5649\n%s", cut[i]);
        write_text(in(d, "cut.txt"), text);
        const char *one[] = {in(d, "cut.txt")};
        char *notes = NULL;
        CHECK_MSG(ts_strace_read_logs(one, 1, &names, &n, &notes) == 0 && n == 1 && notes &&
                      strstr(notes, "cut.txt:2: the log ends in the middle of this line: left out"),
                  "case %zu: %s", i, notes ? notes : ts_error());
        if (names) free_names(names, n);
        free(notes);
    }
    write_text(in(d, "cut.txt"), "     0.073 ( 0.016 ms): sh/7 brk()       = 0x5649\n     0.614 ( 0.018 ms): sh/7 close(fd: 3) = 0");
    {
        const char *one[] = {in(d, "cut.txt")};
        char *notes = NULL;
        CHECK_MSG(ts_strace_read_logs(one, 1, &names, &n, &notes) == 0 && names_are(names, n, "brk close") && !notes,
                  "%s", notes ? notes : ts_error());
        if (names) free_names(names, n);
        free(notes);
    }
    write_text(in(d, "cut.txt"), "     0.073 ( 0.016 ms): sh/7 brk()       = 0x5649\n     0.6\n");
    CHECK_MSG(ts_strace_read(in(d, "cut.txt"), &names, &n) == -1 && strstr(ts_error(), "cut.txt:2: not a perf trace"),
              "%s", ts_error());
    /* a strace log is not perf trace's */
    write_text(in(d, "st.txt"), "5 1700000000.1 read(0, \"\", 1) = 0\n");
    CHECK(ts_perf_trace_file(in(d, "st.txt")) == 0);
    CHECK(ts_perf_trace_file(in(d, "absent.txt")) == -1 && strstr(ts_error(), "absent.txt"));
    /* a pipe is not looked into: what was read of it would be gone for its reader */
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    REQUIRE(write(fds[1], perf_trace_log, strlen(perf_trace_log)) == (ssize_t)strlen(perf_trace_log));
    close(fds[1]);
    char fdp[64], back[64];
    snprintf(fdp, sizeof fdp, "/dev/fd/%d", fds[0]);
    CHECK_MSG(ts_perf_trace_file(fdp) == -1 && strstr(ts_error(), fdp) && strstr(ts_error(), "not a regular file"),
              "%s", ts_error());
    CHECK(read(fds[0], back, 16) == 16 && !memcmp(back, perf_trace_log, 16));
    close(fds[0]);
}

/* perf trace's numbers as it prints them: the time and the duration in milliseconds
 * ("12.345", "( 0.012 ms)"), the return value a decimal or 0x number or '?'; another
 * ("1.2.3", "( 0.0.12 ms)", "= 12abc", one past 64 bits) is refused in one line naming the
 * file and the line, not read as the number it begins with. A real recording
 * (perf trace -o FILE -- ls) reads whole */
static void perf_trace_numbers_checked(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char **names;
    size_t n;
    REQUIRE(ts_strace_read("tests/data/perf_trace_ls.txt", &names, &n) == 0);
    CHECK_MSG(n == 145 && !strcmp(names[0], "execve") && !strcmp(names[n - 1], "exit_group"), "%zu calls", n);
    free_names(names, n);
    static const char first[] = "     0.073 ( 0.016 ms): sh/7 brk()       = 0x5649\n";
    static const struct { const char *line, *why; } bad[] = {
        {"     1.2.3 ( 0.016 ms): sh/7 brk() = 0", "a time that is no number"},
        {"     1. ( 0.016 ms): sh/7 brk() = 0", "a time that is no number"},
        {"     1..2 ( 0.016 ms): sh/7 brk() = 0", "a time that is no number"},
        {"     99999999999999999999.000 ( 0.016 ms): sh/7 brk() = 0", "a time of 2^64 ns or more"},
        {"     0.614 ( 0.0.16 ms): sh/7 brk() = 0", "a duration that is no number"},
        {"     0.614 ( 0.016. ms): sh/7 brk() = 0", "a duration that is no number"},
        {"     0.614 ( 99999999999999999 ms): sh/7 brk() = 0", "a duration of 2^64 ns or more"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 12abc", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 0x", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 0x12g4", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 1.5", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = -", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = abc", "a return value that is no number"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 18446744073709551616", "a return value outside 64 bits"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = 0x10000000000000000", "a return value outside 64 bits"},
        {"     0.614 ( 0.016 ms): sh/7 brk() = -9223372036854775809", "a return value outside 64 bits"},
    };
    char text[512], want[128];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "%s%s\n", first, bad[i].line);
        snprintf(want, sizeof want, "num.txt:2: %s", bad[i].why);
        strace_refuses(d, "num.txt", text, want);
    }
    /* the numbers perf trace writes, at their bounds */
    static const struct { const char *ret; int64_t v; int has; } good[] = {
        {"= -1 ENOENT (No such file or directory)", -1, 1}, {"= 8 (ls)", 8, 1}, {"= ?", 0, 0},
        {"= 0x7fb27b4ea000", 0x7fb27b4ea000, 1}, {"= 18446744073709551615", -1, 1},
        {"= -9223372036854775808", INT64_MIN, 1}, {"= 0xffffffffffffffff", -1, 1},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(text, sizeof text, "%s     1 ( 2 ms): sh/7 close(fd: 3) %s\n", first, good[i].ret);
        write_text(in(d, "num.txt"), text);
        char **nm;
        double *times;
        int timed;
        ts__strace_fields x;
        REQUIRE(ts__strace_read_fields(in(d, "num.txt"), &nm, &times, &n, &timed, &x) == 0);
        CHECK_MSG(n == 2 && x.has_ret[1] == good[i].has && (!good[i].has || x.ret[1] == good[i].v) &&
                      x.ns[1] == 1000000,
                  "%s: %zu calls, ret %lld (%d)", good[i].ret, n, (long long)x.ret[1], x.has_ret[1]);
        for (size_t k = 0; k < n; k++) free(x.exec[k]), free(x.comm[k]);
        ts__strace_fields_free(&x);
        free(times);
        free_names(nm, n);
    }
    /* the last line without its newline, cut in its return value: the call without one */
    snprintf(text, sizeof text, "%s     0.614 ( 0.016 ms): sh/7 brk() = 0x", first);
    write_text(in(d, "num.txt"), text);
    REQUIRE(ts_strace_read(in(d, "num.txt"), &names, &n) == 0);
    CHECK(names_are(names, n, "brk brk"));
    free_names(names, n);
    static const char *const cut_ok[] = {"= -", "= ", "="};
    for (size_t i = 0; i < sizeof cut_ok / sizeof *cut_ok; i++) {
        snprintf(text, sizeof text, "%s     0.614 ( 0.016 ms): sh/7 brk() %s", first, cut_ok[i]);
        write_text(in(d, "num.txt"), text);
        names = NULL;
        CHECK_MSG(ts_strace_read(in(d, "num.txt"), &names, &n) == 0 && names_are(names, n, "brk brk"), "'%s': %s",
                  cut_ok[i], names ? "" : ts_error());
        if (names) free_names(names, n);
    }
    /* what no cut leaves (a number followed by what none has) is refused there too */
    static const char *const never[] = {"= 12abc", "= 0x12g4", "= 1.5", "= abc", "= -x"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++) {
        snprintf(text, sizeof text, "%s     0.614 ( 0.016 ms): sh/7 brk() %s", first, never[i]);
        strace_refuses(d, "num.txt", text, "num.txt:2: a return value that is no number");
    }
}

/* perf trace's times at the bounds of 64 bits: a time up to 2^64 - 1 ns (in ms, its digits
 * past the nanosecond dropped) is read, the largest as 1 ns before the first line written,
 * which was refused as past 2^64 ns; 2^64 ns and more is refused, and so is 2^63 ns (2^63 ns
 * before the first line) and a trace whose calls span more than 2^63 - 1 ns, which would
 * wrap; each in one line naming the file and the line */
static void perf_trace_time_bounds(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    static const char first[] = "     0.000 ( 0.016 ms): sh/7 brk() = 0\n";
    /* (line 2, and its time in ns from the earliest call; the first line's then) */
    static const struct { const char *line; int64_t ns, first_ns; } good[] = {
        {"18446744073709.551615 ( 0.015 ms): ls/8 getpid() = 8", 0, 1},
        {"18446744073709.5516159 ( 0.015 ms): ls/8 getpid() = 8", 0, 1},
        {"18446744073709.551614 ( 0.015 ms): ls/8 getpid() = 8", 0, 2},
        {"9223372036854.775809 ( 0.015 ms): ls/8 getpid() = 8", 0, INT64_MAX},
        {"9223372036854.775807 ( 0.015 ms): ls/8 getpid() = 8", INT64_MAX, 0},
        {"0.001 (18446744073709.551615 ms): ls/8 getpid() = 8", 1000, 0},
    };
    char text[512];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(text, sizeof text, "%s%s\n", first, good[i].line);
        write_text(in(d, "t.txt"), text);
        char **nm;
        double *times;
        int timed;
        size_t n = 0;
        ts__strace_fields x;
        if (ts__strace_read_fields(in(d, "t.txt"), &nm, &times, &n, &timed, &x) != 0) {
            CHECK_MSG(0, "%s: %s", good[i].line, ts_error());
            continue;
        }
        /* (in the order they started: the earlier first) */
        const int late = good[i].ns >= good[i].first_ns;
        CHECK_MSG(n == 2 && x.ns[late] == good[i].ns && x.ns[!late] == good[i].first_ns &&
                      !strcmp(nm[late], "getpid"),
                  "%s: %zu calls, %lld and %lld ns", good[i].line, n, (long long)x.ns[0], (long long)x.ns[1]);
        for (size_t k = 0; k < n; k++) free(x.exec[k]), free(x.comm[k]);
        ts__strace_fields_free(&x);
        free(times);
        free_names(nm, n);
    }
    static const struct { const char *lines, *want; } bad[] = {
        {"18446744073709.551616 ( 0.015 ms): ls/8 getpid() = 8\n", "t.txt:2: a time of 2^64 ns or more"},
        {"18446744073710 ( 0.015 ms): ls/8 getpid() = 8\n", "t.txt:2: a time of 2^64 ns or more"},
        {"0.001 (18446744073709.551616 ms): ls/8 getpid() = 8\n", "t.txt:2: a duration of 2^64 ns or more"},
        {"9223372036854.775808 ( 0.015 ms): ls/8 getpid() = 8\n", "t.txt:2: a time of 2^63 ns"},
        /* INT64_MAX ns after the first line and one 1 ns before it: 2^63 ns apart */
        {"9223372036854.775807 ( 0.015 ms): ls/8 getpid() = 8\n18446744073709.551615 ( 0.015 ms): ls/8 getpid() = 8\n",
         "t.txt:2: a time 2^63 ns or more after the earliest call's (line 3"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "%s%s", first, bad[i].lines);
        strace_refuses(d, "t.txt", text, bad[i].want);
    }
}

/* the text readers (strace, perf trace's output, ftrace, perf script's text, IDs) given
 * their input with CRLF line ends or without the last newline read what they read of it
 * as it is; with a UTF-8 byte-order mark before it, or a NUL inside its third line, they refuse
 * it in one line naming the file and the place (ingest, and gaps for ftrace and perf
 * script's text), reading no line of it as what it is not */
static const struct { const char *from, *src; int gaps; } text_kinds[] = {
    {"strace", "tests/data/strace_f.log", 0}, {"perf", "tests/data/perf_trace_ls.txt", 0},
    {"ftrace", "tests/data/ftrace_pipe.trace.gz", 1}, {"perf", "tests/data/perf_lost.txt.gz", 1}, {"ids", NULL, 0},
};
enum { V_AS_IS, V_CRLF, V_NO_LAST_NL, V_BOM, V_NUL, V_N };

/* kind k's input, damaged by v, written at d/kK.V; its path */
static const char *text_variant(const char *d, int k, int v)
{
    size_t n = 0, cap = 1 << 16;
    char *b = malloc(cap);
    if (text_kinds[k].src) {
        gzFile f = gzopen(text_kinds[k].src, "rb");
        int got;
        while (f && (got = gzread(f, b + n, (unsigned)(cap - n))) > 0)
            if ((n += (size_t)got) == cap) b = realloc(b, cap *= 2);
        if (f) gzclose(f);
    } else {
        n = (size_t)snprintf(b, cap, "1,2,3\n4,5,6\n7,8,9\n");
    }
    char *o = malloc(2 * n + 8);
    size_t m = 0, mid = SIZE_MAX;   /* the middle of line 3 (in an argument of a call) */
    for (size_t i = 0, line = 1, at = 0; i < n; i++) {
        if (b[i] != '\n') continue;
        if (++line == 3) at = i + 1;
        else if (line == 4) mid = (at + i) / 2;
    }
    if (v == V_BOM) m += (size_t)sprintf(o, "\xef\xbb\xbf");
    for (size_t i = 0; i < n; i++) {
        if (v == V_NUL && i == mid) o[m++] = 0;
        if (v == V_CRLF && b[i] == '\n') o[m++] = '\r';
        o[m++] = b[i];
    }
    while (v == V_NO_LAST_NL && m > 0 && o[m - 1] == '\n') m--;
    static char path[8][700];
    static int slot;
    slot = (slot + 1) & 7;
    snprintf(path[slot], sizeof path[slot], "%s/k%d.%d", d, k, v);
    FILE *f = fopen(path[slot], "wb");
    if (f) fwrite(o, 1, m, f), fclose(f);
    free(o);
    free(b);
    return path[slot];
}

/* each kind's input damaged by v0..v1, checked */
static void text_damage(int v0, int v1)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[1024], want[1024], gaps0[4096], gapsv[4096];
    for (int k = 0; k < (int)(sizeof text_kinds / sizeof *text_kinds); k++) {
        const char *f0 = text_variant(d, k, V_AS_IS);
        snprintf(cmd, sizeof cmd, "ingest --from %s %s -o %s/ds%d.0", text_kinds[k].from, f0, d, k);
        int rc0 = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc0 == 0, "%s: %s", cmd, err);
        if (rc0 == 0 && text_kinds[k].gaps) {
            snprintf(cmd, sizeof cmd, "gaps %s", f0);
            CHECK_MSG((rc0 = run_stdout(cmd, gaps0, sizeof gaps0)) == 0, "%s: exit %d", cmd, rc0);
        }
        if (rc0) continue;   /* (the next kind's checked all the same) */
        for (int v = v0; v <= v1; v++) {
            const char *f = text_variant(d, k, v);
            char ds0[700], ds[700];
            snprintf(ds0, sizeof ds0, "%s/ds%d.0/stream.txt", d, k);
            snprintf(ds, sizeof ds, "%s/ds%d.%d/stream.txt", d, k, v);
            snprintf(cmd, sizeof cmd, "ingest --from %s %s -o %s/ds%d.%d", text_kinds[k].from, f, d, k, v);
            const int rc = run_cli(cmd, err, sizeof err);
            if (v == V_BOM || v == V_NUL)
                snprintf(want, sizeof want, v == V_BOM ? "%s: byte 0xEF (UTF-8 byte-order mark; save the file without "
                                                         "it) at line 1, column 1" : "%s: byte 0x00 (NUL) at line 3, column ",
                         f);
            if (v == V_BOM || v == V_NUL)
                CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
            else
                CHECK_MSG(rc == 0 && files_equal(ds0, ds), "%s: exit %d, not the events as they are: %s", cmd, rc, err);
            if (!text_kinds[k].gaps) continue;
            snprintf(cmd, sizeof cmd, "gaps %s", f);
            if (v == V_BOM || v == V_NUL)
                CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want), "%s: %s", cmd, err);
            else
                CHECK_MSG(run_stdout(cmd, gapsv, sizeof gapsv) == 0 && !strcmp(gaps0, gapsv), "%s: %s", cmd, gapsv);
        }
    }
}

static void text_line_ends_read(void) { text_damage(V_CRLF, V_NO_LAST_NL); }
static void text_nul_refused(void) { text_damage(V_NUL, V_NUL); }
static void text_bom_refused(void) { text_damage(V_BOM, V_BOM); }

/* --from perf given an empty file, or one with a NUL in its first line (which perf
 * trace's output is then not taken for): the error says what perf's text was expected
 * (perf script's or perf trace's), not ftrace's */
static void perf_empty_or_nul_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_bytes(in(d, "e.txt"), "", 0);
    static const char nul[] = "   \0      ? (         ): ls/1 brk() = 0\n";
    write_bytes(in(d, "x.txt"), nul, sizeof nul - 1);
    const char *files[] = {"e.txt", "x.txt"}, *wants[] = {": no event lines of perf script's text", ": byte 0x00 (NUL) at line 1, column 4: not perf script's text nor perf trace's output"};
    for (int i = 0; i < 2; i++) {
        char cmd[1024], err[1024];
        snprintf(cmd, sizeof cmd, "ingest --from perf %s -o %s/pd", in(d, files[i]), d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, wants[i]) && strstr(err, "perf trace") &&
                      !strstr(err, "ftrace"), "%s: %s", cmd, err);
    }
}

/* several files of perf trace's output merged by time: without -T each counts from its own
 * start (no common clock, refused naming the file, as strace -r's logs are); with -T they
 * share perf's clock (since boot), which is neither strace -ttt's epoch nor -tt's time of
 * day (refused naming both) */
static void perf_trace_several(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char a[512], b[512], c[512], s[512];
    snprintf(a, sizeof a, "%s", in(d, "a.txt"));
    snprintf(b, sizeof b, "%s", in(d, "b.txt"));
    snprintf(c, sizeof c, "%s", in(d, "c.txt"));
    snprintf(s, sizeof s, "%s", in(d, "s.log"));
    write_text(a, "     0.000 ( 0.016 ms): sh/7 brk()          = 0x5649\n"
                  "     0.614 ( 0.018 ms): sh/7 close(fd: 3)   = 0\n");
    write_text(b, "     0.000 ( 0.016 ms): sh/9 getpid()       = 9\n"
                  "     0.300 ( 0.018 ms): sh/9 read(fd: 0)    = 0\n");
    char **names;
    size_t n;
    const char *rel[] = {a, b};
    CHECK_MSG(ts_strace_read_many(rel, 2, &names, &n) == -1 && strstr(ts_error(), "a.txt") &&
                  strstr(ts_error(), "perf trace -T") && !strchr(ts_error(), '\n'),
              "%s", ts_error());
    char cmd[2048], err[2048];
    snprintf(cmd, sizeof cmd, "ingest --from perf %s %s -o %s", a, b, in(d, "dsr"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "a.txt") && strstr(err, "perf trace -T"), "%s", err);
    CHECK(!ts_file_exists(in(d, "dsr")));
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s %s -o %s", a, b, in(d, "dsr"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "perf trace -T"), "%s", err);
    /* one such file alone: read as it is */
    REQUIRE(ts_strace_read_many(rel, 1, &names, &n) == 0);
    CHECK(names_are(names, n, "brk close"));
    free_names(names, n);
    /* with -T: one clock, merged by time */
    write_text(a, "5734516.000 ( 0.016 ms): sh/7 brk()          = 0x5649\n"
                  "5734516.614 ( 0.018 ms): sh/7 close(fd: 3)   = 0\n");
    write_text(b, "5734516.100 ( 0.016 ms): sh/9 getpid()       = 9\n"
                  "5734516.700 ( 0.018 ms): sh/9 read(fd: 0)    = 0\n");
    CHECK_MSG(ts_strace_read_many(rel, 2, &names, &n) == 0, "%s", ts_error());
    if (names) {
        CHECK(names_are(names, n, "brk getpid close read"));
        free_names(names, n);
    }
    /* a relative one beside a -T one */
    write_text(c, "     0.000 ( 0.016 ms): sh/8 getpid()       = 8\n");
    const char *mixed[] = {a, c};
    CHECK_MSG(ts_strace_read_many(mixed, 2, &names, &n) == -1 && strstr(ts_error(), "c.txt") &&
                  strstr(ts_error(), "perf trace -T"), "%s", ts_error());
    /* perf's clock and a strace log's */
    static const char *const logs[] = {"8 1700000000.000100 getpid() = 8\n", "8 12:00:00.000100 getpid() = 8\n"};
    for (int k = 0; k < 2; k++) {
        write_text(s, logs[k]);
        const char *ps[] = {a, s};
        CHECK_MSG(ts_strace_read_many(ps, 2, &names, &n) == -1 && strstr(ts_error(), "s.log") &&
                      strstr(ts_error(), "a.txt") && strstr(ts_error(), "perf trace -T") && !strchr(ts_error(), '\n'),
                  "log %d: %s", k, ts_error());
    }
}

/* ingest --from perf of perf trace's output reads it as a strace log (the channels too);
 * gaps, which reads perf script's text, names what reads it */
static void cli_ingest_perf_trace(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "pt.txt"), perf_trace_log);
    char cmd[2048], err[2048];
    snprintf(cmd, sizeof cmd, "ingest --from perf %s -o %s", in(d, "pt.txt"), in(d, "ds"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s -o %s", in(d, "pt.txt"), in(d, "dsc"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 9);
    ts_dataset_free(&ds);
    CHECK(ts_file_exists(in(d, "dsc/tid.npy")) && ts_file_exists(in(d, "dsc/comm.npy")) &&
          ts_file_exists(in(d, "dsc/ret.npy")));
    snprintf(cmd, sizeof cmd, "gaps %s", in(d, "pt.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "perf trace's output") && strstr(err, "--from perf or strace"),
              "%s", err);
    /* --from perf reads perf script's text from a pipe as it did (what tells perf trace's
     * output apart reads a file's first lines, which a pipe would lose): the file's dataset */
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    snprintf(cmd, sizeof cmd, "%s ingest --from perf tests/data/perf_lost.txt.gz -o %s >/dev/null 2>&1", bin,
             in(d, "pf"));
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "zcat tests/data/perf_lost.txt.gz | timeout 60 %s ingest --from perf /dev/stdin -o %s "
             ">/dev/null 2>%s", bin, in(d, "pp"), in(d, "pp.err"));
    int st = system(cmd);
    char said[1024] = "";
    FILE *ef = fopen(in(d, "pp.err"), "r");
    if (ef) said[fread(said, 1, sizeof said - 1, ef)] = 0, fclose(ef);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit 0x%x: %s", st, said);
    CHECK(files_equal(in(d, "pf/stream.txt"), in(d, "pp/stream.txt")) && files_equal(in(d, "pf/vocab.tsv"), in(d, "pp/vocab.tsv")));
    /* perf trace's output from a pipe: --from strace reads it */
    snprintf(cmd, sizeof cmd, "cat %s | timeout 60 %s ingest --from strace /dev/stdin -o %s >/dev/null 2>&1",
             in(d, "pt.txt"), bin, in(d, "ps"));
    CHECK(system(cmd) == 0 && files_equal(in(d, "ds/stream.txt"), in(d, "ps/stream.txt")));
    /* '-' is standard input too */
    snprintf(cmd, sizeof cmd, "cat %s | timeout 60 %s ingest --from strace - -o %s >/dev/null 2>&1", in(d, "pt.txt"),
             bin, in(d, "ps2"));
    CHECK(system(cmd) == 0 && files_equal(in(d, "ds/stream.txt"), in(d, "ps2/stream.txt")));
    /* --from perf of it from a pipe: the error names what reads it there, --from strace (it
     * said '--from perf or strace', and --from perf was what had been given) */
    snprintf(cmd, sizeof cmd, "cat %s | timeout 60 %s ingest --from perf - -o %s >/dev/null 2>%s", in(d, "pt.txt"),
             bin, in(d, "ps3"), in(d, "ps3.err"));
    st = system(cmd);
    said[0] = 0;
    ef = fopen(in(d, "ps3.err"), "r");
    if (ef) said[fread(said, 1, sizeof said - 1, ef)] = 0, fclose(ef);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(said, "standard input:1: perf trace's output") &&
              strstr(said, "from a pipe, --from strace"), "exit 0x%x: %s", st, said);
    /* the options of perf script's text: refused for perf trace's output with --from perf
     * too, saying why (the error said only that they apply to --from perf, which was given) */
    static const char *const traced_only[] = {"--cpu 1", "--exits", "--comm sh", "--events all", "--no-reconstructed"};
    for (size_t i = 0; i < sizeof traced_only / sizeof *traced_only; i++) {
        snprintf(cmd, sizeof cmd, "ingest --from perf %s %s -o %s", in(d, "pt.txt"), traced_only[i], in(d, "dsx"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "perf script's text") &&
                  strstr(err, "pt.txt is perf trace's output, read as a strace log") && !strchr(err, '\n'),
                  "%s: %s", traced_only[i], err);
        CHECK(!ts_file_exists(in(d, "dsx")));
    }
}

static void strace_line_shapes(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char **names;
    size_t n;
    /* [pid N] prefix, -tt clock times, no timestamps, a resume without its start
     * (counted where it resumes), a resume after a start (not counted again) */
    write_text(in(d, "a.log"),
               "[pid  77] 12:00:01.000001 read(0, \"\", 1) = 0\n"
               "12:00:01.000002 write(1, \"x\", 1) = 1\n"
               "futex(0x1, FUTEX_WAIT, 0, NULL) = 0\n"
               "77 <... poll resumed>) = 1\n"
               "78 nanosleep({tv_sec=1}, <unfinished ...>\n"
               "77 close(3) = 0\n"
               "78 <... nanosleep resumed>NULL) = 0\n"
               "\n"
               "78 --- stopped by SIGSTOP ---\n"
               "78 +++ killed by SIGKILL +++\n");
    REQUIRE(ts_strace_read(in(d, "a.log"), &names, &n) == 0);
    CHECK(names_are(names, n, "read write futex poll nanosleep close"));
    free_names(names, n);

    /* each unparsable line: an error naming file:line */
    const char *bad[] = {
        "1700000000.1 read(0, \"\", 1) = 0\nhello world\n",
        "1700000000.1 read(0, \"\", 1) = 0\n1234  1700000000.2 ???\n",
        "1700000000.1 read(0, \"\", 1) = 0\n[pid 12 read(0) = 0\n",
        "1700000000.1 read(0, \"\", 1) = 0\n12 <... resumed>) = 0\n",
        "1700000000.1 read(0, \"\", 1) = 0\n1700000000.2 = 0\n",
        /* a time no option of strace's prints: read as some other time before */
        "1700000000.1 read(0, \"\", 1) = 0\n1700000000.2.5 close(0) = 0\n",
        "1 12:00:01.1 read(0, \"\", 1) = 0\n1 12:00:01:02 close(0) = 0\n",
        "1 12:00:01.1 read(0, \"\", 1) = 0\n1 12:00 close(0) = 0\n",
        "1 1.1 read(0, \"\", 1) = 0\n1 . close(0) = 0\n",
        "1 1.1 read(0, \"\", 1) = 0\n1 2. close(0) = 0\n",
        "1 1.1 read(0, \"\", 1) = 0\n1 .5 close(0) = 0\n",
        "1 1.1 read(0, \"\", 1) = 0\n1 :12:00:01 close(0) = 0\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) strace_refuses(d, "bad.log", bad[i], "/bad.log:2: ");
    CHECK(ts_strace_read("tests/data/strace_bad.log", &names, &n) == -1);
    CHECK(strstr(ts_error(), "strace_bad.log:3: not a system call") != NULL);
    /* the quoted line shows its control bytes escaped: a terminal sent an ESC sequence or a
     * carriage return out of the error rewrote the line it is on */
    strace_refuses(d, "bad.log", "1700000000.1 read(0, \"\", 1) = 0\nfoo\033[31mRED\rbar\r\n",
                   ":2: a carriage return inside the line");
    CHECK_MSG(strstr(ts_error(), ": 'foo\\x1b[31mRED\\x0dbar'") && !strpbrk(ts_error(), "\033\r"), "'%s'", ts_error());
    strace_refuses(d, "bad.log", "1700000000.1 read(0, \"\", 1) = 0\nfoo\033[31mREDbar\r\n",
                   ":2: not a system call, signal or exit line: 'foo\\x1b[31mREDbar'");
    CHECK_MSG(!strpbrk(ts_error(), "\033\r"), "'%s'", ts_error());
    /* strace without -o writes to stderr, among the program's own lines: one that has
     * nothing of strace's (no pid, no time, no call's rest) is refused with a hint of it;
     * a line of strace's shape (strace_bad.log's has a pid and a time) has none */
    strace_refuses(d, "bad.log", "execve(\"/bin/ls\", [\"ls\", \"x\"], 0x7ffd /* 20 vars */) = 0\n"
                   "ls: cannot access 'x': No such file or directory\n",
                   ":2: not a system call, signal or exit line: 'ls: cannot access 'x': No such file or directory' "
                   "(a line of the program's own output? record with strace -o FILE)");
    strace_refuses(d, "bad.log", "1700000000.1 read(0, \"\", 1) = 0\nhello\n1700000000.2 close(0) = 0\n",
                   ":2: not a system call, signal or exit line: 'hello' (a line of the program's own output?");
    /* the program's write to stderr cut strace's line of that write: its rest is alone */
    strace_refuses(d, "bad.log", "dup2(2, 1)                              = 1\n"
                   "write(1, \"hi\\n\", 3hi\n)                     = 3\n",
                   ":3: not a system call, signal or exit line: ')                     = 3' (the rest of a call whose "
                   "line the program's own output cut? record with strace -o FILE)");
    CHECK(ts_strace_read("tests/data/strace_bad.log", &names, &n) == -1);
    CHECK_MSG(!strstr(ts_error(), "program's own output"), "'%s'", ts_error());
    /* a carriage return inside a line is no line end of strace's (it writes "\r" in a string):
     * line ends of a carriage return alone made the log one line, its calls after the first
     * lost; an error naming the line */
    static const char *const cr[] = {"1 1.0 getpid() = 1\r1 1.1 close(3) = 0\r",
                                     "1 1.0 getpid() = 1\n1 1.1 --- SIGCHLD {si_signo=SIGCHLD} ---\r1 1.2 close(3) = 0\n",
                                     "1 1.0 getpid() = 1\n1 1.1 close(3) = 0\r\r\n"};
    for (int i = 0; i < 3; i++) strace_refuses(d, "cr.log", cr[i], ": a carriage return inside the line");
    write_text(in(d, "cr.log"), "1 1.0 getpid() = 1\r\n1 1.1 close(3) = 0\r\n");
    REQUIRE(ts_strace_read(in(d, "cr.log"), &names, &n) == 0);
    CHECK(names_are(names, n, "getpid close"));
    free_names(names, n);
    /* a NUL byte (a block of zeros left by a crash) is named, not skipped or cut at */
    static const char zeros[] = "1 1700000000.1 read(0, \"\", 1) = 0\n"
                                "1 1700000000.2 brk(NU\0\0garbage) = 0\n"
                                "1 1700000000.3 close(3) = 0\n";
    write_bytes(in(d, "nul.log"), zeros, sizeof zeros - 1);
    CHECK(ts_strace_read(in(d, "nul.log"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "nul.log: byte 0x00 (NUL) at line 2, column 22") != NULL, "'%s'",
              ts_error());
    static const char block[] = "1 1700000000.1 read(0, \"\", 1) = 0\n\0\0\0\0\n"
                                "1 1700000000.3 close(3) = 0\n";
    write_bytes(in(d, "nul.log"), block, sizeof block - 1);
    CHECK(ts_strace_read(in(d, "nul.log"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "nul.log: byte 0x00 (NUL) at line 2, column 1") != NULL, "'%s'",
              ts_error());
    write_text(in(d, "empty.log"), "1 +++ exited with 0 +++\n");
    CHECK(ts_strace_read(in(d, "empty.log"), &names, &n) == -1 && strstr(ts_error(), "no system calls"));
    /* strace -e trace=none (or a -e trace= no call matched) leaves signals and exits alone:
     * the error names the first of them and the option */
    write_text(in(d, "empty.log"), "\n100  1700000000.5 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---\n"
                                   "100  1700000000.6 +++ exited with 0 +++\n");
    CHECK(ts_strace_read(in(d, "empty.log"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "empty.log:2: no system calls in the log, only signals and exits") &&
              strstr(ts_error(), "-e trace="), "%s", ts_error());
    /* strace -o leaves the log empty when the program could not be started (its error goes
     * to the terminal); strace's error written into the log (2> FILE) is quoted */
    write_text(in(d, "empty.log"), "");
    CHECK(ts_strace_read(in(d, "empty.log"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "empty.log: no system calls in the log: it is empty"), "%s", ts_error());
    write_text(in(d, "empty.log"), "strace: Can't stat '/nonexistent': No such file or directory\n");
    CHECK(ts_strace_read(in(d, "empty.log"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "empty.log:1: no system calls in the log, only strace's error: "
                                 "strace: Can't stat '/nonexistent': No such file or directory"),
              "%s", ts_error());
}

/* strace -k: each call's stack, one " > " line per frame, after the call's line (or after
 * its resumption); the frames are no calls */
static void strace_stack_traces(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    strace_reads_as(d, "k.log",
                    "23449 1796167501.015032 vfork( <unfinished ...>\n"
                    "23450 1796167501.015224 rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP], 8) = 0\n"
                    " > /usr/lib/x86_64-linux-gnu/libc.so.6(pthread_sigmask+0x44) [0x8fdd4]\n"
                    " > /usr/bin/dash() [0x4781]\n"
                    "23449 1796167501.019553 <... vfork resumed>) = 23450\n"
                    " > /usr/lib/x86_64-linux-gnu/libc.so.6(__vfork+0x8) [0xd43b8]\n"
                    " > unexpected_backtracing_error [0x7f00]\n"
                    " > BUG IN unwind\n"
                    "23450 1796167501.019600 exit_group(0) = ?\n"
                    " > /usr/lib/x86_64-linux-gnu/libc.so.6(_exit+0x1d) [0xd3e3d]\n",
                    "vfork rt_sigprocmask exit_group");
    /* a '>' line elsewhere is still an error */
    strace_refuses(d, "k.log", "1 1.0 getpid() = 1\n1 1.1 > x\n", "k.log:2: ");
}

/* strace's note on a process that changes personality (written on its own stream, so in
 * a log taken from stderr): skipped; a line that begins like it but is cut is an error */
static void strace_personality_notice(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    strace_reads_as(d, "p.log",
                    "300 1700000000.000100 execve(\"./a32\", [\"./a32\"], 0x7ffd /* 20 vars */) = 0\n"
                    "[ Process PID=300 runs in 32 bit mode. ]\n"
                    "300 1700000000.000200 brk(NULL) = 0x8c4f000\n"
                    "[ Process PID=300 runs in x32 mode. ]\n"
                    "300 1700000000.000300 exit_group(0) = ?\n", "execve brk exit_group");
    strace_refuses(d, "p.log", "300 1700000000.000100 getpid() = 300\n[ Process PID=300 runs in 32\n", "p.log:2: ");
}

/* strace -r with -t, -tt or -ttt: the clock time, then the time since the line before in
 * "(+ ...)"; the clock time is the call's */
static void strace_clock_and_relative(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char got[512];
    strace_reads_as(d, "tr.log",
                    "25384 23:25:37.042274 (+     0.000000) execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                    "25384 23:25:37.042571 (+     0.000269) vfork( <unfinished ...>\n"
                    "25385 23:25:37.044922 (+     0.000065) getpid() = 25385\n"
                    "25384 23:25:37.045054 (+     0.000014) <... vfork resumed>) = 25385\n"
                    "25384 23:25:37.045100 (+     0.000046) +++ exited with 0 +++\n", "execve vfork getpid");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "tr.log"), &r) == 0);
    CHECK(r.n == 3 && r.time_ns && r.time_ns[1] == (23 * 3600 + 25 * 60 + 37) * 1000000000LL + 42571000);
    CHECK(r.n == 3 && r.has_ret[1] && r.ret[1] == 25385);
    ts_mc_raw_free(&r);
    write_text(in(d, "tr2.log"), "1796167385.140605 (+     0.000000) execve(\"/usr/bin/true\", [\"true\"], 0x7ffe) = 0\n");
    write_text(in(d, "tr3.log"), "1796167385.140606 (+     0.000001) brk(NULL) = 0x55a5dc371000\n");
    const char *p2[] = {in(d, "tr2.log"), in(d, "tr3.log")};
    CHECK_MSG(strace_names(p2, 2, got, sizeof got) == 0 && !strcmp(got, "execve brk"), "%s", ts_error());
    /* an unclosed one is an error naming the line */
    strace_refuses(d, "tr.log", "1 1.0 getpid() = 1\n1 1.1 (+ 0.1 read(0) = 0\n", "tr.log:2: ");
}

/* -r's times (since the line before) and a clock's (-t, -tt, -ttt) mixed line to line: the
 * sum of -r's and the clock's cannot be one time line (the clock's was read as a gap of
 * decades, or -r's as a time in 1970); an error naming the line. Each kind alone is read */
static void strace_relative_and_clock_mixed(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    static const struct { const char *text; int line; } bad[] = {
        {"1700000000.000001 read(3, \"\", 1) = 0\n     0.000100 close(3) = 0\n", 2},
        {"     0.000000 read(3, \"\", 1) = 0\n1700000000.000100 close(3) = 0\n", 2},
        {"1234       0.000000 read(3, \"\", 1) = 0\n1234  12:00:01.000002 close(3) = 0\n", 2},
        {"1234  12:00:01.000002 read(3, \"\", 1) = 0\n1234       0.000010 close(3) = 0\n", 2},
        {"[pid  12] 1.000001 read(3, \"\", 1) = 0\n[pid  12]      0.000010 close(3) = 0\n", 2},
        {"     0 read(3, \"\", 1) = 0\n     1 getpid() = 1\n1700000000 close(3) = 0\n", 3},
        {"1 1.0 getpid() = 1\n1      0.000010 read(3, \"\", 1) = 0\n", 2},
        {"1 12:00:01.0 (+     0.000000) getpid() = 1\n1      0.000010 read(3, \"\", 1) = 0\n", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(in(d, "mix.log"), bad[i].text);
        ts_mc_raw r;
        char want[32];
        snprintf(want, sizeof want, "mix.log:%d: ", bad[i].line);
        const int rc = ts_mc_from_strace(in(d, "mix.log"), &r);
        if (rc == 0) ts_mc_raw_free(&r);
        CHECK_MSG(rc != 0 && strstr(ts_error(), want) && strstr(ts_error(), "-r"), "case %zu: %s", i,
                  rc ? ts_error() : "read");
    }
    /* one kind: read as before */
    static const char *const good[] = {
        "     0.000000 read(3, \"\", 1) = 0\n     0.000100 close(3) = 0\n",
        "1234       0.000000 read(3, \"\", 1) = 0\n1234       0.000100 close(3) = 0\n",
        "1234  12:00:01.000002 read(3, \"\", 1) = 0\n1234  12:00:01.000102 close(3) = 0\n",
        "1700000000.000001 read(3, \"\", 1) = 0\n1700000000.000101 close(3) = 0\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        write_text(in(d, "mix.log"), good[i]);
        ts_mc_raw r;
        if (ts_mc_from_strace(in(d, "mix.log"), &r) != 0) {
            CHECK_MSG(0, "good %zu: %s", i, ts_error());
            continue;
        }
        CHECK_MSG(r.n == 2 && r.time_ns && r.time_ns[1] - r.time_ns[0] == 100000, "good %zu", i);
        ts_mc_raw_free(&r);
    }
}

/* a time past 2^63 - 1 ns, or -r's times summed past it, was clamped there (two times made
 * one); an error naming the line */
static void strace_time_too_large(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "big.log"), "1 1.1 read(0, \"\", 1) = 0\n1 99999999999999999999.5 close(0) = 0\n"
                                 "1 99999999999999999999.6 close(0) = 0\n");
    ts_mc_raw r;
    CHECK_MSG(ts_mc_from_strace(in(d, "big.log"), &r) != 0 && strstr(ts_error(), "big.log:2: a time too large"), "%s",
              ts_error());
    write_text(in(d, "big.log"), "1 12:00:01.1 read(0, \"\", 1) = 0\n1 99999999999999999:00:01 close(0) = 0\n");
    CHECK_MSG(ts_mc_from_strace(in(d, "big.log"), &r) != 0 && strstr(ts_error(), "big.log:2: a time too large"), "%s",
              ts_error());
    FILE *f = fopen(in(d, "big.log"), "w");
    REQUIRE(f);
    fprintf(f, "     0.000000 read(0, \"\", 1) = 0\n");
    for (int i = 0; i < 9300; i++) fprintf(f, "999999.000000 getpid() = 1\n");
    fclose(f);
    CHECK_MSG(ts_mc_from_strace(in(d, "big.log"), &r) != 0 && strstr(ts_error(), "big.log:9225: ") &&
                  strstr(ts_error(), "too large"), "%s", ts_error());
}

/* strace -i: the instruction pointer in brackets after the pid and the time ("[????????????????]"
 * on exit lines); with -ttt, with no time, and after '[pid N]' (a log written to a terminal) */
static void strace_instruction_pointers(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    strace_reads_as(d, "i.log",
                    "1326  1796167813.454640 [00007f038ce053b8] vfork( <unfinished ...>\n"
                    "1327  1796167813.457691 [00007f038ce05ad7] execve(\"/usr/bin/ls\", [\"ls\"], 0x560ae1ee6ba8 /* 37 vars */ "
                    "<unfinished ...>\n"
                    "1326  1796167813.457864 [00007f038ce053b8] <... vfork resumed>) = 1327\n"
                    "1327  1796167813.458104 [00007efde99d2b70] <... execve resumed>) = 0\n"
                    "1327  1796167813.463906 [00007efde9862409] exit_group(0) = ?\n"
                    "1327  1796167813.464103 [????????????????] +++ exited with 0 +++\n"
                    "1326  1796167813.464195 [00007f038ce04bd3] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---\n",
                    "vfork execve exit_group");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "i.log"), &r) == 0);
    CHECK(r.n == 3 && r.has_ret[0] && r.ret[0] == 1327 && r.tid && r.tid[1] == 1327 &&
          r.time_ns[2] == 1796167813463906000LL && r.comm[2] && !strcmp(r.comm[2], "ls"));
    ts_mc_raw_free(&r);
    strace_reads_as(d, "i.log",
                    "32322 [00007fea10951ad7] execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffc7e72f8c0 /* 37 vars */) = 0\n"
                    "32322 [00007efc46145c47] brk(NULL)      = 0x559a44c00000\n"
                    "[00007f67e4c6e4e7] getpid()             = 1334\n"
                    "[pid  1335] [00007f67e4c28dd4] rt_sigprocmask(SIG_SETMASK, [], ~[KILL STOP RTMIN RT_1], 8) = 0\n"
                    "32323 [????????????????] +++ exited with 0 +++\n",
                    "execve brk getpid rt_sigprocmask");
    /* only there, and only one: elsewhere the line is still refused */
    strace_refuses(d, "i.log", "1 1.0 getpid() = 1\n[00007f67e4c6e4e7] 1 1.1 getpid() = 1\n", "i.log:2: ");
    strace_refuses(d, "i.log", "1 1.0 getpid() = 1\n1 1.1 [00007f67e4c6e4e7] [00007f67e4c6e4e7] getpid() = 1\n",
                   "i.log:2: ");
    strace_refuses(d, "i.log", "1 1.0 getpid() = 1\n1 1.1 [0000x] getpid() = 1\n", "i.log:2: ");
}

/* strace -n: the call's number in brackets after the pid and the time ("[ 231]" on exit
 * lines), then -i's address when both are given; -r's times keep their sums */
static void strace_syscall_numbers(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    strace_reads_as(d, "n.log",
                    "10914 1796168444.760790 [  59] execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"ls >/dev/null\"], 0x7ffef96dbbe0 "
                    "/* 37 vars */) = 0 <0.000255>\n"
                    "10914 1796168444.768549 [  58] vfork( <unfinished ...>\n"
                    "10915 1796168444.768816 [  59] execve(\"/usr/bin/ls\", [\"ls\"], 0x558d62484ba8 /* 37 vars */ "
                    "<unfinished ...>\n"
                    "10914 1796168444.768944 [  58] <... vfork resumed>) = 10915 <0.000382>\n"
                    "10915 1796168444.769090 [  59] <... execve resumed>) = 0 <0.000258>\n"
                    "10915 1796168444.785214 [ 231] +++ exited with 0 +++\n", "execve vfork execve");
    write_text(in(d, "n.log"),
               "10921      0.000000 [  59] [00007fdbe2dfbad7] execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffe90b9cf00 "
               "/* 37 vars */) = 0\n"
               "10921      0.000090 [  58] [00007fd4a35873b8] vfork( <unfinished ...>\n"
               "10922      0.000099 [  59] [00007fd4a3587ad7] execve(\"/usr/bin/ls\", [\"ls\"], 0x557bd2fd8ba8 "
               "/* 37 vars */ <unfinished ...>\n"
               "10921      0.000118 [  58] [00007fd4a35873b8] <... vfork resumed>) = 10922\n"
               "10922      0.000092 [  59] [00007f3395189b70] <... execve resumed>) = 0\n"
               "10922      0.000270 [ 231] [????????????????] +++ exited with 0 +++\n"
               "10921      0.000010 [????] [00007fd4a35873b8] getpid() = 10921\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "n.log"), &r) == 0);
    CHECK(r.n == 4 && r.time_ns && r.time_ns[2] == 189000 && r.has_ret[1] && r.ret[1] == 10922 && r.has_ret[2] &&
          r.ret[2] == 0 && r.comm[2] && !strcmp(r.comm[2], "ls"));
    ts_mc_raw_free(&r);
    /* in strace's order only: the number after the address is refused */
    strace_refuses(d, "n.log", "1 1.0 getpid() = 1\n1 1.1 [00007f67e4c6e4e7] [  39] getpid() = 1\n", "n.log:2: ");
    strace_refuses(d, "n.log", "1 1.0 getpid() = 1\n1 1.1 [  ] getpid() = 1\n", "n.log:2: ");
}

/* strace -c / -C with -o: the summary table at the log's end is no call; the same lines
 * anywhere else, or a table cut short, are still refused */
#define SUM_HEAD "% time     seconds  usecs/call     calls    errors syscall\n"
#define SUM_RULE "------ ----------- ----------- --------- --------- ----------------\n"
#define SUM_ROWS "  0.00    0.000000           0        53           close\n" \
                 "  0.00    0.000000           0         3         3 ioctl\n" \
                 "  0.00    0.000000           0         1           exit_group\n"
#define SUM_TOTAL "100.00    0.000000           0        57         3 total\n"
static void strace_summary_table(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char got[512];
    static const char calls[] = "32647 1796167743.284085 close(11)       = 0\n"
                                "32647 1796167743.284155 exit_group(2)   = ?\n"
                                "32647 1796167743.284315 +++ exited with 2 +++\n";
    static const char *const good[] = {
        SUM_HEAD SUM_RULE SUM_ROWS SUM_RULE SUM_TOTAL,
        /* -U: its columns, in its order; blank lines after it */
        "% time     seconds shortest  longest  usecs/call     calls    errors syscall\n"
        "------ ----------- -------- -------- ----------- --------- --------- ----------------\n"
        " 38.38    0.000279 0.000000 0.000034           8        34         9 newfstatat\n"
        " 14.72    0.000107 0.000000 0.000021          15         7           rt_sigaction\n"
        "------ ----------- -------- -------- ----------- --------- --------- ----------------\n"
        "100.00    0.000727 0.000000 0.000075           3       221        37 total\n\n\n",
        /* another personality's table after it */
        SUM_HEAD SUM_RULE SUM_ROWS SUM_RULE SUM_TOTAL
        "System call usage summary for 32 bit mode:\n"
        "    calls syscall\n"
        "--------- ----------------\n"
        "        2 read\n"
        "--------- ----------------\n"
        "        2 total\n",
    };
    char text[4096];
    const char *p1[] = {in(d, "c.log")};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(text, sizeof text, "%s%s", calls, good[i]);
        write_text(p1[0], text);
        CHECK_MSG(strace_names(p1, 1, got, sizeof got) == 0 && !strcmp(got, "close exit_group"), "case %zu: %s", i,
                  ts_error());
    }
    ts_mc_raw r;   /* the calls keep their times */
    REQUIRE(ts_mc_from_strace(p1[0], &r) == 0);
    CHECK(r.n == 2 && r.time_ns && r.time_ns[1] == 1796167743284155000LL);
    ts_mc_raw_free(&r);
    /* a call after it; its total missing; a closing rule unlike the first; rules of fewer
     * columns than the titles; a row with two names; a header alone: an error at line 4 */
    static const char *const bad[] = {
        SUM_HEAD SUM_RULE SUM_ROWS SUM_RULE SUM_TOTAL "1 1.0 getpid() = 1\n",
        SUM_HEAD SUM_RULE SUM_ROWS SUM_RULE,
        SUM_HEAD SUM_RULE SUM_ROWS "------ -----------\n" SUM_TOTAL,
        SUM_HEAD "------ -----------\n" SUM_ROWS "------ -----------\n" SUM_TOTAL,
        SUM_HEAD SUM_RULE "  0.00    0.000000           0        53           close open\n" SUM_RULE SUM_TOTAL,
        SUM_HEAD,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(text, sizeof text, "%s%s", calls, bad[i]);
        write_text(p1[0], text);
        CHECK_MSG(strace_names(p1, 1, got, sizeof got) == -1 && strstr(ts_error(), "c.log:4: not a system call"),
                  "case %zu: %s", i, ts_error());
    }
    /* the table alone (strace -c): no calls, and the error says that the log is -c's table */
    write_text(p1[0], SUM_HEAD SUM_RULE SUM_ROWS SUM_RULE SUM_TOTAL);
    CHECK(strace_names(p1, 1, got, sizeof got) == -1 && strstr(ts_error(), "no system calls"));
    CHECK_MSG(strstr(ts_error(), "c.log: no system calls in the log, only the summary table of strace -c"), "%s",
              ts_error());
}
#undef SUM_HEAD
#undef SUM_RULE
#undef SUM_ROWS
#undef SUM_TOTAL

static void strace_ff_files_merge_by_time(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    /* strace -ff -ttt: one file per process, no pid column */
    write_text(in(d, "t.100"),
               "1700000000.000100 clone(child_stack=NULL) = 101\n"
               "1700000000.000300 wait4(-1,  <unfinished ...>\n"
               "1700000000.000600 <... wait4 resumed>NULL, 0, NULL) = 101\n"
               "1700000000.000700 exit_group(0) = ?\n");
    write_text(in(d, "t.101"),
               "1700000000.000200 getpid() = 101\n"
               "1700000000.000400 write(1, \"x\", 1) = 1\n"
               "1700000000.000500 exit_group(0) = ?\n"
               "1700000000.000550 +++ exited with 0 +++\n");
    const char *paths[2] = {in(d, "t.100"), in(d, "t.101")};
    char **names;
    size_t n;
    REQUIRE(ts_strace_read_many(paths, 2, &names, &n) == 0);
    CHECK(names_are(names, n, "clone getpid wait4 write exit_group exit_group"));
    free_names(names, n);
    write_text(in(d, "t.102"), "getpid() = 102\n");
    const char *p3[2] = {in(d, "t.100"), in(d, "t.102")};
    CHECK(ts_strace_read_many(p3, 2, &names, &n) == -1 && strstr(ts_error(), "timestamps"));
    /* a thread ended before its first call (exit_group of another): its file holds its exit
     * alone, and adds no calls; so does an empty one. -t's times of day still merge */
    static const char *const none[] = {"1700000000.000250 +++ exited with 0 +++\n",
                                       "1700000000.000250 +++ killed by SIGKILL +++\n", ""};
    const char *p4[3] = {in(d, "t.100"), in(d, "t.103"), in(d, "t.101")};
    for (int i = 0; i < 3; i++) {
        write_text(in(d, "t.103"), none[i]);
        if (ts_strace_read_many(p4, 3, &names, &n) != 0) {
            CHECK_MSG(0, "case %d: %s", i, ts_error());
            continue;
        }
        CHECK(names_are(names, n, "clone getpid wait4 write exit_group exit_group"));
        free_names(names, n);
    }
    write_text(in(d, "t.104"), "23:59:59.000000 getpid() = 1\n");
    write_text(in(d, "t.105"), "00:00:01.000000 brk(NULL) = 0x1\n");
    const char *p5[3] = {in(d, "t.105"), in(d, "t.103"), in(d, "t.104")};
    REQUIRE(ts_strace_read_many(p5, 3, &names, &n) == 0);
    CHECK(names_are(names, n, "getpid brk"));
    free_names(names, n);
    /* times in whole seconds (-t, --timestamps=precision:s) cannot tell which process's call
     * came first within a second: refused, naming the log, its line and the option */
    write_text(in(d, "t.106"), "12:00:01 getpid() = 106\n12:00:01 brk(NULL) = 0x1\n");
    write_text(in(d, "t.107"), "12:00:01 getppid() = 106\n12:00:01 +++ exited with 0 +++\n");
    const char *p7[2] = {in(d, "t.106"), in(d, "t.107")};
    CHECK_MSG(ts_strace_read_many(p7, 2, &names, &n) == -1 && strstr(ts_error(), "t.106:1: ") &&
              strstr(ts_error(), "whole seconds") && strstr(ts_error(), "-ttt"), "%s", ts_error());
    write_text(in(d, "t.108"), "1700000000 getpid() = 108\n");
    write_text(in(d, "t.109"), "1700000000.5 getppid() = 108\n");
    const char *p8[2] = {in(d, "t.109"), in(d, "t.108")};
    CHECK_MSG(ts_strace_read_many(p8, 2, &names, &n) == -1 && strstr(ts_error(), "t.108:1: "), "%s", ts_error());
    /* one log holding calls needs no merging */
    const char *p9[2] = {in(d, "t.106"), in(d, "t.103")};
    REQUIRE(ts_strace_read_many(p9, 2, &names, &n) == 0);
    CHECK(names_are(names, n, "getpid brk"));
    free_names(names, n);
    /* alone, or with no file holding a call, it is an error */
    const char *p6[2] = {in(d, "t.103"), in(d, "t.103")};
    CHECK(ts_strace_read_many(p6, 1, &names, &n) == -1 && strstr(ts_error(), "t.103: no system calls"));
    CHECK(ts_strace_read_many(p6, 2, &names, &n) == -1 && strstr(ts_error(), "no system calls"));
    /* the -o name given for the files strace -ff -o t wrote (t.100, ...): not there, it
     * says which files are, and how to give them all */
    const char *pre[1] = {in(d, "t")};
    CHECK_MSG(ts_strace_read_many(pre, 1, &names, &n) == -1 && strstr(ts_error(), "cannot open") &&
              strstr(ts_error(), "strace -ff") && strstr(ts_error(), "t.100") && strstr(ts_error(), "t.*"),
              "%s", ts_error());
    const char *none_there[1] = {in(d, "u")};   /* no such files: the plain error */
    CHECK_MSG(ts_strace_read_many(none_there, 1, &names, &n) == -1 && !strstr(ts_error(), "-ff"), "%s", ts_error());
    /* one file written (one process): named, not 'and 0 more' */
    write_text(in(d, "one.4242"), "1700000000 getpid() = 4242\n");
    const char *one[1] = {in(d, "one")};
    CHECK_MSG(ts_strace_read_many(one, 1, &names, &n) == -1 && strstr(ts_error(), "one.4242") &&
              !strstr(ts_error(), "0 more"), "%s", ts_error());
    /* a name with glob characters is a name, not a pattern: 'o[n]e' matches no file 'one.N' */
    const char *glob_chars[1] = {in(d, "o[n]e")};
    CHECK_MSG(ts_strace_read_many(glob_chars, 1, &names, &n) == -1 && !strstr(ts_error(), "-ff"), "%s", ts_error());
    write_text(in(d, "o[n]e.7"), "1700000000 getpid() = 7\n");
    CHECK_MSG(ts_strace_read_many(glob_chars, 1, &names, &n) == -1 && strstr(ts_error(), "o[n]e.7"), "%s",
              ts_error());
    /* the one file of strace -ff of a program of one thread (P.* is one file): its calls
     * are of the thread its name ends in, as merged with others and as strace -f's log of
     * the same calls names them; a log whose lines and name name no thread has none */
    ts_mc_raw r;
    const char *solo[1] = {in(d, "t.101")};
    REQUIRE(ts_mc_from_strace_many(solo, 1, &r, NULL) == 0);
    CHECK_MSG(r.n == 3 && r.tid && r.tid[0] == 101 && r.tid[2] == 101, "%zu calls, tid %s", r.n, r.tid ? "" : "none");
    ts_mc_raw_free(&r);
    REQUIRE(ts_mc_from_strace(in(d, "t.101"), &r) == 0);
    CHECK(r.n == 3 && r.tid && r.tid[1] == 101);
    ts_mc_raw_free(&r);
    write_text(in(d, "plain.log"), "1700000000.000200 getpid() = 101\n");
    REQUIRE(ts_mc_from_strace(in(d, "plain.log"), &r) == 0);
    CHECK(r.n == 1 && !r.tid);
    ts_mc_raw_free(&r);
}

/* a log named as strace -ff names its files (PREFIX.PID) whose lines name their threads
 * (strace -f -o x.4242: one file, each line's pid) is of the threads on its lines, merged
 * with others or alone: its name gives the thread of no call, not even of a line whose
 * thread is not known (strace -f -qq to a terminal: a pid-less line after a child left
 * without its exit line); only a file whose lines name none takes its name's */
static void strace_named_log_keeps_line_pids(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char x[600], y[600];
    snprintf(x, sizeof x, "%s", in(d, "x.4242"));
    snprintf(y, sizeof y, "%s", in(d, "y.300"));
    write_text(x, "1700000000.000001 execve(\"/bin/sh\", [\"sh\"], 0x7ffd) = 0\n"
                  "1700000000.000002 clone(child_stack=NULL, flags=SIGCHLD) = 201\n"
                  "[pid   201] 1700000000.000003 getpid() = 201\n"
                  "[pid   200] 1700000000.000004 wait4(-1, NULL, 0, NULL) = 201\n"
                  "1700000000.000006 getppid() = 1\n");
    write_text(y, "1700000000.000005 getpid() = 300\n");
    ts_mc_raw alone, merged;
    REQUIRE(ts_mc_from_strace(x, &alone) == 0);
    const char *both[2] = {x, y};
    REQUIRE(ts_mc_from_strace_many(both, 2, &merged, NULL) == 0);
    CHECK_MSG(alone.n == 5 && alone.tid && alone.tid[0] == 200 && alone.tid[2] == 201 && alone.tid[4] == 0,
              "%zu calls", alone.n);
    CHECK_MSG(merged.n == 6 && merged.tid && merged.tid[0] == 200 && merged.tid[1] == 200 && merged.tid[2] == 201 &&
                  merged.tid[3] == 200 && merged.tid[4] == 300 && merged.tid[5] == 0,
              "%zu calls, the last of thread %lld", merged.n, merged.tid ? (long long)merged.tid[merged.n - 1] : -1LL);
    ts_mc_raw_free(&alone);
    ts_mc_raw_free(&merged);
    /* strace -f -o x.4242: every line names its thread, merged with -ff's files too */
    write_text(x, "4243  1700000000.000001 getpid() = 4243\n"
                  "4244  1700000000.000002 gettid() = 4244\n");
    REQUIRE(ts_mc_from_strace_many(both, 2, &merged, NULL) == 0);
    CHECK(merged.n == 3 && merged.tid && merged.tid[0] == 4243 && merged.tid[1] == 4244 && merged.tid[2] == 300);
    ts_mc_raw_free(&merged);
    REQUIRE(ts_mc_from_strace(x, &alone) == 0);
    CHECK(alone.n == 2 && alone.tid && alone.tid[0] == 4243 && alone.tid[1] == 4244);
    ts_mc_raw_free(&alone);
}

/* strace -z, -Z and -e status= hold each call's line until the call ends (to know whether
 * it failed): a -f log lists the calls as they end, each with the time it started. Read
 * in the order they started, each thread's in its own order, as its -ff logs merge */
static void strace_held_calls_in_start_order(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char got[512];
    strace_reads_as(d, "z.log",
                    "100  1700000000.000100 brk(NULL) = 0x1 <0.000001>\n"
                    "101  1700000000.000300 set_robust_list(0x7f, 24) = 0 <0.000002>\n"
                    "100  1700000000.000200 clone(child_stack=NULL, flags=SIGCHLD) = 101 <0.000150>\n"
                    "101  1700000000.000400 getpid() = 101 <0.000001>\n"
                    "101  1700000000.000410 +++ exited with 0 +++\n"
                    "100  1700000000.000350 wait4(-1, NULL, 0, NULL) = 101 <0.000100>\n"
                    "100  1700000000.000500 --- SIGCHLD {si_signo=SIGCHLD} ---\n",
                    "brk clone set_robust_list wait4 getpid");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "z.log"), &r) == 0);
    CHECK(r.n == 5 && r.tid && r.tid[1] == 100 && r.tid[2] == 101 && r.tid[3] == 100);
    CHECK(r.n == 5 && r.has_ret[1] && r.ret[1] == 101 && r.has_ret[3] && r.ret[3] == 101);
    for (size_t i = 1; i < r.n; i++) CHECK_MSG(r.time_ns[i] >= r.time_ns[i - 1], "call %zu before the one before", i);
    ts_mc_raw_free(&r);
    /* a thread's clock that steps back keeps its calls in its order; the -ff files of the
     * same calls read alike */
    strace_reads_as(d, "z.log",
                    "100  1700000000.000500 read(0, \"\", 1) = 0\n"
                    "100  1700000000.000450 write(1, \"x\", 1) = 1\n"
                    "101  1700000000.000470 getpid() = 101\n", "getpid read write");
    write_text(in(d, "z.100"), "1700000000.000500 read(0, \"\", 1) = 0\n1700000000.000450 write(1, \"x\", 1) = 1\n");
    write_text(in(d, "z.101"), "1700000000.000470 getpid() = 101\n");
    const char *p2[] = {in(d, "z.100"), in(d, "z.101")};
    CHECK_MSG(strace_names(p2, 2, got, sizeof got) == 0 && !strcmp(got, "getpid read write"), "%s", got);
}

/* gzip data of text (one member), into out; returns its size */
static size_t gz_bytes(const char *text, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? n : 0;
}

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(b, 1, n, f); fclose(f); }
}

/* a gzip-compressed log reads as the plain one; broken or other compressed files are named */
static void strace_gzip(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    FILE *f = fopen("tests/data/strace_f.log", "rb");
    REQUIRE(f);
    static char text[8192];
    size_t tn = fread(text, 1, sizeof text - 1, f);
    text[tn] = 0;
    fclose(f);
    char **plain, **names;
    size_t np, n;
    REQUIRE(ts_strace_read("tests/data/strace_f.log", &plain, &np) == 0);
    static unsigned char gz[16384];
    size_t gn = gz_bytes(text, gz, sizeof gz);
    REQUIRE(gn > 20);
    write_bytes(in(d, "f.log.gz"), gz, gn);
    REQUIRE(ts_strace_read(in(d, "f.log.gz"), &names, &n) == 0);
    CHECK(n == np);
    for (size_t i = 0; i < n && i < np; i++) CHECK(!strcmp(names[i], plain[i]));
    free_names(names, n);
    /* two members (cat a.gz b.gz) give both logs */
    static unsigned char two[32768];
    memcpy(two, gz, gn);
    memcpy(two + gn, gz, gn);
    write_bytes(in(d, "two.gz"), two, 2 * gn);
    REQUIRE(ts_strace_read(in(d, "two.gz"), &names, &n) == 0);
    CHECK(n == 2 * np);
    free_names(names, n);
    /* truncated, corrupt, trailing garbage; a truncated one named with the line its text
     * ends in, after the bytes it holds, and how to keep them */
    write_bytes(in(d, "cut.gz"), gz, gn / 2);
    CHECK(ts_strace_read(in(d, "cut.gz"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "cut.gz: truncated gzip file"), "%s", ts_error());
    {
        size_t at_line = 0, bytes = 0, lines = 0;
        const char *m = strstr(ts_error(), "its text ends in line ");
        CHECK_MSG(m && sscanf(m, "its text ends in line %zu, after %zu bytes", &at_line, &bytes) == 2 &&
                      bytes > 0 && bytes < tn && strstr(ts_error(), "gzip -dc"),
                  "%s", ts_error());
        for (size_t i = 0; i < bytes && i < tn; i++) lines += text[i] == '\n';
        if (bytes && bytes < tn && text[bytes - 1] != '\n') lines++;
        CHECK_MSG(at_line == lines, "line %zu, not %zu: %s", at_line, lines, ts_error());
    }
    memcpy(two, gz, gn);
    for (size_t i = 12; i < gn - 8; i += 3) two[i] ^= 0x5a;
    write_bytes(in(d, "bad.gz"), two, gn);
    CHECK(ts_strace_read(in(d, "bad.gz"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "bad.gz: ") && (strstr(ts_error(), "corrupt gzip") || strstr(ts_error(), "truncated")),
              "%s", ts_error());
    memcpy(two, gz, gn);
    memcpy(two + gn, "junk", 4);
    write_bytes(in(d, "junk.gz"), two, gn + 4);
    CHECK(ts_strace_read(in(d, "junk.gz"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "junk.gz: 4 bytes of garbage after the gzip data"), "%s", ts_error());
    /* only the magic */
    write_bytes(in(d, "magic.gz"), "\x1f\x8b", 2);
    CHECK(ts_strace_read(in(d, "magic.gz"), &names, &n) == -1 && strstr(ts_error(), "magic.gz: "));
    /* other compressors are named, not parsed as text */
    write_bytes(in(d, "f.xz"), "\xfd" "7zXZ\0\0\x04\xe6", 10);
    CHECK(ts_strace_read(in(d, "f.xz"), &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "f.xz: xz-compressed; decompress it first (xz -d)"), "%s", ts_error());
    write_bytes(in(d, "f.zst"), "\x28\xb5\x2f\xfd\0\0", 6);
    CHECK(ts_strace_read(in(d, "f.zst"), &names, &n) == -1 && strstr(ts_error(), "zstd-compressed"));
    write_bytes(in(d, "f.bz2"), "BZh91AY&SY", 10);
    CHECK(ts_strace_read(in(d, "f.bz2"), &names, &n) == -1 && strstr(ts_error(), "bzip2-compressed"));
    /* random corruption of the compressed bytes: an error naming the file, or a parse */
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (int it = 0; it < 300; it++) {
        memcpy(two, gz, gn);
        size_t len = it < 100 ? (size_t)it * gn / 100 : gn;
        if (it >= 100)
            for (int k = 0; k < 3; k++) two[ts_rng_below(&r, gn)] = (unsigned char)ts_rng_below(&r, 256);
        write_bytes(in(d, "fz.gz"), two, len);
        if (ts_strace_read(in(d, "fz.gz"), &names, &n) == 0) free_names(names, n);
        else CHECK_MSG(strstr(ts_error(), "fz.gz") != NULL, "%s", ts_error());
    }
    free_names(plain, np);
    /* the CLI reads it the same */
    char cmd[2048], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace %s -o %s/gzds", in(d, "f.log.gz"), d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
}

static void strace_fuzz(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    FILE *f = fopen("tests/data/strace_f.log", "rb");
    REQUIRE(f);
    static char good[8192];
    size_t n = fread(good, 1, sizeof good - 1, f);
    fclose(f);
    const char *p = in(d, "fz.log");
    const char alpha[] = "<>.()[] -+0123456789abc\n\t\"";
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (int it = 0; it < 1500; it++) {
        static char b[8192];
        memcpy(b, good, n);
        size_t len = it < 500 ? (size_t)it * n / 500 : n;
        if (it >= 500)
            for (int k = 0; k < 4; k++) b[ts_rng_below(&r, n)] = alpha[ts_rng_below(&r, sizeof alpha - 1)];
        b[len] = 0;
        write_text(p, b);
        char **names;
        size_t m;
        if (ts_strace_read(p, &names, &m) == 0) {
            CHECK(m > 0);
            free_names(names, m);
        } else {
            CHECK_MSG(strstr(ts_error(), p) != NULL, "error without the path: %s", ts_error());
        }
    }
}

/* a real strace run, when strace works here (it needs ptrace) */
static void strace_live(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "strace -f -ttt -T -o %s/live.log sh -c 'ls / | wc -l' >/dev/null 2>&1", d);
    if (system(cmd) != 0) SKIP("strace is not usable here");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/live.log -o %s/ds", d, d);
    char err[512];
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n > 50 && ds.vocab.n > 5);
    CHECK(ts_vocab_lookup(&ds.vocab, "execve") >= 0 && ts_vocab_lookup(&ds.vocab, "execve") != ds.vocab.unk);
    /* the first call of the log is the execve of sh */
    CHECK(ds.stream.ids[0] == ts_vocab_lookup(&ds.vocab, "execve"));
    for (int i = 1; i < ds.vocab.n - 1; i++) CHECK(ds.vocab.counts[i - 1] >= ds.vocab.counts[i]);
    ts_dataset_free(&ds);
}

/* ---- commands ---- */

static void cli_ingest_strace_and_ids(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_f.log -o %s/ds", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    /* first 70% = 11 events: close x2, openat x2, then 1 each by name */
    CHECK(ds.stream.n == 17);
    CHECK(!strcmp(ds.vocab.names[0], "close") && !strcmp(ds.vocab.names[1], "openat"));
    CHECK(!strcmp(ds.vocab.names[2], "brk") && !strcmp(ds.vocab.names[ds.vocab.n - 1], "<unk>"));
    /* read, rt_sigreturn after the first 70%: read was seen, rt_sigreturn was not */
    CHECK(ds.stream.ids[13] == ds.vocab.unk && ds.stream.ids[12] == ts_vocab_lookup(&ds.vocab, "read"));
    ts_dataset_free(&ds);

    /* --from ids: a stream file; the old vocab.tsv does not survive */
    write_text(in(d, "ids.txt"), "3,1,4,1,5\n9,2,6\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 8 && ds.stream.ids[5] == 9 && ds.vocab.n == 0);
    ts_dataset_free(&ds);
    CHECK_MSG(!strstr(err, "note"), "%s", err);   /* lines of other lengths: a stream's */
    /* one ID a line is a stream's way of writing them (newlines separate), no window file's */
    write_text(in(d, "col.txt"), "3\n1\n4\n1\n5\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/col.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(!strstr(err, "note"), "%s", err);
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 5 && ds.stream.ids[2] == 4);
    ts_dataset_free(&ds);
    /* lines of one length look like a window file (the study's training and testing
     * files): joined still, with a note that says how to keep them as windows */
    write_text(in(d, "win.txt"), "3,1,4,1\n1,4,1,5\n4,1,5,9\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/win.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "tracesynth: note: ingest: ") && strstr(err, "win.txt: 3 lines of 4 IDs each") &&
              strstr(err, "joined into one stream of 12 events") && strstr(err, "sequence_length_4/"), "%s", err);
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 12 && ds.stream.ids[4] == 1 && ds.stream.ids[11] == 9);
    ts_dataset_free(&ds);
    const char *pts = shared_path("datasets/pts/stream/stream.txt");   /* one line */
    if (pts) {
        snprintf(cmd, sizeof cmd, "ingest --from ids %s -o %s/ds", pts, d);
        CHECK(run_cli(cmd, err, sizeof err) == 0 && !strstr(err, "note"));
    }

    /* --from npy: one row, or several with --concat */
    int32_t rows[6] = {1, 2, 3, 4, 5, 6};
    size_t sh[2] = {2, 3};
    REQUIRE(ts_npy_write(in(d, "w.npy"), TS_NPY_I32, rows, 2, sh) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from npy %s/w.npy -o %s/np", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "w.npy: 2 windows of 3 events") && strstr(err, "--concat"));
    snprintf(cmd, sizeof cmd, "ingest --from npy %s/w.npy --concat -o %s/np", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(ts_dataset_load(in(d, "np"), &ds) == 0);
    CHECK(ds.stream.n == 6 && ds.stream.ids[5] == 6);
    ts_dataset_free(&ds);
    /* one log given twice (by any path) is refused: each of its calls would count twice */
    write_text(in(d, "t1.log"), "1.000001 getpid() = 7\n1.000002 close(3) = 0\n");
    write_text(in(d, "t2.log"), "1.000003 brk(NULL) = 0x1000\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/t1.log %s/t2.log %s/./t1.log -o %s/dup", d, d, d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "/t1.log' and '") && strstr(err, "/./t1.log' are the "
                                                                                           "same log"), "%s", err);
    CHECK(!ts_file_exists(in(d, "dup")));
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/t1.log %s/t2.log -o %s/dup", d, d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* of several files given twice, the pair named is the one whose second path comes
     * first, with that file's first path; a missing log is named when read, not here */
    write_text(in(d, "t3.log"), "1.000004 getppid() = 1\n");
    snprintf(cmd, sizeof cmd,
             "ingest --from strace %s/t1.log %s/t2.log %s/none.log %s/t3.log %s/./t3.log %s/./t2.log %s//t3.log "
             "%s/./t1.log -o %s/dup2", d, d, d, d, d, d, d, d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "/t3.log' and '") &&
              strstr(err, "/./t3.log' are the same log") && !strstr(err, "t2.log") && !strstr(err, "t1.log"),
              "%s", err);
    CHECK(!ts_file_exists(in(d, "dup2")));
    /* many logs (the shell lists them), one of them given again last: found among them all */
    {
        char sub[600];
        snprintf(sub, sizeof sub, "%s/many", d);
        REQUIRE(mkdir(sub, 0755) == 0);
        for (int i = 0; i < 300; i++) {
            char name[32], line[64];
            snprintf(name, sizeof name, "m%03d.log", i);
            snprintf(line, sizeof line, "1.%06d getpid() = %d\n", 10 + i, i);
            write_text(in(sub, name), line);
        }
        snprintf(cmd, sizeof cmd, "ingest --from strace %s/m*.log %s/./m150.log -o %s/dup2", sub, sub, d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "/m150.log' and '") &&
                  strstr(err, "/./m150.log' are the same log"), "%s", err);
        CHECK(!ts_file_exists(in(d, "dup2")));
        snprintf(cmd, sizeof cmd, "ingest --from strace %s/m*.log -o %s/mds", sub, d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        ts_dataset ms;
        REQUIRE(ts_dataset_load(in(d, "mds"), &ms) == 0);
        CHECK(ms.stream.n == 300);
        ts_dataset_free(&ms);
    }
    /* --concat with another format is refused, not dropped */
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_f.log --concat -o %s/cc", d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--concat applies to --from npy only"), "%s", err);
    CHECK(!ts_file_exists(in(d, "cc")));
}

/* a strace log on a clock (-ttt: the epoch's; perf trace -T: perf's since boot) gives
 * DIR/time_ns.npy, each call's start in ns, as ctf and ftrace do (train --also cuts other
 * streams by time, --reinterleave moves threads in time); it gave none. -r's times, -t's
 * and -tt's (times of day, without a date) and a log without times give none, and one an
 * earlier ingest left is removed */
static void cli_ingest_strace_times(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[1024], dir[600];
    ts_dataset ds;
    for (int c = 0; c < 2; c++) {
        snprintf(dir, sizeof dir, "%s/t%d", d, c);
        snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_f.log%s -o %s", c ? " --channels" : "", dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        REQUIRE(ts_dataset_load(dir, &ds) == 0);
        CHECK_MSG(ds.time_ns && ds.time_ns[0] == 1700000000000100000LL && ds.time_ns[1] == 1700000000000500000LL,
                  "channels %d", c);
        int up = 1;
        for (size_t i = 1; ds.time_ns && i < ds.stream.n; i++) up &= ds.time_ns[i] >= ds.time_ns[i - 1];
        CHECK(up);
        ts_dataset_free(&ds);
    }
    /* several -ff logs: the merged calls' times */
    write_text(in(d, "f1.log"), "1.000001 getpid() = 7\n1.000003 close(3) = 0\n");
    write_text(in(d, "f2.log"), "1.000002 brk(NULL) = 0x1000\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/f1.log %s/f2.log -o %s/ff", d, d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(ts_dataset_load(in(d, "ff"), &ds) == 0);
    CHECK(ds.stream.n == 3 && ds.time_ns && ds.time_ns[0] == 1000001000 && ds.time_ns[1] == 1000002000 &&
          ds.time_ns[2] == 1000003000);
    ts_dataset_free(&ds);
    /* the wall clock (-ttt's) stepped back: the call takes the time before it, which a
     * dataset's times never go back from */
    write_text(in(d, "back.log"), "1 1700000000.000100 getpid() = 1\n1 1700000000.000050 close(3) = 0\n"
                                  "1 1700000000.000060 brk(NULL) = 0x1000\n");
    for (int c = 0; c < 2; c++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace %s/back.log%s -o %s/bk", d, c ? " --channels" : "", d);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        CHECK_MSG(ts_dataset_load(in(d, "bk"), &ds) == 0, "%s", ts_error());
        CHECK(ds.stream.n == 3 && ds.time_ns && ds.time_ns[1] == 1700000000000100000LL &&
              ds.time_ns[2] == 1700000000000100000LL);
        ts_dataset_free(&ds);
    }
    static const char *const none[] = {
        "     0.000000 read(3, \"\", 1) = 0\n     0.000100 close(3) = 0\n",
        "1234  12:00:01.000002 read(3, \"\", 1) = 0\n1234  12:00:01.000102 close(3) = 0\n",
        "1234  12:00:01 read(3, \"\", 1) = 0\n1234  12:00:02 close(3) = 0\n",
        "read(3, \"\", 1) = 0\nclose(3) = 0\n",
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        for (int c = 0; c < 2; c++) {
            write_text(in(d, "n.log"), none[i]);
            snprintf(dir, sizeof dir, "%s/t%d", d, c);   /* over a dataset with times */
            snprintf(cmd, sizeof cmd, "ingest --from strace %s/n.log%s -o %s", d, c ? " --channels" : "", dir);
            REQUIRE(run_cli(cmd, err, sizeof err) == 0);
            REQUIRE(ts_dataset_load(dir, &ds) == 0);
            CHECK_MSG(ds.stream.n == 2 && !ds.time_ns && !ts_file_exists(in(dir, "time_ns.npy")), "case %zu, channels %d",
                      i, c);
            ts_dataset_free(&ds);
        }
}

/* a log cut in its last line's call name (head -c of a log) is read without that line,
 * with a warning, as ftrace text's cut last line; it was refused, while a cut later in the
 * line was read. A last line without its newline that reads whole is read */
static void cli_ingest_strace_cut_line(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[1024];
    static const char *const cut[] = {"4120  1700000000.000600 o", "4120  1700000000.000600 openat",
                                      "4120  1700000000.0006", "4120  1700000000.000600 <... rea"};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++)
        for (int c = 0; c < 2; c++) {
            char text[512];
            snprintf(text, sizeof text, "4120  1700000000.000100 brk(NULL) = 0x55d0c000\n"
                     "4120  1700000000.000500 close(3) = 0\n%s", cut[i]);
            write_text(in(d, "cut.log"), text);
            snprintf(cmd, sizeof cmd, "ingest --from strace %s/cut.log%s -o %s/cut", d, c ? " --channels" : "", d);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "tracesynth: warning: ") &&
                      strstr(err, "/cut.log:3: the log ends in the middle of this line: left out"), "%zu, %d: %s", i,
                      c, err);
            ts_dataset ds;
            REQUIRE(ts_dataset_load(in(d, "cut"), &ds) == 0);
            /* the line left out leaves the log's clock as its other lines give it */
            CHECK_MSG(ds.stream.n == 2 && ds.time_ns && ds.time_ns[1] == 1700000000000500000LL, "%zu, %d", i, c);
            ts_dataset_free(&ds);
        }
    /* a log of several, cut in its last line's time, merges with the others by time */
    write_text(in(d, "m.4120"), "1700000000.000100 brk(NULL) = 0x55d0c000\n1700000000.000500 close(3) = 0\n"
                                "1700000000.0006");
    write_text(in(d, "m.4121"), "1700000000.000300 getpid() = 4121\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/m.4120 %s/m.4121 -o %s/cutm", d, d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "/m.4120:3: the log ends in the middle"), "%s", err);
    ts_dataset dm;
    if (ts_dataset_load(in(d, "cutm"), &dm) == 0) {
        CHECK_MSG(dm.stream.n == 3 && dm.time_ns && dm.time_ns[1] == 1700000000000300000LL, "%zu", dm.stream.n);
        ts_dataset_free(&dm);
    }
    /* read whole: no warning */
    write_text(in(d, "whole.log"), "4120  1700000000.000100 brk(NULL) = 0x55d0c000\n4120  1700000000.000500 close(3) = 0");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/whole.log -o %s/whole", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && !strstr(err, "warning"), "%s", err);
    /* a last line without its newline whose fault no cut makes (a whole pid, a value or a
     * time past their range: a cut only shortens them) is refused, as with its newline */
    static const char *const whole_bad[][2] = {
        {"[pid 5000000] 1700000000.000600 close(3) = 0", "a pid outside Linux's"},
        {"5000000<sh> 1700000000.000600 close(3) = 0", "a pid past Linux's"},
        {"4120  1700000000.000600 close(3) = 99999999999999999999999", "a return value outside 64 bits"},
        {"4120  99999999999999999999.000600 close(3) = 0", "a time too large to read"},
    };
    for (size_t i = 0; i < sizeof whole_bad / sizeof *whole_bad; i++) {
        char text[512];
        snprintf(text, sizeof text, "4120  1700000000.000100 brk(NULL) = 0x55d0c000\n"
                 "4120  1700000000.000500 close(3) = 0\n%s", whole_bad[i][0]);
        write_text(in(d, "wb.log"), text);
        snprintf(cmd, sizeof cmd, "ingest --from strace %s/wb.log -o %s/wb", d, d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "/wb.log:3: ") && strstr(err, whole_bad[i][1]) &&
                  !strstr(err, "warning"), "%zu: %s", i, err);
    }
    /* a damaged line that is not the last is refused as before */
    write_text(in(d, "bad.log"), "4120  1700000000.000100 o\n4120  1700000000.000500 close(3) = 0\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/bad.log -o %s/bad", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "/bad.log:1: "), "%s", err);
}

/* strace's times at the bound of 64 bits: a clock's time (-ttt, its digits past the
 * nanosecond dropped) and -r's sum up to 2^63 - 1 ns are read, 2^63 ns and more refused in
 * one line naming the file and the line; 2^63 - 1 itself was refused as the value that stood
 * for one too large */
static void strace_time_bounds(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    /* -r: 1 us, nine gaps of 10^9 s less 1 ns, and what brings the sum to 2^63 - 1 ns (or past) */
    char rel[2][1024];
    for (int past = 0; past < 2; past++) {
        size_t k = (size_t)snprintf(rel[past], sizeof rel[past], "1          0.000001 getpid() = 1\n");
        for (int i = 0; i < 9; i++)
            k += (size_t)snprintf(rel[past] + k, sizeof rel[past] - k, "1     999999999.999999999 getpid() = 1\n");
        snprintf(rel[past] + k, sizeof rel[past] - k, "1     223372036.85477481%d getpid() = 1\n", 6 + past);
    }
    static const char *const good[] = {"1 1.000000 getpid() = 1\n1 9223372036.854775807 getpid() = 1\n",
                                       "1 1.000000 getpid() = 1\n1 9223372036.8547758079 getpid() = 1\n"};
    for (int i = 0; i < 3; i++) {
        write_text(in(d, "t.log"), i < 2 ? good[i] : rel[0]);
        char **nm;
        double *times;
        int timed;
        size_t n = 0;
        ts__strace_fields x;
        if (ts__strace_read_fields(in(d, "t.log"), &nm, &times, &n, &timed, &x) != 0) {
            CHECK_MSG(0, "case %d: %s", i, ts_error());
            continue;
        }
        CHECK_MSG(n >= 2 && x.ns[n - 1] == INT64_MAX, "case %d: %zu calls, %lld ns", i, n, n ? (long long)x.ns[n - 1] : 0LL);
        for (size_t k = 0; k < n; k++) free(x.exec[k]), free(x.comm[k]);
        ts__strace_fields_free(&x);
        free(times);
        free_names(nm, n);
    }
    static const struct { const char *text, *want; } bad[] = {
        {"1 1.000000 getpid() = 1\n1 9223372036.854775808 getpid() = 1\n", "t.log:2: a time too large to read (2^63 ns or more)"},
        {"1 1.000000 getpid() = 1\n1 18446744073.709551617 getpid() = 1\n", "t.log:2: a time too large to read (2^63 ns or more)"},
        {"1 1.000000 getpid() = 1\n1 99999999999999999999999.5 getpid() = 1\n", "t.log:2: a time too large to read (2^63 ns or more)"},
        {NULL, "t.log:11: -r's times summed to a time too large to read (2^63 ns or more)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        strace_refuses(d, "t.log", bad[i].text ? bad[i].text : rel[1], bad[i].want);
}

/* the library's readers of a log cut in its last line: those with notes say so (one line
 * naming the log and the line), as the CLI warns; those without read the same calls */
static void strace_cut_line_notes(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "cut.log"), "4120  1700000000.000100 brk(NULL) = 0x55d0c000\n"
                                 "4120  1700000000.000500 close(3) = 0\n4120  1700000000.000600 open");
    const char *one[] = {in(d, "cut.log")};
    const char *want = "/cut.log:3: the log ends in the middle of this line: left out\n";
    char **names, *notes = NULL;
    int64_t *ns;
    size_t n;
    CHECK_MSG(ts_strace_read_logs(one, 1, &names, &n, &notes) == 0 && n == 2 && notes && strstr(notes, want),
              "%s", notes ? notes : ts_error());
    if (names) free_names(names, n);
    free(notes), notes = NULL;
    CHECK_MSG(ts_strace_read_times(one, 1, &names, &ns, &n, &notes) == 0 && n == 2 && notes && strstr(notes, want),
              "%s", notes ? notes : ts_error());
    if (names) free_names(names, n);
    free(ns);
    free(notes), notes = NULL;
    ts_mc_raw r = {0};   /* freed below even when the call fails */
    CHECK_MSG(ts_mc_from_strace_many(one, 1, &r, &notes) == 0 && r.n == 2 && notes && strstr(notes, want), "%s",
              notes ? notes : ts_error());
    ts_mc_raw_free(&r);
    free(notes);
    REQUIRE(ts_strace_read(one[0], &names, &n) == 0);
    CHECK(names_are(names, n, "brk close"));
    free_names(names, n);
}

/* ingest --channels counts the return values outside the ret vocabulary (<unk>) as what
 * they are: never seen in the training part, or seen there but not among its 1024 most
 * frequent; every one was said to be outside the 1024 most frequent, of a training part
 * that held far fewer values */
static void cli_ingest_ret_unknown_said(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], out[4096];
    const size_t n = 3000, ntrain = ts_train_count(n, 0.7);
    REQUIRE(ntrain == 2100);
    char *text = ts_malloc(n * 64), *q = text;
    for (size_t i = 0; i < 100; i++)   /* 10 values in the training part's first 70, 30 others after */
        q += sprintf(q, "1 1700000000.%06zu getpid() = %zu\n", i + 1, i < 70 ? i % 10 : 1000 + i);
    write_text(in(d, "few.log"), text);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/few.log --channels -o %s/few", d, d);
    CHECK(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "0 events without a return value, 30 with one never seen in the training part (<unk>)") &&
              !strstr(out, "most frequent"), "%s", out);
    /* 1024 values twice and 52 once in the training part; after it, 400 of those 52 and 500 new */
    q = text;
    for (size_t i = 0; i < n; i++) {
        const size_t v = i < 2048 ? i / 2 : i < ntrain ? 5000 + (i - 2048) : i < ntrain + 400 ? 5000 + i % 52 : 9000 + i;
        q += sprintf(q, "1 1700000000.%06zu getpid() = %zu\n", i + 1, v);
    }
    write_text(in(d, "many.log"), text);
    free(text);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/many.log --channels -o %s/many", d, d);
    CHECK(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "0 events without a return value, 500 with one never seen in the training part, 452 with "
                          "one seen there but not among its 1024 most frequent (<unk>)"), "%s", out);
}

/* --from ids and --from npy of windows with their names beside them (W.names.txt, as
 * generate and impute -o write them): the dataset names its events, as one of a trace
 * (vocab.tsv; a "<unk>" of the windows is its <unk>); the names were left behind, and a
 * model trained on the dataset could read no other trace's events by name */
static void cli_ingest_names_beside(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[1024];
    static const char *const want[8] = {"read", "write", "mmap", "write", "mmap", "write", "read", "<unk>"};
    write_text(in(d, "gen.txt"), "0,1,2,1\n2,1,0,3\n");
    write_text(in(d, "gen.names.txt"), "read write mmap write\nmmap write read <unk>\n");
    float rows[8] = {0, 1, 2, 1, 2, 1, 0, 3};
    size_t sh[2] = {2, 4};
    REQUIRE(ts_npy_write(in(d, "gen2.npy"), TS_NPY_F32, rows, 2, sh) == 0);
    write_text(in(d, "gen2.names.txt"), "read write mmap write\nmmap write read <unk>\n");
    const char *const how[2] = {"ids %s/gen.txt", "npy %s/gen2.npy --concat"};
    for (int k = 0; k < 2; k++) {
        char from[600];
        snprintf(from, sizeof from, how[k], d);
        snprintf(cmd, sizeof cmd, "ingest --from %s -o %s/named%d", from, d, k);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        char dir[600];
        snprintf(dir, sizeof dir, "%s/named%d", d, k);
        ts_dataset ds;
        REQUIRE(ts_dataset_load(dir, &ds) == 0);
        CHECK_MSG(ds.stream.n == 8 && ds.vocab.n == 4 && ds.vocab.unk == 3, "%zu events, %d names, unk %d", ds.stream.n,
                  ds.vocab.n, ds.vocab.unk);
        int same = 0;
        for (size_t i = 0; i < ds.stream.n && ds.vocab.n == 4; i++)
            same += ds.stream.ids[i] >= 0 && ds.stream.ids[i] < ds.vocab.n && !strcmp(ds.vocab.names[ds.stream.ids[i]], want[i]);
        CHECK_MSG(same == 8, "%s: %d of 8 events named as the names file names them", from, same);
        ts_dataset_free(&ds);
    }
    /* a "<unk>" among the training part's events too: the <unk>, not a second name so */
    write_text(in(d, "unk.txt"), "3,0,3,1\n");
    write_text(in(d, "unk.names.txt"), "<unk> read <unk> write\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/unk.txt -o %s/unkds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    ts_dataset du;
    REQUIRE(ts_dataset_load(in(d, "unkds"), &du) == 0);
    CHECK_MSG(du.vocab.n == 2 && du.vocab.unk == 1 && du.stream.ids[0] == 1 && du.stream.ids[2] == 1,
              "%d names, unk %d", du.vocab.n, du.vocab.unk);
    ts_dataset_free(&du);
    /* '?', an event its model did not name, names none: refused at its line and position */
    write_text(in(d, "gen.names.txt"), "read write mmap write\nmmap write read ?\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/gen.txt -o %s/named8", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "gen.names.txt:2: position 3: ") && !strchr(err, '\n'),
              "%s", err);
    CHECK(!ts_file_exists(in(d, "named8")));
    /* a names file of other windows: one line naming it and its line */
    write_text(in(d, "gen.names.txt"), "read write mmap write\nmmap write read\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/gen.txt -o %s/named9", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "gen.names.txt:2") && !strchr(err, '\n'), "%s", err);
    CHECK(!ts_file_exists(in(d, "named9")));
    /* a stream whose lines are not windows of one length has no names file's shape */
    write_text(in(d, "gen.txt"), "0,1,2,1\n2,1,0\n");
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "gen.names.txt") && strstr(err, "one length") &&
                  !strchr(err, '\n'), "%s", err);
}

/* --from ids reads a gzip-compressed stream as the strace and ftrace readers do (it
 * was refused as "byte 0x1F (a control character)"); other compressors are named */
static void cli_ingest_ids_gzip(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    static unsigned char gz[4096];
    size_t gn = gz_bytes("3,1,4,1,5\n9,2,6\n", gz, sizeof gz);
    REQUIRE(gn > 20);
    write_bytes(in(d, "ids.txt.gz"), gz, gn);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt.gz -o %s/ds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 8 && ds.stream.ids[5] == 9);
    ts_dataset_free(&ds);
    write_bytes(in(d, "cut.gz"), gz, gn / 2);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/cut.gz -o %s/cut", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "cut.gz: truncated gzip file"), "%s", err);
    write_bytes(in(d, "ids.xz"), "\xfd" "7zXZ\0\0\x04\xe6", 10);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.xz -o %s/xz", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ids.xz: xz-compressed; decompress it first"), "%s",
              err);
}

/* an INPUT that is one of the files of the dataset OUT (its stream, names, a channel) is
 * refused: the new dataset would replace it or the files that go with it (IDs read from
 * OUT/stream.txt left OUT without its vocab.tsv); another file kept there is read */
static void cli_ingest_input_in_output(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_single.log -o %s/ds", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(ts_file_exists(in(d, "ds/vocab.tsv")) && ts_file_exists(in(d, "ds/ret.npy")));
    const char *ins[][2] = {{"ids", "ds/stream.txt"}, {"ids", "ds/./stream.txt"}, {"npy", "ds/ret.npy"},
                            {"npy", "ds/dt.npy"}};
    for (int i = 0; i < 4; i++) {
        snprintf(cmd, sizeof cmd, "ingest --from %s %s/%s -o %s/ds/", ins[i][0], d, ins[i][1], d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "is a file of the dataset"),
                  "%s: %s", ins[i][1], err);
        CHECK_MSG(ts_file_exists(in(d, "ds/vocab.tsv")) && ts_file_exists(in(d, "ds/ret.npy")) &&
                      ts_file_exists(in(d, "ds/comm.vocab.tsv")), "%s: the dataset's files were removed", ins[i][1]);
    }
    /* its arch file is written or removed too; an event.npy never is */
    write_text(in(d, "ds/event.npy"), "x");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ds/arch -o %s/ds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "is a file of the dataset"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ds/event.npy -o %s/ds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && !strstr(err, "is a file of the dataset"), "%s", err);
    /* a log kept beside the dataset's files is not one of them */
    write_text(in(d, "ds/raw.log"), "1.000001 getpid() = 7\n1.000002 close(3) = 0\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/ds/raw.log -o %s/ds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(ts_file_exists(in(d, "ds/raw.log")));
}

/* an output directory that cannot be made is refused before the input is read: the
 * error is the only line (no warning about the trace before it), and nothing is made */
static void cli_ingest_output_checked_first(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "cp tests/data/ftrace_pipe.trace.gz %s && : > %s", in(d, "ft.trace.gz"), in(d, "afile"));
    REQUIRE(system(cmd) == 0);
    const char *outs[][2] = {{"ft.trace.gz", "ft.trace.gz: not a directory"},
                             {"afile/ds", "afile/ds: cannot create directory: "},
                             {"afile/a/b", "afile/a/b: cannot create directory: "}};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "ingest --from ftrace %s -o %s", in(d, "ft.trace.gz"), in(d, outs[i][0]));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, outs[i][1]) &&
                  (!i || strstr(err, "/afile is not a directory")), "%s: %s", outs[i][0], err);
    }
    /* a folder not there yet is made, its parents too; one that cannot be is not left half made */
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s -o %s", in(d, "ft.trace.gz"), in(d, "new/ds"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && ts_file_exists(in(d, "new/ds/stream.txt")), "%s", err);
    CHECK(count_dir(d) == 3);
}

/* a link to a file of the dataset OUT (symbolic or hard, from outside it) is that file:
 * refused as it is, the dataset's files left as they were */
static void cli_ingest_input_linked_to_output(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512], target[600];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_single.log -o %s/ds", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(target, sizeof target, "%s/ds/stream.txt", d);
    REQUIRE(symlink(target, in(d, "ids.txt")) == 0);
    snprintf(target, sizeof target, "%s/ds/ret.npy", d);
    REQUIRE(symlink(target, in(d, "ret.npy")) == 0);
    REQUIRE(link(target, in(d, "hard.npy")) == 0);
    const char *ins[][2] = {{"ids", "ids.txt"}, {"npy", "ret.npy"}, {"npy", "hard.npy"}};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "ingest --from %s %s/%s -o %s/ds", ins[i][0], d, ins[i][1], d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "is a file of the dataset"),
                  "%s: %s", ins[i][1], err);
        CHECK_MSG(ts_file_exists(in(d, "ds/vocab.tsv")) && ts_file_exists(in(d, "ds/ret.npy")) &&
                      ts_file_exists(in(d, "ds/comm.vocab.tsv")), "%s: the dataset's files were removed", ins[i][1]);
    }
}

/* a plain ingest over a dataset of ingest --channels removes its channel files: beside the
 * new stream.txt (of as many events) they were read as its channels */
static void cli_ingest_drops_old_channels(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels tests/data/strace_single.log -o %s/ds", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(in(d, "ds"), &m) == 0);
    REQUIRE(m.n == 7 && ts_mc_has(&m, TS_CH_DT) && ts_mc_has(&m, TS_CH_RET));
    ts_mc_free(&m);
    write_text(in(d, "ids.txt"), "0,1,0,1,2,2,1\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const gone[] = {"dt.npy", "comm.npy", "comm.vocab.tsv", "ret.npy", "ret.vocab.tsv"};
    for (int i = 0; i < 5; i++)
        CHECK_MSG(!ts_file_exists(in(in(d, "ds"), gone[i])), "%s is left", gone[i]);
    REQUIRE(ts_mc_load(in(d, "ds"), &m) == 0);
    CHECK(m.n == 7 && !ts_mc_has(&m, TS_CH_DT) && !ts_mc_has(&m, TS_CH_COMM) && !ts_mc_has(&m, TS_CH_RET));
    ts_mc_free(&m);
}

/* links and a dataset folder: -o DS, a link to a folder, writes the dataset where it
 * leads, the link kept; a file of the dataset that is a link (DS/stream.txt linked to a
 * copy kept elsewhere) is replaced by the new file, the link gone and the file it led to
 * left as it was: the folder's files are replaced together and agree with each other
 * (stream.txt's IDs with vocab.tsv's names), which writing through the link would break
 * for any other dataset linking that file. A split's folder alike */
static void cli_ingest_links_in_dataset(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512], got[64];
    REQUIRE(mkdir(in(d, "store"), 0755) == 0 && symlink("store", in(d, "dsf")) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_single.log -o %s/dsf", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    struct stat st;
    CHECK(lstat(in(d, "dsf"), &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(lstat(in(d, "store/stream.txt"), &st) == 0 && S_ISREG(st.st_mode));
    /* DS/stream.txt and DS/vocab.tsv links to another dataset's files */
    REQUIRE(mkdir(in(d, "ds"), 0755) == 0);
    REQUIRE(symlink("../store/stream.txt", in(d, "ds/stream.txt")) == 0 &&
            symlink("../store/vocab.tsv", in(d, "ds/vocab.tsv")) == 0);
    write_text(in(d, "ids.txt"), "0,1,0,1,2,2,1\n");
    snprintf(cmd, sizeof cmd, "cp %s/store/stream.txt %s/kept.txt", d, d);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/ids.txt -o %s/ds", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(lstat(in(d, "ds/stream.txt"), &st) == 0 && S_ISREG(st.st_mode));
    CHECK(lstat(in(d, "ds/vocab.tsv"), &st) != 0);   /* IDs: no names, the link gone with the file */
    FILE *f = fopen(in(d, "ds/stream.txt"), "r");
    CHECK(f && fgets(got, sizeof got, f) && !strcmp(got, "0,1,0,1,2,2,1\n"));
    if (f) fclose(f);
    CHECK_MSG(files_equal(in(d, "store/stream.txt"), in(d, "kept.txt")), "the file the link led to was written");
    CHECK(ts_file_exists(in(d, "store/vocab.tsv")));
    /* a split: its train_stream.txt a link, replaced alike */
    REQUIRE(mkdir(in(d, "sp"), 0755) == 0 && symlink("../kept.txt", in(d, "sp/train_stream.txt")) == 0);
    snprintf(cmd, sizeof cmd, "split %s/dsf --length 1 --windows 1 -o %s/sp", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(lstat(in(d, "sp/train_stream.txt"), &st) == 0 && S_ISREG(st.st_mode));
    CHECK_MSG(files_equal(in(d, "store/stream.txt"), in(d, "kept.txt")), "the file the link led to was written");
}

/* the strace log text, ingested with --channels in a scratch directory and loaded into
 * m: 0, else -1 with the failure reported */
static int ingest_channels_text(const char *text, ts_mc *m)
{
    const char *d = scratch_dir();
    if (!d) return -1;
    write_text(in(d, "t.log"), text);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s/t.log -o %s/ds", d, d);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return -1;
    rc = ts_mc_load(in(d, "ds"), m);
    CHECK_MSG(rc == 0, "%s", ts_error());
    return rc;
}

/* an execve of "/x/" names its process "": no name, not an empty comm.vocab.tsv entry */
static void cli_ingest_empty_comm(void)
{
    ts_mc m;
    REQUIRE(ingest_channels_text("1700000000.000100 execve(\"/x/\", [\"x\"], 0x0 /* 1 vars */) = 0 <0.000100>\n"
                                 "1700000000.000200 read(3, \"\", 10) = 0 <0.000010>\n", &m) == 0);
    CHECK(m.n == 2 && m.ch[TS_CH_COMM][0] == TS_CH_PAD && m.ch[TS_CH_COMM][1] == TS_CH_PAD);
    ts_mc_free(&m);
}

/* what ingest writes, load reads: a gap of 9e18 ns (near an int64 clock's end) is a dt
 * the dataset can hold */
static void cli_ingest_huge_gap_loads(void)
{
    ts_mc m;
    REQUIRE(ingest_channels_text("100 1.000000 read(3, \"\", 10) = 0 <0.000010>\n"
                                 "100 9000000001.000000 write(1, \"x\", 1) = 1 <0.000010>\n", &m) == 0);
    CHECK(m.n == 2 && m.dt[1] > 43.6f);
    ts_mc_free(&m);
}

static void cli_errors_name_file_and_line(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_bad.log -o %s/x", d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "tracesynth: error: tests/data/strace_bad.log:3:") == err);

    write_text(in(d, "ids.txt"), "3,1,4\n1,5,x9\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids %s -o %s/x", in(d, "ids.txt"), d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "ids.txt:2: non-integer token 'x9'") != NULL);

    write_text(in(d, "w"), "1,2,3\n4,5\n");
    write_text(in(d, "t"), "1,2,3\n");
    snprintf(cmd, sizeof cmd, "audit --train %s --test %s", in(d, "w"), in(d, "t"));
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "/w:2: window of 2 IDs, expected 3") != NULL);

    write_text(in(d, "w"), "1,2,3\n\n4,5,6\n");
    snprintf(cmd, sizeof cmd, "audit --train %s --test %s", in(d, "t"), in(d, "w"));
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "/w:2: empty line") != NULL);

    int32_t six[6] = {1, 2, 3, 4, 5, 6};
    size_t sh[2] = {2, 3};
    REQUIRE(ts_npy_write(in(d, "x.npy"), TS_NPY_I32, six, 2, sh) == 0);
    REQUIRE(truncate(in(d, "x.npy"), 128 + 20) == 0);   /* 128-byte header + 5 of 6 values */
    snprintf(cmd, sizeof cmd, "audit --train %s --test %s", in(d, "t"), in(d, "x.npy"));
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "x.npy: truncated data") != NULL);

    CHECK(run_cli("ingest --from pcap x -o y", err, sizeof err) == 2);
    CHECK(strstr(err, "pcap") != NULL);
    CHECK(run_cli("split nowhere --length 0 -o y", err, sizeof err) == 2);
    CHECK(strstr(err, "--length") != NULL);
    CHECK(run_cli("split nowhere --length 10 -o y", err, sizeof err) == 1);
    CHECK(strstr(err, "nowhere") != NULL);
    CHECK(run_cli("ingest --help", NULL, 0) == 0);
    CHECK(run_cli("split --help", NULL, 0) == 0);
    CHECK(run_cli("audit --help", NULL, 0) == 0);
}

/* an INPUT of '-' is named standard input, as -o - is standard output elsewhere: not
 * /dev/stdin, which it is read through and the user never gave */
static void cli_ingest_stdin_named(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    write_text(in(d, "bad.txt"), "a\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids - -o %s/x < %s", d, in(d, "bad.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input:1: non-integer token 'a'") &&
              !strstr(err, "/dev/stdin"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ids - -o %s/x <&-", d);   /* closed */
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input: closed") &&
              !strstr(err, "/dev/stdin") && !strstr(err, "No such file"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from strace - -o %s/x < %s", d, in(d, "bad.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input:1: ") &&
              !strstr(err, "/dev/stdin"), "%s", err);
    /* given twice, or beside the file it reads */
    snprintf(cmd, sizeof cmd, "ingest --from strace - - -o %s/x < %s", d, in(d, "bad.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "standard input") && !strstr(err, "/dev/stdin"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s - -o %s/x < %s", in(d, "bad.txt"), d, in(d, "bad.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "bad.txt' and standard input are the same log"),
              "%s", err);
    /* named inside the message too, not at its start alone */
    write_text(in(d, "tod.log"), "5 12:00:01.000001 read(0, \"\", 1) = 0\n");
    write_text(in(d, "epoch.log"), "6 1700000000.000001 read(0, \"\", 1) = 0\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace - %s -o %s/x < %s", in(d, "tod.log"), d, in(d, "epoch.log"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tod.log: times of day (strace -t or -tt), where standard "
                                                                "input has the epoch's seconds") &&
                  !strstr(err, "/dev/stdin"), "%s", err);
    /* a line quoted from the input is as it was: its own "/dev/stdin" is no path of the command's */
    write_text(in(d, "exec.log"), "7 1700000000.000001 execve(\"/dev/stdin\", [], 0x0) = 99999999999999999999999\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace - -o %s/x < %s", d, in(d, "exec.log"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input:1: ") &&
                  strstr(err, "execve(\"/dev/stdin\", [], 0x0)"), "%s", err);
    /* what ingest says of it too */
    write_text(in(d, "win.txt"), "1 2\n3 4\n");
    snprintf(cmd, sizeof cmd, "ingest --from ids - -o %s/x < %s", d, in(d, "win.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "ingest: standard input: 2 lines of 2 IDs"), "%s", err);
    /* /dev/stdin given is named as given */
    snprintf(cmd, sizeof cmd, "ingest --from ids /dev/stdin -o %s/x < %s", d, in(d, "bad.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: /dev/stdin:1: "), "%s", err);
}

/* audit's --train - or --test - is standard input too, named so in what it prints */
static void cli_audit_stdin(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], out[1024], err[512];
    write_text(in(d, "a.txt"), "1,2,3,4\n5,6,7,8\n");
    write_text(in(d, "b.txt"), "2,3\n9,9\n");
    snprintf(cmd, sizeof cmd, "audit --train - --test %s < %s", in(d, "b.txt"), in(d, "a.txt"));
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "train: standard input, 2 windows of 4 events") &&
                  strstr(out, "found verbatim in train: 1 of 2"), "%s", out);
    snprintf(cmd, sizeof cmd, "audit --train %s --test - < %s", in(d, "a.txt"), in(d, "b.txt"));
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "test:  standard input, 2 windows of 2 events") &&
                  strstr(out, "found verbatim in train: 1 of 2"), "%s", out);
    snprintf(cmd, sizeof cmd, "audit --train - --test %s < %s", in(d, "a.txt"), in(d, "b.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input: rows of 2 events are shorter"),
              "%s", err);
    snprintf(cmd, sizeof cmd, "audit --train - --test - < %s", in(d, "a.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--test -: standard input is read once"), "%s", err);
}

static void cli_split_and_audit(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    /* stream of 1000 distinct-ish IDs: no window repeats, so the time split audits to 0 */
    char *text = malloc(8000), *p = text;
    for (int i = 0; i < 1000; i++) p += sprintf(p, "%d%s", i, i < 999 ? "," : "\n");
    char dir[600];
    snprintf(dir, sizeof dir, "%s/ds", d);
    mkdir(dir, 0755);
    write_text(in(dir, "stream.txt"), text);
    free(text);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "split %s --length 20 --windows 5 -o %s/sp", dir, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_windows tr, va, te;
    REQUIRE(ts_windows_read(in(d, "sp/training"), &tr) == 0);
    REQUIRE(ts_windows_read(in(d, "sp/validation"), &va) == 0);
    REQUIRE(ts_windows_read(in(d, "sp/testing"), &te) == 0);
    CHECK(tr.n == 137 && tr.len == 20 && va.n == 5 && te.n == 5);
    CHECK(va.data[20] == 720 && te.data[20] == 845);
    ts_seq ts_;
    REQUIRE(ts_seq_read(in(d, "sp/train_stream.txt"), &ts_) == 0);
    CHECK(ts_.n == 700);
    ts_seq_free(&ts_);
    ts_windows_free(&tr);
    ts_windows_free(&va);
    ts_windows_free(&te);

    /* audit prints counts; a stream matches substrings */
    FILE *f;
    snprintf(cmd, sizeof cmd, "build/tracesynth audit --train %s --test %s/sp/testing", dir, d);
    f = popen(cmd, "r");
    REQUIRE(f);
    char out[2048] = "";
    size_t got = fread(out, 1, sizeof out - 1, f);
    out[got] = 0;
    CHECK(pclose(f) == 0);
    CHECK_MSG(strstr(out, "found verbatim in train: 5 of 5 (100.0%)") != NULL, "%s", out);
    snprintf(cmd, sizeof cmd, "build/tracesynth audit --train %s/sp/training --test %s/sp/testing", d, d);
    f = popen(cmd, "r");
    REQUIRE(f);
    got = fread(out, 1, sizeof out - 1, f);
    out[got] = 0;
    CHECK(pclose(f) == 0);
    CHECK_MSG(strstr(out, "found verbatim in train: 0 of 5 (0.0%)") != NULL, "%s", out);

    /* a part shorter than L */
    snprintf(cmd, sizeof cmd, "split %s --length 150 -o %s/sp2", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "validation part [700, 800) has 100 events") != NULL);
    /* paper split without published windows */
    snprintf(cmd, sizeof cmd, "split %s --split paper --length 20 -o %s/sp3", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK(strstr(err, "sequence_length_20/testing") != NULL);
}

/* a new scratch folder (returned; NULL on failure) and the folder name made in it, its
 * path into dir (cap bytes): where a test writes its fixture */
static const char *fixture_dir(const char *name, char *dir, size_t cap)
{
    const char *d = scratch_dir();
    if (!d) return NULL;
    snprintf(dir, cap, "%s/%s", d, name);
    return mkdir(dir, 0755) == 0 ? d : NULL;
}

/* a set of windows (DIR/length: markov --length of events alone) as --train is its windows:
 * a test window that occurs only across two of them is not found in it, as eval's memorized
 * counts it; a length that is no length of its events is refused naming the file */
static void cli_audit_set_windows(void)
{
    char dir[600];
    const char *d = fixture_dir("set", dir, sizeof dir);
    REQUIRE(d);
    write_text(in(dir, "stream.txt"), "0,1,2,3,0,1,2,3,0,1,2,3\n");   /* 3 windows of the cycle */
    write_text(in(dir, "length"), "4\n");
    write_text(in(d, "w"), "2,3,0,1\n0,1,2,3\n");
    char cmd[1400], out[2048], err[512];
    snprintf(cmd, sizeof cmd, "audit --train %s --test %s", dir, in(d, "w"));
    CHECK(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "train: ") && strstr(out, "3 windows of 4 events"), "%s", out);
    CHECK_MSG(strstr(out, "found verbatim in train: 1 of 2 (50.0%)") != NULL, "%s", out);
    write_text(in(dir, "length"), "5\n");
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "set/length: windows of 5 events") != NULL, "%s", err);
    /* without the record: one stream, matched anywhere in it */
    unlink(in(dir, "length"));
    CHECK(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "found verbatim in train: 2 of 2 (100.0%)") != NULL, "%s", out);
}

static void cli_paper_split_pts(void)
{
    const char *p = shared_path("datasets/pts/pybench");
    if (!p) SKIP("../shared/datasets not present");
    char *ds = strdup(p);   /* shared_path's buffer is reused */
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1400], err[512];
    snprintf(cmd, sizeof cmd, "split %s --split paper --length 200 -o %s/p", ds, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_windows te, pub;
    REQUIRE(ts_windows_read(in(d, "p/testing"), &te) == 0);
    char pubp[600];
    snprintf(pubp, sizeof pubp, "%s/sequence_length_200/testing", ds);
    REQUIRE(ts_windows_read(pubp, &pub) == 0);
    CHECK(te.n == 500 && pub.n == 500 && memcmp(te.data, pub.data, 500 * 200 * 4) == 0);
    ts_windows_free(&te);
    ts_windows_free(&pub);
    /* the leak of datasets/README.md: 370-500 of the 500 test windows in stream.txt */
    snprintf(cmd, sizeof cmd, "build/tracesynth audit --train %s --test %s/p/testing", ds, d);
    FILE *f = popen(cmd, "r");
    REQUIRE(f);
    char out[2048];
    size_t got = fread(out, 1, sizeof out - 1, f);
    out[got] = 0;
    CHECK(pclose(f) == 0);
    const char *q = strstr(out, "found verbatim in train: ");
    REQUIRE(q);
    int found = atoi(q + strlen("found verbatim in train: "));
    CHECK_MSG(found >= 370 && found <= 500, "found %d", found);
    free(ds);
}

/* ---- LTTng CTF ---- */

/* A hand-made two-CPU CTF 1.8 trace: sched_switch sets each CPU's thread; entries in
 * both naming styles (syscall_entry_, sys_, compat_syscall_entry_), exits to skip.
 * Time order: 10 switch(cpu0 -> app), 15 close (cpu1, thread unknown), 20 read,
 * 30 switch(cpu1 -> other), 40 sys_write, 50 mmap, 55 exit mmap, 60 exit_syscall,
 * 70 compat open. cpu0's second packet reports discard lost events. */
static const char ctf_meta[] =
    "/* CTF 1.8 */\n"
    "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
    "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
    "trace { major = 1; minor = 8; byte_order = le;\n"
    "  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n"
    "clock { name = \"monotonic\"; freq = 1000000000; offset = 0; };\n"
    "typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } "
    ":= uint64_clock_t;\n"
    "stream { id = 0;\n"
    "  event.header := struct { uint32_t id; uint64_clock_t timestamp; };\n"
    "  packet.context := struct { uint64_t content_size; uint64_t packet_size;\n"
    "                             uint64_t events_discarded; uint32_t cpu_id; }; };\n"
    "event { name = \"sched_switch\"; id = 0; stream_id = 0;\n"
    "  fields := struct { string next_comm; uint32_t next_tid; }; };\n"
    "event { name = \"syscall_entry_read\"; id = 1; stream_id = 0; fields := struct { uint32_t fd; }; };\n"
    "event { name = \"sys_write\"; id = 2; stream_id = 0; fields := struct { uint32_t fd; }; };\n"
    "event { name = \"exit_syscall\"; id = 3; stream_id = 0; fields := struct { uint32_t ret; }; };\n"
    "event { name = \"compat_syscall_entry_open\"; id = 4; stream_id = 0; fields := struct { uint32_t f; }; };\n"
    "event { name = \"syscall_entry_close\"; id = 5; stream_id = 0; fields := struct { uint32_t fd; }; };\n"
    "event { name = \"syscall_entry_mmap\"; id = 6; stream_id = 0; fields := struct { uint32_t len; }; };\n"
    "event { name = \"syscall_exit_mmap\"; id = 7; stream_id = 0; fields := struct { uint32_t ret; }; };\n";

typedef struct { unsigned char b[512]; size_t n; } bytes;
static void put_le(bytes *o, uint64_t v, int nb) { for (int i = 0; i < nb; i++) o->b[o->n++] = (unsigned char)(v >> (8 * i)); }
/* one event: id, timestamp, then either a string + u32 (sched_switch) or a u32 */
static void put_ev(bytes *o, uint32_t id, uint64_t t, const char *comm, uint32_t v)
{
    put_le(o, id, 4);
    put_le(o, t, 8);
    if (comm) { size_t l = strlen(comm) + 1; memcpy(o->b + o->n, comm, l); o->n += l; }
    put_le(o, v, 4);
}
static void put_packet(FILE *f, const bytes *body, uint64_t discarded, uint32_t cpu)
{
    bytes h = {{0}, 0};
    uint64_t size = (8 + 28 + body->n) * 8;
    put_le(&h, 0xC1FC1FC1u, 4);
    put_le(&h, 0, 4);
    put_le(&h, size, 8);
    put_le(&h, size, 8);
    put_le(&h, discarded, 8);
    put_le(&h, cpu, 4);
    fwrite(h.b, 1, h.n, f);
    fwrite(body->b, 1, body->n, f);
}
static void write_ctf(const char *dir, uint64_t discard)
{
    write_text(in(dir, "metadata"), ctf_meta);
    bytes a = {{0}, 0}, b = {{0}, 0}, c = {{0}, 0};
    put_ev(&a, 0, 10, "app", 5);
    put_ev(&a, 1, 20, NULL, 3);
    put_ev(&b, 2, 40, NULL, 1);
    put_ev(&b, 3, 60, NULL, 0);
    put_ev(&b, 4, 70, NULL, 0);
    FILE *f = fopen(in(dir, "chan_0"), "wb");
    put_packet(f, &a, 0, 0);
    put_packet(f, &b, discard, 0);
    fclose(f);
    put_ev(&c, 5, 15, NULL, 3);
    put_ev(&c, 0, 30, "other", 6);
    put_ev(&c, 6, 50, NULL, 4096);
    put_ev(&c, 7, 55, NULL, 0);
    f = fopen(in(dir, "chan_1"), "wb");
    put_packet(f, &c, 0, 1);
    fclose(f);
}

static void ctf_handmade_trace(void)
{
    char dir[600];
    const char *d = fixture_dir("trace", dir, sizeof dir);
    REQUIRE(d);
    write_ctf(dir, 0);
    char **names;
    size_t n;
    uint64_t lost = 99;
    REQUIRE(ts_ctf_read(dir, NULL, 0, &names, &n, &lost) == 0);
    CHECK(names_are(names, n, "close read write mmap open") && lost == 0);
    free_names(names, n);
    REQUIRE(ts_ctf_read(dir, "app", 0, &names, &n, NULL) == 0);
    CHECK(names_are(names, n, "read write open"));
    free_names(names, n);
    /* exits too: syscall_exit_mmap by its name, exit_syscall by cpu0's last entry (write) */
    REQUIRE(ts_ctf_read(dir, NULL, 1, &names, &n, NULL) == 0);
    CHECK(names_are(names, n, "close read write mmap mmap write open"));
    free_names(names, n);
    /* close ran before cpu1's first sched_switch: its thread is unknown */
    REQUIRE(ts_ctf_read(dir, "other", 0, &names, &n, NULL) == 0);
    CHECK(names_are(names, n, "mmap"));
    free_names(names, n);
    /* an LTTng session directory holding kernel/ */
    char sess[700];
    snprintf(sess, sizeof sess, "%s/session", d);
    mkdir(sess, 0755);
    mkdir(in(sess, "kernel"), 0755);
    write_ctf(in(sess, "kernel"), 7);
    REQUIRE(ts_ctf_read(sess, NULL, 0, &names, &n, &lost) == 0);
    CHECK(n == 5 && lost == 7);
    free_names(names, n);
    /* per stream: CPU 0's stream lost 7 events between its two packets */
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(sess, NULL, &t) == 0);
    CHECK(t.lost == 7 && t.n_streams == 2);
    for (size_t i = 0; i < t.n_streams; i++) {
        const ts_ctf_stream *s = &t.streams[i];
        CHECK(s->cpu == 0 || s->cpu == 1);
        CHECK(s->discarded == (s->cpu == 0 ? 7u : 0u) && s->n_discards == (s->cpu == 0 ? 1u : 0u));
        CHECK(strstr(s->name, s->cpu == 0 ? "chan_0" : "chan_1") != NULL);
        if (s->n_discards) CHECK(s->discards[0].count == 7);
    }
    ts_ctf_trace_free(&t);
    char cmd[1600], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", sess, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "warning") && strstr(err, "7 discarded events") && strstr(err, "CPU 0: 7 in 1 gap"),
              "%s", err);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    /* first 70% of 5 = 3 events: close, read, write (one each, by name); mmap, open unseen */
    CHECK(ds.vocab.n == 4 && !strcmp(ds.vocab.names[0], "close") && !strcmp(ds.vocab.names[2], "write"));
    CHECK(ds.stream.ids[3] == ds.vocab.unk && ds.stream.ids[4] == ds.vocab.unk);
    ts_dataset_free(&ds);
    /* counts each readable whose sum is not (2 x (2^63 - 2) passes 2^63 - 1): refused at the
     * gap that passes it, as ftrace's markers are, not summed into a total past int64_t */
    char sum[700];
    snprintf(sum, sizeof sum, "%s/sum", d);
    mkdir(sum, 0755);
    write_ctf(sum, 9223372036854775806ull);
    FILE *f = fopen(in(sum, "chan_1"), "ab");
    REQUIRE(f);
    bytes e = {{0}, 0};
    put_ev(&e, 5, 80, NULL, 3);
    put_packet(f, &e, 9223372036854775806ull, 1);   /* CPU 1's gap: as many */
    fclose(f);
    CHECK(ts_ctf_load(sum, NULL, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "sum: stream chan_") && strstr(ts_error(), "gap 1: ") && strstr(ts_error(), "2^63"),
              "%s", ts_error());
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/sum-ds", sum, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "sum: stream chan_") && strstr(err, "2^63"), "%s", err);
    /* an event class whose name holds a blank: no names file could hold the event (generate
     * writes names separated by blanks): refused, naming the stream and the event */
    char blank[700];
    snprintf(blank, sizeof blank, "%s/blank", d);
    mkdir(blank, 0755);
    write_ctf(blank, 0);
    char *meta = ts_strdup(ctf_meta), *cl = strstr(meta, "syscall_entry_close");
    REQUIRE(cl);
    cl[strlen("syscall_entry_cl")] = ' ';
    write_text(in(blank, "metadata"), meta);
    free(meta);
    CHECK(ts_ctf_load(blank, NULL, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "blank: stream chan_1, event 1: event name 'cl se' holds a blank"), "%s", ts_error());
    /* a stream file cut short */
    REQUIRE(truncate(in(dir, "chan_1"), 40) == 0);
    CHECK(ts_ctf_read(dir, NULL, 0, &names, &n, NULL) == -1);
    CHECK_MSG(strstr(ts_error(), dir) != NULL, "%s", ts_error());
}

/* Events lost on a CPU may hide its sched_switch: after the gap its thread is unknown until
 * the next switch (the hand-made trace: CPU 0 loses 7 events between read and write) */
static void ctf_thread_unknown_after_gap(void)
{
    char dir[600];
    const char *d = fixture_dir("gap", dir, sizeof dir);
    REQUIRE(d);
    write_ctf(dir, 7);
    char **names;
    size_t n;
    REQUIRE(ts_ctf_read(dir, "app", 0, &names, &n, NULL) == 0);
    CHECK(names_are(names, n, "read"));
    free_names(names, n);
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load_fields(dir, NULL, &t) == 0);
    CHECK(t.n == 5 && t.lost == 7);
    static const int64_t tid[] = {-1, 5, -1, 6, -1};
    for (size_t i = 0; i < t.n && i < 5; i++) {
        CHECK_MSG(t.tid[i] == tid[i], "event %zu (%s): thread %lld, want %lld", i, t.names[i],
                  (long long)t.tid[i], (long long)tid[i]);
        CHECK(!t.comm[i] == (tid[i] < 0));
    }
    ts_ctf_trace_free(&t);
    /* without the gap, CPU 0's thread stays app's */
    write_ctf(dir, 0);
    REQUIRE(ts_ctf_read(dir, "app", 0, &names, &n, NULL) == 0);
    CHECK(names_are(names, n, "read write open"));
    free_names(names, n);
}

/* ---- CTF fixtures from an event list: one stream file per CPU, packets of at most
 * `per_packet` events, optionally LTTng's index files (index/chan_N.idx) ---- */
typedef struct {
    int         cpu;
    uint64_t    t;
    const char *name;       /* event class */
    uint32_t    prev, next; /* sched_switch; sched_process_exec: tid, old_tid; prev: the value
                             * (an exit's ret) of another event */
    const char *comm;       /* sched_switch next_comm; sched_process_exec filename */
} fx_ev;

/* a string and two integers: sched_switch and sched_process_exec */
static int fx_three(const char *name)
{
    return !strcmp(name, "sched_switch") || !strcmp(name, "sched_process_exec");
}

/* an exit's one field is its return value, ret */
static int fx_exit(const char *name)
{
    return !strcmp(name, "exit_syscall") || !strncmp(name, "syscall_exit_", 13) ||
           !strncmp(name, "compat_syscall_exit_", 20);
}

static int fx_class(const char *const *classes, int nclass, const char *name)
{
    for (int i = 0; i < nclass; i++) if (!strcmp(classes[i], name)) return i;
    return -1;
}

/* seq's "e:NAME" and "x:NAME" as LTTng's entry and exit classes (syscall_entry_NAME,
 * syscall_exit_NAME; old, before LTTng 2.6: sys_NAME, exit_syscall) into ev, their names
 * kept in names; the event classes into classes. Returns how many classes */
static int fx_expand(const fx_ev *seq, size_t n, int old, fx_ev *ev, char (*names)[48], const char **classes)
{
    int nclass = 0;
    for (size_t i = 0; i < n; i++) {
        ev[i] = seq[i];
        if (seq[i].name[1] == ':') {
            int entry = seq[i].name[0] == 'e';
            if (old) snprintf(names[i], 48, entry ? "sys_%s" : "exit_syscall", seq[i].name + 2);
            else snprintf(names[i], 48, entry ? "syscall_entry_%s" : "syscall_exit_%s", seq[i].name + 2);
            ev[i].name = names[i];
        }
        if (fx_class(classes, nclass, ev[i].name) < 0) classes[nclass++] = ev[i].name;
    }
    return nclass;
}

static void be_put(FILE *f, uint64_t v, int nb) { for (int i = nb - 1; i >= 0; i--) fputc((int)(v >> (8 * i)) & 0xff, f); }

static void fx_write(const char *dir, const char *env, const char *const *classes, int nclass,
                     const fx_ev *ev, size_t n, int ncpu, size_t per_packet, int index)
{
    char meta[8192];
    int o = snprintf(meta, sizeof meta,
        "/* CTF 1.8 */\n"
        "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
        "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
        "trace { major = 1; minor = 8; byte_order = le;\n"
        "  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n"
        "%s\n"
        "clock { name = \"monotonic\"; freq = 1000000000; offset = 0; };\n"
        "typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } "
        ":= uint64_clock_t;\n"
        "stream { id = 0;\n"
        "  event.header := struct { uint32_t id; uint64_clock_t timestamp; };\n"
        "  packet.context := struct { uint64_t content_size; uint64_t packet_size;\n"
        "                             uint64_t events_discarded; uint32_t cpu_id; }; };\n", env ? env : "");
    for (int i = 0; i < nclass; i++)
        o += snprintf(meta + o, sizeof meta - (size_t)o,
                      !strcmp(classes[i], "sched_switch")
                          ? "event { name = \"%s\"; id = %d; stream_id = 0; fields := struct { string next_comm; "
                            "uint32_t prev_tid; uint32_t next_tid; }; };\n"
                      : !strcmp(classes[i], "sched_process_exec")
                          ? "event { name = \"%s\"; id = %d; stream_id = 0; fields := struct { string filename; "
                            "uint32_t tid; uint32_t old_tid; }; };\n"
                          : "event { name = \"%s\"; id = %d; stream_id = 0; fields := struct { uint32_t %s; }; };\n",
                      classes[i], i, fx_exit(classes[i]) ? "ret" : "v");
    write_text(in(dir, "metadata"), meta);
    if (index) mkdir(in(dir, "index"), 0755);
    for (int c = 0; c < ncpu; c++) {
        char name[32], iname[64];
        snprintf(name, sizeof name, "chan_%d", c);
        snprintf(iname, sizeof iname, "index/chan_%d.idx", c);
        FILE *f = fopen(in(dir, name), "wb"), *fi = index ? fopen(in(dir, iname), "wb") : NULL;
        if (fi) { be_put(fi, 0xC1F1DCC1u, 4); be_put(fi, 1, 4); be_put(fi, 0, 4); be_put(fi, 56, 4); }
        size_t i = 0;
        uint64_t off = 0;
        while (1) {
            bytes b = {{0}, 0};
            size_t k = 0;
            uint64_t t0 = 0, t1 = 0;
            for (; i < n && k < per_packet; i++) {
                if (ev[i].cpu != c) continue;
                int id = fx_class(classes, nclass, ev[i].name);
                put_ev(&b, (uint32_t)id, ev[i].t, fx_three(ev[i].name) ? ev[i].comm : NULL, ev[i].prev);
                if (fx_three(ev[i].name)) put_le(&b, ev[i].next, 4);
                if (!k) t0 = ev[i].t;
                t1 = ev[i].t;
                k++;
            }
            if (!k) break;
            put_packet(f, &b, 0, (uint32_t)c);
            uint64_t size = 8 + 28 + b.n;
            if (fi) {
                be_put(fi, off, 8); be_put(fi, size * 8, 8); be_put(fi, size * 8, 8);
                be_put(fi, t0, 8); be_put(fi, t1, 8); be_put(fi, 0, 8); be_put(fi, 0, 8);
            }
            off += size;
        }
        fclose(f);
        if (fi) fclose(fi);
    }
}

/* Two CPUs, threads that block inside calls across context switches and migrate: A (tid 10)
 * blocks in select while B (20) runs ppoll and read on CPU 0; A returns, enters write,
 * blocks, resumes on CPU 1. CPU 1 starts inside an unknown call (an exit with no entry) and
 * with an unknown thread (30) that enters close before CPU 1's first sched_switch.
 * old: LTTng < 2.6 names (sys_NAME, one nameless exit_syscall); else syscall_entry_/exit_. */
static void fx_threads(const char *dir, int old, int index, size_t per_packet)
{
    static const fx_ev seq[] = {
        {0, 10, "sched_switch", 1, 10, "appA"},
        {1, 15, "x:futex", 0, 0, NULL},          /* CPU 1 was inside futex when tracing began */
        {0, 20, "e:select", 0, 0, NULL},
        {1, 25, "e:close", 0, 0, NULL},
        {0, 30, "sched_switch", 10, 20, "appB"},
        {1, 35, "sched_switch", 30, 40, "appC"},
        {0, 40, "e:ppoll", 0, 0, NULL},
        {1, 45, "e:open", 0, 0, NULL},
        {0, 50, "x:ppoll", 0, 0, NULL},
        {0, 60, "e:read", 0, 0, NULL},
        {0, 70, "sched_switch", 20, 10, "appA"},
        {0, 80, "x:select", 0, 0, NULL},
        {0, 90, "e:write", 0, 0, NULL},
        {0, 100, "sched_switch", 10, 20, "appB"},
        {1, 105, "sched_switch", 40, 10, "appA"},
        {0, 110, "x:read", 0, 0, NULL},
        {1, 115, "x:write", 0, 0, NULL},
        {1, 120, "sched_switch", 10, 30, "appD"},
        {1, 125, "x:close", 0, 0, NULL},
    };
    size_t n = sizeof seq / sizeof *seq;
    fx_ev ev[32];
    char names[32][48];
    const char *classes[32];
    int nclass = fx_expand(seq, n, old, ev, names, classes);
    /* declared but unused: arm's own calls make the architecture known from the metadata */
    if (old) {
        classes[nclass++] = "sys_mmap2";
        classes[nclass++] = "sys_arm_fadvise64_64";
    }
    fx_write(dir, old ? NULL : "env { hostname = \"h\"; machine = \"aarch64\"; };", classes, nclass, ev, n,
             2, per_packet, index);
}

static int ctf_names(const char *dir, ts_ctf_events events, int exits, int64_t cpu, const char *comm,
                     const char *want)
{
    ts_ctf_opts o = {comm, exits, events, cpu, 0, 0};
    ts_ctf_trace t;
    if (ts_ctf_load(dir, &o, &t)) {
        fprintf(stderr, "  %s\n", ts_error());
        return 0;
    }
    int ok = names_are(t.names, t.n, want);
    ts_ctf_trace_free(&t);
    return ok;
}

/* ingest --from ctf -o the trace's own directory (or a session's, by its kernel/ trace):
 * the dataset's files written among the streams made the trace unreadable (babeltrace2
 * reads every file there as a stream). Refused before anything is read or written */
static void ctf_output_not_the_trace(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], sess[600], cmd[2000], err[512];
    snprintf(dir, sizeof dir, "%s/tr", d);
    mkdir(dir, 0755);
    fx_threads(dir, 1, 0, 4);
    const int before = count_dir(dir);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, dir) && strstr(err, "CTF trace"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "CTF trace"), "%s", err);
    CHECK(count_dir(dir) == before);
    /* a session: its kernel/ trace, read from the session's directory */
    snprintf(sess, sizeof sess, "%s/sess", d);
    mkdir(sess, 0755);
    snprintf(cmd, sizeof cmd, "mv %s %s/kernel", dir, sess);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/kernel", sess, sess);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "CTF trace"), "%s", err);
    /* beside it: written, the trace still read */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", sess, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
}

/* LTTng < 2.6: one nameless exit_syscall, named after the exiting thread's own pending call */
static void ctf_old_names_pair_exits_per_thread(void)
{
    char dir[600];
    const char *d = fixture_dir("old", dir, sizeof dir);
    REQUIRE(d);
    fx_threads(dir, 1, 0, 4);
    /* A's select exit comes after B's read entry on the same CPU; A's write exit on CPU 1
     * after C's open; thread 30's close exit after A's write (its entry came before CPU 1's
     * first switch, which names it as prev_tid). The per-CPU last call would give
     * "... read read write open open". The exit at 15 has no entry: left out. */
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, NULL,
                    "select close ppoll open ppoll read select write read write close"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 0, -1, NULL, "select close ppoll open read write"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, 0, NULL, "select ppoll ppoll read select write read"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, 1, NULL, "close open write close"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, "appA", "select select write write"));
    /* every event: the exit with no entry keeps its own name */
    CHECK(ctf_names(dir, TS_CTF_ALL, 0, -1, NULL,
                    "sched_switch exit_syscall select close sched_switch sched_switch ppoll open ppoll "
                    "read sched_switch select write sched_switch sched_switch read write sched_switch close"));
    CHECK(ctf_names(dir, TS_CTF_ALL, 0, 1, NULL,
                    "exit_syscall close sched_switch open sched_switch write sched_switch close"));
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK(t.unpaired_exits == 1 && t.n_cpus == 2 && t.n_streams == 2);
    /* the metadata declares arm's own calls */
    CHECK_MSG(!strcmp(t.arch, "arm") && t.arch_from && !strcmp(t.arch_from, "events"), "%s", t.arch);
    /* times and CPUs per event: close at 25 on CPU 1 */
    CHECK(t.n == 11 && t.time_ns[1] == 25 && t.cpu[1] == 1 && t.time_ns[10] == 125);
    for (size_t i = 0; i < t.n_streams; i++)
        CHECK(t.streams[i].cpu >= 0 && t.streams[i].discarded == 0 &&
              t.streams[i].events == (t.streams[i].cpu == 0 ? 11u : 8u));
    ts_ctf_trace_free(&t);
    /* the CLI: a CPU the trace does not have */
    char cmd[1600], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --cpu 2 -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "no CPU 2") && strstr(err, "0..1"));
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --events some -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--events"));
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --cpu -1 -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--cpu"));
    /* the dataset records the architecture for eval */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --cpu 0 --exits -o %s/ds", dir, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    FILE *f = fopen(in(in(d, "ds"), "arch"), "r");
    char word[32] = "";
    REQUIRE(f);
    CHECK(fscanf(f, "%31s", word) == 1 && !strcmp(word, "arm"));
    fclose(f);
    /* and each event's CPU (cpu.npy), as the times (train --reinterleave reads both) */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --exits -o %s/all", dir, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* stderr is a file here, no terminal: the first progress line comes after 30 s (a second
     * on a terminal), and this trace is read long before: none */
    CHECK_MSG(err[0] == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --exits -q -o %s/all", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0 && err[0] == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --exits --no-progress -o %s/all", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0 && err[0] == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(in(d, "all"), &m) == 0);
    CHECK(m.n == 11 && m.events.time_ns && m.ch[TS_CH_CPU] && m.ch[TS_CH_CPU][1] == 1 && !m.dt);
    ts_mc_free(&m);
}

/* --cpu N is checked against the CPUs of the trace's streams: CPU 1's stream missing between
 * CPUs 0 and 2 (an offline CPU) is no CPU 1; a stream whose packets hold no event is its
 * CPU's, which then has no events */
static void ctf_cpu_of_streams(void)
{
    char dir[600];
    const char *d = fixture_dir("cpus", dir, sizeof dir);
    REQUIRE(d);
    static const fx_ev ev[] = {
        {0, 10, "syscall_entry_read", 0, 0, NULL},
        {2, 20, "syscall_entry_write", 0, 0, NULL},
        {0, 30, "syscall_exit_read", 0, 0, NULL},
    };
    const char *classes[] = {"syscall_entry_read", "syscall_exit_read", "syscall_entry_write"};
    fx_write(dir, NULL, classes, 3, ev, 3, 3, 10, 0);   /* chan_1: an empty file */
    ts_ctf_opts o = {NULL, 0, TS_CTF_SYSCALLS, 1, 0, 0};
    ts_ctf_trace t;
    CHECK(ts_ctf_load(dir, &o, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "no CPU 1 in the trace (its streams are of CPUs 0, 2)"), "%s", ts_error());
    /* packets with no event for CPUs 1 and 3 */
    bytes none = {{0}, 0};
    FILE *f = fopen(in(dir, "chan_1"), "wb");
    REQUIRE(f);
    put_packet(f, &none, 0, 1);
    fclose(f);
    REQUIRE((f = fopen(in(dir, "chan_3"), "wb")) != NULL);
    put_packet(f, &none, 0, 3);
    fclose(f);
    for (int c = 1; c <= 3; c += 2) {
        o.cpu = c;
        CHECK(ts_ctf_load(dir, &o, &t) == -1);
        char want[64];
        snprintf(want, sizeof want, "no system call entry events on CPU %d", c);
        CHECK_MSG(strstr(ts_error(), want), "%s", ts_error());
    }
    o.cpu = 4;
    CHECK(ts_ctf_load(dir, &o, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "no CPU 4 in the trace (its streams are of CPUs 0..3)"), "%s", ts_error());
    o.cpu = -1;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK(t.n == 2 && t.n_cpus == 4 && t.n_streams == 4);
    for (size_t i = 0; i < t.n_streams; i++) CHECK(t.streams[i].cpu == t.streams[i].name[5] - '0');
    ts_ctf_trace_free(&t);
    char cmd[1600], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --cpu 5 -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "no CPU 5") && strstr(err, "0..3"));
    CHECK(!ts_file_exists(in(in(d, "ds"), "stream.txt")));
}

/* LTTng >= 2.6 names give the same events as the old ones */
static void ctf_new_names_match_old(void)
{
    char dir[600];
    const char *d = fixture_dir("new", dir, sizeof dir);
    REQUIRE(d);
    fx_threads(dir, 0, 0, 100);
    /* named exits are kept as named, the futex exit at 15 too */
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, NULL,
                    "futex select close ppoll open ppoll read select write read write close"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, 0, NULL, "select ppoll ppoll read select write read"));
    CHECK(ctf_names(dir, TS_CTF_ALL, 0, 1, NULL, "futex close sched_switch open sched_switch write sched_switch close"));
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, NULL, &t) == 0);
    /* the trace environment names the machine */
    CHECK_MSG(!strcmp(t.arch, "aarch64") && !strcmp(t.arch_from, "env"), "%s", t.arch);
    CHECK(t.unpaired_exits == 0);
    ts_ctf_trace_free(&t);
}

/* the return value of each event of a one-CPU fixture, as "5 - 0" (- none) */
static int ctf_rets(const char *dir, const char *want)
{
    ts_ctf_trace t;
    if (ts_ctf_load_fields(dir, NULL, &t)) {
        fprintf(stderr, "  %s\n", ts_error());
        return 0;
    }
    char got[256] = "";
    size_t o = 0;
    for (size_t i = 0; i < t.n && o < sizeof got; i++) {
        if (t.has_ret[i]) o += (size_t)snprintf(got + o, sizeof got - o, "%s%lld", i ? " " : "", (long long)t.ret[i]);
        else o += (size_t)snprintf(got + o, sizeof got - o, "%s-", i ? " " : "");
    }
    ts_ctf_trace_free(&t);
    if (strcmp(got, want)) fprintf(stderr, "  return values '%s', want '%s'\n", got, want);
    return !strcmp(got, want);
}

/* An exit goes to its thread's open entry only when it is that call's: thread 10 enters
 * exit_group (which never returns); its tid is reused by a new thread, whose first event is
 * clone's exit in the child (ret 0, no entry of its own): exit_group keeps no return value */
static void ctf_exit_pairs_its_own_call(void)
{
    char dir[600];
    const char *d = fixture_dir("reuse", dir, sizeof dir);
    REQUIRE(d);
    static const fx_ev ev[] = {
        {0, 10, "sched_switch", 1, 10, "appA"},
        {0, 20, "syscall_entry_exit_group", 0, 0, NULL},
        {0, 30, "sched_switch", 10, 0, "swapper/0"},
        {0, 40, "sched_switch", 0, 10, "appB"},
        {0, 50, "syscall_exit_clone", 0, 0, NULL},
        {0, 60, "syscall_entry_read", 0, 0, NULL},
        {0, 70, "syscall_exit_read", 5, 0, NULL},
    };
    const char *classes[] = {"sched_switch", "syscall_entry_exit_group", "syscall_exit_clone",
                             "syscall_entry_read", "syscall_exit_read"};
    fx_write(dir, NULL, classes, 5, ev, 7, 1, 10, 0);
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 0, -1, NULL, "exit_group read"));
    CHECK(ctf_rets(dir, "- 5"));
}

/* A call entered before its CPU's first sched_switch, by the thread that switch names as
 * prev_tid: its exit, once that thread runs again, gives it its return value */
static void ctf_exit_after_first_switch(void)
{
    char dir[600];
    const char *d = fixture_dir("first", dir, sizeof dir);
    REQUIRE(d);
    static const fx_ev ev[] = {
        {0, 10, "syscall_entry_read", 0, 0, NULL},
        {0, 20, "sched_switch", 30, 10, "appA"},
        {0, 30, "sched_switch", 10, 30, "appC"},
        {0, 40, "syscall_exit_read", 9, 0, NULL},
    };
    const char *classes[] = {"sched_switch", "syscall_entry_read", "syscall_exit_read"};
    fx_write(dir, NULL, classes, 3, ev, 4, 1, 10, 0);
    CHECK(ctf_rets(dir, "9"));
}

/* LTTng < 2.6 names a 32-bit task's calls compat_sys_NAME; their exits are exit_syscall too */
static void ctf_old_compat_names(void)
{
    char dir[600];
    const char *d = fixture_dir("compat", dir, sizeof dir);
    REQUIRE(d);
    static const fx_ev ev[] = {
        {0, 10, "sched_switch", 1, 10, "app32"},
        {0, 20, "sys_read", 0, 0, NULL},
        {0, 30, "exit_syscall", 4, 0, NULL},
        {0, 40, "compat_sys_open", 0, 0, NULL},
        {0, 50, "exit_syscall", 3, 0, NULL},
    };
    const char *classes[] = {"sched_switch", "sys_read", "exit_syscall", "compat_sys_open"};
    fx_write(dir, NULL, classes, 4, ev, 5, 1, 10, 0);
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 0, -1, NULL, "read open"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, NULL, "read read open open"));
    CHECK(ctf_names(dir, TS_CTF_ALL, 0, -1, NULL, "sched_switch read read open open"));
    CHECK(ctf_rets(dir, "4 3"));
}

/* CPU 0: thread 200 (bash), not its process's leader (100), runs execve: from the exec on
 * it is 100, named after the program's basename cut to 15 bytes as the kernel's comm, with
 * its execve pending. CPU 1's thread is unknown until its exec names it (400, tool).
 * old: LTTng < 2.6 names (sys_NAME, one nameless exit_syscall) */
static void fx_exec(const char *dir, int old)
{
    static const fx_ev seq[] = {
        {0, 10, "sched_switch", 1, 200, "bash"},
        {1, 15, "e:execve", 0, 0, NULL},
        {0, 20, "e:execve", 0, 0, NULL},
        {1, 25, "sched_process_exec", 400, 400, "./tool"},
        {0, 30, "sched_process_exec", 100, 200, "/usr/local/bin/a-rather-long-program"},
        {1, 35, "x:execve", 0, 0, NULL},
        {0, 40, "x:execve", 0, 0, NULL},
        {1, 45, "e:write", 0, 0, NULL},
        {0, 50, "e:read", 0, 0, NULL},
        {0, 60, "x:read", 7, 0, NULL},
        {1, 65, "sched_switch", 400, 0, "swapper/1"},
        {0, 70, "sched_switch", 100, 300, "other"},
        {0, 80, "e:close", 0, 0, NULL},
    };
    size_t n = sizeof seq / sizeof *seq;
    fx_ev ev[16];
    char names[16][48];
    const char *classes[16];
    int nclass = fx_expand(seq, n, old, ev, names, classes);
    fx_write(dir, NULL, classes, nclass, ev, n, 2, 100, 0);
}

/* the thread and name of each event, as "tid:comm ..." (comm - when none) */
static int ctf_threads(const char *dir, const ts_ctf_opts *o, const char *want)
{
    ts_ctf_trace t;
    if (ts_ctf_load_fields(dir, o, &t)) {
        fprintf(stderr, "  %s\n", ts_error());
        return 0;
    }
    char got[512] = "";
    size_t k = 0;
    for (size_t i = 0; i < t.n && k < sizeof got; i++)
        k += (size_t)snprintf(got + k, sizeof got - k, "%s%lld:%s", i ? " " : "", (long long)t.tid[i],
                              t.comm[i] ? t.comm[i] : "-");
    ts_ctf_trace_free(&t);
    if (strcmp(got, want)) fprintf(stderr, "  threads '%s', want '%s'\n", got, want);
    return !strcmp(got, want);
}

/* sched_process_exec names the CPU's thread, and tells it (tid) where a thread other than
 * the leader runs execve or where the CPU's thread was not known yet */
static void ctf_exec_renames_thread(void)
{
    char dir[600];
    const char *d = fixture_dir("exec", dir, sizeof dir);
    REQUIRE(d);
    fx_exec(dir, 0);
    /* each execve entry under the old name, the calls after it under the new one */
    CHECK(ctf_threads(dir, NULL, "-1:- 200:bash 400:tool 100:a-rather-long-p 300:other"));
    /* both execve exits find their entry under the thread's new tid */
    CHECK(ctf_rets(dir, "0 0 - 7 -"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, NULL, "execve execve execve execve write read read close"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 0, -1, "a-rather-long-p", "read"));
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 0, -1, "bash", "execve"));
    /* the exec event itself is of the new name */
    CHECK(ctf_names(dir, TS_CTF_ALL, 0, -1, "tool", "sched_process_exec execve write"));
    ts_ctf_opts o = {NULL, 0, TS_CTF_ALL, 0, 0, 0};
    CHECK(ctf_threads(dir, &o, "200:bash 200:bash 100:a-rather-long-p 100:a-rather-long-p 100:a-rather-long-p "
                               "100:a-rather-long-p 300:other 300:other"));
    char cmd[1400], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --channels -o %s/ds", dir, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(in(d, "ds"), &m) == 0);
    REQUIRE(m.n == 5 && m.ch[TS_CH_COMM]);
    /* names by rank over the first 70 % (3 events): none, bash, tool */
    int32_t bash = ts_vocab_lookup(&m.comm_vocab, "bash"), tool = ts_vocab_lookup(&m.comm_vocab, "tool");
    CHECK(m.ch[TS_CH_COMM][0] == TS_CH_PAD && bash >= 2 && tool >= 2);
    CHECK(m.ch[TS_CH_COMM][1] == bash && m.ch[TS_CH_COMM][2] == tool && m.ch[TS_CH_COMM][3] == TS_CH_UNK);
    ts_mc_free(&m);
    /* LTTng < 2.6: the nameless exits are named after the pending execve, under the new tid */
    fx_exec(dir, 1);
    CHECK(ctf_names(dir, TS_CTF_SYSCALLS, 1, -1, NULL, "execve execve execve execve write read read close"));
    CHECK(ctf_threads(dir, NULL, "-1:- 200:bash 400:tool 100:a-rather-long-p 300:other"));
}

/* An exec whose new name the event does not tell leaves the thread nameless until the next
 * sched_switch: fexecve's /dev/fd/N (the name is N or the file's, by kernel version), or a
 * filename missing from the event; without a tid the CPU's thread stays */
static void ctf_exec_name_unknown(void)
{
    char dir[600];
    const char *d = fixture_dir("fexec", dir, sizeof dir);
    REQUIRE(d);
    static const fx_ev ev[] = {
        {0, 10, "sched_switch", 1, 200, "bash"},
        {0, 20, "syscall_entry_execve", 0, 0, NULL},
        {0, 30, "sched_process_exec", 200, 200, "/dev/fd/3"},
        {0, 40, "syscall_exit_execve", 0, 0, NULL},
        {0, 50, "syscall_entry_read", 0, 0, NULL},
        {0, 60, "sched_switch", 200, 300, "other"},
        {0, 70, "syscall_entry_close", 0, 0, NULL},
        {0, 80, "sched_process_exec", 100, 300, "/usr/bin/x"},
        {0, 90, "syscall_entry_write", 0, 0, NULL},
    };
    const char *classes[] = {"sched_switch", "syscall_entry_execve", "sched_process_exec", "syscall_exit_execve",
                             "syscall_entry_read", "syscall_entry_close", "syscall_entry_write"};
    fx_write(dir, NULL, classes, 7, ev, 9, 1, 10, 0);
    CHECK(ctf_threads(dir, NULL, "200:bash 200:- 300:other 100:x"));
    CHECK(ctf_rets(dir, "0 - - -"));
    /* the same bytes, the exec's filename and tid under other names */
    FILE *f = fopen(in(dir, "metadata"), "r+");
    REQUIRE(f);
    char meta[8192];
    size_t len = fread(meta, 1, sizeof meta - 1, f);
    meta[len] = 0;
    char *p = strstr(meta, "string filename; uint32_t tid;");
    REQUIRE(p);
    memcpy(p, "string pathname; uint32_t pid;", 30);
    rewind(f);
    fwrite(meta, 1, len, f);
    fclose(f);
    CHECK(ctf_threads(dir, NULL, "200:bash 200:- 300:other 300:-"));
    char cmd[1400], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --channels -o %s/ds", dir, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
}

/* A stream file shorter than its LTTng index says: a warning naming it and the bytes
 * missing (its complete packets are read), an error with --strict */
static void ctf_truncated_stream(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], tmp[700];
    snprintf(dir, sizeof dir, "%s/trunc", d);
    snprintf(tmp, sizeof tmp, "%s/tmp", d);
    mkdir(dir, 0755);
    mkdir(tmp, 0755);
    fx_threads(dir, 1, 1, 4);   /* CPU 0: 11 events in packets of 4, 4, 3 */
    struct stat sb;
    REQUIRE(stat(in(dir, "chan_0"), &sb) == 0);
    /* where CPU 0's third and last packet starts, from the index */
    FILE *fi = fopen(in(dir, "index/chan_0.idx"), "rb");
    REQUIRE(fi);
    unsigned char h[16 + 3 * 56];
    REQUIRE(fread(h, 1, sizeof h, fi) == sizeof h);
    fclose(fi);
    uint64_t third = 0;
    for (int i = 0; i < 8; i++) third = third << 8 | h[16 + 2 * 56 + i];
    REQUIRE(third > 0 && third < (uint64_t)sb.st_size);
    uint64_t full = (uint64_t)sb.st_size;

    /* cut at the third packet's start: babeltrace2 alone reads 2 of 3 packets silently */
    REQUIRE(truncate(in(dir, "chan_0"), (off_t)third) == 0);
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK(t.n_truncated == 1 && !strcmp(t.truncated[0].file, "chan_0"));
    CHECK(t.truncated[0].size == third && t.truncated[0].indexed == full);
    CHECK(t.truncated[0].packets == 3 && t.truncated[0].packets_missing == 1);
    /* CPU 0's last packet (write entry, switch, read exit) is gone; A's write exit on CPU 1
     * then has no entry */
    CHECK(names_are(t.names, t.n, "select close ppoll open ppoll read select close"));
    CHECK(t.unpaired_exits == 2);
    ts_ctf_trace_free(&t);
    char cmd[2000], err[512], want[128];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(want, sizeof want, "%llu of %llu bytes unread", (unsigned long long)(full - third),
             (unsigned long long)full);
    CHECK_MSG(strstr(err, "warning") && strstr(err, "chan_0") && strstr(err, want), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --strict -o %s/ds2", dir, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "error") && strstr(err, "chan_0") && strstr(err, want), "%s", err);
    CHECK(!ts_file_exists(in(in(d, "ds2"), "stream.txt")));

    /* cut inside the third packet: the complete packets are still read, through a temporary
     * copy that is removed afterwards */
    fx_threads(dir, 1, 1, 4);
    REQUIRE(truncate(in(dir, "chan_0"), (off_t)third + 10) == 0);
    setenv("TMPDIR", tmp, 1);
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    unsetenv("TMPDIR");
    CHECK(t.n_truncated == 1 && t.truncated[0].packets_missing == 1);
    CHECK(names_are(t.names, t.n, "select close ppoll open ppoll read select close"));
    ts_ctf_trace_free(&t);
    DIR *td = opendir(tmp);
    int left = 0;
    struct dirent *de;
    while (td && (de = readdir(td))) left += de->d_name[0] != '.';
    if (td) closedir(td);
    CHECK_MSG(left == 0, "%d entries left in %s", left, tmp);
    /* without the index, a cut inside a packet is babeltrace2's error, naming the file */
    unlink(in(dir, "index/chan_0.idx"));
    CHECK(ts_ctf_load(dir, &o, &t) == -1);
    CHECK_MSG(strstr(ts_error(), "chan_0"), "%s", ts_error());
}

/* A damaged index (a packet size flipped to exabytes, a content size past its packet) is not
 * trusted: it does not make a complete stream file look truncated, nor its packets skipped.
 * An offset out of sequence is babeltrace2's error (it reads at the index's offsets). */
static void ctf_damaged_index_ignored(void)
{
    char dir[600];
    const char *d = fixture_dir("idx", dir, sizeof dir);
    REQUIRE(d);
    fx_threads(dir, 1, 1, 4);   /* CPU 0: packets of 4, 4, 3 events, and an index */
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace good, t;
    REQUIRE(ts_ctf_load(dir, &o, &good) == 0);
    CHECK(good.n_truncated == 0);
    char idx[700];
    snprintf(idx, sizeof idx, "%s/index/chan_0.idx", dir);
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(idx, "r+b");
        REQUIRE(f);
        /* k 0: entry 0's packet size (bits) to 2^63 + 8; k 1: entry 1's offset + 1; k 2: entry 2's
         * content size past its packet */
        long at = k == 0 ? 16 + 8 : k == 1 ? 16 + 56 + 7 : 16 + 2 * 56 + 16;
        unsigned char b;
        REQUIRE(fseek(f, at, SEEK_SET) == 0 && fread(&b, 1, 1, f) == 1);
        b = k == 0 ? (unsigned char)(b | 0x80) : k == 1 ? (unsigned char)(b + 1) : 0x7f;
        REQUIRE(fseek(f, at, SEEK_SET) == 0 && fwrite(&b, 1, 1, f) == 1);
        fclose(f);
        int loaded = ts_ctf_load(dir, &o, &t) == 0;
        if (k == 1) {
            /* babeltrace2 reads at the index's offsets: one error naming the trace */
            CHECK_MSG(!loaded && strstr(ts_error(), dir), "case 1: %s", loaded ? "read" : ts_error());
            if (loaded) ts_ctf_trace_free(&t);
            fx_threads(dir, 1, 1, 4);
            continue;
        }
        CHECK_MSG(loaded, "case %d: %s", k, ts_error());
        if (!loaded) { fx_threads(dir, 1, 1, 4); continue; }
        CHECK_MSG(t.n_truncated == 0, "case %d: %zu truncated (%llu bytes indexed)", k, t.n_truncated,
                  t.n_truncated ? (unsigned long long)t.truncated[0].indexed : 0ULL);
        CHECK_MSG(t.n == good.n, "case %d: %zu events, %zu with the good index", k, t.n, good.n);
        ts_ctf_trace_free(&t);
        fx_threads(dir, 1, 1, 4);
    }
    ts_ctf_trace_free(&good);
}

/* An index whose entries are shorter than LTTng's (56 bytes in index 1.0) is not an index:
 * entries of 16 bytes (offset, packet size) that say CPU 0's file is twice its size do not
 * make it look truncated, and nothing is read past an entry */
static void ctf_short_index_entries_ignored(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], idx[700];
    snprintf(dir, sizeof dir, "%s/idx", d);
    snprintf(idx, sizeof idx, "%s/index/chan_0.idx", dir);
    mkdir(dir, 0755);
    fx_threads(dir, 1, 1, 4);   /* CPU 0: packets of 4, 4, 3 events, and an index */
    unsigned char h[16 + 3 * 56];
    FILE *f = fopen(idx, "rb");
    REQUIRE(f);
    REQUIRE(fread(h, 1, sizeof h, f) == sizeof h);
    fclose(f);
    f = fopen(idx, "wb");
    REQUIRE(f);
    be_put(f, 0xC1F1DCC1u, 4); be_put(f, 1, 4); be_put(f, 0, 4); be_put(f, 16, 4);
    uint64_t end = 0;
    for (int k = 0; k < 3; k++) {
        uint64_t off = 0, bits = 0;
        for (int i = 0; i < 8; i++) {
            off = off << 8 | h[16 + k * 56 + i];
            bits = bits << 8 | h[16 + k * 56 + 8 + i];
        }
        end = off + bits / 8;
        be_put(f, off, 8);
        be_put(f, bits, 8);
    }
    be_put(f, end, 8);          /* a fourth packet as long as the file */
    be_put(f, end * 8, 8);
    fclose(f);
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK_MSG(t.n_truncated == 0, "%zu truncated (%llu bytes indexed)", t.n_truncated,
              t.n_truncated ? (unsigned long long)t.truncated[0].indexed : 0ULL);
    CHECK(t.n == 11);
    ts_ctf_trace_free(&t);
}

/* reading a CTF trace into a log (stderr a file, not a terminal): its progress is whole
 * lines, as the progress bars write there, never a line redrawn with carriage returns.
 * The reading is held up (stopped and continued) so that it lasts past a second */
static void ctf_progress_in_a_log(void)
{
    const char *p = shared_path("traces/lttng/many-threads");
    if (!p) SKIP("../shared/traces/lttng/many-threads not present");
    if (access("/bin/kill", X_OK) != 0) SKIP("no /bin/kill to stop a process group");
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[4096], err[1200];
    snprintf(err, sizeof err, "%s/err", d);
    /* stopped (its process group: babeltrace2 reads in a child) for 0.3 s at a time, from
     * when setsid has made the group until the process ends */
    snprintf(cmd, sizeof cmd, "setsid %s ingest --from ctf '%s' --exits -o '%s/ds' 2>'%s' & p=$!; i=0; "
             "while [ $i -lt 100 ] && [ -e /proc/$p ] && [ \"$(cut -d' ' -f3 /proc/$p/stat)\" != Z ]; do "
             "if /bin/kill -STOP -- -$p 2>/dev/null; then sleep 0.3; /bin/kill -CONT -- -$p; sleep 0.05; "
             "else sleep 0.005; fi; i=$((i+1)); done; wait $p", bin, p, d, err);
    REQUIRE(system(cmd) == 0);
    FILE *f = fopen(err, "rb");
    REQUIRE(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    CHECK_MSG(!memchr(buf, '\r', n), "a carriage return in the log: %s", buf);
    CHECK_MSG(n == 0 || buf[n - 1] == '\n', "a line left open: %s", buf);
}

static void ctf_real_trace(void)
{
    const char *p = shared_path("traces/lttng/many-threads");
    if (!p) SKIP("../shared/traces/lttng/many-threads not present");
    char *dir = strdup(p);
    char **names;
    size_t n;
    uint64_t lost;
    REQUIRE(ts_ctf_read(dir, NULL, 0, &names, &n, &lost) == 0);
    /* babeltrace2 DIR | grep -c syscall_entry_ */
    CHECK(n == 78085 && lost == 0);
    CHECK(names_are(names, 4, "ioctl ioctl splice splice"));
    size_t clones = 0;
    for (size_t i = 0; i < n; i++) clones += !strcmp(names[i], "clone");
    CHECK(clones == 8003);
    free_names(names, n);
    /* entries and exits, as the study's PTS data hold them */
    REQUIRE(ts_ctf_read(dir, NULL, 1, &names, &n, &lost) == 0);
    CHECK_MSG(n == 156171, "%zu events", n);
    free_names(names, n);
    /* the tracer's consumer daemon alone: its thread is known from sched_switch */
    REQUIRE(ts_ctf_read(dir, "lttng-consumerd", 0, &names, &n, &lost) == 0);
    CHECK(n > 100 && n < 78085);
    size_t tracer_like = 0;
    for (size_t i = 0; i < n; i++)
        tracer_like += !strcmp(names[i], "ioctl") || !strcmp(names[i], "splice") ||
                       !strcmp(names[i], "sync_file_range") || !strcmp(names[i], "fadvise64") ||
                       !strcmp(names[i], "epoll_wait") || !strcmp(names[i], "poll");
    CHECK_MSG(tracer_like * 10 > n * 9, "%zu of %zu", tracer_like, n);
    for (size_t i = 0; i < n; i++) CHECK(strcmp(names[i], "clone") != 0);
    free_names(names, n);
    CHECK(ts_ctf_read(dir, "no-such-thread", 0, &names, &n, &lost) == -1);
    CHECK(strstr(ts_error(), "no system call entry events of threads named no-such-thread"));
    /* one CPU's stream, entries and exits: babeltrace2 DIR | grep "cpu_id = 3 }" | grep -c syscall_e */
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, 3, 0, 0};
    ts_ctf_trace t;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK_MSG(t.n == 13438, "%zu events", t.n);
    for (size_t i = 0; i < t.n; i++) CHECK(t.cpu[i] == 3);
    CHECK(!strcmp(t.arch, "x86_64") && !strcmp(t.arch_from, "events") && t.n_cpus == 8);
    ts_ctf_trace_free(&t);
    /* every event: as many as babeltrace2 prints, in time order, accounted per stream */
    o.cpu = -1;
    o.events = TS_CTF_ALL;
    REQUIRE(ts_ctf_load(dir, &o, &t) == 0);
    CHECK_MSG(t.n == 240644, "%zu events", t.n);
    uint64_t per_stream = 0;
    for (size_t i = 0; i < t.n_streams; i++) per_stream += t.streams[i].events;
    CHECK(t.n_streams == 8 && per_stream == t.n && t.lost == 0);
    size_t order = 0, switches = 0;
    for (size_t i = 1; i < t.n; i++) order += t.time_ns[i] < t.time_ns[i - 1];
    for (size_t i = 0; i < t.n; i++) switches += !strcmp(t.names[i], "sched_switch");
    CHECK(order == 0 && switches > 1000);
    ts_ctf_trace_free(&t);

    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1400], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", dir, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 78085 && !strcmp(ds.vocab.names[ds.vocab.n - 1], "<unk>"));
    CHECK(ts_vocab_lookup(&ds.vocab, "clone") < 10);
    ts_dataset_free(&ds);
    free(dir);
}

/* metadata text whose signature libbabeltrace2 reads ("/\* CTF %u.%u", scanf's spaces
 * matching any or none) is read, however it spaces it */
static void ctf_metadata_signature_spacing(void)
{
    static const char *const sig[] = {"/*CTF 1.8*/", "/*  CTF 1.8 */", "/*\tCTF\t1.8 */"};
    for (int i = 0; i < 3; i++) {
        char dir[400], name[32];
        snprintf(name, sizeof name, "sig%d", i);
        REQUIRE(fixture_dir(name, dir, sizeof dir));
        write_ctf(dir, 0);
        const char *meta = in(dir, "metadata");
        size_t l = strlen(ctf_meta) - strlen("/* CTF 1.8 */") + strlen(sig[i]) + 1;
        char *m = malloc(l);
        snprintf(m, l, "%s%s", sig[i], ctf_meta + strlen("/* CTF 1.8 */"));
        write_text(meta, m);
        free(m);
        char **names;
        size_t n;
        CHECK_MSG(ts_ctf_read(dir, NULL, 0, &names, &n, NULL) == 0, "%s: %s", sig[i], ts_error());
        if (!t_failed_now) free_names(names, n);
    }
}

static void ctf_errors(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char **names;
    size_t n;
    CHECK(ts_ctf_read(d, NULL, 0, &names, &n, NULL) == -1 && strstr(ts_error(), "not a CTF trace"));
    write_text(in(d, "metadata"), "this is not TSDL\n");
    CHECK(ts_ctf_read(d, NULL, 0, &names, &n, NULL) == -1);
    CHECK_MSG(strstr(ts_error(), d) && strstr(ts_error(), "/metadata: offset 0: not CTF metadata"), "%s", ts_error());
    char cmd[1200], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/ds", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tracesynth: error: ") == err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/metadata --comm x -o %s/ds", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--comm"));
}

/* ---- ftrace text ---- */

/* text written to a scratch file and read as ftrace: the loader's return; *path the file */
static int ftrace_text(const char *text, const ts_ctf_opts *o, const char *arch, ts_ctf_trace *t, char **notes,
                       const char **path)
{
    const char *d = scratch_dir();
    if (!d) return -2;
    static char p[600];
    snprintf(p, sizeof p, "%s/t.trace", d);
    write_text(p, text);
    if (path) *path = p;
    const char *const one[] = {p};
    char *nt = NULL;
    int rc = ts_ftrace_load(one, 1, o, arch, t, &nt);
    if (notes) *notes = nt;
    else free(nt);
    return rc;
}

static const char ftrace_head[] =
    "# tracer: nop\n"
    "#\n"
    "# entries-in-buffer/entries-written: 9/12   #P:4\n"
    "#\n"
    "#                                _-----=> irqs-off/BH-disabled\n"
    "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
    "#              | |         |   |||||     |         |\n";

/* the kernel's syscalls:* lines, libtraceevent's (trace-cmd report), the header, the markers */
static void ftrace_line_forms(void)
{
    char text[4096];
    snprintf(text, sizeof text, "%s"
             "            bash-1234    [002] d..2.  5678.123456: sys_openat(dfd: 0xffffff9c, filename: 0x5, flags: 0)\n"
             "            bash-1234    [002] .....  5678.123470: sys_openat -> 0x3\n"
             "          <idle>-0       [001] d..2.  5678.123500: sched_switch: prev_comm=swapper/1 prev_pid=0 ==> next_comm=a b-c next_pid=77\n"
             "           a b-c-77      [001] ....  5678.123600: sys_enter_read: fd: 0x00000003, buf: 0x1, count: 0x10\n"
             "CPU:1 [LOST 5 EVENTS]\n"
             "           a b-c-77      [001] ....  5678.123700: sys_exit_read: 0xfffffffffffffff5\n"
             "##### CPU 3 buffer started ####\n"
             " memfd:sealed-91-6129    [003] .....  5678.123800: sys_futex(uaddr: 0x1, op: 0x80)\n"
             "           <...>-88      [000] .....  5678.123900: sys_close(fd: 3)\n"
             "CPU:0 [LOST EVENTS]\n"
             "           <...>-88      [000] .....  5678.124000: sys_close -> 0x0\n", ftrace_head);
    ts_ctf_trace t;
    char *notes;
    REQUIRE(ftrace_text(text, NULL, "x86_64", &t, &notes, NULL) == 0);
    CHECK(names_are(t.names, t.n, "openat read futex close"));
    CHECK(t.time_ns[0] == 5678123456000LL && t.time_ns[3] == 5678123900000LL);
    CHECK(t.cpu[0] == 2 && t.cpu[1] == 1 && t.cpu[2] == 3 && t.cpu[3] == 0);
    CHECK(t.tid[0] == 1234 && t.tid[1] == 77 && t.tid[2] == 6129 && t.tid[3] == 88);
    CHECK(!strcmp(t.comm[0], "bash") && !strcmp(t.comm[1], "a b-c") && !strcmp(t.comm[2], "memfd:sealed-91"));
    CHECK(t.comm[3] == NULL);   /* "<...>": the name was not kept */
    /* the exits' values go to their entries; read's is after a gap on its CPU: not sure */
    CHECK(t.has_ret[0] && t.ret[0] == 3);
    CHECK(!t.has_ret[1] && !t.has_ret[2] && !t.has_ret[3]);
    /* four CPUs (#P), the gaps on theirs */
    CHECK(t.n_streams == 4 && t.n_cpus == 4 && t.lost == 5);
    CHECK(t.streams[1].n_discards == 1 && t.streams[1].discards[0].count == 5 && t.streams[1].discards[0].count_known);
    CHECK(t.streams[3].n_discards == 1 && !t.streams[3].discards[0].count_known);
    CHECK(t.streams[0].n_discards == 1 && !t.streams[0].discards[0].count_known && t.streams[2].n_discards == 0);
    CHECK_MSG(notes && strstr(notes, "wrote 12 events and kept 9: the 3 oldest were overwritten"), "%s", notes);
    CHECK(!strcmp(t.arch, "x86_64"));
    free(notes);
    ts_ctf_trace_free(&t);

    /* record-tgid's column, irq-info off, trace-cmd's header and its words for lost events */
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ftrace_text("cpus=2\n"
                        "CPU 1 is empty\n"
                        "            bash-10    (     10) [000] ..... 1.000001: sys_getpid()\n"
                        "            bash-10    (-------) [000] ..... 1.000002: sys_getpid -> 0xa\n"
                        "            bash-11    [001] 1.000003: sys_enter_getpid: \n"
                        "CPU:1 [7 EVENTS DROPPED]\n"
                        "            bash-11    [001] 1.000004: sys_exit_getpid: 0xb\n"
                        "CPU:0 [EVENTS DROPPED]\n"
                        "            bash-10    [000] 1.000005: sys_exit(error_code: 0)\n",
                        &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "getpid getpid getpid getpid exit"));
    CHECK(t.has_ret[0] && t.ret[0] == 10 && t.has_ret[1] && t.ret[1] == 10);
    CHECK(!t.has_ret[2] && t.has_ret[3] && t.ret[3] == 11);   /* lost events between them */
    CHECK(t.lost == 7 && t.n_streams == 2 && t.streams[0].n_discards == 1 && !t.streams[0].discards[0].count_known);
    ts_ctf_trace_free(&t);

    /* a thread whose name was set empty (prctl(PR_SET_NAME, "")): nothing before the '-' */
    REQUIRE(ftrace_text("                -23708   [000] ..... 75361.352820: sys_getppid()\n"
                        "                -23708   [000] ..... 75361.352884: sys_getppid -> 0x5c5d\n",
                        &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "getppid getppid") && t.tid[0] == 23708 && t.comm[0] && !strcmp(t.comm[0], ""));
    CHECK(t.has_ret[0] && t.ret[0] == 0x5c5d);
    ts_ctf_trace_free(&t);

    /* thread names that look like the line itself (a name is any 15 bytes): '-', digits,
     * blanks, brackets, ':' and a time; names printed right-aligned in 16 columns */
    static const char *const comms[] = {"a-1 [000] 1.0:", "b-2 (3) [0] 9:", "c-3 [001] d..2.", "d [00-4 [0]",
                                        "12-34", "e f-5 [0] 1.5: ", "worker-1", "kworker/u16:2", "memfd:x-1 [0]"};
    enum { NC = sizeof comms / sizeof *comms };
    char lines[NC * 160] = "", want[NC * 20] = "";
    for (int k = 0; k < NC; k++) {
        snprintf(lines + strlen(lines), sizeof lines - strlen(lines),
                 "%16s-%-7d [%03d] ..... 7.%06d: sys_getpid()\n", comms[k], 4500 + k, k % 3, k + 1);
        snprintf(want + strlen(want), sizeof want - strlen(want), "%sgetpid", k ? " " : "");
    }
    REQUIRE(ftrace_text(lines, NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, want));
    for (size_t k = 0; k < NC && k < t.n; k++)
        CHECK_MSG(t.tid[k] == 4500 + (int64_t)k && t.cpu[k] == (int32_t)k % 3 && t.comm[k] &&
                  !strcmp(t.comm[k], comms[k]) && t.time_ns[k] == 7000000000LL + 1000 * ((int64_t)k + 1),
                  "line %zu: '%s', tid %lld, CPU %d", k + 1, t.comm[k] ? t.comm[k] : "(none)", (long long)t.tid[k],
                  (int)t.cpu[k]);
    ts_ctf_trace_free(&t);
    /* unpadded (trace-cmd, by hand), with record-tgid's column, an empty name */
    REQUIRE(ftrace_text("a-1 [000] 1.0:-77 [001] 8.000001: sys_getpid()\n"
                        "b-2 (3) [0] 9:-78 (   78) [001] ..... 8.000002: sys_getpid()\n"
                        "-79 [000] 8.000003: sys_getpid()\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.n == 3 && t.tid[0] == 77 && t.tid[1] == 78 && t.tid[2] == 79 && t.cpu[0] == 1 && t.cpu[2] == 0);
    CHECK(t.n == 3 && !strcmp(t.comm[0], "a-1 [000] 1.0:") && !strcmp(t.comm[1], "b-2 (3) [0] 9:") && !strcmp(t.comm[2], ""));
    ts_ctf_trace_free(&t);
}

/* raw_syscalls: numbers named through the architecture's table; beside syscalls:* left out */
static void ftrace_raw_syscalls(void)
{
    static const char raw[] =
        "  ls-5 [000] ..... 2.000001: sys_enter: NR 257 (ffffff9c, 7ffd, 80000, 0, 0, 0)\n"
        "  ls-5 [000] ..... 2.000002: sys_exit: NR 257 = 3\n"
        "  ls-5 [000] ..... 2.000003: sys_enter: NR 4 (1, 2, 3, 4, 5, 6)\n"
        "  ls-5 [000] ..... 2.000004: sys_exit: NR 4 = -2\n"
        "  ls-5 [000] ..... 2.000005: sys_enter: NR 999 (0, 0, 0, 0, 0, 0)\n";
    ts_ctf_trace t;
    char *notes;
    REQUIRE(ftrace_text(raw, NULL, "x86_64", &t, &notes, NULL) == 0);
    CHECK(names_are(t.names, t.n, "openat newstat nr_999"));
    CHECK(t.has_ret[0] && t.ret[0] == 3 && t.has_ret[1] && t.ret[1] == -2 && !t.has_ret[2]);
    CHECK_MSG(notes && strstr(notes, "1 raw_syscalls event has a number the x86_64 table lacks (e.g. 999)"), "%s",
              notes);
    free(notes);
    ts_ctf_trace_free(&t);
    /* rt_sigreturn's exit has no number (NR -1): it is the exit of the thread's call */
    ts_ctf_opts ex = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ftrace_text("  ls-5 [000] ..... 2.000001: sys_enter: NR 15 (0, 0, 0, 0, 0, 0)\n"
                        "  ls-6 [001] ..... 2.000001: sys_exit: NR -1 = 0\n"
                        "  ls-5 [000] ..... 2.000002: sys_exit: NR -1 = 0\n"
                        "  ls-5 [000] ..... 2.000003: sys_enter: NR 39 (0, 0, 0, 0, 0, 0)\n"
                        "  ls-5 [000] ..... 2.000004: sys_exit: NR 39 = 5\n",
                        &ex, "x86_64", &t, &notes, NULL) == 0);
    CHECK_MSG(names_are(t.names, t.n, "rt_sigreturn nr_m1 rt_sigreturn getpid getpid"), "%s %s", t.names[1], t.names[2]);
    CHECK(t.has_ret[0] && t.ret[0] == 0 && t.has_ret[3] && t.ret[3] == 5);
    free(notes);
    ts_ctf_trace_free(&t);
    /* fill's reconstructed call in a raw_syscalls trace is no syscalls:* event: the raw ones stay */
    REQUIRE(ftrace_text("  ls-5 [000] ..... 2.000001: sys_enter: NR 257 (0, 0, 0, 0, 0, 0)\n"
                        "  ls-5 [000] ..... 2.000002: sys_exit: NR 257 = 3\n"
                        "CPU:0 [LOST 1 EVENTS]\n"
                        "  ls-5 [000] ..... 2.000003: tracesynth_reconstructed: event=sys_enter_getpid tid=5 next_tid=-1 "
                        "confidence=0.500 gap_count=1\n"
                        "  ls-5 [000] ..... 2.000004: sys_exit: NR 39 = 5\n"
                        "  ls-5 [000] ..... 2.000005: sys_enter: NR 3 (3, 0, 0, 0, 0, 0)\n",
                        NULL, "x86_64", &t, &notes, NULL) == 0);
    CHECK_MSG(names_are(t.names, t.n, "openat getpid close"), "%zu events", t.n);
    CHECK_MSG(notes && !strstr(notes, "left out"), "%s", notes);
    free(notes);
    ts_ctf_trace_free(&t);
    /* aarch64's numbers are asm-generic's: 56 is openat there */
    REQUIRE(ftrace_text("  ls-5 [000] ..... 2.000001: sys_enter: NR 56 (0)\n", NULL, "aarch64", &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "openat"));
    ts_ctf_trace_free(&t);
    /* no table: nr_NUMBER, said */
    REQUIRE(ftrace_text("  ls-5 [000] ..... 2.000001: sys_enter: NR 5 (0)\n", NULL, "arm", &t, &notes, NULL) == 0);
    CHECK(names_are(t.names, t.n, "nr_5"));
    CHECK_MSG(notes && strstr(notes, "numbers are known for x86_64 and aarch64"), "%s", notes);
    free(notes);
    ts_ctf_trace_free(&t);
    /* both kinds enabled: each call once */
    REQUIRE(ftrace_text("  ls-5 [000] ..... 2.000001: sys_openat(dfd: 0)\n"
                        "  ls-5 [000] ..... 2.000001: sys_enter: NR 257 (0)\n"
                        "  ls-5 [000] ..... 2.000002: sys_exit: NR 257 = 3\n"
                        "  ls-5 [000] ..... 2.000002: sys_openat -> 0x3\n", NULL, "x86_64", &t, &notes, NULL) == 0);
    CHECK(names_are(t.names, t.n, "openat") && t.has_ret[0] && t.ret[0] == 3);
    CHECK_MSG(notes && strstr(notes, "the 2 raw_syscalls ones are left out"), "%s", notes);
    free(notes);
    ts_ctf_trace_free(&t);
}

/* options/fields: each field by name, numbers in hex with their decimal value after them
 * ("ret=0xfffffffffffffffe (-2)"), the form raw_syscalls, syscalls:* and sched events take */
static void ftrace_fields_option(void)
{
    ts_ctf_trace t;
    char *notes = NULL;
    ts_ctf_opts ex = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    CHECK_MSG(ftrace_text("  sh-6784 [001] ..... 60800.492770: sys_enter: id=0x101 (257) args=<INVALID-SIZE>\n"
                            "  sh-6784 [001] ..... 60800.492771: sys_exit: id=0x101 (257) ret=0x3 (3)\n"
                            "  sh-6784 [001] ..... 60800.492772: sys_enter: id=0x4 (4) args=<INVALID-SIZE>\n"
                            "  sh-6784 [001] ..... 60800.492773: sys_exit: id=0x4 (4) ret=0xfffffffffffffffe (-2)\n",
                            &ex, "x86_64", &t, &notes, NULL) == 0, "%s", ts_error());
    if (t_failed_now) return;
    CHECK(names_are(t.names, t.n, "openat openat newstat newstat"));
    CHECK(t.has_ret[0] && t.ret[0] == 3 && t.has_ret[2] && t.ret[2] == -2);
    free(notes);
    ts_ctf_trace_free(&t);
    CHECK_MSG(ftrace_text("  sh-6784 [001] ..... 60800.492771: sys_enter_dup2: __syscall_nr=0x21 (33) oldfd=0xb (11) "
                            "newfd=0x1 (1)\n"
                            "  sh-6784 [001] ..... 60800.492772: sys_exit_dup2: __syscall_nr=0x21 (33) ret=0x1 (1)\n"
                            "  sh-6784 [001] ..... 60800.492790: sys_enter_newfstatat: __syscall_nr=0x106 (262) "
                            "dfd=0xffffff9c (4294967196) filename=(0xffff88810a8b501c) flag=0x0 (0)\n"
                            "  sh-6784 [001] ..... 60800.492791: sys_exit_newfstatat: __syscall_nr=0x106 (262) "
                            "ret=0xfffffffffffffffe (-2)\n",
                            &ex, "x86_64", &t, &notes, NULL) == 0, "%s", ts_error());
    if (t_failed_now) return;
    CHECK(names_are(t.names, t.n, "dup2 dup2 newfstatat newfstatat"));
    CHECK_MSG(t.has_ret[0] && t.ret[0] == 1 && t.has_ret[2] && t.ret[2] == -2, "%d %lld %d %lld", t.has_ret[0],
              (long long)t.ret[0], t.has_ret[2], (long long)t.ret[2]);
    free(notes);
    ts_ctf_trace_free(&t);
    /* a switch's threads, as gaps and fill read them */
    int64_t v = 0;
    static const char sw[] = "prev_comm=sh prev_pid=0x15a7 (5543) prev_prio=0x78 (120) next_comm=a next_pid=0x0 (0)";
    CHECK(ts__ftrace_arg_int(sw, sw + strlen(sw), "prev_pid", &v) == 0 && v == 5543);
    CHECK(ts__ftrace_arg_int(sw, sw + strlen(sw), "next_pid", &v) == 0 && v == 0);
    static const char neg[] = "ret=0xfffffffffffffffe (-2)";
    CHECK(ts__ftrace_arg_int(neg, neg + strlen(neg), "ret", &v) == 0 && v == -2);
    static const char bad[] = "pid=0x1a83 (6787";
    CHECK(ts__ftrace_arg_int(bad, bad + strlen(bad), "pid", &v) == -1);
}

/* the options: --exits, --events all, --cpu, --comm */
static void ftrace_options(void)
{
    static const char text[] =
        "  sh-1 [000] ..... 1.000001: sys_read(fd: 0)\n"
        "  py-2 [001] ..... 1.000002: sys_write(fd: 1)\n"
        "  py-2 [001] d..2. 1.000003: sched_switch: prev_comm=py prev_pid=2 ==> next_comm=x next_pid=3\n"
        "  sh-1 [001] ..... 1.000004: sys_read -> 0x1\n"        /* migrated while it slept */
        "  py-2 [000] ..... 1.000005: sys_write -> 0xffffffffffffffff\n";
    ts_ctf_trace t;
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ftrace_text(text, &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "read write read write"));
    CHECK(t.ret[0] == 1 && t.ret[1] == -1 && t.ret[2] == 1 && t.has_ret[3] && t.ret[3] == -1);
    ts_ctf_trace_free(&t);
    o = (ts_ctf_opts){NULL, 0, TS_CTF_ALL, -1, 0, 0};
    REQUIRE(ftrace_text(text, &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "read write sched_switch read write"));
    ts_ctf_trace_free(&t);
    o = (ts_ctf_opts){NULL, 1, TS_CTF_SYSCALLS, 1, 0, 0};
    REQUIRE(ftrace_text(text, &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "write read") && t.cpu[0] == 1 && t.cpu[1] == 1);
    CHECK(t.ret[0] == -1);   /* its exit, on CPU 0, still gives the value */
    ts_ctf_trace_free(&t);
    o = (ts_ctf_opts){"sh", 0, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ftrace_text(text, &o, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "read") && t.tid[0] == 1);
    ts_ctf_trace_free(&t);
    o = (ts_ctf_opts){"nobody", 0, TS_CTF_SYSCALLS, -1, 0, 0};
    CHECK(ftrace_text(text, &o, NULL, &t, NULL, NULL) == -1);
    CHECK_MSG(strstr(ts_error(), "no system call entry events of threads named nobody"), "%s", ts_error());
    o = (ts_ctf_opts){NULL, 0, TS_CTF_SYSCALLS, 5, 0, 0};
    CHECK(ftrace_text(text, &o, NULL, &t, NULL, NULL) == -1);
    CHECK_MSG(strstr(ts_error(), "no CPU 5 in the trace (its CPUs are 0..1)"), "%s", ts_error());
}

/* time order: CPUs read out of order (trace_pipe) are sorted; a CPU going back is an error;
 * times without a fraction (counter clocks) are counts; several files merge */
static void ftrace_time_order(void)
{
    ts_ctf_trace t;
    REQUIRE(ftrace_text("  a-1 [001] ..... 1.000010: sys_read(fd: 0)\n"
                        "  b-2 [000] ..... 1.000005: sys_write(fd: 0)\n"
                        "  a-1 [001] ..... 1.000020: sys_close(fd: 0)\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(names_are(t.names, t.n, "write read close"));
    CHECK(t.time_ns[0] == 1000005000 && t.time_ns[2] == 1000020000);
    ts_ctf_trace_free(&t);
    const char *path;
    CHECK(ftrace_text("  a-1 [001] ..... 1.000010: sys_read(fd: 0)\n"
                      "  a-1 [001] ..... 1.000009: sys_close(fd: 0)\n", NULL, NULL, &t, NULL, &path) == -1);
    char want[700];
    snprintf(want, sizeof want, "%s:2: the time goes back on CPU 1 (line 1's is later): '", path);
    CHECK_MSG(strstr(ts_error(), want) == ts_error(), "%s", ts_error());
    char *notes;
    REQUIRE(ftrace_text("  a-1 [001] .....     123456: sys_read(fd: 0)\n"
                        "  a-1 [001] .....     123470: sys_close(fd: 0)\n", NULL, NULL, &t, &notes, NULL) == 0);
    CHECK(t.time_ns[0] == 123456 && t.time_ns[1] == 123470);
    CHECK_MSG(notes && strstr(notes, "bare counts"), "%s", notes);
    free(notes);
    ts_ctf_trace_free(&t);
    /* precision beyond microseconds (trace-cmd report -t) */
    REQUIRE(ftrace_text("  a-1 [001] 5.123456789: sys_read(fd: 0)\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.time_ns[0] == 5123456789LL);
    ts_ctf_trace_free(&t);
    /* per_cpu/cpuN/trace files: merged by time */
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "c0"), "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000004: sys_read -> 0x0\n");
    write_text(in(d, "c1"), "  b-2 [001] ..... 1.000002: sys_write(fd: 0)\n  b-2 [001] ..... 1.000003: sys_write -> 0x1\n");
    char p0[600], p1[600];
    snprintf(p0, sizeof p0, "%s", in(d, "c0"));
    snprintf(p1, sizeof p1, "%s", in(d, "c1"));
    const char *const two[] = {p0, p1};
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ts_ftrace_load(two, 2, &o, NULL, &t, &notes) == 0);
    CHECK(names_are(t.names, t.n, "read write write read") && t.ret[0] == 0 && t.ret[1] == 1);
    free(notes);
    ts_ctf_trace_free(&t);
    /* a CPU that recorded nothing: its file holds the header alone (trace) or nothing
     * (trace_pipe); the others' events are read, the file named in a note. Alone, or when no
     * file has events, it is an error */
    static const char *const idle[] = {"# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:2\n#\n", ""};
    for (int k = 0; k < 2; k++) {
        write_text(in(d, "c1"), idle[k]);
        if (ts_ftrace_load(two, 2, &o, NULL, &t, &notes) != 0) {
            CHECK_MSG(0, "idle %d: %s", k, ts_error());
            continue;
        }
        CHECK(names_are(t.names, t.n, "read read") && t.ret[0] == 0);
        CHECK_MSG(notes && strstr(notes, "/c1: no ftrace event lines"), "%s", notes);
        free(notes);
        ts_ctf_trace_free(&t);
    }
    const char *const one_idle[] = {p1};
    CHECK(ts_ftrace_load(one_idle, 1, &o, NULL, &t, &notes) == -1 && strstr(ts_error(), "/c1: no ftrace event lines"));
    const char *const both_idle[] = {p1, p1};
    CHECK(ts_ftrace_load(both_idle, 2, &o, NULL, &t, &notes) == -1 && strstr(ts_error(), "no system call entry events"));
    /* two clocks cannot merge */
    write_text(in(d, "c1"), "  b-2 [001] ..... 1000002: sys_write(fd: 0)\n");
    CHECK(ts_ftrace_load(two, 2, &o, NULL, &t, &notes) == -1);
    CHECK_MSG(strstr(ts_error(), "two trace clocks cannot be merged"), "%s", ts_error());
    /* lost counts that fit in each file but not over the files (3 x (2^63 - 1000) wraps
     * 2^64): refused at the marker that passes 2^63 - 1, as within one file, not summed
     * into a total that wrapped (ingest warned of 9223372036854773384 lost) */
    char p2[600];
    const char *lines = "  a-1 [000] ..... 1.00000%d: sys_read(fd: 0)\nCPU:0 [LOST 9223372036854774807 EVENTS]\n"
                        "  a-1 [000] ..... 1.00000%d: sys_read -> 0x0\n";
    char text[256];
    for (int k = 0; k < 3; k++) {
        snprintf(text, sizeof text, lines, 2 * k + 1, 2 * k + 2);
        write_text(in(d, k == 0 ? "c0" : k == 1 ? "c1" : "c2"), text);
    }
    snprintf(p2, sizeof p2, "%s", in(d, "c2"));
    const char *const three[] = {p0, p1, p2};
    CHECK(ts_ftrace_load(three + 2, 1, &o, NULL, &t, &notes) == 0);   /* one: its count fits */
    free(notes);
    ts_ctf_trace_free(&t);
    CHECK(ts_ftrace_load(three, 3, &o, NULL, &t, &notes) == -1);
    CHECK_MSG(strstr(ts_error(), "/c1:2: ") && strstr(ts_error(), "2^63"), "%s", ts_error());
}

/* what is refused: one line naming the file and the line; a last line cut is left out */
static void ftrace_errors(void)
{
    static const struct { const char *text, *want; } bad[] = {
        {"", ": no ftrace event lines"},
        {"# tracer: nop\n#\n", ": no ftrace event lines"},
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\nhello world\n", ":2: not an ftrace event line"},
        {"# tracer: function\n", ":1: another tracer than nop"},
        {"# tracer: nop\n# nop latency trace v1.1.5 on 6.1\n", ":2: latency-format output is not read"},
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\n  a-1 [000] ..... 2: sys_read(fd: 0)\n", ":2: a time without its fraction"},
        {"  a-1 [000] ..... 1.0: do_sys_open <-__x64_sys_openat\n", ":1: not an event line ('NAME: ...' after the time)"},
        {"  a-1 [000] ..... 1.0: foo(x)\n", ":1: 'NAME(' that is no system call"},
        {"  a-1 [000] ..... 1.0: sys_read -> banana\n", ":1: malformed system call exit"},
        {"  a-1 [000] ..... 1.0: sys_exit: NR 0 = \n", ":1: malformed raw_syscalls exit"},
        {"  a-1 [000] ..... 1.0: sys_enter: 0 (1)\n", ":1: malformed raw_syscalls event"},
        {"  a-1 [000] ..... 1.0: sys_enter: NR 12x (1)\n", ":1: malformed raw_syscalls event"},
        /* a number past 64 bits was clamped to 2^63 - 1 (another call's number, named nr_9223372036854775807) */
        {"  a-1 [000] ..... 1.0: sys_enter: NR 99999999999999999999 (1)\n", ":1: a system call number outside 64 bits"},
        {"  a-1 [000] ..... 1.0: sys_enter: NR -99999999999999999999 (1)\n", ":1: a system call number outside 64 bits"},
        {"  a-1 [000] ..... 1.0: : x\n", ":1: no event name after the time"},
        {"0000000001 00000000 0000000000012a4f ...\n", ":1: not an ftrace event line"},
        {"12 1 5678 hello\n", ":1: not an ftrace event line"},
        /* the raw and hex options: PID, CPU and time, then each event's type number (or a
         * trace_marker's text), and without context-info the type number alone */
        {"# tracer: nop\n#\n1234 1 5678123456789 type: 312\n", ":3: looks like ftrace's raw output (options/raw set)"},
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\n1234 1 5678123456789 # ffffffff81234567 hi\n",
         ":2: looks like ftrace's raw output (options/raw set)"},
        {"# tracer: nop\n#\n000004d2 00000001 0000052a0a881915 type: 312\n\n",
         ":3: looks like ftrace's hex output (options/hex set)"},
        {"type: 312\ntype: 313\n", ":1: an event shown by its type number alone"},
        /* context-info off alone: the events' own text, no thread, CPU or time */
        {"sys_read(fd: 0, buf: 7ffd, count: 10)\n", ":1: a system call event without its context"},
        {"# tracer: nop\n#\nsys_enter: NR 0 (0, 7ffd, 10)\n", ":3: a system call event without its context"},
        {"sys_read -> 0xa\n", ":1: a system call event without its context"},
        {"sys_exit_read: 0xa\n", ":1: a system call event without its context"},
        {"  a-1 [000] ..... 1.0: sched_switch: x\n", ": no system call entry events"},
        /* times past 2^63 ns (or counts) were clamped, two times made one, a CPU's going back unseen */
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\n  a-1 [000] ..... 99999999999.000001: sys_read(fd: 0)\n",
         ":2: a time too large to read (2^63 ns or more)"},
        {"  a-1 [000] ..... 99999999999999999999: sys_read(fd: 0)\n  a-1 [000] ..... 99999999999999999998: sys_read(fd: 0)\n",
         ":1: a time too large to read (2^63 ns or more)"},
        /* a count of lost events past 2^63 was clamped to 2^63 - 1 and taken */
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\nCPU:0 [LOST 99999999999999999999 EVENTS]\n  a-1 [000] ..... 2.0: sys_read(fd: 0)\n",
         ":2: a count of lost events too large to read (2^63 - 1 or more)"},
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\nCPU:0 [99999999999999999999 EVENTS DROPPED]\n  a-1 [000] ..... 2.0: sys_read(fd: 0)\n",
         ":2: a count of lost events too large to read (2^63 - 1 or more)"},
        /* a marker of a CPU past the last read was "not an ftrace event line" */
        {"  a-1 [000] ..... 1.0: sys_read(fd: 0)\nCPU:99999 [LOST 6 EVENTS]\n  a-1 [000] ..... 2.0: sys_read(fd: 0)\n",
         ":2: a CPU number above 65535"},
        {"##### CPU 70000 buffer started ####\n  a-1 [000] ..... 1.0: sys_read(fd: 0)\n", ":1: a CPU number above 65535"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ts_ctf_trace t;
        const char *path;
        CHECK_MSG(ftrace_text(bad[i].text, NULL, NULL, &t, NULL, &path) == -1, "case %zu", i);
        const char *e = ts_error(), *p = strstr(e, path);
        CHECK_MSG(p == e && strstr(e + strlen(path), bad[i].want) == e + strlen(path), "case %zu: %s", i, e);
    }
    /* binary junk: NUL bytes, named with their place; other bytes make no event line */
    const char *d = scratch_dir();
    REQUIRE(d);
    unsigned char junk[512];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 37 + 11);
    write_bytes(in(d, "j"), junk, sizeof junk);
    const char *const one[] = {in(d, "j")};
    ts_ctf_trace t;
    char *notes;
    CHECK(ts_ftrace_load(one, 1, NULL, NULL, &t, &notes) == -1);
    CHECK_MSG(strstr(ts_error(), "/j: byte 0x00 (NUL) at line "), "%s", ts_error());
    junk[0] = 0x7f;
    for (size_t i = 0; i < sizeof junk; i++) if (!junk[i]) junk[i] = 'x';
    write_bytes(in(d, "j"), junk, sizeof junk);
    CHECK(ts_ftrace_load(one, 1, NULL, NULL, &t, &notes) == -1);
    CHECK_MSG(strstr(ts_error(), "/j:1: not an ftrace event line"), "%s", ts_error());
    /* its quote with the control bytes escaped (\\xNN), the error one line of text */
    int ctl = 0;
    for (const char *q = ts_error(); *q; q++) ctl += (unsigned char)*q < 0x20 || *q == 0x7f;
    CHECK_MSG(ctl == 0 && strstr(ts_error(), "\\x"), "%s", ts_error());
    /* the bin option: each event's PID, CPU and time in binary (4, 4 and 8 bytes, here 1234,
     * CPU 1 and 5678123456789, whose bytes hold a '\n'), then its type number as text */
    static const char bin[] = "# tracer: nop\n#\n"
                              "\xd2\x04\0\0\x01\0\0\0\x15\x19\x88\x0a\xa8\x2a\x05\0type: 312\n"
                              "\xd2\x04\0\0\x01\0\0\0\x16\x19\x88\x0a\xa8\x2a\x05\0type: 312\n";
    write_bytes(in(d, "j"), bin, sizeof bin - 1);
    CHECK(ts_ftrace_load(one, 1, NULL, NULL, &t, &notes) == -1);
    CHECK_MSG(strstr(ts_error(), "/j:3: looks like ftrace's bin output (options/bin set)"), "%s", ts_error());
    /* a last line cut while written: left out, said */
    REQUIRE(ftrace_text("  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000002: sys_re",
                        NULL, NULL, &t, &notes, NULL) == 0);
    CHECK(names_are(t.names, t.n, "read"));
    CHECK_MSG(notes && strstr(notes, ":2: the trace ends in the middle of this line: left out"), "%s", notes);
    free(notes);
    ts_ctf_trace_free(&t);
}

/* perf script's one thread column is the TID (-F tid, the default) or the PID (-F pid),
 * printed alike: a sched_switch whose thread switched out (prev_pid, a TID) is not the
 * line's shows the column is the PID, and the text is refused in one line naming the file,
 * the line and the field to print (it was read as threads, the process's threads made one);
 * the TID's column and PID/TID are read, as is a PID column where every thread is its
 * process's leader (each PID its TID: right, and no line can tell) */
static void perf_pid_column(void)
{
    static const char *const sw[2] = {
        "prev_comm=java prev_pid=%d prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120",
        "java:%d [120] S ==> swapper/0:0 [120]"};
    for (int form = 0; form < 2; form++)
        for (int col = 0; col < 4; col++) {
            /* col 0: the PID (100) of thread 101; 1: the TID; 2: PID/TID; 3: the PID of a leader */
            const int thread = col == 3 ? 100 : 101;
            char who[32], ev[256], text[1024];
            if (col == 2) snprintf(who, sizeof who, "100/%d", thread);
            else snprintf(who, sizeof who, "%d", col == 1 ? thread : 100);
            snprintf(ev, sizeof ev, sw[form], thread);
            snprintf(text, sizeof text, "            java %s [000] 1.000001: raw_syscalls:sys_enter: NR 39 (0)\n"
                     "            java %s [000] 1.000002: sched:sched_switch: %s\n"
                     "         swapper     0 [000] 1.000003: sched:sched_switch: prev_comm=swapper/0 prev_pid=0 "
                     "prev_prio=120 prev_state=R ==> next_comm=java next_pid=%d next_prio=120\n"
                     "            java %s [000] 1.000004: raw_syscalls:sys_enter: NR 39 (0)\n", who, who, ev, thread, who);
            ts_ctf_opts o = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
            ts_ctf_trace t;
            const char *path;
            char *notes = NULL;
            const int rc = ftrace_text(text, &o, "x86_64", &t, &notes, &path);
            free(notes);
            if (col == 0) {
                CHECK_MSG(rc == -1 && strstr(ts_error(), "t.trace:2: ") && strstr(ts_error(), "prev_pid") &&
                              strstr(ts_error(), "perf script -F tid") && !strchr(ts_error(), '\n'),
                          "form %d: %s", form, rc ? ts_error() : "read");
            } else {
                CHECK_MSG(rc == 0, "form %d, column %d: %s", form, col, ts_error());
            }
            if (rc == 0) ts_ctf_trace_free(&t);
        }
}

/* two getpid calls, the second at time `at` (the first at 1, in at's form), as perf
 * script's text (perf) or ftrace's, read into t; 0 / -1 */
static int two_calls_at(int perf, const char *at, ts_ctf_trace *t)
{
    char text[1024];
    const char *first = strchr(at, '.') ? "1.000000" : "1";
    if (perf)
        snprintf(text, sizeof text, "  ls  7 [000] %s: raw_syscalls:sys_enter: NR 39 (0)\n"
                 "  ls  7 [000] %s: raw_syscalls:sys_enter: NR 39 (0)\n", first, at);
    else
        snprintf(text, sizeof text, "  a-1 [000] ..... %s: sys_getpid()\n  a-1 [000] ..... %s: sys_getpid()\n", first,
                 at);
    const char *path;
    char *notes = NULL;
    const int rc = ftrace_text(text, NULL, "x86_64", t, &notes, &path);
    free(notes);
    return rc;
}

/* ftrace's and perf script's times (one reader) at the bound of 64 bits: up to 2^63 - 1 ns (seconds with
 * their digits past the nanosecond dropped, or a bare count) is read, 2^63 ns and more is
 * refused in one line naming the file and the line, however large the seconds (none wraps);
 * 2^63 - 1 itself was refused as the value that stood for one too large */
static void ftrace_time_bounds(void)
{
    static const char *const good[] = {"9223372036.854775807", "9223372036.8547758079999", "9223372036854775807"};
    static const char *const bad[] = {"9223372036.854775808", "9223372037.000000", "9223372036854775808",
                                      "18446744073.709551616", "18446744082.709551616",
                                      "18446744073709551616.000000", "99999999999999999999999"};
    for (int perf = 0; perf < 2; perf++) {
        for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
            ts_ctf_trace t;
            const int rc = two_calls_at(perf, good[i], &t);
            CHECK_MSG(rc == 0, "%s: %s", good[i], ts_error());
            if (rc) continue;
            CHECK_MSG(t.n == 2 && t.time_ns && t.time_ns[1] == INT64_MAX, "%s: %zu events, %lld", good[i], t.n,
                      t.time_ns ? (long long)t.time_ns[t.n - 1] : 0LL);
            ts_ctf_trace_free(&t);
        }
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            ts_ctf_trace t;
            const int rc = two_calls_at(perf, bad[i], &t);
            CHECK_MSG(rc == -1 && strstr(ts_error(), ":2: a time too large to read (2^63 ns or more)") &&
                          !strchr(ts_error(), '\n'),
                      "%s (%s): %s", bad[i], perf ? "perf" : "ftrace", rc ? ts_error() : "read");
            if (rc == 0) ts_ctf_trace_free(&t);
        }
    }
}

/* a real recording: trace_pipe read by a slow reader from a small buffer (syscalls:*,
 * sched_switch, sched_process_exec; python threads, a shell pipeline), with lost events */
static void ftrace_real_trace(void)
{
    const char *const one[] = {"tests/data/ftrace_pipe.trace.gz"};
    ts_ctf_trace t;
    char *notes;
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ts_ftrace_load(one, 1, &o, "x86_64", &t, &notes) == 0);
    CHECK(notes == NULL);
    CHECK_MSG(t.n == 4401, "%zu", t.n);   /* 2203 entries, 2198 exits */
    CHECK(t.lost == 18240 && t.n_streams == 2);
    CHECK(t.streams[0].discarded == 6968 && t.streams[0].n_discards == 6);
    CHECK(t.streams[1].discarded == 11272 && t.streams[1].n_discards == 9);
    size_t back = 0, unknown = 0, entries = 0, paired = 0;
    for (size_t i = 0; i < t.n; i++) {
        back += i && t.time_ns[i] < t.time_ns[i - 1];
        unknown += !strcmp(ts_syscall_subsystem_arch(t.names[i], TS_ARCH_X86_64), "unknown");
    }
    ts_ctf_trace_free(&t);
    CHECK(back == 0 && unknown == 0);
    o.exits = 0;
    REQUIRE(ts_ftrace_load(one, 1, &o, "x86_64", &t, &notes) == 0);
    for (size_t i = 0; i < t.n; i++) entries++, paired += t.has_ret[i];
    CHECK(entries == 2203);
    CHECK_MSG(paired > entries * 9 / 10, "%zu of %zu with a return value", paired, entries);
    ts_ctf_trace_free(&t);
}

/* how many times needle is in hay */
static size_t occurs(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *q = hay ? strstr(hay, needle) : NULL; q; q = strstr(q + 1, needle)) n++;
    return n;
}

/* tracefs's per_cpu/cpuN/trace repeats the whole trace's header: entries-in-buffer/
 * entries-written count every CPU's events (a real recording: 2 CPUs, an 8 KB buffer, the
 * trace file and both per-CPU files read with tracing off; per_cpu/cpuN/stats beside them
 * give each CPU's overrun, 2713 and 2939, which no trace file holds). One such file: the
 * note says the header's count is the whole trace's and this file's share is not known.
 * Several files of the trace: the count once, as the whole trace's when they hold all its
 * CPUs. The trace file itself: its own count, as before */
static void ftrace_per_cpu_overwritten(void)
{
    const char *c0 = "tests/data/ftrace_per_cpu/cpu0.trace.gz", *c1 = "tests/data/ftrace_per_cpu/cpu1.trace.gz";
    ts_ctf_trace t;
    char *notes = NULL;
    ts_ctf_opts o = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    REQUIRE(ts_ftrace_load((const char *const[]){c0}, 1, &o, "x86_64", &t, &notes) == 0);
    CHECK(t.n == 323);
    CHECK_MSG(occurs(notes, "overwritten") == 1 && !strstr(notes, "kept 564: the 5652") &&
                  strstr(notes, "cpu0.trace.gz (CPU 0's events alone): its header counts the whole trace, all 2 CPUs "
                                "(#P:2): the tracer wrote 6216 events and kept 564 (this file holds 323 of them): the "
                                "5652 oldest were overwritten before the trace was read, and how many of them were "
                                "CPU 0's the header cannot tell (per_cpu/cpu0/stats' overrun: line counts them"),
              "%s", notes ? notes : "(none)");
    free(notes);
    ts_ctf_trace_free(&t);
    /* both: the whole trace, its count once */
    notes = NULL;
    REQUIRE(ts_ftrace_load((const char *const[]){c0, c1}, 2, &o, "x86_64", &t, &notes) == 0);
    CHECK(t.n == 323 + 241);
    CHECK_MSG(occurs(notes, "overwritten") == 1 && occurs(notes, "5652") == 1 &&
                  strstr(notes, "cpu0.trace.gz and 1 more per-CPU file of the same trace (CPUs 0..1), whose headers "
                                "each count the whole trace: the tracer wrote 6216 events and kept 564: the 5652 oldest "
                                "were overwritten before the trace was read"),
              "%s", notes ? notes : "(none)");
    free(notes);
    ts_ctf_trace_free(&t);
    notes = NULL;
    REQUIRE(ts_ftrace_load((const char *const[]){"tests/data/ftrace_per_cpu/trace.gz"}, 1, &o, "x86_64", &t, &notes) == 0);
    CHECK(t.n == 323 + 241);
    CHECK_MSG(occurs(notes, "overwritten") == 1 &&
                  strstr(notes, "trace.gz: the tracer wrote 6216 events and kept 564: the 5652 oldest were overwritten"),
              "%s", notes ? notes : "(none)");
    free(notes);
    ts_ctf_trace_free(&t);
    /* two of four CPUs' files: once, and not as theirs; a CPU's file that kept nothing
     * joins them */
    const char *d = scratch_dir();
    REQUIRE(d);
    static const char head[] = "# tracer: nop\n#\n# entries-in-buffer/entries-written: 8/20   #P:4\n#\n";
    char text[1024], p0[600], p2[600], p3[600];
    snprintf(p0, sizeof p0, "%s", in(d, "cpu0"));
    snprintf(p2, sizeof p2, "%s", in(d, "cpu2"));
    snprintf(p3, sizeof p3, "%s", in(d, "cpu3"));
    snprintf(text, sizeof text, "%s  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000004: sys_read -> 0x0\n", head);
    write_text(p0, text);
    snprintf(text, sizeof text, "%s  b-2 [002] ..... 1.000002: sys_write(fd: 0)\n  b-2 [002] ..... 1.000003: sys_write -> 0x1\n"
                                "  b-2 [002] ..... 1.000005: sys_close(fd: 0)\n", head);
    write_text(p2, text);
    write_text(p3, head);
    notes = NULL;
    REQUIRE(ts_ftrace_load((const char *const[]){p0, p2, p3}, 3, &o, NULL, &t, &notes) == 0);
    CHECK_MSG(occurs(notes, "overwritten") == 1 && occurs(notes, "12 oldest") == 1 &&
                  strstr(notes, "/cpu0 and 2 more per-CPU files of the same trace (CPUs 0, 2's events alone): their "
                                "headers count the whole trace, all 4 CPUs (#P:4): the tracer wrote 20 events and kept 8 "
                                "(these files hold 5 of them): the 12 oldest were overwritten before the trace was read, "
                                "and how many of them were CPUs 0, 2's the headers cannot tell"),
              "%s", notes ? notes : "(none)");
    free(notes);
    ts_ctf_trace_free(&t);
    /* a trace whose events are all on one CPU, every one the header counts: its own */
    snprintf(text, sizeof text, "# tracer: nop\n#\n# entries-in-buffer/entries-written: 2/9   #P:4\n#\n"
                                "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000004: sys_read -> 0x0\n");
    notes = NULL;
    REQUIRE(ftrace_text(text, &o, NULL, &t, &notes, NULL) == 0);
    CHECK_MSG(notes && strstr(notes, "t.trace: the tracer wrote 9 events and kept 2: the 7 oldest were overwritten") &&
                  !strstr(notes, "whole trace"), "%s", notes ? notes : "(none)");
    free(notes);
    ts_ctf_trace_free(&t);
}

/* a scratch folder holding two ID files of other events, a.txt (300 IDs) and b.txt (250),
 * for the tests of a dataset whose events an ingest replaces; NULL where it cannot */
static const char *two_id_files(void)
{
    const char *d = scratch_dir();
    if (!d) return NULL;
    FILE *f = fopen(in(d, "a.txt"), "w");
    if (!f) return NULL;
    for (int i = 0; i < 300; i++) fprintf(f, "%d ", i * 7 % 6);
    if (fclose(f) != 0 || !(f = fopen(in(d, "b.txt"), "w"))) return NULL;
    for (int i = 0; i < 250; i++) fprintf(f, "%d ", i * 3 % 5);
    return fclose(f) == 0 ? d : NULL;
}
/* ingest over a dataset that holds a split of it (split ds -o ds/split): a new stream
 * leaves that split describing the old one, which ingest says, naming it; the folder is
 * the user's and stays. The same stream again says nothing */
static void reingest_warns_of_split(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[1600], err[1024];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);   /* the same stream */
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(!strstr(err, "warning"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/ds", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    char want[700];
    snprintf(want, sizeof want, "warning: %s/ds/split: a split of the stream this ingest replaced", d);
    CHECK_MSG(strstr(err, want) && strstr(err, "split ") && !strchr(err, '\n'), "%s", err);
    CHECK(ts_file_exists(in(d, "ds/split/testing")));
}

/* the warning's command to make a split again is quoted for the shell, as the split check's
 * error quotes it: a dataset named with a space and a quote; it spells out the --length the
 * split was made with, which split requires */
static void reingest_warning_quotes_paths(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[1600], err[2048], want[1200];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o \"%s/it's a ds\"", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split \"%s/it's a ds\" --length 20 --windows 20 -o \"%s/it's a ds/sp 1\"", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o \"%s/it's a ds\"", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(want, sizeof want, "tracesynth split '%s/it'\\''s a ds' --length 20 -o '%s/it'\\''s a ds/sp 1',", d, d);
    CHECK_MSG(strstr(err, "warning: ") && strstr(err, want), "%s\nwanted: %s", err, want);
}

/* an ingest that replaces a dataset's events warns of the splits inside its folder that hold
 * the old events' windows, not of a split of another dataset kept there (it holds that
 * dataset's windows, still read as they are; the advice, to split this dataset into it,
 * would replace them) */
static void reingest_warns_of_its_splits_only(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[1600], err[4096], out[4096];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/dsa", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/dsb", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/dsa --length 20 --windows 20 -o %s/dsb/split-a", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/dsb --length 20 --windows 20 -o %s/dsb/split-b", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/dsb", d, d);
    CHECK(run_output(cmd, out, sizeof out) == 0);
    char want[700];
    snprintf(want, sizeof want, "warning: %s/dsb/split-b: a split of the stream this ingest replaced", d);
    CHECK_MSG(strstr(out, want) && !strstr(out, "split-a"), "%s", out);
    snprintf(cmd, sizeof cmd, "audit --train %s/dsa --test %s/dsb/split-a/testing", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* a split whose dataset's events changed (an ingest into the same folder) is refused by
 * every command that reads its files, in one line naming its split.txt and saying to make
 * it again: they read the old events' windows as the dataset's. The same events ingested
 * again, a split made again and a split that keeps no record of its events (made before
 * splits kept one) are read as before */
static void stale_split_refused(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    FILE *f;
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/sp", d, d);   /* one outside it too */
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 20 --windows 20 -o %s/m.tsm", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    char reads[8][1200];
    snprintf(reads[0], sizeof reads[0], "impute %s/m.tsm --input %s/ds/split/testing --blackout 4", d, d);
    snprintf(reads[1], sizeof reads[1], "score %s/m.tsm --input %s/ds/split/testing", d, d);
    snprintf(reads[2], sizeof reads[2], "eval --real %s/ds/split/testing --synthetic %s/ds/split/validation", d, d);
    snprintf(reads[3], sizeof reads[3], "eval --real %s/ds --synthetic %s/ds/split/training --train %s/ds/split/train_stream.txt",
             d, d, d);
    snprintf(reads[4], sizeof reads[4], "audit --train %s/ds --test %s/ds/split/testing", d, d);
    snprintf(reads[5], sizeof reads[5], "score %s/m.tsm --input %s/sp/testing", d, d);
    /* a split's files read as a stream (ts_seq_read) */
    snprintf(reads[6], sizeof reads[6], "ingest --from ids %s/ds/split/train_stream.txt -o %s/again", d, d);
    snprintf(reads[7], sizeof reads[7], "ingest --from ids %s/sp/testing -o %s/again2", d, d);
    for (int k = 0; k < 8; k++) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    /* the same events again: nothing changed */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int k = 0; k < 8; k++) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    /* other events */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int k = 0; k < 8; k++) {
        char want[700];
        snprintf(want, sizeof want, "%s/%s/split.txt: ", d, k == 5 || k == 7 ? "sp" : "ds/split");
        const int rc = run_cli(reads[k], err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want) && strstr(err, "tracesynth split") && !strchr(err, '\n'), "%s: exit %d: %s",
                  reads[k], rc, err);
    }
    /* made again: read again */
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int k = 0; k < 7; k++)
        if (k != 5) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    /* the library's readers of a stream and of a window file refuse the stale split's files */
    ts_seq q;
    ts_windows w;
    CHECK(ts_seq_read(in(d, "sp/train_stream.txt"), &q) == -1 && strstr(ts_error(), "sp/split.txt: "));
    CHECK(ts_windows_read(in(d, "sp/testing"), &w) == -1 && strstr(ts_error(), "sp/split.txt: "));
    CHECK(ts_seq_read(in(d, "ds/split/train_stream.txt"), &q) == 0);
    ts_seq_free(&q);
    /* a split that keeps no record of its events (older than the record) is read as before */
    char txt[700], keep[4096] = "", line[1024];
    snprintf(txt, sizeof txt, "%s/sp/split.txt", d);
    REQUIRE((f = fopen(txt, "r")) != NULL);
    int had = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "stream_crc=", 11) || !strncmp(line, "dataset_dir=", 12)) had++;
        else strncat(keep, line, sizeof keep - strlen(keep) - 1);
    }
    fclose(f);
    CHECK(had == 2);
    write_text(txt, keep);
    CHECK_MSG(run_cli(reads[5], err, sizeof err) == 0, "%s: %s", reads[5], err);
    CHECK_MSG(run_cli(reads[7], err, sizeof err) == 0, "%s: %s", reads[7], err);
}

/* the file at path cut to its first k lines, in place */
static void keep_lines(const char *path, int k)
{
    char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f) {   /* (REQUIRE would return after any earlier failure of the test) */
        CHECK(f != NULL);
        return;
    }
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    size_t end = n;
    for (size_t i = 0, lines = 0; i < n; i++)
        if (buf[i] == '\n' && ++lines == (size_t)k) {
            end = i + 1;
            break;
        }
    buf[end] = 0;
    write_text(path, buf);
}

/* the split.txt at txt without its lines of the keys named (each "KEY=") */
static void drop_keys(const char *txt, const char *const *keys, int nk)
{
    char keep[4096] = "", line[1024];
    FILE *f = fopen(txt, "r");
    if (!f) {
        CHECK(f != NULL);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        int drop = 0;
        for (int i = 0; i < nk; i++) drop |= !strncmp(line, keys[i], strlen(keys[i]));
        if (!drop) strncat(keep, line, sizeof keep - strlen(keep) - 1);
    }
    fclose(f);
    write_text(txt, keep);
}

/* a split's window file cut at a line boundary, or a one-window file cut at an ID boundary,
 * still reads as whole windows: every reader of the split's files compares their count and
 * window length with those its split.txt records, and refuses a file that differs in one
 * line naming it and the record. A split.txt that records no count (nor length) is read as
 * before */
static void split_part_cut_refused(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024], want[2400], sp[600], txt[620];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 1 -o %s/one", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 20 --windows 20 -o %s/m.tsm", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(sp, sizeof sp, "%s/ds/split", d);
    snprintf(txt, sizeof txt, "%s/split.txt", sp);
    char reads[4][1600];
    snprintf(reads[0], sizeof reads[0], "score %s/m.tsm --input %s/testing", d, sp);
    snprintf(reads[1], sizeof reads[1], "impute %s/m.tsm --input %s/testing --blackout 4", d, sp);
    snprintf(reads[2], sizeof reads[2], "audit --train %s/ds --test %s/testing", d, sp);
    snprintf(reads[3], sizeof reads[3], "eval --real %s/testing --synthetic %s/validation", sp, sp);
    for (int k = 0; k < 4; k++) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    ts_windows w;
    CHECK(ts_windows_read(in(sp, "testing"), &w) == 0 && w.n == 20 && w.len == 20);
    ts_windows_free(&w);
    /* testing cut at a line boundary: 12 whole windows */
    char whole[3][1 << 14];
    const char *part[3] = {"testing", "validation", "training"};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(in(sp, part[k]), "r");
        REQUIRE(f);
        whole[k][fread(whole[k], 1, sizeof whole[k] - 1, f)] = 0;
        fclose(f);
    }
    keep_lines(in(sp, "testing"), 12);
    snprintf(want, sizeof want, "%s/testing: 12 windows, but %s records 20: a file cut short", sp, txt);
    for (int k = 0; k < 4; k++) {
        const int rc = run_cli(reads[k], err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want) && !strchr(err, '\n'), "%s: exit %d: %s", reads[k], rc, err);
    }
    CHECK(ts_windows_read(in(sp, "testing"), &w) == -1 && strstr(ts_error(), want));
    CHECK(ts_windows_load(in(sp, "testing"), -1, 0, &w) == -1 && strstr(ts_error(), want));
    /* through a link: the file as given, the record where it leads */
    REQUIRE(symlink(in(sp, "testing"), in(d, "link")) == 0);
    snprintf(cmd, sizeof cmd, "score %s/m.tsm --input %s/link", d, d);
    snprintf(want, sizeof want, "%s/link: 12 windows, but %s records 20: ", d, txt);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
    write_text(in(sp, "testing"), whole[0]);
    /* validation and training alike */
    keep_lines(in(sp, "validation"), 19);
    snprintf(want, sizeof want, "%s/validation: 19 windows, but %s records 20: ", sp, txt);
    rc = run_cli(reads[3], err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", reads[3], rc, err);
    write_text(in(sp, "validation"), whole[1]);
    CHECK(ts_windows_read(in(sp, "training"), &w) == 0);
    const size_t nt = w.n;
    ts_windows_free(&w);
    keep_lines(in(sp, "training"), 5);
    snprintf(want, sizeof want, "%s/training: 5 windows, but %s records %zu: ", sp, txt, nt);
    snprintf(cmd, sizeof cmd, "eval --real %s/ds --synthetic %s/training", d, sp);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
    write_text(in(sp, "training"), whole[2]);
    for (int k = 0; k < 4; k++) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    /* a one-window file cut at an ID boundary (after its 19th ID, with a newline) */
    char one[600];
    snprintf(one, sizeof one, "%s/one", d);
    CHECK(ts_windows_read(in(one, "testing"), &w) == 0 && w.n == 1);
    ts_windows_free(&w);
    FILE *f = fopen(in(one, "testing"), "r");
    REQUIRE(f);
    char line[256] = "";
    REQUIRE(fgets(line, sizeof line, f));
    fclose(f);
    char *c = line;
    for (int i = 0; i < 19; i++) c = strchr(c, ',') + 1;
    c[-1] = '\n';
    *c = 0;
    write_text(in(one, "testing"), line);
    snprintf(cmd, sizeof cmd, "score %s/m.tsm --input %s/testing", d, one);
    snprintf(want, sizeof want, "%s/testing: windows of 19 IDs, but %s/split.txt records length=20: a file cut short",
             one, one);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want) && !strchr(err, '\n'), "%s: exit %d: %s", cmd, rc, err);
    /* a record without the counts of each held-out part (older than them): windows=, the
     * count of both parts of a time split, is compared */
    keep_lines(in(sp, "testing"), 12);
    static const char *const parts[] = {"validation_windows=", "test_windows="};
    drop_keys(txt, parts, 2);
    snprintf(want, sizeof want, "%s/testing: 12 windows, but %s records 20: ", sp, txt);
    rc = run_cli(reads[0], err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", reads[0], rc, err);
    /* a record without any count or length: read as before */
    static const char *const all[] = {"windows=", "train_windows=", "length="};
    drop_keys(txt, all, 3);
    drop_keys(in(one, "split.txt"), all, 3);
    CHECK_MSG(run_cli(reads[0], err, sizeof err) == 0, "%s: %s", reads[0], err);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* a split's train_stream.txt cut at an ID boundary (with its newline) still reads as a
 * stream: every reader compares its events with train_stream_events=, which split.txt
 * records, as a stream (eval --train, ingest --from ids) and as a window; a part's window
 * file read as a stream is compared as its windows are. A record without the count is read
 * as before */
static void split_stream_cut_refused(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024], want[2400], sp[600];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(sp, sizeof sp, "%s/ds/split", d);
    char reads[4][1600];
    snprintf(reads[0], sizeof reads[0], "eval --real %s/ds --synthetic %s/testing --train %s/train_stream.txt", d, sp, sp);
    snprintf(reads[1], sizeof reads[1], "ingest --from ids %s/train_stream.txt -o %s/again", sp, d);
    snprintf(reads[2], sizeof reads[2], "audit --train %s/train_stream.txt --test %s/testing", sp, sp);
    snprintf(reads[3], sizeof reads[3], "ingest --from ids %s/testing -o %s/again2", sp, d);
    for (int k = 0; k < 4; k++) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
    ts_seq q;
    CHECK(ts_seq_read(in(sp, "train_stream.txt"), &q) == 0 && q.n == 210);
    ts_seq_free(&q);
    /* cut after its 150th ID, a newline after it */
    FILE *f = fopen(in(sp, "train_stream.txt"), "r");
    REQUIRE(f);
    char line[4096] = "";
    REQUIRE(fgets(line, sizeof line, f));
    fclose(f);
    char *c = line;
    for (int i = 0; i < 150; i++) c = strchr(c, ',') + 1;
    c[-1] = '\n';
    *c = 0;
    write_text(in(sp, "train_stream.txt"), line);
    snprintf(want, sizeof want, "%s/train_stream.txt: 150 events, but %s/split.txt records 210 (train_stream_events=): "
             "a file cut short", sp, sp);
    for (int k = 0; k < 3; k++) {
        const int rc = run_cli(reads[k], err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want) && !strchr(err, '\n'), "%s: exit %d: %s", reads[k], rc, err);
    }
    CHECK(ts_seq_read(in(sp, "train_stream.txt"), &q) == -1 && strstr(ts_error(), want));
    /* testing cut at a line boundary, read as a stream */
    keep_lines(in(sp, "testing"), 12);
    snprintf(want, sizeof want, "%s/testing: 12 windows, but %s/split.txt records 20: ", sp, sp);
    int rc = run_cli(reads[3], err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", reads[3], rc, err);
    /* a record without the counts: read as before */
    static const char *const counts[] = {"windows=", "test_windows=", "train_stream_events="};
    drop_keys(in(sp, "split.txt"), counts, 3);
    for (int k = 0; k < 4; k += 3) CHECK_MSG(run_cli(reads[k], err, sizeof err) == 0, "%s: %s", reads[k], err);
}

/* a dataset moved or copied with its split inside it: the split is still of the events
 * beside it and is read, though another dataset now has the folder split.txt recorded; a
 * split whose own dataset's events then change is refused again */
static void moved_split_read(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024], from[700], to[700];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(from, sizeof from, "%s/ds", d);
    snprintf(to, sizeof to, "%s/moved", d);
    REQUIRE(rename(from, to) == 0);
    snprintf(cmd, sizeof cmd, "cp -r %s/moved %s/copy", d, d);
    REQUIRE(system(cmd) == 0);
    /* other events where the dataset was */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const at[2] = {"moved", "copy"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "audit --train %s/%s --test %s/%s/split/testing", d, at[k], d, at[k]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
    /* the moved dataset's own events change: its split is refused */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/moved", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/moved --test %s/moved/split/testing", d, d);
    char want[800];
    snprintf(want, sizeof want, "%s/moved/split/split.txt: ", d);
    const int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
    /* the folder split.txt names is gone (moved, and nothing made there since), and the
     * dataset that holds the split then gets other events: refused, naming that dataset,
     * the command to make it again quoted for the shell (a space in the name), with the
     * --length it was made with (split requires one) */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds2", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds2 --length 20 --windows 20 -o %s/ds2/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(from, sizeof from, "%s/ds2", d);
    snprintf(to, sizeof to, "%s/a b", d);
    REQUIRE(rename(from, to) == 0);
    snprintf(cmd, sizeof cmd, "audit --train '%s/a b' --test '%s/a b/split/testing'", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o '%s/a b'", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "audit --train '%s/a b' --test '%s/a b/split/testing'", d, d);
    char quoted[800];
    snprintf(want, sizeof want, "the events of %s/a b have changed", d);
    snprintf(quoted, sizeof quoted, "tracesynth split '%s/a b' --length 20 -o '%s/a b/split'", d, d);
    const int rc2 = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc2 == 1 && strstr(err, want) && strstr(err, quoted), "%s: exit %d: %s", cmd, rc2, err);
}

/* a dataset copied with its split inside it (cp -r ds copy) while ds stays as it was: the
 * copy's split is the copy's, so once the copy's events are replaced ingest says so and the
 * split's files are refused, naming the copy; ds's own split is still read */
static void copied_split_stale(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024], want[800], out[4096];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 20 --windows 20 -o %s/ds/split", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "cp -r %s/ds %s/copy", d, d);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/copy --test %s/copy/split/testing", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/copy", d, d);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    snprintf(want, sizeof want, "warning: %s/copy/split: a split of the stream this ingest replaced", d);
    CHECK_MSG(strstr(out, want), "%s: %s", cmd, out);
    snprintf(cmd, sizeof cmd, "audit --train %s/copy --test %s/copy/split/testing", d, d);
    snprintf(want, sizeof want, "%s/copy/split/split.txt: the events of %s/copy have changed", d, d);
    const int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want) && strstr(err, "tracesynth split"), "%s: exit %d: %s", cmd, rc, err);
    snprintf(cmd, sizeof cmd, "audit --train %s/ds --test %s/ds/split/testing", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* a split of one dataset kept in another dataset's folder is that dataset's no more than
 * any folder's: once its own dataset is moved away or removed, it is read as before (not
 * checked against the folder's events, nor said to be of them); when its own dataset's
 * events change, it is refused, naming that dataset */
static void split_in_other_dataset(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024], from[700], to[700], want[800];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/dsa", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/dsb", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/dsa --length 20 --windows 20 -o %s/dsb/split-a", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/dsa --test %s/dsb/split-a/testing", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    /* dsa's events change: refused, naming dsa */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/dsa", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/dsb --test %s/dsb/split-a/testing", d, d);
    snprintf(want, sizeof want, "the events of %s/dsa have changed", d);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want), "%s: exit %d: %s", cmd, rc, err);
    /* made again, then dsa moved away: the split is read (dsb's events are not its) */
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/dsa", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(from, sizeof from, "%s/dsa", d);
    snprintf(to, sizeof to, "%s/dsa-moved", d);
    REQUIRE(rename(from, to) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/dsb --test %s/dsb/split-a/testing", d, d);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: exit %d: %s", cmd, rc, err);
    /* the same with a split made of dsa while it was inside dsb's folder's parent, then
     * moved into dsb alone */
    snprintf(cmd, sizeof cmd, "split %s/dsa-moved --length 20 --windows 20 -o %s/split-c", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(from, sizeof from, "%s/split-c", d);
    snprintf(to, sizeof to, "%s/dsb/split-c", d);
    REQUIRE(rename(from, to) == 0);
    snprintf(cmd, sizeof cmd, "rm -r %s/dsa-moved", d);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "audit --train %s/dsb --test %s/dsb/split-c/testing", d, d);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: exit %d: %s", cmd, rc, err);
}

/* a split.txt that is a FIFO beside a window file named as a split's is not a record to
 * read (it would wait for a writer): the file is read as any other */
static void split_txt_fifo_not_read(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    /* nor is a stream.txt that is a FIFO a dataset's events to hash (alarm: not waited for) */
    REQUIRE(mkfifo(in(d, "stream.txt"), 0600) == 0);
    alarm(20);
    CHECK(ts_dataset_events_crc(d) == 0);
    alarm(0);
    unlink(in(d, "stream.txt"));
    write_text(in(d, "testing"), "1,2,3,4\n2,3,4,5\n");
    REQUIRE(mkfifo(in(d, "split.txt"), 0600) == 0);
    char cmd[2000], t[2100];
    snprintf(cmd, sizeof cmd, "audit --train %s/testing --test %s/testing", d, d);
    snprintf(t, sizeof t, "timeout 20 sh -c '%s %s' >/dev/null 2>&1",
             getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", cmd);
    const int st = system(t);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: status %d", cmd, st);
    unlink(in(d, "split.txt"));
}

/* mode of DIR/NAME, or -1 */
static int mode_of(const char *dir, const char *name)
{
    struct stat st;
    return stat(in(dir, name), &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* a dataset's and a split's files that ingest and split replace keep the modes the user
 * gave them; the files they make anew get what the umask gives */
static void reingest_and_resplit_keep_modes(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1600], err[1024], ds[700], sp[700];
    snprintf(ds, sizeof ds, "%s/ds", d);
    snprintf(sp, sizeof sp, "%s/sp", d);
    snprintf(cmd, sizeof cmd, "umask 022; %s ingest --from strace tests/data/strace_f.log -o %s >/dev/null 2>&1",
             getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", ds);
    REQUIRE(system(cmd) == 0);
    CHECK(mode_of(ds, "stream.txt") == 0644 && mode_of(ds, "vocab.tsv") == 0644);
    REQUIRE(chmod(in(ds, "stream.txt"), 0640) == 0 && chmod(in(ds, "vocab.tsv"), 0664) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_f.log -o %s", ds);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(mode_of(ds, "stream.txt") == 0640, "stream.txt: %03o", (unsigned)mode_of(ds, "stream.txt"));
    CHECK_MSG(mode_of(ds, "vocab.tsv") == 0664, "vocab.tsv: %03o", (unsigned)mode_of(ds, "vocab.tsv"));
    snprintf(cmd, sizeof cmd, "split %s --length 4 --windows 2 --fractions 0.4,0.3,0.3 -o %s", ds, sp);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const char *const files[] = {"training", "validation", "testing", "train_stream.txt", "split.txt", "vocab.tsv"};
    static const int modes[] = {0640, 0664, 0600, 0660, 0604, 0440};
    for (int k = 0; k < 6; k++) REQUIRE(chmod(in(sp, files[k]), (mode_t)modes[k]) == 0);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int k = 0; k < 6; k++)
        CHECK_MSG(mode_of(sp, files[k]) == modes[k], "%s: %03o, not %03o", files[k], (unsigned)mode_of(sp, files[k]),
                  (unsigned)modes[k]);
}

static void ftrace_cli(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from ftrace tests/data/ftrace_pipe.trace.gz -o %s/ds", d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "warning: tests/data/ftrace_pipe.trace.gz: the tracer reported 18240 discarded events: the "
                          "stream has gaps there (CPU 0: 6968 in 6 gaps, CPU 1: 11272 in 9 gaps)"), "%s", err);
    ts_dataset ds;
    REQUIRE(ts_dataset_load(in(d, "ds"), &ds) == 0);
    CHECK(ds.stream.n == 2203 && ds.time_ns && ts_vocab_lookup(&ds.vocab, "openat") >= 0);
    ts_dataset_free(&ds);
    int32_t *cpu;
    REQUIRE(ts_mc_load_channel(in(d, "ds"), TS_CH_CPU, 2203, (void **)&cpu) == 0);
    CHECK(cpu != NULL);
    free(cpu);
    /* the dataset trains and imputes */
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds -o %s/ng.tsm", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/ds --blackout 10 --windows 20", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* --from perf is the same reader, for perf script's text: the same dataset as --from ftrace */
    snprintf(cmd, sizeof cmd, "ingest --from perf tests/data/perf_lost.txt.gz --exits -o %s/pa", d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from ftrace tests/data/perf_lost.txt.gz --exits -o %s/pb", d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    char *pa = NULL, *pb = NULL;
    size_t na = 0, nb = 0;
    REQUIRE(ts__read_text(in(d, "pa/stream.txt"), &pa, &na) == 0 && ts__read_text(in(d, "pb/stream.txt"), &pb, &nb) == 0);
    CHECK(na > 1000 && na == nb && !memcmp(pa, pb, na));
    free(pa);
    free(pb);
    /* options of other formats are refused; ftrace's errors name file and line */
    snprintf(cmd, sizeof cmd, "ingest --from ftrace tests/data/ftrace_pipe.trace.gz --strict -o %s/x", d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--strict applies to --from ctf only"), "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from strace tests/data/strace_f.log --cpu 1 -o %s/x", d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--cpu applies to --from ctf, ftrace and perf only"), "%s", err);
    write_text(in(d, "bad.trace"), "  a-1 [000] ..... 1.0: sys_read(fd: 0)\n  a-1 [000] ..... 0.5: sys_read(fd: 0)\n");
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s/bad.trace -o %s/x", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "tracesynth: error: ") == err && strstr(err, "/bad.trace:2: the time goes back on CPU 0"), "%s",
              err);
    CHECK(!ts_file_exists(in(d, "x")));
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s/bad.trace %s/./bad.trace -o %s/x", d, d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "are the same trace"), "%s", err);
}

/* a pid strace cannot print (past Linux's largest, 2^22, or past 2^63, which strtol
 * clamped so that two processes became one; negative) is an error naming the line */
static void strace_pid_out_of_range(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *bad[] = {"[pid 9223372036854775808] 1700000000.1 read(0, \"\", 1) = 0\n",
                         "[pid 99999999999999999999999] 1700000000.1 read(0, \"\", 1) = 0\n",
                         "[pid -5] 1700000000.1 read(0, \"\", 1) = 0\n",
                         "[pid 4194305] 1700000000.1 read(0, \"\", 1) = 0\n",
                         "99999999999999999999999<sh> 1700000000.1 read(0, \"\", 1) = 0\n"};
    for (int i = 0; i < 5; i++) {
        char text[256];
        snprintf(text, sizeof text, "[pid 12] 1700000000.0 close(3) = 0\n%s", bad[i]);
        write_text(in(d, "pid.log"), text);
        ts_mc_raw r;
        CHECK_MSG(ts_mc_from_strace(in(d, "pid.log"), &r) != 0 && strstr(ts_error(), "pid.log:2: "), "case %d: %s", i,
                  ts_error());
    }
    write_text(in(d, "pid.log"), "[pid 4194304] 1700000000.1 read(0, \"\", 1) = 0\n");
    ts_mc_raw r = {0};   /* freed below even when the call fails */
    CHECK(ts_mc_from_strace(in(d, "pid.log"), &r) == 0 && r.n == 1 && r.tid[0] == 4194304);
    if (r.n) ts_mc_raw_free(&r);
    /* and in strace's notices and in "+++ superseded by execve in pid N +++", read with the
     * calls' fields or for their names alone */
    const char *notes[] = {"strace: Process 99999999999999999999 attached\n",
                           "strace: Process 4194305 detached\n",
                           "[pid 12] 1700000000.1 vfork(strace: Process 99999999999999999999 attached\n",
                           "12 1700000000.1 +++ superseded by execve in pid 99999999999999999999 +++\n",
                           "12 1700000000.1 +++ superseded by execve in pid -5 +++\n"};
    for (int i = 0; i < 5; i++) {
        char text[256];
        snprintf(text, sizeof text, "[pid 12] 1700000000.0 close(3) = 0\n%s[pid 12] 1700000000.2 close(4) = 0\n", notes[i]);
        write_text(in(d, "pid.log"), text);
        CHECK_MSG(ts_mc_from_strace(in(d, "pid.log"), &r) != 0 && strstr(ts_error(), "pid.log:2: a pid outside Linux's 0 to 4194304"),
                  "notice %d: %s", i, ts_error());
        const char *p1[] = {in(d, "pid.log")};
        char **names;
        size_t n;
        CHECK_MSG(ts_strace_read_many(p1, 1, &names, &n) != 0 && strstr(ts_error(), "pid.log:2: a pid outside Linux's 0 to 4194304"),
                  "notice %d (names): %s", i, ts_error());
    }
    write_text(in(d, "pid.log"), "strace: Process 4194304 attached\n[pid 4194304] 1700000000.1 read(0, \"\", 1) = 0\n");
    CHECK(ts_mc_from_strace(in(d, "pid.log"), &r) == 0 && r.n == 1 && r.tid[0] == 4194304);
    if (r.n) ts_mc_raw_free(&r);
}

/* a return value is the kernel's long: strace prints some unsigned ("= 18446744073709551615")
 * or as an address past 2^63 ("= 0xffffffffff600000"), which are the signed values the
 * kernel returned (they were clamped to 2^63 - 1); past 64 bits is an error naming the line */
static void strace_ret_64_bits(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "ret.log"), "1 1.0 lseek(3, 0, SEEK_CUR) = 18446744073709551615\n"
                                 "1 1.1 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0xffffffffff600000\n"
                                 "1 1.2 lseek(3, 0, SEEK_END) = 9223372036854775808\n"
                                 "1 1.3 lseek(3, 0, SEEK_END) = 9223372036854775807\n"
                                 "1 1.4 read(3 <unfinished ...>\n"
                                 "1 1.5 <... read resumed>\"\", 1) = 18446744073709551614\n"
                                 "1 1.6 lseek(3, 0, SEEK_CUR) = -9223372036854775808\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "ret.log"), &r) == 0);
    CHECK(r.n == 6 && r.has_ret[0] && r.ret[0] == -1);
    CHECK(r.n == 6 && r.has_ret[1] && r.ret[1] == -10485760);
    CHECK(r.n == 6 && r.has_ret[2] && r.ret[2] == INT64_MIN);
    CHECK(r.n == 6 && r.has_ret[3] && r.ret[3] == INT64_MAX);
    CHECK(r.n == 6 && r.has_ret[4] && r.ret[4] == -2);
    CHECK(r.n == 6 && r.has_ret[5] && r.ret[5] == INT64_MIN);
    ts_mc_raw_free(&r);
    const char *bad[] = {"1 1.1 lseek(3, 0, SEEK_CUR) = 18446744073709551616\n",
                         "1 1.1 mmap(NULL, 1, 1, 1, 3, 0) = 0x10000000000000000\n",
                         "1 1.1 lseek(3, 0, SEEK_CUR) = -9223372036854775809\n",
                         "1 1.1 read(3 <unfinished ...>\n1 1.2 <... read resumed>\"\", 1) = 99999999999999999999\n"};
    for (int i = 0; i < 4; i++) {
        char text[256];
        snprintf(text, sizeof text, "1 1.0 close(3) = 0\n%s", bad[i]);
        write_text(in(d, "ret.log"), text);
        CHECK_MSG(ts_mc_from_strace(in(d, "ret.log"), &r) != 0 && strstr(ts_error(), "ret.log:") &&
                      strstr(ts_error(), ": a return value outside 64 bits: '"),
                  "case %d: %s", i, ts_error());
    }
}


/* each of r's calls of process want[i] (n of them); what names the case in a failure */
static void check_comms(const ts_mc_raw *r, const char *const *want, size_t n, const char *what)
{
    CHECK_MSG(r->n == n, "%s: %zu calls, not %zu", what, r->n, n);
    for (size_t i = 0; i < r->n && i < n; i++)
        CHECK_MSG(r->comm[i] && !strcmp(r->comm[i], want[i]), "%s: call %zu: comm %s, not %s", what, i,
                  r->comm[i] ? r->comm[i] : "-", want[i]);
}
/* strace --pidns-translation (a program in its own PID namespace: unshare --pid, a
 * container) names each line's thread by strace's pid and gives a pid a call returns as the
 * namespace's, then strace's in a comment after it ("= 2", then 102 "in strace's PID NS"): the return value
 * is the first (what the kernel returned), and the child a clone made is the thread the
 * second names, which takes its parent's name until its execve; so in -ff's files */
static void strace_pidns_translation(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    write_text(in(d, "ns.log"),
               "100 1.000001 execve(\"/usr/bin/unshare\", [\"unshare\"], 0x7ffd /* 37 vars */) = 0\n"
               "100 1.000002 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
               "101 1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
               "101 1.000004 getpid() = 1 /* 101 in strace's PID NS */\n"
               "101 1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2 /* 102 in strace's PID NS */\n"
               "102 1.000006 set_robust_list(0x7f, 24) = 0\n"
               "101 1.000007 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n"
               "103 1.000008 set_robust_list(0x7f, 24) = 0\n"
               "101 1.000009 <... clone resumed>) = 3 /* 103 in strace's PID NS */\n"
               "102 1.000010 execve(\"/usr/bin/ls\", [\"ls\"], 0x55 /* 37 vars */) = 0\n"
               "102 1.000011 exit_group(0) = ?\n"
               "101 1.000012 wait4(-1, NULL, 0, NULL) = 2 /* 102 in strace's PID NS */\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(in(d, "ns.log"), &r) == 0);
    static const char *const comm[] = {"unshare", "unshare", "sh", "sh", "sh", "sh", "sh", "sh", "ls", "ls", "sh"};
    check_comms(&r, comm, 11, "one log");
    CHECK(r.n == 11 && r.has_ret[3] && r.ret[3] == 1 && r.has_ret[4] && r.ret[4] == 2);
    CHECK(r.n == 11 && r.has_ret[6] && r.ret[6] == 3 && r.has_ret[10] && r.ret[10] == 2);
    CHECK(r.n == 11 && r.tid[5] == 102 && r.tid[7] == 103);
    ts_mc_raw_free(&r);
    /* strace -ff --pidns-translation: the clone in the parent's file, the child's own */
    write_text(in(d, "ns.101"), "1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                                "1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2 /* 102 in strace's PID NS */\n"
                                "1.000012 wait4(-1, NULL, 0, NULL) = 2 /* 102 in strace's PID NS */\n");
    write_text(in(d, "ns.102"), "1.000006 set_robust_list(0x7f, 24) = 0\n"
                                "1.000010 execve(\"/usr/bin/ls\", [\"ls\"], 0x55 /* 37 vars */) = 0\n"
                                "1.000011 exit_group(0) = ?\n");
    const char *ff[] = {in(d, "ns.101"), in(d, "ns.102")};
    REQUIRE(ts_mc_from_strace_many(ff, 2, &r, NULL) == 0);
    static const char *const comm2[] = {"sh", "sh", "sh", "ls", "ls", "sh"};
    check_comms(&r, comm2, 6, "-ff");
    CHECK(r.n == 6 && r.has_ret[1] && r.ret[1] == 2);
    ts_mc_raw_free(&r);
}

/* the same recorded without --pidns-translation: a clone returns the child's pid in the
 * namespace (2) while the lines name threads by strace's (102), so that no line names the
 * child by the value. Where every thread first seen after the first clone is the child of
 * one such call, and the child's first call comes before any other clone starts (all
 * children of the calls before it seen), that thread is the child and takes its parent's
 * name; where the log leaves it open (two clones, then both children) none is guessed, and
 * the threads left unnamed are counted in a note that says where such a log comes from */
static void strace_pidns_untranslated(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *ns_log = "100 1.000001 execve(\"/usr/bin/unshare\", [\"unshare\"], 0x7ffd /* 37 vars */) = 0\n"
                         "100 1.000002 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
                         "101 1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                         "101 1.000004 getpid() = 1\n"
                         "101 1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2\n"
                         "102 1.000006 set_robust_list(0x7f, 24) = 0\n"
                         "101 1.000007 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>\n"
                         "103 1.000008 set_robust_list(0x7f, 24) = 0\n"
                         "101 1.000009 <... clone resumed>) = 3\n"
                         "102 1.000010 execve(\"/usr/bin/ls\", [\"ls\"], 0x55 /* 37 vars */) = 0\n"
                         "102 1.000011 exit_group(0) = ?\n"
                         "101 1.000012 wait4(-1, NULL, 0, NULL) = 2\n";
    write_text(in(d, "ns.log"), ns_log);
    ts_mc_raw r;
    char *notes = NULL;
    const char *one[1] = {in(d, "ns.log")};
    REQUIRE(ts_mc_from_strace_many(one, 1, &r, &notes) == 0);
    static const char *const comm[] = {"unshare", "unshare", "sh", "sh", "sh", "sh", "sh", "sh", "ls", "ls", "sh"};
    check_comms(&r, comm, 11, "one log");
    CHECK(r.n == 11 && r.has_ret[4] && r.ret[4] == 2 && r.has_ret[6] && r.ret[6] == 3);
    CHECK_MSG(!notes, "%s", notes);
    free(notes);
    ts_mc_raw_free(&r);
    /* so in -ff's files */
    write_text(in(d, "un.101"), "1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                                "1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2\n"
                                "1.000012 wait4(-1, NULL, 0, NULL) = 2\n");
    write_text(in(d, "un.102"), "1.000006 set_robust_list(0x7f, 24) = 0\n"
                                "1.000010 execve(\"/usr/bin/ls\", [\"ls\"], 0x55 /* 37 vars */) = 0\n"
                                "1.000011 exit_group(0) = ?\n");
    const char *ff[] = {in(d, "un.101"), in(d, "un.102")};
    REQUIRE(ts_mc_from_strace_many(ff, 2, &r, NULL) == 0);
    static const char *const comm2[] = {"sh", "sh", "sh", "ls", "ls", "sh"};
    check_comms(&r, comm2, 6, "-ff");
    ts_mc_raw_free(&r);
    /* two clones, then both children: either may be either's; none is guessed */
    write_text(in(d, "two.log"), "101 1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                                 "101 1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2\n"
                                 "101 1.000006 clone(child_stack=NULL, flags=SIGCHLD) = 3\n"
                                 "102 1.000007 set_robust_list(0x7f, 24) = 0\n"
                                 "103 1.000008 set_robust_list(0x7f, 24) = 0\n"
                                 "101 1.000009 wait4(-1, NULL, 0, NULL) = 2\n");
    const char *two[1] = {in(d, "two.log")};
    REQUIRE(ts_mc_from_strace_many(two, 1, &r, &notes) == 0);
    CHECK(r.n == 6 && !r.comm[3] && !r.comm[4] && r.comm[5] && !strcmp(r.comm[5], "sh"));
    CHECK_MSG(notes && strstr(notes, "two.log: 2 threads") && strstr(notes, "--pidns-translation") &&
                  !strchr(notes, '\n')[1],
              "%s", notes ? notes : "no note");
    free(notes);
    ts_mc_raw_free(&r);
    /* a thread no clone made (strace -p of a process whose threads show late): the count
     * leaves every child open, and none is guessed */
    write_text(in(d, "late.log"), "101 1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                                  "101 1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 2\n"
                                  "104 1.000006 futex(0x7f, FUTEX_WAKE, 1) = 0\n"
                                  "102 1.000007 set_robust_list(0x7f, 24) = 0\n"
                                  "101 1.000009 wait4(-1, NULL, 0, NULL) = 2\n");
    const char *late[1] = {in(d, "late.log")};
    REQUIRE(ts_mc_from_strace_many(late, 1, &r, &notes) == 0);
    CHECK(r.n == 5 && !r.comm[2] && !r.comm[3]);
    CHECK_MSG(notes && strstr(notes, "late.log: 2 threads"), "%s", notes ? notes : "no note");
    free(notes);
    ts_mc_raw_free(&r);
    /* strace -f -p 500 -p 600, stopped before the clone's child made a call: 600, attached,
     * is first seen after the clone, the one thread and the one open call, yet no child of
     * it. A log that does not begin with the execve of the program strace started may hold
     * threads attached as they were: none is guessed, and the note counts the thread */
    write_text(in(d, "attach.log"), "500 1.000001 read(0, \"x\", 1) = 1\n"
                                    "500 1.000002 execve(\"/usr/bin/foo\", [\"foo\"], 0x7ffd /* 37 vars */) = 0\n"
                                    "500 1.000003 clone(child_stack=NULL, flags=SIGCHLD) = 502\n"
                                    "600 1.000004 read(0, \"x\", 1) = 1\n"
                                    "600 1.000005 getpid() = 600\n");
    const char *attach[1] = {in(d, "attach.log")};
    REQUIRE(ts_mc_from_strace_many(attach, 1, &r, &notes) == 0);
    CHECK_MSG(r.n == 5 && r.comm[2] && !strcmp(r.comm[2], "foo") && !r.comm[3] && !r.comm[4], "%s",
              r.n == 5 && r.comm[3] ? r.comm[3] : "-");
    CHECK_MSG(notes && strstr(notes, "attach.log: 1 threads"), "%s", notes ? notes : "no note");
    free(notes);
    ts_mc_raw_free(&r);
    /* a log of no namespace: a clone whose child made no call before the log ended says nothing */
    write_text(in(d, "end.log"), "101 1.000003 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
                                 "101 1.000005 clone(child_stack=NULL, flags=SIGCHLD) = 102\n");
    const char *end[1] = {in(d, "end.log")};
    REQUIRE(ts_mc_from_strace_many(end, 1, &r, &notes) == 0);
    CHECK_MSG(!notes, "%s", notes);
    free(notes);
    ts_mc_raw_free(&r);
}

/* the same in ftrace's COMM-PID: a pid past 2^63 was clamped (two threads became one), one
 * past Linux's largest kept; each is an error naming the line */
static void ftrace_pid_out_of_range(void)
{
    const char *bad[] = {"  a-12345678901234567890 [000] ..... 1.000002: sys_read(fd: 0)\n",
                         "  a-9223372036854775808 [000] ..... 1.000002: sys_read(fd: 0)\n",
                         "  a-4194305 [000] ..... 1.000002: sys_read(fd: 0)\n"};
    for (int i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text, "  a-12 [000] ..... 1.000001: sys_close(fd: 3)\n%s", bad[i]);
        ts_ctf_trace t;
        const char *path;
        CHECK_MSG(ftrace_text(text, NULL, NULL, &t, NULL, &path) == -1, "case %d", i);
        char want[700];
        snprintf(want, sizeof want, "%s:2: a pid outside Linux's 0 to 4194304 in 'COMM-PID': '", path);
        CHECK_MSG(strstr(ts_error(), want) == ts_error(), "case %d: %s", i, ts_error());
    }
    ts_ctf_trace t;
    REQUIRE(ftrace_text("  a-4194304 [000] ..... 1.000001: sys_read(fd: 0)\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.n == 1 && t.tid[0] == 4194304);
    ts_ctf_trace_free(&t);
    /* in record-tgid's "(TGID)" alike (fill writes it again on the lines it adds) */
    static const char *const tgids[] = {"99999999999999999999", "4194305"};
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text, "  a-12 (     12) [000] ..... 1.000001: sys_close(fd: 3)\n"
                                    "  a-13 (%s) [000] ..... 1.000002: sys_read(fd: 0)\n", tgids[i]);
        const char *path;
        CHECK_MSG(ftrace_text(text, NULL, NULL, &t, NULL, &path) == -1, "TGID %s", tgids[i]);
        char want[700];
        snprintf(want, sizeof want, "%s:2: a TGID outside Linux's 0 to 4194304 in 'COMM-PID (TGID)': '", path);
        CHECK_MSG(strstr(ts_error(), want) == ts_error(), "TGID %s: %s", tgids[i], ts_error());
    }
    REQUIRE(ftrace_text("  a-12 (4194304) [000] ..... 1.000001: sys_read(fd: 0)\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.n == 1 && t.tid[0] == 12);
    ts_ctf_trace_free(&t);
    /* and in the thread of the event a fill's line stands for (-1: not known) */
    static const char *const tids[] = {"99999999999999999999", "4194305", "-2"};
    for (int i = 0; i < 3; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "  a-12 [000] ..... 1.000001: sys_close(fd: 3)\n"
                 "  a-12 [000] ..... 1.000002: tracesynth_reconstructed: event=sys_enter_read tid=%s next_tid=-1 "
                 "confidence=0.500 gap_count=1\n", tids[i]);
        const char *path;
        const int rc = ftrace_text(text, NULL, NULL, &t, NULL, &path);
        if (rc == 0) ts_ctf_trace_free(&t);
        char want[700];
        snprintf(want, sizeof want, "%s:2: a tid outside Linux's 0 to 4194304 (-1: not known) in tracesynth_reconstructed", path);
        CHECK_MSG(rc == -1 && strstr(ts_error(), want) == ts_error(), "tid %s: %s", tids[i], rc ? ts_error() : "read");
    }
}

/* lines are split at '\n': CRLF line ends are read; a carriage return alone before another
 * event line's head ended a line whose event was hidden in the line before, now an error
 * naming the line; one in a thread's name or a trace_marker's text is read as it is */
static void ftrace_cr_line_ends(void)
{
    ts_ctf_trace t;
    const char *path;
    REQUIRE(ftrace_text("# tracer: nop\r\n  a-1 [000] ..... 1.000001: sys_read(fd: 0)\r\n"
                        "  a-1 [000] ..... 1.000002: sys_close(fd: 3)\r\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.n == 2 && !strcmp(t.names[0], "read") && !strcmp(t.names[1], "close"));
    ts_ctf_trace_free(&t);
    REQUIRE(ftrace_text("  a\rb-12 [000] ..... 1.000001: sys_read(fd: 0)\n"
                        "  a-1 [000] ..... 1.000002: tracing_mark_write: hi\rthere\n"
                        "  a-1 [000] ..... 1.000003: tracing_mark_write: x\r-1 [000] y\n"
                        "  a-1 [000] ..... 1.000004: sys_close(fd: 3)\n", NULL, NULL, &t, NULL, NULL) == 0);
    CHECK(t.n == 2 && !strcmp(t.names[0], "read") && !strcmp(t.names[1], "close"));
    ts_ctf_trace_free(&t);
    static const struct { const char *text; int line; } bad[] = {
        {"  a-1 [000] ..... 1.000001: sys_read(fd: 0)\r  a-1 [000] ..... 1.000002: sys_close(fd: 3)\n", 1},
        {"  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  a-1 [000] ..... 1.000002: sys_close(fd: 3)\r"
         "  a-1 [000] ..... 1.000003: sys_close(fd: 4)\r", 2},
        {"# tracer: nop\r#\r  a-1 [000] ..... 1.000001: sys_read(fd: 0)\r", 1},
        {"  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n  b\rc-2 [001] ..... 1.000002: sys_read(fd: 0)\r"
         "  a-1 [000] d..1. 1.000003: sys_close(fd: 3)\r\n", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const int rc = ftrace_text(bad[i].text, NULL, NULL, &t, NULL, &path);
        if (rc == 0) ts_ctf_trace_free(&t);
        char want[700];
        snprintf(want, sizeof want, "%s:%d: a carriage return before an event line", path, bad[i].line);
        CHECK_MSG(rc == -1 && strstr(ts_error(), want) == ts_error() && !strchr(ts_error(), '\r'), "case %zu: %s", i,
                  rc ? ts_error() : "read");
    }
}

/* an exit's value is the kernel's long: past 64 bits it was clamped (to -1 printed in hex,
 * to 2^63 - 1 in decimal), now an error naming the line; up to 2^64 - 1 it is the signed
 * value of those bits, in each of the three forms */
static void ftrace_ret_64_bits(void)
{
    static const char *const bad[] = {
        "  a-1 [000] ..... 1.000002: sys_read -> 0x10000000000000000\n",
        "  a-1 [000] ..... 1.000002: sys_exit_read: 0x10000000000000000\n",
        "  a-1 [000] ..... 1.000002: sys_exit_read: -9223372036854775809\n",
        "  a-1 [000] ..... 1.000002: sys_exit: NR 0 = 99999999999999999999\n",
        "  a-1 [000] ..... 1.000002: sys_exit: NR 0 = -9223372036854775809\n",
    };
    for (int i = 0; i < 5; i++) {
        char text[256];
        snprintf(text, sizeof text, "  a-1 [000] ..... 1.000001: sys_read(fd: 3)\n%s", bad[i]);
        ts_ctf_trace t;
        const char *path;
        const int rc = ftrace_text(text, NULL, "x86_64", &t, NULL, &path);
        if (rc == 0) ts_ctf_trace_free(&t);
        CHECK_MSG(rc == -1, "case %d", i);
        char want[700];
        snprintf(want, sizeof want, "%s:2: a return value outside 64 bits: '", path);
        CHECK_MSG(strstr(ts_error(), want) == ts_error(), "case %d: %s", i, ts_error());
    }
    static const char *const good[] = {
        "  a-1 [000] ..... 1.000001: sys_read(fd: 3)\n  a-1 [000] ..... 1.000002: sys_read -> 0xffffffffffffffff\n",
        "  a-1 [000] ..... 1.000001: sys_enter_read: fd: 3\n  a-1 [000] ..... 1.000002: sys_exit_read: 18446744073709551615\n",
        "  a-1 [000] ..... 1.000001: sys_enter: NR 0 (3)\n  a-1 [000] ..... 1.000002: sys_exit: NR 0 = 18446744073709551615\n",
        "  a-1 [000] ..... 1.000001: sys_enter: NR 0 (3)\n  a-1 [000] ..... 1.000002: sys_exit: NR 0 = -1\n",
    };
    ts_ctf_opts o = {NULL, 0, TS_CTF_SYSCALLS, -1, 0, 0};
    for (int i = 0; i < 4; i++) {
        ts_ctf_trace t;
        if (ftrace_text(good[i], &o, "x86_64", &t, NULL, NULL) != 0) {
            CHECK_MSG(0, "good %d: %s", i, ts_error());
            continue;
        }
        CHECK_MSG(t.n == 1 && t.has_ret[0] && t.ret[0] == -1, "good %d", i);
        ts_ctf_trace_free(&t);
    }
}

/* ingest --cpu N of a trace that lost events warns of CPU N's gaps, the whole trace's count
 * beside them, not of every CPU's; a CPU that lost none gets no warning */
static void cpu_warning_of_its_cpu(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512], cmd[1400], err[1024];
    snprintf(p, sizeof p, "%s/l.trace", dir);
    write_text(p, "# tracer: nop\n"
                  "            bash-300     [000] ..... 100.000001: sys_read(fd: 3, buf: 0x1, count: 0x10)\n"
                  "          python-301     [001] ..... 100.000003: sys_read(fd: 3, buf: 0x1, count: 0x10)\n"
                  "CPU:0 [LOST 5 EVENTS]\n"
                  "            bash-300     [000] ..... 100.000004: sys_read -> 0x10\n"
                  "CPU:1 [LOST 3 EVENTS]\n"
                  "          python-301     [001] ..... 100.000020: sys_read -> 0x10\n"
                  "            bash-300     [002] ..... 100.001030: sys_close(fd: 4)\n");
    static const char *const want[3] = {
        "the tracer reported 5 discarded events on CPU 0: the stream has gaps there (5 in 1 gap); 8 in the whole trace",
        "the tracer reported 3 discarded events on CPU 1: the stream has gaps there (3 in 1 gap); 8 in the whole trace",
        ""};
    for (int c = 0; c < 3; c++) {
        snprintf(cmd, sizeof cmd, "ingest --from ftrace %s --cpu %d -o %s/d%d", p, c, dir, c);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0 && (c < 2 ? strstr(err, want[c]) != NULL : !err[0]), "--cpu %d: %s", c, err);
    }
    /* without --cpu: every CPU's, as before */
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s -o %s/all", p, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 &&
                  strstr(err, "the tracer reported 8 discarded events: the stream has gaps there (CPU 0: 5 in 1 gap, "
                              "CPU 1: 3 in 1 gap)"), "%s", err);
}

/* a log of a build: each of many processes ends in a call cut short that never resumes
 * (exit_group), and other calls resume under another id than their start's. Finding the
 * call a line resumes took a pass over every call still waiting: 100,000 processes took
 * half a minute, a million hours */
static void strace_many_waiting_calls(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *p = in(d, "build.log");
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    const int np = 100000;
    for (int i = 0; i < np; i++)
        fprintf(f, "[pid %d] 1700000000.%06d exit_group(0 <unfinished ...>\n"
                   "[pid %d] 1700000000.%06d +++ exited with 0 +++\n", 1000 + i, i % 1000000, 1000 + i, i % 1000000);
    /* resumed under other ids: the oldest call of that name waiting */
    fprintf(f, "[pid 7] 1700000001.000000 <... exit_group resumed>) = ?\n"
               "[pid 8] 1700000001.000001 openat(AT_FDCWD, \"x\", O_RDONLY <unfinished ...>\n"
               "[pid 9] 1700000001.000002 <... openat resumed>) = 3\n"
               "[pid 9] 1700000001.000003 <... openat resumed>) = 4\n");
    fclose(f);
    double t0 = cpu_s();   /* the work's time, which a busy machine does not stretch */
    ts_mc_raw raw;
    int rc = ts_mc_from_strace(p, &raw);
    double took = cpu_s() - t0;
    REQUIRE(rc == 0);
    CHECK_MSG(raw.n == (size_t)np + 2, "%zu events", raw.n);   /* the last openat resumed none */
    CHECK(raw.n == (size_t)np + 2 && !strcmp(raw.names[np], "openat") && raw.has_ret[np] && raw.ret[np] == 3);
    CHECK(raw.n == (size_t)np + 2 && !strcmp(raw.names[np + 1], "openat") && raw.has_ret[np + 1] && raw.ret[np + 1] == 4);
    CHECK_MSG(took < 5, "%.1f s of CPU for %d processes", took, np);
    ts_mc_raw_free(&raw);
    remove(p);
}

/* ingest's count of later events with names unseen in the first 70 %: an event the
 * log names <unk> (export's _unk_) inside the first 70 % is not one of them, nor is
 * one after it whose name occurs there; brk, first seen in the last 30 %, is */
static void unseen_later_counted(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    FILE *f = fopen(in(d, "unk.log"), "w");
    REQUIRE(f);
    const char *calls[10] = {"_unk_", "getpid", "_unk_", "getpid", "getpid", "getpid", "getpid",
                             "getpid", "brk", "getpid"};
    for (int i = 0; i < 10; i++) fprintf(f, "1700000001.%06d %s() = 0 <0.000002>\n", i + 1, calls[i]);
    fclose(f);
    char cmd[1024], out[1024];
    snprintf(cmd, sizeof cmd, "ingest --from strace %s -o %s/unk", in(d, "unk.log"), d);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "(1 later event has a name unseen in the first 70%)"),
              "%s", out);
}

/* a later event the log names <unk> has a name the first 70 % has when one there is so
 * named (its name is seen, as any other's), with --channels too; without one there it is
 * unseen. Also for names beside an ID stream (W.names.txt) */
static void unseen_later_unk_seen(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    /* the training part: the first 7 of 10; brk and (in the second log) _unk_ come after it */
    const char *calls[2][10] = {{"_unk_", "getpid", "getpid", "getpid", "getpid", "getpid", "getpid",
                                 "brk", "_unk_", "getpid"},
                                {"getpid", "getpid", "getpid", "getpid", "getpid", "getpid", "getpid",
                                 "brk", "_unk_", "getpid"}};
    const char *want[2] = {"(1 later event has a name unseen in the first 70%)",
                           "(2 later events have names unseen in the first 70%)"};
    char path[2][3][512];   /* each: the log, the IDs, their names */
    for (int k = 0; k < 2; k++) {
        snprintf(path[k][0], sizeof path[k][0], "%s/unk%d.log", d, k);
        snprintf(path[k][1], sizeof path[k][1], "%s/ids%d.txt", d, k);
        snprintf(path[k][2], sizeof path[k][2], "%s/ids%d.names.txt", d, k);
        FILE *f = fopen(path[k][0], "w"), *g = fopen(path[k][1], "w"), *h = fopen(path[k][2], "w");
        REQUIRE(f && g && h);
        for (int i = 0; i < 10; i++) {   /* an ID a name: getpid 0, <unk> 1, brk 2 */
            const int unk = !strcmp(calls[k][i], "_unk_");
            fprintf(f, "1700000001.%06d %s() = 0 <0.000002>\n", i + 1, calls[k][i]);
            fprintf(g, "%d\n", unk ? 1 : !strcmp(calls[k][i], "brk") ? 2 : 0);
            fprintf(h, "%s\n", unk ? "<unk>" : calls[k][i]);
        }
        fclose(f);
        fclose(g);
        fclose(h);
    }
    for (int k = 0; k < 2; k++)
        for (int how = 0; how < 3; how++) {
            char cmd[2048], out[2048];
            snprintf(cmd, sizeof cmd, "ingest --from %s %s%s -o %s/out%d%d", how == 2 ? "ids" : "strace",
                     how == 1 ? "--channels " : "", path[k][how == 2], d, k, how);
            CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, want[k]), "%s: %s", cmd, out);
        }
}

/* the text file path rewritten with CRLF line ends, as an editor elsewhere saves it. 0 / -1 */
static int to_crlf(const char *path)
{
    char keep[4096] = "", line[1024];
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        strncat(keep, line, sizeof keep - strlen(keep) - 3);
        strcat(keep, "\r\n");
    }
    fclose(f);
    write_text(path, keep);
    return 0;
}

/* a split.txt with CRLF line ends (edited elsewhere) still records its events: a split of
 * events an ingest then replaced is refused as with LF lines, not read as one that keeps
 * no record */
static void crlf_split_txt_stale(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 16 --windows 20 -o %s/sp", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(to_crlf(in(d, "sp/split.txt")) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/sp/train_stream.txt -o %s/again", d, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/sp/train_stream.txt -o %s/again2", d, d);
    const int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "sp/split.txt: ") && strstr(err, "tracesynth split"), "%s: exit %d: %s", cmd, rc,
              err);
    ts_seq q;
    CHECK(ts_seq_read(in(d, "sp/train_stream.txt"), &q) == -1 && strstr(ts_error(), "sp/split.txt: "));
}

/* DIR/DS ingested from a.txt (two_id_files), split (--length 16) into DIR/SPLIT, its
 * split.txt given CRLF line ends where crlf, then its events replaced by b.txt: the
 * warning of that split (of the old events) spells out its --length */
static void reingest_warns_16(const char *d, const char *ds, const char *split, int crlf)
{
    char cmd[1600], err[1024], txt[700];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o '%s/%s'", d, d, ds);
    int rc = run_cli(cmd, err, sizeof err);
    if (rc == 0) {
        snprintf(cmd, sizeof cmd, "split '%s/%s' --length 16 --windows 20 -o '%s/%s'", d, ds, d, split);
        rc = run_cli(cmd, err, sizeof err);
    }
    snprintf(txt, sizeof txt, "%s/%s/split.txt", d, split);
    if (rc == 0 && crlf && to_crlf(txt) != 0) snprintf(err, sizeof err, "%s: not rewritten", txt), rc = -1;
    if (rc == 0) {
        snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o '%s/%s'", d, d, ds);
        rc = run_cli(cmd, err, sizeof err);
    }
    CHECK_MSG(rc == 0 && strstr(err, "a split of the stream this ingest replaced") && strstr(err, " --length 16 -o "),
              "%s: %s", cmd, err);
}

/* ingest over a dataset holding a split whose split.txt has CRLF line ends: the warning
 * that the split is of the old events spells out its --length, as for LF lines */
static void reingest_warns_of_crlf_split(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    reingest_warns_16(d, "ds", "ds/split", 1);
}

/* ingest over a dataset whose path holds "length=99" (a folder named with '=') where a
 * line of split.txt read in pieces of 63 bytes would begin a piece: the warning of the
 * split of the old events quotes the split's own --length, 16, not a piece of the path's */
static void reingest_warns_length_not_of_path(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char *real = realpath(d, NULL);
    REQUIRE(real);
    /* "dataset_dir=" REAL "/" PAD "length=99": PAD ends at a multiple of 63 */
    const size_t head = 12 + strlen(real) + 1, pad = (63 - head % 63) % 63;
    free(real);
    char name[128], split[160];
    memset(name, 'x', pad);
    snprintf(name + pad, sizeof name - pad, "length=99");
    snprintf(split, sizeof split, "%s/split", name);
    reingest_warns_16(d, name, split, 0);
}

/* ingest over a dataset split in its own folder (split ds -o ds): the split's windows are
 * of the events replaced, said as for a split in a folder of it */
static void reingest_warns_of_split_in_place(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    reingest_warns_16(d, "ds", "ds", 0);
}

/* a dataset split in its own folder (split ds -o ds), copied (cp -r) and the copy's events
 * replaced: the copy's split is of its old events, refused when read and warned of by the
 * ingest, as for a split in a folder of it; the original's, of events still there, read */
static void split_in_place_copied_stale(void)
{
    const char *d = two_id_files();
    REQUIRE(d);
    char cmd[1600], err[1024];
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/a.txt -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 16 --windows 20 -o %s/ds", d, d);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "cp -r '%s/ds' '%s/ds2'", d, d);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/b.txt -o %s/ds2", d, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "a split of the stream this ingest replaced"), "%s", err);
    ts_seq q = {0};
    CHECK_MSG(ts_seq_read(in(d, "ds2/train_stream.txt"), &q) == -1 && strstr(ts_error(), "ds2/split.txt: "), "%s",
              ts_error());
    ts_seq_free(&q);
    CHECK_MSG(ts_seq_read(in(d, "ds/train_stream.txt"), &q) == 0, "%s", ts_error());
    ts_seq_free(&q);
}

/* the -o name of strace -ff given with a blank in it: the command and the names to give
 * quoted as the shell reads them back ('DIR/a b'.*), not "strace -ff -o DIR/a b" */
static void strace_ff_hint_quoted(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char base[600], want[1400];
    snprintf(base, sizeof base, "%s/a b", d);
    write_text(in(d, "a b.100"), "1700000000 getpid() = 100\n");
    write_text(in(d, "a b.101"), "1700000000 getpid() = 101\n");
    const char *pre[1] = {base};
    char **names = NULL;
    size_t n = 0;
    CHECK(ts_strace_read_many(pre, 1, &names, &n) == -1);
    snprintf(want, sizeof want, "(strace -ff -o '%s' wrote ", base);
    CHECK_MSG(strstr(ts_error(), want), "%s", ts_error());
    snprintf(want, sizeof want, "give them all, '%s'.*)", base);
    CHECK_MSG(strstr(ts_error(), want), "%s", ts_error());
}

/* a pattern the shell did not expand (quoted, or one that matched no file) is given as it
 * is: the error says that it is one, and whether it matches files; a folder of strace -ff's
 * files (P.PID) given for them says to give the files. One line each, naming the path */
static void strace_pattern_and_folder_hints(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char dir[600], pat[700], want[2048], cmd[2048], err[2048];
    snprintf(dir, sizeof dir, "%s/ff", d);
    REQUIRE(mkdir(dir, 0755) == 0);
    char **names = NULL;
    size_t n = 0;
    /* nothing matches: said so, whether with --channels or not */
    snprintf(pat, sizeof pat, "%s/p.*", dir);
    const char *one[1] = {pat};
    CHECK_MSG(ts_strace_read_many(one, 1, &names, &n) == -1 && strstr(ts_error(), pat) == ts_error() &&
              strstr(ts_error(), ": no file matches the pattern") && strstr(ts_error(), "passes it as it is"),
              "%s", ts_error());
    for (int c = 0; c < 2; c++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace%s '%s' -o %s/x", c ? " --channels" : "", pat, d);
        snprintf(want, sizeof want, "tracesynth: error: %s: no file matches the pattern", pat);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err, "%s: %s", cmd, err);
    }
    /* it matches files, but the shell did not expand it (quoted): said, with what it matches */
    write_text(in(dir, "p.100"), "1700000000.000100 getpid() = 100\n");
    write_text(in(dir, "p.101"), "1700000000.000200 getpid() = 101\n");
    CHECK_MSG(ts_strace_read_many(one, 1, &names, &n) == -1 && strstr(ts_error(), pat) == ts_error() &&
              strstr(ts_error(), "matches 2 files") && strstr(ts_error(), "p.100") &&
              strstr(ts_error(), "the shell did not expand it"), "%s", ts_error());
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels '%s' -o %s/x", pat, d);
    snprintf(want, sizeof want, "tracesynth: error: %s: no such file; as a pattern it matches 2 files", pat);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) == err, "%s", err);
    /* the folder of the files: give them */
    const char *folder[1] = {dir};
    snprintf(want, sizeof want, "%s: is a directory, expected a file: it holds strace -ff's files, one per process "
             "(%s/p.100 and 1 more): give them, %s/p.*", dir, dir, dir);
    CHECK_MSG(ts_strace_read_many(folder, 1, &names, &n) == -1 && strstr(ts_error(), want) == ts_error(), "%s",
              ts_error());
    for (int c = 0; c < 2; c++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace%s %s -o %s/x", c ? " --channels" : "", dir, d);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tracesynth: error: ") == err &&
                  strstr(err, want), "%s: %s", cmd, err);
    }
    /* a folder of other files: the plain error */
    snprintf(dir, sizeof dir, "%s/other", d);
    REQUIRE(mkdir(dir, 0755) == 0);
    write_text(in(dir, "notes.txt"), "x\n");
    CHECK_MSG(ts_strace_read_many(folder, 1, &names, &n) == -1 && strstr(ts_error(), "is a directory, expected a file") &&
              !strstr(ts_error(), "-ff"), "%s", ts_error());
    /* a file whose name holds a glob character is read as a name */
    write_text(in(d, "q*.log"), "1700000000.000100 getpid() = 100\n");
    const char *star[1] = {in(d, "q*.log")};
    REQUIRE(ts_strace_read_many(star, 1, &names, &n) == 0);
    CHECK(names_are(names, n, "getpid"));
    free_names(names, n);
}

/* an input that is not there, where a dataset directory may be given (audit --train, a
 * window file or dataset the loader reads), is said to be none in the words of the rest:
 * "no such file or directory" where a file may be given too (as score and impute --input
 * say), "no such dataset directory" where a dataset alone is; never strerror's bare "No
 * such file or directory" */
static void missing_inputs_worded(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[2048], err[2048], want[1024];
    ts_windows w;
    for (int allow = 0; allow < 2; allow++) {
        snprintf(want, sizeof want, "%s: no such file or directory", in(d, "none"));
        CHECK_MSG(ts_windows_load(in(d, "none"), -1, allow, &w) == -1 && !strcmp(ts_error(), want), "%d: %s", allow,
                  ts_error());
    }
    write_text(in(d, "t.txt"), "1 2 3\n2 3 4\n");
    snprintf(cmd, sizeof cmd, "audit --train %s --test %s", in(d, "none"), in(d, "t.txt"));
    snprintf(want, sizeof want, "tracesynth: error: %s: no such file or directory", in(d, "none"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && !strcmp(err, want), "%s", err);
    /* a dataset directory alone: as every command that takes one says it */
    snprintf(cmd, sizeof cmd, "split %s --length 2 -o %s", in(d, "none"), in(d, "sp"));
    snprintf(want, sizeof want, "tracesynth: error: %s: no such dataset directory", in(d, "none"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && !strcmp(err, want), "%s", err);
}

TEST_MAIN("data_ingest", {
    RUN(strace_multi_process);
    RUN(unseen_later_unk_seen);
    RUN(perf_trace_output);
    RUN(perf_trace_numbers_checked);
    RUN(perf_trace_time_bounds);
    RUN(text_line_ends_read);
    RUN(text_nul_refused);
    RUN(text_bom_refused);
    RUN(strace_cut_line_notes);
    RUN(strace_time_bounds);
    RUN(perf_trace_several);
    RUN(strace_merge_mixed_clocks);
    RUN(cli_ingest_perf_trace);
    RUN(strace_real_shapes);
    RUN(strace_single_process_no_pid);
    RUN(strace_line_shapes);
    RUN(strace_ff_files_merge_by_time);
    RUN(strace_named_log_keeps_line_pids);
    RUN(strace_held_calls_in_start_order);
    RUN(strace_stack_traces);
    RUN(strace_personality_notice);
    RUN(strace_clock_and_relative);
    RUN(strace_relative_and_clock_mixed);
    RUN(strace_time_too_large);
    RUN(strace_instruction_pointers);
    RUN(strace_syscall_numbers);
    RUN(strace_summary_table);
    RUN(strace_gzip);
    RUN(strace_fuzz);
    RUN(strace_live);
    RUN(strace_many_waiting_calls);
    RUN(strace_pid_out_of_range);
    RUN(strace_ret_64_bits);
    RUN(strace_pidns_translation);
    RUN(strace_pidns_untranslated);
    RUN(ftrace_pid_out_of_range);
    RUN(ftrace_ret_64_bits);
    RUN(cli_ingest_strace_and_ids);
    RUN(cli_ingest_strace_times);
    RUN(cli_ingest_strace_cut_line);
    RUN(cli_ingest_ret_unknown_said);
    RUN(cli_ingest_names_beside);
    RUN(cli_ingest_ids_gzip);
    RUN(cli_ingest_input_in_output);
    RUN(cli_ingest_output_checked_first);
    RUN(cli_ingest_input_linked_to_output);
    RUN(cli_ingest_drops_old_channels);
    RUN(cli_ingest_links_in_dataset);
    RUN(cli_ingest_empty_comm);
    RUN(cli_ingest_huge_gap_loads);
    RUN(cli_errors_name_file_and_line);
    RUN(cli_ingest_stdin_named);
    RUN(cli_split_and_audit);
    RUN(cli_audit_stdin);
    RUN(cli_audit_set_windows);
    RUN(cli_paper_split_pts);
    RUN(ctf_handmade_trace);
    RUN(ctf_thread_unknown_after_gap);
    RUN(ctf_old_names_pair_exits_per_thread);
    RUN(ctf_new_names_match_old);
    RUN(ctf_exit_pairs_its_own_call);
    RUN(ctf_exit_after_first_switch);
    RUN(ctf_old_compat_names);
    RUN(ctf_exec_renames_thread);
    RUN(ctf_exec_name_unknown);
    RUN(ctf_cpu_of_streams);
    RUN(ctf_truncated_stream);
    RUN(ctf_damaged_index_ignored);
    RUN(ctf_short_index_entries_ignored);
    RUN(ctf_real_trace);
    RUN(ctf_progress_in_a_log);
    RUN(ctf_output_not_the_trace);
    RUN(ctf_errors);
    RUN(ctf_metadata_signature_spacing);
    RUN(ftrace_line_forms);
    RUN(ftrace_raw_syscalls);
    RUN(ftrace_options);
    RUN(ftrace_fields_option);
    RUN(ftrace_time_order);
    RUN(ftrace_errors);
    RUN(ftrace_cr_line_ends);
    RUN(ftrace_time_bounds);
    RUN(perf_pid_column);
    RUN(ftrace_real_trace);
    RUN(ftrace_per_cpu_overwritten);
    RUN(ftrace_cli);
    RUN(reingest_warns_of_split);
    RUN(reingest_warning_quotes_paths);
    RUN(reingest_warns_of_its_splits_only);
    RUN(reingest_and_resplit_keep_modes);
    RUN(stale_split_refused);
    RUN(split_part_cut_refused);
    RUN(split_stream_cut_refused);
    RUN(moved_split_read);
    RUN(copied_split_stale);
    RUN(split_in_other_dataset);
    RUN(split_txt_fifo_not_read);
    RUN(cpu_warning_of_its_cpu);
    RUN(unseen_later_counted);
    RUN(perf_empty_or_nul_named);
    RUN(crlf_split_txt_stale);
    RUN(reingest_warns_of_crlf_split);
    RUN(reingest_warns_length_not_of_path);
    RUN(reingest_warns_of_split_in_place);
    RUN(split_in_place_copied_stale);
    RUN(strace_ff_hint_quoted);
    RUN(strace_pattern_and_folder_hints);
    RUN(missing_inputs_worded);
})
