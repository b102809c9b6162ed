/* limit_report.c -- what a capacity search found: the trial table and the knee on a terminal,
 * limit.json, limit.csv, the HTML page and JUnit. */
#include "limit_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "html.h"
#include "report.h"
#include "units.h"
#include "util.h"

char *limit_report_value(const struct scenario *sc, double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.0f%s", v, sc->limit_axis == LIMIT_AXIS_RATE ? "/s" : "");
    return buf;
}

#define NCOLS 12
static const char *const head[NCOLS] = {"#",      "value", "trial", "verdict", "mode", "peak",
                                        "memory", "p99",   "sync",  "seconds", "cpu",  "dir"};

/* Trial tr's cells as text. */
static void cells_of(const struct limit_report *rep, const struct limit_trial_run *tr,
                     char buf[NCOLS][96])
{
    snprintf(buf[0], 96, "%u", tr->n);
    limit_report_value(rep->sc, tr->t.value, buf[1], 96);
    if (tr->t.length == LIMIT_FULL)
        snprintf(buf[2], 96, "full %u", tr->t.run);
    else
        snprintf(buf[2], 96, "short");
    snprintf(buf[3], 96, "%s%s", tr->r.ran ? tr->r.verdict : "error",
             tr->stopped_early ? " (early)" : "");
    snprintf(buf[4], 96, "%s", tr->passed ? "" : limit_mode_name(tr->mode));
    units_format_count(tr->r.peak_processes, buf[5], 96);
    units_format_bytes(tr->r.peak_memory, buf[6], 96);
    units_format_seconds(tr->r.p99, buf[7], 96);
    if (isnan(tr->r.sync_share))
        snprintf(buf[8], 96, "-");
    else
        snprintf(buf[8], 96, "%.0f%%", tr->r.sync_share * 100);
    snprintf(buf[9], 96, "%.1f", tr->seconds);
    snprintf(buf[10], 96, "%.0f%%%s", tr->cpu_share * 100, tr->generator_bound ? "!" : "");
    snprintf(buf[11], 96, "%.95s", tr->dir);
}

char *limit_report_knee_words(const struct scenario *sc, const struct limit_result *r, char *buf,
                              size_t len)
{
    char lo[32], hi[32];
    limit_report_value(sc, r->low, lo, sizeof lo);
    limit_report_value(sc, r->high, hi, sizeof hi);
    if (r->has_low && r->has_high)
        snprintf(buf, len, "between %s (passed) and %s (failed), precision %.1f%%", lo, hi,
                 r->precision * 100);
    else if (r->has_high)
        snprintf(buf, len, "below %s (the lowest value tried failed)", hi);
    else if (r->has_low)
        snprintf(buf, len, "above %s (nothing tried failed)", lo);
    else
        snprintf(buf, len, "unknown (no trial finished)");
    return buf;
}

/* The trials whose generator was the limit, by reason, and what it means for the knee. */
static void generator_note(FILE *f, const struct limit_report *rep)
{
    static const struct {
        unsigned bit;
        const char *why;
    } reasons[] = {
        {LIMIT_GEN_CPU, "the harness used more than %.0f%% of a core"},
        {LIMIT_GEN_BEHIND, "the load fell behind its schedule with connections free"},
    };
    fprintf(f, "  note     the load generator may have limited trials marked '!' (cpu column):\n");
    for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++) {
        const char *sep = "";
        for (size_t i = 0; i < rep->ntrials; i++)
            if (rep->trials[i].gen_reason & reasons[k].bit) {
                if (!*sep) {
                    fputs("           ", f);
                    fprintf(f, reasons[k].why, LIMIT_TRIAL_CPU_BOUND * 100);
                    fputs(": trial", f);
                }
                fprintf(f, "%s %u", sep, rep->trials[i].n);
                sep = ",";
            }
        if (*sep)
            fputs("\n", f);
    }
    fprintf(f, "           %s\n",
            rep->knee_generator_bound
                ? "a trial at the knee's bracket was one: the knee may be the generator's, not the "
                  "node's"
                : "none at the knee's bracket: the knee is the node's");
}

void limit_report_text(FILE *f, const struct limit_report *rep)
{
    const struct limit_result *r = &rep->res;
    char buf[NCOLS][96], words[256], a[32];
    size_t w[NCOLS];
    for (unsigned c = 0; c < NCOLS; c++)
        w[c] = strlen(head[c]);
    for (size_t i = 0; i < rep->ntrials; i++) {
        cells_of(rep, &rep->trials[i], buf);
        for (unsigned c = 0; c < NCOLS; c++)
            w[c] = strlen(buf[c]) > w[c] ? strlen(buf[c]) : w[c];
    }
    fprintf(f, "\nlogjam limit  %s%s%s  axis %s\n\n", rep->sc->path, rep->label ? "  " : "",
            rep->label ? rep->label : "",
            rep->sc->limit_axis == LIMIT_AXIS_RATE ? "load.rate" : "load.connections");
    fprintf(f, " ");
    for (unsigned c = 0; c < NCOLS; c++)
        fprintf(f, " %-*s", (int)w[c], head[c]);
    fprintf(f, "\n");
    for (size_t i = 0; i < rep->ntrials; i++) {
        cells_of(rep, &rep->trials[i], buf);
        fprintf(f, " ");
        for (unsigned c = 0; c < NCOLS; c++)
            fprintf(f, " %-*s", (int)w[c], buf[c]);
        fprintf(f, "\n");
    }
    limit_report_knee_words(rep->sc, &rep->res, words, sizeof words);
    fprintf(f, "\n  knee     %s%s\n", words,
            rep->interrupted  ? " (interrupted: the bracket so far)"
            : rep->budget_hit ? " (budget reached: the bracket so far)"
                              : "");
    if (r->has_low)
        fprintf(f, "           %s passed %u of %u full-length runs%s\n",
                limit_report_value(rep->sc, r->low, a, sizeof a), rep->low_passes, rep->low_runs,
                r->confirmed ? "" : " (not confirmed)");
    if (r->has_high)
        fprintf(f, "           %s failed %u of %u runs: %s\n",
                limit_report_value(rep->sc, r->high, a, sizeof a),
                rep->high_runs - rep->high_passes, rep->high_runs, limit_mode_name(r->mode));
    if (r->inversions)
        fprintf(f,
                "  noise    %u run(s) disagreed with their neighbours (a pass at %.0f above a "
                "failure at %.0f)\n",
                r->inversions, r->inversion_pass, r->inversion_fail);
    if (rep->lines_per_request > 0 && r->has_low && rep->sc->limit_axis == LIMIT_AXIS_RATE)
        fprintf(f, "  logs     %.0f lines/s at %s (%.0f lines per request)\n",
                r->low * rep->lines_per_request, limit_report_value(rep->sc, r->low, a, sizeof a),
                rep->lines_per_request);
    if (rep->has_gate)
        fprintf(f, "  gate     knee >= %s: %s\n",
                limit_report_value(rep->sc, rep->gate_threshold, a, sizeof a),
                rep->gate_ok ? "pass" : "FAIL");
    if (rep->generator_bound)
        generator_note(f, rep);
    fprintf(f, "  cost     %zu trials (%u short, %u full), %.0f node-seconds, %.0f s wall\n",
            rep->ntrials, r->short_trials, r->full_trials, rep->node_s, rep->wall_s);
    fprintf(f,
            "           a plain staircase to the same precision: %.0f trials, ~%.0f "
            "node-seconds\n",
            rep->staircase_trials, rep->staircase_node_s);
}

/* A trial's generator evidence: why it was bound, scheduled vs sent, the lag. */
static json_t *generator_json(const struct limit_trial_run *tr)
{
    return json_pack("{s:b, s:b, s:I, s:I, s:I, s:I}", "cpu_bound",
                     (tr->gen_reason & LIMIT_GEN_CPU) != 0, "fell_behind",
                     (tr->gen_reason & LIMIT_GEN_BEHIND) != 0, "scheduled",
                     (json_int_t)tr->gen.scheduled, "sent", (json_int_t)tr->gen.sent, "max_backlog",
                     (json_int_t)tr->gen.max_backlog, "behind_samples", (json_int_t)tr->gen.behind);
}

json_t *limit_report_json(const struct limit_report *rep)
{
    const struct limit_result *r = &rep->res;
    const struct scenario *sc = rep->sc;
    json_t *root = json_object(), *trials = json_array();
    if (!root || !trials) {
        json_decref(root);
        json_decref(trials);
        return NULL;
    }
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "scenario", json_string(sc->path));
    json_object_set_new(root, "variant", rep->label ? json_string(rep->label) : json_null());
    json_object_set_new(
        root, "axis",
        json_string(sc->limit_axis == LIMIT_AXIS_RATE ? "load.rate" : "load.connections"));
    json_object_set_new(root, "outcome", json_string(limit_outcome_name(r->outcome)));
    json_object_set_new(root, "exit_code", json_integer(rep->exit_code));
    json_object_set_new(root, "interrupted", json_boolean(rep->interrupted));
    json_object_set_new(root, "budget_reached", json_boolean(rep->budget_hit));
    json_object_set_new(root, "generator_bound", json_boolean(rep->generator_bound));
    json_t *knee = json_object();
    json_object_set_new(knee, "low", r->has_low ? json_real(r->low) : json_null());
    json_object_set_new(knee, "high", r->has_high ? json_real(r->high) : json_null());
    json_object_set_new(knee, "precision",
                        r->has_low && r->has_high ? json_real(r->precision) : json_null());
    json_object_set_new(knee, "precision_asked", json_real(sc->limit_precision));
    json_object_set_new(knee, "confirmed", json_boolean(r->confirmed));
    json_object_set_new(knee, "low_runs", json_integer(rep->low_runs));
    json_object_set_new(knee, "low_passes", json_integer(rep->low_passes));
    json_object_set_new(knee, "high_runs", json_integer(rep->high_runs));
    json_object_set_new(knee, "high_passes", json_integer(rep->high_passes));
    json_object_set_new(knee, "mode",
                        r->has_high ? json_string(limit_mode_name(r->mode)) : json_null());
    json_object_set_new(knee, "inversions", json_integer(r->inversions));
    json_object_set_new(knee, "generator_bound", json_boolean(rep->knee_generator_bound));
    json_object_set_new(knee, "log_lines_per_s",
                        rep->lines_per_request > 0 && r->has_low &&
                                sc->limit_axis == LIMIT_AXIS_RATE
                            ? json_real(r->low * rep->lines_per_request)
                            : json_null());
    json_object_set_new(root, "knee", knee);
    json_object_set_new(root, "gate",
                        rep->has_gate ? json_pack("{s:f, s:f, s:f, s:b}", "min", sc->limit_min.v,
                                                  "headroom", sc->limit_headroom, "threshold",
                                                  rep->gate_threshold, "ok", rep->gate_ok)
                                      : json_null());
    json_object_set_new(
        root, "scenario_value",
        json_real(sc->limit_axis == LIMIT_AXIS_RATE ? sc->rate : (double)sc->connections));
    json_object_set_new(root, "cost",
                        json_pack("{s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f}", "trials",
                                  (json_int_t)rep->ntrials, "short", (json_int_t)r->short_trials,
                                  "full", (json_int_t)r->full_trials, "node_seconds", rep->node_s,
                                  "wall_seconds", rep->wall_s, "budget_seconds", rep->budget_s,
                                  "staircase_trials", rep->staircase_trials,
                                  "staircase_node_seconds", rep->staircase_node_s));
    for (size_t i = 0; i < rep->ntrials; i++) {
        const struct limit_trial_run *tr = &rep->trials[i];
        json_t *t = json_pack(
            "{s:I, s:f, s:s, s:s, s:I, s:b, s:s, s:b, s:f, s:f, s:f, s:b, s:s}", "n",
            (json_int_t)tr->n, "value", tr->t.value, "stage", limit_stage_name(tr->t.stage),
            "length", tr->t.length == LIMIT_FULL ? "full" : "short", "run", (json_int_t)tr->t.run,
            "passed", tr->passed, "mode", limit_mode_name(tr->mode), "stopped_early",
            tr->stopped_early, "seconds", tr->seconds, "harness_cpu", tr->cpu_s,
            "harness_cpu_share", tr->cpu_share, "generator_bound", tr->generator_bound, "dir",
            tr->dir);
        json_object_set_new(t, "generator", generator_json(tr));
        json_object_set_new(t, "load_tail",
                            json_pack("{s:I, s:f, s:f}", "samples", (json_int_t)tr->tail.n,
                                      "processes_slope", tr->tail.slope, "sync_share",
                                      tr->tail.sync_share));
        sweep_result_json(t, &tr->r);
        json_array_append_new(trials, t);
    }
    json_object_set_new(root, "trials", trials);
    return root;
}

/* One trial's limit.csv row. */
static void csv_row(FILE *f, const struct limit_trial_run *tr)
{
    fprintf(f, "%u", tr->n);
    report_csv_num(f, tr->t.value);
    fprintf(f, ",%s,%s,%u,", limit_stage_name(tr->t.stage),
            tr->t.length == LIMIT_FULL ? "full" : "short", tr->t.run);
    report_csv_field(f, tr->r.ran ? tr->r.verdict : "error");
    fprintf(f, ",%s,%s", tr->passed ? "" : limit_mode_name(tr->mode),
            tr->stopped_early ? "true" : "false");
    const double nums[] = {tr->r.peak_processes,
                           tr->r.peak_memory,
                           tr->r.p99,
                           tr->r.sync_share,
                           tr->r.not_ok,
                           tr->r.dropped,
                           tr->tail.slope,
                           tr->tail.sync_share,
                           tr->seconds,
                           tr->cpu_s,
                           (double)tr->gen.scheduled,
                           (double)tr->gen.sent};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
        report_csv_num(f, nums[k]);
    fprintf(f, ",%s,", tr->generator_bound ? "true" : "false");
    report_csv_field(f, tr->dir);
    fputc('\n', f);
}

char *limit_report_csv(const struct limit_report *rep)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("n,value,stage,length,run,verdict,mode,stopped_early,peak_processes,peak_memory,p99_s,"
          "sync_share,not_ok,dropped,tail_processes_slope,tail_sync_share,seconds,harness_cpu_s,"
          "scheduled,sent,generator_bound,dir\n",
          f);
    for (size_t i = 0; i < rep->ntrials; i++)
        csv_row(f, &rep->trials[i]);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int limit_report_junit_cases(const char *path, const char *suite,
                             const struct limit_junit_case *cases, size_t n, char *err)
{
    char *text = NULL, a[32];
    size_t len = 0, failures = 0, errors = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        lj_err(err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        errors += cases[i].errored;
        failures += cases[i].failed && !cases[i].errored;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"", f);
    chart_escape(f, suite);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", n, failures, errors);
    for (size_t i = 0; i < n; i++) {
        const struct limit_junit_case *c = &cases[i];
        fputs("    <testcase classname=\"logjam.limit\" name=\"", f);
        if (c->variant) {
            chart_escape(f, c->variant);
            fputs(": ", f);
        }
        if (c->has_gate)
            fprintf(f, "knee &gt;= %s\">", limit_report_value(c->sc, c->threshold, a, sizeof a));
        else
            fputs("the search ended\">", f);
        if (c->errored || c->failed) {
            fprintf(f, "\n      <%s message=\"knee ", c->errored ? "error" : "failure");
            chart_escape(f, c->words);
            fprintf(f, "\"/>\n    ");
        }
        fputs("</testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (fclose(f) != 0) {
        free(text);
        lj_err(err, "out of memory");
        return -1;
    }
    int rc = report_write(path, text, err) < 0 ? -1 : 0;
    free(text);
    return rc;
}

bool limit_report_errored(int exit_code)
{
    return exit_code == LJ_EXIT_HARNESS || exit_code == LJ_EXIT_INTERRUPTED;
}

int limit_report_junit(const char *path, const struct limit_report *rep, char *err)
{
    char suite[SCENARIO_PATH_LEN + 16];
    struct limit_junit_case c = {.sc = rep->sc,
                                 .has_gate = rep->has_gate,
                                 .threshold = rep->gate_threshold,
                                 .errored = limit_report_errored(rep->exit_code),
                                 .failed = rep->has_gate && !rep->gate_ok};
    limit_report_knee_words(rep->sc, &rep->res, c.words, sizeof c.words);
    snprintf(suite, sizeof suite, "logjam limit %s", rep->sc->name);
    return limit_report_junit_cases(path, suite, &c, 1, err);
}

int limit_report_html(const char *path, const char *link_base, const struct limit_report *rep,
                      char *err)
{
    size_t n = rep->ntrials ? rep->ntrials : 1;
    char(*buf)[NCOLS][96] = calloc(n, sizeof *buf);
    const char **cells = calloc(n * NCOLS, sizeof *cells), **links = calloc(n, sizeof *links),
               **cls = calloc(n, sizeof *cls);
    char(*hrefs)[SWEEP_PATH_LEN] = calloc(n, sizeof *hrefs);
    struct chart_point *peak = calloc(n, sizeof *peak), *p99 = calloc(n, sizeof *p99);
    char title[SCENARIO_PATH_LEN + SWEEP_LABEL_LEN + 16], notes[768], words[256];
    int rc = -1;
    if (!buf || !cells || !links || !cls || !hrefs || !peak || !p99) {
        lj_err(err, "out of memory");
        goto out;
    }
    size_t np = 0;
    for (size_t i = 0; i < rep->ntrials; i++) {
        const struct limit_trial_run *tr = &rep->trials[i];
        cells_of(rep, tr, buf[i]);
        for (unsigned c = 0; c < NCOLS; c++)
            cells[i * NCOLS + c] = buf[i][c];
        snprintf(hrefs[i], SWEEP_PATH_LEN, "%s%s/report.html", link_base, tr->dir);
        links[i] = hrefs[i];
        cls[i] = tr->passed ? "pass" : tr->r.ran ? "fail" : "error";
        if (tr->r.ran && !isnan(tr->r.peak_processes) && tr->r.peak_processes > 0) {
            peak[np] = (struct chart_point){tr->t.value, tr->r.peak_processes};
            p99[np++] = (struct chart_point){tr->t.value, isnan(tr->r.p99) ? 0 : tr->r.p99};
        }
    }
    /* the chart needs x ascending */
    for (size_t i = 1; i < np; i++)
        for (size_t k = i; k > 0 && peak[k - 1].x > peak[k].x; k--) {
            struct chart_point t = peak[k];
            peak[k] = peak[k - 1];
            peak[k - 1] = t;
            t = p99[k];
            p99[k] = p99[k - 1];
            p99[k - 1] = t;
        }
    limit_report_knee_words(rep->sc, &rep->res, words, sizeof words);
    snprintf(title, sizeof title, "logjam limit %s%s%s", rep->sc->name, rep->label ? " " : "",
             rep->label ? rep->label : "");
    snprintf(notes, sizeof notes, "Knee %s; beyond it: %s. %zu trials, %.0f node-seconds.%s", words,
             rep->res.has_high ? limit_mode_name(rep->res.mode) : "-", rep->ntrials, rep->node_s,
             rep->knee_generator_bound
                 ? " A trial at the knee's bracket was generator-bound ('!' in the cpu column): "
                   "the knee may be the generator's, not the node's."
             : rep->generator_bound
                 ? " Trials marked '!' in the cpu column were generator-bound (none at the knee)."
                 : "");
    struct html_table t = {NCOLS, (unsigned)rep->ntrials, head, cells, links, cls};
    struct chart_series sp = {.label = "peak processes", .pts = peak, .n = np, .color = "#c0392b"};
    struct chart_series sl = {.label = "p(99) latency", .pts = p99, .n = np, .color = "#2c6fbb"};
    struct chart_marker mk[2] = {{rep->res.low, "highest pass"}, {rep->res.high, "lowest fail"}};
    size_t nmk = rep->res.has_low && rep->res.has_high ? 2 : 0;
    struct chart_spec charts[2] = {
        {.id = "chart-limit-processes",
         .title = "peak processes (log scale) against the axis",
         .series = &sp,
         .nseries = 1,
         .markers = mk,
         .nmarkers = nmk,
         .height = 300,
         .x_count = true,
         .y_log = true},
        {.id = "chart-limit-p99",
         .title = "p(99) latency against the axis",
         .unit = CHART_SECONDS,
         .series = &sl,
         .nseries = 1,
         .markers = mk,
         .nmarkers = nmk,
         .height = 300,
         .x_count = true},
    };
    rc = html_write_charts(path, title, notes, &t, charts, 2, err);
out:
    free(buf);
    free(cells);
    free(links);
    free(cls);
    free(hrefs);
    free(peak);
    free(p99);
    return rc;
}
