/* explain.h -- turn a probe diagnosis into the incident author's conclusion, in one
 * paragraph: how many processes are stuck where, waiting on whom, and which logger setting
 * put them there. The known stuck patterns are a table (explain.c). */
#ifndef LJ_EXPLAIN_H
#define LJ_EXPLAIN_H

#include <jansson.h>

#include "scenario.h"
#include "series.h"

/* The paragraph for diagnosis doc (logjam_probe:diagnose/1's reply as JSON), with the run's
 * results for the logger's history (r may be NULL). Caller frees. NULL on out-of-memory. */
char *explain_diagnosis(const json_t *doc, const struct scenario *sc, const struct results *r);

/* The pattern a stack group matches: its name ("sync log call", ...) or NULL if unknown.
 * stack: JSON array of "M:F/A" strings, innermost first; waiting_on may be NULL. */
const char *explain_pattern(const json_t *stack, const char *waiting_on);

#endif
