/* check_shard.c -- unit tests of sharding: --shard i/n and LOGJAM_SHARD parsing, the
 * round-robin split, the spec hash, and the check that shards make one whole sweep. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "suites.h"
#include "util.h"

static char err[LJ_ERR_LEN];

START_TEST(test_shard_parse_accepts_i_of_n)
{
    struct shard s;
    ck_assert_int_eq(shard_parse("--shard", "2/3", &s, err), 0);
    ck_assert_uint_eq(s.index, 2);
    ck_assert_uint_eq(s.count, 3);
    ck_assert_int_eq(shard_parse("--shard", "1/1", &s, err), 0);
    ck_assert_int_eq(shard_parse("--shard", "1000/1000", &s, err), 0);
}
END_TEST

START_TEST(test_shard_parse_bad_values_name_the_value)
{
    static const char *bad[] = {"0/3",  "4/3",  "1/0",  "3",    "text", "",      "/3",    "1/",
                                "-1/3", "1/-3", "1/3x", " 1/3", "1/ 3", "2/3/4", "1/1001"};
    struct shard s;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[64];
        ck_assert_int_eq(shard_parse("--shard", bad[i], &s, err), -1);
        snprintf(want, sizeof want, "--shard %s: expected i/n", bad[i]);
        ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s: %s", bad[i], err);
    }
}
END_TEST

START_TEST(test_shard_flag_wins_over_the_environment)
{
    struct shard s;
    setenv(SHARD_ENV, "3/4", 1);
    ck_assert_int_eq(shard_resolve("1/2", &s, err), 0);
    ck_assert_uint_eq(s.index, 1);
    ck_assert_uint_eq(s.count, 2);
    ck_assert_int_eq(shard_resolve(NULL, &s, err), 0);
    ck_assert_uint_eq(s.index, 3);
    ck_assert_uint_eq(s.count, 4);
    setenv(SHARD_ENV, "5/4", 1);
    ck_assert_int_eq(shard_resolve(NULL, &s, err), -1);
    ck_assert_str_eq(err, "LOGJAM_SHARD 5/4: expected i/n, whole numbers with 1 <= i <= n <= "
                          "1000 (like 2/3)");
    setenv(SHARD_ENV, "", 1);
    ck_assert_int_eq(shard_resolve(NULL, &s, err), 0);
    ck_assert_uint_eq(s.count, 0);
    unsetenv(SHARD_ENV);
    ck_assert_int_eq(shard_resolve(NULL, &s, err), 0);
    ck_assert_uint_eq(s.count, 0);
}
END_TEST

START_TEST(test_shard_split_is_round_robin_and_covers_every_variant_once)
{
    for (unsigned n = 1; n <= 7; n++)
        for (unsigned nvar = 0; nvar <= 20; nvar++) {
            unsigned total = 0, lo = nvar, hi = 0;
            for (unsigned i = 1; i <= n; i++) {
                struct shard s = {i, n};
                unsigned k = shard_size(&s, nvar);
                total += k;
                lo = k < lo ? k : lo;
                hi = k > hi ? k : hi;
            }
            ck_assert_uint_eq(total, nvar);
            ck_assert_uint_le(hi - lo, 1); /* balanced */
            for (unsigned v = 0; v < nvar; v++) {
                unsigned owners = 0;
                for (unsigned i = 1; i <= n; i++)
                    owners += shard_has(&(struct shard){i, n}, v);
                ck_assert_uint_eq(owners, 1);
            }
        }
    struct shard two = {2, 3}, none = {0, 0};
    ck_assert(!shard_has(&two, 0) && shard_has(&two, 1) && !shard_has(&two, 2));
    ck_assert(shard_has(&two, 4)); /* variant 5 */
    ck_assert(shard_has(&none, 0) && shard_has(&none, 17));
    ck_assert_uint_eq(shard_size(&(struct shard){5, 5}, 4), 0); /* an empty shard is no error */
}
END_TEST

static const char *const sets[] = {"run.duration=3s", "load.rate=100/s"};
static const char *const vary[] = {"logger.level=info,debug"};

static void hash_of(const struct shard_spec *spec, char out[SHARD_HASH_LEN])
{
    ck_assert_int_eq(shard_spec_hash(spec, out, err), 0);
}

/* spec hashes to something else than other. */
static void differs(const struct shard_spec *spec, const char *other)
{
    char h[SHARD_HASH_LEN];
    hash_of(spec, h);
    ck_assert_str_ne(h, other);
}

START_TEST(test_shard_spec_hash_is_stable_and_covers_every_field)
{
    char a[SHARD_HASH_LEN], b[SHARD_HASH_LEN];
    struct shard_spec base = {"sweep", "1.0", "[run]\nduration = 5s\n", 20, sets, 2, vary, 1,
                              1,       ""};
    struct shard_spec s = base;
    hash_of(&base, a);
    ck_assert_uint_eq(strlen(a), 71);
    ck_assert(strncmp(a, "sha256:", 7) == 0);
    hash_of(&s, b);
    ck_assert_str_eq(a, b);
    /* SHA-256 of the canonical text, fixed: a change to the form is a change of the format */
    struct shard_spec empty = {"sweep", "0.1.0", "", 0, NULL, 0, NULL, 0, 1, ""};
    hash_of(&empty, b);
    ck_assert_str_eq(b, "sha256:320b6bc96c6442c554276c50074a9f16e0e5ae19c4bca03cdf14608f757e13ba");

    s.kind = "limit", differs(&s, a), s = base;
    s.version = "1.1", differs(&s, a), s = base;
    s.scenario_len = 19, differs(&s, a), s = base;
    s.nsets = 1, differs(&s, a), s = base;
    s.nvary = 0, differs(&s, a), s = base;
    s.repeat = 3, differs(&s, a), s = base;
    s.extra = "budget=60", differs(&s, a), s = base;

    /* the order of --set matters (the last one wins), and a --set is not a --vary */
    static const char *const swapped[] = {"load.rate=100/s", "run.duration=3s"};
    s.sets = swapped, differs(&s, a), s = base;
    static const char *const one[] = {"logger.level=info,debug"};
    s.sets = one, s.nsets = 1, s.nvary = 0, hash_of(&s, b);
    s = base, s.nsets = 0, differs(&s, b);
    /* fields cannot run into each other */
    static const char *const ab[] = {"ab", "c"}, *const a_bc[] = {"a", "bc"};
    s = base, s.sets = ab, hash_of(&s, b);
    s.sets = a_bc, differs(&s, b);
}
END_TEST

/* n shard infos for a sweep of count shards, index i + 1 each, the same spec. */
static void infos(struct shard_info *in, size_t n, unsigned count)
{
    memset(in, 0, n * sizeof *in);
    for (size_t i = 0; i < n; i++) {
        snprintf(in[i].dir, sizeof in[i].dir, "s%zu", i + 1);
        snprintf(in[i].kind, sizeof in[i].kind, "sweep");
        snprintf(in[i].hash, sizeof in[i].hash, "sha256:aaaa");
        in[i].shard = (struct shard){(unsigned)i + 1, count};
        in[i].finished = true;
    }
}

START_TEST(test_shard_set_whole_in_any_order)
{
    struct shard_info in[3], tmp;
    infos(in, 3, 3);
    ck_assert_int_eq(shard_set_check(in, 3, err), 0);
    tmp = in[0], in[0] = in[2], in[2] = tmp;
    ck_assert_int_eq(shard_set_check(in, 3, err), 0);
    ck_assert_int_eq(shard_set_check(in, 0, err), -1);
}
END_TEST

START_TEST(test_shard_set_refusals_name_the_shard)
{
    struct shard_info in[4];
    infos(in, 2, 3);
    ck_assert_int_eq(shard_set_check(in, 2, err), -1);
    ck_assert_str_eq(err, "shard 3/3 is missing (2 of 3 shards given)");

    infos(in, 4, 3);
    in[3].shard.index = 2;
    snprintf(in[3].dir, sizeof in[3].dir, "copy");
    ck_assert_int_eq(shard_set_check(in, 4, err), -1);
    ck_assert_str_eq(err, "copy: shard 2/3 again (also s2): give each shard once");

    infos(in, 3, 3);
    snprintf(in[0].hash, sizeof in[0].hash, "sha256:bbbb"); /* the odd one out, even first */
    ck_assert_int_eq(shard_set_check(in, 3, err), -1);
    ck_assert_msg(strncmp(err, "s1: shard 1/3 of another spec (sha256:bbbb", 40) == 0, "%s", err);

    infos(in, 3, 3);
    snprintf(in[1].kind, sizeof in[1].kind, "limit");
    ck_assert_int_eq(shard_set_check(in, 3, err), -1);
    ck_assert_str_eq(err, "s2: a limit shard, but s1 is a sweep shard: merge one kind at a time");

    infos(in, 3, 3);
    in[2].shard.count = 4;
    ck_assert_int_eq(shard_set_check(in, 3, err), -1);
    ck_assert_str_eq(err, "s3: shard 3/4, but s1 is shard 1/3: one split at a time");

    infos(in, 3, 3);
    in[1].finished = false;
    ck_assert_int_eq(shard_set_check(in, 3, err), -1);
    ck_assert_msg(strstr(err, "s2: shard 2/3 did not finish") == err, "%s", err);
}
END_TEST

Suite *shard_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("shard");
    tcase_add_test(tc, test_shard_parse_accepts_i_of_n);
    tcase_add_test(tc, test_shard_parse_bad_values_name_the_value);
    tcase_add_test(tc, test_shard_flag_wins_over_the_environment);
    tcase_add_test(tc, test_shard_split_is_round_robin_and_covers_every_variant_once);
    tcase_add_test(tc, test_shard_spec_hash_is_stable_and_covers_every_field);
    tcase_add_test(tc, test_shard_set_whole_in_any_order);
    tcase_add_test(tc, test_shard_set_refusals_name_the_shard);
    suite_add_tcase(s, tc);
    return s;
}
