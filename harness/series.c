/* series.c -- the samples of one run and their aggregates: baseline, max, min, avg, final,
 * delta, slope, p(N), logger time in sync, recovery. */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "util.h"

struct series {
    struct sample *v;
    size_t n, cap;
};

struct series *series_new(void)
{
    return calloc(1, sizeof(struct series));
}

void series_free(struct series *s)
{
    if (!s)
        return;
    free(s->v);
    free(s);
}

int series_add(struct series *s, const struct sample *smp)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        struct sample *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = *smp;
    return 0;
}

size_t series_count(const struct series *s)
{
    return s->n;
}

const struct sample *series_at(const struct series *s, size_t i)
{
    return i < s->n ? &s->v[i] : NULL;
}

const struct sample *series_last(const struct series *s)
{
    return s->n ? &s->v[s->n - 1] : NULL;
}

const char *sample_mode_name(enum logger_mode m)
{
    static const char *names[] = {"undefined", "async", "sync", "drop", "flush", "killed"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "undefined";
}

const char *sample_phase_name(enum phase p)
{
    static const char *names[] = {"baseline", "load", "recovery"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

/* ---- per-sample metrics -------------------------------------------------------------- */

double series_metric(const struct sample *smp, const char *metric)
{
    const struct metric *m = metric_find(metric);
    return m && metric_sampled(m) ? metric_get(m, smp) : 0.0;
}

/* ---- aggregates -------------------------------------------------------------------- */

static double baseline_of(const struct series *s, const struct metric *m)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].phase == PHASE_BASELINE) {
            sum += metric_get(m, &s->v[i]);
            n++;
        }
    if (n == 0)
        return s->n ? metric_get(m, &s->v[0]) : 0;
    return sum / (double)n;
}

/* Least-squares slope per second over the load phase. */
static int slope_of(const struct series *s, const struct metric *m, double *out)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->v[i].phase != PHASE_LOAD)
            continue;
        double x = (double)s->v[i].at_us / 1e6, y = metric_get(m, &s->v[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n++;
    }
    double den = (double)n * sxx - sx * sx;
    if (n < 2 || den == 0)
        return -1;
    *out = ((double)n * sxy - sx * sy) / den;
    return 0;
}

static int percentile_of(const struct series *s, const struct metric *m, double pct, double *out)
{
    if (s->n == 0)
        return -1;
    double *v = malloc(s->n * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        v[i] = metric_get(m, &s->v[i]);
    qsort(v, s->n, sizeof *v, lj_cmp_double);
    size_t rank = (size_t)ceil(pct / 100.0 * (double)s->n);
    *out = v[rank ? rank - 1 : 0];
    free(v);
    return 0;
}

/* Population standard deviation over every sample, around mean. */
static double stddev_of(const struct series *s, const struct metric *m, double mean)
{
    double sq = 0;
    for (size_t i = 0; i < s->n; i++) {
        double d = metric_get(m, &s->v[i]) - mean;
        sq += d * d;
    }
    return sqrt(sq / (double)s->n);
}

static int series_agg(const struct series *s, const struct metric *m, enum gate_agg agg, double pct,
                      double *out)
{
    if (s->n == 0)
        return -1;
    double mx = -INFINITY, mn = INFINITY, sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        double v = metric_get(m, &s->v[i]);
        mx = v > mx ? v : mx;
        mn = v < mn ? v : mn;
        sum += v;
    }
    switch (agg) {
    case AGG_BASELINE:
        *out = baseline_of(s, m);
        return 0;
    case AGG_MAX:
        *out = mx;
        return 0;
    case AGG_MIN:
        *out = mn;
        return 0;
    case AGG_AVG:
        *out = sum / (double)s->n;
        return 0;
    case AGG_FINAL:
        *out = metric_get(m, &s->v[s->n - 1]);
        return 0;
    case AGG_DELTA:
        *out = mx - baseline_of(s, m);
        return 0;
    case AGG_SLOPE:
        return slope_of(s, m, out);
    case AGG_P:
        return percentile_of(s, m, pct, out);
    case AGG_STDDEV:
        *out = stddev_of(s, m, sum / (double)s->n);
        return 0;
    case AGG_COUNT: /* a counter's growth over the run */
        *out = metric_get(m, &s->v[s->n - 1]) - metric_get(m, &s->v[0]);
        return 0;
    default:
        return -1;
    }
}

int64_t results_recovery_tolerance(int64_t baseline)
{
    int64_t t = baseline / 20;
    return t < 50 ? 50 : t;
}

/* The sums of process_count and mem_total over the baseline samples; returns their number. */
static size_t baseline_sums(const struct series *s, double *procs, double *mem)
{
    size_t n = 0;
    *procs = *mem = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].phase == PHASE_BASELINE) {
            *procs += (double)s->v[i].process_count;
            *mem += (double)s->v[i].mem_total;
            n++;
        }
    return n;
}

/* sync_time, sync_first and sync_share: the logger's time in sync after the baseline. */
static void logger_sync(struct results *r, const struct series *s)
{
    double sampled = 0;
    bool seen_other = false;
    r->sync_time = 0;
    r->has_sync_first = false;
    for (size_t i = 0; i < s->n; i++) {
        const struct sample *a = &s->v[i];
        /* A switch needs a mode to switch from: a logger that is sync from the start
         * (async_threshold = undefined) never "first switched". */
        if (a->logger_mode != MODE_SYNC)
            seen_other = true;
        if (a->phase != PHASE_BASELINE && a->logger_mode == MODE_SYNC && seen_other &&
            !r->has_sync_first) {
            r->has_sync_first = true;
            r->sync_first =
                a->at_us > r->load_start_us ? (double)(a->at_us - r->load_start_us) / 1e6 : 0;
        }
        if (i + 1 < s->n && a->phase != PHASE_BASELINE) {
            double dt = (double)(s->v[i + 1].at_us - a->at_us) / 1e6;
            sampled += dt;
            if (a->logger_mode == MODE_SYNC)
                r->sync_time += dt;
        }
    }
    r->sync_share = sampled > 0 ? r->sync_time / sampled : 0;
}

/* switches, dropped and kills: the last sample's logger counters less those of the first
 * sample that has them (a negative count is none). Left alone without samples. */
static void logger_counts(struct results *r, const struct series *s)
{
    int64_t sw0 = -1, dr0 = -1, ki0 = -1;
    for (size_t i = 0; i < s->n && sw0 < 0; i++) {
        sw0 = s->v[i].logger_switches;
        dr0 = s->v[i].logger_dropped;
        ki0 = s->v[i].logger_kills;
    }
    if (s->n) {
        const struct sample *last = &s->v[s->n - 1];
        r->switches = last->logger_switches - (sw0 < 0 ? 0 : sw0);
        r->dropped = last->logger_dropped - (dr0 < 0 ? 0 : dr0);
        r->kills = last->logger_kills - (ki0 < 0 ? 0 : ki0);
    }
}

/* longest_gap and logger_age_max: the longest time between samples, the stalest logger. */
static void sample_staleness(struct results *r, const struct series *s)
{
    r->longest_gap = 0;
    r->logger_age_max = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i > 0)
            r->longest_gap =
                fmax(r->longest_gap, (double)(s->v[i].at_us - s->v[i - 1].at_us) / 1e6);
        r->logger_age_max = fmax(r->logger_age_max, (double)s->v[i].logger_queue_age / 1e3);
    }
}

/* recovered and recovery_time: the first recovery sample back near baseline_processes.
 * Returns the last recovery sample, NULL when none was taken. */
static const struct sample *recovery_watch(struct results *r, const struct series *s)
{
    int64_t tol = results_recovery_tolerance(r->baseline_processes);
    const struct sample *last_rec = NULL;
    r->recovered = false;
    r->recovery_time = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct sample *a = &s->v[i];
        if (a->phase != PHASE_RECOVERY)
            continue;
        last_rec = a;
        if (!r->recovered && a->process_count <= r->baseline_processes + tol) {
            r->recovered = true;
            r->recovery_time =
                a->at_us > r->load_end_us ? (double)(a->at_us - r->load_end_us) / 1e6 : 0;
        }
    }
    return last_rec;
}

/* drain_window and drain_rate: processes/s given back over the last RESULTS_DRAIN_WINDOW_US
 * of recovery up to last_rec (all of it if shorter); left alone over a single sample. */
static void recovery_drain_rate(struct results *r, const struct series *s,
                                const struct sample *last_rec)
{
    size_t last_i = (size_t)(last_rec - s->v), first_i = last_i;
    while (first_i > 0 && s->v[first_i - 1].phase == PHASE_RECOVERY &&
           last_rec->at_us - s->v[first_i - 1].at_us <= RESULTS_DRAIN_WINDOW_US)
        first_i--;
    const struct sample *from = &s->v[first_i];
    if (from != last_rec && last_rec->at_us > from->at_us) {
        r->drain_window = (double)(last_rec->at_us - from->at_us) / 1e6;
        r->drain_rate = (double)(from->process_count - last_rec->process_count) / r->drain_window;
    }
}

/* leaked, memory_retained, the drain, stuck and drain_eta: where recovery ended (last_rec,
 * NULL when none was watched) against the baseline (mem_base over nbase samples). */
static void recovery_end(struct results *r, const struct series *s, const struct sample *last_rec,
                         double mem_base, size_t nbase)
{
    r->leaked = 0;
    r->drain_rate = 0;
    r->stuck = false;
    r->drain_eta = 0;
    r->drain_window = 0;
    r->memory_retained = 0;
    if (!last_rec)
        return;
    int64_t over = last_rec->process_count - r->baseline_processes;
    r->leaked = over > 0 ? over : 0;
    if (nbase)
        r->memory_retained = (int64_t)((double)last_rec->mem_total - mem_base / (double)nbase);
    recovery_drain_rate(r, s, last_rec);
    if (!r->recovered && r->leaked > 0) {
        /* Less than 1 process/s (or 0.1% of the pile-up per second): stuck for good. */
        double floor = (double)r->leaked / 1000.0 > 1.0 ? (double)r->leaked / 1000.0 : 1.0;
        r->stuck = r->drain_rate < floor;
        if (!r->stuck)
            r->drain_eta = (double)r->leaked / r->drain_rate;
    }
}

void results_finish(struct results *r)
{
    const struct series *s = r->series;
    double proc_base, mem_base;
    size_t nbase = baseline_sums(s, &proc_base, &mem_base);
    logger_sync(r, s);
    logger_counts(r, s);
    sample_staleness(r, s);
    r->baseline_processes =
        nbase ? (int64_t)(proc_base / (double)nbase) : (s->n ? s->v[0].process_count : 0);
    const struct sample *last_rec = recovery_watch(r, s);
    r->has_recovery = last_rec != NULL;
    recovery_end(r, s, last_rec, mem_base, nbase);
}

bool results_is_gap(uint64_t gap_us, uint64_t interval_us)
{
    return interval_us > 0 && 2 * gap_us > 3 * interval_us;
}

int results_coverage(const struct results *r, const char *metric, enum gate_agg agg, size_t *got,
                     size_t *expected)
{
    const struct metric *m = metric_find(metric);
    if (!m || m->cls != METRIC_GAUGE || r->interval_us == 0)
        return -1;
    const struct series *s = r->series;
    const struct sample *prev = NULL;
    *got = *expected = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct sample *a = &s->v[i];
        if (agg == AGG_SLOPE && a->phase != PHASE_LOAD)
            continue;
        if (prev && results_is_gap(a->at_us - prev->at_us, r->interval_us))
            *expected +=
                (size_t)llround((double)(a->at_us - prev->at_us) / (double)r->interval_us) - 1;
        (*got)++;
        (*expected)++;
        prev = a;
    }
    return 0;
}

/* A run total: its count, or its rate (per second of load, or a fraction of requests sent). */
static int total_value(const struct results *r, const struct metric *m, enum gate_agg agg,
                       double *out)
{
    uint64_t v;
    memcpy(&v, (const char *)r + m->off, sizeof v);
    if (agg == AGG_COUNT) {
        *out = (double)v;
        return 0;
    }
    if (m->rate_kind == VK_RATE) {
        double secs = (double)(r->load_end_us - r->load_start_us) / 1e6;
        if (secs <= 0)
            return -1;
        *out = (double)v / secs;
        return 0;
    }
    if (r->load.sent == 0)
        return -1;
    *out = (double)v / (double)r->load.sent;
    return 0;
}

static int latency_value(const struct results *r, enum gate_agg agg, double pct, double *out)
{
    const struct hist *h = r->latency;
    if (!h || hist_count(h) == 0)
        return -1;
    switch (agg) {
    case AGG_P:
        *out = (double)hist_percentile(h, pct) / 1e6;
        return 0;
    case AGG_MAX:
        *out = (double)hist_max(h) / 1e6;
        return 0;
    case AGG_MIN:
        *out = (double)hist_min(h) / 1e6;
        return 0;
    default: /* AGG_AVG */
        *out = hist_mean(h) / 1e6;
        return 0;
    }
}

int results_value(const struct results *r, const char *metric, enum gate_agg agg, double pct,
                  double *out)
{
    const struct metric *m = metric_find(metric);
    if (!m || !metric_allows(m, agg))
        return -1;
    if (metric_sampled(m))
        return series_agg(r->series, m, agg, pct, out);
    if (m->cls == METRIC_TOTAL)
        return total_value(r, m, agg, out);
    /* METRIC_RUN rows, one branch each */
    if (strcmp(metric, "latency") == 0)
        return latency_value(r, agg, pct, out);
    if (strcmp(metric, "recovery") == 0) {
        if (!r->has_recovery)
            return -1; /* the run never got to watch a recovery */
        if (agg == AGG_LEAKED) {
            *out = (double)r->leaked;
            return 0;
        }
        if (!r->recovered)
            return -1;
        *out = r->recovery_time;
        return 0;
    }
    if (strcmp(metric, "logger.sync") == 0) {
        if (agg == AGG_TIME) {
            *out = r->sync_time;
            return 0;
        }
        if (!r->has_sync_first)
            return -1;
        *out = r->sync_first;
        return 0;
    }
    return -1;
}
