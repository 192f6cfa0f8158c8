/* CRC-32, monotonic time, progress bar, thread count. */
#include "tracesynth/common.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint32_t ts_crc32(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    static int ready;
    if (!ready) {   /* idempotent: racing initialisers write the same values */
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

double ts_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void ts_progress_start(ts_progress *p, const char *label, long total)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->total = total;
    p->t0 = p->last = ts_now();
    p->tty = isatty(2);
    p->enabled = 1;
}

static void fmt_time(char *buf, size_t n, double s)
{
    if (s < 0 || s > 1e7) snprintf(buf, n, "--:--");
    else if (s >= 3600) snprintf(buf, n, "%d:%02d:%02d", (int)s / 3600, ((int)s / 60) % 60, (int)s % 60);
    else snprintf(buf, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

void ts_progress_update(ts_progress *p, long done, const char *extra)
{
    if (!p->enabled) return;
    double now = ts_now();
    int last = done >= p->total;
    /* terminals: at most 10 redraws a second; logs: a line every 30 s */
    if (!last && now - p->last < (p->tty ? 0.1 : 30.0)) return;
    p->last = now;
    double el = now - p->t0;
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (p->total - done) / rate : -1;
    char e1[32], e2[32];
    fmt_time(e1, sizeof e1, el);
    fmt_time(e2, sizeof e2, eta);
    int width = 24, fill = p->total > 0 ? (int)(width * (double)done / p->total) : 0;
    if (fill > width) fill = width;
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "%s%s [%s] %ld/%ld %.2f it/s %s<%s%s%s%s%s", p->tty ? "\r" : "", p->label, bar,
            done, p->total, rate, e1, e2, extra ? "  " : "", extra ? extra : "",
            p->tty ? "\033[K" : "", p->tty ? "" : "\n");
    fflush(stderr);
}

void ts_progress_end(ts_progress *p)
{
    if (p->enabled && p->tty) fputc('\n', stderr);
    p->enabled = 0;
}

/* One thread pool: OpenMP's. OpenBLAS runs single-threaded and ts_sgemm
 * (nn.h) splits each product over the OpenMP threads; two pools spinning side
 * by side would steal each other's cores. */
void ts_set_threads(int n)
{
    if (n <= 0) n = omp_get_num_procs();
    omp_set_num_threads(n);
    openblas_set_num_threads(1);
}

int ts_get_threads(void) { return omp_get_max_threads(); }
