/* tracesynth bench model: one training step and one inference step of a neural
 * model, timed through the model interface itself:
 *  - the training step is the one `train` runs: the model trains on a synthetic
 *    split and the trainer's bench hook times ts_train_iter (the model's step
 *    callback, mask, clip, Adam) on the network the model built;
 *  - the denoising step of a diffusion model is the sampler's marginal cost per
 *    step: generating B windows with S + k steps minus with S steps, over k;
 *  - lstm, which has no sampling steps, takes the imputation of B windows (a
 *    blackout at their center: what impute does per batch) and their scoring;
 * with the spread over runs, the machine's load, the peak memory of each size
 * (measured in a child process per size), optionally the project's PyTorch
 * definition of the same network run in the same environment (--vs-torch), and a
 * profile of both steps (--profile). */
#include "cli.h"
#include "tracesynth/options.h"
#include "tracesynth/prof.h"
#include "tracesynth/sssd.h"
#include "tracesynth/train.h"

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_SIZES 16
#define DENOISE_K 4            /* at least this many extra sampling steps give one step's time */
#define DENOISE_S 0.1          /* ... and enough of them to take about this long (s) */
#define DENOISE_FROM 2         /* ... after this many */
#define DENOISE_KMAX 64        /* ... and at most this many */

typedef struct { int layers, C, B; } size3;

typedef struct {
    const char *model;
    long L, runs, ids;
    int  vs_torch, profile;
    const ts_kv *kv;           /* the model's own options (--backbone, --state, ...) */
} bench_cfg;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the next-event predictor: its inference is imputation and scoring, not denoising */
static int is_lstm(const char *model) { return !strcmp(model, "lstm"); }

/* the blackout of the synthetic training (and of lstm's imputation) in windows of L */
static int blackout_of(long L) { return L >= 20 ? 10 : 1; }

/* median, min, max of v[0..n) (sorts v) */
typedef struct { double med, min, max; } stats;
static stats stats_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    stats s = {n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]), v[0], v[n - 1]};
    return s;
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

static void loadavg(char *buf, size_t n)
{
    snprintf(buf, n, "?");
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) return;
    double a, b, c;
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) snprintf(buf, n, "%.2f %.2f %.2f", a, b, c);
    fclose(f);
}

/* ts_sgemm n = 1024 over the OpenMP threads (as the layers run it), the best run after a
 * warm-up, running for at least 0.3 s and 5 runs: GFLOP/s. Six runs alone (40 ms) read 165
 * GFLOP/s where bench layers' read 380 minutes apart on the same two cores: threads and
 * clocks not yet up to speed in a process that has just started */
static double gemm_peak(void)
{
    const int n = 1024;
    size_t nn = (size_t)n * n;
    float *a = ts_alloc_aligned(nn * sizeof(float)), *b = ts_alloc_aligned(nn * sizeof(float));
    float *c = ts_alloc_aligned(nn * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, 1);
    for (size_t i = 0; i < nn; i++) a[i] = ts_rng_normal(&r), b[i] = ts_rng_normal(&r);
    double best = INFINITY, t0 = ts_now();
    for (int i = 0; i < 1000 && (i < 6 || ts_now() - t0 < 0.3); i++) {
        double t = ts_now();
        ts_sgemm(0, 0, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = ts_now() - t;
        if (i && t < best) best = t;   /* the first warms up */
    }
    ts_free_aligned(a);
    ts_free_aligned(b);
    ts_free_aligned(c);
    return 2.0 * nn * n / best * 1e-9;
}

/* the peak in a child process: the parent starts no OpenMP threads, so that the
 * children it forks for the sizes start from a clean OpenMP runtime */
static double gemm_peak_child(void)
{
    int fd[2];
    if (pipe(fd) != 0) return NAN;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { close(fd[0]); close(fd[1]); return NAN; }
    if (pid == 0) {
        close(fd[0]);
        double p = gemm_peak();
        ssize_t w = write(fd[1], &p, sizeof p);
        close(fd[1]);
        _exit(w == (ssize_t)sizeof p ? 0 : 1);
    }
    close(fd[1]);
    double p = NAN;
    if (read(fd[0], &p, sizeof p) != (ssize_t)sizeof p) p = NAN;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return p;
}

/* ---- the profile ---- */

typedef struct {
    double sec[TS_PROF_N], total, flops;
    long steps;
} profile;

static void prof_take(profile *p, double total, long steps)
{
    for (int s = 0; s < TS_PROF_N; s++) p->sec[s] = ts_prof_seconds(s);
    p->flops = ts_prof_flops();
    p->total = total;
    p->steps = steps;
}

/* the table: seconds per step and share at the threads asked for; with a one-thread
 * profile (p1->steps > 0) also its seconds, the speed-up, and the parallel loss
 * (time at N threads - time at 1 thread / N, summed over the sections) */
static void prof_print(const char *what, const profile *p, const profile *p1, int nt, double peak)
{
    if (p->steps <= 0) return;
    if (p->total <= 0) {   /* a difference of two timed runs (the denoising step's) that a busy machine swamped */
        printf("  %s: not measured: its longer timed run took no longer than its shorter one (a busy "
               "machine?)\n", what);
        return;
    }
    int one = p1->steps > 0 && p1->total > 0 && nt > 1;
    double known = 0, loss = 0;
    printf("  %s: %.4f s per step, %.2f GFLOP of GEMM per step, %.1f GFLOP/s = %.0f%% of the GEMM peak\n",
           what, p->total / p->steps, p->flops / p->steps * 1e-9, p->flops / p->total * 1e-9,
           100 * p->flops / p->total * 1e-9 / peak);
    if (one) printf("    %-30s %9s  %6s  %9s  %8s\n", "", "s/step", "share", "1 thread", "speed-up");
    for (int s = 0; s <= TS_PROF_N; s++) {
        double a, b = 0;
        const char *name;
        if (s < TS_PROF_N) {
            a = p->sec[s];
            if (one) b = p1->sec[s];
            name = ts_prof_name(s);
            known += a;
        } else {
            a = p->total - known;
            if (one) {
                double k1 = 0;
                for (int k = 0; k < TS_PROF_N; k++) k1 += p1->sec[k];
                b = p1->total - k1;
            }
            name = "element-wise and other";
        }
        if (a < 0) a = 0;   /* the denoising profile is a difference of two runs */
        if (b < 0) b = 0;
        if (a <= 0 && b <= 0) continue;
        a /= p->steps;
        printf("    %-30s %9.4f  %5.1f%%", name, a, 100 * a * p->steps / p->total);
        if (one) {
            b /= p1->steps;
            printf("  %9.4f  %7.2fx", b, a > 0 ? b / a : 0);
            if (a - b / nt > 0) loss += a - b / nt;
        }
        printf("\n");
    }
    if (one)
        printf("    threading overhead (est.: sum over sections of t(%d) - t(1)/%d): %.4f s per step, %.0f%%\n", nt,
               nt, loss, 100 * loss * p->steps / p->total);
}

/* ---- the training step, through the trainer ---- */

typedef struct {
    long runs;
    int profile;
    double *t;                 /* (runs) */
    profile prof, prof1;       /* at the threads asked for, and at one thread */
    int ran;
} train_bench;

/* profile of `runs` training iterations */
static int train_profile(const ts_train_net *net, const ts_train_cfg *cfg, ts_adam *adam, ts_rng *rng, long runs,
                         profile *p)
{
    float loss;
    double gn;
    ts_prof_enable(1);
    double a = ts_now();
    for (long i = 0; i < runs; i++)
        if (ts_train_iter(net, adam, rng, 1e-5, cfg->clip, &loss, &gn) != 0) { ts_prof_enable(0); return -1; }
    prof_take(p, ts_now() - a, runs);
    ts_prof_enable(0);
    return 0;
}

static int train_hook(const ts_train_net *net, const ts_train_cfg *cfg, ts_adam *adam, ts_rng *rng, void *ud)
{
    train_bench *tb = ud;
    float loss;
    double gn;
    const double lr = 1e-5;   /* small: the network stays near where it started */
    for (long i = -1; i < tb->runs; i++) {   /* i = -1 warms up */
        double a = ts_now();
        if (ts_train_iter(net, adam, rng, lr, cfg->clip, &loss, &gn) != 0) return -1;
        if (i >= 0) tb->t[i] = ts_now() - a;
    }
    if (tb->profile) {
        if (train_profile(net, cfg, adam, rng, tb->runs, &tb->prof) != 0) return -1;
        int nt = ts_get_threads();
        if (nt > 1) {
            ts_set_threads(1);
            int rc = train_profile(net, cfg, adam, rng, tb->runs, &tb->prof1);
            ts_set_threads(nt);
            if (rc != 0) return -1;
        }
    }
    tb->ran = 1;
    return 0;
}

/* "--key value" pairs for the model: the bench's sizes, then the user's own */
typedef struct {
    const char *keys[64], *vals[64];
    char buf[8][32];
    ts_kv kv;
} kv_build;

static void kv_make(kv_build *k, const bench_cfg *bc, size3 s)
{
    int n = 0;
    snprintf(k->buf[0], sizeof k->buf[0], "%d", s.layers);
    snprintf(k->buf[1], sizeof k->buf[1], "%d", s.C);
    snprintf(k->buf[2], sizeof k->buf[2], "%d", s.B);
    snprintf(k->buf[3], sizeof k->buf[3], "%ld", bc->L);
    k->keys[n] = "layers", k->vals[n++] = k->buf[0];
    k->keys[n] = is_lstm(bc->model) ? "hidden" : "channels", k->vals[n++] = k->buf[1];
    k->keys[n] = "batch", k->vals[n++] = k->buf[2];
    k->keys[n] = "iters", k->vals[n++] = "1";
    k->keys[n] = "valid-n", k->vals[n++] = "1";
    if (!strcmp(bc->model, "mdm")) {   /* the network alone: crops of the whole window, no n-gram */
        k->keys[n] = "context", k->vals[n++] = k->buf[3];
        k->keys[n] = "prior", k->vals[n++] = "0";
    }
    for (int i = 0; i < bc->kv->n && n < 64; i++) {
        int dup = 0;
        for (int j = 0; j < n; j++) dup |= !strcmp(k->keys[j], bc->kv->keys[i]);
        if (dup) {   /* the user's value wins */
            for (int j = 0; j < n; j++)
                if (!strcmp(k->keys[j], bc->kv->keys[i])) k->vals[j] = bc->kv->values[i];
        } else {
            k->keys[n] = bc->kv->keys[i], k->vals[n++] = bc->kv->values[i];
        }
    }
    k->kv = (ts_kv){n, k->keys, k->vals};
}

/* the results of one size, written by the child to the parent */
typedef struct {
    stats train, denoise, score;   /* lstm: denoise is the imputation of B windows, score their scoring */
    profile ptrain, pdenoise, ptrain1, pdenoise1;   /* 1: at one thread */
    double rss;
    int denoise_k;             /* the sampling steps whose time gave one step's */
    long bf16_fallbacks;       /* bf16 products that ran in float32 (ts_gemm_bf16_fallbacks) */
    char err[512];             /* the child's error, for the parent to print (one line) */
} size_result;

/* the diffusion models over real values, which take --T: sssd-s4, diffwave, csdi-s4 and sssd-sa */
static int takes_T(const char *model)
{
    return !strcmp(model, "sssd-s4") || !strcmp(model, "diffwave") || !strcmp(model, "csdi-s4") ||
           !strcmp(model, "sssd-sa");
}
/* sssd-sa's layers are SaShiMi's (S4, FF) pairs per level: its small preset has 2 */
static int default_layers(const char *model) { return !strcmp(model, "sssd-sa") ? 2 : 4; }
/* their T when --T is not given */
static long default_T(const char *model) { return !strcmp(model, "csdi-s4") ? TS_CSDI_DEFAULT_T : TS_SSSD_DEFAULT_T; }

/* the most extra sampling steps k the model takes after DENOISE_FROM: sssd-s4's
 * (diffwave's) DENOISE_FROM + k stay below its T (T steps would run DDPM, not DDIM, and more are
 * refused); mdm makes at most one step per event, within the window. 0 or less: none */
static int denoise_kmax(const bench_cfg *bc)
{
    long lim = bc->L - DENOISE_FROM;
    if (takes_T(bc->model)) {
        long T;
        if (ts_kv_long(bc->kv, "T", default_T(bc->model), &T) != 0) T = default_T(bc->model);   /* checked by the model */
        lim = T - 1 - DENOISE_FROM;
    }
    return lim < DENOISE_KMAX ? (int)lim : DENOISE_KMAX;
}

/* profile of the marginal k sampling steps after S */
static int denoise_profile(ts_model *m, ts_run_opts *ro, size_t B, size_t L, int S, int k, profile *p)
{
    ts_windows out;
    profile p0;
    ts_prof_enable(1);
    ro->steps = S;
    double a = ts_now();
    int rc = ts_model_generate(m, B, L, ro, &out);
    double t0 = ts_now() - a;
    if (rc == 0) ts_windows_free(&out);
    prof_take(&p0, t0, 0);
    ts_prof_reset();
    ro->steps = S + k;
    a = ts_now();
    if (rc == 0) rc = ts_model_generate(m, B, L, ro, &out);
    double t1 = ts_now() - a;
    if (rc == 0) ts_windows_free(&out);
    prof_take(p, t1, k);
    for (int i = 0; i < TS_PROF_N; i++) p->sec[i] -= p0.sec[i];
    p->flops -= p0.flops;
    p->total = t1 - t0;
    ts_prof_enable(0);
    return rc;
}

/* lstm's inference on the windows x (B of L) as impute and score run it (a batch of B):
 * `runs` timed runs of each after a warm-up into ti and ts; with a profile, one of the
 * imputation's at the threads asked for (p) and at one thread (p1) */
static int lstm_infer(ts_model *m, const ts_windows *x, size_t k, long runs, int prof_on, double *ti, double *ts,
                      profile *p, profile *p1)
{
    uint8_t *mask = ts_malloc(x->n * x->len);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.batch = x->n;
    ts_windows out;
    double bits;
    int rc = ts_mask_fill(mask, x->n, x->len, k, TS_MASK_CENTER, 0);
    for (long i = -1; i < runs && rc == 0; i++) {   /* i = -1 warms up */
        double a = ts_now();
        rc = ts_model_impute(m, x, mask, &ro, &out);
        if (i >= 0) ti[i] = ts_now() - a;
        if (rc) break;
        ts_windows_free(&out);
        a = ts_now();
        rc = ts_model_bits(m, x, NULL, &ro, &bits, NULL);
        if (i >= 0) ts[i] = ts_now() - a;
    }
    for (int one = 0; one < 2 && rc == 0 && prof_on; one++) {
        const int nt = ts_get_threads();
        if (one && nt == 1) break;
        if (one) ts_set_threads(1);
        ts_prof_enable(1);
        double a = ts_now();
        for (long i = 0; i < runs && rc == 0; i++)
            if ((rc = ts_model_impute(m, x, mask, &ro, &out)) == 0) ts_windows_free(&out);
        prof_take(one ? p1 : p, ts_now() - a, runs);
        ts_prof_enable(0);
        ts_set_threads(nt);
    }
    free(mask);
    return rc;
}

/* runs in the child: train (hooked) and sample; 0 / -1 + error */
static int bench_size(const bench_cfg *bc, size3 s, size_result *res)
{
    memset(res, 0, sizeof *res);
    const size_t L = (size_t)bc->L, nwin = (size_t)(s.B * 4 > 64 ? s.B * 4 : 64);
    ts_split sp;
    memset(&sp, 0, sizeof sp);
    sp.len = L;
    sp.train.n = nwin;
    sp.train.len = L;
    sp.train.data = ts_malloc(nwin * L * sizeof(int32_t));
    ts_rng r;
    ts_rng_seed(&r, 7);
    for (size_t i = 0; i < nwin * L; i++) sp.train.data[i] = (int32_t)ts_rng_below(&r, (uint64_t)bc->ids);
    kv_build kb;
    kv_make(&kb, bc, s);
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = (int32_t)bc->ids;
    o.blackout = (size_t)blackout_of(bc->L);
    o.mask_pos = TS_MASK_CENTER;
    o.seed = 7;
    o.kv = kb.kv;
    train_bench tb;
    memset(&tb, 0, sizeof tb);
    tb.runs = bc->runs;
    tb.profile = bc->profile;
    tb.t = ts_malloc((size_t)bc->runs * sizeof(double));
    ts_model *m = NULL;
    ts_train_set_hook(train_hook, &tb);
    int rc = ts_model_train(bc->model, &o, &m);
    ts_train_set_hook(NULL, NULL);
    if (rc == 0 && !tb.ran) rc = ts_fail("bench model: %s has no network trained through the trainer", bc->model);
    if (rc != 0) goto done;
    res->train = stats_of(tb.t, (int)bc->runs);
    res->ptrain = tb.prof;
    res->ptrain1 = tb.prof1;
    if (is_lstm(bc->model)) {   /* B of the training windows, imputed and scored */
        const ts_windows x = {sp.train.data, (size_t)s.B, L};
        double *ti = ts_malloc(2 * (size_t)bc->runs * sizeof(double)), *ts = ti + bc->runs;
        rc = lstm_infer(m, &x, o.blackout, bc->runs, bc->profile, ti, ts, &res->pdenoise, &res->pdenoise1);
        if (rc == 0) res->denoise = stats_of(ti, (int)bc->runs), res->score = stats_of(ts, (int)bc->runs);
        free(ti);
        res->rss = peak_mib();
        res->bf16_fallbacks = ts_gemm_bf16_fallbacks();
        goto done;
    }

    /* denoising: B windows at S and S + k steps */
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 3;
    ro.batch = (size_t)s.B;
    ts_windows out;
    double *td = ts_malloc((size_t)bc->runs * sizeof(double));
    const int S = DENOISE_FROM;
    /* k: DENOISE_K or more, as the warm-up's step time asks for DENOISE_S seconds,
     * at most what the model takes (denoise_kmax) */
    int k = DENOISE_K, kmax = denoise_kmax(bc);
    if (kmax < 1) kmax = 1;
    if (k > kmax) k = kmax;
    for (long i = -1; i < bc->runs && rc == 0; i++) {   /* i = -1 warms up and sets k */
        double t[2];
        for (int j = 0; j < 2 && rc == 0; j++) {
            ro.steps = S + j * k;
            double a = ts_now();
            rc = ts_model_generate(m, (size_t)s.B, L, &ro, &out);
            t[j] = ts_now() - a;
            if (rc == 0) ts_windows_free(&out);
        }
        if (i >= 0) {
            td[i] = (t[1] - t[0]) / k;
        } else {
            double step = (t[1] - t[0]) / k;
            int want = step > 0 ? (int)ceil(DENOISE_S / step) : kmax;
            k = want < k ? k : want > kmax ? kmax : want;
        }
    }
    res->denoise_k = k;
    if (rc == 0) res->denoise = stats_of(td, (int)bc->runs);
    if (rc == 0 && bc->profile) rc = denoise_profile(m, &ro, (size_t)s.B, L, S, k, &res->pdenoise);
    int nt = ts_get_threads();
    if (rc == 0 && bc->profile && nt > 1) {
        ts_set_threads(1);
        rc = denoise_profile(m, &ro, (size_t)s.B, L, S, k, &res->pdenoise1);
        ts_set_threads(nt);
    }
    free(td);
    res->rss = peak_mib();
    res->bf16_fallbacks = ts_gemm_bf16_fallbacks();
done:
    free(tb.t);
    ts_model_free(m);
    free(sp.train.data);
    return rc;
}

/* ---- the model's options, checked before anything is timed ---- */

static int validate_hook(const ts_train_net *net, const ts_train_cfg *cfg, ts_adam *adam, ts_rng *rng, void *ud)
{
    *(int *)ud = 1;
    return ts_fail("(options valid)");
}

/* in a child: the model builds its network on a small synthetic split of size s
 * (so that a bad option is refused before anything is timed). 0: valid; -1 after
 * printing the model's error */
static int check_options(const bench_cfg *bc, size3 s)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return ts_fail("bench model: fork failed");
    if (pid == 0) {
        const size_t L = (size_t)bc->L, nwin = 2;
        ts_split sp;
        memset(&sp, 0, sizeof sp);
        sp.len = L;
        sp.train = (ts_windows){ts_calloc(nwin * L, sizeof(int32_t)), nwin, L};
        kv_build kb;
        kv_make(&kb, bc, s);
        ts_train_opts o;
        memset(&o, 0, sizeof o);
        o.split = &sp;
        o.n_ids = (int32_t)bc->ids;
        o.blackout = (size_t)blackout_of(bc->L);
        o.mask_pos = TS_MASK_CENTER;
        o.kv = kb.kv;
        int reached = 0;
        ts_model *m = NULL;
        ts_train_set_hook(validate_hook, &reached);
        int rc = ts_model_train(bc->model, &o, &m);
        ts_model_free(m);
        free(sp.train.data);
        if (!reached) {
            /* a model without a network was refused before; here the model refused an option */
            if (rc) fprintf(stderr, "tracesynth bench model: error: %s (see 'tracesynth bench model --help')\n", ts_error());
            else fprintf(stderr, "tracesynth bench model: error: %s: the model has no network trained through the "
                         "trainer\n", bc->model);
            _exit(2);
        }
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* ---- the PyTorch definition ---- */

typedef struct { stats train, denoise, score; double rss, T, clip; int ok; } torch_result;

static double json_num(const char *s, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = strstr(s, k);
    return p ? atof(p + strlen(k)) : NAN;
}

/* the directory of the PyTorch definitions: beside the binary's source tree (build/..),
 * or ./tests/torch; 0, or -1 where neither holds them (an installed copy run outside the
 * source tree), buf then naming the first place looked in */
static int torch_dir(char *buf, size_t n)
{
    char exe[PATH_MAX - 64], probe[PATH_MAX + 32];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char first[PATH_MAX] = "";
    if (k > 0) {
        exe[k] = 0;
        char *sl = strrchr(exe, '/');
        if (sl) {
            *sl = 0;
            snprintf(first, sizeof first, "%s/../tests/torch", exe);
            snprintf(probe, sizeof probe, "%s/bench_sssd.py", first);
            if (access(probe, R_OK) == 0) {
                snprintf(buf, n, "%s", first);
                return 0;
            }
        }
    }
    snprintf(buf, n, "tests/torch");
    if (access("tests/torch/bench_sssd.py", R_OK) == 0) return 0;
    if (first[0]) snprintf(buf, n, "%s", first);
    return -1;
}

static int run_torch(const bench_cfg *bc, size3 s, torch_result *tr)
{
    memset(tr, 0, sizeof *tr);
    char dir[PATH_MAX], cmd[PATH_MAX + 1024], extra[256] = "";
    (void)torch_dir(dir, sizeof dir);   /* found before anything was timed */
    const char *script = "bench_sssd.py";
    if (!strcmp(bc->model, "mdm")) {
        script = "bench_mdm.py";
        const char *bb = ts_kv_get(bc->kv, "backbone");
        snprintf(extra, sizeof extra, " --backbone %s --vocab %ld", bb ? bb : "s4", bc->ids);
    } else if (is_lstm(bc->model)) {   /* the blackout bench_size imputes */
        script = "bench_lstm.py";
        snprintf(extra, sizeof extra, " --vocab %ld --blackout %d", bc->ids, blackout_of(bc->L));
    } else if (strcmp(bc->model, "sssd-s4")) {   /* diffwave, csdi-s4, sssd-sa */
        snprintf(extra, sizeof extra, " --model %s", bc->model);
    }
    if (takes_T(bc->model)) {   /* the steps drawn below the same T as this side's */
        long T;
        if (ts_kv_long(bc->kv, "T", default_T(bc->model), &T) != 0) T = default_T(bc->model);   /* checked by the model */
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " --T %ld", T);
    }
    /* the network's own options (train-ssm: which parameters Adam steps), and the
     * trainer's clip (its default, off, is the script's) */
    for (int i = 0; i < bc->kv->n; i++)
        if (!strcmp(bc->kv->keys[i], "state") || !strcmp(bc->kv->keys[i], "heads") ||
            !strcmp(bc->kv->keys[i], "ff") || !strcmp(bc->kv->keys[i], "dilation-cycle") ||
            !strcmp(bc->kv->keys[i], "clip") ||
            (takes_T(bc->model) && !strcmp(bc->kv->keys[i], "train-ssm")))
            snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " --%s %s", bc->kv->keys[i],
                     bc->kv->values[i]);
    /* the same kernels: the CLI may have chosen them through OPENBLAS_CORETYPE and
     * removed it from its environment after OpenBLAS started */
    char env[128];
    const char *core = getenv("OPENBLAS_CORETYPE");
    snprintf(env, sizeof env, "OPENBLAS_CORETYPE=%s OMP_NUM_THREADS=%d", core ? core : openblas_get_corename(),
             ts_get_threads());
    snprintf(cmd, sizeof cmd, "%s /usr/bin/python3 %s/%s --layers %d --channels %d --batch %d --length %ld "
             "--threads %d --iters %ld%s 2>&1", env, dir, script, s.layers, s.C, s.B, bc->L, ts_get_threads(),
             bc->runs, extra);
    FILE *p = popen(cmd, "r");
    if (!p) return ts_fail("bench model: cannot run %s", cmd);
    char line[4096], last[4096] = "";
    while (fgets(line, sizeof line, p))
        if (line[0] == '{') snprintf(last, sizeof last, "%s", line);
        else fputs(line, stderr);
    int st = pclose(p);
    if (st != 0 || !last[0]) return ts_fail("bench model: the PyTorch definition failed (%s)", cmd);
    tr->train = (stats){json_num(last, "train_median_s"), json_num(last, "train_min_s"), json_num(last, "train_max_s")};
    tr->denoise = (stats){json_num(last, "denoise_median_s"), json_num(last, "denoise_min_s"),
                          json_num(last, "denoise_max_s")};
    tr->score = (stats){json_num(last, "score_median_s"), json_num(last, "score_min_s"), json_num(last, "score_max_s")};
    tr->rss = json_num(last, "peak_rss_mib");
    tr->T = json_num(last, "T");
    tr->clip = json_num(last, "clip");
    tr->ok = isfinite(tr->train.med) && isfinite(tr->denoise.med) && (!is_lstm(bc->model) || isfinite(tr->score.med));
    if (!tr->ok) return ts_fail("bench model: no times from the PyTorch definition: %s", last);
    return 0;
}

/* ---- one size: a child process (its own peak memory), then PyTorch ---- */

static void print_stats(stats s)
{
    printf("%8.4f s (%.4f-%.4f)", s.med, s.min, s.max);
}

static int one_size(const bench_cfg *bc, size3 s, double peak)
{
    int fd[2];
    if (pipe(fd) != 0) return ts_fail("bench model: pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return ts_fail("bench model: fork failed");
    if (pid == 0) {
        close(fd[0]);
        size_result res;
        int rc = bench_size(bc, s, &res);
        /* the error goes to the parent, which prints it once, with the size */
        if (rc != 0) snprintf(res.err, sizeof res.err, "%s", ts_error());
        if (write(fd[1], &res, sizeof res) != (ssize_t)sizeof res) rc = -1;
        close(fd[1]);
        _exit(rc ? 1 : 0);
    }
    close(fd[1]);
    size_result res;
    ssize_t got = read(fd[0], &res, sizeof res);
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    char name[48];
    snprintf(name, sizeof name, "%d x %d, batch %d", s.layers, s.C, s.B);
    if (got == (ssize_t)sizeof res && res.err[0])
        return ts_fail("bench model: %s at %s: %s", bc->model, name, res.err);
    if (got != (ssize_t)sizeof res || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return ts_fail("bench model: %s at %s failed", bc->model, name);
    const int lstm = is_lstm(bc->model);
    const char *infer = lstm ? "impute" : "denoise";
    printf("%-20s train ", name);
    print_stats(res.train);
    printf("   %s ", infer);
    print_stats(res.denoise);
    if (lstm) {
        printf("   score ");
        print_stats(res.score);
    }
    printf("   peak %.0f MiB   ", res.rss);
    if (lstm) printf("(impute: blackout %d at the center; both: %d windows)\n", blackout_of(bc->L), s.B);
    else printf("(denoise: %d step%s)\n", res.denoise_k, ts_plural((size_t)res.denoise_k));
    if (bc->vs_torch) {
        torch_result tr;
        if (run_torch(bc, s, &tr) != 0) return -1;
        printf("%-20s train ", "  PyTorch");
        print_stats(tr.train);
        printf("   %s ", infer);
        print_stats(tr.denoise);
        if (lstm) {
            printf("   score ");
            print_stats(tr.score);
        }
        printf("   peak %.0f MiB   (", tr.rss);   /* what the script timed with */
        if (isfinite(tr.T)) printf("T %.0f, ", tr.T);
        if (tr.clip > 0) printf("clip %g)\n", tr.clip);
        else printf("clip off)\n");
        /* PyTorch's time over this one's: above 1, this one is faster */
        printf("%-20s train %6.1fx (%.1f-%.1f)              %s %6.1fx (%.1f-%.1f)", "  ratio (median)",
               tr.train.med / res.train.med, tr.train.min / res.train.max, tr.train.max / res.train.min, infer,
               tr.denoise.med / res.denoise.med, tr.denoise.min / res.denoise.max,
               tr.denoise.max / res.denoise.min);
        if (lstm)
            printf("               score %6.1fx (%.1f-%.1f)", tr.score.med / res.score.med,
                   tr.score.min / res.score.max, tr.score.max / res.score.min);
        printf("\n");
    }
    if (bc->profile) {
        prof_print("training step", &res.ptrain, &res.ptrain1, ts_get_threads(), peak);
        prof_print(lstm ? "imputation (a batch)" : "denoising step", &res.pdenoise, &res.pdenoise1, ts_get_threads(),
                   peak);
        if (ts_get_precision() == TS_PRECISION_BF16)
            printf("  bf16 products that ran in float32 (no oneDNN primitive for the shape): %ld\n",
                   res.bf16_fallbacks);
    }
    fflush(stdout);
    return 0;
}

/* one number of a size: digits only (no sign, no blank), at most max */
static int size_part(const char **s, long max, int *out)
{
    if (**s < '0' || **s > '9') return -1;
    char *end;
    errno = 0;
    long v = strtol(*s, &end, 10);
    if (errno || v < 1 || v > max) return -1;
    *out = (int)v;
    *s = end;
    return 0;
}

/* 0, or -1 with why (n bytes) saying what is wrong */
static int parse_sizes(const char *s, size3 *out, int *n, char *why, size_t nwhy)
{
    *n = 0;
    snprintf(why, nwhy, "expected LxCxB[,LxCxB...], layers 1 to 1024, channels 1 to 4096, batch 1 to 65536");
    for (;;) {
        int l, c, b;
        if (size_part(&s, 1024, &l) || *s++ != 'x' || size_part(&s, 4096, &c) || *s++ != 'x' ||
            size_part(&s, 65536, &b))
            return -1;
        if (*n == MAX_SIZES) {   /* more than it measures: said, not dropped */
            snprintf(why, nwhy, "at most %d sizes", MAX_SIZES);
            return -1;
        }
        for (int i = 0; i < *n; i++)   /* one size twice would be timed twice */
            if (out[i].layers == l && out[i].C == c && out[i].B == b) {
                snprintf(why, nwhy, "%dx%dx%d twice", l, c, b);
                return -1;
            }
        out[(*n)++] = (size3){l, c, b};
        if (!*s) return 0;
        if (*s++ != ',' || !*s) return -1;   /* a trailing comma is no size */
    }
}

static int more_help(FILE *f, const char *key)
{
    return cli_model_more_help(f, key, "bench model",
                               (const char *const[]){"sssd-s4", "diffwave", "csdi-s4", "sssd-sa", "mdm", "lstm", NULL});
}

int bench_model(int argc, char **argv)
{
    const char *model = "sssd-s4", *sizes = NULL;
    long layers = 0, ch = 0, batch = 0, L = 200, runs = 5, threads = 0, ids = 40;
    int vs_torch = 0, profile_on = 0;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "model", &model, "NAME", TS_OPT_HELP_KEY, "the model: sssd-s4 (default), diffwave, csdi-s4,\n"
                      "sssd-sa, mdm (--backbone s4|transformer) or lstm;\n"
                      "with --help: its options"),
        TS_OPT_STR_(0, "sizes", &sizes, "LxCxB,...", "layers x channels x batch, comma-separated\n"
                    "(default 4x64x16,4x128x32; the paper's size is\n"
                    "36x256x16); sssd-sa: (S4, FF) pairs per level x\n"
                    "d_model x batch (default 2x64x16,2x128x32; the\n"
                    "paper's 6x128);\n"
                    "lstm: layers x hidden units x batch\n"
                    "(default 2x128x32, its training defaults)"),
        TS_OPT_LONG_(0, "layers", &layers, "N", 1, 1024, "one size: blocks (sssd-sa: pairs per level,\n"
                     "lstm: layers)"),
        TS_OPT_LONG_(0, "channels", &ch, "C", 1, 4096, "one size: channels (sssd-sa: d_model, lstm:\n"
                     "hidden units)"),
        TS_OPT_LONG_(0, "batch", &batch, "B", 1, 65536, "one size: windows per batch"),
        TS_OPT_LONG_(0, "length", &L, "L", 2, 1000000, "window length (200)"),
        TS_OPT_LONG_(0, "ids", &ids, "V", 2, 1 << 20, "event IDs of the synthetic data (40)"),
        TS_OPT_LONG_(0, "runs", &runs, "R", 1, 1000, "timed runs after a warm-up (5)"),
        CLI_THREADS_OPTION(&threads),
        CLI_PRECISION_OPTION,
        TS_OPT_FLAG_(0, "vs-torch", &vs_torch, "also run the project's PyTorch definition (tests/torch,\n"
                     "float32) with the same sizes, threads and environment;\n"
                     "print ratios"),
        TS_OPT_FLAG_(0, "profile", &profile_on, "split both steps into GEMM, S4 kernel, FFT, step MLP,\n"
                     "attention, optimizer and the rest; GFLOP/s against the\n"
                     "GEMM peak"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        .cmd = "bench model",
        .usage = "tracesynth bench model [--model NAME] [--sizes LxCxB,...] [OPTIONS]\n"
                 "                              [--MODEL-OPTION V]",
        .about = "Times one training step (the step `train` runs: the model's batch, forward,\n"
                 "backward, clipping and Adam, through the trainer) and one denoising step (the\n"
                 "sampler's cost per step: generating B windows with 2 + k steps minus with 2,\n"
                 "over k; k of 4 to 64, for about 0.1 s, fewer where the window or the T of\n"
                 "sssd-s4, diffwave, csdi-s4 or sssd-sa allows no more) on synthetic data. lstm\n"
                 "has no sampling steps: its inference is timed as impute and score run it on a\n"
                 "batch of B windows (impute: a blackout of 10 at their center, 1 in windows\n"
                 "under 20 events: the left context in one pass, then one step per hidden event;\n"
                 "score: one pass over each window).\n"
                 "Reports the median and the min-max over the runs, the peak resident memory\n"
                 "of each size (a child process each) and the machine's load average.\n"
                 "--vs-torch runs tests/torch/bench_sssd.py (sssd-s4, diffwave, csdi-s4,\n"
                 "sssd-sa), bench_mdm.py or bench_lstm.py with /usr/bin/python3 in the same\n"
                 "environment (threads, OPENBLAS_CORETYPE; the diffusion models' steps drawn\n"
                 "below the same --T, the training step clipping at the same --clip), and\n"
                 "prints PyTorch's time over this one's: every model bench model times.\n"
                 "Other --KEY VALUE pairs go to the model (e.g. --backbone transformer,\n"
                 "--state 64); not --preset: the sizes set the layers and channels.",
        .opts = opts,
        .min_pos = 0, .max_pos = 0,
        .extra_kv = 1,
        .more_help = more_help,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : 2; }
    ts_kv kv = {args.nkv, args.keys, args.values};
    size3 sz[MAX_SIZES];
    int nsz = 0;
    char why[128];
    rc = 0;
    if (sizes && (layers || ch || batch)) rc = cli_usage_error("bench model", "--sizes or --layers/--channels/--batch, not both");
    else if (sizes && parse_sizes(sizes, sz, &nsz, why, sizeof why) != 0)
        rc = cli_usage_error("bench model", "--sizes '%s': %s", sizes, why);
    else if (!sizes && is_lstm(model)) {   /* the model's training defaults: 2 x 128, batch 32 */
        sz[0] = (size3){layers ? (int)layers : 2, ch ? (int)ch : 128, batch ? (int)batch : 32};
        nsz = 1;
    } else if (!sizes && (layers || ch || batch)) {
        sz[0] = (size3){layers ? (int)layers : default_layers(model), ch ? (int)ch : 64, batch ? (int)batch : 16};
        nsz = 1;
    } else if (!sizes) {
        sz[0] = (size3){default_layers(model), 64, 16};
        sz[1] = (size3){default_layers(model), 128, 32};
        nsz = 2;
    }
    if (rc) { ts_opt_free(&args); return rc; }
    const ts_model_ops *ops = ts_model_find(model);
    if (!ops) {   /* as --help's check of --model says it: a usage error */
        char *unknown = ts_strdup(ts_error());
        rc = cli_usage_error("bench model", "--model: %s", unknown);
        free(unknown);
        ts_opt_free(&args);
        return rc;
    }
    /* a model without a network has no step to time: said so, not through the first of
     * the sizes' options (--layers) it does not take */
    if (!takes_T(model) && strcmp(model, "mdm") && !is_lstm(model)) {
        rc = cli_usage_error("bench model", "--model %s: bench model times the neural models, trained through the "
                             "trainer: sssd-s4, diffwave, csdi-s4, sssd-sa, mdm, lstm", model);
        ts_opt_free(&args);
        return rc;
    }
    /* the sizes (given or default) set layers and channels, so a --preset's would be
     * overridden: a preset's size is given as a size (sssd-sa's paper one: 6x128x16) */
    if (ts_kv_get(&kv, "preset")) {
        rc = cli_usage_error("bench model", "--preset %s: the sizes set the layers and channels (--sizes LxCxB or "
                             "--layers/--channels/--batch): give the preset's as a size", ts_kv_get(&kv, "preset"));
        ts_opt_free(&args);
        return rc;
    }
    /* lstm's hidden units are the sizes' channels: a --hidden of its own would time another
     * network than the size printed (and than PyTorch's) */
    if (is_lstm(model) && ts_kv_get(&kv, "hidden")) {
        rc = cli_usage_error("bench model", "--hidden %s: lstm's hidden units are the sizes' channels (--channels C, "
                             "or --sizes LxCxB)", ts_kv_get(&kv, "hidden"));
        ts_opt_free(&args);
        return rc;
    }
    /* --vs-torch runs the source tree's scripts: said before anything is timed */
    char tdir[PATH_MAX];
    if (vs_torch && torch_dir(tdir, sizeof tdir) != 0) {
        ts_fail("bench model: --vs-torch: the project's PyTorch definitions (bench_sssd.py) are neither in %s nor in "
                "./tests/torch: run the tracesynth of a source tree (build/tracesynth), or run it in the source tree",
                tdir);
        cli_fail();
        ts_opt_free(&args);
        return 1;
    }
    ts_set_threads((int)threads);
    bench_cfg bc = {model, L, runs, ids, vs_torch, profile_on, &kv};
    /* every size: one the model refuses is named before anything is timed */
    for (int i = 0; i < nsz; i++)
        if (check_options(&bc, sz[i]) != 0) { ts_opt_free(&args); return 2; }
    if (takes_T(model) && denoise_kmax(&bc) < 1) {
        rc = cli_usage_error("bench model", "--T %s: the denoising step is timed by DDIM runs of %d steps and "
                             "more, fewer than T: give --T %d or more", ts_kv_get(&kv, "T"), DENOISE_FROM,
                             DENOISE_FROM + 2);
        ts_opt_free(&args);
        return rc;
    }
    char load[64], blas[256];
    loadavg(load, sizeof load);
    ts_blas_describe(blas, sizeof blas);
    double peak = gemm_peak_child();
    printf("%s, L = %ld, %d thread%s, %s; %ld timed run%s after a warm-up: median (min-max)\n", model, L,
           ts_get_threads(), ts_plural((size_t)ts_get_threads()), blas, runs, ts_plural((size_t)runs));
    printf("GEMM peak (ts_sgemm n = 1024, %s products): %.1f GFLOP/s; load average before: %s\n",
           ts_precision_name(ts_get_precision()), peak, load);
    for (int i = 0; i < nsz && rc == 0; i++)
        if (one_size(&bc, sz[i], peak) != 0) rc = cli_fail();
    loadavg(load, sizeof load);
    printf("load average after: %s\n", load);
    ts_opt_free(&args);
    return rc;
}
