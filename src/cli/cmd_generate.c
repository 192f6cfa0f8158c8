/* tracesynth generate: synthesize windows with a trained model. */
#include "cli.h"
#include "tracesynth/mc_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_windows_fit(size_t n, size_t L, size_t per_event)
{
    char what[96];
    snprintf(what, sizeof what, "-n %zu windows of %zu events", n, L);
    return ts_memory_fits(n * L * per_event, what, "fewer -n or a shorter --length");
}

/* ---- the files an earlier run wrote: recognised by their form, as generate writes them
 * (window files and names files have no header to mark them) ---- */

/* a regular file (by any link) opened for reading, or NULL: a FIFO or device is not opened */
static FILE *open_regular(const char *path, struct stat *st)
{
    if (stat(path, st) != 0 || !S_ISREG(st->st_mode)) return NULL;
    return fopen(path, "rb");
}

/* 1 when path holds lines of `sep`-separated items, each line ending in a newline, all with
 * one count of items (none empty), and nothing else: *n lines of *len items. Items are
 * decimal IDs (ids) or names (no blank, tab, carriage return or NUL in them) */
static int lines_form(const char *path, int ids, char sep, size_t *n, size_t *len)
{
    struct stat st;
    FILE *f = open_regular(path, &st);
    if (!f) return 0;
    size_t lines = 0, items = 0, item_len = 0, want = 0;
    int ok = 1, c, last = '\n';
    while (ok && (c = getc(f)) != EOF) {
        last = c;
        if (c == '\n' || c == sep) {
            ok = item_len > 0;
            items++;
            item_len = 0;
            if (c == '\n') {
                if (lines++ == 0) want = items;
                ok = ok && items == want;
                items = 0;
            }
        } else if (ids ? c >= '0' && c <= '9' : c != ' ' && c != '\t' && c != '\r' && c != 0) {
            item_len++;
        } else
            ok = 0;
    }
    ok = ok && !ferror(f) && lines > 0 && last == '\n';
    fclose(f);
    if (ok) *n = lines, *len = want;
    return ok;
}

/* 1 when path is an .npy as generate writes it: int32, N x L (format 1.0, its header's
 * words), the data the shape says and nothing after it */
static int npy_form(const char *path, size_t *n, size_t *len)
{
    struct stat st;
    FILE *f = open_regular(path, &st);
    if (!f) return 0;
    unsigned char pre[10];
    char h[256];
    int ok = fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY\x01\x00", 8);
    const size_t hl = ok ? (size_t)pre[8] | (size_t)pre[9] << 8 : 0;
    ok = ok && hl < sizeof h && fread(h, 1, hl, f) == hl;
    fclose(f);
    if (!ok) return 0;
    h[hl] = 0;
    static const char head[] = "{'descr': '<i4', 'fortran_order': False, 'shape': (";
    unsigned long long a, b;
    int end = 0;
    if (strncmp(h, head, sizeof head - 1) ||
        sscanf(h + sizeof head - 1, "%llu, %llu), }%n", &a, &b, &end) != 2 || !end)
        return 0;
    for (size_t i = sizeof head - 1 + (size_t)end; i + 1 < hl; i++)
        if (h[i] != ' ') return 0;
    if (h[hl - 1] != '\n' || a == 0 || b == 0 || a > (1ull << 40) / b) return 0;
    if ((unsigned long long)st.st_size != 10 + hl + 4 * a * b) return 0;
    *n = (size_t)a, *len = (size_t)b;
    return 1;
}

/* 1 when the file base+files[i] is one an earlier run of generate wrote: a window file, an
 * int32 N x L .npy, or a names file of the windows of OUT.txt or OUT.npy as they are before
 * this run (it was written with them), or of as many windows as long as this run writes
 * (nw x lw: a reader of OUT would take it for their names) */
static int earlier_output(const char *base, int i, size_t nw, size_t lw)
{
    static const char *const sfx[3] = {".txt", ".npy", ".names.txt"};
    char *p = ts_malloc(strlen(base) + 16);
    size_t n, len, wn, wl;
    int yes = 0;
    if (i == 0) {
        sprintf(p, "%s.txt", base);
        yes = lines_form(p, 1, ',', &n, &len);
    } else if (i == 1) {
        sprintf(p, "%s.npy", base);
        yes = npy_form(p, &n, &len);
    } else {
        sprintf(p, "%s%s", base, sfx[2]);
        if (lines_form(p, 0, ' ', &n, &len)) {
            yes = n == nw && len == lw;
            sprintf(p, "%s.txt", base);
            yes = yes || (lines_form(p, 1, ',', &wn, &wl) && wn == n && wl == len);
            sprintf(p, "%s.npy", base);
            yes = yes || (npy_form(p, &wn, &wl) && wn == n && wl == len);
        }
    }
    free(p);
    return yes;
}

/* 1 when the item is a decimal number */
static int decimal(const char *t)
{
    if (!*t) return 0;
    for (; *t; t++)
        if (*t < '0' || *t > '9') return 0;
    return 1;
}

/* --prefix FILE: one line of events in m's numbering, *ids (malloc'd), *P of them: names
 * separated by blanks (a line of a names file, as generate and impute write them) where m
 * names its events, or IDs separated by commas or blanks (a line of a window file; a line
 * of numbers only, none of them one of m's names). 0 / -1 + error naming the file, its
 * line and the event */
static int prefix_read(const char *path, const ts_model *m, const char *model_path, int32_t **ids, size_t *P)
{
    *ids = NULL;
    *P = 0;
    const char *shown = cli_input_name(path);
    struct stat st;
    if (!ts_path_is_stdin(path) && stat(path, &st) != 0) return ts_fail_path(path, "no such file or directory");
    if (!ts_path_is_stdin(path) && S_ISDIR(st.st_mode))
        return ts_fail("%s: is a directory; --prefix is a file of one line of events", path);
    FILE *f = fopen(path, "r");
    if (!f) return ts_fail("%s: cannot open: %s", shown, strerror(errno));
    char *line = NULL, *text = NULL;
    size_t cap = 0, at = 0, text_at = 0;
    ssize_t got;
    int rc = 0;
    while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
        at++;
        size_t l = (size_t)got;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
        if (strlen(line) != l) rc = ts_fail("%s: line %zu: a NUL byte; --prefix is a text file", shown, at);
        else if (strspn(line, " \t,") == l) continue;   /* a blank line */
        else if (text) rc = ts_fail("%s: line %zu: a second line of events; --prefix is one line", shown, at);
        else text = ts_strdup(line), text_at = at;
    }
    if (ferror(f) && rc == 0) rc = ts_fail("%s: cannot read: %s", shown, strerror(errno));
    fclose(f);
    free(line);
    if (rc == 0 && !text) rc = ts_fail("%s: empty: a prefix holds one event or more", shown);
    if (rc) { free(text); return -1; }
    /* one pass over the items between blanks, each read both ways: as a name (names are
     * split at blanks alone: a name may hold a comma, as a vocabulary's may) and as the
     * IDs between its commas. The line is IDs where every one of those is a decimal number
     * and no item (nor part between commas) is one of m's names; the first item that is
     * not what the line is read as is the error, and a line of numbers but one, which
     * names no event, is taken as meant for IDs: that one is the error */
    const ts_vocab *v = &m->vocab;
    size_t nn = 0, ni = 0, room_n = 16, room_i = 16, bad_name_at = 0, bad_id_at = 0;
    int32_t *by_name = ts_malloc(room_n * sizeof *by_name), *by_id = ts_malloc(room_i * sizeof *by_id);
    char *bad_name = NULL;          /* a copy: reading its IDs cuts it at its first comma */
    const char *bad_id = NULL, *not_id = NULL;   /* not_id: the part that is no decimal number */
    size_t not_id_at = 0;
    int as_ids = 1, named_any = 0;
    for (char *save = NULL, *t = strtok_r(text, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        const int32_t id = v->n > 0 ? ts_vocab_lookup(v, t) : -1;
        const int named = id >= 0 && id < v->n && !strcmp(v->names[id], t);
        if (named) as_ids = 0, named_any = 1;
        if (nn == room_n) by_name = ts_realloc(by_name, (room_n *= 2) * sizeof *by_name);
        if (named && id < m->n_ids) by_name[nn] = id;
        else if (!bad_name) bad_name = ts_strdup(t), bad_name_at = nn + 1;
        nn++;
        for (char *cs = NULL, *u = as_ids ? strtok_r(t, ",", &cs) : NULL; u; u = strtok_r(NULL, ",", &cs)) {
            const int32_t uid = v->n > 0 ? ts_vocab_lookup(v, u) : -1;
            const int part_named = uid >= 0 && uid < v->n && !strcmp(v->names[uid], u);
            as_ids = decimal(u) && !part_named;
            if (!as_ids) {
                if (part_named) named_any = 1;
                else not_id = u, not_id_at = ni + 1;
                break;
            }
            if (ni == room_i) by_id = ts_realloc(by_id, (room_i *= 2) * sizeof *by_id);
            errno = 0;
            const unsigned long long x = strtoull(u, NULL, 10);
            if (errno || x >= (unsigned long long)m->n_ids) {
                if (!bad_id) bad_id = u, bad_id_at = ni + 1;
            } else {
                by_id[ni] = (int32_t)x;
            }
            ni++;
        }
    }
    if (as_ids && bad_id)
        rc = ts_fail("%s: line %zu, event %zu: ID %s is outside the model's range [0, %d)", shown, text_at, bad_id_at,
                     bad_id, m->n_ids);
    else if (!as_ids && bad_name && !named_any && not_id && ni > 0 && v->n == 0)
        rc = ts_fail("%s: line %zu, event %zu: '%s' is no ID, and the model %s names no events: give its IDs", shown,
                     text_at, not_id_at, not_id, model_path);
    else if (!as_ids && bad_name && !named_any && not_id && ni > 0)
        rc = ts_fail("%s: line %zu, event %zu: '%s' is neither an ID in [0, %d) nor an event the model %s names", shown,
                     text_at, not_id_at, not_id, m->n_ids, model_path);
    else if (!as_ids && bad_name && v->n == 0)
        rc = ts_fail("%s: line %zu, event %zu: '%s' is no ID, and the model %s names no events: give its IDs", shown,
                     text_at, bad_name_at, bad_name, model_path);
    else if (!as_ids && bad_name)
        rc = ts_fail("%s: line %zu, event %zu: '%s' is no event the model %s names", shown, text_at, bad_name_at,
                     bad_name, model_path);
    int32_t *out = as_ids ? by_id : by_name;
    const size_t n = as_ids ? ni : nn;
    free(as_ids ? by_name : by_id);
    free(bad_name);
    free(text);
    if (rc) { free(out); return -1; }
    *ids = out;
    *P = n;
    return 0;
}

int cmd_generate(int argc, char **argv)
{
    const char *C = "generate";
    static const char *const formats[] = {"text", "npy", "both", NULL};
    static const char *const draws[] = {"type", "pair", NULL};
    const char *out = NULL, *chfrom = NULL, *prefix_path = NULL;
    int format = 0, draw = TS_DRAW_PAIR;
    long n = 0, L = 0;
    size_t crop = 0;
    int permille[3] = {0, 0, 0};   /* --fractions; not given: the event model's split */
    cli_run run = CLI_RUN_DEFAULTS;
    const ts_option opts[] = {
        TS_OPT_LONG_F_('n', "count", &n, "N", 1, 1 << 24, TS_OPT_REQUIRED, "windows to generate"),
        TS_OPT_LONG_(0, "length", &L, "L", 1, 1 << 24, "events per window (required but with sssd-s4,\n"
                     "diffwave, csdi-s4 or sssd-sa: its own)"),
        TS_OPT_STR_F_('o', "output", &out, "OUT", TS_OPT_REQUIRED, "OUT.txt (window file), OUT.npy (int32, N x L);\n"
                    "with named events also OUT.names.txt; replaced together\n"
                    "(links must lead into one folder); any of the three an\n"
                    "earlier run left that this run does not write is\n"
                    "removed with them, also beside an OUT that links into\n"
                    "another folder; a file of such a name not of the form\n"
                    "generate writes is kept, with a warning, and so is the\n"
                    "model read; one of the three that is a dataset's or a\n"
                    "split's own file (DS/stream.txt of -o DS/stream or\n"
                    "beside -o DS/stream.npy, SPLIT/train_stream.txt) is an\n"
                    "error before the work; a device or FIFO (-o\n"
                    "/dev/stdout; '-': standard output, the summary then on\n"
                    "stderr): written in place, one format, no names file\n"
                    "(an earlier run's beside it, OUT.names.txt for\n"
                    "OUT.txt, removed); an OUT ending in '/' (a folder) is\n"
                    "an error before the work, and so is an extension alone\n"
                    "(-o .npy: no stem);\n"
                    "a multi-channel model, or any with --channels-from: the\n"
                    "dataset directory OUT (N L events; not '-', nor\n"
                    "DATASET itself); an OUT holding a dataset that is no\n"
                    "set of windows (stream.txt, no length file) with its\n"
                    "times (time_ns.npy) or no Δt (dt.npy), as ingest writes\n"
                    "one, is an error before the work; one that markov,\n"
                    "repair, generate or impute wrote (OUT/derived marks\n"
                    "it) is replaced; an OUT that is a dataset's or a\n"
                    "split's own file, there or not yet, or a split's\n"
                    "folder (split.txt: its vocab.tsv and arch would\n"
                    "go), is an error before the work too"),
        TS_OPT_STR_(0, "prefix", &prefix_path, "FILE",
                    "every window begins with the P events of FILE (P below\n"
                    "L; '-': standard input) and goes on with the model's\n"
                    "draws, the seed making it reproducible: ngram, unigram\n"
                    "and lstm by their generation's sampler given them (the\n"
                    "chain from the prefix's last events; independent\n"
                    "draws; the network run over the prefix, then sampling\n"
                    "at --temperature); mdm, sssd-s4, diffwave, csdi-s4 and\n"
                    "sssd-sa by their imputation of the rest given them,\n"
                    "sampled as generation samples (mdm: --temperature 1,\n"
                    "--order random unless given). FILE is one line: event\n"
                    "names separated by blanks (a line of OUT.names.txt),\n"
                    "or IDs separated by commas or blanks (a line of\n"
                    "OUT.txt; a line of numbers none of which the model\n"
                    "names). A single-channel model only"),
        TS_OPT_CHOICE_(0, "format", &format, "F", formats, "text, npy or both (default: npy when OUT ends\n"
                       "in .npy, else text; one that OUT's .txt or .npy\n"
                       "contradicts is an error)"),
        TS_OPT_STR_(0, "channels-from", &chfrom, "DATASET",
                    "a single-channel model as the event channel of a multi-\n"
                    "channel trace: its events (every name it has must be\n"
                    "one of DATASET's), the other channels of DATASET\n"
                    "(ingest --channels) drawn for them from its training\n"
                    "part (that of the split MODEL was trained on, which it\n"
                    "records, unless --fractions; else the first 70 %); OUT\n"
                    "is then a multi-channel dataset directory (see -o)"),
        TS_OPT_CHOICE_(0, "draw", &draw, "type|pair", draws,
                       "with --channels-from: pair (default): every channel\n"
                       "copied from one training event with the same (previous\n"
                       "event, event), else the same event (a set of windows,\n"
                       "DIR/length: pairs within its windows); type: each\n"
                       "channel on its own from the event type's counts (as\n"
                       "'tracesynth markov')"),
        TS_OPT_SIZE_(0, "crop", &crop, "C", 0, 1 << 20,
                     "with --channels-from: windows longer than C events\n"
                     "drawn crop by crop, each next C/2 events imputed after\n"
                     "the C/2 before them (lstm, ngram, unigram, whose\n"
                     "imputation draws nothing: drawn by their generation\n"
                     "after them, at --temperature or its default) (default\n"
                     "0: the whole window in one pass; an mdm's --sampler\n"
                     "chain draws left to right with its own crop: always one\n"
                     "pass)"),
        TS_OPT_CB_(0, "fractions", permille, "A,B,C", cli_opt_fractions,
                   "with --channels-from: time split shares of DATASET\n"
                   "(training, validation, testing): the channels are drawn\n"
                   "from its training part (default: the split MODEL\n"
                   "records)"),
        CLI_RUN_OPTIONS(&run),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth generate MODEL -n N [--length L] -o OUT [OPTIONS]",
        "Synthesize N windows of L events (with --prefix, each continuing given events);\n"
        "the same seed gives the same windows.\n",
        opts, 1, 1, "MODEL", 1, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    ts_model *m = NULL;
    ts_windows w = {0};
    char *base = NULL, *path = NULL, *stale = NULL;
    int32_t *pre = NULL;   /* --prefix's events, P of them */
    size_t P = 0;
    if (rc) { rc = rc == 1 ? 0 : rc; goto done; }
    if ((rc = cli_model_file(C, args.pos[0])) ||
        (rc = cli_model_keys_no_stdin(C, &args)) ||
        (rc = cli_dir_no_stdin(C, "--channels-from", chfrom, "a dataset is a directory")) ||
        (rc = cli_stdin_input(C, "--prefix", &prefix_path)))
        goto done;
    rc = 2;
    const char *model_path = args.pos[0];
    /* '-' is standard output, as for export, drop and fill; a dataset directory cannot go there */
    int to_stdout = 0;
    if (!strcmp(out, "-")) {
        int dir_out = chfrom ? 1 : ts_mc_model_is(model_path);
        if (dir_out < 0) { rc = 1; cli_fail(); goto done; }
        to_stdout = cli_output_stdout(C, &out, dir_out, "a multi-channel output is a dataset directory, not standard "
                                      "output; name a directory");
        if (to_stdout == 2) goto done;
    }
    /* OUT may be given with its extension: it says the format (OUT.npy wrote OUT.txt) */
    size_t ol = strlen(out);
    int ext = ol >= 4 && !strcmp(out + ol - 4, ".txt") ? 0 : ol >= 4 && !strcmp(out + ol - 4, ".npy") ? 1 : -1;
    if (ext >= 0 && !ts_opt_given(&args, &format)) format = ext;
    else if (ext >= 0 && format != 2 && format != ext) {
        cli_usage_error(C, "--format %s: the output %s is named as %s file", formats[format], out, ext ? "an .npy" : "a .txt");
        goto done;
    }
    /* a device, a FIFO or standard output is written in place: one file, no extension */
    const int stream = ts_out_is_stream(out);
    if (stream && format == 2) {
        cli_usage_error(C, "--format both: %s is a device or pipe, written in place, which takes one format",
                        cli_output_name(out, to_stdout));
        goto done;
    }
    int text = format != 1, npy = format != 0;
    if ((double)n * (L ? L : 1) > 2e9) { cli_usage_error(C, "%ld windows of %ld events are too many", n, L); goto done; }
    rc = 1;
    int mc = ts_mc_model_is(model_path);
    if (mc < 0) { cli_fail(); goto done; }
    if (!chfrom && (ts_opt_given(&args, &crop) || ts_opt_given(&args, &draw) || ts_opt_given(&args, permille))) {
        rc = cli_usage_error(C, "--draw, --crop and --fractions go with --channels-from");
        goto done;
    }
    if (mc && chfrom) { rc = cli_usage_error(C, "--channels-from is for a single-channel model; %s has channels", model_path); goto done; }
    if (prefix_path && (mc || chfrom)) {
        rc = cli_usage_error(C, "--prefix is for a single-channel model's windows, %s", mc ? "not a multi-channel model"
                                                                                         : "not --channels-from");
        goto done;
    }
    if ((mc || chfrom) && ts_opt_given(&args, &format)) {   /* a dataset directory has one format */
        rc = cli_usage_error(C, "--format is for window files; a multi-channel output is a dataset directory");
        goto done;
    }
    if ((mc || chfrom) && stream) {
        rc = cli_usage_error(C, "%s is a device or pipe; a multi-channel output is a dataset directory", out);
        goto done;
    }
    if (chfrom) {   /* a single-channel model's events, the other channels drawn */
        /* OUT's files are replaced: the dataset drawn from would be lost */
        if (ts_same_file(chfrom, out)) {
            ts_fail("%s: the output would replace the dataset %s", out, chfrom);
            cli_fail();
            goto done;
        }
        /* the dataset directory refused now, not after the windows are generated */
        if (mc_out_check(out, "OUT", &chfrom, 1)) { cli_fail(); goto done; }
        ts_run_opts mro;
        cli_run_apply(&run, &args, &mro);
        rc = generate_events_channels(model_path, chfrom, ts_opt_given(&args, permille) ? permille : NULL, draw, crop,
                                      (size_t)n, (size_t)L, out, &mro);
        goto done;
    }
    if (mc) {   /* a multi-channel model writes a multi-channel dataset directory */
        if (mc_out_check(out, "OUT", NULL, 0)) { cli_fail(); goto done; }
        ts_run_opts mro;
        cli_run_apply(&run, &args, &mro);
        rc = generate_channels(model_path, (size_t)n, (size_t)L, out, &mro);
        goto done;
    }
    if (ts_model_load(model_path, &m)) { cli_fail(); goto done; }
    ts_run_opts ro;
    cli_run_apply(&run, &args, &ro);
    ro.seed_given = ts_opt_given(&args, &run.seed);
    /* the model's run options (its own --KEY VALUE, a seed its decoding draws nothing by):
     * refused as usage errors, as impute's, before any output is checked or written */
    /* after a prefix: its generation's where it generates after one, else its imputation's
     * (a model whose imputation draws nothing refused) */
    int (*const check)(const ts_model *, const ts_run_opts *) = prefix_path ? ts_model_prefix_check
                                                                            : ts_model_generate_check;
    if ((rc = cli_run_check(C, m, &ro, check))) goto done;
    /* a decoding that would refuse a seed (lstm's and mdm's --temperature 0) draws nothing:
     * its line names no seed */
    ts_run_opts seeded = ro;
    seeded.seed_given = 1;
    const int drawn = !ts_model_seed_refused(m, &seeded, check);
    ts_clear_error();
    rc = 1;
    if (!L) {
        if (!m->len) { rc = cli_usage_error(C, "--length is required: the model takes any window length"); goto done; }
        L = (long)m->len;
        /* the bound above, now that the model has given the length */
        if ((double)n * L > 2e9) { rc = cli_usage_error(C, "%ld windows of %ld events are too many", n, L); goto done; }
    }
    if (cli_windows_fit((size_t)n, (size_t)L, sizeof(int32_t))) { cli_fail(); goto done; }
    /* the prefix read and checked before any output is */
    if (prefix_path) {
        if (prefix_read(prefix_path, m, model_path, &pre, &P)) { cli_fail(); goto done; }
        if (P >= (size_t)L) {
            ts_fail("%s: a prefix of %zu event%s leaves nothing to draw in windows of %ld (--length)",
                    cli_input_name(prefix_path), P, ts_plural(P), L);
            cli_fail();
            goto done;
        }
    }
    base = ts_strdup(out);
    if (ext >= 0 && !stream) base[ol - 4] = 0;
    /* OUT is the stem of the files: "DIR/" would write DIR/.txt, a hidden file, not a set
     * of windows named by OUT */
    const size_t bl = strlen(base);
    if (!stream && bl > 0 && base[bl - 1] == '/' && ext < 0) {
        ts_fail("%s: names a directory (the '/' at its end); the windows are written to OUT.txt or OUT.npy, a "
                "file each (name OUT without the '/')", out);
        cli_fail();
        goto done;
    }
    /* "-o .npy" (or "DIR/.npy"): the extension alone, no stem; the windows would go to the
     * hidden file .txt or .npy, their names to .names.txt */
    if (!stream && (bl == 0 || base[bl - 1] == '/')) {
        ts_fail("%s: an extension alone, no stem; the windows are written to OUT.txt or OUT.npy (name OUT, as "
                "%sout%s)", out, base, out + bl);
        cli_fail();
        goto done;
    }
    path = ts_malloc(strlen(base) + 16);
    /* every output can be written, checked before generating: a wrong one fails
     * without a file of the set written and without the work done */
    static const char *const files[3] = {".txt", ".npy", ".names.txt"}, *const in_place[3] = {"", "", ""};
    const char *const *sfx = stream ? in_place : files;
    const int want[3] = {text, npy, m->vocab.n > 0 && !stream};
    for (int i = 0; i < 3; i++) {
        if (!want[i]) continue;
        sprintf(path, "%s%s", base, sfx[i]);
        /* a model named like a window or names file: the windows would replace it */
        if (ts_same_file(path, model_path)) {
            ts_fail("%s: the output would replace the model %s", path, model_path);
            cli_fail();
            goto done;
        }
        /* a dataset's or a split's own file (-o DS/stream, --format both: DS/stream.txt, the
         * dataset's events) is no window file of OUT's; nor where a link leads (written
         * there, the link kept) */
        if (!stream && (cli_output_not_dataset(path, "-o", out, "OUT", NULL, 0) ||
                        cli_output_not_in_trace(path, 0, "-o", out, "OUT"))) {
            cli_fail();
            goto done;
        }
        if (ts_out_check(path)) { cli_fail(); goto done; }
    }
    /* OUT's files of the formats not written now go with the set (below) where an earlier
     * run of generate wrote them (told by their form, before the set replaces any); one
     * that is a directory would be refused there, after the work */
    int earlier[3] = {0, 0, 0}, present[3] = {0, 0, 0};
    /* written in place (a FIFO, a device), OUT has no files of other formats; names an
     * earlier run left beside it (OUT.names.txt for OUT.txt) would be read as the new
     * windows' (any in the form of a names file: the old windows are gone) */
    stale = stream && !to_stdout ? ts_windows_names_path(out) : NULL;
    for (int i = 0; i < 3; i++) {
        struct stat st;
        if (stream && (i != 2 || !stale)) continue;
        if (stream) strcpy(path, stale);   /* (as long as base + 16) */
        else sprintf(path, "%s%s", base, files[i]);
        if (want[i] || lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            ts_fail("%s: is a directory, where a file of an earlier set is removed; remove or rename it", path);
            cli_fail();
            goto done;
        }
        /* a dataset's own file (-o DS/stream.npy beside DS/stream.txt) is no earlier run's */
        const char *what;
        char *ds = cli_dataset_holding(path, &what);
        if (ds) {
            ts_fail("%s: a file of the %s %s, which -o %s would remove as an earlier run's other format; "
                    "give another OUT", path, what, ds, out);
            free(ds);
            cli_fail();
            goto done;
        }
        present[i] = 1;
        size_t on, ol2;
        earlier[i] = stream ? lines_form(path, 0, ' ', &on, &ol2) : earlier_output(base, i, (size_t)n, (size_t)L);
    }
    /* the files replaced together: a failure or a signal leaves the old set whole, never
     * new windows beside old ones */
    char *paths[3];
    int np = 0, which[3];
    for (int i = 0; i < 3; i++)
        if (want[i]) {
            paths[np] = ts_malloc(strlen(base) + 16);
            sprintf(paths[np], "%s%s", base, sfx[i]);
            which[np++] = i;
        }
    ts_out_set set;
    int open_rc = ts_out_set_open(&set, (const char *const *)paths, np);
    for (int k = 0; k < np; k++) free(paths[k]);
    if (open_rc) { cli_fail(); goto done; }
    double t0 = ts_now();
    if (pre ? ts_model_generate_prefix(m, pre, P, (size_t)n, (size_t)L, &ro, &w)
            : ts_model_generate(m, (size_t)n, (size_t)L, &ro, &w)) {
        ts_out_set_abort(&set);
        rc = cli_run_failed(C);   /* an option the model refused as it ran: a usage error */
        goto done;
    }
    double dt = ts_now() - t0;

    for (int k = 0; k < np; k++) {
        const int i = which[k];
        const char *at = ts_out_set_path(&set, k);
        size_t shape[2] = {w.n, w.len};
        if (i == 0 ? ts_windows_write(at, &w)
            : i == 1 ? ts_npy_write(at, TS_NPY_I32, w.data, 2, shape)
                     : ts_windows_write_names(at, &w, &m->vocab)) { ts_out_set_abort(&set); cli_fail(); goto done; }
    }
    /* OUT's files are the ones written now: those of another format or names an earlier
     * run left beside them go with the set (eval and markov --from-events read OUT.names.txt
     * as the names of OUT's windows, and an old OUT.txt beside a new OUT.npy would be read
     * with the new names) */
    char *gone[3];
    int ngone = 0, kept[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++)
        if (!want[i] && present[i]) {
            gone[ngone] = ts_malloc(strlen(base) + 16);
            if (stream) strcpy(gone[ngone], stale);
            else sprintf(gone[ngone], "%s%s", base, files[i]);
            /* the model read, named as one of them, is no earlier set's file: it stays; a
             * file generate does not write (a user's notes named OUT.txt) stays too, said */
            if (ts_same_file(gone[ngone], model_path) == 1 || !earlier[i]) {
                kept[i] = !earlier[i] && ts_same_file(gone[ngone], model_path) != 1;
                free(gone[ngone]);
            } else
                ngone++;
        }
    const int commit_rc = ts_out_set_commit_removing(&set, (const char *const *)gone, ngone);
    /* one still there lies beside OUT, a link into another folder, whose set went there:
     * it is what a reader of OUT finds beside it, and goes now (after the set) */
    int went[3] = {0, 0, 0};
    for (int k = 0; k < ngone && commit_rc == 0; k++) {
        struct stat st;
        went[k] = lstat(gone[k], &st) != 0 || unlink(gone[k]) == 0;
        if (!went[k])
            cli_say(stderr, "tracesynth: warning: generate: %s: an earlier run's file, not removed: %s\n", gone[k],
                    strerror(errno));
    }
    FILE *msg = cli_msg_stream(out);   /* not into the windows on standard output */
    if (commit_rc == 0) {
        fprintf(msg, "%s: generated %ld window%s of %ld event%s", m->ops->name, n, ts_plural((size_t)n), L,
                ts_plural((size_t)L));
        if (pre) {
            fprintf(msg, ", each after the %zu event%s of ", P, ts_plural(P));
            cli_say(msg, "%s,", cli_input_name(prefix_path));
        }
        fprintf(msg, " in %.2f s ", dt);
        if (drawn) fprintf(msg, "(seed %ld) ->", run.seed);
        else fprintf(msg, "(nothing drawn) ->");
        for (int i = 0; i < 3; i++)
            if (want[i]) fprintf(msg, " %s%s", cli_output_name(base, to_stdout), sfx[i]);
        for (int k = 0; k < ngone; k++)
            if (went[k]) fprintf(msg, " (removed %s, an earlier run's)", gone[k]);
        fprintf(msg, "\n");
        static const char *const form[3] = {"a window file (lines of comma-separated IDs, as many on each)",
                                            "an int32 N x L .npy",
                                            ("a names file of the windows OUT.txt or OUT.npy held, or of "
                                             "those written now")};
        for (int i = 0; i < 3; i++)
            if (kept[i])
                cli_say(stderr, "tracesynth: warning: generate: %s%s: left in place: not %s as generate writes "
                        "it, so no earlier run's; it does not go with the windows written now\n", stream ? stale : base,
                        stream ? "" : files[i], form[i]);
    }
    for (int k = 0; k < ngone; k++) free(gone[k]);
    if (commit_rc) { cli_fail(); goto done; }
    rc = 0;
done:
    free(pre);
    free(base);
    free(path);
    free(stale);
    ts_windows_free(&w);
    ts_model_free(m);
    ts_opt_free(&args);
    return rc;
}
