/* check_limit_search.c -- unit tests of the capacity search against a simulated system with a
 * known knee and seeded noise: bracketing, precision, confirmation, repeat intervals, budget,
 * early stop, from-fails and to-passes, non-monotonic results, and the staircase it is
 * compared with. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "limit_search.h"
#include "suites.h"
#include "util.h"

#define GUARD_TRIALS 5000 /* a search that runs this many trials has lost its way */

/* A trial at v passes with probability 1 below knee x (1 - band), 0 from knee x (1 + band)
 * up, linearly in between; band 0 is a sharp knee (v < knee passes). Full-length trials have
 * their own knee (long runs may fail sooner). coin: every trial is a coin flip instead. */
struct sim {
    double knee, full_knee, band;
    bool coin;
    uint64_t rng;
};

static double uniform(struct sim *m)
{
    uint64_t z = (m->rng += 0x9e3779b97f4a7c15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static bool sim_passes(struct sim *m, const struct limit_trial *t)
{
    double k = t->length == LIMIT_FULL && m->full_knee > 0 ? m->full_knee : m->knee;
    double lo = k * (1 - m->band), hi = k * (1 + m->band);
    double p = t->value < lo ? 1 : t->value >= hi ? 0 : (hi - t->value) / (hi - lo);
    if (m->coin)
        p = 0.5;
    return uniform(m) < p;
}

/* Run the search on the simulated system; failures take fail_s seconds (0: the estimate). */
static enum limit_step drive(struct limit_search *s, struct sim *m, double fail_s)
{
    struct limit_trial t;
    enum limit_step st;
    unsigned n = 0;
    while ((st = limit_search_next(s, &t)) == LIMIT_STEP_TRIAL) {
        bool ok = sim_passes(m, &t);
        ck_assert_uint_lt(++n, GUARD_TRIALS);
        ck_assert_int_eq(limit_search_record(s, t.value, ok,
                                             ok ? LIMIT_MODE_NONE : LIMIT_MODE_PILEUP,
                                             ok ? 0 : fail_s),
                         0);
    }
    return st;
}

static const struct limit_point *point_at(const struct limit_search *s, double v)
{
    size_t n;
    const struct limit_point *p = limit_search_points(s, &n);
    for (size_t i = 0; i < n; i++)
        if (p[i].value == v)
            return &p[i];
    return NULL;
}

static void search(struct limit_search *s, const struct limit_config *cfg, struct sim *m,
                   struct limit_result *r)
{
    char err[LJ_ERR_LEN];
    ck_assert_msg(limit_search_init(s, cfg, err) == 0, "%s", err);
    ck_assert_int_eq(drive(s, m, 0), LIMIT_STEP_DONE);
    limit_search_result(s, r);
}

START_TEST(test_limit_search_sharp_knee_grows_bisects_and_confirms)
{
    struct limit_config cfg = {.from = 100, .integer = true};
    struct sim m = {.knee = 5230};
    struct limit_search s;
    struct limit_result r;
    size_t n;
    search(&s, &cfg, &m, &r);
    const struct limit_record *log = limit_search_log(&s, &n);

    ck_assert_int_eq(r.outcome, LIMIT_FOUND);
    ck_assert(r.low < 5230 && r.high >= 5230);
    ck_assert_double_le(r.precision, 0.10);
    ck_assert(r.confirmed);
    ck_assert_int_eq(r.mode, LIMIT_MODE_PILEUP);
    /* Doubling from 100 up to the first failure at 6400, short trials. */
    for (unsigned i = 0; i < 7; i++) {
        ck_assert_double_eq(log[i].trial.value, 100.0 * (1u << i));
        ck_assert_int_eq(log[i].trial.stage, LIMIT_STAGE_GROW);
        ck_assert_int_eq(log[i].trial.length, LIMIT_SHORT);
    }
    ck_assert(!log[6].passed);
    ck_assert_int_eq(log[7].trial.stage, LIMIT_STAGE_BISECT);
    /* One full-length confirmation at the highest pass, last. */
    ck_assert_uint_eq(r.full_trials, 1);
    ck_assert_int_eq(log[n - 1].trial.length, LIMIT_FULL);
    ck_assert_int_eq(log[n - 1].trial.stage, LIMIT_STAGE_CONFIRM);
    ck_assert_double_eq(log[n - 1].trial.value, r.low);
    ck_assert_uint_eq(r.trials, n);
    ck_assert_uint_eq(r.short_trials + r.full_trials, n);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_precision_is_honoured_for_every_setting)
{
    static const double precisions[] = {0.01, 0.05, 0.10, 0.25, 1.0};
    static const double knees[] = {3.5, 777, 5230, 123456.7};
    for (size_t i = 0; i < sizeof precisions / sizeof precisions[0]; i++)
        for (size_t k = 0; k < sizeof knees / sizeof knees[0]; k++)
            for (int integer = 0; integer < 2; integer++) {
                struct limit_config cfg = {
                    .from = 1, .precision = precisions[i], .integer = integer};
                struct sim m = {.knee = knees[k]};
                struct limit_search s;
                struct limit_result r;
                search(&s, &cfg, &m, &r);
                ck_assert_int_eq(r.outcome, LIMIT_FOUND);
                ck_assert_msg(r.low < knees[k] && r.high >= knees[k], "[%g, %g] misses %g", r.low,
                              r.high, knees[k]);
                ck_assert_msg(r.precision <= precisions[i] + 1e-9 ||
                                  (integer && r.high - r.low == 1),
                              "precision %g asked, %g reached", precisions[i], r.precision);
                limit_search_free(&s);
            }
}
END_TEST

START_TEST(test_limit_search_noisy_knee_bracket_meets_the_band)
{
    for (uint64_t seed = 1; seed <= 300; seed++) {
        struct limit_config cfg = {.from = 100, .integer = true};
        struct sim m = {.knee = 5000, .band = 0.03, .rng = seed};
        struct limit_search s;
        struct limit_result r;
        search(&s, &cfg, &m, &r);
        /* A pass happens only below 5150, a failure only above 4850. */
        ck_assert_int_eq(r.outcome, LIMIT_FOUND);
        ck_assert_msg(r.low < 5150 && r.high > 4850, "seed %llu: [%g, %g]",
                      (unsigned long long)seed, r.low, r.high);
        ck_assert_double_le(r.precision, 0.10 + 1e-9);
        ck_assert(r.confirmed);
        limit_search_free(&s);
    }
}
END_TEST

START_TEST(test_limit_search_failed_confirmation_moves_the_bracket_down)
{
    /* Short trials pass up to 6000, full-length ones only up to 5000. */
    struct limit_config cfg = {.from = 1000, .integer = true};
    struct sim m = {.knee = 6000, .full_knee = 5000};
    struct limit_search s;
    struct limit_result r;
    size_t n;
    bool full_failed = false;
    search(&s, &cfg, &m, &r);
    const struct limit_record *log = limit_search_log(&s, &n);
    for (size_t i = 0; i < n; i++)
        full_failed |= log[i].trial.length == LIMIT_FULL && !log[i].passed;

    ck_assert(full_failed);
    ck_assert_int_eq(r.outcome, LIMIT_FOUND);
    ck_assert(r.confirmed);
    ck_assert(r.low < 5000 && r.high >= 5000);
    ck_assert_double_le(r.precision, 0.10);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_from_fails_knee_below_from)
{
    struct limit_config cfg = {.from = 100, .repeat = 3, .integer = true};
    struct sim m = {.knee = 50};
    struct limit_search s;
    struct limit_result r;
    struct limit_trial t;
    search(&s, &cfg, &m, &r);
    ck_assert_int_eq(r.outcome, LIMIT_BELOW_FROM);
    ck_assert_str_eq(limit_outcome_name(r.outcome), "below-from");
    ck_assert(!r.has_low && r.has_high);
    ck_assert_double_eq(r.high, 100);
    ck_assert_uint_eq(r.trials, 1);
    ck_assert_int_eq(limit_search_next(&s, &t), LIMIT_STEP_DONE); /* final */
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_to_passes_knee_above_to)
{
    struct limit_config cfg = {.from = 100, .to = 3000, .integer = true};
    struct sim m = {.knee = 1e6};
    struct limit_search s;
    struct limit_result r;
    size_t n;
    search(&s, &cfg, &m, &r);
    const struct limit_record *log = limit_search_log(&s, &n);
    ck_assert_int_eq(r.outcome, LIMIT_ABOVE_TO);
    ck_assert(r.has_low && !r.has_high);
    ck_assert_double_eq(r.low, 3000);
    ck_assert(r.confirmed);
    ck_assert_int_eq(r.mode, LIMIT_MODE_NONE);
    for (size_t i = 0; i < n; i++)
        ck_assert_double_le(log[i].trial.value, 3000);
    ck_assert_double_eq(log[n - 2].trial.value, 3000); /* 1600 -> 3000, the cap */
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_repeat_sharp_knee_runs_both_ends)
{
    struct limit_config cfg = {.from = 100, .repeat = 3, .integer = true};
    struct sim m = {.knee = 5230};
    struct limit_search s;
    struct limit_result r;
    search(&s, &cfg, &m, &r);
    ck_assert_int_eq(r.outcome, LIMIT_FOUND);
    ck_assert_uint_eq(r.full_trials, 6);
    ck_assert_uint_eq(point_at(&s, r.low)->full_runs, 3);
    ck_assert_uint_eq(point_at(&s, r.low)->full_passes, 3);
    ck_assert_uint_eq(point_at(&s, r.high)->full_runs, 3);
    ck_assert_uint_eq(point_at(&s, r.high)->full_passes, 0);
    ck_assert_uint_eq(r.inversions, 0);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_repeat_noisy_knee_is_an_interval_with_counts)
{
    unsigned disputed = 0;
    for (uint64_t seed = 1; seed <= 100; seed++) {
        struct limit_config cfg = {.from = 100, .repeat = 3, .integer = true};
        struct sim m = {.knee = 5000, .band = 0.08, .rng = seed};
        struct limit_search s;
        struct limit_result r;
        size_t n;
        search(&s, &cfg, &m, &r);
        const struct limit_point *p = limit_search_points(&s, &n);
        ck_assert_int_eq(r.outcome, LIMIT_FOUND);
        /* Every run passed at low and failed at high; passes only below 5400, failures only
         * above 4600. */
        ck_assert_uint_eq(point_at(&s, r.low)->full_runs, 3);
        ck_assert_uint_eq(point_at(&s, r.low)->full_passes, 3);
        ck_assert_uint_eq(point_at(&s, r.high)->full_runs, 3);
        ck_assert_uint_eq(point_at(&s, r.high)->full_passes, 0);
        ck_assert(r.low < r.high && r.low < 5400 && r.high > 4600);
        for (size_t i = 0; i < n; i++)
            disputed += p[i].value > r.low && p[i].value < r.high && p[i].full_runs == 3 &&
                        p[i].full_passes > 0 && p[i].full_passes < 3;
        limit_search_free(&s);
    }
    ck_assert_uint_gt(disputed, 10); /* the band is wide: runs inside it disagree */
}
END_TEST

START_TEST(test_limit_search_budget_stops_with_the_bracket_so_far)
{
    /* 100..3200 pass, 6400 fails, 4525 pass, 5382 fail, 4935 pass: 100 s, bracket 9%. */
    struct limit_config cfg = {
        .from = 100, .integer = true, .budget_s = 150, .short_s = 10, .full_s = 60};
    struct sim m = {.knee = 5000};
    struct limit_search s;
    struct limit_result r;
    struct limit_trial t;
    char err[LJ_ERR_LEN];

    ck_assert_int_eq(limit_search_init(&s, &cfg, err), 0);
    ck_assert_int_eq(drive(&s, &m, 0), LIMIT_STEP_BUDGET);
    ck_assert_int_eq(limit_search_next(&s, &t), LIMIT_STEP_BUDGET); /* final */
    limit_search_result(&s, &r);
    ck_assert_int_eq(r.outcome, LIMIT_PARTIAL);
    ck_assert_str_eq(limit_outcome_name(r.outcome), "partial");
    ck_assert(r.has_low && r.has_high && !r.confirmed);
    ck_assert(r.low < 5000 && r.high >= 5000);
    ck_assert(r.precision > 0 && r.precision <= 0.10);
    ck_assert_double_eq(r.spent_s, 100);
    ck_assert_uint_eq(r.full_trials, 0);
    limit_search_free(&s);

    /* Failures stopped early (2 s each) leave room for the confirmation. */
    ck_assert_int_eq(limit_search_init(&s, &cfg, err), 0);
    ck_assert_int_eq(drive(&s, &m, 2), LIMIT_STEP_DONE);
    limit_search_result(&s, &r);
    ck_assert_int_eq(r.outcome, LIMIT_FOUND);
    ck_assert(r.confirmed);
    ck_assert_double_le(r.spent_s, 150);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_short_failures_full_passes_move_up_and_report_inversions)
{
    /* Short trials fail from 5000, full-length ones only from 6000. */
    struct limit_config cfg = {.from = 100, .repeat = 3, .integer = true};
    struct sim m = {.knee = 5000, .full_knee = 6000};
    struct limit_search s;
    struct limit_result r;
    search(&s, &cfg, &m, &r);
    ck_assert_int_eq(r.outcome, LIMIT_FOUND);
    ck_assert(r.low < 6000 && r.high >= 6000);
    ck_assert_uint_eq(point_at(&s, r.high)->full_passes, 0);
    ck_assert_uint_gt(r.inversions, 0);
    ck_assert_double_gt(r.inversion_pass, r.inversion_fail);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_coin_flips_end_consistently)
{
    unsigned inverted = 0;
    for (unsigned repeat = 1; repeat <= 3; repeat += 2)
        for (uint64_t seed = 1; seed <= 200; seed++) {
            struct limit_config cfg = {
                .from = 10, .to = 100000, .repeat = repeat, .integer = seed % 2 == 0};
            struct sim m = {.coin = true, .rng = seed};
            struct limit_search s;
            struct limit_result r;
            search(&s, &cfg, &m, &r);
            if (r.has_low && r.has_high)
                ck_assert_double_lt(r.low, r.high);
            if (r.has_low)
                ck_assert(r.confirmed);
            if (r.inversions > 0) {
                ck_assert_double_gt(r.inversion_pass, r.inversion_fail);
                inverted++;
            }
            limit_search_free(&s);
        }
    ck_assert_uint_gt(inverted, 0);
}
END_TEST

START_TEST(test_limit_search_integer_axis_never_reruns_a_value)
{
    struct limit_config cfg = {.from = 1, .repeat = 2, .integer = true};
    struct sim m = {.knee = 7.5};
    struct limit_search s;
    struct limit_result r;
    size_t n;
    search(&s, &cfg, &m, &r);
    const struct limit_point *p = limit_search_points(&s, &n);
    ck_assert_double_eq(r.low, 7);
    ck_assert_double_eq(r.high, 8);
    for (size_t i = 0; i < n; i++) {
        ck_assert_double_eq(p[i].value, floor(p[i].value));
        ck_assert_uint_le(p[i].short_runs, 1);
        ck_assert_uint_le(p[i].full_runs, 2);
    }
    limit_search_free(&s);
}
END_TEST

/* A node under load v against a sharp knee: above it the logger turns sync and processes grow
 * by v - knee per second from a baseline of 100. One sample a second; the trial stops when
 * limit_mode_early_stop says so, or at its length (20 s short, 60 s full). Returns the
 * seconds it ran into *secs, and whether it passed. */
static bool node_trial(double knee, const struct limit_trial *t, bool early, double *secs)
{
    struct sample smp[60];
    struct limit_mode_stop stop = {0};
    unsigned len = t->length == LIMIT_FULL ? 60 : 20;
    memset(smp, 0, sizeof smp);
    for (unsigned i = 0; i < len; i++) {
        smp[i].at_us = (uint64_t)(i + 1) * 1000000u;
        smp[i].process_count = 100 + (t->value > knee ? (int64_t)((t->value - knee) * i) : 0);
        smp[i].logger_mode = t->value > knee ? MODE_SYNC : MODE_ASYNC;
        if (early && limit_mode_early_stop(&stop, 100, smp, i + 1) == LIMIT_MODE_PILEUP) {
            *secs = i + 1;
            return false;
        }
    }
    *secs = len;
    return t->value <= knee;
}

START_TEST(test_limit_search_early_stop_saves_time_not_the_answer)
{
    struct limit_config cfg = {.from = 100, .repeat = 2, .integer = true};
    struct limit_result r[2];
    for (int early = 0; early < 2; early++) {
        struct limit_search s;
        struct limit_trial t;
        char err[LJ_ERR_LEN];
        double secs;
        ck_assert_int_eq(limit_search_init(&s, &cfg, err), 0);
        while (limit_search_next(&s, &t) == LIMIT_STEP_TRIAL) {
            bool ok = node_trial(5000, &t, early, &secs);
            if (early && !ok)
                ck_assert_double_lt(secs, 20); /* every failure here is far enough above */
            ck_assert_int_eq(limit_search_record(&s, t.value, ok, LIMIT_MODE_PILEUP, secs), 0);
        }
        limit_search_result(&s, &r[early]);
        limit_search_free(&s);
    }
    ck_assert_double_eq(r[0].low, r[1].low);
    ck_assert_double_eq(r[0].high, r[1].high);
    ck_assert(r[1].low <= 5000 && r[1].high > 5000);
    ck_assert_double_lt(r[1].spent_s, r[0].spent_s * 0.75);
}
END_TEST

START_TEST(test_limit_search_record_checks_the_pending_trial)
{
    struct limit_config cfg = {.from = 100};
    struct limit_search s;
    struct limit_trial t, again;
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(limit_search_init(&s, &cfg, err), 0);
    ck_assert_int_eq(limit_search_record(&s, 100, true, LIMIT_MODE_NONE, 0), -1); /* none */
    ck_assert_int_eq(limit_search_next(&s, &t), LIMIT_STEP_TRIAL);
    ck_assert_int_eq(limit_search_next(&s, &again), LIMIT_STEP_TRIAL);
    ck_assert_double_eq(again.value, t.value); /* asking again gives the same trial */
    ck_assert_int_eq(limit_search_record(&s, 101, true, LIMIT_MODE_NONE, 0), -1);
    ck_assert_int_eq(limit_search_record(&s, 100, true, LIMIT_MODE_NONE, 0), 0);
    ck_assert_int_eq(limit_search_record(&s, 100, true, LIMIT_MODE_NONE, 0), -1);
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_config_out_of_range_is_refused)
{
    static const struct limit_config bad[] = {
        {.from = 0},
        {.from = 100, .to = 100},
        {.from = 100, .to = 2e9},
        {.from = 1.5, .integer = true},
        {.from = 100, .precision = 0.0001},
        {.from = 100, .precision = 1.5},
        {.from = 100, .growth = 1},
        {.from = 100, .repeat = LIMIT_REPEAT_MAX + 1},
        {.from = 100, .budget_s = -1},
    };
    struct limit_search s;
    char err[LJ_ERR_LEN];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_int_eq(limit_search_init(&s, &bad[i], err), -1);
        ck_assert_msg(strncmp(err, "limit: ", 7) == 0, "case %zu: '%s'", i, err);
    }
}
END_TEST

START_TEST(test_limit_staircase_counts_fixed_steps)
{
    struct limit_config cfg = {.from = 1000, .to = 10000};
    struct sim m = {.knee = 5050};
    struct limit_search s;
    struct limit_result r;
    ck_assert_double_eq(limit_staircase_trials(&cfg, INFINITY), 91); /* 1000, 1100 .. 10000 */
    ck_assert_double_eq(limit_staircase_trials(&cfg, 5050), 42);     /* .. 5100 fails */
    ck_assert_double_eq(limit_staircase_trials(&cfg, 500), 1);
    cfg.integer = true;
    cfg.from = 5;
    cfg.to = 0; /* step 0.5 rounds up to 1 */
    ck_assert_double_eq(limit_staircase_trials(&cfg, 20), 16);

    cfg = (struct limit_config){.from = 100, .integer = true};
    search(&s, &cfg, &m, &r);
    ck_assert_uint_lt(r.trials * 10, limit_staircase_trials(&cfg, r.high));
    limit_search_free(&s);
}
END_TEST

START_TEST(test_limit_search_names)
{
    ck_assert_str_eq(limit_stage_name(LIMIT_STAGE_GROW), "grow");
    ck_assert_str_eq(limit_stage_name(LIMIT_STAGE_REPEAT), "repeat");
    ck_assert_str_eq(limit_outcome_name(LIMIT_ABOVE_TO), "above-to");
}
END_TEST

Suite *limit_search_suite(void)
{
    Suite *s = suite_create("limit_search");
    TCase *tc = tcase_create("search");
    tcase_add_test(tc, test_limit_search_sharp_knee_grows_bisects_and_confirms);
    tcase_add_test(tc, test_limit_search_precision_is_honoured_for_every_setting);
    tcase_add_test(tc, test_limit_search_noisy_knee_bracket_meets_the_band);
    tcase_add_test(tc, test_limit_search_failed_confirmation_moves_the_bracket_down);
    tcase_add_test(tc, test_limit_search_from_fails_knee_below_from);
    tcase_add_test(tc, test_limit_search_to_passes_knee_above_to);
    tcase_add_test(tc, test_limit_search_integer_axis_never_reruns_a_value);
    suite_add_tcase(s, tc);
    tc = tcase_create("repeat");
    tcase_add_test(tc, test_limit_search_repeat_sharp_knee_runs_both_ends);
    tcase_add_test(tc, test_limit_search_repeat_noisy_knee_is_an_interval_with_counts);
    tcase_add_test(tc, test_limit_search_short_failures_full_passes_move_up_and_report_inversions);
    tcase_add_test(tc, test_limit_search_coin_flips_end_consistently);
    suite_add_tcase(s, tc);
    tc = tcase_create("budget");
    tcase_add_test(tc, test_limit_search_budget_stops_with_the_bracket_so_far);
    tcase_add_test(tc, test_limit_search_early_stop_saves_time_not_the_answer);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, test_limit_search_record_checks_the_pending_trial);
    tcase_add_test(tc, test_limit_search_config_out_of_range_is_refused);
    tcase_add_test(tc, test_limit_staircase_counts_fixed_steps);
    tcase_add_test(tc, test_limit_search_names);
    suite_add_tcase(s, tc);
    return s;
}
