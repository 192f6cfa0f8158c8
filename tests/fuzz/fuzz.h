/* tracesynth fuzz harnesses (libFuzzer): shared helpers.
 *
 * Every reader takes a path, so each harness writes the input bytes to a file in
 * its own temporary directory and reads it back. Errors are the expected result
 * of most inputs; only crashes, sanitizer reports, leaks, timeouts and
 * allocations over libFuzzer's -malloc_limit_mb / -rss_limit_mb count as failures. */
#ifndef TRACESYNTH_FUZZ_H
#define TRACESYNTH_FUZZ_H

#include "tracesynth.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[512];

static void fuzz_cleanup(void)
{
    if (!fuzz_dir[0]) return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
}

/* PATH of NAME inside this process's temporary directory (made on first use) */
static const char *fuzz_path(const char *name)
{
    static char buf[4][600];
    static int k;
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/tsfuzz.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fuzz_dir, name);
    return buf[k];
}

static void fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* the reader's options the input's length picks (--comm, --exits, --events all, --cpu) and
 * its architecture: one input's length, one setting, across the text readers */
static inline ts_ctf_opts fuzz_trace_opts(size_t size, const char **arch)
{
    static const char *const arches[] = {"x86_64", "aarch64", "arm"};
    *arch = arches[size % 3];
    ts_ctf_opts o = {size % 5 == 0 ? "bash" : NULL, (int)(size & 1), size % 3 == 0 ? TS_CTF_ALL : TS_CTF_SYSCALLS,
                     size % 7 == 0 ? 1 : -1, 0, 0};
    return o;
}

/* an error must be one non-empty line */
static void fuzz_check_error(void)
{
    const char *e = ts_error();
    if (!e || !*e) {
        fprintf(stderr, "fuzz: a reader failed without an error message\n");
        abort();
    }
}

#endif
