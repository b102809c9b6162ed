/* check_sweep.c -- unit tests of sweep planning: the product and its order, --vary, every
 * combination validated before anything runs, --repeat's parsing. */
#include <check.h>
#include <string.h>

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

START_TEST(test_sweep_repeat_parsing)
{
    unsigned n = 0;
    ck_assert_int_eq(sweep_parse_repeat("3", &n, err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(sweep_parse_repeat("20", &n, err), 0);
    ck_assert_uint_eq(n, 20);
    ck_assert_int_eq(sweep_parse_repeat("1", &n, err), 0);
    ck_assert_uint_eq(n, 1);
    static const char *bad[] = {"0", "21", "-1", "", "3x", "x", "99999999999999999999"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sweep_parse_repeat(bad[i], &n, err), -1);
        ck_assert_msg(strstr(err, "expected a whole number from 1 to 20") != NULL, "%s", err);
    }
    ck_assert_uint_eq(n, 1); /* untouched on failure */
    sweep_parse_repeat("0", &n, err);
    ck_assert_str_eq(err, "--repeat 0: expected a whole number from 1 to 20");
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
    tcase_add_test(tc, test_sweep_repeat_parsing);
    suite_add_tcase(s, tc);
    return s;
}
