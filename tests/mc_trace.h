/* A small multi-channel trace for the multi-channel model tests: events cycle 0 1 2 3,
 * tid = 10 + 3 event, cpu = event % 2 (with_cpu; without it the trace lacks the channel,
 * as an strace log does), dt = log(1 + 1000 (event + 1)) with a little noise. */
#ifndef TS_MC_TRACE_H
#define TS_MC_TRACE_H

#include <math.h>
#include <string.h>
#include "tracesynth/channels.h"
#include "tracesynth/common.h"

static inline void mc_cycle_trace(size_t n, int with_cpu, ts_mc *m)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.vocab.unk = -1;
    m->events.stream.n = n;
    m->events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->ch[TS_CH_TID] = ts_malloc(n * sizeof(int32_t));
    if (with_cpu) m->ch[TS_CH_CPU] = ts_malloc(n * sizeof(int32_t));
    m->dt = ts_malloc(n * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, 3);
    for (size_t i = 0; i < n; i++) {
        int32_t e = (int32_t)(i % 4);
        m->ch[TS_CH_EVENT][i] = e;
        m->ch[TS_CH_TID][i] = 10 + 3 * e;
        if (with_cpu) m->ch[TS_CH_CPU][i] = e % 2;
        m->dt[i] = (float)(log(1.0 + 1000.0 * (e + 1)) + 0.01 * ts_rng_uniform(&r));
    }
}

#endif
