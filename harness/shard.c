/* shard.c -- one sweep split across machines: "--shard i/n" (or LOGJAM_SHARD), which variants
 * shard i of n runs, the spec hash all shards of one sweep share, and whether a set of shards
 * makes one whole sweep. */
#include "shard.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A whole number from s up to the end or stop; -1 when there is none. */
static long whole(const char *s, const char *stop)
{
    char *end = NULL;
    if (s == stop || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || end != stop ? -1 : v;
}

int shard_parse(const char *what, const char *arg, struct shard *out, char *err)
{
    const char *slash = strchr(arg, '/');
    long i = slash ? whole(arg, slash) : -1;
    long n = slash ? whole(slash + 1, slash + 1 + strlen(slash + 1)) : -1;
    if (i < 1 || n < 1 || i > n || n > SHARD_MAX_COUNT) {
        lj_err(err, "%s %.100s: expected i/n, whole numbers with 1 <= i <= n <= %d (like 2/3)",
               what, arg, SHARD_MAX_COUNT);
        return -1;
    }
    out->index = (unsigned)i;
    out->count = (unsigned)n;
    return 0;
}

int shard_resolve(const char *flag, struct shard *out, char *err)
{
    const char *env = getenv(SHARD_ENV);
    out->index = out->count = 0;
    if (flag)
        return shard_parse("--shard", flag, out, err);
    if (env && *env)
        return shard_parse(SHARD_ENV, env, out, err);
    return 0;
}

bool shard_has(const struct shard *s, unsigned v)
{
    return s->count == 0 || v % s->count == s->index - 1;
}

unsigned shard_size(const struct shard *s, unsigned nvariants)
{
    unsigned k = 0;
    for (unsigned v = 0; v < nvariants; v++)
        k += shard_has(s, v);
    return k;
}

/* "name LEN\n" then the bytes and "\n": no field can run into the next. */
static void field(FILE *f, const char *name, const char *bytes, size_t len)
{
    fprintf(f, "%s %zu\n", name, len);
    fwrite(bytes, 1, len, f);
    fputc('\n', f);
}

int shard_spec_hash(const struct shard_spec *spec, char out[SHARD_HASH_LEN], char *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    char *text = NULL, repeat[32];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        lj_err(err, "spec hash: out of memory");
        return -1;
    }
    fputs("logjam-spec 1\n", f);
    field(f, "kind", spec->kind, strlen(spec->kind));
    field(f, "version", spec->version, strlen(spec->version));
    field(f, "scenario", spec->scenario, spec->scenario_len);
    for (unsigned i = 0; i < spec->nsets; i++)
        field(f, "set", spec->sets[i], strlen(spec->sets[i]));
    for (unsigned i = 0; i < spec->nvary; i++)
        field(f, "vary", spec->vary[i], strlen(spec->vary[i]));
    snprintf(repeat, sizeof repeat, "%u", spec->repeat);
    field(f, "repeat", repeat, strlen(repeat));
    field(f, "extra", spec->extra, strlen(spec->extra));
    int rc = fclose(f) == 0 && EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) == 1 ? 0 : -1;
    free(text);
    if (rc != 0 || mdlen != 32) {
        lj_err(err, "spec hash: SHA-256 failed");
        return -1;
    }
    strcpy(out, "sha256:");
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    return 0;
}

int shard_spec_hash_file(struct shard_spec *spec, const char *path, char out[SHARD_HASH_LEN],
                         char *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *in = fopen(path, "rb"), *mem = open_memstream(&text, &len);
    char buf[8192];
    size_t k;
    int rc = -1;
    if (!in || !mem) {
        lj_err(err, "%s: %s", path, in ? "out of memory" : strerror(errno));
        goto out;
    }
    while ((k = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, k, mem);
    if (ferror(in)) {
        lj_err(err, "%s: cannot read it", path);
        goto out;
    }
    fclose(mem);
    mem = NULL;
    spec->scenario = text;
    spec->scenario_len = len;
    rc = shard_spec_hash(spec, out, err);
    spec->scenario = NULL;
out:
    if (mem)
        fclose(mem);
    if (in)
        fclose(in);
    free(text);
    return rc;
}

/* The hash most of the n shards have (the first of them on a tie). */
static const char *majority_hash(const struct shard_info *s, size_t n)
{
    size_t best = 0, best_count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;
        for (size_t k = 0; k < n; k++)
            count += strcmp(s[k].hash, s[i].hash) == 0;
        if (count > best_count)
            best = i, best_count = count;
    }
    return s[best].hash;
}

/* Same kind, shard count and spec hash as the reference. Returns 0, or -1 with err. */
static int check_alike(const struct shard_info *s, size_t n, char *err)
{
    const char *hash = majority_hash(s, n);
    for (size_t i = 1; i < n; i++)
        if (strcmp(s[i].kind, s[0].kind) != 0) {
            lj_err(err, "%s: a %s shard, but %s is a %s shard: merge one kind at a time", s[i].dir,
                   s[i].kind, s[0].dir, s[0].kind);
            return -1;
        }
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].hash, hash) != 0) {
            lj_err(err,
                   "%s: shard %u/%u of another spec (%.19s..., the others %.19s...): a different "
                   "scenario, option or logjam version",
                   s[i].dir, s[i].shard.index, s[i].shard.count, s[i].hash, hash);
            return -1;
        }
    for (size_t i = 1; i < n; i++)
        if (s[i].shard.count != s[0].shard.count) {
            lj_err(err, "%s: shard %u/%u, but %s is shard %u/%u: one split at a time", s[i].dir,
                   s[i].shard.index, s[i].shard.count, s[0].dir, s[0].shard.index,
                   s[0].shard.count);
            return -1;
        }
    return 0;
}

int shard_set_check(const struct shard_info *s, size_t n, char *err)
{
    if (n == 0) {
        lj_err(err, "no shard directories given");
        return -1;
    }
    if (check_alike(s, n, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < i; k++)
            if (s[k].shard.index == s[i].shard.index) {
                lj_err(err, "%s: shard %u/%u again (also %s): give each shard once", s[i].dir,
                       s[i].shard.index, s[i].shard.count, s[k].dir);
                return -1;
            }
        if (!s[i].finished) {
            lj_err(err,
                   "%s: shard %u/%u did not finish (no end time in its shard.json): run it "
                   "again",
                   s[i].dir, s[i].shard.index, s[i].shard.count);
            return -1;
        }
    }
    for (unsigned want = 1; want <= s[0].shard.count; want++) {
        size_t i = 0;
        while (i < n && s[i].shard.index != want)
            i++;
        if (i == n) {
            lj_err(err, "shard %u/%u is missing (%zu of %u shards given)", want, s[0].shard.count,
                   n, s[0].shard.count);
            return -1;
        }
    }
    return 0;
}
