/* sweep_html.c -- the sweep's HTML page: the comparison table, linked to each variant's
 * report, and every variant's curves read back from its samples.csv. */
#include "sweep_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "html.h"
#include "util.h"

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

int sweep_html_write(const char *path, const char *sweep_dir, const char *link_base,
                     const struct scenario *sc, const struct sweep_result *rows, size_t n,
                     const char *notes, char *err)
{
    static char buf[SWEEP_MAX_VARIANTS][SWEEP_NCOLS][SWEEP_CELL_LEN];
    static char links[SWEEP_MAX_VARIANTS][SWEEP_PATH_LEN + SWEEP_LABEL_LEN];
    static char curve_label[SWEEP_MAX_VARIANTS][SWEEP_LABEL_LEN + 32];
    static const char *cells[SWEEP_MAX_VARIANTS * SWEEP_NCOLS];
    static const char *link_ptr[SWEEP_MAX_VARIANTS], *cls[SWEEP_MAX_VARIANTS];
    const char *all[SWEEP_NCOLS], *head[SWEEP_NCOLS];
    unsigned col[SWEEP_NCOLS];
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
    unsigned ncols = sweep_table_columns(rows, n, col, head);
    for (size_t r = 0; r < n; r++) {
        const struct sweep_result *shown = shown_run(&rows[r]);
        sweep_table_cells(&rows[r], buf[r], all);
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
