/* run.h -- one run: node, phases (baseline, load, recovery), sampler thread, signals, the
 * safety cap, the diagnosis, the verdict and its exit code. */
#ifndef LJ_RUN_H
#define LJ_RUN_H

#include <stdbool.h>

#include "scenario.h"

enum output_format { FORMAT_TEXT = 0, FORMAT_JSON };

struct run_opts {
    const char *fixture_ebin;   /* directory of the fixture's .beam files */
    const char *out_dir;        /* NULL: a fresh ./logjam-out/<timestamp>/ */
    const char *summary_export; /* also write the JSON summary here */
    const char *junit;          /* JUnit XML, one testcase per gate */
    const char *latency_dump;   /* HdrHistogram percentile table */
    const char *html_report;    /* also write the HTML report here (report.html always) */
    enum output_format format;  /* what goes to stdout */
    bool progress;              /* live progress line on stderr */
    bool color;
    bool quiet; /* no summary on stdout in text format */
};

/* Run one scenario from start to verdict; returns the exit code (docs/DESIGN.md's table).
 * Every output is written whatever the verdict; nothing of the run is left behind. */
int run_scenario(const struct scenario *sc, const struct run_opts *o);

/* `logjam serve`: start the fixture node for sc, print its URL on stdout, serve until stdin
 * closes or SIGINT/SIGTERM, stop the node. Returns the exit code. */
int run_serve(const struct scenario *sc, const struct run_opts *o);

#endif
