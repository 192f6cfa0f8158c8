/* tracesynth — lost events in LTTng traces: read a CTF trace as a stream of events
 * and discarded-event gaps, rewrite it through libbabeltrace2 (sink.ctf.fs) while
 * dropping events (simulated discard mode) or inserting reconstructed ones, list
 * the gaps, fill them with any model, and score a fill against the truth.
 *
 * Reading: src.ctf.fs -> flt.utils.muxer (time order across CPUs) -> our code.
 * Writing: ... -> a filter of ours that re-creates the trace's classes, streams and
 * packets and re-emits every message -> sink.ctf.fs. Nothing is held beyond one
 * packet per stream and the gaps' reconstructions, so memory does not grow with
 * the trace. */
#ifndef TRACESYNTH_GAPS_H
#define TRACESYNTH_GAPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* the event class of reconstructed events, and its payload members */
#define TS_RECON_CLASS "tracesynth:reconstructed"
/* the class of the thread changes export --format ctf adds before an event whose thread is
 * not its CPU's (payload as sched_switch's: prev_comm, prev_tid, next_comm, next_tid): read
 * as a switch, never as an event of the trace */
#define TS_SWITCH_CLASS "tracesynth:sched_switch"

/* TS_EV_EXEC: a recorded sched_process_exec (a reconstructed one is TS_EV_OTHER: the thread
 * it leaves on the CPU is not known) */
typedef enum { TS_EV_OTHER = 0, TS_EV_ENTRY, TS_EV_EXIT, TS_EV_SWITCH, TS_EV_EXEC } ts_ev_kind;

/* one event of the input, with what the reader knows of its context */
typedef struct {
    uint32_t    stream;      /* stream index, in order of first sight */
    int32_t     cpu;         /* packet context cpu_id; -1 unknown */
    int64_t     tid;         /* thread on the CPU (sched_switch, sched_process_exec); -1 unknown */
    int64_t     time_ns;     /* ns from the clock's origin; 0 without a clock */
    const char *name;        /* event class name */
    ts_ev_kind  kind;
    const char *call;        /* entry/exit: the system call ("" : old exit_syscall) */
    int64_t     prev_tid, next_tid;  /* sched_switch; sched_process_exec: the CPU's thread before
                                      * and after it (a thread other than its process's leader
                                      * takes the leader's tid, and its pending call goes with it) */
    int64_t     ret;         /* a recorded system call exit: its return value; else 0 */
    const char *recon;       /* a reconstructed event: the event it stands for; else NULL */
} ts_rw_event;

/* events the tracer reported lost in one stream */
typedef struct {
    uint32_t stream;
    int32_t  cpu;
    uint64_t index;          /* the gap's number within its stream, from 0 */
    uint64_t count;          /* 0 when not known */
    int      count_known;    /* babeltrace2 gave the count (not so for a stream's first
                                packet: the tracer "may have discarded" events before it) */
    int      has_times;
    int64_t  begin_ns, end_ns;
} ts_rw_gap;

typedef struct {
    void *user;
    int (*stream)(void *user, uint32_t stream, const char *name);   /* first sight; may be NULL */
    int (*event)(void *user, const ts_rw_event *e);                   /* may be NULL */
    int (*gap)(void *user, const ts_rw_gap *g);                       /* may be NULL */
    int progress;            /* print progress to stderr */
    /* ftrace text: the architecture whose table names raw_syscalls numbers (ts_arch_parse's
     * names: x86_64, aarch64, ...); NULL the host's. A CTF trace names its calls itself: an
     * architecture given for one is refused */
    const char *arch;
} ts_scan_hooks;

/* reads the trace at DIR (a CTF directory, or an LTTng session directory holding
 * kernel/) in time order. A hook returning nonzero stops with its error. The reading
 * runs in a child process (see ts_ctf_rewrite), the hooks in this one. */
int ts_ctf_scan(const char *dir, const ts_scan_hooks *h);

/* one reconstructed event */
typedef struct {
    const char *event;       /* the event class it stands for */
    double      confidence;  /* 0..1 */
    int64_t     tid;         /* the thread it is attributed to; -1 unknown */
    int64_t     next_tid;    /* a sched_switch: the thread it switches to; -1 unknown */
} ts_recon;

typedef struct {
    void *user;
    /* drop: 1 keep the event, 0 drop it (its stream's counter of discarded events grows), 2
     * keep it after the drops around it (CTF: held, and written with the stream's next event
     * kept with 1, after the discarded-events record, at that event's time; at the stream's
     * end in a packet of its own, at its time; ftrace text: kept in place, as 1), -1 stop
     * with the hook's error (ts_fail) */
    int (*keep)(void *user, const ts_rw_event *e);
    /* fill: the events to insert for a gap of the input (they are placed, with times
     * spread over the gap, at the start of the packet that follows it); *n = 0: none.
     * The array stays the hook's: it is read before the hook's next call (one gap's
     * events are held at a time) */
    int (*fill)(void *user, const ts_rw_gap *g, const ts_recon **ev, size_t *n);
    int progress;
    /* the rewriting runs in a child process, the hooks there on a copy of user: what they
     * learn reaches user here through save (the child writes it to out) and load (this
     * process reads it back, in the same binary); both may be NULL; 0 / -1 */
    int (*save)(void *user, FILE *out);
    int (*load)(void *user, FILE *in);
    const char *arch;        /* as ts_scan_hooks' */
    /* optional, in this process: the writes to streams (a device, a FIFO: written in place,
     * never taken back; fill's model to one), made last, once the new trace (and any file
     * put in place with it) is written, right before it is put in place: 0, or -1 with
     * the error, and nothing new is put in place */
    int (*last)(void *last_user);
    void *last_user;
} ts_rw_hooks;

/* writes a new CTF trace at OUT (replacing a previous trace there; refuses anything
 * else): every message of DIR re-emitted through sink.ctf.fs, with the hooks' changes.
 * libbabeltrace2 runs in a child process (as for ts_ctf_scan and ts_ctf_print_text): a
 * trace that crashes it, a child that runs past TRACESYNTH_CTF_TIMEOUT seconds (by
 * default 10 minutes plus one second per MB of the trace) or grows past
 * TRACESYNTH_CTF_MEMORY MB (by default half the machine's memory), is one error line
 * naming the trace, and nothing is left at OUT */
int ts_ctf_rewrite(const char *dir, const char *out, const ts_rw_hooks *h);

/* ftrace text (tracefs's trace or trace_pipe file, trace-cmd report's output; gzip read as
 * it is) read and rewritten through the same hooks (ftrace_gaps.c). Streams are the CPUs
 * (the stream's index is the CPU's number), gaps their lost-event markers ("CPU:N [LOST C
 * EVENTS]"; "[LOST EVENTS]" and "##### CPU N buffer started ####" have no count), from the
 * CPU's event before to its event after; events come in time order across CPUs, named as
 * LTTng names them (syscall_entry_NAME, syscall_exit_NAME, sched_switch, other events by
 * their own name), each with the thread of its line. The text is held whole in memory.
 * Rewriting writes one file at OUT (written aside and renamed), every line of PATH as it was
 * but for the hooks' changes: a dropped event's line is left out and "CPU:N [LOST C EVENTS]"
 * written before its CPU's next kept event; a gap's reconstructed events follow its marker
 * as TS_FTRACE_RECON lines (data.h), their times spread over the CPU's events around it. */
int ts_ftrace_scan(const char *path, const ts_scan_hooks *h);
int ts_ftrace_rewrite(const char *path, const char *out, const ts_rw_hooks *h);
/* PATH is taken as ftrace text when it is a regular file (a CTF trace is a directory) */
int ts_trace_is_ftrace(const char *path);
/* ts_ftrace_scan / ts_ctf_scan, ts_ftrace_rewrite / ts_ctf_rewrite, by the kind of PATH; gaps,
 * drop, fill and the system call analysis below read and write either kind */
int ts_trace_scan(const char *path, const ts_scan_hooks *h);
int ts_trace_rewrite(const char *path, const char *out, const ts_rw_hooks *h);
/* what ts_trace_rewrite (ts_ctf_rewrite) would refuse about OUT before reading PATH: OUT the
 * input trace (or one holding it), a directory for ftrace text, a folder holding something
 * other than a trace for CTF, or a place that cannot be written. Checked before long work
 * (fill's training), leaving nothing behind. 0 / -1 naming OUT */
int ts_trace_rewrite_check(const char *path, const char *out);
int ts_ctf_rewrite_check(const char *dir, const char *out);

/* the trace in babeltrace2's text format (sink.text.pretty) to f (written through its
 * descriptor by a child process; this process's stdout and stderr are not touched), with
 * its warnings about gaps (which babeltrace2 writes to stderr) when f is not stdout. 0;
 * 1 when f's reader went away (a pipe or FIFO closed: the text is cut there, no error);
 * -1 and one error line (a NULL dir or f: "ts_ctf_print_text: f is NULL") */
int ts_ctf_print_text(const char *dir, FILE *f);

/* the trace directory of DIR (DIR or DIR/kernel), malloc'd; NULL and one error line when
 * DIR holds no trace or a stream file is shorter than its LTTng index (or DIR is NULL) */
char *ts_ctf_trace_dir(const char *dir);

/* ---- gaps ---- */
typedef struct {
    ts_rw_gap g;
    char     *stream_name;
    char     *before, *after;      /* last event before, first after (names; NULL none) */
    int64_t   before_ns, after_ns;
} ts_gap_info;
typedef struct {
    ts_gap_info *gaps;
    size_t       n;
    char       **stream_names;
    int32_t     *stream_cpu;
    uint64_t    *stream_events;     /* recorded events (reconstructed ones apart) */
    uint64_t    *stream_recon;      /* events of class tracesynth:reconstructed */
    size_t       n_streams;
    uint64_t     events, recon;
    uint64_t     overwritten;       /* ftrace text: the oldest events its header says the tracer
                                     * overwrote before the trace was read (written - kept, in
                                     * no gap: before each CPU's first event); else 0 */
    int          overwritten_whole_trace;   /* 1: overwritten is the whole trace's, every CPU's,
                                     * while the file holds one CPU's events alone (tracefs's
                                     * per_cpu/cpuN/trace repeats the trace's header): how
                                     * many were that CPU's it does not say; else 0 */
    int          perf_no_lost_lines;   /* 1: perf script's text without a PERF_RECORD_LOST line,
                                     * which perf script prints only with --show-lost-events:
                                     * the text cannot show whether events were lost; else 0 */
    char        *notes;             /* ftrace text: what its reader says the caller should warn
                                     * about, as ts_ftrace_load's notes (lines, each ending in a
                                     * newline: a last line cut while written, left out); NULL
                                     * none */
} ts_gap_list;
int  ts_gaps_find(const char *dir, int progress, ts_gap_list *out);
/* the same, ftrace text's raw_syscalls numbers named through arch's table (ts_scan_hooks) */
int  ts_gaps_find_arch(const char *dir, const char *arch, int progress, ts_gap_list *out);
void ts_gap_list_free(ts_gap_list *l);

/* ---- drop: simulated discard mode ---- */
typedef struct {
    double   rate;           /* share of events to drop, 0..1 */
    long     burst_min, burst_max;   /* events per burst, uniform */
    uint64_t seed;
    int      progress;
    int      record;         /* keep the dropped events (ts_drop_stats.gaps) */
    const char *arch;        /* ftrace text: raw_syscalls' table (ts_scan_hooks); NULL the host's */
} ts_drop_opts;
/* what was dropped: per stream, gap after gap (a gap: consecutive dropped events of one
 * stream; bursts that follow each other make one gap) */
typedef struct {
    uint32_t stream;         /* the stream's index (ts_rw_event's), as the dropped trace's */
    int32_t  cpu;
    uint64_t index;          /* the gap's number within its stream (ts_rw_gap's in the dropped
                              * trace: a CPU may have more than one stream, one per channel) */
    size_t   n;
    char   **names;          /* event class names */
} ts_drop_gap;
typedef struct {
    uint64_t events, dropped, bursts;
    ts_drop_gap *gaps;       /* filled when the options ask for it */
    size_t       n_gaps;
    char        *notes;      /* ftrace text: its reader's notes, as ts_gap_list's; NULL none */
} ts_drop_stats;
void ts_drop_stats_free(ts_drop_stats *st);
int ts_ctf_drop(const char *dir, const char *out, const ts_drop_opts *o, ts_drop_stats *st);
/* the largest share bursts of burst_min..burst_max events can drop: a burst follows a kept
 * event, so bursts of mean B drop at most B / (B + 1); ts_ctf_drop refuses a higher rate.
 * Sizes ts_ctf_drop refuses (burst_min < 1, burst_max < burst_min): NaN + error */
double ts_drop_rate_max(long burst_min, long burst_max);

/* ---- fill ---- */
typedef struct {
    const char *model;       /* a model file, or a model name (trained per CPU on the trace) */
    ts_kv       kv;          /* model options (training) */
    size_t      context;     /* events of context on each side of a gap (0: 32) */
    size_t      length;      /* window length when training a model of fixed length (0: 200) */
    size_t      max_train;   /* events per CPU kept for training (0: 500,000): bounds memory */
    const char *save_model;  /* also save a model trained on every CPU's events here, put in
                              * place with the new trace, one group commit (ts_stage_commit_with:
                              * also under SIGKILL): none where the trace fails (a
                              * device or FIFO: written last, once the trace and its text
                              * are, before they are put in place) */
    int         one_model;   /* train one model on every CPU's events, not one per CPU */
    uint64_t    seed;
    int         progress;    /* progress lines on stderr (nothing is printed otherwise) */
    const char *arch;        /* ftrace text: raw_syscalls' table (ts_scan_hooks); NULL the host's */
    /* CTF: also the new trace in babeltrace2's text format (ts_ctf_print_text) at this
     * file, put in place with the trace: one commit when it is in the trace's folder, else
     * staged in its own folder and committed with the trace (and the saved model) as one
     * group (ts_stage_commit_with), so that a signal, SIGKILL or a power cut leaves both
     * old or both new; a device or
     * FIFO (standard output: /dev/stdout) gets it last, from the new trace written aside,
     * right before it is put in place: one that fails leaves neither the trace nor the
     * model; one whose reader went away (EPIPE) leaves both, the result's text_cut set.
     * A name ending in .gz is written gzip-compressed. NULL: none */
    const char *text;
    int         record;      /* keep each gap's reconstructed events in the result (ts_fill_gap's
                              * names and conf, for scoring); 0: their count alone */
    /* the seed was chosen: an error (the result's seed_unread) where nothing the fill does
     * draws by it, found once the gaps are read and before anything is written: the model's
     * training and imputation draw nothing, or (the n-gram) it draws only a gap with no
     * event on either side (as where a CPU lost every event) and no gap is one */
    int         seed_set;
    /* the trace and out as the progress lines name them (NULL: as given; the CLI's
     * "standard input" for the /dev/stdin it reads '-' through) */
    const char *dir_shown, *out_shown;
} ts_fill_opts;
/* one gap's reconstruction */
typedef struct {
    uint32_t stream;
    int32_t  cpu;
    uint64_t index;
    size_t   n;              /* the events reconstructed there */
    const char **names;      /* (n) with record: their event classes (strings of the result's
                              * class_names); else NULL */
    double  *conf;           /* (n) with record: the confidence written with each; else NULL */
} ts_fill_gap;
typedef struct {
    ts_fill_gap *gaps;
    size_t       n;
    char       **class_names;    /* with record: the strings the gaps' names point to */
    size_t       n_class_names;
    uint64_t     events, reconstructed;
    uint64_t     too_long, too_long_events;   /* gaps over 2^24 events, left unfilled, and their events */
    /* gaps of more than TS_FILL_OUTSIZED times the events their model was trained on (a model
     * trained by the fill, not one from a file), their events, the most events one of those
     * models was trained on, and how many such models there are */
    uint64_t     outsized, outsized_events, outsized_trained;
    int          outsized_models;
    int          perf_no_lost_lines;   /* as ts_gap_list's: perf script's text without a
                                        * PERF_RECORD_LOST line (none shown, maybe none lost) */
    char        *notes;      /* ftrace text: its reader's notes, as ts_gap_list's; NULL none */
    double       train_s, impute_s, write_s;
    int          seed_unread;   /* failed as seed_set asks: nothing read the seed */
    int          text_cut;      /* the text's stream (ts_fill_opts' text) lost its reader
                                 * before the end (EPIPE): cut there, the trace put in place */
} ts_fill_result;
#define TS_FILL_OUTSIZED 10
/* the most events ts_ctf_fill reconstructs in one trace, over the gaps it fills (each held
 * until written, 6 bytes): a trace whose gaps lost more is refused before any training */
#define TS_FILL_MAX_EVENTS (1ull << 28)
int  ts_ctf_fill(const char *dir, const char *out, const ts_fill_opts *o, ts_fill_result *res);
void ts_fill_result_free(ts_fill_result *r);

/* ---- a reconstruction consistent with the trace around its gap (consistent.c) ---- */
/* what the trace tells around one gap of a CPU */
typedef struct {
    int64_t     tid_before;      /* the thread running when the gap began; -1 unknown */
    int         pending_unknown; /* which call it is inside is not known (pending_before ignored) */
    const char *pending_before;  /* the call it is inside then (entry seen, exit not); NULL none */
    int64_t     tid_after;       /* the thread running after the gap; -1 unknown */
    int         pending_after_known;
    const char *pending_after;   /* the call tid_after was inside when the gap began (it last
                                  * left a CPU inside it); NULL none */
    ts_ev_kind  after_kind;      /* the CPU's first system call event after the gap, before any
                                  * switch: TS_EV_ENTRY, TS_EV_EXIT; TS_EV_OTHER: none seen */
    const char *after_call;      /* its call ("" an old exit_syscall) */
    int         old_names;       /* the trace names calls sys_X / exit_syscall (before LTTng 2.6) */
    const int64_t *mid;          /* threads for the segments between two reconstructed switches
                                  * that begin with clone's exit, in order (children of clone
                                  * never seen running) */
    size_t      n_mid;
    size_t      before_max;      /* the thread before cannot own events from here on (it ran on
                                  * another CPU then), unless it came back: n none */
    size_t      after_min;       /* the thread after cannot own events before this one: 0 none */
    int         entries_only;    /* the trace records system call entries alone (no exit):
                                  * nothing to pair */
    int         no_switches;     /* the trace records no sched_switch: a change of thread in
                                  * the gap puts none in (the first half of the events, rounded
                                  * down, is the thread before's, the rest the thread after's) */
} ts_gap_side;
/* the kind of an event class name, and for entries/exits the call (NULL otherwise; call may
 * be NULL). A NULL name: TS_EV_OTHER with the error "ts_gap_classify: name is NULL" */
ts_ev_kind ts_gap_classify(const char *name, const char **call);
/* makes the n reconstructed events names[] of one gap agree with s: threads per segment
 * between reconstructed sched_switches (the first segment the thread before, the last the
 * thread after; with no switch and the thread before unknown, the one segment the thread
 * after; one between two switches: 0 (idle) without system calls; one whose first
 * system call event is clone's exit: the next of s->mid, else -1; else the thread before
 * when the thread after is the same, else -1; returns how many of s->mid it used),
 * written to tid[] and next_tid[] (a switch: the thread it switches to; else -1); a
 * switch added when the thread changed and the model put none (in a trace recording no
 * switches, s->no_switches, the gap split between the two threads instead); and, per segment of a
 * known thread, the fewest renames of names[] (through intern, which returns a string that
 * outlives names) so that entries and exits pair, from the call the thread before is
 * inside to the state the first system call event after the gap shows (none when the
 * trace records entries alone) */
size_t ts_gap_consistent(const ts_gap_side *s, const char **names, size_t n,
                         const char *(*intern)(void *u, const char *name), void *u, int64_t *tid, int64_t *next_tid);

/* ---- scoring: a system call analysis ---- */
/* per thread (the thread on the CPU from sched_switch and sched_process_exec; a reconstructed
 * event's own tid), system call entries, and entries left without their exit (another entry
 * of the same thread came first, another thread of its process exec'd and took its tid, or
 * the trace ended), among the entries of calls that return (all but exit and exit_group)
 * made by a known thread; and exits of a known thread that close no call (none open, or
 * another one: its entry was lost, or the call began before the thread's first switch),
 * but for a new thread's return from the call that made it (ts_sc_child_returns) */
typedef struct {
    int64_t *tid;
    int64_t *entries;
    size_t   n;
    uint64_t total, returning, unmatched;
    uint64_t gaps, lost;     /* the trace's gaps, and the events lost in those with a count */
    uint64_t exits, stray_exits;
} ts_sc_analysis;
int    ts_sc_analyse(const char *dir, int progress, ts_sc_analysis *out);
/* the same, ftrace text's raw_syscalls numbers named through arch's table (ts_scan_hooks) */
int    ts_sc_analyse_arch(const char *dir, const char *arch, int progress, ts_sc_analysis *out);
void   ts_sc_analysis_free(ts_sc_analysis *a);
/* sum over threads of |entries - true entries| / true entries in all; without true entries
 * 0 if a has none either, else NaN (any entry is wrong, but no share of none). A NULL
 * analysis, or one counting threads without their arrays: NaN + error naming it */
double ts_sc_count_error(const ts_sc_analysis *truth, const ts_sc_analysis *a);
/* unmatched / returning entries (0 without any); a NULL a: NaN + error */
double ts_sc_unmatched_share(const ts_sc_analysis *a);
/* stray exits / exits of known threads (0 without any); a NULL a: NaN + error */
double ts_sc_stray_exit_share(const ts_sc_analysis *a);
/* 1 when an exit of call may be a new thread's first event, which returns from the call that
 * made it and was never entered (clone, clone3, fork, vfork), else 0 */
int    ts_sc_child_returns(const char *call);

#ifdef __cplusplus
}
#endif

#endif
