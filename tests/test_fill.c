/* Lost events in LTTng traces: gaps, drop (simulated discard mode), fill (reconstruction
 * written back as CTF through libbabeltrace2), the system call analysis, bad input. */
#include "check.h"
#include "tracesynth/gaps.h"
#include "tracesynth/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *in(const char *dir, const char *name)
{
    static char buf[4][1200];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* the next rename onto this path fails, once: every rename of the library in this binary
 * comes here (a definition of the program's own takes the C library's place) */
static const char *fail_rename_to;
int rename(const char *from, const char *to)
{
    if (fail_rename_to && !strcmp(to, fail_rename_to)) {
        fail_rename_to = NULL;
        errno = EIO;
        return -1;
    }
    return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

/* ---- an LTTng-like kernel trace, written by hand: two CPUs, packets with
 * timestamp_begin/end, events_discarded and cpu_id; threads that loop over
 * read / write / poll (a sequence field) / ioctl (a variant and an enum) calls and
 * switch every few calls. old: LTTng < 2.6 names (sys_NAME, one exit_syscall). ---- */
typedef struct { unsigned char *b; size_t n, cap; } buf;
static void put(buf *o, const void *p, size_t n)
{
    if (o->n + n > o->cap) { o->cap = (o->n + n) * 2 + 256; o->b = realloc(o->b, o->cap); }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
static void le(buf *o, uint64_t v, int nb) { unsigned char t[8]; for (int i = 0; i < nb; i++) t[i] = (unsigned char)(v >> (8 * i)); put(o, t, (size_t)nb); }
static void str(buf *o, const char *s) { put(o, s, strlen(s) + 1); }

enum { EV_SWITCH, EV_READ_E, EV_READ_X, EV_WRITE_E, EV_WRITE_X, EV_POLL_E, EV_POLL_X, EV_IOCTL_E, EV_IOCTL_X, EV_EXIT_OLD,
       EV_EXECVE_E, EV_EXECVE_X, EV_EXEC, EV_CLONE_X };

/* CPU 0's thread 103, not its process's leader (150), runs execve around the gap fx_lost
 * makes (after CPU 0's first 300 events): 1 its sched_process_exec (from which it is 150)
 * before the gap, 2 after it; 3: after the gap the leader 150 itself execs (the switch from
 * 103 to it was in the gap); the trace's classes include execve's and sched_process_exec
 * (LTTng >= 2.6 names only) */
static int fx_exec;

static void fx_meta(const char *dir, int old, int bad_ts)
{
    (void)bad_ts;
    char m[8192];
    int o = snprintf(m, sizeof m,
        "/* CTF 1.8 */\n"
        "typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
        "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
        "typealias integer { size = 32; align = 8; signed = true; } := int32_t;\n"
        "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
        "trace { major = 1; minor = 8; byte_order = le;\n"
        "  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n"
        "env { hostname = \"fx\"; domain = \"kernel\"; tracer_name = \"lttng-modules\"; tracer_major = 2; tracer_minor = %d; };\n"
        "clock { name = \"monotonic\"; freq = 1000000000; offset_s = 1000; offset = 0; };\n"
        "typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_t;\n"
        "stream { id = 0;\n"
        "  event.header := struct { uint32_t id; uint64_clock_t timestamp; };\n"
        "  packet.context := struct { uint64_clock_t timestamp_begin; uint64_clock_t timestamp_end;\n"
        "    uint64_t content_size; uint64_t packet_size; uint64_t events_discarded; uint32_t cpu_id; }; };\n"
        "event { name = \"sched_switch\"; id = 0; stream_id = 0; fields := struct { string prev_comm; int32_t prev_tid;\n"
        "  string next_comm; int32_t next_tid; }; };\n", old ? 5 : 8);
    const char *ent = old ? "sys_" : "syscall_entry_", *ext = old ? NULL : "syscall_exit_";
    const char *calls[4] = {"read", "write", "poll", "ioctl"};
    for (int c = 0; c < 4; c++) {
        const char *ef = c == 2 ? "uint32_t _fds_length; uint32_t fds[_fds_length];"
                       : c == 3 ? "enum : uint8_t { CMD_A = 0, CMD_B = 1 } cmd; variant <cmd> { uint32_t CMD_A; string CMD_B; } arg; uint8_t mac[4];"
                                : "uint32_t fd;";
        o += snprintf(m + o, sizeof m - (size_t)o, "event { name = \"%s%s\"; id = %d; stream_id = 0; fields := struct { %s }; };\n",
                      ent, calls[c], 1 + 2 * c, ef);
        if (ext)
            o += snprintf(m + o, sizeof m - (size_t)o, "event { name = \"%s%s\"; id = %d; stream_id = 0; fields := struct { int32_t ret; }; };\n",
                          ext, calls[c], 2 + 2 * c);
    }
    if (old) o += snprintf(m + o, sizeof m - (size_t)o, "event { name = \"exit_syscall\"; id = 9; stream_id = 0; fields := struct { int32_t ret; }; };\n");
    if (fx_exec)
        snprintf(m + o, sizeof m - (size_t)o,
                 "event { name = \"syscall_entry_execve\"; id = 10; stream_id = 0; fields := struct { uint32_t argc; }; };\n"
                 "event { name = \"syscall_exit_execve\"; id = 11; stream_id = 0; fields := struct { int32_t ret; }; };\n"
                 "event { name = \"sched_process_exec\"; id = 12; stream_id = 0; fields := struct { string filename;\n"
                 "  int32_t tid; int32_t old_tid; }; };\n"
                 "event { name = \"syscall_exit_clone\"; id = 13; stream_id = 0; fields := struct { int32_t ret; }; };\n");
    write_text(in(dir, "metadata"), m);
}

/* one event into b */
static void fx_event(buf *b, int old, int ev, uint64_t t, int prev, int next, int k)
{
    int id = ev == EV_SWITCH ? 0 : old && (ev % 2 == 0) ? 9 : ev;
    le(b, (uint64_t)id, 4);
    le(b, t, 8);
    char comm[16];
    switch (ev) {
    case EV_SWITCH:
        snprintf(comm, sizeof comm, "t%d", prev); str(b, comm); le(b, (uint64_t)prev, 4);
        snprintf(comm, sizeof comm, "t%d", next); str(b, comm); le(b, (uint64_t)next, 4);
        break;
    case EV_POLL_E:
        le(b, 2, 4); le(b, 3, 4); le(b, (uint64_t)(4 + k % 3), 4);
        break;
    case EV_EXEC:   /* prev: the thread's own tid (old_tid), next: the one it takes (tid) */
        str(b, "/usr/bin/prog"); le(b, (uint64_t)next, 4); le(b, (uint64_t)prev, 4);
        break;
    case EV_IOCTL_E:
        le(b, (uint64_t)((k / 7) & 1), 1);
        if ((k / 7) & 1) str(b, "cmd-b"); else le(b, 0xabcd, 4);
        le(b, 0x0a0b0c0d, 4);
        break;
    default:
        le(b, (uint64_t)(k % 7), 4);
    }
}

static void fx_packet(FILE *f, const buf *body, uint64_t t0, uint64_t t1, uint32_t cpu, uint64_t discarded)
{
    buf h = {0};
    uint64_t size = (8 + 44 + body->n) * 8;
    le(&h, 0xC1FC1FC1u, 4); le(&h, 0, 4);
    le(&h, t0, 8); le(&h, t1, 8); le(&h, size, 8); le(&h, size, 8); le(&h, discarded, 8); le(&h, cpu, 4);
    fwrite(h.b, 1, h.n, f);
    if (body->n) fwrite(body->b, 1, body->n, f);
    free(h.b);
}

/* as LTTng in discard mode: CPU 0's third packet and later report this many lost events
 * (before the third packet, the time between the packets stands for them) */
static uint64_t fx_lost;
/* and this many before its first packet (the counter is cumulative: every packet reports them) */
static uint64_t fx_lost_first;
/* CPU 1's third packet and later report this many */
static uint64_t fx_lost1;

/* CPU 1's events when not 0 (else n) */
static size_t fx_n1;

/* n events per CPU; bad_ts: CPU 1's timestamps go back in its second packet */
static void fx_trace(const char *dir_, int old, size_t n_all, int bad_ts)
{
    char dir[900];
    snprintf(dir, sizeof dir, "%s", dir_);
    mkdir(dir, 0755);
    fx_meta(dir, old, bad_ts);
    static const int pattern[] = {EV_READ_E, EV_READ_X, EV_POLL_E, EV_POLL_X, EV_WRITE_E, EV_WRITE_X,
                                  EV_IOCTL_E, EV_IOCTL_X, EV_READ_E, EV_READ_X, EV_WRITE_E, EV_WRITE_X};
    for (int cpu = 0; cpu < 2; cpu++) {
        char name[32];
        snprintf(name, sizeof name, "chan_%d", cpu);
        FILE *f = fopen(in(dir, name), "wb");
        buf b = {0};
        uint64_t t = 1000 + 37 * (uint64_t)cpu, t0 = 0, t1 = 0;
        int cur = 100 + cpu * 10, k = 0, npk = 0;
        size_t in_pkt = 0, n = cpu == 1 && fx_n1 ? fx_n1 : n_all;
        for (size_t i = 0; i < n; i++) {
            int pos = (int)(i % 26);
            int ev;
            if (pos == 25) ev = EV_SWITCH;
            else ev = pattern[(pos + (int)(i / 26) % 3) % 12];
            int next = 100 + cpu * 10 + (int)((i / 26 + 1) % 4);
            if (!in_pkt) t0 = t;
            if (fx_exec && cpu == 0 && i == 300) {   /* the rest of execve, after the gap */
                if (fx_exec == 2) { fx_event(&b, old, EV_EXEC, t, cur, 150, k++); cur = 150; t += 100; }
                /* the leader itself execs: the switch to it was lost in the gap */
                if (fx_exec == 3) { fx_event(&b, old, EV_EXEC, t, 150, 150, k++); cur = 150; t += 100; }
                fx_event(&b, old, EV_EXECVE_X, t, cur, next, k++);
                t += 100;
            }
            fx_event(&b, old, ev, t, cur, next, k++);
            t1 = t;
            if (ev == EV_SWITCH) cur = next;
            in_pkt++;
            t += 100 + (uint64_t)(i % 5) * 10;
            if (bad_ts && cpu == 1 && npk == 1 && in_pkt == 3) t -= 5000;
            if (fx_exec && cpu == 0 && i == 299) {   /* execve's entry, last before the gap */
                fx_event(&b, old, EV_EXECVE_E, t, cur, next, k++);
                t1 = t;
                t += 100;
                if (fx_exec == 1) { fx_event(&b, old, EV_EXEC, t, cur, 150, k++); cur = 150; t1 = t; t += 100; }
            }
            if (in_pkt == 150 || i + 1 == n) {
                fx_packet(f, &b, t0, t1, (uint32_t)cpu, cpu == 0 ? fx_lost_first + (npk >= 2 ? fx_lost : 0)
                                                             : npk >= 2 ? fx_lost1 : 0);
                if (cpu == 0 && npk == 1 && fx_lost) t += 20000;   /* the lost events' time */
                b.n = 0;
                in_pkt = 0;
                npk++;
                t += 50;
            }
        }
        free(b.b);
        fclose(f);
    }
}

static int have_babeltrace(void) { return system("babeltrace2 --version >/dev/null 2>&1") == 0; }

/* d/t, a trace of 2,500 events a CPU, and d/dr, it with bursts dropped (3 % of the events,
 * bursts of 2 to 6, seed 3) by the command (drop's exit status), or by the library (0 / -1) */
static int drop_fixture(const char *d)
{
    fx_trace(in(d, "t"), 0, 2500, 0);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.03 --burst-min 2 --burst-max 6 --seed 3 -q", in(d, "t"), in(d, "dr"));
    return run_cli(cmd, NULL, 0);
}

static int drop_fixture_library(const char *d)
{
    fx_trace(in(d, "t"), 0, 2500, 0);
    ts_drop_opts dop = {.rate = 0.03, .burst_min = 2, .burst_max = 6, .seed = 3};
    ts_drop_stats ds;
    if (ts_ctf_drop(in(d, "t"), in(d, "dr"), &dop, &ds) != 0) return -1;
    ts_drop_stats_free(&ds);
    return 0;
}

/* babeltrace2's text output of a trace, without the "(+delta)" column; reconstructed
 * lines kept apart; warnings counted */
static char *bt_text(const char *dir, int keep_recon, int *n_recon, int *n_warn, int *n_lines)
{
    char cmd[2048], tmp[] = "/tmp/tsbt.XXXXXX", wtmp[] = "/tmp/tsbw.XXXXXX";
    int fd = mkstemp(tmp), fd2 = mkstemp(wtmp);
    if (fd < 0 || fd2 < 0) return NULL;
    close(fd);
    close(fd2);
    /* events on stdout, babeltrace2's warnings about gaps on stderr */
    snprintf(cmd, sizeof cmd, "babeltrace2 '%s' >%s 2>%s", dir, tmp, wtmp);
    if (system(cmd) != 0) { unlink(tmp); unlink(wtmp); return NULL; }
    FILE *f = fopen(tmp, "r"), *w = fopen(wtmp, "r");
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap), line[4096];
    out[0] = 0;
    int nr = 0, nw = 0, nl = 0;
    while (w && fgets(line, sizeof line, w)) nw += strstr(line, "WARNING: Tracer discarded") != NULL;
    while (f && fgets(line, sizeof line, f)) {
        if (strstr(line, TS_RECON_CLASS)) { nr++; if (!keep_recon) continue; }
        char *d = strstr(line, " (+");
        if (d) { char *e = strchr(d, ')'); if (e) memmove(d, e + 1, strlen(e + 1) + 1); }
        size_t l = strlen(line);
        if (len + l + 1 > cap) { cap = 2 * (len + l + 1); out = realloc(out, cap); }
        memcpy(out + len, line, l + 1);
        len += l;
        nl++;
    }
    if (f) fclose(f);
    if (w) fclose(w);
    unlink(tmp);
    unlink(wtmp);
    if (n_recon) *n_recon = nr;
    if (n_warn) *n_warn = nw;
    if (n_lines) *n_lines = nl;
    return out;
}

/* stderr of a CLI run: its number of lines and the first */
static int run_err_lines(const char *args, char *first, size_t n, int *lines)
{
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char efile[] = "/tmp/tserr.XXXXXX";
    int fd = mkstemp(efile);
    if (fd >= 0) close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>%s", bin, args, efile);
    int st = 0;
    for (int attempt = 0; attempt < 3; attempt++) {   /* a LeakSanitizer that failed as a tool: again (check.h) */
        st = system(cmd);
        size_t elen;
        char *e = st == 0 ? NULL : slurp_file(efile, &elen);
        const int again = e && lsan_tool_failed(e, elen) && attempt < 2;
        free(e);
        if (!again) break;
    }
    FILE *f = fopen(efile, "r");
    char line[2048];
    *lines = 0;
    first[0] = 0;
    /* a failed LeakSanitizer's lines are not counted (check.h); a leak report's are */
    char all[65536];
    size_t len = f ? fread(all, 1, sizeof all, f) : 0;
    const int tool_failed = lsan_tool_failed(all, len);
    if (f) rewind(f);
    while (f && fgets(line, sizeof line, f)) {
        if (tool_failed && lsan_tool_line(line, strlen(line))) continue;
        if (*lines && *lines < 40) fprintf(stderr, "    | %s", line);   /* shown if it fails */
        if (!*lines) { size_t l = strlen(line); if (l >= n) l = n - 1; memcpy(first, line, l); first[l] = 0; }
        (*lines)++;
    }
    if (f) fclose(f);
    first[strcspn(first, "\n")] = 0;
    unlink(efile);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* ---- tests ---- */

/* a trace without gaps comes out of the writer exactly as it went in: every field class
 * (sequences, variants, enumerations, arrays) and every value */
static void copy_is_exact(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 400, 0);
    ts_rw_hooks h = {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    REQUIRE(ts_ctf_rewrite(in(d, "t"), in(d, "copy"), &h) == 0);
    if (!have_babeltrace()) { SKIP("babeltrace2 is not installed"); return; }
    int la, lb;
    char *a = bt_text(in(d, "t"), 1, NULL, NULL, &la), *b = bt_text(in(d, "copy"), 1, NULL, NULL, &lb);
    REQUIRE(a && b);
    CHECK(la == 800 && lb == 800);
    CHECK(strstr(a, "fds_length = 2, fds = [ [0] = 3, [1] = ") != NULL);
    CHECK(strstr(a, "cmd = ( \"CMD_B\" : container = 1 ), arg = { \"cmd-b\" }") != NULL);
    CHECK(strstr(a, "arg = { 43981 }, mac = [ [0] = 13, [1] = 12, [2] = 11, [3] = 10 ]") != NULL);
    CHECK_MSG(strcmp(a, b) == 0, "the copy differs from the original");
    free(a);
    free(b);
    /* a second write replaces the first; a directory holding something else is refused */
    REQUIRE(ts_ctf_rewrite(in(d, "t"), in(d, "copy"), &h) == 0);
    mkdir(in(d, "other"), 0755);
    write_text(in(d, "other/notes.txt"), "keep me\n");
    CHECK(ts_ctf_rewrite(in(d, "t"), in(d, "other"), &h) == -1);
    CHECK(ts_file_exists(in(d, "other/notes.txt")));
    CHECK(ts_ctf_rewrite(in(d, "t"), in(d, "t"), &h) == -1);
}

typedef struct { int events, gaps; uint64_t lost; } counts;
static int cnt_event(void *u, const ts_rw_event *e) { (void)e; ((counts *)u)->events++; return 0; }
static int cnt_gap(void *u, const ts_rw_gap *g) { ((counts *)u)->gaps++; ((counts *)u)->lost += g->count; return 0; }

/* drop -> gaps -> fill on the trace with LTTng >= 2.6 names, or the older ones */
static void drop_fill(int old)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], dr[600], fl[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    fx_trace(t, old, 3000, 0);
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 1, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    CHECK(st.events == 6000);
    CHECK_MSG(st.dropped > 150 && st.dropped < 500, "dropped %llu", (unsigned long long)st.dropped);
    size_t truth_n = 0;
    for (size_t i = 0; i < st.n_gaps; i++) truth_n += st.gaps[i].n;
    CHECK(truth_n == st.dropped);
    /* the counters are real: the reader sees the gaps */
    counts c = {0, 0, 0};
    ts_scan_hooks sh = {&c, NULL, cnt_event, cnt_gap, 0, NULL};
    REQUIRE(ts_ctf_scan(dr, &sh) == 0);
    CHECK(c.events == 6000 - (int)st.dropped && c.lost == st.dropped && (size_t)c.gaps == st.n_gaps);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(dr, 0, &gl) == 0);
    CHECK(gl.n == st.n_gaps && gl.events == 6000 - st.dropped && gl.n_streams == 2);
    for (size_t i = 0; i < gl.n; i++) {
        CHECK(gl.gaps[i].g.has_times && gl.gaps[i].g.begin_ns <= gl.gaps[i].g.end_ns);
        CHECK(gl.gaps[i].before && gl.gaps[i].g.cpu >= 0 && gl.gaps[i].g.cpu < 2);
        CHECK(!gl.gaps[i].after || gl.gaps[i].after_ns >= gl.gaps[i].g.end_ns);
    }
    ts_gap_list_free(&gl);

    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    fo.record = 1;   /* the names are compared */
    fo.seed = 1;
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(dr, fl, &fo, &fr) == 0);
    CHECK(fr.reconstructed == st.dropped && fr.n == st.n_gaps);
    /* the filled trace: the same gaps, the recorded events, and the reconstructed ones apart */
    REQUIRE(ts_gaps_find(fl, 0, &gl) == 0);
    CHECK(gl.n == st.n_gaps && gl.events == 6000 - st.dropped && gl.recon == st.dropped);
    ts_gap_list_free(&gl);
    /* the threads loop over one pattern: the n-gram gets nearly every event back */
    size_t hit = 0, tot = 0;
    for (size_t i = 0; i < st.n_gaps; i++)
        for (size_t j = 0; j < fr.n; j++)
            if (fr.gaps[j].cpu == st.gaps[i].cpu && fr.gaps[j].index == st.gaps[i].index) {
                CHECK(fr.gaps[j].n == st.gaps[i].n);
                for (size_t k = 0; k < st.gaps[i].n && k < fr.gaps[j].n; k++) {
                    hit += !strcmp(fr.gaps[j].names[k], st.gaps[i].names[k]);
                    tot++;
                    if (old) CHECK(!strncmp(fr.gaps[j].names[k], "sys_", 4) || !strcmp(fr.gaps[j].names[k], "exit_syscall") ||
                                   !strcmp(fr.gaps[j].names[k], "sched_switch"));
                }
            }
    CHECK(tot == st.dropped);
    CHECK_MSG(hit >= tot * 9 / 10, "%zu of %zu events right", hit, tot);
    /* the analysis: filling brings the per-thread call counts back toward the truth */
    ts_sc_analysis at, ad, af;
    REQUIRE(ts_sc_analyse(t, 0, &at) == 0);
    REQUIRE(ts_sc_analyse(dr, 0, &ad) == 0);
    REQUIRE(ts_sc_analyse(fl, 0, &af) == 0);
    double ed = ts_sc_count_error(&at, &ad), ef = ts_sc_count_error(&at, &af);
    CHECK_MSG(ed > 0.02 && ef < ed / 2, "count error %.4f with gaps, %.4f filled", ed, ef);
    CHECK(ts_sc_count_error(&at, &at) == 0.0);
    /* and entries without their exit no further from the truth than with the gaps */
    double ut = ts_sc_unmatched_share(&at), ud = ts_sc_unmatched_share(&ad), uf = ts_sc_unmatched_share(&af);
    CHECK_MSG(fabs(uf - ut) <= fabs(ud - ut), "entries without exit: %.4f true, %.4f with gaps, %.4f filled", ut, ud, uf);
    ts_sc_analysis_free(&at);
    ts_sc_analysis_free(&ad);
    ts_sc_analysis_free(&af);
    ts_fill_result_free(&fr);

    if (!have_babeltrace()) { SKIP("babeltrace2 is not installed"); ts_drop_stats_free(&st); return; }
    int nr, nw, nl, nr2, nw2, nl2, nl0;
    char *orig = bt_text(t, 1, NULL, NULL, &nl0), *a = bt_text(dr, 1, &nr, &nw, &nl), *b = bt_text(fl, 0, &nr2, &nw2, &nl2);
    REQUIRE(orig && a && b);
    /* babeltrace2 warns about every gap of the dropped trace, and still of the filled one */
    CHECK_MSG(nw == (int)st.n_gaps && nw2 == (int)st.n_gaps, "%d and %d warnings for %zu gaps", nw, nw2, st.n_gaps);
    CHECK(nr == 0 && nr2 == (int)st.dropped);
    CHECK(nl0 == 6000 && nl == 6000 - (int)st.dropped);
    /* every original event comes out unchanged */
    CHECK_MSG(strcmp(a, b) == 0, "the filled trace's original events differ from the input's");
    free(orig);
    free(a);
    free(b);
    /* the text output flags the reconstructed events */
    FILE *f = fopen(in(d, "filled.txt"), "w");
    REQUIRE(f);
    REQUIRE(ts_ctf_print_text(fl, f) == 0);
    fclose(f);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test $(grep -c 'tracesynth:reconstructed: .*event = \"' %s) -eq %llu && "
             "test $(grep -c 'WARNING: Tracer discarded' %s) -eq %zu", in(d, "filled.txt"),
             (unsigned long long)st.dropped, in(d, "filled.txt"), st.n_gaps);
    CHECK_MSG(system(cmd) == 0, "%s", in(d, "filled.txt"));
    ts_drop_stats_free(&st);
}

static void drop_fill_new_names(void) { drop_fill(0); }
static void drop_fill_old_names(void) { drop_fill(1); }

/* CPU 0's reconstructed events: inside (lo, hi), in order, with a thread; the recorded
 * event right after them at hi */
typedef struct { int64_t lo, hi; int n; int64_t last; int ok, next_ok, seen_next; } recon_times;
static int recon_time_event(void *u, const ts_rw_event *e)
{
    recon_times *r = u;
    if (e->cpu != 0) return 0;
    if (e->recon) {
        r->ok &= e->time_ns > r->lo && e->time_ns < r->hi && e->time_ns >= r->last && e->tid >= 0 && !r->seen_next;
        r->last = e->time_ns;
        r->n++;
    } else if (r->n > 0 && !r->seen_next) {
        r->seen_next = 1;
        r->next_ok = e->time_ns == r->hi;
    }
    return 0;
}

/* the trace of 2 x 2500 events that loses 5 on CPU 0 as LTTng does, at d/t; fl: d/filled */
static void lost_five(const char *d, char t[600], char fl[600])
{
    snprintf(t, 600, "%s/t", d);
    snprintf(fl, 600, "%s/filled", d);
    fx_lost = 5;
    fx_trace(t, 0, 2500, 0);
    fx_lost = 0;
}

/* a gap as LTTng writes it: the counter grows in a packet with events; the reconstructed
 * events go before them, in [end of the packet before, first event after] */
static void lttng_gap(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], fl[600];
    lost_five(d, t, fl);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(t, 0, &gl) == 0);
    REQUIRE(gl.n == 1);
    CHECK(gl.gaps[0].g.count == 5 && gl.gaps[0].g.cpu == 0 && gl.gaps[0].g.has_times);
    /* the packet before ends at its last event (event 300), the next one begins 20 us later */
    CHECK(gl.gaps[0].before && gl.gaps[0].after && gl.gaps[0].before_ns == gl.gaps[0].g.begin_ns);
    CHECK(gl.gaps[0].after_ns > gl.gaps[0].before_ns + 20000 && gl.gaps[0].after_ns <= gl.gaps[0].g.end_ns);
    int64_t b = gl.gaps[0].g.begin_ns, after = gl.gaps[0].after_ns;
    ts_gap_list_free(&gl);
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(t, fl, &fo, &fr) == 0);
    CHECK(fr.reconstructed == 5 && fr.n == 1);
    ts_fill_result_free(&fr);
    /* the reconstructed events lie strictly inside the gap, in order, right before the
     * first event after it */
    recon_times r = {b, after, 0, b, 1, 0, 0};
    ts_scan_hooks h = {&r, NULL, recon_time_event, NULL, 0, NULL};
    REQUIRE(ts_ctf_scan(fl, &h) == 0);
    CHECK(r.n == 5 && r.ok && r.next_ok);
    REQUIRE(ts_gaps_find(fl, 0, &gl) == 0);
    CHECK(gl.n == 1 && gl.recon == 5 && gl.events == 5000);
    ts_gap_list_free(&gl);
    /* gaps' total line counts them as its CPU's line does (it said "total: 5000 events,
     * N lost in 1 gap", as before the fill) */
    char cmd[1600], out[8192];
    snprintf(cmd, sizeof cmd, "gaps %s -q", fl);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    const char *tot = strstr(out, "total: 5000 events, ");
    CHECK_MSG(tot && strstr(tot, " in 1 gap, 5 reconstructed\n"), "%s", out);
    /* a filled trace filled again: its gap holds its reconstruction already, no second one */
    char fl2[700];
    snprintf(fl2, sizeof fl2, "%s/refilled", d);
    REQUIRE(ts_ctf_fill(fl, fl2, &fo, &fr) == 0);
    CHECK_MSG(fr.reconstructed == 0 && fr.events == 5000, "%llu reconstructed, %llu recorded",
              (unsigned long long)fr.reconstructed, (unsigned long long)fr.events);
    ts_fill_result_free(&fr);
    REQUIRE(ts_gaps_find(fl2, 0, &gl) == 0);
    CHECK_MSG(gl.n == 1 && gl.recon == 5 && gl.events == 5000, "%llu reconstructed", (unsigned long long)gl.recon);
    ts_gap_list_free(&gl);
    if (!have_babeltrace()) { SKIP("babeltrace2 is not installed"); return; }
    int nr, nw, nl, nr2, nw2, nl2;
    char *a = bt_text(t, 1, &nr, &nw, &nl), *c = bt_text(fl, 0, &nr2, &nw2, &nl2);
    REQUIRE(a && c);
    CHECK(nw == 1 && nw2 == 1 && nr2 == 5 && nl == 5000 && nl2 == 5000);
    CHECK_MSG(strcmp(a, c) == 0, "the original events changed");
    free(a);
    free(c);
}

/* a reconstructed switch to a thread that cannot be told (next_tid -1): the recorded
 * events after it, until the next recorded switch, are of an unknown thread */
static int one_unknown_switch(void *u, const ts_rw_gap *g, const ts_recon **ev, size_t *n)
{
    static const ts_recon sw = {"sched_switch", 0.5, 101, -1};
    (void)u;
    *ev = g->cpu == 0 ? &sw : NULL;
    *n = g->cpu == 0;
    return 0;
}
typedef struct { int after_recon, n, unknown; } after_tids;
static int after_tid_event(void *u, const ts_rw_event *e)
{
    after_tids *a = u;
    if (e->cpu != 0) return 0;
    if (e->recon) { a->after_recon = 1; return 0; }
    if (!a->after_recon) return 0;
    if (e->kind == TS_EV_SWITCH) { a->after_recon = 0; return 0; }
    a->n++;
    a->unknown += e->tid == -1;
    return 0;
}
static void unknown_switch_thread(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], fl[600];
    lost_five(d, t, fl);
    ts_rw_hooks h = {NULL, NULL, one_unknown_switch, 0, NULL, NULL, NULL, NULL, NULL};
    REQUIRE(ts_ctf_rewrite(t, fl, &h) == 0);
    after_tids a = {0, 0, 0};
    ts_scan_hooks sh = {&a, NULL, after_tid_event, NULL, 0, NULL};
    REQUIRE(ts_ctf_scan(fl, &sh) == 0);
    CHECK_MSG(a.n > 0 && a.unknown == a.n, "%d of the %d events after the switch of an unknown thread", a.unknown, a.n);
}

/* a one-CPU trace in dir of the events seq (kind, prev, next), 100 ns apart, with the
 * execve and clone events declared */
static int seq_trace(const char *dir, const int (*seq)[3], size_t n)
{
    fx_exec = 1;
    fx_meta(dir, 0, 0);
    fx_exec = 0;
    buf b = {0};
    for (size_t i = 0; i < n; i++) fx_event(&b, 0, seq[i][0], 1000 + 100 * i, seq[i][1], seq[i][2], (int)i);
    FILE *f = fopen(in(dir, "chan_0"), "wb");
    if (!f) { free(b.b); return -1; }
    fx_packet(f, &b, 1000, 1000 + 100 * (n - 1), 0, 0);
    fclose(f);
    free(b.b);
    return 0;
}

/* a thread other than its process's leader runs execve and is switched out before it
 * returns: from its sched_process_exec on it has the leader's tid, under which execve's exit
 * closes its entry; the leader's own call, left without its exit, stays unpaired */
static void exec_score_pairs(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600];
    snprintf(t, sizeof t, "%s/exec", d);
    mkdir(t, 0755);
    static const int seq[][3] = {
        {EV_SWITCH, 1, 100}, {EV_POLL_E, 0, 0},                        /* the leader, 100 */
        {EV_SWITCH, 100, 200}, {EV_EXECVE_E, 0, 0}, {EV_EXEC, 200, 100},  /* 200 becomes 100 */
        {EV_SWITCH, 100, 300}, {EV_READ_E, 0, 0}, {EV_READ_X, 0, 0},
        {EV_SWITCH, 300, 100}, {EV_EXECVE_X, 0, 0}, {EV_WRITE_E, 0, 0}, {EV_WRITE_X, 0, 0},
    };
    REQUIRE(seq_trace(t, seq, sizeof seq / sizeof *seq) == 0);
    ts_sc_analysis a;
    REQUIRE(ts_sc_analyse(t, 0, &a) == 0);
    CHECK_MSG(a.total == 4 && a.returning == 4 && a.unmatched == 1, "%llu entries, %llu returning, %llu without exit",
              (unsigned long long)a.total, (unsigned long long)a.returning, (unsigned long long)a.unmatched);
    /* poll and write are 100's, execve 200's (its entry), read 300's */
    CHECK(a.n == 3 && a.tid[0] == 100 && a.entries[0] == 2 && a.tid[1] == 200 && a.entries[1] == 1 &&
          a.tid[2] == 300 && a.entries[2] == 1);
    ts_sc_analysis_free(&a);
}

/* exits that close no call: one with no call open (its entry before the thread's first
 * switch), two while another call is open (their entries lost); those that close a call,
 * those of an unknown thread and a new thread's return from clone are not counted */
static void score_stray_exits(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600];
    snprintf(t, sizeof t, "%s/stray", d);
    mkdir(t, 0755);
    static const int seq[][3] = {
        {EV_READ_X, 0, 0},                                  /* no thread known yet */
        {EV_SWITCH, 1, 200}, {EV_CLONE_X, 0, 0},            /* a new thread: not counted */
        {EV_SWITCH, 1, 100}, {EV_READ_X, 0, 0},             /* stray: none open */
        {EV_WRITE_E, 0, 0}, {EV_READ_X, 0, 0},              /* stray: write open */
        {EV_WRITE_X, 0, 0}, {EV_POLL_E, 0, 0},
        {EV_CLONE_X, 0, 0},                                 /* stray: poll open */
    };
    REQUIRE(seq_trace(t, seq, sizeof seq / sizeof *seq) == 0);
    ts_sc_analysis a;
    REQUIRE(ts_sc_analyse(t, 0, &a) == 0);
    CHECK_MSG(a.exits == 4 && a.stray_exits == 3 && a.unmatched == 1, "%llu exits, %llu stray, %llu entries without exit",
              (unsigned long long)a.exits, (unsigned long long)a.stray_exits, (unsigned long long)a.unmatched);
    CHECK(fabs(ts_sc_stray_exit_share(&a) - 3.0 / 4.0) < 1e-12);
    CHECK(ts_sc_child_returns("clone3") && ts_sc_child_returns("vfork") && !ts_sc_child_returns("read") &&
          !ts_sc_child_returns(NULL));
    ts_sc_analysis_free(&a);
    ts_sc_analysis none = {0};
    CHECK(ts_sc_stray_exit_share(&none) == 0);
    CHECK(isnan(ts_sc_stray_exit_share(NULL)) && strstr(ts_error(), "ts_sc_stray_exit_share: a is NULL"));
}

/* CPU 0's reconstructed events: of thread tid, switches, entries while the thread is
 * inside a call (it starts inside `inside`), and exits that close no call */
typedef struct { int64_t tid; int n, other, switches, bad; char inside[32]; int stray; } exec_recon;
static int exec_recon_event(void *u, const ts_rw_event *e)
{
    exec_recon *r = u;
    if (e->cpu != 0 || !e->recon) return 0;
    r->n++;
    r->other += e->tid != r->tid;
    r->switches += e->kind == TS_EV_SWITCH;
    if (e->kind == TS_EV_ENTRY) {
        r->bad += r->inside[0] != 0;
        snprintf(r->inside, sizeof r->inside, "%s", e->call);
    } else if (e->kind == TS_EV_EXIT && r->inside[0] && (!*e->call || !strcmp(e->call, r->inside))) {
        r->inside[0] = 0;
    } else if (e->kind == TS_EV_EXIT) {
        r->stray++;
    }
    return 0;
}

/* a gap inside the execve of a thread that takes its leader's tid at its exec, before the
 * gap or after it: one thread throughout (the tid it has when the gap begins), no switch put
 * in the gap between the tid it had and the one it has, and inside execve from the start
 * (the unigram's reconstruction, one event over and over, does not begin with execve's exit);
 * the n-gram's entries and exits pair */
static void exec_fill_same_thread(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    static const char *const models[] = {"ngram", "unigram"};
    for (int at = 1; at <= 2; at++)
        for (int m = 0; m < 2; m++) {
            char t[600], fl[600];
            snprintf(t, sizeof t, "%s/t%d", d, at);
            snprintf(fl, sizeof fl, "%s/filled%d-%s", d, at, models[m]);
            fx_lost = 5;
            fx_exec = at;
            fx_trace(t, 0, 2500, 0);
            fx_lost = 0;
            fx_exec = 0;
            ts_fill_opts fo;
            memset(&fo, 0, sizeof fo);
            fo.model = models[m];
            fo.seed = 1;
            ts_fill_result fr;
            REQUIRE(ts_ctf_fill(t, fl, &fo, &fr) == 0);
            CHECK(fr.reconstructed == 5);
            ts_fill_result_free(&fr);
            exec_recon r = {at == 1 ? 150 : 103, 0, 0, 0, 0, "execve", 0};
            ts_scan_hooks h = {&r, NULL, exec_recon_event, NULL, 0, NULL};
            REQUIRE(ts_ctf_scan(fl, &h) == 0);
            /* the n-gram's ends inside execve, whose exit follows the gap (the exec after the gap
             * is not the first system call event after it), unless that took an exit out of its
             * pairs in the gap: its events (execve's exit first, then write and ioctl) end
             * inside none then, the one exit out of pairs the one after the gap */
            int end_ok = m == 1 || !strcmp(r.inside, "execve") || (at == 1 && !r.inside[0]);
            /* the unigram's one event over and over cannot stay inside execve (an odd count of
             * entries or exits): one pair is broken, an entry while inside a call or execve's
             * exit after the gap closing none, which cost the same */
            int pairs_ok = m == 1 ? r.bad + (strcmp(r.inside, "execve") != 0) <= 1 : r.bad == 0;
            CHECK_MSG(r.n == 5 && r.other == 0 && r.switches == 0 && pairs_ok && end_ok && (m == 1 || r.stray == 0),
                      "%s, exec %s the gap: %d reconstructed, %d not of %lld, %d switches, %d entries inside a call, "
                      "%d exits closing none, inside '%s' at the end", models[m], at == 1 ? "before" : "after", r.n,
                      r.other, (long long)r.tid, r.switches, r.bad, r.stray, r.inside);
        }
}

/* an exec names the thread it ran in by its old_tid, not by the thread the CPU ran when last
 * seen: after a gap that lost the switch from 103 to the leader 150, the leader's own exec
 * (old_tid = tid = 150) makes the gap end in 150, and the fill puts the switch in */
static void exec_names_its_thread(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], fl[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    fx_lost = 5;
    fx_exec = 3;
    fx_trace(t, 0, 2500, 0);
    fx_lost = 0;
    fx_exec = 0;
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    fo.seed = 1;
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(t, fl, &fo, &fr) == 0);
    CHECK(fr.reconstructed == 5);
    ts_fill_result_free(&fr);
    exec_recon r = {103, 0, 0, 0, 0, "execve", 0};
    ts_scan_hooks h = {&r, NULL, exec_recon_event, NULL, 0, NULL};
    REQUIRE(ts_ctf_scan(fl, &h) == 0);
    CHECK_MSG(r.n == 5 && r.switches == 1, "%d reconstructed, %d switches, %d not of 103", r.n, r.switches, r.other);
}

/* edges: events the tracer may have lost before a stream's first packet (babeltrace2 gives
 * no count: none reconstructed, the warning kept at that packet); a stream with gaps and no
 * event (its CPU counted); a trace too small to train on (one line naming it, no crash) */
static void edge_gaps(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], fl[600], cmd[2000], out[8192], err[1024];
    snprintf(t, sizeof t, "%s/first", d);
    snprintf(fl, sizeof fl, "%s/first-filled", d);
    fx_lost_first = 3;
    fx_trace(t, 0, 2500, 0);
    fx_lost_first = 0;
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(t, 0, &gl) == 0);
    REQUIRE(gl.n == 1);
    CHECK(!gl.gaps[0].g.count_known && gl.gaps[0].g.count == 0 && gl.gaps[0].g.has_times);
    int64_t b = gl.gaps[0].g.begin_ns;
    CHECK(b > 0);
    ts_gap_list_free(&gl);
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(t, fl, &fo, &fr) == 0);
    CHECK_MSG(fr.reconstructed == 0, "%llu events reconstructed for a gap of no known size",
              (unsigned long long)fr.reconstructed);
    ts_fill_result_free(&fr);
    REQUIRE(ts_gaps_find(fl, 0, &gl) == 0);
    CHECK(gl.n == 1 && !gl.gaps[0].g.count_known && gl.gaps[0].g.begin_ns == b);
    ts_gap_list_free(&gl);
    snprintf(cmd, sizeof cmd, "gaps %s --json", t);
    CHECK(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "\"count\": null") && strstr(out, "\"discarded\": 0"));
    /* ingest warns of it as a gap of unknown size, not as one of 0 events */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s/first-ds", t, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    CHECK_MSG(strstr(err, "reported 0 discarded events and 1 gap of unknown size") &&
                  strstr(err, "CPU 0: 1 of unknown size)"), "%s", err);

    /* CPU 5's stream: two packets without events, 4 events lost between them */
    snprintf(t, sizeof t, "%s/empty", d);
    fx_trace(t, 0, 400, 0);
    FILE *f = fopen(in(t, "chan_2"), "wb");
    REQUIRE(f);
    buf none = {0};
    fx_packet(f, &none, 2000, 3000, 5, 0);
    fx_packet(f, &none, 9000, 10000, 5, 4);
    fclose(f);
    snprintf(cmd, sizeof cmd, "gaps %s", t);
    CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && strstr(out, "CPU 5: 0 events, 4 lost in 1 gap"), "%s", out);
    /* fill reconstructs them, for CPU 5 */
    fo.seed = 0;
    REQUIRE(ts_ctf_fill(t, in(d, "empty-filled"), &fo, &fr) == 0);
    CHECK_MSG(fr.n == 1 && fr.gaps[0].cpu == 5 && fr.gaps[0].n == 4, "%zu gaps, CPU %d", fr.n, fr.n ? fr.gaps[0].cpu : -2);
    ts_fill_result_free(&fr);

    /* 200 events: too few to train on */
    snprintf(t, sizeof t, "%s/tiny", d);
    fx_trace(t, 0, 100, 0);
    snprintf(fl, sizeof fl, "%s/tiny.model", d);
    fo.save_model = fl;
    CHECK(ts_ctf_fill(t, in(d, "tiny-filled"), &fo, &fr) == -1);
    CHECK_MSG(strstr(ts_error(), "too few events") && strstr(ts_error(), "tiny"), "%s", ts_error());
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --save-model %s -o %s/tiny-filled --no-progress", t, fl, d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "too few events"), "%s", err);
}

/* gaps' table: a time before the clock's origin (a negative offset) as babeltrace2 writes
 * it, the sign in front; an event name longer than the column keeps its time */
static void gaps_table_cells(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], cmd[1400], out[8192];
    snprintf(t, sizeof t, "%s/neg", d);
    fx_lost = 5;
    fx_trace(t, 0, 600, 0);
    fx_lost = 0;
    char *m = calloc(1, 16384);
    FILE *f = fopen(in(t, "metadata"), "r");
    REQUIRE(m && f);
    REQUIRE(fread(m, 1, 16383, f) > 0);
    fclose(f);
    char *at = strstr(m, "offset_s = 1000;");
    REQUIRE(at);
    memcpy(at, "offset_s = -1;  ", 16);
    /* every event class renamed: 120 more characters in front */
    char x[121];
    memset(x, 'x', 120);
    x[120] = 0;
    size_t cap = strlen(m) + 40 * 130, o = 0;
    char *m2 = malloc(cap);
    for (const char *p = m; *p;) {
        const char *q = strstr(p, "name = \"");
        if (!q || !strncmp(q, "name = \"monotonic", 17)) q = q ? q + 1 : p + strlen(p);
        else {
            memcpy(m2 + o, p, (size_t)(q - p) + 8);
            o += (size_t)(q - p) + 8;
            memcpy(m2 + o, x, 120);
            o += 120;
            p = q + 8;
            continue;
        }
        memcpy(m2 + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        p = q;
    }
    m2[o] = 0;
    write_text(in(t, "metadata"), m2);
    free(m);
    free(m2);
    snprintf(cmd, sizeof cmd, "gaps %s -q", t);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    char *line = strstr(out, "\nchan_0");
    REQUIRE(line);
    char *end = strchr(line + 1, '\n');
    REQUIRE(end);
    *end = 0;
    /* begin, end: -0.99...; before and after: NAME @-0.99... */
    CHECK_MSG(!strstr(line, ".-") && strstr(line, " -0.99") && strstr(line, x), "%s", line);
    int ats = 0;
    for (char *p = line; (p = strstr(p, " @-0.99")); p++) ats++;
    CHECK_MSG(ats == 2, "%s", line);
}

/* a trace whose stream files are empty: gaps is an error naming it, not a table of zeros */
static void gaps_empty_trace(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], cmd[1400], err[1024];
    snprintf(t, sizeof t, "%s/blank", d);
    fx_trace(t, 0, 100, 0);
    REQUIRE(truncate(in(t, "chan_0"), 0) == 0 && truncate(in(t, "chan_1"), 0) == 0);
    ts_gap_list gl;
    CHECK(ts_gaps_find(t, 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), t) && strstr(ts_error(), "no event"), "%s", ts_error());
    snprintf(cmd, sizeof cmd, "gaps %s -q", t);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, t), "%s", err);
    snprintf(cmd, sizeof cmd, "gaps %s --json", t);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "no event"), "%s", err);
    /* with progress on too: the error alone, no line of "0 events" before it */
    snprintf(cmd, sizeof cmd, "gaps %s", t);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tracesynth: error: ") == err, "%s", err);
    /* nothing to drop from or fill: an error and no output, not an empty copy */
    char out[700];
    snprintf(out, sizeof out, "%s/out", d);
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    CHECK(ts_ctf_drop(t, out, &dop, &st) == -1);
    CHECK_MSG(strstr(ts_error(), t) && strstr(ts_error(), "no event"), "%s", ts_error());
    CHECK(!ts_file_exists(out));
    snprintf(cmd, sizeof cmd, "drop %s -o %s", t, out);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "no event"), "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --no-progress", t, out);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "no event"),
              "%s", err);
    CHECK(!ts_file_exists(out));
}

/* a trace of one CPU, not CPU 0 (a session on one CPU, or one CPU's stream kept): the
 * totals list that CPU alone, not CPUs below it that the trace has no stream of */
static void gaps_one_cpu(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], cmd[1400], out[8192];
    snprintf(t, sizeof t, "%s/one", d);
    fx_lost = 40;
    fx_trace(t, 0, 600, 0);
    fx_lost = 0;
    REQUIRE(rename(in(t, "chan_0"), in(d, "chan_0")) == 0);
    snprintf(cmd, sizeof cmd, "gaps %s -q", t);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "CPU 1: 600 events") && !strstr(out, "CPU 0"), "%s", out);
    snprintf(cmd, sizeof cmd, "gaps %s --json", t);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    const char *c = strstr(out, "\"cpus\": [");
    CHECK_MSG(c && strstr(c, "\"cpu\": 1,") && !strstr(c, "\"cpu\": 0,"), "%s", out);
    /* and a gap on it: listed under its CPU */
    snprintf(t, sizeof t, "%s/one0", d);
    fx_lost = 40;
    fx_trace(t, 0, 600, 0);
    fx_lost = 0;
    REQUIRE(rename(in(t, "chan_1"), in(d, "chan_1")) == 0);
    snprintf(cmd, sizeof cmd, "gaps %s -q", t);
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "CPU 0: 600 events, 40 lost in 1 gap") && !strstr(out, "CPU 1"), "%s", out);
}

/* a burst never starts right after a burst: each burst is one gap of its own */
static void drop_bursts_apart(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], dr[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    fx_trace(t, 0, 1000, 0);
    ts_drop_opts dop = {0.5, 1, 2, 3, 0, 1, NULL};   /* a burst after two kept events in three */
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    CHECK_MSG(st.bursts > 100 && st.bursts == st.n_gaps, "%llu bursts, %zu gaps",
              (unsigned long long)st.bursts, st.n_gaps);
    for (size_t i = 0; i < st.n_gaps; i++) CHECK(st.gaps[i].n >= 1 && st.gaps[i].n <= 2);
    counts c = {0, 0, 0};
    ts_scan_hooks sh = {&c, NULL, cnt_event, cnt_gap, 0, NULL};
    REQUIRE(ts_ctf_scan(dr, &sh) == 0);
    CHECK((size_t)c.gaps == st.n_gaps && c.lost == st.dropped);
    /* the share asked for is the share dropped */
    CHECK_MSG(fabs((double)st.dropped / (double)st.events - 0.5) < 0.05, "dropped %llu of %llu",
              (unsigned long long)st.dropped, (unsigned long long)st.events);
    ts_drop_stats_free(&st);
    /* bursts of mean 1.5, each after a kept event, drop at most 1.5 / 2.5 = 60 %: a rate above
     * that is refused, not silently missed */
    ts_drop_opts high = {0.7, 1, 2, 3, 0, 0, NULL};
    CHECK(ts_ctf_drop(t, in(d, "high"), &high, &st) == -1);
    CHECK_MSG(strstr(ts_error(), "0.7") && strstr(ts_error(), "60 %"), "%s", ts_error());
    CHECK(!ts_file_exists(in(d, "high")));
    char cmd[1400], err[4096];
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.9 --burst-min 1 --burst-max 1 -q", t, in(d, "high"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "tracesynth drop: error: ") == err && strstr(err, "50 %") &&
              strstr(err, "--burst-min"), "%s", err);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.1,0.9 --burst-min 1 --burst-max 1 -q", t);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--rates: 0.9") && strstr(err, "50 %"), "%s", err);
    /* at the limit: every kept event but the first after a burst is followed by one */
    ts_drop_opts edge = {0.5, 1, 1, 3, 0, 0, NULL};
    REQUIRE(ts_ctf_drop(t, in(d, "edge"), &edge, &st) == 0);
    CHECK_MSG(st.dropped * 2 + 4 >= st.events, "dropped %llu of %llu", (unsigned long long)st.dropped,
              (unsigned long long)st.events);
    ts_drop_stats_free(&st);
}

/* drop keeps the input's own gap of unknown size (events lost before a stream's first
 * packet): it stays one, where it was */
static void drop_keeps_unknown_gap(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], dr[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    fx_lost_first = 3;
    fx_trace(t, 0, 400, 0);
    fx_lost_first = 0;
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(t, 0, &gl) == 0);
    REQUIRE(gl.n == 1);
    int64_t b = gl.gaps[0].g.begin_ns;
    ts_gap_list_free(&gl);
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    REQUIRE(ts_gaps_find(dr, 0, &gl) == 0);
    size_t unknown = 0, known = 0;
    uint64_t lost = 0;
    for (size_t i = 0; i < gl.n; i++) {
        if (gl.gaps[i].g.count_known) { known++; lost += gl.gaps[i].g.count; continue; }
        unknown++;
        CHECK(gl.gaps[i].g.cpu == 0 && gl.gaps[i].g.begin_ns == b);
    }
    CHECK_MSG(unknown == 1, "%zu gaps of unknown size", unknown);
    CHECK(known == st.bursts && lost == st.dropped && gl.events + st.dropped == 800);
    ts_gap_list_free(&gl);
    ts_drop_stats_free(&st);
}

/* a filled trace is no recording: drop refuses it (its reconstructed events, dropped, would
 * be counted lost beside the gaps they fill), naming it, and writes nothing */
static void drop_refuses_filled_trace(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], dr[600], fl[600], again[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    snprintf(again, sizeof again, "%s/again", d);
    fx_trace(t, 0, 600, 0);
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    REQUIRE(st.dropped > 0);
    ts_drop_stats_free(&st);
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(dr, fl, &fo, &fr) == 0);
    REQUIRE(fr.reconstructed > 0);
    ts_fill_result_free(&fr);
    /* the same seed drops at the same places: the reconstructed events among them */
    int rc = ts_ctf_drop(fl, again, &dop, &st);
    CHECK_MSG(rc == -1, "drop of a filled trace: rc %d, %llu of %llu events dropped", rc,
              (unsigned long long)st.dropped, (unsigned long long)st.events);
    CHECK_MSG(strstr(ts_error(), fl) && strstr(ts_error(), "reconstructed"), "%s", ts_error());
    struct stat sb;
    CHECK(stat(again, &sb) != 0);
    ts_drop_stats_free(&st);
}

/* the CLI: drop, gaps (--json), fill with a model name and with a saved model file, bench fill */
/* a CTF trace with no gap: nothing to note (the note on a loss not shown is perf script's
 * text's, whose lost-event lines are printed only when asked) */
static void ctf_without_gaps_not_noted(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "whole"), 0, 1200, 0);
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(in(d, "whole"), 0, &gl) == 0);
    CHECK(gl.n == 0 && !gl.perf_no_lost_lines);
    ts_gap_list_free(&gl);
    static const char *const cmds[] = {"gaps %s -q", "gaps %s --json", "fill %s -o %s-filled -q"};
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++) {
        char cmd[3000], out[1 << 14];
        snprintf(cmd, sizeof cmd, cmds[c], in(d, "whole"), in(d, "whole"));
        CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && !strstr(out, "note:") && !strstr(out, "PERF_RECORD_LOST"),
                  "%s:\n%s", cmd, out);
    }
}

/* mdm's models trained per CPU only impute and go without the chain likelihood's mixture;
 * the one --save-model writes, for any use, has it (score --likelihood chain reads it) */
static void mdm_saved_model_keeps_chain(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture(d) == 0);
    char cmd[3000], err[1024];
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --layers 1 --channels 8 --state 4 --iters 4 --threads 1 -o %s "
             "--save-model %s -q", in(d, "dr"), in(d, "f"), in(d, "m.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "grep -aq '^chain_mixture=' %s", in(d, "m.tsm"));
    CHECK_MSG(system(cmd) == 0, "%s has no chain mixture", in(d, "m.tsm"));
}

static void cli_round(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[512];
    CHECK(drop_fixture(d) == 0);
    snprintf(cmd, sizeof cmd, "gaps %s --json > %s", in(d, "dr"), in(d, "gaps.json"));
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s gaps %s --json > %s", getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth",
             in(d, "dr"), in(d, "gaps.json"));
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "grep -q '\"count\": ' %s && grep -q '\"cpus\": ' %s && grep -q '\"before\": \"' %s",
             in(d, "gaps.json"), in(d, "gaps.json"), in(d, "gaps.json"));
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --order 6 -o %s --save-model %s -q", in(d, "dr"), in(d, "f1"), in(d, "m.bin"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model %s -o %s --text %s -q", in(d, "dr"), in(d, "m.bin"), in(d, "f2"), in(d, "f2.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "grep -q 'tracesynth:reconstructed' %s", in(d, "f2.txt"));
    CHECK(system(cmd) == 0);
    /* a model file trains nothing: --save-model with it is refused, not ignored */
    snprintf(cmd, sizeof cmd, "fill %s --model %s -o %s --save-model %s -q", in(d, "dr"), in(d, "m.bin"), in(d, "f6"),
             in(d, "m2.bin"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--save-model") && strstr(err, "m.bin"), "%s", err);
    /* a mistyped model name is neither a model nor a file, whatever the options: a usage error */
    snprintf(cmd, sizeof cmd, "fill %s --model ngramm -o %s --save-model %s -q", in(d, "dr"), in(d, "f6"), in(d, "m2.bin"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--model: unknown model 'ngramm'") &&
              strstr(err, "nor a model file"), "%s", err);
    /* a model file that is not there, named with a '/' or not: the same usage error, saying
     * so and naming the models */
    const char *missing[] = {"nope.tsm", "./nope", "no/such.tsm"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s -o %s -q", in(d, "dr"), missing[i], in(d, "f6"));
        char want[96];
        snprintf(want, sizeof want, "%s does not exist", missing[i]);
        CHECK_MSG(cli_refuses(cmd, 2, want, NULL, err, sizeof err) && strstr(err, "models: ngram"), "%s: %s", missing[i],
                  err);
    }
    snprintf(cmd, sizeof cmd, "bench fill %s --model ngramm --one-model -q", in(d, "t"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) != 0 && !strstr(err, "is a model file"), "%s", err);
    CHECK(!ts_file_exists(in(d, "m2.bin")) && !ts_file_exists(in(d, "f6")));
    /* nor does it take training options, or unknown ones: its run options only, refused as
     * impute refuses them (a usage error naming the model) */
    snprintf(cmd, sizeof cmd, "fill %s --model %s --order 3 -o %s -q", in(d, "dr"), in(d, "m.bin"), in(d, "f6"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "tracesynth fill: error: ngram: option --order: not one "
                                                                "of its run options"), "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model %s --no-such-option 3 -o %s -q", in(d, "dr"), in(d, "m.bin"), in(d, "f6"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "no-such-option"), "%s", err);
    CHECK(!ts_file_exists(in(d, "f6")));
    snprintf(cmd, sizeof cmd, "fill %s --model %s --in-window 3 -o %s -q", in(d, "dr"), in(d, "m.bin"), in(d, "f6"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* the options of training with a model file (used as it is): refused, even at their defaults */
    const char *train_only[] = {"--one-model", "--length 200", "--max-train 500000"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model %s %s -o %s -q", in(d, "dr"), in(d, "m.bin"), train_only[i], in(d, "f8"));
        CHECK(cli_refuses(cmd, 2, "model file", in(d, "f8"), err, sizeof err));
    }
    /* --threads is the command's own, not an option of the model */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --threads 1 -o %s -q", in(d, "dr"), in(d, "f8"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.03 --threads 1 -q > /dev/null", in(d, "t"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.03 --threads 1 --no-progress > /dev/null", in(d, "t"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "bench fill %s --model %s --one-model -q", in(d, "t"), in(d, "m.bin"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "model file"), "%s", err);
    /* a model of another alphabet (ingest's system call names) is refused, naming both */
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s", in(d, "t"), in(d, "calls"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "train --model ngram %s -o %s", in(d, "calls"), in(d, "calls.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model %s -o %s -q", in(d, "dr"), in(d, "calls.tsm"), in(d, "f7"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "calls.tsm") && strstr(err, in(d, "dr")) &&
                  strstr(err, "event names cover 0.0 %"), "%s", err);
    CHECK(!ts_file_exists(in(d, "f7")));
    /* a model file of windows of one event: each lost event is one window of its own (a
     * window of half its length, 0, never advanced) */
    {
        static const char *const names[] = {"sched_switch", "syscall_entry_read", "syscall_exit_read",
                                            "syscall_entry_write", "syscall_exit_write", "syscall_entry_poll",
                                            "syscall_exit_poll", "syscall_entry_ioctl", "syscall_exit_ioctl"};
        char v[1024] = "", *sv = malloc(40000);
        REQUIRE(sv);
        for (int i = 0; i < 9; i++)
            snprintf(v + strlen(v), sizeof v - strlen(v), "%d\t%s\t%d\n", i, names[i], 1);
        sv[0] = 0;
        for (int i = 0, o = 0; i < 3000; i++) o += snprintf(sv + o, 40000 - (size_t)o, "%d\n", i % 26 == 25 ? 0 : 1 + i % 8);
        mkdir(in(d, "one"), 0755);
        write_text(in(d, "one/vocab.tsv"), v);
        write_text(in(d, "one/stream.txt"), sv);
        free(sv);
    }
    snprintf(cmd, sizeof cmd, "train --model sssd-s4 %s --length 1 --blackout 1 --layers 1 --channels 4 --iters 2 --T 3 -o %s",
             in(d, "one"), in(d, "one.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "timeout 60 %s fill %s --model %s -o %s -q >/dev/null",
             getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", in(d, "dr"), in(d, "one.tsm"), in(d, "f8"));
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --one-model -o %s -q", in(d, "dr"), in(d, "f3"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    /* a training option and a run option of the model, each where it belongs; one
     * that is neither is refused */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --order 6 --in-window 3 -o %s -q", in(d, "dr"), in(d, "f4"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram --no-such-option 3 -o %s -q", in(d, "dr"), in(d, "f5"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "no-such-option"), "%s", err);   /* a usage error */
    counts c1 = {0, 0, 0}, c2 = {0, 0, 0};
    ts_scan_hooks h1 = {&c1, NULL, cnt_event, cnt_gap, 0, NULL}, h2 = {&c2, NULL, cnt_event, cnt_gap, 0, NULL};
    REQUIRE(ts_ctf_scan(in(d, "f1"), &h1) == 0 && ts_ctf_scan(in(d, "f2"), &h2) == 0);
    CHECK(c1.events == 5000 && c2.events == 5000 && c1.lost == c2.lost && c1.lost > 0);
    /* usage errors */
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 1.5", in(d, "t"), in(d, "x"));
    CHECK(run_cli(cmd, err, sizeof err) == 2);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram", in(d, "dr"));
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "-o OUT"));
    snprintf(cmd, sizeof cmd, "fill %s --model nosuchmodel -o %s -q", in(d, "dr"), in(d, "x"));
    CHECK(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "nosuchmodel"));
    /* a budget too short for the trace's events: the data's error (1), naming the trace, as
     * train names its dataset */
    snprintf(cmd, sizeof cmd, "fill %s --model mdm --budget 0.01s --layers 1 --channels 8 --state 4 --threads 1 -o %s "
             "-q", in(d, "dr"), in(d, "x"));
    char want[1024];
    snprintf(want, sizeof want, "tracesynth: error: %s: mdm: --budget 0.01 s leaves no time for one iteration", in(d, "dr"));
    int brc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(brc == 1 && strstr(err, want) == err && !ts_file_exists(in(d, "x")), "exit %d: %s", brc, err);
    /* the benchmark end to end */
    snprintf(cmd, sizeof cmd, "%s bench fill %s --rates 0.02 --burst-min 2 --burst-max 5 -q > %s",
             getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", in(d, "t"), in(d, "bench.txt"));
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "grep -q 'event accuracy' %s && grep -q 'per-thread count error' %s && "
             "grep -q 'entries without exit' %s && grep -q 'gaps perfectly filled' %s", in(d, "bench.txt"),
             in(d, "bench.txt"), in(d, "bench.txt"), in(d, "bench.txt"));
    CHECK(system(cmd) == 0);
    /* a rate too small to drop a burst of this trace: no gaps, no lost classes to sort */
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.0001 --burst-min 2 --burst-max 5 -q", in(d, "t"));
    CHECK_MSG(run_output(cmd, err, sizeof err) == 0 && !strstr(err, "runtime error"), "%s", err);
}

/* ingest of a filled CTF trace reads each reconstructed event as the event it stands for,
 * as it reads filled ftrace text, with a warning counting them; --no-reconstructed leaves
 * them out */
static void ingest_filled_ctf(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], out[4096];
    REQUIRE(drop_fixture(d) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s -q", in(d, "dr"), in(d, "f"));
    REQUIRE(run_cli(cmd, out, sizeof out) == 0);
    ts_ctf_opts all = {NULL, 0, TS_CTF_ALL, -1, 0, 0};
    ts_ctf_trace whole, dropped, filled, left;
    REQUIRE(ts_ctf_load(in(d, "t"), &all, &whole) == 0);
    REQUIRE(ts_ctf_load(in(d, "dr"), &all, &dropped) == 0);
    REQUIRE(ts_ctf_load(in(d, "f"), &all, &filled) == 0);
    CHECK(dropped.n < whole.n);
    CHECK_MSG(filled.n == whole.n, "%zu events in the filled trace, %zu in the whole one", filled.n, whole.n);
    size_t named = 0;
    for (size_t i = 0; i < filled.n; i++) named += strcmp(filled.names[i], TS_RECON_CLASS) != 0;
    CHECK(named == filled.n);
    /* one CPU's events: the reconstructed events counted are that CPU's, those read */
    REQUIRE(filled.reconstructed == whole.n - dropped.n);
    for (int cpu = 0; cpu < 2; cpu++) {
        ts_ctf_opts one = all;
        one.cpu = cpu;
        ts_ctf_trace f1, d1;
        REQUIRE(ts_ctf_load(in(d, "f"), &one, &f1) == 0);
        REQUIRE(ts_ctf_load(in(d, "dr"), &one, &d1) == 0);
        CHECK_MSG(f1.reconstructed == f1.n - d1.n, "CPU %d: %zu reconstructed counted, %zu read", cpu, f1.reconstructed,
                  f1.n - d1.n);
        ts_ctf_trace_free(&f1);
        ts_ctf_trace_free(&d1);
    }
    all.no_recon = 1;
    REQUIRE(ts_ctf_load(in(d, "f"), &all, &left) == 0);
    CHECK_MSG(left.n == dropped.n, "%zu events left, %zu recorded", left.n, dropped.n);
    ts_ctf_trace_free(&whole);
    ts_ctf_trace_free(&dropped);
    ts_ctf_trace_free(&filled);
    ts_ctf_trace_free(&left);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s -o %s", in(d, "f"), in(d, "ds"));
    CHECK(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "reconstructed by tracesynth fill") && strstr(out, "read as the events they stand for"), "%s",
              out);
    /* every gap's events read, reconstructed: none is said to be lost (per CPU too) */
    CHECK_MSG(!strstr(out, "discarded") && !strstr(out, "has gaps"), "%s", out);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --cpu 1 -o %s", in(d, "f"), in(d, "ds"));
    CHECK(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(!strstr(out, "discarded") && !strstr(out, "has gaps"), "%s", out);
    snprintf(cmd, sizeof cmd, "ingest --from ctf %s --no-reconstructed --channels -o %s", in(d, "f"), in(d, "ds"));
    CHECK(run_output(cmd, out, sizeof out) == 0);
    CHECK_MSG(strstr(out, "left out"), "%s", out);
    /* left out, they are gaps again */
    CHECK_MSG(strstr(out, "discarded") && strstr(out, "has gaps"), "%s", out);
}

/* a stream file corrupted in its middle (64 bytes of noise at byte 5000 of channel0_1): an
 * event's time jumps ahead and babeltrace2's muxer refuses the next one, naming no file.
 * One line naming the trace and the stream file of the event read last */
static void corrupt_stream_named(void)
{
    const char *src = shared_path("traces/lttng/many-threads");
    if (!src) { SKIP("the shared LTTng trace is not there"); return; }
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[6000], first[1024];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", src, in(d, "T"));
    REQUIRE(system(cmd) == 0);
    FILE *f = fopen(in(d, "T/channel0_1"), "r+b");
    REQUIRE(f);
    uint32_t x = 12345;   /* the same noise each run */
    unsigned char noise[64];
    for (int i = 0; i < 64; i++) { x = x * 1103515245u + 12345u; noise[i] = (unsigned char)(x >> 16); }
    CHECK(fseek(f, 5000, SEEK_SET) == 0 && fwrite(noise, 1, 64, f) == 64);
    fclose(f);
    const char *cmds[] = {"gaps %s -q", "ingest --from ctf %s -o %s -q", "drop %s -o %s -q"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, cmds[i], in(d, "T"), in(d, "ds"));
        int lines;
        const int rc = run_err_lines(cmd, first, sizeof first, &lines);
        CHECK_MSG(rc == 1 && lines == 1 && strstr(first, in(d, "T: ")) && strstr(first, "stream file ") &&
                      strstr(first, "T/channel0_"), "%s: exit %d, %d lines: %s", cmd, rc, lines, first);
    }
}

/* bad input: one error line naming the trace, a non-zero exit, no output left behind */
static void bad_input(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], first[1024];
    int lines;
    /* a stream file cut in the middle of a packet */
    fx_trace(in(d, "cut"), 0, 600, 0);
    REQUIRE(truncate(in(d, "cut/chan_1"), 3000) == 0);
    /* corrupt metadata */
    fx_trace(in(d, "meta"), 0, 100, 0);
    write_text(in(d, "meta/metadata"), "/* CTF 1.8 */\ntrace { major = 1; minor = 8; byte_order = le;\nstream { ");
    /* metadata that is neither CTF text nor packets (overwritten with something else) */
    fx_trace(in(d, "junk"), 0, 100, 0);
    write_text(in(d, "junk/metadata"), "\x7f" "ELF garbage, no signature\n");
    /* no trace at all */
    mkdir(in(d, "empty"), 0755);
    /* timestamps that go back: babeltrace2 refuses to order the trace */
    fx_trace(in(d, "back"), 0, 600, 1);
    /* a stream file shorter than its LTTng index says */
    fx_trace(in(d, "idx"), 0, 300, 0);
    mkdir(in(d, "idx/index"), 0755);
    {
        FILE *f = fopen(in(d, "idx/index/chan_0.idx"), "wb");
        unsigned char h[16] = {0xC1, 0xF1, 0xDC, 0xC1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 56}, e[56] = {0};
        fwrite(h, 1, 16, f);
        e[13] = 0x10;   /* a packet of 0x100000 bits: more than the file holds */
        fwrite(e, 1, 56, f);
        fclose(f);
    }
    /* libbabeltrace2 2.0's CTF metadata parser leaks 16 bytes when it rejects a metadata
     * file: not ours. tests/lsan.supp says so, matched through the library's frames only by
     * the slow unwinder (other builds ignore this) */
    char supp[PATH_MAX], lsan[PATH_MAX + 100];
    REQUIRE(realpath("tests/lsan.supp", supp));
    const char *was = getenv("LSAN_OPTIONS");
    char *saved = was ? strdup(was) : NULL;
    snprintf(lsan, sizeof lsan, "fast_unwind_on_malloc=0:print_suppressions=0:suppressions=%s", supp);
    setenv("LSAN_OPTIONS", lsan, 1);
    const char *bad[] = {"cut", "meta", "junk", "empty", "back", "idx", "nosuch"};
    const char *cmds[] = {"fill %s --model ngram -o %s -q", "drop %s -o %s -q", "gaps %s -q"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        for (size_t c = 0; c < 3; c++) {
            char args[2200];
            snprintf(args, sizeof args, cmds[c], in(d, bad[i]), in(d, "out"));
            snprintf(cmd, sizeof cmd, "%s", args);
            int rc = run_err_lines(cmd, first, sizeof first, &lines);
            CHECK_MSG(rc == 1 && lines == 1 && !strncmp(first, "tracesynth: error: ", 19) && strstr(first, bad[i]),
                      "%s: exit %d, %d lines: %s", args, rc, lines, first);
            /* a metadata file libbabeltrace2 rejects is named, and said to be the metadata */
            char meta[64];
            snprintf(meta, sizeof meta, "/%s/metadata: ", bad[i]);
            CHECK_MSG((strcmp(bad[i], "meta") && strcmp(bad[i], "junk")) || strstr(first, meta), "%s: %s", args, first);
            struct stat sb;
            CHECK(stat(in(d, "out"), &sb) != 0);
        }
    if (saved) setenv("LSAN_OPTIONS", saved, 1);
    else unsetenv("LSAN_OPTIONS");
    free(saved);
    /* counts each readable whose sum is not (2 x (2^63 - 2) passes 2^63 - 1, the totals of
     * gaps, fill and drop): refused at the gap that passes it, naming it, as ftrace's
     * markers are */
    fx_lost = fx_lost1 = 9223372036854775806ull;
    fx_trace(in(d, "sum"), 0, 600, 0);
    fx_lost = fx_lost1 = 0;
    ts_gap_list gl;
    CHECK(ts_gaps_find(in(d, "sum"), 0, &gl) == -1);
    CHECK_MSG(strstr(ts_error(), "sum: stream chan_") && strstr(ts_error(), "gap 1: ") && strstr(ts_error(), "2^63"),
              "%s", ts_error());
    const char *sum_cmds[] = {"fill %s --model ngram -o %s -q", "drop %s -o %s -q"};
    for (size_t c = 0; c < 2; c++) {
        char args[2200];
        snprintf(args, sizeof args, sum_cmds[c], in(d, "sum"), in(d, "out"));
        int rc = run_err_lines(args, first, sizeof first, &lines);
        CHECK_MSG(rc == 1 && lines == 1 && strstr(first, "sum: stream chan_") && strstr(first, "2^63"),
                  "%s: exit %d, %d lines: %s", args, rc, lines, first);
        CHECK(access(in(d, "out"), F_OK) != 0);
    }
}

/* a file of a CTF trace given for the trace (its metadata, a stream file): a regular file is
 * read as ftrace text, and such a file is said to be the CTF trace's, its directory named,
 * not refused as a malformed ftrace line or a NUL byte */
static void ctf_file_given(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char first[1024], dir[1100];
    int lines;
    fx_trace(in(d, "t"), 0, 200, 0);
    snprintf(dir, sizeof dir, "%s", in(d, "t"));
    const char *files[] = {"t/metadata", "t/chan_0"};
    const char *cmds[] = {"gaps %s -q", "fill %s --model ngram -o %s -q", "drop %s -o %s -q"};
    for (size_t i = 0; i < 2; i++)
        for (size_t c = 0; c < 3; c++) {
            char args[2200];
            snprintf(args, sizeof args, cmds[c], in(d, files[i]), in(d, "out.trace"));
            int rc = run_err_lines(args, first, sizeof first, &lines);
            CHECK_MSG(rc == 1 && lines == 1 && strstr(first, "CTF trace") && strstr(first, dir) &&
                          !strstr(first, "ftrace event line") && !strstr(first, "NUL"),
                      "%s: exit %d, %d lines: %s", args, rc, lines, first);
            CHECK(access(in(d, "out.trace"), F_OK) != 0);
        }
}

/* ---- a reconstruction made consistent with the trace around its gap ---- */
static char *pool[64];
static const char *pool_name(void *u, const char *name)
{
    (void)u;
    int i = 0;
    for (; i < 63 && pool[i]; i++) if (!strcmp(pool[i], name)) return pool[i];
    return pool[i] = ts_strdup(name);   /* the tests use far fewer than 63 names */
}
static void pool_free(void)
{
    for (int i = 0; i < 64; i++) { free(pool[i]); pool[i] = NULL; }
}
static ts_gap_side side_of(int64_t before, int64_t after, size_t n)
{
    ts_gap_side s;
    memset(&s, 0, sizeof s);
    s.tid_before = before;
    s.tid_after = after;
    s.after_kind = TS_EV_OTHER;
    s.before_max = n;
    return s;
}

static void consistent_threads(void)
{
    /* the thread before, a child between two switches, the thread after */
    const char *a[] = {"sched_wakeup", "sched_switch", "syscall_exit_clone", "syscall_entry_read", "syscall_exit_read",
                       "sched_switch", "irq_handler_entry"};
    size_t n = 7;
    int64_t t[7], nt[7], child = 30;
    ts_gap_side s = side_of(10, 20, n);
    s.mid = &child;
    s.n_mid = 1;
    CHECK(ts_gap_consistent(&s, a, n, pool_name, NULL, t, nt) == 1);
    CHECK(t[0] == 10 && t[1] == 10 && t[2] == 30 && t[4] == 30 && t[5] == 30 && t[6] == 20);
    CHECK(nt[1] == 30 && nt[5] == 20 && nt[0] == -1 && nt[3] == -1);
    /* no candidate: unknown */
    s.n_mid = 0;
    CHECK(ts_gap_consistent(&s, a, n, pool_name, NULL, t, nt) == 0);
    CHECK(t[2] == -1 && t[4] == -1 && t[6] == 20 && nt[1] == -1 && nt[5] == 20);
    /* the same thread before and after: still a new thread when it returns from clone */
    s = side_of(10, 10, n);
    s.mid = &child;
    s.n_mid = 1;
    CHECK(ts_gap_consistent(&s, a, n, pool_name, NULL, t, nt) == 1);
    CHECK(t[3] == 30 && nt[1] == 30 && nt[5] == 10 && t[6] == 10);
    /* else it left and came back */
    const char *a2[] = {"sched_wakeup", "sched_switch", "syscall_entry_read", "syscall_exit_read", "sched_switch",
                        "irq_handler_entry"};
    s = side_of(10, 10, 6);
    s.mid = &child;
    s.n_mid = 1;
    CHECK(ts_gap_consistent(&s, a2, 6, pool_name, NULL, t, nt) == 0);
    CHECK(t[2] == 10 && nt[1] == 10 && t[5] == 10);
    /* the threads differ and the segment does not begin with clone's exit: unknown */
    s = side_of(10, 20, 6);
    s.mid = &child;
    s.n_mid = 1;
    CHECK(ts_gap_consistent(&s, a2, 6, pool_name, NULL, t, nt) == 0);
    CHECK(t[2] == -1 && t[3] == -1 && nt[4] == 20 && t[5] == 20);
    /* no system call between the switches: the idle thread */
    const char *b[] = {"syscall_entry_read", "sched_switch", "irq_handler_entry", "sched_switch", "syscall_exit_read"};
    s = side_of(10, 20, 5);
    s.mid = &child;
    s.n_mid = 1;
    CHECK(ts_gap_consistent(&s, b, 5, pool_name, NULL, t, nt) == 0);
    CHECK(t[2] == 0 && nt[1] == 0 && nt[3] == 20 && t[4] == 20);
    /* the thread changed but the model put no switch: the last event becomes one */
    const char *c[] = {"syscall_entry_read", "syscall_exit_read", "irq_handler_entry"};
    s = side_of(10, 20, 3);
    ts_gap_consistent(&s, c, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(c[2], "sched_switch") && nt[2] == 20 && t[0] == 10);
    /* the thread changed in a trace that records no switch: none is put in; the gap's first
     * half (rounded down) is the thread before's, the rest the thread after's */
    const char *c4[] = {"syscall_entry_read", "syscall_exit_read", "syscall_entry_write", "syscall_exit_write",
                        "irq_handler_entry"};
    s = side_of(10, 20, 5);
    s.no_switches = 1;
    ts_gap_consistent(&s, c4, 5, pool_name, NULL, t, nt);
    CHECK_MSG(t[0] == 10 && t[1] == 10 && t[2] == 20 && t[3] == 20 && t[4] == 20, "%lld %lld %lld %lld %lld",
              (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3], (long long)t[4]);
    CHECK(!strcmp(c4[1], "syscall_exit_read") && !strcmp(c4[4], "irq_handler_entry") && nt[1] == -1 && nt[4] == -1);
    /* one event: the thread after's, the nearer guess at the gap's end */
    const char *c5[] = {"syscall_entry_read"};
    s = side_of(10, 20, 1);
    s.no_switches = 1;
    ts_gap_consistent(&s, c5, 1, pool_name, NULL, t, nt);
    CHECK(t[0] == 20 && nt[0] == -1 && !strcmp(c5[0], "syscall_entry_read"));
    /* the thread before is not known (the gap begins the CPU's events) and the model put no
     * switch: every event is of the thread after, which ran since no switch came after them */
    const char *c2[] = {"syscall_entry_read", "syscall_exit_read", "irq_handler_entry"};
    s = side_of(-1, 20, 3);
    ts_gap_consistent(&s, c2, 3, pool_name, NULL, t, nt);
    CHECK_MSG(t[0] == 20 && t[1] == 20 && t[2] == 20 && !strcmp(c2[2], "irq_handler_entry") && nt[2] == -1,
              "%lld %lld %lld, %s", (long long)t[0], (long long)t[1], (long long)t[2], c2[2]);
    /* with a switch in the gap, the events before it are of a thread nothing tells */
    const char *c3[] = {"syscall_entry_read", "sched_switch", "syscall_entry_write"};
    s = side_of(-1, 20, 3);
    ts_gap_consistent(&s, c3, 3, pool_name, NULL, t, nt);
    CHECK(t[0] == -1 && t[1] == -1 && nt[1] == 20 && t[2] == 20);
    /* neither side known: unknown */
    s = side_of(-1, -1, 3);
    ts_gap_consistent(&s, c2, 3, pool_name, NULL, t, nt);
    CHECK(t[0] == -1 && t[2] == -1);
    /* the thread before ran on another CPU from event 2 on: events 2.. are not its own */
    const char *d[] = {"syscall_entry_read", "syscall_exit_read", "syscall_entry_write", "syscall_exit_write",
                       "sched_switch", "syscall_entry_poll"};
    s = side_of(10, 20, 6);
    s.before_max = 2;
    ts_gap_consistent(&s, d, 6, pool_name, NULL, t, nt);
    CHECK(t[0] == 10 && t[1] == 10 && t[2] == -1 && t[3] == -1 && t[4] == -1 && nt[4] == 20 && t[5] == 20);
    /* and the thread after came from another CPU at event 5 */
    s = side_of(10, 20, 6);
    s.after_min = 6;
    ts_gap_consistent(&s, d, 6, pool_name, NULL, t, nt);
    CHECK(t[0] == 10 && t[3] == 10 && t[5] == -1);
    pool_free();
}

static void consistent_pairing(void)
{
    int64_t t[4], nt[4];
    /* the names of every LTTng version: a 32-bit task's calls before 2.6 are compat_sys_X */
    const char *call;
    CHECK(ts_gap_classify("compat_sys_read", &call) == TS_EV_ENTRY && call && !strcmp(call, "read"));
    CHECK(ts_gap_classify("sys_read", &call) == TS_EV_ENTRY && !strcmp(call, "read"));
    CHECK(ts_gap_classify("compat_syscall_exit_read", &call) == TS_EV_EXIT && !strcmp(call, "read"));
    CHECK(ts_gap_classify("exit_syscall", &call) == TS_EV_EXIT && !strcmp(call, ""));
    /* the thread is inside read when the gap begins: an entry cannot come first; the
     * cheapest fix turns the event before it into read's exit */
    const char *a[] = {"sched_wakeup", "syscall_entry_write", "syscall_exit_write"};
    ts_gap_side s = side_of(10, -1, 3);
    s.pending_before = "read";
    ts_gap_consistent(&s, a, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(a[0], "syscall_exit_read") && !strcmp(a[1], "syscall_entry_write") && !strcmp(a[2], "syscall_exit_write"));
    /* an exit of another call becomes read's */
    const char *b[] = {"syscall_exit_open", "syscall_entry_write", "syscall_exit_write"};
    ts_gap_consistent(&s, b, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(b[0], "syscall_exit_read") && !strcmp(b[1], "syscall_entry_write"));
    /* already consistent: nothing changes */
    const char *c[] = {"syscall_exit_read", "syscall_entry_write", "syscall_exit_write"};
    ts_gap_consistent(&s, c, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(c[0], "syscall_exit_read") && !strcmp(c[1], "syscall_entry_write") && !strcmp(c[2], "syscall_exit_write"));
    /* the first event after the gap is poll's exit: the gap ends inside poll */
    const char *d[] = {"syscall_entry_read", "syscall_exit_read", "syscall_entry_write"};
    s = side_of(10, 10, 3);
    s.after_kind = TS_EV_EXIT;
    s.after_call = "poll";
    ts_gap_consistent(&s, d, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(d[0], "syscall_entry_read") && !strcmp(d[1], "syscall_exit_read") && !strcmp(d[2], "syscall_entry_poll"));
    /* the same when only an event of no call can become poll's entry: an exit after the gap
     * that closes no open call is out of pairs as any other, not a lesser fault */
    const char *d2[] = {"syscall_entry_read", "syscall_exit_read", "irq_handler_entry"};
    ts_gap_consistent(&s, d2, 3, pool_name, NULL, t, nt);
    CHECK_MSG(!strcmp(d2[0], "syscall_entry_read") && !strcmp(d2[1], "syscall_exit_read") &&
                  !strcmp(d2[2], "syscall_entry_poll"),
              "%s %s %s", d2[0], d2[1], d2[2]);
    /* but a new thread's return from clone, the thread after the gap in no call when it
     * began, closes no call of its own: no entry made for it */
    const char *d3[] = {"syscall_entry_read", "syscall_exit_read", "sched_switch", "irq_handler_entry"};
    s = side_of(10, 20, 4);
    s.pending_after_known = 1;
    s.after_kind = TS_EV_EXIT;
    s.after_call = "clone";
    ts_gap_consistent(&s, d3, 4, pool_name, NULL, t, nt);
    CHECK_MSG(!strcmp(d3[3], "irq_handler_entry") && t[3] == 20, "%s %s %s %s", d3[0], d3[1], d3[2], d3[3]);
    /* the first event after is an entry: the gap must not end inside a call */
    const char *e[] = {"syscall_entry_read", "syscall_exit_read", "syscall_entry_write", "irq_handler_entry"};
    s = side_of(10, 10, 4);
    s.after_kind = TS_EV_ENTRY;
    s.after_call = "ioctl";
    ts_gap_consistent(&s, e, 4, pool_name, NULL, t, nt);
    CHECK(!strcmp(e[0], "syscall_entry_read") && !strcmp(e[3], "syscall_exit_write"));
    /* the names before LTTng 2.6: one exit_syscall closes any call */
    const char *f[] = {"sys_write", "sys_open", "exit_syscall"};
    s = side_of(10, -1, 3);
    s.pending_before = "read";
    s.old_names = 1;
    ts_gap_consistent(&s, f, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(f[0], "exit_syscall") && !strcmp(f[1], "sys_open") && !strcmp(f[2], "exit_syscall"));
    const char *g[] = {"exit_syscall", "sys_write", "exit_syscall"};
    ts_gap_consistent(&s, g, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(g[0], "exit_syscall") && !strcmp(g[1], "sys_write"));
    /* an exit with no call open, as an entry left without its exit, is out of pairs: the
     * thread is inside none when the gap begins, the model closes a write never entered;
     * the cheapest fix makes it write's entry (the exit after it then closes it) */
    const char *x1[] = {"syscall_entry_read", "syscall_exit_read", "syscall_exit_write", "syscall_exit_write"};
    s = side_of(10, 10, 4);
    ts_gap_consistent(&s, x1, 4, pool_name, NULL, t, nt);
    CHECK_MSG(!strcmp(x1[0], "syscall_entry_read") && !strcmp(x1[1], "syscall_exit_read") &&
              !strcmp(x1[2], "syscall_entry_write") && !strcmp(x1[3], "syscall_exit_write"),
              "%s %s %s %s", x1[0], x1[1], x1[2], x1[3]);
    /* an exit of another call than the one open: read's exit */
    const char *x2[] = {"syscall_entry_read", "syscall_exit_write", "syscall_entry_close", "syscall_exit_close"};
    s = side_of(10, 10, 4);
    ts_gap_consistent(&s, x2, 4, pool_name, NULL, t, nt);
    CHECK_MSG(!strcmp(x2[1], "syscall_exit_read") && !strcmp(x2[2], "syscall_entry_close"), "%s %s", x2[1], x2[2]);
    /* the thread before is inside no call: an exit first is not read as the exit of a call
     * open before the gap */
    const char *x3[] = {"syscall_exit_open", "syscall_exit_open", "syscall_entry_write", "syscall_exit_write"};
    s = side_of(10, 10, 4);
    s.after_kind = TS_EV_ENTRY;
    s.after_call = "poll";
    ts_gap_consistent(&s, x3, 4, pool_name, NULL, t, nt);
    CHECK_MSG(!strcmp(x3[0], "syscall_entry_open") && !strcmp(x3[1], "syscall_exit_open"), "%s %s", x3[0], x3[1]);
    /* which call it is inside is not known: an exit first may close one, and stays */
    const char *x4[] = {"syscall_exit_open", "syscall_entry_write", "syscall_exit_write"};
    s = side_of(10, 10, 3);
    s.pending_unknown = 1;
    ts_gap_consistent(&s, x4, 3, pool_name, NULL, t, nt);
    CHECK(!strcmp(x4[0], "syscall_exit_open") && !strcmp(x4[1], "syscall_entry_write"));
    /* an unknown thread is left alone */
    const char *h[] = {"syscall_entry_write", "syscall_entry_read"};
    s = side_of(-1, -1, 2);
    ts_gap_consistent(&s, h, 2, pool_name, NULL, t, nt);
    CHECK(!strcmp(h[0], "syscall_entry_write") && !strcmp(h[1], "syscall_entry_read") && t[0] == -1);
    /* a long gap of one thread, inside read when it begins, inside poll when it ends, with
     * an exit missing in the middle: paired through the whole of it as a short one is */
    enum { LONG = 5000 };
    const char **l = malloc(LONG * sizeof *l);
    int64_t *lt = malloc(2 * LONG * sizeof *lt);
    l[0] = "syscall_exit_read";
    for (size_t j = 1; j < LONG; j++) l[j] = j % 2 ? "syscall_entry_write" : "syscall_exit_write";
    l[LONG / 2 + 1] = "syscall_entry_close";   /* write's exit missing, close entered */
    l[0] = "sched_wakeup";                      /* read's exit missing */
    s = side_of(10, 10, LONG);
    s.pending_before = "read";
    s.after_kind = TS_EV_EXIT;
    s.after_call = "poll";
    ts_gap_consistent(&s, l, LONG, pool_name, NULL, lt, lt + LONG);
    const char *inside = "read";
    size_t bad = 0, renamed = 0;
    for (size_t j = 0; j < LONG; j++) {
        const char *lc;
        ts_ev_kind k = ts_gap_classify(l[j], &lc);
        if (k == TS_EV_ENTRY) {
            bad += inside != NULL;
            inside = lc;
        } else if (k == TS_EV_EXIT) {
            bad += !inside || strcmp(inside, lc);
            inside = NULL;
        }
        renamed += j == 0 || j == LONG / 2 + 1 || j == LONG - 1 ? 0 : strcmp(l[j], j % 2 ? "syscall_entry_write" : "syscall_exit_write") != 0;
    }
    CHECK_MSG(bad == 0 && inside && !strcmp(inside, "poll") && renamed <= 2 && lt[0] == 10 && lt[LONG - 1] == 10,
              "%zu events out of pairs, the gap ends inside %s, %zu others renamed", bad, inside ? inside : "none", renamed);
    free(l);
    free(lt);
    pool_free();
}

/* drop and fill replace their output as a whole: when the last move fails, the trace that
 * was there stays as it was, and nothing else is left beside it */
static void output_replaced_whole(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], out[600], keep[700];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(out, sizeof out, "%s/out", d);
    snprintf(keep, sizeof keep, "%s/out/keep.txt", d);
    fx_trace(t, 0, 400, 0);
    ts_rw_hooks h = {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL};
    REQUIRE(ts_ctf_rewrite(t, out, &h) == 0);
    write_text(keep, "old\n");
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    fail_rename_to = out;
    CHECK(ts_ctf_drop(t, out, &dop, &st) == -1);
    CHECK_MSG(strstr(ts_error(), "cannot replace") != NULL, "%s", ts_error());
    CHECK(ts_file_exists(keep) && ts_file_exists(in(out, "metadata")));
    CHECK_MSG(count_dir(d) == 2, "%d entries", count_dir(d));   /* t and out: no stage, no old copy */
    fail_rename_to = NULL;
    REQUIRE(ts_ctf_drop(t, out, &dop, &st) == 0);
    CHECK(st.dropped > 0 && !ts_file_exists(keep) && count_dir(d) == 2);
    ts_drop_stats_free(&st);
    /* "OUT/" is OUT */
    char outs[700];
    snprintf(outs, sizeof outs, "%s/", out);
    CHECK(ts_ctf_rewrite(t, outs, &h) == 0 && count_dir(d) == 2);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* gaps a few events apart: each gap's left context runs through the earlier gap's
 * reconstruction, not through the events before it as if nothing were lost between */
static void close_gaps(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], dr[600], fl[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    fx_trace(t, 0, 6000, 0);
    ts_drop_opts dop = {0.35, 2, 5, 11, 0, 1, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    fo.record = 1;   /* the names are compared */
    fo.seed = 1;
    fo.context = 8;
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(dr, fl, &fo, &fr) == 0);
    size_t hit = 0, tot = 0;
    for (size_t i = 0; i < st.n_gaps; i++)
        for (size_t j = 0; j < fr.n; j++)
            if (fr.gaps[j].cpu == st.gaps[i].cpu && fr.gaps[j].index == st.gaps[i].index)
                for (size_t k = 0; k < st.gaps[i].n && k < fr.gaps[j].n; k++, tot++)
                    hit += !strcmp(fr.gaps[j].names[k], st.gaps[i].names[k]);
    CHECK(tot == st.dropped);
    /* 90.9 %; 89.0 % when the events before an earlier gap were read as adjacent */
    CHECK_MSG(hit >= tot * 9 / 10, "%zu of %zu events right", hit, tot);
    ts_fill_result_free(&fr);
    ts_drop_stats_free(&st);
}

/* a model file that names events the trace lacks: its reconstruction of a gap holds them,
 * and the next gap close after it reads that reconstruction as its left context; the
 * model's IDs of those names are read (the map from the trace's names to the model's was
 * sized for the trace's names alone and read past its end) */
static void close_gaps_model_names(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char a[600], am[600], af[600], t[600], dr[600], fl[600];
    snprintf(a, sizeof a, "%s/a", d);
    snprintf(am, sizeof am, "%s/a.tsm", d);
    snprintf(af, sizeof af, "%s/a-filled", d);
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(dr, sizeof dr, "%s/dropped", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    /* trace a: ioctl is named ioctl2 (the same fields) */
    fx_trace(a, 0, 6000, 0);
    FILE *f = fopen(in(a, "metadata"), "rb");
    REQUIRE(f);
    static char m[16384], m2[16400];
    size_t n = fread(m, 1, sizeof m - 1, f);
    fclose(f);
    m[n] = 0;
    size_t o = 0;
    for (const char *p = m; *p;) {
        if (!strncmp(p, "ioctl\"", 6)) { memcpy(m2 + o, "ioctl2\"", 7); o += 7; p += 6; }
        else m2[o++] = *p++;
    }
    m2[o] = 0;
    REQUIRE(strstr(m2, "syscall_exit_ioctl2"));
    write_text(in(a, "metadata"), m2);
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    fo.record = 1;   /* the names are compared */
    fo.seed = 1;
    fo.context = 8;
    fo.save_model = am;
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(a, af, &fo, &fr) == 0);
    ts_fill_result_free(&fr);

    fx_trace(t, 0, 6000, 0);
    ts_drop_opts dop = {0.35, 2, 5, 11, 0, 1, NULL};
    ts_drop_stats st;
    REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
    fo.model = am;
    fo.save_model = NULL;
    REQUIRE(ts_ctf_fill(dr, fl, &fo, &fr) == 0);
    size_t other = 0, tot = 0;
    for (size_t j = 0; j < fr.n; j++)
        for (size_t k = 0; k < fr.gaps[j].n; k++, tot++) other += strstr(fr.gaps[j].names[k], "ioctl2") != NULL;
    CHECK(tot == st.dropped);
    CHECK_MSG(other > 0, "no reconstructed event named by the model alone (of %zu)", tot);
    ts_fill_result_free(&fr);
    ts_drop_stats_free(&st);
}

/* a CPU with too few held-out events for a window of its own: its confidence is still
 * measured (on the other CPU's held-out windows, or on a shorter stretch of its own), not
 * the flat 0.5 that stands for "nothing measured" */
static void small_cpu_confidence(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    for (int both_small = 0; both_small < 2; both_small++) {
        char t[600], dr[600], fl[600];
        snprintf(t, sizeof t, "%s/t%d", d, both_small);
        snprintf(dr, sizeof dr, "%s/dropped%d", d, both_small);
        snprintf(fl, sizeof fl, "%s/filled%d", d, both_small);
        fx_n1 = 1000;
        fx_trace(t, 0, both_small ? 1500 : 4000, 0);
        fx_n1 = 0;
        ts_drop_opts dop = {0.04, 3, 8, 5, 0, 0, NULL};
        ts_drop_stats st;
        REQUIRE(ts_ctf_drop(t, dr, &dop, &st) == 0);
        ts_fill_opts fo;
        memset(&fo, 0, sizeof fo);
        fo.model = "ngram";
        fo.record = 1;   /* the confidences are read */
        fo.seed = 1;
        ts_fill_result fr;
        REQUIRE(ts_ctf_fill(dr, fl, &fo, &fr) == 0);
        size_t n1 = 0, flat = 0;
        for (size_t j = 0; j < fr.n; j++)
            for (size_t k = 0; k < fr.gaps[j].n; k++) {
                CHECK(fr.gaps[j].conf[k] >= 0 && fr.gaps[j].conf[k] <= 1);
                if (fr.gaps[j].cpu != 1) continue;
                n1++;
                flat += fr.gaps[j].conf[k] == 0.5;
            }
        CHECK_MSG(n1 > 0 && flat == 0, "%zu of CPU 1's %zu reconstructed events at 0.5 (both small: %d)", flat, n1, both_small);
        ts_fill_result_free(&fr);
        ts_drop_stats_free(&st);
    }
}

/* the count error against a truth without system call entries: none filled is no error,
 * any filled is an error no share of none measures (NaN, never 0: perfect) */
static void count_error_no_truth(void)
{
    int64_t tid[] = {7}, one[] = {3}, zero[] = {0};
    ts_sc_analysis none = {NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0}, idle = {tid, zero, 1, 0, 0, 0, 0, 0, 0, 0},
                   some = {tid, one, 1, 3, 3, 0, 0, 0, 0, 0};
    CHECK(ts_sc_count_error(&none, &none) == 0.0);
    CHECK(ts_sc_count_error(&idle, &none) == 0.0);
    CHECK(ts_sc_count_error(&none, &idle) == 0.0);
    CHECK(isnan(ts_sc_count_error(&none, &some)));
    CHECK(isnan(ts_sc_count_error(&idle, &some)));
    CHECK_NEAR(ts_sc_count_error(&some, &none), 1.0, 0);
}

/* a gap too long to reconstruct is left as the tracer reported it and counted in the
 * result (the library prints nothing; fill's command warns) */
static void too_long_gap_counted(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], fl[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(fl, sizeof fl, "%s/filled", d);
    fx_lost = 20000000;
    fx_trace(t, 0, 3000, 0);
    fx_lost = 0;
    ts_fill_opts fo;
    memset(&fo, 0, sizeof fo);
    fo.model = "ngram";
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(t, fl, &fo, &fr) == 0);
    CHECK_MSG(fr.too_long == 1 && fr.too_long_events == 20000000 && fr.reconstructed == 0,
              "%llu gaps too long (%llu events), %llu reconstructed", (unsigned long long)fr.too_long,
              (unsigned long long)fr.too_long_events, (unsigned long long)fr.reconstructed);
    ts_fill_result_free(&fr);
    char cmd[1400], err[512];
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s/filled2 -q", t, d);
    CHECK(run_cli(cmd, err, sizeof err) == 0);
    snprintf(cmd, sizeof cmd, "%s fill %s --model ngram -o %s/filled3 -q 2>&1 >/dev/null | grep -c 'more than 2^24 events (20000000 events) left unfilled'",
             getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth", t, d);
    FILE *p = popen(cmd, "r");
    REQUIRE(p);
    char line[64] = "";
    CHECK(fgets(line, sizeof line, p) && atoi(line) == 1);
    pclose(p);
}

/* --text and --save-model are written beside the new trace, never over a file of the input
 * trace or of the output (a CTF trace's metadata, a stream, the output itself): such a
 * path is refused before anything is read or trained, and every file stays as it was */
static void side_outputs_apart(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[512];
    REQUIRE(drop_fixture(d) == 0);
    char meta[1200];
    snprintf(meta, sizeof meta, "%s", in(in(d, "dr"), "metadata"));
    struct stat before;
    REQUIRE(stat(meta, &before) == 0);
    const char *opt[] = {"--text", "--save-model"};
    for (int i = 0; i < 2; i++) {
        /* the input trace's metadata */
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s %s %s -q", in(d, "dr"), in(d, "f"), opt[i], meta);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, opt[i]) && strstr(err, "input trace"), "%s: %s", opt[i], err);
        struct stat now;
        CHECK(stat(meta, &now) == 0 && now.st_size == before.st_size && now.st_mtime == before.st_mtime);
        CHECK(!ts_file_exists(in(d, "f")));
        /* a new file in the output's directory (its metadata, or beside its streams) */
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s %s %s/metadata -q", in(d, "dr"), in(d, "f"), opt[i], in(d, "f"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, opt[i]) && strstr(err, "output"), "%s: %s", opt[i], err);
        /* the output itself */
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s %s %s -q", in(d, "dr"), in(d, "f"), opt[i], in(d, "f"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, opt[i]) && strstr(err, "output"), "%s: %s", opt[i], err);
        CHECK(!ts_file_exists(in(d, "f")));
    }
    /* a text file that cannot be made: refused before the work, no trace written */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text %s -q", in(d, "dr"), in(d, "f"), in(d, "no/f.txt"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "no/f.txt: cannot create"), "%s", err);
    CHECK(!ts_file_exists(in(d, "f")));
    /* both to one file: the text would replace the model */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text %s --save-model %s -q", in(d, "dr"), in(d, "f"),
             in(d, "both"), in(d, "both"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 2 && strstr(err, "--save-model"), "%s", err);
    CHECK(!ts_file_exists(in(d, "both")) && !ts_file_exists(in(d, "f")));
    /* apart, both are written */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text %s --save-model %s -q", in(d, "dr"), in(d, "f"),
             in(d, "f.txt"), in(d, "f.tsm"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(ts_file_exists(in(d, "f.txt")) && ts_file_exists(in(d, "f.tsm")) && ts_file_exists(in(in(d, "f"), "metadata")));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* a --text file that cannot be written is refused before the work: it was found after
 * the new trace was written and its summary printed, which left the trace behind */
static void text_checked_first(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], out[4096], err[512];
    REQUIRE(drop_fixture(d) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text %s -q", in(d, "dr"), in(d, "f"),
             in(in(d, "nodir"), "f.txt"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "nodir/f.txt") && !strstr(out, "fill: "), "%s", out);
    CHECK(!ts_file_exists(in(d, "f")));
    /* beside the new trace in a folder that is not there: refused, as the trace itself
     * is, and nothing made */
    char res[1300];
    snprintf(res, sizeof res, "%s", in(d, "res"));
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s/f --text %s/f.txt -q", in(d, "dr"), res, res);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "res/f"), "%s", err);
    CHECK(!ts_file_exists(res));
    /* in a folder that is there: both written */
    mkdir(res, 0755);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s", out);
    CHECK(ts_file_exists(in(res, "f.txt")) && ts_file_exists(in(res, "f/metadata")));
    /* written again: the text replaced beside the trace keeps its mode */
    REQUIRE(chmod(in(res, "f.txt"), 0640) == 0);
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0, "%s", out);
    struct stat st;
    CHECK_MSG(stat(in(res, "f.txt"), &st) == 0 && (st.st_mode & 0777) == 0640, "mode %03o", (unsigned)(st.st_mode & 0777));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* --text FILE named .gz is written gzip-compressed, as -o OUT named .gz is: gzip's magic,
 * and a plain --text's bytes once decompressed, beside the new trace and in another folder */
static void text_gz_compressed(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[512];
    REQUIRE(drop_fixture(d) == 0);
    REQUIRE(mkdir(in(d, "sub"), 0755) == 0);
    const char *text[3] = {"f.txt", "f.txt.gz", "sub/f.txt.gz"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text %s -q", in(d, "dr"), in(d, "f"), in(d, text[i]));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
    for (int i = 1; i < 3; i++) {
        unsigned char m[2] = {0, 0};
        FILE *f = fopen(in(d, text[i]), "rb");
        CHECK_MSG(f && fread(m, 1, 2, f) == 2 && m[0] == 0x1f && m[1] == 0x8b, "%s: not gzip", text[i]);
        if (f) fclose(f);
        /* each fill's trace has a UUID of its own, named in babeltrace2's warnings */
        snprintf(cmd, sizeof cmd, "gzip -dc %s | sed 's/UUID: [0-9a-f-]*//' >%s && sed 's/UUID: [0-9a-f-]*//' %s | cmp -s - %s",
                 in(d, text[i]), in(d, "z.txt"), in(d, text[0]), in(d, "z.txt"));
        CHECK_MSG(system(cmd) == 0, "%s: not %s compressed", text[i], text[0]);
    }
}

/* fill --text - whose reader has gone (fill ... --text - | head -1): the new trace is
 * written, and the command ends as a Unix tool whose reader goes away, on SIGPIPE and
 * without a message (it said babeltrace2 could not print the trace, and exited 1) */
static void text_reader_gone(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture(d) == 0);
    const char *bin = getenv("TRACESYNTH");
    if (!bin) bin = "build/tracesynth";
    char errf[700];
    snprintf(errf, sizeof errf, "%s", in(d, "err.txt"));
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);   /* the reader has gone before a byte is written: SIGPIPE on the first */
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (e < 0 || dup2(fds[1], 1) < 0 || dup2(e, 2) < 0) _exit(126);
        signal(SIGPIPE, SIG_DFL);
        execl(bin, bin, "fill", in(d, "dr"), "--model", "unigram", "-o", in(d, "f"), "--text", "-", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    char text[4096] = "";
    FILE *f = fopen(errf, "r");
    if (f) {
        text[fread(text, 1, sizeof text - 1, f)] = 0;
        fclose(f);
    }
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status %d: %s", st, text);
    CHECK_MSG(!strstr(text, "error") && strstr(text, "fill: "), "%s", text);
    ts_scan_hooks h;
    memset(&h, 0, sizeof h);
    CHECK_MSG(ts_file_exists(in(in(d, "f"), "metadata")) && ts_ctf_scan(in(d, "f"), &h) == 0, "%s", ts_error());
}

/* an output directory that holds the input trace (a trace kept inside another) is
 * refused: replaced in whole, it would take the input with it */
static void output_holds_the_input(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char outer[600], inner[700];
    snprintf(outer, sizeof outer, "%s/outer", d);
    snprintf(inner, sizeof inner, "%s/outer/inner", d);
    fx_trace(outer, 0, 400, 0);
    fx_trace(inner, 0, 400, 0);
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    CHECK_MSG(ts_ctf_drop(inner, outer, &dop, &st) == -1 && strstr(ts_error(), "would replace the input"), "%s", ts_error());
    char outs[700];
    snprintf(outs, sizeof outs, "%s/", outer);
    CHECK_MSG(ts_ctf_drop(inner, outs, &dop, &st) == -1 && strstr(ts_error(), "would replace the input"), "%s", ts_error());
    CHECK(ts_file_exists(in(inner, "metadata")));
    /* a trace beside the input's is written */
    REQUIRE(ts_ctf_drop(inner, in(outer, "beside"), &dop, &st) == 0);
    ts_drop_stats_free(&st);
    CHECK(ts_file_exists(in(inner, "metadata")) && ts_file_exists(in(in(outer, "beside"), "metadata")));
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* an output inside the input trace (its folder, one in it, one not there yet, by a link)
 * is refused before any work, nothing made there: the input would hold a trace of its own */
static void output_inside_the_input(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char t[600], link[600];
    snprintf(t, sizeof t, "%s/t", d);
    snprintf(link, sizeof link, "%s/lt", d);
    fx_trace(t, 0, 400, 0);
    REQUIRE(symlink("t", link) == 0);
    const int before = count_dir(t);
    char outs[4][700];
    snprintf(outs[0], sizeof outs[0], "%s/x", t);
    snprintf(outs[1], sizeof outs[1], "%s/a/b", t);
    snprintf(outs[2], sizeof outs[2], "%s/x", link);
    snprintf(outs[3], sizeof outs[3], "%s/index/x", t);
    for (int i = 0; i < 4; i++) {
        char cmd[3500], err[512];
        snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s -q", t, outs[i]);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, outs[i]) && strstr(err, "inside the input trace"),
                  "%s: %s", outs[i], err);
        ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
        ts_drop_stats st;
        CHECK_MSG(ts_ctf_drop(t, outs[i], &dop, &st) == -1 && strstr(ts_error(), "inside the input trace"), "%s",
                  ts_error());
        CHECK_MSG(count_dir(t) == before && !ts_file_exists(in(t, "a")), "%s: made in the input", outs[i]);
    }
    /* beside it, and under a name that only begins as the input's does, it is written */
    char cmd[3000], err[512];
    snprintf(cmd, sizeof cmd, "%s2", t);
    mkdir(cmd, 0755);
    snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s2/x -q", t, t);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* OUT a link to a trace (latest -> runs/2): the trace it leads to is replaced and the
 * link kept, as for a file output; it failed after the work ("is not a directory"). A link
 * to the input trace is refused before the work, a link to a place not there yet made */
static void output_by_a_link(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[512], lnk[700];
    REQUIRE(drop_fixture(d) == 0);
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.01 -q", in(d, "t"), in(d, "old"));
    REQUIRE(run_cli(cmd, err, sizeof err) == 0);
    snprintf(lnk, sizeof lnk, "%s", in(d, "latest"));
    REQUIRE(symlink("old", lnk) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s -q", in(d, "dr"), lnk);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    struct stat st;
    CHECK(lstat(lnk, &st) == 0 && S_ISLNK(st.st_mode));
    ts_gap_list gl;
    REQUIRE(ts_gaps_find(in(d, "old"), 0, &gl) == 0);
    CHECK_MSG(gl.recon > 0, "the trace the link leads to was not replaced");
    ts_gap_list_free(&gl);
    /* drop too, and a link to a place not there yet */
    unlink(lnk);
    REQUIRE(symlink("new", lnk) == 0);
    snprintf(cmd, sizeof cmd, "drop %s -o %s -q", in(d, "t"), lnk);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s", err);
    CHECK(lstat(lnk, &st) == 0 && S_ISLNK(st.st_mode) && ts_file_exists(in(d, "new/metadata")));
    /* a link to the input */
    unlink(lnk);
    REQUIRE(symlink("dr", lnk) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s", in(d, "dr"), lnk);
    char out[4096];
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "replace the input") && !strstr(out, "fill: read"),
              "%s", out);
    CHECK(lstat(lnk, &st) == 0 && S_ISLNK(st.st_mode) && ts_file_exists(in(d, "dr/metadata")));
}

/* an input that is no trace (a dataset's window file, a text of bad lines at its end) is an
 * error of one line: fill's progress line says the input once it has been read whole, drop
 * says nothing before its error; a good one is said as read */
static void read_error_one_line(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[1024], out[4096];
    REQUIRE(drop_fixture(d) == 0);
    FILE *f = fopen(in(d, "bad.trace"), "w");
    REQUIRE(f);
    fputs("# tracer: nop\n          <idle>-0     [000] d..1  100.000001: sched_switch: prev_comm=a prev_pid=1 "
          "prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120\nnot a line of ftrace\n", f);
    fclose(f);
    const char *inputs[] = {"tests/fixtures/models/ds/stream.txt", in(d, "bad.trace")};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s", inputs[i], in(d, "x"));
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err, "%s: exit %d: %s", cmd, rc, err);
        snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.1", inputs[i], in(d, "x"));
        rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err, "%s: exit %d: %s", cmd, rc, err);
    }
    snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s", in(d, "dr"), in(d, "x"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 0 && strstr(out, "fill: read "), "%s", out);
}

/* ftrace text written into a CTF trace's folder (-o TRACE/x.trace) would be read by
 * babeltrace2 as one of its streams, the trace no longer opened: refused before the work,
 * as the other outputs among a trace's files are; the trace opens as before */
static void text_output_not_in_a_trace(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[1024], out[700];
    fx_trace(in(d, "t"), 0, 400, 0);
    snprintf(out, sizeof out, "%s/x.trace", in(d, "t"));
    const char *cmds[] = {"drop tests/data/ftrace_pipe.trace.gz -o %s --rate 0.1 -q",
                          "fill tests/data/ftrace_pipe.trace.gz --model unigram -o %s -q"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, cmds[i], out);
        int rc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(rc == 1 && strstr(err, out) && strstr(err, "in the folder of the CTF trace"), "%s: exit %d: %s", cmd,
                  rc, err);
        CHECK(!ts_file_exists(out));
    }
    ts_gap_list gl;
    CHECK_MSG(ts_gaps_find(in(d, "t"), 0, &gl) == 0, "%s", ts_error());
    ts_gap_list_free(&gl);
}

/* a training that fails for the trace's events (two events: too few for sssd-s4) is an error
 * of one line: the lines that said the input read and the model's training stay unsaid */
static void training_error_one_line(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], err[1024];
    FILE *f = fopen(in(d, "few.trace"), "w");
    REQUIRE(f);
    fputs("# tracer: nop\n <idle>-0 [000] d..1 100.000001: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 "
          "prev_state=S ==> next_comm=b next_pid=2 next_prio=120\nCPU:0 [LOST 5 EVENTS]\n <idle>-0 [000] d..1 "
          "100.000003: sched_switch: prev_comm=b prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=a next_pid=1 "
          "next_prio=120\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "fill %s --model sssd-s4 --threads 1 -o %s", in(d, "few.trace"), in(d, "x.trace"));
    int rc = run_output(cmd, err, sizeof err);
    const char *nl = strchr(err, '\n');
    CHECK_MSG(rc == 1 && strstr(err, "tracesynth: error: ") == err && strstr(err, "too few events") && nl && !nl[1],
              "exit %d: %s", rc, err);
    CHECK(!ts_file_exists(in(d, "x.trace")));
}

/* OUT an existing trace that drop and fill did not write (a recorded one) is refused before
 * the work and kept as it was: replaced, it would be lost with nothing to make it again.
 * One they wrote is replaced, as a file output is */
static void recorded_trace_kept(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture(d) == 0);
    fx_trace(in(d, "rec"), 0, 2500, 0);   /* the same events as t: compared with it after */
    char cmd[3000], err[512];
    const char *cmds[] = {"drop %s -o %s -q", "fill %s --model unigram -o %s -q"};
    const char *from[] = {"t", "dr"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, cmds[i], in(d, from[i]), in(d, "rec"));
        CHECK_MSG(cli_refuses(cmd, 1, "not replaced", NULL, err, sizeof err) && strstr(err, "/rec: "), "%s", err);
        CHECK(files_equal(in(d, "rec/chan_0"), in(d, "t/chan_0")) && files_equal(in(d, "rec/chan_1"), in(d, "t/chan_1")) &&
              files_equal(in(d, "rec/metadata"), in(d, "t/metadata")) && count_dir(in(d, "rec")) == count_dir(in(d, "t")));
    }
    /* drop's output, then fill's, then drop's again over them */
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, cmds[i & 1], in(d, from[i & 1]), in(d, "out"));
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0, "%s: %s", cmd, err);
    }
}

/* --no-progress, as every other command spells it, is -q's other name in drop and gaps
 * too (fill, ingest, bench fill took it; these refused it as unknown) */
static void no_progress_everywhere(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 600, 0);
    char cmd[3000], err[512];
    snprintf(cmd, sizeof cmd, "drop %s -o %s --rate 0.03 --burst-min 2 --burst-max 6 --no-progress", in(d, "t"), in(d, "dr"));
    /* (a note on the share dropped may come: not progress) */
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && (!err[0] || strstr(err, "tracesynth: note: drop: ") == err), "%s", err);
    snprintf(cmd, sizeof cmd, "gaps %s --no-progress", in(d, "dr"));
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && !err[0], "%s", err);
}

/* a CTF output's folder is not made for it, as no other output's is: made before the work,
 * it stayed behind when the input was then found bad; the error names OUT */
static void output_folder_not_made(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 400, 0);
    mkdir(in(d, "bad"), 0755);
    write_text(in(d, "bad/metadata"), "/* CTF 1.8 */ not metadata\n");
    const char *ins[2] = {"t", "bad"};
    const char *cmds[2] = {"fill %s --model unigram -o %s -q", "drop %s -o %s -q"};
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 2; c++) {
            char out[700], cmd[3000], err[512];
            snprintf(out, sizeof out, "%s/n1/n2/o", d);
            snprintf(cmd, sizeof cmd, cmds[c], in(d, ins[i]), out);
            CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && (i || strstr(err, "n1/n2/o")), "%s: %s", cmd, err);
            CHECK_MSG(!ts_file_exists(in(d, "n1")), "%s: n1 made", cmd);
        }
    ts_drop_opts dop = {0.05, 3, 8, 7, 0, 0, NULL};
    ts_drop_stats st;
    CHECK(ts_ctf_drop(in(d, "t"), in(d, "n1/o"), &dop, &st) == -1 && !ts_file_exists(in(d, "n1")));
    CHECK(ts_trace_rewrite_check(in(d, "t"), in(d, "n1/o")) == -1 && !ts_file_exists(in(d, "n1")));
    /* a folder that is there: written */
    CHECK(ts_ctf_drop(in(d, "t"), in(d, "o"), &dop, &st) == 0);
    ts_drop_stats_free(&st);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    CHECK(system(cmd) == 0);
}

/* gaps, drop and fill writing their progress into a log (stderr a file, not a terminal):
 * whole lines, as the progress bars write there, never a line redrawn with carriage
 * returns (the events read, the gaps reconstructed) */
static void progress_in_a_log(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 2500, 0);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmds[3][1400];
    snprintf(cmds[0], sizeof cmds[0], "drop %s -o %s --rate 0.03 --burst-min 2 --burst-max 6", in(d, "t"), in(d, "dr"));
    snprintf(cmds[1], sizeof cmds[1], "gaps %s", in(d, "dr"));
    snprintf(cmds[2], sizeof cmds[2], "fill %s --model unigram -o %s", in(d, "dr"), in(d, "f"));
    for (int i = 0; i < 3; i++) {
        char cmd[8192], log[1200], text[8192];
        snprintf(log, sizeof log, "%s/log%d", d, i);
        snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>%s", bin, cmds[i], log);
        REQUIRE(system(cmd) == 0);
        FILE *f = fopen(log, "rb");
        REQUIRE(f);
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = 0;
        CHECK_MSG(n > 0 && strstr(text, "events"), "%s: no progress: %s", cmds[i], text);
        CHECK_MSG(!memchr(text, '\r', n), "%s: a carriage return in the log: %s", cmds[i], text);
        CHECK_MSG(n == 0 || text[n - 1] == '\n', "%s: a line left open: %s", cmds[i], text);
    }
}

/* a --save-model file that cannot be written is refused before the models are trained
 * (minutes for mdm), as the output is: it was found once they were */
static void save_model_checked_first(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], out[4096], err[512];
    REQUIRE(drop_fixture(d) == 0);
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --save-model %s", in(d, "dr"), in(d, "f"),
             in(in(d, "nodir"), "m.tsm"));
    CHECK_MSG(run_output(cmd, out, sizeof out) == 1 && strstr(out, "nodir/m.tsm") && !strstr(out, "training"), "%s", out);
    CHECK(!ts_file_exists(in(d, "f")));
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --save-model %s -q", in(d, "dr"), in(d, "f"), d);
    CHECK_MSG(run_cli(cmd, err, sizeof err) == 1 && strstr(err, "is a directory"), "%s", err);
}

/* --text - (or /dev/stdout): standard output is the text alone, for a reader of
 * babeltrace2's text; fill's summary goes to stderr, as when -o is standard output */
static void text_on_stdout_alone(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[3000], out[1 << 16], err[512];
    REQUIRE(drop_fixture(d) == 0);
    const char *to[2] = {"-", "/dev/stdout"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s --text %s -q", in(d, "dr"), in(d, "f"), to[i]);
        CHECK_MSG(run_stdout(cmd, out, sizeof out) == 0 && out[0] == '[' && !strstr(out, "fill: "), "%s: %.200s", to[i], out);
        CHECK_MSG(run_cli(cmd, err, sizeof err) == 0 && strstr(err, "fill: ") == err, "%s: %s", to[i], err);
    }
}

/* --text FILE: the new trace's place is checked once (the library's check, before the
 * work), as without --text: each check makes and removes a stage beside OUT, and the
 * writing makes one more */
static void text_output_checked_once(void)
{
    if (system("strace -o /dev/null true 2>/dev/null") != 0) SKIP("strace cannot trace here");
#ifdef __SANITIZE_ADDRESS__
    SKIP("LeakSanitizer does not run under strace's ptrace");
#endif
    const char *d = scratch_dir();
    REQUIRE(d);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[8192];
    REQUIRE(drop_fixture(d) == 0);
    const char *text[2] = {"", "--text"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "strace -f -e trace=mkdir -o %s/st%d %s fill %s --model unigram -o %s/f%d %s %s -q "
                 ">/dev/null 2>&1 && grep -c 'mkdir(\"%s/\\.stage\\.[0-9]*\\.[^/]*\", 0700) = 0' %s/st%d",
                 d, i, bin, in(d, "dr"), d, i, text[i], i ? in(d, "f.txt") : "", d, d, i);
        FILE *p = popen(cmd, "r");
        REQUIRE(p);
        char line[64] = "";
        CHECK_MSG(fgets(line, sizeof line, p) && atoi(line) == 2, "%s: %s stages made", text[i], line);
        pclose(p);
    }
}

/* --text FIFO: opened (and so waiting for its reader) only once the new trace is written,
 * not before the input is read: a fill that fails does not wait for a reader first */
static void text_fifo_after_the_work(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    mkdir(in(d, "bad"), 0755);
    write_text(in(d, "bad/metadata"), "/* CTF 1.8 */ not metadata\n");
    REQUIRE(mkfifo(in(d, "fifo"), 0600) == 0);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[8192];
    REQUIRE(drop_fixture(d) == 0);
    /* a bad input, no reader: the error, not a wait */
    snprintf(cmd, sizeof cmd, "timeout 30 %s fill %s --model unigram -o %s --text %s -q >/dev/null 2>&1", bin,
             in(d, "bad"), in(d, "f"), in(d, "fifo"));
    int st = system(cmd);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    CHECK(!ts_file_exists(in(d, "f")));
    /* a reader: the text comes through it */
    snprintf(cmd, sizeof cmd, "cat %s > %s & timeout 30 %s fill %s --model unigram -o %s --text %s -q >/dev/null; "
             "rc=$?; wait; exit $rc", in(d, "fifo"), in(d, "copy"), bin, in(d, "dr"), in(d, "f"), in(d, "fifo"));
    st = system(cmd);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    FILE *f = fopen(in(d, "copy"), "r");
    char line[4096];
    int recon = 0;
    while (f && fgets(line, sizeof line, f)) recon += strstr(line, TS_RECON_CLASS) != NULL;
    if (f) fclose(f);
    CHECK_MSG(recon > 0, "no reconstructed event in the text");
}

/* outputs to streams (a device, a FIFO: written in place, never taken back) are written
 * last, once the new trace is written and before anything is put in place: a --text stream
 * that fails leaves neither the new trace nor the model (a file or a stream), and a model to
 * a FIFO is written only once the trace is, and taken by its reader as a model file */
static void streams_written_last(void)
{
    if (access("/dev/full", W_OK) != 0) SKIP("no /dev/full");
    const char *d = scratch_dir();
    REQUIRE(d);
    char cmd[8192], err[512];
    REQUIRE(drop_fixture(d) == 0);
    /* a text to a full device: the command fails, nothing new is left */
    snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s --text /dev/full --save-model %s -q", in(d, "dr"), in(d, "f"),
             in(d, "m.tsm"));
    int rc = run_cli(cmd, err, sizeof err);
    CHECK_MSG(rc == 1 && strstr(err, "/dev/full") && strstr(err, "write failed"), "exit %d: %s", rc, err);
    CHECK_MSG(!ts_file_exists(in(d, "f")) && !ts_file_exists(in(d, "m.tsm")), "outputs left by a failed fill");
    /* standard output full: the same */
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    snprintf(cmd, sizeof cmd, "%s fill %s --model ngram -o %s --text - --save-model %s -q >/dev/full 2>/dev/null", bin,
             in(d, "dr"), in(d, "f"), in(d, "m.tsm"));
    int st = system(cmd);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
    CHECK_MSG(!ts_file_exists(in(d, "f")) && !ts_file_exists(in(d, "m.tsm")), "outputs left by a failed fill");
    /* a model to a FIFO: nothing through it when the text fails (its reader sees the end
     * the test gives it), the model when all goes well */
    char fifo[1200], copy[1200], dr[1200], f[1200];   /* (in's buffers are four) */
    snprintf(fifo, sizeof fifo, "%s", in(d, "m.fifo"));
    snprintf(copy, sizeof copy, "%s", in(d, "copy.tsm"));
    snprintf(dr, sizeof dr, "%s", in(d, "dr"));
    snprintf(f, sizeof f, "%s", in(d, "f"));
    REQUIRE(mkfifo(fifo, 0600) == 0);
    for (int ok = 0; ok < 2; ok++) {
        /* the end of the FIFO is given by opening it: that waits for cat to open its side,
         * which a busy machine may delay past one try; tries that all time out end cat and
         * exit 99, not a wait for a cat that never returns */
        snprintf(cmd, sizeof cmd, "cat %s > %s & c=$!; timeout 60 %s fill %s --model ngram -o %s --text %s --save-model %s "
                 "-q >/dev/null 2>&1; rc=$?; if [ $rc != 0 ]; then n=0; until timeout 5 sh -c ': > %s'; do "
                 "n=$((n+1)); [ $n -lt 12 ] || { kill $c; wait $c; exit 99; }; done; fi; wait $c; exit $rc", fifo, copy,
                 bin, dr, f, ok ? "/dev/null" : "/dev/full", fifo, fifo);
        st = system(cmd);
        CHECK_MSG(!WIFEXITED(st) || WEXITSTATUS(st) != 99, "the FIFO's reader never opened it");
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == (ok ? 0 : 1), "%s: status %d", ok ? "/dev/null" : "/dev/full", st);
        struct stat sb;
        CHECK_MSG(stat(in(d, "copy.tsm"), &sb) == 0 && (ok ? sb.st_size > 0 : sb.st_size == 0), "%s: %lld bytes",
                  ok ? "/dev/null" : "/dev/full", (long long)sb.st_size);
        CHECK(ts_file_exists(in(d, "f")) == ok);
    }
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(in(d, "copy.tsm"), &m) == 0 && !strcmp(m->ops->name, "ngram"), "%s", ts_error());
    ts_model_free(m);
}

/* drop ended by SIGTERM while babeltrace2's process writes the new trace: neither the
 * stage beside OUT (a part of the trace in it) nor the writing process outlives it */
static void drop_terminated(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 300000, 0);
    mkdir(in(d, "o"), 0755);
    const char *bin = getenv("TRACESYNTH") ? getenv("TRACESYNTH") : "build/tracesynth";
    char cmd[8192];
    /* once the stage is there: the group stopped, the command (not its child) sent SIGTERM,
     * the group continued; then its processes still running (gone or a zombie: not), asked
     * again every 0.1 s until none is left or 20 s have passed, as a busy machine may take
     * its time to end them */
    snprintf(cmd, sizeof cmd, "setsid %s drop %s -o %s/o/x -q >/dev/null 2>&1 & p=$!; i=0; "
             "while [ $i -lt 20000 ] && ! ls -A %s/o | grep -q stage; do i=$((i+1)); done; "
             "/bin/kill -STOP -- -$p; /bin/kill -TERM $p; /bin/kill -CONT -- -$p; wait $p 2>/dev/null; echo $?; "
             "i=0; while :; do left=$(for q in $(pgrep -g $p); do s=$(grep '^State:' /proc/$q/status 2>/dev/null); "
             "case $s in ''|*Z*) ;; *) echo $q;; esac; done | wc -l); "
             "if [ $left = 0 ] || [ $i -ge 200 ]; then break; fi; i=$((i+1)); sleep 0.1; done; echo $left",
             bin, in(d, "t"), d, d);
    FILE *p = popen(cmd, "r");
    REQUIRE(p);
    int rc = -1, left = -1;
    CHECK(fscanf(p, "%d %d", &rc, &left) == 2);
    pclose(p);
    CHECK_MSG(rc == 143, "exit %d (ended before its stage was seen?)", rc);
    /* (a signal during the commit waits for it: the new trace is then there, whole) */
    DIR *o = opendir(in(d, "o"));
    struct dirent *e;
    int stages = 0;
    while (o && (e = readdir(o))) stages += !strncmp(e->d_name, ".stage.", 7);
    if (o) closedir(o);
    CHECK_MSG(stages == 0, "%d stages left behind", stages);
    CHECK_MSG(left == 0, "%d processes left running", left);   /* (a zombie is not running) */
}

/* an LTTng session with two channels records two streams per CPU, each with gaps of its
 * own: bench fill scores each dropped gap against the fill of that gap (its stream and
 * number), not against the gap of the same number in the CPU's other stream */
static void bench_fill_streams_per_cpu(void)
{
    const char *d = scratch_dir();
    REQUIRE(d);
    fx_trace(in(d, "t"), 0, 2500, 0);
    char cmd[3000], out[8192];
    /* a second channel: the same streams again, one more per CPU */
    snprintf(cmd, sizeof cmd, "cp %s %s && cp %s %s", in(d, "t/chan_0"), in(d, "t/chan2_0"), in(d, "t/chan_1"),
             in(d, "t/chan2_1"));
    REQUIRE(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "bench fill %s --rates 0.05 --burst-min 2 --burst-max 4 --top 0 -q", in(d, "t"));
    REQUIRE(run_stdout(cmd, out, sizeof out) == 0);
    const char *m = strstr(out, "gaps matched between drop and fill: ");
    long matched = -1, n = -2;
    REQUIRE(m && sscanf(m, "gaps matched between drop and fill: %ld of %ld", &matched, &n) == 2);
    CHECK_MSG(n > 10 && matched == n, "%ld of %ld gaps matched\n%s", matched, n, out);
}

/* the trace functions a library caller reaches: NULL arguments are errors naming the function
 * and the argument ('(null): cannot open: Bad address', or a crash), and fill's option list
 * whose count and arrays disagree is refused before any model is trained (it held nothing,
 * and the model trained with its defaults) */
static void library_arguments_checked(void)
{
    const char *dir = scratch_dir();
    REQUIRE(dir);
    char out[600];
    snprintf(out, sizeof out, "%s/out.trace", dir);
    const char *tr = "tests/data/ftrace_pipe.trace.gz";
    ts_gap_list gl;
    ts_drop_stats ds;
    ts_fill_result fr;
    ts_sc_analysis sa;
    ts_drop_opts dop = {.rate = 0.1, .burst_min = 2, .burst_max = 5, .seed = 1};
    ts_fill_opts fo = {.model = "unigram"};
#define FAILS(call, msg) do { ts_clear_error(); int rc_ = (call); \
    CHECK_MSG(rc_ == -1 && strstr(ts_error(), msg), "%s: %d: %s", #call, rc_, ts_error()); } while (0)
    FAILS(ts_gaps_find(NULL, 0, &gl), "ts_gaps_find_arch: dir is NULL");
    FAILS(ts_gaps_find(tr, 0, NULL), "ts_gaps_find_arch: out is NULL");
    FAILS(ts_ctf_drop(NULL, out, &dop, &ds), "ts_ctf_drop: dir is NULL");
    FAILS(ts_ctf_drop(tr, NULL, &dop, &ds), "ts_ctf_drop: out is NULL");
    FAILS(ts_ctf_drop(tr, out, NULL, &ds), "ts_ctf_drop: o is NULL");
    FAILS(ts_ctf_drop(tr, out, &dop, NULL), "ts_ctf_drop: st is NULL");
    FAILS(ts_ctf_fill(NULL, out, &fo, &fr), "ts_ctf_fill: dir is NULL");
    FAILS(ts_ctf_fill(tr, NULL, &fo, &fr), "ts_ctf_fill: out is NULL");
    FAILS(ts_ctf_fill(tr, out, NULL, &fr), "ts_ctf_fill: o is NULL");
    FAILS(ts_ctf_fill(tr, out, &fo, NULL), "ts_ctf_fill: res is NULL");
    ts_fill_opts nomodel = fo;
    nomodel.model = NULL;
    FAILS(ts_ctf_fill(tr, out, &nomodel, &fr), "ts_ctf_fill: o->model is NULL");
    ts_fill_opts badkv = fo;
    badkv.kv.n = 2;
    FAILS(ts_ctf_fill(tr, out, &badkv, &fr), "options: 2 given without their keys or values");
    CHECK(!ts_file_exists(out));
    FAILS(ts_sc_analyse(NULL, 0, &sa), "ts_sc_analyse_arch: dir is NULL");
    FAILS(ts_sc_analyse(tr, 0, NULL), "ts_sc_analyse_arch: out is NULL");
    FAILS(ts_trace_scan(NULL, NULL), "ts_trace_scan: path is NULL");
    FAILS(ts_trace_scan(tr, NULL), "ts_trace_scan: h is NULL");
    FAILS(ts_trace_rewrite(tr, out, NULL), "ts_trace_rewrite: h is NULL");
    FAILS(ts_trace_rewrite_check(NULL, out), "ts_trace_rewrite_check: path is NULL");
    FAILS(ts_trace_rewrite_check(tr, NULL), "ts_trace_rewrite_check: out is NULL");
    /* the text output is of a CTF trace */
    ts_fill_opts texted = fo;
    texted.text = in(dir, "out.txt");
    FAILS(ts_ctf_fill(tr, out, &texted, &fr), "the text output is for a CTF trace");
    CHECK(!ts_file_exists(out) && !ts_file_exists(texted.text));
#undef FAILS
    CHECK(ts_gaps_find(tr, 0, &gl) == 0 && gl.n > 0);
    ts_gap_list_free(&gl);
}

/* ts_fill_opts.text: the new trace's text, written before the trace is in place (from its
 * stage) and put in place with it, in the trace's folder or another; it names the streams'
 * files where the trace is, never where it was written */
static void library_text_with_the_trace(void)
{
    if (!have_babeltrace()) SKIP("babeltrace2 not installed");
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture_library(d) == 0);
    REQUIRE(mkdir(in(d, "other"), 0755) == 0);
    static const char *const texts[2] = {"f.txt", "other/f.txt"};
    for (int k = 0; k < 2; k++) {
        ts_fill_opts fo = {.model = "unigram"};
        char text[700], stream[700], line[4096];
        snprintf(text, sizeof text, "%s", in(d, texts[k]));
        fo.text = text;
        ts_fill_result fr;
        REQUIRE(ts_ctf_fill(in(d, "dr"), in(d, "f"), &fo, &fr) == 0);
        ts_fill_result_free(&fr);
        char *real = realpath(d, NULL);
        REQUIRE(real);
        snprintf(stream, sizeof stream, "\"%s/f/", real);
        free(real);
        FILE *f = fopen(text, "r");
        REQUIRE(f);
        int recon = 0, warn = 0, here = 0, staged = 0;
        while (fgets(line, sizeof line, f)) {
            recon += strstr(line, TS_RECON_CLASS) != NULL;
            warn += !strncmp(line, "WARNING", 7);
            here += strstr(line, stream) != NULL;
            staged += strstr(line, ".stage.") != NULL;
        }
        fclose(f);
        CHECK_MSG(recon > 0 && warn > 0 && here == warn && staged == 0,
                  "%s: %d reconstructed, %d warnings, %d naming %s, %d naming a stage", texts[k], recon, warn, here,
                  stream, staged);
        CHECK_MSG(count_dir(d) == 5 && count_dir(in(d, "other")) == k, "%d entries in %s", count_dir(d), d);
    }
}

/* ts_fill_opts.save_model is put in place with the new trace: a trace that cannot be put in
 * place leaves no new model file (nor a stage), and a model there before as it was */
static void library_model_with_the_trace(void)
{
    if (!have_babeltrace()) SKIP("babeltrace2 not installed");
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture_library(d) == 0);
    char out[700], model[700], text[700];
    snprintf(out, sizeof out, "%s", in(d, "f"));
    snprintf(model, sizeof model, "%s", in(d, "m.tsm"));
    snprintf(text, sizeof text, "%s", in(d, "f.txt"));
    for (int k = 0; k < 4; k++) {   /* no model there, one there; without --text, with it */
        if (k == 2) write_text(model, "old\n");
        ts_fill_opts fo = {.model = "unigram", .save_model = model, .text = k & 1 ? text : NULL};
        ts_fill_result fr;
        fail_rename_to = out;
        CHECK_MSG(ts_ctf_fill(in(d, "dr"), out, &fo, &fr) == -1, "%d: the fill passed", k);
        fail_rename_to = NULL;
        if (k < 2) {
            CHECK_MSG(!ts_file_exists(model), "%d: the model written without the trace", k);
        } else {
            char m[16] = "";
            FILE *f = fopen(model, "r");
            CHECK_MSG(f && fgets(m, sizeof m, f) && !strcmp(m, "old\n"), "%d: the model there replaced", k);
            if (f) fclose(f);
        }
        CHECK_MSG(count_dir(d) == 2 + (k >= 2), "%d: %d entries in %s", k, count_dir(d), d);
    }
    ts_fill_opts fo = {.model = "unigram", .save_model = model};
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(in(d, "dr"), out, &fo, &fr) == 0);
    ts_fill_result_free(&fr);
    ts_model *m = NULL;
    CHECK_MSG(ts_model_load(model, &m) == 0 && ts_file_exists(in(out, "metadata")), "%s", ts_error());
    ts_model_free(m);
}

/* ts_fill_opts.text and .save_model inside the input trace's folder or the output's, at
 * any depth (a file among the input's streams, one the replaced output takes with it):
 * refused in one line naming the path before anything is trained or written; through
 * the CLI, as a usage error naming the option */
static void library_side_outputs_apart(void)
{
    if (!have_babeltrace()) SKIP("babeltrace2 not installed");
    const char *d = scratch_dir();
    REQUIRE(d);
    REQUIRE(drop_fixture_library(d) == 0);
    ts_fill_opts fo = {.model = "unigram"};
    ts_fill_result fr;
    REQUIRE(ts_ctf_fill(in(d, "dr"), in(d, "f"), &fo, &fr) == 0);
    ts_fill_result_free(&fr);
    REQUIRE(mkdir(in(d, "dr/sub"), 0755) == 0 && mkdir(in(d, "f/sub"), 0755) == 0);
    const int in_dr = count_dir(in(d, "dr")), in_f = count_dir(in(d, "f")), top = count_dir(d);
    static const char *const at[] = {"dr/t.txt", "dr/sub/t.txt", "f/t.txt", "f/sub/t.txt"};
    for (int k = 0; k < 4; k++)
        for (int side = 0; side < 2; side++) {
            char path[700];
            snprintf(path, sizeof path, "%s", in(d, at[k]));
            ts_fill_opts so = {.model = side ? "ngram" : "unigram"};
            if (side) so.save_model = path;
            else so.text = path;
            CHECK_MSG(ts_ctf_fill(in(d, "dr"), in(d, "f"), &so, &fr) == -1 && strstr(ts_error(), path) &&
                          strstr(ts_error(), k < 2 ? "inside the input trace" : "inside the output") &&
                          !strchr(ts_error(), '\n'),
                      "%s (%s): %s", at[k], side ? "save_model" : "text", ts_error());
            CHECK(!ts_file_exists(path));
            CHECK_MSG(count_dir(in(d, "dr")) == in_dr && count_dir(in(d, "f")) == in_f && count_dir(d) == top,
                      "%s: %d, %d, %d entries", at[k], count_dir(in(d, "dr")), count_dir(in(d, "f")), count_dir(d));
            char cmd[2048], err[1024];
            snprintf(cmd, sizeof cmd, "fill %s --model ngram -o %s %s %s -q", in(d, "dr"), in(d, "f"),
                     side ? "--save-model" : "--text", path);
            CHECK_MSG(cli_refuses(cmd, 2, side ? "--save-model" : "--text", path, err, sizeof err) &&
                          strstr(err, k < 2 ? "input trace" : "output"), "%s: %s", cmd, err);
        }
    /* the path as it resolves, "." and ".." and links of the folders that are there, not as
     * it is spelt: beside an output not made yet (g/../x.txt lies beside g) it is not
     * inside it (the system makes no file through a folder that is not there: refused for
     * that, by the library and the command alike); through a link to the input's folder,
     * beside the input, it is written; inside the output by a detour, or inside the input
     * through the link, it is refused */
    REQUIRE(symlink(in(d, "dr"), in(d, "lnk")) == 0);
    static const char *const beside[] = {"g/../x.txt", "g/sub/../../y.txt", "lnk/../z.txt"};
    for (int k = 0; k < 3; k++) {
        char path[700];
        snprintf(path, sizeof path, "%s", in(d, beside[k]));
        ts_fill_opts so = {.model = "unigram", .text = path};
        const int rc = ts_ctf_fill(in(d, "dr"), in(d, "g"), &so, &fr);
        if (k < 2)
            CHECK_MSG(rc == -1 && strstr(ts_error(), path) && strstr(ts_error(), "cannot create") &&
                          !strstr(ts_error(), "inside"),
                      "%s: %s", beside[k], ts_error());
        else CHECK_MSG(rc == 0 && ts_file_exists(path), "%s: %s", beside[k], ts_error());
        if (rc == 0) ts_fill_result_free(&fr);
        char cmd[2048], err[1024];
        snprintf(cmd, sizeof cmd, "fill %s --model unigram -o %s --text %s -q", in(d, "dr"), in(d, "g"), path);
        const int crc = run_cli(cmd, err, sizeof err);
        CHECK_MSG(k < 2 ? crc == 1 && strstr(err, "cannot create") : crc == 0, "%s: exit %d: %s", cmd, crc, err);
        snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", in(d, "z.txt"), in(d, "g"));
        CHECK(system(cmd) == 0);
    }
    static const char *const inside[] = {"g/./a/../x.txt", "g/x.txt", "lnk/sub/../t.txt", "g/../dr/t.txt"};
    for (int k = 0; k < 4; k++) {
        char path[700];
        snprintf(path, sizeof path, "%s", in(d, inside[k]));
        ts_fill_opts so = {.model = "unigram", .text = path};
        CHECK_MSG(ts_ctf_fill(in(d, "dr"), in(d, "g"), &so, &fr) == -1 && strstr(ts_error(), path) &&
                      strstr(ts_error(), k < 2 ? "inside the output" : "inside the input trace"),
                  "%s: %s", inside[k], ts_error());
        CHECK(!ts_file_exists(in(d, "g")) && count_dir(in(d, "dr")) == in_dr);
    }
}

/* the gap functions that return a value rather than -1: a NULL (or sizes drop refuses) is NaN,
 * TS_EV_OTHER or -1 with an error naming the function (they crashed, or gave a share for
 * bursts of no events), and a trace's folder or text output given as NULL is refused by name */
static void null_values_refused(void)
{
    ts_sc_analysis none;
    memset(&none, 0, sizeof none);
    ts_clear_error();
    CHECK(isnan(ts_sc_count_error(NULL, &none)) && strstr(ts_error(), "ts_sc_count_error: truth is NULL"));
    CHECK(isnan(ts_sc_count_error(&none, NULL)) && strstr(ts_error(), "ts_sc_count_error: a is NULL"));
    ts_sc_analysis hollow = {.n = 2};
    CHECK(isnan(ts_sc_count_error(&hollow, &none)) && strstr(ts_error(), "truth holds 2 threads without their arrays"));
    CHECK(isnan(ts_sc_unmatched_share(NULL)) && strstr(ts_error(), "ts_sc_unmatched_share: a is NULL"));
    CHECK(ts_sc_count_error(&none, &none) == 0 && ts_sc_unmatched_share(&none) == 0);
    const char *call = "x";
    ts_clear_error();
    CHECK(ts_gap_classify(NULL, &call) == TS_EV_OTHER && call == NULL && strstr(ts_error(), "ts_gap_classify: name is NULL"));
    CHECK(ts_gap_classify("syscall_entry_read", NULL) == TS_EV_ENTRY);
    CHECK(ts_gap_classify("syscall_exit_read", &call) == TS_EV_EXIT && !strcmp(call, "read"));
    CHECK(ts_ctf_print_text(NULL, stdout) == -1 && strstr(ts_error(), "ts_ctf_print_text: dir is NULL"));
    CHECK(ts_ctf_print_text("tests/data", NULL) == -1 && strstr(ts_error(), "ts_ctf_print_text: f is NULL"));
    CHECK(ts_ctf_trace_dir(NULL) == NULL && strstr(ts_error(), "ts_ctf_trace_dir: dir is NULL"));
    const long bad[][2] = {{0, 3}, {-2, 5}, {4, 3}, {0, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ts_clear_error();
        double r = ts_drop_rate_max(bad[i][0], bad[i][1]);
        CHECK_MSG(isnan(r) && strstr(ts_error(), "ts_drop_rate_max: burst sizes must satisfy 1 <= min <= max"),
                  "%ld..%ld: %g: %s", bad[i][0], bad[i][1], r, ts_error());
    }
    CHECK_NEAR(ts_drop_rate_max(1, 1), 0.5, 1e-15);
    CHECK_NEAR(ts_drop_rate_max(2, 4), 0.75, 1e-15);
}

TEST_MAIN("fill", {
    RUN(read_error_one_line);
    RUN(training_error_one_line);
    RUN(text_output_not_in_a_trace);
    RUN(null_values_refused);
    RUN(library_model_with_the_trace);
    RUN(count_error_no_truth);
    RUN(library_arguments_checked);
    RUN(library_text_with_the_trace);
    RUN(library_side_outputs_apart);
    RUN(consistent_threads);
    RUN(ingest_filled_ctf);
    RUN(consistent_pairing);
    RUN(copy_is_exact);
    RUN(output_replaced_whole);
    RUN(drop_fill_new_names);
    RUN(drop_fill_old_names);
    RUN(close_gaps);
    RUN(close_gaps_model_names);
    RUN(small_cpu_confidence);
    RUN(too_long_gap_counted);
    RUN(drop_bursts_apart);
    RUN(drop_keeps_unknown_gap);
    RUN(drop_refuses_filled_trace);
    RUN(lttng_gap);
    RUN(unknown_switch_thread);
    RUN(exec_score_pairs);
    RUN(score_stray_exits);
    RUN(exec_fill_same_thread);
    RUN(exec_names_its_thread);
    RUN(edge_gaps);
    RUN(gaps_table_cells);
    RUN(gaps_empty_trace);
    RUN(gaps_one_cpu);
    RUN(cli_round);
    RUN(mdm_saved_model_keeps_chain);
    RUN(ctf_without_gaps_not_noted);
    RUN(bench_fill_streams_per_cpu);
    RUN(bad_input);
    RUN(corrupt_stream_named);
    RUN(ctf_file_given);
    RUN(side_outputs_apart);
    RUN(text_checked_first);
    RUN(text_gz_compressed);
    RUN(text_reader_gone);
    RUN(output_holds_the_input);
    RUN(output_inside_the_input);
    RUN(output_folder_not_made);
    RUN(no_progress_everywhere);
    RUN(output_by_a_link);
    RUN(recorded_trace_kept);
    RUN(progress_in_a_log);
    RUN(save_model_checked_first);
    RUN(text_on_stdout_alone);
    RUN(text_output_checked_once);
    RUN(text_fifo_after_the_work);
    RUN(streams_written_last);
    RUN(drop_terminated);
})
