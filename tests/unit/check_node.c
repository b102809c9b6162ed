/* check_node.c -- unit tests of node_sys_config: scenario keys -> each backend's config terms. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "scenario.h"
#include "scenario_backend.h"
#include "suites.h"
#include "util.h"

static struct scenario sc; /* large: keep it off the stack */
static char err[LJ_ERR_LEN];
static char *text;

/* Defaults plus the given overrides, then the sys.config for node dir /d. */
static void config_for(const char *const *sets, unsigned nsets)
{
    ck_assert_msg(scenario_load(&sc, NULL, sets, nsets, err) == 0, "scenario: %s", err);
    free(text);
    text = node_sys_config(&sc, "/d");
    ck_assert_ptr_nonnull(text);
}

static void has(const char *want)
{
    ck_assert_msg(strstr(text, want) != NULL, "sys.config lacks '%s':\n%s", want, text);
}

static void lacks(const char *unwanted)
{
    ck_assert_msg(strstr(text, unwanted) == NULL, "sys.config has '%s':\n%s", unwanted, text);
}

static void teardown(void)
{
    free(text);
    text = NULL;
}

/* Every config is one term list ending in ".\n", with the loopback-only distribution. */
static void well_formed(void)
{
    size_t n = strlen(text);
    ck_assert_msg(n > 4 && text[0] == '[' && strcmp(text + n - 3, "].\n") == 0, "%s", text);
    has(" {kernel, [{inet_dist_use_interface, {127,0,0,1}}]}\n].\n");
    /* brackets and braces balance (no string in the config contains one here) */
    int sq = 0, cu = 0;
    for (const char *p = text; *p; p++) {
        sq += (*p == '[') - (*p == ']');
        cu += (*p == '{') - (*p == '}');
        ck_assert_int_ge(sq, 0);
        ck_assert_int_ge(cu, 0);
    }
    ck_assert_int_eq(sq, 0);
    ck_assert_int_eq(cu, 0);
}

/* ---- semantic comparison: "app:{key,value}" items, blanks outside strings removed, sorted ---- */

#define TERMS_MAX 256

struct terms {
    unsigned n;
    char item[TERMS_MAX][320];
};

static int cmp_item(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Text without blanks outside string literals. */
static void squeeze(const char *in, char *out, size_t len)
{
    bool str = false;
    size_t o = 0;
    for (const char *p = in; *p && o + 1 < len; p++) {
        if (str && *p == '\\' && p[1]) {
            out[o++] = *p++;
            out[o++] = *p;
            continue;
        }
        if (*p == '"')
            str = !str;
        if (!str && (*p == ' ' || *p == '\n' || *p == '\t'))
            continue;
        out[o++] = *p;
    }
    out[o] = '\0';
}

/* Split "[{app,[i1,i2]},{app2,[...]}]." into "app:i1", ... (sorted): the proplist items of
 * each application, order-free, as application:get_env sees them. */
static void terms_of(const char *config, struct terms *t)
{
    static char s[65536];
    char app[64] = "";
    int depth = 0, start = -1;
    bool str = false;
    squeeze(config, s, sizeof s);
    t->n = 0;
    for (int i = 0; s[i]; i++) {
        char c = s[i];
        if (str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                str = false;
            continue;
        }
        if (depth == 1 && c == '{')
            sscanf(s + i + 1, "%63[a-z_]", app);
        if (depth == 3 && start >= 0 && (c == ',' || c == ']')) {
            ck_assert_uint_lt(t->n, TERMS_MAX);
            snprintf(t->item[t->n++], sizeof t->item[0], "%s:%.*s", app, i - start, s + start);
            start = -1;
        } else if (depth == 3 && start < 0 && c != ',' && c != ']') {
            start = i;
        }
        str = c == '"';
        depth += (c == '[' || c == '{') - (c == ']' || c == '}');
    }
    qsort(t->item, t->n, sizeof t->item[0], cmp_item);
}

/* The sys.config holds the term "app:{key,value}" (blanks ignored). */
static void has_term(const char *app, const char *term)
{
    static struct terms t;
    char want[320], sq[256];
    squeeze(term, sq, sizeof sq);
    snprintf(want, sizeof want, "%.60s:%s", app, sq);
    terms_of(text, &t);
    for (unsigned i = 0; i < t.n; i++)
        if (strcmp(t.item[i], want) == 0)
            return;
    ck_abort_msg("sys.config lacks %s:\n%s", want, text);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[65536];
    size_t n;
    ck_assert_msg(f != NULL, "cannot open %s", path);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The shipped scenarios under each backend (and two sets of extreme values) give the terms
 * of the sys.config files captured before node_sys_config followed the key table. */
static const struct golden {
    const char *file, *scenario;
    const char *sets[6];
} goldens[] = {
    {"incident-fixture", "incident", {"logger.backend=fixture"}},
    {"incident-lager", "incident", {"logger.backend=lager"}},
    {"incident-otp", "incident", {"logger.backend=otp"}},
    {"healthy-fixture", "healthy", {"logger.backend=fixture"}},
    {"healthy-lager", "healthy", {"logger.backend=lager"}},
    {"healthy-otp", "healthy", {"logger.backend=otp"}},
    {"bounded-pool-fixture", "bounded-pool", {"logger.backend=fixture"}},
    {"bounded-pool-lager", "bounded-pool", {"logger.backend=lager"}},
    {"bounded-pool-otp", "bounded-pool", {"logger.backend=otp"}},
    {"ci-gate-fixture", "ci-gate", {"logger.backend=fixture"}},
    {"ci-gate-lager", "ci-gate", {"logger.backend=lager"}},
    {"ci-gate-otp", "ci-gate", {"logger.backend=otp"}},
    {"logger-settings-fixture", "logger-settings", {"logger.backend=fixture"}},
    {"logger-settings-lager", "logger-settings", {"logger.backend=lager"}},
    {"logger-settings-otp", "logger-settings", {"logger.backend=otp"}},
    {"incident-lager-extremes",
     "incident",
     {"logger.backend=lager", "logger.async_threshold=undefined",
      "logger.error_logger_hwm=undefined", "logger.level=none", "logger.killer_hwm=1000",
      "logger.error_logger_redirect=false"}},
    {"healthy-otp-extremes",
     "healthy",
     {"logger.backend=otp", "logger.overload_kill_enable=true",
      "logger.overload_kill_restart_after=infinity", "logger.burst_limit_enable=false",
      "logger.level=none"}},
};

START_TEST(test_node_sys_config_same_terms_as_before)
{
    static struct terms got, want;
    const struct golden *g = &goldens[_i];
    char path[256];
    unsigned n = 0;
    while (n < 6 && g->sets[n])
        n++;
    snprintf(path, sizeof path, "scenarios/%s.ini", g->scenario);
    ck_assert_msg(scenario_load(&sc, path, g->sets, n, err) == 0, "%s", err);
    free(text);
    text = node_sys_config(&sc, "/d");
    ck_assert_ptr_nonnull(text);
    well_formed();
    terms_of(text, &got);
    snprintf(path, sizeof path, "tests/unit/sysconfig/%s.config", g->file);
    terms_of(read_all(path), &want);
    /* Every captured term is still there; a key added since adds a fixture term, no other. */
    for (unsigned i = 0, j = 0; i < want.n; i++, j++) {
        while (j < got.n && strcmp(got.item[j], want.item[i]) < 0) {
            ck_assert_msg(strncmp(got.item[j], "fixture:", 8) == 0, "%s: new term %s", g->file,
                          got.item[j]);
            j++;
        }
        ck_assert_msg(j < got.n && strcmp(got.item[j], want.item[i]) == 0, "%s: lost %s", g->file,
                      want.item[i]);
    }
}
END_TEST

START_TEST(test_node_sys_config_fixture_backend_defaults)
{
    config_for(NULL, 0);
    well_formed();
    has("[{fixture, [");
    has_term("fixture", "{listen_ip, {127,0,0,1}}");
    has_term("fixture", "{listen_port, 0}");
    has_term("fixture", "{acceptors, 16}");
    has_term("fixture", "{pool_mode, spawn}");
    has_term("fixture", "{pool_size, 100}");
    has_term("fixture", "{logger_backend, fixture}");
    has_term("fixture", "{log_level, info}");
    has_term("fixture", "{async_threshold, 20}");
    has_term("fixture", "{async_threshold_window, undefined}");
    has_term("fixture", "{killer_hwm, undefined}");
    has_term("fixture", "{killer_reinstall_after, 5000}");
    has_term("fixture", "{write_cost_us, 0}");
    has_term("fixture", "{log_file, \"/d/fixture.log\"}");
    lacks("{lager,");
}
END_TEST

START_TEST(test_node_sys_config_incident_keys)
{
    const char *sets[] = {"logger.level=debug", "logger.async_threshold_window=5",
                          "logger.write_cost=250us", "pool.mode=bounded", "pool.size=7"};
    config_for(sets, 5);
    has_term("fixture", "{pool_mode, bounded}");
    has_term("fixture", "{pool_size, 7}");
    has_term("fixture", "{log_level, debug}");
    has_term("fixture", "{async_threshold_window, 5}");
    has_term("fixture", "{write_cost_us, 250}");
}
END_TEST

START_TEST(test_node_sys_config_lager_section)
{
    const char *sets[] = {"logger.backend=lager", "logger.level=debug",
                          "logger.async_threshold_window=5"};
    config_for(sets, 3);
    well_formed();
    has_term("fixture", "{logger_backend, lager}");
    has_term("lager", "{handlers, [{lager_file_backend, [{file, \"/d/fixture.log\"}, "
                      "{level, debug}]}]}");
    has_term("lager", "{async_threshold, 20}");
    has_term("lager", "{async_threshold_window, 5}");
    has_term("lager", "{killer_hwm, undefined}");
    has_term("lager", "{killer_reinstall_after, 5000}");
    has_term("lager", "{error_logger_redirect, true}");
    has_term("lager", "{error_logger_hwm, 50}");
    has_term("lager", "{crash_log, false}");
    has_term("lager", "{colored, false}");
}
END_TEST

START_TEST(test_node_sys_config_lager_undefined_threshold_kept_as_atom)
{
    const char *sets[] = {"logger.backend=lager", "logger.async_threshold=undefined"};
    config_for(sets, 2);
    /* lager installs no throttle for `undefined': every call is synchronous */
    has_term("lager", "{async_threshold, undefined}");
    has_term("lager", "{async_threshold_window, undefined}");
}
END_TEST

START_TEST(test_node_sys_config_lager_killer)
{
    const char *sets[] = {"logger.backend=lager", "logger.killer_hwm=1000",
                          "logger.killer_reinstall_after=2500ms"};
    config_for(sets, 3);
    has_term("lager", "{killer_hwm, 1000}");
    has_term("lager", "{killer_reinstall_after, 2500}");
    has_term("fixture", "{killer_hwm, 1000}");
    has_term("fixture", "{killer_reinstall_after, 2500}");
}
END_TEST

START_TEST(test_node_sys_config_lager_error_logger)
{
    const char *sets[] = {"logger.backend=lager", "logger.error_logger_redirect=false",
                          "logger.error_logger_hwm=undefined"};
    config_for(sets, 3);
    well_formed();
    /* lager's section, and the fixture's copy its lager backend falls back on */
    has_term("lager", "{error_logger_redirect, false}");
    has_term("lager", "{error_logger_hwm, undefined}");
    has_term("fixture", "{error_logger_redirect, false}");
    has_term("fixture", "{error_logger_hwm, undefined}");
}
END_TEST

START_TEST(test_node_sys_config_lager_level_none_has_no_handler)
{
    const char *sets[] = {"logger.backend=lager", "logger.level=none"};
    config_for(sets, 2);
    has_term("lager", "{handlers, []}");
    lacks("lager_file_backend");
}
END_TEST

/* Elixir's `logger' application: its keys under its own names, the level, the console
 * backend on the fixture's log file; the fixture keeps its copy (fx_config checks it). */
START_TEST(test_node_sys_config_elixir_section)
{
    const char *sets[] = {"logger.backend=elixir", "logger.level=debug", "logger.sync_threshold=0",
                          "logger.discard_threshold_periodic_check=2s"};
    config_for(sets, 4);
    well_formed();
    has_term("fixture", "{logger_backend, elixir}");
    has_term("fixture", "{sync_threshold, 0}");
    has_term("fixture", "{discard_threshold, 500}");
    has_term("fixture", "{discard_threshold_periodic_check, 2000}");
    has_term("logger", "{sync_threshold, 0}");
    has_term("logger", "{discard_threshold, 500}");
    has_term("logger", "{discard_threshold_periodic_check, 2000}");
    has_term("logger", "{level, debug}");
    has("{console, [{device, fx_log_elixir_file}, ");
    has("{format, <<\"$date $time $metadata[$level] $message\\n\">>}");
    lacks("{lager,");
    /* the node gets Elixir's code: its ebin directories on the code path */
    const char *const *pa = scenario_backend(BACKEND_ELIXIR)->code_path;
    ck_assert_ptr_nonnull(pa);
    ck_assert_ptr_nonnull(strstr(pa[0], "/elixir/ebin"));
    ck_assert_ptr_nonnull(strstr(pa[1], "/logger/ebin"));
    ck_assert_ptr_null(pa[2]);
    ck_assert_ptr_null(scenario_backend(BACKEND_OTP)->code_path);
}
END_TEST

/* Elixir's section only for backend elixir: on the others a `logger' section is not ours. */
START_TEST(test_node_sys_config_no_logger_section_otherwise)
{
    const char *sets[] = {"logger.backend=otp"};
    config_for(sets, 1);
    lacks(" {logger, [");
    has_term("fixture", "{sync_threshold, 20}");
}
END_TEST

START_TEST(test_node_sys_config_otp_defaults)
{
    const char *sets[] = {"logger.backend=otp"};
    config_for(sets, 1);
    well_formed();
    has_term("fixture", "{logger_backend, otp}");
    has_term("fixture", "{sync_mode_qlen, 10}");
    has_term("fixture", "{drop_mode_qlen, 200}");
    has_term("fixture", "{flush_qlen, 1000}");
    has_term("fixture", "{burst_limit_enable, true}");
    has_term("fixture", "{burst_limit_max_count, 500}");
    has_term("fixture", "{burst_limit_window_time, 1000}");
    has_term("fixture", "{overload_kill_enable, false}");
    has_term("fixture", "{overload_kill_qlen, 20000}");
    has_term("fixture", "{overload_kill_mem_size, 3000000}");
    has_term("fixture", "{overload_kill_restart_after, 5000}");
    lacks("{lager,");
}
END_TEST

START_TEST(test_node_sys_config_otp_overrides)
{
    const char *sets[] = {"logger.backend=otp",
                          "logger.sync_mode_qlen=2000",
                          "logger.drop_mode_qlen=2000",
                          "logger.flush_qlen=5000",
                          "logger.burst_limit_enable=false",
                          "logger.burst_limit_window_time=2s",
                          "logger.overload_kill_enable=true",
                          "logger.overload_kill_mem_size=64MiB",
                          "logger.overload_kill_restart_after=infinity"};
    config_for(sets, 9);
    has_term("fixture", "{sync_mode_qlen, 2000}");
    has_term("fixture", "{drop_mode_qlen, 2000}");
    has_term("fixture", "{flush_qlen, 5000}");
    has_term("fixture", "{burst_limit_enable, false}");
    has_term("fixture", "{burst_limit_window_time, 2000}");
    has_term("fixture", "{overload_kill_enable, true}");
    has_term("fixture", "{overload_kill_mem_size, 67108864}");
    has_term("fixture", "{overload_kill_restart_after, infinity}");
}
END_TEST

START_TEST(test_node_sys_config_escapes_the_path)
{
    ck_assert_int_eq(
        scenario_load(&sc, NULL, (const char *const[]){"logger.backend=lager"}, 1, err), 0);
    free(text);
    text = node_sys_config(&sc, "/tmp/a\"b\\c\nd");
    ck_assert_ptr_nonnull(text);
    has("{log_file, \"/tmp/a\\\"b\\\\c\\012d/fixture.log\"}");
    has("{file, \"/tmp/a\\\"b\\\\c\\012d/fixture.log\"}");
}
END_TEST

Suite *node_suite(void)
{
    Suite *s = suite_create("node");
    TCase *tc = tcase_create("sys_config");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_node_sys_config_fixture_backend_defaults);
    tcase_add_test(tc, test_node_sys_config_incident_keys);
    tcase_add_test(tc, test_node_sys_config_lager_section);
    tcase_add_test(tc, test_node_sys_config_lager_undefined_threshold_kept_as_atom);
    tcase_add_test(tc, test_node_sys_config_lager_killer);
    tcase_add_test(tc, test_node_sys_config_lager_error_logger);
    tcase_add_test(tc, test_node_sys_config_lager_level_none_has_no_handler);
    tcase_add_test(tc, test_node_sys_config_otp_defaults);
    tcase_add_test(tc, test_node_sys_config_elixir_section);
    tcase_add_test(tc, test_node_sys_config_no_logger_section_otherwise);
    tcase_add_test(tc, test_node_sys_config_otp_overrides);
    tcase_add_test(tc, test_node_sys_config_escapes_the_path);
    tcase_add_loop_test(tc, test_node_sys_config_same_terms_as_before, 0,
                        (int)(sizeof goldens / sizeof goldens[0]));
    suite_add_tcase(s, tc);
    return s;
}
