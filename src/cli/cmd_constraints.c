/* tracesynth constraints: learn the validity constraints of a multi-channel dataset. */
#include "cli.h"
#include "tracesynth/repair.h"

#include <stdlib.h>
#include <string.h>

int cmd_constraints(int argc, char **argv)
{
    const char *out = NULL;
    int permille[3] = {ts_split_default_permille[0], ts_split_default_permille[1], ts_split_default_permille[2]};
    size_t len = 0;
    const ts_option opts[] = {
        TS_OPT_STR_F_('o', "output", &out, "FILE", TS_OPT_REQUIRED, "the constraints file (a dataset's or a split's own\n"
                      "file is refused)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "time split shares: training, validation, testing\n"
                   "(default: those DATASET's own splits record, as eval\n"
                   "and repair take them, else 0.7,0.1,0.2): the\n"
                   "constraints come from the training part"),
        TS_OPT_SIZE_(0, "length", &len, "L", 0, 1 << 24,
                     "the dataset is windows of L events: no transition is\n"
                     "learned across them (default: the windows DATASET\n"
                     "records, a set that generate, markov --length, impute\n"
                     "or repair wrote; else 0: one sequence)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "constraints", "tracesynth constraints DATASET -o FILE [--fractions A,B,C] [--length L]",
        "Learn from the training part of a multi-channel dataset (ingest --channels; its\n"
        "first event where the part is empty, as the summary says) what\n"
        "real traces never break: the event-transition graph, the dt bounds of each event\n"
        "type, the CPUs of each type, and the thread buckets, process names and return\n"
        "values of each type. 'tracesynth repair' and 'tracesynth eval' use the file.\n"
        "A dataset without vocab.tsv (its event names) gives constraints of bare event\n"
        "IDs, with a warning: they check and repair only traces whose events are unnamed\n"
        "too, numbered alike. A set of windows (its DATASET/length, or --length) gives\n"
        "no transition from a window's last event to the next one's first.\n",
        opts, 1, 1, "DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    if ((rc = cli_dir_no_stdin("constraints", "DATASET", args.pos[0], "a dataset is a directory"))) {
        ts_opt_free(&args);
        return rc;
    }
    if (cli_output_no_stdout("constraints", "-o", out, "the constraints go to a file")) {
        ts_opt_free(&args);
        return 2;
    }
    /* the constraints over a file the dataset is read from would replace its data; so
     * would they another dataset's or a split's */
    if (cli_output_not_dataset(out, "-o", out, "FILE", &args.pos[0], 1)) { ts_opt_free(&args); return cli_fail(); }
    ts_mc m;
    ts_constraints k;
    rc = ts_mc_load(args.pos[0], &m);
    /* the windows the set records (a generated one), else --length's */
    if (rc == 0 && (rc = cli_mc_window_length(args.pos[0], m.n, ts_opt_given(&args, &len), len, &len)) != 0)
        ts_mc_free(&m);
    if (rc == 0 && len && (m.n < len || m.n % len)) {   /* as eval and repair read windows */
        rc = ts_fail("%s: %zu event%s %s not windows of --length %zu", args.pos[0], m.n, ts_plural(m.n),
                     m.n == 1 ? "is" : "are", len);
        ts_mc_free(&m);
    }
    /* the training part as eval and repair cut it: --fractions, else the shares its own
     * splits record (split.txt in its folders), else the default */
    int pm[3];
    char *rec = NULL;   /* the split.txt whose parts cut it */
    if (rc == 0 && (rc = cli_dataset_fractions(args.pos[0], ts_opt_given(&args, permille) ? permille : NULL, pm,
                                               &rec, NULL)) != 0)
        ts_mc_free(&m);
    if (rc == 0) {
        char empty[128], from[700] = "";
        const size_t ntrain = cli_train_events(m.n, pm, empty, sizeof empty);
        if (rec) {
            strcpy(from, ", ");
            cli_split_recorded(from + 2, sizeof from - 2, pm, rec);
        }
        int learned = ts_constraints_learn_windows(&m, ntrain, len, &k) == 0;
        if (!learned) ts_fail("%s: %s", args.pos[0], ts_error());
        rc = learned ? ts_constraints_save(&k, out) : -1;
        if (rc == 0) {
            size_t edges = 0, types = 0;
            for (size_t i = 0; i < (size_t)k.V * k.V; i++) edges += k.trans[i];
            for (int32_t v = 0; v < k.V; v++) types += k.seen[v];
            char chans[128] = "";   /* the other channels constrained per event type, when any */
            for (int c = TS_CH_DT; c < TS_NCH; c++)
                if (k.card[c])
                    snprintf(chans + strlen(chans), sizeof chans - strlen(chans), "%s %s",
                             chans[0] ? "" : "; per event type:", ts_ch_names[c]);
            char win[64] = "";   /* transitions within windows only */
            if (len) snprintf(win, sizeof win, ", windows of %zu", len);
            cli_say(cli_msg_stream(out), "constraints of %s (first %zu of %zu event%s%s%s%s%s): %zu event type%s, "
                    "%zu allowed transition%s of %zu%s -> %s\n", args.pos[0], ntrain, m.n, ts_plural(m.n), from, win,
                    empty[0] ? "; " : "", empty, types,
                    ts_plural(types), edges, ts_plural(edges), types * types, chans, out);
            /* a dataset of channels is ingested with its event names: without them the
             * constraints are of bare IDs, which a trace's own numbering must then match
             * (a dataset of IDs alone has none by design) */
            int channels = 0;
            for (int c = TS_CH_DT; c < TS_NCH; c++) channels |= ts_mc_has(&m, c);
            if (channels && k.events.n == 0)
                cli_say(stderr, "tracesynth: warning: constraints: %s has no vocab.tsv (the names of its event types): "
                        "the constraints' event types are its IDs, unnamed, so repair and eval take only a trace whose "
                        "events are unnamed too, numbered as this dataset's (one with names is refused)\n", args.pos[0]);
        }
        if (learned) ts_constraints_free(&k);
        ts_mc_free(&m);
    }
    free(rec);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
