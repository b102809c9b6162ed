%% @doc One acceptor of the fixture's listener: accept, hand the socket over, repeat.
%%
%% Several acceptors block in gen_tcp:accept/1 on the same listen socket, ranch style, so
%% a burst of thousands of connects is drained in parallel. Errors never end the loop:
%% on `emfile'/`enfile' (out of file descriptors) and when no process can be spawned we
%% back off for a short while, as ranch_acceptor does, instead of spinning on a full
%% table; other accept errors (the peer reset before we got to it) are skipped.
%%
%% With a connection cap (max_connections) an acceptor takes a slot before it accepts, as
%% ranch does: at the cap it waits in fx_conns until a connection ends, and the clients
%% beyond the cap wait in the listen backlog. A slot passes to the connection it accepted,
%% which gives it back when it ends; an accept that starts no connection gives it back here.
-module(fx_acceptor).

%% API
-export([start_link/3, loop/3]).

-export_type([cap/0]).

-define(BACKOFF_MS, 100).

%% No cap, or the cap and its slots taken (connections live + acceptors holding one).
-type cap() :: infinity | {pos_integer(), atomics:atomics_ref()}.

%%====================================================================
%% API
%%====================================================================

-spec start_link(gen_tcp:socket(), counters:counters_ref(), cap()) -> {ok, pid()}.
start_link(LSock, Counters, Cap) ->
    {ok, proc_lib:spawn_link(?MODULE, loop, [LSock, Counters, Cap])}.

%% @private
-spec loop(gen_tcp:socket(), counters:counters_ref(), cap()) -> no_return().
loop(LSock, Counters, Cap) ->
    ok = take_slot(Cap),
    case gen_tcp:accept(LSock) of
        {ok, Socket} ->
            hand_over(Socket, Counters, Cap);
        {error, closed} ->
            %% The listen socket's owner (fx_listener) is gone or going.
            exit(normal);
        {error, Reason} when Reason =:= emfile; Reason =:= enfile; Reason =:= system_limit ->
            give_back(Cap),
            receive after ?BACKOFF_MS -> ok end;
        {error, _Other} ->
            give_back(Cap)
    end,
    ?MODULE:loop(LSock, Counters, Cap).

%%====================================================================
%% Internal functions
%%====================================================================

hand_over(Socket, Counters, Cap) ->
    try fx_conn:start(Counters, slots(Cap)) of
        Pid ->
            case gen_tcp:controlling_process(Socket, Pid) of
                ok ->
                    Pid ! {fx_go, Socket};
                {error, _} ->
                    Pid ! fx_abort,
                    give_back(Cap),
                    gen_tcp:close(Socket)
            end
    catch
        error:system_limit ->
            %% Process table full (the pile-up at its worst): refuse, back off.
            _ = gen_tcp:close(Socket),
            give_back(Cap),
            receive after ?BACKOFF_MS -> ok end
    end.

%% Below the cap take a slot (atomically: add, then look); at it, wait for a connection to end.
take_slot(infinity) ->
    ok;
take_slot({Max, Slots} = Cap) ->
    case atomics:add_get(Slots, 1, 1) =< Max of
        true ->
            ok;
        false ->
            atomics:sub(Slots, 1, 1),
            ok = fx_conns:wait_slot(Cap),
            take_slot(Cap)
    end.

give_back(infinity) ->
    ok;
give_back({_Max, Slots}) ->
    atomics:sub(Slots, 1, 1),
    fx_conns:slot_freed().

slots(infinity) -> undefined;
slots({_Max, Slots}) -> Slots.
