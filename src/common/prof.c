/* The step profile's accumulator (see prof.h). */
#include "tracesynth/prof.h"
#include "tracesynth/common.h"

#include <omp.h>
#include <string.h>

int ts_prof_on = 0;

#define DEPTH 32
static double acc[TS_PROF_N], flops, mark;
static int stack[DEPTH], depth, skipped;

static const char *const names[TS_PROF_N] = {
    "GEMM convolutions / linear", "S4 kernel build", "S4 FFT convolution", "step MLP",
    "attention core", "optimizer (clip + Adam)", "MPI allreduce",
};

void ts_prof_reset(void)
{
    memset(acc, 0, sizeof acc);
    flops = 0;
    depth = skipped = 0;
}

void ts_prof_enable(int on)
{
    ts_prof_reset();
    ts_prof_on = on;
}

void ts_prof_push_(int sec)
{
    if (omp_in_parallel()) return;
    double t = ts_now();
    if (depth > 0 && depth <= DEPTH) acc[stack[depth - 1]] += t - mark;
    if (depth < DEPTH) stack[depth] = sec;
    depth++;
    mark = t;
}

void ts_prof_pop_(void)
{
    if (omp_in_parallel() || depth == 0) return;
    double t = ts_now();
    if (depth <= DEPTH) acc[stack[depth - 1]] += t - mark;
    depth--;
    mark = t;
}

void ts_prof_move(int from, int to, double dt)
{
    acc[from] -= dt;
    acc[to] += dt;
}

void ts_prof_take(int from, double dt) { acc[from] -= dt; }

void ts_prof_flops_(double f)
{
    #pragma omp atomic
    flops += f;
}

double ts_prof_seconds(int sec) { return sec >= 0 && sec < TS_PROF_N ? acc[sec] : 0; }
double ts_prof_flops(void) { return flops; }
const char *ts_prof_name(int sec) { return sec >= 0 && sec < TS_PROF_N ? names[sec] : "?"; }
