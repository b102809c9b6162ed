/* sweep_report.c -- what a sweep (or the merge of its shards) shows and writes: the table on
 * stdout, sweep.json, sweep.csv and report.html, and --report's copy of the page. */
#include "sweep_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sweep.h"
#include "sweep_html.h"
#include "util.h"

#define SWEEP_MACHINES_NOTE                                                                        \
    "numbers from different machines compare less well (cores, memory, OTP release and "           \
    "neighbours differ): the machine column says where each variant ran."

/* The HTML page's paragraph: what ran, how it is sorted, the swept values. */
static void make_notes(const struct sweep_report *x, const char *repeats, char *notes, size_t len)
{
    const struct scenario *base = x->base;
    size_t used = (size_t)snprintf(
        notes, len, "%s%u of %u variants of %s%s%s, sorted by %s, %.0f s.", x->part, x->nrows,
        x->nvariants, base->path, repeats, x->interrupted ? " (interrupted)" : "",
        sweep_sort_name(x->sort), x->elapsed_s);
    if (x->repeat > 1 && used < len)
        used += (size_t)snprintf(notes + used, len - used,
                                 " Verdict: the most frequent of the runs (ties: the worse) and "
                                 "how many runs had it; spread: peak processes min..max; "
                                 "curves and links: each variant's median-peak run.");
    if (sweep_machines(x->rows, x->nrows) > 1 && used < len)
        used += (size_t)snprintf(notes + used, len - used, " The variants ran on %u machines: %s",
                                 sweep_machines(x->rows, x->nrows), SWEEP_MACHINES_NOTE);
    for (unsigned i = 0; i < base->nsweep && used < len; i++) {
        used += (size_t)snprintf(notes + used, len - used, " %s:", base->sweep[i].key);
        for (unsigned k = 0; k < base->sweep[i].nvalues && used < len; k++)
            used += (size_t)snprintf(notes + used, len - used, "%s %s", k ? "," : "",
                                     base->sweep[i].values[k]);
        if (used < len)
            used += (size_t)snprintf(notes + used, len - used, ";");
    }
}

/* sweep.json and sweep.csv. Returns 0, or -1 when one could not be made or written. */
static int write_json_csv(const struct sweep_report *x, int code)
{
    char err[LJ_ERR_LEN], path[SWEEP_PATH_LEN + 16];
    json_t *js = sweep_json(x->base, x->rows, x->nrows, x->sort, x->repeat, code, x->interrupted,
                            x->elapsed_s);
    if (js && x->extra)
        json_object_update(js, x->extra);
    char *text = js ? json_dumps(js, JSON_INDENT(2)) : NULL;
    char *csv = sweep_csv(x->rows, x->nrows);
    int rc = !text || !csv ? -1 : 0;
    snprintf(path, sizeof path, "%s/sweep.json", x->dir);
    if (text && report_write(path, text, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        rc = -1;
    }
    snprintf(path, sizeof path, "%s/sweep.csv", x->dir);
    if (csv && report_write(path, csv, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        rc = -1;
    }
    free(text);
    free(csv);
    json_decref(js);
    return rc;
}

/* report.html in the sweep's directory, and --report's copy with absolute links. Returns 0,
 * or -1 (said on stderr). */
static int write_pages(const struct sweep_report *x, const char *notes)
{
    char err[LJ_ERR_LEN], path[SWEEP_PATH_LEN + 16], base_link[SWEEP_PATH_LEN + 8];
    snprintf(path, sizeof path, "%s/report.html", x->dir);
    char *real = realpath(x->dir, NULL);
    snprintf(base_link, sizeof base_link, "file://%.2000s/", real ? real : x->dir);
    free(real);
    if (sweep_html_write(path, x->dir, "", x->base, x->rows, x->nrows, notes, err) < 0 ||
        (x->report && sweep_html_write(x->report, x->dir, base_link, x->base, x->rows, x->nrows,
                                       notes, err) < 0)) {
        fprintf(stderr, "logjam: %s\n", err);
        return -1;
    }
    return 0;
}

int sweep_report_write(struct sweep_report *x, int code)
{
    char notes[1536] = "", repeats[64] = "";
    unsigned machines = sweep_machines(x->rows, x->nrows);
    sweep_sort_results(x->rows, x->nrows, x->sort);
    if (x->repeat > 1)
        snprintf(repeats, sizeof repeats, ", %u runs each (medians)", x->repeat);
    printf("\nlogjam sweep  %s  %s%u of %u variants%s%s  %.0fs  (sorted by %s)\n\n", x->base->path,
           x->part, x->nrows, x->nvariants, repeats, x->interrupted ? " (interrupted)" : "",
           x->elapsed_s, sweep_sort_name(x->sort));
    sweep_print_table(stdout, x->rows, x->nrows);
    if (machines > 1)
        printf("\n  note     %u machines: %s\n", machines, SWEEP_MACHINES_NOTE);
    printf("\n  files    %s/sweep.json %s/sweep.csv %s/report.html\n\n", x->dir, x->dir, x->dir);
    fflush(stdout);
    bool write_failed = write_json_csv(x, code) < 0;
    make_notes(x, repeats, notes, sizeof notes);
    write_failed = write_pages(x, notes) < 0 || write_failed;
    return write_failed && code == LJ_EXIT_PASS ? LJ_EXIT_HARNESS : code;
}
