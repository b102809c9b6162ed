/* node.c -- start and stop the fixture node: private HOME and cookie, sys.config from the
 * scenario, epmd-less loopback distribution, readiness through the probe, parent-death
 * guards (PR_SET_PDEATHSIG, stdin watchdog, janitor), kill, temp dir removal. */
#include "node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario_backend.h"
#include "scenario_keys.h"
#include "target.h"
#include "util.h"

#ifndef LJ_PROBE_DIR
#define LJ_PROBE_DIR "erlang_probe/ebin" /* logjam_probe's ebin; the Makefile sets it */
#endif
#define NODE_COOKIE_BYTES 24 /* 192 bits from getrandom */
#define NODE_POLL_US 50000

struct node {
    pid_t pid;      /* erl (then beam.smp after exec), leader of its own process group */
    pid_t janitor;  /* cleans up if logjam dies without doing it */
    int stdin_fd;   /* write end of the node's stdin: closing it halts the node */
    int janitor_fd; /* write end of the janitor's pipe */
    int dist_port;
    bool exited;
    int status;
    char dir[256];
    char cookie[2 * NODE_COOKIE_BYTES + 1];
    char alive[32];
    char reason[128];
    char user_config[SCENARIO_PATH_LEN]; /* the user's sys.config, "" = none */
    const char *const *code_path;        /* the backend's extra -pa dirs, or NULL */
    struct hello hello;
    struct target *target; /* a node logjam did not start: everything goes through it */
};

static int free_loopback_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(sa.sin_port);
}

static int write_file(const char *dir, const char *name, const char *text, int mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int rc = close(fd);
    return (n == (ssize_t)len && rc == 0) ? 0 : -1;
}

/* One {env, term} per key of the scenario_keys rows named in only (NULL: every row with an
 * env name), each on its own line after a comma. */
static void put_env_keys(FILE *f, const struct scenario *sc, const char *const *only)
{
    char term[64];
    for (size_t i = 0; i < scenario_nkeys; i++) {
        const struct key *k = &scenario_keys[i];
        bool listed = !only;
        for (const char *const *o = only; o && *o && !listed; o++)
            listed = strcmp(*o, k->name) == 0 && strcmp(k->section, "logger") == 0;
        if (!k->erl || !listed)
            continue;
        scenario_erl_term(sc, k, term, sizeof term);
        fprintf(f, ",\n  {%s, %s}", k->erl, term);
    }
}

char *node_sys_config(const struct scenario *sc, const char *dir)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const struct backend *b = scenario_backend(sc->backend);
    char file[SCENARIO_PATH_LEN];
    if (!f)
        return NULL;
    snprintf(file, sizeof file, "%s/fixture.log", dir);
    fprintf(f, "[{fixture, [\n  {listen_ip, {127,0,0,1}}, {listen_port, 0}, {log_file, ");
    scenario_put_erl_string(f, file);
    fputc('}', f);
    put_env_keys(f, sc, NULL);
    fprintf(f, "\n ]},\n");
    if (b->app) {
        fprintf(f, " {%s, [\n", b->app);
        b->app_terms(f, sc, file);
        put_env_keys(f, sc, b->app_keys);
        fprintf(f, "\n ]},\n");
    }
    fprintf(f, " {kernel, [{inet_dist_use_interface, {127,0,0,1}}]}\n].\n");
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The janitor: a forked copy of logjam (no exec) that waits on a pipe. If logjam dies
 * without saying "done" (kill -9), it kills the node's process group and removes the temp
 * dir, so nothing of the run is left behind on any exit path. */
static void janitor_main(int rfd, pid_t node_pgid, const char *dir)
{
    char c = 0;
    signal(SIGINT, SIG_IGN); /* Ctrl-C is logjam's to handle, not ours */
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    ssize_t n;
    do
        n = read(rfd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1 && c == 'd')
        _exit(0);
    kill(-node_pgid, SIGKILL);
    for (int i = 0; i < 100; i++) { /* the node may still be writing its files */
        if (lj_rmtree(dir) == 0)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    _exit(0);
}

static void close_other_fds(int keep1, int keep2)
{
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep1 && fd != keep2)
            close(fd);
}

/* Last non-empty line of the node's log (where it explains why it did not start). */
static void last_log_line(const char *dir, char *out, size_t len)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/node.log", dir);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t n = strlen(line);
        if (n == 0)
            continue;
        if (n >= len)
            n = len - 1;
        memcpy(out, line, n);
        out[n] = '\0';
    }
    fclose(f);
}

static void node_note_exit(struct node *n)
{
    if (WIFEXITED(n->status))
        snprintf(n->reason, sizeof n->reason, "exited with status %d", WEXITSTATUS(n->status));
    else if (WIFSIGNALED(n->status))
        snprintf(n->reason, sizeof n->reason, "killed by signal %d (%s)", WTERMSIG(n->status),
                 strsignal(WTERMSIG(n->status)));
}

bool node_alive(struct node *n)
{
    if (!n || n->exited)
        return false;
    if (n->target) {
        if (target_alive(n->target))
            return true;
        n->exited = true;
        snprintf(n->reason, sizeof n->reason, "disconnected (gone, or it closed the connection)");
        return false;
    }
    pid_t r = waitpid(n->pid, &n->status, WNOHANG);
    if (r == n->pid || (r < 0 && errno == ECHILD)) {
        n->exited = true;
        node_note_exit(n);
        return false;
    }
    return true;
}

const char *node_exit_reason(const struct node *n)
{
    return n->exited ? n->reason : "";
}

/* erl's command line for node n; argv points into the strings beside it. */
struct erl_args {
    char name[64], port[16], pa[1024], config[512], user[1100];
    char *argv[40];
};

static void erl_args_fill(struct erl_args *a, const struct node *n, const char *fixture_ebin)
{
    char **argv = a->argv;
    int k = 0;
    snprintf(a->name, sizeof a->name, "fx%s@127.0.0.1", n->alive + 2);
    snprintf(a->port, sizeof a->port, "%d", n->dist_port);
    snprintf(a->pa, sizeof a->pa, "%s", fixture_ebin);
    snprintf(a->config, sizeof a->config, "%s/sys", n->dir);
    argv[k++] = "erl";
    argv[k++] = "-noshell";
    argv[k++] = "-name";
    argv[k++] = a->name;
    argv[k++] = "-start_epmd"; /* distribution without epmd, on loopback only */
    argv[k++] = "false";
    argv[k++] = "-erl_epmd_port";
    argv[k++] = a->port;
    argv[k++] = "-kernel";
    argv[k++] = "inet_dist_use_interface";
    argv[k++] = "{127,0,0,1}";
    argv[k++] = "+P";
    argv[k++] = "1048576"; /* room for the pile-up; the table costs 12 bytes a slot */
    argv[k++] = "-pa";
    argv[k++] = a->pa;
    argv[k++] = "-pa"; /* the later -pa is searched first: a stale probe in pa cannot win */
    argv[k++] = LJ_PROBE_DIR;
    for (const char *const *d = n->code_path; d && *d && k < 32; d++) {
        argv[k++] = "-pa";
        argv[k++] = (char *)*d;
    }
    argv[k++] = "-config";
    argv[k++] = a->config;
    if (n->user_config[0]) { /* the user's own sys.config after ours: its sections win */
        snprintf(a->user, sizeof a->user, "%s", n->user_config);
        argv[k++] = "-config";
        argv[k++] = a->user;
    }
    argv[k++] = "-s";
    argv[k++] = "fx_boot";
    argv[k++] = "start";
    argv[k] = NULL;
}

/* In the forked child: its own process group, killed with logjam, stdin from the watchdog
 * pipe, output to the log, a private HOME and a clean environment; then erl. */
static void exec_node(char **argv, pid_t parent, int stdin_rfd, int logfd, const char *home)
{
    setpgid(0, 0); /* Ctrl-C at the terminal is for logjam, which then stops the node */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    dup2(stdin_rfd, 0);
    dup2(logfd, 1);
    dup2(logfd, 2);
    close_other_fds(-1, -1);
    setenv("HOME", home, 1);
    setenv("ERL_CRASH_DUMP_SECONDS", "0", 1); /* a dump of 100k processes fills disks */
    unsetenv("ERL_FLAGS");
    unsetenv("ERL_AFLAGS");
    unsetenv("ERL_ZFLAGS");
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execvp("erl", argv);
    dprintf(2, "cannot run erl: %s (is erlang-nox installed?)\n", strerror(errno));
    _exit(127);
}

static pid_t spawn_node(struct node *n, const char *fixture_ebin, int stdin_rfd, char *err)
{
    struct erl_args a = {0}; /* zeroed for cppcheck, which cannot see the fill */
    char log[512];
    erl_args_fill(&a, n, fixture_ebin);
    snprintf(log, sizeof log, "%s/node.log", n->dir);
    int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) {
        lj_err(err, "cannot create %s: %s", log, strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        lj_err(err, "fork: %s", strerror(errno));
        close(logfd);
        return -1;
    }
    if (pid == 0)
        exec_node(a.argv, parent, stdin_rfd, logfd, n->dir);
    setpgid(pid, pid); /* both sides, so no race with kill(-pgid) */
    close(logfd);
    return pid;
}

/* A private temp dir (mkdtemp makes it 0700) for the node's HOME, config and log. */
static int make_node_dir(struct node *n, char *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(n->dir, sizeof n->dir, "%s/logjam.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(n->dir)) {
        lj_err(err, "cannot create a temp dir in %s: %s", tmp && *tmp ? tmp : "/tmp",
               strerror(errno));
        n->dir[0] = '\0';
        return -1;
    }
    return 0;
}

/* A random cookie, written to the node's .erlang.cookie, and a random alive name. */
static int write_cookie(struct node *n, char *err)
{
    unsigned char rnd[NODE_COOKIE_BYTES];
    if (lj_random(rnd, sizeof rnd) < 0) {
        lj_err(err, "getrandom: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(n->cookie + 2 * i, 3, "%02X", rnd[i]);
    snprintf(n->alive, sizeof n->alive, "lj%02x%02x%02x%02x", rnd[0] ^ rnd[5], rnd[1] ^ rnd[6],
             rnd[2] ^ rnd[7], rnd[3] ^ rnd[8]);
    if (write_file(n->dir, ".erlang.cookie", n->cookie, 0400) < 0) {
        lj_err(err, "cannot write the cookie in %s: %s", n->dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_sys_config(struct node *n, const struct scenario *sc, char *err)
{
    char *sys = node_sys_config(sc, n->dir);
    int rc = 0;
    if (!sys || write_file(n->dir, "sys.config", sys, 0600) < 0) {
        lj_err(err, "cannot write %s/sys.config: %s", n->dir, strerror(errno));
        rc = -1;
    }
    free(sys);
    return rc;
}

/* The node, its stdin a pipe whose closing halts it (the watchdog), then the janitor with a
 * pipe of its own. The write ends go to n. */
static int launch(struct node *n, const char *fixture_ebin, char *err)
{
    int in_pipe[2] = {-1, -1}, jan_pipe[2] = {-1, -1}, rc = -1;
    if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(jan_pipe, O_CLOEXEC) < 0) {
        lj_err(err, "pipe: %s", strerror(errno));
        goto out;
    }
    n->pid = spawn_node(n, fixture_ebin, in_pipe[0], err);
    if (n->pid < 0)
        goto out;
    close(in_pipe[0]);
    in_pipe[0] = -1;
    n->stdin_fd = in_pipe[1];
    in_pipe[1] = -1;

    n->janitor = fork();
    if (n->janitor == 0) {
        close_other_fds(jan_pipe[0], -1);
        janitor_main(jan_pipe[0], n->pid, n->dir);
    }
    if (n->janitor < 0) {
        lj_err(err, "fork: %s", strerror(errno));
        goto out;
    }
    close(jan_pipe[0]);
    jan_pipe[0] = -1;
    n->janitor_fd = jan_pipe[1];
    jan_pipe[1] = -1;
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (in_pipe[i] >= 0)
            close(in_pipe[i]);
        if (jan_pipe[i] >= 0)
            close(jan_pipe[i]);
    }
    return rc;
}

/* Readiness: the distribution port answers, then hello() reports the HTTP port. Fails when
 * the node exits or timeout_us passes, with the last line of its log. */
static int wait_ready(struct node *n, uint64_t timeout_us, char *err)
{
    char why[LJ_ERR_LEN], line[256];
    uint64_t deadline = now_us() + timeout_us;
    struct probe *p = NULL;
    why[0] = '\0';
    while (now_us() < deadline) {
        if (!node_alive(n)) {
            probe_close(p);
            last_log_line(n->dir, line, sizeof line);
            lj_err(err, "the node did not start: %s%s%s", n->reason, line[0] ? ": " : "", line);
            return -1;
        }
        if (!p)
            p = node_probe(n, "boot", why);
        if (p) {
            enum probe_status st = probe_hello(p, &n->hello, 1000, why);
            if (st == PROBE_OK && n->hello.fixture_port > 0)
                break;
            if (st == PROBE_ERROR || st == PROBE_BADRPC) {
                probe_close(p);
                p = NULL;
            }
        }
        struct timespec ts = {0, NODE_POLL_US * 1000};
        nanosleep(&ts, NULL);
    }
    probe_close(p);
    if (n->hello.fixture_port <= 0) {
        last_log_line(n->dir, line, sizeof line);
        lj_err(err, "the node did not become ready within %.0f s (%s)%s%s",
               (double)timeout_us / 1e6, why[0] ? why : "no answer",
               line[0] ? "; its log says: " : "", line);
        return -1;
    }
    return 0;
}

/* A node with nothing started yet (no process, no pipes), or NULL with err. */
static struct node *node_new(char *err)
{
    struct node *n = calloc(1, sizeof *n);
    if (!n) {
        lj_err(err, "out of memory");
        return NULL;
    }
    n->pid = n->janitor = -1;
    n->stdin_fd = n->janitor_fd = -1;
    return n;
}

struct node *node_start(const struct scenario *sc, const char *fixture_ebin, char *err)
{
    struct node *n = node_new(err);
    if (!n)
        return NULL;
    if (make_node_dir(n, err) < 0 || write_cookie(n, err) < 0 || write_sys_config(n, sc, err) < 0)
        goto fail;
    snprintf(n->user_config, sizeof n->user_config, "%s", sc->sys_config);
    n->code_path = scenario_backend(sc->backend)->code_path;
    n->dist_port = free_loopback_port();
    if (n->dist_port < 0) {
        lj_err(err, "no free loopback port: %s", strerror(errno));
        goto fail;
    }
    if (launch(n, fixture_ebin, err) < 0 || wait_ready(n, sc->boot_timeout_us, err) < 0)
        goto fail;
    return n;
fail:
    node_stop(n, 0);
    return NULL;
}

struct node *node_attach(const struct scenario *sc, char *err)
{
    struct node *n = node_new(err);
    if (!n)
        return NULL;
    n->target = target_open(sc, LJ_PROBE_DIR, err);
    if (!n->target) {
        free(n);
        return NULL;
    }
    n->hello = *target_hello(n->target);
    return n;
}

bool node_is_ours(const struct node *n)
{
    return n && !n->target;
}

const json_t *node_target_doc(const struct node *n)
{
    return n && n->target ? target_doc(n->target) : NULL;
}

struct probe *node_probe(struct node *n, const char *role, char *err)
{
    char alive[64];
    if (n->target)
        return target_probe(n->target, role, err);
    snprintf(alive, sizeof alive, "%s_%s", n->alive, role);
    return probe_connect(alive, n->cookie, "127.0.0.1", NULL, n->dist_port, 2000, err);
}

const struct hello *node_hello(const struct node *n)
{
    return &n->hello;
}

pid_t node_pid(const struct node *n)
{
    return n->target ? 0 : n->pid;
}

void node_kill(struct node *n)
{
    if (n && !n->target && n->pid > 0) /* never a node logjam did not start */
        kill(-n->pid, SIGKILL);
}

void node_stop(struct node *n, unsigned grace_ms)
{
    if (!n)
        return;
    if (n->target) { /* not ours: only what logjam loaded goes, the node stays */
        target_close(n->target);
        free(n);
        return;
    }
    if (n->pid > 0) {
        if (node_alive(n) && grace_ms > 0) {
            /* init:stop() through the probe; closing stdin (the watchdog) backs it up. */
            char err[LJ_ERR_LEN];
            struct probe *p = node_probe(n, "stop", err);
            if (p) {
                json_t *reply = NULL;
                probe_call(p, "init", "stop", NULL, 0, &reply, 1000, err);
                json_decref(reply);
                probe_close(p);
            }
        }
        if (n->stdin_fd >= 0) {
            close(n->stdin_fd);
            n->stdin_fd = -1;
        }
        uint64_t deadline = now_us() + (uint64_t)grace_ms * 1000;
        while (node_alive(n) && now_us() < deadline) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(-n->pid, SIGKILL); /* the node's whole group: beam and erl_child_setup */
        if (!n->exited) {
            while (waitpid(n->pid, &n->status, 0) < 0 && errno == EINTR)
                ;
            n->exited = true;
            node_note_exit(n);
        }
    }
    if (n->stdin_fd >= 0)
        close(n->stdin_fd);
    if (n->dir[0])
        lj_rmtree(n->dir);
    if (n->janitor_fd >= 0) {
        ssize_t w = write(n->janitor_fd, "d", 1);
        (void)w;
        close(n->janitor_fd);
    }
    if (n->janitor > 0)
        while (waitpid(n->janitor, NULL, 0) < 0 && errno == EINTR)
            ;
    free(n);
}
