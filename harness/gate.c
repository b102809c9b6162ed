/* gate.c -- gate expressions `METRIC = AGG OP VALUE[, abort]`: parse, validate, compare. */
#include "gate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metric.h"
#include "units.h"
#include "util.h"

#define A METRIC_AGG

/* Indexed by enum gate_agg. */
static const char *const agg_names[] = {
    [AGG_BASELINE] = "baseline", [AGG_MAX] = "max",       [AGG_MIN] = "min",
    [AGG_AVG] = "avg",           [AGG_FINAL] = "final",   [AGG_DELTA] = "delta",
    [AGG_SLOPE] = "slope",       [AGG_P] = "p(N)",        [AGG_COUNT] = "count",
    [AGG_RATE] = "rate",         [AGG_TIME] = "time",     [AGG_LEAKED] = "leaked",
    [AGG_FIRST] = "first",       [AGG_STDDEV] = "stddev",
};
#define NAGGS (sizeof agg_names / sizeof agg_names[0])

static const char *const op_names[] = {
    [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};
#define NOPS (sizeof op_names / sizeof op_names[0])

static const char *const kind_expect[] = {
    [VK_COUNT] = "a number like 20000",      [VK_SIZE] = "a size like 256MiB",
    [VK_DURATION] = "a duration like 500ms", [VK_FRACTION] = "a percentage like 1%",
    [VK_RATE] = "a rate like 6000/s",
};

/* names[0..n) that are not NULL as "a, b or c" into buf. */
static void join_names(const char *const *names, size_t n, char *buf, size_t len)
{
    size_t o = 0, count = 0, seen = 0;
    for (size_t i = 0; i < n; i++)
        count += names[i] != NULL;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++) {
        if (!names[i])
            continue;
        seen++;
        o += (size_t)snprintf(buf + o, len - o, "%s%s",
                              seen == 1       ? ""
                              : seen == count ? " or "
                                              : ", ",
                              names[i]);
    }
}

/* The names of the table's rows (only the per-sample ones: triggers) into names[64]. */
static size_t metric_names(bool per_sample_only, const char *names[64])
{
    size_t n = nmetrics < 64 ? nmetrics : 64;
    for (size_t i = 0; i < n; i++)
        names[i] = !per_sample_only || metrics[i].cls == METRIC_GAUGE ? metrics[i].name : NULL;
    return n;
}

static void unknown_metric(const char *name, bool per_sample_only, char *err)
{
    const char *names[64];
    size_t n = metric_names(per_sample_only, names);
    const char *s = lj_closest(name, names, n);
    if (s)
        lj_err(err, "unknown metric '%s' (did you mean '%s'?)", name, s);
    else
        lj_err(err, "unknown metric '%s'", name);
}

/* "baseline, max, min or p(N)" for the aggregates a metric accepts. */
static void agg_list(unsigned aggs, char *buf, size_t len)
{
    const char *names[NAGGS];
    for (size_t i = 0; i < NAGGS; i++)
        names[i] = (aggs >> i) & 1u ? agg_names[i] : NULL;
    join_names(names, NAGGS, buf, len);
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Drop trailing blanks from s in place; returns the new length. */
static size_t trim_end(char *s)
{
    size_t n = strlen(s);
    for (; n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'); n--)
        s[n - 1] = '\0';
    return n;
}

/* Strict decimal number with an optional leading '-' (when allow_negative). */
static int parse_number(const char *s, bool allow_negative, double *out)
{
    const char *p = skip_blanks(s);
    bool neg = false;
    char *end;
    if (*p == '-' && allow_negative) {
        neg = true;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q) && *q != '.' && *q != ' ' && *q != '\t')
            return -1;
    double v = strtod(p, &end);
    if (*skip_blanks(end) != '\0' || !isfinite(v))
        return -1;
    *out = neg ? -v : v;
    return 0;
}

/* Parse text as a value of kind; negative only when signed (delta, slope). */
static int parse_value(const char *text, enum value_kind kind, bool is_signed, double *out)
{
    const char *p = skip_blanks(text);
    bool neg = false;
    uint64_t u;
    double d;
    if (is_signed && *p == '-' && kind != VK_COUNT) {
        neg = true;
        p++;
    }
    switch (kind) {
    case VK_COUNT:
        if (parse_number(p, is_signed, &d) != 0)
            return -1;
        break;
    case VK_SIZE:
        if (units_parse_size(p, &u) != 0)
            return -1;
        d = (double)u;
        break;
    case VK_DURATION:
        if (units_parse_duration(p, &u) != 0)
            return -1;
        d = (double)u / 1e6;
        break;
    case VK_FRACTION:
        if (units_parse_percent(p, &d) != 0) {
            if (parse_number(p, false, &d) != 0 || d > 1.0)
                return -1;
        }
        break;
    case VK_RATE:
        if (units_parse_rate(p, &d) != 0)
            return -1;
        break;
    default:
        return -1;
    }
    *out = neg ? -d : d;
    return 0;
}

/* Operator at p (longest match); returns its length, 0 when none. */
static size_t scan_op(const char *p, enum gate_op *op)
{
    size_t best = 0;
    for (size_t i = 0; i < NOPS; i++) {
        size_t n = strlen(op_names[i]);
        if (n > best && strncmp(p, op_names[i], n) == 0) {
            best = n;
            *op = (enum gate_op)i;
        }
    }
    return best;
}

static bool is_op_char(char c)
{
    return c == '<' || c == '>' || c == '=' || c == '!';
}

/* Parse "OP VALUE" at p for metric m with aggregate agg into out. */
static int parse_op_value(const char *p, const struct metric *m, enum gate_agg agg,
                          const char *shown, struct gate *out, char *err)
{
    char tok[16], val[GATE_EXPR_LEN];
    size_t n = 0;
    enum gate_op op = OP_LT;
    p = skip_blanks(p);
    while (is_op_char(p[n]) && n + 1 < sizeof tok) {
        tok[n] = p[n];
        n++;
    }
    tok[n] = '\0';
    if (n == 0) {
        lj_err(err, "missing operator in '%s' (use <, <=, >, >=, == or !=)", shown);
        return -1;
    }
    if (scan_op(tok, &op) != n) {
        lj_err(err, "bad operator '%s' in '%s' (use <, <=, >, >=, == or !=)", tok, shown);
        return -1;
    }
    p = skip_blanks(p + n);
    snprintf(val, sizeof val, "%s", p);
    n = trim_end(val);
    if (!val[0]) {
        lj_err(err, "missing value in '%s'", shown);
        return -1;
    }
    enum value_kind kind = metric_value_kind(m, agg);
    bool is_signed = agg == AGG_DELTA || agg == AGG_SLOPE;
    if (agg == AGG_SLOPE && n > 2 && strcmp(val + n - 2, "/s") == 0)
        val[n - 2] = '\0'; /* slope is per second; "/s" may be written */
    if (parse_value(val, kind, is_signed, &out->value) != 0) {
        lj_err(err, "bad value '%s' in '%s': expected %s", p, shown, kind_expect[kind]);
        return -1;
    }
    out->op = op;
    return 0;
}

/* body[len] = expr without blanks around it and without a trailing ", abort" (then *abort). */
static int split_abort(const char *metric, const char *expr, char *body, size_t len, bool *abort,
                       char *err)
{
    const char *p = skip_blanks(expr);
    if (strlen(p) >= len) {
        lj_err(err, "gate on %s too long (max %zu characters)", metric, len - 1);
        return -1;
    }
    snprintf(body, len, "%s", p);
    char *comma = strchr(body, ',');
    if (comma) {
        const char *flag = skip_blanks(comma + 1);
        size_t fl = strlen(flag);
        while (fl > 0 && (flag[fl - 1] == ' ' || flag[fl - 1] == '\t'))
            fl--;
        if (fl != 5 || strncmp(flag, "abort", 5) != 0) {
            lj_err(err, "unexpected '%.*s' after the gate on %s (the only flag is ', abort')",
                   (int)fl, flag, metric);
            return -1;
        }
        *abort = true;
        *comma = '\0';
    }
    trim_end(body);
    return 0;
}

/* The N of "(N)" at p: digits and '.', 0 < N <= 100; *after = past the ')'. */
static int parse_percentile(const char *p, double *pct, const char **after)
{
    char *end;
    const char *q = p + 1;
    if (!isdigit((unsigned char)*q))
        return -1;
    *pct = strtod(q, &end);
    if (end == q || *end != ')' || !(*pct > 0.0 && *pct <= 100.0))
        return -1;
    for (const char *c = q; c < end; c++)
        if (!isdigit((unsigned char)*c) && *c != '.')
            return -1;
    *after = end + 1;
    return 0;
}

/* The error for an aggregate word that names none: a suggestion among m's, or m's list. */
static void unknown_agg(const char *word, const struct metric *m, const char *metric, char *err)
{
    const char *names[NAGGS];
    for (size_t j = 0; j < NAGGS; j++)
        names[j] = (m->aggs >> j) & 1u && j != AGG_P ? agg_names[j] : NULL;
    const char *s = lj_closest(word, names, NAGGS);
    if (word[0] == 'p' && isdigit((unsigned char)word[1]) && (m->aggs & A(AGG_P)))
        lj_err(err, "unknown aggregate '%s' for %s (did you mean 'p(%s)'?)", word, metric,
               word + 1);
    else if (s)
        lj_err(err, "unknown aggregate '%s' for %s (did you mean '%s'?)", word, metric, s);
    else {
        char list[128];
        agg_list(m->aggs, list, sizeof list);
        lj_err(err, "unknown aggregate '%s' for %s (use %s)", word, metric, list);
    }
}

/* The aggregate at the start of body (a word, or p(N)) into g->agg and g->pct; it must apply
 * to m. *rest = what follows it. shown: the gate as written, for messages. */
static int parse_agg(const char *body, const struct metric *m, const char *metric,
                     const char *shown, struct gate *g, const char **rest, char *err)
{
    char word[32], list[128];
    const char *p = body;
    size_t n = 0;
    while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n + 1 < sizeof word) {
        word[n] = p[n];
        n++;
    }
    word[n] = '\0';
    if (n == 0) {
        agg_list(m->aggs, list, sizeof list);
        lj_err(err, "missing aggregate in '%s' (use %s)", shown, list);
        return -1;
    }
    p += n;
    if (strcmp(word, "p") == 0 && *p == '(') {
        if (parse_percentile(p, &g->pct, &p) != 0) {
            lj_err(err, "bad percentile in '%s': expected p(N) with 0 < N <= 100", shown);
            return -1;
        }
        g->agg = AGG_P;
    } else {
        size_t i;
        for (i = 0; i < NAGGS; i++)
            if (i != AGG_P && strcmp(word, agg_names[i]) == 0)
                break;
        if (i == NAGGS) {
            unknown_agg(word, m, metric, err);
            return -1;
        }
        g->agg = (enum gate_agg)i;
    }
    if (!metric_allows(m, g->agg)) {
        agg_list(m->aggs, list, sizeof list);
        lj_err(err, "aggregate '%s' does not apply to %s (use %s)", word, metric, list);
        return -1;
    }
    *rest = p;
    return 0;
}

int gate_parse(const char *metric, const char *expr, struct gate *out, char *err)
{
    struct gate g;
    const struct metric *m;
    char body[GATE_EXPR_LEN], shown[GATE_METRIC_LEN + GATE_EXPR_LEN + 4];
    const char *rest;

    memset(&g, 0, sizeof g);
    if (!metric || !expr) {
        lj_err(err, "empty gate");
        return -1;
    }
    if (!(m = metric_find(metric))) {
        unknown_metric(metric, false, err);
        return -1;
    }
    snprintf(g.metric, sizeof g.metric, "%s", metric);
    if (split_abort(metric, expr, body, sizeof body, &g.abort, err) != 0)
        return -1;
    snprintf(g.expr, sizeof g.expr, "%s", body);
    snprintf(shown, sizeof shown, "%s = %s", metric, body);
    if (parse_agg(body, m, metric, shown, &g, &rest, err) != 0 ||
        parse_op_value(rest, m, g.agg, shown, &g, err) != 0)
        return -1;
    *out = g;
    return 0;
}

int gate_parse_trigger(const char *text, struct gate *out, char *err)
{
    struct gate g;
    const struct metric *m;
    const char *p;
    size_t n = 0;

    memset(&g, 0, sizeof g);
    if (!text)
        goto fail_empty;
    p = skip_blanks(text);
    while (p[n] && !is_op_char(p[n]) && p[n] != ' ' && p[n] != '\t')
        n++;
    if (n == 0)
        goto fail_empty;
    if (n >= sizeof g.metric) {
        lj_err(err, "unknown metric '%.*s...'", 20, p);
        goto fail;
    }
    memcpy(g.metric, p, n);
    g.metric[n] = '\0';
    if (!(m = metric_find(g.metric))) {
        unknown_metric(g.metric, true, err);
        goto fail;
    }
    if (m->cls != METRIC_GAUGE) {
        const char *names[64];
        char list[256];
        size_t nnames = metric_names(true, names);
        join_names(names, nnames, list, sizeof list);
        lj_err(err, "metric '%s' is not sampled (use %s)", g.metric, list);
        goto fail;
    }
    snprintf(g.expr, sizeof g.expr, "%s", skip_blanks(text));
    g.agg = AGG_FINAL;
    if (parse_op_value(p + n, m, AGG_FINAL, skip_blanks(text), &g, err) != 0)
        goto fail;
    *out = g;
    return 0;

fail_empty:
    lj_err(err, "expected 'METRIC OP VALUE' such as 'processes > 50000'");
fail:
    return -1;
}

const char *gate_agg_name(enum gate_agg agg, double pct, char *buf, unsigned len)
{
    if ((size_t)agg >= NAGGS)
        return "?";
    if (agg != AGG_P)
        return agg_names[agg];
    if (!buf || len == 0)
        return "p";
    snprintf(buf, len, "p(%g)", pct);
    return buf;
}

const char *gate_op_name(enum gate_op op)
{
    return (size_t)op < NOPS ? op_names[op] : "?";
}

bool gate_holds(const struct gate *g, double value)
{
    if (isnan(value))
        return false; /* no data fails, never passes silently */
    switch (g->op) {
    case OP_LT:
        return value < g->value;
    case OP_LE:
        return value <= g->value;
    case OP_GT:
        return value > g->value;
    case OP_GE:
        return value >= g->value;
    case OP_EQ:
        return value == g->value;
    case OP_NE:
        return value != g->value;
    }
    return false;
}
