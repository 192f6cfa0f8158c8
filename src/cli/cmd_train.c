/* placeholder until the command lands */
#include "cli.h"
int cmd_train(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'train' is not built yet"); return cli_fail(); }
