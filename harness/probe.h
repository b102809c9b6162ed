/* probe.h -- the C node (libei): connect to the target over loopback distribution, call
 * logjam_probe with a deadline, start and stop the node's sampler (logjam_sampler) and
 * receive its stream, decode hello/diagnose replies and samples.
 *
 * One struct probe is one ei connection and must be used by one thread at a time. Calls use
 * ei_rpc_to + ei_rpc_from with a deadline (never ei_rpc, which waits forever). At most one
 * call is in flight per connection: a reply that arrives after its deadline is collected by
 * the next call of the same function. A connection that runs a sampler carries its stream:
 * it is read with probe_receive_sample and used for nothing else until probe_sampler_stop. */
#ifndef LJ_PROBE_H
#define LJ_PROBE_H

#include <ei.h>
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

/* Connect as a hidden C node named "<alive>@<host>" (address 127.0.0.1) with the cookie to
 * node (name@host; NULL: unnamed) listening on host:port, or, port 0, to node at the port
 * the epmd on host gives. host is a loopback host (127.0.0.1 or localhost). Returns NULL with
 * one line in err ("cannot connect to app@127.0.0.1 at 127.0.0.1:9100: refused or wrong
 * cookie"). */
struct probe *probe_connect(const char *alive, const char *cookie, const char *host,
                            const char *node, int port, unsigned timeout_ms, char *err);

/* Without waiting: answer the ticks that came and notice a closed connection. PROBE_OK, or
 * PROBE_ERROR (err says why) once the node is gone. Skips its work while a call is in
 * flight. */
enum probe_status probe_poll(struct probe *p, char *err);

/* M:F(Args) (args an encoded list, no version byte); on PROBE_OK x (the caller's, from
 * ei_x_new) holds the reply and *index points at the reply term, to decode with ei. */
enum probe_status probe_call_term(struct probe *p, const char *mod, const char *fun,
                                  const char *args, int argslen, ei_x_buff *x, int *index,
                                  unsigned timeout_ms, char *err);
void probe_close(struct probe *p);

/* logjam_probe:hello(). */
enum probe_status probe_hello(struct probe *p, struct hello *out, unsigned timeout_ms, char *err);

/* One sample of the node's sampler: slot seq, taken at node monotonic time node_ms. */
struct stream_sample {
    int64_t seq, node_ms;
    struct sample sample; /* the map decoded; at_us, phase and load are left to the caller */
};

/* logjam_sampler:start(Self, interval_ms): the node samples every interval_ms on its own clock
 * and sends each sample to this connection. *node_t0_ms gets the node's monotonic time at the
 * start (slot Seq is due at node_t0_ms + Seq * interval_ms). */
enum probe_status probe_sampler_start(struct probe *p, unsigned interval_ms, int64_t *node_t0_ms,
                                      unsigned timeout_ms, char *err);

/* logjam_sampler:stop(Pid) of the sampler this connection started (PROBE_OK when none, or p
 * NULL). The
 * node's sampler also stops by itself when this connection closes. */
enum probe_status probe_sampler_stop(struct probe *p, unsigned timeout_ms, char *err);

/* The next sample of the stream within timeout_ms: PROBE_OK, PROBE_TIMEOUT (none yet; ticks
 * are answered, anything else on the connection is skipped) or PROBE_ERROR (connection gone). */
enum probe_status probe_receive_sample(struct probe *p, struct stream_sample *out,
                                       unsigned timeout_ms, char *err);

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
int probe_decode_stream(const char *buf, int *index, struct stream_sample *out);
int probe_decode_hello(const char *buf, int *index, struct hello *out);
json_t *probe_term_to_json(const char *buf, int *index);

#endif
