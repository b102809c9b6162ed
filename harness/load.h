/* load.h -- the libevent HTTP/1.1 load generator: keep-alive connections to a loopback
 * target, open loop (constant arrival from an intended-send schedule) or closed loop. */
#ifndef LJ_LOAD_H
#define LJ_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

/* The one set of bounds on a load_config (the scenario's [load] keys allow the same). */
#define LOAD_MAX_CONNECTIONS 100000u
#define LOAD_MAX_THREADS 64u
#define LOAD_MAX_STAGES 32
#define LOAD_PATH_LEN 1024

/* One stage of a piecewise-linear rate schedule. */
struct load_stage {
    uint64_t duration_us;
    double rate; /* req/s at the end of the stage; linear from the previous stage's rate */
};

/* Everything the generator needs: plain data, filled by the scenario
 * (load_config_from_scenario) or by `logjam load`'s flags, checked by load_config_check. */
struct load_config {
    uint32_t addr;            /* target IPv4 address, host byte order, in 127.0.0.0/8 */
    uint16_t port;            /* target TCP port, not 0 */
    char path[LOAD_PATH_LEN]; /* request path and query, starting with '/' */
    unsigned connections;     /* 1..LOAD_MAX_CONNECTIONS */
    unsigned threads;         /* event loops, 1..LOAD_MAX_THREADS and at most connections */
    uint64_t duration_us;     /* the load phase, > 0, including the ramp */
    double rate;              /* open loop at req/s; 0 (and no stages): closed loop */
    uint64_t ramp_us;         /* open loop: linear rise from 0 to rate */
    struct load_stage stages[LOAD_MAX_STAGES]; /* when nstages > 0: replace rate and ramp */
    unsigned nstages;
    uint64_t timeout_us; /* client timeout per request: closed, counted, reopened; 0 none */
};

/* Counters at one instant; every field is monotonic except open/backlog. */
struct load_counters {
    uint64_t sent;      /* requests written */
    uint64_t ok;        /* 2xx replies */
    uint64_t failed;    /* non-2xx replies */
    uint64_t errored;   /* connect, read and write errors */
    uint64_t timeouts;  /* client_timeout expired: closed and reopened */
    uint64_t connects;  /* successful TCP connects */
    uint64_t open;      /* connections open now */
    uint64_t backlog;   /* requests due but not yet sent (open loop) */
    uint64_t scheduled; /* requests due by now (open loop; = sent + backlog), closed: = sent */
};

struct load;

/* Check cfg against the bounds above (a target off loopback is refused). Returns 0, or -1
 * with err naming the field, its value and the bound it breaks. */
int load_config_check(const struct load_config *cfg, char *err);

/* Prepare a load generator as cfg says (checked with load_config_check; cfg is not kept).
 * Raises RLIMIT_NOFILE as needed. Returns NULL with err on failure. Nothing runs until
 * load_start. */
struct load *load_new(const struct load_config *cfg, char *err);

/* Open loop: the schedule timer ticks at most once per quantum_us (default 250 us); each tick
 * sends every request due by then, so a request goes out at most one quantum after its
 * intended time, which corrected latency includes. 0: a tick for every request. Call before
 * load_start; closed loop ignores it. */
void load_set_send_quantum(struct load *l, uint64_t quantum_us);

/* Start the event-loop threads; the load phase lasts cfg->duration_us and then stops by
 * itself. Returns 0, or -1 with err. */
int load_start(struct load *l, char *err);

/* Ask every loop to stop now (thread-safe, idempotent) and join them. */
void load_stop(struct load *l);

/* True once every loop has finished (duration elapsed or stopped). */
bool load_done(struct load *l);

/* Thread-safe snapshot of the counters summed over threads. */
void load_counters(struct load *l, struct load_counters *out);

/* After load_stop: merge the threads' latency histograms into the caller's. corrected is
 * measured from the intended send time (coordinated omission corrected), uncorrected from
 * the actual write. Either may be NULL. */
void load_latency(struct load *l, struct hist *corrected, struct hist *uncorrected);

void load_free(struct load *l);

#endif
