/* tracesynth bench impute: the study's reconstruction grid for one model.
 * For each dataset and window length L the model is trained once (blackout 10,
 * centre), then evaluated at every blackout size k and position on the test
 * windows: a table like the study's Tables IV-V (rows k, columns L x position),
 * the time of training and imputation, and for several datasets a k=10 summary
 * with the average over them. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 16

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tracesynth bench impute --model NAME DATASET... [OPTIONS] [--KEY VALUE ...]\n"
            "       tracesynth bench impute --model NAME --datasets-root DIR [OPTIONS]\n\n"
            "Train once per window length, then reconstruct blackouts of every size and\n"
            "position in the test windows; print accuracy / perfect rate per cell.\n\n"
            "  --model NAME           model (ngram, unigram, ...)\n"
            "  --datasets-root DIR    every dataset directory under DIR (with stream.txt)\n"
            "  --split paper|time     default time\n"
            "  --lengths LIST         window lengths (default 50,100,150,200)\n"
            "  --blackouts LIST       blackout sizes (default 1,5,10,20,30,40)\n"
            "  --positions LIST       blackout positions (default center,end)\n"
            "  --train-blackout K     blackout of the training masks (default 10)\n"
            "  --windows N            test windows (default 500)\n"
            "  --stride S             stride of the training windows (default 5)\n"
            "  --seed S               seed (default 0)\n"
            "  --batch B, --steps S   imputation batch size and sampling steps\n"
            "  --threads N            threads (default: all cores)\n"
            "  --json FILE            all results as JSON\n"
            "  --no-progress          no progress bars\n\n"
            "Other --KEY VALUE pairs are options of the model's training.\n");
}

/* "a,b,c" -> up to MAXN positive integers */
static int parse_list(const char *opt, const char *s, long *out, int *n)
{
    *n = 0;
    char *dup = ts_strdup(s), *save = NULL;
    for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == MAXN) { free(dup); cli_usage_error("bench impute", "%s: at most %d values", opt, MAXN); return -1; }
        if (cli_parse_long("bench impute", opt, t, 1, 1 << 24, &out[(*n)++])) { free(dup); return -1; }
    }
    free(dup);
    if (*n == 0) { cli_usage_error("bench impute", "%s: empty list", opt); return -1; }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* dataset directories under root (those with a stream.txt), sorted */
static int list_datasets(const char *root, char ***out, int *n)
{
    DIR *d = opendir(root);
    if (!d) return ts_fail("%s: cannot open: %s", root, strerror(errno));
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

typedef struct {
    ts_impute_metrics m;
    double seconds;
} cell;

typedef struct {
    char  *name;
    double train_s[MAXN];
    size_t stream_n[MAXN], test_n[MAXN];
    cell  *cells;      /* [L][position][k] */
    char  *error;      /* why this dataset has no results; NULL: it has them */
} dset_result;

/* a JSON string literal body: quotes, backslashes and control characters escaped */
/* one dataset failed: say so now, keep the reason for the JSON, go on with the next */
static void dataset_failed(dset_result *R)
{
    R->error = ts_strdup(ts_error());
    fprintf(stderr, "tracesynth bench impute: %s: failed: %s\n", R->name, R->error);
}

static void json_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
}

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

static const char *basename_of(const char *path, char *buf, size_t n)
{
    snprintf(buf, n, "%s", path);
    size_t l = strlen(buf);
    while (l > 1 && buf[l - 1] == '/') buf[--l] = 0;
    return basename(buf);
}

int bench_impute(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *C = "bench impute";
    const char *model = NULL, *root = NULL, *json = NULL, *split_s = "time";
    const char *positions_s = "center,end";
    long lens[MAXN] = {50, 100, 150, 200}, ks[MAXN] = {1, 5, 10, 20, 30, 40};
    int nl = 4, nk = 6, np = 0;
    long train_k = 10, nwin = 500, stride = 5, seed = 0, batch = 0, steps = 0, threads = 0;
    int progress = 1, rc = 2, ndata = 0;
    const char **keys = ts_calloc((size_t)argc, sizeof *keys), **vals = ts_calloc((size_t)argc, sizeof *vals);
    char **data = ts_calloc((size_t)argc + 1, sizeof *data);
    int nkv = 0, owned = 0;
    ts_mask_pos pos[MAXN];
    dset_result *res = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !a[1]) { data[ndata++] = (char *)a; continue; }
        if (!strcmp(a, "--no-progress")) { progress = 0; continue; }
        if (!v) { cli_usage_error(C, "%s needs a value", a); goto done; }
        i++;
        if (!strcmp(a, "--model")) model = v;
        else if (!strcmp(a, "--datasets-root")) root = v;
        else if (!strcmp(a, "--json")) json = v;
        else if (!strcmp(a, "--split")) split_s = v;
        else if (!strcmp(a, "--positions")) positions_s = v;
        else if (!strcmp(a, "--lengths")) { if (parse_list(a, v, lens, &nl)) goto done; }
        else if (!strcmp(a, "--blackouts")) { if (parse_list(a, v, ks, &nk)) goto done; }
        else if (!strcmp(a, "--train-blackout")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &train_k)) goto done; }
        else if (!strcmp(a, "--windows")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &nwin)) goto done; }
        else if (!strcmp(a, "--stride")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &stride)) goto done; }
        else if (cli_is_run_option(a)) { if (cli_run_option(C, a, v, &seed, &batch, &steps, &threads)) goto done; }
        else if (a[1] == '-' && a[2]) { keys[nkv] = a + 2; vals[nkv++] = v; }
        else { cli_usage_error(C, "unknown option '%s'", a); goto done; }
    }
    if (!model) { cli_usage_error(C, "--model is required"); goto done; }
    if (!ndata && !root) { cli_usage_error(C, "no DATASET (or --datasets-root DIR) given"); goto done; }
    if (ndata && root) { cli_usage_error(C, "give DATASET arguments or --datasets-root, not both"); goto done; }
    ts_split_kind kind;
    if (ts_split_parse(split_s, &kind)) { cli_usage_error(C, "%s", ts_error()); goto done; }
    {
        char *dup = ts_strdup(positions_s), *save = NULL;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (np == MAXN || ts_mask_parse(t, &pos[np++])) {
                free(dup);
                cli_usage_error(C, "--positions: %s", np == MAXN ? "too many" : ts_error());
                goto done;
            }
        }
        free(dup);
        if (!np) { cli_usage_error(C, "--positions: empty list"); goto done; }
    }
    for (int li = 0; li < nl; li++)
        for (int ki = 0; ki < nk; ki++)
            if (ks[ki] > lens[li] || train_k > lens[li]) {
                cli_usage_error(C, "blackout %ld is longer than the window length %ld",
                                ks[ki] > lens[li] ? ks[ki] : train_k, lens[li]);
                goto done;
            }
    rc = 1;
    if (!ts_model_find(model)) { cli_fail(); goto done; }
    if (root) {
        free(data);
        data = NULL;
        if (list_datasets(root, &data, &ndata)) { cli_fail(); goto done; }
        owned = 1;
    }
    if (threads) ts_set_threads((int)threads);

    size_t ncell = (size_t)nl * np * nk;
    int nok = 0;   /* datasets with results */
    res = ts_calloc((size_t)ndata, sizeof *res);
    for (int di = 0; di < ndata; di++) {
        char nb[4096];
        dset_result *R = &res[di];
        R->name = ts_strdup(basename_of(data[di], nb, sizeof nb));
        R->cells = ts_calloc(ncell, sizeof *R->cells);
        ts_dataset d;
        if (ts_dataset_load(data[di], &d)) {
            dataset_failed(R);
            continue;
        }
        for (int li = 0; li < nl && !R->error; li++) {
            size_t L = (size_t)lens[li];
            ts_split sp;
            if (ts_split_make(&d, kind, L, (size_t)stride, (size_t)nwin, &sp)) {
                dataset_failed(R);
                break;
            }
            int32_t n_ids = ts_split_n_ids(&d, &sp);
            ts_train_opts o;
            memset(&o, 0, sizeof o);
            o.split = &sp;
            o.vocab = &d.vocab;
            o.n_ids = n_ids;
            o.blackout = (size_t)train_k;
            o.mask_pos = TS_MASK_CENTER;
            o.seed = (uint64_t)seed;
            o.progress = progress;
            o.kv = (ts_kv){nkv, keys, vals};
            double t0 = ts_now();
            ts_model *m = NULL;
            if (ts_model_train(model, &o, &m)) {
                ts_split_free(&sp);
                dataset_failed(R);
                break;
            }
            R->train_s[li] = ts_now() - t0;
            R->stream_n[li] = sp.train_stream.n;
            R->test_n[li] = sp.test.n;
            uint8_t *mask = ts_malloc(sp.test.n * L);
            for (int pi = 0; pi < np && !R->error; pi++)
                for (int ki = 0; ki < nk && !R->error; ki++) {
                    cell *c = &R->cells[((size_t)li * np + pi) * nk + ki];
                    ts_mask_fill(mask, sp.test.n, L, (size_t)ks[ki], pos[pi], (uint64_t)seed);
                    ts_run_opts ro;
                    memset(&ro, 0, sizeof ro);
                    ro.seed = (uint64_t)seed;
                    ro.batch = (size_t)batch;
                    ro.steps = (int)steps;
                    ro.progress = progress;
                    ts_windows y;
                    t0 = ts_now();
                    int bad = ts_model_impute(m, &sp.test, mask, &ro, &y);
                    c->seconds = ts_now() - t0;
                    if (!bad) {
                        bad = ts_eval_impute(&sp.test, mask, &y, d.vocab.n ? &d.vocab : NULL, &c->m);
                        ts_windows_free(&y);
                    }
                    if (bad) dataset_failed(R);
                }
            free(mask);
            ts_model_free(m);
            ts_split_free(&sp);
        }
        ts_dataset_free(&d);
        if (R->error) continue;
        nok++;

        char title[512];
        snprintf(title, sizeof title, "%s: %s, %s split, %zu test windows", R->name, model,
                 ts_split_name(kind), R->test_n[0]);
        print_grid(title, R->cells, lens, nl, pos, np, ks, nk);
        for (int li = 0; li < nl; li++) {
            double imp = 0;
            for (int j = 0; j < np * nk; j++) imp += R->cells[(size_t)li * np * nk + j].seconds;
            printf("  L=%ld: train %.3f s (%zu stream events), impute %zu windows %.3f s "
                   "(mean of %d settings; %.3f s in all)\n", lens[li], R->train_s[li], R->stream_n[li],
                   R->test_n[li], imp / (np * nk), np * nk, imp);
        }
        printf("\n");
        fflush(stdout);
    }

    /* several datasets: k=10 (or the nearest k given), first position, every L */
    if (nok < ndata && ndata > 1)
        printf("%d of %d datasets failed; the summary covers the other %d\n\n", ndata - nok, ndata, nok);
    if (nok > 1) {
        int k10 = 0;
        for (int ki = 1; ki < nk; ki++)
            if (labs(ks[ki] - 10) < labs(ks[k10] - 10)) k10 = ki;
        printf("summary: %s, %s split, k=%ld at %s - accuracy / perfect / ROUGE-L (token LCS/k)\n",
               model, ts_split_name(kind), ks[k10], ts_mask_name(pos[0]));
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
            printf("speed L=%ld: train %.3f s, impute %zu windows %.3f s (means over %d datasets)\n",
                   lens[li], tr / nok, tn, imp / ((double)nok * np * nk), nok);
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
            snprintf(title, sizeof title, "average of %d datasets: %s, %s split", nok, model,
                     ts_split_name(kind));
            print_grid(title, avg, lens, nl, pos, np, ks, nk);
            free(avg);
        }
    }

    if (json) {
        ts_outfile o;
        if (ts_out_open(&o, json)) { cli_fail(); goto done; }
        fprintf(o.f, "{\"model\": \"%s\", \"split\": \"%s\", \"train_blackout\": %ld, \"seed\": %ld,\n"
                     " \"rouge_l\": \"token LCS / k\", \"datasets\": [\n", model, ts_split_name(kind), train_k, seed);
        for (int di = 0; di < ndata; di++) {
            const dset_result *R = &res[di];
            fputs("  {\"name\": \"", o.f);
            json_str(o.f, R->name);
            if (R->error) {
                fputs("\", \"error\": \"", o.f);
                json_str(o.f, R->error);
                fprintf(o.f, "\"}%s\n", di == ndata - 1 ? "" : ",");
                continue;
            }
            fputs("\", \"lengths\": [\n", o.f);
            for (int li = 0; li < nl; li++) {
                fprintf(o.f, "    {\"L\": %ld, \"train_s\": %.4f, \"stream_events\": %zu, \"test_windows\": %zu, "
                             "\"results\": [\n", lens[li], R->train_s[li], R->stream_n[li], R->test_n[li]);
                for (int pi = 0; pi < np; pi++)
                    for (int ki = 0; ki < nk; ki++) {
                        const cell *c = &R->cells[((size_t)li * np + pi) * nk + ki];
                        fprintf(o.f, "      {\"position\": \"%s\", \"k\": %ld, \"accuracy\": %.4f, "
                                     "\"perfect\": %.4f, \"rouge_l\": %.4f, \"impute_s\": %.4f",
                                ts_mask_name(pos[pi]), ks[ki], c->m.accuracy, c->m.perfect, c->m.rouge_l,
                                c->seconds);
                        if (c->m.has_type) fprintf(o.f, ", \"type_accuracy\": %.4f", c->m.type_accuracy);
                        fprintf(o.f, "}%s\n", pi == np - 1 && ki == nk - 1 ? "" : ",");
                    }
                fprintf(o.f, "    ]}%s\n", li == nl - 1 ? "" : ",");
            }
            fprintf(o.f, "  ]}%s\n", di == ndata - 1 ? "" : ",");
        }
        fprintf(o.f, "]}\n");
        if (ferror(o.f)) { ts_out_abort(&o); ts_fail("%s: write failed", json); cli_fail(); goto done; }
        if (ts_out_commit(&o)) { cli_fail(); goto done; }
    }
    rc = nok < ndata ? 1 : 0;
done:
    if (res) {
        for (int di = 0; di < ndata; di++) { free(res[di].name); free(res[di].cells); free(res[di].error); }
        free(res);
    }
    if (owned) for (int di = 0; di < ndata; di++) free(data[di]);
    free(data);
    free(keys);
    free(vals);
    return rc;
}
