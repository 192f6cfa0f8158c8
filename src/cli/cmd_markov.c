/* tracesynth markov: the multi-channel Markov baseline generator, or the other channels
 * for an event sequence a model generated. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the names file generate writes beside windows W (W.txt or W.npy: W.names.txt) */
static char *names_path(const char *events)
{
    size_t l = strlen(events);
    char *p = ts_malloc(l + 16);
    memcpy(p, events, l + 1);
    if (l > 4 && (!strcmp(events + l - 4, ".txt") || !strcmp(events + l - 4, ".npy"))) p[l - 4] = 0;
    strcat(p, ".names.txt");
    return p;
}

typedef struct { int32_t id, d; size_t line; } named_id;

static int by_id_line(const void *a, const void *b)
{
    const named_id *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* W's IDs, in the numbering of the model that wrote them, -> v's IDs through the names
 * at path (one window per line, names separated by blanks): each must be one of v's, and
 * one ID one name throughout. 0 / -1 naming the file's line */
static int events_by_name(const char *path, const char *events, const char *dataset, const ts_vocab *v,
                          ts_windows *w)
{
    FILE *f = fopen(path, "r");
    if (!f) return ts_fail("%s: cannot open: %s", path, strerror(errno));
    if (v->n <= 0) {
        fclose(f);
        return ts_fail("%s: names the events of %s, but %s has no event names (vocab.tsv) to match them", path,
                       events, dataset);
    }
    const size_t n = w->n * w->len;
    named_id *p = ts_malloc((n ? n : 1) * sizeof *p);
    char *line = NULL;
    size_t cap = 0, lines = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lines++;
        if (lines > w->n) continue;   /* counted, then refused below */
        size_t t = 0;
        for (char *s = strtok(line, " \t\r\n"); s && rc == 0; s = strtok(NULL, " \t\r\n"), t++) {
            if (t >= w->len) continue;
            const size_t k = (lines - 1) * w->len + t;
            const int32_t d = ts_vocab_lookup(v, s);
            if (!strcmp(s, "?"))
                rc = ts_fail("%s:%zu: '?' (an event its model does not name, ID %d of %s): the events cannot be named "
                             "in %s's numbering", path, lines, (int)w->data[k], events, dataset);
            else if (d < 0 || d >= v->n || (d == v->unk && strcmp(v->names[d], s)))
                rc = ts_fail("%s:%zu: '%s' is not one of the event names of %s", path, lines, s, dataset);
            p[k] = (named_id){w->data[k], d, lines};
        }
        if (rc == 0 && t != w->len)
            rc = ts_fail("%s:%zu: %zu name%s, where the windows of %s have %zu event%s: not their names", path, lines, t,
                         ts_plural(t), events, w->len, ts_plural(w->len));
    }
    if (rc == 0 && ferror(f)) rc = ts_fail("%s: cannot read it: %s", path, strerror(errno));
    if (rc == 0 && lines != w->n)
        rc = ts_fail("%s: %zu line%s, where %s has %zu window%s: not its names", path, lines, ts_plural(lines), events,
                     w->n, ts_plural(w->n));
    if (rc == 0) {
        for (size_t k = 0; k < n; k++) w->data[k] = p[k].d;
        /* one ID, one name: a names file of other windows (left by an earlier run) is not W's */
        qsort(p, n, sizeof *p, by_id_line);
        for (size_t k = 1; k < n && rc == 0; k++)
            if (p[k].id == p[k - 1].id && p[k].d != p[k - 1].d)
                rc = ts_fail("%s:%zu: '%s' for ID %d, which line %zu names '%s': not the names of %s's events", path,
                             p[k].line, v->names[p[k].d], (int)p[k].id, p[k - 1].line, v->names[p[k - 1].d], events);
    }
    free(line);
    free(p);
    fclose(f);
    return rc;
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
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED, "the synthetic multi-channel dataset"),
        TS_OPT_SIZE_(0, "length", &len, "L", 0, 1 << 24,
                     "generate N / L independent windows of L events (N a multiple\n"
                     "of L), one after the other (default 0: one sequence of N)"),
        TS_OPT_LONG_(0, "order", &order, "K", 1, 64, "Markov order of the event chain (default 2)"),
        TS_OPT_STR_(0, "from-events", &events, "W",
                    "instead of the chain, take the events from the windows W (a\n"
                    "window file or .npy, e.g. from 'tracesynth generate'), one\n"
                    "after the other, and draw only the other channels; the events\n"
                    "are DATASET's of the names in the names file generate writes\n"
                    "beside W (OUT.names.txt for OUT.txt or OUT.npy); without one,\n"
                    "W's IDs are DATASET's (a model trained on it)"),
        TS_OPT_CHOICE_(0, "draw", &draw, "type|pair", draws,
                       "with -n: type (default): each other channel on its own from\n"
                       "the event type's counts; pair: every channel copied from one\n"
                       "training event with the same (previous event, event), else\n"
                       "event (--from-events: type only; see generate --channels-from)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "time split shares (default 0.7,0.1,0.2): it learns from\nthe training part"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 1L << 62, "seed (default 0): the same seed, the same trace"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "markov", "tracesynth markov DATASET (-n N [--length L] [--order K] [--draw type|pair] | --from-events W)\n"
        "       -o DIR [--fractions A,B,C] [--seed S]",
        "The multi-channel baseline: N events whose types follow an order-K Markov chain of\n"
        "the training part of DATASET (ingest --channels), each other channel (dt, comm,\n"
        "ret, tid, cpu) drawn per event type from the training counts (a type the training\n"
        "part lacks: from all its events; --draw pair: given the previous event too).\n",
        opts, 1, 1, "DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
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
    /* the output refused now, not after the dataset is read and the trace drawn */
    if (ts_out_dir_check(out)) {
        ts_opt_free(&args);
        return cli_fail();
    }
    ts_mc m, g;
    ts_windows w = {0};
    char *names = events ? names_path(events) : NULL;
    const int named = names && ts_file_exists(names);
    rc = ts_mc_load(args.pos[0], &m);
    if (rc == 0) {
        size_t nt, b;
        ts_split_bounds(m.n, permille, &nt, &b);
        if (!nt) nt = 1;   /* at least one event, as printed below */
        if (events) {
            rc = ts_windows_load(events, -1, 0, &w);
            if (rc == 0 && named) rc = events_by_name(names, events, args.pos[0], &m.events.vocab, &w);
            if (rc == 0) {
                rc = ts_mc_from_events(&m, nt, w.data, w.n * w.len, (uint64_t)seed, &g);
                if (rc) {
                    ts_fail("%s: %s", events, ts_error());
                }
            }
            n = w.n * w.len;
            len = w.len;
        } else {
            rc = ts_mc_markov_given(&m, nt, (int)order, len ? n / len : 1, len ? len : n, draw, (uint64_t)seed, &g);
        }
        if (rc == 0) {
            rc = ts_mc_save(out, &g);
            if (rc == 0 && events)
                cli_say(stdout, "the events of %s (%zu window%s of %zu%s%s), other channels from the first %zu "
                        "event%s of %s -> %s\n", events, w.n, ts_plural(w.n), w.len, named ? "; named by " : "",
                        named ? names : "", nt, ts_plural(nt), args.pos[0], out);
            else if (rc == 0)
                cli_say(stdout, "markov (order %ld) on the first %zu event%s of %s: %zu event%s (%zu window%s of %zu) "
                        "-> %s\n", order, nt, ts_plural(nt), args.pos[0], n, ts_plural(n), len ? n / len : 1,
                        ts_plural(len ? n / len : 1), len ? len : n, out);
            ts_mc_free(&g);
        }
        ts_windows_free(&w);
        ts_mc_free(&m);
    }
    free(names);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
