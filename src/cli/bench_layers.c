/* placeholder until the benchmark lands */
#include "cli.h"
int bench_layers(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'bench layers' is not built yet"); return cli_fail(); }
