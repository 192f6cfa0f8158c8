/* tracesynth bench impute: the study's reconstruction grid for one model.
 * For each dataset and window length L the model is trained once (blackout 10,
 * centre), then evaluated at every blackout size k and position on the test
 * windows: a table like the study's Tables IV-V (rows k, columns L x position),
 * the time of training and imputation, and for several datasets a k=10 summary
 * with the average over them. */
#include "cli.h"
#include "tracesynth/sssd.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 16

/* --lengths, --blackouts: up to MAXN positive integers */
typedef struct { long v[MAXN]; int n; } long_list;
/* --positions */
typedef struct { ts_mask_pos v[MAXN]; int n; } pos_list;

typedef struct {
    const char *model, *root, *json;
    ts_split_spec ss;          /* kind, stride, windows; the length is each of lens */
    long_list lens, ks;
    pos_list pos;
    size_t train_k;
    cli_run run;
    ts_opt_result args;        /* the datasets and the model's training options */
} bench_args;

typedef struct {
    ts_impute_metrics m;
    double seconds;
} cell;

typedef struct {
    char  *name;
    double train_s[MAXN];
    size_t stream_n[MAXN], test_n[MAXN];
    long   trained[MAXN];  /* test windows verbatim in the model's training events (-1: it keeps none) */
    cell  *cells;      /* [L][position][k] */
    char  *error;      /* why this dataset has no results; NULL: it has them */
    int    option;     /* error is a model option's: every dataset would fail so */
} dset_result;

/* ---- parse ---- */

static int one_long(const char *t, void *dst, int i)
{
    long x;
    if (ts_parse_long(t, 1, 1 << 24, &x)) return -1;
    ((long_list *)dst)->v[i] = x;
    return 0;
}

static int one_position(const char *t, void *dst, int i)
{
    ts_mask_pos *p = &((pos_list *)dst)->v[i];
    if (ts_mask_parse(t, p)) return -1;
    /* every event hidden, whatever the blackout size: the grid's rows would all be that
     * one cell, each labelled with a size it did not hide */
    if (*p == TS_MASK_ALL)
        return ts_fail("all hides every event, not a blackout of the sizes the rows name (center, end or random)");
    return 0;
}

/* a value given twice is an error: the grid would train and measure it twice, and the
 * JSON hold two cells of one setting */
static int parse_longs(const char *v, void *dst)
{
    long_list *l = dst;
    if (ts_parse_items(v, MAXN, dst, &l->n, one_long)) return -1;
    for (int i = 0; i < l->n; i++)
        for (int j = 0; j < i; j++)
            if (l->v[i] == l->v[j]) return ts_fail("'%s': %ld twice", v, l->v[i]);
    return 0;
}

static int parse_positions(const char *v, void *dst)
{
    pos_list *l = dst;
    if (ts_parse_items(v, MAXN, dst, &l->n, one_position)) return -1;
    for (int i = 0; i < l->n; i++)
        for (int j = 0; j < i; j++)
            if (l->v[i] == l->v[j]) return ts_fail("'%s': %s twice", v, ts_mask_name(l->v[i]));
    return 0;
}

/* 0: parsed; 1: help printed; 2: usage error printed */
static int more_help(FILE *f, const char *key) { return cli_model_more_help(f, key, "bench impute", NULL); }

static int parse(int argc, char **argv, bench_args *a)
{
    const char *C = "bench impute";
    memset(a, 0, sizeof *a);
    ts_split_spec_default(&a->ss);
    a->lens = (long_list){{50, 100, 150, 200}, 4};
    a->ks = (long_list){{1, 5, 10, 20, 30, 40}, 6};
    a->pos = (pos_list){{TS_MASK_CENTER, TS_MASK_END}, 2};
    a->train_k = 10;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "model", &a->model, "NAME", TS_OPT_REQUIRED | TS_OPT_HELP_KEY,
                      "model (ngram, unigram, ...; with --help: its options)"),
        TS_OPT_STR_(0, "datasets-root", &a->root, "DIR", "every dataset directory under DIR (with stream.txt)"),
        CLI_SPLIT_OPTIONS(&a->ss),
        TS_OPT_SIZE_(0, "stride", &a->ss.stride, "S", 1, 1 << 24, "stride of the training windows (default 5)"),
        TS_OPT_CB_(0, "lengths", &a->lens, "LIST", parse_longs, "window lengths (default 50,100,150,200; sssd-sa:\n"
                   "multiples of 4)"),
        TS_OPT_CB_(0, "blackouts", &a->ks, "LIST", parse_longs, "blackout sizes (default 1,5,10,20,30,40)"),
        TS_OPT_CB_(0, "positions", &a->pos, "LIST", parse_positions,
                   "blackout positions: center, end, random\n(default center,end)"),
        TS_OPT_SIZE_(0, "train-blackout", &a->train_k, "K", 1, 1 << 24, "blackout of the training masks (default 10)"),
        CLI_RUN_OPTIONS(&a->run),
        TS_OPT_STR_(0, "json", &a->json, "FILE", "all results as JSON (a file: the table goes to\n"
                    "standard output; a dataset's or a split's own\n"
                    "file is refused)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth bench impute --model NAME DATASET... [OPTIONS]\n"
        "                               [--KEY VALUE ...]\n"
        "       tracesynth bench impute --model NAME --datasets-root DIR [OPTIONS]",
        "Train once per window length, then reconstruct blackouts of every size and\n"
        "position in the test windows; print accuracy / perfect rate per cell. --batch\n"
        "and --steps apply to the imputation; other --KEY VALUE pairs are options of\n"
        "the model's training. Test windows verbatim in the training events the model\n"
        "keeps are counted (a warning per dataset and length; JSON: test_in_train).\n"
        "A DATASET given twice (by any path) is refused: it would weigh twice.\n",
        opts, 0, argc, "DATASET", 1, more_help,
    };
    int rc = ts_opt_parse(&spec, argc, argv, &a->args);
    if (rc) return rc;
    int ndata = a->args.npos;
    for (int i = 0; i < ndata; i++)
        if ((rc = cli_dir_no_stdin(C, "DATASET", a->args.pos[i], "a dataset is a directory"))) return rc;
    /* one dataset twice (by any path) would weigh twice in the means */
    for (int i = 0; i < ndata; i++)
        for (int j = 0; j < i; j++)
            if (ts_same_file(a->args.pos[j], a->args.pos[i]) == 1)
                return cli_usage_error(C, "DATASET %s: given twice (as %s), it would weigh twice in the means",
                                       a->args.pos[i], a->args.pos[j]);
    if ((rc = cli_dir_no_stdin(C, "--datasets-root", a->root, "a folder of datasets is a directory"))) return rc;
    if ((rc = cli_model_keys_no_stdin(C, &a->args))) return rc;
    if (!ndata && !a->root) return cli_usage_error(C, "no DATASET (or --datasets-root DIR) given");
    if (ndata && a->root) return cli_usage_error(C, "give DATASET arguments or --datasets-root, not both");
    if ((rc = cli_split_check(C, &a->ss, &a->args))) return rc;
    /* the training blackout bounds the windows only where the training draws blackouts (an
     * unknown model is the error that follows) */
    const ts_model_ops *ops = ts_model_find(a->model);
    const int masks = !ops || (ops->train_reads & TS_TRAIN_READS_MASKS);
    ts_clear_error();
    for (int li = 0; li < a->lens.n; li++)
        for (int ki = 0; ki < a->ks.n; ki++) {
            long L = a->lens.v[li], k = a->ks.v[ki];
            if (k > L || (masks && (long)a->train_k > L))   /* named: the training blackout may be the default */
                return cli_usage_error(C, "%s %ld is longer than the window length %ld",
                                       k > L ? "--blackouts: blackout" : "--train-blackout",
                                       k > L ? k : (long)a->train_k, L);
        }
    /* a length the model refuses (sssd-sa pools the window) is named before any is trained */
    const int q = ops ? ops->len_multiple : 0;
    if (q > 1)
        for (int li = 0; li < a->lens.n; li++)
            if (a->lens.v[li] % q)
                return cli_usage_error(C, "--lengths: %ld is not a multiple of %d, which %s takes%s", a->lens.v[li], q,
                                       a->model, ts_opt_given(&a->args, &a->lens) ? "" :
                                       "; the default is 50,100,150,200");
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* dataset directories under root (those with a stream.txt), sorted */
static int list_datasets(const char *root, char ***out, int *n)
{
    DIR *d = opendir(root);
    if (!d) return ts_fail_path(root, "no such directory (a folder of dataset directories)");
    char **v = NULL;
    int cnt = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *dir = ts_path_join(root, e->d_name), *st = ts_path_join(dir, "stream.txt");
        int ok = ts_file_exists(st);
        free(st);
        if (!ok) { free(dir); continue; }
        v = ts_realloc(v, (size_t)(cnt + 1) * sizeof *v);
        v[cnt++] = dir;
    }
    closedir(d);
    if (!cnt) return ts_fail("%s: no dataset directories (with stream.txt) in it", root);
    qsort(v, (size_t)cnt, sizeof *v, cmp_str);
    *out = v;
    *n = cnt;
    return 0;
}

/* ---- run ---- */

/* one dataset failed: say so now, keep the reason for the JSON, go on with the next; an
 * option's error is kept to be said once (by the caller, which stops) */
static void dataset_failed(dset_result *R, const char *model)
{
    R->error = ts_strdup(ts_error());
    if ((R->option = cli_error_is_option())) return;
    /* the reason names the dataset already when it is about its files */
    const size_t nl = strlen(R->name);
    const int named = !strncmp(R->error, R->name, nl) && R->error[nl] == ':';
    fprintf(stderr, "tracesynth bench impute: %s%s%s\n", named ? "" : R->name, named ? "" : ": failed: ", R->error);
}

/* per window length: dataset -> split -> train, then the grid of blackouts */
static void run_dataset(const bench_args *a, const char *path, const ts_run_opts *ro,
                        const ts_kv *train_kv, dset_result *R)
{
    int nl = a->lens.n, np = a->pos.n, nk = a->ks.n;
    ts_split_data d;
    if (ts_split_data_load(path, NULL, &d)) {
        dataset_failed(R, a->model);
        return;
    }
    /* a set of windows: the sweep's windows of each --lengths would cross its windows */
    size_t set = 0;
    if (ts_mc_window_length(path, d.data.stream.n, &set) || set) {
        if (set) {
            char *p = ts_path_join(path, "length");
            ts_fail("%s: windows of %zu event%s, which bench impute would cut as one stream (impute and score "
                    "read a set's own windows)", p, set, ts_plural(set));
            free(p);
        }
        ts_split_data_free(&d);
        dataset_failed(R, a->model);
        return;
    }
    /* the architecture it records (its arch file), that of the type accuracy, as impute's */
    ts_arch arch;
    if (ts_dataset_arch(path, &arch)) {
        ts_split_data_free(&d);
        dataset_failed(R, a->model);
        return;
    }
    ts_split_spec ss = a->ss;
    for (int li = 0; li < nl && !R->error; li++) {
        ss.length = (size_t)a->lens.v[li];
        if (ts_split_data_resplit(&d, &ss)) {
            dataset_failed(R, a->model);
            break;
        }
        ts_train_opts o;
        memset(&o, 0, sizeof o);
        o.blackout = a->train_k;
        o.mask_pos = TS_MASK_CENTER;
        o.seed = ro->seed;
        o.progress = ro->progress;
        o.kv = *train_kv;
        ts_model *m = NULL;
        if (ts_train_on(a->model, &d, &o, &m, &R->train_s[li])) {
            dataset_failed(R, a->model);
            break;
        }
        R->stream_n[li] = d.split.train_stream.n;
        R->test_n[li] = d.split.test.n;
        /* test windows the model was trained on (the paper split's, a repetitive trace's)
         * score its recall: counted once per length, as every cell imputes them */
        R->trained[li] = cli_trained_count(m, &d.split.test, NULL);
        for (int pi = 0; pi < np && !R->error; pi++)
            for (int ki = 0; ki < nk && !R->error; ki++) {
                cell *c = &R->cells[((size_t)li * np + pi) * nk + ki];
                ts_impute_spec is = {(size_t)a->ks.v[ki], a->pos.v[pi], NULL, NULL, NULL};
                ts_impute_result r;
                if (ts_impute_eval_arch(m, &d.split.test, &is, arch, ro, &r)) dataset_failed(R, a->model);
                c->m = r.metrics;
                c->seconds = r.seconds;
            }
        ts_model_free(m);
    }
    ts_split_data_free(&d);
}

/* ---- print ---- */

/* rows k, columns L x position: "accuracy / perfect" */
static void print_grid(const char *title, const cell *cells, const long *lens, int nl,
                       const ts_mask_pos *pos, int np, const long *ks, int nk)
{
    printf("%s - accuracy / perfect (%%)\n    k", title);
    for (int li = 0; li < nl; li++)
        for (int pi = 0; pi < np; pi++) {
            char h[64];
            snprintf(h, sizeof h, "L=%ld %s", lens[li], ts_mask_name(pos[pi]));
            printf(" | %15s", h);
        }
    printf("\n");
    for (int ki = 0; ki < nk; ki++) {
        printf("%5ld", ks[ki]);
        for (int li = 0; li < nl; li++)
            for (int pi = 0; pi < np; pi++) {
                const cell *c = &cells[((size_t)li * np + pi) * nk + ki];
                printf(" | %6.2f / %6.2f", c->m.accuracy, c->m.perfect);
            }
        printf("\n");
    }
}

/* one dataset's grid and times */
static void print_dataset(const bench_args *a, const dset_result *R)
{
    int nl = a->lens.n, np = a->pos.n, nk = a->ks.n;
    char title[512];
    snprintf(title, sizeof title, "%s: %s, %s split, %zu test window%s", R->name, a->model,
             ts_split_name(a->ss.kind), R->test_n[0], ts_plural(R->test_n[0]));
    print_grid(title, R->cells, a->lens.v, nl, a->pos.v, np, a->ks.v, nk);
    for (int li = 0; li < nl; li++) {
        double imp = 0;
        for (int j = 0; j < np * nk; j++) imp += R->cells[(size_t)li * np * nk + j].seconds;
        printf("  L=%ld: train %.3f s (%zu stream event%s), impute %zu window%s %.3f s "
               "(mean of %d setting%s; %.3f s in all)\n", a->lens.v[li], R->train_s[li], R->stream_n[li],
               ts_plural(R->stream_n[li]), R->test_n[li], ts_plural(R->test_n[li]), imp / (np * nk), np * nk,
               ts_plural((size_t)(np * nk)), imp);
    }
    printf("\n");
    fflush(stdout);
}

/* several datasets: k=10 (or the nearest k given), first position, every L; the grid averaged */
static void print_summary(const bench_args *a, const dset_result *res, int ndata, int nok)
{
    int nl = a->lens.n, np = a->pos.n, nk = a->ks.n;
    const long *lens = a->lens.v, *ks = a->ks.v;
    const char *model = a->model, *split = ts_split_name(a->ss.kind);
    size_t ncell = (size_t)nl * np * nk;
    if (nok < ndata && ndata > 1)
        printf("%d of %d datasets failed; the summary covers the other %d\n\n", ndata - nok, ndata, nok);
    if (nok <= 1) return;
    int k10 = 0;
    for (int ki = 1; ki < nk; ki++)
        if (labs(ks[ki] - 10) < labs(ks[k10] - 10)) k10 = ki;
    printf("summary: %s, %s split, k=%ld at %s - accuracy / perfect / ROUGE-L (token LCS/k)\n",
           model, split, ks[k10], ts_mask_name(a->pos.v[0]));
    printf("%-14s", "dataset");
    for (int li = 0; li < nl; li++) {
        char h[32];
        snprintf(h, sizeof h, "L=%ld", lens[li]);
        printf(" | %22s", h);
    }
    printf("\n");
    double sum[MAXN][3] = {{0}};
    for (int di = 0; di < ndata; di++) {
        if (res[di].error) continue;
        printf("%-14s", res[di].name);
        for (int li = 0; li < nl; li++) {
            const ts_impute_metrics *mm = &res[di].cells[((size_t)li * np) * nk + k10].m;
            printf(" | %6.2f / %6.2f / %6.2f", mm->accuracy, mm->perfect, mm->rouge_l);
            sum[li][0] += mm->accuracy;
            sum[li][1] += mm->perfect;
            sum[li][2] += mm->rouge_l;
        }
        printf("\n");
    }
    printf("%-14s", "average");
    for (int li = 0; li < nl; li++)
        printf(" | %6.2f / %6.2f / %6.2f", sum[li][0] / nok, sum[li][1] / nok, sum[li][2] / nok);
    printf("\n");
    for (int li = 0; li < nl; li++) {
        double tr = 0, imp = 0;
        size_t tn = 0;
        for (int di = 0; di < ndata; di++) {
            if (res[di].error) continue;
            tn = res[di].test_n[li];
            tr += res[di].train_s[li];
            for (int j = 0; j < np * nk; j++) imp += res[di].cells[(size_t)li * np * nk + j].seconds;
        }
        printf("speed L=%ld: train %.3f s, impute %zu window%s %.3f s (means over %d datasets)\n",
               lens[li], tr / nok, tn, ts_plural(tn), imp / ((double)nok * np * nk), nok);
    }
    if (nk > 1 || np > 1 || nl > 1) {
        /* the whole grid averaged over the datasets, as in the study's tables */
        cell *avg = ts_calloc(ncell, sizeof *avg);
        for (size_t j = 0; j < ncell; j++) {
            for (int di = 0; di < ndata; di++) {
                if (res[di].error) continue;
                avg[j].m.accuracy += res[di].cells[j].m.accuracy / nok;
                avg[j].m.perfect += res[di].cells[j].m.perfect / nok;
            }
        }
        char title[128];
        printf("\n");
        snprintf(title, sizeof title, "average of %d datasets: %s, %s split", nok, model, split);
        print_grid(title, avg, lens, nl, a->pos.v, np, ks, nk);
        free(avg);
    }
}

/* ---- JSON ---- */

static int write_json(const bench_args *a, const dset_result *res, int ndata)
{
    int nl = a->lens.n, np = a->pos.n, nk = a->ks.n;
    ts_outfile o;
    if (ts_out_open(&o, a->json)) return -1;
    fprintf(o.f, "{\"model\": ");
    ts_json_put(o.f, a->model);
    fprintf(o.f, ", \"split\": \"%s\", \"train_blackout\": %zu, \"seed\": %ld,\n"
                 " \"rouge_l\": \"token LCS / k\", \"datasets\": [\n", ts_split_name(a->ss.kind),
            a->train_k, a->run.seed);
    for (int di = 0; di < ndata; di++) {
        const dset_result *R = &res[di];
        fputs("  {\"name\": ", o.f);
        ts_json_put(o.f, R->name);
        if (R->error) {
            fputs(", \"error\": ", o.f);
            ts_json_put(o.f, R->error);
            fprintf(o.f, "}%s\n", di == ndata - 1 ? "" : ",");
            continue;
        }
        fputs(", \"lengths\": [\n", o.f);
        for (int li = 0; li < nl; li++) {
            fprintf(o.f, "    {\"L\": %ld, \"train_s\": %.4f, \"stream_events\": %zu, \"test_windows\": %zu, "
                         "\"test_in_train\": ", a->lens.v[li], R->train_s[li], R->stream_n[li], R->test_n[li]);
            if (R->trained[li] >= 0) fprintf(o.f, "%ld", R->trained[li]);
            else fputs("null", o.f);
            fputs(", \"results\": [\n", o.f);
            for (int pi = 0; pi < np; pi++)
                for (int ki = 0; ki < nk; ki++) {
                    const cell *c = &R->cells[((size_t)li * np + pi) * nk + ki];
                    fprintf(o.f, "      {\"position\": \"%s\", \"k\": %ld, \"accuracy\": %.4f, "
                                 "\"perfect\": %.4f, \"rouge_l\": %.4f, \"impute_s\": %.4f",
                            ts_mask_name(a->pos.v[pi]), a->ks.v[ki], c->m.accuracy, c->m.perfect, c->m.rouge_l,
                            c->seconds);
                    if (c->m.has_type) fprintf(o.f, ", \"type_accuracy\": %.4f", c->m.type_accuracy);
                    fprintf(o.f, "}%s\n", pi == np - 1 && ki == nk - 1 ? "" : ",");
                }
            fprintf(o.f, "    ]}%s\n", li == nl - 1 ? "" : ",");
        }
        fprintf(o.f, "  ]}%s\n", di == ndata - 1 ? "" : ",");
    }
    fprintf(o.f, "]}\n");
    return ts_out_commit(&o);   /* a write that failed: its reason, the file left unwritten */
}

int bench_impute(int argc, char **argv)
{
    bench_args a;
    int rc = parse(argc, argv, &a);
    char **data = (char **)a.args.pos, **owned = NULL;
    int ndata = a.args.npos, nok = 0;
    dset_result *res = NULL;
    ts_kv train_kv = {0, NULL, NULL}, run_kv = {0, NULL, NULL};
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    if ((rc = cli_output_no_stdout("bench impute", "--json", a.json, "the JSON goes to a file (the table to "
                                   "standard output)")))
        goto done;
    rc = 1;
    const ts_model_ops *ops = ts_model_find(a.model);
    if (!ops) {   /* as --help's check of --model says it: a usage error */
        char *why = ts_strdup(ts_error());
        rc = cli_usage_error("bench impute", "--model: %s", why);
        free(why);
        goto done;
    }
    if (ts_opt_given(&a.args, &a.train_k) && !(ops->train_reads & TS_TRAIN_READS_MASKS)) {
        rc = cli_usage_error("bench impute", "--train-blackout: the model %s does not read it (its training draws no "
                             "blackout masks)", a.model);
        goto done;
    }
    /* --seed and --precision go to the training and the imputation: refused when neither
     * reads them (random positions take theirs from the seed) */
    int random = 0, whole = 0;
    for (int pi = 0; pi < a.pos.n; pi++) random |= a.pos.v[pi] == TS_MASK_RANDOM;
    /* a blackout of a window's length hides it whole, which a model may draw (unless by
     * the options it is trained with: known before any dataset is read) */
    const ts_kv train_opts = {a.args.nkv, a.args.keys, a.args.values};
    const unsigned impute_reads = ts_model_ops_impute_reads(ops, &train_opts);
    for (int li = 0; li < a.lens.n && (impute_reads & TS_IMPUTE_READS_SEED_WHOLE); li++)
        for (int ki = 0; ki < a.ks.n; ki++) whole |= a.ks.v[ki] == a.lens.v[li];
    const char *unread = !(ops->train_reads & TS_TRAIN_READS_SEED) && !(impute_reads & TS_IMPUTE_READS_SEED) &&
                                 !random && !whole && ts_opt_given(&a.args, &a.run.seed) ? "--seed"
                       : !(ops->train_reads & TS_TRAIN_READS_PRECISION) &&
                                 !(ops->impute_reads & TS_IMPUTE_READS_PRECISION) &&
                                 ts_opt_given(&a.args, &a.run.precision) ? "--precision"
                       : NULL;
    if (unread) {
        rc = cli_usage_error("bench impute", "%s: the model %s does not read it (%s)", unread, a.model,
                             strcmp(unread, "--seed") ? "its training and imputation have no matrix products"
                             : (impute_reads & TS_IMPUTE_READS_SEED_WHOLE)
                                 ? "its training draws nothing, its imputation only a window hidden whole (a "
                                   "--blackouts of a --lengths), and no --positions is random"
                             : (ops->impute_reads & TS_IMPUTE_READS_SEED_WHOLE)
                                 ? "its training draws nothing, its imputation not even a window hidden whole by the "
                                   "options it is trained with, and no --positions is random"
                                 : "its training and imputation draw nothing, and no --positions is random");
        goto done;
    }
    if (a.root) {
        if (list_datasets(a.root, &owned, &ndata)) { cli_fail(); goto done; }
        data = owned;
    }
    /* --json is written at the end: over a dataset's file it would replace its data, and one
     * that cannot be written (a directory, a path under a file) is said before the grid runs */
    if (cli_output_not_dataset(a.json, "--json", a.json, "FILE", (const char *const *)data, ndata) ||
        (a.json && ts_out_check(a.json))) {
        cli_fail();
        goto done;
    }
    ts_run_opts ro;
    cli_run_apply(&a.run, &a.args, &ro);
    /* the model's run options go to its imputation, the others to its training */
    const char *const *run_keys = ops->run_keys;
    train_kv = ts_kv_part(&ro.kv, run_keys, 0);
    run_kv = ts_kv_part(&ro.kv, run_keys, 1);
    ro.kv = run_kv;
    /* its training options it does not know: refused before any dataset is read */
    static const char *const no_keys[] = {NULL};
    if (ts_kv_check(&train_kv, ops->name, "training", ops->train_keys ? ops->train_keys : no_keys)) {
        rc = cli_usage_error("bench impute", "%s", ts_error());
        goto done;
    }
    /* what the model checks only when it imputes, after each dataset's training (which
     * then failed, dataset after dataset): checked before any */
    long T, samples;
    const int csdi = !strcmp(a.model, "csdi-s4");
    if ((!strcmp(a.model, "sssd-s4") || !strcmp(a.model, "diffwave") || !strcmp(a.model, "sssd-sa") || csdi) &&
        ts_kv_long(&train_kv, "T", csdi ? TS_CSDI_DEFAULT_T : TS_SSSD_DEFAULT_T, &T) == 0 && ro.steps > T) {
        rc = cli_usage_error("bench impute", "--steps %d is more than the model's T = %ld (--T)", ro.steps, T);
        goto done;
    }
    for (const char *const *k = run_keys; k && *k; k++)
        if (!strcmp(*k, "samples") && ts_run_samples(&ro, a.model, &samples) != 0) {
            rc = cli_usage_error("bench impute", "%s", ts_error());
            goto done;
        }
    size_t ncell = (size_t)a.lens.n * a.pos.n * a.ks.n;
    res = ts_calloc((size_t)ndata, sizeof *res);
    for (int di = 0; di < ndata; di++) {
        dset_result *R = &res[di];
        R->name = ts_path_name(data[di]);
        R->cells = ts_calloc(ncell, sizeof *R->cells);
        run_dataset(&a, data[di], &ro, &train_kv, R);
        if (R->option) {   /* said once, not once per dataset */
            rc = cli_usage_error("bench impute", "%s", R->error);
            goto done;
        }
        if (R->error) continue;
        nok++;
        print_dataset(&a, R);
    }
    print_summary(&a, res, ndata, nok);
    if (a.json && write_json(&a, res, ndata)) { cli_fail(); goto done; }
    rc = nok < ndata ? 1 : 0;
    /* after the tables, once nothing failed (a failure's message is its one line) */
    for (int di = 0; di < ndata && rc == 0; di++)
        for (int li = 0; li < a.lens.n; li++) {
            char where[600];
            snprintf(where, sizeof where, "%s, L=%ld, test part", res[di].name, a.lens.v[li]);
            cli_warn_trained("bench impute", where, res[di].trained[li], res[di].test_n[li], NULL);
        }
done:
    if (res)
        for (int di = 0; di < ndata; di++) { free(res[di].name); free(res[di].cells); free(res[di].error); }
    free(res);
    if (owned)
        for (int di = 0; di < ndata; di++) free(owned[di]);
    free(owned);
    ts_kv_part_free(&train_kv);
    ts_kv_part_free(&run_kv);
    ts_opt_free(&a.args);
    return rc;
}
