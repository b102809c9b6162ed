%% @doc One acceptor of the fixture's listener: accept, hand the socket over, repeat.
%%
%% Several acceptors block in gen_tcp:accept/1 on the same listen socket, ranch style, so
%% a burst of thousands of connects is drained in parallel. Errors never end the loop:
%% on `emfile'/`enfile' (out of file descriptors) and when no process can be spawned we
%% back off for a short while, as ranch_acceptor does, instead of spinning on a full
%% table; other accept errors (the peer reset before we got to it) are skipped.
-module(fx_acceptor).

%% API
-export([start_link/2, loop/2]).

-define(BACKOFF_MS, 100).

%%====================================================================
%% API
%%====================================================================

-spec start_link(gen_tcp:socket(), counters:counters_ref()) -> {ok, pid()}.
start_link(LSock, Counters) ->
    {ok, proc_lib:spawn_link(?MODULE, loop, [LSock, Counters])}.

%% @private
-spec loop(gen_tcp:socket(), counters:counters_ref()) -> no_return().
loop(LSock, Counters) ->
    case gen_tcp:accept(LSock) of
        {ok, Socket} ->
            hand_over(Socket, Counters);
        {error, closed} ->
            %% The listen socket's owner (fx_listener) is gone or going.
            exit(normal);
        {error, Reason} when Reason =:= emfile; Reason =:= enfile; Reason =:= system_limit ->
            receive after ?BACKOFF_MS -> ok end;
        {error, _Other} ->
            ok
    end,
    ?MODULE:loop(LSock, Counters).

%%====================================================================
%% Internal functions
%%====================================================================

hand_over(Socket, Counters) ->
    try fx_conn:start(Counters) of
        Pid ->
            case gen_tcp:controlling_process(Socket, Pid) of
                ok ->
                    Pid ! {fx_go, Socket};
                {error, _} ->
                    Pid ! fx_abort,
                    gen_tcp:close(Socket)
            end
    catch
        error:system_limit ->
            %% Process table full (the pile-up at its worst): refuse, back off.
            _ = gen_tcp:close(Socket),
            receive after ?BACKOFF_MS -> ok end
    end.
