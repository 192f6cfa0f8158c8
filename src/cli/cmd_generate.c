/* tracesynth generate: synthesize windows with a trained model. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tracesynth generate MODEL -n N [--length L] -o OUT [OPTIONS]\n\n"
            "Synthesize N windows of L events.\n\n"
            "  -n, --count N          windows to generate\n"
            "  --length L             events per window (default: the model's)\n"
            "  --seed S               seed: the same seed gives the same windows (default 0)\n"
            "  -o, --output OUT       OUT.txt (window file), OUT.npy (int32, N x L);\n"
            "                         with named events also OUT.names.txt\n"
            "  --format F             text, npy or both (default text)\n"
            "  --batch B, --steps S   batch size and sampling steps (model default)\n"
            "  --threads N            threads (default: all cores)\n"
            "  --no-progress          no progress bar\n\n"
            "Other --KEY VALUE pairs are options of the model.\n");
}

/* one window per line, event names separated by spaces */
static int write_names(const char *path, const ts_windows *w, const ts_vocab *v)
{
    ts_outfile o;
    if (ts_out_open(&o, path)) return -1;
    for (size_t i = 0; i < w->n; i++)
        for (size_t t = 0; t < w->len; t++) {
            int32_t id = w->data[i * w->len + t];
            fputs(id < v->n ? v->names[id] : "?", o.f);
            fputc(t + 1 < w->len ? ' ' : '\n', o.f);
        }
    if (ferror(o.f)) {
        ts_out_abort(&o);
        return ts_fail("%s: write failed: %s", path, strerror(errno));
    }
    return ts_out_commit(&o);
}

int cmd_generate(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    const char *C = "generate";
    const char *model_path = NULL, *out = NULL, *format = "text";
    long n = 0, L = 0, seed = 0, batch = 0, steps = 0, threads = 0;
    int progress = 1;
    const char **keys = ts_calloc((size_t)argc, sizeof *keys), **vals = ts_calloc((size_t)argc, sizeof *vals);
    int nkv = 0, rc = 2;
    ts_model *m = NULL;
    ts_windows w = {0};
    char *base = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || !a[1]) {
            if (model_path) { cli_usage_error(C, "more than one MODEL ('%s', '%s')", model_path, a); goto done; }
            model_path = a;
            continue;
        }
        if (!strcmp(a, "--no-progress")) { progress = 0; continue; }
        if (!v) { cli_usage_error(C, "%s needs a value", a); goto done; }
        i++;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) out = v;
        else if (!strcmp(a, "--format")) format = v;
        else if (!strcmp(a, "-n") || !strcmp(a, "--count")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &n)) goto done; }
        else if (!strcmp(a, "--length")) { if (cli_parse_long(C, a, v, 1, 1 << 24, &L)) goto done; }
        else if (cli_is_run_option(a)) { if (cli_run_option(C, a, v, &seed, &batch, &steps, &threads)) goto done; }
        else if (a[1] == '-' && a[2]) { keys[nkv] = a + 2; vals[nkv++] = v; }
        else { cli_usage_error(C, "unknown option '%s'", a); goto done; }
    }
    if (!model_path) { cli_usage_error(C, "no MODEL given"); goto done; }
    if (!n) { cli_usage_error(C, "-n N is required"); goto done; }
    if (!out) { cli_usage_error(C, "-o OUT is required"); goto done; }
    int text = !strcmp(format, "text") || !strcmp(format, "both");
    int npy = !strcmp(format, "npy") || !strcmp(format, "both");
    if (!text && !npy) { cli_usage_error(C, "--format expects text, npy or both, got '%s'", format); goto done; }
    if ((double)n * (L ? L : 1) > 2e9) { cli_usage_error(C, "%ld windows of %ld events are too many", n, L); goto done; }
    if (threads) ts_set_threads((int)threads);
    rc = 1;
    if (ts_model_load(model_path, &m)) { cli_fail(); goto done; }
    if (!L) {
        if (!m->len) { rc = cli_usage_error(C, "--length is required: the model takes any window length"); goto done; }
        L = (long)m->len;
    }
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.seed = (uint64_t)seed;
    ro.batch = (size_t)batch;
    ro.steps = (int)steps;
    ro.progress = progress;
    ro.kv = (ts_kv){nkv, keys, vals};
    double t0 = ts_now();
    if (ts_model_generate(m, (size_t)n, (size_t)L, &ro, &w)) { cli_fail(); goto done; }
    double dt = ts_now() - t0;

    /* OUT may be given with its extension */
    base = ts_strdup(out);
    size_t bl = strlen(base);
    if (bl > 4 && (!strcmp(base + bl - 4, ".txt") || !strcmp(base + bl - 4, ".npy"))) base[bl - 4] = 0;
    path = ts_malloc(strlen(base) + 16);
    printf("%s: generated %ld windows of %ld events in %.2f s (seed %ld) ->", m->ops->name, n, L, dt, seed);
    if (text) {
        sprintf(path, "%s.txt", base);
        if (ts_windows_write(path, &w)) { printf("\n"); cli_fail(); goto done; }
        printf(" %s", path);
    }
    if (npy) {
        sprintf(path, "%s.npy", base);
        size_t shape[2] = {w.n, w.len};
        if (ts_npy_write(path, TS_NPY_I32, w.data, 2, shape)) { printf("\n"); cli_fail(); goto done; }
        printf(" %s", path);
    }
    if (m->vocab.n > 0) {
        sprintf(path, "%s.names.txt", base);
        if (write_names(path, &w, &m->vocab)) { printf("\n"); cli_fail(); goto done; }
        printf(" %s", path);
    }
    printf("\n");
    rc = 0;
done:
    free(base);
    free(path);
    ts_windows_free(&w);
    ts_model_free(m);
    free(keys);
    free(vals);
    return rc;
}
