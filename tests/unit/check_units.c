/* check_units.c -- unit tests of duration, size, rate and percent parsing and formatting. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "units.h"

static uint64_t dur(const char *s)
{
    uint64_t v = 12345;
    ck_assert_msg(units_parse_duration(s, &v) == 0, "'%s' should parse as a duration", s);
    return v;
}

static uint64_t size(const char *s)
{
    uint64_t v = 12345;
    ck_assert_msg(units_parse_size(s, &v) == 0, "'%s' should parse as a size", s);
    return v;
}

START_TEST(test_units_duration_every_unit)
{
    ck_assert_uint_eq(dur("10us"), 10);
    ck_assert_uint_eq(dur("250ms"), 250000);
    ck_assert_uint_eq(dur("2s"), 2000000);
    ck_assert_uint_eq(dur("2m"), 120000000);
    ck_assert_uint_eq(dur("1h"), 3600000000ull);
    ck_assert_uint_eq(dur("0"), 0);
}
END_TEST

START_TEST(test_units_duration_bare_number_is_seconds)
{
    ck_assert_uint_eq(dur("30"), 30000000);
    ck_assert_uint_eq(dur("0.5"), 500000);
}
END_TEST

START_TEST(test_units_duration_decimals_and_blanks)
{
    ck_assert_uint_eq(dur("1.5s"), 1500000);
    ck_assert_uint_eq(dur("0.25ms"), 250);
    ck_assert_uint_eq(dur("  3s\t"), 3000000);
    ck_assert_uint_eq(dur("10 s"), 10000000);
    ck_assert_uint_eq(dur("1.5us"), 2); /* rounded half up to whole microseconds */
}
END_TEST

START_TEST(test_units_duration_rejects_garbage)
{
    static const char *const bad[] = {"",    " ",   "10 s s", "-1",    "-1s",  "1e400",  "10xs",
                                      "s",   "1.s", ".5s",    "1..5s", "1S",   "10sec",  "+1s",
                                      "nan", "inf", "0x10",   "1e3",   "1,5s", "10 ms x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 777;
        ck_assert_msg(units_parse_duration(bad[i], &v) == -1, "'%s' should be rejected", bad[i]);
        ck_assert_uint_eq(v, 777); /* out untouched on error */
    }
    ck_assert_int_eq(units_parse_duration(NULL, NULL), -1);
}
END_TEST

START_TEST(test_units_duration_overflow_rejected)
{
    uint64_t v;
    ck_assert_int_eq(units_parse_duration("18446744073709551615us", &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(units_parse_duration("18446744073709551616us", &v), -1);
    ck_assert_int_eq(units_parse_duration("99999999999999999999h", &v), -1);
    ck_assert_int_eq(units_parse_duration("5124096000h", &v), -1);
    ck_assert_int_eq(units_parse_duration("999999999999999999999999999999999999999999s", &v), -1);
    ck_assert_int_eq(units_parse_duration("1.0000000000000000000001s", &v), -1);
}
END_TEST

START_TEST(test_units_size_every_unit)
{
    ck_assert_uint_eq(size("17"), 17);
    ck_assert_uint_eq(size("17B"), 17);
    ck_assert_uint_eq(size("64KiB"), 65536);
    ck_assert_uint_eq(size("256MiB"), 268435456);
    ck_assert_uint_eq(size("1GiB"), 1073741824);
    ck_assert_uint_eq(size("2TiB"), 2199023255552ull);
    ck_assert_uint_eq(size("1kB"), 1000);
    ck_assert_uint_eq(size("3MB"), 3000000);
    ck_assert_uint_eq(size("4GB"), 4000000000ull);
    ck_assert_uint_eq(size("1TB"), 1000000000000ull);
    ck_assert_uint_eq(size("1.5KiB"), 1536);
    ck_assert_uint_eq(size("0.5GB"), 500000000);
}
END_TEST

START_TEST(test_units_size_rejects_garbage_and_overflow)
{
    static const char *const bad[] = {"",
                                      "1KB",
                                      "1kb",
                                      "1K",
                                      "1M",
                                      "MiB",
                                      "-1",
                                      "1e9",
                                      "1 GiB GiB",
                                      "16EiB",
                                      "1iB",
                                      "17179869184GiB",
                                      "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 5;
        ck_assert_msg(units_parse_size(bad[i], &v) == -1, "'%s' should be rejected", bad[i]);
        ck_assert_uint_eq(v, 5);
    }
    ck_assert_uint_eq(size("16777215TiB"), 16777215ull << 40);
}
END_TEST

START_TEST(test_units_rate_per_second_and_minute)
{
    double r = -1;
    ck_assert_int_eq(units_parse_rate("6000/s", &r), 0);
    ck_assert_double_eq(r, 6000);
    ck_assert_int_eq(units_parse_rate("120/m", &r), 0);
    ck_assert_double_eq(r, 2);
    ck_assert_int_eq(units_parse_rate("7200/h", &r), 0);
    ck_assert_double_eq(r, 2);
    ck_assert_int_eq(units_parse_rate("250", &r), 0);
    ck_assert_double_eq(r, 250);
    ck_assert_int_eq(units_parse_rate("0/s", &r), 0);
    ck_assert_double_eq(r, 0);
    ck_assert_int_eq(units_parse_rate(" 0.5/s ", &r), 0);
    ck_assert_double_eq(r, 0.5);
}
END_TEST

START_TEST(test_units_rate_rejects_garbage)
{
    static const char *const bad[] = {"",      "fast", "-5/s",  "5/x",   "5/",     "/s",
                                      "5/s/s", "nan",  "inf/s", "1e400", "5 per s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double r = 42;
        ck_assert_msg(units_parse_rate(bad[i], &r) == -1, "'%s' should be rejected", bad[i]);
        ck_assert_double_eq(r, 42);
    }
}
END_TEST

START_TEST(test_units_percent_is_a_fraction)
{
    double f = -1;
    ck_assert_int_eq(units_parse_percent("2%", &f), 0);
    ck_assert_double_eq_tol(f, 0.02, 1e-15);
    ck_assert_int_eq(units_parse_percent("0.1%", &f), 0);
    ck_assert_double_eq_tol(f, 0.001, 1e-15);
    ck_assert_int_eq(units_parse_percent("100%", &f), 0);
    ck_assert_double_eq(f, 1.0);
    ck_assert_int_eq(units_parse_percent("2", &f), -1);
    ck_assert_int_eq(units_parse_percent("101%", &f), -1);
    ck_assert_int_eq(units_parse_percent("-1%", &f), -1);
    ck_assert_int_eq(units_parse_percent("%", &f), -1);
    ck_assert_int_eq(units_parse_percent("2%%", &f), -1);
}
END_TEST

START_TEST(test_units_uint_strict_with_max)
{
    uint64_t v = 9;
    ck_assert_int_eq(units_parse_uint("100", 1000, &v), 0);
    ck_assert_uint_eq(v, 100);
    ck_assert_int_eq(units_parse_uint(" 7 ", 1000, &v), 0);
    ck_assert_uint_eq(v, 7);
    ck_assert_int_eq(units_parse_uint("18446744073709551615", UINT64_MAX, &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    v = 9;
    ck_assert_int_eq(units_parse_uint("18446744073709551616", UINT64_MAX, &v), -1);
    ck_assert_int_eq(units_parse_uint("1001", 1000, &v), -1);
    ck_assert_int_eq(units_parse_uint("-1", 1000, &v), -1);
    ck_assert_int_eq(units_parse_uint("1.0", 1000, &v), -1);
    ck_assert_int_eq(units_parse_uint("10s", 1000, &v), -1);
    ck_assert_int_eq(units_parse_uint("", 1000, &v), -1);
    ck_assert_int_eq(units_parse_uint("1 2", 1000, &v), -1);
    ck_assert_uint_eq(v, 9);
}
END_TEST

START_TEST(test_units_format_duration_shortest_exact)
{
    char b[32];
    ck_assert_str_eq(units_format_duration(250000, b, sizeof b), "250ms");
    ck_assert_str_eq(units_format_duration(1500000, b, sizeof b), "1.5s");
    ck_assert_str_eq(units_format_duration(0, b, sizeof b), "0s");
    ck_assert_str_eq(units_format_duration(30000000, b, sizeof b), "30s");
    ck_assert_str_eq(units_format_duration(90000000, b, sizeof b), "1.5m");
    ck_assert_str_eq(units_format_duration(3600000000ull, b, sizeof b), "1h");
    ck_assert_str_eq(units_format_duration(7, b, sizeof b), "7us");
    ck_assert_str_eq(units_format_duration(1234567, b, sizeof b), "1234.567ms");
}
END_TEST

START_TEST(test_units_format_size_shortest_exact)
{
    char b[32];
    ck_assert_str_eq(units_format_size(268435456, b, sizeof b), "256MiB");
    ck_assert_str_eq(units_format_size(3000000, b, sizeof b), "3MB");
    ck_assert_str_eq(units_format_size(1024, b, sizeof b), "1KiB");
    ck_assert_str_eq(units_format_size(1000, b, sizeof b), "1kB");
    ck_assert_str_eq(units_format_size(1536, b, sizeof b), "1.5KiB");
    ck_assert_str_eq(units_format_size(17, b, sizeof b), "17B");
    ck_assert_str_eq(units_format_size(0, b, sizeof b), "0B");
}
END_TEST

START_TEST(test_units_format_rate)
{
    char b[32];
    ck_assert_str_eq(units_format_rate(6000, b, sizeof b), "6000/s");
    ck_assert_str_eq(units_format_rate(0, b, sizeof b), "0/s");
    ck_assert_str_eq(units_format_rate(0.5, b, sizeof b), "30/m");
    ck_assert_str_eq(units_format_rate(2.25, b, sizeof b), "135/m");
    ck_assert_str_eq(units_format_rate(0.001, b, sizeof b), "0.001/s");
}
END_TEST

START_TEST(test_units_format_parse_round_trip)
{
    char b[64];
    uint64_t v;
    double r;
    static const uint64_t durs[] = {0,       1,        999,      1000,          1001,      250000,
                                    1500000, 59999999, 61000000, 3600000001ull, UINT64_MAX};
    static const uint64_t sizes[] = {0,       1,         1023, 1024,      1025,
                                     3000000, 268435456, 1536, 123456789, UINT64_MAX};
    static const double rates[] = {0, 1, 0.5, 1.0 / 60, 6000, 0.1, 1234.5678, 1e7, 1.0 / 3};
    for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
        ck_assert_int_eq(units_parse_duration(units_format_duration(durs[i], b, sizeof b), &v), 0);
        ck_assert_uint_eq(v, durs[i]);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ck_assert_int_eq(units_parse_size(units_format_size(sizes[i], b, sizeof b), &v), 0);
        ck_assert_uint_eq(v, sizes[i]);
    }
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        ck_assert_int_eq(units_parse_rate(units_format_rate(rates[i], b, sizeof b), &r), 0);
        ck_assert_msg(r == rates[i], "rate %.17g formatted as %s", rates[i], b);
    }
}
END_TEST

START_TEST(test_units_format_truncates_safely)
{
    char b[4];
    units_format_duration(250000, b, sizeof b);
    ck_assert_str_eq(b, "250");
    units_format_size(268435456, b, sizeof b);
    ck_assert_uint_eq(strlen(b), 3);
}
END_TEST

START_TEST(test_units_format_report_numbers)
{
    char b[32];
    ck_assert_str_eq(units_format_count(104233, b, sizeof b), "104,233");
    ck_assert_str_eq(units_format_count(-1500, b, sizeof b), "-1,500");
    ck_assert_str_eq(units_format_seconds(0.0000421, b, sizeof b), "42us");
    ck_assert_str_eq(units_format_seconds(0.25, b, sizeof b), "250ms");
    ck_assert_str_eq(units_format_seconds(12.34, b, sizeof b), "12.3s");
    ck_assert_str_eq(units_format_bytes(300, b, sizeof b), "300B");
    ck_assert_str_eq(units_format_bytes(1536, b, sizeof b), "1.5KiB");
    ck_assert_str_eq(units_format_bytes(268435456, b, sizeof b), "256MiB");
    ck_assert_str_eq(units_format_bytes(-2048, b, sizeof b), "-2.0KiB");
    ck_assert_str_eq(units_format_count(NAN, b, sizeof b), "-");
    ck_assert_str_eq(units_format_seconds(NAN, b, sizeof b), "-");
    ck_assert_str_eq(units_format_bytes(NAN, b, sizeof b), "-");
}
END_TEST

Suite *units_suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_units_duration_every_unit);
    tcase_add_test(tc, test_units_duration_bare_number_is_seconds);
    tcase_add_test(tc, test_units_duration_decimals_and_blanks);
    tcase_add_test(tc, test_units_duration_rejects_garbage);
    tcase_add_test(tc, test_units_duration_overflow_rejected);
    tcase_add_test(tc, test_units_size_every_unit);
    tcase_add_test(tc, test_units_size_rejects_garbage_and_overflow);
    tcase_add_test(tc, test_units_rate_per_second_and_minute);
    tcase_add_test(tc, test_units_rate_rejects_garbage);
    tcase_add_test(tc, test_units_percent_is_a_fraction);
    tcase_add_test(tc, test_units_uint_strict_with_max);
    suite_add_tcase(s, tc);
    tc = tcase_create("format");
    tcase_add_test(tc, test_units_format_duration_shortest_exact);
    tcase_add_test(tc, test_units_format_size_shortest_exact);
    tcase_add_test(tc, test_units_format_rate);
    tcase_add_test(tc, test_units_format_parse_round_trip);
    tcase_add_test(tc, test_units_format_truncates_safely);
    tcase_add_test(tc, test_units_format_report_numbers);
    suite_add_tcase(s, tc);
    return s;
}
