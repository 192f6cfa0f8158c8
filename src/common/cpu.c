/* Thread count and the BLAS kernels the CPU can run. */
#include "tracesynth/common.h"

#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One thread pool: OpenMP's. OpenBLAS runs single-threaded and ts_sgemm
 * (nn.h) splits each product over the OpenMP threads; two pools spinning side
 * by side would steal each other's cores. */
/* the threads OMP_NUM_THREADS asked for (as the OpenMP runtime read it, before
 * anything here changed them), 0 when unset: the user's own setting wins over
 * "all cores" */
static int env_threads;
__attribute__((constructor)) static void read_env_threads(void)
{
    const char *e = getenv("OMP_NUM_THREADS");
    env_threads = e && *e ? omp_get_max_threads() : 0;
}

void ts_set_threads(int n)
{
    if (n <= 0) n = env_threads > 0 ? env_threads : omp_get_num_procs();
    omp_set_num_threads(n);
    openblas_set_num_threads(1);
}

int ts_get_threads(void) { return omp_get_max_threads(); }

/* ---- BLAS kernels ----
 * OpenBLAS picks its kernels from the CPU model; a release older than the CPU
 * falls back to its SSE3 "Prescott" kernels (Debian 12's 0.3.21 on family 6
 * model 207: SGEMM 43 instead of 310 GFLOP/s). The CPU's own feature bits say
 * which kernels it can run; the CLI asks OpenBLAS for those when its own choice
 * is weaker (see main.c). */

void ts_cpu_detect(ts_cpu *c)
{
    memset(c, 0, sizeof *c);
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, cx, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(0), "c"(0));
    unsigned maxleaf = a;
    c->intel = b == 0x756e6547u;                         /* "GenuineIntel" */
    c->amd = b == 0x68747541u || b == 0x6f677948u;       /* "AuthenticAMD", "HygonGenuine" */
    if (maxleaf < 1) return;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(1), "c"(0));
    c->sse3 = (cx >> 0) & 1;
    c->sse42 = (cx >> 20) & 1;
    int fma = (cx >> 12) & 1, osxsave = (cx >> 27) & 1, avx = (cx >> 28) & 1;
    unsigned xcr0 = 0;
    if (osxsave) {   /* which register states the OS saves: no state, no instructions */
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = lo;
    }
    int os_avx = (xcr0 & 0x6) == 0x6, os_avx512 = (xcr0 & 0xe6) == 0xe6;
    c->avx = avx && os_avx;
    c->fma = fma && c->avx;
    if (maxleaf < 7) return;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(7), "c"(0));
    c->avx2 = c->avx && ((b >> 5) & 1);
    if (os_avx512) {
        c->avx512f = (b >> 16) & 1;
        c->avx512dq = (b >> 17) & 1;
        c->avx512cd = (b >> 28) & 1;
        c->avx512bw = (b >> 30) & 1;
        c->avx512vl = (b >> 31) & 1;
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(7), "c"(1));
        c->avx512bf16 = c->avx512f && ((a >> 5) & 1);
    }
#endif
}

/* OpenBLAS x86-64 core names, weakest kernels first; a name not listed is
 * taken as newer than this table and never replaced */
static const struct { const char *name; int rank; } blas_cores[] = {
    {"Katmai", 0}, {"Coppermine", 0}, {"Northwood", 0}, {"Banias", 0}, {"Athlon", 0},
    {"Prescott", 1}, {"Atom", 1}, {"Opteron", 1}, {"Opteron_SSE3", 1}, {"Core2", 2},
    {"Penryn", 3}, {"Dunnington", 3}, {"Barcelona", 3}, {"Bobcat", 3}, {"Nehalem", 4},
    {"Sandybridge", 5}, {"Bulldozer", 5}, {"Piledriver", 5}, {"Steamroller", 5},
    {"Excavator", 5}, {"Haswell", 6}, {"Zen", 6}, {"SkylakeX", 7}, {"Cooperlake", 8},
    {"SapphireRapids", 9},
};

static int blas_rank(const char *name)
{
    for (size_t i = 0; i < sizeof blas_cores / sizeof *blas_cores; i++)
        if (!strcasecmp(name, blas_cores[i].name)) return blas_cores[i].rank;
    return 100;
}

const char *ts_blas_core_best(const ts_cpu *c)
{
    if (c->avx512f && c->avx512bw && c->avx512vl && c->avx512dq && c->avx512cd)
        return "SkylakeX";   /* the same SGEMM kernels as Cooperlake, known to more releases */
    if (c->avx2 && c->fma) return c->amd ? "Zen" : "Haswell";
    if (c->avx) return "Sandybridge";
    if (c->sse42) return "Nehalem";
    return NULL;             /* nothing better than OpenBLAS's baseline to ask for */
}

const char *ts_blas_core_pick(const ts_cpu *c, const char *openblas_core, const char *user_env)
{
    if (user_env && *user_env) return NULL;   /* the user's own choice always wins */
    const char *best = ts_blas_core_best(c);
    if (!best || !openblas_core) return NULL;
    return blas_rank(openblas_core) < blas_rank(best) ? best : NULL;
}

void ts_blas_describe(char *buf, size_t n)
{
    const char *core = openblas_get_corename();
    const char *env = getenv("OPENBLAS_CORETYPE");
    const char *was = getenv("TRACESYNTH_BLAS_REPLACED");
    if (env && *env && was && *was && !strcasecmp(env, core))
        snprintf(buf, n, "OpenBLAS kernels %s (chosen by tracesynth from the CPU's features; "
                 "OpenBLAS picked %s; OPENBLAS_CORETYPE overrides)", core, was);
    else if (env && *env && strcasecmp(env, core))
        snprintf(buf, n, "OpenBLAS kernels %s (OPENBLAS_CORETYPE=%s is not available in this "
                 "OpenBLAS)", core, env);
    else if (env && *env)
        snprintf(buf, n, "OpenBLAS kernels %s (OPENBLAS_CORETYPE)", core);
    else {
        ts_cpu c;
        ts_cpu_detect(&c);
        const char *better = ts_blas_core_pick(&c, core, NULL);
        if (better)
            snprintf(buf, n, "OpenBLAS kernels %s (OpenBLAS's choice; the CPU can run %s: "
                     "OPENBLAS_CORETYPE=%s)", core, better, better);
        else
            snprintf(buf, n, "OpenBLAS kernels %s (OpenBLAS's choice)", core);
    }
}

/* ---- address space ----
 * OpenBLAS (0.3.21 on x86_64) maps a work buffer of 128 MB for each of its own threads
 * when they start (at load: all cores, or OPENBLAS_NUM_THREADS) and one for each thread
 * that calls a product, and when the mapping fails it tries again, forever (memory.c's
 * blas_memory_alloc): under an address-space limit too low for them the program spins.
 * Measured (the smallest ulimit -v under which a run ends, in 8 MB steps): --version 94 MB
 * with one OpenBLAS thread, 234 MB with two; a small mdm's impute with --threads 1, 374 MB
 * with two; --threads 2, 445 MB (its products too small to be split over the threads).
 * So: 96 MB of libraries, 140 MB for each OpenBLAS thread and for the calling thread
 * (buffer and stack), 200 MB for each further thread of the program (a buffer of its own
 * once products are split, its stack and its malloc arena's 64 MB), and 64 MB of margin. */
size_t ts_blas_address_space_need(int blas_threads, int threads)
{
    const size_t mb = (size_t)1 << 20;
    if (blas_threads < 1) blas_threads = 1;
    if (threads < 0) threads = 0;
    /* OpenBLAS's first thread is the caller's: no buffer of its own when nothing calls */
    const size_t holders = (size_t)blas_threads - (threads == 0);
    return (96 + 64) * mb + holders * 140 * mb + (size_t)(threads > 1 ? threads - 1 : 0) * 200 * mb;
}
