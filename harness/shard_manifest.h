/* shard_manifest.h -- a shard's manifest, shard.json in its output directory: which part of
 * which sweep it is, its variants, the machine and when; written as the shard starts and
 * again as it ends, read back and checked by `logjam merge`. */
#ifndef LJ_SHARD_MANIFEST_H
#define LJ_SHARD_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>

#include "shard.h"

#define SHARD_MANIFEST "shard.json"

/* The manifest of a shard starting now (docs/DESIGN.md's schema): kind ("sweep" or "limit"),
 * spec_hash, shard {index, count} (1/1 when s is not sharded), variants_total, the machine
 * (hostname, cores, memory, otp_release), started, logjam_version, spec (stolen: what merge
 * needs to rebuild the table), variants (stolen: shard_manifest_variant objects), ended null.
 * Caller owns; NULL on out-of-memory. */
json_t *shard_manifest_new(const char *kind, const char *hash, const struct shard *s,
                           unsigned nvariants, json_t *spec, json_t *variants);

/* One variant: index (1-based, in the full list), variant (its label), dir, runs made. */
json_t *shard_manifest_variant(unsigned index, const char *label, const char *dir, unsigned runs);

/* The shard ended: variants (stolen) replace the planned ones, with exit_code, interrupted,
 * elapsed (seconds) and ended (now). */
void shard_manifest_end(json_t *m, json_t *variants, int exit_code, bool interrupted,
                        double elapsed_s);

/* Write m to dir/shard.json atomically. Returns 0, or -1 with err. */
int shard_manifest_write(const char *dir, const json_t *m, char *err);

/* Read dir/shard.json: the document into *out (caller owns) and what shard_set_check needs
 * into info. Returns 0, or -1 with err naming dir and what is wrong. */
int shard_manifest_read(const char *dir, json_t **out, struct shard_info *info, char *err);

/* The machine's display name in a manifest m (its hostname, "?" when absent). */
const char *shard_manifest_host(const json_t *m);

#endif
