/* tracesynth — trace data: sequences, windows, vocabularies, datasets, .npy,
 * strace ingest, splits (design/PROTOCOLS.md §1–2) and blackout masks.
 *
 * IDs are int32 >= 0. A window set is N windows of L events, row-major (N, L).
 * A mask is (N, L) uint8 in the study's convention: 1 = observed, 0 = missing. */
#ifndef TRACESYNTH_DATA_H
#define TRACESYNTH_DATA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* one contiguous event sequence */
typedef struct {
    int32_t *ids;
    size_t   n;
} ts_seq;

/* N windows of length L, row-major */
typedef struct {
    int32_t *data;
    size_t   n, len;
} ts_windows;

/* named events: ID i is names[i]; counts from the part the ranks came from.
 * unk is the reserved ID for events never seen there (-1: none). n == 0: unnamed. */
typedef struct {
    int       n;
    char    **names;
    int64_t  *counts;
    int       unk;
} ts_vocab;

/* a dataset directory: stream.txt, optional vocab.tsv, optional
 * sequence_length_L/{training,testing} (the study's published windows) */
typedef struct {
    char    *dir;
    ts_seq   stream;
    ts_vocab vocab;
    int64_t *time_ns;   /* (stream.n) each event's time, ns from the trace clock's origin
                           (time_ns.npy, written by ingest --from ctf); NULL: not known */
    uint8_t *exit;      /* (stream.n) what each event is, TS_EVENT_*: a system call's exit
                           (named like its call), an event that is no system call (exit.npy,
                           int32 0/1/2, written by ingest --exits or --events all); NULL: none
                           is told apart */
} ts_dataset;

/* what an event is (ts_dataset.exit, ts_ctf_trace.exit, exit.npy): a system call (its entry),
 * a system call's exit, an event that is no system call (a kernel event of ingest --events
 * all, under its own name: sched_switch, irq_handler_entry, ...) */
enum { TS_EVENT_CALL = 0, TS_EVENT_EXIT = 1, TS_EVENT_OTHER = 2 };

/* has_ret (ts_ctf_trace, ts_mc_raw): a value there but not known (export's "?" for one outside
 * the return-value vocabulary), read back as that vocabulary's <unk> */
#define TS_RET_UNKNOWN 2

void ts_seq_free(ts_seq *s);
void ts_windows_free(ts_windows *w);
void ts_vocab_free(ts_vocab *v);
void ts_dataset_free(ts_dataset *d);
/* dst: src's names and counts copied (counts NULL: zeros); 0, or -1 with dst empty when src
 * has n > 0 but its names, or one of them, are NULL. A vocabulary's NULL name names
 * nothing: lookups and maps below match no name to it; ts_vocab_write, the dataset and model
 * functions refuse it */
int  ts_vocab_copy(ts_vocab *dst, const ts_vocab *src);

/* the largest valid ID: INT32_MAX - 1, so that "max ID + 1" always fits an int32_t.
 * Readers refuse larger IDs by name and place. */
#define TS_ID_MAX (INT32_MAX - 1)
/* max ID + 1 over the data given (0 when n == 0), at most INT32_MAX: an ID above
 * TS_ID_MAX counts as TS_ID_MAX (it is invalid, and every range check refuses it) */
int32_t ts_ids_span(const int32_t *ids, size_t n);
/* n IDs that are windows of w events one after the other (w 0: one sequence) with sep
 * between two windows, so that counts and matches over them span none: the events that
 * makes (ts_ids_separated_n), and writing them to dst, which holds that many */
size_t  ts_ids_separated_n(size_t n, size_t w);
size_t  ts_ids_put_separated(int32_t *dst, const int32_t *ids, size_t n, size_t w, int32_t sep);

/* ---- text formats ---- */
/* comma-separated IDs (newlines/spaces also separate); errors name file:line; a file of a
 * split whose dataset's events changed is refused (ts_split_file_check) */
int ts_seq_read(const char *path, ts_seq *out);
/* ts_seq_read, and the shape of the file's lines (NULL: not asked): *lines those holding
 * IDs, *width the IDs on each where all hold as many, else 0 (a window file's shape: lines
 * of one length) */
int ts_seq_read_lines(const char *path, ts_seq *out, size_t *lines, size_t *width);
int ts_seq_write(const char *path, const ts_seq *s);
/* the study's window files: one window per line, comma-separated; all lines equal length;
 * a file of a split whose dataset's events changed is refused, as by ts_seq_read */
int ts_windows_read(const char *path, ts_windows *out);
int ts_windows_write(const char *path, const ts_windows *w);
/* their names: one window per line, event names separated by spaces ("?" for an ID
 * without a name); a name of v holding a blank is refused before path is touched */
int ts_windows_write_names(const char *path, const ts_windows *w, const ts_vocab *v);
/* the names file beside windows W (W.names.txt for W.txt or W.npy), malloc'd; NULL for
 * standard input ('-', /dev/stdin, /dev/fd/0), beside which no file lies */
char *ts_windows_names_path(const char *windows);
/* the IDs a names file beside windows can name: [0, TS_NAMED_ID_MAX) (2^22: a vocabulary
 * of 4 million names) */
#define TS_NAMED_ID_MAX (1 << 22)
/* that file read for w, the windows loaded from `windows`: v->names[id] each ID's name
 * (NULL: an ID w lacks; "?" one its model does not name), (*line_of)[id] the line that
 * first names it, *path_out the file (both malloc'd). 1: read; 0: no such file (or
 * `windows` a directory or standard input, ts_path_is_stdin), nothing set; -1 naming the file's line: another shape than w's,
 * one ID given two names, or one name (but "?") given to two IDs */
int ts_windows_read_names(const char *windows, const ts_windows *w, char **path_out, ts_vocab *v, size_t **line_of);
/* vocab.tsv: "ID\tname\tcount" per line; an event name holding a blank, or "?" alone (a
 * names file could not hold it), is refused at its line */
int ts_vocab_read(const char *path, ts_vocab *out);
/* the vocab.tsv in the folder of the file path (a dataset's stream.txt, a split's files,
 * a window file beside a dataset's names), malloc'd, or NULL when there is none (standard
 * input, ts_path_is_stdin, has none) */
char *ts_vocab_beside(const char *path);
/* the vocab.tsv that names the events of the window file path: for a link, the one beside
 * the file it leads to (a split's testing), else the one beside the link itself; for a
 * file, ts_vocab_beside's. malloc'd, or NULL when there is none */
char *ts_vocab_for_windows(const char *path);
int ts_vocab_write(const char *path, const ts_vocab *v);
/* ID of a name, or v->unk */
int32_t ts_vocab_lookup(const ts_vocab *v, const char *name);
/* map[i] (from->n entries) = the ID in `to` of from's name i, or to->unk (-1 when `to`
 * has none) when `to` does not name it; hashed, O(from->n + to->n). Returns how many
 * of from's names `to` lacks. */
size_t  ts_vocab_map(const ts_vocab *from, const ts_vocab *to, int32_t *map);

/* ---- NumPy .npy (format 1.0/2.0/3.0). Read: integers of 1 to 8 bytes, bool, float32 and
 * float64, in C or Fortran order, into C order as int32 (bool and integers of up to 2
 * bytes too), int64 (uint32, uint64) or float32 (float64, refused where float32 cannot
 * hold a value). Written: int32, int64 or float32, C order ---- */
typedef enum { TS_NPY_F32 = 1, TS_NPY_I32 = 2, TS_NPY_I64 = 3 } ts_npy_dtype;
typedef struct {
    ts_npy_dtype dtype;
    int          ndim;
    size_t       shape[4];
    size_t       count;      /* product of shape */
    void        *data;
    /* a float64 file: how many of its values float32 rounds (0: it holds each exactly), and
     * the first of them in C order, its index in data and its float64 value (a mask, whose
     * 0 or 1 must be exact, refuses it) */
    size_t       rounded, rounded_at;
    double       rounded_value;
} ts_npy;
int  ts_npy_read(const char *path, ts_npy *out);
void ts_npy_free(ts_npy *a);
int  ts_npy_write(const char *path, ts_npy_dtype dtype, const void *data, int ndim, const size_t *shape);
/* (N,L), (N,1,L) or (N,L,1) -> windows; reals round to the nearest ID, clamped to [0, max_id]
 * (max_id < 0: no upper clamp); integers are IDs as they are (never clamped); a negative
 * integer, an ID past TS_ID_MAX, NaN or an infinity (either sign) is an error naming the
 * file, window and position */
int  ts_npy_to_windows(const ts_npy *a, const char *path, int32_t max_id, ts_windows *out);
/* (N,L)-shaped mask (same layouts): 1 = observed, 0 = missing; any other value (NaN
 * too, and a float64 that float32 rounds to 0 or 1) is an error naming the window and
 * position */
int  ts_npy_to_mask(const ts_npy *a, const char *path, uint8_t **mask, size_t *n, size_t *len);
/* the study's output triple: DIR/original0.npy, mask0.npy, imputation0.npy as float32
 * (N,1,L), replaced as one set (ts_stage): a failure or a signal half way leaves the
 * three old ones; DIR is made with its folders where not there (and goes again then) */
int  ts_write_impute_triple(const char *dir, const ts_windows *orig, const uint8_t *mask,
                            const ts_windows *imputed);
/* the triple and, where names (NULL: none) name their IDs, the names of the original and
 * imputed windows (DIR/original0.names.txt, imputation0.names.txt: ts_windows_write_names)
 * as one set; without names, those an earlier run left go with it (ts_write_impute_triple),
 * and so, with either, does the DIR/arch of an earlier impute (ts_impute_eval_arch), but in
 * a dataset's folder (stream.txt) or a split's (split.txt), whose own arch stays */
int  ts_write_impute_named(const char *dir, const ts_windows *orig, const uint8_t *mask,
                           const ts_windows *imputed, const ts_vocab *names);

/* a window or mask file read once (so a pipe or FIFO, --input /dev/stdin, works): a .npy
 * (by its name or its magic bytes) into *a (*npy = 1; ts_npy_free it), else a window
 * file into *w (*npy = 0); a file of a split whose dataset's events changed is refused
 * (ts_split_file_check). 0 / -1 */
int  ts_input_read(const char *path, int *npy, ts_npy *a, ts_windows *w);
/* PATH as windows: a .npy (reals -> nearest ID, clamped to [0, max_id]; max_id < 0: no
 * clamp), a dataset directory when allow_dir (its whole stream.txt as one window), else a
 * window file (a one-line stream file is one window) */
int  ts_windows_load(const char *path, int32_t max_id, int allow_dir, ts_windows *out);

/* ---- datasets ---- */
int  ts_dataset_load(const char *dir, ts_dataset *out);
int  ts_dataset_save(const char *dir, const ts_dataset *d);     /* stream.txt (+ vocab.tsv, time_ns.npy) */
/* the study's published windows, DIR/sequence_length_L/NAME; 1 found, 0 absent, -1 error
 * (NAME must be one path component: no '/', not empty, '.' or '..') */
int  ts_dataset_published(const ts_dataset *d, size_t L, const char *name, ts_windows *out);

/* ---- ingest ---- */
/* strace -f -ttt -T: one event per system call (unfinished/resumed joined, signals and
 * exits skipped), in the order the calls started. names[i] malloc'd. A last line cut short
 * while written (no newline, and it reads no call) is left out without a word: the readers
 * with notes (ts_strace_read_logs with one path) say so. */
int  ts_strace_read(const char *path, char ***names, size_t *n);
/* several logs (strace -ff: one per thread) merged by start time, each in its own order,
 * ties to the log given first; needs -t/-tt/-ttt times with a fraction of a second (whole
 * seconds, -r's and none are refused); a log without calls adds none. Each log's cut last
 * line as ts_strace_read's. */
int  ts_strace_read_many(const char *const *paths, int npaths, char ***names, size_t *n);
/* the same, and *notes (may be NULL): what the caller should warn about (lines
 * "FILE:LINE: ...", malloc'd; NULL when none): a log's last line cut short (left out:
 * "FILE:N: the log ends in the middle of this line: left out"); times coarser than
 * microseconds (milliseconds, --timestamps=unix,ms) under which calls of different logs
 * tie and are merged in the logs' order, with their count */
int  ts_strace_read_logs(const char *const *paths, int npaths, char ***names, size_t *n, char **notes);
/* the same, and *time_ns (malloc'd, n) each call's start time in ns where the logs' times
 * are on a clock other recordings share (strace -ttt: the epoch's; perf trace -T: perf's,
 * since boot), what DIR/time_ns.npy holds, never going back (the wall clock -ttt reads may
 * step back: a call's time before the one before it becomes that one, the calls in each
 * log's order); NULL for -r's times (from the log's start),
 * -t's and -tt's (times of day, of no known date) and logs without times */
int  ts_strace_read_times(const char *const *paths, int npaths, char ***names, int64_t **time_ns, size_t *n,
                          char **notes);
/* Both read perf trace's output (perf trace -o FILE CMD, or perf trace -i perf.data) as a
 * strace log: its time, thread, name and return value per call (COMM/TID, "... [continued]"
 * joined to its start). ts_perf_trace_file: 1 when path (or its gzip) begins as perf trace's
 * output, 0 when not, -1 with an error when it cannot be read or is no regular file (a pipe
 * or FIFO is not looked into: its first lines would be gone for its reader) */
int  ts_perf_trace_file(const char *path);
/* LTTng kernel trace (CTF directory): one event per system call entry (syscall_entry_NAME,
 * compat_syscall_entry_NAME, or sys_NAME before LTTng 2.6), all CPUs in time order.
 * comm: only calls of threads with that name (per-CPU current thread from sched_switch);
 * NULL: all. exits: also one event per exit (syscall_exit_NAME, or old LTTng's exit_syscall
 * named by the CPU's last entry), named like its call — the study's PTS data hold both, so
 * most calls appear as a pair of equal IDs. lost (may be NULL): events the tracer reported
 * discarded. */
int  ts_ctf_read(const char *dir, const char *comm, int exits, char ***names, size_t *n,
                 uint64_t *lost);
/* The same trace in full: options, per-event times and CPUs, per-stream accounting.
 * events: TS_CTF_SYSCALLS keeps system calls (entries; exits too with exits), TS_CTF_ALL
 * keeps every event, named by its event class, except that system call entries and exits
 * are both named like their call (LTTng >= 2.6 syscall_entry_NAME / syscall_exit_NAME and
 * older sys_NAME / exit_syscall give the same names). Old LTTng's nameless exit_syscall is
 * named after the exiting thread's own pending call: the thread on each CPU is known from
 * sched_switch (next_tid), so calls that block across a context switch or a migration
 * keep their name. cpu >= 0: only events of that CPU's stream (the state above is still
 * followed on every CPU). */
typedef enum { TS_CTF_SYSCALLS = 0, TS_CTF_ALL = 1 } ts_ctf_events;
typedef struct {
    const char   *comm;        /* only events of threads with this name; NULL: all */
    int           exits;       /* TS_CTF_SYSCALLS: also one event per exit */
    ts_ctf_events events;
    int64_t       cpu;         /* only this CPU's events; -1: all */
    int           no_recon;    /* leave out the events tracesynth fill reconstructed (by
                                * default each counts as the event it stands for) */
    int           progress;    /* CTF: the events read so far on stderr, once a second
                                * (nothing for a trace read within the first second) */
} ts_ctf_opts;
/* events the tracer reported lost in one stream (babeltrace2's discarded-events message) */
typedef struct {
    uint64_t count;            /* 0 when not known */
    int      count_known;      /* babeltrace2 gave the count (not so before a stream's first packet) */
    int      has_times;
    int64_t  begin_ns, end_ns; /* the span they were lost in, ns from the clock's origin */
    uint64_t reconstructed;    /* events tracesynth fill reconstructed in the gap (TS_RECON_CLASS,
                                * ftrace's reconstructed lines), read or left out (no_recon) */
} ts_ctf_discard;
typedef struct {
    char           *name;      /* the stream as babeltrace2 names it (its file's path) */
    int64_t         cpu;       /* packet context cpu_id; -1 when absent */
    uint64_t        events;    /* events read, of every type */
    uint64_t        discarded; /* sum of the counts below */
    ts_ctf_discard *discards;
    size_t          n_discards;
} ts_ctf_stream;
/* a stream file shorter than its LTTng index (index/NAME.idx) says */
typedef struct {
    char    *file;
    uint64_t size, indexed;    /* bytes present, bytes the index lists */
    uint64_t packets, packets_missing;
} ts_ctf_truncation;
typedef struct {
    char             **names;       /* n events, malloc'd each */
    size_t             n;
    int64_t           *time_ns;     /* per event, ns from the clock's origin (0: no clock) */
    int32_t           *cpu;         /* per event; -1 unknown */
    uint64_t           lost;        /* events reported discarded, all streams */
    ts_ctf_stream     *streams;
    size_t             n_streams;
    ts_ctf_truncation *truncated;   /* stream files cut short (their complete packets are read) */
    size_t             n_truncated;
    size_t             unpaired_exits; /* exits whose call began before the trace did (left out,
                                          or named exit_syscall with TS_CTF_ALL) */
    size_t             reconstructed;  /* CTF: events of tracesynth fill's class
                                          tracesynth:reconstructed read (kept unless no_recon;
                                          with cpu, that CPU's alone) */
    int                perf_no_lost_lines; /* ts_ftrace_load: 1 when the text is perf script's and
                                          no file of it has a PERF_RECORD_LOST line, which perf
                                          script prints only with --show-lost-events: whether
                                          events were lost, the text does not show; else 0 */
    int64_t            n_cpus;      /* largest cpu_id + 1 */
    char               arch[16];    /* "x86_64", "i386", "arm", "aarch64"; "" unknown */
    const char        *arch_from;   /* "env" (trace environment), "events" (the system calls
                                       the trace declares), or NULL */
    /* from ts_ctf_load_fields, per event (else NULL): the thread on its CPU (-1 before the CPU's
     * first sched_switch) and its name (NULL then); the return value of a system call
     * (an entry gets its exit's; has_ret 0: none, e.g. the exit is past the trace's end;
     * TS_RET_UNKNOWN: one tracesynth's export wrote as not known, "?") */
    int64_t           *tid;
    char             **comm;
    int64_t           *ret;
    uint8_t           *has_ret;
    /* per event, TS_EVENT_*: a system call's exit (opts' exits, or TS_CTF_ALL), named like its
     * call; an event that is no system call (TS_CTF_ALL) */
    uint8_t           *exit;
} ts_ctf_trace;
int  ts_ctf_load(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out);
/* the same, with each event's tid, comm and ret (ts_ctf_trace's last members) */
int  ts_ctf_load_fields(const char *dir, const ts_ctf_opts *opts, ts_ctf_trace *out);
void ts_ctf_trace_free(ts_ctf_trace *t);
/* 1 when dir holds a CTF trace: its metadata file CTF's text or packets (their magic, in
 * either byte order); else 0 (also where it cannot be read) */
int  ts_ctf_dir_holds_trace(const char *dir);
/* ftrace text (tracefs's trace and trace_pipe files, trace-cmd report's lines; gzip read as
 * it is), or perf script's text (one format per file; PERF_RECORD_LOST lines its markers) -> the same: one event per system call entry (syscalls:* events, or raw_syscalls'
 * numbers named through arch's table: "x86_64", "aarch64"; NULL: the host's; a number it
 * lacks is nr_NUMBER, nr_m1 for -1), exits and other events under opts as for CTF. Several files are
 * merged by time. Each event's tid and comm come from its line (COMM-PID; "<...>": no
 * comm), its CPU from [CPU], the return value from its thread's next exit of the same
 * call. Streams are the CPUs; the lost-event markers are their discards (a count not known
 * for "[LOST EVENTS]" and "buffer started"). *notes: what the caller should warn about
 * (lines "FILE[:LINE]: ...", malloc'd; NULL when none): events the header says were
 * overwritten, a last line cut short (left out), raw_syscalls left out or unnamed, times
 * that are counts */
/* the event name of the lines tracesynth fill writes for reconstructed events in ftrace text:
 * "tracesynth_reconstructed: event=NAME tid=N next_tid=N confidence=C gap_count=N", NAME
 * the tracefs name of the event it stands for (sys_enter_openat, sys_exit_openat,
 * sched_switch, ...) */
#define TS_FTRACE_RECON "tracesynth_reconstructed"
int  ts_ftrace_load(const char *const *paths, int npaths, const ts_ctf_opts *opts, const char *arch,
                    ts_ctf_trace *out, char **notes);
/* the same, the files asked for as perf's text (ingest --from perf): where they hold no
 * event line, or a NUL byte, the error says perf script's text or perf trace's output was
 * expected, not ftrace's */
int  ts_perf_load(const char *const *paths, int npaths, const ts_ctf_opts *opts, const char *arch,
                  ts_ctf_trace *out, char **notes);
/* names -> dataset: vocabulary by frequency rank over the first train_frac of the events
 * (ties by name), with an UNK ID (the last, named "<unk>") for names unseen there and for
 * the name "<unk>" itself.
 * names are copied: the caller still frees them. A name holding a blank, or "?" alone, is
 * refused ("event I: event name ..."). */
int  ts_dataset_from_names(char **names, size_t n, double train_frac, ts_dataset *out);
/* the events of the first train_frac of n (at least one): a whole number of thousandths cuts
 * where the time split does (ts_split_bounds), not one event early where n train_frac
 * rounds below a whole number */
size_t ts_train_count(size_t n, double train_frac);

/* ---- splits (PROTOCOLS.md §2) ---- */
typedef enum { TS_SPLIT_PAPER = 0, TS_SPLIT_TIME = 1 } ts_split_kind;
typedef struct {
    ts_split_kind kind;
    size_t     len;
    ts_windows train, valid, test;
    ts_seq     train_stream;   /* contiguous training events (for n-gram counts) */
    /* train_stream's windows' length where it is a set of windows (DIR/length,
     * ts_split_data_load_set): one window after the other, which ts_split_train_events
     * separates; 0: one sequence */
    size_t     window;
    size_t     valid_distinct, test_distinct;   /* windows at distinct starts (<= valid.n, test.n) */
    int        permille[3];    /* the time split's parts in thousandths; 0: the paper split */
    size_t     events;         /* the time split's: the stream's events it was cut from (0: not said) */
    /* further training streams (train --also): train holds their windows after the main
     * stream's, each window inside one stream; their events in the main numbering */
    ts_seq    *also;
    size_t     n_also;
} ts_split;
/* the time split's parts in thousandths of the stream: training, validation, testing */
extern const int ts_split_default_permille[3];   /* {700, 100, 200} */
/* the default number of validation and test windows; a part holding fewer windows at
 * distinct starts repeats some, but more windows than both this and the part's starts is
 * an error */
#define TS_SPLIT_DEFAULT_WINDOWS 500
/* "0.7,0.1,0.2" -> {700, 100, 200}: three fractions in (0, 1), each a whole number of
 * thousandths, summing to 1 */
int  ts_split_parse_fractions(const char *s, int permille[3]);
/* the time split's parts of n events: [0, a) training, [a, b) validation, [b, n) test, with
 * a = floor(n pa / 1000) and b = floor(n (pa + pb) / 1000) (permille NULL: the default);
 * every command that cuts a stream by the time split cuts it here */
void ts_split_bounds(size_t n, const int permille[3], size_t *a, size_t *b);
/* the longest window every part of a time split of n events holds */
size_t ts_split_max_length(size_t n, const int permille[3]);
int  ts_split_parse(const char *s, ts_split_kind *out);
const char *ts_split_name(ts_split_kind k);
/* time: stream [0,.7n) stride windows, valid/test nwin evenly spaced windows (a part of P
 * events holds P - L + 1 windows at distinct starts: nwin above both that and TS_SPLIT_DEFAULT_WINDOWS
 * is an error naming the part and the count; paper: the same against the training windows).
 * paper: sequence_length_L/training (or stride-5 windows over the whole stream when
 * absent) and sequence_length_L/testing; valid = nwin evenly spaced training windows. */
int  ts_split_make(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride,
                   size_t nwin, ts_split *out);
/* the same with the time split's parts given (NULL: the default): three positive thousandths
 * summing to 1000, else an error */
int  ts_split_make_parts(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride,
                         size_t nwin, const int permille[3], ts_split *out);
/* the parts of a split that a caller reads */
enum { TS_PART_TRAIN = 1, TS_PART_VALID = 2, TS_PART_TEST = 4, TS_PART_ALL = 7,
       /* with TS_PART_TRAIN (not without it), for a caller that reads the training stream
        * alone: the time split's training windows counted (train.n) but not cut (train.data
        * NULL); at stride 5 they are L / 5 copies of the part */
       TS_PART_TRAIN_COUNT = 8 };
/* ts_split_make_parts refusing only the parts in parts (TS_PART_*: the ones the caller reads)
 * that are shorter than a window or hold too few windows for nwin, naming the part read; a
 * part not read that is shorter than a window is empty (its windows' n 0; the paper split's
 * training and validation windows too, when neither is read and there are none), and every
 * other part has the windows ts_split_make_parts cuts, but for the training windows, cut
 * only where the training part is read (the paper split's: or the validation part, drawn
 * from them; its published training file is read either way) */
int  ts_split_make_read(const ts_dataset *d, ts_split_kind kind, size_t L, size_t stride, size_t nwin,
                        const int permille[3], unsigned parts, ts_split *out);
void ts_split_free(ts_split *s);
/* another training stream: ids[0, n) (IDs in the split's numbering) kept in sp->also, and
 * its windows of sp->len at the given stride (0: 1) appended to sp->train; none crosses from
 * one stream into another. A stream shorter than a window adds no window. */
void ts_split_add_train(ts_split *sp, const int32_t *ids, size_t n, size_t stride);
/* the training events of every stream, train_stream first, then each of sp->also, with
 * sep between two streams and between two of train_stream's windows (sp->window) (for
 * n-gram counts, whose matches must not span it); *n events (malloc'd; NULL when there are
 * none) */
int32_t *ts_split_train_events(const ts_split *sp, int32_t sep, size_t *n);
/* valid IDs of a split's data are [0, result): the vocabulary size when events are named,
 * else one past the largest ID in the stream and in every part of the split */
int32_t ts_split_n_ids(const ts_dataset *d, const ts_split *sp);
/* what a dataset directory's events are, as a split directory's split.txt records them
 * (stream_crc): a hash of DIR/stream.txt and DIR/vocab.tsv, their CRC-32s and sizes (a
 * vocab.tsv not there, or not a regular file, counts as empty); 0 when DIR has no
 * stream.txt that is a regular file and can be read */
uint64_t ts_dataset_events_crc(const char *dir);
/* a hash of the n events ids, by name where names is given with names (names->n > 0: a
 * dataset numbered otherwise, its vocabulary ranked again, hashes the same), else by ID;
 * never 0 */
uint64_t ts_events_hash(const int32_t *ids, size_t n, const ts_vocab *names);
/* n events' leading ones as ts_events_hash gives them: the hashes of the first step, 2 step,
 * ... n step of them (step the least that takes at most TS_EVENTS_PREFIXES; step 0: none),
 * which know a dataset cut shorter than the events hashed. make: of ids[0, n) (named by
 * names as for ts_events_hash); match: how many leading events of ids[0, n) are known to be
 * p's (the last of p's prefixes, in n, that is theirs and every one before it; 0: none) */
#define TS_EVENTS_PREFIXES 256
typedef struct {
    size_t   step, n;
    uint64_t hash[TS_EVENTS_PREFIXES];
} ts_events_prefixes;
void   ts_events_prefixes_make(const int32_t *ids, size_t n, const ts_vocab *names, ts_events_prefixes *p);
size_t ts_events_prefixes_match(const ts_events_prefixes *p, const int32_t *ids, size_t n, const ts_vocab *names);
/* what a split directory's split.txt records (ts_split_dir_write writes it), read line by
 * line as it is (a line's CRLF end too; the last of a key's lines counts) */
typedef struct {
    int time;                    /* split=time: a time split */
    char *fractions;             /* its fractions= value as written (malloc'd), or NULL */
    long fractions_line;         /* the line it is on (1-based), 0 without one */
    char *dataset_dir;           /* dataset_dir= (malloc'd), or NULL */
    char *dataset_subdir;        /* dataset_subdir= (malloc'd; "." the dataset's own folder), or NULL */
    uint64_t stream_crc;         /* stream_crc= (hex), where has_crc */
    int has_crc;
    long length;                 /* length= (the --length it was made with), 0 when none reads */
    /* the counts, 0 where none reads: windows= (--windows: those of validation, and of a
     * time split's testing), validation_windows=, test_windows=, train_windows= (each
     * part's file's), train_stream_events= (train_stream.txt's events) */
    long windows, valid_windows, test_windows, train_windows, train_stream_events;
} ts_split_record;
/* rec from the split.txt at txt: 0; 1 (rec empty, no error set: a folder without a record)
 * when txt is no regular file that can be read; -1 (rec empty) when its folder holds a
 * split's interrupted replacement that cannot be completed (ts_stage_recover's error), so
 * whether it records one is not known. A split replaced half way by a process killed is
 * completed first. ts_split_record_free frees it */
int  ts_split_record_read(const char *txt, ts_split_record *rec);
void ts_split_record_free(ts_split_record *rec);
/* path, about to be read, checked against its split: when it is a file of a split
 * directory (training, validation, testing or train_stream.txt beside a split.txt) whose
 * split.txt records its dataset's events (dataset_dir, stream_crc) and that dataset's
 * events are now others (an ingest replaced them), -1 with "SPLIT/split.txt: ..." saying
 * to make the split again; else 0 (a split that records nothing, or whose dataset is no
 * longer there, is not checked; one made inside its dataset's folder (or in that folder
 * itself, dataset_subdir "."), moved or copied with it, is the dataset's that holds it at
 * the same place (dataset_subdir), and is checked
 * against its events; one inside another dataset's folder is not that dataset's; standard
 * input, ts_path_is_stdin, is no split's file). ts_seq_read, ts_windows_read and ts_input_read, and so ts_windows_load, ts_mask_load and
 * ts_impute_input_load, check every file they read; once read, a file whose window length
 * or count (train_stream.txt: its events) is not what split.txt records (length=, and
 * each part's count) is refused, "FILE: 12 windows, but SPLIT/split.txt records 20: a
 * file cut short, ..." (a record without them: not compared) */
int  ts_split_file_check(const char *path);
/* share (0..1) of test windows found verbatim among the train windows; train rows longer
 * than test->len (e.g. a stream as one row) match as contiguous substrings. Hashing: time
 * O(total), memory O(test) (the train rows are scanned, not stored).
 * NaN + error for NULL windows, NULL data with events, or more events than memory holds */
double ts_audit_overlap(const ts_windows *train, const ts_windows *test);
/* the same test, marking hit[i] = 1 (hit: test->n flags, the others left as they are) for
 * each test window found: how many are marked after it (those of earlier calls with other
 * train rows too), or -1 + error as above */
long ts_audit_overlap_mark(const ts_windows *train, const ts_windows *test, uint8_t *hit);

/* ---- blackout masks ---- */
typedef enum { TS_MASK_CENTER = 0, TS_MASK_END, TS_MASK_RANDOM, TS_MASK_ALL } ts_mask_pos;
int  ts_mask_parse(const char *s, ts_mask_pos *out);
const char *ts_mask_name(ts_mask_pos p);
/* fills n x L (1 = observed); RANDOM draws window i's start uniformly in [0, L-k] from
 * ts_rng_fork(seed, i); ALL hides everything. k > L hides all; CENTER starts at L/2, or at
 * L-k when L/2 + k > L (e.g. L=50, k=40: 10..49), so k events are always hidden. 0; -1 +
 * error for a position that is none of these (the mask then hides nothing) or a NULL mask
 * with n x L > 0 */
int  ts_mask_fill(uint8_t *mask, size_t n, size_t L, size_t k, ts_mask_pos pos, uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif
