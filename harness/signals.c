/* signals.c -- the one signal scheme of every command: the handler only counts, the main loop
 * acts; a second interrupt exits at once where the command asks for it. */
#include "signals.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static volatile sig_atomic_t g_interrupts;
static volatile sig_atomic_t g_diagnose_requested;
static volatile sig_atomic_t g_second_exits;
static volatile pid_t g_kill_pgid;

static void on_signal(int sig)
{
    if (sig == SIGUSR1) {
        g_diagnose_requested = 1;
        return;
    }
    if (++g_interrupts >= 2 && g_second_exits) {
        /* Second Ctrl-C: exit at once. The janitor removes the temp dir when we are gone. */
        if (g_kill_pgid > 0)
            kill(-g_kill_pgid, SIGKILL);
        _exit(LJ_EXIT_INTERRUPTED);
    }
}

void signals_install(enum signals_second second)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_interrupts = 0;
    g_diagnose_requested = 0;
    g_second_exits = second == SIGNALS_SECOND_EXITS;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit is a write error (EFBIG), not a crash */
}

void signals_default(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

void signals_kill_on_exit(pid_t pgid)
{
    g_kill_pgid = pgid;
}

int signals_interrupts(void)
{
    return g_interrupts;
}

bool signals_diagnose_requested(void)
{
    if (!g_diagnose_requested)
        return false;
    g_diagnose_requested = 0;
    return true;
}

/* Worker threads never take the signals: the main thread's sleeps are what they wake. */
void signals_block(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void signals_restore(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

void signals_nap(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL); /* EINTR is fine: the caller re-checks its flags */
}
