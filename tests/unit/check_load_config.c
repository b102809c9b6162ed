/* check_load_config.c -- unit tests of load_config_check and the scenario adapter. */
#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "load.h"
#include "load_config_scenario.h"
#include "scenario.h"
#include "util.h"

Suite *load_config_suite(void);

/* The defaults aimed at 127.0.0.1:8080. */
static void good(struct load_config *cfg)
{
    load_config_defaults(cfg);
    cfg->addr = INADDR_LOOPBACK;
    cfg->port = 8080;
}

/* cfg must be refused with an error containing `want`. */
static void refused(const struct load_config *cfg, const char *want)
{
    char err[LJ_ERR_LEN] = "";
    ck_assert_int_eq(load_config_check(cfg, err), -1);
    ck_assert_msg(strstr(err, want) != NULL, "'%s' does not say '%s'", err, want);
}

START_TEST(test_load_config_defaults_are_the_scenario_keys)
{
    struct load_config cfg;
    char err[LJ_ERR_LEN];
    good(&cfg);
    ck_assert_uint_eq(cfg.connections, 100);
    ck_assert_uint_eq(cfg.threads, 1);
    ck_assert_uint_eq(cfg.timeout_us, 1000000);
    ck_assert_str_eq(cfg.path, "/ping");
    ck_assert_int_eq(load_config_check(&cfg, err), 0);
}
END_TEST

START_TEST(test_load_config_check_names_the_bound)
{
    struct load_config cfg;
    good(&cfg);
    cfg.connections = 0;
    refused(&cfg, "connections = 0: must be 1..100000");
    cfg.connections = LOAD_MAX_CONNECTIONS + 1;
    refused(&cfg, "connections = 100001: must be 1..100000");
    good(&cfg);
    cfg.threads = LOAD_MAX_THREADS + 1;
    cfg.connections = 1000;
    refused(&cfg, "threads = 65: must be 1..64");
    cfg.threads = 0;
    refused(&cfg, "threads = 0: must be 1..64");
    cfg.threads = 8;
    cfg.connections = 4;
    refused(&cfg, "threads = 8: more than connections (4)");
    good(&cfg);
    cfg.duration_us = 0;
    refused(&cfg, "duration = 0");
    good(&cfg);
    cfg.rate = -1;
    refused(&cfg, "rate = -1");
    cfg.rate = NAN;
    refused(&cfg, "rate = nan");
    good(&cfg);
    cfg.nstages = 1;
    cfg.stages[0] = (struct load_stage){1000000, INFINITY};
    refused(&cfg, "stage 1 rate = inf");
    good(&cfg);
    cfg.port = 0;
    refused(&cfg, "port is 0");
    good(&cfg);
    cfg.addr = 0x0a000001;
    refused(&cfg, "refusing 10.0.0.1");
    good(&cfg);
    strcpy(cfg.path, "ping");
    refused(&cfg, "request 'ping'");
    strcpy(cfg.path, "/a b");
    refused(&cfg, "request '/a b'");
}
END_TEST

/* The scenario's [load] keys accept exactly load.h's bounds. */
START_TEST(test_load_config_bounds_agree_with_the_scenario_keys)
{
    static const struct {
        const char *key;
        unsigned max;
    } bounds[] = {{"load.connections", LOAD_MAX_CONNECTIONS}, {"load.threads", LOAD_MAX_THREADS}};
    struct scenario sc;
    char set[64], err[LJ_ERR_LEN];
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        scenario_defaults(&sc);
        snprintf(set, sizeof set, "%s=%u", bounds[i].key, bounds[i].max);
        ck_assert_msg(scenario_set(&sc, set, err) == 0, "%s: %s", set, err);
        snprintf(set, sizeof set, "%s=%u", bounds[i].key, bounds[i].max + 1);
        ck_assert_msg(scenario_set(&sc, set, err) != 0, "%s accepted", set);
        snprintf(set, sizeof set, "%s=0", bounds[i].key);
        ck_assert_msg(scenario_set(&sc, set, err) != 0, "%s accepted", set);
    }
}
END_TEST

START_TEST(test_load_config_from_scenario)
{
    struct scenario sc;
    struct load_config cfg;
    char err[LJ_ERR_LEN];
    scenario_defaults(&sc);
    ck_assert_int_eq(scenario_set(&sc, "load.connections=40", err), 0);
    ck_assert_int_eq(scenario_set(&sc, "load.threads=4", err), 0);
    ck_assert_int_eq(scenario_set(&sc, "load.request=/work?logs=3", err), 0);
    ck_assert_int_eq(scenario_set(&sc, "load.client_timeout=250ms", err), 0);
    ck_assert_int_eq(scenario_set(&sc, "load.stages=1s:100/s, 2s:300/s", err), 0);
    ck_assert_int_eq(scenario_set(&sc, "run.duration=3s", err), 0);
    load_config_from_scenario(&cfg, &sc, 0x7f000002, 4321);
    ck_assert_uint_eq(cfg.addr, 0x7f000002);
    ck_assert_uint_eq(cfg.port, 4321);
    ck_assert_uint_eq(cfg.connections, 40);
    ck_assert_uint_eq(cfg.threads, 4);
    ck_assert_str_eq(cfg.path, "/work?logs=3");
    ck_assert_uint_eq(cfg.timeout_us, 250000);
    ck_assert_uint_eq(cfg.duration_us, 3000000);
    ck_assert_uint_eq(cfg.nstages, 2);
    ck_assert_uint_eq(cfg.stages[1].duration_us, 2000000);
    ck_assert(cfg.stages[1].rate == 300.0);
    ck_assert_int_eq(load_config_check(&cfg, err), 0);
}
END_TEST

Suite *load_config_suite(void)
{
    Suite *s = suite_create("load_config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_load_config_defaults_are_the_scenario_keys);
    tcase_add_test(tc, test_load_config_check_names_the_bound);
    tcase_add_test(tc, test_load_config_bounds_agree_with_the_scenario_keys);
    tcase_add_test(tc, test_load_config_from_scenario);
    suite_add_tcase(s, tc);
    return s;
}
