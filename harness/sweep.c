/* sweep.c -- sweep planning: the swept axes ([sweep] and --vary), their product in order, each
 * variant's scenario, label and directory name, and every combination checked up front. */
#include "sweep.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int sweep_parse_vary(struct scenario *sc, const char *arg, char *err)
{
    char key[128], msg[LJ_ERR_LEN];
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key) {
        lj_err(err, "--vary %.200s: expected section.key=v1,v2,...", arg);
        return -1;
    }
    while (*arg == ' ')
        arg++;
    snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
    for (size_t n = strlen(key); n > 0 && key[n - 1] == ' ';)
        key[--n] = '\0';
    if (scenario_sweep_add(sc, key, eq + 1, true, msg) != 0) {
        lj_err(err, "--vary %.200s: %s", arg, msg);
        return -1;
    }
    return 0;
}

int sweep_count(const struct scenario *sc, unsigned *n, char *err)
{
    uint64_t total = sc->nsweep_rows ? sc->nsweep_rows : 1;
    if (!sc->nsweep && !sc->nsweep_rows) {
        lj_err(err, "%s: nothing to sweep: add a [sweep] section or --vary section.key=v1,v2",
               sc->path[0] ? sc->path : "scenario");
        return -1;
    }
    for (unsigned i = 0; i < sc->nsweep; i++) {
        total *= sc->sweep[i].nvalues ? sc->sweep[i].nvalues : 1;
        if (total > SWEEP_MAX_VARIANTS) {
            lj_err(err, "%s: more than %d variants: sweep fewer values",
                   sc->path[0] ? sc->path : "scenario", SWEEP_MAX_VARIANTS);
            return -1;
        }
    }
    *n = (unsigned)total;
    return 0;
}

/* Append "sep text" to buf (len bytes); never overruns. */
static void append(char *buf, size_t len, const char *sep, const char *text)
{
    size_t n = strlen(buf);
    if (n + 1 < len)
        snprintf(buf + n, len - n, "%s%s", n ? sep : "", text);
}

/* A file-name-safe copy of s: anything but [A-Za-z0-9._=,+-] becomes '_'. */
static void safe_name(char *s)
{
    for (; *s; s++)
        if (!strchr("._=,+-", *s) && !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
            !(*s >= '0' && *s <= '9'))
            *s = '_';
}

int sweep_variant(const struct scenario *base, unsigned v, unsigned nvariants, struct scenario *out,
                  char *label, size_t llen, char *dir, size_t dlen, char *err)
{
    char msg[LJ_ERR_LEN], assign[SCENARIO_SWEEP_SETS_LEN + 128], flat[SWEEP_LABEL_LEN] = "";
    unsigned digit[SCENARIO_MAX_SWEEP_KEYS] = {0}, row = 0, rest = v;

    /* mixed radix, the last axis fastest */
    for (unsigned i = base->nsweep; i-- > 0;) {
        unsigned size = base->sweep[i].nvalues ? base->sweep[i].nvalues : 1;
        digit[i] = rest % size;
        rest /= size;
    }
    row = rest;
    memcpy(out, base, sizeof *out);
    label[0] = '\0';
    if (base->nsweep_rows) {
        const struct sweep_row *r = &base->sweep_rows[row % base->nsweep_rows];
        char sets[SCENARIO_SWEEP_SETS_LEN], *save = NULL;
        append(label, llen, ", ", r->name);
        snprintf(sets, sizeof sets, "%s", r->sets);
        for (char *item = strtok_r(sets, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
            while (*item == ' ')
                item++;
            if (scenario_set(out, item, msg) != 0) {
                lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
                return -1;
            }
        }
    }
    for (unsigned i = 0; i < base->nsweep; i++) {
        const struct sweep_axis *ax = &base->sweep[i];
        const char *dot = strchr(ax->key, '.');
        snprintf(assign, sizeof assign, "%s=%s", ax->key, ax->values[digit[i]]);
        snprintf(msg, sizeof msg, "%s=%s", dot ? dot + 1 : ax->key, ax->values[digit[i]]);
        append(label, llen, ", ", msg);
        if (scenario_set(out, assign, msg) != 0) {
            lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
            return -1;
        }
    }
    if (scenario_validate(out, msg) != 0) {
        lj_err(err, "variant %u (%s): %s", v + 1, label, msg);
        return -1;
    }
    /* "02-lager,async_threshold=200" */
    for (const char *p = label; *p; p++) {
        size_t n = strlen(flat);
        if (n + 1 < sizeof flat && !(*p == ' ' && p > label && p[-1] == ','))
            flat[n] = *p, flat[n + 1] = '\0';
    }
    safe_name(flat);
    snprintf(dir, dlen, "%0*u-%.200s", nvariants >= 100 ? 3 : 2, v + 1, flat);
    return 0;
}

int sweep_check_all(const struct scenario *base, char *err)
{
    char label[SWEEP_LABEL_LEN], dir[SWEEP_LABEL_LEN];
    unsigned n;
    int rc = -1;
    struct scenario *tmp = malloc(sizeof *tmp);
    if (!tmp) {
        lj_err(err, "out of memory");
        return -1;
    }
    if (sweep_count(base, &n, err) != 0)
        goto out;
    for (unsigned v = 0; v < n; v++)
        if (sweep_variant(base, v, n, tmp, label, sizeof label, dir, sizeof dir, err) != 0)
            goto out;
    rc = 0;
out:
    free(tmp);
    return rc;
}

void sweep_run_dir(const char *vdir, unsigned repeat, unsigned k, char *out, size_t len)
{
    if (repeat == 1)
        snprintf(out, len, "%s", vdir);
    else
        snprintf(out, len, "%.490s/r%0*u", vdir, repeat >= 10 ? 2 : 1, k + 1);
}

int sweep_parse_repeat(const char *arg, unsigned *out, char *err)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > SWEEP_MAX_REPEAT) {
        lj_err(err, "--repeat %.100s: expected a whole number from 1 to %d", arg, SWEEP_MAX_REPEAT);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}
