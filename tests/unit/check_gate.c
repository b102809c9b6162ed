/* check_gate.c -- unit tests of gate expression parsing, validation and comparison. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "suites.h"
#include "util.h"

static struct gate parse_ok(const char *metric, const char *expr)
{
    struct gate g;
    char err[LJ_ERR_LEN] = "";
    ck_assert_msg(gate_parse(metric, expr, &g, err) == 0, "%s = %s: %s", metric, expr, err);
    return g;
}

/* Parse must fail and err must contain want. */
static void parse_bad(const char *metric, const char *expr, const char *want)
{
    struct gate g;
    char err[LJ_ERR_LEN] = "";
    ck_assert_msg(gate_parse(metric, expr, &g, err) == -1, "%s = %s should fail", metric, expr);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(test_gate_parses_count_threshold)
{
    struct gate g = parse_ok("processes", "max < 20000");
    ck_assert_str_eq(g.metric, "processes");
    ck_assert_str_eq(g.expr, "max < 20000");
    ck_assert_int_eq(g.agg, AGG_MAX);
    ck_assert_int_eq(g.op, OP_LT);
    ck_assert_double_eq(g.value, 20000);
    ck_assert(!g.abort);
}
END_TEST

START_TEST(test_gate_every_operator)
{
    static const struct {
        const char *text;
        enum gate_op op;
    } ops[] = {{"<", OP_LT},  {"<=", OP_LE}, {">", OP_GT},
               {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char expr[32];
        snprintf(expr, sizeof expr, "final %s 3", ops[i].text);
        ck_assert_int_eq(parse_ok("processes", expr).op, ops[i].op);
        ck_assert_str_eq(gate_op_name(ops[i].op), ops[i].text);
    }
    /* no blanks needed */
    ck_assert_int_eq(parse_ok("processes", "max<=5").op, OP_LE);
}
END_TEST

START_TEST(test_gate_sizes_in_bytes_for_memory)
{
    ck_assert_double_eq(parse_ok("memory.total", "delta < 256MiB").value, 268435456.0);
    ck_assert_double_eq(parse_ok("memory.binary", "max < 1GB").value, 1e9);
    ck_assert_double_eq(parse_ok("memory.ets", "max < 4096").value, 4096);
    parse_bad("processes", "max < 4GiB", "expected a number");
    ck_assert_double_eq(parse_ok("memory.total", "stddev < 64MiB").value, 67108864.0);
    ck_assert_int_eq(parse_ok("memory.total", "stddev < 64MiB").agg, AGG_STDDEV);
    parse_bad("latency", "stddev < 1ms", "does not apply");
}
END_TEST

START_TEST(test_gate_durations_in_seconds)
{
    struct gate g = parse_ok("latency", "p(99) < 500ms");
    ck_assert_int_eq(g.agg, AGG_P);
    ck_assert_double_eq(g.pct, 99);
    ck_assert_double_eq_tol(g.value, 0.5, 1e-12);
    ck_assert_double_eq(parse_ok("latency", "max < 2").value, 2.0); /* bare = seconds */
    ck_assert_double_eq(parse_ok("logger.sync", "time < 1.5s").value, 1.5);
    ck_assert_int_eq(parse_ok("logger.sync", "first > 10s").agg, AGG_FIRST);
    ck_assert_double_eq(parse_ok("recovery", "time < 1m").value, 60.0);
    parse_bad("latency", "max < 5 apples", "expected a duration");
}
END_TEST

START_TEST(test_gate_rates_and_fractions)
{
    ck_assert_double_eq_tol(parse_ok("requests.failed", "rate < 1%").value, 0.01, 1e-15);
    ck_assert_double_eq_tol(parse_ok("requests.timeout", "rate <= 0.05").value, 0.05, 1e-15);
    ck_assert_double_eq(parse_ok("requests", "rate > 6000/s").value, 6000);
    ck_assert_double_eq(parse_ok("requests", "count > 1000").value, 1000);
    parse_bad("requests.ok", "rate > 2", "expected a percentage");
    parse_bad("requests", "rate > 5%", "expected a rate");
}
END_TEST

START_TEST(test_gate_percentiles)
{
    struct gate g = parse_ok("latency", "p(99.9) < 1s");
    char buf[16];
    ck_assert_double_eq(g.pct, 99.9);
    ck_assert_str_eq(gate_agg_name(g.agg, g.pct, buf, sizeof buf), "p(99.9)");
    ck_assert_double_eq(parse_ok("processes", "p(50) < 10").pct, 50);
    ck_assert_double_eq(parse_ok("latency", "p(100) < 10").pct, 100);
    parse_bad("latency", "p(0) < 1s", "0 < N <= 100");
    parse_bad("latency", "p(101) < 1s", "0 < N <= 100");
    parse_bad("latency", "p(-1) < 1s", "0 < N <= 100");
    parse_bad("latency", "p(abc) < 1s", "0 < N <= 100");
    parse_bad("latency", "p(99 < 1s", "0 < N <= 100");
    parse_bad("latency", "p(1e2) < 1s", "0 < N <= 100"); /* digits and '.' only */
    parse_bad("latency", "p99 < 1s", "did you mean 'p(99)'?");
}
END_TEST

START_TEST(test_gate_negative_only_for_delta_and_slope)
{
    ck_assert_double_eq(parse_ok("processes", "delta > -100").value, -100);
    ck_assert_double_eq(parse_ok("memory.total", "slope < -1MiB/s").value, -1048576.0);
    ck_assert_double_eq(parse_ok("processes", "slope < 50/s").value, 50);
    parse_bad("processes", "max > -1", "expected a number");
}
END_TEST

START_TEST(test_gate_abort_flag)
{
    struct gate g = parse_ok("memory.total", "max < 4GiB, abort");
    ck_assert(g.abort);
    ck_assert_str_eq(g.expr, "max < 4GiB");
    ck_assert_double_eq(g.value, 4294967296.0);
    ck_assert(parse_ok("processes", "  max < 5 ,abort  ").abort);
    ck_assert_str_eq(parse_ok("processes", "  max < 5 ,abort  ").expr, "max < 5");
    ck_assert_str_eq(parse_ok("processes", "max < 5 \t").expr, "max < 5");
    parse_bad("processes", "max < 5, abrot", "the only flag is ', abort'");
    parse_bad("processes", "max < 5, abort, abort", "the only flag");
}
END_TEST

START_TEST(test_gate_unknown_metric_suggests)
{
    parse_bad("proceses", "max < 5", "unknown metric 'proceses' (did you mean 'processes'?)");
    parse_bad("memory.totl", "max < 5", "did you mean 'memory.total'?");
    parse_bad("zebra", "max < 5", "unknown metric 'zebra'");
}
END_TEST

START_TEST(test_gate_unknown_aggregate_suggests)
{
    parse_bad("processes", "mx < 5", "unknown aggregate 'mx' for processes (did you mean 'max'?)");
    parse_bad("processes", "banana < 5", "unknown aggregate 'banana' for processes (use ");
}
END_TEST

START_TEST(test_gate_aggregate_must_apply_to_metric)
{
    parse_bad("processes", "count < 5", "aggregate 'count' does not apply to processes");
    parse_bad("latency", "delta < 5", "does not apply to latency");
    parse_bad("logger.dropped", "max < 5", "(use count)");
    parse_bad("logger.kills", "max < 5", "(use count)");
    parse_bad("recovery", "max < 5", "(use time or leaked)");
    ck_assert_int_eq(parse_ok("recovery", "leaked < 500").agg, AGG_LEAKED);
    ck_assert_int_eq(parse_ok("logger.switches", "count < 3").agg, AGG_COUNT);
    ck_assert_int_eq(parse_ok("samples.missed", "count == 0").agg, AGG_COUNT);
}
END_TEST

START_TEST(test_gate_bad_operator_and_missing_parts)
{
    parse_bad("processes", "max =< 5", "bad operator '=<'");
    parse_bad("processes", "max = 5", "bad operator '='");
    parse_bad("processes", "max <> 5", "bad operator '<>'");
    parse_bad("processes", "max 5", "missing operator");
    parse_bad("processes", "max <", "missing value");
    parse_bad("processes", "", "missing aggregate");
    parse_bad("processes", "< 5", "missing aggregate");
    parse_bad("processes", "max < 5 6", "expected a number");
    parse_bad("processes", "max < nan", "expected a number");
    parse_bad("processes", "max < 1e400", "expected a number");
}
END_TEST

START_TEST(test_gate_every_metric_and_aggregate_table)
{
    static const char *const ok[][2] = {
        {"processes", "baseline < 1"},      {"memory.total", "min > 1MiB"},
        {"memory.processes", "avg < 1GiB"}, {"logger.queue", "final < 10"},
        {"connections", "max <= 3000"},     {"run_queue", "p(90) < 4"},
        {"pool.busy", "max < 100"},         {"logger.switches", "final < 2"},
        {"logger.dropped", "count == 0"},   {"requests.ok", "count > 0"},
        {"requests.errored", "rate < 1%"},  {"latency", "avg < 10ms"},
        {"latency", "min > 10us"},          {"logger.kills", "count == 0"},
        {"run_queue", "stddev < 2"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        parse_ok(ok[i][0], ok[i][1]);
}
END_TEST

START_TEST(test_gate_expression_too_long)
{
    char expr[400];
    memset(expr, ' ', sizeof expr);
    memcpy(expr + 300, "max < 5", 8);
    parse_ok("processes", expr); /* leading blanks do not count */
    memset(expr, '9', sizeof expr);
    memcpy(expr, "max < ", 6);
    expr[sizeof expr - 1] = '\0';
    parse_bad("processes", expr, "too long");
}
END_TEST

START_TEST(test_gate_holds_every_operator_and_nan_fails)
{
    struct gate g = parse_ok("processes", "max < 10");
    ck_assert(gate_holds(&g, 9));
    ck_assert(!gate_holds(&g, 10));
    g.op = OP_LE;
    ck_assert(gate_holds(&g, 10));
    g.op = OP_GT;
    ck_assert(gate_holds(&g, 11) && !gate_holds(&g, 10));
    g.op = OP_GE;
    ck_assert(gate_holds(&g, 10) && !gate_holds(&g, 9));
    g.op = OP_EQ;
    ck_assert(gate_holds(&g, 10) && !gate_holds(&g, 9));
    g.op = OP_NE;
    ck_assert(gate_holds(&g, 9) && !gate_holds(&g, 10));
    ck_assert(!gate_holds(&g, NAN)); /* no data never passes, even for != */
}
END_TEST

START_TEST(test_gate_agg_names)
{
    char buf[16];
    ck_assert_str_eq(gate_agg_name(AGG_MAX, 0, buf, sizeof buf), "max");
    ck_assert_str_eq(gate_agg_name(AGG_LEAKED, 0, buf, sizeof buf), "leaked");
    ck_assert_str_eq(gate_agg_name(AGG_P, 99, buf, sizeof buf), "p(99)");
    ck_assert_str_eq(gate_agg_name(AGG_STDDEV, 0, buf, sizeof buf), "stddev");
    ck_assert_str_eq(gate_op_name((enum gate_op)42), "?");
}
END_TEST

START_TEST(test_gate_trigger_parses_metric_op_value)
{
    struct gate g;
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(gate_parse_trigger("processes > 50000", &g, err), 0);
    ck_assert_str_eq(g.metric, "processes");
    ck_assert_int_eq(g.op, OP_GT);
    ck_assert_double_eq(g.value, 50000);
    ck_assert_int_eq(gate_parse_trigger("memory.total>=2GiB", &g, err), 0);
    ck_assert_double_eq(g.value, 2147483648.0);
    ck_assert_int_eq(gate_parse_trigger("procs > 5", &g, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown metric 'procs'"));
    ck_assert_int_eq(gate_parse_trigger("latency > 5", &g, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not sampled"));
    ck_assert_int_eq(gate_parse_trigger("processes > lots", &g, err), -1);
    ck_assert_int_eq(gate_parse_trigger("", &g, err), -1);
}
END_TEST

Suite *gate_suite(void)
{
    Suite *s = suite_create("gate");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_gate_parses_count_threshold);
    tcase_add_test(tc, test_gate_every_operator);
    tcase_add_test(tc, test_gate_sizes_in_bytes_for_memory);
    tcase_add_test(tc, test_gate_durations_in_seconds);
    tcase_add_test(tc, test_gate_rates_and_fractions);
    tcase_add_test(tc, test_gate_percentiles);
    tcase_add_test(tc, test_gate_negative_only_for_delta_and_slope);
    tcase_add_test(tc, test_gate_abort_flag);
    tcase_add_test(tc, test_gate_unknown_metric_suggests);
    tcase_add_test(tc, test_gate_unknown_aggregate_suggests);
    tcase_add_test(tc, test_gate_aggregate_must_apply_to_metric);
    tcase_add_test(tc, test_gate_bad_operator_and_missing_parts);
    tcase_add_test(tc, test_gate_every_metric_and_aggregate_table);
    tcase_add_test(tc, test_gate_expression_too_long);
    tcase_add_test(tc, test_gate_trigger_parses_metric_op_value);
    suite_add_tcase(s, tc);
    tc = tcase_create("compare");
    tcase_add_test(tc, test_gate_holds_every_operator_and_nan_fails);
    tcase_add_test(tc, test_gate_agg_names);
    suite_add_tcase(s, tc);
    return s;
}
