/* Transformer layers over row-major (B, L, C) data: row-wise LayerNorm, learned
 * and rotary positions, multi-head bidirectional self-attention, and the
 * pre-LayerNorm encoder block built from them (nn.h documents the API).
 *
 * Sums over a row (LayerNorm statistics, softmax normalisers) run in 16 fixed
 * lanes added up in order, so they vectorise and give the same bits whatever
 * the CPU level or thread count; sums over rows (parameter gradients) run over
 * the rows in order. Attention is one job per (item, head), each a few
 * single-threaded GEMMs. */
#if defined(__GNUC__) && !defined(__clang__)
/* lets GCC if-convert the float clamps in vmath.h and vectorise the loops that
 * call v_exp on every CPU level (without it only the AVX-512 clone, whose masked
 * instructions cannot trap, is vectorised); nothing here reads floating-point
 * exception flags */
#pragma GCC optimize("no-trapping-math")
#endif
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "vmath.h"

/* below this many elements a parallel region costs more than it saves */
#define PAR_MIN 32768
#define LANES 16

static size_t a16(size_t n) { return (n + 15) & ~(size_t)15; }

/* the backward's scratch is sized for the threads set now, not every core (an
 * L x L buffer each: 16 MB at L 2048) */
static int scratch_threads(void)
{
    int t = omp_get_max_threads();
    return t < 1 ? 1 : t;
}

/* threads a call runs on: at most one a core, never more than slots (the
 * scratch's buffers) */
static int team_size(int slots)
{
    int m = omp_get_max_threads(), c = omp_get_num_procs(), p = slots < 1 ? 1 : slots;
    if (c >= 1 && c < m) m = c;
    return ts_parallel_ok() ? (m < p ? m : p) : 1;
}

/* sum of x[0..n) in LANES fixed lanes, then the lanes in order */
static inline float sum_lanes(const float *x, int n)
{
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= n; i += LANES)
        #pragma omp simd
        for (int j = 0; j < LANES; j++) acc[j] += x[i + j];
    for (int j = 0; i < n; i++, j++) acc[j] += x[i];
    float s = 0.0f;
    for (int j = 0; j < LANES; j++) s += acc[j];
    return s;
}

/* ======================= LayerNorm over rows ======================= */

TS_CLONES static void ln_rows_fwd(float *out, float *mean, float *rstd, const float *x,
                                  const float *gamma, const float *beta, int n0, int n1, int C)
{
    for (int n = n0; n < n1; n++) {
        const float *xr = x + (size_t)n * C;
        float *o = out + (size_t)n * C;
        float m = sum_lanes(xr, C) / (float)C;
        float acc[LANES] = {0};
        int i = 0;
        for (; i + LANES <= C; i += LANES)
            #pragma omp simd
            for (int j = 0; j < LANES; j++) {
                float d = xr[i + j] - m;
                acc[j] += d * d;
            }
        for (int j = 0; i < C; i++, j++) {
            float d = xr[i] - m;
            acc[j] += d * d;
        }
        float v = 0.0f;
        for (int j = 0; j < LANES; j++) v += acc[j];
        float r = 1.0f / sqrtf(v / (float)C + TS_LAYERNORM_EPS);
        mean[n] = m;
        rstd[n] = r;
        #pragma omp simd
        for (int c = 0; c < C; c++) o[c] = (xr[c] - m) * r * gamma[c] + beta[c];
    }
}

void ts_layernorm_rows_forward(float *out, float *mean, float *rstd, const float *x,
                               const float *gamma, const float *beta, int N, int C)
{
    const int RB = 16, nblk = (N + RB - 1) / RB;
    #pragma omp parallel for schedule(static) if ((size_t)N * C > PAR_MIN)
    for (int blk = 0; blk < nblk; blk++) {
        int n0 = blk * RB, n1 = n0 + RB < N ? n0 + RB : N;
        ln_rows_fwd(out, mean, rstd, x, gamma, beta, n0, n1, C);
    }
}

/* dgamma, dbeta for channels [c0, c1), c1 - c0 <= LANES: rows in order */
TS_CLONES static void ln_rows_bwd_param(float *dgamma, float *dbeta, const float *dout,
                                        const float *x, const float *mean, const float *rstd,
                                        int N, int C, int c0, int c1)
{
    float ag[LANES] = {0}, ab[LANES] = {0};
    int nc = c1 - c0;
    for (int n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * C + c0, *gr = dout + (size_t)n * C + c0;
        float m = mean[n], r = rstd[n];
        #pragma omp simd
        for (int j = 0; j < nc; j++) {
            ag[j] += gr[j] * ((xr[j] - m) * r);
            ab[j] += gr[j];
        }
    }
    for (int j = 0; j < nc; j++) {
        dgamma[c0 + j] += ag[j];
        dbeta[c0 + j] += ab[j];
    }
}

/* dx rows [n0, n1): dx += rstd (g - mean_c(g) - xhat mean_c(g xhat)), g = dout gamma */
TS_CLONES static void ln_rows_bwd_dx(float *dx, const float *dout, const float *x,
                                     const float *mean, const float *rstd, const float *gamma,
                                     int n0, int n1, int C)
{
    for (int n = n0; n < n1; n++) {
        const float *xr = x + (size_t)n * C, *gr = dout + (size_t)n * C;
        float *d = dx + (size_t)n * C;
        float m = mean[n], r = rstd[n];
        float a1[LANES] = {0}, a2[LANES] = {0};
        int i = 0;
        for (; i + LANES <= C; i += LANES)
            #pragma omp simd
            for (int j = 0; j < LANES; j++) {
                float g = gr[i + j] * gamma[i + j];
                a1[j] += g;
                a2[j] += g * ((xr[i + j] - m) * r);
            }
        for (int j = 0; i < C; i++, j++) {
            float g = gr[i] * gamma[i];
            a1[j] += g;
            a2[j] += g * ((xr[i] - m) * r);
        }
        float s1 = 0.0f, s2 = 0.0f;
        for (int j = 0; j < LANES; j++) {
            s1 += a1[j];
            s2 += a2[j];
        }
        s1 /= (float)C;
        s2 /= (float)C;
        #pragma omp simd
        for (int c = 0; c < C; c++) {
            float g = gr[c] * gamma[c];
            float xh = (xr[c] - m) * r;
            d[c] += r * (g - s1 - xh * s2);
        }
    }
}

void ts_layernorm_rows_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                                const float *x, const float *mean, const float *rstd,
                                const float *gamma, int N, int C)
{
    const int RB = 16, nblk = dx ? (N + RB - 1) / RB : 0, ncb = (C + LANES - 1) / LANES;
    /* one region: the parameter sums and dx write different arrays */
    #pragma omp parallel if ((size_t)N * C > PAR_MIN)
    {
        #pragma omp for schedule(static) nowait
        for (int cb = 0; cb < ncb; cb++) {
            int c0 = cb * LANES, c1 = c0 + LANES < C ? c0 + LANES : C;
            ln_rows_bwd_param(dgamma, dbeta, dout, x, mean, rstd, N, C, c0, c1);
        }
        #pragma omp for schedule(static)
        for (int blk = 0; blk < nblk; blk++) {
            int n0 = blk * RB, n1 = n0 + RB < N ? n0 + RB : N;
            ln_rows_bwd_dx(dx, dout, x, mean, rstd, gamma, n0, n1, C);
        }
    }
}

/* ======================= learned absolute positions ======================= */

void ts_posemb_forward(float *out, const float *x, const float *table, int B, int L, int C)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * L * C > PAR_MIN)
    for (int row = 0; row < B * L; row++) {
        const float *t = table + (size_t)(row % L) * C, *xr = x + (size_t)row * C;
        float *o = out + (size_t)row * C;
        #pragma omp simd
        for (int c = 0; c < C; c++) o[c] = xr[c] + t[c];
    }
}

void ts_posemb_backward(float *dx, float *dtable, const float *dout, int B, int L, int C)
{
    #pragma omp parallel for schedule(static) if ((size_t)B * L * C > PAR_MIN)
    for (int l = 0; l < L; l++) {
        float *t = dtable + (size_t)l * C;
        for (int b = 0; b < B; b++) {
            const float *g = dout + ((size_t)b * L + l) * C;
            float *d = dx ? dx + ((size_t)b * L + l) * C : NULL;
            #pragma omp simd
            for (int c = 0; c < C; c++) t[c] += g[c];
            if (d)
                #pragma omp simd
                for (int c = 0; c < C; c++) d[c] += g[c];
        }
    }
}

/* ======================= rotary positions ======================= */

void ts_rope_table(float *tab, int L, int D, double base)
{
    int h = D / 2;
    for (int l = 0; l < L; l++)
        for (int i = 0; i < h; i++) {
            double th = (double)l * pow(base, -2.0 * i / D);
            tab[(size_t)l * D + i] = (float)cos(th);
            tab[(size_t)l * D + h + i] = (float)sin(th);
        }
}

TS_CLONES static void rope_rows(float *out, const float *x, const float *tab, int r0, int r1,
                                int L, int nh, int D, int ld, int backward)
{
    const int h = D / 2;
    for (int row = r0; row < r1; row++) {
        const float *cs = tab + (size_t)(row % L) * D, *sn = cs + h;
        for (int k = 0; k < nh; k++) {
            const float *a = x + (size_t)row * ld + (size_t)k * D, *b = a + h;
            float *oa = out + (size_t)row * ld + (size_t)k * D, *ob = oa + h;
            if (!backward) {   /* in place allowed: each pair read before written */
                #pragma omp simd
                for (int i = 0; i < h; i++) {
                    float u = a[i], v = b[i];
                    oa[i] = u * cs[i] - v * sn[i];
                    ob[i] = v * cs[i] + u * sn[i];
                }
            } else {   /* dx += R^T dout: turn back */
                #pragma omp simd
                for (int i = 0; i < h; i++) {
                    float u = a[i], v = b[i];
                    oa[i] += u * cs[i] + v * sn[i];
                    ob[i] += v * cs[i] - u * sn[i];
                }
            }
        }
    }
}

/* the B L rows in blocks of 16 over the threads, turned (backward: turned back) */
static void rope(float *out, const float *x, const float *tab, int B, int L, int nh, int D, int ld, int backward)
{
    const int RB = 16, nblk = (B * L + RB - 1) / RB, N = B * L;
    #pragma omp parallel for schedule(static) if ((size_t)N * nh * D > PAR_MIN)
    for (int blk = 0; blk < nblk; blk++) {
        int r0 = blk * RB, r1 = r0 + RB < N ? r0 + RB : N;
        rope_rows(out, x, tab, r0, r1, L, nh, D, ld, backward);
    }
}

void ts_rope_forward(float *out, const float *x, const float *tab, int B, int L, int nh, int D,
                     int ld)
{
    rope(out, x, tab, B, L, nh, D, ld, 0);
}

void ts_rope_backward(float *dx, const float *dout, const float *tab, int B, int L, int nh, int D,
                      int ld)
{
    rope(dx, dout, tab, B, L, nh, D, ld, 1);
}

/* ======================= self-attention ======================= */

size_t ts_attention_scratch_size(int L) { return (size_t)scratch_threads() * a16((size_t)L * L); }

/* each row of P (L x L) from scores to probabilities, in place */
TS_CLONES static void softmax_rows(float *P, int L)
{
    for (int i = 0; i < L; i++) {
        float *p = P + (size_t)i * L;
        float mx[LANES], m = p[0];
        int j = 0;
        for (int u = 0; u < LANES; u++) mx[u] = m;
        for (; j + LANES <= L; j += LANES)
            #pragma omp simd
            for (int u = 0; u < LANES; u++) mx[u] = p[j + u] > mx[u] ? p[j + u] : mx[u];
        for (; j < L; j++) m = p[j] > m ? p[j] : m;
        for (int u = 0; u < LANES; u++) m = mx[u] > m ? mx[u] : m;
        #pragma omp simd
        for (j = 0; j < L; j++) p[j] = v_exp(p[j] - m);
        float inv = 1.0f / sum_lanes(p, L);
        #pragma omp simd
        for (j = 0; j < L; j++) p[j] *= inv;
    }
}

/* dP (L x L) -> dS in place: dS_ij = P_ij (dP_ij - sum_j' dP_ij' P_ij') */
TS_CLONES static void softmax_rows_bwd(float *dP, const float *P, int L)
{
    float t[LANES];
    for (int i = 0; i < L; i++) {
        float *d = dP + (size_t)i * L;
        const float *p = P + (size_t)i * L;
        float acc[LANES] = {0};
        int j = 0;
        for (; j + LANES <= L; j += LANES) {
            #pragma omp simd
            for (int u = 0; u < LANES; u++) t[u] = d[j + u] * p[j + u];
            #pragma omp simd
            for (int u = 0; u < LANES; u++) acc[u] += t[u];
        }
        for (int u = 0; j < L; j++, u++) acc[u] += d[j] * p[j];
        float r = 0.0f;
        for (int u = 0; u < LANES; u++) r += acc[u];
        #pragma omp simd
        for (int k = 0; k < L; k++) d[k] = p[k] * (d[k] - r);
    }
}

static void attention_forward_body(float *out, float *att, const float *qkv, int B, int L, int C, int H)
{
    const int D = C / H, ld = 3 * C, nt = team_size(omp_get_max_threads());   /* no scratch */
    const float scale = 1.0f / sqrtf((float)D);
    #pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (int job = 0; job < B * H; job++) {
        int b = job / H, h = job % H;
        const float *q = qkv + (size_t)b * L * ld + (size_t)h * D, *k = q + C, *v = q + 2 * C;
        float *P = att + (size_t)job * L * L;
        /* S (L x L) = scale q k^T, then row softmax */
        ts_sgemm(0, 1, L, L, D, scale, q, ld, k, ld, 0.0f, P, L);
        softmax_rows(P, L);
        /* out_h (L x D) = P v */
        ts_sgemm(0, 0, L, D, L, 1.0f, P, L, v, ld, 0.0f, out + (size_t)b * L * C + (size_t)h * D,
                 C);
    }
}

void ts_attention_forward(float *out, float *att, const float *qkv, int B, int L, int C, int H)
{
    TS_PROF_PUSH(TS_PROF_ATTN);
    attention_forward_body(out, att, qkv, B, L, C, H);
    TS_PROF_POP();
}

static void attention_backward_body(float *dqkv, const float *dout, const float *qkv, const float *att,
                           int B, int L, int C, int H, float *scratch, int slots)
{
    const int D = C / H, ld = 3 * C, nt = team_size(slots);
    const float scale = 1.0f / sqrtf((float)D);
    const size_t slot = a16((size_t)L * L);
    #pragma omp parallel for schedule(static) num_threads(nt) if (nt > 1)
    for (int job = 0; job < B * H; job++) {
        int b = job / H, h = job % H;
        size_t off = (size_t)b * L * ld + (size_t)h * D;
        const float *q = qkv + off, *k = q + C, *v = q + 2 * C;
        float *dq = dqkv + off, *dk = dq + C, *dv = dq + 2 * C;
        const float *P = att + (size_t)job * L * L;
        const float *dO = dout + (size_t)b * L * C + (size_t)h * D;
        float *dP = scratch + (size_t)omp_get_thread_num() * slot;
        /* dv (L x D) += P^T dO */
        ts_sgemm(1, 0, L, D, L, 1.0f, P, L, dO, C, 1.0f, dv, ld);
        /* dP (L x L) = dO v^T, then dS through the softmax */
        ts_sgemm(0, 1, L, L, D, 1.0f, dO, C, v, ld, 0.0f, dP, L);
        softmax_rows_bwd(dP, P, L);
        /* dq += scale dS k, dk += scale dS^T q */
        ts_sgemm(0, 0, L, D, L, scale, dP, L, k, ld, 1.0f, dq, ld);
        ts_sgemm(1, 0, L, D, L, scale, dP, L, q, ld, 1.0f, dk, ld);
    }
}

void ts_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att,
                           int B, int L, int C, int H, float *scratch, int slots)
{
    TS_PROF_PUSH(TS_PROF_ATTN);
    attention_backward_body(dqkv, dout, qkv, att, B, L, C, H, scratch, slots);
    TS_PROF_POP();
}

/* ======================= encoder block ======================= */

int ts_tblock_check(const ts_tblock_config *c)
{
    if (c->C < 1 || c->C > 65536) return ts_fail("transformer: width C = %d out of range [1, 65536]", c->C);
    if (c->H < 1 || c->C % c->H)
        return ts_fail("transformer: width C = %d is not a multiple of heads H = %d", c->C, c->H);
    if (c->F < 1 || c->F > 1 << 20) return ts_fail("transformer: MLP width F = %d out of range [1, 2^20]", c->F);
    if (c->rope != 0 && c->rope != 1) return ts_fail("transformer: rope must be 0 or 1, got %d", c->rope);
    if (c->rope && (c->C / c->H) % 2)
        return ts_fail("transformer: rotary positions need an even head width, got C/H = %d",
                       c->C / c->H);
    return 0;
}

void ts_tblock_layout_of(const ts_tblock_config *c, ts_tblock_layout *p)
{
    size_t C = (size_t)c->C, F = (size_t)c->F, o = 0;
    p->ln1_g = o;  o += C;
    p->ln1_b = o;  o += C;
    p->qkv_w = o;  o += 3 * C * C;
    p->qkv_b = o;  o += 3 * C;
    p->proj_w = o; o += C * C;
    p->proj_b = o; o += C;
    p->ln2_g = o;  o += C;
    p->ln2_b = o;  o += C;
    p->fc1_w = o;  o += F * C;
    p->fc1_b = o;  o += F;
    p->fc2_w = o;  o += C * F;
    p->fc2_b = o;  o += C;
    p->total = o;
}

void ts_tblock_init(const ts_tblock_config *c, float *params, int n_layers, ts_rng *r)
{
    ts_tblock_layout p;
    ts_tblock_layout_of(c, &p);
    size_t C = (size_t)c->C, F = (size_t)c->F;
    float sres = 0.02f / sqrtf(2.0f * (float)(n_layers > 0 ? n_layers : 1));
    memset(params, 0, p.total * sizeof(float));
    for (size_t i = 0; i < C; i++) params[p.ln1_g + i] = params[p.ln2_g + i] = 1.0f;
    ts_init_normal(params + p.qkv_w, 3 * C * C, 0.0f, 0.02f, r);
    ts_init_normal(params + p.proj_w, C * C, 0.0f, sres, r);
    ts_init_normal(params + p.fc1_w, F * C, 0.0f, 0.02f, r);
    ts_init_normal(params + p.fc2_w, C * F, 0.0f, sres, r);
}

/* the activations of one block: offsets into act */
typedef struct {
    size_t ln1, mean1, rstd1, qkv, att, atty, x1, ln2, mean2, rstd2, h, hg, total;
} act_layout;

static void act_layout_of(const ts_tblock_config *c, int B, int L, act_layout *a)
{
    size_t N = (size_t)B * L, C = (size_t)c->C, F = (size_t)c->F, o = 0;
    a->ln1 = o;   o += a16(N * C);
    a->mean1 = o; o += a16(N);
    a->rstd1 = o; o += a16(N);
    a->qkv = o;   o += a16(3 * N * C);
    a->att = o;   o += a16((size_t)B * c->H * L * L);
    a->atty = o;  o += a16(N * C);
    a->x1 = o;    o += a16(N * C);
    a->ln2 = o;   o += a16(N * C);
    a->mean2 = o; o += a16(N);
    a->rstd2 = o; o += a16(N);
    a->h = o;     o += a16(N * F);
    a->hg = o;    o += a16(N * F);
    a->total = o;
}

size_t ts_tblock_act_size(const ts_tblock_config *c, int B, int L)
{
    act_layout a;
    act_layout_of(c, B, L, &a);
    return a.total;
}

/* backward scratch: dx1, dln, datty (N, C); dqkv, dqkv2 (N, 3C); dhg, dh (N, F);
 * then the attention's */
size_t ts_tblock_scratch_size(const ts_tblock_config *c, int B, int L)
{
    size_t N = (size_t)B * L, C = (size_t)c->C, F = (size_t)c->F;
    return 3 * a16(N * C) + 2 * a16(3 * N * C) + 2 * a16(N * F) + ts_attention_scratch_size(L);
}

/* y (n) += x (n) */
static void add_into(float *y, const float *x, size_t n)
{
    #pragma omp parallel for schedule(static) if (n > PAR_MIN)
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

void ts_tblock_forward(const ts_tblock_config *c, const float *params, const float *rope_tab,
                       const float *x, float *out, float *act, int B, int L)
{
    ts_tblock_layout p;
    act_layout a;
    ts_tblock_layout_of(c, &p);
    act_layout_of(c, B, L, &a);
    const int C = c->C, F = c->F, H = c->H, N = B * L;
    const float *P = params;
    float *ln1 = act + a.ln1, *qkv = act + a.qkv, *atty = act + a.atty, *x1 = act + a.x1;
    float *ln2 = act + a.ln2, *h = act + a.h, *hg = act + a.hg;

    ts_layernorm_rows_forward(ln1, act + a.mean1, act + a.rstd1, x, P + p.ln1_g, P + p.ln1_b, N, C);
    ts_linear_forward(qkv, ln1, P + p.qkv_w, P + p.qkv_b, N, C, 3 * C);
    if (c->rope) ts_rope_forward(qkv, qkv, rope_tab, B, L, 2 * H, C / H, 3 * C);
    ts_attention_forward(atty, act + a.att, qkv, B, L, C, H);
    ts_linear_forward(x1, atty, P + p.proj_w, P + p.proj_b, N, C, C);
    add_into(x1, x, (size_t)N * C);

    ts_layernorm_rows_forward(ln2, act + a.mean2, act + a.rstd2, x1, P + p.ln2_g, P + p.ln2_b, N, C);
    ts_linear_forward(h, ln2, P + p.fc1_w, P + p.fc1_b, N, C, F);
    ts_gelu_forward_deriv(hg, h, h, (size_t)N * F);   /* h becomes gelu'(h) */
    ts_linear_forward(out, hg, P + p.fc2_w, P + p.fc2_b, N, F, C);
    add_into(out, x1, (size_t)N * C);
}

void ts_tblock_backward(const ts_tblock_config *c, const float *params, const float *rope_tab,
                        const float *x, const float *act, const float *dout, float *dparams,
                        float *dx, float *scratch, int slots, int B, int L)
{
    ts_tblock_layout p;
    act_layout a;
    ts_tblock_layout_of(c, &p);
    act_layout_of(c, B, L, &a);
    const int C = c->C, F = c->F, H = c->H, N = B * L;
    const size_t NC = (size_t)N * C, NF = (size_t)N * F;
    const float *P = params;
    float *G = dparams;
    float *s_dx1 = scratch, *dln = s_dx1 + a16(NC), *datty = dln + a16(NC);
    float *dqkv = datty + a16(NC), *dqkv2 = dqkv + a16(3 * NC);
    float *dhg = dqkv2 + a16(3 * NC), *dh = dhg + a16(NF), *att_scr = dh + a16(NF);

    /* dx1: the gradient at the residual stream between the two halves. In
     * place (dx == dout) it builds up in dx itself. */
    const int inplace = dx && dx == dout;
    float *dx1 = inplace ? dx : s_dx1;
    if (!inplace) memcpy(dx1, dout, NC * sizeof(float));

    /* MLP half: out = x1 + fc2(gelu(fc1(ln2))) */
    memset(dhg, 0, NF * sizeof(float));
    ts_linear_backward(dhg, G + p.fc2_w, G + p.fc2_b, dout, act + a.hg, P + p.fc2_w, N, F, C);
    ts_mul_backward_set(dh, dhg, act + a.h, NF);
    memset(dln, 0, NC * sizeof(float));
    ts_linear_backward(dln, G + p.fc1_w, G + p.fc1_b, dh, act + a.ln2, P + p.fc1_w, N, C, F);
    ts_layernorm_rows_backward(dx1, G + p.ln2_g, G + p.ln2_b, dln, act + a.x1, act + a.mean2,
                               act + a.rstd2, P + p.ln2_g, N, C);

    /* attention half: x1 = x + proj(attn(rope(qkv(ln1)))) */
    memset(datty, 0, NC * sizeof(float));
    ts_linear_backward(datty, G + p.proj_w, G + p.proj_b, dx1, act + a.atty, P + p.proj_w, N, C, C);
    memset(dqkv, 0, 3 * NC * sizeof(float));
    ts_attention_backward(dqkv, datty, act + a.qkv, act + a.att, B, L, C, H, att_scr, slots);
    const float *dq = dqkv;
    if (c->rope) {   /* turn the q, k gradients back; v's passes through */
        memset(dqkv2, 0, 3 * NC * sizeof(float));
        ts_rope_backward(dqkv2, dqkv, rope_tab, B, L, 2 * H, C / H, 3 * C);
        for (int n = 0; n < N; n++)
            memcpy(dqkv2 + (size_t)n * 3 * C + 2 * C, dqkv + (size_t)n * 3 * C + 2 * C,
                   (size_t)C * sizeof(float));
        dq = dqkv2;
    }
    memset(dln, 0, NC * sizeof(float));
    ts_linear_backward(dln, G + p.qkv_w, G + p.qkv_b, dq, act + a.ln1, P + p.qkv_w, N, C, 3 * C);
    if (dx && !inplace) add_into(dx, dx1, NC);
    ts_layernorm_rows_backward(dx, G + p.ln1_g, G + p.ln1_b, dln, x, act + a.mean1, act + a.rstd1,
                               P + p.ln1_g, N, C);
}
