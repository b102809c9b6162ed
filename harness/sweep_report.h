/* sweep_report.h -- what a sweep (or the merge of its shards) shows and writes: the table on
 * stdout, sweep.json, sweep.csv and report.html, and --report's copy of the page. */
#ifndef LJ_SWEEP_REPORT_H
#define LJ_SWEEP_REPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "scenario.h"
#include "sweep_table.h"

/* A sweep that ended, or its shards merged. */
struct sweep_report {
    const struct scenario *base; /* its axes, rows, path and name */
    struct sweep_result *rows;   /* one per variant that started (sorted in place) */
    unsigned nrows, nvariants;   /* rows; variants of the whole sweep */
    enum sweep_sort sort;
    unsigned repeat;
    const char *dir;    /* the output directory (the variants' directories are in it) */
    const char *report; /* --report FILE.html, NULL for none */
    const char *part;   /* "" or "shard 2/3: " or "merged from 3 shards: ", before "N of M" */
    bool interrupted;
    double elapsed_s;
    json_t *extra; /* keys added to sweep.json (borrowed; NULL for none) */
};

/* The table on stdout, then sweep.json, sweep.csv and report.html in r->dir (and r->report's
 * copy with absolute links); rows from different machines add the machine column and a
 * sentence that they compare less well. Returns code, or 1 when a file could not be written
 * after a sweep that would have passed. */
int sweep_report_write(struct sweep_report *r, int code);

#endif
