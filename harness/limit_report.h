/* limit_report.h -- what a capacity search found: the trial table and the knee on a terminal,
 * limit.json, limit.csv, the HTML page and JUnit. */
#ifndef LJ_LIMIT_REPORT_H
#define LJ_LIMIT_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "limit_search.h"
#include "limit_trial.h"
#include "scenario.h"

/* One search, ended. */
struct limit_report {
    const struct scenario *sc; /* as loaded: the axis, its own value, the [limit] gate */
    const char *label;         /* the variant (sweep), NULL for none */
    const struct limit_trial_run *trials;
    size_t ntrials;
    struct limit_result res;
    unsigned low_runs, low_passes;   /* full-length runs at res.low and how many passed */
    unsigned high_runs, high_passes; /* all runs at res.high and how many passed */
    unsigned repeat;
    double lines_per_request; /* log lines a request asks for (`logs=N`); 0 = not said */
    bool has_gate, gate_ok;
    double gate_threshold; /* the knee must be at least this (axis units) */
    bool interrupted, budget_hit, harness_error;
    bool generator_bound;      /* some trial was generator-bound (its gen_reason != 0) */
    bool knee_generator_bound; /* a trial at the bracket's low or high end was */
    double wall_s, node_s, budget_s;
    double staircase_trials; /* a plain staircase of the same precision (limit_staircase_trials) */
    double staircase_node_s; /* its trials at the mean length of this search's short trials */
    int exit_code;
};

/* The axis value as text: "1200/s" for the rate, "1200" for connections ("-" for NAN). */
char *limit_report_value(const struct scenario *sc, double v, char *buf, size_t len);

/* The table of every trial, then the knee, its bracket and agreement, the log lines per second
 * it equals, the gate and the cost, on f. */
void limit_report_text(FILE *f, const struct limit_report *rep);

/* limit.json (docs/DESIGN.md's schema; caller owns) and limit.csv (one row per trial; caller
 * frees). NULL on out-of-memory. */
json_t *limit_report_json(const struct limit_report *rep);
char *limit_report_csv(const struct limit_report *rep);

/* "between 1200/s (passed) and 1320/s (failed), precision 10.0%" and friends: r's knee in
 * words into buf; returns buf. */
char *limit_report_knee_words(const struct scenario *sc, const struct limit_result *r, char *buf,
                              size_t len);

/* True for the exit codes that mean a search did not end (harness error, interrupted). */
bool limit_report_errored(int exit_code);

/* One JUnit testcase: a search's [limit] gate (threshold when has_gate), or its ending. */
struct limit_junit_case {
    const char *variant;       /* "VARIANT: " before the name; NULL for none */
    const struct scenario *sc; /* the axis, for the threshold's unit */
    bool has_gate, failed, errored;
    double threshold;
    char words[256]; /* the knee in words (limit_report_knee_words), the failure's message */
};

/* JUnit XML to path: one testsuite named suite, a testcase per case, a <failure> for a failed
 * gate and an <error> for a search that did not end. Returns 0, or -1 with err. */
int limit_report_junit_cases(const char *path, const char *suite,
                             const struct limit_junit_case *cases, size_t n, char *err);

/* JUnit XML with one testcase, the [limit] gate (or the search itself without one), to path.
 * Returns 0, or -1 with err. */
int limit_report_junit(const char *path, const struct limit_report *rep, char *err);

/* The HTML page to path: the knee in words, the trials' table (linked to link_base + each
 * trial's report.html) and two charts against the axis, peak processes (log scale) and p(99),
 * with the bracket's ends marked. Returns 0, or -1 with err. */
int limit_report_html(const char *path, const char *link_base, const struct limit_report *rep,
                      char *err);

#endif
