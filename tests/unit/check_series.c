/* check_series.c -- aggregates over a series: baseline, max, delta, slope, p(N), logger time
 * in sync, recovery (drained, draining slowly, stuck for good), load metrics, no data. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "report.h"
#include "series.h"
#include "suites.h"

/* One sample every 0.5 s: 4 baseline at 100 processes, then load growing 1000/s with the
 * logger sync from the third load sample, then recovery as given. */
static struct series *make_series(const int64_t *recovery, size_t nrec)
{
    struct series *s = series_new();
    struct sample smp;
    uint64_t t = 0;
    for (int i = 0; i < 4; i++, t += 500000) {
        memset(&smp, 0, sizeof smp);
        smp.at_us = t;
        smp.phase = PHASE_BASELINE;
        smp.process_count = 100;
        smp.mem_total = 1000;
        smp.logger_mode = MODE_ASYNC;
        smp.logger_kills = 2; /* counted before the run: not this run's */
        series_add(s, &smp);
    }
    for (int i = 0; i < 10; i++, t += 500000) {
        memset(&smp, 0, sizeof smp);
        smp.at_us = t;
        smp.phase = PHASE_LOAD;
        smp.process_count = 100 + 500 * (i + 1);
        smp.mem_total = 1000 + 100 * (uint64_t)i;
        smp.logger_mode = i >= 2 ? MODE_SYNC : MODE_ASYNC;
        smp.logger_switches = i >= 2 ? 1 : 0;
        smp.logger_kills = i >= 5 ? 4 : 2;
        series_add(s, &smp);
    }
    for (size_t i = 0; i < nrec; i++, t += 500000) {
        memset(&smp, 0, sizeof smp);
        smp.at_us = t;
        smp.phase = PHASE_RECOVERY;
        smp.process_count = recovery[i];
        smp.mem_total = 1500;
        smp.logger_mode = MODE_SYNC;
        smp.logger_switches = 1;
        smp.logger_kills = 4;
        series_add(s, &smp);
    }
    return s;
}

static void results_of(struct series *s, struct results *r)
{
    memset(r, 0, sizeof *r);
    r->series = s;
    r->load_start_us = 2000000;
    r->load_end_us = 7000000;
    results_finish(r);
}

START_TEST(test_series_aggregates)
{
    static const int64_t rec[] = {5100, 5100};
    struct series *s = make_series(rec, 2);
    struct results r;
    double v;
    results_of(s, &r);
    ck_assert_int_eq(results_value(&r, "processes", AGG_BASELINE, 0, &v), 0);
    ck_assert_double_eq_tol(v, 100, 1e-9);
    ck_assert_int_eq(results_value(&r, "processes", AGG_MAX, 0, &v), 0);
    ck_assert_double_eq_tol(v, 5100, 1e-9);
    ck_assert_int_eq(results_value(&r, "processes", AGG_STDDEV, 0, &v), 0);
    ck_assert_double_eq_tol(v, 1909.8326988, 1e-6); /* population stddev of all 16 samples */
    ck_assert_int_eq(results_value(&r, "memory.total", AGG_STDDEV, 0, &v), 0);
    ck_assert_double_eq_tol(v, 302.0114857, 1e-6);
    ck_assert_int_eq(results_value(&r, "processes", AGG_DELTA, 0, &v), 0);
    ck_assert_double_eq_tol(v, 5000, 1e-9);
    ck_assert_int_eq(results_value(&r, "processes", AGG_SLOPE, 0, &v), 0);
    ck_assert_double_eq_tol(v, 1000, 1e-6); /* 500 every 0.5 s, load phase only */
    ck_assert_int_eq(results_value(&r, "processes", AGG_MIN, 0, &v), 0);
    ck_assert_double_eq_tol(v, 100, 1e-9);
    ck_assert_int_eq(results_value(&r, "processes", AGG_FINAL, 0, &v), 0);
    ck_assert_double_eq_tol(v, 5100, 1e-9);
    ck_assert_int_eq(results_value(&r, "processes", AGG_P, 50, &v), 0);
    ck_assert_double_eq_tol(v, 2100, 1e-9); /* 16 samples: the 8th smallest */
    ck_assert_int_eq(results_value(&r, "memory.total", AGG_MAX, 0, &v), 0);
    ck_assert_double_eq_tol(v, 1900, 1e-9);
    series_free(s);
}
END_TEST

START_TEST(test_series_logger_sync_time_and_first_switch)
{
    static const int64_t rec[] = {5100, 5100};
    struct series *s = make_series(rec, 2);
    struct results r;
    double v;
    results_of(s, &r);
    /* sync from the 3rd load sample (t = 3.0 s) on; sampled time runs to the last sample */
    ck_assert(r.has_sync_first);
    ck_assert_double_eq_tol(r.sync_first, 1.0, 1e-9);
    ck_assert_int_eq(results_value(&r, "logger.sync", AGG_TIME, 0, &v), 0);
    ck_assert_double_eq_tol(v, 4.5, 1e-9); /* 3.0 .. 7.5 s */
    ck_assert_int_eq(results_value(&r, "logger.switches", AGG_COUNT, 0, &v), 0);
    ck_assert_double_eq_tol(v, 1, 1e-9);
    ck_assert_int_eq(results_value(&r, "logger.kills", AGG_COUNT, 0, &v), 0);
    ck_assert_double_eq_tol(v, 2, 1e-9); /* the run's kills: 4 at the end, 2 before */
    series_free(s);
}
END_TEST

/* The one metric table: every sampled metric is answered for every aggregate a gate may
 * name on it, so no gate the parser accepts can be left without a value by the series. */
START_TEST(test_series_answers_every_sampled_metric)
{
    static const int64_t rec[] = {5100, 5100};
    struct series *s = make_series(rec, 2);
    struct results r;
    double v;
    results_of(s, &r);
    size_t sampled = 0;
    for (size_t i = 0; i < nmetrics; i++) {
        const struct metric *m = &metrics[i];
        if (!metric_sampled(m))
            continue;
        sampled++;
        for (int agg = 0; agg < 32; agg++)
            if (metric_allows(m, (enum gate_agg)agg))
                ck_assert_msg(results_value(&r, m->name, (enum gate_agg)agg, 50, &v) == 0,
                              "%s: aggregate %d has no value", m->name, agg);
    }
    ck_assert_uint_ge(sampled, 12);
    ck_assert_ptr_null(metric_find("no.such.metric"));
    series_free(s);
}
END_TEST

START_TEST(test_series_recovery_drained)
{
    static const int64_t rec[] = {3000, 1000, 120, 100};
    struct series *s = make_series(rec, 4);
    struct results r;
    double v;
    results_of(s, &r);
    ck_assert(r.recovered);
    ck_assert_int_eq(r.leaked, 0);
    ck_assert_int_eq(results_value(&r, "recovery", AGG_TIME, 0, &v), 0);
    ck_assert_double_eq_tol(v, 1.0, 1e-9); /* 120 is within 50 of baseline at t = 8.0 s */
    series_free(s);
}
END_TEST

START_TEST(test_series_recovery_stuck_for_good_has_no_time)
{
    static const int64_t rec[] = {5100, 5100, 5100, 5100, 5100, 5100};
    struct series *s = make_series(rec, 6);
    struct results r;
    double v;
    results_of(s, &r);
    ck_assert(!r.recovered);
    ck_assert(r.stuck);
    ck_assert_int_eq(r.leaked, 5000);
    ck_assert_int_eq(r.memory_retained, 500);
    ck_assert_int_eq(results_value(&r, "recovery", AGG_TIME, 0, &v), -1); /* no data */
    ck_assert_int_eq(results_value(&r, "recovery", AGG_LEAKED, 0, &v), 0);
    ck_assert_double_eq_tol(v, 5000, 1e-9);
    series_free(s);
}
END_TEST

START_TEST(test_series_recovery_draining_slowly_projects_eta)
{
    static const int64_t rec[] = {5100, 4100, 3100, 2100};
    struct series *s = make_series(rec, 4);
    struct results r;
    results_of(s, &r);
    ck_assert(!r.recovered);
    ck_assert(!r.stuck);
    ck_assert_double_eq_tol(r.drain_rate, 2000, 1e-6);
    ck_assert_double_eq_tol(r.drain_eta, 1.0, 1e-6); /* 2000 left at 2000/s */
    series_free(s);
}
END_TEST

START_TEST(test_series_load_metrics_and_no_data)
{
    struct series *s = series_new();
    struct results r;
    double v;
    memset(&r, 0, sizeof r);
    r.series = s;
    results_finish(&r);
    /* nothing sampled, nothing sent: every gate must see "no data" */
    ck_assert_int_eq(results_value(&r, "processes", AGG_MAX, 0, &v), -1);
    ck_assert_int_eq(results_value(&r, "latency", AGG_P, 99, &v), -1);
    ck_assert_int_eq(results_value(&r, "requests.failed", AGG_RATE, 0, &v), -1);
    ck_assert_int_eq(results_value(&r, "recovery", AGG_TIME, 0, &v), -1);
    r.load.sent = 200;
    r.load.failed = 3;
    r.load_start_us = 0;
    r.load_end_us = 2000000;
    ck_assert_int_eq(results_value(&r, "requests.failed", AGG_RATE, 0, &v), 0);
    ck_assert_double_eq_tol(v, 0.015, 1e-12);
    ck_assert_int_eq(results_value(&r, "requests", AGG_RATE, 0, &v), 0);
    ck_assert_double_eq_tol(v, 100, 1e-9);
    ck_assert_int_eq(results_value(&r, "requests.failed", AGG_COUNT, 0, &v), 0);
    ck_assert_double_eq_tol(v, 3, 1e-9);
    series_free(s);
}
END_TEST

START_TEST(test_series_always_sync_has_no_first_switch)
{
    struct series *s = series_new();
    struct sample smp;
    struct results r;
    double v;
    for (int i = 0; i < 6; i++) {
        memset(&smp, 0, sizeof smp);
        smp.at_us = (uint64_t)i * 500000;
        smp.phase = i < 2 ? PHASE_BASELINE : PHASE_LOAD;
        smp.logger_mode = MODE_SYNC; /* async_threshold = undefined: sync from the start */
        series_add(s, &smp);
    }
    memset(&r, 0, sizeof r);
    r.series = s;
    r.load_start_us = 1000000;
    results_finish(&r);
    ck_assert(!r.has_sync_first);
    ck_assert_int_eq(results_value(&r, "logger.sync", AGG_FIRST, 0, &v), -1);
    ck_assert_double_eq_tol(r.sync_share, 1.0, 1e-9);
    series_free(s);
}
END_TEST

/* The longest gap and the stalest logger value; a gate's coverage: samples in its window
 * (the load phase for slope) and the ones missing there (a gap over 1.5 intervals). */
START_TEST(test_series_gaps_and_coverage)
{
    struct series *s = make_series(NULL, 0); /* 0.5 s apart: 4 baseline, 10 load */
    struct results r;
    struct sample smp = *series_last(s);
    smp.at_us += 2000000; /* 2 s after the last: 3 samples missing */
    smp.logger_queue_age = 2300;
    series_add(s, &smp);
    results_of(s, &r);
    ck_assert(fabs(r.longest_gap - 2.0) < 1e-9);
    ck_assert(fabs(r.logger_age_max - 2.3) < 1e-9);
    size_t got, expected;
    ck_assert_int_eq(results_coverage(&r, "processes", AGG_MAX, &got, &expected), -1);
    r.interval_us = 500000;
    ck_assert_int_eq(results_coverage(&r, "processes", AGG_MAX, &got, &expected), 0);
    ck_assert_uint_eq(got, 15);
    ck_assert_uint_eq(expected, 18);
    ck_assert_int_eq(results_coverage(&r, "processes", AGG_SLOPE, &got, &expected), 0);
    ck_assert_uint_eq(got, 11);
    ck_assert_uint_eq(expected, 14);
    ck_assert_int_eq(results_coverage(&r, "requests", AGG_COUNT, &got, &expected), -1);
    /* 0.74 s is within 1.5 intervals of 0.5 s, 0.76 s is not */
    ck_assert(!results_is_gap(740000, 500000));
    ck_assert(results_is_gap(760000, 500000));
    ck_assert(!results_is_gap(760000, 0));
    series_free(s);
}
END_TEST

/* A gate on a gauge decided with over 5% of its window's samples missing says so, in the
 * text summary and in summary.json; the samples line says missed and the longest gap. */
START_TEST(test_report_notes_a_gate_on_thin_samples)
{
    struct scenario sc;
    scenario_defaults(&sc);
    struct series *s = make_series(NULL, 0);
    struct sample smp = *series_last(s);
    smp.at_us += 2000000; /* 3 samples missing out of 18 */
    series_add(s, &smp);
    struct results r;
    results_of(s, &r);
    r.interval_us = 500000;
    r.missed = 3;
    struct gate g[2];
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(gate_parse("processes", "max < 20000", &g[0], err), 0);
    ck_assert_int_eq(gate_parse("requests", "count < 5", &g[1], err), 0);
    struct gate_result gr[2] = {{&g[0], true, 5100, true}, {&g[1], true, 0, true}};
    struct report rep = {.sc = &sc,
                         .r = &r,
                         .gates = gr,
                         .ngates = 2,
                         .verdict = "pass",
                         .error = "",
                         .out_dir = "/tmp/x"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    report_text(f, &rep, false);
    fclose(f);
    ck_assert_msg(strstr(text, "(decided on 15 of 18 expected samples (3 missing))"), "%s", text);
    ck_assert_msg(strstr(text, "samples 15 (3 missed, longest gap 2"), "%s", text);
    json_t *j = report_json(&rep);
    json_t *gates = json_object_get(j, "gates");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(gates, 0), "note")),
                     "decided on 15 of 18 expected samples (3 missing)");
    ck_assert_ptr_null(json_object_get(json_array_get(gates, 1), "note")); /* not a gauge */
    json_t *js = json_object_get(json_object_get(j, "metrics"), "samples");
    ck_assert(json_real_value(json_object_get(js, "longest_gap")) == 2.0);
    json_decref(j);
    free(text);
    series_free(s);
}
END_TEST

/* samples.csv's header and rows come from the table, with the columns and formats they
 * always had (scripts read them by name and position). */
START_TEST(test_csv_columns_come_from_the_table)
{
    char *text = NULL;
    size_t len = 0;
    struct sample smp;
    memset(&smp, 0, sizeof smp);
    smp.at_us = 1234567;
    smp.phase = PHASE_LOAD;
    smp.t_ms = -576460751787LL;
    smp.process_count = 104233;
    smp.process_limit = 1048576;
    smp.mem_total = 6442450944ULL;
    smp.mem_processes = 5000000000ULL;
    smp.mem_binary = 123;
    smp.mem_ets = 456;
    smp.run_queue = 7;
    smp.reductions = 99999999999ULL;
    smp.logger_mode = MODE_SYNC;
    smp.logger_queue = 92180;
    smp.logger_switches = 3;
    smp.logger_written = 12;
    smp.logger_dropped = 1;
    smp.logger_kills = 2;
    smp.pool_busy = -1;
    smp.connections = 2998;
    smp.load = (struct load_counters){
        .sent = 10, .ok = 9, .failed = 8, .errored = 7, .timeouts = 6, .open = 5, .backlog = 4};
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(report_csv_header(f), 0);
    ck_assert_int_eq(report_csv_row(f, &smp), 0);
    ck_assert_int_eq(fclose(f), 0);
    /* New columns go at the end: these keep their names and positions. */
    const char *head =
        "at_s,phase,t_ms,processes,process_limit,memory_total,memory_processes,memory_binary,"
        "memory_ets,run_queue,reductions,logger_mode,logger_queue,logger_switches,logger_written,"
        "logger_dropped,logger_kills,pool_busy,connections,req_sent,req_ok,req_failed,req_errored,"
        "req_timeout,conns_open,backlog";
    const char *row = "1.235,load,-576460751787,104233,1048576,6442450944,5000000000,123,456,7,"
                      "99999999999,sync,92180,3,12,1,2,-1,2998,10,9,8,7,6,5,4";
    char *nl = strchr(text, '\n');
    ck_assert_ptr_nonnull(nl);
    ck_assert_msg(strncmp(text, head, strlen(head)) == 0 && strchr(",\n", text[strlen(head)]), "%s",
                  text);
    ck_assert_msg(strncmp(nl + 1, row, strlen(row)) == 0 && strchr(",\n", nl[1 + strlen(row)]),
                  "%s", nl + 1);
    size_t head_commas = 0, row_commas = 0;
    for (const char *c = text; c < nl; c++)
        head_commas += *c == ',';
    for (const char *c = nl + 1; *c; c++)
        row_commas += *c == ',';
    ck_assert_uint_eq(head_commas, row_commas);
    free(text);
}
END_TEST

/* The drain is measured over the last RESULTS_DRAIN_WINDOW_US of recovery only: a pile-up
 * that shrank fast at first and then not at all for longer than the window is stuck for
 * good, although its average over the whole recovery is fast. */
START_TEST(test_series_recovery_drain_uses_only_the_last_window)
{
    static const int64_t rec[] = {5100, 3100, 1100, 1000, 1000, 1000, 1000, 1000,
                                  1000, 1000, 1000, 1000, 1000, 1000, 1000};
    struct series *s = make_series(rec, sizeof rec / sizeof rec[0]);
    struct results r;
    results_of(s, &r);
    ck_assert(r.has_recovery);
    ck_assert(!r.recovered);
    ck_assert_int_eq(r.leaked, 900);
    ck_assert_double_eq_tol(r.drain_window, (double)RESULTS_DRAIN_WINDOW_US / 1e6, 1e-9);
    ck_assert_double_eq_tol(r.drain_rate, 0, 1e-9);
    ck_assert(r.stuck);
    ck_assert_double_eq_tol(r.drain_eta, 0, 1e-9);
    series_free(s);
}
END_TEST

/* No samples at all: every derived value is zero, and no recovery was watched. */
START_TEST(test_series_finish_without_samples)
{
    struct series *s = series_new();
    struct results r;
    results_of(s, &r);
    ck_assert(!r.has_recovery && !r.recovered && !r.stuck && !r.has_sync_first);
    ck_assert_int_eq(r.baseline_processes, 0);
    ck_assert_int_eq(r.leaked, 0);
    ck_assert_int_eq(r.switches + r.dropped + r.kills, 0);
    ck_assert(r.sync_time == 0 && r.sync_share == 0 && r.longest_gap == 0);
    ck_assert(r.logger_age_max == 0 && r.drain_rate == 0 && r.drain_window == 0);
    series_free(s);
}
END_TEST

Suite *series_suite(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("aggregates");
    tcase_add_test(tc, test_series_aggregates);
    tcase_add_test(tc, test_series_logger_sync_time_and_first_switch);
    tcase_add_test(tc, test_series_answers_every_sampled_metric);
    tcase_add_test(tc, test_csv_columns_come_from_the_table);
    tcase_add_test(tc, test_series_recovery_drained);
    tcase_add_test(tc, test_series_recovery_stuck_for_good_has_no_time);
    tcase_add_test(tc, test_series_recovery_draining_slowly_projects_eta);
    tcase_add_test(tc, test_series_recovery_drain_uses_only_the_last_window);
    tcase_add_test(tc, test_series_finish_without_samples);
    tcase_add_test(tc, test_series_load_metrics_and_no_data);
    tcase_add_test(tc, test_series_always_sync_has_no_first_switch);
    tcase_add_test(tc, test_series_gaps_and_coverage);
    tcase_add_test(tc, test_report_notes_a_gate_on_thin_samples);
    suite_add_tcase(s, tc);
    return s;
}
