/* report.h -- what a run shows: progress line, text summary, JSON summary (jansson),
 * samples.csv, JUnit XML. */
#ifndef LJ_REPORT_H
#define LJ_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "probe.h"
#include "scenario.h"
#include "series.h"

struct gate_result {
    const struct gate *gate;
    bool has_data;
    double value; /* in the gate's base unit */
    bool ok;
};

struct report {
    const struct scenario *sc;
    const struct results *r;
    const struct gate_result *gates;
    unsigned ngates;
    const char *verdict; /* pass | fail | error | capped | interrupted */
    int exit_code;
    const char *error; /* harness error, "" if none */
    const struct hello *hello;
    const json_t *target;       /* borrowed: a node logjam did not start (target.h); else NULL */
    const json_t *diagnosis;    /* borrowed; NULL if none was taken */
    const char *diagnosis_text; /* the explanation paragraph; NULL if none */
    double harness_cpu;         /* user+sys seconds of logjam */
    uint64_t harness_rss;       /* peak RSS of logjam, bytes */
    const char *out_dir;
};

/* samples.csv: the header line, and one row per sample (caller flushes). Return -1 on a
 * write error (errno set), e.g. a full disk. */
int report_csv_header(FILE *f);
int report_csv_row(FILE *f, const struct sample *s);

/* The live progress line (one line, rewritten in place with \r). */
void report_progress(FILE *f, const struct sample *last, double elapsed_s, const char *phase,
                     double req_rate, bool color);

/* The end-of-run summary, gates first (k6 style). */
void report_text(FILE *f, const struct report *rep, bool color);

/* The JSON summary with DESIGN.md's stable keys. Caller owns the result. */
json_t *report_json(const struct report *rep);

/* JUnit XML, one testcase per gate. Written atomically. Returns 0, or -1 with err. */
int report_junit(const char *path, const struct report *rep, char *err);

/* A gate's value in the unit its metric speaks ("1.1GiB", "412ms", "0.50%", "104,233"),
 * into buf; returns buf. */
char *report_gate_value(const struct gate *g, double v, char *buf, size_t len);

/* One CSV cell (sweep.csv, limit.csv): s as is, or quoted with its quotes doubled when it holds a
 * comma, a quote or a newline. */
void report_csv_field(FILE *f, const char *s);

/* A comma, then v as %.10g (every digit a double of a count or a rate needs, no trailing
 * zeros); an empty cell for NAN or infinity. */
void report_csv_num(FILE *f, double v);

/* Write text (NUL-terminated) to path atomically. Returns 0, or -1 with err. */
int report_write(const char *path, const char *text, char *err);

#endif
