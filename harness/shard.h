/* shard.h -- one sweep split across machines: "--shard i/n" (or LOGJAM_SHARD), which variants
 * shard i of n runs, the spec hash all shards of one sweep share, and whether a set of shards
 * makes one whole sweep. */
#ifndef LJ_SHARD_H
#define LJ_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#ifndef LJ_VERSION
#define LJ_VERSION "dev"
#endif

#define SHARD_MAX_COUNT 1000     /* n of --shard i/n */
#define SHARD_HASH_LEN 72        /* "sha256:" + 64 hex digits + NUL */
#define SHARD_DIR_LEN 1024       /* a shard's output directory as given to merge */
#define SHARD_ENV "LOGJAM_SHARD" /* read when --shard is not given */

/* Shard index (1-based) of count; count 0: not sharded (every variant). */
struct shard {
    unsigned index, count;
};

/* "i/n" (whole numbers, 1 <= i <= n <= SHARD_MAX_COUNT) -> out. what names the source in
 * the error ("--shard" or "LOGJAM_SHARD"). Returns 0, or -1 with err "WHAT ARG: expected ...". */
int shard_parse(const char *what, const char *arg, struct shard *out, char *err);

/* The shard to run: flag (--shard's value) when not NULL, else LOGJAM_SHARD when set and not
 * empty, else none (count 0). Returns 0, or -1 with err naming the bad value. */
int shard_resolve(const char *flag, struct shard *out, char *err);

/* Whether variant v (0-based, in the full list's order) is shard s's: round-robin, variant v
 * goes to shard (v mod n) + 1. Every variant when s is not sharded. */
bool shard_has(const struct shard *s, unsigned v);

/* How many of nvariants variants shard s runs. */
unsigned shard_size(const struct shard *s, unsigned nvariants);

/* What a sweep's shards must agree on, hashed in a canonical form (each field length-
 * prefixed, in this order): kind, logjam version, the scenario file's bytes, every --set and
 * --vary value in order, repeat, and extra (the command's other options, canonical text). */
struct shard_spec {
    const char *kind; /* "sweep" or "limit" */
    const char *version;
    const char *scenario; /* the file's bytes */
    size_t scenario_len;
    const char *const *sets;
    unsigned nsets;
    const char *const *vary;
    unsigned nvary;
    unsigned repeat;
    const char *extra; /* "" for none */
};

/* "sha256:<64 hex>" of spec's canonical form into out (OpenSSL's libcrypto). Returns 0, or -1
 * with err. */
int shard_spec_hash(const struct shard_spec *spec, char out[SHARD_HASH_LEN], char *err);

/* Like shard_spec_hash with spec->scenario read from path. Returns 0, or -1 with err. */
int shard_spec_hash_file(struct shard_spec *spec, const char *path, char out[SHARD_HASH_LEN],
                         char *err);

/* What a shard's manifest says about which part of which sweep it is. */
struct shard_info {
    char dir[SHARD_DIR_LEN];
    char kind[8];
    char hash[SHARD_HASH_LEN];
    struct shard shard;
    bool finished; /* it has an end time */
};

/* Whether the n shards make one whole sweep: one kind, one shard count, one spec hash (the
 * one most of them have), each index once, every index there, each finished. Returns 0, or -1
 * with err: one line naming the offending directory or the missing index. */
int shard_set_check(const struct shard_info *s, size_t n, char *err);

#endif
