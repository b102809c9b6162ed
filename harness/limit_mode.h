/* limit_mode.h -- why a capacity-search trial failed (pile-up, latency, errors, drops, kills,
 * capped), and whether a running trial has already failed beyond doubt (early stop). */
#ifndef LJ_LIMIT_MODE_H
#define LJ_LIMIT_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample.h"

/* Failure modes in order of precedence: when several hold, the lowest value names the trial.
 * Mechanisms come before symptoms: the safety cap cut the trial short; a pile-up (callers
 * blocked on a sync logger) is what makes latency and errors, so it is named instead of them;
 * then what the failed gates say, the logger's own protection first (kills, then drops),
 * then the requests (errors, then latency). OTHER: a gate failed that none of these explain
 * (memory, say, without a pile-up). */
enum limit_mode {
    LIMIT_MODE_NONE = 0, /* the trial passed */
    LIMIT_MODE_CAPPED,
    LIMIT_MODE_PILEUP,
    LIMIT_MODE_KILLS,
    LIMIT_MODE_DROPS,
    LIMIT_MODE_ERRORS,
    LIMIT_MODE_LATENCY,
    LIMIT_MODE_OTHER,
};

/* A pile-up: processes at least this many times baseline at their peak, */
#define LIMIT_MODE_PEAK_FACTOR 2.0
/* and the logger sync for at least this share of the last part of the load. */
#define LIMIT_MODE_SYNC_SHARE 0.5
/* Requests not ok at or above this share count as errors when no gate names a mode. */
#define LIMIT_MODE_ERROR_SHARE 0.01

/* Plain numbers from one trial's summary, filled by the caller. */
struct limit_mode_facts {
    bool capped;                /* the run stopped at the safety cap */
    const char *const *failed;  /* metric names of the failed gates ("latency", ...) */
    size_t n_failed;            /* 0 and not capped: the trial passed */
    int64_t baseline_processes; /* before the load */
    int64_t peak_processes;     /* during the load */
    double processes_slope;     /* processes/s over the last part of the load */
    double sync_share;          /* share of the last part of the load the logger was sync */
    bool recovered;             /* processes back near baseline by the end of recovery;
                                   false when the trial stopped before recovery */
    double p99_s;               /* latency p(99) in seconds */
    double p99_gate_s;          /* the latency gate's bound in seconds; 0 = no such gate */
    double not_ok_share;        /* requests failed, errored or timed out / requests sent */
    int64_t dropped;            /* log events the logger dropped */
    int64_t kills;              /* logger processes killed */
};

/* The failure mode of one trial, by the precedence of enum limit_mode:
 * - CAPPED when f->capped;
 * - PILEUP when processes grew through the last part of the load (slope > 0, peak at least
 *   LIMIT_MODE_PEAK_FACTOR x baseline) while the logger was sync (sync_share at least
 *   LIMIT_MODE_SYNC_SHARE) and did not drain in recovery (!recovered);
 * - else the highest-precedence mode a failed gate names (logger.kills -> KILLS,
 *   logger.dropped -> DROPS, requests.failed/errored/timeout/ok -> ERRORS, latency -> LATENCY);
 * - else, when no failed gate names one (processes, memory, recovery...): the first of
 *   kills > 0, dropped > 0, not_ok_share >= LIMIT_MODE_ERROR_SHARE, p99 above its gate;
 * - else OTHER. NONE when nothing failed. */
enum limit_mode limit_mode_classify(const struct limit_mode_facts *f);

/* "pile-up", "latency", ... ("none" for NONE); a static string. */
const char *limit_mode_name(enum limit_mode m);

#define LIMIT_MODE_STOP_WINDOW_S 5.0 /* the early stop's window when none is given */

/* When a running trial has failed beyond doubt. Zero fields take the defaults. */
struct limit_mode_stop {
    double factor;       /* processes above factor x (baseline + live connections); 5 */
    double window_s;     /* ... growing, logger sync, for this long; default 5 s */
    uint64_t memory_cap; /* node memory at or above this (bytes) is the safety cap; 0 = none */
};

/* Early stop over the most recent samples of a running trial, oldest first (n of them):
 * CAPPED when the last sample's memory.total reached cfg->memory_cap; PILEUP when, over the
 * last window_s seconds (the history must reach back that far), every sample has the logger
 * sync and processes above factor x (baseline + that sample's live connections: each
 * connection is a process of its own, not a pile-up), and processes grew (first < middle < last);
 * NONE otherwise, and always for a baseline <= 0 (no reference to compare with). */
enum limit_mode limit_mode_early_stop(const struct limit_mode_stop *cfg, int64_t baseline,
                                      const struct sample *recent, size_t n);

#endif
