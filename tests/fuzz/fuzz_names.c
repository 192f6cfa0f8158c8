/* a names file beside windows (W.names.txt: one window per line, its events' names
 * separated by blanks; ts_windows_read_names), read for windows shaped as the input's
 * first lines: as many windows as it has lines (at most 64), each as wide as its first
 * line has names (at most 64). Each name's ID is drawn from its first byte, so that a
 * name given twice has one ID; the input's length picks IDs by position instead (names
 * of one ID that differ), and one ID past TS_NAMED_ID_MAX */
#include "fuzz.h"

#define CAP 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t lines = 0, width = 0, t = 0;
    int in_name = 0;
    for (size_t i = 0; i < size && lines < CAP; i++) {   /* the first line's names, the lines */
        const int blank = data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n';
        if (!lines && !blank && !in_name && t < CAP) t++;
        in_name = !blank;
        if (data[i] == '\n') {
            if (!lines) width = t;
            lines++;
            in_name = 0;
        }
    }
    if (!lines && size) lines = 1, width = t;
    if (!lines || !width) lines = width = 1;
    int32_t *ids = calloc(lines * width, sizeof *ids);
    if (!ids) abort();
    /* the IDs: each name's first byte (its first occurrence's), mod 16 */
    const uint8_t *p = data, *end = data + size;
    for (size_t k = 0; k < lines; k++)
        for (size_t j = 0; j < width; j++) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
            const int32_t id = p < end && *p != '\n' ? (int32_t)(*p % 16) : (int32_t)((k + j) % 16);
            ids[k * width + j] = size % 3 == 1 ? (int32_t)((k * width + j) % 5) : id;
            while (p < end && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') p++;
            if (j + 1 == width)
                while (p < end && *p++ != '\n') {}
        }
    if (size % 17 == 5) ids[lines * width - 1] = TS_NAMED_ID_MAX;
    const ts_windows w = {ids, lines, width};
    const char *windows = fuzz_path("w.txt");
    char *np = ts_windows_names_path(windows);
    fuzz_write(np, data, size);
    char *at = NULL;
    size_t *line = NULL;
    ts_vocab v;
    const int rc = ts_windows_read_names(windows, &w, &at, &v, &line);
    if (rc < 0) {
        fuzz_check_error();
    } else if (rc == 0 || strcmp(at, np)) {
        fprintf(stderr, "fuzz: names file %s read as %d (%s)\n", np, rc, at ? at : "no path");
        abort();
    } else {   /* every ID of the windows named, at a line of the file, by one name without a blank */
        int32_t top = -1;
        for (size_t i = 0; i < lines * width; i++)
            if (ids[i] > top) top = ids[i];
        if (v.n != top + 1) {
            fprintf(stderr, "fuzz: %d names for IDs up to %d\n", v.n, top);
            abort();
        }
        for (size_t i = 0; i < lines * width; i++) {
            const char *s = v.names[ids[i]];
            if (!s || !*s || strpbrk(s, " \t\r\n") || line[ids[i]] < 1 || line[ids[i]] > i / width + 1) {
                fprintf(stderr, "fuzz: ID %d at %zu named '%s' at line %zu\n", ids[i], i, s ? s : "(null)",
                        line[ids[i]]);
                abort();
            }
        }
        ts_vocab_free(&v);
    }
    free(at);
    free(line);
    free(np);
    free(ids);
    return 0;
}
