/* metric.h -- the one table of metrics: every column of samples.csv and every key of
 * summary.json's metrics, what a gate may name, which aggregates apply, what unit a threshold
 * is read in, where a value lives in struct sample (or struct results) and which key of
 * logjam_probe:snapshot() fills it. gate.c parses against it, series.c aggregates with it,
 * report.c writes samples.csv, summary.json and the text report's node lines from it, probe.c
 * decodes the snapshot with it: a new sampled gauge is one GAUGE row plus its sample field. */
#ifndef LOGJAM_METRIC_H
#define LOGJAM_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gate.h"
#include "sample.h"

/* What a threshold is measured in; decides how its value is parsed and shown. */
enum value_kind {
    VK_COUNT,    /* plain number */
    VK_SIZE,     /* bytes: 256MiB */
    VK_DURATION, /* seconds: 500ms, bare number = seconds */
    VK_FRACTION, /* 1% or 0.01 */
    VK_RATE,     /* per second: 6000/s */
};

/* What a row is. */
enum metric_class {
    METRIC_FIELD,   /* a field of struct sample no gate names: a samples.csv column, or only
                       decoded from the snapshot */
    METRIC_GAUGE,   /* a sampled value: every per-sample aggregate, a diagnosis trigger, an
                       object of aggregates in summary.json */
    METRIC_COUNTER, /* a sampled counter: gated on its growth over the run (count) */
    METRIC_TOTAL,   /* a run total (uint64_t in struct results): count, and rate per rate_kind */
    METRIC_RUN,     /* a run-level value with its own branch in results_value() */
};

/* How a field of struct sample is stored (and written to samples.csv). */
enum metric_type {
    MT_I64,   /* int64_t */
    MT_U64,   /* uint64_t */
    MT_TIME,  /* uint64_t microseconds, written as seconds */
    MT_PHASE, /* enum phase, written by name */
    MT_MODE,  /* enum logger_mode, written by name */
};

#define METRIC_AGG(x) (1u << (x))

struct metric {
    const char *name;   /* what a gate names, summary.json's key; NULL for a FIELD */
    const char *column; /* samples.csv column; NULL when not in the CSV */
    const char *key;    /* path in the snapshot map ("memory.total"); NULL when not probed */
    enum metric_class cls;
    enum metric_type type;     /* FIELD, GAUGE, COUNTER */
    size_t off;                /* in struct sample; in struct results for a TOTAL */
    unsigned aggs;             /* bit per enum gate_agg */
    enum value_kind kind;      /* for max, min, p(N)... */
    enum value_kind rate_kind; /* for AGG_RATE: VK_RATE per second, VK_FRACTION of sent */
    bool shown;                /* a line in the text report's node section */
};

extern const struct metric metrics[];
extern const size_t nmetrics;

/* The row named name, or NULL (FIELD rows have no name). */
const struct metric *metric_find(const char *name);

/* Whether the row is one value per sample that a gate names (GAUGE or COUNTER). */
bool metric_sampled(const struct metric *m);

/* Whether a gate may name aggregate agg on m. */
bool metric_allows(const struct metric *m, enum gate_agg agg);

/* A row's numeric value in one sample (0 for a row that is not in struct sample). */
double metric_get(const struct metric *m, const struct sample *smp);

/* Store v into the row's field of smp (MT_MODE and MT_PHASE take the enum's value). */
void metric_set(const struct metric *m, struct sample *smp, int64_t v);

/* The unit a value of aggregate agg on m is read and shown in. */
enum value_kind metric_value_kind(const struct metric *m, enum gate_agg agg);

#endif
