/* node.h -- start and stop the fixture node: private HOME and cookie, sys.config from the
 * scenario, epmd-less loopback distribution, readiness through the probe, parent-death
 * guards, kill, temp dir removal. */
#ifndef LJ_NODE_H
#define LJ_NODE_H

#include <stdbool.h>
#include <sys/types.h>

#include "probe.h"
#include "scenario.h"

struct node;

/* Start the fixture node for sc, wait until logjam_probe:hello() reports the fixture's HTTP
 * port (deadline sc->boot_timeout_us). fixture_ebin: the directory of the fixture's .beam
 * files. Returns NULL with one line in err when the node does not come up (the node's own
 * last error line included); nothing is left running and the temp dir is gone. */
struct node *node_start(const struct scenario *sc, const char *fixture_ebin, char *err);

/* Attach to the node sc's [target] names (target.h: cookie, connection, the probe loaded).
 * The returned node is not ours: node_kill does nothing, node_stop removes what logjam loaded
 * and leaves the node running, node_alive says whether it is still connected. Returns NULL
 * with one line in err; nothing is left loaded then. */
struct node *node_attach(const struct scenario *sc, char *err);

/* Whether logjam started n (false for node_attach's). */
bool node_is_ours(const struct node *n);

/* node_attach's target as the report shows it (target_doc), NULL for logjam's own node. */
const json_t *node_target_doc(const struct node *n);

/* The node's sys.config text for sc (an Erlang term list ending in ".\n"): the `fixture'
 * section (listen address, log file, and every scenario key whose row in scenario_keys.c
 * names an env key, as that row's term), the backend's own section when its row in
 * scenario_backend.c has one (lager: its handlers and its copy of the throttle keys), and the
 * `kernel' section (distribution on loopback). dir: the node's private dir, where the log file
 * goes. A user's sys.config is passed after this one, so its sections win key by key.
 * Returns malloc'd text the caller frees, or NULL when out of memory. */
char *node_sys_config(const struct scenario *sc, const char *dir);

/* Open another probe connection to the node (each thread its own), alive name unique. */
struct probe *node_probe(struct node *n, const char *role, char *err);

const struct hello *node_hello(const struct node *n);
/* The node's process group leader; 0 for a node logjam did not start. */
pid_t node_pid(const struct node *n);

/* True while the OS process lives (waitpid WNOHANG); reaps it when it has exited and keeps
 * its status for node_exit_reason. */
bool node_alive(struct node *n);
/* "exited with status 1" / "killed by signal 9": why the node is gone; "" while alive. */
const char *node_exit_reason(const struct node *n);

/* Kill the node at once (SIGKILL to its process group); nothing for a node not ours. */
void node_kill(struct node *n);

/* Stop gracefully (init:stop via the probe, closing its stdin), SIGKILL after grace_ms,
 * reap, remove the temp dir, free. Safe with NULL. */
void node_stop(struct node *n, unsigned grace_ms);

#endif
