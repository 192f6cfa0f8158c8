/* tracesynth tune-prior: choose an mdm model's n-gram prior weights again on the
 * validation windows of its dataset, without training, and save the model. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* row i is printed: measured, and not the row of an earlier size (on windows shorter
 * than twice a size's key it is chosen at k = L / 2, a smaller size's k: the same
 * windows and blackouts, the same row, printed once) */
static int row_shown(const ts_mdm_tune_row *rows, int i)
{
    for (int j = 0; j < i; j++)
        if (rows[j].k == rows[i].k) return 0;
    return rows[i].k != 0;
}

int cmd_tune_prior(int argc, char **argv)
{
    const char *C = "tune-prior";
    const char *out = NULL, *log = NULL, *ens = NULL;
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 0;
    size_t nwin = 500;
    cli_run run = CLI_RUN_DEFAULTS;
    const ts_option opts[] = {
        TS_OPT_STR_F_('o', "output", &out, "FILE", TS_OPT_REQUIRED, "the model with the new weights (may be MODEL;\n"
                      "a dataset's or a split's own file is refused)"),
        TS_OPT_SIZE_(0, "valid-windows", &nwin, "N", 1, 1 << 24,
                     "validation windows per blackout position (centre, end)\n"
                     "and size (default 500, as training); the chain\n"
                     "likelihood's mixture: 48 for 500 or all there are,\n"
                     "its share of fewer"),
        TS_OPT_STR_(0, "log", &log, "FILE.jsonl", "append the choices (JSON lines, each with its\n"
                    "elapsed_s from the start; a dataset's or a split's own\n"
                    "file is refused)"),
        TS_OPT_STR_(0, "ensemble", &ens, "FILE[,FILE...]", "choose them for MODEL's network averaged with\n"
                    "the files' (other mdm models, events matched by name);\n"
                    "impute the result with the same --ensemble"),
        TS_OPT_GROUP_("the dataset is split as train split it (give the same values):"),
        CLI_SPLIT_OPTIONS(&ss),
        TS_OPT_SIZE_(0, "length", &ss.length, "L", 1, 1 << 24, "window length (default: the model's training windows,\n"
                     "else 200; a set of windows, DIR/length: theirs)"),
        /* no --seed: the choice decodes greedily, in one order, and draws nothing */
        CLI_RUN_THREADS(&run),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth tune-prior MODEL DATASET -o FILE [OPTIONS]",
        "Choose the n-gram prior's weights of an mdm model (train --prior 1) on\n"
        "the validation windows of DATASET, as training does after its last iteration:\n"
        "one weight per blackout size (1, 5, 10, 20, 40) and the gated weights per\n"
        "evidence cell (blackout size x how the n-gram matched x how its fillers\n"
        "agree); then impute's default decoding per size and position (one network\n"
        "evaluation for the whole blackout, or one per hidden event; at the centre\n"
        "and at the end). DATASET may be another than the one trained on: its\n"
        "events are matched to the model's by name. The network is not changed.\n"
        "Prints the replayed validation accuracy of the network alone, the constant\n"
        "weight and the gate, per size, and the accuracy of each decoding.\n",
        opts, 2, 2, "MODEL DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    ts_split_data d = {0};
    ts_model *m = NULL;
    ts_windows valid = {0};
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    if ((rc = cli_output_no_stdout(C, "-o", out, "the model goes to a file")) ||
        (rc = cli_output_no_stdout(C, "--log", log, "the log is a file it appends to")) ||
        (rc = cli_model_file(C, args.pos[0])) ||
        (rc = cli_dir_no_stdin(C, "DATASET", args.pos[1], "a dataset is a directory")) ||
        (rc = cli_ensemble_no_stdin(C, ens)))
        goto done;
    if ((rc = cli_split_check(C, &ss, &args))) goto done;
    rc = 1;
    /* over DATASET's own file (said as such), another dataset's or a split's, before the
     * model is read */
    if (cli_output_not_dataset(out, "-o", out, "FILE", &args.pos[1], 1) ||
        cli_output_not_dataset(log, "--log", log, "FILE", &args.pos[1], 1)) {
        cli_fail();
        goto done;
    }
    ts_run_opts ro;
    cli_run_apply(&run, &args, &ro);
    if (ts_model_load(args.pos[0], &m)) { cli_fail(); goto done; }
    cli_split_model_parts(&ss, &args, m);
    if (strcmp(m->ops->name, "mdm")) {
        ts_fail("tune-prior: %s: its model is %s; the n-gram prior's weights are an mdm model's", args.pos[0],
                m->ops->name);
        cli_fail();
        goto done;
    }
    /* a set of windows (DIR/length): theirs, else the model's */
    const size_t len0 = m->len ? m->len : m->window ? m->window : 200, L = ss.length ? ss.length : len0;
    /* the choice's range (a blackout of up to half a window; mdm's 4096): else the error
     * named MODEL, or said there were no validation windows (a set's own length: below) */
    char *lp = ts_path_join(args.pos[1], "length");
    const int set = ts_file_exists(lp);
    free(lp);
    if ((ss.length || !set) && (L < 2 || L > 4096)) {
        rc = cli_usage_error(C, "--length %zu: expected 2 to 4096", L);
        goto done;
    }
    /* the log appended to the model read, or to the one written (which replaces it whole) */
    const int onto_model = log && ts_same_file(log, args.pos[0]) == 1;
    if (onto_model || (log && ts_same_path(log, out))) {
        if (onto_model) ts_fail("%s: the log would be appended to the model %s", log, args.pos[0]);
        else ts_fail("%s: the log would be lost when -o %s is written", log, out);
        cli_fail();
        goto done;
    }
    if (ens && ts_mdm_load_ensemble(m, ens)) { cli_fail(); goto done; }
    /* -o naming a member of the ensemble would replace that network with this model: the
     * ensemble the weights are chosen for would be gone */
    if (ens) {
        char *list = ts_strdup(ens), *member = NULL;
        for (char *f = strtok(list, ","); f && !member; f = strtok(NULL, ","))
            if (ts_same_file(f, out)) member = f;
        if (member) ts_fail("%s: the output would replace the --ensemble member %s", out, member);
        free(list);
        if (member) { cli_fail(); goto done; }
    }
    /* the outputs before the choice (minutes on a large validation part): an unwritable
     * -o was found only at the end, a --log that cannot be opened lost its records unsaid */
    if (cli_model_output_check(out)) goto done;   /* on stdout, it would join the table printed there */
    if (ts_out_check(out)) { cli_fail(); goto done; }
    if (log && ts_log_check(log, "log")) { cli_fail(); goto done; }
    size_t rec;
    /* the validation part alone is read */
    if (cli_split_model_input(C, &ss, &args, m, args.pos[0], args.pos[1], L)) { cli_fail(); goto done; }
    if (ts_split_data_load_set_parts(args.pos[1], &ss, len0, TS_PART_VALID, &d, &rec)) { cli_fail(); goto done; }
    if ((rc = cli_set_windows_check(C, args.pos[1], "validation", &ss, &args))) goto done;
    rc = 1;
    /* the model's own dataset: no choice on its test part's events, and the events chosen on
     * recorded, so that no test part later holds them */
    size_t seen;
    if (ts_model_held_out_check(m, args.pos[0], args.pos[1], &ss, TS_PART_VALID, &seen)) { cli_fail(); goto done; }
    if (rec && (rec < 2 || rec > 4096)) {   /* a part without a whole window: refused by the load */
        char *p = ts_path_join(args.pos[1], "length");
        ts_fail("tune-prior: %s: windows of %zu event%s; the choice takes windows of 2 to 4096", p, rec, ts_plural(rec));
        free(p);
        cli_fail();
        goto done;
    }
    /* the validation windows in the model's numbering (by name: a model trained with
     * --also serves the other datasets too) */
    size_t unknown = 0;
    if (ts_model_windows_named(m, &d.split.valid, &d.data.vocab, &valid, &unknown)) {
        ts_fail("tune-prior: %s: %s", args.pos[1], ts_error());
        cli_fail();
        goto done;
    }
    if (unknown && unknown == valid.n * valid.len) {   /* nothing to choose on */
        ts_fail("tune-prior: %s: none of its validation events has a name %s knows", args.pos[1], args.pos[0]);
        cli_fail();
        goto done;
    }
    if (unknown)
        cli_say(stderr, "tracesynth: note: tune-prior: %zu validation event%s of %s %s names the model does not "
                "know (its <unk>)\n", unknown, ts_plural(unknown), args.pos[1], unknown == 1 ? "has" : "have");
    ts_mdm_tune_row rows[5];
    memset(rows, 0, sizeof rows);
    double t0 = ts_now();
    ts_train_log_lost();   /* (none before this run's records) */
    if (ts_mdm_tune_prior(m, &valid, nwin, (uint64_t)ro.seed, log, rows, ro.progress)) {
        ts_fail("tune-prior: %s: %s", args.pos[0], ts_error());   /* the model named */
        cli_fail();
        goto done;
    }
    /* a record of the choices that was not written: said, and no model without its log */
    if (ts_train_log_lost()) { cli_fail(); goto done; }
    m->data_seen = seen;
    if (ts_model_save(m, out)) { cli_fail(); goto done; }
    printf("validation accuracy (%%, replayed, centre and end): k, network alone, n-gram's filler,\n"
           "constant weight (w), gated, with the window's own fillers (context C each side; 0: none)\n");
    for (int i = 0; i < 5; i++) {
        if (row_shown(rows, i))
            printf("  %2d  %6.2f  %6.2f  %6.2f (%g)  %6.2f  %6.2f (%d)\n", rows[i].k, rows[i].pure_acc,
                   rows[i].ngram_acc, rows[i].constant_acc, rows[i].constant, rows[i].gated_acc, rows[i].window_acc,
                   rows[i].window);
    }
    printf("decoding chosen, * (impute's default without --steps; validation accuracy, imputed as impute\n"
           "does): k, then at the centre and at the end the whole blackout from one network\n"
           "evaluation and one event per evaluation\n");
    for (int i = 0; i < 5; i++) {
        if (row_shown(rows, i) && rows[i].decoding_windows) {
            printf("  %2d", rows[i].k);
            for (int p = 0; p < 2; p++)
                printf("  %6.2f%s  %6.2f%s", rows[i].one_step_acc[p], rows[i].per_step[p] ? " " : "*",
                       rows[i].per_event_acc[p], rows[i].per_step[p] ? "*" : " ");
            printf("  (%zu window%s each)\n", rows[i].decoding_windows, ts_plural(rows[i].decoding_windows));
        }
    }
    size_t chosen_on = valid.n < nwin ? valid.n : nwin;
    /* the time of all three, and of each: the decoding takes most of it (one evaluation per
     * hidden event) */
    double ph[3];
    ts_mdm_tune_times(ph);
    printf("chose the prior's weights, impute's decoding and the chain likelihood's mixture of %s on %zu validation "
           "window%s of %s in %.1f s (the prior's weights %.1f s, impute's decoding %.1f s, the chain likelihood's "
           "mixture %.1f s) -> %s\n", args.pos[0], chosen_on, ts_plural(chosen_on), args.pos[1], ts_now() - t0, ph[0],
           ph[1], ph[2], out);
    if (ens) {   /* the command's words as the shell reads them back */
        char *wo = ts_shell_word(out), *we = ts_shell_word(ens);
        printf("(chosen for the ensemble with %s: impute %s with --ensemble %s)\n", ens, wo, we);
        free(wo);
        free(we);
    }
    char mix[64];
    int ko;
    double vb[3];
    if (ts_mdm_chain_mixture(m, mix, sizeof mix, &ko, vb) == 0)
        printf("chain likelihood (score --likelihood chain): --ngram-mix %s, Kneser-Ney order %d; validation bits\n"
               "per event: network %.4f, n-gram %.4f, mixture %.4f\n", mix, ko, vb[0], vb[1], vb[2]);
    rc = 0;
done:
    ts_model_free(m);
    ts_windows_free(&valid);
    ts_split_data_free(&d);
    ts_opt_free(&args);
    return rc;
}
