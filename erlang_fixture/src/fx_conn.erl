%% @doc One HTTP/1.1 keep-alive connection: one process per client socket.
%%
%% The socket is parsed by the VM (`{packet, http_bin}') and read with `{active, once}',
%% re-armed after every packet - also while a /work request is in flight, so that a
%% client that gives up (closes) is noticed at once: the process then exits immediately,
%% leaving its worker behind if the worker is blocked in the logger. That is the
%% incident's mechanism and the fixture must reproduce it, not guard against it. Requests
%% are answered in order; a pipelined request waits in a queue (and stops the re-arming
%% until answered, so a pipelining client cannot grow the queue without bound).
%%
%% The process is linked to fx_conns (so stopping the listener ends every connection) and
%% monitors - never links - its spawn-mode worker: a worker killed by the logger's killer
%% gives a 500, while a connection that ends must not kill the worker.
-module(fx_conn).

%% API
-export([start/2, init/2]).

-record(req, {
    method :: atom() | binary(),
    target :: term(),
    keepalive :: boolean(),
    body = false :: boolean()         %% a Content-Length > 0 or chunked body was announced
}).

-record(state, {
    socket :: gen_tcp:socket(),
    req :: #req{} | undefined,        %% being parsed (request line seen, no eoh yet)
    pending = queue:new() :: queue:queue(#req{}),
    inflight :: {reference(), reference() | undefined, boolean()} | undefined,
    armed = false :: boolean()        %% an {active, once} is outstanding
}).
-type state() :: #state{}.

-define(GO_TIMEOUT_MS, 5000).
-define(MAX_PENDING, 16).

%%====================================================================
%% API
%%====================================================================

%% @doc Spawn a connection process waiting for its socket (`{fx_go, Socket}' after the
%% acceptor made it the controlling process). Not linked to the acceptor: a crashing
%% connection must not take an acceptor (and its siblings) down. Slots: the listener's
%% max_connections slots (fx_acceptor), one of which this connection gives back when it
%% ends; `undefined' when there is no cap.
-spec start(counters:counters_ref(), atomics:atomics_ref() | undefined) -> pid().
start(Counters, Slots) ->
    erlang:spawn(?MODULE, init, [Counters, Slots]).

%% @private
-spec init(counters:counters_ref(), atomics:atomics_ref() | undefined) -> ok.
init(Counters, Slots) ->
    receive
        {fx_go, Socket} ->
            case whereis(fx_conns) of
                undefined -> ok;
                Conns -> link(Conns)
            end,
            counters:add(Counters, 1, 1),
            try
                loop(arm(#state{socket = Socket}))
            after
                counters:sub(Counters, 1, 1),
                %% before the exit that tells fx_conns to wake a waiting acceptor
                Slots =:= undefined orelse atomics:sub(Slots, 1, 1)
            end;
        fx_abort ->
            ok
    after ?GO_TIMEOUT_MS ->
            ok
    end.

%%====================================================================
%% Internal functions
%%====================================================================

-spec loop(state()) -> ok.
loop(#state{socket = S} = State) ->
    receive
        {http, S, Packet} ->
            packet(Packet, State#state{armed = false});
        {fx_reply, Ref, Result} when element(1, State#state.inflight) =:= Ref ->
            {Ref, MRef, KeepAlive} = State#state.inflight,
            forget(MRef),
            case Result of
                ok -> reply(200, <<"ok\n">>, KeepAlive, State);
                {error, _} -> reply(500, <<"worker failed\n">>, KeepAlive, State)
            end;
        {'DOWN', MRef, process, _, Reason} when element(2, State#state.inflight) =:= MRef ->
            {_Ref, MRef, KeepAlive} = State#state.inflight,
            Body = iolist_to_binary(io_lib:format("worker died: ~0tp~n", [Reason])),
            reply(500, Body, KeepAlive, State);
        {tcp_closed, S} ->
            %% The client is gone: exit at once, whatever the worker is doing.
            ok;
        {tcp_error, S, _Reason} ->
            ok;
        _Other ->
            loop(State)
    end.

packet({http_request, Method, Target, Version}, State) ->
    Req = #req{method = Method, target = Target, keepalive = Version >= {1, 1}},
    loop(arm(State#state{req = Req}));
packet({http_header, _, 'Connection', _, Value}, #state{req = #req{} = Req} = State) ->
    KeepAlive = case string:lowercase(Value) of
                    <<"close">> -> false;
                    <<"keep-alive">> -> true;
                    _ -> Req#req.keepalive
                end,
    loop(arm(State#state{req = Req#req{keepalive = KeepAlive}}));
packet({http_header, _, 'Content-Length', _, Value}, #state{req = #req{} = Req} = State) ->
    loop(arm(State#state{req = Req#req{body = Req#req.body orelse Value =/= <<"0">>}}));
packet({http_header, _, 'Transfer-Encoding', _, _}, #state{req = #req{} = Req} = State) ->
    loop(arm(State#state{req = Req#req{body = true}}));
packet({http_header, _, _, _, _}, #state{req = #req{}} = State) ->
    loop(arm(State));
packet(http_eoh, #state{req = #req{body = true}} = State) ->
    %% Only GET is served; a body would be parsed as the next request line.
    bad_request(<<"request bodies are not supported\n">>, State);
packet(http_eoh, #state{req = #req{} = Req, pending = P} = State) ->
    State1 = State#state{req = undefined, pending = queue:in(Req, P)},
    case State1#state.inflight of
        undefined -> next(State1);
        _ -> loop(maybe_arm(State1))
    end;
packet({http_error, _Line}, State) ->
    bad_request(<<"malformed request\n">>, State);
packet(_Other, State) ->
    bad_request(<<"malformed request\n">>, State).

%% Answer the oldest pending request, or wait for the next one.
next(#state{pending = P} = State) ->
    case queue:out(P) of
        {empty, _} -> loop(maybe_arm(State));
        {{value, Req}, P1} -> dispatch(Req, State#state{pending = P1})
    end.

dispatch(#req{method = 'GET', target = {abs_path, Target}, keepalive = KA}, State) ->
    case fx_http:route(Target) of
        ping ->
            reply(200, <<"pong\n">>, KA, State);
        {stall, Ms} ->
            Ref = make_ref(),
            _ = erlang:send_after(Ms, self(), {fx_reply, Ref, ok}),
            loop(maybe_arm(State#state{inflight = {Ref, undefined, KA}}));
        {work, Work} ->
            Ref = make_ref(),
            case fx_pool:submit(Work#{reply_to => self(), ref => Ref}) of
                {spawned, Pid} ->
                    MRef = monitor(process, Pid),
                    loop(maybe_arm(State#state{inflight = {Ref, MRef, KA}}));
                queued ->
                    loop(maybe_arm(State#state{inflight = {Ref, undefined, KA}}));
                {error, _} ->
                    reply(503, <<"no worker available\n">>, KA, State)
            end;
        {error, Status, Body} ->
            reply(Status, Body, KA, State)
    end;
dispatch(#req{method = 'GET', keepalive = KA}, State) ->
    reply(400, <<"unsupported request target\n">>, KA, State);
dispatch(#req{keepalive = KA}, State) ->
    reply(405, <<"only GET is served\n">>, KA, State).

reply(Status, Body, KeepAlive, #state{socket = S} = State) ->
    case gen_tcp:send(S, fx_http:response(Status, Body, KeepAlive)) of
        ok when KeepAlive ->
            next(State#state{inflight = undefined});
        ok ->
            _ = gen_tcp:close(S),
            ok;
        {error, _} ->
            ok
    end.

bad_request(Body, #state{socket = S}) ->
    _ = gen_tcp:send(S, fx_http:response(400, Body, false)),
    _ = gen_tcp:close(S),
    ok.

forget(undefined) -> true;
forget(MRef) -> erlang:demonitor(MRef, [flush]).

%% Keep reading while at most a few requests wait: that is what lets a closed socket be
%% seen while a worker runs.
maybe_arm(#state{pending = P} = State) ->
    case queue:len(P) < ?MAX_PENDING of
        true -> arm(State);
        false -> State
    end.

arm(#state{armed = true} = State) ->
    State;
arm(#state{socket = S} = State) ->
    _ = inet:setopts(S, [{active, once}]),
    State#state{armed = true}.
