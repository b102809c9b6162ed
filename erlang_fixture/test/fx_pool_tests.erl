%% @doc Tests of the pile-up itself: with the logger's manager parked and every log call
%% synchronous, spawn-mode workers pile up in gen_event:rpc/2 and outlive their clients;
%% a bounded pool never has more than pool_size busy workers.
-module(fx_pool_tests).

-include("fx_test.hrl").

pool_test_() ->
    {foreach, fun() -> ok end, fun(_) -> catch sys:resume(fx_log_event), stop_app() end,
     [{timeout, 30, {"spawn: workers pile up in gen_event:rpc and outlive their clients",
                     fun spawn_pile_up/0}},
      {timeout, 30, {"bounded: busy never exceeds pool_size, the rest queue",
                     fun bounded/0}},
      {timeout, 30, {"spawn: a worker killed by the killer gives a 500",
                     fun killed_worker_is_500/0}}]}.

spawn_pile_up() ->
    N = 20,
    start_app([{log_level, debug}, {pool_mode, spawn}, {async_threshold, undefined}]),
    ok = sys:suspend(fx_log_event),
    Socks = [http_connect() || _ <- lists:seq(1, N)],
    [http_send(S, "/work?logs=1&level=debug&bytes=200") || S <- Socks],
    ok = wait_until(fun() -> maps:get(busy, fx_pool:stats()) =:= N end),
    ok = wait_until(fun() -> length(worker_pids()) =:= N end),
    Workers = worker_pids(),
    ok = wait_until(fun() -> lists:all(fun blocked_in_rpc/1, Workers) end),
    %% The incident's stack, frame by frame.
    {current_stacktrace, Stack} = erlang:process_info(hd(Workers), current_stacktrace),
    ?assertMatch([{gen, do_call, 4, _}, {gen_event, rpc, 2, _},
                  {fx_log_fixture, do_log, 3, _}, {fx_log, log, 3, _},
                  {fx_worker, log_n, 4, _} | _], Stack),
    ?assertEqual(N, fx_listener:connections()),
    %% The clients give up: the connection processes end, the workers stay.
    [ok = gen_tcp:close(S) || S <- Socks],
    ok = wait_until(fun() -> fx_listener:connections() =:= 0 end),
    ?assert(lists:all(fun erlang:is_process_alive/1, Workers)),
    ?assertMatch(#{mode := spawn, busy := N}, fx_pool:stats()),
    ?assertMatch(#{mode := sync, queue_len := N}, fx_log:stats()),
    %% Releasing the manager drains them.
    ok = sys:resume(fx_log_event),
    ok = wait_until(fun() -> maps:get(busy, fx_pool:stats()) =:= 0 end),
    ?assertMatch(#{written := N}, fx_log:stats()),
    %% busy drops just before a worker returns: let them all end before the next test.
    ok = wait_until(fun() -> not lists:any(fun erlang:is_process_alive/1, Workers) end).

bounded() ->
    Size = 3,
    N = 10,
    start_app([{log_level, debug}, {pool_mode, bounded}, {pool_size, Size},
               {async_threshold, undefined}]),
    ok = sys:suspend(fx_log_event),
    Socks = [http_connect() || _ <- lists:seq(1, N)],
    [http_send(S, "/work?logs=2") || S <- Socks],
    ok = wait_until(fun() -> fx_pool:stats() =:= #{mode => bounded, busy => Size,
                                                   queued => N - Size} end),
    ok = wait_until(fun() -> length([P || P <- worker_pids(), blocked_in_rpc(P)]) =:= Size end),
    %% Watch busy while the queue drains: it must never exceed the pool.
    Self = self(),
    Watcher = spawn_link(fun() -> watch_busy(Self, 0) end),
    ok = sys:resume(fx_log_event),
    [?assertMatch({200, _, <<"ok\n">>}, http_recv(S)) || S <- Socks],
    Watcher ! stop,
    Max = receive {max_busy, M} -> M after ?WAIT_MS -> erlang:error(no_watcher) end,
    ?assert(Max =< Size),
    ok = wait_until(fun() -> fx_pool:stats() =:= #{mode => bounded, busy => 0,
                                                   queued => 0} end),
    ?assertEqual(Size, length(worker_pids())),
    [gen_tcp:close(S) || S <- Socks].

%% The first event fires the killer (queue above 2); the manager is parked right behind it
%% (park_manager/0), so the other five callers are still pending when the watcher kills it.
killed_worker_is_500() ->
    start_app([{log_level, debug}, {pool_mode, spawn}, {async_threshold, undefined},
               {killer_hwm, 2}, {killer_reinstall_after, 100}]),
    ok = gen_event:add_handler(fx_log_event, fx_park_handler, ?WAIT_MS),
    ok = sys:suspend(fx_log_event),
    [First | Rest] = Socks = [http_connect() || _ <- lists:seq(1, 6)],
    http_send(First, "/work?logs=1"),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 1 end),
    park_manager(),
    [http_send(S, "/work?logs=1") || S <- Rest],
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 7 end),
    ok = sys:resume(fx_log_event),
    [Status1 | Statuses] = [element(1, http_recv(S)) || S <- Socks],
    %% The first caller's answer races the kill: it is sent after the killer has exited.
    ?assert(lists:member(Status1, [200, 500])),
    ?assertEqual([500, 500, 500, 500, 500], Statuses),
    ok = wait_until(fun() -> maps:get(busy, fx_pool:stats()) =:= 0 end),
    [gen_tcp:close(S) || S <- Socks].

watch_busy(Parent, Max) ->
    receive
        stop -> Parent ! {max_busy, Max}
    after 0 ->
            watch_busy(Parent, max(Max, maps:get(busy, fx_pool:stats())))
    end.
