/* tracesynth bench layers: forward and backward time of the layers around SSSD-S4's
 * S4 layer at its shapes, and of the transformer's, beside the machine's measured SGEMM
 * peak (the S4 layer is timed in bench model --profile's steps).
 *
 * Per (channels C, batch B, length L) it times the layers of one SSSD residual
 * block: the weight-normed k=3 conv C -> 2C, layer norm and GELU over 2C
 * channels (the S4 layer's wrapping), the gate 2C -> C, the weight-normed k=1
 * res/skip conv C -> C, the diffusion-step projection fc_t (512 -> C), and the
 * step-embedding MLP (128 -> 512 -> 512). Each time is the best of several runs. */
#include "cli.h"
#include "tracesynth/nn.h"

#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static double min_time = 0.2;

typedef void (*bench_fn)(void *ctx);

/* best time of at least 3 runs, running for at least min_time seconds */
static double best_time(bench_fn f, void *ctx)
{
    f(ctx);   /* warm up: pages, caches, BLAS threads */
    double best = 1e30, t0 = ts_now();
    int runs = 0;
    while (runs < 3 || ts_now() - t0 < min_time) {
        double a = ts_now();
        f(ctx);
        double t = ts_now() - a;
        if (t < best) best = t;
        runs++;
        if (runs >= 1000) break;
    }
    return best;
}

/* ---- SGEMM peak ---- */
typedef struct { int n, own; float *a, *b, *c; } gemm_ctx;
static void run_gemm(void *p)
{
    gemm_ctx *g = p;
    if (g->own)   /* OpenBLAS's own threads */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->n, g->n, g->n, 1.0f, g->a, g->n,
                    g->b, g->n, 0.0f, g->c, g->n);
    else          /* split over the OpenMP threads, as the layers run */
        ts_sgemm(0, 0, g->n, g->n, g->n, 1.0f, g->a, g->n, g->b, g->n, 0.0f, g->c, g->n);
}

/* n = 1024 SGEMM, best run (as every time here): OpenBLAS threaded by itself, and ts_sgemm */
static void sgemm_peak(double *blas, double *ours)
{
    gemm_ctx g = {1024, 1, NULL, NULL, NULL};
    size_t nn = (size_t)g.n * g.n;
    g.a = ts_alloc_aligned(nn * sizeof(float));
    g.b = ts_alloc_aligned(nn * sizeof(float));
    g.c = ts_alloc_aligned(nn * sizeof(float));
    ts_rng r;
    ts_rng_seed(&r, 1);
    ts_init_normal(g.a, nn, 0, 1, &r);
    ts_init_normal(g.b, nn, 0, 1, &r);
    for (int own = 1; own >= 0; own--) {
        g.own = own;
        openblas_set_num_threads(own ? ts_get_threads() : 1);
        *(own ? blas : ours) = 2.0 * nn * g.n / best_time(run_gemm, &g) * 1e-9;
    }
    ts_free_aligned(g.a);
    ts_free_aligned(g.b);
    ts_free_aligned(g.c);
}

/* ---- one SSSD block's layers at (B, C, L) ---- */
typedef struct {
    int B, C, L, Cin, Cout, K, N, In, Out;
    float *x, *y, *dy, *dx, *v, *g, *b, *dv, *dg, *db, *scr, *mean, *rstd, *act;
    int32_t *steps;
} layer_ctx;

static void f_convwn(void *p)
{
    layer_ctx *c = p;
    ts_conv1d_wn_forward(c->y, c->x, c->v, c->g, c->b, c->B, c->Cin, c->Cout, c->L, c->K, 1,
                         c->scr, ts_get_threads());
}
static void b_convwn(void *p)
{
    layer_ctx *c = p;
    ts_conv1d_wn_backward(c->dx, c->dv, c->dg, c->db, c->dy, c->x, c->v, c->g, c->B, c->Cin,
                          c->Cout, c->L, c->K, 1, c->scr, ts_get_threads());
}
static void f_linear(void *p)
{
    layer_ctx *c = p;
    ts_linear_forward(c->y, c->x, c->v, c->b, c->N, c->In, c->Out);
}
static void b_linear(void *p)
{
    layer_ctx *c = p;
    ts_linear_backward(c->dx, c->dv, c->db, c->dy, c->x, c->v, c->N, c->In, c->Out);
}
static void f_ln(void *p)
{
    layer_ctx *c = p;
    ts_layernorm_forward(c->y, c->mean, c->rstd, c->x, c->g, c->b, c->B, c->C, c->L);
}
static void b_ln(void *p)
{
    layer_ctx *c = p;
    ts_layernorm_backward(c->dx, c->dg, c->db, c->dy, c->x, c->mean, c->rstd, c->g, c->B, c->C,
                          c->L);
}
static void f_gelu(void *p)
{
    layer_ctx *c = p;
    ts_gelu_forward(c->y, c->x, (size_t)c->B * c->C * c->L);
}
static void b_gelu(void *p)
{
    layer_ctx *c = p;
    ts_gelu_backward(c->dx, c->dy, c->x, (size_t)c->B * c->C * c->L);
}
static void f_gate(void *p)
{
    layer_ctx *c = p;
    ts_gate_forward(c->y, c->x, c->B, c->C, c->L);
}
static void b_gate(void *p)
{
    layer_ctx *c = p;
    ts_gate_backward(c->dx, c->dy, c->x, c->B, c->C, c->L);
}
static void f_stepmlp(void *p)
{
    layer_ctx *c = p;
    ts_stepmlp_forward(c->y, c->act, c->steps, c->v, c->b, c->g, c->mean, c->B, 128, 512, 512);
}
static void b_stepmlp(void *p)
{
    layer_ctx *c = p;
    ts_stepmlp_backward(c->dv, c->db, c->dg, c->rstd, c->dy, c->act, c->v, c->g, c->B, 128, 512,
                        512, c->scr);
}

/* big enough for every layer of the block at (B, C, L) */
static void ctx_alloc(layer_ctx *c, int B, int C, int L)
{
    size_t act = (size_t)B * 2 * C * L;
    if (act < (size_t)B * 512) act = (size_t)B * 512;   /* fc_t input, step MLP output */
    size_t par = (size_t)2 * C * C * 3 + 512 * 512;
    if (par < (size_t)B * L) par = (size_t)B * L;   /* layer-norm statistics */
    size_t scr = ts_conv1d_wn_scratch_size(C, 2 * C, L, 3) + ts_stepmlp_scratch_size(B, 128, 512, 512);
    ts_rng r;
    ts_rng_seed(&r, 7);
    memset(c, 0, sizeof *c);
    c->B = B; c->C = C; c->L = L;
    float **bufs[] = {&c->x, &c->y, &c->dy, &c->dx};
    for (int i = 0; i < 4; i++) {
        *bufs[i] = ts_alloc_aligned(act * sizeof(float));
        ts_init_normal(*bufs[i], act, 0, 1, &r);
    }
    float **pars[] = {&c->v, &c->g, &c->b, &c->dv, &c->dg, &c->db, &c->mean, &c->rstd};
    for (int i = 0; i < 8; i++) {
        *pars[i] = ts_alloc_aligned(par * sizeof(float));
        ts_init_uniform(*pars[i], par, 0.5f, 1.0f, &r);
    }
    c->scr = ts_alloc_aligned(scr * sizeof(float));
    c->act = ts_alloc_aligned(ts_stepmlp_act_size(B, 128, 512, 512) * sizeof(float));
    c->steps = ts_malloc((size_t)B * sizeof(int32_t));
    for (int i = 0; i < B; i++) c->steps[i] = (int32_t)ts_rng_below(&r, 200);
}

static void ctx_free(layer_ctx *c)
{
    float *all[] = {c->x, c->y, c->dy, c->dx, c->v, c->g, c->b, c->dv, c->dg, c->db, c->mean,
                    c->rstd, c->scr, c->act};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) ts_free_aligned(all[i]);
    free(c->steps);
}

static void row(const char *name, const char *shape, layer_ctx *c, bench_fn f, bench_fn b,
                double fflop, double bflop, double peak)
{
    double tf = best_time(f, c), tb = best_time(b, c);
    printf("  %-22s %-20s %9.3f %9.3f", name, shape, tf * 1e3, tb * 1e3);
    if (fflop > 0)
        printf(" %8.1f %8.1f %5.0f%% %5.0f%%\n", fflop / tf * 1e-9, bflop / tb * 1e-9,
               100 * fflop / tf * 1e-9 / peak, 100 * bflop / tb * 1e-9 / peak);
    else
        printf(" %8s %8s %6s %6s\n", "-", "-", "-", "-");
}

static void bench_shape(int B, int C, int L, double peak)
{
    layer_ctx c;
    ctx_alloc(&c, B, C, L);
    char shape[64];
    printf("B=%d C=%d L=%d\n", B, C, L);
    printf("  %-22s %-20s %9s %9s %8s %8s %6s %6s\n", "layer", "shape", "fwd ms", "bwd ms",
           "fwd GF/s", "bwd GF/s", "fwd", "bwd");
    double BL = (double)B * L;

    c.Cin = C; c.Cout = 2 * C; c.K = 3;
    snprintf(shape, sizeof shape, "%d->%d k3", C, 2 * C);
    row("conv1d+wn (conv_layer)", shape, &c, f_convwn, b_convwn, 2 * BL * c.Cout * c.Cin * 3,
        4 * BL * c.Cout * c.Cin * 3, peak);
    c.Cin = C; c.Cout = C; c.K = 1;
    snprintf(shape, sizeof shape, "%d->%d k1", C, C);
    row("conv1d+wn (res/skip)", shape, &c, f_convwn, b_convwn, 2 * BL * C * C, 4 * BL * C * C, peak);

    c.C = 2 * C;
    snprintf(shape, sizeof shape, "(%d,%d,%d)", B, 2 * C, L);
    row("layernorm (channels)", shape, &c, f_ln, b_ln, 0, 0, peak);
    row("gelu", shape, &c, f_gelu, b_gelu, 0, 0, peak);
    c.C = C;
    snprintf(shape, sizeof shape, "(%d,%d,%d)->C", B, 2 * C, L);
    row("gate tanh*sigmoid", shape, &c, f_gate, b_gate, 0, 0, peak);

    c.N = B; c.In = 512; c.Out = C;
    snprintf(shape, sizeof shape, "(%d,512)->%d", B, C);
    row("linear (fc_t)", shape, &c, f_linear, b_linear, 2.0 * B * 512 * C, 4.0 * B * 512 * C, peak);
    snprintf(shape, sizeof shape, "(%d) 128-512-512", B);
    double mlp = 2.0 * B * (128 * 512 + 512 * 512);
    row("step embedding MLP", shape, &c, f_stepmlp, b_stepmlp, mlp, 2 * mlp, peak);
    ctx_free(&c);
}

/* ---- the products of a k=1 convolution: per item, or one over the batch ---- */
/* The network keeps activations as (B, C, L): a k=1 convolution C -> 2C is B products of
 * (2C, L), one item per thread. Activations kept as (C, B, L) would make it one product of
 * (2C, B L) split by ts_sgemm. Timed side by side, the same FLOPs: forward W X, the input
 * gradient W^T dY, the weight gradient dY X^T summed over the items (per item: one sum per
 * thread that runs, added after) */
typedef struct {
    int B, C, L, whole, which;   /* which: 0 forward, 1 input gradient, 2 weight gradient */
    float *w, *x, *y, *dw;       /* w (2C, C); x (B, C, L); y (B, 2C, L); dw (threads, 2C, C) */
} layout_ctx;

static void run_layout(void *p)
{
    layout_ctx *c = p;
    const int C = c->C, C2 = 2 * C, L = c->L, B = c->B, BL = B * L;
    const size_t cc = (size_t)C2 * C;
    if (c->whole) {
        if (c->which == 0) ts_sgemm(0, 0, C2, BL, C, 1, c->w, C, c->x, BL, 0, c->y, BL);
        else if (c->which == 1) ts_sgemm(1, 0, C, BL, C2, 1, c->w, C, c->y, BL, 0, c->x, BL);
        else ts_sgemm(0, 1, C2, C, BL, 1, c->y, BL, c->x, BL, 0, c->dw, C);
        return;
    }
    const int nt = ts_get_threads();
    #pragma omp parallel num_threads(nt)
    {
        const int t = omp_get_thread_num();
        float *dw = c->dw + (size_t)t * cc;
        if (c->which == 2) memset(dw, 0, cc * sizeof *dw);
        #pragma omp for schedule(static)
        for (int b = 0; b < B; b++) {
            float *x = c->x + (size_t)b * C * L, *y = c->y + (size_t)b * C2 * L;
            if (c->which == 0) ts_gemm_1t(0, 0, C2, L, C, 1, c->w, C, x, L, 0, y, L);
            else if (c->which == 1) ts_gemm_1t(1, 0, C, L, C2, 1, c->w, C, y, L, 0, x, L);
            else ts_gemm_1t(0, 1, C2, C, L, 1, y, L, x, L, 1, dw, C);
        }
        if (c->which == 2) {   /* the sums of the threads that ran added, by rows (OpenMP may run
                                * fewer than nt: another's buffer holds an earlier run's sum) */
            const int ran = omp_get_num_threads();
            #pragma omp for schedule(static)
            for (size_t i = 0; i < cc; i++)
                for (int u = 1; u < ran; u++) c->dw[i] += c->dw[(size_t)u * cc + i];
        }
    }
}

static void bench_layout(int B, int C, int L, double peak)
{
    layout_ctx c = {B, C, L, 0, 0, NULL, NULL, NULL, NULL};
    const size_t nx = (size_t)B * C * L, cc = (size_t)2 * C * C;
    ts_rng r;
    ts_rng_seed(&r, 13);
    c.w = ts_alloc_aligned(cc * sizeof(float));
    c.x = ts_alloc_aligned(nx * sizeof(float));
    c.y = ts_alloc_aligned(2 * nx * sizeof(float));
    c.dw = ts_alloc_aligned((size_t)ts_get_threads() * cc * sizeof(float));
    ts_init_normal(c.w, cc, 0, 1, &r);
    ts_init_normal(c.x, nx, 0, 1, &r);
    ts_init_normal(c.y, 2 * nx, 0, 1, &r);
    printf("k=1 convolution %d->%d, B=%d L=%d: B products of (%d, L) against one of (%d, B L)\n", C, 2 * C, B, L,
           2 * C, 2 * C);
    printf("  %-22s %12s %12s %8s %8s %6s %6s\n", "product", "per item ms", "one ms", "item GF/s", "one GF/s",
           "item", "one");
    const char *name[3] = {"forward W X", "input grad W^T dY", "weight grad dY X^T"};
    const double flop = 2.0 * B * L * (double)cc;
    for (int w = 0; w < 3; w++) {
        double t[2];
        c.which = w;
        for (c.whole = 0; c.whole < 2; c.whole++) t[c.whole] = best_time(run_layout, &c);
        printf("  %-22s %12.3f %12.3f %8.1f %8.1f %5.0f%% %5.0f%%\n", name[w], t[0] * 1e3, t[1] * 1e3,
               flop / t[0] * 1e-9, flop / t[1] * 1e-9, 100 * flop / t[0] * 1e-9 / peak,
               100 * flop / t[1] * 1e-9 / peak);
    }
    printf("\n");
    ts_free_aligned(c.w);
    ts_free_aligned(c.x);
    ts_free_aligned(c.y);
    ts_free_aligned(c.dw);
}

/* ---- transformer layers at (B, L, C), row-major (B, L, C) data ---- */
typedef struct {
    ts_tblock_config c;
    int B, L;
    float *x, *y, *dy, *dx, *p, *dp, *act, *scr, *tab, *mean, *rstd;
} tf_ctx;

static void f_tln(void *q)
{
    tf_ctx *t = q;
    ts_layernorm_rows_forward(t->y, t->mean, t->rstd, t->x, t->p, t->p + t->c.C, t->B * t->L, t->c.C);
}
static void b_tln(void *q)
{
    tf_ctx *t = q;
    ts_layernorm_rows_backward(t->dx, t->dp, t->dp + t->c.C, t->dy, t->x, t->mean, t->rstd, t->p,
                               t->B * t->L, t->c.C);
}
static void f_rope(void *q)   /* q and k of a fused qkv buffer */
{
    tf_ctx *t = q;
    ts_rope_forward(t->y, t->x, t->tab, t->B, t->L, 2 * t->c.H, t->c.C / t->c.H, 3 * t->c.C);
}
static void b_rope(void *q)
{
    tf_ctx *t = q;
    ts_rope_backward(t->dx, t->dy, t->tab, t->B, t->L, 2 * t->c.H, t->c.C / t->c.H, 3 * t->c.C);
}
static void f_qkv(void *q)
{
    tf_ctx *t = q;
    ts_linear_forward(t->y, t->x, t->p, t->p + 3 * t->c.C * t->c.C, t->B * t->L, t->c.C, 3 * t->c.C);
}
static void b_qkv(void *q)
{
    tf_ctx *t = q;
    ts_linear_backward(t->dx, t->dp, t->dp + 3 * t->c.C * t->c.C, t->dy, t->x, t->p, t->B * t->L,
                       t->c.C, 3 * t->c.C);
}
static void f_attn(void *q)
{
    tf_ctx *t = q;
    ts_attention_forward(t->y, t->act, t->x, t->B, t->L, t->c.C, t->c.H);
}
static void b_attn(void *q)
{
    tf_ctx *t = q;
    ts_attention_backward(t->dx, t->dy, t->x, t->act, t->B, t->L, t->c.C, t->c.H, t->scr, ts_get_threads());
}
static void f_tblock(void *q)
{
    tf_ctx *t = q;
    ts_tblock_forward(&t->c, t->p, t->tab, t->x, t->y, t->act, t->B, t->L);
}
static void b_tblock(void *q)
{
    tf_ctx *t = q;
    ts_tblock_backward(&t->c, t->p, t->tab, t->x, t->act, t->dy, t->dp, t->dx, t->scr, ts_get_threads(), t->B, t->L);
}

/* as row(), for the transformer context */
static void tf_row(const char *name, const char *shape, tf_ctx *t, bench_fn f, bench_fn b,
                   double fflop, double bflop, double peak)
{
    double tf = best_time(f, t), tb = best_time(b, t);
    printf("  %-22s %-20s %9.3f %9.3f", name, shape, tf * 1e3, tb * 1e3);
    if (fflop > 0)
        printf(" %8.1f %8.1f %5.0f%% %5.0f%%\n", fflop / tf * 1e-9, bflop / tb * 1e-9,
               100 * fflop / tf * 1e-9 / peak, 100 * bflop / tb * 1e-9 / peak);
    else
        printf(" %8s %8s %6s %6s\n", "-", "-", "-", "-");
}

static void bench_transformer(int B, int C, int L, double peak)
{
    tf_ctx t;
    memset(&t, 0, sizeof t);
    t.c.C = C; t.c.H = 4; t.c.F = 4 * C; t.c.rope = 1; t.B = B; t.L = L;
    printf("transformer B=%d C=%d L=%d H=%d F=%d (rows (B, L, C))\n", B, C, L, t.c.H, t.c.F);
    if (C % 8 || (double)B * t.c.H * L * L > 2.7e8) {
        printf("  skipped: C must be a multiple of 8 and B H L^2 at most 2.7e8 floats\n\n");
        return;
    }
    ts_tblock_layout lo;
    ts_tblock_layout_of(&t.c, &lo);
    size_t N = (size_t)B * L, big = 3 * N * C;
    size_t act = ts_tblock_act_size(&t.c, B, L), scr = ts_tblock_scratch_size(&t.c, B, L);
    ts_rng r;
    ts_rng_seed(&r, 11);
    float **bufs[] = {&t.x, &t.y, &t.dy, &t.dx};
    for (int i = 0; i < 4; i++) {
        *bufs[i] = ts_alloc_aligned(big * sizeof(float));
        ts_init_normal(*bufs[i], big, 0, 1, &r);
    }
    t.p = ts_alloc_aligned(lo.total * sizeof(float));
    t.dp = ts_alloc_aligned(lo.total * sizeof(float));
    ts_tblock_init(&t.c, t.p, 4, &r);
    memset(t.dp, 0, lo.total * sizeof(float));
    t.act = ts_alloc_aligned(act * sizeof(float));
    t.scr = ts_alloc_aligned(scr * sizeof(float));
    t.mean = ts_alloc_aligned(N * sizeof(float));
    t.rstd = ts_alloc_aligned(N * sizeof(float));
    t.tab = ts_alloc_aligned((size_t)L * (C / t.c.H) * sizeof(float));
    ts_rope_table(t.tab, L, C / t.c.H, 10000.0);
    printf("  %-22s %-20s %9s %9s %8s %8s %6s %6s\n", "layer", "shape", "fwd ms", "bwd ms",
           "fwd GF/s", "bwd GF/s", "fwd", "bwd");
    char shape[64];
    double BL = (double)N, att = (double)B * L * L * C;
    snprintf(shape, sizeof shape, "(%d,%d,%d)", B, L, C);
    tf_row("layernorm (rows)", shape, &t, f_tln, b_tln, 0, 0, peak);
    snprintf(shape, sizeof shape, "%d->%d", C, 3 * C);
    tf_row("linear (fused qkv)", shape, &t, f_qkv, b_qkv, 2 * BL * C * 3 * C, 4 * BL * C * 3 * C,
           peak);
    snprintf(shape, sizeof shape, "q,k of (%d,%d,%d)", B, L, 3 * C);
    tf_row("rope", shape, &t, f_rope, b_rope, 0, 0, peak);
    snprintf(shape, sizeof shape, "H=%d (B,H,L,L)", t.c.H);
    tf_row("self-attention core", shape, &t, f_attn, b_attn, 4 * att, 8 * att, peak);
    double gem = 2 * BL * (4.0 * C * C + 2.0 * C * t.c.F);
    snprintf(shape, sizeof shape, "C=%d H=%d F=%d rope", C, t.c.H, t.c.F);
    tf_row("encoder block (pre-LN)", shape, &t, f_tblock, b_tblock, gem + 4 * att,
           2 * gem + 8 * att, peak);
    printf("  block memory: activations %.1f MB per block, backward scratch %.1f MB\n\n",
           act * 4e-6, scr * 4e-6);
    float *all[] = {t.x, t.y, t.dy, t.dx, t.p, t.dp, t.act, t.scr, t.mean, t.rstd, t.tab};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) ts_free_aligned(all[i]);
}

int bench_layers(int argc, char **argv)
{
    long threads = 0, batch = 0, channels = 0, length = 200;
    const ts_option opts[] = {
        CLI_THREADS_OPTION(&threads),
        CLI_PRECISION_OPTION,
        TS_OPT_LONG_(0, "batch", &batch, "B", 1, 4096, "batch size (default: 16 and 32)"),
        TS_OPT_LONG_(0, "channels", &channels, "C", 1, 4096, "residual channels (default: 64, 128 and 256)"),
        TS_OPT_LONG_(0, "length", &length, "L", 1, 100000, "sequence length (default: 200)"),
        TS_OPT_DBL_(0, "min-time", &min_time, "S", 0, 60, "seconds spent per measurement, at least 3 runs\n"
                    "(default 0.2)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "bench layers", "tracesynth bench layers [--threads N] [--batch B] [--channels C]\n"
        "                               [--length L] [--min-time S]",
        "Times forward and backward of the layers of an SSSD-S4 residual block around its\n"
        "S4 layer (the k=3 and k=1 convolutions, layer norm, GELU, gate, fc_t and the\n"
        "step embedding MLP; the S4 layer itself is timed in the steps of\n"
        "bench model --profile) and prints GFLOP/s beside the measured OpenBLAS SGEMM\n"
        "peak (n = 1024). Every time is the best of at least 3 runs (after a warm-up)\n"
        "lasting --min-time in all.\n\n"
        "Then the transformer layers (row layer norm, RoPE, multi-head self-attention,\n"
        "one pre-LN encoder block with H = 4 heads, MLP 4C) at B = 16\n"
        "(or --batch), C = 128 (or --channels, a multiple of 8) and L = --length.\n\n"
        "Between them, the products of a k=1 convolution C -> 2C at B = 32, C = 128 (or\n"
        "--batch, --channels): B products of one item each, as the network runs them on\n"
        "its (B, C, L) activations, against one product over the batch, as (C, B, L)\n"
        "activations would allow.\n",
        opts, 0, 0, NULL, 0, NULL,
    };
    int rc = cli_parse_options(&spec, argc, argv);
    if (rc >= 0) return rc;
    ts_set_threads((int)threads);
    double peak = 0, ours = 0;
    sgemm_peak(&peak, &ours);
    char blas[512];
    ts_blas_describe(blas, sizeof blas);
    char bf16[256];
    ts_bf16_describe(bf16, sizeof bf16);
    printf("threads %d, %s\n%s\n%s\n", ts_get_threads(), openblas_get_config(), blas, bf16);
    printf("SGEMM n=1024: OpenBLAS %.1f GFLOP/s (the peak below), ts_sgemm %.1f GFLOP/s\n",
           peak, ours);
    {   /* the same product in bf16 with float32 sums (--precision bf16), when available */
        ts_precision was = ts_get_precision();
        if (ts_set_precision(TS_PRECISION_BF16) == 0) {
            double bp = 0, bo = 0;
            sgemm_peak(&bp, &bo);
            printf("bf16 products n=1024 (--precision bf16: oneDNN, float32 sums): ts_sgemm %.1f GFLOP/s\n", bo);
        } else {
            printf("bf16 products: not available (%s)\n", ts_error());
        }
        ts_set_precision(was);
    }
    printf("times in ms (best run); GF/s and %% of peak for the layers that are GEMMs\n");
    /* OpenMP threads spin while they wait; with other work on the cores that
     * spinning steals the time slices the working threads need */
    double load = 0;
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load) != 1) load = 0;
        fclose(la);
    }
    int cores = omp_get_num_procs();
    if (ts_get_threads() > 1 && load > cores)
        printf("note: load average %.1f on %d core%s; multi-threaded times suffer from other work "
               "(--threads 1 measures one core)\n", load, cores, ts_plural((size_t)cores));
    printf("\n");
    int bs[2] = {16, 32}, cs[3] = {64, 128, 256};
    int nb = batch ? 1 : 2, nc = channels ? 1 : 3;
    for (int ic = 0; ic < nc; ic++)
        for (int ib = 0; ib < nb; ib++) {
            bench_shape(batch ? (int)batch : bs[ib], channels ? (int)channels : cs[ic], (int)length,
                        peak);
            fflush(stdout);
        }
    bench_layout(batch ? (int)batch : 32, channels ? (int)channels : 128, (int)length, peak);
    bench_transformer(batch ? (int)batch : 16, channels ? (int)channels : 128, (int)length, peak);
    return 0;
}
