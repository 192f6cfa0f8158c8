/* Helpers shared by the src/data files (not part of the public API). */
#ifndef TS_DATA_INTERNAL_H
#define TS_DATA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tracesynth/common.h"
#include "tracesynth/data.h"
#include "tracesynth/gaps.h"
#include "common/common_internal.h"   /* ts__error_path */

/* the vocabulary name of the reserved ID for events unseen in training */
#define TS_UNK_NAME "<unk>"

/* a vocabulary a caller made: with n > 0 its names are there, each of them: 0, else -1 with
 * "FN: NAMES is NULL" or "FN: NAMES[I] is NULL" (NAMES: how the caller's argument reaches
 * them, "v->names") */
int ts__vocab_check(const ts_vocab *v, const char *fn, const char *names);
/* why name cannot name an event (NULL: it can): a names file (W.names.txt) separates the
 * names by blanks and writes '?' for an ID without a name, so a name with a blank, or '?'
 * alone, would be read back as others. A thread's name (a channel's vocabulary) may hold both */
const char *ts__event_name_bad(const char *name);
/* why vocab.tsv cannot hold name as it is (empty; a tab, newline or carriage return), or NULL */
const char *ts__name_unwritable(const char *name);
/* a comm or ret vocabulary's IDs 0 and 1 are the reserved <pad> (no value) and <unk> (one
 * outside it), whatever a file names them: the first of the two whose name is another (its
 * reserved name into *want), or -1 where both are; v holds 2 names at least */
int ts__vocab_reserved_bad(const ts_vocab *v, const char **want);
/* ts_vocab_read, of a channel's vocabulary: names that are no events' (ts__event_name_bad
 * not asked) */
int ts__vocab_read_channel(const char *path, ts_vocab *out);

/* the time split's parts: three positive thousandths summing to 1000: 0, else -1 with "[WHO: ]time
 * split parts A/B/C thousandths: ..." (who NULL: no prefix) */
int ts__split_parts_check(const int permille[3], const char *who);
/* a blackout position of ts_mask_pos: 0, else -1 with "WHO: blackout position N: expected ..." */
int ts__mask_pos_check(ts_mask_pos pos, const char *who);

/* ts_seq_read of a dataset's stream.txt: a file ending in an ID without the newline every
 * writer ends it with (cut inside its last ID) is refused, naming its line */
int ts__seq_read_dataset(const char *path, ts_seq *out);
/* path, a file of a split directory (ts_split_file_check's) read: rows lines of len IDs
 * each (0: lines of unequal lengths), events IDs in all, compared with what its split.txt
 * records (length=, the part's count; train_stream.txt: its events): 0, or -1 with "PATH: N
 * windows, but SPLIT/split.txt records M: a file cut short, ..."; any other file, or a split
 * whose split.txt records neither: 0 */
int ts__split_part_check(const char *path, size_t rows, size_t len, size_t events);
/* whole file into a malloc'd, NUL-terminated buffer (read once: pipes work) */
int ts__read_file(const char *path, char **buf, size_t *size);
/* a text trace (strace log, ftrace text, ID stream) read whole, decompressed when gzip (a single or
 * multi-member stream, up to 8 GiB); other compressions are named in the error (strace.c);
 * *buf is NULL after an error */
int ts__read_text(const char *path, char **buf, size_t *size);
/* what ts_windows_read and ts_npy_read make of a file's bytes (buf from ts__read_file,
 * freed here); path names the file in errors */
int ts__windows_parse(const char *path, char *buf, size_t size, ts_windows *out);
int ts__npy_parse(const char *path, char *buf, size_t size, ts_npy *out);

/* a UTF-8 byte-order mark at the start of a text of size bytes: -1 with the error
 * ts__bad_byte gives it ("path: byte 0xEF (UTF-8 byte-order mark; save the file without
 * it) at line 1, column 1"), else 0. The log and trace readers refuse one, as the ID
 * readers do, rather than read it into their first line (a thread's name) */
int ts__bom_refused(const char *path, const char *buf, size_t size);
/* the first NUL, control or non-ASCII byte in [s, t) of a text file, named with its line
 * and column ("byte 0xEF (UTF-8 byte-order mark) at line 1, column 1"): -1 + error, else 0.
 * file: the buffer's start, bol: the line's start */
int ts__bad_byte(const char *path, const char *file, const char *bol, const char *s,
                 const char *t, size_t line);

/* does a file of n bytes begin as tracesynth's container (a model, a training checkpoint,
 * a constraints file) does? Such a file given where text is read is named as one */
int ts__container_file(const char *file, size_t n);
#define TS__CONTAINER_FILE "a tracesynth model, checkpoint or constraints file"

/* [s, s + n) quoted in an error: at most max bytes of it, "..." after a longer one, a
 * final carriage return left out, and control bytes (a terminal's escape sequences, a
 * carriage return that would rewrite the error's line) as \xNN; malloc'd */
char *ts__excerpt(const char *s, size_t n, size_t max);

/* a dataset's files written into dir as they are (ts_dataset_save stages them) */
int ts__dataset_write(const char *dir, const ts_dataset *d);
/* dir, a split's folder (split.txt, no stream.txt) given where a dataset is read: -1 with
 * what to give instead (windows: the reader takes a window file too, so one of the split's
 * is named: DIR/testing), else 0 */
int ts__split_folder_refused(const char *dir, int windows);
/* the last error, naming a staged file by its final place in dir */
void ts__stage_error(const ts_stage *st, const char *dir);
/* ts_write_impute_named with arch (NULL: none) written as DIR/arch, the architecture of
 * the windows' type accuracy, which eval reads there; without it, an earlier run's goes
 * (a dataset's or a split's folder keeps its own, neither written over nor removed) */
int ts__write_impute_arch(const char *dir, const ts_windows *orig, const uint8_t *mask, const ts_windows *imputed,
                          const ts_vocab *names, const char *arch);

/* string -> index map (open addressing, FNV-1a); keys are borrowed, not copied */
typedef struct {
    const char **keys;
    int32_t     *vals;
    size_t       cap, n;
} ts__strmap;
void    ts__strmap_init(ts__strmap *m, size_t expect);
void    ts__strmap_free(ts__strmap *m);
/* value of key, or -1 */
int32_t ts__strmap_get(const ts__strmap *m, const char *key);
/* sets key -> val (key must outlive the map) */
void    ts__strmap_put(ts__strmap *m, const char *key, int32_t val);

/* strings kept once each (a trace repeats a few names many times), numbered in the order
 * first seen: str[id] */
typedef struct {
    ts__strmap map;
    char     **str;
    int32_t    n;
    char      *key;          /* the span looked up */
    size_t     keycap;
} ts__interner;
void    ts__interner_init(ts__interner *in);
void    ts__interner_free(ts__interner *in);
int32_t ts__intern(ts__interner *in, const char *s, const char *e);   /* the id of [s, e) */

/* a raw_syscalls number no table names: nr_NUMBER, nr_mN below 0 (an identifier, which
 * the lines of a filled trace must read back with) */
static inline void ts__nr_name(char *buf, size_t n, long nr)
{
    if (nr < 0) snprintf(buf, n, "nr_m%lu", 0ul - (unsigned long)nr);
    else snprintf(buf, n, "nr_%ld", nr);
}

/* strace.c: per call of a log, beside its name and start time (*timed: 1, 0 when the log has
 * none, 2 when they are strace -r's, summed from 0, 3 when they are times of day, 4 perf
 * trace -T's (perf's clock, since boot), 5 perf trace's without -T (from its start)): the time
 * in ns, the pid (0: none in the
 * log), the return value (has_ret 0: none, or not yet known; TS_RET_UNKNOWN: export's
 * "= <unk>"), execve's path and the
 * thread's name that strace -Y gives (each malloc'd, else NULL; "" for export's "<>", a
 * thread of no name), for an execve the pid
 * the process goes on under (where it resumed: a thread's execve resumes under its
 * process's id, the thread-group leader's), and the pid a return value is in strace's
 * own PID namespace where --pidns-translation writes it after the value (0: none): a
 * clone's child in a container, named so on its lines */
typedef struct {
    long     *pid;
    int64_t  *ns;          /* the start time in ns, exact */
    int64_t  *ret;
    uint8_t  *has_ret;
    char    **exec;
    char    **comm;
    long     *exec_pid;
    long     *ret_pid;
    uint8_t  *link;        /* read_log's, for merging several logs (NULL: all 0): TS__SF_MOVED,
                            * a call whose line ends in "<pid changed to N ...>" (a thread's
                            * execve; exec_pid N) and whose end is not in its log; TS__SF_RESUMED,
                            * a "<... NAME resumed>" whose start is not in its log */
} ts__strace_fields;
enum { TS__SF_MOVED = 1, TS__SF_RESUMED = 2 };
int  ts__strace_read_fields(const char *path, char ***names, double **times, size_t *n, int *timed,
                            ts__strace_fields *x);
/* every array to cap calls (link where there is one) */
void ts__strace_fields_grow(ts__strace_fields *x, size_t cap);
void ts__strace_fields_free(ts__strace_fields *x);   /* the arrays; not the exec and comm strings */
/* several logs merged as ts_strace_read_many merges them (one: read as it is), with x (may
 * be NULL) each merged call's fields; a call whose line names no thread (strace -ff writes
 * none) is of the one its log's name ends in (PREFIX.PID, PREFIX.PID.gz), and with x a log
 * whose name ends in none is an error where tids is 1. *timed as ts__strace_read_fields's
 * (several logs: their clock, 1, 3 or 4); notes as ts_strace_read_logs's */
int  ts__strace_read_logs(const char *const *paths, int npaths, char ***names, size_t *n, int *timed,
                          ts__strace_fields *x, int tids, char **notes);

/* ftrace text, line by line (ftrace.c): what ts_ftrace_load reads of each event line and
 * lost-event marker, for the readers that need the lines themselves (src/gaps) */
enum { TS__FT_ENTRY, TS__FT_EXIT, TS__FT_OTHER, TS__FT_LOST };
typedef struct {
    size_t      line;            /* from 1 */
    const char *b, *e;           /* the line, without its line end */
    uint8_t     kind, raw, has_val;
    uint8_t     recon;           /* a line tracesynth fill wrote (TS_FTRACE_RECON): kind, name
                                  * and tid are the event's it stands for */
    int32_t     cpu;
    int64_t     ns, tid;         /* lost: ns not known (INT64_MIN) */
    int64_t     val;             /* exit: the return value; lost: the count, -1 not known */
    long        nr;              /* raw_syscalls: the number */
    const char *name, *name_end; /* entry, exit: the call (raw: none); other: the event */
    const char *comm, *comm_end; /* NULL: "<...>" */
    const char *args;            /* what follows "NAME:" and blanks (up to e) */
    int         frac;            /* digits of the time's fraction; 0: a bare count */
    int         tgid, flags;     /* a TGID column; the width of the flags (0: none) */
    int64_t     tgid_val;        /* the TGID it shows ("(  1234)"), -1 "(-------)" (not known) */
    int         w_tgid;          /* the width inside the TGID's parentheses */
    int         perf;            /* a line of perf script's text ("COMM TID [CPU] TIME: ...") */
    /* perf script's columns: "PID/TID" (-F +pid: has_proc, proc the PID, -1 not known), the
     * period (-F +period), and the widths of an event line's columns (0: not measured): the
     * PID's and the TID's numbers, the period's, the event's name (right-aligned in it) */
    int         has_proc, has_period;
    int64_t     proc, period;
    int         w_proc, w_tid, w_period, w_name;
} ts__ft_line;
typedef struct {
    char  *text;                 /* lines "FILE[:LINE]: ...\n", or NULL */
    size_t len;
    uint64_t overwritten;        /* ftrace text: the events its headers say were written and not
                                  * kept (entries-written - entries-in-buffer), the oldest */
    int overwritten_whole;       /* 1: that count is the whole trace's, every CPU's, while the
                                  * files read hold some of its CPUs' events alone (per_cpu/cpuN/
                                  * trace repeats the trace's header): theirs is not known */
} ts__notes;
/* perf_trace.c: perf trace's output, read where a strace log is: 1 when buf's first line
 * has its shape; its calls as read_log gives a log's (times in seconds: perf's clock with
 * -T, else since the trace began); *relative: 1 when its times count from the trace's start
 * (perf trace without -T: the earliest under TS__PERF_REL_MS, or none), 0 for perf's clock;
 * *time_at: the line of its first time (0: none, every call '?'). A last line without its newline that reads no call was cut: left out, with a note into
 * notes (may be NULL) */
#define TS__PERF_REL_MS 1000
int  ts__perf_trace_shape(const char *buf, size_t size);
int  ts__perf_trace_read(const char *path, const char *buf, size_t size, char ***names, double **times, size_t *n,
                         ts__strace_fields *x, int empty_ok, int *relative, size_t *time_at, ts__notes *notes);
/* a character of a C identifier (system call and event names) */
static inline int ts__is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
/* the EVENT of a tracepoint's name [s, e) as perf prints it ("GROUP:EVENT", tracefs's names),
 * else NULL: perf prints evsel__name(), the name the event was recorded by with its modifier
 * after a ':' ("cycles:u", "cpu-clock:uk", "cpu/cycles/u"), so "NAME:LETTERS" of perf's
 * modifier letters alone is a name and its modifier, not a tracepoint (no tracepoint's event
 * is named so) */
const char *ts__perf_tracepoint(const char *s, const char *e);
/* the decimal digits at p (before e) as a number, saturating at INT64_MAX: their end, or NULL
 * when there are none */
const char *ts__digits(const char *p, const char *e, int64_t *v);
/* an event of export's own thread changes (TS_SWITCH_CLASS): a switch that carries the
 * thread, not an event of the trace, so that gaps, drop and fill neither count nor drop it,
 * as ingest reads it */
static inline int ts__rw_carrier(const ts_rw_event *e)
{
    return !e->recon && e->name && !strcmp(e->name, TS_SWITCH_CLASS);
}
/* count added to *sum, the events a trace's readers counted lost so far (ftrace's and perf's
 * markers, CTF's discarded-event gaps): 0, or -1 with *sum as it was when the sum would reach
 * 2^63 - 1 (TS__LOST_SUM names it), so that every total gaps, fill, drop and ingest make of
 * them fits */
static inline int ts__lost_add(int64_t *sum, uint64_t count)
{
    if (count > (uint64_t)(INT64_MAX - 1 - *sum)) return -1;
    *sum += (int64_t)count;
    return 0;
}
#define TS__LOST_SUM(at) "the lost events counted up to this " at " reach 2^63 - 1: too many to add up"
/* the signed number after "KEY=" at the start of [s, e) or after a blank in it (also
 * "KEY=0x1a (26)", as options/fields prints it): 0, or -1 when absent or not a number */
int ts__ftrace_arg_int(const char *s, const char *e, const char *key, int64_t *v);
/* a sched_switch's text [s, e): the thread it switches out (*prev) and in (*next), from
 * "prev_pid=A ... next_pid=B" or trace-cmd report's "PREV:A [PRIO] S ==> NEXT:B [PRIO]": 0, or
 * -1 (both -1) when it says neither so */
int ts__ftrace_switch(const char *s, const char *e, int64_t *prev, int64_t *next);
void ts__note(ts__notes *n, const char *fmt, ...) TS_PRINTF(2, 3);
/* a text trace's last line, without its newline, that does not read (the file was cut short
 * while written): left out, with this note (what: "trace", "log") */
void ts__note_cut(ts__notes *n, const char *path, size_t line, const char *what);
/* what a file of ftrace text says of the events its tracer overwrote, and what it holds:
 * its header's "# entries-in-buffer/entries-written: KEPT/WRITTEN   #P:NCPUS", which tracefs
 * prints for the whole trace, every CPU's, in per_cpu/cpuN/trace too */
typedef struct {
    int64_t kept, written;   /* -1: no such header */
    int64_t ncpus;           /* #P; 0: none */
    size_t  events;          /* the file's event lines (tracesynth fill's reconstructed ones apart) */
    int32_t cpu;             /* the one CPU of its event lines and markers; -1 none, -2 several */
} ts__ft_header;
/* calls fn for every event line and marker of path's text buf[0, size), in file order, after
 * ts_ftrace_load's checks (the tracer, one trace clock: *clock 1 seconds, 2 bare counts, 0
 * until seen; the times of each CPU never go back; a NUL byte); a last line without its
 * newline is left out with a note; *ncpus grows to #P and to the largest CPU + 1; *lost_in
 * (the counts of the files' markers before, 0 for the first) by its markers' counts, a
 * marker that takes it to 2^63 - 1 or past refused, so that sums over the files fit; *hdr what
 * its header says (ts__ftrace_overwritten tells of it); as_perf: what the text was asked for
 * as, for the errors of a file that is not it: 0 a trace that loses events (gaps, fill, drop),
 * 1 perf's (ts_perf_load: a NUL's error names perf script's text and perf trace's output), 2
 * ftrace's (ts_ftrace_load); 0, or -1 and one error line naming the file and line (fn's own
 * error as it is) */
int ts__ftrace_lines(const char *path, const char *buf, size_t size, int (*fn)(void *u, const ts__ft_line *l),
                     void *u, ts__notes *notes, int *clock, int64_t *ncpus, int64_t *lost_in, ts__ft_header *hdr,
                     int as_perf);
/* the events the headers of n files of one trace (paths, h) say were overwritten: added to
 * notes->overwritten, with a note. A file whose lines are of one CPU while its header counts
 * more events than it holds, of several CPUs (#P), is a per-CPU file (per_cpu/cpuN/trace):
 * those with the same header count once, as the whole trace's where they hold all its CPUs'
 * events, else said to be the whole trace's (notes->overwritten_whole), the files' share
 * not known */
void ts__ftrace_overwritten(ts__notes *notes, const char *const *paths, const ts__ft_header *h, int n);
/* ts_ftrace_scan, and *overwritten (when not NULL): the events the text's header says the
 * tracer overwrote before the trace was read (ts__notes' overwritten), *whole (when not NULL)
 * 1 when that count is the whole trace's, of which the file holds one CPU's events alone
 * (ts__notes' overwritten_whole), *perf_no_lost (when not NULL) 1 when the text is perf
 * script's without a PERF_RECORD_LOST line (printed only with --show-lost-events: whether
 * it lost events, it does not show), *notes (when not NULL) what the reader says of the
 * lines, for the caller to warn about (a last line cut while written, left out), as
 * ts_ftrace_load's notes (lines, each ending in a newline; NULL none; malloc'd) */
int ts__ftrace_scan_counted(const char *path, const ts_scan_hooks *h, uint64_t *overwritten, int *whole,
                            int *perf_no_lost, char **notes);

/* ts_ctf_rewrite / ts_trace_rewrite, and with text not NULL the new trace's text
 * (ts_ctf_print_text) written at that file and put in place with the trace: one commit
 * when the file is in the trace's folder, else written into a stage in its own folder and
 * committed with the trace as one group (ts_stage_commit_with) (a device or FIFO: written
 * last, from the trace written aside, before it is put in place; its reader gone, EPIPE,
 * the trace is put in place and 1 returned); a CTF trace only (gaps). ts__trace_rewrite_text's
 * *notes (when not NULL): ftrace text's reader's, as ts__ftrace_scan_counted's. with (NULL:
 * none): files written beside, in the same group commit as the trace (and its text), or
 * discarded when the trace fails (fill's saved model): taken either way */
int ts__ctf_rewrite_text(const char *dir, const char *out, const ts_rw_hooks *h, const char *text, ts_out_set *with);
int ts__trace_rewrite_text(const char *path, const char *out, const ts_rw_hooks *h, const char *text,
                           char **notes, ts_out_set *with);
/* a file written beside the rewrite of path into out (fill's text, its saved model; what:
 * its name in the error) refused where it would go among the input trace's files or the
 * output's, at any depth (a CTF trace's folder), or be either (ftrace text): 0 / -1 naming
 * file. A device or FIFO is not refused (written in place) */
int ts__side_output_refused(const char *path, const char *out, const char *file, const char *what);
/* the environment entry every trace export, drop and fill write holds (its value: export,
 * copy, drop or fill) */
#define TS__CTF_ENV_MARK "tracesynth"
/* a CTF trace's output folder out (drop, fill, export): 0 where it may be written, absent, an
 * empty folder or a trace holding TS__CTF_ENV_MARK; else -1 naming out (a recorded trace,
 * anything else) */
int ts__ctf_out_check(const char *out);
/* 1 when buf (n bytes) begins as libbabeltrace2 reads text CTF metadata's signature,
 * fscanf's "/\* CTF %u.%u", whose spaces match any whitespace or none ("/\*CTF 1.8") */
int ts__ctf_text_signature(const char *buf, size_t n);
/* an output named .gz (ftrace text's OUT, fill's --text) is written gzip-compressed:
 * ts__gz_open's FILE writes to to through deflate (gzip format), or NULL; its fclose ends
 * the stream (to stays open) */
int   ts__named_gz(const char *out);
FILE *ts__gz_open(FILE *to);

/* fill's reconstruction of one gap of k events with model m: dst[0, k) from the events
 * before it, left[0, nl) (the last ctx read), and after it, right[0, nr), in windows of the
 * model's length (m->len; 0: one window of the whole gap) */
struct ts_model;
int ts__fill_impute(struct ts_model *m, const int32_t *left, size_t nl, const int32_t *right, size_t nr, size_t k,
                    size_t ctx, uint64_t seed, const ts_kv *kv, int32_t *dst);
/* the blackouts (hidden events, one side seen) ts__fill_impute gives a model of any window
 * length for a gap of k with nl events before it and nr after (ctx at least 1), for
 * ts_mdm_choose_decoding: their number (0 for a model of a fixed length), into out (2) */
struct ts_mdm_blackout;
size_t ts__fill_blackouts(const struct ts_model *m, size_t nl, size_t nr, size_t k, struct ts_mdm_blackout *out);

#endif
