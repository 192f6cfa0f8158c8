/* tracesynth repair: make a synthetic multi-channel trace obey learned constraints. */
#include "cli.h"
#include "tracesynth/repair.h"

#include <stdlib.h>

static void print_validity(FILE *f, const char *label, const ts_validity *v, int json)
{
    const double d[4] = {v->d_trans, v->d_time, v->d_cpu, v->d_attr};
    static const char *const names[4] = {"d_trans", "d_time", "d_cpu", "d_attr"};
    if (json) fprintf(f, "\"%s\": {", label);
    else fprintf(f, "%s:", label);
    for (int i = 0; i < 4; i++) {
        if (json) {
            if (d[i] < 0) fprintf(f, "%s\"%s\": null", i ? ", " : "", names[i]);
            else fprintf(f, "%s\"%s\": %.6f", i ? ", " : "", names[i], d[i]);
        } else if (d[i] < 0) {
            fprintf(f, " %s -", names[i]);
        } else {
            fprintf(f, " %s %.4f", names[i], d[i]);
        }
    }
    fprintf(f, json ? "}" : "\n");
}

int cmd_repair(int argc, char **argv)
{
    const char *out = NULL, *cons = NULL;
    size_t len = 0;
    int json = 0, part = 0;
    int permille[3];   /* --fractions: the time split --part cuts by */
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "constraints", &cons, "FILE", TS_OPT_REQUIRED, "from 'tracesynth constraints'"),
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED, "the repaired dataset (the same files), not SYNTHETIC\n"
                      "itself; a DIR holding a dataset that is no set of\n"
                      "windows (stream.txt, no length file) with its times\n"
                      "(time_ns.npy) or no Δt (dt.npy), as ingest writes one,\n"
                      "is an error; one that markov, repair, generate or\n"
                      "impute wrote (DIR/derived marks it) is replaced; a\n"
                      "dataset's or a split's own file, there or not yet, is\n"
                      "refused, and so is a split's folder (split.txt: its\n"
                      "vocab.tsv and arch would go)"),
        TS_OPT_SIZE_(0, "length", &len, "L", 0, 1 << 24,
                     "the trace is windows of L events, each repaired on its\n"
                     "own (default: the windows SYNTHETIC records, a set that\n"
                     "generate, markov --length, impute or repair wrote; else\n"
                     "0: one sequence); the output records them"),
        TS_OPT_CHOICE_(0, "part", &part, "P", eval_parts,
                       "all (default), train, valid or test: repair and write\n"
                       "only that part of the trace (the time split\n"
                       "--fractions says)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "with --part: the time split's shares (default: those\n"
                   "SYNTHETIC's own splits record, split.txt in its\n"
                   "folders, as split -o SYNTHETIC/SPLIT writes it, refused\n"
                   "where two differ; else 0.7,0.1,0.2; JSON fractions\n"
                   "says which)"),
        TS_OPT_FLAG_(0, "json", &json, "print one JSON object (stable keys) instead of the\n"
                                       "lines"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "repair", "tracesynth repair SYNTHETIC --constraints FILE -o DIR [--length L]\n"
        "                         [--part P] [--fractions A,B,C] [--json]",
        "Change a synthetic multi-channel trace (a dataset directory) as little as\n"
        "possible so that it obeys the constraints: the event sequence becomes the\n"
        "closest walk through the transition graph (fewest events replaced, by dynamic\n"
        "programming; of those walks, the one changing fewest events in any channel),\n"
        "dt is clamped to its event type's bounds, and a CPU, thread bucket or return\n"
        "value the type never has becomes the numerically nearest allowed one\n"
        "(between two as near, the more frequent; a return value the constraints do not\n"
        "name, by its number), a process name or an unknown return value the type's most\n"
        "frequent. Prints D_trans, D_time, D_cpu and D_attr before and after, and what\n"
        "changed.\n",
        opts, 1, 1, "SYNTHETIC", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    const int fractions_given = ts_opt_given(&args, permille);
    /* they cut a part: the whole trace would leave them unused */
    if (fractions_given && part == 0) {
        ts_opt_free(&args);
        return cli_usage_error("repair", "--fractions cuts the trace into parts: give --part train, valid or test");
    }
    if (cli_output_no_stdout("repair", "-o", out, "the dataset is a directory") ||
        cli_dir_no_stdin("repair", "SYNTHETIC", args.pos[0], "a multi-channel dataset is a directory") ||
        cli_input_no_stdin("repair", "--constraints", cons, "constraints are read from a file")) {
        ts_opt_free(&args);
        return 2;
    }
    /* the output replaces its directory's files: the trace repaired would be lost (with
     * --part, all of it but that part) */
    if (ts_same_file(args.pos[0], out) == 1) {
        ts_fail("%s: the output would replace the dataset %s", out, args.pos[0]);
        ts_opt_free(&args);
        return cli_fail();
    }
    /* the output refused now, not after the trace is read and repaired (a dataset there
     * that is no set of windows, an ingested trace, would be lost) */
    if (mc_out_check(out, "DIR", &args.pos[0], 1)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    ts_constraints k;
    ts_mc m;
    int pm[3];
    char *rec = NULL;   /* the split.txt whose parts cut it */
    rc = ts_constraints_load(cons, &k);
    if (rc == 0) {
        rc = ts_mc_load(args.pos[0], &m);
        /* the windows the set records (a generated one), else --length's */
        if (rc == 0 && (rc = cli_mc_window_length(args.pos[0], m.n, ts_opt_given(&args, &len), len, &len)) != 0)
            ts_mc_free(&m);
        /* windows of L as eval reads them: a short tail would be repaired as a window of its own */
        if (rc == 0 && len && (m.n < len || m.n % len)) {
            rc = ts_fail("%s: %zu event%s %s not windows of --length %zu", args.pos[0], m.n, ts_plural(m.n),
                         m.n == 1 ? "is" : "are", len);
            ts_mc_free(&m);
        }
        /* [0, a), [a, b), [b, n): --fractions, else the shares its own splits record */
        if (rc == 0 && part > 0 && (rc = cli_dataset_fractions(args.pos[0], fractions_given ? permille : NULL, pm,
                                                              &rec, NULL)) != 0)
            ts_mc_free(&m);
        if (rc == 0 && part > 0) {
            size_t a, b;
            ts_split_bounds(m.n, pm, &a, &b);
            ts_mc whole = m;
            size_t from = part == 2 ? a : part == 3 ? b : 0, to = part == 1 ? a : part == 2 ? b : whole.n;
            if (from >= to) {
                rc = ts_fail("%s: its %s part, events [%zu, %zu), is empty", args.pos[0],
                             part == 1 ? "train" : part == 2 ? "valid" : "test", from, to);
                ts_mc_free(&whole);
            } else if (len && (from % len || to % len)) {   /* its windows would be cut */
                rc = ts_fail("%s: its %s part, events [%zu, %zu), is not whole windows of %zu",
                             args.pos[0], part == 1 ? "train" : part == 2 ? "valid" : "test", from, to, len);
                ts_mc_free(&whole);
            } else {
                rc = ts_mc_slice(&whole, from, to, &m);
                ts_mc_free(&whole);
            }
        }
        /* measured in the constraints' numbering (by name), on a copy: the trace itself is
         * renumbered by ts_repair, which counts a name the constraints lack (now their
         * <unk>) as a change */
        ts_validity before, after;
        size_t unknown = 0;   /* values whose names the constraints lack: each a change */
        if (rc == 0) {
            ts_mc b;
            rc = ts_mc_slice(&m, 0, m.n, &b);
            if (rc == 0 && (rc = cli_constraints_fit(&k, &b, args.pos[0], cons, &unknown)) == 0)
                ts_constraints_validity(&k, &b, len, &before);
            ts_mc_free(&b);
            if (rc) ts_mc_free(&m);
        }
        if (rc == 0) {
            ts_repair_report rep;
            rc = ts_repair(&k, &m, len, args.pos[0], &rep);
            /* windows stay windows: their length goes with them */
            const char *arch = NULL;
            if (rc == 0) rc = cli_dataset_arch(args.pos[0], &arch);
            if (rc == 0) rc = ts_mc_save_windows(out, &m, arch, len, 1);
            if (rc == 0) {
                ts_constraints_validity(&k, &m, len, &after);
                /* constraints of another trace: why so much changed, as eval notes names the real
                 * trace lacks */
                if (unknown && !json)
                    cli_say(stderr, "tracesynth: note: repair: %zu value%s of %s %s names the constraints lack (%s), "
                            "each made their <unk>, a change\n", unknown, ts_plural(unknown), args.pos[0],
                            unknown == 1 ? "has" : "have", cons);
                if (json) {
                    printf("{\"events\": %zu, \"part\": \"%s\", ", rep.events, eval_parts[part]);
                    cli_json_fractions("fractions", part ? pm : NULL, rec, fractions_given);
                    printf("\"events_changed\": %zu, \"share_changed\": %.6f, \"changed\": {", rep.events_touched,
                           rep.events ? (double)rep.events_touched / rep.events : 0);
                    for (int c = 0; c < TS_NCH; c++) printf("%s\"%s\": %zu", c ? ", " : "", ts_ch_names[c], rep.changed[c]);
                    printf("}, ");
                    print_validity(stdout, "before", &before, 1);
                    printf(", ");
                    print_validity(stdout, "after", &after, 1);
                    printf("}\n");
                } else {
                    print_validity(stdout, "before", &before, 0);
                    print_validity(stdout, "after ", &after, 0);
                    printf("changed %zu of %zu event%s (%.2f %%)%s", rep.events_touched, rep.events,
                           ts_plural(rep.events),
                           rep.events ? 100.0 * (double)rep.events_touched / rep.events : 0,
                           rep.events_touched ? ":" : "");   /* the channels changed, where any */
                    for (int c = 0; c < TS_NCH; c++)
                        if (rep.changed[c]) printf(" %s %zu", ts_ch_names[c], rep.changed[c]);
                    cli_say(stdout, " -> %s\n", out);
                }
            }
            ts_mc_free(&m);
        }
        ts_constraints_free(&k);
    }
    free(rec);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
