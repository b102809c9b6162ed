/* metric.h -- the one table of metrics: what a gate may name, which aggregates apply, what
 * unit a threshold is read in, and where a sampled metric lives in struct sample. gate.c
 * parses against it, series.c aggregates with it; adding a metric is one row here. */
#ifndef LOGJAM_METRIC_H
#define LOGJAM_METRIC_H

#include <stdbool.h>
#include <stddef.h>

#include "gate.h"
#include "sample.h"

/* What a threshold is measured in; decides how its value is parsed. */
enum value_kind {
    VK_COUNT,    /* plain number */
    VK_SIZE,     /* bytes: 256MiB */
    VK_DURATION, /* seconds: 500ms, bare number = seconds */
    VK_FRACTION, /* 1% or 0.01 */
    VK_RATE,     /* per second: 6000/s */
};

#define METRIC_AGG(x) (1u << (x))

struct metric {
    const char *name;
    unsigned aggs;             /* bit per enum gate_agg */
    enum value_kind kind;      /* for max, min, p(N)... */
    enum value_kind rate_kind; /* for AGG_RATE */
    bool trigger;              /* a per-sample value: usable in a diagnosis trigger */
    bool sampled;              /* a 64-bit field of struct sample, at off */
    size_t off;
    bool is_signed;
};

extern const struct metric metrics[];
extern const size_t nmetrics;

/* The row named name, or NULL. */
const struct metric *metric_find(const char *name);

/* A sampled metric's value in one sample (0 for a run-level metric). */
double metric_get(const struct metric *m, const struct sample *smp);

#endif
