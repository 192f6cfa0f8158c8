/* libtracesynth's main job in a program of its own: a dataset directory (tracesynth ingest
 * writes one) split in time, so that no test window is in the training part; the n-gram
 * trained on it; 10 events hidden at the centre of every test window and imputed; the
 * metrics printed. The same steps as `tracesynth train --model ngram DATASET` then
 * `tracesynth impute MODEL --input DATASET`, which print the same figures.
 *
 *   cc impute.c $(pkg-config --cflags --libs --static tracesynth) -o impute
 *   ./impute DATASET */
#include <stdio.h>
#include <tracesynth.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATASET\n", argv[0]);
        return 2;
    }
    const char *dataset = argv[1];
    ts_split_spec ss;
    ts_split_spec_default(&ss);   /* the time split, windows of 200, 500 test windows */
    ts_split_data d = {0};
    ts_model *m = NULL;
    ts_windows test = {0};
    ts_vocab names = {0};
    int rc = 1;

    ts_train_opts o = {0};        /* the n-gram's defaults; the split comes from d */
    if (ts_split_data_load(dataset, &ss, &d) || ts_train_on("ngram", &d, &o, &m, NULL))
        goto done;
    /* the test windows and their event names, as tracesynth impute --input DATASET reads them */
    if (ts_impute_input_load(dataset, &ss, 0, NULL, m->n_ids - 1, &test, &names, NULL))
        goto done;
    ts_impute_spec is = {10, TS_MASK_CENTER, dataset, &names, NULL};   /* NULL: no output files */
    ts_impute_result r;
    if (ts_impute_eval(m, &test, &is, NULL, &r))
        goto done;
    printf("%zu windows of %zu, blackout %zu at %s: accuracy %.2f  perfect %.2f  ROUGE-L %.2f\n",
           test.n, test.len, is.blackout, ts_mask_name(is.pos), r.metrics.accuracy, r.metrics.perfect,
           r.metrics.rouge_l);
    rc = 0;
done:
    if (rc) fprintf(stderr, "impute: error: %s\n", ts_error());
    ts_vocab_free(&names);
    ts_windows_free(&test);
    ts_model_free(m);
    ts_split_data_free(&d);
    return rc;
}
