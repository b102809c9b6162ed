%% @doc EUnit tests for logjam_probe: reply shapes, the O(1) promise of snapshot/0 (checked
%% by call tracing, not by timing), logger detection (OTP logger, a lager-shaped sink, none),
%% registered sources, a bare node that has only the probe's ebin, and diagnose/2 on
%% synthetic stuck processes. `make eunit' runs them in a node without the fixture. No
%% sleeps: every wait is on a condition with a deadline. Every process a test starts is
%% gone when it ends.
-module(logjam_probe_tests).

-include_lib("eunit/include/eunit.hrl").

%% gen_server / gen_event callbacks (the suspended targets of the diagnose test)
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, handle_event/2,
         handle_call/2]).
%% spawned process bodies
-export([parked/0, idle/0]).

-define(SRV, logjam_probe_test_srv).
-define(MGR, logjam_probe_test_mgr).
-define(HANDLER, logjam_probe_test_h).
-define(WAIT_MS, 10000).
%% The logger map of a node without any logger
-define(NO_LOGGER, #{backend := undefined, mode := undefined, queue_len := 0, switches := 0,
                     written := 0, dropped := 0, kills := 0}).

%%====================================================================
%% hello and snapshot shapes
%%====================================================================

hello_test() ->
    H = logjam_probe:hello(),
    ?assertEqual(lists:sort([otp_release, fixture_port, logger_backend, probe_version, node]),
                 lists:sort(maps:keys(H))),
    ?assertEqual(list_to_binary(erlang:system_info(otp_release)), maps:get(otp_release, H)),
    ?assertEqual(undefined, maps:get(fixture_port, H)),
    ?assertEqual(otp, maps:get(logger_backend, H)),
    ?assertEqual(<<"1">>, maps:get(probe_version, H)),
    ?assertEqual(node(), maps:get(node, H)),
    assert_plain(H).

snapshot_shape_test() ->
    S = logjam_probe:snapshot(),
    ?assertEqual(lists:sort([t_ms, process_count, process_limit, memory, run_queue,
                             reductions, logger, pool, connections, port_count, port_limit]),
                 lists:sort(maps:keys(S))),
    #{t_ms := T, process_count := PC, process_limit := PL, memory := Mem, run_queue := RQ,
      reductions := R, logger := L, pool := Pool, connections := C, port_count := Ports,
      port_limit := PortLimit} = S,
    ?assert(is_integer(T)),
    ?assert(is_integer(PC) andalso PC > 0 andalso PC =< PL),
    ?assertEqual(lists:sort(proplists:get_keys(erlang:memory())), lists:sort(maps:keys(Mem))),
    ?assert(lists:all(fun(V) -> is_integer(V) andalso V >= 0 end, maps:values(Mem))),
    ?assert(is_integer(RQ) andalso RQ >= 0),
    ?assert(is_integer(R) andalso R > 0),
    assert_logger_map(L),
    ?assertMatch(#{mode := PM, busy := B, queued := Qd}
                   when is_atom(PM) andalso is_integer(B) andalso is_integer(Qd), Pool),
    ?assert(is_integer(Ports) andalso Ports > 0 andalso Ports =< PortLimit),
    ?assertEqual(#{mode => undefined, busy => 0, queued => 0}, Pool),
    ?assertEqual(0, C),
    assert_plain(S),
    %% t_ms is monotonic milliseconds, reductions only grow
    S2 = logjam_probe:snapshot(),
    ?assert(maps:get(t_ms, S2) >= T),
    ?assert(maps:get(reductions, S2) >= R).

%% A bare node with no logger handler at all (and no lager, no fixture): the logger part is
%% undefined/0 and nothing crashes.
snapshot_without_logger_test_() ->
    {setup, fun remove_otp_handlers/0, fun restore_otp_handlers/1,
     fun(_) ->
             ?_assertMatch(?NO_LOGGER, maps:get(logger, logjam_probe:snapshot()))
     end}.

%%====================================================================
%% A node that has never heard of the fixture
%%====================================================================

%% A fresh `erl' with only the probe's ebin on its code path (no test modules, no fixture)
%% and no logger handler: hello, snapshot and diagnose answer with the defaults the C side
%% expects (undefined/0), not with an error.
bare_node_test_() ->
    {setup, fun start_bare_node/0, fun peer:stop/1,
     fun(Peer) ->
             fun() ->
                     Call = fun(F, A) -> peer:call(Peer, logjam_probe, F, A, ?WAIT_MS) end,
                     ?assertEqual(non_existing, peer:call(Peer, code, which, [fx_log])),
                     ?assertMatch(#{fixture_port := undefined, logger_backend := otp},
                                  Call(hello, [])),
                     S = Call(snapshot, []),
                     ?assertMatch(#{logger := ?NO_LOGGER,
                                    pool := #{mode := undefined, busy := 0, queued := 0},
                                    connections := 0}, S),
                     D = Call(diagnose, [5, 2000]),
                     ?assertMatch(#{partial := false, logger := ?NO_LOGGER,
                                    pool := #{mode := undefined, busy := 0, queued := 0}}, D),
                     ?assert(maps:get(scanned, D) > 0),
                     assert_plain(S),
                     assert_plain(D)
             end
     end}.

start_bare_node() ->
    Ebin = filename:dirname(code:which(logjam_probe)),
    Args = ["-pa", Ebin, "-kernel", "logger", "[{handler,default,undefined}]"],
    %% standard_io: the test node need not be distributed, nor epmd running
    {ok, Peer, _Node} = peer:start_link(#{connection => standard_io, args => Args}),
    Peer.

%%====================================================================
%% Registered sources
%%====================================================================

%% An application's sources answer the keys of their names; odd values are normalized.
registered_sources_test_() ->
    {setup,
     fun() ->
             register_all([{logger, fun() -> #{backend => fx, mode => sync, queue_len => 3,
                                               switches => -1, extra => x} end},
                           {pool, fun() -> #{mode => bounded, busy => 2, queued => 5} end},
                           {connections, fun() -> 4 end},
                           {fixture_port, fun() -> 8080 end},
                           {logger_backend, fun() -> fixture end}])
     end,
     fun unregister_all/1,
     fun(_) ->
             fun() ->
                     ?assertMatch(#{fixture_port := 8080, logger_backend := fixture},
                                  logjam_probe:hello()),
                     S = logjam_probe:snapshot(),
                     ?assertEqual(#{backend => fx, mode => sync, queue_len => 3, switches => 0,
                                    written => 0, dropped => 0, kills => 0},
                                  maps:get(logger, S)),
                     ?assertEqual(#{mode => bounded, busy => 2, queued => 5}, maps:get(pool, S)),
                     ?assertEqual(4, maps:get(connections, S)),
                     ?assertMatch(#{logger := #{backend := fx}, pool := #{busy := 2}},
                                  logjam_probe:diagnose(1, 2000))
             end
     end}.

%% Sources that crash or answer nonsense read as undefined/0; the replies still come.
failing_sources_test_() ->
    {setup,
     fun() ->
             register_all([{logger, fun() -> error(boom) end},
                           {pool, fun() -> exit(noproc) end},
                           {connections, fun() -> -3 end},
                           {fixture_port, fun() -> throw(not_yet) end},
                           {logger_backend, fun() -> <<"otp">> end}])
     end,
     fun unregister_all/1,
     fun(_) ->
             fun() ->
                     ?assertMatch(#{fixture_port := undefined, logger_backend := otp},
                                  logjam_probe:hello()),
                     ?assertMatch(#{logger := #{backend := otp},
                                    pool := #{mode := undefined, busy := 0, queued := 0},
                                    connections := 0}, logjam_probe:snapshot())
             end
     end}.

unknown_source_is_refused_test() ->
    ?assertError(badarg, logjam_probe:register_source(workers, fun() -> 1 end)),
    ?assertError(badarg, logjam_probe:register_source(pool, fun(_) -> 1 end)).

%%====================================================================
%% snapshot is O(1): it never walks the processes
%%====================================================================

%% 50k extra idle processes; the snapshot process is call-traced for the BIFs that walk or
%% inspect processes. The same trace run around diagnose/2 must see processes/0, so the
%% test would catch a snapshot that did.
snapshot_is_o1_test_() ->
    {setup, fun() -> spawn_many(50000, idle) end, fun kill_all/1,
     fun(Idle) ->
             {timeout, 120,
              fun() ->
                      {S, Calls} = traced_calls(fun logjam_probe:snapshot/0),
                      ?assert(maps:get(process_count, S) >= length(Idle)),
                      ?assertEqual(0, count_calls({erlang, processes, 0}, Calls)),
                      ?assertEqual(0, count_calls({erlang, process_info, 1}, Calls)),
                      %% at most the logger's message_queue_len
                      ?assert(count_calls({erlang, process_info, 2}, Calls) =< 1),
                      %% the control: diagnose does walk, and the trace sees it
                      {D, DCalls} = traced_calls(fun() -> logjam_probe:diagnose(3, 60000) end),
                      ?assertEqual(1, count_calls({erlang, processes, 0}, DCalls)),
                      ?assert(count_calls({erlang, process_info, 2}, DCalls) >= length(Idle)),
                      ?assert(maps:get(scanned, D) >= length(Idle))
              end}
     end}.

%%====================================================================
%% logger detection
%%====================================================================

%% An OTP logger_std_h file handler: the probe reads the mode from logger_olp's
%% persistent_term key and the queue from the handler's registered process.
otp_handler_test_() ->
    {setup, fun setup_otp_handler/0, fun cleanup_otp_handler/1,
     fun(_) ->
             {inorder,
              [{"suspended handler: queue seen, mode still async",
                fun() ->
                        Proc = list_to_atom("logger_std_h_" ++ atom_to_list(?HANDLER)),
                        ok = sys:suspend(Proc),
                        try
                            [logger:notice("logjam probe test ~p", [I]) || I <- lists:seq(1, 20)],
                            L = maps:get(logger, logjam_probe:snapshot()),
                            ?assertMatch(#{backend := otp, mode := async}, L),
                            ?assert(maps:get(queue_len, L) >= 20)
                        after
                            sys:resume(Proc)
                        end
                end},
               {"sync_mode_qlen 0 and a steady logger: mode sync",
                fun() ->
                        ok = logger:update_handler_config(?HANDLER, config,
                                                          #{sync_mode_qlen => 0}),
                        Logger = spawn(fun log_loop/0),
                        try
                            wait_until(fun() ->
                                               sync =:= maps:get(mode, maps:get(logger,
                                                                logjam_probe:snapshot()))
                                       end)
                        after
                            kill_all([Logger])
                        end
                end}]}
     end}.

%% A lager-shaped node: a process registered as lager_event and lager_config's flag (the
%% Debian lager 3.9.2 lager_config module, used as lager itself uses it).
lager_sink_test_() ->
    case code:which(lager_config) =/= non_existing andalso whereis(lager_event) =:= undefined of
        false ->
            [];  % lager is not installed, or a real logger runs here: nothing to fake
        true ->
            {setup, fun setup_fake_lager/0, fun cleanup_fake_lager/1,
             fun(_) ->
                     fun() ->
                             ?assertEqual(lager, maps:get(logger_backend, logjam_probe:hello())),
                             %% no throttle ever wrote the flag: lager then syncs every call
                             ?assertMatch(#{backend := lager, mode := sync, queue_len := 7},
                                          maps:get(logger, logjam_probe:snapshot())),
                             lager_config:set({lager_event, async}, true),
                             ?assertMatch(#{backend := lager, mode := async, queue_len := 7},
                                          maps:get(logger, logjam_probe:snapshot()))
                     end
             end}
    end.

%%====================================================================
%% diagnose
%%====================================================================

%% 200 callers blocked in gen_server:call to a suspended registered gen_server, 100 in
%% gen_event:sync_notify to a suspended registered gen_event manager, 50 parked in a plain
%% receive.
diagnose_test_() ->
    {setup, fun setup_stuck/0, fun cleanup_stuck/1,
     fun(_) ->
             {timeout, 60,
              fun() ->
                      D = logjam_probe:diagnose(10, 60000),
                      assert_plain(D),
                      ?assertMatch(#{partial := false}, D),
                      ?assertEqual(maps:get(process_count, D), maps:get(scanned, D)),
                      ?assert(is_integer(maps:get(took_us, D))),
                      assert_logger_map(maps:get(logger, D)),

                      ByFun = maps:get(by_function, D),
                      ?assert(count_of(function, <<"gen:do_call/4">>, ByFun) >= 300),
                      ?assertEqual(50, count_of(function, <<"logjam_probe_tests:parked/0">>,
                                                ByFun)),
                      ?assert(is_sorted([C || #{count := C} <- ByFun])),

                      ByStack = maps:get(by_stack, D),
                      ?assert(is_sorted([C || #{count := C} <- ByStack])),
                      [SrvGroup] = [G || #{stack := St} = G <- ByStack,
                                         lists:member(<<"gen_server:call/3">>, St)],
                      ?assertMatch(#{count := 200,
                                     stack := [<<"gen:do_call/4">> | _],
                                     waiting_on := <<"logjam_probe_test_srv">>,
                                     target_queue := 200}, SrvGroup),
                      [MgrGroup] = [G || #{stack := St} = G <- ByStack,
                                         lists:member(<<"gen_event:rpc/2">>, St)],
                      ?assertMatch(#{count := 100,
                                     stack := [<<"gen:do_call/4">> | _],
                                     waiting_on := <<"logjam_probe_test_mgr">>,
                                     target_queue := 100}, MgrGroup),
                      [ParkedGroup] = [G || #{stack := [<<"logjam_probe_tests:parked/0">> | _]}
                                                = G <- ByStack],
                      ?assertMatch(#{count := 50, waiting_on := undefined, target_queue := 0},
                                   ParkedGroup),
                      ?assertMatch(<<"<", _/binary>>, maps:get(sample_pid, ParkedGroup)),

                      ByWait = maps:get(by_waiting_on, D),
                      ?assert(lists:member(#{count => 200, target => <<"logjam_probe_test_srv">>,
                                             target_queue => 200}, ByWait)),
                      ?assert(lists:member(#{count => 100, target => <<"logjam_probe_test_mgr">>,
                                             target_queue => 100}, ByWait)),

                      TopQ = maps:get(top_queues, D),
                      ?assertMatch([#{name := ?SRV, queue := 200,
                                      function := <<"sys:suspend_loop/6">>} | _], TopQ),
                      ?assertMatch([#{queue := 100, memory := M}] when is_integer(M) andalso M > 0,
                                   [E || #{name := ?MGR} = E <- TopQ]),
                      ?assert(is_sorted([Q || #{queue := Q} <- TopQ])),

                      TopM = maps:get(top_memory, D),
                      ?assertEqual(10, length(TopM)),
                      ?assert(is_sorted([M || #{memory := M} <- TopM]))
              end}
     end}.

%% A budget of 0 ms: the scan stops at once and says so.
diagnose_budget_test() ->
    D = logjam_probe:diagnose(5, 0),
    ?assertMatch(#{partial := true}, D),
    ?assert(maps:get(scanned, D) < maps:get(process_count, D)),
    assert_plain(D).

diagnose_top_zero_test() ->
    D = logjam_probe:diagnose(0, 60000),
    ?assertMatch(#{partial := false, by_function := [], by_stack := [], by_waiting_on := [],
                   top_queues := [], top_memory := []}, D).

%%====================================================================
%% Fixtures
%%====================================================================

setup_stuck() ->
    {ok, Srv} = gen_server:start({local, ?SRV}, ?MODULE, [], []),
    {ok, Mgr} = gen_event:start({local, ?MGR}),
    ok = sys:suspend(Srv),
    ok = sys:suspend(Mgr),
    Callers = [spawn(fun() -> gen_server:call(?SRV, ping, infinity) end)
               || _ <- lists:seq(1, 200)],
    Notifiers = [spawn(fun() -> gen_event:sync_notify(?MGR, ping) end)
                 || _ <- lists:seq(1, 100)],
    Parked = spawn_many(50, parked),
    %% Ready when every caller waits in gen:do_call and every parked one in its receive.
    wait_until(fun() ->
                       lists:all(fun(P) -> in_function(P, {gen, do_call, 4}) end,
                                 Callers ++ Notifiers) andalso
                           lists:all(fun(P) -> in_function(P, {?MODULE, parked, 0}) end,
                                     Parked)
               end),
    Callers ++ Notifiers ++ Parked ++ [Srv, Mgr].

cleanup_stuck(Pids) ->
    kill_all(Pids).

remove_otp_handlers() ->
    Saved = [C || #{module := M} = C <- logger:get_handler_config(),
                  M =:= logger_std_h orelse M =:= logger_disk_log_h],
    [ok = logger:remove_handler(Id) || #{id := Id} <- Saved],
    Saved.

restore_otp_handlers(Saved) ->
    [ok = logger:add_handler(Id, M, C) || #{id := Id, module := M} = C <- Saved],
    ok.

setup_otp_handler() ->
    Saved = remove_otp_handlers(),  % keeps the console quiet while the test logs
    File = filename:join(tmp_dir(), "logjam_probe_test_" ++ os:getpid() ++ ".log"),
    ok = logger:add_handler(?HANDLER, logger_std_h,
                            #{config => #{file => File}, level => all}),
    {Saved, File}.

cleanup_otp_handler({Saved, File}) ->
    _ = logger:remove_handler(?HANDLER),
    _ = file:delete(File),
    restore_otp_handlers(Saved).

log_loop() ->
    logger:notice("logjam probe test loop"),
    log_loop().

setup_fake_lager() ->
    Sink = spawn(fun parked/0),
    true = register(lager_event, Sink),
    [Sink ! {notify, I} || I <- lists:seq(1, 7)],
    Sink.

cleanup_fake_lager(Sink) ->
    kill_all([Sink]),
    %% lager_config has no delete; this is the key it wrote (lager 3.9.2 persistent_term)
    _ = persistent_term:erase({lager_config, {lager_event, async}}),
    ok.

%%====================================================================
%% gen_server / gen_event callbacks: never reached while suspended
%%====================================================================

init([]) -> {ok, []}.
handle_call(_Req, _From, S) -> {reply, ok, S}.
handle_cast(_Msg, S) -> {noreply, S}.
handle_info(_Msg, S) -> {noreply, S}.
handle_event(_Event, S) -> {ok, S}.
handle_call(_Req, S) -> {ok, ok, S}.

parked() ->
    receive stop -> ok end.

idle() ->
    receive stop -> ok end.

%%====================================================================
%% Helpers
%%====================================================================

register_all(Sources) ->
    [ok = logjam_probe:register_source(Name, Fun) || {Name, Fun} <- Sources],
    [Name || {Name, _} <- Sources].

unregister_all(Names) ->
    [ok = logjam_probe:unregister_source(Name) || Name <- Names],
    ok.

spawn_many(N, Fun) ->
    [spawn(?MODULE, Fun, []) || _ <- lists:seq(1, N)].

%% Kill and wait for every 'DOWN', so the next test starts from a clean node.
kill_all(Pids) ->
    Refs = [begin R = monitor(process, P), exit(P, kill), R end || P <- Pids],
    [receive {'DOWN', R, process, _, _} -> ok after ?WAIT_MS -> error(not_down) end
     || R <- Refs],
    ok.

in_function(P, MFA) ->
    erlang:process_info(P, [current_function, status]) =:=
        [{current_function, MFA}, {status, waiting}].

wait_until(Cond) ->
    wait_until(Cond, erlang:monotonic_time(millisecond) + ?WAIT_MS).

wait_until(Cond, Deadline) ->
    case Cond() of
        true -> ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> error(condition_not_met);
                false ->
                    receive after 1 -> ok end,
                    wait_until(Cond, Deadline)
            end
    end.

%% Run Fun in a fresh process (as rpc does) with call tracing on the BIFs that inspect
%% processes; return its result and the traced {M,F,A}s.
traced_calls(Fun) ->
    Self = self(),
    MFAs = [{erlang, processes, 0}, {erlang, process_info, 1}, {erlang, process_info, 2}],
    Worker = spawn(fun() -> receive go -> Self ! {result, self(), Fun()} end end),
    [1 = erlang:trace_pattern(MFA, true, [global]) || MFA <- MFAs],
    try
        1 = erlang:trace(Worker, true, [call, {tracer, Self}]),
        Worker ! go,
        Result = receive {result, Worker, R} -> R after 60000 -> error(no_result) end,
        Ref = erlang:trace_delivered(Worker),
        receive {trace_delivered, Worker, Ref} -> ok end,
        {Result, collect_traces(Worker, [])}
    after
        [erlang:trace_pattern(MFA, false, [global]) || MFA <- MFAs]
    end.

collect_traces(Worker, Acc) ->
    receive
        {trace, Worker, call, {M, F, Args}} -> collect_traces(Worker, [{M, F, length(Args)} | Acc])
    after 0 -> Acc
    end.

count_calls(MFA, Calls) ->
    length([C || C <- Calls, C =:= MFA]).

count_of(Key, Value, Entries) ->
    case [C || #{count := C} = E <- Entries, maps:get(Key, E) =:= Value] of
        [C] -> C;
        [] -> 0
    end.

is_sorted(Desc) ->
    Desc =:= lists:reverse(lists:sort(Desc)).

assert_logger_map(L) ->
    ?assertEqual(lists:sort([backend, mode, queue_len, switches, written, dropped, kills]),
                 lists:sort(maps:keys(L))),
    ?assert(is_atom(maps:get(backend, L))),
    ?assert(lists:member(maps:get(mode, L), [async, sync, drop, flush, killed, undefined])),
    [?assert(is_integer(maps:get(K, L)) andalso maps:get(K, L) >= 0)
     || K <- [queue_len, switches, written, dropped, kills]].

%% The harness turns replies into JSON: only maps with atom keys, lists, binaries, atoms
%% and integers may appear - no pids, refs, tuples, funs or floats.
assert_plain(M) when is_map(M) ->
    [begin ?assert(is_atom(K)), assert_plain(V) end || {K, V} <- maps:to_list(M)],
    ok;
assert_plain(L) when is_list(L) -> [assert_plain(E) || E <- L], ok;
assert_plain(B) when is_binary(B) -> ok;
assert_plain(A) when is_atom(A) -> ok;
assert_plain(I) when is_integer(I) -> ok;
assert_plain(Other) -> ?assertEqual(plain_term, Other).

tmp_dir() ->
    case os:getenv("TMPDIR") of
        false -> "/tmp";
        D -> D
    end.
