/* ts_sgemm: SGEMM split over the OpenMP threads, in float32 or (opt-in) bf16.
 *
 * The layers run every parallel loop on one pool, OpenMP's: a second pool
 * (OpenBLAS's pthreads) spinning beside it steals cores, which on a small
 * machine costs more than it brings. So ts_set_threads leaves OpenBLAS with one
 * thread and this splits C into blocks of rows (or of columns when C is short
 * and wide), one single-threaded product per block. The blocks depend on the
 * thread count, the arithmetic does not: every C element is the same dot
 * product over k in the same order whatever block it falls in. Which blocks
 * keep that depends on OpenBLAS's kernels (split_rule below).
 *
 * bf16 (ts_set_precision): the inputs of each product are rounded to bfloat16
 * (nearest even) and multiplied by oneDNN's matmul with float32 accumulation
 * and a float32 C; on a CPU with AVX512_BF16 that is about twice the float32
 * speed. Debian 12's OpenBLAS is built without its bf16 GEMM (cblas_sbgemm is
 * declared but not exported), so oneDNN (libdnnl) provides it; a build without
 * oneDNN refuses bf16. */
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"
#include "vmath.h"

#include <cblas.h>
#include <stdatomic.h>
#include <stdio.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#ifdef TS_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

/* Which blocks leave every C element's arithmetic alone, by OpenBLAS's kernels
 * (measured by splitting products of every transposition, M, N up to 2048 and
 * K up to 4096 and comparing bits; tests/test_nn_layers.c checks it):
 * - SkylakeX, Cooperlake, SapphireRapids and Prescott: rows or columns of C,
 *   edges on multiples of 16 (their register tile);
 * - Haswell and Zen (one SGEMM kernel): rows only, on multiples of 12; a block
 *   of columns, or of rows not a multiple of 12, changes the rounding of
 *   thousands of elements;
 * - any other core: rows only, on multiples of 48 (both tiles above). */
typedef struct {
    int align, columns;
} split_rule;

static split_rule rule_of(const char *core)
{
    static const char *tile16[] = {"SkylakeX", "Cooperlake", "SapphireRapids", "Prescott"};
    static const char *tile12[] = {"Haswell", "Zen"};
    for (size_t i = 0; i < sizeof tile16 / sizeof *tile16; i++)
        if (!strcmp(core, tile16[i])) return (split_rule){16, 1};
    for (size_t i = 0; i < sizeof tile12 / sizeof *tile12; i++)
        if (!strcmp(core, tile12[i])) return (split_rule){12, 0};
    return (split_rule){48, 0};
}

int ts_gemm_split_rule(const char *core, int *align)
{
    split_rule r = rule_of(core);
    if (align) *align = r.align;
    return r.columns;
}

/* the running OpenBLAS's rule, read once (every thread computes the same) */
static split_rule current_rule(void)
{
    static _Atomic int cached = 0;   /* align * 2 + columns, 0: not yet */
    int c = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!c) {
        split_rule r = rule_of(openblas_get_corename());
        c = r.align * 2 + r.columns;
        atomic_store_explicit(&cached, c, memory_order_relaxed);
    }
    return (split_rule){c / 2, c % 2};
}

static ts_precision g_precision = TS_PRECISION_FP32;

/* block edges e[0] = 0 < ... < e[nb] = len, each block at least min_len long;
 * returns the number of blocks (1: do not split) */
static int split(int len, int nb, double min_len, int align, int *e)
{
    for (; nb > 1; nb--) {
        int ok = 1;
        e[0] = 0;
        for (int t = 1; t <= nb; t++) {
            e[t] = t == nb ? len : (int)((long)len * t / nb / align * align);
            if (e[t] - e[t - 1] < min_len) ok = 0;
        }
        if (ok) return nb;
    }
    return 1;
}

int ts_parallel_ok(void)
{
    return omp_get_max_threads() > 1 && !omp_in_parallel() && openblas_get_num_threads() == 1;
}

/* block edges in e; *by_rows: blocks of rows (else of columns) */
static int plan(int M, int N, int K, int *e, int *by_rows)
{
    int nt = omp_get_max_threads();
    if (nt > 256) nt = 256;
    *by_rows = 1;
    if (M <= 0 || N <= 0 || K <= 0 || !ts_parallel_ok()) return 1;
    split_rule r = current_rule();
    *by_rows = M >= N || !r.columns;
    int len = *by_rows ? M : N;
    return split(len, nt, TS_GEMM_BLOCK_MIN / ((double)(*by_rows ? N : M) * K), r.align, e);
}

int ts_gemm_blocks_keep_bits(void)
{
    return current_rule().columns;
}

int ts_sgemm_blocks(int M, int N, int K)
{
    int e[257], by_rows;
    return plan(M, N, K, e, &by_rows);
}

/* ---- bf16 products through oneDNN ---- */
#ifdef TS_DNNL
/* distinct product shapes (a network has a few dozen); past that, or if oneDNN
 * refuses a shape, the product runs in float32 and is counted
 * (ts_gemm_bf16_fallbacks; `bench model --profile` prints the count) */
#define BF_CACHE 256

/* one matmul primitive per shape; inputs are packed contiguous, so the shape,
 * the transpositions, ldc, alpha and beta make the key */
typedef struct {
    int M, N, K, ta, tb, ldc;
    float alpha, beta;
    dnnl_primitive_t prim;
    dnnl_memory_desc_t md[4];   /* A, B, C, scratchpad */
    size_t scratch;             /* scratchpad bytes */
} bf_entry;

static dnnl_engine_t bf_engine;
static bf_entry bf_cache[BF_CACHE];
static _Atomic int bf_n;
/* products that ran in float32 because no primitive was available */
static _Atomic long bf_fallbacks;

/* per thread: the packed bf16 inputs, the scratchpad, and memory objects for
 * each cache entry (their data handles are set per call) */
typedef struct {
    uint16_t *a, *b;
    size_t na, nb;
    void *scratch;
    size_t nscratch;
    dnnl_stream_t stream;
    dnnl_memory_t mem[BF_CACHE][4];
    /* what t->a holds: the bf16 copy of this A (rows x cols, ld apart) */
    const float *a_src;
    int a_rows, a_cols, a_ld;
} bf_thread;
static _Thread_local bf_thread *bf_tl;

/* float32 -> bfloat16, round to nearest even (no NaNs reach a product) */
static inline uint16_t bf16_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

/* dst (rows x cols, contiguous) = bf16(src), src rows ld apart */
TS_CLONES static void to_bf16(uint16_t *restrict dst, const float *restrict src, int rows, int cols,
                              int ld)
{
    for (int r = 0; r < rows; r++) {
        const float *restrict s = src + (size_t)r * ld;
        uint16_t *restrict d = dst + (size_t)r * cols;
        #pragma omp simd
        for (int c = 0; c < cols; c++) d[c] = bf16_of(s[c]);
    }
}

static int grow(void **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    void *q = realloc(*p, need);
    if (!q) return -1;
    *p = q;
    *cap = need;
    return 0;
}

static int bf_key_eq(const bf_entry *e, int M, int N, int K, int ta, int tb, int ldc, float alpha,
                     float beta)
{
    return e->M == M && e->N == N && e->K == K && e->ta == ta && e->tb == tb && e->ldc == ldc &&
           e->alpha == alpha && e->beta == beta;
}

/* the primitive for this key, created on first use (one thread inside). Entries
 * are only ever appended and bf_n is published after its entry is complete, so
 * a hit needs no lock; a miss creates under the lock. */
static bf_entry *bf_lookup(int M, int N, int K, int ta, int tb, int ldc, float alpha, float beta)
{
    int n = atomic_load_explicit(&bf_n, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (bf_key_eq(&bf_cache[i], M, N, K, ta, tb, ldc, alpha, beta)) return &bf_cache[i];
    bf_entry *hit = NULL;
    #pragma omp critical(ts_bf_cache)
    {
        int n2 = atomic_load_explicit(&bf_n, memory_order_relaxed);
        for (int i = n; i < n2 && !hit; i++)   /* made by another thread meanwhile */
            if (bf_key_eq(&bf_cache[i], M, N, K, ta, tb, ldc, alpha, beta)) hit = &bf_cache[i];
        if (!hit && n2 < BF_CACHE && bf_engine) {
            bf_entry *e = &bf_cache[n2];
            *e = (bf_entry){.M = M, .N = N, .K = K, .ta = ta, .tb = tb, .ldc = ldc,
                            .alpha = alpha, .beta = beta};
            dnnl_dims_t da = {M, K}, db = {K, N}, dc = {M, N};
            /* the inputs are packed as stored (A^T: A (K x M) row-major), the
             * transposition in the strides: faster than transposing them here */
            dnnl_dims_t sa = {ta ? 1 : K, ta ? M : 1}, sb = {tb ? 1 : N, tb ? K : 1}, sc = {ldc, 1};
            dnnl_matmul_desc_t desc;
            dnnl_primitive_attr_t attr = NULL;
            dnnl_post_ops_t po = NULL;
            dnnl_primitive_desc_t pd = NULL;
            int ok = dnnl_memory_desc_init_by_strides(&e->md[0], 2, da, dnnl_bf16, sa) == dnnl_success &&
                     dnnl_memory_desc_init_by_strides(&e->md[1], 2, db, dnnl_bf16, sb) == dnnl_success &&
                     dnnl_memory_desc_init_by_strides(&e->md[2], 2, dc, dnnl_f32, sc) == dnnl_success &&
                     dnnl_matmul_desc_init(&desc, &e->md[0], &e->md[1], NULL, &e->md[2]) == dnnl_success &&
                     dnnl_primitive_attr_create(&attr) == dnnl_success &&
                     dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) == dnnl_success;
            if (ok && alpha != 1.0f)
                ok = dnnl_primitive_attr_set_output_scales(attr, 1, 0, &alpha) == dnnl_success;
            if (ok && beta != 0.0f)
                ok = dnnl_post_ops_create(&po) == dnnl_success &&
                     dnnl_post_ops_append_sum(po, beta) == dnnl_success &&
                     dnnl_primitive_attr_set_post_ops(attr, po) == dnnl_success;
            /* one thread inside the primitive: the blocks are the parallelism */
            int nt = omp_get_max_threads();
            omp_set_num_threads(1);
            ok = ok && dnnl_primitive_desc_create(&pd, &desc, attr, bf_engine, NULL) == dnnl_success;
            if (ok) {
                const dnnl_memory_desc_t *sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
                e->md[3] = *sp;
                e->scratch = dnnl_memory_desc_get_size(sp);
                ok = dnnl_primitive_create(&e->prim, pd) == dnnl_success;
            }
            omp_set_num_threads(nt);
            if (pd) dnnl_primitive_desc_destroy(pd);
            if (po) dnnl_post_ops_destroy(po);
            if (attr) dnnl_primitive_attr_destroy(attr);
            if (ok) {
                hit = e;
                atomic_store_explicit(&bf_n, n2 + 1, memory_order_release);
            }
        }
    }
    return hit;
}

static bf_thread *bf_thread_state(void)
{
    if (!bf_tl) {
        bf_thread *t = calloc(1, sizeof *t);
        if (!t) return NULL;
        if (dnnl_stream_create(&t->stream, bf_engine, dnnl_stream_default_flags) != dnnl_success) {
            free(t);
            return NULL;
        }
        bf_tl = t;
    }
    return bf_tl;
}

/* 0 done; -1: no primitive or memory (the caller falls back to float32).
 * same_a: A is unchanged since this thread's previous product, whose bf16 copy
 * is reused when it was of this A (pointer and shape) */
static int bf16_gemm(int same_a, int transA, int transB, int M, int N, int K, float alpha,
                     const float *A, int lda, const float *B, int ldb, float beta, float *C,
                     int ldc)
{
    bf_entry *e = bf_lookup(M, N, K, transA, transB, ldc, alpha, beta);
    /* the thread's state even without a primitive: a product that falls back
     * must forget the copy of an A it may have rewritten */
    bf_thread *t = bf_thread_state();
    if (t) t->a_src = same_a ? t->a_src : NULL;
    if (!e) return -1;
    if (!t || grow((void **)&t->a, &t->na, (size_t)M * K * 2) ||
        grow((void **)&t->b, &t->nb, (size_t)K * N * 2) ||
        grow(&t->scratch, &t->nscratch, e->scratch ? e->scratch : 1)) {
        if (t) t->a_src = NULL;
        return -1;
    }
    int ar = transA ? K : M, ac = transA ? M : K;
    if (!(t->a_src == A && t->a_rows == ar && t->a_cols == ac && t->a_ld == lda)) {
        to_bf16(t->a, A, ar, ac, lda);
        t->a_src = A;
        t->a_rows = ar;
        t->a_cols = ac;
        t->a_ld = lda;
    }
    if (transB) to_bf16(t->b, B, N, K, ldb);
    else to_bf16(t->b, B, K, N, ldb);
    int i = (int)(e - bf_cache);
    void *h[4] = {t->a, t->b, C, t->scratch};
    for (int j = 0; j < 4; j++) {
        if (!t->mem[i][j] &&
            dnnl_memory_create(&t->mem[i][j], &e->md[j], bf_engine, h[j]) != dnnl_success)
            return -1;
        dnnl_memory_set_data_handle(t->mem[i][j], h[j]);
    }
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, t->mem[i][0]}, {DNNL_ARG_WEIGHTS, t->mem[i][1]},
                               {DNNL_ARG_DST, t->mem[i][2]}, {DNNL_ARG_SCRATCHPAD, t->mem[i][3]}};
    int nt = omp_get_max_threads();
    if (nt != 1) omp_set_num_threads(1);
    dnnl_status_t st = dnnl_primitive_execute(e->prim, t->stream, 4, args);
    if (st == dnnl_success) st = dnnl_stream_wait(t->stream);
    if (nt != 1) omp_set_num_threads(nt);
    return st == dnnl_success ? 0 : -1;
}
#endif

int ts_set_precision(ts_precision p)
{
    if (p == TS_PRECISION_FP32) {
        g_precision = p;
        return 0;
    }
    if (p != TS_PRECISION_BF16) return ts_fail("precision %d: unknown (fp32 or bf16)", (int)p);
#ifdef TS_DNNL
    ts_cpu c;
    ts_cpu_detect(&c);
    if (!c.avx512bf16)
        return ts_fail("precision bf16: needs a CPU with AVX512_BF16 (this one has none)");
    if (!bf_engine && dnnl_engine_create(&bf_engine, dnnl_cpu, 0) != dnnl_success)
        return ts_fail("precision bf16: oneDNN could not create its CPU engine");
    g_precision = p;
    return 0;
#else
    return ts_fail("precision bf16: needs oneDNN, and this build has none "
                   "(install libdnnl-dev and rebuild)");
#endif
}

void ts_bf16_describe(char *buf, size_t n)
{
#ifdef TS_DNNL
    ts_cpu c;
    ts_cpu_detect(&c);
    const dnnl_version_t *v = dnnl_version();
    /* the widest kernels oneDNN may dispatch to here (DNNL_MAX_CPU_ISA can lower it): AMX's
     * tiles multiply bf16 several times faster than AVX512_BF16's vectors */
    const unsigned isa = (unsigned)dnnl_get_effective_cpu_isa();
    const char *how = (isa & dnnl_cpu_isa_avx512_core_amx) == dnnl_cpu_isa_avx512_core_amx ? "AMX tiles"
                      : (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16
                          ? "AVX512_BF16"
                          : "no bf16 kernels (DNNL_MAX_CPU_ISA is below them): slow";
    if (c.avx512bf16)
        snprintf(buf, n, "bf16 products (--precision bf16): oneDNN %d.%d.%d, %s", v->major, v->minor, v->patch, how);
    else
        snprintf(buf, n, "bf16 products (--precision bf16): not on this CPU (no AVX512_BF16)");
#else
    snprintf(buf, n, "bf16 products (--precision bf16): not in this build (no oneDNN)");
#endif
}

ts_precision ts_get_precision(void) { return g_precision; }

const char *ts_precision_name(ts_precision p) { return p == TS_PRECISION_BF16 ? "bf16" : "fp32"; }

long ts_gemm_bf16_fallbacks(void)
{
#ifdef TS_DNNL
    return atomic_load(&bf_fallbacks);
#else
    return 0;
#endif
}

static void gemm_1t(int same_a, int transA, int transB, int M, int N, int K, float alpha,
                    const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
#ifdef TS_DNNL
    if (g_precision == TS_PRECISION_BF16 && K > 0) {
        if (bf16_gemm(same_a, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) == 0)
            return;
        atomic_fetch_add_explicit(&bf_fallbacks, 1, memory_order_relaxed);
    }
#else
    (void)same_a;
#endif
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void ts_gemm_1t(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
                const float *B, int ldb, float beta, float *C, int ldc)
{
    gemm_1t(0, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void ts_gemm_1t_same_a(int transA, int transB, int M, int N, int K, float alpha, const float *A,
                       int lda, const float *B, int ldb, float beta, float *C, int ldc)
{
    gemm_1t(1, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

static void sgemm_body(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    int e[257], by_rows;
    int nb = plan(M, N, K, e, &by_rows);
    if (nb <= 1) {
        ts_gemm_1t(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    #pragma omp parallel for schedule(static, 1)
    for (int t = 0; t < nb; t++) {
        int i0 = e[t], n = e[t + 1] - e[t];
        if (by_rows) {   /* rows i0.. of C and op(A) */
            const float *a = transA ? A + i0 : A + (size_t)i0 * lda;
            ts_gemm_1t(transA, transB, n, N, K, alpha, a, lda, B, ldb, beta, C + (size_t)i0 * ldc, ldc);
        } else {         /* columns i0.. of C and op(B) */
            const float *b = transB ? B + (size_t)i0 * ldb : B + i0;
            ts_gemm_1t(transA, transB, M, n, K, alpha, A, lda, b, ldb, beta, C + i0, ldc);
        }
    }
}

void ts_sgemm(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc)
{
    TS_PROF_FLOPS(2.0 * M * N * K);
    TS_PROF_PUSH(TS_PROF_GEMM);
    sgemm_body(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    TS_PROF_POP();
}
