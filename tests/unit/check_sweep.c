/* check_sweep.c -- unit tests of sweep planning (product, order, --vary, validation of every
 * combination), reading summaries back, sorting and the CSV table. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "suites.h"
#include "sweep.h"
#include "util.h"

static struct scenario base, out; /* large: keep them off the stack */
static char err[LJ_ERR_LEN];

static void load(const char *text)
{
    err[0] = '\0';
    ck_assert_msg(scenario_load_string(&base, "s.ini", text, strlen(text), err) == 0, "%s", err);
}

START_TEST(test_sweep_product_in_scenario_order_last_axis_fastest)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    unsigned n = 0;
    load("[sweep]\nlogger.level = debug, info\nload.connections = 10, 20, 30\n");
    ck_assert_int_eq(sweep_count(&base, &n, err), 0);
    ck_assert_uint_eq(n, 6);
    static const char *want[] = {"level=debug, connections=10", "level=debug, connections=20",
                                 "level=debug, connections=30", "level=info, connections=10",
                                 "level=info, connections=20",  "level=info, connections=30"};
    static const unsigned conns[] = {10, 20, 30, 10, 20, 30};
    for (unsigned v = 0; v < n; v++) {
        ck_assert_int_eq(
            sweep_variant(&base, v, n, &out, label, sizeof label, dir, sizeof dir, err), 0);
        ck_assert_str_eq(label, want[v]);
        ck_assert_uint_eq(out.connections, conns[v]);
        ck_assert_int_eq(out.level, v < 3 ? LEVEL_DEBUG : LEVEL_INFO);
    }
    sweep_variant(&base, 0, n, &out, label, sizeof label, dir, sizeof dir, err);
    ck_assert_str_eq(dir, "01-level=debug,connections=10");
    ck_assert_int_eq(base.connections, 100); /* the base is not touched */
}
END_TEST

START_TEST(test_sweep_named_rows_are_the_outermost_axis)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    unsigned n = 0;
    load("[sweep]\nload.connections = 10, 20\n"
         "lager = logger.backend=lager, logger.async_threshold=200\n"
         "otp = logger.backend=otp\n");
    ck_assert_int_eq(sweep_count(&base, &n, err), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(sweep_variant(&base, 1, n, &out, label, sizeof label, dir, sizeof dir, err),
                     0);
    ck_assert_str_eq(label, "lager, connections=20");
    ck_assert_str_eq(dir, "02-lager,connections=20");
    ck_assert_int_eq(out.backend, BACKEND_LAGER);
    ck_assert_int_eq(out.async_threshold, 200);
    ck_assert_int_eq(sweep_variant(&base, 2, n, &out, label, sizeof label, dir, sizeof dir, err),
                     0);
    ck_assert_str_eq(label, "otp, connections=10");
    ck_assert_int_eq(out.backend, BACKEND_OTP);
    ck_assert_int_eq(out.async_threshold, 20);
}
END_TEST

START_TEST(test_sweep_vary_parsing)
{
    load("[sweep]\nlogger.level = debug, info\n");
    ck_assert_int_eq(sweep_parse_vary(&base, "logger.level=notice,none", err), 0);
    ck_assert_uint_eq(base.nsweep, 1);
    ck_assert_str_eq(base.sweep[0].values[0], "notice");
    ck_assert_int_eq(sweep_parse_vary(&base, "load.rate = 10/s, 20/s", err), 0);
    ck_assert_uint_eq(base.nsweep, 2);
    ck_assert_str_eq(base.sweep[1].values[1], "20/s");

    ck_assert_int_eq(sweep_parse_vary(&base, "logger.level", err), -1);
    ck_assert_msg(strstr(err, "--vary logger.level: expected section.key=v1,v2") != NULL, "%s",
                  err);
    ck_assert_int_eq(sweep_parse_vary(&base, "logger.levle=debug", err), -1);
    ck_assert_msg(strstr(err, "did you mean 'level'") != NULL, "%s", err);
    ck_assert_int_eq(sweep_parse_vary(&base, "load.rate=fast", err), -1);
    ck_assert_msg(strstr(err, "--vary load.rate=fast: bad value 'fast'") != NULL, "%s", err);
    ck_assert_int_eq(sweep_parse_vary(&base, "=1", err), -1);
}
END_TEST

START_TEST(test_sweep_invalid_combination_found_before_running)
{
    load("[sweep]\nlogger.async_threshold = 100, 20\nlogger.async_threshold_window = 10, 50\n");
    ck_assert_int_eq(sweep_check_all(&base, err), -1);
    /* 100/10 and 100/50 are fine; 20 with window 50 is the first bad one: variant 4 */
    ck_assert_msg(strstr(err, "variant 4 (async_threshold=20, async_threshold_window=50)") != NULL,
                  "%s", err);
    ck_assert_msg(strstr(err, "larger than async_threshold") != NULL, "%s", err);

    load("[logger]\nlevel = debug\n");
    ck_assert_int_eq(sweep_check_all(&base, err), -1);
    ck_assert_msg(strstr(err, "nothing to sweep") != NULL, "%s", err);

    load("[sweep]\nload.connections = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
         "load.threads = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
         "logger.level = debug, info\n");
    ck_assert_int_eq(sweep_check_all(&base, err), -1);
    ck_assert_msg(strstr(err, "more than 256 variants") != NULL, "%s", err);

    load("[sweep]\nload.connections = 1, 8\nload.threads = 1, 4\n");
    ck_assert_int_eq(sweep_check_all(&base, err), -1);
    ck_assert_msg(strstr(err, "variant 2 (connections=1, threads=4)") != NULL, "%s", err);
}
END_TEST

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
        "\"latency\":{\"p(99)\":0.999},\"recovery\":{\"time\":null,\"recovered\":false,"
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

    char *csv = sweep_csv(&r, 1);
    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strstr(csv, "\n1,\"a \"\"quoted\"\", label\",01-x,fail,99,118726,") != NULL, "%s",
                  csv);
    free(csv);

    ck_assert_int_eq(sweep_result_read(&r, "/nonexistent/summary.json", err), -1);
    ck_assert(!r.ran);
}
END_TEST

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, test_sweep_product_in_scenario_order_last_axis_fastest);
    tcase_add_test(tc, test_sweep_named_rows_are_the_outermost_axis);
    tcase_add_test(tc, test_sweep_vary_parsing);
    tcase_add_test(tc, test_sweep_invalid_combination_found_before_running);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, test_sweep_sort_keys);
    tcase_add_test(tc, test_sweep_reads_summary_and_writes_csv);
    suite_add_tcase(s, tc);
    return s;
}
