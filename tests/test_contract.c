/* The model contract: every registered model, trained small on a periodic stream,
 * must keep observed events, return IDs in range, not look at the hidden events,
 * give the same output for the same seed at 1 and 2 threads, survive a save/load
 * round trip unchanged, impute wherever the mask says (centre, end, random), and
 * generate in range. A model added to the registry without an entry in `tiny`
 * fails here, so every model is held to the contract. */
#include "check.h"
#include "tracesynth.h"

/* small, fast options for each model */
static const struct { const char *name; const char *kv[24]; } tiny[] = {
    {"ngram", {"order", "4", NULL}},
    {"unigram", {NULL}},
    {"sssd-s4", {"layers", "1", "channels", "4", "state", "4", "iters", "3", "batch", "2",
                 "valid-every", "3", "valid-n", "2", "T", "8", NULL}},
    {"diffwave", {"layers", "2", "channels", "4", "iters", "3", "batch", "2", "valid-every", "3",
                  "valid-n", "2", "T", "8", NULL}},
    {"csdi-s4", {"layers", "1", "channels", "4", "state", "4", "iters", "3", "batch", "2", "valid-every", "3",
                 "valid-n", "2", "T", "8", NULL}},
    {"sssd-sa", {"layers", "1", "channels", "4", "state", "4", "iters", "3", "batch", "2",
                 "valid-every", "3", "valid-n", "2", "T", "8", NULL}},
    {"mdm", {"layers", "1", "channels", "8", "state", "4", "context", "16", "iters", "3",
             "batch", "2", "valid-every", "3", "valid-n", "2", "prior-order", "3", NULL}},
    {"lstm", {"layers", "2", "hidden", "6", "context", "12", "iters", "3", "batch", "2", "valid-every", "3",
              "valid-n", "2", NULL}},
};

enum { NS = 600, L = 24, NW = 5, V = 9 };

static const char *const *tiny_opts(const char *name)
{
    for (size_t i = 0; i < sizeof tiny / sizeof *tiny; i++)
        if (!strcmp(tiny[i].name, name)) return tiny[i].kv;
    return NULL;
}

static ts_model *train_tiny(const char *name, const int32_t *s, ts_windows *tw)
{
    const char *const *kv = tiny_opts(name);
    if (!kv) return NULL;
    const char *keys[12], *vals[12];
    int n = 0;
    for (; kv[2 * n]; n++) { keys[n] = kv[2 * n]; vals[n] = kv[2 * n + 1]; }
    ts_split sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = TS_SPLIT_TIME;
    sp.len = L;
    sp.train = *tw;
    sp.valid = *tw;
    sp.train_stream.ids = (int32_t *)s;
    sp.train_stream.n = NS;
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = V;
    o.blackout = 3;
    o.mask_pos = TS_MASK_CENTER;
    o.seed = 5;
    o.kv = (ts_kv){n, keys, vals};
    ts_model *m = NULL;
    if (ts_model_train(name, &o, &m) != 0) {
        fprintf(stderr, "  %s: %s\n", name, ts_error());
        return NULL;
    }
    return m;
}

static int impute(ts_model *m, const ts_windows *x, const uint8_t *mask, int threads, ts_windows *y)
{
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 3;
    ts_set_threads(threads);
    int rc = ts_model_impute(m, x, mask, &ro, y);
    ts_set_threads(0);
    return rc;
}

static void every_model(void)
{
    int32_t s[NS];
    for (size_t i = 0; i < NS; i++) s[i] = (int32_t)((i % 7) + (i % 13 == 0)) % V;
    int32_t tw_data[20 * L];
    for (size_t w = 0; w < 20; w++) memcpy(tw_data + w * L, s + w * 25, L * sizeof *s);
    ts_windows tw = {tw_data, 20, L};
    int32_t xd[NW * L];
    for (size_t w = 0; w < NW; w++) memcpy(xd + w * L, s + 300 + w * 31, L * sizeof *s);
    const ts_windows x = {xd, NW, L};
    const char *dir = scratch_dir();
    REQUIRE(dir);

    for (const ts_model_ops *const *op = ts_model_list(); *op; op++) {
        const char *name = (*op)->name;
        CHECK_MSG(tiny_opts(name) != NULL, "model %s has no tiny configuration in the contract test", name);
        ts_model *m = train_tiny(name, s, &tw);
        CHECK_MSG(m != NULL, "%s: training failed", name);
        if (!m) continue;
        static const ts_mask_pos where[] = {TS_MASK_CENTER, TS_MASK_END, TS_MASK_RANDOM};
        for (size_t p = 0; p < 3; p++) {
            uint8_t mask[NW * L];
            ts_mask_fill(mask, NW, L, 4, where[p], 11);
            ts_windows y1, y2, y3;
            REQUIRE(impute(m, &x, mask, 1, &y1) == 0);
            REQUIRE(impute(m, &x, mask, 2, &y2) == 0);
            CHECK_MSG(y1.n == NW && y1.len == L, "%s: output shape", name);
            CHECK_MSG(!memcmp(y1.data, y2.data, sizeof xd), "%s at %s: 1 and 2 threads differ", name,
                      ts_mask_name(where[p]));
            int kept = 1, inrange = 1;
            for (size_t i = 0; i < NW * L; i++) {
                if (mask[i] && y1.data[i] != xd[i]) kept = 0;
                if (y1.data[i] < 0 || y1.data[i] >= V) inrange = 0;
            }
            CHECK_MSG(kept, "%s at %s: an observed event changed", name, ts_mask_name(where[p]));
            CHECK_MSG(inrange, "%s at %s: an ID outside [0, %d)", name, ts_mask_name(where[p]), V);
            /* what the hidden positions held must not matter */
            int32_t zd[NW * L];
            for (size_t i = 0; i < NW * L; i++) zd[i] = mask[i] ? xd[i] : (int32_t)((xd[i] + 4) % V);
            ts_windows z = {zd, NW, L};
            REQUIRE(impute(m, &z, mask, 1, &y3) == 0);
            CHECK_MSG(!memcmp(y1.data, y3.data, sizeof xd), "%s at %s: the output depends on the hidden events",
                      name, ts_mask_name(where[p]));
            ts_windows_free(&y2);
            ts_windows_free(&y3);
            /* the round trip keeps the model */
            if (p == 0) {
                char path[512];
                snprintf(path, sizeof path, "%s/%s.tsm", dir, name);
                ts_model *m2 = NULL;
                REQUIRE(ts_model_save(m, path) == 0);
                REQUIRE(ts_model_load(path, &m2) == 0);
                CHECK(m2->ops == m->ops && m2->n_ids == m->n_ids && m2->len == m->len);
                REQUIRE(impute(m2, &x, mask, 1, &y2) == 0);
                CHECK_MSG(!memcmp(y1.data, y2.data, sizeof xd), "%s: a loaded model imputes otherwise", name);
                ts_windows_free(&y2);
                ts_model_free(m2);
            }
            ts_windows_free(&y1);
        }
        /* generation: right shape, in range, reproducible */
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.seed = 9;
        ts_windows g1, g2;
        REQUIRE(ts_model_generate(m, 3, L, &ro, &g1) == 0);
        REQUIRE(ts_model_generate(m, 3, L, &ro, &g2) == 0);
        CHECK(g1.n == 3 && g1.len == L);
        CHECK_MSG(!memcmp(g1.data, g2.data, 3 * L * sizeof(int32_t)), "%s: generation not reproducible", name);
        int inrange = 1;
        for (size_t i = 0; i < 3 * L; i++) inrange &= g1.data[i] >= 0 && g1.data[i] < V;
        CHECK_MSG(inrange, "%s: generated an ID outside [0, %d)", name, V);
        ts_windows_free(&g1);
        ts_windows_free(&g2);
        ts_model_free(m);
    }
}

/* a model that learned the stream fills the blackout wherever it is: trained n-gram
 * on a periodic stream is exact at the centre, the end and random places */
static void masks_move_the_blackout(void)
{
    int32_t s[NS];
    for (size_t i = 0; i < NS; i++) s[i] = (int32_t)(i % 7);
    int32_t tw_data[L];
    memcpy(tw_data, s, sizeof tw_data);
    ts_windows tw = {tw_data, 1, L};
    ts_model *m = train_tiny("ngram", s, &tw);
    REQUIRE(m);
    int32_t xd[NW * L];
    for (size_t w = 0; w < NW; w++) memcpy(xd + w * L, s + 100 + w * 3, L * sizeof *s);
    static const ts_mask_pos where[] = {TS_MASK_CENTER, TS_MASK_END, TS_MASK_RANDOM};
    for (size_t p = 0; p < 3; p++) {
        uint8_t mask[NW * L];
        ts_mask_fill(mask, NW, L, 5, where[p], 2);
        int32_t zd[NW * L];
        for (size_t i = 0; i < NW * L; i++) zd[i] = mask[i] ? xd[i] : 8;
        ts_windows z = {zd, NW, L}, y;
        REQUIRE(impute(m, &z, mask, 1, &y) == 0);
        CHECK_MSG(!memcmp(y.data, xd, sizeof xd), "ngram at %s: blackout not filled exactly", ts_mask_name(where[p]));
        ts_windows_free(&y);
    }
    ts_model_free(m);
}

/* the public headers, as a user of the library includes them: each compiles on its own in
 * C and in C++, includes nothing but system headers and other public headers (never one
 * of src/), and gives its functions C linkage in C++ (extern "C"), so that a C++ program
 * links against the library */
static int compiles(const char *cc, const char *flags, const char *rel)
{
    char src[] = "/tmp/ts-header-XXXXXX.c";
    int fd = mkstemps(src, 2);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "#include \"%s\"\n#include \"%s\"\nint main(void) { return 0; }\n", rel, rel);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s -Iinclude -fsyntax-only %s 2>&1", cc, flags, src);
    int rc = system(cmd);
    unlink(src);
    return rc == 0;
}

static void public_headers_stand_alone(void)
{
    DIR *dir = opendir("include/tracesynth");
    if (!dir) SKIP("no include/tracesynth (run from the repository root)");
    int have_cc = system("command -v cc > /dev/null 2>&1") == 0;
    int have_cxx = system("command -v c++ > /dev/null 2>&1") == 0;
    int headers = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l < 3 || strcmp(e->d_name + l - 2, ".h")) continue;
        headers++;
        char path[512], rel[512];
        snprintf(path, sizeof path, "include/tracesynth/%s", e->d_name);
        snprintf(rel, sizeof rel, "tracesynth/%s", e->d_name);
        FILE *f = fopen(path, "r");
        REQUIRE(f);
        char line[1024];
        int extern_c = 0;
        while (fgets(line, sizeof line, f)) {
            if (strstr(line, "extern \"C\" {")) extern_c = 1;
            char inc[256];
            if (sscanf(line, " #include \"%255[^\"]\"", inc) == 1) {
                char sib[600];
                snprintf(sib, sizeof sib, "include/tracesynth/%s", inc);
                struct stat st;
                CHECK_MSG(!strchr(inc, '/') && stat(sib, &st) == 0,
                          "%s includes \"%s\", which is not a public header beside it", path, inc);
            }
        }
        fclose(f);
        CHECK_MSG(extern_c, "%s has no extern \"C\" block for C++", path);
        if (have_cc) CHECK_MSG(compiles("cc", "-x c -std=c11 -Wall -Wextra -Werror -pedantic", rel) == 1,
                               "%s does not compile alone in C", path);
        if (have_cxx) CHECK_MSG(compiles("c++", "-x c++ -Wall -Werror", rel) == 1,
                                "%s does not compile alone in C++", path);
    }
    closedir(dir);
    CHECK(headers > 10);
    if (have_cc) CHECK(compiles("cc", "-x c -std=c11 -Wall -Wextra -Werror -pedantic", "tracesynth.h") == 1);
    if (have_cxx) CHECK(compiles("c++", "-x c++ -Wall -Werror", "tracesynth.h") == 1);
}

/* every symbol the library defines for the linker starts with ts_ or TS_ (a named OpenMP
 * critical section too), so that it never takes a name a program or another library
 * uses; the internals shared between files are ts__ */
static void exported_symbols_prefixed(void)
{
    char exe[4096];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l <= 0) SKIP("no /proc/self/exe");
    exe[l] = 0;
    char *slash = strrchr(exe, '/');   /* BUILD/tests/test_contract -> BUILD/libtracesynth.a */
    if (slash) *slash = 0;
    slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "nm -g --defined-only %s/libtracesynth.a 2>/dev/null", exe);
    if (system("command -v nm > /dev/null 2>&1") != 0) SKIP("no nm");
    FILE *p = popen(cmd, "r");
    REQUIRE(p);
    char line[1024];
    int symbols = 0, bad = 0;
    while (fgets(line, sizeof line, p)) {
        char addr[64], type[8], name[900];
        if (sscanf(line, "%63s %7s %899s", addr, type, name) != 3) continue;
        symbols++;
        const char *n = name;
        if (!strncmp(n, ".gomp_critical_user_", 20)) n += 20;
        else if (!strncmp(n, "__odr_asan_gen_", 15)) n += 15;   /* a sanitizer build's twins */
        else if (!strncmp(n, "__", 2) || n[0] == '.') continue;  /* the compiler's own */
        if (strncmp(n, "ts_", 3) && strncmp(n, "TS_", 3)) {
            CHECK_MSG(0, "libtracesynth.a exports '%s' without the ts_ prefix", name);
            bad++;
        }
    }
    pclose(p);
    CHECK(symbols > 100);
    CHECK(bad == 0);
}

/* the run options may be NULL (model.h): every model then runs with the defaults, as
 * with zeroed options, in imputation, generation and scoring */
static void run_opts_may_be_null(void)
{
    int32_t s[NS];
    for (size_t i = 0; i < NS; i++) s[i] = (int32_t)((i % 7) + (i % 13 == 0)) % V;
    int32_t tw_data[20 * L];
    for (size_t w = 0; w < 20; w++) memcpy(tw_data + w * L, s + w * 25, L * sizeof *s);
    ts_windows tw = {tw_data, 20, L};
    const ts_windows x = {s + 300, 2, L};
    uint8_t mask[2 * L];
    ts_mask_fill(mask, 2, L, 4, TS_MASK_CENTER, 1);
    ts_run_opts zero;
    memset(&zero, 0, sizeof zero);
    for (const ts_model_ops *const *op = ts_model_list(); *op; op++) {
        const char *name = (*op)->name;
        ts_model *m = train_tiny(name, s, &tw);
        CHECK_MSG(m != NULL, "%s: training failed", name);
        if (!m) continue;
        ts_windows a, b;
        CHECK_MSG(ts_model_impute(m, &x, mask, NULL, &a) == 0, "%s: impute without options: %s", name, ts_error());
        REQUIRE(ts_model_impute(m, &x, mask, &zero, &b) == 0);
        CHECK_MSG(a.data && !memcmp(a.data, b.data, 2 * L * sizeof(int32_t)), "%s: impute, NULL options differ",
                  name);
        ts_windows_free(&a);
        ts_windows_free(&b);
        CHECK_MSG(ts_model_generate(m, 2, L, NULL, &a) == 0, "%s: generate without options: %s", name, ts_error());
        REQUIRE(ts_model_generate(m, 2, L, &zero, &b) == 0);
        CHECK_MSG(a.data && !memcmp(a.data, b.data, 2 * L * sizeof(int32_t)), "%s: generate, NULL options differ",
                  name);
        ts_windows_free(&a);
        ts_windows_free(&b);
        /* a mask value other than 0 and 1 is refused, naming where (it read as observed) */
        uint8_t bad[2 * L];
        memcpy(bad, mask, sizeof bad);
        bad[L + 3] = 2;
        CHECK_MSG(ts_model_impute(m, &x, bad, NULL, &a) == -1 && !a.data && strstr(ts_error(), "window 1, position 3") &&
                      strstr(ts_error(), "mask value 2"), "%s: %s", name, ts_error());
        /* n L events that no size_t holds: refused, not a wrapped-around allocation */
        CHECK_MSG(ts_model_generate(m, (size_t)1 << 62, L, NULL, &a) == -1 && !a.data,
                  "%s: generated 2^62 windows", name);
        if ((*op)->bits) {
            double b1 = -1, b2 = -2;
            CHECK_MSG(ts_model_bits(m, &x, NULL, NULL, &b1, NULL) == 0, "%s: bits without options: %s", name,
                      ts_error());
            REQUIRE(ts_model_bits(m, &x, NULL, &zero, &b2, NULL) == 0);
            CHECK(b1 == b2);
        }
        ts_model_free(m);
    }
}

/* an unknown split kind is refused, not taken as the paper split */
static void split_kind_checked(void)
{
    int32_t s[NS];
    for (size_t i = 0; i < NS; i++) s[i] = (int32_t)(i % V);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.stream = (ts_seq){s, NS};
    ts_split sp;
    CHECK(ts_split_make(&d, (ts_split_kind)7, L, 5, 10, &sp) == -1 && strstr(ts_error(), "split kind 7"));
    ts_split_free(&sp);
    CHECK(ts_split_make(&d, TS_SPLIT_TIME, L, 5, 10, &sp) == 0);
    ts_split_free(&sp);
}

/* every free function accepts NULL (and an all-zero struct), as free() does (common.h) */
static void free_functions_accept_null(void)
{
    ts_seq_free(NULL);
    ts_windows_free(NULL);
    ts_vocab_free(NULL);
    ts_dataset_free(NULL);
    ts_split_free(NULL);
    ts_npy_free(NULL);
    ts_ctf_trace_free(NULL);
    ts_mc_raw_free(NULL);
    ts_mc_free(NULL);
    ts_mc_drawer_free(NULL);
    ts_model_free(NULL);
    ts_mc_model_free(NULL);
    ts_kv_part_free(NULL);
    ts_reader_close(NULL);
    ts_writer_free(NULL);
    ts_out_abort(NULL);
    ts_stage_abort(NULL);
    ts_gap_list_free(NULL);
    ts_drop_stats_free(NULL);
    ts_fill_result_free(NULL);
    ts_sc_analysis_free(NULL);
    ts_split_data_free(NULL);
    ts_constraints_free(NULL);
    ts_opt_free(NULL);
    ts_free_aligned(NULL);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    ts_dataset_free(&d);
    ts_dataset_free(&d);   /* twice: the first left it empty */
    ts_split sp;
    memset(&sp, 0, sizeof sp);
    ts_split_free(&sp);
    ts_mc mc;
    memset(&mc, 0, sizeof mc);
    ts_mc_free(&mc);
    CHECK(d.stream.ids == NULL && d.vocab.n == 0);
}

TEST_MAIN("contract", {
    RUN(every_model);
    RUN(masks_move_the_blackout);
    RUN(public_headers_stand_alone);
    RUN(exported_symbols_prefixed);
    RUN(run_opts_may_be_null);
    RUN(free_functions_accept_null);
    RUN(split_kind_checked);
})
