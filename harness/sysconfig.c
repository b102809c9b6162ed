/* sysconfig.c -- check a user's sys.config before anything starts: file:consult/1 in a
 * throwaway erl (no distribution), mapped to one "file:line: what" line. */
#include "sysconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define SYSCONFIG_TIMEOUT_MS 30000
#define SYSCONFIG_ENV "LOGJAM_SYS_CONFIG"

/* Prints "ok", "line\tN\tmessage" or "file\tmessage" as its last line, after any number of
 * "warn\tN\tmessage" lines. Only the path's env var is read; the reply is written as UTF-8.
 * Elixir's `logger' section (the application, not kernel's `logger' key) is checked by
 * Elixir(Text): values Elixir 1.14's Logger refuses or takes to mean something absurd are
 * errors at their line; discard_threshold <= sync_threshold is a warning. */
static const char check_expr[] =
    "P = os:getenv(\"" SYSCONFIG_ENV "\"),"
    "Walk = fun W({cons, _, {tuple, L, [{atom, _, K}, V]}, T}, A) -> W(T, [{K, L, V} | A]); "
    "           W({cons, _, _, T}, A) -> W(T, A); "
    "           W(_, A) -> lists:reverse(A) end, "
    "Int = fun(V) -> is_integer(V) andalso V >= 0 end, "
    "Rule = fun(sync_threshold, V) when is_integer(V), V < 0 -> "
    "               \"Elixir 1.14 takes it and makes every call synchronous (the counter is never "
    "below it)\"; "
    "          (discard_threshold, V) when is_integer(V), V < 0 -> "
    "               \"Elixir 1.14 takes it and drops every message in the caller\"; "
    "          (K, V) when K =:= sync_threshold; K =:= discard_threshold -> "
    "               case Int(V) of true -> ok; false -> "
    "                   \"Elixir 1.14 compares its counter with it as a term (an atom is never "
    "reached: the threshold is off)\" end; "
    "          (discard_threshold_periodic_check, V) -> "
    "               case Int(V) of true -> ok; false -> "
    "                   \"Elixir's Logger does not start (erlang:send_after/3 refuses it)\" end; "
    "          (level, V) -> "
    "               case lists:member(V, [all, none, debug, info, notice, warning, warn, error, "
    "critical, alert, emergency]) of "
    "                   true -> ok; false -> \"Elixir's Logger does not start (not a logger "
    "level)\" end; "
    "          (_, _) -> ok end, "
    "Elixir = fun(Text) -> "
    "    try "
    "        {ok, Toks, _} = erl_scan:string(Text), "
    "        {ok, [Ast]} = erl_parse:parse_exprs(Toks), "
    "        Es = [{K, L, erl_parse:normalise(V)} || {logger, _, S} <- Walk(Ast, []), {K, L, V} <- "
    "Walk(S, [])], "
    "        Bad = [{L, K, V, W} || {K, L, V} <- Es, W <- [Rule(K, V)], W =/= ok], "
    "        Get = fun(K) -> lists:keyfind(K, 1, Es) end, "
    "        case {Bad, Get(sync_threshold), Get(discard_threshold)} of "
    "            {[{L, K, V, W} | _], _, _} -> "
    "                {error, [\"line\\t\", integer_to_list(L), \"\\t\", io_lib:format(\"logger: "
    "~ts = ~0tp: must be a non-negative integer~ts: ~ts\", [K, V, case K of level -> \" or a "
    "level\"; discard_threshold_periodic_check -> \" (ms)\"; _ -> \"\" end, W])]}; "
    "            {[], {_, _, S}, {_, Ld, D}} when D =< S -> "
    "                {warn, [\"warn\\t\", integer_to_list(Ld), \"\\t\", io_lib:format(\"logger: "
    "discard_threshold ~b is not above sync_threshold ~b: Elixir 1.14 checks discard first, so "
    "callers drop their message before they would ever block and sync_threshold has no effect\", "
    "[D, S])]}; "
    "            _ -> ok "
    "        end "
    "    catch _:_ -> ok "
    "    end end, "
    "App = fun(X) -> is_tuple(X) andalso tuple_size(X) =:= 2 andalso"
    "        is_atom(element(1, X)) andalso is_list(element(2, X)) end,"
    "Out = case file:consult(P) of"
    "  {ok, [L]} when is_list(L) ->"
    "    case [X || X <- L, not App(X)] of"
    "      [] -> {ok, Bin} = file:read_file(P),"
    "            case Elixir(unicode:characters_to_list(Bin)) of"
    "              ok -> \"ok\"; {error, E} -> E; {warn, W} -> [W, \"\\nok\"] end;"
    "      [B | _] when is_list(B) -> [\"file\\t\", io_lib:format(\"included config files "
    "(~0tp) are not supported: inline their sections\", [B])];"
    "      [B | _] -> [\"file\\t\", io_lib:format(\"expected {Application, [...]} "
    "tuples in the list, found ~0tP\", [B, 6])]"
    "    end;"
    "  {ok, []} -> \"file\\tno term: expected [{Application, [...]}, ...].\";"
    "  {ok, [_]} -> \"file\\texpected one list [{Application, [...]}, ...].\";"
    "  {ok, _} -> \"file\\tmore than one term: expected one list [{Application, [...]}, ...].\";"
    "  {error, {Loc, Mod, Term}} ->"
    "    Line = case Loc of {Ln, _} -> Ln; Ln -> Ln end,"
    "    Msg = lists:flatten(Mod:format_error(Term)),"
    "    Msg1 = case lists:suffix(\"before: \", Msg) of"
    "             true -> Msg ++ \"end of file (a missing '.'?)\";"
    "             false -> Msg end,"
    "    [\"line\\t\", integer_to_list(Line), \"\\t\", Msg1];"
    "  {error, Reason} -> [\"file\\t\", file:format_error(Reason)]"
    "end,"
    "io:put_chars(unicode:characters_to_binary([Out, $\\n])),"
    "halt(0).";

/* Read everything the child writes to fd until EOF or the deadline. -1 on timeout. */
static int read_all(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t used = 0;
    uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
    for (;;) {
        uint64_t now = now_us();
        if (now >= deadline)
            return -1;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, (int)((deadline - now) / 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char tmp[512];
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n < len - 1 - used ? (size_t)n : len - 1 - used;
        memcpy(buf + used, tmp, take);
        used += take;
    }
    buf[used] = '\0';
    return 0;
}

int sysconfig_check(const char *path, char *err)
{
    int out[2] = {-1, -1};
    char reply[LJ_ERR_LEN * 2];
    int status = 0, rc = -1;
    pid_t pid = -1;

    if (access(path, R_OK) < 0) {
        lj_err(err, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) < 0) {
        lj_err(err, "%s: pipe: %s", path, strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid = fork();
    if (pid < 0) {
        lj_err(err, "%s: fork: %s", path, strerror(errno));
        goto done;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 2);
        }
        dup2(out[1], 1);
        setenv(SYSCONFIG_ENV, path, 1);
        unsetenv("ERL_FLAGS"); /* nothing from the environment may add -name or -config */
        unsetenv("ERL_AFLAGS");
        unsetenv("ERL_ZFLAGS");
        signal(SIGPIPE, SIG_DFL);
        execlp("erl", "erl", "-noshell", "-noinput", "-boot", "start_clean", "-eval", check_expr,
               (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    out[1] = -1;
    bool timed_out = read_all(out[0], reply, sizeof reply, SYSCONFIG_TIMEOUT_MS) < 0;
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out) {
        lj_err(err, "%s: erl did not check it within %d s", path, SYSCONFIG_TIMEOUT_MS / 1000);
        goto done;
    }
    char *verdict = reply;
    while (strncmp(verdict, "warn\t", 5) == 0 && strchr(verdict, '\n')) {
        char *next = strchr(verdict, '\n') + 1, *msg = strchr(verdict + 5, '\t');
        next[-1] = '\0';
        fprintf(stderr, "logjam: warning: %s:%ld: %s\n", path, strtol(verdict + 5, NULL, 10),
                msg ? msg + 1 : "");
        verdict = next;
    }
    memmove(reply, verdict, strlen(verdict) + 1);
    reply[strcspn(reply, "\n")] = '\0';
    if (strcmp(reply, "ok") == 0) {
        rc = 0;
    } else if (strncmp(reply, "line\t", 5) == 0) {
        char *msg = strchr(reply + 5, '\t');
        long line = strtol(reply + 5, NULL, 10);
        lj_err(err, "%s:%ld: %s", path, line, msg ? msg + 1 : "syntax error");
    } else if (strncmp(reply, "file\t", 5) == 0) {
        lj_err(err, "%s: %s", path, reply + 5);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        lj_err(err, "%s: cannot run erl to check it (is erlang-nox installed?)", path);
    } else {
        lj_err(err, "%s: erl could not check it (no answer)", path);
    }
done:
    if (out[0] >= 0)
        close(out[0]);
    if (out[1] >= 0)
        close(out[1]);
    return rc;
}
