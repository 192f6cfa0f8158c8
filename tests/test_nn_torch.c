/* PyTorch parity: runs each layer on the inputs and parameters stored in
 * tests/fixtures/layers_torch.bin (written by tests/torch/layers_fixtures.py)
 * and compares outputs and gradients with PyTorch's. No Python needed here. */
#include "check.h"
#include "gradcheck.h"
#include "torch_fixture.h"
#include "tracesynth.h"
#include "tracesynth/nn.h"

#include <stdint.h>

#define FIXTURE "tests/fixtures/layers_torch.bin"
#define TOL 1e-5   /* max |ours - torch| / max |torch| over an array */



static void conv_wn(const char *tag, int K, int dil)
{
    char k[64];
#define N(s) (snprintf(k, sizeof k, "%s.%s", tag, s), k)
    const float *x = fx_get(N("x")), *v = fx_get(N("v")), *g = fx_get(N("g")), *b = fx_get(N("b"));
    const float *gy = fx_get(N("gy"));
    REQUIRE(x && v && g && b && gy);
    int Cout = (int)fx_len(N("g")), Cin = (int)(fx_len(N("v")) / Cout / K);
    int B = 2, L = (int)(fx_len(N("x")) / B / Cin);
    float *y = zeros((size_t)B * Cout * L), *dx = zeros((size_t)B * Cin * L);
    float *dv = zeros((size_t)Cout * Cin * K), *dg = zeros(Cout), *db = zeros(Cout);
    float *scr = zeros(ts_conv1d_wn_scratch_size(Cin, Cout, L, K));
    ts_conv1d_wn_forward(y, x, v, g, b, B, Cin, Cout, L, K, dil, scr, ts_get_threads());
    ts_conv1d_wn_backward(dx, dv, dg, db, gy, x, v, g, B, Cin, Cout, L, K, dil, scr, ts_get_threads());
    SAME(tag, y, N("y"));
    SAME(tag, dx, N("dx"));
    SAME(tag, dv, N("dv"));
    SAME(tag, dg, N("dg"));
    SAME(tag, db, N("db"));
#undef N
    free(y); free(dx); free(dv); free(dg); free(db); free(scr);
}

static void torch_conv1d_weightnorm(void)
{
    conv_wn("conv_wn_k1", 1, 1);
    conv_wn("conv_wn_k3", 3, 1);
    conv_wn("conv_wn_k3d2", 3, 2);
}

static void torch_conv1d_plain(void)
{
    int B = 3, Cin = 5, Cout = 2, L = 8;
    const float *x = fx_get("conv_k1.x"), *w = fx_get("conv_k1.w"), *b = fx_get("conv_k1.b");
    const float *gy = fx_get("conv_k1.gy");
    REQUIRE(x && w && b && gy);
    float *y = zeros((size_t)B * Cout * L), *dx = zeros((size_t)B * Cin * L);
    float *dw = zeros((size_t)Cout * Cin), *db = zeros(Cout);
    ts_conv1d_forward(y, x, w, b, B, Cin, Cout, L, 1, 1, NULL, ts_get_threads());
    ts_conv1d_backward(dx, dw, db, gy, x, w, B, Cin, Cout, L, 1, 1, NULL, ts_get_threads());
    SAME("conv_k1 y", y, "conv_k1.y");
    SAME("conv_k1 dx", dx, "conv_k1.dx");
    SAME("conv_k1 dw", dw, "conv_k1.dw");
    SAME("conv_k1 db", db, "conv_k1.db");
    free(y); free(dx); free(dw); free(db);
}

static void torch_layernorm(void)
{
    int B = 2, C = 8, L = 7;
    const float *x = fx_get("layernorm.x"), *ga = fx_get("layernorm.gamma"), *be = fx_get("layernorm.beta");
    const float *gy = fx_get("layernorm.gy");
    REQUIRE(x && ga && be && gy);
    size_t n = (size_t)B * C * L;
    float *y = zeros(n), *mean = zeros((size_t)B * L), *rstd = zeros((size_t)B * L);
    float *dx = zeros(n), *dga = zeros(C), *dbe = zeros(C);
    ts_layernorm_forward(y, mean, rstd, x, ga, be, B, C, L);
    ts_layernorm_backward(dx, dga, dbe, gy, x, mean, rstd, ga, B, C, L);
    SAME("layernorm y", y, "layernorm.y");
    SAME("layernorm dx", dx, "layernorm.dx");
    SAME("layernorm dgamma", dga, "layernorm.dgamma");
    SAME("layernorm dbeta", dbe, "layernorm.dbeta");
    free(y); free(mean); free(rstd); free(dx); free(dga); free(dbe);
}

static void torch_gate_and_activations(void)
{
    int B = 2, C = 4, L = 7;
    const float *x = fx_get("gate.x"), *gy = fx_get("gate.gy");
    REQUIRE(x && gy);
    float *y = zeros((size_t)B * C * L), *dx = zeros((size_t)B * 2 * C * L);
    ts_gate_forward(y, x, B, C, L);
    ts_gate_backward(dx, gy, x, B, C, L);
    SAME("gate y", y, "gate.y");
    SAME("gate dx", dx, "gate.dx");
    free(y); free(dx);

    const char *names[3] = {"gelu", "silu", "relu"};
    for (int a = 0; a < 3; a++) {
        char kx[32], kg[32], ky[32], kd[32];
        snprintf(kx, sizeof kx, "%s.x", names[a]);
        snprintf(kg, sizeof kg, "%s.gy", names[a]);
        snprintf(ky, sizeof ky, "%s.y", names[a]);
        snprintf(kd, sizeof kd, "%s.dx", names[a]);
        const float *ax = fx_get(kx), *ag = fx_get(kg);
        REQUIRE(ax && ag);
        size_t n = fx_len(kx);
        float *ay = zeros(n), *ad = zeros(n);
        if (a == 0) { ts_gelu_forward(ay, ax, n); ts_gelu_backward(ad, ag, ax, n); }
        if (a == 1) { ts_silu_forward(ay, ax, n); ts_silu_backward(ad, ag, ax, n); }
        if (a == 2) { ts_relu_forward(ay, ax, n); ts_relu_backward(ad, ag, ax, n); }
        SAME(ky, ay, ky);
        SAME(kd, ad, kd);
        free(ay); free(ad);
    }
}

static void torch_linear(void)
{
    const char *tags[2] = {"linear", "linear3d"};
    for (int t = 0; t < 2; t++) {
        char k[6][32];
        const char *sfx[6] = {"x", "w", "b", "gy", "dx", "dw"};
        for (int i = 0; i < 6; i++) snprintf(k[i], sizeof k[i], "%s.%s", tags[t], sfx[i]);
        const float *x = fx_get(k[0]), *w = fx_get(k[1]), *b = fx_get(k[2]), *gy = fx_get(k[3]);
        REQUIRE(x && w && b && gy);
        int In = 7, Out = 4, N = (int)(fx_len(k[0]) / In);
        float *y = zeros((size_t)N * Out), *dx = zeros((size_t)N * In);
        float *dw = zeros((size_t)Out * In), *db = zeros(Out);
        ts_linear_forward(y, x, w, b, N, In, Out);
        ts_linear_backward(dx, dw, db, gy, x, w, N, In, Out);
        char ky[32], kb[32];
        snprintf(ky, sizeof ky, "%s.y", tags[t]);
        snprintf(kb, sizeof kb, "%s.db", tags[t]);
        SAME(ky, y, ky);
        SAME(k[4], dx, k[4]);
        SAME(k[5], dw, k[5]);
        SAME(kb, db, kb);
        free(y); free(dx); free(dw); free(db);
    }
}

static void torch_step_embedding(void)
{
    const float *st = fx_get("stepemb.steps");
    REQUIRE(st);
    int B = (int)fx_len("stepemb.steps");
    int32_t steps[8];
    for (int b = 0; b < B; b++) steps[b] = (int32_t)st[b];
    float *y = zeros((size_t)B * 128);
    ts_step_embedding(y, steps, B, 128);
    /* PyTorch's vectorised expf is within an ulp of glibc's; t = 199 turns one ulp of a
     * frequency into ~1e-5 of phase */
    SAME_TOL("step embedding 128", y, "stepemb.y", 3e-5);
    free(y);

    int Din = 16, Dmid = 24, Dout = 20;
    const float *s2 = fx_get("stepmlp.steps"), *w1 = fx_get("stepmlp.w1"), *b1 = fx_get("stepmlp.b1");
    const float *w2 = fx_get("stepmlp.w2"), *b2 = fx_get("stepmlp.b2"), *gy = fx_get("stepmlp.gy");
    REQUIRE(s2 && w1 && b1 && w2 && b2 && gy);
    B = (int)fx_len("stepmlp.steps");
    for (int b = 0; b < B; b++) steps[b] = (int32_t)s2[b];
    float *out = zeros((size_t)B * Dout), *act = zeros(ts_stepmlp_act_size(B, Din, Dmid, Dout));
    float *scr = zeros(ts_stepmlp_scratch_size(B, Din, Dmid, Dout));
    float *dw1 = zeros((size_t)Dmid * Din), *db1 = zeros(Dmid);
    float *dw2 = zeros((size_t)Dout * Dmid), *db2 = zeros(Dout);
    ts_stepmlp_forward(out, act, steps, w1, b1, w2, b2, B, Din, Dmid, Dout);
    ts_stepmlp_backward(dw1, db1, dw2, db2, gy, act, w1, w2, B, Din, Dmid, Dout, scr);
    SAME("stepmlp y", out, "stepmlp.y");
    SAME("stepmlp dw1", dw1, "stepmlp.dw1");
    SAME("stepmlp db1", db1, "stepmlp.db1");
    SAME("stepmlp dw2", dw2, "stepmlp.dw2");
    SAME("stepmlp db2", db2, "stepmlp.db2");
    free(out); free(act); free(scr); free(dw1); free(db1); free(dw2); free(db2);
}

static void torch_embedding_and_losses(void)
{
    const float *idf = fx_get("embedding.ids"), *tab = fx_get("embedding.table"), *gy = fx_get("embedding.gy");
    REQUIRE(idf && tab && gy);
    int N = (int)fx_len("embedding.ids"), D = 5, V = 6;
    int32_t ids[16];
    for (int i = 0; i < N; i++) ids[i] = (int32_t)idf[i];
    float *y = zeros((size_t)N * D), *dt = zeros((size_t)V * D);
    ts_embedding_forward(y, ids, tab, N, D);
    ts_embedding_backward(dt, gy, ids, N, D);
    SAME("embedding y", y, "embedding.y");
    SAME("embedding dtable", dt, "embedding.dtable");
    free(y); free(dt);

    const float *pred = fx_get("mse.pred"), *tgt = fx_get("mse.target"), *mf = fx_get("mse.mask");
    const float *lref = fx_get("mse.loss");
    REQUIRE(pred && tgt && mf && lref);
    size_t n = fx_len("mse.pred");
    uint8_t mask[64];
    for (size_t i = 0; i < n; i++) mask[i] = mf[i] != 0.0f;
    float loss = ts_mse_forward(pred, tgt, mask, n);
    CHECK_NEAR(loss, lref[0], TOL * fabs(lref[0]));
    float *dp = zeros(n);
    ts_mse_backward(dp, pred, tgt, mask, n, 1.0f);
    SAME("mse dpred", dp, "mse.dpred");
    free(dp);

    const float *lg = fx_get("xent.logits"), *tf = fx_get("xent.targets");
    lref = fx_get("xent.loss");
    REQUIRE(lg && tf && lref);
    int Nr = 5, Vc = 7;
    int32_t tg[5];
    for (int i = 0; i < Nr; i++) tg[i] = tf[i] < 0 ? -1 : (int32_t)tf[i];
    float *probs = zeros((size_t)Nr * Vc), *dl = zeros((size_t)Nr * Vc);
    loss = ts_xent_forward(probs, lg, tg, Nr, Vc);
    CHECK_NEAR(loss, lref[0], TOL * fabs(lref[0]));
    ts_xent_backward(dl, probs, tg, Nr, Vc, 1.0f);
    SAME("xent dlogits", dl, "xent.dlogits");
    free(probs); free(dl);
}

/* nn.LSTM with and without an initial state: every h, the last state, and the gradients */
static void torch_lstm(void)
{
    const char *tags[2] = {"lstm", "lstm0"};
    for (int t = 0; t < 2; t++) {
        char k[64];
#define K(s) (snprintf(k, sizeof k, "%s.%s", tags[t], s), k)
        const int B = 2, T = 5, I = 3, Hd = 4;
        const float *x = fx_get(K("x")), *wi = fx_get(K("w_ih")), *wh = fx_get(K("w_hh")), *b = fx_get(K("b"));
        const float *gy = fx_get(K("gy"));
        const float *h0 = t ? NULL : fx_get(K("h0")), *c0 = t ? NULL : fx_get(K("c0"));
        REQUIRE(x && wi && wh && b && gy && (t || (h0 && c0)));
        REQUIRE(fx_len(K("x")) == (size_t)B * T * I && fx_len(K("w_hh")) == 4 * (size_t)Hd * Hd);
        float *y = zeros((size_t)B * T * Hd), *act = zeros(ts_lstm_act_size(B, T, Hd));
        float *hn = zeros((size_t)B * Hd), *cn = zeros((size_t)B * Hd), *dx = zeros((size_t)B * T * I);
        float *dwi = zeros(4 * (size_t)Hd * I), *dwh = zeros(4 * (size_t)Hd * Hd), *db = zeros(4 * (size_t)Hd);
        float *scr = zeros(ts_lstm_scratch_size(B, T, Hd));
        ts_lstm_forward(y, act, x, h0, c0, wi, wh, b, B, T, I, Hd);
        ts_lstm_state(hn, cn, y, act, B, T, Hd);
        ts_lstm_backward(dx, dwi, dwh, db, gy, x, h0, c0, y, act, wi, wh, B, T, I, Hd, scr);
        char ref[64];
        snprintf(ref, sizeof ref, "%s", K("y")); SAME(ref, y, ref);
        snprintf(ref, sizeof ref, "%s", K("hn")); SAME(ref, hn, ref);
        snprintf(ref, sizeof ref, "%s", K("cn")); SAME(ref, cn, ref);
        snprintf(ref, sizeof ref, "%s", K("dx")); SAME(ref, dx, ref);
        snprintf(ref, sizeof ref, "%s", K("dw_ih")); SAME(ref, dwi, ref);
        snprintf(ref, sizeof ref, "%s", K("dw_hh")); SAME(ref, dwh, ref);
        snprintf(ref, sizeof ref, "%s", K("db")); SAME(ref, db, ref);
#undef K
        free(y); free(act); free(hn); free(cn); free(dx); free(dwi); free(dwh); free(db); free(scr);
    }
}

TEST_MAIN("test_nn_torch", {
    const char *path = getenv("TS_LAYERS_FIXTURE") ? getenv("TS_LAYERS_FIXTURE") : FIXTURE;
    if (fx_load(path) != 0) {
        fprintf(stderr, "  FAIL %s: %s (regenerate with /usr/bin/python3 "
                "tests/torch/layers_fixtures.py)\n", path, fx_err);
        return 1;
    }
    ts_set_threads(2);
    RUN(torch_conv1d_weightnorm);
    RUN(torch_conv1d_plain);
    RUN(torch_layernorm);
    RUN(torch_gate_and_activations);
    RUN(torch_linear);
    RUN(torch_step_embedding);
    RUN(torch_embedding_and_losses);
    RUN(torch_lstm);
    for (int i = 0; i < nfx; i++) free(fx[i].data);
})
