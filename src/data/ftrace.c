/* ftrace text -> one event per system call entry (and, when asked, per exit, named like
 * its call), or every event, as the CTF reader gives them (ts_ctf_trace).
 *
 * Read: tracefs's trace and trace_pipe files and trace-cmd report's output, whose event
 * lines are
 *            bash-1234    [002] d..2.  5678.123456: EVENT
 *   COMM-PID, "(TGID)" with options/record-tgid ("(-------)" not known), [CPU], the flags
 *   unless irq-info is off, the time: seconds with microseconds (trace_clock local, global,
 *   mono, boot, ...), more digits (trace-cmd report -t), or a bare count (counter, uptime,
 *   x86-tsc: no time).
 * EVENT is
 *   sys_openat(dfd: 0xffffff9c, ...)    syscalls:* entry, as the kernel prints it
 *   sys_openat -> 0x3                    syscalls:* exit (the value as unsigned hex)
 *   sys_enter_openat: dfd: ...           the same through libtraceevent (trace-cmd report)
 *   sys_exit_openat: 0x3
 *   sys_enter: NR 257 (ffffff9c, ...)    raw_syscalls: named through the architecture's
 *   sys_exit: NR 257 = 3                 table (ts_syscall_by_number), else nr_257
 *                                        (an exit of NR -1, rt_sigreturn's: the thread's call)
 *   NAME: ...                            any other event, named NAME
 * With options/fields each field is named, a number in hex then in decimal: "sys_enter: id=0x101
 * (257) args=...", "sys_exit: id=0x101 (257) ret=0x3 (3)", "sys_exit_openat: __syscall_nr=0x101
 * (257) ret=0x3 (3)", "sched_switch: ... prev_pid=0x15a7 (5543) ..."; read alike.
 * and the lines between them:
 *   # tracer: nop, # entries-in-buffer/entries-written: A/B   #P:N, the column header
 *                                        (A and B count every CPU's events, in per_cpu/cpuN/trace too)
 *   CPU:1 [LOST 123 EVENTS]              lost events (trace_pipe; "[LOST EVENTS]": a count
 *   CPU:1 [123 EVENTS DROPPED]            not known); trace-cmd report's words for them
 *   ##### CPU 1 buffer started ####      the CPU's older events were overwritten
 *   cpus=2, CPU 1 is empty               trace-cmd report's header
 * Another tracer's lines (function, function_graph), latency-format and the raw, hex and
 * bin options (whose events are type numbers) are refused, each named.
 * perf script's text is read alike, one format per file: its lines
 *               ls  6466 [000] 51027.066180: raw_syscalls:sys_enter: NR 12 (0, ...)
 *   COMM right-aligned, the TID ("PID/TID" with -F +pid), [CPU], the time, then the event
 *   with its group ("syscalls:sys_enter_brk: brk: 0x0"), its text as libtraceevent prints
 *   it (trace-cmd report's); a sample of an event that is no tracepoint is named as perf
 *   names it, its modifier kept ("cpu-clock: ", "cycles:u: ", "cpu/event=0x3c/: "), its text
 *   (the sample's address) not read; with --show-lost-events, "... TIME: PERF_RECORD_LOST lost 37"
 *   is a marker of the events the CPU's buffer lost; ":-1    -1 [000]" a sample of a thread
 *   perf does not know (thread -1). Refused, each named: text without the CPU or the TID
 *   column, a PID column alone (-F pid: printed as the TID's, told from it where a
 *   sched_switch's prev_pid is not its line's thread), the sample's address after an exit's value (-F +ip), callchain lines (record -g),
 *   --deltatime's times and the side-band records (PERF_RECORD_MMAP, ...). Each CPU's times
 * must not go back (an error, across a loss marker too: perf's marker's own time, when the
 * record was written, is not read, as ftrace's markers have none); CPUs may interleave out of order (trace_pipe reads each
 * CPU's buffer as it fills), so the events are sorted by time, keeping each file's order
 * among equal times. A last line without its newline is read as with it; one that does not
 * read so (an event cut before its name ends, a marker before its bracket) was cut while
 * written: left out, with a note. */
#include "common/common_internal.h"
#include "common/idmap.h"
#include "data_internal.h"
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "tracesynth/eval.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_ENTRY = TS__FT_ENTRY, K_EXIT = TS__FT_EXIT, K_OTHER = TS__FT_OTHER, K_LOST = TS__FT_LOST };

typedef struct {
    int64_t  ns, tid;
    int64_t  val;        /* exit: the return value; K_LOST: the count, -1 unknown */
    long     nr;         /* raw_syscalls: the number (name NULL until named) */
    const char *name;    /* the call's or the event's (interned) */
    const char *comm;    /* interned; NULL: unknown ("<...>") */
    size_t   seq;        /* input order, for a stable sort */
    int32_t  cpu;
    uint8_t  kind, raw, has_val, recon;
} rec;

typedef struct {
    rec     *r;
    size_t   n, cap;
    int      clock;      /* 1: seconds with a fraction, 2: bare counts; 0: not yet seen */
    int      has_named, has_raw;   /* syscalls:* and raw_syscalls events */
    int      perf, perf_lost;      /* lines of perf script's text, its PERF_RECORD_LOST lines */
    int64_t  ncpus;      /* #P from the header, largest CPU + 1 */
    int64_t  lost;       /* the counts of the files' markers so far (their sums fit) */
    ts__notes notes;
    ts__interner strs;   /* the names and comms */
} reader;

void ts__note(ts__notes *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    n->text = ts_realloc(n->text, n->len + (size_t)len + 2);
    va_start(ap, fmt);
    vsnprintf(n->text + n->len, (size_t)len + 1, fmt, ap);
    va_end(ap);
    n->len += (size_t)len;
    n->text[n->len++] = '\n';
    n->text[n->len] = 0;
}

void ts__note_cut(ts__notes *n, const char *path, size_t line, const char *what)
{
    ts__note(n, "%s:%zu: the %s ends in the middle of this line: left out", path, line, what);
}

static rec *add_rec(reader *rd)
{
    if (rd->n == rd->cap) {
        rd->cap = rd->cap ? 2 * rd->cap : 4096;
        rd->r = ts_realloc(rd->r, rd->cap * sizeof *rd->r);
    }
    rec *x = &rd->r[rd->n];
    memset(x, 0, sizeof *x);
    x->seq = rd->n++;
    return x;
}

/* markers whose counts add up past what a count holds: the totals would wrap */
#define LOST_SUM TS__LOST_SUM("marker (those of the files read before it too)")

static int bad_line(const char *path, size_t line, const char *s, const char *e, const char *why)
{
    char *q = ts__excerpt(s, (size_t)(e - s), 60);
    ts_fail("%s:%zu: %s: '%s'", path, line, why, q);
    free(q);
    return -1;
}

static const char *blanks(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    return p;
}

/* a line of a window file (split's training/validation/testing, generate's OUT.txt): event
 * IDs separated by commas, nothing else */
static int window_line(const char *p, const char *e)
{
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    p = blanks(p, e);
    if (p == e) return 0;
    for (;;) {
        const char *d = p;
        while (p < e && *p >= '0' && *p <= '9') p++;
        if (p == d) return 0;
        if (p == e) return 1;
        if (*p++ != ',') return 0;
    }
}

const char *ts__digits(const char *p, const char *e, int64_t *v)
{
    const char *s = p;
    int64_t x = 0;
    for (; p < e && *p >= '0' && *p <= '9'; p++)
        if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, *p - '0', &x)) x = INT64_MAX;
    *v = x;
    return p > s ? p : NULL;
}

/* "SECONDS[.FRACTION]:" at p: the time in ns (a bare count as it is; digits past the ns
 * dropped), -1 from 2^63 on (2^63 - 1 itself is a time); *clock 1 or 2 as above, *ndig the
 * fraction's digits; the end after the ':', or NULL */
static const char *timestamp(const char *p, const char *e, int64_t *ns, int *clock, int *ndig)
{
    int64_t sec = 0, frac = 0;
    int over = 0;
    const char *q = p;
    for (; q < e && *q >= '0' && *q <= '9'; q++)
        over |= __builtin_mul_overflow(sec, 10, &sec) || __builtin_add_overflow(sec, *q - '0', &sec);
    if (q == p) return NULL;
    *clock = 2;
    *ndig = 0;
    if (q < e && *q == '.') {
        int digits = 0;
        for (q++; q < e && *q >= '0' && *q <= '9'; q++)
            if (digits < 9) frac = frac * 10 + (*q - '0'), digits++;
        if (!digits) return NULL;
        *ndig = digits;
        while (digits++ < 9) frac *= 10;
        *clock = 1;
        over |= __builtin_mul_overflow(sec, 1000000000, &sec) || __builtin_add_overflow(sec, frac, &sec);
    }
    *ns = over ? -1 : sec;
    return q < e && *q == ':' ? q + 1 : NULL;
}

typedef struct {
    const char *comm, *comm_end, *event;   /* event: after the time's ':' and blanks */
    const char *time_end;                  /* after the time's ':' */
    int64_t     pid, cpu, ns;
    int         clock, frac, tgid, flags;  /* flags: their width, 0 none */
    int         perf;                      /* perf script's "COMM TID [CPU] TIME:" */
    int64_t     proc;                      /* perf's "PID/TID" (has_proc): the PID, -1 not known */
    int         has_proc, w_proc, w_tid;   /* perf: the widths of the PID's and the TID's columns */
    int64_t     tgid_val;                  /* ftrace's "(TGID)" (tgid): the TGID, -1 "(-------)" */
    int         w_tgid;                    /* the width inside its parentheses */
} head;

/* the rest of "COMM-PID [(TGID)] [CPU] [FLAGS] TIME:" after the comm [s, d) and its '-' at
 * d, into h: 0 when it fits */
static int head_at(const char *s, const char *d, const char *e, head *h)
{
    const char *q = ts__digits(d + 1, e, &h->pid);
    if (!q || q == e || (*q != ' ' && *q != '\t')) return -1;
    q = blanks(q, e);
    h->tgid = q < e && *q == '(';
    h->tgid_val = -1;
    h->w_tgid = 0;
    if (h->tgid) {   /* record-tgid: "(%7d)", "(-------)" when unknown */
        const char *open = q;
        q = blanks(q + 1, e);
        const char *num = q;
        while (q < e && ((*q >= '0' && *q <= '9') || *q == '-')) q++;
        if (q == e || *q != ')') return -1;
        int64_t v;
        if (q > num && ts__digits(num, q, &v) == q) h->tgid_val = v;   /* (else dashes: not known) */
        h->w_tgid = (int)(q - open - 1);
        q = blanks(q + 1, e);
    }
    if (q == e || *q != '[') return -1;
    q = ts__digits(q + 1, e, &h->cpu);
    if (!q || q == e || *q != ']' || h->cpu > 65535) return -1;
    q = blanks(q + 1, e);
    const char *t = timestamp(q, e, &h->ns, &h->clock, &h->frac);
    h->flags = 0;
    if (!t) {   /* the flags first ("d..2.", four of them on older kernels) */
        const char *f = q;
        while (q < e && *q != ' ' && *q != '\t') q++;
        h->flags = (int)(q - f);
        t = timestamp(blanks(q, e), e, &h->ns, &h->clock, &h->frac);
    }
    if (!t) return -1;
    h->comm = s;
    h->comm_end = d;
    h->time_end = t;
    h->event = blanks(t, e);
    h->perf = 0;
    h->has_proc = h->w_proc = h->w_tid = 0;
    return 0;
}

/* the largest pid Linux gives (PID_MAX_LIMIT, 2^22) */
#define PID_MAX 4194304

/* a thread's name (comm) is at most 15 bytes (TASK_COMM_LEN 16, its NUL) */
#define COMM_MAX 16

/* "COMM-PID [(TGID)] [CPU] [FLAGS] TIME:" at s (after the blanks that right-align the comm
 * in 16 columns, "%16s-%-7d"). The comm may be any bytes: '-', blanks, digits, brackets,
 * ':', even a header of its own ("a-1 [000] 1.0:"), so each '-' is tried. The one after the
 * comm is followed by its PID, CPU and time, where no other '-' fits: of those that fit
 * within the comm's 16 bytes it is the last (an earlier one is inside the comm); a longer
 * name (not the kernel's) takes the first that fits. The comm may be empty
 * (prctl(PR_SET_NAME, "")) */
static int parse_head(const char *s, const char *e, head *h)
{
    head c;
    int found = 0;
    const char *d = s;
    for (; d < e && d - s <= COMM_MAX; d++)
        if (*d == '-' && head_at(s, d, e, &c) == 0) *h = c, found = 1;
    if (found) return 0;
    for (; d < e; d++)
        if (*d == '-' && head_at(s, d, e, h) == 0) return 0;
    return -1;
}

/* perf script's "[CPU] TIME:" at the '[' k of [s, e), the thread number before it and a
 * blank before that, into h: 0 when it fits, -2 when it does but for a CPU above 65535 */
static int perf_head_at(const char *s, const char *k, const char *e, head *h)
{
    const char *q = ts__digits(k + 1, e, &h->cpu);
    if (!q || q == e || *q != ']') return -1;
    if (q + 1 == e || (q[1] != ' ' && q[1] != '\t')) return -1;
    const char *t = timestamp(blanks(q + 1, e), e, &h->ns, &h->clock, &h->frac);
    if (!t) return -1;
    /* back from the '[': blanks, the thread number ("PID/TID": the TID; -1 a thread perf does
     * not know), a blank */
    const char *p = k;
    while (p > s && (p[-1] == ' ' || p[-1] == '\t')) p--;
    if (p == k) return -1;
    const char *d = p;
    while (d > s && ((d[-1] >= '0' && d[-1] <= '9') || d[-1] == '/' || d[-1] == '-')) d--;
    const char *sl = memchr(d, '/', (size_t)(p - d)), *tid = sl ? sl + 1 : d;
    if (sl && memchr(sl + 1, '/', (size_t)(p - sl - 1))) return -1;
    /* each number: digits, or -1 */
    for (int part = 0; part < 2; part++) {
        const char *a = part ? tid : d, *z = part ? p : (sl ? sl : d);
        if (!part && !sl) continue;
        int neg = a < z && *a == '-';
        int64_t v;
        if (ts__digits(a + neg, z, &v) != z || (neg && v != 1)) return -1;
        if (part) h->pid = neg ? -1 : v;
        else h->proc = neg ? -1 : v;
    }
    if (d > s && d[-1] != ' ' && d[-1] != '\t') return -1;
    const char *ce = d;
    while (ce > s && (ce[-1] == ' ' || ce[-1] == '\t')) ce--;
    h->comm = s;
    h->comm_end = ce;
    h->tgid = h->flags = 0;
    h->tgid_val = -1;
    h->w_tgid = 0;
    h->perf = 1;
    h->has_proc = sl != NULL;
    /* the numbers' columns after the blank that ends the comm's ("%16s %5d [", "%5d/%-5d [",
     * %7d since perf 6.5): their widths, 0 when the comm is empty (its blanks are the indent) */
    h->w_proc = h->w_tid = 0;
    if (ce > s && sl) h->w_proc = (int)(sl - ce - 1), h->w_tid = (int)(k - sl - 2);
    else if (ce > s) h->w_tid = (int)(p - ce - 1);
    h->time_end = t;
    h->event = blanks(t, e);
    return h->cpu > 65535 ? -2 : 0;
}

/* perf script's "COMM TID [CPU] TIME:" at s (after the blanks that right-align the comm in 16
 * columns, "%16s %5d"; "PID/TID" with -F +pid). The comm may be any bytes, blanks and
 * digits, even a head of its own ("a 5 [0] 1.0:"), so each '[' is tried: of those that fit
 * with the comm within its 16 bytes the last (an earlier one is inside the comm), else the
 * first that fits. The comm is empty where perf knew no name (then ":TID"). -2: none fits
 * but for a CPU above 65535 */
static int perf_head(const char *s, const char *e, head *h)
{
    head c;
    int found = 0, big_cpu = 0;
    for (const char *k = memchr(s, '[', (size_t)(e - s)); k; k = memchr(k + 1, '[', (size_t)(e - k - 1))) {
        const int rc = perf_head_at(s, k, e, &c);
        big_cpu |= rc == -2;
        if (rc != 0) continue;
        if (c.comm_end - s > COMM_MAX) {
            if (!found) *h = c;
            return 0;
        }
        *h = c;
        found = 1;
    }
    return found ? 0 : big_cpu ? -2 : -1;
}

/* a line of perf script's text printed without its thread column: "COMM [CPU] TIME: EVENT"
 * (a line perf_head does not read) */
static int perf_without_tid(const char *s, const char *e)
{
    for (const char *k = memchr(s, '[', (size_t)(e - s)); k; k = memchr(k + 1, '[', (size_t)(e - k - 1))) {
        int64_t cpu, ns;
        int clock, frac;
        const char *q = ts__digits(k + 1, e, &cpu);
        if (!q || q + 1 >= e || *q != ']' || (q[1] != ' ' && q[1] != '\t')) continue;
        if (timestamp(blanks(q + 1, e), e, &ns, &clock, &frac) && (k == s || k[-1] == ' ' || k[-1] == '\t')) return 1;
    }
    return 0;
}

/* a strace log's call line: "[PID ]" "[TIME ]" NAME(...) then " = RET" or "<unfinished ...>"
 * (strace -f -ttt -T's shapes; ingest --from strace reads them); the pid may carry -Y's
 * "<NAME>" and be strace's "[pid PID]" to a terminal */
static int strace_call_line(const char *s, const char *e)
{
    const char *p = s;
    const int bracket = e - p > 5 && !memcmp(p, "[pid ", 5);
    if (bracket) p = blanks(p + 5, e);
    for (int tok = 0; tok < 2; tok++) {   /* a pid, then a time (digits, '.', ':') */
        const char *q = p;
        while (q < e && ((*q >= '0' && *q <= '9') || *q == '.' || *q == ':')) q++;
        if (tok == 0 && q > p && q < e && *q == '<') {   /* -Y's name: '>' within it is quoted */
            const char *g = memchr(q, '>', (size_t)(e - q));
            q = g ? g + 1 : e;
        }
        if (tok == 0 && bracket && q < e && *q == ']') q++;
        if (q > p && q < e && (*q == ' ' || *q == '\t')) p = blanks(q, e);
    }
    const char *n = p;
    while (n < e && (*n == '_' || (*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9'))) n++;
    if (n == p || n >= e || *n != '(' || (*p >= '0' && *p <= '9')) return 0;
    return memmem(n, (size_t)(e - n), ") = ", 4) || memmem(n, (size_t)(e - n), "<unfinished ...>", 16);
}

/* a line of perf script's text printed without its CPU column: "COMM TID TIME: EVENT" */
static int perf_without_cpu(const char *s, const char *e)
{
    for (const char *c = memchr(s, ':', (size_t)(e - s)); c; c = memchr(c + 1, ':', (size_t)(e - c - 1))) {
        const char *t = c;
        while (t > s && ((t[-1] >= '0' && t[-1] <= '9') || t[-1] == '.')) t--;
        if (t == c || !memchr(t, '.', (size_t)(c - t)) || t == s || (t[-1] != ' ' && t[-1] != '\t')) continue;
        const char *p = t;
        while (p > s && (p[-1] == ' ' || p[-1] == '\t')) p--;
        const char *d = p;
        while (d > s && ((d[-1] >= '0' && d[-1] <= '9') || d[-1] == '/')) d--;
        if (d < p && (d == s || d[-1] == ' ' || d[-1] == '\t')) return 1;
    }
    return 0;
}

/* a line of a sample's callchain, as perf script prints them after it: a tab, the address
 * in hex, then the symbol */
static int callchain_line(const char *b, const char *s, const char *e)
{
    const char *q = s;
    while (q < e && isxdigit((unsigned char)*q)) q++;
    return *b == '\t' && q > s && (q == e || *q == ' ');
}

/* a carriage return in the line [s, e) (its CRLF's taken off) that ends a line: one followed
 * by an event line's "COMM-PID [CPU] [FLAGS] TIME:" or perf script's "COMM TID [CPU] TIME:"
 * (a file whose lines end in CR alone, their events hidden in the text of the line before),
 * else NULL. ftrace and perf print a CR as it is in a trace_marker's text and in a thread's
 * name: one inside the line's own name is not one */
static const char *cr_line_end(const char *s, const char *e)
{
    const char *r = memchr(s, '\r', (size_t)(e - s));
    if (!r) return NULL;
    head h;
    const char *own = s;
    if ((parse_head(s, e, &h) == 0 || perf_head(s, e, &h) == 0) && h.comm_end - s <= COMM_MAX) own = h.comm_end;
    for (; r; r = memchr(r + 1, '\r', (size_t)(e - r - 1))) {
        const char *n = memchr(r + 1, '\r', (size_t)(e - r - 1)), *ne = n ? n : e, *q = blanks(r + 1, ne);
        if (r >= own && (parse_head(q, ne, &h) == 0 || perf_head(q, ne, &h) == 0)) return r;
    }
    return NULL;
}

/* "CPU:N [LOST C EVENTS]", "CPU:N [LOST EVENTS]", trace-cmd's "CPU:N [C EVENTS DROPPED]" and
 * "CPU:N [EVENTS DROPPED]": 0 with the CPU and the count (-1: not known); -2 for such a
 * marker of a CPU above 65535; else -1 */
static int lost_marker(const char *s, const char *e, int64_t *cpu, int64_t *count)
{
    if (e - s < 5 || memcmp(s, "CPU:", 4)) return -1;
    const char *q = ts__digits(s + 4, e, cpu);
    if (!q || q + 2 > e || memcmp(q, " [", 2)) return -1;
    q += 2;
    int lost = e - q >= 5 && !memcmp(q, "LOST ", 5);
    if (lost) q += 5;
    int64_t v;
    const char *c = ts__digits(q, e, &v);
    *count = c ? v : -1;
    if (c) {
        if (c == e || *c != ' ') return -1;
        q = c + 1;
    }
    const char *tail = lost ? "EVENTS]" : "EVENTS DROPPED]";
    size_t tl = strlen(tail);
    if ((size_t)(e - q) != tl || memcmp(q, tail, tl)) return -1;
    return *cpu <= 65535 ? 0 : -2;
}

/* "##### CPU N buffer started ####" (-2: of a CPU above 65535) */
static int buffer_started(const char *s, const char *e, int64_t *cpu)
{
    if (e - s < 10 || memcmp(s, "##### CPU ", 10)) return -1;
    const char *q = ts__digits(s + 10, e, cpu);
    static const char tail[] = " buffer started ####";
    if (!q || (size_t)(e - q) != sizeof tail - 1 || memcmp(q, tail, sizeof tail - 1)) return -1;
    return *cpu <= 65535 ? 0 : -2;
}

/* "type: N" at q, an event's type number as the raw, hex and bin options print the trace
 * events' (trace_nop_print): its end, or NULL */
static const char *type_number(const char *q, const char *e)
{
    int64_t v;
    return e - q > 6 && !memcmp(q, "type: ", 6) ? ts__digits(q + 6, e, &v) : NULL;
}

/* of a line [s, e) that is no event line: what it is when the raw or hex option printed it
 * (kernel/trace/trace.c: print_raw_fmt, print_hex_fmt), the reason to give, else NULL.
 * Each line is the PID, CPU and time, then the event's type number ("type: 312"; a
 * trace_marker's text under raw, "# ffffffff81234567 TEXT"); without context-info, the
 * type number alone */
static const char *raw_or_hex(const char *s, const char *e)
{
    static const int width[3] = {8, 8, 16};   /* hex: 4, 4 and 8 bytes, each then a blank */
    const char *q = s;
    int k = 0;
    for (; k < 3; k++, q++) {
        const char *f = q;
        while (q < e && ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f'))) q++;
        if (q - f != width[k] || q == e || *q != ' ') break;
    }
    if (k == 3)
        return "looks like ftrace's hex output (options/hex set), whose events are type numbers: not read "
               "(echo nohex > trace_options)";
    for (q = s, k = 0; k < 3; k++, q++) {   /* raw: in decimal */
        int64_t v;
        q = ts__digits(q, e, &v);
        if (!q || q == e || *q != ' ') break;
    }
    if (k == 3 && (type_number(q, e) == e || (e - q > 2 && !memcmp(q, "# ", 2))))
        return "looks like ftrace's raw output (options/raw set), whose events are type numbers: not read "
               "(echo noraw > trace_options)";
    if (type_number(s, e) == e)
        return "an event shown by its type number alone: ftrace's raw, hex or bin output without context-info, "
               "not read (echo noraw, nohex, nobin and context-info > trace_options)";
    return NULL;
}

/* a NUL byte at z in [buf, end): 1 when it is in what the bin option prints (print_bin_fmt):
 * each event its PID, CPU and time in binary, 4, 4 and 8 bytes (the PID's high byte a
 * NUL), then its type number as text, "type: 312\n"; *at: where the first begins */
static int bin_output(const char *buf, const char *end, const char *z, const char **at)
{
    const char *lim = end - z > 24 ? z + 24 : end;
    const char *r = memmem(z, (size_t)(lim - z), "type: ", 6);
    if (!r || r - buf < 16 || r - z > 16) return 0;
    const char *first = r - 16, *q = type_number(r, end);
    *at = first;
    return (first == buf || first[-1] == '\n') && q && q < end && *q == '\n';
}

/* [s, e) as a string of rd's, the same one each time */
void ts__interner_init(ts__interner *in)
{
    memset(in, 0, sizeof *in);
    ts__strmap_init(&in->map, 256);
}

void ts__interner_free(ts__interner *in)
{
    for (int32_t i = 0; i < in->n; i++) free(in->str[i]);
    free(in->str);
    free(in->key);
    ts__strmap_free(&in->map);
}

int32_t ts__intern(ts__interner *in, const char *s, const char *e)
{
    size_t len = (size_t)(e - s);
    if (len >= in->keycap) in->key = ts_realloc(in->key, in->keycap = len + 64);
    memcpy(in->key, s, len);
    in->key[len] = 0;
    int32_t k = ts__strmap_get(&in->map, in->key);
    if (k >= 0) return k;
    if ((in->n & (in->n - 1)) == 0)   /* at 0, 1, 2, 4, ...: room doubled */
        in->str = ts_realloc(in->str, (in->n ? 2 * (size_t)in->n : 1) * sizeof *in->str);
    in->str[in->n] = ts_strdup(in->key);
    ts__strmap_put(&in->map, in->str[in->n], in->n);
    return in->n++;
}

static const char *intern(reader *rd, const char *s, const char *e)
{
    int32_t id = ts__intern(&rd->strs, s, e);   /* (it may move str) */
    return rd->strs.str[id];
}

/* "[-]DIGITS" at q in [q, e): its end, the value in *v; NULL when none */
static const char *signed_digits(const char *q, const char *e, int64_t *v)
{
    int neg = q < e && *q == '-';
    q = ts__digits(q + neg, e, v);
    if (q && neg) *v = -*v;
    return q;
}

/* "PREV:PID [PRIO] S ==> NEXT:PID [PRIO]" (trace-cmd report's sched_switch): the PID before
 * the first '[' of [s, e) */
static int report_pid(const char *s, const char *e, int64_t *v)
{
    const char *br = memchr(s, '[', (size_t)(e - s));
    if (!br) return -1;
    const char *c = br;
    while (c > s && c[-1] != ':') c--;
    if (c == s) return -1;
    int64_t x;
    const char *q = ts__digits(c, br, &x);
    if (!q || (q < br && *q != ' ')) return -1;
    *v = x;
    return 0;
}

int ts__ftrace_switch(const char *s, const char *e, int64_t *prev, int64_t *next)
{
    if (!ts__ftrace_arg_int(s, e, "prev_pid", prev) && !ts__ftrace_arg_int(s, e, "next_pid", next)) return 0;
    const char *arrow = memmem(s, (size_t)(e - s), "==>", 3);
    if (arrow && !report_pid(s, arrow, prev) && !report_pid(arrow, e, next)) return 0;
    *prev = *next = -1;
    return -1;
}

int ts__ftrace_arg_int(const char *s, const char *e, const char *key, int64_t *v)
{
    size_t kl = strlen(key);
    for (const char *p = s; p + kl + 1 < e; p++) {
        if ((p > s && p[-1] != ' ') || memcmp(p, key, kl) || p[kl] != '=') continue;
        const char *q = p + kl + 1;
        if (e - q > 2 && q[0] == '0' && q[1] == 'x') {
            /* options/fields: "0x15a7 (5543)", the hex then the value in decimal */
            const char *h = q + 2;
            while (h < e && isxdigit((unsigned char)*h)) h++;
            if (h == q + 2 || e - h < 4 || memcmp(h, " (", 2)) return -1;
            q = signed_digits(h + 2, e, v);
            if (!q || q == e || *q != ')') return -1;
            q++;
        } else {
            q = signed_digits(q, e, v);
        }
        if (!q || (q < e && *q != ' ')) return -1;
        return 0;
    }
    return -1;
}

/* the number at v as strtoull and strtoll read it (*end after it): an exit's value, the
 * kernel's long, which ftrace prints unsigned in hex; up to 2^64 - 1 the signed value of
 * those bits. 0, or -1 when it is past 64 bits */
static int value64(const char *v, char **end, int64_t *out)
{
    const char *w = v;
    while (isspace((unsigned char)*w)) w++;   /* (as strtoull skips them) */
    errno = 0;
    if (*w == '-') *out = strtoll(v, end, 0);
    else *out = (int64_t)strtoull(v, end, 0);
    return errno == ERANGE ? -1 : 0;
}

#define RET_RANGE "a return value outside 64 bits"
/* perf script -F +ip (+sym, +dso, ...) prints the sample's address after the event's text,
 * where an exit's value ends */
#define PERF_IP "perf script's text with the sample's address after the event (-F +ip): not read (perf script -F -ip)"

/* the first control byte in [s, e), else NULL: a name that is no identifier holding one
 * (damage, or a line's end within it) is refused, since no names file or dataset holds it */
static const char *control_byte(const char *s, const char *e)
{
    for (; s < e; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return s;
    return NULL;
}

/* "an event name holding a control byte (0x0D)" at c */
static int control_refused(const char *path, size_t line, const char *b, const char *e, const char *c)
{
    char why[80];
    snprintf(why, sizeof why, "an event name holding a control byte (0x%02X)", (unsigned)(unsigned char)*c);
    return bad_line(path, line, b, e, why);
}

/* tracesynth fill's line for a reconstructed event, "tracesynth_reconstructed: event=NAME
 * tid=N ...": x becomes the event NAME stands for (sys_enter_X, sys_exit_X: X's entry and
 * exit, without a value), of thread N (-1: not known) */
static int parse_recon(const char *path, size_t line, const char *b, const char *e, ts__ft_line *x)
{
    const char *s = x->args, *ne;
    int64_t tid;
    if (e - s < 7 || memcmp(s, "event=", 6) || ts__ftrace_arg_int(s, e, "tid", &tid))
        return bad_line(path, line, b, e, "malformed " TS_FTRACE_RECON " event (no 'event=NAME ... tid=N')");
    s += 6;
    /* (as perf names the event: "cycles:u", "cpu/cycles/u"; no name holds a blank) */
    for (ne = s; ne < e && *ne != ' ' && *ne != '\t'; ne++) {}
    if (ne == s || ne - s > 63 || (ne < e && *ne != ' '))
        return bad_line(path, line, b, e, "malformed " TS_FTRACE_RECON " event (no 'event=NAME ... tid=N')");
    const char *c = control_byte(s, ne);
    if (c) return control_refused(path, line, b, e, c);
    if (tid < -1 || tid > PID_MAX)   /* (past 2^63 the digits saturate: two threads would be one) */
        return bad_line(path, line, b, e, "a tid outside Linux's 0 to 4194304 (-1: not known) in " TS_FTRACE_RECON);
    size_t len = (size_t)(ne - s);
    x->recon = 1;
    x->tid = tid;
    x->name = s;
    x->name_end = ne;
    x->kind = K_OTHER;
    if (len > 10 && !memcmp(s, "sys_enter_", 10)) x->kind = K_ENTRY, x->name += 10;
    else if (len > 9 && !memcmp(s, "sys_exit_", 9)) x->kind = K_EXIT, x->name += 9;
    return 0;
}

/* the event text after the time: its kind, name and values into x; 0, or -1 + error */
static int parse_event(const char *path, size_t line, const char *b, const char *s, const char *e, ts__ft_line *x)
{
    const char *ne = s;
    while (ne < e && ts__is_ident(*ne)) ne++;
    if (ne == s) return bad_line(path, line, b, e, "no event name after the time");
    if (ne - s > 63) return bad_line(path, line, b, e, "event name longer than 63 bytes");
    int sys = ne - s > 4 && !memcmp(s, "sys_", 4);
    if (ne < e && *ne == '(') {   /* the kernel's syscalls:* entry */
        if (!sys) return bad_line(path, line, b, e, "'NAME(' that is no system call (sys_NAME)");
        x->kind = K_ENTRY;
        x->name = s + 4;
        x->name_end = ne;
        return 0;
    }
    if (e - ne >= 4 && !memcmp(ne, " -> ", 4)) {   /* its exit */
        const char *v = ne + 4;
        char *ve;
        if (!sys || v == e || *v == '-') return bad_line(path, line, b, e, "malformed system call exit 'sys_NAME -> VALUE'");
        int64_t u;
        const int range = value64(v, &ve, &u);
        if (ve == v || ve != e) return bad_line(path, line, b, e, "malformed system call exit 'sys_NAME -> VALUE'");
        if (range) return bad_line(path, line, b, e, RET_RANGE);
        x->kind = K_EXIT;
        x->name = s + 4;
        x->name_end = ne;
        x->val = u;
        x->has_val = 1;
        return 0;
    }
    if (ne == e || *ne != ':') return bad_line(path, line, b, e, "not an event line ('NAME: ...' after the time)");
    const char *args = blanks(ne + 1, e);
    x->args = args;
    size_t len = (size_t)(ne - s);
    if ((len == 9 && !memcmp(s, "sys_enter", 9)) || (len == 8 && !memcmp(s, "sys_exit", 8))) {
        /* raw_syscalls: "NR 257 (args)", "NR 257 = 3" */
        int enter = len == 9;
        char *q;
        int64_t id, fr;
        if (e - args > 3 && !memcmp(args, "id=", 3)) {   /* options/fields: "id=0x101 (257) ret=0x3 (3)" */
            if (ts__ftrace_arg_int(args, e, "id", &id) || (!enter && ts__ftrace_arg_int(args, e, "ret", &fr)))
                return bad_line(path, line, b, e, enter ? "malformed raw_syscalls event (no 'id=0xN (N)')"
                                                        : "malformed raw_syscalls exit (no 'id=0xN (N) ret=0xV (V)')");
            if (!enter) x->val = fr, x->has_val = 1;
            x->kind = enter ? K_ENTRY : K_EXIT;
            x->raw = 1;
            x->nr = (long)id;
            return 0;
        }
        if (e - args < 4 || memcmp(args, "NR ", 3)) return bad_line(path, line, b, e, "malformed raw_syscalls event (no 'NR N')");
        errno = 0;
        long nr = strtol(args + 3, &q, 10);   /* (the text goes on past e: never to read there) */
        if (q == args + 3 || q > e || (q < e && *q != ' ')) return bad_line(path, line, b, e, "malformed raw_syscalls event (no 'NR N')");
        if (errno == ERANGE) return bad_line(path, line, b, e, "a system call number outside 64 bits");
        if (!enter) {
            if (e - q < 4 || memcmp(q, " = ", 3)) return bad_line(path, line, b, e, "malformed raw_syscalls exit (no '= VALUE')");
            const char *v = q + 3;
            int64_t r;
            const int range = value64(v, &q, &r);
            if (x->perf && q != v && q < e && (*q == ' ' || *q == '\t')) return bad_line(path, line, b, e, PERF_IP);
            if (q == v || q != e) return bad_line(path, line, b, e, "malformed raw_syscalls exit (no '= VALUE')");
            if (range) return bad_line(path, line, b, e, RET_RANGE);
            x->val = r;
            x->has_val = 1;
        }
        x->kind = enter ? K_ENTRY : K_EXIT;
        x->raw = 1;
        x->nr = nr;
        return 0;
    }
    if (len > 10 && !memcmp(s, "sys_enter_", 10)) {   /* libtraceevent's syscalls:* */
        x->kind = K_ENTRY;
        x->name = s + 10;
        x->name_end = ne;
        return 0;
    }
    if (len > 9 && !memcmp(s, "sys_exit_", 9)) {
        char *q;
        int64_t r;
        const int range = value64(args, &q, &r);   /* (printed as unsigned hex: the bits are the value) */
        if (x->perf && q != args && blanks(q, e) != e) return bad_line(path, line, b, e, PERF_IP);
        if (q != args && blanks(q, e) == e) {
            if (range) return bad_line(path, line, b, e, RET_RANGE);
            x->val = r;
            x->has_val = 1;
        } else if (q == args && e - args > 13 && !memcmp(args, "__syscall_nr=", 13) &&
                   ts__ftrace_arg_int(args, e, "ret", &r) == 0) {   /* options/fields: "... ret=0x3 (3)" */
            x->val = r;
            x->has_val = 1;
        }
        x->kind = K_EXIT;
        x->name = s + 9;
        x->name_end = ne;
        return 0;
    }
    x->kind = K_OTHER;
    x->name = s;
    x->name_end = ne;
    if (len == sizeof TS_FTRACE_RECON - 1 && !memcmp(s, TS_FTRACE_RECON, len)) return parse_recon(path, line, b, e, x);
    return 0;
}

const char *ts__perf_tracepoint(const char *s, const char *e)
{
    const char *g = s, *v;
    while (g < e && ts__is_ident(*g)) g++;
    if (g == s || g == e || *g != ':' || g + 1 == e) return NULL;
    int mods = 1;
    for (v = g + 1; v < e && ts__is_ident(*v); v++) mods &= strchr("ukhpPGHSDIWebRx", *v) != NULL;
    return v == e && !mods ? g + 1 : NULL;
}

/* the CPU of a file's line: hdr's one CPU, or -2 (several) */
static void header_cpu(ts__ft_header *hdr, int64_t cpu)
{
    if (hdr->cpu == -1) hdr->cpu = (int32_t)cpu;
    else if (hdr->cpu != cpu) hdr->cpu = -2;
}

/* per CPU (each file's): the time of its latest event, that event's line, and the line of
 * the loss marker after it (0: none), for CPUs 0..cpu */
typedef struct {
    int64_t *last;
    size_t  *line, *lost, n;
} cpu_times;

static void cpu_times_room(cpu_times *t, int64_t cpu)
{
    if ((size_t)cpu < t->n) return;
    size_t nn = (size_t)cpu + 1;
    t->last = ts_realloc(t->last, nn * sizeof *t->last);
    t->line = ts_realloc(t->line, nn * sizeof *t->line);
    t->lost = ts_realloc(t->lost, nn * sizeof *t->lost);
    for (size_t c = t->n; c < nn; c++) t->last[c] = INT64_MIN, t->line[c] = t->lost[c] = 0;
    t->n = nn;
}

/* a file of a CTF trace given for the trace (its metadata: text, or packets of magic
 * 0x75d11d57; a stream file: packets of magic 0xc1fc1fc1, in either byte order), which a
 * regular file's reading would call a malformed line or a NUL byte: -1 + one line naming
 * the trace's directory, else 0 */
static int ctf_file_refused(const char *path, const char *buf, size_t size)
{
    const unsigned char *b = (const unsigned char *)buf;
    uint32_t le = size >= 4 ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24 : 0;
    uint32_t be = size >= 4 ? (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24 : 0;
    const char *what = NULL;
    if (ts__ctf_text_signature(buf, size) || le == 0x75d11d57u || be == 0x75d11d57u) what = "metadata";
    else if (le == 0xc1fc1fc1u || be == 0xc1fc1fc1u) what = "stream file";
    if (!what) return 0;
    /* its directory named where it holds the metadata (not standard input's /dev) */
    char *dir = ts__path_dir(path), *meta = ts_path_join(dir, "metadata");
    const int named = ts_file_exists(meta);
    ts_fail("%s: a CTF trace's %s, not ftrace or perf script text: a CTF trace is read from its directory%s%s%s",
            path, what, named ? " (" : "", named ? dir : "", named ? ")" : "");
    free(meta);
    free(dir);
    return -1;
}

int ts__ftrace_lines(const char *path, const char *buf, size_t size, int (*fn)(void *u, const ts__ft_line *l),
                     void *u, ts__notes *notes, int *clock, int64_t *ncpus, int64_t *lost_in, ts__ft_header *hdr,
                     int as_perf)
{
    hdr->kept = hdr->written = -1;
    hdr->ncpus = 0;
    hdr->events = 0;
    hdr->cpu = -1;
    const char *p = buf, *end = buf + size;
    size_t line = 0;
    cpu_times ct = {NULL, NULL, NULL, 0};
    ts__idmap open;         /* per thread: its raw_syscalls entry's number awaiting the exit */
    long *open_nr = NULL;
    memset(&open, 0, sizeof open);
    int rc = 0, fmt = 0;   /* fmt: 1 ftrace's lines, 2 perf script's (one per file) */
    /* cut: the line is the last, without its newline; whole: an error of it is not its cut
     * (fn's, or of a header read to its time's ':', which a cut line would not have) */
    int cut = 0, whole = 0;
    int64_t lost_sum = *lost_in;   /* the counts of the markers so far, the files' before too: their sums fit */
    const char *z = memchr(buf, 0, size);
    if (ctf_file_refused(path, buf, size)) {
        rc = -1;
        p = end;
    } else if (z) {   /* binary: named before any line of it is read as text */
        size_t at = 1;
        const char *bol = buf, *first = z;
        int bin = bin_output(buf, end, z, &first);
        for (const char *q = buf; q < (bin ? first : z); q++)
            if (*q == '\n') at++, bol = q + 1;
        if (bin)
            rc = ts_fail("%s:%zu: looks like ftrace's bin output (options/bin set), binary records: not read "
                         "(echo nobin > trace_options)", path, at);
        else
            rc = ts_fail("%s: byte 0x00 (NUL) at line %zu, column %zu: %snot %s", path, at, (size_t)(z - bol) + 1,
                         ts__container_file(buf, size) ? TS__CONTAINER_FILE ", " : "",
                         as_perf == 1 ? "perf script's text nor perf trace's output" : "ftrace text");
        p = end;
    } else if (ts__bom_refused(path, buf, size)) {   /* not read into the first line's thread name */
        rc = -1;
        p = end;
    }
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *b = p, *e = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line++;
        if (e > b && e[-1] == '\r') e--;
        if (cr_line_end(blanks(b, e), e)) {
            rc = bad_line(path, line, b, e, "a carriage return before an event line's 'COMM-PID [CPU] TIME:': lines "
                          "ended by a carriage return alone are not read (make them newlines: tr '\\r' '\\n')");
            break;
        }
        /* the last line without its newline is read as with it; one that does not read was
         * cut while written (the tracer, or whoever copied it, stopped): below the loop */
        cut = !nl;
        whole = 0;
        const char *s = blanks(b, e);
        if (s == e) continue;
        ts__ft_line x;
        memset(&x, 0, sizeof x);
        x.line = line;
        x.b = b;
        x.e = e;
        int64_t cpu, count = -1;
        const int bs = buffer_started(s, e, &cpu), lm = bs == -1 ? lost_marker(s, e, &cpu, &count) : -1;
        if (bs == -2 || lm == -2) {
            rc = bad_line(path, line, b, e, "a CPU number above 65535 (the most CPUs read)");
            break;
        }
        if (bs == 0 || lm == 0) {
            if (count == INT64_MAX) {   /* (ts__digits' saturated value: the count is not known) */
                rc = bad_line(path, line, b, e, "a count of lost events too large to read (2^63 - 1 or more)");
                break;
            }
            if (count > 0 && ts__lost_add(&lost_sum, (uint64_t)count)) {
                rc = bad_line(path, line, b, e, LOST_SUM);
                break;
            }
            cpu_times_room(&ct, cpu);
            ct.lost[cpu] = line;
            x.kind = K_LOST;
            x.cpu = (int32_t)cpu;
            x.val = *s == '#' ? -1 : count;
            x.ns = INT64_MIN;
            if (cpu + 1 > *ncpus) *ncpus = cpu + 1;
            header_cpu(hdr, cpu);
            whole = 1;
            rc = fn(u, &x);
            continue;
        }
        if (*s == '#') {
            const char *q;
            if (e - s > 10 && !memcmp(s, "# tracer: ", 10)) {
                q = blanks(s + 10, e);
                if (e - q != 3 || memcmp(q, "nop", 3)) {
                    rc = bad_line(path, line, b, e, "another tracer than nop: only trace events are read "
                                  "(echo nop > current_tracer)");
                    break;
                }
            } else if (memmem(s, (size_t)(e - s), "latency trace v", 15)) {
                rc = bad_line(path, line, b, e, "latency-format output is not read (echo 0 > options/latency-format)");
                break;
            } else if (e - s > 37 && !memcmp(s, "# entries-in-buffer/entries-written: ", 37)) {
                int64_t kept, written, ncpu = 0;
                q = ts__digits(s + 37, e, &kept);
                if (q && q < e && *q == '/' && (q = ts__digits(q + 1, e, &written))) {
                    /* (told of once the file is read: a per-CPU file's header counts every CPU's) */
                    hdr->kept = kept;
                    hdr->written = written;
                    const char *P = memmem(q, (size_t)(e - q), "#P:", 3);
                    if (P && ts__digits(P + 3, e, &ncpu) && ncpu <= 65536) {
                        hdr->ncpus = ncpu;
                        if (ncpu > *ncpus) *ncpus = ncpu;
                    }
                }
            }
            continue;
        }
        int64_t v;
        const char *q;
        if (e - s > 5 && !memcmp(s, "cpus=", 5) && (q = ts__digits(s + 5, e, &v)) && q == e) continue;
        if (e - s > 4 && !memcmp(s, "CPU ", 4) && (q = ts__digits(s + 4, e, &v)) && (size_t)(e - q) == 9 &&
            !memcmp(q, " is empty", 9))
            continue;
        /* a line both read (perf's ":-1    -1 [000] ...", ftrace's "COMM-1"): perf's in its
         * text, and first in a file when ftrace's comm would end in a blank (ftrace prints
         * the '-' right after it) */
        head h, hp;
        const int is_ft = parse_head(s, e, &h) == 0, perf = fmt != 1 || !is_ft ? perf_head(s, e, &hp) : -1,
                  is_perf = perf == 0;
        if (!is_ft && perf == -2) {
            rc = bad_line(path, line, b, e, "a CPU number above 65535 (the most CPUs read)");
            break;
        }
        if (is_perf && (!is_ft || fmt == 2 || (h.comm_end > h.comm && (h.comm_end[-1] == ' ' || h.comm_end[-1] == '\t'))))
            h = hp;
        if (!is_ft && !is_perf) {
            const char *why = fmt == 0 && ts__perf_trace_shape(b, (size_t)(e - b))
                                  ? "perf trace's output (perf trace -o): ingest reads it as a strace log (--from "
                                    "perf or strace; from a pipe, --from strace); gaps, fill and drop read perf "
                                    "script's text (perf record -e 'raw_syscalls:*', then perf script)"
                             : fmt == 0 && strace_call_line(blanks(b, e), e)
                                 ? as_perf == 1 ? "not perf script's text: a line of a strace log (ingest --from strace "
                                                  "reads it)"
                                   : as_perf == 2 ? "not ftrace's text: a line of a strace log (ingest --from strace "
                                                    "reads it)"
                                   : "a strace log's line: strace loses no events (ingest --from strace reads it); "
                                     "gaps, fill and drop read traces that lose them: LTTng's, ftrace's and perf "
                                     "script's"
                             : fmt == 0 && window_line(b, e)
                                 ? "a window file's line (event IDs, as split and generate write them): gaps, fill "
                                   "and drop read the trace it came from (LTTng's CTF, ftrace's or perf script's text)"
                             : fmt == 2 && callchain_line(b, s, e) ? "a callchain line of perf script's (perf record -g): "
                                                                     "not read (perf script -G)"
                             : perf_without_tid(s, e) ? "perf script's text without the TID column: not read (perf "
                                                        "script -F +tid)"
                             : perf_without_cpu(s, e) ? "perf script's text without the CPU column, whose losses are "
                                                       "per CPU: not read (perf script -F +cpu; samples recorded without "
                                                       "their CPU, one command's without -a, have none to print: perf "
                                                       "record --sample-cpu)" : raw_or_hex(s, e);
            ts__ft_line ev;   /* a system call event's own text: printed with context-info off */
            memset(&ev, 0, sizeof ev);
            if (!why && parse_event(path, line, b, s, e, &ev) == 0 && (ev.kind == K_ENTRY || ev.kind == K_EXIT))
                why = "a system call event without its context, the thread, CPU and time (options/context-info "
                      "off): not read (echo context-info > trace_options)";
            rc = bad_line(path, line, b, e, why ? why : "not an ftrace event line ('COMM-PID [CPU] FLAGS TIME: EVENT') "
                                                        "nor perf script's ('COMM TID [CPU] TIME: EVENT')");
            break;
        }
        if (fmt && fmt != 1 + h.perf) {
            rc = bad_line(path, line, b, e, fmt == 2 ? "an ftrace line after perf script's: one format per file"
                                                     : "a perf script line after ftrace's: one format per file");
            break;
        }
        fmt = 1 + h.perf;
        x.perf = h.perf;
        const char *pname = NULL;   /* perf: the ':' after an event's name that is no identifier */
        if (h.perf) {
            x.has_proc = h.has_proc;
            x.proc = h.proc;
            x.w_proc = h.w_proc;
            x.w_tid = h.w_tid;
            /* -F +period prints the sample's period first ("TIME: %10lu "), then the event's
             * name right-aligned in the width of the longest ("%*s: ") */
            int64_t period;
            const char *field = h.time_end + 1, *pe = ts__digits(h.event, e, &period);
            if (pe && pe < e && (*pe == ' ' || *pe == '\t')) {
                x.has_period = 1;
                x.period = period;
                x.w_period = (int)(pe - field);
                field = pe + 1;
                h.event = blanks(pe, e);
            }
            /* the event's name: perf prints it as "%*s: " (a blank after its ':'), a
             * tracepoint's "GROUP:EVENT" (read as ftrace prints "EVENT: ..."), any other's
             * as it was recorded ("cpu-clock", "cycles:u", "cpu/event=0x3c,umask=0x00/") */
            const char *ne = h.event;
            while (ne < e && *ne != ' ' && *ne != '\t') ne++;
            if (ne - h.event > 1 && ne[-1] == ':') {
                const char *colon = ne - 1, *ev = ts__perf_tracepoint(h.event, colon), *id = h.event;
                while (id < colon && ts__is_ident(*id)) id++;
                /* "NAME:" at the line's end: as perf prints it a blank follows (where nothing
                 * else does, "cycles: " of -F ...,event), so an identifier alone is a
                 * tracepoint's group cut from its event (a last line so was cut: left out);
                 * a tracepoint's name or one no group is read so (trimmed lines' ends) */
                if (ne == e && !ev && id == colon) {
                    char why[200];
                    snprintf(why, sizeof why, "perf script's event '%.*s:' without its name ('GROUP:EVENT: ', or "
                             "'NAME: ' of an event that is no tracepoint)",
                             (int)(colon - h.event > 63 ? 63 : colon - h.event), h.event);
                    rc = bad_line(path, line, b, e, why);
                    break;
                }
                if (field <= h.event) x.w_name = (int)(colon - field);
                if (ev) h.event = ev;
                else if (id < colon) pname = colon;   /* a name no identifier: no text is read */
            } else if ((ne = ts__perf_tracepoint(h.event, ne))) {
                h.event = ne;   /* ("GROUP:EVENT" without its ': ': the line is not read) */
            }
            /* perf script --show-lost-events: the events its CPU's buffer lost just before */
            static const char lost[] = "PERF_RECORD_LOST";
            const size_t ll = sizeof lost - 1;
            if (e - h.event > (long)ll && !memcmp(h.event, lost, ll) && h.event[ll] == ' ') {
                const char *n = blanks(h.event + ll, e);
                if (e - n < 6 || memcmp(n, "lost ", 5) || ts__digits(n + 5, e, &count) != e) {
                    rc = bad_line(path, line, b, e, "malformed PERF_RECORD_LOST (no 'lost N')");
                    break;
                }
                if (count == INT64_MAX) {
                    rc = bad_line(path, line, b, e, "a count of lost events too large to read (2^63 - 1 or more)");
                    break;
                }
                if (ts__lost_add(&lost_sum, (uint64_t)count)) {
                    rc = bad_line(path, line, b, e, LOST_SUM);
                    break;
                }
                /* (its time is when perf wrote the record, not when the events were lost:
                 * not read, as ftrace's markers have none; the gap is between the events on
                 * its two sides) */
                cpu_times_room(&ct, h.cpu);
                ct.lost[h.cpu] = line;
                x.kind = K_LOST;
                x.cpu = (int32_t)h.cpu;
                x.val = count;
                x.ns = INT64_MIN;
                if (h.cpu + 1 > *ncpus) *ncpus = h.cpu + 1;
                header_cpu(hdr, h.cpu);
                whole = 1;
                rc = fn(u, &x);
                continue;
            }
            /* the side-band records --show-task-events, --show-mmap-events and the like print */
            if (e - h.event > 12 && !memcmp(h.event, "PERF_RECORD_", 12)) {
                const char *r = h.event + 12;
                while (r < e && ts__is_ident(*r) && r - h.event < 40) r++;
                char why[200];
                snprintf(why, sizeof why, "perf script's %.*s line (--show-task-events, --show-mmap-events, "
                         "--show-switch-events and the like): not read (leave those options out)",
                         (int)(r - h.event), h.event);
                rc = bad_line(path, line, b, e, why);
                break;
            }
        }
        whole = 1;   /* the header is read to its time's ':': its checks' errors are the line's */
        if (h.ns < 0) {   /* (timestamp's for one past 63 bits: two times would be one, or wrap) */
            rc = bad_line(path, line, b, e, "a time too large to read (2^63 ns or more)");
            break;
        }
        if (h.pid > PID_MAX) {   /* (past 2^63 the digits saturate: two threads would be one) */
            rc = bad_line(path, line, b, e, h.perf ? "a TID outside Linux's 0 to 4194304 (-1: not known) in 'COMM TID'"
                                                   : "a pid outside Linux's 0 to 4194304 in 'COMM-PID'");
            break;
        }
        if (h.tgid && h.tgid_val > PID_MAX) {
            rc = bad_line(path, line, b, e, "a TGID outside Linux's 0 to 4194304 in 'COMM-PID (TGID)'");
            break;
        }
        if (h.perf && h.has_proc && h.proc > PID_MAX) {
            rc = bad_line(path, line, b, e, "a PID outside Linux's 0 to 4194304 (-1: not known) in 'COMM PID/TID'");
            break;
        }
        if (*clock && h.clock != *clock) {
            rc = bad_line(path, line, b, e, h.clock == 2 ? "a time without its fraction after ones with: two trace clocks"
                                                         : "a time with a fraction after ones without: two trace clocks");
            break;
        }
        cpu_times_room(&ct, h.cpu);
        if (h.ns < ct.last[h.cpu]) {
            /* (perf script orders its lines by time: one going back is --deltatime's; across a
             * loss, the events on its two sides are out of order) */
            char why[200];
            if (ct.lost[h.cpu] > ct.line[h.cpu])
                snprintf(why, sizeof why, "the time goes back on CPU %lld after the events lost at line %zu (line "
                         "%zu's is later): the events on a loss's two sides are out of order", (long long)h.cpu,
                         ct.lost[h.cpu], ct.line[h.cpu]);
            else
                snprintf(why, sizeof why, "the time goes back on CPU %lld (line %zu's is later%s)", (long long)h.cpu,
                         ct.line[h.cpu], h.perf ? "; perf script --deltatime's times are not read: leave it out" : "");
            rc = bad_line(path, line, b, e, why);
            break;
        }
        ct.last[h.cpu] = h.ns;
        ct.line[h.cpu] = line;
        x.ns = h.ns;
        x.tid = h.pid;
        x.cpu = (int32_t)h.cpu;
        x.frac = h.frac;
        x.tgid = h.tgid;
        x.tgid_val = h.tgid_val;
        x.w_tgid = h.w_tgid;
        x.flags = h.flags;
        const char *c = blanks(h.comm, h.comm_end);
        if (!(h.comm_end - c == 5 && !memcmp(c, "<...>", 5))) x.comm = c, x.comm_end = h.comm_end;
        whole = 0;   /* (the event and its arguments may be cut) */
        const char *ctl = pname ? control_byte(h.event, pname) : NULL;
        if (pname && pname - h.event > 63) rc = bad_line(path, line, b, e, "event name longer than 63 bytes");
        else if (ctl) rc = control_refused(path, line, b, e, ctl);
        else if (pname) x.kind = K_OTHER, x.name = h.event, x.name_end = pname, x.args = blanks(pname + 1, e);
        else rc = parse_event(path, line, b, h.event, e, &x);
        /* perf script prints the TID (-F tid, its default) or the PID (-F pid) in one column,
         * alike: a sched_switch whose thread switched out (a TID) is not the line's shows it
         * is the PID, which would make a process's threads one */
        int64_t prev, next;
        if (rc == 0 && h.perf && !h.has_proc && x.kind == K_OTHER && !x.recon && x.tid >= 0 &&
            x.name_end - x.name == 12 && !memcmp(x.name, "sched_switch", 12) && !ts__ftrace_switch(x.args, e, &prev, &next) &&
            prev != x.tid) {
            char why[256];
            snprintf(why, sizeof why, "perf script's thread column says %lld where the sched_switch's thread switched "
                     "out is %lld (prev_pid): a PID column (-F pid), not the TID's; not read (perf script -F tid, or "
                     "-F pid,tid)", (long long)x.tid, (long long)prev);
            rc = bad_line(path, line, b, e, why);
        }
        if (rc == 0) {
            *clock = h.clock;
            if (h.cpu + 1 > *ncpus) *ncpus = h.cpu + 1;
        }
        if (rc == 0 && !x.recon) hdr->events++, header_cpu(hdr, h.cpu);
        if (rc == 0 && x.raw) {
            /* an exit the kernel could not number (NR -1: rt_sigreturn's, whose registers
             * are the interrupted code's) is of the thread's call awaiting its exit */
            size_t cap = ts__idmap_cap(&open), seen = open.n, k = ts__idmap_get(&open, x.tid, 1);
            if (ts__idmap_cap(&open) != cap) open_nr = ts_realloc(open_nr, ts__idmap_cap(&open) * sizeof *open_nr);
            if (open.n != seen) open_nr[k] = -1;
            if (x.kind == K_ENTRY) {
                open_nr[k] = x.nr;
            } else {
                if (x.nr < 0 && open_nr[k] >= 0) x.nr = open_nr[k];
                open_nr[k] = -1;
            }
        }
        if (rc == 0) whole = 1, rc = fn(u, &x);
    }
    if (rc && cut && !whole) {   /* (its CPU and clock are taken once it reads) */
        ts__note_cut(notes, path, line, "trace");
        ts_clear_error();
        rc = 0;
    }
    *lost_in = lost_sum;
    free(ct.last);
    free(ct.line);
    free(ct.lost);
    ts__idmap_free(&open);
    free(open_nr);
    return rc;
}

typedef struct {
    reader *rd;
    size_t  events;
    int     perf;       /* its lines are perf script's */
    int64_t first_ns;   /* the earliest event's time (INT64_MAX: none) */
} one_file;

static int add_line(void *u, const ts__ft_line *l)
{
    one_file *of = u;
    reader *rd = of->rd;
    rec *x = add_rec(rd);
    x->kind = l->kind;
    x->cpu = l->cpu;
    x->ns = l->ns;   /* a marker's: the time of the CPU's next event, once read */
    x->val = l->val;
    rd->perf |= l->perf;
    rd->perf_lost |= l->perf && l->kind == K_LOST;
    if (l->kind == K_LOST) return 0;
    of->perf |= l->perf;
    if (l->ns < of->first_ns) of->first_ns = l->ns;
    x->tid = l->tid;
    x->has_val = l->has_val;
    x->raw = l->raw;
    x->nr = l->nr;
    x->recon = l->recon;
    if (l->name) x->name = intern(rd, l->name, l->name_end);
    if (l->comm) x->comm = intern(rd, l->comm, l->comm_end);
    if (x->kind != K_OTHER && !x->recon) {   /* (fill names a raw_syscalls trace's calls too) */
        if (x->raw) rd->has_raw = 1;
        else rd->has_named = 1;
    }
    of->events++;
    return 0;
}

/* one file's lines into rd; alone: the only file (else one of a CPU that recorded
 * nothing, per_cpu/cpuN/trace, may have no event lines); perf: asked for as perf's text */
static int read_one(reader *rd, const char *path, int alone, ts__ft_header *hdr, int perf)
{
    char *buf;
    size_t size;
    if (ts__read_text(path, &buf, &size) != 0) return -1;
    size_t first = rd->n;
    int clock = 0;
    one_file of = {rd, 0, 0, INT64_MAX};
    int rc = ts__ftrace_lines(path, buf, size, add_line, &of, &rd->notes, &clock, &rd->ncpus, &rd->lost, hdr,
                              perf ? 1 : 2);
    /* a marker takes the time of the line after it (ftrace prints it just before the first
     * event after the loss, of its CPU), or of the one before at the end */
    int64_t t = INT64_MIN;
    for (size_t i = rd->n; rc == 0 && i-- > first;) {
        if (rd->r[i].kind == K_LOST) rd->r[i].ns = t;
        else t = rd->r[i].ns;
    }
    t = 0;
    for (size_t i = first; rc == 0 && i < rd->n; i++) {
        if (rd->r[i].kind != K_LOST) t = rd->r[i].ns;
        else if (rd->r[i].ns == INT64_MIN) rd->r[i].ns = t;
    }
    free(buf);
    if (rc == 0 && !of.events && rd->n == first) {
        if (alone && perf)
            rc = ts_fail("%s: no event lines of perf script's text ('COMM TID [CPU] TIME: EVENT') nor system calls of "
                         "perf trace's output ('TIME ( DURATION ms): COMM/TID CALL(ARGS) = RET')", path);
        else if (alone) rc = ts_fail("%s: no ftrace event lines", path);
        else ts__note(&rd->notes, "%s: no %s event lines (a CPU that recorded nothing?): the other files are read", path,
                      perf ? "perf script" : "ftrace");
    }
    if (rc == 0 && rd->clock && clock && clock != rd->clock)
        rc = ts_fail("%s: its times are %s, those of the files before are %s: two trace clocks cannot be merged",
                     path, clock == 1 ? "seconds" : "bare counts", clock == 1 ? "bare counts" : "seconds");
    /* perf script --reltime counts each file from its own first sample; perf's clock counts
     * from boot, seconds before any recording starts: files of the first merged by time
     * would interleave as if they had begun together */
    if (rc == 0 && !alone && of.perf && clock == 1 && of.first_ns < 1000000000)
        rc = ts_fail("%s: perf script's times from %.6f s, as --reltime gives them (from the file's first sample): "
                     "several such files give no common clock: merging them needs perf script without --reltime "
                     "(or give one file)", path, (double)of.first_ns / 1e9);
    if (rc == 0 && clock == 2 && !rd->clock)
        ts__note(&rd->notes, "%s: the times are bare counts (trace_clock counter, uptime or x86-tsc), not ns: the times and "
                             "dt hold those counts", path);
    if (rc == 0 && clock) rd->clock = clock;
    return rc;
}

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->ns != y->ns) return x->ns < y->ns ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ---- the events, in time order, into out ---- */
typedef struct {
    ts__idmap open;        /* tid -> the index in out of its call's entry awaiting the exit */
    size_t   *open_idx;    /* SIZE_MAX: none */
    size_t    cap;
} walker;

static void open_set(walker *w, int64_t tid, size_t idx)
{
    size_t cap = ts__idmap_cap(&w->open), k = ts__idmap_get(&w->open, tid, 1);
    if (ts__idmap_cap(&w->open) != cap) w->open_idx = ts_realloc(w->open_idx, ts__idmap_cap(&w->open) * sizeof *w->open_idx);
    w->open_idx[k] = idx;
}

static size_t open_take(walker *w, int64_t tid)
{
    size_t k = ts__idmap_get(&w->open, tid, 0);
    if (k == SIZE_MAX) return SIZE_MAX;
    size_t idx = w->open_idx[k];
    w->open_idx[k] = SIZE_MAX;
    return idx;
}

static void emit(walker *w, ts_ctf_trace *t, rec *x, char *name)
{
    if (t->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 4096;
        t->names = ts_realloc(t->names, w->cap * sizeof *t->names);
        t->exit = ts_realloc(t->exit, w->cap);
        t->time_ns = ts_realloc(t->time_ns, w->cap * sizeof *t->time_ns);
        t->cpu = ts_realloc(t->cpu, w->cap * sizeof *t->cpu);
        t->tid = ts_realloc(t->tid, w->cap * sizeof *t->tid);
        t->comm = ts_realloc(t->comm, w->cap * sizeof *t->comm);
        t->ret = ts_realloc(t->ret, w->cap * sizeof *t->ret);
        t->has_ret = ts_realloc(t->has_ret, w->cap);
    }
    size_t i = t->n++;
    t->names[i] = name;
    t->exit[i] = x->kind == K_EXIT ? TS_EVENT_EXIT : x->kind == K_OTHER ? TS_EVENT_OTHER : TS_EVENT_CALL;
    t->time_ns[i] = x->ns;
    t->cpu[i] = x->cpu;
    t->tid[i] = x->tid;
    t->comm[i] = x->comm ? ts_strdup(x->comm) : NULL;
    t->ret[i] = x->kind == K_EXIT ? x->val : 0;
    t->has_ret[i] = x->kind == K_EXIT && x->has_val;
}

/* "0..3, 5": the CPUs in has[0, n) */
static void cpu_ranges(const uint8_t *has, int64_t n, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (int64_t c = 0; c < n && o < cap; c++) {
        if (!has[c]) continue;
        int64_t e = c;
        while (e + 1 < n && has[e + 1]) e++;
        if (e > c) o += (size_t)snprintf(buf + o, cap - o, "%s%lld..%lld", o ? ", " : "", (long long)c, (long long)e);
        else o += (size_t)snprintf(buf + o, cap - o, "%s%lld", o ? ", " : "", (long long)c);
        c = e;
    }
}

/* h is of one CPU's file of a trace of several (per_cpu/cpuN/trace): its lines of one CPU
 * (or none), fewer than the header counts, of several CPUs */
static int per_cpu_file(const ts__ft_header *h)
{
    return h->written >= 0 && h->ncpus > 1 && h->cpu != -2 && h->events < (uint64_t)h->kept;
}

void ts__ftrace_overwritten(ts__notes *notes, const char *const *paths, const ts__ft_header *h, int n)
{
    uint8_t *done = ts_calloc(n > 0 ? (size_t)n : 1, 1);
    for (int f = 0; f < n; f++) {
        const ts__ft_header *a = &h[f];
        if (done[f] || a->written <= a->kept || a->kept < 0) continue;
        const long long kept = a->kept, written = a->written, over = written - kept;
        notes->overwritten += (uint64_t)over;
        const char *were = over == 1 ? "was" : "were";
        if (!per_cpu_file(a)) {   /* the file's own */
            ts__note(notes, "%s: the tracer wrote %lld event%s and kept %lld: the %lld oldest %s overwritten before the "
                            "trace was read (a larger buffer_size_kb keeps them)",
                     paths[f], written, ts_plural((size_t)written), kept, over, were);
            continue;
        }
        /* the per-CPU files of this trace: those with its header */
        const int64_t np = a->ncpus;
        uint8_t *has = ts_calloc((size_t)np, 1);
        int nf = 0, ncpu = 0, last = -1;
        size_t events = 0;
        for (int g = f; g < n; g++) {
            const ts__ft_header *b = &h[g];
            if (done[g] || !per_cpu_file(b) || b->kept != a->kept || b->written != a->written || b->ncpus != np) continue;
            done[g] = 1;
            nf++;
            events += b->events;
            if (b->cpu >= 0 && b->cpu < np && !has[b->cpu]) has[b->cpu] = 1, ncpu++, last = b->cpu;
        }
        char cpus[128], who[700];
        cpu_ranges(has, np, cpus, sizeof cpus);
        free(has);
        if (nf > 1)
            snprintf(who, sizeof who, "%s and %d more per-CPU file%s of the same trace", paths[f], nf - 1,
                     nf == 2 ? "" : "s");
        else
            snprintf(who, sizeof who, "%s", paths[f]);
        if (ncpu == np || events >= (uint64_t)kept) {   /* together the whole trace: its count, once */
            ts__note(notes, "%s (CPUs %s), whose headers each count the whole trace: the tracer wrote %lld event%s and "
                            "kept %lld: the %lld oldest %s overwritten before the trace was read (a larger "
                            "buffer_size_kb keeps them)",
                     who, cpus, written, ts_plural((size_t)written), kept, over, were);
            continue;
        }
        notes->overwritten_whole = 1;
        const char *cpu_s = ncpu == 1 ? "CPU" : "CPUs";
        char stats[64] = "per_cpu/cpuN/stats'";
        if (ncpu == 1) snprintf(stats, sizeof stats, "per_cpu/cpu%d/stats'", last);
        if (!ncpu) snprintf(cpus, sizeof cpus, "no");
        ts__note(notes, "%s (%s %s's events alone): %s count%s the whole trace, all %lld CPUs (#P:%lld): the tracer "
                        "wrote %lld event%s and kept %lld (%s %zu of them): the %lld oldest %s overwritten before the "
                        "trace was read, and how many of them %s %s %s's the header%s cannot tell (%s overrun: line "
                        "counts them; a larger buffer_size_kb keeps them)",
                 who, cpu_s, cpus, nf > 1 ? "their headers" : "its header", nf > 1 ? "" : "s", (long long)np,
                 (long long)np, written, ts_plural((size_t)written), kept,
                 nf > 1 ? "these files hold" : "this file holds", events, over, were, over == 1 ? "was" : "were", cpu_s,
                 cpus, nf > 1 ? "s" : "", stats);
    }
    free(done);
}

/* the file of record seq (first: each file's first) */
static int file_of(const size_t *first, int npaths, size_t seq)
{
    int f = 0;
    while (f + 1 < npaths && first[f + 1] <= seq) f++;
    return f;
}

/* x and y the same event but for their time (CPU, thread, kind, name, value) */
static int alike(const rec *x, const rec *y)
{
    return y->kind == x->kind && y->cpu == x->cpu && y->tid == x->tid && y->name == x->name && y->nr == x->nr &&
           y->raw == x->raw && y->has_val == x->has_val && (!x->has_val || y->val == x->val);
}

/* records of one time: alike ones next to each other, in input order */
static int cmp_alike(const void *a, const void *b)
{
    const rec *x = *(const rec *const *)a, *y = *(const rec *const *)b;
#define BY(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
    BY(kind); BY(cpu); BY(tid); BY(nr); BY(raw); BY(has_val);
#undef BY
    if (x->name != y->name) return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : 1;
    if (x->has_val && x->val != y->val) return x->val < y->val ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* An event is in one file of a trace (a CPU's per_cpu/cpuN/trace, or the whole trace): the
 * same event (CPU, thread, time, kind, name, value) in two files is a trace given twice, a
 * copy under another name or the whole trace beside its per-CPU files, whose events merged
 * would each count twice. rd.r sorted by time; 0, or -1 naming both files and the event */
static int same_events(const reader *rd, const char *const *paths, int npaths, const size_t *first)
{
    static const char *const kind_name[] = {"entry", "exit", "event", "marker"};
    const rec **grp = NULL;   /* [one time's records] sorted by cmp_alike: n log n however many share a time */
    size_t cap = 0;
    const rec *x = NULL;   /* the first event (input order) also in another file */
    int fa = 0, fb = 0;   /* x's file, and its copy's first */
    for (size_t k = 0, r; k < rd->n && !x; k = r) {
        for (r = k + 1; r < rd->n && rd->r[r].ns == rd->r[k].ns; r++) {}
        if (r - k < 2) continue;
        if (r - k > cap) cap = r - k, grp = ts_realloc(grp, cap * sizeof *grp);
        size_t m = 0;
        for (size_t a = k; a < r; a++)
            if (rd->r[a].kind != K_LOST) grp[m++] = &rd->r[a];
        qsort(grp, m, sizeof *grp, cmp_alike);
        for (size_t a = 0, e; a < m; a = e) {   /* each run of alike records: its first, and the first of another file */
            for (e = a + 1; e < m && alike(grp[a], grp[e]); e++) {}
            const int f0 = file_of(first, npaths, grp[a]->seq);
            for (size_t b = a + 1; b < e; b++) {
                const int f1 = file_of(first, npaths, grp[b]->seq);
                if (f1 == f0) continue;
                if (!x || grp[a]->seq < x->seq) x = grp[a], fa = f0, fb = f1;
                break;
            }
        }
    }
    free(grp);
    if (!x) return 0;
    char what[160], when[64];
    if (x->name) snprintf(what, sizeof what, "%s %s", x->name, kind_name[x->kind]);
    else snprintf(what, sizeof what, "nr %ld %s", x->nr, kind_name[x->kind]);
    /* as the trace prints it: seconds to the microsecond, or a bare count */
    if (rd->clock == 2) snprintf(when, sizeof when, "%lld", (long long)x->ns);
    else snprintf(when, sizeof when, "%lld.%06lld", (long long)(x->ns / 1000000000),
                  (long long)(x->ns % 1000000000 / 1000));
    return ts_fail("%s and %s both hold CPU %d's %s of thread %lld at %s: one trace given twice (a copy "
                   "of it, or the whole trace beside its per-CPU files?); each event is in one file",
                   paths[fa < fb ? fa : fb], paths[fa < fb ? fb : fa], (int)x->cpu, what, (long long)x->tid, when);
}

static int load_text(const char *const *paths, int npaths, const ts_ctf_opts *opts, const char *arch_name,
                     ts_ctf_trace *out, char **notes, int perf)
{
    memset(out, 0, sizeof *out);
    *notes = NULL;
    ts_ctf_opts defaults = {NULL, 0, TS_CTF_SYSCALLS, -1, 0, 0};
    const ts_ctf_opts *o = opts ? opts : &defaults;
    ts_arch arch = ts_arch_host();
    if (arch_name && ts_arch_parse(arch_name, &arch)) return -1;
    reader rd;
    memset(&rd, 0, sizeof rd);
    ts__interner_init(&rd.strs);
    int rc = 0;
    ts__ft_header *hdr = ts_calloc((size_t)npaths, sizeof *hdr);
    size_t *first = ts_malloc((size_t)npaths * sizeof *first);   /* each file's first record (seq) */
    for (int f = 0; f < npaths && rc == 0; f++) {
        first[f] = rd.n;
        rc = read_one(&rd, paths[f], npaths == 1, &hdr[f], perf);
    }
    if (rc == 0) ts__ftrace_overwritten(&rd.notes, paths, hdr, npaths);
    free(hdr);
    char label[512];
    snprintf(label, sizeof label, "%s%s", paths[0], npaths > 1 ? " (and the files after it)" : "");
    if (rc == 0 && rd.n) qsort(rd.r, rd.n, sizeof *rd.r, cmp_rec);   /* (rd.r NULL when no file had events) */

    /* raw_syscalls beside syscalls:* would count each call twice */
    size_t raw_left = 0, unnamed = 0;
    long unnamed_nr = 0;
    for (size_t i = 0; rc == 0 && i < rd.n; i++) {
        rec *x = &rd.r[i];
        if (!x->raw) continue;
        if (rd.has_named) { raw_left++; continue; }
        const char *nm = ts_syscall_by_number(arch, x->nr);
        char buf[32];
        if (!nm) {
            ts__nr_name(buf, sizeof buf, x->nr);
            nm = buf;
            if (!unnamed++) unnamed_nr = x->nr;
        }
        x->name = intern(&rd, nm, nm + strlen(nm));
    }
    if (rc == 0 && npaths > 1) rc = same_events(&rd, paths, npaths, first);
    free(first);
    if (raw_left)
        ts__note(&rd.notes, "%s: both syscalls:* and raw_syscalls events: the %zu raw_syscalls ones are left out, each call "
                  "counted once", label, raw_left);
    if (unnamed)
        ts__note(&rd.notes, "%s: %zu raw_syscalls event%s %s a number the %s table lacks (e.g. %ld): named nr_NUMBER%s", label,
             unnamed, ts_plural(unnamed), unnamed == 1 ? "has" : "have", ts_arch_name(arch), unnamed_nr,
             arch == TS_ARCH_X86_64 || arch == TS_ARCH_AARCH64 ? "" : " (numbers are known for x86_64 and aarch64)");

    size_t n_recon = 0;
    for (size_t i = 0; rc == 0 && i < rd.n; i++) n_recon += rd.r[i].recon && (o->cpu < 0 || rd.r[i].cpu == o->cpu);
    if (n_recon)
        ts__note(&rd.notes, "%s: %zu event%s reconstructed by tracesynth fill (" TS_FTRACE_RECON " lines): %s", label,
                 n_recon, ts_plural(n_recon), o->no_recon ? "left out" : "read as the events they stand for");

    /* per CPU (each below the largest, or #P): its stream, with its gaps */
    int64_t ncpus = rd.ncpus > 0 ? rd.ncpus : 1;
    ts_ctf_stream *st = ts_calloc((size_t)ncpus, sizeof *st);
    walker w;
    memset(&w, 0, sizeof w);
    for (size_t i = 0; rc == 0 && i < rd.n; i++) {
        rec *x = &rd.r[i];
        ts_ctf_stream *s = &st[x->cpu];
        if (x->kind == K_LOST) {
            ts_ctf_discard d = {x->val >= 0 ? (uint64_t)x->val : 0, x->val >= 0, 0, 0, 0, 0};
            s->discards = ts__append_room(s->discards, s->n_discards, sizeof *s->discards);
            s->discards[s->n_discards++] = d;
            s->discarded += d.count;
            out->lost += d.count;
            /* the lost events may have ended the calls open on this CPU, and begun others:
             * an exit after the gap says nothing sure about an entry before it */
            for (size_t k = 0; k < ts__idmap_cap(&w.open); k++) {
                size_t at = w.open.idx[k] == SIZE_MAX ? SIZE_MAX : w.open_idx[w.open.idx[k]];
                if (at != SIZE_MAX && out->cpu[at] == x->cpu) w.open_idx[w.open.idx[k]] = SIZE_MAX;
            }
            continue;
        }
        s->events++;
        /* fill writes a gap's events right after its marker: its count of them */
        if (x->recon && s->n_discards) s->discards[s->n_discards - 1].reconstructed++;
        if ((x->raw && rd.has_named) || (x->recon && o->no_recon)) continue;
        int keep = (o->cpu < 0 || x->cpu == o->cpu) && (!o->comm || (x->comm && !strcmp(x->comm, o->comm)));
        if (x->kind == K_EXIT && x->has_val) {
            /* the return value goes to the thread's open entry when it is of this call */
            size_t at = open_take(&w, x->tid);
            if (at != SIZE_MAX && !strcmp(out->names[at], x->name)) {
                out->ret[at] = x->val;
                out->has_ret[at] = 1;
            }
        }
        int wanted = o->events == TS_CTF_ALL || x->kind == K_ENTRY || (x->kind == K_EXIT && o->exits);
        if (!keep || !wanted) continue;
        emit(&w, out, x, ts_strdup(x->name));
        if (x->kind == K_ENTRY) open_set(&w, x->tid, out->n - 1);
    }
    ts__idmap_free(&w.open);
    free(w.open_idx);
    if (rc == 0) {
        /* one allocation for them all: a header's #P may name tens of thousands of CPUs */
        out->streams = ts_realloc(out->streams, (out->n_streams + (size_t)ncpus) * sizeof *out->streams);
        for (int64_t c = 0; c < ncpus; c++) {
            ts_ctf_stream *s = &out->streams[out->n_streams++];
            *s = st[c];
            char nm[32];
            snprintf(nm, sizeof nm, "CPU %lld", (long long)c);
            s->name = ts_strdup(nm);
            s->cpu = c;
            st[c].discards = NULL;
        }
        out->n_cpus = rd.ncpus;
        snprintf(out->arch, sizeof out->arch, "%s", ts_arch_name(arch));
        /* perf script prints its buffers' losses only when asked (--show-lost-events) */
        out->perf_no_lost_lines = rd.perf && !rd.perf_lost;
    }
    for (int64_t c = 0; c < ncpus; c++) free(st[c].discards);
    free(st);
    if (rc == 0 && o->cpu >= 0 && o->cpu >= rd.ncpus) {
        char cpus[128];
        uint8_t *has = ts_calloc((size_t)ncpus, 1);
        for (size_t i = 0; i < out->n_streams; i++) has[out->streams[i].cpu] = 1;
        cpu_ranges(has, ncpus, cpus, sizeof cpus);
        free(has);
        rc = ts_fail("%s: no CPU %lld in the trace (its CPUs are %s)", label, (long long)o->cpu, cpus);
    }
    if (rc == 0 && out->n == 0) {
        char cpu[48] = "";
        if (o->cpu >= 0) snprintf(cpu, sizeof cpu, " on CPU %lld", (long long)o->cpu);
        rc = ts_fail("%s: no %sevents%s%s%s", label, o->events == TS_CTF_ALL ? "" : "system call entry ", cpu,
                     o->comm ? " of threads named " : "", o->comm ? o->comm : "");
    }
    ts__interner_free(&rd.strs);
    free(rd.r);
    if (rc) {
        free(rd.notes.text);
        ts_ctf_trace_free(out);
        return -1;
    }
    *notes = rd.notes.text;
    return 0;
}

int ts_ftrace_load(const char *const *paths, int npaths, const ts_ctf_opts *opts, const char *arch_name,
                   ts_ctf_trace *out, char **notes)
{
    return load_text(paths, npaths, opts, arch_name, out, notes, 0);
}

int ts_perf_load(const char *const *paths, int npaths, const ts_ctf_opts *opts, const char *arch_name,
                 ts_ctf_trace *out, char **notes)
{
    return load_text(paths, npaths, opts, arch_name, out, notes, 1);
}
