/* merge.h -- `logjam merge`'s input: every shard's manifest read and checked as one whole
 * sweep (or capacity search), their variants in the full list's order, and the variants'
 * directories copied into the merged output. */
#ifndef LJ_MERGE_H
#define LJ_MERGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "shard.h"
#include "sweep.h"

#define MERGE_MAX_SHARDS SHARD_MAX_COUNT

/* One variant, as its shard's manifest lists it. */
struct merge_variant {
    unsigned index; /* 1-based, in the full list */
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    unsigned runs; /* runs (sweep) or trials (limit) made */
    size_t shard;  /* which of the set's shards ran it */
};

/* The shards given, checked. */
struct merge_set {
    size_t n;
    json_t **m;              /* each shard's manifest (owned) */
    struct shard_info *info; /* and what it says, in the order given */
    struct merge_variant *v; /* every variant that started, by index */
    unsigned nv, total;      /* variants that started; in the full list */
    const char *kind;        /* "sweep" or "limit" */
    const json_t *spec;      /* what the command was (shard 1's) */
    bool interrupted;        /* some shard was */
    double elapsed_s;        /* the shards' times added up */
};

/* Read DIR/shard.json of the n dirs and check that they make one whole sweep (shard_set_check)
 * and that every variant is listed by its own shard, once, with a plain directory name.
 * Returns 0, or -1 with err: one line naming the offending directory or index. merge_free
 * frees set either way. */
int merge_load(struct merge_set *set, char *const *dirs, size_t n, char *err);

void merge_free(struct merge_set *set);

/* Each variant's directory, from its shard's directory into out (hard links where the file
 * system allows, else copies; a directory that is already the same is left alone). Returns 0,
 * or -1 with err. */
int merge_copy(const struct merge_set *set, const char *out, char *err);

/* The host name of the machine variant v ran on. */
const char *merge_host(const struct merge_set *set, const struct merge_variant *v);

/* The merged output's provenance: spec_hash and shards (index, dir, machine, started, ended,
 * elapsed, exit_code, interrupted each), as keys of a new object. Caller owns. */
json_t *merge_provenance(const struct merge_set *set);

/* --dry-run: the shards and the variants a merge would put together, on f. */
void merge_print(FILE *f, const struct merge_set *set);

#endif
