/* sweep_table.h -- the sweep's comparison table: each run's summary.json read back, a
 * variant's runs combined (medians), rows sorted, and the table as text, JSON and CSV. */
#ifndef LJ_SWEEP_TABLE_H
#define LJ_SWEEP_TABLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario.h"
#include "sweep.h"

enum sweep_sort {
    SWEEP_SORT_SCENARIO = 0,
    SWEEP_SORT_PROCESSES,
    SWEEP_SORT_P99,
    SWEEP_SORT_MEMORY,
    SWEEP_SORT_SYNC,
    SWEEP_SORT_NAME
};

/* One run: what its summary.json says. One row of the table: a variant's runs combined by
 * sweep_aggregate (medians). Numbers are NAN when absent. */
struct sweep_result {
    unsigned index; /* 1-based, in scenario order */
    char label[SWEEP_LABEL_LEN];
    char dir[SWEEP_LABEL_LEN]; /* in the sweep's output dir: "NN-label", a repeat "NN-label/rK" */
    bool ran;                  /* a summary.json was read */
    int exit_code;
    char verdict[16];
    char error[256];
    double peak_processes, peak_memory, memory_slope, sync_share, dropped, p99;
    double not_ok;        /* share of sent requests failed, errored or timed out */
    double recovery_time; /* NAN unless recovered */
    bool recovered, stuck;
    double leaked;
    /* a row only (sweep_aggregate) */
    unsigned repeat;   /* runs asked for per variant (--repeat); > 1 adds the spread column */
    unsigned nruns;    /* runs made (fewer than repeat when interrupted) */
    unsigned nverdict; /* runs whose verdict is the row's verdict */
    unsigned npassed;  /* runs that passed the gates */
    double peak_processes_min, peak_processes_max;
    unsigned median_run;             /* 0-based: the run whose peak processes is the median */
    const struct sweep_result *runs; /* the nruns runs (not owned; NULL: none) */
    char machine[64];                /* where it ran, merged from shards ("" otherwise) */
};

/* "peak_processes|p99|memory|sync|name|scenario" -> out. Returns 0, or -1 when unknown. */
int sweep_sort_parse(const char *s, enum sweep_sort *out);

/* The name of a sort key, as --sort takes it ("scenario" for the default order). */
const char *sweep_sort_name(enum sweep_sort by);

/* The median of the n values in v that are not NAN (the mean of the two middle ones when their
 * count is even; +INFINITY counts as a value). v is sorted in place. Returns NAN when none. */
double sweep_median(double *v, size_t n);

/* Combine the nruns runs of one variant (runs[0..nruns), nruns <= SWEEP_MAX_REPEAT) into its
 * row: keeps row's index, label and dir; every number is the median over the runs that ran
 * (ran true); peak processes also min and max; recovered when the median recovery time, a run
 * that did not recover counting as infinite, is finite; stuck when more than half of the runs
 * that ran were stuck. The verdict is the most frequent one of the runs (a run that did not
 * run counts as "error"), a tie going to the worse one (pass < fail < capped < interrupted <
 * error); nverdict counts it, npassed the passes. row->runs points at runs (not copied). */
void sweep_aggregate(struct sweep_result *row, const struct sweep_result *runs, unsigned nruns,
                     unsigned repeat);

/* Fill res from a summary.json (jansson). Returns 0, or -1 with err (res->ran false). */
int sweep_result_read(struct sweep_result *res, const char *summary_path, char *err);

/* The numbers of one run or row (verdict, error, peak processes, memory, sync share, p99,
 * recovery...) as keys of o; NAN as null. */
void sweep_result_json(json_t *o, const struct sweep_result *r);

/* Sort rows (stable: ties and the scenario order keep the index order; missing values last). */
void sweep_sort_results(struct sweep_result *rows, size_t n, enum sweep_sort by);

/* The table as text (stdout), JSON (caller owns) and CSV (caller frees), from rows made by
 * sweep_aggregate. With repeat > 1 the verdict reads "fail 3/3" (the verdict, how many runs
 * had it, of how many) and a spread column shows peak processes min..max; the JSON has each
 * run of a variant in its "runs" array, the CSV the median row and the number of runs. */
void sweep_print_table(FILE *f, const struct sweep_result *rows, size_t n);
json_t *sweep_json(const struct scenario *sc, const struct sweep_result *rows, size_t n,
                   enum sweep_sort by, unsigned repeat, int exit_code, bool interrupted,
                   double elapsed_s);
char *sweep_csv(const struct sweep_result *rows, size_t n);

#define SWEEP_NCOLS                                                                                \
    12 /* columns at most: "spread" only with repeats, "machine" only when                         \
        * the rows ran on different machines */
#define SWEEP_CELL_LEN (SWEEP_LABEL_LEN + 16)

/* How many different machines the n rows ran on (rows merged from shards; 1 otherwise). */
unsigned sweep_machines(const struct sweep_result *rows, size_t n);

/* The columns the table of rows shows (the spread column only when a row stands for repeated
 * runs): their indices into every row's cells into col, their titles into head. Returns how
 * many. */
unsigned sweep_table_columns(const struct sweep_result *rows, size_t n, unsigned col[SWEEP_NCOLS],
                             const char *head[SWEEP_NCOLS]);

/* The cells of row r as text, every column: cells[i] points into buf[i]. */
void sweep_table_cells(const struct sweep_result *r, char buf[SWEEP_NCOLS][SWEEP_CELL_LEN],
                       const char *cells[SWEEP_NCOLS]);

#endif
