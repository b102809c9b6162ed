/* limit_trial.h -- one trial of a capacity search: the scenario at one axis value (short or
 * full length), run on a fresh node with early stop, and what its summary says read back. */
#ifndef LJ_LIMIT_TRIAL_H
#define LJ_LIMIT_TRIAL_H

#include <stdbool.h>

#include "limit_mode.h"
#include "limit_samples.h"
#include "limit_search.h"
#include "scenario.h"
#include "sweep_table.h"

#define LIMIT_TRIAL_CPU_BOUND 0.8 /* harness CPU per second of load: the generator limits */

/* Why a trial's generator may have limited it (a bit set; 0: it did not). */
enum limit_gen_reason {
    LIMIT_GEN_CPU = 1,    /* harness CPU above LIMIT_TRIAL_CPU_BOUND per second of load */
    LIMIT_GEN_BEHIND = 2, /* the open loop lagged with connections free (limit_samples.h) */
};

/* One trial as it ran. */
struct limit_trial_run {
    struct limit_trial t;
    unsigned n;                /* 1-based, in the order run */
    char dir[SWEEP_LABEL_LEN]; /* in the search's output dir */
    struct sweep_result r;     /* its summary.json (r.ran false: none) */
    int exit_code;
    bool passed, stopped_early, generator_bound; /* generator_bound: gen_reason != 0 */
    unsigned gen_reason;                         /* enum limit_gen_reason bits */
    enum limit_mode mode;
    double seconds;                 /* wall time, node start to stop */
    double load_s;                  /* the load phase it was given */
    double cpu_s;                   /* harness CPU (user + system) over the trial */
    double cpu_share;               /* cpu_s per second of load */
    struct limit_samples_tail tail; /* the last third of the load (the pile-up's facts) */
    struct limit_samples_gen gen;   /* scheduled vs sent, lag with connections free */
};

/* The scenario of trial t: base with the axis at t->value and, for a short trial, run.duration
 * set to limit.trial (when shorter) with the ramp scaled alike. Returns 0, or -1 with err. */
int limit_trial_scenario(const struct scenario *base, const struct limit_trial *t,
                         struct scenario *out, char *err);

/* Run sc (made by limit_trial_scenario) on a fresh node into out_dir/tr->dir, stopping early on
 * a pile-up, then read its summary.json and samples.csv into tr (verdict, numbers, the load's
 * last third, the generator's evidence, failure mode, generator-bound). Returns the run's exit
 * code. */
int limit_trial_run(const struct scenario *sc, const char *fixture, const char *out_dir,
                    struct limit_trial_run *tr);

#endif
