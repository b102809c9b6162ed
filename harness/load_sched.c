/* load_sched.c -- the open-loop arrival schedule: the rate's integral and its inverse. */
#include "load_sched.h"

#include <math.h>

void load_sched_build(struct load_sched *s, const struct load_config *cfg)
{
    double t = 0.0, n = 0.0, r = 0.0;
    s->nsegs = 0;
    s->nthreads = cfg->threads;
    s->duration_us = cfg->duration_us;
    if (cfg->nstages > 0) {
        for (unsigned i = 0; i < cfg->nstages && i < LOAD_MAX_STAGES; i++) {
            double d = (double)cfg->stages[i].duration_us / 1e6;
            if (d <= 0.0) {
                r = cfg->stages[i].rate;
                continue;
            }
            s->segs[s->nsegs++] = (struct load_sched_seg){t, d, r, cfg->stages[i].rate, n};
            n += d * (r + cfg->stages[i].rate) / 2.0;
            t += d;
            r = cfg->stages[i].rate;
        }
    } else if (cfg->ramp_us > 0) {
        double d = (double)cfg->ramp_us / 1e6;
        s->segs[s->nsegs++] = (struct load_sched_seg){0.0, d, 0.0, cfg->rate, 0.0};
        t = d;
        n = d * cfg->rate / 2.0;
        r = cfg->rate;
    } else {
        r = cfg->rate;
    }
    s->segs[s->nsegs++] = (struct load_sched_seg){t, INFINITY, r, r, n}; /* hold the last rate */
}

/* Requests scheduled in the first `sec` seconds (N(sec)). */
static double sched_n(const struct load_sched *s, double sec)
{
    unsigned i = s->nsegs - 1;
    while (i > 0 && sec < s->segs[i].t0)
        i--;
    const struct load_sched_seg *g = &s->segs[i];
    double dt = sec - g->t0;
    if (dt < 0.0)
        dt = 0.0;
    double a = isinf(g->dur) ? 0.0 : (g->r1 - g->r0) / (2.0 * g->dur);
    return g->n0 + g->r0 * dt + a * dt * dt;
}

/* Seconds from start at which N reaches n (INFINITY if never). */
static double sched_inv(const struct load_sched *s, double n, unsigned *cursor)
{
    unsigned i = *cursor;
    while (i + 1 < s->nsegs && n > s->segs[i + 1].n0)
        i++;
    while (i > 0 && n <= s->segs[i].n0)
        i--;
    *cursor = i;
    const struct load_sched_seg *g = &s->segs[i];
    double m = n - g->n0;
    double a = isinf(g->dur) ? 0.0 : (g->r1 - g->r0) / (2.0 * g->dur);
    if (fabs(a) < 1e-12) {
        if (g->r0 <= 0.0)
            return INFINITY;
        return g->t0 + m / g->r0;
    }
    double disc = g->r0 * g->r0 + 4.0 * a * m;
    if (disc < 0.0)
        disc = 0.0;
    double den = g->r0 + sqrt(disc);
    if (den <= 0.0)
        return INFINITY;
    return g->t0 + 2.0 * m / den;
}

uint64_t load_sched_due(const struct load_sched *s, unsigned thread, uint64_t rel_us)
{
    if (rel_us > s->duration_us)
        rel_us = s->duration_us;
    double g = floor(sched_n(s, (double)rel_us / 1e6) + 1e-9); /* global requests due */
    if (g < (double)thread + 1.0)
        return 0;
    return (uint64_t)((g - (double)thread - 1.0) / (double)s->nthreads) + 1;
}

uint64_t load_sched_time(const struct load_sched *s, unsigned thread, uint64_t k, unsigned *cursor)
{
    double g = (double)k * (double)s->nthreads + (double)thread + 1.0;
    double sec = sched_inv(s, g, cursor);
    if (!isfinite(sec) || sec * 1e6 >= (double)s->duration_us)
        return UINT64_MAX;
    return (uint64_t)ceil(sec * 1e6);
}
