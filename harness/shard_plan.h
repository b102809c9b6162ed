/* shard_plan.h -- a shard's share of a sweep's variants, by name: the --dry-run listing and
 * the variants a manifest plans. */
#ifndef LJ_SHARD_PLAN_H
#define LJ_SHARD_PLAN_H

#include <jansson.h>
#include <stdio.h>

#include "scenario.h"
#include "shard.h"

/* --dry-run: "logjam CMD PATH: shard i/n runs k of n variants (the rule)", one line per
 * variant of shard s among the n of base ("  NN label"), and the spec hash, on f. Returns 0,
 * or -1 with err when a variant cannot be made (checked before: cannot happen). */
int shard_plan_print(FILE *f, const char *cmd, const struct scenario *base, unsigned n,
                     const struct shard *s, const char *hash, char *err);

/* The variants of shard s among the n of base as manifest entries (runs 0). Caller owns;
 * NULL when a variant cannot be made or on out-of-memory. */
json_t *shard_plan_variants(const struct scenario *base, unsigned n, const struct shard *s);

#endif
