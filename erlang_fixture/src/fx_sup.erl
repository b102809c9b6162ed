%% @doc Top supervisor of the fixture: logger, then pool, then listener.
%%
%% Start order is dependency order: workers log, connections submit to the pool, and the
%% listener - whose bound port tells the harness the node is ready - comes last, so that
%% readiness means the whole node is up.
-module(fx_sup).
-behaviour(supervisor).

%% API
-export([start_link/1]).
%% supervisor callbacks
-export([init/1]).

%%====================================================================
%% API
%%====================================================================

-spec start_link(fx_config:config()) -> supervisor:startlink_ret().
start_link(Config) ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, Config).

%%====================================================================
%% supervisor callbacks
%%====================================================================

-spec init(fx_config:config()) ->
          {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}}.
init(Config) ->
    Logger = fx_log:child_specs(Config),
    Pool = #{id => fx_pool, start => {fx_pool, start_link, [Config]},
             shutdown => 5000, type => worker},
    Listener = #{id => fx_listener, start => {fx_listener, start_link, [Config]},
                 shutdown => infinity, type => supervisor},
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          Logger ++ [Pool, Listener]}}.
