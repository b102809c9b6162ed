/* outdir.h -- output directories: mkdir -p, and the timestamped ./logjam-out/<name> default. */
#ifndef LJ_OUTDIR_H
#define LJ_OUTDIR_H

#include <stddef.h>

/* Create path and its missing parents (mode 0755), like mkdir -p. Returns 0, or -1 with
 * errno set (ENAMETOOLONG for a path longer than PATH_MAX). */
int outdir_mkdirs(const char *path);

/* The output directory into dir (len bytes), created: `given` when not NULL, else
 * logjam-out/<prefix><YYYYmmdd-HHMMSS> (with -2, -3... when that exists already). Returns 0,
 * or -1 with err "cannot create the output directory DIR: why". */
int outdir_prepare(const char *given, const char *prefix, char *dir, size_t len, char *err);

#endif
