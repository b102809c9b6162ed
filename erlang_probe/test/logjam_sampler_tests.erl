%% @doc EUnit tests for logjam_sampler: the cadence on absolute timers, sequence gaps after a
%% late tick (never a burst), the count of samples the transport dropped, stopping (stop/1,
%% nodedown, the destination gone), and a logger that does not answer for seconds: the
%% samples keep their cadence, the other fields stay fresh and the logger's value is marked
%% stale by its age. Every wait is on a condition with a deadline; every process a test
%% starts is gone when it ends.
-module(logjam_sampler_tests).

-include_lib("eunit/include/eunit.hrl").

%% gen_server callbacks (the stand-in logger of the stalled-logger test)
-export([init/1, handle_call/3, handle_cast/2]).

-define(I, 50).  % the sampling interval of these tests, ms
%% The stalled-logger test's interval: it asserts that no slot is missed on a machine that
%% may be shared, so a tick may be late by a scheduler's OS time slice, not by 50 ms.
-define(STALL_I, 100).
-define(WAIT_MS, 5000).

%%====================================================================
%% cadence and shape
%%====================================================================

cadence_test() ->
    {ok, Pid, T0} = logjam_sampler:start(self(), ?I),
    Samples = collect(20),
    ok = logjam_sampler:stop(Pid),
    Seqs = [Seq || {Seq, _, _} <- Samples],
    ?assertEqual(lists:seq(1, 20), Seqs),
    %% stamped with the node's clock: the sample's own t_ms is taken in the same slot
    [?assertEqual(Seq, (maps:get(t_ms, S) - T0) div ?I) || {Seq, _, S} <- Samples],
    {_, _, S} = lists:last(Samples),
    Keys = lists:sort([samples_dropped | maps:keys(logjam_probe:snapshot())]),
    ?assertEqual(Keys, lists:sort(maps:keys(S))),
    ?assertEqual(0, maps:get(samples_dropped, S)),
    #{logger := L} = S,
    ?assert(is_integer(maps:get(age_ms, L))),
    ?assert(maps:get(age_ms, L) < 2 * ?I),
    ?assertNot(is_process_alive(Pid)).

%% A sampler held up for several intervals takes the slot it wakes in: the missed slots are
%% missing sequence numbers, and no two samples share a slot (no catching up).
late_tick_is_a_gap_test() ->
    {ok, Pid, _} = logjam_sampler:start(self(), ?I),
    [{1, _, _}, {2, _, _}] = collect(2),
    erlang:suspend_process(Pid),
    timer:sleep(5 * ?I),  % the stall itself, not a wait for a condition
    erlang:resume_process(Pid),
    After = collect(4),
    ok = logjam_sampler:stop(Pid),
    Seqs = [Seq || {Seq, _, _} <- After],
    ?assert(hd(Seqs) >= 2 + 4),
    ?assertEqual(lists:seq(hd(Seqs), hd(Seqs) + 3), Seqs),
    Times = [At || {_, At, _} <- After],
    ?assert(lists:all(fun({A, B}) -> B - A > ?I div 2 end,
                      lists:zip(lists:droplast(Times), tl(Times)))).

%% A busy distribution buffer (the transport answers nosuspend): those samples are dropped,
%% their sequence numbers are missing, and the count travels in the next sample.
dropped_samples_are_counted_test() ->
    Self = self(),
    Left = counters:new(1, []),
    counters:put(Left, 1, 3),
    Send = fun(Dest, Msg) ->
                   case counters:get(Left, 1) of
                       0 -> Dest ! Msg, ok;
                       _ -> counters:sub(Left, 1, 1), nosuspend
                   end
           end,
    {ok, Pid, _} = logjam_sampler:start(Self, ?I, Send),
    [{Seq, _, S}, {Seq2, _, S2}] = collect(2),
    ok = logjam_sampler:stop(Pid),
    ?assertEqual(4, Seq),
    ?assertEqual(3, maps:get(samples_dropped, S)),
    ?assertEqual(5, Seq2),
    ?assertEqual(3, maps:get(samples_dropped, S2)).

%%====================================================================
%% stopping
%%====================================================================

stop_kills_the_reader_test() ->
    Before = erlang:processes(),
    {ok, Pid, _} = logjam_sampler:start(self(), ?I),
    _ = collect(1),
    New = erlang:processes() -- Before,
    ?assertEqual(2, length(New)),  % the sampler and its reader
    ok = logjam_sampler:stop(Pid),
    wait_until(fun() -> not lists:any(fun erlang:is_process_alive/1, New) end),
    ok = logjam_sampler:stop(Pid),  % stopping a stopped sampler is fine
    flush_samples().

stops_on_nodedown_test() ->
    {ok, Pid, _} = logjam_sampler:start(self(), ?I),
    Ref = monitor(process, Pid),
    Pid ! {nodedown, 'harness@127.0.0.1'},  % what monitor_node delivers when the C node goes
    ?assertEqual(normal, receive {'DOWN', Ref, process, Pid, R} -> R
                         after ?WAIT_MS -> timeout end),
    flush_samples().

stops_when_the_destination_exits_test() ->
    Self = self(),
    Dest = spawn(fun() -> receive stop -> ok end end),
    {ok, Pid, _} = logjam_sampler:start(Dest, ?I),
    Ref = monitor(process, Pid),
    Dest ! stop,
    ?assertEqual(normal, receive {'DOWN', Ref, process, Pid, R} -> R
                         after ?WAIT_MS -> timeout end),
    ?assertEqual(Self, self()).

%%====================================================================
%% a logger that does not answer
%%====================================================================

%% The logger source waits on a process that does not answer for 1.5 s (a sys:suspend'ed
%% gen_server standing in for a logger garbage-collecting a huge heap), on a node whose
%% schedulers are all busy with normal-priority work. The samples keep their cadence, the
%% other fields stay fresh (processes spawned during the stall are counted at once), and the
%% logger's value is carried with a growing age; once the logger answers the age drops.
stalled_logger_test_() ->
    {setup, fun setup_stalled/0, fun cleanup_stalled/1,
     fun({Srv, _Busy}) ->
             {timeout, 60,
              fun() ->
                      {ok, Pid, _} = logjam_sampler:start(self(), ?STALL_I),
                      _ = wait_sample(fun(S) -> age(S) < 2 * ?STALL_I end),
                      put(seen, #{last => undefined, gaps => []}),
                      ok = sys:suspend(Srv),
                      Stalled = wait_sample(fun(S) -> age(S) > 1000 end),
                      Extra = [spawn(fun() -> receive stop -> ok end end)
                               || _ <- lists:seq(1, 500)],
                      {_, _, Fresh} = hd(collect(1)),
                      ok = sys:resume(Srv),
                      Recovered = wait_sample(fun(S) -> age(S) < 2 * ?STALL_I end),
                      ok = logjam_sampler:stop(Pid),
                      [P ! stop || P <- Extra],
                      {SeqS, _, _} = Stalled,
                      {SeqR, _, _} = Recovered,
                      %% no sample missing between the stall and the recovery
                      ?assertEqual([], maps:get(gaps, get(seen))),
                      ?assert(SeqR > SeqS),
                      ?assert(maps:get(process_count, Fresh) >=
                                  maps:get(process_count, element(3, Stalled)) + 500),
                      ?assert(age(Fresh) > 1000),
                      ?assertEqual(7, maps:get(queue_len, maps:get(logger, Fresh)))
              end}
     end}.

setup_stalled() ->
    {ok, Srv} = gen_server:start(?MODULE, [], []),
    logjam_probe:register_source(
      logger, fun() -> #{backend => fixture, mode => async,
                         queue_len => gen_server:call(Srv, queue_len, infinity)} end),
    Busy = [spawn(fun spin/0) || _ <- lists:seq(1, erlang:system_info(schedulers_online))],
    {Srv, Busy}.

cleanup_stalled({Srv, Busy}) ->
    [exit(P, kill) || P <- Busy],
    logjam_probe:unregister_source(logger),
    gen_server:stop(Srv),
    flush_samples().

spin() -> spin().

-spec init([]) -> {ok, no_state}.
init([]) -> {ok, no_state}.

-spec handle_call(queue_len, {pid(), term()}, no_state) -> {reply, 7, no_state}.
handle_call(queue_len, _From, St) -> {reply, 7, St}.

-spec handle_cast(term(), no_state) -> {noreply, no_state}.
handle_cast(_, St) -> {noreply, St}.

age(S) -> maps:get(age_ms, maps:get(logger, S)).

%%====================================================================
%% helpers
%%====================================================================

%% The next N samples, in order: [{Seq, NodeTimeMs, Sample}]; records sequence gaps in the
%% process dictionary (`seen') for the tests that care.
collect(0) -> [];
collect(N) ->
    receive
        {logjam_sample, Seq, At, S} ->
            note_seq(Seq),
            [{Seq, At, S} | collect(N - 1)]
    after ?WAIT_MS ->
        erlang:error({no_sample_within_ms, ?WAIT_MS})
    end.

note_seq(Seq) ->
    case get(seen) of
        #{last := Last, gaps := Gaps} = M when is_integer(Last), Seq =/= Last + 1 ->
            put(seen, M#{last := Seq, gaps := [{Last, Seq} | Gaps]});
        #{} = M ->
            put(seen, M#{last := Seq});
        undefined ->
            ok
    end.

%% The first sample that satisfies Pred, within the deadline.
wait_sample(Pred) ->
    Deadline = erlang:monotonic_time(millisecond) + ?WAIT_MS,
    wait_sample(Pred, Deadline).

wait_sample(Pred, Deadline) ->
    case erlang:monotonic_time(millisecond) > Deadline of
        true -> erlang:error(no_matching_sample);
        false ->
            [{_, _, S} = X] = collect(1),
            case Pred(S) of
                true -> X;
                false -> wait_sample(Pred, Deadline)
            end
    end.

flush_samples() ->
    receive {logjam_sample, _, _, _} -> flush_samples()
    after 0 -> ok
    end.

wait_until(Fun) -> wait_until(Fun, erlang:monotonic_time(millisecond) + ?WAIT_MS).

wait_until(Fun, Deadline) ->
    case Fun() of
        true -> ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> erlang:error(timeout);
                false -> receive after 5 -> wait_until(Fun, Deadline) end
            end
    end.
