/* sysconfig.h -- check a user's sys.config before anything starts: Erlang's own parser on
 * it, and the shape a sys.config must have. */
#ifndef LJ_SYSCONFIG_H
#define LJ_SYSCONFIG_H

/* Check path with Erlang's own reader: `erl -noshell -noinput` (no distribution, no cookie,
 * the path passed in the environment) runs file:consult/1 on it. The file must hold exactly
 * one term, a list of {Application, [...]} tuples (included config files, i.e. strings in
 * the list, are refused: inline them). Returns 0 when it is good; -1 with one line in err
 * (LJ_ERR_LEN bytes): "path:LINE: <Mod:format_error(Term)>" for a syntax error at the line
 * Erlang reports, "path: what" otherwise (unreadable, wrong shape, erl missing or hung).
 * Elixir's `logger' application section is checked as Elixir 1.14's Logger reads it: a
 * threshold that is not a non-negative integer, a bad discard_threshold_periodic_check or
 * level is "path:LINE: logger: key = value: ..." (-1); discard_threshold <= sync_threshold
 * is only a warning, printed on stderr ("logjam: warning: path:LINE: ..."). */
int sysconfig_check(const char *path, char *err);

#endif
