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
-export([level_bit/1, level_mask/1, format/2, datetime/1]).

%%====================================================================
%% fx_log_backend callbacks
%%====================================================================

%% @doc Publish mask and counters, clear any async flag left by an earlier run in this VM,
%% and return the supervisor of the gen_event manager and its handlers.
-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
child_specs(#{log_level := Level} = Config) ->
    persistent_term:put(?FX_LOG_COUNTERS, counters:new(?FX_C_SIZE, [atomics])),
    persistent_term:put(?FX_LOG_MASK, level_mask(Level)),
    _ = persistent_term:erase(?FX_LOG_ASYNC),
    [#{id => fx_log_sup, start => {fx_log_sup, start_link, [Config]},
       type => supervisor, shutdown => infinity}].

%% @doc The send path (lager's dispatch_log + do_log_impl), run in the calling process.
-spec log(fx_config:level(), io:format(), [term()]) -> ok.
log(Level, Format, Args) ->
    case persistent_term:get(?FX_LOG_MASK, 0) band level_bit(Level) of
        0 -> ok;
        _ -> do_log(Level, Format, Args)
    end.

%% @doc O(1): counters, two persistent_term reads and one process_info of the manager.
-spec stats() -> fx_log_backend:stats().
stats() ->
    C = persistent_term:get(?FX_LOG_COUNTERS),
    Mode = case counters:get(C, ?FX_C_KILLED) of
               0 ->
                   case persistent_term:get(?FX_LOG_ASYNC, false) of
                       true -> async;
                       false -> sync
                   end;
               _ -> killed
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

%%====================================================================
%% Internal functions
%%====================================================================

do_log(Level, Format, Args) ->
    case whereis(?FX_LOG_EVENT) of
        undefined ->
            %% Between a kill and the supervisor's restart there is no manager: lager
            %% returns {error, lager_not_running}; we count the event as dropped.
            counters:add(persistent_term:get(?FX_LOG_COUNTERS), ?FX_C_DROPPED, 1);
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
            end
    end,
    ok.

queue_len() ->
    case whereis(?FX_LOG_EVENT) of
        undefined -> 0;
        Pid ->
            case erlang:process_info(Pid, message_queue_len) of
                {message_queue_len, Len} -> Len;
                undefined -> 0
            end
    end.
