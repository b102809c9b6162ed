/* scenario_backend.h -- the logger backends, one row each: the scenario's name for it, the
 * [logger] keys that apply to it, its cross-key rules, its own section of the node's
 * sys.config, and what the diagnosis says about it. A new backend is one row in
 * scenario_backend.c (plus its enum value and its Erlang module, fx_log_<name>.erl). */
#ifndef LJ_SCENARIO_BACKEND_H
#define LJ_SCENARIO_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

struct results;

struct backend {
    const char *name;        /* [logger] backend = name; fx_log_<name> on the node */
    const char *const *keys; /* the [logger] keys it reads, NULL-terminated */
    /* Its cross-key rules on sc (NULL: none): NULL when they hold, else the keys to blame
     * ("logger.sync_mode_qlen", ..., NULL) with the rule broken in why. */
    const char *const *(*check)(const struct scenario *sc, char *why, size_t len);
    /* Its own application's section of sys.config, or NULL: the name, the fixture keys
     * copied there under the same env names, and the terms that are not scenario keys. */
    const char *app;
    const char *const *app_keys;
    void (*app_terms)(FILE *f, const struct scenario *sc, const char *log_file);
    /* Diagnosis: callers stuck in a synchronous log call (mode: the logger's mode as the probe
     * saw it, or NULL), and the logger killed r->kills times. */
    void (*explain_sync)(FILE *f, const struct scenario *sc, const struct results *r,
                         const char *mode);
    void (*explain_kills)(FILE *f, const struct scenario *sc, const struct results *r);
    bool user_config_applies; /* a user's sys.config may change its thresholds */
    /* Directories the node needs on its code path (-pa) for this backend, NULL-terminated,
     * or NULL: the code of a logger that is not part of OTP. */
    const char *const *code_path;
};

/* The row of backend b (b < BACKEND_COUNT). */
const struct backend *scenario_backend(enum logger_backend b);

#endif
