/* target.h -- a node logjam did not start: its cookie read from its file, hidden C node
 * connections to it, logjam's probe loaded into it from logjam's own beams (refused over a
 * different module of the same name) and removed again, its logger settings read. */
#ifndef LJ_TARGET_H
#define LJ_TARGET_H

#include <jansson.h>
#include <stdbool.h>

#include "probe.h"
#include "scenario.h"

struct target;

/* Attach to sc's [target]: read the cookie file, connect (a control connection, kept open),
 * load logjam's probe modules from probe_ebin into the node unless the very same module is
 * there already, and read hello() and the logger's settings. Returns NULL with one line in err
 * when the node cannot be reached, the cookie is wrong, or a different module of a probe
 * module's name is loaded (nothing is left loaded then). */
struct target *target_open(const struct scenario *sc, const char *probe_ebin, char *err);

/* One more connection to the target (each thread its own), the alive name's role unique. */
struct probe *target_probe(struct target *t, const char *role, char *err);

/* Whether the control connection still stands (answers the node's ticks, never waits). */
bool target_alive(struct target *t);

const struct hello *target_hello(const struct target *t);

/* The target as the report shows it (borrowed, valid until target_close): node, how it was
 * reached, the probe modules loaded or found, and `logger`, logjam_settings:logger()'s reply
 * read before the load (null when it could not be read). */
const json_t *target_doc(const struct target *t);

/* Remove what logjam loaded (code:purge, code:delete, code:purge: any process still running
 * it ends), close the connection, forget the cookie, free. Safe with NULL. */
void target_close(struct target *t);

#endif
