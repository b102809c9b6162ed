/* sweep_html.h -- the sweep's HTML page: the comparison table, linked to each variant's
 * report, and every variant's curves read back from its samples.csv. */
#ifndef LJ_SWEEP_HTML_H
#define LJ_SWEEP_HTML_H

#include <stddef.h>

#include "scenario.h"
#include "sweep_table.h"

/* Write the page for the n rows of sc's sweep (made by sweep_aggregate) to path: title, notes
 * (a paragraph), the table and the curves of each row's run from sweep_dir/<dir>/samples.csv
 * (with repeats, of its median-peak run; a missing file draws no curve). link_base prefixes
 * the links to each variant's report.html ("" from the sweep dir). Returns 0, or -1 with err. */
int sweep_html_write(const char *path, const char *sweep_dir, const char *link_base,
                     const struct scenario *sc, const struct sweep_result *rows, size_t n,
                     const char *notes, char *err);

#endif
