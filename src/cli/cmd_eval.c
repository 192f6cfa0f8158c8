/* tracesynth eval: imputation metrics (original, mask, imputed) or generation metrics
 * (real, synthetic, optional train), as an aligned table or one JSON object. */
#include "cli.h"

#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char about_text[] =
    "Imputation (design/PROTOCOLS.md section 2): over the hidden positions of each\n"
    "window (mask 0 = missing, 1 = observed, the study's convention), averaged over\n"
    "the windows that hide at least one event:\n"
    "  accuracy       share of hidden events predicted exactly (x100)\n"
    "  perfect rate   share of windows whose hidden events are all right (x100)\n"
    "  ROUGE-L        LCS(truth, prediction) / k on event tokens (x100); the study\n"
    "                 printed ROUGE-L on another representation, higher than this\n"
    "                 token definition\n"
    "  reordered      windows filled with exactly the true events in another order\n"
    "                 (e.g. which of two threads ran first), and the accuracy were\n"
    "                 they in order\n"
    "  type accuracy  accuracy of the kernel subsystem of each system call (fs, mm,\n"
    "                 kernel, arch, net, ipc, security, other); needs event names:\n"
    "                 --vocab V, else the names impute -o writes beside O and I\n"
    "                 (original0.names.txt, imputation0.names.txt: O.names.txt for\n"
    "                 O.npy or O.txt; I's alone name O's observed events, which\n"
    "                 must be I's), else a vocab.tsv in the directory of O (a\n"
    "                 link: where it leads, else beside it, as impute reads its\n"
    "                 input). The table is that of the trace's architecture:\n"
    "                 --arch A (x86_64, i386, arm, aarch64), else the file 'arch'\n"
    "                 beside the names (ingest writes it; none beside standard\n"
    "                 input, --vocab -), else the one whose calls the names are,\n"
    "                 else the host's.\n"
    "                 Hidden events whose name is not a call of that\n"
    "                 architecture are counted as unknown, not scored. Beside\n"
    "                 it, the floor: the score of always guessing the most common\n"
    "                 subsystem; when that is 100 the metric is uninformative and\n"
    "                 says so\n"
    "O, M, I are .npy arrays ((N,L), (N,1,L) or (N,L,1), as the study wrote them) or\n"
    "window files (one window per line, comma-separated). Real-valued imputations are\n"
    "rounded to the nearest ID and clamped to [0, vocabulary size - 1] (names beside\n"
    "O and I: the last ID they name), or without a vocabulary to [0, largest ID in\n"
    "O] (this reproduces the study's published accuracies exactly); NaN and\n"
    "infinities are errors naming the window and position. O holds IDs as they are,\n"
    "whatever its type: a float32 value that is not a whole number, or a negative\n"
    "one, is an error too.\n"
    "One file input (O, M, I, V, R, S or T) may be '-': standard input.\n"
    "\n"
    "Generation (section 3): synthetic windows S against real windows R:\n"
    "  JS unigram/bigram  Jensen-Shannon divergence of event / adjacent-pair\n"
    "                     distributions, base 2, in [0, 1]; pairs are counted inside\n"
    "                     windows only (windows of 1 event hold none: bigram JS and\n"
    "                     D_trans are then not measured, null in --json)\n"
    "  KL unigram         KL(real || synthetic) in bits, add-one smoothed over the\n"
    "                     event types seen in either\n"
    "  coverage           share of real event types seen in S, and of S's types seen\n"
    "                     in R\n"
    "and with the training data T:\n"
    "  D_trans            share of adjacent pairs in S never adjacent in T\n"
    "  memorized          share of S windows occurring verbatim (as a contiguous run)\n"
    "                     in T\n"
    "  LCS                longest common substring of each S window with T, in\n"
    "                     events: mean, median, 90th percentile (linear\n"
    "                     interpolation), max\n"
    "and with --downstream N, train on synthetic, test on real:\n"
    "  next event         an order-N interpolated Kneser-Ney n-gram trained on S\n"
    "                     predicts every event of R from the events before it in its\n"
    "                     window: top-1 accuracy and bits per event; with T, beside\n"
    "                     the same predictor trained on as many events of T (S's\n"
    "                     count of pieces of S's window length, evenly spread over\n"
    "                     T): synthetic data as good as real data scores as T does.\n"
    "                     Multi-channel datasets: the event channel, against the real\n"
    "                     trace's training part, scored on the chosen part's events\n"
    "                     after it (a real set of windows: the whole windows of each)\n"
    "R, S, T are window files, .npy arrays, or dataset directories (their whole\n"
    "stream.txt as one window, or as the windows whose length it records, a set\n"
    "markov --length wrote; directories that name their events, vocab.tsv, window\n"
    "files with the names generate writes beside them, W.names.txt for W.txt or\n"
    "W.npy, and other files by a vocab.tsv beside them, a split's testing or a\n"
    "dataset's stream.txt, as impute reads its input, are matched with R's by\n"
    "name; '?', an event its model does not name, matches none, another '?'\n"
    "neither; an unnamed input is compared by ID as it is, with a note, and the two\n"
    "named beside it are matched with each other by name: an unnamed R leaves S and\n"
    "T so, an unnamed S or T is read in R's numbering).\n"
    "Runs never cross a window boundary of T. Real-valued synthetic IDs are\n"
    "rounded and clamped to [0, largest ID in R and T] (an S named by the vocab.tsv\n"
    "beside it: to its last ID); R and T hold IDs as they are (a float32 value that\n"
    "is not a whole number, or a negative one, is an error, as in O). A\n"
    "multi-channel R (ingest --channels) is compared channel by channel with a\n"
    "multi-channel S (a directory), by its events with a window file or .npy S:\n"
    "JS of each channel's values (event, comm, ret, tid, cpu) and of event pairs,\n"
    "W1 of dt (log(1 + ns)), joint JS of event x cpu and event x ret, bursts per\n"
    "1000 events (>= 3 within 10 us) of each trace, the share of S's windows\n"
    "verbatim in R's training part (every channel; events alone), their mean\n"
    "longest event run shared with it (LCS), and with --constraints D_trans,\n"
    "D_time, D_cpu, D_attr of S and of R; a measure of a channel that R, S or the\n"
    "constraints lack is left out (no line; null in --json).\n";

typedef struct {
    const char *original, *mask, *imputed, *vocab, *arch;
    const char *real, *synthetic, *train;
    const char *constraints;
    int real_part;
    size_t length;
    long downstream;
    int json;
    int real_part_given, length_given;   /* given at all, the default value too */
    int permille[3];          /* --fractions: the time split's parts --train DS is cut by */
    int fractions_given;
} eval_args;

/* --fractions cuts a dataset directory's stream, --train DS's or a multi-channel --real's:
 * given for anything else it would go unused. 0, or 2 after the usage error (a --train or
 * --real that is not there: 0, its read names it) */
static int fractions_unused(const eval_args *a)
{
    struct stat st;
    const int there = a->train && !ts_path_is_stdin(a->train) && stat(a->train, &st) == 0;
    if (!a->fractions_given || (there && S_ISDIR(st.st_mode)) ||
        (a->train && !ts_path_is_stdin(a->train) && !there) ||
        (a->real && !ts_path_is_stdin(a->real) && stat(a->real, &st) != 0))
        return 0;
    /* a --train that is there is a file of windows (standard input too): read whole, not cut */
    const int in = a->train && ts_path_is_stdin(a->train);
    return cli_usage_error("eval", "--fractions cuts --train DS, a dataset directory, or a multi-channel --real DS "
                           "compared with a multi-channel synthetic one%s%s%s", a->train ? "; --train " : "",
                           !a->train ? "" : in ? "- (standard input)" : a->train,
                           !a->train ? "" : in ? " is windows read whole, not a dataset directory to cut"
                                               : " is a file of windows, read whole, not a dataset directory to cut");
}

/* 0: parsed; 1: help printed; 2 or -1: a usage error printed */
static int parse_args(int argc, char **argv, eval_args *a)
{
    memset(a, 0, sizeof *a);
    const ts_option opts[] = {
        TS_OPT_STR_(0, "original", &a->original, "O", "the original windows"),
        TS_OPT_STR_(0, "mask", &a->mask, "M", "the mask (1 = observed, 0 = missing)"),
        TS_OPT_STR_(0, "imputed", &a->imputed, "I", "the imputed windows"),
        TS_OPT_STR_(0, "vocab", &a->vocab, "V", "event names (vocab.tsv) for the type accuracy\n"
                    "(default: the names beside O and I, O.names.txt and\n"
                    "I.names.txt, else the vocab.tsv in O's directory, a\n"
                    "link's where it leads, else beside it; one that names\n"
                    "an ID otherwise than O.names.txt is refused)"),
        TS_OPT_STR_(0, "arch", &a->arch, "A", "the trace's architecture for the type accuracy"),
        TS_OPT_STR_(0, "real", &a->real, "R", "real windows (a dataset directory: all of it, its\n"
                    "training part too, as the output says; the held-out\n"
                    "part alone: the split's testing file)"),
        TS_OPT_STR_(0, "synthetic", &a->synthetic, "S", "synthetic windows"),
        TS_OPT_STR_(0, "train", &a->train, "T", "training data (a dataset directory: its training part,\n"
                    "the time split's first share, as train --split time\n"
                    "cuts it, as the output says; all of it: DS/stream.txt)"),
        TS_OPT_CB_(0, "fractions", a->permille, "A,B,C", cli_opt_fractions,
                   "the time split's shares --train DS is cut by, or a\n"
                   "multi-channel --real DS (its --real-part, and the\n"
                   "training part memorization reads; default: those DS's\n"
                   "own splits record, split.txt in its folders, as split\n"
                   "DS -o DS/SPLIT writes it, refused where two differ\n"
                   "or one's do not read; else 0.7,0.1,0.2, train's\n"
                   "default; the output and JSON fractions /\n"
                   "train_fractions say which)"),
        TS_OPT_STR_(0, "constraints", &a->constraints, "C", "multi-channel datasets (ingest --channels): the\n"
                    "constraints file for D_trans, D_time, D_cpu, D_attr"),
        TS_OPT_CHOICE_(0, "real-part", &a->real_part, "P", eval_parts,
                       "multi-channel: all (default), train, valid or test: the\n"
                       "part of the real trace (cut as --fractions says)\n"
                       "compared with; a real set of windows (its length\n"
                       "recorded) has its pairs, bigrams and bursts inside\n"
                       "them, and a part must be whole windows; memorization,\n"
                       "LCS and --downstream read the training part's whole\n"
                       "windows, and the held-out part's"),
        TS_OPT_SIZE_(0, "length", &a->length, "L", 0, 1 << 24,
                     "multi-channel: the synthetic trace is windows of L\n"
                     "events (pairs across windows do not count; memorization\n"
                     "is per window; bursts end with their window, the real\n"
                     "part's counted in windows of L from its start alike;\n"
                     "default: the windows the synthetic set records, one\n"
                     "that generate, markov --length, impute or repair wrote;\n"
                     "else 0: one sequence)"),
        TS_OPT_LONG_(0, "downstream", &a->downstream, "N", 1, TS_KN_MAX_ORDER,
                    "generation: next-event prediction trained on S (and on\n"
                    "T), scored on R, by an order-N Kneser-Ney n-gram\n"
                    "(e.g. 5)"),
        TS_OPT_FLAG_(0, "json", &a->json, "print one JSON object (stable keys; null where a metric\n"
                     "does not apply)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "eval", "tracesynth eval --original O --mask M --imputed I [--vocab V] [--arch A]\n"
        "                       [--json]\n"
        "       tracesynth eval --real R --synthetic S [--train T] [--fractions A,B,C]\n"
        "                       [--downstream N] [--json]\n"
        "       tracesynth eval --real DATASET --synthetic DATASET\n"
        "                       [--constraints C] [--real-part P] [--fractions A,B,C]\n"
        "                       [--length L] [--downstream N] [--json]",
        about_text, opts, 0, 0, NULL, 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    a->real_part_given = ts_opt_given(&args, &a->real_part);
    a->length_given = ts_opt_given(&args, &a->length);
    a->fractions_given = ts_opt_given(&args, a->permille);
    ts_opt_free(&args);
    if (rc) return rc == 1 ? 1 : rc;
    int imp = a->original || a->mask || a->imputed, gen = a->real || a->synthetic || a->train;
    if (imp && gen) {
        cli_usage_error("eval", "give either --original/--mask/--imputed or --real/--synthetic, not both");
        return -1;
    }
    if (!imp && !gen) {
        cli_usage_error("eval", "nothing to evaluate: give --original, --mask and --imputed, or --real and --synthetic");
        return -1;
    }
    if (imp && !(a->original && a->mask && a->imputed)) {
        cli_usage_error("eval", "imputation needs %s", !a->original ? "--original" : !a->mask ? "--mask" : "--imputed");
        return -1;
    }
    if (a->constraints && imp) {
        cli_usage_error("eval", "--constraints applies to multi-channel generation (--real/--synthetic), not to imputation");
        return -1;
    }
    if (a->downstream && imp) {
        cli_usage_error("eval", "--downstream applies to generation (--real/--synthetic), not to imputation");
        return -1;
    }
    if ((a->vocab || a->arch) && !imp) {
        cli_usage_error("eval", "%s applies to imputation only", a->vocab ? "--vocab" : "--arch");
        return -1;
    }
    ts_arch arch;
    if (a->arch && ts_arch_parse(a->arch, &arch)) {
        cli_usage_error("eval", "--arch: %s", ts_error());
        return -1;
    }
    if (gen && !(a->real && a->synthetic)) {
        cli_usage_error("eval", "generation needs %s", !a->real ? "--real" : "--synthetic");
        return -1;
    }
    /* a multi-channel real trace: its parts (cmd_eval refuses it where the comparison is
     * of events alone) */
    if (!eval_is_channels(a->real) && fractions_unused(a)) return -1;
    return 0;
}

static int32_t max_id_of(const ts_windows *w, int32_t at_least)
{
    int32_t m = at_least;
    for (size_t i = 0; i < w->n * w->len; i++) if (w->data[i] > m) m = w->data[i];
    return m;
}

static void json_num(const char *key, int has, double v, int last)
{
    printf("\"%s\": ", key);
    if (has) printf("%.6f", v);
    else fputs("null", stdout);
    fputs(last ? "}\n" : ", ", stdout);
}

/* windows of data, not of a model (the original, the real and training windows): IDs as
 * they are. A float32 .npy's values must be whole numbers, none negative, as an int64
 * one's are: only a model's reals (the imputation, the synthetic windows) are rounded and
 * clamped, so that a -1 or a value between two IDs is never scored as an ID. A directory:
 * a dataset's stream when allow_dir */
static int ids_load(const char *path, int allow_dir, ts_windows *out)
{
    struct stat st;
    const int there = stat(path, &st) == 0;
    /* a path not there (standard input aside) is the loader's to name ("PATH: no such file
     * or directory"), as every input that may be a file or a dataset is */
    if ((there && S_ISDIR(st.st_mode)) || (!there && !ts_path_is_stdin(path)))
        return ts_windows_load(path, -1, allow_dir, out);
    int npy;
    ts_npy a;
    if (ts_input_read(path, &npy, &a, out)) return -1;   /* read once: a pipe works */
    if (!npy) return 0;
    int rc = ts_npy_to_windows(&a, path, -1, out);
    for (size_t i = 0; rc == 0 && a.dtype == TS_NPY_F32 && i < a.count; i++) {
        const float v = ((const float *)a.data)[i];
        if (v != floorf(v))
            rc = ts_fail("%s: window %zu, position %zu: value %.7g is no event ID (not a whole number)", path,
                         i / out->len, i % out->len, (double)v);
        else if (v < 0)
            rc = ts_fail("%s: window %zu, position %zu: negative ID %.7g", path, i / out->len, i % out->len,
                         (double)v);
    }
    if (rc) ts_windows_free(out);
    ts_npy_free(&a);
    return rc;
}

/* the architecture of the names: --arch, else DIR/arch beside the vocabulary (none beside
 * standard input), else the one whose calls the names are, else the host's; *from says
 * which (NULL: DIR/arch could not be read, the error names it) */
static ts_arch resolve_arch(const eval_args *a, const char *vocab_path, const ts_vocab *v, const char **from)
{
    ts_arch arch = TS_ARCH_UNKNOWN;
    if (a->arch && ts_arch_parse(a->arch, &arch) == 0) {
        *from = "--arch";
        return arch;
    }
    if (cli_names_arch(vocab_path, &arch)) {   /* refused (the error names it): no *from */
        *from = NULL;
        return TS_ARCH_UNKNOWN;
    }
    if (arch != TS_ARCH_UNKNOWN) {
        *from = "the dataset";
        return arch;
    }
    arch = ts_arch_guess((const char *const *)v->names, (size_t)v->n);
    if (arch != TS_ARCH_UNKNOWN) {
        *from = "the event names";
        return arch;
    }
    *from = "the host; no --arch";
    return ts_arch_host();
}

/* up to 4 names of the events O hides (mask 0) that are not calls of arch, "a, b, c, ...",
 * each once (names beside the windows give '?' to every ID they lack) */
static void unknown_names(const ts_vocab *v, ts_arch arch, const ts_windows *O, const uint8_t *mask, char *buf,
                          size_t cap)
{
    buf[0] = 0;
    int shown = 0, more = 0;
    uint8_t *hid = ts_calloc((size_t)v->n, 1);
    for (size_t k = 0; k < O->n * O->len; k++)
        if (!mask[k] && O->data[k] >= 0 && O->data[k] < v->n) hid[O->data[k]] = 1;
    for (int i = 0; i < v->n; i++) {
        if (!hid[i] || strcmp(ts_syscall_subsystem_arch(v->names[i], arch), "unknown")) continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = hid[j] && !strcmp(v->names[j], v->names[i]);
        if (seen) continue;
        if (shown == 4) { more = 1; break; }
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s%s", shown ? ", " : "", v->names[i],
                 i == v->unk ? ": names unseen in training" : "");
        shown++;
    }
    if (more) {
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, ", ...");
    }
    free(hid);
}

/* v's names grown to n IDs at least, the new ones unnamed (NULL) */
static void names_reach(ts_vocab *v, int32_t n)
{
    if (n <= v->n) return;
    v->names = ts_realloc(v->names, (size_t)n * sizeof *v->names);
    for (int32_t i = v->n; i < n; i++) v->names[i] = NULL;
    v->n = n;
}

/* the names impute -o writes beside the imputation (imputation0.names.txt) added to v, those
 * of the original's (at, line: where each was read): an ID the original lacks takes the
 * imputation's name; one named otherwise in each is an error (v empty: its names alone, at
 * and line unread). *I loaded (its IDs unclamped: each is named) when the file is there: 1;
 * 0: not there, nothing read; -1 */
static int imputed_names(const char *imputed, ts_windows *I, ts_vocab *v, const char *at, const size_t *line)
{
    char *p = ts_windows_names_path(imputed);
    const int has = p && ts_file_exists(p);
    ts_vocab vi;
    char *iat;
    size_t *iline;
    int rc = !has ? 0 : ts_windows_load(imputed, -1, 0, I) ? -1 : ts_windows_read_names(imputed, I, &iat, &vi, &iline);
    if (has && rc == 0) rc = ts_fail("%s: cannot open: %s", p, strerror(ENOENT));   /* gone since it was seen */
    free(p);
    if (rc <= 0) return rc;
    names_reach(v, vi.n);
    uint8_t *taken = ts_calloc((size_t)(v->n > 0 ? v->n : 1), 1);   /* IDs named by the imputation's alone */
    for (int32_t i = 0; i < vi.n && rc > 0; i++) {
        if (!vi.names[i]) continue;
        if (!v->names[i]) {
            v->names[i] = vi.names[i];
            vi.names[i] = NULL;
            taken[i] = 1;
        } else if (strcmp(v->names[i], vi.names[i])) {   /* another run's names, or another numbering */
            rc = ts_fail("%s:%zu: '%s' for ID %d, which %s:%zu names '%s': names in another numbering", iat,
                         iline[i], vi.names[i], (int)i, at, line[i], v->names[i]);
        }
    }
    if (rc > 0 && at) {   /* one of the original's names for another ID: another numbering too */
        int32_t *first = ts_malloc((size_t)v->n * sizeof *first), t = -1, o = -1;
        ts_vocab_map(v, v, first);   /* the lowest ID of each name ('?' aside: a model's unnamed events) */
        for (int32_t i = 0; i < v->n; i++) {
            const int32_t j = first[i];
            if (j < 0 || j == i || taken[i] == taken[j] || !strcmp(v->names[i], "?")) continue;
            const int32_t ti = taken[i] ? i : j;
            if (t < 0 || iline[ti] < iline[t]) t = ti, o = ti == i ? j : i;
        }
        if (t >= 0)
            rc = ts_fail("%s:%zu: '%s' for ID %d, which %s:%zu gives ID %d: names in another numbering", iat, iline[t],
                         v->names[t], (int)t, at, line[o], (int)o);
        free(first);
    }
    free(taken);
    ts_vocab_free(&vi);
    free(iat);
    free(iline);
    return rc;
}

static int eval_impute(const eval_args *a)
{
    ts_windows O = {0}, I = {0};
    ts_vocab vocab = {0};
    uint8_t *mask = NULL;
    char *vocab_path = NULL;
    size_t mn = 0, ml = 0, *line = NULL;
    int rc = 1, named = 0;
    vocab.unk = -1;

    if (ids_load(a->original, 0, &O)) goto done;
    /* the names: --vocab, else those impute -o writes beside the original (O.names.txt: they
     * name its windows' own numbering) and the imputation, else the vocab.tsv beside it */
    int got = 0, by_imputed = 0;
    if (a->vocab) {
        vocab_path = ts_strdup(a->vocab);
    } else if ((named = ts_windows_read_names(a->original, &O, &vocab_path, &vocab, &line)) < 0) {
        goto done;
    } else if (named) {
        if ((got = imputed_names(a->imputed, &I, &vocab, vocab_path, line)) < 0) goto done;
    } else if ((got = imputed_names(a->imputed, &I, &vocab, NULL, NULL)) < 0) {
        goto done;
    } else if (got) {   /* the imputation's alone: the original's observed IDs are its own */
        named = by_imputed = 1;
        vocab_path = ts_windows_names_path(a->imputed);
        const int32_t top = max_id_of(&O, -1);   /* the original's hidden IDs it may not hold */
        for (size_t i = 0; top >= TS_NAMED_ID_MAX && i < O.n * O.len; i++)
            if (O.data[i] >= TS_NAMED_ID_MAX) {   /* names are kept by ID: not a vocabulary's */
                ts_fail("%s: window %zu, position %zu: ID %d, beyond the %d IDs %s can name: not its numbering",
                        a->original, i / O.len, i % O.len, (int)O.data[i], TS_NAMED_ID_MAX, vocab_path);
                goto done;
            }
        names_reach(&vocab, top + 1);
    } else {   /* a link's: where it leads, as impute reads it */
        vocab_path = cli_input_names_file(a->original, NULL);
    }
    if (vocab_path && !named && ts_vocab_read(vocab_path, &vocab)) goto done;
    /* --vocab beside the names impute -o wrote: of their numbering, or the type accuracy
     * would be of other events */
    if (a->vocab && cli_vocab_agrees(a->original, &O, vocab_path, &vocab)) goto done;
    /* an ID neither names (the windows lack it): no call of any table */
    for (int32_t i = 0; named && i < vocab.n; i++)
        if (!vocab.names[i]) vocab.names[i] = ts_strdup("?");
    int32_t max_id = vocab.n > 0 ? vocab.n - 1 : max_id_of(&O, 0);
    if (!got && ts_windows_load(a->imputed, max_id, 0, &I)) goto done;
    if (ts_mask_load(a->mask, &mask, &mn, &ml)) goto done;
    if (I.n != O.n || I.len != O.len) {
        ts_fail("%s: %zu window%s of %zu event%s, but %s has %zu window%s of %zu", a->imputed, I.n, ts_plural(I.n),
                I.len, ts_plural(I.len), a->original, O.n, ts_plural(O.n), O.len);
        goto done;
    }
    if (mn != O.n || ml != O.len) {
        ts_fail("%s: %zu window%s of %zu event%s, but %s has %zu window%s of %zu", a->mask, mn, ts_plural(mn), ml,
                ts_plural(ml), a->original, O.n, ts_plural(O.n), O.len);
        goto done;
    }
    /* the imputation's names name the original's IDs only where they are its own */
    for (size_t i = 0; by_imputed && i < O.n * O.len; i++)
        if (mask[i] && O.data[i] != I.data[i]) {
            ts_fail("%s: window %zu, position %zu: observed ID %d, where %s has %d: not the numbering %s names",
                    a->original, i / O.len, i % O.len, (int)O.data[i], a->imputed, (int)I.data[i], vocab_path);
            goto done;
        }
    ts_impute_metrics m;
    const char *arch_from = NULL;
    ts_arch arch = vocab.n > 0 ? resolve_arch(a, vocab_path, &vocab, &arch_from) : TS_ARCH_UNKNOWN;
    if (vocab.n > 0 && !arch_from) goto done;   /* the dataset's arch file could not be read */
    if (ts_eval_impute_arch(&O, mask, &I, vocab.n > 0 ? &vocab : NULL, arch, &m)) {
        /* name the file: the library knows only "original" / "imputed" / "mask" */
        const char *e = ts_error();
        const char *f = !strncmp(e, "original:", 9) ? a->original : !strncmp(e, "imputed:", 8) ? a->imputed
                      : !strncmp(e, "mask:", 5) ? a->mask : NULL;
        if (f) {
            char *msg = ts_strdup(strchr(e, ':') + 1);
            if (vocab_path && strstr(msg, "vocabulary")) ts_fail("%s:%s of %s", f, msg, vocab_path);
            else ts_fail("%s:%s", f, msg);
            free(msg);
        }
        goto done;
    }
    if (a->json) {
        printf("{\"mode\": \"impute\", \"windows\": %zu, \"hidden\": %zu, ", m.windows, m.hidden);
        json_num("accuracy", 1, m.accuracy, 0);
        json_num("perfect", 1, m.perfect, 0);
        json_num("rouge_l", 1, m.rouge_l, 0);
        printf("\"reordered\": %zu, ", m.reordered);
        json_num("accuracy_in_order", 1, m.accuracy_in_order, 0);
        fputs("\"rouge_l_definition\": \"token LCS / k\", \"vocab\": ", stdout);
        ts_json_put(stdout, vocab.n > 0 ? cli_input_name(vocab_path) : NULL);   /* '-': standard input */
        fputs(", \"arch\": ", stdout);
        ts_json_put(stdout, vocab.n > 0 ? ts_arch_name(arch) : NULL);
        printf(", \"type_scored\": %zu, \"type_unknown\": %zu, ", m.type_scored, m.type_unknown);
        json_num("type_floor", m.has_type, m.type_floor, 0);
        fputs("\"type_informative\": ", stdout);
        fputs(!m.has_type ? "null" : m.type_floor < 100.0 - 1e-9 ? "true" : "false", stdout);
        fputs(", ", stdout);
        json_num("type_accuracy", m.has_type, m.type_accuracy, 1);
    } else {
        printf("imputation: %zu window%s of %zu, %zu hidden event%s (mask 0 = missing)\n", m.windows,
               ts_plural(m.windows), O.len, m.hidden, ts_plural(m.hidden));
        printf("  %-15s %7.2f\n", "accuracy", m.accuracy);
        printf("  %-15s %7.2f\n", "perfect rate", m.perfect);
        printf("  %-15s %7.2f   token LCS / k\n", "ROUGE-L", m.rouge_l);
        printf("  %-15s %7zu   windows filled with the true events in another order (accuracy\n"
               "  %-15s %7s   were they in order: %.2f)\n", "reordered", m.reordered, "", "", m.accuracy_in_order);
        if (m.has_type) {
            printf("  %-15s %7.2f   kernel subsystem, %s table (from %s), names from %s\n",
                   "type accuracy", m.type_accuracy, ts_arch_name(arch), arch_from, cli_input_name(vocab_path));
            if (m.type_floor >= 100.0 - 1e-9)
                printf("  %-15s %7.2f   uninformative: every scored hidden event is in %s, so always\n"
                       "  %-15s %7s   guessing %s scores 100 too\n", "type floor", m.type_floor,
                       m.type_majority, "", "", m.type_majority);
            else
                printf("  %-15s %7.2f   always guessing %s, the most common subsystem%s\n", "type floor",
                       m.type_floor, m.type_majority, m.type_floor >= 95 ? ": the metric tells little here" : "");
        } else if (vocab.n > 0) {
            printf("  %-15s %7s   no hidden event is a system call of %s (from %s)\n", "type accuracy", "-",
                   ts_arch_name(arch), arch_from);
        } else {
            /* standard input has no file beside it */
            const int os = cli_input_name(a->original) != a->original, is = cli_input_name(a->imputed) != a->imputed;
            char *np = os ? NULL : ts_windows_names_path(a->original), *ip = is ? NULL : ts_windows_names_path(a->imputed);
            printf("  %-15s %7s   no event names (no --vocab, no %s%s%s%s%s)\n", "type accuracy", "-", np ? np : "",
                   np && ip ? " or " : "", ip ? ip : "", os ? "" : ", no vocab.tsv beside ", os ? "" : a->original);
            free(np);
            free(ip);
        }
        if (vocab.n > 0 && m.type_unknown > 0) {
            char names[200];
            unknown_names(&vocab, arch, &O, mask, names, sizeof names);
            printf("  %-15s %7zu   hidden events named outside the %s table, not scored (%s)\n",
                   "type unknown", m.type_unknown, ts_arch_name(arch), names);
        }
    }
    rc = 0;
done:
    ts_windows_free(&O);
    ts_windows_free(&I);
    ts_vocab_free(&vocab);
    free(mask);
    free(vocab_path);
    free(line);
    return rc ? cli_fail() : 0;
}

static void describe(const char *what, const ts_windows *w)
{
    printf("  %-10s %zu window%s of %zu event%s\n", what, w->n, w->n == 1 ? "" : "s", w->len, ts_plural(w->len));
}

/* the event names of R, S or T before its windows are read: a dataset directory's
 * vocab.tsv; for a file, the vocab.tsv beside it (a dataset's stream.txt, a split's
 * files; a link's: where it leads), as impute and score read one (cli_input_names_file),
 * unless the names generate writes beside it (W.names.txt) name it (file_names, once its
 * windows are read). *from: the vocab.tsv read (malloc'd), NULL when none; v->n == 0: none */
static int input_vocab(const char *path, ts_vocab *v, char **from)
{
    memset(v, 0, sizeof *v);
    v->unk = -1;
    *from = NULL;
    struct stat st;
    if (stat(path, &st) != 0) return 0;
    char *p = NULL;
    if (S_ISDIR(st.st_mode)) {
        p = ts_path_join(path, "vocab.tsv");
        if (!ts_file_exists(p)) {
            free(p);
            p = NULL;
        }
    } else if (!ts_path_is_stdin(path)) {   /* nothing is beside standard input */
        char *np = ts_windows_names_path(path);
        if (!np || !ts_file_exists(np)) p = cli_input_names_file(path, NULL);
        free(np);
    }
    if (p && ts_vocab_read(p, v)) {
        free(p);
        return -1;
    }
    *from = p;
    return 0;
}

/* every ID of w (read from path) one that the vocab.tsv vp names: else an error naming
 * the window and position (renumber_by_name maps IDs through v) */
static int ids_named(const char *path, const ts_windows *w, const ts_vocab *v, const char *vp)
{
    for (size_t i = 0; vp && i < w->n * w->len; i++)
        if (w->data[i] >= v->n)
            return ts_fail("%s: window %zu, position %zu: ID %d has no name in %s (%d names)", path, i / w->len,
                           i % w->len, w->data[i], vp, v->n);
    return 0;
}

/* the names given IDs past the real trace's (real->n + i is extra[i]) */
typedef struct {
    char **names;
    size_t n;
} extra_names;

/* w, numbered by v, into the real trace's numbering (ref) by name; a name ref lacks gets an
 * ID of its own past ref's, the same for the synthetic and the training data. '?' (an event
 * a model does not name) matches no name, another '?' neither: each gets an ID of its own */
static void renumber_by_name(ts_windows *w, const ts_vocab *v, const ts_vocab *ref, extra_names *x)
{
    ts_vocab plain = *ref;
    plain.unk = -1;   /* a name ref lacks: -1, not ref's <unk> */
    int32_t *map = ts_malloc((size_t)v->n * sizeof *map);
    ts_vocab_map(v, &plain, map);
    for (int i = 0; i < v->n; i++) {
        const int unnamed = v->names[i] && !strcmp(v->names[i], "?");
        if (map[i] >= 0 && !unnamed) continue;
        if (!v->names[i]) {   /* an ID w lacks (a names file names those it has) */
            map[i] = 0;
            continue;
        }
        size_t j = unnamed ? x->n : 0;
        while (j < x->n && strcmp(x->names[j], v->names[i])) j++;
        if (j == x->n) {
            x->names = ts_realloc(x->names, (x->n + 1) * sizeof *x->names);
            x->names[x->n++] = v->names[i];
        }
        map[i] = ref->n + (int32_t)j;
    }
    for (size_t i = 0; i < w->n * w->len; i++) w->data[i] = map[w->data[i]];   /* ts_dataset_load checked the IDs */
    free(map);
}

/* a window file's names, from the file generate writes beside it (W.names.txt), where a
 * dataset directory gave none (its vocab.tsv): 0 / -1 */
static int file_names(const char *path, const ts_windows *w, ts_vocab *v)
{
    if (v->n > 0) return 0;
    char *at;
    size_t *line;
    int rc = ts_windows_read_names(path, w, &at, v, &line);
    if (rc <= 0) return rc;
    free(at);
    free(line);
    return 0;
}

/* named and unnamed sides among R, S and T: the unnamed side's IDs are compared as they are,
 * said in a note; two named sides are matched with each other by name (eval_generate
 * renumbers them), said in it too */
static void mixed_names_note(const eval_args *a, const ts_vocab *vr, const char *vpr, const ts_vocab *vs,
                             const char *vps, const ts_vocab *vt, const char *vpt)
{
    const char *path[3] = {a->real, a->synthetic, a->train}, *vp[3] = {vpr, vps, vpt};
    const ts_vocab *v[3] = {vr, vs, vt};
    const int sides = a->train ? 3 : 2;
    int named = 0;
    for (int i = 0; i < sides; i++) named += v[i]->n > 0;
    if (named == 0 || named == sides) return;
    char buf[4096] = "", *np[3] = {NULL, NULL, NULL};
    size_t l = 0;
    for (int pass = 0; pass < 2; pass++) {
        int shown = 0;
        l += (size_t)snprintf(buf + l, sizeof buf - l, "%s", pass ? "; without names: " : "named: ");
        if (l >= sizeof buf) l = sizeof buf - 1;
        for (int i = 0; i < sides; i++) {
            if ((v[i]->n > 0) == pass) continue;
            if (!pass && !vp[i]) np[i] = ts_windows_names_path(path[i]);
            l += (size_t)snprintf(buf + l, sizeof buf - l, pass ? "%s%s" : "%s%s (%s)", shown++ ? ", " : "",
                                  cli_input_name(path[i]),
                                  vp[i] ? vp[i] : np[i]);
            if (l >= sizeof buf) l = sizeof buf - 1;
        }
    }
    const char *pair = named < 2 ? "" : vr->n == 0 ? " (the synthetic and the training data with each other by name)"
                     : vs->n == 0 ? " (the real and the training data with each other by name)"
                                  : " (the real and the synthetic data with each other by name)";
    cli_say(stderr, "tracesynth: note: eval: %s: their IDs are compared as they are, not by name%s\n", buf, pair);
    for (int i = 0; i < 3; i++) free(np[i]);
}

static int eval_generate(const eval_args *a)
{
    ts_windows R = {0}, S = {0}, T = {0};
    ts_vocab vr = {0, NULL, NULL, -1}, vs = vr, vt = vr;
    extra_names extra = {NULL, 0};
    int rc = 1;
    char *vpr = NULL, *vps = NULL, *vpt = NULL;   /* the vocab.tsv that names each, if one does */
    char *rec = NULL;   /* the split.txt whose parts cut --train DS */
    char *all = NULL;   /* DS/stream.txt, as the shell reads it back: all of it (--train ALL) */
    if (input_vocab(a->real, &vr, &vpr)) goto done;
    if (ids_load(a->real, 1, &R) || ts_windows_as_set(a->real, &R) || ids_named(a->real, &R, &vr, vpr) ||
        file_names(a->real, &R, &vr))
        goto done;
    if (a->train && (input_vocab(a->train, &vt, &vpt) || ids_load(a->train, 1, &T) || ts_windows_as_set(a->train, &T) ||
                     ids_named(a->train, &T, &vt, vpt) || file_names(a->train, &T, &vt)))
        goto done;
    /* a dataset directory that is a recorded stream (not a set of windows, DIR/length) is
     * its training part, [0, a) of the time split, as train --split time trains on it: its
     * held-out part would count the synthetic trace's likeness to the test part as
     * memorization of the training data. Its parts: --fractions, else those its own splits
     * record, else train's default. Its stream.txt named as a file: all of it */
    struct stat tst;
    const int train_dir = a->train && !ts_path_is_stdin(a->train) && stat(a->train, &tst) == 0 && S_ISDIR(tst.st_mode);
    size_t train_all = T.len, train_a = 0, train_b;
    int pm[3];
    /* a set of windows is one by its length file, one window of it too: read whole */
    size_t set_len = 0;
    if (train_dir && ts_mc_window_length(a->train, T.n * T.len, &set_len)) goto done;
    const int stream = train_dir && !set_len && T.n == 1;
    if (train_dir && set_len && a->fractions_given) {
        ts_fail("%s: --fractions: a set of windows of %zu event%s (its length recorded) is read whole, not cut in "
                "time", a->train, T.len, ts_plural(T.len));
        goto done;
    }
    if (stream &&
        cli_dataset_fractions(a->train, a->fractions_given ? a->permille : NULL, pm, &rec,
                              " (or --train SPLIT/train_stream.txt, a split's training events)") < 0)
        goto done;
    if (stream) {
        char *st = ts_path_join(a->train, "stream.txt");
        all = ts_shell_word(st);
        free(st);
        ts_split_bounds(T.len, pm, &train_a, &train_b);
        if (train_a == 0) {
            ts_fail("%s: its training part (the time split's first %g %%) of %zu event%s is empty; all of it: --train "
                    "%s", a->train, pm[0] / 10.0, T.len, ts_plural(T.len), all);
            goto done;
        }
        T.len = train_a;
    }
    /* two dataset directories number their events each by its own frequency ranks, a model's
     * windows by its own: compare them by name */
    if (vr.n > 0 && vt.n > 0) renumber_by_name(&T, &vt, &vr, &extra);
    int32_t max_id = max_id_of(&R, a->train ? max_id_of(&T, 0) : 0);
    /* a synthetic file with its names beside it (impute -o's imputation0.names.txt) is in
     * their numbering: its reals are clamped to the IDs a names file can name, not to the
     * real trace's (which merged events of different names) */
    char *np = ts_windows_names_path(a->synthetic);
    if (np && ts_file_exists(np)) max_id = TS_NAMED_ID_MAX - 1;
    free(np);
    if (input_vocab(a->synthetic, &vs, &vps)) goto done;
    if (vps && vs.n > 0) max_id = vs.n - 1;   /* the vocab.tsv beside it: its last ID */
    if (ts_windows_load(a->synthetic, max_id, 1, &S) || ts_windows_as_set(a->synthetic, &S) ||
        ids_named(a->synthetic, &S, &vs, vps) || file_names(a->synthetic, &S, &vs))
        goto done;
    if (vr.n > 0 && vs.n > 0) renumber_by_name(&S, &vs, &vr, &extra);
    /* R without names: S and T, named both, are compared with each other by name */
    else if (vr.n == 0 && vs.n > 0 && vt.n > 0) renumber_by_name(&T, &vt, &vs, &extra);
    /* the names the numbering's own file lacks got IDs past its names; an unnamed input's ID
     * there is no name's, not one of them: they go past every unnamed ID */
    if (extra.n > 0) {
        const int32_t names = vr.n > 0 ? vr.n : vs.n;
        int32_t top = names - 1;
        const char *top_in = NULL;   /* the unnamed input holding it */
        const ts_windows *un[3] = {vr.n == 0 ? &R : NULL, vs.n == 0 ? &S : NULL, a->train && vt.n == 0 ? &T : NULL};
        const char *un_path[3] = {a->real, a->synthetic, a->train};
        for (int k = 0; k < 3; k++) {
            const int32_t m = un[k] ? max_id_of(un[k], top) : top;
            if (m > top) top = m, top_in = un_path[k];
        }
        if (top_in && (int64_t)top + 1 + (int64_t)extra.n >= INT32_MAX) {
            ts_fail("%s: ID %d leaves no IDs past it for the %zu name%s that %s lacks", top_in, top, extra.n,
                    ts_plural(extra.n), vr.n > 0 ? a->real : a->synthetic);
            goto done;
        }
        const int32_t shift = top + 1 - names;
        ts_windows *named[2] = {vs.n > 0 && vr.n > 0 ? &S : NULL, a->train && vt.n > 0 ? &T : NULL};
        for (int k = 0; k < 2 && shift > 0; k++)
            for (size_t i = 0; named[k] && i < named[k]->n * named[k]->len; i++)
                if (named[k]->data[i] >= names) named[k]->data[i] += shift;
    }
    ts_gen_metrics g;
    if (ts_eval_generate(&R, &S, a->train ? &T : NULL, &g)) {
        const char *e = ts_error();
        const char *f = !strncmp(e, "real:", 5) ? a->real : !strncmp(e, "synthetic:", 10) ? a->synthetic
                      : !strncmp(e, "train:", 6) ? a->train : NULL;
        if (f) {
            char *msg = ts_strdup(strchr(e, ':') + 1);
            ts_fail("%s:%s", f, msg);
            free(msg);
        }
        goto done;
    }
    ts_downstream_metrics ds = {0};
    if (a->downstream && ts_eval_downstream(&R, &S, a->train ? &T : NULL, (int)a->downstream, &ds)) goto done;
    mixed_names_note(a, &vr, vpr, &vs, vps, &vt, vpt);
    int t = g.has_train, d = a->downstream > 0;
    /* a dataset directory is read whole, as the multi-channel comparison's default part
     * (all): said, since the held-out part is what a generator is usually compared with */
    struct stat rst;
    const int whole = !ts_path_is_stdin(a->real) && stat(a->real, &rst) == 0 && S_ISDIR(rst.st_mode);
    if (a->json) {
        printf("{\"mode\": \"generate\", \"real_part\": %s, \"train_part\": %s, ", whole ? "\"all\"" : "null",
               train_a ? "\"train\"" : train_dir ? "\"all\"" : "null");
        cli_json_fractions("train_fractions", train_a ? pm : NULL, rec, a->fractions_given);   /* which cut it */
        printf("\"real_windows\": %zu, \"real_length\": %zu, \"synthetic_windows\": %zu, \"synthetic_length\": %zu, ",
               R.n, R.len, S.n, S.len);
        json_num("js_unigram", 1, g.js_unigram, 0);
        json_num("js_bigram", g.has_bigram, g.js_bigram, 0);
        json_num("kl_unigram", 1, g.kl_unigram, 0);
        json_num("coverage_real", 1, g.coverage_real, 0);
        json_num("coverage_synth", 1, g.coverage_synth, 0);
        json_num("d_trans", t && g.has_d_trans, g.d_trans, 0);
        json_num("memorized", t, g.memorized, 0);
        json_num("lcs_mean", t, g.lcs_mean, 0);
        json_num("lcs_median", t, g.lcs_median, 0);
        json_num("lcs_p90", t, g.lcs_p90, 0);
        if (t) printf("\"lcs_max\": %.0f, ", g.lcs_max);   /* a count of events: an integer */
        else json_num("lcs_max", 0, 0, 0);
        if (d) printf("\"downstream_order\": %d, ", ds.order);   /* an integer, as given */
        else json_num("downstream_order", 0, 0, 0);
        json_num("downstream_accuracy", d, ds.accuracy, 0);
        json_num("downstream_bits", d, ds.bits, 0);
        json_num("downstream_train_accuracy", d && ds.has_train, ds.train_accuracy, 0);
        json_num("downstream_train_bits", d && ds.has_train, ds.train_bits, 1);
    } else {
        printf("generation:\n");
        if (whole) {
            printf("  %-10s %zu window%s of %zu event%s, all of %s (its training part too; the held-out part "
                   "alone: --real SPLIT/testing)\n", "real", R.n, ts_plural(R.n), R.len, ts_plural(R.len), a->real);
        } else {
            describe("real", &R);
        }
        describe("synthetic", &S);
        if (t && train_a)
            printf("  %-10s %zu window%s of %zu event%s, the training part of %s (events [0, %zu) of %zu, the time "
                   "split's first %g %%, as %s%s; all of it: --train %s)\n", "train", T.n, ts_plural(T.n),
                   T.len, ts_plural(T.len), a->train, train_a, train_all, pm[0] / 10.0,
                   rec ? rec : a->fractions_given ? "--fractions cuts it" : "train --split time cuts it",
                   rec ? " records it" : "", all);
        else if (t) describe("train", &T);
        printf("  %-19s %8.4f   bits, in [0, 1]\n", "JS unigram", g.js_unigram);
        if (g.has_bigram) printf("  %-19s %8.4f   bits, pairs inside windows\n", "JS bigram", g.js_bigram);
        else printf("  %-19s %8s   no pairs: windows of 1 event\n", "JS bigram", "-");
        printf("  %-19s %8.4f   bits, KL(real || synthetic), add-one\n", "KL unigram", g.kl_unigram);
        printf("  %-19s %8.4f   real event types seen in synthetic\n", "coverage real", g.coverage_real);
        printf("  %-19s %8.4f   synthetic event types seen in real\n", "coverage synthetic", g.coverage_synth);
        if (t) {
            if (g.has_d_trans)
                printf("  %-19s %8.4f   synthetic pairs never adjacent in train\n", "D_trans", g.d_trans);
            else printf("  %-19s %8s   no pairs: synthetic windows of 1 event\n", "D_trans", "-");
            printf("  %-19s %8.4f   synthetic windows verbatim in train\n", "memorized", g.memorized);
            printf("  %-19s %8.1f   median %.1f, p90 %.1f, max %.0f events\n", "LCS with train mean",
                   g.lcs_mean, g.lcs_median, g.lcs_p90, g.lcs_max);
        } else {
            printf("  %-19s %8s   no --train\n", "D_trans, memorized", "-");
        }
        if (d) {
            printf("  next event, order-%d Kneser-Ney n-gram scored on real (%zu event%s):\n", ds.order, R.n * R.len,
                   ts_plural(R.n * R.len));
            printf("  %-19s %8.2f   %% top-1, %.4f bits per event (trained on %zu event%s)\n", "trained on synth",
                   ds.accuracy, ds.bits, ds.synth_events, ts_plural(ds.synth_events));
            if (ds.has_train)
                printf("  %-19s %8.2f   %% top-1, %.4f bits per event (trained on %zu event%s)\n", "trained on train",
                       ds.train_accuracy, ds.train_bits, ds.train_events, ts_plural(ds.train_events));
        }
    }
    rc = 0;
done:
    free(vpr);
    free(vps);
    free(vpt);
    free(rec);
    free(all);
    free(extra.names);
    ts_vocab_free(&vr);
    ts_vocab_free(&vs);
    ts_vocab_free(&vt);
    ts_windows_free(&R);
    ts_windows_free(&S);
    ts_windows_free(&T);
    return rc ? cli_fail() : 0;
}

int cmd_eval(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc == 1 ? 0 : 2;
    /* '-': standard input, for one input (each is read once); the constraints file is
     * read as a model's, from a file */
    const char **in[7] = {&a.original, &a.mask, &a.imputed, &a.vocab, &a.real, &a.synthetic, &a.train};
    const char *in_opt[7] = {"--original", "--mask", "--imputed", "--vocab", "--real", "--synthetic", "--train"};
    for (int i = 0; i < 7; i++)
        if ((rc = cli_stdin_input("eval", in_opt[i], in[i]))) return rc;
    if ((rc = cli_input_no_stdin("eval", "--constraints", a.constraints, "constraints are read from a file")))
        return rc;
    /* a window file or .npy beside a multi-channel real trace (generate's output of a
     * single-channel model) is compared with its events, as beside any dataset; the
     * multi-channel comparison, or one of its options, takes a dataset */
    struct stat sst;
    int synth_dir = a.synthetic && stat(a.synthetic, &sst) == 0 && S_ISDIR(sst.st_mode);
    if (!a.original && (a.constraints || (eval_is_channels(a.real) && (synth_dir || a.real_part_given ||
                                                                         a.length_given)))) {
        /* memorization is against the real trace's own training part: another file would
         * be read as the reference and never used */
        if (a.train)
            return cli_usage_error("eval", "--train applies to window files and single-channel datasets; a "
                                   "multi-channel real trace is compared with its own training part");
        /* a file S: the option that asked for the comparison said, not the loader's "not a
         * directory" */
        if (a.synthetic && stat(a.synthetic, &sst) == 0 && !synth_dir) {
            const char *o = a.constraints ? "--constraints" : a.length_given ? "--length" : "--real-part";
            return cli_usage_error("eval", "%s: the synthetic input must be a multi-channel dataset directory "
                                   "(ingest --channels, generate or markov of one), not the file %s", o,
                                   cli_input_name(a.synthetic));
        }
        return eval_channels(a.real, a.synthetic, a.constraints, a.real_part, a.fractions_given ? a.permille : NULL,
                             a.length, a.length_given, (int)a.downstream, a.json);
    }
    if ((rc = fractions_unused(&a))) return rc;
    /* a real trace that is not there: named, not taken for one of another kind */
    if ((a.real_part_given || a.length_given || a.fractions_given) && a.real && stat(a.real, &sst) != 0) {
        ts_fail_path(a.real, "no such file or directory");
        return cli_fail();
    }
    /* given at its default value too: it would be ignored */
    if (a.real_part_given)
        return cli_usage_error("eval", "--real-part applies to multi-channel datasets (ingest --channels)");
    if (a.length_given) return cli_usage_error("eval", "--length applies to multi-channel datasets (ingest --channels)");
    return a.original ? eval_impute(&a) : eval_generate(&a);
}
