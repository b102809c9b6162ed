/* check_merge.c -- unit tests of merge's input: shard manifests written and read back, the
 * checks on what they list, and the variants' directories gathered. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "merge.h"
#include "merge_limit.h"
#include "shard_manifest.h"
#include "suites.h"
#include "util.h"

static char err[LJ_ERR_LEN], tmp[64];

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/check_merge.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
    lj_rmtree(tmp);
}

/* Shard index/count of a 5-variant sweep in tmp/sINDEX, listing its own variants (or the
 * one given by bad_index/bad_dir), ended unless not. Returns its path (static). */
static const char *write_shard(unsigned index, unsigned count, unsigned bad_index,
                               const char *bad_dir, bool ended)
{
    static char dir[128];
    char name[64];
    struct shard s = {index, count};
    json_t *vars = json_array();
    snprintf(dir, sizeof dir, "%s/s%u", tmp, index);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    for (unsigned v = 0; v < 5; v++)
        if (shard_has(&s, v)) {
            snprintf(name, sizeof name, "%02u-v%u", v + 1, v + 1);
            json_array_append_new(vars, shard_manifest_variant(v + 1, name + 3, name, 1));
        }
    if (bad_index)
        json_array_append_new(vars, shard_manifest_variant(bad_index, "x", bad_dir, 1));
    json_t *m = shard_manifest_new("sweep", "sha256:abc", &s, 5,
                                   json_pack("{s:s}", "scenario", "s.ini"), json_array());
    ck_assert_ptr_nonnull(m);
    ck_assert(json_is_null(json_object_get(m, "ended"))); /* running until it ends */
    if (ended)
        shard_manifest_end(m, vars, 0, index == 2, 1.5);
    else
        json_decref(vars);
    ck_assert_int_eq(shard_manifest_write(dir, m, err), 0);
    json_decref(m);
    return dir;
}

/* merge_load of the n dirs fails with an error containing want. */
static void refused(char *const *dirs, size_t n, const char *want)
{
    struct merge_set set;
    ck_assert_int_eq(merge_load(&set, dirs, n, err), -1);
    ck_assert_msg(strstr(err, want), "%s", err);
    merge_free(&set);
}

START_TEST(test_merge_reads_a_whole_set_in_index_order)
{
    struct merge_set set;
    char d[3][128];
    for (unsigned i = 3; i >= 1; i--)
        snprintf(d[i - 1], sizeof d[0], "%s", write_shard(i, 3, 0, NULL, true));
    char *dirs[] = {d[2], d[0], d[1]};
    ck_assert_msg(merge_load(&set, dirs, 3, err) == 0, "%s", err);
    ck_assert_str_eq(set.kind, "sweep");
    ck_assert_uint_eq(set.total, 5);
    ck_assert_uint_eq(set.nv, 5);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(set.v[i].index, i + 1);
    ck_assert_str_eq(set.v[3].dir, "04-v4");
    ck_assert_str_eq(set.info[set.v[3].shard].dir, d[0]); /* variant 4 is shard 1's */
    ck_assert(set.interrupted);                           /* shard 2 said so */
    ck_assert(set.elapsed_s > 4.49 && set.elapsed_s < 4.51);
    merge_free(&set);
}
END_TEST

START_TEST(test_merge_refuses_what_is_not_a_manifest)
{
    char path[160], d[128];
    snprintf(d, sizeof d, "%s", write_shard(1, 1, 0, NULL, true));
    char *dirs[] = {tmp};
    refused(dirs, 1, ": no shard.json: not a shard's output directory");

    snprintf(path, sizeof path, "%s/shard.json", d);
    FILE *f = fopen(path, "w");
    fputs("{\"kind\": \"sweep\"}", f);
    fclose(f);
    dirs[0] = d;
    refused(dirs, 1, "shard.json: not a shard manifest (no spec_hash)");

    f = fopen(path, "w");
    fputs("{\"kind\": ", f);
    fclose(f);
    refused(dirs, 1, "shard.json: line 1");
}
END_TEST

START_TEST(test_merge_refuses_variants_not_the_shards_own)
{
    char d[2][128];
    snprintf(d[0], sizeof d[0], "%s", write_shard(1, 2, 2, "02-v2", true)); /* shard 2's */
    snprintf(d[1], sizeof d[1], "%s", write_shard(2, 2, 0, NULL, true));
    char *dirs[] = {d[0], d[1]};
    refused(dirs, 2, "/s1: variant 2 of 5 in its shard.json is not shard 1/2's");
    lj_rmtree(d[0]);
    snprintf(d[0], sizeof d[0], "%s", write_shard(1, 2, 3, "../etc", true));
    refused(dirs, 2, "variant 3 of 5");
    lj_rmtree(d[0]);
    snprintf(d[0], sizeof d[0], "%s", write_shard(1, 2, 0, NULL, false)); /* still running */
    refused(dirs, 2, "shard 1/2 did not finish");
}
END_TEST

START_TEST(test_merge_copies_each_variant_directory)
{
    struct merge_set set;
    char d[128], p[256], out[128];
    snprintf(d, sizeof d, "%s", write_shard(1, 1, 0, NULL, true));
    for (unsigned v = 1; v <= 5; v++) {
        snprintf(p, sizeof p, "%s/%02u-v%u", d, v, v);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/%02u-v%u/r1", d, v, v);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/%02u-v%u/r1/summary.json", d, v, v);
        FILE *f = fopen(p, "w");
        fprintf(f, "{\"v\": %u}\n", v);
        fclose(f);
    }
    char *dirs[] = {d};
    ck_assert_msg(merge_load(&set, dirs, 1, err) == 0, "%s", err);
    snprintf(out, sizeof out, "%s/out", tmp);
    mkdir(out, 0755);
    ck_assert_msg(merge_copy(&set, out, err) == 0, "%s", err);
    snprintf(p, sizeof p, "%s/04-v4/r1/summary.json", out);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    char line[32] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_str_eq(line, "{\"v\": 4}\n");
    ck_assert_msg(merge_copy(&set, d, err) == 0, "%s", err); /* into the shard itself */
    merge_free(&set);
}
END_TEST

/* A limit shard i of 2 of a 3-variant search in tmp/lI, each variant's limit.json as the
 * search writes it (exit code codes[v]). Returns its path (static). */
static const char *write_limit_shard(unsigned index, const int codes[3])
{
    static char dir[128];
    char name[32], path[192];
    struct shard s = {index, 2};
    json_t *vars = json_array();
    snprintf(dir, sizeof dir, "%s/l%u", tmp, index);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    for (unsigned v = 0; v < 3; v++) {
        if (!shard_has(&s, v))
            continue;
        snprintf(name, sizeof name, "%02u-v%u", v + 1, v + 1);
        json_array_append_new(vars, shard_manifest_variant(v + 1, name + 3, name, 4));
        snprintf(path, sizeof path, "%s/%s", dir, name);
        ck_assert_int_eq(mkdir(path, 0755), 0);
        snprintf(path, sizeof path, "%s/%s/limit.json", dir, name);
        json_t *js = json_pack("{s:s, s:{s:f, s:f, s:s}, s:f, s:{s:i, s:f}, s:i}", "variant",
                               name + 3, "knee", "low", 1000.0 * (v + 1), "high", 2000.0 * (v + 1),
                               "mode", "pile-up", "scenario_value", 2000.0, "cost", "trials", 4,
                               "node_seconds", 30.0, "exit_code", codes[v]);
        ck_assert_int_eq(json_dump_file(js, path, 0), 0);
        json_decref(js);
    }
    json_t *m = shard_manifest_new(
        "limit", "sha256:abc", &s, 3,
        json_pack("{s:s, s:s, s:s}", "scenario", "l.ini", "name", "l", "axis", "load.rate"),
        json_array());
    shard_manifest_end(m, vars, 0, false, 60);
    ck_assert_int_eq(shard_manifest_write(dir, m, err), 0);
    json_decref(m);
    return dir;
}

START_TEST(test_merge_limit_writes_limits_table_and_its_exit_code)
{
    struct merge_set set;
    static const int pass[3] = {0, 0, 0}, gate[3] = {0, 99, 0};
    char d[2][128], out[160], line[256] = "";
    snprintf(d[1], sizeof d[1], "%s", write_limit_shard(2, pass));
    snprintf(d[0], sizeof d[0], "%s", write_limit_shard(1, pass));
    char *dirs[] = {d[1], d[0]};
    ck_assert_msg(merge_load(&set, dirs, 2, err) == 0, "%s", err);
    snprintf(out, sizeof out, "%s/out", tmp);
    mkdir(out, 0755);
    ck_assert_int_eq(merge_copy(&set, out, err), 0);
    ck_assert_int_eq(merge_limit(&set, out, NULL, NULL), 0);
    merge_free(&set);
    snprintf(line, sizeof line, "%s/limit.csv", out);
    FILE *f = fopen(line, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* the header */
    for (unsigned v = 1; v <= 3; v++) {                 /* every variant, in the sweep's order */
        char want[64];
        ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
        snprintf(want, sizeof want, "v%u,%u000,%u000,pile-up,", v, v, 2 * v);
        ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "%s", line);
    }
    fclose(f);

    lj_rmtree(d[1]);
    snprintf(d[1], sizeof d[1], "%s", write_limit_shard(2, gate)); /* variant 2 below [limit] */
    ck_assert_msg(merge_load(&set, dirs, 2, err) == 0, "%s", err);
    ck_assert_int_eq(merge_copy(&set, out, err), 0);
    ck_assert_int_eq(merge_limit(&set, out, NULL, NULL), LJ_EXIT_GATE);
    merge_free(&set);
}
END_TEST

Suite *merge_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("merge");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_merge_reads_a_whole_set_in_index_order);
    tcase_add_test(tc, test_merge_refuses_what_is_not_a_manifest);
    tcase_add_test(tc, test_merge_refuses_variants_not_the_shards_own);
    tcase_add_test(tc, test_merge_copies_each_variant_directory);
    tcase_add_test(tc, test_merge_limit_writes_limits_table_and_its_exit_code);
    suite_add_tcase(s, tc);
    return s;
}
