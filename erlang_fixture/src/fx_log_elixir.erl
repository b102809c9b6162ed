%% @doc Backend `elixir': Elixir 1.14's Logger (Debian's `elixir' package), so the incident
%% can be replayed under Elixir's rules: `sync_threshold', `discard_threshold' and
%% `discard_threshold_periodic_check', decided in the caller.
%%
%% Workers take the runtime path `Logger.debug/2' and friends expand to in 1.14:
%% `Logger.__should_log__/2' (the level check), then `Logger.__do_log__/4', which goes
%% through OTP's `logger' into the handler `Logger.Handler.log/2' in the calling process.
%% There the caller bumps a shared counter and compares it with the thresholds: at or above
%% `discard_threshold' the message is dropped in the caller, at or above `sync_threshold' it
%% is sent with `gen_event:sync_notify' (the caller waits in `gen_event:rpc/2' on the
%% `Logger' process), else with `gen_event:notify'. `Logger.Config', a handler inside
%% `Logger', resets the counter to `Logger''s own message_queue_len on every event and every
%% `discard_threshold_periodic_check'.
%%
%% The file sink is Elixir's own `:console' backend with `device' set to a file opened here
%% and registered as ?DEVICE (1.14 ships no file backend; `:console' accepts any registered
%% io device). Like lager_file_backend it formats every line inside the logger process and
%% writes it from there; it sends the write to the file's io server and keeps up to
%% `max_buffer' (32) lines while one write is outstanding.
%%
%% On a node logjam starts, the keys arrive as the `logger' application's section of its
%% sys.config (Elixir's application is named `logger', like kernel's env key `logger',
%% which is a different thing: kernel's key lives in the `kernel' section). A user's own
%% sys.config comes after it, so its keys win.
%%
%% The module is also a Logger backend (gen_event handler, added with
%% `Logger.add_backend/1') that only counts the events it sees from Elixir's API: lines
%% delivered. Logger counts nothing it discards, so `dropped' is derived: calls that passed
%% the level and returned, less lines delivered, less the counter (what is still queued).
%% Exact once Logger has drained; during a flood it can be a few off either way (a caller
%% that bumped the counter just before Logger reset it, and sent just after, is missing
%% from the counter until the next event), so it is not latched. Switches and kills are
%% sampled by fx_log_poll.
-module(fx_log_elixir).
-behaviour(fx_log_backend).
-behaviour(gen_event).

%% fx_log_backend callbacks
-export([child_specs/1, log/3, stats/0, cleanup/0]).
%% gen_event callbacks (the counting backend inside `Logger')
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2, code_change/3]).
%% API
-export([sample/0]).

-define(LOGGER, 'Elixir.Logger').
-define(DEVICE, fx_log_elixir_file).       %% the registered io device the console writes to
-define(COUNTERS_KEY, {?MODULE, counters}).
-define(OWNER_KEY, {?MODULE, device_owner}).
-define(C_PASSED, 1).     %% calls that passed the level check
-define(C_DELIVERED, 2).  %% Elixir API events that reached Logger's handlers
-define(FORMAT, <<"$date $time $metadata[$level] $message\n">>).

%%====================================================================
%% fx_log_backend callbacks
%%====================================================================

-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
child_specs(#{log_file := File} = Config) ->
    _ = application:stop(logger),
    _ = application:unload(logger),
    ok = application:load(logger),
    persistent_term:put(?COUNTERS_KEY, counters:new(2, [atomics])),
    %% A node logjam starts has a `logger' section with the console's device (harness/
    %% node.c), and a user's sys.config may change any of it. Otherwise (EUnit) the env is
    %% derived from the fixture's keys.
    _ = configured_by_sys_config() orelse
        [application:set_env(logger, K, V) || {K, V} <- logger_env(Config)],
    persistent_term:put(?OWNER_KEY, open_device(File)),
    case application:ensure_all_started(logger) of
        {ok, _} -> ok;
        {error, Reason} -> exit({elixir_logger_failed_to_start, Reason})
    end,
    {ok, _} = ?LOGGER:add_backend(?MODULE),
    [#{id => fx_log_poll,
       start => {fx_log_poll, start_link, [{fun ?MODULE:sample/0, 0}]},
       type => worker}].

%% @doc Elixir's runtime path for `Logger.<level>(message)': the message is built (an
%% interpolated binary) only once the level passes, as the macro does.
-spec log(fx_config:level(), io:format(), [term()]) -> ok.
log(Level, Format, Args) ->
    case ?LOGGER:'__should_log__'(Level, ?MODULE) of
        nil ->
            ok;
        ErlLevel ->
            Msg = unicode:characters_to_binary(io_lib:format(Format, Args)),
            _ = ?LOGGER:'__do_log__'(ErlLevel, Msg,
                                     #{mfa => {?MODULE, log, 3}, file => ?FILE, line => ?LINE},
                                     #{}),
            %% Counted once the call returned (which also keeps this frame on a blocked
            %% worker's stack): a call still on its way to the counter is never taken for
            %% a discard.
            counters:add(persistent_term:get(?COUNTERS_KEY), ?C_PASSED, 1)
    end.

-spec stats() -> fx_log_backend:stats().
stats() ->
    %% Read in this order: a call counted in Passed had sent its event (or dropped it)
    %% before the counter is read, and an event delivered since is in Delivered, read last.
    C = persistent_term:get(?COUNTERS_KEY),
    Passed = counters:get(C, ?C_PASSED),
    {Mode, _Pid, Counter} = sample(),
    Delivered = counters:get(C, ?C_DELIVERED),
    Stats = fx_log_poll:stats(elixir, Mode, Counter),
    Dropped = max(0, Passed - Delivered - Counter),
    Stats#{written := Delivered, dropped := maps:get(dropped, Stats) + Dropped}.

-spec cleanup() -> ok.
cleanup() ->
    %% As fx_log_lager: called inside the application controller's stop of `fixture', so
    %% Elixir's Logger is stopped by another process, not waited for: the file's owner,
    %% which closes the file only once Logger has stopped.
    case persistent_term:get(?OWNER_KEY, undefined) of
        undefined -> ok;
        Owner -> _ = persistent_term:erase(?OWNER_KEY), Owner ! stop, ok
    end.

%%====================================================================
%% API
%%====================================================================

%% @doc {Mode, Logger pid, counter}: what the next caller would do, from the counter and
%% thresholds the callers read themselves (the handler's config in logger's ETS table;
%% `logger:get_handler_config/1' hides the counter). `drop' is Elixir's discard. O(1): one
%% ETS lookup, one counter read, one whereis; nothing is asked of `Logger'.
-spec sample() -> {async | sync | drop | undefined, pid() | undefined, non_neg_integer()}.
sample() ->
    Pid = whereis(?LOGGER),
    case catch logger_config:get(logger, ?LOGGER) of
        {ok, #{config := #{counter := Ref, thresholds := {Sync, Discard}}}} ->
            V = counters:get(Ref, 1),
            Mode = if V + 1 >= Discard -> drop;
                      V + 1 >= Sync -> sync;
                      true -> async
                   end,
            {Mode, Pid, max(V, 0)};
        _ ->
            {undefined, Pid, 0}
    end.

%%====================================================================
%% gen_event callbacks
%%====================================================================

-spec init(term()) -> {ok, counters:counters_ref()}.
init(_) ->
    {ok, persistent_term:get(?COUNTERS_KEY)}.

%% Events from Elixir's API carry domain [elixir | _] (Logger.__do_log__ adds it);
%% Logger.Config's own warnings and OTP reports do not.
-spec handle_event(term(), C) -> {ok, C} when C :: counters:counters_ref().
handle_event({_Level, _Gl, {?LOGGER, _Msg, _Ts, Md}}, C) ->
    _ = case lists:keyfind(domain, 1, Md) of
            {domain, [elixir | _]} -> counters:add(C, ?C_DELIVERED, 1);
            _ -> ok
        end,
    {ok, C};
handle_event(_Event, C) ->
    {ok, C}.

-spec handle_call(term(), C) -> {ok, ok, C} when C :: counters:counters_ref().
handle_call(_Request, C) ->
    {ok, ok, C}.

-spec handle_info(term(), C) -> {ok, C} when C :: counters:counters_ref().
handle_info(_Info, C) ->
    {ok, C}.

-spec terminate(term(), term()) -> ok.
terminate(_Reason, _C) ->
    ok.

-spec code_change(term(), C, term()) -> {ok, C} when C :: counters:counters_ref().
code_change(_Old, C, _Extra) ->
    {ok, C}.

%%====================================================================
%% Internal functions
%%====================================================================

configured_by_sys_config() ->
    proplists:is_defined(device, application:get_env(logger, console, [])).

logger_env(#{log_level := Level, sync_threshold := S, discard_threshold := D,
             discard_threshold_periodic_check := P}) ->
    [{level, Level}, {sync_threshold, S}, {discard_threshold, D},
     {discard_threshold_periodic_check, P}, {console, console_env()}].

%% The `console' env (harness/scenario_backend.c writes the same terms into sys.config):
%% the file device, a lager-like line (date, time, pid, level, message), no colours.
console_env() ->
    [{device, ?DEVICE}, {format, ?FORMAT}, {metadata, [pid]}, {colors, [{enabled, false}]}].

%% The process that opens File and registers it as ?DEVICE; it holds the file (an io
%% server is linked to its opener) until cleanup/0 asks it to stop Elixir's Logger, then
%% closes it. It leaves the fixture's group (group leader `user'): stopping `fixture'
%% kills every process of its group, and Logger outlives the fixture by a moment.
open_device(File) ->
    Parent = self(),
    {Owner, Ref} =
        spawn_monitor(fun() ->
                              _ = is_pid(whereis(user)) andalso
                                  group_leader(whereis(user), self()),
                              ok = filelib:ensure_dir(File),
                              {ok, Dev} = file:open(File, [append, {encoding, utf8}]),
                              true = register(?DEVICE, Dev),
                              Parent ! {self(), opened},
                              receive stop -> ok end,
                              _ = application:stop(logger),
                              ok = file:close(Dev)
                      end),
    receive
        {Owner, opened} -> erlang:demonitor(Ref, [flush]), Owner;
        {'DOWN', Ref, process, Owner, Reason} -> exit({elixir_log_file, File, Reason})
    end.
