/* bev_client.c -- the bufferevent alternative to load.c's raw sockets, closed loop (bench aid). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Same work per request as load.c on the fast path: write the pre-built request, find the
 * end of the head, read Content-Length, drain the body, send again. */
static char req[256];
static size_t reqlen;
static unsigned long done;

static void read_cb(struct bufferevent *bev, void *arg)
{
    struct evbuffer *in = bufferevent_get_input(bev);
    (void)arg;
    for (;;) {
        struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
        if (end.pos < 0)
            return;
        size_t head = (size_t)end.pos + 4;
        char *p = (char *)evbuffer_pullup(in, (ssize_t)head);
        char *cl = memmem(p, head, "content-length:", 15);
        size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
        if (evbuffer_get_length(in) < head + body)
            return;
        evbuffer_drain(in, head + body);
        done++;
        bufferevent_write(bev, req, reqlen);
    }
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
    (void)arg;
    if (what & BEV_EVENT_CONNECTED) {
        int one = 1;
        setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        bufferevent_write(bev, req, reqlen);
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        fprintf(stderr, "bev_client: connection lost\n");
        exit(1);
    }
}

static void end_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

/* bev_client PORT CONNS SECONDS: prints "requests N". */
int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    unsigned port = (unsigned)atoi(argv[1]), conns = (unsigned)atoi(argv[2]);
    reqlen =
        (size_t)snprintf(req, sizeof req, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    struct event_config *cfg = event_config_new();
    event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK | EVENT_BASE_FLAG_PRECISE_TIMER);
    struct event_base *base = event_base_new_with_config(cfg);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    sa.sin_port = htons((uint16_t)port);
    for (unsigned i = 0; i < conns; i++) {
        struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
        bufferevent_setcb(bev, read_cb, NULL, event_cb, NULL);
        bufferevent_enable(bev, EV_READ | EV_WRITE);
        bufferevent_socket_connect(bev, (struct sockaddr *)&sa, sizeof sa);
    }
    struct timeval tv = {atoi(argv[3]), 0};
    event_base_once(base, -1, EV_TIMEOUT, end_cb, base, &tv);
    event_base_dispatch(base);
    printf("requests %lu\n", done);
    return 0;
}
