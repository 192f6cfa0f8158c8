/* The thread-local "last error" line. */
#include "tracesynth/common.h"

#include <stdarg.h>

static _Thread_local char last_error[1024];

int ts_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ts_error(void) { return last_error[0] ? last_error : "unknown error"; }
void ts_clear_error(void) { last_error[0] = 0; }
