/* placeholder until the benchmark lands */
#include "cli.h"
int bench_impute(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'bench impute' is not built yet"); return cli_fail(); }
