%% @doc Backend `otp': OTP's own logger with a logger_std_h file handler, so lager's
%% switch can be compared with logger_olp's modes (async / sync / drop / flush) under the
%% same load.
%%
%% Workers call `logger:log/3': the primary and handler level checks, formatting in the
%% caller, then logger_olp's cast (async), 5 s call (sync) or nothing (drop). The handler
%% `fx_otp_h' gets the overload keys from the fixture env under OTP's own names and
%% defaults. The primary level is set to `log_level' for as long as the backend runs;
%% the console `default' handler is held at `notice' meanwhile, so a debug flood goes to
%% the file and not into the harness's stdout pipe. Both are restored on stop.
%% When a sys.config's `kernel' section configures logger_std_h / logger_disk_log_h
%% handlers of its own (ids other than `default'; logjam's `--sys-config'), kernel has
%% installed them at boot: the first is watched as it is, and `fx_otp_h' is not added.
%% Switches and kills are sampled by fx_log_poll (lower bounds); the handler does not
%% expose how many lines it wrote or dropped, so `written' and `dropped' (beyond kills)
%% are not available here.
-module(fx_log_otp).
-behaviour(fx_log_backend).
%% Implements the fx_log_backend callbacks (see fx_log_fixture for why no -behaviour).

%% fx_log_backend callbacks
-export([child_specs/1, log/3, stats/0, cleanup/0]).
%% API
-export([sample/0]).

-define(HANDLER, fx_otp_h).
-define(OLP_NAME, logger_std_h_fx_otp_h).      %% logger_h_common's registered name
-define(SAVED_KEY, {?MODULE, saved_levels}).
-define(OLP_KEY, {?MODULE, olp_name}).          %% the handler process sample/0 watches
-define(OLP_KEYS, [sync_mode_qlen, drop_mode_qlen, flush_qlen, burst_limit_enable,
                   burst_limit_max_count, burst_limit_window_time, overload_kill_enable,
                   overload_kill_qlen, overload_kill_mem_size, overload_kill_restart_after]).

%%====================================================================
%% fx_log_backend callbacks
%%====================================================================

-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
child_specs(#{log_level := Level} = Config) ->
    _ = logger:remove_handler(?HANDLER),
    #{level := Primary} = logger:get_primary_config(),
    Default = case logger:get_handler_config(default) of
                  {ok, #{level := L}} -> L;
                  _ -> undefined
              end,
    persistent_term:put(?SAVED_KEY, {Primary, Default}),
    case user_handler() of
        undefined ->
            persistent_term:put(?OLP_KEY, ?OLP_NAME),
            add_handler(Level, Config, Default);
        {Module, Id} ->
            %% A sys.config (--sys-config) configured kernel's logger handlers: kernel
            %% installed them at boot with the user's overload settings, and they are what
            %% is measured - no handler of ours beside them. The primary level is the
            %% scenario's unless that file sets `logger_level' too.
            persistent_term:put(?OLP_KEY, reg_name(Module, Id)),
            _ = Level =/= none andalso application:get_env(kernel, logger_level) =:= undefined
                andalso logger:set_primary_config(level, Level),
            ok
    end,
    RestartAfter = case maps:get(overload_kill_restart_after, Config) of
                       infinity -> 0;
                       Ms -> Ms
                   end,
    [#{id => fx_log_poll,
       start => {fx_log_poll, start_link, [{fun ?MODULE:sample/0, RestartAfter}]},
       type => worker}].

-spec log(fx_config:level(), io:format(), [term()]) -> ok.
log(Level, Format, Args) ->
    logger:log(Level, Format, Args).

-spec stats() -> fx_log_backend:stats().
stats() ->
    {Mode, _Pid, QLen} = sample(),
    fx_log_poll:stats(otp, Mode, QLen).

-spec cleanup() -> ok.
cleanup() ->
    _ = logger:remove_handler(?HANDLER),
    _ = persistent_term:erase(?OLP_KEY),
    case persistent_term:get(?SAVED_KEY, undefined) of
        undefined ->
            ok;
        {Primary, Default} ->
            _ = persistent_term:erase(?SAVED_KEY),
            ok = logger:set_primary_config(level, Primary),
            _ = Default =/= undefined andalso
                logger:update_handler_config(default, level, Default),
            ok
    end.

%%====================================================================
%% API
%%====================================================================

%% @doc {Mode, handler process, its queue}: logger_olp's mode (persistent_term, written
%% by the handler on every change) and a process_info. O(1), no call into the handler.
-spec sample() -> {async | sync | drop | flush | undefined, pid() | undefined,
                   non_neg_integer()}.
sample() ->
    Name = persistent_term:get(?OLP_KEY, ?OLP_NAME),
    case whereis(Name) of
        undefined ->
            {undefined, undefined, 0};
        Pid ->
            Mode = persistent_term:get({logger_olp, Name}, async),
            case erlang:process_info(Pid, message_queue_len) of
                {message_queue_len, Len} -> {Mode, Pid, Len};
                undefined -> {Mode, undefined, 0}
            end
    end.

%%====================================================================
%% Internal functions
%%====================================================================

add_handler(none, _Config, _Default) ->
    ok;
add_handler(Level, #{log_file := File} = Config, Default) ->
    ok = logger:set_primary_config(level, Level),
    _ = Default =/= undefined andalso
        logger:update_handler_config(default, level, quieter(Default, notice)),
    HConfig = #{level => Level,
                config => maps:merge(maps:with(?OLP_KEYS, Config),
                                     #{type => file, file => to_list(File)}),
                formatter => {logger_formatter,
                              #{single_line => true,
                                template => [time, " [", level, "] ", pid, " ",
                                             msg, "\n"]}}},
    case logger:add_handler(?HANDLER, logger_std_h, HConfig) of
        ok -> ok;
        {error, Reason} -> exit({otp_handler_failed, Reason})
    end.

%% The first logger_std_h / logger_disk_log_h handler with an id other than `default'
%% that the kernel env (a sys.config's `kernel' section) configures; undefined if none.
%% kernel always lists `default' there itself, so a `default' entry says nothing.
user_handler() ->
    case [{M, Id} || {handler, Id, M, _} <- application:get_env(kernel, logger, []),
                     Id =/= default, M =:= logger_std_h orelse M =:= logger_disk_log_h] of
        [First | _] -> First;
        [] -> undefined
    end.

%% logger_h_common registers a handler's process as <Module>_<Id>.
reg_name(Module, Id) ->
    list_to_atom(lists:concat([Module, "_", Id])).

%% The less verbose of two logger levels.
quieter(A, B) ->
    case logger:compare_levels(A, B) of
        lt -> B;
        _ -> A
    end.

to_list(B) when is_binary(B) -> unicode:characters_to_list(B);
to_list(L) -> L.
