/* limit_search.c -- the capacity (knee) search as a state machine without I/O.
 *
 * Grow geometrically from `from` with short trials until one fails; bisect [highest pass,
 * lowest fail] at its geometric midpoint (the right middle for a relative precision: each
 * trial halves the bracket's log-width) until it is within precision; then run `repeat`
 * full-length trials at the highest pass and, with repeat > 1, at the lowest fail.
 * A value that fails every full run moves the bracket down (a pass that passes every one moves
 * it up) and the search goes on; a value where runs disagree is disputed: the end steps one
 * precision step outward until every run there agrees, so the knee is an interval whose
 * points inside carry their agreement counts. Verdicts already known are reused, never rerun,
 * so on an integer axis the search ends even when every result is noise. */
#include "limit_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum verdict { V_NONE = 0, V_PASS, V_FAIL, V_DISPUTED };

static void defaults(struct limit_config *c)
{
    if (c->precision == 0)
        c->precision = LIMIT_PRECISION_DEFAULT;
    if (c->growth == 0)
        c->growth = LIMIT_GROWTH_DEFAULT;
    if (c->repeat == 0)
        c->repeat = 1;
}

static double top_of(const struct limit_config *c)
{
    return c->to > 0 ? c->to : LIMIT_AXIS_MAX;
}

static int validate(const struct limit_config *c, char *err)
{
    if (!(c->from > 0) || !(c->from < top_of(c))) {
        lj_err(err, "limit: from = %g must be above 0 and below to = %g", c->from, top_of(c));
        return -1;
    }
    if (c->to > LIMIT_AXIS_MAX) {
        lj_err(err, "limit: to = %g is above the largest axis value %g", c->to, LIMIT_AXIS_MAX);
        return -1;
    }
    if (c->integer && (c->from != floor(c->from) || c->to != floor(c->to))) {
        lj_err(err, "limit: from and to must be whole numbers on this axis");
        return -1;
    }
    if (!(c->precision >= LIMIT_PRECISION_MIN && c->precision <= 1)) {
        lj_err(err, "limit: precision = %g must be from %g (0.1%%) to 1 (100%%)", c->precision,
               LIMIT_PRECISION_MIN);
        return -1;
    }
    if (!(c->growth > 1 && c->growth <= 100)) {
        lj_err(err, "limit: growth = %g must be above 1 and at most 100", c->growth);
        return -1;
    }
    if (c->repeat > LIMIT_REPEAT_MAX) {
        lj_err(err, "limit: repeat = %u is above %u", c->repeat, LIMIT_REPEAT_MAX);
        return -1;
    }
    if (!(c->budget_s >= 0 && c->short_s >= 0 && c->full_s >= 0)) {
        lj_err(err, "limit: the budget and the trial costs must not be negative");
        return -1;
    }
    return 0;
}

int limit_search_init(struct limit_search *s, const struct limit_config *cfg, char *err)
{
    struct limit_config c = *cfg;
    defaults(&c);
    if (validate(&c, err) != 0)
        return -1;
    memset(s, 0, sizeof *s);
    s->cfg = c;
    s->top = top_of(&c);
    s->stage = LIMIT_STAGE_GROW;
    s->probe = c.from;
    return 0;
}

void limit_search_free(struct limit_search *s)
{
    free(s->points);
    free(s->log);
    memset(s, 0, sizeof *s);
}

/* ---- points ---- */

static struct limit_point *find(const struct limit_search *s, double v)
{
    for (size_t i = 0; i < s->n_points; i++)
        if (s->points[i].value == v)
            return &s->points[i];
    return NULL;
}

static enum verdict tally(unsigned runs, unsigned passes)
{
    if (runs == 0)
        return V_NONE;
    return passes == runs ? V_PASS : passes == 0 ? V_FAIL : V_DISPUTED;
}

/* Full-length runs outweigh the short one. */
static enum verdict verdict_of(const struct limit_point *p)
{
    if (!p)
        return V_NONE;
    if (p->full_runs > 0)
        return tally(p->full_runs, p->full_passes);
    return tally(p->short_runs, p->short_passes);
}

/* The highest value below v whose verdict is a pass; false when there is none. */
static bool pass_below(const struct limit_search *s, double v, double *out)
{
    bool found = false;
    for (size_t i = 0; i < s->n_points; i++) {
        const struct limit_point *p = &s->points[i];
        if (p->value < v && verdict_of(p) == V_PASS && (!found || p->value > *out)) {
            *out = p->value;
            found = true;
        }
    }
    return found;
}

/* The lowest value above v whose verdict is a failure; false when there is none. */
static bool fail_above(const struct limit_search *s, double v, double *out)
{
    bool found = false;
    for (size_t i = 0; i < s->n_points; i++) {
        const struct limit_point *p = &s->points[i];
        if (p->value > v && verdict_of(p) == V_FAIL && (!found || p->value < *out)) {
            *out = p->value;
            found = true;
        }
    }
    return found;
}

/* ---- axis values ---- */

/* v x factor, rounded up to a larger integer on an integer axis, at most the top. */
static double up(const struct limit_search *s, double v, double factor)
{
    double n = v * factor;
    if (s->cfg.integer)
        n = fmax(ceil(n), v + 1);
    return fmin(n, s->top);
}

/* v / (1 + precision), rounded down to a smaller integer on an integer axis, at least from. */
static double down(const struct limit_search *s, double v)
{
    double n = v / (1 + s->cfg.precision);
    if (s->cfg.integer)
        n = fmin(floor(n), v - 1);
    return fmax(n, s->cfg.from);
}

/* The geometric midpoint of the bracket, strictly inside it. */
static double midpoint(const struct limit_search *s)
{
    double m = sqrt(s->lo * s->hi);
    if (s->cfg.integer)
        m = fmin(fmax(round(m), s->lo + 1), s->hi - 1);
    return m;
}

static bool resolved(const struct limit_search *s)
{
    double width = s->hi - s->lo;
    return width <= s->cfg.precision * s->lo * (1 + 1e-12) || (s->cfg.integer && width <= 1);
}

/* ---- stages: each either sets the pending trial (returns true) or moves on (false) ---- */

static bool run(struct limit_search *s, double v, enum limit_length len, enum limit_stage st)
{
    const struct limit_point *p = find(s, v);
    s->trial.value = v;
    s->trial.length = len;
    s->trial.run = len == LIMIT_FULL ? (p ? p->full_runs : 0) + 1 : 1;
    s->trial.stage = st;
    s->pending = true;
    return true;
}

static void finish(struct limit_search *s)
{
    s->done = true;
}

/* No pass at or above from: the knee is below from; v failed. */
static void finish_below(struct limit_search *s, double v)
{
    s->low_known = false;
    s->high_known = true;
    s->high_end = v;
    finish(s);
}

static void enter_confirm(struct limit_search *s)
{
    s->stage = LIMIT_STAGE_CONFIRM;
    s->low_end = s->lo;
    s->low_known = true;
    s->low_done = false;
    s->high_end = s->hi;
    s->high_known = s->has_hi;
    s->high_done = !s->has_hi || s->cfg.repeat == 1; /* repeat 1: the short failure stands */
}

/* v failed every full-length run: the knee is below it. */
static void move_down(struct limit_search *s, double v)
{
    s->hi = v;
    s->has_hi = true;
    if (!pass_below(s, v, &s->lo)) {
        s->has_lo = false;
        finish_below(s, v);
        return;
    }
    s->stage = LIMIT_STAGE_BISECT;
}

/* v passed every full-length run: the knee is above it. */
static void move_up(struct limit_search *s, double v)
{
    s->lo = v;
    s->has_lo = true;
    s->has_hi = fail_above(s, v, &s->hi);
    if (s->has_hi) {
        s->stage = LIMIT_STAGE_BISECT;
    } else if (v >= s->top) {
        enter_confirm(s);
    } else {
        s->stage = LIMIT_STAGE_GROW;
        s->probe = up(s, v, s->cfg.growth);
    }
}

static bool grow(struct limit_search *s)
{
    enum verdict v = verdict_of(find(s, s->probe));
    if (v == V_NONE)
        return run(s, s->probe, LIMIT_SHORT, LIMIT_STAGE_GROW);
    if (v == V_PASS) {
        s->lo = s->probe;
        s->has_lo = true;
        if (s->probe >= s->top)
            enter_confirm(s);
        else
            s->probe = up(s, s->probe, s->cfg.growth);
        return false;
    }
    s->hi = s->probe;
    s->has_hi = true;
    if (!s->has_lo)
        finish_below(s, s->probe);
    else
        s->stage = LIMIT_STAGE_BISECT;
    return false;
}

static bool bisect(struct limit_search *s)
{
    double m;
    enum verdict v;
    if (resolved(s)) {
        enter_confirm(s);
        return false;
    }
    m = midpoint(s);
    v = verdict_of(find(s, m));
    if (v == V_NONE)
        return run(s, m, LIMIT_SHORT, LIMIT_STAGE_BISECT);
    if (v == V_PASS)
        s->lo = m;
    else
        s->hi = m;
    return false;
}

/* Full-length runs at v until it has repeat of them; false once it has. */
static bool full_runs_due(struct limit_search *s, double v, enum limit_stage st)
{
    const struct limit_point *p = find(s, v);
    if (!p || p->full_runs < s->cfg.repeat)
        return run(s, v, LIMIT_FULL, st);
    return false;
}

/* The low end: the highest pass, then downward while its runs disagree. */
static bool confirm(struct limit_search *s)
{
    enum limit_stage st = s->low_end == s->lo ? LIMIT_STAGE_CONFIRM : LIMIT_STAGE_REPEAT;
    if (full_runs_due(s, s->low_end, st))
        return true;
    switch (verdict_of(find(s, s->low_end))) {
    case V_FAIL:
        move_down(s, s->low_end);
        return false;
    case V_DISPUTED:
        if (s->low_end > s->cfg.from) {
            s->low_end = down(s, s->low_end);
            return false;
        }
        s->low_known = false; /* even from is disputed */
        break;
    default:
        break;
    }
    s->low_done = true;
    s->stage = LIMIT_STAGE_REPEAT;
    return false;
}

/* The high end (repeat > 1): the lowest fail, then upward while its runs disagree. */
static bool repeat(struct limit_search *s)
{
    if (s->high_done) {
        finish(s);
        return false;
    }
    if (full_runs_due(s, s->high_end, LIMIT_STAGE_REPEAT))
        return true;
    switch (verdict_of(find(s, s->high_end))) {
    case V_PASS:
        move_up(s, s->high_end);
        return false;
    case V_DISPUTED:
        if (s->high_end < s->top) {
            s->high_end = up(s, s->high_end, 1 + s->cfg.precision);
            return false;
        }
        s->high_known = false; /* even the top is disputed */
        break;
    default:
        break;
    }
    s->high_done = true;
    return false;
}

static double cost(const struct limit_search *s, enum limit_length len)
{
    return len == LIMIT_FULL ? s->cfg.full_s : s->cfg.short_s;
}

enum limit_step limit_search_next(struct limit_search *s, struct limit_trial *t)
{
    bool trial = s->pending;
    while (!trial && !s->done && !s->budget) {
        switch (s->stage) {
        case LIMIT_STAGE_GROW:
            trial = grow(s);
            break;
        case LIMIT_STAGE_BISECT:
            trial = bisect(s);
            break;
        case LIMIT_STAGE_CONFIRM:
            trial = confirm(s);
            break;
        case LIMIT_STAGE_REPEAT:
            trial = repeat(s);
            break;
        }
    }
    if (trial && s->cfg.budget_s > 0 &&
        s->spent_s + cost(s, s->trial.length) > s->cfg.budget_s * (1 + 1e-12)) {
        s->pending = false;
        s->budget = true;
    }
    if (s->budget)
        return LIMIT_STEP_BUDGET;
    if (s->done)
        return LIMIT_STEP_DONE;
    *t = s->trial;
    return LIMIT_STEP_TRIAL;
}

/* ---- recording ---- */

static void *grow_array(void *a, size_t *cap, size_t n, size_t size)
{
    size_t c;
    void *b;
    if (n < *cap)
        return a;
    c = *cap ? *cap * 2 : 16;
    b = realloc(a, c * size);
    if (b)
        *cap = c;
    return b;
}

/* A pass above a value that has failed, or a failure below a value that has passed. */
static void check_inversion(struct limit_search *s, double v, bool passed)
{
    bool found = false;
    double other = 0;
    for (size_t i = 0; i < s->n_points; i++) {
        const struct limit_point *p = &s->points[i];
        bool opposite =
            passed ? p->value < v && p->short_runs + p->full_runs > p->short_passes + p->full_passes
                   : p->value > v && p->short_passes + p->full_passes > 0;
        if (opposite && (!found || fabs(p->value - v) < fabs(other - v))) {
            other = p->value;
            found = true;
        }
    }
    if (!found)
        return;
    if (s->inversions++ == 0) {
        s->inversion_pass = passed ? v : other;
        s->inversion_fail = passed ? other : v;
    }
}

int limit_search_record(struct limit_search *s, double value, bool passed, enum limit_mode mode,
                        double seconds)
{
    struct limit_point *p, *pts;
    struct limit_record *log, *r;

    if (!s->pending || value != s->trial.value)
        return -1;
    log = grow_array(s->log, &s->cap_log, s->n_log, sizeof *s->log);
    if (!log)
        return -1;
    s->log = log;
    p = find(s, value);
    if (!p) {
        pts = grow_array(s->points, &s->cap_points, s->n_points, sizeof *s->points);
        if (!pts)
            return -1;
        s->points = pts;
        p = &s->points[s->n_points++];
        memset(p, 0, sizeof *p);
        p->value = value;
    }
    check_inversion(s, value, passed);
    if (s->trial.length == LIMIT_FULL) {
        p->full_runs++;
        p->full_passes += passed;
    } else {
        p->short_runs++;
        p->short_passes += passed;
    }
    if (!passed)
        p->mode = mode;
    r = &s->log[s->n_log++];
    r->trial = s->trial;
    r->passed = passed;
    r->mode = passed ? LIMIT_MODE_NONE : mode;
    r->seconds = seconds > 0 ? seconds : cost(s, s->trial.length);
    s->spent_s += r->seconds;
    s->pending = false;
    return 0;
}

/* ---- reading ---- */

void limit_search_result(const struct limit_search *s, struct limit_result *r)
{
    const struct limit_point *p;
    memset(r, 0, sizeof *r);
    if (s->done) {
        r->has_low = s->low_known;
        r->low = s->low_end;
        r->has_high = s->high_known;
        r->high = s->high_end;
        r->outcome = !r->has_low ? LIMIT_BELOW_FROM : !r->has_high ? LIMIT_ABOVE_TO : LIMIT_FOUND;
    } else {
        r->has_low = s->has_lo;
        r->low = s->lo;
        r->has_high = s->has_hi;
        r->high = s->hi;
        r->outcome = LIMIT_PARTIAL;
    }
    if (!r->has_low)
        r->low = 0;
    if (!r->has_high)
        r->high = 0;
    p = r->has_low ? find(s, r->low) : NULL;
    r->confirmed = p && p->full_runs > 0 && p->full_passes == p->full_runs;
    if (r->has_low && r->has_high)
        r->precision = (r->high - r->low) / r->low;
    p = r->has_high ? find(s, r->high) : NULL;
    r->mode = p ? p->mode : LIMIT_MODE_NONE;
    for (size_t i = 0; i < s->n_log; i++) {
        r->trials++;
        if (s->log[i].trial.length == LIMIT_FULL)
            r->full_trials++;
        else
            r->short_trials++;
    }
    r->spent_s = s->spent_s;
    r->inversions = s->inversions;
    r->inversion_pass = s->inversion_pass;
    r->inversion_fail = s->inversion_fail;
}

const struct limit_point *limit_search_points(const struct limit_search *s, size_t *n)
{
    *n = s->n_points;
    return s->points;
}

const struct limit_record *limit_search_log(const struct limit_search *s, size_t *n)
{
    *n = s->n_log;
    return s->log;
}

double limit_staircase_trials(const struct limit_config *cfg, double first_fail)
{
    struct limit_config c = *cfg;
    double step, end;
    defaults(&c);
    step = c.precision * c.from;
    if (c.integer)
        step = fmax(ceil(step), 1);
    end = fmin(first_fail, top_of(&c));
    if (end <= c.from)
        return 1;
    return ceil((end - c.from) / step - 1e-9) + 1;
}

const char *limit_stage_name(enum limit_stage st)
{
    static const char *const names[] = {"grow", "bisect", "confirm", "repeat"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

const char *limit_outcome_name(enum limit_outcome o)
{
    static const char *const names[] = {"found", "below-from", "above-to", "partial"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "?";
}
