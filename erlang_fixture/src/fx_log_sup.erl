%% @doc Supervisor of the fixture logger: the gen_event manager and its handler watcher.
%%
%% rest_for_one, manager first: when the manager dies (the killer has it killed, as
%% lager_manager_killer does) the supervisor restarts it and then restarts the watcher,
%% whose init reinstalls the handlers into the fresh manager - immediately after a normal
%% crash, after `killer_reinstall_after' ms after a kill, as lager does. The intensity is
%% generous because a killer with a short reinstall delay may legitimately fire often
%% under a flood; the point of the fixture is to observe that, not to give up.
-module(fx_log_sup).
-behaviour(supervisor).

-include("fx_log.hrl").

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
    Manager = #{id => ?FX_LOG_EVENT,
                start => {gen_event, start_link, [{local, ?FX_LOG_EVENT}]},
                restart => permanent,
                shutdown => 5000,
                type => worker,
                modules => dynamic},
    Watcher = #{id => fx_log_watcher,
                start => {fx_log_watcher, start_link, [Config]},
                restart => permanent,
                shutdown => 5000,
                type => worker,
                modules => [fx_log_watcher]},
    {ok, {#{strategy => rest_for_one, intensity => 100, period => 1}, [Manager, Watcher]}}.
