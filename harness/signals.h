/* signals.h -- the one signal scheme of every command: the handler only counts, the main loop
 * acts; worker threads never take the signals. */
#ifndef LJ_SIGNALS_H
#define LJ_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What a second SIGINT/SIGTERM does: only count (the loop still decides), or exit at once. */
enum signals_second { SIGNALS_SECOND_COUNTS = 0, SIGNALS_SECOND_EXITS };

/* Take SIGINT and SIGTERM (counted as interrupts) and SIGUSR1 (a diagnosis request); ignore
 * SIGPIPE and SIGXFSZ (a closed pipe or a file-size limit is a write error, not a crash).
 * Resets the counts. With SIGNALS_SECOND_EXITS, a second interrupt kills the process group
 * set by signals_kill_on_exit (if any) and _exits with LJ_EXIT_INTERRUPTED. */
void signals_install(enum signals_second second);

/* SIGINT and SIGTERM back to their default action (the counts stay as they are). */
void signals_default(void);

/* The process group a second interrupt kills before exiting; 0 for none. */
void signals_kill_on_exit(pid_t pgid);

/* SIGINT/SIGTERM received since signals_install. */
int signals_interrupts(void);

/* Whether a SIGUSR1 came since the last call (the request is consumed). */
bool signals_diagnose_requested(void);

/* Block the three signals in the calling thread (threads created now inherit the mask: call it
 * around pthread_create, then signals_restore(old)). */
void signals_block(sigset_t *old);
void signals_restore(const sigset_t *old);

/* Sleep up to us microseconds; a signal ends the sleep early (the caller re-checks its flags). */
void signals_nap(uint64_t us);

#endif
