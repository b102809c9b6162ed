%% @doc Tests of the HTTP side: the routes as pure functions, then a real listener on an
%% ephemeral port spoken to with gen_tcp (keep-alive, status codes, /stall, close).
-module(fx_http_tests).

-include("fx_test.hrl").

%%--------------------------------------------------------------------
%% Routes (pure)
%%--------------------------------------------------------------------

route_test() ->
    ?assertEqual(ping, fx_http:route(<<"/ping">>)),
    ?assertEqual({work, #{logs => 1, level => debug, bytes => 100, work_us => 0}},
                 fx_http:route(<<"/work">>)),
    ?assertEqual({work, #{logs => 10, level => info, bytes => 200, work_us => 50}},
                 fx_http:route(<<"/work?logs=10&level=info&bytes=200&work_us=50">>)),
    ?assertEqual({work, #{logs => 2, level => debug, bytes => 100, work_us => 0}},
                 fx_http:route(<<"/work?logs=2&unknown=1">>)),
    ?assertEqual({stall, 25}, fx_http:route(<<"/stall?ms=25">>)),
    ?assertMatch({error, 404, _}, fx_http:route(<<"/nope">>)),
    ?assertMatch({error, 404, _}, fx_http:route(<<"/">>)).

bad_query_values_are_400_test() ->
    [?assertMatch({error, 400, _}, fx_http:route(T))
     || T <- [<<"/work?logs=x">>, <<"/work?logs=-1">>, <<"/work?level=none">>,
              <<"/work?level=verbose">>, <<"/work?bytes=1e3">>, <<"/work?work_us=">>,
              <<"/work?logs=999999999">>, <<"/stall?ms=abc">>, <<"/work?logs">>]],
    {error, 400, Body} = fx_http:route(<<"/work?logs=x">>),
    ?assertEqual(<<"bad value for logs: 'x'\n">>, Body).

response_test() ->
    ?assertEqual(<<"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n"
                   "connection: keep-alive\r\n\r\nok\n">>,
                 iolist_to_binary(fx_http:response(200, <<"ok\n">>, true))),
    ?assertMatch(<<"HTTP/1.1 404 Not Found\r\n", _/binary>>,
                 iolist_to_binary(fx_http:response(404, <<>>, false))).

%%--------------------------------------------------------------------
%% A real listener
%%--------------------------------------------------------------------

http_test_() ->
    {setup,
     fun() -> start_app([{log_level, debug}, {pool_mode, spawn}]) end,
     fun(_) -> stop_app() end,
     [{"listens on loopback, port published", fun bound_on_loopback/0},
      {"keep-alive: many requests, every route, one socket", fun keep_alive/0},
      {"/stall answers after the timer", fun stall/0},
      {"Connection: close is honoured", fun connection_close/0},
      {"methods other than GET: 405", fun method_not_allowed/0},
      {"garbage: 400 and close", fun garbage/0},
      {"connections() counts live connections", fun connection_count/0}]}.

bound_on_loopback() ->
    {ok, Port} = application:get_env(fixture, http_port),
    ?assert(is_integer(Port) andalso Port > 0),
    ?assertEqual(Port, fx_listener:port()).

keep_alive() ->
    S = http_connect(),
    ?assertMatch({200, #{'Connection' := <<"keep-alive">>}, <<"pong\n">>}, http_get(S, "/ping")),
    ?assertMatch({200, _, <<"ok\n">>}, http_get(S, "/work?logs=3&level=debug&bytes=50")),
    ?assertMatch({200, _, <<"ok\n">>}, http_get(S, "/work?logs=1&level=info&work_us=100")),
    ?assertMatch({200, _, <<"ok\n">>}, http_get(S, "/stall?ms=1")),
    ?assertMatch({404, _, _}, http_get(S, "/unknown")),
    ?assertMatch({400, _, _}, http_get(S, "/work?logs=many")),
    ?assertMatch({200, _, <<"pong\n">>}, http_get(S, "/ping")),
    %% Two pipelined requests on the same socket are answered in order.
    ok = gen_tcp:send(S, ["GET /stall?ms=20 HTTP/1.1\r\n\r\n", "GET /ping HTTP/1.1\r\n\r\n"]),
    ?assertMatch({200, _, <<"ok\n">>}, http_recv(S)),
    ?assertMatch({200, _, <<"pong\n">>}, http_recv(S)),
    ok = gen_tcp:close(S).

stall() ->
    S = http_connect(),
    T0 = erlang:monotonic_time(millisecond),
    ?assertMatch({200, _, _}, http_get(S, "/stall?ms=100")),
    ?assert(erlang:monotonic_time(millisecond) - T0 >= 100),
    ok = gen_tcp:close(S).

connection_close() ->
    {ok, Port} = application:get_env(fixture, http_port),
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}]),
    ok = gen_tcp:send(S, "GET /ping HTTP/1.1\r\nConnection: close\r\n\r\n"),
    {ok, Resp} = recv_all(S, <<>>),
    ?assertMatch(<<"HTTP/1.1 200 OK\r\n", _/binary>>, Resp),
    ?assertNotEqual(nomatch, binary:match(Resp, <<"connection: close">>)).

method_not_allowed() ->
    S = http_connect(),
    ok = gen_tcp:send(S, "DELETE /ping HTTP/1.1\r\n\r\n"),
    ?assertMatch({405, _, _}, http_recv(S)),
    ?assertMatch({200, _, _}, http_get(S, "/ping")),
    ok = gen_tcp:close(S).

garbage() ->
    {ok, Port} = application:get_env(fixture, http_port),
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}]),
    ok = gen_tcp:send(S, "this is not http\r\n\r\n"),
    {ok, Resp} = recv_all(S, <<>>),
    ?assertMatch(<<"HTTP/1.1 400 Bad Request\r\n", _/binary>>, Resp).

connection_count() ->
    ok = wait_until(fun() -> fx_listener:connections() =:= 0 end),
    Socks = [http_connect() || _ <- lists:seq(1, 5)],
    [?assertMatch({200, _, _}, http_get(S, "/ping")) || S <- Socks],
    ?assertEqual(5, fx_listener:connections()),
    [gen_tcp:close(S) || S <- Socks],
    ok = wait_until(fun() -> fx_listener:connections() =:= 0 end).

%% Read until the server closes.
recv_all(S, Acc) ->
    case gen_tcp:recv(S, 0, ?WAIT_MS) of
        {ok, Data} -> recv_all(S, <<Acc/binary, Data/binary>>);
        {error, closed} -> {ok, Acc}
    end.

%%--------------------------------------------------------------------
%% max_connections
%%--------------------------------------------------------------------

max_connections_test_() ->
    {timeout, 30, fun max_connections/0}.

%% Six clients, a cap of three: three are served, every acceptor parks waiting for a slot
%% (so no more can be accepted), the rest wait in the backlog until one leaves.
max_connections() ->
    start_app([{max_connections, 3}, {acceptors, 4}]),
    try
        [A, B, C, D | _] = [http_connect() || _ <- lists:seq(1, 6)],
        [?assertMatch({200, _, _}, http_get(S, "/ping")) || S <- [A, B, C]],
        ok = wait_until(fun() -> fx_conns:waiting() =:= 4 end),
        ?assertEqual(3, fx_listener:connections()),
        ok = gen_tcp:close(A),
        ?assertMatch({200, _, _}, http_get(D, "/ping")),
        ok = wait_until(fun() -> fx_conns:waiting() =:= 4 end),
        ?assertEqual(3, fx_listener:connections()),
        ?assertEqual(3, count_served([B, C, D]))
    after
        stop_app()
    end.

count_served(Socks) ->
    length([S || S <- Socks, element(1, http_get(S, "/ping")) =:= 200]).

bad_max_connections_test() ->
    [?assertMatch({error, {bad_config, max_connections, V, _}},
                  fx_config:validate(test_env([{max_connections, V}])))
     || V <- [0, -1, "10", undefined]],
    ?assertMatch({ok, #{max_connections := infinity}}, fx_config:validate(test_env())).
