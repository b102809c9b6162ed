/* sweep.c -- `logjam sweep`: one fresh run (or N, --repeat) per combination of the swept
 * values, in sequence, and the comparison table read back from each run's summary.json. */
#include "sweep.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chart.h"
#include "html.h"
#include "report.h"
#include "run.h"
#include "units.h"
#include "util.h"

#ifndef LJ_FIXTURE_DIR
#define LJ_FIXTURE_DIR "erlang_fixture/ebin"
#endif

#define SWEEP_PATH_LEN 2048

/* ---- planning ---------------------------------------------------------------------------- */

int sweep_parse_vary(struct scenario *sc, const char *arg, char *err)
{
    char key[128], msg[LJ_ERR_LEN];
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key) {
        lj_err(err, "--vary %.200s: expected section.key=v1,v2,...", arg);
        return -1;
    }
    while (*arg == ' ')
        arg++;
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    for (size_t n = strlen(key); n > 0 && key[n - 1] == ' ';)
        key[--n] = '\0';
    if (scenario_sweep_add(sc, key, eq + 1, true, msg) != 0) {
        lj_err(err, "--vary %.200s: %s", arg, msg);
        return -1;
    }
    return 0;
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

int sweep_count(const struct scenario *sc, unsigned *n, char *err)
{
    uint64_t total = sc->nsweep_rows ? sc->nsweep_rows : 1;
    if (!sc->nsweep && !sc->nsweep_rows) {
        lj_err(err, "%s: nothing to sweep: add a [sweep] section or --vary section.key=v1,v2",
               sc->path[0] ? sc->path : "scenario");
        return -1;
    }
    for (unsigned i = 0; i < sc->nsweep; i++) {
        total *= sc->sweep[i].nvalues ? sc->sweep[i].nvalues : 1;
        if (total > SWEEP_MAX_VARIANTS) {
            lj_err(err, "%s: more than %d variants: sweep fewer values",
                   sc->path[0] ? sc->path : "scenario", SWEEP_MAX_VARIANTS);
            return -1;
        }
    }
    *n = (unsigned)total;
    return 0;
}

/* Append "sep text" to buf (len bytes); never overruns. */
static void append(char *buf, size_t len, const char *sep, const char *text)
{
    size_t n = strlen(buf);
    if (n + 1 < len)
        snprintf(buf + n, len - n, "%s%s", n ? sep : "", text);
}

/* A file-name-safe copy of s: anything but [A-Za-z0-9._=,+-] becomes '_'. */
static void safe_name(char *s)
{
    for (; *s; s++)
        if (!strchr("._=,+-", *s) && !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
            !(*s >= '0' && *s <= '9'))
            *s = '_';
}

int sweep_variant(const struct scenario *base, unsigned v, unsigned nvariants, struct scenario *out,
                  char *label, size_t llen, char *dir, size_t dlen, char *err)
{
    char msg[LJ_ERR_LEN], assign[SCENARIO_SWEEP_SETS_LEN + 128], flat[SWEEP_LABEL_LEN] = "";
    unsigned digit[SCENARIO_MAX_SWEEP_KEYS] = {0}, row = 0, rest = v;

    /* mixed radix, the last axis fastest */
    for (unsigned i = base->nsweep; i-- > 0;) {
        unsigned size = base->sweep[i].nvalues ? base->sweep[i].nvalues : 1;
        digit[i] = rest % size;
        rest /= size;
    }
    row = rest;
    memcpy(out, base, sizeof *out);
    label[0] = '\0';
    if (base->nsweep_rows) {
        const struct sweep_row *r = &base->sweep_rows[row % base->nsweep_rows];
        char sets[SCENARIO_SWEEP_SETS_LEN], *save = NULL;
        append(label, llen, ", ", r->name);
        snprintf(sets, sizeof sets, "%s", r->sets);
        for (char *item = strtok_r(sets, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            while (*item == ' ')
                item++;
            if (scenario_set(out, item, msg) != 0) {
                lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
                return -1;
            }
        }
    }
    for (unsigned i = 0; i < base->nsweep; i++) {
        const struct sweep_axis *ax = &base->sweep[i];
        const char *dot = strchr(ax->key, '.');
        snprintf(assign, sizeof assign, "%s=%s", ax->key, ax->values[digit[i]]);
        snprintf(msg, sizeof msg, "%s=%s", dot ? dot + 1 : ax->key, ax->values[digit[i]]);
        append(label, llen, ", ", msg);
        if (scenario_set(out, assign, msg) != 0) {
            lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
            return -1;
        }
    }
    if (scenario_validate(out, msg) != 0) {
        lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
        return -1;
    }
    /* "02-lager,async_threshold=200" */
    for (const char *p = label; *p; p++) {
        size_t n = strlen(flat);
        if (n + 1 < sizeof flat && !(*p == ' ' && p > label && p[-1] == ','))
            flat[n] = *p, flat[n + 1] = '\0';
    }
    safe_name(flat);
    snprintf(dir, dlen, "%0*u-%.200s", nvariants >= 100 ? 3 : 2, v + 1, flat);
    return 0;
}

int sweep_check_all(const struct scenario *base, char *err)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    unsigned n;
    int rc = -1;
    struct scenario *tmp = malloc(sizeof *tmp);
    if (!tmp) {
        lj_err(err, "out of memory");
        return -1;
    }
    if (sweep_count(base, &n, err) != 0)
        goto out;
    for (unsigned v = 0; v < n; v++)
        if (sweep_variant(base, v, n, tmp, label, sizeof label, dir, sizeof dir, err) != 0)
            goto out;
    rc = 0;
out:
    free(tmp);
    return rc;
}

/* ---- results --------------------------------------------------------------------------- */

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

int sweep_parse_repeat(const char *arg, unsigned *out, char *err)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > SWEEP_MAX_REPEAT) {
        lj_err(err, "--repeat %.100s: expected a whole number from 1 to %d", arg, SWEEP_MAX_REPEAT);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double sweep_median(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) /* the NANs out */
        if (!isnan(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof *v, cmp_double);
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

/* ---- the table ------------------------------------------------------------------------- */

#define SWEEP_NCOLS 11 /* at most: "spread" only with repeats */
#define SWEEP_COL_SPREAD 3
static const char *const table_head[SWEEP_NCOLS] = {
    "variant",     "verdict", "peak processes", "spread", "peak memory", "memory slope",
    "logger sync", "drops",   "p99 latency",    "not ok", "recovery"};

/* Whether the table has the spread column: some row stands for repeated runs. */
static bool with_spread(const struct sweep_result *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].repeat > 1)
            return true;
    return false;
}

/* The columns shown, as indices into table_head; returns their count. */
static unsigned table_cols(bool spread, unsigned col[SWEEP_NCOLS])
{
    unsigned n = 0;
    for (unsigned c = 0; c < SWEEP_NCOLS; c++)
        if (c != SWEEP_COL_SPREAD || spread)
            col[n++] = c;
    return n;
}

/* The cells of one row as text, every column (cells[i] points into buf). */
static void row_cells(const struct sweep_result *r, char buf[SWEEP_NCOLS][SWEEP_LABEL_LEN + 16],
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
    static char buf[SWEEP_MAX_VARIANTS][SWEEP_NCOLS][SWEEP_LABEL_LEN + 16];
    static const char *cells[SWEEP_MAX_VARIANTS][SWEEP_NCOLS];
    unsigned col[SWEEP_NCOLS], ncols;
    size_t w[SWEEP_NCOLS];
    if (n > SWEEP_MAX_VARIANTS)
        n = SWEEP_MAX_VARIANTS;
    ncols = table_cols(with_spread(rows, n), col);
    for (unsigned c = 0; c < ncols; c++)
        w[c] = width_of(table_head[col[c]]);
    for (size_t r = 0; r < n; r++) {
        row_cells(&rows[r], buf[r], cells[r]);
        for (unsigned c = 0; c < ncols; c++)
            if (width_of(cells[r][col[c]]) > w[c])
                w[c] = width_of(cells[r][col[c]]);
    }
    fprintf(f, "  %s%*s", table_head[0], (int)(w[0] - width_of(table_head[0])), "");
    for (unsigned c = 1; c < ncols; c++)
        fprintf(f, "  %*s", (int)w[c], table_head[col[c]]);
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

/* The numbers of one run or row into o. */
static void result_json(json_t *o, const struct sweep_result *r)
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
        result_json(o, r);
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
            result_json(ro, run);
            json_array_append_new(runs, ro);
        }
        json_object_set_new(o, "runs", runs);
        json_array_append_new(vars, o);
    }
    json_object_set_new(root, "schema", json_integer(1));
    json_object_set_new(root, "scenario", json_string(sc->path));
    json_object_set_new(root, "sort", json_string(sort_names[by]));
    json_object_set_new(root, "repeat", json_integer(repeat));
    json_object_set_new(root, "exit_code", json_integer(exit_code));
    json_object_set_new(root, "interrupted", json_boolean(interrupted));
    json_object_set_new(root, "elapsed", json_real(elapsed_s));
    json_object_set_new(root, "axes", axes);
    json_object_set_new(root, "rows", named);
    json_object_set_new(root, "variants", vars);
    return root;
}

static void csv_field(FILE *f, const char *s)
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

static void csv_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
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
        csv_field(f, r->label);
        fputc(',', f);
        csv_field(f, r->dir);
        fprintf(f, ",%s,%d", r->ran ? r->verdict : "error", r->exit_code);
        csv_num(f, r->peak_processes);
        csv_num(f, r->peak_memory);
        csv_num(f, r->memory_slope);
        csv_num(f, r->sync_share);
        csv_num(f, r->dropped);
        csv_num(f, r->p99);
        csv_num(f, r->not_ok);
        csv_num(f, r->recovered ? r->recovery_time : NAN);
        fprintf(f, ",%s,%s", r->recovered ? "true" : "false", r->stuck ? "true" : "false");
        csv_num(f, r->leaked);
        fprintf(f, ",%u,%u", r->nruns, r->npassed);
        csv_num(f, r->peak_processes_min);
        csv_num(f, r->peak_processes_max);
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* ---- the HTML page: the table plus every variant's curves from its samples.csv ---------- */

struct curve_buf {
    struct chart_point *procs, *mem;
    size_t n;
};

/* Read at_s, processes and memory_total of a samples.csv (by header name). */
static int read_samples(const char *path, struct curve_buf *cb)
{
    char line[4096];
    int col_at = -1, col_p = -1, col_m = -1;
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    memset(cb, 0, sizeof *cb);
    if (!f)
        return -1;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    int c = 0;
    for (char *save = NULL, *tok = strtok_r(line, ",\n", &save); tok;
         tok = strtok_r(NULL, ",\n", &save), c++) {
        if (strcmp(tok, "at_s") == 0)
            col_at = c;
        else if (strcmp(tok, "processes") == 0)
            col_p = c;
        else if (strcmp(tok, "memory_total") == 0)
            col_m = c;
    }
    while (col_at >= 0 && col_p >= 0 && col_m >= 0 && fgets(line, sizeof line, f)) {
        double at = NAN, p = NAN, m = NAN;
        c = 0;
        for (char *s = line, *comma;; s = comma + 1, c++) {
            if (c == col_at)
                at = strtod(s, NULL);
            else if (c == col_p)
                p = strtod(s, NULL);
            else if (c == col_m)
                m = strtod(s, NULL);
            if (!(comma = strchr(s, ',')))
                break;
        }
        if (isnan(at) || isnan(p) || isnan(m))
            continue;
        if (cb->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct chart_point *np = realloc(cb->procs, ncap * sizeof *np);
            if (!np)
                break;
            cb->procs = np;
            struct chart_point *nm = realloc(cb->mem, ncap * sizeof *nm);
            if (!nm)
                break;
            cb->mem = nm;
            cap = ncap;
        }
        cb->procs[cb->n] = (struct chart_point){at, p};
        cb->mem[cb->n] = (struct chart_point){at, m};
        cb->n++;
    }
    fclose(f);
    return 0;
}

/* The run a row's link and curves come from: its median-peak run, or the row itself. */
static const struct sweep_result *shown_run(const struct sweep_result *row)
{
    return row->runs && row->median_run < row->nruns ? &row->runs[row->median_run] : row;
}

/* link_base prefixes the links to each variant's report.html ("" from the sweep dir). With
 * repeats, a row links to and draws the curves of its median-peak run. */
static int write_html(const char *path, const char *sweep_dir, const char *link_base,
                      const struct scenario *sc, const struct sweep_result *rows, size_t n,
                      const char *notes, char *err)
{
    static char buf[SWEEP_MAX_VARIANTS][SWEEP_NCOLS][SWEEP_LABEL_LEN + 16];
    static char links[SWEEP_MAX_VARIANTS][SWEEP_PATH_LEN + SWEEP_LABEL_LEN];
    static char curve_label[SWEEP_MAX_VARIANTS][SWEEP_LABEL_LEN + 32];
    static const char *cells[SWEEP_MAX_VARIANTS * SWEEP_NCOLS];
    static const char *link_ptr[SWEEP_MAX_VARIANTS], *cls[SWEEP_MAX_VARIANTS];
    const char *all[SWEEP_NCOLS], *head[SWEEP_NCOLS];
    unsigned col[SWEEP_NCOLS], ncols = table_cols(with_spread(rows, n), col);
    struct curve_buf *cb = calloc(n ? n : 1, sizeof *cb);
    struct html_curves *hc = calloc(n ? n : 1, sizeof *hc);
    char title[256], p[SWEEP_PATH_LEN + SWEEP_LABEL_LEN];
    int rc = -1;
    if (!cb || !hc) {
        lj_err(err, "%s: out of memory", path);
        goto out;
    }
    if (n > SWEEP_MAX_VARIANTS)
        n = SWEEP_MAX_VARIANTS;
    for (unsigned c = 0; c < ncols; c++)
        head[c] = table_head[col[c]];
    for (size_t r = 0; r < n; r++) {
        const struct sweep_result *shown = shown_run(&rows[r]);
        row_cells(&rows[r], buf[r], all);
        for (unsigned c = 0; c < ncols; c++)
            cells[r * ncols + c] = all[col[c]];
        snprintf(links[r], sizeof links[r], "%.1500s%s/report.html", link_base, shown->dir);
        link_ptr[r] = links[r];
        cls[r] = rows[r].ran ? rows[r].verdict : "error";
        snprintf(p, sizeof p, "%.2000s/%s/samples.csv", sweep_dir, shown->dir);
        read_samples(p, &cb[r]);
        if (rows[r].repeat > 1 && shown != &rows[r])
            snprintf(curve_label[r], sizeof curve_label[r], "%.520s (run %u)", buf[r][0],
                     rows[r].median_run + 1);
        else
            snprintf(curve_label[r], sizeof curve_label[r], "%.520s", buf[r][0]);
        hc[r] = (struct html_curves){curve_label[r], cb[r].procs, cb[r].n, cb[r].mem, cb[r].n};
    }
    struct html_table t = {ncols, (unsigned)n, head, cells, link_ptr, cls};
    snprintf(title, sizeof title, "logjam sweep: %s", sc->name);
    rc = html_write_sweep(path, title, notes, &t, hc, n, err);
out:
    for (size_t r = 0; cb && r < n; r++) {
        free(cb[r].procs);
        free(cb[r].mem);
    }
    free(cb);
    free(hc);
    return rc;
}

/* ---- the command ----------------------------------------------------------------------- */

static volatile sig_atomic_t g_sweep_interrupted;

static void on_sweep_signal(int sig)
{
    (void)sig;
    g_sweep_interrupted = 1;
}

/* Between variants a Ctrl-C means: start no more (run.c has its own handlers during a run). */
static void sweep_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sweep_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int mkdir_p(const char *path)
{
    char buf[SWEEP_PATH_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static const char sweep_usage[] =
    "usage: logjam sweep SCENARIO [options]\n"
    "  one fresh node per combination of the swept values, the same load each time,\n"
    "  and a table comparing them (stdout, sweep.json, sweep.csv, report.html)\n"
    "\n"
    "  -s, --set SECTION.KEY=VALUE    override one scenario key for every variant\n"
    "      --vary SECTION.KEY=V1,V2   sweep a key over these values (repeatable; replaces\n"
    "                                 the same key's [sweep] line)\n"
    "      --sort KEY                 peak_processes, p99, memory, sync, name\n"
    "                                 (default: scenario order; with --repeat: the medians)\n"
    "      --repeat N                 run every variant N times (1-20, default 1), each on a\n"
    "                                 fresh node; the table shows medians, the peak\n"
    "                                 processes' spread and how many runs had the verdict\n"
    "  -o, --out DIR                  output directory (default ./logjam-out/sweep-<time>/);\n"
    "                                 one sub-directory per variant (with --repeat,\n"
    "                                 one more per run: NN-variant/rK/)\n"
    "      --report FILE.html         also write the HTML page to FILE\n"
    "      --fixture DIR              the fixture's ebin directory\n"
    "      --no-progress              no per-variant lines on stderr\n"
    "\n"
    "exit codes: 0 every variant ran (whatever its verdict); 1 a run had a harness\n"
    "  error; 104 invalid scenario, --vary, --repeat or combination (nothing started); 105\n"
    "  interrupted (the table of the variants that ran is still written); 2 usage.\n";

enum { SW_VARY = 300, SW_SORT, SW_REPEAT, SW_REPORT, SW_FIXTURE, SW_NOPROGRESS };

static const struct option sweep_options[] = {
    {"set", required_argument, NULL, 's'},
    {"vary", required_argument, NULL, SW_VARY},
    {"sort", required_argument, NULL, SW_SORT},
    {"repeat", required_argument, NULL, SW_REPEAT},
    {"out", required_argument, NULL, 'o'},
    {"report", required_argument, NULL, SW_REPORT},
    {"fixture", required_argument, NULL, SW_FIXTURE},
    {"no-progress", no_argument, NULL, SW_NOPROGRESS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct sweep_args {
    const char *overrides[SCENARIO_MAX_OVERRIDES];
    unsigned nover;
    const char *vary[SCENARIO_MAX_SWEEP_KEYS * 2];
    unsigned nvary;
    enum sweep_sort sort;
    unsigned repeat;
    const char *out, *report, *fixture, *path;
    bool progress;
};

/* Returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    int c;
    memset(a, 0, sizeof *a);
    a->fixture = getenv("LOGJAM_FIXTURE_DIR");
    if (!a->fixture || !*a->fixture)
        a->fixture = LJ_FIXTURE_DIR;
    a->progress = true;
    a->repeat = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", sweep_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (a->nover == SCENARIO_MAX_OVERRIDES) {
                fprintf(stderr, "logjam: at most %d --set options\n", SCENARIO_MAX_OVERRIDES);
                return LJ_EXIT_USAGE;
            }
            a->overrides[a->nover++] = optarg;
            break;
        case SW_VARY:
            if (a->nvary == sizeof a->vary / sizeof a->vary[0]) {
                fprintf(stderr, "logjam: too many --vary options\n");
                return LJ_EXIT_USAGE;
            }
            a->vary[a->nvary++] = optarg;
            break;
        case SW_SORT:
            if (sweep_sort_parse(optarg, &a->sort) != 0) {
                fprintf(stderr,
                        "logjam: --sort %s: expected peak_processes, p99, memory, sync or name\n",
                        optarg);
                return LJ_EXIT_INVALID;
            }
            break;
        case SW_REPEAT: {
            char err[LJ_ERR_LEN];
            if (sweep_parse_repeat(optarg, &a->repeat, err) != 0) {
                fprintf(stderr, "logjam: %s\n", err);
                return LJ_EXIT_INVALID;
            }
            break;
        }
        case 'o':
            a->out = optarg;
            break;
        case SW_REPORT:
            a->report = optarg;
            break;
        case SW_FIXTURE:
            a->fixture = optarg;
            break;
        case SW_NOPROGRESS:
            a->progress = false;
            break;
        case 'h':
            fputs(sweep_usage, stdout);
            exit(0);
        default:
            fputs(sweep_usage, stderr);
            return LJ_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "logjam: %s\n",
                optind < argc ? "one scenario file at most" : "which scenario file?");
        fputs(sweep_usage, stderr);
        return LJ_EXIT_USAGE;
    }
    a->path = argv[optind];
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    static struct sweep_result rows[SWEEP_MAX_VARIANTS];
    struct sweep_result *runs = NULL; /* n * repeat: the runs of variant v from v * repeat */
    struct scenario *base = malloc(sizeof *base), *sc = malloc(sizeof *sc);
    char err[LJ_ERR_LEN], dir[SWEEP_PATH_LEN], path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN],
        notes[1024] = "", repeats[64] = "";
    struct sweep_args a;
    unsigned n = 0, nrows = 0;
    bool interrupted = false, harness_error = false;
    int code;
    uint64_t t0 = now_us();

    if (!base || !sc) {
        fprintf(stderr, "logjam: out of memory\n");
        code = LJ_EXIT_HARNESS;
        goto out;
    }
    if ((code = parse_args(argc, argv, &a)) != 0)
        goto out;
    code = LJ_EXIT_INVALID;
    if (scenario_load(base, a.path, a.overrides, a.nover, err) != 0) {
        fprintf(stderr, "logjam: %s\n", err);
        goto out;
    }
    for (unsigned i = 0; i < a.nvary; i++) {
        if (sweep_parse_vary(base, a.vary[i], err) != 0) {
            fprintf(stderr, "logjam: %s\n", err);
            goto out;
        }
    }
    if (sweep_count(base, &n, err) != 0 || sweep_check_all(base, err) != 0) {
        fprintf(stderr, "logjam: %s\n", err);
        goto out;
    }

    if (a.out) {
        snprintf(dir, sizeof dir, "%s", a.out);
    } else {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(dir, sizeof dir, "logjam-out/sweep-%s", stamp);
    }
    if (!(runs = calloc((size_t)n * a.repeat, sizeof *runs))) {
        fprintf(stderr, "logjam: out of memory\n");
        code = LJ_EXIT_HARNESS;
        goto out;
    }
    if (mkdir_p(dir) < 0) {
        fprintf(stderr, "logjam: cannot create the output directory %s: %s\n", dir,
                strerror(errno));
        code = LJ_EXIT_HARNESS;
        goto out;
    }

    g_sweep_interrupted = 0;
    sweep_signals();
    for (unsigned v = 0; v < n && !interrupted; v++) {
        struct sweep_result *row = &rows[nrows], *vruns = &runs[(size_t)v * a.repeat];
        unsigned k = 0;
        if (g_sweep_interrupted) {
            interrupted = true;
            break;
        }
        memset(row, 0, sizeof *row);
        row->index = v + 1;
        if (sweep_variant(base, v, n, sc, row->label, sizeof row->label, row->dir, sizeof row->dir,
                          err) != 0) { /* checked above: cannot happen */
            fprintf(stderr, "logjam: %s\n", err);
            code = LJ_EXIT_INVALID;
            goto out;
        }
        nrows++;
        for (k = 0; k < a.repeat; k++) {
            struct sweep_result *r = &vruns[k];
            char which[32] = "";
            if (k > 0 && g_sweep_interrupted) { /* the runs so far still make the row */
                interrupted = true;
                break;
            }
            memset(r, 0, sizeof *r);
            r->index = row->index;
            snprintf(r->label, sizeof r->label, "%s", row->label);
            if (a.repeat == 1) {
                snprintf(r->dir, sizeof r->dir, "%s", row->dir);
            } else {
                snprintf(r->dir, sizeof r->dir, "%.490s/r%0*u", row->dir, a.repeat >= 10 ? 2 : 1,
                         k + 1);
                snprintf(which, sizeof which, " run %u/%u", k + 1, a.repeat);
            }
            snprintf(path, sizeof path, "%s/%s", dir, r->dir);
            struct run_opts o = {.fixture_ebin = a.fixture, .out_dir = path, .quiet = true};
            if (a.progress)
                fprintf(stderr, "logjam: sweep [%u/%u] %s%s ...\n", v + 1, n, r->label, which);
            uint64_t started = now_us();
            r->exit_code = run_scenario(sc, &o);
            sweep_signals();
            snprintf(path, sizeof path, "%.2000s/%.511s/summary.json", dir, r->dir);
            if (sweep_result_read(r, path, err) != 0) {
                snprintf(r->error, sizeof r->error, "%.255s", err);
                snprintf(r->verdict, sizeof r->verdict, "error");
            }
            if (r->exit_code == LJ_EXIT_HARNESS || !r->ran)
                harness_error = true;
            if (r->exit_code == LJ_EXIT_INTERRUPTED)
                interrupted = true;
            if (a.progress)
                fprintf(stderr, "logjam: sweep [%u/%u] %s%s: %s (exit %d) in %.1fs\n", v + 1, n,
                        r->label, which, r->ran ? r->verdict : "error", r->exit_code,
                        (double)(now_us() - started) / 1e6);
            if (interrupted) {
                k++;
                break;
            }
        }
        sweep_aggregate(row, vruns, k, a.repeat);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    code = interrupted ? LJ_EXIT_INTERRUPTED : harness_error ? LJ_EXIT_HARNESS : LJ_EXIT_PASS;
    double elapsed = (double)(now_us() - t0) / 1e6;
    sweep_sort_results(rows, nrows, a.sort);

    if (a.repeat > 1)
        snprintf(repeats, sizeof repeats, ", %u runs each (medians)", a.repeat);
    printf("\nlogjam sweep  %s  %u of %u variants%s%s  %.0fs  (sorted by %s)\n\n", base->path,
           nrows, n, repeats, interrupted ? " (interrupted)" : "", elapsed, sort_names[a.sort]);
    sweep_print_table(stdout, rows, nrows);
    printf("\n  files    %s/sweep.json %s/sweep.csv %s/report.html\n\n", dir, dir, dir);
    fflush(stdout);

    json_t *js = sweep_json(base, rows, nrows, a.sort, a.repeat, code, interrupted, elapsed);
    char *text = js ? json_dumps(js, JSON_INDENT(2)) : NULL;
    char *csv = sweep_csv(rows, nrows);
    bool write_failed = !text || !csv;
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    if (text && report_write(path, text, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        write_failed = true;
    }
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    if (csv && report_write(path, csv, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        write_failed = true;
    }
    free(text);
    free(csv);
    json_decref(js);

    size_t used =
        (size_t)snprintf(notes, sizeof notes,
                         "%u of %u variants of %s%s%s, sorted by %s, "
                         "%.0f s.",
                         nrows, n, base->path, repeats, interrupted ? " (interrupted)" : "",
                         sort_names[a.sort], elapsed);
    if (a.repeat > 1 && used < sizeof notes)
        used += (size_t)snprintf(notes + used, sizeof notes - used,
                                 " Verdict: the most frequent of the runs (ties: the worse) and "
                                 "how many runs had it; spread: peak processes min..max; "
                                 "curves and links: each variant's median-peak run.");
    for (unsigned i = 0; i < base->nsweep && used < sizeof notes; i++) {
        used += (size_t)snprintf(notes + used, sizeof notes - used, " %s:", base->sweep[i].key);
        for (unsigned k = 0; k < base->sweep[i].nvalues && used < sizeof notes; k++)
            used += (size_t)snprintf(notes + used, sizeof notes - used, "%s %s", k ? "," : "",
                                     base->sweep[i].values[k]);
        if (used < sizeof notes)
            used += (size_t)snprintf(notes + used, sizeof notes - used, ";");
    }
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *real = realpath(dir, NULL);
    char base_link[SWEEP_PATH_LEN + 8];
    snprintf(base_link, sizeof base_link, "file://%.2000s/", real ? real : dir);
    free(real);
    if (write_html(path, dir, "", base, rows, nrows, notes, err) < 0 ||
        (a.report && write_html(a.report, dir, base_link, base, rows, nrows, notes, err) < 0)) {
        fprintf(stderr, "logjam: %s\n", err);
        write_failed = true;
    }
    if (write_failed && code == LJ_EXIT_PASS)
        code = LJ_EXIT_HARNESS;
out:
    free(runs);
    free(base);
    free(sc);
    return code;
}
