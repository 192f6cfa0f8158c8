/* tracesynth — neural-network layers on the CPU: flat float arrays, one
 * _forward and one _backward function per layer (in the style of llm.c).
 *
 * Conventions (every layer here, and every layer built on them):
 *  - Layout is channels-first like PyTorch: a sequence batch x is (B, C, L)
 *    contiguous, x[b*C*L + c*L + l]. Weights use PyTorch's layouts
 *    (Conv1d (Cout, Cin, K), Linear (Out, In)), so checkpoints map one to one.
 *  - Parameters and their gradients live in two contiguous blocks owned by the
 *    model; layers only take pointers into them. Activations are planned by the
 *    caller up front. Nothing here allocates: a layer that needs temporary memory
 *    takes a `scratch` argument of at least its _scratch_size() floats.
 *  - Backward functions ACCUMULATE (+=) into parameter gradients and into dx, so
 *    residual branches and shared inputs sum naturally; callers zero the
 *    gradients once per step (and zero each dx buffer before the first backward
 *    that writes it).
 *  - A dx argument may be NULL when the input gradient is not needed; so may a
 *    bias (b / db) for layers without bias.
 *  - Threads: everything runs on OpenMP's pool (ts_set_threads sets its size
 *    and leaves OpenBLAS single-threaded); matrix products go through ts_sgemm,
 *    which splits them over that pool. Call these functions from outside any
 *    OpenMP parallel region. Sums run in a fixed order, so results are the
 *    same bits for any thread count.
 *  - forward(out, x) may be called with out == x only where stated ("in place").
 */
#ifndef TRACESYNTH_NN_H
#define TRACESYNTH_NN_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * SGEMM over the OpenMP threads, cblas conventions, row-major:
 *   C (M x N) = alpha op(A) op(B) + beta C,  op(X) = X or X^T (trans != 0).
 * Splits C into row (or column) blocks, one single-threaded product each
 * (ts_gemm_1t: cblas_sgemm, or bf16 under ts_set_precision); the result does
 * not depend on the thread count. Falls back to one plain product inside a
 * parallel region or when OpenBLAS runs its own threads.
 * Use it rather than cblas_sgemm so that GEMMs use the threads.
 * ------------------------------------------------------------------------- */
void ts_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc);
/* the number of blocks ts_sgemm would split (M, N, K) into now (1: one plain
 * call); a layer with many such small products parallelises over them instead */
int ts_sgemm_blocks(int M, int N, int K);
/* how ts_sgemm may split under OpenBLAS core CORE (openblas_get_corename()):
 * returns 1 when blocks of columns keep the bits (else rows only) and sets
 * *align to the multiple block edges fall on */
int ts_gemm_split_rule(const char *core, int *align);
/* OpenBLAS's SkylakeX-family kernels take products of at most 1e6
 * multiply-adds (M * N * K) through a small-matrix kernel that rounds
 * differently; ts_sgemm's blocks stay above this size */
#define TS_GEMM_BLOCK_MIN 1.05e6
/* the running kernels' rule: 1 when a product over any block of C's rows or
 * columns gives the bits of that block in the whole product, both being above
 * TS_GEMM_BLOCK_MIN or both below (work on a span or on some rows alone relies
 * on it); 0: only ts_sgemm's own blocks do */
int ts_gemm_blocks_keep_bits(void);
/* 1 when a parallel region may call cblas_sgemm itself: several OpenMP threads,
 * not inside a region already, OpenBLAS single-threaded */
int ts_parallel_ok(void);
/* one product on the calling thread (cblas conventions as above), in the
 * precision set below; what ts_sgemm runs per block, and what a layer calls
 * inside its own parallel region */
void ts_gemm_1t(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                const float *B, int ldb, float beta, float *C, int ldc);
/* ts_gemm_1t when A (pointer, shape and contents) is the one of this thread's
 * previous product: under bf16 its rounded copy is reused (a layer's weights
 * across the batch items a thread runs). The same result as ts_gemm_1t. */
void ts_gemm_1t_same_a(int transA, int transB, int M, int N, int K, float alpha, const float *A,
                       int lda, const float *B, int ldb, float beta, float *C, int ldc);
/* bf16 products that ran in float32 instead since the start (the primitive
 * cache was full or oneDNN refused a shape); 0 in float32 */
long ts_gemm_bf16_fallbacks(void);

/* The arithmetic of every product above. FP32 (the default): float32
 * throughout. BF16: A and B rounded to bfloat16, products accumulated and C
 * kept in float32 (oneDNN's matmul; needs a build with oneDNN and a CPU with
 * AVX512_BF16, else -1 with ts_error() saying which). Process-wide; set it
 * before a run, not during one. */
typedef enum { TS_PRECISION_FP32 = 0, TS_PRECISION_BF16 = 1 } ts_precision;
int ts_set_precision(ts_precision p);
ts_precision ts_get_precision(void);
const char *ts_precision_name(ts_precision p);   /* "fp32", "bf16" */
/* one line: whether bf16 products are available here and on which units (oneDNN's
 * version; AMX tiles or AVX512_BF16 vectors), else why not */
void ts_bf16_describe(char *buf, size_t n);

/* ---------------------------------------------------------------------------
 * Initialisation (seeded, reproducible; draws n values in order from r)
 * ------------------------------------------------------------------------- */
void ts_init_normal(float *w, size_t n, float mean, float std, ts_rng *r);
void ts_init_uniform(float *w, size_t n, float lo, float hi, ts_rng *r);
/* torch.nn.init.kaiming_normal_ (fan_in mode, ReLU gain): std = sqrt(2 / fan_in) */
void ts_init_kaiming_normal(float *w, size_t n, int fan_in, ts_rng *r);
/* torch.nn.init.kaiming_uniform_ (fan_in mode, ReLU gain): bound = sqrt(6 / fan_in) */
void ts_init_kaiming_uniform(float *w, size_t n, int fan_in, ts_rng *r);
/* PyTorch's default for nn.Linear / nn.Conv1d weights AND biases:
 * kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
void ts_init_torch_default(float *w, size_t n, int fan_in, ts_rng *r);

/* Linear (Out, In) + bias (Out), PyTorch default init */
void ts_linear_init(float *w, float *b, int In, int Out, ts_rng *r);

/* Weight-normalised Conv1d parameters v (Cout, Cin, K), g (Cout), bias (Cout).
 * v is drawn as named, bias with PyTorch's default, and g = ||v|| per output
 * channel (so w == v at step 0, as nn.utils.weight_norm sets it up).
 * Note: SSSD's Conv calls kaiming_normal_ on conv.weight AFTER
 * nn.utils.weight_norm; that writes a derived tensor which the next forward
 * recomputes from g and v, so the network PyTorch actually trains starts from
 * the default uniform v. TS_WN_TORCH_EFFECTIVE reproduces that;
 * TS_WN_KAIMING_NORMAL gives the init the code appears to ask for. */
typedef enum { TS_WN_TORCH_EFFECTIVE = 0, TS_WN_KAIMING_NORMAL = 1 } ts_wn_init;
void ts_conv1d_wn_init(float *v, float *g, float *b, int Cin, int Cout, int K, ts_wn_init how,
                       ts_rng *r);

/* ---------------------------------------------------------------------------
 * Conv1d, "same" padding: K odd, dilation d, padding d*(K-1)/2, stride 1.
 *   x (B, Cin, L) -> out (B, Cout, L); w (Cout, Cin, K); b (Cout) or NULL.
 * Each batch item is one GEMM: out_b (Cout x L) = w (Cout x Cin*K) . col(x_b),
 * where col(x_b) (Cin*K x L) is x_b itself for K = 1 (no copy). With scratch,
 * items run over the threads in one parallel region (per-thread col buffers,
 * the weight gradient summed in fixed groups of items: the same bits for any
 * thread count); for K = 1 scratch may be NULL (a GEMM per item, each split
 * over the threads). The scratch size covers the threads set when it is asked
 * (omp_get_max_threads()), not every core; pass that count as slots: a call with
 * col buffers (K > 1) runs on at most slots threads, so a count raised later
 * stays in the scratch (K = 1 keeps none and reads no slots).
 * ------------------------------------------------------------------------- */
size_t ts_conv1d_scratch_size(int Cin, int Cout, int L, int K);
void ts_conv1d_forward(float *out, const float *x, const float *w, const float *b,
                       int B, int Cin, int Cout, int L, int K, int dil, float *scratch,
                       int slots);
/* the same, calling post(ctx, b) for each item b right after its product, on
 * the thread that made it (inside the layer's parallel region when it has
 * one), so that element-wise work on out_b finds it in cache; post must only
 * touch item b's data and may call the layers here (they run single-threaded
 * inside a region) */
void ts_conv1d_forward_each(float *out, const float *x, const float *w, const float *b, int B,
                            int Cin, int Cout, int L, int K, int dil, float *scratch, int slots,
                            void (*post)(void *ctx, int item), void *ctx);
/* dx (B, Cin, L) or NULL, dw (Cout, Cin, K), db (Cout) or NULL: all accumulated */
void ts_conv1d_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                        float *scratch, int slots);
/* the same with dx (when not NULL) written, not accumulated: no zeroing pass
 * before (the same bits as zeroing it, then ts_conv1d_backward) */
void ts_conv1d_backward_set(float *dx, float *dw, float *db, const float *dout, const float *x,
                            const float *w, int B, int Cin, int Cout, int L, int K, int dil,
                            float *scratch, int slots);

/* Weight normalisation over dim 0 (nn.utils.weight_norm default):
 *   w[o, :] = g[o] * v[o, :] / ||v[o, :]||,  v, w (Cout, n), g (Cout).
 * forward writes w and norm (Cout) = ||v[o,:]||; backward turns dw into dv, dg
 * (accumulated). */
void ts_weightnorm_forward(float *w, float *norm, const float *v, const float *g, int Cout, int n);
void ts_weightnorm_backward(float *dv, float *dg, const float *dw, const float *v,
                            const float *g, const float *norm, int Cout, int n);

/* Weight-normalised Conv1d: parameters v (Cout, Cin, K), g (Cout), b (Cout) or
 * NULL. w is recomputed from v and g in both passes (it costs 1/(B*L) of the
 * convolution), so no state is kept between forward and backward. */
size_t ts_conv1d_wn_scratch_size(int Cin, int Cout, int L, int K);
void ts_conv1d_wn_forward(float *out, const float *x, const float *v, const float *g,
                          const float *b, int B, int Cin, int Cout, int L, int K, int dil,
                          float *scratch, int slots);
void ts_conv1d_wn_backward(float *dx, float *dv, float *dg, float *db, const float *dout,
                           const float *x, const float *v, const float *g, int B, int Cin,
                           int Cout, int L, int K, int dil, float *scratch, int slots);
/* the same with dx (when not NULL) written, not accumulated */
void ts_conv1d_wn_backward_set(float *dx, float *dv, float *dg, float *db, const float *dout,
                               const float *x, const float *v, const float *g, int B, int Cin,
                               int Cout, int L, int K, int dil, float *scratch, int slots);

/* ---------------------------------------------------------------------------
 * Linear: x (N, In) -> out (N, Out) = x w^T + b; w (Out, In), b (Out) or NULL.
 * For (B, L, In) data pass N = B*L.
 * ------------------------------------------------------------------------- */
void ts_linear_forward(float *out, const float *x, const float *w, const float *b,
                       int N, int In, int Out);
void ts_linear_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                        const float *w, int N, int In, int Out);

/* ---------------------------------------------------------------------------
 * LayerNorm over channels of (B, C, L) data: each (b, :, l) is normalised over
 * C (what nn.LayerNorm(C) does after a transpose to (B, L, C)), then scaled by
 * gamma (C) and shifted by beta (C). eps as PyTorch's default: 1e-5.
 * mean, rstd (B, L) are saved by forward for backward, which also needs x
 * (so out == x only when no backward follows).
 * ------------------------------------------------------------------------- */
#define TS_LAYERNORM_EPS 1e-5f
void ts_layernorm_forward(float *out, float *mean, float *rstd, const float *x,
                          const float *gamma, const float *beta, int B, int C, int L);
/* the same after x = (x + bias[c]) + res in place (bias (C), res (B, C, L)):
 * an output layer's bias and a residual added in LayerNorm's first pass; x
 * then holds the normalised input, as backward wants it */
void ts_layernorm_res_forward(float *out, float *mean, float *rstd, float *x, const float *bias,
                              const float *res, const float *gamma, const float *beta, int B,
                              int C, int L);
/* the same over positions [lo, hi) of each row of L alone (the same bits there;
 * the rest of out, mean, rstd and x untouched) */
void ts_layernorm_res_forward_span(float *out, float *mean, float *rstd, float *x, const float *bias,
                                   const float *res, const float *gamma, const float *beta, int B,
                                   int C, int L, int lo, int hi);
/* dx (B, C, L) or NULL, dgamma, dbeta (C): accumulated */
void ts_layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                           const float *x, const float *mean, const float *rstd,
                           const float *gamma, int B, int C, int L);
/* the same with dx (not NULL) written, not accumulated, and the same
 * gradient accumulated into dres (B, C, L) too when it is not NULL: the
 * residual that fed LayerNorm's input, in the same pass */
void ts_layernorm_backward_res(float *dx, float *dres, float *dgamma, float *dbeta,
                               const float *dout, const float *x, const float *mean,
                               const float *rstd, const float *gamma, int B, int C, int L);

/* ---------------------------------------------------------------------------
 * Embedding: ids (N) in [0, V) -> out (N, D) rows of table (V, D).
 * Backward scatters dout rows into dtable (accumulated; ids may repeat).
 * ------------------------------------------------------------------------- */
void ts_embedding_forward(float *out, const int32_t *ids, const float *table, int N, int D);
void ts_embedding_backward(float *dtable, const float *dout, const int32_t *ids, int N, int D);

/* ---------------------------------------------------------------------------
 * Element-wise activations over n floats. forward may run in place (out == x).
 * backward: dx += dout * f'(x), x being the forward INPUT (so keep it).
 * ------------------------------------------------------------------------- */
void ts_relu_forward(float *out, const float *x, size_t n);
void ts_relu_backward(float *dx, const float *dout, const float *x, size_t n);
/* exact GELU, x * Phi(x) with erf (nn.GELU()'s default) */
void ts_gelu_forward(float *out, const float *x, size_t n);
void ts_gelu_backward(float *dx, const float *dout, const float *x, size_t n);
/* the same, writing dx instead of adding to it (saves zeroing it first) */
void ts_gelu_backward_set(float *dx, const float *dout, const float *x, size_t n);
/* training's GELU: out = gelu(x) and d = gelu'(x) (d may be x: in place), so
 * that the backward is one product, ts_mul_backward(_set)(dx, dout, d): dx
 * (+)= dout * d. The bits of ts_gelu_forward and ts_gelu_backward(_set)
 * without their second erf and exponential. */
void ts_gelu_forward_deriv(float *out, float *d, const float *x, size_t n);
void ts_mul_backward(float *dx, const float *dout, const float *d, size_t n);
void ts_mul_backward_set(float *dx, const float *dout, const float *d, size_t n);
/* SiLU / swish: x * sigmoid(x) */
void ts_silu_forward(float *out, const float *x, size_t n);
void ts_silu_backward(float *dx, const float *dout, const float *x, size_t n);

/* WaveNet gate: x (B, 2C, L) -> out (B, C, L) = tanh(x[:, :C]) * sigmoid(x[:, C:]).
 * dx (B, 2C, L) accumulated. */
void ts_gate_forward(float *out, const float *x, int B, int C, int L);
void ts_gate_backward(float *dx, const float *dout, const float *x, int B, int C, int L);
/* training's gate: x overwritten by [tanh(x[:, :C]); sigmoid(x[:, C:])] (ts), from
 * which the backward needs no exponential; dx accumulated (_set: written).
 * The bits of ts_gate_forward and ts_gate_backward. */
void ts_gate_forward_keep(float *out, float *x, int B, int C, int L);
void ts_gate_backward_kept(float *dx, const float *dout, const float *ts, int B, int C, int L);
void ts_gate_backward_kept_set(float *dx, const float *dout, const float *ts, int B, int C, int L);

/* ---------------------------------------------------------------------------
 * Broadcast add of a per-(item, channel) vector over positions:
 *   out (B, C, L) = x (B, C, L) + t (B, C)[:, :, None]   (in place allowed)
 * backward: dx += dout (if dx), dt (B, C) += sum over l of dout.
 * ------------------------------------------------------------------------- */
void ts_add_bcast_forward(float *out, const float *x, const float *t, int B, int C, int L);
void ts_add_bcast_backward(float *dx, float *dt, const float *dout, int B, int C, int L);

/* ---------------------------------------------------------------------------
 * Diffusion-step embedding (SSSD / DiffWave calc_diffusion_step_embedding):
 *   out (B, dim) = [sin(t f_0) .. sin(t f_{h-1}), cos(t f_0) .. cos(t f_{h-1})],
 *   h = dim/2, f_i = exp(-i log(10000) / (h-1)); dim even, >= 4.
 * Then the step MLP of SSSD's residual group:
 *   e = embed(t) (B, Din); h1 = silu(e w1^T + b1) (B, Dmid);
 *   out = silu(h1 w2^T + b2) (B, Dout)
 * with w1 (Dmid, Din), b1 (Dmid), w2 (Dout, Dmid), b2 (Dout); SSSD uses
 * Din 128, Dmid 512, Dout 512. act (ts_stepmlp_act_size floats) is written by
 * forward and read by backward; backward needs ts_stepmlp_scratch_size floats.
 * ------------------------------------------------------------------------- */
void ts_step_embedding(float *out, const int32_t *steps, int B, int dim);
/* CSDI's DiffusionEmbedding table: the same layout with f_i = 10^(4 i/(h-1)),
 * computed in double (CSDI computes it in float32, whose rounding moves the
 * phases of its fastest frequencies); dim even, >= 4 */
void ts_step_embedding_csdi(float *out, const int32_t *steps, int B, int dim);
size_t ts_stepmlp_act_size(int B, int Din, int Dmid, int Dout);
size_t ts_stepmlp_scratch_size(int B, int Din, int Dmid, int Dout);
void ts_stepmlp_forward(float *out, float *act, const int32_t *steps, const float *w1,
                        const float *b1, const float *w2, const float *b2, int B, int Din,
                        int Dmid, int Dout);
/* the same MLP on CSDI's table (its backward is ts_stepmlp_backward) */
void ts_stepmlp_forward_csdi(float *out, float *act, const int32_t *steps, const float *w1,
                             const float *b1, const float *w2, const float *b2, int B, int Din,
                             int Dmid, int Dout);
void ts_stepmlp_backward(float *dw1, float *db1, float *dw2, float *db2, const float *dout,
                         const float *act, const float *w1, const float *w2, int B, int Din,
                         int Dmid, int Dout, float *scratch);

/* ---------------------------------------------------------------------------
 * Losses. Each forward returns the mean loss; backward accumulates
 * dloss * d(mean loss)/d(input) into its gradient (dloss = 1 for a plain loss).
 * ------------------------------------------------------------------------- */
/* masked MSE: mean over positions i with mask[i] != 0 (mask NULL: all n) of
 * (pred[i] - target[i])^2. No counted position: loss 0, no gradient. */
float ts_mse_forward(const float *pred, const float *target, const uint8_t *mask, size_t n);
void  ts_mse_backward(float *dpred, const float *pred, const float *target, const uint8_t *mask,
                      size_t n, float dloss);
/* softmax cross-entropy: logits (N, V), targets (N) in [0, V) or < 0 to ignore
 * the row; mean over the counted rows. forward writes probs (N, V) (softmax) for
 * backward; probs may alias logits. */
float ts_xent_forward(float *probs, const float *logits, const int32_t *targets, int N, int V);
void  ts_xent_backward(float *dlogits, const float *probs, const int32_t *targets, int N, int V,
                       float dloss);

/* ---------------------------------------------------------------------------
 * LSTM, one layer over a whole sequence batch (nn.LSTM(D, H, batch_first=True)
 * with its two biases summed into one): ROW-MAJOR (B, T, .) like the transformer
 * layers below. Gates in PyTorch's order i, f, g, o:
 *   pre_t = x_t w_ih^T + h_{t-1} w_hh^T + b          (B, 4H)
 *   c_t = sigmoid(f) c_{t-1} + sigmoid(i) tanh(g),  h_t = sigmoid(o) tanh(c_t)
 * x (B, T, D) -> out (B, T, H) (every h_t); w_ih (4H, D), w_hh (4H, H), b (4H)
 * or NULL. h0, c0 (B, H): the state before step 0, or NULL for zeros (a
 * continuation passes the state ts_lstm_state read after the previous call).
 * The input projection of all T steps is one GEMM, the recurrent product one
 * GEMM per step for each group of 16 items, a group a thread through all its
 * steps (the bits depend on B, not on the threads). act (ts_lstm_act_size
 * floats: the gate values (B, T, 4H), then c (B, T, H)) is written by forward
 * and read by backward, with out. ------------------------------------------ */
size_t ts_lstm_act_size(int B, int T, int H);
size_t ts_lstm_scratch_size(int B, int T, int H);
void ts_lstm_forward(float *out, float *act, const float *x, const float *h0, const float *c0, const float *w_ih,
                     const float *w_hh, const float *b, int B, int T, int D, int H);
/* the last step's state: hn, cn (B, H) (either may be NULL) from out and act */
void ts_lstm_state(float *hn, float *cn, const float *out, const float *act, int B, int T, int H);
/* backpropagation through time from dout (B, T, H): dw_ih, dw_hh, db (or NULL) and
 * dx (B, T, D) (or NULL) accumulated; h0, c0, x, out and act as forward had them;
 * the initial state's gradient is not kept (it is not trained). scratch:
 * ts_lstm_scratch_size floats. */
void ts_lstm_backward(float *dx, float *dw_ih, float *dw_hh, float *db, const float *dout, const float *x,
                      const float *h0, const float *c0, const float *out, const float *act, const float *w_ih,
                      const float *w_hh, int B, int T, int D, int H, float *scratch);

/* ===========================================================================
 * Transformer layers (bidirectional encoder). Layout: ROW-MAJOR (B, L, C),
 * x[(b*L + l)*C + c], so that a Linear over channels is one GEMM over N = B*L
 * rows (ts_linear_*). The convolution layers above are channels-first (B, C, L):
 * moving between the two is a transpose of B*C*L floats each way (memory-bound,
 * about as costly as one element-wise layer; ~1 % of a block at B 16, L 200,
 * C 128), so a model should keep its whole transformer stack in (B, L, C).
 * Same rules as everything in this header: no allocation, backward accumulates,
 * results do not depend on the thread count. Matches PyTorch (float64 reference)
 * to ~1e-6: tests/test_nn_attention.c, tests/torch/attention_fixtures.py.
 * ========================================================================= */

/* LayerNorm over the last axis of row-major rows: x (N, C) -> out (N, C),
 * each row normalised over C, times gamma (C) plus beta (C), eps
 * TS_LAYERNORM_EPS (nn.LayerNorm(C) on (B, L, C) data with N = B*L). mean,
 * rstd (N) are saved for backward, which also reads x (so out == x only when
 * no backward follows). dx (N, C) or NULL, dgamma, dbeta (C): accumulated. */
void ts_layernorm_rows_forward(float *out, float *mean, float *rstd, const float *x,
                               const float *gamma, const float *beta, int N, int C);
void ts_layernorm_rows_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
                                const float *x, const float *mean, const float *rstd,
                                const float *gamma, int N, int C);

/* Learned absolute positions: out (B, L, C) = x (B, L, C) + table[l] with table
 * (Lmax, C), Lmax >= L (in place allowed). backward: dx += dout (dx may be NULL;
 * dx != dout), dtable[l] += sum over b of dout[b, l] (in b order). */
void ts_posemb_forward(float *out, const float *x, const float *table, int B, int L, int C);
void ts_posemb_backward(float *dx, float *dtable, const float *dout, int B, int L, int C);

/* Rotary position embedding (RoPE, Su et al. 2021), "rotate-half" pairing as in
 * GPT-NeoX / Llama: within each head of D (even) floats, element i < D/2 pairs
 * with i + D/2 and the pair at position l turns by the angle l * theta_i,
 * theta_i = base^(-2i/D) (base 10000 usually):
 *   out[i]       = x[i] cos - x[i + D/2] sin
 *   out[i + D/2] = x[i + D/2] cos + x[i] sin
 * tab (L, D) holds [cos(l theta_0 .. theta_{D/2-1}) | sin(...)] per position,
 * filled once (in double, then rounded) by ts_rope_table for positions 0..L-1.
 * x and out are (B, L, ld) rows whose first nh*D floats are nh heads; the rest
 * of each row is not touched. For a fused qkv (B, L, 3C) buffer, q and k are
 * the first 2C floats of each row: nh = 2H, ld = 3C, v untouched.
 * forward: in place allowed (out == x). backward: dx += R^T dout over the same
 * heads (dx != dout; the other floats of dx rows are not touched). */
void ts_rope_table(float *tab, int L, int D, double base);
void ts_rope_forward(float *out, const float *x, const float *tab, int B, int L, int nh, int D,
                     int ld);
void ts_rope_backward(float *dx, const float *dout, const float *tab, int B, int L, int nh, int D,
                      int ld);

/* Multi-head bidirectional self-attention core (no projections, no mask):
 *   qkv (B, L, 3C): each row is [q (C) | k (C) | v (C)] (the output of one
 *   fused Linear C -> 3C, PyTorch's in_proj_weight order); head h < H uses
 *   columns [h D, (h+1) D) of each, D = C / H.
 *   att (B, H, L, L) = softmax_row(q_h k_h^T / sqrt(D)), saved by forward for
 *   backward: 4 B H L^2 bytes (10.2 MB at B 16, H 4, L 200; 268 MB at B 1,
 *   H 4, L 4096 — long sequences want small batches).
 *   out (B, L, C) = heads' att v_h side by side (before the output projection).
 * One job per (b, h) on the OpenMP threads, each two (forward) or four
 * (backward) single-threaded GEMMs through ts_sgemm. FLOPs: forward 4 B L^2 C,
 * backward 8 B L^2 C.
 * backward: dqkv (B, L, 3C) += d/dqkv (q, k and v parts) from dout (B, L, C);
 * needs qkv and att as forward left them, and ts_attention_scratch_size(L)
 * floats of scratch: one L x L buffer for each thread set when the size is
 * asked (omp_get_max_threads()), not every core; slots is that count, and the
 * call runs on at most that many threads (a count raised later stays in the
 * scratch). */
size_t ts_attention_scratch_size(int L);
void ts_attention_forward(float *out, float *att, const float *qkv, int B, int L, int C, int H);
void ts_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att,
                           int B, int L, int C, int H, float *scratch, int slots);

/* ---------------------------------------------------------------------------
 * Transformer encoder block, pre-LayerNorm (GPT-2 / nn.TransformerEncoderLayer
 * with norm_first=True, activation gelu, no dropout), over (B, L, C) rows:
 *   a   = x + W_o Attn(RoPE(W_qkv LN1(x) + b_qkv)) + b_o
 *   out = a + W_2 gelu(W_1 LN2(a) + b_1) + b_2
 * RoPE (rope = 1) turns q and k with a table from ts_rope_table(tab, Lmax,
 * C/H, base), Lmax >= L; rope = 0 (tab NULL) leaves positions to the model
 * (e.g. ts_posemb_forward before the first block). With rope = 0 the block is
 * exactly nn.TransformerEncoderLayer(C, H, F, dropout=0, activation="gelu",
 * batch_first=True, norm_first=True); the parameters map one to one.
 *
 * Parameter layout of one block (floats, in this order; ts_tblock_layout_of):
 *   ln1_g (C), ln1_b (C)            norm1
 *   qkv_w (3C, C), qkv_b (3C)       self_attn.in_proj_weight / in_proj_bias
 *   proj_w (C, C), proj_b (C)       self_attn.out_proj
 *   ln2_g (C), ln2_b (C)            norm2
 *   fc1_w (F, C), fc1_b (F)         linear1
 *   fc2_w (C, F), fc2_b (C)         linear2
 * A model stacks n blocks over one parameter block: block i's parameters start
 * at i * layout.total (and its gradients at the same offset of the gradient
 * block); the block functions only take that pointer.
 *
 * act (ts_tblock_act_size floats) is written by forward and read by backward
 * (what each block of a training stack keeps; inference can reuse one act for
 * all blocks). Per block, in floats, N = B L:
 *   N (7C + 2F + 4) + B H L^2   (B 16, L 200, C 128, H 4, F 512: 34.9 MB)
 * backward's scratch (ts_tblock_scratch_size) can be shared by all blocks; its
 * attention part covers the threads set when the size is asked, passed as
 * slots (as ts_attention_backward). ------ */
typedef struct {
    int C;          /* model width (channels) */
    int H;          /* heads; C % H == 0 (and C/H even with rope) */
    int F;          /* MLP hidden width (4 C usually) */
    int rope;       /* 1: rotary positions on q, k; 0: none */
} ts_tblock_config;

typedef struct {
    size_t ln1_g, ln1_b, qkv_w, qkv_b, proj_w, proj_b, ln2_g, ln2_b, fc1_w, fc1_b, fc2_w, fc2_b;
    size_t total;   /* floats per block */
} ts_tblock_layout;

/* shape checks; 0 / -1 + error */
int    ts_tblock_check(const ts_tblock_config *c);
void   ts_tblock_layout_of(const ts_tblock_config *c, ts_tblock_layout *p);
/* GPT-2 / llm.c init of one block (n_layers: blocks in the stack): weights
 * N(0, 0.02), the two residual projections (proj_w, fc2_w) N(0, 0.02 /
 * sqrt(2 n_layers)), biases 0, LayerNorm gain 1 and shift 0. Draws in layout
 * order. */
void   ts_tblock_init(const ts_tblock_config *c, float *params, int n_layers, ts_rng *r);
size_t ts_tblock_act_size(const ts_tblock_config *c, int B, int L);
size_t ts_tblock_scratch_size(const ts_tblock_config *c, int B, int L);
/* out (B, L, C) from x (B, L, C); out != x (backward reads x). rope_tab: (>= L,
 * C/H) from ts_rope_table when c->rope, else ignored (NULL). FLOPs: 2 N (4 C^2
 * + 2 C F) + 4 B L^2 C. */
void ts_tblock_forward(const ts_tblock_config *c, const float *params, const float *rope_tab,
                       const float *x, float *out, float *act, int B, int L);
/* dparams (layout.total) += d/dparams; dx (B, L, C) += d/dx, or NULL. In place
 * allowed: dx == dout makes the buffer hold the block's input gradient (dout
 * plus the branches), which is how a stack hands one residual-gradient buffer
 * from block to block. x and act as forward left them. FLOPs: twice forward's
 * GEMMs + 8 B L^2 C. */
void ts_tblock_backward(const ts_tblock_config *c, const float *params, const float *rope_tab,
                        const float *x, const float *act, const float *dout, float *dparams,
                        float *dx, float *scratch, int slots, int B, int L);

#ifdef __cplusplus
}
#endif

#endif
