/* check_sweep_table.c -- unit tests of the sweep's table: summaries read back, sorting, the
 * text table and CSV, and --repeat's rows (medians, spread, verdict counts). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "sweep_table.h"
#include "util.h"

static char err[LJ_ERR_LEN];

START_TEST(test_sweep_sort_keys)
{
    enum sweep_sort by;
    ck_assert_int_eq(sweep_sort_parse("peak_processes", &by), 0);
    ck_assert_int_eq(by, SWEEP_SORT_PROCESSES);
    ck_assert_int_eq(sweep_sort_parse("p99", &by), 0);
    ck_assert_int_eq(by, SWEEP_SORT_P99);
    ck_assert_int_eq(sweep_sort_parse("memory", &by), 0);
    ck_assert_int_eq(sweep_sort_parse("sync", &by), 0);
    ck_assert_int_eq(sweep_sort_parse("name", &by), 0);
    ck_assert_int_eq(by, SWEEP_SORT_NAME);
    ck_assert_int_eq(sweep_sort_parse("speed", &by), -1);

    struct sweep_result rows[4];
    memset(rows, 0, sizeof rows);
    static const char *names[] = {"d", "b", "c", "a"};
    static const double procs[] = {500, 100, 500, NAN};
    for (unsigned i = 0; i < 4; i++) {
        rows[i].index = i + 1;
        rows[i].ran = i != 3;
        snprintf(rows[i].label, sizeof rows[i].label, "%s", names[i]);
        rows[i].peak_processes = procs[i];
        rows[i].p99 = 1.0 / (i + 1);
    }
    sweep_sort_results(rows, 4, SWEEP_SORT_PROCESSES);
    ck_assert_uint_eq(rows[0].index, 2); /* 100 */
    ck_assert_uint_eq(rows[1].index, 1); /* 500, first in scenario order */
    ck_assert_uint_eq(rows[2].index, 3); /* 500 */
    ck_assert_uint_eq(rows[3].index, 4); /* did not run: last */
    sweep_sort_results(rows, 4, SWEEP_SORT_NAME);
    ck_assert_str_eq(rows[0].label, "a");
    ck_assert_str_eq(rows[3].label, "d");
    sweep_sort_results(rows, 4, SWEEP_SORT_P99);
    ck_assert_uint_eq(rows[0].index, 3);
    ck_assert_uint_eq(rows[3].index, 4);
    sweep_sort_results(rows, 4, SWEEP_SORT_SCENARIO);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(rows[i].index, i + 1);
}
END_TEST

START_TEST(test_sweep_reads_summary_and_writes_csv)
{
    char path[] = "/tmp/lj-sweep-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char *doc =
        "{\"verdict\":\"fail\",\"exit_code\":99,\"error\":null,\"metrics\":{"
        "\"processes\":{\"max\":118726.0},\"memory.total\":{\"max\":1.5e9,\"slope\":2e7},"
        "\"logger.sync\":{\"share\":0.98},\"logger.dropped\":{\"count\":0},"
        "\"latency\":{\"p(99)\":0.999},\"requests\":{\"sent\":1000,\"ok\":890,\"failed\":60,"
        "\"errored\":0,\"timeout\":40},\"recovery\":{\"time\":null,\"recovered\":false,"
        "\"stuck\":true,\"leaked\":118530}}}";
    ck_assert_int_eq(write(fd, doc, strlen(doc)), (int)strlen(doc));
    close(fd);
    struct sweep_result r;
    memset(&r, 0, sizeof r);
    r.index = 1;
    snprintf(r.label, sizeof r.label, "a \"quoted\", label");
    snprintf(r.dir, sizeof r.dir, "01-x");
    ck_assert_int_eq(sweep_result_read(&r, path, err), 0);
    unlink(path);
    ck_assert(r.ran);
    ck_assert_str_eq(r.verdict, "fail");
    ck_assert_int_eq(r.exit_code, 99);
    ck_assert(r.peak_processes == 118726);
    ck_assert(r.sync_share == 0.98);
    ck_assert(r.stuck && !r.recovered);
    ck_assert(isnan(r.recovery_time));
    ck_assert(r.leaked == 118530);
    ck_assert_double_eq_tol(r.not_ok, 0.1, 1e-12); /* (60 failed + 40 timeouts) / 1000 */

    char *csv = sweep_csv(&r, 1);
    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strstr(csv, "\n1,\"a \"\"quoted\"\", label\",01-x,fail,99,118726,") != NULL, "%s",
                  csv);
    free(csv);

    ck_assert_int_eq(sweep_result_read(&r, "/nonexistent/summary.json", err), -1);
    ck_assert(!r.ran);
}
END_TEST

/* A run that ran, with a verdict and a peak; every other number fixed unless set after. */
static struct sweep_result run_of(const char *verdict, double peak)
{
    struct sweep_result r;
    memset(&r, 0, sizeof r);
    r.index = 1;
    r.ran = true;
    snprintf(r.label, sizeof r.label, "threshold-200");
    snprintf(r.verdict, sizeof r.verdict, "%s", verdict);
    r.exit_code = strcmp(verdict, "pass") == 0 ? 0 : 99;
    r.peak_processes = peak;
    r.peak_memory = 1e9;
    r.memory_slope = 1e6;
    r.sync_share = 0.5;
    r.dropped = 0;
    r.p99 = 0.2;
    r.not_ok = 0.01;
    r.recovery_time = NAN;
    r.leaked = NAN;
    return r;
}

/* sweep_print_table into a string (caller frees). */
static char *table_text(const struct sweep_result *rows, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    sweep_print_table(f, rows, n);
    fclose(f);
    return text;
}

START_TEST(test_sweep_median)
{
    double odd[] = {22000, 6000, 9000};
    ck_assert(sweep_median(odd, 3) == 9000);
    double even[] = {6000, 22000};
    ck_assert(sweep_median(even, 2) == 14000);
    double one[] = {5};
    ck_assert(sweep_median(one, 1) == 5);
    double gaps[] = {NAN, 4, NAN, 1, 2};
    ck_assert(sweep_median(gaps, 5) == 2); /* NANs are left out */
    double none[] = {NAN, NAN};
    ck_assert(isnan(sweep_median(none, 2)));
    ck_assert(isnan(sweep_median(NULL, 0)));
    double inf[] = {INFINITY, 3, INFINITY};
    ck_assert(isinf(sweep_median(inf, 3)));
    double inf2[] = {INFINITY, 3, 1};
    ck_assert(sweep_median(inf2, 3) == 3);
}
END_TEST

START_TEST(test_sweep_aggregate_medians_spread_and_verdict_count)
{
    struct sweep_result runs[3] = {run_of("fail", 6000), run_of("fail", 22000),
                                   run_of("fail", 9000)};
    struct sweep_result row;
    runs[0].p99 = 0.9;
    runs[1].p99 = 0.1;
    runs[2].p99 = NAN; /* absent in one run: the median of the other two */
    runs[1].sync_share = 0.9;
    memset(&row, 0, sizeof row);
    row.index = 2;
    snprintf(row.label, sizeof row.label, "threshold-200");
    snprintf(row.dir, sizeof row.dir, "02-threshold-200");
    sweep_aggregate(&row, runs, 3, 3);
    ck_assert(row.ran);
    ck_assert_uint_eq(row.index, 2);
    ck_assert_str_eq(row.dir, "02-threshold-200");
    ck_assert_uint_eq(row.nruns, 3);
    ck_assert_uint_eq(row.repeat, 3);
    ck_assert_str_eq(row.verdict, "fail");
    ck_assert_uint_eq(row.nverdict, 3);
    ck_assert_uint_eq(row.npassed, 0);
    ck_assert_int_eq(row.exit_code, 99);
    ck_assert(row.peak_processes == 9000);
    ck_assert(row.peak_processes_min == 6000);
    ck_assert(row.peak_processes_max == 22000);
    ck_assert(fabs(row.p99 - 0.5) < 1e-12);
    ck_assert(row.sync_share == 0.5);
    ck_assert(row.peak_memory == 1e9);
    ck_assert_uint_eq(row.median_run, 2); /* 9000 is the third run */
    ck_assert_ptr_eq(row.runs, runs);

    char *t = table_text(&row, 1);
    ck_assert_msg(strstr(t, "  variant  ") == t, "%s", t);
    ck_assert_msg(strstr(t, "peak processes         spread  peak memory") != NULL, "%s", t);
    ck_assert_msg(strstr(t, "02 threshold-200  fail 3/3") != NULL, "%s", t);
    ck_assert_msg(strstr(t, " 9,000  6,000..22,000  ") != NULL, "%s", t);
    free(t);

    char *csv = sweep_csv(&row, 1);
    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strstr(csv, ",leaked,runs,passed,peak_processes_min,peak_processes_max\n") !=
                      NULL,
                  "%s", csv);
    ck_assert_msg(strstr(csv, "\n2,threshold-200,02-threshold-200,fail,99,9000,") != NULL, "%s",
                  csv);
    ck_assert_msg(strstr(csv, ",3,0,6000,22000\n") != NULL, "%s", csv);
    free(csv);
}
END_TEST

START_TEST(test_sweep_aggregate_verdict_majority_ties_and_errors)
{
    struct sweep_result runs[4] = {run_of("pass", 100), run_of("fail", 300), run_of("pass", 200),
                                   run_of("pass", 50)};
    struct sweep_result row;
    memset(&row, 0, sizeof row);
    sweep_aggregate(&row, runs, 3, 3);
    ck_assert_str_eq(row.verdict, "pass");
    ck_assert_uint_eq(row.nverdict, 2);
    ck_assert_uint_eq(row.npassed, 2);
    ck_assert_int_eq(row.exit_code, 0);
    ck_assert(row.peak_processes == 200);

    /* a tie goes to the worse verdict: 1 pass, 1 fail -> "fail 1/2" */
    sweep_aggregate(&row, runs, 2, 2);
    ck_assert_str_eq(row.verdict, "fail");
    ck_assert_uint_eq(row.nverdict, 1);
    ck_assert_uint_eq(row.npassed, 1);
    ck_assert(row.peak_processes == 200); /* (100 + 300) / 2 */
    ck_assert_uint_eq(row.median_run, 0); /* equally close: the earlier run */

    /* a run without a summary counts as an error and adds no numbers */
    runs[1].ran = false;
    runs[1].exit_code = 1;
    runs[1].peak_processes = 1e9;
    snprintf(runs[1].error, sizeof runs[1].error, "node died");
    sweep_aggregate(&row, runs, 4, 4);
    ck_assert_str_eq(row.verdict, "pass");
    ck_assert_uint_eq(row.nverdict, 3);
    ck_assert(row.peak_processes == 100); /* of 100, 200, 50 */
    ck_assert(row.peak_processes_max == 200);
    ck_assert_str_eq(row.error, "node died");
    sweep_aggregate(&row, runs, 2, 2); /* pass + error: the error wins the tie */
    ck_assert_str_eq(row.verdict, "error");
    ck_assert_int_eq(row.exit_code, 1);
    ck_assert(row.ran);

    /* no run ran at all: an error row, numbers missing, sorted last */
    sweep_aggregate(&row, runs + 1, 1, 2);
    ck_assert(!row.ran);
    ck_assert(isnan(row.peak_processes) && isnan(row.peak_processes_min));
    char *t = table_text(&row, 1);
    ck_assert_msg(strstr(t, "error 1/1 (exit 1)") != NULL, "%s", t);
    free(t);

    /* interrupted after the first of 3 runs: the count is over the runs made */
    struct sweep_result one = run_of("interrupted", 10);
    sweep_aggregate(&row, &one, 1, 3);
    t = table_text(&row, 1);
    ck_assert_msg(strstr(t, "interrupted 1/1") != NULL, "%s", t);
    free(t);
}
END_TEST

START_TEST(test_sweep_aggregate_recovery)
{
    struct sweep_result runs[3] = {run_of("pass", 1), run_of("pass", 2), run_of("fail", 3)};
    struct sweep_result row;
    memset(&row, 0, sizeof row);
    runs[0].recovered = true, runs[0].recovery_time = 2.0, runs[0].leaked = 0;
    runs[1].recovered = true, runs[1].recovery_time = 4.0, runs[1].leaked = 10;
    runs[2].stuck = true, runs[2].leaked = 5000;
    sweep_aggregate(&row, runs, 3, 3);
    ck_assert(row.recovered && !row.stuck);
    ck_assert(row.recovery_time == 4.0); /* of 2, 4 and never */
    ck_assert(row.leaked == 10);

    /* one of two recovered: the median recovery time is "never" */
    sweep_aggregate(&row, runs + 1, 2, 2);
    ck_assert(!row.recovered && isnan(row.recovery_time));
    ck_assert(!row.stuck); /* 1 of 2 stuck is not more than half */
    ck_assert(row.leaked == 2505);
    char *t = table_text(&row, 1);
    ck_assert_msg(strstr(t, "fail 1/2") != NULL && strstr(t, "leaked 2,505") != NULL, "%s", t);
    free(t);

    runs[1].recovered = false, runs[1].stuck = true;
    sweep_aggregate(&row, runs, 3, 3);
    ck_assert(!row.recovered && row.stuck);
}
END_TEST

START_TEST(test_sweep_single_run_row_is_the_run)
{
    struct sweep_result run = run_of("fail", 118726), row;
    run.recovered = false, run.stuck = true, run.leaked = 118530;
    memset(&row, 0, sizeof row);
    row.index = 1;
    snprintf(row.label, sizeof row.label, "fixture-default");
    snprintf(row.dir, sizeof row.dir, "01-fixture-default");
    sweep_aggregate(&row, &run, 1, 1);
    ck_assert_str_eq(row.verdict, "fail");
    ck_assert(row.peak_processes == 118726 && row.stuck && row.leaked == 118530);
    char *t = table_text(&row, 1);
    /* no spread column, the verdict alone: the table of a sweep without --repeat */
    ck_assert_msg(strstr(t, "spread") == NULL && strstr(t, "1/1") == NULL, "%s", t);
    ck_assert_msg(strstr(t, "  variant             verdict  peak processes  peak memory") == t,
                  "%s", t);
    ck_assert_msg(strstr(t, "01 fixture-default     fail         118,726") != NULL, "%s", t);
    free(t);
}
END_TEST

Suite *sweep_table_suite(void)
{
    Suite *s = suite_create("sweep_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, test_sweep_sort_keys);
    tcase_add_test(tc, test_sweep_reads_summary_and_writes_csv);
    suite_add_tcase(s, tc);
    tc = tcase_create("repeat");
    tcase_add_test(tc, test_sweep_median);
    tcase_add_test(tc, test_sweep_aggregate_medians_spread_and_verdict_count);
    tcase_add_test(tc, test_sweep_aggregate_verdict_majority_ties_and_errors);
    tcase_add_test(tc, test_sweep_aggregate_recovery);
    tcase_add_test(tc, test_sweep_single_run_row_is_the_run);
    suite_add_tcase(s, tc);
    return s;
}
