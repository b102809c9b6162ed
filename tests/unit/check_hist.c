/* check_hist.c -- unit tests of the log-linear latency histogram (hist.c). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

Suite *hist_suite(void);

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The exact answer: value of rank ceil(p% of n) in sorted order. */
static uint64_t exact_percentile(const uint64_t *sorted, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999999);
    if (rank == 0)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(test_hist_error_bound_across_whole_range)
{
    enum { N = 200000 };
    uint64_t *v = malloc(N * sizeof *v);
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(h);
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < N; i++) {
        /* log-uniform over 1 us .. 1 h, so every power of two gets values */
        double e = (double)(xorshift(&seed) % 1000000) / 1000000.0 * 31.7;
        uint64_t x = (uint64_t)__builtin_exp2(e);
        if (x < 1)
            x = 1;
        if (x > HIST_MAX_US)
            x = HIST_MAX_US;
        v[i] = x;
        hist_record(h, x);
    }
    qsort(v, N, sizeof *v, cmp_u64);
    ck_assert_uint_eq(hist_count(h), N);
    ck_assert_uint_eq(hist_min(h), v[0]);
    ck_assert_uint_eq(hist_max(h), v[N - 1]);
    for (double p = 0.1; p <= 100.0; p += 0.1) {
        uint64_t want = exact_percentile(v, N, p), got = hist_percentile(h, p);
        double rel = ((double)got - (double)want) / (double)want;
        ck_assert_msg(rel <= 0.01 && rel >= -0.01, "p%.1f: got %llu want %llu (%.4f)", p,
                      (unsigned long long)got, (unsigned long long)want, rel);
    }
    for (double p = 99.0; p < 100.0; p += 0.001) {
        uint64_t want = exact_percentile(v, N, p), got = hist_percentile(h, p);
        double rel = ((double)got - (double)want) / (double)want;
        ck_assert_msg(rel <= 0.01 && rel >= -0.01, "p%.3f: got %llu want %llu", p,
                      (unsigned long long)got, (unsigned long long)want);
    }
    hist_free(h);
    free(v);
}
END_TEST

START_TEST(test_hist_every_value_within_one_percent)
{
    /* Each value alone: the reported value of its bucket is within 1 % (exhaustive to 2^14,
     * then sampled up to 1 h). */
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(h);
    for (uint64_t x = 1; x <= HIST_MAX_US; x = x < (1u << 14) ? x + 1 : x + x / 499) {
        hist_reset(h);
        hist_record(h, x);
        hist_record(h, HIST_MAX_US); /* so the max clamp does not hide the bucket's error */
        hist_record(h, 1);
        uint64_t got = hist_percentile(h, 50.0);
        double rel = ((double)got - (double)x) / (double)x;
        ck_assert_msg(rel <= 0.01 && rel >= 0.0, "%llu -> %llu", (unsigned long long)x,
                      (unsigned long long)got);
    }
    hist_free(h);
}
END_TEST

START_TEST(test_hist_percentiles_of_small_known_set)
{
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(hist_percentile(h, 50), 0);
    ck_assert_uint_eq(hist_min(h), 0);
    ck_assert_uint_eq(hist_max(h), 0);
    ck_assert(hist_mean(h) == 0.0);
    for (uint64_t x = 1; x <= 100; x++)
        hist_record(h, x); /* below 256 us every value has its own bucket: exact */
    ck_assert_uint_eq(hist_percentile(h, 50), 50);
    ck_assert_uint_eq(hist_percentile(h, 90), 90);
    ck_assert_uint_eq(hist_percentile(h, 99), 99);
    ck_assert_uint_eq(hist_percentile(h, 99.5), 100);
    ck_assert_uint_eq(hist_percentile(h, 100), 100);
    ck_assert_uint_eq(hist_percentile(h, 0.5), 1);
    ck_assert(hist_mean(h) == 50.5);
    hist_reset(h);
    hist_record(h, 0); /* counted as 1 us */
    ck_assert_uint_eq(hist_count(h), 1);
    ck_assert_uint_eq(hist_min(h), 1);
    ck_assert_uint_eq(hist_percentile(h, 100), 1);
    hist_free(h);
}
END_TEST

START_TEST(test_hist_min_max_exact)
{
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(h);
    hist_record(h, 123457);
    hist_record(h, 999999999);
    hist_record(h, 54321);
    ck_assert_uint_eq(hist_min(h), 54321);
    ck_assert_uint_eq(hist_max(h), 999999999);
    ck_assert_uint_eq(hist_percentile(h, 100), 999999999);
    ck_assert_uint_eq(hist_percentile(h, 1), 54321); /* clamped to the exact min */
    ck_assert(hist_mean(h) == (123457.0 + 999999999.0 + 54321.0) / 3.0);
    hist_free(h);
}
END_TEST

START_TEST(test_hist_clamps_above_one_hour)
{
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(h);
    hist_record(h, HIST_MAX_US * 5);
    hist_record(h, UINT64_MAX);
    hist_record(h, HIST_MAX_US);
    ck_assert_uint_eq(hist_count(h), 3);
    ck_assert_uint_eq(hist_clamped(h), 2);
    ck_assert_uint_eq(hist_max(h), HIST_MAX_US);
    ck_assert_uint_eq(hist_percentile(h, 50), HIST_MAX_US);
    hist_free(h);
}
END_TEST

START_TEST(test_hist_merge_equals_recording_into_one)
{
    struct hist *a = hist_new(), *b = hist_new(), *all = hist_new(), *m = hist_new();
    ck_assert(a && b && all && m);
    uint64_t seed = 42;
    for (int i = 0; i < 50000; i++) {
        uint64_t x = xorshift(&seed) % 5000000 + 1;
        hist_record(i % 3 ? a : b, x);
        hist_record(all, x);
    }
    hist_merge(m, a);
    hist_merge(m, b);
    ck_assert_uint_eq(hist_count(m), hist_count(all));
    ck_assert_uint_eq(hist_min(m), hist_min(all));
    ck_assert_uint_eq(hist_max(m), hist_max(all));
    ck_assert(hist_mean(m) == hist_mean(all));
    for (double p = 1; p <= 100; p += 1)
        ck_assert_uint_eq(hist_percentile(m, p), hist_percentile(all, p));
    struct hist *empty = hist_new();
    ck_assert_ptr_nonnull(empty);
    hist_merge(m, empty); /* merging nothing changes nothing, min included */
    ck_assert_uint_eq(hist_min(m), hist_min(all));
    hist_free(empty);
    hist_free(a);
    hist_free(b);
    hist_free(all);
    hist_free(m);
}
END_TEST

START_TEST(test_hist_dump_prints_percentile_spectrum)
{
    struct hist *h = hist_new();
    ck_assert_ptr_nonnull(h);
    for (uint64_t x = 1; x <= 10000; x++)
        hist_record(h, x * 10);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    hist_dump(h, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "Percentile"));
    ck_assert_ptr_nonnull(strstr(buf, "1/(1-Percentile)"));
    ck_assert_ptr_nonnull(strstr(buf, "0.500000")); /* the median line */
    ck_assert_ptr_nonnull(strstr(buf, "0.990625")); /* a tick past 99 % */
    ck_assert_ptr_nonnull(strstr(buf, "100.000     1.000000        10000          inf"));
    ck_assert_ptr_nonnull(strstr(buf, "Total count    =        10000"));
    /* percentiles ascend and the cumulative counts never decrease */
    double lastp = -1;
    unsigned long long lastc = 0;
    int lines = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        double v, p;
        unsigned long long c;
        if (line[0] == '#' || sscanf(line, "%lf %lf %llu", &v, &p, &c) != 3)
            continue;
        ck_assert(p > lastp);
        ck_assert(c >= lastc);
        lastp = p;
        lastc = c;
        lines++;
    }
    ck_assert_int_gt(lines, 40);
    free(buf);
    hist_free(h);
}
END_TEST

Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hist_error_bound_across_whole_range);
    tcase_add_test(tc, test_hist_every_value_within_one_percent);
    tcase_add_test(tc, test_hist_percentiles_of_small_known_set);
    tcase_add_test(tc, test_hist_min_max_exact);
    tcase_add_test(tc, test_hist_clamps_above_one_hour);
    tcase_add_test(tc, test_hist_merge_equals_recording_into_one);
    tcase_add_test(tc, test_hist_dump_prints_percentile_spectrum);
    suite_add_tcase(s, tc);
    return s;
}
