/* train, generate and impute with a multi-channel model (mc_model.h): the part of those
 * commands that reads and writes multi-channel datasets (ingest --channels). */
#include "cli.h"
#include "tracesynth/mc_model.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void mc_models_help(FILE *f, const ts_mc_model_ops *only)
{
    fprintf(f, "\nmulti-channel models (a dataset of ingest --channels; generate and impute\n"
               "write multi-channel datasets):\n");
    for (const ts_mc_model_ops *const *m = ts_mc_model_list(); *m; m++) {
        if (only && *m != only) continue;
        cli_help_item(f, 10, (*m)->name, (*m)->summary);
        fputs((*m)->help ? (*m)->help : "", f);
    }
}

/* the events of the time split's parts */
static void parts(size_t n, const int permille[3], size_t *ntrain, size_t *nvalid)
{
    size_t a, b;
    ts_split_bounds(n, permille, &a, &b);
    *ntrain = a;
    *nvalid = b - a;
}

int train_channels(const char *model, const char *dataset, const ts_split_spec *ss, int len_given, int fr_given,
                   const char *out, const char *resume, const char *log, const ts_run_opts *ro)
{
    ts_mc d;
    if (ts_mc_load(dataset, &d) != 0) return cli_fail();
    ts_mc_train_opts o;
    memset(&o, 0, sizeof o);
    o.data = &d;
    parts(d.n, ss->permille, &o.n_train, &o.n_valid);
    memcpy(o.permille, ss->permille, sizeof o.permille);
    o.len = ss->length;
    /* a set of windows (a generated one, its length recorded): crops within them, of its
     * windows' length where the default is longer */
    if (ts_mc_window_length(dataset, d.n, &o.window) != 0) { ts_mc_free(&d); return cli_fail(); }
    if (o.window && o.len > o.window && !len_given) o.len = o.window;
    if (o.window && o.len > o.window) {
        char *p = ts_path_join(dataset, "length");
        ts_fail("%s: windows of %zu event%s, but --length %zu (training crops stay within them)", p, o.window,
                ts_plural(o.window), o.len);
        free(p);
        ts_mc_free(&d);
        return cli_fail();
    }
    /* the architecture that names its events: the model records it for its windows */
    if (cli_dataset_arch(dataset, &o.arch) != 0) { ts_mc_free(&d); return cli_fail(); }
    o.seed = ro->seed;
    o.out_path = out;
    o.resume = resume;
    o.log_path = log;
    o.progress = ro->progress;
    o.kv = ro->kv;
    ts_mc_model *m = NULL;
    double t0 = ts_now();
    const int trained = ts_mc_model_train(model, &o, &m) == 0;
    /* a resume that took the model's default count (a checkpoint from before it kept its
     * run's): said, whether the run went through or not */
    char rnote[TS_ERROR_MAX];
    if (ts_train_resume_note(rnote, sizeof rnote)) cli_say(stderr, "tracesynth: note: train: %s\n", rnote);
    int rc = !trained || ts_mc_model_save(m, out);
    if (rc == 0) {
        printf("trained %s on %s (first %zu of %zu event%s;", model, dataset, o.n_train, d.n, ts_plural(d.n));
        for (int c = 0; c < TS_NCH; c++)
            if (m->has & 1u << c) printf(" %s", ts_ch_names[c]);
        printf("), %.2f s -> %s\n", ts_now() - t0, out);
        train_say_notes();
        cli_train_note_split(dataset, d.n, o.permille, fr_given);
    }
    ts_mc_model_free(m);
    ts_mc_free(&d);
    /* an option the model refused: a usage error; a value this dataset cannot work with: the
     * data's error, naming it */
    if (!trained) return cli_train_failed("train", dataset);
    return rc ? cli_fail() : 0;
}

/* n windows of L from m into the dataset directory out, of architecture arch (NULL: none
 * known); what: the message's tail */
static int generate_save(ts_mc_model *m, size_t n, size_t L, const char *out, const char *arch, const ts_run_opts *ro,
                         const char *what)
{
    size_t per = 0;   /* 4 bytes of each channel (dt a float) */
    for (int c = 0; c < TS_NCH; c++) per += m->has >> c & 1u ? 4 : 0;
    if (cli_windows_fit(n, L, per)) return -1;
    ts_mc g;
    double t0 = ts_now();
    int rc = ts_mc_model_generate(m, n, L, ro, &g);
    if (rc == 0) {
        double dt = ts_now() - t0;
        rc = ts_mc_save_windows(out, &g, arch, L, 1);   /* the windows' length with them, marked drawn */
        if (rc == 0) printf("%s: generated %zu window%s of %zu event%s in %.2f s (seed %llu%s) -> %s\n", m->ops->name,
                            n, ts_plural(n), L, ts_plural(L), dt, (unsigned long long)ro->seed, what, out);
        ts_mc_free(&g);
    }
    return rc;
}

int mc_out_check(const char *out, const char *meta, const char *const *reads, int nreads)
{
    /* a folder made at the name of a dataset's or a split's own file would be read as it */
    if (cli_output_not_dataset(out, "-o", out, meta, reads, nreads) || cli_output_not_in_trace(out, 1, "-o", out, meta) ||
        ts_out_dir_check(out))
        return -1;
    char *ev = ts_path_join(out, "stream.txt"), *len = ts_path_join(out, "length"),
         *times = ts_path_join(out, "time_ns.npy"), *dt = ts_path_join(out, "dt.npy"),
         *own = ts_path_join(out, "derived"), *rec = ts_path_join(out, "split.txt");
    struct stat st;
    int rc = 0;
    /* a split's folder: the dataset's vocab.tsv and arch would replace the split's own */
    if (lstat(rec, &st) == 0)
        rc = ts_fail("%s: holds a split (split.txt), whose vocab.tsv and arch the output's would replace; name "
                     "another directory", out);
    /* the writers' own sets say so (DIR/derived, ts_mc_save_windows): written again, one
     * sequence without Δt too. One written before that file: a dt.npy and no times is
     * theirs; a trace with its times, or without Δt, may be ingest's and is refused */
    else if (lstat(ev, &st) == 0 && lstat(len, &st) != 0 && !(stat(own, &st) == 0 && S_ISREG(st.st_mode)) &&
        (lstat(times, &st) == 0 || lstat(dt, &st) != 0))
        rc = ts_fail("%s: holds a dataset that is no set of windows (stream.txt without a length file) and %s, "
                     "as an ingested trace, which the output would replace; name another directory", out,
                     lstat(times, &st) == 0 ? "its events' times (time_ns.npy)" : "no Δt channel (dt.npy)");
    free(ev);
    free(len);
    free(times);
    free(dt);
    free(own);
    free(rec);
    return rc;
}

int generate_channels(const char *path, size_t n, size_t L, const char *out, const ts_run_opts *ro)
{
    ts_mc_model *m = NULL;
    if (ts_mc_model_load(path, &m) != 0) return cli_fail();
    if (!L) L = m->len;
    if (!L) {
        ts_mc_model_free(m);
        return cli_usage_error("generate", "--length is required: the model takes any window length");
    }
    if ((double)n * (double)L > 2e9) {   /* generate's bound, now that the model has given the length */
        ts_mc_model_free(m);
        return cli_usage_error("generate", "%zu windows of %zu events are too many", n, L);
    }
    /* the architecture of the data it learned from, where it records one */
    int rc = generate_save(m, n, L, out, m->arch[0] ? m->arch : NULL, ro, "");
    ts_mc_model_free(m);
    return rc ? cli_run_failed("generate") : 0;   /* an option refused: a usage error */
}

/* the single-channel model at path as the event channel of the channels of d (loaded from
 * dataset), the other channels drawn from the training part of its time split by permille
 * (NULL: the model's recorded split, else the default; used[3]: the parts taken), within its
 * windows where it is a set of windows (DIR/length): 0, or 1 after the error is printed */
static int events_model(const char *path, const char *dataset, const ts_mc *d, const int *permille, int given,
                        size_t crop, ts_mc_model **out, const ts_model **event_model, int used[3])
{
    *out = NULL;
    int any = 0;
    for (int c = TS_CH_DT; c < TS_NCH; c++) any |= ts_mc_has(d, c);
    if (!any)
        return ts_fail("%s: no channel files beside stream.txt (dt.npy, tid.npy, ...: a dataset of ingest "
                       "--channels)", dataset), cli_fail();
    size_t len;
    if (ts_mc_window_length(dataset, d->n, &len) != 0) return cli_fail();
    ts_model *ev = NULL;
    if (ts_model_load(path, &ev) != 0) return cli_fail();
    /* the split the model was trained on, as plain impute cuts a dataset (cli_split_model_parts) */
    const int *pm = permille ? permille : ev->permille[0] > 0 ? ev->permille : ts_split_default_permille;
    memcpy(used, pm, 3 * sizeof *used);
    size_t ntrain, nvalid;
    parts(d->n, pm, &ntrain, &nvalid);
    /* 0 would mean the whole trace to the drawer, the test part among it */
    if (ntrain == 0) {
        ts_model_free(ev);
        return ts_fail("%s: its training part holds no event (%zu event%s in all)", dataset, d->n, ts_plural(d->n)),
               cli_fail();
    }
    if (ts_mc_model_events_windows(ev, d, ntrain, len, given, crop, dataset, out) != 0) {
        ts_fail("%s: %s", path, ts_error());
        ts_model_free(ev);
        return cli_fail();
    }
    if (event_model) *event_model = ev;   /* *out's */
    return 0;
}

int generate_events_channels(const char *path, const char *dataset, const int *permille, int given, size_t crop,
                             size_t n, size_t L, const char *out, const ts_run_opts *ro)
{
    ts_mc_model *m = NULL;
    ts_mc d;
    if (ts_mc_load(dataset, &d) != 0) return cli_fail();
    int pm[3];
    const ts_model *ev = NULL;
    if (events_model(path, dataset, &d, permille, given, crop, &m, &ev, pm) != 0) {
        ts_mc_free(&d);
        return 1;
    }
    /* a model of one window length (sssd-s4): its own without --length, and the windows
     * it samples (crops where --crop cuts L) of that length, refused before the work */
    if (!L) L = ev->len;
    const size_t C = crop && L > crop ? crop : L;
    int bad = 0;
    if (!L) bad = cli_usage_error("generate", "--length is required: %s takes any window length", path);
    else if ((double)n * (double)L > 2e9) bad = cli_usage_error("generate", "%zu windows of %zu events are too many", n, L);
    else if (ev->len && C != ev->len) {
        ts_fail("%s: %s: trained on windows of %zu event%s, cannot sample %zu%s", path, ev->ops->name, ev->len,
                ts_plural(ev->len), C, C == L ? " (--crop draws longer windows crop by crop)" : " (the --crop)");
        bad = cli_fail();
    }
    if (bad) {
        ts_mc_model_free(m);
        ts_mc_free(&d);
        return bad;
    }
    size_t ntrain, nvalid;
    parts(d.n, pm, &ntrain, &nvalid);
    char what[512];
    snprintf(what, sizeof what, "; other channels from the first %zu event%s of %s, drawn by %s", ntrain,
             ts_plural(ntrain), dataset, given == TS_DRAW_PAIR ? "pair" : "type");
    const char *arch = NULL;
    int rc = cli_dataset_arch(dataset, &arch);
    if (rc == 0) rc = generate_save(m, n, L, out, arch, ro, what);
    ts_mc_model_free(m);
    ts_mc_free(&d);
    return rc ? cli_run_failed("generate") : 0;   /* an option refused: a usage error */
}

/* the true values v (n) of a named channel, named by `from`, in the model's numbering `to`
 * for the accuracies: a name the model lacks is its <unk>, or -1 (never drawn) when it has
 * none (the model never read it: it was hidden) */
static void truth_ids(int32_t *v, size_t n, const ts_vocab *from, const ts_vocab *to)
{
    if (!v || from->n == 0 || to->n == 0) return;
    int32_t *map = ts_malloc((size_t)from->n * sizeof *map);
    ts_vocab_map(from, to, map);
    for (size_t i = 0; i < n; i++) v[i] = v[i] >= 0 && v[i] < from->n ? map[v[i]] : -1;
    free(map);
}

/* the error recorded is a model's refusal of --length, "MODEL: option --length: L: WHY",
 * where L is the recorded length of the set of windows `input` and no --length was given:
 * restated as the data's error, "INPUT: windows of L events (INPUT/length): MODEL: WHY".
 * 1 when it was, else 0 (the error as it was) */
static int set_length_refused(const char *input, size_t L)
{
    static const char key[] = ": option --length: ";
    if (!cli_error_is_option()) return 0;
    char *e = ts_strdup(ts_error()), *at = strstr(e, key);
    if (!at) { free(e); return 0; }
    const char *why = at + sizeof key - 1;
    why += strspn(why, "0123456789");
    if (!strncmp(why, ": ", 2)) why += 2;
    *at = 0;
    char *p = ts_path_join(input, "length");
    ts_fail("%s: windows of %zu event%s (%s): %s: %s", input, L, ts_plural(L), p, e, why);
    free(p);
    free(e);
    return 1;
}

int impute_channels(const char *path, const char *chfrom, int given, const char *input, const ts_split_spec *ss,
                    int parts_given, size_t prefix, size_t k, ts_mask_pos pos, const char *out,
                    const ts_run_opts *ro, int json)
{
    ts_mc_model *m = NULL;
    ts_mc x = {0}, w = {0}, y = {0}, d = {0};
    uint8_t *mask = NULL;
    const char **keys = ts_malloc(((size_t)ro->kv.n + 1) * sizeof *keys);
    const char **vals = ts_malloc(((size_t)ro->kv.n + 1) * sizeof *vals);
    ts_run_opts rp = *ro;
    const ts_model *ev = NULL;   /* with chfrom: the event model (m's) */
    int rc = 1, pm[3];           /* pm: the parts chfrom was cut by */
    size_t ntrain, nvalid;
    if (chfrom) {   /* the event model, the other channels drawn from chfrom's training part */
        if (ts_mc_load(chfrom, &d) != 0) { cli_fail(); goto done; }
        if (events_model(path, chfrom, &d, parts_given ? ss->permille : NULL, given, 0, &m, &ev, pm) != 0) goto done;
        /* a prefix is generation: it samples where the event model's imputation takes a
         * temperature (lstm's, greedy, takes none) */
        if (prefix) rp = ts_model_sampling_opts(ev, ro, 0, keys, vals);
    } else if (ts_mc_model_load(path, &m) != 0) {
        cli_fail();
        goto done;
    }
    if (chfrom && !strcmp(input, chfrom)) {
        x = d;
        memset(&d, 0, sizeof d);
    } else if (ts_mc_load(input, &x) != 0) {
        cli_fail();
        goto done;
    }
    for (int c = TS_CH_DT; c < TS_NCH; c++)   /* the input named (the driver's error says "the input") */
        if ((m->has & 1u << c) && !ts_mc_has(&x, c)) {
            ts_fail("%s: no channel '%s' (%s.npy), which %s %s", input, ts_ch_names[c], ts_ch_names[c],
                    chfrom ? chfrom : path, chfrom ? "has (--channels-from: the channels drawn)" : "models");
            cli_fail();
            goto done;
        }
    /* a set of windows (DIR/length) gives its own, as plain impute a file of windows: a
     * --length not theirs refused, naming both; else an event model's own length, else the
     * windows it was trained on (as plain impute) */
    size_t mlen = ev ? (ev->len ? ev->len : ev->window) : m->len, rec = 0;
    if (ts_mc_window_length(input, x.n, &rec) ||
        (rec && ss->length && cli_mc_window_length(input, x.n, 1, ss->length, &rec))) {
        cli_fail();
        goto done;
    }
    size_t L = rec ? rec : ss->length ? ss->length : mlen ? mlen : 200;
    /* a model's own held-out part (the event model's with chfrom), as its window length */
    ts_split_spec cut = *ss;
    cut.kind = TS_SPLIT_TIME;
    cut.length = L;   /* (a test part offered instead holds a window) */
    memcpy(cut.permille, chfrom ? pm : !parts_given && m->permille[0] > 0 ? m->permille : ss->permille,
           sizeof cut.permille);
    parts(x.n, cut.permille, &ntrain, &nvalid);
    /* the model's own dataset: not a test part on events it was trained or chose on */
    if (ev ? ts_model_held_out_check(ev, path, input, &cut, TS_PART_TEST, NULL)
           : ts_mc_model_held_out_check(m, path, input, &cut)) {
        cli_fail();
        goto done;
    }
    size_t from = ntrain + nvalid;
    if (rec) from = (from + L - 1) / L * L;   /* the recorded windows whole in the test part */
    size_t nw = from < x.n ? (x.n - from) / L : 0;
    if (nw == 0) {   /* a length valid on its face that this data's test part is too short for */
        if (rec) {
            char *p = ts_path_join(input, "length");
            ts_fail("%s: the test part (from event %zu of %zu) holds no whole window of %zu (%s)", input,
                    ntrain + nvalid, x.n, L, p);
            free(p);
        } else
            ts_fail("%s: the test part (%zu event%s) holds no window of %zu", input, x.n - from,
                    ts_plural(x.n - from), L);
        cli_fail();
        goto done;
    }
    /* an event model of one window length (sssd-s4) imputes windows of it only: refused
     * naming its file, before the work */
    if (ev && ev->len && L != ev->len) {
        char *p = rec ? ts_path_join(input, "length") : NULL;
        ts_fail("%s: %s: trained on windows of %zu event%s, cannot impute windows of %zu%s%s", path, ev->ops->name,
                ev->len, ts_plural(ev->len), L, p ? ", " : "", p ? p : "");
        free(p);
        cli_fail();
        goto done;
    }
    if (!prefix && pos == TS_MASK_ALL) k = L;   /* every event: the blackout is the window */
    if (!prefix && rec && k > L) {   /* valid on its face; the set's own windows are shorter */
        char *p = ts_path_join(input, "length");
        ts_fail("%s: --blackout %zu is longer than its windows (%zu event%s, %s)", input, k, L, ts_plural(L), p);
        free(p);
        cli_fail();
        goto done;
    }
    if (prefix ? prefix >= L : k > L) {
        rc = prefix ? cli_usage_error("impute", "--prefix %zu leaves nothing to draw: the windows have %zu event%s",
                                      prefix, L, ts_plural(L))
                    : cli_usage_error("impute", "--blackout %zu is longer than the windows (%zu event%s)", k, L,
                                      ts_plural(L));
        goto done;
    }
    if (ts_mc_slice(&x, from, from + nw * L, &w) != 0) { cli_fail(); goto done; }
    mask = ts_malloc(w.n);
    if (prefix) {
        for (size_t i = 0; i < w.n; i++) mask[i] = i % L < prefix;
    } else {
        ts_mask_fill(mask, nw, L, k, pos, ro->seed);
    }
    const uint8_t *masks[TS_NCH];   /* every channel of a hidden event hidden, as in a lost stretch of a trace */
    for (int c = 0; c < TS_NCH; c++) masks[c] = mask;
    size_t unknown = 0;
    if (ev) {   /* observed events the event model cannot name (it reads them as its <unk>) that
                   the driver does not count (names of the dataset's) */
        for (size_t i = 0; i < w.n; i++) {
            int32_t e = w.ch[TS_CH_EVENT][i];
            if (!mask[i] || e < 0 || e >= w.events.vocab.n) continue;
            const char *name = w.events.vocab.names[e];
            int32_t v = ts_vocab_lookup(&ev->vocab, name), dv = ts_vocab_lookup(&m->event_vocab, name);
            /* a name the dataset lacks is its <unk> (the lookup's answer), counted by the driver */
            unknown += dv >= 0 && dv != m->event_vocab.unk &&
                       (v < 0 || v >= ev->n_ids || (ev->vocab.unk >= 0 && v == ev->vocab.unk));
        }
    }
    size_t unknown_mc = 0;
    double t0 = ts_now();
    if (ts_mc_model_impute(m, &w, L, masks, &rp, &y, &unknown_mc) != 0) {   /* the place in the input's test part */
        if (!strncmp(ts_error(), "window ", 7)) ts_fail("%s: test part: %s", input, ts_error());
        if (rec && !ss->length && set_length_refused(input, L)) {   /* the set's own windows: the data's error */
            cli_fail();
            goto done;
        }
        rc = cli_run_failed("impute");   /* an option refused: a usage error */
        goto done;
    }
    unknown += unknown_mc;
    double secs = ts_now() - t0;
    const char *arch = NULL;
    if (out && (cli_dataset_arch(input, &arch) || ts_mc_save_windows(out, &y, arch, L, 1) != 0)) { cli_fail(); goto done; }
    if (unknown)   /* after the last error it could be followed by: an error is one line */
        cli_say(stderr, "tracesynth: note: impute: %zu observed %s the model never saw; it reads %s as <unk>\n", unknown,
                unknown == 1 ? "event has a name" : "events have names", unknown == 1 ? "it" : "them");
    long trained = -1;
    if (ev) {   /* the event model's training events, as plain impute says of them */
        const ts_windows ew = {w.ch[TS_CH_EVENT], nw, L};
        trained = cli_trained_count_in(ev, &ew, &w.events.vocab, input);
    }
    /* the share of hidden values drawn equal to the truth, per channel (dt: equal bins of 0.5) */
    ts_mc truth;
    if (ts_mc_slice(&w, 0, w.n, &truth) != 0) {
        cli_fail();
        goto done;
    }
    truth_ids(truth.ch[TS_CH_EVENT], truth.n, &truth.events.vocab, &m->event_vocab);
    truth_ids(truth.ch[TS_CH_COMM], truth.n, &truth.comm_vocab, &m->comm_vocab);
    truth_ids(truth.ch[TS_CH_RET], truth.n, &truth.ret_vocab, &m->ret_vocab);
    size_t hidden = 0;
    double acc[TS_NCH] = {0};
    for (size_t i = 0; i < y.n; i++) {
        if (mask[i]) continue;
        hidden++;
        for (int c = 0; c < TS_NCH; c++)
            if (m->has & 1u << c)
                acc[c] += c == TS_CH_DT ? (int)(2 * y.dt[i]) == (int)(2 * truth.dt[i]) : y.ch[c][i] == truth.ch[c][i];
    }
    ts_mc_free(&truth);
    if (json) {
        printf("{\"model\": \"%s\", \"windows\": %zu, \"length\": %zu, \"prefix\": %zu, \"blackout\": %zu, "
               "\"position\": ", m->ops->name, nw, L, prefix, prefix ? 0 : k);
        ts_json_put(stdout, prefix ? NULL : ts_mask_name(pos));
        printf(", \"hidden\": %zu, \"unknown\": %zu, \"seconds\": %.3f", hidden, unknown, secs);
        if (chfrom) {
            printf(", \"channels_from\": ");
            ts_json_put(stdout, chfrom);
            printf(", \"draw\": \"%s\"", given == TS_DRAW_PAIR ? "pair" : "type");
        }
        for (int c = 0; c < TS_NCH; c++)
            if (m->has & 1u << c) printf(", \"accuracy_%s\": %.6f", ts_ch_names[c], hidden ? 100 * acc[c] / hidden : 0);
        printf(", \"output\": ");
        ts_json_put(stdout, out);
        printf("}\n");
    } else {
        char what[64];   /* as plain impute says it */
        if (prefix) snprintf(what, sizeof what, "the first %zu event%s observed", prefix, ts_plural(prefix));
        else snprintf(what, sizeof what, "blackout %zu at %s", k, ts_mask_name(pos));
        printf("%s: %zu window%s of %zu from the test part of %s, %s; %zu hidden event%s; accuracy:", m->ops->name,
               nw, ts_plural(nw), L, input, what, hidden, ts_plural(hidden));
        for (int c = 0; c < TS_NCH; c++)
            if (m->has & 1u << c) printf(" %s %.2f", ts_ch_names[c], hidden ? 100 * acc[c] / hidden : 0);
        printf(" (%.2f s)%s%s\n", secs, out ? " -> " : "", out ? out : "");
    }
    cli_warn_trained("impute", NULL, trained, nw, NULL);
    rc = 0;
done:
    free(mask);
    ts_mc_free(&x);
    ts_mc_free(&w);
    ts_mc_free(&y);
    ts_mc_free(&d);
    free(keys);
    free(vals);
    ts_mc_model_free(m);
    return rc;
}
