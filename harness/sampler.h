/* sampler.h -- the sampler: the node's own sampler (logjam_sampler) streams samples taken on
 * its clock; a thread of ours receives them into the run's series and samples.csv. */
#ifndef LJ_SAMPLER_H
#define LJ_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "load.h"
#include "node.h"
#include "sample.h"
#include "series.h"
#include "util.h"

struct sampler;

/* What a stopped sampler leaves: samples that never arrived (missing sequence numbers, up to
 * the slot due when it stopped), and whether samples were lost (samples.csv could not be
 * written; csv_error says why). */
struct sampler_end {
    uint64_t missed;
    bool csv_failed;
    char csv_error[LJ_ERR_LEN];
};

/* Start the node's sampler, every interval_us on the node's clock (a probe connection of its
 * own, one rpc), and receive its samples: each is stamped with when the node took it (at_us
 * since t0_us: node time mapped onto our clock with one offset measured at the start), the
 * phase and the load's counters at arrival, added to series and written as a flushed row of
 * csv (NULL: none). series and csv stay the caller's and must outlive sampler_stop; read
 * series only between sampler_hold and sampler_release. Returns the sampler, or NULL with err
 * (no probe connection, the node's sampler did not start, no thread). */
struct sampler *sampler_start(struct node *node, uint64_t interval_us, uint64_t t0_us,
                              struct series *series, FILE *csv, char *err);

/* The phase stamped on the samples from now on (PHASE_BASELINE at the start). */
void sampler_set_phase(struct sampler *s, enum phase ph);

/* The load whose counters go into every sample from now on (not owned; NULL: none). It must
 * outlive sampler_stop. */
void sampler_set_load(struct sampler *s, struct load *load);

/* The latest sample into *out. Returns false while there is none yet. */
bool sampler_last(struct sampler *s, struct sample *out);

/* Whether the connection to the node was lost (the sampler has ended); why gets the reason
 * (LJ_ERR_LEN bytes). */
bool sampler_lost(struct sampler *s, char *why);

/* Hold the samples still: returns the series, to which nothing is added until
 * sampler_release, and *missed, the samples missing so far (sequence gaps). */
const struct series *sampler_hold(struct sampler *s, uint64_t *missed);
void sampler_release(struct sampler *s);

/* Stop the thread and the node's sampler, close the probe connection, fill *end and free s.
 * s NULL: nothing. */
void sampler_stop(struct sampler *s, struct sampler_end *end);

#endif
