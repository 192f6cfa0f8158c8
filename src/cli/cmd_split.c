/* placeholder until the command lands */
#include "cli.h"
int cmd_split(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'split' is not built yet"); return cli_fail(); }
