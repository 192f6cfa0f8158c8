/* tracesynth gaps: the events an LTTng or ftrace trace lost, gap by gap. */
#include "cli.h"
#include "tracesynth/gaps.h"

#include <stdlib.h>
#include <string.h>

/* babeltrace2's time format: seconds.nanoseconds from the clock's origin, the sign in front
 * (a clock whose offset is negative puts early events before it) */
static const char *ts_str(char *buf, size_t n, int64_t ns)
{
    uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    snprintf(buf, n, "%s%llu.%09llu", ns < 0 ? "-" : "", (unsigned long long)(a / 1000000000),
             (unsigned long long)(a % 1000000000));
    return buf;
}

/* "NAME @TIME", or "-": a cell of the table, as long as the name needs (malloc'd) */
static char *event_cell(const char *name, int64_t ns)
{
    if (!name) return ts_strdup("-");
    char t[32];
    ts_str(t, sizeof t, ns);
    size_t n = strlen(name) + strlen(t) + 3;
    char *c = ts_malloc(n);
    snprintf(c, n, "%s @%s", name, t);
    return c;
}

int cmd_gaps(int argc, char **argv)
{
    const char *C = "gaps";
    const char *arch = NULL;
    int json = 0, quiet = 0;
    const ts_option opts[] = {
        TS_OPT_FLAG_(0, "json", &json, "one JSON object: gaps, totals per CPU"),
        CLI_TRACE_ARCH_OPTION(&arch),
        CLI_QUIET_OPTIONS(&quiet, "no progress"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        C, "tracesynth gaps TRACE [--json] [--arch ARCH]",
        "List every gap of an LTTng trace (CTF): events the tracer discarded in one CPU's\n"
        "stream between two packets, with their count, the span they were lost in (from\n"
        "the end of the packet before to the end of the packet after, as babeltrace2\n"
        "reports it), the stream's last event before and first event after; then the\n"
        "totals per CPU (recorded events, and reconstructed ones in a filled trace).\n"
        "A count of ? (null in JSON): the tracer may have discarded events before a\n"
        "stream's first packet, how many it does not say (not counted in the totals).\n"
        "TRACE that is a regular file is ftrace text (tracefs's trace or trace_pipe,\n"
        "trace-cmd report; gzip read as it is) or perf script's text: its gaps are the\n"
        "lost-event markers (CPU:N [LOST C EVENTS]; ? for [LOST EVENTS] and ##### CPU N\n"
        "buffer started ####; perf script --show-lost-events' PERF_RECORD_LOST lost C:\n"
        "perf script's text with none gets a note on stderr, as perf script prints them\n"
        "only when asked), from the CPU's event before to its event after; a system\n"
        "call's entry and exit are named syscall_entry_NAME / syscall_exit_NAME, as in\n"
        "LTTng (raw_syscalls' numbers through the table of --arch ARCH, else of the host,\n"
        "as ingest names them). A last line without its newline is read as with it;\n"
        "one cut short (an event before its name ends) is no event, with a warning, as\n"
        "ingest reads it.\n"
        "A trace file's header that counts more events written than kept (its\n"
        "entries-in-buffer/entries-written) adds the oldest overwritten ones to the\n"
        "totals' line (overwritten in JSON): they lie in no gap, before each CPU's first\n"
        "event. A per-CPU file (per_cpu/cpuN/trace) repeats the whole trace's header:\n"
        "its count is then said to be every CPU's, that CPU's share not known\n"
        "(overwritten_whole_trace true in JSON; per_cpu/cpuN/stats' overrun gives it).\n"
        "TRACE - is standard input: text redirected from a file (< FILE), not a pipe's,\n"
        "which could not be read more than once.\n",
        opts, 1, 1, "TRACE", 0, NULL,
    };
    ts_opt_result args;
    int rc = ts_opt_parse(&spec, argc, argv, &args);
    if (rc) { ts_opt_free(&args); return rc == 1 ? 0 : rc; }
    /* '-': standard input, as ingest's INPUT (text read more than once: a file, not a pipe) */
    if ((rc = cli_stdin_input(C, "TRACE", &args.pos[0])) || (rc = cli_trace_arch(C, args.pos[0], &arch))) {
        ts_opt_free(&args);
        return rc;
    }
    ts_gap_list l;
    if (ts_gaps_find_arch(args.pos[0], arch, !quiet && !json, &l)) { ts_opt_free(&args); return cli_fail(); }
    cli_say_notes(l.notes);   /* what the reader left out (a last line cut while written) */
    /* totals per CPU: the streams' and the gaps' CPUs (a stream may have gaps and no
     * event); a CPU number past MAX_CPU (a damaged packet context) counts under "CPU ?" */
    enum { MAX_CPU = 1 << 16 };
    int32_t ncpu = 0;
    for (size_t i = 0; i < l.n_streams; i++)
        if (l.stream_cpu[i] < MAX_CPU && l.stream_cpu[i] + 1 > ncpu) ncpu = l.stream_cpu[i] + 1;
    for (size_t i = 0; i < l.n; i++)
        if (l.gaps[i].g.cpu < MAX_CPU && l.gaps[i].g.cpu + 1 > ncpu) ncpu = l.gaps[i].g.cpu + 1;
#define CPU_SLOT(c) ((c) < 0 || (c) >= ncpu ? ncpu : (c))
    uint64_t *lost = ts_calloc((size_t)ncpu + 1, sizeof *lost), *ngap = ts_calloc((size_t)ncpu + 1, sizeof *ngap);
    uint64_t *evs = ts_calloc((size_t)ncpu + 1, sizeof *evs), total = 0;
    uint64_t *rec = ts_calloc((size_t)ncpu + 1, sizeof *rec);
    /* the CPUs the trace has a stream or a gap of: not those below them it has none of */
    uint8_t *seen = ts_calloc((size_t)ncpu + 1, 1);
    for (size_t i = 0; i < l.n_streams; i++) {
        evs[CPU_SLOT(l.stream_cpu[i])] += l.stream_events[i];
        rec[CPU_SLOT(l.stream_cpu[i])] += l.stream_recon[i];
        seen[CPU_SLOT(l.stream_cpu[i])] = 1;
    }
    for (size_t i = 0; i < l.n; i++) {
        int32_t c = CPU_SLOT(l.gaps[i].g.cpu);
        lost[c] += l.gaps[i].g.count;
        ngap[c]++;
        total += l.gaps[i].g.count;
        seen[c] = 1;
    }
#undef CPU_SLOT
    char b1[32], b2[32];
    if (json) {
        printf("{\"trace\": ");
        ts_json_put(stdout, cli_input_name(args.pos[0]));
        printf(", \"events\": %llu, \"reconstructed\": %llu, \"discarded\": %llu, \"overwritten\": %llu, "
               "\"overwritten_whole_trace\": %s, \"gaps\": [",
               (unsigned long long)l.events, (unsigned long long)l.recon, (unsigned long long)total,
               (unsigned long long)l.overwritten, l.overwritten_whole_trace ? "true" : "false");
        for (size_t i = 0; i < l.n; i++) {
            const ts_gap_info *g = &l.gaps[i];
            printf("%s\n  {\"stream\": ", i ? "," : "");
            ts_json_put(stdout, g->stream_name);
            printf(", \"cpu\": %d, \"count\": ", g->g.cpu);
            if (g->g.count_known) printf("%llu", (unsigned long long)g->g.count);
            else printf("null");
            if (g->g.has_times) printf(", \"begin_ns\": %lld, \"end_ns\": %lld", (long long)g->g.begin_ns, (long long)g->g.end_ns);
            printf(", \"before\": ");
            ts_json_put(stdout, g->before);
            if (g->before) printf(", \"before_ns\": %lld", (long long)g->before_ns);
            printf(", \"after\": ");
            ts_json_put(stdout, g->after);
            if (g->after) printf(", \"after_ns\": %lld", (long long)g->after_ns);
            printf("}");
        }
        printf("%s], \"cpus\": [", l.n ? "\n" : "");
        for (int32_t c = 0, k = 0; c <= ncpu; c++) {
            if (!seen[c] || (c == ncpu && !evs[c] && !ngap[c])) continue;
            printf("%s\n  {\"cpu\": %d, \"events\": %llu, \"reconstructed\": %llu, \"gaps\": %llu, \"discarded\": %llu}",
                   k++ ? "," : "", c == ncpu ? -1 : c, (unsigned long long)evs[c], (unsigned long long)rec[c],
                   (unsigned long long)ngap[c], (unsigned long long)lost[c]);
        }
        printf("\n]}\n");
    } else {
        printf("%-14s %4s %8s  %-20s %-20s  %-28s %s\n", "stream", "cpu", "lost", "begin", "end", "last before", "first after");
        for (size_t i = 0; i < l.n; i++) {
            const ts_gap_info *g = &l.gaps[i];
            char *before = event_cell(g->before, g->before_ns), *after = event_cell(g->after, g->after_ns);
            char lost_s[24] = "?";   /* ?: the tracer may have discarded events before its first packet */
            if (g->g.count_known) snprintf(lost_s, sizeof lost_s, "%llu", (unsigned long long)g->g.count);
            printf("%-14s %4d %8s  %-20s %-20s  %-28s %s\n", g->stream_name, g->g.cpu, lost_s,
                   g->g.has_times ? ts_str(b1, sizeof b1, g->g.begin_ns) : "-",
                   g->g.has_times ? ts_str(b2, sizeof b2, g->g.end_ns) : "-", before, after);
            free(before);
            free(after);
        }
        printf("\nper CPU:\n");
        for (int32_t c = 0; c <= ncpu; c++) {
            if (!seen[c] || (c == ncpu && !evs[c] && !ngap[c])) continue;
            double share = evs[c] + lost[c] ? 100.0 * (double)lost[c] / (double)(evs[c] + lost[c]) : 0.0;
            if (c == ncpu) printf("  CPU ?");
            else printf("  CPU %d", c);
            printf(": %llu event%s, %llu lost in %llu gap%s (%.2f %%)", (unsigned long long)evs[c], ts_plural((size_t)evs[c]),
                   (unsigned long long)lost[c], (unsigned long long)ngap[c], ngap[c] == 1 ? "" : "s", share);
            if (rec[c]) printf(", %llu reconstructed", (unsigned long long)rec[c]);
            printf("\n");
        }
        printf("total: %llu event%s, %llu lost in %zu gap%s", (unsigned long long)l.events, ts_plural((size_t)l.events),
               (unsigned long long)total,
               l.n, l.n == 1 ? "" : "s");
        if (l.recon) printf(", %llu reconstructed", (unsigned long long)l.recon);   /* as each CPU's line */
        printf("\n");
        int32_t one = -1;   /* a per-CPU file's CPU: the one with events */
        for (size_t i = 0; i < l.n_streams; i++)
            if (l.stream_events[i] || l.stream_recon[i]) one = one == -1 ? l.stream_cpu[i] : -2;
        if (l.overwritten && l.overwritten_whole_trace && one >= 0)
            printf("and the file's header says the %llu oldest event%s of the whole trace, every CPU's, %s overwritten "
                   "before it was read: this file holds CPU %d's events alone, and how many of them %s CPU %d's it "
                   "cannot tell (per_cpu/cpu%d/stats' overrun: line counts them; a larger buffer_size_kb keeps them)\n",
                   (unsigned long long)l.overwritten, ts_plural((size_t)l.overwritten),
                   l.overwritten == 1 ? "was" : "were", one, l.overwritten == 1 ? "was" : "were", one, one);
        else if (l.overwritten && l.overwritten_whole_trace)
            printf("and the file's header says the %llu oldest event%s of the whole trace, every CPU's, %s overwritten "
                   "before it was read: this file holds one CPU's events alone, and how many of them were its CPU's "
                   "it cannot tell (per_cpu/cpuN/stats' overrun: line counts them; a larger buffer_size_kb keeps "
                   "them)\n",
                   (unsigned long long)l.overwritten, ts_plural((size_t)l.overwritten),
                   l.overwritten == 1 ? "was" : "were");
        else if (l.overwritten)
            printf("and the trace's header says the %llu oldest event%s %s overwritten before the trace was read "
                   "(in no gap: before the CPUs' first events; a larger buffer_size_kb keeps them)\n",
                   (unsigned long long)l.overwritten, ts_plural((size_t)l.overwritten),
                   l.overwritten == 1 ? "was" : "were");
    }
    /* no gap to list may mean none shown: perf script shows its losses only when asked (after
     * the table, which ends with its totals) */
    if (l.perf_no_lost_lines) {
        fflush(stdout);
        cli_note_perf_no_lost(C, args.pos[0]);
    }
    free(lost);
    free(ngap);
    free(evs);
    free(rec);
    free(seen);
    ts_gap_list_free(&l);
    ts_opt_free(&args);
    return 0;
}
