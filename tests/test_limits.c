/* Untrusted inputs cannot exhaust memory or give silent wrong answers: model files
 * whose config asks for more than they hold, huge sparse IDs, leaks on error paths,
 * and models applied to inputs numbered by another vocabulary. */
#include "check.h"
#include "container_edit.h"
#include "mc_trace.h"
#include "tracesynth.h"

#include <signal.h>
#include <sys/resource.h>

static ts_split stream_split(const int32_t *ids, size_t n)
{
    ts_split s;
    memset(&s, 0, sizeof s);
    s.kind = TS_SPLIT_TIME;
    s.train_stream.ids = (int32_t *)ids;
    s.train_stream.n = n;
    return s;
}

static ts_model *train(const char *name, const int32_t *ids, size_t n, int32_t n_ids,
                       const ts_vocab *v, const char *log)
{
    ts_split sp = stream_split(ids, n);
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.vocab = v;
    o.n_ids = n_ids;
    o.blackout = 10;
    o.log_path = log;
    ts_model *m = NULL;
    return ts_model_train(name, &o, &m) == 0 ? m : NULL;
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static const char *sssd_cfg_len(char *buf, size_t n, int layers, int C, int emb_in, int emb_mid,
                                long len)
{
    snprintf(buf, n, "layers=%d\nchannels=%d\nstate=4\nemb_in=%d\nemb_mid=%d\nemb_out=8\n"
             "bidirectional=1\ntrain_ssm=0\nT=10\nbeta0=0.0001\nbetaT=0.02\nscale=raw\nlen=%ld\n",
             layers, C, emb_in, emb_mid, len);
    return buf;
}

static const char *sssd_cfg(char *buf, size_t n, int layers, int C, int emb_in, int emb_mid)
{
    return sssd_cfg_len(buf, n, layers, C, emb_in, emb_mid, 20);
}

/* item: a few hundred bytes must not make the loader size a network from CONFIG alone */
static void sssd_config_checked_before_allocation(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512], cfg[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_model *m = NULL;
    /* 1024 x 4096: terabytes; refused by the parameter cap */
    write_sssd(path, sssd_cfg_len(cfg, sizeof cfg, 1024, 4096, 128, 512, 1), 16);
    CHECK(file_size(path) < 1024);
    CHECK(ts_model_load(path, &m) == -1 && m == NULL);
    CHECK_MSG(strstr(ts_error(), path) && strstr(ts_error(), "PARAMS") && strstr(ts_error(), "limit"),
              "%s", ts_error());
    /* emb 16384 x 16384: 1 GiB of parameters implied, 64 bytes present */
    write_sssd(path, sssd_cfg(cfg, sizeof cfg, 1, 4, 16384, 16384), 16);
    CHECK(ts_model_load(path, &m) == -1 && m == NULL);
    CHECK_MSG(strstr(ts_error(), "section 'PARAMS' has 64 bytes, the configuration implies"),
              "%s", ts_error());
    /* the exact size loads */
    ts_sssd_config c = {1, 4, 4, 8, 8, 8, 1, 0, 1, TS_SSSD_RES_S4, 0, 0, 0};
    ts_sssd_layout lay;
    ts_sssd_layout_of(&c, &lay, NULL);
    write_sssd(path, sssd_cfg(cfg, sizeof cfg, 1, 4, 8, 8), lay.total);
    CHECK_MSG(ts_model_load(path, &m) == 0, "%s", ts_error());
    ts_model_free(m);
    m = NULL;
    write_sssd(path, sssd_cfg(cfg, sizeof cfg, 1, 4, 8, 8), lay.total + 1);
    CHECK(ts_model_load(path, &m) == -1 && strstr(ts_error(), "configuration implies"));
    /* a tiny network with windows of 16M events: sampling one would take gigabytes */
    write_sssd(path, sssd_cfg_len(cfg, sizeof cfg, 1, 4, 8, 8, 1 << 24), lay.total);
    CHECK(ts_model_load(path, &m) == -1);
    CHECK_MSG(strstr(ts_error(), "1 layers x 4 channels x len 16777216 is over the limit"), "%s", ts_error());
    write_sssd(path, sssd_cfg_len(cfg, sizeof cfg, 1, 4, 8, 8, 1 << 22), lay.total);
    CHECK_MSG(ts_model_load(path, &m) == 0, "%s", ts_error());
    ts_model_free(m);
    m = NULL;
}

/* a CONFIG that the network's check refuses (a value out of range, keys that disagree,
 * a noise schedule that is none) is named with the file and the section, in one line */
static void sssd_config_check_names_section(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512], cfg[512], want[600];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    snprintf(want, sizeof want, "%s: section 'CONFIG': ", path);
    const struct { const char *from, *to, *says; } cases[] = {
        {"layers=1\n", "layers=2000\n", "'layers'"},
        {"state=4\n", "state=3\n", "state = 3"},
        {"emb_in=8\n", "emb_in=5\n", "step embedding 5"},
        {"betaT=0.02\n", "betaT=2\n", "beta"},
    };
    ts_sssd_config c = {1, 4, 4, 8, 8, 8, 1, 0, 1, TS_SSSD_RES_S4, 0, 0, 0};
    ts_sssd_layout lay;   /* the parameters the unedited config implies */
    ts_sssd_layout_of(&c, &lay, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sssd_cfg(cfg, sizeof cfg, 1, 4, 8, 8);
        char *at = strstr(cfg, cases[i].from);
        REQUIRE(at);
        char edited[600];
        snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - cfg), cfg, cases[i].to, at + strlen(cases[i].from));
        REQUIRE(write_sssd(path, edited, lay.total) == 0);
        ts_model *m = NULL;
        const int rc = ts_model_load(path, &m);
        CHECK_MSG(rc == -1 && m == NULL && strstr(ts_error(), want) == ts_error() && strstr(ts_error(), cases[i].says) &&
                      !strchr(ts_error(), '\n'), "case %zu: %s", i, ts_error());
    }
}

/* the container helper every loader uses */
static void container_expect_size(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/c.tsm", dir);
    float x[4] = {1, 2, 3, 4};
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_chunk(&w, "PARAMS", x, sizeof x);
    REQUIRE(ts_writer_commit(&w) == 0);
    ts_reader r;
    REQUIRE(ts_reader_open(&r, path) == 0);
    CHECK(ts_reader_expect_size(&r, "PARAMS", 4, sizeof(float)) == 0);
    CHECK(ts_reader_expect_size(&r, "PARAMS", 5, sizeof(float)) == -1 &&
          strstr(ts_error(), "has 16 bytes, the configuration implies 20"));
    CHECK(ts_reader_expect_size(&r, "PARAMS", UINT64_MAX / 2, 4) == -1 && strstr(ts_error(), "limit"));
    CHECK(ts_reader_expect_size(&r, "PARAMS", TS_MAX_PARAM_BYTES / 4 + 1, 4) == -1 &&
          strstr(ts_error(), "limit"));
    CHECK(ts_reader_expect_size(&r, "ADAM_M", 4, 4) == -1 && strstr(ts_error(), "no 'ADAM_M'"));
    ts_reader_close(&r);
}

/* memory follows the distinct events, never the largest ID: 60 events, one of them
 * 2,000,000,000; train, save, load, impute and generate stay small */
static void huge_sparse_ids(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    int32_t s[60];
    for (int i = 0; i < 60; i++) s[i] = i % 6;
    s[30] = 2000000000;
    const int32_t n_ids = 2000000001;
    const char *models[] = {"unigram", "ngram"};
    for (int mi = 0; mi < 2; mi++) {
        ts_model *m = train(models[mi], s, 60, n_ids, NULL, NULL);
        REQUIRE(m);
        char path[512];
        snprintf(path, sizeof path, "%s/%s.tsm", dir, models[mi]);
        REQUIRE(ts_model_save(m, path) == 0);
        CHECK_MSG(file_size(path) < 4096, "%s: %ld bytes", models[mi], file_size(path));
        ts_model *m2 = NULL;
        REQUIRE(ts_model_load(path, &m2) == 0);
        CHECK(m2->n_ids == n_ids);
        int32_t x[12] = {0, 1, 2, 3, 4, 5, 0, 1, 2000000000, 3, 4, 5};
        uint8_t mask[12] = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
        ts_windows in = {x, 1, 12}, y;
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        REQUIRE(ts_model_impute(m2, &in, mask, &ro, &y) == 0);
        CHECK(y.data[8] == 2000000000);
        ts_windows_free(&y);
        ro.seed = 3;
        REQUIRE(ts_model_generate(m2, 20, 30, &ro, &y) == 0);
        int big = 0;   /* the rare ID is drawn sometimes (1 in 60 for unigram) */
        for (size_t i = 0; i < 600; i++) {
            CHECK((y.data[i] >= 0 && y.data[i] < 6) || y.data[i] == 2000000000);
            big += y.data[i] == 2000000000;
        }
        CHECK(big > 0);
        ts_windows_free(&y);
        ts_model_free(m);
        ts_model_free(m2);
    }
}

/* model files whose NIDS disagrees with their sections are refused before allocating */
static void nids_checked_against_sections(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/u.tsm", dir);
    uint32_t vocab0[2] = {0, 0xffffffffu}, nids = 2000000000u;
    int64_t counts[3] = {4, 0, 2};
    ts_writer w;
    ts_model *m = NULL;
    /* the older dense unigram layout: COUNTS must be NIDS x 8 bytes */
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "unigram");
    ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
    ts_writer_chunk(&w, "NIDS", &nids, 4);
    ts_writer_chunk(&w, "COUNTS", counts, sizeof counts);
    REQUIRE(ts_writer_commit(&w) == 0);
    CHECK(ts_model_load(path, &m) == -1 && m == NULL);
    CHECK_MSG(strstr(ts_error(), "'COUNTS' has 24 bytes") && strstr(ts_error(), "limit"), "%s", ts_error());
    nids = 3;   /* the same file with a true NIDS loads: the most frequent event is 0 */
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "unigram");
    ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
    ts_writer_chunk(&w, "NIDS", &nids, 4);
    ts_writer_chunk(&w, "COUNTS", counts, sizeof counts);
    REQUIRE(ts_writer_commit(&w) == 0);
    REQUIRE(ts_model_load(path, &m) == 0);
    int32_t x[3] = {2, 0, 2};
    uint8_t mask[3] = {1, 0, 1};
    ts_windows in = {x, 1, 3}, y;
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    REQUIRE(ts_model_impute(m, &in, mask, &ro, &y) == 0);
    CHECK(y.data[1] == 0);
    ts_windows_free(&y);
    ts_model_free(m);
    m = NULL;
    /* the sparse table: IDs ascending, below NIDS, counts positive */
    unsigned char t[24] = {0};
    t[0] = 5; t[4] = 1;              /* ID 5, count 1 */
    t[12] = 3; t[16] = 1;            /* ID 3 after 5: not ascending */
    nids = 10;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "unigram");
    ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
    ts_writer_chunk(&w, "NIDS", &nids, 4);
    ts_writer_chunk(&w, "IDCOUNTS", t, sizeof t);
    REQUIRE(ts_writer_commit(&w) == 0);
    CHECK(ts_model_load(path, &m) == -1 && strstr(ts_error(), "IDCOUNTS") && strstr(ts_error(), "entry 1"));
    /* named events: NIDS must be the vocabulary's size */
    int32_t s[20];
    for (int i = 0; i < 20; i++) s[i] = i % 3;
    char *names[3] = {"read", "write", "<unk>"};
    int64_t vc[3] = {7, 7, 0};
    ts_vocab v = {3, names, vc, 2};
    ts_model *g = train("ngram", s, 20, 3, &v, NULL);
    REQUIRE(g);
    g->n_ids = 2000000000;
    REQUIRE(ts_model_save(g, path) == 0);
    CHECK(ts_model_load(path, &m) == -1 && strstr(ts_error(), "NIDS"));
    ts_model_free(g);
}

/* the training windows' length: saved, loaded, and a corrupt one refused */
static void window_section(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/w.tsm", dir);
    int32_t s[60];
    for (int i = 0; i < 60; i++) s[i] = i % 3;
    ts_split sp = stream_split(s, 60);
    sp.len = 20;
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.n_ids = 3;
    ts_model *g = NULL, *m = NULL;
    REQUIRE(ts_model_train("ngram", &o, &g) == 0);
    CHECK(g->window == 20);
    REQUIRE(ts_model_save(g, path) == 0);
    REQUIRE(ts_model_load(path, &m) == 0);
    CHECK(m->window == g->window);
    ts_model_free(m);
    m = NULL;
    uint32_t vocab0[2] = {0, 0xffffffffu}, nids = 3, zero = 0;
    int64_t counts[3] = {4, 0, 2};
    ts_writer w;
    ts_writer_init(&w, path);
    ts_writer_text(&w, "MODEL", "unigram");
    ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
    ts_writer_chunk(&w, "NIDS", &nids, 4);
    ts_writer_chunk(&w, "WINDOW", &zero, 4);
    ts_writer_chunk(&w, "COUNTS", counts, sizeof counts);
    REQUIRE(ts_writer_commit(&w) == 0);
    CHECK(ts_model_load(path, &m) == -1 && m == NULL);
    CHECK_MSG(strstr(ts_error(), "w.tsm") && strstr(ts_error(), "'WINDOW' is corrupt"), "%s", ts_error());
    ts_model_free(g);
}

/* the split a model was trained on: parts past 998 thousandths, whose sum wraps to 1000 in
 * an int, are refused as corrupt when the file is read, naming it and the section; so is
 * the 16-byte form (the paper split's) of any kind but 1, which no file holds and which
 * would be saved back as the 12-byte form */
static void split_section(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/sp.tsm", dir);
    uint32_t vocab0[2] = {0, 0xffffffffu}, nids = 3;
    int64_t counts[3] = {4, 0, 2};
    const uint32_t bad[][4] = {{0x7fffffffu, 0x7fffffffu, 1002, 0}, {999, 1, 0, 0}, {1000, 0, 0, 1},
                               {0x80000000u, 0x80000000u, 1000, 0}, {998, 1, 1, 2}, {600, 200, 200, 0}};
    const size_t sizes[] = {12, 12, 16, 12, 16, 16};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        ts_writer w;
        ts_writer_init(&w, path);
        ts_writer_text(&w, "MODEL", "unigram");
        ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
        ts_writer_chunk(&w, "NIDS", &nids, 4);
        ts_writer_chunk(&w, "SPLIT", bad[t], sizes[t]);
        ts_writer_chunk(&w, "COUNTS", counts, sizeof counts);
        REQUIRE(ts_writer_commit(&w) == 0);
        ts_model *m = NULL;
        CHECK_MSG(ts_model_load(path, &m) == -1 && m == NULL, "case %zu", t);
        CHECK_MSG(strstr(ts_error(), "sp.tsm") && strstr(ts_error(), "'SPLIT' is corrupt"), "case %zu: %s", t,
                  ts_error());
        ts_model_free(m);
    }
}

/* the training part's leading events (HELDPRE, beside HELDOUT): read back as written; more
 * prefixes than it may hold, none, a step of 0, a size that is not theirs, or prefixes past
 * the dataset's events refused as corrupt, naming the file and the section */
static void held_out_prefixes_section(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/hp.tsm", dir);
    uint32_t vocab0[2] = {0, 0xffffffffu}, nids = 3, split[3] = {700, 100, 200};
    int64_t counts[3] = {4, 0, 2};
    const uint64_t held[3] = {6000, 4800, 5};
    const uint64_t cases[][5] = {{17, 2, 11, 12, 0}, {17, 300, 11, 12, 0}, {17, 0, 0, 0, 0}, {0, 2, 11, 12, 0},
                                 {17, 3, 11, 12, 0}, {3001, 2, 11, 12, 0}};
    const size_t sizes[] = {32, 32, 16, 32, 32, 32};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        unsigned char b[40];
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < 8; k++) b[8 * i + k] = (unsigned char)(cases[t][i] >> (8 * k));
        unsigned char h[24];
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 8; k++) h[8 * i + k] = (unsigned char)(held[i] >> (8 * k));
        ts_writer w;
        ts_writer_init(&w, path);
        ts_writer_text(&w, "MODEL", "unigram");
        ts_writer_chunk(&w, "VOCAB", vocab0, sizeof vocab0);
        ts_writer_chunk(&w, "NIDS", &nids, 4);
        ts_writer_chunk(&w, "SPLIT", split, sizeof split);
        ts_writer_chunk(&w, "HELDOUT", h, sizeof h);
        ts_writer_chunk(&w, "HELDPRE", b, sizes[t]);
        ts_writer_chunk(&w, "COUNTS", counts, sizeof counts);
        REQUIRE(ts_writer_commit(&w) == 0);
        ts_model *m = NULL;
        if (t == 0) {
            CHECK_MSG(ts_model_load(path, &m) == 0 && m->data_events == 6000 && m->data_prefixes.step == 17 &&
                          m->data_prefixes.n == 2 && m->data_prefixes.hash[0] == 11 && m->data_prefixes.hash[1] == 12,
                      "%s", ts_error());
        } else {
            CHECK_MSG(ts_model_load(path, &m) == -1 && m == NULL, "case %zu", t);
            CHECK_MSG(strstr(ts_error(), "hp.tsm") && strstr(ts_error(), "'HELDPRE' is corrupt"), "case %zu: %s", t,
                      ts_error());
        }
        ts_model_free(m);
    }
}

/* error paths free what they made (LeakSanitizer checks this under make asan) */
static void no_leaks_on_errors(void)
{
    int32_t s[40];
    for (int i = 0; i < 40; i++) s[i] = i % 4;
    const char *models[] = {"ngram", "unigram"};
    for (int mi = 0; mi < 2; mi++) {
        ts_model *m = train(models[mi], s, 40, 4, NULL, "/nonexistent-dir/train.jsonl");
        CHECK(m == NULL);
        CHECK_MSG(strstr(ts_error(), "/nonexistent-dir/train.jsonl"), "%s", ts_error());
    }
    /* every truncation of a model file: an error, nothing leaked */
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    for (int mi = 0; mi < 2; mi++) {
        ts_model *m = train(models[mi], s, 40, 4, NULL, NULL);
        REQUIRE(m);
        REQUIRE(ts_model_save(m, path) == 0);
        ts_model_free(m);
        FILE *f = fopen(path, "rb");
        REQUIRE(f);
        unsigned char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        for (size_t cut = 0; cut + 4 < n; cut += 5) {
            f = fopen(path, "wb");
            fwrite(buf, 1, cut, f);
            fclose(f);
            CHECK(ts_model_load(path, &m) == -1 && m == NULL);
        }
    }
}

/* model files with random bytes changed and the checksum made right again (as a hostile
 * file would): each loads, imputes and generates, or is refused naming the file */
static void model_file_mutations(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { NS = 200, L = 16, NW = 6 };
    int32_t s[NS];
    for (int i = 0; i < NS; i++) s[i] = (i % 7) % 5;
    ts_windows tw = {malloc(NW * L * sizeof(int32_t)), NW, L};
    for (int i = 0; i < NW * L; i++) tw.data[i] = s[(i / L) * 13 + i % L];
    const char *models[] = {"ngram", "unigram", "sssd-s4"};
    const char *kk[] = {"layers", "channels", "state", "iters", "batch", "valid-every", "valid-n", "T"};
    const char *kv[] = {"1", "4", "4", "2", "2", "2", "2", "8"};
    ts_rng r;
    ts_rng_seed(&r, 17);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    for (int mi = 0; mi < 3; mi++) {
        ts_split sp = stream_split(s, NS);
        sp.train = tw;
        sp.valid = tw;
        sp.len = L;
        ts_train_opts o;
        memset(&o, 0, sizeof o);
        o.split = &sp;
        o.n_ids = 5;
        o.blackout = 3;
        o.seed = 1;
        if (mi == 2) o.kv = (ts_kv){8, kk, kv};
        ts_model *m = NULL;
        REQUIRE(ts_model_train(models[mi], &o, &m) == 0);
        REQUIRE(ts_model_save(m, path) == 0);
        ts_model_free(m);
        FILE *f = fopen(path, "rb");
        REQUIRE(f);
        const size_t cap = (size_t)8 << 20;   /* sssd-s4's step MLP alone is 1.3 MB */
        unsigned char *good = malloc(cap), *b = malloc(cap);
        size_t n = fread(good, 1, cap, f);
        fclose(f);
        if (n < 17 || n == cap) { free(good); free(b); }
        REQUIRE(n > 16 && n < cap);
        int loaded = 0, refused = 0;
        for (int it = 0; it < (mi == 2 ? 80 : 400); it++) {   /* sssd-s4 samples: slower */
            memcpy(b, good, n);
            int k = 1 + (int)ts_rng_below(&r, 3);
            for (int j = 0; j < k; j++) {
                /* half of them in the headers, the names and the config, which come first */
                size_t span = ts_rng_below(&r, 2) && n > 2048 ? 2048 - 16 : n - 16;
                size_t at = 12 + ts_rng_below(&r, span);
                if (b[at] >= '0' && b[at] <= '9' && ts_rng_below(&r, 2))
                    b[at] = (unsigned char)('0' + ts_rng_below(&r, 10));   /* a config number */
                else
                    b[at] = (unsigned char)ts_rng_below(&r, 256);
            }
            uint32_t crc = ts_crc32(0, b, n - 4);
            for (int j = 0; j < 4; j++) b[n - 4 + j] = (unsigned char)(crc >> (8 * j));
            f = fopen(path, "wb");
            fwrite(b, 1, n, f);
            fclose(f);
            m = NULL;
            ts_clear_error();
            if (ts_model_load(path, &m) != 0) {
                CHECK_MSG(m == NULL && strstr(ts_error(), path), "%s: %s", models[mi], ts_error());
                refused++;
                continue;
            }
            loaded++;
            size_t len = m->len ? m->len : L;
            if (len <= 64) {
                ts_windows x = {malloc(2 * len * sizeof(int32_t)), 2, len}, y;
                uint8_t mask[128];
                for (size_t i = 0; i < 2 * len; i++) x.data[i] = s[i] % (m->n_ids < 5 ? m->n_ids : 5);
                ts_mask_fill(mask, 2, len, 3, TS_MASK_CENTER, 0);
                ts_run_opts ro;
                memset(&ro, 0, sizeof ro);
                /* the sampling models only: the n-gram and the unigram refuse a step count */
                ro.steps = strcmp(models[mi], "ngram") && strcmp(models[mi], "unigram") ? 2 : 0;
                if (ts_model_impute(m, &x, mask, &ro, &y) == 0) ts_windows_free(&y);
                if (ts_model_generate(m, 2, len, &ro, &y) == 0) ts_windows_free(&y);
                ts_windows_free(&x);
            }
            ts_model_free(m);
        }
        CHECK_MSG(loaded > 0 && refused > 0, "%s: %d loaded, %d refused", models[mi], loaded, refused);
        free(good);
        free(b);
    }
    ts_windows_free(&tw);
}

/* a named dataset: n events of a small repetitive "program" over names */
static const char *const NAMES[6] = {"read", "write", "openat", "close", "mmap", "<unk>"};

/* a model trained on dataset A, applied to dataset B that numbers the same names
 * differently, gives the same reconstruction (in B's numbering) as on A */
static void impute_matches_names(void)
{
    enum { N = 600, V = 6, W = 8, L = 30 };
    /* A: IDs as listed; B: a permutation of them */
    const int32_t perm[V] = {3, 0, 4, 1, 5, 2};   /* A's ID i is B's ID perm[i] */
    char *na[V], *nb[V];
    int64_t ca[V] = {0}, cb[V] = {0};
    for (int i = 0; i < V; i++) { na[i] = (char *)NAMES[i]; nb[perm[i]] = (char *)NAMES[i]; }
    ts_vocab va = {V, na, ca, 5}, vb = {V, nb, cb, perm[5]};
    int32_t sa[N];
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (int i = 0; i < N; i++) sa[i] = (int32_t)((i % 5 + (ts_rng_below(&r, 9) == 0)) % 5);
    ts_model *m = train("ngram", sa, N, V, &va, NULL);
    REQUIRE(m);
    ts_windows xa = {malloc(W * L * sizeof(int32_t)), W, L}, xb = {malloc(W * L * sizeof(int32_t)), W, L};
    for (int i = 0; i < W * L; i++) {
        xa.data[i] = sa[(i / L) * 53 + i % L];   /* window w: stream events [53 w, 53 w + L) */
        xb.data[i] = perm[xa.data[i]];
    }
    uint8_t mask[W * L];
    ts_mask_fill(mask, W, L, 10, TS_MASK_CENTER, 0);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ts_windows ya, yb, yplain;
    size_t unk = 99;
    REQUIRE(ts_model_impute_named(m, &xa, &va, mask, &ro, &ya, &unk) == 0);
    CHECK(unk == 0);
    REQUIRE(ts_model_impute(m, &xa, mask, &ro, &yplain) == 0);
    CHECK(memcmp(ya.data, yplain.data, sizeof(int32_t) * W * L) == 0);
    REQUIRE(ts_model_impute_named(m, &xb, &vb, mask, &ro, &yb, &unk) == 0);
    int same = 1, right = 0;
    for (int i = 0; i < W * L; i++) {
        same &= yb.data[i] == perm[ya.data[i]];
        right += !mask[i] && yb.data[i] == xb.data[i];
    }
    CHECK(same);
    CHECK(right > W * 10 / 2);   /* the fills are good ones, not just consistent */
    ts_windows_free(&yb);
    /* without the names, B's IDs are read as A's: a different (wrong) answer */
    REQUIRE(ts_model_impute(m, &xb, mask, &ro, &yb) == 0);
    int differs = 0;
    for (int i = 0; i < W * L; i++) differs |= yb.data[i] != perm[ya.data[i]];
    CHECK(differs);
    ts_windows_free(&yb);

    /* names the model never saw: read as its <unk>, counted */
    char *nc[V + 1];
    for (int i = 0; i < V; i++) nc[i] = nb[i];
    nc[V] = "ioctl";
    int64_t cc[V + 1] = {0};
    ts_vocab vc = {V + 1, nc, cc, perm[5]};
    xb.data[0] = V;          /* observed: position 0 is outside the centre blackout */
    REQUIRE(ts_model_impute_named(m, &xb, &vc, mask, &ro, &yb, &unk) == 0);
    CHECK(unk == 1 && yb.data[0] == V);
    ts_windows_free(&yb);
    /* ... refused, with the name and the count, when the model has no <unk> */
    ts_vocab va_nounk = {V - 1, na, ca, -1};
    ts_model *m2 = train("ngram", sa, N, V - 1, &va_nounk, NULL);
    REQUIRE(m2);
    xb.data[1] = V;
    CHECK(ts_model_impute_named(m2, &xb, &vc, mask, &ro, &yb, &unk) == -1);
    CHECK_MSG(strstr(ts_error(), "'ioctl' (2)") && strstr(ts_error(), "2 observed events"), "%s", ts_error());
    /* an input ID its vocabulary does not name */
    xb.data[0] = 40;
    CHECK(ts_model_impute_named(m, &xb, &vc, mask, &ro, &yb, &unk) == -1 &&
          strstr(ts_error(), "event ID 40 has no name"));
    /* a fill the input cannot name: its <unk>, or refused when it has none */
    {
        char *mn[4] = {"a", "b", "c", "<unk>"}, *in2[3] = {"b", "a", "<unk>"};
        int64_t z[4] = {0};
        ts_vocab mv = {4, mn, z, 3}, iv = {3, in2, z, 2}, iv_nounk = {2, in2, z, -1};
        int32_t st[30];
        for (int i = 0; i < 30; i++) st[i] = i % 3;            /* a b c a b c ... */
        ts_model *m3 = train("ngram", st, 30, 4, &mv, NULL);
        REQUIRE(m3);
        int32_t x3[6] = {1, 0, 0, 1, 0, 1};                     /* b a [c] b a b, as input IDs */
        uint8_t k3[6] = {1, 1, 0, 1, 1, 1};
        ts_windows w3 = {x3, 1, 6}, y3;
        REQUIRE(ts_model_impute_named(m3, &w3, &iv, k3, &ro, &y3, &unk) == 0);
        CHECK(y3.data[2] == 2 && y3.data[0] == 1 && y3.data[1] == 0);   /* "c" -> input <unk> */
        ts_windows_free(&y3);
        CHECK(ts_model_impute_named(m3, &w3, &iv_nounk, k3, &ro, &y3, &unk) == -1);
        CHECK_MSG(strstr(ts_error(), "'c'") && strstr(ts_error(), "position 2"), "%s", ts_error());
        ts_model_free(m3);
    }
    ts_model_free(m2);
    ts_model_free(m);
    ts_windows_free(&ya);
    ts_windows_free(&yplain);
    ts_windows_free(&xa);
    ts_windows_free(&xb);
}

/* the vocabulary map itself */
static void vocab_map_by_name(void)
{
    char *a[4] = {"read", "write", "<unk>", "ioctl"}, *b[3] = {"<unk>", "write", "read"};
    ts_vocab va = {4, a, NULL, 2}, vb = {3, b, NULL, 0}, vn = {3, b, NULL, -1};
    int32_t map[4];
    CHECK(ts_vocab_map(&va, &vb, map) == 1);
    CHECK(map[0] == 2 && map[1] == 1 && map[2] == 0 && map[3] == 0);
    CHECK(ts_vocab_map(&va, &vn, map) == 1 && map[3] == -1);
}

/* the command line: impute finds the input's names (dataset, beside a window file,
 * --vocab) and gives on a renumbered copy of a dataset what it gives on the original */
static void write_dataset(const char *dir, const int32_t *ids, size_t n, char *const *names, int V)
{
    mkdir(dir, 0755);
    char p[600];
    snprintf(p, sizeof p, "%s/stream.txt", dir);
    FILE *f = fopen(p, "w");
    for (size_t i = 0; f && i < n; i++) fprintf(f, "%s%d", i ? "," : "", ids[i]);
    if (f) { fputc('\n', f); fclose(f); }
    snprintf(p, sizeof p, "%s/vocab.tsv", dir);
    f = fopen(p, "w");
    for (int i = 0; f && i < V; i++) fprintf(f, "%d\t%s\t0\n", i, names[i]);
    if (f) fclose(f);
}

static int read_imputed(const char *dir, ts_windows *w)
{
    char p[600];
    snprintf(p, sizeof p, "%s/imputation0.npy", dir);
    ts_npy a;
    if (ts_npy_read(p, &a) != 0) return -1;
    int rc = ts_npy_to_windows(&a, p, -1, w);
    ts_npy_free(&a);
    return rc;
}

static void cli_impute_by_name(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 3000, V = 6 };
    const int32_t perm[V] = {2, 5, 0, 3, 1, 4};
    char *na[V], *nb[V];
    for (int i = 0; i < V; i++) { na[i] = (char *)NAMES[i]; nb[perm[i]] = (char *)NAMES[i]; }
    static int32_t a[N], b[N];
    ts_rng r;
    ts_rng_seed(&r, 4);
    for (int i = 0; i < N; i++) {
        a[i] = (int32_t)((i % 5 + (ts_rng_below(&r, 7) == 0)) % 5);
        b[i] = perm[a[i]];
    }
    char da[512], db[512], args[2048], err[512];
    snprintf(da, sizeof da, "%s/A", dir);
    snprintf(db, sizeof db, "%s/B", dir);
    write_dataset(da, a, N, na, V);
    write_dataset(db, b, N, nb, V);
    snprintf(args, sizeof args, "train --model ngram %s --split time --length 20 -o %s/a.tsm", da, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    const char *inputs[2] = {da, db};
    ts_windows y[2];
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "impute %s/a.tsm --input %s --length 20 --windows 30 "
                 "--blackout 4 --no-progress -o %s/out%d", dir, inputs[k], dir, k);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
        char o[600];
        snprintf(o, sizeof o, "%s/out%d", dir, k);
        REQUIRE(read_imputed(o, &y[k]) == 0);
    }
    REQUIRE(y[0].n == 30 && y[1].n == 30 && y[0].len == 20);
    int same = 1;
    for (size_t i = 0; i < 600; i++) same &= y[1].data[i] == perm[y[0].data[i]];
    CHECK(same);
    ts_windows_free(&y[0]);
    ts_windows_free(&y[1]);

    /* a window file in B's numbering: vocab.tsv beside it, then --vocab elsewhere */
    char wf[600], names[600], from[600];
    snprintf(wf, sizeof wf, "%s/w.txt", db);
    ts_windows wb = {malloc(600 * sizeof(int32_t)), 30, 20};
    for (size_t i = 0; i < 600; i++) wb.data[i] = b[2000 + (i / 20) * 31 + i % 20];
    REQUIRE(ts_windows_write(wf, &wb) == 0);
    ts_windows yw[2];
    snprintf(from, sizeof from, "%s/vocab.tsv", db);
    snprintf(names, sizeof names, "%s/names.tsv", dir);
    for (int k = 0; k < 2; k++) {
        if (k) REQUIRE(rename(from, names) == 0);
        snprintf(args, sizeof args, "impute %s/a.tsm --input %s --blackout 4 --no-progress -o %s/w%d%s%s",
                 dir, wf, dir, k, k ? " --vocab " : "", k ? names : "");
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
        char o[600];
        snprintf(o, sizeof o, "%s/w%d", dir, k);
        REQUIRE(read_imputed(o, &yw[k]) == 0);
    }
    CHECK(memcmp(yw[0].data, yw[1].data, 600 * sizeof(int32_t)) == 0);
    int good = 0;
    for (size_t i = 0; i < 600; i++) good += yw[0].data[i] == wb.data[i];
    CHECK_MSG(good > 600 - 30 * 4 / 2, "%d of 600 right", good);   /* hidden events mostly right */
    /* no names beside the file: read in the model's numbering, with a note on stderr */
    snprintf(args, sizeof args, "impute %s/a.tsm --input %s --blackout 4 --no-progress", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "no vocab.tsv") && strstr(err, "--vocab"), "%s", err);
    ts_windows_free(&yw[0]);
    ts_windows_free(&yw[1]);
    ts_windows_free(&wb);
}

/* a dataset without vocab.tsv numbers its events by their IDs: one ID of 2e9 must not size
 * mdm's or mdm-mc's embedding and head (hundreds of GB, an abort on the allocation, or an
 * exhausted machine); training refuses it in one line, before allocating, and writes nothing */
static void mdm_train_huge_id(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 400 };
    ts_mc d;
    mc_cycle_trace(N, 0, &d);
    d.ch[TS_CH_EVENT][N / 3] = 2000000000;
    char ds[512], args[2048], err[1024], out[600];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    REQUIRE(ts_mc_save(ds, &d) == 0);
    ts_mc_free(&d);
    const char *models[] = {"mdm", "mdm-mc"};
    for (int k = 0; k < 2; k++) {
        snprintf(out, sizeof out, "%s/%s.tsm", dir, models[k]);
        snprintf(args, sizeof args, "train --model %s %s --length 32 --iters 2 --threads 1 --no-progress -o %s",
                 models[k], ds, out);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "over the 16777216 a model file may hold"),
                  "%s: %s", models[k], err);
        CHECK(!ts_file_exists(out));
    }
    /* a network that would outgrow its checkpoint: refused alike */
    mc_cycle_trace(N, 0, &d);
    d.ch[TS_CH_EVENT][N / 3] = 5000000;
    REQUIRE(ts_mc_save(ds, &d) == 0);
    ts_mc_free(&d);
    snprintf(out, sizeof out, "%s/big.tsm", dir);
    snprintf(args, sizeof args, "train --model mdm %s --length 32 --iters 2 --threads 1 --no-progress --channels 512 "
             "-o %s", ds, out);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "their checkpoint would be over"), "%s", err);
    CHECK(!ts_file_exists(out));
}

/* a --batch whose activations no machine holds (terabytes here) is refused in one line
 * naming --batch, before the allocation would abort (or a smaller excess would meet the
 * OOM killer after zeroing it), and nothing is written */
static void train_batch_past_memory(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 2000 };
    static int32_t ids[N];
    for (int i = 0; i < N; i++) ids[i] = (int32_t)(i * 7 % 5);
    char *names[5] = {"read", "write", "open", "close", "stat"};
    char ds[512], mc[512], args[2048], err[1024], out[600];
    snprintf(ds, sizeof ds, "%s/one", dir);
    write_dataset(ds, ids, N, names, 5);
    ts_mc d;
    mc_cycle_trace(10000, 0, &d);   /* a validation part of 1000 events: the windows fit it */
    snprintf(mc, sizeof mc, "%s/mc", dir);
    REQUIRE(ts_mc_save(mc, &d) == 0);
    ts_mc_free(&d);
    const struct { const char *ds, *opts; } runs[] = {
        {ds, "--model sssd-s4 --preset paper --length 200"},
        {ds, "--model mdm --length 200 --channels 512"},
        {ds, "--model mdm --backbone transformer --length 200 --channels 512"},
        {mc, "--model ddpm-mc --layers 36 --channels 256 --length 1000"},
        {mc, "--model mdm-mc --channels 512 --length 1000 --context 1000"},
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        snprintf(out, sizeof out, "%s/m%zu.tsm", dir, k);
        snprintf(args, sizeof args, "train %s %s --batch 65536 --iters 1 --threads 1 --no-progress -o %s",
                 runs[k].opts, runs[k].ds, out);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "--batch 65536") && strstr(err, "memory"),
                  "%s: %s", runs[k].opts, err);
        CHECK(!ts_file_exists(out));
    }
}

/* --samples N keeps N decodings of every window (sssd-s4: of a batch) to vote on: with more
 * than the process may allocate (here under a 1.5 GB limit of its address space), one line
 * naming --samples, not an abort on the allocation */
static void samples_past_memory(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 3000, W = 2000, L = 200 };
    static int32_t ids[N];
    for (int i = 0; i < N; i++) ids[i] = (int32_t)(i * 7 % 5);
    char *names[5] = {"read", "write", "open", "close", "stat"};
    char ds[512], wf[600], args[2048], err[1024];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    write_dataset(ds, ids, N, names, 5);
    snprintf(wf, sizeof wf, "%s/w.txt", dir);
    FILE *f = fopen(wf, "w");
    REQUIRE(f);
    for (int w = 0; w < W; w++)
        for (int i = 0; i < L; i++) fprintf(f, "%d%c", (w + i * 3) % 5, i + 1 < L ? ',' : '\n');
    REQUIRE(fclose(f) == 0);
    const char *train[] = {"--model sssd-s4 --layers 1 --channels 4 --state 2 --T 5",
                           "--model mdm --layers 1 --channels 4 --state 2 --valid-windows 5 --valid-n 2"};
    const char *run[] = {"--batch 4000", "--temperature 1"};   /* mdm's greedy decoding takes one sample */
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "train %s %s --length %d --windows 5 --iters 1 --threads 1 --no-progress "
                 "-o %s/m%d.tsm", train[k], ds, L, dir, k);
        REQUIRE(run_cli(args, err, sizeof err) == 0);
    }
    struct rlimit old;
    const int limited = address_space_limit(&old, 1500);
    if (limited == 1) SKIP("the address space is limited below 1.5 GB");
    REQUIRE(limited == 0);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "impute %s/m%d.tsm --input %s %s --samples 1000 --blackout 10 --threads 1 "
                 "--no-progress", dir, k, wf, run[k]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "--samples 1000") && strstr(err, "memory"),
                  "%s: %s", train[k], err);
    }
    REQUIRE(address_space_restore(&old) == 0);
}

/* generate -n N --length L within generate's bounds can still ask for more than the process
 * may allocate (here 4e8 events under a 1.5 GB limit of its address space): one line naming
 * -n, for a single- and a multi-channel model, not an abort on the allocation */
static void generate_past_memory(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 600 };
    static int32_t ids[N];
    for (int i = 0; i < N; i++) ids[i] = (int32_t)(i * 7 % 5);
    char *names[5] = {"read", "write", "open", "close", "stat"};
    char ds[512], mc[512], args[2048], err[1024];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    write_dataset(ds, ids, N, names, 5);
    ts_mc d;
    mc_cycle_trace(N, 0, &d);
    snprintf(mc, sizeof mc, "%s/mc", dir);
    REQUIRE(ts_mc_save(mc, &d) == 0);
    ts_mc_free(&d);
    const char *train[][2] = {{"--model ngram --windows 5", ds},
                              {"--model ddpm-mc --layers 1 --channels 4 --state 2 --T 5 --iters 1", mc}};
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "train %s %s --length 8 --threads 1 --no-progress -o %s/m%d.tsm", train[k][0],
                 train[k][1], dir, k);
        REQUIRE(run_cli(args, err, sizeof err) == 0);
    }
    struct rlimit old;
    const int limited = address_space_limit(&old, 1500);
    if (limited == 1) SKIP("the address space is limited below 1.5 GB");
    REQUIRE(limited == 0);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "generate %s/m%d.tsm -n 4000 --length 100000 --threads 1 --no-progress -o %s/g%d",
                 dir, k, dir, k);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "-n 4000") && strstr(err, "memory"), "%s: %s",
                  train[k][0], err);
    }
    REQUIRE(address_space_restore(&old) == 0);
}

/* file path's text into buf (n bytes), cut to fit; empty when it cannot be read */
static void read_text(const char *path, char *buf, size_t n)
{
    size_t len = 0;
    char *all = slurp_file(path, &len);
    snprintf(buf, n, "%.*s", all ? (int)len : 0, all ? all : "");
    free(all);
}

/* the CLI ($TRACESYNTH) run with argv under an address-space limit of mb MiB and
 * OPENBLAS_NUM_THREADS=blas, stdout dropped and stderr into errpath; its exit status, 124
 * when it was still running after a minute (then killed), -1 when it could not start */
static int run_limited(char *const argv[], unsigned mb, const char *blas, const char *errpath)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600), o = open("/dev/null", O_WRONLY);
        if (e < 0 || o < 0 || dup2(e, 2) < 0 || dup2(o, 1) < 0) _exit(126);
        struct rlimit lim;
        if (getrlimit(RLIMIT_AS, &lim) != 0) _exit(126);
        lim.rlim_cur = (rlim_t)mb << 20;
        if (setrlimit(RLIMIT_AS, &lim) != 0 || (blas ? setenv("OPENBLAS_NUM_THREADS", blas, 1)
                                                      : unsetenv("OPENBLAS_NUM_THREADS") | unsetenv("GOTO_NUM_THREADS")))
            _exit(126);
        execv(bin, argv);
        _exit(127);
    }
    int st = 0;
    for (int waited = 0; waited < 60000; waited += 20) {
        const pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        if (w < 0) return -1;
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return 124;
}

/* under an address-space limit (ulimit -v) below OpenBLAS's work buffers (128 MB for each
 * of its threads: a buffer it cannot map it tries again forever), the CLI neither hangs
 * nor starts its output: one line naming the limit and what is needed, exit status 1; a
 * limit high enough runs as before */
static void cli_under_address_space_limit(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    struct rlimit old;
    REQUIRE(getrlimit(RLIMIT_AS, &old) == 0);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < ((rlim_t)600 << 20)) SKIP("the address space is limited below 600 MB");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], out[512], errp[512], args[2048];
    snprintf(ds, sizeof ds, "%s/ids.txt", dir);
    write_text(ds, "0 1 2 1 0 2 1 0 1 2 0 1 2 1 0 2 1 0 1 2 0 1 2 1 0 2 1 0 1 2 0 1 2 1 0 2 1 0 1 2\n");
    snprintf(args, sizeof args, "ingest --from ids %s -o %s/ds", ds, dir);
    REQUIRE(run_cli(args, NULL, 0) == 0);
    snprintf(ds, sizeof ds, "%s/ds", dir);
    snprintf(out, sizeof out, "%s/m.tsm", dir);
    snprintf(errp, sizeof errp, "%s/err.txt", dir);
    char *argv[] = {"tracesynth", "train", "--model", "unigram", ds, "--length", "4", "--threads", "1",
                    "--no-progress", "-o", out, NULL};
    const struct { unsigned mb; const char *blas; } low[] = {{128, "2"}, {128, "1"}, {280, "1"}};
    for (size_t k = 0; k < sizeof low / sizeof *low; k++) {
        const int rc = run_limited(argv, low[k].mb, low[k].blas, errp);
        char err[1024], want[64];
        read_text(errp, err, sizeof err);
        snprintf(want, sizeof want, "(ulimit -v) of %u MB is below", low[k].mb);
        CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: the address-space limit ") == err && strstr(err, want) &&
                      strstr(err, "OpenBLAS's buffers need (about ") && strstr(err, "with 1 thread and OpenBLAS's ") &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "%u MB, OPENBLAS_NUM_THREADS=%s: exit %d: %s", low[k].mb, low[k].blas, rc, err);
        CHECK(!ts_file_exists(out));
    }
    /* enough: runs, and so does a larger --threads under a limit that holds its threads */
    const int rc = run_limited(argv, 600, "1", errp);
    CHECK_MSG(rc == 0 && ts_file_exists(out), "exit %d", rc);
    CHECK(unlink(out) == 0);
    char *argv2[] = {"tracesynth", "train", "--model", "unigram", ds, "--length", "4", "--threads=2",
                     "--no-progress", "-o", out, NULL};
    CHECK(run_limited(argv2, 300, "1", errp) == 1 && !ts_file_exists(out));
    CHECK(run_limited(argv2, 600, "1", errp) == 0 && ts_file_exists(out));
    /* --version and help texts call no product: OpenBLAS's own threads' buffers suffice */
    char *version[] = {"tracesynth", "--version", NULL}, *help[] = {"tracesynth", "train", "--help", NULL};
    CHECK(run_limited(version, 200, "1", errp) == 0);
    CHECK(run_limited(help, 200, "1", errp) == 0);
    CHECK(run_limited(version, 128, "2", errp) == 1);
    char err[1024];
    read_text(errp, err, sizeof err);
    CHECK_MSG(strstr(err, "(ulimit -v) of 128 MB is below") && strstr(err, " MB for OpenBLAS's "), "%s", err);
    /* OPENBLAS_NUM_THREADS unset: the program starts again with OpenBLAS on one thread (it
     * splits products over its own threads), so a limit that one OpenBLAS thread's buffer
     * fits is enough on any number of cores; one set by the user is kept */
    CHECK(unlink(out) == 0);
    const int rc1 = run_limited(argv, 360, NULL, errp);
    read_text(errp, err, sizeof err);
    CHECK_MSG(rc1 == 0 && ts_file_exists(out), "360 MB, OPENBLAS_NUM_THREADS unset: exit %d: %s", rc1, err);
    if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {   /* OpenBLAS starts no more threads than cores */
        const int rc2 = run_limited(argv, 360, "2", errp);
        read_text(errp, err, sizeof err);
        CHECK_MSG(rc2 == 1 && strstr(err, "OpenBLAS's 2 threads"), "360 MB, OPENBLAS_NUM_THREADS=2: exit %d: %s", rc2,
                  err);
    }
}

/* an allocation past the address-space limit ends the process with one line naming the
 * limit and exit status 1, not abort()'s signal and core dump */
static void malloc_past_address_space_limit(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a sanitizer build reserves more address space than the limit");
#endif
    struct rlimit old;
    REQUIRE(getrlimit(RLIMIT_AS, &old) == 0);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < ((rlim_t)1024 << 20)) SKIP("the address space is limited below 1 GB");
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char errp[512];
    snprintf(errp, sizeof errp, "%s/err.txt", dir);
    fflush(NULL);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (e < 0 || dup2(e, 2) < 0) _exit(126);
        struct rlimit lim = old;
        lim.rlim_cur = (rlim_t)1024 << 20;
        if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(126);
        struct rlimit core = {0, 0};
        setrlimit(RLIMIT_CORE, &core);
        void *p = ts_malloc((size_t)2 << 30);
        free(p);
        _exit(9);
    }
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    char err[1024];
    read_text(errp, err, sizeof err);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x: %s", st, err);
    CHECK_MSG(!strcmp(err, "tracesynth: error: out of memory (asked for 2147483648 bytes) under the "
                           "address-space limit (ulimit -v) of 1024 MB\n"), "%s", err);
}

TEST_MAIN("limits", {
    RUN(sssd_config_checked_before_allocation);
    RUN(sssd_config_check_names_section);
    RUN(container_expect_size);
    RUN(huge_sparse_ids);
    RUN(nids_checked_against_sections);
    RUN(window_section);
    RUN(split_section);
    RUN(held_out_prefixes_section);
    RUN(no_leaks_on_errors);
    RUN(model_file_mutations);
    RUN(impute_matches_names);
    RUN(vocab_map_by_name);
    RUN(cli_impute_by_name);
    RUN(mdm_train_huge_id);
    RUN(train_batch_past_memory);
    RUN(samples_past_memory);
    RUN(generate_past_memory);
    RUN(cli_under_address_space_limit);
    RUN(malloc_past_address_space_limit);
})
