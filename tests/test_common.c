/* Core utilities: RNG reproducibility, container round trip and corruption, atomic files. */
#include "check.h"
#include "tracesynth.h"

static void rng_reproducible(void)
{
    ts_rng a, b;
    ts_rng_seed(&a, 42);
    ts_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) CHECK(ts_rng_u64(&a) == ts_rng_u64(&b));
    double s = 0, s2 = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) { double x = ts_rng_normal(&a); s += x; s2 += x * x; }
    CHECK_NEAR(s / n, 0.0, 0.01);
    CHECK_NEAR(s2 / n, 1.0, 0.02);
    for (int i = 0; i < 1000; i++) CHECK(ts_rng_below(&a, 7) < 7);
}

static void container_roundtrip_and_corruption(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/m.tsm", dir);
    ts_writer w;
    ts_writer_init(&w, path);
    float p[5] = {1, 2, 3, 4, 5};
    ts_writer_chunk(&w, "PARAMS", p, sizeof p);
    ts_writer_text(&w, "CONFIG", "layers=4\nchannels=64\n");
    REQUIRE(ts_writer_commit(&w) == 0);

    ts_reader r;
    REQUIRE(ts_reader_open(&r, path) == 0);
    float q[5];
    CHECK(ts_reader_copy(&r, "PARAMS", q, sizeof q) == 0);
    CHECK(memcmp(p, q, sizeof p) == 0);
    char *v = ts_reader_text_value(&r, "CONFIG", "channels");
    CHECK(v && strcmp(v, "64") == 0);
    free(v);
    CHECK(ts_reader_copy(&r, "PARAMS", q, 8) == -1);
    CHECK(strstr(ts_error(), "PARAMS") != NULL);
    CHECK(ts_reader_get(&r, "NOPE") == NULL);
    ts_reader_close(&r);

    /* truncate: every prefix must be rejected cleanly */
    FILE *f = fopen(path, "rb");
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t cut = 0; cut < n; cut += 3) {
        f = fopen(path, "wb");
        fwrite(buf, 1, cut, f);
        fclose(f);
        CHECK(ts_reader_open(&r, path) == -1);
        CHECK(strstr(ts_error(), path) != NULL);
    }
    /* flip one byte */
    buf[20] ^= 0x40;
    f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
    CHECK(ts_reader_open(&r, path) == -1);
    CHECK(strstr(ts_error(), "checksum") != NULL);
}

static void atomic_file_keeps_old_on_abort(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    write_text(path, "old\n");
    ts_outfile o;
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("new\n", o.f);
    ts_out_abort(&o);
    char line[16] = {0};
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    CHECK(fgets(line, sizeof line, f) && strcmp(line, "old\n") == 0);
    fclose(f);
    REQUIRE(ts_out_open(&o, path) == 0);
    fputs("new\n", o.f);
    CHECK(ts_out_commit(&o) == 0);
    f = fopen(path, "r");
    CHECK(fgets(line, sizeof line, f) && strcmp(line, "new\n") == 0);
    fclose(f);
    CHECK(ts_out_open(&o, "/nonexistent-dir/x") == -1);
    CHECK(strstr(ts_error(), "/nonexistent-dir/x") != NULL);
}

TEST_MAIN("common", {
    RUN(rng_reproducible);
    RUN(container_roundtrip_and_corruption);
    RUN(atomic_file_keeps_old_on_abort);
})
