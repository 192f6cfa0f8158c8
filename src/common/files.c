/* Atomic output files: nothing already written is lost if we fail half-way. */
#include "tracesynth/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ts_out_open(ts_outfile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(path);
    o->path = ts_strdup(path);
    o->tmp = ts_malloc(n + 16);
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->path); free(o->tmp);
        memset(o, 0, sizeof *o);
        return ts_fail("%s: cannot create: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->path); free(o->tmp);
        memset(o, 0, sizeof *o);
        return ts_fail("%s: cannot open: %s", path, strerror(errno));
    }
    return 0;
}

int ts_out_commit(ts_outfile *o)
{
    int bad = ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) { bad = 1; e = errno; }
    o->f = NULL;
    if (!bad && rename(o->tmp, o->path) != 0) { bad = 1; e = errno; }
    if (bad) {
        unlink(o->tmp);
        ts_fail("%s: write failed: %s", o->path, strerror(e));
    }
    free(o->path); free(o->tmp);
    o->path = o->tmp = NULL;
    return bad ? -1 : 0;
}

void ts_out_abort(ts_outfile *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    free(o->path); free(o->tmp);
    memset(o, 0, sizeof *o);
}

int ts_mkdir_p(const char *dir)
{
    char *p = ts_strdup(dir);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                int e = errno;
                ts_fail("%s: cannot create directory: %s", p, strerror(e));
                free(p);
                return -1;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ts_fail("%s: not a directory", dir);
    return 0;
}

char *ts_path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = ts_malloc(n);
    size_t la = strlen(a);
    snprintf(p, n, "%s%s%s", a, (la && a[la - 1] == '/') ? "" : "/", b);
    return p;
}

int ts_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
