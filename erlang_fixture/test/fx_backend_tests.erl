%% @doc Tests of the `lager' (real lager 3.9.2), `otp' (kernel logger) and `elixir' (Elixir
%% 1.14's Logger) backends: the
%% workers' log calls take each logger's own send path, and fx_log:stats/0 reports that
%% logger's own state.
-module(fx_backend_tests).

-include("fx_test.hrl").

backend_test_() ->
    {foreach, fun() -> ok end,
     fun(_) -> catch sys:resume(lager_event), catch sys:resume(logger_std_h_fx_otp_h),
               catch sys:resume('Elixir.Logger'), stop_app() end,
     [{timeout, 30, {"lager, undefined threshold: callers block in lager's sync_notify",
                     fun lager_undefined_is_sync/0}},
      {timeout, 30, {"lager, window == threshold: flips to sync and stays",
                     fun lager_switch/0}},
      {timeout, 30, {"lager, error_logger redirect on with no hwm",
                     fun lager_redirect_no_hwm/0}},
      {timeout, 30, {"lager, error_logger redirect off", fun lager_no_redirect/0}},
      {timeout, 60, {"lager, killer_hwm: the 11th kill in a minute stops lager",
                     fun lager_killer_gives_up/0}},
      {timeout, 30, {"otp, sync_mode_qlen 0: callers block in logger_olp",
                     fun otp_sync/0}},
      {timeout, 30, {"otp: primary level restored on stop", fun otp_restores_levels/0}},
      {timeout, 30, {"otp: /work over HTTP writes through logger_std_h", fun otp_http/0}},
      {timeout, 30, {"elixir, defaults: async, /work writes through Elixir's console backend",
                     fun elixir_http/0}},
      {timeout, 30, {"elixir, sync_threshold 0: callers block in Logger.Handler's sync_notify",
                     fun elixir_sync/0}},
      {timeout, 30, {"elixir, discard_threshold 5: the rest dropped in the caller, counted",
                     fun elixir_discard/0}},
      {timeout, 30, {"elixir: stop removes Elixir's handler", fun elixir_stop/0}},
      {timeout, 30, {"elixir: a sys.config's logger section wins over the fixture's keys",
                     fun elixir_sys_config_wins/0}}]}.

lager_undefined_is_sync() ->
    start_app([{logger_backend, lager}, {log_level, debug}, {async_threshold, undefined}]),
    ?assertMatch(#{backend := lager, mode := sync}, fx_log:stats()),
    ok = sys:suspend(lager_event),
    Self = self(),
    Caller = spawn(fun() -> ok = fx_log:log(debug, "via lager ~p", [self()]),
                            Self ! {done, self()} end),
    ok = wait_until(fun() -> blocked_in_rpc(Caller) end),
    {current_stacktrace, Stack} = erlang:process_info(Caller, current_stacktrace),
    ?assert(lists:keymember(lager, 1, Stack)),
    ?assertMatch(#{queue_len := 1}, fx_log:stats()),
    ok = sys:resume(lager_event),
    receive {done, Caller} -> ok after ?WAIT_MS -> erlang:error(not_released) end.

%% error_logger_hwm = undefined must reach lager as the atom (no limit), not be unset
%% (lager's boot then falls back to 0).
lager_redirect_no_hwm() ->
    start_app([{logger_backend, lager}, {log_level, debug}, {error_logger_redirect, true},
               {error_logger_hwm, undefined}]),
    ?assertEqual({ok, undefined}, application:get_env(lager, error_logger_hwm)),
    ?assert(lists:member(error_logger_lager_h, gen_event:which_handlers(error_logger))).

lager_no_redirect() ->
    start_app([{logger_backend, lager}, {log_level, debug}, {error_logger_redirect, false},
               {error_logger_hwm, 10}]),
    ?assertEqual({ok, false}, application:get_env(lager, error_logger_redirect)),
    ?assertEqual({ok, 10}, application:get_env(lager, error_logger_hwm)),
    ?assert(whereis(error_logger) =:= undefined orelse
            not lists:member(error_logger_lager_h, gen_event:which_handlers(error_logger))).

lager_switch() ->
    start_app([{logger_backend, lager}, {log_level, debug}, {async_threshold, 20},
               {async_threshold_window, 20}]),
    ?assertMatch(#{backend := lager, mode := async, switches := 0}, fx_log:stats()),
    ok = sys:suspend(lager_event),
    Self = self(),
    Pids = [spawn(fun() -> ok = fx_log:log(debug, "flood ~b", [I]), Self ! {logged, self()} end)
            || I <- lists:seq(1, 30)],
    [receive {logged, P} -> ok after ?WAIT_MS -> erlang:error(blocked) end || P <- Pids],
    ?assertMatch(#{queue_len := 30}, fx_log:stats()),
    ok = sys:resume(lager_event),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 0 end),
    ?assertMatch(#{mode := sync}, fx_log:stats()),
    %% The flag stays false, so the sampler must see the change.
    ok = wait_until(fun() -> maps:get(switches, fx_log:stats()) >= 1 end).

%% The fact fx_log_sup's restart limit copies (fx_log_tests:killer_gives_up/0 is the
%% fixture's side): lager_sup restarts the killed sink 10 times in a minute, the 11th kill
%% stops lager, and lager:log/4 then answers `{error, lager_not_running}'.
lager_killer_gives_up() ->
    start_app([{logger_backend, lager}, {log_level, debug}, {async_threshold, undefined},
               {killer_hwm, 3}, {killer_reinstall_after, 100}, {error_logger_redirect, false}]),
    %% (not 0: lager's timer may then reinstall the killer before lager_sup has restarted
    %% the sink, and the killer is lost for good)
    Sup = whereis(lager_sup),
    Ref = erlang:monitor(process, Sup),
    [begin
         ?assert(is_process_alive(Sup)),
         lager_kill_once()
     end || _ <- lists:seq(1, 11)],
    receive {'DOWN', Ref, process, Sup, _} -> ok after ?WAIT_MS -> erlang:error(no_give_up) end,
    ?assertEqual(undefined, whereis(lager_event)),
    ?assertEqual({error, lager_not_running}, lager:log(debug, self(), "gone", [])),
    ?assertEqual(ok, fx_log:log(debug, "gone", [])).

%% Wait for lager's sink with its killer and file handler back and its level mask let
%% debug through again (the file handler's watcher sets it after the reinstall), park 10
%% sync callers on it, release it: lager_manager_killer (hwm 3) fires and its watcher
%% kills the sink.
lager_kill_once() ->
    ok = wait_until(fun() ->
                            Handlers = (catch gen_event:which_handlers(lager_event)),
                            {Mask, _} = lager_config:get({lager_event, loglevel}, {0, []}),
                            is_list(Handlers)
                                andalso lists:member(lager_manager_killer, Handlers)
                                andalso lists:keymember(lager_file_backend, 1, Handlers)
                                andalso Mask band 128 =/= 0
                    end),
    Old = whereis(lager_event),
    ok = sys:suspend(Old),
    _ = [spawn(fun() -> fx_log:log(debug, "caller ~b", [I]) end) || I <- lists:seq(1, 10)],
    ok = wait_until(fun() -> {message_queue_len, Len} =
                                 erlang:process_info(Old, message_queue_len),
                             Len >= 10 end),
    ok = sys:resume(Old),
    ok = wait_until(fun() -> not erlang:is_process_alive(Old) end).

otp_sync() ->
    start_app([{logger_backend, otp}, {log_level, debug}, {sync_mode_qlen, 0}]),
    ok = fx_log:log(debug, "first", []),
    ok = wait_until(fun() -> maps:get(mode, fx_log:stats()) =:= sync end),
    ?assertMatch(#{backend := otp}, fx_log:stats()),
    ok = wait_until(fun() -> maps:get(switches, fx_log:stats()) >= 1 end),
    ok = sys:suspend(logger_std_h_fx_otp_h),
    Self = self(),
    Caller = spawn(fun() -> fx_log:log(debug, "blocked ~p", [self()]), Self ! {done, self()} end),
    ok = wait_until(fun() ->
                            case erlang:process_info(Caller, current_stacktrace) of
                                {current_stacktrace, [{gen, do_call, 4, _} | Rest]} ->
                                    lists:keymember(logger_olp, 1, Rest);
                                _ -> false
                            end
                    end),
    ok = sys:resume(logger_std_h_fx_otp_h),
    receive {done, Caller} -> ok after ?WAIT_MS -> erlang:error(not_released) end.

otp_restores_levels() ->
    #{level := Before} = logger:get_primary_config(),
    start_app([{logger_backend, otp}, {log_level, debug}]),
    ?assertMatch(#{level := debug}, logger:get_primary_config()),
    stop_app(),
    ?assertMatch(#{level := Before}, logger:get_primary_config()),
    ?assertEqual({error, {not_found, fx_otp_h}}, logger:get_handler_config(fx_otp_h)).

otp_http() ->
    start_app([{logger_backend, otp}, {log_level, info}]),
    S = http_connect(),
    ?assertMatch({200, _, _}, http_get(S, "/work?logs=3&level=info&bytes=80")),
    ?assertMatch({200, _, _}, http_get(S, "/work?logs=3&level=debug")),
    ok = gen_tcp:close(S),
    {ok, #{config := #{file := File}}} = logger:get_handler_config(fx_otp_h),
    ok = logger_std_h:filesync(fx_otp_h),
    {ok, Bin} = file:read_file(File),
    Lines = [L || L <- binary:split(Bin, <<"\n">>, [global]),
                  binary:match(L, <<"request ">>) =/= nomatch],
    ?assertEqual(3, length(Lines)),
    ?assert(lists:all(fun(L) -> binary:match(L, <<"[info]">>) =/= nomatch end, Lines)).

elixir_http() ->
    start_app([{logger_backend, elixir}, {log_level, info}]),
    ?assertMatch(#{backend := elixir, mode := async, queue_len := 0}, fx_log:stats()),
    ?assertEqual({ok, {20, 500}}, elixir_thresholds()),
    S = http_connect(),
    ?assertMatch({200, _, _}, http_get(S, "/work?logs=3&level=info&bytes=80")),
    ?assertMatch({200, _, _}, http_get(S, "/work?logs=3&level=debug")),
    ok = gen_tcp:close(S),
    {ok, File} = application:get_env(fixture, log_file),
    ok = wait_until(fun() -> maps:get(written, fx_log:stats()) =:= 3 end),
    ok = gen_event:sync_notify('Elixir.Logger', flush),   %% the console's buffered write
    {ok, Bin} = file:read_file(File),
    Lines = [L || L <- binary:split(Bin, <<"\n">>, [global]),
                  binary:match(L, <<"request ">>) =/= nomatch],
    ?assertEqual(3, length(Lines)),
    ?assert(lists:all(fun(L) -> binary:match(L, <<"[info]">>) =/= nomatch end, Lines)),
    ?assertMatch(#{dropped := 0}, fx_log:stats()).

elixir_sync() ->
    start_app([{logger_backend, elixir}, {log_level, debug}, {sync_threshold, 0}]),
    ?assertMatch(#{backend := elixir, mode := sync}, fx_log:stats()),
    ok = sys:suspend('Elixir.Logger'),
    Self = self(),
    Caller = spawn(fun() -> ok = fx_log:log(debug, "blocked ~p", [self()]),
                            Self ! {done, self()} end),
    ok = wait_until(fun() -> blocked_in_rpc(Caller) end),
    {current_stacktrace, Stack} = erlang:process_info(Caller, current_stacktrace),
    ?assert(lists:keymember('Elixir.Logger.Handler', 1, Stack)),
    ?assert(lists:keymember(fx_log_elixir, 1, Stack)),
    ?assertMatch(#{queue_len := 1}, fx_log:stats()),
    ok = sys:resume('Elixir.Logger'),
    receive {done, Caller} -> ok after ?WAIT_MS -> erlang:error(not_released) end.

%% Ten calls while Logger is suspended: the counter reads 1..4 (sent async), then 5..10
%% (at or above discard_threshold: dropped in the caller). Once Logger has handled the
%% four, the counter is back to 0 and the derived count is exact.
elixir_discard() ->
    start_app([{logger_backend, elixir}, {log_level, debug}, {sync_threshold, 100},
               {discard_threshold, 5}]),
    ok = sys:suspend('Elixir.Logger'),
    [ok = fx_log:log(debug, "flood ~b", [I]) || I <- lists:seq(1, 10)],
    ?assertMatch(#{mode := drop, queue_len := 10}, fx_log:stats()),
    %% The poller samples every 10 ms: it sees the switch while Logger is held.
    ok = wait_until(fun() -> maps:get(switches, fx_log:stats()) >= 1 end),
    ok = sys:resume('Elixir.Logger'),
    ok = wait_until(fun() -> maps:get(written, fx_log:stats()) >= 4 end),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 0 end),
    ?assertMatch(#{mode := async, written := 4, dropped := 6}, fx_log:stats()).

elixir_stop() ->
    start_app([{logger_backend, elixir}, {log_level, info}]),
    ?assertMatch({ok, _}, logger:get_handler_config('Elixir.Logger')),
    stop_app(),
    ?assertMatch({error, _}, logger:get_handler_config('Elixir.Logger')),
    ?assertEqual(undefined, whereis(fx_log_elixir_file)).

%% A node's sys.config sets the `logger' env before anything loads it (persistent here, as
%% -config values survive the backend's unload/load): the backend leaves it as it is.
elixir_sys_config_wins() ->
    Env = [{console, [{device, fx_log_elixir_file}, {colors, [{enabled, false}]}]},
           {sync_threshold, 0}, {discard_threshold, 7}],
    [ok = application:set_env(logger, K, V, [{persistent, true}]) || {K, V} <- Env],
    try
        start_app([{logger_backend, elixir}, {log_level, debug}, {sync_threshold, 20}]),
        ?assertEqual({ok, {0, 7}}, elixir_thresholds()),
        ?assertMatch(#{mode := sync}, fx_log:stats())
    after
        [application:unset_env(logger, K, [{persistent, true}]) || {K, _} <- Env]
    end.

%% The thresholds Elixir's callers compare with (OTP's handler table).
elixir_thresholds() ->
    {ok, #{config := #{thresholds := T}}} = logger_config:get(logger, 'Elixir.Logger'),
    {ok, T}.
