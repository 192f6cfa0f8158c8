/* placeholder until the command lands */
#include "cli.h"
int cmd_audit(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'audit' is not built yet"); return cli_fail(); }
