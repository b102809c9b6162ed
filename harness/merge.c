/* merge.c -- `logjam merge`'s input: every shard's manifest read and checked as one whole
 * sweep (or capacity search), their variants in the full list's order, and the variants'
 * directories copied into the merged output. */
#include "merge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shard_manifest.h"
#include "util.h"

void merge_free(struct merge_set *set)
{
    for (size_t i = 0; set->m && i < set->n; i++)
        json_decref(set->m[i]);
    free(set->m);
    free(set->info);
    free(set->v);
    memset(set, 0, sizeof *set);
}

/* A variant directory name merge may join to a path: not empty, no '/', not "." or "..". */
static bool plain_name(const char *d)
{
    return d[0] && !strchr(d, '/') && strcmp(d, ".") != 0 && strcmp(d, "..") != 0;
}

/* Shard k's variants into set->v. Returns 0, or -1 with err. */
static int add_variants(struct merge_set *set, size_t k, char *err)
{
    const struct shard_info *in = &set->info[k];
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(set->m[k], "variants"), i, e)
    {
        json_int_t index = json_integer_value(json_object_get(e, "index"));
        const char *label = json_string_value(json_object_get(e, "variant"));
        const char *dir = json_string_value(json_object_get(e, "dir"));
        if (index < 1 || index > set->total || !label || !dir || !plain_name(dir) ||
            (unsigned)(index - 1) % in->shard.count != in->shard.index - 1) {
            lj_err(err, "%s: variant %d of %u in its shard.json is not shard %u/%u's", in->dir,
                   (int)index, set->total, in->shard.index, in->shard.count);
            return -1;
        }
        struct merge_variant *v = &set->v[set->nv++];
        memset(v, 0, sizeof *v);
        v->index = (unsigned)index;
        snprintf(v->label, sizeof v->label, "%s", label);
        snprintf(v->dir, sizeof v->dir, "%s", dir);
        v->runs = (unsigned)json_integer_value(json_object_get(e, "runs"));
        v->shard = k;
    }
    set->interrupted = set->interrupted || json_is_true(json_object_get(set->m[k], "interrupted"));
    set->elapsed_s += json_number_value(json_object_get(set->m[k], "elapsed"));
    return 0;
}

static int by_index(const void *a, const void *b)
{
    const struct merge_variant *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

int merge_load(struct merge_set *set, char *const *dirs, size_t n, char *err)
{
    memset(set, 0, sizeof *set);
    if (n > MERGE_MAX_SHARDS) {
        lj_err(err, "%zu directories: at most %d shards", n, MERGE_MAX_SHARDS);
        return -1;
    }
    set->m = calloc(n ? n : 1, sizeof *set->m);
    set->info = calloc(n ? n : 1, sizeof *set->info);
    if (!set->m || !set->info) {
        lj_err(err, "out of memory");
        return -1;
    }
    for (set->n = 0; set->n < n; set->n++)
        if (shard_manifest_read(dirs[set->n], &set->m[set->n], &set->info[set->n], err) != 0)
            return -1;
    if (shard_set_check(set->info, n, err) != 0)
        return -1;
    set->kind = set->info[0].kind;
    for (size_t k = 0; k < n; k++) /* shard 1's: its --sort orders the table */
        if (set->info[k].shard.index == 1)
            set->spec = json_object_get(set->m[k], "spec");
    set->total = (unsigned)json_integer_value(json_object_get(set->m[0], "variants_total"));
    if (set->total > SWEEP_MAX_VARIANTS || !(set->v = calloc(set->total + 1, sizeof *set->v))) {
        lj_err(err, "%s: %u variants: at most %d", dirs[0], set->total, SWEEP_MAX_VARIANTS);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        if (json_array_size(json_object_get(set->m[k], "variants")) > set->total - set->nv) {
            lj_err(err, "%s: more variants than the sweep has", dirs[k]);
            return -1;
        }
        if (add_variants(set, k, err) != 0)
            return -1;
    }
    qsort(set->v, set->nv, sizeof *set->v, by_index);
    for (unsigned i = 1; i < set->nv; i++)
        if (set->v[i].index == set->v[i - 1].index) {
            lj_err(err, "%s: variant %u listed twice", set->info[set->v[i].shard].dir,
                   set->v[i].index);
            return -1;
        }
    return 0;
}

/* Copy (or hard-link) one regular file over to (replaced, never written through: it may be a
 * link to the file of an earlier merge). Returns 0, or -1 with errno set. */
static int copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t k = 0;
    if (unlink(to) != 0 && errno != ENOENT)
        return -1;
    if (link(from, to) == 0)
        return 0;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    while (out >= 0 && (k = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)k) != k) {
            k = -1;
            break;
        }
    int saved = errno, rc = in < 0 || out < 0 || k < 0 ? -1 : 0;
    if (out >= 0 && close(out) != 0)
        rc = -1;
    if (in >= 0)
        close(in);
    errno = saved;
    return rc;
}

/* Copy the tree from into to (created). Returns 0, or -1 with err. */
static int copy_tree(const char *from, const char *to, char *err)
{
    char a[4096], b[4096];
    struct stat st;
    struct dirent *e;
    DIR *d = opendir(from);
    int rc = 0;
    if (!d || (mkdir(to, 0755) != 0 && errno != EEXIST)) {
        lj_err(err, "cannot copy %s to %s: %s", from, to, strerror(errno));
        if (d)
            closedir(d);
        return -1;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(a, sizeof a, "%.2000s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%.2000s/%s", to, e->d_name);
        if (lstat(a, &st) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = copy_tree(a, b, err);
        else if (S_ISREG(st.st_mode) && copy_file(a, b) != 0)
            rc = -1;
        if (rc != 0 && errno)
            lj_err(err, "cannot copy %s to %s: %s", a, b, strerror(errno));
    }
    closedir(d);
    return rc;
}

int merge_copy(const struct merge_set *set, const char *out, char *err)
{
    char from[4096], to[4096];
    struct stat s1, s2;
    for (unsigned i = 0; i < set->nv; i++) {
        const struct merge_variant *v = &set->v[i];
        snprintf(from, sizeof from, "%.2000s/%s", set->info[v->shard].dir, v->dir);
        snprintf(to, sizeof to, "%.2000s/%s", out, v->dir);
        if (stat(from, &s1) != 0)
            continue; /* read back as a variant that did not run */
        if (stat(to, &s2) == 0 && s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino)
            continue; /* merged into the shard's own directory */
        errno = 0;
        if (copy_tree(from, to, err) != 0)
            return -1;
    }
    return 0;
}

const char *merge_host(const struct merge_set *set, const struct merge_variant *v)
{
    return shard_manifest_host(set->m[v->shard]);
}

json_t *merge_provenance(const struct merge_set *set)
{
    json_t *shards = json_array();
    for (size_t k = 0; k < set->n; k++) { /* by index: shard_set_check made them 1..n */
        size_t at = 0;
        while (at + 1 < set->n && set->info[at].shard.index != k + 1)
            at++;
        const json_t *m = set->m[at];
        json_array_append_new(
            shards,
            json_pack("{s:i, s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "index",
                      set->info[at].shard.index, "dir", set->info[at].dir, "machine",
                      json_object_get(m, "machine"), "started", json_object_get(m, "started"),
                      "ended", json_object_get(m, "ended"), "elapsed",
                      json_object_get(m, "elapsed"), "exit_code", json_object_get(m, "exit_code"),
                      "interrupted", json_object_get(m, "interrupted")));
    }
    return json_pack("{s:s, s:o}", "spec_hash", set->info[0].hash, "shards", shards);
}

void merge_print(FILE *f, const struct merge_set *set)
{
    fprintf(f, "logjam merge: %zu shards of %s %s (spec %s): %u of %u variants%s\n", set->n,
            set->kind, json_string_value(json_object_get(set->spec, "scenario")), set->info[0].hash,
            set->nv, set->total, set->interrupted ? " (interrupted)" : "");
    for (unsigned i = 0; i < set->nv; i++) {
        const struct merge_variant *v = &set->v[i];
        const struct shard_info *in = &set->info[v->shard];
        fprintf(f, "  %02u %s  (shard %u/%u, %s, on %s)\n", v->index, v->label, in->shard.index,
                in->shard.count, in->dir, merge_host(set, v));
    }
}
