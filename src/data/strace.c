/* strace logs -> one event (the system call's name) per call.
 *
 * Accepted line shapes (from strace -f -ttt -T -o FILE, with or without -ff):
 *   1234  1700000000.123456 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3 <0.000012>
 *   1700000000.123456 read(3, "..", 832) = 832 <0.000020>       (one process: no pid)
 *   [pid  1234] 1700000000.1 write(1, "x", 1) = 1             (-f to a terminal; while one task
 *                                                               is traced, no pid: that task's)
 *   1234<sh> 1700000000.1 read(0, "", 1) = 0                  -Y: the thread's name
 *   [pid  1234<sh>] 1700000000.1 read(0, "", 1) = 0           (kept for the comm channel)
 *   12<\074unk\076> 0.000001000 read() = <unk> <0.000001000>    export's name and value outside
 *                                                               its vocabularies: read as <unk>
 *   12<> 0.000001000 read() = ? <0.000001000>                export's thread of no name: none,
 *                                                               not one a clone() would give it
 *   1.1 clone(..., flags=SIGCHLDstrace: Process 5 attached      -f to a terminal: a notice cut in,
 *   , child_tidptr=0x7f..) = 5                                the call's rest after it: joined
 *                            (strace started by its path names itself so: "/usr/bin/strace: ...")
 *   1234  1700000000.1 read(3,  <unfinished ...>               counted here
 *   1234  1700000000.2 <... read resumed>"..", 832) = 832      joined to the start above
 *   "..", 832) = 832        right after its start, bare (-z, -Z, -e status=): joined too
 *   1235  1.5 execve("/bin/true", ["true"], 0x7ffd <pid changed to 1234 ...>
 *                            a thread's execve: waits like an unfinished call, its rest
 *                            "<... execve resumed>) = 0" under 1234 (-f -qqq: in the same
 *                            log; -ff: in 1234's file, joined where the files are merged)
 *   1234  1.1 clone(...) = 2 (then a C comment: "1235 in strace's PID NS")
 *                            --pidns-translation: the value is the kernel's (2), the comment
 *                            names the child as the lines do (1235), whose name it inherits
 *                            without it, no line names 2: the child is the thread the order of
 *                            the calls tells where it allows no other (ns_children), else none
 *   1234  1700000000.3 --- SIGCHLD {si_signo=SIGCHLD, ...} --- skipped
 *   1234  1700000000.4 +++ exited with 0 +++                   skipped
 *    > /usr/lib/libc.so.6(__read+0x12) [0x10e2a2]              skipped (-k: a stack frame)
 *    | 00000  61 62 0a  ab.                                 |   skipped (-e read=, -e write=: the data)
 *    | <Cannot fetch 4096 bytes from pid 1234 @0x7f3a1c2c0000>   skipped (such a dump cut short)
 *    * 3 bytes in buffer 0                                    skipped (before each buffer's dump of readv, ...)
 *   [ Process PID=1234 runs in 32 bit mode. ]                 skipped (strace's own stream)
 *   1234  1700000000.5 [00007f3a1c2b3c4d] read(3, "", 1) = 0  -i's address: skipped
 *   1234  1700000000.5 [   0] read(3, "", 1) = 0             -n's number: skipped (-i's after it)
 * Times may be -ttt, -tt or -t ones, or -r's (the time since the line before,
 * "1234       0.000021 read(...)": summed from 0 at the first line); with both, the
 * clock's ("1234  12:00:01.000002 (+     0.000021) read(...)"). Any precision strace's
 * --absolute-timestamps and --relative-timestamps give, whole seconds too ("1234
 * 1700000000 read(...)", "     0 read(...)": the number after the pid, or one no pid can
 * be, is the time). A log has one kind: -r's time on a line after a clock's, or a clock's
 * after -r's, is an error naming the line. A resumed call
 * whose start is not in the log (tracing began mid-call) counts where it resumes.
 * Calls are read in the order they started, each thread's in the log's order: -z, -Z and
 * -e status= hold a call's line until it ends, so such a -f log lists them as they end.
 * The summary table -c or -C appends ("% time     seconds  usecs/call ...") ends the log.
 * Anything else is an error naming the line (one with nothing of strace's, or a call's
 * rest alone, with a hint that the traced program's own output came among strace's: strace
 * run without -o writes to stderr); a NUL byte (strace prints none) is
 * an error naming its line and column, and a carriage return inside a line (strace writes
 * "\r"; one before the newline is a CRLF line end) one naming its line. A last line without its newline was cut (strace
 * stopped while writing it) or written by hand: a call's start there counts; a return value
 * that runs to the cut is none where the log's calls end in -T's durations (the line would
 * end in one, so the number may be cut too), else it is read; one that does not read
 * otherwise (cut in its call's name, its time, a resumed call's name) is left out with a note
 * that says so, as ftrace text's (a NUL or a carriage return in it is still an error).
 * A gzip-compressed log (strace -o >(gzip > x.gz), logrotate) is read as it is;
 * other compressed formats are named in the error. */
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "data_internal.h"
#include "common/common_internal.h"
#include "common/idmap.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* the calls waiting for their return ("<unfinished ...>"), one at most per pid, found by
 * pid and, oldest first, by name in constant time: a log of a build has a call cut short
 * for each of its many thousand processes (exit_group, never resumed) */
typedef struct {
    ts__idmap ids;     /* pid -> its slot */
    long *pid;         /* per slot */
    size_t *idx;       /* per slot: the event counted at the call's start; SIZE_MAX: none waits */
    int32_t *name;     /* per slot: the call's name (in names) */
    size_t *prev, *next;   /* per slot: the slots waiting in a call of that name, oldest first */
    size_t cap;
    ts__interner names;
    size_t *head, *tail;   /* per name: its first and last slot waiting (SIZE_MAX: none) */
    int32_t cnames;
} pending;

#define RET_RANGE "a return value outside 64 bits"   /* parse_ret's -1 */

/* the largest pid Linux gives (PID_MAX_LIMIT, 2^22): a larger number is a time */
#define PID_MAX 4194304L

/* the '>' that closes -y's, -yy's or -Y's "<...>" at q (its '<'), or the string's end
 * where the line was cut inside it. Its own '<' and '>' are escaped, nested ones
 * ("</dev/null<char 1:3>>") counted; a socket's "->" lies between its brackets
 * ("<TCP:[1.2.3.4:80->5.6.7.8:9]>"), so that a path ending in '-' ("</etc/passwd->") ends
 * at its "->" */
static const char *angle_end(const char *q)
{
    for (int depth = 0, brackets = 0; *q; q++) {
        if (*q == '\\' && q[1]) q++;
        else if (*q == '<') depth++;
        else if (*q == '[') brackets++;
        else if (*q == ']' && brackets) brackets--;
        else if (*q == '>' && !(q[-1] == '-' && brackets) && !--depth) break;
    }
    return q;
}

/* " = VALUE" at the end of a call's line (before " <duration>"): the return value;
 * TS_RET_UNKNOWN for "= <unk>" (export's value outside its vocabulary: one there, not
 * known; strace writes no such value); 0 when there is none ("= ?", or no " = "), or when the line is cut (the log's last,
 * without its newline, where a duration would follow) right after the number, which may
 * have been cut too. The value is the kernel's long, which strace prints unsigned for some
 * calls ("= 18446744073709551615", an address "= 0xffffffffff600000"): up to 2^64 - 1 it
 * is the signed value of those bits; past 64 bits, -1. A " = " inside a quoted argument
 * ("x) = 7", escaped '"' and all) is none: a line cut inside one has no value; nor is one
 * in what -y and -yy write after the value, a descriptor's path or socket ("= 3</d) = 5>",
 * "= 3</dev/null<char 1:3>>", "= 4<TCP:[1.2.3.4:80->5.6.7.8:9]>": the path's own '<' and
 * '>' escaped, the socket's "->" not), nor one in such a path of a descriptor argument
 * ("read(3</d) = 5>, ", a line cut after it or inside it); each "<...>" ends as angle_end
 * finds it. ns_pid (may be NULL): the pid strace --pidns-translation writes after a pid
 * the call returned, as strace's own PID namespace numbers it, in a C comment after the value
 * ("= 2", then the comment "102 in strace's PID NS": 102), else 0 */
static int parse_ret(const char *s, int cut, int64_t *ret, long *ns_pid)
{
    if (ns_pid) *ns_pid = 0;
    const char *eq = NULL;   /* the last " = " after the closing parenthesis (strace pads with blanks) */
    int quoted = 0;
    for (const char *q = s; *q; q++) {
        if (*q == '\\' && q[1]) q++;   /* an escaped byte (\", \\), in a string or in -y's <PATH> */
        else if (*q == '"') quoted = !quoted;
        else if (!quoted && *q == '<' && q > s && (isalnum((unsigned char)q[-1]) || q[-1] == '_') && q[1] != '<') {
            /* -y's and -yy's "<...>" after a descriptor argument (3</tmp/a) = 5/b>, AT_FDCWD</d>),
             * -Y's after a pid: a path, a socket or a name, skipped to its end; a line cut
             * inside one has no value after it (not "1<<12": a shift) */
            q = angle_end(q);
            if (!*q) break;
        } else if (!quoted && q[0] == ' ' && q[1] == '=' && q[2] == ' ') {
            const char *b = q;
            while (b > s && b[-1] == ' ') b--;
            if (b > s && b[-1] == ')') eq = q;
            else continue;
            for (q += 3; isxdigit((unsigned char)*q) || *q == '-' || *q == 'x' || *q == '?'; q++) {}
            if (*q != '<') { q--; continue; }
            q = angle_end(q);   /* the value's "<...>", to its end (or the line's) */
            if (!*q) break;
        }
    }
    if (!eq) return 0;
    const char *v = eq + 3;
    if (!strncmp(v, "<unk>", 5) && (!v[5] || v[5] == ' ')) return TS_RET_UNKNOWN;
    char *e;
    errno = 0;
    const char *w = v;
    while (isspace((unsigned char)*w)) w++;   /* (as strtoull skips them) */
    const int neg = *w == '-';
    long long x = neg ? strtoll(v, &e, 0) : 0;
    unsigned long long u = neg ? 0 : strtoull(v, &e, 0);
    if (e == v || (cut && !*e)) return 0;
    if (errno == ERANGE) return -1;
    *ret = neg ? (int64_t)x : (int64_t)u;
    static const char ns_mark[] = " in strace's PID NS */";
    if (ns_pid && !strncmp(e, " /* ", 4) && isdigit((unsigned char)e[4])) {
        char *pe;
        errno = 0;
        const unsigned long long p = strtoull(e + 4, &pe, 10);
        if (!errno && p > 0 && p <= PID_MAX && !strncmp(pe, ns_mark, sizeof ns_mark - 1)) *ns_pid = (long)p;
    }
    return 1;
}

static int hex_digit(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* one escape of strace's quoting at *p, just after its '\': octal ("\303", "\76"), hex
 * (-x, -xx: "\xc3"), "\n" and its kin, or the character itself ('"', '\', '<', '>');
 * the byte, *p moved past it, or -1 (a NUL, or nothing after the '\') */
static int unescape(const char **p)
{
    const char *b = *p;
    int c = (unsigned char)*b++;
    if (c >= '0' && c <= '7') {
        c -= '0';
        for (int k = 1; k < 3 && *b >= '0' && *b <= '7'; k++) c = c * 8 + (*b++ - '0');
    } else if (c == 'x' && hex_digit((unsigned char)b[0]) >= 0 && hex_digit((unsigned char)b[1]) >= 0) {
        c = hex_digit((unsigned char)b[0]) * 16 + hex_digit((unsigned char)b[1]);
        b += 2;
    } else {
        c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'v' ? '\v' : c == 'f' ? '\f' : c;
    }
    if (c == 0 || c > 255) return -1;
    *p = b;
    return c;
}

/* the first argument of execve("PATH", ...) as malloc'd text, decoded from strace's quoting
 * (unescape's), or NULL (no such argument, or a NUL in it) */
static char *exec_path(const char *s)
{
    if (strncmp(s, "execve(\"", 8)) return NULL;
    const char *b = s + 8, *q = b;
    while (*q && *q != '"') q += q[0] == '\\' && q[1] ? 2 : 1;
    if (!*q) return NULL;
    char *p = ts_malloc((size_t)(q - b) + 1);
    size_t n = 0;
    while (b < q) {
        int c = (unsigned char)*b++;
        if (c == '\\' && (c = unescape(&b)) < 0) { free(p); return NULL; }
        p[n++] = (char)c;
    }
    p[n] = 0;
    return p;
}

#define NOTICE_PID "a pid outside Linux's 0 to 4194304 in 'strace: Process N ...'"

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* a token of digits, '.' and ':' followed by a blank; returns its end or NULL */
static const char *number_token(const char *p, int *has_dot)
{
    const char *s = p;
    *has_dot = 0;
    while ((*p >= '0' && *p <= '9') || *p == '.' || *p == ':') {
        if (*p == '.' || *p == ':') *has_dot = 1;
        p++;
    }
    return (p > s && (*p == ' ' || *p == '\t')) ? p : NULL;
}

/* [s, e) (number_token's) is a time as strace prints one: SECONDS (-ttt, -r) or HH:MM:SS
 * (-t, -tt), each with a fraction or not; not "1.2.3", "12:00" or "." */
static int time_shape(const char *s, const char *e)
{
    for (int parts = 1;; parts++, s++) {
        const char *d = s;
        while (s < e && *s >= '0' && *s <= '9') s++;
        if (s == d) return 0;
        if (s < e && *s == '.') {
            for (d = ++s; s < e && *s >= '0' && *s <= '9';) s++;
            if (s == d || s < e) return 0;
        }
        if (s == e) return parts == 1 || parts == 3;
        if (*s != ':' || parts == 3) return 0;
    }
}

/* -Y's "<NAME>" after a pid: the thread's name (comm) as strace quotes it ('<', '>', '"',
 * '\\' and bytes outside printable ASCII escaped: "\76", "\303", "\\"; with -x "\xc3", with
 * -xx every byte so), decoded into comm (cap bytes); its end after the '>', else NULL.
 * strace prints no empty one: "<>" is export's for a thread of no name (comm "") */
static const char *comm_token(const char *p, char *comm, size_t cap)
{
    if (*p != '<') return NULL;
    size_t n = 0;
    for (p++; *p != '>'; n++) {
        if (!*p || n + 1 >= cap) return NULL;
        int c = (unsigned char)*p++;
        if (c == '\\' && (c = unescape(&p)) < 0) return NULL;
        comm[n] = (char)c;
    }
    comm[n] = 0;
    return p + 1;
}

/* -n's system call number, "[  59]" ("[????]" where strace has none), followed by a
 * blank: its end, else NULL */
static const char *nr_token(const char *p)
{
    if (*p != '[') return NULL;
    const char *q = p + 1;
    while (*q == ' ') q++;
    const char *d = q;
    if (*q == '?') while (*q == '?') q++;
    else while (*q >= '0' && *q <= '9') q++;
    return q > d && *q == ']' && (q[1] == ' ' || q[1] == '\t') ? q + 1 : NULL;
}

/* -i's instruction pointer, "[00007f3a1c2b3c4d]" ("[????????????????]" where strace
 * has none, as on exit lines), followed by a blank: its end, else NULL */
static const char *ip_token(const char *p)
{
    if (*p != '[') return NULL;
    const char *q = p + 1;
    while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F') || *q == '?') q++;
    return q > p + 1 && *q == ']' && (q[1] == ' ' || q[1] == '\t') ? q + 1 : NULL;
}

/* the next line of [*p, end) as [*b, *e) (a '\r' before its '\n' left out); 0 at the end
 * or at a NUL byte */
static int next_line(const char **p, const char *end, const char **b, const char **e)
{
    if (*p >= end) return 0;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p)), *l = nl ? nl : end;
    if (memchr(*p, 0, (size_t)(l - *p))) return 0;
    *b = *p;
    *e = l > *p && l[-1] == '\r' ? l - 1 : l;
    *p = nl ? nl + 1 : end;
    return 1;
}

/* of the line [b, e): its blank-separated words, each a column title of strace's summary
 * table ("% time" one); -1 when any is not one */
static int summary_titles(const char *b, const char *e)
{
    static const char *const titles[] = {"%", "time", "seconds", "shortest", "longest", "usecs/call",
                                         "calls", "errors", "syscall", NULL};
    int n = 0, name = 0;
    for (const char *q = b; q < e;) {
        while (q < e && *q == ' ') q++;
        if (q == e) break;
        const char *w = q;
        while (q < e && *q != ' ') q++;
        int k = 0;
        while (titles[k] && (strlen(titles[k]) != (size_t)(q - w) || memcmp(titles[k], w, (size_t)(q - w)))) k++;
        if (!titles[k]) return -1;
        n += k != 1;   /* "time" belongs to "%" */
        name |= k == 8;
    }
    return name ? n : -1;
}

/* of the line [b, e): its number of groups of dashes, one blank apart; -1 when it is not that */
static int summary_rule(const char *b, const char *e)
{
    int n = 0;
    for (const char *q = b; q < e; n++) {
        if (*q != '-') return -1;
        while (q < e && *q == '-') q++;
        if (q < e && (*q++ != ' ' || q == e)) return -1;
    }
    return n;
}

/* a row of the summary table [b, e): numbers and one name (total: the name "total") */
static int summary_row(const char *b, const char *e, int total)
{
    int names = 0;
    for (const char *q = b; q < e;) {
        while (q < e && *q == ' ') q++;
        if (q == e) break;
        const char *w = q;
        int num = 1, id = 1;
        for (; q < e && *q != ' '; q++) {
            num &= (*q >= '0' && *q <= '9') || *q == '.';
            id &= ts__is_ident(*q);
        }
        if (!num) {
            if (!id || names++ || (total && (q - w != 5 || memcmp(w, "total", 5)))) return 0;
        }
    }
    return names == 1;
}

/* strace -c or -C with -o: the summary it appends to the log, a table per personality used
 * (those but the first after a line "System call usage summary for 32 bit mode:"):
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ----------------
 *     0.00    0.000000           0        15           read
 *   ------ ----------- ----------- --------- --------- ----------------
 *   100.00    0.000000           0       380        57 total
 * (-U chooses and orders the columns). 1 when the line [b, e) and the text after it up to
 * end are that exactly, and blank lines after it */
static int summary_at_end(const char *b, const char *e, const char *rest, const char *end)
{
    for (;;) {
        if (e - b > 30 && !strncmp(b, "System call usage summary for ", 30) && e[-1] == ':' &&
            !next_line(&rest, end, &b, &e))
            return 0;
        int cols = summary_titles(b, e);
        const char *rb, *re;
        if (cols < 1 || !next_line(&rest, end, &rb, &re) || summary_rule(rb, re) != cols) return 0;
        for (;;) {   /* rows, the rule again, the total */
            if (!next_line(&rest, end, &b, &e)) return 0;
            if (e - b == re - rb && !memcmp(b, rb, (size_t)(e - b))) break;
            if (!summary_row(b, e, 0)) return 0;
        }
        if (!next_line(&rest, end, &b, &e) || !summary_row(b, e, 1)) return 0;
        do {   /* blank lines, then the end or another table */
            if (!next_line(&rest, end, &b, &e)) return rest >= end;
            while (b < e && (*b == ' ' || *b == '\t')) b++;
        } while (b == e);
    }
}

/* the line [b, e) ends in -T's duration, " <0.000012>" */
static int ends_in_duration(const char *b, const char *e)
{
    if (e - b < 4 || e[-1] != '>') return 0;
    const char *q = e - 1;
    while (q > b && ((q[-1] >= '0' && q[-1] <= '9') || q[-1] == '.')) q--;
    return q < e - 1 && q - b >= 2 && q[-1] == '<' && q[-2] == ' ';
}

#define CR_INSIDE "a carriage return inside the line (strace writes one as \\r; line ends of a carriage return alone are not read)"

/* cut: the line is the log's last and has no newline (strace stopped while writing it, or
 * the log was cut short): -2, which read_log turns into a note, the line left out. A fault
 * no cut makes (a whole pid, a value or a time past its range: a cut only shortens them) is
 * given cut 0: an error, as with the newline */
static int bad_line_hint(const char *path, size_t line, const char *s, int cut, const char *why, const char *hint)
{
    char *q = ts__excerpt(s, strcspn(s, "\n"), 60);
    if (cut) why = "the log ends in the middle of this line (strace stopped while writing it)", hint = NULL;
    ts_fail("%s:%zu: %s: '%s'%s%s", path, line, why, q, hint ? " " : "", hint ? hint : "");
    free(q);
    return cut ? -2 : -1;
}

static int bad_line(const char *path, size_t line, const char *s, int cut, const char *why)
{
    return bad_line_hint(path, line, s, cut, why, NULL);
}

/* strace without -o writes to stderr, where the traced program's own lines come among its
 * own: a line with nothing of strace's (no pid, no time, no call's rest ") = N", no
 * "<unfinished ...>" or "resumed>") is likely one; a call's rest alone on its line, one
 * whose start such output cut (a write to stderr: 'write(2, "hi\n", 3hi' and then ")   = 3"),
 * likely follows one: the hint for the line, or NULL */
static const char *own_output_hint(const char *s)
{
    const size_t len = strcspn(s, "\n");
    const char *first = NULL;
    for (const char *q = s; q < s + len && !first; q++) {
        if (*q != ')') continue;
        const char *e = q + 1;
        while (*e == ' ' || *e == '\t') e++;
        if (*e == '=' && e[1] == ' ') first = q;
    }
    if (first && first == skip_blanks(s))
        return "(the rest of a call whose line the program's own output cut? record with strace -o FILE)";
    if (first || memmem(s, len, "<unfinished", 11) || memmem(s, len, "resumed>", 8)) return NULL;
    return "(a line of the program's own output? record with strace -o FILE)";
}

/* timestamp token -> nanoseconds, exactly: -ttt "1700000000.123456", -tt/-t "HH:MM:SS[.us]"
 * (a double of seconds since 1970 keeps only ~0.24 us; digits past the ns dropped); -1 from
 * 2^63 ns on (a time past the year 2262, or digits without end: read_log refuses it), 2^63 - 1
 * itself being a time */
#define TIME_RANGE "a time too large to read (2^63 ns or more)"
static int64_t parse_time_ns(const char *s, const char *e)
{
    int64_t v = 0, part = 0, frac = 0;
    int digits = 0, infrac = 0, over = 0;
    for (const char *q = s; q < e && !over; q++) {
        if (*q == ':') {
            over = __builtin_add_overflow(v, part, &v) || __builtin_mul_overflow(v, 60, &v);
            part = 0;
        }
        else if (*q == '.') infrac = 1;
        else if (infrac) { if (digits < 9) { frac = frac * 10 + (*q - '0'); digits++; } }
        else over = __builtin_mul_overflow(part, 10, &part) || __builtin_add_overflow(part, *q - '0', &part);
    }
    while (digits++ < 9) frac *= 10;
    int64_t ns;
    if (over || __builtin_add_overflow(v, part, &v) || __builtin_mul_overflow(v, 1000000000, &ns) ||
        __builtin_add_overflow(ns, frac, &ns))
        return -1;
    return ns;
}

static double ns_seconds(int64_t ns)
{
    return (double)(ns / 1000000000) + (double)(ns % 1000000000) * 1e-9;
}

/* larger logs are refused: gzip expands up to ~1000x, so a small file could
 * otherwise ask for any amount of memory */
#define GZ_MAX ((size_t)8 << 30)

/* *buf holds a gzip stream (one member or several): replace it by its contents */
static int gunzip(const char *path, char **buf, size_t *size)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return ts_fail("%s: zlib: cannot start", path);
    size_t cap = *size * 4 + 4096, n = 0;
    char *out = ts_malloc(cap + 1);
    const unsigned char *in = (const unsigned char *)*buf;
    size_t left = *size;
    int rc = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= GZ_MAX) { rc = ts_fail("%s: more than %zu bytes once decompressed", path, GZ_MAX); break; }
            cap = cap * 2 > GZ_MAX ? GZ_MAX : cap * 2;
            out = ts_realloc(out, cap + 1);
        }
        uInt chunk_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
        size_t room = cap - n;
        uInt chunk_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        z.next_in = (unsigned char *)in;
        z.avail_in = chunk_in;
        z.next_out = (unsigned char *)out + n;
        z.avail_out = chunk_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        in += chunk_in - z.avail_in;
        left -= chunk_in - z.avail_in;
        n += chunk_out - z.avail_out;
        if (zr == Z_STREAM_END) {
            /* another member follows (cat a.gz b.gz), or trailing zeros (padding) */
            size_t k = 0;
            while (k < left && in[k] == 0) k++;
            if (k == left) break;
            if (left < 2 || in[0] != 0x1f || in[1] != 0x8b) {
                rc = ts_fail("%s: %zu bytes of garbage after the gzip data", path, left);
                break;
            }
            inflateReset(&z);
            continue;
        }
        if (zr == Z_BUF_ERROR && left == 0) {
            /* (copied or written in part): where its text ends, which gzip -dc writes out */
            size_t line = 0;
            for (size_t i = 0; i < n; i++) line += out[i] == '\n';
            if (n && out[n - 1] != '\n') line++;
            if (!n) rc = ts_fail("%s: truncated gzip file (nothing decompressed)", path);
            else
                rc = ts_fail("%s: truncated gzip file: its text ends in line %zu, after %zu bytes (gzip -dc writes "
                             "them out, to be read as a text cut short)", path, line, n);
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = ts_fail("%s: corrupt gzip data after %zu decompressed bytes (%s)", path, n,
                         z.msg ? z.msg : "zlib error");
            break;
        }
    }
    inflateEnd(&z);
    if (rc) { free(out); return -1; }
    out[n] = 0;
    free(*buf);
    *buf = out;
    *size = n;
    return 0;
}

int ts__read_text(const char *path, char **buf, size_t *size)
{
    /* a group it is one of (fill -o OUT of ftrace text with --save-model), committed by a
     * process killed before OUT took its place: finished first */
    *buf = NULL;
    if (ts__stage_recover_beside(path)) return -1;
    if (ts__read_file(path, buf, size) != 0) return -1;
    const unsigned char *b = (const unsigned char *)*buf;
    size_t n = *size;
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        if (gunzip(path, buf, size) == 0) return 0;
        free(*buf);
        *buf = NULL;   /* nothing for the caller to free */
        return -1;
    }
    const char *what = NULL, *how = NULL;
    if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6)) what = "xz", how = "xz -d";
    else if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4)) what = "zstd", how = "zstd -d";
    else if (n >= 3 && !memcmp(b, "BZh", 3) && n >= 4 && b[3] >= '1' && b[3] <= '9') what = "bzip2", how = "bzip2 -d";
    else if (n >= 4 && !memcmp(b, "\x04\x22\x4d\x18", 4)) what = "lz4", how = "lz4 -d";
    if (what) {
        free(*buf);
        *buf = NULL;
        return ts_fail("%s: %s-compressed; decompress it first (%s), or use gzip, which is read directly",
                       path, what, how);
    }
    return 0;
}

/* a call's line that ends with "<unfinished ...>" (not one whose argument holds it) */
static int unfinished(const char *s)
{
    static const char mark[] = "<unfinished ...>";
    size_t l = strlen(s), m = sizeof mark - 1;
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\t')) l--;
    return l >= m && !memcmp(s + l - m, mark, m);
}

/* a call's line that ends with "<pid changed to N ...>": a thread's execve, which goes on
 * under N, its process's id, where its "<... execve resumed>" is written (strace -ff: in
 * N's file; -f with --quiet=thread-execve: the same log, and no "+++ superseded" line).
 * N; 0 when the line does not end so; -1 when N is no pid Linux gives */
static long pid_changed(const char *s)
{
    static const char mark[] = "<pid changed to ";
    const size_t m = sizeof mark - 1;
    size_t l = strlen(s);
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\t')) l--;
    if (l < 5 || memcmp(s + l - 5, " ...>", 5)) return 0;
    const char *e = s + l - 5, *d = e;
    while (d > s && d[-1] >= '0' && d[-1] <= '9') d--;
    if (d == e || (size_t)(d - s) < m || memcmp(d - m, mark, m)) return 0;
    if (e - d > 7) return -1;
    const long pid = strtol(d, NULL, 10);
    return pid < 1 || pid > PID_MAX ? -1 : pid;
}

/* strace's notice "strace: Process N attached" ("detached", "attached with N threads") up
 * to the line's end: one cut into a call's line, not text in its arguments (which strace
 * quotes and ends, '"...")') */
static int notice_to_end(const char *s)
{
    const char *q = s + 16, *d = q;
    while (*q >= '0' && *q <= '9') q++;
    if (q == d || *q != ' ') return 0;
    while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == ' ') q++;
    return !*q;
}

/* a line of strace's own at s (on its stream, with a log written to a terminal): strace names
 * itself as it was started, "strace: ..." or "/usr/bin/strace: ...", "./strace: ...": where
 * its "strace: " is, else NULL. A call's line has its '(' first (a path argument ending in
 * "strace: " is none) */
static const char *own_line(const char *s)
{
    const char *q = s;
    while (*q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '(' && *q != '"' && strncmp(q, "strace: ", 8)) q++;
    return !strncmp(q, "strace: ", 8) && (q == s || q[-1] == '/') ? q : NULL;
}

static void pend_init(pending *w)
{
    memset(w, 0, sizeof *w);
    ts__interner_init(&w->names);
}

static void pend_free(pending *w)
{
    ts__idmap_free(&w->ids);
    free(w->pid);
    free(w->idx);
    free(w->name);
    free(w->prev);
    free(w->next);
    free(w->head);
    free(w->tail);
    ts__interner_free(&w->names);
    memset(w, 0, sizeof *w);
}

/* the slot of pid's call that waits, else SIZE_MAX */
static size_t pend_of_pid(const pending *w, long pid)
{
    size_t k = ts__idmap_get((ts__idmap *)&w->ids, pid, 0);
    return k != SIZE_MAX && w->idx[k] != SIZE_MAX ? k : SIZE_MAX;
}

/* the slot of the oldest call named name that waits, else SIZE_MAX */
static size_t pend_of_name(const pending *w, const char *name)
{
    int32_t v = ts__strmap_get(&w->names.map, name);
    return v >= 0 ? w->head[v] : SIZE_MAX;
}

static const char *pend_name(const pending *w, size_t k) { return w->names.str[w->name[k]]; }

/* slot k's call no longer waits */
static void pend_drop(pending *w, size_t k)
{
    int32_t v = w->name[k];
    if (w->prev[k] != SIZE_MAX) w->next[w->prev[k]] = w->next[k];
    else w->head[v] = w->next[k];
    if (w->next[k] != SIZE_MAX) w->prev[w->next[k]] = w->prev[k];
    else w->tail[v] = w->prev[k];
    w->idx[k] = SIZE_MAX;
}

/* call idx of pid waits for its return (in place of any earlier one of pid) */
static void pend_wait(pending *w, long pid, size_t idx, const char *name)
{
    size_t k = ts__idmap_get(&w->ids, pid, 1);
    if (ts__idmap_cap(&w->ids) > w->cap) {
        size_t c = ts__idmap_cap(&w->ids);
        w->pid = ts_realloc(w->pid, c * sizeof *w->pid);
        w->idx = ts_realloc(w->idx, c * sizeof *w->idx);
        w->name = ts_realloc(w->name, c * sizeof *w->name);
        w->prev = ts_realloc(w->prev, c * sizeof *w->prev);
        w->next = ts_realloc(w->next, c * sizeof *w->next);
        for (size_t i = w->cap; i < c; i++) w->idx[i] = SIZE_MAX;
        w->cap = c;
    }
    if (w->idx[k] != SIZE_MAX) pend_drop(w, k);
    int32_t v = ts__intern(&w->names, name, name + strlen(name));
    if (v >= w->cnames) {
        int32_t c = w->cnames ? 2 * w->cnames : 16;
        while (v >= c) c *= 2;
        w->head = ts_realloc(w->head, (size_t)c * sizeof *w->head);
        w->tail = ts_realloc(w->tail, (size_t)c * sizeof *w->tail);
        for (int32_t i = w->cnames; i < c; i++) w->head[i] = w->tail[i] = SIZE_MAX;
        w->cnames = c;
    }
    w->pid[k] = pid;
    w->idx[k] = idx;
    w->name[k] = v;
    w->next[k] = SIZE_MAX;
    w->prev[k] = w->tail[v];
    if (w->tail[v] != SIZE_MAX) w->next[w->tail[v]] = k;
    else w->head[v] = k;
    w->tail[v] = k;
}

typedef struct {
    size_t before;   /* before call `before` */
    long pid;        /* 0: the one traced alone */
    int added;       /* attached (1), else gone */
} task_gone;

static void task_change(task_gone **t, size_t *n, size_t *cap, size_t before, long pid, int added)
{
    if (*n == *cap) *t = ts_realloc(*t, (*cap = *cap ? 2 * *cap : 16) * sizeof **t);
    (*t)[(*n)++] = (task_gone){before, pid, added};
}

/* the pid of a notice or of "+++ superseded by execve in pid N +++" at s, -1 when Linux
 * gives none such (past 2^63 strtol clamps: two processes would be one) */
static long notice_pid(const char *s)
{
    long pid = strtol(s, NULL, 10);
    return pid < 0 || pid > PID_MAX ? -1 : pid;
}

/* strace's "strace: Process N attached" (a task traced from now), "... detached" (no more) */
static void task_notice(task_gone **t, size_t *n, size_t *cap, size_t before, const char *s)
{
    char *e;
    long pid = strtol(s + 16, &e, 10);
    if (!strncmp(e, " attached", 9)) task_change(t, n, cap, before, pid, 1);
    else if (!strncmp(e, " detached", 9)) task_change(t, n, cap, before, pid, 0);
}

/* the tasks traced, each found in constant time (a log has many thousand); the one
 * traced alone is known when one is */
typedef struct {
    ts__idmap ids;        /* pid -> slot */
    unsigned *in;         /* per slot: traced while it equals round */
    size_t cap, n;        /* traced */
    unsigned round;       /* all gone: the next round */
    unsigned long sum;    /* the traced pids' XOR: the one when n is 1 */
} task_set;

static int task_has(task_set *t, long pid)
{
    size_t k = ts__idmap_get(&t->ids, pid, 0);
    return k != SIZE_MAX && t->in[k] == t->round;
}

static void task_add(task_set *t, long pid)
{
    size_t k = ts__idmap_get(&t->ids, pid, 1);
    if (ts__idmap_cap(&t->ids) > t->cap) {
        size_t c = ts__idmap_cap(&t->ids);
        t->in = ts_realloc(t->in, c * sizeof *t->in);
        for (size_t i = t->cap; i < c; i++) t->in[i] = 0;
        t->cap = c;
    }
    if (t->in[k] == t->round) return;
    t->in[k] = t->round;
    t->n++;
    t->sum ^= (unsigned long)pid;
}

static void task_remove(task_set *t, long pid)
{
    size_t k = ts__idmap_get(&t->ids, pid, 0);
    if (k == SIZE_MAX || t->in[k] != t->round) return;
    t->in[k] = 0;
    t->n--;
    t->sum ^= (unsigned long)pid;
}

static void task_none(task_set *t)
{
    t->round++;   /* (never 0: 2^32 rounds are more lines than a log can have) */
    t->n = 0;
    t->sum = 0;
}

/* strace -f without -o leaves the pid out while it traces one task only: such a call is
 * that task's. The tasks traced: each seen with its pid or attached, until gone (a task
 * a clone made is traced from its first event, not from the clone); the first task's pid
 * is the first one seen that none of its calls made. Calls whose task cannot be told keep
 * pid 0 */
static void alone_pids(char **names, size_t n, ts__strace_fields *x, const task_gone *gone, size_t ngone)
{
    size_t with = 0, first = n;   /* calls with a pid; the first */
    for (size_t i = 0; i < n; i++)
        if (x->pid[i]) with++, first = first < i ? first : i;
    if (!with || with == n) return;
    ts__idmap made;   /* the pids the first task's calls before made */
    memset(&made, 0, sizeof made);
    for (size_t k = 0; k < first; k++)
        if (x->has_ret[k] == 1 && (!strcmp(names[k], "clone") || !strcmp(names[k], "clone3") ||
                              !strcmp(names[k], "fork") || !strcmp(names[k], "vfork")))
            ts__idmap_get(&made, x->ret_pid[k] ? x->ret_pid[k] : x->ret[k], 1);
    long first_pid = 0;
    for (size_t i = first; i < n && !first_pid; i++)
        if (x->pid[i] && ts__idmap_get(&made, x->pid[i], 0) == SIZE_MAX) first_pid = x->pid[i];
    ts__idmap_free(&made);
    task_set live;
    memset(&live, 0, sizeof live);
    live.round = 1;
    size_t g = 0;
    if (first_pid) task_add(&live, first_pid);
    for (size_t i = 0; i < n; i++) {
        for (; g < ngone && gone[g].before <= i; g++) {
            if (gone[g].added) task_add(&live, gone[g].pid);
            else if (!gone[g].pid) task_none(&live);
            else task_remove(&live, gone[g].pid);
        }
        if (!x->pid[i] && live.n == 1) {
            x->pid[i] = (long)live.sum;
            if (!x->exec_pid[i]) x->exec_pid[i] = (long)live.sum;
        }
        if (x->pid[i] && !task_has(&live, x->pid[i])) task_add(&live, x->pid[i]);
    }
    ts__idmap_free(&live.ids);
    free(live.in);
}

/* The order of n items merged from chains: heads[0..nc) their first items, next[i] the item
 * after i in its chain (SIZE_MAX: none); by key, ties to the lower item, each chain in its
 * own order. The chains' next items in a binary heap (heap: nc slots; a build's log has
 * thousands of threads, its -ff thousands of files) */
static void merge_chains(const int64_t *key, const size_t *next, const size_t *heads, size_t nc, size_t n,
                         size_t *order, size_t *heap)
{
#define ITEM_BEFORE(a, b) (key[a] < key[b] || (key[a] == key[b] && (a) < (b)))
    size_t nh = 0;
    for (size_t k = 0; k < nc; k++) {
        size_t c = heads[k], j = nh++;
        for (; j > 0 && ITEM_BEFORE(c, heap[(j - 1) / 2]); j = (j - 1) / 2) heap[j] = heap[(j - 1) / 2];
        heap[j] = c;
    }
    for (size_t m = 0; m < n && nh; m++) {
        const size_t top = heap[0];
        order[m] = top;
        const size_t c = next[top] != SIZE_MAX ? next[top] : heap[--nh];   /* sifted down from the top */
        size_t j = 0;
        for (;;) {
            size_t k = 2 * j + 1;
            if (k >= nh) break;
            if (k + 1 < nh && ITEM_BEFORE(heap[k + 1], heap[k])) k++;
            if (!ITEM_BEFORE(heap[k], c)) break;
            heap[j] = heap[k];
            j = k;
        }
        if (nh) heap[j] = c;
    }
#undef ITEM_BEFORE
}

/* strace -z, -Z and -e status= hold a call's line until the call ends (to know whether it
 * failed): a -f log then lists the calls as they end, each with the time it started. The
 * calls in the order they started: each thread's in the log's order (a clock that steps
 * back does not reorder a thread's calls), the threads' merged by time, ties to the call
 * earlier in the log; as the -ff logs of the same calls are merged */
static void start_order(char **names, double *times, size_t n, ts__strace_fields *x)
{
    size_t i = 1;
    while (i < n && x->ns[i] >= x->ns[i - 1]) i++;
    if (i >= n) return;
    /* each thread's calls, chained in the log's order */
    ts__idmap ids;
    memset(&ids, 0, sizeof ids);
    size_t *next = ts_malloc(n * sizeof *next), *head = ts_malloc(n * sizeof *head);
    size_t *tail = ts_malloc(n * sizeof *tail), nt = 0;
    for (i = 0; i < n; i++) {
        size_t k = ts__idmap_get(&ids, x->pid[i], 1);
        next[i] = SIZE_MAX;
        if (k == nt) head[nt++] = i;
        else next[tail[k]] = i;
        tail[k] = i;
    }
    ts__idmap_free(&ids);
    size_t *order = ts_malloc(n * sizeof *order);
    merge_chains(x->ns, next, head, nt, n, order, tail);
    free(next);
    free(head);
    free(tail);
    /* every per-call array in that order */
    void *tmp = ts_malloc(n * 8);
#define REORDER(arr)                                                               \
    do {                                                                           \
        for (size_t m = 0; m < n; m++) memcpy((char *)tmp + m * sizeof *(arr), &(arr)[order[m]], sizeof *(arr)); \
        memcpy((arr), tmp, n * sizeof *(arr));                                     \
    } while (0)
    REORDER(names);
    REORDER(times);
    REORDER(x->pid);
    REORDER(x->ns);
    REORDER(x->ret);
    REORDER(x->has_ret);
    REORDER(x->exec);
    REORDER(x->comm);
    REORDER(x->exec_pid);
    REORDER(x->ret_pid);
    if (x->link) REORDER(x->link);
#undef REORDER
    free(tmp);
    free(order);
}

/* one log; times[i] = start time of call i (*timed: 1; 0 when the log has none, 2 when they
 * are strace -r's, summed from 0 at the log's first line, 3 when they are times of day, -t
 * or -tt, from its first day's midnight, 4 perf trace -T's, perf's clock, 5 perf trace's
 * without -T, from the trace's start); x (may
 * be NULL): also per call the pid, the return value and execve's path; time_at and places
 * (may be NULL): the line of the log's first time (*timed 0: its first line without one) and
 * the most decimal places of a second its times have (0: whole seconds, -t; 3: milliseconds;
 * 6: -tt's and -ttt's microseconds); again (may be NULL): 1 when a call follows its thread's
 * "+++ exited" or "+++ killed" line, or its exit or exit_group (strace -A's log of two
 * threads of one number), else 0 */
/* a log not there whose name strace -ff -o took for its files (PATH.PID): the error of its
 * opening, which stands, then which files those are and how to give them all; 1 when so */
static int ff_files_named(const char *path)
{
    struct stat st;
    if (!strcmp(path, "-") || stat(path, &st) == 0 || errno != ENOENT) return 0;
    /* the name itself, its glob characters escaped (a name, not a pattern), then .N */
    const size_t l = strlen(path);
    char *pat = ts_malloc(2 * l + 8), *q = pat;
    for (const char *c = path; *c; c++) {
        if (strchr("*?[]\\", *c)) *q++ = '\\';
        *q++ = *c;
    }
    memcpy(q, ".[0-9]*", 8);
    glob_t g;
    const int found = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
    free(pat);
    if (!found) return 0;
    /* the command and the pattern as the shell reads them back ('a b'.*) */
    char *was = ts_strdup(ts_error()), *w = ts_shell_word(path);
    if (g.gl_pathc == 1)
        ts_fail("%s (strace -ff -o %s wrote a file per process: %s; give it, or all of them, %s.*)", was, w,
                g.gl_pathv[0], w);
    else
        ts_fail("%s (strace -ff -o %s wrote %s and %zu more, a file per process: give them all, %s.*)", was, w,
                g.gl_pathv[0], g.gl_pathc - 1, w);
    free(w);
    free(was);
    globfree(&g);
    return 1;
}

static long file_pid(const char *path);

/* a path not there that holds a glob character (*, ? or [): a pattern the shell passed as it
 * is, where it matched no file or was quoted. The error of its opening replaced by one that
 * says so, and what it matches; 1 when so, else 0 */
static int pattern_named(const char *path)
{
    struct stat st;
    if (!strpbrk(path, "*?[") || lstat(path, &st) == 0 || errno != ENOENT) return 0;
    glob_t g;
    const int rc = glob(path, 0, NULL, &g);
    if (rc == GLOB_NOMATCH || (rc == 0 && !g.gl_pathc))
        ts_fail("%s: no file matches the pattern (the shell passes it as it is where it matches nothing), and no "
                "file has this name", path);
    else if (rc == 0 && g.gl_pathc == 1)
        ts_fail("%s: no such file; as a pattern it matches 1 file (%s), but the shell did not expand it (quoted): "
                "give it without quotes", path, g.gl_pathv[0]);
    else if (rc == 0)
        ts_fail("%s: no such file; as a pattern it matches %zu files (%s and %zu more), but the shell did not expand "
                "it (quoted): give it without quotes", path, g.gl_pathc, g.gl_pathv[0], g.gl_pathc - 1);
    if (rc == 0) globfree(&g);
    return rc == 0 || rc == GLOB_NOMATCH;
}

/* a folder given for the files strace -ff wrote into it (P.PID, P.PID.gz): the error of its
 * reading ("is a directory") goes on to say which files it holds and how to give them */
static void ff_folder_named(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return;
    struct dirent **e = NULL;
    const int n = scandir(path, &e, NULL, alphasort);
    char *first = NULL;
    size_t pre = 0, more = 0;   /* the first one's name up to its ".PID", and how many more share it */
    for (int i = 0; i < n; i++) {
        const char *name = e[i]->d_name;
        char *p = ts_path_join(path, name);
        if (name[0] != '.' && file_pid(name) && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
            size_t l = strlen(name);
            if (l > 3 && !strcmp(name + l - 3, ".gz")) l -= 3;
            while (l && name[l - 1] != '.') l--;
            if (!first) {
                first = p;
                p = NULL;
                pre = l;
            } else more += l == pre && !strncmp(name, strrchr(first, '/') + 1, pre);
        }
        free(p);
        free(e[i]);
    }
    free(e);
    if (!first) return;
    /* the files' pattern as the shell reads it back ('a b'/p.*) */
    char *stem = ts_strdup(first);
    stem[strlen(stem) - strlen(strrchr(first, '/') + 1) + pre - 1] = 0;
    char *was = ts_strdup(ts_error()), *w = ts_shell_word(stem), more_s[48] = "";
    if (more) snprintf(more_s, sizeof more_s, " and %zu more", more);
    ts_fail("%s: it holds strace -ff's files, one per process (%s%s): give them, %s.*", was, first, more_s, w);
    free(was);
    free(w);
    free(stem);
    free(first);
}

static int read_log(const char *path, char ***names_out, double **times_out, size_t *n_out,
                    int *timed, ts__strace_fields *x, int empty_ok, size_t *time_at, int *places, ts__notes *notes,
                    int *again)
{
    if (again) *again = 0;
    *names_out = NULL;
    *times_out = NULL;
    *n_out = 0;
    *timed = 1;
    ts__strace_fields own;   /* without x: the fields start_order needs */
    const int keep = x != NULL;
    if (!x) x = &own;
    char *buf;
    size_t size;
    if (ts__read_text(path, &buf, &size) != 0) {
        if (!ff_files_named(path) && !pattern_named(path)) ff_folder_named(path);
        return -1;
    }
    if (ts__bom_refused(path, buf, size)) {
        free(buf);
        return -1;
    }
    if (ts__perf_trace_shape(buf, size)) {   /* perf trace's output: strace's lines in its own shape */
        int rel;
        size_t at;   /* the line of its first time */
        int rc = ts__perf_trace_read(path, buf, size, names_out, times_out, n_out, x, empty_ok, &rel, &at, notes);
        free(buf);
        if (rc) return rc;
        *timed = rel ? 5 : 4;
        /* perf trace writes a call's line when it ends (unless another thread's line comes
         * first, which cuts it): -z's order */
        start_order(*names_out, *times_out, *n_out, x);
        if (!keep) {
            for (size_t i = 0; i < *n_out; i++) free(x->exec[i]), free(x->comm[i]);
            ts__strace_fields_free(x);
        }
        if (time_at) *time_at = !*n_out ? 0 : at ? at : 1;   /* (every call '?': its first line) */
        if (places) *places = 6;   /* (milliseconds with 3 decimals) */
        return 0;
    }
    size_t cap = 1024, n = 0;
    char **names = ts_malloc(cap * sizeof *names);
    double *times = ts_malloc(cap * sizeof *times);
    memset(x, 0, sizeof *x);
    x->pid = ts_malloc(cap * sizeof *x->pid);
    x->ns = ts_malloc(cap * sizeof *x->ns);
    x->ret = ts_malloc(cap * sizeof *x->ret);
    x->has_ret = ts_malloc(cap);
    x->exec = ts_malloc(cap * sizeof *x->exec);
    x->comm = ts_malloc(cap * sizeof *x->comm);
    x->exec_pid = ts_malloc(cap * sizeof *x->exec_pid);
    x->ret_pid = ts_malloc(cap * sizeof *x->ret_pid);
    x->link = ts_malloc(cap);
    pending pend;
    pend_init(&pend);
    task_gone *gone = NULL;    /* the tasks gone, in order */
    size_t ngone = 0, cgone = 0;
    long last_pid = 0;         /* the id of the call read last (n > 0) */
    long ended = -1;           /* the id of the last "+++ exited" or "+++ killed" line, or exit call */
    int after_unfinished = 0;  /* the line before was a call's start, "... <unfinished ...>" */
    int64_t prev_ns = 0, day_ns = 0;   /* the last time read; days added past midnight */
    int prev_set = 0;
    int relative = -1;         /* strace -r times (1), absolute ones (0), not known yet (-1) */
    int64_t *rel_at = NULL;    /* while not known: each call's time if they are -r's */
    size_t crel = 0;
    int lead_time = 0;         /* a time began a line (no pid before it) */
    int durations = 0;         /* a whole line ended in -T's duration */
    int of_day = 0;            /* a time of day was read (-t, -tt) */
    size_t first_time = 0;     /* the line of the first time read */
    size_t untimed_at = 0;     /* the first line without one that left the log without a clock */
    int decimals = 0;          /* the most decimal places of a second a time had */
    int64_t rel_ns = 0;        /* with -r: their sum so far */
    int rc = 0;
    size_t line = 0;
    char *p = buf, *end = buf + size;
    size_t joined = 0;         /* lines read with the line before (its rest after a notice) */
    int any_line = 0;          /* a line not blank was read */
    int summary = 0;           /* the log ended in -c's or -C's summary table */
    size_t event_line = 0;     /* the first signal or exit line (-e trace=none leaves them alone) */
    char *said = NULL;         /* strace's first message of its own (not a notice of a task) */
    size_t said_line = 0;
    int timed_line = 1;        /* *timed before the line read last: a cut one left out leaves it */
    while (p < end && rc == 0) {
        line += 1 + joined;
        joined = 0;
        char *eol = memchr(p, '\n', end - p);
        if (!eol) eol = end;
        int cut = eol == end;   /* the last line, without its newline */
        /* strace escapes every byte it prints: a NUL is damage (a block of zeros
         * left by a crash), not a line to cut short or skip */
        const char *nul = memchr(p, 0, (size_t)(eol - p));
        if (nul) {
            rc = ts_fail("%s: byte 0x00 (NUL) at line %zu, column %zu%s", path, line, (size_t)(nul - p) + 1,
                         p == buf && ts__container_file(buf, size) ? " (" TS__CONTAINER_FILE ", not a strace log)" : "");
            break;
        }
        char *lend = eol > p && eol[-1] == '\r' ? eol - 1 : eol;   /* the line's end */
        *eol = 0;
        *lend = 0;
        const char *s = skip_blanks(p), *orig = p;
        const int timed_before = *timed;
        timed_line = timed_before;
        p = eol + 1;
        /* strace writes a carriage return in a string as "\r": one in a line is no line end
         * of its own (lines ended by it alone would be read as one, their calls lost) */
        if (memchr(orig, '\r', (size_t)(lend - orig))) { rc = bad_line(path, line, orig, 0, CR_INSIDE); break; }
        if (*s == 0) continue;
        any_line = 1;
        /* (a last line without its newline and without one may have its value cut; in a
         * log without them it is taken as whole, written without the newline) */
        durations |= !cut && ends_in_duration(orig, lend);
        /* strace's own notices (a log written to a terminal's stream): a line of their own,
         * or "Process N attached" cut into a call's line, whose rest ("<unfinished ...>")
         * follows on the next line */
        const char *said_at = own_line(s);
        if (said_at) {
            if (!strncmp(said_at, "strace: Process ", 16) && notice_to_end(said_at)) {
                if (notice_pid(said_at + 16) < 0) { rc = bad_line(path, line, orig, 0, NOTICE_PID); break; }
                task_notice(&gone, &ngone, &cgone, n, said_at);
            } else if (!said) {
                said = ts__excerpt(s, strlen(s), 160);
                said_line = line;
            }
            continue;
        }
        /* a process that changes personality (a 32-bit program on x86-64): strace tells it on
         * its own stream, "[ Process PID=1234 runs in 32 bit mode. ]" */
        if (!strncmp(s, "[ Process PID=", 14)) {
            size_t len = strlen(s);
            if (len < 22 || strcmp(s + len - 8, " mode. ]")) { rc = bad_line(path, line, orig, cut, "malformed '[ Process PID=N runs in ... mode. ]'"); break; }
            continue;
        }
        if (!strncmp(orig, " > ", 3)) continue;   /* -k: a frame of the stack of the call before */
        if (!strncmp(orig, " | ", 3)) {   /* -e read=, -e write=: " | 00000  7f 45 ...  .E.. |", its data */
            const char *h = orig + 3;
            size_t len = strlen(orig);
            /* a dump cut short where the next 64 KiB could not be read from the process */
            if (!strncmp(h, "<Cannot fetch ", 14) && orig[len - 1] == '>') continue;
            while (isxdigit((unsigned char)*h)) h++;
            if (h - orig < 8 || strncmp(h, "  ", 2) || len < 6 || strcmp(orig + len - 2, " |")) {
                rc = bad_line(path, line, orig, cut, "malformed ' | OFFSET  HEX  TEXT |' (a dump of -e read= or -e write=)");
                break;
            }
            continue;
        }
        if (!strncmp(orig, " * ", 3)) {   /* the same of readv, writev, sendmsg, ...: " * 5 bytes in buffer 0", then its dump */
            const char *q = orig + 3, *d = q;
            while (*q >= '0' && *q <= '9') q++;
            int ok = q > d && !strncmp(q, " bytes in buffer ", 17);
            if (ok) {
                for (d = q += 17; *q >= '0' && *q <= '9'; q++) {}
                ok = q > d && !*q;
            }
            if (!ok) {
                rc = bad_line(path, line, orig, cut, "malformed ' * N bytes in buffer I' (-e read= or -e write=)");
                break;
            }
            continue;
        }
        char *notice = strstr((char *)s, "strace: Process ");
        while (notice && !notice_to_end(notice)) notice = strstr(notice + 1, "strace: Process ");
        if (notice && notice_pid(notice + 16) < 0) { rc = bad_line(path, line, orig, 0, NOTICE_PID); break; }
        if (notice && x) task_notice(&gone, &ngone, &cgone, n + (notice > s), notice);   /* after a call cut */
        if (notice && notice > s) {
            /* cut into a call's line: its rest (the rest of its arguments and its value, or
             * " <unfinished ...>" when another process printed in between, or " <detached
             * ...>") is the next line that is no notice of strace's own: joined to its start */
            char *q = p, *qe = NULL;
            size_t at = line;
            while (q < end) {
                qe = memchr(q, '\n', (size_t)(end - q));
                if (!qe) qe = end;
                at++;
                nul = memchr(q, 0, (size_t)(qe - q));
                if (nul || !own_line(skip_blanks(q))) break;
                q = qe + 1;
            }
            if (q < end && nul) {
                rc = ts_fail("%s: byte 0x00 (NUL) at line %zu, column %zu", path, at, (size_t)(nul - q) + 1);
                break;
            }
            if (q < end) {
                size_t len = (size_t)(qe - q) - (qe > q && qe[-1] == '\r');
                if (memchr(q, '\r', len)) { rc = bad_line(path, at, q, 0, CR_INSIDE); break; }
                memmove(notice, q, len);
                notice[len] = 0;
                p = qe + 1;
                joined = at - line;
                cut = qe == end;
            } else {
                *notice = 0;   /* the log ends there */
            }
        } else if (notice) {
            *notice = 0;
        }
        if (!strncmp(s, "<unfinished ...>", 16)) {
            if (n) {   /* the call just read waits for its return */
                pend_wait(&pend, last_pid, n - 1, names[n - 1]);
                x->has_ret[n - 1] = 0;
                after_unfinished = 1;
            }
            continue;
        }
        /* (the lines skipped above come between a held call and its rest) */
        const int rest_may_follow = after_unfinished;
        after_unfinished = 0;

        /* optional pid: "[pid N]" or a bare integer, either with -Y's "<NAME>"; then an
         * optional timestamp */
        long pid = 0;
        int dot, dot_after;
        char comm[64] = "";       /* -Y's, where given (named; "": export's "<>", no name) */
        int named = 0;
        const char *gap = orig;   /* where the blanks before the timestamp begin */
        size_t pad = 1;           /* of them, what strace puts there without -r: pid padding, separator */
        if (!strncmp(s, "[pid", 4)) {
            char *e;
            pid = strtol(s + 4, &e, 10);
            const char *f = *e == '<' ? comm_token(e, comm, sizeof comm) : e;
            if (!f || *f != ']') { rc = bad_line(path, line, orig, cut, "malformed '[pid N]'"); break; }
            named = *e == '<';
            if (pid < 0 || pid > PID_MAX) {   /* (past 2^63 strtol clamps: two processes would be one) */
                rc = bad_line(path, line, orig, 0, "a pid outside Linux's 0 to 4194304 in '[pid N]'");
                break;
            }
            gap = f + 1;
            s = skip_blanks(f + 1);
        }
        const char *t = number_token(s, &dot), *pid_end = s;
        while (*pid_end >= '0' && *pid_end <= '9') pid_end++;
        if (!t && gap == orig && pid_end > s && *pid_end == '<') {   /* -Y: "1234<sh> ", never padded */
            const char *e = comm_token(pid_end, comm, sizeof comm);
            if (!e || (*e != ' ' && *e != '\t')) { rc = bad_line(path, line, orig, cut, "malformed 'PID<NAME>'"); break; }
            named = 1;
            pid = strtol(s, NULL, 10);
            if (pid > PID_MAX) { rc = bad_line(path, line, orig, 0, "a pid past Linux's 4194304 in 'PID<NAME>'"); break; }
            gap = e;
            s = skip_blanks(e);
            t = number_token(s, &dot);
        } else if (t && !dot && gap == orig && s == orig && t - s <= 7 && strtol(s, NULL, 10) <= PID_MAX &&
                   !(relative == 1 && lead_time && !number_token(skip_blanks(t), &dot_after))) {
            /* (-r's whole seconds fill its 6 columns from 100,000 s on: where the times begin
             * the lines, such a number with no time after it is the time) */
            pid = strtol(s, NULL, 10);
            pad = t - s < 5 ? 6 - (size_t)(t - s) : 1;   /* "%-5d " */
            gap = t;
            s = skip_blanks(t);
            t = number_token(s, &dot);
        }
        /* what follows the pid, or a number that is none (padded, or past the largest), is the
         * time: an integer one is in whole seconds (--absolute-timestamps=precision:s,
         * "1700000000"; -r with --relative-timestamps=s, "     0") */
        const int clock = t != NULL;
        if (clock && !time_shape(s, t)) {
            rc = bad_line(path, line, orig, cut, "malformed time (strace prints SECONDS or HH:MM:SS, each with a fraction or not)");
            break;
        }
        if (clock && parse_time_ns(s, t) < 0) {   /* (past 63 bits: two times would be one, or wrap) */
            rc = bad_line(path, line, orig, 0, TIME_RANGE);
            break;
        }
        if (gap == orig) pad = 0;
        double when = 0;
        int64_t when_ns = 0;
        if (clock) {
            /* strace -r: the time since the line before, seconds right-aligned in 6 columns
             * ("     0.000000"); -t, -tt and -ttt are never padded. A gap of 100,000 s or more
             * fills the columns: an unpadded time of 6 to 9 digits of seconds is -r's or a
             * clock's before 2001 (-ttt where the clock began at 1970), told by the first time
             * that is not such a one (a padded one is -r's), else by none (a clock's). Each
             * line's kind must be the log's: -r's summed with a clock's make no time line */
            const char *point = memchr(s, '.', (size_t)(t - s));
            const size_t whole = (size_t)((point ? point : t) - s);
            int kind = -1;   /* this time's: -r's (1), a clock's (0), either (-1) */
            if (memchr(s, ':', (size_t)(t - s)) || !strncmp(skip_blanks(t), "(+", 2)) kind = 0;
            else if ((size_t)(s - gap) > pad) kind = whole <= 6;
            else if (whole < 6 || whole > 9) kind = 0;
            if (relative >= 0 && kind >= 0 && kind != relative) {
                rc = bad_line(path, line, orig, cut, kind ? "a relative time (strace -r) after absolute ones (-t, -tt, -ttt)"
                                                          : "an absolute time (-t, -tt, -ttt) after relative ones (strace -r)");
                break;
            }
            const int was = relative;
            if (relative < 0) relative = kind;
            if (was < 0 && relative == 1)   /* the calls read before: their times as -r's */
                for (size_t i = 0; i < n; i++) {
                    times[i] = ns_seconds(rel_at[i]);
                    x->ns[i] = rel_at[i];
                }
        }
        if (clock) lead_time |= gap == orig;
        if (clock && !first_time) first_time = line;
        if (clock && memchr(s, '.', (size_t)(t - s))) {
            const char *point = memchr(s, '.', (size_t)(t - s));
            if (t - point - 1 > decimals) decimals = (int)(t - point - 1);
        }
        if (clock && relative) {   /* -r's, or maybe: their sum */
            /* (-1 once past 63 bits, and from there on: while not known, a clock's may sum past it) */
            int64_t d = parse_time_ns(s, t);
            if (rel_ns >= 0 && __builtin_add_overflow(rel_ns, d, &rel_ns)) rel_ns = -1;
            if (relative == 1 && rel_ns < 0) {
                rc = bad_line(path, line, orig, 0, "-r's times summed to " TIME_RANGE);
                break;
            }
        }
        if (clock && relative == 1) {
            when_ns = rel_ns;
            when = ns_seconds(when_ns);
            s = skip_blanks(t);
        } else if (clock) {
            when_ns = parse_time_ns(s, t);   /* once: seconds from it */
            /* -t / -tt give the time of day: a log running past midnight goes on the next day */
            const int64_t day = 86400LL * 1000000000LL;
            if (memchr(s, ':', (size_t)(t - s))) of_day = 1;
            if (memchr(s, ':', (size_t)(t - s)) && when_ns < day) {
                when_ns += day_ns;
                if (prev_set && when_ns < prev_ns - day / 2) day_ns += day, when_ns += day;
            }
            prev_ns = when_ns, prev_set = 1;
            when = ns_seconds(when_ns);
            s = skip_blanks(t);
            if (!strncmp(s, "(+", 2)) {   /* -r with a clock: "(+     0.000269)", the time since the line before */
                const char *q = skip_blanks(s + 2), *digits = q;
                while ((*q >= '0' && *q <= '9') || *q == '.') q++;
                if (q == digits || *q != ')') { rc = bad_line(path, line, orig, cut, "malformed '(+ SECONDS)'"); break; }
                s = skip_blanks(q + 1);
            }
        } else {
            *timed = 0;
            if (!untimed_at) untimed_at = line;
        }
        /* strace -n, then -i: after the pid and the time (and -r's "(+ ...)") */
        const char *nr = nr_token(s);
        if (nr) s = skip_blanks(nr);
        const char *ip = ip_token(s);
        if (ip) s = skip_blanks(ip);

        if (!strncmp(s, "+++ ", 4)) {   /* a task is gone: its exit, or its place taken by an execve */
            const char *by = strstr(s, " superseded by execve in pid ");
            if (by && notice_pid(by + 29) < 0) {
                rc = bad_line(path, line, orig, cut, "a pid outside Linux's 0 to 4194304 in '+++ superseded by execve in pid N +++'");
                break;
            }
            task_change(&gone, &ngone, &cgone, n, by ? notice_pid(by + 29) : pid, 0);
            if (!strncmp(s + 4, "exited ", 7) || !strncmp(s + 4, "killed ", 7)) ended = pid;
        }
        if (!strncmp(s, "--- ", 4) || !strncmp(s, "+++ ", 4)) {   /* signal, exit */
            if (!event_line) event_line = line;
            continue;
        }

        char name[64];
        int resumed = 0;
        if (!strncmp(s, "<... ", 5)) {
            const char *q = s + 5, *ne = q;
            while (ts__is_ident(*ne)) ne++;
            if (ne == q || strncmp(ne, " resumed>", 9) || ne - q >= (long)sizeof name) {
                rc = bad_line(path, line, orig, cut, "malformed '<... NAME resumed>'");
                break;
            }
            memcpy(name, q, ne - q);
            name[ne - q] = 0;
            resumed = 1;
        } else {
            const char *ne = s;
            while (ts__is_ident(*ne)) ne++;
            if (ne == s || *ne != '(' || (*s >= '0' && *s <= '9')) {
                if (summary_at_end(orig, orig + strlen(orig), p < end ? p : end, end)) {
                    *timed = timed_before;   /* the table is no line without a time */
                    if (*timed) untimed_at = 0;
                    summary = 1;
                    break;
                }
                /* strace holding output for a status filter (-z, -Z, -e status=) prints a call's
                 * rest on the line after its start, with no id, no time and no "<... NAME
                 * resumed>": the call is the one just started */
                size_t w = rest_may_follow && !when_ns ? pend_of_pid(&pend, last_pid) : SIZE_MAX;
                if (w != SIZE_MAX) {
                    *timed = timed_before;
                    if (*timed) untimed_at = 0;
                    int64_t v = 0;
                    long vp;
                    const int r = parse_ret(orig, cut && durations, &v, &vp);
                    if (r < 0) { rc = bad_line(path, line, orig, 0, RET_RANGE); break; }
                    x->has_ret[pend.idx[w]] = (uint8_t)r, x->ret[pend.idx[w]] = v, x->ret_pid[pend.idx[w]] = vp;
                    pend_drop(&pend, w);
                    continue;
                }
                rc = bad_line_hint(path, line, orig, cut, "not a system call, signal or exit line",
                                   gap == orig && !clock ? own_output_hint(orig) : NULL);
                break;
            }
            if (ne - s >= (long)sizeof name) {
                rc = bad_line(path, line, orig, cut, "system call name too long");
                break;
            }
            memcpy(name, s, ne - s);
            name[ne - s] = 0;
        }

        if (resumed) {
            /* none waits under this id: the one of the same name under another (a thread's
             * execve resumes under its process's id; a log written to a terminal leaves the
             * id out while one process is traced) */
            size_t k = pend_of_pid(&pend, pid);
            if (k == SIZE_MAX) k = pend_of_name(&pend, name);
            else if (strcmp(pend_name(&pend, k), name)) {
                /* a thread's execve that said "<pid changed to PID ...>" resumes here while
                 * a call of PID's own still waits */
                size_t m = pend_of_name(&pend, name);
                if (m != SIZE_MAX && x->link[pend.idx[m]] == TS__SF_MOVED && x->exec_pid[pend.idx[m]] == pid) k = m;
            }
            if (k != SIZE_MAX) {
                int same = !strcmp(pend_name(&pend, k), name);
                size_t at = pend.idx[k];
                pend_drop(&pend, k);
                if (same) {   /* counted at its start; the return value is here */
                    int64_t v = 0;
                    long vp;
                    const int r = parse_ret(s, cut && durations, &v, &vp);
                    if (r < 0) { rc = bad_line(path, line, orig, 0, RET_RANGE); break; }
                    x->has_ret[at] = (uint8_t)r, x->ret[at] = v, x->ret_pid[at] = vp;
                    if (x->exec[at]) x->exec_pid[at] = pid;   /* where the process goes on */
                    x->link[at] = 0;
                    continue;
                }
            }
        }
        const long moved = resumed ? 0 : pid_changed(s);
        if (moved < 0) {
            rc = bad_line(path, line, orig, cut, "a pid outside Linux's 1 to 4194304 in '<pid changed to N ...>'");
            break;
        }
        if (moved) {   /* waits for its return, written under the pid it moved to */
            pend_wait(&pend, pid, n, name);
        } else if (!resumed && unfinished(s)) {
            pend_wait(&pend, pid, n, name);
            after_unfinished = 1;
        }
        int64_t ret = 0;
        long ret_pid = 0;
        const int has_ret = moved || unfinished(s) ? 0 : parse_ret(s, cut && durations, &ret, &ret_pid);
        if (has_ret < 0) { rc = bad_line(path, line, orig, 0, RET_RANGE); break; }
        if (n == cap) {
            cap *= 2;
            names = ts_realloc(names, cap * sizeof *names);
            times = ts_realloc(times, cap * sizeof *times);
            ts__strace_fields_grow(x, cap);
        }
        if (again && pid == ended) *again = 1;
        x->pid[n] = pid;
        x->ns[n] = when_ns;
        x->ret[n] = ret;
        x->has_ret[n] = (uint8_t)has_ret;
        x->ret_pid[n] = ret_pid;
        x->exec[n] = resumed ? NULL : exec_path(s);
        x->comm[n] = named ? ts_strdup(comm) : NULL;
        x->exec_pid[n] = moved ? moved : pid;
        x->link[n] = moved ? TS__SF_MOVED : resumed ? TS__SF_RESUMED : 0;
        if (relative < 0) {
            if (n == crel) rel_at = ts_realloc(rel_at, (crel = crel ? 2 * crel : 1024) * sizeof *rel_at);
            rel_at[n] = clock ? rel_ns : 0;
        }
        times[n] = when;
        /* export's strace text writes an event outside its vocabulary as "_unk_" (strace's
         * names are [A-Za-z0-9_]; no system call is so named): read back as the <unk> it was */
        names[n++] = ts_strdup(strcmp(name, "_unk_") ? name : TS_UNK_NAME);
        if (!resumed && (!strcmp(name, "exit") || !strcmp(name, "exit_group"))) ended = pid;   /* (-qq: no "+++" line) */
        last_pid = pid;
    }
    if (rc == -2) {   /* the last line, cut short: left out, as ftrace text's */
        if (notes) ts__note_cut(notes, path, line, "log");
        ts_clear_error();
        rc = 0;
        *timed = timed_line;   /* a time cut short is none, but the other lines' clock stays */
        if (*timed) untimed_at = 0;
    }
    pend_free(&pend);
    free(rel_at);
    if (rc == 0) alone_pids(names, n, x, gone, ngone);
    if (rc == 0 && *timed && relative != 1) start_order(names, times, n, x);   /* (-r's sums never go back) */
    free(gone);
    free(buf);
    if (rc == 0 && n == 0 && !empty_ok) {
        if (!any_line)   /* strace -o writes nothing when the program could not be started */
            rc = ts_fail("%s: no system calls in the log: it is empty (strace -o leaves it so when the program "
                         "to trace could not be started)", path);
        else if (said)
            rc = ts_fail("%s:%zu: no system calls in the log, only strace's error: %s", path, said_line, said);
        else if (event_line)
            rc = ts_fail("%s:%zu: no system calls in the log, only signals and exits (strace -e trace=none, or a "
                         "-e trace= that no call matched, leaves them alone; strace -f -ttt -T -o FILE records the calls)",
                         path, event_line);
        else if (summary)
            rc = ts_fail("%s: no system calls in the log, only the summary table of strace -c "
                         "(strace -f -ttt -T -o FILE records the calls; -C adds the table after them)", path);
        else
            rc = ts_fail("%s: no system calls in the log", path);
    }
    free(said);
    if (rc) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        free(times);
        for (size_t i = 0; i < n; i++) free(x->exec[i]), free(x->comm[i]);
        ts__strace_fields_free(x);
        return -1;
    }
    if (!keep) {
        for (size_t i = 0; i < n; i++) free(x->exec[i]), free(x->comm[i]);
        ts__strace_fields_free(x);
    }
    *names_out = names;
    *times_out = times;
    *n_out = n;
    if (time_at) *time_at = *timed ? first_time : untimed_at;
    if (places) *places = decimals;
    if (*timed && relative == 1) *timed = 2;
    else if (*timed && of_day) *timed = 3;
    return 0;
}

int ts_strace_read(const char *path, char ***names, size_t *n)
{
    double *times;
    int timed;
    int rc = read_log(path, names, &times, n, &timed, NULL, 0, NULL, NULL, NULL, NULL);
    free(times);
    return rc;
}

int ts__strace_read_fields(const char *path, char ***names, double **times, size_t *n, int *timed,
                           ts__strace_fields *x)
{
    int rc = read_log(path, names, times, n, timed, x, 0, NULL, NULL, NULL, NULL);
    if (rc == 0) free(x->link), x->link = NULL;
    return rc;
}

void ts__strace_fields_grow(ts__strace_fields *x, size_t cap)
{
    x->pid = ts_realloc(x->pid, cap * sizeof *x->pid);
    x->ns = ts_realloc(x->ns, cap * sizeof *x->ns);
    x->ret = ts_realloc(x->ret, cap * sizeof *x->ret);
    x->has_ret = ts_realloc(x->has_ret, cap);
    x->exec = ts_realloc(x->exec, cap * sizeof *x->exec);
    x->comm = ts_realloc(x->comm, cap * sizeof *x->comm);
    x->exec_pid = ts_realloc(x->exec_pid, cap * sizeof *x->exec_pid);
    x->ret_pid = ts_realloc(x->ret_pid, cap * sizeof *x->ret_pid);
    if (x->link) x->link = ts_realloc(x->link, cap);
}

void ts__strace_fields_free(ts__strace_fields *x)
{
    free(x->pid);
    free(x->ns);
    free(x->ret);
    free(x->has_ret);
    free(x->exec);
    free(x->comm);
    free(x->exec_pid);
    free(x->ret_pid);
    free(x->link);
    memset(x, 0, sizeof *x);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* the thread a log of strace -ff -o PREFIX is of: its name's ".PID" (PREFIX.PID, or
 * PREFIX.PID.gz), else 0 */
static long file_pid(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t e = strlen(b);
    if (e > 3 && !strcmp(b + e - 3, ".gz")) e -= 3;
    size_t d = e;
    while (d && b[d - 1] >= '0' && b[d - 1] <= '9') d--;
    if (d == e || e - d > 7 || d < 2 || b[d - 1] != '.' || b[d] == '0') return 0;
    long pid = 0;
    for (size_t k = d; k < e; k++) pid = pid * 10 + (b[k] - '0');
    return pid <= PID_MAX ? pid : 0;
}

/* strace -ff: a thread's execve ends the line in its own log with "<pid changed to L ...>"
 * and resumes in the log of L, its process's id, where the process goes on: "<... execve
 * resumed>) = 0". Read log by log that is two calls; joined here into the one strace -f's
 * log gives (read_log joins them there): the start's name, time and thread, the return value
 * of the resumed line, the process going on under L. Each start takes the first resumed line
 * of its name in a log of L at or after its time (a line of no pid is of the thread its log's
 * name gives, fpid); the resumed lines taken leave their logs (fn, fx, fm); returns how many */
static size_t join_moved(const long *fpid, int npaths, char ***fn, ts__strace_fields *fx, size_t *fm)
{
    /* the resumed lines without their start, chained per thread */
    ts__idmap ids;
    memset(&ids, 0, sizeof ids);
    size_t cap = 0, no = 0, nt = 0, *head = NULL, *tail = NULL, *next = NULL;
    int *of = NULL;
    size_t *at = NULL;
    int moved = 0;
    for (int f = 0; f < npaths; f++) {
        const long own = fpid[f];
        for (size_t i = 0; fx[f].link && i < fm[f]; i++) {
            moved |= fx[f].link[i] == TS__SF_MOVED;
            if (fx[f].link[i] != TS__SF_RESUMED) continue;
            const long pid = fx[f].pid[i] ? fx[f].pid[i] : own;
            if (!pid) continue;
            if (no == cap) {
                cap = cap ? 2 * cap : 16;
                of = ts_realloc(of, cap * sizeof *of);
                at = ts_realloc(at, cap * sizeof *at);
                next = ts_realloc(next, cap * sizeof *next);
                head = ts_realloc(head, cap * sizeof *head);
                tail = ts_realloc(tail, cap * sizeof *tail);
            }
            const size_t k = ts__idmap_get(&ids, pid, 1);
            of[no] = f, at[no] = i, next[no] = SIZE_MAX;
            if (k == nt) head[nt++] = no;
            else next[tail[k]] = no;
            tail[k] = no++;
        }
    }
    size_t joined = 0;
    uint8_t *taken = ts_calloc(no ? no : 1, 1);
    for (int f = 0; moved && no && f < npaths; f++)
        for (size_t i = 0; fx[f].link && i < fm[f]; i++) {
            if (fx[f].link[i] != TS__SF_MOVED) continue;
            const size_t k = ts__idmap_get(&ids, fx[f].exec_pid[i], 0);
            size_t best = SIZE_MAX;
            for (size_t r = k == SIZE_MAX ? SIZE_MAX : head[k]; r != SIZE_MAX; r = next[r]) {
                const ts__strace_fields *y = &fx[of[r]];
                if (taken[r] || of[r] == f || y->ns[at[r]] < fx[f].ns[i] || strcmp(fn[of[r]][at[r]], fn[f][i]))
                    continue;
                if (best == SIZE_MAX || y->ns[at[r]] < fx[of[best]].ns[at[best]]) best = r;
            }
            if (best == SIZE_MAX) continue;
            const ts__strace_fields *y = &fx[of[best]];
            fx[f].has_ret[i] = y->has_ret[at[best]];
            fx[f].ret[i] = y->ret[at[best]];
            fx[f].ret_pid[i] = y->ret_pid[at[best]];
            fx[f].link[i] = 0;
            taken[best] = 1;
            joined++;
        }
    /* the resumed lines taken leave their logs */
    for (size_t r = 0; r < no; r++) {
        if (!taken[r]) continue;
        const size_t i = at[r];
        fx[of[r]].link[i] = 0xff;
        free(fn[of[r]][i]), fn[of[r]][i] = NULL;
        free(fx[of[r]].exec[i]), fx[of[r]].exec[i] = NULL;
        free(fx[of[r]].comm[i]), fx[of[r]].comm[i] = NULL;
    }
    for (int f = 0; joined && f < npaths; f++) {
        ts__strace_fields *y = &fx[f];
        size_t m = 0;
        for (size_t i = 0; y->link && i < fm[f]; i++) {
            if (y->link[i] == 0xff) continue;
            fn[f][m] = fn[f][i];
            y->pid[m] = y->pid[i], y->ns[m] = y->ns[i], y->ret[m] = y->ret[i], y->has_ret[m] = y->has_ret[i];
            y->exec[m] = y->exec[i], y->comm[m] = y->comm[i], y->exec_pid[m] = y->exec_pid[i];
            y->ret_pid[m] = y->ret_pid[i];
            y->link[m++] = y->link[i];
        }
        if (y->link) fm[f] = m;
    }
    free(taken);
    free(of), free(at), free(next), free(head), free(tail);
    ts__idmap_free(&ids);
    return joined;
}

/* a call of a known thread, among those of one time (the check for a log given twice) */
typedef struct {
    long pid;
    const char *name;
    int64_t ret;
    uint8_t has_ret;
    int from;     /* its log */
    size_t at;    /* where it was merged */
} same_call;

/* 0 when two calls are the same: the thread's, by name and return */
static int same_call_key(const same_call *x, const same_call *y)
{
    if (x->pid != y->pid) return x->pid < y->pid ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    if (x->has_ret != y->has_ret) return x->has_ret < y->has_ret ? -1 : 1;
    if (x->has_ret && x->ret != y->ret) return x->ret < y->ret ? -1 : 1;
    return 0;
}

/* by thread, name and return, then where merged */
static int cmp_same_call(const void *a, const void *b)
{
    const same_call *x = a, *y = b;
    int c = same_call_key(x, y);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* a log's clock (read_log's *timed: 1, 3 or 4), in words */
static const char *clock_name(int timed)
{
    return timed == 3 ? "times of day (strace -t or -tt)"
         : timed == 4 ? "perf's clock since boot (perf trace -T)" : "the epoch's seconds (strace -ttt)";
}

/* a log's times never going back: strace -ttt's clock is the wall clock, which may step
 * back between two calls; a call's time before the one before it becomes that one, the
 * calls in the log's order (so the dt taken from them and time_ns.npy place a call alike) */
static void times_forward(int64_t *ns, size_t n)
{
    for (size_t i = 1; ns && i < n; i++)
        if (ns[i] < ns[i - 1]) ns[i] = ns[i - 1];
}

/* a clone, fork or vfork: a call that makes a thread or a process */
static int makes_thread(const char *name)
{
    return !strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") || !strcmp(name, "vfork");
}

/* t as the logs of clock kind write it: -ttt's seconds, -tt's time of day */
static void log_time(char *buf, size_t n, int64_t t, int clock_kind)
{
    const long long sec = (long long)(t / 1000000000), us = (long long)(t % 1000000000 / 1000);
    if (clock_kind == 3)
        snprintf(buf, n, "%02lld:%02lld:%02lld.%06lld", sec % 86400 / 3600, sec % 3600 / 60, sec % 60, us);
    else snprintf(buf, n, "%lld.%06lld", sec, us);
}

/* strace -ff opens (anew, without -A) a thread's log, PREFIX.PID, when the thread appears:
 * after the clone, fork or vfork that made it began, in its parent's log. A log named after
 * a thread such calls made, whose calls begin before the first of them, holds another
 * thread's calls (a copy of another log under its name): -1 naming it, else 0. A thread no
 * call made (the first, one strace -p attached) has nothing to be compared with; nor has
 * any where most of the calls return a thread no log or line has (a PID namespace recorded
 * from outside without --pidns-translation, whose numbers are not the logs', as ns_children
 * tells it); nor has a log with calls after its thread's exit, its "+++ exited" or "+++
 * killed" line or its exit or exit_group call (again: strace -A appends the calls of a
 * thread given the number of one ended, the first thread's too, to that one's log) */
static int log_before_made(const char *const *paths, int npaths, const long *fpid, char ***fn,
                           const ts__strace_fields *fx, const size_t *fm, const int *again, int clock_kind)
{
    ts__idmap ids;
    memset(&ids, 0, sizeof ids);
    for (int f = 0; f < npaths; f++) {   /* the threads known: the logs' names (a thread's exit alone too), the lines' */
        const long own = fpid[f] ? fpid[f] : fm[f] ? 0 : file_pid(paths[f]);
        if (own) ts__idmap_get(&ids, own, 1);
        for (size_t i = 0; i < fm[f]; i++)
            if (fx[f].pid[i]) ts__idmap_get(&ids, fx[f].pid[i], 1);
    }
    const size_t nk = ids.n ? ids.n : 1;
    int64_t *first = ts_malloc(nk * sizeof *first);   /* per thread: the first call that made it */
    int *by = ts_malloc(nk * sizeof *by);
    size_t *at = ts_malloc(nk * sizeof *at), made = 0, named = 0;
    for (size_t k = 0; k < nk; k++) first[k] = INT64_MAX;
    for (int f = 0; f < npaths; f++)
        for (size_t i = 0; i < fm[f]; i++) {
            if (!makes_thread(fn[f][i]) || fx[f].has_ret[i] != 1 || fx[f].ret[i] <= 0) continue;
            made++;
            const long child = fx[f].ret_pid[i] ? fx[f].ret_pid[i] : (long)fx[f].ret[i];
            const size_t k = ts__idmap_get(&ids, child, 0);
            if (k == SIZE_MAX) continue;
            named++;
            if (fx[f].ns[i] < first[k]) first[k] = fx[f].ns[i], by[k] = f, at[k] = i;
        }
    int rc = 0;
    for (int f = 0; rc == 0 && named >= made - named && f < npaths; f++) {
        const size_t k = fpid[f] && fm[f] && !again[f] ? ts__idmap_get(&ids, fpid[f], 0) : SIZE_MAX;
        if (k == SIZE_MAX || first[k] == INT64_MAX || fx[f].ns[0] >= first[k]) continue;
        char begin[64], when[64];
        log_time(begin, sizeof begin, fx[f].ns[0], clock_kind);
        log_time(when, sizeof when, first[k], clock_kind);
        rc = ts_fail("%s: thread %ld's calls begin at %s, before %s's %s at %s made the thread: another thread's "
                     "log under its name (a copy?); strace -ff writes a thread's calls from its start, in the log "
                     "it names PREFIX.PID", paths[f], fpid[f], begin, paths[by[k]], fn[by[k]][at[k]], when);
    }
    free(first);
    free(by);
    free(at);
    ts__idmap_free(&ids);
    return rc;
}

/* A log recorded from outside a PID namespace (a container) without strace
 * --pidns-translation: a clone returns the child's pid in the namespace while the lines
 * name threads by strace's, so that no line after the call names the child by the value.
 * Such a child is told by the order of the calls where nothing else can be it: every thread
 * first seen after the log's first clone (and named by no other clone's return) is the
 * child of one such call (as many of them as of those calls: no thread attached later, no
 * child the log never shows; the log begins with the execve of the program strace started,
 * not strace -p's threads attached as they were), all the children of those calls before it
 * have been seen when the call starts, and a thread is first seen before any other clone
 * starts: that thread, its child, goes to the call's ret_pid, as --pidns-translation
 * would give it.
 * Returns how many of the threads first seen after the first clone stay the child of no
 * call (*first: the first call of the first of them) where those calls are most of the
 * log's (*open of *made: a namespace's, not a child that never made a call, nor a log
 * of threads that show up late, strace -p's or perf trace's of the whole system), else 0;
 * *told: the children told */
static size_t ns_children(char *const *names, size_t n, ts__strace_fields *x, size_t *first, size_t *open,
                          size_t *made, size_t *told)
{
    *first = SIZE_MAX;
    *open = *made = *told = 0;
    ts__idmap ids;
    memset(&ids, 0, sizeof ids);
    size_t *fst = NULL, *lst = NULL, np = 0, cap = 0, first_made = n;
    for (size_t i = 0; i < n; i++) {
        if (first_made == n && makes_thread(names[i])) first_made = i;
        if (!x->pid[i]) continue;
        const size_t k = ts__idmap_get(&ids, x->pid[i], 1);
        if (k == np) {
            if (np == cap) {
                cap = cap ? 2 * cap : 64;
                fst = ts_realloc(fst, cap * sizeof *fst);
                lst = ts_realloc(lst, cap * sizeof *lst);
            }
            fst[np++] = i;
        }
        lst[k] = i;
    }
    uint8_t *named = ts_calloc(np ? np : 1, 1);   /* per thread: a clone's return names it */
    uint8_t *open_call = ts_calloc(n ? n : 1, 1); /* per call: a clone whose child no line names */
    size_t untold = 0, calls = 0;
    for (size_t i = first_made; i < n; i++) {
        if (!makes_thread(names[i])) continue;
        if (x->has_ret[i] == 1 && x->ret[i] <= 0) continue;   /* (failed: no child) */
        ++*made;
        const long child = x->has_ret[i] != 1 ? 0 : x->ret_pid[i] ? x->ret_pid[i] : (long)x->ret[i];
        const size_t k = child ? ts__idmap_get(&ids, child, 0) : SIZE_MAX;
        if (child && (x->ret_pid[i] || (k != SIZE_MAX && lst[k] > i))) {
            if (k != SIZE_MAX) named[k] = 1;
        } else {
            open_call[i] = 1, calls++;
        }
    }
    for (size_t k = 0; k < np; k++)
        if (fst[k] > first_made && !named[k]) {
            untold++;
            if (fst[k] < *first) *first = fst[k];
        }
    /* a log that begins with the execve of the program strace started (strace -f CMD) has
     * no thread but its children; one that does not (strace -p) may hold threads attached
     * as they were, first seen after a clone whose child made no call: none is guessed */
    const int started = n && (!strcmp(names[0], "execve") || !strcmp(names[0], "execveat"));
    if (started && calls && untold == calls) {   /* each such thread the child of one such call */
        size_t unseen = 0, at = SIZE_MAX;   /* children not seen yet; the call that may tell its own */
        for (size_t i = first_made; i < n; i++) {
            const size_t k = x->pid[i] ? ts__idmap_get(&ids, x->pid[i], 0) : SIZE_MAX;
            if (k != SIZE_MAX && fst[k] == i && i > first_made && !named[k]) {
                if (at != SIZE_MAX) {
                    x->ret_pid[at] = x->pid[i];
                    named[k] = 1;
                    untold--;
                    ++*told;
                }
                at = SIZE_MAX;
                if (unseen) unseen--;
            }
            if (!makes_thread(names[i])) continue;
            at = SIZE_MAX;
            if (!open_call[i]) continue;
            if (!unseen && x->has_ret[i] == 1) at = i;
            unseen++;
        }
        *first = SIZE_MAX;   /* the first thread left */
        for (size_t k = 0; k < np; k++)
            if (fst[k] > first_made && !named[k] && fst[k] < *first) *first = fst[k];
    }
    free(named);
    free(open_call);
    free(fst);
    free(lst);
    ts__idmap_free(&ids);
    *open = calls;
    return calls > *made - calls ? untold : 0;
}

/* ns_children's note: LOG, the threads left, the calls whose child no line names, all */
#define NS_NOTE "%s: %zu threads first seen after its first clone take no parent's name: %zu of its %zu clone, fork " \
                "and vfork calls return a PID that no line has (%zu children told by the order of the calls); the " \
                "log may come from a PID namespace (a container) recorded without strace --pidns-translation, " \
                "or hold threads strace -p attached"

int ts__strace_read_logs(const char *const *paths, int npaths, char ***names_out, size_t *n_out, int *timed_out,
                         ts__strace_fields *x, int tids, char **notes)
{
    *names_out = NULL;
    *n_out = 0;
    *timed_out = 0;
    if (notes) *notes = NULL;
    if (x) memset(x, 0, sizeof *x);
    if (npaths == 1) {   /* one log as it is */
        double *times;
        ts__notes nt = {0};
        int rc = read_log(paths[0], names_out, &times, n_out, timed_out, x, 0, NULL, NULL, &nt, NULL);
        free(times);
        /* the one file of strace -ff of a program of one thread (PREFIX.* is one file): no
         * line names a thread, its name does (PREFIX.PID), as where files are merged; a log
         * whose lines and name name none has none */
        size_t i = 0;
        while (rc == 0 && x && tids && i < *n_out && !x->pid[i]) i++;
        const long own = rc == 0 && x && tids && *n_out && i == *n_out ? file_pid(paths[0]) : 0;
        for (i = 0; own && i < *n_out; i++) {
            x->pid[i] = own;
            if (!x->exec_pid[i]) x->exec_pid[i] = own;
        }
        size_t at, open, made, told;
        const size_t untold = rc == 0 && x && tids ? ns_children(*names_out, *n_out, x, &at, &open, &made, &told) : 0;
        if (untold) ts__note(&nt, NS_NOTE, paths[0], untold, open, made, told);
        if (rc == 0 && x) times_forward(x->ns, *n_out);
        if (rc == 0 && x) free(x->link), x->link = NULL;
        if (rc == 0 && notes) *notes = nt.text;
        else free(nt.text);
        return rc;
    }
    char ***fn = ts_calloc((size_t)npaths, sizeof *fn);
    ts__strace_fields *fx = ts_calloc((size_t)npaths, sizeof *fx);
    size_t *fm = ts_calloc((size_t)npaths, sizeof *fm), n = 0;
    long *fpid = ts_calloc((size_t)npaths, sizeof *fpid);
    int *again = ts_calloc((size_t)npaths, sizeof *again);   /* read_log's: calls after the thread's exit */
    int rc = 0, of_day = 1, logs = 0;   /* logs: those holding calls */
    int stepped = 0;                     /* a log's times go back: its clock was stepped */
    const char *clock_path = NULL;       /* the first log with a clock's times, and its kind */
    int clock_kind = 0;
    const char *whole_path = NULL;       /* the first of them whose times are whole seconds */
    size_t whole_line = 0;
    const char *coarse_path = NULL;      /* the first of those with the fewest decimal places under 6 */
    size_t coarse_line = 0;
    int coarse = 6;
    ts__notes nt = {0};   /* each log's cut last line, then the ties of coarse times */
    for (int f = 0; f < npaths && rc == 0; f++) {
        int timed, places;
        /* (strace -ff: a thread ended before its first call, by another's exit_group, has a
         * file with its exit alone) */
        size_t first;
        double *times;
        rc = read_log(paths[f], &fn[f], &times, &fm[f], &timed, &fx[f], 1, &first, &places, &nt, &again[f]);
        free(times);
        if (rc || !fm[f]) continue;
        for (size_t i = 1; i < fm[f]; i++) stepped |= fx[f].ns[i] < fx[f].ns[i - 1];
        times_forward(fx[f].ns, fm[f]);
        if (timed && !places && !whole_path) whole_path = paths[f], whole_line = first;
        if (timed && places && places < coarse) coarse = places, coarse_path = paths[f], coarse_line = first;
        logs++;
        of_day &= timed == 3;
        /* (at its first line without one) */
        if (!timed)
            rc = ts_fail("%s:%zu: lines without timestamps: merging several logs needs strace -ttt (or -tt)", paths[f],
                         first);
        /* (at the log's first time, as the refusal of whole seconds below) */
        if (rc == 0 && timed == 2)
            rc = ts_fail("%s:%zu: relative timestamps (strace -r) give no common clock: merging several logs "
                         "needs strace -ttt (or -tt)", paths[f], first);
        if (rc == 0 && timed == 5)
            rc = ts_fail("%s:%zu: perf trace's times since its own start (recorded without -T) give no common "
                         "clock: merging several files needs perf trace -T (or give one file)", paths[f], first);
        /* one clock for all: times of day (-t, -tt), the epoch's seconds (-ttt) and perf's
         * clock (since boot) cannot be compared (every time of day is earlier than any -ttt
         * time) */
        if (rc == 0 && (timed == 1 || timed == 3 || timed == 4)) {
            if (!clock_path) clock_path = paths[f], clock_kind = timed;
            else if (timed != clock_kind)
                rc = ts_fail("%s: %s, where %s has %s: merging several logs needs one kind of timestamp (strace "
                             "-ttt for all, or perf trace -T for all)", paths[f], clock_name(timed), clock_path,
                             clock_name(clock_kind));
        }
        /* strace -ff writes no pid on the lines: the thread is the one the file is named after.
         * A log whose lines name threads (strace -f -o x.4242: one file, a pid on each line)
         * is of those, whatever its name: a line of it whose thread is not known stays so */
        size_t with = 0;
        while (rc == 0 && with < fm[f] && !fx[f].pid[with]) with++;
        if (rc == 0 && with == fm[f]) fpid[f] = file_pid(paths[f]);
        if (rc == 0 && x && tids && with == fm[f] && !fpid[f])
            rc = ts_fail("%s: its lines name no thread, and its name does not end in one: strace -ff -o PREFIX "
                         "names each thread's log PREFIX.PID", paths[f]);
        n += fm[f];
    }
    if (rc == 0 && n == 0) rc = ts_fail("%s (and the logs after it): no system calls in any log", paths[0]);
    /* (ties would go to the earlier log: a second's calls, each log's after the one's before) */
    if (rc == 0 && logs > 1 && whole_path)
        rc = ts_fail("%s:%zu: times in whole seconds (strace -t, or a --timestamps precision of s) cannot tell "
                     "which log's call came first within a second: merging several logs needs strace -ttt (or -tt)",
                     whole_path, whole_line);
    const int64_t day = 86400LL * 1000000000LL;
    if (rc == 0 && of_day) {
        /* times of day: each log counts from the midnight before its own first call, so a
         * process started after midnight would come first. The logs' first times on the
         * 24-hour circle: the trace began after the longest stretch without one; a log
         * whose first time is earlier in the day began on the next */
        int64_t *first = ts_malloc((size_t)npaths * sizeof *first), start = 0, gap = -1;
        int nf = 0;   /* the logs with calls */
        for (int f = 0; f < npaths; f++)
            if (fm[f]) first[nf++] = fx[f].ns[0];
        qsort(first, (size_t)nf, sizeof *first, cmp_i64);
        for (int f = 0; f < nf; f++) {
            int64_t g = f ? first[f] - first[f - 1] : first[0] + day - first[nf - 1];
            if (g > gap) gap = g, start = first[f];
        }
        free(first);
        for (int f = 0; f < npaths; f++)
            if (fm[f] && fx[f].ns[0] < start)
                for (size_t i = 0; i < fm[f]; i++) fx[f].ns[i] += day;
    }
    /* (a wall clock stepped back: a parent's clone may bear a later time than its child's
     * first call) */
    if (rc == 0 && !stepped) rc = log_before_made(paths, npaths, fpid, fn, fx, fm, again, clock_kind);
    if (rc == 0) n -= join_moved(fpid, npaths, fn, fx, fm);
    char **names = rc == 0 ? ts_malloc((n ? n : 1) * sizeof *names) : NULL;
    int *from = rc == 0 ? ts_malloc((n ? n : 1) * sizeof *from) : NULL;   /* each merged call's log */
    size_t *idx = rc == 0 ? ts_malloc((n ? n : 1) * sizeof *idx) : NULL;   /* and its place there */
    /* merged by time, each log in its own order (its times never go back); ties to the earlier log: the logs' calls numbered one
     * after the other, each log a chain */
    if (rc == 0) {
        int64_t *key = ts_malloc((n ? n : 1) * sizeof *key);
        size_t *next = ts_malloc((n ? n : 1) * sizeof *next), *heads = ts_malloc((size_t)npaths * sizeof *heads);
        size_t *heap = ts_malloc((size_t)npaths * sizeof *heap), *order = ts_malloc((n ? n : 1) * sizeof *order);
        size_t g = 0, nc = 0;
        for (int f = 0; f < npaths; f++) {
            if (fm[f]) heads[nc++] = g;
            for (size_t i = 0; i < fm[f]; i++, g++) {
                key[g] = fx[f].ns[i];
                next[g] = i + 1 < fm[f] ? g + 1 : SIZE_MAX;
                from[g] = f, idx[g] = i;   /* (each call's log and place, for now by number) */
            }
        }
        merge_chains(key, next, heads, nc, n, order, heap);
        for (size_t k = 0; k < n; k++) {   /* by number -> merged: through key and next, freed now */
            key[k] = from[order[k]];
            next[k] = idx[order[k]];
        }
        for (size_t k = 0; k < n; k++) {
            from[k] = (int)key[k];
            idx[k] = next[k];
            names[k] = fn[from[k]][idx[k]];
            fn[from[k]][idx[k]] = NULL;
        }
        free(key); free(next); free(heads); free(heap); free(order);
    }
    /* strace writes each call once, in one log: the same thread's call (its name and
     * return) at the same time in two logs is one log given twice (a copy under another
     * name, among a glob's files), which merged would double every event. Each time's
     * calls of known threads are sorted by thread, name and return, so that all of them
     * are compared however many share the time (times in milliseconds put hundreds of a
     * thread's calls at one). A log whose lines and name tell no thread (a copy of -ff's
     * PREFIX.PID as PREFIX.PID.bak, which a glob of PREFIX.* takes; a copy of a one-process
     * log) is that log given twice where all of its calls, in its order, are calls of one
     * other log, each at its time with its name and return; two threads' logs of the same
     * loop are no copy (their threads differ), nor is a log that differs in one call */
    same_call *sc = NULL;
    size_t csc = 0;
    for (size_t k = 0, r; rc == 0 && k < n; k = r) {
        const int64_t t = fx[from[k]].ns[idx[k]];
        int mixed = 0;
        for (r = k + 1; r < n && fx[from[r]].ns[idx[r]] == t; r++) mixed |= from[r] != from[k];
        if (!mixed) continue;
        if (r - k > csc) sc = ts_realloc(sc, (csc = r - k) * sizeof *sc);
        size_t m = 0;
        for (size_t a = k; a < r; a++) {
            const ts__strace_fields *y = &fx[from[a]];
            const long p = y->pid[idx[a]] ? y->pid[idx[a]] : fpid[from[a]];
            if (p) sc[m++] = (same_call){p, names[a], y->ret[idx[a]], y->has_ret[idx[a]], from[a], a};
        }
        qsort(sc, m, sizeof *sc, cmp_same_call);
        size_t best = SIZE_MAX, ba = 0, bb = 0;   /* the pair whose earlier call comes first */
        for (size_t u = 0, v; u < m; u = v) {
            size_t other = SIZE_MAX;
            for (v = u + 1; v < m && same_call_key(&sc[u], &sc[v]) == 0; v++)
                if (other == SIZE_MAX && sc[v].from != sc[u].from) other = v;
            if (other != SIZE_MAX && sc[u].at < best) best = sc[u].at, ba = u, bb = other;
        }
        if (best == SIZE_MAX) continue;
        const int fa = sc[ba].from < sc[bb].from ? sc[ba].from : sc[bb].from;
        const int fb = sc[ba].from < sc[bb].from ? sc[bb].from : sc[ba].from;
        char when[64];   /* the time as the logs write it */
        log_time(when, sizeof when, t, clock_kind);
        rc = ts_fail("%s and %s both hold thread %ld's %s at %s: one log given twice (a copy of it under another "
                     "name?); each call is written in one log", paths[fa], paths[fb], sc[ba].pid, sc[ba].name, when);
    }
    free(sc);
    /* each log's calls where they were merged: at[base[f] + i] */
    size_t *base = rc == 0 ? ts_malloc(((size_t)npaths + 1) * sizeof *base) : NULL;
    size_t *at = rc == 0 ? ts_malloc((n ? n : 1) * sizeof *at) : NULL;
    if (rc == 0) {
        base[0] = 0;
        for (int f = 0; f < npaths; f++) base[f + 1] = base[f] + fm[f];
        for (size_t k = 0; k < n; k++) at[base[from[k]] + idx[k]] = k;
    }
    for (int f = 0; rc == 0 && f < npaths; f++) {
        size_t w = 0;
        while (!fpid[f] && w < fm[f] && !fx[f].pid[w]) w++;
        if (!fm[f] || fpid[f] || w < fm[f]) continue;   /* (a thread known: compared above) */
        const ts__strace_fields *y = &fx[f];
        for (int g = 0; rc == 0 && g < npaths; g++) {
            if (g == f || fm[g] < fm[f]) continue;
            const ts__strace_fields *z = &fx[g];
            size_t lo = 0, hi = fm[g];   /* g's first call at f's first time, if any */
            while (lo < hi) {
                const size_t mid = lo + (hi - lo) / 2;
                if (z->ns[mid] < y->ns[0]) lo = mid + 1;
                else hi = mid;
            }
            size_t i = 0;
            for (size_t j = lo; i < fm[f]; i++, j++) {
                while (j < fm[g] && z->ns[j] < y->ns[i]) j++;
                while (j < fm[g] && z->ns[j] == y->ns[i] &&
                       (z->has_ret[j] != y->has_ret[i] || (y->has_ret[i] && z->ret[j] != y->ret[i]) ||
                        strcmp(names[at[base[g] + j]], names[at[base[f] + i]])))
                    j++;
                if (j == fm[g] || z->ns[j] != y->ns[i]) break;
            }
            if (i == fm[f])
                rc = ts_fail("%s: each of its %zu calls is one of %s's, at the same time (its lines name no thread, "
                             "nor does its name): one log given twice (a copy of it under another name?); each call "
                             "is written in one log", paths[f], fm[f], paths[g]);
        }
    }
    free(base);
    free(at);
    if (rc == 0 && coarse_path && logs > 1 && notes) {
        /* times coarser than -ttt's microseconds: calls of several logs at one time are in
         * the logs' order, which need not be the order they ran in */
        size_t tied = 0;
        for (size_t k = 0, r; k < n; k = r) {
            const int64_t t = fx[from[k]].ns[idx[k]];
            int mixed = 0;
            for (r = k + 1; r < n && fx[from[r]].ns[idx[r]] == t; r++) mixed |= from[r] != from[k];
            if (mixed) tied += r - k;
        }
        if (tied) {
            char unit[64];
            if (coarse == 3) snprintf(unit, sizeof unit, "in milliseconds");
            else snprintf(unit, sizeof unit, "to %d decimal place%s of a second", coarse, coarse == 1 ? "" : "s");
            ts__note(&nt, "%s:%zu: times %s: %zu of the %zu calls share their time with a call of another log, and "
                     "are merged in the order the logs were given, which need not be the order they ran in (strace "
                     "-ttt, or a --timestamps precision of us, tells them apart)", coarse_path, coarse_line, unit,
                     tied, n);
        }
    }
    if (rc == 0 && x) {   /* each merged call's fields */
        x->pid = ts_malloc((n ? n : 1) * sizeof *x->pid);
        x->ns = ts_malloc((n ? n : 1) * sizeof *x->ns);
        x->ret = ts_malloc((n ? n : 1) * sizeof *x->ret);
        x->has_ret = ts_malloc(n ? n : 1);
        x->exec = ts_malloc((n ? n : 1) * sizeof *x->exec);
        x->comm = ts_malloc((n ? n : 1) * sizeof *x->comm);
        x->exec_pid = ts_malloc((n ? n : 1) * sizeof *x->exec_pid);
        x->ret_pid = ts_malloc((n ? n : 1) * sizeof *x->ret_pid);
        for (size_t k = 0; k < n; k++) {
            ts__strace_fields *y = &fx[from[k]];
            const size_t i = idx[k];
            x->pid[k] = y->pid[i] ? y->pid[i] : fpid[from[k]];
            x->ns[k] = y->ns[i];
            x->ret[k] = y->ret[i];
            x->has_ret[k] = y->has_ret[i];
            x->exec[k] = y->exec[i];
            x->comm[k] = y->comm[i];
            x->exec_pid[k] = y->exec_pid[i] ? y->exec_pid[i] : fpid[from[k]];
            x->ret_pid[k] = y->ret_pid[i];
            y->exec[i] = y->comm[i] = NULL;
        }
        size_t left, open, made, told;
        const size_t untold = tids ? ns_children(names, n, x, &left, &open, &made, &told) : 0;
        if (untold) ts__note(&nt, NS_NOTE, paths[from[left]], untold, open, made, told);
    }
    if (rc == 0 && notes) *notes = nt.text, nt.text = NULL;
    free(nt.text);
    free(from);
    free(idx);
    for (int f = 0; f < npaths; f++) {
        for (size_t i = 0; fn[f] && i < fm[f]; i++) free(fn[f][i]);
        for (size_t i = 0; fx[f].exec && i < fm[f]; i++) free(fx[f].exec[i]), free(fx[f].comm[i]);
        free(fn[f]);
        ts__strace_fields_free(&fx[f]);
    }
    free(fn); free(fx); free(fm); free(fpid); free(again);
    if (rc) {
        for (size_t k = 0; names && k < n; k++) free(names[k]);
        free(names);
        return -1;
    }
    *names_out = names;
    *n_out = n;
    *timed_out = clock_kind;
    return 0;
}

/* the arguments of the readers of several logs checked, the outputs cleared: 0, or -1 with
 * an error naming who (the reader called) and the argument */
static int logs_args(const char *who, const char *const *paths, int npaths, char ***names, size_t *n, char **notes)
{
    if (notes) *notes = NULL;
    if (!names) return ts_fail_null(who, "names");
    *names = NULL;
    if (!n) return ts_fail_null(who, "n");
    *n = 0;
    if (!paths) return ts_fail_null(who, "paths");
    if (npaths < 1) return ts_fail("%s: npaths is %d: no log to read", who, npaths);
    for (int f = 0; f < npaths; f++)
        if (!paths[f]) return ts_fail("%s: paths[%d] is NULL", who, f);
    return 0;
}

int ts_strace_read_logs(const char *const *paths, int npaths, char ***names, size_t *n, char **notes)
{
    if (logs_args(__func__, paths, npaths, names, n, notes)) return -1;
    int timed;
    return ts__strace_read_logs(paths, npaths, names, n, &timed, NULL, 0, notes);
}

int ts_strace_read_times(const char *const *paths, int npaths, char ***names, int64_t **time_ns, size_t *n,
                         char **notes)
{
    if (time_ns) *time_ns = NULL;
    if (!time_ns) return ts_fail_null(__func__, "time_ns");
    if (logs_args(__func__, paths, npaths, names, n, notes)) return -1;
    int timed;
    ts__strace_fields x;
    if (ts__strace_read_logs(paths, npaths, names, n, &timed, &x, 0, notes) != 0) return -1;
    for (size_t i = 0; i < *n; i++) free(x.exec[i]), free(x.comm[i]);
    /* the epoch's (-ttt) and perf's (perf trace -T) clocks are other recordings' too; -r's
     * count from the log's start, -t's and -tt's from a midnight of no known date */
    if (timed == 1 || timed == 4) *time_ns = x.ns, x.ns = NULL;
    ts__strace_fields_free(&x);
    return 0;
}

int ts_strace_read_many(const char *const *paths, int npaths, char ***names, size_t *n)
{
    /* checked here, so that an error names this function */
    if (logs_args(__func__, paths, npaths, names, n, NULL)) return -1;
    int timed;
    return ts__strace_read_logs(paths, npaths, names, n, &timed, NULL, 0, NULL);
}
