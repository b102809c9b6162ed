/* scenario_keys.c -- the one scenario key table: section, name, type, field, default, help,
 * range, and the env key the node's `fixture' application gets. The parser, --set,
 * `logjam keys`, the JSON settings block and node_sys_config all walk it. */
#include "scenario_keys.h"

#include <string.h>

#include "load.h"
#include "scenario_backend.h"

static const char *const pool_names[] = {"spawn", "bounded", NULL};
static const char *const level_names[] = {"debug",    "info",  "notice",    "warning", "error",
                                          "critical", "alert", "emergency", "none",    NULL};

static const char *const axis_names[] = {"load.rate", "load.connections", NULL};

static const char *axis_name_at(unsigned i)
{
    return i < LIMIT_AXIS_COUNT ? axis_names[i] : NULL;
}

static const char *pool_name_at(unsigned i)
{
    return i <= POOL_BOUNDED ? pool_names[i] : NULL;
}

static const char *level_name_at(unsigned i)
{
    return i <= LEVEL_NONE ? level_names[i] : NULL;
}

static const char *backend_name_at(unsigned i)
{
    return i < BACKEND_COUNT ? scenario_backend(i)->name : NULL;
}

#define OFF(f) offsetof(struct scenario, f)
#define MS 1000ull
#define SEC 1000000ull

/* The one table: parser, defaults, scenario_foreach (JSON settings), --help. */
const struct key scenario_keys[] = {
    {"run", "duration", K_DURATION, OFF(duration_us), "30s", "load phase, including the ramp", 1, 0,
     .erl = NULL},
    {"run", "recovery", K_DURATION, OFF(recovery_us), "15s", "watch the drain after load stops", 0,
     0, .erl = NULL},
    {"run", "baseline", K_DURATION, OFF(baseline_us), "2s", "samples with no load before it", 0, 0,
     .erl = NULL},
    {"run", "sample_interval", K_DURATION, OFF(sample_interval_us), "250ms",
     "snapshot period (10ms..60s)", 10 * MS, 60 * SEC, .erl = NULL},
    {"run", "node_memory_limit", K_SIZE, OFF(node_memory_limit), "0",
     "safety cap on the node's memory; 0 = half the machine's RAM", 0, 0, .erl = NULL},
    {"run", "boot_timeout", K_DURATION, OFF(boot_timeout_us), "30s", "node start deadline", 1, 0,
     .erl = NULL},
    {"run", "abort_grace", K_DURATION, OFF(abort_grace_us), "5s",
     "gates marked ', abort' may stop the run only after this much load", 0, 0, .erl = NULL},
    {"run", "diagnose_at", K_TRIGGER, OFF(diagnose_at), "peak",
     "when to diagnose: peak, never, or METRIC OP VALUE (processes > 50000)", 0, 0, .erl = NULL},

    {"load", "connections", K_UINT, OFF(connections), "100", "client connections (1..100000)", 1,
     LOAD_MAX_CONNECTIONS, .erl = NULL},
    {"load", "threads", K_UINT, OFF(threads), "1", "load generator event loops (1..64)", 1,
     LOAD_MAX_THREADS, .erl = NULL},
    {"load", "rate", K_RATE, OFF(rate), "0/s", "open-loop target rate; 0 = closed loop", 0, 0,
     .erl = NULL},
    {"load", "ramp", K_DURATION, OFF(ramp_us), "0s", "linear ramp from 0 to rate", 0, 0,
     .erl = NULL},
    {"load", "stages", K_STAGES, OFF(stages), "",
     "rate profile 10s:1000/s, 30s:6000/s (replaces rate and ramp)", 0, 0, .erl = NULL},
    {"load", "request", K_REQUEST, OFF(request), "/ping", "request path and query", 0, 0,
     .erl = NULL},
    {"load", "client_timeout", K_DURATION, OFF(client_timeout_us), "1s",
     "the client gives up, closes, reconnects", 1, 0, .erl = NULL},

    {"pool", "mode", K_ENUM, OFF(pool_mode), "spawn",
     "spawn: a process per request; bounded: size workers", 0, 0, .names = pool_name_at,
     .erl = "pool_mode"},
    {"pool", "size", K_UINT, OFF(pool_size), "100", "bounded pool workers (1..1000000)", 1, 1000000,
     .erl = "pool_size"},
    {"pool", "acceptors", K_UINT, OFF(acceptors), "16", "listener acceptors (1..1024)", 1, 1024,
     .erl = "acceptors"},
    {"pool", "max_connections", K_INT_INF, OFF(max_connections), "infinity",
     "live connections the listener holds; more wait in the backlog (ranch 0.8: 1024); "
     "infinity = no cap",
     1, 0, .erl = "max_connections"},

    {"logger", "backend", K_ENUM, OFF(backend), "fixture", "fixture, lager, otp or elixir", 0, 0,
     .names = backend_name_at, .erl = "logger_backend"},
    {"logger", "level", K_ENUM, OFF(level), "info", "debug..emergency, or none", 0, 0,
     .names = level_name_at, .erl = "log_level"},
    {"logger", "async_threshold", K_INT_UNDEF, OFF(async_threshold), "20",
     "queue length that switches to sync; undefined = always sync", 0, 0, .erl = "async_threshold"},
    {"logger", "async_threshold_window", K_INT_UNDEF, OFF(async_threshold_window), "undefined",
     "hysteresis; undefined = 20% of async_threshold", 0, 0, .erl = "async_threshold_window"},
    {"logger", "killer_hwm", K_INT_UNDEF, OFF(killer_hwm), "undefined",
     "kill the handler above this queue length; undefined = never", 0, 0, .erl = "killer_hwm"},
    {"logger", "killer_reinstall_after", K_DURATION, OFF(killer_reinstall_after_us), "5s",
     "reinstall the killed handler after", 0, 0, .erl = "killer_reinstall_after", .erl_unit = MS},
    {"logger", "write_cost", K_DURATION, OFF(write_cost_us), "0us",
     "simulated slow disk per line (fixture backend)", 0, 0, .erl = "write_cost_us"},
    {"logger", "error_logger_redirect", K_BOOL, OFF(error_logger_redirect), "true",
     "lager: route OTP's error_logger events into lager", 0, 0, .erl = "error_logger_redirect"},
    {"logger", "error_logger_hwm", K_INT_UNDEF, OFF(error_logger_hwm), "50",
     "lager: redirected events per second above which they are dropped; undefined = no limit", 0, 0,
     .erl = "error_logger_hwm"},
    {"logger", "sync_mode_qlen", K_INT, OFF(sync_mode_qlen), "10", "OTP logger", 0, 0,
     .erl = "sync_mode_qlen"},
    {"logger", "drop_mode_qlen", K_INT, OFF(drop_mode_qlen), "200", "OTP logger (> 1)", 2, 0,
     .erl = "drop_mode_qlen"},
    {"logger", "flush_qlen", K_INT, OFF(flush_qlen), "1000", "OTP logger", 0, 0,
     .erl = "flush_qlen"},
    {"logger", "burst_limit_enable", K_BOOL, OFF(burst_limit_enable), "true", "OTP logger", 0, 0,
     .erl = "burst_limit_enable"},
    {"logger", "burst_limit_max_count", K_INT, OFF(burst_limit_max_count), "500", "OTP logger", 0,
     0, .erl = "burst_limit_max_count"},
    {"logger", "burst_limit_window_time", K_DURATION, OFF(burst_limit_window_time_us), "1s",
     "OTP logger", 0, 0, .erl = "burst_limit_window_time", .erl_unit = MS},
    {"logger", "overload_kill_enable", K_BOOL, OFF(overload_kill_enable), "false", "OTP logger", 0,
     0, .erl = "overload_kill_enable"},
    {"logger", "overload_kill_qlen", K_INT, OFF(overload_kill_qlen), "20000", "OTP logger", 0, 0,
     .erl = "overload_kill_qlen"},
    {"logger", "overload_kill_mem_size", K_SIZE, OFF(overload_kill_mem_size), "3000000",
     "OTP logger", 0, 0, .erl = "overload_kill_mem_size"},
    {"logger", "overload_kill_restart_after", K_MS_INF, OFF(overload_kill_restart_after_ms), "5s",
     "OTP logger; infinity = never restart", 0, 0, .erl = "overload_kill_restart_after"},
    {"logger", "sync_threshold", K_INT, OFF(sync_threshold), "20",
     "Elixir Logger: counter at or above it makes callers sync_notify; 0 = always sync", 0, 0,
     .erl = "sync_threshold"},
    {"logger", "discard_threshold", K_INT, OFF(discard_threshold), "500",
     "Elixir Logger: counter at or above it makes callers drop the message", 0, 0,
     .erl = "discard_threshold"},
    {"logger", "discard_threshold_periodic_check", K_DURATION,
     OFF(discard_threshold_periodic_check_us), "30s",
     "Elixir Logger: how often Logger re-reads its queue into the counter", 0, 0,
     .erl = "discard_threshold_periodic_check", .erl_unit = MS},
    {"logger", "sys_config", K_PATH, OFF(sys_config), "",
     "your own sys.config (relative to the scenario file)", 0, 0, .erl = NULL},

    {"target", "node", K_TEXT, OFF(target_node), "",
     "a node logjam did not start, name@127.0.0.1 or name@localhost; \"\" = start the fixture", 0,
     SCENARIO_TARGET_LEN, .erl = NULL},
    {"target", "cookie_file", K_PATH, OFF(target_cookie_file), "",
     "the target's cookie, in a file only its owner can read (0600 or 0400)", 0, 0, .erl = NULL},
    {"target", "url", K_TEXT, OFF(target_url), "",
     "the load's URL, http://127.0.0.1:PORT/path?query (loopback only)", 0, SCENARIO_REQUEST_LEN,
     .erl = NULL},
    {"target", "port", K_UINT, OFF(target_port), "0",
     "the target's distribution port (epmd-less node); 0 = ask the epmd on 127.0.0.1", 0, 65535,
     .erl = NULL},
    {"target", "diagnose_max_processes", K_UINT, OFF(target_diagnose_max), "100000",
     "automatic diagnoses (they walk every process) only up to this many; above it, on SIGUSR1", 1,
     100000000, .erl = NULL},
    {"target", "diagnose_force", K_BOOL, OFF(target_diagnose_force), "false",
     "diagnose automatically above diagnose_max_processes too", 0, 0, .erl = NULL},

    {"limit", "axis", K_ENUM, OFF(limit_axis), "load.rate",
     "logjam limit: the key searched, load.rate or load.connections", 0, 0, .names = axis_name_at,
     .erl = NULL},
    {"limit", "from", K_AXIS, OFF(limit_from), "0",
     "logjam limit: first value tried; 0 = a quarter of the scenario's own", 0, 0, .erl = NULL},
    {"limit", "to", K_AXIS, OFF(limit_to), "0", "logjam limit: highest value tried; 0 = no cap", 0,
     0, .erl = NULL},
    {"limit", "precision", K_PERCENT, OFF(limit_precision), "10%",
     "logjam limit: final bracket width, (fail - pass) / pass (0.1%..100%)", 0, 0, .erl = NULL},
    {"limit", "trial", K_DURATION, OFF(limit_trial_us), "10s",
     "logjam limit: load phase of a search trial (confirmations: run.duration)", 1, 0, .erl = NULL},
    {"limit", "min", K_AXIS, OFF(limit_min), "0",
     "logjam limit gate: the knee at least this (axis units); 0 = none", 0, 0, .erl = NULL},
    {"limit", "headroom", K_FACTOR, OFF(limit_headroom), "0",
     "logjam limit gate: the knee at least this x load.rate (2x); 0 = none", 0, 0, .erl = NULL},
};
const size_t scenario_nkeys = sizeof scenario_keys / sizeof scenario_keys[0];
_Static_assert(sizeof scenario_keys / sizeof scenario_keys[0] <= SCENARIO_NKEYS_MAX,
               "raise SCENARIO_NKEYS_MAX");

int scenario_key_find(const char *section, const char *name)
{
    for (size_t i = 0; i < scenario_nkeys; i++)
        if (strcmp(scenario_keys[i].section, section) == 0 &&
            strcmp(scenario_keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *scenario_level_name(enum log_level l)
{
    const char *s = level_name_at((unsigned)l);
    return s ? s : "?";
}

const char *scenario_pool_name(enum pool_mode m)
{
    const char *s = pool_name_at((unsigned)m);
    return s ? s : "?";
}
