/* tracesynth: dispatch to a subcommand (git-style). */
#include "cli.h"

#include <cblas.h>
#include <errno.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"ingest", cmd_ingest, "turn a trace (strace log, LTTng CTF, ftrace or perf script text, ID file, .npy) into a dataset"},
    {"split", cmd_split, "write train/validation/test windows (paper or leak-free time split)"},
    {"audit", cmd_audit, "share of test windows found verbatim in training data"},
    {"train", cmd_train, "train a model (ngram, unigram, sssd-s4, diffwave, csdi-s4, sssd-sa, mdm, lstm; mdm-mc, ddpm-mc) on a dataset"},
    {"impute", cmd_impute, "reconstruct blacked-out events in windows"},
    {"tune-prior", cmd_tune_prior, "choose an mdm model's n-gram prior weights again (no training)"},
    {"generate", cmd_generate, "synthesize new trace windows"},
    {"score", cmd_score, "bits per event of windows under a model (its likelihood)"},
    {"eval", cmd_eval, "imputation or generation metrics"},
    {"gaps", cmd_gaps, "list the events an LTTng, ftrace or perf trace lost, gap by gap"},
    {"drop", cmd_drop, "simulate lost events on a complete LTTng, ftrace or perf trace"},
    {"fill", cmd_fill, "reconstruct the events an LTTng, ftrace or perf trace lost, write a new trace"},
    {"bench", cmd_bench, "benchmarks: impute grid, layers, model speed, data, fill"},
    {"constraints", cmd_constraints, "learn validity constraints from a multi-channel dataset"},
    {"repair", cmd_repair, "repair a synthetic multi-channel trace under learned constraints"},
    {"markov", cmd_markov, "the multi-channel Markov baseline generator"},
    {"export", cmd_export, "a multi-channel dataset as strace-like text or a CTF trace"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tracesynth [--version] [--help] COMMAND [ARGS]\n\n"
               "Learn how a Linux system behaves from its kernel traces, reconstruct\n"
               "events lost in tracer blackouts, and synthesize realistic traces.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        cli_help_item(f, 12, commands[i].name, commands[i].summary);
    fprintf(f, "\n'tracesynth COMMAND --help' describes a command.\n");
}

/* Settings that the OpenMP runtime and OpenBLAS read once, when the program
 * loads:
 * - OpenMP's default busy-waiting makes a two-thread step 10-80x slower as soon
 *   as another process holds a core; a short spin (GOMP_SPINCOUNT) keeps the
 *   quiet-machine speed and degrades gracefully.
 * - OpenBLAS older than the CPU falls back to SSE3 kernels; ask for the best
 *   kernels the CPU's feature bits allow (OPENBLAS_CORETYPE) when its own
 *   choice is weaker (ts_blas_core_pick).
 * - OpenBLAS starts a thread for every core when it loads, each with a 128 MB
 *   work buffer, which the program never uses: it runs OpenBLAS on one thread
 *   and splits products over its own (ts_set_threads); OPENBLAS_NUM_THREADS=1,
 *   but for bench, whose layers compare OpenBLAS's own threading (0.3.21 starts
 *   no more threads than it began with, whatever openblas_set_num_threads asks).
 * They are set in the environment and the program starts again, once: the new
 * image finds them set. The user's own OMP_WAIT_POLICY, GOMP_SPINCOUNT,
 * OPENBLAS_CORETYPE or OPENBLAS_NUM_THREADS is respected. (glibc's libc initialiser replaces the
 * environment after .preinit_array, so an earlier hook cannot set them.)
 * No restart under a tool that runs the program itself: valgrind (the kernel's
 * /proc/self/exe is then valgrind's own tool, which refuses to run directly),
 * an explicit ld.so invocation, or TRACESYNTH_NO_REEXEC=1. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif
#include <sys/auxv.h>
#include <sys/resource.h>

static int under_tool(void)
{
#ifdef HAVE_VALGRIND_H
    if (RUNNING_ON_VALGRIND) return 1;
#endif
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) return 1;
    if (getauxval(AT_BASE) == 0) return 1;   /* no interpreter loaded by the kernel: ld.so run by hand */
    const char *no = getenv("TRACESYNTH_NO_REEXEC");
    return no && *no && strcmp(no, "0");
}

/* usage and help texts compute nothing: no second start for them */
static int only_help(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "help")) return 1;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
    return 0;
}

/* the threads the command asks for: --threads N (or =N) before any "--", else what
 * ts_set_threads takes by default (OMP_NUM_THREADS when set, else all cores, as the
 * OpenMP runtime read them) */
static int asked_threads(int argc, char **argv)
{
    long n = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        const char *v = !strncmp(argv[i], "--threads=", 10) ? argv[i] + 10
                        : !strcmp(argv[i], "--threads") && i + 1 < argc ? argv[i + 1] : NULL;
        if (v) {   /* a value the command will refuse counts as the default */
            char *end;
            n = strtol(v, &end, 10);
            if (end == v || *end || n > 4096) n = 0;
        }
    }
    return n > 0 ? (int)n : omp_get_max_threads();
}

/* OpenBLAS's work buffers fit under the address-space limit (ulimit -v), else one error
 * line and exit status 1, before anything is read or written: a buffer OpenBLAS cannot
 * map it tries again forever (ts_blas_address_space_need). Its threads started when it
 * loaded and may be retrying already, and exit() would wait for them (OpenBLAS joins its
 * threads on unload): _exit. A help or usage text, or --version, calls no product, but it
 * too waits for those threads at exit: their buffers are checked (text). blas: OpenBLAS's
 * threads in the image that runs the command (1 where the restart sets
 * OPENBLAS_NUM_THREADS), else 0: this image's */
static void check_address_space(int argc, char **argv, int text, int blas)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return;
    if (blas <= 0) blas = openblas_get_num_threads();
    const int threads = text ? 0 : asked_threads(argc, argv);
    const size_t need = ts_blas_address_space_need(blas, threads);
    if (r.rlim_cur >= need) return;
    char with[64] = "";
    if (threads) snprintf(with, sizeof with, " with %d thread%s and", threads, threads == 1 ? "" : "s");
    ts_fail("the address-space limit (ulimit -v) of %llu MB is below what OpenBLAS's buffers need "
            "(about %zu MB%s OpenBLAS's %d thread%s): raise it, or lower --threads or OPENBLAS_NUM_THREADS",
            (unsigned long long)(r.rlim_cur >> 20), need >> 20, threads ? with : " for", blas, blas == 1 ? "" : "s");
    cli_fail();
    _exit(1);
}

static void set_runtime_env(int argc, char **argv)
{
    const int help = only_help(argc, argv), text = help || !strcmp(argv[1], "--version");
    if (help || under_tool()) {   /* no second start: this image runs the command */
        check_address_space(argc, argv, text, 0);
        return;
    }
    const int spin = !getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT") &&
                     setenv("GOMP_SPINCOUNT", "1000", 1) == 0;
    /* OpenBLAS reads OPENBLAS_NUM_THREADS, else GOTO_NUM_THREADS, else OMP_NUM_THREADS
     * (which sets the program's own threads too) */
    const int one = !getenv("OPENBLAS_NUM_THREADS") && !getenv("GOTO_NUM_THREADS") && openblas_get_num_threads() > 1 &&
                    strcmp(argv[1], "bench") && setenv("OPENBLAS_NUM_THREADS", "1", 1) == 0;
    ts_cpu c;
    ts_cpu_detect(&c);
    const char *was = openblas_get_corename();
    const char *core = ts_blas_core_pick(&c, was, getenv("OPENBLAS_CORETYPE"));
    if (core && (setenv("TRACESYNTH_BLAS_REPLACED", was, 1) || setenv("OPENBLAS_CORETYPE", core, 1)))
        core = NULL;
    /* checked for the image that runs the command: this one, or the next */
    check_address_space(argc, argv, text, one ? 1 : 0);
    if (!spin && !core && !one) return;
    execv("/proc/self/exe", argv);
    /* on failure, carry on with the defaults */
    if (spin) unsetenv("GOMP_SPINCOUNT");
    if (one) unsetenv("OPENBLAS_NUM_THREADS");
    if (core) { unsetenv("OPENBLAS_CORETYPE"); unsetenv("TRACESYNTH_BLAS_REPLACED"); }
}

static int not_a_command(const char *name)
{
    ts_put_line(stderr, "tracesynth: '", name, "' is not a command; see 'tracesynth --help'\n");
    return 2;
}

/* what went to standard output reached it: a write that failed (a full disk under
 * `> file`) is an error of standard output, as -o - words it (not of the file the shell
 * put there, which the command was never given), and the exit status says so (rc, or 1).
 * A reader that went away (EPIPE, with SIGPIPE ignored) is not the program's failure */
static int stdout_written(int rc)
{
    const int before = ferror(stdout), e0 = errno;
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = errno;
    bad |= ferror(stdout);
    /* a write that failed before (a help longer than the buffer) left nothing to flush, and
     * its reason is gone: asked again by a write of nothing (a full device, a closed one),
     * else the errno left by that write where it can only be a write's (a full disk) */
    if (bad && !e && before) {
        if (write(STDOUT_FILENO, "", 0) < 0) e = errno;
        else if (e0 == ENOSPC || e0 == EDQUOT || e0 == EFBIG || e0 == EIO) e = e0;
    }
    if (!bad || e == EPIPE) return rc;
    if (e) ts_fail("standard output: write failed: %s", strerror(e));
    else ts_fail("standard output: write failed");
    cli_fail();
    return rc ? rc : 1;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    return stdout_written(run(argc, argv));
}

static int run(int argc, char **argv)
{
    set_runtime_env(argc, argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        if (argc > 2 && strcmp(argv[1], "help") == 0) {
            /* the words after the command go with it (help bench impute, help train
             * --model mdm), --help before its first option: an option at the end without
             * its value (help train --model) would take --help for one */
            char *sub[argc];
            int at = 3;   /* after the command and the words that name a part of it */
            while (at < argc && argv[at][0] != '-') at++;
            for (int i = 2, k = 0; i < argc; i++) {
                if (i == at) sub[k++] = "--help";
                sub[k++] = argv[i];
            }
            if (at == argc) sub[argc - 2] = "--help";
            sub[argc - 1] = NULL;
            for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
                if (!strcmp(argv[2], commands[i].name)) return commands[i].fn(argc - 1, sub);
            /* help on a command that does not exist is a usage error, as running it is */
            return not_a_command(argv[2]);
        }
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        char blas[512], bf16[256];
        ts_blas_describe(blas, sizeof blas);
        ts_bf16_describe(bf16, sizeof bf16);
        printf("tracesynth %s\n%s\n%s\n", TS_VERSION, blas, bf16);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    return not_a_command(argv[1]);
}

int cli_fail(void)
{
    /* the error names paths and values as given: shown without their control bytes; -o -
     * and an INPUT of -, written and read through /dev/stdout and /dev/stdin, as standard
     * output and standard input */
    char *e = cli_dash_words(ts_error());
    /* one write: ranks' lines stay whole */
    ts_put_line(stderr, "tracesynth: error: ", e, "\n");
    free(e);
    return 1;
}

void cli_say(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_vput_shown(f, fmt, ap);
    va_end(ap);
}

/* the columns of s's first n bytes: its UTF-8 characters (continuation bytes not counted) */
static int columns(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

void cli_help_item(FILE *f, int pad, const char *name, const char *summary)
{
    int indent = 2 + pad + 1, named = columns(name, strlen(name));
    fprintf(f, "  %-*s ", pad, name);
    int at = 2 + (named > pad ? named : pad) + 1, fresh = 1;
    for (const char *s = summary; *s;) {
        if (*s == ' ') { s++; continue; }
        size_t n = strcspn(s, " ");
        int w = columns(s, n);
        /* a word that fits no line stays whole, on a line of its own */
        if (!fresh && at + 1 + w > CLI_HELP_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            at = indent;
            fresh = 1;
        }
        if (!fresh) { fputc(' ', f); at++; }
        fwrite(s, 1, n, f);
        at += w;
        fresh = 0;
        s += n;
    }
    fputc('\n', f);
}

int cli_model_more_help(FILE *f, const char *key, const char *cmd, const char *const *only)
{
    if (!key) {
        if (f) fprintf(f, "\n'tracesynth %s --model NAME --help' adds the model's options.\n", cmd);
        return 0;
    }
    const ts_model_ops *m = ts_model_find(key);
    int taken = m && !only;
    for (const char *const *o = only; m && o && *o && !taken; o++) taken = !strcmp(*o, key);
    if (m && !taken) {
        char names[256] = "";
        for (const char *const *o = only; *o; o++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "", *o);
        return ts_fail("takes %s, not '%s'", names, key);
    }
    if (!m) return -1;
    if (!f) return 0;
    fprintf(f, "\nthe model's options (--KEY VALUE):\n");
    cli_help_item(f, 10, m->name, m->summary);
    fputs(m->help ? m->help : "", f);
    fprintf(f, "\n'tracesynth train --help' lists every model.\n");
    return 0;
}

/* ts_usage_line of its arguments */
static void usage_line(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_usage_line(cmd, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    const int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        ts_usage_line(cmd, fmt, ap);
        va_end(ap);
        return 2;
    }
    char *msg = ts_malloc((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    /* an INPUT of - and -o -, read and written through /dev/stdin and /dev/stdout, named
     * as cli_fail names them */
    char *w = cli_dash_words(msg);
    usage_line(cmd, "%s", w);
    free(w);
    free(msg);
    return 2;
}
