/* tracesynth — a step profile: wall time split into sections by cheap timers
 * around the library's calls (`tracesynth bench model --profile`).
 *
 * Off by default; while off, each timer point is one predictable branch on a
 * global flag. Sections nest: time goes to the innermost open section only
 * (exclusive), the rest of a step is "element-wise and other". Timer points are
 * only taken outside OpenMP parallel regions (inside one they are ignored), so a
 * section's time is the wall time of the whole team. GEMM floating-point
 * operations are counted too. */
#ifndef TRACESYNTH_PROF_H
#define TRACESYNTH_PROF_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    TS_PROF_GEMM = 0,   /* convolutions and linear layers through SGEMM (im2col included) */
    TS_PROF_S4K,        /* the S4 kernel build (and its spectrum), forward and backward */
    TS_PROF_FFT,        /* the S4 FFT convolution, forward and backward */
    TS_PROF_MLP,        /* the diffusion-step MLP */
    TS_PROF_ATTN,       /* attention cores (softmax(QK^T)V), forward and backward */
    TS_PROF_OPTIM,      /* clipping and Adam */
    TS_PROF_COMM,       /* MPI_Allreduce of the gradients */
    TS_PROF_N
};

extern int ts_prof_on;

void ts_prof_enable(int on);    /* also clears the counters */
void ts_prof_reset(void);
void ts_prof_push_(int sec);
void ts_prof_pop_(void);
/* move dt seconds from section `from` to section `to` (a finer split measured
 * inside a parallel region by its master thread) */
void ts_prof_move(int from, int to, double dt);
/* take dt seconds out of section `from`: they go to "element-wise and other" */
void ts_prof_take(int from, double dt);
void ts_prof_flops_(double f);
/* seconds per section; the sum over sections of what was opened */
double ts_prof_seconds(int sec);
double ts_prof_flops(void);
const char *ts_prof_name(int sec);

#define TS_PROF_PUSH(s) do { if (ts_prof_on) ts_prof_push_(s); } while (0)
#define TS_PROF_POP()   do { if (ts_prof_on) ts_prof_pop_(); } while (0)
#define TS_PROF_FLOPS(f) do { if (ts_prof_on) ts_prof_flops_(f); } while (0)

#ifdef __cplusplus
}
#endif

#endif
