/* The thread-local "last error" line. */
#include "tracesynth/common.h"

#include <stdarg.h>
#include <string.h>

static _Thread_local char last_error[1024];

int ts_fail(const char *fmt, ...)
{
    /* formatted aside first: an argument may be ts_error() itself (a message wrapping the
     * one before), and vsnprintf's source and destination must not overlap */
    char line[sizeof last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    memcpy(last_error, line, sizeof line);
    return -1;
}

const char *ts_error(void) { return last_error[0] ? last_error : "unknown error"; }
void ts_clear_error(void) { last_error[0] = 0; }

const char *ts_article(const char *name)
{
    return name[0] && strchr("aeiofhlmnrsx", name[0]) ? "an" : "a";
}

const char *ts_plural(size_t n) { return n == 1 ? "" : "s"; }
