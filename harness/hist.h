/* hist.h -- log-linear latency histogram (HdrHistogram-style): bounded relative error,
 * 1 us .. 1 h, O(1) record, mergeable across threads. */
#ifndef LJ_HIST_H
#define LJ_HIST_H

#include <stdint.h>
#include <stdio.h>

#define HIST_MAX_US (3600ULL * 1000 * 1000) /* values above are clamped and counted */

struct hist;

/* A new empty histogram; NULL on out-of-memory. Caller frees with hist_free. */
struct hist *hist_new(void);
void hist_free(struct hist *h);
void hist_reset(struct hist *h);

/* Record one value in microseconds (0 is recorded as 1 us; above HIST_MAX_US clamps). */
void hist_record(struct hist *h, uint64_t us);

/* Add every count of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

uint64_t hist_count(const struct hist *h);
uint64_t hist_min(const struct hist *h); /* 0 when empty */
uint64_t hist_max(const struct hist *h); /* exact max, 0 when empty */
double hist_mean(const struct hist *h);
/* Standard deviation from the bucket midpoints; 0 when empty. */
double hist_stddev(const struct hist *h);
/* How many recorded values were above HIST_MAX_US (they are counted as HIST_MAX_US). */
uint64_t hist_clamped(const struct hist *h);
/* Value at percentile p (0..100], within the relative error bound; 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);

/* wrk2/HdrHistogram "percentile distribution" table (Value Percentile TotalCount 1/(1-P)). */
void hist_dump(const struct hist *h, FILE *out);

#endif
