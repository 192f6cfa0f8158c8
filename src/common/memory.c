/* Allocation helpers: out of memory is fatal, with a message. */
#include "tracesynth/common.h"
#include "common_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* one line, exit status 1: not abort(), whose core dump and signal say the program broke
 * where memory ran out; the address-space limit named when one is set, the likely cause
 * (_exit: exit() would wait for OpenBLAS's threads, one of which may be retrying a buffer
 * it cannot map) */
static void oom(size_t n)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
        fprintf(stderr, "tracesynth: error: out of memory (asked for %zu bytes) under the address-space "
                "limit (ulimit -v) of %llu MB\n", n, (unsigned long long)(r.rlim_cur >> 20));
    else
        fprintf(stderr, "tracesynth: error: out of memory (asked for %zu bytes)\n", n);
    _exit(1);
}

void *ts_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *ts_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *ts_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

void *ts__append_room(void *p, size_t n, size_t elem)
{
    if (n & (n - 1)) return p;   /* 3, 5, 6, 7, 9 ...: the room of the last power of two holds it */
    size_t cap = n ? 2 * n : 1;
    if (cap > SIZE_MAX / elem) oom(SIZE_MAX);
    return ts_realloc(p, cap * elem);
}

char *ts_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ts_malloc(n);
    memcpy(d, s, n);
    return d;
}

/* the length of the well-formed UTF-8 character s starts with (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF), 0 when it starts none */
static int utf8_char_len(const unsigned char *s)
{
    const unsigned char c = s[0];
    int n;
    unsigned lo = 0x80, hi = 0xbf;   /* the bounds of the second byte */
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    else return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf) return 0;   /* a NUL ends the string here too */
    return n;
}

char *ts_json_escape(const char *s)
{
    char *out = ts_malloc(6 * strlen(s) + 1), *o = out;
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned char c = *u;
        int n = utf8_char_len(u);
        if (n == 0) {   /* JSON is UTF-8: a byte of none (a Latin-1 name) is U+FFFD */
            o += sprintf(o, "\\ufffd");
            u++;
        } else if (n > 1) {
            memcpy(o, u, (size_t)n);
            o += n;
            u += n;
        } else {
            if (c == '"' || c == '\\') *o++ = '\\', *o++ = (char)c;
            else if (c < 0x20) o += sprintf(o, "\\u%04x", c);
            else *o++ = (char)c;
            u++;
        }
    }
    *o = 0;
    return out;
}

void ts_json_put(FILE *f, const char *s)
{
    if (!s) { fputs("null", f); return; }
    char *e = ts_json_escape(s);
    fprintf(f, "\"%s\"", e);
    free(e);
}

char *ts_shell_word(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s), q = 0;
    int plain = n > 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        plain &= isalnum(c) || strchr("/._-+,:=@%", c) != NULL;
        q += c == '\'';
    }
    /* the words are paths: one that starts with '-' would be read as an option */
    const char *dot = s[0] == '-' ? "./" : "";
    char *w = ts_malloc(n + 3 * q + 5), *o = w;
    if (!plain) *o++ = '\'';
    while (*dot) *o++ = *dot++;
    if (plain) {
        memcpy(o, s, n + 1);
        return w;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else *o++ = s[i];
    }
    *o++ = '\'';
    *o = 0;
    return w;
}

void *ts_alloc_aligned(size_t n)
{
    if (n > SIZE_MAX - 63) oom(n);
    size_t sz = (n + 63) & ~(size_t)63;
    void *p = aligned_alloc(64, sz ? sz : 64);
    if (!p) oom(n);
    memset(p, 0, sz ? sz : 64);
    return p;
}

void ts_free_aligned(void *p) { free(p); }

/* the bytes this process may hold: the machine's memory, or less under an address-space
 * limit (ulimit -v); 0 when not known */
static double memory_limit(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double have = pages > 0 && page > 0 ? (double)pages * (double)page : 0;
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY && (have <= 0 || (double)r.rlim_cur < have))
        have = (double)r.rlim_cur;
    return have;
}

int ts_memory_fits(size_t n, const char *what, const char *fix)
{
    const double have = memory_limit();
    if (have <= 0 || (double)n <= have) return 0;
    return ts_fail("%s would take %.1f GB, more than the %.1f GB of memory this process may use; %s", what,
                   (double)n / 1e9, have / 1e9, fix);
}

int ts_batch_fits(size_t n, long B, long L)
{
    char what[160];
    snprintf(what, sizeof what, "--batch %ld of %ld events: the network's activations", B, L);
    return ts_memory_fits(n, what, "a smaller --batch");
}
