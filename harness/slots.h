/* slots.h -- the in-node sampler's slots: sequence numbers to missed samples, the node's
 * clock to the run's (pure accounting, no I/O). */
#ifndef LJ_SLOTS_H
#define LJ_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

/* The node's clock on the run's: node time node_t0_ms was run time run_t0_us (measured once,
 * when the sampler started); slot Seq is due at node_t0_ms + Seq * interval_ms. Both clocks
 * are monotonic on one machine, so one offset holds for the run. */
struct slots {
    int64_t node_t0_ms;
    uint64_t run_t0_us;
    uint64_t interval_ms;
    int64_t last_seq; /* the newest sequence number received; 0 before the first */
    uint64_t received, missed;
};

/* Start the accounting: node_t0_ms is what the node said when the sampler started, and
 * before_us/after_us the run's clock around that call (the node's answer is taken to be
 * halfway). interval_ms > 0. */
void slots_init(struct slots *s, int64_t node_t0_ms, uint64_t before_us, uint64_t after_us,
                uint64_t interval_ms);

/* Node time node_ms on the run's clock (microseconds since the run started); 0 for a time
 * before the run started. */
uint64_t slots_at_us(const struct slots *s, int64_t node_ms);

/* Account for the sample of slot seq: returns how many slots before it are missing (0 in
 * order), or -1 for a seq at or below one already received (a duplicate or a reordered
 * sample, to be ignored). The first slot is 1. */
int64_t slots_note(struct slots *s, int64_t seq);

/* At the end, the slots due by run time now_us that never arrived after the last one
 * received (the slot in flight is not counted); adds them to missed and returns them. */
uint64_t slots_finish(struct slots *s, uint64_t now_us);

#endif
