/* pingd.c -- a minimal keep-alive HTTP/1.1 server answering every GET with 200 "pong" (bench aid).
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char reply[] = "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\npong";

static void read_cb(struct bufferevent *bev, void *arg)
{
    (void)arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    for (;;) {
        struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
        if (end.pos < 0)
            return;
        evbuffer_drain(in, (size_t)end.pos + 4);
        bufferevent_write(bev, reply, sizeof reply - 1);
    }
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
    (void)arg;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        bufferevent_free(bev);
}

static void accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    (void)sa;
    (void)salen;
    (void)arg;
    struct bufferevent *bev =
        bufferevent_socket_new(evconnlistener_get_base(lis), fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(bev, read_cb, NULL, event_cb, NULL);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* pingd [PORT]: listen on 127.0.0.1:PORT (0: any), print the URL, serve until killed. */
int main(int argc, char **argv)
{
    struct event_base *base = event_base_new();
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    sa.sin_port = htons((uint16_t)(argc > 1 ? atoi(argv[1]) : 0));
    struct evconnlistener *lis =
        evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                4096, (struct sockaddr *)&sa, sizeof sa);
    if (!base || !lis) {
        perror("pingd: listen");
        return 1;
    }
    socklen_t len = sizeof sa;
    getsockname(evconnlistener_get_fd(lis), (struct sockaddr *)&sa, &len);
    printf("http://127.0.0.1:%u\n", ntohs(sa.sin_port));
    fflush(stdout);
    event_base_dispatch(base);
    return 0;
}
