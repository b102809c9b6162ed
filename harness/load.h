/* load.h -- the libevent HTTP/1.1 load generator: keep-alive connections to a loopback
 * target, open loop (constant arrival from an intended-send schedule) or closed loop. */
#ifndef LJ_LOAD_H
#define LJ_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "scenario.h"

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

/* Prepare a load generator aimed at 127.0.0.1:port with the scenario's [load] keys.
 * ipv4_loopback is in host byte order (INADDR_LOOPBACK = 0x7f000001).
 * The address must be loopback (127.0.0.0/8); anything else is refused. Raises RLIMIT_NOFILE as
 * needed. Returns NULL with err on failure. Nothing runs until load_start. */
struct load *load_new(const struct scenario *sc, uint32_t ipv4_loopback, uint16_t port, char *err);

/* Open loop: the schedule timer ticks at most once per quantum_us (default 250 us); each tick
 * sends every request due by then, so a request goes out at most one quantum after its
 * intended time, which corrected latency includes. 0: a tick for every request. Call before
 * load_start; closed loop ignores it. */
void load_set_send_quantum(struct load *l, uint64_t quantum_us);

/* Start the event-loop threads; the load phase lasts sc->duration_us and then stops by
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
