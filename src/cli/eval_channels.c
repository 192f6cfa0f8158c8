/* tracesynth eval on multi-channel datasets: per-channel JS, W1 of dt, joint JS,
 * burst rates, and the validity distances under learned constraints. */
#include "cli.h"
#include "tracesynth/repair.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int eval_is_channels(const char *path)
{
    if (!path || ts_path_is_stdin(path)) return 0;   /* a file, not a dataset's folder */
    /* the files only ingest --channels writes (a log without times has no dt.npy, one
     * without pids no tid.npy); cpu.npy alone is a plain LTTng or ftrace dataset's */
    static const char *const files[] = {"dt.npy", "comm.npy", "ret.npy", "tid.npy"};
    int yes = 0;
    for (int i = 0; i < 4 && !yes; i++) {
        char *p = ts_path_join(path, files[i]);
        yes = ts_file_exists(p);
        free(p);
    }
    return yes;
}

/* key: the table's label; jkey: the JSON key (NULL: key) */
static void numk(const char *key, const char *jkey, double v, int json, int *first, const char *what)
{
    if (json) {
        printf("%s\"%s\": ", *first ? "" : ", ", jkey ? jkey : key);
        if (!(v >= 0) || !isfinite(v)) printf("null");   /* -1: absent; never nan in JSON */
        else printf("%.6f", v);
        *first = 0;
    } else if (v >= 0 && isfinite(v)) {
        printf("  %-16s %9.4f%s%s\n", key, v, *what ? "   " : "", what);   /* no blanks ending a line */
    }
}

static void num(const char *key, double v, int json, int *first, const char *what)
{
    numk(key, NULL, v, json, first, what);
}

const char *const eval_parts[] = {"all", "train", "valid", "test", NULL};

int cli_constraints_fit(const ts_constraints *k, ts_mc *m, const char *what, const char *cons, size_t *unknown)
{
    /* counted on a copy, before the fit makes them k's <unk> (it refuses names on one side) */
    if (unknown) {
        *unknown = 0;
        ts_mc c;
        if ((k->events.n > 0) == (m->events.vocab.n > 0) && ts_mc_slice(m, 0, m->n, &c) == 0) {
            if (ts_mc_renumber(&c, &k->events, &k->comm, &k->ret, unknown) != 0) *unknown = 0;
            ts_mc_free(&c);
        }
        ts_clear_error();   /* a fit that fails says it below */
    }
    if (ts_constraints_fit(k, m, what) == 0) return 0;
    char *why = ts_strdup(ts_error());
    ts_fail("%s (the constraints: %s)", why, cons);
    free(why);
    return -1;
}

/* the split the real part was cut by, as constraints and markov say it */
static void split_said(char *buf, size_t size, const int *pm, const char *rec, int given)
{
    if (rec) cli_split_recorded(buf, size, pm, rec);
    else
        snprintf(buf, size, "the time split at %g,%g,%g %s", pm[0] / 1000.0, pm[1] / 1000.0, pm[2] / 1000.0,
                 given ? "as --fractions gives it" : "by default");
}

int eval_channels(const char *real, const char *synthetic, const char *constraints, int part, const int *fractions,
                  size_t len, int len_given, int downstream, int json)
{
    ts_mc whole, r, s;
    ts_constraints k;
    int have_k = 0, rc = 1;
    char *rec = NULL;   /* the split.txt whose parts cut it */
    if (ts_mc_load(real, &whole) != 0) return cli_fail();
    /* a real set of windows (a generated one, its length recorded): no pair, burst or
     * bigram across them */
    size_t rlen = 0;
    if (ts_mc_window_length(real, whole.n, &rlen)) { ts_mc_free(&whole); return cli_fail(); }
    /* the time split's parts: [0, a), [a, b), [b, n); memorization is against [0, a). Its
     * shares: --fractions, else those its own splits record, else the default */
    size_t a, b;
    int pm[3];
    if (cli_dataset_fractions(real, fractions, pm, &rec, NULL)) { ts_mc_free(&whole); return cli_fail(); }
    ts_split_bounds(whole.n, pm, &a, &b);
    /* a set markov drew from more of this trace than its training part here (markov
     * --fractions): the part compared and memorization's training part hold events it
     * learned from, as a test part a model was trained on (impute refuses it) */
    size_t learned;
    uint64_t lh;
    int drawn = ts_mc_drawn_from(synthetic, &learned, &lh);
    if (drawn == 1 && learned > a && learned <= whole.n &&
        ts_events_hash(whole.events.stream.ids, learned, &whole.events.vocab) == lh) {
        char split[700];
        split_said(split, sizeof split, pm, rec, fractions != NULL);
        ts_fail("%s: markov drew it from the first %zu events of %s, past the end of its training part at event %zu "
                "(%s): the held-out events compared would include some it learned from; give eval the --fractions "
                "markov learned by", synthetic, learned, real, a, split);
        drawn = -1;
    }
    if (drawn < 0) {
        free(rec);
        ts_mc_free(&whole);
        return cli_fail();
    }
    size_t from = part == 2 ? a : part == 3 ? b : 0, to = part == 1 ? a : part == 2 ? b : whole.n;
    if (from >= to) {
        ts_fail("%s: its %s part, events [%zu, %zu), is empty", real, eval_parts[part], from, to);
        free(rec);
        ts_mc_free(&whole);
        return cli_fail();
    }
    if (rlen && (from % rlen || to % rlen)) {   /* its windows would be cut, as repair refuses */
        char *p = ts_path_join(real, "length");
        ts_fail("%s: its %s part, events [%zu, %zu), is not whole windows of %zu (%s)", real, eval_parts[part], from,
                to, rlen, p);
        free(p);
        free(rec);
        ts_mc_free(&whole);
        return cli_fail();
    }
    if (ts_mc_slice(&whole, from, to, &r)) { free(rec); ts_mc_free(&whole); return cli_fail(); }
    if (ts_mc_load(synthetic, &s) != 0) { free(rec); ts_mc_free(&r); ts_mc_free(&whole); return cli_fail(); }
    /* the windows the set records (a generated one), else --length's */
    if (cli_mc_window_length(synthetic, s.n, len_given, len, &len)) goto done;
    if (len && (s.n < len || s.n % len)) {
        ts_fail("%s: %zu event%s %s not windows of --length %zu", synthetic, s.n, ts_plural(s.n), s.n == 1 ? "is" : "are",
                len);
        goto done;
    }
    if (constraints) {
        if (ts_constraints_load(constraints, &k) != 0) goto done;
        have_k = 1;
    }
    /* names on one side only: the IDs of one trace would be read as the other's types (the
     * renumbering leaves unnamed events as they are), as constraints refuse them */
    if ((r.events.vocab.n > 0) != (s.events.vocab.n > 0)) {
        ts_fail("%s: its event types have %s, those of %s %s: they cannot be matched by name", synthetic,
                s.events.vocab.n > 0 ? "names" : "no names (no vocab.tsv)", real,
                r.events.vocab.n > 0 ? "have names" : "have none (no vocab.tsv)");
        goto done;
    }
    /* the synthetic trace in the real one's numbering, by name */
    size_t unknown = 0;
    if (ts_mc_renumber(&s, &r.events.vocab, &r.comm_vocab, &r.ret_vocab, &unknown) != 0) {
        char *why = ts_strdup(ts_error());   /* names the channel, not the file */
        ts_fail("%s: %s (that of %s)", synthetic, why, real);
        free(why);
        goto done;
    }
    ts_mc_fidelity f;
    if (ts_mc_compare_windows(&r, rlen, &s, len, &f) != 0) goto done;
    /* windows: the event channel's bigram JS and memorization, and every channel's; a real set
     * of windows: the training part's whole windows, no run across them */
    size_t L = len ? len : s.n, nw = 0, RL = rlen ? rlen : r.n, at = rlen ? a / rlen * rlen : a;
    ts_windows wr = {r.ch[TS_CH_EVENT], r.n / RL, RL}, ws = {s.ch[TS_CH_EVENT], s.n / L, L};
    ts_windows wt = {whole.ch[TS_CH_EVENT], rlen ? at / rlen : 1, rlen ? rlen : a};
    ts_gen_metrics g;
    double mem = -1;
    if (ts_eval_generate(&wr, &ws, at >= 2 ? &wt : NULL, &g)) {
        /* name the file and the part: the library knows only "real" / "synthetic" / "train" */
        const char *e = ts_error();
        char *msg = ts_strdup(strchr(e, ':') ? strchr(e, ':') + 1 : e);
        if (!strncmp(e, "synthetic:", 10)) ts_fail("%s:%s", synthetic, msg);
        else if (!strncmp(e, "real:", 5)) ts_fail("%s: its %s part:%s", real, eval_parts[part], msg);
        else if (!strncmp(e, "train:", 6)) ts_fail("%s: its training part:%s", real, msg);
        free(msg);
        goto done;
    }
    if (at && ts_mc_memorized_windows(&whole, at, rlen, &s, L, &mem, &nw)) goto done;
    /* next-event prediction on the event channel, trained on the synthetic events and on the
     * training part's, scored on the real part's events after the training part (those in it
     * would score the predictor trained on them on its own data); a real set of windows: its
     * whole windows there, each event predicted from those before it in its window */
    ts_downstream_metrics ds = {0};
    if (downstream) {
        size_t h = from > a ? from : a;
        if (rlen) h = (h + rlen - 1) / rlen * rlen;
        if (h >= to) {
            ts_fail("%s: --downstream scores on held-out events, and its %s part holds none after the training "
                    "part (--real-part all, valid or test)", real, eval_parts[part]);
            goto done;
        }
        ts_windows wh = {whole.ch[TS_CH_EVENT] + h, rlen ? (to - h) / rlen : 1, rlen ? rlen : to - h};
        if (ts_eval_downstream(&wh, &ws, at >= 2 ? &wt : NULL, downstream, &ds)) goto done;
    }
    ts_validity vr, vs;
    if (have_k) {
        if (cli_constraints_fit(&k, &r, real, constraints, NULL) ||
            cli_constraints_fit(&k, &s, synthetic, constraints, NULL))
            goto done;
        ts_constraints_validity(&k, &r, rlen, &vr);
        ts_constraints_validity(&k, &s, len, &vs);
    }
    /* once nothing can fail: an error is the one line */
    if (unknown && !json)
        cli_say(stderr, "tracesynth: note: eval: %zu synthetic value%s %s names the real trace lacks (counted as <unk>)\n",
                unknown, ts_plural(unknown), unknown == 1 ? "has" : "have");
    int first = 1;
    if (json) {
        printf("{\"real_part\": \"%s\", \"real_events\": %zu, ", eval_parts[part], r.n);
        cli_json_fractions("fractions", pm, rec, fractions != NULL);
        printf("\"synthetic_events\": %zu, \"length\": %zu, \"windows\": %zu, ", s.n, L, s.n / L);
    } else {
        /* the split recorded is said as constraints and markov say it */
        char split[700];
        split_said(split, sizeof split, pm, rec, fractions != NULL);
        printf("multi-channel: real %zu event%s (%s, events [%zu, %zu) of %zu, %s), synthetic %zu event%s (%zu "
               "window%s of %zu)\n", r.n, ts_plural(r.n), eval_parts[part], from, to, whole.n, split, s.n,
               ts_plural(s.n), s.n / L, ts_plural(s.n / L), L);
    }
    if (json) first = 1, printf("\"js\": {");
    for (int c = 0; c < TS_NCH; c++) {
        if (c == TS_CH_DT) continue;
        char key[32], what[64];
        snprintf(key, sizeof key, json ? "%s" : "JS %s", ts_ch_names[c]);
        snprintf(what, sizeof what, "bits, the %s values", ts_ch_names[c]);
        num(key, f.js[c], json, &first, what);
    }
    if (json) printf("}, "), first = 1;
    numk("JS bigram", "js_bigram", g.has_bigram ? g.js_bigram : -1, json, &first, "bits, event pairs inside windows");
    numk("W1 dt", "w1_dt", f.w1_dt, json, &first, "log(1 + ns), Wasserstein-1 of dt");
    numk("JS event x cpu", "js_event_cpu", f.js_event_cpu, json, &first, "bits, joint");
    numk("JS event x ret", "js_event_ret", f.js_event_ret, json, &first, "bits, joint");
    numk("bursts real", "bursts_real", f.burst_real, json, &first,
         len ? "per 1000 events (>= 3 within 10 us), in windows of L" : "per 1000 events (>= 3 within 10 us)");
    numk("bursts synthetic", "bursts_synthetic", f.burst_synth, json, &first, "per 1000 events");
    numk("memorized", "memorized", mem, json, &first, "windows verbatim in the training part, every channel");
    numk("memorized events", "memorized_events", g.has_train ? g.memorized : -1, json, &first,
         "windows whose events alone are verbatim there");
    numk("LCS mean", "lcs_mean", g.has_train ? g.lcs_mean : -1, json, &first, "events, longest event run shared with it");
    char what[96];
    snprintf(what, sizeof what, "%% top-1 next held-out event, order-%d Kneser-Ney trained on synthetic", downstream);
    numk("next event", "downstream_accuracy", downstream ? ds.accuracy : -1, json, &first, what);
    numk("next event bits", "downstream_bits", downstream ? ds.bits : -1, json, &first, "bits per event, the same");
    numk("next ev. train", "downstream_train_accuracy", ds.has_train ? ds.train_accuracy : -1, json, &first,
         "% top-1, the same trained on as many training events");
    numk("next bits train", "downstream_train_bits", ds.has_train ? ds.train_bits : -1, json, &first,
         "bits per event, the same");
    if (have_k) {
        if (json) printf(", \"validity\": {"), first = 1;
        numk("D_trans", "d_trans", vs.d_trans, json, &first, "synthetic pairs not in the transition graph");
        numk("D_time", "d_time", vs.d_time, json, &first, "synthetic events with dt outside their type's bounds");
        numk("D_cpu", "d_cpu", vs.d_cpu, json, &first, "synthetic events on a CPU their type never runs on");
        numk("D_attr", "d_attr", vs.d_attr, json, &first, "synthetic events with an attribute their type never has");
        if (json) printf("}, \"validity_real\": {"), first = 1;
        else printf("  (the real trace under the same constraints:)\n");
        numk("D_trans", "d_trans", vr.d_trans, json, &first, "");
        numk("D_time", "d_time", vr.d_time, json, &first, "");
        numk("D_cpu", "d_cpu", vr.d_cpu, json, &first, "");
        numk("D_attr", "d_attr", vr.d_attr, json, &first, "");
        if (json) printf("}");
    }
    if (json) printf("}\n");
    rc = 0;
done:
    free(rec);
    if (have_k) ts_constraints_free(&k);
    ts_mc_free(&r);
    ts_mc_free(&s);
    ts_mc_free(&whole);
    return rc ? cli_fail() : 0;
}
