/* tracesynth — constraints learned from real multi-channel traces, the validity
 * distances they define (design/PROTOCOLS.md §3), and minimum-change repair.
 *
 * The four classes of the poster "Generating and Validating Synthetic Kernel Traces":
 *   the event-transition graph G (pairs of event types seen adjacent);
 *   Δt bounds per event type ([min, max] of the encoded dt; the trace's first event's
 *   dt of 0, no time, only for a type with no other, one not 0 as any other; a trace
 *   checked or repaired whose first event's dt is 0, no time either, has that dt neither
 *   checked nor clamped);
 *   the CPU set per event type;
 *   the allowed attribute values per event type (tid bucket, comm, ret).
 * Per type the counts of each CPU and attribute value are kept (the repair's choice
 * among allowed values, and a baseline's per-type distributions).
 *
 * File: the container (container.h) with MODEL "constraints", CONFIG (events, the
 * cardinality of each channel, 0 when absent), TRANS (V x V bytes, 1 = allowed),
 * DT (V x 2 float32: min, max; +inf, -inf when the type was never seen), and per
 * categorical channel CNT_<name> (V x card uint32 counts), and the names of the event,
 * comm and ret IDs (V_EVENT, V_COMM, V_RET: one per line; V_COMM and V_RET wherever
 * CONFIG gives the channel, V_EVENT unless the events are unnamed). A trace checked or
 * repaired against the constraints is first renumbered into these names. */
#ifndef TRACESYNTH_CONSTRAINTS_H
#define TRACESYNTH_CONSTRAINTS_H

#include <stddef.h>
#include <stdint.h>
#include "channels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t   V;                 /* event types */
    int32_t   card[TS_NCH];      /* values of each categorical channel; 0: absent (dt: 1 when present) */
    uint8_t  *trans;             /* (V, V) 1: "a then b" seen */
    uint8_t  *seen;              /* (V) 1: the type occurs in the training part */
    float    *dt_lo, *dt_hi;     /* (V) when card[TS_CH_DT] */
    uint32_t *cnt[TS_NCH];       /* (V, card[c]) per type counts of comm, ret, tid, cpu */
    ts_vocab  events, comm, ret; /* the names of the IDs (n == 0: unnamed) */
} ts_constraints;

/* A NULL argument (what of ts_repair excepted) is refused with -1 and the error
 * "FUNCTION: ARGUMENT is NULL", an output given emptied first. */

/* learn from the first n_train events of m (0: all) */
int  ts_constraints_learn(const ts_mc *m, size_t n_train, ts_constraints *out);
/* ts_constraints_learn of m as windows of len events (0: one sequence, as above; a set
 * ts_mc_save_windows wrote, ts_mc_window_length): a window's last event and the next one's
 * first are no transition; the first n_train events may end within a window */
int  ts_constraints_learn_windows(const ts_mc *m, size_t n_train, size_t len, ts_constraints *out);
int  ts_constraints_save(const ts_constraints *k, const char *path);
int  ts_constraints_load(const char *path, ts_constraints *out);
void ts_constraints_free(ts_constraints *k);
/* renumber m into k's names (ts_mc_renumber); a channel m lacks is left out of the
 * distances and of the repair. -1 naming the first mismatch */
int  ts_constraints_fit(const ts_constraints *k, ts_mc *m, const char *what);

/* the validity distances of a sequence (PROTOCOLS.md §3), m numbered as k (see
 * ts_constraints_fit); a distance whose channels are absent is -1, and so is D_trans
 * without a pair. Windows of len events (0: one sequence): pairs across window
 * boundaries do not count for D_trans. */
typedef struct {
    double d_trans, d_time, d_cpu, d_attr;
    size_t events, pairs;
} ts_validity;
/* 0 / -1 (a NULL argument: every distance -1) */
int  ts_constraints_validity(const ts_constraints *k, const ts_mc *m, size_t len, ts_validity *out);

/* repair m in place with as few changes as possible: the event sequence becomes the
 * closest (fewest events replaced) walk through the transition graph, by dynamic
 * programming over (position, type), and of such walks the one that changes the fewest
 * events in any channel (an event replaced, or kept with a value below changed); then dt is clamped to its type's bounds, and a CPU
 * or attribute its type never has becomes the nearest allowed one (CPU, tid bucket,
 * ret: the numerically nearest, between two as near the more frequent; a return value
 * the constraints do not name, their <unk>, by the number it was; comm, and a <unk> of
 * the trace's own: the type's most frequent). Windows of len events
 * (0: one sequence) are repaired each on its own; what names m in errors (NULL:
 * "synthetic trace"). After it D_trans = D_time = D_cpu =
 * D_attr = 0. Event times (events.time_ns) go where any event changes; an event whose type
 * changes is marked (events.exit) as the unchanged events of its new type all are, and the
 * marks go where they are not all alike (a call's entry and exit). */
typedef struct {
    size_t events;               /* events looked at */
    size_t changed[TS_NCH];      /* values changed per channel (a name k lacks, renumbered to
                                    k's <unk>, too) */
    size_t events_touched;       /* events with any channel changed */
} ts_repair_report;
int  ts_repair(const ts_constraints *k, ts_mc *m, size_t len, const char *what, ts_repair_report *out);

#ifdef __cplusplus
}
#endif

#endif
