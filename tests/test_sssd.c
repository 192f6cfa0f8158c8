/* SSSD-S4: parameter count against the reference, finite-difference gradient of
 * the whole network, training on a periodic sequence, model files and
 * checkpoints (round trip, resume exactness, corruption), divergence stop,
 * imputation and generation through the model interface. */
#include "check.h"
#include "container_edit.h"
#include "diffusion_toy.h"
#include "gradcheck.h"
#include "tracesynth.h"
#include "tracesynth/denoiser.h"
#include "tracesynth/sssd.h"
#include "tracesynth/diffusion.h"
#include "tracesynth/nn.h"
#include "models/csdi_net.h"

#include <omp.h>

/* ---- the network alone ---- */

static void param_count_matches_reference(void)
{
    /* ANCHORS table D: the PyTorch SSSD-S4 imputer at 4 x 64 (in 1, out 1) has
     * 865,921 trainable parameters; 4 x 128: 1,935,617 */
    ts_sssd_config c;
    ts_sssd_config_paper(&c);
    c.layers = 4;
    c.C = 64;
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 1) == 0);
    CHECK_MSG(ts_sssd_num_trainable(&n) == 865921, "4x64: %zu trainable", ts_sssd_num_trainable(&n));
    /* the output conv starts at zero: the untrained network predicts 0 */
    for (int i = 0; i <= c.C; i++) CHECK(n.params[n.p.out_w + i] == 0.0f);
    ts_sssd_net_free(&n);
    c.C = 128;
    REQUIRE(ts_sssd_net_init(&n, &c, 1) == 0);
    CHECK_MSG(ts_sssd_num_trainable(&n) == 1935617, "4x128: %zu trainable", ts_sssd_num_trainable(&n));
    ts_sssd_net_free(&n);
    /* SSSD's DiffWaveImputer (in 1, out 1, 128 -> 512 -> 512, cycle 12), counted in
     * PyTorch: 4 x 64 599,681; 4 x 128 1,140,993; 36 x 256 24,145,409 */
    const struct { int layers, C; size_t n; } dw[] = {{4, 64, 599681}, {4, 128, 1140993}, {36, 256, 24145409}};
    for (int i = 0; i < 3; i++) {
        ts_sssd_config_diffwave(&c);
        c.layers = dw[i].layers;
        c.C = dw[i].C;
        REQUIRE(ts_sssd_net_init(&n, &c, 1) == 0);
        CHECK_MSG(ts_sssd_num_trainable(&n) == dw[i].n && n.p.total == dw[i].n, "diffwave %dx%d: %zu trainable",
                  c.layers, c.C, ts_sssd_num_trainable(&n));
        ts_sssd_net_free(&n);
    }
    /* block n's dilation: 2^(n mod cycle) */
    ts_sssd_config_diffwave(&c);
    CHECK(ts_sssd_dilation(&c, 0) == 1 && ts_sssd_dilation(&c, 11) == 2048 && ts_sssd_dilation(&c, 12) == 1 &&
          ts_sssd_dilation(&c, 13) == 2);
    ts_sssd_config_paper(&c);
    CHECK(ts_sssd_dilation(&c, 5) == 1);
}

/* the forward on fixed inputs: loss = sum(out * r), in double (gradcheck.h's net_loss_fn) */
typedef struct { ts_sssd_net *n; ts_sssd_plan *pl; const float *xt, *obs, *mask, *r; const int32_t *t; } probe;

static double probe_loss(void *ctx)
{
    const probe *q = ctx;
    ts_sssd_forward(q->n, q->pl, q->xt, q->obs, q->mask, q->t);
    return dot(q->pl->out, q->r, (size_t)q->pl->B * q->pl->L);
}

/* central differences on every parameter of a small network of config c, on
 * windows of L (at most 16) */
static void gradient_check_len(ts_sssd_config c, int L)
{
    enum { B = 2, LMAX = 16 };
    REQUIRE(L >= 1 && L <= LMAX);
    c.C = 4;
    c.emb_in = 8;
    c.emb_mid = 6;
    c.emb_out = 5;
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 7) == 0);
    ts_rng rg;
    ts_rng_seed(&rg, 3);
    /* the zero output conv would hide every other gradient */
    for (int i = 0; i <= c.C; i++) n.params[n.p.out_w + i] = ts_rng_normal(&rg) * 0.5f;
    float xt[B * LMAX], obs[B * LMAX], mask[B * LMAX], r[B * LMAX];
    int32_t t[B] = {3, 150};
    for (int i = 0; i < B * L; i++) {
        xt[i] = ts_rng_normal(&rg);
        obs[i] = (float)(i % 5);
        /* one event: the first window's hidden, the second's observed */
        mask[i] = L == 1 ? (float)(i % 2) : (i % L) < 6 || (i % L) >= 10;
        r[i] = ts_rng_normal(&rg);
    }
    ts_sssd_plan pl;
    REQUIRE(ts_sssd_plan_init(&pl, &n, B, L, 1) == 0);
    memset(n.grads, 0, n.p.total * sizeof(float));
    probe q = {&n, &pl, xt, obs, mask, r, t};
    relu_kinks_avoided(probe_loss, &q, pl.h0pre, pl.fpre, n.params + n.p.init_b, n.params + n.p.fin_b, B, c.C, L);
    probe_loss(&q);
    ts_sssd_backward(&n, &pl, xt, r);
    const fd_report fr = params_fd(probe_loss, &q, n.params, n.grads, n.p.total);
    CHECK_MSG(fr.bad == 0, "%s: %zu of %zu parameters off; worst relative error %g at %zu (grad %g)",
              c.residual == TS_SSSD_RES_CSDI ? "csdi" : c.residual ? "dilated" : "s4", fr.bad, n.p.total, fr.worst,
              fr.worst_i, n.grads[fr.worst_i]);
    CHECK(fr.gmax > 0);
    ts_sssd_plan_free(&pl);
    ts_sssd_net_free(&n);
}

static void gradient_check_of(ts_sssd_config c) { gradient_check_len(c, 16); }

static void gradient_check(void)
{
    ts_sssd_config c;
    ts_sssd_config_paper(&c);
    c.layers = 2;
    c.N = 4;
    gradient_check_of(c);
}

/* DiffWave's blocks: dilations 1, 2, 4, 8 and 16 (wider than the window of 16) */
static void gradient_check_dilated(void)
{
    ts_sssd_config c;
    ts_sssd_config_diffwave(&c);
    c.layers = 5;
    c.dilation_cycle = 6;
    gradient_check_of(c);
}

/* CSDI-S4's blocks: one S4 over C channels, the side information (position
 * embedding, the learned feature embedding, the mask) on every block */
static void gradient_check_csdi(void)
{
    ts_sssd_config c;
    ts_sssd_config_csdi(&c);
    c.layers = 2;
    c.N = 4;
    c.time_emb = 6;
    c.feat_emb = 3;
    gradient_check_of(c);
}

/* CSDI skips its time layer on windows of one event (ResidualBlock.forward_time
 * returns y when L == 1): there the S4 parameters change nothing, get no
 * gradient, and the rest's gradients are right */
static void csdi_one_event_windows(void)
{
    ts_sssd_config c;
    ts_sssd_config_csdi(&c);
    c.layers = 2;
    c.C = 4;
    c.N = 4;
    c.time_emb = 4;
    c.feat_emb = 2;
    c.emb_in = 8;
    c.emb_mid = c.emb_out = 6;
    gradient_check_len(c, 1);
    enum { B = 3 };
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 5) == 0);
    ts_rng rg;
    ts_rng_seed(&rg, 8);
    for (int i = 0; i < c.C; i++) n.params[n.p.out_w + i] = ts_rng_normal(&rg);
    float xt[B] = {0.3f, -1.2f, 0.7f}, obs[B] = {2, 0, 1}, mask[B] = {0, 1, 0}, out[B], dout[B] = {1, 1, 1};
    int32_t t[B] = {0, 20, 49};
    ts_sssd_plan pl;
    REQUIRE(ts_sssd_plan_init(&pl, &n, B, 1, 1) == 0);
    ts_sssd_forward(&n, &pl, xt, obs, mask, t);
    memcpy(out, pl.out, sizeof out);
    memset(n.grads, 0, n.p.total * sizeof(float));
    ts_sssd_backward(&n, &pl, xt, dout);
    for (int i = 0; i < c.layers; i++) {
        float *bp = n.params + n.p.blk0 + (size_t)i * n.p.blk_size + n.p.s4a;
        const float *bg = n.grads + n.p.blk0 + (size_t)i * n.p.blk_size + n.p.s4a;
        for (size_t j = 0; j < n.s4_size; j++) {
            CHECK_MSG(bg[j] == 0.0f, "block %d, S4 parameter %zu: gradient %g", i, j, bg[j]);
            bp[j] += 0.25f;
        }
    }
    ts_sssd_forward(&n, &pl, xt, obs, mask, t);
    CHECK(memcmp(out, pl.out, sizeof out) == 0);
    ts_sssd_plan_free(&pl);
    ts_sssd_net_free(&n);
}

/* ---- parity with PyTorch (tests/torch/sssd_fixtures.py) ---- */

typedef struct { char name[32]; uint32_t n; float *v; } rec;

/* records: u32 name length, name, u32 count, count float32 */
static int load_recs(const char *path, rec *rs, int max)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int n = 0;
    uint32_t len;
    while (n < max && fread(&len, 4, 1, f) == 1) {
        if (len >= sizeof rs[n].name || fread(rs[n].name, 1, len, f) != len) break;
        rs[n].name[len] = 0;
        if (fread(&rs[n].n, 4, 1, f) != 1) break;
        rs[n].v = ts_malloc((size_t)rs[n].n * sizeof(float) + 1);
        if (fread(rs[n].v, sizeof(float), rs[n].n, f) != rs[n].n) { free(rs[n].v); break; }
        n++;
    }
    fclose(f);
    return n;
}

static const rec *find_rec(const rec *rs, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rs[i].name, name)) return &rs[i];
    return NULL;
}

/* path: a fixture of the network of residual kind `residual` (the config's third
 * value is the S4 state size, or the dilation cycle; csdi's config goes on with
 * the time and feature embeddings' sizes) */
static void torch_parity_of(const char *path, int residual)
{
    rec rs[16];
    int nr = load_recs(path, rs, 16);
    if (nr <= 0) SKIP("%s not found (run from the repository root)", path);
    const rec *cf = find_rec(rs, nr, "config"), *pr = find_rec(rs, nr, "params");
    const rec *xt = find_rec(rs, nr, "xt"), *obs = find_rec(rs, nr, "obs"), *mk = find_rec(rs, nr, "mask");
    const rec *tt = find_rec(rs, nr, "t"), *dout = find_rec(rs, nr, "dout");
    const rec *out = find_rec(rs, nr, "out"), *dp = find_rec(rs, nr, "dparams");
    const int csdi = residual == TS_SSSD_RES_CSDI;
    REQUIRE(cf && pr && xt && obs && mk && tt && dout && out && dp && cf->n == (csdi ? 10u : 8u));
    ts_sssd_config c;
    if (residual == TS_SSSD_RES_DILATED) ts_sssd_config_diffwave(&c);
    else if (csdi) ts_sssd_config_csdi(&c);
    else ts_sssd_config_paper(&c);
    c.layers = (int)cf->v[0];
    c.C = (int)cf->v[1];
    if (residual == TS_SSSD_RES_DILATED) c.dilation_cycle = (int)cf->v[2];
    else c.N = (int)cf->v[2];
    int L = (int)cf->v[3], B = (int)cf->v[4];
    c.emb_in = (int)cf->v[5];
    c.emb_mid = (int)cf->v[6];
    c.emb_out = (int)cf->v[7];
    if (csdi) {
        c.time_emb = (int)cf->v[8];
        c.feat_emb = (int)cf->v[9];
    }
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 1) == 0);
    REQUIRE(pr->n == n.p.total && dp->n == n.p.total);
    REQUIRE(xt->n == (uint32_t)(B * L) && out->n == (uint32_t)(B * L) && tt->n == (uint32_t)B);
    memcpy(n.params, pr->v, n.p.total * sizeof(float));
    int32_t t[8];
    for (int b = 0; b < B; b++) t[b] = (int32_t)tt->v[b];
    ts_sssd_plan pl;
    REQUIRE(ts_sssd_plan_init(&pl, &n, B, L, 1) == 0);
    ts_sssd_forward(&n, &pl, xt->v, obs->v, mk->v, t);
    double oerr = 0, omax = 0;
    for (int i = 0; i < B * L; i++) {
        oerr = fmax(oerr, fabs(pl.out[i] - out->v[i]));
        omax = fmax(omax, fabs(out->v[i]));
    }
    CHECK_MSG(oerr <= 1e-4 * (1 + omax), "%s: output: max error %g (max |out| %g)", path, oerr, omax);
    memset(n.grads, 0, n.p.total * sizeof(float));
    ts_sssd_backward(&n, &pl, xt->v, dout->v);
    double gmax = 0, gerr = 0;
    size_t gi = 0;
    for (size_t i = 0; i < n.p.total; i++) gmax = fmax(gmax, fabs(dp->v[i]));
    for (size_t i = 0; i < n.p.total; i++) {
        double e = fabs(n.grads[i] - dp->v[i]) / (fabs(dp->v[i]) + 1e-3 * gmax);
        if (e > gerr) { gerr = e; gi = i; }
    }
    CHECK_MSG(gerr < 1e-2, "%s: gradients: worst relative error %g at %zu (C %g, torch %g)", path, gerr, gi,
              n.grads[gi], dp->v[gi]);
    ts_sssd_plan_free(&pl);
    ts_sssd_net_free(&n);
    for (int i = 0; i < nr; i++) free(rs[i].v);
}

static void torch_parity(void) { torch_parity_of("tests/fixtures/sssd_net.bin", TS_SSSD_RES_S4); }

/* DiffWave against SSSD's DiffWaveImputer as the fixture computes it (dilations 1, 2, 4, 1) */
static void torch_parity_diffwave(void) { torch_parity_of("tests/fixtures/diffwave_net.bin", TS_SSSD_RES_DILATED); }

/* CSDI-S4 against SSSD's CSDIS4Imputer with one feature as the fixture computes it
 * (2 x 4, N 8, side information 8 + 3 + 1); and CSDIS4Imputer's defaults (4 x 64, N 64,
 * embedding 128, side 128 + 16 + 1) have as many parameters here as the fixture's
 * PyTorch count of the same tensors */
static void torch_parity_csdi(void)
{
    const char *path = "tests/fixtures/csdi_net.bin";
    torch_parity_of(path, TS_SSSD_RES_CSDI);
    rec rs[16];
    int nr = load_recs(path, rs, 16);
    REQUIRE(nr > 0);
    const rec *cnt = find_rec(rs, nr, "count_default"), *ft = find_rec(rs, nr, "count_ftrans");
    REQUIRE(cnt && cnt->n == 1 && ft && ft->n == 1);
    ts_sssd_config c;
    ts_sssd_config_csdi(&c);
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 1) == 0);
    const size_t want = (size_t)cnt->v[0];
    CHECK_MSG(n.p.total == want && want == 278609, "csdi-s4 4 x 64: %zu parameters, PyTorch %zu", n.p.total, want);
    /* S4's step sizes and state matrix stay fixed unless --train-ssm, as for sssd-s4 */
    CHECK(ts_sssd_num_trainable(&n) < n.p.total);
    /* the output conv's weight starts at zero, its bias as PyTorch's default */
    for (int i = 0; i < c.C; i++) CHECK(n.params[n.p.out_w + i] == 0.0f);
    CHECK(n.params[n.p.out_b] != 0.0f && fabsf(n.params[n.p.out_b]) <= 0.125f);
    /* CSDI's feature transformer, which one feature never runs, is not built */
    CHECK((size_t)ft->v[0] == 25216);
    ts_sssd_net_free(&n);
    for (int i = 0; i < nr; i++) free(rs[i].v);
}

/* a 3-layer network of C channels (state 8) */
static void small_config(ts_sssd_config *c, int C)
{
    ts_sssd_config_paper(c);
    c->layers = 3;
    c->C = C;
    c->N = 8;
}

/* n's zero-started output conv drawn (from rg, seeded seed - 7) so that outputs are not 0 */
static void draw_out(ts_sssd_net *n, uint64_t seed, ts_rng *rg)
{
    ts_rng_seed(rg, seed - 7);
    for (int i = 0; i <= n->c.C; i++) n->params[n->p.out_w + i] = ts_rng_normal(rg);
}

/* the small network of C channels drawn from seed, its output conv too */
static int small_net(ts_sssd_net *n, int C, uint64_t seed, ts_rng *rg)
{
    ts_sssd_config c;
    small_config(&c, C);
    if (ts_sssd_net_init(n, &c, seed) != 0) return -1;
    draw_out(n, seed, rg);
    return 0;
}

/* a train plan a and an inference plan b of n for B windows of L: b is the smaller,
 * and forward in both gives the same bits, not all zero; a and b are the caller's to
 * free. 0 / -1 (a plan not made) */
static int plans_agree(ts_sssd_net *n, ts_sssd_plan *a, ts_sssd_plan *b, int B, int L, const float *xt,
                       const float *obs, const float *mask, const int32_t *t)
{
    if (ts_sssd_plan_init(a, n, B, L, 1) != 0 || ts_sssd_plan_init(b, n, B, L, 0) != 0) {
        CHECK_MSG(0, "plans of %d x %d: %s", B, L, ts_error());
        return -1;
    }
    CHECK(b->floats < a->floats);
    ts_sssd_forward(n, a, xt, obs, mask, t);
    ts_sssd_forward(n, b, xt, obs, mask, t);
    CHECK(memcmp(a->out, b->out, sizeof(float) * B * L) == 0);
    double s = 0;
    for (int i = 0; i < B * L; i++) s += fabs(a->out[i]);
    CHECK(s > 0);
    return 0;
}

/* the same after b caches the S4 kernels: the same bits as a's last forward */
static void cached_kernels_agree(ts_sssd_net *n, const ts_sssd_plan *a, ts_sssd_plan *b, int B, int L,
                                 const float *xt, const float *obs, const float *mask, const int32_t *t)
{
    ts_sssd_plan_cache_kernels(n, b);
    CHECK(b->kcache_ready);
    memset(b->out, 0, sizeof(float) * B * L);
    ts_sssd_forward(n, b, xt, obs, mask, t);
    CHECK(memcmp(a->out, b->out, sizeof(float) * B * L) == 0);
}

/* forward in a train plan and in an inference plan agree exactly */
static void inference_plan_matches(void)
{
    enum { B = 3, L = 20 };
    ts_sssd_net n;
    ts_rng rg;
    REQUIRE(small_net(&n, 8, 11, &rg) == 0);
    float xt[B * L], obs[B * L], mask[B * L];
    int32_t t[B] = {0, 99, 199};
    for (int i = 0; i < B * L; i++) { xt[i] = ts_rng_normal(&rg); obs[i] = 1; mask[i] = i % 3 != 0; }
    ts_sssd_plan a, b;
    REQUIRE(plans_agree(&n, &a, &b, B, L, xt, obs, mask, t) == 0);
    /* the cached S4 kernels give the same bits */
    cached_kernels_agree(&n, &a, &b, B, L, xt, obs, mask, t);
    /* a centre blackout: the inference plan computes the output over the
     * missing span alone, the same bits there */
    float cmask[B * L];
    for (int i = 0; i < B * L; i++) cmask[i] = i % L >= 7 && i % L < 11 - i / L ? 0.0f : 1.0f;   /* [7, 11), [7, 10), [7, 9) */
    ts_sssd_forward(&n, &a, xt, obs, cmask, t);
    ts_sssd_forward(&n, &b, xt, obs, cmask, t);
    /* the same bits where the BLAS kernels keep them for blocks of a product,
     * else the same to rounding */
    const int exact = ts_gemm_blocks_keep_bits();
    int span_same = 1;
    for (int i = 0; i < B * L; i++)
        if (i % L >= 7 && i % L < 11)
            span_same &= exact ? memcmp(&a.out[i], &b.out[i], sizeof(float)) == 0
                               : fabsf(a.out[i] - b.out[i]) <= 1e-5f * (1.0f + fabsf(a.out[i]));
    CHECK_MSG(span_same, "the span differs (%s)", exact ? "bits" : "beyond rounding");
    ts_sssd_plan_free(&a);
    ts_sssd_plan_free(&b);
    ts_sssd_net_free(&n);
}

/* the same for DiffWave's blocks (no S4 kernels to cache): a train and an inference
 * plan give the same bits, and over a centre blackout's span the same to rounding */
static void inference_plan_matches_dilated(void)
{
    enum { B = 3, L = 20 };
    ts_sssd_config c;
    ts_sssd_config_diffwave(&c);
    c.layers = 4;
    c.C = 8;
    c.dilation_cycle = 3;
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 11) == 0);
    ts_rng rg;
    ts_rng_seed(&rg, 4);
    for (int i = 0; i <= c.C; i++) n.params[n.p.out_w + i] = ts_rng_normal(&rg);
    float xt[B * L], obs[B * L], mask[B * L], cmask[B * L];
    int32_t t[B] = {0, 99, 199};
    for (int i = 0; i < B * L; i++) {
        xt[i] = ts_rng_normal(&rg);
        obs[i] = 1;
        mask[i] = i % 3 != 0;
        cmask[i] = i % L >= 7 && i % L < 11 - i / L ? 0.0f : 1.0f;
    }
    ts_sssd_plan a, b;
    REQUIRE(plans_agree(&n, &a, &b, B, L, xt, obs, mask, t) == 0);
    /* none to make: the forward is the same */
    ts_sssd_plan_cache_kernels(&n, &b);
    ts_sssd_forward(&n, &b, xt, obs, mask, t);
    CHECK(memcmp(a.out, b.out, sizeof(float) * B * L) == 0);
    ts_sssd_forward(&n, &a, xt, obs, cmask, t);
    ts_sssd_forward(&n, &b, xt, obs, cmask, t);
    int span_same = 1;
    for (int i = 0; i < B * L; i++)
        if (i % L >= 7 && i % L < 11) span_same &= fabsf(a.out[i] - b.out[i]) <= 1e-5f * (1.0f + fabsf(a.out[i]));
    CHECK(span_same);
    ts_sssd_plan_free(&a);
    ts_sssd_plan_free(&b);
    ts_sssd_net_free(&n);
}

/* CSDI-S4: a train and an inference plan give the same bits, with the S4 kernels
 * cached too (one S4 layer a block) */
static void inference_plan_matches_csdi(void)
{
    enum { B = 3, L = 20 };
    ts_sssd_config c;
    ts_sssd_config_csdi(&c);
    c.layers = 3;
    c.C = 8;
    c.N = 8;
    c.time_emb = 6;
    c.feat_emb = 2;
    ts_sssd_net n;
    REQUIRE(ts_sssd_net_init(&n, &c, 11) == 0);
    ts_rng rg;
    ts_rng_seed(&rg, 4);
    for (int i = 0; i < c.C; i++) n.params[n.p.out_w + i] = ts_rng_normal(&rg);
    float xt[B * L], obs[B * L], mask[B * L];
    int32_t t[B] = {0, 25, 49};
    for (int i = 0; i < B * L; i++) {
        xt[i] = ts_rng_normal(&rg);
        obs[i] = (float)(i % 7);
        mask[i] = i % L >= 7 && i % L < 11 - i / L ? 0.0f : 1.0f;
    }
    ts_sssd_plan a, b;
    REQUIRE(plans_agree(&n, &a, &b, B, L, xt, obs, mask, t) == 0);
    cached_kernels_agree(&n, &a, &b, B, L, xt, obs, mask, t);
    /* the observed values and the mask reach the output; x_t only where missing */
    float xt2[B * L];
    for (int i = 0; i < B * L; i++) xt2[i] = mask[i] != 0.0f ? xt[i] + 1.0f : xt[i];
    ts_sssd_forward(&n, &b, xt2, obs, mask, t);
    CHECK(memcmp(a.out, b.out, sizeof(float) * B * L) == 0);
    ts_sssd_plan_free(&a);
    ts_sssd_plan_free(&b);
    ts_sssd_net_free(&n);
}

/* what the sampler's workers rely on, through the denoiser interface they use:
 * three batches sampled (DDIM) on plans of their own inside a 2-thread region, one
 * thread in each network, give the same bits as one after another with the network
 * over 2 threads; float32 and bf16 */
static void worker_sampling_same_bits(void)
{
    enum { B = 4, L = 40, NB = 3, S = 5 };
    ts_sssd_config c;
    small_config(&c, 16);
    ts_denoiser n;
    REQUIRE(ts_denoiser_sssd(&n, &c, 12, 1) == 0);
    ts_rng rg;
    draw_out(n.net, 12, &rg);
    ts_diffusion d;
    REQUIRE(ts_diffusion_init(&d, 200, 1e-4, 0.02) == 0);
    static float obs[NB][B * L], mask[NB][B * L], x0[NB][B * L], x1[NB][B * L];
    for (int j = 0; j < NB; j++)
        for (int i = 0; i < B * L; i++) { obs[j][i] = ts_rng_normal(&rg); mask[j][i] = (i + j) % 4 != 0; }
    for (int prec = 0; prec < 2; prec++) {
        if (prec && ts_set_precision(TS_PRECISION_BF16) != 0) {
            fprintf(stderr, "  (bf16 part skipped: %s)\n", ts_error());
            break;
        }
        ts_denoiser_plan pl[2];
        float scr[2][2 * B * L];
        int32_t steps[2][B];
        ts_denoiser_eps e[2];
        /* as the sampler makes them: the first worker's plan for the 2 threads the
         * batches left over run on, the second's for the one it runs on (its kernels
         * copied) */
        ts_set_threads(2);
        REQUIRE(n.ops->plan_init(&pl[0], &n, B, L, 0) == 0);
        n.ops->cache(&n, &pl[0]);
        ts_set_threads(1);
        REQUIRE(n.ops->plan_init(&pl[1], &n, B, L, 0) == 0);
        n.ops->cache_copy(&n, &pl[1], &pl[0]);
        const ts_sssd_plan *p0 = pl[0].pl, *p1 = pl[1].pl;
        CHECK_MSG(p0->slots == 2 && p0->s4.nthreads == 2 && p1->slots == 1 && p1->s4.nthreads == 1,
                  "per-thread buffers: %d and %d (S4 %d and %d), not 2 and 1", p0->slots, p1->slots,
                  p0->s4.nthreads, p1->s4.nthreads);
        CHECK_MSG(pl[1].floats < pl[0].floats, "a one-thread plan of %zu floats, %zu at 2 threads", pl[1].floats,
                  pl[0].floats);
        ts_set_threads(2);
        for (int j = 0; j < NB; j++) {   /* one batch after another, the network over 2 threads */
            e[0] = (ts_denoiser_eps){&n, &pl[0], obs[j], mask[j], steps[0], "test", NULL, 0};
            ts_rng r;
            ts_rng_fork(&r, 9, (uint64_t)j);
            CHECK(ts_diffusion_sample(&d, ts_denoiser_eps_fn, &e[0], B * L, S, obs[j], mask[j], &r, 1, x0[j], scr[0],
                                      NULL) == 0);
        }
        int rc[NB] = {0};
        #pragma omp parallel num_threads(2)
        {
            const int w = omp_get_thread_num();
            omp_set_num_threads(1);
            #pragma omp for schedule(dynamic, 1)
            for (int j = 0; j < NB; j++) {
                e[w] = (ts_denoiser_eps){&n, &pl[w], obs[j], mask[j], steps[w], "test", NULL, 0};
                ts_rng r;
                ts_rng_fork(&r, 9, (uint64_t)j);
                rc[j] = ts_diffusion_sample(&d, ts_denoiser_eps_fn, &e[w], B * L, S, obs[j], mask[j], &r, 1, x1[j],
                                            scr[w], NULL);
            }
        }
        ts_set_threads(1);
        int same = 0;
        for (int j = 0; j < NB; j++) same += rc[j] == 0 && memcmp(x0[j], x1[j], sizeof x0[j]) == 0;
        CHECK_MSG(same == NB, "%s: %d of %d batches the same bits", prec ? "bf16" : "fp32", same, NB);
        /* a centre blackout sampled with a training plan (every output computed)
         * and with the inference plan (the missing span alone): the same samples */
        static float cm[B * L], y0[B * L], y1[B * L];
        for (int i = 0; i < B * L; i++) cm[i] = i % L >= 15 && i % L < 25 ? 0.0f : 1.0f;
        ts_denoiser_plan tp;
        REQUIRE(n.ops->plan_init(&tp, &n, B, L, 1) == 0);
        float *ys[2] = {y0, y1};
        ts_denoiser_plan *pp[2] = {&tp, &pl[0]};
        for (int k = 0; k < 2; k++) {
            e[0] = (ts_denoiser_eps){&n, pp[k], obs[0], cm, steps[0], "test", NULL, 0};
            ts_rng r;
            ts_rng_fork(&r, 9, 0);
            CHECK(ts_diffusion_sample(&d, ts_denoiser_eps_fn, &e[0], B * L, S, obs[0], cm, &r, 1, ys[k], scr[0], NULL) == 0);
        }
        /* within rounding: the span's products are smaller ones, which may round otherwise
         * than the whole window's (one ulp with SkylakeX kernels on an Intel Xeon) */
        int ysame = 1;
        float worst = 0;
        for (int i = 0; i < B * L; i++) {
            float dlt = fabsf(y0[i] - y1[i]) / (1.0f + fabsf(y0[i]));
            if (dlt > worst) worst = dlt;
            ysame &= dlt <= 1e-4f;
        }
        CHECK_MSG(ysame, "%s: a centre blackout sampled on the inference plan (worst relative difference %g)",
                  prec ? "bf16" : "fp32", (double)worst);
        n.ops->plan_free(&tp);
        double s = 0;
        for (int i = 0; i < B * L; i++) s += fabs(x0[0][i] - obs[0][i]) * (1 - mask[0][i]);
        CHECK(s > 0);   /* the missing positions were drawn */
        n.ops->plan_free(&pl[0]);
        n.ops->plan_free(&pl[1]);
    }
    CHECK(ts_set_precision(TS_PRECISION_FP32) == 0);
    ts_diffusion_free(&d);
    ts_denoiser_free(&n);
}

/* ---- the model ---- */

static void tiny_kv(kvbuf *kv, const char *iters)
{
    kv_set(kv, "layers", "2", "channels", "16", "state", "8", "batch", "8", "iters", iters, "T", "200", NULL);
}

static void training_loss_drops(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    model_files mf;
    model_files_in(&mf, dir, "m");
    toy t;
    toy_make(&t, 200, 24);
    kvbuf kv;
    tiny_kv(&kv, "300");
    kv_add(&kv, "lr", "3e-3");
    kv_add(&kv, "scale", "unit");
    kv_add(&kv, "valid-every", "100");
    ts_model *m;
    REQUIRE(train_to("sssd-s4", &t, &kv, &mf, &m) == 0);
    double first, last;
    REQUIRE(log_losses(mf.log, &first, &last) == 0);
    CHECK_MSG(last < 0.5 * first, "loss %g -> %g", first, last);
    CHECK(ts_file_exists(mf.out));
    char ck[600];
    snprintf(ck, sizeof ck, "%s.ckpt", mf.out);
    CHECK(ts_file_exists(ck));

    /* imputation through the interface: observed kept, IDs valid; DDIM too;
     * reproducible: same seed, same output, also after a save/load round trip */
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 9;
    ro.steps = 10;
    toy_imputed r;
    ts_model *m2;
    impute_and_reload(m, mf.out, &t, &ro, &r, &m2);
    REQUIRE(m2);
    generates_toy_ids(m2, &ro);
    ts_windows y2, g;
    ro.steps = 201;
    CHECK(ts_model_impute(m2, &r.x, r.mask, &ro, &y2) == -1 && strstr(ts_error(), "steps"));
    /* steps below 0 are refused, as mdm refuses them (they ran the default T steps) */
    ro.steps = -5;
    CHECK_MSG(ts_model_impute(m2, &r.x, r.mask, &ro, &y2) == -1 &&
              strstr(ts_error(), "sssd-s4: option --steps: -5: expected 1"), "%s", ts_error());
    CHECK(ts_model_generate(m2, 3, 24, &ro, &g) == -1 && strstr(ts_error(), "option --steps: -5"));
    ts_windows_free(&r.y);
    free(r.mask);
    ts_model_free(m);
    ts_model_free(m2);
    toy_free(&t);
}

static void resume_is_exact(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], ack[600], bck[600];
    snprintf(a, sizeof a, "%s/a.tsm", dir);
    snprintf(b, sizeof b, "%s/b.tsm", dir);
    snprintf(ack, sizeof ack, "%s.ckpt", a);
    snprintf(bck, sizeof bck, "%s.ckpt", b);
    toy t;
    toy_make(&t, 40, 24);
    kvbuf kv;
    ts_model *m = NULL;
    /* uninterrupted: 8 iterations */
    tiny_kv(&kv, "8");
    kv_add(&kv, "valid-every", "4");
    REQUIRE(train_into("sssd-s4", toy_opts(&t, &kv), a, NULL, NULL) == 0);
    /* 4 iterations, then resumed to 8 */
    tiny_kv(&kv, "4");
    kv_add(&kv, "valid-every", "4");
    REQUIRE(train_into("sssd-s4", toy_opts(&t, &kv), b, NULL, NULL) == 0);
    CHECK(!chunk_equal(ack, bck, "PARAMS"));
    tiny_kv(&kv, "8");
    kv_add(&kv, "valid-every", "4");
    char blog[600];
    snprintf(blog, sizeof blog, "%s/b.jsonl", dir);
    REQUIRE(train_into("sssd-s4", toy_opts(&t, &kv), b, bck, blog) == 0);
    /* it went on from iteration 4: a fresh run of 8 would end with the same bits, so its
     * log tells a resume from a run that ignored the checkpoint */
    char first[1024] = "";
    CHECK_MSG(first_line(blog, first, sizeof first) == 0 && strstr(first, "\"event\":\"resume\"") &&
                  strstr(first, "\"iter\":4,"), "%s", first);
    CHECK(chunk_equal(ack, bck, "PARAMS"));
    CHECK(chunk_equal(ack, bck, "ADAM_M"));
    CHECK(chunk_equal(ack, bck, "ADAM_V"));
    CHECK(chunk_equal(ack, bck, "STATE"));
    CHECK(chunk_equal(a, b, "PARAMS"));

    /* a checkpoint of another architecture is refused, naming the file */
    tiny_kv(&kv, "8");
    kv_add(&kv, "channels", "8");
    ts_train_opts o = toy_opts(&t, &kv);
    o.resume = bck;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1);
    CHECK(strstr(ts_error(), bck) && strstr(ts_error(), "different model"));
    /* a model file is not a checkpoint */
    o.resume = a;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "checkpoint"));

    /* a checkpoint of other events is refused: another count of IDs, then another name
     * for one; one without the section (made before it) is taken */
    tiny_kv(&kv, "12");
    kv_add(&kv, "valid-every", "4");
    o = toy_opts(&t, &kv);
    o.n_ids = 6;
    o.resume = bck;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1);
    CHECK_MSG(strstr(ts_error(), bck) && strstr(ts_error(), "event vocabulary") && strstr(ts_error(), "6"), "%s",
              ts_error());
    char *na[5] = {"read", "write", "openat", "close", "mmap"}, *nb[5] = {"read", "write", "openat", "close", "brk"};
    ts_vocab va = {.n = 5, .names = na, .unk = -1}, vb = {.n = 5, .names = nb, .unk = -1};
    char cck[600];
    snprintf(cck, sizeof cck, "%s/named.tsm.ckpt", dir);
    tiny_kv(&kv, "4");
    kv_add(&kv, "valid-every", "4");
    o = toy_opts(&t, &kv);
    o.vocab = &va;
    char cpath[600];
    snprintf(cpath, sizeof cpath, "%s/named.tsm", dir);
    o.out_path = cpath;
    REQUIRE(ts_model_train("sssd-s4", &o, &m) == 0);
    ts_model_free(m);
    tiny_kv(&kv, "8");
    kv_add(&kv, "valid-every", "4");
    o = toy_opts(&t, &kv);
    o.vocab = &vb;
    o.resume = cck;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1);
    CHECK_MSG(strstr(ts_error(), cck) && strstr(ts_error(), "'mmap' there, 'brk'"), "%s", ts_error());
    o.vocab = &va;   /* its own events: resumed */
    CHECK_MSG(ts_model_train("sssd-s4", &o, &m) == 0, "%s", ts_error());
    ts_model_free(m);
    m = NULL;
    REQUIRE(rewrite_chunk(cck, cck, "EVENTS", NULL) == 0);   /* a checkpoint from before the section */
    o.vocab = &vb;
    o.out_path = NULL;
    CHECK_MSG(ts_model_train("sssd-s4", &o, &m) == 0, "%s", ts_error());
    /* the missing optional section leaves no error behind for a later message to show */
    CHECK_MSG(!strstr(ts_error(), "EVENTS"), "%s", ts_error());
    ts_model_free(m);
    m = NULL;

    /* truncated and corrupted files: clean errors naming the file */
    FILE *f = fopen(bck, "rb");
    REQUIRE(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = ts_malloc((size_t)sz);
    REQUIRE(fread(buf, 1, (size_t)sz, f) == (size_t)sz);
    fclose(f);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/bad.ckpt", dir);
    f = fopen(bad, "wb");
    fwrite(buf, 1, (size_t)sz / 2, f);
    fclose(f);
    tiny_kv(&kv, "8");
    o = toy_opts(&t, &kv);
    o.resume = bad;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), bad));
    buf[sz / 3] ^= 0x10;
    f = fopen(bad, "wb");
    fwrite(buf, 1, (size_t)sz, f);
    fclose(f);
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "checksum"));
    free(buf);
    snprintf(bad, sizeof bad, "%s/bad.tsm", dir);
    f = fopen(a, "rb");
    REQUIRE(f);
    unsigned char head[256];
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    f = fopen(bad, "wb");
    fwrite(head, 1, got, f);
    fclose(f);
    CHECK(ts_model_load(bad, &m) == -1 && strstr(ts_error(), bad));
    toy_free(&t);
}

static void divergence_stops_and_keeps_files(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], ck[600], a0[600], ck0[600], logp[600];
    snprintf(a, sizeof a, "%s/a.tsm", dir);
    snprintf(ck, sizeof ck, "%s.ckpt", a);
    snprintf(a0, sizeof a0, "%s/a0.tsm", dir);
    snprintf(ck0, sizeof ck0, "%s/a0.ckpt", dir);
    snprintf(logp, sizeof logp, "%s/log.jsonl", dir);
    toy t;
    toy_make(&t, 40, 24);
    kvbuf kv;
    tiny_kv(&kv, "4");
    kv_add(&kv, "valid-every", "2");
    ts_train_opts o = toy_opts(&t, &kv);
    o.out_path = a;
    ts_model *m = NULL;
    REQUIRE(ts_model_train("sssd-s4", &o, &m) == 0);
    ts_model_free(m);
    char cmd[2600];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && cp '%s' '%s'", a, a0, ck, ck0);
    REQUIRE(system(cmd) == 0);
    /* an absurd learning rate blows the parameters up */
    tiny_kv(&kv, "40");
    kv_add(&kv, "valid-every", "2");
    kv_add(&kv, "lr", "1e30");
    o = toy_opts(&t, &kv);
    o.out_path = a;
    o.resume = ck;
    o.log_path = logp;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1);
    CHECK_MSG(strstr(ts_error(), "diverged") && strstr(ts_error(), "intact"), "%s", ts_error());
    CHECK(files_equal(a, a0));
    CHECK(files_equal(ck, ck0));
    toy_free(&t);
}

/* random and all-missing training masks; generation from a model trained unconditionally */
static void other_masks(void)
{
    toy t;
    toy_make(&t, 40, 24);
    kvbuf kv;
    ts_mask_pos pos[2] = {TS_MASK_RANDOM, TS_MASK_ALL};
    for (int i = 0; i < 2; i++) {
        tiny_kv(&kv, "6");
        kv_add(&kv, "valid-every", "3");
        ts_train_opts o = toy_opts(&t, &kv);
        o.mask_pos = pos[i];
        ts_model *m = NULL;
        REQUIRE(ts_model_train("sssd-s4", &o, &m) == 0);
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.steps = 4;
        ts_windows g;
        REQUIRE(ts_model_generate(m, 2, 24, &ro, &g) == 0);
        for (size_t j = 0; j < g.n * g.len; j++) CHECK(g.data[j] >= 0 && g.data[j] < 5);
        ts_windows_free(&g);
        CHECK(ts_model_generate(m, 2, 30, &ro, &g) == -1 && strstr(ts_error(), "24"));
        ts_model_free(m);
    }
    toy_free(&t);
}

/* a 4-iteration model on the toy windows (t, kv filled) and centre masks of 4 over
 * its test windows; NULL when training fails */
static ts_model *toy_model(toy *t, kvbuf *kv, uint8_t **mask)
{
    toy_make(t, 40, 24);
    tiny_kv(kv, "4");
    ts_train_opts o = toy_opts(t, kv);
    ts_model *m = NULL;
    if (ts_model_train("sssd-s4", &o, &m) != 0) return NULL;
    *mask = ts_malloc(t->split.test.n * 24);
    ts_mask_fill(*mask, t->split.test.n, 24, 4, TS_MASK_CENTER, 0);
    return m;
}

/* a real value is mapped to the nearest ID the training part held: IDs of the vocabulary
 * it never held (5, 6 and 7 here: <unk> and names first seen later) are never generated
 * or imputed (values past the last were clamped to 7, <unk>); the IDs held travel in the
 * model file */
static void outputs_only_ids_held(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const kinds[2] = {"sssd-s4", "diffwave"};
    for (int k = 0; k < 2; k++) {
        toy t;
        kvbuf kv;
        toy_make(&t, 40, 24);
        if (k == 0) tiny_kv(&kv, "4");
        else kv_set(&kv, "layers", "2", "channels", "16", "dilation-cycle", "2", "batch", "8", "iters", "4", NULL);
        ts_train_opts o = toy_opts(&t, &kv);
        o.n_ids = 8;
        ts_model *m = NULL;
        REQUIRE(ts_model_train(kinds[k], &o, &m) == 0);
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.steps = 4;
        ro.seed = 3;
        ts_windows g, g2, imp;
        REQUIRE(ts_model_generate(m, 64, 24, &ro, &g) == 0);
        size_t unheld = 0, top = 0;
        for (size_t i = 0; i < g.n * g.len; i++) unheld += g.data[i] >= 5, top += g.data[i] == 4;
        CHECK_MSG(unheld == 0, "%s: %zu of %zu generated events are IDs the training part never held", kinds[k],
                  unheld, g.n * g.len);
        CHECK(top > 0);   /* values past 4 went to it */
        uint8_t *mask = ts_malloc(t.split.test.n * 24);
        ts_mask_fill(mask, t.split.test.n, 24, 20, TS_MASK_CENTER, 0);
        REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &imp) == 0);
        unheld = 0;
        for (size_t i = 0; i < imp.n * imp.len; i++) unheld += imp.data[i] >= 5;
        CHECK_MSG(unheld == 0, "%s: %zu imputed events are IDs the training part never held", kinds[k], unheld);
        char path[600];
        snprintf(path, sizeof path, "%s/held_%s.tsm", dir, kinds[k]);
        REQUIRE(ts_model_save(m, path) == 0);
        ts_model *m2 = NULL;
        REQUIRE(ts_model_load(path, &m2) == 0);
        REQUIRE(ts_model_generate(m2, 64, 24, &ro, &g2) == 0);
        CHECK(memcmp(g.data, g2.data, g.n * g.len * sizeof *g.data) == 0);
        ts_windows_free(&g); ts_windows_free(&g2); ts_windows_free(&imp);
        free(mask);
        ts_model_free(m);
        ts_model_free(m2);
        toy_free(&t);
    }
}

/* --samples N: the vote over N samples; 1 is the plain sampler, each output is the
 * most frequent of the N single-sample outputs (sample 0 = the seed's own draw) */
static void samples_vote(void)
{
    toy t;
    kvbuf kv;
    uint8_t *mask;
    ts_model *m = toy_model(&t, &kv, &mask);
    REQUIRE(m);
    const char *k1[] = {"samples"}, *v1[] = {"1"}, *v3[] = {"3"}, *v0[] = {"0"};
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.steps = 4;
    ro.seed = 7;
    ts_windows plain, one, three, again;
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &plain) == 0);
    ro.kv = (ts_kv){1, k1, v1};
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &one) == 0);
    CHECK(memcmp(plain.data, one.data, plain.n * plain.len * sizeof(int32_t)) == 0);
    ro.kv = (ts_kv){1, k1, v3};
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &three) == 0);
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &again) == 0);
    CHECK(memcmp(three.data, again.data, three.n * three.len * sizeof(int32_t)) == 0);
    /* sample v is the plain sampler seeded with seed ^ v * golden: vote by hand */
    ts_windows s1, s2;
    ro.kv = (ts_kv){0, NULL, NULL};
    ro.seed = 7 ^ 0x9e3779b97f4a7c15ULL;
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &s1) == 0);
    ro.seed = 7 ^ (2 * 0x9e3779b97f4a7c15ULL);
    REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &s2) == 0);
    size_t differ = 0;
    for (size_t i = 0; i < three.n * three.len; i++) {
        int32_t a = plain.data[i], b = s1.data[i], c = s2.data[i];
        int32_t want = (b == c && a != b) ? b : a;
        CHECK(three.data[i] == want);
        differ += a != b || b != c;
        if (mask[i]) CHECK(three.data[i] == t.split.test.data[i]);
    }
    CHECK(differ > 0);   /* the samples do disagree somewhere, so the vote is exercised */
    ts_windows_free(&s1); ts_windows_free(&s2);
    ro.seed = 7;
    ro.kv = (ts_kv){1, k1, v3};
    ts_windows_free(&again);
    ro.kv = (ts_kv){1, k1, v0};
    CHECK(ts_model_impute(m, &t.split.test, mask, &ro, &again) == -1 && strstr(ts_error(), "--samples"));
    ts_windows_free(&plain); ts_windows_free(&one); ts_windows_free(&three); ts_windows_free(&again);
    free(mask);
    ts_model_free(m);
    toy_free(&t);
}

/* impute and generate at 1 and 2 threads: the same windows. 16 windows in
 * batches of 6 are 3 batches: 2 on the 2 threads' own plans, the third with the
 * network over both threads; with --samples 3 as well */
static void threads_same_windows(void)
{
    toy t;
    kvbuf kv;
    uint8_t *mask;
    ts_model *m = toy_model(&t, &kv, &mask);
    REQUIRE(m);
    const char *k1[] = {"samples"}, *v3[] = {"3"};
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.steps = 4;
    ro.seed = 3;
    ro.batch = 6;
    for (int v = 0; v < 2; v++) {
        ro.kv = v ? (ts_kv){1, k1, v3} : (ts_kv){0, NULL, NULL};
        ts_windows a, b;
        int32_t *ga = ts_malloc(7 * 24 * sizeof(int32_t)), *gb = ts_malloc(7 * 24 * sizeof(int32_t));
        ts_set_threads(1);
        REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &a) == 0);
        REQUIRE(m->ops->generate(m, 7, 24, &ro, ga) == 0);
        ts_set_threads(2);
        REQUIRE(ts_model_impute(m, &t.split.test, mask, &ro, &b) == 0);
        REQUIRE(m->ops->generate(m, 7, 24, &ro, gb) == 0);
        ts_set_threads(1);
        CHECK_MSG(memcmp(a.data, b.data, a.n * a.len * sizeof(int32_t)) == 0, "impute, samples %d", v ? 3 : 1);
        CHECK_MSG(memcmp(ga, gb, 7 * 24 * sizeof(int32_t)) == 0, "generate, samples %d", v ? 3 : 1);
        ts_windows_free(&a); ts_windows_free(&b);
        free(ga); free(gb);
    }
    free(mask);
    ts_model_free(m);
    toy_free(&t);
}

/* a sampling error on a worker (two threads and more batches than threads: each
 * thread samples whole batches on its own) comes back to the caller as -1 with its
 * line. A DDIM jump from an underflowed schedule (betaT 0.99, T 1000, 2 steps) is
 * not finite on every batch. */
static void worker_error_reaches_caller(void)
{
    toy t;
    toy_make(&t, 40, 24);
    kvbuf kv;
    kv_set(&kv, "layers", "2", "channels", "16", "state", "8", "batch", "8", "iters", "4", "T", "1000", "betaT", "0.99",
           NULL);
    ts_train_opts o = toy_opts(&t, &kv);
    ts_model *m = NULL;
    REQUIRE(ts_model_train("sssd-s4", &o, &m) == 0);
    uint8_t *mask = ts_malloc(t.split.test.n * 24);
    ts_mask_fill(mask, t.split.test.n, 24, 4, TS_MASK_CENTER, 0);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.steps = 2;
    ro.batch = 2;   /* 8 batches */
    ro.seed = 5;
    ts_windows a, g;
    ts_set_threads(2);
    ts_clear_error();
    int rc = ts_model_impute(m, &t.split.test, mask, &ro, &a);
    CHECK_MSG(rc == -1 && a.data == NULL && strstr(ts_error(), "not finite"), "impute: %d, %s", rc, ts_error());
    ts_clear_error();
    rc = ts_model_generate(m, 16, 24, &ro, &g);
    CHECK_MSG(rc == -1 && g.data == NULL && strstr(ts_error(), "not finite"), "generate: %d, %s", rc, ts_error());
    ts_set_threads(1);
    free(mask);
    ts_model_free(m);
    toy_free(&t);
}

/* the command line: train, impute, generate, resume, and errors on one line */
static void cli_round_trip(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[600], cmd[4096], err[1024];
    REQUIRE(stream_dataset(dir, "ds", 3000) == 0);
    const char *common = "--threads 1 --no-progress --length 24 --windows 8 --blackout 3";
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s -o %s/m.tsm --log %s/log.jsonl "
             "--layers 1 --channels 8 --state 4 --T 20 --iters 4 --valid-every 2 --batch 4", dir, common,
             dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s -o %s/m.tsm --resume %s/m.tsm.ckpt "
             "--layers 1 --channels 8 --state 4 --T 20 --iters 6 --valid-every 2 --batch 4", dir, common,
             dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* on another split: refused, the model and its checkpoint left as they are */
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s -o %s/m.tsm --resume %s/m.tsm.ckpt --fractions "
             "0.5,0.1,0.4 --layers 1 --channels 8 --state 4 --T 20 --iters 8 --valid-every 2 --batch 4", dir, common,
             dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "m.tsm.ckpt: checkpoint of a run on another split (time 0.7,0.1,0.2; the options give time "
                          "0.5,0.1,0.4)"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s/ds --split time %s --steps 5", dir, dir, common);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 3 -o %s/gen --threads 1 --no-progress --steps 5", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/gen.txt", dir);
    CHECK(ts_file_exists(path));
    /* sampled on two workers, in a log: the bar's last line once, whichever worker ran the
     * last network evaluation */
    snprintf(cmd, sizeof cmd, "generate %s/m.tsm -n 8 --batch 2 -o %s/gen2 --threads 2 --steps 5", dir, dir);
    char out[4096];
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s", out);
    int bars = 0;
    for (const char *c = out; (c = strstr(c, "generate [")); c++) bars++;
    CHECK_MSG(bars == 1 && strstr(out, "generate [########################] 20/20 "), "%s", out);
    /* a window's sample does not depend on the batch it is drawn in, nor on how many
     * windows are drawn: its noise is its own */
    const char *gens[3] = {"-n 4 --batch 4", "-n 4 --batch 3", "-n 2 --batch 1"};
    char gtext[3][2048];
    for (int g = 0; g < 3; g++) {
        snprintf(cmd, sizeof cmd, "generate %s/m.tsm %s -o %s/gb%d --threads 1 --no-progress --steps 5 --seed 3",
                 dir, gens[g], dir, g);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        snprintf(path, sizeof path, "%s/gb%d.txt", dir, g);
        FILE *gf = fopen(path, "r");
        REQUIRE(gf);
        gtext[g][fread(gtext[g], 1, sizeof gtext[g] - 1, gf)] = 0;
        fclose(gf);
    }
    const char *second = strchr(gtext[0], '\n');
    second = second ? strchr(second + 1, '\n') : NULL;
    CHECK_MSG(strcmp(gtext[0], gtext[1]) == 0, "batches of 4 and 3:\n%s\n%s", gtext[0], gtext[1]);
    CHECK_MSG(second && strncmp(gtext[0], gtext[2], (size_t)(second + 1 - gtext[0])) == 0 &&
              strlen(gtext[2]) == (size_t)(second + 1 - gtext[0]), "2 windows, batch 1:\n%s\n%s", gtext[0], gtext[2]);
    for (int g = 0; g < 2; g++) {
        snprintf(cmd, sizeof cmd, "impute %s/m.tsm --input %s/ds --split time %s --steps 5 --seed 3 --batch %d "
                 "-o %s/ib%d", dir, dir, common, g ? 3 : 8, dir, g);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    }
    snprintf(cmd, sizeof cmd, "cmp -s %s/ib0/imputation0.npy %s/ib1/imputation0.npy", dir, dir);
    CHECK_MSG(system(cmd) == 0, "imputed in batches of 8 and of 3: not the same");
    /* an unknown model option names itself */
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s -o %s/x.tsm --chanels 8", dir, common, dir);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "--chanels") != NULL, "%s", err);
    /* a truncated model file: one line naming it */
    snprintf(cmd, sizeof cmd, "head -c 300 %s/m.tsm > %s/cut.tsm", dir, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/cut.tsm --input %s/ds %s", dir, dir, common);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "cut.tsm") != NULL, "%s", err);
    /* ᾱ underflows to 0 on this schedule: DDPM runs, DDIM is one line naming --steps (its
     * samples were NaN, read as event 0) */
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s -o %s/steep.tsm --layers 1 --channels 8 --state 4 "
             "--T 1000 --betaT 0.99 --iters 2 --valid-every 2 --batch 4", dir, common, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/steep.tsm --input %s/ds --split time %s --steps 2", dir, dir, common);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc != 0 && rc != 125 && strstr(err, "sssd-s4: option --steps: 2"), "%d: %s", rc, err);
    /* --position all hides whole windows: the default --blackout (10) does not bound the
     * window, and a --blackout given with it, which it would not read, is refused as impute does */
    const char *tiny = "--threads 1 --no-progress --windows 8 --layers 1 --channels 8 --state 4 --T 5 --iters 2";
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s --length 8 --position all -o %s/all.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s/ds %s --length 24 --position all --blackout 3 -o %s/all3.tsm",
             dir, tiny, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--blackout") && strstr(err, "--position all"), "%s",
              err);
}

/* bench impute: a --steps over the model's T (given or its default) and a --samples out of
 * range are refused before any training (they failed each dataset after its training) */
static void bench_impute_checks_first(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[4096], err[1024], out[8192];
    REQUIRE(stream_dataset(dir, "bds", 2000) == 0);
    const char *common = "--lengths 24 --blackouts 3 --positions center --train-blackout 3 --windows 8 --threads 1 "
                         "--no-progress --layers 1 --channels 8 --state 4 --iters 2 --valid-every 2";
    const char *bad[][2] = {{"--T 20 --steps 21", "--steps 21 is more than the model's T = 20"},
                            {"--steps 201", "--steps 201 is more than the model's T = 200"},
                            {"--T 20 --steps 5 --samples 0", "--samples: 0"}};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "bench impute --model sssd-s4 %s/bds %s %s", dir, common, bad[i][0]);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, bad[i][1]), "%s: exit %d: %s", bad[i][0], rc, err);
        CHECK_MSG(run_stdout(cmd, out, sizeof out) == 2 && !strstr(out, "train "), "%s: %s", bad[i][0], out);
    }
    snprintf(cmd, sizeof cmd, "bench impute --model sssd-s4 %s/bds %s --T 20 --steps 20 --samples 2", dir, common);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "L=24: train "), "%s", out);
}

/* a model file's window length bounds what sampling one window holds: len = 0 (which
 * the library reads as "any length") would lift that bound, so it is refused */
static void model_file_len_zero(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/len0.tsm", dir);
    ts_sssd_config c = {1, 4, 4, 8, 8, 8, 1, 0, 1, TS_SSSD_RES_S4, 0, 0, 0};
    ts_sssd_layout lay;
    ts_sssd_layout_of(&c, &lay, NULL);
    for (int len = 0; len < 2; len++) {
        char cfg[512];
        snprintf(cfg, sizeof cfg, "layers=1\nchannels=4\nstate=4\nemb_in=8\nemb_mid=8\nemb_out=8\n"
                 "bidirectional=1\ntrain_ssm=0\nT=10\nbeta0=0.0001\nbetaT=0.02\nscale=raw\nlen=%d\n", len);
        REQUIRE(write_sssd(path, cfg, lay.total) == 0);
        ts_model *m = NULL;
        if (len == 0) {
            CHECK(ts_model_load(path, &m) == -1 && m == NULL);
            CHECK_MSG(strstr(ts_error(), path) && strstr(ts_error(), "len"), "%s", ts_error());
        } else {
            CHECK_MSG(ts_model_load(path, &m) == 0 && m && m->len == 1, "%s", ts_error());
        }
        ts_model_free(m);
    }
}

/* diffwave: the same model with dilated blocks, through the model interface: it learns
 * the toy sequence, its file loads as diffwave and imputes the same bits, and its
 * residual kind is the model's (a file that says otherwise is refused by name) */
/* a hand-made file's network: one layer of 4 channels, embeddings of 8, S4 blocks of
 * state 4 or dilated ones; its CONFIG up to T is TINY_S4 or TINY_DILATED, then TINY_TAIL */
#define TINY_S4 "layers=1\nchannels=4\nstate=4\nemb_in=8\nemb_mid=8\nemb_out=8\nbidirectional=1\ntrain_ssm=0\n"
#define TINY_DILATED "layers=1\nchannels=4\nemb_in=8\nemb_mid=8\nemb_out=8\nresidual=dilated\ndilation_cycle=12\n"
#define TINY_TAIL "T=10\nbeta0=0.0001\nbetaT=0.02\nscale=raw\nlen=8\n"

static size_t tiny_params(int dilated)
{
    ts_sssd_config c;
    if (dilated) {
        ts_sssd_config_diffwave(&c);
    } else {
        ts_sssd_config_paper(&c);
        c.N = 4;
    }
    c.layers = 1;
    c.C = 4;
    c.emb_in = c.emb_mid = c.emb_out = 8;
    ts_sssd_layout lay;
    ts_sssd_layout_of(&c, &lay, NULL);
    return lay.total;
}

static void diffwave_model(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    model_files mf;
    model_files_in(&mf, dir, "dw");
    toy t;
    toy_make(&t, 200, 24);
    kvbuf kv;
    kv_set(&kv, "layers", "3", "channels", "16", "dilation-cycle", "2", "batch", "8", "iters", "300", "lr", "3e-3",
           "scale", "unit", "valid-every", "100", NULL);
    ts_model *m;
    REQUIRE(train_to("diffwave", &t, &kv, &mf, &m) == 0);
    CHECK(!strcmp(m->ops->name, "diffwave"));
    double first, last;
    REQUIRE(log_losses(mf.log, &first, &last) == 0);
    CHECK_MSG(last < 0.5 * first, "loss %g -> %g", first, last);
    /* the start record names the dilation cycle, not an S4 state */
    char line[1024] = "";
    CHECK(first_line(mf.log, line, sizeof line) == 0 && strstr(line, "\"model\":\"diffwave\"") &&
          strstr(line, "\"dilation_cycle\":2") && !strstr(line, "\"state\""));

    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 9;
    ro.steps = 10;
    toy_imputed r;
    ts_model *m2;
    impute_and_reload(m, mf.out, &t, &ro, &r, &m2);
    REQUIRE(m2);
    generates_toy_ids(m2, &ro);
    ts_model_free(m2);

    /* its config: the residual kind and the cycle, no S4 keys */
    char cfg[1024];
    REQUIRE(read_chunk_text(mf.out, "CONFIG", cfg, sizeof cfg) == 0);
    CHECK_MSG(strstr(cfg, "residual=dilated\ndilation_cycle=2\n") && !strstr(cfg, "state=") &&
              !strstr(cfg, "train_ssm="), "%s", cfg);
    /* without its residual key it would read as S4: refused, naming the key */
    REQUIRE(rewrite_chunk_replacing(mf.out, mf.edited, "CONFIG", cfg, "residual=dilated\n", "") == 0);
    CHECK_MSG(load_refused(mf.edited, "'residual'"), "%s", ts_error());
    /* an unknown kind, and a cycle out of range */
    REQUIRE(rewrite_chunk_replacing(mf.out, mf.edited, "CONFIG", cfg, "residual=dilated", "residual=dilatex") == 0);
    CHECK_MSG(load_refused(mf.edited, "residual"), "%s", ts_error());
    REQUIRE(rewrite_chunk_replacing(mf.out, mf.edited, "CONFIG", cfg, "dilation_cycle=2", "dilation_cycle=0") == 0);
    CHECK_MSG(load_refused(mf.edited, "dilation_cycle"), "%s", ts_error());
    /* a dilated config in an sssd-s4 file: refused, not run as the other network */
    REQUIRE(write_sssd(mf.edited, TINY_DILATED TINY_TAIL, tiny_params(1)) == 0);
    CHECK_MSG(load_refused(mf.edited, "'residual' is dilated, but model sssd-s4 has s4 blocks"), "%s", ts_error());
    /* and residual=s4 said aloud in an sssd-s4 file is what a file without it is */
    REQUIRE(write_sssd(mf.edited, TINY_S4 "residual=s4\n" TINY_TAIL, tiny_params(0)) == 0);
    m2 = NULL;
    CHECK_MSG(ts_model_load(mf.edited, &m2) == 0 && m2 && !strcmp(m2->ops->name, "sssd-s4"), "%s", ts_error());
    ts_model_free(m2);
    /* S4 options are not diffwave's */
    kv_add(&kv, "state", "8");
    ts_train_opts o = toy_opts(&t, &kv);
    ts_model *m3 = NULL;
    CHECK(ts_model_train("diffwave", &o, &m3) == -1 && !m3);
    CHECK_MSG(strstr(ts_error(), "state"), "%s", ts_error());
    ts_windows_free(&r.y);
    free(r.mask);
    ts_model_free(m);
    toy_free(&t);
}

/* sssd-s4 files from before the residual kind (commit 055d836's, and the committed
 * fixture) load as sssd-s4 with S4 blocks; an sssd-s4 file written now has no
 * 'residual' key, so that it is the same bytes as before */
static void old_files_are_s4(void)
{
    const char *files[] = {"tests/fixtures/models/055d836/sssd-s4.tsm", "tests/fixtures/models/sssd-s4.tsm"};
    for (int i = 0; i < 2; i++) {
        if (access(files[i], R_OK) != 0) SKIP("%s not found (run from the repository root)", files[i]);
        ts_reader r;
        REQUIRE(ts_reader_open(&r, files[i]) == 0);
        CHECK(ts_reader_has(&r, "CONFIG", "state") && !ts_reader_has(&r, "CONFIG", "residual"));
        ts_reader_close(&r);
        ts_model *m = NULL;
        CHECK_MSG(ts_model_load(files[i], &m) == 0 && m, "%s: %s", files[i], ts_error());
        if (!m) continue;
        CHECK(!strcmp(m->ops->name, "sssd-s4"));
        const char *dir = scratch_dir();
        char out[600];
        snprintf(out, sizeof out, "%s/resaved.tsm", dir);
        REQUIRE(ts_model_save(m, out) == 0);
        REQUIRE(ts_reader_open(&r, out) == 0);
        CHECK(!ts_reader_has(&r, "CONFIG", "residual"));
        ts_reader_close(&r);
        CHECK(chunk_equal(out, files[i], "CONFIG"));
        ts_model_free(m);
    }
}

/* the CLI tests' options besides the network's */
#define CLI_COMMON "--threads 1 --no-progress --length 24 --windows 8 --blackout 3"

/* `model` with the options net trained on dir/ds to dir/out for 4 iterations, then
 * resumed from its checkpoint to 6 */
static void cli_train_resume(const char *model, const char *dir, const char *ds, const char *out, const char *net)
{
    char cmd[4096], err[1024];
    snprintf(cmd, sizeof cmd, "train --model %s %s/%s %s -o %s/%s %s --iters 4", model, dir, ds, CLI_COMMON, dir, out,
             net);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "train --model %s %s/%s %s -o %s/%s --resume %s/%s.ckpt %s --iters 6", model, dir, ds,
             CLI_COMMON, dir, out, dir, out, net);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
}

/* diffwave on the command line: train, resume, impute; its help is its own */
static void diffwave_cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[4096], err[1024], out[16384];
    REQUIRE(stream_dataset(dir, "dwds", 3000) == 0);
    const char *common = CLI_COMMON;
    cli_train_resume("diffwave", dir, "dwds", "dw.tsm",
                     "--layers 2 --channels 8 --dilation-cycle 2 --T 20 --valid-every 2 --batch 4");
    /* another cycle is another network: the checkpoint refuses it */
    snprintf(cmd, sizeof cmd, "train --model diffwave %s/dwds %s -o %s/dw.tsm --resume %s/dw.tsm.ckpt --layers 2 "
             "--channels 8 --dilation-cycle 3 --T 20 --valid-every 2 --batch 4 --iters 8", dir, common, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    snprintf(cmd, sizeof cmd, "impute %s/dw.tsm --input %s/dwds --split time %s --steps 5", dir, dir, common);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "diffwave: "), "%s", out);
    /* S4's options are not its own: refused by name */
    snprintf(cmd, sizeof cmd, "train --model diffwave %s/dwds %s -o %s/x.tsm --state 8", dir, common, dir);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "--state") != NULL, "%s", err);
    CHECK(run_stdout("train --model diffwave --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "--dilation-cycle N") && strstr(out, "--T N") && strstr(out, "--samples N") &&
              !strstr(out, "--state") && !strstr(out, "--train-ssm"), "%s", out);
}

/* csdi-s4 through the model interface: CSDI's defaults (T 50 on the quad schedule),
 * it learns the toy sequence, imputes, generates, its file round-trips; a csdi file
 * under another model's name, or another's under its own, is refused in one line */
static void csdi_model(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    model_files mf;
    model_files_in(&mf, dir, "csdi");
    const char *edited = mf.edited;
    toy t;
    toy_make(&t, 200, 24);
    kvbuf kv;
    kv_set(&kv, "layers", "2", "channels", "16", "state", "8", "batch", "8", "iters", "600", "lr", "3e-3", "scale",
           "unit", "valid-every", "100", NULL);
    ts_model *m;
    REQUIRE(train_to("csdi-s4", &t, &kv, &mf, &m) == 0);
    CHECK(!strcmp(m->ops->name, "csdi-s4"));
    double first, last;
    REQUIRE(log_losses(mf.log, &first, &last) == 0);
    /* on CSDI's random masks, from none to all of a window hidden: less of a drop than
     * sssd-s4's on one blackout */
    CHECK_MSG(last < 0.6 * first, "loss %g -> %g", first, last);
    char line[1024] = "";
    CHECK_MSG(first_line(mf.log, line, sizeof line) == 0 && strstr(line, "\"model\":\"csdi-s4\"") &&
              strstr(line, "\"state\":8") && strstr(line, "\"T\":50"), "%s", line);

    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 9;   /* steps 0: T, DDPM */
    toy_imputed r;
    ts_model *m2;
    impute_and_reload(m, mf.out, &t, &ro, &r, &m2);
    REQUIRE(m2);
    const ts_windows x = r.x, y = r.y;
    const uint8_t *mask = r.mask;
    const size_t nw = x.n, L = x.len;
    ts_windows y2;
    ro.steps = 10;   /* DDIM */
    REQUIRE(ts_model_impute(m2, &x, mask, &ro, &y2) == 0);
    for (size_t i = 0; i < nw * L; i++) CHECK(!mask[i] || y2.data[i] == x.data[i]);
    ts_windows_free(&y2);
    generates_toy_ids(m2, &ro);
    ts_model_free(m2);

    /* its config: S4's keys, the residual kind and the side information's sizes, the
     * quad schedule of T 50 to 0.5 */
    char cfg[1024];
    REQUIRE(read_chunk_text(mf.out, "CONFIG", cfg, sizeof cfg) == 0);
    CHECK_MSG(strstr(cfg, "state=8\n") && strstr(cfg, "emb_in=128\nemb_mid=128\nemb_out=128\n") &&
              strstr(cfg, "residual=csdi\ntime_emb=128\nfeature_emb=16\n") && strstr(cfg, "T=50\n") &&
              strstr(cfg, "betaT=0.5\nbeta_schedule=quad\n"), "%s", cfg);
    /* the schedule is read: the linear one samples otherwise */
    REQUIRE(rewrite_chunk_replacing(mf.out, edited, "CONFIG", cfg, "beta_schedule=quad\n", "") == 0);
    m2 = NULL;
    CHECK_MSG(ts_model_load(edited, &m2) == 0 && m2, "%s", ts_error());
    REQUIRE(m2);
    ro.steps = 0;
    REQUIRE(ts_model_impute(m2, &x, mask, &ro, &y2) == 0);
    CHECK(memcmp(y.data, y2.data, nw * L * sizeof(int32_t)) != 0);
    ts_windows_free(&y2);
    ts_model_free(m2);
    REQUIRE(rewrite_chunk_replacing(mf.out, edited, "CONFIG", cfg, "beta_schedule=quad", "beta_schedule=cube") == 0);
    CHECK_MSG(load_refused(edited, "beta_schedule") && !strchr(ts_error(), '\n'), "%s", ts_error());
    /* a side information out of range */
    REQUIRE(rewrite_chunk_replacing(mf.out, edited, "CONFIG", cfg, "time_emb=128", "time_emb=127") == 0);
    CHECK_MSG(load_refused(edited, "time embedding = 127"), "%s", ts_error());
    /* one whose position embedding a window could not hold: refused before any allocation
     * (len is the config's last key) */
    REQUIRE(rewrite_chunk_replacing(mf.out, edited, "CONFIG", cfg, "len=24\n", "len=262144\n") == 0);
    CHECK_MSG(load_refused(edited, "time_emb 128 x len 262144"), "%s", ts_error());
    /* without its residual key it would read as S4: refused, naming the key */
    REQUIRE(rewrite_chunk_replacing(mf.out, edited, "CONFIG", cfg, "residual=csdi\n", "") == 0);
    CHECK_MSG(load_refused(edited, "no 'residual' (a csdi-s4 file has residual=csdi)"), "%s", ts_error());
    /* a csdi file named sssd-s4 or diffwave: refused, not run as the other network */
    const char *others[][2] = {{"sssd-s4", "s4"}, {"diffwave", "dilated"}};
    for (int i = 0; i < 2; i++) {
        REQUIRE(rewrite_chunk(mf.out, edited, "MODEL", others[i][0]) == 0);
        char want[128];
        snprintf(want, sizeof want, "'residual' is csdi, but model %s has %s blocks", others[i][0], others[i][1]);
        CHECK_MSG(load_refused(edited, want) && !strchr(ts_error(), '\n'), "%s", ts_error());
    }
    /* and an sssd-s4 file named csdi-s4: refused (with its key said aloud, or without) */
    const char *s4cfg[] = {TINY_S4 "residual=s4\n" TINY_TAIL, TINY_S4 TINY_TAIL};
    const char *want[] = {"'residual' is s4, but model csdi-s4 has csdi blocks", "no 'residual'"};
    for (int i = 0; i < 2; i++) {
        REQUIRE(write_sssd(edited, s4cfg[i], tiny_params(0)) == 0);
        REQUIRE(rewrite_chunk(edited, edited, "MODEL", "csdi-s4") == 0);
        CHECK_MSG(load_refused(edited, want[i]), "%s", ts_error());
    }
    /* and such a model is not trained: one layer of one channel, windows of 2^18 */
    {
        toy big;
        toy_make(&big, 2, 1 << 18);
        kv_set(&kv, "layers", "1", "channels", "1", "iters", "1", NULL);
        ts_train_opts o = toy_opts(&big, &kv);
        ts_model *m3 = NULL;
        CHECK(ts_model_train("csdi-s4", &o, &m3) == -1 && !m3);
        CHECK_MSG(strstr(ts_error(), "position embedding of 128 x windows of 262144"), "%s", ts_error());
        toy_free(&big);
    }
    /* options that are not csdi-s4's, and a schedule it does not know */
    const char *bad[][2] = {{"dilation-cycle", "2"}, {"preset", "small"}, {"beta-schedule", "cube"}};
    for (int i = 0; i < 3; i++) {
        kv_set(&kv, "iters", "2", bad[i][0], bad[i][1], NULL);
        ts_train_opts o = toy_opts(&t, &kv);
        ts_model *m3 = NULL;
        CHECK(ts_model_train("csdi-s4", &o, &m3) == -1 && !m3);
        CHECK_MSG(strstr(ts_error(), bad[i][0]), "%s", ts_error());
    }
    ts_windows_free(&r.y);
    free(r.mask);
    ts_model_free(m);
    toy_free(&t);
}

/* CSDI's training mask (CSDI_base.get_randmask, target_strategy 'random'): each
 * window hides round(L u) of its positions, u uniform in [0, 1), drawn anywhere */
static void csdi_random_mask(void)
{
    enum { N = 4000, L = 20 };
    uint8_t *m = ts_malloc((size_t)N * L);
    ts_rng r;
    ts_rng_seed(&r, 3);
    ts_csdi_random_mask(m, N, L, &r);
    int per_count[L + 1] = {0}, per_pos[L] = {0}, runs = 0;
    for (int i = 0; i < N; i++) {
        int hidden = 0;
        for (int l = 0; l < L; l++) {
            CHECK(m[i * L + l] <= 1);
            hidden += !m[i * L + l];
            per_pos[l] += !m[i * L + l];
            runs += !m[i * L + l] && (l == 0 || m[i * L + l - 1]);
        }
        per_count[hidden]++;
    }
    /* round(L u): 0 and L have half the share of the counts between */
    for (int k = 0; k <= L; k++) {
        const double want = (k == 0 || k == L ? 0.5 : 1.0) / L * N;
        CHECK_MSG(fabs(per_count[k] - want) < 5 * sqrt(want), "%d hidden: %d windows, want about %.0f", k,
                  per_count[k], want);
    }
    /* every position as often hidden (half the time), not one blackout each */
    for (int l = 0; l < L; l++) CHECK_MSG(fabs(per_pos[l] - N / 2.0) < 150, "position %d: %d", l, per_pos[l]);
    CHECK_MSG(runs > 2 * N, "%d runs of hidden positions in %d windows", runs, N);
    /* the same generator state, the same masks */
    uint8_t *m2 = ts_malloc((size_t)N * L);
    ts_rng_seed(&r, 3);
    ts_csdi_random_mask(m2, N, L, &r);
    CHECK(memcmp(m, m2, (size_t)N * L) == 0);
    free(m);
    free(m2);
}

/* csdi-s4 trains on CSDI's random masks by default (--train-mask random), on the
 * blackouts of --blackout with --train-mask blackout; the file and the log say
 * which; a file without the key (from before it) was trained on blackouts */
static void csdi_train_mask(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    toy t;
    toy_make(&t, 60, 24);
    const char *how[] = {NULL, "random", "blackout"};
    model_files mf[3];
    char cfg[3][1024];
    float *params[3] = {NULL, NULL, NULL};
    size_t np = 0;
    for (int i = 0; i < 3; i++) {
        kvbuf kv;
        kv_set(&kv, "layers", "1", "channels", "8", "state", "4", "batch", "4", "iters", "6", "T", "20", "valid-every",
               "3", NULL);
        if (how[i]) kv_add(&kv, "train-mask", how[i]);
        char stem[32];
        snprintf(stem, sizeof stem, "csdi-mask%d", i);
        model_files_in(&mf[i], dir, stem);
        ts_model *m;
        CHECK_MSG(train_to("csdi-s4", &t, &kv, &mf[i], &m) == 0 && m, "%s", ts_error());
        if (!m) continue;
        ts_model_free(m);
        ts_reader r;
        REQUIRE(ts_reader_open(&r, mf[i].out) == 0);
        const ts_chunk *pc = ts_reader_get(&r, "PARAMS");
        REQUIRE(pc);
        np = pc->size;
        params[i] = ts_malloc(np);
        memcpy(params[i], pc->data, np);
        ts_reader_close(&r);
        REQUIRE(read_chunk_text(mf[i].out, "CONFIG", cfg[i], sizeof cfg[i]) == 0);
        const char *want = i == 2 ? "train_mask=blackout\n" : "train_mask=random\n";
        CHECK_MSG(strstr(cfg[i], want), "%s", cfg[i]);
        char line[1024] = "";
        CHECK(first_line(mf[i].log, line, sizeof line) == 0);
        CHECK_MSG(strstr(line, i == 2 ? "\"train_mask\":\"blackout\"" : "\"train_mask\":\"random\""), "%s", line);
    }
    REQUIRE(params[0] && params[1] && params[2]);
    CHECK(memcmp(params[0], params[1], np) == 0);
    CHECK(memcmp(params[0], params[2], np) != 0);
    for (int i = 0; i < 3; i++) free(params[i]);

    /* a file without the key loads (as trained on blackouts); an unknown value is refused */
    const char *edited = mf[2].edited;
    REQUIRE(rewrite_chunk_replacing(mf[2].out, edited, "CONFIG", cfg[2], "train_mask=blackout\n", "") == 0);
    ts_model *m2 = NULL;
    CHECK_MSG(ts_model_load(edited, &m2) == 0 && m2, "%s", ts_error());
    ts_model_free(m2);
    REQUIRE(rewrite_chunk_replacing(mf[2].out, edited, "CONFIG", cfg[2], "train_mask=blackout", "train_mask=blackoux") ==
            0);
    CHECK_MSG(load_refused(edited, "train_mask") && !strchr(ts_error(), '\n'), "%s", ts_error());
    /* a value it does not know, and the option elsewhere */
    kvbuf kv;
    kv_set(&kv, "iters", "2", "train-mask", "mix", NULL);
    ts_train_opts o = toy_opts(&t, &kv);
    ts_model *m3 = NULL;
    CHECK(ts_model_train("csdi-s4", &o, &m3) == -1 && !m3);
    CHECK_MSG(strstr(ts_error(), "train-mask") && strstr(ts_error(), "mix"), "%s", ts_error());
    CHECK(ts_model_train("sssd-s4", &o, &m3) == -1 && !m3);
    CHECK_MSG(strstr(ts_error(), "train-mask"), "%s", ts_error());
    toy_free(&t);
}

/* csdi-s4 on the command line: train, resume, impute; its help is its own; options
 * it does not take are usage errors (exit 2), named */
static void csdi_cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[600], cmd[4096], err[1024], out[16384];
    REQUIRE(stream_dataset(dir, "csds", 3000) == 0);
    const char *common = CLI_COMMON;
    const char *net = "--layers 2 --channels 8 --state 4 --T 20 --valid-every 2 --batch 4";
    cli_train_resume("csdi-s4", dir, "csds", "cs.tsm", net);
    /* a run on random masks is not resumed on blackouts: another objective */
    snprintf(cmd, sizeof cmd, "train --model csdi-s4 %s/csds %s -o %s/cs.tsm --resume %s/cs.tsm.ckpt %s --iters 8 "
             "--train-mask blackout", dir, common, dir, dir, net);
    CHECK_MSG(run_cli(cmd, err, sizeof err) != 0 && strstr(err, "train_mask=random") &&
              strstr(err, "train_mask=blackout"), "%s", err);
    /* a checkpoint from before the key (trained on blackouts) resumes on blackouts alone */
    snprintf(cmd, sizeof cmd, "train --model csdi-s4 %s/csds %s -o %s/cb.tsm %s --iters 4 --train-mask blackout", dir,
             common, dir, net);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/cb.tsm.ckpt", dir);
    char cfg[1024];
    REQUIRE(read_chunk_text(path, "CONFIG", cfg, sizeof cfg) == 0);
    REQUIRE(rewrite_chunk_replacing(path, path, "CONFIG", cfg, "train_mask=blackout\n", "") == 0);
    const char *resumes[] = {"", "--train-mask blackout"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "train --model csdi-s4 %s/csds %s -o %s/cb.tsm --resume %s %s --iters 6 %s", dir,
                 common, dir, path, net, resumes[i]);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(i ? rc == 0 : rc != 0 && strstr(err, "different model"), "%s: %s", resumes[i], err);
    }
    snprintf(cmd, sizeof cmd, "impute %s/cs.tsm --input %s/csds --split time %s --steps 5", dir, dir, common);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "csdi-s4: "), "%s", out);
    /* more steps than its T */
    snprintf(cmd, sizeof cmd, "impute %s/cs.tsm --input %s/csds --split time %s --steps 21", dir, dir, common);
    CHECK(run_cli(cmd, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "T = 20"), "%s", err);
    const char *notmine[] = {"--dilation-cycle 2", "--preset paper", "--beta-schedule cube"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "train --model csdi-s4 %s/csds %s -o %s/x.tsm %s", dir, common, dir, notmine[i]);
        char opt[32];
        snprintf(opt, sizeof opt, "%.*s", (int)(strchr(notmine[i], ' ') - notmine[i]), notmine[i]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, opt), "%s: %s", notmine[i], err);
    }
    CHECK(run_stdout("train --model csdi-s4 --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "--beta-schedule S") && strstr(out, "--state N") && strstr(out, "--train-ssm") &&
              strstr(out, "--train-mask random|blackout") && strstr(out, "--samples N") && !strstr(out, "--dilation-cycle") && !strstr(out, "--preset small"),
              "%s", out);
    CHECK(run_stdout("train --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "csdi-s4"), "%s", out);
    CHECK(run_stdout("help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "csdi-s4"), "%s", out);
}

static void bad_options(void)
{
    toy t;
    toy_make(&t, 10, 24);
    kvbuf kv;
    tiny_kv(&kv, "2");
    kv_add(&kv, "layer", "3");
    ts_train_opts o = toy_opts(&t, &kv);
    ts_model *m = NULL;
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "--layer"));
    tiny_kv(&kv, "2");
    kv_add(&kv, "preset", "huge");
    o = toy_opts(&t, &kv);
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "huge"));
    tiny_kv(&kv, "2");
    kv_add(&kv, "state", "7");
    o = toy_opts(&t, &kv);
    CHECK(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "even"));
    /* a network whose windows its file could not load again: refused before training */
    kv_set(&kv, "layers", "1024", "channels", "1024", "iters", "2", NULL);
    o = toy_opts(&t, &kv);
    CHECK_MSG(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), "over the limit"), "%s", ts_error());
    /* a schedule out of range names the option that is wrong */
    const char *sched[][2] = {{"betaT", "1"}, {"betaT", "0.00001"}, {"beta0", "0"}, {"beta0", "1.5"}};
    for (int i = 0; i < 4; i++) {
        tiny_kv(&kv, "2");
        kv_add(&kv, sched[i][0], sched[i][1]);
        o = toy_opts(&t, &kv);
        char want[64];
        snprintf(want, sizeof want, "sssd-s4: option --%s: ", sched[i][0]);
        CHECK_MSG(ts_model_train("sssd-s4", &o, &m) == -1 && strstr(ts_error(), want), "%s", ts_error());
    }
    toy_free(&t);
}

TEST_MAIN("sssd", {
    ts_set_threads(1);   /* tiny shapes: threads cost more than they give */
    RUN(param_count_matches_reference);
    RUN(gradient_check);
    RUN(gradient_check_dilated);
    RUN(gradient_check_csdi);
    RUN(csdi_one_event_windows);
    RUN(torch_parity);
    RUN(torch_parity_diffwave);
    RUN(torch_parity_csdi);
    RUN(inference_plan_matches);
    RUN(inference_plan_matches_dilated);
    RUN(inference_plan_matches_csdi);
    RUN(worker_sampling_same_bits);
    RUN(training_loss_drops);
    RUN(resume_is_exact);
    RUN(divergence_stops_and_keeps_files);
    RUN(other_masks);
    RUN(samples_vote);
    RUN(outputs_only_ids_held);
    RUN(threads_same_windows);
    RUN(worker_error_reaches_caller);
    RUN(cli_round_trip);
    RUN(bench_impute_checks_first);
    RUN(bad_options);
    RUN(model_file_len_zero);
    RUN(diffwave_model);
    RUN(old_files_are_s4);
    RUN(diffwave_cli);
    RUN(csdi_random_mask);
    RUN(csdi_model);
    RUN(csdi_train_mask);
    RUN(csdi_cli);
})
