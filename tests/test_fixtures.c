/* Committed model files (tests/fixtures/models, written by make.sh there) must keep
 * loading and give the imputation they gave when written: a change to a model's file
 * format that breaks old files fails here. Every registered model needs a fixture.
 * 055d836/ holds the files the code of that commit wrote (before the shared trainer and
 * the little-endian chunk helpers): its ngram and sssd-s4 files are byte for byte the
 * current ones, its unigram file the older dense COUNTS form. */
#include "check.h"
#include "tracesynth.h"

#define DIR "tests/fixtures/models/"
enum { K = 6, STEPS = 20 };

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(sz > 0 ? (size_t)sz : 1);
    *n = fread(b, 1, (size_t)sz, f);
    fclose(f);
    return b;
}

static int same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    unsigned char *x = slurp(a, &na), *y = slurp(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* hidden events allowed to differ from the expected file: 0 for the counting models;
 * the neural ones round floats (BLAS kernels differ between CPUs), so one or two near
 * a tie may flip on another machine */
static int slack(const char *name) { return strcmp(name, "ngram") && strcmp(name, "unigram") ? 2 : 0; }

/* load path, impute input.txt, compare with expected-NAME.txt; re-save and compare
 * the bytes with resaved (NULL: skip) */
static void check_file(const char *path, const char *name, const char *resaved)
{
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(path, &m) == 0, "%s: %s", path, ts_error());
    if (!m) return;
    CHECK(!strcmp(m->ops->name, name));
    CHECK(m->n_ids == 53 && m->vocab.n == 53 && !strcmp(m->vocab.names[0], "read"));
    ts_windows x, want, got = {0};
    char ep[256];
    snprintf(ep, sizeof ep, DIR "expected-%s.txt", name);
    if (ts_windows_read(DIR "input.txt", &x) || ts_windows_read(ep, &want)) {
        CHECK_MSG(0, "%s", ts_error());
        ts_model_free(m);
        return;
    }
    uint8_t *mask = malloc(x.n * x.len);
    ts_mask_fill(mask, x.n, x.len, K, TS_MASK_CENTER, 1);
    /* sampling steps for the models that sample (the others refuse them) */
    ts_run_opts ro = {.seed = 1, .steps = slack(name) ? STEPS : 0};
    CHECK_MSG(ts_model_impute(m, &x, mask, &ro, &got) == 0, "%s: %s", path, ts_error());
    CHECK(!got.data || (got.n == want.n && got.len == want.len));
    if (got.data && got.n == want.n && got.len == want.len) {
        int observed = 0, hidden = 0;
        for (size_t i = 0; i < x.n * x.len; i++) {
            if (mask[i]) observed += got.data[i] != x.data[i] || want.data[i] != x.data[i];
            else hidden += got.data[i] != want.data[i];
        }
        CHECK_MSG(observed == 0, "%s: %d observed events changed (or not those of %s)", path, observed, ep);
        CHECK_MSG(hidden <= slack(name), "%s: %d of %zu hidden events differ from %s", path, hidden,
                  x.n * K, ep);
    }
    if (resaved) {
        const char *dir = scratch_dir();
        char out[512];
        snprintf(out, sizeof out, "%s/m.tsm", dir);
        CHECK(ts_model_save(m, out) == 0);
        CHECK_MSG(same_file(out, resaved), "%s saved again differs from %s", path, resaved);
        remove(out);
        rmdir(dir);
    }
    free(mask);
    ts_windows_free(&x);
    ts_windows_free(&want);
    ts_windows_free(&got);
    ts_model_free(m);
}

static void every_model_has_a_fixture(void)
{
    for (const ts_model_ops *const *o = ts_model_list(); *o; o++) {
        char p[256];
        snprintf(p, sizeof p, DIR "%s.tsm", (*o)->name);
        CHECK_MSG(access(p, R_OK) == 0, "no fixture %s for model %s (see " DIR "make.sh)", p, (*o)->name);
    }
}

/* the current files: load, impute as when written, save to the same bytes */
static void current_files(void)
{
    for (const ts_model_ops *const *o = ts_model_list(); *o; o++) {
        char p[256];
        snprintf(p, sizeof p, DIR "%s.tsm", (*o)->name);
        if (access(p, R_OK) == 0) check_file(p, (*o)->name, p);
    }
}

/* the files of commit 055d836 */
static void files_of_055d836(void)
{
    check_file(DIR "055d836/ngram.tsm", "ngram", DIR "055d836/ngram.tsm");
    check_file(DIR "055d836/sssd-s4.tsm", "sssd-s4", DIR "055d836/sssd-s4.tsm");
    /* dense COUNTS then, IDCOUNTS now: the same counts */
    check_file(DIR "055d836/unigram.tsm", "unigram", DIR "unigram.tsm");
    CHECK(!same_file(DIR "055d836/unigram.tsm", DIR "unigram.tsm"));
}

/* a changed byte in a fixture is caught (the file's checksum) */
static void a_changed_file_fails(void)
{
    size_t n = 0;
    unsigned char *b = slurp(DIR "ngram.tsm", &n);
    REQUIRE(b && n > 100);
    const char *dir = scratch_dir();
    char p[512];
    snprintf(p, sizeof p, "%s/bad.tsm", dir);
    b[n - 10] ^= 1;
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
    ts_model *m = NULL;
    CHECK(ts_model_load(p, &m) != 0 && strstr(ts_error(), "checksum"));
    CHECK(m == NULL);
    remove(p);
    rmdir(dir);
    free(b);
}

TEST_MAIN("fixtures", {
    RUN(every_model_has_a_fixture);
    RUN(current_files);
    RUN(files_of_055d836);
    RUN(a_changed_file_fails);
})
