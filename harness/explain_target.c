/* explain_target.c -- the diagnosis paragraph for a node logjam did not start: the diagnosis
 * in words (explain.c), then the logger settings the node was read to run with. */
#include "explain_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* A setting as the node holds it: an integer, an atom, a printed term; "unset" if absent. */
static void put_value(FILE *f, const json_t *v)
{
    if (json_is_integer(v))
        fprintf(f, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        fputs(json_string_value(v), f);
    else if (json_is_boolean(v))
        fputs(json_is_true(v) ? "true" : "false", f);
    else
        fputs(v ? "undefined" : "unset", f);
}

/* "name v, name v" for the keys of obj named in keys (NULL-terminated), skipping absent ones. */
static void put_keys(FILE *f, const json_t *obj, const char *const *keys)
{
    const char *sep = "";
    for (; *keys; keys++) {
        const json_t *v = json_object_get(obj, *keys);
        if (!v)
            continue;
        fprintf(f, "%s%s ", sep, *keys);
        put_value(f, v);
        sep = ", ";
    }
}

static void put_lager(FILE *f, const json_t *lager)
{
    static const char *const keys[] = {"async_threshold", "async_threshold_window", "killer_hwm",
                                       "killer_reinstall_after", NULL};
    size_t i;
    const json_t *sink;
    json_array_foreach(json_object_get(lager, "sinks"), i, sink)
    {
        fprintf(f, "%slager sink %s: ", i ? "; " : "",
                json_string_value(json_object_get(sink, "sink")));
        if (!json_object_get(sink, "async_threshold"))
            fputs("no throttle installed (every log call waits for the sink)", f);
        else
            put_keys(f, sink, keys);
        if (!json_object_get(sink, "killer_hwm"))
            fputs(", no killer (killer_hwm unset)", f);
    }
}

/* Returns how many handlers it named. */
static int put_otp(FILE *f, const json_t *otp, const char *lead)
{
    static const char *const keys[] = {"sync_mode_qlen", "drop_mode_qlen", "flush_qlen",
                                       "overload_kill_enable", NULL};
    size_t i;
    int n = 0;
    const json_t *h;
    json_array_foreach(json_object_get(otp, "handlers"), i, h)
    {
        const json_t *over = json_object_get(h, "overload");
        if (!json_object_size(over))
            continue;
        fprintf(f, "%sOTP logger handler %s (%s): ", n++ ? "; " : lead,
                json_string_value(json_object_get(h, "id")),
                json_string_value(json_object_get(h, "module")));
        put_keys(f, over, keys);
    }
    return n;
}

void explain_target_logger(FILE *f, const json_t *logger)
{
    static const char *const elixir_keys[] = {"level", "sync_threshold", "discard_threshold", NULL};
    const json_t *lager = json_object_get(logger, "lager"),
                 *elixir = json_object_get(logger, "elixir");
    const char *lead = "";
    if (json_is_object(lager)) {
        put_lager(f, lager);
        lead = "; ";
    }
    if (json_is_object(elixir)) {
        fprintf(f, "%sElixir Logger: ", lead);
        put_keys(f, elixir, elixir_keys);
        lead = "; ";
    }
    if (put_otp(f, json_object_get(logger, "otp"), lead) == 0 && !*lead)
        fputs("no logger handler found", f);
    fputc('.', f);
}

char *explain_target(const json_t *doc, const json_t *logger, const struct results *r)
{
    char *core = explain_diagnosis(doc, NULL, r), *text = NULL;
    size_t len = 0;
    FILE *f = core ? open_memstream(&text, &len) : NULL;
    if (!f) {
        free(core);
        return NULL;
    }
    fputs(core, f);
    if (json_is_object(logger)) {
        fputs(" Its logger, as read from the node: ", f);
        explain_target_logger(f, logger);
    }
    fclose(f);
    free(core);
    return text;
}
