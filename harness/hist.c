/* hist.c -- log-linear latency histogram: 128 linear sub-buckets per power of two. */
#include "hist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values below HIST_SUB_US are counted exactly (one bucket per microsecond). Above, each
 * power-of-two range [2^m, 2^(m+1)) is split into HIST_HALF linear sub-buckets of width
 * 2^(m-7), so a bucket's width is at most 1/128 of its lowest value: relative error
 * < 0.79 %. The bucket of v is  s * HIST_HALF + (v >> s)  with s = max(0, msb(v) - 7). */
#define HIST_SUB_US 256u
#define HIST_HALF 128u
#define HIST_HALF_BITS 7
/* msb(HIST_MAX_US) = 31 -> s = 24 -> last index 24*128 + 255. */
#define HIST_NBUCKETS (24u * HIST_HALF + HIST_SUB_US)

struct hist {
    uint64_t count;
    uint64_t sum;
    uint64_t min;
    uint64_t max;
    uint64_t clamped;
    uint64_t counts[HIST_NBUCKETS];
};

static inline unsigned hist_index(uint64_t v)
{
    unsigned msb = 63u - (unsigned)__builtin_clzll(v | 1u);
    unsigned s = msb > HIST_HALF_BITS ? msb - HIST_HALF_BITS : 0u;
    return s * HIST_HALF + (unsigned)(v >> s);
}

static inline uint64_t hist_lowest(unsigned idx)
{
    unsigned s = idx < HIST_SUB_US ? 0u : idx / HIST_HALF - 1u;
    return (uint64_t)(idx - s * HIST_HALF) << s;
}

static inline uint64_t hist_highest(unsigned idx)
{
    unsigned s = idx < HIST_SUB_US ? 0u : idx / HIST_HALF - 1u;
    return hist_lowest(idx) + ((uint64_t)1 << s) - 1u;
}

/* The value reported for a bucket: its highest equivalent value, never beyond the exact
 * extremes (so the error bound holds and p(100) is the exact max). */
static uint64_t hist_report(const struct hist *h, unsigned idx)
{
    uint64_t v = hist_highest(idx);
    if (v > h->max)
        v = h->max;
    if (v < h->min)
        v = h->min;
    return v;
}

struct hist *hist_new(void)
{
    struct hist *h = calloc(1, sizeof *h);
    return h;
}

void hist_free(struct hist *h)
{
    free(h);
}

void hist_reset(struct hist *h)
{
    memset(h, 0, sizeof *h);
}

void hist_record(struct hist *h, uint64_t us)
{
    if (us == 0)
        us = 1;
    if (us > HIST_MAX_US) {
        us = HIST_MAX_US;
        h->clamped++;
    }
    h->counts[hist_index(us)]++;
    if (h->count == 0 || us < h->min)
        h->min = us;
    if (us > h->max)
        h->max = us;
    h->count++;
    h->sum += us;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->count == 0)
        return;
    for (unsigned i = 0; i < HIST_NBUCKETS; i++)
        dst->counts[i] += src->counts[i];
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
    dst->clamped += src->clamped;
}

uint64_t hist_count(const struct hist *h)
{
    return h->count;
}

uint64_t hist_min(const struct hist *h)
{
    return h->count ? h->min : 0;
}

uint64_t hist_max(const struct hist *h)
{
    return h->max;
}

uint64_t hist_clamped(const struct hist *h)
{
    return h->clamped;
}

double hist_mean(const struct hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}

double hist_stddev(const struct hist *h)
{
    if (h->count == 0)
        return 0.0;
    double mean = hist_mean(h), acc = 0.0;
    for (unsigned i = 0; i < HIST_NBUCKETS; i++) {
        if (h->counts[i] == 0)
            continue;
        double mid = ((double)hist_lowest(i) + (double)hist_highest(i)) / 2.0;
        acc += (double)h->counts[i] * (mid - mean) * (mid - mean);
    }
    return sqrt(acc / (double)h->count);
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    if (h->count == 0)
        return 0;
    if (p >= 100.0)
        return h->max;
    if (p < 0.0)
        p = 0.0;
    /* The value of rank ceil(p% of count) in sorted order (rank 1 for p = 0). */
    uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
    if (rank <= 1)
        return h->min;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_NBUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            return hist_report(h, i);
    }
    return h->max;
}

/* One line of the table: value in milliseconds, as wrk2 prints it. */
static void hist_dump_line(FILE *out, uint64_t v, double pct, uint64_t total)
{
    double q = pct / 100.0;
    if (q < 1.0)
        fprintf(out, "%12.3f %12.6f %12llu %12.2f\n", (double)v / 1000.0, q,
                (unsigned long long)total, 1.0 / (1.0 - q));
    else
        fprintf(out, "%12.3f %12.6f %12llu %12s\n", (double)v / 1000.0, q,
                (unsigned long long)total, "inf");
}

void hist_dump(const struct hist *h, FILE *out)
{
    /* HdrHistogram's percentile iterator with 5 ticks per half distance: the step to the
     * next reported percentile halves each time the distance to 100 % halves. */
    const double ticks_per_half = 5.0;
    fprintf(out, "%12s %12s %12s %12s\n\n", "Value(ms)", "Percentile", "TotalCount",
            "1/(1-Percentile)");
    if (h->count > 0) {
        double next = 0.0;
        uint64_t seen = 0;
        for (unsigned i = 0; i < HIST_NBUCKETS && seen < h->count; i++) {
            if (h->counts[i] == 0)
                continue;
            seen += h->counts[i];
            double cur = 100.0 * (double)seen / (double)h->count;
            while (next <= cur) {
                hist_dump_line(out, hist_report(h, i), next, seen);
                double half = pow(2.0, floor(log2(100.0 / (100.0 - next))) + 1.0);
                next += 100.0 / (ticks_per_half * half);
                if (seen == h->count)
                    break; /* the last bucket reports once, then the 100 % line */
            }
        }
        hist_dump_line(out, h->max, 100.0, h->count);
    }
    fprintf(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", hist_mean(h) / 1000.0,
            hist_stddev(h) / 1000.0);
    fprintf(out, "#[Max     = %12.3f, Total count    = %12llu]\n", (double)h->max / 1000.0,
            (unsigned long long)h->count);
    fprintf(out, "#[Buckets = %12u, SubBuckets     = %12u]\n", HIST_NBUCKETS / HIST_HALF - 1u,
            HIST_SUB_US);
}
