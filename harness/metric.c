/* metric.c -- the metric table (see metric.h). */
#include "metric.h"

#include <stdint.h>
#include <string.h>

#define A METRIC_AGG
#define SAMPLE_AGGS                                                                                \
    (A(AGG_BASELINE) | A(AGG_MAX) | A(AGG_MIN) | A(AGG_AVG) | A(AGG_FINAL) | A(AGG_DELTA) |        \
     A(AGG_SLOPE) | A(AGG_P))
/* A sampled gauge: every per-sample aggregate, usable in a trigger. */
#define GAUGE(name, kind, field, sgn)                                                              \
    {                                                                                              \
        name, SAMPLE_AGGS, kind, VK_COUNT, true, true, offsetof(struct sample, field), sgn         \
    }
/* A sampled counter: gated on its growth over the run (count), not per sample. */
#define COUNTER(name, aggs, field)                                                                 \
    {                                                                                              \
        name, aggs, VK_COUNT, VK_COUNT, false, true, offsetof(struct sample, field), true          \
    }
/* Known only for the whole run (results_value). */
#define RUN(name, aggs, kind, rate_kind)                                                           \
    {                                                                                              \
        name, aggs, kind, rate_kind, false, false, 0, false                                        \
    }

const struct metric metrics[] = {
    GAUGE("processes", VK_COUNT, process_count, true),
    GAUGE("memory.total", VK_SIZE, mem_total, false),
    GAUGE("memory.processes", VK_SIZE, mem_processes, false),
    GAUGE("memory.binary", VK_SIZE, mem_binary, false),
    GAUGE("memory.ets", VK_SIZE, mem_ets, false),
    GAUGE("logger.queue", VK_COUNT, logger_queue, true),
    GAUGE("connections", VK_COUNT, connections, true),
    GAUGE("run_queue", VK_COUNT, run_queue, true),
    GAUGE("pool.busy", VK_COUNT, pool_busy, true),
    COUNTER("logger.switches", A(AGG_COUNT) | A(AGG_MAX) | A(AGG_FINAL), logger_switches),
    COUNTER("logger.dropped", A(AGG_COUNT), logger_dropped),
    COUNTER("logger.kills", A(AGG_COUNT), logger_kills),
    RUN("logger.sync", A(AGG_TIME) | A(AGG_FIRST), VK_DURATION, VK_COUNT),
    RUN("requests", A(AGG_COUNT) | A(AGG_RATE), VK_COUNT, VK_RATE),
    RUN("requests.ok", A(AGG_COUNT) | A(AGG_RATE), VK_COUNT, VK_FRACTION),
    RUN("requests.failed", A(AGG_COUNT) | A(AGG_RATE), VK_COUNT, VK_FRACTION),
    RUN("requests.errored", A(AGG_COUNT) | A(AGG_RATE), VK_COUNT, VK_FRACTION),
    RUN("requests.timeout", A(AGG_COUNT) | A(AGG_RATE), VK_COUNT, VK_FRACTION),
    RUN("latency", A(AGG_P) | A(AGG_MAX) | A(AGG_MIN) | A(AGG_AVG), VK_DURATION, VK_COUNT),
    RUN("recovery", A(AGG_TIME) | A(AGG_LEAKED), VK_DURATION, VK_COUNT),
    RUN("samples.missed", A(AGG_COUNT), VK_COUNT, VK_COUNT),
};
const size_t nmetrics = sizeof metrics / sizeof metrics[0];

const struct metric *metric_find(const char *name)
{
    for (size_t i = 0; i < nmetrics; i++)
        if (strcmp(metrics[i].name, name) == 0)
            return &metrics[i];
    return NULL;
}

double metric_get(const struct metric *m, const struct sample *smp)
{
    if (!m->sampled)
        return 0.0;
    const char *base = (const char *)smp + m->off;
    if (m->is_signed) {
        int64_t v;
        memcpy(&v, base, sizeof v);
        return (double)v;
    }
    uint64_t u;
    memcpy(&u, base, sizeof u);
    return (double)u;
}
