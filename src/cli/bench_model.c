/* placeholder until the benchmark lands */
#include "cli.h"
int bench_model(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'bench model' is not built yet"); return cli_fail(); }
