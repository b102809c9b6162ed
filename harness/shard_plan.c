/* shard_plan.c -- a shard's share of a sweep's variants, by name: the --dry-run listing and
 * the variants a manifest plans. */
#include "shard_plan.h"

#include <stdlib.h>

#include "shard_manifest.h"
#include "sweep.h"
#include "util.h"

int shard_plan_print(FILE *f, const char *cmd, const struct scenario *base, unsigned n,
                     const struct shard *s, const char *hash, char *err)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    struct scenario *tmp = malloc(sizeof *tmp);
    if (!tmp) {
        lj_err(err, "out of memory");
        return -1;
    }
    if (n == 0)
        fprintf(f, "logjam %s %s: one search (no [sweep])\n", cmd, base->path);
    else if (s->count)
        fprintf(f,
                "logjam %s %s: shard %u/%u runs %u of %u variants (round-robin: variant k goes "
                "to shard (k-1) mod %u + 1)\n",
                cmd, base->path, s->index, s->count, shard_size(s, n), n, s->count);
    else
        fprintf(f, "logjam %s %s: %u variants\n", cmd, base->path, n);
    for (unsigned v = 0; v < n; v++) {
        if (!shard_has(s, v))
            continue;
        if (sweep_variant(base, v, n, tmp, label, sizeof label, dir, sizeof dir, err) != 0) {
            free(tmp);
            return -1;
        }
        fprintf(f, "  %02u %s\n", v + 1, label);
    }
    fprintf(f, "spec %s\n", hash);
    free(tmp);
    return 0;
}

json_t *shard_plan_variants(const struct scenario *base, unsigned n, const struct shard *s)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN], err[LJ_ERR_LEN];
    struct scenario *tmp = malloc(sizeof *tmp);
    json_t *list = json_array();
    for (unsigned v = 0; tmp && list && v < n; v++) {
        if (!shard_has(s, v))
            continue;
        if (sweep_variant(base, v, n, tmp, label, sizeof label, dir, sizeof dir, err) != 0) {
            json_decref(list);
            list = NULL;
            break;
        }
        json_array_append_new(list, shard_manifest_variant(v + 1, label, dir, 0));
    }
    free(tmp);
    if (!tmp) {
        json_decref(list);
        return NULL;
    }
    return list;
}
