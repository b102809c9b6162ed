/* check_limit_samples.c -- unit tests of a trial's samples read back: the load's last third
 * (a pile-up that flattened is not one), the generator's lag with connections free, and the
 * samples.csv round trip. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limit_mode.h"
#include "limit_samples.h"
#include "report.h"
#include "suites.h"

#define NS 34 /* 4 baseline samples, 30 load samples (0.25 s apart) */

/* Baseline at 100 processes, then a load whose processes follow procs(i) (i = 0..29) with the
 * logger sync when sync(i). */
static void made_up(struct sample *s, int64_t (*procs)(size_t), bool (*sync)(size_t))
{
    memset(s, 0, NS * sizeof *s);
    for (size_t i = 0; i < NS; i++) {
        s[i].at_us = (uint64_t)i * 250000;
        s[i].phase = i < 4 ? PHASE_BASELINE : PHASE_LOAD;
        s[i].process_count = i < 4 ? 100 : procs(i - 4);
        s[i].logger_mode = i >= 4 && sync(i - 4) ? MODE_SYNC : MODE_ASYNC;
    }
}

static int64_t early_then_flat(size_t i)
{
    return i < 20 ? 100 + (int64_t)i * 1000 : 20100;
}

static int64_t grows_late(size_t i)
{
    return i < 20 ? 150 : 150 + (int64_t)(i - 19) * 2000;
}

static bool always(size_t i)
{
    (void)i;
    return true;
}

static bool late(size_t i)
{
    return i >= 20;
}

/* The failure mode of a trial that failed its latency gate, with these samples' tail. */
static enum limit_mode mode_of(const struct sample *s, int64_t peak)
{
    static const char *const failed[] = {"latency"};
    struct limit_samples_tail t;
    limit_samples_tail(s, NS, &t);
    struct limit_mode_facts f = {.failed = failed,
                                 .n_failed = 1,
                                 .baseline_processes = 100,
                                 .peak_processes = peak,
                                 .processes_slope = t.slope,
                                 .sync_share = t.sync_share,
                                 .p99_s = 2,
                                 .p99_gate_s = 0.5};
    return limit_mode_classify(&f);
}

START_TEST(test_limit_samples_early_growth_that_flattened_is_not_pile_up)
{
    struct sample s[NS];
    struct limit_samples_tail t;
    made_up(s, early_then_flat, always);
    limit_samples_tail(s, NS, &t);
    ck_assert_uint_eq(t.n, 10); /* the last third of 30 load samples */
    ck_assert(t.slope == 0);
    ck_assert(t.sync_share == 1);
    ck_assert_int_eq(mode_of(s, 20100), LIMIT_MODE_LATENCY);
}
END_TEST

START_TEST(test_limit_samples_late_growth_with_the_logger_sync_is_pile_up)
{
    struct sample s[NS];
    struct limit_samples_tail t;
    made_up(s, grows_late, late);
    limit_samples_tail(s, NS, &t);
    ck_assert_double_eq_tol(t.slope, 8000, 1e-6); /* 2000 per 0.25 s */
    ck_assert(t.sync_share == 1);
    ck_assert_int_eq(mode_of(s, 20150), LIMIT_MODE_PILEUP);
    /* the same growth with the logger async in the last third: not a pile-up */
    for (size_t i = 24; i < NS; i++)
        s[i].logger_mode = MODE_ASYNC;
    ck_assert_int_eq(mode_of(s, 20150), LIMIT_MODE_LATENCY);
}
END_TEST

/* A load at 1000/s on 10 connections; sample i has backlog[i] requests due but not sent and
 * busy[i] requests in flight. */
static void lagging(struct sample *s, const uint64_t *backlog, const uint64_t *busy)
{
    memset(s, 0, NS * sizeof *s);
    for (size_t i = 0; i < NS; i++) {
        s[i].at_us = (uint64_t)i * 250000;
        s[i].phase = i < 4 ? PHASE_BASELINE : PHASE_LOAD;
        if (i < 4)
            continue;
        s[i].load.open = 10;
        s[i].load.sent = (i - 3) * 250;
        s[i].load.backlog = backlog[i % 4];
        s[i].load.ok = s[i].load.sent - busy[i % 4];
    }
}

START_TEST(test_limit_samples_generator_behind_only_with_connections_free)
{
    static const uint64_t none[4] = {0, 2, 0, 1}, far[4] = {300, 400, 300, 500};
    static const uint64_t idle[4] = {1, 2, 0, 3}, full[4] = {10, 10, 10, 10};
    struct sample s[NS];
    struct limit_samples_gen g;
    lagging(s, none, idle);
    limit_samples_generator(s, NS, 1000, &g);
    ck_assert(!g.fell_behind);
    ck_assert_uint_eq(g.sent, 30 * 250);
    ck_assert_uint_eq(g.scheduled, g.sent + 2); /* the last load sample's backlog */
    lagging(s, far, idle); /* behind by 0.3 s or more, connections idle: the generator */
    limit_samples_generator(s, NS, 1000, &g);
    ck_assert(g.fell_behind);
    ck_assert_uint_eq(g.behind, 30);
    ck_assert_uint_eq(g.max_backlog, 500);
    ck_assert_uint_eq(g.scheduled, g.sent + 400);
    lagging(s, far, full); /* every connection waiting on the node: the node, not us */
    limit_samples_generator(s, NS, 1000, &g);
    ck_assert(!g.fell_behind);
    limit_samples_generator(s, NS, 0, &g); /* closed loop: no schedule to lag */
    ck_assert(!g.fell_behind);
}
END_TEST

START_TEST(test_limit_samples_read_round_trip)
{
    char path[] = "/tmp/check_limit_samplesXXXXXX";
    struct sample in[NS], *out = NULL;
    size_t n = 0;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    made_up(in, grows_late, late);
    in[7].load = (struct load_counters){.sent = 900, .ok = 880, .open = 12, .backlog = 33};
    in[7].mem_total = 123456789;
    FILE *f = fdopen(fd, "w");
    ck_assert_int_eq(report_csv_header(f), 0);
    for (size_t i = 0; i < NS; i++)
        ck_assert_int_eq(report_csv_row(f, &in[i]), 0);
    fclose(f);
    ck_assert_int_eq(limit_samples_read(path, &out, &n), 0);
    unlink(path);
    ck_assert_uint_eq(n, NS);
    for (size_t i = 0; i < NS; i++) {
        ck_assert_uint_eq(out[i].at_us, in[i].at_us);
        ck_assert_int_eq(out[i].phase, in[i].phase);
        ck_assert_int_eq(out[i].process_count, in[i].process_count);
        ck_assert_int_eq(out[i].logger_mode, in[i].logger_mode);
    }
    ck_assert_uint_eq(out[7].load.sent, 900);
    ck_assert_uint_eq(out[7].load.ok, 880);
    ck_assert_uint_eq(out[7].load.open, 12);
    ck_assert_uint_eq(out[7].load.backlog, 33);
    ck_assert_uint_eq(out[7].mem_total, 123456789);
    free(out);
    ck_assert_int_eq(limit_samples_read("/nonexistent/samples.csv", &out, &n), -1);
}
END_TEST

Suite *limit_samples_suite(void)
{
    Suite *s = suite_create("limit_samples");
    TCase *tc = tcase_create("samples");
    tcase_add_test(tc, test_limit_samples_early_growth_that_flattened_is_not_pile_up);
    tcase_add_test(tc, test_limit_samples_late_growth_with_the_logger_sync_is_pile_up);
    tcase_add_test(tc, test_limit_samples_generator_behind_only_with_connections_free);
    tcase_add_test(tc, test_limit_samples_read_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
