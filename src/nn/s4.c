/* The S4 layer of SSSD-S4: S4D kernel and convolution (s4_conv.c), D skip,
 * GELU, output linear, residual and LayerNorm over channels; set-up, S4D-LegS
 * initialisation, forward, backward and a benchmark. */
#include <fftw3.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tracesynth/common.h"
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"
#include "tracesynth/s4.h"

/* FFTW's planner (plan creation and destruction) is not reentrant: layers set up or freed
 * at once on several threads (two models run side by side) take turns; executing a plan
 * needs no lock */
static pthread_mutex_t fftw_planner = PTHREAD_MUTEX_INITIALIZER;

void ts_s4_layout_of(const ts_s4_config *c, ts_s4_layout *o)
{
    size_t H = (size_t)c->H, Nh = (size_t)(c->N / 2), dirs = c->bidirectional ? 2 : 1;
    size_t at = 0;
    o->log_dt = at;   at += H;
    o->log_A_re = at; at += H * Nh;
    o->A_im = at;     at += H * Nh;
    o->C = at;        at += dirs * H * Nh * 2;
    o->D = at;        at += H;
    o->W = at;        at += H * H;
    o->bias = at;     at += H;
    o->ln_g = at;     at += H;
    o->ln_b = at;     at += H;
    o->total = at;
}

size_t ts_s4_num_params(const ts_s4_config *c)
{
    ts_s4_layout o;
    ts_s4_layout_of(c, &o);
    return o.total;
}

/* smallest 2^a 3^b 5^c >= n: sizes FFTW handles with its fastest codelets */
static int fft_size(int n)
{
    for (int m = n;; m++) {
        int r = m;
        while (r % 2 == 0) r /= 2;
        while (r % 3 == 0) r /= 3;
        while (r % 5 == 0) r /= 5;
        if (r == 1) return m;
    }
}

int ts_s4_init(ts_s4 *s, const ts_s4_config *c)
{
    memset(s, 0, sizeof *s);
    if (c->H < 1 || c->L < 1)
        return ts_fail("s4: channels (%d) and length (%d) must be positive", c->H, c->L);
    if (c->N < 2 || c->N % 2)
        return ts_fail("s4: state size must be even and at least 2, got %d", c->N);
    if (c->bidirectional != 0 && c->bidirectional != 1)
        return ts_fail("s4: bidirectional must be 0 or 1, got %d", c->bidirectional);
    if (c->conv != TS_S4_CONV_AUTO && c->conv != TS_S4_CONV_FFT && c->conv != TS_S4_CONV_DIRECT)
        return ts_fail("s4: unknown convolution path %d", (int)c->conv);
    if (c->L > (1 << 24) || (size_t)c->H * c->L > ((size_t)1 << 40))
        return ts_fail("s4: length %d x channels %d too large", c->L, c->H);
    s->c = *c;
    s->dirs = c->bidirectional ? 2 : 1;
    s->Nh = c->N / 2;
    s->use_fft = c->conv == TS_S4_CONV_FFT || (c->conv == TS_S4_CONV_AUTO && c->L >= TS_S4_FFT_MIN_L);
    /* per-thread FFT buffers (five of M complex each, 84 MB a thread at L = 2^20): one
     * for each thread set now, not every core; the layer's loops never run more threads
     * than it has buffers, so a count raised after set-up runs on this many */
    s->nthreads = omp_get_max_threads();
    ts_s4_layout_of(c, &s->p);
    if (s->use_fft) {
        s->M = fft_size(2 * c->L);
        s->khat_stride = (int)ts_round_up((size_t)s->M * 2, 16);
        /* every buffer sized by M, checked before FFTW allocates (it aborts when out of
         * memory): the planning's pair, the two plans (their twiddles, about M complex
         * each), the per-thread buffers and the kernels' spectra (the layer's scratch and
         * activations, whatever the batch) */
        const double bytes = (4.0 * (double)s->M) * sizeof(fftwf_complex) +
                             (double)ts_s4_conv_scratch_size(s) * sizeof(float) +
                             (double)c->H * (double)s->khat_stride * sizeof(float);
        char what[160];
        snprintf(what, sizeof what, "s4: length %d x %d channels: the FFT buffers (size %d, %d threads)", c->L, c->H,
                 s->M, s->nthreads);
        if (ts_memory_fits(bytes > (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes, what,
                           "a shorter window or fewer channels") != 0) {
            s->use_fft = 0;
            return -1;
        }
        fftwf_complex *a = fftwf_malloc(sizeof(fftwf_complex) * s->M);
        fftwf_complex *b = fftwf_malloc(sizeof(fftwf_complex) * s->M);
        if (!a || !b) {
            fftwf_free(a);
            fftwf_free(b);
            return ts_fail("s4: out of memory for FFT size %d", s->M);
        }
        /* ESTIMATE: the same plan, hence the same rounding, on every run */
        pthread_mutex_lock(&fftw_planner);
        s->plan_fwd = fftwf_plan_dft_1d(s->M, a, b, FFTW_FORWARD, FFTW_ESTIMATE);
        s->plan_inv = fftwf_plan_dft_1d(s->M, a, b, FFTW_BACKWARD, FFTW_ESTIMATE);
        pthread_mutex_unlock(&fftw_planner);
        fftwf_free(a);
        fftwf_free(b);
        if (!s->plan_fwd || !s->plan_inv) {
            ts_s4_free(s);
            return ts_fail("s4: FFTW could not plan size %d", s->M);
        }
    }
    return 0;
}

void ts_s4_free(ts_s4 *s)
{
    pthread_mutex_lock(&fftw_planner);
    if (s->plan_fwd) fftwf_destroy_plan((fftwf_plan)s->plan_fwd);
    if (s->plan_inv) fftwf_destroy_plan((fftwf_plan)s->plan_inv);
    pthread_mutex_unlock(&fftw_planner);
    s->plan_fwd = s->plan_inv = NULL;
}

/* ---------------------------------------------------------------------------
 * S4D-LegS modes. HiPPO-LegS is A = -1/2 I + S - P P^T with P_n = sqrt(n + 1/2)
 * and S skew-symmetric, S[n,k] = -sqrt((2n+1)(2k+1))/2 for n > k. The normal
 * part -1/2 I + S has eigenvalues -1/2 + i w, where i S (Hermitian) has the
 * real eigenvalues -w. They come in +/- pairs; one of each pair is kept.
 * ------------------------------------------------------------------------- */
extern void zheev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                   double *w, double *work, const int *lwork, double *rwork, int *info,
                   size_t jobz_len, size_t uplo_len);

int ts_s4_legs_eigs(int N, double *im)
{
    if (N < 2 || N % 2) return ts_fail("s4: state size must be even and at least 2, got %d", N);
    int lwork = 4 * N, info = 0;
    /* Every buffer gets 4 KiB of zeroed slack: OpenBLAS 0.3.21's zgemv_n kernels (called by
     * zheev through zlatrd) read up to about 1 KiB past their operands, which crashed
     * training when the heap ended just there (valgrind shows the read). */
    const size_t slack = 512;
    double *a = ts_calloc((size_t)N * N * 2 + slack, sizeof(double));   /* column-major complex */
    double *w = ts_calloc((size_t)N + slack, sizeof(double));
    double *work = ts_calloc((size_t)2 * lwork + slack, sizeof(double));
    double *rwork = ts_calloc((size_t)3 * N + slack, sizeof(double));
    for (int k = 0; k < N; k++)
        for (int n = 0; n < N; n++) {
            double v = n == k ? 0 : 0.5 * sqrt((2.0 * n + 1) * (2.0 * k + 1));
            if (n > k) v = -v;
            a[((size_t)k * N + n) * 2 + 1] = v;   /* (i S)[n,k] = i S[n,k] */
        }
    zheev_("N", "U", &N, a, &N, w, work, &lwork, rwork, &info, 1, 1);
    if (info == 0)   /* w ascending: the first N/2 are the -w of the positive modes */
        for (int j = 0; j < N / 2; j++) im[j] = -w[N / 2 - 1 - j];
    free(a);
    free(w);
    free(work);
    free(rwork);
    if (info != 0) return ts_fail("s4: eigenvalue solver failed for the LegS matrix (info %d)", info);
    return 0;
}

int ts_s4_init_params(const ts_s4 *s, float *params, uint64_t seed)
{
    const int H = s->c.H, Nh = s->Nh;
    const ts_s4_layout *p = &s->p;
    double *im = ts_malloc(sizeof(double) * Nh);
    if (ts_s4_legs_eigs(s->c.N, im) != 0) {
        free(im);
        return -1;
    }
    ts_rng r;
    ts_rng_seed(&r, seed);
    const double lo = log(1e-3), hi = log(1e-1);
    for (int h = 0; h < H; h++) params[p->log_dt + h] = (float)(lo + ts_rng_uniform(&r) * (hi - lo));
    for (int h = 0; h < H; h++)
        for (int n = 0; n < Nh; n++) {
            params[p->log_A_re + (size_t)h * Nh + n] = (float)log(0.5);
            params[p->A_im + (size_t)h * Nh + n] = (float)im[n];
        }
    free(im);
    size_t nC = (size_t)s->dirs * H * Nh * 2;
    ts_init_normal(params + p->C, nC, 0.0f, (float)sqrt(0.5), &r);
    ts_init_normal(params + p->D, (size_t)H, 0.0f, 1.0f, &r);
    ts_linear_init(params + p->W, params + p->bias, H, H, &r);
    for (int h = 0; h < H; h++) {
        params[p->ln_g + h] = 1.0f;
        params[p->ln_b + h] = 0.0f;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Activations: K (dirs, H, L) | Khat (H, khat_stride) on the FFT path |
 *              y (B, H, L) the SSM output, replaced by gelu'(y) once g (B, H, L)
 *              = gelu(y) is taken (the backward's factor, kept because erf is
 *              dearer than the memory) | r (B, H, L) the
 *              LayerNorm input | mean, rstd (B, L)
 * Scratch:     forward  conv | linear
 *              backward s1, s2 (B, H, L) | dK (dirs, H, L) | conv | linear
 * ------------------------------------------------------------------------- */
typedef struct { float *K, *Khat, *y, *g, *r, *mean, *rstd; } act_view;
/* the same as offsets (floats) into act, and the floats act needs */
typedef struct { size_t K, Khat, y, g, r, mean, rstd, total; } act_offsets;

static act_offsets act_layout(const ts_s4 *s, int B)
{
    size_t H = (size_t)s->c.H, L = (size_t)s->c.L, BHL = (size_t)B * H * L, at = 0;
    act_offsets o;
    o.K = at;    at += ts_round_up((size_t)s->dirs * H * L, 16);
    o.Khat = at; at += s->use_fft ? H * (size_t)s->khat_stride : 0;
    o.y = at;    at += ts_round_up(BHL, 16);
    o.g = at;    at += ts_round_up(BHL, 16);
    o.r = at;    at += ts_round_up(BHL, 16);
    o.mean = at; at += ts_round_up((size_t)B * L, 16);
    o.rstd = at; at += ts_round_up((size_t)B * L, 16);
    o.total = at;
    return o;
}

static act_view act_of(const ts_s4 *s, int B, float *act)
{
    act_offsets o = act_layout(s, B);
    act_view v = {act + o.K, act + o.Khat, act + o.y, act + o.g, act + o.r, act + o.mean, act + o.rstd};
    return v;
}

size_t ts_s4_act_size(const ts_s4 *s, int B) { return act_layout(s, B).total; }

static size_t linear_scratch(const ts_s4 *s) { return ts_conv1d_scratch_size(s->c.H, s->c.H, s->c.L, 1); }

size_t ts_s4_scratch_size(const ts_s4 *s, int B)
{
    size_t BHL = ts_round_up((size_t)B * s->c.H * s->c.L, 16);
    size_t tail = ts_round_up(ts_s4_conv_scratch_size(s), 16) + ts_round_up(linear_scratch(s), 16);
    return 2 * BHL + ts_round_up((size_t)s->dirs * s->c.H * s->c.L, 16) + tail;   /* backward's; forward needs less */
}

typedef struct {
    const ts_s4 *s;
    const float *params, *x;
    float *out;
    const act_view *a;
    int lo, hi;               /* the positions LayerNorm runs over */
} tail_ctx;

/* LayerNorm of item b as soon as its output linear is done (still in cache) */
static void tail_item(void *p, int b)
{
    const tail_ctx *t = p;
    const int H = t->s->c.H, L = t->s->c.L;
    const size_t off = (size_t)b * H * L;
    const ts_s4_layout *l = &t->s->p;
    ts_layernorm_res_forward_span(t->out + off, t->a->mean + (size_t)b * L, t->a->rstd + (size_t)b * L,
                                  t->a->r + off, t->params + l->bias, t->x + off, t->params + l->ln_g,
                                  t->params + l->ln_b, 1, H, L, t->lo, t->hi);
}

/* from y (in act): g = gelu(y) (unless gelu_done: the convolution wrote g),
 * r = (W g + bias) + x, out = LayerNorm(r); the bias and the residual are
 * added in LayerNorm's first pass, item by item right after its product */
static void forward_tail(const ts_s4 *s, const float *params, const float *x, int B, float *out,
                         const act_view *a, float *lin_scr, int gelu_done)
{
    const int H = s->c.H, L = s->c.L;
    const size_t n = (size_t)B * H * L;
    const ts_s4_layout *p = &s->p;
    /* y becomes gelu'(y): the backward then needs no erf */
    if (!gelu_done) ts_gelu_forward_deriv(a->g, a->y, a->y, n);
    tail_ctx t = {s, params, x, out, a, 0, L};
    ts_conv1d_forward_each(a->r, a->g, params + p->W, NULL, B, H, H, L, 1, 1, lin_scr, s->nthreads, tail_item, &t);
}

void ts_s4_forward(const ts_s4 *s, const float *params, const float *x, int B, float *out,
                   float *act, float *scratch)
{
    act_view a = act_of(s, B, act);
    float *conv_scr = scratch, *lin_scr = conv_scr + ts_round_up(ts_s4_conv_scratch_size(s), 16);

    /* on the FFT path g and gelu'(y) leave the transform together (one pass
     * over y less) */
    int left = ts_s4_ssm_forward_gelu_deriv(s, params, x, B, a.K, a.Khat, a.g, a.y, conv_scr);
    forward_tail(s, params, x, B, out, &a, lin_scr, !left);
}

/* The cached forward on the FFT path, a pair of items at a time through the
 * whole layer (transform and GELU, output linear, LayerNorm) in one parallel
 * region: an item's rows are still in cache for the next stage, and a layer
 * is one region instead of three. Every value is computed as by the staged
 * path (the same bits). Under the profile the master thread's own split of
 * its time shares the region's time out among the sections. */
static void forward_cached_pairs(const ts_s4 *s, const float *params, const float *cache,
                                 const float *x, int B, float *out, const act_view *a,
                                 float *conv_scr, int nt, int lo, int hi)
{
    const int H = s->c.H, L = s->c.L, P = (B + 1) / 2;
    const float *W = params + s->p.W;
    tail_ctx t = {s, params, x, out, a, lo, hi};
    const int prof = ts_prof_on;
    double tf = 0, tg = 0, tl = 0, t0 = prof ? ts_now() : 0;
    TS_PROF_PUSH(TS_PROF_FFT);
    #pragma omp parallel num_threads(nt)
    {
        const int tid = omp_get_thread_num(), clock = prof && tid == 0;
        int same_w = 0;
        #pragma omp for schedule(static)
        for (int pi = 0; pi < P; pi++) {
            double c0 = clock ? ts_now() : 0, c1;
            ts_s4_fft_pair_gelu(s, params, cache, x, B, 2 * pi, a->g, conv_scr, tid);
            if (clock) { c1 = ts_now(); tf += c1 - c0; c0 = c1; }
            for (int b = 2 * pi; b < B && b < 2 * pi + 2; b++) {
                const size_t off = (size_t)b * H * L + lo;
                TS_PROF_FLOPS(2.0 * H * (hi - lo) * H);
                (same_w ? ts_gemm_1t_same_a : ts_gemm_1t)(0, 0, H, hi - lo, H, 1.0f, W, H, a->g + off, L,
                                                        0.0f, a->r + off, L);
                same_w = 1;
                if (clock) { c1 = ts_now(); tg += c1 - c0; c0 = c1; }
                tail_item(&t, b);
                if (clock) { c1 = ts_now(); tl += c1 - c0; c0 = c1; }
            }
        }
    }
    TS_PROF_POP();
    if (prof && tf + tg + tl > 0) {
        double wall = ts_now() - t0, k = wall / (tf + tg + tl);
        ts_prof_move(TS_PROF_FFT, TS_PROF_GEMM, tg * k);
        ts_prof_take(TS_PROF_FFT, tl * k);
    }
}

void ts_s4_forward_cached(const ts_s4 *s, const float *params, const float *cache, const float *x,
                          int B, float *out, float *act, float *scratch)
{
    ts_s4_forward_cached_span(s, params, cache, x, B, out, act, scratch, 0, s->c.L);
}

void ts_s4_forward_cached_span(const ts_s4 *s, const float *params, const float *cache, const float *x,
                               int B, float *out, float *act, float *scratch, int lo, int hi)
{
    act_view a = act_of(s, B, act);
    float *conv_scr = scratch, *lin_scr = conv_scr + ts_round_up(ts_s4_conv_scratch_size(s), 16);
    const int nt = s->nthreads < omp_get_max_threads() ? s->nthreads : omp_get_max_threads();
    if (s->use_fft && (nt == 1 || (ts_parallel_ok() && B >= 2 * nt))) {
        forward_cached_pairs(s, params, cache, x, B, out, &a, conv_scr, nt, lo, hi);
        return;
    }
    /* other paths: every position (a superset of the span, the same bits there) */

    /* the GELU as the rows leave the transform: act.y is not kept (no backward) */
    if (ts_s4_ssm_forward_cached_gelu(s, params, cache, x, B, a.g, conv_scr))
        ts_gelu_forward(a.g, a.g, (size_t)B * s->c.H * s->c.L);
    forward_tail(s, params, x, B, out, &a, lin_scr, 1);
}

/* set: dx (not NULL) is written, not accumulated */
static void s4_backward(const ts_s4 *s, const float *params, const float *x, int B,
                        const float *act, const float *dout, float *dparams, float *dx,
                        float *scratch, int set)
{
    const int H = s->c.H, L = s->c.L;
    const size_t n = (size_t)B * H * L, nK = (size_t)s->dirs * H * L;
    const ts_s4_layout *p = &s->p;
    act_view a = act_of(s, B, (float *)act);
    float *s1 = scratch, *s2 = s1 + ts_round_up(n, 16), *dK = s2 + ts_round_up(n, 16);
    float *conv_scr = dK + ts_round_up(nK, 16), *lin_scr = conv_scr + ts_round_up(ts_s4_conv_scratch_size(s), 16);

    /* LayerNorm: d r, which the residual passes straight to dx, in one pass:
     * written into dx itself when dx is written (dx is d r until the
     * convolution adds to it below), else into s1 and added to dx */
    float *dr = set && dx ? dx : s1;
    ts_layernorm_backward_res(dr, dr == dx ? NULL : dx, dparams + p->ln_g, dparams + p->ln_b, dout, a.r,
                              a.mean, a.rstd, params + p->ln_g, B, H, L);
    /* output linear: s2 = d gelu(y), written */
    ts_conv1d_backward_set(s2, dparams + p->W, dparams + p->bias, dr, a.g, params + p->W, B, H, H, L,
                       1, 1, lin_scr, s->nthreads);
    /* GELU (d y = s2 gelu'(y)), the convolution and D, then the kernel
     * parameters; on the FFT path d y is formed row pair by row pair */
    memset(dK, 0, sizeof(float) * nK);
    if (ts_s4_conv_backward_mul(s, a.K, a.Khat, params + p->D, x, s2, a.y, B, dK, dparams + p->D, dx,
                                conv_scr)) {
        ts_mul_backward_set(s1, s2, a.y, n);
        ts_s4_conv_backward(s, a.K, a.Khat, params + p->D, x, s1, B, dK, dparams + p->D, dx, conv_scr);
    }
    ts_s4_kernel_backward(s, params, dK, dparams);
}

void ts_s4_backward(const ts_s4 *s, const float *params, const float *x, int B,
                    const float *act, const float *dout, float *dparams, float *dx,
                    float *scratch)
{
    s4_backward(s, params, x, B, act, dout, dparams, dx, scratch, 0);
}

void ts_s4_backward_set(const ts_s4 *s, const float *params, const float *x, int B,
                        const float *act, const float *dout, float *dparams, float *dx,
                        float *scratch)
{
    s4_backward(s, params, x, B, act, dout, dparams, dx, scratch, 1);
}
