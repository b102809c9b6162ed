/* load_sched.h -- the open-loop arrival schedule: when each request of each thread is due.
 *
 * Global request g (0-based) is due at Ninv(g + 1) seconds after the start, where N(t) is the
 * integral of the rate (constant, ramp from 0, or piecewise-linear stages); thread i of T owns
 * every g = k*T + i. Times are relative to the start of the load phase, in microseconds. */
#ifndef LJ_LOAD_SCHED_H
#define LJ_LOAD_SCHED_H

#include <stdint.h>

#include "load.h"

#define LOAD_SCHED_MAX_SEGS (LOAD_MAX_STAGES + 2)

/* One piece of the rate: linear from r0 to r1 over dur seconds. */
struct load_sched_seg {
    double t0;  /* seconds from start */
    double dur; /* seconds; the last segment is open-ended (INFINITY) */
    double r0, r1;
    double n0; /* requests scheduled before t0 */
};

/* Plain data, built once by load_sched_build and then only read. */
struct load_sched {
    struct load_sched_seg segs[LOAD_SCHED_MAX_SEGS];
    unsigned nsegs;
    unsigned nthreads;
    uint64_t duration_us;
};

/* Build the schedule of cfg's rate, ramp or stages, shared by cfg->threads threads and ending
 * after cfg->duration_us. */
void load_sched_build(struct load_sched *s, const struct load_config *cfg);

/* Requests of thread `thread` due in the first rel_us microseconds, never counting past the
 * end of the phase. */
uint64_t load_sched_due(const struct load_sched *s, unsigned thread, uint64_t rel_us);

/* Intended send time (us from start) of thread `thread`'s k-th request (0-based); UINT64_MAX
 * when it falls at or after the end of the phase, or never. *cursor is the thread's own
 * segment hint (start it at 0): it makes consecutive k cheap. */
uint64_t load_sched_time(const struct load_sched *s, unsigned thread, uint64_t k, unsigned *cursor);

#endif
