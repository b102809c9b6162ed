/* gate.h -- gate expressions `METRIC = AGG OP VALUE` -> parsed gates -> results. */
#ifndef LJ_GATE_H
#define LJ_GATE_H

#include <stdbool.h>
#include <stdint.h>

#define GATE_METRIC_LEN 64
#define GATE_EXPR_LEN 160

enum gate_agg {
    AGG_BASELINE = 0,
    AGG_MAX,
    AGG_MIN,
    AGG_AVG,
    AGG_FINAL,
    AGG_DELTA,
    AGG_SLOPE,
    AGG_P, /* p(N), N in gate.pct */
    AGG_COUNT,
    AGG_RATE,
    AGG_TIME,
    AGG_LEAKED, /* recovery.leaked */
    AGG_FIRST,  /* logger.sync first switch */
    AGG_STDDEV, /* standard deviation over the samples */
};

enum gate_op { OP_LT = 0, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

struct gate {
    char metric[GATE_METRIC_LEN]; /* e.g. "processes", "memory.total", "latency" */
    char expr[GATE_EXPR_LEN];     /* the right-hand side as written, "max < 20000" */
    enum gate_agg agg;
    double pct; /* for AGG_P */
    enum gate_op op;
    double value; /* in base units: bytes, seconds, counts, fractions */
    int line;     /* line in the scenario file, 0 for --set */
    bool abort;   /* stop the run early when it already failed */
};

/* Parse one gate: metric is the INI key, expr the value. Validates the metric name, the
 * aggregate (and that it applies to that metric), the operator and the value's unit.
 * Returns 0, or -1 with err ("unknown metric 'proceses' (did you mean 'processes'?)"). */
int gate_parse(const char *metric, const char *expr, struct gate *out, char *err);

/* Parse a diagnosis trigger "METRIC OP VALUE" such as "processes > 50000" or
 * "memory.total >= 2GiB" ([run] diagnose_at). METRIC must be sampled (one value per sample);
 * out gets metric, op, value (base units), agg = AGG_FINAL (the latest sample) and expr = text.
 * Returns 0, or -1 with err. (Added by the scenario module.) */
int gate_parse_trigger(const char *text, struct gate *out, char *err);

/* Name of an aggregate: "max", or "p(99.9)" written into buf for AGG_P. Returns a static
 * string or buf; never NULL. */
const char *gate_agg_name(enum gate_agg agg, double pct, char *buf, unsigned len);
/* "<", "<=", ... for op; "?" when out of range. */
const char *gate_op_name(enum gate_op op);

/* Does `value OP threshold` hold? NaN (no data) never holds. */
bool gate_holds(const struct gate *g, double value);

#endif
