/* report.c -- what a run shows: progress line, text summary, JSON summary (jansson),
 * samples.csv, JUnit XML. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "explain_target.h"
#include "metric.h"
#include "units.h"
#include "util.h"

/* ---- samples.csv -------------------------------------------------------------------- */

int report_csv_header(FILE *f)
{
    const char *sep = "";
    for (size_t i = 0; i < nmetrics; i++) {
        if (!metrics[i].column)
            continue;
        if (fprintf(f, "%s%s", sep, metrics[i].column) < 0)
            return -1;
        sep = ",";
    }
    return fputc('\n', f) == EOF ? -1 : 0;
}

/* One cell of samples.csv: the row's field of s. */
static int csv_cell(FILE *f, const struct metric *m, const struct sample *s)
{
    const char *base = (const char *)s + m->off;
    int64_t i;
    uint64_t u;
    switch (m->type) {
    case MT_I64:
        memcpy(&i, base, sizeof i);
        return fprintf(f, "%lld", (long long)i);
    case MT_U64:
        memcpy(&u, base, sizeof u);
        return fprintf(f, "%llu", (unsigned long long)u);
    case MT_TIME:
        memcpy(&u, base, sizeof u);
        return fprintf(f, "%.3f", (double)u / 1e6);
    case MT_PHASE:
        return fputs(sample_phase_name(s->phase), f);
    case MT_MODE:
        return fputs(sample_mode_name(s->logger_mode), f);
    }
    return -1;
}

int report_csv_row(FILE *f, const struct sample *s)
{
    bool first = true;
    for (size_t i = 0; i < nmetrics; i++) {
        if (!metrics[i].column)
            continue;
        if ((!first && fputc(',', f) == EOF) || csv_cell(f, &metrics[i], s) < 0)
            return -1;
        first = false;
    }
    return fputc('\n', f) == EOF ? -1 : 0;
}

char *report_gate_value(const struct gate *g, double v, char *buf, size_t len)
{
    const struct metric *m = metric_find(g->metric);
    switch (m ? metric_value_kind(m, g->agg) : VK_COUNT) {
    case VK_SIZE:
        return units_format_bytes(v, buf, len);
    case VK_DURATION:
        return units_format_seconds(v, buf, len);
    case VK_FRACTION:
        snprintf(buf, len, "%.2f%%", v * 100);
        return buf;
    case VK_RATE:
        snprintf(buf, len, "%.1f/s", v);
        return buf;
    case VK_COUNT:
        break;
    }
    if (g->agg == AGG_SLOPE || g->agg == AGG_AVG) {
        snprintf(buf, len, "%.1f%s", v, g->agg == AGG_AVG ? "" : "/s");
        return buf;
    }
    return units_format_count(v, buf, len);
}

/* ---- progress ------------------------------------------------------------------------ */

void report_progress(FILE *f, const struct sample *s, double elapsed_s, const char *phase,
                     double req_rate, bool color)
{
    char p[32], m[32], q[32], r[32], c[32];
    const char *mode = sample_mode_name(s->logger_mode);
    const char *on = "", *off = "";
    if (color && s->logger_mode != MODE_ASYNC) {
        on = "\033[33m";
        off = "\033[0m";
    }
    fprintf(f, "\r\033[K[%6.1fs %-8s] %s req/s  procs %s  mem %s  logger %s%s%s q=%s  conns %s",
            elapsed_s, phase, units_format_count(req_rate, r, sizeof r),
            units_format_count((double)s->process_count, p, sizeof p),
            units_format_bytes((double)s->mem_total, m, sizeof m), on, mode, off,
            units_format_count((double)s->logger_queue, q, sizeof q),
            units_format_count((double)s->connections, c, sizeof c));
    fflush(f);
}

/* ---- text summary ----------------------------------------------------------------------- */

/* The node line of one gauge: baseline, max, final, delta, slope. */
static void text_metric(FILE *f, const struct results *r, const struct metric *m)
{
    bool bytes = m->kind == VK_SIZE;
    static const struct {
        const char *name;
        enum gate_agg agg;
    } aggs[] = {{"baseline", AGG_BASELINE},
                {"max", AGG_MAX},
                {"final", AGG_FINAL},
                {"delta", AGG_DELTA},
                {"slope", AGG_SLOPE}};
    char buf[32];
    fprintf(f, "    %-18s", m->name);
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
        double v;
        if (results_value(r, m->name, aggs[i].agg, 0, &v) < 0)
            continue;
        if (bytes)
            units_format_bytes(v, buf, sizeof buf);
        else
            units_format_count(v, buf, sizeof buf);
        fprintf(f, " %s %s%s", aggs[i].name, aggs[i].agg == AGG_SLOPE && v > 0 ? "+" : "", buf);
        if (aggs[i].agg == AGG_SLOPE)
            fputs("/s", f);
    }
    fputc('\n', f);
}

#define REPORT_SPARK_CELLS 48
#define REPORT_SPARK_MIN_SAMPLES 8

/* Sparklines of processes and memory.total over the whole run (min to max), with the max;
 * nothing when there are fewer than REPORT_SPARK_MIN_SAMPLES samples. */
static void text_sparklines(FILE *f, const struct results *r)
{
    static const char *const spark[] = {"processes", "memory.total"};
    size_t n = series_count(r->series);
    char line[REPORT_SPARK_CELLS * 3 + 1], a[32];
    double *v;
    if (n < REPORT_SPARK_MIN_SAMPLES || !(v = malloc(n * sizeof *v)))
        return;
    for (size_t k = 0; k < sizeof spark / sizeof spark[0]; k++) {
        const struct metric *m = metric_find(spark[k]);
        double hi = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] = metric_get(m, series_at(r->series, i));
            hi = i ? fmax(hi, v[i]) : v[i];
        }
        chart_sparkline(v, n, REPORT_SPARK_CELLS, line, sizeof line);
        fprintf(f, "    %-18s %s  max %s\n", m->name, line,
                m->kind == VK_SIZE ? units_format_bytes(hi, a, sizeof a)
                                   : units_format_count(hi, a, sizeof a));
    }
    free(v);
}

/* A gate on a gauge decided with more than 1 in REPORT_THIN_SHARE of its window's samples
 * missing says so. */
#define REPORT_THIN_SHARE 20

/* The note of a gate decided on too few samples into buf ("decided on 150 of 190 expected
 * samples (40 missing)"); false when the gate's samples are complete enough. */
static bool gate_note(const struct results *r, const struct gate *g, char *buf, size_t len)
{
    size_t got, expected;
    if (results_coverage(r, g->metric, g->agg, &got, &expected) < 0 ||
        (expected - got) * REPORT_THIN_SHARE <= expected)
        return false;
    snprintf(buf, len, "decided on %zu of %zu expected samples (%zu missing)", got, expected,
             expected - got);
    return true;
}

/* The terminal's colours, all "" without colour. */
struct text_colors {
    const char *green, *red, *bold, *off;
};

/* The verdict line and the harness error, if any. */
static void text_verdict(FILE *f, const struct report *rep, const struct text_colors *tc)
{
    bool good = rep->exit_code == 0;
    fprintf(f, "\n%slogjam%s  %s  verdict: %s%s%s (exit %d)\n", tc->bold, tc->off,
            rep->sc->path[0] ? rep->sc->path : "(defaults)", good ? tc->green : tc->red,
            rep->verdict, tc->off, rep->exit_code);
    if (rep->error && rep->error[0])
        fprintf(f, "  %serror:%s %s\n", tc->red, tc->off, rep->error);
}

/* One line per gate: passed or failed, its value, and a note when decided on too few samples. */
static void text_gates(FILE *f, const struct report *rep, const struct text_colors *tc)
{
    char a[32], note[128];
    if (!rep->ngates)
        return;
    fprintf(f, "\n  gates\n");
    for (unsigned i = 0; i < rep->ngates; i++) {
        const struct gate_result *g = &rep->gates[i];
        bool thin = gate_note(rep->r, g->gate, note, sizeof note);
        fprintf(f, "    %s%s%s %-16s %-22s %s%s%s%s\n", g->ok ? tc->green : tc->red,
                g->ok ? "\u2713" : "\u2717", tc->off, g->gate->metric, g->gate->expr,
                g->has_data ? report_gate_value(g->gate, g->value, a, sizeof a) : "no data",
                thin ? "  (" : "", thin ? note : "", thin ? ")" : "");
    }
}

/* The logger line: time in sync, first switch, switches, max queue, drops, kills, staleness. */
static void text_logger(FILE *f, const struct results *r)
{
    char a[32], b[32], c[32], d[32];
    double qmax = 0;
    results_value(r, "logger.queue", AGG_MAX, 0, &qmax);
    fprintf(f, "    %-18s %s %.0f%% of the time", "logger", r->sync_share > 0 ? "sync" : "async",
            (r->sync_share > 0 ? r->sync_share : 1) * 100);
    if (r->has_sync_first)
        fprintf(f, ", first switch to sync at %s",
                units_format_seconds(r->sync_first, a, sizeof a));
    fprintf(f, ", %s switches, max queue %s", units_format_count((double)r->switches, b, sizeof b),
            units_format_count(qmax, c, sizeof c));
    if (r->dropped)
        fprintf(f, ", %s dropped", units_format_count((double)r->dropped, d, sizeof d));
    if (r->kills)
        fprintf(f, ", killed %s %s", units_format_count((double)r->kills, d, sizeof d),
                r->kills == 1 ? "time" : "times");
    fprintf(f, ", logger queue stale up to %s",
            units_format_seconds(r->logger_age_max, a, sizeof a));
    fputc('\n', f);
}

/* A node logjam did not start: its name and the logger settings read from it. */
static void text_target(FILE *f, const struct report *rep)
{
    fprintf(f, " %s (attached; OTP %s, logger %s)\n    logger settings: ",
            json_string_value(json_object_get(rep->target, "node")),
            rep->hello ? rep->hello->otp_release : "?",
            rep->hello ? rep->hello->logger_backend : "?");
    explain_target_logger(f, json_object_get(rep->target, "logger"));
}

/* The node section: a line per shown gauge, the logger line, the sparklines. */
static void text_node(FILE *f, const struct report *rep)
{
    fprintf(f, "\n  node");
    if (rep->target) /* not ours: its own logger, as read from it */
        text_target(f, rep);
    else if (rep->hello)
        fprintf(f, "  (OTP %s, logger %s, pool %s)", rep->hello->otp_release,
                scenario_backend_name(rep->sc->backend), scenario_pool_name(rep->sc->pool_mode));
    fputc('\n', f);
    for (size_t i = 0; i < nmetrics; i++)
        if (metrics[i].shown)
            text_metric(f, rep->r, &metrics[i]);
    text_logger(f, rep->r);
    text_sparklines(f, rep->r);
}

/* The load section: the request counters and rate, the latency percentiles. */
static void text_load(FILE *f, const struct report *rep)
{
    const struct results *r = rep->r;
    char a[32], b[32], c[32], d[32], e[32], t[32];
    double secs = (double)(r->load_end_us - r->load_start_us) / 1e6;
    fprintf(f, "\n  load  (%u connections, %s)\n", rep->sc->connections,
            rep->sc->rate > 0 ? "open loop" : "closed loop");
    fprintf(f, "    %-18s sent %s (%s/s)  ok %s  failed %s  errored %s  timeout %s\n", "requests",
            units_format_count((double)r->load.sent, a, sizeof a),
            units_format_count(secs > 0 ? (double)r->load.sent / secs : 0, b, sizeof b),
            units_format_count((double)r->load.ok, c, sizeof c),
            units_format_count((double)r->load.failed, d, sizeof d),
            units_format_count((double)r->load.errored, e, sizeof e),
            units_format_count((double)r->load.timeouts, t, sizeof t));
    if (r->latency && hist_count(r->latency)) {
        static const double ps[] = {50, 90, 99, 99.9};
        fprintf(f, "    %-18s", "latency");
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
            fprintf(f, " p(%g) %s ", ps[i],
                    units_format_seconds((double)hist_percentile(r->latency, ps[i]) / 1e6, a,
                                         sizeof a));
        fprintf(f, " max %s\n",
                units_format_seconds((double)hist_max(r->latency) / 1e6, a, sizeof a));
    } else {
        fprintf(f, "    %-18s no reply recorded\n", "latency");
    }
}

/* The recovery section: not watched, recovered, stuck for good, or draining slowly. */
static void text_recovery(FILE *f, const struct results *r)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "\n  recovery\n    ");
    if (r->recovery_end_us <= r->load_end_us || !r->has_recovery)
        fprintf(f, "no recovery phase was watched\n");
    else if (r->recovered)
        fprintf(f, "processes back within %s of baseline after %s\n",
                units_format_count((double)results_recovery_tolerance(r->baseline_processes), a,
                                   sizeof a),
                units_format_seconds(r->recovery_time, b, sizeof b));
    else if (r->stuck)
        fprintf(f,
                "stuck for good: %s processes above baseline, no progress over the last %s "
                "(%s of memory not given back)\n",
                units_format_count((double)r->leaked, a, sizeof a),
                units_format_seconds(r->drain_window, b, sizeof b),
                units_format_bytes((double)r->memory_retained, c, sizeof c));
    else
        fprintf(f,
                "draining slowly: %s processes above baseline, %s/s, ~%s to baseline "
                "(%s of memory not given back yet)\n",
                units_format_count((double)r->leaked, a, sizeof a),
                units_format_count(r->drain_rate, b, sizeof b),
                units_format_seconds(r->drain_eta, c, sizeof c),
                units_format_bytes((double)r->memory_retained, d, sizeof d));
}

void report_text(FILE *f, const struct report *rep, bool color)
{
    const struct results *r = rep->r;
    const struct text_colors tc = {color ? "\033[32m" : "", color ? "\033[31m" : "",
                                   color ? "\033[1m" : "", color ? "\033[0m" : ""};
    char a[32], b[32];

    text_verdict(f, rep, &tc);
    text_gates(f, rep, &tc);
    text_node(f, rep);
    text_load(f, rep);
    text_recovery(f, r);
    if (rep->diagnosis_text) {
        fprintf(f, "\n  diagnosis\n    %s\n", rep->diagnosis_text);
    }
    fprintf(f, "\n  harness  cpu %.2fs  rss %s  samples %zu (%llu missed, longest gap %s)\n",
            rep->harness_cpu, units_format_bytes((double)rep->harness_rss, a, sizeof a),
            series_count(r->series), (unsigned long long)r->missed,
            units_format_seconds(r->longest_gap, b, sizeof b));
    fprintf(f, "  files    %s/samples.csv %s/summary.json\n\n", rep->out_dir, rep->out_dir);
}

/* ---- JSON summary ------------------------------------------------------------------------ */

static void settings_cb(const char *section, const char *key, const char *value, void *arg)
{
    char name[128];
    snprintf(name, sizeof name, "%s.%s", section, key);
    json_object_set_new(arg, name, json_string(value));
}

static json_t *json_num_or_null(int rc, double v)
{
    return rc == 0 && isfinite(v) ? json_real(v) : json_null();
}

static json_t *series_json(const struct results *r, const char *metric)
{
    static const struct {
        const char *name;
        enum gate_agg agg;
    } aggs[] = {{"baseline", AGG_BASELINE}, {"max", AGG_MAX},     {"min", AGG_MIN},
                {"avg", AGG_AVG},           {"final", AGG_FINAL}, {"delta", AGG_DELTA},
                {"slope", AGG_SLOPE}};
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
        double v = 0;
        int rc = results_value(r, metric, aggs[i].agg, 0, &v);
        json_object_set_new(o, aggs[i].name, json_num_or_null(rc, v));
    }
    return o;
}

/* The run's node metrics: every gauge's aggregates and every counter's count, by name. */
static void node_metrics_json(json_t *m, const struct results *r)
{
    for (size_t i = 0; i < nmetrics; i++) {
        const char *name = metrics[i].name;
        if (metrics[i].cls == METRIC_GAUGE)
            json_object_set_new(m, name, series_json(r, name));
        else if (metrics[i].cls == METRIC_COUNTER) {
            double count = 0;
            results_value(r, name, AGG_COUNT, 0, &count); /* 0 without samples */
            json_object_set_new(m, name, json_pack("{s:I}", "count", (json_int_t)count));
        }
    }
}

/* metrics.latency: the percentiles and max in seconds (null without replies), the count, and
 * the uncorrected p(99) and max when recorded. */
static json_t *latency_json(const struct results *r)
{
    json_t *lat = json_object();
    static const double ps[] = {50, 90, 99, 99.9};
    bool have_lat = r->latency && hist_count(r->latency) > 0;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        char key[16];
        snprintf(key, sizeof key, "p(%g)", ps[i]);
        json_object_set_new(lat, key,
                            have_lat ? json_real((double)hist_percentile(r->latency, ps[i]) / 1e6)
                                     : json_null());
    }
    json_object_set_new(lat, "max",
                        have_lat ? json_real((double)hist_max(r->latency) / 1e6) : json_null());
    json_object_set_new(lat, "count",
                        json_integer(have_lat ? (json_int_t)hist_count(r->latency) : 0));
    if (r->latency_raw && hist_count(r->latency_raw))
        json_object_set_new(lat, "uncorrected",
                            json_pack("{s:f, s:f}", "p(99)",
                                      (double)hist_percentile(r->latency_raw, 99) / 1e6, "max",
                                      (double)hist_max(r->latency_raw) / 1e6));
    return lat;
}

/* The run's derived metrics: logger.sync, requests, latency, recovery, samples. */
static void run_metrics_json(json_t *m, const struct results *r)
{
    double v;
    int rc;
    json_object_set_new(m, "logger.sync",
                        json_pack("{s:f, s:o, s:f}", "time", r->sync_time, "first",
                                  r->has_sync_first ? json_real(r->sync_first) : json_null(),
                                  "share", r->sync_share));
    rc = results_value(r, "requests", AGG_RATE, 0, &v);
    json_object_set_new(m, "requests",
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "sent",
                                  (json_int_t)r->load.sent, "ok", (json_int_t)r->load.ok, "failed",
                                  (json_int_t)r->load.failed, "errored",
                                  (json_int_t)r->load.errored, "timeout",
                                  (json_int_t)r->load.timeouts, "rate", json_num_or_null(rc, v)));
    json_object_set_new(m, "latency", latency_json(r));
    json_object_set_new(m, "recovery",
                        json_pack("{s:o, s:I, s:f, s:b, s:b, s:o, s:I}", "time",
                                  r->recovered ? json_real(r->recovery_time) : json_null(),
                                  "leaked", (json_int_t)r->leaked, "drain_rate", r->drain_rate,
                                  "recovered", r->recovered, "stuck", r->stuck, "drain_eta",
                                  r->drain_eta > 0 ? json_real(r->drain_eta) : json_null(),
                                  "memory_retained", (json_int_t)r->memory_retained));
    json_object_set_new(m, "samples",
                        json_pack("{s:I, s:I, s:f, s:f}", "count",
                                  (json_int_t)series_count(r->series), "missed",
                                  (json_int_t)r->missed, "longest_gap", r->longest_gap,
                                  "logger_queue_age_max", r->logger_age_max));
}

/* gates: one object per gate (metric, expr, value, ok, and a note when thin). */
static json_t *gates_json(const struct report *rep)
{
    json_t *gates = json_array();
    for (unsigned i = 0; i < rep->ngates; i++) {
        const struct gate_result *g = &rep->gates[i];
        json_t *jg =
            json_pack("{s:s, s:s, s:o, s:b}", "metric", g->gate->metric, "expr", g->gate->expr,
                      "value", g->has_data ? json_real(g->value) : json_null(), "ok", g->ok);
        char note[128];
        if (gate_note(rep->r, g->gate, note, sizeof note))
            json_object_set_new(jg, "note", json_string(note));
        json_array_append_new(gates, jg);
    }
    return gates;
}

json_t *report_json(const struct report *rep)
{
    json_t *root = json_object(), *settings = json_object(), *m = json_object();

    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "scenario", json_string(rep->sc->path));
    json_object_set_new(root, "verdict", json_string(rep->verdict));
    json_object_set_new(root, "exit_code", json_integer(rep->exit_code));
    json_object_set_new(root, "error",
                        rep->error && rep->error[0] ? json_string(rep->error) : json_null());
    scenario_foreach(rep->sc, settings_cb, settings);
    json_object_set_new(root, "settings", settings);
    if (rep->hello)
        json_object_set_new(root, "node",
                            json_pack("{s:s, s:s, s:s}", "otp_release", rep->hello->otp_release,
                                      "logger_backend", rep->hello->logger_backend, "probe_version",
                                      rep->hello->probe_version));
    if (rep->target)
        json_object_set_new(root, "target", json_deep_copy(rep->target));

    node_metrics_json(m, rep->r);
    run_metrics_json(m, rep->r);
    json_object_set_new(
        m, "harness",
        json_pack("{s:f, s:I}", "cpu", rep->harness_cpu, "rss_max", (json_int_t)rep->harness_rss));
    json_object_set_new(root, "metrics", m);
    json_object_set_new(root, "gates", gates_json(rep));
    if (rep->diagnosis) {
        json_t *d = json_deep_copy(rep->diagnosis);
        json_object_set_new(d, "summary",
                            rep->diagnosis_text ? json_string(rep->diagnosis_text) : json_null());
        json_object_set_new(root, "diagnosis", d);
    } else {
        json_object_set_new(root, "diagnosis", json_null());
    }
    json_object_set_new(root, "out_dir", json_string(rep->out_dir));
    return root;
}

/* ---- files -------------------------------------------------------------------------------- */

int report_write(const char *path, const char *text, char *err)
{
    if (lj_write_atomic(path, text, strlen(text), 0644) < 0) {
        lj_err(err, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int report_junit(const char *path, const struct report *rep, char *err)
{
    char *text = NULL;
    size_t len = 0;
    unsigned failures = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        lj_err(err, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < rep->ngates; i++)
        failures += !rep->gates[i].ok;
    bool errored = rep->exit_code == 1 || rep->exit_code == 105;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites>\n  <testsuite name=\"logjam ");
    chart_escape(f, rep->sc->name);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%d\">\n", rep->ngates + (errored ? 1 : 0),
            failures, errored ? 1 : 0);
    if (errored) {
        fprintf(f, "    <testcase classname=\"logjam\" name=\"run\">\n      <error message=\"");
        chart_escape(f, rep->error && rep->error[0] ? rep->error : rep->verdict);
        fprintf(f, "\"/>\n    </testcase>\n");
    }
    for (unsigned i = 0; i < rep->ngates; i++) {
        const struct gate_result *g = &rep->gates[i];
        char v[32];
        fprintf(f, "    <testcase classname=\"logjam.gates\" name=\"");
        chart_escape(f, g->gate->metric);
        fputs(" ", f);
        chart_escape(f, g->gate->expr);
        fputs("\">", f);
        if (!g->ok) {
            fputs("\n      <failure message=\"", f);
            chart_escape(f, g->gate->metric);
            fputs(" = ", f);
            chart_escape(f, g->has_data ? report_gate_value(g->gate, g->value, v, sizeof v)
                                        : "no data");
            fputs(", wanted ", f);
            chart_escape(f, g->gate->expr);
            fputs("\"/>\n    ", f);
        }
        fputs("</testcase>\n", f);
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    if (fclose(f) != 0) {
        free(text);
        lj_err(err, "out of memory");
        return -1;
    }
    int rc = report_write(path, text, err);
    free(text);
    return rc;
}

void report_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void report_csv_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
}
