/* placeholder until the command lands */
#include "cli.h"
int cmd_impute(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'impute' is not built yet"); return cli_fail(); }
