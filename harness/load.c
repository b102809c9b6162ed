/* load.c -- libevent load generator: keep-alive HTTP/1.1 connections on raw sockets, their
 * threads and timers, open or closed loop. */
#include "load.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "http_parse.h"
#include "load_sched.h"
#include "util.h"

/*
 * Design (measured against bufferevents, see bench/): every connection is a raw non-blocking
 * socket with one persistent EV_READ event, added once per TCP connection, so a request costs
 * one write(2) and one read(2) and no epoll_ctl; EV_WRITE is armed only for connect and for
 * a short write. Responses are framed by http_parse.c (status line, Content-Length, Connection).
 *
 * Open loop: load_sched.c says when each request of each thread is due. A thread's backlog is
 * implicit: due(now) - issued. A
 * per-thread timerfd (CLOCK_MONOTONIC, absolute, microseconds) fires at the next intended time
 * when a connection is idle; a reply hands the next due request to its now-idle connection at
 * once. A late wake-up just finds more requests due: none is lost.
 *
 * Timer cost (measured, see bench/run and the commit that brought it): the timerfd is a
 * persistent EV_READ event, reprogrammed only when the time it must fire at changes, not on
 * every loop pass as EVENT_BASE_FLAG_PRECISE_TIMER does (timerfd_settime per epoll_wait).
 * Wake-ups are batched: after a tick at T the next tick is not before T + send quantum, and
 * every request due by then goes out in that tick. A request keeps its intended time, so
 * the at most one quantum it waits is in the corrected latency, never hidden. The base's own
 * timers (end, sweep, spread, back-off) need only milliseconds: libevent's default clock.
 *
 * Client timeouts: one per-thread sweep timer (period timeout/20, 1..50 ms) scans the
 * thread's connections; no per-request timer, so no heap operation per request. A request
 * given up on is counted as a timeout and its latency recorded as the time it waited.
 */

#define LOAD_READ_BUF 65536
#define LOAD_FD_MARGIN 100
#define LOAD_BACKOFF_MIN_US 10000
#define LOAD_BACKOFF_MAX_US 500000
#define LOAD_CONNECT_SPREAD_US 1000000 /* initial connects spread over at most 1 s ... */
#define LOAD_CONNECT_GAP_US 100        /* ... at 100 us per connection when there is no ramp */
#define LOAD_SWEEP_MIN_US 1000
#define LOAD_SWEEP_MAX_US 50000
#ifndef LOAD_SEND_QUANTUM_US
#define LOAD_SEND_QUANTUM_US 250 /* default open-loop tick batching, see the design note */
#endif

enum conn_state { CS_CLOSED = 0, CS_BACKOFF, CS_CONNECTING, CS_IDLE, CS_BUSY };

struct load_thread;

struct conn {
    struct event rev, wev; /* wev: connect, short writes, and the back-off timer */
    struct load_thread *t;
    int fd;
    uint8_t state;
    bool answered; /* a reply came since the connect */
    bool queued;   /* has an entry in the idle ring */
    uint32_t woff;
    uint64_t intended_us, sent_us, since_us;
    uint64_t backoff_us;
    struct http_parse hp; /* the response being read */
};

/* Single-writer counters: the loop thread stores with relaxed atomics (no lock prefix),
 * any thread may read them at any time. */
struct load_stats {
    _Atomic uint64_t sent, ok, failed, errored, timeouts, connects, open;
};

struct load_thread {
    struct load *l;
    unsigned index;
    pthread_t tid;
    bool started;
    struct event_base *base;
    struct event ev_wake, ev_end, ev_sched, ev_sweep, ev_spread;
    int wake_fd;
    struct conn *conns;
    unsigned nconns, nspread; /* connections opened so far by the initial spread */
    unsigned *idle;           /* FIFO ring of idle connection indexes (open loop) */
    unsigned idle_head, idle_len;
    uint64_t issued;     /* open loop: requests taken from the schedule */
    int sched_fd;        /* open loop: the schedule's timerfd, -1 in closed loop */
    uint64_t sched_at;   /* absolute us sched_fd is programmed for; 0: disarmed or expired */
    uint64_t sched_tick; /* when sched_fd last fired (0: never): the next not before + quantum */
    unsigned seg_cursor;
    struct hist *corrected, *uncorrected;
    char *rbuf;
    struct load_stats st;
    _Atomic uint64_t end_us; /* 0 while running, then when the loop stopped */
    _Atomic bool done;
} __attribute__((aligned(64)));

struct load {
    unsigned nthreads, connections;
    bool open_loop;
    uint64_t duration_us, timeout_us, sweep_us, spread_us;
    uint64_t quantum_us; /* open loop: minimum gap between two schedule ticks */
    uint64_t start_us;
    uint32_t addr;
    uint16_t port;
    char *req;
    size_t reqlen;
    struct load_sched sched;
    struct load_thread *threads;
    _Atomic bool stopping;
    bool joined;
};

static inline void stat_inc(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

static inline void stat_dec(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) - 1,
                          memory_order_relaxed);
}

static inline uint64_t stat_get(_Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* event_del that is quiet about an event never assigned. */
static void ev_del(struct event *ev)
{
    if (event_initialized(ev))
        event_del(ev);
}

static struct timeval tv_of_us(uint64_t us)
{
    struct timeval tv = {.tv_sec = (time_t)(us / 1000000), .tv_usec = (suseconds_t)(us % 1000000)};
    return tv;
}

/* ---- the arrival schedule, in absolute time ------------------------------------------ */

/* Requests of thread t due by time `at` (absolute us), never past the end of the phase. */
static uint64_t sched_due(const struct load_thread *t, uint64_t at)
{
    const struct load *l = t->l;
    return at <= l->start_us ? 0 : load_sched_due(&l->sched, t->index, at - l->start_us);
}

/* Intended send time (absolute us) of the thread's k-th request; UINT64_MAX if never. */
static uint64_t sched_time(struct load_thread *t, uint64_t k)
{
    const struct load *l = t->l;
    uint64_t rel = load_sched_time(&l->sched, t->index, k, &t->seg_cursor);
    return rel == UINT64_MAX ? UINT64_MAX : l->start_us + rel;
}

/* ---- connections ------------------------------------------------------------------------ */

static void conn_connect(struct conn *c);
static void conn_idle(struct conn *c, uint64_t now);
static void conn_readable(evutil_socket_t fd, short what, void *arg);
static void conn_writable(evutil_socket_t fd, short what, void *arg);

static void conn_close(struct conn *c)
{
    if (c->state == CS_BACKOFF) {
        ev_del(&c->wev);
        c->state = CS_CLOSED;
    }
    if (c->fd < 0)
        return;
    ev_del(&c->rev);
    ev_del(&c->wev);
    close(c->fd);
    c->fd = -1;
    if (c->state == CS_IDLE || c->state == CS_BUSY)
        stat_dec(&c->t->st.open);
    c->state = CS_CLOSED;
}

static void conn_backoff_cb(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    c->state = CS_CLOSED;
    conn_connect(c);
}

/* Close and come back: at once after a working connection, after a growing pause when the
 * connection itself failed (refused, no address, reset before any reply). */
static void conn_reopen(struct conn *c, bool failed)
{
    conn_close(c);
    if (atomic_load_explicit(&c->t->l->stopping, memory_order_relaxed))
        return;
    if (!failed) {
        c->backoff_us = 0;
        conn_connect(c);
        return;
    }
    c->backoff_us = c->backoff_us ? c->backoff_us * 2 : LOAD_BACKOFF_MIN_US;
    if (c->backoff_us > LOAD_BACKOFF_MAX_US)
        c->backoff_us = LOAD_BACKOFF_MAX_US;
    struct timeval tv = tv_of_us(c->backoff_us);
    event_assign(&c->wev, c->t->base, -1, 0, conn_backoff_cb, c);
    event_add(&c->wev, &tv);
    c->state = CS_BACKOFF;
}

static void conn_connect(struct conn *c)
{
    struct load *l = c->t->l;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(l->addr);
    sa.sin_port = htons(l->port);
    int one = 1;
    c->since_us = now_us();
    c->answered = false;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (c->fd < 0)
        goto fail;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
        goto fail;
    event_assign(&c->wev, c->t->base, c->fd, EV_WRITE, conn_writable, c);
    event_add(&c->wev, NULL);
    c->state = CS_CONNECTING;
    return;
fail:
    stat_inc(&c->t->st.errored);
    conn_reopen(c, true);
}

static void conn_connected(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        stat_inc(&c->t->st.errored);
        conn_reopen(c, true);
        return;
    }
    stat_inc(&c->t->st.connects);
    stat_inc(&c->t->st.open);
    c->state = CS_IDLE;
    event_assign(&c->rev, c->t->base, c->fd, EV_READ | EV_PERSIST, conn_readable, c);
    event_add(&c->rev, NULL);
    event_assign(&c->wev, c->t->base, c->fd, EV_WRITE, conn_writable, c);
    conn_idle(c, now_us());
}

/* Write the rest of the request; arm EV_WRITE on a short write. */
static void conn_flush(struct conn *c)
{
    struct load *l = c->t->l;
    while (c->woff < l->reqlen) {
        ssize_t n = send(c->fd, l->req + c->woff, l->reqlen - c->woff, MSG_NOSIGNAL);
        if (n > 0) {
            c->woff += (uint32_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_add(&c->wev, NULL);
            return;
        }
        stat_inc(&c->t->st.errored);
        conn_reopen(c, !c->answered);
        return;
    }
}

static void conn_send(struct conn *c, uint64_t intended, uint64_t now)
{
    c->state = CS_BUSY;
    http_parse_reset(&c->hp);
    c->woff = 0;
    c->intended_us = intended;
    c->sent_us = now;
    stat_inc(&c->t->st.sent);
    conn_flush(c);
}

static void conn_writable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    if (c->state == CS_CONNECTING)
        conn_connected(c);
    else if (c->state == CS_BUSY)
        conn_flush(c);
}

/* ---- open-loop dispatch ----------------------------------------------------------------- */

static void sched_arm(struct load_thread *t);

/* Hand due requests to idle connections; arm the timer for the next one. */
static void sched_dispatch(struct load_thread *t, uint64_t now)
{
    uint64_t due = sched_due(t, now);
    while (t->idle_len > 0) {
        if (t->issued >= due) {
            /* guard against rounding: the timer fired for request `issued` */
            if (sched_time(t, t->issued) > now)
                break;
            due = t->issued + 1;
        }
        struct conn *c = &t->conns[t->idle[t->idle_head]];
        t->idle_head = (t->idle_head + 1) % t->nconns;
        t->idle_len--;
        c->queued = false;
        if (c->state != CS_IDLE)
            continue; /* closed while idle: it re-queues itself when it reconnects */
        uint64_t intended = sched_time(t, t->issued);
        if (intended > now) /* due by the rate integral, a rounding microsecond ahead */
            intended = now;
        t->issued++;
        conn_send(c, intended, now);
    }
    sched_arm(t);
}

/* Program the schedule's timerfd for absolute time `at` (us), or disarm it with 0. */
static void sched_program(struct load_thread *t, uint64_t at)
{
    struct itimerspec its = {
        .it_value = {.tv_sec = (time_t)(at / 1000000), .tv_nsec = (long)(at % 1000000) * 1000}};
    if (timerfd_settime(t->sched_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
        /* only EINVAL/EBADF, both bugs: the next reply still dispatches what is due */
    }
    t->sched_at = at;
}

static void sched_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load_thread *t = arg;
    uint64_t now = now_us();
    if (t->sched_at == 0 || t->sched_at > now)
        return;      /* reported before a reply's dispatch reprogrammed it in the same pass */
    t->sched_at = 0; /* expired: readable until reprogrammed */
    t->sched_tick = now;
    sched_dispatch(t, now);
    if (t->sched_at == 0)
        sched_program(t, 0); /* nothing to wait for: disarming also clears the readable state */
}

/* With an idle connection, make sure the timer fires when the next request is due, or at
 * most one quantum later when the last tick was less than a quantum ago (batching). Keeps
 * the programmed time whenever it already lies in that window: no syscall. */
static void sched_arm(struct load_thread *t)
{
    if (t->idle_len == 0)
        return; /* a reply dispatches; a timer still armed fires once for nothing */
    uint64_t at = sched_time(t, t->issued);
    if (at == UINT64_MAX)
        return; /* the schedule has ended */
    uint64_t latest = at;
    if (t->sched_tick && t->sched_tick + t->l->quantum_us > latest)
        latest = t->sched_tick + t->l->quantum_us;
    if (t->sched_at >= at && t->sched_at <= latest)
        return;
    sched_program(t, latest);
}

/* A connection is free: closed loop sends at once, open loop takes the oldest due request
 * or waits in the idle queue for the schedule. */
static void conn_idle(struct conn *c, uint64_t now)
{
    struct load_thread *t = c->t;
    c->state = CS_IDLE;
    if (atomic_load_explicit(&t->l->stopping, memory_order_relaxed))
        return;
    if (!t->l->open_loop) {
        conn_send(c, now, now);
        return;
    }
    if (!c->queued) { /* an entry left from before a reconnect keeps its place */
        unsigned slot = (t->idle_head + t->idle_len) % t->nconns;
        t->idle[slot] = (unsigned)(c - t->conns);
        t->idle_len++;
        c->queued = true;
    }
    sched_dispatch(t, now);
}

/* ---- responses ---------------------------------------------------------------------------- */

static void conn_complete(struct conn *c, uint64_t now)
{
    struct load_thread *t = c->t;
    hist_record(t->corrected, now - c->intended_us);
    hist_record(t->uncorrected, now - c->sent_us);
    stat_inc(c->hp.status >= 200 && c->hp.status < 300 ? &t->st.ok : &t->st.failed);
    c->answered = true;
    c->backoff_us = 0;
    if (c->hp.close_after) {
        conn_reopen(c, false);
        return;
    }
    conn_idle(c, now);
}

static void conn_readable(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;
    struct load_thread *t = c->t;
    for (;;) {
        ssize_t n = read(fd, t->rbuf, LOAD_READ_BUF);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (c->state == CS_BUSY)
                stat_inc(&t->st.errored);
            conn_reopen(c, !c->answered);
            return;
        }
        if (n == 0) {
            if (c->state == CS_BUSY && http_parse_until_close(&c->hp)) {
                conn_close(c);
                conn_complete(c, now_us());
                return;
            }
            if (c->state == CS_BUSY)
                stat_inc(&t->st.errored);
            /* an idle keep-alive connection closed by the server is not an error */
            conn_reopen(c, !c->answered);
            return;
        }
        if (c->state != CS_BUSY) { /* bytes nobody asked for */
            stat_inc(&t->st.errored);
            conn_reopen(c, true);
            return;
        }
        size_t used;
        enum http_parse_result r = http_parse_feed(&c->hp, t->rbuf, (size_t)n, &used);
        if (r == HTTP_PARSE_ERROR || (r == HTTP_PARSE_DONE && used != (size_t)n)) {
            stat_inc(&t->st.errored); /* malformed, or unsolicited extra bytes */
            conn_reopen(c, true);
            return;
        }
        if (r == HTTP_PARSE_DONE) {
            conn_complete(c, now_us());
            return;
        }
        if (n < LOAD_READ_BUF)
            return; /* drained: level-triggered epoll tells us when more comes */
    }
}

/* ---- per-thread timers ------------------------------------------------------------------ */

static void sweep_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load_thread *t = arg;
    struct load *l = t->l;
    uint64_t now = now_us();
    for (unsigned i = 0; i < t->nconns; i++) {
        struct conn *c = &t->conns[i];
        if (c->state == CS_BUSY && now - c->sent_us >= l->timeout_us) {
            /* Abandoned: its latency is at least what it has waited so far. Recorded as
             * that lower bound, so that a latency gate cannot pass because the slowest
             * requests were given up on (wrk leaves them out). */
            hist_record(t->corrected, now - c->intended_us);
            hist_record(t->uncorrected, now - c->sent_us);
            stat_inc(&t->st.timeouts);
            conn_reopen(c, false);
        } else if (c->state == CS_CONNECTING && now - c->since_us >= l->timeout_us) {
            stat_inc(&t->st.errored);
            conn_reopen(c, true);
        }
    }
}

static void spread_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load_thread *t = arg;
    struct load *l = t->l;
    uint64_t now = now_us();
    while (t->nspread < t->nconns) {
        uint64_t at = l->start_us + l->spread_us * t->nspread / t->nconns;
        if (at > now) {
            struct timeval tv = tv_of_us(at - now);
            event_add(&t->ev_spread, &tv);
            return;
        }
        conn_connect(&t->conns[t->nspread++]);
    }
}

static void end_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load_thread *t = arg;
    uint64_t now = now_us(), end = t->l->start_us + t->l->duration_us;
    if (now < end) { /* libevent's coarse clock may fire up to a tick early */
        struct timeval tv = tv_of_us(end - now);
        event_add(&t->ev_end, &tv);
        return;
    }
    event_base_loopbreak(t->base);
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load_thread *t = arg;
    uint64_t v;
    if (read(fd, &v, sizeof v) < 0) {
        /* nothing to do: the flag below is what counts */
    }
    if (atomic_load(&t->l->stopping))
        event_base_loopbreak(t->base);
}

static void *thread_main(void *arg)
{
    struct load_thread *t = arg;
    struct load *l = t->l;
    uint64_t now = now_us();
    struct timeval tv;

    event_add(&t->ev_wake, NULL);
    if (t->sched_fd >= 0)
        event_add(&t->ev_sched, NULL);
    tv = tv_of_us(l->start_us + l->duration_us > now ? l->start_us + l->duration_us - now : 0);
    event_add(&t->ev_end, &tv);
    if (l->timeout_us > 0) {
        tv = tv_of_us(l->sweep_us);
        event_add(&t->ev_sweep, &tv);
    }
    tv = tv_of_us(l->start_us > now ? l->start_us - now : 0);
    event_add(&t->ev_spread, &tv);
    if (!atomic_load(&l->stopping))
        event_base_dispatch(t->base);

    uint64_t end = now_us();
    if (end > l->start_us + l->duration_us)
        end = l->start_us + l->duration_us;
    for (unsigned i = 0; i < t->nconns; i++)
        conn_close(&t->conns[i]);
    atomic_store(&t->end_us, end < l->start_us ? l->start_us : end);
    atomic_store(&t->done, true);
    return NULL;
}

/* ---- public API --------------------------------------------------------------------------- */

/* Raise RLIMIT_NOFILE's soft limit to what `need` descriptors take. -1 with err if the hard
 * limit is too low. */
static int load_raise_nofile(unsigned connections, unsigned need, char *err)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
        lj_err(err, "getrlimit: %s", strerror(errno));
        return -1;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return 0;
    struct rlimit want = {.rlim_cur = need, .rlim_max = rl.rlim_max};
    if ((rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) &&
        setrlimit(RLIMIT_NOFILE, &want) == 0)
        return 0;
    /* the hard limit (or the kernel's nr_open) is too low */
    rlim_t limit = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need ? rl.rlim_max : rl.rlim_cur;
    lj_err(err, "load.connections = %u needs %u file descriptors; the limit is %llu (ulimit -n)",
           connections, need, (unsigned long long)limit);
    return -1;
}

static int load_thread_init(struct load *l, struct load_thread *t, unsigned index, unsigned nconns,
                            char *err)
{
    t->l = l;
    t->index = index;
    t->nconns = nconns;
    t->wake_fd = -1;
    t->sched_fd = -1;
    struct event_config *cfg = event_config_new();
    if (!cfg)
        goto nomem;
    event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK); /* not PRECISE_TIMER: see the design */
    t->base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!t->base) {
        lj_err(err, "load: event_base_new failed");
        return -1;
    }
    t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->wake_fd < 0) {
        lj_err(err, "load: eventfd: %s", strerror(errno));
        return -1;
    }
    if (l->open_loop) {
        t->sched_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (t->sched_fd < 0) {
            lj_err(err, "load: timerfd_create: %s", strerror(errno));
            return -1;
        }
        event_assign(&t->ev_sched, t->base, t->sched_fd, EV_READ | EV_PERSIST, sched_cb, t);
    }
    t->conns = calloc(nconns, sizeof *t->conns);
    t->idle = calloc(nconns, sizeof *t->idle);
    t->rbuf = malloc(LOAD_READ_BUF);
    t->corrected = hist_new();
    t->uncorrected = hist_new();
    if (!t->conns || !t->idle || !t->rbuf || !t->corrected || !t->uncorrected)
        goto nomem;
    for (unsigned i = 0; i < nconns; i++) {
        t->conns[i].t = t;
        t->conns[i].fd = -1;
    }
    event_assign(&t->ev_wake, t->base, t->wake_fd, EV_READ | EV_PERSIST, wake_cb, t);
    event_assign(&t->ev_end, t->base, -1, 0, end_cb, t);
    event_assign(&t->ev_sweep, t->base, -1, EV_PERSIST, sweep_cb, t);
    event_assign(&t->ev_spread, t->base, -1, 0, spread_cb, t);
    return 0;
nomem:
    lj_err(err, "load: out of memory for %u connections", nconns);
    return -1;
}

/* The periods of the client-timeout sweep and of the initial connects' spread. */
static void load_periods(struct load *l, const struct load_config *cfg)
{
    l->sweep_us = l->timeout_us / 20;
    if (l->sweep_us < LOAD_SWEEP_MIN_US)
        l->sweep_us = LOAD_SWEEP_MIN_US;
    if (l->sweep_us > LOAD_SWEEP_MAX_US)
        l->sweep_us = LOAD_SWEEP_MAX_US;
    if (cfg->ramp_us > 0) {
        l->spread_us = cfg->ramp_us;
    } else {
        l->spread_us = (uint64_t)cfg->connections * LOAD_CONNECT_GAP_US;
        if (l->spread_us > LOAD_CONNECT_SPREAD_US)
            l->spread_us = LOAD_CONNECT_SPREAD_US;
    }
    if (l->spread_us > l->duration_us / 2)
        l->spread_us = l->duration_us / 2;
}

struct load *load_new(const struct load_config *cfg, char *err)
{
    struct load *l = NULL;
    uint32_t a = cfg->addr;

    if (load_config_check(cfg, err) < 0)
        return NULL;
    if (load_raise_nofile(cfg->connections, cfg->connections + LOAD_FD_MARGIN, err) < 0)
        return NULL;
    l = calloc(1, sizeof *l);
    if (!l)
        goto nomem;
    l->nthreads = cfg->threads;
    l->connections = cfg->connections;
    l->open_loop = cfg->rate > 0.0 || cfg->nstages > 0;
    l->duration_us = cfg->duration_us;
    l->quantum_us = LOAD_SEND_QUANTUM_US;
    l->timeout_us = cfg->timeout_us;
    load_periods(l, cfg);
    l->addr = a;
    l->port = cfg->port;
    load_sched_build(&l->sched, cfg);

    size_t cap = strlen(cfg->path) + 64;
    l->req = malloc(cap);
    if (!l->req)
        goto nomem;
    int n = snprintf(l->req, cap, "GET %s HTTP/1.1\r\nHost: %u.%u.%u.%u:%u\r\n\r\n", cfg->path,
                     a >> 24, (a >> 16) & 255u, (a >> 8) & 255u, a & 255u, cfg->port);
    l->reqlen = (size_t)n;

    l->threads = calloc(l->nthreads, sizeof *l->threads);
    if (!l->threads)
        goto nomem;
    unsigned base = l->connections / l->nthreads, extra = l->connections % l->nthreads;
    for (unsigned i = 0; i < l->nthreads; i++)
        if (load_thread_init(l, &l->threads[i], i, base + (i < extra), err) < 0)
            goto fail;
    return l;
nomem:
    lj_err(err, "load: out of memory");
fail:
    load_free(l);
    return NULL;
}

void load_set_send_quantum(struct load *l, uint64_t quantum_us)
{
    l->quantum_us = quantum_us;
}

int load_start(struct load *l, char *err)
{
    /* All threads share one clock origin; a millisecond lets them all get going. */
    l->start_us = now_us() + 1000;
    for (unsigned i = 0; i < l->nthreads; i++) {
        int rc = pthread_create(&l->threads[i].tid, NULL, thread_main, &l->threads[i]);
        if (rc != 0) {
            lj_err(err, "load: pthread_create: %s", strerror(rc));
            goto fail;
        }
        l->threads[i].started = true;
    }
    return 0;
fail:
    load_stop(l);
    return -1;
}

void load_stop(struct load *l)
{
    if (!l || l->joined)
        return;
    atomic_store(&l->stopping, true);
    for (unsigned i = 0; i < l->nthreads; i++) {
        uint64_t one = 1;
        if (l->threads[i].started && write(l->threads[i].wake_fd, &one, sizeof one) < 0) {
            /* an eventfd write only fails when the counter would overflow: already woken */
        }
    }
    for (unsigned i = 0; i < l->nthreads; i++)
        if (l->threads[i].started)
            pthread_join(l->threads[i].tid, NULL);
    l->joined = true;
}

bool load_done(struct load *l)
{
    for (unsigned i = 0; i < l->nthreads; i++)
        if (!atomic_load(&l->threads[i].done))
            return false;
    return true;
}

void load_counters(struct load *l, struct load_counters *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < l->nthreads; i++) {
        struct load_thread *t = &l->threads[i];
        uint64_t end = atomic_load(&t->end_us); /* acquire: the final counters follow */
        uint64_t sent = stat_get(&t->st.sent);
        out->sent += sent;
        out->ok += stat_get(&t->st.ok);
        out->failed += stat_get(&t->st.failed);
        out->errored += stat_get(&t->st.errored);
        out->timeouts += stat_get(&t->st.timeouts);
        out->connects += stat_get(&t->st.connects);
        out->open += stat_get(&t->st.open);
        if (!l->open_loop || l->start_us == 0) {
            out->scheduled += sent;
            continue;
        }
        uint64_t due = sched_due(t, end ? end : now_us());
        if (due < sent)
            due = sent;
        out->scheduled += due;
        out->backlog += due - sent;
    }
}

void load_latency(struct load *l, struct hist *corrected, struct hist *uncorrected)
{
    for (unsigned i = 0; i < l->nthreads; i++) {
        if (corrected)
            hist_merge(corrected, l->threads[i].corrected);
        if (uncorrected)
            hist_merge(uncorrected, l->threads[i].uncorrected);
    }
}

void load_free(struct load *l)
{
    if (!l)
        return;
    load_stop(l);
    for (unsigned i = 0; l->threads && i < l->nthreads; i++) {
        struct load_thread *t = &l->threads[i];
        for (unsigned j = 0; t->conns && j < t->nconns; j++)
            conn_close(&t->conns[j]);
        if (t->base) {
            ev_del(&t->ev_wake);
            ev_del(&t->ev_end);
            ev_del(&t->ev_sched);
            ev_del(&t->ev_sweep);
            ev_del(&t->ev_spread);
            event_base_free(t->base);
        }
        if (t->wake_fd >= 0)
            close(t->wake_fd);
        if (t->sched_fd >= 0)
            close(t->sched_fd);
        free(t->conns);
        free(t->idle);
        free(t->rbuf);
        hist_free(t->corrected);
        hist_free(t->uncorrected);
    }
    free(l->threads);
    free(l->req);
    free(l);
}
