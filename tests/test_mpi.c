/* Data-parallel training over MPI: `mpirun -np 2 tracesynth train` splits each
 * batch across the two processes and gives the model one process trains with
 * the same global batch and seed (to float tolerance); only rank 0 writes; a
 * checkpoint written by one process resumes under two. Skipped when the build
 * has no MPI or mpirun is not installed. */
#include "check.h"
#include "motif.h"
#include "tracesynth.h"
#include "tracesynth/container.h"

#include <math.h>

static char dir[256];

static const char *bin(void)
{
    const char *b = getenv("TRACESYNTH");
    return b ? b : "build/tracesynth";
}

static int make_dataset(void)
{
    const char *s = scratch_dir();
    if (!s) return -1;
    snprintf(dir, sizeof dir, "%s", s);
    char path[512];
    snprintf(path, sizeof path, "%s/ds", dir);
    return save_motif_dataset(path, 4000);
}

/* the model the runs below train */
static const char *model = "sssd-s4";

/* "mpirun -np N" (N > 0) or nothing (N = 0) before the CLI; 0 on success */
static int train(int np, const char *out, long iters, const char *extra)
{
    char cmd[4096];
    char mpi[256] = "";
    if (np > 0)
        snprintf(mpi, sizeof mpi, "mpirun -np %d --oversubscribe --allow-run-as-root "
                 "-x ASAN_OPTIONS=detect_leaks=0 ", np);
    snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 %s%s train --model %s %s/ds --length 40 "
             "--windows 60 --layers 1 --channels 8 --state 8 --batch 4 --iters %ld --valid-every 3 "
             "--valid-n 8 --threads 1 --seed 5 --no-progress -o %s/%s --log %s/%s.jsonl %s >%s/%s.out 2>&1",
             mpi, bin(), model, dir, iters, dir, out, dir, out, extra ? extra : "", dir, out);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* the model's parameters; n floats (malloc'd) or NULL */
static float *params_of(const char *name, size_t *n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ts_reader r;
    if (ts_reader_open(&r, p) != 0) return NULL;
    const ts_chunk *c = ts_reader_get(&r, "PARAMS");
    float *v = NULL;
    if (c) {
        *n = c->size / sizeof(float);
        v = ts_malloc(c->size);
        memcpy(v, c->data, c->size);
    }
    ts_reader_close(&r);
    return v;
}

static long lines_of(const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    long n = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF) n += ch == '\n';
    fclose(f);
    return n;
}

/* max |a - b| / (1 + max |a|) over the two models' parameters, or -1 */
static double model_diff(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    float *pa = params_of(a, &na), *pb = params_of(b, &nb);
    double d = -1;
    if (pa && pb && na == nb && na > 0) {
        double m = 0, amax = 0;
        for (size_t i = 0; i < na; i++) {
            m = fmax(m, fabs((double)pa[i] - pb[i]));
            amax = fmax(amax, fabs((double)pa[i]));
        }
        d = m / (1 + amax);
    }
    free(pa);
    free(pb);
    return d;
}

static int have_mpi(void)
{
#ifndef TS_MPI
    return 0;
#else
    return system("mpirun --version >/dev/null 2>&1") == 0;
#endif
}

static void two_ranks_match_one(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    REQUIRE(train(0, "one.tsm", 6, NULL) == 0);
    int rc = train(2, "two.tsm", 6, NULL);
    char p[512], out[4096] = "";
    snprintf(p, sizeof p, "%s/two.tsm.out", dir);
    FILE *f = fopen(p, "r");
    if (f) { size_t got = fread(out, 1, sizeof out - 1, f); out[got] = 0; fclose(f); }
    CHECK_MSG(rc == 0, "mpirun failed: %s", out);
    if (rc != 0) return;
    CHECK_MSG(strstr(out, "data-parallel over 2 processes") != NULL, "%s", out);
    /* one "trained" line: rank 0 alone reports */
    const char *t = strstr(out, "trained sssd-s4");
    CHECK(t && !strstr(t + 1, "trained sssd-s4"));
    double d = model_diff("one.tsm", "two.tsm");
    CHECK_MSG(d >= 0 && d < 1e-4, "parameters differ by %g", d);
    /* the training moved the parameters, so the comparison means something */
    REQUIRE(train(0, "short.tsm", 3, NULL) == 0);
    CHECK(model_diff("one.tsm", "short.tsm") > 1e-4);
    /* rank 0 alone wrote the log: as many lines as the one-process run */
    CHECK_MSG(lines_of("two.tsm.jsonl") == lines_of("one.tsm.jsonl"), "%ld vs %ld lines",
              lines_of("two.tsm.jsonl"), lines_of("one.tsm.jsonl"));
}

/* csdi-s4 takes the same data-parallel path: two processes train the model one does */
static void two_ranks_match_one_csdi(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    model = "csdi-s4";
    int one = train(0, "csdi-one.tsm", 6, NULL), two = train(2, "csdi-two.tsm", 6, NULL),
        shorter = train(0, "csdi-short.tsm", 3, NULL);
    model = "sssd-s4";
    REQUIRE(one == 0 && shorter == 0);
    char p[512], out[4096] = "";
    snprintf(p, sizeof p, "%s/csdi-two.tsm.out", dir);
    FILE *f = fopen(p, "r");
    if (f) { size_t got = fread(out, 1, sizeof out - 1, f); out[got] = 0; fclose(f); }
    CHECK_MSG(two == 0 && strstr(out, "data-parallel over 2 processes") && strstr(out, "trained csdi-s4"), "%s", out);
    double d = model_diff("csdi-one.tsm", "csdi-two.tsm");
    CHECK_MSG(d >= 0 && d < 1e-4, "parameters differ by %g", d);
    CHECK(model_diff("csdi-one.tsm", "csdi-short.tsm") > 1e-4);
}

/* a checkpoint of one process resumes under two, and one of two under one */
static void resume_across_rank_counts(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    char extra[1024];
    REQUIRE(train(0, "half1.tsm", 3, NULL) == 0);
    snprintf(extra, sizeof extra, "--resume %s/half1.tsm.ckpt", dir);
    REQUIRE(train(2, "res2.tsm", 6, extra) == 0);
    double d = model_diff("one.tsm", "res2.tsm");
    CHECK_MSG(d >= 0 && d < 1e-4, "1 -> 2 processes: parameters differ by %g", d);
    REQUIRE(train(2, "half2.tsm", 3, NULL) == 0);
    snprintf(extra, sizeof extra, "--resume %s/half2.tsm.ckpt", dir);
    REQUIRE(train(0, "res1.tsm", 6, extra) == 0);
    d = model_diff("one.tsm", "res1.tsm");
    CHECK_MSG(d >= 0 && d < 1e-4, "2 -> 1 processes: parameters differ by %g", d);
}

/* a batch that does not split evenly is refused by name */
static void uneven_batch_refused(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    CHECK(train(3, "odd.tsm", 2, NULL) != 0);
    char p[512], out[4096] = "";
    snprintf(p, sizeof p, "%s/odd.tsm.out", dir);
    FILE *f = fopen(p, "r");
    if (f) { size_t got = fread(out, 1, sizeof out - 1, f); out[got] = 0; fclose(f); }
    CHECK_MSG(strstr(out, "cannot be split evenly across 3 processes") != NULL, "%s", out);
}

/* a write that fails on rank 0 (the only one that writes) stops every rank: the others used
 * to wait for it in the next reduction, for ever */
static void rank0_failure_stops_all(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 timeout 120 mpirun -np 2 --oversubscribe --allow-run-as-root "
             "-x ASAN_OPTIONS=detect_leaks=0 %s train --model sssd-s4 %s/ds --length 40 --windows 60 --layers 1 "
             "--channels 8 --state 8 --batch 4 --iters 6 --valid-every 3 --valid-n 8 --threads 1 --seed 5 --no-progress "
             "-o %s/full.tsm --log /dev/full >%s/full.out 2>&1", bin(), dir, dir, dir);
    int st = system(cmd);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    char p[512], out[8192] = "";
    snprintf(p, sizeof p, "%s/full.out", dir);
    FILE *f = fopen(p, "r");
    if (f) { size_t got = fread(out, 1, sizeof out - 1, f); out[got] = 0; fclose(f); }
    CHECK_MSG(rc != 0 && rc != 124, "exit %d (124: the ranks waited for each other until the timeout)", rc);
    CHECK_MSG(strstr(out, "/dev/full") != NULL, "%s", out);
}

/* a model trained in one pass (ngram, unigram) has nothing to split across processes: each
 * trained it whole, and the summary said "data-parallel over 2 processes". Refused as
 * mdm's is, in one line */
static void one_pass_model_refused(void)
{
    if (!have_mpi()) SKIP("built without MPI (make MPI=0) or mpirun is not installed");
    const char *models[] = {"ngram", "unigram"};
    for (int i = 0; i < 2; i++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 timeout 120 mpirun -np 2 --oversubscribe "
                 "--allow-run-as-root -x ASAN_OPTIONS=detect_leaks=0 %s train --model %s %s/ds --threads 1 "
                 "-o %s/one.tsm >%s/one.out 2>&1", bin(), models[i], dir, dir, dir);
        int st = system(cmd);
        int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
        char p[512], out[8192] = "", want[128];
        snprintf(p, sizeof p, "%s/one.out", dir);
        FILE *f = fopen(p, "r");
        if (f) { size_t got = fread(out, 1, sizeof out - 1, f); out[got] = 0; fclose(f); }
        snprintf(want, sizeof want, "tracesynth: error: %s: no data-parallel training (mpirun with 2 processes",
                 models[i]);
        CHECK_MSG(rc != 0 && rc != 124 && strstr(out, want) && !strstr(out, "data-parallel over"), "exit %d: %s", rc,
                  out);
    }
}

static void setup(void)
{
    REQUIRE(make_dataset() == 0);
}

static void cleanup(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(dir[0] && system(cmd) == 0);
}

TEST_MAIN("mpi", {
    RUN(setup);
    RUN(two_ranks_match_one);
    RUN(two_ranks_match_one_csdi);
    RUN(resume_across_rank_counts);
    RUN(uneven_batch_refused);
    RUN(rank0_failure_stops_all);
    RUN(one_pass_model_refused);
    RUN(cleanup);
})
