/* cmd_limit.h -- `logjam limit`: the capacity search from the command line. */
#ifndef LJ_CMD_LIMIT_H
#define LJ_CMD_LIMIT_H

/* `logjam limit SCENARIO [options]` (argv[0] is "limit"); returns the exit code. */
int cmd_limit(int argc, char **argv);

#endif
