/* The options every model run shares (--seed, --batch, --steps, --threads,
 * --no-progress), turned into the library's run options. */
#include "cli.h"

#include <string.h>

void cli_run_apply(const cli_run *r, const ts_opt_result *args, ts_run_opts *ro)
{
    if (r->threads) ts_set_threads((int)r->threads);
    memset(ro, 0, sizeof *ro);
    ro->seed = (uint64_t)r->seed;
    ro->batch = (size_t)r->batch;
    ro->steps = (int)r->steps;
    ro->progress = !r->no_progress;
    ro->kv = (ts_kv){args->nkv, args->keys, args->values};
}
