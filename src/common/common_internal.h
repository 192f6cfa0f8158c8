/* Helpers of src/common shared with the layers above it (not part of the public API). */
#ifndef TS_COMMON_INTERNAL_H
#define TS_COMMON_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

/* the last error with its first mention of the path from (where a file was written)
 * made to (where it goes); unchanged when it names no from */
void ts__error_path(const char *from, const char *to);

/* the folder of path (malloc'd): "." for a bare name, "/" for a name in the root */
char *ts__path_dir(const char *path);

/* ts_stage_recover for the folder of path (where a link leads: the folder of its file);
 * nothing for standard input */
int ts__stage_recover_beside(const char *path);

/* p (an array of elem-byte items that only this function grows) with room for item n, the
 * one about to be appended: its size doubles when n reaches a power of two, so that a list
 * built one item at a time costs linear time (a realloc per item copies the whole list each
 * time with allocators that do not remap pages in place) */
void *ts__append_room(void *p, size_t n, size_t elem);

/* path opened for reading ("rb") when it is a regular file; else NULL with errno set
 * (ENOENT: not there), *not_regular 1 when it is there but a FIFO, a device or a directory
 * (a FIFO is not waited on for a writer): such a file is refused, not read */
FILE *ts__fopen_regular(const char *path, int *not_regular);

#endif
