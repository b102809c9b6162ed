/* limit_mode.c -- why a capacity-search trial failed, and when a running trial has failed
 * beyond doubt; pure functions over plain numbers and samples. */
#include "limit_mode.h"

#include <string.h>

#define STOP_FACTOR_DEFAULT 5.0

static const char *const names[] = {
    [LIMIT_MODE_NONE] = "none",       [LIMIT_MODE_CAPPED] = "capped",
    [LIMIT_MODE_PILEUP] = "pile-up",  [LIMIT_MODE_KILLS] = "kills",
    [LIMIT_MODE_DROPS] = "drops",     [LIMIT_MODE_ERRORS] = "errors",
    [LIMIT_MODE_LATENCY] = "latency", [LIMIT_MODE_OTHER] = "other",
};

/* The gate metrics that name a mode; a failed gate on any other metric names none. */
static const struct {
    const char *metric;
    enum limit_mode mode;
} gate_modes[] = {
    {"logger.kills", LIMIT_MODE_KILLS},      {"logger.dropped", LIMIT_MODE_DROPS},
    {"requests.failed", LIMIT_MODE_ERRORS},  {"requests.errored", LIMIT_MODE_ERRORS},
    {"requests.timeout", LIMIT_MODE_ERRORS}, {"requests.ok", LIMIT_MODE_ERRORS},
    {"latency", LIMIT_MODE_LATENCY},
};

const char *limit_mode_name(enum limit_mode m)
{
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "?";
}

static bool pile_up(const struct limit_mode_facts *f)
{
    return f->processes_slope > 0 &&
           (double)f->peak_processes >= LIMIT_MODE_PEAK_FACTOR * (double)f->baseline_processes &&
           f->sync_share >= LIMIT_MODE_SYNC_SHARE && !f->recovered;
}

/* The highest-precedence mode the failed gates name; NONE when they name none. */
static enum limit_mode gates_mode(const struct limit_mode_facts *f)
{
    enum limit_mode best = LIMIT_MODE_NONE;
    for (size_t i = 0; i < f->n_failed; i++)
        for (size_t k = 0; k < sizeof gate_modes / sizeof gate_modes[0]; k++)
            if (strcmp(f->failed[i], gate_modes[k].metric) == 0 &&
                (best == LIMIT_MODE_NONE || gate_modes[k].mode < best))
                best = gate_modes[k].mode;
    return best;
}

enum limit_mode limit_mode_classify(const struct limit_mode_facts *f)
{
    enum limit_mode m;
    if (f->capped)
        return LIMIT_MODE_CAPPED;
    if (f->n_failed == 0)
        return LIMIT_MODE_NONE;
    if (pile_up(f))
        return LIMIT_MODE_PILEUP;
    m = gates_mode(f);
    if (m != LIMIT_MODE_NONE)
        return m;
    if (f->kills > 0)
        return LIMIT_MODE_KILLS;
    if (f->dropped > 0)
        return LIMIT_MODE_DROPS;
    if (f->not_ok_share >= LIMIT_MODE_ERROR_SHARE)
        return LIMIT_MODE_ERRORS;
    if (f->p99_gate_s > 0 && f->p99_s > f->p99_gate_s)
        return LIMIT_MODE_LATENCY;
    return LIMIT_MODE_OTHER;
}

enum limit_mode limit_mode_early_stop(const struct limit_mode_stop *cfg, int64_t baseline,
                                      const struct sample *recent, size_t n)
{
    double factor = cfg->factor > 0 ? cfg->factor : STOP_FACTOR_DEFAULT;
    double window_s = cfg->window_s > 0 ? cfg->window_s : LIMIT_MODE_STOP_WINDOW_S;
    uint64_t window_us = (uint64_t)(window_s * 1e6);
    const struct sample *last;
    size_t first = 0;

    if (n == 0)
        return LIMIT_MODE_NONE;
    last = &recent[n - 1];
    if (cfg->memory_cap > 0 && last->mem_total >= cfg->memory_cap)
        return LIMIT_MODE_CAPPED;
    if (baseline <= 0 || last->at_us < window_us || recent[0].at_us > last->at_us - window_us)
        return LIMIT_MODE_NONE; /* no reference, or the history does not reach back far enough */
    /* The window starts at the last sample at or before last - window. */
    while (first + 1 < n && recent[first + 1].at_us <= last->at_us - window_us)
        first++;
    for (size_t i = first; i < n; i++)
        if (recent[i].logger_mode != MODE_SYNC ||
            (double)recent[i].process_count <= factor * (double)(baseline + recent[i].connections))
            return LIMIT_MODE_NONE;
    size_t mid = first + (n - 1 - first) / 2;
    if (!(recent[first].process_count < recent[mid].process_count &&
          recent[mid].process_count < last->process_count))
        return LIMIT_MODE_NONE;
    return LIMIT_MODE_PILEUP;
}
