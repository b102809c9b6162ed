/* cmd_attach.h -- `logjam attach NODE`: a live view of a node logjam did not start, without
 * load, until q; then the usual summary and report. */
#ifndef LJ_CMD_ATTACH_H
#define LJ_CMD_ATTACH_H

/* argv[0] is "attach". Returns the exit code (0 on q, 104 bad input, 1 unreachable or
 * disconnected, 105 interrupted, 2 usage). */
int cmd_attach(int argc, char **argv);

#endif
