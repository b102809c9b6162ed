%% @doc logjam_settings - the logger settings a node really runs with, read and never changed.
%%
%% logjam attaches to nodes it did not start (a team's own release); before it floods one it
%% shows what that node's logger is configured with, so a team sees the thresholds it really
%% runs and not the ones it believes it set. Everything here only reads: application env,
%% handler configs, and the state of lager's throttle and killer handlers.
%%
%% COST: `sys:get_state/2' on each lager sink is a call to the sink (a gen_event), answered
%% only between two events: on a flooded sink it waits (bounded by ?CALL_MS). Take the
%% settings before the load, as the harness does. Everything else is O(1).
-module(logjam_settings).

%% API
-export([logger/0]).

-define(CALL_MS, 1000).
-define(OTP_KEYS, [sync_mode_qlen, drop_mode_qlen, flush_qlen, burst_limit_enable,
                   burst_limit_max_count, burst_limit_window_time, overload_kill_enable,
                   overload_kill_qlen, overload_kill_mem_size, overload_kill_restart_after]).
-define(LAGER_KEYS, [async_threshold, async_threshold_window, killer_hwm,
                     killer_reinstall_after, error_logger_redirect, error_logger_hwm, handlers]).
-define(ELIXIR_KEYS, [level, sync_threshold, discard_threshold,
                      discard_threshold_periodic_check, truncate, backends,
                      handle_otp_reports, handle_sasl_reports]).

%%====================================================================
%% API
%%====================================================================

%% @doc The node's loggers as it runs them: `lager' (undefined without a running lager:
%% its env's throttle, killer and handler keys, and per sink the handlers installed and the
%% throttle's and killer's own state - what lager really applies), `otp' (the primary level and
%% every handler's id, module, level and overload settings), `elixir' (undefined unless
%% Elixir's Logger application is loaded: its env's thresholds, level and backends).
-spec logger() -> #{lager := map() | undefined, otp := map(), elixir := map() | undefined}.
logger() ->
    #{lager => lager(), otp => otp(), elixir => elixir()}.

%%====================================================================
%% Internal functions
%%====================================================================

lager() ->
    case whereis(lager_event) of
        undefined ->
            undefined;
        _ ->
            Env = application:get_all_env(lager),
            Extra = [S || {S, _} <- proplists:get_value(extra_sinks, Env, [])],
            (pick(?LAGER_KEYS, Env))#{sinks => [sink(S) || S <- [lager_event | Extra]]}
    end.

%% One sink: its handlers and, from the throttle's state (record state{sink, hwm, window_min,
%% async}), the threshold and window it applies; the killer's (state{killer_hwm,
%% killer_reinstall_after}) likewise; `async' is the flag callers read on every log call.
sink(Sink) ->
    Handlers = try sys:get_state(Sink, ?CALL_MS)
               catch _:_ -> unknown
               end,
    Base = #{sink => Sink,
             async => lager_flag(Sink)},
    case Handlers of
        unknown ->
            Base#{handlers => unknown};
        List when is_list(List) ->
            lists:foldl(fun handler/2,
                        Base#{handlers => [term_bin(Id) || {_, Id, _} <- List]}, List);
        _ ->
            Base#{handlers => unknown}
    end.

handler({lager_backend_throttle, _, {state, _, Hwm, Window, _}}, M) ->
    M#{async_threshold => Hwm, async_threshold_window => Hwm - Window};
handler({lager_manager_killer, _, {state, Hwm, After}}, M) ->
    M#{killer_hwm => Hwm, killer_reinstall_after => After};
handler(_, M) ->
    M.

lager_flag(Sink) ->
    try lager_config:get({Sink, async}, undefined)
    catch _:_ -> undefined
    end.

otp() ->
    Primary = logger:get_primary_config(),
    Handlers = [#{id => Id, module => Mod,
                  level => maps:get(level, H, undefined),
                  overload => pick(?OTP_KEYS, maps:to_list(maps:get(config, H, #{})))}
                || #{id := Id, module := Mod} = H <- logger:get_handler_config()],
    #{level => maps:get(level, Primary, undefined), handlers => Handlers}.

elixir() ->
    case lists:keymember(logger, 1, application:loaded_applications()) of
        true -> pick(?ELIXIR_KEYS, application:get_all_env(logger));
        false -> undefined
    end.

%% The keys of Keys that Proplist has, as a map, each value made printable.
pick(Keys, Proplist) ->
    maps:from_list([{K, printable(V)} || {K, V} <- Proplist, lists:member(K, Keys)]).

printable(V) when is_integer(V); is_atom(V); is_binary(V) -> V;
printable(V) -> term_bin(V).

term_bin(T) -> iolist_to_binary(io_lib:format("~0p", [T])).
