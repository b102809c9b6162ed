/* sampler.c -- the sampler: the node's own sampler (logjam_sampler) streams samples taken on
 * its clock; a thread of ours receives them into the run's series and samples.csv. */
#include "sampler.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "report.h"
#include "signals.h"
#include "slots.h"

#define SAMPLER_RECV_MS 50           /* the thread looks at its stop flag at least this often */
#define SAMPLER_CALL_TIMEOUT_MS 3000 /* starting and stopping the node's sampler */

struct sampler {
    pthread_t thread;
    struct probe *probe;
    uint64_t t0;
    struct slots slots; /* the thread's, changed under mu (sampler_stop's once joined) */
    _Atomic int phase;
    atomic_bool stop;
    atomic_bool lost; /* the connection to the node was lost */
    char lost_why[LJ_ERR_LEN];
    struct load *_Atomic load;

    pthread_mutex_t mu; /* guards everything below */
    struct series *series;
    FILE *csv;
    struct sampler_end end;
    struct sample last;
    bool have_last;
};

static void sampler_record(struct sampler *s, struct sample *smp)
{
    struct load *l = atomic_load(&s->load);
    smp->phase = (enum phase)atomic_load(&s->phase);
    if (l)
        load_counters(l, &smp->load);
    pthread_mutex_lock(&s->mu);
    if (series_add(s->series, smp) < 0 && !s->end.csv_failed)
        snprintf(s->end.csv_error, sizeof s->end.csv_error, "out of memory for samples");
    s->last = *smp;
    s->have_last = true;
    if (s->csv && !s->end.csv_failed) {
        if (report_csv_row(s->csv, smp) < 0 || fflush(s->csv) != 0) {
            s->end.csv_failed = true;
            snprintf(s->end.csv_error, sizeof s->end.csv_error, "samples.csv: %s", strerror(errno));
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static void *sampler_main(void *arg)
{
    struct sampler *s = arg;
    char err[LJ_ERR_LEN];
    while (!atomic_load(&s->stop)) {
        struct stream_sample ss;
        enum probe_status st = probe_receive_sample(s->probe, &ss, SAMPLER_RECV_MS, err);
        if (st == PROBE_TIMEOUT)
            continue;
        if (st != PROBE_OK) {
            snprintf(s->lost_why, sizeof s->lost_why, "%s", err);
            atomic_store(&s->lost, true);
            break;
        }
        pthread_mutex_lock(&s->mu);
        int64_t gap = slots_note(&s->slots, ss.seq);
        s->end.missed = s->slots.missed;
        pthread_mutex_unlock(&s->mu);
        if (gap < 0)
            continue; /* a slot already seen */
        ss.sample.at_us = slots_at_us(&s->slots, ss.node_ms);
        sampler_record(s, &ss.sample);
    }
    return NULL;
}

struct sampler *sampler_start(struct node *node, uint64_t interval_us, uint64_t t0_us,
                              struct series *series, FILE *csv, char *err)
{
    sigset_t old;
    struct sampler *s = calloc(1, sizeof *s);
    if (!s) {
        lj_err(err, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    s->t0 = t0_us;
    s->series = series;
    s->csv = csv;
    s->probe = node_probe(node, "sampler", err);
    if (!s->probe)
        goto fail;
    int64_t node_t0;
    uint64_t before = now_us() - t0_us;
    unsigned interval_ms = (unsigned)(interval_us / 1000);
    if (probe_sampler_start(s->probe, interval_ms, &node_t0, SAMPLER_CALL_TIMEOUT_MS, err) !=
        PROBE_OK)
        goto fail;
    slots_init(&s->slots, node_t0, before, now_us() - t0_us, interval_ms);
    signals_block(&old);
    int rc = pthread_create(&s->thread, NULL, sampler_main, s);
    signals_restore(&old);
    if (rc != 0) {
        lj_err(err, "cannot start the sampler thread: %s", strerror(rc));
        goto fail;
    }
    return s;
fail:
    probe_sampler_stop(s->probe, SAMPLER_CALL_TIMEOUT_MS, err);
    probe_close(s->probe);
    pthread_mutex_destroy(&s->mu);
    free(s);
    return NULL;
}

void sampler_set_phase(struct sampler *s, enum phase ph)
{
    atomic_store(&s->phase, (int)ph);
}

void sampler_set_load(struct sampler *s, struct load *load)
{
    atomic_store(&s->load, load);
}

bool sampler_last(struct sampler *s, struct sample *out)
{
    pthread_mutex_lock(&s->mu);
    bool have = s->have_last;
    if (have)
        *out = s->last;
    pthread_mutex_unlock(&s->mu);
    return have;
}

bool sampler_lost(struct sampler *s, char *why)
{
    if (!atomic_load(&s->lost))
        return false;
    snprintf(why, LJ_ERR_LEN, "%s", s->lost_why);
    return true;
}

const struct series *sampler_hold(struct sampler *s, uint64_t *missed)
{
    pthread_mutex_lock(&s->mu);
    *missed = s->end.missed;
    return s->series;
}

void sampler_release(struct sampler *s)
{
    pthread_mutex_unlock(&s->mu);
}

void sampler_stop(struct sampler *s, struct sampler_end *end)
{
    if (!s)
        return;
    char err[LJ_ERR_LEN];
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    slots_finish(&s->slots, now_us() - s->t0);
    s->end.missed = s->slots.missed;
    /* Best effort: a node that is gone or does not answer stops its sampler anyway when the
     * connection closes (monitor_node). */
    probe_sampler_stop(s->probe, SAMPLER_CALL_TIMEOUT_MS, err);
    probe_close(s->probe);
    *end = s->end;
    pthread_mutex_destroy(&s->mu);
    free(s);
}
