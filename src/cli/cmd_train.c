/* tracesynth train: train a model on a dataset split and save it. */
#include "cli.h"
#include "tracesynth/train.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tracesynth train --model NAME DATASET [OPTIONS] [--KEY VALUE ...]\n\n"
            "Train a model on a dataset directory (stream.txt, optional vocab.tsv and the\n"
            "study's sequence_length_L/ windows) and save it.\n\n"
            "  --model NAME           model to train (see below)\n"
            "  --split paper|time     paper: the published windows (they leak);\n"
            "                         time: first 70%% of the stream (default)\n"
            "  --length L             window length (default 200)\n"
            "  --stride S             stride of the training windows (default 5)\n"
            "  --windows N            validation/test windows (default 500)\n"
            "  --fractions A,B,C      time split shares: training, validation, testing\n"
            "                         (default 0.7,0.1,0.2; as split's --fractions)\n"
            "  --blackout K           blackout size of the training masks (default 10)\n"
            "  --position P           blackout position of the training masks: center,\n"
            "                         end, random or all (default center), as impute's\n"
            "                         --position (--mask-position: the old name, still read)\n"
            "  --seed S               random seed (default 0)\n"
            "  --threads N            threads (default: all cores)\n"
            "  -o, --output FILE      model file (default DATASET-NAME.MODEL.tsm)\n"
            "  --resume CKPT          continue training from a checkpoint\n"
            "  --log FILE.jsonl       append training records (JSON lines)\n"
            "  --no-progress          no progress bar\n\n"
            "Other --KEY VALUE pairs are options of the model.\n\nmodels:\n");
    for (const ts_model_ops *const *m = ts_model_list(); *m; m++)
        fprintf(f, "  %-10s %s\n%s", (*m)->name, (*m)->summary, (*m)->help ? (*m)->help : "");
}

int cmd_train(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *C = "train";
    const char *model = NULL, *dataset = NULL, *out = NULL, *resume = NULL, *log = NULL;
    const char *split_s = "time", *pos_s = "center";
    long L = 200, stride = 5, nwin = 500, k = 10, seed = 0, threads = 0;
    int pm[3];
    memcpy(pm, ts_split_default_permille, sizeof pm);
    int progress = 1;
    const char **keys = ts_calloc((size_t)argc, sizeof *keys), **vals = ts_calloc((size_t)argc, sizeof *vals);
    int nkv = 0, rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !a[1]) {
            if (dataset) { cli_usage_error(C, "more than one dataset ('%s', '%s')", dataset, a); goto done; }
            dataset = a;
            continue;
        }
        if (!strcmp(a, "--no-progress")) { progress = 0; continue; }
        if (!v) { cli_usage_error(C, "%s needs a value", a); goto done; }
        i++;
        if (!strcmp(a, "--model")) model = v;
        else if (!strcmp(a, "--split")) split_s = v;
        else if (!strcmp(a, "--fractions")) {
            if (ts_split_parse_fractions(v, pm)) { cli_usage_error(C, "%s", ts_error()); goto done; }
        }
        else if (!strcmp(a, "--position")) pos_s = v;
        else if (!strcmp(a, "--mask-position")) {
            fprintf(stderr, "tracesynth train: note: --mask-position is now --position\n");
            pos_s = v;
        }
        else if (!strcmp(a, "-o") || !strcmp(a, "--output")) out = v;
        else if (!strcmp(a, "--resume")) resume = v;
        else if (!strcmp(a, "--log")) log = v;
        else if (!strcmp(a, "--length")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &L)) goto done; }
        else if (!strcmp(a, "--stride")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &stride)) goto done; }
        else if (!strcmp(a, "--windows")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &nwin)) goto done; }
        else if (!strcmp(a, "--blackout")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &k)) goto done; }
        else if (!strcmp(a, "--seed")) { if (cli_parse_long(C, a, v, 0, 0x7fffffffffffffffL, &seed)) goto done; }
        else if (!strcmp(a, "--threads")) { if (cli_parse_long(C, a, v, 0, 4096, &threads)) goto done; }
        else if (a[1] == '-' && a[2]) { keys[nkv] = a + 2; vals[nkv++] = v; }
        else { cli_usage_error(C, "unknown option '%s'", a); goto done; }
    }
    if (!model) { cli_usage_error(C, "--model is required"); goto done; }
    if (!dataset) { cli_usage_error(C, "no DATASET given"); goto done; }
    ts_split_kind kind;
    ts_mask_pos pos;
    if (ts_split_parse(split_s, &kind) || ts_mask_parse(pos_s, &pos)) {
        cli_usage_error(C, "%s", ts_error());
        goto done;
    }
    if (k > L) { cli_usage_error(C, "--blackout %ld is longer than the window (%ld)", k, L); goto done; }
    if (!ts_model_find(model)) { rc = cli_fail(); goto done; }
    if (threads) ts_set_threads((int)threads);
    int rank = 0, nranks = 1;   /* under mpirun: data-parallel; rank 0 writes */
    if (ts_train_mpi_init() != 0) { rc = cli_fail(); goto done; }
    ts_train_world(&rank, &nranks);

    ts_dataset d;
    if (ts_dataset_load(dataset, &d)) { rc = cli_fail(); goto done; }
    ts_split sp;
    if (ts_split_make_parts(&d, kind, (size_t)L, (size_t)stride, (size_t)nwin, pm, &sp)) {
        ts_dataset_free(&d);
        rc = cli_fail();
        goto done;
    }
    int32_t n_ids = ts_split_n_ids(&d, &sp);
    char *def_out = NULL;
    if (!out) {
        char *tmp = ts_strdup(dataset);
        size_t l = strlen(tmp);
        while (l > 1 && tmp[l - 1] == '/') tmp[--l] = 0;
        const char *base = basename(tmp);
        size_t n = strlen(base) + strlen(model) + 8;
        def_out = ts_malloc(n);
        snprintf(def_out, n, "%s.%s.tsm", base, model);
        free(tmp);
        out = def_out;
    }
    ts_train_opts o;
    memset(&o, 0, sizeof o);
    o.split = &sp;
    o.vocab = &d.vocab;
    o.n_ids = n_ids;
    o.blackout = (size_t)k;
    o.mask_pos = pos;
    o.seed = (uint64_t)seed;
    o.out_path = out;
    o.resume = resume;
    o.log_path = log;
    o.progress = progress;
    o.kv = (ts_kv){nkv, keys, vals};
    double t0 = ts_now();
    ts_model *m = NULL;
    if (ts_model_train(model, &o, &m) || (rank == 0 && ts_model_save(m, out))) {
        rc = cli_fail();
    } else if (rank == 0) {
        printf("trained %s on %s (%s split, L=%ld): %zu training windows, %zu stream events, "
               "%d event IDs, %.2f s -> %s\n", model, dataset, ts_split_name(kind), L, sp.train.n,
               sp.train_stream.n, n_ids, ts_now() - t0, out);
        if (nranks > 1) printf("data-parallel over %d processes\n", nranks);
        rc = 0;
    } else {
        rc = 0;
    }
    ts_model_free(m);
    free(def_out);
    ts_split_free(&sp);
    ts_dataset_free(&d);
done:
    free(keys);
    free(vals);
    return rc;
}
