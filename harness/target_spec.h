/* target_spec.h -- a [target]'s settings checked before anything starts: the node's name
 * (loopback hosts only), the cookie file (its owner's alone), the load's URL (loopback only),
 * and which keys configure only the node logjam starts itself. */
#ifndef LJ_TARGET_SPEC_H
#define LJ_TARGET_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define TARGET_HOST_LEN 128

/* Whether sc names a target (a node logjam did not start). */
bool target_spec_set(const struct scenario *sc);

/* Check sc's [target] keys together: a node name on a loopback host, a cookie file that
 * exists and that neither its group nor others can read, a loopback URL, no [target] key
 * without a node. Returns NULL when they hold, else the "section.key" to blame, with why
 * (len bytes) saying what is wrong. */
const char *target_spec_check(const struct scenario *sc, char *why, size_t len);

/* Whether [section] key only configures the node logjam starts (the fixture's pool and
 * logger, its boot deadline, the request path the URL replaces): with [target] it is refused. */
bool target_spec_node_only(const char *section, const char *key);

/* Split node "alive@host" into host (TARGET_HOST_LEN bytes). Returns 0, or -1 with why when
 * the name is malformed or the host is not loopback (127.x.x.x or localhost). */
int target_spec_node_host(const char *node, char *host, char *why, size_t len);

/* Parse url "http://HOST:PORT/path?query" (HOST 127.x.x.x or localhost) into addr (IPv4,
 * host byte order), port and path (pathlen bytes; "/" when the URL has none). Returns 0, or
 * -1 with why. */
int target_spec_url(const char *url, uint32_t *addr, uint16_t *port, char *path, size_t pathlen,
                    char *why, size_t len);

#endif
