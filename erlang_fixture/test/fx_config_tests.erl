%% @doc Tests of the environment rules: lager's threshold/window rules, the enums, and
%% that a bad sys.config stops the application (and the node) with a readable reason.
-module(fx_config_tests).

-include("fx_test.hrl").

error_key(Env) ->
    {error, {bad_config, Key, _Value, Why}} = fx_config:validate(test_env(Env)),
    ?assert(is_list(Why)),
    Key.

defaults_are_valid_test() ->
    {ok, C} = fx_config:validate(test_env()),
    ?assertMatch(#{listen_ip := {127, 0, 0, 1}, listen_port := 0, acceptors := 16,
                   pool_mode := spawn, pool_size := 100, logger_backend := fixture,
                   async_threshold := 20, async_threshold_window := 4,
                   killer_hwm := undefined, killer_reinstall_after := 5000,
                   error_logger_redirect := true, error_logger_hwm := 50,
                   write_cost_us := 0}, C).

window_default_is_20_percent_truncated_test() ->
    W = fun(T) -> {ok, #{async_threshold_window := X}} =
                      fx_config:validate(test_env([{async_threshold, T}])), X end,
    ?assertEqual(4, W(20)),
    ?assertEqual(20, W(100)),
    ?assertEqual(1, W(9)),
    ?assertEqual(0, W(4)),
    ?assertEqual(0, W(0)).

explicit_window_is_kept_test() ->
    ?assertMatch({ok, #{async_threshold_window := 5}},
                 fx_config:validate(test_env([{async_threshold, 20},
                                              {async_threshold_window, 5}]))).

window_equal_to_threshold_is_accepted_test() ->
    ?assertMatch({ok, #{async_threshold_window := 20}},
                 fx_config:validate(test_env([{async_threshold, 20},
                                              {async_threshold_window, 20}]))).

undefined_threshold_ignores_window_test() ->
    ?assertMatch({ok, #{async_threshold := undefined}},
                 fx_config:validate(test_env([{async_threshold, undefined},
                                              {async_threshold_window, 50}]))).

window_above_threshold_is_an_error_test() ->
    ?assertEqual(async_threshold_window,
                 error_key([{async_threshold, 20}, {async_threshold_window, 21}])).

negative_values_are_errors_test() ->
    ?assertEqual(async_threshold, error_key([{async_threshold, -1}])),
    ?assertEqual(async_threshold_window,
                 error_key([{async_threshold, 20}, {async_threshold_window, -1}])),
    ?assertEqual(killer_hwm, error_key([{killer_hwm, -5}])),
    ?assertEqual(write_cost_us, error_key([{write_cost_us, -1}])),
    ?assertEqual(killer_reinstall_after, error_key([{killer_reinstall_after, -1}])),
    ?assertEqual(error_logger_hwm, error_key([{error_logger_hwm, -1}])).

non_integer_threshold_is_an_error_test() ->
    ?assertEqual(async_threshold, error_key([{async_threshold, 2.5}])),
    ?assertEqual(async_threshold, error_key([{async_threshold, "20"}])),
    ?assertEqual(async_threshold, error_key([{async_threshold, infinity}])).

bad_enums_are_errors_test() ->
    ?assertEqual(log_level, error_key([{log_level, verbose}])),
    ?assertEqual(error_logger_redirect, error_key([{error_logger_redirect, yes}])),
    ?assertEqual(pool_mode, error_key([{pool_mode, pooled}])),
    ?assertEqual(logger_backend, error_key([{logger_backend, syslog}])),
    ?assertEqual(pool_size, error_key([{pool_size, 0}])),
    ?assertEqual(acceptors, error_key([{acceptors, 0}])).

listen_ip_must_be_loopback_test() ->
    ?assertEqual(listen_ip, error_key([{listen_ip, {0, 0, 0, 0}}])),
    ?assertEqual(listen_ip, error_key([{listen_ip, {10, 0, 0, 1}}])),
    ?assertMatch({ok, _}, fx_config:validate(test_env([{listen_ip, {127, 0, 0, 2}}]))).

otp_levels_must_be_ordered_test() ->
    ?assertEqual(sync_mode_qlen, error_key([{logger_backend, otp}, {sync_mode_qlen, 300}])),
    ?assertEqual(drop_mode_qlen, error_key([{logger_backend, otp}, {drop_mode_qlen, 2000}])),
    ?assertMatch({ok, _},
                 fx_config:validate(test_env([{logger_backend, otp}, {sync_mode_qlen, 200}]))).

%% The window rule is lager's throttle: OTP's logger reads neither key.
%% Elixir's keys: non-negative integers (ms for the check); lager's rules do not apply.
elixir_keys_test() ->
    ?assertEqual(sync_threshold, error_key([{sync_threshold, -1}])),
    ?assertEqual(discard_threshold, error_key([{discard_threshold, infinity}])),
    ?assertEqual(discard_threshold_periodic_check,
                 error_key([{discard_threshold_periodic_check, -30000}])),
    ?assertMatch({ok, _}, fx_config:validate(test_env([{logger_backend, elixir},
                                                       {async_threshold, 20},
                                                       {async_threshold_window, 30},
                                                       {sync_threshold, 10000},
                                                       {discard_threshold, 10000}]))).

otp_ignores_the_throttle_keys_test() ->
    ?assertMatch({ok, _}, fx_config:validate(test_env([{logger_backend, otp},
                                                       {async_threshold, 20},
                                                       {async_threshold_window, 30}]))).

%% No defaults on this side: every key comes from the sys.config the harness writes.
missing_key_is_an_error_test() ->
    [?assertEqual({error, {bad_config, K, missing,
                           "missing from the fixture's environment (sys.config)"}},
                  fx_config:validate(lists:keydelete(K, 1, test_env())))
     || {K, _} <- test_env()],
    ?assertMatch({error, {bad_config, _, missing, _}}, fx_config:validate([])).

level_none_is_valid_test() ->
    ?assertMatch({ok, #{log_level := none}}, fx_config:validate(test_env([{log_level, none}]))).

format_error_names_key_and_value_test() ->
    {error, R} = fx_config:validate(test_env([{async_threshold, 20},
                                              {async_threshold_window, 30}])),
    Line = fx_config:format_error({fixture, {R, {fx_app, start, [normal, []]}}}),
    ?assertEqual("async_threshold_window = 30: must not exceed async_threshold (20)", Line).

application_refuses_bad_config_test() ->
    stop_app(),
    ok = application:load(fixture),
    [ok = application:set_env(fixture, K, V) || {K, V} <- test_env([{pool_mode, pooled}])],
    try
        {error, Reason} = application:ensure_all_started(fixture),
        ?assertMatch({bad_config, pool_mode, pooled, _}, fx_config:find_error(Reason)),
        ?assertEqual(undefined, whereis(fx_sup))
    after
        stop_app()
    end.

%% The node itself, as the harness starts it (without distribution): a bad key prints one
%% line on stderr and halts with status 3; a good node halts with 0 when stdin closes.
node_boot_test_() ->
    {timeout, 60, fun node_boot/0}.

node_boot() ->
    %% Bad: stdin stays open (a pipe from this port) so the halt is the boot's, not eof's.
    Log = tmp_log_file(),
    Bad = open_node(Log, ["-fixture", "async_threshold_window", "30"],
                    [exit_status, stderr_to_stdout]),
    {Lines, Status} = collect(Bad, []),
    ?assertEqual(3, Status),
    ?assert(lists:member(<<"fixture: failed to start: async_threshold_window = 30: "
                           "must not exceed async_threshold (20)">>, Lines)),
    %% Good: wait until it is up, close its stdin, see the OS process go away.
    Port = open_node(Log, ["-eval", "io:format(\"ready ~p~n\", "
                               "[application:get_env(fixture, http_port)])"], []),
    {os_pid, OsPid} = erlang:port_info(Port, os_pid),
    receive
        {Port, {data, {eol, <<"ready {ok,", _/binary>>}}} -> ok
    after ?WAIT_MS ->
            os:cmd("kill -9 " ++ integer_to_list(OsPid)),
            erlang:error(node_not_ready)
    end,
    port_close(Port),
    Alive = fun() ->
                    os:cmd("kill -0 " ++ integer_to_list(OsPid) ++ " 2>/dev/null; echo $?")
                        =:= "0\n"
            end,
    ok = wait_until(fun() -> not Alive() end),
    remove_tmp_log(Log).

%% The node reads a sys.config with the whole env, as the harness writes one.
open_node(Log, Extra, Opts) ->
    Ebin = filename:dirname(code:which(fx_boot)),
    Config = filename:join(filename:dirname(Log), "sys.config"),
    ok = filelib:ensure_dir(Config),
    ok = file:write_file(Config, io_lib:format("~p.~n", [[{fixture, test_env([{log_file, Log}])}]])),
    Probe = filename:dirname(code:which(logjam_probe)),  % the fixture needs it, as in node.c
    Args = ["-noshell", "-pa", Ebin, "-pa", Probe, "-config", Config]
        ++ ["-s", "fx_boot", "start"] ++ Extra,
    open_port({spawn_executable, os:find_executable("erl")},
              [{args, Args}, binary, {line, 1024}, use_stdio | Opts]).

collect(Port, Acc) ->
    receive
        {Port, {data, {eol, Line}}} -> collect(Port, [Line | Acc]);
        {Port, {data, {noeol, Line}}} -> collect(Port, [Line | Acc]);
        {Port, {exit_status, Status}} -> {lists:reverse(Acc), Status}
    after 30000 ->
            port_close(Port),
            erlang:error({node_did_not_exit, lists:reverse(Acc)})
    end.
