%% @doc Backend `lager': the real lager 3.9.2 (Debian's erlang-lager), configured from the
%% fixture's keys, so the fixture's own logger can be checked against the original.
%% On a node logjam starts, those keys arrive as the `lager' section of its sys.config,
%% where a user's own sys.config (`--sys-config') can override any of them.
%%
%% The send path is lager's own: workers call `lager:log/4', which does lager's level
%% check, formats in the caller and picks notify/sync_notify from lager_config's
%% `{lager_event, async}' flag. Configuration maps the fixture env onto lager's app env
%% before `lager' starts: async_threshold / window (undefined is unset, so lager installs
%% no throttle and every call is synchronous, as in the fixture backend), killer_hwm /
%% killer_reinstall_after, one lager_file_backend at `log_level' on `log_file', lager's
%% error_logger redirect and its hwm from the scenario, and no crash log (it would land in
%% the cwd).
%% Switches and kills are sampled by fx_log_poll (lower bounds); lager does not count
%% lines written, so `written' is 0.
-module(fx_log_lager).
-behaviour(fx_log_backend).
%% Implements the fx_log_backend callbacks (see fx_log_fixture for why no -behaviour).

%% fx_log_backend callbacks
-export([child_specs/1, log/3, stats/0, cleanup/0]).
%% API
-export([sample/0]).

%%====================================================================
%% fx_log_backend callbacks
%%====================================================================

-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
child_specs(Config) ->
    _ = application:stop(lager),
    _ = application:unload(lager),
    ok = application:load(lager),
    %% logjam writes a `lager' section into the node's sys.config (harness/node.c), and a
    %% user's own sys.config comes after it, so its keys win. Loading lager applied both;
    %% `handlers' (not in lager.app's env) says a config file configured lager, and then
    %% the env is left exactly as the files made it. Otherwise (a node without that
    %% section, e.g. the EUnit tests) it is derived from the fixture's keys.
    _ = configured_by_sys_config() orelse
        [set_lager_env(K, V) || {K, V} <- lager_env(Config)],
    case application:ensure_all_started(lager) of
        {ok, _} -> ok;
        {error, Reason} -> exit({lager_failed_to_start, Reason})
    end,
    [#{id => fx_log_poll,
       start => {fx_log_poll, start_link,
                 [{fun ?MODULE:sample/0,
                   application:get_env(lager, killer_reinstall_after, 5000)}]},
       type => worker}].

%% @doc lager's own send path; lager:log/4 returns ok or {error, lager_not_running}.
-spec log(fx_config:level(), io:format(), [term()]) -> ok.
log(Level, Format, Args) ->
    _ = lager:log(Level, [{pid, self()}], Format, Args),
    ok.

-spec stats() -> fx_log_backend:stats().
stats() ->
    {Mode, _Pid, QLen} = sample(),
    fx_log_poll:stats(lager, Mode, QLen).

-spec cleanup() -> ok.
cleanup() ->
    %% Stopped from prep_stop, i.e. inside the application controller's stop of
    %% `fixture': a nested application:stop would wait for the controller, so do it
    %% from a separate process and do not wait.
    _ = spawn(fun() -> application:stop(lager) end),
    ok.

%%====================================================================
%% API
%%====================================================================

%% @doc {Mode, lager_event pid, its queue}: lager_config's flag (persistent_term on
%% Debian's build) and a process_info. O(1), no call into lager.
-spec sample() -> {async | sync, pid() | undefined, non_neg_integer()}.
sample() ->
    Mode = case catch lager_config:get({lager_event, async}, false) of
               true -> async;
               _ -> sync
           end,
    case whereis(lager_event) of
        undefined ->
            {Mode, undefined, 0};
        Pid ->
            case erlang:process_info(Pid, message_queue_len) of
                {message_queue_len, Len} -> {Mode, Pid, Len};
                undefined -> {Mode, undefined, 0}
            end
    end.

%%====================================================================
%% Internal functions
%%====================================================================

configured_by_sys_config() ->
    application:get_env(lager, handlers) =/= undefined.

lager_env(#{log_level := Level, log_file := File, async_threshold := T,
            async_threshold_window := W, killer_hwm := Hwm,
            killer_reinstall_after := After, error_logger_redirect := Redirect,
            error_logger_hwm := ElHwm}) ->
    Handlers = case Level of
                   none -> [];
                   _ -> [{lager_file_backend, [{file, to_list(File)}, {level, Level}]}]
               end,
    [{handlers, Handlers},
     {async_threshold, T},
     {async_threshold_window, W},
     {killer_hwm, Hwm},
     {killer_reinstall_after, After},
     {error_logger_redirect, Redirect},
     {error_logger_hwm, ElHwm},
     {crash_log, false},
     {colored, false}].

%% error_logger_hwm = undefined means no limit only when set: unset, lager_app:boot/0
%% falls back to 0.
set_lager_env(error_logger_hwm, Value) ->
    application:set_env(lager, error_logger_hwm, Value);
set_lager_env(Key, undefined) ->
    application:unset_env(lager, Key);
set_lager_env(Key, Value) ->
    application:set_env(lager, Key, Value).

to_list(B) when is_binary(B) -> unicode:characters_to_list(B);
to_list(L) -> L.
