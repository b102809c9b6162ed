/* limit_variants.c -- a capacity search over a [sweep]: one row per variant's search, shown as
 * one table on a terminal and written as limit.json, limit.csv, report.html and JUnit. */
#include "limit_variants.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "html.h"
#include "limit_report.h"
#include "report.h"
#include "util.h"

#define NCOLS 6
static const char *const head[NCOLS] = {"variant",  "knee",   "beyond",
                                        "headroom", "trials", "node-s"};

/* Row r's cells as text. */
static void cells_of(const struct scenario *sc, const struct limit_variant *r, char buf[NCOLS][96])
{
    char lo[32], hi[32];
    double hr = r->res.has_low && r->own > 0 ? r->res.low / r->own : NAN;
    snprintf(buf[0], 96, "%.95s", r->label);
    snprintf(buf[1], 96, "[%s, %s]",
             r->res.has_low ? limit_report_value(sc, r->res.low, lo, 32) : "?",
             r->res.has_high ? limit_report_value(sc, r->res.high, hi, 32) : "?");
    snprintf(buf[2], 96, "%s", r->res.has_high ? limit_mode_name(r->res.mode) : "-");
    if (isnan(hr))
        snprintf(buf[3], 96, "-");
    else
        snprintf(buf[3], 96, "%.2fx", hr);
    snprintf(buf[4], 96, "%zu", r->ntrials);
    snprintf(buf[5], 96, "%.0f", r->node_s);
}

static void text_table(const struct scenario *sc, const struct limit_variant *rows, unsigned n,
                       unsigned nvariants)
{
    char buf[NCOLS][96];
    printf("\nlogjam limit  %s  %u of %u variants\n\n  %-24s %-22s %-9s %-9s %6s %8s\n", sc->path,
           n, nvariants, head[0], head[1], head[2], head[3], head[4], head[5]);
    for (unsigned i = 0; i < n; i++) {
        cells_of(sc, &rows[i], buf);
        printf("  %-24s %-22s %-9s %-9s %6s %8s\n", buf[0], buf[1], buf[2], buf[3], buf[4], buf[5]);
    }
}

static char *csv_text(const struct limit_variant *rows, unsigned n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("variant,low,high,mode,headroom,trials,node_seconds,exit_code\n", f);
    for (unsigned i = 0; i < n; i++) {
        const struct limit_variant *r = &rows[i];
        report_csv_field(f, r->label);
        report_csv_num(f, r->res.has_low ? r->res.low : NAN);
        report_csv_num(f, r->res.has_high ? r->res.high : NAN);
        fprintf(f, ",%s", r->res.has_high ? limit_mode_name(r->res.mode) : "");
        report_csv_num(f, r->res.has_low && r->own > 0 ? r->res.low / r->own : NAN);
        report_csv_num(f, (double)r->ntrials);
        report_csv_num(f, r->node_s);
        fprintf(f, ",%d\n", r->exit_code);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static char *json_text(const struct scenario *sc, const struct limit_variant *rows, unsigned n,
                       int code)
{
    json_t *root = json_pack("{s:i, s:s, s:i, s:[]}", "schema", 1, "scenario", sc->path,
                             "exit_code", code, "variants");
    for (unsigned i = 0; root && i < n; i++)
        json_array_append(json_object_get(root, "variants"), rows[i].js ? rows[i].js : json_null());
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(root);
    return text;
}

/* The HTML page: the table linked to each variant's report.html (link_base + dir), and the
 * knees per variant (highest pass and lowest fail) as dots. Returns 0, or -1 with err. */
static int html_page(const char *path, const char *link_base, const struct scenario *sc,
                     const struct limit_variant *rows, unsigned n, char *err)
{
    static char buf[SWEEP_MAX_VARIANTS][NCOLS][96],
        hrefs[SWEEP_MAX_VARIANTS][SWEEP_PATH_LEN + SWEEP_LABEL_LEN + 16];
    static const char *cells[SWEEP_MAX_VARIANTS * NCOLS], *links[SWEEP_MAX_VARIANTS],
        *cls[SWEEP_MAX_VARIANTS], *names[SWEEP_MAX_VARIANTS];
    static struct chart_point low[SWEEP_MAX_VARIANTS], high[SWEEP_MAX_VARIANTS];
    char title[SCENARIO_PATH_LEN + 16];
    size_t nl = 0, nh = 0;
    for (unsigned i = 0; i < n && i < SWEEP_MAX_VARIANTS; i++) {
        cells_of(sc, &rows[i], buf[i]);
        for (unsigned c = 0; c < NCOLS; c++)
            cells[i * NCOLS + c] = buf[i][c];
        snprintf(hrefs[i], sizeof hrefs[i], "%.2040s%s/report.html", link_base, rows[i].dir);
        links[i] = hrefs[i];
        cls[i] = limit_report_errored(rows[i].exit_code) ? "error"
                 : rows[i].has_gate && !rows[i].gate_ok  ? "fail"
                                                         : "pass";
        names[i] = rows[i].label;
        if (rows[i].res.has_low)
            low[nl++] = (struct chart_point){i + 1.0, rows[i].res.low};
        if (rows[i].res.has_high)
            high[nh++] = (struct chart_point){i + 1.0, rows[i].res.high};
    }
    struct chart_series se[2] = {
        {.label = "highest pass", .pts = low, .n = nl, .color = "#2ca02c", .dots = true},
        {.label = "lowest fail", .pts = high, .n = nh, .color = "#d62728", .dots = true}};
    struct chart_spec chart = {.id = "chart-limit-knees",
                               .title = "the knee of each variant: highest pass, lowest fail",
                               .unit = sc->limit_axis == LIMIT_AXIS_RATE ? CHART_RATE : CHART_COUNT,
                               .series = se,
                               .nseries = 2,
                               .height = 320,
                               .x_names = names,
                               .nx_names = n};
    struct html_table t = {NCOLS, n, head, cells, links, cls};
    snprintf(title, sizeof title, "logjam limit %s", sc->name);
    return html_write_charts(path, title,
                             "One capacity search per variant; each name links to its own "
                             "report. Headroom: the highest pass over the variant's own value.",
                             &t, &chart, 1, err);
}

/* One JUnit testcase per variant: its [limit] gate, or its search ending. */
static int junit(const char *path, const struct scenario *sc, const struct limit_variant *rows,
                 unsigned n, char *err)
{
    static struct limit_junit_case cases[SWEEP_MAX_VARIANTS];
    char suite[SCENARIO_PATH_LEN + 16];
    for (unsigned i = 0; i < n && i < SWEEP_MAX_VARIANTS; i++) {
        const struct limit_variant *r = &rows[i];
        cases[i] = (struct limit_junit_case){.variant = r->label,
                                             .sc = sc,
                                             .has_gate = r->has_gate,
                                             .threshold = r->gate_threshold,
                                             .errored = limit_report_errored(r->exit_code),
                                             .failed = r->has_gate && !r->gate_ok};
        limit_report_knee_words(sc, &r->res, cases[i].words, sizeof cases[i].words);
    }
    snprintf(suite, sizeof suite, "logjam limit %s", sc->name);
    return limit_report_junit_cases(path, suite, cases, n, err);
}

int limit_variants_report(const struct scenario *sc, const struct limit_variant *rows, unsigned n,
                          unsigned nvariants, int code, const struct limit_variants_out *out)
{
    char err[LJ_ERR_LEN] = "out of memory", path[SWEEP_PATH_LEN + 16], link[SWEEP_PATH_LEN + 8];
    char *json = json_text(sc, rows, n, code), *csv = csv_text(rows, n);
    int rc = json && csv ? 0 : -1;
    text_table(sc, rows, n, nvariants);
    printf("\n  files    %s/limit.json %s/limit.csv %s/report.html\n\n", out->top, out->top,
           out->top);
    fflush(stdout);
    snprintf(path, sizeof path, "%s/limit.json", out->top);
    rc = rc == 0 ? report_write(path, json, err) : rc;
    snprintf(path, sizeof path, "%s/limit.csv", out->top);
    rc = rc == 0 ? report_write(path, csv, err) : rc;
    snprintf(path, sizeof path, "%s/report.html", out->top);
    rc = rc == 0 ? html_page(path, "", sc, rows, n, err) : rc;
    char *real = realpath(out->top, NULL);
    snprintf(link, sizeof link, "file://%.2000s/", real ? real : out->top);
    free(real);
    if (rc == 0 && out->report)
        rc = html_page(out->report, link, sc, rows, n, err);
    if (rc == 0 && out->junit)
        rc = junit(out->junit, sc, rows, n, err);
    if (rc < 0)
        fprintf(stderr, "logjam: %s\n", err);
    free(json);
    free(csv);
    return rc < 0 ? -1 : 0;
}
