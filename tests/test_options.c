/* The option parser: --opt VALUE and --opt=VALUE alike, short names, flags, ranges,
 * aliases, positional arguments, model options passed through, errors, the usage text. */
#include "check.h"
#include "tracesynth/common.h"
#include "tracesynth/options.h"

#include <fcntl.h>
#include <unistd.h>

typedef struct {
    const char *model, *out, *pos_s;
    long L, k;
    double lr;
    int quiet;
} args;

static const ts_option opts[] = {
    TS_OPT_STR_(0, "model", NULL, "NAME", "model to train"),
    TS_OPT_LONG_(0, "length", NULL, "L", 1, 1 << 24, "window length (default 200)"),
    TS_OPT_LONG_(0, "blackout", NULL, "K", 1, 1000, "hidden events"),
    TS_OPT_DBL_(0, "lr", NULL, "X", 0, 1, "learning rate\nsecond line of help"),
    TS_OPT_STR_('o', "output", NULL, "FILE", "where"),
    TS_OPT_FLAG_(0, "no-progress", NULL, "quiet"),
    {TS_OPT_STRING, 0, "position", NULL, "P", "center or end", 0, 0, 0, 0, "mask-position", 0, NULL, NULL},
    TS_OPT_END_,
};

/* the table with destinations bound to a */
static int parse(args *a, int extra, int argc, char **argv, ts_opt_result *r)
{
    static ts_option o[sizeof opts / sizeof *opts];
    memcpy(o, opts, sizeof opts);
    void *dst[] = {&a->model, &a->L, &a->k, &a->lr, &a->out, &a->quiet, &a->pos_s};
    for (size_t i = 0; i < sizeof dst / sizeof *dst; i++) o[i].value = dst[i];
    ts_opt_spec sp = {"test", "tracesynth test [OPTIONS] DATASET", NULL, o, 1, 1, "DATASET", extra, NULL};
    memset(a, 0, sizeof *a);
    a->L = 200;
    return ts_opt_parse(&sp, argc, argv, r);
}

#define ARGV(...) (char *[]){"test", __VA_ARGS__, NULL}
#define ARGC(...) ((int)(sizeof((char *[]){"test", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(a, extra, r, ...) parse(a, extra, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), r)

static void both_forms(void)
{
    args a;
    ts_opt_result r;
    REQUIRE(PARSE(&a, 0, &r, "--length=60", "-o", "m.tsm", "ds", "--blackout", "7", "--lr=0.5") == 0);
    CHECK(a.L == 60 && a.k == 7 && a.lr == 0.5);
    CHECK(a.out && !strcmp(a.out, "m.tsm"));
    CHECK(r.npos == 1 && !strcmp(r.pos[0], "ds"));   /* -o did not become a dataset */
    ts_opt_free(&r);
    REQUIRE(PARSE(&a, 0, &r, "ds", "--output=x", "--no-progress", "--mask-position", "end") == 0);
    CHECK(a.quiet == 1 && !strcmp(a.out, "x") && !strcmp(a.pos_s, "end"));   /* alias */
    ts_opt_free(&r);
    REQUIRE(PARSE(&a, 0, &r, "--position=center", "--", "-odd-name") == 0);
    CHECK(!strcmp(a.pos_s, "center") && r.npos == 1 && !strcmp(r.pos[0], "-odd-name"));
    ts_opt_free(&r);
    /* past "--", -h and --help are names, not a request for help */
    REQUIRE(PARSE(&a, 0, &r, "--", "-h") == 0);
    CHECK(r.npos == 1 && !strcmp(r.pos[0], "-h"));
    ts_opt_free(&r);
    REQUIRE(PARSE(&a, 0, &r, "--length=5", "--", "--help") == 0);
    CHECK(a.L == 5 && r.npos == 1 && !strcmp(r.pos[0], "--help"));
    ts_opt_free(&r);
    /* as the value of one of the table's options too; after a flag, or after a model's own
     * --key (whose value is never a request for help: "train --bogus --help"), it is help */
    REQUIRE(PARSE(&a, 0, &r, "ds", "-o", "-h") == 0);
    CHECK(a.out && !strcmp(a.out, "-h"));
    ts_opt_free(&r);
    fflush(stdout);
    int saved = dup(1), devnull = open("/dev/null", O_WRONLY);   /* the usage it prints */
    dup2(devnull, 1);
    int rc = PARSE(&a, 0, &r, "ds", "--no-progress", "-h");
    ts_opt_free(&r);
    int rc_kv = PARSE(&a, 1, &r, "ds", "--title", "--help");
    ts_opt_free(&r);
    int rc_kv_h = PARSE(&a, 1, &r, "--bogus", "-h");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(devnull);
    CHECK(rc == 1);
    CHECK_MSG(rc_kv == 1 && rc_kv_h == 1, "a model's --key before --help/-h: %d, %d", rc_kv, rc_kv_h);
    ts_opt_free(&r);
}

static void model_options(void)
{
    args a;
    ts_opt_result r;
    REQUIRE(PARSE(&a, 1, &r, "ds", "--layers", "4", "--preset=small", "--model", "mdm") == 0);
    CHECK(r.nkv == 2);
    CHECK(!strcmp(r.keys[0], "layers") && !strcmp(r.values[0], "4"));
    CHECK(!strcmp(r.keys[1], "preset") && !strcmp(r.values[1], "small"));
    CHECK(!strcmp(a.model, "mdm"));
    ts_opt_free(&r);
    /* without pass-through an unknown option is an error */
    CHECK(PARSE(&a, 0, &r, "ds", "--layers", "4") == 2);
    ts_opt_free(&r);
}

static void errors(void)
{
    args a;
    ts_opt_result r;
    int rc;
    rc = PARSE(&a, 0, &r, "ds", "--length");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "--length=abc");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "--blackout", "1001");   /* out of range */
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "--lr", "2");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "--lr", "nan");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "other");                /* two positionals */
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "--length", "5");              /* none */
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "--no-progress=1");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 0, &r, "ds", "-x");
    CHECK(rc == 2);
    ts_opt_free(&r);
    rc = PARSE(&a, 1, &r, "ds", "--layers");             /* model option without value */
    CHECK(rc == 2);
    ts_opt_free(&r);
}

/* an empty argument names no file: refused as an empty option value is, naming the
 * argument, not read as the path "" (": cannot open") */
static int empty_rc;
static void parse_empty(void *ctx)
{
    args a;
    ts_opt_result r;
    char **argv = ctx;
    int argc = 0;
    while (argv[argc]) argc++;
    empty_rc = parse(&a, 0, argc, argv, &r);
    ts_opt_free(&r);
}

static void empty_argument_refused(void)
{
    char *cases[][4] = {{"test", "", NULL}, {"test", "--length", "5", ""}, {"test", "--", "", NULL}};
    for (int i = 0; i < 3; i++) {
        char *argv[5] = {0};
        for (int j = 0; j < 4 && cases[i][j]; j++) argv[j] = cases[i][j];
        char err[512];
        capture_stderr(parse_empty, argv, err, sizeof err);
        CHECK_MSG(empty_rc == 2 && strstr(err, "tracesynth test: error: an empty DATASET ('')") &&
                      strchr(err, '\n') == strrchr(err, '\n'), "case %d: %s", i, err);
    }
}

/* an error quotes what was given with its control bytes and bytes that are not UTF-8 as
 * \xNN: a terminal's escape sequence or a newline in a value is not acted on */
static char **shown_argv;
static int shown_argc, shown_rc;

static void parse_shown(void *ctx)
{
    args a;
    ts_opt_result r;
    shown_rc = parse(&a, *(int *)ctx, shown_argc, shown_argv, &r);
    ts_opt_free(&r);
}

static void errors_show_bytes(void)
{
    char *cases[][3] = {
        {"test", "ds", "--length=1\033[2J"},
        {"test", "ds", "--le\033]0;x\007"},
        {"test", "ds", "--lr=\xff\xc2\x9b\nx"},
        {"test", "ds", "-\x01"},
    };
    const char *want[] = {"'1\\x1b[2J'", "'--le\\x1b]0;x\\x07'", "'\\xff\\xc2\\x9b\\x0ax'", "'-\\x01'"};
    for (int i = 0; i < 4; i++) {
        char err[512];
        int extra = 0;
        shown_argc = 3;
        shown_argv = cases[i];
        capture_stderr(parse_shown, &extra, err, sizeof err);
        CHECK_MSG(shown_rc == 2 && !strpbrk(err, "\033\007\001\xff\x9b") && strchr(err, '\n') == strrchr(err, '\n') &&
                  strstr(err, want[i]), "%s", err);
    }
    /* UTF-8 is shown as it is */
    char err[512], *utf[] = {"test", "ds", "--length=caf\xc3\xa9"};
    int extra = 0;
    shown_argc = 3;
    shown_argv = utf;
    capture_stderr(parse_shown, &extra, err, sizeof err);
    CHECK_MSG(shown_rc == 2 && strstr(err, "'caf\xc3\xa9'"), "%s", err);
}

/* an option's value is never another option ("--model --help", "--model --length 5"): the
 * option needs a value, or the help asked for is given; --key=--VALUE gives one that begins
 * with "--", and a single dash ("-o -h", "--lr -1") is a value as before */
static void option_as_value_refused(void)
{
    args a;
    ts_opt_result r;
    char err[512];
    static char *cases[][5] = {
        {"test", "--model", "--no-progress", "ds", NULL},   /* the table's option */
        {"test", "ds", "-o", "--length", "5"},
        {"test", "--layers", "--no-progress", "ds", NULL},  /* a model's own */
    };
    /* the way to give it names the long option: "-o=--length" is no short option's form */
    const char *want[] = {"--model needs a value, not the option '--no-progress' (--model=--no-progress gives",
                          "-o needs a value, not the option '--length' (--output=--length gives it as the value)",
                          "--layers needs a value, not the option '--no-progress'"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int extra = 1;
        shown_argv = cases[i];
        for (shown_argc = 0; shown_argc < 5 && cases[i][shown_argc]; shown_argc++) continue;
        capture_stderr(parse_shown, &extra, err, sizeof err);
        CHECK_MSG(shown_rc == 2 && strstr(err, want[i]), "%zu: %d: %s", i, shown_rc, err);
    }
    REQUIRE(PARSE(&a, 0, &r, "--model=--odd", "ds") == 0);
    CHECK(!strcmp(a.model, "--odd"));
    ts_opt_free(&r);
    /* the help asked for after an option that needs a value: given */
    fflush(stdout);
    int saved = dup(1), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    int rc = PARSE(&a, 0, &r, "--model", "--help");
    ts_opt_free(&r);
    int rc_ds = PARSE(&a, 0, &r, "ds", "-o", "--help");
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(devnull);
    CHECK_MSG(rc == 1 && rc_ds == 1, "--model --help: %d, -o --help: %d", rc, rc_ds);
    ts_opt_free(&r);
}

/* a choice, a callback, a required option */
static int parse_even(const char *v, void *dst)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (*end || x % 2) return ts_fail("'%s' is not an even number", v);
    *(long *)dst = x;
    return 0;
}

static size_t count;

static int parse_more(int argc, char **argv, int *fmt, long *even, const char **out)
{
    static const char *const formats[] = {"text", "npy", "both", NULL};
    const ts_option o[] = {
        TS_OPT_CHOICE_(0, "format", fmt, "F", formats, "text, npy or both"),
        TS_OPT_CB_(0, "even", even, "N", parse_even, "an even number"),
        TS_OPT_SIZE_('n', "count", &count, "N", 1, 10, "how many"),
        TS_OPT_STR_F_('o', "output", out, "DIR", TS_OPT_REQUIRED, "where"),
        TS_OPT_END_,
    };
    ts_opt_spec sp = {"test", "tracesynth test -o DIR", NULL, o, 0, 0, NULL, 0, NULL};
    ts_opt_result r;
    *fmt = 0;
    *even = 0;
    *out = NULL;
    int rc = ts_opt_parse(&sp, argc, argv, &r);
    ts_opt_free(&r);
    return rc;
}

static void choices_callbacks_required(void)
{
    int fmt;
    long even;
    const char *out;
    CHECK(parse_more(ARGC("--format=npy", "--even", "4", "-o", "d"), ARGV("--format=npy", "--even", "4", "-o", "d"),
                     &fmt, &even, &out) == 0);
    CHECK(fmt == 1 && even == 4 && out && !strcmp(out, "d"));
    CHECK(parse_more(ARGC("-o", "d", "--format", "both"), ARGV("-o", "d", "--format", "both"), &fmt, &even, &out) == 0);
    CHECK(fmt == 2 && even == 0);
    CHECK(parse_more(ARGC("-o", "d", "-n", "7"), ARGV("-o", "d", "-n", "7"), &fmt, &even, &out) == 0);
    CHECK(count == 7);
    CHECK(parse_more(ARGC("-o", "d", "-n", "-1"), ARGV("-o", "d", "-n", "-1"), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("-o", "d", "--count=11"), ARGV("-o", "d", "--count=11"), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("-o", "d", "--format", "csv"), ARGV("-o", "d", "--format", "csv"), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("-o", "d", "--format", "tex"), ARGV("-o", "d", "--format", "tex"), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("-o", "d", "--even=3"), ARGV("-o", "d", "--even=3"), &fmt, &even, &out) == 2);
    CHECK(strstr(ts_error(), "'3' is not an even number") != NULL);
    CHECK(parse_more(ARGC("--even=2"), ARGV("--even=2"), &fmt, &even, &out) == 2);   /* no -o */
    CHECK(parse_more(ARGC("-o", "d", "--format="), ARGV("-o", "d", "--format="), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("--output=", "d"), ARGV("--output=", "d"), &fmt, &even, &out) == 2);
    /* an empty value given apart is refused as "--output=" is */
    CHECK(parse_more(ARGC("-o", ""), ARGV("-o", ""), &fmt, &even, &out) == 2);
    CHECK(parse_more(ARGC("--output", ""), ARGV("--output", ""), &fmt, &even, &out) == 2);
}

/* ts_opt_given: an option given at its default value is given all the same */
static void given_at_default(void)
{
    static const char *const formats[] = {"text", "npy", "both", NULL};
    int fmt = 0;
    long even = 0;
    const char *out = NULL;
    const ts_option o[] = {
        TS_OPT_CHOICE_(0, "format", &fmt, "F", formats, "text, npy or both"),
        TS_OPT_CB_(0, "even", &even, "N", parse_even, "an even number"),
        TS_OPT_STR_('o', "output", &out, "DIR", "where"),
        TS_OPT_END_,
    };
    ts_opt_spec sp = {"test", "tracesynth test", NULL, o, 0, 0, NULL, 0, NULL};
    ts_opt_result r;
    REQUIRE(ts_opt_parse(&sp, ARGC("--format", "text", "-o", "d"), ARGV("--format", "text", "-o", "d"), &r) == 0);
    CHECK(fmt == 0 && ts_opt_given(&r, &fmt) && ts_opt_given(&r, &out) && !ts_opt_given(&r, &even));
    ts_opt_free(&r);
    REQUIRE(ts_opt_parse(&sp, ARGC("--even=0"), ARGV("--even=0"), &r) == 0);
    CHECK(ts_opt_given(&r, &even) && !ts_opt_given(&r, &fmt) && !ts_opt_given(&r, &out));
    ts_opt_free(&r);
}

static void usage_text(void)
{
    args a;
    static ts_option o[sizeof opts / sizeof *opts];
    memcpy(o, opts, sizeof opts);
    o[0].value = &a.model;
    ts_opt_spec sp = {"test", "tracesynth test [OPTIONS] DATASET", "About.\n", o, 1, 1, "DATASET", 1, NULL};
    FILE *f = tmpfile();
    REQUIRE(f);
    ts_opt_usage(&sp, f);
    rewind(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    CHECK(strstr(buf, "usage: tracesynth test [OPTIONS] DATASET\n\nAbout.\n") != NULL);
    CHECK(strstr(buf, "  --length L             window length (default 200)\n") != NULL);
    CHECK(strstr(buf, "  -o, --output FILE      where\n") != NULL);
    CHECK(strstr(buf, "learning rate\n                         second line of help\n") != NULL);
    CHECK(strstr(buf, "(also --mask-position)") != NULL);
    /* and where they are told: impute's and generate's own help lists none (--sampler) */
    CHECK(strstr(buf, "Other --KEY VALUE pairs are options of the model; 'tracesynth train --model\n"
                      "NAME --help' lists each model's.\n") != NULL);
}

TEST_MAIN("options", {
    RUN(both_forms);
    RUN(model_options);
    RUN(errors);
    RUN(empty_argument_refused);
    RUN(errors_show_bytes);
    RUN(option_as_value_refused);
    RUN(choices_callbacks_required);
    RUN(given_at_default);
    RUN(usage_text);
})
