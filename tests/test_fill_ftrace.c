/* Lost events in ftrace text: gaps, fill (reconstructed lines after each marker), drop
 * (markers written), ingest of a filled trace, bad input, and a real trace_pipe recording. */
#include "check.h"
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "tracesynth/mdm.h"
#include "tracesynth/model.h"
#include "data/data_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* the note on perf script's text without a PERF_RECORD_LOST line: it cannot tell a recording
 * that lost none from text made without --show-lost-events */
#define NO_LOST_NOTE "perf script's text has no PERF_RECORD_LOST line: no event was lost, or the text was made " \
                     "without perf script --show-lost-events, which prints them (the text cannot tell which); perf " \
                     "report --stats tells whether any were lost"

static char dir[256];

static const char *at(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    char *b;
    size_t n;
    return ts__read_text(path, &b, &n) ? NULL : b;
}

/* two CPUs, threads 10 (CPU 0) and 20 (CPU 1) looping over read and write; lost: a marker
 * of that many events on CPU 0 after its first `at` events (0: none); CPU 1 starts with
 * "buffer started" when started */
static char *make_text(int per_cpu, int at_ev, int lost, int started)
{
    size_t cap = (size_t)per_cpu * 2 * 120 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n# entries-in-buffer/entries-written: %d/%d   #P:2\n#\n",
                          2 * per_cpu, 2 * per_cpu);
    if (started) n += (size_t)snprintf(t + n, cap - n, "##### CPU 1 buffer started ####\n");
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && lost && i == at_ev) n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST %d EVENTS]\n", lost);
            long us = 1000000L + 10L * i + c;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd",
                                  c ? 20 : 10, c, us / 1000000, us % 1000000, ev[i % 4]);
        }
    return t;
}

/* the lines of s, split in place */
static size_t lines_of(char *s, char ***out)
{
    size_t n = 0, cap = 1024;
    char **l = malloc(cap * sizeof *l);
    for (char *p = s; *p;) {
        char *nl = strchr(p, '\n');
        if (n == cap) l = realloc(l, (cap *= 2) * sizeof *l);
        l[n++] = p;
        if (!nl) break;
        *nl = 0;
        p = nl + 1;
    }
    *out = l;
    return n;
}

static double line_time(const char *l)
{
    const char *c = strchr(l, ']');
    return c ? strtod(c + 8, NULL) : -1;
}

static void fill_opts(ts_fill_opts *o)
{
    memset(o, 0, sizeof *o);
    o->model = "ngram";
    o->record = 1;   /* the events are compared */
}

/* a marker of 6 events in a strict read/write loop: listed, filled with the loop's next 6
 * events right after the marker, in time order, every other line unchanged */
static void fill_inline(void)
{
    /* CPU 0's events 300.. 305 dropped by hand: the text after the marker resumes at 306 */
    char *full = make_text(600, 0, 0, 0);
    char **fl;
    size_t nfl = lines_of(full, &fl);
    size_t cap = (size_t)nfl * 130 + 64, n = 0;
    char *text = malloc(cap);
    int skipped = 0;
    for (size_t i = 0; i < nfl; i++) {
        int cpu0 = strstr(fl[i], "[000]") != NULL;
        double tm = line_time(fl[i]);
        if (cpu0 && tm > 1.003 - 1e-9 && tm < 1.00306 - 1e-9) { skipped++; continue; }
        if (cpu0 && skipped == 6 && fabs(tm - 1.00306) < 1e-9) n += (size_t)snprintf(text + n, cap - n, "CPU:0 [LOST 6 EVENTS]\n");
        n += (size_t)snprintf(text + n, cap - n, "%s\n", fl[i]);
    }
    REQUIRE(skipped == 6);
    write_file(at("in.trace"), text);

    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("in.trace"), 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.events == 1194 && gl.recon == 0);
    if (gl.n == 1) {
        CHECK(gl.gaps[0].g.cpu == 0 && gl.gaps[0].g.count == 6 && gl.gaps[0].g.count_known);
        CHECK(gl.gaps[0].g.begin_ns == 1002990000 && gl.gaps[0].g.end_ns == 1003060000);
        CHECK(gl.gaps[0].before && !strcmp(gl.gaps[0].before, "syscall_exit_write"));
        CHECK(gl.gaps[0].after && !strcmp(gl.gaps[0].after, "syscall_entry_write"));
    }
    ts_gap_list_free(&gl);

    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("in.trace"), at("out.trace"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 6 && r.events == 1194);
    ts_fill_result_free(&r);

    /* the input's lines, unchanged and in place; 6 reconstructed ones right after the marker */
    char *in = slurp(at("in.trace")), *out = slurp(at("out.trace"));
    REQUIRE(in && out);
    char **il, **ol;
    size_t ni = lines_of(in, &il), no = lines_of(out, &ol), j = 0, recon = 0;
    CHECK(no == ni + 6);
    static const char *const want[6] = {"sys_enter_read", "sys_exit_read", "sys_enter_write", "sys_exit_write",
                                        "sys_enter_read", "sys_exit_read"};
    double last = 0;
    for (size_t i = 0; i < no; i++) {
        if (strstr(ol[i], TS_FTRACE_RECON ": ")) {
            CHECK(i > 0 && (!strcmp(ol[i - 1], "CPU:0 [LOST 6 EVENTS]") || strstr(ol[i - 1], TS_FTRACE_RECON)));
            CHECK(strstr(ol[i], "  dd-10 ") && strstr(ol[i], "[000] ..... ") && strstr(ol[i], " tid=10 ") &&
                  strstr(ol[i], " gap_count=6"));
            char ev[64];
            const char *e = strstr(ol[i], "event=");
            CHECK(e && sscanf(e, "event=%63s", ev) == 1 && recon < 6 && !strcmp(ev, want[recon]));
            double tm = line_time(ol[i]);
            CHECK(tm >= 1.00299 - 1e-9 && tm <= 1.00306 + 1e-9 && tm >= last);
            last = tm;
            recon++;
            continue;
        }
        CHECK(j < ni && !strcmp(ol[i], il[j]));
        if (strstr(ol[i], "[000]")) last = line_time(ol[i]);
        j++;
    }
    CHECK(recon == 6 && j == ni);
    free(il);
    free(ol);
    free(in);
    free(out);

    /* read back: by default each is the event it stands for; the gap is filled */
    const char *one[] = {at("out.trace")};
    ts_ctf_opts co = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace tr;
    char *notes = NULL;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes) == 0);
    CHECK(tr.n == 1200 && notes && strstr(notes, "6 events reconstructed"));
    ts_ctf_trace_free(&tr);
    free(notes);
    /* CPU 1's events alone: the gap's reconstructed events are CPU 0's, none read */
    co.cpu = 1;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes) == 0);
    CHECK_MSG(tr.n == 600 && !(notes && strstr(notes, "reconstructed")), "%zu events, %s", tr.n, notes ? notes : "");
    ts_ctf_trace_free(&tr);
    free(notes);
    co.cpu = 0;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes) == 0);
    CHECK_MSG(tr.n == 600 && notes && strstr(notes, "6 events reconstructed"), "%zu events, %s", tr.n, notes ? notes : "");
    ts_ctf_trace_free(&tr);
    free(notes);
    co.cpu = -1;
    co.no_recon = 1;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes) == 0);
    CHECK(tr.n == 1194);
    ts_ctf_trace_free(&tr);
    free(notes);
    REQUIRE(ts_gaps_find(at("out.trace"), 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.recon == 6 && gl.events == 1194);
    ts_gap_list_free(&gl);
    REQUIRE(ts_ctf_fill(at("out.trace"), at("again.trace"), &o, &r) == 0);
    CHECK(r.reconstructed == 0);
    ts_fill_result_free(&r);
    free(text);
    free(fl);
    free(full);
}

/* a gap many times longer than the trace around it (200 events a CPU, the n-gram trained
 * on every CPU's 380): filled as the loop the trace runs, not as one event throughout; the
 * thread before the gap (known) has its entries and exits paired through the gap and up to
 * the events after it (4002 events: the loop cannot end where the trace resumes by itself);
 * a gap that begins the CPU's events, filled from the events after it, is the loop too */
static void fill_gap_longer_than_trace(void)
{
    for (int start = 0; start < 2; start++) {
        const int lost = start ? 4000 : 4002;
        char *t = make_text(200, start ? 0 : 100, lost, 0);
        write_file(at("long.trace"), t);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at("long.trace"), at("long_filled.trace"), &o, &r) == 0);
        CHECK(r.n == 1 && r.reconstructed == (uint64_t)lost);
        ts_fill_result_free(&r);
        char *out = slurp(at("long_filled.trace"));
        REQUIRE(out);
        char **ol;
        size_t no = lines_of(out, &ol), recon = 0, run = 0, longest = 0, unpaired = 0, count[4] = {0};
        static const char *const name[4] = {"sys_enter_read", "sys_exit_read", "sys_enter_write", "sys_exit_write"};
        int prev = -1;
        for (size_t i = 0; i < no; i++) {
            const char *e = strstr(ol[i], TS_FTRACE_RECON ": event=");
            if (!e) continue;
            e += strlen(TS_FTRACE_RECON ": event=");
            int c = -1;
            for (int q = 0; q < 4; q++)
                if (!strncmp(e, name[q], strlen(name[q])) && e[strlen(name[q])] == ' ') c = q;
            CHECK_MSG(c >= 0, "%s", ol[i]);
            if (c < 0) break;
            count[c]++;
            run = c == prev ? run + 1 : 1;
            if (run > longest) longest = run;
            /* an entry's next event is its exit */
            unpaired += prev >= 0 && prev % 2 == 0 && c != prev + 1;
            prev = c;
            recon++;
        }
        CHECK_MSG(recon == (size_t)lost && longest == 1 && unpaired == 0 && count[0] >= 990 && count[2] >= 990,
                  "gap %s: %zu lines, %zu read, %zu write, the same event %zu times in a row, %zu entries without their exit next",
                  start ? "first" : "in the middle", recon, count[0], count[2], longest, unpaired);
        /* thread 10's entries and exits pair, the gap's included */
        ts_sc_analysis a;
        REQUIRE(ts_sc_analyse(at("long_filled.trace"), 0, &a) == 0);
        CHECK_MSG(a.unmatched == 0 && a.returning >= (start ? 200u : 1100u), "gap %s: %llu of %llu entries unmatched",
                  start ? "first" : "in the middle", (unsigned long long)a.unmatched, (unsigned long long)a.returning);
        ts_sc_analysis_free(&a);
        free(ol);
        free(out);
        free(t);
    }
}

/* a gap over 10 times as long as the events its model learned from is noted, once a run
 * however many such gaps there are, with how many events came from how few; a gap of
 * ordinary size is not */
static void fill_outsized_gap_noted(void)
{
    /* CPU 0 loses 4002 events, CPU 1 4000: one model over both CPUs' 380 */
    char *t = make_text(200, 100, 4002, 0);
    char *c1 = strstr(t, "cat-20      [001] .....     1.001501:");
    REQUIRE(c1);
    while (c1 > t && c1[-1] != '\n') c1--;
    size_t n = strlen(t), at1 = (size_t)(c1 - t);
    const char *mark = "CPU:1 [LOST 4000 EVENTS]\n";
    char *t2 = malloc(n + strlen(mark) + 1);
    memcpy(t2, t, at1);
    strcpy(t2 + at1, mark);
    strcat(t2, t + at1);
    write_file(at("outsized.trace"), t2);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("outsized.trace"), at("outsized_filled.trace"), &o, &r) == 0);
    CHECK_MSG(r.n == 2 && r.outsized == 2 && r.outsized_events == 8002 && r.outsized_trained == 380 && r.outsized_models == 1,
              "%zu gaps, %llu outsized (%llu events, from %llu, %d models)", r.n, (unsigned long long)r.outsized,
              (unsigned long long)r.outsized_events, (unsigned long long)r.outsized_trained, r.outsized_models);
    ts_fill_result_free(&r);
    char buf[8192], cmd[1200];
    snprintf(cmd, sizeof cmd, "fill -q %s -o %s", at("outsized.trace"), at("outsized_cli.trace"));
    CHECK(run_output(cmd, buf, sizeof buf) == 0);
    size_t notes = 0;
    for (const char *p = buf; (p = strstr(p, "note: ")); p++) notes++;
    CHECK_MSG(notes == 1 && strstr(buf, "tracesynth: note: fill: ") &&
              strstr(buf, ": 8002 events reconstructed in 2 gaps from a model trained on 380 recorded events (over 10 times "
                          "as many in each gap)"), "%s", buf);
    free(t2);
    free(t);
    /* 6 events lost: nothing to note */
    t = make_text(200, 100, 6, 0);
    write_file(at("ordinary.trace"), t);
    snprintf(cmd, sizeof cmd, "fill -q %s -o %s", at("ordinary.trace"), at("ordinary_cli.trace"));
    CHECK(run_output(cmd, buf, sizeof buf) == 0);
    CHECK_MSG(!strstr(buf, "note:") && strstr(buf, "fill: 1 gap, 6 events reconstructed"), "%s", buf);
    free(t);
}

/* "buffer started": a gap of no count, listed, nothing reconstructed there */
static void unknown_count(void)
{
    char *t = make_text(400, 200, 5, 1);
    write_file(at("u.trace"), t);
    free(t);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("u.trace"), 0, &gl) == 0);
    REQUIRE(gl.n == 2);
    CHECK(gl.gaps[0].g.cpu == 1 && !gl.gaps[0].g.count_known && !gl.gaps[0].before);
    CHECK(gl.gaps[1].g.cpu == 0 && gl.gaps[1].g.count == 5);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("u.trace"), at("u_out.trace"), &o, &r) == 0);
    CHECK(r.reconstructed == 5);
    ts_fill_result_free(&r);
}

/* drop: markers before the CPU's next kept event, the dropped lines gone, the rest kept;
 * fill's gaps are drop's, one for one */
static void drop_then_fill(void)
{
    char *t = make_text(1500, 0, 0, 0);
    write_file(at("full.trace"), t);
    ts_drop_opts d = {0.1, 8, 16, 7, 0, 1, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(at("full.trace"), at("dropped.trace"), &d, &st) == 0);
    CHECK(st.events == 3000 && st.dropped > 100 && st.n_gaps > 5);
    char *dr = slurp(at("dropped.trace"));
    REQUIRE(dr);
    char **dl, **fl;
    size_t nd = lines_of(dr, &dl), nf = lines_of(t, &fl), j = 0, markers = 0;
    uint64_t lost = 0;
    for (size_t i = 0; i < nd; i++) {
        unsigned c;
        unsigned long long k;
        if (sscanf(dl[i], "CPU:%u [LOST %llu EVENTS]", &c, &k) == 2) {
            markers++;
            lost += k;
            /* the next line is an event of its CPU */
            char want[16];
            snprintf(want, sizeof want, "[%03u]", c);
            CHECK(i + 1 == nd || strstr(dl[i + 1], want) || !strncmp(dl[i + 1], "CPU:", 4));
            continue;
        }
        while (j < nf && strcmp(fl[j], dl[i])) j++;   /* in order, a subsequence of the input */
        CHECK(j < nf);
    }
    CHECK(markers == st.n_gaps && lost == st.dropped && nd == nf - st.dropped + markers);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("dropped.trace"), 0, &gl) == 0);
    CHECK(gl.n == st.n_gaps && gl.events == st.events - st.dropped);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("dropped.trace"), at("refilled.trace"), &o, &r) == 0);
    CHECK(r.n == st.n_gaps && r.reconstructed == st.dropped);
    /* the same gaps by CPU and number; a strict loop is filled right */
    size_t hit = 0, tot = 0;
    for (size_t i = 0; i < st.n_gaps; i++)
        for (size_t g = 0; g < r.n; g++)
            if (r.gaps[g].cpu == st.gaps[i].cpu && r.gaps[g].index == st.gaps[i].index && r.gaps[g].n == st.gaps[i].n)
                for (size_t k = 0; k < st.gaps[i].n; k++, tot++) hit += !strcmp(r.gaps[g].names[k], st.gaps[i].names[k]);
    CHECK(tot == st.dropped && hit * 10 >= tot * 9);
    ts_fill_result_free(&r);
    /* the system call analysis reads both kinds alike: filled, the counts come back */
    ts_sc_analysis truth, filled;
    REQUIRE(ts_sc_analyse(at("full.trace"), 0, &truth) == 0);
    REQUIRE(ts_sc_analyse(at("refilled.trace"), 0, &filled) == 0);
    CHECK(truth.total == 1500 && truth.n == 2 && filled.total >= 1470 && filled.total <= 1530);
    ts_sc_analysis_free(&truth);
    ts_sc_analysis_free(&filled);
    ts_drop_stats_free(&st);
    free(dl);
    free(fl);
    free(dr);
    free(t);
}

/* a filled text is no recording: drop refuses it, naming it, and writes nothing */
/* a filled trace given to fill again: its gaps are filled already, and no model is trained
 * for them (mdm trained one per CPU for minutes, to reconstruct nothing); a gap the first
 * fill left (one of unknown size) needs none either */
static void refill_trains_nothing(void)
{
    char *t = make_text(3000, 1200, 20, 1);
    write_file(at("once.trace"), t);
    free(t);
    char cmd[2000], out[16384];
    snprintf(cmd, sizeof cmd, "fill %s -o %s --threads 1", at("once.trace"), at("once_filled.trace"));
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "fill: training ngram") && strstr(out, "20 events reconstructed"), "%s", out);
    snprintf(cmd, sizeof cmd, "fill %s -o %s --threads 1 --model mdm --iters 5 --layers 1 --channels 8",
             at("once_filled.trace"), at("twice_filled.trace"));
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "training") && strstr(out, "0 events reconstructed"), "%s", out);
    char *a = slurp(at("once_filled.trace")), *b = slurp(at("twice_filled.trace"));
    CHECK(a && b && !strcmp(a, b));
    free(a);
    free(b);
}

static void drop_refuses_filled_text(void)
{
    char *t = make_text(400, 100, 12, 0);
    write_file(at("lost.trace"), t);
    free(t);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("lost.trace"), at("lost-filled.trace"), &o, &r) == 0);
    CHECK(r.reconstructed == 12);
    ts_fill_result_free(&r);
    unlink(at("again.trace"));
    ts_drop_opts d = {0.1, 8, 16, 7, 0, 0, NULL};
    ts_drop_stats st;
    int rc = ts_ctf_drop(at("lost-filled.trace"), at("again.trace"), &d, &st);
    CHECK_MSG(rc == -1, "drop of a filled text: rc %d, %llu of %llu events dropped", rc,
              (unsigned long long)st.dropped, (unsigned long long)st.events);
    CHECK_MSG(strstr(ts_error(), at("lost-filled.trace")) && strstr(ts_error(), "reconstructed"), "%s", ts_error());
    struct stat sb;
    CHECK(stat(at("again.trace"), &sb) != 0);
    ts_drop_stats_free(&st);
}

/* one error line naming the file and line; nothing written */
static void bad_input(void)
{
    write_file(at("bad.trace"), "# tracer: nop\n  a-1 [000] ..... 1.000001: sys_read(fd: 0)\nnot a line\n");
    ts_gap_list gl;
    CHECK(ts_gaps_find(at("bad.trace"), 0, &gl) == -1);
    CHECK(strstr(ts_error(), "bad.trace:3: not an ftrace event line"));
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    unlink(at("bad_out.trace"));
    CHECK(ts_ctf_fill(at("bad.trace"), at("bad_out.trace"), &o, &r) == -1);
    CHECK(access(at("bad_out.trace"), F_OK) != 0);
    write_file(at("recon_bad.trace"), "  a-1 [000] ..... 1.000001: " TS_FTRACE_RECON ": tid=3\n");
    CHECK(ts_gaps_find(at("recon_bad.trace"), 0, &gl) == -1);
    CHECK(strstr(ts_error(), "recon_bad.trace:1: malformed " TS_FTRACE_RECON));
    write_file(at("empty.trace"), "# tracer: nop\n");
    CHECK(ts_gaps_find(at("empty.trace"), 0, &gl) == -1);
    CHECK(strstr(ts_error(), "no ftrace event lines"));
    /* the output a directory: refused, named */
    char *t = make_text(300, 100, 4, 0);
    write_file(at("ok.trace"), t);
    free(t);
    CHECK(ts_ctf_fill(at("ok.trace"), dir, &o, &r) == -1);
    CHECK(strstr(ts_error(), "a directory"));
    /* compressed by another tool than gzip, or a gzip stream cut short: the reader's one
     * error line (its buffer was freed twice: the process aborted) */
    write_file(at("zstd.trace"), "\x28\xb5\x2f\xfd" "0123");
    CHECK(ts_gaps_find(at("zstd.trace"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "zstd-compressed"), "%s", ts_error());
    CHECK(ts_ctf_fill(at("zstd.trace"), at("zstd_out.trace"), &o, &r) == -1);
    write_file(at("cut.trace.gz"), "\x1f\x8b\x08");
    CHECK(ts_gaps_find(at("cut.trace.gz"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "gzip"), "%s", ts_error());
    /* counts each readable whose sum is not (3 x (2^63 - 2) wraps 2^64): refused at the
     * marker that passes 2^63 - 1, not summed into totals that wrapped */
    for (int perf = 0; perf < 2; perf++) {
        const char *mark = perf ? "           a   1 [000]     1.000002: PERF_RECORD_LOST lost 9223372036854775806\n"
                                : "CPU:0 [LOST 9223372036854775806 EVENTS]\n";
        const char *ev = perf ? "           a   1 [000]     1.%06d: raw_syscalls:sys_enter: NR 0 (0, 0, 0, 0, 0, 0)\n"
                              : "  a-1 [000] ..... 1.%06d: sys_read(fd: 0)\n";
        char text[2048];
        size_t n = 0;
        for (int i = 0; i < 4; i++) {
            if (i) n += (size_t)snprintf(text + n, sizeof text - n, "%s", mark);
            n += (size_t)snprintf(text + n, sizeof text - n, ev, 2 * i + 1);
        }
        write_file(at("sum.trace"), text);
        CHECK(ts_gaps_find(at("sum.trace"), 0, &gl) == -1);
        CHECK_MSG(strstr(ts_error(), "sum.trace:4: ") && strstr(ts_error(), "2^63"), "%s", ts_error());
        CHECK(ts_ctf_fill(at("sum.trace"), at("sum_out.trace"), &o, &r) == -1);
        CHECK_MSG(strstr(ts_error(), "sum.trace:4: "), "%s", ts_error());
        CHECK(access(at("sum_out.trace"), F_OK) != 0);
    }
    /* a total of exactly 2^63 - 1 (2^63 - 2, then 1) is refused too, and the error says so:
     * it said the total would have to pass 2^63 - 1 */
    write_file(at("max.trace"), "  a-1 [000] ..... 1.000001: sys_read(fd: 0)\n"
                                "CPU:0 [LOST 9223372036854775806 EVENTS]\n"
                                "  a-1 [000] ..... 1.000003: sys_read(fd: 0)\n"
                                "CPU:0 [LOST 1 EVENTS]\n"
                                "  a-1 [000] ..... 1.000005: sys_read(fd: 0)\n");
    CHECK(ts_gaps_find(at("max.trace"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "max.trace:4: ") && strstr(ts_error(), "reach 2^63 - 1"), "%s", ts_error());
    /* a device or a pipe is neither kind: named as such, not as a CTF directory */
    CHECK(ts_gaps_find("/dev/null", 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "/dev/null: neither a CTF trace") && strstr(ts_error(), "save it to a file"), "%s",
              ts_error());
}

/* raw_syscalls numbers named through the table asked for, not the host's: an aarch64
 * recording (63 read, 64 write there; newuname and semget on x86_64) read on any host */
static char *make_raw_text(int per_cpu, int at_ev, int lost)
{
    size_t cap = (size_t)per_cpu * 2 * 100 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n");
    static const char *const ev[4] = {"sys_enter: NR 63 (3, 1000, 10)", "sys_exit: NR 63 = 16",
                                      "sys_enter: NR 64 (4, 1000, 10)", "sys_exit: NR 64 = 16"};
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && lost && i == at_ev) n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST %d EVENTS]\n", lost);
            long us = 1000000L + 10L * i + c;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd",
                                  c ? 20 : 10, c, us / 1000000, us % 1000000, ev[i % 4]);
        }
    return t;
}

static void raw_arch(void)
{
    char *t = make_raw_text(400, 200, 6);
    write_file(at("raw.trace"), t);
    free(t);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find_arch(at("raw.trace"), "aarch64", 0, &gl) == 0);
    REQUIRE(gl.n == 1);
    CHECK_MSG(gl.gaps[0].before && !strcmp(gl.gaps[0].before, "syscall_exit_write"), "%s", gl.gaps[0].before);
    CHECK_MSG(gl.gaps[0].after && !strcmp(gl.gaps[0].after, "syscall_entry_read"), "%s", gl.gaps[0].after);
    ts_gap_list_free(&gl);
    REQUIRE(ts_gaps_find_arch(at("raw.trace"), "x86_64", 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.gaps[0].before && !strcmp(gl.gaps[0].before, "syscall_exit_semget"));
    ts_gap_list_free(&gl);
    CHECK(ts_gaps_find_arch(at("raw.trace"), "sparc", 0, &gl) == -1 && strstr(ts_error(), "sparc"));

    /* fill: the reconstructed lines name aarch64's calls */
    ts_fill_opts o;
    fill_opts(&o);
    o.arch = "aarch64";
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("raw.trace"), at("raw_out.trace"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 6);
    ts_fill_result_free(&r);
    char *out = slurp(at("raw_out.trace"));
    REQUIRE(out);
    CHECK(strstr(out, "event=sys_enter_read ") && strstr(out, "event=sys_exit_write ") && !strstr(out, "semget"));
    free(out);

    /* drop records the dropped events by those names; the system call analysis reads them */
    ts_drop_opts d = {0.1, 8, 16, 7, 0, 1, "aarch64"};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(at("raw.trace"), at("raw_dropped.trace"), &d, &st) == 0);
    int named = 1;
    for (size_t i = 0; i < st.n_gaps; i++)
        for (size_t k = 0; k < st.gaps[i].n; k++)
            named &= strstr(st.gaps[i].names[k], "_read") || strstr(st.gaps[i].names[k], "_write");
    CHECK(st.n_gaps > 0 && named);
    ts_drop_stats_free(&st);
    ts_sc_analysis a;
    REQUIRE(ts_sc_analyse_arch(at("raw.trace"), "aarch64", 0, &a) == 0);
    CHECK(a.total == 400 && a.returning == 400);
    ts_sc_analysis_free(&a);

    /* the commands: --arch names the table; refused for a CTF trace, which names its calls
     * (drop has none: what it drops and writes does not depend on the names) */
    char buf[8192], cmd[1200];
    snprintf(cmd, sizeof cmd, "gaps %s --json --arch aarch64", at("raw.trace"));
    CHECK(run_stdout(cmd, buf, sizeof buf) == 0 && strstr(buf, "\"syscall_entry_read\""));
    snprintf(cmd, sizeof cmd, "gaps %s --json --arch arm64", at("raw.trace"));
    CHECK(run_stdout(cmd, buf, sizeof buf) == 0 && strstr(buf, "\"syscall_entry_read\""));
    snprintf(cmd, sizeof cmd, "gaps %s --json", at("raw.trace"));
    CHECK(run_stdout(cmd, buf, sizeof buf) == 0 && !strstr(buf, "\"syscall_entry_read\""));
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -q --arch aarch64 -o %s", at("raw.trace"), at("raw_cli.trace"));
    CHECK(run_cli(cmd, buf, sizeof buf) == 0);
    out = slurp(at("raw_cli.trace"));
    CHECK(out && strstr(out, "event=sys_enter_read ") && !strstr(out, "semget"));
    free(out);
    /* bench fill drops on a complete trace: the same recording without its marker */
    char *whole = make_raw_text(400, 0, 0);
    write_file(at("raw_whole.trace"), whole);
    free(whole);
    snprintf(cmd, sizeof cmd, "bench fill %s -q --rates 0.1 --arch aarch64", at("raw_whole.trace"));
    CHECK(run_stdout(cmd, buf, sizeof buf) == 0 && strstr(buf, "syscall_entry_read") && !strstr(buf, "semget"));
    static const char *const cmds[] = {"gaps %s --arch aarch64", "fill %s --model ngram --arch aarch64 -o %s/x",
                                       "bench fill %s --arch aarch64"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, cmds[i], dir, dir);
        CHECK_MSG(run_cli(cmd, buf, sizeof buf) == 2 && strstr(buf, "--arch") && strstr(buf, "CTF"), "%s: %s", cmd, buf);
    }
    snprintf(cmd, sizeof cmd, "gaps %s --arch sparc", at("raw.trace"));
    CHECK_MSG(run_cli(cmd, buf, sizeof buf) == 2 && strstr(buf, "--arch: architecture 'sparc'"), "%s", buf);
    /* i386 and arm are accepted but have no table of numbers: each call is nr_NUMBER, as
     * the help says */
    snprintf(cmd, sizeof cmd, "gaps %s --json --arch i386", at("raw.trace"));
    CHECK(run_stdout(cmd, buf, sizeof buf) == 0 && strstr(buf, "\"syscall_entry_nr_63\""));
    static const char *const helps[] = {"gaps --help", "fill --help", "bench fill --help"};
    for (int i = 0; i < 3; i++)
        CHECK_MSG(run_stdout(helps[i], buf, sizeof buf) == 0 && strstr(buf, "--arch ARCH") &&
                      strstr(buf, "x86_64 or aarch64") && strstr(buf, "nr_NUMBER") && !strstr(buf, "i386, arm or"),
                  "%s", helps[i]);
}

/* the peak resident memory of 'tracesynth gaps PATH -q' in KiB (a process of its own, so
 * that no earlier peak hides it), -1 when it failed */
/* the peak memory of "tracesynth CMD PATH -q" (with "-o OUT --model unigram" when out is
 * given), in KiB; -1 when it fails */
static long cmd_peak_kib(const char *cmd, const char *path, const char *out)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout)) _exit(127);
        if (out) execl(bin, bin, cmd, path, "-o", out, "--model", "unigram", "--threads", "1", "-q", (char *)NULL);
        else execl(bin, bin, cmd, path, "-q", (char *)NULL);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) return -1;
    return ru.ru_maxrss;
}

/* the text is held whole, and beside it little per line: 200,000 events of 80 bytes take
 * under 100 bytes each more than the text (168 when each line's record held its pointers,
 * the raw_syscalls number and the marker's span) */
static void memory_per_event(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { N = 100000 };   /* per CPU */
    char *t = make_text(N, N / 2, 40, 0);
    size_t len = strlen(t);
    write_file(at("big.trace"), t);
    free(t);
    t = make_text(10, 5, 4, 0);
    write_file(at("small.trace"), t);
    free(t);
    long base = cmd_peak_kib("gaps", at("small.trace"), NULL), peak = cmd_peak_kib("gaps", at("big.trace"), NULL);
    REQUIRE(base > 0 && peak > 0);
    long per_event = (long)((double)(peak - base) * 1024 - (double)len) / (2 * N);
    CHECK_MSG(per_event < 100, "%ld bytes per event beside the text (%zu bytes; peak %ld KiB, %ld KiB at the least)",
              per_event, len, peak, base);
}

/* a marker of many lost events costs little memory per reconstructed event beside its line
 * written out: one of 500,000 took 86 bytes per event, half of it each event's name copied
 * into the result for bench fill alone, so that a line of 16,777,216 took 1.5 GB */
static void fill_memory_per_reconstructed_event(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { K = 500000 };
    char *t = make_text(3000, 1500, K, 0);
    write_file(at("lost_big.trace"), t);
    free(t);
    t = make_text(3000, 1500, 4, 0);
    write_file(at("lost_small.trace"), t);
    free(t);
    long base = cmd_peak_kib("fill", at("lost_small.trace"), at("lost_small_out.trace"));
    long peak = cmd_peak_kib("fill", at("lost_big.trace"), at("lost_big_out.trace"));
    REQUIRE(base > 0 && peak > 0);
    long per_event = (long)((double)(peak - base) * 1024 / K);
    CHECK_MSG(per_event < 64, "%ld bytes per reconstructed event (peak %ld KiB, %ld KiB with 4)", per_event, peak, base);
    remove(at("lost_big.trace"));
    remove(at("lost_small.trace"));
    remove(at("lost_big_out.trace"));
    remove(at("lost_small_out.trace"));
}

/* ten markers of 50,000 lost events: what stays held for the writer between one gap's
 * reconstruction and the next is a few bytes per event (each gap's events were held as the
 * writer takes them, 32 bytes each, until the end: 38 bytes per event in all) */
static void fill_memory_held_across_gaps(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { G = 10, K = 50000 };
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int big = 0; big < 2; big++) {
        FILE *f = fopen(at(big ? "lost_many.trace" : "lost_few.trace"), "w");
        REQUIRE(f);
        for (int i = 0; i < 6000; i++)
            for (int c = 0; c < 2; c++) {
                if (c == 0 && i % 500 == 250 && i / 500 < G) fprintf(f, "CPU:0 [LOST %d EVENTS]\n", big ? K : 4);
                long us = 1000000L + 10L * i + c;
                fprintf(f, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd", c ? 20 : 10, c, us / 1000000,
                        us % 1000000, ev[i % 4]);
            }
        fclose(f);
    }
    long base = cmd_peak_kib("fill", at("lost_few.trace"), at("lost_few_out.trace"));
    long peak = cmd_peak_kib("fill", at("lost_many.trace"), at("lost_many_out.trace"));
    REQUIRE(base > 0 && peak > 0);
    long per_event = (long)((double)(peak - base) * 1024 / (G * K));
    CHECK_MSG(per_event < 20, "%ld bytes per reconstructed event (peak %ld KiB, %ld KiB with 4 per gap)", per_event,
              peak, base);
    remove(at("lost_many.trace"));
    remove(at("lost_few.trace"));
    remove(at("lost_many_out.trace"));
    remove(at("lost_few_out.trace"));
}

/* markers whose lost events add up past what one fill reconstructs (2^28: 1.6 GB held) are
 * refused in one line before any model is trained (17 lines of 16,777,216 each were filled
 * until memory or the disk ran out) */
static void fill_total_refused(void)
{
    char *t = make_text(3000, 1500, 16777216, 0);
    size_t len = strlen(t), cap = len + 17 * 40;
    t = realloc(t, cap);
    char *m = strstr(t, "CPU:0 [LOST 16777216 EVENTS]\n");
    REQUIRE(m);
    const size_t ml = strlen("CPU:0 [LOST 16777216 EVENTS]\n");
    memmove(m + 16 * ml, m, len - (size_t)(m - t) + 1);
    for (int i = 1; i < 17; i++) memcpy(m + i * ml, m, ml);   /* 17 markers in a row */
    write_file(at("lost_all.trace"), t);
    free(t);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    const double c0 = cpu_s();
    CHECK_MSG(ts_ctf_fill(at("lost_all.trace"), at("lost_all_out.trace"), &o, &r) == -1 &&
                  strstr(ts_error(), "285212672 events in all") && strstr(ts_error(), "2^28") && !strchr(ts_error(), '\n'),
              "%s", ts_error());
    CHECK_MSG(c0 >= 0 && cpu_s() - c0 < 5, "%.1f s of CPU", cpu_s() - c0);
    CHECK(!ts_file_exists(at("lost_all_out.trace")));
    remove(at("lost_all.trace"));
}

/* a recording that lost events every few lines (a slow reader of a small buffer): each of
 * its 100,000 gaps is written with its reconstruction in time linear in the gaps (the
 * writer looked every gap up among all of them: 16 s). Timed by the CPU the fill used
 * (under 1 s), which a busy machine does not stretch as it did the writing's wall time */
static void many_gaps_written_in_linear_time(void)
{
    enum { N = 200000 };   /* per CPU; a marker before every other event of CPU 0 */
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    FILE *f = fopen(at("many.trace"), "w");
    REQUIRE(f);
    for (int i = 0; i < N; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && i % 2) fputs("CPU:0 [LOST 1 EVENTS]\n", f);
            long us = 1000000L + 10L * i + c;
            fprintf(f, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd", c ? 20 : 10, c, us / 1000000,
                    us % 1000000, ev[i % 4]);
        }
    fclose(f);
    ts_fill_opts o;
    fill_opts(&o);
    o.model = "unigram";   /* its imputation costs nothing: the writing is timed */
    ts_fill_result r;
    const double c0 = cpu_s();
    REQUIRE(ts_ctf_fill(at("many.trace"), at("many_out.trace"), &o, &r) == 0);
    const double took = cpu_s() - c0;
    CHECK(r.n == N / 2 && r.reconstructed == N / 2);
#ifdef __SANITIZE_ADDRESS__
    /* the sanitizer's allocator on the fill's blocks: 3.2 s of the 5 on a busy machine,
     * which stretches CPU time too (caches, the other thread of a core); the lookup among
     * all the gaps took 16 s without it */
    const double bound = 15;
#else
    const double bound = 5;
#endif
    CHECK_MSG(c0 >= 0 && took < bound, "%.1f s of CPU to fill and write %zu gaps", took, r.n);
    ts_fill_result_free(&r);
    remove(at("many.trace"));
    remove(at("many_out.trace"));
}

/* n rows of a trace of two CPUs whose CPU 0 loses one event before every other clone
 * (n / 2 gaps, each with a child of clone near it): the CPU time of their fill */
static double clone_gaps_time(int n, size_t *gaps)
{
    FILE *f = fopen(at("clones.trace"), "w");
    if (!f) return -1;
    for (int i = 0, child = 100; i < n; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && i % 2) fputs("CPU:0 [LOST 1 EVENTS]\n", f);
            long us = 1000000L + 10L * i + c;
            fprintf(f, "%16s-%-7d [%03d] ..... %5ld.%06ld: ", c ? "cat" : "dd", c ? 20 : 10, c, us / 1000000, us % 1000000);
            if (c) fputs(i % 2 ? "sys_read -> 0x10\n" : "sys_read(fd: 3, buf: 0x1000, count: 0x10)\n", f);
            else if (i % 2) fprintf(f, "sys_clone -> 0x%x\n", ++child);
            else fputs("sys_clone(clone_flags: 0x3d0f00, newsp: 0x7f0000001000, parent_tidptr: 0x0, child_tidptr: 0x0, "
                       "tls: 0x0)\n", f);
        }
    fclose(f);
    ts_fill_opts o;
    fill_opts(&o);
    o.model = "unigram";   /* its imputation costs nothing: the rest of the gaps' work is timed */
    ts_fill_result r;
    const double c0 = cpu_s();
    if (c0 < 0 || ts_ctf_fill(at("clones.trace"), at("clones_out.trace"), &o, &r) != 0) return -1;
    const double t = cpu_s() - c0;
    *gaps = r.reconstructed == r.n ? r.n : 0;
    ts_fill_result_free(&r);
    remove(at("clones.trace"));
    remove(at("clones_out.trace"));
    return t;
}

/* a thread that clones a child every other event, and a gap before each return: the
 * candidates for a thread between two reconstructed switches (children of clone near
 * each gap) are found in time linear in the gaps and the children (every child from the
 * trace's first was looked at for each gap: 150,000 of each took 4 s). Measured as the
 * growth of the fill's CPU time from a quarter of the gaps to all of them, which a
 * sanitizer build slows alike and a busy machine not at all (the wall time of the
 * reconstruction grew 12 times where one run of the quarter met a quiet spell and
 * none of the whole did): about 5 linear (0.2 s, 1.1 s), 13 quadratic */
static void clone_children_found_in_linear_time(void)
{
    enum { N = 300000 };   /* rows per CPU */
    size_t g1 = 0, g4 = 0;
    /* the least of three runs each, taken in turn: a busy spell on a shared machine slows
     * one run, not all three */
    double t1 = -1, t4 = -1;
    for (int rep = 0; rep < 3; rep++) {
        const double a = clone_gaps_time(N / 4, &g1), b = clone_gaps_time(N, &g4);
        REQUIRE(a >= 0 && b >= 0);
        if (t1 < 0 || a < t1) t1 = a;
        if (t4 < 0 || b < t4) t4 = b;
    }
    CHECK(g1 == N / 8 && g4 == N / 2);
    /* a floor for the quarter's time: a few milliseconds are all timer noise */
    const double base = t1 > 0.05 ? t1 : 0.05;
    CHECK_MSG(t4 < 8 * base, "%.2f s of CPU for %zu gaps, %.2f s for %zu: grows faster than linearly", t4, g4, t1,
              g1);
}

/* bench fill scores each dropped burst against the fill's gap of the same stream and
 * number in time linear in the gaps (each was looked up among all of them: 120,000 gaps
 * took 14 s beside the 1 s of the drop, the fill and the analyses). Timed by the CPU the
 * command used: on a busy machine its wall time went from 2 s past 5 */
static void bench_many_gaps_in_linear_time(void)
{
    char *t = make_text(200000, 0, 0, 0);
    write_file(at("whole.trace"), t);
    free(t);
    char cmd[2000], out[16384];
    snprintf(cmd, sizeof cmd, "bench fill %s --model unigram --rates 0.3 --burst-min 1 --burst-max 1 -q --threads 1",
             at("whole.trace"));
    const double c0 = cpu_s();
    REQUIRE(run_output(cmd, out, sizeof out) == 0);
    const double took = cpu_s() - c0;
    const char *m = strstr(out, "gaps matched between drop and fill: ");
    long matched = -1, of = -2;
    if (m) sscanf(m, "gaps matched between drop and fill: %ld of %ld", &matched, &of);
    CHECK_MSG(matched == of && of > 100000, "%s", out);
#ifdef __SANITIZE_ADDRESS__
    (void)took;   /* its allocator, on the drop's and the fill's millions of blocks, takes minutes */
#else
    CHECK_MSG(c0 >= 0 && took < 5, "%.1f s of CPU for %ld gaps", took, of);
#endif
    remove(at("whole.trace"));
}

/* a recording that lost events every few lines: the fill keeps the events around each gap
 * only while the gap and the next one of its CPU need them (every gap held 200 events on
 * each side to the end: 1.6 KB a gap, 160 MB for 100,000 gaps) */
static void fill_memory_per_gap(void)
{
#ifdef __SANITIZE_ADDRESS__
    SKIP("the sanitizer's allocator keeps freed blocks aside (its quarantine): the peak counts them");
#endif
    enum { N = 200000 };   /* per CPU; a marker before every other event of CPU 0 */
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int dense = 0; dense < 2; dense++) {
        FILE *f = fopen(at(dense ? "dense.trace" : "sparse.trace"), "w");
        REQUIRE(f);
        for (int i = 0; i < N; i++)
            for (int c = 0; c < 2; c++) {
                if (c == 0 && (dense ? i % 2 : i == N / 2)) fputs("CPU:0 [LOST 1 EVENTS]\n", f);
                long us = 1000000L + 10L * i + c;
                fprintf(f, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd", c ? 20 : 10, c, us / 1000000,
                        us % 1000000, ev[i % 4]);
            }
        fclose(f);
    }
    long base = cmd_peak_kib("fill", at("sparse.trace"), at("sparse_out.trace"));
    long peak = cmd_peak_kib("fill", at("dense.trace"), at("dense_out.trace"));
    REQUIRE(base > 0 && peak > 0);
    long per_gap = (peak - base) * 1024 / (N / 2);
    CHECK_MSG(per_gap < 700, "%ld bytes per gap (peak %ld KiB, %ld KiB with one gap)", per_gap, peak, base);
    remove(at("sparse.trace"));
    remove(at("dense.trace"));
    remove(at("sparse_out.trace"));
    remove(at("dense_out.trace"));
}

/* this process's write calls so far (/proc/self/io), -1 when not known */
static long write_calls(void)
{
    FILE *f = fopen("/proc/self/io", "r");
    long n = -1;
    char l[128];
    while (f && fgets(l, sizeof l, f))
        if (sscanf(l, "syscw: %ld", &n) == 1) break;
    if (f) fclose(f);
    return n;
}

/* the input's lines go out in long spans, not one at a time: 16 MB kept whole (drop at a
 * rate of 0) or filled at one marker take a few writes (4,000 through stdio's 4 KiB
 * buffer, each line its own fwrite); the bytes are the input's, and the lines put in */
static void spans_written(void)
{
    if (write_calls() < 0) SKIP("/proc/self/io is not readable: the write calls are not counted");
    enum { N = 100000 };
    char *t = make_text(N, N / 2, 6, 0);
    size_t len = strlen(t);
    write_file(at("spans.trace"), t);
    ts_drop_opts d = {0, 8, 16, 7, 0, 0, NULL};
    ts_drop_stats st;
    long w0 = write_calls();
    REQUIRE(ts_ctf_drop(at("spans.trace"), at("spans_kept.trace"), &d, &st) == 0);
    long w = write_calls() - w0;
    CHECK_MSG(w < 16, "%ld write calls for %zu bytes", w, len);
    char *out = slurp(at("spans_kept.trace"));
    CHECK(out && st.dropped == 0 && !strcmp(out, t));
    free(out);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    w0 = write_calls();
    REQUIRE(ts_ctf_fill(at("spans.trace"), at("spans_filled.trace"), &o, &r) == 0);
    w = write_calls() - w0;
    CHECK_MSG(w < 16, "%ld write calls for %zu bytes", w, len);
    CHECK(r.reconstructed == 6);
    ts_fill_result_free(&r);
    out = slurp(at("spans_filled.trace"));
    const char *m = out ? strstr(out, "CPU:0 [LOST 6 EVENTS]\n") : NULL;
    REQUIRE(m);
    size_t head = (size_t)(m - out) + 22;
    const char *rest = m + 22;
    for (int i = 0; i < 6; i++) rest = strchr(rest, '\n') + 1;   /* the lines put in */
    CHECK(!strncmp(out, t, head) && !strcmp(rest, t + head) && strlen(out) > len);
    free(out);
    free(t);
}

/* a marker on a CPU with no event line of its own: its reconstructions take the nearest
 * line's shape and time (a fraction among them), and the filled trace reads back */
static void fill_marker_of_an_empty_cpu(void)
{
    char *t = make_text(400, 0, 0, 0);
    size_t n = strlen(t), cap = n + 256;
    char *u = malloc(cap);
    const char *mid = strstr(t, "     dd-10      [000] .....     1.002000:");
    REQUIRE(mid);
    size_t k = (size_t)(mid - t);
    memcpy(u, t, k);
    k += (size_t)snprintf(u + k, cap - k, "CPU:7 [LOST 1 EVENTS]\n");
    snprintf(u + k, cap - k, "%s", mid);
    write_file(at("cpu7.trace"), u);
    ts_fill_opts o;
    fill_opts(&o);
    o.model = "unigram";
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("cpu7.trace"), at("cpu7_filled.trace"), &o, &r) == 0);
    CHECK(r.reconstructed == 1);
    ts_fill_result_free(&r);
    ts_gap_list gl;
    CHECK_MSG(ts_gaps_find(at("cpu7_filled.trace"), 0, &gl) == 0, "%s", ts_error());
    CHECK(gl.recon == 1);
    ts_gap_list_free(&gl);
    char *out = slurp(at("cpu7_filled.trace"));
    const char *rl = out ? strstr(out, "[007] ..... ") : NULL;
    CHECK_MSG(rl && !strncmp(rl + 12, "    1.00", 8), "%.100s", rl ? rl : "(none)");
    free(out);
    free(u);
    free(t);
}

/* a CPU whose first events are lost (its marker before any event of it): no thread is known
 * before the gap, but the CPU's first event after it shows its thread, and no switch came
 * between: the reconstructed events are that thread's (10), their calls paired up to that
 * event (read's entry: the gap ends inside none). A CPU with no event after its marker either
 * (CPU 7) tells nothing: -1 */
static void fill_first_events_thread(void)
{
    char *t = make_text(600, 0, 6, 0);
    size_t n = strlen(t), cap = n + 256;
    char *u = malloc(cap);
    const char *mid = strstr(t, "     dd-10      [000] .....     1.002000:");
    REQUIRE(mid && strstr(t, "CPU:0 [LOST 6 EVENTS]\n") < mid);
    size_t at_line = (size_t)(mid - t), k;
    while (at_line && t[at_line - 1] != '\n') at_line--;
    memcpy(u, t, at_line);
    k = at_line + (size_t)snprintf(u + at_line, cap - at_line, "CPU:7 [LOST 2 EVENTS]\n");
    snprintf(u + k, cap - k, "%s", t + at_line);
    write_file(at("first.trace"), u);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("first.trace"), at("first_filled.trace"), &o, &r) == 0);
    CHECK(r.n == 2 && r.reconstructed == 8);
    ts_fill_result_free(&r);
    char *out = slurp(at("first_filled.trace"));
    REQUIRE(out);
    char **ol;
    size_t no = lines_of(out, &ol), cpu0 = 0, cpu7 = 0, of10 = 0, unknown = 0, bad = 0;
    int inside = -1;   /* -1 none, else the call: 0 read, 1 write */
    for (size_t i = 0; i < no; i++) {
        const char *e = strstr(ol[i], TS_FTRACE_RECON ": event=");
        if (!e) continue;
        if (strstr(ol[i], "[000]")) {
            cpu0++;
            /* its comm seen only after the line: the trace's name for it, not ftrace's <...> */
            of10 += strstr(ol[i], " tid=10 ") && strstr(ol[i], "   dd-10      [000]");
            e += strlen(TS_FTRACE_RECON ": event=");
            int enter = !strncmp(e, "sys_enter_", 10), call = strncmp(e + (enter ? 10 : 9), "read ", 5) ? 1 : 0;
            if (enter) bad += inside >= 0, inside = call;
            else bad += inside != call, inside = -1;
        } else if (strstr(ol[i], "[007]")) {
            cpu7++;
            unknown += strstr(ol[i], " tid=-1 ") && strstr(ol[i], "<...>-0 ");
        }
    }
    CHECK_MSG(cpu0 == 6 && of10 == 6 && cpu7 == 2 && unknown == 2,
              "CPU 0: %zu reconstructed, %zu of thread 10; CPU 7: %zu, %zu of no thread", cpu0, of10, cpu7, unknown);
    CHECK_MSG(bad == 0 && inside == -1, "%zu events out of pairs, inside %d at the end", bad, inside);
    free(ol);
    free(out);
    free(u);
    free(t);
}

/* tests/data/ftrace_thread_names.trace.gz: three CPUs, one thread each looping over read
 * and write, a marker of 4 lost events on each at the same time. Thread 10 (CPU 0) is
 * <...>-10 up to after its marker, then dd-10; thread 30 (CPU 1) is <...>-30 there and
 * sh-30 only on CPU 2 at the end; thread 40 (CPU 2) is never named. The reconstructed lines
 * take the name the trace gives the thread anywhere, and ftrace's <...> where it gives none */
static void fill_thread_names_from_anywhere(void)
{
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill("tests/data/ftrace_thread_names.trace.gz", at("names.trace"), &o, &r) == 0);
    CHECK(r.n == 3 && r.reconstructed == 12);
    ts_fill_result_free(&r);
    char *out = slurp(at("names.trace"));
    REQUIRE(out);
    char **ol;
    size_t no = lines_of(out, &ol), of[3] = {0, 0, 0}, all = 0;
    static const char *const want[3] = {"              dd-10      [000] ", "              sh-30      [001] ",
                                        "           <...>-40      [002] "};
    static const char *const tid[3] = {" tid=10 ", " tid=30 ", " tid=40 "};
    for (size_t i = 0; i < no; i++) {
        if (!strstr(ol[i], TS_FTRACE_RECON ": event=")) continue;
        all++;
        for (int c = 0; c < 3; c++) of[c] += !strncmp(ol[i], want[c], strlen(want[c])) && strstr(ol[i], tid[c]);
        CHECK_MSG(all > 4 || !strncmp(ol[i], want[0], strlen(want[0])), "%s", ol[i]);
    }
    CHECK_MSG(all == 12 && of[0] == 4 && of[1] == 4 && of[2] == 4, "%zu reconstructed: %zu dd-10, %zu sh-30, %zu <...>-40",
              all, of[0], of[1], of[2]);
    free(ol);
    free(out);
}

/* per-CPU files joined into one text (CPU 0's lines, then CPU 1's): thread 10, "old" on CPU 0,
 * is renamed "new" on CPU 1 while CPU 0 lost 4 events, and is "new" on CPU 0 after them.
 * The name before the gap's reconstructed lines is the one in time order across CPUs, the
 * line on CPU 1 (new), not the CPU 0 line that comes last before them in the file (old) */
static void fill_thread_name_in_time_order(void)
{
    size_t cap = 600 * 2 * 120 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n");
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 600; i++) {
            if (c == 0 && i >= 300 && i < 304) continue;   /* lost */
            if (c == 0 && i == 304) n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST 4 EVENTS]\n");
            long us = 1000000L + 10L * i + 5 * c;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n",
                                  c ? "cat" : i < 300 ? "old" : "new", c ? 20 : 10, c, us / 1000000, us % 1000000,
                                  ev[i % 4]);
            /* the renaming, between CPU 0's last event before its gap and the gap's first
             * reconstructed line */
            if (c == 1 && i == 299) n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [001] ..... 1.002996: sys_getpid()\n",
                                                          "new", 10);
        }
    write_file(at("joined.trace"), t);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("joined.trace"), at("joined_filled.trace"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 4);
    ts_fill_result_free(&r);
    char *out = slurp(at("joined_filled.trace"));
    REQUIRE(out);
    char **ol;
    size_t no = lines_of(out, &ol), all = 0, named = 0;
    for (size_t i = 0; i < no; i++) {
        if (!strstr(ol[i], TS_FTRACE_RECON ": event=")) continue;
        all++;
        named += !strncmp(ol[i], "             new-10      [000] ", 31) && strstr(ol[i], " tid=10 ");
        CHECK_MSG(line_time(ol[i]) > 1.002996, "%s", ol[i]);
    }
    CHECK_MSG(all == 4 && named == 4, "%zu reconstructed, %zu named new-10", all, named);
    free(ol);
    free(out);
    free(t);
}

/* a model of windows of 8 events that fills each hidden event with the nearest observed one
 * after it (none: 99), and one that reads the side before it (none: 98) */
static int copy_right(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                      const ts_run_opts *o, int32_t *out)
{
    (void)m, (void)o;
    for (size_t w = 0; w < n; w++)
        for (size_t l = L, v = 99; l-- > 0;) out[w * L + l] = mask[w * L + l] ? (int32_t)(v = (size_t)x[w * L + l]) : (int32_t)v;
    return 0;
}
static int copy_left(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                     const ts_run_opts *o, int32_t *out)
{
    (void)m, (void)o;
    for (size_t w = 0; w < n; w++)
        for (size_t l = 0, v = 98; l < L; l++) out[w * L + l] = mask[w * L + l] ? (int32_t)(v = (size_t)x[w * L + l]) : (int32_t)v;
    return 0;
}

/* a gap with nothing before it (it begins the CPU's events), filled by a model of a fixed
 * window length in several windows: from the events after it backwards, each window reading
 * the events after it, as the n-gram fills such a gap; the first windows read nothing and
 * the events after the gap reached the last alone. With events before it, from those on */
static void fill_first_events_from_the_right(void)
{
    static const ts_model_ops right_ops = {.name = "copy-right", .impute = copy_right};
    static const ts_model_ops left_ops = {.name = "copy-left", .impute = copy_left};
    ts_model m;
    memset(&m, 0, sizeof m);
    m.ops = &right_ops;
    m.n_ids = 100;
    m.len = 8;
    const int32_t after[3] = {5, 6, 7}, after2[3] = {9, 6, 7}, before[2] = {3, 4};
    int32_t dst[20];
    ts_kv nokv;
    memset(&nokv, 0, sizeof nokv);
    REQUIRE(ts__fill_impute(&m, NULL, 0, after, 3, 20, 32, 0, &nokv, dst) == 0);
    size_t fives = 0;
    for (int j = 0; j < 20; j++) fives += dst[j] == 5;
    CHECK_MSG(fives == 20, "%zu of 20 events from the events after the gap (first %d, last %d)", fives, dst[0], dst[19]);
    /* other events after it, another fill */
    REQUIRE(ts__fill_impute(&m, NULL, 0, after2, 3, 20, 32, 0, &nokv, dst) == 0);
    CHECK(dst[0] == 9 && dst[19] == 9);
    /* a gap of one window: the same */
    REQUIRE(ts__fill_impute(&m, NULL, 0, after, 3, 3, 32, 0, &nokv, dst) == 0);
    CHECK(dst[0] == 5 && dst[2] == 5);
    /* events before it: each window continues the one before, the last meets the events after */
    m.ops = &left_ops;
    REQUIRE(ts__fill_impute(&m, before, 2, after, 3, 20, 32, 0, &nokv, dst) == 0);
    CHECK(dst[0] == 4 && dst[19] == 4);
    m.ops = &right_ops;
    REQUIRE(ts__fill_impute(&m, before, 2, after, 3, 20, 32, 0, &nokv, dst) == 0);
    CHECK_MSG(dst[19] == 5 && dst[0] == 99, "%d %d", dst[0], dst[19]);
}

/* copy_right, counting its windows, the most hidden events one held, and the hidden events
 * times the window's length summed (a pass over the window per hidden event) */
static size_t piece_calls, piece_most, piece_work;
static int copy_right_counted(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                              const ts_run_opts *o, int32_t *out)
{
    for (size_t w = 0; w < n; w++) {
        size_t h = 0;
        for (size_t l = 0; l < L; l++) h += !mask[w * L + l];
        piece_calls++;
        if (h > piece_most) piece_most = h;
        piece_work += h * L;
    }
    return copy_right(m, x, mask, n, L, o, out);
}

/* copy_right, recording each window's blackout: its hidden events and whether the window
 * holds events on one side of them only (the decoding mdm reads for it) */
static ts_mdm_blackout seen_bo[64];
static size_t nseen_bo;
static int copy_right_seen(ts_model *m, const int32_t *x, const uint8_t *mask, size_t n, size_t L,
                           const ts_run_opts *o, int32_t *out)
{
    for (size_t w = 0; w < n && nseen_bo < 64; w++) {
        size_t h = 0, first = L, last = 0;
        for (size_t l = 0; l < L; l++)
            if (!mask[w * L + l]) {
                h++;
                if (first == L) first = l;
                last = l;
            }
        seen_bo[nseen_bo++] = (ts_mdm_blackout){h, h && (first == 0 || last == L - 1)};
    }
    return copy_right(m, x, mask, n, L, o, out);
}

/* the blackouts fill chooses mdm's decoding for (ts__fill_blackouts) are those it gives the
 * model: one window, or pieces, with events on both sides or on one, whatever the events
 * around the gap; none for a model of a fixed length */
static void fill_blackouts_as_imputed(void)
{
    static const ts_model_ops ops = {.name = "copy-right-seen", .impute = copy_right_seen};
    ts_model m;
    memset(&m, 0, sizeof m);
    m.ops = &ops;
    m.n_ids = 100;
    m.piece = 16;
    const int32_t around[40] = {3, 4, 5, 6, 7};
    int32_t dst[80];
    ts_kv nokv;
    memset(&nokv, 0, sizeof nokv);
    const size_t nls[3] = {0, 2, 40}, nrs[3] = {0, 3, 40}, ks[7] = {1, 2, 15, 16, 17, 33, 80};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 7; c++) {
                nseen_bo = 0;
                REQUIRE(ts__fill_impute(&m, around, nls[a], around, nrs[b], ks[c], 32, 0, &nokv, dst) == 0);
                ts_mdm_blackout want[2];
                const size_t nw = ts__fill_blackouts(&m, nls[a], nrs[b], ks[c], want);
                for (size_t i = 0; i < nseen_bo; i++) {
                    int found = 0;
                    for (size_t j = 0; j < nw; j++)
                        found |= want[j].k == seen_bo[i].k && want[j].one_side == seen_bo[i].one_side;
                    CHECK_MSG(found, "before %zu, after %zu, gap %zu: a window of %zu hidden%s not among the %zu named",
                              nls[a], nrs[b], ks[c], seen_bo[i].k, seen_bo[i].one_side ? " (one side)" : "", nw);
                }
            }
    m.len = 8;
    ts_mdm_blackout none[2];
    CHECK(ts__fill_blackouts(&m, 2, 3, 20, none) == 0);
}

/* a model of any window length that takes a pass over the window per hidden event (mdm)
 * gets a gap longer than its piece in windows of at most that many hidden events, each
 * continuing the one before and the last meeting the events after the gap (from those
 * backwards when the gap begins the CPU's events): work linear in the gap (one window of
 * 8,000 hidden events took 38 s); a gap of one piece is one window, as before */
static void fill_long_gap_in_pieces(void)
{
    static const ts_model_ops ops = {.name = "copy-right-counted", .impute = copy_right_counted};
    ts_model m;
    memset(&m, 0, sizeof m);
    m.ops = &ops;
    m.n_ids = 100;
    m.piece = 16;
    enum { K = 4000 };
    const int32_t after[3] = {5, 6, 7}, before[2] = {3, 4};
    int32_t *dst = malloc(K * sizeof *dst);
    ts_kv nokv;
    memset(&nokv, 0, sizeof nokv);
    piece_calls = piece_most = piece_work = 0;
    REQUIRE(ts__fill_impute(&m, before, 2, after, 3, 16, 32, 0, &nokv, dst) == 0);
    CHECK_MSG(piece_calls == 1 && piece_most == 16, "%zu windows, %zu hidden at most", piece_calls, piece_most);
    const size_t sides[2] = {2, 0};
    for (int s = 0; s < 2; s++) {
        piece_calls = piece_most = piece_work = 0;
        REQUIRE(ts__fill_impute(&m, sides[s] ? before : NULL, sides[s], after, 3, K, 32, 0, &nokv, dst) == 0);
        CHECK_MSG(piece_most <= 16 && piece_calls >= K / 16 && piece_work <= (size_t)K * (16 + 2 * 32),
                  "%s: %zu windows, %zu hidden at most, work %zu", s ? "first events" : "between", piece_calls, piece_most,
                  piece_work);
        size_t fives = 0;
        for (int j = 0; j < K; j++) fives += dst[j] == 5;
        /* the last window reads the events after; so, from the right, do all */
        CHECK_MSG(dst[K - 1] == 5 && (sides[s] || fives == K), "%s: last %d, %zu of %d from the events after",
                  s ? "first events" : "between", dst[K - 1], fives, K);
    }
    free(dst);
}

/* two CPUs of thread 10 (CPU 0) and 20 (CPU 1) running blocks of 40 events, read and write,
 * then openat and close, in turn; CPU 0 loses its first 6 events and begins with the second
 * kind of block when `other` */
static char *block_text(int per_cpu, int other)
{
    static const char *const ev[2][4] = {
        {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10", "sys_write(fd: 4, buf: 0x1000, count: 0x10)",
         "sys_write -> 0x10"},
        {"sys_openat(dfd: 0xffffff9c, filename: 0x1000, flags: 0x0, mode: 0x0)", "sys_openat -> 0x3", "sys_close(fd: 3)",
         "sys_close -> 0x0"}};
    size_t cap = (size_t)per_cpu * 2 * 140 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n# entries-in-buffer/entries-written: %d/%d   #P:2\n#\n",
                          2 * per_cpu, 2 * per_cpu);
    n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST 6 EVENTS]\n");
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            long us = 1000000L + 10L * i + c;
            int kind = (i / 40 + (c == 0 && other)) % 2;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", c ? "cat" : "dd",
                                  c ? 20 : 10, c, us / 1000000, us % 1000000, ev[kind][i % 4]);
        }
    return t;
}

/* CPU 0's reconstructed events of a filled block_text: their names (sys_enter_read, ...) */
static size_t recon_names(const char *path, char names[][32], size_t max)
{
    char *out = slurp(path);
    if (!out) return 0;
    char **ol;
    size_t no = lines_of(out, &ol), n = 0;
    for (size_t i = 0; i < no; i++) {
        const char *e = strstr(ol[i], TS_FTRACE_RECON ": event=");
        if (!e || !strstr(ol[i], "[000]")) continue;
        if (n < max && sscanf(e + strlen(TS_FTRACE_RECON ": event="), "%31s", names[n]) == 1) n++;
    }
    free(ol);
    free(out);
    return n;
}

/* a CPU whose first events are lost, filled by mdm (a model file, the same for both traces):
 * from the events after the gap, which differ between the two traces, and so differently;
 * each fill leads into the events after it (the call before read's entry is write, before
 * openat's close), its entries and exits in pairs */
static void fill_first_events_mdm(void)
{
    const char *keys[] = {"layers", "channels", "iters"}, *values[] = {"1", "16", "30"};
    char *a = block_text(1200, 0), *b = block_text(1200, 1);
    write_file(at("blocks_a.trace"), a);
    write_file(at("blocks_b.trace"), b);
    ts_fill_opts o;
    fill_opts(&o);
    o.model = "mdm";
    o.kv.n = 3;
    o.kv.keys = keys;
    o.kv.values = values;
    o.save_model = at("blocks.tsm");
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("blocks_a.trace"), at("blocks_a0.out"), &o, &r) == 0);
    ts_fill_result_free(&r);
    fill_opts(&o);
    char model[512], in_[2][512], out_[2][512];   /* at()'s buffers are reused */
    snprintf(model, sizeof model, "%s", at("blocks.tsm"));
    o.model = model;
    for (int v = 0; v < 2; v++) {
        snprintf(in_[v], sizeof in_[v], "%s", at(v ? "blocks_b.trace" : "blocks_a.trace"));
        snprintf(out_[v], sizeof out_[v], "%s", at(v ? "blocks_b.out" : "blocks_a.out"));
    }
    char names[2][8][32];
    size_t n[2];
    for (int v = 0; v < 2; v++) {
        const int rc = ts_ctf_fill(in_[v], out_[v], &o, &r);
        CHECK_MSG(rc == 0, "%s", ts_error());
        if (rc) break;
        CHECK(r.reconstructed == 6);
        ts_fill_result_free(&r);
        n[v] = recon_names(out_[v], names[v], 8);
    }
    REQUIRE(n[0] == 6 && n[1] == 6);
    int differ = 0;
    for (int j = 0; j < 6; j++) differ |= strcmp(names[0][j], names[1][j]) != 0;
    CHECK_MSG(differ, "the same fill before read/write and before openat/close: %s ... %s", names[0][0], names[0][5]);
    CHECK_MSG(!strcmp(names[0][5], "sys_exit_write") && !strcmp(names[1][5], "sys_exit_close"),
              "the fills end in %s (before read's entry) and %s (before openat's)", names[0][5], names[1][5]);
    for (int v = 0; v < 2; v++)
        for (int j = 0; j < 6; j++)
            CHECK_MSG(!strncmp(names[v][j], j % 2 ? "sys_exit_" : "sys_enter_", j % 2 ? 9 : 10) &&
                          (j % 2 == 0 || !strcmp(names[v][j] + 9, names[v][j - 1] + 10)),
                      "trace %d, event %d: %s", v, j, names[v][j]);
    free(a);
    free(b);
}

/* sssd-sa takes windows of a multiple of 4 events: a trace too short for the default 200
 * trains on the longest window that fits rounded down to one (here 47, then 44), not on
 * one the model refuses as a --length never given */
static void fill_sssd_sa_length_fits_its_pools(void)
{
    const char *keys[] = {"layers", "channels", "state", "T", "iters"}, *values[] = {"1", "4", "4", "8", "2"};
    char *t = make_text(1000, 500, 6, 0);
    write_file(at("sa.trace"), t);
    ts_fill_opts o;
    fill_opts(&o);
    o.model = "sssd-sa";
    o.kv.n = 5;
    o.kv.keys = keys;
    o.kv.values = values;
    o.save_model = at("sa.tsm");
    ts_fill_result r;
    const int rc = ts_ctf_fill(at("sa.trace"), at("sa_filled.trace"), &o, &r);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK(r.reconstructed == 6);
        ts_fill_result_free(&r);
        ts_model *m = NULL;
        REQUIRE(ts_model_load(at("sa.tsm"), &m) == 0);
        CHECK_MSG(m->len && m->len % 4 == 0, "trained on windows of %zu", m->len);
        ts_model_free(m);
    }
    free(t);
}

/* two gaps on CPU 0 with no switch recorded anywhere: thread 10 before the first, 20
 * between the two, 30 after the second. The second gap's thread before it is the one its
 * events before it name (20), not a guess from the events after it (30); each gap's first
 * half is the thread's before it, the rest the thread's its first line after names (10
 * then 20, 20 then 30) */
static void fill_chained_gaps_thread(void)
{
    size_t cap = 600 * 2 * 120 + 4096, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n");
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int i = 0; i < 600; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && ((i >= 300 && i < 304) || (i >= 340 && i < 344))) continue;   /* lost */
            if (c == 0 && (i == 304 || i == 344)) n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST 4 EVENTS]\n");
            int tid = c ? 40 : i < 300 ? 10 : i < 340 ? 20 : 30;
            const char *comm = c ? "cat" : i < 300 ? "dd" : i < 340 ? "cp" : "tar";
            long us = 1000000L + 10L * i + c;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n", comm, tid, c,
                                  us / 1000000, us % 1000000, ev[i % 4]);
        }
    write_file(at("chain.trace"), t);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("chain.trace"), at("chain_filled.trace"), &o, &r) == 0);
    CHECK(r.n == 2 && r.reconstructed == 8);
    ts_fill_result_free(&r);
    char *out = slurp(at("chain_filled.trace"));
    REQUIRE(out);
    char **ol;
    size_t no = lines_of(out, &ol), gap = 0, of[3] = {0, 0, 0}, recon[3] = {0, 0, 0};
    static const char *const want[3][4] = {{""}, {" tid=10 ", " tid=10 ", " tid=20 ", " tid=20 "},
                                           {" tid=20 ", " tid=20 ", " tid=30 ", " tid=30 "}};
    for (size_t i = 0; i < no; i++) {
        if (!strncmp(ol[i], "CPU:0 [LOST", 11)) gap++;
        if (!strstr(ol[i], TS_FTRACE_RECON ": event=") || gap > 2 || !gap || recon[gap] == 4) continue;
        of[gap] += strstr(ol[i], want[gap][recon[gap]]) != NULL;
        recon[gap]++;
    }
    CHECK_MSG(recon[1] == 4 && of[1] == 4 && recon[2] == 4 && of[2] == 4,
              "first gap: %zu of 10, 10, 20, 20 in %zu, second: %zu of 20, 20, 30, 30 in %zu", of[1], recon[1], of[2],
              recon[2]);
    free(ol);
    free(out);
    free(t);
}

/* CPU 0 runs thread 10 (dd) up to a marker of 6 lost events and thread 20 (cp) after it,
 * CPU 1 thread 40 (cat), in ftrace's shape or perf script's; no sched_switch after the
 * marker (switches: one of CPU 1's at the start, so that the trace records switches) */
static char *handover_text(int perf, int switches)
{
    size_t cap = 600 * 2 * 160 + 4096, n = 0;
    char *t = malloc(cap);
    if (!perf) n += (size_t)snprintf(t + n, cap - n, "# tracer: nop\n#\n");
    static const char *const fev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                       "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    static const char *const pev[4] = {" syscalls:sys_enter_read: fd: 0x00000003, buf: 0x00001000, count: 0x00000010",
                                       "  syscalls:sys_exit_read: 0x10",
                                       "syscalls:sys_enter_write: fd: 0x00000004, buf: 0x00001000, count: 0x00000010",
                                       " syscalls:sys_exit_write: 0x10"};
    if (switches)
        n += (size_t)snprintf(t + n, cap - n,
                              perf ? "%16s %5d [001]     0.999000: %s: prev_comm=swapper/1 prev_pid=0 prev_prio=120 "
                                     "prev_state=R ==> next_comm=cat next_pid=40 next_prio=120\n"
                                   : "%16s-%-7d [001] .....     0.999000: %s: prev_comm=swapper/1 prev_pid=0 "
                                     "prev_prio=120 prev_state=R ==> next_comm=cat next_pid=40 next_prio=120\n",
                              "<idle>", 0, perf ? "      sched:sched_switch" : "sched_switch");
    for (int i = 0; i < 600; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && i >= 300 && i < 306) continue;   /* lost */
            long us = 1000000L + 10L * i + c;
            if (c == 0 && i == 306)
                n += (size_t)snprintf(t + n, cap - n, perf ? "%16s %5d [000] %5ld.%06ld: PERF_RECORD_LOST lost 6\n"
                                                           : "CPU:0 [LOST 6 EVENTS]\n",
                                      "cp", 20, us / 1000000, us % 1000000);
            const char *comm = c ? "cat" : i < 300 ? "dd" : "cp";
            int tid = c ? 40 : i < 300 ? 10 : 20;
            n += (size_t)snprintf(t + n, cap - n, perf ? "%16s %5d [%03d] %5ld.%06ld: %s\n" : "%16s-%-7d [%03d] ..... %5ld.%06ld: %s\n",
                                  comm, tid, c, us / 1000000, us % 1000000, perf ? pev[i % 4] : fev[i % 4]);
        }
    return t;
}

/* a marker after which the CPU runs another thread, no sched_switch between: the gap's
 * events are not all the thread's before it. In a trace that records no switch, its first
 * half is the thread's before it (dd-10), the rest the thread's that the first line after it
 * names (cp-20), no switch put in; in one that records switches, the last event becomes the
 * switch from the one to the other. In ftrace's shape and perf script's alike */
static void fill_thread_after_gap_from_its_line(void)
{
    for (int perf = 0; perf < 2; perf++)
        for (int switches = 0; switches < 2; switches++) {
            char *t = handover_text(perf, switches);
            write_file(at("handover.trace"), t);
            free(t);
            ts_fill_opts o;
            fill_opts(&o);
            ts_fill_result r;
            REQUIRE(ts_ctf_fill(at("handover.trace"), at("handover_filled.trace"), &o, &r) == 0);
            CHECK(r.n == 1 && r.reconstructed == 6);
            ts_fill_result_free(&r);
            char *out = slurp(at("handover_filled.trace"));
            REQUIRE(out);
            char **ol;
            size_t no = lines_of(out, &ol), k = 0;
            int64_t tid[6] = {-9, -9, -9, -9, -9, -9}, next[6] = {-9, -9, -9, -9, -9, -9};
            int sw[6] = {0}, named[6] = {0};
            for (size_t i = 0; i < no; i++) {
                const char *e = strstr(ol[i], TS_FTRACE_RECON ": event=");
                if (!e || k == 6) continue;
                const char *tp = strstr(e, " tid="), *np = strstr(e, " next_tid=");
                tid[k] = tp ? strtoll(tp + 5, NULL, 10) : -9;
                next[k] = np ? strtoll(np + 10, NULL, 10) : -9;
                sw[k] = !strncmp(e + strlen(TS_FTRACE_RECON ": event="), "sched_switch ", 13);
                named[k] = tid[k] == 10 ? strstr(ol[i], perf ? "  dd    10 [000]" : "  dd-10 ") != NULL
                                        : strstr(ol[i], perf ? "  cp    20 [000]" : "  cp-20 ") != NULL;
                k++;
            }
            CHECK_MSG(k == 6, "%zu reconstructed", k);
            for (size_t j = 0; j < k; j++) {
                int64_t want = switches || j < 3 ? 10 : 20;
                CHECK_MSG(tid[j] == want && named[j], "%s, %s: event %zu of thread %lld (%s), not %lld",
                          perf ? "perf" : "ftrace", switches ? "switches" : "none", j, (long long)tid[j],
                          named[j] ? "named as the trace names it" : "misnamed", (long long)want);
                CHECK_MSG(sw[j] == (switches && j == 5) && next[j] == (switches && j == 5 ? 20 : -1),
                          "%s, %s: event %zu: switch %d to %lld", perf ? "perf" : "ftrace",
                          switches ? "switches" : "none", j, sw[j], (long long)next[j]);
            }
            free(ol);
            free(out);
        }
}

/* a lost-event marker on the last line, the file ending without a newline after it: the
 * marker is whole to its closing bracket (nothing of it can be missing), so it is the CPU's
 * gap as with its newline: listed and filled, the reconstructed lines each on a line of
 * their own after it. A marker cut before its end is still left out */
static void marker_last_line_without_newline(void)
{
    char *t = make_text(300, 0, 0, 0);
    size_t n = strlen(t), cap = n + 64;
    t = realloc(t, cap);
    snprintf(t + n, cap - n, "CPU:0 [LOST 6 EVENTS]");
    write_file(at("lastmark.trace"), t);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("lastmark.trace"), 0, &gl) == 0);
    CHECK_MSG(gl.n == 1 && gl.events == 600, "%zu gaps, %llu events", gl.n, (unsigned long long)gl.events);
    if (gl.n == 1) CHECK(gl.gaps[0].g.cpu == 0 && gl.gaps[0].g.count == 6 && gl.gaps[0].g.count_known);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("lastmark.trace"), at("lastmark_filled.trace"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 6);
    ts_fill_result_free(&r);
    char *out = slurp(at("lastmark_filled.trace"));
    REQUIRE(out);
    CHECK_MSG(!strncmp(out, t, n) && !strncmp(out + n, "CPU:0 [LOST 6 EVENTS]\n", 22), "%.80s", out + n);
    const int ends_nl = out[strlen(out) - 1] == '\n';
    char **ol;
    size_t no = lines_of(out + n, &ol), recon = 0;
    for (size_t i = 1; i < no; i++)
        recon += !strncmp(ol[i], "              dd-10      [000] ", 31) && strstr(ol[i], TS_FTRACE_RECON ": event=") != NULL;
    CHECK_MSG(recon == 6 && no == 7 && ends_nl, "%zu lines after the input's, %zu reconstructed", no, recon);
    free(ol);
    free(out);
    /* a trace of CRLF lines whose last, the marker, ends in its carriage return alone: one
     * line end after it, "\r\n" as the trace's lines have */
    char *c = malloc(2 * cap);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n') c[m++] = '\r';
        c[m++] = t[i];
    }
    snprintf(c + m, 2 * cap - m, "CPU:0 [LOST 6 EVENTS]\r");
    write_file(at("lastmark_crlf.trace"), c);
    REQUIRE(ts_ctf_fill(at("lastmark_crlf.trace"), at("lastmark_crlf_filled.trace"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 6);
    ts_fill_result_free(&r);
    out = slurp(at("lastmark_crlf_filled.trace"));
    REQUIRE(out);
    CHECK_MSG(!strncmp(out, c, m) && !strncmp(out + m, "CPU:0 [LOST 6 EVENTS]\r\n", 23) && !strstr(out, "\r\r"),
              "%.80s", out + m);
    free(out);
    free(c);
    /* cut inside: left out */
    snprintf(t + n, cap - n, "CPU:0 [LOST 6 EV");
    write_file(at("lastmark.trace"), t);
    REQUIRE(ts_gaps_find(at("lastmark.trace"), 0, &gl) == 0);
    CHECK(gl.n == 0 && gl.events == 600);
    ts_gap_list_free(&gl);
    free(t);
}

/* raw exits numbered -1 (as after rt_sigreturn) with no entry of theirs, one in every round
 * of the loop, so that the gap's reconstruction holds some: named nr_m1, an identifier
 * that the filled lines read back with */
static void fill_exit_numbered_minus_one(void)
{
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    ts_gap_list gl;
    size_t k;
    char *t = make_raw_text(400, 200, 6), *u;
    u = malloc(strlen(t) + 1);
    k = 0;
    for (const char *p = t, *q; *p; p = q) {   /* each write's entry turned into such an exit */
        q = strstr(p, "sys_enter: NR 64 (4, 1000, 10)");
        if (!q) { strcpy(u + k, p); k += strlen(p); break; }
        memcpy(u + k, p, (size_t)(q - p));
        k += (size_t)(q - p);
        k += (size_t)sprintf(u + k, "sys_exit: NR -1 = 0");
        q += 30;
    }
    write_file(at("nrm1.trace"), u);
    o.model = "ngram";
    o.arch = "aarch64";
    REQUIRE(ts_ctf_fill(at("nrm1.trace"), at("nrm1_filled.trace"), &o, &r) == 0);
    ts_fill_result_free(&r);
    CHECK_MSG(ts_gaps_find_arch(at("nrm1_filled.trace"), "aarch64", 0, &gl) == 0, "%s", ts_error());
    ts_gap_list_free(&gl);
    const char *one[] = {at("nrm1_filled.trace")};
    ts_ctf_opts co = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace tr = {0};   /* freed below even where the load fails */
    char *notes = NULL;
    CHECK_MSG(ts_ftrace_load(one, 1, &co, "aarch64", &tr, &notes) == 0, "%s", ts_error());
    CHECK(notes && strstr(notes, "6 events reconstructed"));
    ts_ctf_trace_free(&tr);
    free(notes);
    free(u);
    free(t);
}

/* drop or fill to the input trace itself, by its name or a link's, is refused: the input
 * would be lost */
static void output_is_not_the_input(void)
{
    char *t = make_text(400, 200, 6, 0);
    write_file(at("self.trace"), t);
    char lnk[600];
    snprintf(lnk, sizeof lnk, "%s", at("self.link"));
    REQUIRE(symlink("self.trace", lnk) == 0);
    ts_drop_opts d = {0.1, 8, 16, 7, 0, 0, NULL};
    ts_drop_stats st;
    const char *outs[] = {at("self.trace"), lnk};
    for (int i = 0; i < 2; i++) {
        char o[600];
        snprintf(o, sizeof o, "%s", outs[i]);
        CHECK_MSG(ts_ctf_drop(at("self.trace"), o, &d, &st) == -1 && strstr(ts_error(), "would replace the input"),
                  "%s: %s", o, ts_error());
    }
    /* nor is fill's model (--save-model), by either name */
    for (int i = 0; i < 2; i++) {
        char cmd[2000], err[512];
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --save-model %s -q", at("self.trace"), at("self.out"), outs[i]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--save-model") && strstr(err, "input trace"), "%s", err);
    }
    CHECK(!ts_file_exists(at("self.out")));
    char *back = slurp(at("self.trace"));
    CHECK(back && !strcmp(back, t));
    free(back);
    free(t);
}

/* the real trace_pipe recording: its 15 markers, every one filled, read back */
static void real_recording(void)
{
    const char *path = "tests/data/ftrace_pipe.trace.gz";
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(path, 0, &gl) == 0);
    uint64_t lost = 0;
    for (size_t i = 0; i < gl.n; i++) lost += gl.gaps[i].g.count;
    CHECK(gl.n == 15 && gl.events == 4494 && lost == 18240);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(path, at("pipe.trace"), &o, &r) == 0);
    CHECK(r.n == 15 && r.reconstructed == 18240);
    ts_fill_result_free(&r);
    /* without the reconstructed lines: the recording byte for byte */
    char *in = slurp(path), *out = slurp(at("pipe.trace"));
    REQUIRE(in && out);
    size_t k = 0, recon = 0;
    for (char *p = out; *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        char save = p[len];
        p[len] = 0;
        if (strstr(p, TS_FTRACE_RECON ": ")) recon++;
        else {
            CHECK(!strncmp(in + k, p, len));
            k += len;
        }
        p[len] = save;
        p += len;
    }
    CHECK(recon == 18240 && in[k] == 0);
    free(in);
    free(out);
    const char *one[] = {at("pipe.trace")};
    ts_ctf_opts co = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace tr;
    char *notes = NULL;
    REQUIRE(ts_ftrace_load(one, 1, &co, NULL, &tr, &notes) == 0);
    CHECK(tr.lost == 18240);
    ts_ctf_trace_free(&tr);
    free(notes);
}

/* bench fill scores the fill against the events it dropped itself: a trace that lost
 * events already (a marker, with or without its count) is refused, naming the trace, for
 * its own gaps would be numbered among the dropped ones and the scores mean nothing */
static void bench_wants_a_complete_trace(void)
{
    char cmd[2000], err[512];
    for (int unknown = 0; unknown < 2; unknown++) {
        char *t = make_text(2000, 700, unknown ? 0 : 12, unknown);
        write_file(at("lossy.trace"), t);
        free(t);
        snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q", at("lossy.trace"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, at("lossy.trace")) && strstr(err, "lost"), "%s", err);
    }
    char *t = make_text(2000, 0, 0, 0);
    write_file(at("whole.trace"), t);
    free(t);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q", at("whole.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
}

/* a count of one reads as one: drop's line and bench fill's line of a rate that dropped
 * one burst say "1 burst" and "1 gap", as fill's "1 gap" does (they said "1 bursts") */
static void one_burst_reads_as_one(void)
{
    char cmd[2000], out[16384];
    char *t = make_text(300, 0, 0, 0);
    write_file(at("one.trace"), t);
    free(t);
    int drop_one = 0, bench_one = 0;
    for (int seed = 0; seed < 40 && !(drop_one && bench_one); seed++) {
        snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.006 --burst-min 4 --burst-max 4 --seed %d -q",
                 at("one.trace"), at("one-dropped.trace"), seed);
        REQUIRE(run_output(cmd, out, sizeof out) == 0);
        if (strstr(out, " in 1 burst")) {
            drop_one = 1;
            CHECK_MSG(strstr(out, " in 1 burst -> "), "%s", out);
        }
        snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.006 --burst-min 4 --burst-max 4 --seed %d -q",
                 at("one.trace"), seed);
        REQUIRE(run_output(cmd, out, sizeof out) == 0);
        if (strstr(out, " in 1 gap")) {
            bench_one = 1;
            CHECK_MSG(strstr(out, " in 1 gap (1 burst of 4-4)"), "%s", out);
        }
    }
    CHECK(drop_one && bench_one);
}

/* a --keep directory that cannot be made is refused before the trace is analysed (it
 * failed at the first rate's drop, after the reference analysis), and an existing
 * directory is used as it is */
static void bench_keep_checked_first(void)
{
    char cmd[2000], out[4096];
    char *t = make_text(2000, 0, 0, 0);
    write_file(at("kwhole.trace"), t);
    free(t);
    write_file(at("kfile"), "a file\n");
    const char *bad[][2] = {{"kfile/kept", "kfile/kept: cannot create: Not a directory"},
                            {"kfile", "kfile: not a directory"}};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q --keep %s",
                 at("kwhole.trace"), at(bad[i][0]));
        CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, bad[i][1]) && !strstr(out, "truth:") &&
                  strchr(out, '\n') == out + strlen(out) - 1, "%s: %s", bad[i][0], out);
    }
    mkdir(at("kdir"), 0755);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q --keep %s",
             at("kwhole.trace"), at("kdir"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s", out);
    CHECK(ts_file_exists(at("kdir/filled-5")));
    /* a run that fails before anything is kept (a trace that lost events already) takes
     * the --keep directory it made with it; one that was there stays */
    t = make_text(2000, 100, 7, 0);
    write_file(at("klossy.trace"), t);
    free(t);
    static const char *const keeps[2] = {"knew", "kdir"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 -q --keep %s", at("klossy.trace"), at(keeps[i]));
        CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "lost events already"), "%s", out);
        CHECK_MSG(ts_file_exists(at(keeps[i])) == (i == 1), "%s: %s", keeps[i], i ? "removed" : "left behind");
    }
}

/* a --keep folder made at the name of a dataset's own file it does not have yet
 * (DS/time_ns.npy of a dataset without times) would be read as that file the next time the
 * dataset is loaded: refused before the trace is analysed, nothing made */
static void bench_keep_not_a_dataset_file(void)
{
    char cmd[2000], out[4096];
    char *t = make_text(2000, 0, 0, 0);
    write_file(at("kds.trace"), t);
    free(t);
    mkdir(at("kds"), 0755);
    write_file(at("kds/stream.txt"), "0,1,0,1\n");
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q --keep %s",
             at("kds.trace"), at("kds/time_ns.npy"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "time_ns.npy: a file of the dataset ") &&
                  strstr(out, "which --keep ") && strstr(out, "give another DIR") && !strstr(out, "truth:") &&
                  strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
    CHECK(!ts_file_exists(at("kds/time_ns.npy")));
    /* one that is there: the same wording, not "not a directory", and kept as it was */
    write_file(at("kds/vocab.tsv"), "0\tread\n");
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 6 -q --keep %s",
             at("kds.trace"), at("kds/vocab.tsv"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "vocab.tsv: a file of the dataset ") &&
                  strstr(out, "which --keep ") && strstr(out, "would write over; give another DIR") &&
                  !strstr(out, "not a directory") && strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
    char *v = slurp(at("kds/vocab.tsv"));
    CHECK(v && !strcmp(v, "0\tread\n"));
    free(v);
}

/* an output fill cannot write (the input itself, a path through a file, a directory) is
 * refused before the models are trained, which takes minutes for mdm, not after */
static void fill_output_refused_before_training(void)
{
    char cmd[2000], out[4096];
    snprintf(cmd, sizeof cmd, "cp tests/data/ftrace_pipe.trace.gz %s && : > %s", at("lossy.trace.gz"), at("afile"));
    REQUIRE(system(cmd) == 0);
    const char *outs[] = {at("lossy.trace.gz"), at("afile/x"), dir};
    const char *why[] = {"would replace the input trace", "Not a directory", "a directory"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s", at("lossy.trace.gz"), outs[i]);
        int rc = run_output(cmd, out, sizeof out);
        CHECK_MSG(rc == 1 && strstr(out, why[i]) && !strstr(out, "fill: training") && !strstr(out, "fill: read"),
                  "%s: rc %d: %s", cmd, rc, out);
    }
    snprintf(cmd, sizeof cmd, "cmp -s tests/data/ftrace_pipe.trace.gz %s", at("lossy.trace.gz"));
    CHECK(system(cmd) == 0);
}

/* --max-train N (at least 100) on a trace of few CPUs leaves too few events to train on:
 * the error says the cap, not the trace, is short of them */
static void max_train_too_few_named(void)
{
    char cmd[4096], err[512];
    snprintf(cmd, sizeof cmd, "fill tests/data/ftrace_pipe.trace.gz -q --threads 1 --max-train 100 -o %s",
             at("mt.trace"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "too few events") && strstr(err, "--max-train 100"), "rc %d: %s", rc, err);
    CHECK(access(at("mt.trace"), F_OK) != 0);
}

/* an OUT named .gz is written compressed, as the input was read: gzip's magic, and the same
 * text as a plain OUT's once decompressed, for fill and for drop; read back by gaps */
static void gz_output_compressed(void)
{
    char cmd[8192], err[512];
    const char *in = "tests/data/ftrace_pipe.trace.gz";
    const char *what[] = {"fill %s -q --threads 1 -o %s", "drop %s -q --rate 0.1 -o %s"};
    for (int i = 0; i < 2; i++) {
        char plain[64], gz[64];
        snprintf(plain, sizeof plain, "gzo%d.trace", i);
        snprintf(gz, sizeof gz, "gzo%d.trace.gz", i);
        char *a = ts_strdup(at(plain)), *b = ts_strdup(at(gz));
        snprintf(cmd, sizeof cmd, what[i], in, a);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        snprintf(cmd, sizeof cmd, what[i], in, b);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
        unsigned char m[2] = {0, 0};
        FILE *f = fopen(b, "rb");
        CHECK_MSG(f && fread(m, 1, 2, f) == 2 && m[0] == 0x1f && m[1] == 0x8b, "%s: not gzip", gz);
        if (f) fclose(f);
        snprintf(cmd, sizeof cmd, "gzip -dc %s | cmp -s - %s", b, a);
        CHECK_MSG(system(cmd) == 0, "%s: not %s compressed", gz, plain);
        ts_gap_list g1, g2;
        REQUIRE(ts_gaps_find(a, 0, &g1) == 0);
        REQUIRE(ts_gaps_find(b, 0, &g2) == 0);
        CHECK(g1.n == g2.n && g1.events == g2.events && g1.recon == g2.recon);
        ts_gap_list_free(&g1);
        ts_gap_list_free(&g2);
        free(a);
        free(b);
    }
}

/* an output file named with a '/' at its end names a directory where a file is written:
 * said so in one line (it said "cannot create: No such file or directory", or "Not a
 * directory" where a file of that name is), for fill's and drop's OUT and fill's --save-model */
static void output_trailing_slash(void)
{
    char cmd[8192], err[512];
    const char *in = "tests/data/ftrace_pipe.trace.gz";
    write_file(at("slash_file"), "x\n");
    char *a = ts_strdup(at("slash.trace/")), *b = ts_strdup(at("slash_file/")), *c = ts_strdup(at("slash.trace"));
    const char *outs[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        const char *what[] = {"fill %s -q --threads 1 -o %s", "drop %s -q --rate 0.1 -o %s"};
        for (int k = 0; k < 2; k++) {
            snprintf(cmd, sizeof cmd, what[k], in, outs[i]);
            int rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 1 && strstr(err, outs[i]) && strstr(err, "names a directory") && !strstr(err, "No such file") &&
                          !strstr(err, "Not a directory"), "%s: exit %d: %s", cmd, rc, err);
        }
        snprintf(cmd, sizeof cmd, "fill %s -q --threads 1 -o %s --save-model %s", in, c, outs[i]);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, outs[i]) && strstr(err, "names a directory"), "%s: exit %d: %s", cmd, rc, err);
        CHECK(access(c, F_OK) != 0);
    }
    free(a);
    free(b);
    free(c);
}

/* `cmd NAME opts -o -` on the text NAME (in the scratch folder; what it writes named
 * after stem): standard output, the same bytes as -o FILE, the summary (holding said) on
 * stderr, and no file named '-'; a CTF trace's new directory cannot go there: refused in
 * one line, before the work; a trace that is not there is said so, not taken for a CTF
 * trace. bin: the CLI's absolute path */
static void dash_is_stdout(const char *bin, const char *cmd, const char *opts, const char *name, const char *stem,
                           const char *said)
{
    char line[8192], err[512], a[600], b[700], want[700];
    snprintf(a, sizeof a, "%s_file.trace", stem);
    snprintf(line, sizeof line, "%s %s %s -o %s", cmd, at(name), opts, at(a));
    REQUIRE(run_cli(line, err, sizeof err) == 0);
    snprintf(line, sizeof line, "cd '%s' && '%s' %s %s %s -o - >%s_stdout.trace 2>%s.err", dir, bin, cmd, name, opts,
             stem, stem);
    CHECK(system(line) == 0);
    CHECK_MSG(access(at("-"), F_OK) != 0, "%s -o - wrote a file named '-'", cmd);
    snprintf(b, sizeof b, "%s_stdout.trace", stem);
    CHECK(files_equal(at(a), at(b)));
    snprintf(a, sizeof a, "%s.err", stem);
    char *e = slurp(at(a));
    CHECK_MSG(e && strstr(e, said) && strstr(e, "-> standard output"), "%s", e ? e : "(none)");
    free(e);
    /* a CTF trace (a directory) is written as a directory */
    snprintf(a, sizeof a, "%s_ctf", stem);
    CHECK(mkdir(at(a), 0700) == 0);
    snprintf(line, sizeof line, "cd '%s' && '%s' %s %s %s -o - >/dev/null 2>%s.err", dir, bin, cmd, a, opts, a);
    int st = system(line);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
    snprintf(b, sizeof b, "%s.err", a);
    e = slurp(at(b));
    snprintf(want, sizeof want, "tracesynth %s: error: -o -:", cmd);
    CHECK_MSG(e && strstr(e, want) && strstr(e, "directory") && strchr(e, '\n') && !strchr(e, '\n')[1], "%s",
              e ? e : "(none)");
    free(e);
    /* a trace that is not there is said so, not taken for a CTF trace */
    snprintf(a, sizeof a, "%s_none.trace", stem);
    snprintf(line, sizeof line, "%s %s %s -o -", cmd, at(a), opts);
    snprintf(want, sizeof want, "%s: cannot open", a);
    CHECK_MSG(run_cli(line, err, sizeof err) == 1 && strstr(err, want), "%s", err);
    CHECK(access(at("-"), F_OK) != 0);
}

/* -o - is standard output for ftrace text, as export's and fill --text's '-' are (the
 * summary then on stderr), not a file named '-'; a CTF trace's new directory cannot go
 * there: refused in one line, before the work */
static void fill_output_dash_is_stdout(void)
{
    const char *b = getenv("TRACESYNTH");
    char bin[4096], cmd[8192];
    REQUIRE(realpath(b ? b : "build/tracesynth", bin));
    snprintf(cmd, sizeof cmd, "cp tests/data/ftrace_pipe.trace.gz %s", at("dash.trace.gz"));
    REQUIRE(system(cmd) == 0);
    dash_is_stdout(bin, "fill", "-q --threads 1", "dash.trace.gz", "dash", "fill: 15 gaps");
}

/* drop's output that cannot be written is refused before the text is read (all of it,
 * into memory: long for a large recording), as a CTF trace's is: a bad input and a bad
 * output give the output's error */
static void drop_output_checked_first(void)
{
    write_file(at("garbage.trace"), "garbage line\n");
    const char *outs[] = {at("nodir/x"), dir};
    const char *why[] = {"nodir/x: cannot create", "a directory"};
    for (int i = 0; i < 2; i++) {
        char cmd[2000], err[512];
        snprintf(cmd, sizeof cmd, "drop %s -o %s", at("garbage.trace"), outs[i]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, why[i]), "%s: %s", cmd, err);
    }
}

/* drop -o - is standard output for ftrace text, as fill's and export's are (the summary
 * then on stderr), not a file named '-'; a CTF trace's new directory cannot go there:
 * refused in one line, before the work */
static void drop_output_dash_is_stdout(void)
{
    const char *b = getenv("TRACESYNTH");
    char bin[4096], cmd[8192];
    REQUIRE(realpath(b ? b : "build/tracesynth", bin));
    char *t = make_text(1500, 0, 0, 0);
    write_file(at("ddash.trace"), t);
    free(t);
    dash_is_stdout(bin, "drop", "-q --rate 0.1 --burst-min 2 --burst-max 4 --seed 3", "ddash.trace", "ddash", "drop: ");
    /* standard output closed: said of standard output, not of /dev/stdout, which was not given */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' drop ddash.trace -q -o - >&- 2>ddash.err", dir, bin);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    char *e = slurp(at("ddash.err"));
    CHECK_MSG(e && !strncmp(e, "tracesynth: error: standard output: ", 36) && !strchr(e, '\n')[1], "%s", e ? e : "(none)");
    free(e);
}

/* TRACE - is standard input, as ingest's INPUT of - is: gaps, fill and drop read text
 * redirected from a file as they read the file; a pipe's text, read more than once, is
 * refused in one line naming standard input */
static void trace_dash_is_stdin(void)
{
    const char *b = getenv("TRACESYNTH");
    char bin[4096], cmd[8192], err[512], want[4096], got[4096];
    REQUIRE(realpath(b ? b : "build/tracesynth", bin));
    char *t = make_text(1500, 0, 0, 0);
    write_file(at("sdash.trace"), t);
    free(t);
    snprintf(cmd, sizeof cmd, "drop %s -q --rate 0.1 --burst-min 2 --burst-max 4 --seed 3 -o %s", at("sdash.trace"),
             at("sdash_file.trace"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "drop - -q --rate 0.1 --burst-min 2 --burst-max 4 --seed 3 -o %s < %s",
             at("sdash_stdin.trace"), at("sdash.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && files_equal(at("sdash_file.trace"), at("sdash_stdin.trace")),
              "drop -: %s", err);
    snprintf(cmd, sizeof cmd, "gaps %s", at("sdash_file.trace"));
    REQUIRE(run_stdout(cmd, want, sizeof want) == 0);
    snprintf(cmd, sizeof cmd, "gaps - < %s", at("sdash_file.trace"));
    CHECK_MSG(run_stdout(cmd, got, sizeof got) == 0 && !strcmp(got, want), "gaps -: %s", got);
    snprintf(cmd, sizeof cmd, "fill %s -q --threads 1 --model ngram -o %s", at("sdash_file.trace"), at("sdash_f1.trace"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "fill - -q --threads 1 --model ngram -o %s < %s", at("sdash_f2.trace"),
             at("sdash_file.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && files_equal(at("sdash_f1.trace"), at("sdash_f2.trace")),
              "fill -: %s", err);
    /* its progress lines name standard input and output, as its errors do, not the paths
     * read and written through */
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' fill - --threads 1 --model ngram -o - <sdash_file.trace >/dev/null "
             "2>sdash.err", dir, bin);
    int fst = system(cmd);
    char *fe = slurp(at("sdash.err"));
    CHECK_MSG(WIFEXITED(fst) && WEXITSTATUS(fst) == 0 && fe && strstr(fe, "fill: read standard input\n") &&
                  strstr(fe, "fill: writing standard output\n") && !strstr(fe, "/dev/std"), "%s", fe ? fe : "(none)");
    free(fe);
    /* so does the refusal of a seed no gap reads, made once the gaps are read */
    snprintf(cmd, sizeof cmd, "fill - -q --threads 1 --model ngram --seed 3 -o %s < %s", at("sdash_f5.trace"),
             at("sdash_file.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--seed: ") && strstr(err, "standard input has none") &&
                  !strstr(err, "/dev/stdin"), "%s", err);
    const char *uses[3] = {"gaps -", "fill - -q --threads 1 -o sdash_f3.trace", "drop - -q -o sdash_d3.trace"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "cd '%s' && cat sdash_file.trace | '%s' %s >/dev/null 2>sdash.err", dir, bin,
                 uses[i]);
        int st = system(cmd);
        char *e = slurp(at("sdash.err"));
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1 && e &&
                      !strncmp(e, "tracesynth: error: standard input: ", 35) && strstr(e, "read more than once") &&
                      !strchr(e, '\n')[1], "%s: %s", uses[i], e ? e : "(none)");
        free(e);
    }
}

/* a text output that fills its disk is an error naming the output, not the input trace */
static void fill_full_disk_names_output(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    char *t = make_text(20000, 100, 5, 0);   /* more than the 1 MB written at once */
    write_file(at("full_in.trace"), t);
    free(t);
    char cmd[2000], out[4096];
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o /dev/full", at("full_in.trace"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "tracesynth: error: /dev/full: write failed") &&
                  !strstr(out, "error: /tmp"), "%s", out);
}

/* a .gz OUT that fills its disk (a link to /dev/full) is a one-line error naming it: the
 * compressed stream's failed write is a short write to stdio, never a crash. The text's
 * random fields keep its compressed form above the 1 MB its output file buffers */
static void drop_gz_full_disk_names_output(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    const size_t pairs = 60000, cap = pairs * 2 * 120;
    char *t = malloc(cap);
    size_t n = 0;
    uint64_t r = 1;
    for (size_t i = 0; i < pairs; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        const long us = 1000000L + 10L * (long)i;
        n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d [%03d] ..... %5ld.%06ld: sys_write(fd: 1, buf: 0x%llx, "
                              "count: %u)\n%16s-%-7d [%03d] ..... %5ld.%06ld: sys_write -> 0x%x\n", "dd", 10, 0,
                              us / 1000000, us % 1000000, (unsigned long long)(r >> 16), (unsigned)(r >> 44), "dd",
                              10, 0, (us + 5) / 1000000, (us + 5) % 1000000, (unsigned)(r & 0xfffff));
    }
    write_file(at("gzfull_in.trace"), t);
    free(t);
    unlink(at("gzfull.trace.gz"));
    REQUIRE(symlink("/dev/full", at("gzfull.trace.gz")) == 0);
    char cmd[2000], out[4096];
    snprintf(cmd, sizeof cmd, "drop %s --rate 0.001 -o %s", at("gzfull_in.trace"), at("gzfull.trace.gz"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "gzfull.trace.gz: write failed") &&
                  !strchr(out, '\n')[1], "%s", out);
}

/* --save-model to a FIFO is written last, once the new trace is: a trace that cannot be
 * written sends nothing through it (its reader sees the end the test gives it) */
static void fill_model_stream_after_the_trace(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    char *t = make_text(3000, 1200, 20, 0);
    write_file(at("ms_in.trace"), t);
    free(t);
    unlink(at("ms.fifo"));
    REQUIRE(mkfifo(at("ms.fifo"), 0600) == 0);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[8192], fifo[512], copy[512], in[512], out[512];   /* at() keeps 4 names at a time */
    snprintf(fifo, sizeof fifo, "%s", at("ms.fifo"));
    snprintf(copy, sizeof copy, "%s", at("ms_copy.tsm"));
    snprintf(in, sizeof in, "%s", at("ms_in.trace"));
    snprintf(out, sizeof out, "%s", at("ms_out.trace"));
    for (int ok = 0; ok < 2; ok++) {
        /* the end of the FIFO is given by opening it: that waits for cat to open its side,
         * which a busy machine may delay past one try; tries that all time out end cat and
         * exit 99, not a wait for a cat that never returns */
        snprintf(cmd, sizeof cmd, "cat %s > %s & c=$!; timeout 60 %s fill %s -q --threads 1 -o %s --save-model %s "
                 ">/dev/null 2>&1; rc=$?; if [ $rc != 0 ]; then n=0; until timeout 5 sh -c ': > %s'; do "
                 "n=$((n+1)); [ $n -lt 12 ] || { kill $c; wait $c; exit 99; }; done; fi; wait $c; exit $rc",
                 fifo, copy, bin, in, ok ? out : "/dev/full", fifo, fifo);
        int st = system(cmd);
        CHECK_MSG(!WIFEXITED(st) || WEXITSTATUS(st) != 99, "the FIFO's reader never opened it");
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == (ok ? 0 : 1), "status %d", st);
        struct stat sb;
        CHECK_MSG(stat(at("ms_copy.tsm"), &sb) == 0 && (ok ? sb.st_size > 0 : sb.st_size == 0), "%s: %lld bytes",
                  ok ? "written" : "/dev/full", (long long)sb.st_size);
    }
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(at("ms_copy.tsm"), &m) == 0, "%s", ts_error());
    ts_model_free(m);
}

/* --save-model is put in place with the trace: a trace that cannot be written leaves no new
 * model file, and a model there before as it was */
static void fill_model_saved_with_the_trace(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    char *t = make_text(3000, 1200, 20, 0);
    write_file(at("sm_in.trace"), t);
    free(t);
    char cmd[2000], err[512];
    snprintf(cmd, sizeof cmd, "fill %s -q --threads 1 -o /dev/full --save-model %s", at("sm_in.trace"), at("sm.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "/dev/full: write failed"), "%s", err);
    CHECK_MSG(access(at("sm.tsm"), F_OK) != 0, "the model saved without the trace");
    write_file(at("sm.tsm"), "old\n");
    CHECK(run_cli(cmd, err, sizeof err) == 1);
    char *m = slurp(at("sm.tsm"));
    CHECK_MSG(m && !strcmp(m, "old\n"), "the model there before replaced without the trace");
    free(m);
    /* written: both */
    snprintf(cmd, sizeof cmd, "fill %s -q --threads 1 -o %s --save-model %s", at("sm_in.trace"), at("sm_out.trace"),
             at("sm.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    ts_model *mo = NULL;
    CHECK_MSG(ts_model_load(at("sm.tsm"), &mo) == 0 && access(at("sm_out.trace"), F_OK) == 0, "%s", ts_error());
    ts_model_free(mo);
}

/* --seed with a model that draws nothing (the n-gram, the unigram: neither their training
 * nor their imputation reads it) is refused, as train and impute refuse it, not ignored */
static void fill_seed_refused_when_unread(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("seed.trace"), t);
    free(t);
    char cmd[2000], err[512];
    const char *models[] = {"ngram", "unigram"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s --seed 3 -q -o %s", at("seed.trace"), models[i], at("seed_out.trace"));
        char want[128];
        snprintf(want, sizeof want, "--seed: the model %s does not read it", models[i]);
        CHECK(cli_refuses(cmd, 2, want, at("seed_out.trace"), err, sizeof err));
    }
    /* a model file of the n-gram: its imputation reads no seed either */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -q -o %s --save-model %s", at("seed.trace"), at("seed_out.trace"),
             at("seed.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model %s --seed 3 -q -o %s", at("seed.trace"), at("seed.tsm"), at("seed_out2.trace"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--seed") && strstr(err, "ngram does not read it"), "exit %d: %s", rc, err);
    /* without it, the file fills */
    snprintf(cmd, sizeof cmd, "fill %s --model %s -q -o %s", at("seed.trace"), at("seed.tsm"), at("seed_out2.trace"));
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    /* a gap with no event on either side (a CPU that lost every event) is drawn from the
     * n-gram's chain by the seed: taken, by the model name and the model file, and read */
    t = make_text(300, 100, 4, 0);
    char *w = malloc(strlen(t) + 64);
    sprintf(w, "%sCPU:2 [LOST 40 EVENTS]\n", t);
    free(t);
    write_file(at("seed_all.trace"), w);
    free(w);
    char tsm[512];
    snprintf(tsm, sizeof tsm, "%s", at("seed.tsm"));
    const char *given[] = {"ngram", tsm};
    for (int i = 0; i < 2; i++) {
        char *fills[6] = {NULL};
        int distinct = 0;
        for (int sd = 0; sd < 6; sd++) {
            snprintf(cmd, sizeof cmd, "fill %s --model %s --seed %d -q -o %s", at("seed_all.trace"), given[i], sd + 1,
                     at("seed_out3.trace"));
            rc = run_cli(cmd, err, sizeof err);
            CHECK_MSG(rc == 0, "%s: exit %d: %s", cmd, rc, err);
            char *o = rc == 0 ? slurp(at("seed_out3.trace")) : NULL;
            if (!o) continue;
            char *cpu2 = strstr(o, "CPU:2 [LOST 40 EVENTS]");   /* the lines after the marker */
            fills[sd] = strdup(cpu2 ? cpu2 : "");
            free(o);
            int seen = 0;
            for (int q = 0; q < sd; q++) seen |= fills[q] && !strcmp(fills[q], fills[sd]);
            distinct += !seen;
        }
        CHECK_MSG(distinct > 1, "%s: %d distinct fills over 6 seeds", given[i], distinct);
        for (int sd = 0; sd < 6; sd++) free(fills[sd]);
    }
    /* but for the kgram fallback, which fills such a gap with its most frequent sequence:
     * refused, trained or from a file, before anything is written (the model too) */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --fallback kgram -q -o %s --save-model %s", at("seed.trace"),
             at("seed_out4.trace"), at("seed_kg.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --fallback kgram --seed 3 -q -o %s --save-model %s",
             at("seed_all.trace"), at("seed_out5.trace"), at("seed_kg2.tsm"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--seed: the model ngram does not read it") && strstr(err, "trained with"), "exit %d: %s",
              rc, err);
    CHECK(access(at("seed_out5.trace"), F_OK) != 0 && access(at("seed_kg2.tsm"), F_OK) != 0);
    snprintf(cmd, sizeof cmd, "fill %s --model %s --seed 3 -q -o %s", at("seed_all.trace"), at("seed_kg.tsm"),
             at("seed_out5.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--seed: the model ngram does not read it") && strstr(err, "trained with"), "exit %d: %s",
              rc, err);
    CHECK(access(at("seed_out5.trace"), F_OK) != 0);
}

/* --length with a model whose training reads no window length (the n-gram and the
 * unigram read the surviving events as one stream) is refused, as --seed is, not
 * ignored: one line, exit 2, nothing written; a model trained on windows (mdm) reads it */
static void fill_length_refused_when_unread(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("len.trace"), t);
    free(t);
    char cmd[2000], err[512];
    const char *models[] = {"ngram", "unigram"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s --length 50 -q -o %s", at("len.trace"), models[i], at("len_out.trace"));
        char want[128];
        snprintf(want, sizeof want, "fill: error: --length: the model %s does not read it", models[i]);
        CHECK(cli_refuses(cmd, 2, want, at("len_out.trace"), err, sizeof err));
    }
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --length 50 --one-model --threads 1 -q --iters 2 --layers 1 "
             "--channels 8 --prior 0 -o %s", at("len.trace"), at("len_out.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* an mdm model file under greedy decoding (its imputation's default, --temperature 0 and
 * --order confident) draws nothing: a --seed is refused, as impute refuses it, before the
 * trace is read (no progress line before the error, which would make it two) and with
 * nothing written; sampling reads it */
static void fill_mdm_greedy_seed_refused(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("sw.trace"), t);
    free(t);
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --one-model --threads 1 -q --iters 4 --layers 1 --channels 8 "
             "--prior 0 -o %s --save-model %s", at("sw.trace"), at("sw_out0.trace"), at("sw_mdm.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    const char *refused[] = {"", "--temperature 0 --order confident"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s --seed 3 %s --threads 1 -o %s", at("sw.trace"),
                 at("sw_mdm.tsm"), refused[i], at("sw_out.trace"));
        CHECK(cli_refuses(cmd, 2, "fill: error: mdm: option --seed: greedy decoding (--temperature 0, --order confident) "
                          "draws nothing", at("sw_out.trace"), err, sizeof err));
    }
    const char *taken[] = {"--temperature 0.5", "--order random"};
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s --seed 3 %s --threads 1 -q -o %s", at("sw.trace"),
                 at("sw_mdm.tsm"), taken[i], at("sw_out1.trace"));
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: exit %d: %s", cmd, rc, err);
    }
}

/* the kgram fallback of an n-gram trained on the fly draws nothing, not even a gap with no
 * event on either side: a --seed is refused from the training options, before the trace
 * is read and the model trained (no progress line before the error, which would make it
 * two), nothing written */
static void fill_kgram_seed_refused_before_training(void)
{
    char *t = make_text(300, 100, 4, 0);
    char *w = malloc(strlen(t) + 64);
    sprintf(w, "%sCPU:2 [LOST 40 EVENTS]\n", t);   /* a gap alone: the markov fallback draws it */
    free(t);
    write_file(at("kgb.trace"), w);
    free(w);
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --fallback kgram --seed 3 --threads 1 -o %s --save-model %s",
             at("kgb.trace"), at("kgb_out.trace"), at("kgb.tsm"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "fill: error: --seed: the model ngram does not read it") &&
                  strstr(err, "trained with"), "exit %d: %s", rc, err);
    CHECK(access(at("kgb_out.trace"), F_OK) != 0 && access(at("kgb.tsm"), F_OK) != 0);
    /* the markov fallback draws that gap: taken */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --fallback markov --seed 3 --threads 1 -q -o %s", at("kgb.trace"),
             at("kgb_out.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
}

/* an mdm model file's imputation options are all checked before the trace is read (no
 * progress line before the error), --select and --ngram-mix as --temperature is, and
 * nothing is written */
static void fill_mdm_run_options_checked_first(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("so.trace"), t);
    free(t);
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --one-model --threads 1 -q --iters 4 --layers 1 --channels 8 "
             "--prior 0 -o %s --save-model %s", at("so.trace"), at("so_out0.trace"), at("so_mdm.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const struct { const char *opts, *says; } bad[] = {
        {"--temperature abc", "--temperature"},
        {"--select bogus", "--select: 'bogus'"},
        {"--ngram-mix switch:0.5", "--ngram-mix: impute takes it with --select likelihood only"},
        {"--select likelihood --ngram-mix bogus", "--ngram-mix: 'bogus'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s %s --threads 1 -o %s", at("so.trace"), at("so_mdm.tsm"),
                 bad[i].opts, at("so_out.trace"));
        CHECK_MSG(cli_refuses(cmd, 2, bad[i].says, at("so_out.trace"), err, sizeof err) &&
                      strstr(err, "tracesynth fill: error: ") == err && !strstr(err, "fill: read"), "%s: %s", cmd, err);
    }
    /* an --ensemble file that cannot be read: the run's error, found before the trace is read */
    snprintf(cmd, sizeof cmd, "fill %s --model %s --ensemble %s --threads 1 -o %s", at("so.trace"), at("so_mdm.tsm"),
             at("none.tsm"), at("so_out.trace"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "none.tsm") &&
                  !strstr(err, "fill: read"), "%s: exit %d: %s", cmd, rc, err);
    CHECK(access(at("so_out.trace"), F_OK) != 0);
    /* the same for an mdm trained here, whose run reads its --ensemble only at the first gap:
     * found before the trace is read and the model trained */
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --one-model --iters 4 --layers 1 --channels 8 --prior 0 --ensemble %s "
             "--threads 1 -o %s", at("so.trace"), at("none.tsm"), at("so_out.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "none.tsm") &&
                  !strstr(err, "fill: read"), "%s: exit %d: %s", cmd, rc, err);
    CHECK(access(at("so_out.trace"), F_OK) != 0);
    snprintf(cmd, sizeof cmd, "fill %s --model %s --select likelihood --ngram-mix none --threads 1 -q -o %s",
             at("so.trace"), at("so_mdm.tsm"), at("so_out1.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
}

/* the same for an n-gram's and an sssd-s4's model file: --in-window, --samples */
static void fill_model_run_options_checked_first(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("sr.trace"), t);
    free(t);
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --one-model --threads 1 -q -o %s --save-model %s", at("sr.trace"),
             at("sr_out0.trace"), at("sr_ngram.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model sssd-s4 --one-model --threads 1 -q --iters 2 --layers 1 --channels 8 "
             "--state 4 --T 10 -o %s --save-model %s", at("sr.trace"), at("sr_out0.trace"), at("sr_sssd.tsm"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    static const struct { const char *model, *opts, *says; } bad[] = {
        {"sr_ngram.tsm", "--in-window abc", "--in-window: 'abc'"},
        {"sr_ngram.tsm", "--in-window 99", "--in-window: 99 out of range"},
        {"sr_ngram.tsm", "--steps 3", "--steps"},
        {"sr_sssd.tsm", "--samples 0", "--samples"},
        {"sr_sssd.tsm", "--samples abc", "--samples: 'abc'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s %s --threads 1 -o %s", at("sr.trace"), at(bad[i].model),
                 bad[i].opts, at("sr_out.trace"));
        CHECK_MSG(cli_refuses(cmd, 2, bad[i].says, at("sr_out.trace"), err, sizeof err) &&
                      strstr(err, "tracesynth fill: error: ") == err && !strstr(err, "fill: read"), "%s: %s", cmd, err);
    }
    /* a model name's training options, refused as it trains (after the trace is read): a
     * usage error too */
    static const struct { const char *opts, *says; } untrained[] = {
        {"--model ngram --order 0", "ngram: option --order: 0 out of range"},
        {"--model mdm --bogus 1", "mdm: option --bogus: not one of its training options"},
    };
    for (size_t i = 0; i < sizeof untrained / sizeof *untrained; i++) {
        snprintf(cmd, sizeof cmd, "fill %s %s --threads 1 -q -o %s", at("sr.trace"), untrained[i].opts,
                 at("sr_out.trace"));
        CHECK_MSG(cli_refuses(cmd, 2, untrained[i].says, at("sr_out.trace"), err, sizeof err) &&
                      strstr(err, "tracesynth fill: error: ") == err, "%s: %s", cmd, err);
    }
    static const struct { const char *model, *opts; } good[] = {
        {"sr_ngram.tsm", "--in-window 2"}, {"sr_sssd.tsm", "--samples 2"},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s %s --threads 1 -q -o %s", at("sr.trace"), at(good[i].model),
                 good[i].opts, at("sr_out1.trace"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
}

/* --burst-min above the default --burst-max (64) without --burst-max: bursts of
 * --burst-min events, not an error about a --burst-max never given; one given below
 * --burst-min is still refused, named */
static void burst_max_follows_burst_min(void)
{
    char *t = make_text(600, 0, 0, 0);
    write_file(at("burst.trace"), t);
    free(t);
    char cmd[2000], err[512];
    snprintf(cmd, sizeof cmd, "drop %s --rate 0.2 --burst-min 100 -q -o %s", at("burst.trace"), at("burst_out.trace"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
    char *o = slurp(at("burst_out.trace"));
    REQUIRE(o);
    CHECK_MSG(strstr(o, "[LOST 100 EVENTS]"), "no burst of 100 events");
    free(o);
    snprintf(cmd, sizeof cmd, "drop %s --burst-min 100 --burst-max 64 -q -o %s", at("burst.trace"), at("burst_out.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--burst-max 64 is below --burst-min 100"), "exit %d: %s", rc, err);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.2 --burst-min 100 -q --top 0", at("burst.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
}

/* --rate 0 drops nothing and draws nothing: a --seed is refused, not ignored */
static void drop_seed_refused_at_rate_zero(void)
{
    char *t = make_text(300, 0, 0, 0);
    write_file(at("rate0.trace"), t);
    free(t);
    char cmd[2000], err[512];
    snprintf(cmd, sizeof cmd, "drop %s --rate 0 --seed 3 -q -o %s", at("rate0.trace"), at("rate0_out.trace"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 2 && strstr(err, "--seed") && strstr(err, "--rate 0"), "exit %d: %s", rc, err);
    CHECK(access(at("rate0_out.trace"), F_OK) != 0);
    snprintf(cmd, sizeof cmd, "drop %s --rate 0 -q -o %s", at("rate0.trace"), at("rate0_out.trace"));
    rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, err);
}

/* perf script's text of the loop make_text writes: syscalls:* events of threads 10 (CPU 0)
 * and 20 (CPU 1), the event names padded as perf pads them; lost: a PERF_RECORD_LOST of CPU
 * 0 after its first `at_ev` events (0: none); entries_only: no exits */
static char *make_perf(int per_cpu, int at_ev, int lost, int entries_only)
{
    size_t cap = (size_t)per_cpu * 2 * 160 + 4096, n = 0;
    char *t = malloc(cap);
    static const char *const ev[4] = {" syscalls:sys_enter_read: fd: 0x00000003, buf: 0x00001000, count: 0x00000010",
                                      "  syscalls:sys_exit_read: 0x10",
                                      "syscalls:sys_enter_write: fd: 0x00000004, buf: 0x00001000, count: 0x00000010",
                                      " syscalls:sys_exit_write: 0x10"};
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            long us = 1000000L + 10L * i + c;
            if (c == 0 && lost && i == at_ev)
                n += (size_t)snprintf(t + n, cap - n, "%16s %5d [%03d] %5ld.%06ld: PERF_RECORD_LOST lost %d\n", "dd", 10, 0,
                                      us / 1000000, us % 1000000, lost);
            int k = entries_only ? 2 * (i % 2) : i % 4;
            n += (size_t)snprintf(t + n, cap - n, "%16s %5d [%03d] %5ld.%06ld: %s\n", c ? "cat" : "dd", c ? 20 : 10, c,
                                  us / 1000000, us % 1000000, ev[k]);
        }
    return t;
}

/* perf script's text: read as the same trace as ftrace's; its PERF_RECORD_LOST lines are
 * the CPU's gaps; fill writes its lines in perf's shape after them; drop writes
 * PERF_RECORD_LOST lines that gaps reads back; one format per file */
static void perf_script_text(void)
{
    char *pt = make_perf(300, 0, 0, 0), *ft = make_text(300, 0, 0, 0);
    write_file(at("p.txt"), pt);
    write_file(at("f.trace"), ft);
    const char *one[] = {at("p.txt")}, *other[] = {at("f.trace")};
    ts_ctf_opts co = {NULL, 1, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace a, b;
    char *notes = NULL;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes) == 0);
    free(notes);
    notes = NULL;
    REQUIRE(ts_ftrace_load(other, 1, &co, "x86_64", &b, &notes) == 0);
    free(notes);
    notes = NULL;
    CHECK_MSG(a.n == 600 && a.n == b.n, "%zu and %zu events", a.n, b.n);
    int same = a.n == b.n;
    for (size_t i = 0; same && i < a.n; i++)
        same = !strcmp(a.names[i], b.names[i]) && a.time_ns[i] == b.time_ns[i] && a.cpu[i] == b.cpu[i];
    CHECK(same);
    ts_ctf_trace_free(&a);
    ts_ctf_trace_free(&b);
    free(ft);
    free(pt);

    /* a loss of 6 events on CPU 0 */
    pt = make_perf(300, 100, 6, 0);
    write_file(at("lost.txt"), pt);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("lost.txt"), 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.events == 600);
    if (gl.n == 1) CHECK(gl.gaps[0].g.cpu == 0 && gl.gaps[0].g.count == 6 && gl.gaps[0].g.count_known);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("lost.txt"), at("filled.txt"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 6);
    ts_fill_result_free(&r);
    char *out = slurp(at("filled.txt"));
    REQUIRE(out);
    char **ol;
    size_t no = lines_of(out, &ol), recon = 0, lostline = 0;
    for (size_t i = 0; i < no; i++) {
        if (strstr(ol[i], "PERF_RECORD_LOST lost 6")) lostline = i + 1;
        if (!strstr(ol[i], TS_FTRACE_RECON ": ")) continue;
        /* perf's head, "%16s %5d [%03d] ": COMM TID [CPU] TIME:, right after the marker */
        CHECK_MSG(lostline && i >= lostline && i < lostline + 6 && strstr(ol[i], "              dd    10 [000]     1.00"),
                  "%s", ol[i]);
        recon++;
    }
    CHECK(recon == 6 && no == 601 + 6);
    free(ol);
    free(out);
    REQUIRE(ts_gaps_find(at("filled.txt"), 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.recon == 6);
    ts_gap_list_free(&gl);
    free(pt);

    /* drop: PERF_RECORD_LOST lines, read back with their counts */
    pt = make_perf(1500, 0, 0, 0);
    write_file(at("full.txt"), pt);
    ts_drop_opts d = {0.1, 8, 16, 7, 0, 1, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(at("full.txt"), at("dropped.txt"), &d, &st) == 0);
    char *dr = slurp(at("dropped.txt"));
    REQUIRE(dr);
    char **dl;
    size_t nd = lines_of(dr, &dl), markers = 0;
    for (size_t i = 0; i < nd; i++) {
        const char *m = strstr(dl[i], ": PERF_RECORD_LOST lost ");
        if (!m) continue;
        markers++;
        CHECK_MSG(strstr(dl[i], "[000]") || strstr(dl[i], "[001]"), "%s", dl[i]);
        CHECK(!strstr(dl[i], "CPU:"));
    }
    CHECK(markers == st.n_gaps && st.n_gaps > 5);
    REQUIRE(ts_gaps_find(at("dropped.txt"), 0, &gl) == 0);
    uint64_t lost = 0;
    for (size_t i = 0; i < gl.n; i++) lost += gl.gaps[i].g.count;
    CHECK(gl.n == st.n_gaps && lost == st.dropped && gl.events == st.events - st.dropped);
    ts_gap_list_free(&gl);
    ts_drop_stats_free(&st);
    free(dl);
    free(dr);
    free(pt);

    /* one format per file; perf's text without its CPU column, whose losses are per CPU */
    write_file(at("mixed.txt"), "              dd    10 [000]     1.000001: syscalls:sys_enter_read: fd: 0x3\n"
                                "              dd-10     [000] .....     1.000002: sys_read -> 0x10\n");
    CHECK(ts_gaps_find(at("mixed.txt"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "mixed.txt:2: an ftrace line after perf script's"), "%s", ts_error());
    write_file(at("nocpu.txt"), "              dd    10     1.000001: syscalls:sys_enter_read: fd: 0x3\n");
    CHECK(ts_gaps_find(at("nocpu.txt"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "nocpu.txt:1: perf script's text without the CPU column"), "%s", ts_error());
    /* a recording of one command's samples (perf record -e page-faults -- ls) has no CPU to
     * print (perf script -F +cpu: "do not have CPU attribute set"): the message says how to
     * record one */
    write_file(at("nocpu.txt"), "              ls  4148 65592.800409:          1  page-faults:  ffffffff8177879a "
                                "elf_load+0x28a ([kernel.kallsyms])\n");
    CHECK(ts_gaps_find(at("nocpu.txt"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "nocpu.txt:1: perf script's text without the CPU column") &&
                  strstr(ts_error(), "perf record --sample-cpu"), "%s", ts_error());
    write_file(at("badlost.txt"), "              dd    10 [000]     1.000001: PERF_RECORD_LOST lost\n");
    CHECK(ts_gaps_find(at("badlost.txt"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "badlost.txt:1: malformed PERF_RECORD_LOST"), "%s", ts_error());
    /* "PID/TID" (-F +pid), a comm with blanks, one perf did not know (":TID"), the period
     * (-F +period) */
    write_file(at("pid.txt"), "     my worker  7/9    [001]     1.000001: syscalls:sys_enter_read: fd: 0x3\n"
                              "           :12    12 [001]     1.000002:          1 syscalls:sys_enter_write: fd: 0x3\n");
    one[0] = at("pid.txt");
    co.exits = 0;
    REQUIRE(ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes) == 0);
    CHECK(a.n == 2 && a.tid && a.tid[0] == 9 && a.tid[1] == 12);
    ts_ctf_trace_free(&a);
    free(notes);
}

/* a trace of system call entries alone (perf record -e raw_syscalls:sys_enter): its gaps
 * are filled with entries, none made an exit to pair them */
static void entries_only_fill(void)
{
    char *pt = make_perf(600, 200, 8, 1);
    write_file(at("entries.txt"), pt);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("entries.txt"), at("entries_filled.txt"), &o, &r) == 0);
    CHECK(r.n == 1 && r.reconstructed == 8);
    ts_fill_result_free(&r);
    char *out = slurp(at("entries_filled.txt"));
    REQUIRE(out);
    CHECK(strstr(out, "event=sys_enter_") && !strstr(out, "event=sys_exit_"));
    free(out);
    free(pt);
}

/* gaps on a perf text that is refused: the error, naming the line and what to change */
static int perf_refused(const char *name, const char *text, const char *want)
{
    write_file(at(name), text);
    ts_gap_list gl;
    if (ts_gaps_find(at(name), 0, &gl) == 0) {
        ts_gap_list_free(&gl);
        fprintf(stderr, "  %s: read\n", name);
        return 0;
    }
    if (strstr(ts_error(), want)) return 1;
    fprintf(stderr, "  %s: %s\n", name, ts_error());
    return 0;
}

/* perf script -F +ip (+sym): the sample's address after the event text, where an exit's
 * value ends: refused, named, not read as an exit without its value */
static void perf_ip_refused(void)
{
    CHECK(perf_refused("ip.txt", "              sh  2574 [000]     1.000001:                   syscalls:sys_exit_brk: "
                                 "0x5628063fa000     7fa959462c47 brk\n",
                       "ip.txt:1: perf script's text with the sample's address after the event (-F +ip): not read "
                       "(perf script -F -ip)"));
    CHECK(perf_refused("ipraw.txt", "              sh  2512 [001]     1.000001:  raw_syscalls:sys_exit: NR 12 = 9 "
                                    "ffffffff8142443c\n",
                       "ipraw.txt:1: perf script's text with the sample's address after the event (-F +ip)"));
}

/* what perf script prints besides its samples' lines: a callchain's lines (perf record -g)
 * and the side-band records of --show-task-events, --show-mmap-events and the like: refused,
 * the option named */
static void perf_other_lines_refused(void)
{
    CHECK(perf_refused("callchain.txt", "ls  3027 [001] 51656.783217:  raw_syscalls:sys_exit: NR 59 = 0\n"
                                        "\tffffffff8142443c syscall_exit_work+0xbc ([kernel.kallsyms])\n"
                                        "\tffffffff8225a2d3 do_syscall_64+0x243 ([kernel.kallsyms])\n\n",
                       "callchain.txt:2: a callchain line of perf script's (perf record -g): not read (perf script -G)"));
    CHECK(perf_refused("mmap.txt", "         swapper     0 [000]     0.000000: PERF_RECORD_MMAP -1/0: [0xffffffff81000000"
                                   "(0x1276988) @ 0xffffffff81000000]: x [kernel.kallsyms]_text\n",
                       "mmap.txt:1: perf script's PERF_RECORD_MMAP line (--show-task-events, --show-mmap-events, "
                       "--show-switch-events and the like): not read (leave those options out)"));
    CHECK(perf_refused("comm.txt", "              sh  2512 [001]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n"
                                   "              sh  2512 [001]     1.000002: PERF_RECORD_COMM exec: sh:2512/2512\n",
                       "comm.txt:2: perf script's PERF_RECORD_COMM line"));
}

/* an event of perf script's that is its group alone ("raw_syscalls:" and nothing after):
 * refused, the line named, not read as an event named by its group; the last line without
 * its newline so was cut while written: left out */
static void perf_group_alone_refused(void)
{
    CHECK(perf_refused("group.txt", "              dd    11 [000]     1.000001: raw_syscalls:sys_enter: NR 0 (0, 0, 0)\n"
                                    "              dd    11 [000]     1.000007: raw_syscalls:\n"
                                    "              dd    11 [000]     1.000009: raw_syscalls:sys_exit: NR 0 = 0\n",
                       "group.txt:2: perf script's event 'raw_syscalls:' without its name"));
    write_file(at("groupcut.txt"), "              dd    11 [000]     1.000001: raw_syscalls:sys_enter: NR 0 (0, 0, 0)\n"
                                   "              dd    11 [000]     1.000007: raw_syscalls:");
    ts_gap_list gl;
    const int rc = ts_gaps_find(at("groupcut.txt"), 0, &gl);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK_MSG(gl.events == 1, "%zu events", (size_t)gl.events);
        ts_gap_list_free(&gl);
    }
}

/* a sample of an event that is no tracepoint (cycles, with perf script -F comm,tid,cpu,
 * time,event): perf prints its name as "%*s: " and nothing after, which is the event named
 * so; it was refused as a group without its event */
static void perf_event_alone_read(void)
{
    write_file(at("cycles.txt"), "              dd    11 [000]     1.000001: raw_syscalls:sys_enter: NR 0 (0, 0, 0)\n"
                                 "              dd    11 [000]     1.000007:     cycles: \n"
                                 "              dd    11 [000]     1.000009: raw_syscalls:sys_exit: NR 0 = 0\n");
    const char *one[] = {at("cycles.txt")};
    ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
    ts_ctf_trace tr;
    char *notes = NULL;
    const int rc = ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK_MSG(tr.n == 3 && !strcmp(tr.names[1], "cycles") && tr.exit[1] == TS_EVENT_OTHER, "%zu events", tr.n);
        ts_ctf_trace_free(&tr);
    }
    free(notes);
}

/* samples of events that are no tracepoints, as perf script prints them (perf 6.1's text of
 * record -a -e page-faults,cpu-clock,cpu-clock:u, the last with -F comm,tid,cpu,time,event;
 * made-up ones of other names between): read, each named as perf names it, its modifier
 * kept (cycles:u is no event "u"), a probe's "GROUP:EVENT" read as a tracepoint's; the blank
 * after a name's ':' gone (a text whose lines' ends were trimmed), a name that is no
 * identifier is read alike, and a tracepoint's (a group alone is refused) */
static void perf_sample_names_read(void)
{
    write_file(at("samples.txt"),
               "       perf-exec  4421 [001] 65602.346351:          1 page-faults:      7f4ca9a44270 @plt+0x0 "
               "(/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
               "             cc1  4411 [000] 65602.346420:     250000   cpu-clock:            e77506 "
               "relation_oracle::register_stmt+0x76 (/usr/lib/gcc/x86_64-linux-gnu/12/cc1)\n"
               "             cc1  4411 [000] 65602.346436:     250000 cpu-clock:u:            e77506 "
               "relation_oracle::register_stmt+0x76 (/usr/lib/gcc/x86_64-linux-gnu/12/cc1)\n"
               "             cat   123 [001] 65602.400001:  cycles:u:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400002:  cycles:ppp:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400003:  instructions:k:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400004:  L1-dcache-load-misses:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400005:  cpu/event=0x3c,umask=0x00/:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400006:  cpu_core/cycles/u:  ffffffff8100 foo ([kernel.kallsyms])\n"
               "             cat   123 [001] 65602.400007:  probe:do_sys_open: (ffffffff81234560)\n"
               "             cat   123 [001] 65602.400008:  probe_libc:malloc: (7f4ca9a44270)\n"
               "             cat   123 [001] 65602.400009:  cycles: \n"
               "             cc1  4411 [001] 65602.400010: cpu-clock:u: \n"
               "             cat   123 [001] 65602.400011:  cycles:u:\n"
               "             cat   123 [001] 65602.400012:  probe_libc:malloc:\n");
    static const char *const want[] = {"page-faults", "cpu-clock", "cpu-clock:u", "cycles:u", "cycles:ppp",
                                       "instructions:k", "L1-dcache-load-misses", "cpu/event=0x3c,umask=0x00/",
                                       "cpu_core/cycles/u", "do_sys_open", "malloc", "cycles", "cpu-clock:u",
                                       "cycles:u", "malloc"};
    const char *one[] = {at("samples.txt")};
    ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
    ts_ctf_trace tr;
    char *notes = NULL;
    const int rc = ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK_MSG(tr.n == 15, "%zu events", tr.n);
        for (size_t i = 0; i < tr.n && i < 15; i++)
            CHECK_MSG(!strcmp(tr.names[i], want[i]) && tr.exit[i] == TS_EVENT_OTHER, "%zu: %s", i, tr.names[i]);
        ts_ctf_trace_free(&tr);
    }
    free(notes);
}

/* an event name that is no identifier holding a control byte (a carriage return, a
 * vertical tab: damage, or a line's end inside it): refused at its line, not read as a name
 * that a names file and a dataset cannot hold (ingest --events all failed on it naming no
 * file) */
static void perf_sample_name_control_refused(void)
{
    static const char *const bad[] = {"raw_syscalls:sy\raw_syscalls:sys_enter: NR 0 (3)", "cycles\v:u: ffffffff8100",
                                      "cpu/event=0x3c\x01/: ffffffff8100", "syscalls:sys_enter_re\fad: fd: 0x3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[512];
        snprintf(text, sizeof text, "              ls  2514 [000] 51626.397311: raw_syscalls:sys_enter: NR 0 (3)\n"
                 "              ls  2514 [000] 51626.397347: %s\n", bad[i]);
        write_file(at("ctl.txt"), text);
        const char *one[] = {at("ctl.txt")};
        ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
        ts_ctf_trace tr;
        char *notes = NULL;
        if (ts_perf_load(one, 1, &co, "x86_64", &tr, &notes) == 0) {
            CHECK_MSG(0, "%zu: read as %zu events, the last named '%s'", i, tr.n, tr.n ? tr.names[tr.n - 1] : "");
            ts_ctf_trace_free(&tr);
            free(notes);
            continue;
        }
        CHECK_MSG(strstr(ts_error(), "ctl.txt:2: an event name holding a control byte"), "%zu: %s", i, ts_error());
    }
}

/* fill's reconstructed line whose event=NAME holds a control byte: refused at its line, in
 * ftrace's text and perf's, not read as a name no dataset holds */
static void recon_name_control_refused(void)
{
    static const char *const head[2] = {"            bash-1234    [000] d..2.  5678.1234%02d: ",
                                        "            bash  1234 [000]  5678.1234%02d: "};
    static const char *const first[2] = {"sys_enter_read: fd: 0x3", "syscalls:sys_enter_read: fd: 0x3"};
    static const char *const name[] = {"sys_enter_re\rad", "cyc\vles", "sched_sw\x01itch"};
    for (int perf = 0; perf < 2; perf++)
        for (size_t i = 0; i < sizeof name / sizeof *name; i++) {
            char h1[96], h2[96], text[512];
            snprintf(h1, sizeof h1, head[perf], 56);
            snprintf(h2, sizeof h2, head[perf], 57);
            snprintf(text, sizeof text, "%s%s\n%s" TS_FTRACE_RECON ": event=%s tid=1234 next_tid=-1 confidence=0.5 "
                     "gap_count=1\n", h1, first[perf], h2, name[i]);
            write_file(at("rctl.txt"), text);
            const char *one[] = {at("rctl.txt")};
            ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
            ts_ctf_trace tr;
            char *notes = NULL;
            if (ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes) == 0) {
                CHECK_MSG(0, "%d %zu: read as %zu events, the last named '%s'", perf, i, tr.n,
                          tr.n ? tr.names[tr.n - 1] : "");
                ts_ctf_trace_free(&tr);
                free(notes);
                continue;
            }
            CHECK_MSG(strstr(ts_error(), "rctl.txt:2: an event name holding a control byte"), "%d %zu: %s", perf, i,
                      ts_error());
        }
}

/* a loss in perf script's text of samples whose names are no identifiers: fill writes the
 * reconstructed events named as perf names them (cycles:u, not u), read back as written */
static void perf_sample_names_filled(void)
{
    static const char *const ev[3] = {"    cycles:u", "   cpu-clock", "cpu/cycles/u"};
    size_t cap = 600 * 120 + 256, n = 0;
    char *t = malloc(cap);
    for (int i = 0; i < 300; i++)
        for (int c = 0; c < 2; c++) {
            long us = 1000000L + 10L * i + c;
            if (c == 0 && i == 100)
                n += (size_t)snprintf(t + n, cap - n, "%16s %5d [%03d] %5ld.%06ld: PERF_RECORD_LOST lost 6\n", "dd",
                                      10, 0, us / 1000000, us % 1000000);
            n += (size_t)snprintf(t + n, cap - n, "%16s %5d [%03d] %5ld.%06ld: %s:  ffffffff8100 foo ([kernel.kallsyms])\n",
                                  c ? "cat" : "dd", c ? 20 : 10, c, us / 1000000, us % 1000000, ev[i % 3]);
        }
    write_file(at("slost.txt"), t);
    free(t);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    const int rc = ts_ctf_fill(at("slost.txt"), at("sfilled.txt"), &o, &r);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc != 0) return;
    CHECK(r.n == 1 && r.reconstructed == 6);
    ts_fill_result_free(&r);
    const char *one[] = {at("sfilled.txt")};
    ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
    ts_ctf_trace tr;
    char *notes = NULL;
    const int lr = ts_ftrace_load(one, 1, &co, "x86_64", &tr, &notes);
    CHECK_MSG(lr == 0, "%s", ts_error());
    if (lr == 0) {
        size_t named = 0;
        for (size_t i = 0; i < tr.n; i++)
            named += !strcmp(tr.names[i], "cycles:u") || !strcmp(tr.names[i], "cpu-clock") ||
                     !strcmp(tr.names[i], "cpu/cycles/u");
        CHECK_MSG(tr.n == 606 && named == tr.n, "%zu events, %zu of the recording's names", tr.n, named);
        ts_ctf_trace_free(&tr);
    }
    free(notes);
}

/* perf script's text without its TID column, and with --deltatime (each time the gap to the
 * line before): refused, the option named; --reltime's times are read */
static void perf_columns_refused(void)
{
    CHECK(perf_refused("notid.txt", "              sh [001]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n",
                       "notid.txt:1: perf script's text without the TID column: not read (perf script -F +tid)"));
    CHECK(perf_refused("delta.txt", "              sh  2512 [001]     0.000000:  raw_syscalls:sys_exit: NR 59 = 0\n"
                                    "              sh  2512 [001]     0.000030: raw_syscalls:sys_enter: NR 12 (0)\n"
                                    "              sh  2512 [001]     0.000001:  raw_syscalls:sys_exit: NR 12 = 0\n",
                       "delta.txt:3: the time goes back on CPU 1 (line 2's is later; perf script --deltatime's times "
                       "are not read: leave it out)"));
    CHECK(perf_refused("bigtid.txt", "              sh 99999999 [001]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n",
                       "bigtid.txt:1: a TID outside Linux's 0 to 4194304 (-1: not known) in 'COMM TID'"));
    CHECK(perf_refused("bigpid.txt", "              sh 99999999/2512 [001]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n",
                       "bigpid.txt:1: a PID outside Linux's 0 to 4194304 (-1: not known) in 'COMM PID/TID'"));
    CHECK(perf_refused("bigcpu.txt", "              sh  2512 [70000]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n",
                       "bigcpu.txt:1: a CPU number above 65535 (the most CPUs read)"));
    /* the PID column alone (-F pid), told from the TID's by a sched_switch of thread 2513 */
    CHECK(perf_refused("pid.txt", "              sh  2512 [001]     1.000001:  raw_syscalls:sys_exit: NR 59 = 0\n"
                                  "              sh  2512 [001]     1.000002:  sched:sched_switch: prev_comm=sh "
                                  "prev_pid=2513 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 "
                                  "next_prio=120\n",
                       "pid.txt:2: "));
    /* ftrace's text keeps its message */
    CHECK(perf_refused("back.trace", "              sh-2512    [001] .....     2.000000: sys_read -> 0x10\n"
                                     "              sh-2512    [001] .....     1.000000: sys_read -> 0x10\n",
                       "back.trace:2: the time goes back on CPU 1 (line 1's is later):"));
}

/* a loss marker between two events whose times go back: refused as any time that goes back,
 * the message naming the loss (perf's hinted at --deltatime); the time of perf's marker is
 * not read (it is when perf wrote the record, not when the events were lost: ftrace's
 * markers have none), the gap being between the events on its two sides */
static void lost_then_back(void)
{
    static const char ev0[] = "              dd    11 [000]     1.000001: raw_syscalls:sys_enter: NR 0 (0, 0, 0)\n"
                              "              dd    11 [000]     1.000007: raw_syscalls:sys_exit: NR 0 = 0\n";
    char text[1024];
    snprintf(text, sizeof text, "%s              dd    11 [000]     1.000009: PERF_RECORD_LOST lost 5\n"
             "              dd    11 [000]     1.000003: raw_syscalls:sys_enter: NR 1 (0, 0, 0)\n", ev0);
    CHECK(perf_refused("lostback.txt", text, "lostback.txt:4: the time goes back on CPU 0 after the events lost at "
                       "line 3 (line 2's is later):"));
    CHECK(perf_refused("lostback.trace", "              dd-11      [000] .....     1.000007: sys_read -> 0x10\n"
                                         "CPU:0 [LOST 5 EVENTS]\n"
                                         "              dd-11      [000] .....     1.000003: sys_read -> 0x10\n",
                       "lostback.trace:3: the time goes back on CPU 0 after the events lost at line 2 (line 1's is "
                       "later):"));
    /* the marker's own time before the event before it, or after the one after it: read */
    static const char *const at_[] = {"1.000002", "1.000009"};
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text, "%s              dd    11 [000]     %s: PERF_RECORD_LOST lost 5\n"
                 "              dd    11 [000]     1.000008: raw_syscalls:sys_enter: NR 1 (0, 0, 0)\n", ev0, at_[k]);
        write_file(at("losttime.txt"), text);
        ts_gap_list gl;
        const int rc = ts_gaps_find(at("losttime.txt"), 0, &gl);
        CHECK_MSG(rc == 0, "%s", ts_error());
        if (rc == 0) {
            CHECK_MSG(gl.n == 1 && gl.events == 3, "%zu gaps, %zu events", gl.n, (size_t)gl.events);
            ts_gap_list_free(&gl);
        }
    }
}

/* several files of perf script --reltime's text (each file's times from its own first
 * sample, no common clock) merged by time: refused naming the file; one alone is read, and
 * files of perf's clock (since boot) are merged */
static void perf_reltime_several(void)
{
    write_file(at("r1.txt"), "              sh  2512 [001]     0.000000: raw_syscalls:sys_enter: NR 0 (3)\n"
                             "              sh  2512 [001]     0.000030: raw_syscalls:sys_enter: NR 1 (3)\n");
    write_file(at("r2.txt"), "              ls  2513 [000]     0.000000: raw_syscalls:sys_enter: NR 3 (3)\n"
                             "              ls  2513 [000]     0.000010: raw_syscalls:sys_enter: NR 12 (0)\n");
    ts_ctf_opts co = {NULL, 0, TS_CTF_SYSCALLS, -1, 0, 0};
    ts_ctf_trace a;
    char *notes = NULL;
    const char *two[] = {at("r1.txt"), at("r2.txt")};
    CHECK_MSG(ts_ftrace_load(two, 2, &co, "x86_64", &a, &notes) == -1 && strstr(ts_error(), "r1.txt") &&
                  strstr(ts_error(), "--reltime") && !strchr(ts_error(), '\n'),
              "%s", ts_error());
    int rc = ts_ftrace_load(two, 1, &co, "x86_64", &a, &notes);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK(a.n == 2);
        ts_ctf_trace_free(&a);
        free(notes);
    }
    write_file(at("r1.txt"), "              sh  2512 [001] 51027.000000: raw_syscalls:sys_enter: NR 0 (3)\n"
                             "              sh  2512 [001] 51027.000030: raw_syscalls:sys_enter: NR 1 (3)\n");
    write_file(at("r2.txt"), "              ls  2513 [000] 51027.000010: raw_syscalls:sys_enter: NR 3 (3)\n");
    rc = ts_ftrace_load(two, 2, &co, "x86_64", &a, &notes);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK(a.n == 3 && !strcmp(a.names[1], "close"));
        ts_ctf_trace_free(&a);
        free(notes);
    }
    /* the CLI: one line, no dataset */
    char cmd[1024], err[1024];
    write_file(at("r1.txt"), "              sh  2512 [001]     0.000000: raw_syscalls:sys_enter: NR 0 (3)\n");
    snprintf(cmd, sizeof cmd, "ingest --from perf %s %s -o %s", at("r1.txt"), at("r2.txt"), at("rds"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "r1.txt") && strstr(err, "--reltime"), "%s", err);
    CHECK(!ts_file_exists(at("rds")));
}

/* perf script's lines ended by a carriage return alone: refused, as ftrace's are (the lines
 * after the first were read as its event's text); one in a thread's name is read */
static void perf_cr_line_ends(void)
{
    CHECK(perf_refused("cr.txt", "              sh  2512 [001]     1.000001: raw_syscalls:sys_enter: NR 0 (3)\r"
                                 "              sh  2512 [001]     1.000002: raw_syscalls:sys_enter: NR 1 (3)\r\n",
                       "cr.txt:1: a carriage return before an event line's"));
    write_file(at("crcomm.txt"), "             a\rb  2512 [001]     1.000001: raw_syscalls:sys_enter: NR 0 (3)\r\n"
                                 "             a\rb  2512 [001]     1.000002: raw_syscalls:sys_enter: NR 1 (3)\r\n");
    ts_gap_list gl;
    const int rc = ts_gaps_find(at("crcomm.txt"), 0, &gl);
    CHECK_MSG(rc == 0, "%s", ts_error());
    if (rc == 0) {
        CHECK(gl.events == 2);
        ts_gap_list_free(&gl);
    }
}

/* perf script -a prints a sample of no known thread as ":-1    -1 [CPU]", which reads as
 * ftrace's "COMM-PID" too (the comm ":-1   ", pid 1): read as perf's, of thread -1 (not
 * known), first in the file or after perf's lines; a comm holding "[N] TIME:" of its own */
static void perf_unknown_thread(void)
{
    static const char *const text[] = {
        "             :-1    -1 [000]     1.000001:     sched:sched_switch: prev_comm=a prev_pid=7 prev_prio=120 "
        "prev_state=X ==> next_comm=perf next_pid=8 next_prio=139\n"
        "            perf     8 [000]     1.000002: raw_syscalls:sys_enter: NR 0 (3)\n",
        "            perf     8 [000]     1.000002: raw_syscalls:sys_enter: NR 0 (3)\n"
        "             :-1    -1 [000]     1.000003:     sched:sched_switch: prev_comm=perf prev_pid=8 prev_prio=120 "
        "prev_state=X ==> next_comm=a next_pid=7 next_prio=139\n",
        ("    a 5 [0] 1.0:     8 [000]     1.000002: raw_syscalls:sys_enter: NR 0 (3)\n"
         "            perf     8 [000]     1.000003: raw_syscalls:sys_enter: NR 1 (3)\n"),
    };
    static const int64_t tid[3][2] = {{-1, 8}, {8, -1}, {8, 8}};
    for (int k = 0; k < 3; k++) {
        write_file(at("unknown.txt"), text[k]);
        const char *one[] = {at("unknown.txt")};
        ts_ctf_opts co = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
        ts_ctf_trace a;
        char *notes = NULL;
        const int rc = ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes);
        CHECK_MSG(rc == 0, "%d: %s", k, ts_error());
        if (rc) continue;
        CHECK_MSG(a.n == 2 && a.tid[0] == tid[k][0] && a.tid[1] == tid[k][1], "%d: %zu events, tids %lld %lld", k, a.n,
                  (long long)a.tid[0], (long long)(a.n > 1 ? a.tid[1] : 0));
        if (k == 2) CHECK(a.comm[0] && !strcmp(a.comm[0], "a 5 [0] 1.0:"));
        ts_ctf_trace_free(&a);
        free(notes);
    }
}

/* ingest reads perf script's text through the same reader: text without a PERF_RECORD_LOST
 * line gets the note of gaps and fill, once (several files: once for them all, named by the
 * first), on stderr, whether --from perf or --from ftrace read it; text with such a line
 * (its losses warned of), ftrace text, perf trace's output (read as a strace log) and an ID
 * file do not */
static void ingest_perf_without_lost_lines_noted(void)
{
    /* one trace's CPUs apart, as per-CPU files (each event in one): CPU 1's lines and CPU
     * 0's without a PERF_RECORD_LOST line, CPU 0's with one (of the trace marked at event 100) */
    char *t, *cpu[2];
    const char *const name[3] = {"in_unmarked.txt", "in_unmarked2.txt", "in_marked.txt"};
    for (int f = 0; f < 3; f++) {
        t = f < 2 ? make_perf(300, 0, 0, 0) : make_perf(300, 100, 6, 0);
        size_t len[2] = {0, 0};
        cpu[0] = malloc(strlen(t) + 1);
        cpu[1] = malloc(strlen(t) + 1);
        for (const char *p = t; *p;) {
            const char *e = strchr(p, '\n'), *b = strchr(p, '[');
            const size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
            const int c = b && b < p + l && b[3] == '1';
            memcpy(cpu[c] + len[c], p, l);
            len[c] += l;
            p += l;
        }
        cpu[0][len[0]] = cpu[1][len[1]] = 0;
        write_file(at(name[f]), cpu[f == 0]);
        free(cpu[0]);
        free(cpu[1]);
        free(t);
    }
    t = make_text(300, 0, 0, 0);
    write_file(at("in_unmarked.trace"), t);
    free(t);
    write_file(at("in_perf_trace.txt"), "     0.000 ( 0.002 ms): sh/1 brk() = 0x55d0c6a6a000\n"
                                        "     0.010 ( 0.001 ms): sh/1 getpid() = 1\n");
    write_file(at("in_ids.txt"), "0 1 2 1 0\n");
    /* the library says so in the trace it reads */
    char path[4][512];
    snprintf(path[0], sizeof path[0], "%s", at("in_unmarked.txt"));
    snprintf(path[1], sizeof path[1], "%s", at("in_unmarked2.txt"));
    snprintf(path[2], sizeof path[2], "%s", at("in_marked.txt"));
    snprintf(path[3], sizeof path[3], "%s", at("in_unmarked.trace"));
    const char *un[] = {path[0], path[1]}, *mk[] = {path[2]}, *ft[] = {path[3]}, *mixed[] = {path[0], path[2]};
    const struct { const char *const *paths; int n, want; } lib[] = {
        {un, 1, 1}, {un, 2, 1}, {mk, 1, 0}, {ft, 1, 0}, {mixed, 2, 0},
    };
    for (size_t i = 0; i < sizeof lib / sizeof *lib; i++) {
        ts_ctf_trace tr;
        char *notes = NULL;
        int rc = ts_ftrace_load(lib[i].paths, lib[i].n, NULL, "x86_64", &tr, &notes);
        CHECK_MSG(rc == 0 && tr.perf_no_lost_lines == lib[i].want, "%s (%d files): exit %d, %d", lib[i].paths[0],
                  lib[i].n, rc, rc ? -1 : tr.perf_no_lost_lines);
        if (rc == 0) ts_ctf_trace_free(&tr);
        free(notes);
    }
    static const struct { const char *args; const char *named; } cmds[] = {
        {"--from perf in_unmarked.txt", "in_unmarked.txt"},
        {"--from ftrace in_unmarked.txt", "in_unmarked.txt"},
        {"--from perf in_unmarked.txt in_unmarked2.txt", "in_unmarked.txt (and the files after it)"},
        {"--from perf in_marked.txt", NULL},
        {"--from ftrace in_unmarked.trace", NULL},
        {"--from perf in_perf_trace.txt", NULL},
        {"--from ids in_ids.txt", NULL},
    };
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
        char args[512], cmd[4096], out[1 << 14];
        snprintf(args, sizeof args, "%s", cmds[c].args);
        /* the files in the scratch folder */
        size_t o = (size_t)snprintf(cmd, sizeof cmd, "ingest");
        for (char *w = strtok(args, " "); w; w = strtok(NULL, " "))
            o += (size_t)snprintf(cmd + o, sizeof cmd - o, " %s", strncmp(w, "in_", 3) ? w : at(w));
        snprintf(cmd + o, sizeof cmd - o, " -o %s -q", at("in_ds"));
        CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s: %s", cmd, out);
        size_t notes = 0;
        for (const char *p = out; (p = strstr(p, "has no PERF_RECORD_LOST line")); p++) notes++;
        if (!cmds[c].named) {
            CHECK_MSG(notes == 0 && !strstr(out, "note:"), "%s:\n%s", cmd, out);
            continue;
        }
        char line[1024];
        snprintf(line, sizeof line, "tracesynth: note: ingest: %s%s: " NO_LOST_NOTE "\n", at(""), cmds[c].named);
        CHECK_MSG(notes == 1 && strstr(out, line), "%s:\n%s", cmd, out);
        /* on stderr: standard output says what was written, as before */
        CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && !strstr(out, "note"), "%s: %s", cmd, out);
    }
}

/* perf script's text of two threads, as perf prints its columns: "worker" (PID 10, TID 11)
 * on CPU 0, "cat" (PID 20, TID 20) on CPU 1; pid: "PID/TID" (-F +pid), else the TID alone;
 * w: the numbers' width (%5d in older perf, %7d since 6.5); period: the period column
 * (-F +period), 4 on CPU 0 (as perf record -c 4), 1 on CPU 1; the event names right-aligned
 * in 30 columns (as when a longer name is among the recorded events); a PERF_RECORD_LOST of
 * CPU 0 after its first `at_ev` events */
static char *make_perf_columns(int per_cpu, int at_ev, int lost, int pid, int w, int period)
{
    size_t cap = (size_t)per_cpu * 2 * 200 + 4096, n = 0;
    char *t = malloc(cap);
    static const char *const name[4] = {"syscalls:sys_enter_read", "syscalls:sys_exit_read", "syscalls:sys_enter_write",
                                        "syscalls:sys_exit_write"};
    static const char *const args[4] = {"fd: 0x00000003, buf: 0x00001000, count: 0x00000010", "0x10",
                                        "fd: 0x00000004, buf: 0x00001000, count: 0x00000010", "0x10"};
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            long us = 1000000L + 10L * i + c;
            char tm[32];
            snprintf(tm, sizeof tm, "%ld.%06ld", us / 1000000, us % 1000000);
            for (int l = c == 0 && lost && i == at_ev ? 0 : 1; l < 2; l++) {
                n += (size_t)snprintf(t + n, cap - n, "%16s ", c ? "cat" : "worker");
                if (pid) n += (size_t)snprintf(t + n, cap - n, "%*d/%-*d ", w, c ? 20 : 10, w, c ? 20 : 11);
                else n += (size_t)snprintf(t + n, cap - n, "%*d ", w, c ? 20 : 11);
                n += (size_t)snprintf(t + n, cap - n, "[%03d] %12s: ", c, tm);
                if (!l) {   /* perf's head alone before it: no period */
                    n += (size_t)snprintf(t + n, cap - n, "PERF_RECORD_LOST lost %d\n", lost);
                    continue;
                }
                if (period) n += (size_t)snprintf(t + n, cap - n, "%10d ", c ? 1 : 4);
                n += (size_t)snprintf(t + n, cap - n, "%30s: %s\n", name[i % 4], args[i % 4]);
            }
        }
    return t;
}

/* the blank-separated columns of a perf script line up to its event's name (the first
 * column after the time's that ends in ':'), and where that name ends (its ':') */
static int perf_columns(const char *l, char col[8][64], size_t *name_end)
{
    int n = 0, after_time = 0;
    for (const char *p = l; *p && n < 8;) {
        while (*p == ' ') p++;
        const char *q = p;
        while (*q && *q != ' ') q++;
        if (q == p) break;
        snprintf(col[n++], 64, "%.*s", (int)(q - p), p);
        if (q[-1] == ':' && after_time) {
            *name_end = (size_t)(q - 1 - l);
            return n;
        }
        if (q[-1] == ':') after_time = 1;
        p = q;
    }
    return -1;
}

/* fill on perf script's text writes its reconstructed lines in the shape of the trace's
 * own: the thread's PID where the lines show "PID/TID", the period where they carry one
 * (the CPU's neighbouring line's), the columns as wide as the trace's; they read back as
 * events of the thread they name; text of the TID alone keeps that shape */
static void fill_perf_columns(void)
{
    static const struct { int pid, w, period; } cfg[] = {{1, 7, 1}, {0, 7, 0}, {1, 5, 0}, {0, 5, 1}};
    for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
        char *pt = make_perf_columns(300, 100, 6, cfg[k].pid, cfg[k].w, cfg[k].period);
        write_file(at("cols.txt"), pt);
        free(pt);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at("cols.txt"), at("cols_filled.txt"), &o, &r) == 0);
        CHECK(r.n == 1 && r.reconstructed == 6);
        ts_fill_result_free(&r);
        char *out = slurp(at("cols_filled.txt"));
        REQUIRE(out);
        char **ol;
        size_t no = lines_of(out, &ol), recon = 0;
        const char *ref = NULL;   /* CPU 0's line before the marker */
        char rc[8][64], c[8][64];
        size_t rend = 0, end = 0;
        int rn = -1;
        for (size_t i = 0; i < no; i++) {
            if (strstr(ol[i], "PERF_RECORD_LOST") || !strstr(ol[i], "[000]")) continue;
            if (!strstr(ol[i], TS_FTRACE_RECON ": ")) {
                if (!recon) ref = ol[i];
                continue;
            }
            recon++;
            CHECK(ref);
            if (!ref) break;
            if (rn < 0) rn = perf_columns(ref, rc, &rend);
            const int n = perf_columns(ol[i], c, &end);
            /* comm, [PID/]TID, [CPU], TIME:, [PERIOD], EVENT: as the real line's, in the same
             * places */
            CHECK_MSG(n == rn && rn == 5 + cfg[k].period && end == rend, "%zu: %s\n    beside %s", k, ol[i], ref);
            CHECK_MSG(strchr(ol[i], '[') - ol[i] == strchr(ref, '[') - ref, "%zu: %s\n    beside %s", k, ol[i], ref);
            if (n < 4) continue;
            CHECK_MSG(!strcmp(c[0], "worker") && !strcmp(c[1], cfg[k].pid ? "10/11" : "11") && !strcmp(c[2], "[000]"),
                      "%zu: %s", k, ol[i]);
            if (cfg[k].period) CHECK_MSG(n > 4 && !strcmp(c[4], "4"), "%zu: %s", k, ol[i]);
            CHECK_MSG(!strcmp(c[n - 1], TS_FTRACE_RECON ":") && strstr(ol[i], " tid=11 "), "%zu: %s", k, ol[i]);
        }
        CHECK_MSG(recon == 6, "%zu: %zu reconstructed lines", k, recon);
        free(ol);
        free(out);
        /* read back: every line, the reconstructed ones as events of thread 11 on CPU 0 */
        const char *one[] = {at("cols_filled.txt")};
        ts_ctf_opts co = {NULL, 1, TS_CTF_ALL, -1, 0, 0};
        ts_ctf_trace a;
        char *notes = NULL;
        const int lrc = ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes);
        CHECK_MSG(lrc == 0, "%zu: %s", k, ts_error());
        if (lrc == 0) {
            size_t in_gap = 0;
            for (size_t i = 0; i < a.n; i++)
                if (a.cpu[i] == 0 && a.time_ns[i] > 1000990000 && a.time_ns[i] < 1001000000)
                    in_gap += a.tid[i] == 11;
            CHECK_MSG(a.n == 606 && in_gap == 6, "%zu: %zu events, %zu of thread 11 in the gap", k, a.n, in_gap);
            ts_ctf_trace_free(&a);
        }
        free(notes);
        char cmd[1400], err[2048];
        snprintf(cmd, sizeof cmd, "ingest --from perf %s -o %s -q", at("cols_filled.txt"), at("cols_ds"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%zu: %s", k, err);
    }
}

/* ingest of a filled trace: the gaps whose events fill reconstructed, read as events, are
 * not said to be lost (it warned "the stream has gaps there" right after saying they were
 * read); left out with --no-reconstructed, they are */
static void ingest_filled_no_gap_warning(void)
{
    char *t = make_text(300, 100, 4, 0);
    write_file(at("ifg.trace"), t);
    free(t);
    char cmd[2000], out[4096];
    snprintf(cmd, sizeof cmd, "fill %s -q --threads 1 -o %s", at("ifg.trace"), at("ifg_filled.trace"));
    REQUIRE(run_cli(cmd, out, sizeof out) == 0);
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s -o %s", at("ifg.trace"), at("ifg_ds"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "has gaps"), "%s", out);
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s -o %s", at("ifg_filled.trace"), at("ifg_ds"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "read as the events they stand for") &&
                  !strstr(out, "has gaps") && !strstr(out, "discarded"), "%s", out);
    snprintf(cmd, sizeof cmd, "ingest --from ftrace %s --no-reconstructed -o %s", at("ifg_filled.trace"), at("ifg_ds"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "left out") && strstr(out, "has gaps"), "%s", out);
}

/* drop's PERF_RECORD_LOST lines in perf script's text: the head of the CPU's next line,
 * "PID/TID" too, in the same columns; no period (perf prints none on them) */
static void drop_perf_columns(void)
{
    static const struct { int pid, w, period; } cfg[] = {{1, 7, 1}, {0, 7, 0}, {1, 5, 0}};
    for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
        char *pt = make_perf_columns(1500, 0, 0, cfg[k].pid, cfg[k].w, cfg[k].period);
        write_file(at("cols_full.txt"), pt);
        free(pt);
        ts_drop_opts d = {0.1, 8, 16, 7, 0, 1, NULL};
        ts_drop_stats st;
        REQUIRE(ts_ctf_drop(at("cols_full.txt"), at("cols_dropped.txt"), &d, &st) == 0);
        char *out = slurp(at("cols_dropped.txt"));
        REQUIRE(out);
        char **ol;
        const size_t no = lines_of(out, &ol);
        size_t markers = 0;
        for (size_t i = 0; i + 1 < no; i++) {
            if (!strstr(ol[i], ": PERF_RECORD_LOST lost ")) continue;
            markers++;
            const char *next = NULL;   /* the CPU's next line (its last, at its end) */
            for (size_t j = i + 1; j < no && !next; j++)
                if (!strncmp(strchr(ol[j], '['), strchr(ol[i], '['), 5)) next = ol[j];
            for (size_t j = i; j-- > 0 && !next;)
                if (!strncmp(strchr(ol[j], '['), strchr(ol[i], '['), 5)) next = ol[j];
            REQUIRE(next);
            /* COMM [PID/]TID [CPU] TIME: as the next line's, then the record (no period) */
            const size_t head = (size_t)(strstr(strchr(next, ']'), ": ") + 2 - next);
            CHECK_MSG(!strncmp(ol[i], next, head) && !strncmp(ol[i] + head, "PERF_RECORD_LOST lost ", 22),
                      "%zu: %s\n    before %s", k, ol[i], next);
        }
        CHECK(markers == st.n_gaps && st.n_gaps > 5);
        ts_drop_stats_free(&st);
        free(ol);
        free(out);
    }
}

/* perf script's names for threads it knows no more of, on the lines fill writes: ":TID" for
 * one no line names (thread 77, switched to before CPU 0's last events were lost), ":-1" and
 * TID -1 for none known (CPU 7, whose one line is its marker), with PID -1 in "PID/TID";
 * not ftrace's <...> and a TID of 0, the idle thread's */
static void fill_perf_unnamed_threads(void)
{
    for (int pid = 0; pid < 2; pid++) {
        char *pt = make_perf_columns(300, 0, 0, pid, 7, 1);
        const size_t len = strlen(pt), cap = len + 1024;
        pt = realloc(pt, cap);
        const char *cpu7 = strstr(pt, "[000]     1.001000: ");   /* CPU 0's line at 1.001 */
        REQUIRE(cpu7);
        size_t mid = (size_t)(cpu7 - pt);
        while (mid && pt[mid - 1] != '\n') mid--;
        char m[200];
        int ml = snprintf(m, sizeof m, "%16s %s [007] %12s: PERF_RECORD_LOST lost 2\n", "worker",
                          pid ? "     10/11     " : "     11", "1.001000");
        memmove(pt + mid + ml, pt + mid, len - mid + 1);
        memcpy(pt + mid, m, (size_t)ml);
        const char *id = pid ? "     10/11      [000]" : "     11 [000]";
        size_t n = strlen(pt);
        snprintf(pt + n, cap - n,
                 "%16s %s %12s:          4 %30s: prev_comm=worker prev_pid=11 prev_prio=120 prev_state=S ==> "
                 "next_comm=x next_pid=77 next_prio=120\n%16s %s %12s: PERF_RECORD_LOST lost 4\n",
                 "worker", id, "1.010000", "sched:sched_switch", "worker", id, "1.010010");
        write_file(at("unnamed.txt"), pt);
        free(pt);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at("unnamed.txt"), at("unnamed_filled.txt"), &o, &r) == 0);
        CHECK(r.n == 2 && r.reconstructed == 6);
        ts_fill_result_free(&r);
        char *out = slurp(at("unnamed_filled.txt"));
        REQUIRE(out);
        char **ol;
        size_t no = lines_of(out, &ol), of77 = 0, none = 0;
        const char *w77 = pid ? "             :77      -1/77      [000] " : "             :77      77 [000] ";
        const char *wnone = pid ? "             :-1      -1/-1      [007] " : "             :-1      -1 [007] ";
        for (size_t i = 0; i < no; i++) {
            if (!strstr(ol[i], TS_FTRACE_RECON ": event=")) continue;
            if (strstr(ol[i], "[000]")) {
                CHECK_MSG(!strncmp(ol[i], w77, strlen(w77)) && strstr(ol[i], " tid=77 "), "%s", ol[i]);
                of77++;
            } else {
                CHECK_MSG(!strncmp(ol[i], wnone, strlen(wnone)) && strstr(ol[i], " tid=-1 "), "%s", ol[i]);
                none++;
            }
        }
        CHECK_MSG(of77 == 4 && none == 2, "%zu of thread 77, %zu of none", of77, none);
        free(ol);
        free(out);
        /* read back: the lines of perf's shape, the events of the threads they name */
        const char *one[] = {at("unnamed_filled.txt")};
        ts_ctf_opts co = {NULL, 1, TS_CTF_ALL, -1, 0, 0};
        ts_ctf_trace a;
        char *notes = NULL;
        const int lrc = ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes);
        CHECK_MSG(lrc == 0, "%s", ts_error());
        if (lrc == 0) {
            size_t t77 = 0, tnone = 0;
            for (size_t i = 0; i < a.n; i++) t77 += a.tid[i] == 77, tnone += a.tid[i] == -1;
            CHECK_MSG(a.n == 607 && t77 == 4 && tnone == 2, "%zu events, %zu of 77, %zu of -1", a.n, t77, tnone);
            ts_ctf_trace_free(&a);
        }
        free(notes);
    }
}

/* ftrace's text with record-tgid's column, "COMM-PID (TGID) [CPU]", kernel's "(%7d)": dd
 * (thread 10 of process 9) on CPU 0, cat (20, its own process) on CPU 1, a marker of 6
 * events on CPU 0 after its first 100. tgid: 0 no such column; 1 the TGIDs shown (dd's first
 * 50 lines "(-------)", not known yet); 2 dd's never shown, "(-------)"; 3 a column 5 wide;
 * 4 dd's shown after the marker only; 5 dd's shown and its name never (<...>: ftrace keeps
 * the TGIDs apart from the names) */
static char *make_tgid_text(int per_cpu, int tgid)
{
    size_t cap = (size_t)per_cpu * 2 * 140 + 4096, n = 0;
    char *t = malloc(cap);
    static const char *const ev[4] = {"sys_read(fd: 3, buf: 0x1000, count: 0x10)", "sys_read -> 0x10",
                                      "sys_write(fd: 4, buf: 0x1000, count: 0x10)", "sys_write -> 0x10"};
    for (int i = 0; i < per_cpu; i++)
        for (int c = 0; c < 2; c++) {
            if (c == 0 && i == 100) n += (size_t)snprintf(t + n, cap - n, "CPU:0 [LOST 6 EVENTS]\n");
            long us = 1000000L + 10L * i + c;
            n += (size_t)snprintf(t + n, cap - n, "%16s-%-7d ", c ? "cat" : tgid == 5 ? "<...>" : "dd", c ? 20 : 10);
            const int known = c || tgid == 3 || tgid == 5 || (tgid == 1 && i >= 50) || (tgid == 4 && i >= 100);
            if (tgid && known) n += (size_t)snprintf(t + n, cap - n, "(%*d) ", tgid == 3 ? 5 : 7, c ? 20 : 9);
            else if (tgid) n += (size_t)snprintf(t + n, cap - n, "(-------) ");
            n += (size_t)snprintf(t + n, cap - n, "[%03d] ..... %5ld.%06ld: %s\n", c, us / 1000000, us % 1000000, ev[i % 4]);
        }
    return t;
}

/* fill on ftrace text with record-tgid's column: a reconstructed line shows its thread's TGID
 * where the trace's lines of that thread show one, else "(-------)" as ftrace prints an
 * unknown one, in a column as wide as the trace's; the lines read back as the thread's
 * events. Text without the column keeps its shape */
static void fill_ftrace_tgid(void)
{
    static const char *const head[6] = {"              dd-10      [000] ..... ",
                                        "              dd-10      (      9) [000] ..... ",
                                        "              dd-10      (-------) [000] ..... ",
                                        "              dd-10      (    9) [000] ..... ",
                                        "              dd-10      (      9) [000] ..... ",
                                        "           <...>-10      (      9) [000] ..... "};
    for (int k = 0; k < 6; k++) {
        char *t = make_tgid_text(300, k);
        write_file(at("tgid.trace"), t);
        free(t);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at("tgid.trace"), at("tgid_filled.trace"), &o, &r) == 0);
        CHECK(r.n == 1 && r.reconstructed == 6);
        ts_fill_result_free(&r);
        char *out = slurp(at("tgid_filled.trace"));
        REQUIRE(out);
        char **ol;
        size_t no = lines_of(out, &ol), recon = 0;
        const char *ref = NULL;   /* CPU 0's line before the marker */
        for (size_t i = 0; i < no; i++) {
            if (!strstr(ol[i], "[000]")) continue;
            if (!strstr(ol[i], TS_FTRACE_RECON ": ")) {
                if (!recon) ref = ol[i];
                continue;
            }
            recon++;
            REQUIRE(ref);
            /* COMM-PID (TGID) [CPU] FLAGS TIME: in the columns of the trace's lines */
            CHECK_MSG(!strncmp(ol[i], head[k], strlen(head[k])) && strstr(ol[i], " tid=10 "), "%d: %s", k, ol[i]);
            CHECK_MSG(strchr(ol[i], '[') - ol[i] == strchr(ref, '[') - ref &&
                          strchr(ol[i], ':') - ol[i] == strchr(ref, ':') - ref, "%d: %s\n    beside %s", k, ol[i], ref);
        }
        CHECK_MSG(recon == 6, "%d: %zu reconstructed lines", k, recon);
        free(ol);
        free(out);
        /* read back: every line, the reconstructed ones as events of thread 10 on CPU 0 */
        const char *one[] = {at("tgid_filled.trace")};
        ts_ctf_opts co = {NULL, 1, TS_CTF_ALL, -1, 0, 0};
        ts_ctf_trace a;
        char *notes = NULL;
        const int lrc = ts_ftrace_load(one, 1, &co, "x86_64", &a, &notes);
        CHECK_MSG(lrc == 0, "%d: %s", k, ts_error());
        if (lrc == 0) {
            size_t in_gap = 0;
            for (size_t i = 0; i < a.n; i++)
                if (a.cpu[i] == 0 && a.time_ns[i] > 1000990000 && a.time_ns[i] < 1001000000) in_gap += a.tid[i] == 10;
            CHECK_MSG(a.n == 606 && in_gap == 6, "%d: %zu events, %zu of thread 10 in the gap", k, a.n, in_gap);
            ts_ctf_trace_free(&a);
        }
        free(notes);
    }
}

/* perf script prints PERF_RECORD_LOST lines only with --show-lost-events, and none where
 * nothing was lost: its text without one may have lost events it does not show, or have
 * lost none, and cannot tell which. gaps and fill say so in one note on stderr (not an
 * error: the recording may be complete), which text with such lines, ftrace text and drop
 * (made for a complete recording) do not get; the note said the text showed no loss because
 * it was made without --show-lost-events, which text made with it and without loss is not */
static void perf_without_lost_lines_noted(void)
{
    char *t = make_perf(300, 0, 0, 0);
    write_file(at("unmarked.txt"), t);
    free(t);
    t = make_perf(300, 100, 6, 0);
    write_file(at("marked.txt"), t);
    free(t);
    t = make_text(300, 0, 0, 0);
    write_file(at("unmarked.trace"), t);
    free(t);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(at("unmarked.txt"), 0, &gl) == 0);
    CHECK(gl.n == 0 && gl.perf_no_lost_lines);
    ts_gap_list_free(&gl);
    REQUIRE(ts_gaps_find(at("marked.txt"), 0, &gl) == 0);
    CHECK(gl.n == 1 && !gl.perf_no_lost_lines);
    ts_gap_list_free(&gl);
    REQUIRE(ts_gaps_find(at("unmarked.trace"), 0, &gl) == 0);
    CHECK(gl.n == 0 && !gl.perf_no_lost_lines);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(at("unmarked.txt"), at("unmarked_filled.txt"), &o, &r) == 0);
    CHECK(r.n == 0 && r.perf_no_lost_lines);
    ts_fill_result_free(&r);
    REQUIRE(ts_ctf_fill(at("marked.txt"), at("marked_filled.txt"), &o, &r) == 0);
    CHECK(r.n == 1 && !r.perf_no_lost_lines);
    ts_fill_result_free(&r);

    static const char *const cmds[] = {"gaps %s -q", "gaps %s --json", "fill %s -o %s.out -q", "drop %s -o %s.out --rate 0.1 -q"};
    static const char *const files[] = {"unmarked.txt", "marked.txt", "unmarked.trace", "marked_filled.txt"};
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++)
        for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
            char cmd[1400], out[1 << 14];
            snprintf(cmd, sizeof cmd, cmds[c], at(files[f]), at(files[f]));
            /* a filled text is no recording: drop refuses it */
            const int refused = c == 3 && f == 3;
            CHECK_MSG((run_output(cmd, out, sizeof out) == 0) == !refused, "%s: %s", cmd, out);
            if (refused) CHECK_MSG(strstr(out, "reconstructed by tracesynth fill"), "%s: %s", cmd, out);
            size_t notes = 0;
            for (const char *p = out; (p = strstr(p, "has no PERF_RECORD_LOST line")); p++) notes++;
            const int want = f == 0 && c < 3;   /* perf's text without a PERF_RECORD_LOST line */
            char line[512];
            snprintf(line, sizeof line, "tracesynth: note: %s: %s: " NO_LOST_NOTE "\n", c < 2 ? "gaps" : "fill",
                     at(files[f]));
            CHECK_MSG(want ? notes == 1 && strstr(out, line) : notes == 0, "%s:\n%s", cmd, out);
        }
    /* the note on stderr: --json's standard output is the JSON alone */
    char cmd[1400], out[1 << 14];
    snprintf(cmd, sizeof cmd, "gaps %s --json", at("unmarked.txt"));
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && out[0] == '{' && !strstr(out, "note"), "%s", out);
}

/* a real perf recording whose buffer (perf record -m 1) lost events: perf script
 * --show-lost-events of raw_syscalls:sys_enter and sys_exit, `cat` and `ls` in a loop */
static void real_perf_recording(void)
{
    const char *path = "tests/data/perf_lost.txt.gz";
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(path, 0, &gl) == 0);
    uint64_t lost = 0;
    for (size_t i = 0; i < gl.n; i++) lost += gl.gaps[i].g.count;
    CHECK_MSG(gl.n == 28 && gl.events == 5986 && lost == 1572, "%zu gaps, %llu events, %llu lost", gl.n,
              (unsigned long long)gl.events, (unsigned long long)lost);
    ts_gap_list_free(&gl);
    ts_fill_opts o;
    fill_opts(&o);
    ts_fill_result r;
    REQUIRE(ts_ctf_fill(path, at("perf_filled.txt"), &o, &r) == 0);
    CHECK(r.n == 28 && r.reconstructed == 1572);
    ts_fill_result_free(&r);
    /* without the reconstructed lines: the recording byte for byte */
    char *in = slurp(path), *out = slurp(at("perf_filled.txt"));
    REQUIRE(in && out);
    size_t k = 0, recon = 0;
    for (char *p = out; *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (memmem(p, len, TS_FTRACE_RECON ": ", sizeof TS_FTRACE_RECON + 1)) recon++;
        else {
            CHECK(!strncmp(in + k, p, len));
            k += len;
        }
        p += len;
    }
    CHECK(recon == 1572 && in[k] == 0);
    free(in);
    free(out);
    REQUIRE(ts_gaps_find(at("perf_filled.txt"), 0, &gl) == 0);
    CHECK(gl.n == 28 && gl.recon == 1572);
    ts_gap_list_free(&gl);
}

/* text of CRLF lines: the lines fill and drop write end in CRLF too, in both formats */
/* a share dropped far from --rate (few bursts in a short trace) is noted, with why; one near
 * it is not */
static void drop_share_far_from_rate_noted(void)
{
    char *t = make_text(1500, 0, 0, 0);
    write_file(at("share.trace"), t);
    free(t);
    char cmd[1400], err[2048];
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.01 --burst-min 60 --burst-max 64 --seed 1 -q", at("share.trace"),
             at("share_out.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "tracesynth: note: drop: ") &&
              strstr(err, "for --rate 0.01 (1 %): a trace of 3000 events holds few bursts of 60-64"), "%s", err);
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.1 --burst-min 2 --burst-max 4 --seed 1 -q", at("share.trace"),
             at("share_out.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && !strstr(err, "note:"), "%s", err);
}

/* fill without --model fills with the n-gram trained on the trace itself: the same
 * output as --model ngram */
static void fill_model_defaults_to_ngram(void)
{
    char *t = make_perf(300, 100, 4, 0);
    write_file(at("dflt.txt"), t);
    free(t);
    char cmd[1400], err[2048];
    snprintf(cmd, sizeof cmd, "fill %s -o %s -q", at("dflt.txt"), at("dflt_plain.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s -q", at("dflt.txt"), at("dflt_ngram.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(files_equal(at("dflt_plain.txt"), at("dflt_ngram.txt")));
}

/* fill trains any single-channel model by name: its help names every one */
static void fill_help_names_every_model(void)
{
    char out[16384];
    CHECK(run_output("fill --help", out, sizeof out) == 0);
    const char *from = strstr(out, "--model M");
    const char *to = from ? strstr(from, "-o, --output") : NULL;
    REQUIRE(from && to);
    for (const ts_model_ops *const *m = ts_model_list(); *m; m++) {
        const char *hit = strstr(from, (*m)->name);
        CHECK_MSG(hit && hit < to, "fill --help's --model names no %s", (*m)->name);
    }
}

/* a strace log given to gaps, fill or drop: named as one, and what reads it (with -Y's
 * names after the pids, and strace's "[pid N]" to a terminal, too: those were said to be
 * no ftrace or perf line, no more) */
static void strace_log_named(void)
{
    static const char *const logs[] = {
        "1234  1700000000.123456 openat(AT_FDCWD, \"/etc/x\", O_RDONLY) = 3 <0.000012>\n",
        "399<strace> 1796375653.833922 execve(\"/usr/bin/sh\", [\"sh\"], 0x7ffd /* 38 vars */) = 0 <0.000415>\n",
        "[pid  1235<my prog>] 1700000000.123456 close(3) = 0\n",
        "[pid  1235] 1700000000.123456 close(3 <unfinished ...>\n"};
    /* fill --text too: the text output is refused for a file, which is not said to be
     * ftrace or perf script text when it is a strace log */
    static const char *const cmds[] = {"gaps %s", "fill %s -o %s.out -q", "drop %s -o %s.out --rate 0.1 -q",
                                       "fill %s -o %s.out --text %s.txt -q"};
    for (size_t k = 0; k < sizeof logs / sizeof *logs; k++) {
        write_file(at("app.strace"), logs[k]);
        for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
            char cmd[1400], err[2048];
            snprintf(cmd, sizeof cmd, cmds[i], at("app.strace"), at("app.strace"), at("app.strace"));
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "app.strace:1: a strace log's line") &&
                          strstr(err, "ingest --from strace"), "log %zu, %s: %s", k, cmd, err);
        }
    }
}

/* a trace whose last line was cut while written (a killed tracer): gaps, fill and drop tell
 * it in the one line ingest's reader writes, once, ftrace's text and perf script's alike */
static void cut_last_line_noted(void)
{
    for (int perf = 0; perf < 2; perf++) {
        char *t = perf ? make_perf(300, 100, 6, 0) : make_text(300, 100, 6, 0);
        size_t n = strlen(t), line = 1, cap = n + 128;
        for (size_t i = 0; i < n; i++) line += t[i] == '\n';
        t = realloc(t, cap);
        snprintf(t + n, cap - n, perf ? "              dd    10 [000] 1000003.000000: syscalls:sys_ent"
                                      : "              dd-10      [000] ..... 1000003.000000: sys_rea");
        const char *name = perf ? "cut.txt" : "cut.trace";
        write_file(at(name), t);
        free(t);
        char want[600];
        /* the library's: one line each, ts_ftrace_load's */
        snprintf(want, sizeof want, "%s:%zu: the trace ends in the middle of this line: left out\n", at(name), line);
        ts_gap_list gl;
        REQUIRE(ts_gaps_find(at(name), 0, &gl) == 0);
        CHECK_MSG(gl.notes && !strcmp(gl.notes, want) && gl.events == 600, "%s", gl.notes ? gl.notes : "(none)");
        ts_gap_list_free(&gl);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at(name), at("cut_filled"), &o, &r) == 0);
        CHECK_MSG(r.notes && !strcmp(r.notes, want), "%s", r.notes ? r.notes : "(none)");
        ts_fill_result_free(&r);
        ts_drop_opts d = {0.1, 8, 64, 0, 0, 0, NULL};
        ts_drop_stats st;
        REQUIRE(ts_ctf_drop(at(name), at("cut_dropped"), &d, &st) == 0);
        CHECK_MSG(st.notes && !strcmp(st.notes, want), "%s", st.notes ? st.notes : "(none)");
        ts_drop_stats_free(&st);
        snprintf(want, sizeof want, "tracesynth: warning: %s:%zu: the trace ends in the middle of this line: left out\n",
                 at(name), line);
        static const char *const cmds[] = {"ingest --from %s %s -o %s.ds -q", "gaps %s -q", "gaps %s --json",
                                           "fill %s -o %s.out -q", "drop %s -o %s.out --rate 0.1 -q"};
        for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
            char cmd[1400], out[1 << 14];
            if (c == 0) snprintf(cmd, sizeof cmd, cmds[c], perf ? "perf" : "ftrace", at(name), at(name));
            else snprintf(cmd, sizeof cmd, cmds[c], at(name), at(name));
            CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s: %s", cmd, out);
            size_t notes = 0;
            for (const char *p = out; (p = strstr(p, "middle of this line")); p++) notes++;
            CHECK_MSG(notes == 1 && strstr(out, want), "%s:\n%s", cmd, out);
        }
        /* bench fill, on such a trace with no loss, drops and fills at each rate: the note
         * once */
        t = perf ? make_perf(300, 0, 0, 0) : make_text(300, 0, 0, 0);
        n = strlen(t);
        t = realloc(t, n + 128);
        snprintf(t + n, 128, perf ? "              dd    10 [000] 1000003.000000: syscalls:sys_ent"
                                  : "              dd-10      [000] ..... 1000003.000000: sys_rea");
        write_file(at(name), t);
        free(t);
        char cmd[1400], out[1 << 14];
        snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05,0.1 --threads 1 -q", at(name));
        CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s: %s", cmd, out);
        size_t notes = 0;
        for (const char *p = out; (p = strstr(p, "middle of this line")); p++) notes++;
        CHECK_MSG(notes == 1 && strstr(out, "tracesynth: warning: ") && strstr(out, name), "%s:\n%s", cmd, out);
    }
}

/* a last event line whole but without its newline (a file written by a script): an event as
 * with it, read by gaps, fill and drop without a note; drop's markers after it each on a
 * line of its own, the line kept whole (a marker was put on the end of it). One cut inside
 * its event's name stays left out (cut_last_line_noted) */
static void last_line_without_newline_read(void)
{
    for (int perf = 0; perf < 2; perf++) {
        char *t = perf ? make_perf(300, 0, 0, 0) : make_text(300, 0, 0, 0);
        size_t n = strlen(t);
        REQUIRE(n && t[n - 1] == '\n');
        t[--n] = 0;
        const char *name = perf ? "nonl.txt" : "nonl.trace";
        write_file(at(name), t);
        ts_gap_list gl;
        REQUIRE(ts_gaps_find(at(name), 0, &gl) == 0);
        CHECK_MSG(gl.events == 600 && !gl.notes, "%s: %llu events, %s", name, (unsigned long long)gl.events,
                  gl.notes ? gl.notes : "(no note)");
        ts_gap_list_free(&gl);
        /* the trace's lines, to find each output line among them */
        char *in = strdup(t), **il;
        const size_t ni = lines_of(in, &il);
        const char *last = il[ni - 1];
        size_t trailing = 0;
        for (uint64_t seed = 0; seed < 40; seed++) {
            ts_drop_opts d = {0.2, 2, 4, seed, 0, 0, NULL};
            ts_drop_stats st;
            REQUIRE(ts_ctf_drop(at(name), at("nonl_dropped"), &d, &st) == 0);
            CHECK_MSG(st.events == 600 && !st.notes, "%s seed %llu: %llu events, %s", name, (unsigned long long)seed,
                      (unsigned long long)st.events, st.notes ? st.notes : "(no note)");
            ts_drop_stats_free(&st);
            char *out = slurp(at("nonl_dropped")), **ol;
            REQUIRE(out);
            const size_t no = lines_of(out, &ol);
            size_t strange = 0, at_last = SIZE_MAX;
            for (size_t i = 0, j = 0; i < no; i++) {
                const int marker = perf ? strstr(ol[i], "PERF_RECORD_LOST lost ") != NULL
                                        : !strncmp(ol[i], "CPU:", 4) && strstr(ol[i], " EVENTS]");
                if (marker && !strstr(ol[i], "sys_")) continue;
                while (j < ni && strcmp(il[j], ol[i])) j++;   /* the input's lines, in their order */
                if (j == ni) strange++;
                else if (il[j] == last) at_last = i;
            }
            CHECK_MSG(strange == 0, "%s seed %llu: %zu output lines neither the input's nor a marker", name,
                      (unsigned long long)seed, strange);
            trailing += at_last != SIZE_MAX && at_last + 1 < no;
            free(ol);
            free(out);
        }
        CHECK_MSG(trailing > 0, "%s: no seed left a marker after the last line", name);
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at(name), at("nonl_filled"), &o, &r) == 0);
        CHECK_MSG(!r.notes, "%s", r.notes ? r.notes : "");
        ts_fill_result_free(&r);
        free(il);
        free(in);
        free(t);
    }
}

/* a last line without its newline whose header is whole to its time's ':' but whose time goes
 * back is refused as with its newline, not left out as cut: a cut time has no ':' after it.
 * Left out, it read as an event once drop took out the later event before it, so drop's
 * output had one event more than the input's less the dropped */
static void last_line_time_back_refused(void)
{
    write_file(at("back.trace"), "# tracer: nop\n#\n"
                                 "            bash-11    [000] .....     1.000004: sys_getpid()\n"
                                 "            bash-11    [000] .....     1.000009: sys_getpid -> 0xb\n"
                                 "            bash-11    [000] .....     1.000007: sys_read(fd: 3, buf: 0x1, count: 0x10)");
    ts_gap_list gl;
    CHECK_MSG(ts_gaps_find(at("back.trace"), 0, &gl) == -1 && strstr(ts_error(), "back.trace:5") &&
                  strstr(ts_error(), "the time goes back"),
              "%s", ts_error());
    /* one cut inside its time is still left out, with the note */
    write_file(at("cut.trace"), "# tracer: nop\n#\n"
                                "            bash-11    [000] .....     1.000004: sys_getpid()\n"
                                "            bash-11    [000] .....     1.000009: sys_getpid -> 0xb\n"
                                "            bash-11    [000] .....     1.0000");
    REQUIRE(ts_gaps_find(at("cut.trace"), 0, &gl) == 0);
    CHECK_MSG(gl.events == 2 && gl.notes && strstr(gl.notes, "cut.trace:5: the trace ends in the middle"), "%llu, %s",
              (unsigned long long)gl.events, gl.notes ? gl.notes : "(no note)");
    ts_gap_list_free(&gl);
}

/* a trace file whose header says the tracer wrote more events than it kept (overwrite on, the
 * oldest overwritten): gaps says how many, in its table's totals and in --json, where it
 * said "0 lost" beside its one "buffer started" gap of unknown size */
static void gaps_count_overwritten(void)
{
    char *t = make_text(200, 0, 0, 1);
    char *h = strstr(t, "400/400");
    REQUIRE(h);
    memcpy(h, "400/925", 7);
    write_file(at("ow.trace"), t);
    free(t);
    char cmd[1400], out[8192];
    snprintf(cmd, sizeof cmd, "gaps %s -q", at("ow.trace"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "total: 400 events, 0 lost in 1 gap") &&
                  strstr(out, "the 525 oldest events were overwritten before the trace was read"), "%s", out);
    snprintf(cmd, sizeof cmd, "gaps %s --json", at("ow.trace"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "\"overwritten\": 525"), "%s", out);
    /* none overwritten: no such line, 0 in JSON */
    t = make_text(200, 0, 0, 0);
    write_file(at("whole.trace"), t);
    free(t);
    snprintf(cmd, sizeof cmd, "gaps %s -q", at("whole.trace"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && !strstr(out, "overwritten"), "%s", out);
    snprintf(cmd, sizeof cmd, "gaps %s --json", at("whole.trace"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "\"overwritten\": 0"), "%s", out);
}

/* a per-CPU file (per_cpu/cpuN/trace, a real recording) repeats the whole trace's header:
 * gaps says its count is the whole trace's, every CPU's, and that the file cannot tell its
 * CPU's share; --json marks it. The trace file of the same recording: its own count */
static void gaps_overwritten_per_cpu_file(void)
{
    char cmd[1400], out[8192];
    snprintf(cmd, sizeof cmd, "gaps tests/data/ftrace_per_cpu/cpu0.trace.gz -q");
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "total: 323 events, 0 lost in 0 gaps") &&
                  strstr(out, "and the file's header says the 5652 oldest events of the whole trace, every CPU's, were "
                              "overwritten before it was read: this file holds CPU 0's events alone, and how many of "
                              "them were CPU 0's it cannot tell (per_cpu/cpu0/stats' overrun: line counts them") &&
                  !strstr(out, "the trace's header says"), "%s", out);
    snprintf(cmd, sizeof cmd, "gaps tests/data/ftrace_per_cpu/cpu0.trace.gz --json");
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "\"overwritten\": 5652, \"overwritten_whole_trace\": true"),
              "%s", out);
    snprintf(cmd, sizeof cmd, "gaps tests/data/ftrace_per_cpu/trace.gz -q");
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 &&
                  strstr(out, "and the trace's header says the 5652 oldest events were overwritten") &&
                  !strstr(out, "whole trace"), "%s", out);
    snprintf(cmd, sizeof cmd, "gaps tests/data/ftrace_per_cpu/trace.gz --json");
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "\"overwritten\": 5652, \"overwritten_whole_trace\": false"),
              "%s", out);
}

static void crlf_lines_written_alike(void)
{
    for (int perf = 0; perf < 2; perf++) {
        char *lf[2] = {perf ? make_perf(300, 100, 4, 0) : make_text(300, 100, 4, 0),
                       perf ? make_perf(600, 0, 0, 0) : make_text(600, 0, 0, 0)};
        for (int k = 0; k < 2; k++) {
            size_t n = strlen(lf[k]);
            char *crlf = malloc(2 * n + 1), *q = crlf;
            for (const char *p = lf[k]; *p; p++) {
                if (*p == '\n') *q++ = '\r';
                *q++ = *p;
            }
            *q = 0;
            write_file(at(k ? "crlf_full.txt" : "crlf_lost.txt"), crlf);
            free(crlf);
            free(lf[k]);
        }
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        REQUIRE(ts_ctf_fill(at("crlf_lost.txt"), at("crlf_filled.txt"), &o, &r) == 0);
        CHECK(r.reconstructed == 4);
        ts_fill_result_free(&r);
        ts_drop_opts d = {0.1, 8, 16, 7, 0, 0, NULL};
        ts_drop_stats st;
        REQUIRE(ts_ctf_drop(at("crlf_full.txt"), at("crlf_dropped.txt"), &d, &st) == 0);
        CHECK(st.dropped > 0);
        ts_drop_stats_free(&st);
        const char *outs[2] = {at("crlf_filled.txt"), at("crlf_dropped.txt")};
        for (int k = 0; k < 2; k++) {
            char *out = slurp(outs[k]);
            REQUIRE(out);
            size_t bare = 0, lines = 0;
            for (const char *p = out; *p; p++)
                if (*p == '\n') lines++, bare += p == out || p[-1] != '\r';
            CHECK_MSG(lines > 500 && bare == 0, "%s (%s): %zu of %zu lines end in LF alone", perf ? "perf" : "ftrace",
                      k ? "drop" : "fill", bare, lines);
            free(out);
        }
    }
}

/* drop refuses a filled text (its reconstructed events are no recording) in one line naming
 * the file and the line of the first reconstructed event, as the reader's errors name theirs */
static void drop_filled_names_line(void)
{
    char *t = make_text(300, 100, 6, 0);
    write_file(at("dfl.trace"), t);
    free(t);
    char cmd[1600], err[2048];
    snprintf(cmd, sizeof cmd, "fill %s -o %s --model ngram -q", at("dfl.trace"), at("dfl_filled.trace"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    char *f = slurp(at("dfl_filled.trace"));
    REQUIRE(f);
    char **l;
    size_t n = lines_of(f, &l), first = 0;
    for (size_t i = 0; i < n && !first; i++)
        if (strstr(l[i], TS_FTRACE_RECON ": ")) first = i + 1;
    free(l);
    free(f);
    REQUIRE(first > 100);   /* after the header and CPU 0's first 100 events */
    char want[700];
    snprintf(want, sizeof want, "%s:%zu: ", at("dfl_filled.trace"), first);
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.1 -q", at("dfl_filled.trace"), at("dfl_dropped.trace"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, want) &&
                  strstr(err, "reconstructed by tracesynth fill") && strstr(err, "CPU 0"),
              "want '%s': %s", want, err);
    struct stat sb;
    CHECK(stat(at("dfl_dropped.trace"), &sb) != 0);
}

/* a dataset's folder (stream.txt) or a split's (split.txt) given to gaps, fill or drop: named
 * as what it is and what reads it, with where gaps takes its trace from; it said only "not a
 * CTF trace directory" */
static void dataset_folder_named(void)
{
    static const char *const kinds[][2] = {{"ds_given", "stream.txt"}, {"split_given", "split.txt"}};
    for (int k = 0; k < 2; k++) {
        mkdir(at(kinds[k][0]), 0755);
        char f[600];
        snprintf(f, sizeof f, "%s/%s", at(kinds[k][0]), kinds[k][1]);
        write_file(f, "1\n");
        ts_gap_list gl;
        CHECK(ts_gaps_find(at(kinds[k][0]), 0, &gl) == -1);
        CHECK_MSG(strstr(ts_error(), k ? "a split of a dataset" : "a dataset") && strstr(ts_error(), "train") &&
                      strstr(ts_error(), "the CTF trace or ftrace/perf text it was ingested from") &&
                      !strchr(ts_error(), '\n'), "%s", ts_error());
        ts_fill_opts o;
        fill_opts(&o);
        ts_fill_result r;
        CHECK(ts_ctf_fill(at(kinds[k][0]), at("ds_out.trace"), &o, &r) == -1);
        CHECK_MSG(strstr(ts_error(), "ingested from"), "%s", ts_error());
    }
}

/* a multi-channel model's name given to fill: that one reason, not followed by "nor a model
 * file: mdm-mc does not exist", which read as if a file had been looked for */
static void fill_mc_model_named_once(void)
{
    char cmd[2000], err[1024];
    snprintf(cmd, sizeof cmd, "fill tests/data/ftrace_pipe.trace.gz --model mdm-mc -o %s", at("mc.trace"));
    CHECK(cli_refuses(cmd, 2, "--model: 'mdm-mc' is a multi-channel model", at("mc.trace"), err, sizeof err));
    CHECK_MSG(!strstr(err, "nor a model file") && !strstr(err, "does not exist"), "%s", err);
}

/* a window file (a split's testing: lines of event IDs) given to gaps or fill: said to be
 * one, not an ftrace line that does not parse */
static void window_file_named(void)
{
    write_file(at("testing"), "9,6,4,1\n2,3,3,0\n");
    ts_gap_list gl;
    CHECK(ts_gaps_find(at("testing"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "testing:1: a window file's line (event IDs") &&
                  strstr(ts_error(), "the trace it came from") && !strchr(ts_error(), '\n'), "%s", ts_error());
}

TEST_MAIN("fill_ftrace", {
    const char *sd = scratch_dir();   /* under $TMPDIR, removed at exit unless a test failed */
    if (!sd) {
        fprintf(stderr, "fill_ftrace: no scratch directory\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "%s", sd);
    RUN(fill_inline);
    RUN(fill_first_events_thread);
    RUN(fill_chained_gaps_thread);
    RUN(fill_thread_after_gap_from_its_line);
    RUN(marker_last_line_without_newline);
    RUN(fill_thread_name_in_time_order);
    RUN(fill_thread_names_from_anywhere);
    RUN(fill_first_events_from_the_right);
    RUN(fill_long_gap_in_pieces);
    RUN(fill_blackouts_as_imputed);
    RUN(fill_first_events_mdm);
    RUN(gaps_count_overwritten);
    RUN(fill_gap_longer_than_trace);
    RUN(fill_outsized_gap_noted);
    RUN(gaps_overwritten_per_cpu_file);
    RUN(unknown_count);
    RUN(drop_then_fill);
    RUN(refill_trains_nothing);
    RUN(drop_refuses_filled_text);
    RUN(bad_input);
    RUN(raw_arch);
    RUN(memory_per_event);
    RUN(fill_memory_per_reconstructed_event);
    RUN(fill_memory_held_across_gaps);
    RUN(fill_total_refused);
    RUN(fill_memory_per_gap);
    RUN(spans_written);
    RUN(fill_marker_of_an_empty_cpu);
    RUN(fill_exit_numbered_minus_one);
    RUN(output_is_not_the_input);
    RUN(fill_output_refused_before_training);
    RUN(fill_output_dash_is_stdout);
    RUN(gz_output_compressed);
    RUN(ingest_filled_no_gap_warning);
    RUN(output_trailing_slash);
    RUN(max_train_too_few_named);
    RUN(drop_output_dash_is_stdout);
    RUN(trace_dash_is_stdin);
    RUN(bench_wants_a_complete_trace);
    RUN(one_burst_reads_as_one);
    RUN(bench_keep_checked_first);
    RUN(bench_keep_not_a_dataset_file);
    RUN(drop_output_checked_first);
    RUN(fill_full_disk_names_output);
    RUN(drop_gz_full_disk_names_output);
    RUN(fill_model_saved_with_the_trace);
    RUN(fill_model_stream_after_the_trace);
    RUN(fill_seed_refused_when_unread);
    RUN(fill_length_refused_when_unread);
    RUN(fill_mdm_greedy_seed_refused);
    RUN(fill_mdm_run_options_checked_first);
    RUN(fill_model_run_options_checked_first);
    RUN(fill_kgram_seed_refused_before_training);
    RUN(drop_seed_refused_at_rate_zero);
    RUN(burst_max_follows_burst_min);
    RUN(perf_script_text);
    RUN(entries_only_fill);
    RUN(real_recording);
    RUN(perf_ip_refused);
    RUN(perf_other_lines_refused);
    RUN(perf_group_alone_refused);
    RUN(perf_sample_names_read);
    RUN(perf_sample_name_control_refused);
    RUN(recon_name_control_refused);
    RUN(perf_sample_names_filled);
    RUN(perf_event_alone_read);
    RUN(perf_columns_refused);
    RUN(lost_then_back);
    RUN(perf_reltime_several);
    RUN(perf_cr_line_ends);
    RUN(perf_unknown_thread);
    RUN(fill_perf_columns);
    RUN(drop_perf_columns);
    RUN(fill_perf_unnamed_threads);
    RUN(fill_ftrace_tgid);
    RUN(perf_without_lost_lines_noted);
    RUN(ingest_perf_without_lost_lines_noted);
    RUN(real_perf_recording);
    RUN(crlf_lines_written_alike);
    RUN(drop_share_far_from_rate_noted);
    RUN(fill_model_defaults_to_ngram);
    RUN(fill_help_names_every_model);
    RUN(fill_sssd_sa_length_fits_its_pools);
    RUN(strace_log_named);
    RUN(cut_last_line_noted);
    RUN(last_line_time_back_refused);
    RUN(last_line_without_newline_read);
    /* last: they hold hundreds of MB in this process, which a child's peak would count */
    RUN(many_gaps_written_in_linear_time);
    RUN(bench_many_gaps_in_linear_time);
    RUN(clone_children_found_in_linear_time);
    RUN(drop_filled_names_line);
    RUN(dataset_folder_named);
    RUN(fill_mc_model_named_once);
    RUN(window_file_named);
})
