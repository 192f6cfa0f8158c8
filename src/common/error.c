/* The thread-local "last error" line. */
#include "tracesynth/common.h"
#include "common/common_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* room for two paths of PATH_MAX and the words around them */
static _Thread_local char last_error[TS_ERROR_MAX];

int ts_fail(const char *fmt, ...)
{
    /* formatted aside first: an argument may be ts_error() itself (a message wrapping the
     * one before), and vsnprintf's source and destination must not overlap */
    char line[sizeof last_error];
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* longer still: its start and its end, which says what went wrong */
    char *all = n >= (int)sizeof line ? malloc((size_t)n + 1) : NULL;
    if (all) {
        vsnprintf(all, (size_t)n + 1, fmt, again);
        size_t head = (sizeof line - 4) / 2, tail = sizeof line - 4 - head;
        memcpy(line + head, "...", 3);
        memcpy(line + head + 3, all + (size_t)n - tail, tail + 1);
        free(all);
    }
    va_end(again);
    memcpy(last_error, line, sizeof line);
    return -1;
}

const char *ts_error(void) { return last_error[0] ? last_error : "unknown error"; }
void ts_clear_error(void) { last_error[0] = 0; }

void ts__error_path(const char *from, const char *to)
{
    const char *e = ts_error(), *at = strstr(e, from);
    if (!at) return;
    char *msg = ts_malloc(strlen(e) + strlen(to) + 1);
    sprintf(msg, "%.*s%s%s", (int)(at - e), e, to, at + strlen(from));
    ts_fail("%s", msg);
    free(msg);
}

const char *ts_article(const char *name)
{
    return name[0] && strchr("aeiofhlmnrsx", name[0]) ? "an" : "a";
}

const char *ts_plural(size_t n) { return n == 1 ? "" : "s"; }

/* the length of the UTF-8 sequence at p that a message may show as it is, else 0 (a
 * byte that starts none, or U+0080..U+009F, which terminals take as controls) */
static size_t shown_utf8(const unsigned char *p)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF) n = 2, lo = c == 0xC2 ? 0xA0 : 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)   /* the NUL ends the string before a read past it */
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

int ts_fail_null(const char *fn, const char *arg)
{
    return ts_fail("%s: %s is NULL", fn, arg);
}

char *ts_shown(const char *s)
{
    char *out = ts_malloc(4 * strlen(s) + 1), *o = out;   /* a byte shown takes at most 4 */
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p >= 0x80 ? shown_utf8(p) : (*p >= 0x20 && *p != 0x7f) || *p == '\t';
        if (n) {
            memcpy(o, p, n);
            o += n;
            p += n;
        } else {
            o += sprintf(o, "\\x%02x", *p++);
        }
    }
    *o = 0;
    return out;
}

void ts_put_line(FILE *f, const char *pre, const char *s, const char *post)
{
    char *t = ts_shown(s);
    size_t a = strlen(pre), b = strlen(t), c = strlen(post);
    char *line = ts_malloc(a + b + c + 1);
    memcpy(line, pre, a);
    memcpy(line + a, t, b);
    memcpy(line + a + b, post, c + 1);
    fwrite(line, 1, a + b + c, f);   /* one write: an unbuffered stderr's line stays whole */
    free(line);
    free(t);
}

void ts_put_shown(FILE *f, const char *s)
{
    ts_put_line(f, "", s, "");
}

void ts_vput_shown(FILE *f, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    char *s = ts_malloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    /* the format's own line end is written as one, not shown */
    const size_t fl = strlen(fmt);
    const int nl = fl > 0 && fmt[fl - 1] == '\n' && n > 0;
    if (nl) s[n - 1] = 0;
    ts_put_line(f, "", s, nl ? "\n" : "");
    free(s);
}
