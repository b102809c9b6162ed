/* sweep.h -- `logjam sweep`: one fresh run per combination of the swept values ([sweep] and
 * --vary), in sequence under the same load, and the comparison table (text, JSON, CSV, HTML)
 * read back from each variant's summary.json. */
#ifndef LJ_SWEEP_H
#define LJ_SWEEP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

#define SWEEP_MAX_VARIANTS 256
#define SWEEP_LABEL_LEN 512

enum sweep_sort {
    SWEEP_SORT_SCENARIO = 0,
    SWEEP_SORT_PROCESSES,
    SWEEP_SORT_P99,
    SWEEP_SORT_MEMORY,
    SWEEP_SORT_SYNC,
    SWEEP_SORT_NAME
};

/* One row of the table: what a variant's summary.json says. Numbers are NAN when absent. */
struct sweep_result {
    unsigned index; /* 1-based, in scenario order */
    char label[SWEEP_LABEL_LEN];
    char dir[SWEEP_LABEL_LEN]; /* sub-directory name in the sweep's output dir */
    bool ran;                  /* a summary.json was read */
    int exit_code;
    char verdict[16];
    char error[256];
    double peak_processes, peak_memory, memory_slope, sync_share, dropped, p99;
    double recovery_time; /* NAN unless recovered */
    bool recovered, stuck;
    double leaked;
};

/* "section.key=v1,v2,..." (--vary) -> a sweep axis of sc, replacing one from [sweep] for the
 * same key. Returns 0, or -1 with err "--vary ARG: what". */
int sweep_parse_vary(struct scenario *sc, const char *arg, char *err);

/* "peak_processes|p99|memory|sync|name|scenario" -> out. Returns 0, or -1 when unknown. */
int sweep_sort_parse(const char *s, enum sweep_sort *out);

/* The number of variants of sc: the product of its axes' sizes (named rows are one axis).
 * Returns 0, or -1 with err when nothing is swept or there are more than SWEEP_MAX_VARIANTS. */
int sweep_count(const struct scenario *sc, unsigned *n, char *err);

/* Variant v (0-based; the named rows outermost, then the axes in order, the last fastest):
 * out = base with the variant's values applied (scenario_set) and validated
 * (scenario_validate). label gets "row, key=value, ..." and dir "NN-row,key=value,..." (safe
 * for a file name). Returns 0, or -1 with err naming the variant and its values. */
int sweep_variant(const struct scenario *base, unsigned v, unsigned nvariants, struct scenario *out,
                  char *label, size_t llen, char *dir, size_t dlen, char *err);

/* Check every variant of base before anything starts. Returns 0, or -1 with err for the
 * first bad combination. */
int sweep_check_all(const struct scenario *base, char *err);

/* Fill res from a summary.json (jansson). Returns 0, or -1 with err (res->ran false). */
int sweep_result_read(struct sweep_result *res, const char *summary_path, char *err);

/* Sort rows (stable: ties and the scenario order keep the index order; missing values last). */
void sweep_sort_results(struct sweep_result *rows, size_t n, enum sweep_sort by);

/* The table as text (stdout), JSON (caller owns) and CSV (caller frees). */
void sweep_print_table(FILE *f, const struct sweep_result *rows, size_t n);
json_t *sweep_json(const struct scenario *sc, const struct sweep_result *rows, size_t n,
                   enum sweep_sort by, int exit_code, bool interrupted, double elapsed_s);
char *sweep_csv(const struct sweep_result *rows, size_t n);

/* `logjam sweep SCENARIO [options]` (argv[0] = "sweep"). Returns the exit code: 0 every
 * variant ran (whatever the verdicts), 1 a variant had a harness error, 104 invalid input
 * (nothing started), 105 interrupted (the table of what ran is still written), 2 usage. */
int cmd_sweep(int argc, char **argv);

#endif
