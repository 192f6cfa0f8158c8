/* libbabeltrace2 in a child process (src/data/ctf_isolate.c; not part of the public API). */
#ifndef TS_CTF_ISOLATE_H
#define TS_CTF_ISOLATE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tracesynth/data.h"

/* ts_ctf_load (fields 0) or ts_ctf_load_fields (1) without the child process
 * (src/data/ctf.c): a trace that crashes libbabeltrace2 crashes the caller */
int ts__ctf_load_here(const char *dir, const ts_ctf_opts *opts, int fields, ts_ctf_trace *out);
/* the same, with the copies of truncated streams' complete packets made in WORK, an empty
 * directory the caller removes (NULL: a temporary one, removed before returning) */
int ts__ctf_load_in(const char *dir, const ts_ctf_opts *opts, int fields, const char *work, ts_ctf_trace *out);

/* ---- a job in a forked child ----
 * ts__child_start forks a child that runs fn(arg, out) and ends with fn's return as its
 * exit status (0: the writes to out decide), with the default action for crash signals,
 * no core file, its memory bounded (what it has at the fork plus TRACESYNTH_CTF_MEMORY MB
 * of data: ts__ctf_memory_limit), and its stderr kept aside (a precondition's account of
 * an abort is put in the error, an allocation's failure makes it a memory error; anything
 * else is copied to stderr once it has ended). This process reads what fn writes from
 * c->in (native byte order: the same binary on both sides); a read that would wait past
 * the time limit fails. ts__child_end(c, complete, stop) then reaps the child: 0 when the
 * caller read a complete result (complete) and the child exited 0; else -1 with one line
 * naming DIR and what became of the child (a signal, the time limit, the memory limit, an
 * exit status). stop: kill the child first and keep the caller's own error (a hook's).
 * An error the child sent back goes through ts__child_error, which makes it the memory
 * error when an allocation failed there. */
typedef struct { FILE *f; int bad; } ts__wr;
typedef struct {
    pid_t       pid;
    FILE       *in;
    int         err_fd;
    double      limit;          /* seconds; 0: none */
    void       *pin;
    const char *dir, *verb;     /* for errors: "DIR: babeltrace2 could not VERB the trace" */
    int         sig;            /* after ts__child_end: the signal that ended the child, 0 none */
    double      mem_mb;         /* the child's memory limit in MB; 0: none */
    int         nomem;          /* after ts__child_end: an allocation failed in the child */
} ts__child;
int  ts__child_start(ts__child *c, const char *dir, const char *verb, int (*fn)(void *arg, ts__wr *out), void *arg);
int  ts__child_end(ts__child *c, int complete, int stop);
/* -1 with ERR, the error the child sent back, as the error (the memory limit's error instead
 * when an allocation failed in the child) */
int  ts__child_error(const ts__child *c, const char *err);
/* the memory a child may take beyond what it has at the fork, in MB (0: no limit):
 * TRACESYNTH_CTF_MEMORY, else half the machine's memory (at least 1024); -1 when the
 * variable is not a number */
int  ts__ctf_memory_limit(double *mb);
/* the time limit of a child working on the trace DIR: TRACESYNTH_CTF_TIMEOUT seconds (0:
 * none), else 600 s plus one per MB of DIR's files; -1 when the variable is not a number */
int  ts__ctf_time_limit(const char *dir, double *limit);
/* where progress lines go: in a child the caller's stderr, elsewhere stderr */
FILE *ts__ctf_progress(void);
/* the events read so far there, as the progress bars draw theirs: on a terminal a line
 * redrawn in place (end: closed), in a log a whole line each time; ts__ctf_progress_every:
 * the seconds between two (1 on a terminal, 30 in a log) */
void ts__ctf_progress_line(uint64_t events, double seconds, int end);
double ts__ctf_progress_every(void);

/* the pipe's values: written (a failed write sets w->bad), read (-1: short or malformed) */
void ts__put(ts__wr *w, const void *p, size_t n);
void ts__put_u32(ts__wr *w, uint32_t v);
void ts__put_u64(ts__wr *w, uint64_t v);
void ts__put_i64(ts__wr *w, int64_t v);
void ts__put_str(ts__wr *w, const char *s);          /* NULL is sent as NULL */
int  ts__get(FILE *f, void *p, size_t n);
int  ts__get_u32(FILE *f, uint32_t *v);
int  ts__get_u64(FILE *f, uint64_t *v);
int  ts__get_i64(FILE *f, int64_t *v);
int  ts__get_size(FILE *f, size_t *v);               /* a u64 below SIZE_MAX / 64 */
int  ts__get_str(FILE *f, char **s);                 /* malloc'd; NULL when NULL was sent */

#endif
