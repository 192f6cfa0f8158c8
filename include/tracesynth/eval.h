/* tracesynth — evaluation (design/PROTOCOLS.md §2–3). */
#ifndef TRACESYNTH_EVAL_H
#define TRACESYNTH_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the architecture whose system call table names the events */
typedef enum {
    TS_ARCH_UNKNOWN = 0,   /* a name of any of the four tables counts */
    TS_ARCH_X86_64,        /* also i386 names: 32-bit tasks on a 64-bit kernel */
    TS_ARCH_I386,
    TS_ARCH_ARM,
    TS_ARCH_AARCH64,       /* also arm names (compat tasks) */
} ts_arch;

/* imputation metrics over the hidden positions (mask == 0), averaged over windows, ×100 */
typedef struct {
    size_t windows, hidden;      /* windows with >= 1 hidden position; hidden positions */
    double accuracy;
    double perfect;
    double rouge_l;              /* token LCS / k */
    size_t reordered;            /* windows whose hidden events are the true ones in another
                                    order (not all right): which of two threads ran first */
    double accuracy_in_order;    /* the accuracy were those windows in order: what a model
                                    that knows only which events happened can reach */
    int    has_type;
    double type_accuracy;        /* kernel subsystem of each system call (named events only),
                                    over the hidden events whose true name is in the table */
    ts_arch arch;                /* the table used */
    size_t type_scored;          /* hidden events whose true name is a call of arch */
    size_t type_unknown;         /* hidden events whose true name is not (left out of the score) */
    double type_floor;           /* type accuracy of always guessing the most common subsystem
                                    of the hidden events: the metric says nothing when it is 100 */
    const char *type_majority;   /* that subsystem */
    /* named events with a <unk>: the hidden events whose truth is <unk> (a name the training
     * part never held) and those filled with <unk>, which count as right (equal IDs); the
     * hidden events filled right in all */
    size_t unk_hidden, unk_right, right;
} ts_impute_metrics;

/* vocab may be NULL (no names: type accuracy not computed). The architecture is guessed from
 * the vocabulary's names (ts_arch_guess), else the host's. */
int ts_eval_impute(const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                   const ts_vocab *vocab, ts_impute_metrics *out);
/* the same with the architecture given (TS_ARCH_UNKNOWN: names of any table count; one
 * outside ts_arch is an error) */
int ts_eval_impute_arch(const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                        const ts_vocab *vocab, ts_arch arch, ts_impute_metrics *out);

/* generation fidelity and memorization */
typedef struct {
    double js_unigram, js_bigram;          /* base 2, [0, 1] */
    int    has_bigram;                     /* js_bigram measured: R's and S's windows hold pairs
                                              (0: windows of 1 event, js_bigram 0) */
    double kl_unigram;                     /* KL(real || synthetic) in bits, add-one smoothing
                                              over the event types seen in either */
    double coverage_real;                  /* share of real event types seen in synthetic */
    double coverage_synth;                 /* share of synthetic event types seen in real */
    int    has_train;
    int    has_d_trans;                    /* d_trans measured: with train, S's windows hold pairs */
    double d_trans;                        /* share of synthetic adjacent pairs absent from train */
    double memorized;                      /* share of synthetic windows verbatim in train
                                              (a contiguous run inside one train window) */
    double lcs_mean, lcs_median, lcs_p90, lcs_max;  /* longest common substring with train, in
                                              events; quantiles interpolate linearly */
} ts_gen_metrics;

/* train may be NULL (no D_trans / memorization); a contiguous stream is one window of length n.
 * IDs in [0, INT32_MAX). Windows of 1 event hold no pair: what needs pairs is not measured
 * (has_bigram, has_d_trans 0), the rest is.
 * Adjacent pairs and common substrings never cross a window boundary. */
int ts_eval_generate(const ts_windows *real, const ts_windows *synth, const ts_windows *train,
                     ts_gen_metrics *out);

/* downstream validation, "train on synthetic, test on real": an interpolated Kneser–Ney
 * n-gram of the given order (kneser_ney.h) as a next-event predictor, trained on the synthetic
 * windows and scored on every event of the real windows (each predicted from the events before
 * it in its window): top-1 accuracy and bits per event. With training data, the same predictor
 * trained on as many of its events (the synthetic windows' count of pieces as long as them,
 * evenly spread over it; all of it when it holds fewer) gives the figures to compare with. */
typedef struct {
    int    order;
    double accuracy, bits;                 /* trained on the synthetic windows; accuracy x100 */
    size_t synth_events;
    int    has_train;
    double train_accuracy, train_bits;     /* trained on the training data's events */
    size_t train_events;
} ts_downstream_metrics;

/* train may be NULL; IDs in [0, INT32_MAX) as for ts_eval_generate, one numbering for the
 * three. The predictor's alphabet is the IDs that occur in them (not the largest ID + 1).
 * 0; -1 + error, *out zeroed */
int ts_eval_downstream(const ts_windows *real, const ts_windows *synth, const ts_windows *train, int order,
                       ts_downstream_metrics *out);

/* system call -> "fs", "mm", "kernel", "arch", "net", "ipc", "security" or "other" (drivers,
 * ENOSYS stubs), or "unknown" when the name is not a call of arch (tracer prefixes such as
 * syscall_entry_, sys_, compat_syscall_exit_ are stripped) */
const char *ts_syscall_subsystem_arch(const char *name, ts_arch arch);
/* the x86-64 table */
const char *ts_syscall_subsystem(const char *name);
const char *ts_arch_name(ts_arch a);              /* "x86_64", "i386", "arm", "aarch64", "unknown" */
/* x86_64 (amd64, x86-64), i386 (i686, x86), arm (armv7l, armhf), aarch64 (arm64); -1 otherwise */
int         ts_arch_parse(const char *s, ts_arch *out);
ts_arch     ts_arch_host(void);
/* the architecture a dataset directory names into *out (DIR/arch: its first word, as
 * ts_arch_parse takes it; written by ingest and ts_mc_save_arch), TS_ARCH_UNKNOWN when it
 * names none (no file, or an empty one): 0; an error naming the file when its word is no
 * architecture ts_arch_parse knows, or ends the file without a newline and begins a longer
 * architecture's name (cut short: "x86" of "x86_64"), or it cannot be opened or is not a
 * regular file (a FIFO, which is not waited on, a device or a directory); a dataset
 * replaced half way by a
 * process killed is completed first (ts_stage_recover, whose error where it cannot be) */
int         ts_dataset_arch(const char *dir, ts_arch *out);
/* ts_dataset_arch's architecture, TS_ARCH_UNKNOWN where it fails; never an error, and the
 * thread is left with none */
ts_arch     ts_arch_of_dataset(const char *dir);
/* system call number -> name on arch, as ftrace's syscalls:* events name the call (x86-64's
 * stat is newstat): x86_64 and aarch64 (64-bit ABI); NULL for a number the table lacks, or
 * another architecture (src/eval/syscall_numbers.c) */
const char *ts_syscall_by_number(ts_arch arch, long nr);
/* the architecture whose native calls these names are (e.g. the vocabulary of a dataset, or
 * the system call events a CTF trace declares; compat_ names are skipped): the one table that
 * holds them all; among several, for a list of 100 names or more, the table it covers best;
 * else TS_ARCH_UNKNOWN (a short list of calls common to all, like read and write) */
ts_arch     ts_arch_guess(const char *const *names, size_t n);

#ifdef __cplusplus
}
#endif

#endif
