/* cmd_run.c -- `logjam run`, `check` and `serve`: their options, the scenario they load, and
 * serve's loop. */
#include "cmd_run.h"

#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node.h"
#include "run.h"
#include "scenario.h"
#include "signals.h"
#include "sysconfig.h"
#include "target_spec.h"
#include "util.h"

static const char usage_text[] =
    "usage: logjam run SCENARIO [options]      run a scenario: node, load, samples, verdict\n"
    "       logjam check SCENARIO [--set ...]  validate a scenario without running it\n"
    "       logjam sweep SCENARIO [--vary SECTION.KEY=V1,V2]... [--sort KEY] [--repeat N]\n"
    "                                          one run per combination of swept values,\n"
    "                                          a table side by side (logjam sweep --help)\n"
    "       logjam limit SCENARIO [--axis KEY] [--from N] [--precision P] [--budget DUR]\n"
    "                                          the capacity search: the load at which the\n"
    "                                          gates stop passing (logjam limit --help)\n"
    "       logjam merge [--out DIR] DIR...    the shards of a sweep or limit run with\n"
    "                                          --shard I/N, merged into one table; exit 106\n"
    "                                          when a shard is missing, duplicated or of\n"
    "                                          another spec (logjam merge --help)\n"
    "       logjam serve [SCENARIO] [--set ...] start the fixture node and print its URL;\n"
    "                                          serve until stdin closes or Ctrl-C\n"
    "       logjam load [options] URL          the load generator alone (wrk-like),\n"
    "                                          against http://127.0.0.1:PORT/path\n"
    "       logjam attach NODE --cookie-file F [--port N] [--interval DUR]\n"
    "                                          a live view of a node you started, no load\n"
    "                                          (d: stuck functions, q: quit; --help)\n"
    "       logjam keys                        every scenario key, its default and meaning\n"
    "       logjam --help | --version\n"
    "\n"
    "run options:\n"
    "  -s, --set SECTION.KEY=VALUE  override one scenario key (repeatable)\n"
    "  -o, --out DIR                output directory (default: ./logjam-out/<timestamp>/)\n"
    "      --summary-export FILE    also write the JSON summary to FILE\n"
    "      --format text|json       what goes to stdout (default text; json: the summary)\n"
    "      --junit FILE             JUnit XML, one testcase per gate\n"
    "      --latency-dump FILE      HdrHistogram percentile distribution of latency\n"
    "      --report FILE.html       also write the HTML report (charts, gates, diagnosis)\n"
    "                               to FILE; report.html is always in the output dir\n"
    "      --sys-config FILE        take the logger sections of your own sys.config\n"
    "      --fixture DIR            the fixture's ebin directory (default: built in, or\n"
    "                               $LOGJAM_FIXTURE_DIR)\n"
    "      --no-progress            no live progress line on stderr\n"
    "  -q, --quiet                  no text summary on stdout\n"
    "\n"
    "exit codes: 0 every gate passed; 99 a gate failed or the safety cap was hit;\n"
    "  104 invalid scenario or option value (nothing was started); 105 interrupted\n"
    "  (first Ctrl-C stops the load and still reports; a second exits at once);\n"
    "  1 harness error (node did not start, died, probe lost; a [target] unreachable,\n"
    "  wrong cookie, a different probe module there, disconnected); 2 usage error.\n"
    "\n"
    "A scenario with [target] (node, cookie_file, url, port) runs against a node you\n"
    "started on this machine instead of the fixture: logjam loads its probe there, never\n"
    "kills it, and removes the probe on every exit (README: Attach to your own release).\n"
    "\n"
    "Scenario keys: `logjam keys`. Files written to the output directory: samples.csv\n"
    "(one row per sample, flushed as it arrives), summary.json and report.html.\n"
    "See logjam(1).\n";

void cmd_run_usage(FILE *f)
{
    fputs(usage_text, f);
}

enum {
    OPT_SUMMARY = 256,
    OPT_FORMAT,
    OPT_JUNIT,
    OPT_LATDUMP,
    OPT_SYSCONFIG,
    OPT_FIXTURE,
    OPT_NOPROGRESS,
    OPT_REPORT,
};

static const struct option run_options[] = {
    {"set", required_argument, NULL, 's'},
    {"out", required_argument, NULL, 'o'},
    {"summary-export", required_argument, NULL, OPT_SUMMARY},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {"latency-dump", required_argument, NULL, OPT_LATDUMP},
    {"sys-config", required_argument, NULL, OPT_SYSCONFIG},
    {"fixture", required_argument, NULL, OPT_FIXTURE},
    {"no-progress", no_argument, NULL, OPT_NOPROGRESS},
    {"report", required_argument, NULL, OPT_REPORT},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The options of argv into o (defaults first) and the --set and --sys-config overrides into
 * overrides[SCENARIO_MAX_OVERRIDES], *nover of them; optind is left at the first operand.
 * Returns 0, or an exit code. Long on purpose: one short case per row of run_options, a
 * getopt switch that reads best whole. */
static int parse_options(int argc, char **argv, struct run_opts *o, const char **overrides,
                         unsigned *nover)
{
    static char sys_set[SCENARIO_PATH_LEN + 32];
    int c;

    memset(o, 0, sizeof *o);
    o->fixture_ebin = run_fixture_default();
    o->progress = isatty(2);
    o->color = isatty(1) && !getenv("NO_COLOR");
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:qh", run_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (*nover == SCENARIO_MAX_OVERRIDES) {
                fprintf(stderr, "logjam: at most %d --set options\n", SCENARIO_MAX_OVERRIDES);
                return LJ_EXIT_USAGE;
            }
            overrides[(*nover)++] = optarg;
            break;
        case 'o':
            o->out_dir = optarg;
            break;
        case OPT_SUMMARY:
            o->summary_export = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0) {
                o->format = FORMAT_JSON;
            } else if (strcmp(optarg, "text") == 0) {
                o->format = FORMAT_TEXT;
            } else {
                fprintf(stderr, "logjam: --format %s: expected text or json\n", optarg);
                return LJ_EXIT_INVALID;
            }
            break;
        case OPT_JUNIT:
            o->junit = optarg;
            break;
        case OPT_LATDUMP:
            o->latency_dump = optarg;
            break;
        case OPT_SYSCONFIG:
            if (*nover == SCENARIO_MAX_OVERRIDES)
                return LJ_EXIT_USAGE;
            snprintf(sys_set, sizeof sys_set, "logger.sys_config=%s", optarg);
            overrides[(*nover)++] = sys_set;
            break;
        case OPT_FIXTURE:
            o->fixture_ebin = optarg;
            break;
        case OPT_NOPROGRESS:
            o->progress = false;
            break;
        case OPT_REPORT:
            o->html_report = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            cmd_run_usage(stdout);
            exit(0);
        default:
            cmd_run_usage(stderr);
            return LJ_EXIT_USAGE;
        }
    }
    return 0;
}

/* The scenario named by the one operand left in argv (none: the defaults, unless
 * need_scenario) with the overrides, validated, and the user's sys.config it names checked.
 * Returns 0, or an exit code. */
static int load_scenario(int argc, char **argv, bool need_scenario, struct scenario *sc,
                         const char *const *overrides, unsigned nover)
{
    char err[LJ_ERR_LEN];
    const char *path = optind < argc ? argv[optind++] : NULL;
    if ((need_scenario && !path) || optind < argc) {
        fprintf(stderr, "logjam: %s\n",
                path ? "one scenario file at most" : "which scenario file?");
        cmd_run_usage(stderr);
        return LJ_EXIT_USAGE;
    }
    if (scenario_load(sc, path, overrides, nover, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_INVALID;
    }
    if (sc->sys_config[0] && sysconfig_check(sc->sys_config, err) < 0) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_INVALID;
    }
    return 0;
}

/* Parse the options shared by run/check/serve; the scenario is loaded and validated before
 * anything starts. Returns 0, or an exit code. */
static int parse_run_args(int argc, char **argv, bool need_scenario, struct scenario *sc,
                          struct run_opts *o)
{
    const char *overrides[SCENARIO_MAX_OVERRIDES];
    unsigned nover = 0;
    int rc = parse_options(argc, argv, o, overrides, &nover);
    if (rc != 0)
        return rc;
    rc = load_scenario(argc, argv, need_scenario, sc, overrides, nover);
    if (rc != 0)
        return rc;
    if (o->format == FORMAT_JSON)
        o->color = false;
    return 0;
}

/* `logjam serve`: start the fixture node for sc, print its URL on stdout, serve until stdin
 * closes or SIGINT/SIGTERM (a second one exits at once), stop the node. Returns the exit
 * code. */
static int serve(const struct scenario *sc, const struct run_opts *o)
{
    char err[LJ_ERR_LEN];
    signals_install(SIGNALS_SECOND_EXITS);
    struct node *n = node_start(sc, o->fixture_ebin, err);
    if (!n) {
        fprintf(stderr, "logjam: %s\n", err);
        return LJ_EXIT_HARNESS;
    }
    signals_kill_on_exit(node_pid(n));
    printf("http://127.0.0.1:%d\n", node_hello(n)->fixture_port);
    fflush(stdout);
    int code = LJ_EXIT_PASS;
    for (;;) {
        struct pollfd pfd = {.fd = 0, .events = POLLIN};
        int r = poll(&pfd, 1, 200);
        if (signals_interrupts())
            break;
        if (!node_alive(n)) {
            fprintf(stderr, "logjam: the node died: %s\n", node_exit_reason(n));
            code = LJ_EXIT_HARNESS;
            break;
        }
        if (r > 0) {
            char buf[256];
            ssize_t k = read(0, buf, sizeof buf);
            if (k <= 0)
                break; /* stdin closed */
        }
    }
    node_stop(n, RUN_STOP_GRACE_MS);
    signals_kill_on_exit(0);
    return code;
}

int cmd_run(const char *cmd, int argc, char **argv)
{
    static struct scenario sc; /* large: not on the stack */
    struct run_opts o;
    int rc = parse_run_args(argc, argv, strcmp(cmd, "serve") != 0, &sc, &o);
    if (rc != 0)
        return rc;
    if (strcmp(cmd, "check") == 0) {
        printf("%s: ok (%u gates)\n", sc.path[0] ? sc.path : "(defaults)", sc.ngates);
        return 0;
    }
    if (target_spec_set(&sc) && (strcmp(cmd, "serve") == 0 || !sc.target_url[0])) {
        fprintf(stderr, "logjam: [target] %s: %s\n", sc.target_node,
                strcmp(cmd, "serve") == 0 ? "serve starts the fixture; a target is already running"
                                          : "a run needs [target] url for its load (to watch "
                                            "without one: logjam attach)");
        return LJ_EXIT_INVALID;
    }
    if (strcmp(cmd, "serve") == 0)
        return serve(&sc, &o);
    return run_scenario(&sc, &o);
}
