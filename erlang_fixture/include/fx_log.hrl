%% fx_log.hrl -- the event the fixture logger's callers send to its gen_event manager.
%% Built in the caller, as lager's do_log_impl builds a #lager_msg{}: the message is
%% already formatted; the timestamp is taken at the call.

-record(fx_log_msg, {
    level :: fx_config:level(),
    time_us :: integer(),          %% erlang:system_time(microsecond) at the call
    datetime :: {string(), string()}, %% date and time strings, formatted in the caller
    pid :: pid(),
    message :: string()            %% formatted flat list, at most ?FX_LOG_TRUNCATION chars
}).

%% lager's ?DEFAULT_TRUNCATION (include/lager.hrl).
-define(FX_LOG_TRUNCATION, 4096).

%% lager_sup's restart limit: {one_for_one, 10, 60}.
-define(FX_LOG_MAX_RESTARTS, 10).
-define(FX_LOG_MAX_RESTARTS_S, 60).

%% The registered gen_event manager of the fixture backend (lager's lager_event).
-define(FX_LOG_EVENT, fx_log_event).

%% persistent_term keys of the fixture backend.
-define(FX_LOG_MASK, {fx_log_fixture, mask}).          %% integer level mask
-define(FX_LOG_ASYNC, {fx_log_fixture, async}).        %% true | false; absent = false
-define(FX_LOG_COUNTERS, {fx_log_fixture, counters}).  %% counters:counters_ref()

%% Counter indexes.
-define(FX_C_SWITCHES, 1).
-define(FX_C_WRITTEN, 2).
-define(FX_C_DROPPED, 3).
-define(FX_C_KILLED, 4).   %% 1 between a kill and the handlers' reinstall
-define(FX_C_KILLS, 5).    %% kills of the manager so far
-define(FX_C_QLEN, 6).     %% the manager's queue as last read by one of its handlers
-define(FX_C_QLEN_AT, 7).  %% when: erlang:monotonic_time(millisecond)
-define(FX_C_SIZE, 7).
