/* merge_limit.c -- `logjam merge` of the shards of `logjam limit` with [sweep]: every
 * variant's limit.json read back and the one table, limit.json and limit.csv written by the
 * capacity search's own code. */
#include "merge_limit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_limit.h"
#include "limit_mode.h"
#include "util.h"

/* The scenario as far as the variants' table needs it, from the shards' spec. */
static void spec_scenario(const json_t *spec, struct scenario *sc)
{
    const char *path = json_string_value(json_object_get(spec, "scenario"));
    const char *name = json_string_value(json_object_get(spec, "name"));
    const char *axis = json_string_value(json_object_get(spec, "axis"));
    memset(sc, 0, sizeof *sc);
    snprintf(sc->path, sizeof sc->path, "%s", path ? path : "?");
    snprintf(sc->name, sizeof sc->name, "%s", name ? name : "?");
    sc->limit_axis =
        axis && strcmp(axis, "load.connections") == 0 ? LIMIT_AXIS_CONNECTIONS : LIMIT_AXIS_RATE;
    sc->limit_min.v = json_number_value(json_object_get(spec, "min"));
    sc->limit_headroom = json_number_value(json_object_get(spec, "headroom"));
    sc->rate = json_number_value(json_object_get(spec, "rate"));
    sc->connections = (unsigned)json_integer_value(json_object_get(spec, "connections"));
}

static enum limit_mode mode_of(const char *name)
{
    for (int m = LIMIT_MODE_NONE; m <= LIMIT_MODE_OTHER; m++)
        if (name && strcmp(name, limit_mode_name((enum limit_mode)m)) == 0)
            return (enum limit_mode)m;
    return LIMIT_MODE_NONE;
}

/* Variant v's row from out/<dir>/limit.json; a harness error when it cannot be read. */
static void read_row(const struct merge_variant *v, const char *out, struct limit_variant *row)
{
    char path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN];
    json_error_t je;
    memset(row, 0, sizeof *row);
    row->index = v->index;
    snprintf(row->label, sizeof row->label, "%s", v->label);
    snprintf(row->dir, sizeof row->dir, "%s", v->dir);
    snprintf(path, sizeof path, "%.2000s/%.511s/limit.json", out, v->dir);
    row->js = json_load_file(path, 0, &je);
    const json_t *knee = json_object_get(row->js, "knee");
    const json_t *cost = json_object_get(row->js, "cost");
    if (!json_is_object(knee)) {
        fprintf(stderr, "logjam: merge: %s: %s\n", path, row->js ? "no knee" : je.text);
        row->exit_code = LJ_EXIT_HARNESS;
        row->own = NAN;
        return;
    }
    row->res.has_low = json_is_number(json_object_get(knee, "low"));
    row->res.low = json_number_value(json_object_get(knee, "low"));
    row->res.has_high = json_is_number(json_object_get(knee, "high"));
    row->res.high = json_number_value(json_object_get(knee, "high"));
    row->res.confirmed = json_is_true(json_object_get(knee, "confirmed"));
    row->res.precision = json_number_value(json_object_get(knee, "precision"));
    row->res.mode = mode_of(json_string_value(json_object_get(knee, "mode")));
    const json_t *own = json_object_get(row->js, "scenario_value");
    row->own = json_is_number(own) ? json_number_value(own) : NAN;
    row->ntrials = (size_t)json_integer_value(json_object_get(cost, "trials"));
    row->node_s = json_number_value(json_object_get(cost, "node_seconds"));
    row->exit_code = (int)json_integer_value(json_object_get(row->js, "exit_code"));
    const json_t *gate = json_object_get(row->js, "gate");
    row->has_gate = json_is_object(gate);
    row->gate_ok = json_is_true(json_object_get(gate, "ok"));
    row->gate_threshold = json_number_value(json_object_get(gate, "threshold"));
}

int merge_limit(const struct merge_set *set, const char *out, const char *report, const char *junit)
{
    static struct limit_variant rows[SWEEP_MAX_VARIANTS];
    struct scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        fprintf(stderr, "logjam: out of memory\n");
        return LJ_EXIT_HARNESS;
    }
    spec_scenario(set->spec, sc);
    for (unsigned i = 0; i < set->nv; i++)
        read_row(&set->v[i], out, &rows[i]);
    int code = cmd_limit_merged(sc, set->total, out, report, junit, rows, set->nv);
    for (unsigned i = 0; i < set->nv; i++)
        json_decref(rows[i].js);
    free(sc);
    return code;
}
