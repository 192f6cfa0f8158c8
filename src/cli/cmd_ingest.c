/* placeholder until the command lands */
#include "cli.h"
int cmd_ingest(int argc, char **argv) { (void)argc; (void)argv; ts_fail("'ingest' is not built yet"); return cli_fail(); }
