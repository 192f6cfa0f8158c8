/* Helpers shared by the src/data files (not part of the public API). */
#ifndef TS_DATA_INTERNAL_H
#define TS_DATA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "tracesynth/common.h"
#include "tracesynth/data.h"

/* the vocabulary name of the reserved ID for events unseen in training */
#define TS_UNK_NAME "<unk>"

/* whole file into a malloc'd, NUL-terminated buffer (read once: pipes work) */
int ts__read_file(const char *path, char **buf, size_t *size);
/* a text trace (strace log, ftrace text) read whole, decompressed when gzip (a single or
 * multi-member stream, up to 8 GiB); other compressions are named in the error (strace.c) */
int ts__read_text(const char *path, char **buf, size_t *size);
/* what ts_windows_read and ts_npy_read make of a file's bytes (buf from ts__read_file,
 * freed here); path names the file in errors */
int ts__windows_parse(const char *path, char *buf, size_t size, ts_windows *out);
int ts__npy_parse(const char *path, char *buf, size_t size, ts_npy *out);

/* the first NUL, control or non-ASCII byte in [s, t) of a text file, named with its line
 * and column ("byte 0xEF (UTF-8 byte-order mark) at line 1, column 1"): -1 + error, else 0.
 * file: the buffer's start, bol: the line's start */
int ts__bad_byte(const char *path, const char *file, const char *bol, const char *s,
                 const char *t, size_t line);

/* a dataset's files written into dir as they are (ts_dataset_save stages them) */
int ts__dataset_write(const char *dir, const ts_dataset *d);
/* the last error, naming a staged file by its final place in dir */
void ts__stage_error(const ts_stage *st, const char *dir);

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

/* strace.c: per call of a log, beside its name and start time (*timed: 1, 0 when the log has
 * none, 2 when they are strace -r's, summed from 0, 3 when they are times of day): the time
 * in ns, the pid (0: none in the
 * log), the return value (has_ret 0: none, or not yet known), execve's path and the
 * thread's name that strace -Y gives (each malloc'd, else NULL), and for an execve the pid
 * the process goes on under (where it resumed: a thread's execve resumes under its
 * process's id, the thread-group leader's) */
typedef struct {
    long     *pid;
    int64_t  *ns;          /* the start time in ns, exact */
    int64_t  *ret;
    uint8_t  *has_ret;
    char    **exec;
    char    **comm;
    long     *exec_pid;
} ts__strace_fields;
int  ts__strace_read_fields(const char *path, char ***names, double **times, size_t *n, int *timed,
                            ts__strace_fields *x);
void ts__strace_fields_free(ts__strace_fields *x);   /* the arrays; not the exec and comm strings */

#endif
