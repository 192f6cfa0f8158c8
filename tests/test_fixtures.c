/* Committed model files (tests/fixtures/models, written by make.sh there) must keep
 * loading and give the imputation they gave when written: a change to a model's file
 * format that breaks old files fails here. Every registered model needs a fixture, the
 * multi-channel ones (mc_model.h) too: they impute the test windows of mcds/ to the
 * dataset expected-NAME/ that impute wrote.
 * 055d836/ holds the files the code of that commit wrote (before the shared trainer and
 * the little-endian chunk helpers): its ngram and sssd-s4 files are byte for byte the
 * current ones, its unigram file the older dense COUNTS form. */
#include "check.h"
#include "tracesynth.h"

#define DIR "tests/fixtures/models/"
enum { K = 6, STEPS = 20, MC_L = 32 };

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
    /* sampling steps for the models that sample (the others refuse them; lstm is greedy) */
    ts_run_opts ro = {.seed = 1, .steps = slack(name) && strcmp(name, "lstm") ? STEPS : 0};
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

static int same_names(const ts_vocab *a, const ts_vocab *b)
{
    if (a->n != b->n || a->unk != b->unk) return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->names[i], b->names[i])) return 0;
    return 1;
}

/* the multi-channel model at path: impute the test windows of mcds/ (the default time
 * split, windows of MC_L, K hidden at the centre of every channel, seed 1) as make.sh's
 * impute did, compare with the dataset expected-NAME/; re-save and compare the bytes */
static void check_mc_file(const char *path, const char *name)
{
    ts_mc_model *m = NULL;
    CHECK_MSG(ts_mc_model_load(path, &m) == 0, "%s: %s", path, ts_error());
    if (!m) return;
    CHECK(!strcmp(m->ops->name, name));
    const unsigned has = 1u << TS_CH_EVENT | 1u << TS_CH_DT | 1u << TS_CH_COMM | 1u << TS_CH_RET | 1u << TS_CH_TID;
    CHECK_MSG(m->has == has, "%s: channels %u, expected %u", path, m->has, has);
    CHECK(m->event_vocab.n == 43 && m->comm_vocab.n == 5 && m->ret_vocab.n == 142 && m->card[TS_CH_TID] == 256);
    ts_mc d = {0}, x = {0}, want = {0}, got = {0};
    char ep[256];
    snprintf(ep, sizeof ep, DIR "expected-%s", name);
    size_t a = 0, b = 0;
    if (ts_mc_load(DIR "mcds", &d) == 0) ts_split_bounds(d.n, ts_split_default_permille, &a, &b);
    const size_t nw = (d.n - b) / MC_L;
    if (!d.n || ts_mc_load(ep, &want) || ts_mc_slice(&d, b, b + nw * MC_L, &x)) {
        CHECK_MSG(0, "%s", ts_error());
        ts_mc_free(&d);
        ts_mc_free(&want);
        ts_mc_model_free(m);
        return;
    }
    CHECK(nw == 6);
    /* the file's names are those its imputation was written with */
    CHECK_MSG(same_names(&m->event_vocab, &want.events.vocab) && same_names(&m->comm_vocab, &want.comm_vocab) &&
                  same_names(&m->ret_vocab, &want.ret_vocab),
              "%s: names other than those of %s", path, ep);
    uint8_t *mask = malloc(x.n);
    ts_mask_fill(mask, nw, MC_L, K, TS_MASK_CENTER, 1);
    const uint8_t *masks[TS_NCH];
    for (int c = 0; c < TS_NCH; c++) masks[c] = mask;
    ts_run_opts ro = {.seed = 1, .steps = STEPS};
    CHECK_MSG(ts_mc_model_impute(m, &x, MC_L, masks, &ro, &got, NULL) == 0, "%s: %s", path, ts_error());
    CHECK(!got.n || got.n == want.n);
    if (got.n && got.n == want.n) {
        /* a real dt drawn may move in its last digits with the BLAS kernels; a binned one
         * is one of the file's training values */
        const double tol = m->dt_mode == TS_DT_REAL ? 1e-3 : 0;
        int observed = 0, hidden = 0;
        for (size_t i = 0; i < x.n; i++) {
            int diff = 0;
            for (int c = 0; c < TS_NCH; c++) {
                if (!(m->has & 1u << c)) continue;
                if (c == TS_CH_DT)
                    diff += mask[i] ? got.dt[i] != x.dt[i] || want.dt[i] != x.dt[i]
                                    : !(fabs((double)got.dt[i] - want.dt[i]) <= tol);
                else
                    diff += mask[i] ? got.ch[c][i] != x.ch[c][i] || want.ch[c][i] != x.ch[c][i]
                                    : got.ch[c][i] != want.ch[c][i];
            }
            if (mask[i]) observed += diff > 0;
            else hidden += diff > 0;
        }
        CHECK_MSG(observed == 0, "%s: %d observed events changed (or not those of %s)", path, observed, ep);
        CHECK_MSG(hidden <= 2, "%s: %d of %zu hidden events differ from %s", path, hidden, nw * K, ep);
    }
    const char *dir = scratch_dir();
    char out[512];
    snprintf(out, sizeof out, "%s/m.tsm", dir);
    CHECK(ts_mc_model_save(m, out) == 0);
    CHECK_MSG(same_file(out, path), "%s saved again differs from %s", path, path);
    remove(out);
    rmdir(dir);
    free(mask);
    ts_mc_free(&d);
    ts_mc_free(&x);
    ts_mc_free(&want);
    ts_mc_free(&got);
    ts_mc_model_free(m);
}

static void every_model_has_a_fixture(void)
{
    for (const ts_model_ops *const *o = ts_model_list(); *o; o++) {
        char p[256];
        snprintf(p, sizeof p, DIR "%s.tsm", (*o)->name);
        CHECK_MSG(access(p, R_OK) == 0, "no fixture %s for model %s (see " DIR "make.sh)", p, (*o)->name);
    }
    for (const ts_mc_model_ops *const *o = ts_mc_model_list(); *o; o++) {
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

/* the multi-channel ones */
static void current_mc_files(void)
{
    for (const ts_mc_model_ops *const *o = ts_mc_model_list(); *o; o++) {
        char p[256];
        snprintf(p, sizeof p, DIR "%s.tsm", (*o)->name);
        if (access(p, R_OK) == 0) check_mc_file(p, (*o)->name);
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

/* a multi-channel fixture with a changed byte, or cut short, is refused in one line
 * naming the file */
static void a_changed_or_cut_mc_file_fails(void)
{
    for (const ts_mc_model_ops *const *o = ts_mc_model_list(); *o; o++) {
        char src[256];
        snprintf(src, sizeof src, DIR "%s.tsm", (*o)->name);
        size_t n = 0;
        unsigned char *b = slurp(src, &n);
        CHECK_MSG(b && n > 100, "%s: cannot read", src);
        if (!b || n <= 100) {
            free(b);
            continue;
        }
        const char *dir = scratch_dir();
        char p[512];
        snprintf(p, sizeof p, "%s/bad-%s.tsm", dir, (*o)->name);
        for (int cut = 0; cut < 2; cut++) {
            b[n / 2] ^= 1;   /* flipped on the first pass, restored on the second */
            FILE *f = fopen(p, "wb");
            fwrite(b, 1, cut ? n / 2 : n, f);
            fclose(f);
            ts_mc_model *m = NULL;
            int rc = ts_mc_model_load(p, &m);
            CHECK_MSG(rc != 0 && strstr(ts_error(), p) && strstr(ts_error(), "truncated or corrupt") &&
                          !strchr(ts_error(), '\n'),
                      "%s %s: %s", src, cut ? "cut short" : "changed", rc ? ts_error() : "loaded");
            CHECK(m == NULL);
            ts_mc_model_free(m);
            CHECK(ts_mc_model_is(p) == -1);
        }
        remove(p);
        rmdir(dir);
        free(b);
    }
}

TEST_MAIN("fixtures", {
    RUN(every_model_has_a_fixture);
    RUN(current_files);
    RUN(current_mc_files);
    RUN(files_of_055d836);
    RUN(a_changed_file_fails);
    RUN(a_changed_or_cut_mc_file_fails);
})
