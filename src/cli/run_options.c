/* The options commands share: those of every model run (--seed, --batch, --steps,
 * --threads, --no-progress) turned into the library's run options, the option
 * callbacks for the library's names, --arch of the commands on traces, '-' as standard
 * input and output (taken, refused, and named so in messages), a JSON string
 * writer, and the time split's shares a dataset's own splits record. */
#include "cli.h"
#include "tracesynth/mc_model.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_run_apply(const cli_run *r, const ts_opt_result *args, ts_run_opts *ro)
{
    /* 0 too: OpenBLAS then runs on one thread and the products and layers split over
     * OpenMP's (ts_parallel_ok), instead of two pools and most loops on one core */
    ts_set_threads((int)r->threads);
    memset(ro, 0, sizeof *ro);
    ro->seed = (uint64_t)r->seed;
    ro->batch = (size_t)r->batch;
    ro->steps = (int)r->steps;
    ro->progress = !r->no_progress;
    ro->kv = (ts_kv){args->nkv, args->keys, args->values};
}

/* the error recorded begins with a model's name, then `tail` ("MODEL: option --", ...) */
static int error_of_model(const char *tail)
{
    const char *e = ts_error(), *at = strstr(e, tail);
    if (!at) return 0;
    char name[64];
    const size_t n = (size_t)(at - e);
    if (n >= sizeof name) return 0;
    memcpy(name, e, n);
    name[n] = 0;
    /* a single-channel model as the event channel (--channels-from): the event model's name */
    const size_t tl = strlen(TS_MC_EVENTS_NAME_TAIL);
    if (n > tl && !strcmp(name + n - tl, TS_MC_EVENTS_NAME_TAIL)) name[n - tl] = 0;
    for (const ts_model_ops *const *p = ts_model_list(); *p; p++)
        if (!strcmp((*p)->name, name)) return 1;
    for (const ts_mc_model_ops *const *p = ts_mc_model_list(); *p; p++)
        if (!strcmp((*p)->name, name)) return 1;
    return 0;
}

int cli_error_is_option(void)
{
    /* ts_opt_fail's wording: "MODEL: option --KEY: ...", or "option --KEY: ..." where no
     * model is named */
    return !strncmp(ts_error(), "option --", 9) || error_of_model(": option --");
}

int cli_error_is_fit(void)
{
    /* ts_fit_fail's wording: "MODEL: --KEY VALUE ...", or "--KEY VALUE ..." */
    return !strncmp(ts_error(), "--", 2) || error_of_model(": --");
}

int cli_train_failed(const char *cmd, const char *dataset)
{
    if (cli_error_is_fit()) {   /* a value this dataset cannot work with: the data's error, naming it */
        char *why = ts_strdup(ts_error());
        ts_fail("%s: %s", dataset, why);
        free(why);
        return cli_fail();
    }
    return cli_run_failed(cmd);
}

int cli_run_failed(const char *cmd)
{
    if (!cli_error_is_option()) return cli_fail();
    char *why = ts_strdup(ts_error());
    const int rc = cli_usage_error(cmd, "%s", why);
    free(why);
    return rc;
}

int cli_run_check(const char *cmd, const ts_model *m, const ts_run_opts *ro,
                  int (*check)(const ts_model *m, const ts_run_opts *o))
{
    if (check(m, ro) == 0) return 0;
    if (cli_error_is_option()) return cli_run_failed(cmd);
    ts_clear_error();   /* none of the options': the run says it where it makes it */
    return 0;
}

int cli_opt_split(const char *v, void *dst) { return ts_split_parse(v, dst); }
int cli_opt_position(const char *v, void *dst) { return ts_mask_parse(v, dst); }
int cli_opt_fractions(const char *v, void *dst) { return ts_split_parse_fractions(v, dst); }

/* ds's events' hash, *crc, made at the first call only (0: it could not be made) */
static uint64_t events_crc(const char *ds, uint64_t *crc, int *hashed)
{
    if (!*hashed) *crc = ts_dataset_events_crc(ds);
    *hashed = 1;
    return *crc;
}

/* 1 with p (thousandths) when the split.txt at txt records a time split of ds's events (their
 * hash, made here once for all the records, only where one has a hash to compare: a dataset
 * no split records is not read whole for it), as split writes it; 0 when it records none
 * (none there, another dataset's, another kind); -1 with an error naming txt (and the line)
 * when it does without fractions that read, or naming its folder when a replacement of its
 * files there cannot be completed: the parts it cut ds at are not known */
static int split_record(const char *txt, const char *ds, uint64_t *crc, int *hashed, int p[3], const char *instead)
{
    ts_split_record r;
    const int none = ts_split_record_read(txt, &r);
    if (none) return none < 0 ? -1 : 0;
    const uint64_t now = r.time && r.has_crc ? events_crc(ds, crc, hashed) : 0;
    const int of_ds = now && r.stream_crc == now;
    const int parts = of_ds && r.fractions && ts_split_parse_fractions(r.fractions, p) == 0;
    const long bad = of_ds && r.fractions && !parts ? r.fractions_line : 0;   /* the line of fractions that are none */
    char why[512] = "";
    if (bad) snprintf(why, sizeof why, ": %s", ts_error());
    ts_clear_error();
    ts_split_record_free(&r);
    if (!of_ds) return 0;
    if (parts) return 1;
    char at[32] = "";
    if (bad) snprintf(at, sizeof at, ":%ld", bad);
    return ts_fail("%s%s: a time split of %s's events %s%s: the training part it cut is not known; give --fractions "
                   "A,B,C%s", txt, at, ds, bad ? "whose fractions do not read" : "without its fractions line", why,
                   instead ? instead : "");
}

/* the parts ds's own splits record: 1 with *rec when all agree; 0 when none records any;
 * -1 after the error (cli_dataset_fractions) */
static int recorded_fractions(const char *ds, int pm[3], char **rec, const char *instead)
{
    *rec = NULL;
    struct dirent **e = NULL;
    const int n = scandir(ds, &e, NULL, alphasort);
    uint64_t crc = 0;
    int rc = 0, hashed = 0;
    for (int i = 0; i < n; i++) {
        char *txt = NULL;
        int p[3];
        /* its folders' (split ds -o ds/SPLIT), and its own (split ds -o ds: its '.') */
        if (rc >= 0 && !strcmp(e[i]->d_name, ".")) txt = ts_path_join(ds, "split.txt");
        else if (rc >= 0 && e[i]->d_name[0] != '.') {
            char *sub = ts_path_join(ds, e[i]->d_name);
            txt = ts_path_join(sub, "split.txt");
            free(sub);
        }
        const int got = txt ? split_record(txt, ds, &crc, &hashed, p, instead) : 0;
        if (got < 0) rc = -1;
        else if (got) {
            if (!*rec) {
                memcpy(pm, p, sizeof p);
                *rec = txt;
                txt = NULL;
                rc = 1;
            } else if (memcmp(pm, p, sizeof p)) {
                rc = ts_fail("%s: its splits cut it at different fractions, %g,%g,%g (%s) and %g,%g,%g (%s): which "
                             "one its training part is is not known; give --fractions A,B,C%s", ds, pm[0] / 1000.0,
                             pm[1] / 1000.0, pm[2] / 1000.0, *rec, p[0] / 1000.0, p[1] / 1000.0, p[2] / 1000.0, txt,
                             instead ? instead : "");
            }
        }
        free(txt);
        free(e[i]);
    }
    free(e);
    if (rc < 0) {
        free(*rec);
        *rec = NULL;
    }
    return rc;
}

int cli_dataset_fractions(const char *ds, const int *given, int pm[3], char **rec, const char *instead)
{
    *rec = NULL;
    memcpy(pm, given ? given : ts_split_default_permille, 3 * sizeof *pm);
    return !given && recorded_fractions(ds, pm, rec, instead) < 0 ? -1 : 0;
}

void cli_train_note_split(const char *ds, size_t n, const int pm[3], int given)
{
    int rp[3];
    char *rec = NULL;
    if (cli_dataset_fractions(ds, NULL, rp, &rec, NULL) != 0) ts_clear_error();
    if (rec && memcmp(rp, pm, sizeof rp)) {
        size_t a, ra, b;
        ts_split_bounds(n, pm, &a, &b);
        ts_split_bounds(n, rp, &ra, &b);
        cli_say(stderr, "tracesynth: note: train: the model learned from the first %zu event%s, the training part of "
                "%s %g,%g,%g; %s records a split of %s at %g,%g,%g, whose training part (the first %zu event%s) "
                "constraints, markov and eval take unless given --fractions; give train --fractions %g,%g,%g to "
                "learn from that part\n", a, ts_plural(a), given ? "--fractions" : "the default", pm[0] / 1000.0,
                pm[1] / 1000.0, pm[2] / 1000.0, rec, ds, rp[0] / 1000.0, rp[1] / 1000.0, rp[2] / 1000.0, ra,
                ts_plural(ra), rp[0] / 1000.0, rp[1] / 1000.0, rp[2] / 1000.0);
    }
    free(rec);
}

void cli_json_fractions(const char *key, const int *pm, const char *rec, int given)
{
    if (!pm) {
        printf("\"%s\": null, \"%s_from\": null, ", key, key);
        return;
    }
    printf("\"%s\": [%g, %g, %g], \"%s_from\": ", key, pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0, key);
    ts_json_put(stdout, rec ? rec : given ? "--fractions" : "default");
    printf(", ");
}

int cli_opt_precision(const char *v, void *dst)
{
    (void)dst;
    if (!strcmp(v, "fp32")) return ts_set_precision(TS_PRECISION_FP32);
    if (!strcmp(v, "bf16")) return ts_set_precision(TS_PRECISION_BF16);
    /* the parser puts the option's name in front */
    return ts_fail("'%s': expected fp32 or bf16", v);
}

int cli_drop_bursts(const char *cmd, long bmin, long *bmax, int given, const char *label, const double *rates, int n)
{
    if (*bmax < bmin && !given) *bmax = bmin;
    if (*bmax < bmin) return cli_usage_error(cmd, "--burst-max %ld is below --burst-min %ld", *bmax, bmin);
    const double top = ts_drop_rate_max(bmin, *bmax);
    for (int i = 0; i < n; i++)   /* before the trace is read */
        if (rates[i] > top)
            return cli_usage_error(cmd, "%s %g is out of reach of bursts of %ld..%ld event%s: each burst follows a "
                                   "kept event, so they drop at most %.4g %% (raise --burst-min/--burst-max or lower "
                                   "the rate)", label, rates[i], bmin, *bmax, ts_plural((size_t)*bmax), 100 * top);
    return 0;
}

int cli_fill_inputs(const char *cmd, ts_opt_result *args, const char *model, const char **arch)
{
    int rc;
    if ((rc = cli_stdin_input(cmd, "TRACE", &args->pos[0])) ||
        (rc = cli_input_no_stdin(cmd, "--model", model, "a model is read from a file")) ||
        (rc = cli_model_keys_no_stdin(cmd, args)))
        return rc;
    /* a name that is no model and no file, a path with a '/' or not: mistyped, a usage error
     * as train's unknown --model is; a file there that is no model is the data's (the run's) */
    struct stat st;
    if (model && !ts_model_find(model) && stat(model, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
        char *why = ts_strdup(ts_error());
        /* a multi-channel model's name is no mistyped path: its one reason says all */
        if (ts_mc_model_find(model, 1)) rc = cli_usage_error(cmd, "--model: %s", why);
        else rc = cli_usage_error(cmd, "--model: %s, nor a model file: %s does not exist", why, model);
        free(why);
        return rc;
    }
    ts_clear_error();
    return cli_trace_arch(cmd, args->pos[0], arch);
}

int cli_trace_arch(const char *cmd, const char *trace, const char **arch)
{
    if (!*arch) return 0;
    ts_arch a;
    if (ts_arch_parse(*arch, &a)) return cli_usage_error(cmd, "--arch: %s", ts_error());
    struct stat st;
    if (stat(trace, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_usage_error(cmd, "--arch names ftrace's or perf's raw_syscalls numbers; %s is a CTF trace (a "
                                    "directory), whose events name their system calls", trace);
    *arch = ts_arch_name(a);
    return 0;
}

int cli_dataset_arch(const char *dir, const char **arch)
{
    ts_arch a;
    *arch = NULL;
    if (ts_dataset_arch(dir, &a)) return -1;
    if (a != TS_ARCH_UNKNOWN) *arch = ts_arch_name(a);
    return 0;
}

size_t cli_train_events(size_t n, const int permille[3], char *why, size_t cap)
{
    const int *pm = permille ? permille : ts_split_default_permille;
    size_t a, b;
    ts_split_bounds(n, pm, &a, &b);
    if (cap) why[0] = 0;
    if (a || !n) return a;
    snprintf(why, cap, "the training part [0, 0) of parts %g/%g/%g is empty, its first event taken", pm[0] / 1000.0,
             pm[1] / 1000.0, pm[2] / 1000.0);
    return 1;
}

void cli_split_recorded(char *buf, size_t cap, const int pm[3], const char *rec)
{
    snprintf(buf, cap, "the time split at %g,%g,%g as %s records it", pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0,
             rec);
}

int cli_mc_window_length(const char *dir, size_t n, int given, size_t len, size_t *out)
{
    size_t rec;
    if (ts_mc_window_length(dir, n, &rec)) return -1;
    if (rec && given && len != rec) {
        char *p = ts_path_join(dir, "length");
        ts_fail("%s: windows of %zu event%s, but --length %zu%s", p, rec, ts_plural(rec), len, len ? "" : " (one sequence)");
        free(p);
        return -1;
    }
    *out = rec ? rec : len;
    return 0;
}

void cli_note_perf_no_lost(const char *cmd, const char *trace)
{
    /* perf script prints PERF_RECORD_LOST lines only with --show-lost-events, and none where
     * none was lost: text of a complete recording reads the same with it and without */
    cli_say(stderr, "tracesynth: note: %s: %s: perf script's text has no PERF_RECORD_LOST line: no event was lost, or "
            "the text was made without perf script --show-lost-events, which prints them (the text cannot tell "
            "which); perf report --stats tells whether any were lost\n", cmd, cli_input_name(trace));
}

long cli_trained_count(const ts_model *m, const ts_windows *x, const ts_vocab *names)
{
    size_t found;
    const int rc = ts_model_windows_trained(m, x, names, &found);
    /* a count beside the scores: its failure (memory) changes nothing the run says */
    if (rc) ts_clear_error();
    return rc ? -1 : (long)found;
}

/* the most of x found in the training part of input's dataset named by the record of m or
 * of a model its run averages with it (mdm's --ensemble): *best; *known set where one names
 * it. Those parts all begin input's events, so the longest holds the windows of the others */
static int record_found(const ts_model *m, const char *input, const ts_windows *x, size_t *best, int *known)
{
    size_t f;
    const int rc = ts_model_held_out_found(m, input, x, &f);
    if (rc < 0) return -1;
    if (rc == 1) {
        *known = 1;
        if (f > *best) *best = f;
    }
    const ts_model *e;
    for (int i = 0; m->ops->ensemble_member && (e = m->ops->ensemble_member(m, i)); i++)
        if (record_found(e, input, x, best, known) != 0) return -1;
    return 0;
}

long cli_trained_count_in(const ts_model *m, const ts_windows *x, const ts_vocab *names, const char *input)
{
    if (!input) return cli_trained_count(m, x, names);
    uint8_t *hit = ts_calloc(x->n ? x->n : 1, 1);
    const int none_kept = ts_model_windows_trained_hits(m, x, names, hit);
    long found = -1;
    if (none_kept >= 0) {
        /* the windows no model's kept events hold: counted by the records of the model and
         * of each partner, each a model keeping no training events (sssd-s4, mdm --prior 0) */
        ts_windows rest = {NULL, 0, x->len};
        const size_t nl = x->n * x->len;
        rest.data = ts_malloc((nl ? nl : 1) * sizeof *rest.data);
        size_t in_kept = 0, best = 0;
        for (size_t i = 0; i < x->n; i++)
            if (hit[i]) in_kept++;
            else memcpy(rest.data + rest.n++ * x->len, x->data + i * x->len, x->len * sizeof *rest.data);
        int known = none_kept == 0;
        if (record_found(m, input, &rest, &best, &known) == 0 && known) found = (long)(in_kept + best);
        else if (none_kept == 0) found = (long)in_kept;
        free(rest.data);
    }
    /* a count beside the scores: its failure (memory) changes nothing the run says */
    ts_clear_error();
    free(hit);
    return found;
}

void cli_warn_trained(const char *cmd, const char *where, long found, size_t n, const char *overstated)
{
    /* after the run's output, and only where it reached standard output: a failure's
     * message is its one line */
    if (found <= 0 || fflush(stdout) != 0 || ferror(stdout)) return;
    cli_say(stderr, "tracesynth: warning: %s: %s%s%ld of %zu window%s occur%s verbatim in the model's training data: "
            "%s\n", cmd, where ? where : "", where ? ": " : "", found, n, ts_plural(n), found == 1 ? "s" : "",
            overstated ? overstated : "the scores overstate its accuracy on behaviour it has not seen");
}

static int stdout_taken;   /* -o - became /dev/stdout: cli_fail names it standard output */

int cli_output_stdout(const char *cmd, const char **out, int dir, const char *why)
{
    if (strcmp(*out, "-")) return 0;
    if (dir) return cli_usage_error(cmd, "-o -: %s", why);
    *out = "/dev/stdout";
    stdout_taken = 1;
    return 1;
}

int cli_stdout_taken(void) { return stdout_taken; }

static int stdin_taken;   /* an INPUT of - became /dev/stdin: named standard input */

int cli_input_stdin(const char **in)
{
    if (strcmp(*in, "-")) return 0;
    /* closed (<&-): /dev/stdin would be "no such file", which names neither */
    if (fcntl(STDIN_FILENO, F_GETFD) == -1 && errno == EBADF)
        return ts_fail("standard input: closed: there is nothing to read for '-'");
    *in = "/dev/stdin";
    stdin_taken = 1;
    return 1;
}

int cli_stdin_input(const char *cmd, const char *opt, const char **in)
{
    if (!*in || strcmp(*in, "-")) return 0;
    /* one stream: what an earlier input read of it would be gone for this one */
    if (stdin_taken) return cli_usage_error(cmd, "%s -: standard input is read once, and another input reads it", opt);
    return cli_input_stdin(in) < 0 ? cli_fail() : 0;
}

int cli_input_no_stdin(const char *cmd, const char *opt, const char *in, const char *what)
{
    if (!in || strcmp(in, "-")) return 0;
    return cli_usage_error(cmd, "%s -: %s, not standard input; name one", opt, what);
}

int cli_model_file(const char *cmd, const char *path)
{
    int rc = cli_input_no_stdin(cmd, "MODEL", path, "a model is read from a file");
    if (rc || !path || strchr(path, '/') || ts_file_exists(path)) return rc;
    /* no such file, but a model's name: the name given where its trained file goes, said
     * so as train's, fill's and bench's unknown --model are, not as a file not there */
    const int named = ts_model_find(path) || ts_mc_model_find(path, 1);
    ts_clear_error();
    if (!named) return 0;
    return cli_usage_error(cmd, "MODEL %s: a model's name, not a model file (train --model %s DATASET -o FILE "
                           "writes one)", path, path);
}

int cli_one_model(const char *cmd, const ts_opt_result *args, const char *input)
{
    if (args->npos < 2) return 0;
    const char *a = args->pos[0], *b = args->pos[1];
    /* a second file that is no model (a dataset, a window file, a .npy), without --input:
     * tune-prior's MODEL DATASET form, whose windows go with --input here */
    char magic[4] = {0};
    /* (standard input is not read for it, a FIFO not waited on) */
    const int fd = input || ts_path_is_stdin(b) ? -1 : open(b, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    const int model = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "TSYN", 4);
    if (fd >= 0) close(fd);
    if (input || model) return cli_usage_error(cmd, "more than one MODEL ('%s', '%s')", a, b);
    /* the option as the shell reads it back: standard input stays '-' */
    char *w = ts_path_is_stdin(b) ? ts_strdup("-") : ts_shell_word(b);
    const int rc = cli_usage_error(cmd, "more than one MODEL ('%s', '%s'): the windows are --input's (--input %s)", a,
                                   b, w);
    free(w);
    return rc;
}

int cli_dir_no_stdin(const char *cmd, const char *opt, const char *in, const char *what)
{
    if (!in || !ts_path_is_stdin(in)) return 0;
    /* '< DIR' makes /dev/stdin that directory, read through it as any other; '-' names
     * the stream, never one */
    struct stat st;
    if (strcmp(in, "-") && fstat(0, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    return cli_usage_error(cmd, "%s %s: %s, not standard input; name one", opt, in, what);
}

int cli_ensemble_no_stdin(const char *cmd, const char *list)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        const size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 1 && *p == '-') return cli_input_no_stdin(cmd, "--ensemble", "-", "each network is read from a file");
        p += n + (e != NULL);
    }
    return 0;
}

int cli_model_keys_no_stdin(const char *cmd, const ts_opt_result *args)
{
    return cli_ensemble_no_stdin(cmd, ts_kv_get(&(ts_kv){args->nkv, args->keys, args->values}, "ensemble"));
}

const char *cli_input_name(const char *in)
{
    return stdin_taken && !strcmp(in, "/dev/stdin") ? "standard input" : in;
}

/* a byte a path may hold: where a path named in a message goes on */
static int path_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '/' || c == '~';
}

/* a span quoted at msg[i] (its "'" at the start or after no letter or digit, as a possessive's
 * is): its length up to its closing "'" (that no letter or digit follows) on the line, else 0 */
static size_t quoted_span(const char *msg, size_t i)
{
    if (msg[i] != '\'' || (i > 0 && isalnum((unsigned char)msg[i - 1]))) return 0;
    for (size_t j = i + 1; msg[j] && msg[j] != '\n'; j++)
        if (msg[j] == '\'' && !isalnum((unsigned char)msg[j + 1])) return j + 1 - i;
    return 0;
}

char *cli_dash_words(const char *msg)
{
    static const struct { const char *path, *words; } dash[2] = {{"/dev/stdout", "standard output"},
                                                                 {"/dev/stdin", "standard input"}};
    const int taken[2] = {stdout_taken, stdin_taken};
    size_t n = strlen(msg), k = 0;
    char *out = ts_malloc(2 * n + 1);   /* (each path of 10 or 11 bytes grows by 4) */
    for (size_t i = 0; i < n;) {
        /* a quoted span (an input's line, a value) is as given, but for the path alone */
        const size_t q = quoted_span(msg, i);
        int whole = 0;
        for (int t = 0; t < 2 && q; t++)
            whole |= taken[t] && q == strlen(dash[t].path) + 2 && !strncmp(msg + i + 1, dash[t].path, q - 2);
        if (q && !whole) {
            memcpy(out + k, msg + i, q);
            k += q;
            i += q;
            continue;
        }
        int d = -1;
        for (int t = 0; t < 2 && d < 0 && (i == 0 || !path_byte(msg[i - 1])); t++) {
            size_t l = strlen(dash[t].path);
            if (taken[t] && !strncmp(msg + i, dash[t].path, l) && !path_byte(msg[i + l])) d = t;
        }
        if (d < 0) {
            out[k++] = msg[i++];
            continue;
        }
        memcpy(out + k, dash[d].words, strlen(dash[d].words));
        k += strlen(dash[d].words);
        i += strlen(dash[d].path);
    }
    out[k] = 0;
    return out;
}

int cli_trace_output_stdout(const char *cmd, const char *trace, const char **out, const char *why)
{
    struct stat st;
    int dir = 0;
    if (!strcmp(*out, "-")) {
        if (stat(trace, &st) != 0) {   /* not there: said so, not taken for a CTF trace */
            ts_fail("%s: cannot open: %s", trace, strerror(errno));
            cli_fail();
            return -1;
        }
        dir = S_ISDIR(st.st_mode);
    }
    return cli_output_stdout(cmd, out, dir, why);
}

void cli_split_model_parts(ts_split_spec *ss, const ts_opt_result *args, const ts_model *m)
{
    /* the paper split's training windows cover the stream: the time split's test part was
     * learned (--fractions names the time split) */
    if (m->paper_split && !ts_opt_given(args, &ss->kind) && !ts_opt_given(args, ss->permille))
        ss->kind = TS_SPLIT_PAPER;
    if (ss->kind == TS_SPLIT_TIME && m->permille[0] > 0 && !ts_opt_given(args, ss->permille))
        memcpy(ss->permille, m->permille, sizeof ss->permille);
}

int cli_split_model_input(const char *cmd, const ts_split_spec *ss, const ts_opt_result *args, const ts_model *m,
                          const char *model_path, const char *input, size_t L)
{
    struct stat st;
    if (!m->paper_split || ss->kind != TS_SPLIT_PAPER || ts_opt_given(args, &ss->kind) || !input ||
        stat(input, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    char sub[64], *lp = ts_path_join(input, "length");
    snprintf(sub, sizeof sub, "sequence_length_%zu/testing", L);
    char *tp = ts_path_join(input, sub);
    /* the paper split's own error said only that it needs them, which no option had asked for */
    const int rc = ts_file_exists(lp) || ts_file_exists(tp)
                 ? 0
                 : ts_fail("%s: no %s, the published test windows of the paper split %s was trained on, which %s "
                           "takes unless --split time is given (the stream cut in time)", input, sub, model_path, cmd);
    free(lp);
    free(tp);
    return rc;
}

int cli_output_no_stdout(const char *cmd, const char *opt, const char *out, const char *what)
{
    if (!out || strcmp(out, "-")) return 0;
    return cli_usage_error(cmd, "%s -: %s, not standard output; name one", opt, what);
}

const char *cli_output_name(const char *out, int to_stdout) { return to_stdout ? "standard output" : out; }

void cli_say_notes(const char *notes)
{
    char *w = notes ? cli_dash_words(notes) : NULL;
    for (const char *l = w; l && *l;) {
        const char *e = strchr(l, '\n');
        if (!e) e = l + strlen(l);
        cli_say(stderr, "tracesynth: warning: %.*s\n", (int)(e - l), l);
        l = *e ? e + 1 : e;
    }
    free(w);
}

int cli_split_check(const char *cmd, const ts_split_spec *ss, const ts_opt_result *args)
{
    if (ss->kind == TS_SPLIT_PAPER && ts_opt_given(args, ss->permille))
        return cli_usage_error(cmd, "--fractions goes with --split time (the paper split's parts are the "
                               "published files)");
    return 0;
}

int cli_window_file_check(const char *cmd, const char *input, size_t len, const ts_split_spec *ss,
                          const ts_opt_result *args)
{
    struct stat st;
    if (!input || stat(input, &st) != 0) return 0;
    /* the paper split's test windows are the published files' (--windows cuts the time split's) */
    if (S_ISDIR(st.st_mode) && ss->kind == TS_SPLIT_PAPER && ts_opt_given(args, &ss->windows))
        return cli_usage_error(cmd, "--windows: the paper split's test windows are the published ones of %s, every "
                               "one (--split time cuts that many)", input);
    if (S_ISDIR(st.st_mode)) return cli_set_windows_check(cmd, input, "test", ss, args);
    const char *o = ts_opt_given(args, &ss->kind) ? "--split" : ts_opt_given(args, &ss->windows) ? "--windows"
                  : ts_opt_given(args, ss->permille) ? "--fractions" : NULL;
    if (o) return cli_usage_error(cmd, "%s cuts a dataset directory; %s is a file of windows", o, input);
    if (ts_opt_given(args, &ss->length) && ss->length != len)
        return cli_usage_error(cmd, "--length %zu: the windows of %s have %zu event%s", ss->length, input, len,
                               ts_plural(len));
    return 0;
}

int cli_set_windows_check(const char *cmd, const char *dir, const char *part, const ts_split_spec *ss,
                          const ts_opt_result *args)
{
    if (!dir || !ts_opt_given(args, &ss->windows) || ss->kind != TS_SPLIT_TIME) return 0;
    char *p = ts_path_join(dir, "length");
    int rc = ts_file_exists(p) ? cli_usage_error(cmd, "--windows: %s records its windows (%s); every one whole in "
                                                 "its %s part is read", dir, p, part)
                               : 0;
    free(p);
    return rc;
}

/* 1 when path is a file in one of dataset's sequence_length_L folders */
static int in_window_folder(const char *path, const char *dataset)
{
    char *copy = ts_strdup(path), *dir = realpath(dirname(copy), NULL);
    free(copy);
    if (!dir) return 0;
    char *slash = strrchr(dir, '/');
    int in = slash && slash > dir && !strncmp(slash + 1, "sequence_length_", 16);
    if (in) {
        *slash = 0;
        in = ts_same_file(dir, dataset);
    }
    free(dir);
    return in;
}

/* the names of the files a dataset's loaders read, the i-th (NULL past the last) */
static const char *dataset_file(int i, char buf[64])
{
    /* arch: the architecture eval's type accuracy reads; length: a set of windows';
     * exit.npy: the events that are system call exits (ingest --exits); derived: a set
     * markov, repair, generate or impute wrote */
    static const char *const files[] = {"stream.txt", "vocab.tsv", "time_ns.npy", "arch", "length", "exit.npy",
                                        "derived"};
    if (i < 7) return files[i];
    i -= 7;   /* a multi-channel dataset's channel files (ingest --channels) */
    int c = TS_CH_DT + i / 2;
    if (c >= TS_NCH) return NULL;
    snprintf(buf, 64, "%s%s", ts_ch_names[c], i % 2 ? ".vocab.tsv" : ".npy");
    return buf;
}

/* 1 when out is a file that loading the dataset directory reads (exists: out is there) */
static int is_dataset_file(const char *out, const char *dataset, int exists)
{
    /* a file of a sequence_length_L folder; one not there yet only under the published
     * windows' names (--split paper reads them) */
    const char *slash = strrchr(out, '/'), *b = slash ? slash + 1 : out;
    int hit = (exists || !strcmp(b, "training") || !strcmp(b, "testing")) && in_window_folder(out, dataset);
    /* a file the dataset's loaders read, there or not yet (it would be read the next time) */
    char buf[64];
    const char *name;
    for (int i = 0; !hit && (name = dataset_file(i, buf)); i++) {
        char *p = ts_path_join(dataset, name);
        hit = ts_same_path(p, out);
        free(p);
    }
    return hit;
}

/* 1 when path is one of the files split writes into its folder, which holds split.txt */
static int is_split_file(const char *path, const char *folder)
{
    static const char *const files[] = {"training", "validation", "testing", "train_stream.txt", "split.txt",
                                        "vocab.tsv", "arch"};
    char *rec = ts_path_join(folder, "split.txt");
    struct stat st;
    int hit = 0;
    if (stat(rec, &st) == 0 && S_ISREG(st.st_mode))
        for (size_t i = 0; !hit && i < sizeof files / sizeof *files; i++) {
            char *p = ts_path_join(folder, files[i]);
            hit = ts_same_path(p, path);
            free(p);
        }
    free(rec);
    return hit;
}

char *cli_dataset_holding(const char *path, const char **what)
{
    char *copy = ts_strdup(path), *folder = ts_strdup(dirname(copy));
    free(copy);
    char *events = ts_path_join(folder, "stream.txt");
    const int ds = ts_file_exists(events) && is_dataset_file(path, folder, ts_file_exists(path));
    const int hit = ds || is_split_file(path, folder);
    free(events);
    if (!hit) free(folder);
    if (hit && what) *what = ds ? "dataset" : "split";
    return hit ? folder : NULL;
}

int cli_output_not_in_trace(const char *path, int is_dir, const char *opt, const char *given, const char *meta)
{
    if (!path || ts_out_is_stream(path)) return 0;
    char *end = ts_link_end(path), *copy = NULL;
    const char *at = end ? end : path, *dir = at;
    if (!is_dir) {
        copy = ts_strdup(at);
        dir = dirname(copy);
    }
    const int trace = ts_ctf_dir_holds_trace(dir);
    if (trace && is_dir)
        ts_fail("%s: holds a CTF trace, whose every file babeltrace2 reads as one of its streams: the files %s %s "
                "would write among them would leave it unreadable; give another %s", path, opt, given, meta);
    else if (trace)
        ts_fail("%s: in the folder of the CTF trace %s, whose every file babeltrace2 reads as one of its streams: "
                "written there, it would leave the trace unreadable; give another %s", path, dir, meta);
    free(copy);
    free(end);
    return trace ? -1 : 0;
}

int cli_output_not_dataset(const char *path, const char *opt, const char *given, const char *meta,
                           const char *const *reads, int nreads)
{
    if (!path) return 0;
    /* a folder (DIR, OUTDIR) or a file (FILE, PATH) among a CTF trace's streams; OUT, a trace
     * or a set of files, its command checks */
    const int folder = !strcmp(meta, "DIR") || !strcmp(meta, "OUTDIR");
    if ((folder || !strcmp(meta, "FILE") || !strcmp(meta, "PATH")) &&
        cli_output_not_in_trace(path, folder, opt, given, meta))
        return -1;
    /* where a link leads is what is written (the link kept) */
    char *end = ts_link_end(path);
    const char *at = end ? end : path, *what = "dataset", *read = NULL;
    const int exists = ts_file_exists(at);
    /* a dataset the command reads first, named as such (a file of its sequence_length_L
     * folders too, which only its own check knows) */
    for (int i = 0; i < nreads && !read; i++)
        if (is_dataset_file(at, reads[i], exists) || (end && is_dataset_file(path, reads[i], exists))) read = reads[i];
    char *ds = read ? NULL : cli_dataset_holding(at, &what);
    /* a dataset's own file that is a link (DS/stream.txt to a file elsewhere) by its name:
     * written through, its data would go */
    if (!read && !ds && end) ds = cli_dataset_holding(path, &what);
    free(end);
    if (!read && !ds) return 0;
    char yet[96] = "";   /* a name not there yet is read as theirs the next time */
    if (!exists) snprintf(yet, sizeof yet, " (not there yet: the next load of the %s would read it)", what);
    ts_fail("%s: a file of the %s %s%s%s, which %s %s would write%s; give another %s", path, what, read ? read : ds,
            read ? " that this command reads" : "", yet, opt, given, exists ? " over" : "", meta);
    free(ds);
    return -1;
}

int cli_parse_options(const ts_opt_spec *spec, int argc, char **argv)
{
    ts_opt_result args;
    int rc = ts_opt_parse(spec, argc, argv, &args);
    ts_opt_free(&args);
    return rc == 0 ? -1 : rc == 1 ? 0 : rc;
}

int cli_model_output_check(const char *out)
{
    if (!ts_out_is_stream(out)) return 0;
    ts_fail("%s: the model goes to a file, not a device or a pipe", out);
    return cli_fail();
}

FILE *cli_msg_stream(const char *out)
{
    struct stat a, b;
    if (out && ts_out_is_stream(out) && stat(out, &a) == 0 && fstat(1, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return stderr;
    return stdout;
}
