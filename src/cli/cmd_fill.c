#include "cli.h"
int cmd_fill(int argc, char **argv) { return 2; }
