/* explain_target.h -- the diagnosis paragraph for a node logjam did not start: the diagnosis
 * in words (explain.c), then the logger settings the node was read to run with. */
#ifndef LJ_EXPLAIN_TARGET_H
#define LJ_EXPLAIN_TARGET_H

#include <jansson.h>

#include "series.h"

/* explain_diagnosis(doc) without a scenario's logger (the scenario does not configure a
 * target), followed by "Its logger, as read from the node: ..." from logger (the reply of
 * logjam_settings:logger(); NULL or null: left out). Caller frees; NULL when out of memory. */
char *explain_target(const json_t *doc, const json_t *logger, const struct results *r);

/* The logger settings sentence alone on f (lager sinks, OTP handlers, Elixir's Logger). */
void explain_target_logger(FILE *f, const json_t *logger);

#endif
