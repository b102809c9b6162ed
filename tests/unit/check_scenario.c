/* check_scenario.c -- unit tests of scenario files, --set overrides and their errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "suites.h"
#include "util.h"

static struct scenario sc; /* large: keep it off the stack */
static char err[LJ_ERR_LEN];
static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lj-scenario-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    lj_rmtree(tmpdir);
}

/* Write text to tmpdir/name; returns the path (static buffer rotated over 4 calls). */
static const char *put_file(const char *name, const char *text)
{
    static char paths[4][256];
    static unsigned next;
    char *path = paths[next++ % 4];
    FILE *f;
    snprintf(path, 256, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int load_text(const char *text)
{
    err[0] = '\0';
    return scenario_load_string(&sc, "t.ini", text, strlen(text), err);
}

static void load_ok(const char *text)
{
    ck_assert_msg(load_text(text) == 0, "should load: %s", err);
}

/* Loading must fail with one line containing want. */
static void load_bad(const char *text, const char *want)
{
    ck_assert_msg(load_text(text) == -1, "should fail (%s):\n%s", want, text);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
}

static void set_bad(const char *assignment, const char *want)
{
    scenario_defaults(&sc);
    ck_assert_msg(scenario_set(&sc, assignment, err) == -1, "--set %s should fail", assignment);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
}

/* ---- defaults and the file format ---- */

START_TEST(test_scenario_defaults_match_documentation)
{
    scenario_defaults(&sc);
    ck_assert_uint_eq(sc.duration_us, 30000000);
    ck_assert_uint_eq(sc.recovery_us, 15000000);
    ck_assert_uint_eq(sc.baseline_us, 2000000);
    ck_assert_uint_eq(sc.sample_interval_us, 250000);
    ck_assert_uint_eq(sc.node_memory_limit, 0);
    ck_assert_uint_eq(sc.boot_timeout_us, 30000000);
    ck_assert_str_eq(sc.diagnose_at, "peak");
    ck_assert_uint_eq(sc.connections, 100);
    ck_assert_uint_eq(sc.threads, 1);
    ck_assert_double_eq(sc.rate, 0);
    ck_assert_uint_eq(sc.ramp_us, 0);
    ck_assert_uint_eq(sc.nstages, 0);
    ck_assert_str_eq(sc.request, "/ping");
    ck_assert_uint_eq(sc.client_timeout_us, 1000000);
    ck_assert_int_eq(sc.pool_mode, POOL_SPAWN);
    ck_assert_uint_eq(sc.pool_size, 100);
    ck_assert_uint_eq(sc.acceptors, 16);
    ck_assert_int_eq(sc.max_connections, SCENARIO_UNDEFINED); /* infinity: no cap */
    ck_assert_int_eq(sc.backend, BACKEND_FIXTURE);
    ck_assert_int_eq(sc.level, LEVEL_INFO);
    ck_assert_int_eq(sc.async_threshold, 20);
    ck_assert_int_eq(sc.async_threshold_window, SCENARIO_UNDEFINED);
    ck_assert_int_eq(sc.killer_hwm, SCENARIO_UNDEFINED);
    ck_assert_uint_eq(sc.killer_reinstall_after_us, 5000000);
    ck_assert_uint_eq(sc.write_cost_us, 0);
    ck_assert_int_eq(sc.sync_mode_qlen, 10);
    ck_assert_int_eq(sc.drop_mode_qlen, 200);
    ck_assert_int_eq(sc.flush_qlen, 1000);
    ck_assert(sc.burst_limit_enable);
    ck_assert_int_eq(sc.burst_limit_max_count, 500);
    ck_assert_uint_eq(sc.burst_limit_window_time_us, 1000000);
    ck_assert(!sc.overload_kill_enable);
    ck_assert_int_eq(sc.overload_kill_qlen, 20000);
    ck_assert_uint_eq(sc.overload_kill_mem_size, 3000000);
    ck_assert_int_eq(sc.overload_kill_restart_after_ms, 5000);
    ck_assert_str_eq(sc.sys_config, "");
    ck_assert_uint_eq(sc.ngates, 0);
    ck_assert_int_eq(scenario_validate(&sc, err), 0);
}
END_TEST

START_TEST(test_scenario_empty_file_is_all_defaults)
{
    struct scenario d;
    load_ok("");
    scenario_defaults(&d);
    ck_assert_uint_eq(sc.duration_us, d.duration_us);
    load_ok("# only a comment\n\n; and another\n");
    ck_assert_uint_eq(sc.connections, 100);
    ck_assert_str_eq(sc.name, "t");
}
END_TEST

START_TEST(test_scenario_incident_example_parses)
{
    load_ok("# scenarios/incident.ini - debug logging left on under lager's default switch\n"
            "[run]\n"
            "duration        = 30s        ; load phase\n"
            "recovery        = 15s        ; watch the drain after load stops\n"
            "sample_interval = 250ms\n"
            "\n"
            "[load]\n"
            "connections     = 3000\n"
            "rate            = 6000/s     ; open loop\n"
            "ramp            = 5s\n"
            "request         = /work?logs=10&level=debug&bytes=200\n"
            "client_timeout  = 1s         ; the client gives up, closes, reconnects\n"
            "\n"
            "[pool]\n"
            "mode            = spawn\n"
            "\n"
            "[logger]\n"
            "backend                = fixture\n"
            "level                  = debug\n"
            "async_threshold        = 20\n"
            "async_threshold_window = 5\n"
            "\n"
            "[gates]\n"
            "processes    = max < 20000\n"
            "memory.total = delta < 256MiB\n"
            "latency      = p(99) < 500ms\n"
            "recovery     = leaked < 500\n");
    ck_assert_uint_eq(sc.connections, 3000);
    ck_assert_double_eq(sc.rate, 6000);
    ck_assert_uint_eq(sc.ramp_us, 5000000);
    ck_assert_str_eq(sc.request, "/work?logs=10&level=debug&bytes=200");
    ck_assert_int_eq(sc.level, LEVEL_DEBUG);
    ck_assert_int_eq(sc.async_threshold_window, 5);
    ck_assert_uint_eq(sc.ngates, 4);
    ck_assert_str_eq(sc.gates[1].metric, "memory.total");
    ck_assert_double_eq(sc.gates[1].value, 268435456.0);
    ck_assert_int_eq(sc.gates[3].line, 27);
}
END_TEST

START_TEST(test_scenario_comments_indent_crlf_bom_colon)
{
    load_ok("\xef\xbb\xbf# bom first\r\n"
            "  [run]  ; trailing comment\r\n"
            "    duration = 10s\r\n"
            "    recovery = 5s\r\n"
            "\tbaseline: 1s\r\n"
            "[load]\n"
            "request = /a;b ; the first ';' is part of the value\n");
    ck_assert_uint_eq(sc.duration_us, 10000000);
    ck_assert_uint_eq(sc.recovery_us, 5000000); /* indented: a key, not a continuation */
    ck_assert_uint_eq(sc.baseline_us, 1000000);
    ck_assert_str_eq(sc.request, "/a;b");
}
END_TEST

START_TEST(test_scenario_unknown_key_names_line)
{
    load_bad("[run]\nduration = 5s\n\n# x\nduraton = 5s\n",
             "t.ini:5: unknown key 'duraton' in [run] (did you mean 'duration'?)");
    load_bad("[load]\nzzzz = 1\n", "t.ini:2: unknown key 'zzzz' in [load]");
}
END_TEST

START_TEST(test_scenario_key_in_wrong_section_says_where_it_belongs)
{
    load_bad("[run]\nrate = 5/s\n", "t.ini:2: unknown key 'rate' in [run] (it belongs in [load])");
}
END_TEST

START_TEST(test_scenario_unknown_section_suggests)
{
    load_bad("[run]\n[laod]\nrate = 1\n", "t.ini:2: unknown section [laod] (did you mean [load]?)");
    load_bad("[nothing_like_it]\n", "t.ini:1: unknown section [nothing_like_it]");
    load_bad("[]\n", "t.ini:1: empty section name");
    load_bad("[run\n", "t.ini:1: missing ']'");
    load_bad("[run] x\n", "t.ini:1: unexpected 'x' after [run]");
}
END_TEST

START_TEST(test_scenario_bad_value_names_key_and_expectation)
{
    load_bad("[load]\n\nrate = fast\n",
             "t.ini:3: bad value 'fast' for [load] rate: expected a rate like 6000/s");
    load_bad("[run]\nduration = 10xs\n", "t.ini:2: bad value '10xs' for [run] duration");
    load_bad("[load]\nconnections = 0\n", "expected an integer from 1 to 100000");
    load_bad("[load]\nconnections = 100001\n", "expected an integer from 1 to 100000");
    load_bad("[load]\nthreads = 65\n", "expected an integer from 1 to 64");
    load_bad("[run]\nduration = 0s\n", "must be greater than 0");
    load_bad("[run]\nsample_interval = 5ms\n", "must be from 10ms to 1m");
    load_bad("[run]\nsample_interval = 61s\n", "must be from 10ms to 1m");
    load_bad("[run]\nnode_memory_limit = 4 GB GB\n", "expected a size like 256MiB");
    load_bad("[load]\nrate = 1000000000/s\n", "more than");
}
END_TEST

START_TEST(test_scenario_empty_value_is_an_error)
{
    load_bad("[run]\nduration =\n", "t.ini:2: empty value for [run] duration");
    load_bad("[logger]\nlevel = ; comment only\n", "t.ini:2: empty value for [logger] level");
}
END_TEST

START_TEST(test_scenario_negative_values_rejected)
{
    load_bad("[logger]\nasync_threshold = -5\n",
             "bad value '-5' for [logger] async_threshold: expected a non-negative integer or "
             "'undefined'");
    load_bad("[logger]\nflush_qlen = -1\n", "expected a non-negative integer");
    load_bad("[run]\nrecovery = -1s\n", "bad value '-1s'");
    load_bad("[load]\nrate = -5/s\n", "bad value '-5/s'");
}
END_TEST

START_TEST(test_scenario_overflow_rejected)
{
    load_bad("[logger]\nflush_qlen = 99999999999999999999\n", "bad value");
    load_bad("[logger]\nasync_threshold = 9223372036854775808\n", "bad value");
    load_bad("[run]\nnode_memory_limit = 17179869184GiB\n", "bad value");
    load_bad("[run]\nduration = 1e400\n", "bad value '1e400'");
}
END_TEST

START_TEST(test_scenario_duplicate_key_names_both_lines)
{
    load_bad("[load]\nrate = 5\nramp = 1s\nrate = 6\n",
             "t.ini:4: duplicate key 'rate' in [load] (first at line 2)");
}
END_TEST

START_TEST(test_scenario_gate_keys_may_repeat)
{
    load_ok("[gates]\nprocesses = max < 20000\nprocesses = final < 500\n");
    ck_assert_uint_eq(sc.ngates, 2);
    ck_assert_int_eq(sc.gates[0].agg, AGG_MAX);
    ck_assert_int_eq(sc.gates[1].agg, AGG_FINAL);
    ck_assert_int_eq(sc.gates[0].line, 2);
    ck_assert_int_eq(sc.gates[1].line, 3);
}
END_TEST

START_TEST(test_scenario_duplicate_section_is_an_error)
{
    load_bad("[run]\nduration = 5s\n[load]\n[run]\n",
             "t.ini:4: duplicate section [run] (first at line 1)");
}
END_TEST

START_TEST(test_scenario_key_outside_section_is_an_error)
{
    load_bad("duration = 5s\n[run]\n",
             "t.ini:1: key 'duration' outside a section (put it under [run])");
    load_bad("\nfoo = 1\n", "t.ini:2: key 'foo' outside a section");
}
END_TEST

START_TEST(test_scenario_line_without_equals_is_a_syntax_error)
{
    load_bad("[run]\nduration 5s\n", "t.ini:2: expected 'key = value'");
    load_bad("[run]\n= 5s\n", "t.ini:2: missing key name");
}
END_TEST

START_TEST(test_scenario_long_line_error_not_truncated)
{
    char *text = malloc(SCENARIO_MAX_LINE + 64);
    strcpy(text, "[load]\nrequest = /");
    size_t n = strlen(text);
    memset(text + n, 'a', SCENARIO_MAX_LINE);
    strcpy(text + n + SCENARIO_MAX_LINE, "\n");
    load_bad(text, "t.ini:2: line too long");
    free(text);
}
END_TEST

START_TEST(test_scenario_lines_longer_than_inih_buffer_still_parse)
{
    char text[2048], req[700];
    req[0] = '/';
    memset(req + 1, 'q', 598);
    req[599] = '\0';
    snprintf(text, sizeof text, "[load]\nrequest = %s   ; a comment\n%-300s\nrate = 5/s\n", req,
             "# a long comment");
    load_ok(text);
    ck_assert_str_eq(sc.request, req);
    ck_assert_double_eq(sc.rate, 5);
    /* a request too long for its buffer is refused, not cut */
    char big[SCENARIO_MAX_LINE];
    memset(big, 'r', sizeof big);
    big[0] = '/';
    snprintf(text, 32, "[load]\nrequest = ");
    big[SCENARIO_REQUEST_LEN + 10] = '\0';
    char *t2 = malloc(SCENARIO_MAX_LINE + 64);
    snprintf(t2, SCENARIO_MAX_LINE + 64, "[load]\nrequest = %s\n", big);
    load_bad(t2, "t.ini:2: bad value");
    free(t2);
}
END_TEST

START_TEST(test_scenario_nul_byte_names_line)
{
    static const char text[] = "[run]\nduration = 5s\nrecovery = 1\0s\n";
    ck_assert_int_eq(scenario_load_string(&sc, "t.ini", text, sizeof text - 1, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "t.ini:3: NUL byte"));
}
END_TEST

START_TEST(test_scenario_binary_garbage_rejected)
{
    load_bad("[run]\nduration = 5s\x01\n", "t.ini:2: control character 0x01");
    load_bad("[run]\n# \xff\xfe\n", "t.ini:2: invalid UTF-8");
    load_ok("[run]\n# caf\xc3\xa9 is fine in a comment\n");
}
END_TEST

START_TEST(test_scenario_missing_file_cannot_open)
{
    ck_assert_int_eq(scenario_load(&sc, "/nonexistent/x.ini", NULL, 0, err), -1);
    ck_assert_str_eq(err, "/nonexistent/x.ini: cannot open: No such file or directory");
}
END_TEST

START_TEST(test_scenario_load_file_sets_path_and_name)
{
    make_tmpdir();
    const char *path = put_file("incident.ini", "[run]\nduration = 7s\n");
    ck_assert_msg(scenario_load(&sc, path, NULL, 0, err) == 0, "%s", err);
    ck_assert_str_eq(sc.path, path);
    ck_assert_str_eq(sc.name, "incident");
    ck_assert_uint_eq(sc.duration_us, 7000000);
    ck_assert_int_eq(scenario_load(&sc, NULL, NULL, 0, err), 0);
    ck_assert_str_eq(sc.path, "");
    remove_tmpdir();
}
END_TEST

/* ---- every key type ---- */

START_TEST(test_scenario_every_key_type_parses)
{
    make_tmpdir();
    put_file("my.config", "[].\n");
    const char *path = put_file("all.ini", "[run]\n"
                                           "duration = 1m\n"
                                           "node_memory_limit = 2GiB\n"
                                           "diagnose_at = memory.total >= 1GiB\n"
                                           "[load]\n"
                                           "connections = 8\nthreads = 2\n"
                                           "stages = 10s:1000/s, 30s:6000/s, 20s:0/s\n"
                                           "[pool]\nmode = bounded\nsize = 50\nacceptors = 4\n"
                                           "[logger]\n"
                                           "backend = otp\nlevel = none\n"
                                           "async_threshold = undefined\nkiller_hwm = 1000\n"
                                           "write_cost = 50us\n"
                                           "burst_limit_enable = no\noverload_kill_enable = on\n"
                                           "overload_kill_mem_size = 64MiB\n"
                                           "overload_kill_restart_after = infinity\n"
                                           "sys_config = my.config\n");
    ck_assert_msg(scenario_load(&sc, path, NULL, 0, err) == 0, "%s", err);
    ck_assert_uint_eq(sc.node_memory_limit, 2147483648ull);
    ck_assert_str_eq(sc.diagnose_at, "memory.total >= 1GiB");
    ck_assert_uint_eq(sc.nstages, 3);
    ck_assert_uint_eq(sc.stages[1].duration_us, 30000000);
    ck_assert_double_eq(sc.stages[1].rate, 6000);
    ck_assert_double_eq(sc.stages[2].rate, 0);
    ck_assert_int_eq(sc.pool_mode, POOL_BOUNDED);
    ck_assert_int_eq(sc.backend, BACKEND_OTP);
    ck_assert_int_eq(sc.level, LEVEL_NONE);
    ck_assert_int_eq(sc.async_threshold, SCENARIO_UNDEFINED);
    ck_assert_int_eq(sc.killer_hwm, 1000);
    ck_assert_uint_eq(sc.write_cost_us, 50);
    ck_assert(!sc.burst_limit_enable);
    ck_assert(sc.overload_kill_enable);
    ck_assert_uint_eq(sc.overload_kill_mem_size, 64u << 20);
    ck_assert_int_eq(sc.overload_kill_restart_after_ms, SCENARIO_UNDEFINED);
    ck_assert_ptr_nonnull(strstr(sc.sys_config, "/my.config")); /* resolved next to the file */
    ck_assert_int_eq(sc.sys_config[0], '/');
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_enum_values_suggest)
{
    load_bad("[pool]\nmode = spwan\n",
             "t.ini:2: bad value 'spwan' for [pool] mode: expected one of spawn bounded (did you "
             "mean 'spawn'?)");
    load_bad("[logger]\nbackend = log4j\n", "expected one of fixture lager otp elixir");
    load_bad("[logger]\nlevel = verbose\n", "expected one of debug info");
    load_bad("[logger]\nburst_limit_enable = maybe\n", "expected true or false");
}
END_TEST

START_TEST(test_scenario_request_must_be_a_clean_path)
{
    load_ok("[load]\nrequest = /work?logs=10&level=debug&bytes=200\n");
    load_bad("[load]\nrequest = work\n", "starting with '/'");
    load_bad("[load]\nrequest = /a b\n", "no spaces");
    load_bad("[load]\nrequest = /caf\xc3\xa9\n", "printable ASCII");
}
END_TEST

START_TEST(test_scenario_stages_errors)
{
    load_bad("[load]\nstages = 10s\n", "is not DURATION:RATE");
    load_bad("[load]\nstages = 10s:fast\n", "bad stage rate 'fast'");
    load_bad("[load]\nstages = 0s:10/s\n", "bad stage duration '0s'");
    load_bad("[load]\nstages = 1s:1/s,,2s:2/s\n", "empty stage");
    load_bad("[load]\nstages = 1s:1/s,\n", "empty stage");
    char text[2048] = "[load]\nstages = ";
    for (int i = 0; i < SCENARIO_MAX_STAGES + 1; i++)
        strcat(text, i ? ",1s:1/s" : "1s:1/s");
    strcat(text, "\n");
    load_bad(text, "more than 32 stages");
}
END_TEST

START_TEST(test_scenario_diagnose_at_validates_metric_and_value)
{
    load_ok("[run]\ndiagnose_at = never\n");
    load_ok("[run]\ndiagnose_at = processes > 50000\n");
    load_bad("[run]\ndiagnose_at = proceses > 50000\n",
             "t.ini:2: bad value 'proceses > 50000' for [run] diagnose_at: unknown metric "
             "'proceses' (did you mean 'processes'?)");
    load_bad("[run]\ndiagnose_at = processes > many\n", "expected a number");
    load_bad("[run]\ndiagnose_at = processes < 5\n", "use > or >=");
    load_bad("[run]\ndiagnose_at = sometimes\n", "diagnose_at");
}
END_TEST

START_TEST(test_scenario_restart_after_whole_milliseconds_or_infinity)
{
    load_ok("[logger]\noverload_kill_restart_after = 250ms\n");
    ck_assert_int_eq(sc.overload_kill_restart_after_ms, 250);
    load_bad("[logger]\noverload_kill_restart_after = 1500us\n", "whole milliseconds");
}
END_TEST

START_TEST(test_scenario_sys_config_must_exist)
{
    make_tmpdir();
    const char *path = put_file("s.ini", "[logger]\n\nsys_config = nope.config\n");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    ck_assert_ptr_nonnull(
        strstr(err, "s.ini:3: bad value 'nope.config' for [logger] sys_config: cannot read"));
    ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
    path = put_file("d.ini", "[logger]\nsys_config = .\n");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    remove_tmpdir();
}
END_TEST

/* ---- gates in the file ---- */

START_TEST(test_scenario_gate_errors_name_line)
{
    load_bad("[gates]\nprocesses = max < 5\nproceses = max < 5\n",
             "t.ini:3: unknown metric 'proceses' (did you mean 'processes'?)");
    load_bad("[gates]\n\nprocesses = mux < 5\n", "t.ini:3: unknown aggregate 'mux'");
    load_bad("[gates]\nprocesses = max =< 5\n", "t.ini:2: bad operator '=<'");
    load_bad("[gates]\nlatency = count < 5\n", "t.ini:2: aggregate 'count' does not apply");
}
END_TEST

START_TEST(test_scenario_gate_abort_flag)
{
    load_ok("[gates]\nmemory.total = max < 4GiB, abort\n");
    ck_assert(sc.gates[0].abort);
    ck_assert_str_eq(sc.gates[0].expr, "max < 4GiB");
}
END_TEST

START_TEST(test_scenario_too_many_gates)
{
    char *text = malloc(8192);
    strcpy(text, "[gates]\n");
    for (int i = 0; i <= SCENARIO_MAX_GATES; i++)
        strcat(text, "processes = max < 5\n");
    load_bad(text, "t.ini:66: too many gates (max 64)");
    free(text);
}
END_TEST

/* ---- cross-key rules ---- */

START_TEST(test_scenario_window_larger_than_threshold_names_line)
{
    load_bad("[logger]\nasync_threshold = 20\n\nasync_threshold_window = 25\n",
             "t.ini:4: [logger] async_threshold_window 25 is larger than async_threshold 20 "
             "(lager rejects this as bad_config)");
    /* the later of the two keys is blamed */
    load_bad("[logger]\nasync_threshold_window = 25\nasync_threshold = 20\n", "t.ini:3:");
    load_ok("[logger]\nasync_threshold = undefined\nasync_threshold_window = 25\n");
    load_ok("[logger]\nasync_threshold = 20\nasync_threshold_window = 20\n");
}
END_TEST

START_TEST(test_scenario_max_connections)
{
    load_ok("[pool]\nmax_connections = 1024\n");
    ck_assert_int_eq(sc.max_connections, 1024);
    load_ok("[pool]\nmax_connections = infinity\n");
    ck_assert_int_eq(sc.max_connections, SCENARIO_UNDEFINED);
    load_bad("[pool]\nmax_connections = 0\n",
             "t.ini:2: bad value '0' for [pool] max_connections: expected an integer >= 1, or "
             "infinity");
    load_bad("[pool]\nmax_connections = -5\n", "t.ini:2: bad value '-5'");
    load_bad("[pool]\nmax_connections = lots\n", "t.ini:2: bad value 'lots'");
}
END_TEST

START_TEST(test_scenario_limit_section)
{
    load_ok("[load]\nrate = 3000/s\n[limit]\naxis = load.connections\nfrom = 100\nto = 4000\n"
            "precision = 5%\ntrial = 8s\nmin = 6000\nheadroom = 2x\n");
    ck_assert_int_eq(sc.limit_axis, LIMIT_AXIS_CONNECTIONS);
    ck_assert(sc.limit_from.v == 100 && sc.limit_to.v == 4000 && sc.limit_min.v == 6000);
    ck_assert(fabs(sc.limit_precision - 0.05) < 1e-12 && sc.limit_headroom == 2);
    ck_assert_uint_eq(sc.limit_trial_us, 8000000);
    load_ok("[load]\nrate = 10/s\n[limit]\nheadroom = 1.5\n");
    load_bad("[limit]\naxis = load.rat\n",
             "t.ini:2: bad value 'load.rat' for [limit] axis: expected one of load.rate "
             "load.connections (did you mean 'load.rate'?)");
    load_bad("[limit]\nprecision = 0%\n", "t.ini:2: bad value '0%' for [limit] precision");
    load_bad("[limit]\nprecision = 10\n", "t.ini:2: bad value '10' for [limit] precision");
    load_bad("[limit]\nheadroom = two\n", "t.ini:2: bad value 'two' for [limit] headroom");
    load_bad("[limit]\nheadroom = 2y\n", "t.ini:2: bad value '2y' for [limit] headroom");
    load_bad("[limit]\nheadroom = 2x\n",
             "t.ini:2: [limit] headroom is a multiple of [load] rate: set a rate, or use min");
    load_bad("[limit]\nfrom = 500\nto = 400\n", "t.ini:3: [limit] to must be above from");
    /* from, to and min read by the axis: a count on load.connections, a rate on load.rate */
    load_ok("[limit]\nfrom = 50\nto = 6000/s\n");
    ck_assert(sc.limit_from.v == 50 && sc.limit_to.v == 6000);
    load_ok("[limit]\nfrom = 30/m\n");
    ck_assert(sc.limit_from.v == 0.5);
    load_bad("[limit]\naxis = load.connections\nfrom = 50/s\n",
             "t.ini:3: bad value '50/s' for [limit] from: the axis load.connections takes a count "
             "from 1 to 100000, like 50");
    load_bad("[limit]\nto = 2.5\naxis = load.connections\n",
             "t.ini:2: bad value '2.5' for [limit] to: the axis load.connections");
    load_bad("[limit]\naxis = load.connections\nmin = 200000\n",
             "t.ini:3: bad value '200000' for [limit] min");
    load_bad("[limit]\nfrom = 50 lots\n",
             "t.ini:2: bad value '50 lots' for [limit] from: expected a rate like 6000/s, or a "
             "count like 50 on load.connections");
    load_bad("[limt]\nmin = 1\n", "t.ini:1: unknown section [limt] (did you mean [limit]?)");
}
END_TEST

START_TEST(test_scenario_otp_qlen_order)
{
    load_bad("[logger]\nbackend = otp\nsync_mode_qlen = 300\n",
             "t.ini:3: [logger] OTP logger needs sync_mode_qlen <= drop_mode_qlen <= flush_qlen, "
             "got 300, 200, 1000");
    load_bad("[logger]\nbackend = otp\nflush_qlen = 100\n", "t.ini:3: [logger] OTP logger needs");
    /* a backend's rules hold only when it is the backend: the fixture reads no OTP queue */
    load_ok("[logger]\nflush_qlen = 100\n");
    load_ok("[logger]\nbackend = otp\nasync_threshold = 20\nasync_threshold_window = 25\n");
    load_bad("[logger]\ndrop_mode_qlen = 1\n",
             "t.ini:2: bad value '1' for [logger] drop_mode_qlen: expected an integer >= 2");
    load_ok("[logger]\nsync_mode_qlen = 200\ndrop_mode_qlen = 200\nflush_qlen = 200\n");
}
END_TEST

/* What each logger backend rejects, in a file and through --set, before anything starts. */
START_TEST(test_scenario_backend_invalid_combinations)
{
    /* lager: negative threshold / window / killer_hwm, window > threshold */
    load_bad("[logger]\nbackend = lager\nasync_threshold_window = -1\n",
             "t.ini:3: bad value '-1' for [logger] async_threshold_window");
    load_bad("[logger]\nbackend = lager\nkiller_hwm = -1\n",
             "t.ini:3: bad value '-1' for [logger] killer_hwm");
    load_bad("[logger]\nbackend = lager\nasync_threshold_window = 5\nasync_threshold = 4\n",
             "t.ini:4: [logger] async_threshold_window 5 is larger than async_threshold 4");
    const char *window[] = {"logger.backend=lager", "logger.async_threshold_window=30"};
    ck_assert_int_eq(scenario_load(&sc, NULL, window, 2, err), -1);
    ck_assert_str_eq(err,
                     "--set logger.async_threshold_window=30: [logger] async_threshold_window "
                     "30 is larger than async_threshold 20 (lager rejects this as bad_config)");
    /* OTP: drop < sync, flush < drop, drop_mode_qlen <= 1 */
    load_bad("[logger]\nbackend = otp\nsync_mode_qlen = 50\ndrop_mode_qlen = 40\n",
             "t.ini:4: [logger] OTP logger needs sync_mode_qlen <= drop_mode_qlen <= flush_qlen, "
             "got 50, 40, 1000");
    load_bad("[logger]\nbackend = otp\ndrop_mode_qlen = 300\nflush_qlen = 250\n",
             "t.ini:4: [logger] OTP logger needs sync_mode_qlen <= drop_mode_qlen <= flush_qlen, "
             "got 10, 300, 250");
    load_bad("[logger]\nbackend = otp\ndrop_mode_qlen = 0\n",
             "t.ini:3: bad value '0' for [logger] drop_mode_qlen: expected an integer >= 2");
    const char *otp[] = {"logger.backend=otp", "logger.flush_qlen=150"};
    ck_assert_int_eq(scenario_load(&sc, NULL, otp, 2, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--set logger.flush_qlen=150: [logger] OTP logger needs"));
    /* the edges that are allowed: window == threshold (lager 3.x accepts it), sync == drop
     * (disables sync mode), drop == flush (disables drop mode), sync 0 (always sync) */
    load_ok("[logger]\nbackend = lager\nasync_threshold = 5\nasync_threshold_window = 5\n");
    load_ok("[logger]\nbackend = otp\nsync_mode_qlen = 0\ndrop_mode_qlen = 2\nflush_qlen = 2\n");
    /* Elixir: negative thresholds, a negative or unitless-garbage periodic check */
    load_bad(
        "[logger]\nbackend = elixir\nsync_threshold = -1\n",
        "t.ini:3: bad value '-1' for [logger] sync_threshold: expected a non-negative integer");
    load_bad(
        "[logger]\nbackend = elixir\ndiscard_threshold = -1\n",
        "t.ini:3: bad value '-1' for [logger] discard_threshold: expected a non-negative integer");
    load_bad("[logger]\nbackend = elixir\ndiscard_threshold = lots\n",
             "t.ini:3: bad value 'lots' for [logger] discard_threshold");
    load_bad("[logger]\nbackend = elixir\ndiscard_threshold_periodic_check = -1s\n",
             "t.ini:3: bad value '-1s' for [logger] discard_threshold_periodic_check");
    load_bad("[logger]\nbackend = elixir\ndiscard_threshold_periodic_check = often\n",
             "t.ini:3: bad value 'often' for [logger] discard_threshold_periodic_check");
    const char *elixir[] = {"logger.backend=elixir", "logger.sync_threshold=-20"};
    ck_assert_int_eq(scenario_load(&sc, NULL, elixir, 2, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--set logger.sync_threshold=-20: bad value '-20'"));
    /* what Elixir 1.14 accepts: sync 0 (always sync), discard <= sync (callers drop before
     * they would block: sync_threshold means nothing), both at 10,000, a 0 ms check */
    load_ok("[logger]\nbackend = elixir\nsync_threshold = 0\n");
    load_ok("[logger]\nbackend = elixir\nsync_threshold = 500\ndiscard_threshold = 20\n");
    load_ok("[logger]\nbackend = elixir\nsync_threshold = 10000\ndiscard_threshold = 10000\n");
    load_ok("[logger]\nbackend = elixir\ndiscard_threshold_periodic_check = 0\n");
}
END_TEST

/* The Elixir keys under Elixir's names and defaults (logger.app of 1.14.0). */
START_TEST(test_scenario_elixir_keys)
{
    load_ok("[logger]\nbackend = elixir\n");
    ck_assert_int_eq(sc.backend, BACKEND_ELIXIR);
    ck_assert_int_eq(sc.sync_threshold, 20);
    ck_assert_int_eq(sc.discard_threshold, 500);
    ck_assert_uint_eq(sc.discard_threshold_periodic_check_us, 30000000);
    load_ok("[logger]\nbackend = elixir\nsync_threshold = 10000\ndiscard_threshold = 10000\n"
            "discard_threshold_periodic_check = 1m\n");
    ck_assert_int_eq(sc.sync_threshold, 10000);
    ck_assert_int_eq(sc.discard_threshold, 10000);
    ck_assert_uint_eq(sc.discard_threshold_periodic_check_us, 60000000);
}
END_TEST

START_TEST(test_scenario_stages_exclude_rate_and_ramp)
{
    load_bad("[load]\nrate = 5/s\nstages = 10s:5/s\n",
             "t.ini:3: [load] stages replace rate and ramp");
    load_ok("[load]\nrate = 0/s\nstages = 10s:5/s\n");
    load_bad("[run]\nduration = 10s\n[load]\nstages = 10s:5/s, 1s:0/s\n",
             "t.ini:4: [load] stages last 11s, longer than [run] duration 10s");
}
END_TEST

START_TEST(test_scenario_ramp_not_longer_than_duration)
{
    load_bad("[run]\nduration = 10s\n[load]\nramp = 11s\n",
             "t.ini:4: [load] ramp 11s is longer than [run] duration 10s");
    load_ok("[run]\nduration = 10s\n[load]\nramp = 10s\n");
}
END_TEST

START_TEST(test_scenario_threads_not_more_than_connections)
{
    load_bad("[load]\nconnections = 2\nthreads = 4\n",
             "t.ini:3: [load] threads 4 is more than connections 2");
}
END_TEST

/* ---- includes ---- */

START_TEST(test_scenario_include_relative_to_including_file)
{
    make_tmpdir();
    put_file("base.ini", "[load]\nrate = 100/s\nconnections = 7\n");
    const char *path = put_file("top.ini", "include = base.ini\n[load]\nrate = 200/s\n");
    ck_assert_msg(scenario_load(&sc, path, NULL, 0, err) == 0, "%s", err);
    ck_assert_double_eq(sc.rate, 200); /* the includer overrides what it included before */
    ck_assert_uint_eq(sc.connections, 7);
    path = put_file("sec.ini", "[run]\nduration = 9s\n[include]\ninclude = base.ini\n");
    ck_assert_msg(scenario_load(&sc, path, NULL, 0, err) == 0, "%s", err);
    ck_assert_uint_eq(sc.connections, 7);
    ck_assert_uint_eq(sc.duration_us, 9000000);
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_missing_include_names_line)
{
    make_tmpdir();
    const char *path = put_file("a.ini", "include = b.ini\n");
    char want[256];
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    snprintf(want, sizeof want, "%s:1: cannot open include 'b.ini': No such file or directory",
             path);
    ck_assert_str_eq(err, want);
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_include_cycle_and_depth)
{
    make_tmpdir();
    put_file("x.ini", "include = y.ini\n");
    const char *path = put_file("y.ini", "# y\ninclude = x.ini\n");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "x.ini:1: include cycle: 'y.ini' is already being read"));
    ck_assert_ptr_nonnull(strstr(err, "(included from "));
    put_file("d1.ini", "include = d2.ini\n");
    put_file("d2.ini", "include = d3.ini\n");
    put_file("d3.ini", "include = d4.ini\n");
    put_file("d4.ini", "include = d5.ini\n");
    put_file("d5.ini", "[run]\n");
    path = put_file("d0.ini", "include = d1.ini\n");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nested too deeply"));
    path = put_file("d0.ini", "include = d2.ini\n"); /* 4 levels are fine */
    ck_assert_msg(scenario_load(&sc, path, NULL, 0, err) == 0, "%s", err);
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_error_inside_include_names_that_file)
{
    make_tmpdir();
    put_file("bad.ini", "[run]\n\nduraton = 1s\n");
    const char *path = put_file("top.ini", "[run]\nrecovery = 1s\n[include]\ninclude = bad.ini\n");
    ck_assert_int_eq(scenario_load(&sc, path, NULL, 0, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/bad.ini:3: unknown key 'duraton'"));
    ck_assert_ptr_nonnull(strstr(err, "top.ini:4)"));
    ck_assert_ptr_null(strchr(err, '\n'));
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_include_section_takes_only_include)
{
    load_bad("[include]\nrate = 5\n", "t.ini:2: unknown key 'rate' in [include]");
}
END_TEST

/* ---- overrides ---- */

START_TEST(test_scenario_override_after_file)
{
    make_tmpdir();
    const char *path = put_file("o.ini", "[load]\nrate = 100/s\n[gates]\nprocesses = max < 5\n");
    const char *const sets[] = {"load.rate=250/s", " run.duration = 12s ",
                                "gates.processes=max < 10", "gates.memory.total=delta < 1GiB"};
    ck_assert_msg(scenario_load(&sc, path, sets, 4, err) == 0, "%s", err);
    ck_assert_double_eq(sc.rate, 250);
    ck_assert_uint_eq(sc.duration_us, 12000000);
    ck_assert_uint_eq(sc.ngates, 3);
    ck_assert_double_eq(sc.gates[1].value, 10);
    ck_assert_int_eq(sc.gates[1].line, 0);
    ck_assert_str_eq(sc.gates[2].metric, "memory.total");
    remove_tmpdir();
}
END_TEST

START_TEST(test_scenario_override_errors)
{
    set_bad("load.rat=5", "--set load.rat=5: unknown key 'rat' in [load] (did you mean 'rate'?)");
    set_bad("lod.rate=5", "--set lod.rate=5: unknown section [lod] (did you mean [load]?)");
    set_bad("load.rate", "--set load.rate: expected section.key=value");
    set_bad("rate=5", "--set rate=5: expected section.key=value (did you mean load.rate=5?)");
    set_bad("load.rate=fast", "--set load.rate=fast: bad value 'fast' for [load] rate");
    set_bad("gates.proceses=max < 5", "--set gates.proceses=max < 5: unknown metric");
    set_bad("include.include=x.ini", "unknown section [include]");
    set_bad("load.rate=", "empty value for [load] rate");
}
END_TEST

START_TEST(test_scenario_override_cross_key_error_blames_set)
{
    const char *const sets[] = {"load.ramp=40s"};
    ck_assert_int_eq(scenario_load(&sc, NULL, sets, 1, err), -1);
    ck_assert_str_eq(err, "--set load.ramp=40s: [load] ramp 40s is longer than [run] duration 30s");
}
END_TEST

START_TEST(test_scenario_set_then_validate)
{
    scenario_defaults(&sc);
    ck_assert_int_eq(scenario_set(&sc, "logger.async_threshold_window=30", err), 0);
    ck_assert_int_eq(scenario_validate(&sc, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "async_threshold_window 30 is larger"));
}
END_TEST

START_TEST(test_scenario_too_many_overrides)
{
    const char *sets[SCENARIO_MAX_OVERRIDES + 1];
    for (int i = 0; i <= SCENARIO_MAX_OVERRIDES; i++)
        sets[i] = "run.duration=1s";
    ck_assert_int_eq(scenario_load(&sc, NULL, sets, SCENARIO_MAX_OVERRIDES + 1, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "too many --set"));
}
END_TEST

/* ---- foreach, round trip, key reference ---- */

struct text {
    char buf[16384];
    char last[32];
    size_t n;
    unsigned count;
};

static void append_kv(const char *section, const char *key, const char *value, void *arg)
{
    struct text *t = arg;
    if (strcmp(t->last, section) != 0) {
        t->n += (size_t)snprintf(t->buf + t->n, sizeof t->buf - t->n, "[%s]\n", section);
        snprintf(t->last, sizeof t->last, "%s", section);
    }
    t->n += (size_t)snprintf(t->buf + t->n, sizeof t->buf - t->n, "%s = %s\n", key, value);
    t->count++;
}

static void assert_same(const struct scenario *a, const struct scenario *b)
{
    ck_assert_uint_eq(a->duration_us, b->duration_us);
    ck_assert_uint_eq(a->recovery_us, b->recovery_us);
    ck_assert_uint_eq(a->baseline_us, b->baseline_us);
    ck_assert_uint_eq(a->sample_interval_us, b->sample_interval_us);
    ck_assert_uint_eq(a->node_memory_limit, b->node_memory_limit);
    ck_assert_uint_eq(a->boot_timeout_us, b->boot_timeout_us);
    ck_assert_str_eq(a->diagnose_at, b->diagnose_at);
    ck_assert_uint_eq(a->connections, b->connections);
    ck_assert_uint_eq(a->threads, b->threads);
    ck_assert(a->rate == b->rate);
    ck_assert_uint_eq(a->ramp_us, b->ramp_us);
    ck_assert_uint_eq(a->nstages, b->nstages);
    for (unsigned i = 0; i < a->nstages; i++) {
        ck_assert_uint_eq(a->stages[i].duration_us, b->stages[i].duration_us);
        ck_assert(a->stages[i].rate == b->stages[i].rate);
    }
    ck_assert_str_eq(a->request, b->request);
    ck_assert_uint_eq(a->client_timeout_us, b->client_timeout_us);
    ck_assert_int_eq(a->pool_mode, b->pool_mode);
    ck_assert_uint_eq(a->pool_size, b->pool_size);
    ck_assert_uint_eq(a->acceptors, b->acceptors);
    ck_assert_int_eq(a->backend, b->backend);
    ck_assert_int_eq(a->level, b->level);
    ck_assert_int_eq(a->async_threshold, b->async_threshold);
    ck_assert_int_eq(a->async_threshold_window, b->async_threshold_window);
    ck_assert_int_eq(a->killer_hwm, b->killer_hwm);
    ck_assert_uint_eq(a->killer_reinstall_after_us, b->killer_reinstall_after_us);
    ck_assert_uint_eq(a->write_cost_us, b->write_cost_us);
    ck_assert_int_eq(a->sync_mode_qlen, b->sync_mode_qlen);
    ck_assert_int_eq(a->drop_mode_qlen, b->drop_mode_qlen);
    ck_assert_int_eq(a->flush_qlen, b->flush_qlen);
    ck_assert_int_eq(a->burst_limit_enable, b->burst_limit_enable);
    ck_assert_int_eq(a->burst_limit_max_count, b->burst_limit_max_count);
    ck_assert_uint_eq(a->burst_limit_window_time_us, b->burst_limit_window_time_us);
    ck_assert_int_eq(a->overload_kill_enable, b->overload_kill_enable);
    ck_assert_int_eq(a->overload_kill_qlen, b->overload_kill_qlen);
    ck_assert_uint_eq(a->overload_kill_mem_size, b->overload_kill_mem_size);
    ck_assert_int_eq(a->overload_kill_restart_after_ms, b->overload_kill_restart_after_ms);
    ck_assert_str_eq(a->sys_config, b->sys_config);
    ck_assert_uint_eq(a->ngates, b->ngates);
    for (unsigned i = 0; i < a->ngates; i++) {
        ck_assert_str_eq(a->gates[i].metric, b->gates[i].metric);
        ck_assert_str_eq(a->gates[i].expr, b->gates[i].expr);
        ck_assert_int_eq(a->gates[i].agg, b->gates[i].agg);
        ck_assert(a->gates[i].pct == b->gates[i].pct);
        ck_assert_int_eq(a->gates[i].op, b->gates[i].op);
        ck_assert(a->gates[i].value == b->gates[i].value);
        ck_assert_int_eq(a->gates[i].abort, b->gates[i].abort);
    }
}

static void round_trip(const char *text)
{
    static struct scenario again;
    static struct text t;
    memset(&t, 0, sizeof t);
    load_ok(text);
    scenario_foreach(&sc, append_kv, &t);
    ck_assert_msg(scenario_load_string(&again, "again.ini", t.buf, t.n, err) == 0, "%s\n%s", err,
                  t.buf);
    assert_same(&sc, &again);
}

START_TEST(test_scenario_foreach_round_trip)
{
    round_trip("");
    round_trip("[run]\nduration = 1.5s\nrecovery = 0\nbaseline = 1234567us\n"
               "sample_interval = 10ms\nnode_memory_limit = 3000001\ndiagnose_at = processes > 5\n"
               "[load]\nconnections = 3000\nthreads = 3\nrate = 0.5/s\nramp = 1s\n"
               "request = /work?logs=10&level=debug\nclient_timeout = 90s\n"
               "[pool]\nmode = bounded\nsize = 7\nacceptors = 1\n"
               "[logger]\nbackend = lager\nlevel = emergency\nasync_threshold = 30\n"
               "async_threshold_window = 3\nkiller_hwm = 100\nkiller_reinstall_after = 2h\n"
               "write_cost = 3us\nsync_mode_qlen = 0\ndrop_mode_qlen = 2\nflush_qlen = 2\n"
               "burst_limit_enable = false\nburst_limit_max_count = 0\n"
               "burst_limit_window_time = 100ms\noverload_kill_enable = true\n"
               "overload_kill_qlen = 1\noverload_kill_mem_size = 1536KiB\n"
               "overload_kill_restart_after = infinity\n"
               "sync_threshold = 0\ndiscard_threshold = 10000\n"
               "discard_threshold_periodic_check = 250ms\n"
               "[gates]\nprocesses = max < 20000\nlatency = p(99.9) < 500ms, abort\n"
               "requests.failed = rate < 1%\nmemory.total = slope < -1MiB/s\n");
    round_trip("[run]\nduration = 1m\n[load]\nstages = 10s:1000/s, 30s:0.25/s, 20s:0/s\n");
    round_trip("[load]\nrate = 100/s\n[limit]\naxis = load.connections\nfrom = 10\nto = 900\n"
               "precision = 2.5%\ntrial = 5s\nmin = 700\nheadroom = 1.5x\n");
}
END_TEST

START_TEST(test_scenario_foreach_reports_every_key_formatted)
{
    static struct text t;
    memset(&t, 0, sizeof t);
    scenario_defaults(&sc);
    scenario_foreach(&sc, append_kv, &t);
    ck_assert_uint_eq(t.count, 55);
    ck_assert_ptr_nonnull(strstr(t.buf, "precision = 10%\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "headroom = 0x\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "max_connections = infinity\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "sample_interval = 250ms\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "async_threshold_window = undefined\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "overload_kill_mem_size = 3MB\n"));
    ck_assert_ptr_nonnull(strstr(t.buf, "mode = spawn\n"));
}
END_TEST

START_TEST(test_scenario_print_keys_lists_every_key)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    static struct text t;
    memset(&t, 0, sizeof t);
    scenario_print_keys(f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "[logger]"));
    ck_assert_ptr_nonnull(strstr(buf, "async_threshold_window"));
    ck_assert_ptr_nonnull(strstr(buf, "METRIC = AGG OP VALUE"));
    scenario_defaults(&sc);
    scenario_foreach(&sc, append_kv, &t);
    /* every key foreach reports is documented */
    for (char *line = strtok(t.buf, "\n"); line; line = strtok(NULL, "\n")) {
        char key[64];
        if (line[0] == '[' || sscanf(line, "%63s", key) != 1)
            continue;
        ck_assert_msg(strstr(buf, key) != NULL, "key %s missing from --help", key);
    }
    free(buf);
}
END_TEST

START_TEST(test_scenario_names)
{
    ck_assert_str_eq(scenario_level_name(LEVEL_WARNING), "warning");
    ck_assert_str_eq(scenario_level_name(LEVEL_NONE), "none");
    ck_assert_str_eq(scenario_backend_name(BACKEND_LAGER), "lager");
    ck_assert_str_eq(scenario_pool_name(POOL_BOUNDED), "bounded");
    ck_assert_str_eq(scenario_pool_name((enum pool_mode)9), "?");
}
END_TEST

/* ---- [sweep] ---- */

START_TEST(test_scenario_sweep_section_reads_axes_and_rows)
{
    load_ok("[sweep]\n"
            "logger.async_threshold = 20, 200 ,undefined\n"
            "load.connections = 100, 3000\n"
            "lager-default = logger.backend=lager, logger.async_threshold = 20\n"
            "as-is =\n");
    ck_assert_uint_eq(sc.nsweep, 2);
    ck_assert_str_eq(sc.sweep[0].key, "logger.async_threshold");
    ck_assert_uint_eq(sc.sweep[0].nvalues, 3);
    ck_assert_str_eq(sc.sweep[0].values[1], "200");
    ck_assert_str_eq(sc.sweep[0].values[2], "undefined");
    ck_assert_str_eq(sc.sweep[1].key, "load.connections");
    ck_assert_uint_eq(sc.nsweep_rows, 2);
    ck_assert_str_eq(sc.sweep_rows[0].name, "lager-default");
    ck_assert_str_eq(sc.sweep_rows[0].sets, "logger.backend=lager, logger.async_threshold=20");
    ck_assert_str_eq(sc.sweep_rows[1].sets, "");
    ck_assert_int_eq(sc.async_threshold, 20); /* [sweep] does not change the scenario itself */
}
END_TEST

START_TEST(test_scenario_sweep_errors_name_line)
{
    load_bad("[run]\n[sweep]\nlogger.async_threshol = 1, 2\n",
             "t.ini:3: [sweep] logger.async_threshol: unknown key 'async_threshol' in [logger] "
             "(did you mean 'async_threshold'?)");
    load_bad("[sweep]\nlogger.async_threshold = 20, lots\n",
             "t.ini:2: [sweep] logger.async_threshold: bad value 'lots' for [logger] "
             "async_threshold");
    load_bad("[sweep]\nlogger.level = debug,,info\n", "t.ini:2: [sweep] logger.level: empty value");
    load_bad("[sweep]\nlogger.level = debug, debug\n", "listed twice");
    load_bad("[sweep]\ngates.processes = max < 1, max < 2\n", "[gates] cannot be swept");
    load_bad("[sweep]\nlogger.level = debug\nlogger.level = info\n",
             "t.ini:3: [sweep] logger.level: logger.level is already swept");
    load_bad("[sweep]\nx = logger.level=loud\n", "t.ini:2: [sweep] x: bad value 'loud'");
    load_bad("[sweep]\nx = logger.level\n", "is not section.key=value");
    load_bad("[sweep]\nx =\nx =\n", "row 'x' is defined twice");
    load_bad("[sweep]\nlogger.level = a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n", "more than 16 values");
}
END_TEST

START_TEST(test_scenario_sweep_add_replaces_on_vary)
{
    load_ok("[sweep]\nlogger.level = debug, info\n");
    ck_assert_int_eq(scenario_sweep_add(&sc, "logger.level", "notice", false, err), -1);
    ck_assert_int_eq(scenario_sweep_add(&sc, "logger.level", "notice, none", true, err), 0);
    ck_assert_uint_eq(sc.nsweep, 1);
    ck_assert_uint_eq(sc.sweep[0].nvalues, 2);
    ck_assert_str_eq(sc.sweep[0].values[1], "none");
    ck_assert_int_eq(scenario_sweep_add(&sc, "load.rate", "10/s", true, err), 0);
    ck_assert_uint_eq(sc.nsweep, 2);
    ck_assert_int_eq(scenario_sweep_add(&sc, "laod.rate", "10/s", true, err), -1);
    ck_assert_msg(strstr(err, "did you mean [load]") != NULL, "%s", err);
}
END_TEST

Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("file");
    tcase_add_test(tc, test_scenario_defaults_match_documentation);
    tcase_add_test(tc, test_scenario_empty_file_is_all_defaults);
    tcase_add_test(tc, test_scenario_incident_example_parses);
    tcase_add_test(tc, test_scenario_comments_indent_crlf_bom_colon);
    tcase_add_test(tc, test_scenario_unknown_key_names_line);
    tcase_add_test(tc, test_scenario_key_in_wrong_section_says_where_it_belongs);
    tcase_add_test(tc, test_scenario_unknown_section_suggests);
    tcase_add_test(tc, test_scenario_bad_value_names_key_and_expectation);
    tcase_add_test(tc, test_scenario_empty_value_is_an_error);
    tcase_add_test(tc, test_scenario_negative_values_rejected);
    tcase_add_test(tc, test_scenario_overflow_rejected);
    tcase_add_test(tc, test_scenario_duplicate_key_names_both_lines);
    tcase_add_test(tc, test_scenario_gate_keys_may_repeat);
    tcase_add_test(tc, test_scenario_duplicate_section_is_an_error);
    tcase_add_test(tc, test_scenario_key_outside_section_is_an_error);
    tcase_add_test(tc, test_scenario_line_without_equals_is_a_syntax_error);
    tcase_add_test(tc, test_scenario_long_line_error_not_truncated);
    tcase_add_test(tc, test_scenario_lines_longer_than_inih_buffer_still_parse);
    tcase_add_test(tc, test_scenario_nul_byte_names_line);
    tcase_add_test(tc, test_scenario_binary_garbage_rejected);
    tcase_add_test(tc, test_scenario_missing_file_cannot_open);
    tcase_add_test(tc, test_scenario_load_file_sets_path_and_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_test(tc, test_scenario_every_key_type_parses);
    tcase_add_test(tc, test_scenario_enum_values_suggest);
    tcase_add_test(tc, test_scenario_request_must_be_a_clean_path);
    tcase_add_test(tc, test_scenario_stages_errors);
    tcase_add_test(tc, test_scenario_diagnose_at_validates_metric_and_value);
    tcase_add_test(tc, test_scenario_restart_after_whole_milliseconds_or_infinity);
    tcase_add_test(tc, test_scenario_sys_config_must_exist);
    tcase_add_test(tc, test_scenario_gate_errors_name_line);
    tcase_add_test(tc, test_scenario_gate_abort_flag);
    tcase_add_test(tc, test_scenario_too_many_gates);
    suite_add_tcase(s, tc);

    tc = tcase_create("cross-key");
    tcase_add_test(tc, test_scenario_window_larger_than_threshold_names_line);
    tcase_add_test(tc, test_scenario_otp_qlen_order);
    tcase_add_test(tc, test_scenario_max_connections);
    tcase_add_test(tc, test_scenario_limit_section);
    tcase_add_test(tc, test_scenario_backend_invalid_combinations);
    tcase_add_test(tc, test_scenario_elixir_keys);
    tcase_add_test(tc, test_scenario_stages_exclude_rate_and_ramp);
    tcase_add_test(tc, test_scenario_ramp_not_longer_than_duration);
    tcase_add_test(tc, test_scenario_threads_not_more_than_connections);
    suite_add_tcase(s, tc);

    tc = tcase_create("include");
    tcase_add_test(tc, test_scenario_include_relative_to_including_file);
    tcase_add_test(tc, test_scenario_missing_include_names_line);
    tcase_add_test(tc, test_scenario_include_cycle_and_depth);
    tcase_add_test(tc, test_scenario_error_inside_include_names_that_file);
    tcase_add_test(tc, test_scenario_include_section_takes_only_include);
    suite_add_tcase(s, tc);

    tc = tcase_create("overrides");
    tcase_add_test(tc, test_scenario_override_after_file);
    tcase_add_test(tc, test_scenario_override_errors);
    tcase_add_test(tc, test_scenario_override_cross_key_error_blames_set);
    tcase_add_test(tc, test_scenario_set_then_validate);
    tcase_add_test(tc, test_scenario_too_many_overrides);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_test(tc, test_scenario_foreach_round_trip);
    tcase_add_test(tc, test_scenario_foreach_reports_every_key_formatted);
    tcase_add_test(tc, test_scenario_print_keys_lists_every_key);
    tcase_add_test(tc, test_scenario_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("sweep");
    tcase_add_test(tc, test_scenario_sweep_section_reads_axes_and_rows);
    tcase_add_test(tc, test_scenario_sweep_errors_name_line);
    tcase_add_test(tc, test_scenario_sweep_add_replaces_on_vary);
    suite_add_tcase(s, tc);
    return s;
}
