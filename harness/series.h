/* series.h -- the samples of one run in time order, and the aggregates gates and reports
 * read: baseline, max, min, avg, final, delta, slope, p(N), logger sync time, recovery. */
#ifndef LJ_SERIES_H
#define LJ_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gate.h"
#include "hist.h"
#include "load.h"
#include "sample.h"

struct series;

/* A new empty series; NULL on out-of-memory. */
struct series *series_new(void);
void series_free(struct series *s);

/* Append a copy of one sample. Returns 0, or -1 on out-of-memory. Not thread-safe: the
 * caller serialises appends and reads. */
int series_add(struct series *s, const struct sample *smp);
size_t series_count(const struct series *s);
const struct sample *series_at(const struct series *s, size_t i); /* NULL past the end */
const struct sample *series_last(const struct series *s);         /* NULL when empty */

/* The value of a per-sample metric by name ("processes", "memory.total", ...), as gates, CSV
 * and charts read it; 0 for an unknown name (gate.c validates names before a run). */
double series_metric(const struct sample *smp, const char *metric);

/* Everything a run produced that gates and reports read. */
struct results {
    const struct series *series;
    struct load_counters load;                            /* final counters of the load generator */
    const struct hist *latency;                           /* corrected for coordinated omission */
    const struct hist *latency_raw;                       /* from the actual write */
    uint64_t load_start_us, load_end_us, recovery_end_us; /* harness clock since run start */
    uint64_t missed;      /* samples that never arrived (the sampler's sequence gaps) */
    uint64_t interval_us; /* the sampling interval (0: unknown, no gap accounting) */
    int64_t baseline_processes;
    /* Derived by results_finish: */
    double sync_time;  /* seconds the logger spent in sync mode */
    double sync_first; /* seconds from load start to the first switch to sync */
    bool has_sync_first;
    double sync_share;    /* fraction of sampled time in sync (load+recovery) */
    double recovery_time; /* seconds from load end to processes near baseline */
    bool recovered;
    bool has_recovery;       /* at least one sample was taken after the load */
    int64_t leaked;          /* processes above baseline when recovery ended */
    double drain_rate;       /* processes/s over the last samples of recovery (>0: drains) */
    double drain_window;     /* seconds those samples span */
    bool stuck;              /* not recovered and no progress in the drain window */
    double drain_eta;        /* projected seconds to baseline at drain_rate; 0 if n/a */
    int64_t memory_retained; /* memory.total above baseline when recovery ended */
    int64_t switches;        /* logger mode switches during the run */
    int64_t dropped;         /* log events dropped during the run */
    int64_t kills;           /* logger processes killed (killer_hwm, overload_kill) */
    double longest_gap;      /* seconds, the longest time between two consecutive samples */
    double logger_age_max;   /* seconds, the stalest logger value any sample carried */
};

/* Compute the derived fields of r from its series and counters. */
void results_finish(struct results *r);

/* The value of one aggregate of one metric, as a gate reads it. Returns 0, or -1 when
 * there is no data (a gate on it fails). */
int results_value(const struct results *r, const char *metric, enum gate_agg agg, double pct,
                  double *out);

/* The samples a gate on metric/agg is decided on: *got in its window (the load phase for
 * slope, every sample otherwise) and *expected, got plus the slots missing between them (a
 * gap over 1.5 intervals misses round(gap / interval) - 1). Returns 0, or -1 when metric is
 * not a sampled gauge or r->interval_us is 0. */
int results_coverage(const struct results *r, const char *metric, enum gate_agg agg, size_t *got,
                     size_t *expected);

/* Whether a gap of gap_us between two consecutive samples means samples are missing (it is
 * over 1.5 intervals) - where charts break their lines. */
bool results_is_gap(uint64_t gap_us, uint64_t interval_us);

/* The end of recovery that decides "draining" versus "stuck for good". */
#define RESULTS_DRAIN_WINDOW_US 5000000

/* Processes within this many of baseline count as recovered. */
int64_t results_recovery_tolerance(int64_t baseline);

#endif
