/* limit_samples.c -- a capacity-search trial's samples.csv read back, and what the search
 * judges from it: the last part of the load (pile-up) and the generator's own evidence. */
#include "limit_samples.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"

#define LINE_LEN 4096
#define MAX_COLS 64

/* The metric rows of the header's columns (NULL: a column we do not know). */
static size_t header_columns(char *line, const struct metric **cols)
{
    size_t c = 0;
    for (char *save = NULL, *tok = strtok_r(line, ",\r\n", &save); tok && c < MAX_COLS;
         tok = strtok_r(NULL, ",\r\n", &save), c++) {
        cols[c] = NULL;
        for (size_t i = 0; i < nmetrics; i++)
            if (metrics[i].column && strcmp(metrics[i].column, tok) == 0)
                cols[c] = &metrics[i];
    }
    return c;
}

/* The i < count whose name(i) is cell (a phase or logger mode by name), or 0. */
static int64_t name_index(const char *cell, const char *(*name)(unsigned), unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (strcmp(cell, name(i)) == 0)
            return i;
    return 0;
}

static const char *phase_name(unsigned i)
{
    return sample_phase_name((enum phase)i);
}

static const char *mode_name(unsigned i)
{
    return sample_mode_name((enum logger_mode)i);
}

/* One row's cells into smp. */
static void parse_row(char *line, const struct metric *const *cols, size_t ncols,
                      struct sample *smp)
{
    size_t c = 0;
    memset(smp, 0, sizeof *smp);
    for (char *s = line, *end; c < ncols; s = end + 1, c++) {
        end = s + strcspn(s, ",\r\n");
        char stop = *end;
        *end = '\0';
        const struct metric *m = cols[c];
        if (m && m->type == MT_TIME)
            smp->at_us = (uint64_t)llround(strtod(s, NULL) * 1e6);
        else if (m && m->type == MT_PHASE)
            metric_set(m, smp, name_index(s, phase_name, PHASE_COUNT));
        else if (m && m->type == MT_MODE)
            metric_set(m, smp, name_index(s, mode_name, MODE_KILLED + 1));
        else if (m)
            metric_set(m, smp, strtoll(s, NULL, 10));
        if (stop != ',')
            break;
    }
}

int limit_samples_read(const char *path, struct sample **out, size_t *n)
{
    const struct metric *cols[MAX_COLS];
    char line[LINE_LEN];
    size_t cap = 0, ncols;
    FILE *f = fopen(path, "r");
    *out = NULL;
    *n = 0;
    if (!f)
        return -1;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    ncols = header_columns(line, cols);
    while (fgets(line, sizeof line, f)) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct sample *p = realloc(*out, ncap * sizeof *p);
            if (!p)
                break;
            *out = p;
            cap = ncap;
        }
        parse_row(line, cols, ncols, &(*out)[(*n)++]);
    }
    fclose(f);
    return 0;
}

/* [*first, *end) of the load phase's samples. */
static void load_span(const struct sample *s, size_t n, size_t *first, size_t *end)
{
    *first = 0;
    while (*first < n && s[*first].phase != PHASE_LOAD)
        (*first)++;
    *end = *first;
    while (*end < n && s[*end].phase == PHASE_LOAD)
        (*end)++;
}

void limit_samples_tail(const struct sample *s, size_t n, struct limit_samples_tail *out)
{
    size_t first, end, k;
    double mx = 0, my = 0, sxx = 0, sxy = 0, sync = 0;
    memset(out, 0, sizeof *out);
    load_span(s, n, &first, &end);
    if (end - first < 2)
        return;
    first = end - (end - first + LIMIT_SAMPLES_TAIL_PARTS - 1) / LIMIT_SAMPLES_TAIL_PARTS;
    if (end - first < 2)
        first = end - 2;
    out->n = k = end - first;
    for (size_t i = first; i < end; i++) {
        mx += (double)s[i].at_us / 1e6 / (double)k;
        my += (double)s[i].process_count / (double)k;
        sync += s[i].logger_mode == MODE_SYNC;
    }
    for (size_t i = first; i < end; i++) {
        double dx = (double)s[i].at_us / 1e6 - mx;
        sxx += dx * dx;
        sxy += dx * ((double)s[i].process_count - my);
    }
    out->slope = sxx > 0 ? sxy / sxx : 0;
    out->sync_share = sync / (double)k;
}

void limit_samples_generator(const struct sample *s, size_t n, double rate,
                             struct limit_samples_gen *out)
{
    size_t first, end;
    double lag = fmax(LIMIT_SAMPLES_LAG_MIN, rate * LIMIT_SAMPLES_LAG_S);
    memset(out, 0, sizeof *out);
    load_span(s, n, &first, &end);
    for (size_t i = first; i < end; i++) {
        const struct load_counters *c = &s[i].load;
        uint64_t done = c->ok + c->failed + c->errored + c->timeouts;
        uint64_t in_flight = c->sent > done ? c->sent - done : 0;
        out->scheduled = c->sent + c->backlog;
        out->sent = c->sent;
        out->max_backlog = c->backlog > out->max_backlog ? c->backlog : out->max_backlog;
        if (rate > 0 && (double)c->backlog >= lag && c->open > in_flight)
            out->behind++;
    }
    out->fell_behind = out->behind >= LIMIT_SAMPLES_BEHIND_MIN;
}
