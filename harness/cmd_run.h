/* cmd_run.h -- `logjam run`, `check` and `serve`: their options, the scenario they load, and
 * serve's loop. */
#ifndef LJ_CMD_RUN_H
#define LJ_CMD_RUN_H

#include <stdio.h>

/* The usage of logjam (every command; run's options and the exit codes in full) on f. */
void cmd_run_usage(FILE *f);

/* `logjam run|check|serve [SCENARIO] [options]` (cmd: which; argv[0] is cmd). The scenario is
 * loaded and validated before anything starts. Returns the exit code (DESIGN.md's table): run
 * the run's, check 0 when valid, serve 0 when stdin closed or on Ctrl-C; 104 invalid input,
 * 2 usage. */
int cmd_run(const char *cmd, int argc, char **argv);

#endif
