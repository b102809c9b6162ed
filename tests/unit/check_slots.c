/* check_slots.c -- the in-node sampler's slots: sequence gaps to missed samples (in order,
 * gaps, duplicates, the tail at the end) and node time mapped onto the run's clock. */
#include <check.h>

#include "slots.h"
#include "suites.h"

START_TEST(test_slots_in_order_misses_nothing)
{
    struct slots s;
    slots_init(&s, 1000, 0, 0, 250);
    for (int64_t seq = 1; seq <= 10; seq++)
        ck_assert_int_eq(slots_note(&s, seq), 0);
    ck_assert_uint_eq(s.received, 10);
    ck_assert_uint_eq(s.missed, 0);
}
END_TEST

START_TEST(test_slots_gaps_count_the_missing_sequence_numbers)
{
    struct slots s;
    slots_init(&s, 1000, 0, 0, 250);
    ck_assert_int_eq(slots_note(&s, 3), 2); /* slots 1 and 2 never came */
    ck_assert_int_eq(slots_note(&s, 4), 0);
    ck_assert_int_eq(slots_note(&s, 12), 7);
    ck_assert_uint_eq(s.missed, 9);
    ck_assert_uint_eq(s.received, 3);
}
END_TEST

START_TEST(test_slots_ignore_duplicates_and_reordered)
{
    struct slots s;
    slots_init(&s, 1000, 0, 0, 250);
    ck_assert_int_eq(slots_note(&s, 5), 4);
    ck_assert_int_eq(slots_note(&s, 5), -1);
    ck_assert_int_eq(slots_note(&s, 2), -1);
    ck_assert_uint_eq(s.missed, 4);
    ck_assert_uint_eq(s.received, 1);
}
END_TEST

/* At the end, the slots that were due but never came after the last one count; the slot
 * just due may still be on its way and does not. */
START_TEST(test_slots_finish_counts_the_silent_tail)
{
    struct slots s;
    slots_init(&s, 5000, 2000000, 2000000, 250); /* node 5000 ms = run 2 s */
    ck_assert_int_eq(slots_note(&s, 4), 3);
    /* run 3.6 s = node 6600 ms: slot 6 is due (6500), 5 never came */
    ck_assert_uint_eq(slots_finish(&s, 3600000), 1);
    ck_assert_uint_eq(s.missed, 4);
    ck_assert_uint_eq(slots_finish(&s, 3600000), 0); /* idempotent */
    struct slots t;
    slots_init(&t, 5000, 2000000, 2000000, 250);
    ck_assert_int_eq(slots_note(&t, 6), 5);
    ck_assert_uint_eq(slots_finish(&t, 3600000), 0);
    ck_assert_uint_eq(slots_finish(&t, 1000), 0); /* before the start: nothing */
}
END_TEST

/* Samples are stamped with the node's time: node ms -> run us through the offset measured
 * at the start (halfway through the start call), not when they arrive. */
START_TEST(test_slots_node_time_on_the_run_clock)
{
    struct slots s;
    slots_init(&s, -576460751000LL, 1000000, 1002000, 250); /* answer taken at run 1.001 s */
    ck_assert_uint_eq(s.run_t0_us, 1001000);
    ck_assert_uint_eq(slots_at_us(&s, -576460751000LL), 1001000);
    ck_assert_uint_eq(slots_at_us(&s, -576460751000LL + 250), 1251000);
    ck_assert_uint_eq(slots_at_us(&s, -576460751000LL + 2300), 3301000);
    ck_assert_uint_eq(slots_at_us(&s, -576460751000LL - 1), 1000000);
    ck_assert_uint_eq(slots_at_us(&s, -576460751000LL - 5000), 0); /* before the run: 0 */
}
END_TEST

Suite *slots_suite(void)
{
    Suite *s = suite_create("slots");
    TCase *tc = tcase_create("slots");
    tcase_add_test(tc, test_slots_in_order_misses_nothing);
    tcase_add_test(tc, test_slots_gaps_count_the_missing_sequence_numbers);
    tcase_add_test(tc, test_slots_ignore_duplicates_and_reordered);
    tcase_add_test(tc, test_slots_finish_counts_the_silent_tail);
    tcase_add_test(tc, test_slots_node_time_on_the_run_clock);
    suite_add_tcase(s, tc);
    return s;
}
