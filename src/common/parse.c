/* Numbers from text (options, model configs, lists): the whole string (no blank around it),
 * in range, or an error. */
#include "tracesynth/common.h"

#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ts_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || isspace((unsigned char)*s) || v < lo || v > hi)
        return ts_fail("'%s' is not an integer in [%ld, %ld]", s, lo, hi);
    *out = v;
    return 0;
}

int ts_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    int any = lo == 0 && hi == 0;
    /* strtod also reads hex ("0x10" is 16), which the integers refuse: decimal only */
    if (errno || end == s || *end || isspace((unsigned char)*s) || !isfinite(v) || strpbrk(s, "xX"))
        return ts_fail("'%s' is not a number", s);
    if (!any && (v < lo || v > hi)) return ts_fail("'%s' is not a number in [%g, %g]", s, lo, hi);
    *out = v;
    return 0;
}

int ts_parse_items(const char *s, int max, void *dst, int *n, int (*one)(const char *item, void *dst, int i))
{
    *n = 0;
    char *dup = ts_strdup(s);
    int rc = 0;
    /* every item between commas, an empty one too (an error, as in a window file) */
    for (char *t = dup, *next; t && !rc; t = next) {
        next = strchr(t, ',');
        if (next) *next++ = 0;
        if (!*t) rc = ts_fail("'%s': an empty item", s);
        else rc = *n == max ? ts_fail("at most %d values", max) : one(t, dst, (*n)++);
    }
    free(dup);
    return rc;
}
