/* check_explain.c -- the diagnosis paragraph: known stuck patterns are named with their
 * share, target and mailbox; benign groups are not "stuck"; unknown groups are reported. */
#include <check.h>
#include <string.h>

#include "explain.h"
#include "suites.h"

static json_t *group(long long count, const char *stack_json, const char *target, long long q)
{
    json_t *g = json_pack("{s:I, s:o, s:I}", "count", (json_int_t)count, "stack",
                          json_loads(stack_json, 0, NULL), "target_queue", (json_int_t)q);
    json_object_set_new(g, "waiting_on", target ? json_string(target) : json_null());
    return g;
}

static json_t *doc_of(long long total, json_t *groups)
{
    return json_pack("{s:I, s:I, s:b, s:o, s:{s:s, s:I}}", "process_count", (json_int_t)total,
                     "scanned", (json_int_t)total, "partial", 0, "by_stack", groups, "logger",
                     "mode", "sync", "queue_len", (json_int_t)92180);
}

START_TEST(test_explain_names_the_sync_log_call)
{
    struct scenario sc;
    struct results r;
    scenario_defaults(&sc);
    sc.async_threshold = 20;
    sc.async_threshold_window = 5;
    memset(&r, 0, sizeof r);
    r.has_sync_first = true;
    r.sync_first = 1.4;
    r.sync_share = 0.98;
    json_t *groups = json_array();
    json_array_append_new(groups, group(95000,
                                        "[\"gen:do_call/4\", \"gen_event:rpc/2\", "
                                        "\"fx_log_fixture:do_log/3\", \"fx_log:log/3\"]",
                                        "fx_log_event", 92180));
    json_array_append_new(groups, group(3000, "[\"fx_conn:loop/1\"]", NULL, 0));
    json_t *doc = doc_of(104233, groups);
    char *text = explain_diagnosis(doc, &sc, &r);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "91% of 104,233 processes"), "%s", text);
    ck_assert_msg(strstr(text, "synchronous log call"), "%s", text);
    ck_assert_msg(strstr(text, "gen_event:rpc/2"), "%s", text);
    ck_assert_msg(strstr(text, "waiting on fx_log_event (mailbox 92,180)"), "%s", text);
    ck_assert_msg(strstr(text, "switched to sync at 1.4 s"), "%s", text);
    ck_assert_msg(strstr(text, "async_threshold 20"), "%s", text);
    ck_assert_msg(!strstr(text, "no known pattern"), "benign connections reported: %s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_undefined_threshold_is_always_sync)
{
    struct scenario sc;
    scenario_defaults(&sc);
    sc.async_threshold = SCENARIO_UNDEFINED;
    json_t *groups = json_array();
    json_array_append_new(
        groups, group(5000, "[\"gen:do_call/4\", \"gen_event:rpc/2\"]", "lager_event", 0));
    json_t *doc = doc_of(6000, groups);
    char *text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "async_threshold = undefined makes every log call synchronous"),
                  "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_names_lager_and_its_killer)
{
    struct scenario sc;
    scenario_defaults(&sc);
    sc.backend = BACKEND_LAGER;
    sc.killer_hwm = 1000;
    json_t *groups = json_array();
    json_array_append_new(groups, group(9000,
                                        "[\"gen:do_call/4\", \"gen_event:rpc/2\", "
                                        "\"lager:do_log_impl/10\", \"fx_log_lager:log/3\"]",
                                        "lager_event", 1200));
    json_t *doc = doc_of(10000, groups);
    json_object_set_new(json_object_get(doc, "logger"), "mode", json_string("killed"));
    char *text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "lager:do_log_impl/10"), "%s", text);
    ck_assert_msg(strstr(text, "waiting on lager_event (mailbox 1,200)"), "%s", text);
    ck_assert_msg(strstr(text, "manager killer (killer_hwm 1000) had just killed the sink"), "%s",
                  text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_names_the_otp_handler)
{
    struct scenario sc;
    scenario_defaults(&sc);
    sc.backend = BACKEND_OTP;
    json_t *groups = json_array();
    json_array_append_new(groups, group(4000,
                                        "[\"gen:do_call/4\", \"gen_server:call/3\", "
                                        "\"logger_olp:call/2\", \"logger_olp:load/2\"]",
                                        "logger_std_h_fx_otp_h", 150));
    json_t *doc = doc_of(5000, groups);
    char *text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "synchronous OTP logger call (logger_olp:call)"), "%s", text);
    ck_assert_msg(strstr(text, "waiting on logger_std_h_fx_otp_h (mailbox 150)"), "%s", text);
    ck_assert_msg(strstr(text, "handler was in sync mode (sync_mode_qlen 10, drop_mode_qlen 200, "
                               "flush_qlen 1000)"),
                  "%s", text);
    ck_assert_msg(!strstr(text, "async_threshold"), "lager's switch named for OTP: %s", text);
    free(text);
    json_decref(doc);
}
END_TEST

/* Elixir 1.14: the caller's path, the Logger process, and the threshold that put it there. */
START_TEST(test_explain_names_elixirs_path_and_threshold)
{
    struct scenario sc;
    scenario_defaults(&sc);
    sc.backend = BACKEND_ELIXIR;
    json_t *groups = json_array();
    json_array_append_new(groups, group(480,
                                        "[\"gen:do_call/4\", \"gen_event:rpc/2\", "
                                        "\"'Elixir.Logger.Handler':log/2\", "
                                        "\"logger_backend:call_handlers/3\", "
                                        "\"fx_log_elixir:log/3\"]",
                                        "Elixir.Logger", 499));
    json_t *doc = doc_of(3600, groups);
    char *text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "synchronous log call (gen_event:sync_notify -> gen_event:rpc/2)"),
                  "%s", text);
    ck_assert_msg(strstr(text, "'Elixir.Logger.Handler':log/2"), "%s", text);
    ck_assert_msg(strstr(text, "waiting on Elixir.Logger (mailbox 499)"), "%s", text);
    ck_assert_msg(strstr(text, "at or above sync_threshold 20 sends with :gen_event.sync_notify"),
                  "%s", text);
    ck_assert_msg(strstr(text, "at or above discard_threshold 500 a caller drops its message"),
                  "%s", text);
    ck_assert_msg(!strstr(text, "async_threshold"), "lager's switch named for Elixir: %s", text);
    free(text);
    /* sync_threshold 0: every call; discard <= sync: the sync threshold means nothing */
    sc.sync_threshold = 0;
    text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "sync_threshold 0 makes every call synchronous"), "%s", text);
    free(text);
    sc.sync_threshold = 10000;
    sc.discard_threshold = 10000;
    text = explain_diagnosis(doc, &sc, NULL);
    ck_assert_msg(strstr(text, "discard_threshold 10000 is not above sync_threshold"), "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

/* Elixir's Logger replaced: no killer, a crash; its queue counted as dropped. */
START_TEST(test_explain_elixir_logger_replaced)
{
    struct scenario sc;
    struct results r;
    scenario_defaults(&sc);
    sc.backend = BACKEND_ELIXIR;
    memset(&r, 0, sizeof r);
    r.kills = 1;
    r.dropped = 1200;
    json_t *doc = doc_of(100, json_array());
    char *text = explain_diagnosis(doc, &sc, &r);
    ck_assert_msg(strstr(text, "Elixir's Logger process was replaced 1 time (it crashed and its "
                               "supervisor restarted it): its queue went with it (at least 1,200 "
                               "events dropped, discards included)."),
                  "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_busy_otp_callers_are_not_stuck)
{
    json_t *groups = json_array();
    json_array_append_new(groups, group(984,
                                        "[\"erts_internal:is_process_alive/1\", "
                                        "\"logger_h_common:log/2\", "
                                        "\"logger_backend:call_handlers/3\", \"fx_log:log/3\"]",
                                        NULL, 0));
    json_t *doc = doc_of(3691, groups);
    char *text = explain_diagnosis(doc, NULL, NULL);
    ck_assert_msg(strstr(text, "Nothing is stuck"), "%s", text);
    ck_assert_msg(!strstr(text, "no known pattern"), "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_healthy_node_says_nothing_is_stuck)
{
    json_t *groups = json_array();
    json_array_append_new(groups, group(3000, "[\"fx_conn:loop/1\"]", NULL, 0));
    json_array_append_new(groups, group(16, "[\"prim_inet:accept0/3\"]", NULL, 0));
    json_t *doc = doc_of(3100, groups);
    char *text = explain_diagnosis(doc, NULL, NULL);
    ck_assert_msg(strncmp(text, "Nothing is stuck", 16) == 0, "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_bounded_pool_names_its_queue)
{
    json_t *groups = json_array();
    json_array_append_new(groups, group(2954, "[\"fx_conn:loop/1\"]", NULL, 0));
    json_array_append_new(groups, group(199,
                                        "[\"gen:do_call/4\", \"gen_event:rpc/2\", "
                                        "\"fx_log:log/3\"]",
                                        "fx_log_event", 196));
    json_t *doc = doc_of(3351, groups);
    json_object_set_new(doc, "pool",
                        json_pack("{s:s, s:I, s:I}", "mode", "bounded", "busy", (json_int_t)200,
                                  "queued", (json_int_t)2750));
    char *text = explain_diagnosis(doc, NULL, NULL);
    ck_assert_msg(strstr(text, "bounded pool holds the load in its queue: 200 workers busy, "
                               "2,750 requests queued"),
                  "%s", text);
    ck_assert_msg(strstr(text, "199 processes are blocked in a synchronous log call"), "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_reports_unknown_patterns_by_count)
{
    json_t *groups = json_array();
    json_array_append_new(groups, group(40000, "[\"my_app:wait_forever/0\"]", NULL, 0));
    json_t *doc = doc_of(41000, groups);
    char *text = explain_diagnosis(doc, NULL, NULL);
    ck_assert_msg(strstr(text, "40,000 processes in my_app:wait_forever/0 (no known pattern)"),
                  "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_pattern_table)
{
    static const struct {
        const char *stack;
        const char *want;
    } cases[] = {
        {"[\"gen:do_call/4\", \"gen_event:rpc/2\", \"lager:do_log_impl/10\"]", "sync log call"},
        {"[\"gen:do_call/4\", \"logger_olp:call/2\"]", "sync log call"},
        {"[\"gen:do_call/4\", \"gen_server:call/3\", \"my:f/1\"]", "gen call to a busy process"},
        {"[\"io:execute_request/3\", \"io:put_chars/2\"]", "io request"},
        {"[\"fx_pool:checkout/1\"]", "bounded pool queue"},
        {"[\"my:f/1\"]", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *st = json_loads(cases[i].stack, 0, NULL);
        const char *got = explain_pattern(st, NULL);
        if (cases[i].want)
            ck_assert_msg(got && strcmp(got, cases[i].want) == 0, "%s -> %s", cases[i].stack,
                          got ? got : "(none)");
        else
            ck_assert_ptr_null(got);
        json_decref(st);
    }
}
END_TEST

START_TEST(test_explain_partial_scan_uses_the_scanned_share)
{
    json_t *groups = json_array();
    json_array_append_new(groups,
                          group(81000, "[\"gen:do_call/4\", \"gen_event:rpc/2\"]", NULL, 0));
    json_t *doc = doc_of(115000, groups);
    json_object_set_new(doc, "partial", json_true());
    json_object_set_new(doc, "scanned", json_integer(81500));
    char *text = explain_diagnosis(doc, NULL, NULL);
    ck_assert_msg(strstr(text, "99% of 81,500 processes"), "%s", text);
    ck_assert_msg(strstr(text, "Partial"), "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_stuck_share_sums_every_group_of_the_top_pattern)
{
    json_t *groups = json_array();
    json_array_append_new(groups, group(50000, "[\"fx_conn:loop/1\"]", NULL, 0));
    json_array_append_new(
        groups, group(30000, "[\"gen:do_call/4\", \"gen_event:rpc/2\"]", "fx_log_event", 0));
    json_array_append_new(groups, group(20000, "[\"io:execute_request/3\"]", NULL, 0));
    json_array_append_new(groups,
                          group(10000, "[\"gen:do_call/4\", \"lager:do_log_impl/10\"]", NULL, 0));
    json_t *doc = doc_of(110000, groups);
    char *text = explain_diagnosis(doc, NULL, NULL);
    /* 30,000 + 10,000 sync log calls; the io requests and idle connections are not counted */
    ck_assert_msg(strstr(text, "36% of 110,000 processes (40,000) are blocked in a synchronous "
                               "log call (gen_event:sync_notify -> gen_event:rpc/2), in "
                               "gen:do_call/4 <- gen_event:rpc/2, waiting on fx_log_event"),
                  "%s", text);
    free(text);
    json_decref(doc);
}
END_TEST

START_TEST(test_explain_stuck_below_one_in_twenty_is_not_stuck)
{
    static const struct {
        long long count;
        const char *starts;
    } cases[] = {{4999, "Nothing is stuck"}, {5000, "5% of 100,000 processes (5,000)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *groups = json_array();
        json_array_append_new(
            groups, group(cases[i].count, "[\"gen:do_call/4\", \"gen_event:rpc/2\"]", NULL, 0));
        json_t *doc = doc_of(100000, groups);
        char *text = explain_diagnosis(doc, NULL, NULL);
        ck_assert_msg(strncmp(text, cases[i].starts, strlen(cases[i].starts)) == 0, "%s", text);
        free(text);
        json_decref(doc);
    }
}
END_TEST

Suite *explain_suite(void)
{
    Suite *s = suite_create("explain");
    TCase *tc = tcase_create("paragraph");
    tcase_add_test(tc, test_explain_names_the_sync_log_call);
    tcase_add_test(tc, test_explain_undefined_threshold_is_always_sync);
    tcase_add_test(tc, test_explain_names_lager_and_its_killer);
    tcase_add_test(tc, test_explain_names_the_otp_handler);
    tcase_add_test(tc, test_explain_busy_otp_callers_are_not_stuck);
    tcase_add_test(tc, test_explain_names_elixirs_path_and_threshold);
    tcase_add_test(tc, test_explain_elixir_logger_replaced);
    tcase_add_test(tc, test_explain_healthy_node_says_nothing_is_stuck);
    tcase_add_test(tc, test_explain_reports_unknown_patterns_by_count);
    tcase_add_test(tc, test_explain_bounded_pool_names_its_queue);
    tcase_add_test(tc, test_explain_pattern_table);
    tcase_add_test(tc, test_explain_partial_scan_uses_the_scanned_share);
    tcase_add_test(tc, test_explain_stuck_share_sums_every_group_of_the_top_pattern);
    tcase_add_test(tc, test_explain_stuck_below_one_in_twenty_is_not_stuck);
    suite_add_tcase(s, tc);
    return s;
}
