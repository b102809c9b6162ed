/* scenario.h -- the validated description of one run: INI file (inih) + --set overrides.
 *
 * struct scenario is plain data shared by every module; it is declared here only. The key
 * table in scenario.c (name, type, default, help) drives the parser, `logjam --help`, and the
 * `settings` block of the JSON summary. */
#ifndef LJ_SCENARIO_H
#define LJ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gate.h"
#include "util.h"

#define SCENARIO_PATH_LEN 1024
#define SCENARIO_REQUEST_LEN 1024
#define SCENARIO_MAX_STAGES 32
#define SCENARIO_MAX_OVERRIDES 64
#define SCENARIO_MAX_GATES 64
#define SCENARIO_TARGET_LEN 256 /* [target] node */
#define SCENARIO_MAX_LINE 4096  /* longer lines are an error, never truncated silently */

/* An integer setting that may also be the atom `undefined` (lager's async_threshold). */
#define SCENARIO_UNDEFINED (-1)

enum pool_mode { POOL_SPAWN = 0, POOL_BOUNDED };
/* [limit] axis: the scenario keys a capacity search can vary. */
enum limit_axis { LIMIT_AXIS_RATE = 0, LIMIT_AXIS_CONNECTIONS, LIMIT_AXIS_COUNT };

/* A value on the [limit] axis (from, to, min): read as a rate when set, checked against the
 * axis once every key is known (a count, like 50, for load.connections). */
struct scenario_axis_value {
    double v;      /* in axis units: req/s or connections; 0 = not set */
    char text[32]; /* as written ("" = the default 0), for the check and its message */
};
/* One row each in scenario_backend.c, in this order. */
enum logger_backend {
    BACKEND_FIXTURE = 0,
    BACKEND_LAGER,
    BACKEND_OTP,
    BACKEND_ELIXIR,
    BACKEND_COUNT
};
/* Syslog levels, lager's and OTP logger's names, most verbose first. */
enum log_level {
    LEVEL_DEBUG = 0,
    LEVEL_INFO,
    LEVEL_NOTICE,
    LEVEL_WARNING,
    LEVEL_ERROR,
    LEVEL_CRITICAL,
    LEVEL_ALERT,
    LEVEL_EMERGENCY,
    LEVEL_NONE
};

/* [sweep]: what `logjam sweep` varies. Axes (`section.key = v1, v2, ...`) multiply; named rows
 * (`name = section.key=value, section.key=value`) form one more axis, the outermost. Values are
 * checked one by one when read; combinations are checked by the sweep (scenario_validate). */
#define SCENARIO_MAX_SWEEP_KEYS 8
#define SCENARIO_MAX_SWEEP_VALUES 16
#define SCENARIO_SWEEP_VALUE_LEN 96
#define SCENARIO_SWEEP_SETS_LEN 512

struct sweep_axis {
    char key[64]; /* "section.key" */
    unsigned nvalues;
    char values[SCENARIO_MAX_SWEEP_VALUES][SCENARIO_SWEEP_VALUE_LEN];
};

struct sweep_row {
    char name[64];                      /* no '.', no ',' */
    char sets[SCENARIO_SWEEP_SETS_LEN]; /* "section.key=value, ..." ("" = the scenario as is) */
};

struct stage {
    uint64_t duration_us;
    double rate; /* target req/s at the end of the stage; linear from the previous target */
};

struct scenario {
    char path[SCENARIO_PATH_LEN]; /* file it was read from ("" for defaults only) */
    char name[128];               /* basename without .ini */

    /* [run] */
    uint64_t duration_us;        /* load phase, including the ramp */
    uint64_t recovery_us;        /* watch the drain after load stops */
    uint64_t baseline_us;        /* samples with no load before the load phase */
    uint64_t sample_interval_us; /* snapshot period */
    uint64_t node_memory_limit;  /* safety cap in bytes; 0 = half the machine's RAM */
    uint64_t boot_timeout_us;    /* node start deadline */
    uint64_t abort_grace_us;     /* gates with abort act only after this much load */
    char diagnose_at[128];       /* "peak" (default), "never", or "METRIC OP VALUE" */

    /* [load] */
    unsigned connections;
    unsigned threads; /* event loops */
    double rate;      /* req/s; 0 = closed loop */
    uint64_t ramp_us; /* linear rate ramp from 0 at the start of the load phase */
    struct stage stages[SCENARIO_MAX_STAGES]; /* optional: replaces rate/ramp when nstages > 0 */
    unsigned nstages;
    char request[SCENARIO_REQUEST_LEN]; /* path and query, e.g. /work?logs=10&level=debug */
    uint64_t client_timeout_us;         /* the client gives up, closes, reconnects */

    /* [pool] */
    enum pool_mode pool_mode;
    unsigned pool_size; /* bounded: long-lived workers */
    unsigned acceptors; /* listener acceptor processes */
    int64_t
        max_connections; /* live connections the listener holds; SCENARIO_UNDEFINED = infinity */

    /* [logger] */
    enum logger_backend backend;
    enum log_level level;
    int64_t async_threshold;        /* SCENARIO_UNDEFINED = `undefined` (always sync) */
    int64_t async_threshold_window; /* SCENARIO_UNDEFINED = default 20% of threshold */
    int64_t killer_hwm;             /* SCENARIO_UNDEFINED = no killer */
    uint64_t killer_reinstall_after_us;
    uint64_t write_cost_us; /* simulated slow disk per line (fixture backend) */
    /* lager's error_logger redirect (backend = lager), defaults as lager 3.9.2's. */
    bool error_logger_redirect;
    int64_t error_logger_hwm; /* SCENARIO_UNDEFINED = no limit */
    /* OTP logger overload protection (backend = otp), defaults as OTP 25's. */
    int64_t sync_mode_qlen, drop_mode_qlen, flush_qlen;
    bool burst_limit_enable;
    int64_t burst_limit_max_count;
    uint64_t burst_limit_window_time_us;
    bool overload_kill_enable;
    int64_t overload_kill_qlen;
    uint64_t overload_kill_mem_size;
    int64_t overload_kill_restart_after_ms; /* SCENARIO_UNDEFINED = infinity */
    /* Elixir 1.14's Logger (backend = elixir), defaults as its logger.app's. */
    int64_t sync_threshold, discard_threshold;
    uint64_t discard_threshold_periodic_check_us;
    char sys_config[SCENARIO_PATH_LEN]; /* user's own sys.config, "" = none */

    /* [target] (a node logjam did not start; node "" = the fixture, which logjam starts) */
    char target_node[SCENARIO_TARGET_LEN];      /* alive@127.0.0.1 or alive@localhost */
    char target_cookie_file[SCENARIO_PATH_LEN]; /* 0600 or stricter; read, never shown */
    char target_url[SCENARIO_REQUEST_LEN];      /* http://127.x.x.x:PORT/path?query */
    unsigned target_port;                       /* distribution port; 0 = the local epmd */
    unsigned target_diagnose_max;               /* automatic diagnoses up to this many processes */
    bool target_diagnose_force;                 /* ... and above it too */

    /* [gates] */
    struct gate gates[SCENARIO_MAX_GATES];
    unsigned ngates;

    /* [limit] (read by `logjam limit` only; `run` ignores it) */
    int limit_axis;                        /* enum limit_axis: the scenario key the search varies */
    struct scenario_axis_value limit_from; /* first value tried; 0 = a quarter of the own */
    struct scenario_axis_value limit_to;   /* the highest value tried; 0 = no cap */
    double limit_precision;                /* (lowest fail - highest pass) / highest pass */
    uint64_t limit_trial_us; /* load phase of a search trial; confirmations use run.duration */
    struct scenario_axis_value limit_min; /* the gate: the knee at least this; 0 = none */
    double limit_headroom; /* the gate: the knee at least this x load.rate; 0 = none */

    /* [sweep] (read by `logjam sweep` only; `run` ignores it) */
    struct sweep_axis sweep[SCENARIO_MAX_SWEEP_KEYS];
    unsigned nsweep;
    struct sweep_row sweep_rows[SCENARIO_MAX_SWEEP_VALUES];
    unsigned nsweep_rows;
};

/* Fill sc with every default. */
void scenario_defaults(struct scenario *sc);

/* Read path (NULL: defaults only), then apply overrides ("section.key=value", in order),
 * then validate the whole scenario (cross-key rules, every gate). On error returns -1 and
 * err holds one line "file:line: what (did you mean 'x'?)" or "--set section.key=value: what";
 * the caller exits 104. On error sc holds a partly read scenario: do not use it.
 * A missing file: "path: cannot open: No such file or directory". */
int scenario_load(struct scenario *sc, const char *path, const char *const *overrides,
                  unsigned noverrides, char *err);

/* Like scenario_load without overrides, but the file's text is given: len bytes (NULs and
 * garbage are reported, not trusted). name is used in errors, for sc->path and sc->name, and
 * to resolve relative includes and sys_config. For tests and the fuzzer. (Added.) */
int scenario_load_string(struct scenario *sc, const char *name, const char *text, size_t len,
                         char *err);

/* Check the cross-key rules (window <= threshold, OTP qlen order, stages vs rate/ramp,
 * ramp <= duration, threads <= connections) on an already filled scenario, e.g. after
 * scenario_set in a sweep. Returns 0, or -1 with err "path: what". (Added.) */
int scenario_validate(const struct scenario *sc, char *err);

/* Apply one "section.key=value" override; -1 with err on unknown key or bad value. */
int scenario_set(struct scenario *sc, const char *assignment, char *err);

/* Add a sweep axis: key "section.key", values "v1, v2, ..." (comma-separated, trimmed, none
 * empty). Each value is checked by applying it to a scratch copy of sc. An axis for a key
 * already swept replaces it when replace is true (--vary over [sweep]), else is an error.
 * Returns 0, or -1 with err "what" (no file:line: the caller prefixes where). */
int scenario_sweep_add(struct scenario *sc, const char *key, const char *values, bool replace,
                       char *err);

/* Add a named sweep row: name (no '.' or ','), sets "section.key=value, ..." (may be empty),
 * each assignment checked by applying it to a scratch copy of sc. Returns 0, or -1 with err. */
int scenario_sweep_add_row(struct scenario *sc, const char *name, const char *sets, char *err);

/* Call fn for every key with its effective value formatted as in a scenario file
 * ("250ms", "undefined", "spawn"). Drives the JSON `settings` block. */
void scenario_foreach(const struct scenario *sc,
                      void (*fn)(const char *section, const char *key, const char *value,
                                 void *arg),
                      void *arg);

/* Print the key reference (section, key, default, help) for --help and the man page. */
void scenario_print_keys(FILE *out);

const char *scenario_level_name(enum log_level l);
const char *scenario_backend_name(enum logger_backend b);
const char *scenario_pool_name(enum pool_mode m);

#endif
