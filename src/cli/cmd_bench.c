/* tracesynth bench: speed and quality benchmarks (never timed unit tests). */
#include "cli.h"

#include <string.h>

int cmd_bench(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        /* asked for: stdout; no benchmark named (a usage error): stderr, as tracesynth alone */
        fprintf(argc < 2 ? stderr : stdout, "usage: tracesynth bench impute|layers|model|data|fill [OPTIONS]\n\n"
               "  impute   the study's reconstruction grid (L x k x position) for a model\n"
               "  layers   forward/backward time and GFLOP/s of the layers around S4, the\n"
               "           transformer's\n"
               "  model    training- and denoising-step time of a diffusion model (mdm\n"
               "           too; lstm: its training step, and its impute and score passes)\n"
               "  data     reading a window file; the generation metrics\n"
               "  fill     drop -> fill -> score on a complete LTTng trace, ftrace or perf\n"
               "           script text\n\n"
               "'tracesynth bench SUB --help' for options.\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "impute")) return bench_impute(argc - 1, argv + 1);
    if (!strcmp(argv[1], "layers")) return bench_layers(argc - 1, argv + 1);
    if (!strcmp(argv[1], "model")) return bench_model(argc - 1, argv + 1);
    if (!strcmp(argv[1], "data")) return bench_data(argc - 1, argv + 1);
    if (!strcmp(argv[1], "fill")) return bench_fill(argc - 1, argv + 1);
    return cli_usage_error("bench", "unknown benchmark '%s'", argv[1]);
}
