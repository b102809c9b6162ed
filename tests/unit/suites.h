/* suites.h -- the list of Check suites the unit test runner (main.c) runs.
 *
 * One line per module: a tests/unit/check_<module>.c that defines Suite *<module>_suite(void)
 * adds `X(<module>)` here, and nothing else changes. */
#ifndef LJ_TEST_SUITES_H
#define LJ_TEST_SUITES_H

#include <check.h>

#define LJ_SUITES(X)                                                                               \
    X(units)                                                                                       \
    X(scenario)                                                                                    \
    X(gate)                                                                                        \
    X(hist)                                                                                        \
    X(load)                                                                                        \
    X(load_config)                                                                                 \
    X(load_sched)                                                                                  \
    X(http_parse)                                                                                  \
    X(probe)                                                                                       \
    X(series)                                                                                      \
    X(explain)                                                                                     \
    X(node)                                                                                        \
    X(chart)                                                                                       \
    X(sweep)                                                                                       \
    X(limit_search)                                                                                \
    X(limit_mode)                                                                                  \
    X(limit_samples)                                                                               \
    X(limit_report)                                                                                \
    X(sweep_table)                                                                                 \
    X(slots)                                                                                       \
    X(target_spec)                                                                                 \
    X(shard)                                                                                       \
    X(merge)                                                                                       \
    /* X(module) above this line */

#define LJ_DECLARE_SUITE(m) Suite *m##_suite(void);
LJ_SUITES(LJ_DECLARE_SUITE)
#undef LJ_DECLARE_SUITE

#endif
