/* main.c -- the command line: which command (run, check, serve, load, sweep, limit, merge,
 * attach, keys), --help, --version. */
#include <stdio.h>
#include <string.h>

#include "cmd_attach.h"
#include "cmd_limit.h"
#include "cmd_load.h"
#include "cmd_merge.h"
#include "cmd_run.h"
#include "cmd_sweep.h"
#include "scenario.h"
#include "util.h"

#ifndef LJ_VERSION
#define LJ_VERSION "dev"
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        cmd_run_usage(stderr);
        return LJ_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cmd_run_usage(stdout);
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
    if (strcmp(cmd, "attach") == 0)
        return cmd_attach(argc - 1, argv + 1);
    if (strcmp(cmd, "limit") == 0)
        return cmd_limit(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "check") == 0 || strcmp(cmd, "serve") == 0)
        return cmd_run(cmd, argc - 1, argv + 1);
    fprintf(stderr, "logjam: unknown command '%s'\n", cmd);
    cmd_run_usage(stderr);
    return LJ_EXIT_USAGE;
}
