%% fx_test.hrl -- helpers shared by the fixture's EUnit modules (test/fx_*_tests.erl).
%% Waiting is always on a condition with a deadline, never a sleep-to-settle.

-include_lib("eunit/include/eunit.hrl").

-compile({nowarn_unused_function,
          [{test_env, 0}, {test_env, 1}, {start_app, 1}, {stop_app, 0}, {wait_until, 1}, {wait_until, 2},
           {http_connect, 0}, {http_get, 2}, {http_send, 2}, {http_recv, 1},
           {tmp_log_file, 0}, {blocked_in_rpc, 1}, {worker_pids, 0}, {is_worker, 1},
           {park_manager, 0}, {recv_headers, 2},
           {wait_loop, 2}, {remove_tmp_log, 1}]}).

-define(WAIT_MS, 10000).

%% A complete `fixture' env, as the harness writes it for a scenario with no keys set (node.c
%% from harness/scenario_keys.c; test data here, the node itself has no defaults).
test_env() ->
    [{listen_ip, {127, 0, 0, 1}}, {listen_port, 0}, {log_file, "fixture.log"},
     {acceptors, 16}, {max_connections, infinity}, {pool_mode, spawn}, {pool_size, 100},
     {logger_backend, fixture}, {log_level, info},
     {async_threshold, 20}, {async_threshold_window, undefined},
     {killer_hwm, undefined}, {killer_reinstall_after, 5000},
     {error_logger_redirect, true}, {error_logger_hwm, 50}, {write_cost_us, 0},
     {sync_mode_qlen, 10}, {drop_mode_qlen, 200}, {flush_qlen, 1000},
     {burst_limit_enable, true}, {burst_limit_max_count, 500},
     {burst_limit_window_time, 1000},
     {overload_kill_enable, false}, {overload_kill_qlen, 20000},
     {overload_kill_mem_size, 3000000}, {overload_kill_restart_after, 5000},
     {sync_threshold, 20}, {discard_threshold, 500}, {discard_threshold_periodic_check, 30000}].

%% test_env() with Overrides on top.
test_env(Overrides) ->
    maps:to_list(maps:merge(maps:from_list(test_env()), maps:from_list(Overrides))).

%% Start `fixture' with Env on top of test_env() (a fresh log file in a temp dir, port 0, few
%% acceptors). application:load/1 first: set_env before load is overwritten.
start_app(Env) ->
    stop_app(),
    ok = application:load(fixture),
    Base = [{listen_port, 0}, {acceptors, 4}, {log_file, tmp_log_file()}],
    [ok = application:set_env(fixture, K, V) || {K, V} <- test_env(Base ++ Env)],
    {ok, _} = application:ensure_all_started(fixture),
    ok.

stop_app() ->
    Log = application:get_env(fixture, log_file, undefined),
    _ = application:stop(fixture),
    _ = application:unload(fixture),
    %% The lager backend stops lager asynchronously (see fx_log_lager:cleanup/0); stop
    %% it here, synchronously, before its file is removed.
    _ = application:stop(lager),
    %% Elixir's Logger is stopped by its log file's owner, which then closes the file
    %% (fx_log_elixir:cleanup/0); the next start needs the file's name free.
    ok = wait_until(fun() -> whereis(fx_log_elixir_file) =:= undefined end),
    remove_tmp_log(Log).

%% Only what tmp_log_file/0 made: /tmp/fx_eunit_<os pid>/<n>/.
remove_tmp_log(Log) when is_list(Log) ->
    Dir = filename:dirname(Log),
    case lists:prefix("/tmp/fx_eunit_", Dir) of
        true ->
            _ = file:del_dir_r(Dir),
            _ = file:del_dir(filename:dirname(Dir)),
            ok;
        false ->
            ok
    end;
remove_tmp_log(_) ->
    ok.

wait_until(Fun) ->
    wait_until(Fun, ?WAIT_MS).

wait_until(Fun, TimeoutMs) ->
    Deadline = erlang:monotonic_time(millisecond) + TimeoutMs,
    wait_loop(Fun, Deadline).

wait_loop(Fun, Deadline) ->
    case Fun() of
        true -> ok;
        false ->
            case erlang:monotonic_time(millisecond) > Deadline of
                true -> erlang:error({timeout_waiting_for, erlang:fun_info(Fun, name)});
                false ->
                    receive after 1 -> ok end,
                    wait_loop(Fun, Deadline)
            end
    end.

tmp_log_file() ->
    Dir = filename:join(["/tmp", "fx_eunit_" ++ os:getpid(),
                         integer_to_list(erlang:unique_integer([positive]))]),
    filename:join(Dir, "fixture.log").

%% A client socket that reads responses with the VM's HTTP parser.
http_connect() ->
    {ok, Port} = application:get_env(fixture, http_port),
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port,
                              [binary, {packet, http_bin}, {active, false}], 5000),
    S.

http_send(S, Path) ->
    ok = gen_tcp:send(S, ["GET ", Path, " HTTP/1.1\r\nhost: localhost\r\n\r\n"]).

%% {Status, #{HeaderName => Value}, Body}
http_recv(S) ->
    ok = inet:setopts(S, [{packet, http_bin}]),
    {ok, {http_response, _, Status, _}} = gen_tcp:recv(S, 0, ?WAIT_MS),
    Headers = recv_headers(S, #{}),
    Len = binary_to_integer(maps:get('Content-Length', Headers)),
    ok = inet:setopts(S, [{packet, raw}]),
    {ok, Body} = case Len of
                     0 -> {ok, <<>>};
                     _ -> gen_tcp:recv(S, Len, ?WAIT_MS)
                 end,
    {Status, Headers, Body}.

recv_headers(S, Acc) ->
    case gen_tcp:recv(S, 0, ?WAIT_MS) of
        {ok, {http_header, _, Name, _, Value}} -> recv_headers(S, Acc#{Name => Value});
        {ok, http_eoh} -> Acc
    end.

http_get(S, Path) ->
    http_send(S, Path),
    http_recv(S).

%% True when Pid is parked in a synchronous log call, as the incident's processes were.
blocked_in_rpc(Pid) ->
    case erlang:process_info(Pid, current_stacktrace) of
        {current_stacktrace, [{gen, do_call, 4, _}, {gen_event, rpc, 2, _} | _]} -> true;
        _ -> false
    end.

%% The pool's workers, alive now: spawn-mode workers (started as fx_worker:run/2) and bounded
%% workers (proc_lib, fx_worker:pool_loop/2). Told by how they were started, never by their
%% stack: process_info(P, current_stacktrace) shows only the top backtrace_depth (8) frames,
%% and a worker on its way to gen:do_call/4 that is loading a module (error_handler ->
%% code_server:call, as the first run of io_lib_pretty or calendar in a fresh node does) is
%% deeper than that - its fx_worker frames drop out of sight, all of them at once when every
%% worker waits for the same load. Cost: walks every process in the node (test-only).
worker_pids() ->
    [P || P <- erlang:processes(), is_worker(P)].

is_worker(P) ->
    case erlang:process_info(P, initial_call) of
        {initial_call, {fx_worker, run, 2}} -> true;
        {initial_call, {proc_lib, init_p, 5}} ->
            proc_lib:translate_initial_call(P) =:= {fx_worker, pool_loop, 2};
        _ -> false
    end.

%% Queue a `park' event on the logger's manager (fx_park_handler must be installed): once the
%% manager reaches it, it handles nothing more until it is killed. The killer's kill is
%% asynchronous (the watcher kills after the killer handler has exited, while the manager
%% goes on with its queue), so a test that wants callers still pending when the kill lands
%% parks the manager behind the event that fires the killer.
park_manager() ->
    ok = gen_event:notify(fx_log_event, park).
