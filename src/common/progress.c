/* Monotonic time and the progress bar on long work. */
#include "tracesynth/common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double ts_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* the lines held (ts_progress_hold): said before the next bar */
static char  *held;
static size_t held_n, held_cap;

void ts_progress_hold(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k <= 0) return;
    if (held_n + (size_t)k + 1 > held_cap) {
        held_cap = 2 * (held_n + (size_t)k + 1);
        held = ts_realloc(held, held_cap);
    }
    va_start(ap, fmt);
    vsnprintf(held + held_n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    held_n += (size_t)k;
}

size_t ts_progress_held(void) { return held_n; }

void ts_progress_unhold(size_t mark)
{
    if (mark < held_n) held_n = mark;
    if (held) held[held_n] = 0;
}

void ts_progress_release(void)
{
    if (!held_n) return;
    fwrite(held, 1, held_n, stderr);
    fflush(stderr);
    held_n = 0;
}

/* the span (ts_progress_span_begin): its bar, and the part [base, base + units)
 * of its total that the bar started inside it now covers */
static struct {
    int depth;
    ts_progress bar;
    long base, units;
} span;

void ts_progress_start(ts_progress *p, const char *label, long total)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->total = total;
    p->t0 = p->last = ts_now();
    p->tty = isatty(2);
    p->enabled = 1;
    p->in_span = span.depth > 0;
}

void ts_progress_span_begin(const char *label, long total, int enabled)
{
    if (span.depth++) return;
    ts_progress_start(&span.bar, label, total);
    span.bar.in_span = 0;
    span.bar.enabled = enabled;
    span.base = span.units = 0;
}

void ts_progress_span_part(long units)
{
    if (span.depth != 1) return;
    span.base += span.units;
    span.units = units;
    ts_progress_update(&span.bar, span.base, NULL);   /* calls without a bar of their own move it too */
}

void ts_progress_span_end(void)
{
    if (!span.depth || --span.depth) return;
    ts_progress_end(&span.bar);
}

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0 || s > 1e7) snprintf(buf, n, "--:--");
    else if (s >= 3600) snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
    else snprintf(buf, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

/* p's bar at done units (a fraction inside a span's part: its bar fills smoothly
 * while the count shows whole units); final: its last line, though short of the total */
static void draw(ts_progress *p, double done, const char *extra, int final)
{
    double now = ts_now();
    int last = final || done >= (double)p->total;
    /* terminals: at most 10 redraws a second; logs: a line every 30 s, one at the total (or
     * at the end short of it: final) */
    if (last ? p->ended : now - p->last < (p->tty ? 0.1 : 30.0)) return;
    p->ended = last;
    p->last = now;
    double el = now - p->t0;
    double rate = el > 0 ? (done - (double)p->first) / el : 0;
    double eta = rate > 0 ? ((double)p->total - done) / rate : -1;
    char e1[32], e2[32];
    fmt_time(e1, sizeof e1, el);
    fmt_time(e2, sizeof e2, eta);
    int width = 24, fill = p->total > 0 ? (int)(width * done / (double)p->total) : 0;
    if (fill > width) fill = width;
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    ts_progress_release();
    fprintf(stderr, "%s%s [%s] %ld/%ld %.2f it/s %s<%s%s%s%s%s", p->tty ? "\r" : "", p->label, bar,
            (long)done, p->total, rate, e1, e2, extra ? "  " : "", extra ? extra : "",
            p->tty ? "\033[K" : "", p->tty ? "" : "\n");
    fflush(stderr);
}

void ts_progress_update(ts_progress *p, long done, const char *extra)
{
    if (!p->enabled) return;
    if (p->in_span) {
        if (!span.depth || !span.bar.enabled) return;   /* the span ended before the bar */
        double in = p->total > 0 ? (double)span.units * (double)(done < p->total ? done : p->total) / (double)p->total
                                 : 0;
        draw(&span.bar, (double)span.base + in, extra, 0);
        return;
    }
    draw(p, (double)done, extra, 0);
}

void ts_progress_final(ts_progress *p, long done, const char *extra)
{
    if (!p->enabled) return;
    if (p->in_span) ts_progress_update(p, done, extra);   /* the span's bar goes on */
    else draw(p, (double)done, extra, 1);
}

void ts_progress_end(ts_progress *p)
{
    if (p->enabled && p->tty && !p->in_span) fputc('\n', stderr);
    p->enabled = 0;
}
