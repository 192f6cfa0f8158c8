/* tracesynth — evaluation (design/PROTOCOLS.md §2–3). */
#ifndef TRACESYNTH_EVAL_H
#define TRACESYNTH_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "data.h"

/* imputation metrics over the hidden positions (mask == 0), averaged over windows, ×100 */
typedef struct {
    size_t windows, hidden;      /* windows with >= 1 hidden position; hidden positions */
    double accuracy;
    double perfect;
    double rouge_l;              /* token LCS / k */
    int    has_type;
    double type_accuracy;        /* kernel subsystem of each system call (named events only) */
} ts_impute_metrics;

/* vocab may be NULL (no names: type accuracy not computed) */
int ts_eval_impute(const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                   const ts_vocab *vocab, ts_impute_metrics *out);

/* generation fidelity and memorization */
typedef struct {
    double js_unigram, js_bigram;          /* base 2, [0, 1] */
    double kl_unigram;                     /* KL(real || synthetic) in bits, add-one smoothing
                                              over the event types seen in either */
    double coverage_real;                  /* share of real event types seen in synthetic */
    double coverage_synth;                 /* share of synthetic event types seen in real */
    int    has_train;
    double d_trans;                        /* share of synthetic adjacent pairs absent from train */
    double memorized;                      /* share of synthetic windows verbatim in train
                                              (a contiguous run inside one train window) */
    double lcs_mean, lcs_median, lcs_p90, lcs_max;  /* longest common substring with train, in
                                              events; quantiles interpolate linearly */
} ts_gen_metrics;

/* train may be NULL (no D_trans / memorization); a contiguous stream is one window of length n.
 * Adjacent pairs and common substrings never cross a window boundary. */
int ts_eval_generate(const ts_windows *real, const ts_windows *synth, const ts_windows *train,
                     ts_gen_metrics *out);

/* x86-64 system call -> "fs", "mm", "kernel", "arch", "net", "ipc", "security" or "other" */
const char *ts_syscall_subsystem(const char *name);

#endif
