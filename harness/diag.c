/* diag.c -- when the run takes a diagnosis of the node (peak, diagnose_at, SIGUSR1, the safety
 * cap), at most DIAG_MAX, over one probe connection kept alive for it. */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "probe.h"
#include "series.h"
#include "target_spec.h"
#include "util.h"

#define DIAG_TOP_N 10
#define DIAG_BUDGET_MS 10000       /* the probe's own scan budget; ~4 us a process */
#define DIAG_TARGET_BUDGET_MS 2000 /* on a node not ours: at most this long at high priority */
#define DIAG_TIMEOUT_MS 30000
#define DIAG_MAX 3
#define DIAG_KEEPALIVE_US 10000000
#define DIAG_PEAK_MARGIN_US 1000000 /* "peak": at least this long before the end of the load */

struct diag {
    const struct scenario *sc;
    bool quiet;
    struct node *node;
    struct probe *probe; /* opened before the load (libei needs fds < FD_SETSIZE), kept alive */
    uint64_t last_used;
    json_t *doc; /* the diagnosis kept for the report (the last one taken) */
    int taken;
    bool trigger_armed;
    struct gate trigger; /* diagnose_at = METRIC OP VALUE, parsed as a gate on max */
    bool target;         /* a node logjam did not start: budgeted, and bounded in size */
    int64_t last_processes;
    bool skip_said;
};

struct diag *diag_new(const struct scenario *sc, bool quiet)
{
    char err[LJ_ERR_LEN];
    struct diag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->sc = sc;
    d->quiet = quiet;
    d->target = target_spec_set(sc);
    const char *at = sc->diagnose_at;
    if (!*at || strcmp(at, "peak") == 0 || strcmp(at, "never") == 0)
        return d;
    /* "processes > 50000", validated by scenario_load already */
    d->trigger_armed = gate_parse_trigger(at, &d->trigger, err) == 0;
    return d;
}

void diag_connect(struct diag *d, struct node *node)
{
    char err[LJ_ERR_LEN];
    d->node = node;
    d->probe = node_probe(node, "diag", err);
    d->last_used = now_us();
}

/* On a target, a scan of every process is automatic only up to [target]
 * diagnose_max_processes (or with diagnose_force); SIGUSR1 or the key d asks for it anyway. */
static bool too_large(struct diag *d, const char *why)
{
    const struct scenario *sc = d->sc;
    if (!d->target || sc->target_diagnose_force || strcmp(why, "SIGUSR1") == 0 ||
        strcmp(why, "key d") == 0 || d->last_processes <= (int64_t)sc->target_diagnose_max)
        return false;
    if (!d->skip_said)
        fprintf(stderr,
                "\r\033[Klogjam: diagnosis (%s) not taken: %lld processes, over [target] "
                "diagnose_max_processes = %u (send SIGUSR1 for one, or set "
                "target.diagnose_force = true)\n",
                why, (long long)d->last_processes, sc->target_diagnose_max);
    d->skip_said = true;
    return true;
}

void diag_take(struct diag *d, const char *why, uint64_t at_us)
{
    char err[LJ_ERR_LEN];
    if (d->taken >= DIAG_MAX || too_large(d, why))
        return;
    d->taken++;
    json_t *doc = NULL;
    if (!d->probe)
        d->probe = node_probe(d->node, "diag", err);
    if (d->probe) {
        if (!d->quiet)
            fprintf(stderr, "\r\033[Klogjam: diagnosing (%s)...\n", why);
        enum probe_status st =
            probe_diagnose(d->probe, DIAG_TOP_N, d->target ? DIAG_TARGET_BUDGET_MS : DIAG_BUDGET_MS,
                           &doc, DIAG_TIMEOUT_MS, err);
        d->last_used = now_us();
        if (st != PROBE_OK) {
            json_decref(doc);
            doc = NULL;
        }
        if (st == PROBE_ERROR) {
            probe_close(d->probe);
            d->probe = NULL;
        }
    }
    if (!doc) {
        fprintf(stderr, "logjam: diagnosis failed: %s\n", err);
        return;
    }
    json_object_set_new(doc, "trigger", json_string(why));
    json_object_set_new(doc, "at", json_real((double)at_us / 1e6));
    /* Asked for (SIGUSR1, diagnose_at): say it was done, even without a progress line. */
    if (!d->quiet || strcmp(why, "peak") != 0) {
        const json_t *took = json_object_get(doc, "took_us"),
                     *n_procs = json_object_get(doc, "scanned");
        fprintf(stderr, "\r\033[Klogjam: diagnosis (%s) at %.1f s: %lld processes in %.0f ms\n",
                why, (double)at_us / 1e6, (long long)json_integer_value(n_procs),
                (double)json_integer_value(took) / 1000);
    }
    json_decref(d->doc);
    d->doc = doc;
}

void diag_trigger(struct diag *d, const struct sample *last, uint64_t at_us)
{
    if (last)
        d->last_processes = last->process_count;
    if (!last || !d->trigger_armed ||
        !gate_holds(&d->trigger, series_metric(last, d->trigger.metric)))
        return;
    d->trigger_armed = false;
    char why[GATE_METRIC_LEN + GATE_EXPR_LEN + 8];
    snprintf(why, sizeof why, "%s", d->sc->diagnose_at);
    diag_take(d, why, at_us);
}

uint64_t diag_peak_after_us(const struct diag *d)
{
    const struct scenario *sc = d->sc;
    if (strcmp(sc->diagnose_at, "peak") != 0 && sc->diagnose_at[0])
        return UINT64_MAX;
    /* after the load stops the clients close and the picture changes */
    uint64_t margin = 2 * sc->sample_interval_us > DIAG_PEAK_MARGIN_US ? 2 * sc->sample_interval_us
                                                                       : DIAG_PEAK_MARGIN_US;
    return sc->duration_us > 2 * margin ? sc->duration_us - margin : sc->duration_us / 2;
}

void diag_if_none(struct diag *d, uint64_t at_us)
{
    if (strcmp(d->sc->diagnose_at, "never") != 0 && d->taken == 0)
        diag_take(d, "peak", at_us);
}

int diag_taken(const struct diag *d)
{
    return d->taken;
}

/* An idle distribution connection is dropped by the node after net_ticktime (45-75 s):
 * a cheap call every DIAG_KEEPALIVE_US keeps the diagnosis connection open. */
void diag_keepalive(struct diag *d)
{
    char err[LJ_ERR_LEN];
    json_t *reply = NULL;
    if (!d->probe || now_us() - d->last_used < DIAG_KEEPALIVE_US)
        return;
    d->last_used = now_us();
    if (probe_call(d->probe, "erlang", "node", NULL, 0, &reply, 2000, err) == PROBE_ERROR) {
        probe_close(d->probe);
        d->probe = NULL;
    }
    json_decref(reply);
}

const json_t *diag_doc(const struct diag *d)
{
    return d->doc;
}

void diag_free(struct diag *d)
{
    if (!d)
        return;
    probe_close(d->probe);
    json_decref(d->doc);
    free(d);
}
