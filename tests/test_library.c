/* The library as a program other than the command uses it: the protocol functions with
 * the default options (NULL), and the example program of examples/ (built beside the
 * command: make examples), which must print what the command prints. */
#include "check.h"
#include "tracesynth.h"

/* a named dataset of n events in dir/name: a period of 7 with a variant every 50 events */
static void make_dataset(char *out, size_t outn, const char *dir, const char *name, size_t n)
{
    static const char *const names[] = {"read", "write", "openat", "close", "fstat", "mmap", "futex"};
    static const int32_t pat[] = {2, 4, 0, 0, 1, 3, 6};
    snprintf(out, outn, "%s/%s", dir, name);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.vocab.unk = -1;
    d.vocab.n = 7;
    d.vocab.names = (char **)names;
    d.vocab.counts = ts_calloc(7, sizeof(int64_t));
    d.stream.n = n;
    d.stream.ids = ts_malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) d.stream.ids[i] = i % 50 == 49 ? 5 : pat[i % 7];
    CHECK(ts_dataset_save(out, &d) == 0);
    free(d.stream.ids);
    free(d.vocab.counts);
}

/* ts_impute_eval without run options (NULL) runs with the defaults, as zeroed ones do */
static void impute_eval_default_run_options(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    make_dataset(dp, sizeof dp, dir, "ds", 3000);
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 40;
    ss.windows = 20;
    ts_split_data d;
    REQUIRE(ts_split_data_load(dp, &ss, &d) == 0);
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("ngram", &d, &o, &m, NULL) == 0);
    /* no options: the defaults, the same model */
    ts_model *m0 = NULL;
    CHECK(ts_train_on("ngram", &d, NULL, &m0, NULL) == 0 && m0);
    ts_model_free(m0);
    ts_impute_spec is = {10, TS_MASK_CENTER, dp, &d.data.vocab, NULL};
    ts_run_opts zero;
    memset(&zero, 0, sizeof zero);
    for (int pos = 0; pos < 2; pos++) {
        is.pos = pos ? TS_MASK_RANDOM : TS_MASK_CENTER;
        ts_impute_result a, b;
        CHECK(ts_impute_eval(m, &d.split.test, &is, NULL, &a) == 0);
        CHECK(ts_impute_eval(m, &d.split.test, &is, &zero, &b) == 0);
        CHECK(a.metrics.hidden == 20 * 10 && a.metrics.hidden == b.metrics.hidden);
        CHECK(a.metrics.accuracy == b.metrics.accuracy && a.metrics.rouge_l == b.metrics.rouge_l);
    }
    ts_model_free(m);
    ts_split_data_free(&d);
}

/* the example program named `name`, in the build directory of $TRACESYNTH (its examples/) */
static const char *example(const char *name)
{
    static char buf[1024];
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    const char *slash = strrchr(bin, '/');
    snprintf(buf, sizeof buf, "%.*s%sexamples/%s", slash ? (int)(slash - bin) : 0, bin, slash ? "/" : "", name);
    return access(buf, X_OK) == 0 ? buf : NULL;
}

/* "accuracy A  perfect P  ROUGE-L R" of a line: 0, or -1 when the line has none */
static int metrics_of(const char *out, char a[16], char p[16], char r[16])
{
    const char *s = strstr(out, "accuracy ");
    return s && sscanf(s, "accuracy %15s perfect %15s ROUGE-L %15s", a, p, r) == 3 ? 0 : -1;
}

/* examples/impute.c through the library's protocol prints the figures of train --model
 * ngram + impute on the same dataset (the embedded strace trace) */
static void impute_example_equals_the_command(void)
{
    const char *ex = example("impute");
    if (!ex) SKIP("the example is not built (make examples)");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char cmd[2048], out[4096], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace data/default/workload.strace -q -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds -o %s/ng.tsm", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/ds --blackout 10 --position center", dir, dir);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    char ca[16], cp[16], cr[16], ea[16], ep[16], er[16];
    REQUIRE(metrics_of(out, ca, cp, cr) == 0);

    char path[600];
    snprintf(path, sizeof path, "%s/example.txt", dir);
    snprintf(cmd, sizeof cmd, "%s %s/ds >%s 2>&1", ex, dir, path);
    int st = system(cmd);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the example failed: %s", out);
    CHECK(strstr(out, "500 windows of 200, blackout 10 at center") != NULL);
    REQUIRE(metrics_of(out, ea, ep, er) == 0);
    CHECK_MSG(!strcmp(ca, ea) && !strcmp(cp, ep) && !strcmp(cr, er),
              "the command: %s %s %s, the example: %s %s %s", ca, cp, cr, ea, ep, er);

    /* a dataset that is not there: one line naming it, exit status 1 */
    snprintf(cmd, sizeof cmd, "%s %s/none >%s 2>&1", ex, dir, path);
    st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    f = fopen(path, "r");
    REQUIRE(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(strstr(out, "/none") && strchr(out, '\n') == out + n - 1, "%s", out);
}

TEST_MAIN("library", {
    RUN(impute_eval_default_run_options);
    RUN(impute_example_equals_the_command);
})
