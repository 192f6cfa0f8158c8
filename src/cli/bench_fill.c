#include "cli.h"
int bench_fill(int argc, char **argv) { return 2; }
