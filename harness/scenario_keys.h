/* scenario_keys.h -- the scenario key table and its value codecs, shared by the scenario
 * front end (scenario.c), the value parsers (scenario_value.c) and the node's sys.config
 * (node.c). Not for other modules: they see struct scenario and scenario.h's API. */
#ifndef LJ_SCENARIO_KEYS_H
#define LJ_SCENARIO_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

/* How a key's value is stored in struct scenario and, when the row names an Erlang env key,
 * which term the node's sys.config gets for it. */
enum key_type {
    K_DURATION,  /* uint64_t us; Erlang: integer, us / erl_unit */
    K_SIZE,      /* uint64_t bytes; Erlang: integer */
    K_RATE,      /* double per second; not sent */
    K_UINT,      /* unsigned; Erlang: integer */
    K_INT,       /* int64_t >= min; Erlang: integer */
    K_INT_UNDEF, /* int64_t >= 0, or SCENARIO_UNDEFINED for `undefined`; Erlang: same */
    K_INT_INF,   /* int64_t >= min, or SCENARIO_UNDEFINED for `infinity`; Erlang: same */
    K_BOOL,      /* bool; Erlang: true | false */
    K_ENUM,      /* an int, names from key.names; Erlang: the name as an atom */
    K_STAGES,    /* stages[] + nstages; not sent */
    K_REQUEST,   /* char[SCENARIO_REQUEST_LEN]; not sent */
    K_PATH,      /* char[SCENARIO_PATH_LEN], an existing readable file, stored absolute */
    K_TRIGGER,   /* char[128]: peak | never | METRIC OP VALUE; not sent */
    K_MS_INF,    /* int64_t ms, or SCENARIO_UNDEFINED for `infinity`; Erlang: same */
    K_PERCENT,   /* double fraction, written "10%", > 0; not sent */
    K_FACTOR,    /* double >= 0, written "2x" (or "2"); not sent */
    K_TEXT,      /* char[max]: printable ASCII, no blanks, may be empty; not sent */
    K_AXIS,      /* struct scenario_axis_value: a rate or a count, checked against limit.axis */
};

/* One scenario key: the parser, --set, `logjam keys`, the JSON settings block and the
 * node's `fixture' application env all read this row. */
struct key {
    const char *section;
    const char *name;
    enum key_type type;
    size_t off;
    const char *def; /* default, as scenario text */
    const char *help;
    uint64_t min, max;                /* base units; max 0 = no limit */
    const char *(*names)(unsigned i); /* K_ENUM: the i-th name, NULL past the last */
    const char *erl;                  /* env key in the node's `fixture' app; NULL = not sent */
    uint64_t erl_unit;                /* base units per Erlang unit (1000: us -> ms); 0 = 1 */
};

#define SCENARIO_NKEYS_MAX 96 /* room in per-key arrays; scenario_keys.c checks */

extern const struct key scenario_keys[];
extern const size_t scenario_nkeys;

/* Index of [section] name in scenario_keys, or -1. */
int scenario_key_find(const char *section, const char *name);

/* Store value (trimmed, non-empty unless the type allows it) into k's field of sc. dir
 * resolves relative paths ("" = the working directory). Returns 0, or -1 with one whole
 * message in msg ("bad value 'x' for [run] duration: expected ..."). */
int scenario_set_value(struct scenario *sc, const struct key *k, const char *value, const char *dir,
                       char *msg);

/* k's effective value in sc as scenario text ("250ms", "undefined") into buf. */
void scenario_format_value(const struct scenario *sc, const struct key *k, char *buf, size_t len);

/* k's effective value in sc as the Erlang term its env key gets ("5000", "undefined",
 * "bounded") into buf. Only for rows with an erl name. */
void scenario_erl_term(const struct scenario *sc, const struct key *k, char *buf, size_t len);

/* An Erlang string literal of s on f: quotes and backslashes escaped, control characters as
 * \ooo. */
void scenario_put_erl_string(FILE *f, const char *s);

/* s without leading and trailing blanks (in place). */
char *scenario_trim(char *s);

#endif
