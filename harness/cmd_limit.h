/* cmd_limit.h -- `logjam limit`: the capacity search from the command line. */
#ifndef LJ_CMD_LIMIT_H
#define LJ_CMD_LIMIT_H

#include <jansson.h>
#include <stddef.h>

#include "limit_search.h"
#include "scenario.h"
#include "sweep.h"

/* A variant's search in a sweep's table. */
struct limit_row {
    unsigned index; /* 1-based, in the full list of variants */
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    struct limit_result res;
    double own;     /* the variant's own value of the axis */
    size_t ntrials; /* trials run, node-seconds */
    double node_s;
    int exit_code;
    json_t *js; /* its limit.json (owned) */
};

/* `logjam limit SCENARIO [options]` (argv[0] is "limit"); returns the exit code. */
int cmd_limit(int argc, char **argv);

/* `logjam merge` of limit shards: the n rows (read back from each variant's limit.json in
 * top) reported as `logjam limit` with [sweep] reports them, into top (file: the scenario as
 * far as the shards' manifest tells it; nvariants of the whole sweep). Returns the exit code
 * `logjam limit` would have: the worst of the rows'. */
int cmd_limit_merged(struct scenario *file, unsigned nvariants, const char *top, const char *report,
                     const char *junit, struct limit_row *rows, unsigned n);

#endif
