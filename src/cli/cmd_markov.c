/* tracesynth markov: the multi-channel Markov baseline generator, or the other channels
 * for an event sequence a model generated. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* W's IDs, in the numbering of the model that wrote them, -> v's IDs by the names of the
 * file generate writes beside W (ts_windows_read_names): each must be one of v's. 1 when W has
 * such a file (*path_out: it, malloc'd), 0 when not, -1 naming the file's line */
static int events_by_name(const char *events, const char *dataset, const ts_vocab *v, ts_windows *w,
                          char **path_out)
{
    ts_vocab named;
    size_t *line;
    char *path;
    int rc = ts_windows_read_names(events, w, &path, &named, &line);
    if (rc <= 0) return rc;
    if (v->n <= 0) {
        rc = ts_fail("%s: names the events of %s, but %s has no event names (vocab.tsv) to match them", path, events,
                     dataset);
    } else {
        int32_t *to = ts_malloc((size_t)named.n * sizeof *to), bad = -1;   /* bad: the one named first */
        for (int32_t i = 0; i < named.n; i++) {
            const char *s = named.names[i];
            to[i] = s ? ts_vocab_lookup(v, s) : -1;
            const int lacks = to[i] < 0 || to[i] >= v->n || (to[i] == v->unk && strcmp(v->names[to[i]], s));
            if (s && (lacks || !strcmp(s, "?")) && (bad < 0 || line[i] < line[bad])) bad = i;
        }
        if (bad >= 0 && !strcmp(named.names[bad], "?"))
            rc = ts_fail("%s:%zu: '?' (an event its model does not name, ID %d of %s): the events cannot be named in "
                         "%s's numbering", path, line[bad], (int)bad, events, dataset);
        else if (bad >= 0)
            rc = ts_fail("%s:%zu: '%s' is not one of the event names of %s", path, line[bad], named.names[bad], dataset);
        else
            for (size_t k = 0; k < w->n * w->len; k++)
                if (w->data[k] >= 0) w->data[k] = to[w->data[k]];   /* (one below 0: refused as it is) */
        free(to);
    }
    ts_vocab_free(&named);
    free(line);
    if (rc < 0) {
        free(path);
        return -1;
    }
    *path_out = path;
    return 1;
}

/* W a dataset's stream.txt (a set of windows', say), whose events the vocab.tsv beside it
 * names: W's IDs -> v's by those names, each W holds one of v's. 1 when there is such a
 * file (*path_out: it, malloc'd), 0 when not, -1 naming the file and the name v lacks */
static int events_by_vocab(const char *events, const char *dataset, const ts_vocab *v, ts_windows *w,
                           char **path_out)
{
    const char *base = strrchr(events, '/') ? strrchr(events, '/') + 1 : events;
    if (strcmp(base, "stream.txt")) return 0;
    char *path = ts_vocab_beside(events);
    if (!path) return 0;
    ts_vocab own;
    int rc = ts_vocab_read(path, &own);
    if (rc == 0 && v->n <= 0)
        rc = ts_fail("%s: names the events of %s, but %s has no event names (vocab.tsv) to match them", path, events,
                     dataset);
    if (rc == 0) {
        ts_vocab plain = *v;
        plain.unk = -1;   /* a name v lacks: -1, not v's <unk> */
        int32_t *to = ts_malloc((size_t)(own.n > 0 ? own.n : 1) * sizeof *to);
        ts_vocab_map(&own, &plain, to);
        const size_t n = w->n * w->len;
        for (size_t k = 0; k < n && rc == 0; k++) {
            const int32_t id = w->data[k];
            if (id >= own.n)
                rc = ts_fail("%s: event %zu of %s has ID %d, which it does not name (%d name%s)", path, k, events,
                             (int)id, own.n, ts_plural((size_t)own.n));
            else if (id >= 0 && to[id] < 0)
                rc = ts_fail("%s: '%s' (ID %d of %s) is not one of the event names of %s", path, own.names[id], (int)id,
                             events, dataset);
        }
        for (size_t k = 0; k < n && rc == 0; k++)
            if (w->data[k] >= 0) w->data[k] = to[w->data[k]];   /* (one below 0: refused as it is) */
        free(to);
    }
    ts_vocab_free(&own);
    if (rc) {
        free(path);
        return -1;
    }
    *path_out = path;
    return 1;
}

int cmd_markov(int argc, char **argv)
{
    const char *out = NULL, *events = NULL;
    size_t n = 0, len = 0;
    long order = 2, seed = 0;
    static const char *const draws[] = {"type", "pair", NULL};
    int draw = TS_DRAW_TYPE;
    int permille[3] = {ts_split_default_permille[0], ts_split_default_permille[1], ts_split_default_permille[2]};
    const ts_option opts[] = {
        TS_OPT_SIZE_('n', "events", &n, "N", 1, (size_t)1 << 30, "events to generate"),
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED,
                      "the synthetic multi-channel dataset; a DIR holding a\n"
                      "dataset that is no set of windows (stream.txt, no\n"
                      "length file) with its times (time_ns.npy) or no Δt\n"
                      "(dt.npy), as ingest writes one, is an error; one that\n"
                      "markov, repair, generate or impute wrote (DIR/derived\n"
                      "marks it) is replaced; a dataset's or a split's own\n"
                      "file, there or not yet, is refused, and so is a\n"
                      "split's folder (split.txt: its vocab.tsv and arch\n"
                      "would go)"),
        TS_OPT_SIZE_(0, "length", &len, "L", 0, 1 << 24,
                     "generate N / L independent windows of L events (N a\n"
                     "multiple of L), one after the other, L recorded in\n"
                     "DIR/length for eval and repair (default 0: one\n"
                     "sequence of N)"),
        TS_OPT_LONG_(0, "order", &order, "K", 1, 64, "Markov order of the event chain (default 2)"),
        TS_OPT_STR_(0, "from-events", &events, "W",
                    "instead of the chain, take the events from the windows\n"
                    "W (a window file or .npy, e.g. from 'tracesynth\n"
                    "generate'; '-': standard input), one after the other,\n"
                    "and draw only the other channels; the events are\n"
                    "DATASET's of the names in the names file generate\n"
                    "writes beside W (OUT.names.txt for OUT.txt or OUT.npy),\n"
                    "or of a dataset's stream.txt, of the names its\n"
                    "vocab.tsv gives; without them, W's IDs are DATASET's (a\n"
                    "model trained on it); a set of windows' stream.txt\n"
                    "(its length recorded): its windows"),
        TS_OPT_CHOICE_(0, "draw", &draw, "type|pair", draws,
                       "with -n: type (default): each other channel on its own\n"
                       "from the event type's counts; pair: every channel\n"
                       "copied from one training event with the same (previous\n"
                       "event, event), else event (--from-events: type only;\n"
                       "see generate --channels-from)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "time split shares (default: those DATASET's own splits\n"
                   "record, as eval and repair take them, else\n"
                   "0.7,0.1,0.2): it learns from the training part; DIR\n"
                   "records how many events (DIR/derived), and eval of it\n"
                   "against DATASET at shares whose training part ends\n"
                   "before them is refused"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 1L << 62, "seed (default 0): the same seed, the same trace"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "markov", "tracesynth markov DATASET\n"
        "       (-n N [--length L] [--order K] [--draw type|pair] | --from-events W)\n"
        "       -o DIR [--fractions A,B,C] [--seed S]",
        "The multi-channel baseline: N events whose types follow an order-K Markov chain\n"
        "of the training part of DATASET (ingest --channels; its first event where the\n"
        "part is empty, as the summary says), each other channel (dt,\n"
        "comm, ret, tid, cpu) drawn per event type from the training counts (a type the\n"
        "training part lacks: from all its events; --draw pair: given the previous event\n"
        "too). A set of windows (DATASET/length) is learned within its windows: a\n"
        "window's last event and the next one's first are no transition, and each\n"
        "window drawn starts as one of its windows starts. A type that nothing follows\n"
        "in the training part (within its windows), or whose only followers are such\n"
        "types, is never drawn: every pair drawn is one the training part has.\n",
        opts, 1, 1, "DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    if (cli_output_no_stdout("markov", "-o", out, "the dataset is a directory") ||
        cli_dir_no_stdin("markov", "DATASET", args.pos[0], "a dataset is a directory")) {
        ts_opt_free(&args);
        return 2;
    }
    /* '-': read once, as ingest's INPUT */
    if ((rc = cli_stdin_input("markov", "--from-events", &events))) {
        ts_opt_free(&args);
        return rc;
    }
    if (!events == !n) {
        ts_opt_free(&args);
        return cli_usage_error("markov", "give -n N or --from-events W (one of them)");
    }
    if (events && ts_opt_given(&args, &len)) {   /* the windows' own length is used */
        ts_opt_free(&args);
        return cli_usage_error("markov", "--length goes with -n; --from-events keeps the windows of W");
    }
    if (events && ts_opt_given(&args, &order)) {   /* the events are given: no chain is drawn */
        ts_opt_free(&args);
        return cli_usage_error("markov", "--order goes with -n; --from-events draws no event chain");
    }
    if (events && draw != TS_DRAW_TYPE) {
        ts_opt_free(&args);
        return cli_usage_error("markov", "--draw pair goes with the chain, not --from-events (see generate --channels-from)");
    }
    if (len && n % len) {
        ts_opt_free(&args);
        return cli_usage_error("markov", "-n %zu is not a multiple of --length %zu", n, len);
    }
    /* the output replaces its directory's files: DATASET's own would be lost */
    if (ts_same_file(args.pos[0], out)) {
        ts_fail("%s: the output would replace the dataset %s", out, args.pos[0]);
        ts_opt_free(&args);
        return cli_fail();
    }
    /* the output refused now, not after the dataset is read and the trace drawn (a dataset
     * there that is no set of windows, an ingested trace, would be lost) */
    if (mc_out_check(out, "DIR", &args.pos[0], 1)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    ts_mc m, g;
    ts_windows w = {0};
    char *names = NULL;
    int named = 0;
    int pm[3];
    char *rec = NULL;   /* the split.txt whose parts cut it */
    rc = ts_mc_load(args.pos[0], &m);
    /* the training part as eval and repair cut it: --fractions, else the shares its own
     * splits record (split.txt in its folders), else the default */
    if (rc == 0 && (rc = cli_dataset_fractions(args.pos[0], ts_opt_given(&args, permille) ? permille : NULL, pm,
                                               &rec, NULL)) != 0)
        ts_mc_free(&m);
    if (rc == 0) {
        char empty[128], from[700] = "";
        const size_t nt = cli_train_events(m.n, pm, empty, sizeof empty);
        if (rec) cli_split_recorded(from, sizeof from, pm, rec);
        if (rec && empty[0]) strncat(from, "; ", sizeof from - strlen(from) - 1);
        strncat(from, empty, sizeof from - strlen(from) - 1);
        if (events) {
            /* a set of windows' stream.txt (its length recorded beside it): its windows,
             * not one of all its events */
            rc = ts_windows_load(events, -1, 0, &w) || ts_windows_as_set(events, &w) ? -1 : 0;
            if (rc == 0) {
                named = events_by_name(events, args.pos[0], &m.events.vocab, &w, &names);
                if (named == 0) named = events_by_vocab(events, args.pos[0], &m.events.vocab, &w, &names);
                rc = named < 0 ? -1 : 0;
            }
            if (rc == 0) {
                rc = ts_mc_from_events(&m, nt, w.data, w.n * w.len, (uint64_t)seed, &g);
                if (rc) {
                    ts_fail("%s: %s", events, ts_error());
                }
            }
            n = w.n * w.len;
            len = w.n > 1 ? w.len : 0;   /* one window is one sequence (of any length) */
        } else {
            /* a set of windows (DIR/length): its chain and pairs learned within its windows */
            size_t tl = 0;
            rc = ts_mc_window_length(args.pos[0], m.n, &tl);
            if (rc == 0)
                rc = ts_mc_markov_given_windows(&m, nt, tl, (int)order, len ? n / len : 1, len ? len : n, draw,
                                                (uint64_t)seed, &g);
        }
        if (rc == 0) {
            const char *arch = NULL;
            rc = cli_dataset_arch(args.pos[0], &arch);
            /* marked drawn, from the first nt events: eval at shares whose held-out part
             * holds some of them refuses it (ts_mc_drawn_from) */
            if (rc == 0)
                rc = ts_mc_save_drawn(out, &g, arch, len, nt, ts_events_hash(m.events.stream.ids, nt, &m.events.vocab));
            if (rc == 0 && events)
                cli_say(stdout, "the events of %s (%zu window%s of %zu%s%s), other channels from the first %zu "
                        "event%s of %s%s%s%s -> %s\n", cli_input_name(events), w.n, ts_plural(w.n), w.len, named ? "; named by " : "",
                        named ? names : "", nt, ts_plural(nt), args.pos[0], from[0] ? " (" : "", from,
                        from[0] ? ")" : "", out);
            else if (rc == 0)
                cli_say(stdout, "markov (order %ld) on the first %zu event%s of %s%s%s%s: %zu event%s (%zu window%s of "
                        "%zu) -> %s\n", order, nt, ts_plural(nt), args.pos[0], from[0] ? " (" : "", from,
                        from[0] ? ")" : "", n, ts_plural(n), len ? n / len : 1, ts_plural(len ? n / len : 1),
                        len ? len : n, out);
            ts_mc_free(&g);
        }
        ts_windows_free(&w);
        ts_mc_free(&m);
    }
    free(names);
    free(rec);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
