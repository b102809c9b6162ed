/* attach_view.c -- logjam attach's live one-screen view on a terminal: the node's gauges
 * (processes, memory, logger queue and mode, run queue, ports), the last diagnosis's stuck
 * groups and whom they wait on, and the keys (d, q) read without Enter. */
#include "attach_view.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "units.h"
#include "util.h"

#define VIEW_GROUPS 5 /* stuck groups shown */

struct attach_view {
    char node[256];
    FILE *out;
    int in;
    bool raw; /* in was a terminal and is in non-canonical mode */
    struct termios saved;
    uint64_t t0;
};

struct attach_view *attach_view_new(const char *node, FILE *out, int in)
{
    struct attach_view *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    snprintf(v->node, sizeof v->node, "%s", node);
    v->out = out;
    v->in = in;
    v->t0 = now_us();
    if (isatty(in) && tcgetattr(in, &v->saved) == 0) {
        struct termios t = v->saved;
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        v->raw = tcsetattr(in, TCSANOW, &t) == 0;
    }
    return v;
}

static void gauges(FILE *f, const struct sample *s)
{
    char a[32], b[32], c[32], d[32];
    fprintf(f, "processes    %s of %s\n", units_format_count((double)s->process_count, a, 32),
            units_format_count((double)s->process_limit, b, 32));
    fprintf(f, "memory       total %s  processes %s  binary %s  ets %s\n",
            units_format_bytes((double)s->mem_total, a, 32),
            units_format_bytes((double)s->mem_processes, b, 32),
            units_format_bytes((double)s->mem_binary, c, 32),
            units_format_bytes((double)s->mem_ets, d, 32));
    fprintf(f, "logger       mode %s  queue %s  (read %lld ms ago)\n",
            sample_mode_name(s->logger_mode), units_format_count((double)s->logger_queue, a, 32),
            (long long)s->logger_queue_age);
    fprintf(f, "run queue    %lld\n", (long long)s->run_queue);
    fprintf(f, "connections  %lld  (ports %s of %s)\n", (long long)s->connections,
            units_format_count((double)s->port_count, a, 32),
            units_format_count((double)s->port_limit, b, 32));
}

/* The diagnosis's largest stack groups: count, innermost frames, whom they wait on. */
static void stuck(FILE *f, const json_t *diag)
{
    size_t i, k;
    const json_t *g, *frame;
    fprintf(f, "\nstuck functions (diagnosis at %.1f s, %lld processes scanned)\n",
            json_real_value(json_object_get(diag, "at")),
            (long long)json_integer_value(json_object_get(diag, "scanned")));
    json_array_foreach(json_object_get(diag, "by_stack"), i, g)
    {
        if (i == VIEW_GROUPS)
            break;
        fprintf(f, "  %7lld  ", (long long)json_integer_value(json_object_get(g, "count")));
        json_array_foreach(json_object_get(g, "stack"), k, frame)
        {
            if (k == 3)
                break;
            fprintf(f, "%s%s", k ? " <- " : "", json_string_value(frame));
        }
        const char *on = json_string_value(json_object_get(g, "waiting_on"));
        if (on)
            fprintf(f, "\n           waiting on %s (mailbox %lld)", on,
                    (long long)json_integer_value(json_object_get(g, "target_queue")));
        fputc('\n', f);
    }
}

/* The first of the keys typed since the last frame that the view knows, or 0. */
static int read_key(struct attach_view *v)
{
    char buf[16];
    struct pollfd p = {.fd = v->in, .events = POLLIN};
    int key = 0;
    while (poll(&p, 1, 0) > 0) {
        ssize_t n = read(v->in, buf, sizeof buf);
        if (n <= 0)
            return key ? key : 'q'; /* input closed: nobody can press q any more */
        for (ssize_t i = 0; i < n && !key; i++)
            if (buf[i] == 'q' || buf[i] == 'd')
                key = buf[i];
    }
    return key;
}

int attach_view_frame(void *view, const struct sample *last, const json_t *diagnosis)
{
    struct attach_view *v = view;
    FILE *f = v->out;
    fprintf(f, "\033[H\033[2Jlogjam attach %s  %.0f s   [d] diagnose  [q] quit\n\n", v->node,
            (double)(now_us() - v->t0) / 1e6);
    if (last)
        gauges(f, last);
    else
        fputs("waiting for the first sample...\n", f);
    if (diagnosis)
        stuck(f, diagnosis);
    else
        fputs("\nstuck functions: press d (walks every process, at most 2 s)\n", f);
    fflush(f);
    return read_key(v);
}

void attach_view_end(struct attach_view *v)
{
    if (!v)
        return;
    if (v->raw)
        tcsetattr(v->in, TCSANOW, &v->saved);
    free(v);
}
