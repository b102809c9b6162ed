%% @doc Backend `fixture': a lager-3.9.2-like logger, send path and state.
%%
%% This module is the caller's side of the logger, written after lager 3.9.2's
%% `lager:dispatch_log/7' and `do_log_impl/10' so that a worker pays what a lager caller
%% pays: a level check against a persistent_term mask first (a call below the level costs
%% a lookup and is never formatted), then formatting in the caller (truncated at 4096 like
%% lager), then one flag read from persistent_term (Debian's lager_config keeps `{Sink,
%% async}' there) that picks `gen_event:notify' (async) or `gen_event:sync_notify' (sync).
%% When no throttle is installed (async_threshold = undefined) nobody ever writes the flag
%% and the default `false' makes every call synchronous - lager 3.x's real behaviour.
%% The manager side lives in fx_log_sup, fx_log_watcher and the three handlers.
-module(fx_log_fixture).
-behaviour(fx_log_backend).
%% Implements the fx_log_backend callbacks (no -behaviour attribute: the Makefile compiles
%% src/ without ebin on the code path, so the behaviour module may not be loadable yet).

-include("fx_log.hrl").

%% fx_log_backend callbacks
-export([child_specs/1, log/3, stats/0, cleanup/0]).
%% API
-export([level_bit/1, level_mask/1, format/2, datetime/1, queue_now/0, queue_put/2]).

%%====================================================================
%% fx_log_backend callbacks
%%====================================================================

%% @doc Publish mask and counters, clear any async flag left by an earlier run in this VM,
%% and return the supervisor of the gen_event manager and its handlers.
-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
%% fx_log_sup is `temporary': once it has given up (lager_sup's restart limit) nothing
%% restarts it, as lager's application stays stopped once lager_sup is gone.
child_specs(#{log_level := Level} = Config) ->
    C = counters:new(?FX_C_SIZE, [atomics]),
    counters:put(C, ?FX_C_QLEN_AT, erlang:monotonic_time(millisecond)),
    persistent_term:put(?FX_LOG_COUNTERS, C),
    persistent_term:put(?FX_LOG_MASK, level_mask(Level)),
    _ = persistent_term:erase(?FX_LOG_ASYNC),
    [#{id => fx_log_sup, start => {fx_log_sup, start_link, [Config]},
       restart => temporary, type => supervisor, shutdown => infinity}].

%% @doc The send path (lager's dispatch_log + do_log_impl), run in the calling process.
%% As lager's dispatch_log, it first looks for the manager: with none (killed and not yet
%% restarted, or gone for good after fx_log_sup gave up) every call, whatever its level,
%% returns `{error, lager_not_running}' at once; a call that passes the level is counted
%% as dropped.
-spec log(fx_config:level(), io:format(), [term()]) -> ok | {error, lager_not_running}.
log(Level, Format, Args) ->
    case persistent_term:get(?FX_LOG_MASK, 0) band level_bit(Level) of
        0 ->
            case whereis(?FX_LOG_EVENT) of
                undefined -> {error, lager_not_running};
                _ -> ok
            end;
        _ ->
            do_log(Level, Format, Args)
    end.

%% @doc O(1): counters, two whereis, two persistent_term reads and one process_info of the
%% manager. Mode `killed' between a kill and the handlers' reinstall; `undefined' once
%% fx_log_sup has given up (lager's probe view of a node whose lager_sup is gone).
-spec stats() -> fx_log_backend:stats().
stats() ->
    C = persistent_term:get(?FX_LOG_COUNTERS),
    Mode = case {whereis(fx_log_sup), counters:get(C, ?FX_C_KILLED)} of
               {undefined, _} ->
                   undefined;
               {_, 0} ->
                   case persistent_term:get(?FX_LOG_ASYNC, false) of
                       true -> async;
                       false -> sync
                   end;
               {_, _} ->
                   killed
           end,
    #{backend => fixture,
      mode => Mode,
      queue_len => queue_len(),
      switches => counters:get(C, ?FX_C_SWITCHES),
      written => counters:get(C, ?FX_C_WRITTEN),
      dropped => counters:get(C, ?FX_C_DROPPED),
      kills => counters:get(C, ?FX_C_KILLS)}.

%% @doc Forget mask and flag; the counters stay readable until the next start.
-spec cleanup() -> ok.
cleanup() ->
    _ = persistent_term:erase(?FX_LOG_MASK),
    _ = persistent_term:erase(?FX_LOG_ASYNC),
    ok.

%%====================================================================
%% API
%%====================================================================

%% @doc lager's severity bits (include/lager.hrl): debug 128 ... emergency 1.
-spec level_bit(fx_config:level()) -> pos_integer().
level_bit(debug) -> 128;
level_bit(info) -> 64;
level_bit(notice) -> 32;
level_bit(warning) -> 16;
level_bit(error) -> 8;
level_bit(critical) -> 4;
level_bit(alert) -> 2;
level_bit(emergency) -> 1.

%% @doc The mask that lets Level and everything more severe through; `none' lets nothing.
-spec level_mask(fx_config:level() | none) -> non_neg_integer().
level_mask(none) -> 0;
level_mask(Level) -> (level_bit(Level) bsl 1) - 1.

%% @doc Format like lager's safe_format_chop: never crash the caller, truncate at 4096
%% characters, and return what lager returns - a flat character list. (A binary would be
%% about a sixth of the size; a blocked caller holds this list, and so does its event in the
%% manager's mailbox, so the list is what makes the pile-up cost what it costs under lager.)
-spec format(io:format(), [term()]) -> string().
format(Format, Args) ->
    Chars = try
                lists:flatten(io_lib:format(Format, Args, [{chars_limit, ?FX_LOG_TRUNCATION}]))
            catch
                _:_ ->
                    lists:flatten(io_lib:format("FORMAT ERROR: ~0tp ~0tp", [Format, Args],
                                                [{chars_limit, ?FX_LOG_TRUNCATION}]))
            end,
    lists:sublist(Chars, ?FX_LOG_TRUNCATION).

%% @doc lager_msg:new/5's timestamp, taken and formatted in the caller as lager does
%% (lager_util:format_time/1): {"2024-05-01", "12:00:00.123"}.
-spec datetime(integer()) -> {string(), string()}.
datetime(Us) ->
    {{Y, Mo, D}, {H, Mi, S}} = calendar:system_time_to_local_time(Us, microsecond),
    Ms = (Us div 1000) rem 1000,
    {lists:flatten(io_lib:format("~4..0b-~2..0b-~2..0b", [Y, Mo, D])),
     lists:flatten(io_lib:format("~2..0b:~2..0b:~2..0b.~3..0b", [H, Mi, S, Ms]))}.

%% @doc The manager's queue length without touching the manager: `{Len, AgeMs}', Len as a
%% handler last read it (after dequeuing a `{log, _}' event; see queue_put/2) and AgeMs
%% since then. O(1): one whereis and three counter reads, no message, no process_info, so
%% it answers at once however busy the manager is.
%% AgeMs grows while the manager handles no log event: it is idle (after a drain Len is 0)
%% or stuck in one event (a GC of a huge heap, a slow disk); since only the manager
%% dequeues, the queue is then at least Len. With no manager, or a manager without
%% handlers (between a kill and the reinstall: every event is answered at once), the
%% result is `{0, 0}'. Requires the fixture backend to have been started in this node.
-spec queue_now() -> {Len, AgeMs} when Len :: non_neg_integer(), AgeMs :: non_neg_integer().
queue_now() ->
    C = persistent_term:get(?FX_LOG_COUNTERS),
    case whereis(?FX_LOG_EVENT) =/= undefined andalso counters:get(C, ?FX_C_KILLED) =:= 0 of
        true ->
            At = counters:get(C, ?FX_C_QLEN_AT),
            {counters:get(C, ?FX_C_QLEN), max(0, erlang:monotonic_time(millisecond) - At)};
        false ->
            {0, 0}
    end.

%% @doc Publish the manager's queue length for queue_now/0; called inside the manager by
%% the handler(s) that read it anyway (throttle, killer; the file handler when it is the
%% only one). Two counter writes.
-spec queue_put(counters:counters_ref(), non_neg_integer()) -> ok.
queue_put(C, Len) ->
    counters:put(C, ?FX_C_QLEN, Len),
    counters:put(C, ?FX_C_QLEN_AT, erlang:monotonic_time(millisecond)).

%%====================================================================
%% Internal functions
%%====================================================================

do_log(Level, Format, Args) ->
    case whereis(?FX_LOG_EVENT) of
        undefined ->
            counters:add(persistent_term:get(?FX_LOG_COUNTERS), ?FX_C_DROPPED, 1),
            {error, lager_not_running};
        Pid ->
            Us = erlang:system_time(microsecond),
            Msg = #fx_log_msg{level = Level,
                              time_us = Us,
                              datetime = datetime(Us),
                              pid = self(),
                              message = format(Format, Args)},
            Event = {log, Msg},
            case persistent_term:get(?FX_LOG_ASYNC, false) of
                true ->
                    gen_event:notify(Pid, Event);
                false ->
                    %% gen_event:sync_notify waits with an infinity timeout until every
                    %% handler has seen the event. That is lager's choice (and the
                    %% incident): the caller is parked in gen:do_call/4 until the
                    %% manager gets to its message, however long the queue.
                    gen_event:sync_notify(Pid, Event)
            end,
            ok
    end.

queue_len() ->
    case whereis(?FX_LOG_EVENT) of
        undefined -> 0;
        Pid ->
            case erlang:process_info(Pid, message_queue_len) of
                {message_queue_len, Len} -> Len;
                undefined -> 0
            end
    end.
