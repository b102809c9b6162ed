%% @doc Tests of the fixture logger: lager 3.9.2's switch rule at exact queue lengths, the
%% `undefined' threshold meaning "always sync", the real switch driven through a
%% suspended manager, and the manager killer.
-module(fx_log_tests).

-include("fx_test.hrl").

%%--------------------------------------------------------------------
%% The rule (pure)
%%--------------------------------------------------------------------

%% 20/5 as in the incident: sync above 20, back to async below 15.
decide_20_5_test() ->
    D = fun(Len, Mode) -> fx_log_throttle:decide(Len, 20, 15, Mode) end,
    ?assertEqual(async, D(20, async)),
    ?assertEqual(sync, D(21, async)),
    ?assertEqual(sync, D(21, sync)),
    ?assertEqual(sync, D(15, sync)),
    ?assertEqual(async, D(14, sync)),
    ?assertEqual(async, D(14, async)),
    ?assertEqual(async, D(0, async)).

%% window == threshold: window_min 0, `Len < 0' never holds, sync forever once flipped.
decide_window_equal_threshold_never_returns_test() ->
    ?assertEqual(sync, fx_log_throttle:decide(0, 20, 0, sync)),
    ?assertEqual(sync, fx_log_throttle:decide(21, 20, 0, async)).

level_mask_test() ->
    M = fx_log_fixture:level_mask(warning),
    ?assert(M band fx_log_fixture:level_bit(error) =/= 0),
    ?assert(M band fx_log_fixture:level_bit(warning) =/= 0),
    ?assertEqual(0, M band fx_log_fixture:level_bit(notice)),
    ?assertEqual(0, M band fx_log_fixture:level_bit(debug)),
    ?assertEqual(0, fx_log_fixture:level_mask(none)),
    ?assertEqual(255, fx_log_fixture:level_mask(debug)).

format_truncates_like_lager_test() ->
    Big = fx_log_fixture:format("~s", [binary:copy(<<"y">>, 10000)]),
    ?assertEqual(4096, length(Big)),
    ?assertEqual("a 1 b", fx_log_fixture:format("a ~b ~s", [1, "b"])),
    ?assertMatch("FORMAT ERROR: " ++ _, fx_log_fixture:format("~b", [x])).

datetime_is_lagers_format_test() ->
    {Date, Time} = fx_log_fixture:datetime(erlang:system_time(microsecond)),
    ?assertMatch([_, _, _, _, $-, _, _, $-, _, _], Date),
    ?assertMatch([_, _, $:, _, _, $:, _, _, $., _, _, _], Time).

%%--------------------------------------------------------------------
%% Against a running logger
%%--------------------------------------------------------------------

logger_test_() ->
    {foreach, fun() -> ok end, fun(_) -> stop_app() end,
     [{"undefined threshold: every call is sync", fun undefined_is_always_sync/0},
      {"20/5: a call does not block while async", fun async_does_not_block/0},
      {"below the level nothing is sent", fun below_level_is_free/0},
      {"the real switch: flood, flip to sync, drain, flip back", fun real_switch/0},
      {"window == threshold: stays sync after the flood", fun window_equal_stays_sync/0},
      {"killer: kills the manager, callers die, handlers come back",
       fun killer/0},
      {"past 10 MiB the file rotates as lager's: .0 .. .4, then a fresh file",
       fun rotation/0}]}.

undefined_is_always_sync() ->
    start_app([{log_level, debug}, {async_threshold, undefined}]),
    ?assertMatch(#{backend := fixture, mode := sync, switches := 0}, fx_log:stats()),
    ?assertEqual([fx_log_file], gen_event:which_handlers(fx_log_event)),
    ok = sys:suspend(fx_log_event),
    Self = self(),
    Caller = spawn(fun() -> ok = fx_log:log(debug, "blocked ~p", [self()]), Self ! {done, self()} end),
    ok = wait_until(fun() -> blocked_in_rpc(Caller) end),
    {messages, [{_, _, {sync_notify, {log, _}}}]} = erlang:process_info(whereis(fx_log_event), messages),
    receive {done, Caller} -> erlang:error(caller_did_not_block) after 0 -> ok end,
    ok = sys:resume(fx_log_event),
    receive {done, Caller} -> ok after ?WAIT_MS -> erlang:error(caller_not_released) end,
    ?assertMatch(#{mode := sync, switches := 0, written := 1}, fx_log:stats()).

async_does_not_block() ->
    start_app([{log_level, debug}, {async_threshold, 20}, {async_threshold_window, 5}]),
    ?assertMatch(#{mode := async}, fx_log:stats()),
    ok = sys:suspend(fx_log_event),
    ok = fx_log:log(debug, "not blocked", []),
    ?assertMatch(#{queue_len := 1}, fx_log:stats()),
    ok = sys:resume(fx_log_event),
    _ = gen_event:which_handlers(fx_log_event),
    ?assertMatch(#{written := 1, switches := 0}, fx_log:stats()).

below_level_is_free() ->
    start_app([{log_level, warning}, {async_threshold, undefined}]),
    ok = sys:suspend(fx_log_event),
    %% sync mode and a suspended manager: had it been sent, this call would block.
    ok = fx_log:log(debug, "never formatted ~p", [self()]),
    ok = fx_log:log(info, "never formatted ~p", [self()]),
    ?assertMatch(#{queue_len := 0}, fx_log:stats()),
    ok = sys:resume(fx_log_event).

%% Park the manager, let 50 processes log (async: they return at once), release it. The
%% throttle dequeues the first event with 49 waiting (> 20: sync), then flips back at 14
%% (< 15: async). Exactly two switches.
real_switch() ->
    start_app([{log_level, debug}, {async_threshold, 20}, {async_threshold_window, 5}]),
    flood(50),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 50 end),
    ok = sys:resume(fx_log_event),
    _ = gen_event:which_handlers(fx_log_event),   % a call: answered after all 50 events
    ?assertMatch(#{mode := async, switches := 2, written := 50, queue_len := 0},
                 fx_log:stats()).

%% lager 3.x accepts window == threshold; once it flips, `Len < 0' never holds.
window_equal_stays_sync() ->
    start_app([{log_level, debug}, {async_threshold, 20}, {async_threshold_window, 20}]),
    flood(30),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 30 end),
    ok = sys:resume(fx_log_event),
    _ = gen_event:which_handlers(fx_log_event),
    ?assertMatch(#{mode := sync, switches := 1, written := 30}, fx_log:stats()).

%% Sync callers parked on a suspended manager; the killer fires on the first event
%% (queue above the high-water mark), the watcher kills the manager: pending callers exit
%% with `killed' (lager's behaviour), the queue is counted as dropped, mode is `killed'
%% until the handlers are reinstalled into the restarted manager.
killer() ->
    start_app([{log_level, debug}, {async_threshold, undefined}, {killer_hwm, 3},
               {killer_reinstall_after, 300}]),
    Old = whereis(fx_log_event),
    ok = sys:suspend(fx_log_event),
    Callers = [spawn_monitor(fun() -> fx_log:log(debug, "caller ~b", [I]) end)
               || I <- lists:seq(1, 10)],
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 10 end),
    ok = sys:resume(Old),
    Reasons = [receive {'DOWN', M, process, P, R} -> R after ?WAIT_MS -> timeout end
               || {P, M} <- Callers],
    ?assert(lists:member(killed, Reasons)),
    ?assertEqual([], [R || R <- Reasons, R =/= normal, R =/= killed]),
    ok = wait_until(fun() -> not erlang:is_process_alive(Old) end),
    #{dropped := Dropped, kills := Kills} = fx_log:stats(),
    ?assert(Dropped > 0),
    ?assertEqual(1, Kills),
    ?assertMatch(#{mode := killed}, fx_log:stats()),
    ok = wait_until(fun() -> maps:get(mode, fx_log:stats()) =:= sync end),
    New = whereis(fx_log_event),
    ?assert(is_pid(New) andalso New =/= Old),
    ?assertEqual(lists:sort([fx_log_file, fx_log_killer]),
                 lists:sort(gen_event:which_handlers(fx_log_event))),
    ok = fx_log:log(debug, "after reinstall", []).

%% lager_file_backend's defaults (size 10485760, count 5): a file past 10 MiB is shifted
%% to .0 (the older ones one up, the oldest overwritten) before the next line is written
%% to a fresh file.
rotation() ->
    start_app([{log_level, debug}, {async_threshold, undefined}]),
    {ok, Log} = application:get_env(fixture, log_file),
    Old = [{N, lists:concat([Log, ".", N])} || N <- lists:seq(0, 4)],
    [ok = file:write_file(F, integer_to_list(N)) || {N, F} <- Old],
    ok = fx_log:log(debug, "first", []),
    Big = binary:copy(<<"x">>, 10485761),
    ok = file:write_file(Log, Big, [append]),
    ok = fx_log:log(debug, "after rotation", []),
    %% delayed_write holds a line for up to a second
    ok = wait_until(fun() -> {ok, B} = file:read_file(Log),
                             binary:match(B, <<"after rotation">>) =/= nomatch end),
    {ok, Fresh} = file:read_file(Log),
    ?assertEqual(nomatch, binary:match(Fresh, <<"first">>)),
    ?assert(filelib:file_size(lists:concat([Log, ".0"])) > 10485760),
    %% .0 .. .3 moved up one; what was .4 is gone
    ?assertEqual([{1, <<"0">>}, {2, <<"1">>}, {3, <<"2">>}, {4, <<"3">>}],
                 [{N, element(2, file:read_file(F))} || {N, F} <- tl(Old)]).

%% Suspend the manager, then N processes each log once and finish (async mode).
flood(N) ->
    ok = sys:suspend(fx_log_event),
    Self = self(),
    Pids = [spawn(fun() -> ok = fx_log:log(debug, "flood ~b ~s", [I, "payload"]),
                           Self ! {logged, self()} end)
            || I <- lists:seq(1, N)],
    [receive {logged, P} -> ok after ?WAIT_MS -> erlang:error(flood_blocked) end
     || P <- Pids],
    ok.
