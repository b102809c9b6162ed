/* cmd_load.h -- `logjam load`: the load generator alone against a running loopback server. */
#ifndef LJ_CMD_LOAD_H
#define LJ_CMD_LOAD_H

/* Run `logjam load [options] URL` (argv[0] is "load"). Prints a wrk-style report, or one
 * JSON object with --json, on stdout. Returns the process exit code: 0 done, 2 usage error,
 * 104 invalid option value or a URL that is not http://127.x.y.z[:PORT]/path, 1 harness
 * error, 105 interrupted (the report is still printed). */
int cmd_load(int argc, char **argv);

#endif
