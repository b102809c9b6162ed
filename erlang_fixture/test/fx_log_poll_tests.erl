%% @doc Tests of fx_log_poll, the sampler that counts what real lager and OTP's logger do
%% not count themselves: switches, kills and the queue a kill throws away. The sample
%% function is driven by the test (a logger process it can kill), so every transition -
%% mode flip, vanish, replace-between-ticks, return - is made to happen, not hoped for.
-module(fx_log_poll_tests).

-export([sample/0]).

-include("fx_test.hrl").

-define(REINSTALL_MS, 200).

%% The sampled state lives in a persistent_term the test rewrites.
-define(KEY, {?MODULE, sample}).

sample() ->
    persistent_term:get(?KEY).

set(Mode, Pid, QLen) ->
    persistent_term:put(?KEY, {Mode, Pid, QLen}).

sleeper() ->
    spawn(fun() -> receive stop -> ok end end).

setup() ->
    Pid = sleeper(),
    set(async, Pid, 0),
    {ok, Poll} = fx_log_poll:start_link({fun ?MODULE:sample/0, ?REINSTALL_MS}),
    unlink(Poll),
    Poll.

cleanup(Poll) ->
    exit(Poll, shutdown),
    persistent_term:erase(?KEY).

poll_test_() ->
    {foreach, fun setup/0, fun cleanup/1,
     [fun(_) -> {"a mode flip is one switch", fun switches/0} end,
      fun(_) -> {"vanish then return: one kill, the queue dropped, killed until back",
                 fun vanish_and_return/0} end,
      fun(_) -> {"replaced between ticks: one kill, killed until reinstall_after",
                 fun replaced/0} end]}.

switches() ->
    {_, Pid, _} = sample(),
    set(sync, Pid, 25),
    ok = wait_until(fun() -> maps:get(switches, fx_log_poll:counters()) =:= 1 end),
    set(async, Pid, 0),
    ok = wait_until(fun() -> maps:get(switches, fx_log_poll:counters()) =:= 2 end),
    ?assertMatch(#{kills := 0, dropped := 0}, fx_log_poll:counters()),
    ?assertMatch(#{mode := async, queue_len := 7, kills := 0},
                 fx_log_poll:stats(otp, async, 7)).

vanish_and_return() ->
    {_, Pid, _} = sample(),
    set(sync, Pid, 1500),
    timer:sleep(50),                      %% the poller has seen the 1500
    set(sync, undefined, 0),
    ok = wait_until(fun() -> maps:get(kills, fx_log_poll:counters()) =:= 1 end),
    ?assertMatch(#{dropped := 1500}, fx_log_poll:counters()),
    ?assert(fx_log_poll:killed()),
    ?assertMatch(#{mode := killed, kills := 1, dropped := 1500},
                 fx_log_poll:stats(otp, sync, 0)),
    set(async, sleeper(), 0),             %% OTP restarts the handler whole: back at once
    ok = wait_until(fun() -> not fx_log_poll:killed() end),
    ?assertMatch(#{kills := 1}, fx_log_poll:counters()).

replaced() ->
    {_, Pid, _} = sample(),
    set(sync, Pid, 1001),
    timer:sleep(50),
    set(sync, sleeper(), 0),              %% lager: the sink restarts, its handlers later
    ok = wait_until(fun() -> fx_log_poll:killed() end),
    ?assertMatch(#{kills := 1, dropped := 1001}, fx_log_poll:counters()),
    timer:sleep(?REINSTALL_MS div 2),
    ?assert(fx_log_poll:killed()),
    ok = wait_until(fun() -> not fx_log_poll:killed() end, ?REINSTALL_MS * 5),
    ?assertMatch(#{kills := 1}, fx_log_poll:counters()).
