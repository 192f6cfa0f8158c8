/* tracesynth eval on the command line: text and .npy inputs, vocab.tsv found beside the
 * original, JSON output, and one clear error line with a non-zero exit on bad usage. */
#include "check.h"
#include "tracesynth.h"
#include "mc_trace.h"

static char dir[256];

static const char *at(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* the number after "key": in a JSON line, or NAN */
static double json_get(const char *json, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\": ", key);
    const char *p = strstr(json, k);
    if (!p || !strncmp(p + strlen(k), "null", 4)) return NAN;
    return atof(p + strlen(k));
}

static void setup(void)
{
    const char *d = scratch_dir();
    snprintf(dir, sizeof dir, "%s", d ? d : "/tmp");
    /* 2 windows of 5, centre k = 3: w0 all right, w1 one of three (LCS 2) */
    write_text(at("o.txt"), "1,2,3,4,5\n1,2,3,4,5\n");
    write_text(at("m.txt"), "1,0,0,0,1\n1,0,0,0,1\n");
    write_text(at("i.txt"), "1,2,3,4,5\n1,3,2,4,5\n");
    write_text(at("i_short.txt"), "1,2,3,4\n1,3,2,4\n");
    write_text(at("m_three.txt"), "1,0,0,0,1\n1,0,0,0,1\n1,0,0,0,1\n");
    write_text(at("m_bad.txt"), "1,0,0,0,1\n1,0,2,0,1\n");
    mkdir(at("named"), 0755);
    write_text(at("named/o.txt"), "0,1,2,3\n");
    write_text(at("named/m.txt"), "1,0,0,1\n");
    write_text(at("named/i.txt"), "0,4,3,3\n");
    write_text(at("named/vocab.tsv"), "0\tread\t9\n1\tsyscall_entry_write\t8\n2\tmmap\t7\n"
                                      "3\tfutex\t6\n4\tpread64\t5\n");
    mkdir(at("ds"), 0755);
    write_text(at("ds/stream.txt"), "1,2,3,4,5,6,7,8\n");
    write_text(at("real.txt"), "1,2,3\n4,5,6\n");
    write_text(at("synth.txt"), "2,3,4\n4,5,6\n3,2,1\n9,9,9\n");
}

static void help_and_usage(void)
{
    char err[512], out[4096];
    CHECK(run_stdout("eval --help", out, sizeof out) == 0);
    CHECK(strstr(out, "--original") && strstr(out, "--synthetic"));
    /* the usage names the multi-channel form and its options */
    CHECK_MSG(strstr(out, "[--constraints C] [--real-part P] [--fractions A,B,C]"), "%s", out);
    CHECK(run_cli("eval", err, sizeof err) == 2);
    CHECK(strstr(err, "nothing to evaluate") != NULL);
    CHECK(run_cli("eval --original a --mask b", err, sizeof err) == 2);
    CHECK(strstr(err, "--imputed") != NULL);
    CHECK(run_cli("eval --original a --mask b --imputed c --real d", err, sizeof err) == 2);
    CHECK(run_cli("eval --real a", err, sizeof err) == 2);
    CHECK(strstr(err, "--synthetic") != NULL);
    CHECK(run_cli("eval --bogus", err, sizeof err) == 2);
    CHECK(strstr(err, "--bogus") != NULL);
    CHECK(run_cli("eval --real", err, sizeof err) == 2);
    CHECK(strstr(err, "needs a value") != NULL);
}

/* an option the chosen mode never reads is refused, not dropped: the run would report
 * numbers as if it had been used */
static void options_of_the_other_mode(void)
{
    char args[2048], err[512];
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --constraints %s/none.tsc", at("o.txt"),
             at("m.txt"), at("i.txt"), dir);
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--constraints applies to multi-channel") != NULL, "%s", err);
    /* a multi-channel real trace (dt.npy beside stream.txt): memorization is against its
     * own training part, so --train would be ignored */
    mkdir(at("mc"), 0755);
    write_text(at("mc/stream.txt"), "1,2,3,4\n");
    write_text(at("mc/dt.npy"), "");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("mc"), at("mc"), at("ds"));
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--train applies to window files") != NULL, "%s", err);
}

static void impute_text(void)
{
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("o.txt"),
             at("m.txt"), at("i.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(strncmp(out, "{\"mode\": \"impute\"", 17) == 0);
    CHECK_NEAR(json_get(out, "windows"), 2, 0);
    CHECK_NEAR(json_get(out, "hidden"), 6, 0);
    CHECK_NEAR(json_get(out, "accuracy"), 100.0 * (1 + 1.0 / 3) / 2, 1e-5);
    CHECK_NEAR(json_get(out, "perfect"), 50, 1e-6);
    CHECK_NEAR(json_get(out, "rouge_l"), 100.0 * (1 + 2.0 / 3) / 2, 1e-5);
    CHECK_NEAR(json_get(out, "reordered"), 1, 0);   /* 3 4 5 filled as 4 3 5 */
    CHECK_NEAR(json_get(out, "accuracy_in_order"), 100, 1e-6);
    CHECK(isnan(json_get(out, "type_accuracy")));
    CHECK(strstr(out, "\"vocab\": null") != NULL);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("m.txt"),
             at("i.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(strstr(out, "accuracy") && strstr(out, "66.67"));
}

/* an input of '-' is standard input, read once as ingest reads its INPUT of -: each of
 * eval's file inputs gives what the file gives; two of them cannot both be it, and the
 * constraints file (read as a model's) is refused */
static void inputs_dash_stdin(void)
{
    char args[2048], want[4096], got[4096], err[512];
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("o.txt"), at("m.txt"),
             at("i.txt"));
    REQUIRE(run_stdout(args, want, sizeof want) == 0);
    const char *opts[3] = {"original", "mask", "imputed"}, *files[3] = {"o.txt", "m.txt", "i.txt"};
    for (int k = 0; k < 3; k++) {
        snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json < %s", k == 0 ? "-" : at("o.txt"),
                 k == 1 ? "-" : at("m.txt"), k == 2 ? "-" : at("i.txt"), at(files[k]));
        CHECK_MSG(run_stdout(args, got, sizeof got) == 0 && !strcmp(got, want), "--%s -: %s", opts[k], got);
    }
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synth.txt"),
             at("real.txt"));
    if (run_stdout(args, want, sizeof want) != 0) want[0] = 0;
    const char *gopts[3] = {"real", "synthetic", "train"}, *gfiles[3] = {"real.txt", "synth.txt", "real.txt"};
    for (int k = 0; k < 3; k++) {
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json < %s", k == 0 ? "-" : at("real.txt"),
                 k == 1 ? "-" : at("synth.txt"), k == 2 ? "-" : at("real.txt"), at(gfiles[k]));
        CHECK_MSG(run_stdout(args, got, sizeof got) == 0 && !strcmp(got, want), "--%s -: %s", gopts[k], got);
    }
    write_text(at("bad.txt"), "1,x\n");
    snprintf(args, sizeof args, "eval --real - --synthetic %s < %s", at("synth.txt"), at("bad.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "error: standard input:1: ") && !strstr(err, "/dev/stdin"),
              "%s", err);
    snprintf(args, sizeof args, "eval --real - --synthetic - < %s", at("real.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--synthetic -: standard input is read once"), "%s", err);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --constraints - < %s", at("real.txt"), at("synth.txt"),
             at("real.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--constraints -: ") &&
                  strstr(err, "not standard input"), "%s", err);
}

/* the names looked for beside O and I, where O or I is standard input: none is beside it,
 * and no /dev/stdin.names.txt is named */
static void impute_stdin_no_names_said(void)
{
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --original - --mask %s --imputed %s < %s", at("m.txt"), at("i.txt"), at("o.txt"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "no event names (no --vocab, no ") &&
                  strstr(out, "/i.names.txt)") && !strstr(out, "/dev/stdin") && !strstr(out, "beside standard input"),
              "%s", out);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed - < %s", at("o.txt"), at("m.txt"), at("i.txt"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0 && strstr(out, "/o.names.txt, no vocab.tsv beside ") &&
                  !strstr(out, "/dev/stdin"), "%s", out);
}

/* --vocab - names the events from standard input: the type accuracy line and --json name
 * it so, not /dev/stdin */
static void impute_vocab_stdin_named(void)
{
    char args[2048], out[4096];
    for (int json = 0; json < 2; json++) {
        snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --vocab -%s < %s", at("named/o.txt"),
                 at("named/m.txt"), at("named/i.txt"), json ? " --json" : "", at("named/vocab.tsv"));
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0 &&
                      strstr(out, json ? "\"vocab\": \"standard input\"" : "names from standard input") &&
                      !strstr(out, "/dev/stdin"), "%s", out);
    }
}

static void impute_vocab_found(void)
{
    /* hidden read/write -> pread64/futex: exact 0 of 2, types fs=fs, fs!=kernel */
    char args[2048], out[4096], err[512];
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("named/o.txt"),
             at("named/m.txt"), at("named/i.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "accuracy"), 0, 0);
    CHECK_NEAR(json_get(out, "type_accuracy"), 50, 1e-6);
    CHECK(strstr(out, "named/vocab.tsv") != NULL);
    /* an ID the vocabulary does not name */
    write_text(at("named/i_bad.txt"), "0,7,3,3\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("named/o.txt"),
             at("named/m.txt"), at("named/i_bad.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "i_bad.txt: window 0, position 1: ID 7") != NULL, "%s", err);
}

/* impute -o's names beside its windows (original0.names.txt, imputation0.names.txt, as
 * generate writes W.names.txt): the type accuracy names the events by them, an imputed ID
 * past the original's by the imputation's; they went unread ("no event names") */
static void impute_names_beside(void)
{
    char args[2048], out[4096], err[1024];
    static char *names[5] = {"read", "write", "mmap", "futex", "pread64"};
    const ts_vocab v = {5, names, NULL, -1};
    int32_t od[4] = {0, 1, 2, 3}, id[4] = {0, 4, 3, 3};
    const ts_windows o = {od, 1, 4}, im = {id, 1, 4};
    const uint8_t mask[4] = {1, 0, 0, 1};
    REQUIRE(ts_write_impute_named(at("impn"), &o, mask, &im, &v) == 0);
    /* hidden write/mmap imputed as pread64/futex: exact 0 of 2, types fs=fs, mm!=kernel */
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("impn/original0.npy"),
             at("impn/mask0.npy"), at("impn/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "accuracy"), 0, 0);
    CHECK_NEAR(json_get(out, "type_accuracy"), 50, 1e-6);
    CHECK_MSG(strstr(out, "impn/original0.names.txt\"") && strstr(out, "\"arch\": \"x86_64\""), "%s", out);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("impn/original0.npy"),
             at("impn/mask0.npy"), at("impn/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "type accuracy     50.00") && !strstr(out, "no event names"), "%s", out);
    /* names of other windows beside the imputation: one line naming the file */
    write_text(at("impn/imputation0.names.txt"), "write pread64 futex futex\n");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "imputation0.names.txt") &&
                  strstr(err, "'write'") && !strchr(err, '\n'), "%s", err);
    /* a name of the original's for another ID: the imputation's IDs are not the original's */
    write_text(at("impn/imputation0.names.txt"), "read mmap futex futex\n");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 &&
                  strstr(err, "imputation0.names.txt:1: 'mmap' for ID 4, which ") &&
                  strstr(err, "original0.names.txt:1 gives ID 2") && !strchr(err, '\n'), "%s", err);
    /* without them, the original's names are the vocabulary: the imputed real past them
     * clamped to its last ID, futex (kernel, not fs) */
    remove(at("impn/imputation0.names.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "type accuracy      0.00") && strstr(out, "names from ") &&
                  strstr(out, "impn/original0.names.txt"), "%s", out);
}

/* the imputation's names alone (original0.names.txt gone): they name its IDs and so the
 * original's, the same outside the mask; an ID of the original they do not name is no call.
 * They went unread ("no event names") */
static void impute_names_of_imputation_only(void)
{
    char args[2048], out[4096], err[1024];
    static char *names[6] = {"read", "write", "mmap", "futex", "pread64", "close"};
    const ts_vocab v = {6, names, NULL, -1};
    /* hidden write/mmap imputed as pread64/futex (fs = fs, mm != kernel); write and mmap
     * observed later in the window; close (5) hidden, imputed as read, named by neither */
    int32_t od[7] = {0, 1, 2, 3, 1, 2, 5}, id[7] = {0, 4, 3, 3, 1, 2, 0};
    const ts_windows o = {od, 1, 7}, im = {id, 1, 7};
    const uint8_t mask[7] = {1, 0, 0, 1, 1, 1, 0};
    REQUIRE(ts_write_impute_named(at("impi"), &o, mask, &im, &v) == 0);
    REQUIRE(remove(at("impi/original0.names.txt")) == 0);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("impi/original0.npy"),
             at("impi/mask0.npy"), at("impi/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "type_accuracy"), 50, 1e-6);
    CHECK_NEAR(json_get(out, "type_scored"), 2, 0);
    CHECK_NEAR(json_get(out, "type_unknown"), 1, 0);
    CHECK_MSG(strstr(out, "impi/imputation0.names.txt\"") && strstr(out, "\"arch\": \"x86_64\""), "%s", out);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("impi/original0.npy"),
             at("impi/mask0.npy"), at("impi/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "type accuracy     50.00") && !strstr(out, "no event names"), "%s", out);
    /* an original whose observed events are not the imputation's: its IDs are not those
     * the names name, refused in one line at the place */
    write_text(at("impi/other.txt"), "0,1,2,4,1,2,5\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("impi/other.txt"),
             at("impi/mask0.npy"), at("impi/imputation0.npy"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "other.txt: window 0, position 3: ") &&
                  strstr(err, "imputation0.names.txt") && !strchr(err, '\n'), "%s", err);
    /* a hidden ID no names file reaches: refused in one line (the names, kept by ID up to the
     * original's largest, took memory to it) */
    write_text(at("impi/other.txt"), "0,2000000000,2,3,1,2,5\n");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "other.txt: window 0, position 1: ID 2000000000") &&
                  strstr(err, "imputation0.names.txt") && !strchr(err, '\n'), "%s", err);
}

/* the hidden events named outside the table are listed by their own names: IDs the windows
 * do not hold (no name beside them) and vocabulary names no hidden event has are not listed;
 * they were ("?, ?, ?, ?, ...") before the hidden <unk> */
static void impute_unknown_names_hidden(void)
{
    char args[2048], out[4096];
    static char *names[6] = {"read", "foo_a", "foo_b", "foo_c", "<unk>", "write"};
    const ts_vocab v = {6, names, NULL, 4};
    int32_t od[4] = {0, 4, 5, 0}, id[4] = {0, 0, 0, 0};
    const ts_windows o = {od, 1, 4}, im = {id, 1, 4};
    const uint8_t mask[4] = {1, 0, 0, 1};
    REQUIRE(ts_write_impute_named(at("impu"), &o, mask, &im, &v) == 0);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("impu/original0.npy"),
             at("impu/mask0.npy"), at("impu/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "type unknown          1") && strstr(out, "not scored (<unk>)\n"), "%s", out);
    /* a --vocab of another numbering than the names beside the windows: refused in one line
     * naming both (it named the events by --vocab alone, the type accuracy of other events) */
    write_text(at("impu/other.tsv"), "0\twrite\t9\n1\tread\t1\n2\tfoo_b\t1\n3\tfoo_c\t1\n4\t<unk>\t0\n5\tmmap\t1\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --vocab %s", at("impu/original0.npy"),
             at("impu/mask0.npy"), at("impu/imputation0.npy"), at("impu/other.tsv"));
    char err[1024];
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "other.tsv") && strstr(err, "original0.names.txt:1") &&
                  strstr(err, "'write' for ID 0") && !strchr(err, '\n'), "%s", err);
    /* a vocab.tsv's names no hidden event has are not listed either */
    write_text(at("impu/v.tsv"), "0\tread\t9\n1\tfoo_a\t1\n2\tfoo_b\t1\n3\tfoo_c\t1\n4\t<unk>\t0\n5\twrite\t1\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --vocab %s --arch x86_64",
             at("impu/original0.npy"), at("impu/mask0.npy"), at("impu/imputation0.npy"), at("impu/v.tsv"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "not scored (<unk>: names unseen in training)\n"), "%s", out);
}

/* the vocabulary's path in --json is a JSON string: its quote escaped, a byte that is not
 * UTF-8 (a Latin-1 folder name) as \ufffd, never as it is */
static void impute_json_path_utf8(void)
{
    char args[2048], out[4096];
    mkdir(at("caf\xe9 \"v\""), 0755);
    write_text(at("caf\xe9 \"v\"/vocab.tsv"), "0\tread\t9\n1\tsyscall_entry_write\t8\n2\tmmap\t7\n"
                                            "3\tfutex\t6\n4\tpread64\t5\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --vocab '%s' --json", at("named/o.txt"),
             at("named/m.txt"), at("named/i.txt"), at("caf\xe9 \"v\"/vocab.tsv"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "caf\\ufffd \\\"v\\\"/vocab.tsv\"") && !strchr(out, '\xe9'), "%s", out);
}

/* the architecture a dataset records (ingest --arch, its arch file) is that of impute's
 * type accuracy and, through OUTDIR/arch, of eval's on impute -o's files; both took the
 * one the names are calls of (arch_prctl and iopl: x86_64's, which aarch64 lacks) */
static void impute_dataset_arch(void)
{
    char args[2048], out[4096], err[1024], s[2048] = "";
    mkdir(at("a64"), 0755);
    const char *pat = "0,1,2,0,3,0,0,2,1,0,2,3,";   /* read arch_prctl mmap read iopl read ... */
    for (int i = 0; i < 25; i++) strcat(s, pat);
    s[strlen(s) - 1] = '\n';
    write_text(at("a64/stream.txt"), s);
    write_text(at("a64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n");
    write_text(at("a64/arch"), "aarch64\n");
    snprintf(args, sizeof args, "train --model ngram %s --length 12 -o %s", at("a64"), at("a64.tsm"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 -o %s --json", at("a64.tsm"), at("a64"),
             at("a64out"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"aarch64\""), "%s", out);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("a64out/original0.npy"),
             at("a64out/mask0.npy"), at("a64out/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"aarch64\"") && json_get(out, "type_unknown") > 0, "%s", out);
    /* a dataset without one: the names' again, and an earlier run's OUTDIR/arch goes */
    remove(at("a64/arch"));
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 -o %s --json", at("a64.tsm"), at("a64"),
             at("a64out"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"x86_64\""), "%s", out);
    CHECK(access(at("a64out/arch"), F_OK) != 0);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("a64out/original0.npy"),
             at("a64out/mask0.npy"), at("a64out/imputation0.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"x86_64\"") && json_get(out, "type_unknown") == 0, "%s", out);
    /* one cut short is refused in one line naming it, nothing written */
    write_text(at("a64/arch"), "x86");
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 -o %s", at("a64.tsm"), at("a64"), at("a64cut"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "a64/arch: its word 'x86'") && !strchr(err, '\n'),
              "%s", err);
    CHECK(access(at("a64cut/original0.npy"), F_OK) != 0);
}

/* a split of such a dataset writes its arch beside the windows, and impute of a split's
 * file reads it there, as a dataset's (it guessed the names' architecture); a split of
 * one without it removes an earlier split's, a damaged one is refused in one line naming it */
static void impute_split_arch(void)
{
    char args[2048], out[4096], err[1024], s[2048] = "";
    mkdir(at("s64"), 0755);
    const char *pat = "0,1,2,0,3,0,0,2,1,0,2,3,";   /* read arch_prctl mmap read iopl read ... */
    for (int i = 0; i < 25; i++) strcat(s, pat);
    s[strlen(s) - 1] = '\n';
    write_text(at("s64/stream.txt"), s);
    write_text(at("s64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n");
    write_text(at("s64/arch"), "arm64\n");
    snprintf(args, sizeof args, "split %s --length 12 -o %s", at("s64"), at("s64split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 12 -o %s", at("s64"), at("s64.tsm"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json", at("s64.tsm"), at("s64split/testing"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"aarch64\""), "%s", out);
    FILE *f = fopen(at("s64split/arch"), "r");
    char word[32] = "";
    CHECK(f && fgets(word, sizeof word, f) && !strcmp(word, "aarch64\n"));   /* in its own spelling */
    if (f) fclose(f);
    /* a damaged one: refused in one line naming it */
    write_text(at("s64split/arch"), "sparc\n");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "s64split/arch") && !strchr(err, '\n'), "%s", err);
    /* the dataset without one: split again, the earlier split's goes, the names' again */
    remove(at("s64/arch"));
    snprintf(args, sizeof args, "split %s --length 12 -o %s", at("s64"), at("s64split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    CHECK(access(at("s64split/arch"), F_OK) != 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json", at("s64.tsm"), at("s64split/testing"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"x86_64\""), "%s", out);
}

/* impute -o of a split's folder: SPLIT/arch is the split's own (split writes it), which an
 * imputation of other windows would remove (they name no architecture) or write over (they
 * name another): refused in one line naming it, the split's left as it was; windows of the
 * split's own architecture (its testing file) go there as before */
static void impute_into_split_keeps_arch(void)
{
    char args[2048], out[4096], err[1024], s[2048] = "";
    mkdir(at("k64"), 0755);
    mkdir(at("k86"), 0755);
    mkdir(at("knone"), 0755);
    const char *pat = "0,1,2,0,3,0,0,2,1,0,2,3,";
    for (int i = 0; i < 25; i++) strcat(s, pat);
    s[strlen(s) - 1] = '\n';
    const char *voc = "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n";
    const char *dirs[3] = {"k64", "k86", "knone"}, *archs[3] = {"aarch64\n", "x86_64\n", NULL};
    for (int i = 0; i < 3; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/stream.txt", dirs[i]);
        write_text(at(p), s);
        snprintf(p, sizeof p, "%s/vocab.tsv", dirs[i]);
        write_text(at(p), voc);
        snprintf(p, sizeof p, "%s/arch", dirs[i]);
        if (archs[i]) write_text(at(p), archs[i]);
    }
    snprintf(args, sizeof args, "split %s --length 12 -o %s", at("k64"), at("k64split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 12 -o %s", at("k64"), at("k64.tsm"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    for (int i = 1; i < 3; i++) {   /* another architecture's windows, then windows of none */
        snprintf(args, sizeof args, "impute %s --input %s --length 12 --blackout 4 -o %s", at("k64.tsm"),
                 at(dirs[i]), at("k64split"));
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "k64split/arch") && !strchr(err, '\n'),
                  "%s: %s", dirs[i], err);
        FILE *f = fopen(at("k64split/arch"), "r");
        char word[32] = "";
        CHECK_MSG(f && fgets(word, sizeof word, f) && !strcmp(word, "aarch64\n"), "%s: '%s'", dirs[i], word);
        if (f) fclose(f);
        CHECK(access(at("k64split/imputation0.npy"), F_OK) != 0);
    }
    /* the split's own windows: written beside them, its arch the same */
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json -o %s", at("k64.tsm"),
             at("k64split/testing"), at("k64split"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"arch\": \"aarch64\""), "%s", out);
    CHECK(access(at("k64split/imputation0.npy"), F_OK) == 0);
    FILE *f = fopen(at("k64split/arch"), "r");
    char word[32] = "";
    CHECK(f && fgets(word, sizeof word, f) && !strcmp(word, "aarch64\n"));
    if (f) fclose(f);
    /* the library's writers leave it too, as a dataset's (windows that name none) */
    int32_t od[4] = {0, 1, 2, 3};
    const ts_windows o = {od, 1, 4};
    const uint8_t mask[4] = {1, 0, 0, 1};
    REQUIRE(ts_write_impute_triple(at("k64split"), &o, mask, &o) == 0);
    CHECK(access(at("k64split/arch"), F_OK) == 0);
}

/* a dataset written into a split's folder (markov -o, as generate and impute of a
 * multi-channel dataset, repair) would replace the split's vocab.tsv and arch with its own:
 * refused in one line naming the folder, the split left as it was */
static void dataset_output_not_in_split(void)
{
    char args[2048], err[1024], s[2048] = "";
    mkdir(at("m64"), 0755);
    const char *pat = "0,1,2,0,3,0,0,2,1,0,2,3,";
    for (int i = 0; i < 25; i++) strcat(s, pat);
    s[strlen(s) - 1] = '\n';
    write_text(at("m64/stream.txt"), s);
    write_text(at("m64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n");
    write_text(at("m64/arch"), "aarch64\n");
    snprintf(args, sizeof args, "split %s --length 12 -o %s", at("m64"), at("m64split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    write_text(at("m64/arch"), "x86_64\n");   /* the dataset's since: its own the split keeps */
    write_text(at("m64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n4\tkill\t0\n");
    snprintf(args, sizeof args, "markov %s -n 36 --length 12 -o %s", at("m64"), at("m64split"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "m64split") && strstr(err, "split.txt") &&
              !strchr(err, '\n'), "%s", err);
    CHECK(access(at("m64split/stream.txt"), F_OK) != 0);
    FILE *f = fopen(at("m64split/arch"), "r");
    char word[64] = "";
    CHECK_MSG(f && fgets(word, sizeof word, f) && !strcmp(word, "aarch64\n"), "'%s'", word);
    if (f) fclose(f);
    f = fopen(at("m64split/vocab.tsv"), "r");
    int lines = 0;
    while (f && fgets(word, sizeof word, f)) lines++;
    CHECK_MSG(lines == 4, "%d names", lines);
    if (f) fclose(f);
}

/* impute of an earlier impute's original0.npy reads the arch impute -o wrote beside it (and
 * writes it on to its OUTDIR), as eval does: its type accuracy by that table, not the one the
 * names guess; a damaged one is refused in one line naming it */
static void impute_output_arch_read(void)
{
    char args[2048], out[2][4096], err[1024], s[2048] = "";
    mkdir(at("o64"), 0755);
    const char *pat = "0,1,2,0,3,0,0,2,1,0,2,3,";   /* read arch_prctl mmap read iopl read ... */
    for (int i = 0; i < 25; i++) strcat(s, pat);
    s[strlen(s) - 1] = '\n';
    write_text(at("o64/stream.txt"), s);
    write_text(at("o64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n");
    write_text(at("o64/arch"), "aarch64\n");
    snprintf(args, sizeof args, "train --model ngram %s --length 12 -o %s", at("o64"), at("o64.tsm"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 -o %s", at("o64.tsm"), at("o64"), at("o64imp"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    REQUIRE(access(at("o64imp/arch"), F_OK) == 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 -o %s --json", at("o64.tsm"),
             at("o64imp/original0.npy"), at("o64again"));
    REQUIRE(run_stdout(args, out[0], sizeof out[0]) == 0);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("o64again/original0.npy"),
             at("o64again/mask0.npy"), at("o64again/imputation0.npy"));
    REQUIRE(run_stdout(args, out[1], sizeof out[1]) == 0);
    for (int k = 0; k < 2; k++) CHECK_MSG(strstr(out[k], "\"arch\": \"aarch64\""), "%s", out[k]);
    CHECK_MSG(json_get(out[0], "type_accuracy") == json_get(out[1], "type_accuracy"), "%s\n%s", out[0], out[1]);
    /* a damaged one: refused in one line naming it, as eval refuses it */
    write_text(at("o64imp/arch"), "sparc\n");
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json", at("o64.tsm"), at("o64imp/original0.npy"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "o64imp/arch") && !strchr(err, '\n'), "%s", err);
}

/* impute of a link to a split's file reads the vocab.tsv where the link leads, as it reads
 * the arch there: the windows matched by name, not read in the model's numbering (it read
 * the vocab.tsv beside the link, there none) */
static void impute_split_link_vocab(void)
{
    char args[2048], out[2][4096], err[1024], s[2][2048] = {"", ""};
    mkdir(at("v64"), 0755);
    mkdir(at("p64"), 0755);
    mkdir(at("v64link"), 0755);
    /* the same events, numbered otherwise in p64: read arch_prctl mmap read iopl read ... */
    const char *pat[2] = {"0,1,2,0,3,0,0,2,1,0,2,3,", "3,2,1,3,0,3,3,1,2,3,1,0,"};
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 25; i++) strcat(s[k], pat[k]);
        s[k][strlen(s[k]) - 1] = '\n';
    }
    write_text(at("v64/stream.txt"), s[0]);
    write_text(at("v64/vocab.tsv"), "0\tread\t125\n1\tarch_prctl\t50\n2\tmmap\t75\n3\tiopl\t50\n");
    write_text(at("p64/stream.txt"), s[1]);
    write_text(at("p64/vocab.tsv"), "0\tiopl\t50\n1\tmmap\t75\n2\tarch_prctl\t50\n3\tread\t125\n");
    write_text(at("p64/arch"), "arm64\n");
    snprintf(args, sizeof args, "split %s --length 12 -o %s", at("p64"), at("p64split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "train --model ngram %s --length 12 -o %s", at("v64"), at("v64.tsm"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    REQUIRE(symlink("../p64split/testing", at("v64link/t")) == 0);
    const char *in[2] = {"p64split/testing", "v64link/t"};
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json", at("v64.tsm"), at(in[k]));
        REQUIRE(run_output(args, out[k], sizeof out[k]) == 0);
        CHECK_MSG(!strstr(out[k], "has no vocab.tsv"), "%s: %s", in[k], out[k]);
        CHECK_MSG(strstr(out[k], "\"arch\": \"aarch64\""), "%s: %s", in[k], out[k]);
    }
    CHECK_MSG(json_get(out[1], "accuracy") == json_get(out[0], "accuracy") && json_get(out[0], "accuracy") == 100,
              "%s\n%s", out[0], out[1]);
}

/* a link to a window file in a folder without names, beside a vocab.tsv of its own: where
 * the link leads has none, so the one beside the link names the windows (impute, score and
 * eval alike), as it did before the names were looked for where a link leads */
static void link_vocab_beside_link(void)
{
    char args[2048], out[4096], err[1024];
    mkdir(at("bare"), 0755);
    mkdir(at("named"), 0755);
    write_text(at("bare/w.txt"), "3,2,1,3,0,3,3,1,2,3,1,0\n3,2,1,3,0,3,3,1,2,3,1,0\n");
    /* p64's numbering (impute_split_link_vocab made p64 and v64.tsm) */
    write_text(at("named/vocab.tsv"), "0\tiopl\t50\n1\tmmap\t75\n2\tarch_prctl\t50\n3\tread\t125\n");
    REQUIRE(symlink("../bare/w.txt", at("named/w.txt")) == 0);
    snprintf(args, sizeof args, "impute %s --input %s --blackout 4 --json", at("v64.tsm"), at("named/w.txt"));
    REQUIRE(run_output(args, out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "no names") && !strstr(out, "without names") && json_get(out, "accuracy") == 100, "%s",
              out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("named/w.txt"), at("p64split/testing"));
    REQUIRE(run_output(args, out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "without names"), "%s", out);
    (void)err;
}

/* eval --original LINK (LINK -> ../SPLIT/testing) names the original's events by the
 * vocab.tsv where the link leads, and takes the arch beside it, as impute reads its input:
 * the same type accuracy as --original SPLIT/testing, not "no event names" */
static void impute_eval_original_link_vocab(void)
{
    char args[2048], out[2][4096];
    mkdir(at("ol"), 0755);
    mkdir(at("olk"), 0755);
    write_text(at("ol/testing"), "0,1,2,3,0,1\n0,1,2,3,0,1\n");
    write_text(at("ol/vocab.tsv"), "0\tread\t4\n1\tmmap\t4\n2\topenat\t2\n3\tclose\t2\n");
    write_text(at("ol/arch"), "arm64\n");
    write_text(at("ol.mask.txt"), "1,1,0,0,1,1\n1,1,0,0,1,1\n");
    write_text(at("ol.imputed.txt"), "0,1,2,3,0,1\n0,1,3,2,0,1\n");
    REQUIRE(symlink("../ol/testing", at("olk/t")) == 0);
    const char *in[2] = {"ol/testing", "olk/t"};
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at(in[k]), at("ol.mask.txt"),
                 at("ol.imputed.txt"));
        REQUIRE(run_stdout(args, out[k], sizeof out[k]) == 0);
        CHECK_MSG(strstr(out[k], "ol/vocab.tsv\"") && strstr(out[k], "\"arch\": \"aarch64\""), "%s: %s", in[k],
                  out[k]);
    }
    CHECK_MSG(json_get(out[1], "type_accuracy") == json_get(out[0], "type_accuracy"), "%s\n%s", out[0], out[1]);
}

static void impute_bad_input(void)
{
    char args[2048], err[512];
    snprintf(args, sizeof args, "eval --original %s/nope.npy --mask %s --imputed %s", dir, at("m.txt"),
             at("i.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "nope.npy") && strncmp(err, "tracesynth: error: ", 19) == 0, "%s", err);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("m.txt"),
             at("i_short.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "i_short.txt: 2 windows of 4 events, but") && strstr(err, "o.txt has 2 windows of 5"),
              "%s", err);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"),
             at("m_three.txt"), at("i.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "m_three.txt: 3 windows of 5 events") != NULL, "%s", err);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("m_bad.txt"),
             at("i.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "m_bad.txt:2: mask value 2") != NULL, "%s", err);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("o.txt"),
             at("i.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);             /* values 2..5 in a mask */
    /* .npy with a shape mismatch against a text original */
    float f[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    size_t shape[3] = {4, 1, 3};
    REQUIRE(ts_npy_write(at("i.npy"), TS_NPY_F32, f, 3, shape) == 0);
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("m.txt"),
             at("i.npy"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "i.npy: 4 windows of 3 events") != NULL, "%s", err);
    /* a mask that hides nothing: the error names the mask file */
    write_text(at("m_none.txt"), "1,1,1,1,1\n1,1,1,1,1\n");
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("o.txt"), at("m_none.txt"),
             at("i.txt"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "m_none.txt: it hides no event") != NULL, "%s", err);
}

static void impute_npy_clamped(void)
{
    /* reals round to the nearest ID, clamped to [0, max ID of the original] = [0, 5] */
    float o[10] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 5}, m[10] = {1, 0, 0, 0, 1, 1, 0, 0, 0, 1};
    float im[10] = {0, 2.4f, 2.6f, 3.9f, 0, 0, -0.7f, 3.2f, 9.0f, 0};
    size_t shape[3] = {2, 1, 5};
    REQUIRE(ts_npy_write(at("o.npy"), TS_NPY_F32, o, 3, shape) == 0);
    REQUIRE(ts_npy_write(at("m.npy"), TS_NPY_F32, m, 3, shape) == 0);
    REQUIRE(ts_npy_write(at("im.npy"), TS_NPY_F32, im, 3, shape) == 0);
    /* w0: 2 3 4 -> 2 3 4 (all right); w1: 2 3 4 -> 0 3 5 (one right) */
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("o.npy"),
             at("m.npy"), at("im.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "accuracy"), 100.0 * (1 + 1.0 / 3) / 2, 1e-5);
    CHECK_NEAR(json_get(out, "perfect"), 50, 1e-6);
}

/* the original and the mask are exact: an original of float32 holds IDs as one of int64
 * does, so a negative one (-1 for an absent event) or one between two IDs is an error
 * naming the file and the place, never rounded or clamped onto an ID and scored */
static void impute_npy_original_exact(void)
{
    float m[5] = {1, 0, 0, 0, 1}, im[5] = {1, 0, 2, 3, 5};
    size_t shape[2] = {1, 5};
    REQUIRE(ts_npy_write(at("m1.npy"), TS_NPY_F32, m, 2, shape) == 0);
    REQUIRE(ts_npy_write(at("im1.npy"), TS_NPY_F32, im, 2, shape) == 0);
    static const struct { float bad; const char *err; } cases[] = {
        {-1.0f, "o_bad.npy: window 0, position 1: negative ID -1"},
        {-0.3f, "o_bad.npy: window 0, position 1: value -0.3 is no event ID (not a whole number)"},
        {2.5f, "o_bad.npy: window 0, position 1: value 2.5 is no event ID (not a whole number)"},
    };
    char args[2048], err[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        float o[5] = {1, cases[i].bad, 2, 3, 5};
        REQUIRE(ts_npy_write(at("o_bad.npy"), TS_NPY_F32, o, 2, shape) == 0);
        snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s --json", at("o_bad.npy"),
                 at("m1.npy"), at("im1.npy"));
        CHECK(run_cli(args, err, sizeof err) == 1);
        CHECK_MSG(strstr(err, cases[i].err) != NULL, "%s", err);
    }
    /* the same IDs as int64: the same error */
    int64_t o64[5] = {1, -1, 2, 3, 5};
    REQUIRE(ts_npy_write(at("o_bad.npy"), TS_NPY_I64, o64, 2, shape) == 0);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, cases[0].err) != NULL, "%s", err);
}

static void generate_text_and_dataset(void)
{
    char args[2048], out[4096], err[512];
    /* train = a dataset's whole stream (1..8); see test_eval.c gen_train_metrics */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"),
             at("synth.txt"), at("ds/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(strncmp(out, "{\"mode\": \"generate\"", 19) == 0);
    CHECK_NEAR(json_get(out, "d_trans"), 0.5, 1e-6);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);
    CHECK_NEAR(json_get(out, "lcs_mean"), 1.75, 1e-6);
    CHECK_NEAR(json_get(out, "lcs_max"), 3, 1e-6);
    CHECK_MSG(strstr(out, "\"lcs_max\": 3, "), "the longest run, a count of events, is written as an integer: %s", out);
    CHECK_NEAR(json_get(out, "coverage_real"), 1, 1e-6);          /* 1..6 all in synthetic */
    CHECK_NEAR(json_get(out, "coverage_synth"), 6.0 / 7, 1e-6);   /* 9 is not real */
    CHECK_NEAR(json_get(out, "synthetic_windows"), 4, 0);
    /* without train: those keys are null, the rest stays */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("real.txt"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(isnan(json_get(out, "d_trans")) && isnan(json_get(out, "lcs_p90")));
    CHECK(json_get(out, "js_unigram") > 0 && json_get(out, "js_unigram") < 1);
    CHECK(isnan(json_get(out, "downstream_accuracy")) && isnan(json_get(out, "downstream_train_bits")));
    /* train on synthetic, test on real: the predictor trained on the training data too */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --downstream 2 --json", at("real.txt"),
             at("synth.txt"), at("ds/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "downstream_order"), 2, 0);
    CHECK_MSG(strstr(out, "\"downstream_order\": 2, "), "the order, an integer, is written as one: %s", out);
    CHECK(json_get(out, "downstream_accuracy") >= 0 && json_get(out, "downstream_accuracy") <= 100);
    CHECK(json_get(out, "downstream_train_bits") > 0);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);   /* the rest unchanged */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --downstream 3", at("real.txt"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "order-3 Kneser-Ney") && strstr(out, "trained on synth") && !strstr(out, "trained on train"),
              "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --downstream 0", at("real.txt"), at("synth.txt"));
    CHECK(run_cli(args, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "--downstream") != NULL, "%s", err);
    /* table */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("ds"), at("synth.txt"),
             at("ds"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK(strstr(out, "D_trans") && strstr(out, "memorized"));
    /* a missing file and a directory without stream.txt */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s/none.txt", at("real.txt"), dir);
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "none.txt") != NULL, "%s", err);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("real.txt"), at("named"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "stream.txt") != NULL, "%s", err);
}

/* a dataset directory as the real trace is read whole (as the multi-channel comparison's
 * default part, all): the header says so, and where its held-out part is; a window file is
 * what it is, no part named */
static void generate_real_dataset_part_said(void)
{
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("ds"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    char want[600];
    snprintf(want, sizeof want, "1 window of 8 events, all of %s (its training part too;", at("ds"));
    CHECK_MSG(strstr(out, want) && strstr(out, "--real SPLIT/testing"), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("ds"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"mode\": \"generate\", \"real_part\": \"all\", "), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("real.txt"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "2 windows of 3 events\n") && !strstr(out, "all of"), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("real.txt"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_part\": null, "), "%s", out);
}

/* a dataset directory as the training data is its training part (the time split's first
 * 70 %: 1..5 of 1..8), as train --split time trained on it: 2 3 4 alone of the synthetic
 * windows is in it verbatim; the header and JSON train_part say so. Its stream.txt named
 * as a file is all of it (4 5 6 too); a window file is what it is, no part named */
static void generate_train_dataset_part(void)
{
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synth.txt"),
             at("ds"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"real_part\": null, \"train_part\": \"train\", \"train_fractions\": [0.7, 0.1, 0.2], "
                          "\"train_fractions_from\": \"default\", "), "%s", out);
    CHECK_NEAR(json_get(out, "memorized"), 0.25, 1e-6);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("real.txt"), at("synth.txt"), at("ds"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    char want[600];
    snprintf(want, sizeof want, "1 window of 5 events, the training part of %s (events [0, 5) of 8, the time "
             "split's first 70 %%, as train --split time cuts it; all of it: --train %s/stream.txt)", at("ds"), at("ds"));
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synth.txt"),
             at("ds/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"train_part\": null, \"train_fractions\": null, \"train_fractions_from\": null, "), "%s",
              out);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("real.txt"), at("synth.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"train_part\": null, "), "%s", out);
}

/* a dataset split at other fractions than the default: --train DS is cut as the time split
 * DS's own split (split.txt) records, 0.5 (1..10 of 1..20: 8 9 10 memorized, 11 12 13 not),
 * not at 70 % (1..14: both); --fractions cuts it as given (0.65: 1..13, both); two
 * splits of DS at different fractions without --fractions are refused, naming both;
 * --fractions without a dataset directory to cut is a usage error */
static void generate_train_dataset_fractions(void)
{
    char args[2048], out[4096], err[1024], want[900];
    mkdir(at("dsf"), 0755);
    write_text(at("dsf/stream.txt"), "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20\n");
    write_text(at("synthf.txt"), "8,9,10\n11,12,13\n");
    snprintf(args, sizeof args, "split %s --length 2 --windows 2 --fractions 0.5,0.25,0.25 -o %s", at("dsf"),
             at("dsf/split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synthf.txt"),
             at("dsf"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"train_part\": \"train\", "), "%s", out);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);
    /* JSON says which shares cut it, as the train line does */
    snprintf(want, sizeof want, "\"train_fractions\": [0.5, 0.25, 0.25], \"train_fractions_from\": \"%s\", ",
             at("dsf/split/split.txt"));
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("real.txt"), at("synthf.txt"),
             at("dsf"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(want, sizeof want, "1 window of 10 events, the training part of %s (events [0, 10) of 20, the time "
             "split's first 50 %%, as %s records it; all of it: --train %s/stream.txt)", at("dsf"),
             at("dsf/split/split.txt"), at("dsf"));
    CHECK_MSG(strstr(out, want), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.65,0.15,0.2 --json",
             at("real.txt"), at("synthf.txt"), at("dsf"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "memorized"), 1.0, 1e-6);
    CHECK_MSG(strstr(out, "\"train_fractions\": [0.65, 0.15, 0.2], \"train_fractions_from\": \"--fractions\", "),
              "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.65,0.15,0.2",
             at("real.txt"), at("synthf.txt"), at("dsf"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "(events [0, 13) of 20, the time split's first 65 %, as --fractions cuts it;"), "%s", out);
    /* a second split at other fractions: which one the model was trained on is not known */
    snprintf(args, sizeof args, "split %s --length 2 --windows 2 --fractions 0.6,0.2,0.2 -o %s", at("dsf"),
             at("dsf/split6"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("real.txt"), at("synthf.txt"),
             at("dsf"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, at("dsf/split/split.txt")) &&
                  strstr(err, at("dsf/split6/split.txt")) && strstr(err, "--fractions"), "%s", err);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.6,0.2,0.2 --json",
             at("real.txt"), at("synthf.txt"), at("dsf"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);
    /* nothing to cut */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.6,0.2,0.2", at("real.txt"),
             at("synthf.txt"), at("dsf/stream.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--fractions"), "%s", err);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --fractions 0.6,0.2,0.2", at("real.txt"),
             at("synthf.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--fractions"), "%s", err);
}

/* path's split.txt with its fractions line replaced by with (NULL: left out); that
 * line's number into *no. 0 / -1 */
static int split_txt_edit(const char *path, const char *with, int *no)
{
    FILE *f = fopen(path, "r");
    char text[8192] = "", line[1024];
    int k = 0;
    *no = 0;
    while (f && fgets(line, sizeof line, f)) {
        k++;
        if (!strncmp(line, "fractions=", 10)) {
            *no = k;
            if (!with) continue;
            snprintf(line, sizeof line, "fractions=%s\n", with);
        }
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s", line);
    }
    if (f) fclose(f);
    if (!f || !*no) return -1;
    write_text(path, text);
    return 0;
}

/* a split of DS's events (split.txt: a time split, DS's stream_crc) whose fractions line is
 * not three fractions, or is gone: which part of DS its model trained on is not known, so
 * --train DS is refused in one line naming split.txt and the line, not cut at 70 % as if
 * DS had no split; --fractions still gives the parts */
static void generate_train_dataset_fractions_unreadable(void)
{
    char args[2048], out[4096], err[1024], want[900];
    mkdir(at("dsu"), 0755);
    write_text(at("dsu/stream.txt"), "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20\n");
    write_text(at("synthu.txt"), "8,9,10\n11,12,13\n");
    snprintf(args, sizeof args, "split %s --length 2 --windows 2 --fractions 0.5,0.25,0.25 -o %s", at("dsu"),
             at("dsu/split"));
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    static const char *const bad[] = {"0.5,0.25", "0.5,0.25,0.25x", "", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int no = 0;
        REQUIRE(split_txt_edit(at("dsu/split/split.txt"), bad[i], &no) == 0);
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("real.txt"), at("synthu.txt"),
                 at("dsu"));
        if (bad[i]) snprintf(want, sizeof want, "%s:%d: ", at("dsu/split/split.txt"), no);
        else snprintf(want, sizeof want, "%s: ", at("dsu/split/split.txt"));
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want) && strstr(err, "fractions") &&
                      strstr(err, "--fractions A,B,C"), "'%s': %s", bad[i] ? bad[i] : "(no line)", err);
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.5,0.25,0.25 --json",
                 at("real.txt"), at("synthu.txt"), at("dsu"));
        REQUIRE(run_stdout(args, out, sizeof out) == 0);
        CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);
        if (!bad[i]) break;
        /* the line back as split wrote it, for the next */
        REQUIRE(split_txt_edit(at("dsu/split/split.txt"), "0.5,0.25,0.25", &no) == 0);
    }
}

/* two dataset directories number their events by their own ranks: they are compared by
 * name (read read write mmap against read read write futex), not by ID */
static void generate_datasets_by_name(void)
{
    char args[2048], out[4096];
    mkdir(at("dsa"), 0755);
    mkdir(at("dsb"), 0755);
    write_text(at("dsa/vocab.tsv"), "0\tread\t2\n1\twrite\t1\n2\tmmap\t1\n");
    write_text(at("dsa/stream.txt"), "0,0,1,2\n");
    write_text(at("dsb/vocab.tsv"), "0\twrite\t1\n1\tread\t2\n2\tfutex\t1\n");
    write_text(at("dsb/stream.txt"), "1,1,0,2\n");
    /* (the training data all of dsa: its stream.txt; dsa itself would be its training part) */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("dsa"), at("dsb"),
             at("dsa/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "coverage_real"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "coverage_synth"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "js_unigram"), 0.25, 1e-6);
    CHECK_NEAR(json_get(out, "d_trans"), 1.0 / 3, 1e-6);      /* only write -> futex is new */
    CHECK_NEAR(json_get(out, "lcs_max"), 3, 1e-6);
    /* a name the real trace lacks is one type in the synthetic and the training data */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("dsa"), at("dsb"),
             at("dsb/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "memorized"), 1, 1e-6);
    CHECK_NEAR(json_get(out, "d_trans"), 0, 1e-6);
}

/* R, S and T given as links to a split's files (LINK -> ../SPLIT/testing) are named by the
 * vocab.tsv where each link leads, as impute names its input: the same figures as the files
 * themselves, matched by name (their IDs are numbered otherwise), none compared unnamed */
static void generate_split_link_vocab(void)
{
    char args[2048], out[2][4096];
    mkdir(at("lka"), 0755);
    mkdir(at("lkb"), 0755);
    mkdir(at("lkl"), 0755);
    write_text(at("lka/vocab.tsv"), "0\tread\t2\n1\twrite\t1\n2\tmmap\t1\n");
    write_text(at("lka/testing"), "0,0,1,2\n");
    write_text(at("lkb/vocab.tsv"), "0\twrite\t1\n1\tread\t2\n2\tfutex\t1\n");
    write_text(at("lkb/testing"), "1,1,0,2\n");
    REQUIRE(symlink("../lka/testing", at("lkl/r")) == 0);
    REQUIRE(symlink("../lkb/testing", at("lkl/s")) == 0);
    REQUIRE(symlink("../lka/testing", at("lkl/t")) == 0);
    const char *in[2][3] = {{"lka/testing", "lkb/testing", "lka/testing"}, {"lkl/r", "lkl/s", "lkl/t"}};
    for (int k = 0; k < 2; k++) {
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at(in[k][0]), at(in[k][1]),
                 at(in[k][2]));
        REQUIRE(run_output(args, out[k], sizeof out[k]) == 0);
        CHECK_MSG(!strstr(out[k], "without names"), "%s: %s", in[k][0], out[k]);
        CHECK_NEAR(json_get(out[k], "coverage_real"), 2.0 / 3, 1e-6);
        CHECK_NEAR(json_get(out[k], "coverage_synth"), 2.0 / 3, 1e-6);
        CHECK_NEAR(json_get(out[k], "js_unigram"), 0.25, 1e-6);
        CHECK_NEAR(json_get(out[k], "d_trans"), 1.0 / 3, 1e-6);   /* only write -> futex is new */
    }
}

/* a window file with the names generate writes beside it (S.names.txt) is matched with a
 * dataset directory by name, as another directory is; a names file that is not the
 * windows' (another shape): one line naming it */
static void generate_window_file_by_name(void)
{
    char args[2048], out[4096];
    mkdir(at("dsn"), 0755);
    write_text(at("dsn/vocab.tsv"), "0\tread\t2\n1\twrite\t1\n2\tmmap\t1\n");
    write_text(at("dsn/stream.txt"), "0,0,1,2\n");
    /* dsb's events of generate_datasets_by_name, numbered by the model that wrote them */
    write_text(at("syn.txt"), "1,1,0,2\n");
    write_text(at("syn.names.txt"), "read read write futex\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("dsn"), at("syn.txt"),
             at("dsn/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "coverage_real"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "coverage_synth"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "js_unigram"), 0.25, 1e-6);
    CHECK_NEAR(json_get(out, "d_trans"), 1.0 / 3, 1e-6);
    /* a dataset's stream.txt named as a file is the dataset, its events named by the
     * vocab.tsv beside it, as markov --from-events reads it (its IDs were compared with the
     * synthetic windows' names' as they are: every statistic of another numbering) */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("dsn/stream.txt"), at("syn.txt"),
             at("dsn/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "coverage_real"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "js_unigram"), 0.25, 1e-6);
    CHECK_NEAR(json_get(out, "d_trans"), 1.0 / 3, 1e-6);
    /* so is any window file with a vocab.tsv beside it (a split's testing), as impute and
     * score read one (its IDs were compared as they are) */
    mkdir(at("spn"), 0755);
    write_text(at("spn/vocab.tsv"), "0\tread\t2\n1\twrite\t1\n2\tmmap\t1\n");
    write_text(at("spn/testing"), "0,0,1,2\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("spn/testing"), at("syn.txt"),
             at("dsn/stream.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "coverage_real"), 2.0 / 3, 1e-6);
    CHECK_NEAR(json_get(out, "js_unigram"), 0.25, 1e-6);
    CHECK_NEAR(json_get(out, "d_trans"), 1.0 / 3, 1e-6);
    /* an ID the names beside it lack: refused, naming the file, the place and the names */
    write_text(at("spn/testing"), "0,0,1,3\n");
    char err[1024];
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "spn/testing: window 0, position 3: ID 3 has no name "
                                                               "in ") && strstr(err, "spn/vocab.tsv"),
              "%s", err);
    write_text(at("spn/testing"), "0,0,1,2\n");
    write_text(at("syn.names.txt"), "read read write\n");
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "syn.names.txt:1: 3 names") && !strchr(err, '\n'),
              "%s", err);
    /* '?' (an event its model does not name) matches no name, not even another '?': each of
     * S's is an event of its own (they were R's '?', one event of R's for two of S's) */
    write_text(at("rq.txt"), "0,1,2,1\n");
    write_text(at("rq.names.txt"), "read ? write ?\n");
    write_text(at("sq.txt"), "0,1,2,3\n");
    write_text(at("sq.names.txt"), "read ? write ?\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("rq.txt"), at("sq.txt"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(fabs(json_get(out, "coverage_synth") - 0.5) < 1e-6 && fabs(json_get(out, "coverage_real") - 2.0 / 3) < 1e-6,
              "%s", out);
}

/* named and unnamed sides are compared by raw ID with a note (they were without a word);
 * an unnamed R leaves S and T named: T is matched with S by name (they were compared by ID) */
static void generate_named_and_unnamed(void)
{
    char args[2048], out[4096];
    write_text(at("pl.txt"), "0,1,2,3\n");
    write_text(at("sx.txt"), "0,1,2,3\n");
    write_text(at("sx.names.txt"), "read write mmap futex\n");
    write_text(at("tx.txt"), "3,2,1,0\n");
    write_text(at("tx.names.txt"), "read write mmap futex\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("pl.txt"), at("sx.txt"));
    int rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "tracesynth: note: eval: ") && strstr(out, "sx.names.txt") &&
                  strstr(out, "pl.txt") && strstr(out, "as they are"), "exit %d: %s", rc, out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("sx.txt"), at("pl.txt"));
    rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "tracesynth: note: eval: ") && strstr(out, "pl.txt"), "exit %d: %s", rc, out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("pl.txt"), at("sx.txt"),
             at("tx.txt"));
    rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "tracesynth: note: eval: ") && strstr(out, "tx.names.txt"), "exit %d: %s", rc,
              out);
    CHECK_NEAR(json_get(strstr(out, "{"), "memorized"), 1, 1e-6);   /* read write mmap futex, both */
    CHECK_NEAR(json_get(strstr(out, "{"), "d_trans"), 0, 1e-6);
    /* R and T named, S not: T is matched with R by name (S's IDs read as R's), and the note
     * says so (it said every ID was compared as it is): here T is R's window in another
     * numbering, S's window R's by ID, memorized */
    write_text(at("rn.txt"), "0,1,2,3\n");
    write_text(at("rn.names.txt"), "read write mmap futex\n");
    write_text(at("tn.txt"), "3,2,1,0\n");
    write_text(at("tn.names.txt"), "read write mmap futex\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("rn.txt"), at("pl.txt"),
             at("tn.txt"));
    rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "(the real and the training data with each other by name)"), "exit %d: %s", rc,
              out);
    CHECK_NEAR(json_get(strstr(out, "{"), "memorized"), 1, 1e-6);
    /* R and S named, T not: S is matched with R by name, T's IDs read as R's */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("rn.txt"), at("tn.txt"),
             at("pl.txt"));
    rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "(the real and the synthetic data with each other by name)"), "exit %d: %s", rc,
              out);
    CHECK_NEAR(json_get(strstr(out, "{"), "memorized"), 1, 1e-6);
    /* both sides named, or neither: no note */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("sx.txt"), at("tx.txt"),
             at("tx.txt"));
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "note"), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synth.txt"),
             at("pl.txt"));
    CHECK_MSG(run_output(args, out, sizeof out) == 0 && !strstr(out, "note"), "%s", out);
}

/* a name the named real trace lacks (mmap, in S) is an event of its own: not the ID of an
 * unnamed input that R names nothing by (T's 3, past R's three names). It was numbered 3,
 * R's count of names, and so taken for T's 3: S's window "read mmap" was memorized in T's
 * "read 3", its pair never new */
static void generate_name_real_lacks_not_unnamed_id(void)
{
    char args[2048], out[4096];
    mkdir(at("lack"), 0755);
    write_text(at("lack/r.txt"), "0,1,2\n");
    write_text(at("lack/r.names.txt"), "read write close\n");
    write_text(at("lack/s.txt"), "0,1\n");
    write_text(at("lack/s.names.txt"), "read mmap\n");
    write_text(at("lack/t.txt"), "0,3\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("lack/r.txt"),
             at("lack/s.txt"), at("lack/t.txt"));
    int rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && json_get(out, "memorized") == 0 && json_get(out, "d_trans") == 1, "exit %d: %s", rc, out);
    CHECK_NEAR(json_get(out, "coverage_synth"), 0.5, 1e-6);
    /* the same with T named and S not: T's mmap is not S's 3 */
    write_text(at("lack/s2.txt"), "0,3\n");
    write_text(at("lack/t2.txt"), "0,1\n");
    write_text(at("lack/t2.names.txt"), "read mmap\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("lack/r.txt"),
             at("lack/s2.txt"), at("lack/t2.txt"));
    rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && json_get(out, "memorized") == 0 && json_get(out, "d_trans") == 1, "exit %d: %s", rc, out);
    /* and an unnamed R beside S and T named: R's 2 is not T's mmap, a name S lacks (four
     * events, not three, for the predictors: 2.2075 bits, as the order-1 Kneser-Ney gives
     * over four) */
    write_text(at("lack/rr.txt"), "0,2\n");
    write_text(at("lack/ss.txt"), "0,1\n");
    write_text(at("lack/ss.names.txt"), "read write\n");
    write_text(at("lack/tt.txt"), "0,1\n");
    write_text(at("lack/tt.names.txt"), "read mmap\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --downstream 1 --json", at("lack/rr.txt"),
             at("lack/ss.txt"), at("lack/tt.txt"));
    rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && fabs(json_get(out, "downstream_bits") - 2.207519) < 1e-5 &&
                  fabs(json_get(out, "downstream_train_bits") - 2.207519) < 1e-5, "exit %d: %s", rc, out);
}

/* an event name holding a blank (vocab.tsv's fields are tab-separated) would make the names
 * file generate writes unreadable, read back as other names: refused where it enters, at its
 * line of vocab.tsv */
static void event_name_with_blank(void)
{
    char args[2048], err[1024];
    mkdir(at("dsblank"), 0755);
    write_text(at("dsblank/vocab.tsv"), "0\tread\t2\n1\twrite\t2\n2\topen at\t2\n3\tclose\t1\n4\tmmap\t1\n");
    write_text(at("dsblank/stream.txt"), "0,1,2,0,1,2,3,4\n");
    snprintf(args, sizeof args, "train --model ngram %s --threads 1 -o %s", at("dsblank"), at("blank.model"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "dsblank/vocab.tsv:3: event name 'open at' holds a "
                                                               "blank") && !strchr(err, '\n'),
              "%s", err);
    CHECK(!ts_file_exists(at("blank.model")));
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("dsblank"), at("synth.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "dsblank/vocab.tsv:3: event name 'open at'"), "%s",
              err);
    /* a model that holds such a name (trained before it was refused) is refused at load, in
     * one line naming the file and the name; generate got as far as the names file */
    write_text(at("dsblank/vocab.tsv"), "0\tread\t8\n1\twrite\t8\n2\topenat\t8\n3\tclose\t8\n4\tmmap\t8\n");
    write_text(at("dsblank/stream.txt"), "0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4,0,1,2,3,4\n");
    snprintf(args, sizeof args, "train --model ngram %s --length 4 --windows 2 --threads 1 -o %s", at("dsblank"),
             at("blank.model"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    ts_reader rd;
    REQUIRE(ts_reader_open(&rd, at("blank.model")) == 0);
    ts_writer wr;
    ts_writer_init(&wr, at("blank.model"));
    for (uint32_t i = 0; i < rd.nchunks; i++) {
        const ts_chunk *c = &rd.chunks[i];
        if (strcmp(c->tag, "VOCAB")) {
            ts_writer_chunk(&wr, c->tag, c->data, (size_t)c->size);
            continue;
        }
        char *names[5] = {"read", "write", "open at", "close", "mmap"};
        ts_vocab v = {5, names, NULL, -1};
        ts_vocab_put(&wr, "VOCAB", &v);
    }
    ts_reader_close(&rd);
    REQUIRE(ts_writer_commit(&wr) == 0);
    snprintf(args, sizeof args, "generate %s -n 1 --length 4 -o %s --threads 1", at("blank.model"),
             at("blank_gen.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "blank.model: section 'VOCAB': event name 2 ('open "
                                                               "at') holds a blank") && !strchr(err, '\n'),
              "%s", err);
    CHECK(!ts_file_exists(at("blank_gen.txt")));
}

/* a multi-channel dataset (ingest --channels) as R beside a window file S, as generate
 * writes one for a single-channel model: R is a dataset directory, compared by its events
 * as any other (its stream.txt); S was refused as "not a directory", the multi-channel
 * comparison wanting S a dataset too */
static void generate_window_file_multichannel_real(void)
{
    char args[2048], out[4096];
    const char *mc = "tests/fixtures/models/mcds";
    write_text(at("syn_mc.txt"), "17,8,4,12,1,0,4,2\n4,4,4,4,4,4,4,4\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", mc, at("syn_mc.txt"), mc);
    char err[1024];
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strncmp(out, "{\"mode\": \"generate\"", 19) == 0, "%s", out);
    CHECK_NEAR(json_get(out, "memorized"), 0.5, 1e-6);   /* the first window is the stream's start */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", mc, at("syn_mc.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 0, "%s", err);
    /* the multi-channel comparison's options still want S a dataset: said so */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --real-part test", mc, at("syn_mc.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) != 0 && strstr(err, "syn_mc.txt"), "%s", err);
    /* the option named, and what it needs, not the dataset loader's "not a directory" */
    const char *const opt[3] = {"--length 30", "--real-part test", "--constraints c.txt"};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "eval --real %s --synthetic %s %s", mc, at("syn_mc.txt"), opt[i]);
        char o[32];
        snprintf(o, sizeof o, "%.*s: ", (int)strcspn(opt[i], " "), opt[i]);
        CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, o) && strstr(err, "syn_mc.txt") &&
                      strstr(err, "multi-channel dataset") && !strstr(err, "not a directory"),
                  "%s: %s", opt[i], err);
    }
}

/* windows of one event have no adjacent pair: what needs pairs prints null (- in the
 * table, aligned with the other rows), the rest is measured; once refused whole */
static void generate_windows_of_one(void)
{
    char args[2048], out[8192];
    write_text(at("s1.txt"), "1\n2\n3\n");
    /* windows of 1 event hold no pair: bigram JS (and D_trans, for S's) null, the rest measured */
    for (int swap = 0; swap < 2; swap++) {
        const char *r = at(swap ? "s1.txt" : "real.txt"), *s = at(swap ? "real.txt" : "s1.txt");
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", r, s, at("real.txt"));
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
        CHECK_MSG(strstr(out, "\"js_bigram\": null"), "%s", out);
        CHECK_MSG(!isnan(json_get(out, "js_unigram")) && !isnan(json_get(out, "coverage_real")) &&
                      !isnan(json_get(out, "memorized")) && !isnan(json_get(out, "lcs_max")),
                  "%s", out);
        CHECK_MSG(swap ? !isnan(json_get(out, "d_trans")) : !!strstr(out, "\"d_trans\": null"), "%d: %s", swap, out);
        CHECK_MSG(!strstr(out, "nan"), "%s", out);
        /* the table: the row said absent, its "-" where the other rows' numbers end */
        snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", r, s, at("real.txt"));
        CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
        const char *uni = strstr(out, "  JS unigram "), *bi = strstr(out, "  JS bigram "),
                   *tr = strstr(out, "  D_trans ");
        REQUIRE(uni && bi && tr);
        const size_t end = (size_t)(strstr(uni, "   bits") - uni);
        CHECK_MSG(!strncmp(bi + end - 4, "   -   no pairs", 15), "%s", out);
        CHECK_MSG(swap ? tr[end - 1] != '-' : !strncmp(tr + end - 4, "   -   no pairs", 15), "%s", out);
        CHECK_MSG(!strstr(out, "nan"), "%s", out);
    }
    /* multi-channel: --length 1, and a valid part [8, 9) of one event */
    ts_mc m;
    mc_cycle_trace(12, 1, &m);
    int saved = ts_mc_save(at("mc12"), &m);
    ts_mc_free(&m);
    REQUIRE(saved == 0);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --length 1 --json", at("mc12"), at("mc12"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
    CHECK_MSG(strstr(out, "\"js_bigram\": null") && !isnan(json_get(out, "js_event_cpu")) &&
                  !isnan(json_get(out, "memorized")),
              "%s", out);
    snprintf(args, sizeof args, "eval --real %s --real-part valid --synthetic %s --json", at("mc12"), at("mc12"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
    CHECK_MSG(strstr(out, "\"js_bigram\": null"), "%s", out);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --length 1", at("mc12"), at("mc12"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s: %s", args, out);
    CHECK_MSG(!strstr(out, "JS bigram") && strstr(out, "JS event x cpu") && !strstr(out, "nan"), "%s", out);
}

/* the real and training windows are data, not a model's output: a float32 value in them
 * that is negative or between two IDs is an error naming the file and the place, as it is
 * in an int64 array, never rounded onto an ID; the synthetic windows' reals are rounded */
static void generate_npy_real_exact(void)
{
    float r[6] = {1, 2, 3, 4, -1, 6}, t[6] = {1, 2, 3, 4, 5, 6}, sy[6] = {1.2f, 2, 3, 4, 5, 5.7f};
    size_t shape[2] = {2, 3};
    REQUIRE(ts_npy_write(at("r_bad.npy"), TS_NPY_F32, r, 2, shape) == 0);
    REQUIRE(ts_npy_write(at("t_ok.npy"), TS_NPY_F32, t, 2, shape) == 0);
    REQUIRE(ts_npy_write(at("s_real.npy"), TS_NPY_F32, sy, 2, shape) == 0);
    char args[2048], err[512], out[4096];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("r_bad.npy"), at("s_real.npy"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "r_bad.npy: window 1, position 1: negative ID -1") != NULL, "%s", err);
    t[2] = 2.5f;
    REQUIRE(ts_npy_write(at("t_bad.npy"), TS_NPY_F32, t, 2, shape) == 0);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("t_ok.npy"), at("s_real.npy"),
             at("t_bad.npy"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "t_bad.npy: window 0, position 2: value 2.5 is no event ID (not a whole number)") != NULL,
              "%s", err);
    /* whole float32 IDs are read as they are; the synthetic reals 1.2 and 5.7 are 1 and 6 */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("t_ok.npy"), at("s_real.npy"),
             at("t_ok.npy"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "js_unigram"), 0, 1e-9);
    CHECK_NEAR(json_get(out, "memorized"), 1, 1e-9);
}

/* a synthetic .npy with its names beside it (impute -o writes imputation0.names.txt) is in
 * their numbering: its IDs are not clamped to the real trace's largest, which merged events
 * of different names (ID 3 read as 2: "'mmap' for ID 2, which line 1 names 'write'") */
static void generate_npy_named_not_clamped(void)
{
    write_text(at("rn.txt"), "0,0,1,1\n");
    write_text(at("rn.names.txt"), "read read write write\n");
    float sy[4] = {0, 2, 3, 1};   /* read write mmap close, in the names' numbering */
    size_t shape[2] = {1, 4};
    REQUIRE(ts_npy_write(at("sn.npy"), TS_NPY_F32, sy, 2, shape) == 0);
    write_text(at("sn.names.txt"), "read write mmap close\n");
    char args[2048], out[4096];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --json", at("rn.txt"), at("sn.npy"));
    CHECK_MSG(run_stdout(args, out, sizeof out) == 0, "%s", out);
    CHECK_NEAR(json_get(out, "coverage_real"), 1, 1e-9);      /* read and write */
    CHECK_NEAR(json_get(out, "coverage_synth"), 0.5, 1e-9);   /* mmap and close are not real */
}

/* multi-channel: a synthetic event name the real trace lacks, without a <unk> to count it
 * as, is an error naming the synthetic dataset (it named only the channel) */
static void channels_names_unmatched(void)
{
    char args[2048], err[512];
    static const char *const names[2][4] = {{"read", "write", "mmap", "close"}, {"read", "write", "mmap", "open"}};
    for (int j = 0; j < 2; j++) {
        ts_mc m;
        mc_cycle_trace(40, 1, &m);
        m.events.vocab.n = 4;
        m.events.vocab.names = ts_malloc(4 * sizeof(char *));
        for (int v = 0; v < 4; v++) m.events.vocab.names[v] = ts_strdup(names[j][v]);
        int saved = ts_mc_save(at(j ? "mcopen" : "mcclose"), &m);
        ts_mc_free(&m);
        REQUIRE(saved == 0);
    }
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("mcclose"), at("mcopen"));
    CHECK(run_cli(args, err, sizeof err) == 1);
    CHECK_MSG(strstr(err, "mcopen: ") && strstr(err, "'open'"), "%s", err);
}

/* multi-channel: the note on synthetic names the real trace lacks is for a result; a run that
 * fails after it gives its error alone, one line */
static void channels_note_not_before_error(void)
{
    char args[2048], err[512];
    static const char *const names[2][4] = {{"read", "write", "mmap", "<unk>"}, {"read", "write", "mmap", "open"}};
    for (int j = 0; j < 2; j++) {
        ts_mc m;
        mc_cycle_trace(40, 1, &m);
        m.events.vocab.n = 4;
        m.events.vocab.unk = j ? -1 : 3;
        m.events.vocab.names = ts_malloc(4 * sizeof(char *));
        for (int v = 0; v < 4; v++) m.events.vocab.names[v] = ts_strdup(names[j][v]);
        int saved = ts_mc_save(at(j ? "mcunk-s" : "mcunk-r"), &m);
        ts_mc_free(&m);
        REQUIRE(saved == 0);
    }
    snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("mcunk-r"), at("mcunk-s"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 0 && strstr(err, "tracesynth: note: eval: 10 synthetic values have names"),
              "%s", err);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --real-part train --downstream 2", at("mcunk-r"),
             at("mcunk-s"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, "--downstream scores on held-out events") &&
                  !strstr(err, "note:"),
              "%s", err);
}

static void paper_figures_cli(void)
{
    const char *p = shared_path("reference/paper-results/SSSD_S4/pybench_10");
    if (!p) SKIP("reference/paper-results not found (set TRACESYNTH_SHARED)");
    char d[1024], args[4096], out[4096];
    snprintf(d, sizeof d, "%.1000s", p);
    snprintf(args, sizeof args, "eval --original %s/original0.npy --mask %s/mask0.npy --imputed %s/imputation0.npy --json",
             d, d, d);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_NEAR(json_get(out, "accuracy"), 78.14, 1e-6);
    CHECK_NEAR(json_get(out, "perfect"), 69.0, 1e-6);
}

/* a set of windows of one window (DS/length records all its events) as --train is read
 * whole, as a set of two is: not cut at the time split like a recorded stream (8 9 10,
 * the last of its 10 events, memorized; JSON train_part "all", no fractions), and
 * --fractions, which would go unused, refused naming it */
static void generate_train_set_of_one_window(void)
{
    char args[2048], out[4096], err[1024];
    mkdir(at("set1"), 0755);
    write_text(at("set1/stream.txt"), "1,2,3,4,5,6,7,8,9,10\n");
    write_text(at("set1/length"), "10\n");
    write_text(at("synth1.txt"), "8,9,10\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --json", at("real.txt"), at("synth1.txt"),
             at("set1"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "\"train_part\": \"all\", \"train_fractions\": null, "), "%s", out);
    CHECK_NEAR(json_get(out, "memorized"), 1.0, 1e-6);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.5,0.25,0.25", at("real.txt"),
             at("synth1.txt"), at("set1"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, at("set1")) && strstr(err, "read whole"), "%s", err);
}

/* --train naming no file, with --fractions: the missing file is said, as without them (a
 * run's error, exit 1), not a usage error calling it no dataset directory */
static void generate_train_missing_with_fractions(void)
{
    char args[2048], err[1024];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.5,0.25,0.25", at("real.txt"),
             at("synth.txt"), at("nosuchds"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, at("nosuchds")) && !strstr(err, "is none"), "%s",
              err);
}

/* --real naming no file, with --fractions (meant for a multi-channel real trace): the
 * missing file is said (exit 1), as with --real-part, not a usage error that --fractions
 * has nothing to cut */
static void generate_real_missing_with_fractions(void)
{
    char args[2048], err[1024];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --fractions 0.5,0.25,0.25", at("nosuchreal"),
             at("synth.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, at("nosuchreal")) && !strstr(err, "--fractions cuts"),
              "%s", err);
}

/* --real (with --fractions too), --train or --original naming nothing: "PATH: no such file
 * or directory", as every other input that may be a file or a dataset is said to be
 * missing, not the reason a file could not be opened */
static void inputs_missing_worded(void)
{
    char args[2048], err[1024], want[600];
    for (int k = 0; k < 4; k++) {
        if (k == 0) snprintf(args, sizeof args, "eval --real %s --synthetic %s", at("nods"), at("real.txt"));
        else if (k == 3)   /* with an option of a multi-channel real trace */
            snprintf(args, sizeof args, "eval --real %s --synthetic %s --fractions 0.5,0.25,0.25", at("nods"),
                     at("synth.txt"));
        else if (k == 1)
            snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s", at("real.txt"), at("synth.txt"),
                     at("nods"));
        else
            snprintf(args, sizeof args, "eval --original %s --mask %s --imputed %s", at("nods"), at("m.txt"),
                     at("i.txt"));
        snprintf(want, sizeof want, "%s: no such file or directory", at("nods"));
        CHECK_MSG(run_cli(args, err, sizeof err) == 1 && strstr(err, want) && !strstr(err, "cannot open"), "%s: %s",
                  args, err);
    }
}

/* --train DS/ (a trailing '/'): the train line names all of it as DS/stream.txt, once */
static void generate_train_trailing_slash(void)
{
    char args[2048], out[4096], want[700];
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s/", at("real.txt"), at("synth.txt"), at("ds"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(want, sizeof want, "all of it: --train %s/stream.txt)", at("ds"));
    CHECK_MSG(strstr(out, want) && !strstr(out, "//"), "%s", out);
}

/* --train - with --fractions: standard input is windows read whole, nothing --fractions can
 * cut; the usage error names it so, not as "- is none" */
static void generate_train_stdin_with_fractions(void)
{
    char args[2048], err[1024];
    write_text(at("stdin_stream.txt"), "1\n2\n3\n4\n");
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train - --fractions 0.5,0.25,0.25 < %s",
             at("real.txt"), at("synth.txt"), at("stdin_stream.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "--train - (standard input)") &&
                  strstr(err, "read whole") && !strstr(err, "is none"), "%s", err);
    /* a file of windows: said as one too */
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train %s --fractions 0.5,0.25,0.25", at("real.txt"),
             at("synth.txt"), at("stdin_stream.txt"));
    CHECK_MSG(run_cli(args, err, sizeof err) == 2 && strstr(err, "is a file of windows, read whole") &&
                  !strstr(err, "is none"), "%s", err);
}

/* the train line's "all of it: --train DS/stream.txt" for a dataset whose path holds a
 * blank: quoted as the shell reads it back */
static void generate_train_all_of_it_quoted(void)
{
    char args[2048], out[4096], want[700];
    snprintf(args, sizeof args, "cp -r %s '%s'", at("ds"), at("d s"));
    REQUIRE(system(args) == 0);
    snprintf(args, sizeof args, "eval --real %s --synthetic %s --train '%s'", at("real.txt"), at("synth.txt"),
             at("d s"));
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    snprintf(want, sizeof want, "all of it: --train '%s')", at("d s/stream.txt"));
    CHECK_MSG(strstr(out, want), "%s", out);
}

TEST_MAIN("eval_cli", {
    setup();
    RUN(help_and_usage);
    RUN(inputs_missing_worded);
    RUN(options_of_the_other_mode);
    RUN(impute_text);
    RUN(inputs_dash_stdin);
    RUN(impute_stdin_no_names_said);
    RUN(impute_vocab_found);
    RUN(impute_vocab_stdin_named);
    RUN(impute_names_beside);
    RUN(impute_names_of_imputation_only);
    RUN(impute_unknown_names_hidden);
    RUN(impute_json_path_utf8);
    RUN(impute_dataset_arch);
    RUN(impute_split_arch);
    RUN(impute_split_link_vocab);
    RUN(link_vocab_beside_link);
    RUN(impute_output_arch_read);
    RUN(impute_into_split_keeps_arch);
    RUN(dataset_output_not_in_split);
    RUN(generate_datasets_by_name);
    RUN(generate_window_file_by_name);
    RUN(generate_split_link_vocab);
    RUN(generate_named_and_unnamed);
    RUN(generate_name_real_lacks_not_unnamed_id);
    RUN(generate_window_file_multichannel_real);
    RUN(event_name_with_blank);
    RUN(impute_eval_original_link_vocab);
    RUN(impute_bad_input);
    RUN(impute_npy_clamped);
    RUN(impute_npy_original_exact);
    RUN(generate_text_and_dataset);
    RUN(generate_real_dataset_part_said);
    RUN(generate_train_dataset_part);
    RUN(generate_train_dataset_fractions);
    RUN(generate_train_dataset_fractions_unreadable);
    RUN(generate_windows_of_one);
    RUN(generate_npy_real_exact);
    RUN(generate_npy_named_not_clamped);
    RUN(channels_names_unmatched);
    RUN(channels_note_not_before_error);
    RUN(paper_figures_cli);
    RUN(generate_train_set_of_one_window);
    RUN(generate_train_missing_with_fractions);
    RUN(generate_real_missing_with_fractions);
    RUN(generate_train_trailing_slash);
    RUN(generate_train_stdin_with_fractions);
    RUN(generate_train_all_of_it_quoted);
})
