/* check_load.c -- unit tests of the load generator (load.c) against an in-process HTTP server. */
#include <arpa/inet.h>
#include <check.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hist.h"
#include "load.h"
#include "util.h"

Suite *load_suite(void);

/* ---- a tiny keep-alive HTTP server on 127.0.0.1:0, in its own thread ---------------------- */

enum srv_mode {
    SRV_OK = 0, /* 200 at once */
    SRV_STALL,  /* 200 after SRV_STALL_US */
    SRV_SILENT, /* reads, never answers */
    SRV_CLOSE,  /* 200 with Connection: close, then closes */
    SRV_FAIL,   /* 503 at once */
};

#define SRV_STALL_US 200000

struct srv_conn;

struct srv {
    enum srv_mode mode;
    struct srv_conn *conns; /* live connections, freed by srv_stop */
    struct event_base *base;
    struct evconnlistener *lis;
    pthread_t tid;
    uint16_t port;
    _Atomic uint64_t accepted, received, replied;
};

struct srv_conn {
    struct srv *s;
    struct srv_conn *prev, *next;
    struct bufferevent *bev;
    struct event *timer;
    unsigned pending;
};

static const char REPLY_OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: t\r\n\r\nok";
static const char REPLY_CLOSE[] =
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
static const char REPLY_FAIL[] = "HTTP/1.1 503 Busy\r\ncontent-length: 4\r\n\r\nbusy";

static void srv_conn_free(struct srv_conn *sc)
{
    if (sc->prev)
        sc->prev->next = sc->next;
    else
        sc->s->conns = sc->next;
    if (sc->next)
        sc->next->prev = sc->prev;
    if (sc->timer)
        event_free(sc->timer);
    bufferevent_free(sc->bev);
    free(sc);
}

static void srv_flushed_cb(struct bufferevent *bev, void *arg)
{
    srv_conn_free(arg); /* Connection: close once the reply is out */
}

static void srv_reply(struct srv_conn *sc)
{
    struct srv *s = sc->s;
    switch (s->mode) {
    case SRV_OK:
    case SRV_STALL:
        bufferevent_write(sc->bev, REPLY_OK, sizeof REPLY_OK - 1);
        break;
    case SRV_CLOSE:
        bufferevent_write(sc->bev, REPLY_CLOSE, sizeof REPLY_CLOSE - 1);
        bufferevent_disable(sc->bev, EV_READ);
        bufferevent_setcb(sc->bev, NULL, srv_flushed_cb, NULL, sc);
        break;
    case SRV_FAIL:
        bufferevent_write(sc->bev, REPLY_FAIL, sizeof REPLY_FAIL - 1);
        break;
    case SRV_SILENT:
        return;
    }
    atomic_fetch_add(&s->replied, 1);
}

static void srv_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct srv_conn *sc = arg;
    if (sc->pending == 0)
        return;
    sc->pending--;
    srv_reply(sc);
    if (sc->pending > 0) {
        struct timeval tv = {0, SRV_STALL_US};
        evtimer_add(sc->timer, &tv);
    }
}

static void srv_read_cb(struct bufferevent *bev, void *arg)
{
    struct srv_conn *sc = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    for (;;) {
        struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
        if (end.pos < 0)
            return;
        evbuffer_drain(in, (size_t)end.pos + 4);
        atomic_fetch_add(&sc->s->received, 1);
        if (sc->s->mode == SRV_STALL) {
            if (sc->pending++ == 0) {
                struct timeval tv = {0, SRV_STALL_US};
                evtimer_add(sc->timer, &tv);
            }
        } else {
            srv_reply(sc);
            if (sc->s->mode == SRV_CLOSE)
                return;
        }
    }
}

static void srv_event_cb(struct bufferevent *bev, short what, void *arg)
{
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        srv_conn_free(arg);
}

static void srv_accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
                          int salen, void *arg)
{
    struct srv *s = arg;
    struct srv_conn *sc = calloc(1, sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    sc->s = s;
    sc->next = s->conns;
    if (s->conns)
        s->conns->prev = sc;
    s->conns = sc;
    sc->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
    sc->timer = evtimer_new(s->base, srv_timer_cb, sc);
    bufferevent_setcb(sc->bev, srv_read_cb, NULL, srv_event_cb, sc);
    bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
    atomic_fetch_add(&s->accepted, 1);
}

static void *srv_main(void *arg)
{
    struct srv *s = arg;
    event_base_loop(s->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

static struct srv *srv_start(enum srv_mode mode)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, (void (*)(void))evthread_use_pthreads);
    struct srv *s = calloc(1, sizeof *s);
    ck_assert_ptr_nonnull(s);
    s->mode = mode;
    s->base = event_base_new();
    ck_assert_ptr_nonnull(s->base);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    s->lis = evconnlistener_new_bind(s->base, srv_accept_cb, s,
                                     LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 4096,
                                     (struct sockaddr *)&sa, sizeof sa);
    ck_assert_ptr_nonnull(s->lis);
    socklen_t len = sizeof sa;
    getsockname(evconnlistener_get_fd(s->lis), (struct sockaddr *)&sa, &len);
    s->port = ntohs(sa.sin_port);
    ck_assert_int_eq(pthread_create(&s->tid, NULL, srv_main, s), 0);
    return s;
}

static void srv_stop(struct srv *s)
{
    event_base_loopbreak(s->base);
    pthread_join(s->tid, NULL);
    while (s->conns)
        srv_conn_free(s->conns);
    evconnlistener_free(s->lis);
    event_base_free(s->base);
    free(s);
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* A config aimed at 127.0.0.1:port (port 0: set it later). */
static void config_for(struct load_config *cfg, uint16_t port, unsigned conns, unsigned threads,
                       double rate, uint64_t duration_us)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->addr = INADDR_LOOPBACK;
    cfg->port = port;
    cfg->connections = conns;
    cfg->threads = threads;
    cfg->rate = rate;
    cfg->duration_us = duration_us;
    cfg->timeout_us = 2000000;
    strcpy(cfg->path, "/ping");
}

static struct load *start(struct load_config *cfg, struct srv *s)
{
    char err[LJ_ERR_LEN];
    cfg->port = s->port;
    struct load *l = load_new(cfg, err);
    ck_assert_msg(l != NULL, "load_new: %s", err);
    ck_assert_msg(load_start(l, err) == 0, "load_start: %s", err);
    return l;
}

/* Wait until the load phase ends by itself (deadline: its duration + 3 s), then join. */
static void finish(struct load *l, uint64_t duration_us)
{
    uint64_t deadline = now_us() + duration_us + 3000000;
    while (!load_done(l) && now_us() < deadline)
        usleep(1000);
    ck_assert_msg(load_done(l), "the load phase did not end by itself");
    load_stop(l);
}

static void wait_server_received(struct srv *s, uint64_t n)
{
    uint64_t deadline = now_us() + 2000000;
    while (atomic_load(&s->received) < n && now_us() < deadline)
        usleep(1000);
}

/* ---- tests -------------------------------------------------------------------------------- */

START_TEST(test_load_refuses_non_loopback)
{
    struct load_config cfg;
    char err[LJ_ERR_LEN];
    config_for(&cfg, 8080, 4, 1, 0, 100000);
    cfg.addr = 0x0a000001; /* 10.0.0.1 */
    ck_assert_ptr_null(load_new(&cfg, err));
    ck_assert_ptr_nonnull(strstr(err, "loopback"));
    ck_assert_ptr_nonnull(strstr(err, "10.0.0.1"));
    cfg.addr = 0x0100007f; /* byte-swapped 127.0.0.1 */
    ck_assert_ptr_null(load_new(&cfg, err));
    cfg.addr = 0xc0a80001; /* 192.168.0.1 */
    ck_assert_ptr_null(load_new(&cfg, err));
    cfg.addr = 0;
    ck_assert_ptr_null(load_new(&cfg, err));
    cfg.addr = 0x7f010203; /* 127.1.2.3 is loopback */
    struct load *l = load_new(&cfg, err);
    ck_assert_msg(l != NULL, "%s", err);
    load_free(l);
}
END_TEST

/* In a child whose hard RLIMIT_NOFILE is 200: 1000 connections cannot be had. */
START_TEST(test_load_refuses_more_connections_than_fd_limit)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit rl = {200, 200};
        struct load_config cfg;
        char err[LJ_ERR_LEN] = "setrlimit failed";
        config_for(&cfg, 8080, 1000, 1, 0, 100000);
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && load_new(&cfg, err) != NULL)
            lj_err(err, "load_new accepted 1000 connections");
        ssize_t w = write(fds[1], err, strlen(err) + 1);
        _exit(w > 0 ? 0 : 1);
    }
    close(fds[1]);
    char msg[LJ_ERR_LEN] = "";
    ssize_t n = read(fds[0], msg, sizeof msg - 1);
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_gt(n, 0);
    ck_assert_msg(strcmp(msg, "load.connections = 1000 needs 1100 file descriptors; the limit is "
                              "200 (ulimit -n)") == 0,
                  "%s", msg);
}
END_TEST

START_TEST(test_load_closed_loop_counts_match_server)
{
    struct srv *s = srv_start(SRV_OK);
    struct load_config cfg;
    config_for(&cfg, 0, 10, 2, 0, 500000);
    struct load *l = start(&cfg, s);
    finish(l, cfg.duration_us);
    struct load_counters c;
    load_counters(l, &c);
    wait_server_received(s, c.sent);
    ck_assert_uint_gt(c.ok, 1000);
    ck_assert_uint_eq(atomic_load(&s->received), c.sent);
    ck_assert_uint_eq(atomic_load(&s->accepted), c.connects);
    ck_assert_uint_eq(c.connects, 10);
    ck_assert_uint_eq(c.open, 0); /* closed at the end of the phase */
    ck_assert_uint_eq(c.failed + c.errored + c.timeouts + c.backlog, 0);
    ck_assert_uint_eq(c.scheduled, c.sent);
    /* every request was answered except at most one in flight per connection at the end */
    ck_assert_uint_le(c.ok, c.sent);
    ck_assert_uint_ge(c.ok + 10, c.sent);
    ck_assert_uint_le(c.ok, atomic_load(&s->replied));
    struct hist *cor = hist_new(), *unc = hist_new();
    load_latency(l, cor, unc);
    ck_assert_uint_eq(hist_count(cor), c.ok);
    ck_assert_uint_eq(hist_count(unc), c.ok);
    ck_assert_uint_eq(hist_max(cor), hist_max(unc)); /* closed loop: no correction */
    hist_free(cor);
    hist_free(unc);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_spreads_remainder_connections)
{
    struct srv *s = srv_start(SRV_OK);
    struct load_config cfg;
    config_for(&cfg, 0, 7, 3, 0, 5000000);
    struct load *l = start(&cfg, s);
    struct load_counters c;
    uint64_t deadline = now_us() + 3000000;
    do {
        usleep(1000);
        load_counters(l, &c);
    } while (c.open < 7 && now_us() < deadline);
    ck_assert_uint_eq(c.open, 7); /* 3 + 2 + 2: no connection dropped */
    load_stop(l);
    ck_assert(load_done(l));
    load_counters(l, &c);
    ck_assert_uint_eq(c.connects, 7);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_open_loop_sends_the_schedule)
{
    struct srv *s = srv_start(SRV_OK);
    struct load_config cfg;
    config_for(&cfg, 0, 20, 2, 2000, 1000000);
    uint64_t t0 = now_us();
    struct load *l = start(&cfg, s);
    struct load_counters c;
    while (!load_done(l) && now_us() < t0 + 4000000) {
        load_counters(l, &c);
        double elapsed = (double)(now_us() - t0) / 1e6;
        ck_assert_uint_le(c.sent, c.scheduled);                         /* never ahead */
        ck_assert_uint_le(c.scheduled, (uint64_t)(2000 * elapsed) + 1); /* never invents */
        usleep(2000);
    }
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    wait_server_received(s, c.sent);
    ck_assert_uint_ge(c.scheduled, 1980);
    ck_assert_uint_le(c.scheduled, 2000);
    ck_assert_uint_ge(c.sent, 1980);
    ck_assert_uint_eq(c.sent + c.backlog, c.scheduled);
    ck_assert_uint_eq(atomic_load(&s->received), c.sent);
    ck_assert_uint_eq(c.errored + c.timeouts + c.failed, 0);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_ramp_and_stages_follow_the_rate_integral)
{
    struct srv *s = srv_start(SRV_OK);
    struct load_config cfg;
    struct load_counters c;
    /* linear ramp 0 -> 1000/s over the whole second: 500 requests */
    config_for(&cfg, 0, 8, 1, 1000, 1000000);
    cfg.ramp_us = 1000000;
    struct load *l = start(&cfg, s);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_ge(c.scheduled, 498);
    ck_assert_uint_le(c.scheduled, 500);
    ck_assert_uint_ge(c.sent, 495);
    load_free(l);
    /* stages: 0 -> 1000/s in 0.4 s (200), hold 0.4 s (400), 1000 -> 0 in 0.2 s (100) */
    config_for(&cfg, 0, 8, 2, 0, 1000000);
    cfg.nstages = 3;
    cfg.stages[0] = (struct load_stage){400000, 1000};
    cfg.stages[1] = (struct load_stage){400000, 1000};
    cfg.stages[2] = (struct load_stage){200000, 0};
    l = start(&cfg, s);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_ge(c.scheduled, 697);
    ck_assert_uint_le(c.scheduled, 700);
    ck_assert_uint_ge(c.sent, 690);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_open_loop_stall_shows_in_corrected_latency)
{
    struct srv *s = srv_start(SRV_STALL);
    struct load_config cfg;
    struct load_counters c;
    /* 10 connections can do 50 req/s against a 200 ms stall; 200/s is asked */
    config_for(&cfg, 0, 10, 1, 200, 1000000);
    struct load *l = start(&cfg, s);
    uint64_t deadline = now_us() + 3000000, seen_backlog = 0;
    while (!load_done(l) && now_us() < deadline) {
        load_counters(l, &c);
        if (c.backlog > seen_backlog)
            seen_backlog = c.backlog;
        usleep(5000);
    }
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_gt(seen_backlog, 50); /* the backlog grew while the run went on */
    ck_assert_uint_eq(c.sent + c.backlog, c.scheduled);
    ck_assert_uint_gt(c.backlog, 100);
    struct hist *cor = hist_new(), *unc = hist_new();
    load_latency(l, cor, unc);
    ck_assert_uint_gt(hist_count(cor), 20);
    ck_assert_uint_ge(hist_percentile(cor, 99), 400000); /* waiting in the backlog counts */
    ck_assert_uint_ge(hist_percentile(unc, 50), 190000);
    ck_assert_uint_lt(hist_percentile(unc, 99), 300000); /* the server's stall only */
    hist_free(cor);
    hist_free(unc);
    load_free(l);

    /* closed loop on the same server: p99 is the stall itself */
    config_for(&cfg, 0, 10, 1, 0, 1000000);
    l = start(&cfg, s);
    finish(l, cfg.duration_us);
    cor = hist_new();
    load_latency(l, cor, NULL);
    ck_assert_uint_ge(hist_count(cor), 30);
    ck_assert_uint_ge(hist_percentile(cor, 99), 195000);
    ck_assert_uint_lt(hist_percentile(cor, 99), 300000);
    hist_free(cor);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_silent_server_times_out_and_reconnects)
{
    struct srv *s = srv_start(SRV_SILENT);
    struct load_config cfg;
    struct load_counters c;
    config_for(&cfg, 0, 5, 1, 200, 1000000);
    cfg.timeout_us = 100000;
    struct load *l = start(&cfg, s);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    wait_server_received(s, c.sent);
    ck_assert_uint_ge(c.timeouts, 25);     /* ~5 connections x ~9 timeouts each */
    ck_assert_uint_gt(c.connects, 5 + 20); /* reopened after each timeout */
    ck_assert_uint_eq(c.ok + c.failed, 0);
    ck_assert_uint_ge(c.scheduled, 198); /* the intended-send clock kept running */
    ck_assert_uint_le(c.scheduled, 200);
    ck_assert_uint_eq(c.sent + c.backlog, c.scheduled); /* nothing dropped or invented */
    ck_assert_uint_eq(atomic_load(&s->received), c.sent);
    /* each timed-out request records the time it waited: at least the 100 ms timeout, at
     * most that plus a sweep period (5 ms) and scheduling slack */
    struct hist *cor = hist_new(), *unc = hist_new();
    load_latency(l, cor, unc);
    ck_assert_uint_eq(hist_count(cor), c.timeouts);
    ck_assert_uint_eq(hist_count(unc), c.timeouts);
    ck_assert_uint_ge(hist_percentile(unc, 1), 100000);
    ck_assert_uint_lt(hist_percentile(unc, 50), 150000);
    ck_assert_uint_ge(hist_percentile(cor, 1), 100000);
    hist_free(cor);
    hist_free(unc);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_connection_close_reconnects)
{
    struct srv *s = srv_start(SRV_CLOSE);
    struct load_config cfg;
    struct load_counters c;
    config_for(&cfg, 0, 4, 1, 0, 300000);
    struct load *l = start(&cfg, s);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_gt(c.ok, 50);
    ck_assert_uint_ge(c.connects, c.ok); /* a new connection for each request */
    ck_assert_uint_eq(c.errored + c.failed + c.timeouts, 0);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_non_2xx_counted_as_failed)
{
    struct srv *s = srv_start(SRV_FAIL);
    struct load_config cfg;
    struct load_counters c;
    config_for(&cfg, 0, 2, 1, 0, 200000);
    struct load *l = start(&cfg, s);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_gt(c.failed, 50);
    ck_assert_uint_eq(c.ok + c.errored + c.timeouts, 0);
    load_free(l);
    srv_stop(s);
}
END_TEST

START_TEST(test_load_refused_connects_are_errors_with_backoff)
{
    /* a port nobody listens on: bind one, note it, close it */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    struct load_config cfg;
    char err[LJ_ERR_LEN];
    struct load_counters c;
    config_for(&cfg, 0, 2, 1, 0, 300000);
    cfg.port = ntohs(sa.sin_port);
    struct load *l = load_new(&cfg, err);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(load_start(l, err), 0);
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    ck_assert_uint_ge(c.errored, 2);
    ck_assert_uint_le(c.errored, 2 * 8); /* back-off 10, 20, 40, 80, 160 ms: not a spin */
    ck_assert_uint_eq(c.connects + c.sent, 0);
    load_free(l);
}
END_TEST

START_TEST(test_load_stop_from_another_thread_is_prompt)
{
    struct srv *s = srv_start(SRV_STALL);
    struct load_config cfg;
    config_for(&cfg, 0, 20, 2, 100, 60000000);
    struct load *l = start(&cfg, s);
    usleep(100000);
    ck_assert(!load_done(l));
    uint64_t t = now_us();
    load_stop(l);
    ck_assert_uint_lt(now_us() - t, 500000);
    ck_assert(load_done(l));
    load_stop(l); /* idempotent */
    struct load_counters c;
    load_counters(l, &c);
    ck_assert_uint_eq(c.open, 0);
    ck_assert_uint_eq(c.sent + c.backlog, c.scheduled);
    ck_assert_uint_le(c.scheduled, 30);
    load_free(l);
    srv_stop(s);
}
END_TEST

/* A 20 ms send quantum: ticks at most every 20 ms, each sends the ~40 requests due by then.
 * Nothing is lost or sent early, and the wait shows in corrected latency only. */
START_TEST(test_load_send_quantum_batches_and_shows_the_wait)
{
    struct srv *s = srv_start(SRV_OK);
    struct load_config cfg;
    struct load_counters c;
    char err[LJ_ERR_LEN];
    config_for(&cfg, 0, 100, 1, 2000, 1000000);
    cfg.port = s->port;
    struct load *l = load_new(&cfg, err);
    ck_assert_msg(l != NULL, "load_new: %s", err);
    load_set_send_quantum(l, 20000);
    ck_assert_msg(load_start(l, err) == 0, "load_start: %s", err);
    uint64_t deadline = now_us() + 4000000;
    while (!load_done(l) && now_us() < deadline) {
        load_counters(l, &c);
        ck_assert_uint_le(c.sent, c.scheduled); /* never ahead of the schedule */
        usleep(2000);
    }
    finish(l, cfg.duration_us);
    load_counters(l, &c);
    wait_server_received(s, c.sent);
    ck_assert_uint_ge(c.scheduled, 1980);
    ck_assert_uint_le(c.scheduled, 2000);
    ck_assert_uint_eq(c.sent + c.backlog, c.scheduled);
    ck_assert_uint_ge(c.sent + 60, c.scheduled); /* at most the last tick's batch is left */
    ck_assert_uint_eq(atomic_load(&s->received), c.sent);
    ck_assert_uint_eq(c.errored + c.timeouts + c.failed, 0);
    struct hist *cor = hist_new(), *unc = hist_new();
    load_latency(l, cor, unc);
    uint64_t cor50 = hist_percentile(cor, 50), unc50 = hist_percentile(unc, 50);
    /* a request waits uniformly 0..20 ms for its tick: median ~10 ms */
    ck_assert_msg(cor50 >= unc50 + 5000, "corrected p50 %llu us, uncorrected %llu us",
                  (unsigned long long)cor50, (unsigned long long)unc50);
    ck_assert_msg(cor50 < 20000 + unc50, "corrected p50 %llu us: later than one quantum",
                  (unsigned long long)cor50);
    hist_free(cor);
    hist_free(unc);
    load_free(l);
    srv_stop(s);
}
END_TEST

/* Without batching (quantum 0) and below the default quantum's rate alike, a request goes out
 * within microseconds of its intended time: not on millisecond epoll timeouts. */
START_TEST(test_load_open_loop_sends_on_time_to_the_microsecond)
{
    static const uint64_t quanta[] = {0, UINT64_MAX}; /* UINT64_MAX: leave the default */
    struct srv *s = srv_start(SRV_OK);
    for (size_t i = 0; i < sizeof quanta / sizeof quanta[0]; i++) {
        struct load_config cfg;
        char err[LJ_ERR_LEN];
        config_for(&cfg, 0, 20, 1, 1000, 1000000); /* 1 ms apart: above the default quantum */
        cfg.port = s->port;
        struct load *l = load_new(&cfg, err);
        ck_assert_msg(l != NULL, "load_new: %s", err);
        if (quanta[i] != UINT64_MAX)
            load_set_send_quantum(l, quanta[i]);
        ck_assert_msg(load_start(l, err) == 0, "load_start: %s", err);
        finish(l, cfg.duration_us);
        struct hist *cor = hist_new(), *unc = hist_new();
        load_latency(l, cor, unc);
        ck_assert_uint_ge(hist_count(cor), 950);
        uint64_t cor50 = hist_percentile(cor, 50), unc50 = hist_percentile(unc, 50);
        /* millisecond timeouts would be late by ~500 us at the median */
        ck_assert_msg(cor50 < unc50 + 250,
                      "quantum %zu: corrected p50 %llu us, uncorrected %llu us", i,
                      (unsigned long long)cor50, (unsigned long long)unc50);
        hist_free(cor);
        hist_free(unc);
        load_free(l);
    }
    srv_stop(s);
}
END_TEST

Suite *load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_load_refuses_non_loopback);
    tcase_add_test(tc, test_load_refuses_more_connections_than_fd_limit);
    tcase_add_test(tc, test_load_closed_loop_counts_match_server);
    tcase_add_test(tc, test_load_spreads_remainder_connections);
    tcase_add_test(tc, test_load_open_loop_sends_the_schedule);
    tcase_add_test(tc, test_load_ramp_and_stages_follow_the_rate_integral);
    tcase_add_test(tc, test_load_open_loop_stall_shows_in_corrected_latency);
    tcase_add_test(tc, test_load_silent_server_times_out_and_reconnects);
    tcase_add_test(tc, test_load_connection_close_reconnects);
    tcase_add_test(tc, test_load_non_2xx_counted_as_failed);
    tcase_add_test(tc, test_load_refused_connects_are_errors_with_backoff);
    tcase_add_test(tc, test_load_stop_from_another_thread_is_prompt);
    tcase_add_test(tc, test_load_send_quantum_batches_and_shows_the_wait);
    tcase_add_test(tc, test_load_open_loop_sends_on_time_to_the_microsecond);
    suite_add_tcase(s, tc);
    return s;
}
