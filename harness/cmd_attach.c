/* cmd_attach.c -- `logjam attach NODE`: a live view of a node logjam did not start, without
 * load, until q; then the usual summary and report. */
#include "cmd_attach.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach_view.h"
#include "run.h"
#include "scenario.h"
#include "util.h"

#define ATTACH_SET_LEN (SCENARIO_PATH_LEN + 32)
#define ATTACH_MAX_SETS 6 /* the default interval, three options, the node */

static const char usage_text[] =
    "usage: logjam attach NODE --cookie-file FILE [--port N] [--interval DUR] [--out DIR]\n"
    "  a live one-screen view of NODE (name@127.0.0.1 or name@localhost), a node you\n"
    "  started: processes, memory, logger queue and mode, run queue, connections;\n"
    "  d diagnoses (the top stuck functions and whom they wait on), q quits and prints\n"
    "  the usual summary (summary.json and report.html in the output directory).\n"
    "  --cookie-file FILE  the node's cookie (mode 0600 or 0400)\n"
    "  --port N            its distribution port (no epmd); default: the epmd on 127.0.0.1\n"
    "  --interval DUR      refresh and sample interval (default 1s)\n"
    "exit codes: 0 quit with q; 104 bad input; 1 unreachable, wrong cookie or disconnected;\n"
    "  105 interrupted; 2 usage error.\n";

static const struct option attach_options[] = {
    {"cookie-file", required_argument, NULL, 'c'},
    {"port", required_argument, NULL, 'p'},
    {"interval", required_argument, NULL, 'i'},
    {"out", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The options as --set assignments into sets (ATTACH_MAX_SETS of ATTACH_SET_LEN; a 1 s
 * interval first, so --interval wins), out_dir aside. Returns the number of assignments, -1
 * (usage said) or -2 (--help). */
static int parse(int argc, char **argv, char sets[][ATTACH_SET_LEN], const char **out_dir)
{
    int c, n = 0;
    snprintf(sets[n++], ATTACH_SET_LEN, "run.sample_interval=1s");
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", attach_options, NULL)) != -1) {
        if (n == ATTACH_MAX_SETS - 1) {
            fputs("logjam: attach: each option at most once\n", stderr);
            return -1;
        }
        if (c == 'c')
            snprintf(sets[n++], ATTACH_SET_LEN, "target.cookie_file=%s", optarg);
        else if (c == 'p')
            snprintf(sets[n++], ATTACH_SET_LEN, "target.port=%s", optarg);
        else if (c == 'i')
            snprintf(sets[n++], ATTACH_SET_LEN, "run.sample_interval=%s", optarg);
        else if (c == 'o')
            *out_dir = optarg;
        else {
            fputs(usage_text, c == 'h' ? stdout : stderr);
            return c == 'h' ? -2 : -1;
        }
    }
    if (optind != argc - 1) {
        fputs(usage_text, stderr);
        return -1;
    }
    snprintf(sets[n++], ATTACH_SET_LEN, "target.node=%s", argv[optind]);
    return n;
}

int cmd_attach(int argc, char **argv)
{
    static struct scenario sc;
    static char sets[ATTACH_MAX_SETS][ATTACH_SET_LEN];
    char err[LJ_ERR_LEN];
    const char *overrides[ATTACH_MAX_SETS], *out_dir = NULL;
    int n = parse(argc, argv, sets, &out_dir);
    if (n < 0)
        return n == -2 ? 0 : LJ_EXIT_USAGE;
    for (int i = 0; i < n; i++)
        overrides[i] = sets[i];
    if (scenario_load(&sc, NULL, overrides, (unsigned)n, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_INVALID;
    }
    struct attach_view *view = attach_view_new(sc.target_node, stdout, 0);
    if (!view) {
        fprintf(stderr, "logjam: out of memory\n");
        return LJ_EXIT_HARNESS;
    }
    struct run_watch watch = {sc.sample_interval_us, attach_view_frame, view};
    struct run_opts o = {
        .fixture_ebin = run_fixture_default(), .out_dir = out_dir, .color = false, .watch = &watch};
    int code = run_scenario(&sc, &o);
    attach_view_end(view);
    return code;
}
