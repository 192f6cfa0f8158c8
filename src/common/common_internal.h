/* Helpers of src/common shared with the layers above it (not part of the public API). */
#ifndef TS_COMMON_INTERNAL_H
#define TS_COMMON_INTERNAL_H

/* the last error with its first mention of the path from (where a file was written)
 * made to (where it goes); unchanged when it names no from */
void ts__error_path(const char *from, const char *to);

/* the folder of path (malloc'd): "." for a bare name, "/" for a name in the root */
char *ts__path_dir(const char *path);

#endif
