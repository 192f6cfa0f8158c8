/* tracesynth bench fill: drop -> fill -> score against the truth, on a complete LTTng or ftrace trace. */
#include "cli.h"
#include "tracesynth/gaps.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *name;
    int64_t     n, hit;
} cls;

static int cmp_cls(const void *a, const void *b)
{
    const cls *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static cls *cls_get(cls **v, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++) if (!strcmp((*v)[i].name, name)) return &(*v)[i];
    *v = ts_realloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n] = (cls){name, 0, 0};
    return &(*v)[(*n)++];
}

/* one loss rate: returns 0 and prints the figures */
/* a share as "12.34 %", or "n/a" where it is NaN (no true entries to measure it by) */
static void pct_or_na(char *buf, size_t n, double v)
{
    if (isnan(v)) snprintf(buf, n, "n/a");
    else snprintf(buf, n, "%.2f %%", 100 * v);
}

/* the reader's notes (lines: a last line cut) not said yet, as fill and drop say them; *said
 * the lines said so far (malloc'd): each rate's drop reads the trace again, and says the
 * same */
static void say_new_notes(char **said, const char *notes)
{
    for (const char *l = notes; l && *l;) {
        const char *e = strchr(l, '\n');
        const size_t len = e ? (size_t)(e - l) : strlen(l);
        int seen = 0;   /* a whole line of those said */
        for (const char *p = *said; p && *p && !seen;) {
            const char *pe = strchr(p, '\n');
            seen = (size_t)(pe - p) == len && !memcmp(p, l, len);
            p = pe + 1;
        }
        if (!seen) {
            const size_t had = *said ? strlen(*said) : 0;
            *said = ts_realloc(*said, had + len + 2);
            memcpy(*said + had, l, len);
            memcpy(*said + had + len, "\n", 2);
            cli_say_notes(*said + had);
        }
        l += len + (e != NULL);
    }
}

static int one_rate(const char *trace, const char *work, double rate, long bmin, long bmax, long seed,
                    const char *model, const ts_opt_result *args, long context, int one_model, int progress,
                    const char *arch, const ts_sc_analysis *truth, int top, char **said)
{
    char dropped[1100], filled[1100];
    snprintf(dropped, sizeof dropped, "%s/dropped-%.9g", work, rate * 100);
    snprintf(filled, sizeof filled, "%s/filled-%.9g", work, rate * 100);
    ts_drop_opts dop = {rate, bmin, bmax, (uint64_t)seed, progress, 1, arch};
    ts_drop_stats st;
    double t0 = ts_now();
    if (ts_ctf_drop(trace, dropped, &dop, &st)) return -1;
    say_new_notes(said, st.notes);
    double t_drop = ts_now() - t0;
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = model;
    fo.kv.n = args->nkv;
    fo.kv.keys = args->keys;
    fo.kv.values = args->values;
    fo.context = (size_t)context;
    fo.one_model = one_model;
    fo.seed = (uint64_t)seed;
    fo.progress = progress;
    fo.arch = arch;
    fo.record = 1;   /* the events are scored against the dropped ones */
    ts_fill_result fr;
    t0 = ts_now();
    if (ts_ctf_fill(dropped, filled, &fo, &fr)) { ts_drop_stats_free(&st); return -1; }
    /* the dropped trace keeps the trace's cut last line: its reader's note is the one said
     * of the trace, naming the work copy; said only when the trace had none */
    if (!st.notes) say_new_notes(said, fr.notes);
    double t_fill = ts_now() - t0;

    /* events: truth gap (stream, index) against the fill's gap of the same stream and number
     * (a CPU has a stream per channel, each numbering its own gaps) */
    int64_t tot = 0, hit = 0, perfect = 0, matched = 0;
    /* calibration: accuracy of the events whose confidence falls in each bucket */
    static const double edges[] = {0.0, 0.5, 0.8, 0.95, 1.01};
    int64_t bn[4] = {0}, bh[4] = {0};
    double bc[4] = {0};
    cls *cl = NULL;
    size_t ncl = 0;
    size_t next = 0;   /* the fill's gap after the one matched last: both read the trace in one order */
    for (size_t i = 0; i < st.n_gaps; i++) {
        const ts_drop_gap *t = &st.gaps[i];
        const ts_fill_gap *g = NULL;
        for (size_t j = 0; j < fr.n && !g; j++) {
            const size_t q = (next + j) % fr.n;
            if (fr.gaps[q].stream == t->stream && fr.gaps[q].cpu == t->cpu && fr.gaps[q].index == t->index) {
                g = &fr.gaps[q];
                next = q + 1;
            }
        }
        int ok = 1;
        if (g && g->n == t->n) matched++;
        for (size_t k = 0; k < t->n; k++) {
            int h = g && k < g->n && !strcmp(g->names[k], t->names[k]);
            if (g && k < g->n)
                for (int b = 0; b < 4; b++)
                    if (g->conf[k] >= edges[b] && g->conf[k] < edges[b + 1]) { bn[b]++; bh[b] += h; bc[b] += g->conf[k]; }
            tot++;
            hit += h;
            ok &= h;
            cls *c = cls_get(&cl, &ncl, t->names[k]);
            c->n++;
            c->hit += h;
        }
        perfect += ok;
    }
    ts_sc_analysis ad, af;
    int rc = ts_sc_analyse_arch(dropped, arch, 0, &ad);
    if (rc == 0 && (rc = ts_sc_analyse_arch(filled, arch, 0, &af)) != 0) ts_sc_analysis_free(&ad);
    if (rc == 0) {
        printf("\nloss %.1f %% requested: %llu of %llu event%s dropped (%.2f %%) in %zu gap%s (%llu burst%s of %ld-%ld)\n",
               rate * 100, (unsigned long long)st.dropped, (unsigned long long)st.events, ts_plural((size_t)st.events),
               st.events ? 100.0 * (double)st.dropped / (double)st.events : 0.0, st.n_gaps, ts_plural(st.n_gaps),
               (unsigned long long)st.bursts, ts_plural((size_t)st.bursts), bmin, bmax);
        printf("  gaps matched between drop and fill: %lld of %zu\n", (long long)matched, st.n_gaps);
        printf("  event accuracy          %6.2f %%  (%lld of %lld)\n", tot ? 100.0 * (double)hit / (double)tot : 0.0,
               (long long)hit, (long long)tot);
        printf("  gaps perfectly filled   %6.2f %%  (%lld of %zu)\n",
               st.n_gaps ? 100.0 * (double)perfect / (double)st.n_gaps : 0.0, (long long)perfect, st.n_gaps);
        double e_gap = ts_sc_count_error(truth, &ad), e_fill = ts_sc_count_error(truth, &af);
        double u_true = ts_sc_unmatched_share(truth), u_gap = ts_sc_unmatched_share(&ad), u_fill = ts_sc_unmatched_share(&af);
        printf("  analysis                 truth      with gaps   filled\n");
        printf("  syscall entries        %9llu  %9llu  %9llu\n", (unsigned long long)truth->total,
               (unsigned long long)ad.total, (unsigned long long)af.total);
        char s_gap[16], s_fill[16];
        pct_or_na(s_gap, sizeof s_gap, e_gap);
        pct_or_na(s_fill, sizeof s_fill, e_fill);
        printf("  per-thread count error     0.00 %%  %9s  %9s  (sum |count - true| / true, %zu thread%s)\n", s_gap,
               s_fill, truth->n, ts_plural(truth->n));
        printf("  entries without exit   %7.2f %%  %7.2f %%  %7.2f %%  (error %.2f -> %.2f points)\n", 100 * u_true,
               100 * u_gap, 100 * u_fill, 100 * fabs(u_gap - u_true), 100 * fabs(u_fill - u_true));
        double x_true = ts_sc_stray_exit_share(truth), x_gap = ts_sc_stray_exit_share(&ad),
               x_fill = ts_sc_stray_exit_share(&af);
        printf("  exits closing no call  %7.2f %%  %7.2f %%  %7.2f %%  (error %.2f -> %.2f points)\n", 100 * x_true,
               100 * x_gap, 100 * x_fill, 100 * fabs(x_gap - x_true), 100 * fabs(x_fill - x_true));
        printf("  confidence calibration (reconstructed events by the confidence written with them):\n");
        for (int b = 0; b < 4; b++)
            if (bn[b])
                printf("    [%.2f, %.2f)  %6lld events  mean confidence %.3f  accuracy %6.2f %%\n", edges[b],
                       edges[b + 1] > 1 ? 1.0 : edges[b + 1], (long long)bn[b], bc[b] / (double)bn[b],
                       100.0 * (double)bh[b] / (double)bn[b]);
        if (ncl) qsort(cl, ncl, sizeof *cl, cmp_cls);   /* cl is NULL when no gap was matched */
        printf("  accuracy per event class (the %d most frequent lost):\n", top);
        for (size_t i = 0; i < ncl && (int)i < top; i++)
            printf("    %-36s %6lld  %6.2f %%\n", cl[i].name, (long long)cl[i].n, 100.0 * (double)cl[i].hit / (double)cl[i].n);
        printf("  time: drop %.1f s, fill %.1f s (train %.1f, impute %.1f, write %.1f)\n", t_drop, t_fill, fr.train_s,
               fr.impute_s, fr.write_s);
        ts_sc_analysis_free(&ad);
        ts_sc_analysis_free(&af);
    }
    free(cl);
    ts_fill_result_free(&fr);
    ts_drop_stats_free(&st);
    return rc;
}

/* --rates: at most 16, each once (one measured twice would be printed twice, as bench
 * impute refuses a length twice), in drop's range but 0, where nothing is dropped to score */
typedef struct { double v[16]; int n; } rate_list;

static int rate_item(const char *t, void *dst, int i)
{
    double *v = &((rate_list *)dst)->v[i];
    return ts_parse_double(t, 0, 0.99, v) || *v <= 0 ? -1 : 0;
}

static int parse_rates(const char *s, void *dst)
{
    rate_list *l = dst;
    if (ts_parse_items(s, 16, dst, &l->n, rate_item)) {
        if (strstr(ts_error(), "at most")) return -1;
        return ts_fail("'%s' is not a list of rates in (0, 0.99]", s);
    }
    for (int i = 0; i < l->n; i++)
        for (int j = 0; j < i; j++)
            if (l->v[i] == l->v[j]) return ts_fail("'%s': %g twice", s, l->v[i]);
    return 0;
}

static int more_help(FILE *f, const char *key)
{
    if (key && ts_file_exists(key)) key = NULL;   /* a model file: its options are its name's */
    return cli_model_more_help(f, key, "bench fill", NULL);
}

int bench_fill(int argc, char **argv)
{
    const char *C = "bench fill";
    const char *model = "ngram", *keep = NULL, *arch = NULL;
    rate_list rates = {{0.01, 0.1}, 2};
    long bmin = 8, bmax = 64, seed = 0, context = 32, top = 12, threads = 0;
    int quiet = 0, one = 0;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "model", &model, "M", TS_OPT_HELP_KEY, "model file or name (default ngram: trained on the\n"
                      "damaged trace; a name with --help: its options)"),
        TS_OPT_CB_(0, "rates", &rates, "R,R", parse_rates, "loss rates, each in (0, 0.99] (default 0.01,0.1):\n"
                    "drop's --rate but 0, which drops nothing to score"),
        TS_OPT_LONG_(0, "burst-min", &bmin, "N", 1, 1L << 30, "fewest events per burst (default 8)"),
        TS_OPT_LONG_(0, "burst-max", &bmax, "N", 1, 1L << 30, "most events per burst (default 64, or --burst-min\n"
                     "when that is larger)"),
        TS_OPT_LONG_(0, "context", &context, "N", 1, 4096, "events of context on each side (default 32)"),
        TS_OPT_FLAG_(0, "one-model", &one, "train one model on every CPU's events (not one per CPU)"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 0x7fffffffffffffffL, "seed (default 0)"),
        TS_OPT_LONG_(0, "top", &top, "N", 0, 1000, "event classes in the per-class table (default 12)"),
        TS_OPT_STR_(0, "keep", &keep, "DIR", "keep the dropped and filled traces in DIR (made\n"
                    "when absent, its parent must exist; removed again when\n"
                    "the run fails or is interrupted before a trace is kept\n"
                    "in it; a dataset's or a split's own file, there or not\n"
                    "yet, is refused)"),
        CLI_TRACE_ARCH_OPTION(&arch),
        CLI_THREADS_OPTION(&threads),
        CLI_QUIET_OPTIONS(&quiet, "no progress"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth bench fill TRACE [--model M] [--rates 0.01,0.1] [OPTIONS]",
        "On a complete LTTng trace, or ftrace or perf script text (a regular file), with\n"
        "no lost events: drop events in bursts (tracesynth drop), fill the gaps\n"
        "(tracesynth fill) and score against what was dropped: event accuracy, gaps\n"
        "filled perfectly, accuracy per event class, and a system call analysis\n"
        "(per-thread counts, entries without exit, exits closing no call) on the true,\n"
        "the damaged and the filled trace. ftrace text's raw_syscalls numbers are named\n"
        "through the table of --arch ARCH, else of the host. TRACE - is standard input:\n"
        "text redirected from a file (< FILE), not a pipe's, which could not be read\n"
        "more than once.\n",
        opts, 1, 1, "TRACE", 1, more_help,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    /* the default --burst-max follows a --burst-min above it; one given must not be below */
    if ((rc = cli_drop_bursts(C, bmin, &bmax, ts_opt_given(&args, &bmax), "--rates:", rates.v, rates.n))) {
        ts_opt_free(&args);
        return rc;
    }
    if ((rc = cli_fill_inputs(C, &args, model, &arch))) {
        ts_opt_free(&args);
        return rc;
    }
    /* a model file is used as it is (a name that is neither is the library's error) */
    if (ts_opt_given(&args, &one) && !ts_model_find(model) && ts_file_exists(model)) {
        ts_opt_free(&args);
        return cli_usage_error(C, "--one-model is for a model name to train; %s is a model file, used as it is", model);
    }
    ts_clear_error();
    ts_set_threads((int)threads);
    const char *trace = args.pos[0];
    char work[1000];
    /* a --keep DIR made here: removed while empty by a signal, or when the run fails before
     * anything is kept in it */
    char *made = NULL;
    if (keep) {   /* made (or found) before the trace's analysis, not at the first drop after it */
        snprintf(work, sizeof work, "%s", keep);
        /* a folder made at the name of a dataset's or a split's own file would be read as
         * it; checked first, so one that is there is named as the other outputs name it */
        if (cli_output_not_dataset(work, "--keep", keep, "DIR", NULL, 0)) {
            ts_opt_free(&args);
            return cli_fail();
        }
        struct stat st;
        if (stat(work, &st) == 0 && !S_ISDIR(st.st_mode)) {
            ts_fail("%s: not a directory (--keep DIR keeps the traces in a directory)", work);
            ts_opt_free(&args);
            return cli_fail();
        }
        if (ts_out_dir_make(work, &made) != 0) {
            ts_opt_free(&args);
            return cli_fail();
        }
    } else {
        char *t;
        int temp = ts_temp_dir("tracesynth-bench-fill", &t) == 0, e = errno;
        snprintf(work, sizeof work, "%s", t);
        free(t);
        if (!temp) {
            ts_opt_free(&args);
            ts_temp_dir_fail(work, e, "the work folder");
            return cli_fail();
        }
    }
    ts_sc_analysis truth;
    if (ts_sc_analyse_arch(trace, arch, !quiet, &truth)) {
        if (!keep) ts_temp_dir_remove(work);   /* the temporary directory goes with the failure too */
        ts_out_dir_done(made, 1);
        ts_opt_free(&args);
        return cli_fail();
    }
    /* the fill numbers a CPU's gaps with the trace's own among the dropped ones: scored
     * against what was dropped, every figure would be wrong */
    if (truth.gaps) {
        ts_fail("%s: the trace lost events already (%llu gap%s, %llu event%s counted; 'tracesynth gaps' lists them): "
                "bench fill drops and scores on a complete trace", trace, (unsigned long long)truth.gaps,
                truth.gaps == 1 ? "" : "s", (unsigned long long)truth.lost, ts_plural((size_t)truth.lost));
        ts_sc_analysis_free(&truth);
        if (!keep) ts_temp_dir_remove(work);
        ts_out_dir_done(made, 1);
        ts_opt_free(&args);
        return cli_fail();
    }
    printf("bench fill: %s, model %s, bursts of %ld-%ld event%s, seed %ld\n", cli_input_name(trace), model, bmin, bmax,
           ts_plural((size_t)bmax), seed);
    printf("truth: %llu system call entr%s in %zu thread%s, %.2f %% without exit\n", (unsigned long long)truth.total,
           truth.total == 1 ? "y" : "ies",
           truth.n, ts_plural(truth.n), 100 * ts_sc_unmatched_share(&truth));
    char *said = NULL;
    for (int i = 0; i < rates.n && rc == 0; i++) {
        rc = one_rate(trace, work, rates.v[i], bmin, bmax, seed, model, &args, context, one, !quiet, arch, &truth, (int)top,
                      &said);
        fflush(stdout);
    }
    free(said);
    ts_sc_analysis_free(&truth);
    if (!keep) ts_temp_dir_remove(work);
    ts_out_dir_done(made, rc != 0);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
