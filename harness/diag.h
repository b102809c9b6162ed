/* diag.h -- when the run takes a diagnosis of the node (peak, diagnose_at, SIGUSR1, the safety
 * cap), at most three, over one probe connection kept alive for it. */
#ifndef LJ_DIAG_H
#define LJ_DIAG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "node.h"
#include "sample.h"
#include "scenario.h"

struct diag;

/* Diagnoses for a run of sc (its diagnose_at decides the trigger); quiet: no "diagnosing..."
 * line and no report of a "peak" diagnosis on stderr. Returns NULL when out of memory. */
struct diag *diag_new(const struct scenario *sc, bool quiet);

/* Open the connection to node now, before the load opens its sockets (libei needs file
 * descriptors below FD_SETSIZE); without it a diagnosis opens its own, or is not taken. */
void diag_connect(struct diag *d, struct node *node);

/* Take a diagnosis now (why: "peak", "SIGUSR1", "safety cap", the diagnose_at text; at_us:
 * since the run started) unless the most have been taken; it replaces the one kept. A
 * failure is one line on stderr. On a [target] the scan has a 2 s budget, and above
 * diagnose_max_processes (the last sample's count) only SIGUSR1 or diagnose_force takes it
 * (a line on stderr says so, once). */
void diag_take(struct diag *d, const char *why, uint64_t at_us);

/* Note last (NULL: no sample yet) and, for diagnose_at = METRIC OP VALUE, take the diagnosis
 * the first time it meets it. Call it every tick. */
void diag_trigger(struct diag *d, const struct sample *last, uint64_t at_us);

/* How long after the load's start "peak" (diagnose_at = peak, the default) is taken: near the
 * end of the load, while it still runs. UINT64_MAX when diagnose_at is not peak. */
uint64_t diag_peak_after_us(const struct diag *d);

/* The load ended before its peak (Ctrl-C) or took none: diagnose what is there, unless
 * diagnose_at = never or one was taken. */
void diag_if_none(struct diag *d, uint64_t at_us);

/* Diagnoses taken so far. */
int diag_taken(const struct diag *d);

/* Keep the connection open: an idle one is dropped by the node after net_ticktime, so a cheap
 * call goes out when it has been idle a while. Call it every tick. */
void diag_keepalive(struct diag *d);

/* The diagnosis kept (the last one taken; borrowed, valid until diag_free), or NULL. */
const json_t *diag_doc(const struct diag *d);

/* Close the connection and free d (NULL: nothing). */
void diag_free(struct diag *d);

#endif
