/* check_node.c -- unit tests of node_sys_config: scenario keys -> each backend's config terms. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "scenario.h"
#include "suites.h"
#include "util.h"

static struct scenario sc; /* large: keep it off the stack */
static char err[LJ_ERR_LEN];
static char *text;

/* Defaults plus the given overrides, then the sys.config for node dir /d. */
static void config_for(const char *const *sets, unsigned nsets)
{
    ck_assert_msg(scenario_load(&sc, NULL, sets, nsets, err) == 0, "scenario: %s", err);
    free(text);
    text = node_sys_config(&sc, "/d");
    ck_assert_ptr_nonnull(text);
}

static void has(const char *want)
{
    ck_assert_msg(strstr(text, want) != NULL, "sys.config lacks '%s':\n%s", want, text);
}

static void lacks(const char *unwanted)
{
    ck_assert_msg(strstr(text, unwanted) == NULL, "sys.config has '%s':\n%s", unwanted, text);
}

static void teardown(void)
{
    free(text);
    text = NULL;
}

/* Every config is one term list ending in ".\n", with the loopback-only distribution. */
static void well_formed(void)
{
    size_t n = strlen(text);
    ck_assert_msg(n > 4 && text[0] == '[' && strcmp(text + n - 3, "].\n") == 0, "%s", text);
    has(" {kernel, [{inet_dist_use_interface, {127,0,0,1}}]}\n].\n");
    /* brackets and braces balance (no string in the config contains one here) */
    int sq = 0, cu = 0;
    for (const char *p = text; *p; p++) {
        sq += (*p == '[') - (*p == ']');
        cu += (*p == '{') - (*p == '}');
        ck_assert_int_ge(sq, 0);
        ck_assert_int_ge(cu, 0);
    }
    ck_assert_int_eq(sq, 0);
    ck_assert_int_eq(cu, 0);
}

START_TEST(test_node_sys_config_fixture_backend_defaults)
{
    config_for(NULL, 0);
    well_formed();
    has("[{fixture, [\n");
    has("{listen_ip, {127,0,0,1}}, {listen_port, 0}, {acceptors, 16}");
    has("{pool_mode, spawn}, {pool_size, 100}");
    has("{logger_backend, fixture}, {log_level, info}");
    has("{async_threshold, 20}, {async_threshold_window, undefined}");
    has("{killer_hwm, undefined}, {killer_reinstall_after, 5000}");
    has("{write_cost_us, 0}, {log_file, \"/d/fixture.log\"}");
    lacks("{lager,");
}
END_TEST

START_TEST(test_node_sys_config_incident_keys)
{
    const char *sets[] = {"logger.level=debug", "logger.async_threshold_window=5",
                          "logger.write_cost=250us", "pool.mode=bounded", "pool.size=7"};
    config_for(sets, 5);
    has("{pool_mode, bounded}, {pool_size, 7}");
    has("{log_level, debug}");
    has("{async_threshold, 20}, {async_threshold_window, 5}");
    has("{write_cost_us, 250}");
}
END_TEST

START_TEST(test_node_sys_config_lager_section)
{
    const char *sets[] = {"logger.backend=lager", "logger.level=debug",
                          "logger.async_threshold_window=5"};
    config_for(sets, 3);
    well_formed();
    has("{logger_backend, lager}");
    has(" {lager, [\n"
        "  {handlers, [{lager_file_backend, [{file, \"/d/fixture.log\"}, {level, debug}]}]},\n"
        "  {async_threshold, 20}, {async_threshold_window, 5},\n"
        "  {killer_hwm, undefined}, {killer_reinstall_after, 5000},\n"
        "  {error_logger_redirect, true}, {error_logger_hwm, 50},\n"
        "  {crash_log, false}, {colored, false}\n"
        " ]},\n");
}
END_TEST

START_TEST(test_node_sys_config_lager_undefined_threshold_kept_as_atom)
{
    const char *sets[] = {"logger.backend=lager", "logger.async_threshold=undefined"};
    config_for(sets, 2);
    /* lager installs no throttle for `undefined': every call is synchronous */
    has("  {async_threshold, undefined}, {async_threshold_window, undefined},\n");
}
END_TEST

START_TEST(test_node_sys_config_lager_killer)
{
    const char *sets[] = {"logger.backend=lager", "logger.killer_hwm=1000",
                          "logger.killer_reinstall_after=2500ms"};
    config_for(sets, 3);
    has("  {killer_hwm, 1000}, {killer_reinstall_after, 2500},\n");
    has("{killer_hwm, 1000}, {killer_reinstall_after, 2500},\n  {error_logger_redirect"); /* fixture
                                                                                           */
}
END_TEST

START_TEST(test_node_sys_config_lager_error_logger)
{
    const char *sets[] = {"logger.backend=lager", "logger.error_logger_redirect=false",
                          "logger.error_logger_hwm=undefined"};
    config_for(sets, 3);
    well_formed();
    /* lager's section, and the fixture's copy its lager backend falls back on */
    has("  {error_logger_redirect, false}, {error_logger_hwm, undefined},\n  {crash_log");
    has("  {error_logger_redirect, false}, {error_logger_hwm, undefined},\n  {write_cost_us");
}
END_TEST

START_TEST(test_node_sys_config_lager_level_none_has_no_handler)
{
    const char *sets[] = {"logger.backend=lager", "logger.level=none"};
    config_for(sets, 2);
    has("  {handlers, []},\n");
    lacks("lager_file_backend");
}
END_TEST

START_TEST(test_node_sys_config_otp_defaults)
{
    const char *sets[] = {"logger.backend=otp"};
    config_for(sets, 1);
    well_formed();
    has("{logger_backend, otp}");
    has("  {sync_mode_qlen, 10}, {drop_mode_qlen, 200}, {flush_qlen, 1000},\n"
        "  {burst_limit_enable, true}, {burst_limit_max_count, 500},\n"
        "  {burst_limit_window_time, 1000},\n"
        "  {overload_kill_enable, false}, {overload_kill_qlen, 20000},\n"
        "  {overload_kill_mem_size, 3000000}, {overload_kill_restart_after, 5000}\n");
    lacks("{lager,");
}
END_TEST

START_TEST(test_node_sys_config_otp_overrides)
{
    const char *sets[] = {"logger.backend=otp",
                          "logger.sync_mode_qlen=2000",
                          "logger.drop_mode_qlen=2000",
                          "logger.flush_qlen=5000",
                          "logger.burst_limit_enable=false",
                          "logger.burst_limit_window_time=2s",
                          "logger.overload_kill_enable=true",
                          "logger.overload_kill_mem_size=64MiB",
                          "logger.overload_kill_restart_after=infinity"};
    config_for(sets, 9);
    has("{sync_mode_qlen, 2000}, {drop_mode_qlen, 2000}, {flush_qlen, 5000}");
    has("{burst_limit_enable, false}");
    has("{burst_limit_window_time, 2000}");
    has("{overload_kill_enable, true}");
    has("{overload_kill_mem_size, 67108864}, {overload_kill_restart_after, infinity}");
}
END_TEST

START_TEST(test_node_sys_config_escapes_the_path)
{
    ck_assert_int_eq(
        scenario_load(&sc, NULL, (const char *const[]){"logger.backend=lager"}, 1, err), 0);
    free(text);
    text = node_sys_config(&sc, "/tmp/a\"b\\c\nd");
    ck_assert_ptr_nonnull(text);
    has("{log_file, \"/tmp/a\\\"b\\\\c\\012d/fixture.log\"}");
    has("{file, \"/tmp/a\\\"b\\\\c\\012d/fixture.log\"}");
}
END_TEST

Suite *node_suite(void)
{
    Suite *s = suite_create("node");
    TCase *tc = tcase_create("sys_config");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_node_sys_config_fixture_backend_defaults);
    tcase_add_test(tc, test_node_sys_config_incident_keys);
    tcase_add_test(tc, test_node_sys_config_lager_section);
    tcase_add_test(tc, test_node_sys_config_lager_undefined_threshold_kept_as_atom);
    tcase_add_test(tc, test_node_sys_config_lager_killer);
    tcase_add_test(tc, test_node_sys_config_lager_error_logger);
    tcase_add_test(tc, test_node_sys_config_lager_level_none_has_no_handler);
    tcase_add_test(tc, test_node_sys_config_otp_defaults);
    tcase_add_test(tc, test_node_sys_config_otp_overrides);
    tcase_add_test(tc, test_node_sys_config_escapes_the_path);
    suite_add_tcase(s, tc);
    return s;
}
