/* metric.c -- the metric table (see metric.h). Rows are in samples.csv's column order; a new
 * row goes at the end of its class so that existing columns keep their positions. */
#include "metric.h"

#include <string.h>

#include "series.h"

#define A METRIC_AGG
#define SAMPLE_AGGS                                                                                \
    (A(AGG_BASELINE) | A(AGG_MAX) | A(AGG_MIN) | A(AGG_AVG) | A(AGG_FINAL) | A(AGG_DELTA) |        \
     A(AGG_SLOPE) | A(AGG_P) | A(AGG_STDDEV))
/* The storage type of an integer field of struct sample, checked by the compiler. */
#define TYPE_OF(field) _Generic(((struct sample *)0)->field, int64_t : MT_I64, uint64_t : MT_U64)
#define ROW(name, column, key, cls, type, off, aggs, kind, rate_kind, shown)                       \
    {                                                                                              \
        name, column, key, cls, type, off, aggs, kind, rate_kind, shown                            \
    }
/* A column of samples.csv (and/or a snapshot key) no gate names. */
#define FIELD(column, key, type, field)                                                            \
    ROW(NULL, column, key, METRIC_FIELD, type, offsetof(struct sample, field), 0, VK_COUNT,        \
        VK_COUNT, false)
/* A sampled gauge: every per-sample aggregate, usable in a trigger; shown = a report line. */
#define GAUGE(name, column, key, field, kind, shown)                                               \
    ROW(name, column, key, METRIC_GAUGE, TYPE_OF(field), offsetof(struct sample, field),           \
        SAMPLE_AGGS, kind, VK_COUNT, shown)
/* A sampled counter: gated on its growth over the run (count), not per sample. */
#define COUNTER(name, column, key, field, aggs)                                                    \
    ROW(name, column, key, METRIC_COUNTER, TYPE_OF(field), offsetof(struct sample, field), aggs,   \
        VK_COUNT, VK_COUNT, false)
/* A total of the whole run, a uint64_t in struct results. */
#define TOTAL(name, aggs, field, rate_kind)                                                        \
    ROW(name, NULL, NULL, METRIC_TOTAL, MT_U64, offsetof(struct results, field), aggs, VK_COUNT,   \
        rate_kind, false)
/* Known only for the whole run (a branch in results_value). */
#define RUN(name, aggs, kind)                                                                      \
    ROW(name, NULL, NULL, METRIC_RUN, MT_U64, 0, aggs, kind, VK_COUNT, false)

const struct metric metrics[] = {
    /* samples.csv, in column order; the snapshot's keys */
    FIELD("at_s", NULL, MT_TIME, at_us),
    FIELD("phase", NULL, MT_PHASE, phase),
    FIELD("t_ms", "t_ms", MT_I64, t_ms),
    GAUGE("processes", "processes", "process_count", process_count, VK_COUNT, true),
    FIELD("process_limit", "process_limit", MT_I64, process_limit),
    GAUGE("memory.total", "memory_total", "memory.total", mem_total, VK_SIZE, true),
    GAUGE("memory.processes", "memory_processes", "memory.processes", mem_processes, VK_SIZE, true),
    GAUGE("memory.binary", "memory_binary", "memory.binary", mem_binary, VK_SIZE, false),
    GAUGE("memory.ets", "memory_ets", "memory.ets", mem_ets, VK_SIZE, false),
    GAUGE("run_queue", "run_queue", "run_queue", run_queue, VK_COUNT, false),
    FIELD("reductions", "reductions", MT_U64, reductions),
    FIELD("logger_mode", "logger.mode", MT_MODE, logger_mode),
    GAUGE("logger.queue", "logger_queue", "logger.queue_len", logger_queue, VK_COUNT, false),
    COUNTER("logger.switches", "logger_switches", "logger.switches", logger_switches,
            A(AGG_COUNT) | A(AGG_MAX) | A(AGG_FINAL)),
    FIELD("logger_written", "logger.written", MT_I64, logger_written),
    COUNTER("logger.dropped", "logger_dropped", "logger.dropped", logger_dropped, A(AGG_COUNT)),
    COUNTER("logger.kills", "logger_kills", "logger.kills", logger_kills, A(AGG_COUNT)),
    GAUGE("pool.busy", "pool_busy", "pool.busy", pool_busy, VK_COUNT, false),
    GAUGE("connections", "connections", "connections", connections, VK_COUNT, true),
    FIELD("req_sent", NULL, MT_U64, load.sent),
    FIELD("req_ok", NULL, MT_U64, load.ok),
    FIELD("req_failed", NULL, MT_U64, load.failed),
    FIELD("req_errored", NULL, MT_U64, load.errored),
    FIELD("req_timeout", NULL, MT_U64, load.timeouts),
    FIELD("conns_open", NULL, MT_U64, load.open),
    FIELD("backlog", NULL, MT_U64, load.backlog),
    GAUGE("ports", "ports", "port_count", port_count, VK_COUNT, false),
    FIELD("port_limit", "port_limit", MT_I64, port_limit),
    FIELD("logger_queue_age", "logger.age_ms", MT_I64, logger_queue_age),
    /* decoded from the snapshot, not written */
    FIELD(NULL, "memory.atom", MT_U64, mem_atom),
    FIELD(NULL, "memory.code", MT_U64, mem_code),
    FIELD(NULL, "memory.system", MT_U64, mem_system),
    FIELD(NULL, "samples_dropped", MT_U64, samples_dropped),
    /* the run */
    RUN("logger.sync", A(AGG_TIME) | A(AGG_FIRST), VK_DURATION),
    TOTAL("requests", A(AGG_COUNT) | A(AGG_RATE), load.sent, VK_RATE),
    TOTAL("requests.ok", A(AGG_COUNT) | A(AGG_RATE), load.ok, VK_FRACTION),
    TOTAL("requests.failed", A(AGG_COUNT) | A(AGG_RATE), load.failed, VK_FRACTION),
    TOTAL("requests.errored", A(AGG_COUNT) | A(AGG_RATE), load.errored, VK_FRACTION),
    TOTAL("requests.timeout", A(AGG_COUNT) | A(AGG_RATE), load.timeouts, VK_FRACTION),
    RUN("latency", A(AGG_P) | A(AGG_MAX) | A(AGG_MIN) | A(AGG_AVG), VK_DURATION),
    RUN("recovery", A(AGG_TIME) | A(AGG_LEAKED), VK_DURATION),
    TOTAL("samples.missed", A(AGG_COUNT), missed, VK_COUNT),
};
const size_t nmetrics = sizeof metrics / sizeof metrics[0];

const struct metric *metric_find(const char *name)
{
    for (size_t i = 0; i < nmetrics; i++)
        if (metrics[i].name && strcmp(metrics[i].name, name) == 0)
            return &metrics[i];
    return NULL;
}

bool metric_sampled(const struct metric *m)
{
    return m->cls == METRIC_GAUGE || m->cls == METRIC_COUNTER;
}

bool metric_allows(const struct metric *m, enum gate_agg agg)
{
    return (unsigned)agg < 32 && ((m->aggs >> agg) & 1u);
}

double metric_get(const struct metric *m, const struct sample *smp)
{
    const char *base = (const char *)smp + m->off;
    if (m->cls == METRIC_TOTAL || m->cls == METRIC_RUN)
        return 0.0;
    if (m->type == MT_I64) {
        int64_t v;
        memcpy(&v, base, sizeof v);
        return (double)v;
    }
    if (m->type == MT_U64 || m->type == MT_TIME) {
        uint64_t u;
        memcpy(&u, base, sizeof u);
        return (double)u;
    }
    return 0.0;
}

void metric_set(const struct metric *m, struct sample *smp, int64_t v)
{
    char *base = (char *)smp + m->off;
    if (m->cls == METRIC_TOTAL || m->cls == METRIC_RUN)
        return;
    switch (m->type) {
    case MT_I64:
        memcpy(base, &v, sizeof v);
        break;
    case MT_U64:
    case MT_TIME: {
        uint64_t u = (uint64_t)v;
        memcpy(base, &u, sizeof u);
        break;
    }
    case MT_PHASE: {
        enum phase p = (enum phase)v;
        memcpy(base, &p, sizeof p);
        break;
    }
    case MT_MODE: {
        enum logger_mode mode = (enum logger_mode)v;
        memcpy(base, &mode, sizeof mode);
        break;
    }
    }
}

enum value_kind metric_value_kind(const struct metric *m, enum gate_agg agg)
{
    switch (agg) {
    case AGG_RATE:
        return m->rate_kind;
    case AGG_COUNT:
    case AGG_LEAKED:
        return VK_COUNT;
    case AGG_TIME:
    case AGG_FIRST:
        return VK_DURATION;
    default:
        return m->kind;
    }
}
