/* sample.h -- one decoded snapshot of the target node at one instant (plain data). */
#ifndef LJ_SAMPLE_H
#define LJ_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "load.h"

enum phase { PHASE_BASELINE = 0, PHASE_LOAD, PHASE_RECOVERY, PHASE_COUNT };

enum logger_mode {
    MODE_UNDEFINED = 0, /* no logger, or not known */
    MODE_ASYNC,
    MODE_SYNC,
    MODE_DROP,
    MODE_FLUSH,
    MODE_KILLED,
};

struct sample {
    uint64_t at_us; /* when the node took it, on the run's clock: us since the run started */
    int64_t t_ms;   /* node monotonic time, ms */
    enum phase phase;

    int64_t process_count, process_limit;
    uint64_t mem_total, mem_processes, mem_binary, mem_ets, mem_atom, mem_code, mem_system;
    int64_t run_queue;
    uint64_t reductions;

    enum logger_mode logger_mode;
    int64_t logger_queue, logger_switches, logger_written, logger_dropped, logger_kills;

    int64_t pool_busy;
    int64_t connections;

    struct load_counters load; /* the load generator's counters when the sample arrived */

    int64_t port_count, port_limit; /* open ports (sockets, files, drivers), the node's limit */

    int64_t logger_queue_age; /* ms since the logger's values (logger_*) were read */
    uint64_t samples_dropped; /* samples the node's sampler dropped so far (busy dist buffer) */
};

const char *sample_mode_name(enum logger_mode m);
const char *sample_phase_name(enum phase p);

#endif
