/* main.c -- the command line: run, check, serve, load, keys, --help, --version. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_load.h"
#include "run.h"
#include "scenario.h"
#include "sweep.h"
#include "sysconfig.h"
#include "util.h"

#ifndef LJ_VERSION
#define LJ_VERSION "dev"
#endif
#ifndef LJ_FIXTURE_DIR
#define LJ_FIXTURE_DIR "erlang_fixture/ebin"
#endif

static const char usage_text[] =
    "usage: logjam run SCENARIO [options]      run a scenario: node, load, samples, verdict\n"
    "       logjam check SCENARIO [--set ...]  validate a scenario without running it\n"
    "       logjam sweep SCENARIO [--vary SECTION.KEY=V1,V2]... [--sort KEY] [--repeat N]\n"
    "                                          one run per combination of swept values,\n"
    "                                          a table side by side (logjam sweep --help)\n"
    "       logjam serve [SCENARIO] [--set ...] start the fixture node and print its URL;\n"
    "                                          serve until stdin closes or Ctrl-C\n"
    "       logjam load [options] URL          the load generator alone (wrk-like),\n"
    "                                          against http://127.0.0.1:PORT/path\n"
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
    "  1 harness error (node did not start, died, probe lost); 2 usage error.\n"
    "\n"
    "Scenario keys: `logjam keys`. Files written to the output directory: samples.csv\n"
    "(one row per sample, flushed as it arrives), summary.json and report.html.\n"
    "See logjam(1).\n";

static void usage(FILE *f)
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

/* Parse the options shared by run/check/serve; the scenario is loaded and validated before
 * anything starts. Returns 0, or an exit code. */
static int parse_run_args(int argc, char **argv, bool need_scenario, struct scenario *sc,
                          struct run_opts *o)
{
    static char sys_set[SCENARIO_PATH_LEN + 32];
    const char *overrides[SCENARIO_MAX_OVERRIDES];
    unsigned nover = 0;
    char err[LJ_ERR_LEN];
    int c;

    memset(o, 0, sizeof *o);
    o->fixture_ebin = getenv("LOGJAM_FIXTURE_DIR");
    if (!o->fixture_ebin || !*o->fixture_ebin)
        o->fixture_ebin = LJ_FIXTURE_DIR;
    o->progress = isatty(2);
    o->color = isatty(1) && !getenv("NO_COLOR");
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:qh", run_options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (nover == SCENARIO_MAX_OVERRIDES) {
                fprintf(stderr, "logjam: at most %d --set options\n", SCENARIO_MAX_OVERRIDES);
                return LJ_EXIT_USAGE;
            }
            overrides[nover++] = optarg;
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
            if (nover == SCENARIO_MAX_OVERRIDES)
                return LJ_EXIT_USAGE;
            snprintf(sys_set, sizeof sys_set, "logger.sys_config=%s", optarg);
            overrides[nover++] = sys_set;
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
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return LJ_EXIT_USAGE;
        }
    }
    const char *path = optind < argc ? argv[optind++] : NULL;
    if ((need_scenario && !path) || optind < argc) {
        fprintf(stderr, "logjam: %s\n",
                path ? "one scenario file at most" : "which scenario file?");
        usage(stderr);
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
    if (o->format == FORMAT_JSON)
        o->color = false;
    return 0;
}

int main(int argc, char **argv)
{
    static struct scenario sc; /* large: not on the stack */
    struct run_opts o;
    int rc;

    if (argc < 2) {
        usage(stderr);
        return LJ_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("logjam %s\n", LJ_VERSION);
        return 0;
    }
    if (strcmp(cmd, "keys") == 0) {
        scenario_print_keys(stdout);
        return 0;
    }
    if (strcmp(cmd, "load") == 0)
        return cmd_load(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "check") == 0 || strcmp(cmd, "serve") == 0) {
        rc = parse_run_args(argc - 1, argv + 1, strcmp(cmd, "serve") != 0, &sc, &o);
        if (rc != 0)
            return rc;
        if (strcmp(cmd, "check") == 0) {
            printf("%s: ok (%u gates)\n", sc.path[0] ? sc.path : "(defaults)", sc.ngates);
            return 0;
        }
        if (strcmp(cmd, "serve") == 0)
            return run_serve(&sc, &o);
        return run_scenario(&sc, &o);
    }
    fprintf(stderr, "logjam: unknown command '%s'\n", cmd);
    usage(stderr);
    return LJ_EXIT_USAGE;
}
