%% @doc Validation of the `fixture' application environment.
%%
%% The harness writes the node's sys.config from a scenario; a mistake there must stop the
%% node at boot with a reason that names the key and the value, never surface later as a
%% badmatch deep inside the logger. Every rule lives here, in one pure function, so the
%% rules can be pinned by tests without starting anything. The lager-derived rules follow
%% lager 3.9.2's `lager_app:determine_async_behavior/3': a non-integer or negative
%% threshold, and a window that is negative or larger than the threshold, are errors; a
%% window equal to the threshold is accepted (the sink then never returns to async).
-module(fx_config).

%% API
-export([load/0, validate/1, format_error/1, levels/0, find_error/1]).

-export_type([config/0, error_reason/0, level/0]).

-type level() :: debug | info | notice | warning | error | critical | alert | emergency.
-type config() :: #{atom() => term()}.
-type error_reason() :: {bad_config, Key :: atom(), Value :: term(), Why :: string()}.

-define(LEVELS, [debug, info, notice, warning, error, critical, alert, emergency]).

%% The keys the fixture reads. There are no defaults on this side: the harness writes every
%% key into the node's sys.config from its key table (harness/scenario_keys.c), so a key
%% missing here is a harness bug or a hand-made config, and the node refuses to start.
-define(KEYS, [listen_ip, listen_port, log_file, acceptors, max_connections, pool_mode, pool_size,
               logger_backend, log_level, async_threshold, async_threshold_window,
               killer_hwm, killer_reinstall_after, error_logger_redirect, error_logger_hwm,
               write_cost_us, sync_mode_qlen, drop_mode_qlen, flush_qlen,
               burst_limit_enable, burst_limit_max_count, burst_limit_window_time,
               overload_kill_enable, overload_kill_qlen, overload_kill_mem_size,
               overload_kill_restart_after, sync_threshold, discard_threshold,
               discard_threshold_periodic_check]).

%%====================================================================
%% API
%%====================================================================

%% @doc Read the application environment of `fixture' and validate it.
-spec load() -> {ok, config()} | {error, error_reason()}.
load() ->
    validate(application:get_all_env(fixture)).

%% @doc Validate an environment list; unknown keys are ignored, a missing key is an error
%% (value `missing'). The resulting map has every key, with `async_threshold_window' resolved
%% (20% of the threshold, truncated, when undefined).
-spec validate(Env :: [{atom(), term()}]) -> {ok, config()} | {error, error_reason()}.
validate(Env) when is_list(Env) ->
    Config0 = maps:with(?KEYS, maps:from_list(Env)),
    try
        lists:foreach(fun(Key) -> check_present(Key, Config0) end, ?KEYS),
        Config = resolve_window(Config0),
        check_otp_levels(Config),
        check_backend_installed(Config),
        {ok, Config}
    catch
        throw:{bad_config, _, _, _} = Reason -> {error, Reason}
    end.

%% @doc One line for a human: "async_threshold_window = 30: must not exceed ...".
-spec format_error(term()) -> string().
format_error(Reason) ->
    case find_error(Reason) of
        {bad_config, Key, Value, Why} ->
            lists:flatten(io_lib:format("~ts = ~0tp: ~ts", [Key, Value, Why]));
        undefined ->
            lists:flatten(io_lib:format("~0tp", [Reason]))
    end.

%% @doc Find a `{bad_config, ...}' term nested anywhere in an application start error.
-spec find_error(term()) -> error_reason() | undefined.
find_error({bad_config, K, _, W} = R) when is_atom(K), is_list(W) -> R;
find_error(T) when is_tuple(T) -> find_error(tuple_to_list(T));
find_error([H | T]) ->
    case find_error(H) of
        undefined -> find_error(T);
        R -> R
    end;
find_error(_) -> undefined.

%% @doc The call levels, most verbose first (lager's and syslog's names).
-spec levels() -> [level()].
levels() -> ?LEVELS.

%%====================================================================
%% Internal functions
%%====================================================================

check(listen_ip, {127, B, C, D} = V) ->
    case lists:all(fun(X) -> is_integer(X) andalso X >= 0 andalso X =< 255 end, [B, C, D]) of
        true -> ok;
        false -> bad(listen_ip, V, "must be a loopback IPv4 address tuple, e.g. {127,0,0,1}")
    end;
check(listen_ip, V) ->
    %% The fixture is a deliberately fragile server: it must never listen beyond loopback.
    bad(listen_ip, V, "must be a loopback IPv4 address tuple, e.g. {127,0,0,1}");
check(listen_port, V) -> int_range(listen_port, V, 0, 65535);
check(acceptors, V) -> int_range(acceptors, V, 1, 1024);
check(max_connections, infinity) -> ok;
check(max_connections, V) -> int_range(max_connections, V, 1, 1 bsl 59);
check(pool_mode, V) -> one_of(pool_mode, V, [spawn, bounded]);
check(pool_size, V) -> int_range(pool_size, V, 1, 1000000);
check(logger_backend, V) -> one_of(logger_backend, V, [fixture, lager, otp, elixir]);
check(log_level, V) -> one_of(log_level, V, ?LEVELS ++ [none]);
check(async_threshold, undefined) -> ok;
check(async_threshold, V) -> non_neg(async_threshold, V, "must be a non-negative integer or undefined");
check(async_threshold_window, undefined) -> ok;
check(async_threshold_window, V) ->
    non_neg(async_threshold_window, V, "must be a non-negative integer or undefined");
check(killer_hwm, undefined) -> ok;
check(killer_hwm, V) -> non_neg(killer_hwm, V, "must be a non-negative integer or undefined");
check(killer_reinstall_after, V) -> non_neg(killer_reinstall_after, V, "must be a non-negative integer (ms)");
check(error_logger_redirect, V) -> one_of(error_logger_redirect, V, [true, false]);
check(error_logger_hwm, undefined) -> ok;
check(error_logger_hwm, V) ->
    non_neg(error_logger_hwm, V, "must be a non-negative integer or undefined");
check(write_cost_us, V) -> non_neg(write_cost_us, V, "must be a non-negative integer (microseconds)");
check(log_file, V) when is_binary(V), V =/= <<>> -> ok;
check(log_file, V) ->
    case io_lib:printable_unicode_list(V) andalso V =/= [] of
        true -> ok;
        false -> bad(log_file, V, "must be a non-empty path string")
    end;
check(sync_mode_qlen, V) -> non_neg(sync_mode_qlen, V, "must be a non-negative integer");
check(drop_mode_qlen, V) -> non_neg(drop_mode_qlen, V, "must be a non-negative integer");
check(flush_qlen, V) -> non_neg(flush_qlen, V, "must be a non-negative integer");
check(burst_limit_enable, V) -> one_of(burst_limit_enable, V, [true, false]);
check(burst_limit_max_count, V) -> int_range(burst_limit_max_count, V, 1, 1 bsl 59);
check(burst_limit_window_time, V) -> int_range(burst_limit_window_time, V, 1, 1 bsl 59);
check(overload_kill_enable, V) -> one_of(overload_kill_enable, V, [true, false]);
check(overload_kill_qlen, V) -> int_range(overload_kill_qlen, V, 1, 1 bsl 59);
check(overload_kill_mem_size, V) -> int_range(overload_kill_mem_size, V, 1, 1 bsl 59);
check(sync_threshold, V) -> non_neg(sync_threshold, V, "must be a non-negative integer");
check(discard_threshold, V) -> non_neg(discard_threshold, V, "must be a non-negative integer");
check(discard_threshold_periodic_check, V) ->
    non_neg(discard_threshold_periodic_check, V, "must be a non-negative integer (ms)");
check(overload_kill_restart_after, infinity) -> ok;
check(overload_kill_restart_after, V) ->
    non_neg(overload_kill_restart_after, V, "must be a non-negative integer (ms) or infinity").

check_present(Key, Config) ->
    case maps:find(Key, Config) of
        {ok, V} -> check(Key, V);
        error -> bad(Key, missing, "missing from the fixture's environment (sys.config)")
    end.

%% lager's rules: only meaningful when a throttle is installed (threshold defined), and
%% only for the backends that have one (OTP's and Elixir's loggers read none of these keys).
resolve_window(#{logger_backend := B} = C) when B =:= otp; B =:= elixir ->
    C;
resolve_window(#{async_threshold := undefined} = C) ->
    C;
resolve_window(#{async_threshold := T, async_threshold_window := undefined} = C) ->
    C#{async_threshold_window := trunc(T * 0.2)};
resolve_window(#{async_threshold := T, async_threshold_window := W} = C) when W > T ->
    bad(async_threshold_window, W,
        lists:flatten(io_lib:format("must not exceed async_threshold (~b)", [T]))),
    C;
resolve_window(C) ->
    C.

%% OTP's logger_olp:check_opts/overload_levels_ok: sync =< drop =< flush, drop > 1.
check_otp_levels(#{logger_backend := otp, sync_mode_qlen := S, drop_mode_qlen := D,
                   flush_qlen := F}) ->
    D > 1 orelse bad(drop_mode_qlen, D, "must be greater than 1"),
    S =< D orelse bad(sync_mode_qlen, S,
                      lists:flatten(io_lib:format("must not exceed drop_mode_qlen (~b)", [D]))),
    D =< F orelse bad(drop_mode_qlen, D,
                      lists:flatten(io_lib:format("must not exceed flush_qlen (~b)", [F]))),
    ok;
check_otp_levels(_) ->
    ok.

check_backend_installed(#{logger_backend := lager}) ->
    case code:lib_dir(lager) of
        {error, _} -> bad(logger_backend, lager, "lager is not installed (Debian: erlang-lager)");
        _ -> ok
    end;
check_backend_installed(#{logger_backend := elixir}) ->
    case code:which('Elixir.Logger') of
        non_existing ->
            bad(logger_backend, elixir,
                "Elixir's Logger is not on the code path (Debian: elixir, 1.14)");
        _ -> ok
    end;
check_backend_installed(_) ->
    ok.

non_neg(_Key, V, _Why) when is_integer(V), V >= 0 -> ok;
non_neg(Key, V, Why) -> bad(Key, V, Why).

int_range(_Key, V, Lo, Hi) when is_integer(V), V >= Lo, V =< Hi -> ok;
int_range(Key, V, Lo, Hi) ->
    bad(Key, V, lists:flatten(io_lib:format("must be an integer in ~b..~b", [Lo, Hi]))).

one_of(Key, V, Allowed) ->
    case lists:member(V, Allowed) of
        true -> ok;
        false ->
            Names = lists:join(" | ", [atom_to_list(A) || A <- Allowed]),
            bad(Key, V, lists:flatten(["must be one of ", Names]))
    end.

-spec bad(atom(), term(), string()) -> no_return().
bad(Key, Value, Why) ->
    throw({bad_config, Key, Value, Why}).
