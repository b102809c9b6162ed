/* check_target_spec.c -- [target]'s checks: loopback node hosts and URLs only, the cookie
 * file its owner's alone, keys of logjam's own node refused with a target. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "suites.h"
#include "target_spec.h"

START_TEST(test_target_spec_node_host_loopback_only)
{
    char host[TARGET_HOST_LEN], why[256];
    ck_assert_int_eq(target_spec_node_host("app@127.0.0.1", host, why, sizeof why), 0);
    ck_assert_str_eq(host, "127.0.0.1");
    ck_assert_int_eq(target_spec_node_host("app@localhost", host, why, sizeof why), 0);
    ck_assert_int_eq(target_spec_node_host("app@127.3.2.1", host, why, sizeof why), 0);
    ck_assert_int_eq(target_spec_node_host("app@10.0.0.1", host, why, sizeof why), -1);
    ck_assert_ptr_nonnull(strstr(why, "not loopback"));
    ck_assert_int_eq(target_spec_node_host("app@example.com", host, why, sizeof why), -1);
    ck_assert_int_eq(target_spec_node_host("app", host, why, sizeof why), -1);
    ck_assert_int_eq(target_spec_node_host("@127.0.0.1", host, why, sizeof why), -1);
    ck_assert_int_eq(target_spec_node_host("a b@127.0.0.1", host, why, sizeof why), -1);
}
END_TEST

START_TEST(test_target_spec_url_parses_loopback_urls_only)
{
    char path[256], why[256];
    uint32_t addr;
    uint16_t port;
    ck_assert_int_eq(target_spec_url("http://127.0.0.1:8080/work?logs=2", &addr, &port, path,
                                     sizeof path, why, sizeof why),
                     0);
    ck_assert_uint_eq(addr, 0x7f000001u);
    ck_assert_uint_eq(port, 8080);
    ck_assert_str_eq(path, "/work?logs=2");
    ck_assert_int_eq(
        target_spec_url("http://localhost:80", &addr, &port, path, sizeof path, why, sizeof why),
        0);
    ck_assert_str_eq(path, "/");
    ck_assert_int_eq(
        target_spec_url("http://192.168.1.2:80/", &addr, &port, path, sizeof path, why, sizeof why),
        -1);
    ck_assert_int_eq(
        target_spec_url("https://127.0.0.1:80/", &addr, &port, path, sizeof path, why, sizeof why),
        -1);
    ck_assert_int_eq(
        target_spec_url("http://127.0.0.1/", &addr, &port, path, sizeof path, why, sizeof why), -1);
    ck_assert_int_eq(
        target_spec_url("http://127.0.0.1:0/", &addr, &port, path, sizeof path, why, sizeof why),
        -1);
}
END_TEST

/* A scenario text naming a cookie file of the given mode; returns scenario_load_string's rc. */
static int load_with_cookie_mode(mode_t mode, const char *extra, char *err)
{
    static struct scenario sc;
    char dir[] = "/tmp/check_target.XXXXXX", path[64], text[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/cookie", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("secret\n", f);
    fclose(f);
    chmod(path, mode);
    snprintf(text, sizeof text, "[target]\nnode = a@127.0.0.1\ncookie_file = %s\n%s", path, extra);
    int rc = scenario_load_string(&sc, "t.ini", text, strlen(text), err);
    unlink(path);
    rmdir(dir);
    return rc;
}

START_TEST(test_target_spec_cookie_file_owner_only)
{
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(load_with_cookie_mode(0600, "", err), 0);
    ck_assert_int_eq(load_with_cookie_mode(0400, "", err), 0);
    ck_assert_int_eq(load_with_cookie_mode(0640, "", err), -1);
    ck_assert_ptr_nonnull(strstr(err, "t.ini:3:"));
    ck_assert_ptr_nonnull(strstr(err, "readable by its group or others"));
    ck_assert_int_eq(load_with_cookie_mode(0604, "", err), -1);
}
END_TEST

START_TEST(test_target_spec_refuses_keys_of_our_own_node)
{
    char err[LJ_ERR_LEN];
    ck_assert_int_eq(load_with_cookie_mode(0600, "[logger]\nbackend = lager\n", err), -1);
    ck_assert_ptr_nonnull(strstr(err, "t.ini:5: [logger] backend configures the node"));
    ck_assert_int_eq(load_with_cookie_mode(0600, "[load]\nrequest = /x\n", err), -1);
    ck_assert_int_eq(load_with_cookie_mode(0600, "[load]\nrate = 10/s\n", err), 0);
}
END_TEST

START_TEST(test_target_spec_keys_need_a_node)
{
    static struct scenario sc;
    char err[LJ_ERR_LEN];
    const char text[] = "[target]\nurl = http://127.0.0.1:1/\n";
    ck_assert_int_eq(scenario_load_string(&sc, "t.ini", text, sizeof text - 1, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "t.ini:2: [target] keys without [target] node"));
}
END_TEST

Suite *target_spec_suite(void)
{
    Suite *s = suite_create("target_spec");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_target_spec_node_host_loopback_only);
    tcase_add_test(tc, test_target_spec_url_parses_loopback_urls_only);
    tcase_add_test(tc, test_target_spec_cookie_file_owner_only);
    tcase_add_test(tc, test_target_spec_refuses_keys_of_our_own_node);
    tcase_add_test(tc, test_target_spec_keys_need_a_node);
    suite_add_tcase(s, tc);
    return s;
}
