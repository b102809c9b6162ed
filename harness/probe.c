/* probe.c -- the C node (libei): connect to the target over loopback distribution, call
 * logjam_probe with a deadline, start and stop the node's sampler and receive its stream,
 * decode replies and samples. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ei.h>

#include "metric.h"
#include "util.h"

#define PROBE_EPMD_PORT 4369

struct probe {
    ei_cnode ec;
    int fd;
    bool pending; /* a call was sent and its reply has not been read yet */
    char pending_fun[32];
    erlang_pid sampler; /* the node's logjam_sampler streaming to us, if has_sampler */
    bool has_sampler;
};

static pthread_once_t ei_once = PTHREAD_ONCE_INIT;
static int ei_init_rc;

static void probe_ei_init(void)
{
    ei_init_rc = ei_init();
}

/* Whether nothing listens at host:port (libei says EIO for a refused TCP connect and for a
 * refused handshake alike; this tells them apart). */
static bool port_refuses(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (strcmp(host, "localhost") != 0 && inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return false;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool refused = connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno == ECONNREFUSED;
    close(fd);
    return refused;
}

/* The C node's own identity: "<alive>@<host>", its address 127.0.0.1 (loopback only). */
static int probe_init_node(struct probe *p, const char *alive, const char *host, const char *cookie,
                           char *err)
{
    char nodename[MAXNODELEN];
    struct in_addr addr;
    snprintf(nodename, sizeof nodename, "%s@%s", alive, host);
    inet_pton(AF_INET, "127.0.0.1", &addr);
    /* creation: any value >= 4 is used as is; time-derived so reconnects differ. */
    unsigned creation = (unsigned)(now_us() & 0xffffff) | 4u;
    if (ei_connect_xinit(&p->ec, host, alive, nodename, (Erl_IpAddr)&addr, cookie, creation) < 0) {
        lj_err(err, "ei_connect_xinit failed (erl_errno %d)", erl_errno);
        return -1;
    }
    return 0;
}

struct probe *probe_connect(const char *alive, const char *cookie, const char *host,
                            const char *node, int port, unsigned timeout_ms, char *err)
{
    struct probe *p = NULL;
    char target[MAXNODELEN + 64];

    pthread_once(&ei_once, probe_ei_init);
    if (ei_init_rc != 0) {
        lj_err(err, "ei_init failed");
        return NULL;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        lj_err(err, "out of memory");
        return NULL;
    }
    p->fd = -1;
    if (probe_init_node(p, alive, host, cookie, err) < 0)
        goto fail;
    /* libei waits with select(): an fd at or above FD_SETSIZE would overflow its fd_set.
     * Open probe connections before the load generator takes the low fds. */
    if (port > 0) {
        snprintf(target, sizeof target, "%s at %s:%d", node ? node : "the node", host, port);
        p->fd = ei_connect_host_port_tmo(&p->ec, (char *)host, port, timeout_ms);
    } else { /* through the epmd on the node's host */
        snprintf(target, sizeof target, "%s (port from the epmd on %s)", node, host);
        p->fd = ei_connect_tmo(&p->ec, (char *)node, timeout_ms);
    }
    if (p->fd >= FD_SETSIZE) {
        lj_err(err, "probe connection got fd %d >= FD_SETSIZE (%d), which libei cannot wait on",
               p->fd, FD_SETSIZE);
        close(p->fd);
        p->fd = -1;
        goto fail;
    }
    if (p->fd < 0) {
        int e = erl_errno;
        lj_err(err, "cannot connect to %s: %s", target,
               e != EIO                                            ? strerror(e)
               : port_refuses(host, port ? port : PROBE_EPMD_PORT) ? strerror(ECONNREFUSED)
                                                                   : "refused or wrong cookie");
        goto fail;
    }
    return p;
fail:
    free(p);
    return NULL;
}

enum probe_status probe_poll(struct probe *p, char *err)
{
    ei_x_buff x;
    enum probe_status st = PROBE_OK;
    if (p->pending) /* its reply is the next call's to read */
        return PROBE_OK;
    ei_x_new(&x);
    for (;;) {
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            break; /* nothing waiting (or EINTR: look again next time) */
        erlang_msg msg;
        x.index = 0;
        int rc = ei_xreceive_msg_tmo(p->fd, &msg, &x, 100);
        if (rc == ERL_TICK || rc == ERL_MSG)
            continue; /* ticks are answered by ei; no message is expected here */
        if (rc == ERL_ERROR && erl_errno == ETIMEDOUT)
            break;
        lj_err(err, "connection to the node lost (%s)", strerror(erl_errno ? erl_errno : EIO));
        st = PROBE_ERROR;
        break;
    }
    ei_x_free(&x);
    return st;
}

void probe_close(struct probe *p)
{
    if (!p)
        return;
    if (p->fd >= 0)
        ei_close_connection(p->fd);
    free(p);
}

/* Wait for the reply to the call in flight until deadline_us; on success x holds the whole
 * message and *index points at Reply inside {rex, Reply}. */
static enum probe_status probe_wait(struct probe *p, ei_x_buff *x, int *index, uint64_t deadline_us,
                                    char *err)
{
    for (;;) {
        uint64_t now = now_us();
        if (now >= deadline_us) {
            lj_err(err, "%s: no reply before the deadline", p->pending_fun);
            return PROBE_TIMEOUT;
        }
        unsigned left_ms = (unsigned)((deadline_us - now + 999) / 1000);
        erlang_msg msg;
        x->index = 0;
        int rc = ei_rpc_from(&p->ec, p->fd, (int)left_ms, &msg, x);
        if (rc == ERL_TICK)
            continue; /* ei already answered the tick */
        if (rc == ERL_TIMEOUT || (rc == ERL_ERROR && erl_errno == ETIMEDOUT)) {
            lj_err(err, "%s: no reply before the deadline", p->pending_fun);
            return PROBE_TIMEOUT;
        }
        if (rc < 0) {
            lj_err(err, "%s: connection to the node lost (%s)", p->pending_fun,
                   strerror(erl_errno ? erl_errno : EIO));
            return PROBE_ERROR;
        }
        if (msg.msgtype != ERL_SEND && msg.msgtype != ERL_REG_SEND)
            continue;
        int i = 0, version, arity;
        char atom[MAXATOMLEN];
        if (ei_decode_version(x->buff, &i, &version) < 0 ||
            ei_decode_tuple_header(x->buff, &i, &arity) < 0 || arity != 2 ||
            ei_decode_atom(x->buff, &i, atom) < 0 || strcmp(atom, "rex") != 0)
            continue; /* not an rpc reply: not ours */
        p->pending = false;
        /* {badrpc, Reason}? */
        int j = i, type, size;
        if (ei_get_type(x->buff, &j, &type, &size) == 0 && type == ERL_SMALL_TUPLE_EXT &&
            size == 2) {
            int k = j;
            ei_decode_tuple_header(x->buff, &k, &arity);
            if (ei_decode_atom(x->buff, &k, atom) == 0 && strcmp(atom, "badrpc") == 0) {
                char *s = NULL;
                ei_s_print_term(&s, x->buff, &k);
                lj_err(err, "%s failed on the node: %.300s", p->pending_fun, s ? s : "?");
                free(s);
                return PROBE_BADRPC;
            }
        }
        *index = i;
        return PROBE_OK;
    }
}

enum probe_status probe_call_term(struct probe *p, const char *mod, const char *fun,
                                  const char *args, int argslen, ei_x_buff *x, int *index,
                                  unsigned timeout_ms, char *err)
{
    uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
    if (p->pending && strcmp(p->pending_fun, fun) != 0) {
        lj_err(err, "%s: a call to %s is still in flight", fun, p->pending_fun);
        return PROBE_BUSY;
    }
    if (!p->pending) {
        if (ei_rpc_to(&p->ec, p->fd, (char *)mod, (char *)fun, args, argslen) < 0) {
            lj_err(err, "%s: cannot send to the node (%s)", fun,
                   strerror(erl_errno ? erl_errno : EIO));
            return PROBE_ERROR;
        }
        p->pending = true;
        snprintf(p->pending_fun, sizeof p->pending_fun, "%s", fun);
    }
    return probe_wait(p, x, index, deadline, err);
}

/* ---- term -> JSON ------------------------------------------------------------------ */

static json_t *atom_to_json(const char *a)
{
    if (strcmp(a, "true") == 0)
        return json_true();
    if (strcmp(a, "false") == 0)
        return json_false();
    if (strcmp(a, "undefined") == 0 || strcmp(a, "null") == 0)
        return json_null();
    return json_string(a);
}

static json_t *printed_to_json(const char *buf, int *index)
{
    char *s = NULL;
    if (ei_s_print_term(&s, buf, index) < 0) {
        free(s);
        return NULL;
    }
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* The next arity terms as a JSON array (list and tuple elements); NULL if one fails. */
static json_t *elements_to_json(const char *buf, int *index, int arity)
{
    json_t *arr = json_array();
    for (int k = 0; k < arity; k++) {
        json_t *e = probe_term_to_json(buf, index);
        if (!e) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, e);
    }
    return arr;
}

/* An integer of any size: JSON integer, a real beyond int64 (up to uint64), else as printed. */
static json_t *integer_to_json(const char *buf, int *index)
{
    long long v;
    int i = *index;
    if (ei_decode_longlong(buf, &i, &v) == 0) {
        *index = i;
        return json_integer(v);
    }
    unsigned long long u;
    i = *index;
    if (ei_decode_ulonglong(buf, &i, &u) == 0) {
        *index = i;
        return json_real((double)u);
    }
    return printed_to_json(buf, index); /* a bignum beyond 64 bits */
}

/* A binary of size bytes as a JSON string; bytes that are not UTF-8 become '?'. */
static json_t *binary_to_json(const char *buf, int *index, int size)
{
    char *b = malloc((size_t)size + 1);
    long len;
    if (!b || ei_decode_binary(buf, index, b, &len) < 0) {
        free(b);
        return NULL;
    }
    json_t *j = json_stringn(b, (size_t)len);
    if (!j) { /* not UTF-8: keep it readable */
        for (long k = 0; k < len; k++)
            if ((unsigned char)b[k] >= 0x80 || b[k] == 0)
                b[k] = '?';
        j = json_stringn(b, (size_t)len);
    }
    free(b);
    return j;
}

/* A string (a list of bytes, size long, in the external format) as a JSON string. */
static json_t *string_to_json(const char *buf, int *index, int size)
{
    char *s = malloc((size_t)size + 1);
    if (!s || ei_decode_string(buf, index, s) < 0) {
        free(s);
        return NULL;
    }
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* A list as a JSON array; its tail is consumed (skipped when improper). */
static json_t *list_to_json(const char *buf, int *index)
{
    int arity, type, size;
    if (ei_decode_list_header(buf, index, &arity) < 0)
        return NULL;
    json_t *arr = elements_to_json(buf, index, arity);
    if (arr && arity > 0) { /* proper list tail */
        if (ei_get_type(buf, index, &type, &size) == 0 && type == ERL_NIL_EXT)
            ei_decode_list_header(buf, index, &arity);
        else
            ei_skip_term(buf, index);
    }
    return arr;
}

/* A map as a JSON object. Keys that are not strings are named by their value: an integer's
 * digits, "undefined" for undefined or null, "?" for anything else. */
static json_t *map_to_json(const char *buf, int *index)
{
    int arity;
    if (ei_decode_map_header(buf, index, &arity) < 0)
        return NULL;
    json_t *obj = json_object();
    for (int k = 0; k < arity; k++) {
        json_t *key = probe_term_to_json(buf, index);
        json_t *val = key ? probe_term_to_json(buf, index) : NULL;
        if (!key || !val) {
            json_decref(key);
            json_decref(obj);
            return NULL;
        }
        const char *ks = json_is_string(key) ? json_string_value(key) : NULL;
        char tmp[64];
        if (!ks) {
            if (json_is_integer(key))
                snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(key));
            else
                snprintf(tmp, sizeof tmp, "%s", json_is_null(key) ? "undefined" : "?");
            ks = tmp;
        }
        json_object_set_new(obj, ks, val);
        json_decref(key);
    }
    return obj;
}

json_t *probe_term_to_json(const char *buf, int *index)
{
    int type, size, arity;
    double d;
    char a[MAXATOMLEN_UTF8];
    if (ei_get_type(buf, index, &type, &size) < 0)
        return NULL;
    switch (type) {
    case ERL_SMALL_INTEGER_EXT:
    case ERL_INTEGER_EXT:
    case ERL_SMALL_BIG_EXT:
    case ERL_LARGE_BIG_EXT:
        return integer_to_json(buf, index);
    case ERL_FLOAT_EXT:
    case NEW_FLOAT_EXT:
        return ei_decode_double(buf, index, &d) < 0 ? NULL : json_real(d);
    case ERL_ATOM_EXT:
    case ERL_SMALL_ATOM_EXT:
    case ERL_ATOM_UTF8_EXT:
    case ERL_SMALL_ATOM_UTF8_EXT:
        return ei_decode_atom(buf, index, a) < 0 ? NULL : atom_to_json(a);
    case ERL_BINARY_EXT:
        return binary_to_json(buf, index, size);
    case ERL_STRING_EXT:
        return string_to_json(buf, index, size);
    case ERL_NIL_EXT:
    case ERL_LIST_EXT:
        return list_to_json(buf, index);
    case ERL_SMALL_TUPLE_EXT:
    case ERL_LARGE_TUPLE_EXT:
        return ei_decode_tuple_header(buf, index, &arity) < 0 ? NULL
                                                              : elements_to_json(buf, index, arity);
    case ERL_MAP_EXT:
        return map_to_json(buf, index);
    default:
        return printed_to_json(buf, index); /* pids, refs, ports, funs: as Erlang prints */
    }
}

/* ---- snapshot and hello -------------------------------------------------------------- */

static int64_t jnum(const json_t *v)
{
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    return 0;
}

/* The value at a dotted path ("memory.total") in nested objects, or NULL. */
static const json_t *jpath(const json_t *obj, const char *path)
{
    char key[64];
    const char *dot;
    while ((dot = strchr(path, '.')) != NULL) {
        size_t n = (size_t)(dot - path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        obj = json_object_get(obj, key);
        path = dot + 1;
    }
    return json_object_get(obj, path);
}

static enum logger_mode mode_of(const json_t *v)
{
    static const struct {
        const char *name;
        enum logger_mode mode;
    } modes[] = {{"async", MODE_ASYNC},
                 {"sync", MODE_SYNC},
                 {"drop", MODE_DROP},
                 {"flush", MODE_FLUSH},
                 {"killed", MODE_KILLED}};
    if (!json_is_string(v))
        return MODE_UNDEFINED;
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(json_string_value(v), modes[i].name) == 0)
            return modes[i].mode;
    return MODE_UNDEFINED;
}

int probe_decode_snapshot(const char *buf, int *index, struct sample *out)
{
    json_t *j = probe_term_to_json(buf, index);
    if (!json_is_object(j)) {
        json_decref(j);
        return -1;
    }
    if (!json_object_get(j, "process_count") || !json_is_object(json_object_get(j, "memory"))) {
        json_decref(j);
        return -1;
    }
    for (size_t i = 0; i < nmetrics; i++) {
        const struct metric *m = &metrics[i];
        if (!m->key)
            continue;
        const json_t *v = jpath(j, m->key);
        metric_set(m, out, m->type == MT_MODE ? (int64_t)mode_of(v) : jnum(v));
    }
    json_decref(j);
    return 0;
}

static void copy_str(char *dst, size_t len, const json_t *v)
{
    snprintf(dst, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int probe_decode_hello(const char *buf, int *index, struct hello *out)
{
    json_t *j = probe_term_to_json(buf, index);
    if (!json_is_object(j)) {
        json_decref(j);
        return -1;
    }
    memset(out, 0, sizeof *out);
    copy_str(out->otp_release, sizeof out->otp_release, json_object_get(j, "otp_release"));
    copy_str(out->logger_backend, sizeof out->logger_backend, json_object_get(j, "logger_backend"));
    copy_str(out->probe_version, sizeof out->probe_version, json_object_get(j, "probe_version"));
    copy_str(out->node, sizeof out->node, json_object_get(j, "node"));
    out->fixture_port = (int)jnum(json_object_get(j, "fixture_port"));
    json_decref(j);
    return 0;
}

static void status_fun_decode_error(const char *fun, char *err)
{
    lj_err(err, "%s: the reply could not be decoded", fun);
}

enum probe_status probe_hello(struct probe *p, struct hello *out, unsigned timeout_ms, char *err)
{
    ei_x_buff x, args;
    int index;
    ei_x_new(&x);
    ei_x_new(&args);
    ei_x_encode_empty_list(&args);
    enum probe_status st = probe_call_term(p, "logjam_probe", "hello", args.buff, args.index, &x,
                                           &index, timeout_ms, err);
    if (st == PROBE_OK && probe_decode_hello(x.buff, &index, out) < 0) {
        status_fun_decode_error("hello", err);
        st = PROBE_BADRPC;
    }
    ei_x_free(&x);
    ei_x_free(&args);
    return st;
}

enum probe_status probe_call(struct probe *p, const char *mod, const char *fun, const char *args,
                             int argslen, json_t **out, unsigned timeout_ms, char *err)
{
    ei_x_buff x, nil;
    int index;
    ei_x_new(&x);
    ei_x_new(&nil);
    ei_x_encode_empty_list(&nil);
    *out = NULL;
    if (!args) {
        args = nil.buff;
        argslen = nil.index;
    }
    enum probe_status st = probe_call_term(p, mod, fun, args, argslen, &x, &index, timeout_ms, err);
    if (st == PROBE_OK) {
        *out = probe_term_to_json(x.buff, &index);
        if (!*out) {
            status_fun_decode_error(fun, err);
            st = PROBE_BADRPC;
        }
    }
    ei_x_free(&x);
    ei_x_free(&nil);
    return st;
}

enum probe_status probe_diagnose(struct probe *p, unsigned top_n, unsigned budget_ms, json_t **out,
                                 unsigned timeout_ms, char *err)
{
    ei_x_buff args;
    ei_x_new(&args);
    ei_x_encode_list_header(&args, 2);
    ei_x_encode_ulong(&args, top_n);
    ei_x_encode_ulong(&args, budget_ms);
    ei_x_encode_empty_list(&args);
    enum probe_status st =
        probe_call(p, "logjam_probe", "diagnose", args.buff, args.index, out, timeout_ms, err);
    ei_x_free(&args);
    return st;
}

/* ---- the in-node sampler's stream ------------------------------------------------------- */

enum probe_status probe_sampler_start(struct probe *p, unsigned interval_ms, int64_t *node_t0_ms,
                                      unsigned timeout_ms, char *err)
{
    ei_x_buff x, args;
    int index, arity;
    long long t0;
    char atom[MAXATOMLEN];
    ei_x_new(&x);
    ei_x_new(&args);
    ei_x_encode_list_header(&args, 2);
    ei_x_encode_pid(&args, ei_self(&p->ec));
    ei_x_encode_ulong(&args, interval_ms);
    ei_x_encode_empty_list(&args);
    enum probe_status st = probe_call_term(p, "logjam_sampler", "start", args.buff, args.index, &x,
                                           &index, timeout_ms, err);
    if (st == PROBE_OK) { /* {ok, Pid, T0Ms} */
        if (ei_decode_tuple_header(x.buff, &index, &arity) < 0 || arity != 3 ||
            ei_decode_atom(x.buff, &index, atom) < 0 || strcmp(atom, "ok") != 0 ||
            ei_decode_pid(x.buff, &index, &p->sampler) < 0 ||
            ei_decode_longlong(x.buff, &index, &t0) < 0) {
            status_fun_decode_error("start", err);
            st = PROBE_BADRPC;
        } else {
            p->has_sampler = true;
            *node_t0_ms = (int64_t)t0;
        }
    }
    ei_x_free(&x);
    ei_x_free(&args);
    return st;
}

enum probe_status probe_sampler_stop(struct probe *p, unsigned timeout_ms, char *err)
{
    if (!p || !p->has_sampler)
        return PROBE_OK;
    ei_x_buff x, args;
    int index;
    ei_x_new(&x);
    ei_x_new(&args);
    ei_x_encode_list_header(&args, 1);
    ei_x_encode_pid(&args, &p->sampler);
    ei_x_encode_empty_list(&args);
    /* The samples still on their way are read and dropped while waiting for the reply. */
    enum probe_status st = probe_call_term(p, "logjam_sampler", "stop", args.buff, args.index, &x,
                                           &index, timeout_ms, err);
    if (st == PROBE_OK)
        p->has_sampler = false;
    ei_x_free(&x);
    ei_x_free(&args);
    return st;
}

int probe_decode_stream(const char *buf, int *index, struct stream_sample *out)
{
    int arity;
    char atom[MAXATOMLEN];
    long long seq, t;
    if (ei_decode_tuple_header(buf, index, &arity) < 0 || arity != 4 ||
        ei_decode_atom(buf, index, atom) < 0 || strcmp(atom, "logjam_sample") != 0 ||
        ei_decode_longlong(buf, index, &seq) < 0 || ei_decode_longlong(buf, index, &t) < 0)
        return -1;
    memset(&out->sample, 0, sizeof out->sample);
    if (probe_decode_snapshot(buf, index, &out->sample) < 0)
        return -1;
    out->seq = (int64_t)seq;
    out->node_ms = (int64_t)t;
    return 0;
}

enum probe_status probe_receive_sample(struct probe *p, struct stream_sample *out,
                                       unsigned timeout_ms, char *err)
{
    uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
    ei_x_buff x;
    ei_x_new(&x);
    enum probe_status st = PROBE_TIMEOUT;
    for (;;) {
        uint64_t now = now_us();
        if (now >= deadline)
            break;
        erlang_msg msg;
        x.index = 0;
        int rc = ei_xreceive_msg_tmo(p->fd, &msg, &x, (unsigned)((deadline - now + 999) / 1000));
        if (rc == ERL_TICK)
            continue; /* ei already answered the tick */
        if (rc == ERL_ERROR && erl_errno == ETIMEDOUT)
            break;
        if (rc < 0) {
            lj_err(err, "sampler: connection to the node lost (%s)",
                   strerror(erl_errno ? erl_errno : EIO));
            st = PROBE_ERROR;
            break;
        }
        int i = 0, version;
        if (msg.msgtype != ERL_SEND || ei_decode_version(x.buff, &i, &version) < 0 ||
            probe_decode_stream(x.buff, &i, out) < 0)
            continue; /* not a sample (a late rpc reply, a link, anything else): not ours */
        st = PROBE_OK;
        break;
    }
    ei_x_free(&x);
    return st;
}
