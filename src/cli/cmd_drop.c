/* tracesynth drop: simulate lost events (LTTng's discard mode, ftrace's full buffer) on a complete trace. */
#include "cli.h"
#include "tracesynth/gaps.h"

#include <string.h>

int cmd_drop(int argc, char **argv)
{
    const char *C = "drop";
    const char *out = NULL;
    double rate = 0.01;
    long bmin = 8, bmax = 64, seed = 0;
    int quiet = 0;
    const ts_option opts[] = {
        TS_OPT_STR_('o', "output", &out, "OUT", "the new CTF trace (a directory; a trace tracesynth\n"
                    "wrote there is replaced, another refused), or for\n"
                    "ftrace text the new text file ('-': standard output,\n"
                    "the summary then on stderr; a name ending in .gz:\n"
                    "gzip-compressed; a dataset's or a split's own file\n"
                    "is refused)"),
        TS_OPT_DBL_(0, "rate", &rate, "R", 0, 0.99, "share of events to drop, per CPU (default 0.01)"),
        TS_OPT_LONG_(0, "burst-min", &bmin, "N", 1, 1L << 30, "fewest events per burst (default 8)"),
        TS_OPT_LONG_(0, "burst-max", &bmax, "N", 1, 1L << 30, "most events per burst (default 64, or --burst-min\n"
                     "when that is larger)"),
        TS_OPT_LONG_(0, "seed", &seed, "S", 0, 0x7fffffffffffffffL, "seed (default 0): the same seed, the same drops\n"
                     "(refused with --rate 0, which draws nothing)"),
        CLI_QUIET_OPTIONS(&quiet, "no progress"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth drop TRACE -o OUT [--rate R] [--burst-min N] [--burst-max N]\n"
        "                       [--seed S]",
        "Simulate LTTng's discard mode on a complete CTF trace: in each CPU's stream,\n"
        "bursts of consecutive events (sizes uniform in [burst-min, burst-max]) are\n"
        "dropped, as when every sub-buffer is full, for about RATE of the events (each\n"
        "burst follows a kept event, so bursts of mean B drop at most B / (B + 1); a\n"
        "higher RATE is refused). The output's packets record the losses in their\n"
        "events_discarded counters, so babeltrace2 and Trace Compass report them; every\n"
        "other event is written unchanged. TRACE that is a regular file is ftrace text:\n"
        "the dropped events' lines are left out and a marker, CPU:N [LOST C EVENTS] as\n"
        "trace_pipe writes it, comes before the CPU's next event (in perf script's text\n"
        "its PERF_RECORD_LOST line); every other line is written as it was. A trace\n"
        "tracesynth fill wrote is refused: its reconstructed events are no recording\n"
        "(ftrace text: the error names the line of the first, FILE:LINE).\n"
        "TRACE - is standard input: text redirected from a file (< FILE), not a pipe's,\n"
        "which could not be read more than once.\n",
        opts, 1, 1, "TRACE", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    if (!out) { ts_opt_free(&args); return cli_usage_error(C, "-o OUT is required"); }
    /* '-': standard input, as ingest's INPUT (text read more than once: a file, not a pipe) */
    if ((rc = cli_stdin_input(C, "TRACE", &args.pos[0]))) { ts_opt_free(&args); return rc; }
    if ((rc = cli_drop_bursts(C, bmin, &bmax, ts_opt_given(&args, &bmax), "--rate", &rate, 1))) {
        ts_opt_free(&args);
        return rc;
    }
    /* no burst is drawn: a seed would go unread */
    if (rate == 0 && ts_opt_given(&args, &seed)) {
        ts_opt_free(&args);
        return cli_usage_error(C, "--seed: --rate 0 drops nothing, so nothing is drawn by it");
    }
    /* '-' is standard output, as for fill and export: ftrace text goes there; a CTF trace
     * is a directory */
    const int to_stdout = cli_trace_output_stdout(C, args.pos[0], &out,
                                            "a CTF trace is written as a new trace directory, not to standard "
                                            "output; name a directory");
    if (to_stdout < 0 || to_stdout == 2) {
        ts_opt_free(&args);
        return to_stdout < 0 ? 1 : 2;
    }
    /* the new trace over a dataset's or a split's own file (ftrace text), or that text among
     * a CTF trace's files */
    if (!to_stdout && (cli_output_not_dataset(out, "-o", out, "OUT", NULL, 0) ||
                       (ts_trace_is_ftrace(args.pos[0]) && cli_output_not_in_trace(out, 0, "-o", out, "OUT")))) {
        ts_opt_free(&args);
        return cli_fail();
    }
    ts_drop_opts o = {rate, bmin, bmax, (uint64_t)seed, !quiet, 0, NULL};
    ts_drop_stats st;
    rc = ts_ctf_drop(args.pos[0], out, &o, &st);
    if (rc == 0) cli_say_notes(st.notes);   /* what the reader left out (a last line cut) */
    if (rc == 0)
        cli_say(cli_msg_stream(out), "drop: %llu of %llu event%s dropped (%.2f %%) in %llu burst%s -> %s\n",
                (unsigned long long)st.dropped, (unsigned long long)st.events, ts_plural((size_t)st.events),
                st.events ? 100.0 * (double)st.dropped / (double)st.events : 0.0, (unsigned long long)st.bursts,
                ts_plural((size_t)st.bursts), cli_output_name(out, to_stdout));
    /* the rate is an expectation: a short trace holds few bursts, and the share dropped can
     * fall far from it; said, with what would bring it nearer */
    const double share = st.events ? (double)st.dropped / (double)st.events : 0;
    if (rc == 0 && st.events && (share < 0.5 * rate || share > 1.5 * rate))
        cli_say(stderr, "tracesynth: note: drop: %.2f %% of the events dropped for --rate %g (%g %%): a trace of %llu "
                "event%s holds few bursts of %ld-%ld, so the share varies from seed to seed (shorter bursts or a longer "
                "trace bring it nearer)\n", 100 * share, rate, 100 * rate, (unsigned long long)st.events,
                ts_plural((size_t)st.events), bmin, bmax);
    ts_drop_stats_free(&st);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
