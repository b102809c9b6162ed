/* limit_samples.h -- a capacity-search trial's samples.csv read back, and what the search
 * judges from it: the last part of the load (pile-up) and the generator's own evidence. */
#ifndef LJ_LIMIT_SAMPLES_H
#define LJ_LIMIT_SAMPLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample.h"

/* The pile-up is judged over the last LIMIT_SAMPLES_TAIL_PARTS-th of the load phase's samples
 * (the last third): growth early in the load that flattened out is not a pile-up. */
#define LIMIT_SAMPLES_TAIL_PARTS 3
/* Open-loop lag: requests due but not yet sent, at or above this many seconds of the rate
 * (and at least LIMIT_SAMPLES_LAG_MIN requests: a send quantum's worth is normal). */
#define LIMIT_SAMPLES_LAG_S 0.1
#define LIMIT_SAMPLES_LAG_MIN 50
/* The generator fell behind when at least this many load samples lagged with a connection
 * free (open and idle): it had somewhere to send and did not. */
#define LIMIT_SAMPLES_BEHIND_MIN 2

/* The last part of the load phase. */
struct limit_samples_tail {
    size_t n;          /* samples in it; 0: the load had fewer than 2 samples */
    double slope;      /* processes per second (least squares over the samples) */
    double sync_share; /* share of its samples with the logger in sync mode */
};

/* The generator's own evidence over the load phase. */
struct limit_samples_gen {
    uint64_t scheduled, sent; /* requests due by the last load sample, and sent by then */
    uint64_t max_backlog;     /* the most requests due but not sent, at any load sample */
    size_t behind;            /* load samples that lagged while a connection was free */
    bool fell_behind;         /* behind >= LIMIT_SAMPLES_BEHIND_MIN */
};

/* Read path (a samples.csv as report_csv_row writes it, columns found by header name) into a
 * new array *out of *n samples (caller frees). Columns it does not know are skipped; those
 * it needs and misses read as 0. Returns 0, or -1 (file missing or no header). */
int limit_samples_read(const char *path, struct sample **out, size_t *n);

/* Slope of processes and logger sync share over the last third of the load-phase samples of
 * s[0..n) (oldest first). */
void limit_samples_tail(const struct sample *s, size_t n, struct limit_samples_tail *out);

/* Scheduled vs sent, and the load samples where the open loop lagged (backlog at or above
 * LIMIT_SAMPLES_LAG_S x rate, and LIMIT_SAMPLES_LAG_MIN) while a connection was free (open
 * minus requests in flight > 0). rate 0 (closed loop): nothing lags. */
void limit_samples_generator(const struct sample *s, size_t n, double rate,
                             struct limit_samples_gen *out);

#endif
