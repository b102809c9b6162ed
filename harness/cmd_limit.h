/* cmd_limit.h -- `logjam limit`: the capacity search from the command line. */
#ifndef LJ_CMD_LIMIT_H
#define LJ_CMD_LIMIT_H

#include <jansson.h>
#include <stddef.h>

#include "limit_variants.h"
#include "scenario.h"
#include "sweep.h"

/* `logjam limit SCENARIO [options]` (argv[0] is "limit"); returns the exit code. */
int cmd_limit(int argc, char **argv);

/* `logjam merge` of limit shards: the n rows (read back from each variant's limit.json in
 * top) reported as `logjam limit` with [sweep] reports them, into top (file: the scenario as
 * far as the shards' manifest tells it; nvariants of the whole sweep). Returns the exit code
 * `logjam limit` would have: the worst of the rows'. */
int cmd_limit_merged(struct scenario *file, unsigned nvariants, const char *top, const char *report,
                     const char *junit, struct limit_variant *rows, unsigned n);

#endif
