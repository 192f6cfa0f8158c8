/* More training data from other datasets (train --also): renumbering by name, names
 * the main vocabulary lacks, windows that never cross from one stream into another,
 * the cut in time (time_ns.npy) or at the training fraction, the errors, and a
 * network that learns from the added stream. */
#include <errno.h>

#include "check.h"
#include "tracesynth.h"

/* a dataset directory dir/name: n events ids[i % period] (+ names, + times t0 + i dt) */
static void make_dataset(char *out, size_t outn, const char *dir, const char *name, const int32_t *pat,
                         size_t period, size_t n, const char *const *names, int nnames, int64_t t0, int64_t dt)
{
    snprintf(out, outn, "%s/%s", dir, name);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.vocab.unk = -1;
    d.stream.n = n;
    d.stream.ids = ts_malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) d.stream.ids[i] = pat[i % period];
    if (names) {
        d.vocab.n = nnames;
        d.vocab.names = (char **)names;
        d.vocab.counts = ts_calloc((size_t)nnames, sizeof(int64_t));
    }
    if (dt) {
        d.time_ns = ts_malloc(n * sizeof(int64_t));
        for (size_t i = 0; i < n; i++) d.time_ns[i] = t0 + (int64_t)i * dt;
    }
    CHECK(ts_dataset_save(out, &d) == 0);
    free(d.stream.ids);
    free(d.vocab.counts);
    free(d.time_ns);
}

static ts_split_spec spec(size_t L, size_t stride, size_t windows)
{
    ts_split_spec s;
    ts_split_spec_default(&s);
    s.length = L;
    s.stride = stride;
    s.windows = windows;
    return s;
}

static void renumbers_by_name(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], ep[512], np[512];
    static const char *const mn[] = {"a", "b", "c", "<unk>"};
    static const char *const en[] = {"c", "a", "d"};
    static const char *const nn[] = {"a", "b", "c"};   /* no <unk> */
    const int32_t mpat[] = {0, 1, 2}, epat[] = {0, 1, 2, 1};   /* extra: c a d a */
    make_dataset(mp, sizeof mp, dir, "main", mpat, 3, 100, mn, 4, 0, 0);
    make_dataset(ep, sizeof ep, dir, "extra", epat, 4, 100, en, 3, 0, 0);
    make_dataset(np, sizeof np, dir, "nounk", mpat, 3, 100, nn, 3, 0, 0);
    ts_split_spec s = spec(10, 5, 5);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    size_t before = d.split.train.n;
    CHECK(before == 13);   /* (70 - 10) / 5 + 1 */
    ts_also_info inf;
    REQUIRE(ts_split_data_also(&d, ep, &s, &inf) == 0);
    CHECK(!inf.by_time && inf.events == 70 && inf.windows == 13);
    CHECK(inf.unknown == 17);   /* 'd' at 2, 6, ..., 66 */
    REQUIRE(d.split.n_also == 1 && d.split.also[0].n == 70);
    const int32_t want[4] = {2, 0, 3, 0};   /* c -> 2, a -> 0, d -> <unk> (3) */
    int ok = 1;
    for (size_t i = 0; i < 70; i++) ok &= d.split.also[0].ids[i] == want[i % 4];
    CHECK(ok);
    CHECK(d.split.train.n == 26 && memcmp(d.split.train.data + 13 * 10, d.split.also[0].ids, 10 * sizeof(int32_t)) == 0);
    CHECK(d.n_ids == 4);
    /* validation and test stay the main dataset's: IDs 0, 1, 2 only */
    int main_only = 1;
    for (size_t i = 0; i < d.split.test.n * d.split.test.len; i++) main_only &= d.split.test.data[i] < 3;
    CHECK(main_only);
    ts_split_data_free(&d);

    /* a name the main vocabulary lacks, without <unk>: one line naming it; the split unchanged */
    REQUIRE(ts_split_data_load(np, &s, &d) == 0);
    CHECK(ts_split_data_also(&d, ep, &s, &inf) == -1);
    CHECK_MSG(strstr(ts_error(), "'d'") && strstr(ts_error(), "event 2") && strstr(ts_error(), "<unk>") &&
              !strchr(ts_error(), '\n'), "%s", ts_error());
    CHECK(d.split.train.n == 13 && d.split.n_also == 0);
    ts_split_data_free(&d);
}

static void windows_stay_in_their_stream(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], ep[512], fp[512];
    const int32_t mpat[] = {0, 1, 2, 3, 4}, epat[] = {5, 6, 7, 8, 9};
    make_dataset(mp, sizeof mp, dir, "main", mpat, 5, 103, NULL, 0, 0, 0);   /* unnamed */
    make_dataset(ep, sizeof ep, dir, "extra", epat, 5, 57, NULL, 0, 0, 0);
    static const char *const names[] = {"x", "y", "z", "u", "v"};
    make_dataset(fp, sizeof fp, dir, "named", mpat, 5, 100, names, 5, 0, 0);
    ts_split_spec s = spec(7, 1, 4);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    REQUIRE(ts_split_data_also(&d, ep, &s, NULL) == 0);
    REQUIRE(ts_split_data_also(&d, ep, &s, NULL) == 0);   /* twice: three streams */
    size_t a = 103 * 7 / 10, e = 57 * 7 / 10;          /* 72, 39 */
    CHECK(d.split.train.n == (a - 7 + 1) + 2 * (e - 7 + 1));
    /* every window lies in one stream: all IDs below 5, or all from 5 */
    size_t mixed = 0, from_extra = 0;
    for (size_t w = 0; w < d.split.train.n; w++) {
        const int32_t *x = d.split.train.data + w * 7;
        int lo = 0, hi = 0;
        for (int l = 0; l < 7; l++) lo |= x[l] < 5, hi |= x[l] >= 5;
        mixed += lo && hi;
        from_extra += hi;
    }
    CHECK_MSG(mixed == 0, "%zu windows cross a stream boundary", mixed);
    CHECK(from_extra == 2 * (e - 7 + 1));
    CHECK(d.n_ids == 10);   /* unnamed: the IDs as they are */
    /* the n-gram's events: the streams joined by a separator */
    size_t n;
    int32_t *ev = ts_split_train_events(&d.split, -1, &n);
    REQUIRE(ev);
    CHECK(n == a + 1 + e + 1 + e && ev[a] == -1 && ev[a + 1] == 5 && ev[a + 1 + e] == -1);
    free(ev);
    /* named and unnamed do not mix */
    size_t nw = d.split.train.n;
    CHECK(ts_split_data_also(&d, fp, &s, NULL) == -1 && strstr(ts_error(), "named"));
    /* the paper split has no training part to take */
    d.split.kind = TS_SPLIT_PAPER;
    CHECK(ts_split_data_also(&d, ep, &s, NULL) == -1 && strstr(ts_error(), "time split"));
    CHECK(d.split.train.n == nw && d.split.n_also == 2);
    ts_split_data_free(&d);
}

static void cut_in_time_or_at_the_fraction(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], e1[512], e2[512], e3[512];
    const int32_t pat[] = {0, 1, 2, 3};
    make_dataset(mp, sizeof mp, dir, "main", pat, 4, 100, NULL, 0, 1000, 10);   /* training end: t = 1700 */
    make_dataset(e1, sizeof e1, dir, "slow", pat, 4, 100, NULL, 0, 1000, 20);   /* 35 events before 1700 */
    make_dataset(e2, sizeof e2, dir, "fast", pat, 4, 100, NULL, 0, 1000, 5);    /* all 100 before */
    make_dataset(e3, sizeof e3, dir, "untimed", pat, 4, 100, NULL, 0, 0, 0);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, NULL, &d) == 0);
    REQUIRE(d.data.time_ns && d.data.time_ns[99] == 1990);   /* time_ns.npy read back */
    ts_split_data_free(&d);
    ts_split_spec s = spec(10, 5, 5);
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    ts_also_info inf;
    REQUIRE(ts_split_data_also(&d, e1, &s, &inf) == 0);
    CHECK(inf.by_time && inf.cut_ns == 1700 && inf.first_ns == 1000 && inf.events == 35);
    REQUIRE(ts_split_data_also(&d, e2, &s, &inf) == 0);
    CHECK(inf.by_time && inf.events == 100);
    REQUIRE(ts_split_data_also(&d, e3, &s, &inf) == 0);
    CHECK(!inf.by_time && inf.events == 70);
    ts_split_data_free(&d);
    /* a times file that does not match the stream */
    char tp[600];
    snprintf(tp, sizeof tp, "%s/time_ns.npy", e1);
    int64_t t3[3] = {1, 2, 3};
    size_t shape[1] = {3};
    REQUIRE(ts_npy_write(tp, TS_NPY_I64, t3, 1, shape) == 0);
    ts_dataset bad;
    CHECK(ts_dataset_load(e1, &bad) == -1 && strstr(ts_error(), "3 times for 100 events"));
    /* times that go back (a damaged file) would cut the part at the wrong event: an error
     * naming the element */
    int64_t back[100];
    for (int i = 0; i < 100; i++) back[i] = 1000 + 10 * i;
    back[60] = 5;
    shape[0] = 100;
    REQUIRE(ts_npy_write(tp, TS_NPY_I64, back, 1, shape) == 0);
    CHECK(ts_dataset_load(e1, &bad) == -1);
    CHECK_MSG(strstr(ts_error(), "time_ns.npy: element 60: time 5 ns is before the one before it (1590 ns)"),
              "'%s'", ts_error());
    /* a part shorter than a window */
    s.length = 10;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    make_dataset(e1, sizeof e1, dir, "slow", pat, 4, 30, NULL, 0, 1000, 100);   /* 7 events before 1700 */
    CHECK(ts_split_data_also(&d, e1, &s, &inf) == -1 && strstr(ts_error(), "7 events") &&
          strstr(ts_error(), "window length 10"));
    ts_split_data_free(&d);
}

/* --also-whole: every event of another recording; refused for the dataset itself, a copy
 * of its trace, and a stream whose times reach its held-out period */
static void whole_recordings(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], run2[512], copy[512], cpu1[512], later[512], untimed[512];
    const int32_t pat[] = {0, 1, 2, 3}, pat2[] = {1, 0, 3, 2};
    make_dataset(mp, sizeof mp, dir, "main", pat, 4, 100, NULL, 0, 1000, 10);   /* held out: t 1700-1990 */
    make_dataset(run2, sizeof run2, dir, "run2", pat2, 4, 60, NULL, 0, 0, 0);
    make_dataset(copy, sizeof copy, dir, "copy", pat, 4, 120, NULL, 0, 0, 0);   /* main's events and more */
    make_dataset(cpu1, sizeof cpu1, dir, "cpu1", pat2, 4, 100, NULL, 0, 1005, 10);
    make_dataset(later, sizeof later, dir, "later", pat2, 4, 80, NULL, 0, 5000, 10);
    make_dataset(untimed, sizeof untimed, dir, "untimed", pat, 4, 100, NULL, 0, 0, 0);
    ts_split_spec s = spec(10, 5, 5);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    size_t before = d.split.train.n;
    ts_also_info inf;
    REQUIRE(ts_split_data_also_whole(&d, run2, &s, &inf) == 0);
    CHECK(inf.whole && !inf.by_time && inf.events == 60 && inf.windows == 11);   /* (60 - 10) / 5 + 1 */
    REQUIRE(d.split.n_also == 1 && d.split.also[0].n == 60 && d.split.also[0].ids[59] == 2);
    REQUIRE(ts_split_data_also_whole(&d, later, &s, &inf) == 0);   /* after the main trace's end */
    CHECK(inf.events == 80);
    size_t trained = d.split.train.n;
    CHECK(trained == before + 11 + 15);
    /* refusals leave the split as it was */
    CHECK(ts_split_data_also_whole(&d, mp, &s, &inf) == -1);
    CHECK_MSG(strstr(ts_error(), "main: the main dataset itself"), "'%s'", ts_error());
    CHECK(ts_split_data_also_whole(&d, copy, &s, &inf) == -1);
    CHECK_MSG(strstr(ts_error(), "copy: events 70 to 99 are those of") && strstr(ts_error(), "a copy of the same trace"),
              "'%s'", ts_error());
    CHECK(ts_split_data_also_whole(&d, untimed, &s, &inf) == -1);   /* the same events without times */
    CHECK_MSG(strstr(ts_error(), "a copy of the same trace"), "'%s'", ts_error());
    CHECK(ts_split_data_also_whole(&d, cpu1, &s, &inf) == -1);
    CHECK_MSG(strstr(ts_error(), "cpu1: event 70 falls in the time of") && strstr(ts_error(), "validation and test"),
              "'%s'", ts_error());
    CHECK(d.split.train.n == trained && d.split.n_also == 2);
    /* --also takes cpu1's events before the training end, as before */
    REQUIRE(ts_split_data_also(&d, cpu1, &s, &inf) == 0);
    CHECK(inf.by_time && !inf.whole && inf.events == 70);
    /* a recording on another clock (another boot's): its times are not compared, every
     * event is taken; a copy is still refused, as is the dataset itself */
    CHECK(ts_split_data_also_other_clock(&d, copy, &s, &inf) == -1 && strstr(ts_error(), "a copy of the same trace"));
    CHECK(ts_split_data_also_other_clock(&d, mp, &s, &inf) == -1 && strstr(ts_error(), "the main dataset itself"));
    CHECK_MSG(ts_split_data_also_other_clock(&d, cpu1, &s, &inf) == 0, "%s", ts_error());
    CHECK(inf.whole && inf.other_clock && !inf.by_time && inf.events == 100 && inf.test_found == 0);
    ts_split_data_free(&d);
    /* the command line */
    char args[2048], out[4096], err[1024];
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --also-whole %s --also %s -o %s/w.tsm --no-progress",
             mp, run2, untimed, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "also ") && strstr(out, "run2: 60 training events (all of its events), 11 windows") &&
              strstr(out, "untimed: 70 training events (its first 0.7 of the stream)"), "%s", out);
    CHECK_MSG(strstr(out, " (+ --also, --also-whole), "), "%s", out);
    /* the summary names the options given */
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --also-whole %s -o %s/w.tsm --no-progress", mp,
             run2, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, " (+ --also-whole), ") && !strstr(out, "--also)"), "%s", out);
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --also-whole %s -o %s/w.tsm --no-progress", mp,
             copy, dir);
    CHECK(run_cli(args, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "a copy of the same trace") && !strchr(strchr(err, '\n') ? strchr(err, '\n') + 1 : "", '\n'),
              "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --also-whole %s -o %s/w.tsm --no-progress", mp,
             cpu1, dir);
    CHECK(run_cli(args, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "falls in the time of") && strstr(err, "--also-whole-other-clock"), "%s", err);
    snprintf(args, sizeof args,
             "train --model ngram %s --length 10 --also-whole-other-clock %s -o %s/w.tsm --no-progress", mp, cpu1, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "cpu1: 100 training events (all of its events, its times not compared)") &&
              strstr(out, " (+ --also-whole-other-clock), "), "%s", out);
    snprintf(args, sizeof args, "train --model mdm-mc %s --also-whole %s -o %s/m.tsm --no-progress", mp, run2, dir);
    CHECK(run_cli(args, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "--also-whole: not for the multi-channel model mdm-mc"), "%s", err);
    snprintf(args, sizeof args, "train --help");
    CHECK(run_stdout(args, out, sizeof out) == 0 && strstr(out, "--also-whole DATASET"));
}

/* n events drawn from 30 IDs (seeded), appended at ids */
static void random_ids(int32_t *ids, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        ids[i] = (int32_t)((x >> 33) % 30);
    }
}

/* --also-whole of a dataset with no times to tell it by: a copy of the main trace shifted by
 * some events, or its held-out part among other events, holds most held-out windows
 * verbatim and is refused, naming the counts; another recording that shares a few windows
 * is not, and the summary line counts them; nor is a copy of a trace whose training part
 * already holds every held-out window (it adds none) */
static void shifted_copies(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 400 };   /* L = 10, 20 windows: training [0, 280), validation [280, 320), test [320, 400) */
    int32_t m[N], buf[N + 200];
    random_ids(m, N, 1);
    char mp[512], p[512];
    make_dataset(mp, sizeof mp, dir, "main", m, N, N, NULL, 0, 0, 0);
    ts_split_spec s = spec(10, 5, 20);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    REQUIRE(d.split.test.n == 20 && d.split.valid.n == 20 && d.split.train_stream.n == 280);
    const size_t trained = d.split.train.n;
    ts_also_info inf;
    /* shifted by 1, 7 and 100 events: the first ones dropped, or others put before them */
    static const size_t shift[3] = {1, 7, 100};
    for (int k = 0; k < 6; k++) {
        const size_t sh = shift[k % 3];
        char name[32];
        snprintf(name, sizeof name, "%s%zu", k < 3 ? "drop" : "pre", sh);
        size_t n = N - sh;
        if (k < 3) memcpy(buf, m + sh, n * sizeof *buf);
        else {
            random_ids(buf, sh, 2);
            memcpy(buf + sh, m, N * sizeof *buf);
            n = N + sh;
        }
        make_dataset(p, sizeof p, dir, name, buf, n, n, NULL, 0, 0, 0);
        CHECK_MSG(ts_split_data_also_whole(&d, p, &s, &inf) == -1 &&
                      strstr(ts_error(), "holds 20 of the 20 test windows of ") &&
                      strstr(ts_error(), "main's own training part: 0)") && strstr(ts_error(), "a copy of the same trace"),
                  "%s: %s", name, ts_error());
    }
    /* the test part alone among other events; the validation part alone */
    random_ids(buf, 150, 3);
    memcpy(buf + 150, m + 320, 80 * sizeof *buf);
    random_ids(buf + 230, 100, 4);
    make_dataset(p, sizeof p, dir, "test-part", buf, 330, 330, NULL, 0, 0, 0);
    CHECK_MSG(ts_split_data_also_whole(&d, p, &s, &inf) == -1 && strstr(ts_error(), "test-part: holds 20 of the 20 test"),
              "%s", ts_error());
    memcpy(buf + 150, m + 280, 40 * sizeof *buf);
    make_dataset(p, sizeof p, dir, "valid-part", buf, 330, 330, NULL, 0, 0, 0);
    CHECK_MSG(ts_split_data_also_whole(&d, p, &s, &inf) == -1 &&
                  strstr(ts_error(), "valid-part: holds 20 of the 20 validation windows"),
              "%s", ts_error());
    CHECK(d.split.train.n == trained && d.split.n_also == 0);
    /* another recording sharing a run of the test part: up to half of the test windows are
     * taken (those starting at 320 + floor(i 70 / 19): 320 ... 353 for the first 10) */
    random_ids(buf, 300, 5);
    memcpy(buf + 100, m + 320, 43 * sizeof *buf);   /* [320, 363): 10 windows */
    make_dataset(p, sizeof p, dir, "run2", buf, 300, 300, NULL, 0, 0, 0);
    REQUIRE(ts_split_data_also_whole(&d, p, &s, &inf) == 0);
    CHECK_MSG(inf.test_found == 10 && inf.valid_found == 0 && inf.test_in_train == 0 && inf.valid_in_train == 0,
              "%zu %zu %zu %zu", inf.test_found, inf.valid_found, inf.test_in_train, inf.valid_in_train);
    memcpy(buf + 100, m + 320, 46 * sizeof *buf);   /* [320, 366): 11 */
    make_dataset(p, sizeof p, dir, "run3", buf, 300, 300, NULL, 0, 0, 0);
    CHECK_MSG(ts_split_data_also_whole(&d, p, &s, &inf) == -1 && strstr(ts_error(), "run3: holds 11 of the 20 test"),
              "%s", ts_error());
    CHECK(d.split.n_also == 1);
    ts_split_data_free(&d);
    /* the command line: the counts on the summary line; a refusal in one line */
    char args[2048], out[4096], err[1024];
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --windows 20 --also-whole %s/run2 -o %s/w.tsm "
             "--no-progress", mp, dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "run2: 300 training events (all of its events), 59 windows; found verbatim in it: 10 of 20 "
                          "test windows, 0 of 20 validation windows (in the training part: 0 and 0)"),
              "%s", out);
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --windows 20 --also-whole %s/drop7 -o %s/w.tsm "
             "--no-progress", mp, dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "drop7: holds 20 of the 20 test windows") && !strchr(err, '\n'), "%s", err);
    /* a trace whose training part holds every held-out window: a copy shifted by one adds
     * none, and is taken */
    const int32_t pat[] = {0, 1, 2, 3}, pat1[] = {1, 2, 3, 0};
    make_dataset(mp, sizeof mp, dir, "periodic", pat, 4, 100, NULL, 0, 0, 0);
    make_dataset(p, sizeof p, dir, "periodic1", pat1, 4, 99, NULL, 0, 0, 0);
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    REQUIRE(ts_split_data_also_whole(&d, p, &s, &inf) == 0);
    CHECK(inf.test_found == 20 && inf.test_in_train == 20);
    ts_split_data_free(&d);
}

/* --also takes another dataset's training part, which holds the main dataset's held-out
 * events where it is the main trace with more events after it (a longer recording of it, its
 * times not there to cut it by): refused, as --also-whole refuses a copy (it was trained on,
 * without a word). The main dataset itself, a longer copy of a periodic trace (whose
 * training part holds every held-out window already) and another recording sharing a few
 * windows are taken */
static void training_part_copies(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    enum { N = 400 };   /* L = 10, 20 windows: training [0, 280), validation [280, 320), test [320, 400) */
    int32_t m[N], buf[N + 300];
    random_ids(m, N, 1);
    char mp[512], p[512];
    make_dataset(mp, sizeof mp, dir, "main", m, N, N, NULL, 0, 0, 0);
    ts_split_spec s = spec(10, 5, 20);
    ts_split_data d;
    REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
    ts_also_info inf;
    /* 200 events after the main trace's: its training part is [0, 420) */
    memcpy(buf, m, N * sizeof *buf);
    random_ids(buf + N, 200, 6);
    make_dataset(p, sizeof p, dir, "longer", buf, N + 200, N + 200, NULL, 0, 0, 0);
    CHECK_MSG(ts_split_data_also(&d, p, &s, &inf) == -1 && strstr(ts_error(), "longer: events 280 to 399 of its "
                                                                              "training part are those of") &&
                  strstr(ts_error(), "a copy of the same trace"),
              "%s", ts_error());
    CHECK_MSG(strstr(ts_error(), "20 of the 20 test windows verbatim") && strstr(ts_error(), "training part 0)"), "%s",
              ts_error());
    CHECK(d.split.n_also == 0);
    /* the same shifted: its first 7 events dropped, 200 after them (training part [0, 415),
     * the main trace's events 7 to 399): not at their places, but its training part holds
     * every held-out window verbatim, and is refused as --also-whole refuses such a copy */
    memcpy(buf, m + 7, (N - 7) * sizeof *buf);
    random_ids(buf + N - 7, 200, 6);
    make_dataset(p, sizeof p, dir, "shifted", buf, N + 193, N + 193, NULL, 0, 0, 0);
    CHECK_MSG(ts_split_data_also(&d, p, &s, &inf) == -1 &&
                  strstr(ts_error(), "shifted: holds 20 of the 20 test windows of ") &&
                  strstr(ts_error(), "main's own training part: 0)") && strstr(ts_error(), "a copy of the same trace") &&
                  strstr(ts_error(), "which --also would train on"),
              "%s", ts_error());
    CHECK(d.split.n_also == 0);
    /* the main dataset itself, by any path: its training part again, refused as by --also-whole */
    CHECK_MSG(ts_split_data_also(&d, mp, &s, &inf) == -1 && strstr(ts_error(), "main: the main dataset itself"),
              "%s", ts_error());
    char ln[600];
    snprintf(ln, sizeof ln, "%s/main-link", dir);
    REQUIRE(symlink(mp, ln) == 0 || errno == EEXIST);
    CHECK_MSG(ts_split_data_also(&d, ln, &s, &inf) == -1 && strstr(ts_error(), "main-link: the main dataset itself"),
              "%s", ts_error());
    CHECK(d.split.n_also == 0);
    /* a periodic trace and a longer copy of it */
    const int32_t pat[] = {0, 1, 2, 3};
    char pp[512];
    make_dataset(pp, sizeof pp, dir, "periodic", pat, 4, 400, NULL, 0, 0, 0);
    make_dataset(p, sizeof p, dir, "periodic-longer", pat, 4, 600, NULL, 0, 0, 0);
    ts_split_data dp;
    REQUIRE(ts_split_data_load(pp, &s, &dp) == 0);
    CHECK_MSG(ts_split_data_also(&dp, p, &s, &inf) == 0, "%s", ts_error());
    ts_split_data_free(&dp);
    /* another recording holding a run of the test part: a few of its windows */
    random_ids(buf, 600, 8);
    memcpy(buf + 100, m + 320, 25 * sizeof *buf);
    make_dataset(p, sizeof p, dir, "run2", buf, 600, 600, NULL, 0, 0, 0);
    REQUIRE(ts_split_data_also(&d, p, &s, &inf) == 0);
    CHECK(d.split.n_also == 1);
    ts_split_data_free(&d);
    char args[2048], err[1024];
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --windows 20 --also %s/longer -o %s/w.tsm "
             "--no-progress", mp, dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "longer: events 280 to 399") && !strchr(err, '\n'), "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s --length 10 --windows 20 --also %s/shifted -o %s/w.tsm "
             "--no-progress", mp, dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "shifted: holds 20 of the 20 test windows") && !strchr(err, '\n'), "%s", err);
}

/* accuracy of the network alone at one hidden event in the centre of the test windows */
static double centre_accuracy(ts_model *m, const ts_windows *w)
{
    uint8_t *mask = ts_malloc(w->n * w->len);
    ts_mask_fill(mask, w->n, w->len, 1, TS_MASK_CENTER, 0);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    const char *keys[] = {"prior-weight"}, *vals[] = {"0"};
    ro.kv = (ts_kv){1, keys, vals};
    ts_windows out;
    double acc = -1;
    if (ts_model_impute(m, w, mask, &ro, &out) == 0) {
        size_t hit = 0, tot = 0;
        for (size_t i = 0; i < w->n * w->len; i++)
            if (!mask[i]) hit += out.data[i] == w->data[i], tot++;
        acc = 100.0 * hit / tot;
        ts_windows_free(&out);
    }
    free(mask);
    return acc;
}

/* the main stream's training part repeats 0 1 2 3, its validation and test parts
 * 0 2 1 3; the extra stream holds 0 2 1 3 but for 0 1 2 3 every 32 events (no test window
 * verbatim: one holding them all would be refused as a copy of the trace). A network trained
 * on the main stream alone fills "0 _ 1" after its training part (with 1 or 3); with the
 * extra stream it has seen the test's pattern and fills it right. */
static void learns_from_the_added_stream(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], ep[512];
    const int32_t p2[] = {0, 2, 1, 3};
    int32_t pe[32];
    for (int i = 0; i < 32; i++) pe[i] = i < 28 ? p2[i % 4] : i % 4;
    make_dataset(ep, sizeof ep, dir, "extra", pe, 32, 1000, NULL, 0, 0, 0);
    snprintf(mp, sizeof mp, "%s/main", dir);
    ts_dataset md;
    memset(&md, 0, sizeof md);
    md.vocab.unk = -1;
    md.stream.n = 1000;
    md.stream.ids = ts_malloc(1000 * sizeof(int32_t));
    for (int i = 0; i < 1000; i++) md.stream.ids[i] = i < 700 ? i % 4 : p2[i % 4];
    REQUIRE(ts_dataset_save(mp, &md) == 0);
    free(md.stream.ids);
    ts_split_spec s = spec(32, 3, 20);
    double acc[2];
    for (int with = 0; with < 2; with++) {
        ts_split_data d;
        REQUIRE(ts_split_data_load(mp, &s, &d) == 0);
        if (with) REQUIRE(ts_split_data_also(&d, ep, &s, NULL) == 0);
        const char *k[] = {"layers", "channels", "state", "batch", "context", "iters", "valid-n", "lr", "prior"};
        const char *v[] = {"1", "16", "4", "8", "16", "150", "8", "1e-2", "0"};
        ts_train_opts o;
        memset(&o, 0, sizeof o);
        o.blackout = 4;
        o.seed = 7;
        o.kv = (ts_kv){9, k, v};
        ts_model *m = NULL;
        REQUIRE(ts_train_on("mdm", &d, &o, &m, NULL) == 0);
        acc[with] = centre_accuracy(m, &d.split.test);
        ts_model_free(m);
        ts_split_data_free(&d);
    }
    CHECK_MSG(acc[1] > 95 && acc[0] < 60, "test accuracy %.1f without the added stream, %.1f with it", acc[0],
              acc[1]);
}

static void command_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char mp[512], ep[512], e2[512], args[2048], err[1024], out[4096];
    static const char *const names[] = {"a", "b", "c", "<unk>"};
    static const char *const en[] = {"c", "a", "d"};
    const int32_t pat[] = {0, 1, 2};
    make_dataset(mp, sizeof mp, dir, "main", pat, 3, 400, names, 4, 0, 0);
    make_dataset(ep, sizeof ep, dir, "extra", pat, 3, 300, en, 3, 0, 0);
    make_dataset(e2, sizeof e2, dir, "extra2", pat, 3, 300, en, 3, 0, 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 20 --also %s/none -o %s/m.tsm --no-progress", mp, dir,
             dir);
    CHECK(run_cli(args, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "/none") && strstr(err, "no such dataset directory"), "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s --length 20 --also %s --also %s -o %s/m.tsm --no-progress", mp,
             ep, e2, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "210 training events (its first 0.7 of the stream), 39 windows, 70 events renamed <unk>") &&
              strstr(out, "training windows"), "%s", out);
    /* a dataset given twice (the main one, or an added one again, by any path) would count
     * twice: refused in one line naming the repeated argument */
    char ln[600];
    snprintf(ln, sizeof ln, "%s/extra-link", dir);
    REQUIRE(symlink(ep, ln) == 0 || errno == EEXIST);
    const char *twice[][2] = {{mp, "the main dataset itself"}, {ln, "extra-link: given twice"}};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "train --model ngram %s --length 20 --also %s --also %s -o %s/m.tsm --no-progress",
                 mp, ep, twice[i][0], dir);
        int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc != 0 && strstr(err, twice[i][0]) && strstr(err, twice[i][1]) && !strchr(err, '\n'), "exit %d: %s",
                  rc, err);
    }
    /* a test part shorter than a window: train alone reads no test window, but --also's
     * check that the test windows are none of the added stream's does, and refuses it */
    snprintf(args, sizeof args, "train --model ngram %s --length 30 --fractions 0.7,0.25,0.05 -o %s/m.tsm "
             "--no-progress", mp, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s --length 30 --fractions 0.7,0.25,0.05 --also %s -o %s/m.tsm "
             "--no-progress", mp, ep, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "the test part [380, 400) has 20 events"), "%s", err);
    snprintf(args, sizeof args, "train --model mdm-mc %s --also %s -o %s/m.tsm --no-progress", mp, ep, dir);
    CHECK(run_cli(args, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "--also: not for the multi-channel model mdm-mc"), "%s", err);
    snprintf(args, sizeof args, "train --help");
    CHECK(run_stdout(args, out, sizeof out) == 0 && strstr(out, "--also DATASET"));
}

/* a dataset of two CPUs' streams merged in time: CPU 0 runs IDs 0..3 in turn every 1000 ns,
 * CPU 1 IDs 4..7 every 1000 ns, 500 ns later; cpu.npy as ingest --from ctf writes it
 * (with_cpu 0: none) */
static void make_two_cpus(char *out, size_t outn, const char *dir, size_t n, int with_cpu)
{
    snprintf(out, outn, "%s/cpus", dir);
    ts_mc m;
    memset(&m, 0, sizeof m);
    m.events.vocab.unk = -1;
    m.n = m.events.stream.n = n;
    m.events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m.events.time_ns = ts_malloc(n * sizeof(int64_t));
    int32_t *cpu = ts_malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        cpu[i] = (int32_t)(i % 2);
        m.events.stream.ids[i] = (int32_t)((i / 2) % 4 + 4 * cpu[i]);
        m.events.time_ns[i] = 1000000000 + (int64_t)(i / 2) * 1000 + 500 * cpu[i];
    }
    m.ch[TS_CH_EVENT] = m.events.stream.ids;
    m.ch[TS_CH_CPU] = with_cpu ? cpu : NULL;
    CHECK(ts_mc_save(out, &m) == 0);
    if (!with_cpu) free(cpu);
    ts_mc_free(&m);
}

/* train --reinterleave: each copy keeps every CPU's order and the events, moves some, and
 * is drawn from the seed; a shift far below the gaps changes nothing */
static void reinterleaved_copies(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], np[512];
    make_two_cpus(dp, sizeof dp, dir, 4000, 1);
    ts_split_spec s = spec(20, 5, 5);
    ts_split_data d, e;
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    const size_t n = d.split.train_stream.n, before = d.split.train.n;
    REQUIRE(n == 2800);
    ts_reinterleave_info inf;
    REQUIRE(ts_split_data_reinterleave(&d, 1500, 3, 7, &s, &inf) == 0);
    CHECK(inf.events == n && inf.windows == 3 * before && d.split.n_also == 3);
    CHECK_MSG(inf.moved > 0.05 && inf.moved < 0.9, "%g moved", inf.moved);
    for (size_t k = 0; k < d.split.n_also; k++) {
        const int32_t *c = d.split.also[k].ids;
        size_t next[2] = {0, 0}, changed = 0;
        int order = 1;
        for (size_t i = 0; i < n; i++) {   /* each CPU's events in their order, all of them */
            const int p = c[i] >= 4;
            order &= c[i] == (int32_t)(next[p]++ % 4 + 4 * (size_t)p);
            changed += c[i] != d.split.train_stream.ids[i];
        }
        CHECK_MSG(order && next[0] == n / 2 && next[1] == n / 2, "copy %zu", k);
        CHECK(changed > 0);
    }
    CHECK(memcmp(d.split.also[0].ids, d.split.also[1].ids, n * sizeof(int32_t)) != 0);
    /* the same seed, the same copies; a shift of 1 ns moves nothing */
    REQUIRE(ts_split_data_load(dp, &s, &e) == 0);
    REQUIRE(ts_split_data_reinterleave(&e, 1500, 1, 7, &s, NULL) == 0);
    CHECK(memcmp(d.split.also[0].ids, e.split.also[0].ids, n * sizeof(int32_t)) == 0);
    REQUIRE(ts_split_data_reinterleave(&e, 1, 1, 7, &s, &inf) == 0);
    CHECK(inf.moved == 0 && memcmp(e.split.also[1].ids, e.split.train_stream.ids, n * sizeof(int32_t)) == 0);
    ts_split_data_free(&e);
    ts_split_data_free(&d);

    /* errors name the dataset and what it lacks; the split stays as it was */
    make_two_cpus(np, sizeof np, dir, 1000, 0);
    memmove(np + strlen(dir) + 1, "nocpu", 6);   /* a second dataset, without cpu.npy */
    make_two_cpus(dp, sizeof dp, dir, 1000, 0);
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    CHECK(ts_split_data_reinterleave(&d, 400, 1, 7, &s, NULL) == -1 && strstr(ts_error(), "cpu.npy") &&
          strstr(ts_error(), dp) && d.split.n_also == 0);
    CHECK(ts_split_data_reinterleave(&d, 100000, 1, 7, &s, NULL) == -1 && strstr(ts_error(), "shift"));
    ts_split_data_free(&d);
    /* a cpu.npy that is not one CPU per event, or holds no CPU number, is named with the event */
    make_two_cpus(dp, sizeof dp, dir, 1000, 1);
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    char cp[600];
    snprintf(cp, sizeof cp, "%s/cpu.npy", dp);
    int32_t bad[1000] = {0};
    bad[17] = -2;
    size_t shape = 1000;
    REQUIRE(ts_npy_write(cp, TS_NPY_I32, bad, 1, &shape) == 0);
    CHECK_MSG(ts_split_data_reinterleave(&d, 400, 1, 7, &s, NULL) == -1 && strstr(ts_error(), cp) &&
                  strstr(ts_error(), "event 17") && d.split.n_also == 0, "%s", ts_error());
    shape = 999;
    REQUIRE(ts_npy_write(cp, TS_NPY_I32, bad, 1, &shape) == 0);
    CHECK_MSG(ts_split_data_reinterleave(&d, 400, 1, 7, &s, NULL) == -1 && strstr(ts_error(), "999 values"),
              "%s", ts_error());
    void *v = NULL;
    CHECK(ts_mc_load_channel(dp, TS_CH_COMM, 1000, &v) == -1 && !v);
    ts_split_data_free(&d);
    ts_split_spec paper = s;
    paper.kind = TS_SPLIT_PAPER;
    make_two_cpus(dp, sizeof dp, dir, 1000, 1);
    if (ts_split_data_load(dp, &paper, &d) == 0) {
        CHECK(ts_split_data_reinterleave(&d, 400, 1, 7, &s, NULL) == -1 && strstr(ts_error(), "time split"));
        ts_split_data_free(&d);
    }
}

static void reinterleave_command_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], args[2048], err[1024];
    static char out[65536];   /* train --help whole: --reinterleave is far down */
    make_two_cpus(dp, sizeof dp, dir, 1000, 1);
    snprintf(args, sizeof args, "train --model ngram %s --length 20 --reinterleave 0.4,3 --seed 2 -o %s/m.tsm "
             "--no-progress", dp, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "reinterleave: 3 copies of the training part (700 events each;") &&
              strstr(out, "(+ --reinterleave)"), "%s", out);
    const char *bad[] = {"0", "100", "0.4,0", "0.4,65", "x", "0.4,", "0.4,2x", "auto,0", "auto,x", "auto,", "autox"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(args, sizeof args, "train --model ngram %s --reinterleave %s -o %s/m.tsm", dp, bad[i], dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--reinterleave") && !strchr(err, '\n'), "%s: %s",
                  bad[i], err);
    }
    snprintf(args, sizeof args, "train --model ngram %s --seed 2 -o %s/m.tsm", dp, dir);
    CHECK(run_cli(args, err, sizeof err) == 2 && strstr(err, "--seed"));   /* read only when re-interleaving */
    snprintf(args, sizeof args, "train --model mdm-mc %s --reinterleave 0.4 -o %s/m.tsm", dp, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "--reinterleave: not for the multi-channel"), "%s", err);
    /* ftrace text gives the times and CPUs as a CTF trace does: the help and the error of a
     * dataset without them say so */
    snprintf(args, sizeof args, "ingest --from ftrace tests/data/ftrace_pipe.trace.gz -o %s/ft", dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s/ft --length 20 --reinterleave 0.4,2 -o %s/m.tsm --no-progress",
             dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "reinterleave: 2 copies"), "%s", out);
    static const char *const names[] = {"a", "b", "<unk>"};
    const int32_t pat[] = {0, 1};
    char np[512];
    make_dataset(np, sizeof np, dir, "untimed", pat, 2, 400, names, 3, 0, 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 20 --reinterleave 0.4 -o %s/m.tsm", np, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "ingest --from ctf or ftrace writes"), "%s", err);
    CHECK(run_stdout("train --help", out, sizeof out) == 0);
    const char *a = strstr(out, "--also DATASET"), *r = strstr(out, "--reinterleave US");
    CHECK_MSG(a && r && strstr(a, "--from ctf or ftrace") && strstr(a, "--from ctf or ftrace") < r &&
                  strstr(r, "--from ctf or ftrace"), "%s", out);
}

/* two CPUs, each its own cycle of events (CPU 0: 0..4, CPU 1: 5..7), 2 us apart on each; in
 * the training part (its first 70 %) CPU 1's event always 1 us after CPU 0's, after it
 * each event's time moves by up to `jitter` ns, so that the CPUs' events interleave at
 * random there (jitter 0: one fixed order throughout) */
static void make_jittered_cpus(char *out, size_t outn, const char *dir, const char *name, size_t n, int64_t jitter)
{
    snprintf(out, outn, "%s/%s", dir, name);
    ts_mc m;
    memset(&m, 0, sizeof m);
    m.events.vocab.unk = -1;
    m.n = m.events.stream.n = n;
    m.events.stream.ids = ts_malloc(n * sizeof(int32_t));
    m.events.time_ns = ts_malloc(n * sizeof(int64_t));
    int32_t *cpu = ts_malloc(n * sizeof(int32_t));
    int64_t *t = ts_malloc(n * sizeof(int64_t));
    uint64_t r = 12345;
    for (size_t i = 0; i < n; i++) {   /* event i: CPU i % 2's (i / 2)th */
        const size_t j = i / 2;
        const int c = (int)(i % 2);
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        const int64_t move = i >= n * 7 / 10 && jitter ? (int64_t)(r >> 33) % (2 * jitter + 1) - jitter : 0;
        t[i] = 1000000000 + (int64_t)j * 2000 + 1000 * c + move;
    }
    /* merged by time: each CPU's own order stays (a move below 1 us) */
    size_t *ord = ts_malloc(n * sizeof *ord);
    for (size_t i = 0; i < n; i++) ord[i] = i;
    for (size_t i = 1; i < n; i++)   /* insertion: nearly in order already */
        for (size_t k = i; k > 0 && t[ord[k - 1]] > t[ord[k]]; k--) {
            size_t x = ord[k];
            ord[k] = ord[k - 1];
            ord[k - 1] = x;
        }
    for (size_t i = 0; i < n; i++) {
        const size_t e = ord[i], j = e / 2;
        cpu[i] = (int32_t)(e % 2);
        m.events.stream.ids[i] = cpu[i] ? (int32_t)(5 + j % 3) : (int32_t)(j % 5);
        m.events.time_ns[i] = t[e];
    }
    free(ord);
    free(t);
    m.ch[TS_CH_EVENT] = m.events.stream.ids;
    m.ch[TS_CH_CPU] = cpu;
    CHECK(ts_mc_save(out, &m) == 0);
    ts_mc_free(&m);
}

/* train --reinterleave auto: where the held-out part keeps the training part's one order,
 * copies in other orders only blur the n-gram and none is chosen, the split as it was; where
 * its CPUs interleave at random by a microsecond, a shift of one or more is, the same at 1
 * and 2 threads, and the split left with the chosen shift's copies, those that
 * ts_split_data_reinterleave adds (built once, not again for the training) */
static void reinterleave_chosen(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512];
    ts_split_spec s = spec(50, 5, 40);
    ts_split_data d;
    ts_reinterleave_choice ch, ch2;
    make_jittered_cpus(dp, sizeof dp, dir, "fixed", 6000, 0);
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    const size_t train_n = d.split.train.n;
    const int32_t n_ids = d.n_ids;
    REQUIRE(ts_split_data_reinterleave_choose(&d, 4, 7, &s, NULL, &ch) == 0);
    CHECK_MSG(ch.chosen == 0 && ch.us[0] == 0, "chose %g us", ch.us[ch.chosen]);
    for (int c = 0; c < TS_REINTERLEAVE_AUTO_N; c++) CHECK(ch.us[c] == ts_reinterleave_auto_us[c]);
    for (int c = 1; c < TS_REINTERLEAVE_AUTO_N; c++) CHECK(ch.score[c] <= ch.score[0]);
    CHECK(d.split.n_also == 0 && d.split.train.n == train_n && d.n_ids == n_ids);
    CHECK(ch.info.events == 0 && ch.info.windows == 0 && ch.info.moved == 0);
    ts_split_data_free(&d);

    make_jittered_cpus(dp, sizeof dp, dir, "jittered", 6000, 900);
    ts_split_data e;
    ts_reinterleave_info inf;
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    ts_set_threads(1);
    REQUIRE(ts_split_data_reinterleave_choose(&d, 4, 7, &s, NULL, &ch) == 0);
    CHECK_MSG(ch.us[ch.chosen] >= 1 && ch.score[ch.chosen] > ch.score[0] + 1, "chose %g us: %g, none %g",
              ch.us[ch.chosen], ch.score[ch.chosen], ch.score[0]);
    /* the chosen copies kept, as the explicit form adds them */
    REQUIRE(ts_split_data_load(dp, &s, &e) == 0);
    REQUIRE(ts_split_data_reinterleave(&e, ch.us[ch.chosen] * 1000, 4, 7, &s, &inf) == 0);
    CHECK_MSG(d.split.n_also == 4 && d.split.train.n == e.split.train.n && d.n_ids == e.n_ids,
              "%zu copies, %zu windows (%zu)", d.split.n_also, d.split.train.n, e.split.train.n);
    CHECK(d.split.n_also != 4 || d.split.train.n != e.split.train.n ||
          memcmp(d.split.train.data, e.split.train.data, e.split.train.n * e.split.train.len * sizeof(int32_t)) == 0);
    for (size_t k = 0; k < d.split.n_also && k < e.split.n_also; k++)
        CHECK_MSG(d.split.also[k].n == e.split.also[k].n &&
                      memcmp(d.split.also[k].ids, e.split.also[k].ids, e.split.also[k].n * sizeof(int32_t)) == 0,
                  "copy %zu", k);
    CHECK(ch.info.events == inf.events && ch.info.windows == inf.windows && ch.info.moved == inf.moved);
    ts_split_data_free(&e);
    ts_split_data_free(&d);
    REQUIRE(ts_split_data_load(dp, &s, &d) == 0);
    ts_set_threads(2);
    REQUIRE(ts_split_data_reinterleave_choose(&d, 4, 7, &s, NULL, &ch2) == 0);
    ts_set_threads(1);
    CHECK(memcmp(&ch, &ch2, sizeof ch) == 0);
    CHECK(d.split.n_also == 4);
    /* refused, before any candidate, as the explicit form is */
    char cp[600];
    snprintf(cp, sizeof cp, "%s/cpu.npy", dp);
    REQUIRE(remove(cp) == 0);
    CHECK_MSG(ts_split_data_reinterleave_choose(&d, 4, 7, &s, NULL, &ch) == -1 && strstr(ts_error(), "cpu.npy") &&
                  strstr(ts_error(), dp) && ch.chosen == 0, "%s", ts_error());
    CHECK(ts_split_data_reinterleave_choose(&d, 0, 7, &s, NULL, &ch) == -1 && strstr(ts_error(), "0 copies"));
    ts_split_data_free(&d);
}

/* train --reinterleave auto on the command line: a line per candidate and the choice, the
 * log's record of it, and then the model the explicit form trains with the chosen shift, to
 * the byte; a dataset without times refused in one line */
static void reinterleave_auto_command_line(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char dp[512], args[2048], err[1024], a[600], b[600], lp[600];
    static char out[65536];
    make_jittered_cpus(dp, sizeof dp, dir, "jittered", 6000, 900);
    snprintf(a, sizeof a, "%s/auto.tsm", dir);
    snprintf(b, sizeof b, "%s/explicit.tsm", dir);
    snprintf(lp, sizeof lp, "%s/log.jsonl", dir);
    snprintf(args, sizeof args, "train --model ngram %s --length 50 --windows 40 --reinterleave auto,4 --seed 7 -o %s "
             "--log %s --no-progress", dp, a, lp);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "reinterleave auto: 4 copies each") && strstr(out, "     none   60.69 %\n") &&
                  strstr(out, "     1 us   63.12 %  *\n") && strstr(out, "reinterleave auto: chose 1 us (") &&
                  strstr(out, "reinterleave: 4 copies of the training part (4200 events each;") &&
                  strstr(out, "(+ --reinterleave)"), "%s", out);
    static char log[8192];   /* the log's records */
    FILE *f = fopen(lp, "r");
    REQUIRE(f);
    log[fread(log, 1, sizeof log - 1, f)] = 0;
    fclose(f);
    CHECK_MSG(strstr(log, "{\"event\":\"reinterleave_auto\",\"copies\":4,\"chosen_us\":1,\"candidates\":[{\"us\":0,"
                                 "\"valid_accuracy\":60.6875},") && strstr(log, "\"event\":\"start\""), "%s", log);
    snprintf(args, sizeof args, "train --model ngram %s --length 50 --windows 40 --reinterleave 1,4 --seed 7 -o %s "
             "--no-progress", dp, b);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK(files_equal(a, b));
    /* the choice runs the n-gram with its own defaults: another model's options (mdm's
     * --layers, --budget, ...) are that model's, not the n-gram's run options */
    snprintf(args, sizeof args, "train --model mdm %s --length 50 --windows 40 --reinterleave auto,2 --seed 7 -o %s "
             "--no-progress --threads 1 --layers 1 --channels 8 --state 4 --iters 2 --valid-every 2 --batch 4 "
             "--budget 5m --prior 0", dp, a);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    /* none chosen: no copies, as without the option */
    make_jittered_cpus(dp, sizeof dp, dir, "fixed", 6000, 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 50 --windows 40 --reinterleave auto --no-progress "
             "-o %s", dp, a);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "reinterleave auto: 8 copies each") && strstr(out, "reinterleave auto: chose none, no copies") &&
                  !strstr(out, "reinterleave: ") && !strstr(out, "(+ --reinterleave)"), "%s", out);
    snprintf(args, sizeof args, "train --model ngram %s --length 50 --windows 40 -o %s --no-progress", dp, b);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK(files_equal(a, b));
    static const char *const names[] = {"a", "b", "<unk>"};
    const int32_t pat[] = {0, 1};
    char np[512];
    make_dataset(np, sizeof np, dir, "untimed", pat, 2, 400, names, 3, 0, 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 20 --reinterleave auto -o %s", np, a);
    CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "ingest --from ctf or ftrace writes") &&
                  strchr(err, '\n') == strrchr(err, '\n'), "%s", err);
    CHECK(run_stdout("train --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "--reinterleave US[,COPIES]|auto[,COPIES]") && strstr(out, "auto: US chosen on the validation"),
              "%s", out);
}

/* a strace log of two threads, calls 10 us apart from first_us after the epoch's second
 * 1700000000 (strace -f -ttt) */
static void write_strace(const char *path, size_t n, long first_us)
{
    static const char *const calls[] = {"getpid()", "read(3, \"\", 1)", "write(1, \"x\", 1)", "close(3)"};
    char *text = ts_malloc(n * 64 + 1), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%d 1700000000.%06ld %s = 0\n", 101 + (int)(i % 2), first_us + 10 * (long)i, calls[i / 2 % 4]);
    write_text(path, text);
    free(text);
}

/* strace datasets have times (time_ns.npy) as ctf and ftrace ones do: --also cuts another
 * at the main training part's end time, and --reinterleave moves each thread's calls (tid.npy,
 * ingest --channels) as it moves each CPU's events; a strace dataset was cut at its fraction
 * and refused re-interleaving */
static void strace_datasets(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char args[2048], err[1024], out[4096], p[600];
    snprintf(p, sizeof p, "%s/main.log", dir);
    write_strace(p, 200, 10);   /* the training part ends with event 140, at 1410 us */
    snprintf(p, sizeof p, "%s/other.log", dir);
    write_strace(p, 200, 505);   /* 91 events before 1410 us */
    snprintf(args, sizeof args, "ingest --from strace %s/main.log -o %s/sm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "ingest --from strace %s/main.log --channels -o %s/smc", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "ingest --from strace %s/other.log -o %s/so", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s/sm --length 20 --also %s/so -o %s/m.tsm --no-progress", dir, dir,
             dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "/so: 91 training events (before the main dataset's training end"), "%s", out);
    /* another recording, a later run's times: its training fraction, as before */
    snprintf(p, sizeof p, "%s/later.log", dir);
    write_strace(p, 200, 900000);
    snprintf(args, sizeof args, "ingest --from strace %s/later.log -o %s/sl", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s/sm --length 20 --also %s/sl -o %s/m.tsm --no-progress", dir, dir,
             dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "/sl: 140 training events (its first 0.7 of the stream"), "%s", out);
    snprintf(args, sizeof args, "train --model ngram %s/smc --length 20 --reinterleave 5,2 --seed 3 -o %s/m.tsm "
             "--no-progress", dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "reinterleave: 2 copies of the training part (140 events each;"), "%s", out);
    /* without the threads (ingest without --channels): the error says where they come from */
    snprintf(args, sizeof args, "train --model ngram %s/sm --length 20 --reinterleave 5 -o %s/m.tsm", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "tid.npy") &&
              strstr(err, "ingest the log again with --channels") && !strchr(err, '\n'), "%s", err);
}

TEST_MAIN("also", {
    RUN(renumbers_by_name);
    RUN(windows_stay_in_their_stream);
    RUN(cut_in_time_or_at_the_fraction);
    RUN(whole_recordings);
    RUN(shifted_copies);
    RUN(training_part_copies);
    RUN(learns_from_the_added_stream);
    RUN(command_line);
    RUN(reinterleaved_copies);
    RUN(reinterleave_command_line);
    RUN(reinterleave_chosen);
    RUN(reinterleave_auto_command_line);
    RUN(strace_datasets);
})
