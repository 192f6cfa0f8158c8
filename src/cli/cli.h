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

/* bench subcommands (bench_*.c) */
int bench_impute(int argc, char **argv);
int bench_layers(int argc, char **argv);
int bench_model(int argc, char **argv);

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
/* "-h"/"--help" anywhere in argv */
int cli_wants_help(int argc, char **argv);

#endif
