/* tracesynth ingest: a trace (strace log, ID stream, .npy, LTTng CTF, ftrace text) -> dataset directory. */
#include "cli.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char about[] =
        "Turns a trace into a dataset directory: DIR/stream.txt (one contiguous\n"
        "sequence of event IDs) and, for named events, DIR/vocab.tsv (ID, name, count).\n"
        "An INPUT of - is standard input (a text or .npy trace, read once).\n"
        "\n"
        "  --from ids     INPUT is one contiguous ID stream: IDs separated by commas,\n"
        "                 blanks or newlines (stream.txt style). Lines are joined, so a\n"
        "                 window file (one window per line) would be read as one stream\n"
        "                 of overlapping windows: split a stream instead (lines all of\n"
        "                 one length, two IDs or more, are joined with a note saying\n"
        "                 so). A gzip-compressed INPUT is read as it is.\n"
        "  --from npy     INPUT is an integer, bool, float32 or float64 array (little-\n"
        "                 endian, C or Fortran order), (N, L), (N, 1, L), (N, L, 1) or\n"
        "                 (L,); reals round to the nearest ID. N must be 1 unless\n"
        "                 --concat joins the rows (window boundaries are then lost).\n"
        "                 ids, npy: the names beside INPUT (W.names.txt for W.txt or\n"
        "                 W.npy, as generate and impute -o write them) name its events:\n"
        "                 the dataset is built by name, as from a trace (vocab.tsv); a\n"
        "                 '?' there (an event without a name) is refused.\n"
        "  --from strace  INPUT is a log of 'strace -f -ttt -T -o FILE cmd': one event\n"
        "                 per system call, counted where it starts (<unfinished ...> and\n"
        "                 <... resumed> lines are joined; signal and exit lines skipped).\n"
        "                 Several INPUTs (strace -ff -ttt: one file per thread, P.PID;\n"
        "                 give them, DIR/P.*, not their folder) are\n"
        "                 merged by start time, each in its own order (one without calls,\n"
        "                 of a thread ended before its first, adds none; -r's times and\n"
        "                 -t's whole seconds cannot order them: refused; calls of\n"
        "                 several INPUTs at one time go in the INPUTs' order, which\n"
        "                 times in milliseconds (--timestamps=unix,ms) make common: a\n"
        "                 warning then counts them). A thread's execve that -ff writes\n"
        "                 in two files ('<pid changed to PID ...>' in the thread's,\n"
        "                 '<... execve resumed>' in PID's) is one call, as in -f's log.\n"
        "                 An INPUT given twice (a copy under another name: the same\n"
        "                 thread's call at the same time in two; where neither its\n"
        "                 lines nor its name (PREFIX.PID.bak) tell the thread, each of\n"
        "                 its calls, in its order, at the time of the same call in one\n"
        "                 other; however many calls share a time) is refused, as is a\n"
        "                 P.PID whose calls begin before the clone, fork or vfork that\n"
        "                 made PID (another thread's log under its name; strace -A's\n"
        "                 log of an earlier thread of that number, up to its exit,\n"
        "                 then PID's calls, is read).\n"
        "                 Also read: -t,\n"
        "                 -tt and -r times (in any precision, whole seconds too; -r's\n"
        "                 and a clock's mixed in one log are an error), -i,\n"
        "                 -n, -Y (its names become the comm channel), -k stack frames,\n"
        "                 -C's summary table, -z/-Z's bare rests of held calls and the\n"
        "                 data dumps of -e read=/write=. Calls are in the order they\n"
        "                 started (-z, -Z and -e status= print them as they end), each\n"
        "                 thread's in its own order, as several INPUTs are merged.\n"
        "                 With --channels, a call of several INPUTs is of the thread on\n"
        "                 its line, else, in an INPUT whose lines name none (-ff writes\n"
        "                 none), of the one its file is named after (PREFIX.PID; so too\n"
        "                 in one INPUT: -ff's one file of a program of one thread; one\n"
        "                 whose lines name threads, strace -f -o x.4242, is of those\n"
        "                 whatever its name); names are inferred across the files.\n"
        "                 A log recorded from outside a PID namespace (a container)\n"
        "                 without --pidns-translation, whose clone returns the child's\n"
        "                 PID in the namespace, names the child that the order of the\n"
        "                 calls tells (its first call the first of a new thread after\n"
        "                 the clone, before any other clone, every new thread one\n"
        "                 clone's, the log begun by the execve of the program strace\n"
        "                 ran: not strace -p's); a warning counts the threads left\n"
        "                 unnamed.\n"
        "                 Each call's start time (ns) goes to DIR/time_ns.npy where the\n"
        "                 times are on a clock other recordings share (-ttt: the epoch's;\n"
        "                 perf trace -T: perf's), as --from ctf's (train --also; one\n"
        "                 before the call before it, the wall clock stepped back, takes\n"
        "                 that one's); -r's and -t's or -tt's (times of day, no date)\n"
        "                 give none. A last line without its newline cut short (before\n"
        "                 its call's name ends: head -c of a log) is left out, with a\n"
        "                 warning.\n"
        "                 The architecture (for eval's type accuracy) is the host's\n"
        "                 unless --arch ARCH (x86_64, i386, arm, aarch64).\n"
        "  --from ctf     INPUT is an LTTng kernel trace directory (CTF): one event per\n"
        "                 system call entry (syscall_entry_NAME, or sys_NAME before LTTng\n"
        "                 2.6), all CPUs merged in time order (INPUT holds the trace's\n"
        "                 metadata file, or is an LTTng session directory holding\n"
        "                 kernel/).\n"
        "                 --comm NAME keeps the events of threads named NAME (the thread\n"
        "                 on each CPU is known from sched_switch; after\n"
        "                 sched_process_exec it is named after the program, its\n"
        "                 basename's first 15 bytes, as the kernel names it). --exits\n"
        "                 also records each exit, named like its call, as the study's PTS\n"
        "                 data do (most calls then appear as a pair of equal IDs; which\n"
        "                 events are exits goes to DIR/exit.npy, for export); old\n"
        "                 LTTng's nameless exit_syscall is named after the exiting\n"
        "                 thread's own pending call (an exit whose call began before the\n"
        "                 trace is left out).\n"
        "                 --events all records every event (scheduler, interrupts, ...),\n"
        "                 named by its event class, with system call entries and exits\n"
        "                 both named like their call (DIR/exit.npy tells the exits, 1,\n"
        "                 and the events that are no system call, 2, for export).\n"
        "                 --cpu N keeps the events of CPU N's stream.\n"
        "                 Discarded-event reports from the tracer are printed per CPU as\n"
        "                 a warning (with --cpu N, CPU N's, beside the whole trace's\n"
        "                 count). A stream file shorter than its LTTng index\n"
        "                 (index/*.idx) says is a warning naming the file and the bytes\n"
        "                 missing (its complete packets are read), an error with\n"
        "                 --strict. The architecture is --arch ARCH (a warning if the\n"
        "                 trace says another), else the trace's (its environment, or the\n"
        "                 system calls its metadata declares), else the host's. Each\n"
        "                 event's time (ns from the trace clock's origin) goes to\n"
        "                 DIR/time_ns.npy (int64), which train --also uses to keep other\n"
        "                 streams before the test part, and its CPU to DIR/cpu.npy\n"
        "                 (int32; train --reinterleave).\n"
        "                 A trace tracesynth fill wrote: each reconstructed event is read\n"
        "                 as the event it stands for, of the thread its payload names,\n"
        "                 with a warning counting them; the gaps they fill are not\n"
        "                 reported as lost (--no-reconstructed leaves them out, and\n"
        "                 the gaps are).\n"
        "  --from ftrace  INPUT is ftrace's text: tracefs's trace or trace_pipe file, or\n"
        "                 trace-cmd report's lines (gzip is read as it is), of syscalls:*\n"
        "                 or raw_syscalls events. Read as --from ctf reads a trace, with\n"
        "                 its --comm (the name on each line), --exits, --events all\n"
        "                 (other events named by their name, sched_switch, ...), --cpu N\n"
        "                 ([N] on each line) and --channels; times and CPUs go to\n"
        "                 time_ns.npy and cpu.npy. raw_syscalls' numbers are named\n"
        "                 through the table of --arch ARCH, else of the host: x86_64 and\n"
        "                 aarch64 have one, a number without a name is nr_NUMBER; when\n"
        "                 the trace has syscalls:* events too, the raw_syscalls ones are\n"
        "                 left out. Several INPUTs (per_cpu/cpuN/trace) are merged by\n"
        "                 time; one without events (a CPU that recorded none) adds none,\n"
        "                 with a warning. Each event is in one INPUT: one given twice (a\n"
        "                 copy, or the whole trace beside its per-CPU files: the same\n"
        "                 CPU's event of a thread at one time in two) is refused, as is\n"
        "                 perf script's text given twice.\n"
        "                 The tracer's lost-event markers (\"CPU:1 [LOST\n"
        "                 123 EVENTS]\", \"##### CPU 1 buffer started ####\") are printed\n"
        "                 per CPU as a warning, and so are the events the header says\n"
        "                 were overwritten (a per-CPU file's header counts the whole\n"
        "                 trace's: per-CPU files of one trace count it once, and one\n"
        "                 CPU's files alone are told that their share is not known); the\n"
        "                 events are kept. A CPU's time that goes back is an error\n"
        "                 (across a lost-event marker too, whose own time, perf's, is\n"
        "                 not read); CPUs out of order (trace_pipe) are sorted. A last\n"
        "                 line without its newline is read as with it; one cut short (an\n"
        "                 event before its name ends, a marker before its bracket) is\n"
        "                 left out, with a warning. Lines end in a newline (CRLF too); a\n"
        "                 carriage return alone before another event line's 'COMM-PID\n"
        "                 [CPU] TIME:' is an error (tr '\\r' '\\n' converts such a file),\n"
        "                 one in a thread's name or a trace_marker's text is read as it\n"
        "                 is.\n"
        "                 Another tracer than nop, latency-format and the raw, hex and\n"
        "                 bin options are refused. perf script's text is read alike (perf\n"
        "                 record -e 'raw_syscalls:*' or -e 'syscalls:*', then perf script\n"
        "                 --show-lost-events: 'COMM TID [CPU] TIME: EVENT' lines, its\n"
        "                 PERF_RECORD_LOST lines the CPU's lost events: text with none\n"
        "                 gets a note on stderr, as perf script prints them only when\n"
        "                 asked, and none where none was lost: it cannot tell which);\n"
        "                 one format per file. A sample of an event that is no\n"
        "                 tracepoint (-e cpu-clock,cycles:u; --events all) is named as\n"
        "                 perf names it, its modifier kept (cycles:u is not cycles).\n"
        "                 Its text without the CPU or TID column, with -F +ip, callchains\n"
        "                 (-g), --deltatime or --show-*-events' lines is refused, named;\n"
        "                 so are several files of --reltime's times (no common clock).\n"
        "                 A PID column alone (-F pid) is printed as the TID's: refused\n"
        "                 where a sched_switch's prev_pid is not its line's thread, and\n"
        "                 read as threads elsewhere (keep tid).\n"
        "  --from perf    the same as --from ftrace, for perf script's text; perf\n"
        "                 trace's output (perf trace -o FILE cmd: 'TIME ( DUR ms):\n"
        "                 COMM/TID CALL(ARGS) = RET' lines, [continued] ones joined to\n"
        "                 their start, --call-graph frames skipped, -S's table at the\n"
        "                 end) is read as a strace log (so does --from strace), with its\n"
        "                 thread, return value and name per call for --channels. Its page\n"
        "                 faults (-F), tracepoint events (-e) and LOST lines are refused;\n"
        "                 a last line without its newline that reads no call (cut in its\n"
        "                 time, thread or call's name) is left out, with a warning.\n"
        "                 Several such files merge by time with perf trace -T (perf's\n"
        "                 clock); without -T (times from each file's start) they are\n"
        "                 refused, as is one beside a strace log. A time perf prints\n"
        "                 wrapped (18446744073704.984: a call before the first line\n"
        "                 written) is read as before it.\n"
        "                 From a pipe or FIFO, --from perf reads perf script's text and\n"
        "                 --from strace perf trace's output.\n"
        "\n"
        "Named events get IDs by frequency rank over the first 70% of the events (the\n"
        "training part of the default time split; 0 = most frequent, ties by name); names\n"
        "never seen there map to the reserved ID of '<unk>', the last ID (train of a\n"
        "shorter training part says in a note which names it never holds that have\n"
        "IDs of their own).\n";

/* ds from names (freed); *unseen: ingest_unseen of them */
static int from_names(char **names, size_t n, ts_dataset *ds, size_t *unseen)
{
    int rc = ts_dataset_from_names(names, n, ts_split_default_permille[0] / 1000.0, ds);
    if (rc == 0) *unseen = ingest_unseen(names, ds);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

/* the names beside a window file or .npy (W.names.txt, as generate and impute -o write
 * them; lines windows of width IDs each, width 0: lines of several lengths) name ds's
 * events: a dataset by name, as a trace's. 0 (none there: ds as it was), or -1 naming the
 * names file */
static int names_beside(const char *input, size_t lines, size_t width, ts_dataset *ds, size_t *unseen)
{
    char *p = ts_windows_names_path(input);   /* NULL: standard input, nothing beside it */
    if (!p || !ts_file_exists(p)) {
        free(p);
        return 0;
    }
    if (width == 0 || lines * width != ds->stream.n) {
        ts_fail("%s: names windows of one length, one a line, but the lines of %s are not of one length", p, input);
        free(p);
        return -1;
    }
    free(p);
    const ts_windows w = {ds->stream.ids, lines, width};
    ts_vocab v;
    char *at = NULL;
    size_t *line = NULL;
    int rc = ts_windows_read_names(input, &w, &at, &v, &line);
    free(at);
    free(line);
    if (rc <= 0) return rc;
    const size_t n = ds->stream.n;
    for (size_t i = 0; i < n; i++)   /* ts_dataset_from_names refuses it, naming no file */
        if (!strcmp(v.names[ds->stream.ids[i]], "?")) {
            p = ts_windows_names_path(input);
            ts_fail("%s:%zu: position %zu: '?' names no event (an event its model does not name): a dataset's events "
                    "are named", p, i / width + 1, i % width);
            free(p);
            ts_vocab_free(&v);
            return -1;
        }
    char **names = ts_malloc(n * sizeof *names);
    for (size_t i = 0; i < n; i++) names[i] = ts_strdup(v.names[ds->stream.ids[i]]);
    ts_vocab_free(&v);
    free(ds->stream.ids);
    ds->stream.ids = NULL;
    ds->stream.n = 0;
    return from_names(names, n, ds, unseen);
}

/* notes a reader gave (lines, each ending in a newline; NULL: none) as warnings, freed */
static void say_notes(char *notes)
{
    cli_say_notes(notes);
    free(notes);
}

/* a gap whose events tracesynth fill reconstructed, all of them, read as events (recon_read):
 * the stream holds its events, none is lost there */
static int gap_filled(const ts_ctf_discard *d, int recon_read)
{
    return recon_read && d->count_known && d->reconstructed && d->reconstructed >= d->count;
}

/* warnings about what the trace lost: discarded events per stream (but for the gaps whose
 * reconstructed events are read, recon_read), truncated stream files (an error under
 * strict); with cpu >= 0 (--cpu N), the gaps of CPU N's streams, whose events are the ones
 * kept, the whole trace's count beside them */
static int ctf_report(const char *in, const ts_ctf_trace *t, int strict, int64_t cpu, int recon_read)
{
    if (strict && t->n_truncated) {   /* one line: the first file, and how many more */
        const ts_ctf_truncation *tr = &t->truncated[0];
        char more[64] = "";
        if (t->n_truncated > 1)
            snprintf(more, sizeof more, "; %zu more stream file%s too", t->n_truncated - 1, ts_plural(t->n_truncated - 1));
        ts_fail("%s: stream file %s is truncated: %llu of %llu bytes unread (%llu of its %llu packet%s, per its "
                "LTTng index)%s (--strict)",
                in, tr->file, (unsigned long long)(tr->indexed - tr->size), (unsigned long long)tr->indexed,
                (unsigned long long)tr->packets_missing, (unsigned long long)tr->packets, ts_plural((size_t)tr->packets),
                more);
        return -1;
    }
    for (size_t i = 0; i < t->n_truncated; i++) {
        const ts_ctf_truncation *tr = &t->truncated[i];
        cli_say(stderr, "tracesynth: warning: %s: stream file %s is truncated: %llu of %llu bytes unread "
                        "(%llu of its %llu packet%s, per its LTTng index); its complete packets were read\n",
                in, tr->file, (unsigned long long)(tr->indexed - tr->size), (unsigned long long)tr->indexed,
                (unsigned long long)tr->packets_missing, (unsigned long long)tr->packets, ts_plural((size_t)tr->packets));
    }
    /* per stream (of CPU cpu's alone where given): the gaps of known size, and those the
     * tracer gave no count for (events it may have lost before a stream's first packet) */
    size_t unknown = 0, with_gaps = 0;
    uint64_t lost = 0, all = 0;   /* (all: the whole trace's) */
    for (size_t i = 0; i < t->n_streams; i++) {
        const ts_ctf_stream *s = &t->streams[i];
        size_t open = 0;
        for (size_t k = 0; k < s->n_discards; k++) {
            const ts_ctf_discard *d = &s->discards[k];
            if (gap_filled(d, recon_read)) continue;
            all += d->count;
            if (cpu >= 0 && s->cpu != cpu) continue;
            unknown += !d->count_known;
            lost += d->count;
            open++;
        }
        with_gaps += open > 0;
    }
    if (lost || unknown) {
        char on[48] = "";
        if (cpu >= 0) snprintf(on, sizeof on, " on CPU %lld", (long long)cpu);
        cli_say(stderr, "tracesynth: warning: %s: the tracer reported %llu discarded event%s", in,
                (unsigned long long)lost, ts_plural((size_t)lost));
        if (unknown) fprintf(stderr, " and %zu gap%s of unknown size", unknown, unknown == 1 ? "" : "s");
        fprintf(stderr, "%s: the stream has gaps there (", on);
        int first = 1;
        for (size_t i = 0; i < t->n_streams; i++) {
            const ts_ctf_stream *s = &t->streams[i];
            size_t nk = 0, nu = 0;
            uint64_t sl = 0;
            for (size_t k = 0; k < s->n_discards; k++) {
                if (gap_filled(&s->discards[k], recon_read)) continue;
                s->discards[k].count_known ? nk++ : nu++;
                sl += s->discards[k].count;
            }
            if ((!nk && !nu) || (cpu >= 0 && s->cpu != cpu)) continue;
            /* each stream named, but CPU N's one stream: the message names its CPU */
            if (cpu < 0 || with_gaps > 1) {
                char who[64];
                if (s->cpu >= 0 && cpu < 0) snprintf(who, sizeof who, "CPU %lld", (long long)s->cpu);
                cli_say(stderr, "%s%s:", first ? "" : ", ", s->cpu >= 0 && cpu < 0 ? who : s->name);
            }
            if (nk) fprintf(stderr, "%s%llu in %zu gap%s", cpu < 0 || with_gaps > 1 ? " " : "",
                            (unsigned long long)sl, nk, nk == 1 ? "" : "s");
            if (nu) fprintf(stderr, "%s%zu of unknown size", nk ? ", " : cpu < 0 || with_gaps > 1 ? " " : "", nu);
            first = 0;
        }
        fprintf(stderr, ")");
        if (cpu >= 0 && all > lost) fprintf(stderr, "; %llu in the whole trace", (unsigned long long)all);
        fprintf(stderr, "\n");
    }
    return 0;
}

/* the events' times of t (a copy, to free), or NULL where its clock gives none: what
 * time_ns.npy holds (train --also cuts other streams in time) */
static int64_t *trace_times(const ts_ctf_trace *t)
{
    if (!t->time_ns || !t->n || !t->time_ns[t->n - 1]) return NULL;
    int64_t *ns = ts_malloc(t->n * sizeof *ns);
    memcpy(ns, t->time_ns, t->n * sizeof *ns);
    return ns;
}

/* which events of t are system call exits, and which no system call (TS_EVENT_*; a copy, to
 * free), or NULL where none is: what exit.npy holds (export writes each as what it is) */
static uint8_t *trace_exits(const ts_ctf_trace *t)
{
    size_t k = 0;
    while (t->exit && k < t->n && !t->exit[k]) k++;
    if (!t->exit || k == t->n) return NULL;
    uint8_t *x = ts_malloc(t->n);
    memcpy(x, t->exit, t->n);
    return x;
}

/* a trace's events (ctf, ftrace) into m: their names, times (time_ns.npy), exits (exit.npy)
 * and CPUs (cpu.npy); with channels, every field the trace has (what names it in errors),
 * the times as well (dt is the gaps between them) */
static int from_trace(ts_ctf_trace *t, int channels, const char *what, ts_mc *m, size_t *unseen)
{
    if (channels) {
        int64_t *ns = trace_times(t);
        uint8_t *ex = trace_exits(t);
        const size_t n = t->n;
        ts_mc_raw raw;
        int rc = ts_mc_from_trace(t, what, &raw);
        if (rc == 0) rc = ingest_channels(&raw, m, unseen);
        if (rc == 0 && ns && m->events.stream.n == m->n) m->events.time_ns = ns, ns = NULL;
        if (rc == 0 && ex && m->events.stream.n == m->n && m->n == n) m->events.exit = ex, ex = NULL;
        free(ns);
        free(ex);
        return rc;
    }
    ts_dataset *ds = &m->events;
    int rc = ts_dataset_from_names(t->names, t->n, ts_split_default_permille[0] / 1000.0, ds);
    if (rc == 0) *unseen = ingest_unseen(t->names, ds);
    if (rc == 0 && t->n == ds->stream.n) ds->time_ns = trace_times(t), ds->exit = trace_exits(t);
    size_t known = 0;
    while (t->cpu && known < t->n && t->n == ds->stream.n && t->cpu[known] >= 0) known++;
    if (rc == 0 && known == t->n && t->n) {
        /* and their CPUs: cpu.npy (train --reinterleave moves each CPU's events) */
        m->ch[TS_CH_CPU] = ts_malloc(t->n * sizeof *m->ch[TS_CH_CPU]);
        memcpy(m->ch[TS_CH_CPU], t->cpu, t->n * sizeof *m->ch[TS_CH_CPU]);
    }
    return rc;
}

/* 1 when `input` is a file of the dataset `out` that saving a dataset there writes or
 * removes (ts_mc_saved_files, and arch), by any path (a link too): read from there, the
 * new dataset would replace it, or the files that go with it (a stream of IDs read from
 * OUT/stream.txt would leave OUT without its vocab.tsv) */
static int out_file(const char *input, const char *out, const char *name)
{
    char *p = ts_path_join(out, name);
    const int hit = ts_same_file(input, p) == 1;
    free(p);
    return hit;
}

static int in_output(const char *input, const char *out)
{
    if (out_file(input, out, "arch")) return 1;   /* ts_mc_save_arch's */
    for (const char *const *f = ts_mc_saved_files(); *f; f++)
        if (out_file(input, out, *f)) return 1;
    return 0;
}

/* -1 with *a < *b naming two inputs that are one file (by any path), else 0 (one that
 * cannot be read is named when it is read). Of several such pairs, the one whose later
 * input comes first, with the first input before it that is the same file. Each input is
 * looked at once and the files sorted, not compared pair by pair: strace -ff writes one
 * log per thread, thousands for a busy server. */
typedef struct { dev_t dev; ino_t ino; int i; } input_file;

static int cmp_input_file(const void *pa, const void *pb)
{
    const input_file *x = pa, *y = pb;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* the usage error of inputs a and b that are one file (what: "log", "trace"): each named
 * as given, '-' as standard input */
static int same_said(const char *a, const char *b, const char *what)
{
    const char *na = cli_input_name(a), *nb = cli_input_name(b);
    if (na != a && nb != b) return cli_usage_error("ingest", "standard input (-) is given twice");
    char qa[4096], qb[4096];
    snprintf(qa, sizeof qa, na != a ? "%s" : "'%s'", na);
    snprintf(qb, sizeof qb, nb != b ? "%s" : "'%s'", nb);
    return cli_usage_error("ingest", "%s and %s are the same %s", qa, qb, what);
}

static int same_input(const char **inputs, int n, int *a, int *b)
{
    input_file *f = ts_malloc((size_t)n * sizeof *f);
    int m = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(inputs[i], &st) != 0) continue;
        f[m++] = (input_file){st.st_dev, st.st_ino, i};
    }
    qsort(f, (size_t)m, sizeof *f, cmp_input_file);
    int found = 0;
    *a = *b = 0;
    for (int k = 1; k < m; k++) {
        /* one file's inputs in order: its first input and its second */
        if (f[k].dev != f[k - 1].dev || f[k].ino != f[k - 1].ino) continue;
        if (k >= 2 && f[k - 2].dev == f[k].dev && f[k - 2].ino == f[k].ino) continue;
        if (!found || f[k].i < *b) *a = f[k - 1].i, *b = f[k].i;
        found = 1;
    }
    free(f);
    return found ? -1 : 0;
}

/* 1 when the split.txt at txt, a regular file, records the events of the split's dataset
 * (stream_crc: ts_split_file_check compares them); len: the --length it names ("L" when
 * none), which split requires; -1 with the error where a replacement of the split's files
 * in its folder cannot be completed: what it records is not known */
static int records_events(const char *txt, char len[32])
{
    ts_split_record r;
    snprintf(len, 32, "L");
    const int none = ts_split_record_read(txt, &r);
    if (none) return none < 0 ? -1 : 0;
    if (r.length) snprintf(len, 32, "%ld", r.length);   /* none that reads: the command says L */
    const int found = r.has_crc;
    ts_split_record_free(&r);
    return found;
}

/* the splits of DIR's events inside DIR (folders holding split.txt, as split DIR -o
 * DIR/split makes, and DIR itself after split DIR -o DIR): counted (warn 0), or, after DIR's events changed, said (warn 1): they
 * still hold windows of the old events, which eval, impute and score refuse (a split
 * made before splits recorded their events, they would read as these); not removed (the
 * folder is the user's; a split of another dataset kept in DIR, whose windows are still
 * that dataset's, is not said) */
static int old_splits(const char *dir, int warn)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* its folders' splits, and its own (split DIR -o DIR: its '.') */
        const int own = !strcmp(e->d_name, ".");
        if (e->d_name[0] == '.' && !own) continue;
        char *sub = own ? ts_strdup(dir) : ts_path_join(dir, e->d_name), *txt = ts_path_join(sub, "split.txt");
        /* a split that records its dataset's events is said when its files are now refused:
         * one of another dataset kept here holds that dataset's windows, still read */
        int stale = warn;
        char len[32] = "L";
        const int records = warn && ts_file_exists(txt) ? records_events(txt, len) : 0;
        if (records > 0) {
            char *file = ts_path_join(sub, "testing");
            stale = ts_split_file_check(file) != 0;
            ts_clear_error();
            free(file);
        } else if (records < 0) {   /* its record not known: said as it is, not taken for an old split */
            cli_say(stderr, "tracesynth: warning: %s (a split there may hold windows of the stream this ingest "
                    "replaced)\n", ts_error());
            ts_clear_error();
            stale = 0;
        }
        if (ts_file_exists(txt)) {
            n++;
            if (stale) {   /* the command quoted for the shell, as the split check's error */
                char *wd = ts_shell_word(dir), *ws = ts_shell_word(sub);
                cli_say(stderr, "tracesynth: warning: %s: a split of the stream this ingest replaced (its windows "
                        "are the old events'); make it again: tracesynth split %s --length %s -o %s, with its other "
                        "options (%s names them)\n", sub, wd, len, ws, txt);
                free(wd);
                free(ws);
            }
        }
        free(txt);
        free(sub);
    }
    closedir(d);
    return n;
}

int cmd_ingest(int argc, char **argv)
{
    static const char *const froms[] = {"ids", "npy", "strace", "ctf", "ftrace", "perf", NULL};
    static const char *const kinds[] = {"syscalls", "all", NULL};
    const char *out = NULL, *comm = NULL, *arch_s = NULL;
    int from_i = -1, events_i = -1, concat = 0, exits = 0, strict = 0, channels = 0, no_recon = 0, quiet = 0;
    long cpu = -1;
    const ts_option opts[] = {
        TS_OPT_CHOICE_(0, "from", &from_i, "FORMAT", froms, "ids, npy, strace, ctf, ftrace or perf (required;\n"
                       "see above)"),
        TS_OPT_STR_F_('o', "output", &out, "DIR", TS_OPT_REQUIRED,
                      "output dataset directory (created; stream.txt,\n"
                      "vocab.tsv and, for a trace's named events (not ids or\n"
                      "npy), arch (one word: the architecture) are replaced;\n"
                      "a dataset's or a split's own file, there or not yet,\n"
                      "is refused)"),
        TS_OPT_FLAG_(0, "concat", &concat, "npy: join the rows of a (N, L) array into one stream"),
        TS_OPT_STR_(0, "comm", &comm, "NAME", "ctf, ftrace, perf: keep the events of threads named\n"
                    "NAME"),
        TS_OPT_FLAG_(0, "exits", &exits, "ctf, ftrace, perf: record system call exits too"),
        TS_OPT_CHOICE_(0, "events", &events_i, "syscalls|all", kinds, "ctf, ftrace, perf: system calls (default) or every\n"
                       "event"),
        TS_OPT_LONG_(0, "cpu", &cpu, "N", 0, 65535, "ctf, ftrace, perf: keep the events of CPU N"),
        TS_OPT_FLAG_(0, "strict", &strict, "ctf: a truncated stream file is an error"),
        TS_OPT_FLAG_(0, "no-reconstructed", &no_recon, "ctf, ftrace, perf: leave out the events tracesynth\n"
                     "fill reconstructed (by default each is read as the\n"
                     "event it stands for)"),
        TS_OPT_STR_(0, "arch", &arch_s, "ARCH", "strace, ctf, ftrace, perf: x86_64, i386, arm or\n"
                    "aarch64"),
        TS_OPT_FLAG_(0, "channels", &channels, "strace, ctf, ftrace, perf: also each event's\n"
                     "channels, one .npy each beside stream.txt: dt, comm,\n"
                     "ret, tid, cpu (see README); ctf, ftrace, perf, strace\n"
                     "-ttt: time_ns.npy too"),
        CLI_QUIET_OPTIONS(&quiet, "ctf: no progress (the events read, once a second\n"
                          "after the first; in a log, not a terminal, every 30 s)"),
        TS_OPT_END_,
    };
    const ts_opt_spec spec = {
        "ingest", "tracesynth ingest --from ids|npy|strace|ctf|ftrace|perf INPUT... -o DIR\n"
        "                         [OPTIONS]", about,
        opts, 1, 1 << 20, "INPUT", 0, NULL,
    };
    ts_opt_result args;
    int prc = ts_opt_parse(&spec, argc, argv, &args);
    if (prc) {
        ts_opt_free(&args);
        return prc == 1 ? 0 : prc;
    }
    if (cli_output_no_stdout("ingest", "-o", out, "the dataset is a directory")) { ts_opt_free(&args); return 2; }
    const char **inputs = args.pos;
    int ninputs = args.npos;
    for (int i = 0; i < ninputs; i++)   /* '-': standard input, as '-o -' is standard output elsewhere */
        if (cli_input_stdin(&inputs[i]) < 0) {
            ts_opt_free(&args);
            return cli_fail();
        }
    const char *in0 = ninputs > 0 ? cli_input_name(inputs[0]) : NULL;   /* as messages name it */
    /* perf script's text is read by the ftrace text reader */
    const char *from = from_i < 0 ? NULL : !strcmp(froms[from_i], "perf") ? "ftrace" : froms[from_i];
    /* perf trace's output (not perf script's) is read as a strace log; a pipe or FIFO is
     * perf script's text, as before (its first lines, once looked at, would be gone) */
    int perf_trace = 0;
    struct stat in_st;
    if (from_i >= 0 && !strcmp(froms[from_i], "perf") && ninputs > 0 && stat(inputs[0], &in_st) == 0 &&
        S_ISREG(in_st.st_mode)) {
        perf_trace = ts_perf_trace_file(inputs[0]);
        if (perf_trace < 0) { ts_opt_free(&args); return cli_fail(); }
        if (perf_trace) from = "strace";
    }
    /* where --from perf was given for perf trace's output, the options of perf script's
     * text say why they do not apply */
    char why[1024] = "";
    if (perf_trace)
        snprintf(why, sizeof why, " (perf script's text; %s is perf trace's output, read as a strace log)", in0);
    const char *events = events_i >= 0 ? kinds[events_i] : NULL;
    const char *cpu_s = cpu >= 0 ? "--cpu" : NULL;
    int bad = 0;
    /* the options of CTF traces apply to ftrace's alike */
    const int traced = from && (!strcmp(from, "ctf") || !strcmp(from, "ftrace"));
    if (!from) bad = cli_usage_error("ingest", "--from ids|npy|strace|ctf|ftrace|perf is required");
    else if (concat && strcmp(from, "npy"))
        bad = cli_usage_error("ingest", "--concat applies to --from npy only");
    else if (comm && !traced)
        bad = cli_usage_error("ingest", "--comm applies to --from ctf, ftrace and perf only%s", why);
    else if (exits && !traced)
        bad = cli_usage_error("ingest", "--exits applies to --from ctf, ftrace and perf only%s", why);
    else if ((events || cpu_s) && !traced)
        bad = cli_usage_error("ingest", "%s applies to --from ctf, ftrace and perf only%s", events ? "--events" : "--cpu",
                              why);
    else if (strict && strcmp(from, "ctf"))
        bad = cli_usage_error("ingest", "--strict applies to --from ctf only");
    else if (no_recon && !traced)
        bad = cli_usage_error("ingest", "--no-reconstructed applies to --from ctf, ftrace and perf only%s", why);
    else if (arch_s && !traced && strcmp(from, "strace"))
        bad = cli_usage_error("ingest", "--arch applies to --from strace, ctf, ftrace and perf only");
    else if (channels && !traced && strcmp(from, "strace"))
        bad = cli_usage_error("ingest", "--channels applies to --from strace, ctf, ftrace and perf only");
    else if (ninputs > 1 && strcmp(from, "strace") && strcmp(from, "ftrace"))
        bad = cli_usage_error("ingest", "--from %s takes one INPUT, got %d", from, ninputs);
    int d0, d1;
    if (!bad && ninputs > 1 && same_input(inputs, ninputs, &d0, &d1))   /* its calls would count twice */
        bad = same_said(inputs[d0], inputs[d1], strcmp(from, "ftrace") ? "log" : "trace");
    for (int i = 0; !bad && out && i < ninputs; i++)
        if (in_output(inputs[i], out))
            bad = cli_usage_error("ingest", "'%s' is a file of the dataset %s, which the new one replaces with its "
                                  "files (vocab.tsv and channel files it lacks removed); write it to another "
                                  "directory", cli_input_name(inputs[i]), out);
    /* a CTF trace's own directory: the dataset's files among its streams would make it
     * unreadable (babeltrace2 reads every file there as a stream) */
    if (!bad && out && !strcmp(from, "ctf")) {
        char *tdir = ts_ctf_trace_dir(inputs[0]);
        if (tdir && ts_same_file(tdir, out) == 1)
            bad = cli_usage_error("ingest", "-o %s is the CTF trace %s: the dataset's files among its streams would "
                                  "make it unreadable; write it to another directory", out, tdir);
        free(tdir);
        ts_clear_error();   /* no trace there: the reading says so */
    }
    ts_arch arch = TS_ARCH_UNKNOWN;
    if (!bad && arch_s && ts_arch_parse(arch_s, &arch)) bad = cli_usage_error("ingest", "--arch: %s", ts_error());
    if (bad) {
        ts_opt_free(&args);
        return bad;
    }
    /* the output refused now, not after the input is read (and warned about); a folder
     * made at the name of a dataset's or a split's own file would be read as that file */
    if (cli_output_not_dataset(out, "-o", out, "DIR", NULL, 0) || ts_out_dir_check(out)) {
        ts_opt_free(&args);
        return cli_fail();
    }

    /* the dataset, with its channels under --channels: one save writes it and removes
     * what an earlier ingest left that it lacks (vocab.tsv, times, channel files) */
    ts_mc m;
    memset(&m, 0, sizeof m);
    ts_dataset *ds = &m.events;
    ds->vocab.unk = -1;
    int rc = 0;
    size_t unseen = 0;   /* later events with names the training part lacks */
    if (!strcmp(from, "ids")) {
        size_t lines, width;
        rc = ts_seq_read_lines(inputs[0], &ds->stream, &lines, &width);
        if (rc == 0) rc = names_beside(inputs[0], lines, width, ds, &unseen);   /* its error alone, no note before */
        /* lines of one length are a window file's shape (the study's training and testing
         * files): joined as the help says, the windows overlap in the stream; one ID a line
         * is a stream written a line an ID (newlines separate), no window file's */
        if (rc == 0 && lines > 1 && width > 1)
            cli_say(stderr, "tracesynth: note: ingest: %s: %zu lines of %zu ID%s each, as a window file's, joined into one "
                    "stream of %zu events; windows are read as windows by impute --input, eval and audit, or as "
                    "DATASET/sequence_length_%zu/training and testing (train --split paper)\n", in0, lines, width,
                    ts_plural(width), ds->stream.n, width);
    } else if (!strcmp(from, "npy")) {
        ts_npy a;
        ts_windows w;
        rc = ts_npy_read(inputs[0], &a);
        if (rc == 0) {
            rc = ts_npy_to_windows(&a, inputs[0], -1, &w);
            ts_npy_free(&a);
        }
        if (rc == 0 && w.n > 1 && !concat) {
            rc = ts_fail("%s: %zu windows of %zu event%s: a dataset is one contiguous stream; give "
                         "one row, or --concat to join the rows (window boundaries are lost)",
                         in0, w.n, w.len, ts_plural(w.len));
            ts_windows_free(&w);
        }
        if (rc == 0) {
            ds->stream.ids = w.data;
            ds->stream.n = w.n * w.len;
            rc = names_beside(inputs[0], w.n, w.len, ds, &unseen);
        }
    } else if (!strcmp(from, "strace") && channels) {
        ts_mc_raw raw;
        char *notes;
        rc = ts_mc_from_strace_many(inputs, ninputs, &raw, &notes);
        say_notes(notes);
        /* the times of a clock other recordings share: time_ns.npy, as ctf's and ftrace's */
        int64_t *ns = NULL;
        const size_t n = raw.n;
        if (rc == 0 && raw.clock && raw.time_ns) {
            ns = ts_malloc((n ? n : 1) * sizeof *ns);
            memcpy(ns, raw.time_ns, n * sizeof *ns);
        }
        if (rc == 0) rc = ingest_channels(&raw, &m, &unseen);
        if (rc == 0 && ns && ds->stream.n == n) ds->time_ns = ns, ns = NULL;
        free(ns);
        if (arch == TS_ARCH_UNKNOWN) arch = ts_arch_host();
    } else if (!strcmp(from, "strace")) {
        char **names;
        size_t n;
        char *notes;
        int64_t *ns;
        rc = ts_strace_read_times(inputs, ninputs, &names, &ns, &n, &notes);
        say_notes(notes);
        if (rc == 0) rc = from_names(names, n, ds, &unseen);
        if (rc == 0 && ns && ds->stream.n == n) ds->time_ns = ns, ns = NULL;
        free(ns);
        if (arch == TS_ARCH_UNKNOWN) arch = ts_arch_host();
    } else if (!strcmp(from, "ftrace")) {
        ts_ctf_opts o = {comm, exits, events && !strcmp(events, "all") ? TS_CTF_ALL : TS_CTF_SYSCALLS, cpu, no_recon, 0};
        ts_ctf_trace t;
        char *notes;
        /* (--from perf: its errors name perf's text) */
        rc = (strcmp(froms[from_i], "perf") ? ts_ftrace_load : ts_perf_load)(
            inputs, ninputs, &o, arch == TS_ARCH_UNKNOWN ? NULL : ts_arch_name(arch), &t, &notes);
        if (rc == 0) {
            say_notes(notes);
            char who[512];
            snprintf(who, sizeof who, "%s%s", in0, ninputs > 1 ? " (and the files after it)" : "");
            ctf_report(who, &t, 0, cpu, !no_recon);
            /* no loss reported may mean none shown: perf script shows its losses only when asked */
            if (t.perf_no_lost_lines) cli_note_perf_no_lost("ingest", who);
            ts_arch_parse(t.arch, &arch);
            rc = from_trace(&t, channels, who, &m, &unseen);
            ts_ctf_trace_free(&t);
        }
    } else {
        ts_ctf_opts o = {comm, exits, events && !strcmp(events, "all") ? TS_CTF_ALL : TS_CTF_SYSCALLS, cpu, no_recon,
                         !quiet};
        ts_ctf_trace t;
        rc = channels ? ts_ctf_load_fields(inputs[0], &o, &t) : ts_ctf_load(inputs[0], &o, &t);
        int loaded = rc == 0;
        if (rc == 0 && t.reconstructed)   /* as ftrace's reader notes them */
            cli_say(stderr, "tracesynth: warning: %s: %zu event%s reconstructed by tracesynth fill (" TS_RECON_CLASS
                            "): %s\n", in0, t.reconstructed, ts_plural(t.reconstructed),
                    no_recon ? "left out" : "read as the events they stand for");
        if (rc == 0) rc = ctf_report(in0, &t, strict, cpu, !no_recon);
        if (rc == 0) {
            ts_arch from_trace_arch = TS_ARCH_UNKNOWN;
            if (t.arch[0]) ts_arch_parse(t.arch, &from_trace_arch);
            if (from_trace_arch != TS_ARCH_UNKNOWN) {
                if (arch != TS_ARCH_UNKNOWN && arch != from_trace_arch)
                    cli_say(stderr, "tracesynth: warning: %s: --arch %s, but the trace's %s say %s; "
                                    "using %s\n", in0, ts_arch_name(arch),
                            t.arch_from && !strcmp(t.arch_from, "env") ? "environment" : "declared system calls",
                            t.arch, ts_arch_name(arch));
                else
                    arch = from_trace_arch;
            } else if (arch == TS_ARCH_UNKNOWN) {
                arch = ts_arch_host();
                cli_say(stderr, "tracesynth: warning: %s: the trace does not tell its architecture; "
                                "assuming the host's (%s); --arch sets it\n", in0, ts_arch_name(arch));
            }
            rc = from_trace(&t, channels, in0, &m, &unseen);
        }
        if (loaded) ts_ctf_trace_free(&t);
    }
    if (rc == 0) {
        m.n = ds->stream.n;
        m.ch[TS_CH_EVENT] = ds->stream.ids;
        /* DIR/arch (the table that names the events, read by eval) in the dataset's set:
         * written or removed with it */
        /* the events read again only where a split of them is there to warn of */
        uint64_t before = old_splits(out, 0) ? ts_dataset_events_crc(out) : 0;
        rc = ts_mc_save_arch(out, &m, ds->vocab.n > 0 && arch != TS_ARCH_UNKNOWN ? ts_arch_name(arch) : NULL);
        if (rc == 0 && before && ts_dataset_events_crc(out) != before) old_splits(out, 1);
    }
    if (rc == 0) {
        printf("%zu event%s", ds->stream.n, ts_plural(ds->stream.n));
        if (ds->vocab.n > 0) {
            char empty[128];   /* names are learned from one event at least, as constraints' */
            cli_train_events(ds->stream.n, NULL, empty, sizeof empty);
            printf(", %d name%s + <unk> (%zu later %s unseen in the first 70%%%s%s)", ds->vocab.n - 1,
                   ts_plural((size_t)(ds->vocab.n - 1)), unseen, unseen == 1 ? "event has a name" : "events have names",
                   empty[0] ? "; " : "", empty);
        } else {
            printf(", IDs 0..%d", ts_ids_span(ds->stream.ids, ds->stream.n) - 1);
        }
        cli_say(stdout, " -> %s\n", out);
    }
    ts_mc_free(&m);
    ts_opt_free(&args);
    return rc ? cli_fail() : 0;
}
