/* check_limit_mode.c -- unit tests of failure-mode classification (each mode, precedence,
 * fallbacks) and of the early stop over recent samples. */
#include <check.h>
#include <string.h>

#include "limit_mode.h"
#include "suites.h"

/* A trial that failed its latency gate: a node that stayed flat, the logger async. */
static struct limit_mode_facts latency_failure(const char *const *failed, size_t n)
{
    return (struct limit_mode_facts){
        .failed = failed,
        .n_failed = n,
        .baseline_processes = 100,
        .peak_processes = 120,
        .processes_slope = 0.5,
        .sync_share = 0.1,
        .recovered = true,
        .p99_s = 0.8,
        .p99_gate_s = 0.5,
    };
}

static const char *const latency_gate[] = {"latency"};

START_TEST(test_limit_mode_each_mode_named)
{
    static const char *const errors[] = {"requests.timeout"};
    static const char *const drops[] = {"logger.dropped"};
    static const char *const kills[] = {"logger.kills"};
    struct limit_mode_facts f = latency_failure(latency_gate, 1);
    ck_assert_str_eq(limit_mode_name(limit_mode_classify(&f)), "latency");
    f = latency_failure(errors, 1);
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_ERRORS);
    f = latency_failure(drops, 1);
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_DROPS);
    f = latency_failure(kills, 1);
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_KILLS);
    f = latency_failure(latency_gate, 1);
    f.capped = true;
    ck_assert_str_eq(limit_mode_name(limit_mode_classify(&f)), "capped");
    /* Growing, sync, not drained: a pile-up, though only the latency gate failed. */
    f = latency_failure(latency_gate, 1);
    f.peak_processes = 40000;
    f.processes_slope = 900;
    f.sync_share = 0.95;
    f.recovered = false;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_PILEUP);
    ck_assert_str_eq(limit_mode_name(LIMIT_MODE_PILEUP), "pile-up");
}
END_TEST

START_TEST(test_limit_mode_pile_up_needs_every_sign)
{
    struct limit_mode_facts pile = latency_failure(latency_gate, 1), f;
    pile.peak_processes = 40000;
    pile.processes_slope = 900;
    pile.sync_share = 0.95;
    pile.recovered = false;
    f = pile;
    f.processes_slope = 0; /* flat at the end of the load */
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
    f = pile;
    f.sync_share = 0.2; /* the logger mostly async */
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
    f = pile;
    f.recovered = true; /* drained in recovery */
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
    f = pile;
    f.peak_processes = 150; /* never far above baseline */
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
}
END_TEST

START_TEST(test_limit_mode_precedence)
{
    static const char *const all[] = {"latency", "requests.failed", "logger.dropped",
                                      "logger.kills", "processes"};
    struct limit_mode_facts f = latency_failure(all, 5);
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_KILLS);
    f.n_failed = 3;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_DROPS);
    f.n_failed = 2;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_ERRORS);
    f.n_failed = 5;
    f.peak_processes = 40000;
    f.processes_slope = 900;
    f.sync_share = 0.95;
    f.recovered = false;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_PILEUP);
    f.capped = true;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_CAPPED);
}
END_TEST

START_TEST(test_limit_mode_state_gates_fall_back_to_the_facts)
{
    static const char *const memory[] = {"memory.total", "recovery"};
    struct limit_mode_facts f = latency_failure(memory, 2);
    f.p99_s = 0.1; /* within its gate */
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_OTHER);
    f.p99_s = 0.9;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
    f.not_ok_share = 0.02;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_ERRORS);
    f.dropped = 10;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_DROPS);
    f.kills = 1;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_KILLS);
    /* A failed gate that names a mode wins over the facts. */
    f = latency_failure(latency_gate, 1);
    f.dropped = 10;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_LATENCY);
}
END_TEST

START_TEST(test_limit_mode_passing_trial_has_none)
{
    struct limit_mode_facts f = latency_failure(NULL, 0);
    f.dropped = 5;
    ck_assert_int_eq(limit_mode_classify(&f), LIMIT_MODE_NONE);
    ck_assert_str_eq(limit_mode_name(LIMIT_MODE_NONE), "none");
}
END_TEST

/* n samples 1 s apart from t0 s, processes from p0 up by step each, the logger in mode. */
static void samples(struct sample *out, size_t n, int64_t p0, int64_t step, enum logger_mode mode)
{
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].at_us = (uint64_t)(10 + i) * 1000000u;
        out[i].phase = PHASE_LOAD;
        out[i].process_count = p0 + (int64_t)i * step;
        out[i].logger_mode = mode;
        out[i].mem_total = 100u << 20;
    }
}

START_TEST(test_limit_mode_early_stop_on_a_sync_pile_up)
{
    struct limit_mode_stop cfg = {0}; /* 5 x baseline, 5 s */
    struct sample s[8];
    samples(s, 8, 1000, 500, MODE_SYNC);
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_PILEUP);
    /* Only the last 5 s matter: an async sample before them does not count. */
    s[0].logger_mode = MODE_ASYNC;
    s[1].logger_mode = MODE_ASYNC;
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_PILEUP);
    s[5].logger_mode = MODE_ASYNC;
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_NONE);
}
END_TEST

/* Elixir's Logger at its defaults: 3,000 connections, a few hundred callers blocked, the
 * logger sync and processes still creeping up - bounded, not a pile-up to stop early. */
START_TEST(test_limit_mode_early_stop_counts_connections_as_load)
{
    struct limit_mode_stop cfg = {0};
    struct sample s[8];
    samples(s, 8, 3300, 40, MODE_SYNC);
    for (size_t i = 0; i < 8; i++)
        s[i].connections = 3000;
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 85, s, 8), LIMIT_MODE_NONE);
    samples(s, 8, 16000, 2300, MODE_SYNC); /* the incident: far past its connections */
    for (size_t i = 0; i < 8; i++)
        s[i].connections = 3000;
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 85, s, 8), LIMIT_MODE_PILEUP);
}
END_TEST

START_TEST(test_limit_mode_early_stop_needs_every_sign)
{
    struct limit_mode_stop cfg = {.factor = 5, .window_s = 5};
    struct sample s[8];
    samples(s, 8, 1000, 0, MODE_SYNC); /* flat */
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_NONE);
    samples(s, 8, 300, 20, MODE_SYNC); /* growing, but under 5 x baseline */
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_NONE);
    samples(s, 8, 1000, 500, MODE_SYNC);
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 4), LIMIT_MODE_NONE); /* 3 s only */
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 0), LIMIT_MODE_NONE);
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 0, s, 8), LIMIT_MODE_NONE); /* no baseline */
    s[7].process_count = s[2].process_count; /* fell back at the end */
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 8), LIMIT_MODE_NONE);
}
END_TEST

START_TEST(test_limit_mode_early_stop_at_the_safety_cap)
{
    struct limit_mode_stop cfg = {.memory_cap = 1u << 30};
    struct sample s[2];
    samples(s, 2, 100, 0, MODE_ASYNC);
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 2), LIMIT_MODE_NONE);
    s[1].mem_total = 1u << 30;
    ck_assert_int_eq(limit_mode_early_stop(&cfg, 100, s, 2), LIMIT_MODE_CAPPED);
}
END_TEST

Suite *limit_mode_suite(void)
{
    Suite *s = suite_create("limit_mode");
    TCase *tc = tcase_create("classify");
    tcase_add_test(tc, test_limit_mode_each_mode_named);
    tcase_add_test(tc, test_limit_mode_pile_up_needs_every_sign);
    tcase_add_test(tc, test_limit_mode_precedence);
    tcase_add_test(tc, test_limit_mode_state_gates_fall_back_to_the_facts);
    tcase_add_test(tc, test_limit_mode_passing_trial_has_none);
    suite_add_tcase(s, tc);
    tc = tcase_create("early_stop");
    tcase_add_test(tc, test_limit_mode_early_stop_on_a_sync_pile_up);
    tcase_add_test(tc, test_limit_mode_early_stop_needs_every_sign);
    tcase_add_test(tc, test_limit_mode_early_stop_counts_connections_as_load);
    tcase_add_test(tc, test_limit_mode_early_stop_at_the_safety_cap);
    suite_add_tcase(s, tc);
    return s;
}
