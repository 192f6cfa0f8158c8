/* tracesynth impute: reconstruct blacked-out events with a trained model, write the
 * study's original/mask/imputation triple and print the metrics of the run. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tracesynth impute MODEL --input WINDOWS|NPY|DATASET [OPTIONS] [-o OUTDIR]\n\n"
            "Hide K consecutive events in every window, reconstruct them with MODEL and\n"
            "report accuracy, perfect rate and ROUGE-L over the hidden events.\n\n"
            "  --input PATH           a window file (one window per line), a .npy of\n"
            "                         windows, or a dataset directory (its test windows)\n"
            "  --split paper|time     split of a dataset input (default time)\n"
            "  --length L             window length of a dataset input (default: the\n"
            "                         model's, else 200)\n"
            "  --windows N            test windows of a dataset input (default 500)\n"
            "  --fractions A,B,C      time split shares of a dataset input (default\n"
            "                         0.7,0.1,0.2; the values the model was trained with)\n"
            "  --vocab FILE           names of the input's IDs (default: the dataset's\n"
            "                         vocab.tsv, or vocab.tsv beside the window file);\n"
            "                         when model and input both name their events, IDs\n"
            "                         are matched by name\n"
            "  --blackout K           hidden events per window (default 10)\n"
            "  --position P           center, end, random or all (default center)\n"
            "  --seed S               seed (random positions, sampling models)\n"
            "  --batch B              windows per batch (model default)\n"
            "  --steps S              sampling steps (model default). sssd-s4: fewer than\n"
            "                         its T (default 200) samples with DDIM, faster but\n"
            "                         less accurate: DDIM 50 ran 3.4-3.8x faster than DDPM 200\n"
            "                         and lost 3.2 accuracy points on PTS compress-gzip,\n"
            "                         13 on the real LTTng trace many-threads (k = 10);\n"
            "                         check on your data (docs/results-sssd.md)\n"
            "  --threads N            threads (default: all cores)\n"
            "  -o, --output OUTDIR    write original0.npy, mask0.npy, imputation0.npy\n"
            "  --no-progress          no progress bar\n\n"
            "Other --KEY VALUE pairs are options of the model.\n");
}

/* windows from a file or from a dataset's test part, and the names of their IDs
 * (vocab_path, else the dataset's vocab.tsv or the one beside the file; none: n == 0) */
static int read_input(const char *in, const ts_model *m, ts_split_kind kind, long L, long nwin,
                      const int pm[3], const char *vocab_path, ts_windows *x, ts_vocab *v)
{
    struct stat st;
    if (stat(in, &st) != 0) return ts_fail("%s: no such file or directory", in);
    char *beside = NULL;
    if (!vocab_path && !S_ISDIR(st.st_mode)) {
        char *dir = ts_strdup(in), *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        beside = ts_path_join(slash ? dir : ".", "vocab.tsv");
        free(dir);
        if (ts_file_exists(beside)) vocab_path = beside;
    }
    int rc = vocab_path ? ts_vocab_read(vocab_path, v) : 0;
    free(beside);
    if (rc) return -1;
    if (S_ISDIR(st.st_mode)) {
        ts_dataset d;
        if (ts_dataset_load(in, &d)) return -1;
        if (!vocab_path) { *v = d.vocab; memset(&d.vocab, 0, sizeof d.vocab); }
        ts_split sp;
        if (ts_split_make_parts(&d, kind, (size_t)L, 5, (size_t)nwin, pm, &sp)) {
            ts_dataset_free(&d);
            return -1;
        }
        if (sp.test_distinct < sp.test.n)
            fprintf(stderr, "tracesynth impute: note: the test part of %s holds only %zu distinct "
                    "windows of length %ld; %zu of the %zu are repeats\n", in, sp.test_distinct, L,
                    sp.test.n - sp.test_distinct, sp.test.n);
        *x = sp.test;
        memset(&sp.test, 0, sizeof sp.test);
        ts_split_free(&sp);
        ts_dataset_free(&d);
        return 0;
    }
    return ts_windows_load(in, v->n > 0 ? v->n - 1 : m->n_ids - 1, 0, x);
}

/* the triple as a unit: a failure (full disk, kill) leaves the old set whole */
static int write_outputs(const char *outdir, const ts_windows *x, const uint8_t *mask,
                         const ts_windows *y)
{
    static const char *const names[3] = {"original0.npy", "mask0.npy", "imputation0.npy"};
    ts_stage st;
    if (ts_stage_open(&st, outdir)) return -1;
    if (ts_write_impute_triple(st.stage, x, mask, y)) {
        ts_stage_abort(&st);
        return -1;
    }
    return ts_stage_commit(&st, names, 3);
}

int cmd_impute(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *C = "impute";
    const char *model_path = NULL, *input = NULL, *outdir = NULL, *split_s = "time", *pos_s = "center";
    const char *vocab_path = NULL;
    ts_vocab names = {0};
    names.unk = -1;
    long L = 0, nwin = 500, k = 10, seed = 0, batch = 0, steps = 0, threads = 0;
    int pm[3];
    memcpy(pm, ts_split_default_permille, sizeof pm);
    int progress = 1;
    const char **keys = ts_calloc((size_t)argc, sizeof *keys), **vals = ts_calloc((size_t)argc, sizeof *vals);
    int nkv = 0, rc = 2;
    ts_model *m = NULL;
    ts_windows x = {0}, y = {0};
    uint8_t *mask = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !a[1]) {
            if (model_path) { cli_usage_error(C, "more than one MODEL ('%s', '%s')", model_path, a); goto done; }
            model_path = a;
            continue;
        }
        if (!strcmp(a, "--no-progress")) { progress = 0; continue; }
        if (!v) { cli_usage_error(C, "%s needs a value", a); goto done; }
        i++;
        if (!strcmp(a, "--input")) input = v;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) outdir = v;
        else if (!strcmp(a, "--split")) split_s = v;
        else if (!strcmp(a, "--fractions")) {
            if (ts_split_parse_fractions(v, pm)) { cli_usage_error(C, "%s", ts_error()); goto done; }
        }
        else if (!strcmp(a, "--vocab")) vocab_path = v;
        else if (!strcmp(a, "--position")) pos_s = v;
        else if (!strcmp(a, "--length")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &L)) goto done; }
        else if (!strcmp(a, "--windows")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &nwin)) goto done; }
        else if (!strcmp(a, "--blackout")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &k)) goto done; }
        else if (cli_is_run_option(a)) { if (cli_run_option(C, a, v, &seed, &batch, &steps, &threads)) goto done; }
        else if (a[1] == '-' && a[2]) { keys[nkv] = a + 2; vals[nkv++] = v; }
        else { cli_usage_error(C, "unknown option '%s'", a); goto done; }
    }
    if (!model_path) { cli_usage_error(C, "no MODEL given"); goto done; }
    if (!input) { cli_usage_error(C, "--input is required"); goto done; }
    ts_split_kind kind;
    ts_mask_pos pos;
    if (ts_split_parse(split_s, &kind) || ts_mask_parse(pos_s, &pos)) {
        cli_usage_error(C, "%s", ts_error());
        goto done;
    }
    if (threads) ts_set_threads((int)threads);
    rc = 1;
    if (ts_model_load(model_path, &m)) { cli_fail(); goto done; }
    if (!L) L = m->len ? (long)m->len : 200;
    if (read_input(input, m, kind, L, nwin, pm, vocab_path, &x, &names)) { cli_fail(); goto done; }
    int by_name = names.n > 0 && m->vocab.n > 0;   /* IDs matched by name in the library */
    if ((size_t)k > x.len) {
        rc = cli_usage_error(C, "--blackout %ld is longer than the windows of %s (%zu events)", k, input, x.len);
        goto done;
    }
    mask = ts_malloc(x.n * x.len);
    ts_mask_fill(mask, x.n, x.len, (size_t)k, pos, (uint64_t)seed);
    for (size_t i = 0; i < x.n * x.len; i++)
        if (!by_name && mask[i] && (x.data[i] < 0 || x.data[i] >= m->n_ids)) {
            ts_fail("%s: window %zu, position %zu: event ID %d is outside the model's range [0, %d)",
                    input, i / x.len, i % x.len, x.data[i], m->n_ids);
            cli_fail();
            goto done;
        }
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = (uint64_t)seed;
    ro.batch = (size_t)batch;
    ro.steps = (int)steps;
    ro.progress = progress;
    ro.kv = (ts_kv){nkv, keys, vals};
    double t0 = ts_now();
    size_t unknown = 0;
    if (ts_model_impute_named(m, &x, &names, mask, &ro, &y, &unknown)) { cli_fail(); goto done; }
    double dt = ts_now() - t0;
    if (m->vocab.n > 0 && names.n == 0)
        fprintf(stderr, "impute: note: %s has no vocab.tsv; its IDs are read in the model's "
                "numbering (--vocab FILE matches them by name)\n", input);
    if (unknown)
        fprintf(stderr, "impute: note: %zu observed events have names the model never saw; "
                "it reads them as <unk>\n", unknown);
    const ts_vocab *ev = by_name || (names.n > 0 && names.n >= m->n_ids) ? &names
                         : m->vocab.n ? &m->vocab : NULL;
    ts_impute_metrics im;
    if (ts_eval_impute(&x, mask, &y, ev, &im)) { cli_fail(); goto done; }
    if (outdir && write_outputs(outdir, &x, mask, &y)) { cli_fail(); goto done; }
    printf("%s: %zu windows of %zu, blackout %ld at %s: accuracy %.2f  perfect %.2f  ROUGE-L %.2f",
           m->ops->name, x.n, x.len, k, ts_mask_name(pos), im.accuracy, im.perfect, im.rouge_l);
    if (im.has_type) printf("  type accuracy %.2f", im.type_accuracy);
    printf("  (%.2f s)\n", dt);
    if (outdir) printf("wrote %s/{original0,mask0,imputation0}.npy\n", outdir);
    rc = 0;
done:
    free(mask);
    ts_windows_free(&x);
    ts_windows_free(&y);
    ts_model_free(m);
    ts_vocab_free(&names);
    free(keys);
    free(vals);
    return rc;
}
