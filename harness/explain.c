/* explain.c -- turn a probe diagnosis into one paragraph in the incident author's terms,
 * from a table of known stuck patterns; unknown groups are still reported by count. What it
 * says about a logger backend is that backend's row (scenario_backend.c). */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_backend.h"
#include "units.h"

/* A known way for a process to be stuck. A group matches when one of its frames contains
 * `frame` and (if set) one of its frames contains `also`. Order matters: first match wins. */
static const struct pattern {
    const char *name;
    const char *frame;
    const char *also;
    const char *says; /* what the processes are doing, for the paragraph */
    bool benign;      /* normal for a busy node (idle connections, acceptors): not "stuck" */
} patterns[] = {
    {"sync log call", "gen_event:rpc/2", NULL,
     "blocked in a synchronous log call (gen_event:sync_notify -> gen_event:rpc/2)", false},
    {"sync log call", "lager:do_log_impl", "gen:do_call", "blocked in lager's sync_notify", false},
    {"sync log call", "logger_olp:call", NULL,
     "blocked in a synchronous OTP logger call (logger_olp:call)", false},
    {"bounded pool queue", "fx_pool:", NULL, "waiting for a worker of the bounded pool", false},
    {"io request", "io:execute_request", NULL, "waiting on an io request (io:execute_request)",
     false},
    {"io request", "io:wait_io_mon_reply", NULL, "waiting on an io server reply", false},
    {"gen call to a busy process", "gen:do_call/4", NULL,
     "waiting in a synchronous call (gen:do_call/4)", false},
    {"connection", "fx_conn:loop", NULL, "connection processes waiting for a request or a reply",
     true},
    {"acceptor", "prim_inet:accept", NULL, "acceptors waiting for connections", true},
    {"idle server", "gen_server:loop", NULL, "idle servers", true},
    /* OTP logger callers that are not blocked (async/drop mode) but queue for a CPU while
     * formatting and checking the handler: busy, not stuck. After the logger_olp:call row. */
    {"otp log call", "logger_h_common:log/2", NULL, "running OTP logger's send path", true},
};

static bool stack_has(const json_t *stack, const char *needle)
{
    size_t i;
    const json_t *f;
    json_array_foreach(stack, i, f)
    {
        if (json_is_string(f) && strstr(json_string_value(f), needle))
            return true;
    }
    return false;
}

static const struct pattern *match(const json_t *stack)
{
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        const struct pattern *p = &patterns[i];
        if (stack_has(stack, p->frame) && (!p->also || stack_has(stack, p->also)))
            return p;
    }
    return NULL;
}

const char *explain_pattern(const json_t *stack, const char *waiting_on)
{
    (void)waiting_on;
    const struct pattern *p = match(stack);
    return p ? p->name : NULL;
}

static long long jint(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long long)json_integer_value(v)
                              : (json_is_real(v) ? (long long)json_real_value(v) : 0);
}

/* "gen:do_call/4 <- gen_event:rpc/2 <- fx_log:log/4" from the first frames. */
static void stack_text(const json_t *stack, char *buf, size_t len)
{
    size_t i, o = 0;
    const json_t *f;
    buf[0] = '\0';
    json_array_foreach(stack, i, f)
    {
        if (i >= 4 || !json_is_string(f))
            break;
        int n = snprintf(buf + o, len - o, "%s%s", i ? " <- " : "", json_string_value(f));
        if (n < 0 || (size_t)n >= len - o)
            break;
        o += (size_t)n;
    }
}

static void commas(long long x, char *buf, size_t len)
{
    units_format_count((double)x, buf, len);
}

/* What the diagnosis found: the largest group matching a stuck (not benign) pattern, and the
 * processes in every group of that pattern. */
struct finding {
    const json_t *best; /* NULL: no group matches a stuck pattern */
    const struct pattern *best_p;
    long long stuck;
};

static struct finding find_stuck(const json_t *groups)
{
    struct finding fd = {NULL, NULL, 0};
    size_t i;
    const json_t *g;
    json_array_foreach(groups, i, g)
    {
        const struct pattern *p = match(json_object_get(g, "stack"));
        if (!p || p->benign)
            continue;
        if (!fd.best_p || strcmp(p->name, fd.best_p->name) == 0)
            fd.stuck += jint(g, "count");
        if (!fd.best) {
            fd.best = g;
            fd.best_p = p;
        }
    }
    return fd;
}

/* A bounded pool holds the pile-up in its queue: say that first. all: the process total. */
static void say_bounded_pool(FILE *f, const json_t *pool, const struct finding *fd, const char *all)
{
    char q[32], w[32], b[32], st[512];
    commas(jint(pool, "queued"), q, sizeof q);
    commas(jint(pool, "busy"), w, sizeof w);
    fprintf(f,
            "The bounded pool holds the load in its queue: %s workers busy, %s requests "
            "queued; processes stay flat (%s in all), so the overload shows as latency "
            "and client timeouts instead.",
            w, q, all);
    if (!fd->best)
        return;
    stack_text(json_object_get(fd->best, "stack"), st, sizeof st);
    commas(fd->stuck, b, sizeof b);
    fprintf(f, " %s processes are %s, in %s", b, fd->best_p->says, st);
    const char *target = json_string_value(json_object_get(fd->best, "waiting_on"));
    if (target)
        fprintf(f, ", waiting on %s", target);
    fputc('.', f);
}

static void say_nothing_stuck(FILE *f, const json_t *groups, const char *all)
{
    char b[32], st[512];
    const json_t *top = json_array_get(groups, 0);
    fprintf(f,
            "Nothing is stuck: no known blocking pattern holds a significant share of the "
            "%s processes",
            all);
    if (top) {
        stack_text(json_object_get(top, "stack"), st, sizeof st);
        commas(jint(top, "count"), b, sizeof b);
        fprintf(f, " (the largest group, %s processes, is in %s)", b, st);
    }
    fputc('.', f);
}

/* What the scenario's logger backend and pool say about a sync log call pile-up. */
static void say_sync_log_call(FILE *f, const struct scenario *sc, const struct results *r,
                              const json_t *logger)
{
    const struct backend *be = scenario_backend(sc->backend);
    be->explain_sync(f, sc, r, json_string_value(json_object_get(logger, "mode")));
    if (sc->sys_config[0] && be->user_config_applies)
        fprintf(f, " (Thresholds named here are the scenario's; %s may set others.)",
                sc->sys_config);
    if (sc->pool_mode == POOL_SPAWN)
        fprintf(f, " The spawn pool gives every request a new process, so the pile-up "
                   "grows with the load.");
}

/* The stuck share, where the processes are, whom they wait on and that one's mailbox. */
static void say_stuck(FILE *f, const struct finding *fd, long long total, const char *all,
                      const json_t *logger)
{
    char b[32], st[512];
    const char *target = json_string_value(json_object_get(fd->best, "waiting_on"));
    stack_text(json_object_get(fd->best, "stack"), st, sizeof st);
    commas(fd->stuck, b, sizeof b);
    fprintf(f, "%.0f%% of %s processes (%s) are %s, in %s",
            total ? 100.0 * (double)fd->stuck / (double)total : 0, all, b, fd->best_p->says, st);
    if (target) {
        long long q = jint(fd->best, "target_queue");
        fprintf(f, ", waiting on %s", target);
        if (!q && logger && strstr(fd->best_p->name, "log"))
            q = jint(logger, "queue_len");
        if (q) {
            commas(q, b, sizeof b);
            fprintf(f, " (mailbox %s)", b);
        }
    }
    fputc('.', f);
}

/* Unknown patterns are never hidden: the largest unmatched group, if it has floor processes. */
static void say_unknown(FILE *f, const json_t *groups, long long floor)
{
    char b[32], st[512];
    size_t i;
    const json_t *g;
    json_array_foreach(groups, i, g)
    {
        if (match(json_object_get(g, "stack")))
            continue;
        long long n = jint(g, "count");
        if (n < floor)
            break;
        stack_text(json_object_get(g, "stack"), st, sizeof st);
        commas(n, b, sizeof b);
        fprintf(f, " Also %s processes in %s (no known pattern).", b, st);
        break;
    }
}

char *explain_diagnosis(const json_t *doc, const struct scenario *sc, const struct results *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    long long total = jint(doc, "process_count");
    bool partial = json_is_true(json_object_get(doc, "partial"));
    long long scanned = jint(doc, "scanned");
    if (partial && scanned > 0 && scanned < total)
        total = scanned; /* shares are of what was seen; the note at the end says so */
    const json_t *groups = json_object_get(doc, "by_stack");
    const json_t *logger = json_object_get(doc, "logger");
    const json_t *pool = json_object_get(doc, "pool");
    const char *pool_mode = json_string_value(json_object_get(pool, "mode"));
    struct finding fd = find_stuck(groups);
    long long floor = total / 20 > 100 ? total / 20 : 100;
    char all[32], b[32];
    commas(total, all, sizeof all);

    if (pool_mode && strcmp(pool_mode, "bounded") == 0) {
        say_bounded_pool(f, pool, &fd, all);
    } else if (!fd.best || fd.stuck < floor) {
        say_nothing_stuck(f, groups, all);
    } else {
        say_stuck(f, &fd, total, all, logger);
        if (strcmp(fd.best_p->name, "sync log call") == 0 && sc)
            say_sync_log_call(f, sc, r, logger);
    }
    if (r && sc && r->kills > 0)
        scenario_backend(sc->backend)->explain_kills(f, sc, r);
    say_unknown(f, groups, floor);
    if (partial) {
        commas(jint(doc, "process_count"), b, sizeof b);
        fprintf(f, " (Partial: the scan hit its time budget after %lld of %s processes.)", scanned,
                b);
    }
    fclose(f);
    return text;
}
