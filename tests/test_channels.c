/* Multi-channel traces: the encoding of PROTOCOLS.md §4, the dataset files and their
 * malformed forms, strace fields (return values, threads, comm), the CTF and ftrace channels. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/channels.h"
#include "tracesynth/repair.h"
#include "data/data_internal.h"
#include "torch_fixture.h"

#include <signal.h>
#include <sys/resource.h>

static char *dup_s(const char *s) { return s ? ts_strdup(s) : NULL; }

/* 6 events: names, times, comm, ret, tid, cpu */
static void small_raw(ts_mc_raw *r)
{
    static const char *names[] = {"read", "write", "read", "openat", "read", "close"};
    static const char *comm[] = {"a", "a", "b", NULL, "a", "zz"};
    static const int64_t t[] = {1000, 1000, 1100, 2100, 2100 + 999, 5000};
    static const int64_t ret[] = {3, 0, 3, -2, 7, 0};
    static const uint8_t has[] = {1, 1, 1, 1, 1, 0};
    static const int64_t tid[] = {100, 100, 357, -1, 100, 612};
    static const int32_t cpu[] = {0, 0, 1, 3, 0, 2};
    memset(r, 0, sizeof *r);
    r->n = 6;
    r->names = ts_malloc(6 * sizeof *r->names);
    r->comm = ts_malloc(6 * sizeof *r->comm);
    r->time_ns = ts_malloc(sizeof t);
    r->ret = ts_malloc(sizeof ret);
    r->has_ret = ts_malloc(sizeof has);
    r->tid = ts_malloc(sizeof tid);
    r->cpu = ts_malloc(sizeof cpu);
    for (int i = 0; i < 6; i++) {
        r->names[i] = dup_s(names[i]);
        r->comm[i] = dup_s(comm[i]);
    }
    memcpy(r->time_ns, t, sizeof t);
    memcpy(r->ret, ret, sizeof ret);
    memcpy(r->has_ret, has, sizeof has);
    memcpy(r->tid, tid, sizeof tid);
    memcpy(r->cpu, cpu, sizeof cpu);
}

static void encoding(void)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 5.0 / 6.0, &m) == 0);   /* ranks from the first 5 events */
    ts_mc_raw_free(&r);
    CHECK(m.n == 6);
    /* events: read 3 times -> 0; openat, write once: by name -> openat 1, write 2; close unseen -> <unk> */
    const int32_t ev[] = {0, 2, 0, 1, 0, 3};
    for (int i = 0; i < 6; i++) CHECK(m.ch[TS_CH_EVENT][i] == ev[i]);
    /* dt = log(1 + ns since the previous event); 0 for the first */
    const double dt[] = {0, 0, 100, 1000, 999, 5000 - 3099};
    for (int i = 0; i < 6; i++) CHECK_NEAR(m.dt[i], log1p(dt[i]), 1e-5);
    /* comm: a (2 in training) -> 2, b -> 3, none -> PAD, zz (after training) -> UNK */
    const int32_t cm[] = {2, 2, 3, 0, 2, 1};
    for (int i = 0; i < 6; i++) CHECK(m.ch[TS_CH_COMM][i] == cm[i]);
    CHECK(m.comm_vocab.n == 4 && !strcmp(m.comm_vocab.names[0], "<pad>") && !strcmp(m.comm_vocab.names[1], "<unk>"));
    CHECK(!strcmp(m.comm_vocab.names[2], "a") && m.comm_vocab.counts[2] == 3);
    /* ret: 3 twice -> 2; -2, 0, 7 once each, ranked by text: "-2" 3, "0" 4, "7" 5; none -> PAD */
    const int32_t rt[] = {2, 4, 2, 3, 5, 0};
    for (int i = 0; i < 6; i++) CHECK_MSG(m.ch[TS_CH_RET][i] == rt[i], "ret %d: %d", i, m.ch[TS_CH_RET][i]);
    /* tid mod 256 (unknown -> 0), cpu as is */
    const int32_t td[] = {100, 100, 101, 0, 100, 100};
    for (int i = 0; i < 6; i++) CHECK(m.ch[TS_CH_TID][i] == td[i]);
    CHECK(m.ch[TS_CH_CPU][3] == 3 && ts_mc_card(&m, TS_CH_CPU) == 4 && ts_mc_card(&m, TS_CH_TID) == 256);
    ts_mc_free(&m);
}

/* a thread whose name is "<unk>" itself reads as unknown: the vocabularies reserve the name
 * for what is outside them (export writes an unknown comm so), and no escape tells a real
 * one apart (the README says so) */
static void comm_named_unk(void)
{
    ts_mc_raw r;
    small_raw(&r);
    free(r.comm[1]);
    r.comm[1] = ts_strdup("<unk>");
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 5.0 / 6.0, &m) == 0);
    ts_mc_raw_free(&r);
    CHECK(m.ch[TS_CH_COMM][1] == TS_CH_UNK);
    for (int32_t k = 2; k < m.comm_vocab.n; k++) CHECK(strcmp(m.comm_vocab.names[k], "<unk>"));
    ts_mc_free(&m);
}

/* the top-1024 cut of return values */
static void ret_top(void)
{
    enum { N = 3000 };
    ts_mc_raw r;
    memset(&r, 0, sizeof r);
    r.n = N;
    r.names = ts_malloc(N * sizeof *r.names);
    r.ret = ts_malloc(N * sizeof *r.ret);
    r.has_ret = ts_malloc(N);
    for (int i = 0; i < N; i++) {
        r.names[i] = ts_strdup("read");
        r.ret[i] = i < 2000 ? i / 2 : 5000 + i;   /* 1000 values twice, then 1000 once */
        r.has_ret[i] = 1;
    }
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    CHECK(m.ret_vocab.n == TS_RET_TOP + 2);
    size_t unk = 0;
    for (int i = 0; i < N; i++) unk += m.ch[TS_CH_RET][i] == TS_CH_UNK;
    CHECK(unk == 1000 - (TS_RET_TOP - 1000));
    for (int i = 0; i < 2000; i++) CHECK(m.ch[TS_CH_RET][i] >= 2 && m.ch[TS_CH_RET][i] < 1002);
    ts_mc_free(&m);
}

static void tiny_mc(ts_mc *m, size_t n, const int32_t *e, const float *d, const int32_t *c)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.stream.n = n;
    m->events.stream.ids = ts_malloc(n * sizeof(int32_t));
    memcpy(m->events.stream.ids, e, n * sizeof(int32_t));
    m->events.vocab.unk = -1;
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->dt = ts_malloc(n * sizeof(float));
    memcpy(m->dt, d, n * sizeof(float));
    m->ch[TS_CH_CPU] = ts_malloc(n * sizeof(int32_t));
    memcpy(m->ch[TS_CH_CPU], c, n * sizeof(int32_t));
}

static void save_load(void)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m, b;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    /* a thread's name may hold a blank (strace -Y): the comm channel's, not an event name */
    free(m.comm_vocab.names[3]);
    m.comm_vocab.names[3] = ts_strdup("b c");
    const char *dir = scratch_dir();
    REQUIRE(dir && ts_mc_save(dir, &m) == 0);
    REQUIRE(ts_mc_load(dir, &b) == 0);
    CHECK(b.n == m.n && b.comm_vocab.n == m.comm_vocab.n && b.ret_vocab.n == m.ret_vocab.n);
    CHECK(b.comm_vocab.n > 3 && !strcmp(b.comm_vocab.names[3], "b c"));
    for (int c = 0; c < TS_NCH; c++) {
        CHECK(ts_mc_has(&b, c) == ts_mc_has(&m, c));
        if (c != TS_CH_DT && m.ch[c]) CHECK(memcmp(b.ch[c], m.ch[c], m.n * sizeof(int32_t)) == 0);
    }
    CHECK(memcmp(b.dt, m.dt, m.n * sizeof(float)) == 0);
    /* a single-channel reader sees the events as before */
    ts_dataset d;
    REQUIRE(ts_dataset_load(dir, &d) == 0);
    CHECK(d.stream.n == 6 && memcmp(d.stream.ids, m.ch[TS_CH_EVENT], 6 * sizeof(int32_t)) == 0);
    ts_dataset_free(&d);
    ts_mc_free(&b);
    /* a trace without CPUs saved over it: no cpu.npy is left behind */
    free(m.ch[TS_CH_CPU]);
    m.ch[TS_CH_CPU] = NULL;
    REQUIRE(ts_mc_save(dir, &m) == 0);
    REQUIRE(ts_mc_load(dir, &b) == 0);
    CHECK(!ts_mc_has(&b, TS_CH_CPU) && ts_mc_has(&b, TS_CH_TID));
    ts_mc_free(&b);
    /* a longer trace whose writing fails half way (a file-size limit): the old dataset
     * stays whole, nothing of the new one is mixed in */
    {
        enum { N = 100000 };
        int32_t *e = ts_calloc(N, sizeof *e), *c = ts_calloc(N, sizeof *c);
        float *dts = ts_calloc(N, sizeof *dts);
        ts_mc big;
        tiny_mc(&big, N, e, dts, c);
        free(e), free(c), free(dts);
        struct rlimit keep, lim;
        REQUIRE(getrlimit(RLIMIT_FSIZE, &keep) == 0);
        lim = keep;
        lim.rlim_cur = 200000;   /* stream.txt (200,000 bytes) fits, dt.npy (400,128) does not */
        void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
        REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
        int rc = ts_mc_save(dir, &big);
        setrlimit(RLIMIT_FSIZE, &keep);
        signal(SIGXFSZ, old);
        CHECK_MSG(rc == -1 && strstr(ts_error(), dir) && strstr(ts_error(), "dt.npy") && !strstr(ts_error(), ".stage."),
                  "%s", ts_error());
        ts_mc_free(&big);
        REQUIRE(ts_mc_load(dir, &b) == 0);
        CHECK(b.n == m.n && !ts_mc_has(&b, TS_CH_CPU) && memcmp(b.ch[TS_CH_EVENT], m.ch[TS_CH_EVENT], m.n * 4) == 0);
        ts_mc_free(&b);
        CHECK(count_dir(dir) == 8);   /* no stage left: stream, vocab, dt, comm (2), ret (2), tid */
    }
    /* windows: their length recorded with them (DIR/length), read back; one sequence saved
     * over them removes it */
    {
        size_t len = 9;
        CHECK(ts_mc_window_length(dir, m.n, &len) == 0 && len == 0);   /* none: one sequence */
        /* length with them; a derived mark only where the caller asks for it (the commands'
         * own sets, which they may replace), one there removed where it does not */
        char dv[600];
        snprintf(dv, sizeof dv, "%s/derived", dir);
        REQUIRE(ts_mc_save_windows(dir, &m, NULL, 3, 0) == 0);
        CHECK(count_dir(dir) == 9 && !ts_file_exists(dv));
        REQUIRE(ts_mc_save_windows(dir, &m, NULL, 3, 1) == 0);
        CHECK(count_dir(dir) == 10 && ts_file_exists(dv));
        REQUIRE(ts_mc_save_windows(dir, &m, NULL, 3, 0) == 0);
        CHECK(count_dir(dir) == 9 && !ts_file_exists(dv));
        /* the record of the events a set was drawn from, read back; cut short (in its hash,
         * its words or its first line: no newline after the text written) it is refused
         * naming the file, not read as another hash or as no record, which would let eval
         * compare a set drawn from its held-out events */
        {
            size_t learned = 0;
            uint64_t h = 0;
            REQUIRE(ts_mc_save_drawn(dir, &m, NULL, 3, 5, 0x6900600222048051ull) == 0);
            CHECK_MSG(ts_mc_drawn_from(dir, &learned, &h) == 1 && learned == 5 && h == 0x6900600222048051ull, "%s",
                      ts_error());
            char whole[256] = "";
            FILE *df = fopen(dv, "r");
            REQUIRE(df);
            const size_t wl = fread(whole, 1, sizeof whole - 1, df);
            fclose(df);
            REQUIRE(wl > 60 && whole[wl - 1] == '\n');
            const char *l2 = strchr(whole, '\n') + 1;
            const size_t cuts[] = {wl - 1, wl - 4, (size_t)(l2 - whole) + 30, (size_t)(l2 - whole) + 7, 10};
            for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
                char cut[256];
                memcpy(cut, whole, cuts[i]);
                cut[cuts[i]] = 0;
                write_text(dv, cut);
                learned = 9, h = 9;
                CHECK_MSG(ts_mc_drawn_from(dir, &learned, &h) == -1 && learned == 0 && h == 0 &&
                              strstr(ts_error(), "/derived: ") && strstr(ts_error(), "cut short") &&
                              !strchr(ts_error(), '\n'),
                          "cut at %zu: %s", cuts[i], ts_error());
            }
            /* its first line alone (a set written before the record) records none */
            char first[256];
            memcpy(first, whole, (size_t)(l2 - whole));
            first[l2 - whole] = 0;
            write_text(dv, first);
            CHECK_MSG(ts_mc_drawn_from(dir, &learned, &h) == 0 && learned == 0, "%s", ts_error());
            /* a line that begins with a NUL byte (a file zeroed by a crash, alone or after the
             * first line) is no record, read as none, nothing before the line looked at */
            for (int after_first = 0; after_first < 2; after_first++) {
                df = fopen(dv, "wb");
                REQUIRE(df);
                if (after_first) fputs(first, df);
                static const char zeros[16] = {0};
                fwrite(zeros, 1, sizeof zeros, df);
                fclose(df);
                learned = 9, h = 9;
                CHECK_MSG(ts_mc_drawn_from(dir, &learned, &h) == 0 && learned == 0 && h == 0, "NUL bytes%s: %s",
                          after_first ? " after the first line" : "", ts_error());
            }
            REQUIRE(ts_mc_save_windows(dir, &m, NULL, 3, 0) == 0);
        }
        CHECK(ts_mc_window_length(dir, m.n, &len) == 0 && len == 3);
        CHECK_MSG(ts_mc_window_length(dir, 7, &len) == -1 && len == 0 &&
                  strstr(ts_error(), "/length: windows of 3 events, but the dataset's 7 events are not whole windows"),
                  "%s", ts_error());
        CHECK(ts_mc_save_windows(dir, &m, NULL, 4, 0) == -1 && strstr(ts_error(), "6 events are not windows of 4"));
        CHECK(ts_mc_window_length(dir, m.n, &len) == 0 && len == 3);   /* the set refused left as it was */
        /* a length written on Windows (CRLF) is read as the other text files are */
        char lp[600];
        snprintf(lp, sizeof lp, "%s/length", dir);
        write_text(lp, "3\r\n");
        len = 9;
        CHECK_MSG(ts_mc_window_length(dir, m.n, &len) == 0 && len == 3, "%s", ts_error());
        /* the number without its newline is a file cut short ("30\n" after 1 byte reads as
         * windows of 3): refused naming the file, not read as another length */
        write_text(lp, "3");
        len = 9;
        CHECK_MSG(ts_mc_window_length(dir, m.n, &len) == -1 && len == 0 && strstr(ts_error(), "/length: ") &&
                  strstr(ts_error(), "newline") && !strchr(ts_error(), '\n'), "%s", ts_error());
        /* one written by hand (printf 3 > length) is told how to be read: the error says
         * what to write where the number is whole */
        CHECK_MSG(strstr(ts_error(), "where 3 is the whole length, end the file with a newline"), "%s", ts_error());
        write_text(lp, "3\r");
        CHECK_MSG(ts_mc_window_length(dir, m.n, &len) == -1 && len == 0 && strstr(ts_error(), "/length: "),
                  "%s", ts_error());
        write_text(lp, "");
        CHECK_MSG(ts_mc_window_length(dir, m.n, &len) == -1 && len == 0 && strstr(ts_error(), "/length: "),
                  "%s", ts_error());
        /* a FIFO there (or a device, a directory) is refused in one line naming it, not waited
         * on for a writer (alarm: not waited for) */
        unlink(lp);
        REQUIRE(mkfifo(lp, 0600) == 0);
        alarm(20);
        CHECK_MSG(ts_mc_window_length(dir, m.n, &len) == -1 && len == 0 &&
                  strstr(ts_error(), "/length: not a regular file") && !strchr(ts_error(), '\n'), "%s", ts_error());
        alarm(0);
        unlink(lp);
        write_text(lp, "3\n");
        REQUIRE(ts_mc_save(dir, &m) == 0);
        CHECK(ts_mc_window_length(dir, m.n, &len) == 0 && len == 0 && count_dir(dir) == 8);
        /* an architecture is written only as the readers take it (ts_arch_parse, as
         * ts_dataset_arch reads it): another word is refused naming the file, the set left
         * as it was; an alias is written in its own name */
        ts_arch a;
        CHECK_MSG(ts_mc_save_arch(dir, &m, "mips") == -1 && strstr(ts_error(), "ts_mc_save_arch: ") &&
                  strstr(ts_error(), "/arch: architecture 'mips': expected x86_64") && !strchr(ts_error(), '\n'),
                  "%s", ts_error());
        CHECK_MSG(ts_mc_save_windows(dir, &m, "x86_64 i386", 3, 0) == -1 && strstr(ts_error(), "ts_mc_save_windows: ") &&
                  strstr(ts_error(), "/arch: architecture 'x86_64 i386'"), "%s", ts_error());
        CHECK(ts_mc_window_length(dir, m.n, &len) == 0 && len == 0 && count_dir(dir) == 8);
        CHECK(ts_dataset_arch(dir, &a) == 0 && a == TS_ARCH_UNKNOWN);
        REQUIRE(ts_mc_save_windows(dir, &m, "amd64", 3, 1) == 0);
        CHECK_MSG(ts_dataset_arch(dir, &a) == 0 && a == TS_ARCH_X86_64, "%s", ts_error());
        char ap[600], word[32] = "";
        snprintf(ap, sizeof ap, "%s/arch", dir);
        FILE *af = fopen(ap, "r");
        CHECK(af && fscanf(af, "%31s", word) == 1 && !strcmp(word, "x86_64"));
        if (af) fclose(af);
        REQUIRE(ts_mc_save_arch(dir, &m, NULL) == 0);   /* none: removed, and the length and the mark */
        CHECK(count_dir(dir) == 8);
        CHECK(ts_mc_save_windows(NULL, &m, NULL, 3, 0) == -1 && !strcmp(ts_error(), "ts_mc_save_windows: dir is NULL"));
        CHECK(ts_mc_save_windows(dir, NULL, NULL, 3, 0) == -1 && !strcmp(ts_error(), "ts_mc_save_windows: m is NULL"));
        len = 9;
        CHECK(ts_mc_window_length(NULL, 6, &len) == -1 && len == 0 &&
              !strcmp(ts_error(), "ts_mc_window_length: dir is NULL"));
        CHECK(ts_mc_window_length(dir, 6, NULL) == -1 && !strcmp(ts_error(), "ts_mc_window_length: len is NULL"));
    }
    ts_mc_free(&m);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* writes the small dataset to a fresh directory, then replaces channel file `file`
 * with an int32 (or float32) array of n values; returns the load error or "" */
static const char *load_with(const char *file, int is_float, const void *vals, size_t n, char *err, size_t en)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m;
    ts_mc_encode(&r, 1.0, &m);
    ts_mc_raw_free(&r);
    const char *dir = scratch_dir();
    ts_mc_save(dir, &m);
    ts_mc_free(&m);
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    ts_npy_write(p, is_float ? TS_NPY_F32 : TS_NPY_I32, vals, 1, &n);
    ts_mc b;
    err[0] = 0;
    if (ts_mc_load(dir, &b) == 0) ts_mc_free(&b);
    else snprintf(err, en, "%s", ts_error());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) err[0] = '?';
    return err;
}

static void malformed_channels(void)
{
    char e[512];
    const int32_t five[5] = {0, 0, 0, 0, 0};
    CHECK_MSG(strstr(load_with("cpu.npy", 0, five, 5, e, sizeof e), "cpu.npy: 5 values, but stream.txt has 6 events"), "%s", e);
    /* one of each: "1 value", not "1 values" */
    CHECK_MSG(strstr(load_with("cpu.npy", 0, five, 1, e, sizeof e), "cpu.npy: 1 value, but stream.txt has 6 events"), "%s", e);
    const int32_t comm[6] = {2, 2, 3, 0, 9, 1};
    CHECK_MSG(strstr(load_with("comm.npy", 0, comm, 6, e, sizeof e), "comm.npy: event 4: value 9 outside the vocabulary [0, 5)"), "%s", e);
    const int32_t tid[6] = {0, 1, 2, 256, 0, 0};
    CHECK_MSG(strstr(load_with("tid.npy", 0, tid, 6, e, sizeof e), "event 3: value 256 outside"), "%s", e);
    const int32_t cpu[6] = {0, -1, 0, 0, 0, 0};
    CHECK_MSG(strstr(load_with("cpu.npy", 0, cpu, 6, e, sizeof e), "event 1: value -1 outside CPU numbers"), "%s", e);
    const float dt[6] = {0, 1, -1, 0, 0, 0};
    CHECK_MSG(strstr(load_with("dt.npy", 1, dt, 6, e, sizeof e), "dt.npy: event 2: -1 is not a log(1 + ns) time"), "%s", e);
    const float huge[6] = {0, 1, 1e20f, 0, 0, 0};   /* past any trace's clock (and int bins) */
    CHECK_MSG(strstr(load_with("dt.npy", 1, huge, 6, e, sizeof e), "dt.npy: event 2: 1e+20 is not a log(1 + ns) time"), "%s", e);
    CHECK_MSG(strstr(load_with("ret.npy", 1, dt, 6, e, sizeof e), "float values; channel 'ret' holds integer IDs"), "%s", e);
    CHECK_MSG(strstr(load_with("dt.npy", 0, five, 5, e, sizeof e), "dt.npy: 5 values"), "%s", e);
    const int32_t ok[6] = {0, 1, 2, 3, 4, 5};
    CHECK_MSG(load_with("tid.npy", 0, ok, 6, e, sizeof e)[0] == 0, "%s", e);
    /* what each event is (exit.npy): 0, 1 or 2, in int64 too (numpy's default), as the
     * channels' files take it */
    const int32_t kinds[6] = {0, 1, 0, 1, 2, 3};
    CHECK_MSG(strstr(load_with("exit.npy", 0, kinds, 6, e, sizeof e), "exit.npy: element 5: 3, not 0, 1"), "%s", e);
    {
        ts_mc_raw r;
        small_raw(&r);
        ts_mc m;
        REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
        ts_mc_raw_free(&r);
        const char *dir = scratch_dir();
        REQUIRE(dir && ts_mc_save(dir, &m) == 0);
        ts_mc_free(&m);
        char p[512];
        const int64_t k64[6] = {0, 1, 0, 1, 2, 0};
        size_t n = 6, col[2] = {6, 1};
        snprintf(p, sizeof p, "%s/exit.npy", dir);
        for (int shape = 0; shape < 2; shape++) {
            REQUIRE(ts_npy_write(p, TS_NPY_I64, k64, shape ? 2 : 1, shape ? col : &n) == 0);
            ts_mc b;
            int rc = ts_mc_load(dir, &b);
            CHECK_MSG(rc == 0 && b.events.exit && b.events.exit[1] == TS_EVENT_EXIT && b.events.exit[4] == TS_EVENT_OTHER,
                      "shape %d: %s", shape, rc ? ts_error() : "not read");
            if (rc == 0) ts_mc_free(&b);
        }
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        CHECK(system(cmd) == 0);
    }
}

static void malformed_vocab(void)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    const char *dir = scratch_dir();
    REQUIRE(ts_mc_save(dir, &m) == 0);
    ts_mc_free(&m);
    char p[512], cmd[600];
    snprintf(p, sizeof p, "%s/ret.vocab.tsv", dir);
    remove(p);
    ts_mc b;
    CHECK(ts_mc_load(dir, &b) != 0 && strstr(ts_error(), "no ") && strstr(ts_error(), "ret.vocab.tsv"));
    write_text(p, "0\t<pad>\t0\n");
    CHECK(ts_mc_load(dir, &b) != 0 && strstr(ts_error(), "ret.npy: event 0: value 2 outside the vocabulary [0, 1)"));
    /* IDs 0 and 1 are none and unknown (export writes 1 as <unk>, '?'): a vocabulary whose
     * first two names are others is refused, naming the file and the ID */
    static const char *const bad[][2] = {{"<pad>", "foo"}, {"<unk>", "<pad>"}, {"x", "<unk>"}};
    for (int i = 0; i < 3; i++) {
        char text[256];
        snprintf(text, sizeof text, "0\t%s\t0\n1\t%s\t0\n2\t3\t2\n3\t0\t1\n4\t-2\t1\n5\t7\t1\n", bad[i][0], bad[i][1]);
        write_text(p, text);
        char want[64];
        const int id = strcmp(bad[i][0], "<pad>") ? 0 : 1;   /* the first one wrong */
        snprintf(want, sizeof want, "ret.vocab.tsv: ID %d is '%s', not the reserved '%s'", id, bad[i][id],
                 id ? "<unk>" : "<pad>");
        CHECK_MSG(ts_mc_load(dir, &b) != 0 && strstr(ts_error(), want), "%d: %s", i, ts_error());
    }
    write_text(p, "0\t<pad>\t0\n1\t<unk>\t0\n2\t3\t2\n3\t0\t1\n4\t-2\t1\n5\t7\t1\n");
    CHECK_MSG(ts_mc_load(dir, &b) == 0, "%s", ts_error());
    ts_mc_free(&b);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* a new scratch folder (returned; NULL on failure) and the path of the file name in it,
 * into p (cap bytes) */
static const char *scratch_file(const char *name, char *p, size_t cap)
{
    const char *dir = scratch_dir();
    if (dir) snprintf(p, cap, "%s/%s", dir, name);
    return dir;
}

/* the strace log p read into r, in *took seconds of CPU (a busy machine stretches the wall
 * clock, not the work); 0 / -1 */
static int timed_strace(const char *p, ts_mc_raw *r, double *took)
{
    const double t0 = cpu_s();
    const int rc = ts_mc_from_strace(p, r);
    *took = cpu_s() - t0;
    CHECK_MSG(rc == 0, "%s", ts_error());
    return rc;
}

/* text, written to path, read into *r; not 0 when refused (the failure names the text) */
static int raw_of(const char *path, const char *text, ts_mc_raw *r)
{
    write_text(path, text);
    int rc = ts_mc_from_strace(path, r);
    CHECK_MSG(rc == 0, "\"%s\" refused: %s", text, ts_error());
    return rc;
}

/* text, written to path, is refused with an error holding where */
static void raw_refuses(const char *path, const char *text, const char *where)
{
    ts_mc_raw r;
    write_text(path, text);
    int rc = ts_mc_from_strace(path, &r);
    CHECK_MSG(rc != 0 && strstr(ts_error(), where), "\"%s\" not refused at %s: %s", text, where,
              rc ? ts_error() : "read");
    if (rc == 0) ts_mc_raw_free(&r);
}

/* a clone, fork or vfork whose value is the caller's own pid (a damaged or hand-written
 * log): the child's name was set from the caller's after freeing it, the same string (a
 * use after free: the comm channel held garbage, ASan aborted) */
static void strace_clone_returns_own_pid(void)
{
    char p[512];
    REQUIRE(scratch_file("self.strace", p, sizeof p));
    write_text(p, "5 1700000000.1 execve(\"/bin/gzip\", [\"gzip\"], 0x0 /* 0 vars */) = 0\n"
                  "5 1700000000.2 clone(child_stack=NULL, flags=SIGCHLD) = 5\n"
                  "5 1700000000.3 vfork() = 5\n"
                  "5 1700000000.4 read(0, \"\", 1) = 0\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 4);
    for (size_t i = 0; i < r.n; i++) CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], "gzip"), "event %zu", i);
    ts_mc_raw_free(&r);
}

/* strace -ttt's clock is the wall clock, which may step back between two calls: the
 * readers' times never go back (a call's time before the one before it becomes that one,
 * the calls in the log's order), so that the dt the encoding takes from them and the times
 * ingest keeps in time_ns.npy place each call alike, one log or several */
static void strace_clock_steps_back(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/back.strace", dir);
    snprintf(q, sizeof q, "%s/back2.strace", dir);
    write_text(p, "7 1700000000.000300 read(3, \"\", 1) = 0\n"
                  "7 1700000000.000100 read(3, \"\", 1) = 0\n"
                  "7 1700000000.000400 close(3) = 0\n");
    write_text(q, "8 1700000000.000350 getpid() = 8\n");
    static const int64_t want1[] = {1700000000000300000, 1700000000000300000, 1700000000000400000};
    static const int64_t want2[] = {1700000000000300000, 1700000000000300000, 1700000000000350000,
                                    1700000000000400000};
    for (int logs = 1; logs <= 2; logs++) {
        const char *paths[2] = {p, q};
        const int64_t *want = logs == 1 ? want1 : want2;
        ts_mc_raw r;
        REQUIRE(ts_mc_from_strace_many(paths, logs, &r, NULL) == 0);
        REQUIRE(r.n == (size_t)(2 + logs) && r.time_ns);
        for (size_t i = 0; i < r.n; i++)
            CHECK_MSG(r.time_ns[i] == want[i], "%d log(s), call %zu: %lld, not %lld", logs, i,
                      (long long)r.time_ns[i], (long long)want[i]);
        ts_mc m;
        REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
        double sum = 0;   /* the dts summed: the last call's time from the first */
        for (size_t i = 1; i < m.n; i++) sum += expm1((double)m.dt[i]);
        CHECK_MSG(fabs(sum - (double)(want[r.n - 1] - want[0])) < 1, "%d log(s): the dts sum to %.1f ns", logs, sum);
        ts_mc_free(&m);
        ts_mc_raw_free(&r);
        char **names;
        int64_t *ns;
        size_t n;
        REQUIRE(ts_strace_read_times(paths, logs, &names, &ns, &n, NULL) == 0);
        REQUIRE(n == (size_t)(2 + logs) && ns);
        for (size_t i = 0; i < n; i++) {
            CHECK_MSG(ns[i] == want[i], "ts_strace_read_times, %d log(s), call %zu: %lld", logs, i, (long long)ns[i]);
            free(names[i]);
        }
        free(names);
        free(ns);
    }
}

/* a log of a build: an execve for each of many thousand processes, each named. Finding a
 * pid's name took a pass over every pid named before: 200,000 processes took 15 s, a
 * million minutes */
static void strace_many_processes_named(void)
{
    char p[512];
    REQUIRE(scratch_file("build.strace", p, sizeof p));
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    const int np = 200000;
    fprintf(f, "1 1700000000.000000 execve(\"/usr/bin/make\", [\"make\"], 0x0 /* 0 vars */) = 0\n");
    for (int i = 0; i < np; i++)
        fprintf(f, "%d 1700000000.%06d execve(\"/usr/bin/cc%d\", [\"cc\"], 0x0 /* 0 vars */) = 0\n", 2 + i,
                i % 1000000, i);
    fprintf(f, "1 1700000001.000000 clone(child_stack=NULL, flags=SIGCHLD) = 3\n"
               "3 1700000001.000001 read(0, \"\", 1) = 0\n");
    fclose(f);
    ts_mc_raw r;
    double took;
    REQUIRE(timed_strace(p, &r, &took) == 0);
    CHECK(r.n == (size_t)np + 3);
    CHECK(r.n == (size_t)np + 3 && r.comm[np] && !strcmp(r.comm[np], "cc199999"));
    CHECK(r.n == (size_t)np + 3 && r.comm[np + 2] && !strcmp(r.comm[np + 2], "make"));   /* the clone's child */
    CHECK_MSG(took < 5, "%.1f s of CPU for %d processes", took, np);
    ts_mc_raw_free(&r);
    remove(p);
}

/* a log written to a terminal (-f without -o) begins with the first task's calls, without
 * its pid, and goes on with many thousand tasks': telling which tasks are traced took a
 * pass over every task seen for each call (200,000 tasks: 7 s) */
static void strace_many_tasks_without_pid(void)
{
    char p[512];
    REQUIRE(scratch_file("term.strace", p, sizeof p));
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    const int np = 200000;
    fprintf(f, "1700000000.000000 clone(child_stack=NULL, flags=SIGCHLD) = 2\n");
    for (int i = 0; i < np; i++) fprintf(f, "[pid %d] 1700000000.%06d read(0, \"\", 1) = 0\n", 2 + i, i % 1000000);
    fprintf(f, "[pid %d] 1700000001.000000 +++ exited with 0 +++\n", 3);
    fclose(f);
    ts_mc_raw r;
    double took;
    REQUIRE(timed_strace(p, &r, &took) == 0);
    CHECK(r.n == (size_t)np + 1 && r.tid[1] == 2 && r.tid[np] == np + 1);
    CHECK_MSG(took < 5, "%.1f s of CPU for %d tasks", took, np);
    ts_mc_raw_free(&r);
    remove(p);
}

static void strace_fields(void)
{
    const char *dir = scratch_dir();
    char p[512];
    snprintf(p, sizeof p, "%s/t.strace", dir);
    write_text(p,
               "100 1700000000.000001 execve(\"/usr/bin/gzip\", [\"gzip\"], 0x7ff /* 3 vars */) = 0 <0.0001>\n"
               "100 1700000000.000011 brk(NULL)       = 0x55f6636c5000 <0.000033>\n"
               "100 1700000000.000021 openat(AT_FDCWD, \"/x\", O_RDONLY) = -1 ENOENT (No such file) <0.00001>\n"
               "100 1700000000.000031 clone(child_stack=NULL, flags=CLONE_CHILD) = 101 <0.0001>\n"
               "101 1700000000.000041 read(3,  <unfinished ...>\n"
               "100 1700000000.000051 close(3)        = 0 <0.00002>\n"
               "101 1700000000.000061 <... read resumed>\"ab\", 832) = 2 <0.00001>\n"
               "101 1700000000.000071 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
               "101 1700000000.000081 exit_group(0)   = ?\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 7 && !r.cpu);
    const int64_t ret[] = {0, 0x55f6636c5000LL, -1, 101, 2, 0, 0};
    const uint8_t has[] = {1, 1, 1, 1, 1, 1, 0};
    const int64_t tid[] = {100, 100, 100, 100, 101, 100, 101};
    for (size_t i = 0; i < 7 && i < r.n; i++) {
        CHECK_MSG(r.has_ret[i] == has[i] && (!has[i] || r.ret[i] == ret[i]), "event %zu: ret %lld (%d)", i,
                  (long long)r.ret[i], r.has_ret[i]);
        CHECK(r.tid[i] == tid[i]);
        CHECK(r.comm[i] && !strcmp(r.comm[i], "gzip"));   /* the child inherits its parent's */
    }
    CHECK(r.time_ns[4] - r.time_ns[3] == 10000);
    ts_mc_raw_free(&r);
    /* before any execve the process has no name; one log without pids has no threads */
    REQUIRE(raw_of(p, "1700000000.1 read(3, \"\", 1) = 0 <0.1>\n1700000000.2 close(3) = 0 <0.1>\n", &r) == 0);
    CHECK(r.n == 2 && !r.tid && r.comm && !r.comm[0] && r.has_ret[1] && r.ret[1] == 0);
    ts_mc_raw_free(&r);
    /* "<unfinished ...>" inside an argument is not the marker: the call has its value */
    REQUIRE(raw_of(p, "100 1.0 write(1, \"<unfinished ...>\", 16) = 16\n100 1.1 close(1) = 0\n", &r) == 0);
    CHECK(r.n == 2 && r.has_ret[0] && r.ret[0] == 16);
    ts_mc_raw_free(&r);
    /* a time past 2262 neither overflows nor is clamped: an error naming the line */
    raw_refuses(p, "1 99999999999999999999.5 read(3, \"\", 1) = 0 <0.1>\n1 1.000000001 close(3) = 0\n",
                   ":1: a time too large");
    /* -z, -Z and -e status= print a held call's rest on the next line, bare (strace 6.1) */
    write_text(p,
               "25543 1796176025.502696 newfstatat(AT_FDCWD, \"/tmp\", {st_mode=S_IFDIR|0777, ...}, 0) = 0\n"
               "25544 1796176025.503232 newfstatat(AT_FDCWD, \"/tmp\",  <unfinished ...>\n"
               "{st_mode=S_IFDIR|S_ISVTX|0777, st_size=749568, ...}, 0) = 0\n"
               "25929 1796176030.023548 futex(0x7fc994b4e6f4, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, "
               "FUTEX_BITSET_MATCH_ANY <unfinished ...>\n"
               ")                                       = -1 EAGAIN (Resource temporarily unavailable)\n"
               "101 1796176030.023600 read(3,  <unfinished ...>\n"
               "3, 832) = 832\n"
               "25542 1796176030.023612 +++ exited with 0 +++\n");
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 4 && r.has_ret[1] && r.ret[1] == 0 && r.has_ret[2] && r.ret[2] == -1 && r.has_ret[3] &&
          r.ret[3] == 832 && r.tid[3] == 101);
    CHECK(r.time_ns[3] - r.time_ns[2] == 52000);   /* the bare rests carry no time */
    ts_mc_raw_free(&r);
    /* -e read= and -e write= dump the data after the call: skipped; a damaged dump is an
     * error. readv, writev, sendmsg, ...: each buffer's dump comes after its size and
     * number; a dump over 64 KiB whose next part strace could not read ends with its notice */
    static const struct { const char *text; int64_t ret; } dumps[] = {
        {"100 1700000000.1 read(3, \"\\177ELF\", 832) = 4\n"
         " | 00000  7f 45 4c 46                                       .ELF             |\n"
         "100 1700000000.2 close(3) = 0\n", 4},
        {"100 1700000000.1 writev(1, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"c\", iov_len=1}], 2) = 3\n"
         " * 2 bytes in buffer 0\n"
         " | 00000  61 62                                             ab               |\n"
         " * 1 bytes in buffer 1\n"
         " | 00000  63                                                c                |\n"
         "100 1700000000.2 close(1) = 0\n", 3},
        {"100 1700000000.1 write(1, \"\\177ELF\"..., 70000) = 70000\n"
         " | 0ffe0  7f 45 4c 46                                       .ELF             |\n"
         " | 0fff0  7f 45 4c 46                                       .ELF             |\n"
         " | <Cannot fetch 4464 bytes from pid 100 @0x7f3a1c2c0000>\n"
         "100 1700000000.2 close(1) = 0\n", 70000},
    };
    for (size_t i = 0; i < sizeof dumps / sizeof *dumps; i++) {
        REQUIRE(raw_of(p, dumps[i].text, &r) == 0);
        CHECK_MSG(r.n == 2 && r.ret[0] == dumps[i].ret && r.ret[1] == 0, "dump %zu: %zu calls, values %lld %lld", i,
                  r.n, r.n > 0 ? (long long)r.ret[0] : 0LL, r.n > 1 ? (long long)r.ret[1] : 0LL);
        ts_mc_raw_free(&r);
    }
    raw_refuses(p, "100 1700000000.1 writev(1, [{iov_base=\"ab\", iov_len=2}], 1) = 2\n * 2 bytes in\n", "t.strace:2:");
    raw_refuses(p, "100 1700000000.1 read(3, \"\\177ELF\", 832) = 4\n | 00000  7f 45 4c 46\n", "t.strace:2:");
    /* strace's notices and the stack frames of -k between a held call and its rest */
    REQUIRE(raw_of(p, "101 1796176030.023600 read(3,  <unfinished ...>\n"
                      "strace: Process 102 attached\n"
                      " > /usr/lib/libc.so.6(read+0x12) [0x10e2a2]\n"
                      "\"ab\", 832) = 2\n", &r) == 0);
    CHECK(r.n == 1 && r.has_ret[0] && r.ret[0] == 2);
    ts_mc_raw_free(&r);
    /* anywhere else such a line is an error */
    raw_refuses(p, "100 1700000000.1 read(3, \"\", 1) = 0\n\"ab\", 832) = 2\n", "t.strace:2:");
    raw_refuses(p, "100 1700000000.1 read(3,  <unfinished ...>\n100 1700000000.2 bogus line\n", "t.strace:2:");
    raw_refuses(p, "100 1700000000.1 read(3,  <unfinished ...>\n\"ab\", 832) = 2\n\"cd\", 832) = 2\n", "t.strace:3:");
    raw_refuses(p, "100 1700000000.1 read(3, \"\", 1) = 0 <0.1>\n100 1700000000.2 bogus line\n", "t.strace:2:");
    remove(p);
    rmdir(dir);
}

/* execve's path as strace quotes it: -xx writes every byte as \xHH, -x the bytes outside
 * printable ASCII, and by default '"' and '\' are escaped and other bytes written in octal;
 * the process is named after the decoded path's basename */
static void strace_escaped_exec_path(void)
{
    char p[512];
    const char *dir = scratch_file("x.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "100 1700000000.000001 execve(\"\\x2f\\x62\\x69\\x6e\\x2f\\x67\\x7a\\x69\\x70\", [\"\\x67\\x7a\"], "
               "0x7ff /* 3 vars */) = 0 <0.0001>\n"
               "100 1700000000.000002 clone(child_stack=NULL, flags=SIGCHLD) = 101 <0.0001>\n"
               "101 1700000000.000003 execve(\"/tmp/a\\\"b\", [\"a\\\"b\"], 0x7ff /* 3 vars */) = 0 <0.0001>\n"
               "100 1700000000.000004 clone(child_stack=NULL, flags=SIGCHLD) = 102 <0.0001>\n"
               "102 1700000000.000005 execve(\"/tmp/pr\\303\\266g\\\\x\", [\"p\"], 0x7ff /* 3 vars */) = 0 <0.0001>\n"
               "100 1700000000.000006 clone(child_stack=NULL, flags=SIGCHLD) = 103 <0.0001>\n"
               "103 1700000000.000007 execve(\"/tmp/\\x70r\\xc3\\xb6g\", [\"p\"], 0x7ff /* 3 vars */) = 0 <0.0001>\n"
               "100 1700000000.000008 getpid() = 100 <0.0001>\n"
               "101 1700000000.000009 getpid() = 101 <0.0001>\n"
               "102 1700000000.000010 getpid() = 102 <0.0001>\n"
               "103 1700000000.000011 getpid() = 103 <0.0001>\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *comm[] = {"gzip", "a\"b", "pr\303\266g\\x", "pr\303\266g"};
    CHECK(r.n == 11);
    for (size_t i = 0; i < 4 && 7 + i < r.n; i++)
        CHECK_MSG(r.comm[7 + i] && !strcmp(r.comm[7 + i], comm[i]), "pid %zu: %s", 100 + i,
                  r.comm[7 + i] ? r.comm[7 + i] : "(none)");
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* strace -y and -yy: the path or socket after a descriptor ("= 3</tmp/d) = 5/f) = 9>", the
 * path's '<', '>' escaped) is no return value, whatever it holds (strace 6.1's lines) */
static void strace_fd_paths(void)
{
    char p[512];
    const char *dir = scratch_file("y.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "14573 1796324768.934959 openat(AT_FDCWD</tmp/t>, \"d) = 5/f) = 9\", O_RDONLY) = 3</tmp/t/d) = "
               "5/f) = 9> <0.000006>\n"
               "14573 1796324768.934979 read(3</tmp/t/d) = 5/f) = 9>, \"hi\\n\", 131072) = 3 <0.000007>\n"
               "14573 1796324768.935000 openat(AT_FDCWD</tmp/t>, \"d) = 5 x\", O_RDONLY) = 4</tmp/t/d) = 5 x> "
               "<0.000006>\n"
               "14573 1796324768.935010 openat(AT_FDCWD</tmp/t>, \"e\\\"q>x) = 8\", O_RDONLY) = "
               "5</tmp/t/e\\\"q\\76x) = 8> <0.000005>\n"
               "14573 1796324768.935020 openat(AT_FDCWD</tmp/t>, \"/dev/null\", O_RDONLY) = 6</dev/null<char 1:3>> "
               "<0.000005>\n"
               "14573 1796324768.935030 accept4(7<TCP:[127.0.0.1:34091]>, NULL, NULL, SOCK_CLOEXEC) = "
               "8<TCP:[127.0.0.1:34091->127.0.0.1:5555]> <0.000005>\n"
               "14573 1796324768.935040 openat(AT_FDCWD</tmp/t>, \"g) = 1\", O_RDONLY) = -1 ENOENT (No such file "
               "or directory) <0.000005>\n"
               /* a path that ends in '-' (a backup file: /etc/passwd-) closes at its "->", a
                * socket's "->" between its brackets does not */
               "14573 1796324768.935042 openat(AT_FDCWD</tmp/t>, \"/etc/passwd-\", O_RDONLY) = 10</etc/passwd-> "
               "<0.000005>\n"
               "14573 1796324768.935044 read(10</etc/passwd->, \"root\"..., 4096) = 1234 <0.000005>\n"
               "14573 1796324768.935046 write(8<TCP:[127.0.0.1:34091->127.0.0.1:5555]>, \"x\", 1) = 1 <0.000005>\n"
               "14573 1796324768.935048 kill(32348<a->, SIGTERM) = 0 <0.000005>\n"
               "14573 1796324768.935050 openat(AT_FDCWD</tmp/t>, \"d) = 5/f) = 9\", O_RDONLY) = 9</tmp/t/d) = 5/f) = 2");
    const int64_t ret[] = {3, 3, 4, 5, 6, 8, -1, 10, 1234, 1, 0, 9};
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 12);
    for (size_t i = 0; i < 12 && i < r.n; i++)
        CHECK_MSG(r.has_ret[i] && r.ret[i] == ret[i], "event %zu: ret %lld (%d)", i, (long long)r.ret[i], r.has_ret[i]);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* strace -Y: "PID<NAME>" and "[pid PID<NAME>]" (quoted: "\76" is '>'); the name given on a
 * line is its event's comm (the execve's own line still shows the name before it), a line
 * without one keeps the name inferred from execve */
static void strace_pid_names(void)
{
    char p[512];
    const char *dir = scratch_file("y.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "32347<strace> 1796167695.608237 [  59] [00007fae76488ad7] execve(\"/usr/bin/sh\", [\"sh\", \"-c\", "
               "\"ls >/dev/null\"], 0x7fffc1b22b50 /* 37 vars */) = 0 <0.000282>\n"
               "32347<sh> 1796167695.610974 [  58] [00007ff94264c3b8] vfork( <unfinished ...>\n"
               "32348<sh> 1796167695.611083 [  59] [00007ff94264cad7] execve(\"/usr/bin/ls\", [\"ls\"], 0x55bd20c28ba8 "
               "/* 37 vars */ <unfinished ...>\n"
               "32347<sh> 1796167695.611211 [  58] [00007ff94264c3b8] <... vfork resumed>) = 32348<ls> <0.000229>\n"
               "32348<ls> 1796167695.611293 [  59] [00007faae9777b70] <... execve resumed>) = 0 <0.000191>\n"
               "32348<ls> 1796167695.612613 [ 158] [00007faae977860e] arch_prctl(ARCH_SET_FS, 0x7faae9496800) = 0 "
               "<0.000007>\n"
               "32348<x\\76y\\74z> 1796167695.612700 [  39] [00007faae977860e] getpid() = 32348<x\\76y\\74z> <0.000007>\n"
               "32348<a b> 1796167695.612800 [  39] [00007faae977860e] getpid() = 32348<a b> <0.000007>\n"
               "32348 1796167695.612900 [  39] [00007faae977860e] getpid() = 32348 <0.000007>\n"
               "32348<ls> 1796167695.616574 [ 231] [????????????????] +++ exited with 0 +++\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *comm[] = {"strace", "sh", "sh", "ls", "x>y<z", "a b", "ls"};
    const int64_t tid[] = {32347, 32347, 32348, 32348, 32348, 32348, 32348};
    CHECK(r.n == 7 && r.tid && r.time_ns && r.time_ns[1] == 1796167695610974000LL);
    for (size_t i = 0; i < 7 && i < r.n; i++)
        CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], comm[i]) && r.tid[i] == tid[i], "event %zu: %s, tid %lld", i,
                  r.comm[i] ? r.comm[i] : "(none)", (long long)r.tid[i]);
    CHECK(r.n == 7 && r.has_ret[1] && r.ret[1] == 32348 && r.has_ret[2] && r.ret[2] == 0);
    ts_mc_raw_free(&r);
    /* with -xx every byte of a name is \xHH, with -x those outside printable ASCII */
    write_text(p,
               "7<\\x73\\x68> 1796167695.610974 getpid() = 7<\\x73\\x68> <0.000007>\n"
               "7<pr\\xc3\\xb6g> 1796167695.610975 getpid() = 7<pr\\xc3\\xb6g> <0.000007>\n");
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 2 && r.comm[0] && !strcmp(r.comm[0], "sh") && r.comm[1] && !strcmp(r.comm[1], "pr\303\266g"));
    ts_mc_raw_free(&r);
    /* with -r (a pid with its name is not padded) and to a terminal */
    write_text(p,
               "4<strace>      0.000000 execve(\"/usr/bin/sh\", [\"sh\", \"-c\", \"ls\"], 0x7ffd /* 37 vars */) = 0\n"
               "4<sh>      0.000285 brk(NULL)           = 0x5561fb087000\n"
               "[pid     5<sh>]      0.000103 [  14] [00007fbfd7bb0dd4] rt_sigprocmask(SIG_SETMASK, [], "
               "~[KILL STOP RTMIN RT_1], 8) = 0\n");
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 3 && r.time_ns && r.time_ns[1] == 285000 && r.time_ns[2] == 388000 && r.tid && r.tid[2] == 5 &&
          r.comm[0] && !strcmp(r.comm[0], "strace") && r.comm[2] && !strcmp(r.comm[2], "sh"));
    ts_mc_raw_free(&r);
    /* a name not closed, or not followed by a blank: an error naming the line (an empty
     * one, which strace never writes, is export's for a thread of no name) */
    const char *bad[] = {"12<sh read(0) = 0\n", "[pid 12<sh] read(0) = 0\n", "12<>read(0) = 0\n",
                         "12<sh>read(0) = 0\n", "12<s\\0h> read(0) = 0\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[128];
        snprintf(text, sizeof text, "12<sh> getpid() = 12\n%s", bad[i]);
        write_text(p, text);
        CHECK_MSG(ts_mc_from_strace(p, &r) != 0 && strstr(ts_error(), "y.strace:2: "), "case %zu: %s", i,
                  ts_error());
    }
    remove(p);
    rmdir(dir);
}

/* strace 6.1's -Y often keeps writing a process's name from before its execve on its later
 * lines (xargs' children running gzip, each under xargs' name; env's exec of bash under the
 * script's): after a successful execve, a line's name that is still the one the execve's
 * own line showed is the exec'd program's, until the line shows another (prctl's) */
static void strace_pid_names_stale(void)
{
    char p[512];
    const char *dir = scratch_file("y.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "402<xargs> 1796375653.887000 clone(child_stack=NULL, flags=CLONE_VM|CLONE_VFORK|SIGCHLD) = 403<xargs> "
               "<0.000100>\n"
               "403<xargs> 1796375653.888030 execve(\"/usr/bin/gzip\", [\"gzip\", \"-t\", \"a.gz\"], 0x7ffd /* 38 vars */) "
               "= 0 <0.000543>\n"
               "403<xargs> 1796375653.888647 brk(NULL)  = 0x555f8fd9f000 <0.000002>\n"
               "403<xargs> 1796375653.888700 clone(child_stack=NULL, flags=SIGCHLD) = 404<gzip> <0.000100>\n"
               "404<gzip> 1796375653.888800 getpid() = 404<gzip> <0.000002>\n"
               "403<worker> 1796375653.888900 getpid() = 403<worker> <0.000002>\n"
               "403<xargs> 1796375653.889000 getpid() = 403<xargs> <0.000002>\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *comm[] = {"xargs", "xargs", "gzip", "gzip", "gzip", "worker", "xargs"};
    CHECK(r.n == 7);
    for (size_t i = 0; i < 7 && i < r.n; i++)
        CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], comm[i]), "event %zu: %s, not %s", i, r.comm[i] ? r.comm[i] : "(none)",
                  comm[i]);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* a process that execs twice under strace 6.1's -Y (xargs running sh -c, which execs gzip):
 * the second execve's own line may still show the name from before the first, while the
 * process runs the first program: that call is the first program's, as the lines before it */
static void strace_pid_names_stale_twice(void)
{
    char p[512];
    const char *dir = scratch_file("y.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "402<xargs> 1796375653.887000 clone(child_stack=NULL, flags=SIGCHLD) = 403<xargs> <0.000100>\n"
               "403<xargs> 1796375653.888030 execve(\"/bin/sh\", [\"sh\", \"-c\", \"gzip -t a.gz\"], 0x7ffd /* 38 "
               "vars */) = 0 <0.000543>\n"
               "403<xargs> 1796375653.888647 brk(NULL)  = 0x555f8fd9f000 <0.000002>\n"
               "403<xargs> 1796375653.888700 execve(\"/usr/bin/gzip\", [\"gzip\", \"-t\", \"a.gz\"], 0x7ffd /* 38 "
               "vars */) = 0 <0.000543>\n"
               "403<xargs> 1796375653.888800 brk(NULL)  = 0x555f8fd9f000 <0.000002>\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *comm[] = {"xargs", "xargs", "sh", "sh", "gzip"};
    CHECK(r.n == 5);
    for (size_t i = 0; i < 5 && i < r.n; i++)
        CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], comm[i]), "event %zu: %s, not %s", i, r.comm[i] ? r.comm[i] : "(none)",
                  comm[i]);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* strace -f writing to a terminal's stream (no -o) cuts "Process N attached" (or
 * "detached") into the line of a call being printed: the call's rest follows on the next
 * line that is not such a notice, the rest of its arguments and its value when it ended
 * first, " <unfinished ...>" when another process printed in between, " <detached ...>"
 * when strace let go of it (strace 6.1) */
/* text with each "strace: " after prog (strace names itself by how it was started:
 * "/usr/bin/strace: Process 5 attached"), malloc'd */
static char *with_prog(const char *text, const char *prog)
{
    char *out = ts_malloc(2 * strlen(text) + 1), *o = out;
    for (const char *q = text; *q;) {
        if (!strncmp(q, "strace: ", 8)) o += sprintf(o, "%s", prog);
        *o++ = *q++;
    }
    *o = 0;
    return out;
}

/* a call whose first argument is a path ending in "strace: " (a log without times or
 * pids: the line begins with the call) is a call, not a line of strace's own */
static void strace_call_naming_strace_path(void)
{
    char p[512];
    REQUIRE(scratch_file("sp.strace", p, sizeof p));
    write_text(p, "openat(AT_FDCWD, \"/tmp/a\", O_RDONLY) = 3\n"
                  "stat(\"/home/u/strace: notes\", 0x7ffd0000) = -1 ENOENT (No such file or directory)\n"
                  "close(3) = 0\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *name[] = {"openat", "stat", "close"};
    const int64_t ret[] = {3, -1, 0};
    CHECK_MSG(r.n == 3, "%zu events", r.n);
    for (size_t i = 0; i < 3 && i < r.n; i++)
        CHECK_MSG(!strcmp(r.names[i], name[i]) && r.has_ret[i] && r.ret[i] == ret[i], "event %zu: %s = %lld", i,
                  r.names[i], (long long)r.ret[i]);
    ts_mc_raw_free(&r);
}

static void strace_notice_cut_into_call(void)
{
    char p[512];
    const char *dir = scratch_file("n.strace", p, sizeof p);
    REQUIRE(dir);
    static const char log[] =
               "1796192494.178483 munmap(0x7f87dc979000, 65507) = 0\n"
               "1796192494.178544 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|"
               "SIGCHLDstrace: Process 13132 attached\n"
               ", child_tidptr=0x7f87dc794a10) = 13132\n"
               "[pid 13131] 1796192494.178728 wait4(13132,  <unfinished ...>\n"
               "[pid 13132] 1796192494.178741 set_robust_list(0x7f87dc794a20, 24) = 0\n"
               "[pid 13132] 1796192494.178800 execve(\"/bin/true\", [\"true\"], 0x7ffc /* 37 vars */) = 0\n"
               "[pid 13132] 1796192494.179000 exit_group(0) = ?\n"
               "[pid 13132] 1796192494.179100 +++ exited with 0 +++\n"
               "1796192494.179200 <... wait4 resumed>NULL, 0, NULL) = 13132\n"
               "1796192494.179300 clone(child_stack=NULL, flags=SIGCHLDstrace: Process 13133 attached\n"
               " <unfinished ...>\n"
               "[pid 13133] 1796192494.179400 getpid() = 13133\n"
               "[pid 13131] 1796192494.179500 <... clone resumed>, child_tidptr=0x7f87dc794a10) = 13133\n"
               "[pid 13131] 1796192494.179600 read(0, strace: Process 13131 detached\n"
               "strace: Process 13133 detached\n"
               " <detached ...>\n";
    const char *name[] = {"munmap", "clone", "wait4", "set_robust_list", "execve", "exit_group", "clone", "getpid",
                          "read"};
    const int64_t ret[] = {0, 13132, 13132, 0, 0, 0, 13133, 13133, 0};
    const uint8_t has[] = {1, 1, 1, 1, 1, 0, 1, 1, 0};
    const int64_t tid[] = {13131, 13131, 13131, 13132, 13132, 13132, 13131, 13133, 13131};
    /* strace started by its path names itself so: "/usr/bin/strace: Process 13132 attached" */
    const char *progs[] = {"", "/usr/bin/", "./"};
    ts_mc_raw r;
    for (int k = 0; k < 3; k++) {
        char *text = with_prog(log, progs[k]);
        write_text(p, text);
        free(text);
        if (ts_mc_from_strace(p, &r) != 0) {
            CHECK_MSG(0, "'%sstrace: ': %s", progs[k], ts_error());
            continue;
        }
        CHECK_MSG(r.n == 9, "'%sstrace: ': %zu events", progs[k], r.n);
        for (size_t i = 0; i < 9 && i < r.n; i++)
            CHECK_MSG(!strcmp(r.names[i], name[i]) && r.has_ret[i] == has[i] && (!has[i] || r.ret[i] == ret[i]) &&
                      r.tid && r.tid[i] == tid[i],
                      "'%sstrace: ' event %zu: %s = %lld (%d)", progs[k], i, r.names[i], (long long)r.ret[i],
                      r.has_ret[i]);
        ts_mc_raw_free(&r);
    }
    /* such text in an argument is no notice; one at the log's end leaves the call's start */
    REQUIRE(raw_of(p, "1.0 write(2, \"strace: Process 5 attached\\n\", 27) = 27\n"
                      "1.1 close(2) = 0\n"
                      "1.2 vfork(strace: Process 6 attached\n", &r) == 0);
    CHECK(r.n == 3 && r.has_ret[0] && r.ret[0] == 27 && !strcmp(r.names[1], "close") && !r.has_ret[2]);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* times in whole seconds (strace 6.1 --absolute-timestamps=precision:s, -r with
 * --relative-timestamps=s): an integer after the pid, or in place of one where it is padded
 * or past the largest pid, is a time, not a pid */
static void strace_whole_seconds(void)
{
    char p[512];
    const char *dir = scratch_file("s.strace", p, sizeof p);
    REQUIRE(dir);
    const char *logs[] = {
        "1796192573 execve(\"./fe\", [\"./fe\"], 0x7ffc /* 37 vars */) = 0\n"
        "1796192574 brk(NULL)                    = 0x55608eb26000\n",
        "15771 1796192573 execve(\"./fe\", [\"./fe\"], 0x7ffd /* 37 vars */) = 0\n"
        "15771 1796192574 brk(NULL)              = 0x559fddaba000\n",
        "[pid 15771] 1796192573 execve(\"./fe\", [\"./fe\"], 0x7ffd /* 37 vars */) = 0\n"
        "[pid 15771] 1796192574 brk(NULL)        = 0x559fddaba000\n",
        "     0 execve(\"./fe\", [\"./fe\"], 0x7ffe /* 37 vars */) = 0\n"
        "     1 brk(NULL)                        = 0x555e57e19000\n",
        "15771      0 execve(\"./fe\", [\"./fe\"], 0x7ffd /* 37 vars */) = 0\n"
        "15771      1 brk(NULL)                  = 0x5604704e4000\n",
    };
    const int has_tid[] = {0, 1, 1, 0, 1}, rel[] = {0, 0, 0, 1, 1};
    for (int k = 0; k < 5; k++) {
        write_text(p, logs[k]);
        ts_mc_raw r;
        REQUIRE(ts_mc_from_strace(p, &r) == 0);
        const int64_t t0 = rel[k] ? 0 : 1796192573LL * 1000000000;
        CHECK_MSG(r.n == 2 && r.time_ns && r.time_ns[0] == t0 && r.time_ns[1] == t0 + 1000000000 &&
                  !strcmp(r.names[1], "brk") && !r.tid == !has_tid[k] && (!r.tid || r.tid[1] == 15771),
                  "log %d: %zu events, times %lld %lld, tid %lld", k, r.n, r.time_ns ? (long long)r.time_ns[0] : -1,
                  r.time_ns && r.n > 1 ? (long long)r.time_ns[1] : -1, r.tid ? (long long)r.tid[1] : -1);
        ts_mc_raw_free(&r);
    }
    remove(p);
    rmdir(dir);
}

/* a log whose last line has no newline was cut there (strace killed while writing it), or
 * written by hand: where the log's calls end in -T's durations, a number that runs to the
 * line's end (without its duration) may be cut too, so the call has no return value; in a
 * log without them the line is whole, its value read; a line that is no call's start, cut,
 * is an error that says so */
static void strace_cut_last_line(void)
{
    char p[512];
    const char *dir = scratch_file("c.strace", p, sizeof p);
    REQUIRE(dir);
    const char *cuts[] = {"10927 1796192471.678069 wait4(10931, NULL, 0, NULL) = 1093",
                          "10927 1796192471.678069 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, -1, 0) = 0x7f3a",
                          "10927 1796192471.678069 wait4(10931, NULL, 0, NULL",
                          "10927 1796192471.678069 <... wait4 resumed>NULL, 0, NULL) = 1093",
                          /* cut inside a string that holds ") = N": no value (strace 6.1, killed) */
                          "10927 1796192471.678069 write(2, \"x) = 7 \\\"q\\\" <0.1>x) = 7 \\\"q\\\" <0.1>\"..., 48",
                          "10927 1796192471.678069 write(2, \"x) = 7 <0.1>",
                          /* cut after, or inside, -y's path of a descriptor that holds ") = N" */
                          "10927 1796192471.678069 read(3</tmp/a) = 5/b>, ",
                          "10927 1796192471.678069 openat(AT_FDCWD</tmp/a) = 5/b>, \"c\", O_RDONLY",
                          "10927 1796192471.678069 read(3</tmp/a) = 5/b",
                          "10927 1796192471.678069 read(3</tmp/a) = 5"};
    for (int k = 0; k < 10; k++) {
        char text[512];
        snprintf(text, sizeof text, "10927 1796192471.657142 wait4(10931,  <unfinished ...>\n"
                                    "10927 1796192471.677994 kill(10931, SIGTERM) = 0 <0.000011>\n%s", cuts[k]);
        write_text(p, text);
        ts_mc_raw r;
        REQUIRE(ts_mc_from_strace(p, &r) == 0);
        size_t last = k == 3 ? 0 : 2;
        CHECK_MSG(r.n == (k == 3 ? 2u : 3u) && r.has_ret[1] && r.ret[1] == 0 && !r.has_ret[last],
                  "cut %d: %zu events, the last's value %lld (%d)", k, r.n, (long long)r.ret[last], r.has_ret[last]);
        ts_mc_raw_free(&r);
    }
    /* the same lines whole: with their durations, or in a log without them */
    write_text(p, "10927 1796192471.678069 wait4(10931, NULL, 0, NULL) = 10931 <0.000024>\n"
                  "10927 1796192471.678070 close(3) = 0 <0.000005>");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 2 && r.has_ret[0] && r.ret[0] == 10931 && r.has_ret[1] && r.ret[1] == 0);
    ts_mc_raw_free(&r);
    const char *whole[] = {"10927 1796192471.678069 wait4(10931, NULL, 0, NULL) = 10931\n"
                           "10927 1796192471.678070 read(3, \"abcde\", 5) = 5",
                           "read(3, \"\", 1) = 0\nread(3, \"abcde\", 5) = 5",
                           "10927 wait4(10931, NULL, 0, NULL) = 10931\n10928 read(3,  <unfinished ...>\n"
                           "10927 close(3) = 0\n10928 <... read resumed>\"abcde\", 5) = 5",
                           "10927 wait4(10931, NULL, 0, NULL) = 10931\n10928 read(3,  <unfinished ...>\n"
                           "\"abcde\", 5) = 5"};
    for (int k = 0; k < 4; k++) {
        write_text(p, whole[k]);
        if (ts_mc_from_strace(p, &r) != 0) {
            CHECK_MSG(0, "whole %d: %s", k, ts_error());
            continue;
        }
        size_t i = k == 2 ? 1 : r.n - 1;   /* the read */
        CHECK_MSG(r.n >= 2 && !strcmp(r.names[i], "read") && r.has_ret[i] && r.ret[i] == 5,
                  "whole %d: %zu events, the read's value %lld (%d)", k, r.n, r.n ? (long long)r.ret[i] : 0,
                  r.n ? r.has_ret[i] : 0);
        ts_mc_raw_free(&r);
    }
    /* a log without durations: a number that runs to the cut is read, but not one in a path */
    for (int k = 0; k < 2; k++) {
        write_text(p, k ? "10927 1796192471.678069 close(4) = 0\n10927 1796192471.678070 read(3</tmp/a) = 5"
                        : "10927 1796192471.678069 close(4) = 0\n10927 1796192471.678070 read(3</tmp/a) = 5/b>, ");
        REQUIRE(ts_mc_from_strace(p, &r) == 0);
        CHECK_MSG(r.n == 2 && r.has_ret[0] && !r.has_ret[1], "%d: %zu events, the read's value %lld (%d)", k, r.n,
                  r.n == 2 ? (long long)r.ret[1] : 0, r.n == 2 ? r.has_ret[1] : 0);
        ts_mc_raw_free(&r);
    }
    /* a shift in an argument (older strace's futex op) is no path */
    REQUIRE(raw_of(p, "10927 1796192471.678069 futex(0x7f3a, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x7f3b, "
                      "FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 1\n", &r) == 0);
    CHECK_MSG(r.n == 1 && r.has_ret[0] && r.ret[0] == 1, "%zu events, %lld", r.n, r.n ? (long long)r.ret[0] : 0);
    ts_mc_raw_free(&r);
    REQUIRE(raw_of(p, "10927 1796192471.678069 wait4(10931, NULL, 0, NULL) = 10931 <0.000024>\n"
                      "10927 1796192471.678070 read(3, \"\", 1) = -1 EIO (Input/output err", &r) == 0);
    CHECK(r.n == 2 && r.has_ret[1] && r.ret[1] == -1);
    ts_mc_raw_free(&r);
    const char *bad[] = {"10927 1796192471.6", "10927 1796192471.678154 exit_gro", "10927 1796192471.678154 <... wai"};
    for (int k = 0; k < 3; k++) {
        char text[512];
        snprintf(text, sizeof text, "10927 1796192471.677994 kill(10931, SIGTERM) = 0\n%s", bad[k]);
        write_text(p, text);
        /* left out with a note, as ftrace's reader leaves a cut line out; it was an error */
        char *notes = NULL;
        const char *one[] = {p};
        CHECK_MSG(ts_mc_from_strace_many(one, 1, &r, &notes) == 0 && r.n == 1 && !strcmp(r.names[0], "kill") && notes &&
                      strstr(notes, "c.strace:2: the log ends in the middle of this line: left out"),
                  "cut %d: %s", k, notes ? notes : ts_error());
        ts_mc_raw_free(&r);
        free(notes);
    }
    remove(p);
    rmdir(dir);
}

/* strace -f without -o leaves the pid out while it traces one task only: those calls are
 * that task's (here the first process's, before its child is attached, whose first event
 * comes after the clone, and again once the child is gone) */
static void strace_terminal_pids(void)
{
    char p[512];
    const char *dir = scratch_file("t.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "execve(\"./fe\", [\"./fe\"], 0x7fff39ced0f8 /* 37 vars */) = 0\n"
               "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = "
               "13124\n"
               "close(4)              = 0\n"
               "read(3, strace: Process 13124 attached\n"
               " <unfinished ...>\n"
               "[pid 13124] set_robust_list(0x7f8b6989ca20, 24) = 0\n"
               "[pid 13124] execve(\"/bin/true\", [\"true\"], 0x7ffc17777eb8 /* 37 vars */) = 0\n"
               "[pid 13123] <... read resumed>\"\", 1) = 0\n"
               "[pid 13124] exit_group(0)               = ?\n"
               "[pid 13123] wait4(13124,  <unfinished ...>\n"
               "[pid 13124] +++ exited with 0 +++\n"
               "<... wait4 resumed>NULL, 0, NULL)       = 13124\n"
               "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=13124, si_uid=0, si_status=0} ---\n"
               "vfork(strace: Process 13125 attached\n"
               " <unfinished ...>\n"
               "[pid 13125] execve(\"/bin/echo\", [\"echo\", \"hi\"], 0x7ffc17777eb8 /* 37 vars */ <unfinished ...>\n"
               "[pid 13123] <... vfork resumed>)        = 13125\n"
               "[pid 13125] <... execve resumed>)       = 0\n"
               "[pid 13125] +++ exited with 0 +++\n"
               "exit_group(0)                           = ?\n"
               "+++ exited with 0 +++\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const int64_t tid[] = {13123, 13123, 13123, 13123, 13124, 13124, 13124, 13123, 13123, 13125, 13123};
    const char *comm[] = {"fe", "fe", "fe", "fe", "fe", "true", "true", "fe", "fe", "echo", "fe"};
    CHECK_MSG(r.n == 11 && r.tid, "%zu events", r.n);
    for (size_t i = 0; i < 11 && i < r.n && r.tid; i++)
        CHECK_MSG(r.tid[i] == tid[i] && r.comm[i] && !strcmp(r.comm[i], comm[i]), "event %zu (%s): tid %lld, %s",
                  i, r.names[i], (long long)r.tid[i], r.comm[i] ? r.comm[i] : "(none)");
    ts_mc_raw_free(&r);
    /* one process that never forks: no pids, no threads */
    REQUIRE(raw_of(p, "execve(\"./fe\", [\"./fe\"], 0x7fff39ced0f8 /* 37 vars */) = 0\nclose(4) = 0\n", &r) == 0);
    CHECK(r.n == 2 && !r.tid);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* a thread's execve (python3 calling os.execv from a thread): it starts under the thread's
 * id and resumes under the process's, which goes on as the new program and takes its name */
static void strace_thread_execve(void)
{
    char p[512];
    const char *dir = scratch_file("te.strace", p, sizeof p);
    REQUIRE(dir);
    write_text(p,
               "32730 1796167764.786809 execve(\"/usr/bin/python3\", [\"python3\", \"tex.py\"], 0x7fff77724968 "
               "/* 37 vars */) = 0\n"
               "32730 1796167765.201942 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
               "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f427186c990, "
               "parent_tid=0x7f427186c990, exit_signal=0, stack=0x7f427106c000, stack_size=0x7fff80, "
               "tls=0x7f427186c6c0} => {parent_tid=[303]}, 88) = 303\n"
               "32730 1796167765.202450 futex(0x7f427254e6f0, FUTEX_WAIT_BITSET_PRIVATE, 0, {tv_sec=45645, "
               "tv_nsec=821925945}, FUTEX_BITSET_MATCH_ANY <unfinished ...>\n"
               "303   1796167765.202467 execve(\"/bin/true\", [\"true\"], 0x7ffd0f4e88d0 /* 40 vars */ <unfinished ...>\n"
               "32730 1796167765.202551 <... futex resumed>) = ?\n"
               "32730 1796167765.203680 +++ superseded by execve in pid 303 +++\n"
               "32730 1796167765.203700 <... execve resumed>) = 0\n"
               "32730 1796167765.203735 brk(NULL)       = 0x564ee0274000\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *comm[] = {"python3", "python3", "python3", "true", "true"};
    const int64_t tid[] = {32730, 32730, 32730, 303, 32730};
    CHECK(r.n == 5 && r.tid && r.has_ret[3] && r.ret[3] == 0);
    for (size_t i = 0; i < 5 && i < r.n && r.tid; i++)
        CHECK_MSG(r.comm[i] && !strcmp(r.comm[i], comm[i]) && r.tid[i] == tid[i], "event %zu: %s, tid %lld", i,
                  r.comm[i] ? r.comm[i] : "(none)", (long long)r.tid[i]);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* strace -r: each time is the gap since the line before (strace pads it to 6 digits of
 * seconds); the calls' times are their sums. Several such logs (-ff -r) have no common
 * clock to be merged by */
static void strace_relative_times(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/r.strace", dir);
    snprintf(q, sizeof q, "%s/r.strace.2", dir);
    write_text(p,
               "20734      0.000000 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 37 vars */) = 0\n"
               "20734      0.000450 brk(NULL)           = 0x56350463a000\n"
               "20734      0.000200 read(3,  <unfinished ...>\n"
               "123         0.000100 getpid() = 123\n"
               "20734      0.000050 <... read resumed>\"\", 1) = 0\n"
               "20734      0.000300 --- SIGCHLD {si_signo=SIGCHLD} ---\n"
               "20734      0.001000 close(3) = 0\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const int64_t want[] = {0, 450000, 650000, 750000, 2100000};
    CHECK(r.n == 5 && r.time_ns);
    for (size_t i = 0; i < 5 && i < r.n && r.time_ns; i++)
        CHECK_MSG(r.time_ns[i] == want[i], "event %zu at %lld ns, want %lld", i, (long long)r.time_ns[i],
                  (long long)want[i]);
    ts_mc_raw_free(&r);
    /* -ff -r: one file per process, no pid column */
    write_text(p, "     0.000000 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffe /* 37 vars */) = 0\n"
                  "     0.000296 brk(NULL)                 = 0x556255487000\n");
    write_text(q, "     0.000135 getpid() = 20751\n");
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 2 && r.time_ns && r.time_ns[1] == 296000);
    ts_mc_raw_free(&r);
    const char *paths[2] = {p, q};
    char **names;
    size_t n;
    CHECK(ts_strace_read_many(paths, 2, &names, &n) == -1);
    CHECK_MSG(strstr(ts_error(), "r.strace") && strstr(ts_error(), "-r"), "%s", ts_error());
    /* -ttt, with pids of any width, stays absolute */
    REQUIRE(raw_of(p, "123   1700000000.000001 read(3, \"\", 1) = 0\n12345 1700000000.000002 close(3) = 0\n", &r) == 0);
    CHECK(r.n == 2 && r.time_ns && r.time_ns[0] == 1700000000000001000LL && r.time_ns[1] == 1700000000000002000LL);
    ts_mc_raw_free(&r);
    remove(p);
    remove(q);
    rmdir(dir);
}

/* strace -r gaps of 100,000 s or more fill the 6 columns, unpadded: such a time is still
 * -r's wherever it comes (the first line too), with -f and without, the pid beside it
 * kept; -r's whole seconds (precision s) after times without a pid column are no pid */
static void strace_large_relative_times(void)
{
    char p[512];
    const char *dir = scratch_file("rl.strace", p, sizeof p);
    REQUIRE(dir);
    const char *logs[] = {
        "     0.000000 execve(\"/bin/x\", [\"x\"], 0x7ffe /* 3 vars */) = 0\n"
        "123456.123456 read(3, \"abcde\", 5) = 5\n"
        "     0.000100 close(3) = 0\n",
        "123456.123456 read(3, \"abcde\", 5) = 5\n"
        "     0.000100 close(3) = 0\n",
        "1234  123456.123456 read(3, \"abcde\", 5) = 5\n"
        "1234       0.000100 close(3) = 0\n",
        "1234 123456.123456 read(3, \"abcde\", 5) = 5\n"
        "1234 1000000.000000 --- SIGALRM {si_signo=SIGALRM} ---\n"
        "1234       0.000100 close(3) = 0\n",
        "[pid  1234] 123456.123456 read(3, \"abcde\", 5) = 5\n"
        "[pid  1234]      0.000100 close(3) = 0\n",
        "4194304 123456.123456 read(3, \"abcde\", 5) = 5\n"
        "4194304      0.000100 close(3) = 0\n",
    };
    const int64_t first = 123456123456000LL;
    const int64_t second[] = {first + 100000, first + 100000, first + 100000, first + 1000000000000000LL + 100000,
                              first + 100000, first + 100000};
    const int64_t tid[] = {0, 0, 1234, 1234, 1234, 4194304};
    for (int k = 0; k < 6; k++) {
        write_text(p, logs[k]);
        ts_mc_raw r;
        if (ts_mc_from_strace(p, &r) != 0) {
            CHECK_MSG(0, "log %d: %s", k, ts_error());
            continue;
        }
        size_t i = k == 0;   /* read */
        CHECK_MSG(r.n == i + 2 && r.time_ns && r.time_ns[i] == first && r.time_ns[i + 1] == second[k] &&
                  !strcmp(r.names[i], "read") && r.has_ret[i] && r.ret[i] == 5 && !r.tid == !tid[k] &&
                  (!r.tid || (r.tid[i] == tid[k] && r.tid[i + 1] == tid[k])),
                  "log %d: %zu events, times %lld %lld, tid %lld", k, r.n,
                  r.time_ns && r.n > i ? (long long)r.time_ns[i] : -1,
                  r.time_ns && r.n > i + 1 ? (long long)r.time_ns[i + 1] : -1, r.tid ? (long long)r.tid[i] : -1);
        ts_mc_raw_free(&r);
    }
    /* whole seconds (--relative-timestamps=s): "123456" fills the columns as a pid would */
    write_text(p, "     0 execve(\"/bin/x\", [\"x\"], 0x7ffe /* 3 vars */) = 0\n"
                  "123456 brk(NULL) = 0x1\n"
                  "     1 close(3) = 0\n");
    ts_mc_raw r;
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK_MSG(r.n == 3 && !r.tid && r.time_ns && r.time_ns[1] == 123456000000000LL &&
              r.time_ns[2] == 123457000000000LL, "%zu events, tid %lld, time %lld", r.n,
              r.tid ? (long long)r.tid[1] : -1, r.time_ns && r.n > 1 ? (long long)r.time_ns[1] : -1);
    ts_mc_raw_free(&r);
    /* and the same times without padding anywhere are a clock's (-ttt near 1970), as are
     * those of ten digits */
    REQUIRE(raw_of(p, "123456.123456 read(3, \"abcde\", 5) = 5\n123456.123556 close(3) = 0\n", &r) == 0);
    CHECK(r.n == 2 && r.time_ns && r.time_ns[0] == first && r.time_ns[1] == first + 100000);
    ts_mc_raw_free(&r);
    REQUIRE(raw_of(p, "1700000000.000001 read(3, \"\", 1) = 0\n1700000000.000101 close(3) = 0\n", &r) == 0);
    CHECK(r.n == 2 && r.time_ns && r.time_ns[0] == 1700000000000001000LL && r.time_ns[1] == 1700000000000101000LL);
    ts_mc_raw_free(&r);
    remove(p);
    rmdir(dir);
}

/* the same calls as strace -f writes them (one log, a pid on each line) and as strace -ff
 * does (a file PREFIX.PID per thread, no pid on the lines): the same raw fields, thread,
 * times, return values and names (a child's from its parent's clone in another file, then
 * its execve); a file with a thread's exit alone adds nothing */
static const char ff_log[] =
    "100  1700000000.000100 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
    "100  1700000000.000300 brk(NULL) = 0x5000 <0.000010>\n"
    "100  1700000000.000400 clone(child_stack=NULL, flags=SIGCHLD) = 101 <0.000050>\n"
    "101  1700000000.000500 getpid() = 101 <0.000005>\n"
    "100  1700000000.000600 wait4(-1,  <unfinished ...>\n"
    "101  1700000000.000700 execve(\"/bin/ls\", [\"ls\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
    "101  1700000000.000900 openat(AT_FDCWD, \".\", O_RDONLY) = 3 <0.000010>\n"
    "101  1700000000.001000 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 102 <0.000020>\n"
    "102  1700000000.001100 read(3, \"\", 1) = 0 <0.000005>\n"
    "101  1700000000.001200 write(1, \"x\\n\", 2) = 2 <0.000005>\n"
    "102  1700000000.001300 exit(0) = ?\n"
    "102  1700000000.001350 +++ exited with 0 +++\n"
    "101  1700000000.001400 exit_group(0) = ?\n"
    "101  1700000000.001500 +++ exited with 0 +++\n"
    "100  1700000000.001600 <... wait4 resumed>NULL, 0, NULL) = 101 <0.001000>\n"
    "100  1700000000.001700 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---\n"
    "100  1700000000.001800 read(0, \"\", 1) = -1 EBADF (Bad file descriptor) <0.000003>\n"
    "100  1700000000.001900 exit_group(0) = ?\n"
    "100  1700000000.002000 +++ exited with 0 +++\n";

/* ff_log as strace -ff writes it into dir: PREFIX.100, .101, .102 and .103 (a thread that
 * exited before its first call); paths[4] the files, in another order than their pids' */
static void write_ff(const char *dir, char paths[4][512])
{
    snprintf(paths[0], 512, "%s/P.102", dir);
    snprintf(paths[1], 512, "%s/P.100", dir);
    snprintf(paths[2], 512, "%s/P.103", dir);
    snprintf(paths[3], 512, "%s/P.101", dir);
    write_text(paths[1], "1700000000.000100 execve(\"/bin/sh\", [\"sh\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
                         "1700000000.000300 brk(NULL) = 0x5000 <0.000010>\n"
                         "1700000000.000400 clone(child_stack=NULL, flags=SIGCHLD) = 101 <0.000050>\n"
                         "1700000000.000600 wait4(-1, NULL, 0, NULL) = 101 <0.001000>\n"
                         "1700000000.001700 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---\n"
                         "1700000000.001800 read(0, \"\", 1) = -1 EBADF (Bad file descriptor) <0.000003>\n"
                         "1700000000.001900 exit_group(0) = ?\n"
                         "1700000000.002000 +++ exited with 0 +++\n");
    write_text(paths[3], "1700000000.000500 getpid() = 101 <0.000005>\n"
                         "1700000000.000700 execve(\"/bin/ls\", [\"ls\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
                         "1700000000.000900 openat(AT_FDCWD, \".\", O_RDONLY) = 3 <0.000010>\n"
                         "1700000000.001000 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 102 <0.000020>\n"
                         "1700000000.001200 write(1, \"x\\n\", 2) = 2 <0.000005>\n"
                         "1700000000.001400 exit_group(0) = ?\n"
                         "1700000000.001500 +++ exited with 0 +++\n");
    write_text(paths[0], "1700000000.001100 read(3, \"\", 1) = 0 <0.000005>\n"
                         "1700000000.001300 exit(0) = ?\n"
                         "1700000000.001350 +++ exited with 0 +++\n");
    write_text(paths[2], "1700000000.001000 +++ exited with 0 +++\n");
}

static int same_raw(const ts_mc_raw *a, const ts_mc_raw *b)
{
    if (a->n != b->n || !a->time_ns != !b->time_ns || !a->tid != !b->tid || !a->comm != !b->comm) return 0;
    for (size_t i = 0; i < a->n; i++) {
        const int comm_same = a->comm ? (!a->comm[i] == !b->comm[i] && (!a->comm[i] || !strcmp(a->comm[i], b->comm[i]))) : 1;
        if (strcmp(a->names[i], b->names[i]) || (a->time_ns && a->time_ns[i] != b->time_ns[i]) ||
            (a->tid && a->tid[i] != b->tid[i]) || !comm_same || a->has_ret[i] != b->has_ret[i] ||
            (a->has_ret[i] && a->ret[i] != b->ret[i])) {
            fprintf(stderr, "  event %zu: %s / %s\n", i, a->names[i], b->names[i]);
            return 0;
        }
    }
    return 1;
}

static void strace_ff_fields(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char f[512], paths[4][512];
    snprintf(f, sizeof f, "%s/L", dir);
    write_text(f, ff_log);
    write_ff(dir, paths);
    const char *pp[4] = {paths[0], paths[1], paths[2], paths[3]};
    ts_mc_raw a, b;
    REQUIRE(ts_mc_from_strace(f, &a) == 0);
    if (ts_mc_from_strace_many(pp, 4, &b, NULL) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        ts_mc_raw_free(&a);
        return;
    }
    CHECK(same_raw(&a, &b));
    /* what both say */
    const char *names[] = {"execve", "brk", "clone", "getpid", "wait4", "execve", "openat", "clone3", "read",
                           "write", "exit", "exit_group", "read", "exit_group"};
    const int64_t tid[] = {100, 100, 100, 101, 100, 101, 101, 101, 102, 101, 102, 101, 100, 100};
    const char *comm[] = {"sh", "sh", "sh", "sh", "sh", "ls", "ls", "ls", "ls", "ls", "ls", "ls", "sh", "sh"};
    CHECK_MSG(b.n == 14 && b.tid && b.comm && b.time_ns, "%zu events", b.n);
    for (size_t i = 0; i < 14 && i < b.n && b.tid && b.comm; i++)
        CHECK_MSG(!strcmp(b.names[i], names[i]) && b.tid[i] == tid[i] && b.comm[i] && !strcmp(b.comm[i], comm[i]),
                  "event %zu: %s of %lld (%s)", i, b.names[i], (long long)b.tid[i], b.comm[i] ? b.comm[i] : "none");
    CHECK(b.n > 4 && b.has_ret[4] && b.ret[4] == 101 && b.time_ns[4] == 1700000000000600000LL);
    ts_mc_raw_free(&a);
    ts_mc_raw_free(&b);
    /* one path: as ts_mc_from_strace reads it */
    REQUIRE(ts_mc_from_strace_many((const char *const[]){f}, 1, &b, NULL) == 0);
    REQUIRE(ts_mc_from_strace(f, &a) == 0);
    CHECK(same_raw(&a, &b));
    ts_mc_raw_free(&a);
    ts_mc_raw_free(&b);
    /* a file whose lines name no thread must be named after one */
    char q[512];
    snprintf(q, sizeof q, "%s/other.log", dir);
    write_text(q, "1700000000.000200 getuid() = 0 <0.000003>\n");
    const char *pq[2] = {paths[1], q};
    CHECK_MSG(ts_mc_from_strace_many(pq, 2, &b, NULL) == -1 && strstr(ts_error(), "other.log: ") &&
              strstr(ts_error(), "PREFIX.PID") && b.n == 0, "%s", ts_error());
    /* one whose lines do (several -f logs) needs none; a gzip'd PREFIX.PID.gz is of PID */
    write_text(q, "55 1700000000.000200 getuid() = 0 <0.000003>\n");
    REQUIRE(ts_mc_from_strace_many(pq, 2, &b, NULL) == 0);
    CHECK(b.n == 7 && b.tid && b.tid[1] == 55 && b.tid[0] == 100);
    ts_mc_raw_free(&b);
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "gzip -c %s > %s/Q.101.gz", paths[3], dir);
    if (system(cmd) == 0) {
        snprintf(q, sizeof q, "%s/Q.101.gz", dir);
        const char *pz[2] = {paths[1], q};
        REQUIRE(ts_mc_from_strace_many(pz, 2, &b, NULL) == 0);
        CHECK(b.n == 12 && b.tid && b.tid[3] == 101 && !strcmp(b.names[3], "getpid"));
        ts_mc_raw_free(&b);
    }
}

/* ingest --channels of strace -ff's files: the dataset of strace -f's log of the same calls,
 * every file the same bytes; also for the shipped log, split into one file per thread */
static void strace_ff_ingest(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char f[512], paths[4][512], cmd[4096], err[512], a[600], b[600];
    snprintf(f, sizeof f, "%s/L", dir);
    write_text(f, ff_log);
    write_ff(dir, paths);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s -o %s/dsL", f, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels %s %s %s %s -o %s/dsP", paths[0], paths[1], paths[2],
             paths[3], dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    static const char *const files[] = {"stream.txt", "vocab.tsv", "dt.npy", "comm.npy", "comm.vocab.tsv",
                                        "ret.npy", "ret.vocab.tsv", "tid.npy", "arch", NULL};
    for (int k = 0; files[k]; k++) {
        snprintf(a, sizeof a, "%s/dsL/%s", dir, files[k]);
        snprintf(b, sizeof b, "%s/dsP/%s", dir, files[k]);
        CHECK_MSG(files_equal(a, b), "%s differs", files[k]);
    }
    /* the shipped log (22,872 calls of 9 processes) as strace -ff would have written it */
    FILE *in = fopen("data/default/workload.strace", "r");
    REQUIRE(in);
    char line[8192];
    long pids[64];
    int np = 0;
    int ok = 1;
    while (fgets(line, sizeof line, in)) {
        char *e;
        long pid = strtol(line, &e, 10);
        if (e == line || *e != ' ') { ok = 0; break; }
        while (*e == ' ') e++;
        int k = 0;
        while (k < np && pids[k] != pid) k++;
        if (k == np && np < 64) pids[np++] = pid;
        char p[600];
        snprintf(p, sizeof p, "%s/W.%ld", dir, pid);
        FILE *o = fopen(p, "a");
        if (!o) { ok = 0; break; }
        fputs(e, o);
        fclose(o);
    }
    fclose(in);
    REQUIRE(ok && np > 1 && np < 64);
    int len = snprintf(cmd, sizeof cmd, "ingest --from strace --channels");
    for (int k = 0; k < np; k++) len += snprintf(cmd + len, sizeof cmd - (size_t)len, " %s/W.%ld", dir, pids[k]);
    snprintf(cmd + len, sizeof cmd - (size_t)len, " -o %s/dsW", dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/dsF", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    for (int k = 0; files[k]; k++) {
        snprintf(a, sizeof a, "%s/dsF/%s", dir, files[k]);
        snprintf(b, sizeof b, "%s/dsW/%s", dir, files[k]);
        CHECK_MSG(files_equal(a, b), "the shipped log's %s differs", files[k]);
    }
}

/* a thread's execve under strace -ff: the thread's file ends the call's line in "<pid changed
 * to L ...>" and the call resumes in the file of L, the process's leader, whose id the
 * process goes on under ("<... execve resumed>) = 0"). One call, as strace -f's log of the
 * same run gives it: its start's time and thread, the return value, the new program's name
 * from there on. -f with --quiet=thread-execve (-qqq) writes "<pid changed to L ...>" in
 * its one log too */
static const char te_f[] =
    "500   1700000000.000100 execve(\"/usr/bin/prog\", [\"prog\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
    "500   1700000000.000300 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 501 <0.000050>\n"
    "501   1700000000.000400 rseq(0x7f, 0x20, 0, 0x53053053) = 0 <0.000010>\n"
    "500   1700000000.000500 pause( <unfinished ...>\n"
    "501   1700000000.000600 execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd /* 1 var */ <unfinished ...>\n"
    "500   1700000000.000700 <... pause resumed>) = ?\n"
    "500   1700000000.000800 +++ superseded by execve in pid 501 +++\n"
    "500   1700000000.000900 <... execve resumed>) = 0 <0.000300>\n"
    "500   1700000000.001000 brk(NULL) = 0x5000 <0.000010>\n"
    "500   1700000000.001100 exit_group(0) = ?\n"
    "500   1700000000.001200 +++ exited with 0 +++\n";
static const char te_q[] =   /* -f -qqq */
    "500   1700000000.000100 execve(\"/usr/bin/prog\", [\"prog\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
    "500   1700000000.000300 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 501 <0.000050>\n"
    "501   1700000000.000400 rseq(0x7f, 0x20, 0, 0x53053053) = 0 <0.000010>\n"
    "500   1700000000.000500 pause( <unfinished ...>\n"
    "500   1700000000.000550 <... pause resumed>) = ?\n"
    "501   1700000000.000600 execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd /* 1 var */ <pid changed to 500 ...>\n"
    "500   1700000000.000900 <... execve resumed>) = 0 <0.000300>\n"
    "500   1700000000.001000 brk(NULL) = 0x5000 <0.000010>\n"
    "500   1700000000.001100 exit_group(0) = ?\n";
static const char te_leader[] =   /* -ff: PREFIX.500 */
    "1700000000.000100 execve(\"/usr/bin/prog\", [\"prog\"], 0x7ffd /* 1 var */) = 0 <0.000100>\n"
    "1700000000.000300 clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}, 88) = 501 <0.000050>\n"
    "1700000000.000500 pause()               = ?\n"
    "1700000000.000800 +++ superseded by execve in pid 501 +++\n"
    "1700000000.000900 <... execve resumed>) = 0 <0.000300>\n"
    "1700000000.001000 brk(NULL) = 0x5000 <0.000010>\n"
    "1700000000.001100 exit_group(0) = ?\n"
    "1700000000.001200 +++ exited with 0 +++\n";
static const char te_thread[] =   /* PREFIX.501 */
    "1700000000.000400 rseq(0x7f, 0x20, 0, 0x53053053) = 0 <0.000010>\n"
    "1700000000.000600 execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd /* 1 var */ <pid changed to 500 ...>\n";

/* how many calls named name */
static size_t count_named(char *const *names, size_t n, const char *name)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += !strcmp(names[i], name);
    return c;
}

static void strace_ff_thread_execve(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char f[512], q[512], pl[512], pt[512], cmd[4096], err[512], a[600], b[600];
    snprintf(f, sizeof f, "%s/te.log", dir);
    snprintf(q, sizeof q, "%s/teq.log", dir);
    snprintf(pl, sizeof pl, "%s/P.500", dir);
    snprintf(pt, sizeof pt, "%s/P.501", dir);
    write_text(f, te_f);
    write_text(q, te_q);
    write_text(pl, te_leader);
    write_text(pt, te_thread);
    const char *pp[2] = {pt, pl};   /* (the thread's file first) */
    ts_mc_raw rf, rq, rp;
    REQUIRE(ts_mc_from_strace(f, &rf) == 0);
    const char *names[] = {"execve", "clone3", "rseq", "pause", "execve", "brk", "exit_group"};
    const char *comm[] = {"prog", "prog", "prog", "prog", "true", "true", "true"};
    const int64_t tid[] = {500, 500, 501, 500, 501, 500, 500};
    CHECK_MSG(rf.n == 7 && rf.tid && rf.comm, "%zu calls", rf.n);
    for (size_t i = 0; i < 7 && i < rf.n && rf.tid && rf.comm; i++)
        CHECK_MSG(!strcmp(rf.names[i], names[i]) && rf.tid[i] == tid[i] && rf.comm[i] && !strcmp(rf.comm[i], comm[i]),
                  "event %zu: %s of %lld (%s)", i, rf.names[i], (long long)rf.tid[i], rf.comm[i] ? rf.comm[i] : "none");
    CHECK(rf.n > 4 && rf.has_ret[4] && rf.ret[4] == 0 && rf.time_ns[4] == 1700000000000600000LL);
    if (ts_mc_from_strace(q, &rq) == 0) {
        CHECK_MSG(same_raw(&rf, &rq), "-f -qqq: %zu calls", rq.n);
        ts_mc_raw_free(&rq);
    } else CHECK_MSG(0, "%s", ts_error());
    if (ts_mc_from_strace_many(pp, 2, &rp, NULL) == 0) {
        CHECK_MSG(same_raw(&rf, &rp), "-ff: %zu calls", rp.n);
        ts_mc_raw_free(&rp);
    } else CHECK_MSG(0, "%s", ts_error());
    ts_mc_raw_free(&rf);
    /* the names alone: one execve of the thread */
    char **nm = NULL;
    size_t n = 0;
    CHECK_MSG(ts_strace_read_many(pp, 2, &nm, &n) == 0, "%s", ts_error());
    CHECK_MSG(n == 7 && count_named(nm, n, "execve") == 2 && !strcmp(nm[4], "execve") && !strcmp(nm[5], "brk"),
              "%zu calls, %zu execve", n, count_named(nm, n, "execve"));
    for (size_t i = 0; i < n; i++) free(nm[i]);
    free(nm);
    /* the thread's file alone: its call, never resumed */
    CHECK_MSG(ts_mc_from_strace_many((const char *const[]){pt}, 1, &rp, NULL) == 0, "%s", ts_error());
    CHECK(rp.n == 2 && !rp.has_ret[1] && !strcmp(rp.names[1], "execve"));
    ts_mc_raw_free(&rp);
    /* a pid Linux never gives: an error naming the line */
    write_text(q, "501 1700000000.000600 execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd <pid changed to 99999999 ...>\n");
    CHECK_MSG(ts_mc_from_strace(q, &rq) == -1 && strstr(ts_error(), "teq.log:1: ") &&
                  strstr(ts_error(), "<pid changed to N ...>"), "%s", ts_error());
    /* ingest: the -ff files' dataset is the -f log's, with --channels and without */
    for (int ch = 0; ch < 2; ch++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace%s %s -o %s/dsF%d", ch ? " --channels" : "", f, dir, ch);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        snprintf(cmd, sizeof cmd, "ingest --from strace%s %s %s -o %s/dsP%d", ch ? " --channels" : "", pl, pt, dir, ch);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
        static const char *const files[] = {"stream.txt", "vocab.tsv", "dt.npy", "comm.npy", "comm.vocab.tsv",
                                            "ret.npy", "ret.vocab.tsv", "tid.npy", NULL};
        for (int k = 0; files[k] && (ch || k < 2); k++) {
            snprintf(a, sizeof a, "%s/dsF%d/%s", dir, ch, files[k]);
            snprintf(b, sizeof b, "%s/dsP%d/%s", dir, ch, files[k]);
            CHECK_MSG(files_equal(a, b), "%s differs%s", files[k], ch ? " (--channels)" : "");
        }
    }
    /* a real recording (strace 6.1, x86-64) of a program whose second thread sleeps 20 ms and
     * runs execv("/bin/true"): strace -ff -ttt -T -o te, and strace -f -ttt -T -o te.f.log
     * of the same program: the same calls */
    const char *real[2] = {"tests/data/strace_thread_execve/te.15497", "tests/data/strace_thread_execve/te.15498"};
    if (ts_mc_from_strace("tests/data/strace_thread_execve/te.f.log", &rf) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        return;
    }
    if (ts_mc_from_strace_many(real, 2, &rp, NULL) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        ts_mc_raw_free(&rf);
        return;
    }
    const ts_mc_raw *both[2] = {&rf, &rp};
    const int64_t thread[2] = {15503, 15498}, leader[2] = {15502, 15497};
    size_t at[2] = {0, 0}, trues[2] = {0, 0}, without[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        const ts_mc_raw *r = both[k];
        CHECK_MSG(count_named(r->names, r->n, "execve") == 2, "%s: %zu execve", k ? "-ff" : "-f",
                  count_named(r->names, r->n, "execve"));
        for (size_t i = 0; i < r->n; i++) {
            if (i && !strcmp(r->names[i], "execve")) at[k] = i;
            trues[k] += r->comm[i] && !strcmp(r->comm[i], "true");
            without[k] += !r->has_ret[i];
        }
        const size_t i = at[k];
        CHECK_MSG(i && r->tid[i] == thread[k] && r->has_ret[i] && r->ret[i] == 0 && !strcmp(r->comm[i], "true") &&
                      i + 1 < r->n && r->tid[i + 1] == leader[k] && !strcmp(r->comm[i + 1], "true"),
                  "%s: event %zu: %s of %lld (%s), ret %d", k ? "-ff" : "-f", i, r->names[i], (long long)r->tid[i],
                  r->comm[i] ? r->comm[i] : "none", r->has_ret[i]);
    }
    CHECK_MSG(rf.n == rp.n && at[0] == at[1] && trues[0] == trues[1] && without[0] == without[1] && trues[0] > 20,
              "-f: %zu calls, execve %zu, %zu named true, %zu without a value; -ff: %zu, %zu, %zu, %zu", rf.n, at[0],
              trues[0], without[0], rp.n, at[1], trues[1], without[1]);
    ts_mc_raw_free(&rf);
    ts_mc_raw_free(&rp);
}

/* several logs without a shared clock are refused naming the timestamps that merge, and
 * strace -r's at the log's first time; a log without them at its first line without one */
static void strace_ff_no_clock_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/nc.101", dir);
    snprintf(b, sizeof b, "%s/nc.102", dir);
    write_text(b, "1700000000.000100 getpid() = 102\n");
    static const char *const logs[] = {"read(3, \"\", 1) = 0\nclose(3) = 0\n+++ exited with 0 +++\n",
                                       ("     0.000000 read(3, \"\", 1) = 0\n     0.000123 close(3) = 0\n"
                                        "     0.000051 +++ exited with 0 +++\n"),
                                       "1700000000.000100 getpid() = 101\nread(3, \"\", 1) = 0\n"};
    for (int k = 0; k < 3; k++) {
        write_text(a, logs[k]);
        const char *paths[2] = {a, b};
        char **names;
        size_t n;
        char want[600];
        snprintf(want, sizeof want, k == 1 ? "%s:1: relative timestamps" : "%s:%d: lines without timestamps", a,
                 k ? 2 : 1);
        CHECK_MSG(ts_strace_read_logs(paths, 2, &names, &n, NULL) == -1 && strstr(ts_error(), want) &&
                      strstr(ts_error(), "strace -ttt (or -tt)"), "case %d: %s", k, ts_error());
    }
    /* perf trace's output without -T: at its first time too, after a blank line and a call
     * without one ('?') */
    write_text(a, "\n         ? (         ): sh/7  ... [continued]: execve())          = 0\n"
                  "     0.073 ( 0.016 ms): sh/7 brk()                                = 0x5649\n");
    const char *paths[2] = {a, b};
    char **names;
    size_t n;
    char want[600];
    snprintf(want, sizeof want, "%s:3: perf trace's times since its own start", a);
    CHECK_MSG(ts_strace_read_logs(paths, 2, &names, &n, NULL) == -1 && strstr(ts_error(), want), "%s", ts_error());
}

/* -ff files with times in milliseconds (--timestamps=unix,ms, or -tt's cut to them): calls of
 * different files in the same millisecond tie and go in the files' order, which need not be
 * the order they ran in; the reader says how many in a note, the CLI warns with it (with
 * --channels and without); microseconds, and milliseconds without such a tie, say nothing */
static void strace_ff_millisecond_ties(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char a[512], b[512], cmd[2048], out[4096];
    snprintf(a, sizeof a, "%s/P.200", dir);
    snprintf(b, sizeof b, "%s/P.201", dir);
    const char *pp[2] = {a, b};
    const char *const ms[][2] = {
        {"1700000000.001 getpid() = 200 <0.000005>\n1700000000.002 read(0, \"\", 1) = 0 <0.000005>\n",
         "1700000000.001 brk(NULL) = 0x1 <0.000005>\n1700000000.003 close(1) = 0 <0.000005>\n"},
        {"12:00:00.001 getpid() = 200 <0.000005>\n12:00:00.002 read(0, \"\", 1) = 0 <0.000005>\n",
         "12:00:00.001 brk(NULL) = 0x1 <0.000005>\n12:00:00.003 close(1) = 0 <0.000005>\n"},
    };
    for (int k = 0; k < 2; k++) {
        write_text(a, ms[k][0]);
        write_text(b, ms[k][1]);
        char **names = NULL, *notes = NULL;
        size_t n = 0;
        REQUIRE(ts_strace_read_logs(pp, 2, &names, &n, &notes) == 0);
        CHECK_MSG(n == 4 && !strcmp(names[0], "getpid") && !strcmp(names[1], "brk"), "%zu calls", n);
        CHECK_MSG(notes && strstr(notes, "P.200:1: times in milliseconds: 2 of the 4 calls share their time") &&
                  strchr(notes, '\n') == notes + strlen(notes) - 1, "log %d: %s", k, notes ? notes : "(none)");
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        free(notes);
        ts_mc_raw r;
        notes = NULL;
        REQUIRE(ts_mc_from_strace_many(pp, 2, &r, &notes) == 0);
        CHECK_MSG(notes && strstr(notes, "2 of the 4 calls"), "%s", notes ? notes : "(none)");
        CHECK(r.n == 4 && r.tid && r.tid[0] == 200 && r.tid[1] == 201);
        ts_mc_raw_free(&r);
        free(notes);
    }
    for (int ch = 0; ch < 2; ch++) {
        snprintf(cmd, sizeof cmd, "ingest --from strace%s %s %s -o %s/ds%d", ch ? " --channels" : "", a, b, dir, ch);
        CHECK(run_output(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "tracesynth: warning: ") && strstr(out, "P.200:1: times in milliseconds: 2 of the 4 calls"),
                  "%s", out);
    }
    /* no tie across the files; microseconds tied: no note */
    const char *const quiet[][2] = {
        {"1700000000.001 getpid() = 200\n1700000000.002 read(0, \"\", 1) = 0\n",
         "1700000000.003 brk(NULL) = 0x1\n"},
        {"1700000000.000001 getpid() = 200\n", "1700000000.000001 brk(NULL) = 0x1\n"},
    };
    for (int k = 0; k < 2; k++) {
        write_text(a, quiet[k][0]);
        write_text(b, quiet[k][1]);
        char **names = NULL, *notes = (char *)"x";
        size_t n = 0;
        REQUIRE(ts_strace_read_logs(pp, 2, &names, &n, &notes) == 0);
        CHECK_MSG(notes == NULL, "case %d: %s", k, notes);
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        free(notes);
    }
}

/* the CLI: ingest --channels from a log, the files beside stream.txt */
static void ingest_cli(void)
{
    const char *dir = scratch_dir();
    char cmd[1024], err[512];
    snprintf(cmd, sizeof cmd, "ingest --from strace --channels data/default/workload.strace -o %s/ds", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    char p[512];
    snprintf(p, sizeof p, "%s/ds", dir);
    ts_mc m;
    REQUIRE(ts_mc_load(p, &m) == 0);
    CHECK(m.n == 22872 && m.dt && m.ch[TS_CH_RET] && m.ch[TS_CH_TID] && m.ch[TS_CH_COMM] && !m.ch[TS_CH_CPU]);
    size_t none = 0;
    for (size_t i = 0; i < m.n; i++) none += m.ch[TS_CH_RET][i] == TS_CH_PAD;
    CHECK_MSG(none < 20, "%zu events without a return value", none);
    ts_mc_free(&m);
    snprintf(cmd, sizeof cmd, "ingest --from ids --channels data/default/workload.strace -o %s/x", dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--channels applies to"));
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* ingest --channels' summary says how many threads' buckets and CPUs were seen, as it
 * does the names and values of comm and ret, not the channel's whole range (256 for tid) */
static void ingest_summary_counts(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char p[512], cmd[1400], out[4096];
    snprintf(p, sizeof p, "%s/t.trace", dir);
    write_text(p,
               "# tracer: nop\n"
               "            bash-300     [003] ..... 100.000001: sys_openat(dfd: 0xffffff9c, filename: 0x1)\n"
               "          python-301     [000] ..... 100.000003: sys_read(fd: 3, buf: 0x1, count: 0x10)\n"
               "            bash-300     [003] ..... 100.000004: sys_openat -> 0xfffffffffffffffe\n"
               "          python-301     [000] ..... 100.000020: sys_read -> 0x10\n"
               "           <...>-302     [003] ..... 100.001020: sys_close(fd: 3)\n"
               "            bash-300     [003] ..... 100.001030: sys_close(fd: 4)\n");
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s --channels -o %s/ds", p, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, " tid (3 of 256 buckets)") &&
              strstr(out, " cpu (2 values, 0 to 3)"), "%s", out);
    /* a strace -f log of two threads whose IDs fall in one bucket (mod 256) */
    snprintf(p, sizeof p, "%s/f.log", dir);
    write_text(p, "100   1700000001.000001 getpid() = 100 <0.000002>\n356   1700000001.000005 close(3) = 0 <0.000002>\n");
    snprintf(cmd, sizeof cmd, "ingest --from strace %s --channels -o %s/f", p, dir);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, " tid (1 of 256 buckets)"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static void ctf_channels(void)
{
    const char *t = shared_path("traces/lttng/many-threads");
    if (!t) SKIP("../shared/traces/lttng/many-threads not present");
    ts_mc_raw r;
    ts_ctf_trace tr;
    REQUIRE(ts_mc_from_ctf(t, NULL, &r, &tr) == 0);
    CHECK(r.n > 1000 && r.cpu && r.tid && r.comm && r.ret && r.time_ns && tr.names == NULL);
    size_t with_ret = 0, with_tid = 0, nondecr = 1;
    for (size_t i = 0; i < r.n; i++) {
        with_ret += r.has_ret[i];
        with_tid += r.tid[i] >= 0;
        if (i && r.time_ns[i] < r.time_ns[i - 1]) nondecr = 0;
    }
    CHECK(nondecr);
    CHECK_MSG(with_tid > r.n * 9 / 10, "%zu of %zu with a thread", with_tid, r.n);
    /* every call but those that never return (exit) or end past the trace gets its exit's value */
    size_t noret_not_exit = 0;
    for (size_t i = 0; i < r.n; i++) noret_not_exit += !r.has_ret[i] && strcmp(r.names[i], "exit");
    CHECK_MSG(noret_not_exit < r.n / 1000 + 50, "%zu calls without a return value", noret_not_exit);
    CHECK(with_ret > r.n / 2);
    ts_mc_raw_free(&r);
    ts_ctf_trace_free(&tr);
}

/* ftrace text -> channels: the thread and its name from COMM-PID, the CPU from [CPU], the
 * return value from the thread's exit of the call, times from the line */
static void ftrace_fields(void)
{
    char p[512];
    REQUIRE(scratch_file("t.trace", p, sizeof p));
    write_text(p,
               "# tracer: nop\n"
               "            bash-300     [001] ..... 100.000001: sys_openat(dfd: 0xffffff9c, filename: 0x1)\n"
               "          python-301     [000] ..... 100.000003: sys_read(fd: 3, buf: 0x1, count: 0x10)\n"
               "            bash-300     [001] ..... 100.000004: sys_openat -> 0xfffffffffffffffe\n"
               "          <idle>-0       [001] d..2. 100.000010: sched_switch: prev_comm=bash prev_pid=300 ==> next_comm=swapper/1 next_pid=0\n"
               "          python-301     [000] ..... 100.000020: sys_read -> 0x10\n"
               "           <...>-302     [001] ..... 100.001020: sys_close(fd: 3)\n");
    const char *const one[] = {p};
    ts_ctf_trace t;
    char *notes;
    REQUIRE(ts_ftrace_load(one, 1, NULL, NULL, &t, &notes) == 0);
    CHECK(notes == NULL);
    free(notes);
    ts_mc_raw r;
    REQUIRE(ts_mc_from_trace(&t, p, &r) == 0);
    CHECK(t.names == NULL && t.n == 0 && t.n_streams == 2);
    ts_ctf_trace_free(&t);
    REQUIRE(r.n == 3);
    const int64_t tid[] = {300, 301, 302}, ret[] = {-2, 16, 0}, ns[] = {100000001000, 100000003000, 100001020000};
    const int32_t cpu[] = {1, 0, 1};
    const uint8_t has[] = {1, 1, 0};
    const char *comm[] = {"bash", "python", NULL};
    for (size_t i = 0; i < 3; i++) {
        CHECK_MSG(r.tid[i] == tid[i] && r.cpu[i] == cpu[i] && r.time_ns[i] == ns[i], "event %zu", i);
        CHECK_MSG(r.has_ret[i] == has[i] && (!has[i] || r.ret[i] == ret[i]), "event %zu: ret %lld", i, (long long)r.ret[i]);
        CHECK_MSG(comm[i] ? r.comm[i] && !strcmp(r.comm[i], comm[i]) : !r.comm[i], "event %zu", i);
    }
    /* encoded as the other traces are (PROTOCOLS.md §4) */
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    CHECK(m.n == 3 && m.dt[0] == 0 && ts_mc_has(&m, TS_CH_CPU) && ts_mc_has(&m, TS_CH_TID));
    CHECK_NEAR(m.dt[1], log1p(2000.0), 1e-5);
    CHECK_NEAR(m.dt[2], log1p(1017000.0), 1e-5);
    CHECK(m.ch[TS_CH_TID][0] == 300 % 256 && m.ch[TS_CH_CPU][2] == 1 && m.ch[TS_CH_COMM][2] == TS_CH_PAD);
    CHECK(m.ch[TS_CH_RET][2] == TS_CH_PAD && m.ch[TS_CH_RET][0] >= 2);
    ts_mc_free(&m);
}

/* a trace of n events with events e, dt d, cpu c (the others absent) */
static void fidelity(void)
{
    const int32_t e1[] = {0, 0, 1, 1}, e2[] = {2, 2, 3, 3}, c1[] = {0, 1, 0, 1}, c2[] = {1, 0, 1, 0};
    const float d1[] = {0, 1, 1, 1}, d2[] = {1, 2, 2, 2}, b1[] = {20, 1, 1, 1};
    ts_mc a, b, c;
    tiny_mc(&a, 4, e1, d1, c1);
    tiny_mc(&b, 4, e2, d2, c2);
    tiny_mc(&c, 4, e1, b1, c1);
    ts_mc_fidelity f;
    REQUIRE(ts_mc_compare(&a, &a, 0, &f) == 0);
    CHECK(f.js[TS_CH_EVENT] == 0 && f.w1_dt == 0 && f.js_event_cpu == 0 && f.js[TS_CH_COMM] == -1);
    REQUIRE(ts_mc_compare(&a, &b, 0, &f) == 0);
    CHECK_NEAR(f.js[TS_CH_EVENT], 1.0, 1e-12);          /* disjoint */
    CHECK_NEAR(f.js[TS_CH_CPU], 0.0, 1e-12);            /* the same CPUs, in another order */
    CHECK_NEAR(f.js_event_cpu, 1.0, 1e-12);
    CHECK_NEAR(f.w1_dt, 1.0, 1e-12);                    /* every value moved by 1 */
    CHECK(f.js_event_ret == -1);
    /* W1 against the sorted-sample formula: mean |a_(i) - c_(i)| for equal sizes */
    REQUIRE(ts_mc_compare(&a, &c, 0, &f) == 0);
    CHECK_NEAR(f.w1_dt, (1 + 0 + 0 + 19) / 4.0, 1e-6);
    /* bursts: dt values within log(1 + 10 us); a holds one run of 4 */
    CHECK_NEAR(f.burst_real, 1000.0 / 4, 1e-9);
    CHECK_NEAR(f.burst_synth, 1000.0 / 4, 1e-9);        /* a run starts at any dt: c's is 4 long */
    const float d3[] = {0, 40, 1, 40};
    ts_mc_free(&c);
    tiny_mc(&c, 4, e1, d3, c1);
    REQUIRE(ts_mc_compare(&a, &c, 0, &f) == 0);
    CHECK_NEAR(f.burst_synth, 0, 1e-9);                 /* runs of 2 and 2 */
    /* in windows of 2 no run of 3 fits: c's run of 4 is two windows' runs of 2 */
    ts_mc_free(&c);
    tiny_mc(&c, 4, e1, b1, c1);
    REQUIRE(ts_mc_compare(&a, &c, 2, &f) == 0);
    CHECK_NEAR(f.burst_synth, 0, 1e-9);
    REQUIRE(ts_mc_compare(&a, &c, 4, &f) == 0);
    CHECK_NEAR(f.burst_synth, 1000.0 / 4, 1e-9);
    /* the real trace is counted in windows of the synthetic length too: the same events,
     * every dt 0, score the same on both sides (one run per window of 3, the real part's
     * tail of 2 too short for one) */
    {
        const int32_t e8[8] = {0}, c8[8] = {0};
        const float z8[8] = {0};
        ts_mc r8, s6;
        tiny_mc(&r8, 8, e8, z8, c8);
        tiny_mc(&s6, 6, e8, z8, c8);
        REQUIRE(ts_mc_compare(&r8, &s6, 3, &f) == 0);
        CHECK_NEAR(f.burst_synth, 1000.0 * 2 / 6, 1e-9);
        CHECK_NEAR(f.burst_real, 1000.0 * 2 / 8, 1e-9);
        REQUIRE(ts_mc_compare(&r8, &s6, 2, &f) == 0);   /* no run of 3 fits a window of 2 */
        CHECK_NEAR(f.burst_real, 0, 1e-9);
        CHECK_NEAR(f.burst_synth, 0, 1e-9);
        REQUIRE(ts_mc_compare(&r8, &s6, 0, &f) == 0);   /* both one sequence */
        CHECK_NEAR(f.burst_real, 1000.0 / 8, 1e-9);
        CHECK_NEAR(f.burst_synth, 1000.0 / 6, 1e-9);
        ts_mc_free(&r8);
        ts_mc_free(&s6);
    }
    /* a dt that is no time (NaN, inf) is refused, naming the trace and the event, rather
     * than sorted at random into W1 */
    const float dn[] = {0, 1, NAN, 1}, di[] = {0, INFINITY, 1, 1};
    ts_mc_free(&c);
    tiny_mc(&c, 4, e1, dn, c1);
    CHECK(ts_mc_compare(&a, &c, 0, &f) == -1);
    CHECK_MSG(strstr(ts_error(), "synthetic: event 2: dt nan") != NULL, "%s", ts_error());
    ts_mc_free(&c);
    tiny_mc(&c, 4, e1, di, c1);
    CHECK(ts_mc_compare(&c, &a, 0, &f) == -1);
    CHECK_MSG(strstr(ts_error(), "real: event 1: dt inf") != NULL, "%s", ts_error());
    /* the rule is ts_mc_load's and imputation's: no dt past the largest an int64 clock holds */
    const float dh[] = {0, 1, 1, 50};
    ts_mc_free(&c);
    tiny_mc(&c, 4, e1, dh, c1);
    CHECK(!ts_mc_dt_ok(50) && !ts_mc_dt_ok(-1) && !ts_mc_dt_ok(NAN) && ts_mc_dt_ok(TS_MC_DT_MAX) && ts_mc_dt_ok(0));
    CHECK(ts_mc_compare(&a, &c, 0, &f) == -1);
    CHECK_MSG(strstr(ts_error(), "synthetic: event 3: dt 50") != NULL, "%s", ts_error());
    ts_mc_free(&a);
    ts_mc_free(&b);
    ts_mc_free(&c);
}

/* JS (base 2) of the values of channel a, or of the (a, b) pairs (b >= 0), counted
 * directly over the distinct values of both traces */
static double naive_js(const ts_mc *r, const ts_mc *s, int a, int b)
{
    int64_t keys[128];
    double p[128] = {0}, q[128] = {0};
    size_t nk = 0;
    const ts_mc *m[2] = {r, s};
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < m[side]->n; i++) {
            int64_t key = (int64_t)m[side]->ch[a][i] * 1000 + (b >= 0 ? m[side]->ch[b][i] : 0);
            size_t k = 0;
            while (k < nk && keys[k] != key) k++;
            if (k == nk) keys[nk++] = key;
            (side ? q : p)[k] += 1.0 / (double)m[side]->n;
        }
    double js = 0;
    for (size_t k = 0; k < nk; k++) {
        double mm = 0.5 * (p[k] + q[k]);
        if (p[k] > 0) js += 0.5 * p[k] * log2(p[k] / mm);
        if (q[k] > 0) js += 0.5 * q[k] * log2(q[k] / mm);
    }
    return js;
}

/* W1: the integral of |F - G| between consecutive values of either sample */
static double naive_w1(const float *x, size_t n, const float *y, size_t m)
{
    double z[128], area = 0;
    size_t nz = 0;
    for (size_t i = 0; i < n + m; i++) z[nz++] = i < n ? x[i] : y[i - n];
    for (size_t i = 0; i < nz; i++)   /* sort */
        for (size_t j = i + 1; j < nz; j++)
            if (z[j] < z[i]) { double t = z[i]; z[i] = z[j]; z[j] = t; }
    for (size_t k = 0; k + 1 < nz; k++) {
        double F = 0, G = 0;
        for (size_t i = 0; i < n; i++) F += x[i] <= z[k];
        for (size_t i = 0; i < m; i++) G += y[i] <= z[k];
        area += fabs(F / (double)n - G / (double)m) * (z[k + 1] - z[k]);
    }
    return area;
}

/* bursts per 1000 events: in each window of L (0: all), the maximal runs of events each
 * within 10 us of the one before (the window's first starts one), 3 events or more */
static double naive_bursts(const ts_mc *m, size_t L)
{
    const float lim = (float)log1p(10000.0);
    size_t runs = 0, W = L ? L : m->n;
    for (size_t w = 0; w < m->n; w += W) {
        size_t end = w + W < m->n ? w + W : m->n;
        for (size_t i = w; i < end;) {   /* a run from i: i, then every next within the limit */
            size_t j = i + 1;
            while (j < end && m->dt[j] <= lim) j++;
            runs += j - i >= 3;
            i = j;
        }
    }
    return 1000.0 * (double)runs / (double)m->n;
}

/* a trace of n events with every channel, values drawn from few (constant: one value
 * each), types in [0, V) */
static void random_mc(ts_mc *m, size_t n, int V, int constant, ts_rng *r)
{
    static const float dts[] = {0, 1, 9.2104404f, 9.3f, 20};
    memset(m, 0, sizeof *m);
    m->n = n;
    m->events.stream.n = n;
    m->events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m->events.vocab.unk = -1;
    m->ch[TS_CH_EVENT] = m->events.stream.ids;
    m->dt = ts_malloc(n * sizeof(float));
    for (int c = TS_CH_COMM; c < TS_NCH; c++) m->ch[c] = ts_malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        m->ch[TS_CH_EVENT][i] = constant ? 1 : (int32_t)ts_rng_below(r, (uint64_t)V);
        m->dt[i] = constant ? 3.5f : dts[ts_rng_below(r, 5)];
        m->ch[TS_CH_COMM][i] = constant ? 2 : (int32_t)ts_rng_below(r, 4);
        m->ch[TS_CH_RET][i] = constant ? 0 : (int32_t)ts_rng_below(r, 5);
        m->ch[TS_CH_TID][i] = constant ? 7 : (int32_t)ts_rng_below(r, 3) * 100;
        m->ch[TS_CH_CPU][i] = constant ? 3 : (int32_t)ts_rng_below(r, 4);
    }
    static const char *const comms[] = {"<pad>", "<unk>", "a", "b"}, *const rets[] = {"<pad>", "<unk>", "0", "-2", "7"};
    ts_vocab *v[2] = {&m->comm_vocab, &m->ret_vocab};
    for (int j = 0; j < 2; j++) {
        v[j]->n = j ? 5 : 4;
        v[j]->unk = 1;
        v[j]->names = ts_malloc((size_t)v[j]->n * sizeof(char *));
        for (int i = 0; i < v[j]->n; i++) v[j]->names[i] = ts_strdup(j ? rets[i] : comms[i]);
    }
}

/* every fidelity measure against a direct count on random small traces: one-event
 * windows, constant channels, every dt alike, event types the real trace lacks */
static void fidelity_matches_naive(void)
{
    ts_rng r;
    ts_rng_seed(&r, 21);
    for (int trial = 0; trial < 300; trial++) {
        size_t nr = 1 + ts_rng_below(&r, 30), L = ts_rng_below(&r, 4), ns = (1 + ts_rng_below(&r, 10)) * (L ? L : 3);
        ts_mc a, b;
        random_mc(&a, nr, 3, trial % 7 == 1, &r);
        random_mc(&b, ns, 6, trial % 5 == 2, &r);   /* types 3 to 5: none in the real trace */
        ts_mc_fidelity f;
        REQUIRE(ts_mc_compare(&a, &b, L, &f) == 0);
        for (int c = 0; c < TS_NCH; c++)
            if (c != TS_CH_DT)
                CHECK_MSG(fabs(f.js[c] - naive_js(&a, &b, c, -1)) < 1e-9, "trial %d: JS %s %g, directly %g", trial,
                          ts_ch_names[c], f.js[c], naive_js(&a, &b, c, -1));
        CHECK_MSG(fabs(f.js_event_cpu - naive_js(&a, &b, TS_CH_EVENT, TS_CH_CPU)) < 1e-9, "trial %d: JS event x cpu %g, %g",
                  trial, f.js_event_cpu, naive_js(&a, &b, TS_CH_EVENT, TS_CH_CPU));
        CHECK_MSG(fabs(f.js_event_ret - naive_js(&a, &b, TS_CH_EVENT, TS_CH_RET)) < 1e-9, "trial %d: JS event x ret %g, %g",
                  trial, f.js_event_ret, naive_js(&a, &b, TS_CH_EVENT, TS_CH_RET));
        CHECK_MSG(fabs(f.w1_dt - naive_w1(a.dt, nr, b.dt, ns)) < 1e-6, "trial %d: W1 %g, directly %g", trial, f.w1_dt,
                  naive_w1(a.dt, nr, b.dt, ns));
        CHECK_MSG(fabs(f.burst_real - naive_bursts(&a, L)) < 1e-9 && fabs(f.burst_synth - naive_bursts(&b, L)) < 1e-9,
                  "trial %d: bursts %g %g, directly %g %g", trial, f.burst_real, f.burst_synth, naive_bursts(&a, L),
                  naive_bursts(&b, L));
        ts_mc_free(&b);
        /* no synthetic event: refused, not a divergence of an empty distribution */
        random_mc(&b, 0, 3, 0, &r);
        CHECK(ts_mc_compare(&a, &b, L, &f) == -1 && strstr(ts_error(), "no events"));
        ts_mc_free(&b);
        ts_mc_free(&a);
    }
}

/* unnamed event IDs up to 14 million: the joint event x ret table (70 million cells) and
 * the event table are larger than the events by far; their JS is still measured, as the
 * small tables' */
static void fidelity_wide_tables(void)
{
    ts_rng r;
    ts_rng_seed(&r, 5);
    ts_mc a, b;
    random_mc(&a, 40, 3, 0, &r);
    random_mc(&b, 30, 3, 0, &r);
    for (size_t i = 0; i < a.n; i++) a.ch[TS_CH_EVENT][i] *= 7000000;
    for (size_t i = 0; i < b.n; i++) b.ch[TS_CH_EVENT][i] *= 7000000;
    ts_mc_fidelity f;
    REQUIRE(ts_mc_compare(&a, &b, 0, &f) == 0);
    CHECK_MSG(fabs(f.js[TS_CH_EVENT] - naive_js(&a, &b, TS_CH_EVENT, -1)) < 1e-9, "JS event %g, directly %g",
              f.js[TS_CH_EVENT], naive_js(&a, &b, TS_CH_EVENT, -1));
    CHECK_MSG(fabs(f.js_event_ret - naive_js(&a, &b, TS_CH_EVENT, TS_CH_RET)) < 1e-9, "JS event x ret %g, directly %g",
              f.js_event_ret, naive_js(&a, &b, TS_CH_EVENT, TS_CH_RET));
    CHECK_MSG(fabs(f.js_event_cpu - naive_js(&a, &b, TS_CH_EVENT, TS_CH_CPU)) < 1e-9, "JS event x cpu %g, directly %g",
              f.js_event_cpu, naive_js(&a, &b, TS_CH_EVENT, TS_CH_CPU));
    ts_mc_free(&a);
    ts_mc_free(&b);
}

/* ---- the generation metrics against an independent reference ----
 * tests/fixtures/eval_metrics.bin (tests/torch/eval_fixtures.py, numpy from the definitions
 * of PROTOCOLS.md §3-4 and eval --help): small traces and the values every metric of
 * eval --real DS --synthetic S takes on them, through the library calls eval makes */

/* trace TAG of case K of the fixture (channels whose array is absent absent, comm and ret
 * named v0, v1, ... as far as K.TAG.card says); 0, or -1 when it has no events */
static int fx_trace(const char *k, const char *tag, ts_mc *m)
{
    char name[128];
    memset(m, 0, sizeof *m);
    m->events.vocab.unk = m->comm_vocab.unk = m->ret_vocab.unk = -1;
    snprintf(name, sizeof name, "%s.%s.event", k, tag);
    const fx_array *e = fx_find(name);
    if (!e) return -1;
    m->n = m->events.stream.n = e->n;
    snprintf(name, sizeof name, "%s.%s.card", k, tag);
    const float *card = fx_get(name);
    for (int c = 0; c < TS_NCH; c++) {
        snprintf(name, sizeof name, "%s.%s.%s", k, tag, ts_ch_names[c]);
        const fx_array *a = NULL;
        for (int i = 0; i < nfx && !a; i++)   /* fx_find would complain of an absent channel */
            if (!strcmp(fx[i].name, name)) a = &fx[i];
        if (!a) continue;
        if (c == TS_CH_DT) {
            m->dt = ts_malloc(m->n * sizeof *m->dt);
            memcpy(m->dt, a->data, m->n * sizeof *m->dt);
            continue;
        }
        m->ch[c] = ts_malloc(m->n * sizeof(int32_t));
        for (size_t i = 0; i < m->n; i++) m->ch[c][i] = (int32_t)a->data[i];
        ts_vocab *v = c == TS_CH_COMM ? &m->comm_vocab : c == TS_CH_RET ? &m->ret_vocab : NULL;
        if (v && card) {
            v->n = (int)card[c == TS_CH_COMM ? 0 : 1];
            v->names = ts_malloc((size_t)v->n * sizeof *v->names);
            v->counts = ts_calloc((size_t)v->n, sizeof *v->counts);
            for (int i = 0; i < v->n; i++) {
                char s[16];
                snprintf(s, sizeof s, "v%d", i);
                v->names[i] = ts_strdup(s);
            }
        }
    }
    m->events.stream.ids = m->ch[TS_CH_EVENT];
    return m->n ? 0 : -1;
}

static void eval_reference(void)
{
    static const char *const cands[] = {"tests/fixtures/eval_metrics.bin", "../tests/fixtures/eval_metrics.bin"};
    const char *path = NULL;
    for (int i = 0; i < 2 && !path; i++)
        if (access(cands[i], R_OK) == 0) path = cands[i];
    if (!path) SKIP("tests/fixtures/eval_metrics.bin not found (run from the repository root)");
    REQUIRE(fx_load(path) == 0);
    /* the fixture's order (NAMES of eval_fixtures.py) */
    static const char *const names[] = {
        "js_event", "js_comm", "js_ret", "js_tid", "js_cpu", "w1_dt", "js_event_cpu", "js_event_ret",
        "burst_real", "burst_synth", "js_unigram", "js_bigram", "kl_unigram", "coverage_real",
        "coverage_synth", "gen_d_trans", "memorized_events", "lcs_mean", "lcs_median", "lcs_p90", "lcs_max",
        "memorized", "d_trans", "d_time", "d_cpu", "d_attr", "real_d_trans", "real_d_time", "real_d_cpu",
        "real_d_attr"};
    enum { NM = sizeof names / sizeof *names };
    int cases = 0;
    for (int a = 0; a < nfx; a++) {
        char k[64];
        size_t kl = strlen(fx[a].name);
        if (kl < 7 || strcmp(fx[a].name + kl - 7, ".expect")) continue;
        snprintf(k, sizeof k, "%.*s", (int)(kl - 7), fx[a].name);
        REQUIRE(fx[a].n == NM);
        const float *want = fx[a].data;
        char name[128];
        snprintf(name, sizeof name, "%s.lens", k);
        const float *lens = fx_get(name);
        REQUIRE(lens);
        size_t rlen = (size_t)lens[0], L = (size_t)lens[1], tlen = (size_t)lens[2];
        ts_mc R, S, T;
        REQUIRE(fx_trace(k, "real", &R) == 0 && fx_trace(k, "synth", &S) == 0 && fx_trace(k, "train", &T) == 0);
        double got[NM];
        for (int i = 0; i < NM; i++) got[i] = -1;
        /* ts_mc_compare_windows, ts_eval_generate, ts_mc_memorized_windows and the validity
         * under constraints of the training part, as eval_channels calls them */
        ts_mc_fidelity f;
        CHECK_MSG(ts_mc_compare_windows(&R, rlen, &S, L, &f) == 0, "%s: %s", k, ts_error());
        got[0] = f.js[TS_CH_EVENT], got[1] = f.js[TS_CH_COMM], got[2] = f.js[TS_CH_RET];
        got[3] = f.js[TS_CH_TID], got[4] = f.js[TS_CH_CPU], got[5] = f.w1_dt;
        got[6] = f.js_event_cpu, got[7] = f.js_event_ret, got[8] = f.burst_real, got[9] = f.burst_synth;
        size_t RL = rlen ? rlen : R.n, SL = L ? L : S.n, TL = tlen ? tlen : T.n;
        ts_windows wr = {R.ch[TS_CH_EVENT], R.n / RL, RL}, ws = {S.ch[TS_CH_EVENT], S.n / SL, SL},
                   wt = {T.ch[TS_CH_EVENT], T.n / TL, TL};
        ts_gen_metrics g;
        int rc = ts_eval_generate(&wr, &ws, &wt, &g);
        CHECK_MSG(rc == 0, "%s: ts_eval_generate %d: %s", k, rc, ts_error());
        if (rc == 0) {   /* without pairs (windows of 1 event): -1, as the reference says */
            const double v[] = {g.js_unigram, g.has_bigram ? g.js_bigram : -1, g.kl_unigram, g.coverage_real,
                                g.coverage_synth, g.has_d_trans ? g.d_trans : -1, g.memorized, g.lcs_mean,
                                g.lcs_median, g.lcs_p90, g.lcs_max};
            memcpy(got + 10, v, sizeof v);
        }
        CHECK_MSG(ts_mc_memorized_windows(&T, 0, tlen, &S, L, &got[21], NULL) == 0, "%s: %s", k, ts_error());
        ts_constraints c;
        ts_validity vs, vr;
        REQUIRE(ts_constraints_learn_windows(&T, 0, tlen, &c) == 0);
        CHECK(ts_constraints_validity(&c, &S, L, &vs) == 0 && ts_constraints_validity(&c, &R, rlen, &vr) == 0);
        ts_constraints_free(&c);
        const double v[] = {vs.d_trans, vs.d_time, vs.d_cpu, vs.d_attr, vr.d_trans, vr.d_time, vr.d_cpu, vr.d_attr};
        memcpy(got + 22, v, sizeof v);
        /* the reference is stored as float32: 6e-8 of each value */
        for (int i = 0; i < NM; i++)
            CHECK_MSG(fabs(got[i] - want[i]) <= 1e-6 * fabs(want[i]) + 1e-9, "%s: %s %.9g, the reference %.9g", k,
                      names[i], got[i], (double)want[i]);
        ts_mc_free(&R);
        ts_mc_free(&S);
        ts_mc_free(&T);
        cases++;
    }
    CHECK(cases >= 7);
}

/* m written as strace-like text to the scratch file name (its path into p, cap bytes),
 * then freed; the text (to free), or NULL when not written or not read */
static char *strace_text_of(ts_mc *m, const char *name, char *p, size_t cap)
{
    const char *dir = scratch_dir();
    char *text = NULL;
    size_t tn = 0;
    int rc = -1;
    if (dir) {
        snprintf(p, cap, "%s/%s", dir, name);
        rc = ts_mc_write_strace(p, m);
        CHECK_MSG(rc == 0, "%s: %s", p, ts_error());
    }
    ts_mc_free(m);
    return rc == 0 && ts__read_text(p, &text, &tn) == 0 ? text : NULL;
}

/* a thread of no name in strace-like text: export writes it 'TID<>', which the reader keeps
 * as none. A thread a clone() made reads with its maker's name where its line names none
 * (strace's, as a real log's child inherits it): export's thread of no name, written so
 * too, came back with the name of the thread whose clone() returned its bucket */
static void strace_export_no_name(void)
{
    static const char *names[] = {"clone", "getpid"}, *comm[] = {"bash", NULL};
    static const int64_t t[] = {1000, 2000}, ret[] = {101, 101}, tid[] = {100, 101};
    static const uint8_t has[] = {1, 1};
    ts_mc_raw r;
    memset(&r, 0, sizeof r);
    r.n = 2;
    r.names = ts_malloc(2 * sizeof *r.names);
    r.comm = ts_malloc(2 * sizeof *r.comm);
    for (int i = 0; i < 2; i++) r.names[i] = dup_s(names[i]), r.comm[i] = dup_s(comm[i]);
    r.time_ns = ts_malloc(sizeof t);
    r.ret = ts_malloc(sizeof ret);
    r.has_ret = ts_malloc(sizeof has);
    r.tid = ts_malloc(sizeof tid);
    memcpy(r.time_ns, t, sizeof t);
    memcpy(r.ret, ret, sizeof ret);
    memcpy(r.has_ret, has, sizeof has);
    memcpy(r.tid, tid, sizeof tid);
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    REQUIRE(m.ch[TS_CH_COMM] && m.ch[TS_CH_COMM][1] == TS_CH_PAD);
    char p[512];
    char *text = strace_text_of(&m, "none.strace", p, sizeof p);
    REQUIRE(text);
    CHECK_MSG(strstr(text, "100<bash> ") && strstr(text, "\n101<> "), "%s", text);
    free(text);
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK_MSG(r.n == 2 && r.comm[0] && !strcmp(r.comm[0], "bash") && !r.comm[1], "read back: %s, %s",
              r.n > 0 && r.comm[0] ? r.comm[0] : "(none)", r.n > 1 && r.comm[1] ? r.comm[1] : "(none)");
    ts_mc_raw_free(&r);
    /* strace's own lines: a child named by its maker; '[pid N<>]' is none as 'N<>' is */
    const char *logs[] = {"100<bash> 0.000001000 clone() = 101 <0.000001000>\n"
                          "101 0.000002000 getpid() = 101 <0.000001000>\n",
                          "[pid 100<bash>] 0.000001000 clone() = 101 <0.000001000>\n"
                          "[pid 101<>] 0.000002000 getpid() = 101 <0.000001000>\n"};
    for (int k = 0; k < 2; k++) {
        write_text(p, logs[k]);
        REQUIRE(ts_mc_from_strace(p, &r) == 0);
        const int want = k ? !r.comm[1] : r.comm[1] && !strcmp(r.comm[1], "bash");
        CHECK_MSG(r.n == 2 && r.comm[0] && !strcmp(r.comm[0], "bash") && want, "log %d: %s", k,
                  r.n > 1 && r.comm[1] ? r.comm[1] : "(none)");
        ts_mc_raw_free(&r);
    }
    remove(p);
}

/* a dataset with process names but no threads in strace-like text: each line's name after
 * a TID of 0 ('0<a>', '0<>' none, '0<\074unk\076>' unknown), which ingest reads as no
 * thread, so that the names come back and no thread channel does; they were left out */
static void strace_export_names_without_threads(void)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 5.0 / 6.0, &m) == 0);   /* "zz", after the first 5 events: <unk> */
    ts_mc_raw_free(&r);
    free(m.ch[TS_CH_TID]);
    m.ch[TS_CH_TID] = NULL;
    char p[512];
    char *text = strace_text_of(&m, "names.strace", p, sizeof p);
    REQUIRE(text);
    CHECK_MSG(!strncmp(text, "0<a> ", 5) && strstr(text, "\n0<> ") && strstr(text, "\n0<\\074unk\\076> "), "%s", text);
    free(text);
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    const char *want[] = {"a", "a", "b", NULL, "a", "<unk>"};
    CHECK(r.n == 6 && !r.tid);
    for (size_t i = 0; i < 6 && i < r.n; i++)
        CHECK_MSG(want[i] ? r.comm[i] && !strcmp(r.comm[i], want[i]) : !r.comm[i], "event %zu: %s, not %s", i,
                  r.comm[i] ? r.comm[i] : "(none)", want[i] ? want[i] : "(none)");
    ts_mc_raw_free(&r);
    remove(p);
}

/* thread bucket 0 (a thread ID of 256, 512, ... or unknown) in strace-like text: export
 * writes it as 256, which reads back as bucket 0; written as TID 0 it read back as no
 * thread, which the reader then gave the one task it traced (bucket 100 here) */
static void strace_export_bucket_zero(void)
{
    static const char *names[] = {"read", "read", "read"}, *comm[] = {"a", "b", "c"};
    static const int64_t t[] = {1000, 2000, 3000}, tid[] = {100, 512, -1};
    ts_mc_raw r;
    memset(&r, 0, sizeof r);
    r.n = 3;
    r.names = ts_malloc(3 * sizeof *r.names);
    r.comm = ts_malloc(3 * sizeof *r.comm);
    for (int i = 0; i < 3; i++) r.names[i] = dup_s(names[i]), r.comm[i] = dup_s(comm[i]);
    r.time_ns = ts_malloc(sizeof t);
    r.tid = ts_malloc(sizeof tid);
    memcpy(r.time_ns, t, sizeof t);
    memcpy(r.tid, tid, sizeof tid);
    ts_mc m;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    ts_mc_raw_free(&r);
    REQUIRE(m.ch[TS_CH_TID] && m.ch[TS_CH_TID][0] == 100 && m.ch[TS_CH_TID][1] == 0 && m.ch[TS_CH_TID][2] == 0);
    char p[512];
    REQUIRE(scratch_file("zero.strace", p, sizeof p));
    /* with process names, then without */
    for (int k = 0; k < 2; k++) {
        if (k) {
            free(m.ch[TS_CH_COMM]);
            m.ch[TS_CH_COMM] = NULL;
        }
        REQUIRE(ts_mc_write_strace(p, &m) == 0);
        REQUIRE(ts_mc_from_strace(p, &r) == 0);
        CHECK_MSG(r.n == 3 && r.tid, "%zu events read back, %s threads", r.n, r.tid ? "with" : "without");
        const int64_t want[] = {100, 0, 0};
        for (size_t i = 0; i < 3 && i < r.n && r.tid; i++)
            CHECK_MSG(r.tid[i] >= 0 && r.tid[i] % TS_TID_MOD == want[i], "names %d, event %zu: thread %lld read back",
                      !k, i, (long long)r.tid[i]);
        ts_mc_raw_free(&r);
        char *text = NULL;
        size_t tn = 0;
        if (ts__read_text(p, &text, &tn) == 0)
            CHECK_MSG(k ? strstr(text, "\n256 ") != NULL : strstr(text, "\n256<b> ") && strstr(text, "\n256<c> "),
                      "%s", text);
        free(text);
    }
    ts_mc_free(&m);
    remove(p);
}

/* renumbering by name, slices, and the strace-like text read back */
static void renumber_slice_export(void)
{
    ts_mc_raw r;
    small_raw(&r);
    ts_mc a, b;
    REQUIRE(ts_mc_encode(&r, 1.0, &a) == 0);
    ts_mc_raw_free(&r);
    /* b: the same trace ranked over its first half only: other IDs for the same names */
    small_raw(&r);
    REQUIRE(ts_mc_encode(&r, 0.5, &b) == 0);
    ts_mc_raw_free(&r);
    CHECK(memcmp(a.ch[TS_CH_EVENT], b.ch[TS_CH_EVENT], 6 * sizeof(int32_t)) != 0);
    size_t unk = 0;
    REQUIRE(ts_mc_renumber(&b, &a.events.vocab, &a.comm_vocab, &a.ret_vocab, &unk) == 0);
    /* names b saw only after its first half are its <unk>: they stay unknown */
    for (int i = 0; i < 6; i++) {
        int32_t x = b.ch[TS_CH_EVENT][i];
        CHECK(x == a.ch[TS_CH_EVENT][i] || x == a.events.vocab.unk);
        x = b.ch[TS_CH_RET][i];
        CHECK(x == a.ch[TS_CH_RET][i] || x == TS_CH_UNK);
    }
    CHECK(b.events.vocab.n == a.events.vocab.n && unk == 0);
    CHECK(b.ch[TS_CH_EVENT][0] == a.ch[TS_CH_EVENT][0] && b.ch[TS_CH_EVENT][1] == a.ch[TS_CH_EVENT][1]);
    ts_mc_free(&b);
    /* a target without <unk> refuses a name it lacks, naming it */
    ts_vocab one = {1, (char *[]){"read"}, NULL, -1};
    small_raw(&r);
    REQUIRE(ts_mc_encode(&r, 1.0, &b) == 0);
    ts_mc_raw_free(&r);
    CHECK(ts_mc_renumber(&b, &one, NULL, NULL, NULL) != 0 && strstr(ts_error(), "'write' is not in"));
    ts_mc_free(&b);
    /* slices, with the events' times (repair --part writes them back) */
    REQUIRE(!a.events.time_ns);
    a.events.time_ns = ts_malloc(6 * sizeof *a.events.time_ns);
    for (int i = 0; i < 6; i++) a.events.time_ns[i] = 1000 * i + 7;
    REQUIRE(ts_mc_slice(&a, 2, 5, &b) == 0);
    CHECK(b.n == 3 && b.ch[TS_CH_CPU][1] == a.ch[TS_CH_CPU][3] && b.dt[2] == a.dt[4]);
    CHECK(b.events.time_ns && b.events.time_ns[0] == 2007 && b.events.time_ns[2] == 4007);
    CHECK(b.comm_vocab.n == a.comm_vocab.n);
    ts_mc_free(&b);
    CHECK(ts_mc_slice(&a, 4, 7, &b) != 0);
    /* times made up for the slices, not its dts': the writers would place the events at them */
    free(a.events.time_ns);
    a.events.time_ns = NULL;
    /* strace-like text: read back, the events, return values, threads and times survive */
    const char *dir = scratch_dir();
    char p[512];
    snprintf(p, sizeof p, "%s/t.strace", dir);
    REQUIRE(ts_mc_write_strace(p, &a) == 0);
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 6);
    for (size_t i = 0; i < 6 && i < r.n; i++) {
        int32_t e = a.ch[TS_CH_EVENT][i];
        const char *want = e == a.events.vocab.unk ? "_unk_" : a.events.vocab.names[e];
        CHECK_MSG(!strcmp(r.names[i], want), "%zu: %s, want %s", i, r.names[i], want);
        int32_t rt = a.ch[TS_CH_RET][i];
        CHECK(r.has_ret[i] == (rt >= 2));
        if (rt >= 2) CHECK(r.ret[i] == strtoll(a.ret_vocab.names[rt], NULL, 10));
        if (i) CHECK_NEAR((double)(r.time_ns[i] - r.time_ns[i - 1]), expm1((double)a.dt[i]), 1.0);
    }
    CHECK(r.tid && r.tid[2] == 101);
    ts_mc_raw_free(&r);
    remove(p);
    /* without threads or names: strace's lines without a pid (as without -f), not a pid 0
     * for all */
    int32_t *tids = a.ch[TS_CH_TID], *comms = a.ch[TS_CH_COMM];
    a.ch[TS_CH_TID] = a.ch[TS_CH_COMM] = NULL;
    REQUIRE(ts_mc_write_strace(p, &a) == 0);
    char *text = NULL;
    size_t tn = 0;
    REQUIRE(ts__read_text(p, &text, &tn) == 0);
    CHECK_MSG(text[0] >= '0' && text[0] <= '9' && strchr(text, '.') < strchr(text, ' '), "%s", text);
    free(text);
    REQUIRE(ts_mc_from_strace(p, &r) == 0);
    CHECK(r.n == 6);
    ts_mc_raw_free(&r);
    a.ch[TS_CH_TID] = tids;
    a.ch[TS_CH_COMM] = comms;
    remove(p);
    /* a time past what a trace's clock holds is refused by both writers, naming the event,
     * and leaves no file; a CTF output named "dir/" is dir */
    float keep = a.dt[3];
    a.dt[3] = 50.0f;   /* e^50 ns */
    CHECK(ts_mc_write_strace(p, &a) == -1 && strstr(ts_error(), "event 3 comes") && !ts_file_exists(p));
    char c1[600];
    snprintf(c1, sizeof c1, "%s/c1", dir);
    CHECK(ts_mc_write_ctf(c1, &a) == -1 && strstr(ts_error(), "event 3 comes") && count_dir(dir) == 0);
    a.dt[3] = keep;
    snprintf(c1, sizeof c1, "%s/c2/", dir);
    CHECK_MSG(ts_mc_write_ctf(c1, &a) == 0, "%s", ts_error());
    CHECK(count_dir(dir) == 1);
    /* two names that would read alike in strace text are refused */
    char *n1 = a.events.vocab.names[1];
    a.events.vocab.names[1] = ts_strdup("re ad");
    free(a.events.vocab.names[2]);
    a.events.vocab.names[2] = ts_strdup("re_ad");
    CHECK(ts_mc_write_strace(p, &a) == -1 && strstr(ts_error(), "'re_ad'") && !ts_file_exists(p));
    free(a.events.vocab.names[1]);
    a.events.vocab.names[1] = n1;
    /* a name that begins with a digit, and one longer than the reader takes: read back */
    char *n0 = a.events.vocab.names[0];
    a.events.vocab.names[0] = ts_strdup("9p");
    free(a.events.vocab.names[2]);
    a.events.vocab.names[2] = ts_malloc(101);
    memset(a.events.vocab.names[2], 'x', 100);
    a.events.vocab.names[2][100] = 0;
    REQUIRE(ts_mc_write_strace(p, &a) == 0);
    if (ts_mc_from_strace(p, &r) == 0) {
        size_t got = 0;
        for (size_t i = 0; i < r.n; i++) {
            int32_t e = a.ch[TS_CH_EVENT][i];
            got += (e == 0 && !strcmp(r.names[i], "_9p")) || (e == 2 && strlen(r.names[i]) == 63 && r.names[i][62] == 'x');
        }
        size_t want = 0;
        for (size_t i = 0; i < a.n; i++) want += a.ch[TS_CH_EVENT][i] == 0 || a.ch[TS_CH_EVENT][i] == 2;
        CHECK_MSG(want > 0 && got == want, "%zu of %zu names read back", got, want);
        ts_mc_raw_free(&r);
    } else {
        CHECK_MSG(0, "%s", ts_error());
    }
    remove(p);
    free(a.events.vocab.names[0]);
    a.events.vocab.names[0] = n0;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    ts_mc_free(&a);
}

/* a channel number outside [0, TS_NCH), or no trace, is a channel absent (0): ch[c] was read
 * past the array (ts_mc_has said 1 for 99, ts_mc_card returned what lay there) */
static void channel_number_outside_absent(void)
{
    int32_t ev[3] = {0, 1, 0};
    ts_mc m;
    memset(&m, 0, sizeof m);
    m.n = 3;
    m.ch[TS_CH_EVENT] = ev;
    const int bad[] = {-1, TS_NCH, 99, -1000};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_MSG(ts_mc_has(&m, bad[i]) == 0, "channel %d", bad[i]);
        CHECK_MSG(ts_mc_card(&m, bad[i]) == 0, "channel %d", bad[i]);
    }
    CHECK(ts_mc_has(NULL, TS_CH_EVENT) == 0 && ts_mc_card(NULL, TS_CH_EVENT) == 0);
    CHECK(ts_mc_has(&m, TS_CH_EVENT) == 1 && ts_mc_card(&m, TS_CH_EVENT) == 2);
    CHECK(ts_mc_has(&m, TS_CH_DT) == 0 && ts_mc_has(&m, TS_CH_CPU) == 0);
}

/* a library caller's NULL: refused by name, outputs emptied ('FUNCTION: ARGUMENT is NULL');
 * each crashed, or read a NULL path as "(null)" */
static void null_arguments_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[600], out[600];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    ts_mc_raw r;
    small_raw(&r);
    ts_mc m, o;
    REQUIRE(ts_mc_encode(&r, 1.0, &m) == 0);
    REQUIRE(ts_mc_save(ds, &m) == 0);
    ts_mc_fidelity f;
    ts_mc_drawer *dr = (ts_mc_drawer *)&f;
    int64_t *t = (int64_t *)&f;
    void *v = &f;
    double share = 1;
    size_t nw = 1;
    ts_mc_raw ro;
    const int32_t ev[2] = {0, 1};
#define FAILS(call, msg) do { ts_clear_error(); memset(&o, 0xff, sizeof o); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
#define EMPTY(x) CHECK(x.n == 0 && x.dt == NULL && x.ch[TS_CH_EVENT] == NULL)
    FAILS(ts_mc_renumber(NULL, NULL, NULL, NULL, NULL), "ts_mc_renumber: m is NULL");
    FAILS(ts_mc_slice(NULL, 0, 1, &o), "ts_mc_slice: m is NULL");
    EMPTY(o);
    FAILS(ts_mc_slice(&m, 0, 1, NULL), "ts_mc_slice: out is NULL");
    /* events claimed, no event channel */
    ts_mc noev = {.n = 3};
    FAILS(ts_mc_renumber(&noev, NULL, NULL, NULL, NULL), "ts_mc_renumber: m->ch[TS_CH_EVENT] is NULL");
    FAILS(ts_mc_slice(&noev, 0, 1, &o), "ts_mc_slice: m->ch[TS_CH_EVENT] is NULL");
    EMPTY(o);
    FAILS(ts_mc_event_times(NULL, "x", &t), "ts_mc_event_times: m is NULL");
    CHECK(t == NULL);
    FAILS(ts_mc_event_times(&m, NULL, &t), "ts_mc_event_times: out is NULL");
    FAILS(ts_mc_event_times(&m, "x", NULL), "ts_mc_event_times: t is NULL");
    FAILS(ts_mc_write_strace(NULL, &m), "ts_mc_write_strace: path is NULL");
    FAILS(ts_mc_write_strace(out, NULL), "ts_mc_write_strace: m is NULL");
    FAILS(ts_mc_write_ctf(NULL, &m), "ts_mc_write_ctf: dir is NULL");
    FAILS(ts_mc_write_ctf(out, NULL), "ts_mc_write_ctf: m is NULL");
    FAILS(ts_mc_write_ctf_arch(NULL, &m, "x86_64"), "ts_mc_write_ctf_arch: dir is NULL");
    FAILS(ts_mc_write_ctf_arch(out, NULL, "x86_64"), "ts_mc_write_ctf_arch: m is NULL");
    CHECK(ts_mc_write_ctf_arch(out, &m, "vax") != 0 && strstr(ts_error(), "vax"));
    CHECK(!ts_file_exists(out));
    FAILS(ts_mc_encode(NULL, 1.0, &o), "ts_mc_encode: raw is NULL");
    EMPTY(o);
    FAILS(ts_mc_encode(&r, 1.0, NULL), "ts_mc_encode: out is NULL");
    ts_mc_raw nonames = {.n = 3};
    FAILS(ts_mc_encode(&nonames, 1.0, &o), "ts_mc_encode: raw->names is NULL");
    FAILS(ts_mc_save(NULL, &m), "ts_mc_save: dir is NULL");
    FAILS(ts_mc_save(out, NULL), "ts_mc_save: m is NULL");
    FAILS(ts_mc_load(NULL, &o), "ts_mc_load: dir is NULL");
    EMPTY(o);
    FAILS(ts_mc_load(ds, NULL), "ts_mc_load: out is NULL");
    FAILS(ts_mc_load_channel(NULL, TS_CH_DT, 6, &v), "ts_mc_load_channel: dir is NULL");
    CHECK(v == NULL);
    FAILS(ts_mc_load_channel(ds, TS_CH_DT, 6, NULL), "ts_mc_load_channel: out is NULL");
    FAILS(ts_mc_compare(NULL, &m, 0, &f), "ts_mc_compare: real is NULL");
    FAILS(ts_mc_compare(&m, NULL, 0, &f), "ts_mc_compare: synth is NULL");
    FAILS(ts_mc_compare(&m, &m, 0, NULL), "ts_mc_compare: out is NULL");
    FAILS(ts_mc_memorized(NULL, 0, &m, 2, &share, &nw), "ts_mc_memorized: train is NULL");
    CHECK(share == 0 && nw == 0);
    FAILS(ts_mc_memorized(&m, 0, NULL, 2, &share, &nw), "ts_mc_memorized: synth is NULL");
    FAILS(ts_mc_memorized(&m, 0, &m, 2, NULL, &nw), "ts_mc_memorized: share is NULL");
    FAILS(ts_mc_markov(NULL, 0, 2, 10, 1, &o), "train is NULL");
    EMPTY(o);
    FAILS(ts_mc_markov(&m, 0, 2, 10, 1, NULL), "out is NULL");
    FAILS(ts_mc_markov_windows(NULL, 0, 2, 2, 5, 1, &o), "train is NULL");
    FAILS(ts_mc_from_events(NULL, 0, ev, 2, 1, &o), "ts_mc_from_events: train is NULL");
    EMPTY(o);
    FAILS(ts_mc_from_events(&m, 0, NULL, 2, 1, &o), "ts_mc_from_events: ev is NULL");
    FAILS(ts_mc_from_events(&m, 0, ev, 2, 1, NULL), "ts_mc_from_events: out is NULL");
    FAILS(ts_mc_drawer_new(NULL, 0, TS_DRAW_TYPE, &dr), "ts_mc_drawer_new: train is NULL");
    CHECK(dr == NULL);
    FAILS(ts_mc_drawer_new(&m, 0, TS_DRAW_TYPE, NULL), "ts_mc_drawer_new: out is NULL");
    FAILS(ts_mc_from_strace(NULL, &ro), "ts_mc_from_strace: path is NULL");
    CHECK(ro.n == 0 && ro.names == NULL);
    FAILS(ts_mc_from_strace("tests/data/strace_f.log", NULL), "ts_mc_from_strace: out is NULL");
    const char *one[] = {"tests/data/strace_f.log"}, *with_null[] = {"tests/data/strace_f.log", NULL};
    FAILS(ts_mc_from_strace_many(NULL, 1, &ro, NULL), "ts_mc_from_strace_many: paths is NULL");
    CHECK(ro.n == 0 && ro.names == NULL);
    FAILS(ts_mc_from_strace_many(one, 1, NULL, NULL), "ts_mc_from_strace_many: out is NULL");
    FAILS(ts_mc_from_strace_many(one, 0, &ro, NULL), "ts_mc_from_strace_many: npaths is 0");
    FAILS(ts_mc_from_strace_many(with_null, 2, &ro, NULL), "ts_mc_from_strace_many: paths[1] is NULL");
    FAILS(ts_mc_from_ctf(NULL, NULL, &ro, NULL), "ts_mc_from_ctf: dir is NULL");
    FAILS(ts_mc_from_ctf(dir, NULL, NULL, NULL), "ts_mc_from_ctf: out is NULL");
    FAILS(ts_mc_from_trace(NULL, "x", &ro), "ts_mc_from_trace: t is NULL");
#undef EMPTY
#undef FAILS
    /* the same calls with their arguments */
    CHECK(ts_mc_slice(&m, 0, 3, &o) == 0 && o.n == 3);
    ts_mc_free(&o);
    CHECK(ts_mc_event_times(&m, "x", &t) == 0 && t && t[0] == 0);
    free(t);
    CHECK(ts_mc_compare(&m, &m, 0, &f) == 0 && f.js[TS_CH_EVENT] == 0);
    CHECK(ts_mc_memorized(&m, 0, &m, 2, &share, &nw) == 0 && nw == 3 && share == 1);
    CHECK(ts_mc_from_events(&m, 0, ev, 2, 1, &o) == 0 && o.n == 2);
    ts_mc_free(&o);
    for (int given = 0; given < 2; given++) {
        CHECK(ts_mc_drawer_new(&m, 0, given, &dr) == 0 && dr);
        /* NULL or past the events: nothing drawn; a type it does not know: drawn as one the
         * training part lacks (from all its events), in range */
        ts_rng g;
        ts_rng_seed(&g, 1);
        CHECK(ts_mc_drawer_types(NULL) == 0);
        ts_mc_drawer_draw(NULL, &m, 0, -1, &g);
        ts_mc_drawer_draw(dr, NULL, 0, -1, &g);
        ts_mc_drawer_draw(dr, &m, 0, -1, NULL);
        ts_mc_drawer_draw(dr, &m, m.n, -1, &g);
        int32_t keep = m.ch[TS_CH_EVENT][0];
        for (int32_t odd = -3; odd < 2; odd++) {
            m.ch[TS_CH_EVENT][0] = odd < 0 ? odd : ts_mc_drawer_types(dr) + 100000 * odd;
            ts_mc_drawer_draw(dr, &m, 0, 0, &g);
            for (int c = TS_CH_COMM; c < TS_NCH; c++)
                if (m.ch[c]) CHECK_MSG(m.ch[c][0] >= 0 && m.ch[c][0] < ts_mc_card(&m, c), "channel %d: %d", c, m.ch[c][0]);
        }
        m.ch[TS_CH_EVENT][0] = keep;
        ts_mc_drawer_free(dr);
    }
    ts_mc_free(&m);
    ts_mc_raw_free(&r);
}

TEST_MAIN("channels", {
    RUN(null_arguments_refused);
    RUN(comm_named_unk);
    RUN(ingest_summary_counts);
    RUN(channel_number_outside_absent);
    RUN(renumber_slice_export);
    RUN(strace_export_no_name);
    RUN(strace_export_names_without_threads);
    RUN(strace_export_bucket_zero);
    RUN(fidelity);
    RUN(fidelity_matches_naive);
    RUN(fidelity_wide_tables);
    RUN(eval_reference);
    RUN(encoding);
    RUN(ret_top);
    RUN(save_load);
    RUN(malformed_channels);
    RUN(malformed_vocab);
    RUN(strace_fields);
    RUN(strace_clone_returns_own_pid);
    RUN(strace_clock_steps_back);
    RUN(strace_many_processes_named);
    RUN(strace_many_tasks_without_pid);
    RUN(strace_pid_names);
    RUN(strace_pid_names_stale);
    RUN(strace_pid_names_stale_twice);
    RUN(strace_fd_paths);
    RUN(strace_escaped_exec_path);
    RUN(strace_thread_execve);
    RUN(strace_notice_cut_into_call);
    RUN(strace_call_naming_strace_path);
    RUN(strace_relative_times);
    RUN(strace_large_relative_times);
    RUN(strace_whole_seconds);
    RUN(strace_cut_last_line);
    RUN(strace_terminal_pids);
    RUN(strace_ff_fields);
    RUN(strace_ff_ingest);
    RUN(strace_ff_thread_execve);
    RUN(strace_ff_millisecond_ties);
    RUN(strace_ff_no_clock_line);
    RUN(ingest_cli);
    RUN(ctf_channels);
    RUN(ftrace_fields);
})
