/* limit_variants.h -- a capacity search over a [sweep]: one row per variant's search, shown as
 * one table on a terminal and written as limit.json, limit.csv, report.html and JUnit. */
#ifndef LJ_LIMIT_VARIANTS_H
#define LJ_LIMIT_VARIANTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "limit_search.h"
#include "scenario.h"
#include "sweep_table.h"

/* One variant's search, ended. */
struct limit_variant {
    unsigned index;                                    /* 1-based, in the full list of variants */
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN]; /* its name, its directory in the top */
    struct limit_result res;
    double own;     /* the variant's own value of the axis (headroom = knee / own) */
    size_t ntrials; /* trials run, node-seconds */
    double node_s;
    bool has_gate, gate_ok;
    double gate_threshold;
    int exit_code;
    json_t *js; /* its limit.json (owned by the caller) */
};

/* Where the variants' table goes; paths NULL for none. */
struct limit_variants_out {
    const char *top;    /* the search's directory: limit.json, limit.csv, report.html */
    const char *report; /* --report: the HTML page also here, its links absolute */
    const char *junit;  /* --junit: one testcase per variant */
};

/* The table of n of the file's nvariants variants (sc: the file, for its path and axis) on
 * stdout, then the files out names; code is the search's exit code. Returns 0, or -1 (said on
 * stderr). */
int limit_variants_report(const struct scenario *sc, const struct limit_variant *rows, unsigned n,
                          unsigned nvariants, int code, const struct limit_variants_out *out);

#endif
