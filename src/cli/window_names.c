/* the names file generate writes beside its windows (OUT.names.txt for OUT.txt or OUT.npy:
 * one window per line, its events' names separated by blanks; ts_windows_read_names reads
 * it): checked against --vocab, and read for the input of impute and score. */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_vocab_agrees(const char *windows, const ts_windows *w, const char *vocab_path, const ts_vocab *v)
{
    struct stat st;
    /* a pipe or FIFO is not read twice: its windows are read once, by --vocab */
    if (!windows || ts_path_is_stdin(windows) || stat(windows, &st) != 0 || (!w && !S_ISREG(st.st_mode)) ||
        S_ISDIR(st.st_mode))
        return 0;   /* (nothing is beside standard input) */
    char *p = ts_windows_names_path(windows);
    const int there = p && ts_file_exists(p);
    free(p);
    if (!there) return 0;
    /* a --vocab from a pipe or FIFO is read once, by the windows' load: checked then (v) */
    if (!v && stat(vocab_path, &st) == 0 && !S_ISREG(st.st_mode)) return 0;
    ts_windows own = {0};
    ts_vocab vv = {0}, nb;
    vv.unk = -1;
    /* IDs in the names' numbering, not checked against a range */
    if (!w && ts_windows_load(windows, -1, 0, &own)) return -1;
    if (!v && ts_vocab_read(vocab_path, &vv)) {
        ts_windows_free(&own);
        return -1;
    }
    char *np = NULL;
    size_t *nl = NULL;
    const ts_vocab *V = v ? v : &vv;
    int has = ts_windows_read_names(windows, w ? w : &own, &np, &nb, &nl), rc = has < 0 ? -1 : 0;
    for (int32_t i = 0; has > 0 && rc == 0 && i < nb.n && i < V->n; i++)
        if (nb.names[i] && strcmp(nb.names[i], "?") && strcmp(nb.names[i], V->names[i]))
            rc = ts_fail("%s: '%s' for ID %d, which %s:%zu names '%s': names in another numbering (leave out --vocab "
                         "to read those beside the windows)", vocab_path, V->names[i], (int)i, np, nl[i], nb.names[i]);
    if (has > 0) ts_vocab_free(&nb);
    free(np);
    free(nl);
    ts_vocab_free(&vv);
    ts_windows_free(&own);
    return rc;
}

int cli_vocab_agrees_read(const char *input, const ts_windows *x, const char *vocab_path, const ts_vocab *names)
{
    struct stat st;
    if (!input || !vocab_path || stat(vocab_path, &st) != 0 || S_ISREG(st.st_mode)) return 0;   /* checked before */
    return cli_vocab_agrees(input, x, vocab_path, names);
}

int cli_input_names(const char *input, const char *vocab_path, const ts_model *m, ts_windows *x, ts_vocab *names)
{
    memset(x, 0, sizeof *x);
    memset(names, 0, sizeof *names);
    names->unk = -1;
    /* --vocab names them, of the names beside them where they have some */
    if (input && vocab_path && cli_vocab_agrees(input, NULL, vocab_path, NULL)) return -1;
    if (!input || vocab_path) return 0;
    struct stat st;
    if (ts_path_is_stdin(input)) return 0;   /* nothing is beside it */
    if (stat(input, &st) != 0 || S_ISDIR(st.st_mode)) return 0;   /* ts_impute_input_load says why */
    char *p = ts_windows_names_path(input);
    const int has = p && ts_file_exists(p);
    free(p);
    if (!has) return 0;
    if (m->vocab.n <= 0) {   /* matches none: the model's IDs, never named by the vocab.tsv beside */
        if (ts_windows_load(input, -1, 0, x)) return -1;
        int rc = ts_windows_as_set(input, x);
        for (size_t i = 0; rc == 0 && i < x->n * x->len; i++)
            if (x->data[i] >= m->n_ids)
                rc = ts_fail("%s: window %zu, position %zu: event ID %d is outside the model's range [0, %d)", input,
                             i / x->len, i % x->len, x->data[i], m->n_ids);
        if (rc == 0) {   /* unused, but checked as a named model's are: refused at its line */
            char *at = NULL;
            size_t *line = NULL;
            ts_vocab unused;
            if (ts_windows_read_names(input, x, &at, &unused, &line) < 0) rc = -1;
            else ts_vocab_free(&unused);
            free(at);
            free(line);
        }
        if (rc) ts_windows_free(x);
        return rc ? -1 : 2;
    }
    /* IDs in the names' numbering, not the model's: not checked against its range */
    if (ts_windows_load(input, -1, 0, x)) return -1;
    char *at = NULL;
    size_t *line = NULL;
    int rc = ts_windows_as_set(input, x) ? -1 : ts_windows_read_names(input, x, &at, names, &line);
    free(at);
    free(line);
    if (rc == 0) {   /* gone since it was seen */
        p = ts_windows_names_path(input);
        rc = ts_fail("%s: cannot open: %s", p, strerror(ENOENT));
        free(p);
    }
    if (rc < 0) {
        ts_windows_free(x);
        return -1;
    }
    for (int32_t i = 0; i < names->n; i++)   /* IDs the windows do not hold: a name no model event has */
        if (!names->names[i]) names->names[i] = ts_strdup("?");
    /* the model's events the windows lack take the IDs after theirs: what it imputes has one */
    int32_t *to = ts_malloc((size_t)m->vocab.n * sizeof *to);
    ts_vocab_map(&m->vocab, names, to);
    for (int32_t i = 0; i < m->vocab.n; i++)
        if (to[i] < 0) {
            names->names = ts_realloc(names->names, (size_t)(names->n + 1) * sizeof *names->names);
            names->names[names->n++] = ts_strdup(m->vocab.names[i]);
        }
    free(to);
    return 1;
}

char *cli_input_names_file(const char *input, const char *vocab_path)
{
    if (vocab_path) return ts_strdup(vocab_path);
    if (!input || ts_path_is_stdin(input)) return NULL;
    char *p = ts_windows_names_path(input);
    if (p && ts_file_exists(p)) return p;
    free(p);
    return ts_vocab_for_windows(input);
}

int cli_names_arch(const char *names_path, ts_arch *arch)
{
    *arch = TS_ARCH_UNKNOWN;
    if (!names_path || ts_path_is_stdin(names_path)) return 0;
    char *tmp = ts_strdup(names_path);
    const int bad = ts_dataset_arch(dirname(tmp), arch);
    free(tmp);
    return bad ? -1 : 0;
}

void cli_input_error_place(const char *input, int named, const char *vocab_path)
{
    size_t w, pos;
    int at = 0;
    if (!input || sscanf(ts_error(), "window %zu, position %zu: %n", &w, &pos, &at) != 2 || at == 0) return;
    struct stat st;
    const int dir = stat(input, &st) == 0 && S_ISDIR(st.st_mode);
    static const char gen[] = "the input's vocabulary";
    const char *g = strstr(ts_error(), gen);
    char *v = !g ? NULL : named ? ts_windows_names_path(input) : vocab_path ? ts_strdup(vocab_path)
            : dir ? ts_path_join(input, "vocab.tsv") : ts_vocab_for_windows(input);
    char *msg = ts_strdup(ts_error());
    if (v) {   /* the file that names the input's events */
        msg = ts_realloc(msg, strlen(msg) + strlen(v) + 1);
        char *q = msg + (g - ts_error());
        memmove(q + strlen(v), q + strlen(gen), strlen(q + strlen(gen)) + 1);
        memcpy(q, v, strlen(v));
    }
    if (named) {   /* one line a window: the line of the names file, the position in it */
        char *p = ts_windows_names_path(input);
        ts_fail("%s:%zu: position %zu: %s", p, w + 1, pos, msg + at);
        free(p);
    } else {
        ts_fail("%s: %s%s", input, dir ? "test part: " : "", msg);
    }
    free(msg);
    free(v);
}

void cli_input_names_unused(const char *cmd, const char *input, const char *vocab_path, const ts_vocab *names,
                            const ts_model *m, const char *model_path)
{
    struct stat st;
    if (!input || m->vocab.n > 0 || stat(input, &st) != 0) return;
    const int dir = S_ISDIR(st.st_mode);
    char *p = NULL;
    if (vocab_path) {
        p = ts_strdup(vocab_path);
    } else if (dir) {   /* a dataset's vocab.tsv, when it was read */
        if (names->n > 0) p = ts_path_join(input, "vocab.tsv");
    } else if (!ts_path_is_stdin(input)) {   /* nothing is beside standard input */
        p = ts_windows_names_path(input);
        if ((!p || !ts_file_exists(p)) && names->n > 0) {   /* else the vocab.tsv beside it was read */
            free(p);
            p = ts_vocab_for_windows(input);
        }
    }
    if (p && ts_file_exists(p))
        cli_say(stderr, "tracesynth: note: %s: %s names the events of %s, but %s has no event names: its IDs are "
                "read in the model's numbering\n", cmd, cli_input_name(p), cli_input_name(input), model_path);
    free(p);
}

void cli_input_unnamed(const char *cmd, const char *input, const ts_vocab *names, const ts_model *m)
{
    if (m->vocab.n == 0 || names->n > 0) return;
    /* standard input by any of its names (/dev/stdin, /dev/fd/0, as '-' is): a stream, named
     * so; one that is a directory (< DIR) is a dataset read through that path */
    struct stat st;
    const int stream = ts_path_is_stdin(input) && !(fstat(STDIN_FILENO, &st) == 0 && S_ISDIR(st.st_mode));
    cli_say(stderr, "tracesynth: note: %s: %s has no vocab.tsv; its IDs are read in the model's numbering (--vocab "
            "FILE matches them by name)\n", cmd, stream ? "standard input" : cli_input_name(input));
}
