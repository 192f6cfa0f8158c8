/* `tracesynth bench model` on tiny networks: both steps are measured through the
 * model interface for every neural model (sssd-s4, diffwave, csdi-s4, sssd-sa, mdm
 * with both backbones, lstm), the profile splits them into sections, no ratio is printed without
 * --vs-torch, with it PyTorch's times and the ratios are (where /usr/bin/python3 has
 * torch), and bad usage is refused by name. (No timing is asserted.) */
#include <sys/stat.h>

#include "check.h"
#include "tracesynth.h"

static char dir[256];

static void setup(void)
{
    const char *s = scratch_dir();
    REQUIRE(s);
    snprintf(dir, sizeof dir, "%s", s);
}

static void each_model_both_steps(void)
{
    static const char *const models[] = {
        "--model sssd-s4 --state 8",
        "--model diffwave",
        "--model csdi-s4 --state 8",
        "--model sssd-sa --state 8",
        "--model mdm --state 8",
        "--model mdm --backbone transformer --heads 2",
    };
    char args[512], out[16384];
    for (int i = 0; i < 6; i++) {
        snprintf(args, sizeof args, "bench model %s --sizes 1x8x2,2x8x2 --length 24 --runs 2 --threads 1", models[i]);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 0, "%s: exit %d\n%s", models[i], rc, out);
        CHECK_MSG(strstr(out, "1 x 8, batch 2") && strstr(out, "2 x 8, batch 2"), "%s", out);
        CHECK_MSG(strstr(out, " train ") && strstr(out, " denoise ") && strstr(out, "peak "), "%s", out);
        CHECK_MSG(strstr(out, "load average") != NULL, "%s", out);
        CHECK_MSG(!strstr(out, "ratio") && !strstr(out, "PyTorch"), "%s", out);
    }
}

/* lstm has no sampling steps: its inference is imputation and scoring, as impute and
 * score run them */
static void lstm_steps(void)
{
    char out[16384];
    int rc = run_output("bench model --model lstm --sizes 1x8x2,2x8x2 --length 24 --runs 2 --threads 1", out,
                        sizeof out);
    CHECK_MSG(rc == 0, "exit %d\n%s", rc, out);
    CHECK_MSG(strstr(out, "lstm, L = 24") && strstr(out, "1 x 8, batch 2") && strstr(out, "2 x 8, batch 2"), "%s", out);
    CHECK_MSG(strstr(out, " train ") && strstr(out, " impute ") && strstr(out, " score ") && strstr(out, "peak ") &&
              !strstr(out, " denoise "), "%s", out);
    CHECK_MSG(strstr(out, "(impute: blackout 10 at the center; both: 2 windows)"), "%s", out);
    CHECK_MSG(!strstr(out, "ratio") && !strstr(out, "PyTorch"), "%s", out);
    /* its sizes are layers x hidden units x batch; its default the model's own, 2 x 128, batch 32 */
    rc = run_output("bench model --model lstm --length 24 --runs 1 --threads 1", out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "2 x 128, batch 32") && !strstr(out, "4 x 64"), "exit %d\n%s", rc, out);
    /* ... not --hidden, which would time another network than the size printed */
    char err[1024];
    rc = run_cli("bench model --model lstm --sizes 1x8x2 --hidden 16 --length 24 --runs 1", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--hidden 16: ") && strstr(err, "--channels C"), "exit %d: %s", rc, err);
    CHECK(run_stdout("bench model --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "lstm: layers x hidden units x batch") && strstr(out, "default 2x128x32"), "%s", out);
    rc = run_output("bench model --model lstm --sizes 1x8x2 --length 24 --runs 2 --threads 2 --profile", out,
                    sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "training step:") && strstr(out, "imputation (a batch):") &&
              strstr(out, "optimizer (clip + Adam)"), "exit %d\n%s", rc, out);
}

/* /usr/bin/python3 can import torch: --vs-torch can run the PyTorch definitions */
static int have_torch(void)
{
    return system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") == 0;
}

/* --vs-torch for each model: this one's times, PyTorch's, and the ratios side by side */
static void vs_torch(void)
{
    if (!have_torch()) SKIP("/usr/bin/python3 has no torch");
    static const char *const models[] = {"--model diffwave", "--model csdi-s4 --state 8", "--model sssd-sa --state 8",
                                         "--model lstm"};
    static const char *const infer[] = {" denoise ", " denoise ", " denoise ", " impute "};
    /* the diffusion models' PyTorch steps are drawn below the same T as this side's, and
     * every PyTorch step clips as this side's (the trainer's default: off) */
    static const char *const steps[] = {"(T 200, clip off)", "(T 50, clip off)", "(T 200, clip off)", "(clip off)"};
    char args[512], out[16384];
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, "bench model %s --sizes 1x8x2 --length 24 --runs 2 --threads 1 --vs-torch",
                 models[i]);
        int rc = run_output(args, out, sizeof out);
        CHECK_MSG(rc == 0, "%s: exit %d\n%s", models[i], rc, out);
        const char *pt = strstr(out, "  PyTorch "), *ratio = strstr(out, "  ratio (median) ");
        CHECK_MSG(pt && ratio && ratio > pt, "%s: %s", models[i], out);
        if (!pt || !ratio) continue;
        CHECK_MSG(strstr(pt, " train ") && strstr(pt, infer[i]) && strstr(ratio, infer[i]), "%s: %s", models[i], out);
        if (i == 3) CHECK_MSG(strstr(pt, " score ") && strstr(ratio, " score "), "%s", out);
        CHECK_MSG(strstr(pt, steps[i]) && strstr(pt, steps[i]) < ratio, "%s: %s", models[i], out);
    }
    /* a --T or --clip given goes to both sides */
    int rc = run_output("bench model --model csdi-s4 --state 8 --sizes 1x8x2 --length 24 --runs 2 --threads 1 "
                        "--vs-torch --T 20 --clip 0.5", out, sizeof out);
    const char *pt = strstr(out, "  PyTorch ");
    CHECK_MSG(rc == 0 && pt && strstr(pt, "(T 20, clip 0.5)"), "exit %d\n%s", rc, out);
    rc = run_output("bench model --model lstm --sizes 1x8x2 --length 24 --runs 2 --threads 1 --vs-torch --clip 1",
                    out, sizeof out);
    pt = strstr(out, "  PyTorch ");
    CHECK_MSG(rc == 0 && pt && strstr(pt, "(clip 1)"), "exit %d\n%s", rc, out);
}

/* --vs-torch runs the source tree's PyTorch definitions: a copy of the binary outside any
 * source tree, run elsewhere, says so in one line before anything is timed (it ran the
 * model's steps first, then printed python's "can't open file" and a failed definition) */
static void vs_torch_outside_the_tree(void)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char cmd[2048], err[1024] = "";
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/bin' '%s/elsewhere' && cp '%s' '%s/bin/tracesynth'", dir, dir, bin, dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "cd '%s/elsewhere' && ../bin/tracesynth bench model --sizes 1x8x2 --length 24 --runs 1 "
             "--threads 1 --vs-torch > out 2> err", dir);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    snprintf(cmd, sizeof cmd, "%s/elsewhere/err", dir);
    FILE *f = fopen(cmd, "r");
    REQUIRE(f);
    err[fread(err, 1, sizeof err - 1, f)] = 0;
    fclose(f);
    CHECK_MSG(strstr(err, "tracesynth: error: bench model: --vs-torch: the project's PyTorch definitions "
                          "(bench_sssd.py) are neither in ") == err &&
              strstr(err, "/bin/../tests/torch nor in ./tests/torch") && strchr(err, '\n') == err + strlen(err) - 1,
              "%s", err);
    snprintf(cmd, sizeof cmd, "%s/elsewhere/out", dir);
    struct stat sb;
    CHECK(stat(cmd, &sb) == 0 && sb.st_size == 0);   /* nothing timed */
}

static void profile_sections(void)
{
    char out[16384];
    int rc = run_output("bench model --sizes 1x8x2 --length 24 --runs 2 --threads 2 --state 8 --profile", out, sizeof out);
    CHECK_MSG(rc == 0, "%s", out);
    CHECK_MSG(strstr(out, "training step:") && strstr(out, "denoising step:"), "%s", out);
    CHECK_MSG(strstr(out, "GEMM convolutions") && strstr(out, "optimizer (clip + Adam)") &&
              strstr(out, "element-wise and other") && strstr(out, "% of the GEMM peak"), "%s", out);
    CHECK_MSG(strstr(out, "threading overhead") && strstr(out, "1 thread"), "%s", out);
}

static void bad_usage(void)
{
    char out[4096];
    int rc0;
    CHECK(run_output("bench model --sizes 4x64", out, sizeof out) == 2);
    CHECK_MSG(strstr(out, "--sizes '4x64'") != NULL, "%s", out);
    /* digits only, in range, no trailing comma (a number past int was undefined) */
    const char *bad[] = {"4x64x16,", "' 4x64x16'", "-4x64x16", "4x64x99999999999999999999", "4x+64x16", "4x64x16x"};
    for (int i = 0; i < 6; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "bench model --sizes %s", bad[i]);
        CHECK_MSG(run_output(cmd, out, sizeof out) == 2 && strstr(out, "expected LxCxB"), "%s: %s", bad[i], out);
    }
    /* numbers past the sizes it builds: the ranges said */
    CHECK(run_output("bench model --sizes 100000x100000x100000", out, sizeof out) == 2);
    CHECK_MSG(strstr(out, "layers 1 to 1024, channels 1 to 4096, batch 1 to 65536") != NULL, "%s", out);
    /* a size given twice, or more sizes than it measures: refused, saying which */
    CHECK(run_output("bench model --sizes 1x8x2,2x8x2,1x8x2", out, sizeof out) == 2);
    CHECK_MSG(strstr(out, "--sizes '1x8x2,2x8x2,1x8x2': 1x8x2 twice") != NULL, "%s", out);
    CHECK(run_output("bench model --sizes 1x8x1,1x8x2,1x8x3,1x8x4,1x8x5,1x8x6,1x8x7,1x8x8,1x8x9,1x8x10,1x8x11,"
                     "1x8x12,1x8x13,1x8x14,1x8x15,1x8x16,1x8x17", out, sizeof out) == 2);
    CHECK_MSG(strstr(out, "': at most 16 sizes") != NULL, "%s", out);
    CHECK(run_output("bench model --sizes 1x8x2 --layers 3", out, sizeof out) == 2);
    /* no benchmark named: a usage error, its usage on stderr; asked for, on stdout */
    CHECK(run_stdout("bench", out, sizeof out) == 2 && !out[0]);
    CHECK(run_output("bench", out, sizeof out) == 2 && strstr(out, "usage: tracesynth bench "));
    CHECK(run_stdout("bench --help", out, sizeof out) == 0 && strstr(out, "usage: tracesynth bench "));
    /* bench layers times the layers around the S4 layer, not the S4 layer: the help says where
     * that is timed */
    CHECK_MSG(!strstr(out, "of each neural layer"), "%s", out);
    CHECK(run_stdout("bench layers --help", out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "each neural layer") && strstr(out, "bench model --profile"), "%s", out);
    CHECK(run_output("bench model --model nosuch", out, sizeof out) != 0);
    CHECK_MSG(strstr(out, "nosuch") != NULL, "%s", out);
    /* a non-neural model has no network to time */
    CHECK(run_output("bench model --model ngram --sizes 1x8x2 --length 24 --runs 1", out, sizeof out) != 0);
    CHECK_MSG(strstr(out, "ngram") != NULL, "%s", out);
    /* ... said as such, in one line, without naming an option that was not given (the
     * sizes' --layers, which the n-gram does not take) */
    const char *plain[] = {"ngram", "unigram"};
    for (int i = 0; i < 2; i++) {
        char cmd[128], want[160];
        snprintf(cmd, sizeof cmd, "bench model --model %s", plain[i]);
        snprintf(want, sizeof want, "bench model: error: --model %s: bench model times the neural models", plain[i]);
        CHECK_MSG(run_cli(cmd, out, sizeof out) == 2 && strstr(out, want) && !strstr(out, "--layers"), "%s: %s", cmd,
                  out);
    }
    /* the model's own options are checked by the model */
    CHECK(run_output("bench model --sizes 1x8x2 --length 24 --runs 1 --nosuch 3", out, sizeof out) != 0);
    CHECK_MSG(strstr(out, "nosuch") != NULL, "%s", out);
    /* a --preset would be overridden by the sizes, which bench model always gives: refused,
     * not timed at sizes other than it names */
    rc0 = run_cli("bench model --model sssd-sa --preset paper --batch 1 --length 24 --runs 1", out, sizeof out);
    CHECK_MSG(rc0 == 2 && strstr(out, "--preset") && strstr(out, "--sizes"), "exit %d: %s", rc0, out);
    CHECK(run_stdout("bench model --model sssd-s4 --preset small --batch 1 --length 24 --runs 1", out, sizeof out) == 2 &&
          !strstr(out, "batch 1"));
    /* ... and refused as a usage error of bench model, not as a model without a network */
    rc0 = run_cli("bench model --model lstm --sizes 1x8x2 --length 24 --runs 1 --state 4", out, sizeof out);
    CHECK_MSG(rc0 == 2 && strstr(out, "lstm: option --state: ") &&
              strstr(out, "(see 'tracesynth bench model --help')") && !strstr(out, "neural models"), "exit %d: %s",
              rc0, out);
    /* a later size the model refuses (12 channels are not 4 heads of an even size) is
     * refused before anything is timed, in one line */
    char err[1024];
    int rc = run_cli("bench model --model mdm --backbone transformer --heads 4 --sizes 1x8x1,1x12x1 --length 8 "
                     "--runs 1 --threads 1", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--channels: 12"), "exit %d: %s", rc, err);
    CHECK(run_stdout("bench model --model mdm --backbone transformer --heads 4 --sizes 1x8x1,1x12x1 --length 8 "
                     "--runs 1 --threads 1", out, sizeof out) == 2 && !strstr(out, "batch 1 "));
    /* a window file named with --windows that is not there is an error, not a skipped step */
    CHECK(run_output("bench data --windows /nonexistent/windows --runs 1 --threads 1", out, sizeof out) == 1);
    CHECK_MSG(strstr(out, "/nonexistent/windows: ") != NULL && !strstr(out, "skipped"), "%s", out);
    /* a folder of datasets that is not there: said so, not strerror's bare words */
    CHECK(run_cli("bench impute --model ngram --datasets-root /nonexistent/root --threads 1", err, sizeof err) == 1);
    CHECK_MSG(!strcmp(err, "tracesynth: error: /nonexistent/root: no such directory (a folder of dataset directories)"),
              "%s", err);
}

/* sssd-s4's denoising step is timed by DDIM runs of 2 and 2 + k steps, all fewer than
 * its T (k at least 4 was more than --T 5 allows: an error about --steps, never given);
 * a T too small for two such runs is refused before anything is timed */
static void sssd_small_T(void)
{
    char out[16384], err[1024];
    int rc = run_output("bench model --state 8 --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 5", out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "1 x 8, batch 2") && strstr(out, "(denoise: 2 steps)"), "exit %d: %s", rc, out);
    rc = run_cli("bench model --state 8 --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 3", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--T 3: ") && strstr(err, "--T 4 or more"), "exit %d: %s", rc, err);
    CHECK(run_stdout("bench model --state 8 --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 3", out,
                     sizeof out) == 2 && !strstr(out, "batch 2"));
    /* diffwave's too */
    rc = run_cli("bench model --model diffwave --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 3", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--T 3: ") && strstr(err, "--T 4 or more"), "exit %d: %s", rc, err);
    /* csdi-s4's: its T (50 unless given) bounds the runs */
    rc = run_cli("bench model --model csdi-s4 --state 8 --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 3", err,
                 sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--T 3: ") && strstr(err, "--T 4 or more"), "exit %d: %s", rc, err);
}

/* sssd-sa's sizes are SaShiMi's: (S4, FF) pairs per level x d_model x batch, 2 layers
 * (its small preset) unless given; its T bounds the runs as sssd-s4's; a window length
 * that is not a multiple of 4 is refused before anything is timed (--vs-torch: vs_torch) */
static void sssd_sa_sizes(void)
{
    char out[16384], err[1024];
    int rc = run_output("bench model --model sssd-sa --state 8 --channels 8 --batch 2 --length 24 --runs 1 "
                        "--threads 1 --T 5", out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "sssd-sa, L = 24") && strstr(out, "2 x 8, batch 2") &&
              strstr(out, "(denoise: 2 steps)"), "exit %d: %s", rc, out);
    rc = run_cli("bench model --model sssd-sa --state 8 --sizes 1x8x2 --length 24 --runs 1 --threads 1 --T 3", err,
                 sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--T 3: ") && strstr(err, "--T 4 or more"), "exit %d: %s", rc, err);
    rc = run_cli("bench model --model sssd-sa --state 8 --sizes 1x8x2 --length 26 --runs 1 --threads 1", err,
                 sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "26") && strstr(err, "multiple of 4"), "exit %d: %s", rc, err);
    CHECK(run_stdout("bench model --model sssd-sa --state 8 --sizes 1x8x2 --length 26 --runs 1 --threads 1", out,
                     sizeof out) == 2 && !strstr(out, "batch 2"));
    CHECK(run_stdout("bench model --help", out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "sssd-sa") != NULL, "%s", out);
}

/* bench impute with sssd-sa: a --lengths value that is not a multiple of 4 (its pools),
 * the default 50 and 150 among them, is refused by name before any length is trained, not
 * after the lengths before it as an option --length never given */
static void impute_sssd_sa_lengths(void)
{
    char out[16384], err[1024];
    const char *common = "--blackouts 2 --windows 4 --iters 2 --layers 1 --channels 4 --state 4 --T 4 --threads 1";
    char args[512];
    snprintf(args, sizeof args, "bench impute --model sssd-sa tests/fixtures/models/ds %s", common);
    int rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--lengths: 50 ") && strstr(err, "multiple of 4") && !strstr(err, "--length:"),
              "exit %d: %s", rc, err);
    snprintf(args, sizeof args, "bench impute --model sssd-sa tests/fixtures/models/ds --lengths 32,30 %s", common);
    rc = run_cli(args, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--lengths: 30 ") && strstr(err, "multiple of 4"), "exit %d: %s", rc, err);
    CHECK(run_stdout(args, out, sizeof out) == 2 && !strstr(out, "L=32"));
    snprintf(args, sizeof args, "bench impute --model sssd-sa tests/fixtures/models/ds --lengths 32 %s", common);
    rc = run_output(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "L=32"), "exit %d: %s", rc, out);
}

/* bench impute's type accuracy is of the architecture the dataset records (its arch file),
 * as impute's: it took the one the names are calls of (arch_prctl and iopl: x86_64's, not
 * aarch64's, which scores neither) */
static void impute_dataset_arch(void)
{
    char args[1024], out[4096], err[1024], s[4096] = "", p[512];
    snprintf(p, sizeof p, "%s/archroot/a64", dir);
    char root[512];
    snprintf(root, sizeof root, "%s/archroot", dir);
    mkdir(root, 0755);
    mkdir(p, 0755);
    uint32_t x = 7;   /* a stream the n-gram fills wrongly at times: the tables' scores differ */
    for (int i = 0; i < 600; i++) {
        x = x * 1103515245u + 12345u;
        char e[4];
        snprintf(e, sizeof e, "%u,", (x >> 16) % 4);
        strcat(s, e);
    }
    s[strlen(s) - 1] = '\n';
    char f[600];
    snprintf(f, sizeof f, "%s/stream.txt", p);
    write_text(f, s);
    snprintf(f, sizeof f, "%s/vocab.tsv", p);
    write_text(f, "0\tread\t1\n1\tarch_prctl\t1\n2\tmmap\t1\n3\tiopl\t1\n");
    snprintf(f, sizeof f, "%s/arch", p);
    write_text(f, "aarch64\n");
    /* impute's own, of the model bench impute trains (the same n-gram, the same windows) */
    snprintf(args, sizeof args, "train --model ngram %s --length 20 -o %s/a64.tsm", p, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(args, sizeof args, "impute %s/a64.tsm --input %s --blackout 5 --json", dir, p);
    REQUIRE(run_stdout(args, out, sizeof out) == 0);
    const char *t = strstr(out, "\"type_accuracy\": ");
    REQUIRE(t && strstr(out, "\"arch\": \"aarch64\""));
    char want[64];
    snprintf(want, sizeof want, "\"type_accuracy\": %.4f", atof(t + 17));
    snprintf(args, sizeof args, "bench impute --model ngram --datasets-root %s --lengths 20 --blackouts 5 "
                                "--positions center --threads 1 --json %s/b.json", root, dir);
    REQUIRE(run_cli(args, err, sizeof err) == 0);
    snprintf(f, sizeof f, "%s/b.json", dir);
    size_t jn;
    char *j = slurp_file(f, &jn);
    REQUIRE(j);
    CHECK_MSG(strstr(j, want), "%s not in %s", want, j);
    free(j);
}

/* --threads 0 (the default) is all cores unless the user's OMP_NUM_THREADS says otherwise */
static void threads_from_environment(void)
{
    char path[512], args[1024], out[4096];
    snprintf(path, sizeof path, "%s/w.txt", dir);
    write_text(path, "1,2,3\n4,5,6\n");
    snprintf(args, sizeof args, "bench data --runs 1 --windows %s", path);
    const char *saved = getenv("OMP_NUM_THREADS");
    char keep[64] = "";
    if (saved) snprintf(keep, sizeof keep, "%s", saved);
    setenv("OMP_NUM_THREADS", "3", 1);   /* 3: not what the machine has, mostly */
    int rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "(3 threads;"), "exit %d: %s", rc, out);
    snprintf(args, sizeof args, "bench data --runs 1 --windows %s --threads 1", path);
    rc = run_stdout(args, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "(1 thread;"), "exit %d: %s", rc, out);   /* --threads wins; "1 thread" */
    if (saved) setenv("OMP_NUM_THREADS", keep, 1);
    else unsetenv("OMP_NUM_THREADS");
}

/* bench fill on a trace that cannot be read leaves no work directory in TMPDIR */
static void fill_error_leaves_nothing(void)
{
    char tmp[512], err[1024];
    snprintf(tmp, sizeof tmp, "%s/tmp", dir);
    REQUIRE(mkdir(tmp, 0755) == 0);
    const char *saved = getenv("TMPDIR");
    char keep[512] = "";
    if (saved) snprintf(keep, sizeof keep, "%s", saved);
    setenv("TMPDIR", tmp, 1);
    int rc = run_cli("bench fill /nonexistent/trace -q", err, sizeof err);
    if (saved) setenv("TMPDIR", keep, 1);
    else unsetenv("TMPDIR");
    CHECK_MSG(rc == 1 && strstr(err, "/nonexistent/trace"), "exit %d: %s", rc, err);
    CHECK_MSG(count_dir(tmp) == 0, "%d entries left in %s", count_dir(tmp), tmp);
    /* TMPDIR naming no folder: said as such, in one line (not only the path made in it) */
    const char *tmpdirs[] = {"/nonexistent", "/etc/passwd"};
    for (int i = 0; i < 2; i++) {
        char cmd[1024], p[600], line[1024] = "";
        snprintf(p, sizeof p, "%s/tmpdir.err", dir);
        snprintf(cmd, sizeof cmd, "TMPDIR=%s %s bench fill /nonexistent/trace -q 2>%s", tmpdirs[i],
                 getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", p);
        int st = system(cmd);
        FILE *f = fopen(p, "r");
        int lines = 0;
        while (f && fgets(err, sizeof err, f))
            if (lines++ == 0) snprintf(line, sizeof line, "%s", err);
        if (f) fclose(f);
        char want[200];
        snprintf(want, sizeof want, "TMPDIR=%s: ", tmpdirs[i]);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1 && lines == 1 && strstr(line, want) &&
                      strstr(line, i ? "not a folder" : "no such folder"),
                  "%s: %s", tmpdirs[i], line);
    }
    /* rates past the 16 it measures are refused, not dropped unsaid */
    rc = run_cli("bench fill /nonexistent/trace -q --rates 0.01,0.02,0.03,0.04,0.05,0.06,0.07,0.08,0.09,0.1,"
                 "0.11,0.12,0.13,0.14,0.15,0.16,0.17", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--rates") && strstr(err, "at most 16"), "exit %d: %s", rc, err);
    /* a trailing comma or a blank is no rate, nor hexadecimal (as the options read numbers) */
    const char *bad[] = {"0.1,", "' 0.1'", "'0.1, 0.2'", "0x0.1p0", "0.05,0X0.1P0"};
    for (int i = 0; i < 5; i++) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "bench fill /nonexistent/trace -q --rates %s", bad[i]);
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "is not a list of rates"), "%s: exit %d: %s", bad[i], rc, err);
    }
    /* the rates drop --rate takes ([0, 0.99]) but 0, where nothing is dropped to score (0.99
     * with bursts long enough to drop that much) */
    rc = run_cli("bench fill /nonexistent/trace -q --rates 0.5,0.99 --burst-min 200", err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "/nonexistent/trace"), "exit %d: %s", rc, err);
    const char *out_of_range[] = {"0", "0.995", "1"};
    for (int i = 0; i < 3; i++) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "bench fill /nonexistent/trace -q --rates %s", out_of_range[i]);
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 2 && strstr(err, "is not a list of rates in (0, 0.99]"), "%s: exit %d: %s", out_of_range[i], rc,
                  err);
    }
    /* a rate given twice would be measured twice, as bench impute refuses a length twice */
    rc = run_cli("bench fill /nonexistent/trace -q --rates 0.05,0.1,0.05", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--rates: '0.05,0.1,0.05': 0.05 twice"), "exit %d: %s", rc, err);
}

/* bench fill's TRACE - is standard input, as fill's is (text redirected from a file; a
 * pipe's, read more than once, refused naming standard input); a model file and the
 * window file bench data reads once per run cannot be standard input */
static void dash_inputs(void)
{
    char err[1024];
    int rc = run_cli("bench fill - -q < /dev/null", err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "error: standard input: ") && !strstr(err, "/dev/stdin"), "exit %d: %s", rc, err);
    rc = run_cli("bench fill tests/data/strace_f.log -q --model -", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--model -: a model is read from a file, not standard input"), "exit %d: %s", rc,
              err);
    rc = run_cli("bench data --windows - < /dev/null", err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--windows -: ") && strstr(err, "not standard input"), "exit %d: %s", rc, err);
    /* its report names standard input, not the path it is read through */
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd, "zcat tests/data/perf_lost.txt.gz | grep -v PERF_RECORD_LOST | head -2000 > %s/whole.txt",
             dir);
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "bench fill - -q --rates 0.05 --threads 1 < %s/whole.txt", dir);
    rc = run_stdout(cmd, out, sizeof out);
    CHECK_MSG(rc == 0 && strstr(out, "bench fill: standard input, model ngram") && !strstr(out, "/dev/stdin"),
              "exit %d: %s", rc, out);
}

static void cleanup(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(dir[0] && system(cmd) == 0);
}

TEST_MAIN("bench", {
    RUN(setup);
    RUN(each_model_both_steps);
    RUN(lstm_steps);
    RUN(vs_torch);
    RUN(vs_torch_outside_the_tree);
    RUN(profile_sections);
    RUN(bad_usage);
    RUN(sssd_small_T);
    RUN(sssd_sa_sizes);
    RUN(impute_sssd_sa_lengths);
    RUN(impute_dataset_arch);
    RUN(threads_from_environment);
    RUN(fill_error_leaves_nothing);
    RUN(dash_inputs);
    RUN(cleanup);
})
