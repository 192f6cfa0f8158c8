/* The train / impute / generate / bench impute commands end to end on a small
 * synthetic dataset, and their answers to bad usage. */
#include "check.h"
#include "motif.h"
#include "tracesynth.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>

static char dir[256];

/* a repetitive stream of 6000 events over 8 named events, with some noise */
static int make_dataset(void)
{
    const char *s = scratch_dir();
    if (!s) return -1;
    snprintf(dir, sizeof dir, "%s", s);
    char path[512];
    snprintf(path, sizeof path, "%s/ds-copy", dir);   /* another dataset of the same events */
    if (save_motif_dataset(path, 6000)) return -1;
    snprintf(path, sizeof path, "%s/ds", dir);
    return save_motif_dataset(path, 6000);
}

/* the number after "key": in impute's --json object; -1 when absent or null */
static double metric(const char *json, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(json, k);
    if (!p || !strncmp(p + strlen(k), "null", 4)) return -1;
    return atof(p + strlen(k));
}

/* tune-prior's closing line times each of its three choices (the prior's weights, impute's
 * decoding, the chain likelihood's mixture), not their sum alone, and each of its log
 * records has an elapsed_s, as train's have: from its start, never falling */
static void tune_prior_phases_timed(void)
{
    char args[2048], out[8192], lg[600];
    snprintf(lg, sizeof lg, "%s/tp.jsonl", dir);
    remove(lg);
    snprintf(args, sizeof args, "tune-prior tests/fixtures/models/mdm.tsm tests/fixtures/models/ds --threads 1 "
             "--no-progress --valid-windows 4 -o %s/tp.tsm --log %s", dir, lg);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *line = strstr(out, "chose the prior's weights, impute's decoding and the chain likelihood's mixture");
    REQUIRE(line);
    double all = -1, w = -1, d = -1, c = -1;
    const char *at = strstr(line, " s (the prior's weights "), *num = at;
    while (num && num > line && num[-1] != ' ') num--;   /* the whole time, before it */
    CHECK_MSG(num && sscanf(num, "%lf s (the prior's weights %lf s, impute's decoding %lf s, the chain "
                            "likelihood's mixture %lf s) -> ", &all, &w, &d, &c) == 4, "%s", line);
    CHECK_MSG(w >= 0 && d >= 0 && c >= 0 && w + d + c <= all + 0.15, "%g = %g + %g + %g", all, w, d, c);
    FILE *f = fopen(lg, "r");
    REQUIRE(f);
    char rec[4096];
    long n = 0, timed = 0, falls = 0;
    double prev = 0;
    while (fgets(rec, sizeof rec, f)) {
        n++;
        const char *e = strstr(rec, "\"elapsed_s\":");
        if (!e) continue;
        timed++;
        falls += atof(e + 12) < prev;
        prev = atof(e + 12);
    }
    fclose(f);
    CHECK_MSG(n > 0 && timed == n && falls == 0, "%ld of %ld records timed, %ld falls", timed, n, falls);
}

/* tune-prior's --log that cannot be written (a full disk: /dev/full) fails the run in one
 * line naming it, before -o is written: its records were lost (it exited 0, the log empty) */
static void tune_prior_log_failure_said(void)
{
    char args[2048], err[1024], out[600];
    snprintf(out, sizeof out, "%s/tp-full.tsm", dir);
    snprintf(args, sizeof args, "tune-prior tests/fixtures/models/mdm.tsm tests/fixtures/models/ds --threads 1 "
             "--no-progress --valid-windows 4 -o %s --log /dev/full", out);
    CHECK_MSG(cli_refuses(args, 1, "/dev/full: write failed", out, err, sizeof err), "%s", err);
}

/* the records mdm writes into train's --log after the loop (its bound, the choices after
 * training) that cannot be written (a disk that fills then) fail the run in one line naming
 * the log, after the model is written (the loop wrote its best one there already): they were
 * lost and train exited 0 */
static void train_log_failure_after_loop_said(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a preloaded library would come before the sanitizer's runtime");
#endif
    const char *d = scratch_dir();
    REQUIRE(d);
    char so[512], args[2048], err[1024], out[600], lg[600];
    /* every close of the log after the loop's four records (start, iteration, validation,
     * end) fails as a full disk's */
    if (build_preload(d, "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <errno.h>\n#include <stdio.h>\n"
                         "#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\n"
                         "int fclose(FILE *f)\n{\n"
                         "    static int (*real)(FILE *);\n    static int n;\n"
                         "    if (!real) real = (int (*)(FILE *))dlsym(RTLD_NEXT, \"fclose\");\n"
                         "    char fd[64], path[4096];\n    snprintf(fd, sizeof fd, \"/proc/self/fd/%d\", fileno(f));\n"
                         "    ssize_t l = readlink(fd, path, sizeof path - 1);\n"
                         "    const char *lg = getenv(\"SHIM_LOG\");\n"
                         "    if (l > 0 && lg) {\n        path[l] = 0;\n"
                         "        if (!strcmp(path, lg) && ++n > 4) { real(f); errno = ENOSPC; return EOF; }\n    }\n"
                         "    return real(f);\n}\n", so, sizeof so) != 0)
        SKIP("no C compiler for the preloaded shim");
    snprintf(out, sizeof out, "%s/m.tsm", d);
    snprintf(lg, sizeof lg, "%s/m.jsonl", d);
    setenv("SHIM_LOG", lg, 1);
    setenv("LD_PRELOAD", so, 1);
    snprintf(args, sizeof args, "train --model mdm tests/fixtures/models/ds -o %s --log %s --iters 2 --threads 1 "
             "--layers 1 --channels 16 --state 8 --context 32 --length 64 --batch 4 --valid-windows 25 --windows 50 "
             "--no-progress", out, lg);
    const int rc = run_cli(args, err, sizeof err);
    unsetenv("LD_PRELOAD");
    CHECK_MSG(rc == 1 && strstr(err, "m.jsonl: write failed") && strstr(err, "the log lacks the records after the "
                                                                             "training loop"), "exit %d: %s", rc, err);
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(out, &m) == 0, "%s", ts_error());   /* the whole model, its choices made */
    ts_model_free(m);
    unsetenv("SHIM_LOG");
}

static void train_impute_eval(void)
{
    char args[2048], out[8192];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 -o %s/ng.tsm "
             "--log %s/train.jsonl", dir, dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(strstr(out, "trained ngram") && strstr(out, "time split"));
    snprintf(args, sizeof args, "%s/train.jsonl", dir);
    CHECK(ts_file_exists(args));

    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --length 60 --windows 40 "
             "--blackout 6 -o %s/imp --json", dir, dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strncmp(out, "{\"model\": \"ngram\", \"windows\": 40, \"length\": 60, \"blackout\": 6, "
                      "\"position\": \"center\"", 80) == 0, "%s", out);
    double acc = metric(out, "accuracy"), perfect = metric(out, "perfect"), rouge = metric(out, "rouge_l");
    CHECK_MSG(acc >= 80 && acc <= 100, "accuracy %.2f in '%s'", acc, out);
    CHECK(metric(out, "type_accuracy") >= 0);       /* named events */
    CHECK(metric(out, "hidden") == 40 * 6);
    CHECK(strstr(out, "/imp\"}") != NULL);          /* "output": the directory */
    /* the text line says the same */
    char text[8192];
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --length=60 --windows=40 --blackout=6", dir, dir);
    REQUIRE(run_stdout(args, text, sizeof text) == 0);
    char want[128];
    snprintf(want, sizeof want, "accuracy %.2f  perfect %.2f  ROUGE-L %.2f", acc, perfect, rouge);
    CHECK_MSG(strstr(text, want) && strstr(text, "type accuracy"), "'%s' not in '%s'", want, text);
    /* an output directory given with its slash names the files without a double one */
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --length=60 --windows=40 --blackout=6 -o %s/imp/",
             dir, dir, dir);
    REQUIRE(run_stdout(args, text, sizeof text) == 0);
    CHECK_MSG(strstr(text, "/imp/{original0,mask0,imputation0}.npy") && !strstr(text, "//"), "%s", text);

    /* the printed numbers are those of the written triple */
    char p[512];
    ts_npy a;
    ts_windows orig, imp;
    uint8_t *mask;
    size_t mn, ml;
    snprintf(p, sizeof p, "%s/imp/original0.npy", dir);
    REQUIRE(ts_npy_read(p, &a) == 0);
    REQUIRE(ts_npy_to_windows(&a, p, -1, &orig) == 0);
    ts_npy_free(&a);
    snprintf(p, sizeof p, "%s/imp/imputation0.npy", dir);
    REQUIRE(ts_npy_read(p, &a) == 0);
    REQUIRE(ts_npy_to_windows(&a, p, -1, &imp) == 0);
    ts_npy_free(&a);
    snprintf(p, sizeof p, "%s/imp/mask0.npy", dir);
    REQUIRE(ts_npy_read(p, &a) == 0);
    REQUIRE(ts_npy_to_mask(&a, p, &mask, &mn, &ml) == 0);
    ts_npy_free(&a);
    CHECK(orig.n == 40 && orig.len == 60 && mn == 40 && ml == 60);
    size_t hidden = 0;
    for (size_t i = 0; i < mn * ml; i++) hidden += !mask[i];
    CHECK(hidden == 40 * 6);
    ts_impute_metrics im;
    REQUIRE(ts_eval_impute(&orig, mask, &imp, NULL, &im) == 0);
    CHECK_NEAR(im.accuracy, acc, 0.006);
    CHECK_NEAR(im.perfect, perfect, 0.006);
    CHECK_NEAR(im.rouge_l, rouge, 0.006);

    /* a window file and a .npy as input give the same numbers */
    snprintf(p, sizeof p, "%s/test.txt", dir);
    REQUIRE(ts_windows_write(p, &orig) == 0);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --blackout 6 --json", dir, p);
    char out2[8192];
    REQUIRE(run_stdout(args, out2, sizeof out2) == 0);
    CHECK_NEAR(metric(out2, "accuracy"), acc, 1e-9);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input=%s/imp/original0.npy --blackout 6 --json", dir, dir);
    REQUIRE(run_stdout(args, out2, sizeof out2) == 0);
    CHECK_NEAR(metric(out2, "accuracy"), acc, 1e-9);
    /* a file of windows is not cut: the options that cut a dataset are refused, not ignored */
    const char *cut[] = {"--split time", "--windows 5", "--fractions 0.7,0.1,0.2", "--length 40"};
    for (int i = 0; i < 4; i++)
        for (int cmd = 0; cmd < 2; cmd++) {
            snprintf(args, sizeof args, "%s %s/ng.tsm --input %s %s%s", cmd ? "score" : "impute", dir, p, cut[i],
                     cmd ? "" : " --blackout 6");
            char err[2048];
            CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "test.txt"), "%s: %s", args, err);
        }
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s --length 60", dir, p);   /* the windows' own length */
    REQUIRE(run_stdout(args, out2, sizeof out2) == 0);
    /* --position all hides the whole window: it says so, and takes no --blackout */
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --position all --json", dir, p);
    REQUIRE(run_stdout(args, out2, sizeof out2) == 0);
    CHECK_MSG(metric(out2, "blackout") == 60 && metric(out2, "hidden") == 40 * 60, "%s", out2);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --position all --blackout 6", dir, p);
    {
        char err[2048];
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--position all"), "%s", err);
    }

    /* the unigram floor is far below */
    snprintf(args, sizeof args, "train --model unigram %s/ds --length 60 --windows 40 -o %s/uni.tsm", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "impute %s/uni.tsm --input %s/ds --length 60 --windows 40 --blackout 6 --json", dir, dir);
    REQUIRE(run_stdout(args, out2, sizeof out2) == 0);
    double uacc = metric(out2, "accuracy");
    CHECK_MSG(uacc >= 0 && uacc < acc - 20, "%s", out2);
    /* neither fills in sampling steps or batches: --steps and --batch are refused, not ignored */
    const char *one_pass[][3] = {{"ng", "impute", "--steps 3"}, {"ng", "generate", "--batch 4"},
                                 {"uni", "impute", "--batch 4"}, {"uni", "generate", "--steps 3"}};
    for (int i = 0; i < 4; i++) {
        char err[512], needle[64];
        if (!strcmp(one_pass[i][1], "impute"))
            snprintf(args, sizeof args, "impute %s/%s.tsm --input %s/ds --length 60 --windows 40 --blackout 6 %s", dir,
                     one_pass[i][0], dir, one_pass[i][2]);
        else
            snprintf(args, sizeof args, "generate %s/%s.tsm -n 2 --length 20 -o %s/op %s", dir, one_pass[i][0], dir,
                     one_pass[i][2]);
        snprintf(needle, sizeof needle, "option %.7s: it ", one_pass[i][2]);   /* a usage error */
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, needle), "%s: %s", args, err);
    }
    free(mask);
    ts_windows_free(&orig);
    ts_windows_free(&imp);
}

/* impute (and score) of windows that occur verbatim in the training events the model keeps
 * (the n-gram's stream, mdm's n-gram prior's) warns in one line, how many of how many, and
 * scores them as it would without; a model that keeps none (unigram, mdm --prior 0), or
 * windows not among them, say nothing */
static void impute_warns_trained_windows(void)
{
    char args[2048], out[8192], p[512];
    snprintf(p, sizeof p, "%s/ng.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_model_load(p, &m) == 0);
    size_t N;
    const int32_t *s = ts_model_train_events(m, &N);
    REQUIRE(s && N > 2000);
    /* windows 0 and 2 from the training stream; 1 and 3 the motif backwards, in none of it */
    ts_windows w = {ts_malloc(4 * 60 * sizeof(int32_t)), 4, 60};
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 60; j++) w.data[i * 60 + j] = i % 2 ? s[1000 * i + 59 - j] : s[1000 * i + j];
    snprintf(p, sizeof p, "%s/tw.txt", dir);
    REQUIRE(ts_windows_write(p, &w) == 0);
    /* the same windows numbered otherwise, their names beside them: matched by name */
    ts_windows r = {ts_malloc(w.n * w.len * sizeof *r.data), w.n, w.len};
    for (size_t i = 0; i < w.n * w.len; i++) r.data[i] = m->vocab.n - 1 - w.data[i];
    snprintf(p, sizeof p, "%s/twr.txt", dir);
    REQUIRE(ts_windows_write(p, &r) == 0);
    snprintf(p, sizeof p, "%s/twr.names.txt", dir);
    REQUIRE(ts_windows_write_names(p, &w, &m->vocab) == 0);
    /* the two unseen ones alone */
    ts_windows u = {ts_malloc(2 * 60 * sizeof(int32_t)), 2, 60};
    memcpy(u.data, w.data + 60, 60 * sizeof(int32_t));
    memcpy(u.data + 60, w.data + 180, 60 * sizeof(int32_t));
    snprintf(p, sizeof p, "%s/tu.txt", dir);
    REQUIRE(ts_windows_write(p, &u) == 0);
    size_t found = 9;
    CHECK(ts_model_windows_trained(m, &w, NULL, &found) == 0 && found == 2);
    CHECK(ts_model_windows_trained(m, &u, NULL, &found) == 0 && found == 0);

    const char *tiny = "--layers 1 --channels 4 --state 4 --iters 1 --valid-n 2 --no-progress --threads 1";
    for (int prior = 0; prior < 2; prior++) {
        snprintf(args, sizeof args, "train --model mdm %s/ds --length 60 --windows 10 --prior %d %s -o %s/tw%d.tsm", dir,
                 prior, tiny, dir, prior);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s", out);
    }
    const struct { const char *model, *input; int warns; } runs[] = {
        {"ng.tsm", "tw.txt", 1}, {"ng.tsm", "twr.txt", 1}, {"tw1.tsm", "tw.txt", 1},
        {"ng.tsm", "tu.txt", 0}, {"uni.tsm", "tw.txt", 0}, {"tw0.tsm", "tw.txt", 0},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        snprintf(args, sizeof args, "impute %s/%s --input %s/%s --blackout 6 --json", dir, runs[i].model, dir,
                 runs[i].input);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s: %s", args, out);
        const char *at = strstr(out, "tracesynth: warning: impute: ");
        CHECK_MSG(runs[i].warns ? at && strstr(at, "2 of 4 windows occur verbatim in the model's training data: the "
                                                   "scores overstate its accuracy on behaviour it has not seen\n")
                               : !strstr(out, "verbatim"),
                  "%s: %s", args, out);
        /* one line */
        if (at) CHECK_MSG(!strstr(at + 1, "tracesynth: warning"), "%s", out);
        char json[8192];
        CHECK_MSG(run_stdout(args, json, sizeof json) == 0 && !strncmp(json, "{\"model\": ", 10), "%s: %s", args,
                  json);
        /* score alike: its bits per event on such windows flatter the model (the unigram
         * gives no likelihood) */
        if (!strcmp(runs[i].model, "uni.tsm")) continue;
        snprintf(args, sizeof args, "score %s/%s --input %s/%s --json", dir, runs[i].model, dir, runs[i].input);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s: %s", args, out);
        at = strstr(out, "tracesynth: warning: score: ");
        CHECK_MSG(runs[i].warns ? at && strstr(at, "2 of 4 windows occur verbatim in the model's training data: "
                                                   "the bits per event overstate how well it predicts behaviour it "
                                                   "has not seen\n")
                               : !strstr(out, "verbatim"),
                  "%s: %s", args, out);
        if (at) CHECK_MSG(!strstr(at + 1, "tracesynth: warning"), "%s", out);
        CHECK_MSG(run_stdout(args, json, sizeof json) == 0 && !strncmp(json, "{\"model\": ", 10), "%s: %s", args,
                  json);
    }
    /* an mdm ensemble's: a window counts where any of its networks' files keeps it (the
     * model's own none with --prior 0, its member's its n-gram prior's stream) */
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "impute %s/tw%d.tsm --input %s/tw.txt --blackout 6 --ensemble %s/tw%d.tsm", dir,
                 k, dir, dir, 1 - k);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s: %s", args, out);
        CHECK_MSG(strstr(out, "tracesynth: warning: impute: 2 of 4 windows occur verbatim in the model's training "
                              "data: ") != NULL, "%s: %s", args, out);
    }
    snprintf(args, sizeof args, "impute %s/tw0.tsm --input %s/tu.txt --blackout 6 --ensemble %s/tw1.tsm", dir, dir,
             dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "verbatim"), "%s: %s", args, out);
    /* --channels-from's events alike: a test part the event model trained on (its training
     * part 0.98 of another copy's, one event apart) warns, its own held-out part does not; on
     * the dataset itself such fractions are refused (the model's HELDOUT record) */
    const char *mc = "tests/fixtures/models/mcds";
    ts_mc cp;
    REQUIRE(ts_mc_load(mc, &cp) == 0);
    cp.ch[TS_CH_EVENT][0] = cp.ch[TS_CH_EVENT][1];
    snprintf(p, sizeof p, "%s/mcds1", dir);
    REQUIRE(ts_mc_save(p, &cp) == 0);
    ts_mc_free(&cp);
    for (int own = 0; own < 3; own++) {
        snprintf(args, sizeof args, "train --model ngram %s --length 10%s -o %s/twc.tsm", own == 1 ? mc : p,
                 own == 2 ? "" : " --fractions 0.98,0.01,0.01", dir);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s", out);
        snprintf(args, sizeof args, "impute %s/twc.tsm --channels-from %s --length 40 --blackout 5 --fractions "
                 "0.7,0.1,0.2", dir, mc);
        const int rc = run_output(args, out, sizeof out);
        CHECK_MSG(own == 1 ? rc == 1 && strstr(out, "twc.tsm") && strstr(out, "begins at event")
                  : rc == 0 && (own ? !strstr(out, "verbatim")
                                    : strstr(out, "tracesynth: warning: impute: 4 of 4 windows occur verbatim") != NULL),
                  "%s: %s", args, out);
    }
    free(w.data);
    free(r.data);
    free(u.data);
    ts_model_free(m);
}

/* a model runs on windows of the length it was trained on unless told otherwise */
/* 1 when line is one compact JSON object of the training log: braces around it, an "event"
 * or "iter" member, no blank after a colon or comma outside strings */
static int compact_record(const char *line)
{
    size_t n = strlen(line);
    if (n < 2 || line[0] != '{' || line[n - 1] != '}') return 0;
    if (!strstr(line, "\"event\":") && strncmp(line, "{\"iter\":", 8)) return 0;
    int in_str = 0;
    for (const char *s = line; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1]) s++;
            else if (*s == '"') in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if ((*s == ':' || *s == ',') && (s[1] == ' ' || s[1] == '\t')) {
            return 0;
        }
    }
    return !in_str;
}

/* the one-pass models' training logs: the neural models' records, a start record naming
 * the model and its options and an end record with the result */
static void one_pass_logs(void)
{
    const char *models[][2] = {{"ngram", " --order 5"}, {"unigram", ""}};
    for (size_t m = 0; m < 2; m++) {
        char args[2048], out[4096], lg[512];
        snprintf(lg, sizeof lg, "%s/%s.jsonl", dir, models[m][0]);
        unlink(lg);
        snprintf(args, sizeof args, "train --model %s%s %s/ds --length 60 --windows 40 -o %s/%s1.tsm --log %s",
                 models[m][0], models[m][1], dir, dir, models[m][0], lg);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        FILE *f = fopen(lg, "r");
        REQUIRE(f != NULL);
        char line[4096], first[4096] = "", last[4096] = "";
        int lines = 0;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            CHECK_MSG(compact_record(line), "%s: %s", models[m][0], line);
            if (!lines++) snprintf(first, sizeof first, "%s", line);
            snprintf(last, sizeof last, "%s", line);
        }
        fclose(f);
        CHECK_MSG(lines >= 2, "%s: %d records", models[m][0], lines);
        char want[128];
        snprintf(want, sizeof want, "{\"event\":\"start\",\"model\":\"%s\"", models[m][0]);
        CHECK_MSG(!strncmp(first, want, strlen(want)), "%s", first);
        CHECK_MSG(!strncmp(last, "{\"event\":\"end\",", 15) && strstr(last, "\"events\":"), "%s", last);
        if (m == 0) CHECK_MSG(strstr(first, "\"order\":5,\"fallback\":\"markov\"") && strstr(last, "\"kn_order\":") &&
                                  strstr(last, "\"seconds\":"), "%s / %s", first, last);
    }
}

static void window_length_from_the_model(void)
{
    char args[2048], out[8192];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 -o %s/ng60.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "impute %s/ng60.tsm --input %s/ds --windows 40 --blackout 6 --json", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 60,") != NULL, "%s", out);
    snprintf(args, sizeof args, "score %s/ng60.tsm --input %s/ds --windows 40", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "of 60") != NULL, "%s", out);
    /* --length still wins */
    snprintf(args, sizeof args, "impute %s/ng60.tsm --input %s/ds --windows 40 --length 80 --blackout 6 --json", dir,
             dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"length\": 80,") != NULL, "%s", out);
}

/* a model trained with other --fractions is run on its own held-out part by default, as
 * it is on its own window length: impute and score cut the test windows where train cut
 * the training part (they cut 0.7,0.1,0.2 whatever the model was trained on, and a model
 * trained on the first 90 % imputed test windows it had learned, at a leak's accuracy) */
static void fractions_from_the_model(void)
{
    char args[2048], out[8192], p[512], q[512], r[512];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 --fractions 0.9,0.05,0.05 "
             "-o %s/fr.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/fr.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_model_load(p, &m) == 0);
    CHECK_MSG(m->permille[0] == 900 && m->permille[1] == 50 && m->permille[2] == 50, "%d %d %d", m->permille[0],
              m->permille[1], m->permille[2]);
    ts_model_free(m);
    const char *runs[] = {"", "--fractions 0.9,0.05,0.05"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "impute %s/fr.tsm --input %s/ds --windows 40 %s -o %s/fr%d", dir, dir, runs[i],
                 dir, i);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
    }
    snprintf(p, sizeof p, "%s/fr0/original0.npy", dir);
    snprintf(q, sizeof q, "%s/fr1/original0.npy", dir);
    CHECK_MSG(files_equal(p, q), "impute's default test windows are not the model's held-out part");
    double bits[2];
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "score %s/fr.tsm --input %s/ds --windows 40 %s --json", dir, dir, runs[i]);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        bits[i] = metric(out, "bits_per_event");
    }
    CHECK_MSG(bits[0] == bits[1], "score: %g against %g", bits[0], bits[1]);
    /* a model of the default split records it too: the same windows as before */
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 -o %s/fd.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "impute %s/fd.tsm --input %s/ds --windows 40 %s -o %s/fd%d", dir, dir,
                 i ? "--fractions 0.7,0.1,0.2" : "", dir, i);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
    }
    snprintf(p, sizeof p, "%s/fd0/original0.npy", dir);
    snprintf(r, sizeof r, "%s/fd1/original0.npy", dir);
    CHECK(files_equal(p, r));
    CHECK(!files_equal(p, q));
}

/* on the dataset a model was trained on, impute and score refuse other --fractions whose
 * test part begins before the model's own test part (where its training and validation
 * parts end: those events were trained on, or its choices were made on them); the figures
 * they gave were a leak's (fr.tsm above, trained on the first 90 %, was imputed on the test
 * part of 0.7,0.1,0.2 without a word). The same dataset with more events appended is still
 * the model's: its test part after the model's is taken. Another dataset is not checked */
static void held_out_parts_of_the_model(void)
{
    char args[2048], out[8192], err[4096], p[512];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 -o %s/ho.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *cmd[2] = {"impute %s/ho.tsm --input %s --windows 40 --blackout 5 %s",
                          "score %s/ho.tsm --input %s --windows 40 %s"};
    snprintf(p, sizeof p, "%s/ds", dir);
    /* the test part from 0.6 (training events), from 0.75 (validation events) */
    const char *bad[2] = {"--fractions 0.5,0.1,0.4", "--fractions 0.7,0.05,0.25"};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 2; i++) {
            snprintf(args, sizeof args, cmd[c], dir, p, bad[i]);
            CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "ho.tsm") && strstr(err, "event 4800"),
                      "%s: %s", args, err);
        }
    /* its own test part, or one after it */
    const char *good[2] = {"", "--fractions 0.6,0.2,0.2"};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 2; i++) {
            snprintf(args, sizeof args, cmd[c], dir, p, good[i]);
            CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
        }
    /* 3000 events appended: the test part of 0.5,0.1,0.4 begins at 5400, after 4800 */
    snprintf(p, sizeof p, "%s/ds_more", dir);
    REQUIRE(save_motif_dataset(p, 9000) == 0);
    snprintf(args, sizeof args, cmd[0], dir, p, "--fractions 0.5,0.1,0.4");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    snprintf(args, sizeof args, cmd[0], dir, p, "--fractions 0.4,0.1,0.5");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "event 4800"), "%s: %s", args, err);
    /* 1000 events left out: still the model's training part, and its test part from 3000 */
    snprintf(p, sizeof p, "%s/ds_less", dir);
    REQUIRE(save_motif_dataset(p, 5000) == 0);
    snprintf(args, sizeof args, cmd[1], dir, p, "");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "event 4800"), "%s: %s", args, err);
    /* its own fractions are those refused there: said as the dataset cut from the model's
     * 6000, with fractions whose test part begins at 4800 (the first two 0.96 or more), which
     * are taken; cut to 4850, no test part of 60 events lies past 4800, and none is offered */
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmd[c], dir, p, "");
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && !strstr(err, "the default") && strstr(err, "6000 events") &&
                      strstr(err, "cut") && strstr(err, "0.7,0.26,0.04") && strchr(err, '\n') == strrchr(err, '\n'),
                  "%s: %s", args, err);
        snprintf(args, sizeof args, cmd[c], dir, p, "--fractions 0.7,0.26,0.04");
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    }
    snprintf(p, sizeof p, "%s/ds_less2", dir);
    REQUIRE(save_motif_dataset(p, 4850) == 0);
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmd[c], dir, p, "");
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && !strstr(err, "the default") && strstr(err, "6000 events") &&
                      strstr(err, "no fractions of this cut") && strchr(err, '\n') == strrchr(err, '\n'),
                  "%s: %s", args, err);
    }
    snprintf(p, sizeof p, "%s/ds_less", dir);
    /* another dataset (one event of the training part differs): not the model's, not checked */
    ts_dataset d;
    REQUIRE(ts_dataset_load(p, &d) == 0);
    d.stream.ids[7] = 7;
    snprintf(p, sizeof p, "%s/ds_other", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    ts_dataset_free(&d);
    snprintf(args, sizeof args, cmd[1], dir, p, "");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* cut below the model's training part, 3000 events: its events were taken for another
     * dataset's, and its test part, from 2400, was scored though the model learned it; the
     * model's record knows its training part's leading events, and refuses it in one line
     * naming both and the numbers */
    snprintf(p, sizeof p, "%s/ds_cut", dir);
    REQUIRE(save_motif_dataset(p, 3000) == 0);
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmd[c], dir, p, "");
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, p) && strstr(err, "ho.tsm") &&
                      strstr(err, "3000 events, fewer than the 4800") && strchr(err, '\n') == strrchr(err, '\n'),
                  "%s: %s", args, err);
    }
    /* another dataset as short (an event of it differs): not checked */
    REQUIRE(ts_dataset_load(p, &d) == 0);
    d.stream.ids[7] = 7;
    snprintf(p, sizeof p, "%s/ds_cut_other", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    ts_dataset_free(&d);
    snprintf(args, sizeof args, cmd[1], dir, p, "");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* a split directory's test windows, cut by other fractions: as its dataset cut so */
    snprintf(args, sizeof args, "split %s/ds --length 60 --windows 40 --fractions 0.5,0.1,0.4 -o %s/ho_sp", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "impute %s/ho.tsm --input %s/ho_sp/testing --blackout 5", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "ho_sp/testing (a split of ") &&
                  strstr(err, "event 3600, before event 4800"), "%s: %s", args, err);
    snprintf(args, sizeof args, "split %s/ds --length 60 --windows 40 -o %s/ho_sp2", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "score %s/ho.tsm --input %s/ho_sp2/testing", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* tune-prior makes choices on a validation part: not on the model's test part (from
     * 4800), and those it made are recorded, so that no test part holds them later */
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 60 --windows 10 --layers 1 --channels 4 --state 4 "
             "--iters 1 --valid-n 2 --no-progress --threads 1 -o %s/hm.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *tune = "tune-prior %s/hm.tsm %s/%s --valid-windows 4 --no-progress --threads 1 %s -o %s/%s";
    snprintf(args, sizeof args, tune, dir, dir, "ds", "--fractions 0.7,0.2,0.1", dir, "hm1.tsm");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "hm.tsm") && strstr(err, "ends at event 5400") &&
              strstr(err, "after event 4800"), "%s: %s", args, err);
    snprintf(args, sizeof args, tune, dir, dir, "ds", "--fractions 0.6,0.1,0.3", dir, "hm1.tsm");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* on the 9000 events: chosen on 3600 to 7200; a test part from 6750 then holds some */
    snprintf(args, sizeof args, tune, dir, dir, "ds_more", "--fractions 0.4,0.4,0.2", dir, "hm2.tsm");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    const char *imp = "impute %s/%s --input %s/ds_more --windows 10 --blackout 5 --fractions 0.7,0.05,0.25";
    snprintf(args, sizeof args, imp, dir, "hm.tsm", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    snprintf(args, sizeof args, imp, dir, "hm2.tsm", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "event 6750, before event 7200"), "%s: %s", args, err);
    /* on its own 6000 events, all of them chosen on: refused, but not as that dataset cut
     * (it is the whole one), nor sent to the whole dataset it is */
    snprintf(args, sizeof args, "impute %s/hm2.tsm --input %s/ds --windows 10 --blackout 5", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "6000 events") && strstr(err, "7200") &&
                  !strstr(err, "cut") && !strstr(err, "whole dataset") && strstr(err, "past event 7200"),
              "%s: %s", args, err);
    /* a model averaged with it (--ensemble) trained on the first 90 %: the test part from
     * 4800 holds its training events */
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 60 --windows 10 --layers 1 --channels 4 --state 4 "
             "--iters 1 --valid-n 2 --no-progress --threads 1 --fractions 0.9,0.05,0.05 -o %s/hm9.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *ens = "impute %s/hm.tsm --input %s/ds --windows 10 --blackout 5 --threads 1 --ensemble %s/%s";
    snprintf(args, sizeof args, ens, dir, dir, dir, "hm9.tsm");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "the --ensemble model 1 of ") &&
                  strstr(err, "event 4800, before event 5700"), "%s: %s", args, err);
    snprintf(args, sizeof args, ens, dir, dir, dir, "hm1.tsm");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* the record, as the files keep it */
    const char *file[2] = {"hm.tsm", "hm2.tsm"};
    const size_t seen[2] = {4800, 7200};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, file[i]);
        ts_model *m = NULL;
        REQUIRE(ts_model_load(p, &m) == 0);
        CHECK_MSG(m->data_events == 6000 && m->data_seen == seen[i] && m->data_hash != 0, "%s: %zu %zu", p,
                  m->data_events, m->data_seen);
        /* its training part's 4200 events by 247 prefixes of 17 (HELDPRE), kept by tune-prior */
        CHECK_MSG(m->data_prefixes.step == 17 && m->data_prefixes.n == 247, "%s: %zu %zu", p, m->data_prefixes.step,
                  m->data_prefixes.n);
        ts_model_free(m);
    }
}

/* a set of windows (DATASET/length) is cut into its windows lying whole in each part: the
 * test part of other fractions begins at the first window boundary at its fraction or after
 * it, and its validation part ends at the last at or before it. Fractions whose test part
 * held the very windows of the model's own were refused, as beginning at the fraction's
 * event (4833, before 4840); tune-prior's validation part ending at 4858 but its windows at
 * 4850 was refused as reaching the model's test part (4840, its windows from 4850). The
 * model records where its own validation windows end (4800), as tune-prior does */
static void held_out_window_sets(void)
{
    char args[2048], out[8192], own[8192], err[4096], p[512], lp[600];
    snprintf(p, sizeof p, "%s/wset", dir);
    REQUIRE(save_motif_dataset(p, 6050) == 0);   /* 121 windows of 50 */
    snprintf(lp, sizeof lp, "%s/length", p);
    write_text(lp, "50\n");
    /* the training part [0, 4235), the validation part to 4840: its windows to 4800, the
     * test part's from 4850 */
    snprintf(args, sizeof args, "train --model ngram %s -o %s/wset.tsm", p, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *cmd = "score %s/wset.tsm --input %s %s";
    snprintf(args, sizeof args, cmd, dir, p, "");
    REQUIRE(run_stdout(args, own, sizeof own) == 0);
    char *t = strstr(own, " (");   /* (the seconds after the figures) */
    REQUIRE(t);
    *t = 0;
    /* the test part from 4833 and from 4815: its windows from 4850, the model's own */
    const char *same[2] = {"--fractions 0.7,0.099,0.201", "--fractions 0.7,0.096,0.204"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, cmd, dir, p, same[i]);
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && !strncmp(out, own, strlen(own)), "%s: %s", args, out);
    }
    /* the model chose on its validation windows, which end at 4800: the record is 4800, not
     * 4840 (the events between, in no window of it, were never read), and a test part whose
     * windows begin there, from 4755, is taken; from 4719, its windows from 4750, is not */
    snprintf(lp, sizeof lp, "%s/wset.tsm", dir);
    ts_model *m = NULL;
    if (ts_model_load(lp, &m) == 0) {
        CHECK_MSG(m->data_events == 6050 && m->data_seen == 4800, "%zu %zu", m->data_events, m->data_seen);
        ts_model_free(m);
    } else CHECK_MSG(0, "%s", ts_error());
    snprintf(args, sizeof args, cmd, dir, p, "--fractions 0.7,0.086,0.214");
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    snprintf(args, sizeof args, cmd, dir, p, "--fractions 0.7,0.08,0.22");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "wset.tsm") &&
                  strstr(err, "begins at event 4750, before event 4800"), "%s: %s", args, err);
    snprintf(args, sizeof args, "impute %s/wset.tsm --input %s --blackout 5 --fractions 0.7,0.099,0.201", dir, p);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* tune-prior: a validation part to 4858, its windows to 4850, where the model's test
     * part begins; the record is 4850, where its windows end, and that test part is taken */
    snprintf(args, sizeof args, "train --model mdm %s --layers 1 --channels 4 --state 4 --iters 1 --valid-n 2 "
             "--no-progress --threads 1 -o %s/wsm.tsm", p, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *tune = "tune-prior %s/wsm.tsm %s --valid-windows 4 --no-progress --threads 1 %s -o %s/wsm1.tsm";
    snprintf(args, sizeof args, tune, dir, p, "--fractions 0.7,0.103,0.197", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    snprintf(lp, sizeof lp, "%s/wsm1.tsm", dir);
    if (ts_model_load(lp, &m) == 0) {
        CHECK_MSG(m->data_events == 6050 && m->data_seen == 4850, "%zu %zu", m->data_events, m->data_seen);
        ts_model_free(m);
    } else CHECK_MSG(0, "%s", ts_error());
    snprintf(args, sizeof args, "impute %s/wsm1.tsm --input %s --blackout 5 --threads 1", dir, p);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    /* to 4906, its windows to 4900, past 4850 */
    snprintf(args, sizeof args, tune, dir, p, "--fractions 0.7,0.111,0.189", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "ends at event 4900, after event 4850"), "%s: %s",
              args, err);
}

/* a hidden <unk> (a name the dataset's training part never holds) filled with <unk> counts
 * as right, as equal IDs do (PROTOCOLS.md §2); impute says how many of the hidden events are
 * <unk> and how many of them were so filled, and the accuracy of the others (the figures
 * counted them unsaid: a model trained with --also, whose other recordings' names become
 * <unk>, learns to fill <unk>) */
static void unknown_hidden_said(void)
{
    char args[2048], out[8192], p[512];
    snprintf(p, sizeof p, "%s/unkds", dir);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    char *names[3] = {"read", "write", "<unk>"};
    int64_t counts[3] = {2, 1, 0};
    d.vocab = (ts_vocab){3, names, counts, 2};
    d.stream.n = 900;
    d.stream.ids = ts_malloc(900 * sizeof(int32_t));
    for (int i = 0; i < 900; i++) d.stream.ids[i] = i % 3 == 2 ? 2 : i % 3 == 1 && i % 7 == 0;
    REQUIRE(ts_dataset_save(p, &d) == 0);
    free(d.stream.ids);
    snprintf(args, sizeof args, "train --model ngram %s --length 30 --windows 20 -o %s/unk.tsm", p, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "impute %s/unk.tsm --input %s --windows 20 --blackout 6 --json", dir, p);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(metric(out, "unknown_hidden") == 40 && metric(out, "unknown_hidden_right") == 40, "%s", out);
    snprintf(args, sizeof args, "impute %s/unk.tsm --input %s --windows 20 --blackout 6", dir, p);
    REQUIRE(run_output(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "note: impute: 40 of the 120 hidden events are <unk>") &&
                  strstr(out, "40 of them filled with <unk>, counted right"), "%s", out);
}

/* the paper split's test windows of a dataset whose time split a model was trained on lie
 * in its training part by construction: impute warns of those found verbatim in the
 * model's training events, for a model that keeps none (unigram, sssd-s4, lstm: by the
 * dataset its record names) as for the n-gram (by the events it keeps) */
static void held_out_paper_windows(void)
{
    char args[2048], out[8192], p[512], line[256];
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.vocab.unk = -1;
    d.stream.n = 2000;
    d.stream.ids = ts_malloc(d.stream.n * sizeof(int32_t));
    uint64_t x = 12345;
    for (size_t i = 0; i < d.stream.n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        d.stream.ids[i] = (int32_t)((x >> 33) % 30);
    }
    snprintf(p, sizeof p, "%s/dsp", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    snprintf(p, sizeof p, "%s/dsp/sequence_length_20", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    /* three windows of its training part [0, 1400), one of its test part */
    char text[4096] = "";
    const size_t at[4] = {100, 500, 1000, 1800};
    for (int w = 0; w < 4; w++) {
        size_t k = 0;
        for (size_t i = 0; i < 20; i++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%d", i ? "," : "", d.stream.ids[at[w] + i]);
        strcat(text, line);
        strcat(text, "\n");
    }
    snprintf(p, sizeof p, "%s/dsp/sequence_length_20/testing", dir);
    write_text(p, text);
    const char *models[3] = {"unigram", "lstm", "ngram"};
    const char *opts[3] = {"", " --layers 1 --hidden 8 --iters 2 --threads 1 --no-progress", ""};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "train --model %s %s/dsp --length 20 --windows 20%s -o %s/dsp-%s.tsm", models[i],
                 dir, opts[i], dir, models[i]);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        snprintf(args, sizeof args, "impute %s/dsp-%s.tsm --input %s/dsp --split paper --blackout 2", dir, models[i], dir);
        CHECK_MSG(run_output(args, out, sizeof out) == 0 &&
                      strstr(out, "tracesynth: warning: impute: 3 of 4 windows occur verbatim in the model's training "
                                  "data"), "%s: %s", args, out);
        snprintf(args, sizeof args, "score %s/dsp-%s.tsm --input %s/dsp --split paper", dir, models[i], dir);
        CHECK_MSG(i == 0 || (run_output(args, out, sizeof out) == 0 && strstr(out, "3 of 4 windows occur verbatim")),
                  "%s: %s", args, out);   /* a unigram gives no likelihood */
        /* its own test part: none */
        snprintf(args, sizeof args, "impute %s/dsp-%s.tsm --input %s/dsp --blackout 2 --windows 20", dir, models[i], dir);
        CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "verbatim"), "%s: %s", args, out);
    }
    /* dsp cut to 1200 events, below the training part: a unigram keeps no events, and its
     * record's hash of [0, 1400) cannot be taken there; the leading events it records know
     * the cut, and the three windows in it are counted */
    d.stream.n = 1200;
    snprintf(p, sizeof p, "%s/dsp_cut", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    d.stream.n = 2000;
    snprintf(p, sizeof p, "%s/dsp_cut/sequence_length_20", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/dsp_cut/sequence_length_20/testing", dir);
    write_text(p, text);
    snprintf(args, sizeof args, "impute %s/dsp-unigram.tsm --input %s/dsp_cut --split paper --blackout 2", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 &&
                  strstr(out, "tracesynth: warning: impute: 3 of 4 windows occur verbatim in the model's training data"),
              "%s: %s", args, out);
    /* another dataset as short (an event of its first differs): not counted */
    d.stream.n = 1200;
    d.stream.ids[0] = (d.stream.ids[0] + 1) % 30;
    snprintf(p, sizeof p, "%s/dsp_cut_other", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    d.stream.ids[0] = (d.stream.ids[0] + 29) % 30;
    d.stream.n = 2000;
    snprintf(p, sizeof p, "%s/dsp_cut_other/sequence_length_20", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/dsp_cut_other/sequence_length_20/testing", dir);
    write_text(p, text);
    snprintf(args, sizeof args, "impute %s/dsp-unigram.tsm --input %s/dsp_cut_other --split paper --blackout 2", dir,
             dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "verbatim"), "%s: %s", args, out);
    /* an mdm ensemble's partners alike: the model trained on another dataset (dsq, its prior
     * keeping that one's events, or none with --prior 0), a partner on dsp's time split (no
     * prior: by its record). The windows counted once, whichever models hold them */
    for (size_t i = 0; i < d.stream.n; i++) d.stream.ids[i] = (int32_t)((i * 7 + i / 3) % 30);
    snprintf(p, sizeof p, "%s/dsq", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    ts_dataset_free(&d);
    const char *mdm = "train --model mdm %s/%s --length 20 --windows 20 --layers 1 --channels 4 --state 4 --iters 2 "
                      "--valid-n 2 --no-progress --threads 1 --prior %d%s -o %s/%s";
    const struct { const char *ds, *out; int prior; const char *more; } tr[4] = {
        {"dsq", "mq1.tsm", 1, ""}, {"dsq", "mq0.tsm", 0, ""}, {"dsp", "mp0.tsm", 0, ""},
        {"dsp", "mp5.tsm", 0, " --fractions 0.3,0.1,0.6"}};
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, mdm, dir, tr[i].ds, tr[i].prior, tr[i].more, dir, tr[i].out);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
    }
    const char *ens[4][2] = {{"mp0.tsm", NULL}, {"mp5.tsm", "mp0.tsm"}, {"mq0.tsm", "mp0.tsm"}, {"mp5.tsm", NULL}};
    const char *said[4] = {"3 of 4", "3 of 4", "3 of 4", "2 of 4"};
    for (int k = 0; k < 2; k++)
        for (int e = 0; e < 4; e++) {
            int n = snprintf(args, sizeof args, "impute %s/%s --input %s/dsp --split paper --blackout 2 --threads 1 "
                             "--ensemble %s/%s", dir, k ? "mq1.tsm" : "mq0.tsm", dir, dir, ens[e][0]);
            if (ens[e][1]) snprintf(args + n, sizeof args - (size_t)n, ",%s/%s", dir, ens[e][1]);
            snprintf(line, sizeof line, "tracesynth: warning: impute: %s windows occur verbatim", said[e]);
            CHECK_MSG(run_output(args, out, sizeof out) == 0 && strstr(out, line), "%s: %s", args, out);
        }
    /* none of them on dsp: none */
    snprintf(args, sizeof args, "impute %s/mq0.tsm --input %s/dsp --split paper --blackout 2 --threads 1 --ensemble %s/mq1.tsm",
             dir, dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "verbatim"), "%s: %s", args, out);
}

/* ingest numbers the names by their ranks over the first 70 % of the events (the default
 * training part): with --fractions whose training part is shorter, a name first seen after
 * it keeps an ID of its own, not <unk>, and the model's vocabulary counts a name it never
 * learned: train says so in a note, naming the first such name; the default split, none */
static void names_after_a_short_training_part(void)
{
    char args[2048], out[8192], p[512];
    static const char *const names[] = {"a", "b", "c", "late", "<unk>"};
    ts_dataset d;
    memset(&d, 0, sizeof d);
    d.vocab.n = 5;
    d.vocab.unk = 4;
    d.vocab.names = (char **)names;
    d.vocab.counts = ts_calloc(5, sizeof(int64_t));
    d.stream.n = 1000;
    d.stream.ids = ts_malloc(d.stream.n * sizeof(int32_t));
    for (size_t i = 0; i < d.stream.n; i++) d.stream.ids[i] = i >= 600 && i < 610 ? 3 : (int32_t)(i % 3);
    snprintf(p, sizeof p, "%s/dslate", dir);
    REQUIRE(ts_dataset_save(p, &d) == 0);
    free(d.stream.ids);
    free(d.vocab.counts);
    const char *fr[2] = {" --fractions 0.5,0.1,0.4", ""};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "train --model ngram %s --length 20 --windows 20%s -o %s/late.tsm", p, fr[i], dir);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s: %s", args, out);
        CHECK_MSG(i ? !strstr(out, "note: train") : strstr(out, "tracesynth: note: train: 1 event name that the training "
                                                                  "part") && strstr(out, "'late', at event 600"),
                  "%s: %s", args, out);
    }
}

/* a window file with the names generate writes beside it (W.names.txt) is read in those
 * names' numbering, as eval and markov read it: impute and score match its events to the
 * model's by name (they read its IDs in the model's numbering: an ID past the model's was
 * refused, IDs within it imputed and scored as other events) */
static void window_names_matched(void)
{
    char args[2048], out[2][8192], p[512];
    snprintf(p, sizeof p, "%s/ng.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_model_load(p, &m) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 6 --length 40 --seed 3 -o %s/wn", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(p, sizeof p, "%s/wn.txt", dir);
    ts_windows w;
    REQUIRE(ts_windows_read(p, &w) == 0);
    /* the same windows numbered by another model: model ID i -> off + n - 1 - i */
    const int offs[2] = {50, 0};
    for (int k = 0; k < 2; k++) {
        ts_windows r = {ts_malloc(w.n * w.len * sizeof *r.data), w.n, w.len};
        for (size_t i = 0; i < w.n * w.len; i++) r.data[i] = offs[k] + m->vocab.n - 1 - w.data[i];
        snprintf(p, sizeof p, "%s/wr%d.txt", dir, k);
        REQUIRE(ts_windows_write(p, &r) == 0);
        snprintf(p, sizeof p, "%s/wr%d.names.txt", dir, k);
        REQUIRE(ts_windows_write_names(p, &w, &m->vocab) == 0);
        ts_windows_free(&r);
        const char *cmds[2] = {"impute %s/ng.tsm --input %s/%s --blackout 6 --json",
                               "score %s/ng.tsm --input %s/%s --json"};
        for (int c = 0; c < 2; c++) {
            char name[32];
            for (int j = 0; j < 2; j++) {
                snprintf(name, sizeof name, j ? "wr%d.txt" : "wn.txt", k);
                snprintf(args, sizeof args, cmds[c], dir, dir, name);
                CHECK_MSG(run_output(args, out[j], sizeof out[j]) == 0, "%s: %s", args, out[j]);
            }
            const char *keys[] = {"accuracy", "perfect", "rouge_l", "type_accuracy", "bits_per_event", "unknown"};
            for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
                CHECK_MSG(metric(out[0], keys[i]) == metric(out[1], keys[i]), "%s: %s: '%s' against '%s'", args,
                          keys[i], out[1], out[0]);
            CHECK_MSG(!strstr(out[1], "note"), "%s", out[1]);
        }
    }
    /* IDs no vocabulary reaches, named: refused in one line naming the names file (the names,
     * kept by ID, took memory to the largest ID and did not end) */
    snprintf(p, sizeof p, "%s/big.txt", dir);
    write_text(p, "0,2000000000,2\n2,4,1\n");
    snprintf(p, sizeof p, "%s/big.names.txt", dir);
    write_text(p, "e0 e1 e2\ne2 e4 e1\n");
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/big.txt --length 3", dir, dir);
    int rc = run_cli(args, out[0], sizeof out[0]);
    CHECK_MSG(rc == 1 && strstr(out[0], "big.names.txt: names windows whose IDs reach 2000000000") &&
                  !strchr(out[0], '\n'), "exit %d: %s", rc, out[0]);
    ts_windows_free(&w);
    ts_model_free(m);
}

/* impute and score --vocab beside the names of a window file (W.names.txt): one that names
 * an ID otherwise is refused in one line naming both (the windows were read by --vocab
 * alone, imputed and scored as other events); one that agrees is read as before */
static void window_names_vocab_checked(void)
{
    char args[2048], err[2048], p[512];
    snprintf(p, sizeof p, "%s/vw.txt", dir);
    write_text(p, "0,1,2,0\n1,2,0,0\n");
    snprintf(p, sizeof p, "%s/vw.names.txt", dir);
    write_text(p, "read write close read\nwrite close read read\n");
    snprintf(p, sizeof p, "%s/vw-other.tsv", dir);
    write_text(p, "0\twrite\t5\n1\tread\t4\n2\tclose\t3\n");
    snprintf(p, sizeof p, "%s/vw-same.tsv", dir);
    write_text(p, "0\tread\t5\n1\twrite\t4\n2\tclose\t3\n");
    const char *cmds[2] = {"impute %s/ng.tsm --input %s/vw.txt --blackout 1 --vocab %s/vw-%s.tsv",
                           "score %s/ng.tsm --input %s/vw.txt --vocab %s/vw-%s.tsv"};
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir, dir, "other");
        int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "vw-other.tsv: 'write' for ID 0, which ") && strstr(err, "vw.names.txt:1") &&
                      !strchr(err, '\n'), "exit %d: %s", rc, err);
        snprintf(args, sizeof args, cmds[c], dir, dir, dir, "same");
        rc = run_cli(args, err, sizeof err);   /* (impute may fill an event this --vocab lacks) */
        CHECK_MSG(c ? rc == 0 : !strstr(err, "another numbering"), "exit %d: %s", rc, err);
        /* --vocab - from a pipe is read once: checked against the names and then naming
         * the windows; the second read found it empty ('standard input: no entries'), or
         * from a FIFO waited for another writer */
        const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
        char *dash = strstr(args, "--vocab ");
        REQUIRE(dash);
        snprintf(dash, sizeof args - (size_t)(dash - args), "--vocab -");
        for (int v = 0; v < 2; v++) {   /* the names in another numbering are refused still */
            char cmd[4096];
            snprintf(cmd, sizeof cmd, "cat %s/vw-%s.tsv | timeout 60 %s %s >/dev/null 2>%s/vw.err", dir,
                     v ? "same" : "other", bin, args, dir);
            const int st = system(cmd);
            snprintf(p, sizeof p, "%s/vw.err", dir);
            FILE *f = fopen(p, "r");
            char err2[2048] = "";
            if (f) err2[fread(err2, 1, sizeof err2 - 1, f)] = 0, fclose(f);
            CHECK_MSG(WIFEXITED(st) && (v ? WEXITSTATUS(st) == rc && !strstr(err2, "no entries")
                                          : WEXITSTATUS(st) == 1 && strstr(err2, "standard input: 'write' for ID 0")),
                      "%s (%s): %s (the file: exit %d)", args, v ? "same" : "other", err2, rc);
        }
    }
}

/* a name in W.names.txt that the model (which has no <unk>) lacks: the error names the
 * names file and the line of the first event read by it (impute: an observed one; the
 * hidden ones are scored, not read), in one line; it named neither */
static void window_names_unknown_placed(void)
{
    char args[2048], err[2048], p[512];
    snprintf(p, sizeof p, "%s/unk.txt", dir);
    write_text(p, "0,1,2,0\n1,2,0,0\n");
    snprintf(p, sizeof p, "%s/unk.names.txt", dir);
    write_text(p, "read write zz read\nwrite zz read read\n");
    /* windows of 4, a blackout of 1 at the center hides position 2: line 1's zz is hidden */
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/unk.txt --blackout 1", dir, dir);
    int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "unk.names.txt:2: position 1: 'zz'") && strstr(err, "<unk>") &&
                  !strchr(err, '\n'), "exit %d: %s", rc, err);
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/unk.txt", dir, dir);
    rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "unk.names.txt:1: position 2: 'zz'") && strstr(err, "<unk>") &&
                  !strchr(err, '\n'), "exit %d: %s", rc, err);
}

/* a named model filling a dataset's window with an event its vocab.tsv lacks (which has no
 * <unk> either): the error names that vocab.tsv and the place in the test part, in one line;
 * it began with the model's name and named neither */
static void impute_fill_unnamed_by_input(void)
{
    char args[2048], err[2048], p[512];
    snprintf(p, sizeof p, "%s/dsq", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/dsr", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/dsq/vocab.tsv", dir);
    write_text(p, "0\ta\t10\n1\tb\t10\n2\tc\t10\n");
    snprintf(p, sizeof p, "%s/dsr/vocab.tsv", dir);
    write_text(p, "0\ta\t10\n1\tb\t10\n");
    char q[256] = "", r[256] = "";
    for (int i = 0; i < 60; i++) {   /* a b c a b c ..., a b a b ... */
        snprintf(q + strlen(q), sizeof q - strlen(q), "%d,", i % 3);
        snprintf(r + strlen(r), sizeof r - strlen(r), "%d,", i % 2);
    }
    q[strlen(q) - 1] = r[strlen(r) - 1] = '\n';
    snprintf(p, sizeof p, "%s/dsq/stream.txt", dir);
    write_text(p, q);
    snprintf(p, sizeof p, "%s/dsr/stream.txt", dir);
    write_text(p, r);
    snprintf(args, sizeof args, "train --model ngram %s/dsq --length 6 --threads 1 -o %s/abc.tsm", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "impute %s/abc.tsm --input %s/dsr --length 6 --windows 7 --blackout 1 --threads 1", dir, dir);
    int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "dsr: test part: window ") && strstr(err, ", position 3: ngram filled it with "
                                                                              "'c', which ") &&
                  strstr(err, "dsr/vocab.tsv does not name") && !strchr(err, '\n'),
              "exit %d: %s", rc, err);
}

/* one name for two IDs in W.names.txt: the names of other windows (W's IDs are one event
 * each), refused at the line that names the second. They were read, the model's event
 * imputed for either given the first ID, so that an exact event was scored as wrong */
static void window_names_one_name_two_ids(void)
{
    char args[2048], err[2048], p[512];
    snprintf(p, sizeof p, "%s/dup.txt", dir);
    write_text(p, "0,1,2,0\n2,3,0,0\n");
    snprintf(p, sizeof p, "%s/dup.names.txt", dir);
    write_text(p, "read write close read\nclose write read read\n");
    const char *cmds[3] = {"impute %s/ng.tsm --input %s/dup.txt --blackout 1", "score %s/ng.tsm --input %s/dup.txt",
                           "eval --real %s/ds --synthetic %s/dup.txt"};
    for (int c = 0; c < 3; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir);
        int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "dup.names.txt:2: 'write' for ID 3, which line 1 gives ID 1") &&
                      !strchr(err, '\n'), "%s: exit %d: %s", args, rc, err);
    }
    /* '?' (an event a model does not name) may stand for several */
    write_text(p, "read ? close read\nclose ? read read\n");
    snprintf(args, sizeof args, "eval --real %s/ds --synthetic %s/dup.txt", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
}

/* impute -o of windows with W.names.txt writes them in that file's numbering, where the
 * events the windows never hold take IDs past those it names: -o names both windows beside
 * them (original0.names.txt, imputation0.names.txt, as generate names its windows), read
 * back by name by eval and impute. They were not written: those IDs were named nowhere */
static void impute_output_named(void)
{
    char args[2048], out[2][8192], p[512], q[512];
    snprintf(p, sizeof p, "%s/ng.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_model_load(p, &m) == 0);
    const int32_t rd = ts_vocab_lookup(&m->vocab, "read");
    REQUIRE(rd >= 0 && rd != 3);
    /* windows of reads: ID 3 in their names' numbering (rd.txt), rd in the model's (rm.txt) */
    char ids[2][256] = {"", ""}, names[256] = "";
    for (int i = 0; i < 16; i++) {
        snprintf(ids[0] + strlen(ids[0]), 16, "3%c", i % 8 == 7 ? '\n' : ',');
        snprintf(ids[1] + strlen(ids[1]), 16, "%d%c", (int)rd, i % 8 == 7 ? '\n' : ',');
        snprintf(names + strlen(names), 16, "read%c", i % 8 == 7 ? '\n' : ' ');
    }
    snprintf(p, sizeof p, "%s/rd.txt", dir);
    write_text(p, ids[0]);
    snprintf(p, sizeof p, "%s/rd.names.txt", dir);
    write_text(p, names);
    snprintf(p, sizeof p, "%s/rm.txt", dir);
    write_text(p, ids[1]);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/%s.txt --blackout 3 -o %s/%so", dir, dir,
                 k ? "rm" : "rd", dir, k ? "rm" : "rd");
        REQUIRE(run_cli(args, out[0], sizeof out[0]) == 0);
    }
    /* the names are those of the imputation in the model's numbering, event by event */
    static const char *const file[2] = {"original0", "imputation0"};
    int past = 0;
    for (int f = 0; f < 2; f++) {
        ts_npy a;
        ts_windows w[2];
        for (int k = 0; k < 2; k++) {
            snprintf(p, sizeof p, "%s/%so/%s.npy", dir, k ? "rm" : "rd", file[f]);
            REQUIRE(ts_npy_read(p, &a) == 0);
            REQUIRE(ts_npy_to_windows(&a, p, -1, &w[k]) == 0);
            ts_npy_free(&a);
        }
        for (size_t i = 0; i < w[0].n * w[0].len; i++) past |= w[0].data[i] > 3;
        snprintf(p, sizeof p, "%s/want.names.txt", dir);
        REQUIRE(ts_windows_write_names(p, &w[1], &m->vocab) == 0);
        snprintf(q, sizeof q, "%s/rdo/%s.names.txt", dir, file[f]);
        CHECK_MSG(files_equal(p, q), "%s: not the names of the imputation", q);
        ts_windows_free(&w[0]);
        ts_windows_free(&w[1]);
    }
    CHECK_MSG(past, "no imputed event past the IDs of rd.names.txt: a test that cannot tell");
    /* eval and impute read them back by name: as the imputation in the model's numbering */
    const char *cmds[2] = {"eval --real %s/wn.txt --synthetic %s/%so/imputation0.npy --json",
                           "score %s/ng.tsm --input %s/%so/imputation0.npy --json"};
    for (int c = 0; c < 2; c++) {
        for (int k = 0; k < 2; k++) {
            snprintf(args, sizeof args, cmds[c], dir, dir, k ? "rm" : "rd");
            CHECK_MSG(run_stdout(args, out[k], sizeof out[k]) == 0, "%s: %s", args, out[k]);
        }
        char *s = strstr(out[0], "\"seconds\"");   /* score's time differs */
        if (s) *s = 0;
        s = strstr(out[1], "\"seconds\"");
        if (s) *s = 0;
        CHECK_MSG(!strcmp(out[0], out[1]), "%s against %s", out[0], out[1]);
    }
    /* and eval's imputation mode: the type accuracy by the names beside the original */
    for (int k = 0; k < 2; k++) {
        const char *o = k ? "rmo" : "rdo";
        snprintf(args, sizeof args, "eval --original %s/%s/original0.npy --mask %s/%s/mask0.npy --imputed "
                 "%s/%s/imputation0.npy --json", dir, o, dir, o, dir, o);
        CHECK_MSG(run_stdout(args, out[k], sizeof out[k]) == 0, "%s: %s", args, out[k]);
        char *s = strstr(out[k], "\"vocab\"");   /* the names files' paths differ */
        CHECK_MSG(s && strstr(out[k], "/original0.names.txt\"") && !strstr(out[k], "\"type_accuracy\": null"), "%s",
                  out[k]);
        if (s) *s = 0;
    }
    CHECK_MSG(!strcmp(out[0], out[1]), "%s against %s", out[0], out[1]);
    ts_model_free(m);
}

static void generate_files(void)
{
    char args[2048], p[512], q[512];
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 5 --length 30 --seed 4 -o %s/g1 --format both", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 5 --length 30 --seed 4 -o %s/g2.txt", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 5 --length 30 --seed 5 -o %s/g3", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(p, sizeof p, "%s/g1.txt", dir);
    snprintf(q, sizeof q, "%s/g2.txt", dir);
    CHECK(files_equal(p, q));
    snprintf(q, sizeof q, "%s/g3.txt", dir);
    CHECK(!files_equal(p, q));
    ts_windows w;
    REQUIRE(ts_windows_read(p, &w) == 0);
    CHECK(w.n == 5 && w.len == 30);
    snprintf(p, sizeof p, "%s/g1.npy", dir);
    ts_npy a;
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.dtype == TS_NPY_I32 && a.ndim == 2 && a.shape[0] == 5 && a.shape[1] == 30);
    CHECK(a.count == 150 && memcmp(a.data, w.data, 150 * sizeof(int32_t)) == 0);
    ts_npy_free(&a);
    /* names: one window per line */
    snprintf(p, sizeof p, "%s/g1.names.txt", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    fclose(f);
    CHECK(lines == 5);
    CHECK(strstr(line, "read") != NULL);
    ts_windows_free(&w);
    /* too many events is refused when the model gives the length too (it was checked
     * only against --length: 2^24 windows of 200 went on to allocate 13 GB) */
    char err[512];
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 200 --windows 4 --layers 1 --channels 4 --state 4 "
             "--iters 1 --T 3 --valid-n 2 --no-progress --threads 1 -o %s/s200.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "generate %s/s200.tsm -n 16777216 -o %s/huge", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "16777216 windows of 200 events are too many"), "%s",
              err);
}

/* windows of a model without names replace a names file an earlier run left beside OUT:
 * eval and markov --from-events read OUT.names.txt as the names of OUT's windows, and an
 * old one named the new IDs otherwise (eval refused them, or matched them by those names) */
static void generate_removes_old_names(void)
{
    char args[2048], err[1024], p[512];
    snprintf(p, sizeof p, "%s/ids", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/ids/stream.txt", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    for (int i = 0; i < 1200; i++) fprintf(f, "%d%c", (i * 7 + i / 5) % 6, i % 40 == 39 ? '\n' : ' ');
    fclose(f);
    snprintf(args, sizeof args, "train --model ngram %s/ids --length 30 --windows 20 -o %s/ngids.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 5 --length 30 --seed 4 -o %s/gs.txt", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/gs.names.txt", dir);
    REQUIRE(ts_file_exists(p));
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 5 --length 30 --seed 4 -o %s/gs.txt", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    CHECK_MSG(!ts_file_exists(p), "%s left beside windows it does not name", p);
    snprintf(args, sizeof args, "eval --real %s/ids --synthetic %s/gs.txt", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
}

/* a model without names reads windows with a names file beside them (W.names.txt) in its
 * own numbering: impute and score say so in a note (they went on without a word) */
static void window_names_unused_noted(void)
{
    char args[2048], out[4096], p[512];
    snprintf(p, sizeof p, "%s/nn.txt", dir);
    write_text(p, "0,1,2,3,4\n4,3,2,1,0\n");
    snprintf(p, sizeof p, "%s/nn.names.txt", dir);
    write_text(p, "read write openat close mmap\nmmap close openat write read\n");
    const char *cmds[2] = {"impute %s/ngids.tsm --input %s/nn.txt --blackout 2", "score %s/ngids.tsm --input %s/nn.txt"};
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 0 && strstr(out, "tracesynth: note: ") && strstr(out, "nn.names.txt") &&
                      strstr(out, "no event names"), "%s: exit %d: %s", args, rc, out);
    }
    /* a names file that names one ID two ways is refused at its line, as for a model with
     * names (it only got the note) */
    write_text(p, "read write openat close mmap\nmmap close openat write openat\n");
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc != 0 && strstr(out, "nn.names.txt:2: 'openat' for ID 0, which line 1 names 'read'") &&
                      !strstr(out, "note"), "%s: exit %d: %s", args, rc, out);
    }
    /* the same model on the windows without it: no note */
    unlink(p);
    snprintf(args, sizeof args, cmds[0], dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "note"), "%s", out);
    /* unnamed windows imputed into OUT: the names an earlier run left there go (they
     * would name these windows) */
    snprintf(args, sizeof args, "impute %s/ngids.tsm --input %s/nn.txt --blackout 2 -o %s/rdo", dir, dir, dir);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/rdo", dir);
    CHECK_MSG(count_dir(p) == 3, "%d files in %s", count_dir(p), p);
}

/* a model with names given windows without any reads their IDs in its own numbering:
 * impute and score say so (score went on without a word) */
static void unnamed_input_noted(void)
{
    char args[2048], out[4096], p[512];
    snprintf(p, sizeof p, "%s/un", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/un/w.txt", dir);
    write_text(p, "0,1,2,3,4,0,1,2,3,4\n4,3,2,1,0,4,3,2,1,0\n");
    const char *cmds[2] = {"impute %s/ng.tsm --input %s/un/w.txt --blackout 2", "score %s/ng.tsm --input %s/un/w.txt"};
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 0 && strstr(out, c ? "tracesynth: note: score: " : "tracesynth: note: impute: ") &&
                      strstr(out, "un/w.txt has no vocab.tsv; its IDs are read in the model's numbering"),
                  "%s: exit %d: %s", args, rc, out);
    }
}

/* W.names.txt names W's events before the vocab.tsv beside W: a model without names read the
 * vocab.tsv's instead, and impute -o wrote them beside its output (original0.names.txt: 'read'
 * for the ID W.names.txt names 'a'), which eval then read as the events' names */
static void window_names_before_vocab_beside(void)
{
    char args[2048], out[4096], p[512];
    snprintf(p, sizeof p, "%s/wv", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/wv/w.txt", dir);
    write_text(p, "0,1,2,3,4,0,1,2,3,4\n4,3,2,1,0,4,3,2,1,0\n");
    snprintf(p, sizeof p, "%s/wv/w.names.txt", dir);
    write_text(p, "a b c d e a b c d e\ne d c b a e d c b a\n");
    snprintf(p, sizeof p, "%s/wv/vocab.tsv", dir);
    write_text(p, "0\tread\t2\n1\twrite\t2\n2\topenat\t2\n3\tclose\t2\n4\tmmap\t2\n");
    snprintf(args, sizeof args, "impute %s/ngids.tsm --input %s/wv/w.txt --blackout 2 -o %s/wv/o", dir, dir, dir);
    int rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "w.names.txt names the events of ") && !strstr(out, "type accuracy"),
              "%s: exit %d: %s", args, rc, out);
    snprintf(p, sizeof p, "%s/wv/o", dir);
    CHECK_MSG(count_dir(p) == 3, "%d files in %s", count_dir(p), p);
    /* its IDs are still the model's: one past them refused in the window file */
    snprintf(p, sizeof p, "%s/wv/w.txt", dir);
    write_text(p, "0,1,2,3,4,0,1,2,3,4\n4,3,2,1,0,4,3,2,1,5\n");
    snprintf(p, sizeof p, "%s/wv/w.names.txt", dir);
    write_text(p, "a b c d e a b c d e\ne d c b a e d c b f\n");
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, c ? "score %s/ngids.tsm --input %s/wv/w.txt"
                                      : "impute %s/ngids.tsm --input %s/wv/w.txt --blackout 2", dir, dir);
        rc = run_cli(args, out, sizeof out);
        CHECK_MSG(rc == 1 && strstr(out, "wv/w.txt: window 1, position 9: ") && strstr(out, "range [0, 5)") &&
                      !strchr(out, '\n'), "%s: exit %d: %s", args, rc, out);
    }
}

/* a model without names given names for the input's IDs (--vocab, the vocab.tsv beside a
 * window file, or a dataset's vocab.tsv) reads them in its own numbering as it does those of
 * W.names.txt: impute and score say so in the same note (they went on without a word) */
static void vocab_unused_noted(void)
{
    char args[2048], out[4096], p[512];
    snprintf(p, sizeof p, "%s/vb", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/vb/nn.txt", dir);
    write_text(p, "0,1,2,3,4\n4,3,2,1,0\n");
    snprintf(p, sizeof p, "%s/vb/vocab.tsv", dir);
    write_text(p, "0\tread\t2\n1\twrite\t2\n2\topenat\t2\n3\tclose\t2\n4\tmmap\t2\n");
    /* a dataset of the IDs the model was trained on, its events named */
    snprintf(p, sizeof p, "%s/vb/ds", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/vb/ds/stream.txt", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    for (int i = 0; i < 1200; i++) fprintf(f, "%d%c", (i * 7 + i / 5) % 6, i % 40 == 39 ? '\n' : ' ');
    fclose(f);
    snprintf(p, sizeof p, "%s/vb/ds/vocab.tsv", dir);
    write_text(p, "0\tread\t2\n1\twrite\t2\n2\topenat\t2\n3\tclose\t2\n4\tmmap\t2\n5\tfutex\t2\n");
    const char *cmds[6] = {"impute %s/ngids.tsm --input %s/vb/nn.txt --blackout 2",
                           "score %s/ngids.tsm --input %s/vb/nn.txt",
                           "impute %s/ngids.tsm --input %s/nn_ids.txt --vocab %s/vb/vocab.tsv --blackout 2",
                           "score %s/ngids.tsm --input %s/nn_ids.txt --vocab %s/vb/vocab.tsv",
                           "impute %s/ngids.tsm --input %s/vb/ds --blackout 2",
                           "score %s/ngids.tsm --input %s/vb/ds"};
    snprintf(p, sizeof p, "%s/nn_ids.txt", dir);
    write_text(p, "0,1,2,3,4\n4,3,2,1,0\n");
    for (int c = 0; c < 6; c++) {
        snprintf(args, sizeof args, cmds[c], dir, dir, dir);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 0 && strstr(out, "tracesynth: note: ") &&
                      strstr(out, c < 4 ? "vb/vocab.tsv names the events of " : "vb/ds/vocab.tsv names the events of ") &&
                      strstr(out, "no event names"), "%s: exit %d: %s", args, rc, out);
    }
    /* the same model on the windows without names: no note */
    snprintf(args, sizeof args, "impute %s/ngids.tsm --input %s/nn_ids.txt --blackout 2", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "note"), "%s", out);
}

/* OUT's files are what the run writes: a window file of OUT's other format (or names)
 * that an earlier run left goes with the set. An old OUT.txt stayed beside a new OUT.npy
 * and the new OUT.names.txt, which eval would read as the names of its old windows. A
 * directory of such a name is refused before the work */
static void generate_removes_other_format(void)
{
    char args[2048], err[1024], t[512], n[512], x[512];
    snprintf(t, sizeof t, "%s/go.txt", dir);
    snprintf(n, sizeof n, "%s/go.npy", dir);
    snprintf(x, sizeof x, "%s/go.names.txt", dir);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 1 -o %s/go", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    REQUIRE(ts_file_exists(t) && ts_file_exists(x) && !ts_file_exists(n));
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 2 -o %s/go.npy", dir, dir);
    char out[4096];
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(ts_file_exists(n) && ts_file_exists(x) && !ts_file_exists(t), "%s left beside %s", t, n);
    char said[600];   /* the summary names what went */
    snprintf(said, sizeof said, "(removed %s, an earlier run's)", t);
    CHECK_MSG(strstr(out, said) && !strstr(out, "go.names.txt, an earlier"), "%s", out);
    /* and the other way */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 3 -o %s/go.txt", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    CHECK_MSG(ts_file_exists(t) && ts_file_exists(x) && !ts_file_exists(n), "%s left beside %s", n, t);
    /* both, then one: the other goes */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 3 -o %s/go --format both", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    REQUIRE(ts_file_exists(t) && ts_file_exists(n) && ts_file_exists(x));
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 3 -o %s/go.npy", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    CHECK(!ts_file_exists(t) && ts_file_exists(n) && ts_file_exists(x));
    snprintf(args, sizeof args, "eval --real %s/ds --synthetic %s", dir, n);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    /* a directory named as the other format: refused before the work, nothing replaced */
    REQUIRE(mkdir(t, 0755) == 0);
    struct stat before, now;
    REQUIRE(stat(n, &before) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 9 -o %s/go.npy", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "go.txt: is a directory") && !strchr(err, '\n'), "%s",
              err);
    CHECK(stat(n, &now) == 0 && now.st_ino == before.st_ino);
    rmdir(t);
    /* a dataset's own file named as the other format (-o DS/stream.npy: DS/stream.txt is
     * the dataset's events, no earlier run's windows): refused before the work, kept */
    char st_txt[512], st_npy[512];
    snprintf(st_txt, sizeof st_txt, "%s/ds/stream.txt", dir);
    snprintf(st_npy, sizeof st_npy, "%s/ds/stream.npy", dir);
    REQUIRE(stat(st_txt, &before) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 9 -o %s", dir, st_npy);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "stream.txt: a file of the dataset") &&
                  strstr(err, "give another OUT"), "%s", err);
    CHECK(stat(st_txt, &now) == 0 && now.st_ino == before.st_ino && now.st_size == before.st_size &&
          !ts_file_exists(st_npy));
}

/* an OUT whose files would be a dataset's own (-o DS/stream --format both, or -o DS/stream:
 * DS/stream.txt, the dataset's events; DS/time_ns.npy, read as its times the next time) or
 * a split's (SPLIT/train_stream.txt, SPLIT/split.txt) is refused before the work, in one
 * line naming the file, and nothing is written */
static void generate_refuses_dataset_files(void)
{
    char args[2048], out[4096], p[512], q[512], txt[512], sp[512];
    snprintf(txt, sizeof txt, "%s/ds/stream.txt", dir);
    snprintf(sp, sizeof sp, "%s/gsp", dir);
    snprintf(args, sizeof args, "split %s/ds --length 20 --windows 10 -o %s", dir, sp);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    static const char *const cases[][3] = {
        {"ds/stream", " --format both", "ds/stream.txt"}, {"ds/stream", "", "ds/stream.txt"},
        {"ds/stream.txt", "", "ds/stream.txt"},           {"ds/time_ns.npy", "", "ds/time_ns.npy"},
        {"gsp/train_stream.txt", "", "gsp/train_stream.txt"}, {"gsp/split", " --format both", "gsp/split.txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, cases[i][2]);
        struct stat before, now;
        const int had = stat(p, &before) == 0;
        snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 9 -o %s/%s%s", dir, dir, cases[i][0],
                 cases[i][1]);
        CHECK_MSG(run_cli(args, out, sizeof out) == 1 && strstr(out, p) && strstr(out, "give another OUT"),
                  "-o %s%s: %s", cases[i][0], cases[i][1], out);
        CHECK_MSG(run_output(args, out, sizeof out) == 1 && !strstr(out, "generated"), "-o %s%s: %s", cases[i][0],
                  cases[i][1], out);
        if (had)
            CHECK_MSG(stat(p, &now) == 0 && now.st_ino == before.st_ino && now.st_size == before.st_size &&
                          now.st_mtime == before.st_mtime, "%s was written", p);
        else
            CHECK_MSG(!ts_file_exists(p), "%s was written", p);
    }
    /* --format both wrote neither */
    snprintf(q, sizeof q, "%s/ds/stream.npy", dir);
    CHECK(!ts_file_exists(q));
    snprintf(q, sizeof q, "%s/ds/stream.names.txt", dir);
    CHECK(!ts_file_exists(q));
    /* an OUT file that is a link to a dataset's own file (the windows would go where the
     * link leads, the link kept): refused alike, the dataset's file as it was */
    char lk[512];
    snprintf(lk, sizeof lk, "%s/gdl", dir);
    REQUIRE(mkdir(lk, 0755) == 0);
    snprintf(p, sizeof p, "%s/gdl/o.txt", dir);
    REQUIRE(symlink("../ds/stream.txt", p) == 0);
    struct stat before, now;
    REQUIRE(stat(txt, &before) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 9 -o %s", dir, p);
    CHECK_MSG(run_cli(args, out, sizeof out) == 1 && strstr(out, p) && strstr(out, "give another OUT"), "-o %s: %s",
              p, out);
    CHECK_MSG(stat(txt, &now) == 0 && now.st_ino == before.st_ino && now.st_size == before.st_size &&
                  now.st_mtime == before.st_mtime, "%s was written through the link %s", txt, p);
    /* the dataset is still the one it was */
    snprintf(args, sizeof args, "eval --real %s/ds --synthetic %s/g1.txt", dir, dir);
    CHECK_MSG(run_cli(args, out, sizeof out) == 0, "%s", out);
}

/* a file beside OUT of a format this run does not write is removed only when it is one an
 * earlier run of generate wrote (a window file, an int32 N x L .npy, a names file of the
 * windows beside it); anything else there (a user's notes named OUT.txt, ragged lines,
 * another .npy, names of no windows there) is left in place, said in one warning line. A
 * leftover of an earlier run beside an OUT that is a link into another folder goes too:
 * it is the one read beside OUT */
static void generate_keeps_unrelated_files(void)
{
    char args[2048], out[4096], p[600], q[600], said[800];
    static const char *const kept[][3] = {
        {"gu.txt", "my notes about this run\nnot windows\n", "gu.npy"},
        {"gr.txt", "1,2,3\n4,5\n", "gr.npy"},
        {"gz.txt", "1,2,3\n4,5,6", "gz.npy"},   /* no newline at the end: not as generate writes */
        {"gm.names.txt", "hello world\n", "gm.npy"},
    };
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, kept[i][0]);
        write_text(p, kept[i][1]);
        /* the model without names: a names file is no file this run writes */
        snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 1 -o %s/%s", dir, dir, kept[i][2]);
        CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s: %s", kept[i][0], out);
        snprintf(said, sizeof said, "tracesynth: warning: generate: %s", p);
        CHECK_MSG(ts_file_exists(p) && strstr(out, said) && strstr(out, "left in place") && !strstr(out, "(removed"),
                  "%s: %s", kept[i][0], out);
        FILE *f = fopen(p, "r");
        char got[256] = "";
        if (f) {
            got[fread(got, 1, sizeof got - 1, f)] = 0;
            fclose(f);
        }
        CHECK_MSG(!strcmp(got, kept[i][1]), "%s now holds '%s'", p, got);
        unlink(p);
    }
    /* an .npy that generate does not write (float32, one dimension) beside -o OUT.txt */
    snprintf(p, sizeof p, "%s/gf.npy", dir);
    float v[3] = {1, 2, 3};
    size_t shape[1] = {3};
    REQUIRE(ts_npy_write(p, TS_NPY_F32, v, 1, shape) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 1 -o %s/gf.txt", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && ts_file_exists(p) && strstr(out, "left in place"), "%s", out);
    /* an earlier run's names file of the windows there before still goes */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 1 -o %s/gw.txt", dir, dir);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    snprintf(q, sizeof q, "%s/gw.names.txt", dir);
    REQUIRE(ts_file_exists(q));
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 1 -o %s/gw.txt", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !ts_file_exists(q) && !strstr(out, "warning"), "%s", out);

    /* OUT a link into another folder: the earlier run's OUT.txt beside the link goes */
    char lk[512], tg[512];
    snprintf(lk, sizeof lk, "%s/glk", dir);
    snprintf(tg, sizeof tg, "%s/gtg", dir);
    REQUIRE(mkdir(lk, 0755) == 0 && mkdir(tg, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 1 -o %s/o.txt", dir, lk);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 1 -o %s/o.npy", dir, tg);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/o.npy", lk);
    REQUIRE(symlink("../gtg/o.npy", p) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 5 --length 20 --seed 2 -o %s", dir, p);
    CHECK_MSG(run_output(args, out, sizeof out) == 0, "%s", out);
    snprintf(q, sizeof q, "%s/o.txt", lk);
    snprintf(said, sizeof said, "(removed %s, an earlier run's)", q);
    CHECK_MSG(!ts_file_exists(q) && strstr(out, said), "%s left beside the link %s: %s", q, p, out);
    struct stat st;
    CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
    ts_npy a;
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.ndim == 2 && a.shape[0] == 5);
    ts_npy_free(&a);
    /* and a user's file there stays */
    write_text(q, "notes\n");
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && ts_file_exists(q) && strstr(out, "left in place"), "%s", out);

    /* an earlier run's names file whose windows are gone, of the windows written now (as
     * many, as long): a reader of OUT would take it for theirs; it goes */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 4 --length 20 --seed 1 -o %s/gq.npy", dir, dir);
    REQUIRE(run_cli(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/gq.npy", dir);
    snprintf(q, sizeof q, "%s/gq.names.txt", dir);
    REQUIRE(ts_file_exists(q) && unlink(p) == 0);
    snprintf(args, sizeof args, "generate %s/ngids.tsm -n 4 --length 20 --seed 2 -o %s/gq.txt", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !ts_file_exists(q) && !strstr(out, "warning"), "%s", out);
    snprintf(args, sizeof args, "eval --real %s/ids --synthetic %s/gq.txt", dir, dir);
    CHECK_MSG(run_cli(args, out, sizeof out) == 0, "%s", out);
}

/* a model named as a file of OUT's other format is read, not an earlier set's file: it
 * stays (it went with the set, the model lost) */
static void generate_keeps_the_model(void)
{
    char args[2048], err[1024], m[512], o[512], x[512];
    static const char *const as[2][2] = {{"gk.npy", "gk.txt"}, {"gk2.txt", "gk2.npy"}};
    for (int k = 0; k < 2; k++) {
        snprintf(m, sizeof m, "%s/%s", dir, as[k][0]);
        snprintf(o, sizeof o, "%s/%s", dir, as[k][1]);
        snprintf(args, sizeof args, "cp %s/ng.tsm %s", dir, m);
        REQUIRE(system(args) == 0);
        snprintf(args, sizeof args, "generate %s -n 4 --length 20 --seed 1 -o %s", m, o);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
        CHECK_MSG(ts_file_exists(m) && ts_file_exists(o), "%s: the model %s is gone", args, m);
        snprintf(args, sizeof args, "generate %s -n 4 --length 20 --seed 2 -o %s", m, o);   /* still a model */
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
        snprintf(x, sizeof x, "%.*s.names.txt", (int)strlen(o) - 4, o);
        unlink(m);
        unlink(o);
        unlink(x);
    }
}

/* an OUT ending in .npy with no --format is an .npy (it wrote OUT.txt, over the one there);
 * a --format its extension contradicts is refused before the model is read */
static void generate_format_from_extension(void)
{
    char args[2048], err[512], p[512];
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/gx.npy", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(p, sizeof p, "%s/gx.npy", dir);
    ts_npy a;
    REQUIRE(ts_npy_read(p, &a) == 0);
    CHECK(a.ndim == 2 && a.shape[0] == 3 && a.shape[1] == 20);
    ts_npy_free(&a);
    snprintf(p, sizeof p, "%s/gx.txt", dir);
    CHECK(!ts_file_exists(p));
    /* both names its two files, whichever extension OUT has */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/gb.npy --format both", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(p, sizeof p, "%s/gb.txt", dir);
    CHECK(ts_file_exists(p));
    const char *contra[][2] = {{"gy.npy --format text", "gy.txt"}, {"gy.txt --format npy", "gy.npy"}};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/%s", dir, dir, contra[i][0]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--format") && strstr(err, "gy."), "%s: %s",
                  contra[i][0], err);
        snprintf(p, sizeof p, "%s/%s", dir, contra[i][1]);
        CHECK(!ts_file_exists(p));
    }
    /* before the model is read: a missing one is not what is reported */
    snprintf(args, sizeof args, "generate %s/none.tsm -n 3 --length 20 -o %s/gy.npy --format text", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--format"), "%s", err);
}

/* an output that cannot be written is refused before anything is generated or written:
 * with OUT.npy a directory, --format both wrote OUT.txt and then failed, and printed
 * "generated ... ->" */
static void generate_output_checked_first(void)
{
    char args[2048], out[4096], p[512];
    snprintf(p, sizeof p, "%s/gd.npy", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/gd --format both", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 1 && strstr(out, "gd.npy") && !strstr(out, "generated"),
              "%s", out);
    snprintf(p, sizeof p, "%s/gd.txt", dir);
    CHECK(!ts_file_exists(p));
    /* the names file too, before the windows are written */
    snprintf(p, sizeof p, "%s/gn.names.txt", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/gn --format both", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 1 && strstr(out, "gn.names.txt") && !strstr(out, "generated"),
              "%s", out);
    snprintf(p, sizeof p, "%s/gn.txt", dir);
    CHECK(!ts_file_exists(p));
    snprintf(p, sizeof p, "%s/gn.npy", dir);
    CHECK(!ts_file_exists(p));
    /* a folder that is not there */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o %s/nodir/g", dir, dir);
    CHECK_MSG(run_output(args, out, sizeof out) == 1 && strstr(out, "nodir/g.txt") && !strstr(out, "generated"),
              "%s", out);
}

/* an output file that is the model itself (a model named like a window file or a names
 * file) is refused: the windows replaced the model */
static void generate_keeps_its_model(void)
{
    char args[2048], err[512], p[512], q[512];
    static const char *const names[3][2] = {{"m.txt", "m.txt"}, {"m.npy", "m.npy"}, {"m.names.txt", "m"}};
    snprintf(p, sizeof p, "%s/ng.tsm", dir);
    ts_model *m0;
    REQUIRE(ts_model_load(p, &m0) == 0);
    for (int i = 0; i < 3; i++) {
        snprintf(q, sizeof q, "%s/%s", dir, names[i][0]);
        REQUIRE(ts_model_save(m0, q) == 0);
        snprintf(args, sizeof args, "generate %s -n 3 --length 20 -o %s/%s%s", q, dir, names[i][1],
                 i == 2 ? " --format both" : "");
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "would replace the model"), "%s: %s", q, err);
        ts_model *m;
        if (ts_model_load(q, &m) == 0) ts_model_free(m);
        else CHECK_MSG(0, "%s: %s", q, ts_error());
        unlink(q);
    }
    ts_model_free(m0);
}

static void bench_grid(void)
{
    char args[2048], out[16384], err[1024];
    /* one dataset given twice (by any path) would weigh twice in the means: refused in one
     * line naming the repeated argument; a copy is another dataset */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds %s/ds/. --lengths 40 --blackouts 1 --windows 30",
             dir, dir);
    int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "ds/.: given twice"), "exit %d: %s", rc, err);
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds %s/ds-copy --lengths 40,60 --blackouts 1,5 "
             "--windows 30 --json %s/b.json", dir, dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    /* the motif's test windows without noise are in the training stream: said once per
     * dataset and length, on stderr (the unigram keeps no stream: nothing) */
    for (int uni = 0; uni < 2; uni++) {
        char both[16384];
        snprintf(args, sizeof args, "bench impute --model %s %s/ds --lengths 40,60 --blackouts 1,5 --windows 30",
                 uni ? "unigram" : "ngram", dir);
        REQUIRE(run_output(args, both, sizeof both) == 0);
        int warned = 0;
        for (const char *w = both; (w = strstr(w, "tracesynth: warning: bench impute: ")); w++) warned++;
        char want[600];
        snprintf(want, sizeof want, "bench impute: ds, L=60, test part: ");
        const char *at = strstr(both, want);
        CHECK_MSG(uni ? warned == 0 : warned == 2 && at && strstr(at, " of 30 windows occur verbatim in the model's "
                                                                      "training data"), "%s", both);
    }
    CHECK(strstr(out, "L=40 center") && strstr(out, "L=60 end"));
    CHECK(strstr(out, "train ") && strstr(out, "impute 30 windows"));
    CHECK(strstr(out, "summary") && strstr(out, "average"));
    char p[512];
    snprintf(p, sizeof p, "%s/b.json", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    static char js[65536];
    size_t n = fread(js, 1, sizeof js - 1, f);
    js[n] = 0;
    fclose(f);
    int cells = 0;
    for (const char *s = js; (s = strstr(s, "\"accuracy\"")); s++) cells++;
    CHECK(cells == 2 * 2 * 2 * 2);   /* datasets x L x positions x k */
    CHECK(strstr(js, "\"test_windows\": 30, \"test_in_train\": ") != NULL);   /* the count the warning gives */
    /* a set of windows (DIR/length): its windows of 12 would be cut as one stream into windows
     * of 8; refused, naming its length file */
    snprintf(args, sizeof args, "markov %s/ds -n 600 --length 12 -o %s/bset", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "bench impute --model ngram %s/bset --lengths 8 --blackouts 2 --windows 10", dir);
    rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "bset/length: windows of 12 events, which bench impute would cut as one stream"),
              "exit %d: %s", rc, err);
    /* a --blackout valid on its face that the set's windows are too short for: the data's
     * error (1), one line naming the set */
    snprintf(args, sizeof args, "train --model sssd-s4 %s/bset --blackout 20 --iters 1 -o %s/bset.tsm", dir, dir);
    rc = run_cli(args, err, sizeof err);
    char want[1024];
    snprintf(want, sizeof want, "tracesynth: error: %s/bset: --blackout 20 is longer than its windows (12, its length "
             "file)", dir);
    CHECK_MSG(rc == 1 && !strcmp(err, want), "exit %d: %s", rc, err);
}

/* a default name comes from the dataset's directory however it is spelled: "." from
 * inside it, "ds/." and "ds/" from beside it give ds.MODEL.tsm (not "..ngram.tsm", a
 * hidden file), and bench impute's report names ds */
static void default_names_from_dataset(void)
{
    char bin[4096], cwd[4096], ds[512], args[2048], out[16384], p[700];
    const char *env = getenv("TRACESYNTH");
    REQUIRE(realpath(env ? env : "build/tracesynth", bin) && getcwd(cwd, sizeof cwd));
    setenv("TRACESYNTH", bin, 1);
    snprintf(ds, sizeof ds, "%s/ds", dir);
    const char *train = "train --model ngram %s --length 60 --windows 40 --no-progress";
    REQUIRE(chdir(ds) == 0);
    snprintf(args, sizeof args, train, ".");
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(ts_file_exists("ds.ngram.tsm") && !ts_file_exists("..ngram.tsm"), "%s", out);
    unlink("ds.ngram.tsm");
    unlink("..ngram.tsm");
    snprintf(args, sizeof args, "bench impute --model ngram . --lengths 40 --blackouts 5 --windows 20 --no-progress");
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "ds: ngram") && !strstr(out, ".: ngram"), "%s", out);
    int moved = chdir(dir) == 0;   /* (no REQUIRE past a CHECK: the directory is put back below) */
    CHECK(moved);
    const char *spell[] = {"ds/.", "ds/", "./ds"};
    for (int i = 0; i < 3 && moved; i++) {
        snprintf(args, sizeof args, train, spell[i]);
        CHECK(run_stdout(args, out, sizeof out) == 0);
        CHECK_MSG(ts_file_exists("ds.ngram.tsm"), "%s: %s", spell[i], out);
        unlink("ds.ngram.tsm");
    }
    snprintf(p, sizeof p, "%s/..ngram.tsm", ds);
    CHECK(!ts_file_exists(p));
    CHECK(chdir(cwd) == 0);
    if (env) setenv("TRACESYNTH", env, 1);
    else unsetenv("TRACESYNTH");
}

/* one failing dataset does not discard the others' results */
static void bench_keeps_going(void)
{
    char args[2048], out[16384], err[512], p[512];
    snprintf(p, sizeof p, "%s/short", dir);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    int32_t ids[50];
    for (int i = 0; i < 50; i++) ids[i] = i % 3;
    d.stream = (ts_seq){ids, 50};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    snprintf(args, sizeof args, "bench impute --model ngram %s/short %s/ds --lengths 40 --blackouts 5 "
             "--windows 20 --no-progress --json %s/b2.json", dir, dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 1);
    CHECK(strstr(out, "ds: ngram") && strstr(out, "1 of 2 datasets failed"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "short: failed:") && strstr(err, "fewer than the window length"), "%s", err);
    snprintf(p, sizeof p, "%s/b2.json", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    static char js[65536];
    size_t n = fread(js, 1, sizeof js - 1, f);
    js[n] = 0;
    fclose(f);
    CHECK(strstr(js, "\"name\": \"short\", \"error\": \"") != NULL);
    /* windows shorter than the default training blackout (10): no matter to a model that
     * draws no blackouts */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 5 --blackouts 1 --windows 10 --no-progress",
             dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "bench impute --model sssd-s4 %s/ds --lengths 5 --blackouts 1 --windows 10 --no-progress",
             dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--train-blackout 10 is longer than the window length 5"),
              "%s", err);
    /* the training blackout of a model that draws none */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 5 --train-blackout 5 "
             "--windows 20 --no-progress", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--train-blackout: the model ngram does not read it"),
              "%s", err);
    int cells = 0;
    for (const char *s = js; (s = strstr(s, "\"accuracy\"")); s++) cells++;
    CHECK(cells == 2);   /* ds: one L, two positions, one k */
}

/* a split of unnamed events into a directory that holds an earlier split's names: those
 * names go (impute and eval would read them as the new windows') */
static void split_stale_names(void)
{
    char args[2048], err[1024], p[512];
    snprintf(p, sizeof p, "%s/ds_unnamed", dir);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    int32_t ids[400];
    for (int i = 0; i < 400; i++) ids[i] = (i * 7 + i / 13) % 11;
    d.stream = (ts_seq){ids, 400};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    snprintf(p, sizeof p, "%s/sp_stale", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/sp_stale/vocab.tsv", dir);
    write_text(p, "0\tread\t9\n1\twrite\t8\n");
    snprintf(args, sizeof args, "split %s/ds_unnamed --length 10 --windows 20 -o %s/sp_stale", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    CHECK(!ts_file_exists(p));
    snprintf(p, sizeof p, "%s/sp_stale/testing", dir);
    CHECK(ts_file_exists(p));
}

/* a short trace: the message names the longest window that fits; fractions are options */
static void split_short_trace(void)
{
    char args[2048], out[8192], err[1024], p[512];
    snprintf(p, sizeof p, "%s/ds1800", dir);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    int32_t *ids = ts_malloc(1800 * sizeof *ids);
    for (int i = 0; i < 1800; i++) ids[i] = (i * 7 + i / 13) % 11;
    d.stream = (ts_seq){ids, 1800};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    free(ids);
    snprintf(args, sizeof args, "split %s/ds1800 --length 200 -o %s/sp1", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "validation part [1260, 1440) has 180 events") &&
              strstr(err, "the longest window that fits is 180, or other fractions"), "%s", err);
    /* three events: no window fits with these fractions, said as such */
    snprintf(p, sizeof p, "%s/ds3", dir);
    int32_t three[3] = {1, 2, 3};
    d.stream = (ts_seq){three, 3};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    snprintf(args, sizeof args, "split %s/ds3 --length 1 -o %s/sp3", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "the stream is too short for any window with these "
                                                                     "fractions"), "%s", err);
    /* one event in a part: "1 event" */
    snprintf(args, sizeof args, "split %s/ds3 --length 2 --fractions 0.4,0.3,0.3 -o %s/sp3", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "the training part [0, 1) has 1 event, fewer than"),
              "%s", err);
    snprintf(args, sizeof args, "split %s/ds1800 --length 180 --windows 50 -o %s/sp1", dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "note: the validation part (180 events) holds only 1 window of length 180 at distinct starts") &&
              strstr(out, "note: the testing part (360 events) holds only 50 window") == NULL, "%s", out);
    snprintf(args, sizeof args, "split %s/ds1800 --length 200 --fractions 0.6,0.2,0.2 -o %s/sp2", dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "validation    500 windows in [1080, 1440)") &&
              strstr(out, "testing part (360 events) holds only 161 windows of length 200 at distinct "
                          "starts; 339 of the 500 are repeats"), "%s", out);
    /* more windows than both the default 500 and a part's distinct ones: an error naming the
     * part, before any window is built (the largest --windows used to build gigabytes) */
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --windows 16777216 -o %s/sp4", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "ds1800: --windows 16777216: the validation part [1260, 1440) of 180 events holds only "
                          "161 windows of length 20 at distinct starts (at most 500 windows)"), "%s", err);
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --windows 501 -o %s/sp4", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1 && strstr(err, "validation part") && strstr(err, "(at most 500 windows)"));
    /* up to the default, repeats (noted); up to a part's windows at distinct starts, none */
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --windows 500 -o %s/sp4", dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0 && strstr(out, "339 of the 500 are repeats"));
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --fractions 0.2,0.4,0.4 --windows 701 -o %s/sp5", dir, dir);
    CHECK(run_stdout(args, out, sizeof out) == 0 && strstr(out, "validation    701 windows") && !strstr(out, "repeats"));
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --fractions 0.2,0.4,0.4 --windows 702 -o %s/sp6", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "the validation part [360, 1080) of 720 events holds only 701 windows of "
                          "length 20 at distinct starts (at most 701 windows)"), "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s/ds1800 --length 20 --windows 16777216 -o %s/big.tsm", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1 && strstr(err, "(at most 500 windows)"));
    snprintf(p, sizeof p, "%s/sp2/split.txt", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK(strstr(out, "fractions=0.6,0.2,0.2\n") != NULL);
    /* train and impute take the same option */
    snprintf(args, sizeof args, "train --model ngram %s/ds1800 --length 200 --fractions 0.6,0.2,0.2 "
             "--windows 20 -o %s/short.tsm", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s/short.tsm --input %s/ds1800 --fractions 0.6,0.2,0.2", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "holds only 161 windows of length 200 at distinct starts; 339 of the 500"), "%s", err);
    /* a stream of one event repeated: its windows all hold the same events, so the note
     * counts what it says it counts (starts), as split's help and note do */
    snprintf(p, sizeof p, "%s/ds-same", dir);
    int32_t *same = ts_calloc(1800, sizeof *same);
    d.stream = (ts_seq){same, 1800};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    free(same);
    snprintf(args, sizeof args, "train --model unigram %s/ds-same --length 160 --windows 20 -o %s/same.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s/same.tsm --input %s/ds-same --length 160", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "note: impute: the test part of") && strstr(err, "holds only 201 windows of length 160 at "
              "distinct starts; 299 of the 500 are repeats") && !strstr(err, "distinct windows"), "%s", err);
    CHECK(run_stdout("split --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "windows at distinct starts") && !strstr(out, "distinct windows"), "%s", out);
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --fractions 0.7,0.2,0.2 -o %s/sp3", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "add up to 1.1, not 1"), "%s", err);
    /* the paper split takes its parts from the published files: other fractions are refused, not
     * dropped */
    snprintf(p, sizeof p, "%s/ds1800/sequence_length_20", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/ds1800/sequence_length_20/testing", dir);
    write_text(p, "0,7,3,10,6,2,9,5,1,8,4,0,7,3,10,6,2,9,5,1\n");
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --split paper --windows 5 -o %s/sp7", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "split %s/ds1800 --length 20 --split paper --windows 5 --fractions 0.6,0.2,0.2 "
             "-o %s/sp7", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--fractions goes with --split time"), "%s", err);
    /* at the default shares too, and in every command that splits a dataset */
    const char *paper_frac[] = {"split %s/ds1800 --length 20 --split paper --fractions 0.7,0.1,0.2 -o %s/sp8",
                                "train --model ngram %s/ds1800 --length 20 --split paper --fractions 0.7,0.1,0.2 -o %s/p.tsm",
                                "impute %s/short.tsm --input %s/ds1800 --length 20 --split paper --fractions 0.6,0.2,0.2",
                                "score %s/short.tsm --input %s/ds1800 --length 20 --split paper --fractions 0.6,0.2,0.2",
                                "tune-prior %s/short.tsm %s/ds1800 --length 20 --split paper --fractions 0.6,0.2,0.2 -o x",
                                ("bench impute --model ngram %s/ds1800 --lengths 20 --blackouts 1 --split paper "
                                 "--fractions 0.6,0.2,0.2 --json %s/x.json")};
    for (int i = 0; i < 6; i++) {
        snprintf(args, sizeof args, paper_frac[i], dir, dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--fractions goes with --split time"), "%s: %s",
                  args, err);
    }
    /* a model trained on the paper split is run on the published test windows by default, as
     * on its own window length: the paper split's training windows cover the whole stream,
     * so the time split's test part, which impute and score cut unless --split paper was
     * given again, was trained on */
    snprintf(args, sizeof args, "train --model ngram %s/ds1800 --length 20 --split paper -o %s/paper.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(p, sizeof p, "%s/paper.tsm", dir);
    ts_model *pm0 = NULL;
    REQUIRE(ts_model_load(p, &pm0) == 0);
    CHECK(pm0->paper_split == 1 && pm0->permille[0] == 0);
    ts_model_free(pm0);
    const char *kinds[] = {"", "--split paper", "--split time"};
    double pbits[3];
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "impute %s/paper.tsm --input %s/ds1800 --blackout 2 %s -o %s/pp%d", dir, dir,
                 kinds[i], dir, i);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
        snprintf(args, sizeof args, "score %s/paper.tsm --input %s/ds1800 %s --json", dir, dir, kinds[i]);
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
        pbits[i] = metric(out, "bits_per_event");
    }
    char q[512];
    snprintf(p, sizeof p, "%s/pp0/original0.npy", dir);
    snprintf(q, sizeof q, "%s/pp1/original0.npy", dir);
    CHECK_MSG(files_equal(p, q), "impute's default windows are not the paper split's of a paper model");
    snprintf(q, sizeof q, "%s/pp2/original0.npy", dir);
    CHECK(!files_equal(p, q));
    CHECK_MSG(pbits[0] == pbits[1] && pbits[0] != pbits[2], "score: %g, %g, %g", pbits[0], pbits[1], pbits[2]);
    /* a dataset without the published windows: one line naming it, the file it lacks and
     * the model whose split asked for them, with what to give instead */
    snprintf(args, sizeof args, "mkdir -p %s/nopub && cp %s/ds1800/stream.txt %s/nopub/", dir, dir, dir);
    REQUIRE(system(args) == 0);
    const char *nopub[] = {"impute %s/paper.tsm --input %s/nopub --blackout 2", "score %s/paper.tsm --input %s/nopub"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, nopub[i], dir, dir);
        char want[1200];
        snprintf(want, sizeof want, "%s/nopub: no sequence_length_20/testing, the published test windows of the "
                 "paper split %s/paper.tsm was trained on", dir, dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want) && strstr(err, "--split time") &&
                      !strchr(err, '\n'),
                  "%s: %s", args, err);
    }
    /* the paper split's test windows are the published ones, every one: --windows, which
     * does not cut them, is refused, not dropped (a paper model's default split took it
     * without a word) */
    const char *paper_windows[] = {"impute %s/paper.tsm --input %s/ds1800 --blackout 2 --windows 3",
                                   "score %s/paper.tsm --input %s/ds1800 --windows 3",
                                   "impute %s/paper.tsm --input %s/ds1800 --blackout 2 --split paper --windows 3"};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, paper_windows[i], dir, dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--windows: the paper split's test windows"),
                  "%s: %s", args, err);
    }
    snprintf(args, sizeof args, "impute %s/paper.tsm --input %s/ds1800 --blackout 2 --split time --windows 3 --json",
             dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && metric(out, "windows") == 3, "%s: %s", args, out);
    /* --fractions names the time split */
    snprintf(args, sizeof args, "impute %s/paper.tsm --input %s/ds1800 --blackout 2 --fractions 0.7,0.1,0.2 -o %s/pp3",
             dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(p, sizeof p, "%s/pp3/original0.npy", dir);
    CHECK(files_equal(p, q));
    /* a model goes to a file: a device would take it (and a neural one's checkpoint would
     * go beside it, into /dev) */
    snprintf(args, sizeof args, "train --model ngram %s/ds1800 --length 20 -o /dev/null", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "/dev/null: the model goes to a file"), "%s", err);
    int pm[3];
    CHECK(ts_split_parse_fractions("0.7,0.1,0.2", pm) == 0 && pm[0] == 700 && pm[1] == 100 && pm[2] == 200);
    CHECK(memcmp(pm, ts_split_default_permille, sizeof pm) == 0);
    CHECK(ts_split_parse_fractions("0.8,0.2", pm) == -1);
    CHECK(ts_split_parse_fractions("0.5,0.5,0", pm) == -1);
    CHECK(ts_split_parse_fractions("0.5,0.25,0.25,", pm) == -1);
    CHECK(ts_split_parse_fractions("a,b,c", pm) == -1);
    /* parts are thousandths: finer fractions are refused as such, not rounded into a wrong sum */
    CHECK(ts_split_parse_fractions("0.3333,0.3333,0.3334", pm) == -1);
    CHECK_MSG(strstr(ts_error(), "0.3333 is not a whole number of thousandths"), "%s", ts_error());
    CHECK(ts_split_parse_fractions("0.7004,0.1,0.1996", pm) == -1 && strstr(ts_error(), "0.7004"));
    CHECK_MSG(ts_split_parse_fractions("0.7000001,0.1,0.1999999", pm) == -1 &&
                  strstr(ts_error(), ": 0.7000001 is not a whole"), "%s", ts_error());   /* as given, not as %g */
    CHECK(ts_split_parse_fractions("0.0004,0.5,0.4996", pm) == -1 && strstr(ts_error(), "below 0.001"));
    CHECK(ts_split_parse_fractions("0.001,0.333,0.666", pm) == 0 && pm[0] == 1 && pm[1] == 333 && pm[2] == 666);
    CHECK(ts_split_max_length(1800, NULL) == 180);
    CHECK(ts_split_max_length(2340, NULL) == 234);
}

/* --opt VALUE and --opt=VALUE alike in every command; model options as well */
static void option_forms(void)
{
    char args[2048], out[8192], err[1024];
    /* -o after --length=60 is an option, not a second dataset */
    snprintf(args, sizeof args, "train --model=ngram %s/ds --length=60 --windows=40 -o %s/eq.tsm --order=8", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "%s/eq.tsm", dir);
    CHECK(ts_file_exists(args));
    snprintf(args, sizeof args, "impute %s/eq.tsm --input=%s/ds --length=60 --windows=40 --blackout=3 "
             "--position=random --seed=2 --json", dir, dir);   /* the seed draws the positions */
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(metric(out, "blackout") == 3 && strstr(out, "\"position\": \"random\"") && metric(out, "seed") == 2,
              "%s", out);
    snprintf(args, sizeof args, "generate %s/eq.tsm --count=3 --length=20 --output=%s/eqg --format=npy", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "%s/eqg.npy", dir);
    CHECK(ts_file_exists(args));
    snprintf(args, sizeof args, "split %s/ds --length=50 --windows=20 --split=time --output=%s/eqs", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "%s/eqs/split.txt", dir);
    CHECK(ts_file_exists(args));
    snprintf(args, sizeof args, "bench impute --model=unigram %s/ds --lengths=40 --blackouts=2 --windows=10 "
             "--positions=end --no-progress", dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "L=40 end") != NULL, "%s", out);
    /* a run option of the model reaches its imputation, a training option its training */
    snprintf(args, sizeof args, "bench impute --model=ngram %s/ds --lengths=40 --blackouts=2 --windows=10 "
             "--positions=center --no-progress --in-window=2 --order=4", dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "L=40 center"), "%s", out);
    CHECK(run_cli("bench layers --min-time=-1", err, sizeof err) == 2);
    CHECK(strstr(err, "--min-time") != NULL);
    CHECK(run_cli("bench model --state=3", err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "--state") != NULL, "%s", err);
    CHECK_MSG(run_cli("bench model --runs=0", err, sizeof err) == 2 && strstr(err, "--runs") && strstr(err, "'0'"), "%s", err);
    /* a precision that is not one: the option named once, in the user's terms */
    snprintf(args, sizeof args, "score %s/eq.tsm --input %s/ds --precision fp16", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "error: --precision: 'fp16': expected fp32 or bf16 (see") != NULL, "%s", err);
    /* an empty value, a value given to a flag */
    snprintf(args, sizeof args, "impute %s/eq.tsm --input=", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--input needs a value") != NULL);
    snprintf(args, sizeof args, "impute %s/eq.tsm --input %s/ds --json=1", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    /* a model's run options are its own: a training option is refused, a usage error */
    snprintf(args, sizeof args, "generate %s/eq.tsm -n 2 --length 10 -o %s/x --order 3", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "ngram: option --order: not one of its run options (--in-window)"),
              "%s", err);
    snprintf(args, sizeof args, "generate %s/eq.tsm -n 2 --length 10 -o %s/x --in-window 3", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "ngram: option --in-window: generation does not take it"), "%s", err);
    /* required options are named */
    snprintf(args, sizeof args, "split %s/ds --length 50", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "-o DIR is required") != NULL);
}

/* -o - is standard output where a command writes text (generate, export, drop, fill);
 * a command whose output is a directory or a model or constraints file refuses it in one
 * line, before any work, where it wrote a directory or file named '-' */
static void dash_output_refused(void)
{
    char bin[4096], mdir[4096], cmd[9000], p[600];
    const char *env = getenv("TRACESYNTH");
    REQUIRE(realpath(env ? env : "build/tracesynth", bin));
    REQUIRE(realpath("tests/fixtures/models", mdir));
    const char *uses[] = {"ingest --from ids ds/stream.txt", "split ds --length 20", "impute %s/ngram.tsm --input ds",
                          "impute %s/mdm-mc.tsm --input %s/mcds", "markov %s/mcds -n 40", "constraints %s/mcds",
                          "repair %s/mcds --constraints none.tsc",
                          "train --model ngram ds", "tune-prior %s/mdm.tsm ds",
                          /* the other files such a command writes */
                          "train --model ngram ds -o dash.tsm --log", "tune-prior %s/mdm.tsm ds -o dash.tsm --log",
                          "fill %s/../../data/ftrace_pipe.trace.gz -q --threads 1 -o dash.trace --save-model",
                          "bench impute --model unigram ds --lengths 20 --blackouts 2 --json"};
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
        char use[1024];
        snprintf(use, sizeof use, uses[i], mdir, mdir);
        snprintf(cmd, sizeof cmd, "cd %s && %s %s %s - > dash.out 2> dash.err", dir, bin, use, i < 9 ? "-o" : "");
        int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: exit %d", use, WEXITSTATUS(st));
        snprintf(cmd, sizeof cmd, "test $(wc -l < %s/dash.err) = 1 && grep -q ': error: %s -: ' %s/dash.err", dir,
                 i < 9 ? "-o" : i < 11 ? "--log" : i < 12 ? "--save-model" : "--json", dir);
        CHECK_MSG(system(cmd) == 0, "%s: not a one-line refusal", use);
        snprintf(p, sizeof p, "%s/-", dir);
        CHECK_MSG(!ts_file_exists(p), "%s: '-' was written", use);
        snprintf(cmd, sizeof cmd, "rm -rf '%s/-'", dir);
        CHECK(system(cmd) == 0);
    }
}

/* scripts/training-windows.py, as the README shows it (DATASET L N OUT): a dataset not
 * there, L or N not a number, an OUT that is no folder, is one line naming it and exit 1,
 * not a traceback; OUT the dataset itself is refused (its stream.txt was replaced) */
static void training_windows_script_errors(void)
{
    if (access("/usr/bin/python3", X_OK) != 0) {
        SKIP("no /usr/bin/python3\n");
        return;
    }
    char cmd[4096], root[512];
    REQUIRE(getcwd(root, sizeof root));   /* the tests run in the repository */
    static const struct { const char *args, *says; } bad[] = {
        {"%s/nods 200 5 %s/trw", "nods/stream.txt: "},
        {"ds 2x0 5 %s/trw", "L: '2x0' "},
        {"ds 200 five %s/trw", "N: 'five' "},
        {"ds 200 5 ./ds", "./ds: OUT is DATASET itself"},
        {"ds 200 5 ds/stream.txt", "ds/stream.txt: not a directory"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char a[768];
        snprintf(a, sizeof a, bad[i].args, dir, dir);
        snprintf(cmd, sizeof cmd, "cd %s && /usr/bin/python3 %s/scripts/training-windows.py %s > tw.out 2> tw.err",
                 dir, root, a);
        const int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit %d", a, WEXITSTATUS(st));
        snprintf(cmd, sizeof cmd, "test $(wc -l < %s/tw.err) = 1 && grep -q \"%s\" %s/tw.err", dir, bad[i].says,
                 dir);
        CHECK_MSG(system(cmd) == 0, "%s: not one line naming it", a);
    }
}

/* scripts/gen-metrics-oracle.py, as the README shows it (--real R --synthetic S --train T):
 * a file not there, one that is not comma-separated IDs (the line said), a .npy that is no
 * array, a dataset without its stream or with a length that is no number, is one line
 * naming it and exit 1, not a traceback; a bad option is one line and exit 2 */
static void gen_metrics_oracle_script_errors(void)
{
    if (access("/usr/bin/python3", X_OK) != 0 || system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0) {
        SKIP("no /usr/bin/python3 with numpy\n");
        return;
    }
    char cmd[4096], root[512], g[600], p[700];
    REQUIRE(getcwd(root, sizeof root));   /* the tests run in the repository */
    snprintf(g, sizeof g, "%s/gmo", dir);
    static const char *const folders[] = {"", "/nostream", "/badlen"};
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++) {
        snprintf(p, sizeof p, "%s%s", g, folders[i]);
        mkdir(p, 0755);
    }
    static const char *const files[][2] = {
        {"ok.txt", "1,2,3\n2,3,1\n"}, {"bad.txt", "1,2,3\n2,x,1\n"}, {"bad.npy", "not an array\n"},
        {"badlen/stream.txt", "1,2,3,1,2,3\n"}, {"badlen/length", "three\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(p, sizeof p, "%s/%s", g, files[i][0]);
        write_text(p, files[i][1]);
    }
    static const struct { const char *args, *says; int rc; } bad[] = {
        {"--real nosuch --synthetic ok.txt", "nosuch: ", 1},
        {"--real ok.txt --synthetic nosuch.txt", "nosuch.txt: ", 1},
        {"--real ok.txt --synthetic ok.txt --train nosuch", "nosuch: ", 1},
        {"--real bad.txt --synthetic ok.txt", "bad.txt: line 2: ", 1},
        {"--real ok.txt --synthetic bad.npy", "bad.npy: ", 1},
        {"--real nostream --synthetic ok.txt", "nostream/stream.txt: ", 1},
        {"--real badlen --synthetic ok.txt", "badlen/length: ", 1},
        /* a bad option: one line too (not argparse's usage above it), exit 2 */
        {"--real ok.txt --synthetic ok.txt --bogus", "gen-metrics-oracle.py: error: unrecognized arguments: --bogus", 2},
        {"--synthetic ok.txt", "gen-metrics-oracle.py: error: the following arguments are required: --real", 2},
        {"--real ok.txt --synthetic ok.txt --train-share x", "gen-metrics-oracle.py: error: argument --train-share: ", 2},
        {"--real ok.txt --synthetic ok.txt --downstream 1.5", "gen-metrics-oracle.py: error: argument --downstream: ", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd,
                 "cd %s && /usr/bin/python3 %s/scripts/gen-metrics-oracle.py %s > gmo.out 2> gmo.err", g, root,
                 bad[i].args);
        const int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == bad[i].rc, "%s: exit %d", bad[i].args, WEXITSTATUS(st));
        snprintf(cmd, sizeof cmd, "test $(wc -l < %s/gmo.err) = 1 && grep -q \"^%s\" %s/gmo.err", g, bad[i].says, g);
        CHECK_MSG(system(cmd) == 0, "%s: not one line naming it", bad[i].args);
    }
    /* the files read still give the metrics */
    snprintf(cmd, sizeof cmd, "cd %s && /usr/bin/python3 %s/scripts/gen-metrics-oracle.py --real ok.txt --synthetic "
             "ok.txt --json > gmo.out 2> gmo.err", g, root);
    CHECK(system(cmd) == 0);
}

/* a dataset given as '-' is refused in one line that says why (a dataset is a directory:
 * standard input cannot be one), not looked for as a directory named '-' */
static void dash_dataset_refused(void)
{
    char mdir[4096], cmd[9000], err[512];
    REQUIRE(realpath("tests/fixtures/models", mdir));
    /* (MODELS' folder, then the scratch folder: an output that was written would go there) */
    const char *uses[] = {"constraints -%.0s -o %s/dd.tsc", "export -%.0s -o %s/dd.txt",
                          "split -%.0s --length 20 -o %s/dd", "tune-prior %s/mdm.tsm - -o %s/dd.tsm",
                          "train --model ngram -%.0s -o %s/dd.tsm", "markov -%.0s -n 40 -o %s/dd",
                          "repair -%.0s --constraints none.tsc -o %s/dd",
                          "generate %s/ngram.tsm -n 1 --length 5 --channels-from - -o %s/dd",
                          "impute %s/ngram.tsm --channels-from - -o %s/dd",
                          "bench impute --model unigram -%.0s --lengths 20 --blackouts 2 --json %s/dd.json",
                          /* the datasets read beside DATASET, and the folder of datasets */
                          "train --model ngram %s/ds --also - -o %s/dd.tsm",
                          "train --model ngram %s/ds --also-whole - -o %s/dd.tsm",
                          "train --model ngram %s/ds --also-whole-other-clock - -o %s/dd.tsm",
                          ("bench impute --model unigram --datasets-root -%.0s --lengths 20 --blackouts 2 --json "
                           "%s/dd.json"),
                          /* a multi-channel model's input */
                          "impute %s/mdm-mc.tsm --input - -o %s/dd"};
    const char *opt[] = {"DATASET", "DATASET", "DATASET", "DATASET", "DATASET", "DATASET", "SYNTHETIC",
                         "--channels-from", "--channels-from", "DATASET", "--also", "--also-whole",
                         "--also-whole-other-clock", "--datasets-root", "--input"};
    /* standard input by another of its names alike ("not a directory" named neither) */
    const char *names[] = {"-", "/dev/stdin", "/dev/fd/0"};
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++)
        for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
            char use[1024], as[1100], want[64];
            snprintf(use, sizeof use, uses[i], mdir, dir);
            const char *at = strstr(use, " - ");
            REQUIRE(at);
            snprintf(as, sizeof as, "%.*s %s %s", (int)(at - use), use, names[k], at + 3);
            snprintf(cmd, sizeof cmd, "%s < tests/fixtures/models/input.txt", as);
            snprintf(want, sizeof want, "error: %s %s: ", opt[i], names[k]);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, want) && strstr(err, "directory") &&
                          strstr(err, "not standard input"), "%s: %s", as, err);
        }
    /* standard input that is a directory ('< DIR') is read through /dev/stdin as the
     * directory; '-' stays refused (it names a stream) */
    for (size_t k = 1; k < sizeof names / sizeof *names; k++) {
        snprintf(cmd, sizeof cmd, "train --model ngram %s -o %s/dd_stdin.tsm < %s/ds", names[k], dir, mdir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        snprintf(cmd, sizeof cmd, "%s/dd_stdin.tsm", dir);
        CHECK_MSG(access(cmd, F_OK) == 0, "%s", cmd);
        unlink(cmd);
    }
    snprintf(cmd, sizeof cmd, "train --model ngram - -o %s/dd_stdin.tsm < %s/ds", dir, mdir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "error: DATASET -: "), "%s: %s", cmd, err);
}

/* a model, checkpoint or constraints file given as '-' is refused in one line that says
 * why (they are read from files, not from a stream), not looked for as a file named '-' */
static void dash_model_refused(void)
{
    char mdir[4096], cmd[9000], err[512];
    REQUIRE(realpath("tests/fixtures/models", mdir));
    /* (MODELS' folder, then the scratch folder: an output that was written would go there) */
    const char *uses[] = {"score - --input %s/input.txt%.0s", "impute - --input %s/input.txt -o %s/dd",
                          "generate -%.0s -n 1 --length 5 -o %s/dd", "tune-prior - %s/ds -o %s/dd.tsm",
                          "train --model mdm %s/ds --resume - -o %s/dd.tsm",
                          "repair %s/mcds --constraints - -o %s/dd",
                          "fill tests/data/ftrace_pipe.trace.gz --model - -o %s/dd.txt%.0s"};
    const char *opt[] = {"MODEL", "MODEL", "MODEL", "MODEL", "--resume", "--constraints", "--model"};
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
        char use[1024], want[64];
        snprintf(use, sizeof use, uses[i], i == 6 ? dir : mdir, dir);
        snprintf(cmd, sizeof cmd, "%s < tests/fixtures/models/ngram.tsm", use);
        snprintf(want, sizeof want, "error: %s -: ", opt[i]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, want) && strstr(err, "read from a file") &&
                      strstr(err, "not standard input"), "%s: %s", use, err);
    }
}

/* --ensemble's networks are model files: '-' among them is refused as MODEL - is, in one
 * line, by tune-prior's option and by the model key of impute and generate */
static void dash_ensemble_refused(void)
{
    char cmd[4096], err[512];
    const char *uses[] = {"tune-prior %s/mdm.tsm %s/ds --ensemble %s/mdm.tsm,- -o %s/dd.tsm",
                          "impute %s/mdm.tsm --input %s/ds --ensemble - --threads 1 -o %s/dd%.0s",
                          "generate %s/mdm.tsm -n 1 --length 5 --ensemble -%.0s -o %s/dd%.0s"};
    const char *m = "tests/fixtures/models";
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
        snprintf(cmd, sizeof cmd, uses[i], m, m, i ? dir : m, dir);
        if (i == 2) snprintf(cmd, sizeof cmd, uses[i], m, m, dir, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--ensemble -: ") && strstr(err, "read from a file") &&
                      strstr(err, "not standard input"), "%s: %s", cmd, err);
    }
    /* the model key of fill, bench fill and bench impute too, before any work */
    const char *more[] = {"fill tests/data/ftrace_pipe.trace.gz --model %s/mdm.tsm --ensemble - -q -o %s/dd.trace",
                          "bench fill tests/data/ftrace_pipe.trace.gz --model %s/mdm.tsm --ensemble -%.0s",
                          "bench impute --model mdm %.0s%s/ds --ensemble -"};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        snprintf(cmd, sizeof cmd, more[i], m, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--ensemble -: ") && strstr(err, "read from a file") &&
                      strstr(err, "not standard input"), "%s: %s", cmd, err);
    }
}

/* mdm's greedy decoding (--temperature 0, its imputation's default, and --order confident)
 * draws nothing: a --seed given to it is refused as other unread options are, not taken
 * and ignored; sampling (a temperature above 0, generate's default, or --order random)
 * reads it, and a blackout at random positions draws them by it */
static void mdm_greedy_seed_refused(void)
{
    char cmd[4096], err[512];
    const char *m = "tests/fixtures/models";
    const char *refused[] = {"impute %s/mdm.tsm --input %s/ds --seed 3 --threads 1 -o %s/gs",
                             "generate %s/mdm.tsm -n 2 --length 5 --temperature 0 --seed 3%.0s -o %s/gs.txt",
                             ("generate %s/mdm.tsm -n 2 --length 5 --temperature 0 --sampler chain --seed 3%.0s -o "
                              "%s/gs.txt")};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        snprintf(cmd, sizeof cmd, refused[i], m, m, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) != 0 && strstr(err, "mdm: option --seed: ") &&
                      strstr(err, "draws nothing") && strchr(err, '\n') == strrchr(err, '\n'), "%s: %s", cmd, err);
    }
    /* impute's is a usage error, as its refusal of a seed other models do not read, made
     * before the input is read (a window file whose IDs the model lacks would be an error) */
    char bad[600];
    snprintf(bad, sizeof bad, "%s/gs-bad.txt", dir);
    write_text(bad, "1,2,3,99999\n");
    snprintf(cmd, sizeof cmd, "impute %s/mdm.tsm --input %s --seed 3 --threads 1", m, bad);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "impute: error: mdm: option --seed: ") && strstr(err, "draws nothing"),
              "exit %d: %s", rc, err);
    /* so is generate's, with either sampler, made before any work: an output that cannot
     * be written (a missing directory) would be an error */
    const char *gen[] = {"generate %s/mdm.tsm -n 2 --length 5 --temperature 0 --seed 3 -o %s/none/gs.txt",
                         "generate %s/mdm.tsm -n 2 --length 5 --temperature 0 --sampler chain --seed 3 -o "
                         "%s/none/gs.txt"};
    for (size_t i = 0; i < sizeof gen / sizeof *gen; i++) {
        snprintf(cmd, sizeof cmd, gen[i], m, dir);
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "generate: error: mdm: option --seed: ") && strstr(err, "draws nothing"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    const char *taken[] = {"impute %s/mdm.tsm --input %s/ds --seed 3 --temperature 0.5 --threads 1 -o %s/gs",
                           "impute %s/mdm.tsm --input %s/ds --seed 3 --order random --threads 1 -o %s/gs",
                           "impute %s/mdm.tsm --input %s/ds --seed 3 --position random --threads 1 -o %s/gs",
                           "generate %s/mdm.tsm -n 2 --length 5 --seed 3%.0s -o %s/gs.txt"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
        snprintf(cmd, sizeof cmd, taken[i], m, m, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
}

/* a model's own option (--KEY VALUE) that generate or impute refuses, or a shared one the
 * model does not take (--steps, --batch), is a usage error as the others: exit 2, "tracesynth
 * CMD: error: MODEL: option --KEY: ..." with the pointer to the help, nothing written; a
 * file an option names that cannot be read is the run's error (1) */
static void run_option_errors_are_usage(void)
{
    char cmd[4096], err[1024], out[700];
    const char *m = "tests/fixtures/models";
    snprintf(out, sizeof out, "%s/oe", dir);
    const struct { const char *cmd, *key; } refused[] = {
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --temperature -1", "temperature"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --temperature abc", "temperature"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --sampler foo", "sampler"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --in-window 3", "in-window"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --select vote", "select"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --bogus 1", "bogus"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --samples 0", "samples"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --context 5", "context"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --ngram-mix 0.5", "ngram-mix"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --sampler chain --samples 2", "samples"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --prior-weight 2", "prior-weight"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --order foo", "order"},
        {"generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --temperature 0 --seed 3", "seed"},
        {"generate %s/ngram.tsm -n 2 --length 8 -o %s.txt --batch 4", "batch"},
        {"generate %s/ngram.tsm -n 2 --length 8 -o %s.txt --order 3", "order"},
        {"generate %s/mdm-mc.tsm -n 2 --length 8 -o %s --temperature abc", "temperature"},
        {"impute %s/mdm.tsm --input %s/ds --temperature -1 -o %s", "temperature"},
        {"impute %s/mdm.tsm --input %s/ds --bogus 1 -o %s", "bogus"},
        {"impute %s/mdm.tsm --input %s/ds --sampler chain -o %s", "sampler"},
        {"impute %s/mdm.tsm --input %s/ds --select foo -o %s", "select"},
        {"impute %s/mdm.tsm --input %s/ds --ngram-mix 0.5 -o %s", "ngram-mix"},
        {"impute %s/mdm.tsm --input %s/ds --seed 3 -o %s", "seed"},
        {"impute %s/ngram.tsm --input %s/ds --steps 3 -o %s", "steps"},
        {"impute %s/mdm-mc.tsm --input %s/mcds --length 40 --order best -o %s", "order"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        const int imp = !strncmp(refused[i].cmd, "impute", 6);
        if (imp) snprintf(cmd, sizeof cmd, refused[i].cmd, m, m, out);
        else snprintf(cmd, sizeof cmd, refused[i].cmd, m, out);
        char want[128], help[64];
        snprintf(want, sizeof want, "tracesynth %s: error: ", imp ? "impute" : "generate");
        snprintf(help, sizeof help, "option --%s: ", refused[i].key);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, want) == err && strstr(err, help) && strstr(err, "(see 'tracesynth "),
                  "%s: exit %d: %s", cmd, rc, err);
        char txt[720];
        snprintf(txt, sizeof txt, "%s.txt", out);
        CHECK_MSG(!ts_file_exists(out) && !ts_file_exists(txt), "%s: an output written", cmd);
    }
    /* a model file an option names, not there: the run's error */
    snprintf(cmd, sizeof cmd, "generate %s/mdm.tsm -n 2 --length 8 -o %s.txt --ensemble %s/none.tsm", m, out, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "none.tsm"), "exit %d: %s", rc, err);
}

/* score's and train's alike: a model's refusal of its run or training options (a key it
 * does not take, a value out of range, one of a multi-channel model), and train's, bench
 * impute's, bench model's, fill's and bench fill's unknown --model, and a model's name given
 * as the MODEL file of impute, score, generate or tune-prior, are usage errors (2), nothing
 * written; a dataset not there stays the run's (1), as does a model file not there (a
 * --model naming a path) */
static void score_train_option_errors_are_usage(void)
{
    char cmd[4096], err[2048], out[700];
    const char *m = "tests/fixtures/models";
    snprintf(out, sizeof out, "%s/ste.tsm", dir);
    const struct { const char *cmd, *says; } refused[] = {
        {"score %1$s/mdm.tsm --input %1$s/ds --bogus 1", "mdm: option --bogus: not one of its run options"},
        {"score %1$s/mdm.tsm --input %1$s/ds --likelihood foo", "mdm: option --likelihood: 'foo'"},
        {"score %1$s/ngram.tsm --input %1$s/ds --in-window 3", "ngram: option --in-window: score does not take it"},
        {"train --model mdm %1$s/ds -o %2$s --bogus 1", "mdm: option --bogus: not one of its training options"},
        {"train --model mdm %1$s/ds -o %2$s --lr -5", "mdm: option --lr: -5 must be positive"},
        {"train --model ngram %1$s/ds -o %2$s --order 0", "ngram: option --order: 0 out of range"},
        {"train --model mdm-mc %1$s/mcds -o %2$s --prior 1", "mdm-mc: option --prior: not one of its training options"},
        {"train --model nosuch %1$s/ds -o %2$s", "--model: unknown model 'nosuch' (models: ngram, "},
        {"bench impute --model nosuch %1$s/ds --json %2$s", "--model: unknown model 'nosuch' (models: ngram, "},
        {"bench model --model nosuch --sizes 1x8x1 --runs 1", "--model: unknown model 'nosuch' (models: ngram, "},
        /* fill's and bench fill's --model also takes a file: a name that is neither */
        {"fill /nonexistent/trace --model nosuch -o %2$s -q", "--model: unknown model 'nosuch' (models: ngram, "},
        {"bench fill /nonexistent/trace --model nosuch -q", "--model: unknown model 'nosuch' (models: ngram, "},
        /* a model's name where a model file is read: said so, not 'cannot open' */
        {"impute ngram --input %1$s/ds", "MODEL ngram: a model's name, not a model file"},
        {"score mdm --input %1$s/ds", "MODEL mdm: a model's name, not a model file"},
        {"generate sssd-s4 -n 2 -o %2$s", "MODEL sssd-s4: a model's name, not a model file"},
        {"tune-prior mdm %1$s/ds -o %2$s", "MODEL mdm: a model's name, not a model file"},
        {"impute mdm-mc --channels-from %1$s/mcds", "MODEL mdm-mc: a model's name, not a model file"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        snprintf(cmd, sizeof cmd, refused[i].cmd, m, out);
        /* the command's name: its first word, or its first two for bench's */
        const char *end = strchr(refused[i].cmd, ' ');
        if (!strncmp(refused[i].cmd, "bench ", 6)) end = strchr(end + 1, ' ');
        char want[64];
        snprintf(want, sizeof want, "tracesynth %.*s: error: ", (int)(end - refused[i].cmd), refused[i].cmd);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, want) == err && strstr(err, refused[i].says) && strstr(err, "(see 'tracesynth "),
                  "%s: exit %d: %s", cmd, rc, err);
        CHECK_MSG(!ts_file_exists(out), "%s: an output written", cmd);
    }
    snprintf(cmd, sizeof cmd, "score %s/ngram.tsm --input %s/none", m, dir);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err, "%s: exit %d: %s", cmd, rc, err);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/none -o %s", dir, out);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err, "%s: exit %d: %s", cmd, rc, err);
    snprintf(cmd, sizeof cmd, "zcat tests/data/perf_lost.txt.gz | head -200 > %s/lost.txt", dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "fill %s/lost.txt --model %s/none.tsm -o %s -q", dir, dir, out);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "none.tsm"), "%s: exit %d: %s", cmd,
              rc, err);
    CHECK_MSG(!ts_file_exists(out), "%s: an output written", cmd);
}

/* a model (or checkpoint, or constraints) file given where a text input is read (a
 * trace, a window file, a vocabulary) is named as such, not only by its first byte
 * that text cannot hold ("byte 0x01 (a control character) at line 1, column 5") */
static void model_file_where_text_is_read(void)
{
    const char *m = "tests/fixtures/models/ngram.tsm";
    char args[2048], err[1024];
    const char *uses[] = {"ingest --from ids %s -o %s/mt", "ingest --from strace %s -o %s/mt",
                          "ingest --from ftrace %s -o %s/mt", "eval --real %s --synthetic %s/mt.txt", "gaps %s",
                          "impute tests/fixtures/models/ngram.tsm --input %s -o %s/mt",
                          "impute tests/fixtures/models/ngram.tsm --input %s/ds --vocab %s"};
    for (size_t i = 0; i < sizeof uses / sizeof *uses; i++) {
        if (i == 6) snprintf(args, sizeof args, uses[i], dir, m);
        else snprintf(args, sizeof args, uses[i], m, dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "ngram.tsm: ") &&
                  strstr(err, "a tracesynth model, checkpoint or constraints file, not "), "%s: %s", args, err);
    }
}

/* the suite's own rule: a failing command's stderr is one line besides progress bars
 * (run_cli returns 125 and says so otherwise, so that a check on the message fails);
 * warnings before a success and a first line longer than the buffer are not extra lines */
static void errors_are_one_line(void)
{
    const char *saved = getenv("TRACESYNTH");
    char keep[1024] = "", err[64];
    if (saved) snprintf(keep, sizeof keep, "%s", saved);
    setenv("TRACESYNTH", "sh -c 'printf \"tracesynth: error: a\\nmore\\n\" >&2; exit 1' --", 1);
    CHECK_MSG(run_cli("x", err, sizeof err) == 125 && strstr(err, "2 lines") && !strstr(err, "error: a"), "%s", err);
    setenv("TRACESYNTH", "sh -c 'printf \"tracesynth: error: a\\nmore\" >&2; exit 2' --", 1);
    CHECK_MSG(run_cli("x", err, sizeof err) == 125, "%s", err);
    setenv("TRACESYNTH", "sh -c 'printf \"tracesynth: error: one line\\n\" >&2; exit 1' --", 1);
    CHECK_MSG(run_cli("x", err, sizeof err) == 1 && !strcmp(err, "tracesynth: error: one line"), "%s", err);
    setenv("TRACESYNTH", "sh -c 'printf \"w1\\nw2\\n\" >&2; exit 0' --", 1);
    CHECK_MSG(run_cli("x", err, sizeof err) == 0 && !strcmp(err, "w1"), "%s", err);
    /* a progress bar's lines beside the error are not the error's */
    setenv("TRACESYNTH", "sh -c 'printf \"impute [####....] 5/10 1 it/s\\nimpute [########] 10/10 1 it/s\\n"
                         "tracesynth: error: x\\n\" >&2; exit 1' --", 1);
    CHECK_MSG(run_cli("x", err, sizeof err) == 1 && !strcmp(err, "tracesynth: error: x"), "%s", err);
    setenv("TRACESYNTH", "sh -c 'printf \"tracesynth: error: a\\nmore\\n\" >&2; exit 1' --", 1);
    CHECK(run_cli("x", NULL, 0) == 125);
    char small[8];
    setenv("TRACESYNTH", "sh -c 'printf \"tracesynth: error: a long line\\n\" >&2; exit 1' --", 1);
    CHECK_MSG(run_cli("x", small, sizeof small) == 1 && !strcmp(small, "tracesy"), "%s", small);
    if (saved) setenv("TRACESYNTH", keep, 1);
    else unsetenv("TRACESYNTH");
}

/* an empty argument names no file: a usage error naming the argument, for each command,
 * not the path "" opened (": cannot open") */
static void empty_argument_named(void)
{
    char args[2048], err[512];
    const char *const cases[][2] = {
        {"train --model ngram ''", "an empty DATASET"},
        {"impute '' --input tests/fixtures/models/ds", "an empty MODEL"},
        {"score '' --input tests/fixtures/models/ds", "an empty MODEL"},
        {"generate '' -n 2 --length 5 -o OUT", "an empty MODEL"},
        {"tune-prior '' tests/fixtures/models/ds -o OUT", "an empty MODEL"},
        {"tune-prior tests/fixtures/models/mdm.tsm '' -o OUT", "an empty DATASET"},
        {"split '' --length 10 -o OUT", "an empty DATASET"},
        {"ingest --from ids '' -o OUT", "an empty INPUT"},
        {"gaps ''", "an empty TRACE"},
        {"drop '' -o OUT", "an empty TRACE"},
        {"fill '' -o OUT", "an empty TRACE"},
        {"constraints '' -o OUT", "an empty DATASET"},
        {"markov '' -n 10 -o OUT", "an empty DATASET"},
        {"export '' -o OUT", "an empty DATASET"},
        {"repair '' --constraints C -o OUT", "an empty SYNTHETIC"},
        {"bench impute --model ngram ''", "an empty DATASET"},
        {"bench fill ''", "an empty TRACE"},
    };
    char out[512];
    snprintf(out, sizeof out, "%s/empty-out", dir);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char c[1024], *o = strstr(strcpy(c, cases[i][0]), "OUT");
        if (o) snprintf(o, sizeof c - (size_t)(o - c), "%s", out);
        snprintf(args, sizeof args, "%s", c);
        CHECK_MSG(cli_refuses(args, 2, cases[i][1], out, err, sizeof err) && strstr(err, "('')"), "%s: %s", args,
                  err);
    }
}

/* a device whose bytes never end (/dev/zero, /dev/urandom) where a file is read is refused
 * at once in one line naming it, not read into memory until the process is killed;
 * /dev/null reads as an empty file, as before */
static void endless_device_refused(void)
{
    const char *saved = getenv("TRACESYNTH");
    char keep[1024], bin[1200], args[2048], err[512];
    snprintf(keep, sizeof keep, "%s", saved ? saved : "build/tracesynth");
    snprintf(bin, sizeof bin, "timeout 60 %s", keep);   /* a read that never ends: 124, not a hung test */
    setenv("TRACESYNTH", bin, 1);
    char out[512];
    snprintf(out, sizeof out, "%s/endless-out", dir);
    const char *const devs[] = {"/dev/zero", "/dev/urandom"};
    for (int i = 0; i < 2; i++) {
        const char *const cmds[] = {"score tests/fixtures/models/ngram.tsm --input %s",
                                    "ingest --from ids %s -o %s",
                                    "ingest --from strace %s -o %s",
                                    "eval --real tests/fixtures/models/ds --synthetic %s"};
        for (int c = 0; c < 4; c++) {
            snprintf(args, sizeof args, cmds[c], devs[i], out);
            char want[64];
            snprintf(want, sizeof want, "%s: a device", devs[i]);
            CHECK_MSG(cli_refuses(args, 1, want, out, err, sizeof err), "%s: %s", args, err);
        }
    }
    snprintf(args, sizeof args, "score tests/fixtures/models/ngram.tsm --input /dev/null");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "/dev/null: no windows"), "%s", err);
    setenv("TRACESYNTH", keep, 1);
    if (!saved) unsetenv("TRACESYNTH");
}

/* an output among a CTF trace's files (a folder that holds one, a file in its folder) is
 * refused before the work, the trace left as it was: babeltrace2 reads every file there as
 * one of its streams, and it would no longer open. A folder inside it is not among them */
static void outputs_kept_out_of_traces(void)
{
    char tr[512], args[2048], err[1024];
    for (int packets = 0; packets < 2; packets++) {
        snprintf(tr, sizeof tr, "%s/trace%d", dir, packets);
        REQUIRE(mkdir(tr, 0755) == 0);
        char p[600];
        snprintf(p, sizeof p, "%s/metadata", tr);
        FILE *f = fopen(p, "wb");
        REQUIRE(f);
        fputs(packets ? "\x57\x1d\xd1\x75 packets" : "/* CTF 1.8 */\ntrace { major = 1; minor = 8; };\n", f);
        fclose(f);
        snprintf(p, sizeof p, "%s/channel0_0", tr);
        write_text(p, "stream\n");
        const char *const folders[] = {"ingest --from ids tests/fixtures/models/ds/stream.txt -o %s",
                                       "split tests/fixtures/models/ds --length 10 -o %s",
                                       "impute tests/fixtures/models/ngram.tsm --input tests/fixtures/models/ds -o %s",
                                       "markov tests/fixtures/models/mcds -n 10 -o %s"};
        for (int i = 0; i < 4; i++) {
            snprintf(args, sizeof args, folders[i], tr);
            CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, ": holds a CTF trace") && strstr(err, tr),
                      "%s: %s", args, err);
        }
        const char *const files[] = {"train --model ngram tests/fixtures/models/ds -o %s/m.tsm",
                                     "generate tests/fixtures/models/ngram.tsm -n 2 --length 5 -o %s/g",
                                     "constraints tests/fixtures/models/mcds -o %s/c"};
        for (int i = 0; i < 3; i++) {
            snprintf(args, sizeof args, files[i], tr);
            CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "in the folder of the CTF trace"), "%s: %s",
                      args, err);
        }
        CHECK_MSG(count_dir(tr) == 2, "%s: %d entries", tr, count_dir(tr));
        snprintf(args, sizeof args, "ingest --from ids tests/fixtures/models/ds/stream.txt -o %s/ds", tr);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    }
}

/* inputs from a pipe or FIFO are read once: --input /dev/stdin with data piped in and
 * --input FIFO give what the file gives (a window file and a .npy); a model file from a
 * pipe is refused in one line, not read as empty or waited on */
static void inputs_from_pipes(void)
{
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[4096], out[3][2048], path[600];
    snprintf(path, sizeof path, "%s/eqp.npy", dir);
    snprintf(cmd, sizeof cmd, "generate %s/eq.tsm -n 3 --length 20 -o %s/eqp --format both", dir, dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    const char *ext[2] = {"npy", "txt"};
    for (int e = 0; e < 2; e++) {
        snprintf(cmd, sizeof cmd, "score %s/eq.tsm --input %s/eqp.%s --no-progress", dir, dir, ext[e]);
        REQUIRE(run_stdout(cmd, out[0], sizeof out[0]) == 0);
        char *t = strstr(out[0], " (");   /* the time differs */
        REQUIRE(t);
        *t = 0;
        snprintf(cmd, sizeof cmd, "cat %s/eqp.%s | timeout 60 %s score %s/eq.tsm --input /dev/stdin --no-progress "
                 ">%s/pipe.out 2>&1", dir, ext[e], bin, dir, dir);
        int rc = system(cmd);
        snprintf(path, sizeof path, "%s/fifo", dir);
        unlink(path);
        REQUIRE(mkfifo(path, 0600) == 0);
        snprintf(cmd, sizeof cmd, "(cat %s/eqp.%s > %s &); timeout 60 %s score %s/eq.tsm --input %s --no-progress "
                 ">%s/fifo.out 2>&1", dir, ext[e], path, bin, dir, path, dir);
        int rc2 = system(cmd);
        const char *outs[2] = {"pipe.out", "fifo.out"};
        for (int k = 0; k < 2; k++) {
            snprintf(path, sizeof path, "%s/%s", dir, outs[k]);
            FILE *f = fopen(path, "r");
            out[1 + k][0] = 0;
            if (f) out[1 + k][fread(out[1 + k], 1, sizeof out[1 + k] - 1, f)] = 0, fclose(f);
        }
        CHECK_MSG(rc == 0 && strstr(out[1], out[0]), "%s from a pipe: %s (the file: %s)", ext[e], out[1], out[0]);
        CHECK_MSG(rc2 == 0 && strstr(out[2], out[0]), "%s from a FIFO: %s (the file: %s)", ext[e], out[2], out[0]);
    }
    snprintf(cmd, sizeof cmd, "cat %s/eq.tsm | timeout 60 %s generate /dev/stdin -n 1 --length 5 -o %s/pg "
             "--no-progress >/dev/null 2>%s/pipe.out", dir, bin, dir, dir);
    int rc = system(cmd);
    snprintf(path, sizeof path, "%s/pipe.out", dir);
    FILE *f = fopen(path, "r");
    out[1][0] = 0;
    if (f) out[1][fread(out[1], 1, sizeof out[1] - 1, f)] = 0, fclose(f);
    CHECK_MSG(WIFEXITED(rc) && WEXITSTATUS(rc) == 1 &&
                  !strcmp(out[1], "tracesynth: error: /dev/stdin: not a regular file (a pipe?): model, checkpoint "
                                  "and constraints files are read from files\n"), "%s", out[1]);
}

/* --input - (score, impute) and --vocab - are standard input, read once as ingest reads
 * its INPUT of -: what the file gives, its errors naming standard input; one stream is
 * not two inputs */
static void inputs_dash_stdin(void)
{
    char cmd[4096], want[2048], got[2048], err[512];
    snprintf(cmd, sizeof cmd, "generate %s/eq.tsm -n 3 --length 20 -o %s/eqd --no-progress", dir, dir);
    REQUIRE(run_cli(cmd, NULL, 0) == 0);
    const char *uses[2] = {"score %s/eq.tsm --input %s --no-progress",
                           "impute %s/eq.tsm --input %s --blackout 4 --threads 1 --no-progress"};
    for (int u = 0; u < 2; u++) {
        char file[600], use[1024];
        snprintf(file, sizeof file, "%s/eqd.txt", dir);
        snprintf(use, sizeof use, uses[u], dir, file);
        REQUIRE(run_stdout(use, want, sizeof want) == 0);
        char *t = strstr(want, u ? "  (" : " (");   /* the time differs (score's, impute's at its end) */
        if (t) *t = 0;
        snprintf(use, sizeof use, uses[u], dir, "-");
        snprintf(cmd, sizeof cmd, "%s < %s", use, file);
        CHECK_MSG(run_stdout(cmd, got, sizeof got) == 0 && strstr(got, want), "%s: %s (the file: %s)", use, got, want);
        char note[512];   /* its notes name it too */
        snprintf(cmd, sizeof cmd, "%s --input - --threads 1 < tests/fixtures/models/input.txt",
                 u ? "impute tests/fixtures/models/ngram.tsm" : "score tests/fixtures/models/ngram.tsm");
        CHECK_MSG(run_cli(cmd, note, sizeof note) == 0 && strstr(note, "standard input has no vocab.tsv") &&
                      !strstr(note, "/dev/stdin"), "%s: %s", cmd, note);
        /* ... by its other names too: a stream has no vocab.tsv beside it, whatever it is called */
        const char *names[] = {"/dev/stdin", "/dev/fd/0"};
        for (int k = 0; k < 2; k++) {
            snprintf(cmd, sizeof cmd, "%s --input %s --threads 1 < tests/fixtures/models/input.txt",
                     u ? "impute tests/fixtures/models/ngram.tsm" : "score tests/fixtures/models/ngram.tsm", names[k]);
            CHECK_MSG(run_cli(cmd, note, sizeof note) == 0 && strstr(note, "standard input has no vocab.tsv") &&
                          !strstr(note, names[k]), "%s: %s", cmd, note);
        }
        snprintf(file, sizeof file, "%s/bad.txt", dir);
        write_text(file, "1 x\n");
        snprintf(cmd, sizeof cmd, "%s < %s/bad.txt", use, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input:1: ") &&
                      !strstr(err, "/dev/stdin") && !strstr(err, "-:"), "%s: %s", use, err);
        /* a usage line names it so too */
        snprintf(cmd, sizeof cmd, "%s --length 30 < %s/eqd.txt", use, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "the windows of standard input have 20 events") &&
                      !strstr(err, "/dev/stdin"), "%s: %s", use, err);
    }
    snprintf(cmd, sizeof cmd, "score %s/eq.tsm --input - --vocab - < %s/eqd.txt", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--vocab -: standard input is read once"), "%s", err);
    snprintf(cmd, sizeof cmd, "score %s/eq.tsm --input %s/eqd.txt --vocab - < %s/bad.txt", dir, dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "error: standard input:1: "), "%s", err);
    /* a multi-channel model or --channels-from reads a dataset, a directory: '-' refused as
     * other inputs that cannot be standard input are, a usage error, before anything is read */
    const char *mc[2] = {"impute tests/fixtures/models/mdm-mc.tsm --input - --threads 1",
                         "impute tests/fixtures/models/ngram.tsm --channels-from tests/fixtures/models/mcds --input - "
                         "--threads 1"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "%s < %s/eqd.txt", mc[i], dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "impute: error: --input -: ") &&
                      strstr(err, "not standard input"), "%s: %s", mc[i], err);
    }
}

/* after the rename that puts an output in place (a model: its file; a dataset: its stage's
 * files), the folder is synced, so that a power loss cannot bring back the old entry */
static void outputs_folder_synced(void)
{
    if (system("strace -V >/dev/null 2>&1") != 0) SKIP("strace is not installed");
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char cmd[4096], log[600], sub[600];
    snprintf(log, sizeof log, "%s/sync.log", dir);
    snprintf(sub, sizeof sub, "%s/synced", dir);
    REQUIRE(mkdir(sub, 0700) == 0 || errno == EEXIST);
    const char *uses[] = {"ingest --from ids tests/fixtures/models/input.txt -o %s/ds",
                          "train --model unigram tests/fixtures/models/ds -o %s/m.tsm --no-progress"};
    for (int i = 0; i < 2; i++) {
        char use[1024], folder[700];
        snprintf(use, sizeof use, uses[i], sub);
        /* a dataset's files are renamed into it, a model into the folder that holds it */
        snprintf(folder, sizeof folder, i == 0 ? "%s/ds" : "%s", sub);
        snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f -e "
                 "trace=rename,openat,fsync -o '%s' %s %s >/dev/null 2>&1", log, bin, use);
        const int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: exit %d", use, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        /* the last rename into the folder, then the folder opened and synced */
        FILE *f = fopen(log, "r");
        REQUIRE(f);
        char line[2048], into[700], opened[800];
        snprintf(into, sizeof into, "\"%s/", sub);
        snprintf(opened, sizeof opened, "\"%s\", O_RDONLY|O_CLOEXEC|O_DIRECTORY) = ", folder);
        int renamed = 0, fd = -1, synced = 0;
        while (fgets(line, sizeof line, f)) {
            const char *r = strstr(line, "rename(");
            if (r && strstr(r, into) && strstr(line, ") = 0")) renamed = 1, fd = -1, synced = 0;
            const char *o = strstr(line, opened);
            if (renamed && o) fd = atoi(o + strlen(opened));
            char want[32];
            snprintf(want, sizeof want, "fsync(%d)", fd);
            if (renamed && fd >= 0 && strstr(line, want)) synced = 1;
        }
        fclose(f);
        CHECK_MSG(renamed && synced, "%s: renamed %d, the folder synced after %d", use, renamed, synced);
    }
}

/* the paths the traced command looked up in strace's log (each line's first path: the one
 * a call was made on) that lie in src (a folder's path and '/'), but for own (standard
 * input's file, resolved as a path), or in /dev beside /dev/stdin, or anywhere the names
 * of a file named stdin (stdin.names.txt): appended to bad (cap bytes), 1 when any */
static int looked_beside(const char *log, const char *src, const char *own, char *bad, size_t cap)
{
    static const char *const ok[] = {"/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/null", "/dev/urandom",
                                     "/dev/tty"};
    FILE *f = fopen(log, "r");
    if (!f) return 1;
    char line[8192];
    int any = 0;
    while (fgets(line, sizeof line, f)) {
        char *q = strchr(line, '"'), *e = q ? strchr(q + 1, '"') : NULL;
        if (!e) continue;
        *e = 0;
        const char *p = q + 1;
        int hit = (!strncmp(p, src, strlen(src)) && strcmp(p, own)) || strstr(p, "stdin.names.txt");
        if (!hit && !strncmp(p, "/dev/", 5) && strncmp(p, "/dev/shm/", 9) && strncmp(p, "/dev/pts/", 9)) {
            hit = 1;
            for (size_t k = 0; k < sizeof ok / sizeof *ok; k++) hit &= strcmp(p, ok[k]) != 0;
        }
        if (hit && strlen(bad) + strlen(p) + 3 < cap) {
            strcat(bad, " ");
            strcat(bad, p);
        }
        any |= hit;
    }
    fclose(f);
    return any;
}

/* standard input has no file beside it: no names (W.names.txt), vocab.tsv, arch or
 * split.txt is looked for at /dev/stdin's place (/dev/stdin.names.txt, /dev/arch), nor
 * beside the file it was redirected from (a split's split.txt, through realpath); a
 * model that names its events (the fixtures' ngram) looks for the input's names, and
 * finds none there either */
static void stdin_has_no_neighbours(void)
{
    if (system("strace -o /dev/null true 2>/dev/null") != 0) SKIP("strace cannot trace here");
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char src[700], o[700], nb[300], cmd[8192], log[700], err[512];
    snprintf(nb, sizeof nb, "%s/nb", dir);
    snprintf(src, sizeof src, "%s/src/", nb);
    snprintf(o, sizeof o, "%s/o", nb);
    REQUIRE(ts_mkdir_p(src) == 0 && ts_mkdir_p(o) == 0);
    static const char *const files[][2] = {
        {"w.txt", "0,1,2,3\n1,2,3,0\n"}, {"m.txt", "1,0,0,1\n1,0,0,1\n"},
        {"vocab.tsv", "0\tread\t9\n1\twrite\t8\n2\tmmap\t7\n3\tfutex\t6\n"}, {"arch", "x86_64\n"},
        {"w.names.txt", "read write mmap futex\nwrite mmap futex read\n"}, {"testing", "0,1,2,3\n1,2,3,0\n"},
        {"split.txt", "dataset_dir=/nonexistent\nstream_crc=0000000000000001\nlength=4\n"},
    };
    char path[800];
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        snprintf(path, sizeof path, "%s%s", src, files[k][0]);
        write_text(path, files[k][1]);
        if (k < 3) {
            snprintf(path, sizeof path, "%s/%s", o, files[k][0]);
            write_text(path, files[k][1]);
        }
    }
    char *stream = malloc(4 * 300 * 2 + 2), *s = stream;
    for (int i = 0; i < 4 * 300; i++) s += sprintf(s, "%d\n", i % 4);
    snprintf(path, sizeof path, "%s/stream.txt", o);
    write_text(path, stream);
    free(stream);
    snprintf(cmd, sizeof cmd, "ingest --from ids %s/stream.txt -o %s/ds && %s train --model ngram %s/ds --length 4 "
             "-o %s/m.tsm --no-progress", o, nb, bin, nb, nb);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "cp tests/fixtures/models/ngram.tsm %s/named.tsm && cp tests/fixtures/models/input.txt "
             "%sin64.txt", nb, src);
    REQUIRE(system(cmd) == 0);
    /* %1$s: o, %2$s: src, %3$s: nb */
    static const char *const uses[] = {
        "eval --original - --mask %1$s/m.txt --imputed %1$s/w.txt < %2$sw.txt",
        "eval --original %1$s/w.txt --mask %1$s/m.txt --imputed - < %2$sw.txt",
        "eval --original %1$s/w.txt --mask - --imputed %1$s/w.txt < %2$sm.txt",
        "eval --original %1$s/w.txt --mask %1$s/m.txt --imputed %1$s/w.txt --vocab - < %2$svocab.tsv",
        "eval --real - --synthetic %1$s/w.txt < %2$sw.txt",
        "eval --real %1$s/w.txt --synthetic - < %2$sw.txt",
        "score %3$s/m.tsm --input - --no-progress < %2$sw.txt",
        "score %3$s/m.tsm --input - --no-progress < %2$stesting",
        "score %3$s/m.tsm --input %1$s/w.txt --vocab - --no-progress < %2$svocab.tsv",
        "impute %3$s/m.tsm --input - --blackout 2 --threads 1 -o %3$s/imp --no-progress < %2$sw.txt",
        "impute %3$s/named.tsm --input - --threads 1 < %2$sin64.txt",
        "score %3$s/named.tsm --input - --no-progress < %2$sin64.txt",
        "ingest --from ids - -o %3$s/ds2 < %2$sw.txt",
        "markov %3$s/ds --from-events - -o %3$s/mk < %2$sw.txt",
        "audit --train - --test %1$s/w.txt < %2$sw.txt",
    };
    snprintf(log, sizeof log, "%s/strace.log", nb);
    for (size_t u = 0; u < sizeof uses / sizeof *uses; u++) {
        char use[2048], bad[2048] = "";
        snprintf(use, sizeof use, uses[u], o, src, nb);
        /* (LeakSanitizer, of a sanitized build, does not run under ptrace: the leak check left out) */
        snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=%%file "
                 "-o %s %s %s >/dev/null 2>&1", log, bin, use);
        const int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: exit %d", use, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        const char *lt = strrchr(use, '<');
        snprintf(path, sizeof path, "%s", lt ? lt + 2 : "");
        CHECK_MSG(!looked_beside(log, src, path, bad, sizeof bad), "%s: looked up%s", use, bad);
    }
}

/* 1 when help names --key as a whole word ("--key N", "--key, --other") */
static int names_option(const char *help, const char *key)
{
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", key);
    for (const char *p = help; p && (p = strstr(p, opt)); p++) {
        char c = p[strlen(opt)];
        if (!(isalnum((unsigned char)c) || c == '-' || c == '_')) return 1;
    }
    return 0;
}

/* every option key a model declares, single- or multi-channel, is in its help, which train
 * --help prints (a model of the shared loop: the loop's options too) */
static void model_keys_in_help(void)
{
    int n = 0;
    for (int mc = 0; mc < 2; mc++)
        for (size_t i = 0; mc ? ts_mc_model_list()[i] != NULL : ts_model_list()[i] != NULL; i++) {
            const char *name = mc ? ts_mc_model_list()[i]->name : ts_model_list()[i]->name;
            const char *help = mc ? ts_mc_model_list()[i]->help : ts_model_list()[i]->help;
            const char *const *lists[2] = {mc ? ts_mc_model_list()[i]->train_keys : ts_model_list()[i]->train_keys,
                                           mc ? ts_mc_model_list()[i]->run_keys : ts_model_list()[i]->run_keys};
            int loop = 0;   /* a model of the shared loop: each of the loop's options too */
            for (int j = 0; j < 2; j++)
                for (const char *const *k = lists[j]; k && *k; k++) {
                    CHECK_MSG(help && names_option(help, *k), "%s: --%s is not in its help", name, *k);
                    loop |= !strcmp(*k, "valid-every");
                    n++;
                }
            for (const char *const *k = ts_train_keys; loop && *k; k++)
                CHECK_MSG(help && names_option(help, *k), "%s: --%s is not in its help", name, *k);
        }
    CHECK(n >= 3);   /* ngram --order, --fallback; sssd-s4 --samples at least */
    CHECK(names_option("--ab, --a-b", "ab") && !names_option("--ab-c --abc", "ab"));
}

/* markov's output in DATASET's own directory would replace the trace it learns from: refused */
static void markov_keeps_its_dataset(void)
{
    char args[2048], err[512], p[512];
    snprintf(p, sizeof p, "%s/dsmk", dir);
    ts_dataset d;
    memset(&d, 0, sizeof d);
    int32_t ids[600];
    for (int i = 0; i < 600; i++) ids[i] = (i * 5 + i / 7) % 6;
    d.stream = (ts_seq){ids, 600};
    REQUIRE(ts_dataset_save(p, &d) == 0);
    snprintf(args, sizeof args, "markov %s/dsmk -n 50 -o %s/dsmk/", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "dsmk/: the output would replace the dataset "), "%s", err);
    REQUIRE(ts_dataset_load(p, &d) == 0);
    CHECK_MSG(d.stream.n == 600, "%zu events", d.stream.n);
    ts_dataset_free(&d);
    snprintf(args, sizeof args, "markov %s/dsmk -n 50 -o %s/mk50", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 0);
    /* an output directory that cannot be made is refused before the work: the error names
     * it, not the input that was never read */
    snprintf(p, sizeof p, "%s/mkfile", dir);
    write_text(p, "x\n");
    snprintf(args, sizeof args, "markov %s/none -n 50 -o %s/mkfile/sub", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "mkfile/sub: ") && !strstr(err, "none"), "%s", err);
    snprintf(args, sizeof args, "repair %s/none --constraints %s/none.tsc -o %s/mkfile/sub", dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "mkfile/sub: ") && !strstr(err, "none"), "%s", err);
}

/* markov --fractions learns from a longer training part than eval may cut: eval of its
 * set against that dataset at shares whose held-out part holds events the chain was drawn
 * from is refused, naming the set and the event; at markov's shares it is not */
static void markov_learned_part_held_out(void)
{
    char args[2048], err[1024];
    const char *mc = "tests/fixtures/models/mcds";
    const char *mk = "markov %s -n 200 %s -o %s/%s";
    snprintf(args, sizeof args, mk, mc, "--fractions 0.9,0.05,0.05", dir, "mkf9");
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, mk, mc, "", dir, "mkf7");
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    ts_mc m;
    REQUIRE(ts_mc_load(mc, &m) == 0);
    char at[64];
    const int pm9[3] = {900, 50, 50};
    size_t a9, b9;
    ts_split_bounds(m.n, pm9, &a9, &b9);
    snprintf(at, sizeof at, "first %zu events of ", a9);
    ts_mc_free(&m);
    const char *ev = "eval --real %s --synthetic %s/%s --real-part %s %s";
    const struct { const char *set, *part, *opts; int refused; } runs[] = {
        {"mkf9", "test", "", 1}, {"mkf9", "all", "", 1}, {"mkf9", "test", "--fractions 0.9,0.05,0.05", 0},
        {"mkf7", "test", "", 0}, {"mkf7", "test", "--fractions 0.5,0.2,0.3", 1}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        snprintf(args, sizeof args, ev, mc, dir, runs[i].set, runs[i].part, runs[i].opts);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(runs[i].refused ? rc == 1 && strstr(err, runs[i].set) && strstr(err, "markov") &&
                                        (strcmp(runs[i].set, "mkf9") || strstr(err, at))
                                  : rc == 0,
                  "%s: %d %s", args, rc, err);
    }
    /* a record line that is not one (a hand-edited or cut file): an error naming the file
     * and the line, not a set taken as learned from nothing */
    char p[512], text[4096];
    snprintf(p, sizeof p, "%s/mkf7/derived", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    const size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *l2 = strchr(text, '\n');
    REQUIRE(l2 && !strncmp(l2 + 1, "learned from", 12));
    snprintf(l2 + 1, sizeof text - (size_t)(l2 + 1 - text), "learned from the first many events\n");
    write_text(p, text);
    snprintf(args, sizeof args, ev, mc, dir, "mkf7", "test", "");
    const int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "mkf7/derived: line 2: not a record"), "%d %s", rc, err);
}

/* markov --from-events - reads the windows from standard input, as the file gives them,
 * and says it took them from there */
static void markov_events_from_stdin(void)
{
    char args[2048], out[1024], p[512];
    snprintf(p, sizeof p, "%s/mkw.txt", dir);
    write_text(p, "17,8,4,12,1,0\n4,2,1,3,11,0\n");
    snprintf(args, sizeof args, "markov tests/fixtures/models/mcds --from-events - -o %s/mkw < %s", dir, p);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "the events of standard input (2 windows of 6)"),
              "%s", out);
}

/* a dataset of one event: its training part, [0, 0), is empty. train refuses it naming the
 * part; ingest (its names), constraints and markov learn from its first event, and say that
 * the part is empty
 * (they said "first 1 of 1 event" alone, as if the part held it); with 3 events the part
 * [0, 2) holds the 2 they learn from, and no such word */
static void one_event_training_part(void)
{
    char args[2048], out[2048], p[512];
    for (int n = 1; n <= 3; n += 2) {
        snprintf(p, sizeof p, "%s/few%d.log", dir, n);
        write_text(p, n == 1 ? "123 1700000000.000001 read(3, \"\", 1) = 0 <0.000010>\n"
                             : "123 1700000000.000001 read(3, \"\", 1) = 0 <0.000010>\n"
                               "123 1700000000.000101 write(1, \"x\", 1) = 1 <0.000010>\n"
                               "123 1700000000.000201 read(3, \"\", 1) = 0 <0.000010>\n");
        snprintf(args, sizeof args, "ingest --from strace %s -o %s/few%d", p, dir, n);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        CHECK_MSG(n == 1 ? !!strstr(out, "(0 later events have names unseen in the first 70%; the training part [0, 0) "
                                         "of parts 0.7/0.1/0.2 is empty, its first event taken)")
                         : !strstr(out, "empty"), "%s", out);
        snprintf(args, sizeof args, "train %s/few%d --model ngram --length 1 --threads 1 -o %s/few%d.tsm", dir, n, dir,
                 n);
        CHECK_MSG(run_cli(args, out, sizeof out) == 1 &&
                  strstr(out, n == 1 ? "the training part [0, 0) has 0 events" : "the validation part [2, 2) has 0 events"),
                  "%s", out);
        snprintf(args, sizeof args, "constraints %s/few%d -o %s/few%d.tsc", dir, n, dir, n);
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0 &&
                  strstr(out, n == 1 ? "(first 1 of 1 event; the training part [0, 0) of parts 0.7/0.1/0.2 is empty, "
                                       "its first event taken)"
                                     : "(first 2 of 3 events): "), "%s", out);
        snprintf(args, sizeof args, "markov %s/few%d -n 4 -o %s/few%d.mk", dir, n, dir, n);
        char want[600];
        snprintf(want, sizeof want, n == 1 ? "on the first 1 event of %s/few1 (the training part [0, 0) of parts "
                                             "0.7/0.1/0.2 is empty, its first event taken): 4 events"
                                           : "on the first 2 events of %s/few3: 4 events", dir);
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, want), "%s", out);
    }
}

/* impute and score read a dataset's test part alone: 10 events, whose validation part
 * [7, 8) is shorter than a window of 2, have their test part [8, 10) imputed (they were
 * refused for the validation part); one event's test part [0, 1) holds no window of 2,
 * and is named (the training part [0, 0) was); train still needs its validation part */
static void test_part_alone_read(void)
{
    char args[2048], out[2048], p[512], big[512];
    static const char *const calls[3] = {"read", "write", "close"};
    snprintf(p, sizeof p, "%s/tp10.log", dir);
    snprintf(big, sizeof big, "%s/tp300.log", dir);
    FILE *f = fopen(p, "w"), *g = fopen(big, "w");
    REQUIRE(f && g);
    /* tp10: 10 calls from the cycle's fourth on (tp300's first 10 would be the model's
     * training part cut, which impute and score refuse) */
    for (int i = 0; i < 300; i++) {
        const int j = i + 3;
        const char *c = calls[i % 7 == 3 ? 1 : i % 7 == 6 ? 2 : 0], *d = calls[j % 7 == 3 ? 1 : j % 7 == 6 ? 2 : 0];
        if (i < 10) fprintf(f, "1 1700000000.%06d %s(3, \"\", 1) = 0\n", i + 1, d);
        fprintf(g, "1 1700000000.%06d %s(3, \"\", 1) = 0\n", i + 1, c);
    }
    fclose(f);
    fclose(g);
    snprintf(args, sizeof args, "ingest --from strace %s -o %s/tp10", p, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "ingest --from strace %s -o %s/tp300", big, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/tp1.log", dir);
    write_text(p, "1 1700000000.000001 read(3, \"\", 1) = 0\n");
    snprintf(args, sizeof args, "ingest --from strace %s -o %s/tp1", p, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "train --model ngram %s/tp300 --length 2 --threads 1 -o %s/tp.tsm", dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(args, sizeof args, "impute %s/tp.tsm --input %s/tp10 --blackout 1 --threads 1 -o %s/tp10.imp", dir, dir,
             dir);
    CHECK_MSG(run_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(p, sizeof p, "%s/tp10.imp/original0.npy", dir);
    ts_windows w = {0};   /* freed below even when the call fails */
    CHECK(ts_windows_load(p, -1, 0, &w) == 0 && w.n == 500 && w.len == 2);
    ts_windows_free(&w);
    snprintf(args, sizeof args, "score %s/tp.tsm --input %s/tp10 --threads 1", dir, dir);
    CHECK_MSG(run_cli(args, out, sizeof out) == 0, "%s", out);
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, k ? "score %s/tp.tsm --input %s/tp1 --threads 1"
                                      : "impute %s/tp.tsm --input %s/tp1 --blackout 1 --threads 1 -o %s/tp1.imp",
                 dir, dir, dir);
        CHECK_MSG(run_cli(args, out, sizeof out) == 1 &&
                  strstr(out, "tp1: the test part [0, 1) has 1 event, fewer than the window length 2") &&
                  !strstr(out, "training"), "%s", out);
    }
    snprintf(args, sizeof args, "train --model ngram %s/tp10 --length 2 --threads 1 -o %s/tp10.tsm", dir, dir);
    CHECK_MSG(run_cli(args, out, sizeof out) == 1 && strstr(out, "the validation part [7, 8) has 1 event"), "%s", out);
}

/* bench impute --json over a file the dataset is read from would replace its data */
static void bench_json_keeps_its_dataset(void)
{
    char args[2048], err[512], p[512], q[512];
    snprintf(p, sizeof p, "%s/dsbj", dir);
    REQUIRE(save_motif_dataset(p, 1500) == 0);
    snprintf(q, sizeof q, "%s/dsbj/sequence_length_40", dir);
    REQUIRE(mkdir(q, 0755) == 0);
    snprintf(q, sizeof q, "%s/dsbj/sequence_length_40/testing", dir);
    FILE *f = fopen(q, "w");
    REQUIRE(f);
    fputs("1 2 3\n", f);
    fclose(f);
    const char *own[] = {"stream.txt", "vocab.tsv", "sequence_length_40/testing", "./sequence_length_40/../stream.txt"};
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s --lengths 40 --blackouts 1 --positions center "
                 "--json %s/%s", p, p, own[i]);
        char want[700];
        snprintf(want, sizeof want, ": a file of the dataset %s that this command reads", p);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want) && strstr(err, "--json ") &&
                      strstr(err, "give another FILE"), "--json %s: %s", own[i], err);
    }
    ts_dataset d;
    REQUIRE(ts_dataset_load(p, &d) == 0);
    CHECK_MSG(d.stream.n == 1500 && d.vocab.n > 0, "%zu events, %d names", d.stream.n, d.vocab.n);
    ts_dataset_free(&d);
    /* a file beside them is the dataset's no more than one elsewhere (and may be rewritten) */
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s --lengths 40 --blackouts 1 --positions center "
                 "--json %s/bench.json", p, p);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    }
}

/* --json FILE that cannot be written (a directory, a path under a file) is refused before
 * the grid is run, as the outputs of the other commands are, not after it */
static void bench_json_checked_first(void)
{
    char args[2048], out[8192], p[512], file[512];
    snprintf(p, sizeof p, "%s/dsbc", dir);
    REQUIRE(save_motif_dataset(p, 1500) == 0);
    snprintf(file, sizeof file, "%s/plain.txt", dir);
    write_text(file, "x\n");
    const char *bad[] = {"", "/plain.txt/sub.json"};   /* the folder itself; under a file */
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s --lengths 40 --blackouts 1 --positions center "
                 "--no-progress --json %s%s", p, dir, bad[i]);
        const int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 1 && strstr(out, "tracesynth: error: ") == out && !strstr(out, "accuracy") &&
                      strchr(out, '\n') == strrchr(out, '\n'), "--json %s%s: exit %d: %s", dir, bad[i], rc, out);
    }
}

/* export's text and constraints' file over a file the dataset is read from would
 * replace its data */
static void export_constraints_keep_their_dataset(void)
{
    char args[2048], err[512], p[512];
    snprintf(p, sizeof p, "%s/dsec", dir);
    REQUIRE(save_motif_dataset(p, 1500) == 0);
    const char *cmds[] = {"export %s -o %s/%s", "constraints %s -o %s/%s"};
    const char *own[] = {"stream.txt", "vocab.tsv", "./stream.txt", "dt.npy"};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 4; i++) {
            snprintf(args, sizeof args, cmds[c], p, p, own[i]);
            char want[700];
            snprintf(want, sizeof want, "%s: a file of the dataset %s that this command reads", own[i], p);
            CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want) && strstr(err, "which -o ") &&
                          strstr(err, i < 3 ? " would write over; " : " (not there yet: the next load of the dataset "
                                                                      "would read it), which -o "),
                      "%s: %s", args, err);
        }
    ts_dataset d;
    REQUIRE(ts_dataset_load(p, &d) == 0);
    CHECK_MSG(d.stream.n == 1500 && d.vocab.n > 0, "%zu events, %d names", d.stream.n, d.vocab.n);
    ts_dataset_free(&d);
    char dt[600];
    snprintf(dt, sizeof dt, "%s/dt.npy", p);
    CHECK(!ts_file_exists(dt));
    /* a file beside them is written */
    for (int c = 0; c < 2; c++) {
        snprintf(args, sizeof args, cmds[c], p, p, c ? "c.tsc" : "e.txt");
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
    }
}

/* train's model file or log over a file its data is read from (the dataset's, an
 * --also dataset's) would replace or grow that data */
static void train_keeps_its_datasets(void)
{
    char args[2048], err[512], p[512];
    const char *sets[] = {"dstr", "dstra"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, sets[i]);
        REQUIRE(save_motif_dataset(p, 1500) == 0);
    }
    const char *bad[] = {"-o %s/dstr/stream.txt", "-o %s/dstra/vocab.tsv", "--log %s/dstr/stream.txt -o x.tsm",
                         "--log %s/dstra/./stream.txt -o x.tsm"};
    for (int i = 0; i < 4; i++) {
        char o[600];
        snprintf(o, sizeof o, bad[i], dir);
        snprintf(args, sizeof args, "train --model ngram %s/dstr --also %s/dstra --length 40 %s", dir, dir, o);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, ": a file of the dataset ") &&
                      strstr(err, " that this command reads, which ") && strstr(err, "would write over; give another FILE"),
                  "%s: %s", o, err);
    }
    for (int i = 0; i < 2; i++) {
        ts_dataset d;
        snprintf(p, sizeof p, "%s/%s", dir, sets[i]);
        REQUIRE(ts_dataset_load(p, &d) == 0);
        CHECK_MSG(d.stream.n == 1500 && d.vocab.n > 0, "%s: %zu events, %d names", p, d.stream.n, d.vocab.n);
        ts_dataset_free(&d);
    }
    snprintf(args, sizeof args, "train --model ngram %s/dstr --also %s/dstra --length 40 -o %s/dstr/ng.tsm "
             "--log %s/dstr/log.jsonl", dir, dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    /* a file the dataset does not have yet, under a name its loader reads */
    const char *absent[] = {"time_ns.npy", "dt.npy", "arch", "cpu.npy"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/dstr/%s", dir, absent[i]);
        REQUIRE(!ts_file_exists(p));
        snprintf(args, sizeof args, "train --model ngram %s/dstr --length 40 -o %s/x.tsm --log %s", dir, dir, p);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "that this command reads (not there yet: the next "
                                                                    "load of the dataset would read it)") &&
                      strstr(err, "--log ") && !ts_file_exists(p), "%s: %s", absent[i], err);
    }
    /* the published windows a sequence_length_L folder lacks (--split paper reads them there) */
    snprintf(p, sizeof p, "%s/dstr/sequence_length_40", dir);
    REQUIRE(mkdir(p, 0755) == 0);
    const char *win[] = {"training", "testing"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/dstr/sequence_length_40/%s", dir, win[i]);
        snprintf(args, sizeof args, "train --model ngram %s/dstr --length 40 -o %s/x.tsm --log %s", dir, dir, p);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "that this command reads (not there yet: the next "
                                                                    "load of the dataset would read it)") &&
                      !ts_file_exists(p), "%s: %s", win[i], err);
    }
    /* the log over the model or its checkpoint: the model, written whole, would drop it */
    const char *over[] = {"%s/m.tsm", "%s/./m.tsm.ckpt"};
    for (int i = 0; i < 2; i++) {
        char lg[600];
        snprintf(lg, sizeof lg, over[i], dir);
        snprintf(args, sizeof args, "train --model ngram %s/dstr --length 40 -o %s/m.tsm --log %s", dir, dir, lg);
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "the log would be written over the model"), "%s: %s",
                  lg, err);
    }
}

static void bad_usage(void)
{
    char args[2048], err[512];
    snprintf(args, sizeof args, "train --model gru %s/ds", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "unknown model 'gru'") && strstr(err, "ngram") && strstr(err, "mdm-mc") && strstr(err, "ddpm-mc"), "%s", err);
    snprintf(args, sizeof args, "train --model ngram %s/ds --depth 3", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);   /* the model's refusal of an option: a usage error */
    CHECK(strstr(err, "--depth") != NULL);
    snprintf(args, sizeof args, "train --model ngram %s/ds --order 0", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--order") != NULL);
    snprintf(args, sizeof args, "train --model ngram %s/ds --resume %s/ng.tsm", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);   /* one it does not take */
    CHECK(strstr(err, "--resume") != NULL);
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 6x", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--length") && strstr(err, "6x"));
    snprintf(args, sizeof args, "train --model ngram %s/ds --split leaky", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "leaky") != NULL);
    CHECK(run_cli("train --model ngram /nonexistent/ds", err, sizeof err) == 1);
    CHECK(strstr(err, "/nonexistent/ds") != NULL);
    CHECK(run_cli("train /tmp", err, sizeof err) == 2);
    CHECK(strstr(err, "--model") != NULL);
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 5000", dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK(strstr(err, "window length") != NULL);

    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --blackout 0", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--blackout") != NULL);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --length 60 --blackout 61", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --position middle", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "middle") != NULL);
    snprintf(args, sizeof args, "impute %s/ds/stream.txt --input %s/ds", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK(strstr(err, "stream.txt") && strstr(err, "not a tracesynth model"));
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/missing.txt", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK(strstr(err, "missing.txt") != NULL);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/ds --length 60 --windows 40 --temperature 2", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);   /* the model's refusal of a run option: a usage error */
    CHECK(strstr(err, "--temperature") != NULL);

    char wf[512];
    snprintf(wf, sizeof wf, "%s/bad.txt", dir);
    write_text(wf, "0,1,2,3\n0,99,1,2\n");
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --blackout 1", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK(strstr(err, "bad.txt: window 1, position 1: event ID 99") != NULL);
    /* score names the file too; a hidden position is checked as an observed one */
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "bad.txt: window 1, position 1: event ID 99") != NULL, "%s", err);
    /* a likelihood takes no seed and no sampling steps: refused by score, not given to the model */
    const char *unread[] = {"--seed 3", "--steps=4"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "score %s/ng.tsm --input %s/ds %s", dir, dir, unread[i]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "tracesynth score: error: --s") &&
                      strstr(err, "a likelihood draws nothing"), "%s: %s", unread[i], err);
    }
    char help[8192];
    CHECK(run_stdout("score --help", help, sizeof help) == 0 && !strstr(help, "--seed") && !strstr(help, "--steps"));
    /* --batch sizes the chain likelihood's batches only */
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/ds --batch 8", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--batch: only mdm's --likelihood chain reads it (ngram's likelihood does not)"), "%s", err);
    /* the n-gram's run option fills blackouts: refused by its likelihood, not ignored */
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/ds --in-window 3", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "ngram: option --in-window: score does not take it") != NULL, "%s", err);
    write_text(wf, "0,1,2,3\n0,1,99,2\n");
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --blackout 1", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "bad.txt: window 1, position 2: event ID 99") != NULL, "%s", err);
    /* a .npy of integer IDs past the model's: the same error, not clamped onto its last ID */
    int32_t ids[8] = {0, 1, 2, 3, 0, 1, 99, 2};
    size_t shape[2] = {2, 4};
    snprintf(wf, sizeof wf, "%s/bad.npy", dir);
    REQUIRE(ts_npy_write(wf, TS_NPY_I32, ids, 2, shape) == 0);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --blackout 1", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "bad.npy: window 1, position 2: event ID 99") != NULL, "%s", err);
    /* float32 IDs: rounded, negatives to 0, and one past the model's range the same error
     * (not clamped onto its last ID), as impute's and score's help say */
    float reals[8] = {0, 1, 2, 3, -0.3f, 1, 98.6f, 2};
    REQUIRE(ts_npy_write(wf, TS_NPY_F32, reals, 2, shape) == 0);
    for (int k = 0; k < 2; k++) {
        const char *cmd = k ? "score" : "impute";
        snprintf(args, sizeof args, "%s %s/ng.tsm --input %s%s", cmd, dir, wf, k ? "" : " --blackout 1");
        CHECK(run_cli(args, err, sizeof err) == 1);
        CHECK_MSG(strstr(err, "bad.npy: window 1, position 2: event ID 99") != NULL, "%s: %s", cmd, err);
        char usage[16384];
        snprintf(args, sizeof args, "%s --help", cmd);
        CHECK(run_stdout(args, usage, sizeof usage) == 0);
        CHECK_MSG(strstr(usage, "float32: rounded to the nearest ID, negatives") &&
                  strstr(usage, "the model's IDs is an error") && !strstr(usage, "clamped"), "%s --help", cmd);
        CHECK_MSG(strstr(usage, "NaN and infinities"), "%s --help", cmd);
    }
    /* a float32 that is no number (inf, -inf, NaN): an error naming window and position, as
     * one past the model's IDs; -inf is not read as 0 as negatives are */
    const float odd[3] = {INFINITY, -INFINITY, NAN};
    const char *odd_name[3] = {"inf", "-inf", "nan"};
    for (int j = 0; j < 3; j++) {
        float v[8] = {0, 1, 2, 0, 1, 0, 2, 1};
        v[4 + 3] = odd[j];
        REQUIRE(ts_npy_write(wf, TS_NPY_F32, v, 2, shape) == 0);
        for (int k = 0; k < 2; k++) {
            const char *cmd = k ? "score" : "impute";
            snprintf(args, sizeof args, "%s %s/ng.tsm --input %s%s", cmd, dir, wf, k ? "" : " --blackout 1");
            CHECK_MSG(run_cli(args, err, sizeof err) == 1, "%s %s", cmd, odd_name[j]);
            char want[96];
            snprintf(want, sizeof want, "bad.npy: window 1, position 3: value %s is no event ID", odd_name[j]);
            const char *nl = strchr(err, '\n');
            CHECK_MSG(strstr(err, want) && !strstr(err, "2147483646") && (!nl || !nl[1]),
                      "%s %s: %s", cmd, odd_name[j], err);
        }
    }

    /* windows of one event: '1 event' in the errors on their length */
    snprintf(wf, sizeof wf, "%s/one.names.txt", dir);   /* an earlier generate's, not these windows' names */
    remove(wf);
    snprintf(wf, sizeof wf, "%s/one.txt", dir);
    write_text(wf, "0\n1\n");
    /* a --blackout valid on its face longer than a file's own windows: the data's error (exit 1),
     * naming the file, as train's and a multi-channel set's */
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --blackout 2", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "one.txt: --blackout 2 is longer than its windows (1 event)") && !strstr(err, "(see "), "%s",
              err);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s --length 2", dir, wf);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "one.txt have 1 event (see"), "%s", err);

    /* a truncated model */
    char p[512], q[512];
    snprintf(p, sizeof p, "%s/ng.tsm", dir);
    snprintf(q, sizeof q, "%s/cut.tsm", dir);
    FILE *f = fopen(p, "rb"), *g = fopen(q, "wb");
    REQUIRE(f && g);
    for (int i = 0; i < 100; i++) { int c = fgetc(f); if (c == EOF) break; fputc(c, g); }
    fclose(f);
    fclose(g);
    snprintf(args, sizeof args, "generate %s -n 2 --length 10 -o %s/x", q, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK(strstr(err, "cut.tsm") && strstr(err, "truncated or corrupt"));

    snprintf(args, sizeof args, "generate %s/ng.tsm -n 2 -o %s/x", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--length") != NULL);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 2 --length 10 -o %s/x --format csv", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "csv") != NULL);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n -3 --length 10 -o %s/x", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);

    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40,x", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(strstr(err, "--lengths") != NULL);
    /* an empty item is an error, not skipped */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40,,60", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--lengths: '40,,60': an empty item") != NULL, "%s", err);
    /* a value given twice is an error, not a second training and a second cell */
    const char *twice[][2] = {{"--lengths 40,60,40", "--lengths: '40,60,40': 40 twice"},
                              {"--blackouts 5,05", "--blackouts: '5,05': 5 twice"},
                              {"--positions end,center,end", "--positions: 'end,center,end': end twice"}};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s/ds %s", dir, twice[i][0]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, twice[i][1]), "%s: %s", twice[i][0], err);
    }
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 50", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--blackouts: blackout 50 is longer than the window length 40") != NULL, "%s", err);
    /* the training blackout (10 by default) of a model that draws blackouts is named as such */
    snprintf(args, sizeof args, "bench impute --model sssd-s4 %s/ds --lengths 5 --blackouts 1", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--train-blackout 10 is longer than the window length 5") != NULL, "%s", err);
    /* an option the model refuses is the same for every dataset: refused once, in one line,
     * not once per dataset after its training (unknown ones before any dataset is read) */
    const char *refused[][2] = {{"--nosuch 3", "bench impute: error: ngram: option --nosuch: not one of its training"},
                                {"--order 0", "bench impute: error: ngram: option --order: 0 out of range"},
                                {"--steps 3", "bench impute: error: ngram: option --steps: it fills each window"}};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s/ds %s/ds-copy --lengths 40 --blackouts 5 --windows 20 "
                 "--no-progress %s", dir, dir, refused[i][0]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, refused[i][1]), "%s: %s", refused[i][0], err);
    }
    /* position all hides whole windows: no cell of the grid's blackout sizes is that */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 1,5 --positions center,all "
             "--windows 20 --no-progress", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--positions: all hides every event"), "%s", err);
    snprintf(args, sizeof args, "bench impute --model ngram %s/nosuch-ds --lengths 40 --blackouts 5 --nosuch 3", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "option --nosuch"), "%s", err);
    CHECK(run_cli("bench impute --model ngram --datasets-root /nonexistent", err, sizeof err) == 1);
    CHECK(strstr(err, "/nonexistent") != NULL);

    char out[65536];   /* all of train --help (its models after its options) */
    /* one name for the blackout position in train and impute; the old one still works */
    const char *tiny = "--layers 1 --channels 4 --state 4 --iters 1 --T 3 --valid-n 2 --no-progress --threads 1";
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 10 --position end %s -o %s/pos.tsm",
             dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 10 --mask-position end %s "
             "-o %s/pos.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    CHECK(strstr(err, "--mask-position is now --position") != NULL);
    /* a rate far too high: the validation loss never comes below that of a network that
     * learned nothing (the noise's mean square, 1) and does not become NaN; the run ends
     * with a note saying so, not with "trained" alone */
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 20 --layers 1 --channels 4 --state 4 "
             "--T 20 --iters 4 --valid-every 1 --lr 1e3 --no-progress --threads 1 -o %s/astray.tsm", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0 && strstr(err, "tracesynth: note: train: sssd-s4: the best validation "
              "loss") && strstr(err, "is no lower than 1, that of a network that learned nothing") &&
              strstr(err, "--lr below 1000"), "%s", err);
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 10 %s -o %s/pos.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0 && !strstr(err, "note"), "%s", err);
    /* --iters 0 trains nothing: the model kept is the network as initialized, said in a
     * note, not "trained" alone */
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 10 --layers 1 --channels 4 --state 4 "
             "--T 3 --valid-n 2 --iters 0 --no-progress --threads 1 -o %s/none.tsm", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0 && strstr(err, "tracesynth: note: train: sssd-s4: no iteration "
              "(--iters 0): the model kept is the network as initialized, untrained"), "%s", err);
    snprintf(args, sizeof args, "train --model unigram %s/ds --length 40 --position middle", dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK(run_stdout("train --help", out, sizeof out) == 0);
    CHECK(strstr(out, "--position P") != NULL);
    CHECK(strstr(out, "ngram") && strstr(out, "unigram") && strstr(out, "--order"));
    CHECK(run_stdout("impute --help", out, sizeof out) == 0);
    CHECK(run_stdout("generate --help", out, sizeof out) == 0);
    /* -o says what OUT is with --channels-from too (a dataset directory), not only for a
     * multi-channel model */
    CHECK_MSG(strstr(out, "a multi-channel model, or any with --channels-from: the\n"), "%s", out);
    CHECK(run_stdout("bench impute --help", out, sizeof out) == 0);
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* a failed impute leaves the old original/mask/imputation set whole, not a mix */
/* train refuses the shared options a model's training does not read (they were taken
 * and ignored: an n-gram "trained with --seed 5" was the one of every seed) */
static void train_refuses_unread_options(void)
{
    char args[2048], err[4096];
    static const struct { const char *model, *opt, *name; } no[] = {
        {"ngram", "--seed 5", "--seed"},           {"ngram", "--blackout 3", "--blackout"},
        {"ngram", "--position end", "--position"}, {"ngram", "--precision fp32", "--precision"},
        {"unigram", "--seed 0", "--seed"},         {"unigram", "--position end", "--position"},
        {"mdm", "--blackout 3", "--blackout"},     {"mdm", "--position random", "--position"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        snprintf(args, sizeof args, "train --model %s %s/ds --length 40 --windows 10 %s -o %s/unread.tsm", no[i].model,
                 dir, no[i].opt, dir);
        char want[128];
        snprintf(want, sizeof want, "error: %s: the model %s does not read it", no[i].name, no[i].model);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want), "%s: %s", args, err);
        snprintf(args, sizeof args, "%s/unread.tsm", dir);
        CHECK(!ts_file_exists(args));
    }
    /* windows shorter than the default --blackout (10): no matter to a model that draws
     * no blackouts; sssd-s4, which does, says the blackout is the default one */
    const char *tiny = "--layers 1 --channels 4 --state 4 --iters 1 --valid-n 2 --no-progress --threads 1";
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 5 --windows 10 -o %s/short.tsm", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 5 --windows 10 %s -o %s/short.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 5 --windows 10 --T 3 %s -o %s/short.tsm", dir,
             tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--blackout 10 (the default) is longer than the window (5)"),
              "%s", err);
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 5 --windows 10 --blackout 6 --T 3 %s -o %s/short.tsm",
             dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--blackout 6 is longer than the window (5)"), "%s", err);
    /* those the models read */
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 40 --windows 10 --seed 3 --precision fp32 %s "
             "-o %s/unread.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "train --model sssd-s4 %s/ds --length 40 --windows 10 --seed 3 --blackout 4 "
             "--position random --precision fp32 --T 3 %s -o %s/unread.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
}

/* score --likelihood chain says which mixture with the n-gram it scored: the one tune-prior
 * chose (linear:1, the n-gram alone, printed mdm's bits equal to the n-gram's, unsaid), or
 * --ngram-mix's; the bound says nothing of one, but that it is the bound */
static void score_chain_names_mixture(void)
{
    char args[2048], err[4096], out[4096], mix[64];
    const char *tiny = "--layers 1 --channels 4 --state 4 --iters 1 --valid-n 2 --no-progress --threads 1";
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 40 --windows 10 %s -o %s/chainmix.tsm", dir, tiny, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "%s/chainmix.tsm", dir);
    ts_model *m = NULL;
    REQUIRE(ts_model_load(args, &m) == 0);
    const int chosen = ts_mdm_chain_mixture(m, mix, sizeof mix, NULL, NULL) == 0;
    ts_model_free(m);
    REQUIRE(chosen);
    const char *base = "score %s/chainmix.tsm --input %s/ds --windows 10 --no-progress --threads 1";
    char want[128];
    snprintf(args, sizeof args, base, dir, dir);
    strcat(args, " --likelihood chain");
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(want, sizeof want, "--ngram-mix %s, chosen on validation windows)", mix);
    CHECK_MSG(strstr(out, "bits per event (chain likelihood, ") && strstr(out, want), "%s", out);
    static const char *const given[][2] = {{"none", "the network alone"}, {"linear:0", "the network alone"},
                                           {"linear:1", "the n-gram alone"}, {"linear:0.3", "mixed with the n-gram"},
                                           {"switch:0.05", "mixed with the n-gram"}};
    for (int i = 0; i < 5; i++) {
        snprintf(args, sizeof args, base, dir, dir);
        snprintf(args + strlen(args), sizeof args - strlen(args), " --likelihood chain --ngram-mix %s", given[i][0]);
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        snprintf(want, sizeof want, "(chain likelihood, %s: --ngram-mix %s)", given[i][1], given[i][0]);
        CHECK_MSG(strstr(out, want), "%s: %s", given[i][0], out);
        strcat(args, " --json");
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        snprintf(want, sizeof want, "\"ngram_mix\": \"%s\"", given[i][0]);
        CHECK_MSG(strstr(out, want), "%s: %s", given[i][0], out);
    }
    snprintf(args, sizeof args, base, dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "chain") && !strstr(out, "ngram-mix"), "%s", out);
    /* ... but that it is the bound, not a likelihood to set beside the n-gram's */
    CHECK_MSG(strstr(out, "bits per event (masked-diffusion bound)"), "%s", out);
    strcat(args, " --json");
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"ngram_mix\": null"), "%s", out);
}

/* impute and bench impute refuse --seed and --precision where the model's imputation (and
 * for bench, its training) does not read them: an n-gram imputed "with --seed 5" was the
 * one of every seed; the seed of random positions is read whatever the model */
static void impute_refuses_unread_options(void)
{
    char args[2048], err[4096], out[8192];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 40 --windows 10 -o %s/unread-ng.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model unigram %s/ds --length 40 --windows 10 -o %s/unread-uni.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    static const struct { const char *model, *name, *opt, *flag; } no[] = {
        {"ngram", "ng", "--seed 5", "--seed"},
        {"ngram", "ng", "--seed 0 --position end", "--seed"},
        {"ngram", "ng", "--precision fp32", "--precision"},
        {"ngram", "ng", "--precision fp32 --seed 3 --position random", "--precision"},
        {"unigram", "uni", "--seed 5", "--seed"},
        {"unigram", "uni", "--precision fp32", "--precision"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        snprintf(args, sizeof args, "impute %s/unread-%s.tsm --input %s/ds --length 40 --windows 10 --blackout 4 "
                 "%s -o %s/unread-imp", dir, no[i].name, dir, no[i].opt, dir);
        char want[128];
        snprintf(want, sizeof want, "impute: error: %s: the model %s does not read it", no[i].flag, no[i].model);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want), "%s: %s", args, err);
        snprintf(args, sizeof args, "%s/unread-imp", dir);
        CHECK(!ts_file_exists(args));
    }
    /* random positions: the seed draws them, and two seeds hide different events */
    snprintf(args, sizeof args, "impute %s/unread-ng.tsm --input %s/ds --length 40 --windows 10 --blackout 4 "
             "--position random --seed 1 -o %s/unread-r1", dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "impute %s/unread-ng.tsm --input %s/ds --length 40 --windows 10 --blackout 4 "
             "--position random --seed 2 -o %s/unread-r2", dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    snprintf(args, sizeof args, "cmp -s %s/unread-r1/mask0.npy %s/unread-r2/mask0.npy", dir, dir);
    CHECK(system(args) != 0);
    /* a window hidden whole: the n-gram draws it from its chain, by the seed */
    for (int sd = 1; sd <= 2; sd++) {
        snprintf(args, sizeof args, "impute %s/unread-ng.tsm --input %s/ds --length 40 --windows 10 --position all "
                 "--seed %d -o %s/unread-a%d", dir, dir, sd, dir, sd);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    }
    snprintf(args, sizeof args, "cmp -s %s/unread-a1/imputation0.npy %s/unread-a2/imputation0.npy", dir, dir);
    CHECK(system(args) != 0);
    /* so is one a blackout of the window's length hides (at the center or the end) */
    for (int sd = 1; sd <= 2; sd++) {
        snprintf(args, sizeof args, "impute %s/unread-ng.tsm --input %s/ds --length 40 --windows 10 --blackout 40 "
                 "--position %s --seed %d -o %s/unread-w%d", dir, dir, sd == 1 ? "center" : "end", sd, dir, sd);
        CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    }
    snprintf(args, sizeof args, "cmp -s %s/unread-w1/imputation0.npy %s/unread-w2/imputation0.npy", dir, dir);
    CHECK(system(args) != 0);
    /* but for the kgram fallback, which fills it with its most frequent sequence: the seed
     * read nowhere, but at random positions */
    snprintf(args, sizeof args, "train --model ngram --fallback kgram %s/ds --length 40 --windows 10 -o %s/unread-kg.tsm",
             dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    static const char *const kg[] = {"--position all", "--blackout 40 --position end", "--blackout 4"};
    for (size_t i = 0; i < sizeof kg / sizeof kg[0]; i++) {
        snprintf(args, sizeof args, "impute %s/unread-kg.tsm --input %s/ds --length 40 --windows 10 %s --seed 3 "
                 "-o %s/unread-imp", dir, dir, kg[i], dir);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "impute: error: --seed: the model ngram does not read it") &&
                  strstr(err, "trained with"), "%s: %s", args, err);
        snprintf(args, sizeof args, "%s/unread-imp", dir);
        CHECK(!ts_file_exists(args));
    }
    snprintf(args, sizeof args, "impute %s/unread-kg.tsm --input %s/ds --length 40 --windows 10 --blackout 4 "
             "--position random --seed 3 -o %s/unread-kr", dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    /* bench impute: the training reads neither either */
    static const struct { const char *opt, *flag; } bno[] = {
        {"--seed 5", "--seed"},
        {"--seed 5 --positions center,end", "--seed"},
        {"--precision fp32", "--precision"},
    };
    for (size_t i = 0; i < sizeof bno / sizeof bno[0]; i++) {
        snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 5 --windows 20 "
                 "--no-progress %s", dir, bno[i].opt);
        char want[128];
        snprintf(want, sizeof want, "bench impute: error: %s: the model ngram does not read it", bno[i].flag);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want), "%s: %s", args, err);
    }
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 5 --windows 20 "
             "--no-progress --seed 5 --positions center,random", dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "L=40 random"), "%s", out);
    /* a blackout of the window's length hides it whole: the n-gram draws it by the seed */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 40 --blackouts 5,40 --windows 20 "
             "--no-progress --seed 5", dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "L=40"), "%s", out);
    /* but for the kgram fallback: refused once the model is trained, before any result */
    snprintf(args, sizeof args, "bench impute --model ngram --fallback kgram %s/ds --lengths 40 --blackouts 5,40 "
             "--windows 20 --no-progress --seed 5", dir);
    out[0] = 0;
    CHECK_MSG(run_stdout(args, out, sizeof out) == 2 && !strstr(out, "L=40"), "%s", out);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 &&
              strstr(err, "bench impute: error: --seed: the model ngram does not read it") && strstr(err, "trained with"),
              "%s", err);
    /* from the training options, before any dataset is read: a first one that fails is
     * not said first (the error is the one line) */
    snprintf(args, sizeof args, "%s/kg-short", dir);
    REQUIRE(mkdir(args, 0755) == 0);
    snprintf(args, sizeof args, "%s/kg-short/stream.txt", dir);
    write_text(args, "1,2,3,1,2,3\n");
    snprintf(args, sizeof args, "bench impute --model ngram --fallback kgram %s/kg-short %s/ds --lengths 40 "
             "--blackouts 5,40 --windows 20 --no-progress --seed 5", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 &&
              strstr(err, "bench impute: error: --seed: the model ngram does not read it") && strstr(err, "trained with"),
              "%s", err);
}

/* an OUTDIR that cannot be made is refused before the input is read and imputed: the
 * error is the only line (no note about the test part's repeats before it) */
static void impute_output_checked_first(void)
{
    char args[2048], err[512], p[512];
    /* the test part of ds1800 (split_short_trace's) in windows of 200 holds repeats: a note */
    snprintf(args, sizeof args, "train --model ngram %s/ds1800 --length 200 --fractions 0.6,0.2,0.2 -o %s/ng1800.tsm",
             dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s/ng1800.tsm --input %s/ds1800 --fractions 0.6,0.2,0.2", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0 && strstr(err, "339 of the 500 are repeats"));
    snprintf(p, sizeof p, "%s/ifile", dir);
    write_text(p, "x\n");
    const char *outs[] = {"ifile", "ifile/sub"};
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "impute %s/ng1800.tsm --input %s/ds1800 --fractions 0.6,0.2,0.2 -o %s/%s", dir,
                 dir, dir, outs[i]);
        char want[600];
        snprintf(want, sizeof want, "%s/%s: %s", dir, outs[i],
                 i ? "cannot create directory: " : "not a directory");
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want), "%s: %s", outs[i], err);
    }
}

/* a count of one reads as one: "1 window of 20 events", "1 event -> ..." */
static void counts_of_one(void)
{
    char args[2048], out[4096];
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 1 --length 20 --seed 4 -o %s/one --format both", dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "generated 1 window of 20 events"), "%s", out);
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/one.npy", dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, ": 1 window of 20:"), "%s", out);
    snprintf(args, sizeof args, "impute %s/ng.tsm --input %s/one.npy --blackout 4", dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, ": 1 window of 20, blackout 4"), "%s", out);
    /* a one-call strace log through ingest --channels and export */
    char p[512];
    snprintf(p, sizeof p, "%s/one.log", dir);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    fputs("1700000001.000001 getpid() = 42 <0.000002>\n", f);
    fclose(f);
    snprintf(args, sizeof args, "ingest --from strace %s --channels -o %s/one1", p, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "0 events without a return value") &&
              strstr(out, "1 event, 1 name + <unk> (0 later events have names unseen"), "%s", out);
    snprintf(args, sizeof args, "export %s/one1 -o %s/one1.txt", dir, dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "1 event -> "), "%s", out);
}

/* an OUT that is written in place (standard output, a FIFO) takes the one format there,
 * without an extension and without the names file; the summary goes to stderr */
static void generate_to_a_stream(void)
{
    char args[2048], out[8192], err[512];
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 4 -o /dev/fd/1 --format text", dir);
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s", out);
    int lines = 0;
    for (const char *c = out; *c; c++) lines += *c == '\n';
    CHECK_MSG(lines == 3 && !strstr(out, "generated"), "%s", out);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 4 -o /dev/fd/1 --format text >/dev/null",
             dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0 && strstr(err, "generated 3 windows of 20 events") &&
              strstr(err, "-> /dev/fd/1") && !strstr(err, ".txt"), "%s", err);
    /* the same windows as a file's */
    char p[512];
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 4 -o %s/gs", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(p, sizeof p, "%s/gs.txt", dir);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    char want[8192];
    want[fread(want, 1, sizeof want - 1, f)] = 0;
    fclose(f);
    CHECK_MSG(!strcmp(out, want), "'%s' against '%s'", out, want);
    /* npy there */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o /dev/fd/1 --format npy", dir);
    CHECK(run_stdout(args, out, sizeof out) == 0 && !memcmp(out, "\x93NUMPY", 6));
    /* a FIFO, read by another process */
    snprintf(p, sizeof p, "%s/gfifo", dir);
    REQUIRE(mkfifo(p, 0600) == 0);
    snprintf(args, sizeof args, "cat %s", p);
    FILE *r = popen(args, "r");
    REQUIRE(r);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 4 -o %s", dir, p);
    char said[1024];
    CHECK_MSG(run_output(args, said, sizeof said) == 0 && strstr(said, "generated 3 windows") &&
              strstr(said, "gfifo\n"), "%s", said);
    int wfd = open(p, O_WRONLY | O_NONBLOCK);   /* the reader's end, had nothing opened it */
    if (wfd >= 0) close(wfd);
    out[fread(out, 1, sizeof out - 1, r)] = 0;
    pclose(r);
    CHECK_MSG(!strcmp(out, want), "'%s' against '%s'", out, want);
    snprintf(p, sizeof p, "%s/gfifo.txt", dir);
    CHECK(!ts_file_exists(p));
    snprintf(p, sizeof p, "%s/gfifo.names.txt", dir);
    CHECK(!ts_file_exists(p));
    /* an earlier run's names beside FIFO.txt go: eval would read them as the names of the
     * windows written now (they stayed) */
    snprintf(p, sizeof p, "%s/gf2.txt", dir);
    REQUIRE(mkfifo(p, 0600) == 0);
    char np[600];
    snprintf(np, sizeof np, "%s/gf2.names.txt", dir);
    write_text(np, "a b\nb a\n");
    snprintf(args, sizeof args, "cat %s", p);
    r = popen(args, "r");
    REQUIRE(r);
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 --seed 4 -o %s", dir, p);
    CHECK_MSG(run_output(args, said, sizeof said) == 0 && strstr(said, "(removed ") && strstr(said, "gf2.names.txt"),
              "%s", said);
    wfd = open(p, O_WRONLY | O_NONBLOCK);
    if (wfd >= 0) close(wfd);
    out[fread(out, 1, sizeof out - 1, r)] = 0;
    pclose(r);
    CHECK_MSG(!strcmp(out, want), "'%s' against '%s'", out, want);
    CHECK(!ts_file_exists(np));
    /* two files cannot go to one stream: refused before anything is generated */
    snprintf(args, sizeof args, "generate %s/ng.tsm -n 3 --length 20 -o /dev/fd/1 --format both", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--format both") && strstr(err, "/dev/fd/1"), "%s",
              err);
    /* -o - is standard output, as export's, drop's and fill's '-' is (the summary then on
     * stderr), not files named '-.txt' and '-.names.txt'; a multi-channel model's dataset
     * directory cannot go there: refused in one line, nothing written */
    char bin[4096], cmd[9000], mc[4096];
    const char *env = getenv("TRACESYNTH");
    REQUIRE(realpath(env ? env : "build/tracesynth", bin));
    REQUIRE(realpath("tests/fixtures/models/mdm-mc.tsm", mc));
    snprintf(cmd, sizeof cmd, "cd %s && %s generate ng.tsm -n 3 --length 20 --seed 4 -o - > dash.out 2> dash.err", dir,
             bin);
    CHECK(system(cmd) == 0);
    snprintf(p, sizeof p, "%s/dash.out", dir);
    f = fopen(p, "r");
    REQUIRE(f);
    out[fread(out, 1, sizeof out - 1, f)] = 0;
    fclose(f);
    CHECK_MSG(!strcmp(out, want), "'%s' against '%s'", out, want);
    snprintf(cmd, sizeof cmd, "grep -q 'generated 3 windows of 20 events .* -> standard output$' %s/dash.err", dir);
    CHECK_MSG(system(cmd) == 0, "no summary on stderr");
    const char *dashes[] = {"-", "-.txt", "-.names.txt", "-.npy"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, dashes[i]);
        CHECK_MSG(!ts_file_exists(p), "%s was written", p);
    }
    snprintf(cmd, sizeof cmd, "cd %s && %s generate %s -n 2 --length 5 -o - > dash.out 2> dash.err", dir, bin, mc);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    snprintf(cmd, sizeof cmd, "test $(wc -l < %s/dash.err) = 1 && grep -q 'generate: error: -o -: .*directory' %s/dash.err",
             dir, dir);
    CHECK_MSG(system(cmd) == 0, "not a one-line refusal");
    snprintf(p, sizeof p, "%s/-", dir);
    CHECK_MSG(!ts_file_exists(p), "a directory named '-' was written");
}

static void impute_outputs_as_a_unit(void)
{
    char args[2048], out[8192], p[512], q[512];
    snprintf(args, sizeof args, "train --model ngram %s/ds --length 60 --windows 40 -o %s/ngu.tsm", dir, dir);
    REQUIRE(run_stdout(args, NULL, 0) == 0);
    snprintf(args, sizeof args, "impute %s/ngu.tsm --input %s/ds --length 60 --windows 40 -o %s/unit", dir, dir, dir);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(p, sizeof p, "%s/unit/original0.npy", dir);
    long old_size = file_size(p);
    REQUIRE(old_size > 0);
    /* imputation0.npy cannot be replaced (a directory stands there): the others stay old */
    snprintf(p, sizeof p, "%s/unit/imputation0.npy", dir);
    REQUIRE(unlink(p) == 0 && mkdir(p, 0755) == 0);
    snprintf(q, sizeof q, "%s/unit/imputation0.npy/keep", dir);
    write_text(q, "x");
    char err[512];
    snprintf(args, sizeof args, "impute %s/ngu.tsm --input %s/ds --length 60 --windows 7 -o %s/unit", dir, dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "imputation0.npy: is a directory") != NULL, "%s", err);
    snprintf(p, sizeof p, "%s/unit/original0.npy", dir);
    CHECK(file_size(p) == old_size);
    snprintf(p, sizeof p, "%s/unit/mask0.npy", dir);
    CHECK(file_size(p) == old_size);
    snprintf(p, sizeof p, "%s/unit", dir);
    CHECK(count_dir(p) == 5);   /* no stage left behind: the three and their names (two) */
    unlink(q);
    snprintf(q, sizeof q, "%s/unit/imputation0.npy", dir);
    rmdir(q);
    /* a stage left by a killed run goes with the next one */
    snprintf(q, sizeof q, "%s/unit/.stage.999999999.abcdef", dir);
    REQUIRE(mkdir(q, 0755) == 0);
    snprintf(q, sizeof q, "%s/unit/.stage.999999999.abcdef/original0.npy", dir);
    write_text(q, "x");
    snprintf(q, sizeof q, "%s/unit/.stage.999999999.abcdef", dir);
    REQUIRE(age_path(q) == 0);   /* not one made a moment ago */
    CHECK(run_cli(args, err, sizeof err) == 0);
    CHECK(count_dir(p) == 5);
    snprintf(p, sizeof p, "%s/unit/imputation0.npy", dir);
    CHECK(file_size(p) > 0 && file_size(p) < old_size);
}

/* the runtime settings reach OpenMP, and valgrind runs the program */
static void runtime_env_and_valgrind(void)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char cmd[2048], out[8192], p[512];
    snprintf(p, sizeof p, "%s/env.txt", dir);
    snprintf(cmd, sizeof cmd, "env -u GOMP_SPINCOUNT -u OMP_WAIT_POLICY OMP_DISPLAY_ENV=verbose %s --version >%s 2>&1", bin, p);
    REQUIRE(system(cmd) == 0);
    FILE *f = fopen(p, "r");
    REQUIRE(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(strstr(out, "GOMP_SPINCOUNT = '1000'") != NULL, "%s", out);
    CHECK(strstr(out, "OpenBLAS kernels ") != NULL);
    CHECK_MSG(strstr(out, "\nbf16 products (--precision bf16): ") != NULL, "%s", out);
    /* oneDNN's kernels lowered below bf16's: said, whatever the CPU */
    snprintf(cmd, sizeof cmd, "DNNL_MAX_CPU_ISA=AVX2 %s --version >%s 2>&1", bin, p);
    REQUIRE(system(cmd) == 0);
    f = fopen(p, "r");
    REQUIRE(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(strstr(out, "no bf16 kernels (DNNL_MAX_CPU_ISA") || strstr(out, "not on this CPU (no AVX512_BF16)") ||
              strstr(out, "not in this build (no oneDNN)"), "%s", out);
    /* the user's own settings win */
    snprintf(cmd, sizeof cmd, "GOMP_SPINCOUNT=77 OPENBLAS_CORETYPE=Haswell OMP_DISPLAY_ENV=verbose %s --version >%s 2>&1", bin, p);
    REQUIRE(system(cmd) == 0);
    f = fopen(p, "r");
    REQUIRE(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(strstr(out, "GOMP_SPINCOUNT = '77'") && strstr(out, "kernels Haswell (OPENBLAS_CORETYPE)"), "%s", out);
    if (system("valgrind --version >/dev/null 2>&1") != 0) SKIP("valgrind is not installed");
#ifdef __SANITIZE_ADDRESS__
    SKIP("valgrind does not run a sanitizer build");
#endif
    snprintf(cmd, sizeof cmd, "valgrind -q --error-exitcode=1 %s --version >%s 2>&1", bin, p);
    int st = system(cmd);
    f = fopen(p, "r");
    REQUIRE(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(out, "tracesynth " TS_VERSION), "%s", out);
}

/* without --threads a model run still has OpenBLAS on one thread, so that the products
 * and the layers split over OpenMP's threads (ts_parallel_ok), as with --threads N: a
 * preloaded openblas_set_num_threads says what the CLI asked for */
static void default_threads_one_pool(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("a preloaded library would come before the sanitizer's runtime");
#endif
    char so[512], cmd[2048], out[8192];
    if (build_preload(dir, "#define _GNU_SOURCE\n#include <dlfcn.h>\n#include <stdio.h>\n"
                    "void openblas_set_num_threads(int n)\n{\n"
                    "    fprintf(stderr, \"shim: openblas threads %d\\n\", n);\n"
                    "    void (*f)(int) = (void (*)(int))dlsym(RTLD_NEXT, \"openblas_set_num_threads\");\n"
                    "    if (f) f(n);\n}\n", so, sizeof so) != 0)
        SKIP("no C compiler for the preloaded shim");
    setenv("LD_PRELOAD", so, 1);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 60 --windows 40 -o %s/thr.tsm --no-progress", dir, dir);
    int rc = run_output(cmd, out, sizeof out);
    unsetenv("LD_PRELOAD");
    CHECK_MSG(rc == 0 && strstr(out, "shim: openblas threads 1\n"), "exit %d: %s", rc, out);
}

/* the top level: an unknown command is a usage error, asked for help or run */
static void top_level(void)
{
    char err[512], out[8192];
    CHECK(run_cli("nosuch", err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "'nosuch' is not a command") != NULL, "%s", err);
    int rc = run_cli("help nosuch", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "'nosuch' is not a command"), "exit %d: %s", rc, err);
    CHECK(run_stdout("help drop", out, sizeof out) == 0 && strstr(out, "usage: tracesynth drop"));
    CHECK(run_stdout("help", out, sizeof out) == 0 && strstr(out, "commands:"));
    /* the words after the command go with it: a benchmark's own help, one model's */
    CHECK_MSG(run_stdout("help bench impute", out, sizeof out) == 0 && strstr(out, "usage: tracesynth bench impute --model"),
              "%s", out);
    static char direct[65536], via[65536];
    CHECK(run_stdout("train --model ngram --help", direct, sizeof direct) == 0);
    CHECK(run_stdout("help train --model ngram", via, sizeof via) == 0);
    CHECK_MSG(!strcmp(direct, via) && !strstr(via, "--backbone"), "%s", via);
    /* an option asked about without its value does not take --help for it: the help */
    CHECK_MSG(run_stdout("help train --model", out, sizeof out) == 0 && strstr(out, "usage: tracesynth train"), "%s",
              out);
    CHECK_MSG(run_stdout("help ingest --from", out, sizeof out) == 0 && strstr(out, "usage: tracesynth ingest"), "%s",
              out);
    /* nor -h, which names no model: the help, as with --help (where '-o -h' names a file) */
    for (int k = 0; k < 2; k++) {
        const char *use = k ? "bench impute --model -h" : "train --model -h";
        int hrc = run_stdout(use, out, sizeof out);
        CHECK_MSG(hrc == 0 && strstr(out, k ? "usage: tracesynth bench impute" : "usage: tracesynth train"),
                  "%s: exit %d: %.200s", use, hrc, out);
    }
    CHECK(run_stdout("help train --model ngram", via, sizeof via) == 0 && !strcmp(direct, via));
    CHECK_MSG(run_stdout("help bench impute --model mdm", out, sizeof out) == 0 &&
                  strstr(out, "usage: tracesynth bench impute --model") && strstr(out, "--backbone"),
              "%s", out);
}

/* the columns a terminal gives a line of n bytes: its UTF-8 characters (µ, ×, → one each) */
static size_t help_columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* args' help (on stdout, exit 0) into out, every line at most 80 columns, and no line of an
 * option's description broken in mid-sentence where the next word would have fitted on it */
static void help_fits(const char *args, char *out, size_t n)
{
    int rc = run_stdout(args, out, n);
    CHECK_MSG(rc == 0 && *out, "%s: exit %d, %zu bytes", args, rc, strlen(out));
    CHECK_MSG(strlen(out) < n - 1, "%s: a help longer than %zu bytes", args, n - 1);
    const char *prev = NULL;
    size_t prev_len = 0, prev_ind = 0;
    for (const char *l = out; *l;) {
        size_t len = strcspn(l, "\n"), cols = help_columns(l, len), ind = strspn(l, " ");
        CHECK_MSG(cols <= 80, "%s: a line of %zu columns: %.*s", args, cols, (int)len, l);
        if (prev && ind >= 20 && ind == prev_ind && ind < len && prev_len > prev_ind) {
            size_t word = strcspn(l + ind, " \n"), pcols = help_columns(prev, prev_len);
            CHECK_MSG(pcols >= 60 || !isalpha((unsigned char)prev[prev_len - 1]) || pcols + 1 + word > 80,
                      "%s: a line broken short (the next word fits on it): %.*s", args, (int)prev_len, prev);
        }
        prev = l;
        prev_len = len;
        prev_ind = ind;
        l += len + (l[len] == '\n');
    }
}

/* the names a help lists, one a line ("  NAME  what it does"), from the line after the one
 * that holds after (blank lines skipped) to a blank line; a summary's further lines (deeper
 * in) name nothing */
static size_t help_names(const char *help, const char *after, char names[][32], size_t max)
{
    const char *p = strstr(help, after);
    size_t n = 0;
    if (!p) return 0;
    p = strchr(p, '\n');
    while (p && p[1] == '\n') p++;   /* the list after a blank line */
    while (p && p[1] && p[1] != '\n' && n < max) {
        p++;
        if (p[0] == ' ' && p[1] == ' ' && p[2] >= 'a' && p[2] <= 'z') {
            size_t len = strcspn(p + 2, " \n");
            snprintf(names[n++], 32, "%.*s", (int)(len < 31 ? len : 31), p + 2);
        }
        p = strchr(p, '\n');
    }
    return n;
}

/* every help fits a terminal of 80 columns: the top level's, each command's (the commands
 * the top level lists, so that a new one is covered too; train's with every model's
 * options), and each benchmark's (the ones bench --help lists) */
static void help_fits_80_columns(void)
{
    static char top[1 << 14], bench[1 << 14], out[1 << 17];
    CHECK(help_columns("\xc2\xb5s \xc3\x97 \xe2\x86\x92", 10) == 6);   /* µs × → */
    help_fits("--help", top, sizeof top);
    char cmds[64][32], subs[32][32];
    size_t nc = help_names(top, "commands:", cmds, 64);
    CHECK_MSG(nc >= 15, "%zu commands found in:\n%s", nc, top);
    for (size_t i = 0; i < nc; i++) {
        char args[128];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        help_fits(args, out, sizeof out);
    }
    help_fits("bench --help", bench, sizeof bench);
    size_t nb = help_names(bench, "usage:", subs, 32);
    CHECK_MSG(nb >= 5, "%zu benchmarks found in:\n%s", nb, bench);
    for (size_t i = 0; i < nb; i++) {
        char args[128];
        snprintf(args, sizeof args, "bench %s --help", subs[i]);
        help_fits(args, out, sizeof out);
    }
}

/* the options other programs take that the helps cite: perf script's, perf trace's and
 * strace's (the trace formats ingest reads are made with them) */
static const char *const foreign_options[] = {"show-lost-events", "call-graph", "deltatime", "reltime", "timestamps",
                                              "pidns-translation", NULL};

/* 1 when args' parser knows --name: given "--name=" and an option nobody has after it, it
 * answers about the name's value (it needs one or takes none), not that the name is unknown,
 * nor, where other --KEY VALUE pairs go to the model, about the option after (so nothing runs) */
static int parser_knows(const char *cmd, const char *name)
{
    char args[256], out[4096];
    snprintf(args, sizeof args, "%s --%s= --no-such-option-x", cmd, name);
    int rc = run_output(args, out, sizeof out);
    return rc == 2 && !strstr(out, "unknown option") && !strstr(out, "no-such-option-x");
}

/* 1 when cmd passes --KEY VALUE pairs it does not know to the model */
static int takes_model_keys(const char *cmd)
{
    char args[256], out[4096];
    snprintf(args, sizeof args, "%s --no-such-option-x", cmd);
    return run_output(args, out, sizeof out) == 2 && strstr(out, "--no-such-option-x needs a value");
}

/* 1 when name is a training or run option of model name (NULL: of any model) */
static int model_key(const char *model, const char *name)
{
    for (int mc = 0; mc < 2; mc++)
        for (size_t i = 0; mc ? ts_mc_model_list()[i] != NULL : ts_model_list()[i] != NULL; i++) {
            const char *mname = mc ? ts_mc_model_list()[i]->name : ts_model_list()[i]->name;
            const char *const *lists[2] = {mc ? ts_mc_model_list()[i]->train_keys : ts_model_list()[i]->train_keys,
                                           mc ? ts_mc_model_list()[i]->run_keys : ts_model_list()[i]->run_keys};
            if (model && strcmp(model, mname)) continue;
            int loop = 0;   /* a model of the shared loop takes each of its options (ts_kv_check) */
            for (int j = 0; j < 2; j++)
                for (const char *const *k = lists[j]; k && *k; k++) {
                    if (!strcmp(*k, name)) return 1;
                    loop |= !strcmp(*k, "valid-every");
                }
            for (const char *const *k = ts_train_keys; loop && *k; k++)
                if (!strcmp(*k, name)) return 1;
        }
    return 0;
}

/* 1 when name is a model's (single or multi-channel) */
static int model_name(const char *name)
{
    for (const ts_model_ops *const *m = ts_model_list(); *m; m++)
        if (!strcmp((*m)->name, name)) return 1;
    for (const ts_mc_model_ops *const *m = ts_mc_model_list(); *m; m++)
        if (!strcmp((*m)->name, name)) return 1;
    return 0;
}

/* the command an option named at text[at] belongs to: the one named before it in the same
 * command line ("ingest --from ctf [--channels]", "drop's --rate", "bench model --profile"),
 * else own (into target, n bytes); own for an option that starts a line of the help's table */
static void option_owner(const char *text, size_t at, const char *own, char cmds[][32], size_t nc,
                         char subs[][32], size_t ns, char *target, size_t n)
{
    snprintf(target, n, "%s", own);
    if (at >= 2 && !strncmp(text + at - 2, "  ", 2) && (at == 2 || text[at - 3] == '\n')) return;   /* the table's */
    size_t p = at;
    for (int step = 0; step < 6; step++) {
        while (p > 0 && strchr(" \n[('\"`", text[p - 1])) p--;
        size_t q = p;
        while (q > 0 && !strchr(" \n[(\"`", text[q - 1])) q--;
        char w[64];
        size_t wl = p - q < sizeof w - 1 ? p - q : sizeof w - 1;
        memcpy(w, text + q, wl);
        w[wl] = 0;
        if (!wl || strchr(",;.)", w[wl - 1])) return;   /* the end of a clause */
        if (w[0] == '\'') memmove(w, w + 1, strlen(w));
        if (strlen(w) > 2 && !strcmp(w + strlen(w) - 2, "'s")) w[strlen(w) - 2] = 0;
        size_t b = q;
        while (b > 0 && text[b - 1] == ' ') b--;
        for (size_t i = 0; i < ns; i++)
            if (!strcmp(w, subs[i]) && b >= 5 && !strncmp(text + b - 5, "bench", 5)) {
                snprintf(target, n, "bench %s", w);
                return;
            }
        for (size_t i = 0; i < nc; i++)
            if (!strcmp(w, cmds[i]) && strcmp(w, "bench")) {
                snprintf(target, n, "%s", w);
                return;
            }
        if (strlen(w) > 1 && w[strlen(w) - 1] == ':') w[strlen(w) - 1] = 0;   /* "mdm: --valid-windows" */
        if (model_name(w)) {
            snprintf(target, n, "model %s", w);
            return;
        }
        if (w[0] == '-') {
            p = q;
            continue;
        }
        /* an option's value (the word before it an option), else the text's own words */
        size_t s = b;
        while (s > 0 && !strchr(" \n", text[s - 1])) s--;
        if (text[s] != '-') return;
        p = q;
    }
}

/* every --NAME text names (a help, or a model's part of train's) is an option of the command
 * it belongs to (own, or the one named before it): its parser knows it, or it is a model's
 * option where the command passes those to the model (model: the one whose help it is; NULL:
 * any). Placeholders (--KEY) and wildcards (--prior-*) name none; a model's help names
 * options of the commands that run the model too */
static void help_options_known(const char *label, const char *text, const char *own, const char *model,
                               char cmds[][32], size_t nc, char subs[][32], size_t ns, int *checked)
{
    static const char *const runners[] = {"train", "impute", "generate", "score", NULL};
    for (const char *p = text; (p = strstr(p, "--"));) {
        const char *s = p + 2;
        size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
        int word = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '-');
        p = s + len;
        if (word || len == 0 || !isalpha((unsigned char)s[0]) || s[len - 1] == '-' || s[len] == '*') continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), s);
        int upper = len > 1;
        for (size_t i = 0; i < len; i++) upper &= !islower((unsigned char)s[i]);
        if (upper || !strcmp(name, "help")) continue;
        int foreign = 0;
        for (const char *const *f = foreign_options; *f; f++) foreign |= !strcmp(*f, name);
        if (foreign) continue;
        char target[64];
        option_owner(text, (size_t)(s - 2 - text), own ? own : "", cmds, nc, subs, ns, target, sizeof target);
        int ok = 0;
        if (*target && strncmp(target, "model ", 6))
            ok = parser_knows(target, name) || (takes_model_keys(target) && model_key(NULL, name));
        else {   /* a model's (this help's, or the one named), or one of a command that runs it */
            ok = model_key(*target ? target + 6 : model, name);
            for (const char *const *r = runners; !ok && *r; r++) ok = parser_knows(*r, name);
        }
        CHECK_MSG(ok, "%s: --%s is not an option of %s", label, name, *target ? target : model);
        (*checked)++;
    }
}

/* every option a help names is one its command takes: each command's help (the top level's
 * list), each benchmark's (bench --help's list), each model's part of train's */
static void help_options_accepted(void)
{
    static char top[1 << 14], bench[1 << 14], out[1 << 17];
    char cmds[64][32], subs[32][32];
    REQUIRE(run_stdout("--help", top, sizeof top) == 0);
    REQUIRE(run_stdout("bench --help", bench, sizeof bench) == 0);
    size_t nc = help_names(top, "commands:", cmds, 64), ns = help_names(bench, "usage:", subs, 32);
    REQUIRE(nc >= 15 && ns >= 5);
    int checked = 0;
    for (size_t i = 0; i < nc + ns; i++) {
        char cmd[64], args[128];
        if (i < nc && !strcmp(cmds[i], "bench")) continue;
        if (i < nc) snprintf(cmd, sizeof cmd, "%.31s", cmds[i]);
        else snprintf(cmd, sizeof cmd, "bench %.31s", subs[i - nc]);
        snprintf(args, sizeof args, "%s --help", cmd);
        if (run_stdout(args, out, sizeof out) != 0) {   /* REQUIRE would stop at an earlier failure */
            CHECK_MSG(0, "%s failed", args);
            continue;
        }
        char *models = strstr(out, "\nmodels:\n");   /* train's: each model's part below */
        if (models) *models = 0;
        help_options_known(args, out, cmd, NULL, cmds, nc, subs, ns, &checked);
    }
    for (const ts_model_ops *const *m = ts_model_list(); *m; m++)
        help_options_known((*m)->name, (*m)->help ? (*m)->help : "", NULL, (*m)->name, cmds, nc, subs, ns, &checked);
    for (const ts_mc_model_ops *const *m = ts_mc_model_list(); *m; m++)
        help_options_known((*m)->name, (*m)->help ? (*m)->help : "", NULL, (*m)->name, cmds, nc, subs, ns, &checked);
    CHECK_MSG(checked >= 200, "%d options checked", checked);
    /* the rules themselves */
    char c2[3][32] = {"ingest", "drop", "bench"}, s2[1][32] = {"model"}, owner[64];
    const char *line = "x 'ingest --from ctf [--channels]', drop's --rate, bench model --profile; with --y\n"
                       "  --z, ingest\n   --w (mdm: --v)";
    const char *want[7][2] = {{"--channels", "ingest"}, {"--rate", "drop"}, {"--profile", "bench model"},
                              {"--y", "own"}, {"--z", "own"}, {"--w", "ingest"}, {"--v", "model mdm"}};
    for (int i = 0; i < 7; i++) {
        option_owner(line, (size_t)(strstr(line, want[i][0]) - line), "own", c2, 3, s2, 1, owner, sizeof owner);
        CHECK_MSG(!strcmp(owner, want[i][1]), "%s: %s", want[i][0], owner);
    }
    CHECK(!parser_knows("split", "no-such") && parser_knows("split", "stride") &&
          parser_knows("train", "mask-position"));
    CHECK(takes_model_keys("train") && !takes_model_keys("split") && model_key("ngram", "order") &&
          !model_key("ngram", "layers") && model_key(NULL, "layers"));
}

/* train --model NAME --help: the common options and NAME's part alone, as --help writes it,
 * then where every model is listed; --help alone lists them all; an unknown NAME is the
 * one-line error, with no help */
static void train_help_one_model(void)
{
    static char all[1 << 17], one[1 << 17];
    char args[256], err[1024];
    const char *tail = "\n\n'tracesynth train --help' lists every model.\n";
    const char *models[16];
    int nm = 0;
    for (const ts_model_ops *const *m = ts_model_list(); *m && nm < 16; m++) models[nm++] = (*m)->name;
    for (const ts_mc_model_ops *const *m = ts_mc_model_list(); *m && nm < 16; m++) models[nm++] = (*m)->name;
    REQUIRE(nm >= 6);
    REQUIRE(run_stdout("train --help", all, sizeof all) == 0);
    CHECK(strstr(all, "\n  ngram ") && strstr(all, "\n  mdm ") && strstr(all, "\n  ddpm-mc ") && !strstr(all, tail));
    const char *cases[][4] = {   /* the model, one of its options, another model's, its list's heading */
        {"--model mdm", "--backbone B", "--fallback F", "models:"},
        {"--model=ngram", "--fallback F", "--backbone B", "models:"},
        {"--model sssd-s4", "--preset small|paper", "--backbone B", "models:"},
        {"--model diffwave", "--dilation-cycle N", "--state N", "models:"},
        {"--model csdi-s4", "--beta-schedule S", "--dilation-cycle N", "models:"},
        {"--model sssd-sa", "multiple of 4", "--dilation-cycle N", "models:"},
        {"--model unigram", "(no options)", "--order N", "models:"},
        {"--model mdm-mc", "--dt-bins N", "--preset small|paper", "multi-channel models"},
        {"--model ddpm-mc", "--prefix-share X", "--dt-bins N", "multi-channel models"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int before = 0; before < 2; before++) {
            snprintf(args, sizeof args, before ? "train --help %s" : "train %s --help", cases[i][0]);
            help_fits(args, one, sizeof one);
            const char *name = strpbrk(cases[i][0], " =") + 1;
            char item[64];
            CHECK_MSG(strstr(one, "--resume CKPT") && strstr(one, cases[i][1]) && !strstr(one, cases[i][2]) &&
                          strstr(one, cases[i][3]), "%s:\n%s", args, one);
            /* the only model listed (an item: the name padded to 10 columns) */
            for (int k = 0; k < nm; k++) {
                snprintf(item, sizeof item, "\n  %-10s ", models[k]);
                CHECK_MSG(!strstr(one, item) == !!strcmp(models[k], name), "%s: %s", args, models[k]);
            }
            snprintf(item, sizeof item, "\n  %-10s ", name);
            const char *part = strstr(one, item), *end = strstr(one, tail);
            CHECK_MSG(part && end && !end[strlen(tail)], "%s:\n%s", args, one);
            if (!part || !end) continue;
            /* its part is the one the full help holds */
            size_t n = (size_t)(end - part);
            CHECK_MSG(memmem(all, strlen(all), part, n) != NULL, "%s: a part not --help's:\n%.*s", args, (int)n, part);
        }
    /* not a model: the error --model gives, one line, and no help */
    CHECK(run_stdout("train --model nosuch --help", one, sizeof one) == 2 && !one[0]);
    CHECK_MSG(run_cli("train --help --model nosuch", err, sizeof err) == 2 &&
                  strstr(err, "tracesynth train: error: --model: unknown model 'nosuch' (models: ngram, ") &&
                  strstr(err, "ddpm-mc (multi-channel))"), "%s", err);
}

/* the other commands that hand a model its options: --model NAME --help adds that
 * model's, a model file (fill's) none, without --model a line says how; a name the
 * command does not take is its one-line error */
static void model_help_elsewhere(void)
{
    static char out[1 << 17];
    char args[256], err[1024];
    const char *cmds[] = {"bench impute", "bench model", "fill", "bench fill"};
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, "%s --model mdm --help", cmds[i]);
        help_fits(args, out, sizeof out);
        CHECK_MSG(strstr(out, "the model's options (--KEY VALUE):\n  mdm ") && strstr(out, "--backbone B") &&
                      !strstr(out, "--fallback F"), "%s:\n%s", args, out);
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        help_fits(args, out, sizeof out);
        char line[128];
        snprintf(line, sizeof line, "'tracesynth %s --model NAME --help' adds the model's options.", cmds[i]);
        CHECK_MSG(strstr(out, line) && !strstr(out, "--backbone B"), "%s:\n%s", args, out);
    }
    CHECK(run_stdout("fill --model tests/fixtures/models/mdm.tsm --help", out, sizeof out) == 0 &&
          !strstr(out, "--backbone B"));
    CHECK_MSG(run_cli("bench model --model ngram --help", err, sizeof err) == 2 &&
                  strstr(err, "--model: takes sssd-s4, diffwave, csdi-s4, sssd-sa, mdm, lstm, not 'ngram'"), "%s", err);
    CHECK_MSG(run_cli("bench impute --help --model nosuch", err, sizeof err) == 2 &&
                  strstr(err, "unknown model 'nosuch'"), "%s", err);
}

/* a path or a command name with a terminal's escape sequence, a bell or a newline is
 * shown in the error with those bytes as \xNN, and the error stays one line */
static void errors_show_bytes(void)
{
    char args[1024], err[1024], bad[600];
    snprintf(bad, sizeof bad, "%s/ctf\033[2J\007", dir);
    REQUIRE(mkdir(bad, 0700) == 0);
    const char *cases[][2] = {
        /* cli_fail */
        {"train --model ngram \"$(printf '%s/no\\033]0;t\\007\\nsuch')\" -o x.tsm", "/no\\x1b]0;t\\x07\\x0asuch"},
        /* cli_usage_error */
        {"gaps \"$(printf '%s/ctf\\033[2J\\007')\" --arch x86_64", "/ctf\\x1b[2J\\x07 is a CTF trace"},
        /* not a command */
        {"\"$(printf 'tr\\033[2Jain%.0s')\"", "'tr\\x1b[2Jain' is not a command"},
        {"help \"$(printf 'tr\\033[2Jain%.0s')\"", "'tr\\x1b[2Jain' is not a command"},
    };
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, cases[i][0], dir);
        int rc = run_cli(args, err, sizeof err);
        CHECK_MSG((rc == 1 || rc == 2) && !strpbrk(err, "\033\007\n") && strstr(err, cases[i][1]), "%s: exit %d: %s",
                  args, rc, err);
    }
}

/* warnings and the lines naming what was written show a path's control bytes as \xNN (an
 * escape sequence in a file name is not acted on by the terminal); a path without them is
 * printed as it is */
static void messages_show_bytes(void)
{
    char args[2048], out[8192], sub[600];
    snprintf(sub, sizeof sub, "%s/w\033[2J\007", dir);
    REQUIRE(mkdir(sub, 0700) == 0);
    char trace[700];
    snprintf(trace, sizeof trace, "%s/t.trace", sub);
    write_text(trace, "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\nCPU:0 [LOST 3 EVENTS]\n"
                      "  a-1 [000] ..... 1.000002: sys_close(fd: 3)\n  a-1 [000] ..... 1.0000");
    const char *w = "\"$(printf '%s/w\\033[2J\\007')\"";
    char shown[600];
    snprintf(shown, sizeof shown, "%s/w\\x1b[2J\\x07", dir);
    char at[8][700];
    snprintf(at[0], sizeof at[0], "tracesynth: warning: %s/t.trace:4: the trace ends in the middle", shown);
    snprintf(at[1], sizeof at[1], "tracesynth: warning: %s/t.trace: the tracer reported 3 discarded events", shown);
    snprintf(at[2], sizeof at[2], "-> %s/ds\n", shown);
    char fmt[700];
    snprintf(fmt, sizeof fmt, "ingest --from ftrace %s/t.trace -o %s/ds", w, w);
    snprintf(args, sizeof args, fmt, dir, dir);
    CHECK(run_output(args, out, sizeof out) == 0);
    CHECK_MSG(!strpbrk(out, "\033\007") && strstr(out, at[0]) && strstr(out, at[1]) && strstr(out, at[2]), "%s", out);
    snprintf(fmt, sizeof fmt, "train --model unigram %%s/ds --length 60 --windows 40 -o %s/u.tsm", w);
    snprintf(args, sizeof args, fmt, dir, dir);
    snprintf(at[3], sizeof at[3], " -> %s/u.tsm\n", shown);
    CHECK(run_output(args, out, sizeof out) == 0);
    CHECK_MSG(!strpbrk(out, "\033\007") && strstr(out, "trained unigram") && strstr(out, at[3]), "%s", out);
    /* a plain path: byte for byte */
    snprintf(args, sizeof args, "train --model unigram %s/ds --length 60 --windows 40 -o %s/plain-u.tsm", dir, dir);
    snprintf(at[4], sizeof at[4], " -> %s/plain-u.tsm\n", dir);
    CHECK(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, at[4]), "%s", out);
}

/* a model option's long value: its error keeps the reason at its end (the message was cut
 * at 512, then 600 bytes, and said only the value's start) */
static void model_option_long_value(void)
{
    static char args[4096], v[2001], err[8192];
    memset(v, '7', sizeof v - 1);
    v[0] = 'x';
    snprintf(args, sizeof args, "train --model ngram %s/ds --order %s -o %s/long-opt.tsm", dir, v, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    const char *help = " (see 'tracesynth train --help')";
    const size_t n = strlen(err), h = strlen(help);
    CHECK_MSG(strstr(err, "tracesynth train: error: ngram: option --order: 'x777") == err && n > 20 + h &&
                  !strcmp(err + n - h, help) && !strncmp(err + n - h - 20, "7' is not an integer", 20), "%s", err);
}

/* a blackout longer than the windows is refused in one line, before the note on a test
 * part with fewer windows at distinct starts than asked for; a dataset (no length file of
 * its own) is cut to --length or the model's windows, and the line names which */
static void impute_long_blackout_one_line(void)
{
    char args[1024], err[1024], want[1024];
    snprintf(args, sizeof args, "%s/lb-ds", dir);
    REQUIRE(save_motif_dataset(args, 200) == 0);
    snprintf(args, sizeof args, "train --model unigram %s/lb-ds --length 4 -o %s/lb.tsm", dir, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s/lb.tsm --input %s/lb-ds --length 4 --blackout 10 -o %s/lb", dir, dir, dir);
    snprintf(want, sizeof want, "--blackout 10 is longer than the windows --length cuts %s/lb-ds into (4 events)",
             dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want) && !strstr(err, "note"), "%s", err);
    snprintf(args, sizeof args, "impute %s/lb.tsm --input %s/lb-ds --blackout 10 -o %s/lb", dir, dir, dir);
    snprintf(want, sizeof want, "--blackout 10 is longer than the model's windows (4 events, %s/lb.tsm), which %s/lb-ds "
             "is cut into", dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want) && !strstr(err, "note"), "%s", err);
}

/* a network too large for sampling one window (layers x channels x length over the
 * diffusion models' cap) is the options' error: exit 2, one line naming the model and
 * an option, before any learning */
static void train_window_cap_usage(void)
{
    const char *models[] = {"sssd-s4", "sssd-sa", "diffwave", "csdi-s4"};
    for (int i = 0; i < 4; i++) {
        char args[1024], err[1024], want[96];
        snprintf(args, sizeof args, "train --model %s %s/ds --length 300 --layers 64 --channels 1024 --threads 1 "
                 "-o %s/cap.tsm", models[i], dir, dir);
        snprintf(want, sizeof want, "tracesynth train: error: %s: option --layers: ", models[i]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, want) == err && strstr(err, "over the limit"),
                  "%s: %s", models[i], err);
    }
}

/* an option a model does not take is refused with the whole list of those it takes,
 * however many (the shared loop's last) */
static void model_option_list_whole(void)
{
    char args[1024], err[4096];
    snprintf(args, sizeof args, "train --model mdm %s/ds --length 40 --preset small -o %s/list.tsm", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    const char *want = "--valid-every, --log-every, --budget, --patience) (see 'tracesynth train --help')";
    const size_t n = strlen(err), w = strlen(want);
    CHECK_MSG(strstr(err, "mdm: option --preset: not one of its training options (--backbone, ") && n > w &&
                  !strcmp(err + n - w, want), "%s", err);
}

/* a message wrapping another keeps the reason at its end past a long path (the model file
 * in a folder that is not there) */
static void wrapped_error_long_path(void)
{
    static char args[4096], p[1200], err[8192];
    char seg[201];
    memset(seg, 'q', 200);
    seg[200] = 0;
    snprintf(p, sizeof p, "%s/%s/%s/%s/m.tsm", dir, seg, seg, seg);
    snprintf(args, sizeof args, "train --model mdm %s/ds --iters 1 --length 40 -o %s", dir, p);
    CHECK(run_cli(args, err, sizeof err) == 1);
    const char *want = "cannot create: No such file or directory)";
    const size_t n = strlen(err), w = strlen(want);
    CHECK_MSG(n > w && !strcmp(err + n - w, want) && strstr(err, "cannot be written"), "%s", err);
}

/* a dataset or input path too long for the system (over PATH_MAX, or one name over
 * NAME_MAX) says so, not that there is no such dataset or file; a path that is not there
 * still says that */
static void too_long_paths(void)
{
    static char longname[1200], longpath[6000], args[14000], err[16384];
    char seg[201];
    memset(seg, 'n', 200);
    seg[200] = 0;
    snprintf(longname, sizeof longname, "%s/%s%s", dir, seg, seg);   /* a 400-byte name */
    int k = snprintf(longpath, sizeof longpath, "%s", dir);
    while (k < 4200) k += snprintf(longpath + k, sizeof longpath - k, "/%s", seg);   /* over 4096 bytes */
    const char *paths[] = {longname, longpath};
    const char *why[] = {"a name in it is longer than", "the path is longer than"};
    for (int i = 0; i < 2; i++) {
        const char *cmds[] = {"split %s --length 10 -o %s/sp", "train --model ngram %s -o %s/long.tsm",
                              "score %2$s/ng.tsm --input %1$s", "impute %2$s/ng.tsm --input %1$s -o %2$s/imp-long",
                              "markov %s -n 8 -o %s/mk"};
        for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
            snprintf(args, sizeof args, cmds[c], paths[i], dir);
            CHECK(run_cli(args, err, sizeof err) == 1);
            CHECK_MSG(strstr(err, paths[i]) && strstr(err, ": path too long (") && strstr(err, why[i]) &&
                      !strstr(err, "no such"), "%.80s: %.200s ... %s", args, err, err + (strlen(err) > 120 ? strlen(err) - 120 : 0));
        }
        ts_dataset ds;
        CHECK(ts_dataset_load(paths[i], &ds) == -1 && strstr(ts_error(), "path too long"));
        snprintf(args, sizeof args, "audit --train %s --test %s/ds", paths[i], dir);   /* opened as a file first */
        CHECK(run_cli(args, err, sizeof err) == 1 && strstr(err, "too long") && !strstr(err, "no such"));
    }
    snprintf(args, sizeof args, "split %s/not-there --length 10 -o %s/sp", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1 && strstr(err, "not-there: no such dataset directory"));
    snprintf(args, sizeof args, "score %s/ng.tsm --input %s/not-there", dir, dir);
    CHECK(run_cli(args, err, sizeof err) == 1 && strstr(err, "not-there: no such file or directory"));
}

/* an error line is one write: ranks of mpirun (or any processes) sharing a stderr do not
 * cut into each other's lines (it was written a character at a time) */
static void error_line_one_write(void)
{
    if (system("strace -V >/dev/null 2>&1") != 0) SKIP("strace not installed");
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    const char *args[] = {"train --model ngram %s/no-such-dataset", "train --bogus-option 1 %s/ds",
                          "no-such-command %s"};
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        char a[1024], cmd[4096], lp[512];
        snprintf(a, sizeof a, args[i], dir);
        snprintf(lp, sizeof lp, "%s/writes.log", dir);
        /* (LeakSanitizer cannot run under ptrace: a sanitizer build's own lines would count) */
        snprintf(cmd, sizeof cmd, "ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write -e signal=none -o %s %s %s "
                 "2>/dev/null", lp, bin, a);
        int st = system(cmd);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) != 0, "%s", a);
        FILE *f = fopen(lp, "r");
        REQUIRE(f);
        char line[8192];
        int writes = 0;
        while (fgets(line, sizeof line, f)) writes += strstr(line, "write(2, ") != NULL;
        fclose(f);
        CHECK_MSG(writes == 1, "%s: %d writes to stderr", a, writes);
    }
}

/* what a command prints on stdout and cannot write (a full disk) is an error, not a
 * success with the output lost: of standard output, as -o - names it, not of the file
 * the shell put there, with the reason, also where the write that failed came before
 * the exit (a help longer than stdio's buffer) */
static void stdout_write_failure(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char cmd[4096], ep[512], err[2048], args[1024];
    snprintf(ep, sizeof ep, "%s/full.err", dir);
    for (int i = 0; i < 4; i++) {
        if (i == 0) snprintf(args, sizeof args, "score %s/ng.tsm --input %s/ds --json", dir, dir);
        else if (i == 1) snprintf(args, sizeof args, "score %s/ng.tsm --input %s/ds", dir, dir);
        else if (i == 2) snprintf(args, sizeof args, "--version");
        else snprintf(args, sizeof args, "train --help");
        snprintf(cmd, sizeof cmd, "%s %s >/dev/full 2>%s", bin, args, ep);
        int st = system(cmd);
        FILE *f = fopen(ep, "r");
        CHECK(f);
        if (!f) continue;
        err[fread(err, 1, sizeof err - 1, f)] = 0;
        fclose(f);
        const char *nl = strchr(err, '\n');
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1 &&
                      strstr(err, "tracesynth: error: standard output: write failed: No space left on device") &&
                      !strstr(err, "/dev/full") && nl && !nl[1], "%s: %s", args, err);
    }
    /* a regular file that can grow no more (past the file size limit, as a full disk's):
     * the reason too, the help's first write failing or a later one */
    for (int k = 0; k < 2; k++) {
        /* (the limit is the command's alone: its stderr and status go through a pipe) */
        snprintf(cmd, sizeof cmd, "(trap '' XFSZ; ulimit -f %d; %s %s >%s/full.out; echo \"rc=$?\" >&2) 2>&1 | cat >%s",
                 k * 4, bin, k ? "train --help" : "--help", dir, ep);
        CHECK(system(cmd) == 0);
        FILE *f = fopen(ep, "r");
        CHECK(f);
        if (!f) continue;
        err[fread(err, 1, sizeof err - 1, f)] = 0;
        fclose(f);
        const char *nl = strchr(err, '\n');
        CHECK_MSG(strstr(err, "tracesynth: error: standard output: write failed: File too large\nrc=1\n") == err &&
                      nl && !strchr(nl + 1, '\n')[1], "%d: %s", k, err);
    }
    snprintf(cmd, sizeof cmd, "%s/full.out", dir);
    remove(cmd);
    remove(ep);
    /* bench impute's JSON on a full disk: the reason, as the other outputs give it */
    snprintf(args, sizeof args, "bench impute --model ngram %s/ds --lengths 50 --blackouts 5 --positions center "
             "--json /dev/full", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "/dev/full: write failed: No space left on device"),
              "%s", err);
}

/* impute and score read one MODEL and their windows from --input (tune-prior takes MODEL
 * DATASET): a dataset or window file given after the model, as tune-prior's, is a usage
 * error that says where it goes, not "more than one MODEL" alone; two model files, or a
 * second argument beside --input, stay "more than one MODEL" */
static void input_given_as_a_second_model(void)
{
    const char *m = "tests/fixtures/models";
    char args[2048], err[2048];
    const struct { const char *args, *says; } cases[] = {
        {"impute %1$s/ngram.tsm %2$s/ds -o %2$s/sm", "more than one MODEL ('%1$s/ngram.tsm', '%2$s/ds'): the "
                                                     "windows are --input's (--input %2$s/ds)"},
        {"score %1$s/ngram.tsm %2$s/ds", "more than one MODEL ('%1$s/ngram.tsm', '%2$s/ds'): the windows are "
                                         "--input's (--input %2$s/ds)"},
        {"score %1$s/ngram.tsm %2$s/ds/stream.txt", "the windows are --input's (--input %2$s/ds/stream.txt)"},
        {"impute %1$s/ngram.tsm %1$s/mdm.tsm --input %2$s/ds -o %2$s/sm",
         "more than one MODEL ('%1$s/ngram.tsm', '%1$s/mdm.tsm') (see"},
        {"score %1$s/ngram.tsm %1$s/mdm.tsm", "more than one MODEL ('%1$s/ngram.tsm', '%1$s/mdm.tsm') (see"},
        /* the input given otherwise: no --input to point to */
        {"impute %1$s/ngram.tsm %2$s/ds --channels-from %1$s/mcds -o %2$s/sm",
         "more than one MODEL ('%1$s/ngram.tsm', '%2$s/ds') (see"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char says[1024];
        snprintf(args, sizeof args, cases[i].args, m, dir);
        snprintf(says, sizeof says, cases[i].says, m, dir);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, says), "%s: exit %d: %s", args, rc, err);
    }
    snprintf(args, sizeof args, "%s/sm", dir);
    CHECK(!ts_file_exists(args));
}

/* fill trains a model per CPU and falls back to one over every CPU's events where a CPU's
 * training fails for its events; a training option the model refuses (a key it does not
 * take, a value out of range) or a value the events cannot work with (a --budget too short)
 * is the same for that one: the error at once, no second training ("training mdm on the
 * N events of every CPU") before it, and its only line (the failed training unsaid) */
static void fill_option_refused_once(void)
{
    const char *tr = "tests/data/ftrace_pipe.trace.gz";
    char args[2048], out[8192];
    const struct { const char *opts; int rc; const char *says; } cases[] = {
        {"--lyers 2", 2, "tracesynth fill: error: mdm: option --lyers: not one of its training options"},
        {"--layers 0", 2, "tracesynth fill: error: mdm: option --layers: 0 out of range"},
        {"--layers 1 --channels 8 --budget 0.01s", 1, "mdm: --budget 0.01 s leaves no time for one iteration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(args, sizeof args, "fill %s --model mdm %s --threads 1 -o %s/fo.trace", tr, cases[i].opts, dir);
        const int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == cases[i].rc && strstr(out, cases[i].says) && !strstr(out, "fill: train") &&
                      !strstr(out, "fill: read") && strchr(out, '\n') == out + strlen(out) - 1,
                  "%s: exit %d: %s", args, rc, out);
        snprintf(args, sizeof args, "%s/fo.trace", dir);
        CHECK(!ts_file_exists(args));
    }
}

/* a diffusion model samples windows of its training length alone: generate's --length of
 * another is a refusal of that option (a usage error, 2, as README says of a --length
 * longer than a network samples), nothing written; its own length generates */
static void generate_fixed_length_is_usage(void)
{
    const char *m = "tests/fixtures/models";
    char args[2048], err[2048], out[600];
    snprintf(out, sizeof out, "%s/fixed", dir);
    static const char *const models[] = {"sssd-s4", "diffwave", "csdi-s4", "sssd-sa"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        snprintf(args, sizeof args, "generate %s/%s.tsm -n 1 --length 100 --threads 1 --no-progress -o %s", m,
                 models[i], out);
        char want[256];
        snprintf(want, sizeof want, "tracesynth generate: error: %s: option --length: 100: the model samples windows "
                 "of 64 events", models[i]);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, want) == err, "%s: exit %d: %s", args, rc, err);
        snprintf(args, sizeof args, "%s.txt", out);
        CHECK_MSG(!ts_file_exists(args), "%s written", args);
    }
    snprintf(args, sizeof args, "generate %s/sssd-s4.tsm -n 1 --length 64 --steps 2 --threads 1 --no-progress -o %s",
             m, out);
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s: %s", args, err);
}

/* mdm's network reads at most 4096 events: a longer generate --length is a refusal of that
 * option (a usage error, 2), with either sampler, nothing written */
static void generate_mdm_length_cap_is_usage(void)
{
    char args[2048], err[2048], out[600];
    snprintf(out, sizeof out, "%s/long", dir);
    static const char *const samplers[] = {"", "--sampler chain"};
    for (size_t i = 0; i < sizeof samplers / sizeof *samplers; i++) {
        snprintf(args, sizeof args, "generate tests/fixtures/models/mdm.tsm -n 1 --length 5000 %s --threads 1 "
                 "--no-progress -o %s", samplers[i], out);
        const int rc = run_cli(args, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "tracesynth generate: error: mdm: option --length: 5000: ") == err &&
                      strstr(err, "4096"), "%s: exit %d: %s", args, rc, err);
        snprintf(args, sizeof args, "%s.txt", out);
        CHECK_MSG(!ts_file_exists(args), "%s written", args);
    }
}

/* mdm's greedy decoding (--temperature 0, impute's default, and --order confident) gives
 * one decoding: --samples N above 1 would vote N identical ones, refused as a --seed is
 * there (a usage error, before the input is read or any output written); drawn decodings
 * (a temperature above 0, --order random) take it */
static void mdm_greedy_samples_refused(void)
{
    char cmd[4096], err[1024];
    const char *m = "tests/fixtures/models";
    const char *refused[] = {"impute %s/mdm.tsm --input %s/ds --samples 4 --threads 1 -o %s/none/gs",
                             "impute %s/mdm.tsm --input %s/ds --samples 4 --temperature 0 --order confident "
                             "--threads 1 -o %s/none/gs",
                             "generate %s/mdm.tsm -n 2 --length 5 --temperature 0 --samples 2%.0s -o %s/none/gs.txt"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        snprintf(cmd, sizeof cmd, refused[i], m, m, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "error: mdm: option --samples: ") && strstr(err, "greedy decoding") &&
                      strstr(err, "--temperature T above 0") && strchr(err, '\n') == strrchr(err, '\n'),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    const char *taken[] = {"impute %s/mdm.tsm --input %s/ds --samples 2 --temperature 0.5 --threads 1 -o %s/gs",
                           "impute %s/mdm.tsm --input %s/ds --samples 2 --order random --threads 1 -o %s/gs",
                           "impute %s/mdm.tsm --input %s/ds --samples 1 --threads 1 -o %s/gs",
                           "generate %s/mdm.tsm -n 2 --length 5 --samples 2%.0s -o %s/gs.txt"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
        snprintf(cmd, sizeof cmd, taken[i], m, m, dir);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
}

/* a count of one names one event or window: drop's note on a trace of 1 event, the
 * refusals of a set of windows of 1 event (tune-prior, train at another --length, split,
 * bench impute) */
static void one_event_singular(void)
{
    char cmd[4096], err[2048], tr[600], set[600];
    snprintf(tr, sizeof tr, "%s/one.trace", dir);
    write_text(tr, "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n");
    snprintf(cmd, sizeof cmd, "drop %s -o %s/one-dropped.trace --rate 0.5", tr, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "a trace of 1 event holds few bursts"), "%s: %s", cmd,
              err);
    snprintf(set, sizeof set, "%s/set1", dir);
    snprintf(cmd, sizeof cmd, "markov %s/ds -n 20 --length 1 -o %s", dir, set);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    const struct { const char *args, *says; } cases[] = {
        {"tune-prior tests/fixtures/models/mdm.tsm %s -o %s.tsm --threads 1 --no-progress", "windows of 1 event; "},
        {"train --model ngram %s --length 2 -o %s.tsm", "windows of 1 event, but --length 2"},
        {"split %s --length 2 -o %s-split", "is windows of 1 event, one after"},
        {"bench impute --model ngram %s%.0s", "windows of 1 event, which bench impute"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[1400];
        snprintf(args, sizeof args, cases[i].args, set, set);
        snprintf(cmd, sizeof cmd, "%s", args);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc != 0 && strstr(err, cases[i].says) && !strstr(err, "1 events"), "%s: exit %d: %s", cmd, rc, err);
    }
}

/* a model that trains in one pass keeps no checkpoints: --resume is refused alike (a usage
 * error, 2, naming why) whether -o names the file resumed from or another, the file kept */
static void one_pass_resume_refused_alike(void)
{
    char cmd[4096], err[1024], m[600];
    snprintf(m, sizeof m, "%s/op.tsm", dir);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds -o %s", dir, m);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    struct stat before, after;
    REQUIRE(stat(m, &before) == 0);
    const char *models[] = {"ngram", "unigram"}, *outs[] = {"%s", "%s-other.tsm"};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            char out[700];
            snprintf(out, sizeof out, outs[j], m);
            snprintf(cmd, sizeof cmd, "train --model %s %s/ds --resume %s -o %s", models[i], dir, m, out);
            const int rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 2 && strstr(err, "--resume") && strstr(err, "keeps no checkpoints") &&
                          !strstr(err, "written over"), "%s: exit %d: %s", cmd, rc, err);
        }
    REQUIRE(stat(m, &after) == 0);
    CHECK(after.st_size == before.st_size && after.st_mtime == before.st_mtime);
}

/* a strace log given as perf script's or ftrace's text: ingest says it is not the text
 * asked for and names --from strace, not what gaps, fill and drop read; gaps says that */
static void strace_log_as_perf_named(void)
{
    char cmd[4096], err[2048], log[600];
    snprintf(log, sizeof log, "%s/app.strace", dir);
    write_text(log, "100 1700000000.000001 read(3, \"x\", 1) = 1 <0.000010>\n"
                    "100 1700000000.000100 write(1, \"x\", 1) = 1 <0.000010>\n");
    const char *from[] = {"perf", "ftrace"}, *says[] = {"not perf script's text", "not ftrace's text"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "ingest --from %s %s -o %s/app-ds", from[i], log, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "app.strace:1: ") && strstr(err, says[i]) &&
                      strstr(err, "a strace log (ingest --from strace reads it)") && !strstr(err, "gaps"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    snprintf(cmd, sizeof cmd, "gaps %s", log);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "strace loses no events") && strstr(err, "gaps, fill"),
              "%s: %s", cmd, err);
}

/* a path through a file (file/x) where an input is read: the path, what was looked for
 * there and the file in the way, not strerror's bare "Not a directory" */
static void input_through_a_file_named(void)
{
    char cmd[4096], err[2048], f[600];
    snprintf(f, sizeof f, "%s/plain", dir);
    write_text(f, "x\n");
    const struct { const char *cmd, *says; } cases[] = {
        {"score tests/fixtures/models/ngram.tsm --input %s/x", "/x: no such file or directory: "},
        {"impute tests/fixtures/models/ngram.tsm --input %s/x", "/x: no such file or directory: "},
        {"train --model ngram %s/x", "/x: no such dataset directory: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(cmd, sizeof cmd, cases[i].cmd, f);
        char want[700];
        snprintf(want, sizeof want, "%s is a file, not a directory", f);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, cases[i].says) && strstr(err, want) && !strstr(err, "Not a directory"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
}

/* a split's folder given where a dataset is read: what to give instead, and one of its
 * window files only where the command reads a window file (impute and score --input,
 * eval, audit --train), not where it reads a dataset alone (train, constraints, export,
 * markov), which would refuse that file too */
static void split_folder_hint_fits_command(void)
{
    char cmd[4096], err[2048], sp[600], m[600];
    snprintf(sp, sizeof sp, "%s/ds-sp", dir);
    snprintf(m, sizeof m, "%s/sp.tsm", dir);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 50 -o %s", dir, sp);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 50 -o %s", dir, m);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    char files[700];
    snprintf(files, sizeof files, "one of its window files (%s/testing)", sp);
    const struct { const char *cmd; int files; } cases[] = {
        {"train --model ngram %s -o %s.tsm", 0},
        {"constraints %s -o %s.tsc", 0},
        {"export %s -o %s.txt", 0},
        {"markov %s -n 10 -o %s-mk", 0},
        {"impute %2$s --input %1$s", 1},
        {"score %2$s --input %1$s", 1},
        {"eval --real %1$s --synthetic %1$s/testing", 1},
        {"audit --train %1$s --test %1$s/testing", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(cmd, sizeof cmd, cases[i].cmd, sp, cases[i].files ? m : sp);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "a split's folder (split.txt), not a dataset: give the dataset it was made of") &&
                      !strstr(err, "window file") == !cases[i].files && (!cases[i].files || strstr(err, files)),
                  "%s: exit %d: %s", cmd, rc, err);
    }
}

/* --resume given another model's checkpoint, or the model file beside one: what the file
 * is and what to give instead (the model that resumes it; the checkpoint, MODEL.ckpt), not
 * only that it is not this model's checkpoint */
static void resume_names_the_file_given(void)
{
    char cmd[4096], err[2048], m[600];
    snprintf(m, sizeof m, "%s/rs.tsm", dir);
    const char *common = "--threads 1 --no-progress --length 24 --windows 8 --iters 2 --valid-every 2 --batch 4";
    snprintf(cmd, sizeof cmd, "train --model mdm %s/ds %s -o %s --layers 1 --channels 8 --state 4 --context 16 "
             "--valid-windows 4", dir, common, m);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model lstm %s/ds %s -o %s/rs2.tsm --resume %s.ckpt --layers 1 --hidden 8",
             dir, common, dir, m);
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "rs.tsm.ckpt: an mdm training checkpoint, not an lstm one") &&
                  strstr(err, "train --model mdm"), "%s: exit %d: %s", cmd, rc, err);
    snprintf(cmd, sizeof cmd, "train --model mdm %s/ds %s -o %s/rs2.tsm --resume %s --layers 1 --channels 8 "
             "--state 4 --context 16 --valid-windows 4", dir, common, dir, m);
    rc = run_cli(cmd, err, sizeof err);
    char want[700];
    snprintf(want, sizeof want, "(%s.ckpt)", m);
    CHECK_MSG(rc == 1 && strstr(err, "rs.tsm: an mdm model file, not a training checkpoint") && strstr(err, want),
              "%s: exit %d: %s", cmd, rc, err);
    /* a checkpoint of no model tracesynth has (a damaged tag whose CRC was made again):
     * no command to resume it with is suggested */
    char odd[700];
    snprintf(odd, sizeof odd, "%s/odd.ckpt", dir);
    ts_writer w;
    ts_writer_init(&w, odd);
    ts_writer_text(&w, "MODEL", "mdo-checkpoint");
    REQUIRE(ts_writer_commit(&w) == 0);
    snprintf(cmd, sizeof cmd, "train --model mdm %s/ds %s -o %s/rs3.tsm --resume %s --layers 1 --channels 8 "
             "--state 4 --context 16 --valid-windows 4", dir, common, dir, odd);
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "odd.ckpt: a training checkpoint of 'mdo', no model tracesynth has") &&
                  !strstr(err, "--model mdo"), "%s: exit %d: %s", cmd, rc, err);
}

/* a directory where a window file is read (audit --test, eval --original, markov
 * --from-events): a dataset, a split's folder or impute's output, each named with the file
 * to give instead, not only "is a directory" */
static void directory_for_windows_named(void)
{
    char cmd[4096], err[2048], sp[600], im[600], want[3][1400];
    snprintf(sp, sizeof sp, "%s/ds-sp", dir);
    snprintf(im, sizeof im, "%s/ds-imp", dir);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 50 -o %s", dir, sp);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 50 -o %s.tsm", dir, im);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "impute %s.tsm --input %s/ds --blackout 3 -o %s", im, dir, im);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(want[0], sizeof want[0], "%s/ds: a dataset (stream.txt), not a window file: 'tracesynth split %s/ds "
             "--length L -o %s/ds/split' writes its window files (%s/ds/split/testing)", dir, dir, dir, dir);
    snprintf(want[1], sizeof want[1], "%s: a split's folder (split.txt), not a window file: give one of its window "
             "files (%s/testing)", sp, sp);
    snprintf(want[2], sizeof want[2], "%s: impute's output folder, not a window file: give its files (%s/original0.npy, "
             "mask0.npy, imputation0.npy)", im, im);
    char ds[600];
    snprintf(ds, sizeof ds, "%s/ds", dir);
    const char *paths[3] = {ds, sp, im};
    for (int i = 0; i < 3; i++) {
        const char *forms[] = {"audit --train %s/ds --test %s", "eval --original %2$s --mask %2$s --imputed %2$s",
                               "markov %1$s/ds --from-events %2$s -o %1$s/mk"};
        for (int j = 0; j < 3; j++) {
            snprintf(cmd, sizeof cmd, forms[j], dir, paths[i]);
            const int rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 1 && strstr(err, want[i]), "%s: exit %d: %s", cmd, rc, err);
        }
    }
}

/* split -o a folder holding another dataset is refused before anything is written: the
 * split's vocab.tsv replaced the dataset's, whose IDs then named other events (or none: its
 * next read failed). The dataset's own folder keeps its names */
static void split_into_a_dataset_refused(void)
{
    char cmd[4096], err[2048], other[600], self[600], vt[700], keep[700], sv[700], skeep[700];
    snprintf(other, sizeof other, "%s/other-ds", dir);
    snprintf(self, sizeof self, "%s/ds-self", dir);
    REQUIRE(save_motif_dataset(other, 300) == 0);
    REQUIRE(save_motif_dataset(self, 1000) == 0);
    /* its names in another order than ds's: a split of ds there would rename its events */
    const char *names = "0\tioctl\t1\n1\tbrk\t1\n2\tfutex\t1\n3\tmmap\t1\n4\tclose\t1\n5\topenat\t1\n"
                        "6\twrite\t1\n7\tread\t1\n";
    snprintf(vt, sizeof vt, "%s/vocab.tsv", other);
    snprintf(keep, sizeof keep, "%s/names-before", dir);
    write_text(vt, names);
    write_text(keep, names);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 50 -o %s", dir, other);
    int rc = run_cli(cmd, err, sizeof err);
    char want[700], sp[700];
    snprintf(want, sizeof want, "%s: holds a dataset (stream.txt)", other);
    snprintf(sp, sizeof sp, "%s/split.txt", other);
    CHECK_MSG(rc == 1 && strstr(err, want) && strstr(err, "name another directory") && !ts_file_exists(sp),
              "%s: exit %d: %s", cmd, rc, err);
    CHECK(files_equal(vt, keep));
    /* split ds -o ds: written, the names as they were */
    snprintf(sv, sizeof sv, "%s/vocab.tsv", self);
    snprintf(skeep, sizeof skeep, "%s/self-names-before", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", sv, skeep);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "split %s --length 50 -o %s", self, self);
    rc = run_cli(cmd, err, sizeof err);
    snprintf(sp, sizeof sp, "%s/split.txt", self);
    CHECK_MSG(rc == 0 && ts_file_exists(sp), "%s: exit %d: %s", cmd, rc, err);
    CHECK(files_equal(sv, skeep));
}

/* a multi-channel model's name where a single-channel model is trained (bench impute,
 * fill, bench fill): named as one, with the models taken, not as an unknown model */
static void multi_channel_name_not_unknown(void)
{
    char cmd[4096], err[2048];
    const char *forms[] = {"bench impute --model mdm-mc %s/ds", "fill tests/data/ftrace_pipe.trace.gz --model ddpm-mc "
                           "-o %s/f.trace -q", "bench fill tests/data/ftrace_pipe.trace.gz --model mdm-mc -q"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, forms[i], dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "-mc' is a multi-channel model (a dataset of ingest --channels)") &&
                      strstr(err, "single-channel models: ngram, ") && !strstr(err, "unknown model"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
}

/* a single-file output (a model, a log, constraints, a text, a JSON) over another
 * dataset's or a split's own file, or where a link leads to one, would replace or grow
 * its data: refused before the work, as generate's windows are */
static void outputs_keep_other_datasets(void)
{
    char cmd[4096], err[2048], other[600], sp[600], keep[700], ln[700], fake[700];
    snprintf(other, sizeof other, "%s/other-out", dir);
    snprintf(sp, sizeof sp, "%s/other-split", dir);
    REQUIRE(save_motif_dataset(other, 300) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds --length 50 -o %s", dir, sp);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(keep, sizeof keep, "%s/other-out-keep", dir);
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", other, keep);
    REQUIRE(system(cmd) == 0);
    snprintf(ln, sizeof ln, "%s/to-other-stream", dir);
    snprintf(cmd, sizeof cmd, "%s/stream.txt", other);
    REQUIRE(symlink(cmd, ln) == 0);
    snprintf(fake, sizeof fake, "%s/not-a-model.tsm", dir);
    write_text(fake, "x\n");
    const char *forms[] = {
        "train --model ngram %s/ds --length 40 -o %s/other-out/vocab.tsv",
        "train --model ngram %s/ds --length 40 --log %s/other-out/stream.txt -o %s/x.tsm",
        "train --model mdm %s/ds --length 40 --iters 2 --threads 1 --log %s/other-out/stream.txt -o %s/x.tsm",
        "train --model ngram %s/ds --length 40 -o %s/other-out/time_ns.npy",
        "train --model ngram %s/ds --length 40 -o %s/other-split/train_stream.txt",
        "train --model ngram %s/ds --length 40 -o %s/to-other-stream",
        "constraints %s/ds -o %s/other-out/stream.txt",
        "export %s/ds -o %s/other-out/stream.txt",
        "export %s/ds -o %s/other-split/testing",
        "bench impute --model ngram %s/ds --lengths 40 --blackouts 1 --positions center --json %s/other-out/vocab.tsv",
        "fill tests/data/ftrace_pipe.trace.gz -q -o %s/other-out/stream.txt",
        "fill tests/data/ftrace_pipe.trace.gz -q -o %s/f2.trace --save-model %s/other-out/vocab.tsv",
        "drop tests/data/ftrace_pipe.trace.gz -q -o %s/other-split/train_stream.txt",
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        snprintf(cmd, sizeof cmd, forms[i], dir, dir, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        /* OTHER/time_ns.npy is not there yet: written, not written over */
        CHECK_MSG(rc == 1 && (strstr(err, ": a file of the dataset ") || strstr(err, ": a file of the split ")) &&
                      strstr(err, strstr(cmd, "time_ns.npy") ? "(not there yet: the next load of the dataset would "
                                                               "read it), which -o " : "would write over") &&
                      !strstr(err, "that this command reads"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    const char *more[] = {"tune-prior %s %s/ds -o %s/other-out/stream.txt",
                          "tune-prior %s %s/ds -o %s/y.tsm --log %s/other-out/vocab.tsv"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, more[i], fake, dir, dir, dir);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, ": a file of the dataset ") && strstr(err, "would write over"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    const char *files[] = {"stream.txt", "vocab.tsv"};
    for (int i = 0; i < 2; i++) {
        char a[800], b[800];
        snprintf(a, sizeof a, "%s/%s", other, files[i]);
        snprintf(b, sizeof b, "%s/%s", keep, files[i]);
        CHECK_MSG(files_equal(a, b), "%s changed", a);
    }
    snprintf(cmd, sizeof cmd, "%s/time_ns.npy", other);
    CHECK(!ts_file_exists(cmd));
    /* a file beside them that is none of theirs is written */
    snprintf(cmd, sizeof cmd, "train --model ngram %s/ds --length 40 -o %s/other-out/ng.tsm", dir, dir);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* a dataset whose own file is a link to a file elsewhere (DS/stream.txt -> ../store/s.txt):
 * an output named as that file is written where the link leads, over the dataset's data,
 * so it is refused by its name too, the file kept */
static void outputs_keep_linked_dataset_files(void)
{
    char cmd[4096], err[2048], ds[600], store[600], keep[700], path[700];
    snprintf(ds, sizeof ds, "%s/lk-ds", dir);
    snprintf(store, sizeof store, "%s/lk-store", dir);
    REQUIRE(save_motif_dataset(ds, 300) == 0);
    REQUIRE(mkdir(store, 0755) == 0);
    snprintf(cmd, sizeof cmd, "mv '%s/stream.txt' '%s/s.txt' && ln -s ../lk-store/s.txt '%s/stream.txt' && "
             "cp '%s/s.txt' '%s/keep.txt'", ds, store, ds, store, store);
    REQUIRE(system(cmd) == 0);
    snprintf(keep, sizeof keep, "%s/keep.txt", store);
    snprintf(path, sizeof path, "%s/stream.txt", ds);
    const char *forms[] = {"export %s/ds -o %s", "constraints %s/ds -o %s",
                           "train --model ngram %s/ds --length 40 -o %s"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, forms[i], dir, path);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "lk-ds/stream.txt: a file of the dataset ") && strstr(err, "would write over"),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    snprintf(cmd, sizeof cmd, "%s/s.txt", store);
    CHECK_MSG(files_equal(cmd, keep), "%s changed", cmd);
    /* the dataset read itself, so linked: named as the one read */
    snprintf(cmd, sizeof cmd, "export %s -o %s", ds, path);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "lk-ds that this command reads"), "%s", err);
}

/* a folder output (a dataset, a split, a CTF trace, impute's files, generate's dataset of a
 * multi-channel model or of --channels-from) made at the name of a dataset's own file that
 * it does not have yet (OTHER/time_ns.npy, OTHER/dt.npy: a dataset without times or Δt)
 * would be read as that file the next time the dataset is loaded, which then fails:
 * refused before the work, in one line naming it, and nothing is made */
static void folder_outputs_keep_other_datasets(void)
{
    char cmd[4096], err[2048], other[600], keep[700], path[800];
    snprintf(other, sizeof other, "%s/fo-other", dir);
    REQUIRE(save_motif_dataset(other, 300) == 0);
    snprintf(keep, sizeof keep, "%s/fo-keep", dir);
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", other, keep);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "constraints %s/ds -o %s/fo.tsc", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "export %s/ds --format ctf -o %s/fo-ctf", dir, dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* a single-channel model of a multi-channel dataset's events, for --channels-from */
    snprintf(cmd, sizeof cmd, "train --model ngram tests/fixtures/models/mcds --length 10 -o %s/fo-ng.tsm", dir);
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    /* ndir: how many times the form names dir (the scratch folder) before OTHER's file */
    static const struct { const char *form, *file; int ndir; } forms[] = {
        {"export %s/ds --format ctf -o %s", "time_ns.npy", 1},
        {"ingest --from strace tests/data/strace_f.log -o %s", "dt.npy", 0},
        {"split %s/ds --length 50 -o %s", "cpu.npy", 1},
        {"markov %s/ds -n 40 --length 20 -o %s", "arch", 1},
        {"repair %s/ds --constraints %s/fo.tsc -o %s", "exit.npy", 2},
        {"impute %s/ng.tsm --input %s/ds --length 60 --windows 4 --blackout 6 -o %s", "tid.npy", 2},
        {"generate tests/fixtures/models/mdm-mc.tsm -n 4 --length 4 --threads 1 -o %s", "ret.npy", 0},
        {"generate %s/fo-ng.tsm --channels-from tests/fixtures/models/mcds -n 4 --length 4 --threads 1 -o %s",
         "derived", 1},
        {"drop %s/fo-ctf -q -o %s", "comm.npy", 1},
        {"fill %s/fo-ctf -q -o %s", "length", 1},
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        snprintf(path, sizeof path, "%s/%s", other, forms[i].file);
        if (forms[i].ndir == 0) snprintf(cmd, sizeof cmd, forms[i].form, path);
        else if (forms[i].ndir == 1) snprintf(cmd, sizeof cmd, forms[i].form, dir, path);
        else snprintf(cmd, sizeof cmd, forms[i].form, dir, dir, path);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, ": a file of the dataset ") && strstr(err, path) &&
                      strstr(err, "(not there yet: the next load of the dataset would read it), which -o ") &&
                      !strstr(err, "that this command reads") && !strchr(err, '\n') && !ts_file_exists(path),
                  "%s: exit %d: %s", cmd, rc, err);
        ts_remove_tree(path);
    }
    /* the dataset read itself: named as such */
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/ds/%s", dir, i ? "cpu.npy" : "time_ns.npy");
        snprintf(cmd, sizeof cmd, i ? "markov %s/ds -n 40 --length 20 -o %s" : "split %s/ds --length 50 -o %s", dir,
                 path);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "/ds that this command reads (not there yet: ") &&
                      strstr(err, "give another DIR") && !ts_file_exists(path),
                  "%s: exit %d: %s", cmd, rc, err);
    }
    const char *files[] = {"stream.txt", "vocab.tsv"};
    for (int i = 0; i < 2; i++) {
        char a[800], b[800];
        snprintf(a, sizeof a, "%s/%s", other, files[i]);
        snprintf(b, sizeof b, "%s/%s", keep, files[i]);
        CHECK_MSG(files_equal(a, b), "%s changed", a);
    }
    CHECK(count_dir(other) == 2);
    /* a folder beside them that is none of theirs is made */
    snprintf(cmd, sizeof cmd, "export %s/ds --format ctf -o %s/fo-trace", dir, other);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* the folders of directory_for_windows_named given with a trailing '/': the files to give
 * instead named as paths (DIR/testing), not "DIR//testing" */
static void directory_for_windows_trailing_slash(void)
{
    char cmd[4096], err[2048], sp[600], im[600], f[700];
    snprintf(sp, sizeof sp, "%s/slash-sp", dir);
    snprintf(im, sizeof im, "%s/slash-imp", dir);
    mkdir(sp, 0755);
    mkdir(im, 0755);
    snprintf(f, sizeof f, "%s/split.txt", sp);
    FILE *o = fopen(f, "w");
    REQUIRE(o);
    fclose(o);
    snprintf(f, sizeof f, "%s/original0.npy", im);
    REQUIRE((o = fopen(f, "w")));
    fclose(o);
    const char *given[3] = {"%s/ds/", "%s/slash-sp/", "%s/slash-imp/"};
    const char *want[3] = {"/ds/split/testing)", "/slash-sp/testing)", "/slash-imp/original0.npy,"};
    for (int i = 0; i < 3; i++) {
        char path[700];
        snprintf(path, sizeof path, given[i], dir);
        snprintf(cmd, sizeof cmd, "audit --train %s/ds --test %s", dir, path);
        const int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, want[i]) && !strstr(err, "//"), "%s: exit %d: %s", cmd, rc, err);
    }
}

/* hints that quote a command give a path with a blank or a shell character as the shell
 * reads it back ('DIR/d s'), a plain one as it was (standard input's '-' too) */
static void command_hints_quote_paths(void)
{
    char args[2048], err[2048], says[2048], f[700];
    snprintf(f, sizeof f, "%s/d s", dir);
    mkdir(f, 0755);
    snprintf(f, sizeof f, "%s/d s/stream.txt", dir);
    FILE *o = fopen(f, "w");
    REQUIRE(o);
    fclose(o);
    snprintf(args, sizeof args, "score tests/fixtures/models/ngram.tsm '%s/d s'", dir);
    snprintf(says, sizeof says, "the windows are --input's (--input '%s/d s')", dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, says), "%s: %s", args, err);
    snprintf(args, sizeof args, "score tests/fixtures/models/ngram.tsm - < /dev/null");
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "(--input -)"), "%s: %s", args, err);
    snprintf(args, sizeof args, "audit --train %s/ds --test '%s/d s'", dir, dir);
    snprintf(says, sizeof says, ": tracesynth split '%s/d s' --length L -o '%s/d s/split' writes its window files "
             "(%s/d s/split/testing)", dir, dir, dir);
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, says), "%s: %s", args, err);
    /* tune-prior's "impute OUT with --ensemble FILE" */
    const char *m = "tests/fixtures/models";
    snprintf(args, sizeof args, "cp %s/mdm.tsm '%s/m d.tsm'", m, dir);
    REQUIRE(system(args) == 0);
    snprintf(args, sizeof args, "tune-prior %s/mdm.tsm %s/ds --ensemble '%s/m d.tsm' --windows 20 --threads 1 -o "
             "'%s/o u.tsm' --no-progress", m, m, dir, dir);
    static char out[16384];
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(says, sizeof says, ": impute '%s/o u.tsm' with --ensemble '%s/m d.tsm')", dir, dir);
    CHECK_MSG(strstr(out, says), "%s", out);
}

/* split DS/ -o ANOTHER-DATASET: the refusal's example folder joined as a path (DS/split),
 * not "DS//split" */
static void split_into_a_dataset_trailing_slash(void)
{
    char cmd[4096], err[2048], other[600], want[700];
    snprintf(other, sizeof other, "%s/other-ds2", dir);
    REQUIRE(save_motif_dataset(other, 300) == 0);
    snprintf(cmd, sizeof cmd, "split %s/ds/ --length 50 -o %s", dir, other);
    snprintf(want, sizeof want, "(a split's own, as %s/ds/split)", dir);
    const int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, want) && !strstr(err, "//"), "%s: exit %d: %s", cmd, rc, err);
}

/* the tests' CLI runner: a run whose LeakSanitizer failed as a tool (a non-zero exit, its
 * stdout lost with stdio's buffers) is run again, so that its stdout and status are the
 * program's; a program's own failure, or a leak report, is not run again */
static void cli_runner_retries_tool_failures(void)
{
    char fake[600], count[600], body[2048], out[256];
    snprintf(fake, sizeof fake, "%s/fake-cli.sh", dir);
    snprintf(count, sizeof count, "%s/fake-cli.count", dir);
    snprintf(body, sizeof body,
             "#!/bin/sh\necho x >> '%s'\n"
             "n=$(wc -l < '%s')\n"
             "case \"$1\" in\n"
             "tool) if [ \"$n\" -lt 2 ]; then echo '==1==LeakSanitizer has encountered a fatal error.' >&2; exit 1; fi;"
             " echo '[ok]'; echo 'done: one line' >&2; exit 0;;\n"
             "leak) echo '==1==ERROR: LeakSanitizer: detected memory leaks' >&2;"
             " echo '==1==LeakSanitizer has encountered a fatal error.' >&2; exit 23;;\n"
             "*) echo 'tracesynth: error: bad' >&2; exit 1;;\n"
             "esac\n",
             count, count);
    write_text(fake, body);
    REQUIRE(chmod(fake, 0755) == 0);
    const char *env = getenv("TRACESYNTH");
    char *keep = env ? strdup(env) : NULL;
    setenv("TRACESYNTH", fake, 1);
    const int modes[3] = {CLI_OUT, CLI_ERR_LINE, CLI_OUT_ERR};
    for (int m = 0; m < 3; m++) {
        unlink(count);
        const int rc = cli_run("tool", modes[m], out, sizeof out);
        size_t n = 0;
        char *runs = slurp_file(count, &n);
        CHECK_MSG(rc == 0 && n == 4, "mode %d: exit %d after %zu runs: %s", m, rc, n / 2, out);
        free(runs);
        CHECK_MSG(m != 0 || !strcmp(out, "[ok]\n"), "%s", out);
        CHECK_MSG(m != 1 || !strcmp(out, "done: one line"), "%s", out);
    }
    const char *once[2] = {"leak", "other"};
    for (int i = 0; i < 2; i++) {
        unlink(count);
        const int rc = cli_run(once[i], CLI_OUT, out, sizeof out);
        size_t n = 0;
        char *runs = slurp_file(count, &n);
        CHECK_MSG(rc != 0 && n == 2, "%s: exit %d after %zu runs", once[i], rc, n / 2);
        free(runs);
    }
    if (keep) setenv("TRACESYNTH", keep, 1);
    else unsetenv("TRACESYNTH");
    free(keep);
}

static void setup(void)
{
    REQUIRE(make_dataset() == 0);
}

TEST_MAIN("cli", {
    RUN(setup);
    RUN(train_impute_eval);
    RUN(impute_warns_trained_windows);
    RUN(fractions_from_the_model);
    RUN(held_out_parts_of_the_model);
    RUN(held_out_window_sets);
    RUN(held_out_paper_windows);
    RUN(names_after_a_short_training_part);
    RUN(unknown_hidden_said);
    RUN(one_pass_logs);
    RUN(window_length_from_the_model);
    RUN(generate_files);
    RUN(window_names_matched);
    RUN(window_names_vocab_checked);
    RUN(window_names_unknown_placed);
    RUN(impute_fill_unnamed_by_input);
    RUN(window_names_one_name_two_ids);
    RUN(impute_output_named);
    RUN(generate_removes_old_names);
    RUN(window_names_unused_noted);
    RUN(unnamed_input_noted);
    RUN(window_names_before_vocab_beside);
    RUN(vocab_unused_noted);
    RUN(generate_removes_other_format);
    RUN(generate_refuses_dataset_files);
    RUN(generate_keeps_unrelated_files);
    RUN(generate_keeps_the_model);
    RUN(generate_format_from_extension);
    RUN(generate_output_checked_first);
    RUN(generate_to_a_stream);
    RUN(generate_keeps_its_model);
    RUN(counts_of_one);
    RUN(bench_grid);
    RUN(bench_keeps_going);
    RUN(default_names_from_dataset);
    RUN(split_short_trace);
    RUN(split_stale_names);
    RUN(option_forms);
    RUN(inputs_from_pipes);
    RUN(inputs_dash_stdin);
    RUN(outputs_folder_synced);
    RUN(stdin_has_no_neighbours);
    RUN(model_keys_in_help);
    RUN(markov_keeps_its_dataset);
    RUN(markov_learned_part_held_out);
    RUN(markov_events_from_stdin);
    RUN(one_event_training_part);
    RUN(test_part_alone_read);
    RUN(bench_json_keeps_its_dataset);
    RUN(bench_json_checked_first);
    RUN(train_keeps_its_datasets);
    RUN(export_constraints_keep_their_dataset);
    RUN(bad_usage);
    RUN(errors_are_one_line);
    RUN(empty_argument_named);
    RUN(endless_device_refused);
    RUN(outputs_kept_out_of_traces);
    RUN(model_file_where_text_is_read);
    RUN(dash_output_refused);
    RUN(dash_dataset_refused);
    RUN(dash_model_refused);
    RUN(dash_ensemble_refused);
    RUN(mdm_greedy_seed_refused);
    RUN(run_option_errors_are_usage);
    RUN(score_train_option_errors_are_usage);
    RUN(train_refuses_unread_options);
    RUN(impute_refuses_unread_options);
    RUN(score_chain_names_mixture);
    RUN(impute_outputs_as_a_unit);
    RUN(impute_output_checked_first);
    RUN(runtime_env_and_valgrind);
    RUN(top_level);
    RUN(help_fits_80_columns);
    RUN(help_options_accepted);
    RUN(train_help_one_model);
    RUN(model_help_elsewhere);
    RUN(errors_show_bytes);
    RUN(messages_show_bytes);
    RUN(model_option_long_value);
    RUN(model_option_list_whole);
    RUN(impute_long_blackout_one_line);
    RUN(train_window_cap_usage);
    RUN(wrapped_error_long_path);
    RUN(too_long_paths);
    RUN(default_threads_one_pool);
    RUN(stdout_write_failure);
    RUN(error_line_one_write);
    RUN(tune_prior_phases_timed);
    RUN(tune_prior_log_failure_said);
    RUN(train_log_failure_after_loop_said);
    RUN(input_given_as_a_second_model);
    RUN(fill_option_refused_once);
    RUN(generate_fixed_length_is_usage);
    RUN(generate_mdm_length_cap_is_usage);
    RUN(mdm_greedy_samples_refused);
    RUN(one_event_singular);
    RUN(one_pass_resume_refused_alike);
    RUN(strace_log_as_perf_named);
    RUN(input_through_a_file_named);
    RUN(split_folder_hint_fits_command);
    RUN(resume_names_the_file_given);
    RUN(directory_for_windows_named);
    RUN(split_into_a_dataset_refused);
    RUN(multi_channel_name_not_unknown);
    RUN(outputs_keep_other_datasets);
    RUN(folder_outputs_keep_other_datasets);
    RUN(outputs_keep_linked_dataset_files);
    RUN(directory_for_windows_trailing_slash);
    RUN(command_hints_quote_paths);
    RUN(split_into_a_dataset_trailing_slash);
    RUN(cli_runner_retries_tool_failures);
    RUN(training_windows_script_errors);
    RUN(gen_metrics_oracle_script_errors);
})
