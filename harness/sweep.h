/* sweep.h -- sweep planning: the swept axes ([sweep] and --vary), their product in order, each
 * variant's scenario, label and directory name, and every combination checked up front. */
#ifndef LJ_SWEEP_H
#define LJ_SWEEP_H

#include <stddef.h>

#include "scenario.h"

#define SWEEP_MAX_VARIANTS 256
#define SWEEP_MAX_REPEAT 20 /* --repeat */
#define SWEEP_LABEL_LEN 512
#define SWEEP_PATH_LEN 2048 /* the sweep's output directory */

/* "section.key=v1,v2,..." (--vary) -> a sweep axis of sc, replacing one from [sweep] for the
 * same key. Returns 0, or -1 with err "--vary ARG: what". */
int sweep_parse_vary(struct scenario *sc, const char *arg, char *err);

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

/* Run k (0-based) of a variant whose directory is vdir, of repeat runs: its directory in the
 * sweep's, into out: vdir itself for one run, else "vdir/rK" (K 1-based, two digits from 10
 * repeats). */
void sweep_run_dir(const char *vdir, unsigned repeat, unsigned k, char *out, size_t len);

/* "N" (--repeat) -> *out, 1 to SWEEP_MAX_REPEAT. Returns 0, or -1 with err "--repeat ARG: what". */
int sweep_parse_repeat(const char *arg, unsigned *out, char *err);

#endif
