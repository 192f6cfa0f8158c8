/* S4 layer: LegS modes, kernel against its closed form, FFT and direct
 * convolutions against each other, finite-difference gradients of every
 * parameter and the input on both paths, PyTorch parity from
 * tests/fixtures/s4_layer.bin (tests/torch/s4_fixtures.py). */
#include <complex.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "tracesynth/common.h"
#include "tracesynth/s4.h"
#include "tracesynth/nn.h"

/* ---- small helpers ---- */

static float *falloc(size_t n) { return ts_alloc_aligned(sizeof(float) * (n ? n : 1)); }

static void fill_normal(float *a, size_t n, float std, ts_rng *r)
{
    for (size_t i = 0; i < n; i++) a[i] = std * ts_rng_normal(r);
}

/* a layer with its buffers */
typedef struct {
    ts_s4 s;
    int B;
    size_t np, n;
    float *params, *grads, *act, *scr, *out, *dx;
} rig;

static int rig_open(rig *g, int B, int H, int N, int L, int bidi, ts_s4_conv conv)
{
    ts_s4_config c = { .H = H, .N = N, .L = L, .bidirectional = bidi, .conv = conv };
    if (ts_s4_init(&g->s, &c) != 0) return -1;
    g->B = B;
    g->np = ts_s4_num_params(&c);
    g->n = (size_t)B * H * L;
    g->params = falloc(g->np);
    g->grads = falloc(g->np);
    g->act = falloc(ts_s4_act_size(&g->s, B));
    g->scr = falloc(ts_s4_scratch_size(&g->s, B));
    g->out = falloc(g->n);
    g->dx = falloc(g->n);
    return 0;
}

static void rig_close(rig *g)
{
    ts_free_aligned(g->params); ts_free_aligned(g->grads); ts_free_aligned(g->act);
    ts_free_aligned(g->scr); ts_free_aligned(g->out); ts_free_aligned(g->dx);
    ts_s4_free(&g->s);
}

/* loss = sum(out * w), accumulated in double */
static double loss_of(rig *g, const float *x, const float *w)
{
    ts_s4_forward(&g->s, g->params, x, g->B, g->out, g->act, g->scr);
    double l = 0;
    for (size_t i = 0; i < g->n; i++) l += (double)g->out[i] * w[i];
    return l;
}

static void backward(rig *g, const float *x, const float *w)
{
    memset(g->grads, 0, sizeof(float) * g->np);
    memset(g->dx, 0, sizeof(float) * g->n);
    ts_s4_forward(&g->s, g->params, x, g->B, g->out, g->act, g->scr);
    ts_s4_backward(&g->s, g->params, x, g->B, g->act, w, g->grads, g->dx, g->scr);
}

/* parameters drawn around the init, with steps long enough that the kernel
 * reaches across the window (the default init's dt makes it almost local) */
static void test_params(rig *g, uint64_t seed)
{
    REQUIRE(ts_s4_init_params(&g->s, g->params, seed) == 0);
    ts_rng r;
    ts_rng_seed(&r, seed + 100);
    const ts_s4_layout *p = &g->s.p;
    for (int h = 0; h < g->s.c.H; h++)
        g->params[p->log_dt + h] = (float)(log(0.02) + 2.5 * ts_rng_uniform(&r));
    for (int i = 0; i < g->s.c.H * g->s.Nh; i++) g->params[p->log_A_re + i] += 0.3f * ts_rng_normal(&r);
    for (int h = 0; h < g->s.c.H; h++) {
        g->params[p->ln_g + h] = 1.0f + 0.2f * ts_rng_normal(&r);
        g->params[p->ln_b + h] = 0.2f * ts_rng_normal(&r);
    }
}

/* ---- LegS modes ---- */

static void legs_modes(void)
{
    for (int N = 2; N <= 64; N *= 2) {
        double im[32];
        REQUIRE(ts_s4_legs_eigs(N, im) == 0);
        /* eigenvalues +-i w of the skew part S: sum of w^2 over all N is ||S||_F^2 */
        double fro = 0, sum = 0;
        for (int n = 0; n < N; n++)
            for (int k = 0; k < n; k++) fro += 2 * 0.25 * (2.0 * n + 1) * (2.0 * k + 1);
        for (int j = 0; j < N / 2; j++) {
            sum += 2 * im[j] * im[j];
            CHECK(im[j] > 0);
            if (j) CHECK(im[j] > im[j - 1]);
        }
        CHECK_NEAR(sum / fro, 1.0, 1e-9);
    }
    CHECK(ts_s4_legs_eigs(7, (double[4]){0}) == -1);
    CHECK(strstr(ts_error(), "even") != NULL);
}

static void config_errors(void)
{
    ts_s4 s;
    ts_s4_config c = { .H = 4, .N = 7, .L = 10, .bidirectional = 1 };
    CHECK(ts_s4_init(&s, &c) == -1);
    CHECK(strstr(ts_error(), "state size") != NULL);
    c.N = 8;
    c.L = 0;
    CHECK(ts_s4_init(&s, &c) == -1);
    CHECK(strstr(ts_error(), "length") != NULL);
    c.L = 10;
    c.conv = (ts_s4_conv)9;
    CHECK(ts_s4_init(&s, &c) == -1);
    c.conv = TS_S4_CONV_AUTO;
    REQUIRE(ts_s4_init(&s, &c) == 0);
    CHECK(!s.use_fft);
    ts_s4_free(&s);
    c.L = 200;
    REQUIRE(ts_s4_init(&s, &c) == 0);
    CHECK(s.use_fft && s.M >= 2 * c.L);
    ts_s4_free(&s);
}

/* a length whose FFT buffers (the planning's pair, the plans, the per-thread buffers and
 * the kernels' spectra: each FFT size M complex, 8 bytes a value) cannot fit in the memory
 * the process may use is refused before FFTW allocates them (FFTW aborts when out of
 * memory), with one line naming the length, as other sizes past memory are; one that fits
 * still sets up. In a child: under a 1.5 GB address-space limit */
static void fft_buffers_past_memory(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    struct rlimit old;
    REQUIRE(getrlimit(RLIMIT_AS, &old) == 0);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < ((rlim_t)1500 << 20)) SKIP("the address space is limited below 1.5 GB");
    int fd[2];
    REQUIRE(pipe(fd) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        struct rlimit lim = old;
        lim.rlim_cur = (rlim_t)1500 << 20;
        char msg[1024] = "";
        int code = 3;
        if (setrlimit(RLIMIT_AS, &lim) == 0) {
            ts_s4 s;
            /* M = 2^25: 268 MB a buffer, ten of them at the least (one thread) */
            ts_s4_config c = {.H = 1, .N = 2, .L = 1 << 24, .conv = TS_S4_CONV_FFT};
            const int big = ts_s4_init(&s, &c);
            snprintf(msg, sizeof msg, "%s", big == 0 ? "set up" : ts_error());
            if (big == 0) ts_s4_free(&s);
            c.L = 1000;
            const int small = ts_s4_init(&s, &c);
            if (small == 0) ts_s4_free(&s);
            code = big == -1 && small == 0 ? 0 : 1;
        }
        if (write(fd[1], msg, strlen(msg)) < 0) code = 4;
        _exit(code);
    }
    close(fd[1]);
    char got[1024];
    const ssize_t n = read(fd[0], got, sizeof got - 1);
    close(fd[0]);
    got[n > 0 ? n : 0] = 0;
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, got);
    CHECK_MSG(strstr(got, "s4: length 16777216") && strstr(got, "FFT") && strstr(got, "GB of memory this process may use") &&
                  !strchr(got, '\n'), "%s", got);
}

/* ---- kernel against exp() evaluated for every l ---- */

static void kernel_closed_form(void)
{
    rig g;
    REQUIRE(rig_open(&g, 1, 3, 64, 200, 1, TS_S4_CONV_AUTO) == 0);
    test_params(&g, 5);
    float *K = falloc((size_t)2 * 3 * 200);
    ts_s4_kernel(&g.s, g.params, K);
    const ts_s4_layout *p = &g.s.p;
    double maxerr = 0, maxk = 0;
    for (int d = 0; d < 2; d++)
        for (int h = 0; h < 3; h++)
            for (int l = 0; l < 200; l++) {
                double dt = exp((double)g.params[p->log_dt + h]), k = 0;
                for (int n = 0; n < 32; n++) {
                    double complex a = -exp((double)g.params[p->log_A_re + h * 32 + n]) +
                                       I * (double)g.params[p->A_im + h * 32 + n];
                    const float *c = g.params + p->C + ((d * 3 + h) * 32 + n) * 2;
                    k += 2 * creal((c[0] + I * c[1]) * (cexp(dt * a) - 1) / a * cexp(dt * a * l));
                }
                double e = fabs(k - K[(d * 3 + h) * 200 + l]);
                if (e > maxerr) maxerr = e;
                if (fabs(k) > maxk) maxk = fabs(k);
            }
    CHECK_MSG(maxerr <= 1e-6 * (1 + maxk), "kernel error %g (max |K| %g)", maxerr, maxk);
    ts_free_aligned(K);
    rig_close(&g);
}

/* ---- the two convolution paths agree, forward and backward ---- */

static void conv_paths_agree(void)
{
    const int Ls[] = { 1, 2, 16, 37, 64 };
    for (int bidi = 0; bidi <= 1; bidi++)
        for (size_t li = 0; li < sizeof Ls / sizeof *Ls; li++) {
            int B = 2, H = 3, L = Ls[li], dirs = bidi ? 2 : 1;
            ts_s4_config cf = { .H = H, .N = 8, .L = L, .bidirectional = bidi, .conv = TS_S4_CONV_FFT };
            ts_s4_config cd = cf;
            cd.conv = TS_S4_CONV_DIRECT;
            ts_s4 sf, sd;
            REQUIRE(ts_s4_init(&sf, &cf) == 0);
            REQUIRE(ts_s4_init(&sd, &cd) == 0);
            size_t n = (size_t)B * H * L, nK = (size_t)dirs * H * L;
            float *K = falloc(nK), *D = falloc(H), *x = falloc(n), *dy = falloc(n);
            float *Khat = falloc((size_t)H * sf.khat_stride);
            float *scr = falloc(ts_s4_conv_scratch_size(&sf));
            float *y[2], *dK[2], *dD[2], *dx[2];
            ts_rng r;
            ts_rng_seed(&r, 7 + L);
            fill_normal(K, nK, 1, &r); fill_normal(D, H, 1, &r);
            fill_normal(x, n, 1, &r); fill_normal(dy, n, 1, &r);
            for (int k = 0; k < 2; k++) {
                const ts_s4 *s = k ? &sd : &sf;
                y[k] = falloc(n); dK[k] = falloc(nK); dD[k] = falloc(H); dx[k] = falloc(n);
                ts_s4_conv_forward(s, K, D, x, B, y[k], Khat, scr);
                ts_s4_conv_backward(s, K, Khat, D, x, dy, B, dK[k], dD[k], dx[k], scr);
            }
            /* the direct path is the definition; check it on one entry by hand */
            {
                int b = B - 1, h = H - 1, t = L / 2;
                const float *xr = x + ((size_t)b * H + h) * L;
                double v = D[h] * xr[t];
                for (int s2 = 0; s2 < L; s2++) {
                    if (s2 <= t) v += K[(size_t)h * L + (t - s2)] * xr[s2];
                    else if (bidi) v += K[(size_t)H * L + (size_t)h * L + (s2 - t - 1)] * xr[s2];
                }
                CHECK_NEAR(y[1][((size_t)b * H + h) * L + t], v, 1e-4 * (1 + fabs(v)));
            }
            double e = 0;
            for (size_t i = 0; i < n; i++) e = fmax(e, fabs(y[0][i] - y[1][i]));
            for (size_t i = 0; i < n; i++) e = fmax(e, fabs(dx[0][i] - dx[1][i]));
            for (size_t i = 0; i < nK; i++) e = fmax(e, fabs(dK[0][i] - dK[1][i]));
            for (int i = 0; i < H; i++) e = fmax(e, fabs(dD[0][i] - dD[1][i]));
            CHECK_MSG(e < 1e-4 * (1 + L / 8.0), "L %d bidi %d: FFT vs direct differ by %g", L, bidi, e);
            for (int k = 0; k < 2; k++) {
                ts_free_aligned(y[k]); ts_free_aligned(dK[k]); ts_free_aligned(dD[k]); ts_free_aligned(dx[k]);
            }
            ts_free_aligned(K); ts_free_aligned(D); ts_free_aligned(x); ts_free_aligned(dy);
            ts_free_aligned(Khat); ts_free_aligned(scr);
            ts_s4_free(&sf); ts_s4_free(&sd);
        }
}

/* ---- finite differences for every parameter and input element ---- */

static void gradcheck(int L, int bidi, ts_s4_conv conv)
{
    rig g;
    const int B = 2, H = 3, N = 8;
    REQUIRE(rig_open(&g, B, H, N, L, bidi, conv) == 0);
    test_params(&g, 11);
    float *x = falloc(g.n), *w = falloc(g.n);
    ts_rng r;
    ts_rng_seed(&r, 13);
    fill_normal(x, g.n, 1, &r);
    fill_normal(w, g.n, 1, &r);
    backward(&g, x, w);

    /* central differences at steps h and h/2 (powers of two, so v +- h is exact),
     * Richardson-combined: the kernel's fast modes (dt Im A l reaches ~100 rad)
     * make the plain O(h^2) error too large; float forward noise sets the floor */
    int bad = 0;
    double worst = 0;
    for (size_t i = 0; i < g.np + g.n; i++) {
        float *v = i < g.np ? &g.params[i] : &x[i - g.np];
        double ana = i < g.np ? g.grads[i] : g.dx[i - g.np];
        const float v0 = *v;
        double d[2];
        for (int k = 0; k < 2; k++) {
            float h = k ? 0x1p-9f : 0x1p-8f;
            *v = v0 + h;
            double lp = loss_of(&g, x, w);
            *v = v0 - h;
            double lm = loss_of(&g, x, w);
            d[k] = (lp - lm) / (2.0 * h);
        }
        *v = v0;
        double num = (4 * d[1] - d[0]) / 3;
        double err = fabs(num - ana) / (5e-3 + 1e-2 * fabs(num));
        if (err > worst) worst = err;
        if (err > 1 && bad++ < 5)
            fprintf(stderr, "    L %d bidi %d conv %d: element %zu: analytic %.6g numeric %.6g\n",
                    L, bidi, (int)conv, i, ana, num);
    }
    CHECK_MSG(bad == 0, "L %d bidi %d conv %d: %d of %zu gradients off (worst %.3g of tolerance)",
              L, bidi, (int)conv, bad, g.np + g.n, worst);

    /* backward accumulates; dx = NULL leaves the parameter gradients alone */
    float *g1 = falloc(g.np);
    memcpy(g1, g.grads, sizeof(float) * g.np);
    ts_s4_forward(&g.s, g.params, x, B, g.out, g.act, g.scr);
    ts_s4_backward(&g.s, g.params, x, B, g.act, w, g.grads, NULL, g.scr);
    double e = 0;
    for (size_t i = 0; i < g.np; i++) e = fmax(e, fabs(g.grads[i] - 2 * g1[i]) / (1 + fabs(g1[i])));
    CHECK_NEAR(e, 0, 1e-5);
    ts_free_aligned(g1);
    ts_free_aligned(x);
    ts_free_aligned(w);
    rig_close(&g);
}

static void gradcheck_short_direct(void) { gradcheck(16, 1, TS_S4_CONV_DIRECT); }
static void gradcheck_short_fft(void) { gradcheck(16, 1, TS_S4_CONV_FFT); }
static void gradcheck_long_direct(void) { gradcheck(64, 1, TS_S4_CONV_DIRECT); }
static void gradcheck_long_fft(void) { gradcheck(64, 1, TS_S4_CONV_FFT); }
static void gradcheck_causal(void) { gradcheck(16, 0, TS_S4_CONV_FFT); gradcheck(16, 0, TS_S4_CONV_DIRECT); }

/* ---- the result does not depend on the thread count ---- */

static void thread_count_independent(void)
{
    float *res[2][3];
    size_t n = 0, np = 0;
    for (int k = 0; k < 2; k++) {
        ts_set_threads(k ? 2 : 1);
        rig g;
        REQUIRE(rig_open(&g, 3, 5, 8, 70, 1, TS_S4_CONV_FFT) == 0);
        test_params(&g, 3);
        float *x = falloc(g.n), *w = falloc(g.n);
        ts_rng r;
        ts_rng_seed(&r, 4);
        fill_normal(x, g.n, 1, &r);
        fill_normal(w, g.n, 1, &r);
        backward(&g, x, w);
        n = g.n; np = g.np;
        res[k][0] = falloc(n); res[k][1] = falloc(n); res[k][2] = falloc(np);
        memcpy(res[k][0], g.out, sizeof(float) * n);
        memcpy(res[k][1], g.dx, sizeof(float) * n);
        memcpy(res[k][2], g.grads, sizeof(float) * np);
        ts_free_aligned(x); ts_free_aligned(w);
        rig_close(&g);
    }
    ts_set_threads(0);
    double e = 0;
    for (size_t i = 0; i < n; i++) e = fmax(e, fabs(res[0][0][i] - res[1][0][i]));
    for (size_t i = 0; i < n; i++) e = fmax(e, fabs(res[0][1][i] - res[1][1][i]));
    for (size_t i = 0; i < np; i++) e = fmax(e, fabs(res[0][2][i] - res[1][2][i]) / (1 + fabs(res[0][2][i])));
    CHECK(e == 0);   /* the same bits */
    for (int k = 0; k < 2; k++) for (int j = 0; j < 3; j++) ts_free_aligned(res[k][j]);
}

/* the per-thread FFT buffers are sized for the threads set when the layer is set
 * up, not for every core: 1 thread one slot, 2 two (L = 2^20 at 1 thread: one
 * slot of M = 2^21, about 84 MB, not one per core) */
static void scratch_sized_by_threads(void)
{
    size_t sz[2];
    for (int nt = 1; nt <= 2; nt++) {
        ts_set_threads(nt);
        ts_s4 s;
        ts_s4_config c = {.H = 4, .N = 8, .L = 1000, .bidirectional = 1, .conv = TS_S4_CONV_FFT};
        REQUIRE(ts_s4_init(&s, &c) == 0);
        CHECK_MSG(s.nthreads == nt, "%d threads set, buffers for %d", nt, s.nthreads);
        sz[nt - 1] = ts_s4_conv_scratch_size(&s);
        ts_s4_free(&s);
    }
    CHECK_MSG(sz[1] == 2 * sz[0], "conv scratch: %zu floats at 1 thread, %zu at 2", sz[0], sz[1]);
    ts_set_threads(1);
    ts_s4 s;
    ts_s4_config c = {.H = 1, .N = 2, .L = 1 << 20, .conv = TS_S4_CONV_FFT};
    REQUIRE(ts_s4_init(&s, &c) == 0);
    const double mb = (double)ts_s4_conv_scratch_size(&s) * sizeof(float) / 1e6;
    CHECK_MSG(s.M == 1 << 21 && mb < 100, "L = 2^20 at 1 thread: %.0f MB of FFT buffers", mb);
    ts_s4_free(&s);
    ts_set_threads(0);
}

/* a layer set up at 1 or 2 threads, then run with more threads than its buffers
 * (a count raised after set-up): forward, backward, the kernel cache and the
 * cached forward (the pair path, B >= 2 threads) run on at most as many threads
 * as it has buffers, in bounds, and give the bits of the count it was set up at */
static void threads_raised_after_init(void)
{
    for (int at = 1; at <= 2; at++) {
        float *res[2][4];
        size_t n = 0, np = 0;
        for (int k = 0; k < 2; k++) {
            ts_set_threads(at);
            rig g;
            REQUIRE(rig_open(&g, 8, 5, 8, 70, 1, TS_S4_CONV_FFT) == 0);
            test_params(&g, 5);
            float *x = falloc(g.n), *w = falloc(g.n), *cache = falloc(ts_s4_kernel_cache_size(&g.s));
            ts_rng r;
            ts_rng_seed(&r, 6);
            fill_normal(x, g.n, 1, &r);
            fill_normal(w, g.n, 1, &r);
            if (k) ts_set_threads(4 * at);   /* raised past the buffers */
            backward(&g, x, w);
            n = g.n; np = g.np;
            for (int j = 0; j < 4; j++) res[k][j] = falloc(j == 2 ? np : n);
            memcpy(res[k][0], g.out, sizeof(float) * n);
            memcpy(res[k][1], g.dx, sizeof(float) * n);
            memcpy(res[k][2], g.grads, sizeof(float) * np);
            ts_s4_kernel_cache(&g.s, g.params, cache, g.scr);
            ts_s4_forward_cached(&g.s, g.params, cache, x, g.B, res[k][3], g.act, g.scr);
            ts_free_aligned(x); ts_free_aligned(w); ts_free_aligned(cache);
            rig_close(&g);
        }
        ts_set_threads(0);
        CHECK_MSG(memcmp(res[0][0], res[1][0], sizeof(float) * n) == 0 &&
                      memcmp(res[0][1], res[1][1], sizeof(float) * n) == 0 &&
                      memcmp(res[0][2], res[1][2], sizeof(float) * np) == 0 &&
                      memcmp(res[0][3], res[1][3], sizeof(float) * n) == 0,
                  "set up at %d threads, run at %d: other bits", at, 4 * at);
        CHECK(memcmp(res[0][0], res[0][3], sizeof(float) * n) == 0);
        for (int k = 0; k < 2; k++) for (int j = 0; j < 4; j++) ts_free_aligned(res[k][j]);
    }
}

/* a forward from a kernel cache gives the same bits as a plain forward, on
 * both paths, at 1 and 2 threads, with odd batches (one FFT row pair half
 * empty): 5 takes the sampling path on the FFT side (a pair of items at a time
 * through the layer), 1 the staged one at 2 threads */
static void forward_cached(void)
{
    for (int path = 0; path < 2; path++)
        for (int nt = 1; nt <= 2; nt++) {
            rig g;
            REQUIRE(rig_open(&g, 5, 6, 8, 40, 1, path ? TS_S4_CONV_DIRECT : TS_S4_CONV_FFT) == 0);
            test_params(&g, 21);
            float *x = falloc(g.n), *out2 = falloc(g.n);
            float *cache = falloc(ts_s4_kernel_cache_size(&g.s));
            ts_rng r;
            ts_rng_seed(&r, 22);
            fill_normal(x, g.n, 1, &r);
            ts_set_threads(nt);
            ts_s4_kernel_cache(&g.s, g.params, cache, g.scr);
            for (int B = 5; B >= 1; B -= 4) {
                ts_s4_forward(&g.s, g.params, x, B, g.out, g.act, g.scr);
                memset(g.act, 0, sizeof(float) * ts_s4_act_size(&g.s, B));
                memset(out2, 0, sizeof(float) * g.n);
                ts_s4_forward_cached(&g.s, g.params, cache, x, B, out2, g.act, g.scr);
                CHECK_MSG(memcmp(g.out, out2, sizeof(float) * g.n / 5 * B) == 0,
                          "path %d, %d threads, batch %d", path, nt, B);
            }
            ts_set_threads(0);
            ts_free_aligned(x); ts_free_aligned(out2); ts_free_aligned(cache);
            rig_close(&g);
        }
}

/* the layer as its stages, one call each over the whole batch (the
 * definition the layer's fused passes must give the bits of): SSM, GELU
 * with its derivative, output linear, bias and residual in LayerNorm; then
 * back through each. dx and grads accumulate, as the layer's do. */
static void staged_layer(const ts_s4 *s, const float *P, const float *x, int B, const float *dout,
                         float *out, float *dx, float *grads)
{
    const int H = s->c.H, L = s->c.L;
    const size_t n = (size_t)B * H * L, nK = (size_t)s->dirs * H * L;
    const ts_s4_layout *p = &s->p;
    float *K = falloc(nK), *Khat = falloc((size_t)H * (s->khat_stride ? s->khat_stride : 1));
    float *y = falloc(n), *g = falloc(n), *d = falloc(n), *r = falloc(n), *s1 = falloc(n), *s2 = falloc(n);
    float *mean = falloc((size_t)B * L), *rstd = falloc((size_t)B * L), *dK = falloc(nK);
    size_t scn = ts_s4_conv_scratch_size(s), lsc = ts_conv1d_scratch_size(H, H, L, 1);
    float *scr = falloc(scn > lsc ? scn : lsc);
    ts_s4_ssm_forward(s, P, x, B, K, Khat, y, scr);
    ts_gelu_forward_deriv(g, d, y, n);
    ts_conv1d_forward(r, g, P + p->W, NULL, B, H, H, L, 1, 1, scr, ts_get_threads());
    ts_layernorm_res_forward(out, mean, rstd, r, P + p->bias, x, P + p->ln_g, P + p->ln_b, B, H, L);
    memset(s1, 0, sizeof(float) * n);
    ts_layernorm_backward(s1, grads + p->ln_g, grads + p->ln_b, dout, r, mean, rstd, P + p->ln_g, B, H, L);
    for (size_t i = 0; i < n; i++) dx[i] += s1[i];
    memset(s2, 0, sizeof(float) * n);
    ts_conv1d_backward(s2, grads + p->W, grads + p->bias, s1, g, P + p->W, B, H, H, L, 1, 1, scr, ts_get_threads());
    ts_mul_backward_set(s1, s2, d, n);
    memset(dK, 0, sizeof(float) * nK);
    ts_s4_conv_backward(s, K, Khat, P + p->D, x, s1, B, dK, grads + p->D, dx, scr);
    ts_s4_kernel_backward(s, P, dK, grads);
    float *all[] = { K, Khat, y, g, d, r, s1, s2, mean, rstd, dK, scr };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) ts_free_aligned(all[i]);
}

/* the layer's forward and backward give the bits of its stages run one
 * after another, on both paths, batches odd and even, 1 and 2 threads, with
 * dx accumulated and written (ts_s4_backward_set), and
 * the SSM with the GELU taken as rows leave the transform gives the bits of
 * the SSM then ts_gelu_forward_deriv */
static void fused_passes_same_bits(void)
{
    for (int path = 0; path < 2; path++)
        for (int bidi = 0; bidi <= 1; bidi++)
            for (int nt = 1; nt <= 2; nt++)
                for (int B = 3; B <= 4; B++) {
                    rig g;
                    REQUIRE(rig_open(&g, B, 6, 8, 40, bidi, path ? TS_S4_CONV_DIRECT : TS_S4_CONV_FFT) == 0);
                    test_params(&g, 31);
                    float *x = falloc(g.n), *w = falloc(g.n), *out2 = falloc(g.n), *dx2 = falloc(g.n);
                    float *gr2 = falloc(g.np), *K = falloc(2 * g.n), *Kh = falloc((size_t)6 * g.s.khat_stride + 16);
                    float *y = falloc(g.n), *gl = falloc(g.n), *d = falloc(g.n), *gl2 = falloc(g.n);
                    ts_rng r;
                    ts_rng_seed(&r, 32 + B);
                    fill_normal(x, g.n, 1, &r);
                    fill_normal(w, g.n, 1, &r);
                    fill_normal(g.dx, g.n, 1, &r);   /* dx accumulates */
                    memcpy(dx2, g.dx, sizeof(float) * g.n);
                    fill_normal(g.grads, g.np, 1, &r);
                    memcpy(gr2, g.grads, sizeof(float) * g.np);
                    ts_set_threads(nt);
                    ts_s4_forward(&g.s, g.params, x, B, g.out, g.act, g.scr);
                    ts_s4_backward(&g.s, g.params, x, B, g.act, w, g.grads, g.dx, g.scr);
                    staged_layer(&g.s, g.params, x, B, w, out2, dx2, gr2);
                    CHECK_MSG(memcmp(g.out, out2, sizeof(float) * g.n) == 0 &&
                                  memcmp(g.dx, dx2, sizeof(float) * g.n) == 0 &&
                                  memcmp(g.grads, gr2, sizeof(float) * g.np) == 0,
                              "path %d bidi %d, %d threads, batch %d: layer against its stages", path,
                              bidi, nt, B);
                    /* dx written: whatever it held before does not matter */
                    for (size_t i = 0; i < g.n; i++) g.dx[i] = NAN;
                    memset(dx2, 0, sizeof(float) * g.n);
                    memcpy(gr2, g.grads, sizeof(float) * g.np);
                    ts_s4_backward_set(&g.s, g.params, x, B, g.act, w, g.grads, g.dx, g.scr);
                    staged_layer(&g.s, g.params, x, B, w, out2, dx2, gr2);
                    CHECK_MSG(memcmp(g.dx, dx2, sizeof(float) * g.n) == 0 &&
                                  memcmp(g.grads, gr2, sizeof(float) * g.np) == 0,
                              "path %d bidi %d, %d threads, batch %d: dx written", path, bidi, nt, B);
                    ts_s4_ssm_forward(&g.s, g.params, x, B, K, Kh, y, g.scr);
                    ts_gelu_forward_deriv(gl, y, y, g.n);
                    int left = ts_s4_ssm_forward_gelu_deriv(&g.s, g.params, x, B, K, Kh, gl2, d, g.scr);
                    CHECK(left == path);
                    if (left) ts_gelu_forward_deriv(gl2, d, d, g.n);
                    CHECK_MSG(memcmp(gl, gl2, sizeof(float) * g.n) == 0 &&
                                  memcmp(y, d, sizeof(float) * g.n) == 0,
                              "path %d bidi %d, %d threads, batch %d: GELU as rows leave the transform",
                              path, bidi, nt, B);
                    ts_set_threads(0);
                    float *all[] = { x, w, out2, dx2, gr2, K, Kh, y, gl, d, gl2 };
                    for (size_t i = 0; i < sizeof all / sizeof *all; i++) ts_free_aligned(all[i]);
                    rig_close(&g);
                }
}

/* act and scratch at any float offset give the same numbers (FFTW only sees
 * the layer's own aligned buffers) */
static void unaligned_buffers(void)
{
    rig g;
    REQUIRE(rig_open(&g, 2, 4, 8, 40, 1, TS_S4_CONV_FFT) == 0);
    test_params(&g, 9);
    float *x = falloc(g.n), *w = falloc(g.n), *out1 = falloc(g.n), *dx1 = falloc(g.n);
    ts_rng r;
    ts_rng_seed(&r, 10);
    fill_normal(x, g.n, 1, &r);
    fill_normal(w, g.n, 1, &r);
    backward(&g, x, w);
    memcpy(out1, g.out, sizeof(float) * g.n);
    memcpy(dx1, g.dx, sizeof(float) * g.n);
    float *act = falloc(ts_s4_act_size(&g.s, 2) + 3), *scr = falloc(ts_s4_scratch_size(&g.s, 2) + 3);
    memset(g.dx, 0, sizeof(float) * g.n);
    memset(g.grads, 0, sizeof(float) * g.np);
    ts_s4_forward(&g.s, g.params, x, 2, g.out, act + 1, scr + 3);
    ts_s4_backward(&g.s, g.params, x, 2, act + 1, w, g.grads, g.dx, scr + 3);
    CHECK(memcmp(out1, g.out, sizeof(float) * g.n) == 0);
    CHECK(memcmp(dx1, g.dx, sizeof(float) * g.n) == 0);
    ts_free_aligned(act); ts_free_aligned(scr); ts_free_aligned(x); ts_free_aligned(w);
    ts_free_aligned(out1); ts_free_aligned(dx1);
    rig_close(&g);
}

/* ---- PyTorch parity ---- */

typedef struct { char name[32]; uint32_t n; float *v; } rec;
typedef struct { rec r[32]; int n; } recs;

static int load_fixture(const char *path, recs *rs)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    rs->n = 0;
    uint32_t len;
    while (rs->n < 32 && fread(&len, 4, 1, f) == 1) {
        rec *r = &rs->r[rs->n];
        if (len >= sizeof r->name || fread(r->name, 1, len, f) != len || fread(&r->n, 4, 1, f) != 1)
            break;
        r->name[len] = 0;
        r->v = malloc(sizeof(float) * (r->n ? r->n : 1));
        if (fread(r->v, sizeof(float), r->n, f) != r->n) { free(r->v); break; }
        rs->n++;
    }
    fclose(f);
    return 0;
}

static const rec *find(const recs *rs, const char *prefix, const char *name)
{
    char full[64];
    snprintf(full, sizeof full, "%s%s", prefix, name);
    for (int i = 0; i < rs->n; i++)
        if (strcmp(rs->r[i].name, full) == 0) return &rs->r[i];
    return NULL;
}

/* max |a - b| / (atol + rtol |b|) <= 1 */
static double rel_err(const float *a, const float *b, size_t n, double atol, double rtol)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) e = fmax(e, fabs((double)a[i] - b[i]) / (atol + rtol * fabs(b[i])));
    return e;
}

static const char *fixture_path(void)
{
    static const char *cands[] = { "tests/fixtures/s4_layer.bin", "../tests/fixtures/s4_layer.bin" };
    for (int i = 0; i < 2; i++)
        if (access(cands[i], R_OK) == 0) return cands[i];
    return NULL;
}

static void torch_case(const recs *rs, const char *pre)
{
    const rec *cfg = find(rs, pre, "config");
    REQUIRE(cfg && cfg->n == 5);
    int B = (int)cfg->v[0], H = (int)cfg->v[1], N = (int)cfg->v[2], L = (int)cfg->v[3];
    int bidi = (int)cfg->v[4];
    for (int path = 1; path <= 2; path++) {
        rig g;
        REQUIRE(rig_open(&g, B, H, N, L, bidi, (ts_s4_conv)path) == 0);
        const rec *p = find(rs, pre, "params"), *x = find(rs, pre, "x"), *dout = find(rs, pre, "dout");
        const rec *K = find(rs, pre, "K"), *out = find(rs, pre, "out");
        const rec *dx = find(rs, pre, "dx"), *dp = find(rs, pre, "dparams");
        REQUIRE(p && x && dout && K && out && dx && dp);
        REQUIRE(p->n == g.np && dp->n == g.np && x->n == g.n && out->n == g.n && dx->n == g.n);
        REQUIRE(K->n == (size_t)g.s.dirs * H * L);
        memcpy(g.params, p->v, sizeof(float) * g.np);
        float *Kc = falloc(K->n);
        ts_s4_kernel(&g.s, g.params, Kc);
        double eK = rel_err(Kc, K->v, K->n, 1e-5, 1e-4);
        backward(&g, x->v, dout->v);
        double eo = rel_err(g.out, out->v, g.n, 1e-5, 1e-4);
        double ex = rel_err(g.dx, dx->v, g.n, 1e-4, 1e-3);
        double ep = rel_err(g.grads, dp->v, g.np, 1e-4, 1e-3);
        CHECK_MSG(eK <= 1 && eo <= 1 && ex <= 1 && ep <= 1,
                  "%s path %d: kernel %.3g, out %.3g, dx %.3g, dparams %.3g of tolerance", pre, path,
                  eK, eo, ex, ep);
        ts_free_aligned(Kc);
        rig_close(&g);
    }
}

static void torch_parity(void)
{
    const char *path = fixture_path();
    if (!path) SKIP("tests/fixtures/s4_layer.bin not found (run from the repository root)");
    recs rs;
    REQUIRE(load_fixture(path, &rs) == 0);
    torch_case(&rs, "bi_");
    torch_case(&rs, "uni_");
    const int Ns[] = { 16, 64 };
    for (int k = 0; k < 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "legs%d", Ns[k]);
        const rec *e = find(&rs, "", name);
        REQUIRE(e && e->n == (uint32_t)Ns[k] / 2);
        double im[32];
        REQUIRE(ts_s4_legs_eigs(Ns[k], im) == 0);
        for (int j = 0; j < Ns[k] / 2; j++) CHECK_NEAR(im[j], e->v[j], 1e-5 * (1 + fabs(im[j])));
    }
    for (int i = 0; i < rs.n; i++) free(rs.r[i].v);
}

TEST_MAIN("nn_s4", {
    RUN(legs_modes);
    RUN(config_errors);
    RUN(fft_buffers_past_memory);
    RUN(kernel_closed_form);
    RUN(conv_paths_agree);
    RUN(gradcheck_short_direct);
    RUN(gradcheck_short_fft);
    RUN(gradcheck_long_direct);
    RUN(gradcheck_long_fft);
    RUN(gradcheck_causal);
    RUN(thread_count_independent);
    RUN(scratch_sized_by_threads);
    RUN(threads_raised_after_init);
    RUN(unaligned_buffers);
    RUN(forward_cached);
    RUN(fused_passes_same_bits);
    RUN(torch_parity);
})
