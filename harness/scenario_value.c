/* scenario_value.c -- one scenario value, text <-> struct scenario field, by the key's type:
 * the parsers (durations, sizes, rates, booleans, enums, stages, paths...), the scenario-text
 * formatter (JSON settings, sweeps) and the Erlang term the node's sys.config gets. */
#include "scenario_keys.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "units.h"
#include "util.h"

#define RATE_MAX_PER_S 1e8

_Static_assert(sizeof(enum pool_mode) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum logger_backend) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum log_level) == sizeof(int), "enums are stored as int");

/* What one setter says about a value: stored, bad (the key's expectation says why), or bad
 * for the reason it wrote into why. */
enum verdict { V_OK = 0, V_BAD, V_WHY };

/* One value being stored: where, from what, and room for the reason it is refused. */
struct slot {
    struct scenario *sc;
    const struct key *k;
    void *p; /* the field */
    const char *val;
    const char *dir;
    char why[LJ_ERR_LEN];
};

char *scenario_trim(char *s)
{
    size_t n;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* What a good value of k looks like, for error messages. */
static void expectation(const struct key *k, char *buf, size_t len)
{
    char a[32], b[32];
    switch (k->type) {
    case K_DURATION:
        if (k->max)
            snprintf(buf, len, "a duration from %s to %s", units_format_duration(k->min, a, 32),
                     units_format_duration(k->max, b, 32));
        else if (k->min)
            snprintf(buf, len, "a duration greater than 0, like 250ms");
        else
            snprintf(buf, len, "a duration like 250ms");
        break;
    case K_SIZE:
        snprintf(buf, len, "a size like 256MiB");
        break;
    case K_RATE:
        snprintf(buf, len, "a rate like 6000/s");
        break;
    case K_UINT:
        snprintf(buf, len, "an integer from %llu to %llu", (unsigned long long)k->min,
                 (unsigned long long)k->max);
        break;
    case K_INT:
        if (k->min)
            snprintf(buf, len, "an integer >= %llu", (unsigned long long)k->min);
        else
            snprintf(buf, len, "a non-negative integer");
        break;
    case K_INT_UNDEF:
        snprintf(buf, len, "a non-negative integer or 'undefined'");
        break;
    case K_INT_INF:
        snprintf(buf, len, "an integer >= %llu, or infinity", (unsigned long long)k->min);
        break;
    case K_BOOL:
        snprintf(buf, len, "true or false");
        break;
    case K_ENUM: {
        size_t n = (size_t)snprintf(buf, len, "one of");
        for (unsigned i = 0; k->names(i) && n < len; i++)
            n += (size_t)snprintf(buf + n, len - n, " %s", k->names(i));
        break;
    }
    case K_STAGES:
        snprintf(buf, len, "stages like '10s:1000/s, 30s:6000/s' (at most %d)",
                 SCENARIO_MAX_STAGES);
        break;
    case K_REQUEST:
        snprintf(buf, len, "a path starting with '/', printable ASCII, no spaces");
        break;
    case K_PATH:
        snprintf(buf, len, "a readable file");
        break;
    case K_TRIGGER:
        snprintf(buf, len, "peak, never, or METRIC OP VALUE like 'processes > 50000'");
        break;
    case K_MS_INF:
        snprintf(buf, len, "a duration in whole milliseconds, or infinity");
        break;
    case K_PERCENT:
        snprintf(buf, len, "a percentage from 0.1%% to 100%%, like 10%%");
        break;
    case K_FACTOR:
        snprintf(buf, len, "a factor like 2x");
        break;
    case K_TEXT:
        snprintf(buf, len, "printable text without blanks, at most %llu bytes",
                 (unsigned long long)k->max - 1);
        break;
    case K_AXIS:
        snprintf(buf, len, "a rate like 6000/s, or a count like 50 on load.connections");
        break;
    }
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* "10s:1000/s, 30s:6000/s" -> stages; -1 with a reason in why. */
static int parse_stages(const char *s, struct stage *st, unsigned *n, char *why, size_t wlen)
{
    char buf[SCENARIO_MAX_LINE + 1], *save = NULL, *item;
    unsigned count = 0;
    snprintf(buf, sizeof buf, "%s", s);
    if (!*scenario_trim(buf)) {
        *n = 0;
        return 0;
    }
    for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        struct stage one;
        if (count == SCENARIO_MAX_STAGES) {
            snprintf(why, wlen, "more than %d stages", SCENARIO_MAX_STAGES);
            return -1;
        }
        if (!colon) {
            snprintf(why, wlen, "stage '%.40s' is not DURATION:RATE", scenario_trim(item));
            return -1;
        }
        *colon = '\0';
        if (units_parse_duration(item, &one.duration_us) != 0 || one.duration_us == 0) {
            snprintf(why, wlen, "bad stage duration '%.40s'", scenario_trim(item));
            return -1;
        }
        if (units_parse_rate(colon + 1, &one.rate) != 0 || one.rate > RATE_MAX_PER_S) {
            snprintf(why, wlen, "bad stage rate '%.40s'", scenario_trim(colon + 1));
            return -1;
        }
        st[count++] = one;
    }
    /* "a,,b" or a trailing comma: strtok_r skips empty items, so count commas. */
    unsigned commas = 0;
    for (const char *c = s; *c; c++)
        commas += *c == ',';
    if (commas + 1 != count) {
        snprintf(why, wlen, "empty stage");
        return -1;
    }
    *n = count;
    return 0;
}

static int valid_request(const char *s)
{
    if (s[0] != '/' || strlen(s) >= SCENARIO_REQUEST_LEN)
        return 0;
    for (const char *c = s; *c; c++)
        if (*c <= ' ' || *c > '~')
            return 0;
    return 1;
}

static int valid_trigger(const char *s, char *why, size_t wlen)
{
    struct gate g;
    char err[LJ_ERR_LEN];
    if (strcmp(s, "peak") == 0 || strcmp(s, "never") == 0)
        return 1;
    if (strlen(s) >= sizeof(((struct scenario *)0)->diagnose_at)) {
        snprintf(why, wlen, "too long");
        return 0;
    }
    if (gate_parse_trigger(s, &g, err) != 0) {
        snprintf(why, wlen, "%s", err);
        return 0;
    }
    if (g.op != OP_GT && g.op != OP_GE) {
        snprintf(why, wlen, "use > or >= (the diagnosis fires when the metric climbs)");
        return 0;
    }
    return 1;
}

/* ---- one setter per type ---- */

static enum verdict set_duration(struct slot *s)
{
    char a[32], b[32];
    uint64_t u;
    if (units_parse_duration(s->val, &u) != 0)
        return V_BAD;
    if (u < s->k->min || (s->k->max && u > s->k->max)) {
        if (s->k->max)
            snprintf(s->why, sizeof s->why, "must be from %s to %s",
                     units_format_duration(s->k->min, a, 32),
                     units_format_duration(s->k->max, b, 32));
        else
            snprintf(s->why, sizeof s->why, "must be greater than 0");
        return V_WHY;
    }
    *(uint64_t *)s->p = u;
    return V_OK;
}

static enum verdict set_size(struct slot *s)
{
    uint64_t u;
    if (units_parse_size(s->val, &u) != 0)
        return V_BAD;
    *(uint64_t *)s->p = u;
    return V_OK;
}

static enum verdict set_rate(struct slot *s)
{
    double d;
    if (units_parse_rate(s->val, &d) != 0)
        return V_BAD;
    if (d > RATE_MAX_PER_S) {
        snprintf(s->why, sizeof s->why, "more than %.0f/s", RATE_MAX_PER_S);
        return V_WHY;
    }
    *(double *)s->p = d;
    return V_OK;
}

static enum verdict set_uint(struct slot *s)
{
    uint64_t u;
    if (units_parse_uint(s->val, s->k->max, &u) != 0 || u < s->k->min)
        return V_BAD;
    *(unsigned *)s->p = (unsigned)u;
    return V_OK;
}

/* K_INT, K_INT_UNDEF, K_INT_INF: an integer >= min, or the type's atom. */
static enum verdict set_int(struct slot *s)
{
    uint64_t u;
    const char *atom = s->k->type == K_INT_UNDEF ? "undefined"
                       : s->k->type == K_INT_INF ? "infinity"
                                                 : NULL;
    if (atom && strcmp(s->val, atom) == 0) {
        *(int64_t *)s->p = SCENARIO_UNDEFINED;
        return V_OK;
    }
    if (units_parse_uint(s->val, INT64_MAX, &u) != 0 || u < s->k->min)
        return V_BAD;
    *(int64_t *)s->p = (int64_t)u;
    return V_OK;
}

static enum verdict set_bool(struct slot *s)
{
    return parse_bool(s->val, (bool *)s->p) == 0 ? V_OK : V_BAD;
}

static enum verdict set_enum(struct slot *s)
{
    const char *names[64];
    char exp[160];
    unsigned n = 0;
    while (n < 64 && (names[n] = s->k->names(n)))
        n++;
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(names[i], s->val) == 0) {
            *(int *)s->p = (int)i;
            return V_OK;
        }
    }
    const char *near = lj_closest(s->val, names, n);
    expectation(s->k, exp, sizeof exp);
    if (near)
        snprintf(s->why, sizeof s->why, "expected %s (did you mean '%s'?)", exp, near);
    else
        snprintf(s->why, sizeof s->why, "expected %s", exp);
    return V_WHY;
}

static enum verdict set_stages(struct slot *s)
{
    struct stage st[SCENARIO_MAX_STAGES];
    char why[LJ_ERR_LEN / 2], exp[160];
    unsigned n = 0;
    if (parse_stages(s->val, st, &n, why, sizeof why) != 0) {
        expectation(s->k, exp, sizeof exp);
        snprintf(s->why, sizeof s->why, "%s; expected %s", why, exp);
        return V_WHY;
    }
    memcpy(s->sc->stages, st, sizeof st);
    s->sc->nstages = n;
    return V_OK;
}

static enum verdict set_request(struct slot *s)
{
    if (!valid_request(s->val))
        return V_BAD;
    snprintf(s->p, SCENARIO_REQUEST_LEN, "%s", s->val);
    return V_OK;
}

static enum verdict set_path(struct slot *s)
{
    char joined[SCENARIO_PATH_LEN * 2], real[PATH_MAX];
    struct stat st;
    if (!*s->val) {
        *(char *)s->p = '\0';
        return V_OK;
    }
    if (s->val[0] != '/' && s->dir && *s->dir)
        snprintf(joined, sizeof joined, "%s/%s", s->dir, s->val);
    else
        snprintf(joined, sizeof joined, "%s", s->val);
    if (!realpath(joined, real) || stat(real, &st) != 0 || access(real, R_OK) != 0)
        snprintf(s->why, sizeof s->why, "cannot read '%.200s': %s", joined, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        snprintf(s->why, sizeof s->why, "'%.200s' is not a regular file", joined);
    else if (strlen(real) >= SCENARIO_PATH_LEN)
        snprintf(s->why, sizeof s->why, "path longer than %d bytes", SCENARIO_PATH_LEN - 1);
    else {
        memcpy(s->p, real, strlen(real) + 1);
        return V_OK;
    }
    return V_WHY;
}

static enum verdict set_trigger(struct slot *s)
{
    if (!valid_trigger(s->val, s->why, sizeof s->why))
        return V_WHY;
    snprintf(s->p, sizeof s->sc->diagnose_at, "%s", s->val);
    return V_OK;
}

static enum verdict set_ms_inf(struct slot *s)
{
    uint64_t u;
    if (strcmp(s->val, "infinity") == 0) {
        *(int64_t *)s->p = SCENARIO_UNDEFINED;
        return V_OK;
    }
    if (units_parse_duration(s->val, &u) != 0 || u % 1000 != 0)
        return V_BAD;
    *(int64_t *)s->p = (int64_t)(u / 1000);
    return V_OK;
}

static enum verdict set_percent(struct slot *s)
{
    double d;
    if (units_parse_percent(s->val, &d) != 0 || d < 0.001)
        return V_BAD;
    *(double *)s->p = d;
    return V_OK;
}

/* "2x" or "2": a decimal, an optional x. */
static enum verdict set_factor(struct slot *s)
{
    char *end;
    double d = strtod(s->val, &end);
    if (end == s->val)
        return V_BAD;
    if (*end == 'x')
        end++;
    if (*end || !(d >= 0) || d > 1e6)
        return V_BAD;
    *(double *)s->p = d;
    return V_OK;
}

/* Printable ASCII without blanks, shorter than the field (k->max bytes); may be empty. */
static enum verdict set_text(struct slot *s)
{
    size_t n = strlen(s->val);
    if (n >= s->k->max)
        return V_BAD;
    for (size_t i = 0; i < n; i++)
        if (s->val[i] <= ' ' || s->val[i] > '~')
            return V_BAD;
    memcpy(s->p, s->val, n + 1);
    return V_OK;
}

/* A rate, or a plain number: which the axis takes is checked once every key is known. */
static enum verdict set_axis(struct slot *s)
{
    struct scenario_axis_value *a = s->p;
    void *field = s->p;
    enum verdict v;
    if (strlen(s->val) >= sizeof a->text)
        return V_BAD;
    s->p = &a->v;
    v = set_rate(s);
    s->p = field;
    if (v == V_OK)
        snprintf(a->text, sizeof a->text, "%s", a->v == 0 ? "" : s->val);
    return v;
}

static enum verdict (*const setters[])(struct slot *) = {
    [K_DURATION] = set_duration, [K_SIZE] = set_size,       [K_RATE] = set_rate,
    [K_UINT] = set_uint,         [K_INT] = set_int,         [K_INT_UNDEF] = set_int,
    [K_INT_INF] = set_int,       [K_BOOL] = set_bool,       [K_ENUM] = set_enum,
    [K_STAGES] = set_stages,     [K_REQUEST] = set_request, [K_PATH] = set_path,
    [K_TRIGGER] = set_trigger,   [K_MS_INF] = set_ms_inf,   [K_PERCENT] = set_percent,
    [K_FACTOR] = set_factor,     [K_TEXT] = set_text,       [K_AXIS] = set_axis,
};

int scenario_set_value(struct scenario *sc, const struct key *k, const char *value, const char *dir,
                       char *msg)
{
    struct slot *s = calloc(1, sizeof *s);
    char v[SCENARIO_MAX_LINE + 1], exp[160];
    int rc = -1;
    if (!s) {
        lj_err(msg, "out of memory");
        return -1;
    }
    snprintf(v, sizeof v, "%s", value);
    *s = (struct slot){sc, k, (char *)sc + k->off, scenario_trim(v), dir, ""};
    expectation(k, exp, sizeof exp);
    if (!*s->val && k->type != K_STAGES && k->type != K_PATH && k->type != K_TEXT)
        lj_err(msg, "empty value for [%s] %s: expected %s", k->section, k->name, exp);
    else if ((rc = -(int)setters[k->type](s)) == -V_BAD)
        lj_err(msg, "bad value '%.80s' for [%s] %s: expected %s", s->val, k->section, k->name, exp);
    else if (rc == -V_WHY)
        lj_err(msg, "bad value '%.80s' for [%s] %s: %s", s->val, k->section, k->name, s->why);
    free(s);
    return rc < 0 ? -1 : 0;
}

/* ---- text out ---- */

/* An integer key's value: the number, or its type's atom for SCENARIO_UNDEFINED. */
static void int_text(const struct key *k, int64_t v, char *buf, size_t len)
{
    if (v == SCENARIO_UNDEFINED && k->type != K_INT)
        snprintf(buf, len, "%s", k->type == K_INT_UNDEF ? "undefined" : "infinity");
    else
        snprintf(buf, len, "%lld", (long long)v);
}

void scenario_format_value(const struct scenario *sc, const struct key *k, char *buf, size_t len)
{
    const char *p = (const char *)sc + k->off;
    switch (k->type) {
    case K_DURATION:
        units_format_duration(*(const uint64_t *)(const void *)p, buf, len);
        break;
    case K_SIZE:
        units_format_size(*(const uint64_t *)(const void *)p, buf, len);
        break;
    case K_RATE:
        units_format_rate(*(const double *)(const void *)p, buf, len);
        break;
    case K_UINT:
        snprintf(buf, len, "%u", *(const unsigned *)(const void *)p);
        break;
    case K_INT:
    case K_INT_UNDEF:
    case K_INT_INF:
        int_text(k, *(const int64_t *)(const void *)p, buf, len);
        break;
    case K_BOOL:
        snprintf(buf, len, "%s", *(const bool *)(const void *)p ? "true" : "false");
        break;
    case K_ENUM: {
        const char *name = k->names((unsigned)*(const int *)(const void *)p);
        snprintf(buf, len, "%s", name ? name : "?");
        break;
    }
    case K_STAGES: {
        size_t n = 0;
        char d[32], r[64];
        buf[0] = '\0';
        for (unsigned i = 0; i < sc->nstages && i < SCENARIO_MAX_STAGES && n < len; i++)
            n += (size_t)snprintf(buf + n, len - n, "%s%s:%s", i ? ", " : "",
                                  units_format_duration(sc->stages[i].duration_us, d, sizeof d),
                                  units_format_rate(sc->stages[i].rate, r, sizeof r));
        break;
    }
    case K_REQUEST:
    case K_PATH:
    case K_TRIGGER:
    case K_TEXT:
        snprintf(buf, len, "%s", p);
        break;
    case K_MS_INF: {
        int64_t v = *(const int64_t *)(const void *)p;
        if (v == SCENARIO_UNDEFINED)
            snprintf(buf, len, "infinity");
        else
            units_format_duration((uint64_t)v * 1000u, buf, len);
        break;
    }
    case K_PERCENT:
        snprintf(buf, len, "%g%%", *(const double *)(const void *)p * 100);
        break;
    case K_FACTOR:
        snprintf(buf, len, "%gx", *(const double *)(const void *)p);
        break;
    case K_AXIS: {
        const struct scenario_axis_value *a = (const void *)p;
        snprintf(buf, len, "%s", a->text[0] ? a->text : "0");
        break;
    }
    }
}

void scenario_erl_term(const struct scenario *sc, const struct key *k, char *buf, size_t len)
{
    const char *p = (const char *)sc + k->off;
    uint64_t unit = k->erl_unit ? k->erl_unit : 1;
    switch (k->type) {
    case K_DURATION:
    case K_SIZE:
        snprintf(buf, len, "%llu", (unsigned long long)(*(const uint64_t *)(const void *)p / unit));
        break;
    case K_MS_INF:
        int_text(&(struct key){.type = K_INT_INF}, *(const int64_t *)(const void *)p, buf, len);
        break;
    default: /* integers, atoms and booleans read the same in both languages */
        scenario_format_value(sc, k, buf, len);
        break;
    }
}

void scenario_put_erl_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\%03o", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}
