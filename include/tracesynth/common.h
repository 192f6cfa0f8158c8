/* tracesynth — common: errors, memory, atomic output files, seeded RNG, progress.
 *
 * Error convention: library functions return 0 on success and -1 on failure
 * (or NULL), after recording one line that names the file and the place
 * ("trace.txt:12: non-integer token 'ab'"). ts_error() returns it.
 *
 * Ownership: what a function allocates for its caller is the caller's to free. A struct it
 * fills (ts_seq, ts_windows, ts_vocab, ts_dataset, ts_split, ts_npy, ts_mc, ...) is released
 * with that type's ts_*_free, a model it returns (ts_model, ts_mc_model) with
 * ts_model_free / ts_mc_model_free, and a string or array the comment calls malloc'd with
 * free(). Every such free function accepts NULL and an all-zero struct, and a function that
 * fails leaves nothing to free. A const char * the library returns (ts_error, names,
 * ts_arch_name, ...) is the library's: ts_error's line lasts until the thread's next error.
 *
 * NULL: the model and protocol functions (model.h, protocol.h: training, saving, loading,
 * imputing, generating, scoring, a dataset and its split) refuse a NULL where they need a
 * model, windows or their data, a mask, a path, a spec or an output, with -1 and the error
 * "FUNCTION: ARGUMENT is NULL" (outputs they were given are emptied first); a pointer the
 * comment says may be NULL takes the default. A struct whose count says it holds data while
 * its pointer is NULL (a ts_seq, ts_windows or ts_npy; a ts_vocab's names, or one of them)
 * is refused so too wherever the data or evaluation functions read it. The functions of
 * repair.h, channels.h, mc_model.h, kneser_ney.h, ngram.h, container.h and gaps.h refuse a
 * NULL so as well (a function returning a number: NaN, or the value its header names, with
 * the error). Elsewhere (options.h's parser, the nn.h kernels) a NULL the comment does not
 * allow is the caller's error. */
#ifndef TRACESYNTH_COMMON_H
#define TRACESYNTH_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TS_VERSION "0.1.0"

#if defined(__GNUC__)
#define TS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TS_PRINTF(a, b)
#endif

/* ---- errors (thread-local: each thread sees its own last error; the last one wins) ---- */
int         ts_fail(const char *fmt, ...) TS_PRINTF(1, 2); /* records, returns -1; an argument may be ts_error() (the message before, wrapped) */
/* a library function's argument that must not be NULL: -1, "FN: ARG is NULL" */
int         ts_fail_null(const char *fn, const char *arg);
/* the bytes of the longest error ts_fail keeps whole, its NUL included (a longer one keeps
 * its start and its end around "...") */
#define TS_ERROR_MAX 8448
const char *ts_error(void);
void        ts_clear_error(void);
/* "an" or "a" before a model's name in a message: a name is read letter by letter
 * ("an mdm", "an sssd-s4", "an ngram"), the one word as a word ("a unigram") */
const char *ts_article(const char *name);
/* "s" after a count's noun, "" for 1: "%zu window%s", n, ts_plural(n) */
const char *ts_plural(size_t n);
/* s written to f as a message shows it: control bytes (a terminal's escape sequences, a
 * newline that would split the line) and bytes that are not UTF-8 as \xNN, tabs and UTF-8
 * as they are. ts_vput_shown: the text fmt makes, so shown (a newline ending fmt itself
 * written as the line end it is) */
void        ts_put_shown(FILE *f, const char *s);
void        ts_vput_shown(FILE *f, const char *fmt, va_list ap);
/* s so shown, in a new string (free it) */
char       *ts_shown(const char *s);
/* pre, s shown and post (pre and post as they are) written by one call: a line that
 * other processes writing to the same stream (mpirun's ranks) do not cut into */
void        ts_put_line(FILE *f, const char *pre, const char *s, const char *post);

/* ---- numbers from text: all of s, a decimal integer in [lo, hi] or a finite number in
 * [lo, hi] (lo == hi == 0: any); -1 with "'s' is not ..." (callers that name the place
 * write their own line) ---- */
int ts_parse_long(const char *s, long lo, long hi, long *out);
int ts_parse_double(const char *s, double lo, double hi, double *out);
/* "a,b,c": each item (none empty) through one(item, dst, its index), at most max items,
 * counted in *n; 0 / -1 + error ("'s': an empty item", "at most MAX values", or one's) */
int ts_parse_items(const char *s, int max, void *dst, int *n, int (*one)(const char *item, void *dst, int i));

/* ---- memory: out of memory is fatal: one error line (naming the address-space limit,
 * ulimit -v, when one is set) and exit status 1 (no recovery is sensible) ---- */
void *ts_malloc(size_t n);
void *ts_calloc(size_t n, size_t size);
void *ts_realloc(void *p, size_t n);
char *ts_strdup(const char *s);
/* s as the inside of a JSON string (quotes and backslashes escaped, control bytes as
 * \uXXXX, each byte that is not part of a well-formed UTF-8 character as \ufffd, so that
 * the text is UTF-8 as JSON must be; free it); ts_json_put writes it quoted to f, NULL as
 * null */
char *ts_json_escape(const char *s);
void ts_json_put(FILE *f, const char *s);
/* s as one word of a shell command line (malloc'd): as it is when it holds only characters
 * no shell reads (letters, digits, / . _ - + , : = @ %), else in single quotes, a quote in
 * it written '\'' (NULL or empty: ''); the words are paths: one that starts with '-' gets
 * ./ before it, so that a command does not read it as an option */
char *ts_shell_word(const char *s);
/* 64-byte aligned, zeroed; free with ts_free_aligned */
void *ts_alloc_aligned(size_t n);
void  ts_free_aligned(void *p);
/* 0 when n bytes fit in the memory this process may use (the machine's, or less under
 * ulimit -v; unknown: 0), else -1 with an error: WHAT would take n bytes ...; FIX. An
 * allocation past it would end the process, or be zeroed into the OOM killer */
int ts_memory_fits(size_t n, const char *what, const char *fix);
/* the same for a batch's activations, naming --batch B of L events */
int ts_batch_fits(size_t n, long B, long L);
/* n rounded up to a multiple of a (a power of two): ts_round_up(floats, 16) keeps
 * each float block of a planned buffer 64-byte aligned */
static inline size_t ts_round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* ---- atomic output: write to an unnamed file in PATH's directory (O_TMPFILE; where the
 * filesystem lacks it, PATH.tmp.<pid>.XXXXXX, removed by a later open once <pid> is gone),
 * then link and rename over PATH; a temporary's name is PATH's cut where a whole one would
 * pass NAME_MAX ---- */
typedef struct {
    FILE *f;
    char *path;
    char *tmp;    /* the temporary's name; NULL while it has none (O_TMPFILE) */
    int direct;   /* path is a device or FIFO (-o /dev/stdout): written in place */
} ts_outfile;
/* 0 / -1. A link: its file is replaced, the link kept. A device, a FIFO or one of the
 * process's own descriptors (/dev/stdout, /dev/fd/N): written in place, not replaced. A
 * file replaced keeps its permissions (not a setuid or setgid bit); a new one has 0666 less
 * the umask */
int  ts_out_open(ts_outfile *o, const char *path);
/* 1: path is written in place (a device, FIFO, /dev/stdout), not a file replaced */
int  ts_out_is_stream(const char *path);
/* can path be written? Checked before long work without leaving anything (a FIFO is not
 * opened: its reader would see its end). 0 / -1 naming it */
int  ts_out_check(const char *path);
/* flush, fsync, rename, sync the folder; 0 / -1. A failed fsync of the file leaves the old
 * one; a failed sync of the folder after the rename leaves the new one in place, -1 all
 * the same (it may not be on the disk) */
int  ts_out_commit(ts_outfile *o);
void ts_out_abort(ts_outfile *o);                    /* remove the temporary file */
/* a set of files replaced together: write them into s.stage (a fresh directory inside
 * dir), then ts_stage_commit moves them into dir - all, or on failure none (the old
 * ones stay). A file that replaces one keeps the old one's permissions, not a setuid or
 * setgid bit (a new file has what the umask gives). An entry may be a directory (a CTF
 * trace), which replaces a directory of that name and keeps its permissions and setgid
 * bit. Frees s either way; ts_stage_abort discards the set, and with it the folders
 * ts_stage_open made for dir (made: the first of them), as a failed commit does. */
typedef struct { char *dir, *stage, *made; } ts_stage;
int  ts_stage_open(ts_stage *s, const char *dir);                     /* 0 / -1 */
/* a stage in the directory that holds path (what is to be replaced; that directory must
 * be there: it is not made); *base: path's last component, the name to commit (it points
 * into path) */
int  ts_stage_open_beside(ts_stage *s, const char *path, const char **base);
/* names (and gone, below): each one entry of dir, no '/' (others are refused); names
 * reserved (refused, nothing placed): .tracesynth-commit, .tracesynth-group and .tracesynth,
 * the stage's own (the old files it keeps are in .tracesynth, so that a set may hold both X
 * and X.old, or any other name). A new file
 * or folder (one that cannot be opened, looked at or listed to be synced too), the record
 * or the stage that cannot be synced fails the commit before its
 * record (the old set as it was, the stage removed); the folder not synced after the
 * renames leaves the set committed, new, and -1 naming it. A failed commit whose record's
 * removal cannot be synced (the stage's sync fails after it: a power cut may bring the
 * record back) keeps the stage whole without it, and the error says that the next command
 * in dir may complete the new set (without a power cut, the old set stays and a writer
 * removes the stage) */
int  ts_stage_commit(ts_stage *s, const char *const *names, int n);   /* 0 / -1 */
/* the commit, with the files gone[] of dir (those of an earlier set the new one lacks)
 * removed where there; a directory of such a name is refused before anything is placed,
 * and a failure leaves the old set (those files too) as it was; a signal that ends the
 * process waits for both */
int  ts_stage_commit_removing(ts_stage *s, const char *const *names, int n, const char *const *gone, int ngone);
void ts_stage_abort(ts_stage *s);
/* A commit writes a record into its stage and syncs it before its first rename: the set
 * is then committed, and a process killed between two renames (SIGKILL, a power cut)
 * leaves a stage that finishes it. ts_stage_open in dir, ts_out_open of a file in dir (which
 * a later roll forward would otherwise replace or remove), their commits again (for one
 * killed at its renames since the open) and ts_stage_recover carry out such a stage of a
 * process that is gone (its files put in place, its removed ones removed; a group's, with
 * the rest of its group, in their folders: ts_stage_commit_with), so that dir's set is all
 * new, never some of each; ts_stage_open also removes
 * the stages without a record (the set never committed: the old one is whole). A reader
 * calls ts_stage_recover(dir) before it reads a set's files there: 0 (one readdir, nothing
 * more where no stage is there), or -1 with one line naming dir where such a stage cannot
 * be carried out (a folder the reader may not write), its record cannot be read (another
 * user's stage, of a process that is gone) or its process is still at it. A stage of
 * another user in a folder not that user's is never carried out here (its record could
 * name files that user may not replace): -1 naming it, for readers and writers alike */
int  ts_stage_recover(const char *dir);
/* files with names of their own replaced together (generate's OUT.txt, OUT.npy and
 * OUT.names.txt): each is written at ts_out_set_path(s, i), in a stage beside the files
 * (a link's: beside the file it leads to, which is replaced, the link kept), then
 * ts_out_set_commit puts them all in place, or on failure none; a file replaced keeps its
 * mode. A device or FIFO among them is written in place, as ts_out_open writes it. Their
 * folder must be there, one folder for all of them (links to other folders are refused). */
typedef struct { ts_stage st; int n, staged; char **path, **name, **at; } ts_out_set;
int  ts_out_set_open(ts_out_set *s, const char *const *paths, int n);   /* 0 / -1 naming a path */
const char *ts_out_set_path(const ts_out_set *s, int i);
int  ts_out_set_commit(ts_out_set *s);   /* 0 / -1; frees s either way */
/* the commit, with the files gone[] (paths) of an earlier set that the new one lacks removed
 * where there, those in the set's folder, as ts_stage_commit_removing removes them */
int  ts_out_set_commit_removing(ts_out_set *s, const char *const *gone, int ngone);
/* discards the set (frees s); an error that names where a file was being written names
 * its path instead */
void ts_out_set_abort(ts_out_set *s);
/* sets in several folders committed as one group: s's names (as ts_stage_commit; s NULL:
 * none) and the sets with[] (nwith; a NULL one, or one of streams alone, takes no part),
 * all put in place or, on failure, none (where the old files cannot all be put back, or
 * their folder cannot be synced after, or the primary's record cannot be removed, every
 * stage is kept with its record, which the
 * error says: the next command in any of their
 * folders puts all the new ones in place; where the primary's record's removal cannot be
 * synced, every stage is kept whole, the others' records too, and the error says that the
 * next command may complete the group). The first is the group's primary: the others'
 * records name it and are synced first, then its record, which lists them, commits them
 * all, so that a process killed at any point (SIGKILL, a power cut) leaves either no
 * commit (the old files) or one that the next writer or reader of any of their folders
 * carries out whole (ts_stage_recover). Frees them all either way */
int  ts_stage_commit_with(ts_stage *s, const char *const *names, int n, ts_out_set *const *with, int nwith);
/* the same with s a set of files of its own (the primary where it has a file to stage) */
int  ts_out_set_commit_with(ts_out_set *s, ts_out_set *const *with, int nwith);
/* a signal that ends the process (Ctrl-C, kill) removes the stages open then, once the
 * child process writing into them (pid; 0: none) is killed */
void ts_stage_worker(pid_t pid);
/* the signals that end a process by default (SIGINT, SIGTERM, SIGHUP, SIGQUIT left at
 * their default) held from here to the matching ts_signals_release, then raised: outputs
 * committed between, in several folders, are all in place when the process ends, as one
 * commit's files are (each commit holds them so). Holds nest and count across threads
 * (the last release raises a signal held); the dispositions are put back as they were
 * once no hold and no open stage needs them. Safe to call from several threads, not from
 * a signal handler. */
void ts_signals_hold(void);
void ts_signals_release(void);
int  ts_mkdir_p(const char *dir);                    /* 0 / -1 */
/* can a set of files be written into dir (made with its parents where not there)?
 * Checked before long work, leaving nothing behind. 0 / -1 naming dir */
int  ts_out_dir_check(const char *dir);
/* a folder made for outputs that are put into it later, one by one (bench fill --keep DIR):
 * made unless it is there (its parent must be); 0, or -1 naming it. *made: the folder when
 * this call made it, else NULL. Until ts_out_dir_done, a signal that ends the process
 * removes it while it is empty (once the stages open in it are removed), as it does the
 * folders a stage made; ts_out_dir_done(made, 1) removes it while empty (the run failed),
 * (made, 0) keeps it; either frees made (NULL: nothing to do) */
int  ts_out_dir_make(const char *dir, char **made);
void ts_out_dir_done(char *made, int remove_empty);
/* removes PATH: a file, or a directory with everything in it, however deep (each folder
 * opened from the one above it; links are removed, never followed, a link swapped in for a
 * folder meanwhile included); what cannot be removed stays, silently */
void ts_remove_tree(const char *path);
/* where the link path leads (followed link by link: its end may not be there yet),
 * malloc'd; NULL when path is no link or its links go round */
char *ts_link_end(const char *path);
char *ts_path_join(const char *a, const char *b);    /* malloc'd "a/b" */
/* a new directory NAME-<pid>.<n>-XXXXXX in TMPDIR (else /tmp): 0, or -1 with errno; *path
 * (free it) names it, or what could not be made. Until ts_temp_dir_remove, a signal that
 * ends the process (Ctrl-C, kill) removes it with what it holds, as it does an open stage;
 * one left by a process that is gone (kill -9) is removed by a later ts_temp_dir of NAME
 * (this user's directories of that pattern whose <pid> no longer runs) */
int  ts_temp_dir(const char *name, char **path);
/* -1 with the error for a ts_temp_dir that failed (path, errno err; what: what it was for):
 * where TMPDIR names no folder, said so, naming TMPDIR; else path and the system's reason
 * (what NULL: "a temporary folder") */
int  ts_temp_dir_fail(const char *path, int err, const char *what);
void ts_temp_dir_remove(const char *path);   /* removes it with what it holds */
char *ts_path_trim(const char *p);                   /* malloc'd p without trailing '/' ("dir/": "dir") */
/* malloc'd name of what path names, for names made from it: its last part ("data/":
 * "data"), or where that is "." or ".." the real directory's ("." inside data: "data") */
char *ts_path_name(const char *path);
int  ts_file_exists(const char *path);
/* 1 when path names standard input ('-', /dev/stdin, /dev/fd/0, /proc/self/fd/0): no file
 * is beside it (no names, vocab.tsv, arch or split.txt is looked for at its place), the
 * file it was redirected from included */
int  ts_path_is_stdin(const char *path);
/* malloc'd absolute path of what path names, read one name at a time from the current
 * directory (or "/"): a name that is there is resolved with what it leads to (links
 * followed), "." stays, ".." goes up from the path found so far ("out/../x" is "x" beside
 * out, whether out is there or not), a name not there is kept as it is. NULL when "." does
 * not resolve */
char *ts_path_resolve(const char *path);
/* -1 with the error for path, which stat() or open() refused, errno as it left it: not
 * there (ENOENT) is "PATH: MISSING" (as "no such dataset directory"); a path through a file
 * (ENOTDIR) "PATH: MISSING: FILE is a file, not a directory"; a path too long for
 * the system (longer than PATH_MAX, or a name in it longer than NAME_MAX) says so; anything
 * else gives its reason */
int  ts_fail_path(const char *path, const char *missing);
int  ts_same_file(const char *a, const char *b);   /* 1: both exist and are one file (by any path) */
/* 1: a and b name one file, there or not yet (existing: one file; else the same name in
 * the same folder, by any path to it) */
int  ts_same_path(const char *a, const char *b);
/* a log (JSON lines) at path can be opened for appending, checked before long work: 0, or
 * -1 naming it ("cannot open the WHAT: ...", or a model or checkpoint file there, which
 * records appended would damage). A file not there before is not left behind, so that a
 * run failing before its first record leaves no empty log */
int  ts_log_check(const char *path, const char *what);
/* one writer per file among the running processes of a machine: path (a regular file, or
 * one not there yet; links resolved) is held until ts_path_unlock or the process's end
 * (whatever ends it; nothing is left on disk). Holds of one file within a process nest.
 * -1 naming path and what when another process holds it; 0 otherwise (also where no
 * hold is made: a device or FIFO, one of the process's own descriptors such as
 * /dev/stderr redirected into a file, a sandbox without sockets) */
typedef struct { int slot; } ts_path_hold;
int  ts_path_lock(const char *path, const char *what, ts_path_hold *hold);
void ts_path_unlock(ts_path_hold *hold);   /* also after a failed or empty lock */

/* ---- seeded RNG (xoshiro256**): same seed, same stream on every machine ---- */
typedef struct { uint64_t s[4]; int has_gauss; float gauss; } ts_rng;
void     ts_rng_seed(ts_rng *r, uint64_t seed);
uint64_t ts_rng_u64(ts_rng *r);
double   ts_rng_uniform(ts_rng *r);              /* [0, 1) */
uint64_t ts_rng_below(ts_rng *r, uint64_t n);    /* [0, n), unbiased */
float    ts_rng_normal(ts_rng *r);               /* N(0, 1) */
/* independent stream for (seed, index): lets thread k draw the same numbers for
 * item k whatever the thread count */
void     ts_rng_fork(ts_rng *r, uint64_t seed, uint64_t index);

/* ---- CRC-32 (IEEE) for checkpoints ---- */
uint32_t ts_crc32(uint32_t crc, const void *data, size_t n);

/* ---- progress on long work: a bar redrawn on a terminal; in a log a line every
 * 30 s and one at the end ---- */
typedef struct {
    const char *label;
    long   total;
    double t0, last;
    int    tty;
    int    enabled;
    int    in_span;   /* started inside a span: drawn as its part of the span's bar */
    int    ended;     /* the line at the total was drawn: once */
    long   first;     /* units done before it started (a resumed run): not in the rate */
} ts_progress;
void   ts_progress_start(ts_progress *p, const char *label, long total);
/* extra: short text after the bar (e.g. "loss 0.0123"); may be NULL */
void   ts_progress_update(ts_progress *p, long done, const char *extra);
/* the work ended at done (its total, or short of it: stopped early): its last line drawn
 * there, whatever the time since the one before, unless the line at the total was */
void   ts_progress_final(ts_progress *p, long done, const char *extra);
void   ts_progress_end(ts_progress *p);
/* One bar over a job done in several calls that each start a bar of their own:
 * between ts_progress_span_begin and ts_progress_span_end, a bar started by a call
 * is drawn as that call's part of the span's one bar (label, total units; shown
 * when enabled and the call's own bar is), and ends without ending the line.
 * ts_progress_span_part(units) before each call: the units its bar covers. A span
 * begun inside a span is part of the outer one (its begin, parts and end do
 * nothing). Main thread only. */
void   ts_progress_span_begin(const char *label, long total, int enabled);
void   ts_progress_span_part(long units);
void   ts_progress_span_end(void);
/* Lines held back until the work they announce gets on: said before the next bar is drawn
 * or at ts_progress_release; ts_progress_unhold(mark) forgets those held after mark (the
 * length ts_progress_held gave before them), so that a failed step's error is its only line.
 * Main thread only. */
void   ts_progress_hold(const char *fmt, ...) TS_PRINTF(1, 2);
size_t ts_progress_held(void);
void   ts_progress_unhold(size_t mark);
void   ts_progress_release(void);
double ts_now(void);                             /* monotonic seconds */

/* ---- threads ---- */
void ts_set_threads(int n);                      /* <= 0: OMP_NUM_THREADS if set, else all cores */
int  ts_get_threads(void);

/* ---- BLAS kernels: the CPU's features against OpenBLAS's own choice ---- */
typedef struct {
    int intel, amd;
    int sse3, sse42, avx, avx2, fma;                           /* usable: the OS saves the state */
    int avx512f, avx512bw, avx512vl, avx512dq, avx512cd, avx512bf16;
} ts_cpu;
void ts_cpu_detect(ts_cpu *c);                   /* cpuid + xgetbv (zeroes elsewhere) */
const char *ts_blas_core_best(const ts_cpu *c);  /* best OpenBLAS core the CPU runs; NULL: none */
/* the core to ask OpenBLAS for (OPENBLAS_CORETYPE), or NULL to keep its choice: the
 * user's own OPENBLAS_CORETYPE (user_env) always wins; a core at least as strong as the
 * CPU's best, or one this table does not know, is kept */
const char *ts_blas_core_pick(const ts_cpu *c, const char *openblas_core, const char *user_env);
void ts_blas_describe(char *buf, size_t n);      /* one line: the kernels in use and why */
/* the address space (bytes) a run needs for OpenBLAS's work buffers and the threads that
 * hold them, a margin included: blas_threads, the threads OpenBLAS started when it loaded
 * (openblas_get_num_threads), and threads, those of the program that call its products
 * (0: none, a run that only prints a help text).
 * OpenBLAS retries a buffer it cannot map forever, so a run under an address-space limit
 * (ulimit -v) below this would spin instead of failing */
size_t ts_blas_address_space_need(int blas_threads, int threads);

#ifdef __cplusplus
}
#endif

#endif
