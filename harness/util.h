/* util.h -- small helpers shared by every module: clocks, errors, temp dirs, randomness. */
#ifndef LJ_UTIL_H
#define LJ_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LJ_ERR_LEN 512

/* Exit codes (k6's, see docs/DESIGN.md). */
enum lj_exit {
    LJ_EXIT_PASS = 0,
    LJ_EXIT_HARNESS = 1,
    LJ_EXIT_USAGE = 2,
    LJ_EXIT_GATE = 99,
    LJ_EXIT_INVALID = 104,
    LJ_EXIT_INTERRUPTED = 105,
};

/* Monotonic clock in microseconds. */
uint64_t now_us(void);

/* Format into a caller-supplied error buffer of LJ_ERR_LEN bytes (like Redis' anetSetError). */
void lj_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill buf with len bytes from the OS (getrandom). Returns 0, or -1 with errno set. */
int lj_random(void *buf, size_t len);

/* Remove a directory tree (like rm -rf). Returns 0 on success, -1 if something stayed. */
int lj_rmtree(const char *path);

/* Write a whole file atomically (path.tmp + fsync + rename). Returns 0 or -1 with errno set. */
int lj_write_atomic(const char *path, const void *data, size_t len, int mode);

/* Physical RAM of the machine in bytes (sysconf), 0 when unknown. */
uint64_t lj_physical_ram(void);

/* Levenshtein distance, for did-you-mean suggestions. */
unsigned lj_edit_distance(const char *a, const char *b);

/* The one of names[0..n) (NULL entries skipped) closest to word, compared in lower case,
 * within a small edit distance (1 for words up to 3 characters, 2 up to 6, else 3); NULL when
 * none is that close or word is 64 characters or longer. Returns one of names. */
const char *lj_closest(const char *word, const char *const *names, size_t n);

/* qsort comparator for doubles, ascending. */
int lj_cmp_double(const void *a, const void *b);

#endif
