/* placeholder until the command lands */
#include "cli.h"
int cmd_eval(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'eval' is not built yet"); return cli_fail(); }
