/* probe.h -- the C node (libei): connect to the target over loopback distribution, call
 * logjam_probe with a deadline, decode hello/snapshot/diagnose replies.
 *
 * One struct probe is one ei connection and must be used by one thread at a time. Calls use
 * ei_rpc_to + ei_rpc_from with a deadline (never ei_rpc, which waits forever). At most one
 * call is in flight per connection: a reply that arrives after its deadline is still
 * decoded by the next probe_poll (its t_ms says when it was taken). */
#ifndef LJ_PROBE_H
#define LJ_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sample.h"

enum probe_status {
    PROBE_OK = 0,
    PROBE_TIMEOUT, /* no reply before the deadline; the connection is still usable */
    PROBE_BUSY,    /* a previous call is still in flight */
    PROBE_BADRPC,  /* the call failed on the node ({badrpc, ...}); err says why */
    PROBE_ERROR,   /* the connection is gone (node died, closed, protocol error) */
};

struct hello {
    char otp_release[16];
    int fixture_port; /* 0 while the fixture's listener is not up yet */
    char logger_backend[32];
    char probe_version[16];
    char node[256];
};

struct probe;

/* Connect as a hidden C node named "<alive>@127.0.0.1" to the node listening on
 * 127.0.0.1:port, with the cookie. Returns NULL with err (EIO on a wrong cookie). */
struct probe *probe_connect(const char *alive, const char *cookie, int port, unsigned timeout_ms,
                            char *err);
void probe_close(struct probe *p);

/* logjam_probe:hello(). */
enum probe_status probe_hello(struct probe *p, struct hello *out, unsigned timeout_ms, char *err);

/* logjam_probe:snapshot() into out (load counters and at_us/phase are left to the caller).
 * PROBE_TIMEOUT leaves the call in flight: call probe_snapshot again later to collect it
 * (returns PROBE_OK with the late reply) - no second request is sent while one is pending. */
enum probe_status probe_snapshot(struct probe *p, struct sample *out, unsigned timeout_ms,
                                 char *err);

/* logjam_probe:diagnose(TopN, BudgetMs), decoded into JSON (maps -> objects, lists and tuples ->
 * arrays, atoms and binaries -> strings, pids -> "<0.1.2>"). Caller owns *out (json_decref). */
enum probe_status probe_diagnose(struct probe *p, unsigned top_n, unsigned budget_ms, json_t **out,
                                 unsigned timeout_ms, char *err);

/* Any M:F(Args) where args is an encoded list (no version byte; NULL = []); the reply term,
 * decoded to JSON as above. */
enum probe_status probe_call(struct probe *p, const char *mod, const char *fun, const char *args,
                             int argslen, json_t **out, unsigned timeout_ms, char *err);

/* Decoders, exposed for unit tests: buf/index point at the reply term. Return 0 or -1. */
int probe_decode_snapshot(const char *buf, int *index, struct sample *out);
int probe_decode_hello(const char *buf, int *index, struct hello *out);
json_t *probe_term_to_json(const char *buf, int *index);

#endif
