/* merge_sweep.c -- `logjam merge` of a sweep's shards: the table, sweep.json, sweep.csv and
 * report.html as the unsharded sweep writes them, from every run's summary.json. */
#include "merge_sweep.h"

#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "report.h"
#include "sweep_report.h"
#include "sweep_table.h"
#include "util.h"

/* The scenario as far as the table needs it (path, name, the swept axes and named rows), the
 * sort and repeat, from the shards' spec. */
static void spec_scenario(const json_t *spec, struct scenario *sc, enum sweep_sort *sort,
                          unsigned *repeat)
{
    const char *path = json_string_value(json_object_get(spec, "scenario"));
    const char *name = json_string_value(json_object_get(spec, "name"));
    const char *by = json_string_value(json_object_get(spec, "sort"));
    size_t i, k;
    json_t *e, *val;
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path ? path : "?");
    snprintf(sc->name, sizeof sc->name, "%s", name ? name : "?");
    if (!by || sweep_sort_parse(by, sort) != 0)
        *sort = SWEEP_SORT_SCENARIO;
    json_int_t r = json_integer_value(json_object_get(spec, "repeat"));
    *repeat = r >= 1 && r <= SWEEP_MAX_REPEAT ? (unsigned)r : 1;
    json_array_foreach(json_object_get(spec, "axes"), i, e)
    {
        struct sweep_axis *ax = &sc->sweep[sc->nsweep];
        if (sc->nsweep == SCENARIO_MAX_SWEEP_KEYS)
            break;
        snprintf(ax->key, sizeof ax->key, "%s", json_string_value(json_object_get(e, "key")));
        json_array_foreach(json_object_get(e, "values"), k,
                           val) if (ax->nvalues < SCENARIO_MAX_SWEEP_VALUES)
            snprintf(ax->values[ax->nvalues++], sizeof ax->values[0], "%s", json_string_value(val));
        sc->nsweep++;
    }
    json_array_foreach(json_object_get(spec, "rows"), i, e)
    {
        struct sweep_row *row = &sc->sweep_rows[sc->nsweep_rows];
        if (sc->nsweep_rows == SCENARIO_MAX_SWEEP_VALUES)
            break;
        snprintf(row->name, sizeof row->name, "%s", json_string_value(json_object_get(e, "name")));
        snprintf(row->sets, sizeof row->sets, "%s", json_string_value(json_object_get(e, "sets")));
        sc->nsweep_rows++;
    }
}

/* Variant v's runs read back from out into runs, combined into row; whether one had a harness
 * error or was interrupted. */
static void read_variant(const struct merge_set *set, const struct merge_variant *v,
                         const char *out, unsigned repeat, struct sweep_result *row,
                         struct sweep_result *runs, bool *harness, bool *interrupted)
{
    char path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN], err[LJ_ERR_LEN];
    unsigned nruns = v->runs < repeat ? v->runs : repeat;
    memset(row, 0, sizeof *row);
    row->index = v->index;
    snprintf(row->label, sizeof row->label, "%s", v->label);
    snprintf(row->dir, sizeof row->dir, "%s", v->dir);
    snprintf(row->machine, sizeof row->machine, "%s", merge_host(set, v));
    for (unsigned k = 0; k < nruns; k++) {
        struct sweep_result *r = &runs[k];
        memset(r, 0, sizeof *r);
        r->index = v->index;
        snprintf(r->label, sizeof r->label, "%s", v->label);
        sweep_run_dir(v->dir, repeat, k, r->dir, sizeof r->dir);
        snprintf(path, sizeof path, "%.2000s/%.511s/summary.json", out, r->dir);
        if (sweep_result_read(r, path, err) != 0) {
            snprintf(r->error, sizeof r->error, "%.255s", err);
            snprintf(r->verdict, sizeof r->verdict, "error");
            r->exit_code = LJ_EXIT_HARNESS;
        }
        *harness = *harness || r->exit_code == LJ_EXIT_HARNESS || !r->ran;
        *interrupted = *interrupted || r->exit_code == LJ_EXIT_INTERRUPTED;
    }
    sweep_aggregate(row, runs, nruns, repeat);
}

/* JUnit: one testcase per variant, an error where its runs had a harness error or were
 * interrupted (what the sweep's exit code counts), the verdict in its output. */
static int write_junit(const char *path, const struct scenario *sc, const struct sweep_result *rows,
                       unsigned n, char *err)
{
    char *text = NULL;
    size_t len = 0;
    unsigned errors = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        lj_err(err, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        errors += !rows[i].ran || rows[i].exit_code == LJ_EXIT_HARNESS ||
                  rows[i].exit_code == LJ_EXIT_INTERRUPTED;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite "
               "name=\"logjam sweep ");
    chart_escape(f, sc->name);
    fprintf(f, "\" tests=\"%u\" failures=\"0\" errors=\"%u\">\n", n, errors);
    for (unsigned i = 0; i < n; i++) {
        const struct sweep_result *r = &rows[i];
        bool bad =
            !r->ran || r->exit_code == LJ_EXIT_HARNESS || r->exit_code == LJ_EXIT_INTERRUPTED;
        fprintf(f, "    <testcase classname=\"logjam.sweep\" name=\"%02u ", r->index);
        chart_escape(f, r->label);
        fputs("\">", f);
        if (bad) {
            fputs("\n      <error message=\"", f);
            chart_escape(f, r->error[0] ? r->error : r->ran ? r->verdict : "error");
            fputs("\"/>", f);
        }
        fputs("\n      <system-out>verdict ", f);
        chart_escape(f, r->ran ? r->verdict : "error");
        fprintf(f, " (exit %d)</system-out>\n    </testcase>\n", r->exit_code);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (fclose(f) != 0) {
        free(text);
        lj_err(err, "out of memory");
        return -1;
    }
    int rc = report_write(path, text, err);
    free(text);
    return rc < 0 ? -1 : 0;
}

int merge_sweep(const struct merge_set *set, const char *out, const char *report, const char *junit)
{
    static struct sweep_result rows[SWEEP_MAX_VARIANTS];
    char err[LJ_ERR_LEN], part[64];
    struct scenario *sc = malloc(sizeof *sc);
    unsigned repeat = 1;
    bool harness = false, interrupted = set->interrupted;
    enum sweep_sort sort;
    if (!sc) {
        fprintf(stderr, "logjam: out of memory\n");
        return LJ_EXIT_HARNESS;
    }
    spec_scenario(set->spec, sc, &sort, &repeat);
    struct sweep_result *runs = calloc((size_t)(set->nv ? set->nv : 1) * repeat, sizeof *runs);
    json_t *extra = merge_provenance(set);
    if (!runs || !extra) {
        fprintf(stderr, "logjam: out of memory\n");
        free(sc);
        free(runs);
        json_decref(extra);
        return LJ_EXIT_HARNESS;
    }
    for (unsigned i = 0; i < set->nv; i++)
        read_variant(set, &set->v[i], out, repeat, &rows[i], &runs[(size_t)i * repeat], &harness,
                     &interrupted);
    json_object_set_new(extra, "machines", json_integer(sweep_machines(rows, set->nv)));
    snprintf(part, sizeof part, "merged from %zu shards: ", set->n);
    struct sweep_report r = {.base = sc,
                             .rows = rows,
                             .nrows = set->nv,
                             .nvariants = set->total,
                             .sort = sort,
                             .repeat = repeat,
                             .dir = out,
                             .report = report,
                             .part = part,
                             .interrupted = interrupted,
                             .elapsed_s = set->elapsed_s,
                             .extra = extra};
    int code = interrupted ? LJ_EXIT_INTERRUPTED : harness ? LJ_EXIT_HARNESS : LJ_EXIT_PASS;
    code = sweep_report_write(&r, code);
    if (junit && write_junit(junit, sc, rows, set->nv, err) != 0) {
        fprintf(stderr, "logjam: %s\n", err);
        code = code == LJ_EXIT_PASS ? LJ_EXIT_HARNESS : code;
    }
    json_decref(extra);
    free(runs);
    free(sc);
    return code;
}
