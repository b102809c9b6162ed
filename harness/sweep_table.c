/* sweep_table.c -- the sweep's comparison table: each run's summary.json read back, a
 * variant's runs combined (medians), rows sorted, and the table as text, JSON and CSV. */
#include "sweep_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"
#include "util.h"

/* ---- each run read back, a variant's runs combined, the rows sorted -------------------- */

static double num_at(const json_t *root, const char *metric, const char *key)
{
    const json_t *m = json_object_get(json_object_get(root, "metrics"), metric);
    const json_t *v = json_object_get(m, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

int sweep_result_read(struct sweep_result *res, const char *summary_path, char *err)
{
    json_error_t je;
    json_t *root = json_load_file(summary_path, 0, &je);
    res->ran = false;
    if (!root || !json_is_object(root)) {
        lj_err(err, "%s: %s", summary_path, root ? "not a JSON object" : je.text);
        json_decref(root);
        return -1;
    }
    const char *verdict = json_string_value(json_object_get(root, "verdict"));
    const char *error = json_string_value(json_object_get(root, "error"));
    snprintf(res->verdict, sizeof res->verdict, "%s", verdict ? verdict : "?");
    snprintf(res->error, sizeof res->error, "%s", error ? error : "");
    res->exit_code = (int)json_integer_value(json_object_get(root, "exit_code"));
    res->peak_processes = num_at(root, "processes", "max");
    res->peak_memory = num_at(root, "memory.total", "max");
    res->memory_slope = num_at(root, "memory.total", "slope");
    res->sync_share = num_at(root, "logger.sync", "share");
    res->dropped = num_at(root, "logger.dropped", "count");
    const json_t *lat = json_object_get(json_object_get(root, "metrics"), "latency");
    const json_t *p99 = json_object_get(lat, "p(99)");
    res->p99 = json_is_number(p99) ? json_number_value(p99) : NAN;
    double sent = num_at(root, "requests", "sent");
    res->not_ok = sent > 0
                      ? (num_at(root, "requests", "failed") + num_at(root, "requests", "errored") +
                         num_at(root, "requests", "timeout")) /
                            sent
                      : NAN;
    res->recovery_time = num_at(root, "recovery", "time");
    const json_t *rec = json_object_get(json_object_get(root, "metrics"), "recovery");
    res->recovered = json_is_true(json_object_get(rec, "recovered"));
    res->stuck = json_is_true(json_object_get(rec, "stuck"));
    res->leaked = num_at(root, "recovery", "leaked");
    res->ran = true;
    json_decref(root);
    return 0;
}

double sweep_median(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) /* the NANs out */
        if (!isnan(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof *v, lj_cmp_double);
    return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

/* Worse verdicts rank higher; anything unknown ranks as an error. */
static int verdict_rank(const char *v)
{
    static const char *const order[] = {"pass", "fail", "capped", "interrupted", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, order[i]) == 0)
            return i;
    return 4;
}

static const char *run_verdict(const struct sweep_result *r)
{
    return r->ran ? r->verdict : "error";
}

/* The median over the runs that ran of the field at byte offset off (a double). */
static double median_of(const struct sweep_result *runs, unsigned n, size_t off)
{
    double v[SWEEP_MAX_REPEAT];
    size_t m = 0;
    for (unsigned i = 0; i < n && m < SWEEP_MAX_REPEAT; i++)
        if (runs[i].ran)
            v[m++] = *(const double *)(const void *)((const char *)&runs[i] + off);
    return sweep_median(v, m);
}

void sweep_aggregate(struct sweep_result *row, const struct sweep_result *runs, unsigned nruns,
                     unsigned repeat)
{
    double rec[SWEEP_MAX_REPEAT];
    unsigned nran = 0, nstuck = 0, best = 0;
    int worst = -1;
    if (nruns > SWEEP_MAX_REPEAT)
        nruns = SWEEP_MAX_REPEAT;
    row->repeat = repeat;
    row->nruns = nruns;
    row->runs = nruns ? runs : NULL;
    row->npassed = row->nverdict = row->median_run = 0;
    row->error[0] = '\0';
    row->exit_code = nruns ? runs[nruns - 1].exit_code : 0;
    row->peak_processes_min = row->peak_processes_max = NAN;

    /* the verdict: the most frequent, ties to the worse */
    snprintf(row->verdict, sizeof row->verdict, "error");
    for (unsigned i = 0; i < nruns; i++) {
        unsigned count = 0;
        for (unsigned k = 0; k < nruns; k++)
            count += strcmp(run_verdict(&runs[k]), run_verdict(&runs[i])) == 0;
        int rank = verdict_rank(run_verdict(&runs[i]));
        if (count > row->nverdict || (count == row->nverdict && rank > worst)) {
            row->nverdict = count;
            worst = rank;
            snprintf(row->verdict, sizeof row->verdict, "%s", run_verdict(&runs[i]));
            row->exit_code = runs[i].exit_code;
        }
        row->npassed += strcmp(run_verdict(&runs[i]), "pass") == 0;
        if (!row->error[0] && runs[i].error[0])
            snprintf(row->error, sizeof row->error, "%s", runs[i].error);
    }

    for (unsigned i = 0; i < nruns; i++) {
        const struct sweep_result *r = &runs[i];
        if (!r->ran)
            continue;
        rec[nran++] = r->recovered ? r->recovery_time : INFINITY;
        nstuck += r->stuck;
        if (!isnan(r->peak_processes)) {
            if (isnan(row->peak_processes_min) || r->peak_processes < row->peak_processes_min)
                row->peak_processes_min = r->peak_processes;
            if (isnan(row->peak_processes_max) || r->peak_processes > row->peak_processes_max)
                row->peak_processes_max = r->peak_processes;
        }
    }
    row->ran = nran > 0;
    row->peak_processes = median_of(runs, nruns, offsetof(struct sweep_result, peak_processes));
    row->peak_memory = median_of(runs, nruns, offsetof(struct sweep_result, peak_memory));
    row->memory_slope = median_of(runs, nruns, offsetof(struct sweep_result, memory_slope));
    row->sync_share = median_of(runs, nruns, offsetof(struct sweep_result, sync_share));
    row->dropped = median_of(runs, nruns, offsetof(struct sweep_result, dropped));
    row->p99 = median_of(runs, nruns, offsetof(struct sweep_result, p99));
    row->not_ok = median_of(runs, nruns, offsetof(struct sweep_result, not_ok));
    row->leaked = median_of(runs, nruns, offsetof(struct sweep_result, leaked));
    row->recovery_time = sweep_median(rec, nran);
    row->recovered = nran > 0 && !isnan(row->recovery_time) && !isinf(row->recovery_time);
    if (!row->recovered)
        row->recovery_time = NAN;
    row->stuck = nstuck * 2 > nran;

    /* the run to show curves of: the one closest to the median peak (the earlier on a tie) */
    for (unsigned i = 0; i < nruns; i++) {
        if (!runs[i].ran || isnan(runs[i].peak_processes))
            continue;
        double d = fabs(runs[i].peak_processes - row->peak_processes);
        const struct sweep_result *b = &runs[best];
        if (!b->ran || isnan(b->peak_processes) ||
            d < fabs(b->peak_processes - row->peak_processes))
            best = i;
    }
    row->median_run = best;
}

static double sort_value(const struct sweep_result *r, enum sweep_sort by)
{
    switch (by) {
    case SWEEP_SORT_PROCESSES:
        return r->peak_processes;
    case SWEEP_SORT_P99:
        return r->p99;
    case SWEEP_SORT_MEMORY:
        return r->peak_memory;
    case SWEEP_SORT_SYNC:
        return r->sync_share;
    case SWEEP_SORT_SCENARIO:
    case SWEEP_SORT_NAME:
        break;
    }
    return (double)r->index;
}

static int compare(const struct sweep_result *a, const struct sweep_result *b, enum sweep_sort by)
{
    if (by == SWEEP_SORT_NAME) {
        int c = strcmp(a->label, b->label);
        if (c)
            return c;
    } else {
        double x = a->ran ? sort_value(a, by) : NAN, y = b->ran ? sort_value(b, by) : NAN;
        if (isnan(x) != isnan(y))
            return isnan(x) ? 1 : -1; /* missing values last */
        if (!isnan(x) && x != y)
            return x < y ? -1 : 1;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

void sweep_sort_results(struct sweep_result *rows, size_t n, enum sweep_sort by)
{
    /* insertion sort: stable, n <= SWEEP_MAX_VARIANTS */
    for (size_t i = 1; i < n; i++) {
        struct sweep_result tmp = rows[i];
        size_t j = i;
        while (j > 0 && compare(&tmp, &rows[j - 1], by) < 0) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = tmp;
    }
}

static const char *const sort_names[] = {"scenario", "peak_processes", "p99",
                                         "memory",   "sync",           "name"};

int sweep_sort_parse(const char *s, enum sweep_sort *out)
{
    for (size_t i = 0; i < sizeof sort_names / sizeof sort_names[0]; i++) {
        if (strcmp(s, sort_names[i]) == 0) {
            *out = (enum sweep_sort)i;
            return 0;
        }
    }
    return -1;
}

const char *sweep_sort_name(enum sweep_sort by)
{
    return sort_names[by];
}

/* ---- the table ------------------------------------------------------------------------- */

#define SWEEP_COL_SPREAD 3
#define SWEEP_COL_MACHINE 11
static const char *const table_head[SWEEP_NCOLS] = {
    "variant",     "verdict", "peak processes", "spread", "peak memory", "memory slope",
    "logger sync", "drops",   "p99 latency",    "not ok", "recovery",    "machine"};

/* Whether the table has the spread column: some row stands for repeated runs. */
static bool with_spread(const struct sweep_result *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].repeat > 1)
            return true;
    return false;
}

unsigned sweep_machines(const struct sweep_result *rows, size_t n)
{
    unsigned k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && strcmp(rows[j].machine, rows[i].machine) != 0)
            j++;
        k += j == i;
    }
    return k;
}

unsigned sweep_table_columns(const struct sweep_result *rows, size_t n, unsigned col[SWEEP_NCOLS],
                             const char *head[SWEEP_NCOLS])
{
    bool spread = with_spread(rows, n), machine = sweep_machines(rows, n) > 1;
    unsigned k = 0;
    for (unsigned c = 0; c < SWEEP_NCOLS; c++)
        if ((c != SWEEP_COL_SPREAD || spread) && (c != SWEEP_COL_MACHINE || machine)) {
            head[k] = table_head[c];
            col[k++] = c;
        }
    return k;
}

void sweep_table_cells(const struct sweep_result *r, char buf[SWEEP_NCOLS][SWEEP_CELL_LEN],
                       const char *cells[SWEEP_NCOLS])
{
    char a[64], b[64];
    snprintf(buf[0], sizeof buf[0], "%02u %s", r->index, r->label);
    if (!r->ran) {
        if (r->repeat > 1)
            snprintf(buf[1], sizeof buf[1], "error %u/%u (exit %d)", r->nverdict, r->nruns,
                     r->exit_code);
        else
            snprintf(buf[1], sizeof buf[1], "error (exit %d)", r->exit_code);
        for (int i = 2; i < SWEEP_NCOLS; i++)
            snprintf(buf[i], sizeof buf[i], "-");
    } else {
        if (r->repeat > 1)
            snprintf(buf[1], sizeof buf[1], "%s %u/%u", r->verdict, r->nverdict, r->nruns);
        else
            snprintf(buf[1], sizeof buf[1], "%s", r->verdict);
        units_format_count(r->peak_processes, buf[2], sizeof buf[2]);
        if (isnan(r->peak_processes_min))
            snprintf(buf[3], sizeof buf[3], "-");
        else
            snprintf(buf[3], sizeof buf[3], "%s..%s",
                     units_format_count(r->peak_processes_min, a, sizeof a),
                     units_format_count(r->peak_processes_max, b, sizeof b));
        units_format_bytes(r->peak_memory, buf[4], sizeof buf[4]);
        if (isnan(r->memory_slope))
            snprintf(buf[5], sizeof buf[5], "-");
        else
            snprintf(buf[5], sizeof buf[5], "%s%s/s", r->memory_slope > 0 ? "+" : "",
                     units_format_bytes(r->memory_slope, a, sizeof a));
        if (isnan(r->sync_share))
            snprintf(buf[6], sizeof buf[6], "-");
        else
            snprintf(buf[6], sizeof buf[6], "%.0f%%", r->sync_share * 100);
        units_format_count(r->dropped, buf[7], sizeof buf[7]);
        units_format_seconds(r->p99, buf[8], sizeof buf[8]);
        if (isnan(r->not_ok))
            snprintf(buf[9], sizeof buf[9], "-");
        else
            snprintf(buf[9], sizeof buf[9], "%.1f%%", r->not_ok * 100);
        if (r->recovered)
            units_format_seconds(r->recovery_time, buf[10], sizeof buf[10]);
        else if (r->stuck)
            snprintf(buf[10], sizeof buf[10], "stuck (%s)",
                     units_format_count(r->leaked, a, sizeof a));
        else if (!isnan(r->leaked))
            snprintf(buf[10], sizeof buf[10], "leaked %s",
                     units_format_count(r->leaked, a, sizeof a));
        else
            snprintf(buf[10], sizeof buf[10], "-");
    }
    snprintf(buf[SWEEP_COL_MACHINE], sizeof buf[0], "%s", r->machine[0] ? r->machine : "-");
    for (int i = 0; i < SWEEP_NCOLS; i++)
        cells[i] = buf[i];
}

/* Display width of UTF-8 text (code points). */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

void sweep_print_table(FILE *f, const struct sweep_result *rows, size_t n)
{
    static char buf[SWEEP_MAX_VARIANTS][SWEEP_NCOLS][SWEEP_CELL_LEN];
    static const char *cells[SWEEP_MAX_VARIANTS][SWEEP_NCOLS];
    const char *head[SWEEP_NCOLS];
    unsigned col[SWEEP_NCOLS], ncols;
    size_t w[SWEEP_NCOLS];
    if (n > SWEEP_MAX_VARIANTS)
        n = SWEEP_MAX_VARIANTS;
    ncols = sweep_table_columns(rows, n, col, head);
    for (unsigned c = 0; c < ncols; c++)
        w[c] = width_of(head[c]);
    for (size_t r = 0; r < n; r++) {
        sweep_table_cells(&rows[r], buf[r], cells[r]);
        for (unsigned c = 0; c < ncols; c++)
            if (width_of(cells[r][col[c]]) > w[c])
                w[c] = width_of(cells[r][col[c]]);
    }
    fprintf(f, "  %s%*s", head[0], (int)(w[0] - width_of(head[0])), "");
    for (unsigned c = 1; c < ncols; c++)
        fprintf(f, "  %*s", (int)w[c], head[c]);
    fputc('\n', f);
    for (size_t r = 0; r < n; r++) {
        fputs("  ", f);
        for (unsigned c = 0; c < ncols; c++) {
            const char *cell = cells[r][col[c]];
            size_t pad = w[c] - width_of(cell);
            if (c == 0)
                fprintf(f, "%s%*s", cell, (int)pad, "");
            else
                fprintf(f, "  %*s%s", (int)pad, "", cell);
        }
        fputc('\n', f);
    }
}

static json_t *num_or_null(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

void sweep_result_json(json_t *o, const struct sweep_result *r)
{
    json_object_set_new(o, "ran", json_boolean(r->ran));
    json_object_set_new(o, "exit_code", json_integer(r->exit_code));
    json_object_set_new(o, "verdict", json_string(r->ran ? r->verdict : "error"));
    json_object_set_new(o, "error", r->error[0] ? json_string(r->error) : json_null());
    json_object_set_new(o, "peak_processes", num_or_null(r->peak_processes));
    json_object_set_new(o, "peak_memory", num_or_null(r->peak_memory));
    json_object_set_new(o, "memory_slope", num_or_null(r->memory_slope));
    json_object_set_new(o, "sync_share", num_or_null(r->sync_share));
    json_object_set_new(o, "dropped", num_or_null(r->dropped));
    json_object_set_new(o, "latency_p99", num_or_null(r->p99));
    json_object_set_new(o, "not_ok", num_or_null(r->not_ok));
    json_object_set_new(o, "recovery_time", num_or_null(r->recovered ? r->recovery_time : NAN));
    json_object_set_new(o, "recovered", json_boolean(r->recovered));
    json_object_set_new(o, "stuck", json_boolean(r->stuck));
    json_object_set_new(o, "leaked", num_or_null(r->leaked));
}

json_t *sweep_json(const struct scenario *sc, const struct sweep_result *rows, size_t n,
                   enum sweep_sort by, unsigned repeat, int exit_code, bool interrupted,
                   double elapsed_s)
{
    json_t *root = json_object(), *axes = json_array(), *named = json_array(), *vars = json_array();
    for (unsigned i = 0; i < sc->nsweep; i++) {
        json_t *vals = json_array();
        for (unsigned k = 0; k < sc->sweep[i].nvalues; k++)
            json_array_append_new(vals, json_string(sc->sweep[i].values[k]));
        json_array_append_new(axes,
                              json_pack("{s:s, s:o}", "key", sc->sweep[i].key, "values", vals));
    }
    for (unsigned i = 0; i < sc->nsweep_rows; i++)
        json_array_append_new(named, json_pack("{s:s, s:s}", "name", sc->sweep_rows[i].name, "sets",
                                               sc->sweep_rows[i].sets));
    for (size_t i = 0; i < n; i++) {
        const struct sweep_result *r = &rows[i];
        json_t *o = json_object(), *runs = json_array();
        json_object_set_new(o, "index", json_integer(r->index));
        json_object_set_new(o, "variant", json_string(r->label));
        json_object_set_new(o, "dir", json_string(r->dir));
        if (r->machine[0]) /* merged from shards */
            json_object_set_new(o, "machine", json_string(r->machine));
        sweep_result_json(o, r);
        json_object_set_new(o, "peak_processes_min", num_or_null(r->peak_processes_min));
        json_object_set_new(o, "peak_processes_max", num_or_null(r->peak_processes_max));
        json_object_set_new(o, "repeats", json_integer(r->nruns));
        json_object_set_new(o, "verdict_count", json_integer(r->nverdict));
        json_object_set_new(o, "passed", json_integer(r->npassed));
        json_object_set_new(o, "median_run",
                            r->nruns ? json_integer(r->median_run + 1) : json_null());
        for (unsigned k = 0; r->runs && k < r->nruns; k++) {
            const struct sweep_result *run = &r->runs[k];
            char summary[SWEEP_LABEL_LEN + 16];
            json_t *ro = json_object();
            snprintf(summary, sizeof summary, "%s/summary.json", run->dir);
            json_object_set_new(ro, "run", json_integer(k + 1));
            json_object_set_new(ro, "dir", json_string(run->dir));
            json_object_set_new(ro, "summary", json_string(summary));
            sweep_result_json(ro, run);
            json_array_append_new(runs, ro);
        }
        json_object_set_new(o, "runs", runs);
        json_array_append_new(vars, o);
    }
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "scenario", json_string(sc->path));
    json_object_set_new(root, "sort", json_string(sweep_sort_name(by)));
    json_object_set_new(root, "repeat", json_integer(repeat));
    json_object_set_new(root, "exit_code", json_integer(exit_code));
    json_object_set_new(root, "interrupted", json_boolean(interrupted));
    json_object_set_new(root, "elapsed", json_real(elapsed_s));
    json_object_set_new(root, "axes", axes);
    json_object_set_new(root, "rows", named);
    json_object_set_new(root, "variants", vars);
    return root;
}

char *sweep_csv(const struct sweep_result *rows, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("index,variant,dir,verdict,exit_code,peak_processes,peak_memory,memory_slope,"
          "sync_share,dropped,latency_p99,not_ok,recovery_time,recovered,stuck,leaked,runs,passed,"
          "peak_processes_min,peak_processes_max\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const struct sweep_result *r = &rows[i];
        fprintf(f, "%u,", r->index);
        report_csv_field(f, r->label);
        fputc(',', f);
        report_csv_field(f, r->dir);
        fprintf(f, ",%s,%d", r->ran ? r->verdict : "error", r->exit_code);
        report_csv_num(f, r->peak_processes);
        report_csv_num(f, r->peak_memory);
        report_csv_num(f, r->memory_slope);
        report_csv_num(f, r->sync_share);
        report_csv_num(f, r->dropped);
        report_csv_num(f, r->p99);
        report_csv_num(f, r->not_ok);
        report_csv_num(f, r->recovered ? r->recovery_time : NAN);
        fprintf(f, ",%s,%s", r->recovered ? "true" : "false", r->stuck ? "true" : "false");
        report_csv_num(f, r->leaked);
        fprintf(f, ",%u,%u", r->nruns, r->npassed);
        report_csv_num(f, r->peak_processes_min);
        report_csv_num(f, r->peak_processes_max);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
