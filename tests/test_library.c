/* The library as a program other than the command uses it: the protocol functions with
 * the default options (NULL), and the example program of examples/. */
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

TEST_MAIN("library", {
    RUN(impute_eval_default_run_options);
})
