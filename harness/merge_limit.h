/* merge_limit.h -- `logjam merge` of the shards of `logjam limit` with [sweep]: every
 * variant's limit.json read back and the one table, limit.json and limit.csv written by the
 * capacity search's own code. */
#ifndef LJ_MERGE_LIMIT_H
#define LJ_MERGE_LIMIT_H

#include "merge.h"

/* Write the merged capacity table of set (its variants already copied into out) to out, as
 * `logjam limit` with [sweep] writes it (report and junit passed on as its --report and
 * --junit). A variant whose limit.json cannot be read counts as a harness error. Returns the
 * exit code `logjam limit` would have: 0, 99 a knee below [limit], 1, 105. */
int merge_limit(const struct merge_set *set, const char *out, const char *report,
                const char *junit);

#endif
