/* tracesynth markov: the multi-channel Markov baseline generator. */
#include "cli.h"

#include <stdlib.h>

int cmd_markov(int argc, char **argv)
{
    const char *out = NULL;
    size_t n = 0;
    long order = 2, seed = 0;
    int permille[3] = {ts_split_default_permille[0], ts_split_default_permille[1], ts_split_default_permille[2]};
    const ts_option opts[] = {
        TS_OPT_SIZE_F_('n', "events", &n, "N", 1, (size_t)1 << 30, TS_OPT_REQUIRED, "events to generate"),
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED, "the synthetic multi-channel dataset"),
        TS_OPT_LONG_(0, "order", &order, "K", 1, 64, "Markov order of the event chain (default 2)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "time split shares (default 0.7,0.1,0.2): it learns from\nthe training part"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 1L << 62, "seed (default 0): the same seed, the same trace"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "markov", "tracesynth markov DATASET -n N -o DIR [--order K] [--seed S]",
        "The multi-channel baseline: N events whose types follow an order-K Markov chain of\n"
        "the training part of DATASET (ingest --channels), each other channel (dt, comm,\n"
        "ret, tid, cpu) drawn per event type from the training counts.\n",
        opts, 1, 1, "DATASET", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    ts_mc m, g;
    rc = ts_mc_load(args.pos[0], &m);
    if (rc == 0) {
        size_t nt = (size_t)((double)m.n * permille[0] / 1000.0);
        rc = ts_mc_markov(&m, nt ? nt : 1, (int)order, n, (uint64_t)seed, &g);
        if (rc == 0) {
            rc = ts_mc_save(out, &g);
            if (rc == 0) printf("markov (order %ld) on the first %zu events of %s: %zu events -> %s\n", order, nt,
                                args.pos[0], n, out);
            ts_mc_free(&g);
        }
        ts_mc_free(&m);
    }
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
