/* check_limit_report.c -- unit tests of the capacity search's outputs (table, limit.json,
 * limit.csv, JUnit) from a made-up search, and of a trial's scenario (limit_trial_scenario). */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limit_report.h"
#include "limit_trial.h"
#include "suites.h"

static struct scenario sc;
static struct limit_trial_run trials[3];

/* A search on 3000/s: 750 passed, 1500 failed by a pile-up, 1000 passed a full-length run. */
static void made_up(struct limit_report *rep)
{
    static const char text[] = "[load]\nrate = 3000/s\nrequest = /work?logs=10&level=debug\n"
                               "[limit]\nmin = 900/s\n";
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(scenario_load_string(&sc, "t.ini", text, sizeof text - 1, err), 0);
    static const double values[] = {750, 1500, 1000};
    for (unsigned i = 0; i < 3; i++) {
        struct limit_trial_run *t = &trials[i];
        memset(t, 0, sizeof *t);
        t->n = i + 1;
        t->t = (struct limit_trial){values[i], i == 2 ? LIMIT_FULL : LIMIT_SHORT, 1,
                                    i == 2 ? LIMIT_STAGE_CONFIRM : LIMIT_STAGE_GROW};
        t->passed = i != 1;
        t->mode = i == 1 ? LIMIT_MODE_PILEUP : LIMIT_MODE_NONE;
        t->stopped_early = i == 1;
        t->seconds = 10 + i;
        t->r.ran = true;
        snprintf(t->r.verdict, sizeof t->r.verdict, "%s", t->passed ? "pass" : "fail");
        t->r.peak_processes = i == 1 ? 50000 : 300;
        t->r.p99 = i == 1 ? 1.5 : 0.01;
        t->r.sync_share = i == 1 ? 0.9 : 0;
        t->r.peak_memory = t->r.not_ok = t->r.dropped = 0;
        snprintf(t->dir, sizeof t->dir, "0%u-%.0f", i + 1, values[i]);
    }
    memset(rep, 0, sizeof *rep);
    rep->sc = &sc;
    rep->trials = trials;
    rep->ntrials = 3;
    rep->res = (struct limit_result){.outcome = LIMIT_FOUND,
                                     .has_low = true,
                                     .has_high = true,
                                     .low = 1000,
                                     .high = 1500,
                                     .confirmed = true,
                                     .precision = 0.5,
                                     .mode = LIMIT_MODE_PILEUP,
                                     .trials = 3,
                                     .short_trials = 2,
                                     .full_trials = 1};
    rep->low_runs = rep->low_passes = rep->high_runs = 1;
    rep->lines_per_request = 10;
    rep->has_gate = true;
    rep->gate_threshold = 900;
    rep->gate_ok = true;
    rep->node_s = 33;
}

START_TEST(test_limit_report_text_has_every_trial_and_the_knee)
{
    struct limit_report rep;
    char *text = NULL;
    size_t len = 0;
    made_up(&rep);
    FILE *f = open_memstream(&text, &len);
    limit_report_text(f, &rep);
    fclose(f);
    const char *row = strstr(text, "\n  2 "), *end = row ? strchr(row + 1, '\n') : NULL;
    ck_assert_ptr_nonnull(end);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(end - row), row);
    ck_assert_ptr_nonnull(strstr(line, " 1500/s "));
    ck_assert_ptr_nonnull(strstr(line, " fail (early) "));
    ck_assert_ptr_nonnull(strstr(line, " pile-up "));
    ck_assert_ptr_nonnull(strstr(line, " 50,000 "));
    ck_assert_ptr_nonnull(strstr(text, "\n  3 1000/s full 1"));
    ck_assert_ptr_nonnull(
        strstr(text, "knee     between 1000/s (passed) and 1500/s (failed), precision 50.0%"));
    ck_assert_ptr_nonnull(strstr(text, "1500/s failed 1 of 1 runs: pile-up"));
    ck_assert_ptr_nonnull(strstr(text, "logs     10000 lines/s at 1000/s"));
    ck_assert_ptr_nonnull(strstr(text, "gate     knee >= 900/s: pass"));
    ck_assert_ptr_nonnull(strstr(text, "3 trials (2 short, 1 full), 33 node-seconds"));
    free(text);
}
END_TEST

START_TEST(test_limit_report_json_and_csv_agree)
{
    struct limit_report rep;
    made_up(&rep);
    json_t *js = limit_report_json(&rep);
    char *csv = limit_report_csv(&rep);
    ck_assert_ptr_nonnull(js);
    ck_assert_ptr_nonnull(csv);
    const json_t *knee = json_object_get(js, "knee"), *t = json_object_get(js, "trials");
    ck_assert(json_number_value(json_object_get(knee, "low")) == 1000);
    ck_assert(json_number_value(json_object_get(knee, "log_lines_per_s")) == 10000);
    ck_assert_str_eq(json_string_value(json_object_get(knee, "mode")), "pile-up");
    ck_assert_str_eq(json_string_value(json_object_get(js, "outcome")), "found");
    ck_assert(json_is_true(json_object_get(json_object_get(js, "gate"), "ok")));
    ck_assert_uint_eq(json_array_size(t), 3);
    ck_assert(json_is_true(json_object_get(json_array_get(t, 1), "stopped_early")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(t, 1), "verdict")), "fail");
    ck_assert_ptr_nonnull(strstr(csv, "\n2,1500,grow,short,1,fail,pile-up,true,50000,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n3,1000,confirm,full,1,pass,,false,300,"));
    json_decref(js);
    free(csv);
}
END_TEST

START_TEST(test_limit_report_generator_bound_trials_are_said)
{
    struct limit_report rep;
    char *text = NULL;
    size_t len = 0;
    made_up(&rep);
    trials[1].gen_reason = LIMIT_GEN_BEHIND;
    trials[1].generator_bound = true;
    trials[1].cpu_share = 0.4;
    trials[1].gen = (struct limit_samples_gen){.scheduled = 15000, .sent = 9000, .behind = 7};
    trials[0].gen_reason = LIMIT_GEN_CPU;
    trials[0].generator_bound = true;
    trials[0].cpu_share = 0.9;
    snprintf(trials[2].dir, sizeof trials[2].dir, "a,\"b\"");
    rep.generator_bound = rep.knee_generator_bound = true;
    FILE *f = open_memstream(&text, &len);
    limit_report_text(f, &rep);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, " 40%! "));
    ck_assert_ptr_nonnull(strstr(text, "more than 80% of a core: trial 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "behind its schedule with connections free: trial 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "the knee may be the generator's"));
    free(text);
    json_t *js = limit_report_json(&rep);
    const json_t *g =
        json_object_get(json_array_get(json_object_get(js, "trials"), 1), "generator");
    ck_assert(json_is_true(json_object_get(g, "fell_behind")));
    ck_assert(json_is_false(json_object_get(g, "cpu_bound")));
    ck_assert_int_eq(json_integer_value(json_object_get(g, "scheduled")), 15000);
    ck_assert(json_is_true(json_object_get(json_object_get(js, "knee"), "generator_bound")));
    json_decref(js);
    char *csv = limit_report_csv(&rep);
    ck_assert_ptr_nonnull(strstr(csv, ",15000,9000,true,02-1500\n"));
    ck_assert_ptr_nonnull(strstr(csv, ",false,\"a,\"\"b\"\"\"\n")); /* quoted, quotes doubled */
    free(csv);
}
END_TEST

/* path's text into buf (len bytes, NUL-terminated), then path removed. */
static void slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(path);
}

START_TEST(test_limit_report_junit_fails_below_the_gate)
{
    struct limit_report rep;
    char err[LJ_ERR_LEN], path[] = "/tmp/check_limit_junitXXXXXX", buf[2048];
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    made_up(&rep);
    rep.gate_ok = false;
    rep.exit_code = 99;
    ck_assert_int_eq(limit_report_junit(path, &rep, err), 0);
    slurp(path, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "failures=\"1\" errors=\"0\""));
    ck_assert_ptr_nonnull(strstr(buf, "name=\"knee &gt;= 900/s\""));
    ck_assert_ptr_nonnull(strstr(buf, "<failure message=\"knee between 1000/s"));
}
END_TEST

START_TEST(test_limit_report_junit_one_case_per_variant)
{
    char err[LJ_ERR_LEN], path[] = "/tmp/check_limit_junitXXXXXX", buf[2048];
    struct limit_report rep;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    made_up(&rep);
    struct limit_junit_case c[3] = {
        {.variant = "quiet", .sc = &sc, .has_gate = true, .threshold = 900},
        {.variant = "<loud>", .sc = &sc, .has_gate = true, .threshold = 900, .failed = true},
        {.variant = "odd", .sc = &sc, .errored = true}};
    snprintf(c[1].words, sizeof c[1].words, "below 500/s");
    ck_assert_int_eq(limit_report_junit_cases(path, "logjam limit t", c, 3, err), 0);
    slurp(path, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "tests=\"3\" failures=\"1\" errors=\"1\""));
    ck_assert_ptr_nonnull(strstr(buf, "name=\"quiet: knee &gt;= 900/s\"></testcase>"));
    ck_assert_ptr_nonnull(strstr(buf, "name=\"&lt;loud&gt;: knee &gt;= 900/s\">\n      "
                                      "<failure message=\"knee below 500/s\"/>"));
    ck_assert_ptr_nonnull(strstr(buf, "name=\"odd: the search ended\">\n      <error"));
}
END_TEST

START_TEST(test_limit_trial_scenario_sets_the_axis_and_shortens)
{
    static struct scenario base, out;
    char err[LJ_ERR_LEN];
    const char *text = "[run]\nduration = 40s\n[load]\nrate = 3000/s\nramp = 8s\nconnections = 50\n"
                       "threads = 4\n[limit]\ntrial = 10s\n";
    ck_assert_int_eq(scenario_load_string(&base, "t.ini", text, strlen(text), err), 0);
    struct limit_trial t = {1234, LIMIT_SHORT, 1, LIMIT_STAGE_GROW};
    ck_assert_int_eq(limit_trial_scenario(&base, &t, &out, err), 0);
    ck_assert(out.rate == 1234);
    ck_assert_uint_eq(out.duration_us, 10000000);
    ck_assert_uint_eq(out.ramp_us, 2000000); /* 8 s of 40, scaled to 10 */
    t.length = LIMIT_FULL;
    ck_assert_int_eq(limit_trial_scenario(&base, &t, &out, err), 0);
    ck_assert_uint_eq(out.duration_us, 40000000);
    ck_assert_uint_eq(out.ramp_us, 8000000);
    base.limit_axis = LIMIT_AXIS_CONNECTIONS;
    t.value = 2;
    ck_assert_int_eq(limit_trial_scenario(&base, &t, &out, err), 0);
    ck_assert_uint_eq(out.connections, 2);
    ck_assert_uint_eq(out.threads, 2); /* at most one event loop per connection */
    ck_assert(out.rate == 3000);
}
END_TEST

Suite *limit_report_suite(void)
{
    Suite *s = suite_create("limit_report");
    TCase *tc = tcase_create("output");
    tcase_add_test(tc, test_limit_report_text_has_every_trial_and_the_knee);
    tcase_add_test(tc, test_limit_report_json_and_csv_agree);
    tcase_add_test(tc, test_limit_report_generator_bound_trials_are_said);
    tcase_add_test(tc, test_limit_report_junit_fails_below_the_gate);
    tcase_add_test(tc, test_limit_report_junit_one_case_per_variant);
    tcase_add_test(tc, test_limit_trial_scenario_sets_the_axis_and_shortens);
    suite_add_tcase(s, tc);
    return s;
}
