/* scenario.c -- INI file (inih) + --set overrides + [sweep] -> validated struct scenario.
 *
 * inih parses; we feed it one line at a time through ini_parse_stream, which gives us what
 * Debian's inih (built without INI_HANDLER_LINENO, 200-byte lines) does not: the exact line of
 * every key, section headers (for unknown/duplicate sections), lines up to SCENARIO_MAX_LINE,
 * and a stop at the first error. Leading blanks are dropped before inih sees a line, so there
 * are no multi-line values: an indented key is just a key. */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "scenario_backend.h"
#include "scenario_keys.h"
#include "target_spec.h"
#include "units.h"

#define INCLUDE_DEPTH_MAX 4
#define FILE_MAX_BYTES (16u << 20)
#define WHERE_LEN (SCENARIO_PATH_LEN + 64)
#define LONG_VALUE_MARK "\x01"

enum {
    SEC_RUN,
    SEC_LOAD,
    SEC_POOL,
    SEC_LOGGER,
    SEC_GATES,
    SEC_INCLUDE,
    SEC_SWEEP,
    SEC_LIMIT,
    SEC_TARGET,
    NSECTIONS
};
static const char *const section_names[] = {"run",     "load",  "pool",  "logger", "gates",
                                            "include", "sweep", "limit", "target", NULL};

/* State of one scenario_load: where each key was last set, for cross-key errors. */
struct loader {
    struct scenario *sc;
    char *err;
    unsigned seq;
    unsigned key_seq[SCENARIO_NKEYS_MAX];
    char key_where[SCENARIO_NKEYS_MAX][WHERE_LEN];
    unsigned gate_seq;
    char gate_where[WHERE_LEN];
    char *stack[INCLUDE_DEPTH_MAX + 1]; /* realpaths of the files being read */
    unsigned depth;
};

/* State of one file (or string) being fed to inih. */
struct file_parse {
    struct loader *ld;
    const char *file; /* as shown in errors */
    char dir[SCENARIO_PATH_LEN];
    const char *text;
    size_t len, pos;
    int line;
    bool failed;
    const char *long_value; /* value of the current line when it is too long for inih */
    int section_line[NSECTIONS];
    int key_line[SCENARIO_NKEYS_MAX];
    char raw[SCENARIO_MAX_LINE + 2];
};

/* ---- small helpers ---- */

static int find_section(const char *name)
{
    for (int i = 0; i < NSECTIONS; i++)
        if (strcmp(section_names[i], name) == 0)
            return i;
    return -1;
}

/* The first key called name in any section, or -1. */
static int find_key_anywhere(const char *name)
{
    for (size_t i = 0; i < scenario_nkeys; i++)
        if (strcmp(scenario_keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* "unknown section [laod] (did you mean [load]?)" into msg. */
static void unknown_section(const char *name, char *msg)
{
    const char *s = lj_closest(name, section_names, NSECTIONS);
    if (s)
        lj_err(msg, "unknown section [%.64s] (did you mean [%s]?)", name, s);
    else
        lj_err(msg,
               "unknown section [%.64s] (sections: [run] [load] [pool] [logger] [gates] [sweep] "
               "[limit])",
               name);
}

/* "unknown key 'duraton' in [run] (did you mean 'duration'?)" into msg. */
static void unknown_key(const char *section, const char *name, char *msg)
{
    const char *names[SCENARIO_NKEYS_MAX] = {NULL};
    for (size_t i = 0; i < scenario_nkeys; i++)
        names[i] = strcmp(scenario_keys[i].section, section) == 0 ? scenario_keys[i].name : NULL;
    const char *s = lj_closest(name, names, scenario_nkeys);
    int other = find_key_anywhere(name);
    if (s)
        lj_err(msg, "unknown key '%.64s' in [%s] (did you mean '%s'?)", name, section, s);
    else if (other >= 0)
        lj_err(msg, "unknown key '%.64s' in [%s] (it belongs in [%s])", name, section,
               scenario_keys[other].section);
    else
        lj_err(msg, "unknown key '%.64s' in [%s]", name, section);
}

/* ---- gates ---- */

static int add_gate(struct scenario *sc, const char *metric, const char *expr, int line, char *msg)
{
    struct gate g;
    char err[LJ_ERR_LEN];
    if (sc->ngates >= SCENARIO_MAX_GATES) {
        lj_err(msg, "too many gates (max %d)", SCENARIO_MAX_GATES);
        return -1;
    }
    if (gate_parse(metric, expr, &g, err) != 0) {
        lj_err(msg, "%s", err);
        return -1;
    }
    g.line = line;
    sc->gates[sc->ngates++] = g;
    return 0;
}

/* ---- [sweep] ---- */

/* The key named by "section.key" that a sweep may vary, or NULL with a message. */
static const struct key *sweep_key(const char *qual, char *msg)
{
    char sec[64];
    const char *dot = strchr(qual, '.');
    if (!dot || dot == qual || !dot[1] || (size_t)(dot - qual) >= sizeof sec) {
        lj_err(msg, "'%.64s' is not section.key", qual);
        return NULL;
    }
    snprintf(sec, sizeof sec, "%.*s", (int)(dot - qual), qual);
    if (strcmp(sec, "gates") == 0 || strcmp(sec, "include") == 0 || strcmp(sec, "sweep") == 0) {
        lj_err(msg, "[%s] cannot be swept", sec);
        return NULL;
    }
    if (find_section(sec) < 0) {
        unknown_section(sec, msg);
        return NULL;
    }
    int idx = scenario_key_find(sec, dot + 1);
    if (idx < 0) {
        unknown_key(sec, dot + 1, msg);
        return NULL;
    }
    return &scenario_keys[idx];
}

/* Check value for k by applying it to a scratch copy of sc; canon gets the value to store
 * (paths made absolute, so a sweep applies it from any directory). -1 with msg. */
static int sweep_check(const struct scenario *sc, const struct key *k, const char *value,
                       const char *dir, char *canon, size_t clen, char *msg)
{
    struct scenario *tmp = malloc(sizeof *tmp);
    char buf[SCENARIO_MAX_LINE + 1];
    int rc = -1;
    if (!tmp) {
        lj_err(msg, "out of memory");
        return -1;
    }
    memcpy(tmp, sc, sizeof *tmp);
    if (scenario_set_value(tmp, k, value, dir, msg) != 0)
        goto out;
    if (k->type == K_PATH)
        scenario_format_value(tmp, k, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s", value);
    if (strlen(buf) >= clen) {
        lj_err(msg, "value '%.40s...' longer than %zu bytes", buf, clen - 1);
        goto out;
    }
    memcpy(canon, buf, strlen(buf) + 1);
    rc = 0;
out:
    free(tmp);
    return rc;
}

/* Split s at commas into trimmed items (none empty). Returns the count, or -1 with msg. */
static int split_list(char *s, char **items, int max, char *msg)
{
    int n = 0;
    for (char *item = s;; n++) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        if (n == max) {
            lj_err(msg, "more than %d values", max);
            return -1;
        }
        items[n] = scenario_trim(item);
        if (!*items[n]) {
            lj_err(msg, "empty value in the list");
            return -1;
        }
        if (!comma)
            return n + 1;
        item = comma + 1;
    }
}

static int sweep_add(struct scenario *sc, const char *key, const char *values, bool replace,
                     const char *dir, char *msg)
{
    char buf[SCENARIO_MAX_LINE + 1], qual[64], *items[SCENARIO_MAX_SWEEP_VALUES];
    struct sweep_axis ax;
    const struct key *k;
    unsigned slot;
    int n;

    if (!(k = sweep_key(key, msg)))
        return -1;
    snprintf(qual, sizeof qual, "%s.%s", k->section, k->name);
    if (strlen(values) > SCENARIO_MAX_LINE) {
        lj_err(msg, "list longer than %d bytes", SCENARIO_MAX_LINE);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", values);
    if ((n = split_list(buf, items, SCENARIO_MAX_SWEEP_VALUES, msg)) < 0)
        return -1;
    memset(&ax, 0, sizeof ax);
    snprintf(ax.key, sizeof ax.key, "%s", qual);
    for (int i = 0; i < n; i++) {
        if (sweep_check(sc, k, items[i], dir, ax.values[i], sizeof ax.values[i], msg) != 0)
            return -1;
        for (int j = 0; j < i; j++) {
            if (strcmp(ax.values[i], ax.values[j]) == 0) {
                lj_err(msg, "value '%.64s' is listed twice", items[i]);
                return -1;
            }
        }
    }
    ax.nvalues = (unsigned)n;
    for (slot = 0; slot < sc->nsweep; slot++)
        if (strcmp(sc->sweep[slot].key, qual) == 0)
            break;
    if (slot < sc->nsweep && !replace) {
        lj_err(msg, "%s is already swept", qual);
        return -1;
    }
    if (slot == sc->nsweep && sc->nsweep == SCENARIO_MAX_SWEEP_KEYS) {
        lj_err(msg, "more than %d swept keys", SCENARIO_MAX_SWEEP_KEYS);
        return -1;
    }
    sc->sweep[slot] = ax;
    if (slot == sc->nsweep)
        sc->nsweep++;
    return 0;
}

static int sweep_add_row(struct scenario *sc, const char *name, const char *sets, const char *dir,
                         char *msg)
{
    char buf[SCENARIO_MAX_LINE + 1], *items[SCENARIO_MAX_SWEEP_VALUES];
    struct sweep_row row;
    size_t used = 0;
    int n = 0;

    memset(&row, 0, sizeof row);
    if (!*name || strlen(name) >= sizeof row.name || strpbrk(name, ".,/ \t")) {
        lj_err(msg,
               "a row name is 1..%zu characters without '.', ',', '/' or blanks "
               "(a swept key is section.key)",
               sizeof row.name - 1);
        return -1;
    }
    for (unsigned i = 0; i < sc->nsweep_rows; i++) {
        if (strcmp(sc->sweep_rows[i].name, name) == 0) {
            lj_err(msg, "row '%s' is defined twice", name);
            return -1;
        }
    }
    if (sc->nsweep_rows == SCENARIO_MAX_SWEEP_VALUES) {
        lj_err(msg, "more than %d rows", SCENARIO_MAX_SWEEP_VALUES);
        return -1;
    }
    if (strlen(sets) > SCENARIO_MAX_LINE) {
        lj_err(msg, "row longer than %d bytes", SCENARIO_MAX_LINE);
        return -1;
    }
    snprintf(row.name, sizeof row.name, "%s", name);
    snprintf(buf, sizeof buf, "%s", sets);
    if (*scenario_trim(buf) && (n = split_list(buf, items, SCENARIO_MAX_SWEEP_VALUES, msg)) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char val[SCENARIO_SWEEP_VALUE_LEN], *eq = strchr(items[i], '=');
        const struct key *k;
        if (!eq) {
            lj_err(msg, "'%.64s' is not section.key=value", items[i]);
            return -1;
        }
        *eq = '\0';
        if (!(k = sweep_key(scenario_trim(items[i]), msg)) ||
            sweep_check(sc, k, scenario_trim(eq + 1), dir, val, sizeof val, msg) != 0)
            return -1;
        int w = snprintf(row.sets + used, sizeof row.sets - used, "%s%s.%s=%s", i ? ", " : "",
                         k->section, k->name, val);
        if (w < 0 || (size_t)w >= sizeof row.sets - used) {
            lj_err(msg, "row longer than %zu bytes", sizeof row.sets - 1);
            return -1;
        }
        used += (size_t)w;
    }
    sc->sweep_rows[sc->nsweep_rows++] = row;
    return 0;
}

int scenario_sweep_add(struct scenario *sc, const char *key, const char *values, bool replace,
                       char *err)
{
    return sweep_add(sc, key, values, replace, "", err);
}

int scenario_sweep_add_row(struct scenario *sc, const char *name, const char *sets, char *err)
{
    return sweep_add_row(sc, name, sets, "", err);
}

/* ---- the file reader fed to inih ---- */

static void parse_fail(struct file_parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void parse_fail(struct file_parse *p, const char *fmt, ...)
{
    char msg[LJ_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lj_err(p->ld->err, "%s:%d: %s", p->file, p->line, msg);
    p->failed = true;
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        need = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        need = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        need = 4;
    else
        return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return need;
}

/* Text is what a person typed: no NUL, no control characters but tab, valid UTF-8. */
static int check_text(struct file_parse *p, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t l;
        if (s[i] == '\0') {
            parse_fail(p, "NUL byte in column %zu: not a text file", i + 1);
            return -1;
        }
        if ((s[i] < 0x20 && s[i] != '\t' && !(s[i] == '\r' && i + 1 == n)) || s[i] == 0x7f) {
            parse_fail(p, "control character 0x%02x in column %zu: not a text file", s[i], i + 1);
            return -1;
        }
        if (!(l = utf8_len(s + i, n - i))) {
            parse_fail(p, "invalid UTF-8 in column %zu: not a text file", i + 1);
            return -1;
        }
        i += l;
    }
    return 0;
}

/* Position of the key/value separator ('=' or ':') as inih finds it: before any inline
 * comment (a ';' after a blank). NULL when none. */
static char *find_separator(char *s)
{
    int was_space = 0;
    for (; *s; s++) {
        if (*s == '=' || *s == ':')
            return s;
        if (was_space && *s == ';')
            return NULL;
        was_space = isspace((unsigned char)*s);
    }
    return NULL;
}

/* A value as inih would store it: blanks skipped, inline comment cut, trailing blanks cut. */
static char *inih_value(char *s)
{
    int was_space = 0;
    while (isspace((unsigned char)*s))
        s++;
    for (char *c = s; *c; c++) {
        if (was_space && *c == ';') {
            *c = '\0';
            break;
        }
        was_space = isspace((unsigned char)*c);
    }
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int section_header(struct file_parse *p, char *t, char *out, int num)
{
    char *end = strchr(t, ']'), *name, *after;
    int idx;
    if (!end) {
        parse_fail(p, "missing ']' in section header");
        return -1;
    }
    *end = '\0';
    name = scenario_trim(t + 1);
    after = end + 1;
    while (*after == ' ' || *after == '\t')
        after++;
    if (*after && *after != ';' && *after != '#') {
        parse_fail(p, "unexpected '%.40s' after [%.64s]", after, name);
        return -1;
    }
    if (!*name) {
        parse_fail(p, "empty section name []");
        return -1;
    }
    if ((idx = find_section(name)) < 0) {
        char msg[LJ_ERR_LEN];
        unknown_section(name, msg);
        parse_fail(p, "%s", msg);
        return -1;
    }
    if (p->section_line[idx]) {
        parse_fail(p, "duplicate section [%s] (first at line %d)", name, p->section_line[idx]);
        return -1;
    }
    p->section_line[idx] = p->line;
    snprintf(out, (size_t)num, "[%s]\n", name);
    return 0;
}

/* ini_reader: hand inih the next line, checked and made safe for its 200-byte buffer. */
static char *feed_line(char *out, int num, void *stream)
{
    struct file_parse *p = stream;
    const char *s;
    size_t rest, n;
    char *t, *sep;

    p->long_value = NULL;
    if (p->failed || p->pos >= p->len || num < 8)
        return NULL;
    s = p->text + p->pos;
    rest = p->len - p->pos;
    const char *nl = memchr(s, '\n', rest);
    n = nl ? (size_t)(nl - s) : rest;
    p->pos += n + (nl ? 1 : 0);
    p->line++;
    if (n > SCENARIO_MAX_LINE) {
        parse_fail(p, "line too long (%zu bytes, max %d)", n, SCENARIO_MAX_LINE);
        return NULL;
    }
    if (p->line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) { /* UTF-8 BOM */
        s += 3;
        n -= 3;
    }
    if (check_text(p, (const unsigned char *)s, n) != 0)
        return NULL;
    memcpy(p->raw, s, n);
    p->raw[n] = '\0';
    if (n > 0 && p->raw[n - 1] == '\r')
        p->raw[n - 1] = '\0';
    t = scenario_trim(p->raw);

    if (!*t || *t == ';' || *t == '#') {
        snprintf(out, (size_t)num, "\n");
        return out;
    }
    if (*t == '[') {
        if (section_header(p, t, out, num) != 0)
            return NULL;
        return out;
    }
    if (!(sep = find_separator(t))) {
        parse_fail(p, "expected 'key = value', '[section]' or a comment, got '%.40s'", t);
        return NULL;
    }
    if (sep == t) {
        parse_fail(p, "missing key name before '%c'", *sep);
        return NULL;
    }
    if (strlen(t) + 2 <= (size_t)num) {
        snprintf(out, (size_t)num, "%s\n", t);
        return out;
    }
    /* Too long for inih's buffer: give it the name and keep the value aside. */
    char sepch = *sep;
    *sep = '\0';
    char *name = scenario_trim(t);
    if (strlen(name) + 4 > (size_t)num) {
        parse_fail(p, "unknown key '%.40s...'", name);
        return NULL;
    }
    p->long_value = inih_value(sep + 1);
    snprintf(out, (size_t)num, "%s%c%s\n", name, sepch, LONG_VALUE_MARK);
    return out;
}

static int parse_text(struct loader *ld, const char *file, const char *text, size_t len);

static int do_include(struct file_parse *p, const char *value)
{
    struct loader *ld = p->ld;
    char path[SCENARIO_PATH_LEN * 2], *real = NULL, *text = NULL;
    size_t len = 0;
    int rc = -1, errnum = 0;
    FILE *f = NULL;

    if (!*value) {
        parse_fail(p, "empty include");
        goto out;
    }
    if (value[0] != '/' && strcmp(p->dir, ".") != 0)
        snprintf(path, sizeof path, "%s/%s", p->dir, value);
    else
        snprintf(path, sizeof path, "%s", value);
    if (ld->depth >= INCLUDE_DEPTH_MAX) {
        parse_fail(p, "include '%.200s' nested too deeply (max %d levels)", value,
                   INCLUDE_DEPTH_MAX);
        goto out;
    }
    struct stat st;
    if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) != 0) {
        parse_fail(p, "cannot open include '%.200s': %s", value, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        parse_fail(p, "cannot open include '%.200s': not a regular file", value);
        goto out;
    }
    if (!(real = realpath(path, NULL))) {
        parse_fail(p, "cannot open include '%.200s': %s", value, strerror(errno));
        goto out;
    }
    for (unsigned i = 0; i <= ld->depth; i++) {
        if (ld->stack[i] && strcmp(ld->stack[i], real) == 0) {
            parse_fail(p, "include cycle: '%.200s' is already being read", value);
            goto out;
        }
    }
    if ((size_t)st.st_size > FILE_MAX_BYTES) {
        parse_fail(p, "include '%.200s' is too large (max %u bytes)", value, FILE_MAX_BYTES);
        goto out;
    }
    if (!(text = malloc((size_t)st.st_size + 1))) {
        parse_fail(p, "out of memory");
        goto out;
    }
    len = fread(text, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        errnum = errno;
        parse_fail(p, "cannot read include '%.200s': %s", value, strerror(errnum));
        goto out;
    }
    ld->stack[++ld->depth] = real;
    rc = parse_text(ld, path, text, len);
    ld->stack[ld->depth--] = NULL;
    if (rc != 0) {
        size_t n = strlen(ld->err);
        if (n + 64 < LJ_ERR_LEN)
            snprintf(ld->err + n, LJ_ERR_LEN - n, " (included from %.*s:%d)",
                     (int)(LJ_ERR_LEN - n - 40), p->file, p->line);
        p->failed = true;
    }
out:
    free(text);
    free(real);
    if (f)
        fclose(f);
    return rc;
}

static void note_origin(struct loader *ld, int idx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note_origin(struct loader *ld, int idx, const char *fmt, ...)
{
    va_list ap;
    if (!ld)
        return;
    va_start(ap, fmt);
    vsnprintf(ld->key_where[idx], WHERE_LEN, fmt, ap);
    va_end(ap);
    ld->key_seq[idx] = ++ld->seq;
}

/* ini_handler: one key of the current line. Returns 1 to go on, 0 on error. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct file_parse *p = user;
    char msg[LJ_ERR_LEN];
    int idx;

    if (p->failed)
        return 0;
    if (p->long_value && strcmp(value, LONG_VALUE_MARK) == 0)
        value = p->long_value;
    if (!*section || strcmp(section, "include") == 0) {
        if (strcmp(name, "include") == 0)
            return do_include(p, value) == 0;
        if (*section)
            parse_fail(p, "unknown key '%.64s' in [include] (only 'include' is allowed)", name);
        else if ((idx = find_key_anywhere(name)) >= 0)
            parse_fail(p, "key '%.64s' outside a section (put it under [%s])", name,
                       scenario_keys[idx].section);
        else
            parse_fail(p, "key '%.64s' outside a section", name);
        return 0;
    }
    if (strcmp(section, "sweep") == 0) {
        int rc = strchr(name, '.') ? sweep_add(p->ld->sc, name, value, false, p->dir, msg)
                                   : sweep_add_row(p->ld->sc, name, value, p->dir, msg);
        if (rc != 0) {
            parse_fail(p, "[sweep] %.64s: %s", name, msg);
            return 0;
        }
        return 1;
    }
    if (strcmp(section, "gates") == 0) {
        if (add_gate(p->ld->sc, name, value, p->line, msg) != 0) {
            parse_fail(p, "%s", msg);
            return 0;
        }
        return 1;
    }
    if ((idx = scenario_key_find(section, name)) < 0) {
        unknown_key(section, name, msg);
        parse_fail(p, "%s", msg);
        return 0;
    }
    if (p->key_line[idx]) {
        parse_fail(p, "duplicate key '%s' in [%s] (first at line %d)", name, section,
                   p->key_line[idx]);
        return 0;
    }
    p->key_line[idx] = p->line;
    if (scenario_set_value(p->ld->sc, &scenario_keys[idx], value, p->dir, msg) != 0) {
        parse_fail(p, "%s", msg);
        return 0;
    }
    note_origin(p->ld, idx, "%s:%d", p->file, p->line);
    return 1;
}

/* Parse one file's text (len bytes, may hold NULs) into ld->sc. file names it in errors. */
static int parse_text(struct loader *ld, const char *file, const char *text, size_t len)
{
    struct file_parse *p = calloc(1, sizeof *p);
    int rc = -1, inih_rc;
    if (!p) {
        lj_err(ld->err, "%s: out of memory", file);
        return -1;
    }
    p->ld = ld;
    p->file = file;
    p->text = text;
    p->len = len;
    const char *slash = strrchr(file, '/');
    if (slash)
        snprintf(p->dir, sizeof p->dir, "%.*s", (int)(slash - file) ? (int)(slash - file) : 1,
                 file);
    else
        snprintf(p->dir, sizeof p->dir, ".");
    inih_rc = ini_parse_stream(feed_line, p, on_key, p);
    if (p->failed)
        goto out;
    if (inih_rc != 0) {
        lj_err(ld->err, "%s:%d: syntax error", file, inih_rc > 0 ? inih_rc : p->line);
        goto out;
    }
    rc = 0;
out:
    free(p);
    return rc;
}

/* ---- overrides ---- */

static int apply_override(struct loader *ld, struct scenario *sc, const char *assignment, char *err)
{
    char buf[SCENARIO_MAX_LINE + 1], msg[LJ_ERR_LEN], *eq, *dot, *lhs, *val, *sec, *name;
    int idx;
    if (strlen(assignment) > SCENARIO_MAX_LINE) {
        lj_err(err, "--set %.40s...: longer than %d bytes", assignment, SCENARIO_MAX_LINE);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", assignment);
    if (!(eq = strchr(buf, '='))) {
        lj_err(err, "--set %s: expected section.key=value", assignment);
        return -1;
    }
    *eq = '\0';
    lhs = scenario_trim(buf);
    val = scenario_trim(eq + 1);
    if (!(dot = strchr(lhs, '.'))) {
        if ((idx = find_key_anywhere(lhs)) >= 0)
            lj_err(err, "--set %s: expected section.key=value (did you mean %s.%s=%s?)", assignment,
                   scenario_keys[idx].section, lhs, val);
        else
            lj_err(err, "--set %s: expected section.key=value", assignment);
        return -1;
    }
    *dot = '\0';
    sec = scenario_trim(lhs);
    name = scenario_trim(dot + 1);
    if (strcmp(sec, "gates") == 0) {
        if (add_gate(sc, name, val, 0, msg) != 0)
            goto fail;
        if (ld) {
            snprintf(ld->gate_where, WHERE_LEN, "--set %s", assignment);
            ld->gate_seq = ++ld->seq;
        }
        return 0;
    }
    if (find_section(sec) < 0 || strcmp(sec, "include") == 0) {
        unknown_section(sec, msg);
        goto fail;
    }
    if ((idx = scenario_key_find(sec, name)) < 0) {
        unknown_key(sec, name, msg);
        goto fail;
    }
    if (scenario_set_value(sc, &scenario_keys[idx], val, "", msg) != 0)
        goto fail;
    note_origin(ld, idx, "--set %s", assignment);
    return 0;
fail:
    lj_err(err, "--set %s: %s", assignment, msg);
    return -1;
}

/* ---- cross-key validation ---- */

/* Where the most recently set of keys (section.key, NULL-terminated) was set; the scenario's
 * path when none was set (defaults, or no loader). */
static const char *blame(const struct loader *ld, const struct scenario *sc,
                         const char *const *quals)
{
    const char *where = NULL;
    unsigned best = 0;
    for (; *quals; quals++) {
        char sec[32];
        const char *dot = strchr(*quals, '.');
        snprintf(sec, sizeof sec, "%.*s", (int)(dot - *quals), *quals);
        int idx = scenario_key_find(sec, dot + 1);
        if (ld && idx >= 0 && ld->key_seq[idx] > best) {
            best = ld->key_seq[idx];
            where = ld->key_where[idx];
        }
    }
    if (where)
        return where;
    return sc->path[0] ? sc->path : "scenario";
}

#define BLAME(...) blame(ld, sc, (const char *const[]){__VA_ARGS__, NULL})

/* [target]: its keys checked together; a key that configures only logjam's own node is
 * refused when set with a target (the defaults are not: they go unused). */
static int validate_target(const struct loader *ld, const struct scenario *sc, char *err)
{
    char why[LJ_ERR_LEN / 2];
    const char *bad = target_spec_check(sc, why, sizeof why);
    if (bad) {
        lj_err(err, "%s: %s", BLAME(bad), why);
        return -1;
    }
    for (size_t i = 0; ld && target_spec_set(sc) && i < scenario_nkeys; i++) {
        const struct key *k = &scenario_keys[i];
        if (ld->key_seq[i] && target_spec_node_only(k->section, k->name)) {
            lj_err(err,
                   "%s: [%s] %s configures the node logjam starts; with [target] it starts "
                   "none: remove the key",
                   ld->key_where[i], k->section, k->name);
            return -1;
        }
    }
    return 0;
}

/* [limit] from, to and min against the axis: on load.connections, a count (no rate unit, no
 * fraction). Returns 0, or -1 with err naming where and the value. */
static int check_axis_values(const struct loader *ld, const struct scenario *sc, char *err)
{
    static const char *const keys[] = {"limit.from", "limit.to", "limit.min"};
    const struct scenario_axis_value *vals[] = {&sc->limit_from, &sc->limit_to, &sc->limit_min};
    uint64_t u;
    if (sc->limit_axis != LIMIT_AXIS_CONNECTIONS)
        return 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (vals[i]->text[0] && units_parse_uint(vals[i]->text, LOAD_MAX_CONNECTIONS, &u) != 0) {
            lj_err(err,
                   "%s: bad value '%s' for [limit] %s: the axis load.connections takes a "
                   "count from 1 to %u, like 50",
                   BLAME(keys[i]), vals[i]->text, keys[i] + 6, LOAD_MAX_CONNECTIONS);
            return -1;
        }
    return 0;
}

static int validate(const struct loader *ld, const struct scenario *sc, char *err)
{
    char a[32], b[32];
    char why[LJ_ERR_LEN / 2];
    const struct backend *be = scenario_backend(sc->backend);
    const char *const *bad = be->check ? be->check(sc, why, sizeof why) : NULL;
    if (bad) {
        lj_err(err, "%s: %s", blame(ld, sc, bad), why);
        return -1;
    }
    if (sc->nstages > 0 && (sc->rate != 0 || sc->ramp_us != 0)) {
        lj_err(err, "%s: [load] stages replace rate and ramp: set one or the other",
               BLAME("load.stages", "load.rate", "load.ramp"));
        return -1;
    }
    if (sc->ramp_us > sc->duration_us) {
        lj_err(err, "%s: [load] ramp %s is longer than [run] duration %s",
               BLAME("load.ramp", "run.duration"), units_format_duration(sc->ramp_us, a, sizeof a),
               units_format_duration(sc->duration_us, b, sizeof b));
        return -1;
    }
    uint64_t total = 0;
    for (unsigned i = 0; i < sc->nstages; i++)
        total += sc->stages[i].duration_us;
    if (total > sc->duration_us) {
        lj_err(err, "%s: [load] stages last %s, longer than [run] duration %s",
               BLAME("load.stages", "run.duration"), units_format_duration(total, a, sizeof a),
               units_format_duration(sc->duration_us, b, sizeof b));
        return -1;
    }
    if (sc->threads > sc->connections) {
        lj_err(err, "%s: [load] threads %u is more than connections %u",
               BLAME("load.threads", "load.connections"), sc->threads, sc->connections);
        return -1;
    }
    if (check_axis_values(ld, sc, err) != 0)
        return -1;
    if (sc->limit_to.v > 0 && sc->limit_to.v <= sc->limit_from.v) {
        lj_err(err, "%s: [limit] to must be above from", BLAME("limit.to", "limit.from"));
        return -1;
    }
    if (sc->limit_headroom > 0 && sc->rate <= 0) {
        lj_err(err, "%s: [limit] headroom is a multiple of [load] rate: set a rate, or use min",
               BLAME("limit.headroom", "load.rate"));
        return -1;
    }
    return validate_target(ld, sc, err);
}

/* ---- public API ---- */

void scenario_defaults(struct scenario *sc)
{
    char msg[LJ_ERR_LEN];
    memset(sc, 0, sizeof *sc);
    for (size_t i = 0; i < scenario_nkeys; i++) {
        if (scenario_set_value(sc, &scenario_keys[i], scenario_keys[i].def, "", msg) != 0) {
            fprintf(stderr, "logjam: bug: default of [%s] %s: %s\n", scenario_keys[i].section,
                    scenario_keys[i].name, msg);
            abort();
        }
    }
}

int scenario_validate(const struct scenario *sc, char *err)
{
    return validate(NULL, sc, err);
}

static void set_identity(struct scenario *sc, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;
    snprintf(sc->path, sizeof sc->path, "%s", path);
    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
        n -= 4;
    snprintf(sc->name, sizeof sc->name, "%.*s", (int)n, base);
}

/* Shared tail of scenario_load and scenario_load_string. */
static int load_common(struct scenario *sc, const char *path, const char *text, size_t len,
                       const char *const *overrides, unsigned noverrides, char *err)
{
    struct loader *ld = calloc(1, sizeof *ld);
    char *owned = NULL;
    FILE *f = NULL;
    int rc = -1;

    scenario_defaults(sc);
    if (!ld) {
        lj_err(err, "out of memory");
        return -1;
    }
    ld->sc = sc;
    ld->err = err;
    if (path) {
        set_identity(sc, path);
        if (!text) {
            struct stat st;
            if (!(f = fopen(path, "rb")) || fstat(fileno(f), &st) != 0) {
                lj_err(err, "%s: cannot open: %s", path, strerror(errno));
                goto fail;
            }
            if (S_ISDIR(st.st_mode)) {
                lj_err(err, "%s: cannot open: %s", path, strerror(EISDIR));
                goto fail;
            }
            if (!(owned = malloc(FILE_MAX_BYTES + 1))) {
                lj_err(err, "%s: out of memory", path);
                goto fail;
            }
            len = fread(owned, 1, FILE_MAX_BYTES + 1, f);
            if (ferror(f)) {
                lj_err(err, "%s: cannot read: %s", path, strerror(errno));
                goto fail;
            }
            if (len > FILE_MAX_BYTES) {
                lj_err(err, "%s: too large (max %u bytes)", path, FILE_MAX_BYTES);
                goto fail;
            }
            text = owned;
            ld->stack[0] = realpath(path, NULL);
        }
        if (parse_text(ld, path, text, len) != 0)
            goto fail;
    } else {
        snprintf(sc->name, sizeof sc->name, "default");
    }
    if (noverrides > SCENARIO_MAX_OVERRIDES) {
        lj_err(err, "too many --set options (max %d)", SCENARIO_MAX_OVERRIDES);
        goto fail;
    }
    for (unsigned i = 0; i < noverrides; i++)
        if (apply_override(ld, sc, overrides[i], err) != 0)
            goto fail;
    if (validate(ld, sc, err) != 0)
        goto fail;
    rc = 0;
fail:
    if (f)
        fclose(f);
    free(owned);
    free(ld->stack[0]);
    free(ld);
    return rc;
}

int scenario_load(struct scenario *sc, const char *path, const char *const *overrides,
                  unsigned noverrides, char *err)
{
    return load_common(sc, path, NULL, 0, overrides, noverrides, err);
}

int scenario_load_string(struct scenario *sc, const char *name, const char *text, size_t len,
                         char *err)
{
    return load_common(sc, name ? name : "string", text ? text : "", text ? len : 0, NULL, 0, err);
}

int scenario_set(struct scenario *sc, const char *assignment, char *err)
{
    return apply_override(NULL, sc, assignment, err);
}

void scenario_foreach(const struct scenario *sc,
                      void (*fn)(const char *section, const char *key, const char *value,
                                 void *arg),
                      void *arg)
{
    char buf[SCENARIO_MAX_LINE + 1];
    for (size_t i = 0; i < scenario_nkeys; i++) {
        scenario_format_value(sc, &scenario_keys[i], buf, sizeof buf);
        fn(scenario_keys[i].section, scenario_keys[i].name, buf, arg);
    }
    for (unsigned i = 0; i < sc->ngates && i < SCENARIO_MAX_GATES; i++) {
        snprintf(buf, sizeof buf, "%s%s", sc->gates[i].expr, sc->gates[i].abort ? ", abort" : "");
        fn("gates", sc->gates[i].metric, buf, arg);
    }
}

void scenario_print_keys(FILE *out)
{
    const char *last = "";
    for (size_t i = 0; i < scenario_nkeys; i++) {
        if (strcmp(last, scenario_keys[i].section) != 0) {
            fprintf(out, "%s[%s]\n", i ? "\n" : "", scenario_keys[i].section);
            last = scenario_keys[i].section;
        }
        fprintf(out, "  %-28s %-12s %s\n", scenario_keys[i].name,
                *scenario_keys[i].def ? scenario_keys[i].def : "\"\"", scenario_keys[i].help);
    }
    fprintf(out, "\n[gates]\n  METRIC = AGG OP VALUE[, abort]   e.g. processes = max < 20000\n"
                 "  (a metric may repeat; see logjam(1) for metrics and aggregates)\n");
}
