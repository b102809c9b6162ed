/* fuzz_scenario.c -- libFuzzer target: arbitrary bytes into the scenario parser.
 *
 * Besides "no crash, no sanitizer report", it checks one property: a scenario that loads,
 * written back with scenario_foreach, loads again (the JSON `settings` block is re-runnable). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct text {
    char buf[1 << 16];
    size_t n;
    char last[16];
};

static void append_kv(const char *section, const char *key, const char *value, void *arg)
{
    struct text *t = arg;
    if (strcmp(t->last, section) != 0) {
        t->n += (size_t)snprintf(t->buf + t->n, sizeof t->buf - t->n, "[%s]\n", section);
        snprintf(t->last, sizeof t->last, "%s", section);
    }
    if (t->n < sizeof t->buf)
        t->n += (size_t)snprintf(t->buf + t->n, sizeof t->buf - t->n, "%s = %s\n", key, value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct scenario sc, again;
    static struct text t;
    char err[LJ_ERR_LEN];

    if (scenario_load_string(&sc, "fuzz.ini", (const char *)data, size, err) != 0) {
        if (!memchr(err, '\0', LJ_ERR_LEN) || strchr(err, '\n')) {
            fprintf(stderr, "error is not one line\n");
            abort();
        }
        return 0;
    }
    memset(&t, 0, sizeof t);
    scenario_foreach(&sc, append_kv, &t);
    if (t.n >= sizeof t.buf)
        return 0;
    if (scenario_load_string(&again, "fuzz.ini", t.buf, t.n, err) != 0) {
        fprintf(stderr, "round trip failed: %s\n%s", err, t.buf);
        abort();
    }
    return 0;
}
