/* A single-channel model as the event channel of a multi-channel trace
 * (ts_mc_model_events, generate --channels-from) and the channel tables it shares with
 * the Markov baseline (ts_mc_drawer): valid multi-channel output, the event names checked
 * against the dataset's, crops, the left-to-right sampler, imputation (library and impute
 * --channels-from), the two ways of drawing, the channels' own random stream, and the round
 * trip through the writers. */
#include "check.h"
#include "tracesynth.h"
#include "tracesynth/channels.h"
#include "tracesynth/mc_model.h"
#include "mc_trace.h"

#include <math.h>

/* the cycle trace (mc_trace.h) with its events named e0..e3 */
static void named_cycle(size_t n, ts_mc *d)
{
    mc_cycle_trace(n, 1, d);
    ts_vocab *v = &d->events.vocab;
    v->n = 4;
    v->unk = -1;
    v->names = ts_malloc(4 * sizeof *v->names);
    v->counts = ts_calloc(4, sizeof *v->counts);
    for (int i = 0; i < 4; i++) {
        char s[16];
        snprintf(s, sizeof s, "e%d", i);
        v->names[i] = ts_strdup(s);
        v->counts[i] = (int64_t)(n / 4);
    }
}

/* d saved as the dataset dir/name, its path into ds */
static int save_ds(const char *dir, const char *name, const ts_mc *d, char *ds, size_t cap)
{
    snprintf(ds, cap, "%s/%s", dir, name);
    return ts_mc_save(ds, d);
}

/* `train --model <model> <ds> <opts> -o <dir>/<out>`; the command and its error named when it fails */
static int train_cli(const char *model, const char *ds, const char *opts, const char *dir, const char *out)
{
    char cmd[2048], err[512];
    snprintf(cmd, sizeof cmd, "train --model %s %s %s -o %s/%s", model, ds, opts, dir, out);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", cmd, err);
    return rc;
}

/* dir/name, written by a command, loaded into g; the failure names it */
static int load_out(const char *dir, const char *name, ts_mc *g)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    const int rc = ts_mc_load(path, g);
    CHECK_MSG(rc == 0, "%s: %s", path, ts_error());
    return rc;
}

/* the set of 60 windows of 50 (DIR/length) saved as dir/ds, its path into ds (cap bytes),
 * and kept in d: the named cycle without CPUs, its events drawn below k (seed 9), each
 * window's first one `first` (-1: drawn too); a window's first event has thread 200,
 * every other one 100 + the event before it */
static int save_pair_windows(const char *dir, int k, int first, char *ds, size_t cap, ts_mc *d)
{
    snprintf(ds, cap, "%s/ds", dir);
    named_cycle(3000, d);
    free(d->ch[TS_CH_CPU]);
    d->ch[TS_CH_CPU] = NULL;
    ts_rng r;
    ts_rng_seed(&r, 9);
    for (size_t i = 0; i < d->n; i++)
        d->ch[TS_CH_EVENT][i] = first < 0 || i % 50 ? (int32_t)ts_rng_below(&r, (uint64_t)k) : first;
    for (size_t i = 0; i < d->n; i++) d->ch[TS_CH_TID][i] = i % 50 ? 100 + d->ch[TS_CH_EVENT][i - 1] : 200;
    return ts_mc_save_windows(ds, d, NULL, 50, 0);
}

/* every event of g follows the cycle inside its windows of L, and its channels follow it */
static int follows(const ts_mc *g, size_t L)
{
    size_t bad = 0;
    for (size_t i = 0; i < g->n; i++) {
        int32_t e = g->ch[TS_CH_EVENT][i];
        bad += e < 0 || e > 3 || g->ch[TS_CH_TID][i] != 10 + 3 * e || g->ch[TS_CH_CPU][i] != e % 2 ||
               fabs(g->dt[i] - log(1.0 + 1000.0 * (e + 1))) > 0.02;
        if (i % L) bad += e != (g->ch[TS_CH_EVENT][i - 1] + 1) % 4;
    }
    if (bad) fprintf(stderr, "    %zu values off the cycle\n", bad);
    return bad == 0;
}

static void generate_cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[512];
    ts_mc d;
    named_cycle(2000, &d);
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 32 --order 3", dir, "ng.tsm") == 0);
    /* one pass, then in crops of 16 */
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 5 --length 32 --seed 3 -o %s/gen", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc g;
    REQUIRE(load_out(dir, "gen", &g) == 0);
    CHECK(g.n == 160 && g.dt && g.ch[TS_CH_TID] && g.ch[TS_CH_CPU] && g.events.vocab.n == 4);
    CHECK(follows(&g, 32));
    /* the windows' length is recorded with them: eval reads 5 windows of 32, whose pairs
     * across windows (off the cycle) are no transitions */
    {
        char out[8192];
        snprintf(cmd, sizeof cmd, "constraints %s -o %s/c.tsc", ds, dir);
        REQUIRE(run_output(cmd, out, sizeof out) == 0);
        snprintf(cmd, sizeof cmd, "eval --real %s --synthetic %s/gen --constraints %s/c.tsc --json", ds, dir, dir);
        REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "\"length\": 32, \"windows\": 5,") && strstr(out, "\"validity\": {\"d_trans\": 0.000000"),
                  "%s", out);
        /* and markov --from-events keeps the windows of its events */
        snprintf(cmd, sizeof cmd, "generate %s/ng.tsm -n 4 --length 16 -o %s/w.npy", dir, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "markov %s --from-events %s/w.npy -o %s/fe", ds, dir, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "eval --real %s --synthetic %s/fe --json", ds, dir);
        REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "\"length\": 16, \"windows\": 4,"), "%s", out);
        /* and those of a set of windows' stream.txt (its length recorded), not one of all */
        snprintf(cmd, sizeof cmd, "markov %s --from-events %s/gen/stream.txt -o %s/fe2", ds, dir, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "eval --real %s --synthetic %s/fe2 --json", ds, dir);
        REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "\"length\": 32, \"windows\": 5,"), "%s", out);
        /* one window is one sequence: no length recorded (a stream file of more events than
         * a recorded length may hold is one window too, and is taken) */
        snprintf(cmd, sizeof cmd, "generate %s/ng.tsm -n 1 --length 16 -o %s/w1.npy", dir, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(cmd, sizeof cmd, "markov %s --from-events %s/w1.npy -o %s/fe", ds, dir, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(path, sizeof path, "%s/fe/length", dir);
        CHECK_MSG(!ts_file_exists(path), "%s: one window", path);
        snprintf(cmd, sizeof cmd, "eval --real %s --synthetic %s/fe --json", ds, dir);
        REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "\"length\": 16, \"windows\": 1,"), "%s", out);
    }
    /* a trace whose training part holds no event: refused, not drawn from its test part */
    {
        ts_mc one;
        named_cycle(1, &one);
        char ds1[600];
        snprintf(ds1, sizeof ds1, "%s/one", dir);
        REQUIRE(ts_mc_save(ds1, &one) == 0);
        ts_mc_free(&one);
        snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 --length 32 -o %s/gen1", dir, ds1, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "training part holds no event"), "%s", err);
    }
    /* OUT the dataset the channels are drawn from: refused, the dataset kept */
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 --length 32 -o %s/./ds/", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ds/: the output would replace the dataset "), "%s",
              err);
    {
        ts_mc same;
        REQUIRE(ts_mc_load(ds, &same) == 0);
        CHECK_MSG(same.n == 2000, "%zu events", same.n);
        ts_mc_free(&same);
    }
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 2 --length 40 --crop 16 --draw type -o %s/genc",
             dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc gc;
    REQUIRE(load_out(dir, "genc", &gc) == 0);
    CHECK(gc.n == 80 && follows(&gc, 40));
    ts_mc_free(&gc);
    /* a model whose imputation of a window's end draws nothing (the unigram's is the
     * commonest name at every place) draws the parts after the first crop by its
     * generation: not one name repeated to the end */
    REQUIRE(train_cli("unigram", ds, "--length 32", dir, "ug.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/ug.tsm --channels-from %s -n 2 --length 40 --crop 16 -o %s/genu", dir, ds,
             dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(load_out(dir, "genu", &gc) == 0);
    REQUIRE(gc.n == 80);
    for (size_t w = 0; w < 2; w++) {
        int seen[4] = {0}, names = 0;
        for (size_t i = 16; i < 40; i++) {
            const int32_t e = gc.ch[TS_CH_EVENT][w * 40 + i];
            if (e >= 0 && e < 4 && !seen[e]++) names++;
        }
        CHECK_MSG(names >= 2, "window %zu: %d names after the first crop", w, names);
    }
    ts_mc_free(&gc);
    /* an event model with a progress bar of its own (mdm), crop by crop: one bar
     * over the whole window (in a log: one line when done, every event counted) */
    REQUIRE(train_cli("mdm", ds, "--length 32 --layers 1 --channels 8 --state 4 --context 16 --iters 1 --threads 1 "
                                 "--no-progress", dir, "mdm.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/mdm.tsm --channels-from %s -n 2 --length 40 --crop 16 --threads 1 -o %s/genp",
             dir, ds, dir);
    char out[4096];
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    int bars = 0;
    for (const char *c = out; (c = strstr(c, "generate [")); c++) bars++;
    CHECK_MSG(bars == 1 && strstr(out, "generate [########################] 40/40 "), "generate's progress: %s", out);
    /* an event model without a bar (ngram), in one pass and crop by crop: the bar still
     * ends at the whole window */
    for (int crop = 0; crop <= 16; crop += 16) {
        snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 2 --length 40 --crop %d -o %s/genq", dir,
                 ds, crop, dir);
        REQUIRE(run_output(cmd, out, sizeof out) == 0);
        CHECK_MSG(strstr(out, "generate [########################] 40/40 "), "crop %d: generate's progress: %s", crop,
                  out);
    }
    /* the writers: a CTF trace, and strace-like text read back by ingest gives the same
     * events and threads */
    snprintf(cmd, sizeof cmd, "export %s/gen --format ctf -o %s/gen.ctf", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "export %s/gen -o %s/gen.strace", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from strace %s/gen.strace --channels -o %s/back", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc b;
    REQUIRE(load_out(dir, "back", &b) == 0);
    size_t same = 0;
    for (size_t i = 0; i < b.n && b.n == g.n; i++)
        same += !strcmp(b.events.vocab.names[b.ch[TS_CH_EVENT][i]], g.events.vocab.names[g.ch[TS_CH_EVENT][i]]) &&
                b.ch[TS_CH_TID][i] == g.ch[TS_CH_TID][i];
    CHECK_MSG(b.n == g.n && same == g.n, "%zu of %zu events back", same, g.n);
    ts_mc_free(&b);
    ts_mc_free(&g);
    /* a model whose event names are not the dataset's: one line naming the name */
    free(d.events.vocab.names[3]);
    d.events.vocab.names[3] = ts_strdup("zz");
    snprintf(path, sizeof path, "%s/ds2", dir);
    REQUIRE(ts_mc_save(path, &d) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 --length 32 -o %s/x", dir, path, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ng.tsm: ngram: its event 'e3' is not one of the event names of") &&
          strstr(err, "ds2"));
    /* a model without names, a multi-channel model, no length */
    snprintf(cmd, sizeof cmd, "%s/unnamed", dir);
    ts_dataset un = {0};
    un.stream = d.events.stream;
    REQUIRE(ts_dataset_save(cmd, &un) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/unnamed --length 32 -o %s/un.tsm", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/un.tsm --channels-from %s -n 1 --length 32 -o %s/x", dir, ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "must both name their events"));
    REQUIRE(train_cli("mdm-mc", ds, "--length 32 --layers 1 --channels 8 --state 4 --context 16 --iters 1 "
                                    "--threads 1 --no-progress", dir, "mc.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/mc.tsm --channels-from %s -n 1 --length 32 -o %s/x", dir, ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "single-channel"));
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 -o %s/x", dir, ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length"));
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm -n 1 --length 32 --crop 16 -o %s/x", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "go with --channels-from"));
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm -n 1 --length 32 --draw type -o %s/x", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "go with --channels-from"));
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 --length 32 --draw joint -o %s/x", dir, ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--draw"));
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s/gen/stream.txt --draw pair -o %s/x", ds, dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--draw pair goes with the chain"));
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s/gen/stream.txt --length 8 -o %s/x", ds, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--length goes with -n"), "%s", err);
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s/gen/stream.txt --order 3 -o %s/x", ds, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--order goes with -n"), "%s", err);
    /* the usage and the help say so: --draw is an option of the chain, as --length and --order */
    CHECK(run_stdout("markov --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "(-n N [--length L] [--order K] [--draw type|pair] | --from-events W)") &&
                  strstr(out, "with -n: type (default)"), "%s", out);
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 1 --length 32 --format both -o %s/x", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--format is for window files"), "%s", err);
    /* a dataset directory that cannot be made: refused before anything is generated (no
     * progress bar), for a multi-channel model and for --channels-from alike */
    snprintf(path, sizeof path, "%s/plain", dir);
    FILE *pf = fopen(path, "w");
    REQUIRE(pf);
    fclose(pf);
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "generate %s/%s.tsm%s%s -n 2 --length 32 --threads 1 -o %s/plain/sub", dir,
                 i ? "ng" : "mc", i ? " --channels-from " : "", i ? ds : "", dir);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "plain/sub: ") && !strstr(out, "generate ["),
                  "%s", out);
    }
    ts_mc_free(&d);
}

/* the dataset at path holds the 8 events e1 e2 e3 e0 e0 e1 e2 e3 by name (as whose names them) */
static void check_named_e1e2e3e0(const char *path, const char *whose)
{
    ts_mc g;
    if (ts_mc_load(path, &g) != 0) {
        CHECK_MSG(0, "%s", ts_error());
        return;
    }
    static const char *const want[] = {"e1", "e2", "e3", "e0", "e0", "e1", "e2", "e3"};
    size_t same = 0;
    for (size_t i = 0; i < g.n && g.n == 8; i++) {
        int32_t e = g.ch[TS_CH_EVENT][i];
        same += e >= 0 && e < g.events.vocab.n && !strcmp(g.events.vocab.names[e], want[i]);
    }
    CHECK_MSG(g.n == 8 && same == 8, "%zu of %zu events named as %s names them", same, g.n, whose);
    ts_mc_free(&g);
}

/* markov --from-events W reads the names generate writes beside W (W.names.txt): the
 * events are the dataset's of those names, whatever IDs the model that wrote W gave them;
 * names the dataset lacks, a file of another shape, or names that do not go with W's IDs:
 * one line naming the file, nothing written; without the file, W's IDs are the dataset's */
static void markov_from_events_names(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[1024], path[512], w[512], names[512];
    ts_mc d;
    named_cycle(400, &d);
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    ts_mc_free(&d);
    snprintf(w, sizeof w, "%s/w.txt", dir);
    snprintf(names, sizeof names, "%s/w.names.txt", dir);
    write_text(w, "0,1,2,3\n3,0,1,2\n");
    /* the model's ID 0 is e1, 1 e2, 2 e3, 3 e0 */
    write_text(names, "e1 e2 e3 e0\ne0 e1 e2 e3\n");
    snprintf(path, sizeof path, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s -o %s", ds, w, path);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    ts_mc g;
    check_named_e1e2e3e0(path, "W.names.txt");
    /* what cannot be the names of W: refused in one line, no output */
    static const struct { const char *text, *why; } bad[] = {
        {"e1 e2 e3 zz\nzz e1 e2 e3\n", "w.names.txt:1: 'zz' is not one of the event names of"},
        {"e1 e2 e3 e0\n", "w.names.txt: 1 line"},
        {"e1 e2 e3\ne0 e1 e2 e3\n", "w.names.txt:1: 3 names"},
        {"e1 e2 e3 e0\ne1 e1 e2 e3\n", "w.names.txt:2: 'e1' for ID 3"},
        {"e1 e2 e3 ?\n? e1 e2 e3\n", "w.names.txt:1: '?'"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        write_text(names, bad[k].text);
        snprintf(path, sizeof path, "%s/bad%zu", dir, k);
        snprintf(cmd, sizeof cmd, "markov %s --from-events %s -o %s", ds, w, path);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, bad[k].why) && !strchr(err, '\n'), "case %zu: %s",
                  k, err);
        CHECK(!ts_file_exists(path));
    }
    /* no names file: W's IDs are the dataset's */
    unlink(names);
    snprintf(path, sizeof path, "%s/plain", dir);
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s -o %s", ds, w, path);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    if (ts_mc_load(path, &g) == 0) {
        CHECK(g.n == 8 && !strcmp(g.events.vocab.names[g.ch[TS_CH_EVENT][0]], "e0"));
        ts_mc_free(&g);
    }
    /* a dataset's stream.txt (a set of windows') names its events in the vocab.tsv beside
     * it: they are the dataset's of those names, as with W.names.txt; a name the dataset
     * lacks is refused naming the file */
    char set[600], stream[640], vocab[640], len[640];
    snprintf(set, sizeof set, "%s/set", dir);
    snprintf(stream, sizeof stream, "%s/stream.txt", set);
    snprintf(vocab, sizeof vocab, "%s/vocab.tsv", set);
    snprintf(len, sizeof len, "%s/length", set);
    REQUIRE(mkdir(set, 0755) == 0);
    write_text(stream, "0,1,2,3,3,0,1,2\n");
    write_text(vocab, "0\te1\t2\n1\te2\t2\n2\te3\t2\n3\te0\t2\n");
    write_text(len, "4\n");
    snprintf(path, sizeof path, "%s/fromset", dir);
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s -o %s", ds, stream, path);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    check_named_e1e2e3e0(path, "the set's vocab.tsv");
    write_text(vocab, "0\te1\t2\n1\te2\t2\n2\tzz\t2\n3\te0\t2\n");
    snprintf(path, sizeof path, "%s/fromset2", dir);
    snprintf(cmd, sizeof cmd, "markov %s --from-events %s -o %s", ds, stream, path);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "set/vocab.tsv: 'zz'") &&
                  strstr(err, "is not one of the event names of"), "%s", err);
    CHECK(!ts_file_exists(path));
}

/* imputation through the multi-channel driver: observed values kept, the rest follow */
static void impute_prefix(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[1024];
    ts_mc d;
    named_cycle(1000, &d);
    REQUIRE(save_ds(dir, "dsi", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 20 --order 2", dir, "ngi.tsm") == 0);
    ts_model *ev = NULL;
    snprintf(cmd, sizeof cmd, "%s/ngi.tsm", dir);
    REQUIRE(ts_model_load(cmd, &ev) == 0);
    ts_mc_model *m = NULL;
    REQUIRE(ts_mc_model_events(ev, &d, 700, TS_DRAW_PAIR, 0, "dsi", &m) == 0);
    CHECK(m->has == (1u << TS_CH_EVENT | 1u << TS_CH_DT | 1u << TS_CH_TID | 1u << TS_CH_CPU));
    ts_mc x;
    REQUIRE(ts_mc_slice(&d, 800, 880, &x) == 0);   /* 4 windows of 20 */
    uint8_t mask[80];
    for (int i = 0; i < 80; i++) mask[i] = i % 20 < 5;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = 2;
    ts_mc y;
    REQUIRE(ts_mc_model_impute(m, &x, 20, masks, &ro, &y, NULL) == 0);
    size_t kept = 0;
    for (int i = 0; i < 80; i++)
        kept += mask[i] && y.ch[TS_CH_EVENT][i] == x.ch[TS_CH_EVENT][i] && y.dt[i] == x.dt[i];
    CHECK(kept == 20 && follows(&y, 20));
    ts_mc_free(&y);
    ts_mc_free(&x);
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* names the model never saw: only the observed events are read (counted once each, or an
 * error when the model has no <unk>); a hidden event's name is not */
static void impute_unknown_names(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], ds2[512], cmd[2048], err[512], out[2048];
    for (int with_unk = 0; with_unk < 2; with_unk++) {
        snprintf(ds, sizeof ds, "%s/dsu%d", dir, with_unk);
        snprintf(ds2, sizeof ds2, "%s/dsu%d-zz", dir, with_unk);
        ts_mc d;
        named_cycle(1000, &d);   /* the test part: events [800, 1000), 10 windows of 20, each from e0 */
        if (with_unk) {
            ts_vocab *v = &d.events.vocab;
            v->names = realloc(v->names, 5 * sizeof *v->names);
            v->counts = realloc(v->counts, 5 * sizeof *v->counts);
            v->names[4] = ts_strdup("<unk>");
            v->counts[4] = 0;
            v->unk = 4;
            v->n = 5;
        }
        REQUIRE(ts_mc_save(ds, &d) == 0);
        snprintf(cmd, sizeof cmd, "train --model ngram %s --length 20 --order 2 -o %s/ngu.tsm", ds, dir);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        ts_mc e;   /* the same trace, e3 named zz: a name neither the model nor the dataset has */
        REQUIRE(ts_mc_slice(&d, 0, d.n, &e) == 0);
        free(e.events.vocab.names[3]);
        e.events.vocab.names[3] = ts_strdup("zz");
        REQUIRE(ts_mc_save(ds2, &e) == 0);
        /* the first 2 events observed (e0 e1): none unknown; the first 4: one zz a window */
        for (int p = 2; p <= 4; p += 2) {
            snprintf(cmd, sizeof cmd, "impute %s/ngu.tsm --channels-from %s --input %s --length 20 --prefix %d --json",
                     dir, ds, ds2, p);
            if (with_unk || p == 2) {
                REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
                CHECK_MSG(strstr(out, p == 2 ? "\"unknown\": 0," : "\"unknown\": 10,"), "--prefix %d: %s", p, out);
            } else {
                CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 &&
                              strstr(err, "-zz: test part: window 0, position 3: event 'zz' is not one of the model's"),
                          "%s", err);
            }
        }
        if (with_unk) {   /* the note and an output that cannot be written: the error alone */
            snprintf(cmd, sizeof cmd, "impute %s/ngu.tsm --channels-from %s --input %s --length 20 --prefix 4 "
                     "-o %s/ngu.tsm/imp", dir, ds, ds2, dir);   /* under a file */
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ngu.tsm/imp"), "%s", err);
        }
        if (with_unk) {   /* the library: the driver's count */
            ts_model *ev = NULL;
            snprintf(cmd, sizeof cmd, "%s/ngu.tsm", dir);
            REQUIRE(ts_model_load(cmd, &ev) == 0);
            ts_mc_model *m = NULL;
            REQUIRE(ts_mc_model_events(ev, &d, 700, TS_DRAW_PAIR, 0, "dsu", &m) == 0);
            ts_mc x, y;
            REQUIRE(ts_mc_slice(&e, 800, 880, &x) == 0);   /* 4 windows of 20 */
            uint8_t mask[80];
            const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
            ts_run_opts ro;
            memset(&ro, 0, sizeof ro);
            for (int p = 2; p <= 4; p += 2) {
                for (int i = 0; i < 80; i++) mask[i] = i % 20 < p;
                size_t unk = 99;
                REQUIRE(ts_mc_model_impute(m, &x, 20, masks, &ro, &y, &unk) == 0);
                CHECK_MSG(unk == (p == 4 ? 4u : 0u), "prefix %d: %zu unknown", p, unk);
                ts_mc_free(&y);
            }
            ts_mc_free(&x);
            ts_mc_model_free(m);
        }
        ts_mc_free(&e);
        ts_mc_free(&d);
    }
}

/* the cycle trace with its events shuffled (each the previous one's successor 3 times in 5,
 * else any of the 4), every channel still a function of the event */
static void loose_cycle(size_t n, ts_mc *d)
{
    named_cycle(n, d);
    ts_rng r;
    ts_rng_seed(&r, 11);
    for (size_t i = 1; i < n; i++) {
        int32_t e = ts_rng_below(&r, 5) < 3 ? (d->ch[TS_CH_EVENT][i - 1] + 1) % 4 : (int32_t)ts_rng_below(&r, 4);
        d->ch[TS_CH_EVENT][i] = e;
        d->ch[TS_CH_TID][i] = 10 + 3 * e;
        d->ch[TS_CH_CPU][i] = e % 2;
        d->dt[i] = (float)(log(1.0 + 1000.0 * (e + 1)) + 0.01 * ts_rng_uniform(&r));
    }
}

/* values of the other channels off the event's, and observed values changed */
static size_t off_event(const ts_mc *y, const ts_mc *x)
{
    size_t bad = 0;
    for (size_t i = 0; i < y->n; i++) {
        int32_t e = y->ch[TS_CH_EVENT][i];
        bad += e < 0 || e > 3 || y->ch[TS_CH_TID][i] != 10 + 3 * e || y->ch[TS_CH_CPU][i] != e % 2 ||
               fabs(y->dt[i] - log(1.0 + 1000.0 * (e + 1))) > 0.02;
    }
    return bad;
}

/* the test part starts where the time split puts it, floor(0.8 n) (3015 events: 2412; the
 * training and validation parts rounded apart gave 2110 + 301 = 2411, one validation event
 * in the first test window) */
static void impute_test_part(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512];
    ts_mc d;
    loose_cycle(3015, &d);
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 40 --order 3", dir, "ng.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --prefix 10 --seed 2 -o %s/pre", dir, ds,
             dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc y;
    REQUIRE(load_out(dir, "pre", &y) == 0);
    size_t kept = 0;
    for (size_t i = 0; i < y.n && y.n == 600; i++)
        kept += i % 40 < 10 && y.dt[i] == d.dt[2412 + i];
    CHECK_MSG(y.n == 600 && kept == 150, "%zu events, %zu of 150 given events at their place", y.n, kept);
    ts_mc_free(&y);
    /* the line and --json say which blackout was imputed, as plain impute's (they said "a
     * blackout" whatever its size and position) */
    char out[4096];
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --blackout 8 --position end", dir, ds);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "from the test part of ") && strstr(out, ", blackout 8 at end; 120 hidden events;"), "%s", out);
    strcat(cmd, " --json");
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"prefix\": 0, \"blackout\": 8, \"position\": \"end\", \"hidden\": 120,"), "%s", out);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --prefix 10", dir, ds);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, ", the first 10 events observed; 450 hidden events;"), "%s", out);
    strcat(cmd, " --json");
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"prefix\": 10, \"blackout\": 0, \"position\": null,"), "%s", out);
    /* -o naming the dataset read (--channels-from or --input, by any path) is refused: its
     * files would be replaced by the imputed windows */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --blackout 8 -o %s/.", dir, ds, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "the output would replace the dataset"), "%s", err);
    REQUIRE(train_cli("mdm-mc", ds, "--length 40 --layers 1 --channels 8 --state 4 --context 16 --iters 1 "
                                    "--threads 1 --no-progress", dir, "mc.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/mc.tsm --input %s --length 40 --blackout 8 --threads 1 --no-progress -o %s",
             dir, ds, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "the output would replace the dataset"), "%s", err);
    REQUIRE(ts_mc_load(ds, &y) == 0);
    CHECK_MSG(y.n == 3015, "%zu events", y.n);
    ts_mc_free(&y);
    ts_mc_free(&d);
}

/* impute --channels-from cuts the dataset by the event model's recorded split (its
 * --fractions), as plain impute does without --fractions; it cut 0.7/0.1/0.2 whatever the
 * model was trained on. --fractions given: those */
static void impute_channels_model_split(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], out[2048];
    ts_mc d;
    loose_cycle(3000, &d);   /* the model's test part: events [1800, 3000), 30 windows of 40 */
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 40 --order 3 --fractions 0.5,0.1,0.4", dir, "ngf.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ngf.tsm --channels-from %s --prefix 10 --seed 2 -o %s/pref", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc y;
    REQUIRE(load_out(dir, "pref", &y) == 0);
    size_t kept = 0;
    for (size_t i = 0; i < y.n && y.n == 1200; i++)
        kept += i % 40 < 10 && y.dt[i] == d.dt[1800 + i];
    CHECK_MSG(y.n == 1200 && kept == 300, "%zu events, %zu of 300 given events at their place", y.n, kept);
    ts_mc_free(&y);
    /* --fractions: those, not the model's */
    snprintf(cmd, sizeof cmd, "impute %s/ngf.tsm --channels-from %s --fractions 0.7,0.1,0.2 --blackout 8 --json", dir,
             ds);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"windows\": 15, "), "%s", out);
    ts_mc_free(&d);
}

/* generate --channels-from draws the other channels from the training part of the split the
 * event model records (its --fractions), as impute --channels-from cuts the dataset; it drew
 * them from the first 70 % whatever the model was trained on. --fractions given: those */
static void generate_channels_model_split(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], out[4096], path[600];
    ts_mc d;
    loose_cycle(3000, &d);
    for (size_t i = 1500; i < d.n; i++) d.ch[TS_CH_TID][i] += 100;   /* threads past the model's training part */
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s --length 40 --order 3 --fractions 0.5,0.1,0.4 -o %s/ngf.tsm", ds,
             dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "generate %s/ngf.tsm --channels-from %s -n 4 --length 40 --draw type -o %s/gen", dir, ds,
             dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "other channels from the first 1500 events of "), "%s", out);
    ts_mc g;
    snprintf(path, sizeof path, "%s/gen", dir);
    REQUIRE(ts_mc_load(path, &g) == 0);
    size_t late = 0;
    for (size_t i = 0; i < g.n; i++) late += g.ch[TS_CH_TID][i] >= 100;
    CHECK_MSG(g.n == 160 && late == 0, "%zu events, %zu of them with a thread of the model's test part", g.n, late);
    ts_mc_free(&g);
    /* --fractions: those, not the model's */
    snprintf(cmd, sizeof cmd, "generate %s/ngf.tsm --channels-from %s -n 4 --length 40 --draw type "
             "--fractions 0.7,0.1,0.2 -o %s/gen", dir, ds, dir);
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "other channels from the first 2100 events of "), "%s", out);
    REQUIRE(ts_mc_load(path, &g) == 0);
    late = 0;
    for (size_t i = 0; i < g.n; i++) late += g.ch[TS_CH_TID][i] >= 100;
    CHECK_MSG(late > 0, "%zu events, none with a thread of events 1500-2099", g.n);
    ts_mc_free(&g);
    /* and without --channels-from it has no dataset to cut */
    snprintf(cmd, sizeof cmd, "generate %s/ngf.tsm -n 1 --length 32 --fractions 0.7,0.1,0.2 -o %s/x", dir, dir);
    CHECK_MSG(run_cli(cmd, out, sizeof out) == 2 && strstr(out, "--fractions") && strstr(out, "go with --channels-from"),
              "%s", out);
    ts_mc_free(&d);
}

/* impute --input of a set of windows (DIR/length): its own windows are imputed, those whole
 * in the test part, and a --length that is not theirs is refused, naming both */
static void impute_recorded_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], ws[512], cmd[2048], err[512], out[2048], path[600];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    snprintf(ws, sizeof ws, "%s/ws", dir);
    ts_mc d, w;
    loose_cycle(3000, &d);
    REQUIRE(ts_mc_save(ds, &d) == 0);
    /* 31 windows of 50; the test part from event 1240, in window 24. The same workload, not
     * the model's dataset cut (its first events would be, and impute refuses that cut's test
     * part, events the model learned): events 7 to 1557 of it */
    REQUIRE(ts_mc_slice(&d, 7, 1557, &w) == 0);
    REQUIRE(ts_mc_save_windows(ws, &w, NULL, 50, 0) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 40 --order 3", dir, "ng.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --prefix 10 --seed 2 -o %s/pre", dir, ds,
             ws, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc y;
    snprintf(path, sizeof path, "%s/pre", dir);
    REQUIRE(ts_mc_load(path, &y) == 0);
    size_t len = 0, kept = 0;
    CHECK(ts_mc_window_length(path, y.n, &len) == 0);
    for (size_t i = 0; i < y.n && y.n == 300; i++)   /* windows 25 to 30: events [1250, 1550) */
        kept += i % 50 < 10 && y.ch[TS_CH_EVENT][i] == w.ch[TS_CH_EVENT][1250 + i] && y.dt[i] == w.dt[1250 + i];
    CHECK_MSG(y.n == 300 && len == 50 && kept == 60, "%zu events, windows of %zu, %zu of 60 given events at their place",
              y.n, len, kept);
    ts_mc_free(&y);
    /* the same --length is taken; another is refused, naming both */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --length 50 --blackout 8 --json", dir, ds,
             ws);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"windows\": 6, \"length\": 50,"), "%s", out);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --length 40 --blackout 8", dir, ds, ws);
    CHECK_MSG(run_output(cmd, out, sizeof out) != 0 && strstr(out, "ws/length: windows of 50 events") &&
                  strstr(out, "--length 40") && strchr(out, '\n') == out + strlen(out) - 1,
              "%s", out);
    /* a test part that holds no whole window: the data's error (1), one line naming the set */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --fractions 0.9,0.07,0.03 --blackout 8",
             dir, ds, ws);
    char want[1200];
    snprintf(want, sizeof want, "tracesynth: error: %s: the test part (from event 1503 of 1550) holds no whole window "
             "of 50 (%s/length)", ws, ws);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && !strcmp(err, want), "exit %d: %s", rc, err);
    /* a --blackout longer than the set's recorded windows: the data's error too (1), naming the record */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --blackout 60", dir, ds, ws);
    snprintf(want, sizeof want, "tracesynth: error: %s: --blackout 60 is longer than its windows (50 events, "
             "%s/length)", ws, ws);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && !strcmp(err, want), "exit %d: %s", rc, err);
    /* the set without its record: windows of the model's length from the test part's start, as before */
    snprintf(path, sizeof path, "%s/length", ws);
    REQUIRE(remove(path) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --blackout 8 --json", dir, ds, ws);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"windows\": 7, \"length\": 40,"), "%s", out);
    ts_mc_free(&w);
    ts_mc_free(&d);
}

/* impute --channels-from --prefix with an event model whose imputation takes no
 * temperature (lstm's is greedy): the prefix's sampling temperature is added only where
 * the model's imputation takes one, not refused as an option the user never gave */
static void impute_prefix_greedy_event_model(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], out[1024];
    ts_mc d;
    loose_cycle(3000, &d);
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    ts_mc_free(&d);
    REQUIRE(train_cli("lstm", ds, "--length 40 --layers 1 --hidden 8 --iters 3 --threads 1 --no-progress", dir,
                      "lstm.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/lstm.tsm --channels-from %s --length 40 --prefix 30 --threads 1 "
             "--no-progress", dir, ds);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "the first 30 events observed"), "%s", out);
    /* a temperature given is still its refusal */
    snprintf(cmd, sizeof cmd, "impute %s/lstm.tsm --channels-from %s --length 40 --prefix 30 --temperature 1 "
             "--threads 1 --no-progress", dir, ds);
    CHECK_MSG(run_cli(cmd, out, sizeof out) == 2 && strstr(out, "lstm: option --temperature"), "%s", out);
}

/* impute --channels-from: the event channel is plain impute's on the same windows (ngram,
 * and mdm, whose imputation is greedy unless sampled), the other channels drawn for the
 * events, observed values kept; a prefix; the errors */
static void impute_cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[512];
    ts_mc d;
    loose_cycle(3000, &d);   /* the test part: events [2400, 3000), 15 windows of 40 */
    REQUIRE(save_ds(dir, "ds", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 40 --order 3", dir, "ng.tsm") == 0);
    REQUIRE(train_cli("mdm", ds, "--length 40 --layers 1 --channels 16 --state 8 --context 40 --iters 30 --threads 1 "
                                 "--no-progress", dir, "mdm.tsm") == 0);
    /* the test windows as a window file, named by the dataset's names */
    ts_windows tw = {d.ch[TS_CH_EVENT] + 2400, 15, 40};
    snprintf(path, sizeof path, "%s/test.txt", dir);
    REQUIRE(ts_windows_write(path, &tw) == 0);
    snprintf(path, sizeof path, "%s/vocab.tsv", dir);
    REQUIRE(ts_vocab_write(path, &d.events.vocab) == 0);
    ts_mc x;
    REQUIRE(ts_mc_slice(&d, 2400, 3000, &x) == 0);
    static const char *const models[2] = {"ng", "mdm"};
    for (int mi = 0; mi < 2; mi++)
        for (int draw = 0; draw < 2; draw++) {
            const char *m = models[mi], *dr = draw ? "pair" : "type";
            snprintf(cmd, sizeof cmd, "impute %s/%s.tsm --channels-from %s --length 40 --blackout 8 --seed 5 "
                     "--draw %s --threads 1 --no-progress -o %s/%s-%s", dir, m, ds, dr, dir, m, dr);
            REQUIRE(run_cli(cmd, err, sizeof err) == 0);
            /* no seed: neither imputation draws (the n-gram's, mdm's greedy decoding), and
             * each refuses one */
            snprintf(cmd, sizeof cmd, "impute %s/%s.tsm --input %s/test.txt --length 40 --blackout 8 "
                     "--threads 1 --no-progress -o %s/%s-plain", dir, m, dir, dir, m);
            REQUIRE(run_cli(cmd, err, sizeof err) == 0);
            ts_mc y;
            snprintf(path, sizeof path, "%s/%s-%s", dir, m, dr);
            REQUIRE(ts_mc_load(path, &y) == 0);
            ts_npy a, mk;
            snprintf(path, sizeof path, "%s/%s-plain/imputation0.npy", dir, m);
            REQUIRE(ts_npy_read(path, &a) == 0);
            snprintf(path, sizeof path, "%s/%s-plain/mask0.npy", dir, m);
            REQUIRE(ts_npy_read(path, &mk) == 0);
            ts_windows p;
            uint8_t *mask = NULL;
            size_t mn, ml;
            REQUIRE(ts_npy_to_windows(&a, "imputation0.npy", 3, &p) == 0);
            REQUIRE(ts_npy_to_mask(&mk, "mask0.npy", &mask, &mn, &ml) == 0);
            REQUIRE(y.n == 600 && p.n * p.len == 600 && mn * ml == 600 && y.events.vocab.n == 4);
            size_t same = 0, hidden = 0, wrong = 0, kept = 0;
            for (size_t i = 0; i < 600; i++) {
                same += !strcmp(y.events.vocab.names[y.ch[TS_CH_EVENT][i]], d.events.vocab.names[p.data[i]]);
                hidden += !mask[i];
                wrong += !mask[i] && p.data[i] != x.ch[TS_CH_EVENT][i];
                kept += mask[i] && y.ch[TS_CH_TID][i] == x.ch[TS_CH_TID][i] && y.dt[i] == x.dt[i] &&
                        y.ch[TS_CH_CPU][i] == x.ch[TS_CH_CPU][i];
            }
            CHECK_MSG(same == 600, "%s --draw %s: %zu of 600 events as plain impute's", m, dr, same);
            CHECK(hidden == 120 && kept == 480);
            CHECK_MSG(off_event(&y, &x) == 0, "%s --draw %s: channels off the events", m, dr);
            if (mi == 0) CHECK_MSG(wrong > 0, "ngram: every hidden event right (%zu): a test that cannot tell", wrong);
            free(mask);
            ts_windows_free(&p);
            ts_npy_free(&a);
            ts_npy_free(&mk);
            ts_mc_free(&y);
        }
    /* the per-channel accuracies, --input given as the same dataset */
    char out[2048];
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --input %s --length 40 --blackout 8 --seed 5 --json",
             dir, ds, ds);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK(strstr(out, "\"hidden\": 120") && strstr(out, "\"accuracy_tid\": ") && strstr(out, "\"accuracy_dt\": ") &&
          strstr(out, "\"draw\": \"pair\"") && !strstr(out, "accuracy_comm"));
    /* without --length: the windows the event model was trained on (40), as plain impute's */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --blackout 8 --seed 5 --json", dir, ds);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"hidden\": 120"), "%s", out);
    /* a prefix: the first 10 events of every channel kept, the rest drawn and following */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --prefix 10 --seed 2 -o %s/pre", dir, ds,
             dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc y;
    REQUIRE(load_out(dir, "pre", &y) == 0);
    size_t kept = 0;
    for (size_t i = 0; i < y.n && y.n == 600; i++)
        kept += i % 40 < 10 && y.ch[TS_CH_EVENT][i] == x.ch[TS_CH_EVENT][i] && y.dt[i] == x.dt[i];
    CHECK(y.n == 600 && kept == 150 && off_event(&y, &x) == 0);
    ts_mc_free(&y);
    /* errors: one line each */
    ts_dataset un = {0};
    un.stream = d.events.stream;
    un.vocab = d.events.vocab;
    snprintf(path, sizeof path, "%s/events-only", dir);
    REQUIRE(ts_dataset_save(path, &un) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40", dir, path);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "events-only: no channel files beside stream.txt"));
    free(d.events.vocab.names[2]);
    d.events.vocab.names[2] = ts_strdup("zz");
    snprintf(path, sizeof path, "%s/ds2", dir);
    REQUIRE(ts_mc_save(path, &d) == 0);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40", dir, path);
    CHECK(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "ng.tsm: ngram: its event 'e2' is not one of the event names of") &&
          strstr(err, "ds2"));
    REQUIRE(train_cli("mdm-mc", ds, "--length 40 --layers 1 --channels 8 --state 4 --context 16 --iters 1 "
                                    "--threads 1 --no-progress", dir, "mc.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/mc.tsm --channels-from %s --length 40", dir, ds);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--channels-from is for a single-channel model"));
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/test.txt --draw type", dir, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--draw goes with --channels-from"));
    /* a single-channel model observes the first events of plain windows too */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --input %s/test.txt --prefix 5", dir, dir);
    CHECK_MSG(run_stdout(cmd, err, sizeof err) == 0 && strstr(err, "the first 5 events observed"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --vocab %s/vocab.tsv", dir, ds, dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--vocab is for single-channel input"));
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --split paper", dir, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--split paper"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --blackout 3", dir);
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--input PATH is required"));
    /* a --length valid on its face that the test part is too short for: the data's error (1),
     * one line naming the dataset */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 700", dir, ds);
    char want[700];
    snprintf(want, sizeof want, "tracesynth: error: %s: the test part (600 events) holds no window of 700", ds);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && !strcmp(err, want), "exit %d: %s", rc, err);
    /* options this path does not read: refused, not ignored (every test window is imputed;
     * a prefix replaces the blackout) */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --windows 5", dir, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--windows"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --prefix 10 --blackout 8", dir, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--blackout goes with"), "%s", err);
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --length 40 --prefix 10 --position end", dir, ds);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--position goes with"), "%s", err);
    ts_mc_free(&x);
    ts_mc_free(&d);
}

/* generate --channels-from with mdm's left-to-right sampler (--sampler chain): its event
 * channel is plain `generate --sampler chain`'s for the same seed, --crop changes nothing
 * (the sampler has its own crop and no imputation), the other channels follow the events;
 * and --sampler unmask named is the default's crops */
static void chain_sampler_cli(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[512];
    ts_mc d;
    loose_cycle(2000, &d);
    REQUIRE(save_ds(dir, "dsc", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("mdm", ds, "--length 32 --layers 1 --channels 16 --state 8 --context 16 --prior 0 --iters 20 "
                                 "--threads 1 --no-progress", dir, "mdmc.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/mdmc.tsm -n 3 --length 40 --sampler chain --temperature 0.8 --seed 4 "
             "--threads 1 --no-progress -o %s/plain", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_windows p;
    snprintf(path, sizeof path, "%s/plain.txt", dir);
    REQUIRE(ts_windows_read(path, &p) == 0);
    ts_model *ev = NULL;
    snprintf(path, sizeof path, "%s/mdmc.tsm", dir);
    REQUIRE(ts_model_load(path, &ev) == 0);
    ts_mc g[2];
    for (int crop = 0; crop < 2; crop++) {
        snprintf(cmd, sizeof cmd, "generate %s/mdmc.tsm --channels-from %s -n 3 --length 40 %s --sampler chain "
                 "--temperature 0.8 --seed 4 --threads 1 --no-progress -o %s/chain%d", dir, ds,
                 crop ? "--crop 16" : "", dir, crop);
        REQUIRE(run_cli(cmd, err, sizeof err) == 0);
        snprintf(path, sizeof path, "%s/chain%d", dir, crop);
        REQUIRE(ts_mc_load(path, &g[crop]) == 0);
        REQUIRE(g[crop].n == 120 && p.n * p.len == 120);
        size_t same = 0;
        for (size_t i = 0; i < 120; i++)
            same += !strcmp(g[crop].events.vocab.names[g[crop].ch[TS_CH_EVENT][i]], ev->vocab.names[p.data[i]]);
        CHECK_MSG(same == 120, "--crop %d: %zu of 120 events as plain generate --sampler chain's", crop ? 16 : 0, same);
        CHECK_MSG(off_event(&g[crop], &d) == 0, "--crop %d: channels off the events", crop ? 16 : 0);
    }
    size_t diff = 0;
    for (size_t i = 0; i < 120; i++)
        diff += g[0].ch[TS_CH_EVENT][i] != g[1].ch[TS_CH_EVENT][i] || g[0].ch[TS_CH_TID][i] != g[1].ch[TS_CH_TID][i] ||
                g[0].dt[i] != g[1].dt[i];
    CHECK_MSG(diff == 0, "--crop 16 changed %zu of 120 events", diff);
    /* the unmasking sampler does crop: its windows are not the chain's */
    snprintf(cmd, sizeof cmd, "generate %s/mdmc.tsm --channels-from %s -n 3 --length 40 --crop 16 --seed 4 "
             "--threads 1 --no-progress -o %s/unmask", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc u;
    REQUIRE(load_out(dir, "unmask", &u) == 0);
    diff = 0;
    for (size_t i = 0; i < 120 && u.n == 120; i++) diff += u.ch[TS_CH_EVENT][i] != g[0].ch[TS_CH_EVENT][i];
    CHECK_MSG(u.n == 120 && diff > 0, "the unmasking sampler drew the chain's events");
    /* --sampler unmask named: the same windows (the crops after the first are imputed, and
     * imputation takes no --sampler) */
    snprintf(cmd, sizeof cmd, "generate %s/mdmc.tsm --channels-from %s -n 3 --length 40 --crop 16 --sampler unmask "
             "--seed 4 --threads 1 --no-progress -o %s/unmask2", dir, ds, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "--sampler unmask --crop 16: %s", err);
    ts_mc u2 = {0};
    snprintf(path, sizeof path, "%s/unmask2", dir);
    if (ts_mc_load(path, &u2) == 0) {
        diff = 0;
        for (size_t i = 0; i < 120 && u2.n == 120 && u.n == 120; i++)
            diff += u2.ch[TS_CH_EVENT][i] != u.ch[TS_CH_EVENT][i] || u2.dt[i] != u.dt[i];
        CHECK_MSG(u2.n == 120 && diff == 0, "--sampler unmask changed %zu of 120 events", diff);
        ts_mc_free(&u2);
    } else {
        CHECK_MSG(0, "%s", ts_error());
    }
    ts_mc_free(&u);
    ts_mc_free(&g[0]);
    ts_mc_free(&g[1]);
    ts_model_free(ev);
    ts_windows_free(&p);
    ts_mc_free(&d);
}

/* the two ways of drawing: a trace whose thread is the previous event's */
static void draw_given_pair(void)
{
    ts_mc d;
    mc_cycle_trace(3000, 0, &d);
    ts_rng r;
    ts_rng_seed(&r, 5);
    for (size_t i = 0; i < d.n; i++) d.ch[TS_CH_EVENT][i] = (int32_t)ts_rng_below(&r, 3);
    for (size_t i = 1; i < d.n; i++) d.ch[TS_CH_TID][i] = 100 + d.ch[TS_CH_EVENT][i - 1];
    d.ch[TS_CH_TID][0] = 100;
    size_t off[2] = {0, 0};
    for (int given = 0; given < 2; given++) {
        ts_mc g;
        REQUIRE(ts_mc_markov_given(&d, 2000, 1, 20, 50, given, 4, &g) == 0);
        for (size_t i = 0; i < g.n; i++)
            if (i % 50) off[given] += g.ch[TS_CH_TID][i] != 100 + g.ch[TS_CH_EVENT][i - 1];
        ts_mc_free(&g);
    }
    CHECK_MSG(off[TS_DRAW_PAIR] == 0, "pair: %zu threads off the previous event", off[TS_DRAW_PAIR]);
    CHECK_MSG(off[TS_DRAW_TYPE] > 300, "type: only %zu threads off the previous event", off[TS_DRAW_TYPE]);
    ts_mc_drawer *dr = NULL;
    CHECK(ts_mc_drawer_new(&d, 2000, 7, &dr) != 0 && strstr(ts_error(), "unknown way"));
    REQUIRE(ts_mc_drawer_new(&d, 2000, TS_DRAW_PAIR, &dr) == 0);
    CHECK(ts_mc_drawer_types(dr) == 3);
    ts_mc_drawer_free(dr);
    ts_mc_free(&d);
}

/* a set of windows given to --channels-from (DIR/length) gives its pairs within its
 * windows: a window's last event and the next one's first are no pair to draw from. Each
 * window's first event has thread 200, every other one 100 + the event before it: drawn
 * by pair, no event after another in a window gets thread 200 */
static void channels_from_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512];
    ts_mc d;
    REQUIRE(save_pair_windows(dir, 4, -1, ds, sizeof ds, &d) == 0);
    REQUIRE(train_cli("ngram", ds, "--order 2", dir, "ng.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/ng.tsm --channels-from %s -n 100 --length 20 --seed 3 -o %s/gen", dir, ds,
             dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc g;
    REQUIRE(load_out(dir, "gen", &g) == 0);
    size_t off = 0, inside = 0;
    for (size_t i = 0; i < g.n; i++)
        if (i % 20) inside++, off += g.ch[TS_CH_TID][i] != 100 + g.ch[TS_CH_EVENT][i - 1];
    CHECK_MSG(g.n == 2000 && off == 0, "%zu of %zu events after another in a window drawn off their pair", off, inside);
    ts_mc_free(&g);
    /* the same by impute: the hidden events' threads (windows of 50, events 25 to 34) from
     * pairs within windows */
    snprintf(cmd, sizeof cmd, "impute %s/ng.tsm --channels-from %s --blackout 10 --seed 3 -o %s/imp", dir, ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(load_out(dir, "imp", &g) == 0);
    off = inside = 0;
    for (size_t i = 0; i < g.n; i++)
        if (i % 50 >= 25 && i % 50 < 35) inside++, off += g.ch[TS_CH_TID][i] != 100 + g.ch[TS_CH_EVENT][i - 1];
    CHECK_MSG(g.n == 600 && off == 0, "impute: %zu of %zu events after another in a window off their pair", off, inside);
    ts_mc_free(&g);
    ts_mc_free(&d);
}

/* markov of a set of windows (DIR/length) learns its chain and its pairs within its
 * windows: each window's first event is type 3, which no event follows inside a window,
 * and has thread 200 (every other 100 + the event before it): no generated event after
 * another in a window is a 3, and drawn by pair none has thread 200 */
static void markov_of_windows(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    ts_mc d;
    REQUIRE(save_pair_windows(dir, 3, 3, ds, sizeof ds, &d) == 0);
    snprintf(cmd, sizeof cmd, "markov %s -n 2000 --length 100 --order 2 --draw pair --seed 3 -o %s/mk", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    ts_mc g;
    REQUIRE(load_out(dir, "mk", &g) == 0);
    size_t threes = 0, off = 0;
    for (size_t i = 0; i < g.n; i++)
        if (i % 100) threes += g.ch[TS_CH_EVENT][i] == 3, off += g.ch[TS_CH_TID][i] == 200;
    CHECK_MSG(g.n == 2000 && threes == 0 && off == 0,
              "%zu events after another in a window are 3 (a window's first), %zu have its thread", threes, off);
    ts_mc_free(&g);
    /* the set without its record: one chain, as before (3 after a window's last event) */
    snprintf(path, sizeof path, "%s/length", ds);
    REQUIRE(remove(path) == 0);
    snprintf(cmd, sizeof cmd, "markov %s -n 2000 --length 100 --order 2 --draw pair --seed 3 -o %s/mk1", ds, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    REQUIRE(load_out(dir, "mk1", &g) == 0);
    threes = 0;
    for (size_t i = 0; i < g.n; i++) threes += i % 100 && g.ch[TS_CH_EVENT][i] == 3;
    CHECK_MSG(threes > 0, "one chain: no 3 after another event");
    ts_mc_free(&g);
    ts_mc_free(&d);
}

/* the first k draws below n of the stream (seed, w) an n-gram chain draws window w's events from */
static void event_stream(uint64_t seed, uint64_t w, size_t n, size_t k, size_t *out)
{
    ts_rng r;
    ts_rng_fork(&r, seed, w);
    for (size_t i = 0; i < k; i++) out[i] = (size_t)ts_rng_below(&r, n);
}

/* The Markov baseline's channels come from a stream of their own, not from the numbers
 * that drew some window's events. A training part of one event type whose only other
 * channel is dt, training event j's dt j / 100: the channel of synthetic event i then
 * shows the one draw behind it (training event j = a draw below n_train). The events are
 * the n-gram chain's, window w from the stream (seed, w), unchanged by the channels. */
static void markov_channel_stream(void)
{
    enum { NT = 2000, W = 4, L = 16 };
    ts_mc d;
    mc_cycle_trace(NT, 0, &d);
    free(d.ch[TS_CH_TID]);
    d.ch[TS_CH_TID] = NULL;
    for (size_t i = 0; i < NT; i++) d.ch[TS_CH_EVENT][i] = 0, d.dt[i] = (float)i / 100.0f;
    const uint64_t seed = 7;
    size_t ev[W][L], chw[W][L];
    for (int w = 0; w < W; w++) event_stream(seed, (uint64_t)w, NT, L, ev[w]);
    /* the chain and, for given events, the channels alone */
    for (int from_events = 0; from_events < 2; from_events++) {
        ts_mc g;
        if (from_events) {
            int32_t zeros[W * L] = {0};
            REQUIRE(ts_mc_from_events(&d, NT, zeros, W * L, seed, &g) == 0);
        } else {
            REQUIRE(ts_mc_markov_windows(&d, NT, 2, W, L, seed, &g) == 0);
        }
        REQUIRE(g.n == W * L && g.dt && !g.ch[TS_CH_TID]);
        size_t off = 0;
        for (size_t i = 0; i < g.n; i++) {
            long j = lroundf(g.dt[i] * 100.0f);
            off += j < 0 || j >= NT || d.dt[j] != g.dt[i];
            chw[i / L][i % L] = (size_t)j;
        }
        CHECK_MSG(off == 0, "%zu dt values not the training part's", off);
        /* no window's channel draws are the draws behind any window's events */
        for (int w = 0; w < W; w++)
            for (int v = 0; v < W; v++) {
                size_t same = 0;
                for (int t = 0; t < L; t++) same += chw[w][t] == ev[v][t];
                CHECK_MSG(same < L / 2, "%s: window %d's channels drawn by window %d's event stream (%zu of %d)",
                          from_events ? "given events" : "chain", w, v, same, (int)L);
            }
        /* window w's channels the same however many windows are made */
        if (!from_events) {
            ts_mc h;
            REQUIRE(ts_mc_markov_windows(&d, NT, 2, 2, L, seed, &h) == 0);
            CHECK(memcmp(h.dt, g.dt, 2 * L * sizeof(float)) == 0);
            ts_mc_free(&h);
        }
        ts_mc_free(&g);
    }
    ts_mc_free(&d);

    /* several event types: the events are the n-gram chain's generation of the same seed */
    mc_cycle_trace(NT, 1, &d);
    ts_rng r;
    ts_rng_seed(&r, 9);
    for (size_t i = 0; i < NT; i++) d.ch[TS_CH_EVENT][i] = (int32_t)ts_rng_below(&r, 4);
    ts_mc g;
    REQUIRE(ts_mc_markov_windows(&d, 1500, 2, W, L, seed, &g) == 0);
    ts_model *ng = ts_ngram_new(d.ch[TS_CH_EVENT], 1500, 2);
    REQUIRE(ng);
    ng->n_ids = 4;
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = seed;
    ts_windows w;
    REQUIRE(ts_model_generate(ng, W, L, &ro, &w) == 0);
    CHECK(w.n * w.len == g.n && memcmp(w.data, g.ch[TS_CH_EVENT], g.n * sizeof(int32_t)) == 0);
    ts_windows_free(&w);
    ts_model_free(ng);
    ts_mc_free(&g);
    ts_mc_free(&d);
}

/* a library caller's NULL: the multi-channel model functions refuse it by name, outputs
 * emptied ('FUNCTION: ARGUMENT is NULL'); they crashed, or read a NULL path as "(null)" */
static void null_arguments_refused(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], mp[512], out[512];
    snprintf(out, sizeof out, "%s/out.tsm", dir);
    ts_mc d;
    named_cycle(400, &d);
    REQUIRE(save_ds(dir, "dsn", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 20 --order 2", dir, "ngn.tsm") == 0);
    snprintf(mp, sizeof mp, "%s/ngn.tsm", dir);
    ts_model *ev = NULL;
    REQUIRE(ts_model_load(mp, &ev) == 0);
    ts_mc_model *m = NULL, *m2 = (ts_mc_model *)&d;
#define FAILS(call, msg) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_mc_model_events(NULL, &d, 0, TS_DRAW_TYPE, 0, "d", &m2), "ts_mc_model_events: ev is NULL");
    CHECK(m2 == NULL);
    FAILS(ts_mc_model_events(ev, NULL, 0, TS_DRAW_TYPE, 0, "d", &m2), "ts_mc_model_events: train is NULL");
    FAILS(ts_mc_model_events(ev, &d, 0, TS_DRAW_TYPE, 0, NULL, &m2), "ts_mc_model_events: what is NULL");
    FAILS(ts_mc_model_events(ev, &d, 0, TS_DRAW_TYPE, 0, "d", NULL), "ts_mc_model_events: out is NULL");
    REQUIRE(ts_mc_model_events(ev, &d, 0, TS_DRAW_TYPE, 0, "d", &m) == 0);
    ts_clear_error();
    CHECK(ts_mc_model_find(NULL, 0) == NULL && strstr(ts_error(), "ts_mc_model_find: name is NULL"));
    ts_mc_train_opts to;
    memset(&to, 0, sizeof to);
    to.data = &d;
    to.n_train = 300;
    FAILS(ts_mc_model_train(NULL, &to, &m2), "ts_mc_model_train: name is NULL");
    FAILS(ts_mc_model_train("mdm", NULL, &m2), "ts_mc_model_train: o is NULL");
    FAILS(ts_mc_model_train("mdm", &to, NULL), "ts_mc_model_train: out is NULL");
    FAILS(ts_mc_model_save(NULL, out), "ts_mc_model_save: m is NULL");
    FAILS(ts_mc_model_save(m, NULL), "ts_mc_model_save: path is NULL");
    CHECK(!ts_file_exists(out));
    FAILS(ts_mc_model_is(NULL), "ts_mc_model_is: path is NULL");
    CHECK(ts_mc_model_is(mp) == 0);
    FAILS(ts_mc_model_load(NULL, &m2), "ts_mc_model_load: path is NULL");
    FAILS(ts_mc_model_load(mp, NULL), "ts_mc_model_load: out is NULL");
    ts_mc x, y;
    REQUIRE(ts_mc_slice(&d, 300, 340, &x) == 0);
    uint8_t mask[40];
    for (int i = 0; i < 40; i++) mask[i] = i % 20 < 5;
    const uint8_t *masks[TS_NCH] = {mask, mask, mask, mask, mask, mask};
    memset(&y, 0xff, sizeof y);
    FAILS(ts_mc_model_impute(NULL, &x, 20, masks, NULL, &y, NULL), "ts_mc_model_impute: m is NULL");
    CHECK(y.n == 0 && y.ch[TS_CH_EVENT] == NULL);
    FAILS(ts_mc_model_impute(m, NULL, 20, masks, NULL, &y, NULL), "ts_mc_model_impute: x is NULL");
    FAILS(ts_mc_model_impute(m, &x, 20, NULL, NULL, &y, NULL), "ts_mc_model_impute: mask is NULL");
    FAILS(ts_mc_model_impute(m, &x, 20, masks, NULL, NULL, NULL), "ts_mc_model_impute: out is NULL");
    memset(&y, 0xff, sizeof y);
    FAILS(ts_mc_model_generate(NULL, 2, 20, NULL, &y), "ts_mc_model_generate: m is NULL");
    CHECK(y.n == 0 && y.ch[TS_CH_EVENT] == NULL);
    FAILS(ts_mc_model_generate(m, 2, 20, NULL, NULL), "ts_mc_model_generate: out is NULL");
#undef FAILS
    CHECK(ts_mc_model_impute(m, &x, 20, masks, NULL, &y, NULL) == 0 && y.n == 40);
    ts_mc_free(&y);
    CHECK(ts_mc_model_generate(m, 2, 20, NULL, &y) == 0 && y.n == 40);
    ts_mc_free(&y);
    ts_mc_free(&x);
    ts_mc_model_free(m);
    ts_mc_free(&d);
}

/* a run option the event model does not take, with --channels-from: a usage error (exit 2,
 * the command's usage line), as plain generate and impute make it and as an option value
 * the event model refuses was already; it was the run's error (exit 1), the adapter's name
 * ("ngram events + drawn channels") not being a model's */
static void channels_from_unknown_key(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512];
    ts_mc d;
    named_cycle(400, &d);
    REQUIRE(save_ds(dir, "dsk", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("ngram", ds, "--length 20 --order 2", dir, "ngk.tsm") == 0);
    static const char *const runs[2] = {"generate %s/ngk.tsm --channels-from %s -n 2 --length 20 --nope 3 -o %s/gk",
                                        "impute %s/ngk.tsm --channels-from %s --length 20 --blackout 4 --nope 3 "
                                        "-o %s/gk"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, runs[i], dir, ds, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, i ? "tracesynth impute: error: " : "tracesynth generate: error: ") &&
                      strstr(err, "option --nope: not one of its run options"),
                  "%s: %d: %s", cmd, rc, err);
    }
    ts_mc_free(&d);
}

/* a model of one window length (sssd-s4) as the event channel: without --length, generate
 * --channels-from takes the model's own, as plain generate and impute --channels-from do (it
 * was a usage error); a --length (or --crop) it cannot sample is one error line naming the
 * model file, before any work (it named only "sssd-s4") */
static void channels_from_fixed_length(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    ts_mc d;
    named_cycle(400, &d);
    REQUIRE(save_ds(dir, "dsf", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("sssd-s4", ds, "--length 20 --layers 1 --channels 4 --state 4 --iters 1 --threads 1 --no-progress",
                      dir, "sf.tsm") == 0);
    snprintf(cmd, sizeof cmd, "generate %s/sf.tsm --channels-from %s -n 2 --steps 2 --threads 1 --no-progress -o %s/gf",
             dir, ds, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %d: %s", cmd, rc, err);
    ts_mc g;
    size_t L = 0;
    snprintf(path, sizeof path, "%s/gf", dir);
    if (rc == 0 && load_out(dir, "gf", &g) == 0) {
        CHECK_MSG(g.n == 40 && ts_mc_window_length(path, g.n, &L) == 0 && L == 20, "%zu events, windows of %zu", g.n, L);
        ts_mc_free(&g);
    }
    static const char *const bad[3] = {"--length 30", "--length 60 --crop 30", "--length 10"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "generate %s/sf.tsm --channels-from %s -n 2 %s --steps 2 --threads 1 --no-progress "
                 "-o %s/gb", dir, ds, bad[i], dir);
        rc = run_cli(cmd, err, sizeof err);
        snprintf(path, sizeof path, "%s/sf.tsm: sssd-s4: ", dir);
        CHECK_MSG(rc == 1 && strstr(err, path) && strstr(err, "windows of 20"), "%s: %d: %s", cmd, rc, err);
        snprintf(path, sizeof path, "%s/gb", dir);
        CHECK(!ts_file_exists(path));
    }
    ts_mc_free(&d);
}

/* impute --channels-from with a model of one window length (sssd-s4) and windows of
 * another: one error line naming the model file, before the work (it named only "sssd-s4") */
static void impute_channels_from_fixed_length(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char ds[512], cmd[2048], err[512], path[600];
    ts_mc d;
    named_cycle(400, &d);
    REQUIRE(save_ds(dir, "dsi", &d, ds, sizeof ds) == 0);
    REQUIRE(train_cli("sssd-s4", ds, "--length 20 --layers 1 --channels 4 --state 4 --iters 1 --threads 1 --no-progress",
                      dir, "si.tsm") == 0);
    snprintf(cmd, sizeof cmd, "impute %s/si.tsm --channels-from %s --length 40 --blackout 4 --steps 2 --threads 1 "
             "--no-progress -o %s/ib", dir, ds, dir);
    int rc = run_cli(cmd, err, sizeof err);
    snprintf(path, sizeof path, "%s/si.tsm: sssd-s4: ", dir);
    CHECK_MSG(rc == 1 && strstr(err, path) && strstr(err, "windows of 20") && strstr(err, "40"), "%s: %d: %s", cmd, rc,
              err);
    snprintf(path, sizeof path, "%s/ib", dir);
    CHECK(!ts_file_exists(path));
    ts_mc_free(&d);
}

TEST_MAIN("mc_events", {
    RUN(null_arguments_refused);
    RUN(generate_cli);
    RUN(markov_from_events_names);
    RUN(impute_prefix);
    RUN(impute_cli);
    RUN(impute_prefix_greedy_event_model);
    RUN(impute_test_part);
    RUN(impute_channels_model_split);
    RUN(generate_channels_model_split);
    RUN(impute_recorded_windows);
    RUN(impute_unknown_names);
    RUN(chain_sampler_cli);
    RUN(draw_given_pair);
    RUN(channels_from_windows);
    RUN(markov_of_windows);
    RUN(markov_channel_stream);
    RUN(channels_from_unknown_key);
    RUN(channels_from_fixed_length);
    RUN(impute_channels_from_fixed_length);
})
