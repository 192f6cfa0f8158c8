/* The tracesynth command line: one file per subcommand, each a thin client of
 * libtracesynth. A subcommand returns the process exit status. */
#ifndef TRACESYNTH_CLI_H
#define TRACESYNTH_CLI_H

#include "tracesynth.h"

int cmd_ingest(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_impute(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_gaps(int argc, char **argv);
int cmd_drop(int argc, char **argv);
int cmd_fill(int argc, char **argv);

/* bench subcommands (bench_*.c) */
int bench_impute(int argc, char **argv);
int bench_layers(int argc, char **argv);
int bench_model(int argc, char **argv);
int bench_fill(int argc, char **argv);

/* print "tracesynth: error: <ts_error()>" and return 1 */
int cli_fail(void);
/* print "tracesynth CMD: error: <msg>" (usage problems) and return 2 */
int cli_usage_error(const char *cmd, const char *fmt, ...) TS_PRINTF(2, 3);
/* strict number parsing for options: -1 + message naming the option on junk */
int cli_parse_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double *out);
/* the options of every model run: --seed, --batch, --steps, --threads */
int cli_is_run_option(const char *opt);
/* parses one of them into its variable; 0, or -1 after a usage message */
int cli_run_option(const char *cmd, const char *opt, const char *val, long *seed, long *batch,
                   long *steps, long *threads);
/* the options of every model run, as one group of an option table:
 * --seed, --batch, --steps, --threads, --no-progress */
typedef struct {
    long seed, batch, steps, threads;
    int  no_progress;
} cli_run;
#define CLI_RUN_DEFAULTS {0, 0, 0, 0, 0}
#define CLI_RUN_OPTIONS(r) \
    TS_OPT_LONG_(0, "seed", &(r)->seed, "S", 0, 0x7fffffffffffffffL, "seed (default 0): the same seed, the same result"), \
    TS_OPT_LONG_(0, "batch", &(r)->batch, "B", 1, 1 << 24, "windows per batch (model default)"), \
    TS_OPT_LONG_(0, "steps", &(r)->steps, "S", 1, 1 << 24, "sampling steps (model default)"), \
    TS_OPT_LONG_(0, "threads", &(r)->threads, "N", 0, 4096, "threads (default: all cores)"), \
    TS_OPT_FLAG_(0, "no-progress", &(r)->no_progress, "no progress bar")
/* sets the thread count and fills ro (the model's own options from args) */
void cli_run_apply(const cli_run *r, const ts_opt_result *args, ts_run_opts *ro);
/* "-h"/"--help" anywhere in argv */
int cli_wants_help(int argc, char **argv);

#endif
