/* limit_search.h -- the capacity (knee) search as a state machine without I/O: which trial to
 * run next, given the verdicts so far; grow, bisect, confirm, repeat, budget. */
#ifndef LJ_LIMIT_SEARCH_H
#define LJ_LIMIT_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "limit_mode.h"

#define LIMIT_PRECISION_DEFAULT 0.10 /* (lowest fail - highest pass) / highest pass */
#define LIMIT_PRECISION_MIN 0.001    /* finer than the noise of any real run */
#define LIMIT_GROWTH_DEFAULT 2.0
#define LIMIT_REPEAT_MAX 100
#define LIMIT_AXIS_MAX 1e9 /* the cap when no `to` is given: no load axis goes that far */

/* What the caller configures. Zero fields take the defaults. */
struct limit_config {
    double from;      /* the first value tried; > 0 */
    double to;        /* the highest value tried; 0 = LIMIT_AXIS_MAX */
    double precision; /* relative width of the final bracket, 0.001..1; default 0.10 */
    double growth;    /* factor between values while growing, > 1; default 2 */
    unsigned repeat;  /* full-length runs at each value of the final bracket; default 1 */
    bool integer;     /* the axis takes integers only (load.rate, load.connections) */
    double budget_s;  /* stop before a trial would pass this many seconds in all; 0 = none */
    double short_s;   /* estimated seconds of a short trial (for the budget) */
    double full_s;    /* estimated seconds of a full-length trial */
};

enum limit_length { LIMIT_SHORT = 0, LIMIT_FULL };

enum limit_stage {
    LIMIT_STAGE_GROW = 0, /* geometric growth from `from` until the first failure */
    LIMIT_STAGE_BISECT,   /* geometric midpoints until the bracket is within precision */
    LIMIT_STAGE_CONFIRM,  /* full-length runs at the highest pass */
    LIMIT_STAGE_REPEAT,   /* full-length runs at the lowest fail, and outward while disputed */
};

/* One trial to run. */
struct limit_trial {
    double value; /* the axis value, integral when the config says so */
    enum limit_length length;
    unsigned run; /* full-length: the how-many-th run at this value (1..repeat); short: 1 */
    enum limit_stage stage;
};

enum limit_step {
    LIMIT_STEP_TRIAL = 0, /* run the trial, then limit_search_record */
    LIMIT_STEP_DONE,      /* the search is over: limit_search_result */
    LIMIT_STEP_BUDGET,    /* the next trial would pass the budget: limit_search_result */
};

enum limit_outcome {
    LIMIT_FOUND = 0,  /* a pass and a fail bracket the knee */
    LIMIT_BELOW_FROM, /* no value from `from` up passed (every run): the knee is below from */
    LIMIT_ABOVE_TO,   /* nothing failed (every run) up to `to`: the knee is above to */
    LIMIT_PARTIAL,    /* stopped early (budget) with the bracket so far */
};

/* Everything known about one axis value. */
struct limit_point {
    double value;
    unsigned short_runs, short_passes;
    unsigned full_runs, full_passes;
    enum limit_mode mode; /* of the latest failed run here; NONE if none failed */
};

/* One recorded trial, in the order they ran. */
struct limit_record {
    struct limit_trial trial;
    bool passed;
    enum limit_mode mode;
    double seconds; /* as recorded, or the estimate */
};

/* The answer, or the bracket so far. */
struct limit_result {
    enum limit_outcome outcome;
    bool has_low, has_high;
    double low;           /* the highest value that passed every run (full-length once confirmed) */
    double high;          /* the lowest value that failed every run */
    bool confirmed;       /* low passed every full-length run at it (repeat of them) */
    double precision;     /* (high - low) / low reached; 0 unless both ends are known */
    enum limit_mode mode; /* the failure mode at high; NONE without high */
    unsigned trials, short_trials, full_trials;
    double spent_s;        /* seconds recorded, estimates where the caller gave none */
    unsigned inversions;   /* runs that passed above a failed value, or failed below a pass */
    double inversion_pass; /* the first of them: a pass at this value ... */
    double inversion_fail; /* ... above a failure at this one */
};

/* The search. Caller-owned storage; the fields are private: read them through the functions. */
struct limit_search {
    struct limit_config cfg;
    double top;               /* cfg.to, or LIMIT_AXIS_MAX */
    enum limit_stage stage;   /* where the next trial comes from */
    bool done, budget;        /* ended: normally, or by the budget */
    bool has_lo, has_hi;      /* the search bracket: highest pass, lowest fail */
    double lo, hi, probe;     /* probe: the next value while growing */
    double low_end, high_end; /* the final interval's candidates while confirming */
    bool low_known, high_known, low_done, high_done;
    bool pending;
    struct limit_trial trial; /* the pending one */
    double spent_s;
    unsigned inversions;
    double inversion_pass, inversion_fail;
    struct limit_point *points;
    size_t n_points, cap_points;
    struct limit_record *log;
    size_t n_log, cap_log;
};

/* Start a search with cfg (copied; zero fields take the defaults). Returns 0, or -1 with err
 * (LJ_ERR_LEN bytes) when cfg is out of range; s needs no limit_search_free then. */
int limit_search_init(struct limit_search *s, const struct limit_config *cfg, char *err);

/* Free what the search allocated. s may be reused with limit_search_init. */
void limit_search_free(struct limit_search *s);

/* The next trial to run, into *t, while LIMIT_STEP_TRIAL is returned; asking again before
 * recording returns the same trial. DONE and BUDGET are final and leave *t untouched. */
enum limit_step limit_search_next(struct limit_search *s, struct limit_trial *t);

/* Record the verdict of the pending trial at value (must be the value limit_search_next gave):
 * passed, the failure mode when it did not (limit_mode_classify), and the seconds it took
 * (0: take the config's estimate for its length; an early-stopped failure costs less).
 * Returns 0, or -1 when no trial is pending, value is not its value, or out of memory. */
int limit_search_record(struct limit_search *s, double value, bool passed, enum limit_mode mode,
                        double seconds);

/* The result so far (final once limit_search_next said DONE or BUDGET). */
void limit_search_result(const struct limit_search *s, struct limit_result *r);

/* The values tried, in no particular order, and the recorded trials in order. The pointers
 * stay valid until the next limit_search_record or limit_search_free. */
const struct limit_point *limit_search_points(const struct limit_search *s, size_t *n);
const struct limit_record *limit_search_log(const struct limit_search *s, size_t *n);

/* The trials a plain staircase needs for the same answer: from cfg->from up in fixed steps of
 * cfg->precision x cfg->from (the step that gives that precision everywhere in [from, to];
 * rounded up to 1 on an integer axis), until the first value at or above first_fail or the
 * cap (cfg->to, or LIMIT_AXIS_MAX). Pass INFINITY for the whole range. For bench ratios. */
double limit_staircase_trials(const struct limit_config *cfg, double first_fail);

/* Names for output and progress lines ("grow", "bisect", ...; "found", "below-from", ...); static
 * strings, "?" for a value out of range. */
const char *limit_stage_name(enum limit_stage st);
const char *limit_outcome_name(enum limit_outcome o);

#endif
