%% @doc tg_http - a small HTTP service that logs through real lager, for logjam's [target]
%% end-to-end tests: a node logjam did not start and that knows nothing of logjam.
%%
%% `GET /work?logs=N' makes N debug log calls of about 200 bytes through lager from the
%% connection's own process, then answers 200 (keep-alive). Every connection is a process of
%% its own, so a client that gives up and reconnects while its process is blocked in a
%% synchronous log call leaves that process behind: the incident's pile-up.
-module(tg_http).

%% API
-export([start/1]).
%% spawned
-export([hold/1, acceptor/1, conn/1]).

-define(ACCEPTORS, 16).
-define(PAD, binary:copy(<<"x">>, 200)).

%%====================================================================
%% API
%%====================================================================

%% @doc `erl ... -s tg_http start PORTFILE': start lager, listen on 127.0.0.1 (an ephemeral
%% port), write the port to PORTFILE once the acceptors run.
-spec start([atom()]) -> ok.
start([PortFile]) ->
    {ok, _} = application:ensure_all_started(lager),
    _ = spawn(?MODULE, hold, [atom_to_list(PortFile)]),
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

%% @doc The listen socket's owner: it must outlive start/1's caller.
-spec hold(string()) -> no_return().
hold(PortFile) ->
    register(tg_http, self()),
    {ok, L} = gen_tcp:listen(0, [binary, {ip, {127, 0, 0, 1}}, {packet, http_bin},
                                 {active, false}, {reuseaddr, true}, {backlog, 4096}]),
    {ok, Port} = inet:port(L),
    _ = [spawn(?MODULE, acceptor, [L]) || _ <- lists:seq(1, ?ACCEPTORS)],
    ok = file:write_file(PortFile, integer_to_list(Port)),
    receive stop -> ok end,
    exit(normal).

-spec acceptor(gen_tcp:socket()) -> no_return().
acceptor(L) ->
    {ok, S} = gen_tcp:accept(L),
    Pid = spawn(?MODULE, conn, [S]),
    ok = gen_tcp:controlling_process(S, Pid),
    Pid ! go,
    acceptor(L).

-spec conn(gen_tcp:socket()) -> ok.
conn(S) ->
    receive go -> ok end,
    loop(S).

loop(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, {http_request, 'GET', {abs_path, Path}, _}} ->
            ok = headers(S),
            work(logs(Path)),
            _ = gen_tcp:send(S, <<"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok">>),
            loop(S);
        _ ->
            gen_tcp:close(S)
    end.

headers(S) ->
    case gen_tcp:recv(S, 0) of
        {ok, http_eoh} -> ok;
        {ok, {http_header, _, _, _, _}} -> headers(S);
        _ -> ok
    end.

logs(Path) ->
    case re:run(Path, <<"logs=([0-9]+)">>, [{capture, all_but_first, binary}]) of
        {match, [N]} -> binary_to_integer(N);
        nomatch -> 0
    end.

work(N) ->
    Pad = ?PAD,
    lists:foreach(fun(I) ->
                          lager:log(debug, [{pid, self()}], "tg_http line ~b ~s", [I, Pad])
                  end, lists:seq(1, N)).
