/* The CTF reader in this process (not part of the public API). */
#ifndef TS_CTF_ISOLATE_H
#define TS_CTF_ISOLATE_H

#include "tracesynth/data.h"

/* ts_ctf_load (fields 0) or ts_ctf_load_fields (1) without the child process
 * (src/data/ctf.c): a trace that crashes libbabeltrace2 crashes the caller */
int ts__ctf_load_here(const char *dir, const ts_ctf_opts *opts, int fields, ts_ctf_trace *out);

#endif
