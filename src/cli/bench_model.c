/* tracesynth bench model: time of one SSSD-S4 training step (forward + backward +
 * Adam on one batch) and one denoising step (one forward pass), beside the
 * PyTorch reference on this kind of machine (ANCHORS.md table D: torch 1.13 on
 * the CPU, 2 threads, T = 200, L = 200). */
#include "cli.h"
#include "tracesynth/diffusion.h"
#include "tracesynth/nn.h"
#include "tracesynth/optim.h"
#include "tracesynth/sssd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* ANCHORS.md table D */
static const struct { int layers, C, B; double train, denoise; } ref[] = {
    {4, 64, 16, 0.674, 0.214},
    {4, 128, 32, 2.207, 0.660},
    {8, 128, 16, 2.900, 0.851},
    {36, 256, 16, 34.29, 15.75},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;   /* kilobytes on Linux */
}

static int bench_one(int layers, int C, int B, int L, int N, int runs)
{
    ts_sssd_config c;
    ts_sssd_config_paper(&c);
    c.layers = layers;
    c.C = C;
    c.N = N;
    ts_sssd_net net;
    if (ts_sssd_net_init(&net, &c, 1) != 0) return -1;
    ts_sssd_plan tr, inf;
    if (ts_sssd_plan_init(&tr, &net, B, L, 1) != 0) { ts_sssd_net_free(&net); return -1; }
    if (ts_sssd_plan_init(&inf, &net, B, L, 0) != 0) {
        ts_sssd_plan_free(&tr);
        ts_sssd_net_free(&net);
        return -1;
    }
    ts_diffusion d;
    ts_diffusion_init(&d, 200, 1e-4, 0.02);
    size_t BL = (size_t)B * L;
    float *x0 = ts_malloc(BL * sizeof(float)), *xt = ts_malloc(BL * sizeof(float));
    float *eps = ts_malloc(BL * sizeof(float)), *mask = ts_malloc(BL * sizeof(float));
    float *dout = ts_malloc(BL * sizeof(float));
    uint8_t *lm = ts_malloc(BL);
    int32_t *t = ts_malloc((size_t)B * sizeof(int32_t));
    ts_rng r;
    ts_rng_seed(&r, 7);
    for (size_t i = 0; i < BL; i++) {
        size_t l = i % (size_t)L;
        x0[i] = (float)(ts_rng_below(&r, 40));
        eps[i] = ts_rng_normal(&r);
        mask[i] = (l >= (size_t)L / 2 && l < (size_t)L / 2 + 10) ? 0.0f : 1.0f;
        lm[i] = mask[i] == 0.0f;
    }
    for (int b = 0; b < B; b++) t[b] = (int32_t)ts_rng_below(&r, 200);
    ts_diffusion_q_sample(&d, x0, eps, t, mask, (size_t)B, (size_t)L, xt);
    /* a non-zero output layer, as after some training */
    for (int i = 0; i < C; i++) net.params[net.p.out_w + i] = 0.01f * ts_rng_normal(&r);
    ts_adam adam;
    ts_adam_init(&adam, net.params, net.grads, net.p.total);

    double *tt = ts_malloc((size_t)(runs + 1) * sizeof(double));
    double *td = ts_malloc((size_t)(runs + 1) * sizeof(double));
    for (int i = 0; i <= runs; i++) {   /* run 0 warms up */
        double a = ts_now();
        ts_sssd_forward(&net, &tr, xt, x0, mask, t);
        ts_mse_forward(tr.out, eps, lm, BL);
        memset(dout, 0, BL * sizeof(float));
        ts_mse_backward(dout, tr.out, eps, lm, BL, 1.0f);
        memset(net.grads, 0, net.p.total * sizeof(float));
        ts_sssd_backward(&net, &tr, xt, dout);
        ts_sssd_mask_grads(&net, net.grads);
        ts_adam_step(&adam, 1e-5);
        tt[i] = ts_now() - a;
    }
    ts_sssd_plan_cache_kernels(&net, &inf);   /* as the samplers do: parameters fixed */
    for (int i = 0; i <= runs; i++) {
        double a = ts_now();
        ts_sssd_forward(&net, &inf, xt, x0, mask, t);
        td[i] = ts_now() - a;
    }
    qsort(tt + 1, (size_t)runs, sizeof(double), cmp_double);
    qsort(td + 1, (size_t)runs, sizeof(double), cmp_double);
    double mt = tt[1 + runs / 2], md = td[1 + runs / 2];
    char name[48];
    snprintf(name, sizeof name, "%d x %d, batch %d", layers, C, B);
    int k = -1;
    for (int i = 0; i < (int)(sizeof ref / sizeof ref[0]); i++)
        if (ref[i].layers == layers && ref[i].C == C && ref[i].B == B && L == 200 && N == 64) k = i;
    printf("%-20s %10zu  %8.4f s  (min %.4f)", name, ts_sssd_num_trainable(&net), mt, tt[1]);
    if (k >= 0) printf("  ref %6.3f s  %5.1fx", ref[k].train, ref[k].train / mt);
    else printf("  %-20s", "");
    printf("   %8.4f s  (min %.4f)", md, td[1]);
    if (k >= 0) printf("  ref %6.3f s  %5.1fx", ref[k].denoise, ref[k].denoise / md);
    else printf("  %-20s", "");
    printf("   %7.1f MiB\n", peak_mib());
    fflush(stdout);

    free(tt); free(td);
    free(x0); free(xt); free(eps); free(mask); free(dout); free(lm); free(t);
    ts_adam_free(&adam);
    ts_diffusion_free(&d);
    ts_sssd_plan_free(&tr);
    ts_sssd_plan_free(&inf);
    ts_sssd_net_free(&net);
    return 0;
}

int bench_model(int argc, char **argv)
{
    const char *C_ = "bench model";
    long layers = 0, ch = 0, batch = 0, L = 200, N = 64, runs = 5, threads = 0;
    const ts_option opts[] = {
        TS_OPT_LONG_(0, "layers", &layers, "N", 1, 1024, "residual blocks"),
        TS_OPT_LONG_(0, "channels", &ch, "C", 1, 4096, "residual channels"),
        TS_OPT_LONG_(0, "batch", &batch, "B", 1, 65536, "windows per batch"),
        TS_OPT_LONG_(0, "length", &L, "L", 2, 1000000, "window length (200)"),
        TS_OPT_LONG_(0, "state", &N, "N", 2, 1024, "S4 state size (64)"),
        TS_OPT_LONG_(0, "runs", &runs, "R", 1, 1000, "timed runs after a warm-up; the median is reported (default 5)"),
        CLI_THREADS_OPTION(&threads),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C_, "tracesynth bench model [--layers N --channels C --batch B --length L] [--state N]\n"
        "                              [--runs R] [--threads N]",
        "Times one training step (forward + backward + Adam) and one denoising step (one\n"
        "forward) of the SSSD-S4 network, with the peak resident memory, beside the PyTorch\n"
        "reference of ANCHORS.md table D where it has the same size. Without a size, runs\n"
        "4 x 64 (batch 16) and 4 x 128 (batch 32) at L = 200.\n",
        opts, 0, 0, NULL, 0, NULL,
    };
    int rc = cli_parse_options(&spec, argc, argv);
    if (rc >= 0) return rc;
    if (N % 2) return cli_usage_error(C_, "--state must be even");
    ts_set_threads((int)threads);
    printf("SSSD-S4, T = 200, L = %ld, S4 state %ld, %d threads; median of %ld runs "
           "(reference: PyTorch 1.13, 2 threads)\n", L, N, ts_get_threads(), runs);
    printf("%-20s %10s  %-40s   %-40s   %s\n", "layers x channels", "params", "training step",
           "denoising step", "peak RSS");
    if (layers || ch || batch) {
        if (bench_one(layers ? (int)layers : 4, ch ? (int)ch : 64, batch ? (int)batch : 16, (int)L,
                      (int)N, (int)runs) != 0)
            return cli_fail();
        return 0;
    }
    if (bench_one(4, 64, 16, (int)L, (int)N, (int)runs) != 0) return cli_fail();
    if (bench_one(4, 128, 32, (int)L, (int)N, (int)runs) != 0) return cli_fail();
    return 0;
}
