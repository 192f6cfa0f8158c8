/* The library as a program other than the command uses it: the protocol functions with
 * the default options (NULL), and the example program of examples/ (built beside the
 * command: make examples), which must print what the command prints. */
#include <pthread.h>

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

/* the dataset above, 3,000 events in dir/ds (its path in dp), loaded with the time split
 * into windows of 40, 20 per part (that spec in *spec when not NULL) */
static void small_split(char *dp, size_t dpn, const char *dir, ts_split_data *d, ts_split_spec *spec)
{
    make_dataset(dp, dpn, dir, "ds", 3000);
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 40;
    ss.windows = 20;
    REQUIRE(ts_split_data_load(dp, &ss, d) == 0);
    if (spec) *spec = ss;
}

/* ts_impute_eval without run options (NULL) runs with the defaults, as zeroed ones do */
static void impute_eval_default_run_options(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    ts_split_data d;
    small_split(dp, sizeof dp, dir, &d, NULL);
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

/* a careless caller: NULL where a model, windows, a path or an output is needed is an error
 * naming the function and the argument, not a crash; a failed call leaves its outputs empty
 * and freeable (twice, too) */
static void null_arguments_are_errors(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], mp[600];
    ts_split_data d;
    ts_split_spec ss;
    small_split(dp, sizeof dp, dir, &d, &ss);
    snprintf(mp, sizeof mp, "%s/ng.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("ngram", &d, NULL, &m, NULL) == 0);
    REQUIRE(ts_model_save(m, mp) == 0);
    const ts_windows *x = &d.split.test;
    uint8_t *mask = ts_malloc(x->n * x->len);
    ts_mask_fill(mask, x->n, x->len, 5, TS_MASK_CENTER, 0);
#define NULL_ARG(call, fn, arg) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), fn) && strstr(ts_error(), arg " is NULL"), "%s: %d: %s", #call, rc_, \
              ts_error()); } while (0)
    ts_split_data d2;
    ts_model *m2 = (ts_model *)&d2;   /* garbage: a failed call sets it to NULL */
    ts_windows w = {(int32_t *)&d2, 7, 7};
    ts_vocab v;
    ts_impute_result r;
    double bits;
    NULL_ARG(ts_split_data_load(NULL, &ss, &d2), "ts_split_data_load", "dir");
    NULL_ARG(ts_split_data_load(dp, &ss, NULL), "ts_split_data_load", "d");
    NULL_ARG(ts_split_data_resplit(NULL, &ss), "ts_split_data_resplit", "d");
    NULL_ARG(ts_split_data_resplit(&d, NULL), "ts_split_data_resplit", "s");
    CHECK(d.split.test.n == 20);   /* refused before the split was freed */
    NULL_ARG(ts_train_on(NULL, &d, NULL, &m2, NULL), "ts_train_on", "name");
    CHECK(m2 == NULL);
    NULL_ARG(ts_train_on("ngram", NULL, NULL, &m2, NULL), "ts_train_on", "d");
    NULL_ARG(ts_train_on("ngram", &d, NULL, NULL, NULL), "ts_train_on", "out");
    NULL_ARG(ts_model_train("ngram", NULL, &m2), "ts_model_train", "o");
    NULL_ARG(ts_model_save(NULL, mp), "ts_model_save", "m");
    NULL_ARG(ts_model_save(m, NULL), "ts_model_save", "path");
    NULL_ARG(ts_model_load(NULL, &m2), "ts_model_load", "path");
    NULL_ARG(ts_model_load(mp, NULL), "ts_model_load", "out");
    NULL_ARG(ts_model_impute(NULL, x, mask, NULL, &w), "ts_model_impute", "m");
    CHECK(w.data == NULL && w.n == 0);
    ts_windows_free(&w);
    ts_windows_free(&w);
    NULL_ARG(ts_model_impute(m, NULL, mask, NULL, &w), "ts_model_impute", "x");
    NULL_ARG(ts_model_impute(m, x, NULL, NULL, &w), "ts_model_impute", "mask");
    NULL_ARG(ts_model_impute(m, x, mask, NULL, NULL), "ts_model_impute", "out");
    ts_windows nodata = {NULL, 2, 40};
    NULL_ARG(ts_model_impute(m, &nodata, mask, NULL, &w), "ts_model_impute", "x->data");
    NULL_ARG(ts_model_impute_named(m, x, &d.data.vocab, NULL, NULL, &w, NULL), "ts_model_impute_named", "mask");
    NULL_ARG(ts_model_impute_named(m, &nodata, &d.data.vocab, mask, NULL, &w, NULL), "ts_model_impute_named",
             "x->data");
    ts_vocab nonames = {3, NULL, NULL, -1};
    NULL_ARG(ts_model_impute_named(m, x, &nonames, mask, NULL, &w, NULL), "ts_model_impute_named", "names->names");
    NULL_ARG(ts_model_generate(NULL, 2, 40, NULL, &w), "ts_model_generate", "m");
    NULL_ARG(ts_model_generate(m, 2, 40, NULL, NULL), "ts_model_generate", "out");
    NULL_ARG(ts_model_bits(m, NULL, NULL, NULL, &bits, NULL), "ts_model_bits", "x");
    NULL_ARG(ts_model_bits(m, x, NULL, NULL, NULL, NULL), "ts_model_bits", "bits");
    NULL_ARG(ts_model_bits(NULL, x, NULL, NULL, &bits, NULL), "ts_model_bits", "m");
    /* a failed call's bits are NaN, not what they held */
    bits = 1.5;
    NULL_ARG(ts_model_bits(m, &nodata, NULL, NULL, &bits, NULL), "ts_model_bits", "x->data");
    CHECK(isnan(bits));
    bits = 1.5;
    x->data[3] += 1000;
    CHECK(ts_model_bits(m, x, NULL, NULL, &bits, NULL) == -1 && isnan(bits) && strstr(ts_error(), "outside the model's range"));
    x->data[3] -= 1000;
    CHECK(ts_model_bits(m, x, NULL, NULL, &bits, NULL) == 0 && bits > 0 && bits < 10);
    ts_impute_spec is = {5, TS_MASK_CENTER, NULL, NULL, NULL};
    NULL_ARG(ts_impute_eval(NULL, x, &is, NULL, &r), "ts_impute_eval", "m");
    NULL_ARG(ts_impute_eval(m, NULL, &is, NULL, &r), "ts_impute_eval", "x");
    NULL_ARG(ts_impute_eval(m, x, NULL, NULL, &r), "ts_impute_eval", "s");
    NULL_ARG(ts_impute_eval(m, x, &is, NULL, NULL), "ts_impute_eval", "res");
    NULL_ARG(ts_impute_eval_arch(m, NULL, &is, TS_ARCH_AARCH64, NULL, &r), "ts_impute_eval_arch", "x");
    NULL_ARG(ts_impute_eval_arch(m, x, &is, TS_ARCH_AARCH64, NULL, NULL), "ts_impute_eval_arch", "res");
    CHECK_MSG(ts_impute_eval_arch(m, x, &is, (ts_arch)9, NULL, &r) == -1 &&
                  strstr(ts_error(), "ts_impute_eval_arch: architecture 9"), "%s", ts_error());
    NULL_ARG(ts_impute_input_load(NULL, &ss, 0, NULL, 10, &w, &v, NULL), "ts_impute_input_load", "path");
    NULL_ARG(ts_impute_input_load(dp, &ss, 0, NULL, 10, NULL, &v, NULL), "ts_impute_input_load", "x");
    NULL_ARG(ts_impute_input_load(dp, &ss, 0, NULL, 10, &w, NULL, NULL), "ts_impute_input_load", "names");
    /* a dataset directory without a split spec: the default split, not zero windows */
    ts_split_spec big;
    ts_split_spec_default(&big);
    CHECK_MSG(ts_impute_input_load(dp, NULL, 0, NULL, -1, &w, &v, NULL) == 0 && w.n == big.windows && w.len == big.length,
              "%zu windows of %zu: %s", w.n, w.len, ts_error());
    ts_windows_free(&w);
    ts_vocab_free(&v);
    ts_vocab_free(&v);
    /* an option list whose count and arrays disagree is an error, not a crash */
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.kv.n = 2;
    CHECK_MSG(ts_model_impute(m, x, mask, &ro, &w) == -1 && strstr(ts_error(), "without their keys or values"), "%s",
              ts_error());
    const char *keys[] = {"order", NULL}, *vals[] = {"3", "4"};
    ro.kv.keys = keys;
    ro.kv.values = vals;
    CHECK_MSG(ts_model_generate(m, 2, 40, &ro, &w) == -1 && strstr(ts_error(), "option 2 of 2: its key is NULL"), "%s",
              ts_error());
    ro.kv.n = -1;
    CHECK_MSG(ts_model_impute(m, x, mask, &ro, &w) == -1 && strstr(ts_error(), "below 0"), "%s", ts_error());
    ts_train_opts to = {.blackout = 10, .mask_pos = TS_MASK_CENTER};
    to.kv.n = 1;
    CHECK_MSG(ts_train_on("ngram", &d, &to, &m2, NULL) == -1 && strstr(ts_error(), "training options: 1 given"), "%s",
              ts_error());
    /* a blackout position outside the enum (it was taken, and hid every event for sssd-s4's masks) */
    to.kv.n = 0;
    to.mask_pos = (ts_mask_pos)7;
    CHECK_MSG(ts_train_on("ngram", &d, &to, &m2, NULL) == -1 && strstr(ts_error(), "blackout position 7"), "%s",
              ts_error());
#undef NULL_ARG
    free(mask);
    ts_model_free(m);
    ts_split_data_free(&d);
}

/* a vocabulary with n > 0 whose names are NULL, or one of them: training, imputing by name
 * and writing names refuse it, naming the function and the argument (training copied the
 * names after the work, and a name match read them: a crash) */
static void vocab_without_names_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], np[600];
    ts_split_data d;
    small_split(dp, sizeof dp, dir, &d, NULL);
    snprintf(np, sizeof np, "%s/names.txt", dir);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("ngram", &d, NULL, &m, NULL) == 0);
    char *hole[7] = {"read", "write", NULL, "close", "fstat", "mmap", "futex"};
    ts_vocab none = {7, NULL, NULL, -1}, some = {7, hole, NULL, -1};
    const ts_vocab *bad[2] = {&none, &some};
    const char *what[2] = {"names is NULL", "names[2] is NULL"};
    const ts_windows *x = &d.split.test;
    uint8_t *mask = ts_malloc(x->n * x->len);
    ts_mask_fill(mask, x->n, x->len, 5, TS_MASK_CENTER, 0);
    for (int i = 0; i < 2; i++) {
        ts_model *m2 = NULL;
        ts_train_opts o = {.split = &d.split, .vocab = bad[i], .n_ids = d.n_ids, .blackout = 10};
        CHECK_MSG(ts_model_train("ngram", &o, &m2) == -1 && m2 == NULL && strstr(ts_error(), "ts_model_train: o->vocab->") &&
                      strstr(ts_error(), what[i]), "%s", ts_error());
        ts_vocab keep = d.data.vocab;
        d.data.vocab = *bad[i];
        CHECK_MSG(ts_train_on("ngram", &d, NULL, &m2, NULL) == -1 && strstr(ts_error(), "ts_train_on: d->data.vocab.") &&
                      strstr(ts_error(), what[i]), "%s", ts_error());
        d.data.vocab = keep;
        ts_windows w;
        CHECK_MSG(ts_model_impute_named(m, x, bad[i], mask, NULL, &w, NULL) == -1 && w.data == NULL &&
                      strstr(ts_error(), "ts_model_impute_named: names->") && strstr(ts_error(), what[i]),
                  "%s", ts_error());
        CHECK_MSG(ts_model_windows_named(m, x, bad[i], &w, NULL) == -1 && strstr(ts_error(), what[i]), "%s", ts_error());
        double bits;
        CHECK_MSG(ts_model_bits(m, x, bad[i], NULL, &bits, NULL) == -1 && strstr(ts_error(), what[i]), "%s", ts_error());
        ts_impute_spec is = {5, TS_MASK_CENTER, NULL, bad[i], NULL};
        ts_impute_result r;
        CHECK_MSG(ts_impute_eval(m, x, &is, NULL, &r) == -1 && strstr(ts_error(), "ts_impute_eval: s->names->") &&
                      strstr(ts_error(), what[i]), "%s", ts_error());
        CHECK_MSG(ts_windows_write_names(np, x, bad[i]) == -1 && strstr(ts_error(), "ts_windows_write_names: v->") &&
                      strstr(ts_error(), what[i]), "%s", ts_error());
        CHECK(!ts_file_exists(np));
    }
    CHECK_MSG(ts_windows_write_names(np, x, NULL) == -1 && strstr(ts_error(), "ts_windows_write_names: v is NULL"), "%s",
              ts_error());
    CHECK(ts_windows_write_names(np, x, &d.data.vocab) == 0 && ts_file_exists(np));
    free(mask);
    ts_model_free(m);
    ts_split_data_free(&d);
}

/* training data a caller made: IDs outside [0, n_ids) anywhere a model reads them, n_ids that
 * is not the vocabulary's size, a <unk> outside it: an error naming the place before any
 * training (validation IDs were read unchecked, one model trained on IDs past its range, and
 * the model file saved was one ts_model_load refuses) */
static void train_data_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    ts_split_data d;
    small_split(dp, sizeof dp, dir, &d, NULL);
    static const char *const models[] = {"ngram", "unigram"};
    for (int k = 0; k < 2; k++) {
        const char *mn = models[k];
        ts_model *m = NULL;
        ts_train_opts o = {.split = &d.split, .vocab = &d.data.vocab, .n_ids = d.n_ids, .blackout = 10};
        int32_t *at[4] = {&d.split.valid.data[41], &d.split.valid.data[41], &d.split.train.data[7],
                          &d.split.train_stream.ids[9]};
        const int32_t bad[4] = {7, -1, 99, -3};   /* (-1 in a stream: a separator) */
        const char *where[4] = {"validation window 1, position 1: event ID 7 ", "validation window 1, position 1: event ID -1 ",
                                "training window 0, position 7: event ID 99 ", "training stream, event 9: ID -3 "};
        for (int i = 0; i < 4; i++) {
            int32_t keep = *at[i];
            *at[i] = bad[i];
            CHECK_MSG(ts_model_train(mn, &o, &m) == -1 && m == NULL && strstr(ts_error(), where[i]) &&
                          strstr(ts_error(), "outside [0, 7)"), "%s %d: %s", mn, i, ts_error());
            *at[i] = keep;
        }
        o.n_ids = 12;
        CHECK_MSG(ts_model_train(mn, &o, &m) == -1 && strstr(ts_error(), "12 event IDs (n_ids) for a vocabulary of 7 names"),
                  "%s: %s", mn, ts_error());
        o.n_ids = 7;
        ts_vocab v = d.data.vocab;
        v.unk = 40;
        o.vocab = &v;
        CHECK_MSG(ts_model_train(mn, &o, &m) == -1 && strstr(ts_error(), "<unk> ID 40 is outside [0, 7)"), "%s: %s", mn,
                  ts_error());
        int32_t extra[3] = {0, 8, 1};
        ts_split_add_train(&d.split, extra, 3, 1);
        o.vocab = &d.data.vocab;
        CHECK_MSG(ts_model_train(mn, &o, &m) == -1 && strstr(ts_error(), "further training stream 1, event 1: ID 8 "),
                  "%s: %s", mn, ts_error());
        ts_seq_free(&d.split.also[0]);
        d.split.n_also = 0;
        REQUIRE(ts_model_train(mn, &o, &m) == 0);
        ts_model_free(m);
    }
    ts_split_data_free(&d);
}

/* ts_split_data_load_set: NULL arguments, and a dataset that records no window length
 * given no length at all (s->length and len0 0), refused naming the function; a set's spec
 * whose stride is 0 is read, as its stride is not (every window of the set is one) */
static void split_load_set_arguments_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], sp[512], lp[600];
    make_dataset(dp, sizeof dp, dir, "plain", 3000);
    make_dataset(sp, sizeof sp, dir, "set", 3000);
    snprintf(lp, sizeof lp, "%s/length", sp);
    FILE *f = fopen(lp, "w");
    REQUIRE(f);
    fputs("40\n", f);
    fclose(f);
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 0;
    ts_split_data d;
    size_t rec = 7;
#define FAILS(call, ...) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), __VA_ARGS__), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_split_data_load_set(NULL, &ss, 40, &d, &rec), "ts_split_data_load_set: dir is NULL");
    CHECK(rec == 0);
    FAILS(ts_split_data_load_set(sp, NULL, 40, &d, &rec), "ts_split_data_load_set: s is NULL");
    FAILS(ts_split_data_load_set(sp, &ss, 40, NULL, &rec), "ts_split_data_load_set: d is NULL");
    /* no length anywhere: the function and the file that would have given one named */
    FAILS(ts_split_data_load_set(dp, &ss, 0, &d, &rec), "ts_split_data_load_set: ");
    CHECK_MSG(strstr(ts_error(), "plain/length") && !d.data.stream.n, "%s", ts_error());
    /* a set: its own length, whatever the stride */
    ss.stride = 0;
    CHECK_MSG(ts_split_data_load_set(sp, &ss, 0, &d, &rec) == 0, "%s", ts_error());
    CHECK(rec == 40 && d.split.len == 40 && d.split.window == 40 && d.split.train.n == 52 && d.split.valid.n == 7 &&
          d.split.test.n == 15);
    ts_split_data_free(&d);
#undef FAILS
}

/* the protocol functions that add to a split or write it: NULL arguments, a dataset without a
 * split yet, a spec whose stride or parts are not ones a split is made with: errors naming the
 * function, not a crash (a stride of 0 divided by zero, parts above 1000 thousandths read past
 * the other dataset's stream), nor empty window files written as a split */
static void split_protocol_arguments_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], sd[600];
    ts_split_data d, bare;
    ts_split_spec ss;
    small_split(dp, sizeof dp, dir, &d, &ss);
    snprintf(sd, sizeof sd, "%s/split", dir);
    REQUIRE(ts_split_data_load(dp, NULL, &bare) == 0);
    double leak;
    ts_also_info ai;
    ts_reinterleave_info ri;
    ts_reinterleave_choice rch;
#define FAILS(call, ...) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), __VA_ARGS__), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_split_data_also(NULL, dp, &ss, &ai), "ts_split_data_also: d is NULL");
    FAILS(ts_split_data_also(&d, NULL, &ss, &ai), "ts_split_data_also: dir is NULL");
    FAILS(ts_split_data_also(&d, dp, NULL, &ai), "ts_split_data_also: s is NULL");
    FAILS(ts_split_data_also(&bare, dp, &ss, &ai), "ts_split_data_also: d has no split");
    FAILS(ts_split_data_reinterleave(NULL, 0.3, 2, 0, &ss, &ri), "ts_split_data_reinterleave: d is NULL");
    FAILS(ts_split_data_reinterleave(&d, 0.3, 2, 0, NULL, &ri), "ts_split_data_reinterleave: s is NULL");
    FAILS(ts_split_data_reinterleave_choose(NULL, 2, 0, &ss, NULL, &rch), "ts_split_data_reinterleave_choose: d is NULL");
    FAILS(ts_split_data_reinterleave_choose(&d, 2, 0, NULL, NULL, &rch), "ts_split_data_reinterleave_choose: s is NULL");
    FAILS(ts_split_data_reinterleave_choose(&d, 2, 0, &ss, NULL, NULL), "ts_split_data_reinterleave_choose: out is NULL");
    FAILS(ts_split_dir_write(NULL, "ds", &d, &ss, &leak), "ts_split_dir_write: dir is NULL");
    FAILS(ts_split_dir_write(sd, NULL, &d, &ss, &leak), "ts_split_dir_write: dataset is NULL");
    FAILS(ts_split_dir_write(sd, "ds", NULL, &ss, &leak), "ts_split_dir_write: d is NULL");
    FAILS(ts_split_dir_write(sd, "ds", &d, NULL, &leak), "ts_split_dir_write: s is NULL");
    FAILS(ts_split_dir_write(sd, "ds", &bare, &ss, &leak), "ts_split_dir_write: d has no split");
    CHECK(!ts_file_exists(sd));
    ts_split_spec bad = ss;
    bad.stride = 0;
    FAILS(ts_split_data_also(&d, dp, &bad, &ai), "ts_split_data_also: s->stride is 0");
    bad = ss;
    bad.permille[0] = 1500;
    bad.permille[2] = -600;
    FAILS(ts_split_data_also(&d, dp, &bad, &ai), "ts_split_data_also: time split parts 1500/100/-600");
    FAILS(ts_split_data_reinterleave(&d, 0.3, 2, 0, &bad, &ri), "ts_split_data_reinterleave: time split parts");
    FAILS(ts_split_data_reinterleave_choose(&d, 2, 0, &bad, NULL, &rch), "ts_split_data_reinterleave_choose: time split parts");
    CHECK(d.split.n_also == 0 && d.split.train.n == 413);
    /* the leak share may be left out */
    CHECK_MSG(ts_split_dir_write(sd, "ds", &d, &ss, NULL) == 0, "%s", ts_error());
    /* a stream added at stride 0 is at stride 1, not a division by zero */
    ts_split_add_train(&d.split, d.data.stream.ids, 45, 0);
    CHECK(d.split.n_also == 1 && d.split.train.n == 413 + 6);
    uint8_t *mk;
    size_t n, len;
    FAILS(ts_mask_load(NULL, &mk, &n, &len), "ts_mask_load: path is NULL");
    FAILS(ts_mask_load(dp, NULL, &n, &len), "ts_mask_load: mask is NULL");
    FAILS(ts_mask_load(dp, &mk, NULL, &len), "ts_mask_load: n is NULL");
    CHECK(ts_model_find(NULL) == NULL && strstr(ts_error(), "ts_model_find: name is NULL"));
    long samples = 0;
    CHECK(ts_run_samples(NULL, "ngram", &samples) == 0 && samples == 1);
#undef FAILS
    ts_split_data_free(&bare);
    ts_split_data_free(&d);
}

/* a split spec whose time-split parts are not three positive thousandths summing to 1000
 * is refused, named (a negative part asked for an allocation of 2^59 bytes and aborted) */
static void split_parts_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    make_dataset(dp, sizeof dp, dir, "ds", 3000);
    static const int bad[][3] = {{-5, 805, 200}, {0, 0, 0}, {500, 500, 500}, {700, 300, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ts_split_spec ss;
        ts_split_spec_default(&ss);
        ss.length = 40;
        memcpy(ss.permille, bad[i], sizeof ss.permille);
        ts_split_data d;
        CHECK_MSG(ts_split_data_load(dp, &ss, &d) == -1 && strstr(ts_error(), "thousandths"), "%d/%d/%d: %s",
                  bad[i][0], bad[i][1], bad[i][2], ts_error());
        CHECK(d.split.test.data == NULL);
        ts_split_data_free(&d);
    }
}

/* windows named by a vocabulary that lacks some of the model's names (another trace's
 * dataset): what the model fills with such a name keeps it, under an ID after the
 * input's, and is not the input's <unk>, which would count right wherever the hidden
 * event is <unk> there */
static void impute_fill_the_input_cannot_name(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    static const char *const names[] = {"read", "write", "openat", "close", "fstat", "mmap", "futex", "<unk>"};
    static const int32_t pat[] = {2, 4, 0, 0, 1, 3, 6};
    char dp[512];
    snprintf(dp, sizeof dp, "%s/dsu", dir);
    ts_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.vocab = (ts_vocab){8, (char **)names, ts_calloc(8, sizeof(int64_t)), 7};
    ds.stream.n = 3000;
    ds.stream.ids = ts_malloc(ds.stream.n * sizeof(int32_t));
    for (size_t i = 0; i < ds.stream.n; i++) ds.stream.ids[i] = i % 50 == 49 ? 5 : pat[i % 7];
    REQUIRE(ts_dataset_save(dp, &ds) == 0);
    free(ds.stream.ids);
    free(ds.vocab.counts);
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 40;
    ss.windows = 20;
    ts_split_data d;
    REQUIRE(ts_split_data_load(dp, &ss, &d) == 0);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("ngram", &d, NULL, &m, NULL) == 0);
    /* the test windows as a trace without "close" numbers them: close is its <unk> */
    static const char *const in[] = {"read", "write", "openat", "fstat", "mmap", "futex", "<unk>"};
    static const int32_t to_in[] = {0, 1, 2, 6, 3, 4, 5, 6};
    int64_t zero[7] = {0};
    ts_vocab iv = {7, (char **)in, zero, 6};
    const size_t nl = d.split.test.n * d.split.test.len;
    ts_windows x = {ts_malloc(nl * sizeof(int32_t)), d.split.test.n, d.split.test.len};
    for (size_t i = 0; i < nl; i++) x.data[i] = to_in[d.split.test.data[i]];
    char out[600];
    snprintf(out, sizeof out, "%s/impu", dir);
    ts_impute_spec is = {10, TS_MASK_CENTER, "input", &iv, out};
    ts_impute_result r;
    REQUIRE(ts_impute_eval(m, &x, &is, NULL, &r) == 0);
    CHECK_MSG(r.metrics.unk_hidden > 0 && r.metrics.unk_right == 0, "%zu hidden <unk>, %zu filled so",
              r.metrics.unk_hidden, r.metrics.unk_right);
    /* the files name the fill as the model did */
    char path[700], line[8192];
    snprintf(path, sizeof path, "%s/imputation0.names.txt", out);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    int close_named = 0;
    while (fgets(line, sizeof line, f)) close_named |= strstr(line, "close") != NULL;
    fclose(f);
    CHECK(close_named);
    free(x.data);
    ts_model_free(m);
    ts_split_data_free(&d);
}

/* a blackout position that is none of ts_mask_pos's is refused, not imputed as some other */
static void mask_position_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    ts_split_data d;
    small_split(dp, sizeof dp, dir, &d, NULL);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("ngram", &d, NULL, &m, NULL) == 0);
    ts_impute_spec is = {5, (ts_mask_pos)42, NULL, NULL, NULL};
    ts_impute_result r;
    CHECK_MSG(ts_impute_eval(m, &d.split.test, &is, NULL, &r) == -1 && strstr(ts_error(), "position 42"), "%s",
              ts_error());
    ts_model_free(m);
    ts_split_data_free(&d);
}

/* windows that would not fit in memory: an error, not an abort on the allocation */
static void generate_beyond_memory_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    ts_split_data d;
    small_split(dp, sizeof dp, dir, &d, NULL);
    ts_model *m = NULL;
    REQUIRE(ts_train_on("unigram", &d, NULL, &m, NULL) == 0);
    ts_windows w;
    CHECK_MSG(ts_model_generate(m, 1024, (size_t)1 << 40, NULL, &w) == -1 && !w.data && strstr(ts_error(), "memory"),
              "%s", ts_error());
    CHECK_MSG(ts_model_generate(m, SIZE_MAX / 8 + 2, 16, NULL, &w) == -1 && !w.data &&
                  strstr(ts_error(), "cannot generate"), "%s", ts_error());
    /* imputing: windows described beyond memory, or wrapping around, are refused before any is read */
    int32_t one[4] = {0, 1, 0, 1};
    uint8_t mk[4] = {1, 0, 1, 1};
    ts_windows big = {one, (size_t)1 << 40, 4}, wrap = {one, SIZE_MAX / 8 + 2, 16};
    CHECK_MSG(ts_model_impute(m, &big, mk, NULL, &w) == -1 && !w.data && strstr(ts_error(), "memory"), "%s",
              ts_error());
    CHECK_MSG(ts_model_impute(m, &wrap, mk, NULL, &w) == -1 && !w.data && strstr(ts_error(), "more than memory"),
              "%s", ts_error());
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

/* the n-gram index's functions: a NULL, or a model that is not an n-gram, is an error naming
 * the function and argument (they crashed, or read another model's struct as the index) */
static void ngram_index_arguments_checked(void)
{
    const int32_t s[] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    const int32_t y[] = {0, 1, 9, 0, 1};
    ts_clear_error();
    CHECK(ts_ngram_new(NULL, 10, 2) == NULL && strstr(ts_error(), "ts_ngram_new: s is NULL"));
    ts_clear_error();
    CHECK(ts_ngram_new(s, 10, 0) == NULL && strstr(ts_error(), "ts_ngram_new: order 0"));
    ts_model *g = ts_ngram_new(s, 10, 2);
    REQUIRE(g);
    size_t N = 7, count = 7;
    int order = 7, matched = 7;
    int32_t *c = (int32_t *)s;
    ts_clear_error();
    CHECK(ts_ngram_stream(NULL, &N, &order) == NULL && N == 0 && order == 0 &&
          strstr(ts_error(), "ts_ngram_stream: m is NULL"));
    ts_clear_error();
    CHECK(ts_ngram_stream(g, NULL, &order) == NULL && strstr(ts_error(), "ts_ngram_stream: N is NULL"));
    ts_clear_error();
    CHECK(ts_ngram_candidates(NULL, y, 2, 1, 2, 2, &c, &matched) == 0 && c == NULL && matched == 0 &&
          strstr(ts_error(), "ts_ngram_candidates: m is NULL"));
    ts_clear_error();
    CHECK(ts_ngram_candidates(g, NULL, 2, 1, 2, 2, &c, &matched) == 0 && strstr(ts_error(), "ts_ngram_candidates: y is NULL"));
    ts_clear_error();
    CHECK(ts_ngram_candidates(g, y, 2, 1, 2, 2, NULL, &matched) == 0 &&
          strstr(ts_error(), "ts_ngram_candidates: out is NULL"));
    /* several strace logs: no log, or a NULL among them, refused by name (paths[0] was read) */
    {
        char **nm = (char **)s;
        size_t nn = 7;
        const char *none[1] = {NULL};
        CHECK(ts_strace_read_many(none, 0, &nm, &nn) == -1 && nm == NULL && nn == 0 &&
              strstr(ts_error(), "ts_strace_read_many: npaths is 0"));
        CHECK(ts_strace_read_many(none, 1, &nm, &nn) == -1 &&
              strstr(ts_error(), "ts_strace_read_many: paths[0] is NULL"));
        CHECK(ts_strace_read_many(NULL, 1, &nm, &nn) == -1 && strstr(ts_error(), "ts_strace_read_many: paths is NULL"));
        CHECK(ts_strace_read_many(none, 1, &nm, NULL) == -1 && strstr(ts_error(), "ts_strace_read_many: n is NULL"));
        CHECK(ts_strace_read_logs(NULL, 1, &nm, &nn, NULL) == -1 &&
              strstr(ts_error(), "ts_strace_read_logs: paths is NULL"));
        CHECK(ts_strace_read_logs(none, 1, NULL, &nn, NULL) == -1 &&
              strstr(ts_error(), "ts_strace_read_logs: names is NULL"));
        /* with the times: its own name in the error, not the reader's it shares checks with */
        int64_t *tn = (int64_t *)s;
        CHECK(ts_strace_read_times(NULL, 1, &nm, &tn, &nn, NULL) == -1 && tn == NULL &&
              strstr(ts_error(), "ts_strace_read_times: paths is NULL"));
        CHECK(ts_strace_read_times(none, 1, &nm, &tn, &nn, NULL) == -1 && strstr(ts_error(), "ts_strace_read_times: "
                                                                                            "paths[0] is NULL"));
        CHECK(ts_strace_read_times(none, 0, &nm, &tn, &nn, NULL) == -1 && strstr(ts_error(), "ts_strace_read_times: "
                                                                                            "npaths is 0"));
    }
    /* lav past a: the events before y are not read (ASan), the left context is y's a events */
    {
        int32_t *yh = malloc(4 * sizeof *yh), *c1 = NULL, *c2 = NULL;
        REQUIRE(yh);
        memcpy(yh, s, 4 * sizeof *yh);
        int m1 = 9, m2 = 9;
        size_t n1 = ts_ngram_candidates(g, yh, 1, 1, 5, 2, &c1, &m1), n2 = ts_ngram_candidates(g, yh, 1, 1, 1, 2, &c2, &m2);
        CHECK(n1 == n2 && m1 == m2 && (!n1 || !memcmp(c1, c2, n1 * sizeof *c1)));
        free(c1);
        free(c2);
        free(yh);
    }
    ts_clear_error();
    CHECK(ts_ngram_mode(NULL, s, 2, 1, &count) == 0 && count == 0 && strstr(ts_error(), "ts_ngram_mode: m is NULL"));
    /* another model is not an index */
    char dp[512];
    const char *dir = scratch_dir();
    REQUIRE(dir);
    make_dataset(dp, sizeof dp, dir, "ngidx", 3000);
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 40;
    ss.windows = 10;
    ts_split_data d;
    REQUIRE(ts_split_data_load(dp, &ss, &d) == 0);
    ts_model *u = NULL;
    REQUIRE(ts_train_on("unigram", &d, NULL, &u, NULL) == 0);
    ts_clear_error();
    CHECK_MSG(ts_ngram_stream(u, &N, NULL) == NULL && strstr(ts_error(), "ts_ngram_stream: m is a unigram model, not an n-gram"),
              "%s", ts_error());
    ts_clear_error();
    CHECK(ts_ngram_candidates(u, y, 2, 1, 2, 2, &c, NULL) == 0 && strstr(ts_error(), "not an n-gram"));
    ts_model_free(u);
    ts_split_data_free(&d);
    /* an index as before */
    CHECK(ts_ngram_stream(g, &N, &order) != NULL && N == 10 && order == 2);
    size_t nc = ts_ngram_candidates(g, y, 2, 1, 2, 2, &c, &matched);
    CHECK(nc > 0 && c && matched == 2);
    CHECK(nc > 0 && s[ts_ngram_mode(g, c, nc, 1, &count)] == 2 && count == nc);
    free(c);
    ts_model_free(g);
}

/* two models used at once from several threads (each model by one thread at a time), as
 * model.h allows: each thread loads the fixture models in turn, imputes and generates with
 * a seed, and gets what one thread alone got; the S4 layers' set-up (FFTW's planner, which
 * is not reentrant) ran at once on two threads, freeing the same memory twice */
#define MT_DIR "tests/fixtures/models/"
#define MT_KINDS 4
#define MT_THREADS 4
static const char *const mt_kinds[MT_KINDS] = {"mdm", "sssd-s4", "ngram", "unigram"};
static ts_windows mt_x, mt_imp[MT_KINDS], mt_gen[MT_KINDS];
static uint8_t *mt_mask;

static int mt_run(int k, ts_windows *imp, ts_windows *gen)
{
    char p[256];
    snprintf(p, sizeof p, MT_DIR "%s.tsm", mt_kinds[k]);
    ts_model *m = NULL;
    if (ts_model_load(p, &m)) return -1;
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 1;
    ro.steps = k < 2 ? 4 : 0;   /* the sampling models; the counting ones refuse steps */
    int rc = ts_model_impute(m, &mt_x, mt_mask, &ro, imp);
    if (!rc) rc = ts_model_generate(m, 2, k == 1 ? 64 : 64 + 16 * (size_t)k, &ro, gen);   /* sssd-s4: its length */
    ts_model_free(m);
    return rc;
}

static void *mt_worker(void *arg)
{
    long id = (long)arg, bad = 0;
    for (int i = 0; i < 150 && !bad; i++) {
        int k = (int)((i + id) % MT_KINDS);
        ts_windows a = {0}, b = {0};
        if (mt_run(k, &a, &b)) bad = 1;
        else if (a.n * a.len != mt_imp[k].n * mt_imp[k].len || b.n * b.len != mt_gen[k].n * mt_gen[k].len ||
                 memcmp(a.data, mt_imp[k].data, a.n * a.len * sizeof(int32_t)) ||
                 memcmp(b.data, mt_gen[k].data, b.n * b.len * sizeof(int32_t)))
            bad = 2;
        if (bad) fprintf(stderr, "  thread %ld, %s: %s\n", id, mt_kinds[k], bad == 1 ? ts_error() : "another result");
        ts_windows_free(&a);
        ts_windows_free(&b);
        /* an S4 layer set up and freed, as each of those models does per run */
        for (int j = 0; j < 8 && !bad; j++) {
            ts_s4_config c = {4, 8, 64 + 16 * ((i + j) % 9), 1, TS_S4_CONV_FFT};
            ts_s4 s;
            memset(&s, 0, sizeof s);
            if (ts_s4_init(&s, &c)) bad = 1;
            ts_s4_free(&s);
        }
    }
    return (void *)bad;
}

static void models_on_several_threads(void)
{
    REQUIRE(ts_windows_read(MT_DIR "input.txt", &mt_x) == 0);
    mt_mask = ts_malloc(mt_x.n * mt_x.len);
    ts_mask_fill(mt_mask, mt_x.n, mt_x.len, 10, TS_MASK_CENTER, 1);
    for (int k = 0; k < MT_KINDS; k++) CHECK_MSG(mt_run(k, &mt_imp[k], &mt_gen[k]) == 0, "%s", ts_error());
    /* in a child process, so that a crash is this test's failure */
    fflush(NULL);
    pid_t pid = t_failed_now ? -1 : fork();
    if (pid == 0) {
        ts_set_threads(1);
        pthread_t t[MT_THREADS];
        int made = 0, bad = 0;
        for (long i = 0; i < MT_THREADS; i++) made += pthread_create(&t[i], NULL, mt_worker, (void *)i) == 0;
        for (int i = 0; i < made; i++) {
            void *r = NULL;
            pthread_join(t[i], &r);
            bad |= r != NULL;
        }
        _exit(made == MT_THREADS && !bad ? 0 : 1);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d threads: %s %d", MT_THREADS,
              WIFSIGNALED(st) ? "killed by signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    for (int k = 0; k < MT_KINDS; k++) {
        ts_windows_free(&mt_imp[k]);
        ts_windows_free(&mt_gen[k]);
    }
    ts_windows_free(&mt_x);
    free(mt_mask);
}

/* holds on output files (ts_path_lock: a training's model and log) taken and released on
 * several threads at once: none is lost (two threads took one free slot, and one hold's
 * socket stayed bound, refusing the file to every later run) and no descriptor is left */
#define PL_THREADS 4
static char pl_paths[PL_THREADS][600];

static void *pl_worker(void *arg)
{
    long id = (long)arg, bad = 0;
    for (int i = 0; i < 20000 && !bad; i++) {
        ts_path_hold h;
        if (ts_path_lock(pl_paths[id], "training log", &h) != 0) bad = 1;
        ts_path_unlock(&h);
    }
    return (void *)bad;
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

static void path_holds_on_several_threads(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    for (int i = 0; i < PL_THREADS; i++) snprintf(pl_paths[i], sizeof pl_paths[i], "%s/log%d.jsonl", dir, i);
    int fds = open_fds();
    pthread_t t[PL_THREADS];
    int made = 0, bad = 0;
    for (long i = 0; i < PL_THREADS; i++) made += pthread_create(&t[i], NULL, pl_worker, (void *)i) == 0;
    for (int i = 0; i < made; i++) {
        void *r = NULL;
        pthread_join(t[i], &r);
        bad |= r != NULL;
    }
    CHECK_MSG(made == PL_THREADS && !bad, "%s", ts_error());
    CHECK_MSG(open_fds() == fds, "%d descriptors open before, %d after", fds, open_fds());
    /* another process may write each file now */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int held = 0;
        for (int i = 0; i < PL_THREADS; i++) {
            ts_path_hold h;
            if (ts_path_lock(pl_paths[i], "training log", &h) != 0) {
                fprintf(stderr, "  %s\n", ts_error());
                held++;
            }
            ts_path_unlock(&h);
        }
        _exit(held);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d of %d files still held", WEXITSTATUS(st), PL_THREADS);
}

/* ts_train_log_mute mutes the calling thread's records only: a training timed on one
 * thread (--budget mutes its log meanwhile) lost the records of another thread's
 * training into its own log */
static char lm_path[600];
static void *lm_other(void *arg)
{
    return (void *)(long)ts_train_log(lm_path, "\"event\":\"other\"");
}

static void log_mute_is_the_threads(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    snprintf(lm_path, sizeof lm_path, "%s/log.jsonl", dir);
    ts_train_log_mute(1);
    CHECK(ts_train_log(lm_path, "\"event\":\"muted\"") == 0);
    pthread_t t;
    void *r = (void *)1L;
    CHECK(pthread_create(&t, NULL, lm_other, NULL) == 0 && pthread_join(t, &r) == 0 && r == NULL);
    ts_train_log_mute(0);
    CHECK(ts_train_log(lm_path, "\"event\":\"after\"") == 0);
    char buf[512] = "";
    FILE *f = fopen(lm_path, "r");
    if (f) {
        buf[fread(buf, 1, sizeof buf - 1, f)] = 0;
        fclose(f);
    }
    CHECK_MSG(strstr(buf, "\"other\"") && strstr(buf, "\"after\"") && !strstr(buf, "\"muted\""), "the log: %s", buf);
}

TEST_MAIN("library", {
    RUN(impute_eval_default_run_options);
    RUN(null_arguments_are_errors);
    RUN(ngram_index_arguments_checked);
    RUN(vocab_without_names_refused);
    RUN(train_data_checked);
    RUN(split_protocol_arguments_checked);
    RUN(split_load_set_arguments_checked);
    RUN(split_parts_checked);
    RUN(mask_position_checked);
    RUN(impute_fill_the_input_cannot_name);
    RUN(generate_beyond_memory_refused);
    RUN(impute_example_equals_the_command);
    RUN(models_on_several_threads);
    RUN(path_holds_on_several_threads);
    RUN(log_mute_is_the_threads);
})
