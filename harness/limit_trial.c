/* limit_trial.c -- one trial of a capacity search: the scenario at one axis value (short or
 * full length), run on a fresh node with early stop, and what its summary says read back. */
#include "limit_trial.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "run.h"
#include "util.h"

int limit_trial_scenario(const struct scenario *base, const struct limit_trial *t,
                         struct scenario *out, char *err)
{
    *out = *base;
    if (base->limit_axis == LIMIT_AXIS_CONNECTIONS) {
        out->connections = (unsigned)t->value;
        if (out->threads > out->connections)
            out->threads = out->connections;
    } else {
        out->rate = t->value;
    }
    if (t->length == LIMIT_SHORT && base->limit_trial_us < base->duration_us) {
        out->ramp_us = (uint64_t)((double)base->ramp_us * (double)base->limit_trial_us /
                                  (double)base->duration_us);
        out->duration_us = base->limit_trial_us;
    }
    return scenario_validate(out, err);
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double num(const json_t *root, const char *metric, const char *key)
{
    const json_t *v =
        json_object_get(json_object_get(json_object_get(root, "metrics"), metric), key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The failure mode from the summary's numbers and its failed gates. */
static enum limit_mode classify(const struct scenario *sc, const char *summary,
                                const struct limit_trial_run *tr)
{
    const char *failed[SCENARIO_MAX_GATES];
    struct limit_mode_facts f = {0};
    json_t *root = json_load_file(summary, 0, NULL);
    if (!root)
        return LIMIT_MODE_OTHER;
    const json_t *gates = json_object_get(root, "gates"), *g;
    size_t i;
    json_array_foreach(gates, i, g)
    {
        if (!json_is_true(json_object_get(g, "ok")) && f.n_failed < SCENARIO_MAX_GATES)
            failed[f.n_failed++] = json_string_value(json_object_get(g, "metric"));
    }
    f.failed = failed;
    f.capped = strcmp(tr->r.verdict, "capped") == 0;
    f.baseline_processes = (int64_t)num(root, "processes", "baseline");
    f.peak_processes = (int64_t)tr->r.peak_processes;
    f.processes_slope = tr->tail.slope;
    f.sync_share = tr->tail.sync_share;
    f.recovered = tr->r.recovered;
    f.p99_s = tr->r.p99;
    for (unsigned k = 0; k < sc->ngates; k++)
        if (strcmp(sc->gates[k].metric, "latency") == 0)
            f.p99_gate_s = sc->gates[k].value;
    f.not_ok_share = isnan(tr->r.not_ok) ? 0 : tr->r.not_ok;
    f.dropped = isnan(tr->r.dropped) ? 0 : (int64_t)tr->r.dropped;
    f.kills = (int64_t)num(root, "logger.kills", "count");
    if (tr->stopped_early) { /* the load ended at a pile-up that was still growing */
        f.processes_slope = f.processes_slope > 0 ? f.processes_slope : 1;
        f.sync_share = 1;
    }
    enum limit_mode m = f.n_failed == 0 && !f.capped && tr->stopped_early ? LIMIT_MODE_PILEUP
                                                                          : limit_mode_classify(&f);
    json_decref(root);
    return m == LIMIT_MODE_NONE ? LIMIT_MODE_OTHER : m;
}

/* The trial's samples.csv: the load's last third and the generator's evidence into tr (zero
 * when the file cannot be read). */
static void read_samples(const struct scenario *sc, const char *out_dir, struct limit_trial_run *tr)
{
    char path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN];
    struct sample *s;
    size_t n;
    snprintf(path, sizeof path, "%.2000s/%.511s/samples.csv", out_dir, tr->dir);
    if (limit_samples_read(path, &s, &n) != 0)
        return;
    limit_samples_tail(s, n, &tr->tail);
    limit_samples_generator(s, n, sc->rate, &tr->gen);
    free(s);
}

int limit_trial_run(const struct scenario *sc, const char *fixture, const char *out_dir,
                    struct limit_trial_run *tr)
{
    static const struct limit_mode_stop stop = {0}; /* the defaults */
    char path[SWEEP_PATH_LEN + SWEEP_LABEL_LEN], err[LJ_ERR_LEN];
    snprintf(path, sizeof path, "%s/%s", out_dir, tr->dir);
    struct run_opts o = {
        .fixture_ebin = fixture, .out_dir = path, .quiet = true, .early_stop = &stop};
    double cpu0 = cpu_now();
    uint64_t t0 = now_us();
    tr->exit_code = run_scenario(sc, &o);
    tr->seconds = (double)(now_us() - t0) / 1e6;
    tr->cpu_s = cpu_now() - cpu0;
    tr->load_s = (double)sc->duration_us / 1e6;
    snprintf(path, sizeof path, "%.2000s/%.511s/summary.json", out_dir, tr->dir);
    memset(&tr->r, 0, sizeof tr->r);
    if (sweep_result_read(&tr->r, path, err) != 0) {
        snprintf(tr->r.error, sizeof tr->r.error, "%.255s", err);
        snprintf(tr->r.verdict, sizeof tr->r.verdict, "error");
        return tr->exit_code;
    }
    tr->stopped_early = strncmp(tr->r.error, "stopped early", 13) == 0;
    if (tr->stopped_early && tr->seconds < tr->load_s)
        tr->load_s = tr->seconds; /* at most: the load ended early */
    read_samples(sc, out_dir, tr);
    tr->cpu_share = tr->load_s > 0 ? tr->cpu_s / tr->load_s : 0;
    tr->gen_reason = (tr->cpu_share > LIMIT_TRIAL_CPU_BOUND ? LIMIT_GEN_CPU : 0) |
                     (tr->gen.fell_behind ? LIMIT_GEN_BEHIND : 0);
    tr->generator_bound = tr->gen_reason != 0;
    tr->passed = tr->exit_code == LJ_EXIT_PASS;
    tr->mode = tr->exit_code == LJ_EXIT_GATE ? classify(sc, path, tr) : LIMIT_MODE_NONE;
    return tr->exit_code;
}
