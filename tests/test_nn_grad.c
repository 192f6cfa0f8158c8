/* Gradient check of every layer and loss in nn.h: the analytic backward
 * against central finite differences of the forward, for parameters and inputs.
 *
 * Each check forms the scalar S = sum(out * R) for a fixed random R (computed
 * in double), runs backward with dout = R, then moves one float at a time by
 * +-H and compares (S+ - S-) / (actual step) with the gradient. Float forward
 * passes make the numeric side accurate to about 1e-4 at these sizes, while a
 * wrong formula is off by O(1): tolerances sit in between. */
#include "check.h"
#include "gradcheck.h"
#include "tracesynth.h"
#include "tracesynth/nn.h"

#define H 1e-2f

static ts_rng rng;

static float *randv(size_t n, float scale) { return randv_from(&rng, n, scale); }


/* ---- Conv1d (plain and weight-normalised) ---- */
static struct { int B, Cin, Cout, L, K, dil, wn; float *x, *w, *v, *g, *b, *out, *R, *scr; } cv;

static double conv_loss(void)
{
    if (cv.wn)
        ts_conv1d_wn_forward(cv.out, cv.x, cv.v, cv.g, cv.b, cv.B, cv.Cin, cv.Cout, cv.L, cv.K,
                             cv.dil, cv.scr, ts_get_threads());
    else
        ts_conv1d_forward(cv.out, cv.x, cv.w, cv.b, cv.B, cv.Cin, cv.Cout, cv.L, cv.K, cv.dil,
                          cv.scr, ts_get_threads());
    return dot(cv.out, cv.R, (size_t)cv.B * cv.Cout * cv.L);
}

static void conv_case(int K, int dil, int wn, int bias)
{
    cv.B = 2; cv.Cin = 3; cv.Cout = 4; cv.L = 9; cv.K = K; cv.dil = dil; cv.wn = wn;
    size_t nx = (size_t)cv.B * cv.Cin * cv.L, no = (size_t)cv.B * cv.Cout * cv.L;
    size_t nw = (size_t)cv.Cout * cv.Cin * K;
    cv.x = randv(nx, 1); cv.w = randv(nw, 0.5f); cv.v = randv(nw, 0.5f);
    cv.g = randv(cv.Cout, 1); cv.b = bias ? randv(cv.Cout, 0.5f) : NULL;
    cv.out = zeros(no); cv.R = randv(no, 1);
    cv.scr = zeros(ts_conv1d_wn_scratch_size(cv.Cin, cv.Cout, cv.L, K));
    float *dx = zeros(nx), *dw = zeros(nw), *dg = zeros(cv.Cout), *db = zeros(cv.Cout);
    conv_loss();
    if (wn)
        ts_conv1d_wn_backward(dx, dw, dg, bias ? db : NULL, cv.R, cv.x, cv.v, cv.g, cv.B, cv.Cin,
                              cv.Cout, cv.L, K, dil, cv.scr, ts_get_threads());
    else
        ts_conv1d_backward(dx, dw, bias ? db : NULL, cv.R, cv.x, cv.w, cv.B, cv.Cin, cv.Cout,
                           cv.L, K, dil, cv.scr, ts_get_threads());
    char name[64];
    snprintf(name, sizeof name, "conv%s K=%d d=%d x", wn ? "_wn" : "", K, dil);
    GRAD_OK(name, conv_loss, cv.x, dx, nx, 1e-3);
    snprintf(name, sizeof name, "conv%s K=%d d=%d %s", wn ? "_wn" : "", K, dil, wn ? "v" : "w");
    GRAD_OK(name, conv_loss, wn ? cv.v : cv.w, dw, nw, 1e-3);
    if (wn) GRAD_OK("conv_wn g", conv_loss, cv.g, dg, cv.Cout, 1e-3);
    if (bias) GRAD_OK("conv b", conv_loss, cv.b, db, cv.Cout, 1e-3);
    /* dx == NULL must leave the parameter gradients unchanged */
    float *dw2 = zeros(nw), *dg2 = zeros(cv.Cout);
    if (wn)
        ts_conv1d_wn_backward(NULL, dw2, dg2, NULL, cv.R, cv.x, cv.v, cv.g, cv.B, cv.Cin, cv.Cout,
                              cv.L, K, dil, cv.scr, ts_get_threads());
    else
        ts_conv1d_backward(NULL, dw2, NULL, cv.R, cv.x, cv.w, cv.B, cv.Cin, cv.Cout, cv.L, K, dil,
                           cv.scr, ts_get_threads());
    for (size_t i = 0; i < nw; i++) CHECK(dw2[i] == dw[i]);
    if (wn) for (int o = 0; o < cv.Cout; o++) CHECK(dg2[o] == dg[o]);
    free(cv.x); free(cv.w); free(cv.v); free(cv.g); free(cv.b); free(cv.out); free(cv.R);
    free(cv.scr); free(dx); free(dw); free(dg); free(db); free(dw2); free(dg2);
}

static void grad_conv1d(void)
{
    conv_case(1, 1, 0, 1);
    conv_case(3, 1, 0, 1);
    conv_case(3, 2, 0, 0);
    conv_case(3, 4, 0, 1);     /* shifts near the edge of L = 9 */
    conv_case(5, 3, 0, 1);
}

static void grad_conv1d_weightnorm(void)
{
    conv_case(1, 1, 1, 1);
    conv_case(3, 1, 1, 1);
    conv_case(3, 2, 1, 0);
}

/* ---- Linear ---- */
static struct { int N, In, Out; float *x, *w, *b, *out, *R; } ln;

static double linear_loss(void)
{
    ts_linear_forward(ln.out, ln.x, ln.w, ln.b, ln.N, ln.In, ln.Out);
    return dot(ln.out, ln.R, (size_t)ln.N * ln.Out);
}

static void grad_linear(void)
{
    ln.N = 5; ln.In = 6; ln.Out = 4;
    size_t nx = (size_t)ln.N * ln.In, nw = (size_t)ln.In * ln.Out, no = (size_t)ln.N * ln.Out;
    ln.x = randv(nx, 1); ln.w = randv(nw, 0.5f); ln.b = randv(ln.Out, 0.5f);
    ln.out = zeros(no); ln.R = randv(no, 1);
    float *dx = zeros(nx), *dw = zeros(nw), *db = zeros(ln.Out);
    linear_loss();
    ts_linear_backward(dx, dw, db, ln.R, ln.x, ln.w, ln.N, ln.In, ln.Out);
    GRAD_OK("linear x", linear_loss, ln.x, dx, nx, 1e-3);
    GRAD_OK("linear w", linear_loss, ln.w, dw, nw, 1e-3);
    GRAD_OK("linear b", linear_loss, ln.b, db, ln.Out, 1e-3);
    free(ln.x); free(ln.w); free(ln.b); free(ln.out); free(ln.R); free(dx); free(dw); free(db);
}

/* ---- LayerNorm over channels ---- */
static struct { int B, C, L; float *x, *ga, *be, *out, *mean, *rstd, *R; } lnm;

static double layernorm_loss(void)
{
    ts_layernorm_forward(lnm.out, lnm.mean, lnm.rstd, lnm.x, lnm.ga, lnm.be, lnm.B, lnm.C, lnm.L);
    return dot(lnm.out, lnm.R, (size_t)lnm.B * lnm.C * lnm.L);
}

static void grad_layernorm(void)
{
    lnm.B = 2; lnm.C = 5; lnm.L = 70;   /* L > 64: two position blocks */
    size_t n = (size_t)lnm.B * lnm.C * lnm.L;
    lnm.x = randv(n, 1); lnm.ga = randv(lnm.C, 1); lnm.be = randv(lnm.C, 1);
    lnm.out = zeros(n); lnm.R = randv(n, 1);
    lnm.mean = zeros((size_t)lnm.B * lnm.L); lnm.rstd = zeros((size_t)lnm.B * lnm.L);
    float *dx = zeros(n), *dga = zeros(lnm.C), *dbe = zeros(lnm.C);
    layernorm_loss();
    ts_layernorm_backward(dx, dga, dbe, lnm.R, lnm.x, lnm.mean, lnm.rstd, lnm.ga, lnm.B, lnm.C,
                          lnm.L);
    GRAD_OK("layernorm x", layernorm_loss, lnm.x, dx, n, 1e-3);
    GRAD_OK("layernorm gamma", layernorm_loss, lnm.ga, dga, lnm.C, 1e-3);
    GRAD_OK("layernorm beta", layernorm_loss, lnm.be, dbe, lnm.C, 1e-3);
    free(lnm.x); free(lnm.ga); free(lnm.be); free(lnm.out); free(lnm.R); free(lnm.mean);
    free(lnm.rstd); free(dx); free(dga); free(dbe);
}

/* LayerNorm of constant rows (every feature equal: the variance is 0, rstd is
 * 1/sqrt(eps)), over channels (B, C, 1) and over rows (N, C) alike: no NaN, Inf or
 * negative variance (E[x^2] - E[x]^2 in float cancels to garbage at 1e4: x^2 ~ 1e8 has
 * a unit of 8), out = beta, dx = rstd (g - mean_c(g)) with g = dout gamma; a nearly
 * constant row at 1e4 against a double reference; the gradient against finite
 * differences at constant rows */
static int lnc_rows;
static double layernorm_const_loss(void)
{
    if (lnc_rows) ts_layernorm_rows_forward(lnm.out, lnm.mean, lnm.rstd, lnm.x, lnm.ga, lnm.be, lnm.B, lnm.C);
    else ts_layernorm_forward(lnm.out, lnm.mean, lnm.rstd, lnm.x, lnm.ga, lnm.be, lnm.B, lnm.C, 1);
    return dot(lnm.out, lnm.R, (size_t)lnm.B * lnm.C);
}

static void grad_layernorm_constant(void)
{
    enum { N = 6, C = 8 };
    static const float rows[N] = {3.0f, 1e4f, -0.1f, 1e4f, 1e-3f, -5e3f};   /* row 3: 1e4 + small noise */
    const double r0 = 1.0 / sqrt((double)TS_LAYERNORM_EPS);
    for (lnc_rows = 0; lnc_rows < 2; lnc_rows++) {
        const char *kind = lnc_rows ? "rows" : "channels";
        lnm.B = N; lnm.C = C;
        lnm.x = zeros(N * C); lnm.ga = randv(C, 1); lnm.be = randv(C, 1);
        lnm.out = zeros(N * C); lnm.R = randv(N * C, 1);
        lnm.mean = zeros(N); lnm.rstd = zeros(N);
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                lnm.x[n * C + c] = rows[n] + (n == 3 ? 0.5f * (float)(c % 3 - 1) + 0.25f * (float)(c == 0) : 0.0f);
        float *dx = zeros(N * C), *dga = zeros(C), *dbe = zeros(C);
        layernorm_const_loss();
        if (lnc_rows) ts_layernorm_rows_backward(dx, dga, dbe, lnm.R, lnm.x, lnm.mean, lnm.rstd, lnm.ga, N, C);
        else ts_layernorm_backward(dx, dga, dbe, lnm.R, lnm.x, lnm.mean, lnm.rstd, lnm.ga, N, C, 1);
        for (int n = 0; n < N; n++) {
            const float *xr = lnm.x + n * C, *o = lnm.out + n * C, *d = dx + n * C, *g = lnm.R + n * C;
            double m = 0, v = 0, gm = 0, gxm = 0;   /* the reference, in double and two passes */
            for (int c = 0; c < C; c++) m += xr[c];
            m /= C;
            for (int c = 0; c < C; c++) v += (xr[c] - m) * (xr[c] - m);
            v /= C;
            const double r = 1.0 / sqrt(v + TS_LAYERNORM_EPS);
            for (int c = 0; c < C; c++) {
                gm += (double)g[c] * lnm.ga[c] / C;
                gxm += (double)g[c] * lnm.ga[c] * (xr[c] - m) * r / C;
            }
            CHECK_MSG(isfinite(lnm.mean[n]) && isfinite(lnm.rstd[n]) && lnm.rstd[n] > 0 &&
                          fabs(lnm.rstd[n] - r) <= 1e-3 * r,
                      "%s, row of %g: mean %g, rstd %g (want %g)", kind, rows[n], lnm.mean[n], lnm.rstd[n], r);
            if (n != 3) CHECK_MSG(fabs(r - r0) <= 1e-6 * r0, "row of %g is not constant", rows[n]);
            for (int c = 0; c < C; c++) {
                const double xh = (xr[c] - m) * r, want = xh * lnm.ga[c] + lnm.be[c];
                const double dw = r * ((double)g[c] * lnm.ga[c] - gm - xh * gxm);
                CHECK_MSG(isfinite(o[c]) && fabs(o[c] - want) <= 1e-2 * (1 + fabs(want)),
                          "%s, row of %g: out[%d] %g, want %g", kind, rows[n], c, o[c], want);
                CHECK_MSG(isfinite(d[c]) && fabs(d[c] - dw) <= 1e-2 * (1 + fabs(dw)),
                          "%s, row of %g: dx[%d] %g, want %g", kind, rows[n], c, d[c], dw);
            }
        }
        free(lnm.x); free(dx);
        /* finite differences: a step of 2^-14, small against sqrt(eps) = 3.2e-3 (the
         * variance, quadratic in it, bends the result by about 3e-5) and exact in float
         * on these rows, their sums and (C = 8) their means */
        static const float fd_rows[N] = {3.0f, -2.0f, 0.5f, 1.0f, 0.0f, 40.0f};
        lnm.x = zeros(N * C);
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++) lnm.x[n * C + c] = fd_rows[n];
        dx = zeros(N * C);
        memset(dga, 0, C * sizeof *dga);
        memset(dbe, 0, C * sizeof *dbe);
        layernorm_const_loss();
        if (lnc_rows) ts_layernorm_rows_backward(dx, dga, dbe, lnm.R, lnm.x, lnm.mean, lnm.rstd, lnm.ga, N, C);
        else ts_layernorm_backward(dx, dga, dbe, lnm.R, lnm.x, lnm.mean, lnm.rstd, lnm.ga, N, C, 1);
        char name[64];
        snprintf(name, sizeof name, "layernorm %s constant x", kind);
        double w = fd_worst(layernorm_const_loss, lnm.x, dx, N * C, ldexpf(1.0f, -14), NULL);
        CHECK_MSG(w <= 1e-3, "%s: worst gradient error %.3g > 1e-3", name, w);
        snprintf(name, sizeof name, "layernorm %s constant gamma", kind);
        GRAD_OK(name, layernorm_const_loss, lnm.ga, dga, C, 1e-3);
        snprintf(name, sizeof name, "layernorm %s constant beta", kind);
        GRAD_OK(name, layernorm_const_loss, lnm.be, dbe, C, 1e-3);
        free(lnm.x); free(lnm.ga); free(lnm.be); free(lnm.out); free(lnm.R); free(lnm.mean);
        free(lnm.rstd); free(dx); free(dga); free(dbe);
    }
}

/* ---- Embedding ---- */
static struct { int N, D; int32_t ids[7]; float *tab, *out, *R; } em;

static double embedding_loss(void)
{
    ts_embedding_forward(em.out, em.ids, em.tab, em.N, em.D);
    return dot(em.out, em.R, (size_t)em.N * em.D);
}

static void grad_embedding(void)
{
    int V = 5;
    em.N = 7; em.D = 3;
    int32_t ids[7] = {4, 0, 2, 4, 1, 4, 0};   /* repeats must add up */
    memcpy(em.ids, ids, sizeof ids);
    em.tab = randv((size_t)V * em.D, 1); em.out = zeros((size_t)em.N * em.D);
    em.R = randv((size_t)em.N * em.D, 1);
    float *dt = zeros((size_t)V * em.D);
    embedding_loss();
    ts_embedding_backward(dt, em.R, em.ids, em.N, em.D);
    GRAD_OK("embedding table", embedding_loss, em.tab, dt, (size_t)V * em.D, 1e-3);
    free(em.tab); free(em.out); free(em.R); free(dt);
}

/* ---- activations, gate, broadcast add ---- */
static struct { int kind, B, C, L; size_t n; float *x, *t, *out, *R, *kept; } ac;

static double act_loss(void)
{
    size_t no = ac.n;
    switch (ac.kind) {
    case 0: ts_relu_forward(ac.out, ac.x, ac.n); break;
    case 1: ts_gelu_forward(ac.out, ac.x, ac.n); break;
    case 2: ts_silu_forward(ac.out, ac.x, ac.n); break;
    case 3: ts_gate_forward(ac.out, ac.x, ac.B, ac.C, ac.L); no = ac.n / 2; break;
    case 5: ts_gelu_forward_deriv(ac.out, ac.kept, ac.x, ac.n); break;
    case 6:   /* the kept variant overwrites its input: run it on a copy */
        memcpy(ac.kept, ac.x, ac.n * sizeof(float));
        ts_gate_forward_keep(ac.out, ac.kept, ac.B, ac.C, ac.L);
        no = ac.n / 2;
        break;
    default: ts_add_bcast_forward(ac.out, ac.x, ac.t, ac.B, ac.C, ac.L); break;
    }
    return dot(ac.out, ac.R, no);
}

static void act_case(int kind, const char *name)
{
    ac.kind = kind; ac.B = 2; ac.C = 3; ac.L = 6;
    ac.n = (size_t)ac.B * (kind == 3 || kind == 6 ? 2 : 1) * ac.C * ac.L;
    ac.x = randv(ac.n, 1.5f);
    if (kind == 0)   /* keep ReLU inputs off the kink */
        for (size_t i = 0; i < ac.n; i++) if (fabsf(ac.x[i]) < 0.05f) ac.x[i] = 0.3f;
    ac.t = randv((size_t)ac.B * ac.C, 1);
    ac.out = zeros(ac.n); ac.R = randv(ac.n, 1); ac.kept = zeros(ac.n);
    float *dx = zeros(ac.n), *dt = zeros((size_t)ac.B * ac.C);
    act_loss();
    switch (kind) {
    case 0: ts_relu_backward(dx, ac.R, ac.x, ac.n); break;
    case 1: ts_gelu_backward(dx, ac.R, ac.x, ac.n); break;
    case 2: ts_silu_backward(dx, ac.R, ac.x, ac.n); break;
    case 3: ts_gate_backward(dx, ac.R, ac.x, ac.B, ac.C, ac.L); break;
    case 5: ts_mul_backward(dx, ac.R, ac.kept, ac.n); break;
    case 6: ts_gate_backward_kept(dx, ac.R, ac.kept, ac.B, ac.C, ac.L); break;
    default: ts_add_bcast_backward(dx, dt, ac.R, ac.B, ac.C, ac.L); break;
    }
    GRAD_OK(name, act_loss, ac.x, dx, ac.n, 1e-3);
    if (kind == 4) GRAD_OK("add_bcast t", act_loss, ac.t, dt, (size_t)ac.B * ac.C, 1e-3);
    free(ac.x); free(ac.t); free(ac.out); free(ac.R); free(ac.kept); free(dx); free(dt);
}

static void grad_activations(void)
{
    act_case(0, "relu");
    act_case(1, "gelu");
    act_case(2, "silu");
    act_case(3, "gate");
    act_case(4, "add_bcast x");
    act_case(5, "gelu with its kept derivative");
    act_case(6, "gate with its kept tanh and sigmoid");
}

/* ---- step embedding MLP ---- */
static struct { int B, Din, Dmid, Dout; int32_t steps[3]; float *w1, *b1, *w2, *b2, *out, *act, *R; } sm;

static double stepmlp_loss(void)
{
    ts_stepmlp_forward(sm.out, sm.act, sm.steps, sm.w1, sm.b1, sm.w2, sm.b2, sm.B, sm.Din, sm.Dmid,
                       sm.Dout);
    return dot(sm.out, sm.R, (size_t)sm.B * sm.Dout);
}

static void grad_stepmlp(void)
{
    sm.B = 3; sm.Din = 8; sm.Dmid = 6; sm.Dout = 5;
    sm.steps[0] = 0; sm.steps[1] = 17; sm.steps[2] = 199;
    sm.w1 = randv((size_t)sm.Dmid * sm.Din, 0.5f); sm.b1 = randv(sm.Dmid, 0.5f);
    sm.w2 = randv((size_t)sm.Dout * sm.Dmid, 0.5f); sm.b2 = randv(sm.Dout, 0.5f);
    sm.out = zeros((size_t)sm.B * sm.Dout); sm.R = randv((size_t)sm.B * sm.Dout, 1);
    sm.act = zeros(ts_stepmlp_act_size(sm.B, sm.Din, sm.Dmid, sm.Dout));
    float *scr = zeros(ts_stepmlp_scratch_size(sm.B, sm.Din, sm.Dmid, sm.Dout));
    float *dw1 = zeros((size_t)sm.Dmid * sm.Din), *db1 = zeros(sm.Dmid);
    float *dw2 = zeros((size_t)sm.Dout * sm.Dmid), *db2 = zeros(sm.Dout);
    stepmlp_loss();
    ts_stepmlp_backward(dw1, db1, dw2, db2, sm.R, sm.act, sm.w1, sm.w2, sm.B, sm.Din, sm.Dmid,
                        sm.Dout, scr);
    GRAD_OK("stepmlp w1", stepmlp_loss, sm.w1, dw1, (size_t)sm.Dmid * sm.Din, 1e-3);
    GRAD_OK("stepmlp b1", stepmlp_loss, sm.b1, db1, sm.Dmid, 1e-3);
    GRAD_OK("stepmlp w2", stepmlp_loss, sm.w2, dw2, (size_t)sm.Dout * sm.Dmid, 1e-3);
    GRAD_OK("stepmlp b2", stepmlp_loss, sm.b2, db2, sm.Dout, 1e-3);
    free(sm.w1); free(sm.b1); free(sm.w2); free(sm.b2); free(sm.out); free(sm.R); free(sm.act);
    free(scr); free(dw1); free(db1); free(dw2); free(db2);
}

/* ---- losses ---- */
static struct { size_t n; int N, V; float *pred, *target, *probs; uint8_t *mask; int32_t *tg; } ls;

static double mse_loss(void) { return ts_mse_forward(ls.pred, ls.target, ls.mask, ls.n); }
static double xent_loss(void) { return ts_xent_forward(ls.probs, ls.pred, ls.tg, ls.N, ls.V); }

static void grad_losses(void)
{
    ls.n = 24;
    ls.pred = randv(ls.n, 1); ls.target = randv(ls.n, 1);
    ls.mask = calloc(ls.n, 1);
    for (size_t i = 0; i < ls.n; i++) ls.mask[i] = i % 3 == 1;
    float *d = zeros(ls.n);
    ts_mse_backward(d, ls.pred, ls.target, ls.mask, ls.n, 1.0f);
    GRAD_OK("mse masked", mse_loss, ls.pred, d, ls.n, 1e-3);
    for (size_t i = 0; i < ls.n; i++) if (!ls.mask[i]) CHECK(d[i] == 0.0f);
    uint8_t *m = ls.mask;
    ls.mask = NULL;
    memset(d, 0, ls.n * sizeof(float));
    ts_mse_backward(d, ls.pred, ls.target, NULL, ls.n, 1.0f);
    GRAD_OK("mse all", mse_loss, ls.pred, d, ls.n, 1e-3);
    free(m); free(ls.pred); free(ls.target); free(d);

    ls.N = 4; ls.V = 6;
    size_t n = (size_t)ls.N * ls.V;
    ls.pred = randv(n, 2); ls.probs = zeros(n);
    int32_t tg[4] = {5, -1, 0, 3};   /* row 1 ignored */
    ls.tg = tg;
    d = zeros(n);
    xent_loss();
    ts_xent_backward(d, ls.probs, ls.tg, ls.N, ls.V, 1.0f);
    /* dloss scales the gradient (by a power of two: exactly) */
    float *d4 = zeros(n);
    ts_xent_backward(d4, ls.probs, ls.tg, ls.N, ls.V, 0.25f);
    for (size_t i = 0; i < n; i++) CHECK_MSG(d4[i] == 0.25f * d[i], "xent dloss 0.25: %g, want %g", d4[i], 0.25f * d[i]);
    GRAD_OK("xent logits", xent_loss, ls.pred, d, n, 1e-3);
    for (int v = 0; v < ls.V; v++) CHECK(d[ls.V + v] == 0.0f);
    free(ls.pred); free(ls.probs); free(d); free(d4);
}

/* ---- LSTM (BPTT) ---- */
static struct { int B, T, I, U; float *x, *h0, *c0, *wi, *wh, *b, *out, *act, *R; } lst;

static double lstm_loss(void)
{
    ts_lstm_forward(lst.out, lst.act, lst.x, lst.h0, lst.c0, lst.wi, lst.wh, lst.b, lst.B, lst.T, lst.I, lst.U);
    return dot(lst.out, lst.R, (size_t)lst.B * lst.T * lst.U);
}

static void lstm_case(int with_state, int B_, int T_, int I_, int U_)
{
    lst.B = B_; lst.T = T_; lst.I = I_; lst.U = U_;
    const int B = lst.B, T = lst.T, I = lst.I, U = lst.U;
    size_t nx = (size_t)B * T * I, no = (size_t)B * T * U, nwi = 4 * (size_t)U * I, nwh = 4 * (size_t)U * U;
    lst.x = randv(nx, 1); lst.wi = randv(nwi, 0.5f); lst.wh = randv(nwh, 0.5f); lst.b = randv(4 * U, 0.5f);
    lst.h0 = with_state ? randv((size_t)B * U, 0.5f) : NULL;
    lst.c0 = with_state ? randv((size_t)B * U, 0.5f) : NULL;
    lst.out = zeros(no); lst.act = zeros(ts_lstm_act_size(B, T, U)); lst.R = randv(no, 1);
    float *dx = zeros(nx), *dwi = zeros(nwi), *dwh = zeros(nwh), *db = zeros(4 * U);
    float *scr = zeros(ts_lstm_scratch_size(B, T, U));
    lstm_loss();
    ts_lstm_backward(dx, dwi, dwh, db, lst.R, lst.x, lst.h0, lst.c0, lst.out, lst.act, lst.wi, lst.wh, B, T, I, U,
                     scr);
    GRAD_OK("lstm x", lstm_loss, lst.x, dx, nx, 2e-3);
    GRAD_OK("lstm w_ih", lstm_loss, lst.wi, dwi, nwi, 2e-3);
    GRAD_OK("lstm w_hh", lstm_loss, lst.wh, dwh, nwh, 2e-3);
    GRAD_OK("lstm b", lstm_loss, lst.b, db, 4 * (size_t)U, 2e-3);
    /* the same sequence in two calls, the second from the first's state: the same h */
    lstm_loss();
    const int T1 = T / 2, T2 = T - T1;
    if (T1 > 0) {
        float *x1 = zeros((size_t)B * T1 * I), *x2 = zeros((size_t)B * T2 * I);
        for (int bb = 0; bb < B; bb++) {
            memcpy(x1 + (size_t)bb * T1 * I, lst.x + (size_t)bb * T * I, (size_t)T1 * I * sizeof(float));
            memcpy(x2 + (size_t)bb * T2 * I, lst.x + ((size_t)bb * T + T1) * I, (size_t)T2 * I * sizeof(float));
        }
        float *o1 = zeros((size_t)B * T1 * U), *a1 = zeros(ts_lstm_act_size(B, T1, U));
        float *o2 = zeros((size_t)B * T2 * U), *a2 = zeros(ts_lstm_act_size(B, T2, U));
        float *hn = zeros((size_t)B * U), *cn = zeros((size_t)B * U);
        ts_lstm_forward(o1, a1, x1, lst.h0, lst.c0, lst.wi, lst.wh, lst.b, B, T1, I, U);
        ts_lstm_state(hn, cn, o1, a1, B, T1, U);
        ts_lstm_forward(o2, a2, x2, hn, cn, lst.wi, lst.wh, lst.b, B, T2, I, U);
        for (int bb = 0; bb < B; bb++)
            for (int t = 0; t < T2; t++)
                for (int j = 0; j < U; j++) {
                    const float a = o2[((size_t)bb * T2 + t) * U + j], e = lst.out[((size_t)bb * T + T1 + t) * U + j];
                    CHECK_MSG(fabsf(a - e) <= 1e-6f * (1 + fabsf(e)), "lstm continued: item %d step %d unit %d: %g, "
                              "whole %g", bb, T1 + t, j, a, e);
                }
        free(x1); free(x2); free(o1); free(a1); free(o2); free(a2); free(hn); free(cn);
    }
    free(lst.x); free(lst.wi); free(lst.wh); free(lst.b); free(lst.h0); free(lst.c0); free(lst.out); free(lst.act);
    free(lst.R); free(dx); free(dwi); free(dwh); free(db); free(scr);
}

static void grad_lstm(void)
{
    lstm_case(0, 2, 5, 3, 4);
    lstm_case(1, 2, 5, 3, 4);
    /* one item, one step, one unit: no recurrent product, no step before */
    lstm_case(0, 1, 1, 1, 1);
    lstm_case(1, 1, 1, 1, 1);
}

/* the forward against nn.LSTM's formulas in double (libm's exp and tanh), with gates
 * from saturated to near zero, 40 items (the recurrence takes them in groups, on two
 * threads here) and H = 41 (vector bodies and a scalar tail): the vectorised sigmoid and
 * tanh agree to float rounding; 1 and 2 threads give the same bits, forward and
 * backward; each item's gradients alone are its share of the batch's */
static void lstm_reference(void)
{
    const int B = 40, T = 6, I = 5, U = 41, G = 4 * U;
    const size_t no = (size_t)B * T * U, na = ts_lstm_act_size(B, T, U), nx = (size_t)B * T * I;
    const size_t nwh = (size_t)G * U;
    float *x = randv(nx, 2), *wi = randv((size_t)G * I, 1.5f), *wh = randv(nwh, 0.5f);
    float *b = randv(G, 1), *h0 = randv((size_t)B * U, 0.5f), *c0 = randv((size_t)B * U, 3), *R = randv(no, 1);
    float *out[2] = {zeros(no), zeros(no)}, *act[2] = {zeros(na), zeros(na)};
    float *dx[2] = {zeros(nx), zeros(nx)}, *dwh[2] = {zeros(nwh), zeros(nwh)};
    float *scr = zeros(ts_lstm_scratch_size(B, T, U)), *dwi = zeros((size_t)G * I);
    double *h = malloc((size_t)B * U * sizeof *h), *c = malloc((size_t)B * U * sizeof *c);
    double *pre = malloc(G * sizeof *pre);
    for (int st = 0; st < 2; st++) {
        const float *hs = st ? h0 : NULL, *cs = st ? c0 : NULL;
        for (int th = 0; th < 2; th++) {
            ts_set_threads(th + 1);
            memset(dx[th], 0, nx * sizeof(float));
            memset(dwh[th], 0, nwh * sizeof(float));
            ts_lstm_forward(out[th], act[th], x, hs, cs, wi, wh, b, B, T, I, U);
            ts_lstm_backward(dx[th], dwi, dwh[th], NULL, R, x, hs, cs, out[th], act[th], wi, wh, B, T, I, U, scr);
        }
        ts_set_threads(1);
        CHECK_MSG(!memcmp(out[0], out[1], no * sizeof(float)) && !memcmp(act[0], act[1], na * sizeof(float)) &&
                  !memcmp(dx[0], dx[1], nx * sizeof(float)) && !memcmp(dwh[0], dwh[1], nwh * sizeof(float)),
                  "lstm (%s state): 1 and 2 threads differ", st ? "given" : "zero");
        double worst = 0;
        for (int bb = 0; bb < B; bb++) {
            for (int j = 0; j < U; j++)
                h[bb * U + j] = hs ? hs[bb * U + j] : 0, c[bb * U + j] = cs ? cs[bb * U + j] : 0;
            for (int t = 0; t < T; t++) {
                const float *xt = x + ((size_t)bb * T + t) * I;
                for (int k = 0; k < G; k++) {
                    double a = b[k];
                    for (int d = 0; d < I; d++) a += (double)wi[k * I + d] * xt[d];
                    for (int d = 0; d < U; d++) a += (double)wh[k * U + d] * h[bb * U + d];
                    pre[k] = a;
                }
                for (int j = 0; j < U; j++) {
                    const double ig = 1 / (1 + exp(-pre[j])), fg = 1 / (1 + exp(-pre[U + j]));
                    const double gg = tanh(pre[2 * U + j]), og = 1 / (1 + exp(-pre[3 * U + j]));
                    c[bb * U + j] = fg * c[bb * U + j] + ig * gg;
                    h[bb * U + j] = og * tanh(c[bb * U + j]);
                    const size_t r = ((size_t)bb * T + t) * U + j;
                    const double ec = c[bb * U + j], dc = fabs(act[0][(size_t)B * T * G + r] - ec) / (1 + fabs(ec));
                    const double dh = fabs(out[0][r] - h[bb * U + j]);
                    if (dc > worst) worst = dc;
                    if (dh > worst) worst = dh;
                }
            }
        }
        CHECK_MSG(worst < 2e-6, "lstm forward (%s state) against double: worst error %g", st ? "given" : "zero",
                  worst);
        /* item 37 (the last group's) alone: its input gradient, and its share of dw_hh */
        const int it = 37;
        float *o1 = zeros((size_t)T * U), *a1 = zeros(ts_lstm_act_size(1, T, U)), *dx1 = zeros((size_t)T * I);
        float *dwh1 = zeros(nwh), *dwhr = zeros(nwh), *s1 = zeros(ts_lstm_scratch_size(1, T, U));
        float *Rr = zeros(no);   /* the batch's R with every other item's rows zero */
        memcpy(Rr + (size_t)it * T * U, R + (size_t)it * T * U, (size_t)T * U * sizeof(float));
        const float *h1 = hs ? hs + (size_t)it * U : NULL, *c1 = cs ? cs + (size_t)it * U : NULL;
        ts_lstm_forward(o1, a1, x + (size_t)it * T * I, h1, c1, wi, wh, b, 1, T, I, U);
        ts_lstm_backward(dx1, dwi, dwh1, NULL, R + (size_t)it * T * U, x + (size_t)it * T * I, h1, c1, o1, a1, wi, wh,
                         1, T, I, U, s1);
        memset(dx[0], 0, nx * sizeof(float));
        ts_lstm_backward(dx[0], dwi, dwhr, NULL, Rr, x, hs, cs, out[0], act[0], wi, wh, B, T, I, U, scr);
        double wd = 0;
        for (size_t i = 0; i < (size_t)T * I; i++) {
            const double d = fabs(dx1[i] - dx[0][(size_t)it * T * I + i]) / (1 + fabs(dx1[i]));
            if (d > wd) wd = d;
        }
        for (size_t i = 0; i < nwh; i++) {
            const double d = fabs(dwh1[i] - dwhr[i]) / (1 + fabs(dwh1[i]));
            if (d > wd) wd = d;
        }
        CHECK_MSG(wd < 1e-5, "lstm (%s state): item %d alone against its share of the batch: worst %g",
                  st ? "given" : "zero", it, wd);
        free(o1); free(a1); free(dx1); free(dwh1); free(dwhr); free(s1); free(Rr);
    }
    free(x); free(wi); free(wh); free(b); free(h0); free(c0); free(R); free(scr); free(dwi);
    for (int i = 0; i < 2; i++) free(out[i]), free(act[i]), free(dx[i]), free(dwh[i]);
    free(h); free(c); free(pre);
}

TEST_MAIN("test_nn_grad", {
    ts_rng_seed(&rng, 20251126);
    ts_set_threads(1);
    RUN(grad_conv1d);
    RUN(grad_conv1d_weightnorm);
    RUN(grad_linear);
    RUN(grad_layernorm);
    RUN(grad_embedding);
    RUN(grad_activations);
    RUN(grad_stepmlp);
    RUN(grad_losses);
    RUN(grad_layernorm_constant);
    RUN(grad_lstm);
    RUN(lstm_reference);
})
