/* run.h -- one run: the node, the phases (baseline, load, recovery), the safety cap and
 * abort gates, the verdict, its exit code and the files it writes. */
#ifndef LJ_RUN_H
#define LJ_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "limit_mode.h"
#include "sample.h"
#include "scenario.h"

#define RUN_STOP_GRACE_MS 3000 /* init:stop, then SIGKILL */

enum output_format { FORMAT_TEXT = 0, FORMAT_JSON };

/* logjam attach: no load; a live view drawn every refresh_us until the user quits. */
struct run_watch {
    uint64_t refresh_us;
    /* Draw the view from the latest sample (NULL: none yet) and the diagnosis kept (NULL:
     * none); return the key the user pressed: 'q' quits, 'd' takes a diagnosis, 0 nothing. */
    int (*frame)(void *arg, const struct sample *last, const json_t *diagnosis);
    void *arg;
};

struct run_opts {
    const char *fixture_ebin;   /* directory of the fixture's .beam files */
    const char *out_dir;        /* NULL: a fresh ./logjam-out/<timestamp>/ */
    const char *summary_export; /* also write the JSON summary here */
    const char *junit;          /* JUnit XML, one testcase per gate */
    const char *latency_dump;   /* HdrHistogram percentile table */
    const char *html_report;    /* also write the HTML report here (report.html always) */
#define RUN_STOP_GRACE_MS 3000  /* init:stop, then SIGKILL */

    enum output_format format; /* what goes to stdout */
    bool progress;             /* live progress line on stderr */
    bool color;
    bool quiet; /* no summary on stdout in text format */
    /* Stop the load once limit_mode_early_stop says the run has failed beyond doubt (a
     * pile-up): the verdict is then "fail" and the error says why. NULL: never (logjam limit). */
    const struct limit_mode_stop *early_stop;
    /* A [target] watched without load until the user quits (logjam attach); NULL: a run. */
    const struct run_watch *watch;
};

/* Run one scenario from start to verdict; returns the exit code (docs/DESIGN.md's table).
 * Every output is written whatever the verdict; nothing of the run is left behind. Installs
 * the signal scheme with a second Ctrl-C exiting at once (signals.h): a caller with a scheme
 * of its own installs it again afterwards. */
int run_scenario(const struct scenario *sc, const struct run_opts *o);

/* The fixture's ebin directory when no --fixture is given: $LOGJAM_FIXTURE_DIR when set and
 * not empty, else the one built in (static storage). */
const char *run_fixture_default(void);

#endif
