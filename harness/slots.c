/* slots.c -- the in-node sampler's slots: sequence numbers to missed samples, the node's
 * clock to the run's. */
#include "slots.h"

void slots_init(struct slots *s, int64_t node_t0_ms, uint64_t before_us, uint64_t after_us,
                uint64_t interval_ms)
{
    *s = (struct slots){.node_t0_ms = node_t0_ms,
                        .run_t0_us = before_us + (after_us - before_us) / 2,
                        .interval_ms = interval_ms ? interval_ms : 1};
}

uint64_t slots_at_us(const struct slots *s, int64_t node_ms)
{
    int64_t d_us = (node_ms - s->node_t0_ms) * 1000;
    if (d_us < 0 && (uint64_t)-d_us > s->run_t0_us)
        return 0;
    return d_us < 0 ? s->run_t0_us - (uint64_t)-d_us : s->run_t0_us + (uint64_t)d_us;
}

int64_t slots_note(struct slots *s, int64_t seq)
{
    if (seq <= s->last_seq)
        return -1;
    int64_t gap = seq - s->last_seq - 1;
    s->last_seq = seq;
    s->received++;
    s->missed += (uint64_t)gap;
    return gap;
}

uint64_t slots_finish(struct slots *s, uint64_t now_us)
{
    if (now_us <= s->run_t0_us)
        return 0;
    int64_t due = (int64_t)((now_us - s->run_t0_us) / 1000 / s->interval_ms);
    int64_t tail = due - s->last_seq - 1; /* the slot just due may still be on its way */
    if (tail <= 0)
        return 0;
    s->missed += (uint64_t)tail;
    s->last_seq += tail;
    return (uint64_t)tail;
}
