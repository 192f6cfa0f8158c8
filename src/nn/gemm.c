/* ts_sgemm: SGEMM split over the OpenMP threads.
 *
 * The layers run every parallel loop on one pool, OpenMP's: a second pool
 * (OpenBLAS's pthreads) spinning beside it steals cores, which on a small
 * machine costs more than it brings. So ts_set_threads leaves OpenBLAS with one
 * thread and this splits C into blocks of rows (or of columns when C is short
 * and wide), one single-threaded cblas_sgemm per block. The blocks depend on the
 * thread count, the arithmetic does not: every C element is the same dot
 * product over k in the same order whatever block it falls in. */
#include "tracesynth/nn.h"
#include "tracesynth/prof.h"

#include <cblas.h>
#include <omp.h>

/* OpenBLAS's SkylakeX kernels take products with M*N*K <= 1e6 through a
 * separate small-matrix kernel that rounds differently; every block stays above
 * that size, so splitting never changes the bits. */
#define GEMM_BLOCK_MIN 1.05e6
/* block edges fall on multiples of the kernels' register tile */
#define GEMM_ALIGN 16

/* block edges e[0] = 0 < ... < e[nb] = len, each block at least min_len long;
 * returns the number of blocks (1: do not split) */
static int split(int len, int nb, double min_len, int *e)
{
    for (; nb > 1; nb--) {
        int ok = 1;
        e[0] = 0;
        for (int t = 1; t <= nb; t++) {
            e[t] = t == nb ? len : (int)((long)len * t / nb / GEMM_ALIGN * GEMM_ALIGN);
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

static int plan(int M, int N, int K, int *e)
{
    int nt = omp_get_max_threads();
    if (nt > 256) nt = 256;
    if (M <= 0 || N <= 0 || K <= 0 || !ts_parallel_ok()) return 1;
    int by_rows = M >= N, len = by_rows ? M : N;
    return split(len, nt, GEMM_BLOCK_MIN / ((double)(by_rows ? N : M) * K), e);
}

int ts_sgemm_blocks(int M, int N, int K)
{
    int e[257];
    return plan(M, N, K, e);
}

static void sgemm_body(int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda,
              const float *B, int ldb, float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0) return;
    enum CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
    enum CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
    int e[257], by_rows = M >= N;
    int nb = plan(M, N, K, e);
    if (nb <= 1) {
        cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    #pragma omp parallel for schedule(static, 1)
    for (int t = 0; t < nb; t++) {
        int i0 = e[t], n = e[t + 1] - e[t];
        if (by_rows) {   /* rows i0.. of C and op(A) */
            const float *a = transA ? A + i0 : A + (size_t)i0 * lda;
            cblas_sgemm(CblasRowMajor, ta, tb, n, N, K, alpha, a, lda, B, ldb, beta,
                        C + (size_t)i0 * ldc, ldc);
        } else {         /* columns i0.. of C and op(B) */
            const float *b = transB ? B + (size_t)i0 * ldb : B + i0;
            cblas_sgemm(CblasRowMajor, ta, tb, M, n, K, alpha, A, lda, b, ldb, beta, C + i0, ldc);
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
