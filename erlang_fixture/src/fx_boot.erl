%% @doc Entry point of the fixture node (`erl ... -s fx_boot start').
%%
%% The harness starts the node with a pipe on its stdin and relies on two things: the node
%% halts when that pipe closes (so a harness that dies, even by SIGKILL, never leaves a
%% node behind), and a node that cannot start says why in one line on stderr and exits
%% with status 3 instead of lingering half-started.
-module(fx_boot).

%% API
-export([start/0, watch_stdin/0]).

%%====================================================================
%% API
%%====================================================================

%% @doc Start the stdin watchdog, then the application; halt(3) with one line on failure.
-spec start() -> ok.
start() ->
    _ = erlang:spawn(?MODULE, watch_stdin, []),
    case application:ensure_all_started(fixture) of
        {ok, _Started} ->
            ok;
        {error, Reason} ->
            io:format(standard_error, "fixture: failed to start: ~ts~n",
                      [fx_config:format_error(Reason)]),
            erlang:halt(3)
    end.

%% @doc Read standard_io until eof (or an error), then halt the node at once. A plain
%% process, not linked and not supervised: nothing else dying may take it down.
-spec watch_stdin() -> no_return().
watch_stdin() ->
    register(fx_stdin_watchdog, self()),
    watch_loop().

%%====================================================================
%% Internal functions
%%====================================================================

watch_loop() ->
    case io:get_line(standard_io, '') of
        eof -> erlang:halt(0);
        {error, _} -> erlang:halt(0);
        _Line -> watch_loop()
    end.
