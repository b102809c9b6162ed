/* attach_view.h -- logjam attach's live one-screen view on a terminal: the node's gauges
 * (processes, memory, logger queue and mode, run queue, ports), the last diagnosis's stuck
 * groups and whom they wait on, and the keys (d, q) read without Enter. */
#ifndef LJ_ATTACH_VIEW_H
#define LJ_ATTACH_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "sample.h"

struct attach_view;

/* A view of node on out (the terminal), keys read from fd in; when in is a terminal it is
 * put in non-canonical mode without echo until attach_view_end. NULL when out of memory. */
struct attach_view *attach_view_new(const char *node, FILE *out, int in);

/* Redraw the screen from last (NULL: no sample yet) and diagnosis (NULL: none taken; "d"
 * takes one), then read the keys typed since: returns 'q', 'd' or 0. For run_watch.frame. */
int attach_view_frame(void *view, const struct sample *last, const json_t *diagnosis);

/* Give the terminal back as it was and free v (NULL: nothing). */
void attach_view_end(struct attach_view *v);

#endif
