/* placeholder until the command lands */
#include "cli.h"
int cmd_generate(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'generate' is not built yet"); return cli_fail(); }
