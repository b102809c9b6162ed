/* merge_sweep.h -- `logjam merge` of a sweep's shards: the table, sweep.json, sweep.csv and
 * report.html as the unsharded sweep writes them, from every run's summary.json. */
#ifndef LJ_MERGE_SWEEP_H
#define LJ_MERGE_SWEEP_H

#include "merge.h"

/* Write the merged sweep of set (its variants already copied into out) to out, --report's
 * copy of the page to report and JUnit (one testcase per variant) to junit when not NULL.
 * Returns the unsharded sweep's exit code: 0 every variant ran, 1 a run had a harness error
 * (or a file could not be written), 105 a shard was interrupted. */
int merge_sweep(const struct merge_set *set, const char *out, const char *report,
                const char *junit);

#endif
