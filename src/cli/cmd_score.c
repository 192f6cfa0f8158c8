/* tracesynth score: bits per event of windows under a model (its likelihood), so
 * that models are compared on one scale beside their reconstruction accuracy. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* mdm's chain likelihood: the mixture with the n-gram it scored (--ngram-mix, else the one
 * tune-prior chose, else none) into mix, and what it amounts to: the chosen linear:1 is the
 * n-gram's likelihood, which would otherwise read as the network's */
static const char *chain_mixture(const ts_model *m, const ts_run_opts *ro, char *mix, size_t n, int *chosen)
{
    const char *given = ts_kv_get(&ro->kv, "ngram-mix");
    *chosen = 0;
    if (given) snprintf(mix, n, "%s", given);
    else if (ts_mdm_chain_mixture(m, mix, n, NULL, NULL) == 0) *chosen = 1;
    else snprintf(mix, n, "none");
    if (!strcmp(mix, "none")) return "the network alone";
    if (strncmp(mix, "linear:", 7)) return "mixed with the n-gram";
    const double w = strtod(mix + 7, NULL);
    return w == 0 ? "the network alone" : w == 1 ? "the n-gram alone" : "mixed with the n-gram";
}

int cmd_score(int argc, char **argv)
{
    const char *input = NULL, *vocab_path = NULL;
    ts_split_spec ss;
    ts_split_spec_default(&ss);
    ss.length = 0;
    int json = 0;
    cli_run run = CLI_RUN_DEFAULTS;
    const ts_option opts[] = {
        TS_OPT_STR_F_(0, "input", &input, "PATH", 0,   /* required: after cli_one_model */
                      "a window file (one window per line), a .npy of\n"
                      "windows (float32: rounded to the nearest ID, negatives\n"
                      "to 0; one past the model's IDs is an error, as in a\n"
                      "window file, unless names beside it (W.names.txt) match\n"
                      "them by name; NaN and infinities (-inf too) are),\n"
                      "or a dataset directory (its test windows); a file may\n"
                      "be a pipe or FIFO ('-': standard input)"),
        TS_OPT_STR_(0, "vocab", &vocab_path, "FILE", "names of the input's IDs (as impute; '-':\n"
                     "standard input)"),
        TS_OPT_GROUP_("a dataset input is split as train splits it (give the same values):"),
        CLI_SPLIT_OPTIONS(&ss),
        TS_OPT_SIZE_(0, "length", &ss.length, "L", 1, 1 << 24, "window length (default: the model's training windows,\n"
                     "else 200; a set of windows, DIR/length: theirs)"),
        TS_OPT_GROUP_("the run:"),
        /* no --seed, no --steps: a likelihood draws nothing and takes no sampling steps
         * (refused below, not handed to the model as its own) */
        TS_OPT_LONG_(0, "batch", &run.batch, "B", 1, 1 << 24, "crops per batch of mdm's --likelihood chain\n"
                     "(model default)"),
        CLI_RUN_THREADS(&run),
        TS_OPT_FLAG_(0, "json", &json, "print one JSON object (stable keys) instead of the line"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "score", "tracesynth score MODEL --input WINDOWS|NPY|DATASET [OPTIONS]",
        "Print the mean bits per event of the windows under MODEL: the n-gram's\n"
        "interpolated Kneser-Ney likelihood (left to right), lstm's exact likelihood\n"
        "(chain rule, from a start state), mdm's masked-diffusion bound\n"
        "(an upper bound on the bits of its unmasking process) or, with --likelihood\n"
        "chain, the exact likelihood of the left-to-right model its network defines\n"
        "(neither bounds the other; --ngram-mix: alone or mixed with the n-gram; see\n"
        "'tracesynth train --model mdm --help'). Lower is better; a model that spreads\n"
        "its probability over fewer wrong events scores lower. The chain likelihood's\n"
        "line names the mixture it scored (--ngram-mix's, else the one chosen on\n"
        "validation windows: linear:1 is the n-gram alone; --json: ngram_mix).\n"
        "--likelihood chain takes one network evaluation per event, many times the\n"
        "bound's: 500 windows of 200 under the default network (4 blocks of 128\n"
        "channels) about 4 minutes on one thread (the bound: 20 s).\n"
        "A warning says how many windows occur verbatim in the training events MODEL\n"
        "keeps (the n-gram's, mdm's n-gram prior's): their bits per event overstate how\n"
        "well it predicts.\n",
        opts, 1, 2, "MODEL", 1, NULL,   /* a second: cli_one_model */
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    ts_model *m = NULL;
    ts_windows x = {0};
    ts_vocab names = {0};
    names.unk = -1;
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    /* a dataset after MODEL, as tune-prior takes it, said to be --input's before --input is asked for */
    if ((rc = cli_one_model("score", &args, input))) goto done;
    if (!input) { rc = cli_usage_error("score", "--input PATH is required"); goto done; }
    if ((rc = cli_split_check("score", &ss, &args))) goto done;
    if ((rc = cli_model_file("score", args.pos[0])) ||
        (rc = cli_stdin_input("score", "--input", &input)) || (rc = cli_stdin_input("score", "--vocab", &vocab_path)))
        goto done;
    for (int i = 0; i < args.nkv; i++)
        if (!strcmp(args.keys[i], "seed") || !strcmp(args.keys[i], "steps")) {
            rc = cli_usage_error("score", "--%s: a likelihood draws nothing and takes no sampling steps (the same "
                                 "windows, the same bits)", args.keys[i]);
            goto done;
        }
    ts_run_opts ro;
    cli_run_apply(&run, &args, &ro);
    rc = 1;
    if (ts_model_load(args.pos[0], &m)) { cli_fail(); goto done; }
    if (!m->ops->bits) {   /* before the input is read: the model's file is what is wrong */
        char with[256] = "";   /* the models that give one */
        for (const ts_model_ops *const *p = ts_model_list(); *p; p++) {
            const size_t l = strlen(with);
            if ((*p)->bits) snprintf(with + l, sizeof with - l, "%s%s", l ? ", " : "", (*p)->name);
        }
        ts_fail("%s: a %s model gives no likelihood (score reads %s models)", args.pos[0], m->ops->name, with);
        cli_fail();
        goto done;
    }
    cli_split_model_parts(&ss, &args, m);
    const char *lk = ts_kv_get(&ro.kv, "likelihood");
    if (ts_opt_given(&args, &run.batch) && (strcmp(m->ops->name, "mdm") || !lk || strcmp(lk, "chain"))) {
        rc = cli_usage_error("score", "--batch: only mdm's --likelihood chain reads it (%s's %s does not)",
                             m->ops->name, strcmp(m->ops->name, "mdm") ? "likelihood" : "bound");
        goto done;
    }
    /* a set of windows (DIR/length): theirs, else the model's */
    const size_t len0 = m->len ? m->len : m->window ? m->window : 200;
    if (cli_split_model_input("score", &ss, &args, m, args.pos[0], input, ss.length ? ss.length : len0)) {
        cli_fail();
        goto done;
    }
    const int named = cli_input_names(input, vocab_path, m, &x, &names);
    if (named < 0 ||
        (!named && ts_impute_input_load(input, &ss, len0, vocab_path, m->n_ids - 1, &x, &names, NULL)) ||
        (!named && cli_vocab_agrees_read(input, &x, vocab_path, &names))) {
        cli_fail();
        goto done;
    }
    if ((rc = cli_window_file_check("score", input, x.len, &ss, &args))) goto done;
    rc = 1;
    /* the model's own dataset: not a test part on events it was trained or chose on (the
     * windows' length, that of a test part it may offer instead) */
    ts_split_spec held = ss;
    held.length = x.len;
    if (ts_model_held_out_check(m, args.pos[0], input, &held, TS_PART_TEST, NULL)) { cli_fail(); goto done; }
    double bits, t0 = ts_now();
    size_t unknown = 0;
    if (ts_model_bits(m, &x, &names, &ro, &bits, &unknown)) {
        cli_input_error_place(input, named == 1, vocab_path);
        rc = cli_run_failed("score");   /* an option the model refused: a usage error */
        goto done;
    }
    double dt = ts_now() - t0;
    cli_input_names_unused("score", input, vocab_path, &names, m, args.pos[0]);
    cli_input_unnamed("score", input, &names, m);
    if (unknown)
        cli_say(stderr, "tracesynth: note: score: %zu %s the model never saw; it reads %s as <unk>\n", unknown,
                unknown == 1 ? "event has a name" : "events have names", unknown == 1 ? "it" : "them");
    char mix[64] = "", how[160] = "";
    int chosen = 0;
    if (!strcmp(m->ops->name, "mdm") && lk && !strcmp(lk, "chain")) {
        const char *what = chain_mixture(m, &ro, mix, sizeof mix, &chosen);
        snprintf(how, sizeof how, " (chain likelihood, %s: --ngram-mix %s%s)", what, mix,
                 chosen ? ", chosen on validation windows" : "");
    } else if (!strcmp(m->ops->name, "mdm")) {
        /* not a likelihood: set beside the n-gram's figure unnamed, it read as mdm's worse one */
        snprintf(how, sizeof how, " (masked-diffusion bound)");
    }
    if (json) {
        printf("{\"model\": ");
        ts_json_put(stdout, m->ops->name);
        printf(", \"windows\": %zu, \"length\": %zu, \"bits_per_event\": %.6f, \"unknown\": %zu, "
               "\"ngram_mix\": ", x.n, x.len, bits, unknown);
        ts_json_put(stdout, mix[0] ? mix : NULL);
        printf(", \"seconds\": %.4f}\n", dt);
    } else {
        printf("%s: %zu window%s of %zu: %.4f bits per event%s (%.2f s)\n", m->ops->name, x.n, ts_plural(x.n), x.len,
               bits, how, dt);
    }
    /* windows it was trained on: it predicts them better than behaviour it has not seen */
    cli_warn_trained("score", NULL, cli_trained_count_in(m, &x, &names, input), x.n,
                     "the bits per event overstate how well it predicts behaviour it has not seen");
    rc = 0;
done:
    ts_vocab_free(&names);
    ts_windows_free(&x);
    ts_model_free(m);
    ts_opt_free(&args);
    return rc;
}
