%% @doc Tests that the fixture publishes its numbers to logjam_probe (fx_app registers the
%% probe's sources at start): hello/0 and snapshot/0 report the fixture's port, backend,
%% logger, pool and connections although the probe names no fx_* module.
-module(fx_app_tests).

-include("fx_test.hrl").

probe_sources_test_() ->
    {setup, fun() -> start_app([{pool_mode, bounded}, {pool_size, 3}]) end,
     fun(_) -> stop_app() end,
     fun(_) ->
             fun() ->
                     {ok, Port} = application:get_env(fixture, http_port),
                     ?assertMatch(#{fixture_port := Port, logger_backend := fixture},
                                  logjam_probe:hello()),
                     S = http_connect(),
                     ok = wait_until(fun() -> fx_listener:connections() =:= 1 end),
                     Snap = logjam_probe:snapshot(),
                     ?assertEqual(fx_log:stats(), maps:get(logger, Snap)),
                     ?assertMatch(#{backend := fixture}, maps:get(logger, Snap)),
                     ?assertEqual(#{mode => bounded, busy => 0, queued => 0},
                                  maps:get(pool, Snap)),
                     ?assertEqual(1, maps:get(connections, Snap)),
                     ok = gen_tcp:close(S)
             end
     end}.
