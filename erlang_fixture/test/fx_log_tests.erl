%% @doc Tests of the fixture logger: lager 3.9.2's switch rule at exact queue lengths, the
%% `undefined' threshold meaning "always sync", the real switch driven through a
%% suspended manager, and the manager killer.
-module(fx_log_tests).

-include("fx_test.hrl").
-include("fx_log.hrl").

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
      {"past 10 MiB the file rotates as lager's, at the next check: .0 .. .4, a fresh file",
       fun rotation/0},
      {"a moved file is reopened at the next line, within the check interval",
       fun moved_file_reopened/0},
      {timeout, 60, {"the 11th kill in a minute: the logger gives up as lager_sup does",
                     fun killer_gives_up/0}},
      {"queue_now: the throttle publishes the queue, a stuck manager's value ages",
       fun queue_now_published/0},
      {"queue_now: the file handler publishes it when it is alone",
       fun queue_now_file_alone/0}]}.

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
%% until the handlers are reinstalled into the restarted manager. The manager is parked
%% behind the first event (park_manager/0): the kill is asynchronous, and a manager left
%% running could answer every caller before it lands.
killer() ->
    start_app([{log_level, debug}, {async_threshold, undefined}, {killer_hwm, 3},
               {killer_reinstall_after, 300}]),
    Old = whereis(fx_log_event),
    ok = gen_event:add_handler(Old, fx_park_handler, ?WAIT_MS),
    ok = sys:suspend(fx_log_event),
    Caller = fun(I) -> spawn_monitor(fun() -> fx_log:log(debug, "caller ~b", [I]) end) end,
    First = Caller(1),
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 1 end),
    park_manager(),
    Callers = [First | [Caller(I) || I <- lists:seq(2, 10)]],
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 11 end),
    ok = sys:resume(Old),
    [Reason1 | Reasons] = [receive {'DOWN', M, process, P, R} -> R after ?WAIT_MS -> timeout end
                           || {P, M} <- Callers],
    %% The first caller's answer races the kill: it is sent after the killer has exited.
    ?assert(lists:member(Reason1, [normal, killed])),
    ?assertEqual(lists:duplicate(9, killed), Reasons),
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

%% lager_file_backend's defaults (size 10485760, count 5) and check_interval (1 s): a file
%% past 10 MiB is written on until the first line whose timestamp is a second past the
%% last check; then it is shifted to .0 (the older ones one up, the oldest overwritten)
%% and that line starts a fresh file. The late line is sent with a timestamp 1.1 s ahead
%% (lager measures the interval on the events' own timestamps), so no test waits a second.
rotation() ->
    start_app([{log_level, debug}, {async_threshold, undefined}]),
    {ok, Log} = application:get_env(fixture, log_file),
    Old = [{N, lists:concat([Log, ".", N])} || N <- lists:seq(0, 4)],
    [ok = file:write_file(F, integer_to_list(N)) || {N, F} <- Old],
    ok = fx_log:log(debug, "first", []),
    Big = binary:copy(<<"x">>, 10485761),
    ok = file:write_file(Log, Big, [append]),
    ok = fx_log:log(debug, "within the interval", []),
    ?assertEqual({ok, <<"0">>}, file:read_file(lists:concat([Log, ".0"]))),
    ok = gen_event:sync_notify(fx_log_event, {log, msg("after rotation", 1100000)}),
    %% delayed_write holds a line for up to a second
    ok = wait_until(fun() -> {ok, B} = file:read_file(Log),
                             binary:match(B, <<"after rotation">>) =/= nomatch end),
    {ok, Fresh} = file:read_file(Log),
    ?assertEqual(nomatch, binary:match(Fresh, <<"first">>)),
    {ok, Rotated} = file:read_file(lists:concat([Log, ".0"])),
    ?assert(byte_size(Rotated) > 10485760),
    ?assertNotEqual(nomatch, binary:match(Rotated, <<"within the interval">>)),
    %% .0 .. .3 moved up one; what was .4 is gone
    ?assertEqual([{1, <<"0">>}, {2, <<"1">>}, {3, <<"2">>}, {4, <<"3">>}],
                 [{N, element(2, file:read_file(F))} || {N, F} <- tl(Old)]).

%% The inode is checked on every line (lager_util:has_file_changed/3): a file moved away
%% (logrotate) is reopened at the next line, not at the next check.
moved_file_reopened() ->
    start_app([{log_level, debug}, {async_threshold, undefined}]),
    {ok, Log} = application:get_env(fixture, log_file),
    ok = fx_log:log(debug, "before the move", []),
    ok = file:rename(Log, Log ++ ".moved"),
    ok = fx_log:log(debug, "after the move", []),
    ok = wait_until(fun() -> case file:read_file(Log) of
                                 {ok, B} -> binary:match(B, <<"after the move">>) =/= nomatch;
                                 {error, enoent} -> false
                             end end),
    {ok, Moved} = file:read_file(Log ++ ".moved"),
    ?assertNotEqual(nomatch, binary:match(Moved, <<"before the move">>)),
    ?assertEqual(nomatch, binary:match(Moved, <<"after the move">>)).

%% lager_sup's {one_for_one, 10, 60}: ten kills in a minute are restarted, the 11th makes
%% the logger's supervisor give up. Then there is no logger: the log call returns lager's
%% `{error, lager_not_running}' (fx_log:log/3 still ok: a worker goes on), the stats say
%% `undefined' as the probe says of a node whose lager_sup is gone, and requests are
%% still answered.
killer_gives_up() ->
    start_app([{log_level, debug}, {async_threshold, undefined}, {killer_hwm, 3},
               {killer_reinstall_after, 0}]),
    [begin
         kill_once(),
         ?assert(is_pid(whereis(fx_log_sup))),
         ?assertMatch(#{kills := K}, fx_log:stats())
     end || K <- lists:seq(1, 10)],
    Sup = whereis(fx_log_sup),
    Ref = erlang:monitor(process, Sup),
    kill_once(),
    receive {'DOWN', Ref, process, Sup, _} -> ok after ?WAIT_MS -> erlang:error(no_give_up) end,
    ?assertEqual(undefined, whereis(fx_log_event)),
    ?assert(is_pid(whereis(fx_sup))),
    #{dropped := Dropped} = fx_log:stats(),
    ?assertMatch(#{mode := undefined, kills := 11, queue_len := 0}, fx_log:stats()),
    ?assertEqual({error, lager_not_running}, fx_log_fixture:log(debug, "gone", [])),
    ?assertEqual({error, lager_not_running}, fx_log_fixture:log(info, "gone", [])),
    ?assertEqual(ok, fx_log:log(debug, "gone", [])),
    ?assertMatch(#{dropped := D} when D =:= Dropped + 3, fx_log:stats()),
    ?assertEqual({0, 0}, fx_log_fixture:queue_now()),
    S = http_connect(),
    ?assertMatch({200, _, _}, http_get(S, "/work?logs=3")),
    ok = gen_tcp:close(S).

%% Wait for a manager with its handlers, park 10 sync callers on it, release it: the
%% killer (hwm 3) fires on the first event and the watcher kills the manager.
kill_once() ->
    ok = wait_until(fun() -> maps:get(mode, fx_log:stats()) =:= sync end),
    Old = whereis(fx_log_event),
    ok = sys:suspend(Old),
    _ = [spawn(fun() -> fx_log:log(debug, "caller ~b", [I]) end) || I <- lists:seq(1, 10)],
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 10 end),
    ok = sys:resume(Old),
    ok = wait_until(fun() -> not erlang:is_process_alive(Old) end).

%% The throttle publishes the length it reads after each event; a parked manager handles
%% none, so the value ages while its real queue grows, and is at most that queue.
queue_now_published() ->
    start_app([{log_level, debug}, {async_threshold, 20}, {async_threshold_window, 5}]),
    flood(5),
    ok = sys:resume(fx_log_event),
    %% not a call: a call queued behind the last event would be counted in its length
    ok = wait_until(fun() -> maps:get(written, fx_log:stats()) =:= 5 end),
    {0, Age} = fx_log_fixture:queue_now(),
    ok = sys:suspend(fx_log_event),
    ok = fx_log:log(debug, "parked", []),
    ok = wait_until(fun() -> element(2, fx_log_fixture:queue_now()) > Age + 50 end),
    {0, Age1} = fx_log_fixture:queue_now(),
    ?assertMatch(#{queue_len := 1}, fx_log:stats()),
    ok = fx_log:log(debug, "parked", []),
    ok = sys:resume(fx_log_event),
    ok = wait_until(fun() -> maps:get(written, fx_log:stats()) =:= 7 end),
    ?assertMatch({0, A} when A < Age1, fx_log_fixture:queue_now()).

%% No throttle, no killer: the file handler publishes. Two events queued behind the first.
queue_now_file_alone() ->
    start_app([{log_level, debug}, {async_threshold, undefined}]),
    ok = sys:suspend(fx_log_event),
    Self = self(),
    _ = [spawn(fun() -> fx_log:log(debug, "c ~b", [I]), Self ! done end) || I <- [1, 2, 3]],
    ok = wait_until(fun() -> maps:get(queue_len, fx_log:stats()) =:= 3 end),
    Before = erlang:monotonic_time(millisecond),
    ok = sys:resume(fx_log_event),
    [receive done -> ok after ?WAIT_MS -> erlang:error(not_released) end || _ <- [1, 2, 3]],
    {0, Age} = fx_log_fixture:queue_now(),
    ?assert(Age =< erlang:monotonic_time(millisecond) - Before).

%% An event as a caller builds it, its timestamp AheadUs in the future.
msg(Text, AheadUs) ->
    Us = erlang:system_time(microsecond) + AheadUs,
    #fx_log_msg{level = debug, time_us = Us, datetime = fx_log_fixture:datetime(Us),
                pid = self(), message = Text}.

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
