/* perf trace's output -> one event (the system call's name) per call, as a strace log.
 *
 * `perf trace -o FILE CMD` (or `perf trace -i perf.data` after `perf trace record`) writes
 * strace-like lines, the time in milliseconds since the trace began (-T: perf's clock's,
 * since boot; a file whose earliest time is under a second counts from its start) and
 * the call's duration in brackets, each thread as COMM/TID (--no-comm: TID alone):
 *      0.073 ( 0.016 ms): sh/22005 brk()                                 = 0x564902d86000
 *      0.614 ( 0.018 ms): sh/22005 access(filename: 0xbc7f62a0, mode: R) = -1 ENOENT (No such file or directory)
 *      3.766 (         ): sh/22005 vfork()                               ...      counted here
 *      3.766 ( 0.309 ms): sh/22005  ... [continued]: vfork())            = 22006  joined to it
 *          ? (         ): sh/22006  ... [continued]: vfork())            = 0      the start not in
 *                                   the trace (a child's half of vfork, execve before tracing): counted here
 *     12.759 (         ): ls/22006 exit_group()                          = ?
 *                                        _start (/usr/lib/...ld-linux-x86-64.so.2)   --call-graph: skipped
 * perf trace writes a call's line when the call ends (a call another thread's line cuts
 * is written at its start, "...", and joined to its "[continued]"), so calls are put in
 * the order they started afterwards, as strace -z's (strace.c: start_order).
 * The table -s/--summary prints after the calls ends the log. Lines perf trace writes for
 * what is not a system call are refused in one line naming the option that made them:
 * page faults (-F/--pf), tracepoint events (-e GROUP:EVENT); a "LOST N events!" line too,
 * since the calls on its two sides would be read as neighbours; so is a time, a duration
 * or a return value that is no number as perf prints one ("1.2.3", "= 12abc"), not read as
 * the number it begins with. A last line without its
 * newline that reads no call was cut while written: left out with a note, as a strace
 * log's (one that reads is read as with its newline). Each call's fields are
 * strace's (data_internal.h): the time, the thread, the return value, the thread's name
 * (perf trace gives it on every line, as strace -Y does) and execve's path where perf
 * printed the string. A call before the first line written (perf prints the time since
 * that line unsigned: 18446744073704.984 ms, up to 18446744073709.551615 for 1 ns) is
 * before it, the times then counting from the earliest; a time of 2^64 ns or more, or one
 * 2^63 ns or more after the earliest, is refused naming its line. */
#include "tracesynth/common.h"
#include "data_internal.h"
#include "common/idmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static const char *blanks(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    return p;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* milliseconds "12.345678" -> *ns, exactly (digits past the nanosecond dropped): 0, or
 * -1 for 2^64 ns or more. A time of 2^63 + 1 ns to 2^64 - 1 ns is read as its difference
 * from 2^64 ns (negative, -(2^63 - 1) to -1): perf trace prints a call before the first
 * line written so, its time since that line as an unsigned number of nanoseconds; 2^63 ns
 * itself, 2^63 ns before it, is -2 (no trace spans so much: its first line is at 0) */
static int ms_to_ns(const char *s, const char *e, int64_t *ns)
{
    uint64_t whole = 0, frac = 0, u;
    int digits = 0, infrac = 0;
    *ns = 0;
    for (const char *q = s; q < e; q++) {
        if (*q == '.') infrac = 1;
        else if (infrac) { if (digits < 6) frac = frac * 10 + (uint64_t)(*q - '0'), digits++; }
        else if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, (uint64_t)(*q - '0'), &whole))
            return -1;
    }
    while (digits++ < 6) frac *= 10;
    if (__builtin_mul_overflow(whole, 1000000, &u) || __builtin_add_overflow(u, frac, &u)) return -1;
    if (u == (uint64_t)INT64_MAX + 1) return -2;
    *ns = u <= INT64_MAX ? (int64_t)u : -(int64_t)(0 - u);   /* (0 - u: 2^64 - u, under 2^63) */
    return 0;
}

/* 1 when the digits and dots of [s, e) are a number of milliseconds as perf trace prints
 * one: digits, or digits, a dot and digits ("12.345"; not "1.2.3", "1.") */
static int ms_shape(const char *s, const char *e)
{
    int dots = 0;
    for (const char *q = s; q < e; q++) dots += *q == '.';
    return e > s && is_digit(*s) && is_digit(e[-1]) && dots <= 1;
}

/* "TIME (DURATION): " at the start of [b, e): where the thread begins, else NULL;
 * *t_ns: the time (NO_TIME: '?'; negative: before the first line, as ms_to_ns reads it),
 * *dur_ns: the duration (-1: none; negative, as the time). *bad: why the time or the duration is no number (a
 * line of that shape, refused by the reader), else NULL */
#define NO_TIME INT64_MIN
static const char *lead(const char *b, const char *e, int64_t *t_ns, int64_t *dur_ns, const char **bad)
{
    const char *p = blanks(b, e);
    *t_ns = NO_TIME;
    *dur_ns = -1;
    *bad = NULL;
    if (p < e && *p == '?') {
        p++;
    } else {
        const char *s = p;
        while (p < e && (is_digit(*p) || *p == '.')) p++;
        if (p == s || !is_digit(*s)) return NULL;
        const int r = ms_to_ns(s, p, t_ns);
        if (!ms_shape(s, p)) *bad = "a time that is no number of milliseconds (perf trace writes '12.345')";
        else if (r == -1) *bad = "a time of 2^64 ns or more";
        else if (r == -2) *bad = "a time of 2^63 ns (2^63 ns before the first line written): more than a trace spans";
    }
    p = blanks(p, e);
    if (p >= e || *p != '(') return NULL;
    p = blanks(p + 1, e);
    if (p < e && is_digit(*p)) {
        const char *s = p;
        while (p < e && (is_digit(*p) || *p == '.')) p++;
        /* (perf prints a call's that began before the first line written unsigned, as its time) */
        const int r = ms_to_ns(s, p, dur_ns);
        if (!*bad && !ms_shape(s, p))
            *bad = "a duration that is no number of milliseconds (perf trace writes '( 0.012 ms)')";
        else if (!*bad && r == -1)
            *bad = "a duration of 2^64 ns or more";
        p = blanks(p, e);
        if (e - p < 2 || memcmp(p, "ms", 2)) return NULL;
        p = blanks(p + 2, e);
    }
    if (e - p < 2 || p[0] != ')' || p[1] != ':') return NULL;
    return blanks(p + 2, e);
}

/* "COMM/TID " or "TID " (--no-comm) at p: the thread (*tid), its name into comm (empty:
 * none); where the call begins, else NULL. A name may hold blanks and slashes: the thread
 * is the first "/DIGITS " that a call's name or "..." follows */
static const char *thread(const char *p, const char *e, long *tid, char *comm, size_t cap)
{
    comm[0] = 0;
    for (const char *q = p; q < e; q++) {
        const char *d = q == p && is_digit(*q) ? q : *q == '/' ? q + 1 : NULL;
        if (!d) continue;
        const char *r = d;
        while (r < e && is_digit(*r)) r++;
        if (r == d || r >= e || *r != ' ') continue;
        const char *c = blanks(r, e);
        if (c >= e || !(c[0] == '.' || c[0] == '_' || (c[0] >= 'a' && c[0] <= 'z') || (c[0] >= 'A' && c[0] <= 'Z')))
            continue;
        long v = 0;
        for (const char *t = d; t < r && v < 100000000000L; t++) v = v * 10 + (*t - '0');
        *tid = v;
        /* COMM/; ":TID" is perf's for a thread it has no name for yet (a fork's child
         * before an exec): none, as the --no-comm TID alone */
        if (d != q && !(q - p == r - d + 1 && p[0] == ':' && !memcmp(p + 1, d, (size_t)(r - d)))) {
            size_t n = (size_t)(q - p) < cap ? (size_t)(q - p) : cap - 1;
            memcpy(comm, p, n);
            comm[n] = 0;
        }
        return c;
    }
    return NULL;
}

/* the return value after the call's closing ") ... = ": 1 with *v, 0 for "?" or none. A
 * value that is no number ("= 12abc", "= 0x", "= 1.5") or one past 64 bits: 0 with *bad
 * saying why, but on the last line without its newline (cut) where it ends as a number cut
 * short would ("= -", "= 0x": none then) */
static int ret_of(const char *p, const char *e, int cut, int64_t *v, const char **bad)
{
    *bad = NULL;
    const char *eq = NULL;
    for (const char *q = p; q + 2 < e; q++)
        if (q[0] == '=' && q[1] == ' ' && q > p && q[-1] == ' ') eq = q;
    if (!eq) return 0;
    const char *s = blanks(eq + 1, e);
    if (s < e && *s == '?' && (s + 1 == e || s[1] == ' ')) return 0;
    int neg = s < e && *s == '-', range = 0;
    if (neg) s++;
    uint64_t u = 0;
    const char *d = s;
    if (e - s > 2 && s[0] == '0' && s[1] == 'x') {
        for (d = s + 2; d < e; d++) {
            int h = is_digit(*d) ? *d - '0' : (*d >= 'a' && *d <= 'f') ? *d - 'a' + 10 : -1;
            if (h < 0) break;
            range |= u >> 60 != 0;
            u = u * 16 + (uint64_t)h;
        }
        if (d == s + 2) d = s;
    } else {
        for (; d < e && is_digit(*d); d++)
            range |= __builtin_mul_overflow(u, 10, &u) || __builtin_add_overflow(u, (uint64_t)(*d - '0'), &u);
    }
    range |= neg && u > (uint64_t)INT64_MAX + 1;
    /* the number ends the line, or a blank (-1 ENOENT (...), 8 (ls)) or a path follows it */
    if (d == s || (d < e && *d != ' ' && *d != '<')) {
        /* a cut ends the line where a number may still have followed ("= -", "= 0x"); what
         * follows digits there ("= 12abc") no cut leaves */
        const int cut_short = cut && (d == e || (e - s == 2 && !memcmp(s, "0x", 2)));
        if (!cut_short) *bad = "a return value that is no number (perf trace writes '= 0', '= -1 ENOENT ...', "
                               "'= 0x7f12' or '= ?')";
        return 0;
    }
    if (range) {
        *bad = "a return value outside 64 bits";
        return 0;
    }
    *v = (int64_t)(neg ? 0 - u : u);   /* the bits, as strace's reader keeps them (no overflow) */
    return 1;
}

/* filename: "PATH" in an execve's arguments (perf prints the string where it has it) */
static char *exec_path_of(const char *p, const char *e)
{
    static const char key[] = "filename: \"";
    for (const char *q = p; q + sizeof key - 1 < e; q++)
        if (!memcmp(q, key, sizeof key - 1)) {
            const char *s = q + sizeof key - 1, *t = s;
            while (t < e && *t != '"') t++;
            if (t >= e || t == s) return NULL;
            char *out = ts_malloc((size_t)(t - s) + 1);
            memcpy(out, s, (size_t)(t - s));
            out[t - s] = 0;
            return out;
        }
    return NULL;
}

/* "TIME COMM/TID GROUP:EVENT(...)" (perf trace -e's tracepoint events: no duration): 1 */
static int tracepoint_line(const char *b, const char *e)
{
    const char *p = blanks(b, e), *s = p;
    while (p < e && (is_digit(*p) || *p == '.')) p++;
    if (p == s || p >= e || *p != ' ') return 0;
    long tid;
    char comm[64];
    const char *q = thread(blanks(p, e), e, &tid, comm, sizeof comm);
    if (!q) return 0;
    while (q < e && ts__is_ident(*q)) q++;
    return q < e && *q == ':';
}

static int summary_line(const char *b, const char *e)
{
    return e - b >= 18 && !memcmp(b, "Summary of events:", 18);
}

int ts__perf_trace_shape(const char *buf, size_t size)
{
    const char *p = buf, *end = buf + size;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        const char *b = blanks(p, e);
        if (b < e && *b != '\r') {
            int64_t t, d;
            long tid;
            char comm[64];
            const char *bad;   /* (its line refused by the reader, which names it) */
            const char *q = lead(p, e, &t, &d, &bad);
            return (q && thread(q, e, &tid, comm, sizeof comm) != NULL) || tracepoint_line(p, e) ||
                   summary_line(b, e);
        }
        p = e + 1;
    }
    return 0;
}

typedef struct {
    char **names;
    double *times;
    int64_t *ns;   /* each call's time (times[] from it, once the earliest is known) */
    uint8_t *untimed;   /* its line's time was '?' */
    size_t n, cap;
    ts__strace_fields *x;
} calls;

static void push(calls *c, const char *name, size_t len, int64_t t_ns, int untimed, long tid, const char *comm, int has_ret,
                 int64_t ret, char *exec)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->names = ts_realloc(c->names, c->cap * sizeof *c->names);
        c->times = ts_realloc(c->times, c->cap * sizeof *c->times);
        c->ns = ts_realloc(c->ns, c->cap * sizeof *c->ns);
        c->untimed = ts_realloc(c->untimed, c->cap * sizeof *c->untimed);
        if (c->x) ts__strace_fields_grow(c->x, c->cap);
    }
    char *nm = ts_malloc(len + 1);
    memcpy(nm, name, len);
    nm[len] = 0;
    c->names[c->n] = nm;
    c->ns[c->n] = t_ns;
    c->untimed[c->n] = (uint8_t)untimed;
    if (c->x) {
        ts__strace_fields *x = c->x;
        x->pid[c->n] = tid;
        x->ret[c->n] = has_ret ? ret : 0;
        x->has_ret[c->n] = (uint8_t)has_ret;
        x->exec[c->n] = exec;
        x->comm[c->n] = comm[0] ? ts_strdup(comm) : NULL;
        x->exec_pid[c->n] = tid;
        x->ret_pid[c->n] = 0;
    } else {
        free(exec);
    }
    c->n++;
}

static int refuse(const char *path, size_t line, const char *b, const char *e, const char *why)
{
    char *q = ts__excerpt(b, (size_t)(e - b), 60);
    ts_fail("%s:%zu: %s: '%s'", path, line, why, q);
    free(q);
    return -1;
}

/* a line that is no call: refused, or -2 where it is the last without its newline (cut while
 * written: left out with a note, as a strace log's) */
static int no_call(const char *path, size_t line, const char *b, const char *e, int cut)
{
    return cut ? -2
               : refuse(path, line, b, e, "not a perf trace system call line ('TIME ( DURATION ms): COMM/TID "
                        "CALL(ARGS) = RETURN')");
}

int ts__perf_trace_read(const char *path, const char *buf, size_t size, char ***names_out, double **times_out,
                        size_t *n_out, ts__strace_fields *x, int empty_ok, int *relative, size_t *time_at,
                        ts__notes *notes)
{
    calls c = {NULL, NULL, NULL, NULL, 0, 0, x};
    int64_t first_ns = NO_TIME, max_ns = NO_TIME;   /* the earliest and the latest time read (NO_TIME: none) */
    size_t first_line = 0, max_line = 0;   /* their lines */
    *relative = 1;
    *time_at = 0;
    if (x) memset(x, 0, sizeof *x);
    ts__idmap open;   /* tid -> its call waiting for "[continued]" (wait[]: SIZE_MAX none) */
    memset(&open, 0, sizeof open);
    size_t *wait = NULL, wcap = 0;
    int64_t last_ns = 0;
    int have_last = 0;   /* a time read yet */
    int rc = 0, summary = 0;
    size_t line = 0;
    for (const char *p = buf, *end = buf + size; p < end && rc == 0;) {
        const char *e = memchr(p, '\n', (size_t)(end - p)), *next = e ? e + 1 : end;
        const int cut = !e;   /* the last line, without its newline */
        if (!e) e = end;
        if (e > p && e[-1] == '\r') e--;
        line++;
        /* perf prints no NUL: one is damage (a block of zeros left by a crash), not a byte of
         * an argument to read past */
        const char *nul = e > p ? memchr(p, 0, (size_t)(e - p)) : NULL;
        if (nul) {
            rc = ts_fail("%s: byte 0x00 (NUL) at line %zu, column %zu", path, line, (size_t)(nul - p) + 1);
            break;
        }
        const char *b = blanks(p, e);
        if (b == e) { p = next; continue; }
        if (summary_line(b, e)) {   /* -s's or -S's table: the end */
            summary = 1;
            break;
        }
        if (e - b > 5 && !memcmp(b, "LOST ", 5)) {
            rc = refuse(path, line, b, e, "perf trace lost events here: the calls on its two sides would be read as "
                        "neighbours (record again with larger buffers: perf trace -m 1024)");
            break;
        }
        int64_t t_ns, dur_ns;
        const char *bad;
        const char *q = lead(p, e, &t_ns, &dur_ns, &bad);
        if (!q && tracepoint_line(b, e)) {
            rc = refuse(path, line, b, e, "a tracepoint event (perf trace -e GROUP:EVENT): system calls alone are read");
            break;
        }
        if (!q) {
            if (b - p >= 8 && memchr(b, '(', (size_t)(e - b)) && e[-1] == ')') { p = next; continue; }   /* a stack frame */
            rc = no_call(path, line, b, e, cut);
            break;
        }
        long tid;
        char comm[256];
        const char *s = thread(q, e, &tid, comm, sizeof comm);
        if (!s) {
            rc = no_call(path, line, b, e, cut);
            break;
        }
        if (bad) {   /* (not cut: the thread follows them) */
            rc = refuse(path, line, b, e, bad);
            break;
        }
        if (t_ns != NO_TIME && !have_last) *time_at = line;
        if (t_ns != NO_TIME) last_ns = t_ns, have_last = 1;
        if (t_ns != NO_TIME && (first_ns == NO_TIME || t_ns < first_ns)) first_ns = t_ns, first_line = line;
        if (t_ns != NO_TIME && (max_ns == NO_TIME || t_ns > max_ns)) max_ns = t_ns, max_line = line;
        const int continued = e - s >= 16 && !memcmp(s, "... [continued]:", 16);
        const char *nm = continued ? blanks(s + 16, e) : s, *ne = nm;
        while (ne < e && ts__is_ident(*ne)) ne++;
        if (ne - nm == 8 && (!memcmp(nm, "majfault", 8) || !memcmp(nm, "minfault", 8))) {
            rc = refuse(path, line, b, e, "a page fault (perf trace -F/--pf): system calls alone are read (record "
                        "without -F)");
            break;
        }
        if (ne < e && *ne == ':') {
            rc = refuse(path, line, b, e, "a tracepoint event (perf trace -e GROUP:EVENT): system calls alone are read");
            break;
        }
        if (ne == nm || ne >= e || *ne != '(') {
            rc = no_call(path, line, b, e, cut);
            break;
        }
        const size_t k = ts__idmap_get(&open, tid, 1);
        if (ts__idmap_cap(&open) > wcap) {
            size_t nc = ts__idmap_cap(&open);
            wait = ts_realloc(wait, nc * sizeof *wait);
            for (size_t i = wcap; i < nc; i++) wait[i] = SIZE_MAX;
            wcap = nc;
        }
        const char *tail = e;
        while (tail > ne && tail[-1] == ' ') tail--;
        const int unfinished = tail - ne >= 3 && !memcmp(tail - 3, "...", 3);
        int64_t ret = 0;
        const int has_ret = unfinished ? 0 : ret_of(ne, e, cut, &ret, &bad);
        if (bad) {
            rc = refuse(path, line, b, e, bad);
            break;
        }
        const size_t at = wait[k];
        if (continued && at != SIZE_MAX && !strncmp(c.names[at], nm, (size_t)(ne - nm)) &&
            c.names[at][ne - nm] == 0) {
            if (x) x->has_ret[at] = (uint8_t)has_ret, x->ret[at] = ret;   /* counted at its start */
            wait[k] = SIZE_MAX;
            p = next;
            continue;
        }
        /* a new call (or one continued whose start is not in the trace: counted here) */
        char *exec = x && !continued && ne - nm == 6 && !memcmp(nm, "execve", 6) ? exec_path_of(ne, e) : NULL;
        push(&c, nm, (size_t)(ne - nm), t_ns != NO_TIME ? t_ns : have_last ? last_ns : NO_TIME, t_ns == NO_TIME, tid, comm, has_ret, ret, exec);
        wait[k] = unfinished ? c.n - 1 : SIZE_MAX;
        p = next;
    }
    ts__idmap_free(&open);
    free(wait);
    if (rc == -2) {
        if (notes) ts__note_cut(notes, path, line, "log");
        rc = 0;
    }
    /* the times count from the earliest call: one before the first line written (negative)
     * and one 2^63 ns or more after it would be past what a time holds */
    if (rc == 0 && first_ns != NO_TIME && first_ns < 0 && max_ns > INT64_MAX + first_ns)
        rc = ts_fail("%s:%zu: a time 2^63 ns or more after the earliest call's (line %zu, before the first line "
                     "written): past what a trace's clock holds", path, max_line, first_line);
    if (rc == 0 && c.n == 0 && !empty_ok)
        rc = summary ? ts_fail("%s: no system calls in perf trace's output, only the summary table of perf trace -s "
                               "(-S writes the calls and the table)", path)
                     : ts_fail("%s: no system calls in perf trace's output", path);
    if (rc) {
        for (size_t i = 0; i < c.n; i++) {
            free(c.names[i]);
            if (x) free(x->exec[i]), free(x->comm[i]);
        }
        free(c.names);
        free(c.times);
        free(c.ns);
        free(c.untimed);
        if (x) ts__strace_fields_free(x);
        return -1;
    }
    /* a '?' call (its start not in the trace) is at the time of the line before it, or at
     * its thread's next call where that is earlier: perf may print another thread's later
     * calls before a thread's first (the next ones then before the first line written).
     * One before any time is at the trace's start: 0 without -T, the earliest time with it */
    const int64_t start = first_ns != NO_TIME && first_ns >= (int64_t)TS__PERF_REL_MS * 1000000 ? first_ns : 0;
    ts__idmap next;   /* tid -> the time of its next call read (nx[]) */
    memset(&next, 0, sizeof next);
    int64_t *nx = NULL;
    size_t ncap = 0;
    for (size_t i = c.n; i-- > 0;) {
        const size_t k = ts__idmap_get(&next, x ? x->pid[i] : 0, 1);
        if (ts__idmap_cap(&next) > ncap) {
            size_t nc = ts__idmap_cap(&next);
            nx = ts_realloc(nx, nc * sizeof *nx);
            for (size_t j = ncap; j < nc; j++) nx[j] = NO_TIME;
            ncap = nc;
        }
        if (c.ns[i] == NO_TIME) c.ns[i] = start;
        if (c.untimed[i] && nx[k] != NO_TIME && nx[k] < c.ns[i]) c.ns[i] = nx[k];
        nx[k] = c.ns[i];
    }
    ts__idmap_free(&next);
    free(nx);
    free(c.untimed);
    /* a call before the first line written (a negative time, only without -T): the times
     * count from the earliest call instead */
    const int64_t shift = first_ns != NO_TIME && first_ns < 0 ? first_ns : 0;
    for (size_t i = 0; i < c.n; i++) {
        const int64_t t = c.ns[i] - shift;
        c.times[i] = (double)(t / 1000000000) + (double)(t % 1000000000) * 1e-9;
        if (x) x->ns[i] = t;
    }
    free(c.ns);
    if (shift) first_ns = 0;
    *names_out = c.names;
    *times_out = c.times;
    *n_out = c.n;
    /* without -T the times count from the trace's first event, the first call's at about 0;
     * perf's clock (-T) counts from boot, which is seconds before any trace starts */
    *relative = first_ns == NO_TIME || first_ns < (int64_t)TS__PERF_REL_MS * 1000000;
    return 0;
}

int ts_perf_trace_file(const char *path)
{
    if (!path) return ts_fail_null(__func__, "path");
    /* a pipe, FIFO or device is not looked into: what was read of it would be gone for the
     * reader that comes after */
    struct stat st;
    if (stat(path, &st) != 0) return ts_fail("%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ts_fail("%s: not a regular file (a pipe, FIFO or device): its first lines cannot be looked at without "
                       "taking them from its reader", path);
    /* the first 64 kB, through zlib (which reads plain files as they are) */
    gzFile f = gzopen(path, "rb");
    if (!f) return ts_fail("%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
    enum { HEAD = 65536 };
    char *buf = ts_malloc(HEAD);
    int got = gzread(f, buf, HEAD);
    gzclose(f);
    int rc = got < 0 ? ts_fail("%s: cannot read it", path) : ts__perf_trace_shape(buf, (size_t)got);
    free(buf);
    return rc;
}
