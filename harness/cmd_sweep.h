/* cmd_sweep.h -- `logjam sweep`: one fresh run (--repeat: N) per combination of the swept
 * values, in sequence under the same load, and the comparison table (text, JSON, CSV, HTML). */
#ifndef LJ_CMD_SWEEP_H
#define LJ_CMD_SWEEP_H

/* `logjam sweep SCENARIO [options]` (argv[0] = "sweep"). Returns the exit code: 0 every
 * variant ran (whatever the verdicts), 1 a run had a harness error, 104 invalid input
 * (nothing started), 105 interrupted (the table of what ran is still written), 2 usage. */
int cmd_sweep(int argc, char **argv);

#endif
