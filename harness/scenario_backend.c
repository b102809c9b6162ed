/* scenario_backend.c -- the logger backends table: one row per backend with its name, the
 * [logger] keys it reads, its cross-key rules, its own sys.config section and the sentences
 * the diagnosis says about it. scenario.c, node.c and explain.c read the rows; none of them
 * names a backend. */
#include "scenario_backend.h"

#include <string.h>

#include "scenario_keys.h"
#include "series.h"
#include "units.h"

#ifndef LJ_ELIXIR_LIB
#define LJ_ELIXIR_LIB "/usr/lib/elixir/lib" /* Debian's elixir; the Makefile sets it */
#endif

static const char *const fixture_keys[] = {
    "level",      "async_threshold",        "async_threshold_window",
    "killer_hwm", "killer_reinstall_after", "write_cost",
    NULL};
static const char *const lager_keys[] = {"level",
                                         "async_threshold",
                                         "async_threshold_window",
                                         "killer_hwm",
                                         "killer_reinstall_after",
                                         "error_logger_redirect",
                                         "error_logger_hwm",
                                         "sys_config",
                                         NULL};
static const char *const lager_app_keys[] = {
    "async_threshold",       "async_threshold_window", "killer_hwm", "killer_reinstall_after",
    "error_logger_redirect", "error_logger_hwm",       NULL};
static const char *const otp_keys[] = {"level",
                                       "sync_mode_qlen",
                                       "drop_mode_qlen",
                                       "flush_qlen",
                                       "burst_limit_enable",
                                       "burst_limit_max_count",
                                       "burst_limit_window_time",
                                       "overload_kill_enable",
                                       "overload_kill_qlen",
                                       "overload_kill_mem_size",
                                       "overload_kill_restart_after",
                                       "sys_config",
                                       NULL};
static const char *const elixir_keys[] = {"level",
                                          "sync_threshold",
                                          "discard_threshold",
                                          "discard_threshold_periodic_check",
                                          "sys_config",
                                          NULL};
static const char *const elixir_app_keys[] = {"sync_threshold", "discard_threshold",
                                              "discard_threshold_periodic_check", NULL};
static const char *const elixir_code_path[] = {LJ_ELIXIR_LIB "/elixir/ebin",
                                               LJ_ELIXIR_LIB "/logger/ebin", NULL};

/* ---- cross-key rules ---- */

/* lager's throttle (and the fixture's copy of it): the window must not exceed the threshold,
 * lager 3.9.2 rejects it as bad_config. */
static const char *const *check_throttle(const struct scenario *sc, char *why, size_t len)
{
    static const char *const blame[] = {"logger.async_threshold_window", "logger.async_threshold",
                                        NULL};
    if (sc->async_threshold == SCENARIO_UNDEFINED ||
        sc->async_threshold_window == SCENARIO_UNDEFINED ||
        sc->async_threshold_window <= sc->async_threshold)
        return NULL;
    snprintf(why, len,
             "[logger] async_threshold_window %lld is larger than async_threshold %lld "
             "(lager rejects this as bad_config)",
             (long long)sc->async_threshold_window, (long long)sc->async_threshold);
    return blame;
}

/* OTP's logger_olp:check_opts: sync_mode_qlen <= drop_mode_qlen <= flush_qlen. */
static const char *const *check_otp(const struct scenario *sc, char *why, size_t len)
{
    static const char *const blame[] = {"logger.sync_mode_qlen", "logger.drop_mode_qlen",
                                        "logger.flush_qlen", NULL};
    if (sc->sync_mode_qlen <= sc->drop_mode_qlen && sc->drop_mode_qlen <= sc->flush_qlen)
        return NULL;
    snprintf(why, len,
             "[logger] OTP logger needs sync_mode_qlen <= drop_mode_qlen <= flush_qlen, "
             "got %lld, %lld, %lld",
             (long long)sc->sync_mode_qlen, (long long)sc->drop_mode_qlen,
             (long long)sc->flush_qlen);
    return blame;
}

/* ---- sys.config ---- */

/* lager 3.9.2's own env beyond the copied keys: one lager_file_backend at the level (none:
 * no handler), no crash log, no colours. */
static void lager_terms(FILE *f, const struct scenario *sc, const char *log_file)
{
    fprintf(f, "  {handlers, [");
    if (sc->level != LEVEL_NONE) {
        fprintf(f, "{lager_file_backend, [{file, ");
        scenario_put_erl_string(f, log_file);
        fprintf(f, "}, {level, %s}]}", scenario_level_name(sc->level));
    }
    fprintf(f, "]},\n  {crash_log, false}, {colored, false}");
}

/* Elixir's `logger' application beyond the copied keys: the level, and its `:console'
 * backend writing the fixture's log file (fx_log_elixir registers the file's io device under
 * this name before Logger starts) in a lager-like line, without colours. */
static void elixir_terms(FILE *f, const struct scenario *sc, const char *log_file)
{
    (void)log_file;
    fprintf(f,
            "  {level, %s},\n"
            "  {console, [{device, fx_log_elixir_file}, "
            "{format, <<\"$date $time $metadata[$level] $message\\n\">>}, "
            "{metadata, [pid]}, {colors, [{enabled, false}]}]}",
            scenario_level_name(sc->level));
}

/* ---- diagnosis ---- */

/* lager's throttle (fixture and lager): why callers block and stay blocked. */
static void explain_throttle(FILE *f, const struct scenario *sc, const struct results *r,
                             const char *mode)
{
    if (sc->async_threshold == SCENARIO_UNDEFINED)
        fprintf(f, " async_threshold = undefined makes every log call synchronous.");
    else if (r && r->has_sync_first)
        fprintf(f,
                " The logger switched to sync at %.1f s (queue > async_threshold %lld) "
                "and was sync %.0f%% of the time; in sync mode each blocked caller "
                "keeps one message in the queue, so it stays above the window "
                "(%lld) and never switches back while callers keep coming.",
                r->sync_first, (long long)sc->async_threshold, r->sync_share * 100,
                (long long)(sc->async_threshold - (sc->async_threshold_window == SCENARIO_UNDEFINED
                                                       ? sc->async_threshold / 5
                                                       : sc->async_threshold_window)));
    if (mode && strcmp(mode, "killed") == 0)
        fprintf(f,
                " The manager killer (killer_hwm %lld) had just killed the sink, "
                "dropping its queue; callers blocked in it exit with it.",
                (long long)sc->killer_hwm);
}

static void explain_otp(FILE *f, const struct scenario *sc, const struct results *r,
                        const char *mode)
{
    (void)r;
    fprintf(f,
            " OTP's logger handler was in %s mode (sync_mode_qlen %lld, "
            "drop_mode_qlen %lld, flush_qlen %lld); a synchronous caller waits at "
            "most 5 s in logger_olp:call, then its event counts as dropped.",
            mode ? mode : "an unknown", (long long)sc->sync_mode_qlen,
            (long long)sc->drop_mode_qlen, (long long)sc->flush_qlen);
}

/* Elixir 1.14: the caller's own decision in Logger.Handler.log/2 from the shared counter. */
static void explain_elixir(FILE *f, const struct scenario *sc, const struct results *r,
                           const char *mode)
{
    (void)r;
    fprintf(f,
            " Elixir's Logger put them there: in each caller Logger.__do_log__ -> "
            "Logger.Handler.log/2 bumps a counter (the Logger process's queue as Logger.Config "
            "last read it, plus the calls since) and at or above sync_threshold %lld sends with "
            ":gen_event.sync_notify, which waits in gen_event:rpc/2 on Logger until every "
            "handler has taken the event;",
            (long long)sc->sync_threshold);
    if (sc->discard_threshold <= sc->sync_threshold)
        fprintf(f,
                " discard_threshold %lld is not above sync_threshold, so callers drop their "
                "message before they would wait (the blocked ones here came in before the "
                "counter reached it).",
                (long long)sc->discard_threshold);
    else
        fprintf(f,
                " at or above discard_threshold %lld a caller drops its message instead, so "
                "about that many callers wait at once at most (the mode was %s).",
                (long long)sc->discard_threshold, mode ? mode : "unknown");
    if (sc->sync_threshold == 0)
        fprintf(f, " sync_threshold 0 makes every call synchronous.");
}

/* What killing the logger cost, in the run's own numbers: a killed logger keeps callers from
 * piling up by throwing work away, and a pass by that route should say so. */
static void kills_throttle(FILE *f, const struct scenario *sc, const struct results *r)
{
    char k[32], d[32], fl[32];
    units_format_count((double)r->kills, k, sizeof k);
    units_format_count((double)r->dropped, d, sizeof d);
    units_format_count((double)r->load.failed, fl, sizeof fl);
    fprintf(f, " The logger was killed %s %s", k, r->kills == 1 ? "time" : "times");
    if (sc->killer_hwm != SCENARIO_UNDEFINED)
        fprintf(f, " (killer_hwm %lld)", (long long)sc->killer_hwm);
    fprintf(f,
            ": each kill threw its queue away (at least %s events dropped) and failed the "
            "callers blocked in it (%s requests failed in the run), and nothing is logged "
            "until its handlers are reinstalled (killer_reinstall_after %.3g s).",
            d, fl, (double)sc->killer_reinstall_after_us / 1e6);
}

/* " <who> K times (<why>): <what> (at least D events dropped<extra>)<tail>" */
static void kills_sentence(FILE *f, const struct results *r, const char *who, const char *why,
                           const char *what, const char *extra, const char *tail)
{
    char k[32], d[32];
    units_format_count((double)r->kills, k, sizeof k);
    units_format_count((double)r->dropped, d, sizeof d);
    fprintf(f, " %s %s %s (%s): %s (at least %s events dropped%s)%s", who, k,
            r->kills == 1 ? "time" : "times", why, what, d, extra, tail);
}

static void kills_otp(FILE *f, const struct scenario *sc, const struct results *r)
{
    (void)sc;
    kills_sentence(f, r, "OTP's logger handler was killed", "overload protection",
                   "each kill threw its queue away", "",
                   ", and nothing is logged until overload_kill_restart_after has passed.");
}

/* Elixir's Logger has no killer: its process was replaced (a crash its supervisor restarted). */
static void kills_elixir(FILE *f, const struct scenario *sc, const struct results *r)
{
    (void)sc;
    kills_sentence(f, r, "Elixir's Logger process was replaced",
                   "it crashed and its supervisor restarted it", "its queue went with it",
                   ", discards included", ".");
}

/* ---- the table, in enum logger_backend order ---- */

static const struct backend backends[] = {
    [BACKEND_FIXTURE] = {"fixture", fixture_keys, check_throttle, NULL, NULL, NULL,
                         explain_throttle, kills_throttle, false, NULL},
    [BACKEND_LAGER] = {"lager", lager_keys, check_throttle, "lager", lager_app_keys, lager_terms,
                       explain_throttle, kills_throttle, true, NULL},
    [BACKEND_OTP] = {"otp", otp_keys, check_otp, NULL, NULL, NULL, explain_otp, kills_otp, true,
                     NULL},
    [BACKEND_ELIXIR] = {"elixir", elixir_keys, NULL, "logger", elixir_app_keys, elixir_terms,
                        explain_elixir, kills_elixir, true, elixir_code_path},
};
_Static_assert(sizeof backends / sizeof backends[0] == BACKEND_COUNT, "one row per backend");

const struct backend *scenario_backend(enum logger_backend b)
{
    return &backends[(unsigned)b < BACKEND_COUNT ? b : BACKEND_FIXTURE];
}

const char *scenario_backend_name(enum logger_backend b)
{
    return (unsigned)b < BACKEND_COUNT ? backends[b].name : "?";
}
