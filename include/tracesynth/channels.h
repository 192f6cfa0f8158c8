/* tracesynth — multi-channel traces (design/PROTOCOLS.md §3–4).
 *
 * Each event carries up to six channels, encoded as in PROTOCOLS.md §4:
 *   event  the event name's frequency rank (0 = most common): stream.txt + vocab.tsv
 *   dt     log(1 + Δt in ns), Δt the time since the previous event (0 for the first)
 *   comm   the process name's frequency rank from 2; 0 = PAD (none), 1 = UNK
 *   ret    the return value: the 1024 most frequent values get IDs from 2 by rank;
 *          0 = PAD (no return value), 1 = UNK (any other value)
 *   tid    the thread ID mod 256
 *   cpu    the CPU number, as is
 * Ranks come from the training part (the first train_frac of the events), as for the
 * event names. On disk a multi-channel dataset is a single-channel dataset directory
 * (stream.txt, vocab.tsv; every single-channel command reads it as before) plus one
 * .npy per further channel: dt.npy (float32, n), comm.npy, ret.npy, tid.npy, cpu.npy
 * (int32, n), and comm.vocab.tsv, ret.vocab.tsv (ID, name or value, count). A channel
 * whose file is absent is absent (strace logs have no CPU). A set of windows (generated,
 * or repaired or imputed from such) records their length in a file "length" (the number
 * and a newline; ts_mc_save_windows): its events are windows of that many events, one
 * after the other; without it the dataset is one sequence.
 *
 * A NULL argument the comments below do not allow (and a count of events with a NULL array
 * for them) is refused with -1 and the error "FUNCTION: ARGUMENT is NULL", an output given
 * emptied first. */
#ifndef TRACESYNTH_CHANNELS_H
#define TRACESYNTH_CHANNELS_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "data.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { TS_CH_EVENT = 0, TS_CH_DT, TS_CH_COMM, TS_CH_RET, TS_CH_TID, TS_CH_CPU, TS_NCH };
extern const char *const ts_ch_names[TS_NCH];   /* "event", "dt", "comm", "ret", "tid", "cpu" */

#define TS_CH_PAD   0      /* comm, ret: no value */
#define TS_CH_UNK   1      /* comm, ret: a value outside the vocabulary */
#define TS_RET_TOP  1024   /* return values with their own ID */
#define TS_TID_MOD  256

/* per-event fields as read from a trace; a NULL array: the trace has no such field */
typedef struct {
    size_t   n;
    char   **names;        /* (n) event names */
    int64_t *time_ns;      /* (n) event times, nondecreasing */
    char   **comm;         /* (n) process names; an entry may be NULL (unknown); "<unk>" a name
                              outside the vocabulary (as export writes one): a thread really
                              named "<unk>" is read so too, the name being reserved */
    int64_t *ret;          /* (n) return values, where has_ret[i] is 1 */
    uint8_t *has_ret;      /* (n) 1 a value, 0 none, TS_RET_UNKNOWN one not known */
    int64_t *tid;          /* (n) thread IDs; -1 unknown */
    int32_t *cpu;          /* (n) CPUs; -1 unknown */
    int      clock;        /* strace logs: 1 when time_ns is on a clock other recordings share
                            * (strace -ttt's, perf trace -T's: what DIR/time_ns.npy holds), 0
                            * when it counts from the log's start (-r) or a midnight (-t, -tt) */
} ts_mc_raw;
void ts_mc_raw_free(ts_mc_raw *r);

/* an encoded multi-channel trace. ch[c] is NULL when channel c is absent;
 * ch[TS_CH_EVENT] aliases events.stream.ids; dt holds reals, the others IDs. */
typedef struct {
    ts_dataset events;     /* stream.txt + vocab.tsv */
    size_t     n;
    float     *dt;         /* (n) or NULL */
    int32_t   *ch[TS_NCH]; /* (n) each, or NULL; ch[TS_CH_DT] is always NULL (see dt) */
    ts_vocab   comm_vocab, ret_vocab;   /* n == 0 when the channel is absent */
} ts_mc;
void ts_mc_free(ts_mc *m);
/* 1 when channel c is present; 0 when absent, for c outside [0, TS_NCH) and a NULL m */
int  ts_mc_has(const ts_mc *m, int c);
/* the number of values a categorical channel takes: vocabulary sizes, 256 for tid,
 * max CPU + 1 for cpu; 0 for dt or an absent channel (as ts_mc_has) */
int32_t ts_mc_card(const ts_mc *m, int c);

/* renumber m's named channels (event, comm, ret) into the vocabularies given (NULL or
 * n == 0: leave that channel): IDs are matched by name, a name the target lacks becomes
 * its <unk> (an error naming it when the target has none); m then carries copies of the
 * targets. *unknown (may be NULL) counts the values that became <unk>. */
int  ts_mc_renumber(ts_mc *m, const ts_vocab *event, const ts_vocab *comm, const ts_vocab *ret, size_t *unknown);
/* what the events of each name of m are (its exit.npy): (events.vocab.n) bits 1 << TS_EVENT_*
 * per name, to free; NULL where m has no events.exit or no names */
uint8_t *ts_mc_event_kinds(const ts_mc *m);
/* what each event of m is (events.exit) from its name, by kinds (ts_mc_event_kinds of the data
 * the names came from, in m's numbering; NULL: every event a system call): a name only of
 * kernel events is one, a name only of exits an exit, a name of calls and exits an exit where
 * it closes the call open on its thread (tid channel, else cpu, else the one stream; each
 * window of len events on its own, len 0: one), else a call. keep (n, or NULL): 1 where
 * events.exit holds already (events observed, not drawn), kept and followed. events.exit is
 * NULL after it where every event is a call */
void ts_mc_kinds_by_name(ts_mc *m, const uint8_t *kinds, size_t len, const uint8_t *keep);
/* events [from, to) of m as a trace of their own (vocabularies copied) */
int  ts_mc_slice(const ts_mc *m, size_t from, size_t to, ts_mc *out);
/* the latest event time (ns from the first event) the writers below accept: a CTF clock
 * with its offset holds no more; a later one is refused, naming the event */
#define TS_MC_MAX_NS 8e18
/* the largest dt a trace holds: log(1 + INT64_MAX ns) as float (any gap of an int64 clock) */
#define TS_MC_DT_MAX ((float)43.6683)
/* whether dt is a log(1 + ns) time a trace can hold: 0 to TS_MC_DT_MAX (NaN is not); the
 * one rule for loading, imputation, constraints and eval */
int  ts_mc_dt_ok(float dt);
/* each event's time, ns from the first, as the writers below place them: the events' own
 * times (time_ns.npy: exact), else the sum of the dts (floats of log(1 + ns): each gap
 * within about a millionth; the first event at 0: its dt, with no event before it, is not
 * a time), else 1 ns apart; *t (m->n, to free) is NULL and a time past TS_MC_MAX_NS
 * refused, naming out and the event */
int  ts_mc_event_times(const ts_mc *m, const char *out, int64_t **t);
/* strace-like text, one line per event: "TID SECONDS NAME() = RET <DT>" with the time
 * of ts_mc_event_times (the first event at 0 with a DT of 0, as in CTF: its dt, with no
 * event before it, is not written), TID the thread bucket (bucket 0 as 256, which reads
 * back as bucket 0 where a TID of 0 would read as no thread; 0 where there are process
 * names but no thread channel, none with neither), RET the value's
 * name ("?" for none or an unknown value); names strace could not print have their
 * other bytes as '_', and two names that would read alike are refused, as is a trace
 * whose events.exit marks exits (a line is a call: no line is an exit alone) */
int  ts_mc_write_strace(const char *path, const ts_mc *m);
/* a CTF trace at dir (not there, an empty folder, or a trace drop or fill wrote: replaced;
 * anything else refused), written by babeltrace2's sink.ctf.fs: one
 * stream per CPU (packet context cpu_id; one stream, no context, without a cpu channel), one event class
 * per event name, times (ns from 0) of ts_mc_event_times (the first event's dt not written),
 * payload tid (the bucket; -1 none),
 * comm and ret (names; "" none, "?" unknown); an event events.exit marks is an exit
 * alone (syscall_exit_NAME), and where it marks any, no entry has an exit after it; an
 * event it marks as no system call (TS_EVENT_OTHER) is NAME itself: a sched_switch to its
 * thread, a sched_process_exec (filename and comm its comm, tid its thread), another with no
 * payload (a name ingest would read as a system call's is refused) */
int  ts_mc_write_ctf(const char *dir, const ts_mc *m);
/* ts_mc_write_ctf with the trace environment's "arch" (the system call table that names the
 * events, read back by ts_ctf_load) set to ARCH, a name ts_arch_parse takes (NULL: none) */
int  ts_mc_write_ctf_arch(const char *dir, const ts_mc *m, const char *arch);

/* encode raw fields (PROTOCOLS.md §4), ranks over the first train_frac of the events */
int  ts_mc_encode(const ts_mc_raw *raw, double train_frac, ts_mc *out);
/* a dataset directory: stream.txt, vocab.tsv and the channel files (atomically each) */
int  ts_mc_save(const char *dir, const ts_mc *m);
/* ts_mc_save with DIR/arch in the same set: arch's name and a newline (the system call
 * table that names the events, read by eval and ts_dataset_arch), or, arch NULL, an arch
 * there removed within the commit. ARCH is a name ts_arch_parse takes, written as
 * ts_arch_name spells it (amd64: x86_64); another is refused, naming the file, with
 * nothing written, as the readers would refuse it */
int  ts_mc_save_arch(const char *dir, const ts_mc *m, const char *arch);
/* ts_mc_save_arch for m as windows of len events each, one after the other (m->n a
 * multiple of len, len at most 2^24): DIR/length, in the same set, holds len and a newline,
 * which readers take as the windows' length (ts_mc_window_length); len 0: one sequence, a
 * length there removed. derived nonzero: DIR/derived, in the same set, marks it as drawn,
 * repaired or imputed, no trace ingested (what markov, repair, generate and impute write
 * ask for it: they may replace a set so marked, one sequence too); 0: none, one there
 * removed. ts_mc_save and ts_mc_save_arch write one sequence: they remove a length and a
 * derived there too. */
int  ts_mc_save_windows(const char *dir, const ts_mc *m, const char *arch, size_t len, int derived);
/* ts_mc_save_windows, marked derived, of a set drawn from the first `learned` events of a
 * dataset (markov: its chain and counts), hash their ts_events_hash: DIR/derived records
 * both (ts_mc_drawn_from) */
int  ts_mc_save_drawn(const char *dir, const ts_mc *m, const char *arch, size_t len, size_t learned, uint64_t hash);
/* what DIR/derived records of the events the set dir was drawn from (ts_mc_save_drawn):
 * 1 with *learned and *hash; 0 where it records none (no such file, another writer's, an
 * older set); -1 + error naming the file where its record does not read, or the file is
 * cut short (a line of the text written, or its start, ending it without the newline) */
int  ts_mc_drawn_from(const char *dir, size_t *learned, uint64_t *hash);
/* the length of the windows the dataset dir of n events records (DIR/length, see
 * ts_mc_save_windows): *len 0 when it records none (one sequence: a trace ingested, or a
 * set written before the windows were recorded); an error naming the file when it holds no
 * number from 1 to 2^24 (and a newline, CRLF too) or the n events are not whole windows of it */
int  ts_mc_window_length(const char *dir, size_t n, size_t *len);
/* w, read from path as one window (a dataset directory's stream, or a DIR/stream.txt given
 * as a file), made the windows DIR/length records (ts_mc_window_length); any other path
 * (another file, a .npy, w of several windows) or no record: w unchanged. 0, or -1 naming
 * the length file */
int  ts_windows_as_set(const char *path, ts_windows *w);
/* the names of every file ts_mc_save writes in a dataset's directory or removes from
 * it, NULL-terminated */
const char *const *ts_mc_saved_files(void);
/* reads and checks every channel: each holds exactly as many values as stream.txt has
 * events, and each value is one its channel can take (within its vocabulary, tid in
 * [0, 256), cpu >= 0, dt finite and >= 0); an error names the file, the event and the value */
int  ts_mc_load(const char *dir, ts_mc *out);
/* one channel without a vocabulary (TS_CH_DT: float, TS_CH_TID, TS_CH_CPU: int32) of the
 * dataset dir, n values, checked as ts_mc_load checks it; *out NULL (and 0) when the
 * dataset has no such file; free() it */
int  ts_mc_load_channel(const char *dir, int c, size_t n, void **out);

/* fidelity of a synthetic multi-channel trace against a real one (PROTOCOLS.md §3):
 * -1 where a channel is absent from either */
typedef struct {
    double js[TS_NCH];          /* Jensen-Shannon divergence (base 2) of each categorical
                                   channel's values; js[TS_CH_DT] is -1 (see w1_dt) */
    double w1_dt;               /* Wasserstein-1 distance of the dt values (log(1 + ns)) */
    double js_event_cpu;        /* JS of the joint (event, CPU) distribution */
    double js_event_ret;        /* JS of the joint (event, ret) distribution */
    double burst_real, burst_synth;   /* bursts per 1000 events: runs of >= 3 events each
                                         within 10 us of the one before */
} ts_mc_fidelity;
/* synth: windows of synth_len events (0: one sequence), which no burst crosses; the bursts
 * of real are counted alike, in windows of synth_len events from its first (a last one
 * shorter than synth_len ends with the trace), so that both rates count the same runs */
int  ts_mc_compare(const ts_mc *real, const ts_mc *synth, size_t synth_len, ts_mc_fidelity *out);
/* ts_mc_compare of a real trace that is itself windows of real_len events (0: one sequence,
 * as above; a set ts_mc_save_windows wrote): its bursts end with its own windows too */
int  ts_mc_compare_windows(const ts_mc *real, size_t real_len, const ts_mc *synth, size_t synth_len,
                           ts_mc_fidelity *out);
/* memorization of multi-channel windows: synth is windows of len events (0: one window of
 * all its events; a tail shorter than len is left out), train the first n_train events of
 * the training trace (0: all), both numbered alike (ts_mc_renumber). A window is memorized
 * when it occurs verbatim, every channel both traces have (dt bit for bit), as a run of
 * consecutive training events. *windows receives the number of windows compared. */
int  ts_mc_memorized(const ts_mc *train, size_t n_train, const ts_mc *synth, size_t len,
                     double *share, size_t *windows);
/* ts_mc_memorized of a training trace that is itself windows of train_len events (0: one
 * sequence, as above; a set ts_mc_save_windows wrote): a run inside one of its windows */
int  ts_mc_memorized_windows(const ts_mc *train, size_t n_train, size_t train_len, const ts_mc *synth,
                             size_t len, double *share, size_t *windows);
/* the dt of a burst: events within 10 us of the one before */
#define TS_BURST_NS 10000

/* the multi-channel Markov baseline: n events whose types follow an order-`order` Markov
 * chain over the first n_train events of train (the n-gram model's generation, backing off
 * to shorter contexts; a type nothing follows in the training part, or whose only
 * followers are such types, left out, so that every pair drawn is a training pair), each
 * other channel drawn per event type from its training counts (dt: a training dt of that
 * type). Vocabularies are train's. Same seed, same trace. The
 * events of window w come from the n-gram's stream of (seed, w), its other channels from
 * ts_mc_drawer_rng(seed, w): numbers of their own, not those of any window's events. */
int  ts_mc_markov(const ts_mc *train, size_t n_train, int order, size_t n, uint64_t seed, ts_mc *out);
/* the same as `windows` independent windows of len events each, one after the other
 * (each window's chain starts afresh) */
int  ts_mc_markov_windows(const ts_mc *train, size_t n_train, int order, size_t windows, size_t len,
                          uint64_t seed, ts_mc *out);
/* the other channels for a given event sequence ev (n IDs in train's numbering, e.g.
 * windows a single-channel model generated), drawn as for the Markov baseline (one window:
 * the stream ts_mc_drawer_rng(seed, 0)); a type the training part lacks draws from all its
 * events. An ID outside train's types is an error. */
int  ts_mc_from_events(const ts_mc *train, size_t n_train, const int32_t *ev, size_t n, uint64_t seed, ts_mc *out);

/* the same with the other channels drawn `given` (TS_DRAW_*, see ts_mc_drawer) */
int  ts_mc_markov_given(const ts_mc *train, size_t n_train, int order, size_t windows, size_t len, int given,
                        uint64_t seed, ts_mc *out);
/* the same with train as windows of train_len events (0: one sequence, as above; a set
 * ts_mc_save_windows wrote, ts_mc_window_length): the chain and the pairs are learned
 * within its windows, a window's last event and the next one's first no transition */
int  ts_mc_markov_given_windows(const ts_mc *train, size_t n_train, size_t train_len, int order, size_t windows,
                                size_t len, int given, uint64_t seed, ts_mc *out);

/* The channel tables of a training part, for drawing the channels other than event for a
 * given event sequence (the Markov baseline's, and a single-channel model's events):
 *   TS_DRAW_TYPE  each channel on its own, per event type: dt a training dt of the type,
 *                 comm, ret, tid and cpu from the type's training counts;
 *   TS_DRAW_PAIR  every channel at once, copied from one training event with the same
 *                 (previous type, type) pair (the first of a window, or a pair the training
 *                 part lacks: the same type);
 * a type the training part lacks draws from all its events. The training part's first
 * event, whose dt is no time, is drawn by its type only when the type has no other (its dt
 * is no bound of the type's, ts_constraints_learn). */
enum { TS_DRAW_TYPE = 0, TS_DRAW_PAIR = 1 };
typedef struct ts_mc_drawer ts_mc_drawer;
/* the tables of the first n_train events of train (0: all); 0 / -1 + error */
int  ts_mc_drawer_new(const ts_mc *train, size_t n_train, int given, ts_mc_drawer **out);
/* the same of train as windows of len events (0: one sequence, as above; a set
 * ts_mc_save_windows wrote, ts_mc_window_length): a window's last event and the next
 * one's first are no pair (each window's first is drawn as the first of a window is) */
int  ts_mc_drawer_new_windows(const ts_mc *train, size_t n_train, size_t len, int given, ts_mc_drawer **out);
/* the event types it knows: IDs [0, n) in train's numbering (NULL: 0) */
int32_t ts_mc_drawer_types(const ts_mc_drawer *d);
/* draw the channels y has (other than event) of event i of y, whose type (in [0, types);
 * another is drawn as a type the training part lacks) is y's event i; prev: the type before
 * it (-1: none, the first of a window). NULL d, y or r, or i past y's events: nothing drawn */
void ts_mc_drawer_draw(const ts_mc_drawer *d, ts_mc *y, size_t i, int32_t prev, ts_rng *r);
/* the stream the channels of window w are drawn from (the Markov baseline, generate and
 * impute --channels-from): derived from (seed, w) as an event model's window w is, under a
 * stream ID of its own, so the channels never reuse the numbers that drew any window's
 * events, and window w draws the same numbers however many windows are made */
void ts_mc_drawer_rng(ts_rng *r, uint64_t seed, uint64_t window);
void ts_mc_drawer_free(ts_mc_drawer *d);

/* strace -f -ttt -T log -> raw fields: the pid is the thread, the return value from the
 * call's line (or its resumed line), times from -ttt (never going back, as
 * ts_strace_read_times gives them); comm from execve (the program's
 * base name, from the successful execve on) and inherited across fork/clone; no CPU. A cut
 * last line is left out without a word (ts_mc_from_strace_many's notes say so) */
int  ts_mc_from_strace(const char *path, ts_mc_raw *out);
/* several logs (strace -ff -ttt -T -o PREFIX: PREFIX.PID, one per thread) -> raw fields, the
 * calls merged as ts_strace_read_many merges them (one log: ts_mc_from_strace's): a call's
 * thread is the pid on its line, else (-ff writes none) the one its log's name ends in
 * (PREFIX.PID, PREFIX.PID.gz; a log whose lines name no thread and whose name ends in none
 * is an error), times the merged ones, comm as for one log over the merged calls (-Y's, else
 * inferred: a child's from its parent's clone, fork or vfork, whichever log holds them, then
 * its execve). notes (may be NULL) as ts_strace_read_logs's. A NULL paths[i] and npaths < 1
 * are errors. */
int  ts_mc_from_strace_many(const char *const *paths, int npaths, ts_mc_raw *out, char **notes);

/* LTTng kernel trace (CTF) -> raw fields: one event per system call entry (opts as
 * ts_ctf_load; NULL: the defaults), its return value from the paired exit, the thread and
 * comm from sched_switch, the CPU from the stream, times from the clock. trace (may be
 * NULL) receives what ts_ctf_load reports (lost events, architecture); its per-event
 * arrays move to out. */
int  ts_mc_from_ctf(const char *dir, const ts_ctf_opts *opts, ts_mc_raw *out, ts_ctf_trace *trace);
/* a trace read with its fields (ts_ctf_load_fields, ts_ftrace_load) -> raw fields: its
 * per-event arrays move to out (t keeps the rest: streams, lost events); what names the
 * trace in the error when it holds no event */
int  ts_mc_from_trace(ts_ctf_trace *t, const char *what, ts_mc_raw *out);

#ifdef __cplusplus
}
#endif

#endif
