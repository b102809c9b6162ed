/* html.h -- the HTML report: one self-contained page (inline CSS and SVG, nothing fetched)
 * for a run or a sweep. */
#ifndef LJ_HTML_H
#define LJ_HTML_H

#include <stddef.h>

#include "chart.h"
#include "report.h"

/* Write the page of one run to path (atomically): verdict, gates, charts of processes,
 * memory (total / processes / binary), logger queue over the logger's modes, request rate
 * (from consecutive samples' load.sent) with the latency percentiles, phase boundaries,
 * recovery, the diagnosis paragraph and every setting. Samples come from rep->r->series.
 * Returns 0, or -1 with err. */
int html_write_run(const char *path, const struct report *rep, char *err);

/* A table of plain text cells (escaped on output). */
struct html_table {
    unsigned ncols, nrows;
    const char *const *head;      /* ncols column titles */
    const char *const *cells;     /* nrows * ncols, row-major */
    const char *const *links;     /* nrows hrefs for the first cell (NULL entries: none), or NULL */
    const char *const *row_class; /* nrows CSS classes ("pass", "fail", "error"), or NULL */
};

/* One variant's curves for the overlaid sweep charts (x: seconds since its run started). */
struct html_curves {
    const char *label;
    const struct chart_point *processes;
    size_t nprocesses;
    const struct chart_point *memory; /* memory.total */
    size_t nmemory;
};

/* Write the page of a sweep to path (atomically): title, the table, overlaid processes and
 * memory curves of all variants with a legend, and the axes swept (notes, free text).
 * Returns 0, or -1 with err. */
int html_write_sweep(const char *path, const char *title, const char *notes,
                     const struct html_table *table, const struct html_curves *curves,
                     size_t ncurves, char *err);

/* Write a page of a table and charts to path (atomically): title, notes (free text), the
 * table, each chart under its spec's title. For `logjam limit`. Returns 0, or -1 with err. */
int html_write_charts(const char *path, const char *title, const char *notes,
                      const struct html_table *table, const struct chart_spec *charts,
                      size_t ncharts, char *err);

#endif
