/* check_load_sched.c -- unit tests of the open-loop arrival schedule (load_sched.c). */
#include <check.h>
#include <math.h>
#include <string.h>

#include "load.h"
#include "load_sched.h"

Suite *load_sched_suite(void);

static void sched_for(struct load_sched *s, unsigned threads, double rate, uint64_t ramp_us,
                      uint64_t duration_us)
{
    struct load_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.threads = threads;
    cfg.rate = rate;
    cfg.ramp_us = ramp_us;
    cfg.duration_us = duration_us;
    load_sched_build(s, &cfg);
}

START_TEST(test_load_sched_constant_rate)
{
    struct load_sched s;
    unsigned cur = 0;
    sched_for(&s, 1, 1000, 0, 1000000);
    ck_assert_uint_eq(load_sched_due(&s, 0, 0), 0);
    ck_assert_uint_eq(load_sched_due(&s, 0, 999), 0);
    ck_assert_uint_eq(load_sched_due(&s, 0, 1000), 1);
    ck_assert_uint_eq(load_sched_due(&s, 0, 500000), 500);
    ck_assert_uint_eq(load_sched_due(&s, 0, 5000000), 1000); /* never past the end */
    ck_assert_uint_eq(load_sched_time(&s, 0, 0, &cur), 1000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 499, &cur), 500000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 5000, &cur), UINT64_MAX); /* after the end */
}
END_TEST

/* Thread i of T owns every T-th request: together they are the whole schedule. */
START_TEST(test_load_sched_threads_share_the_schedule)
{
    struct load_sched s;
    unsigned c0 = 0, c1 = 0;
    sched_for(&s, 2, 1000, 0, 1000000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 0, &c0), 1000);
    ck_assert_uint_eq(load_sched_time(&s, 1, 0, &c1), 2000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 1, &c0), 3000);
    ck_assert_uint_eq(load_sched_time(&s, 1, 1, &c1), 4000);
    for (uint64_t us = 0; us <= 1000000; us += 777)
        ck_assert_uint_eq(load_sched_due(&s, 0, us) + load_sched_due(&s, 1, us),
                          (uint64_t)floor((double)us / 1000.0 + 1e-9));
}
END_TEST

/* A ramp 0 -> 1000/s over 1 s: N(t) = 500 t^2, so request k is due at sqrt((k + 1) / 500). */
START_TEST(test_load_sched_ramp_follows_the_integral)
{
    struct load_sched s;
    unsigned cur = 0;
    sched_for(&s, 1, 1000, 1000000, 2000000);
    ck_assert_uint_eq(load_sched_due(&s, 0, 1000000), 500);
    ck_assert_uint_eq(load_sched_due(&s, 0, 2000000), 1500); /* then 1000/s held */
    uint64_t prev = 0;
    for (uint64_t k = 0; k < 499; k++) {
        uint64_t t = load_sched_time(&s, 0, k, &cur);
        double want = 1e6 * sqrt((double)(k + 1) / 500.0);
        ck_assert_msg(fabs((double)t - want) <= 1.0, "k %llu: %llu us, want %.1f",
                      (unsigned long long)k, (unsigned long long)t, want);
        ck_assert_uint_gt(t, prev);
        prev = t;
    }
}
END_TEST

/* Stages: a zero-length stage sets the rate at once; the cursor moves both ways. */
START_TEST(test_load_sched_stages)
{
    struct load_config cfg;
    struct load_sched s;
    unsigned cur = 0;
    memset(&cfg, 0, sizeof cfg);
    cfg.threads = 1;
    cfg.duration_us = 3000000;
    cfg.nstages = 3;
    cfg.stages[0] = (struct load_stage){0, 500};
    cfg.stages[1] = (struct load_stage){1000000, 500};
    cfg.stages[2] = (struct load_stage){1000000, 0};
    load_sched_build(&s, &cfg);
    ck_assert_uint_eq(load_sched_due(&s, 0, 1000000), 500);
    ck_assert_uint_eq(load_sched_due(&s, 0, 2000000), 750);
    ck_assert_uint_eq(load_sched_due(&s, 0, 3000000), 750); /* rate 0 after the last stage */
    ck_assert_uint_eq(load_sched_time(&s, 0, 749, &cur), 2000000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 0, &cur), 2000);
    ck_assert_uint_eq(load_sched_time(&s, 0, 750, &cur), UINT64_MAX);
}
END_TEST

START_TEST(test_load_sched_closed_loop_has_no_schedule)
{
    struct load_sched s;
    unsigned cur = 0;
    sched_for(&s, 1, 0, 0, 1000000);
    ck_assert_uint_eq(load_sched_due(&s, 0, 1000000), 0);
    ck_assert_uint_eq(load_sched_time(&s, 0, 0, &cur), UINT64_MAX);
}
END_TEST

Suite *load_sched_suite(void)
{
    Suite *s = suite_create("load_sched");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_load_sched_constant_rate);
    tcase_add_test(tc, test_load_sched_threads_share_the_schedule);
    tcase_add_test(tc, test_load_sched_ramp_follows_the_integral);
    tcase_add_test(tc, test_load_sched_stages);
    tcase_add_test(tc, test_load_sched_closed_loop_has_no_schedule);
    suite_add_tcase(s, tc);
    return s;
}
