%% @doc Supervisor of the fixture logger: the gen_event manager and its handler watcher.
%%
%% rest_for_one, manager first: when the manager dies (the killer has it killed, as
%% lager_manager_killer does) the supervisor restarts it and then restarts the watcher,
%% whose init reinstalls the handlers into the fresh manager - immediately after a normal
%% crash, after `killer_reinstall_after' ms after a kill, as lager does. One kill is one
%% restart (rest_for_one counts the manager's exit, not the watcher it takes along).
%%
%% The restart limit is lager_sup's: 10 restarts in 60 s. The 11th kill within a minute
%% (killer_hwm under a flood) makes this supervisor give up and exit; it is a `temporary'
%% child of fx_sup (fx_log_fixture:child_specs/1), so nothing restarts it, as nothing
%% restarts lager's application once lager_sup is gone. From then on there is no manager:
%% fx_log_fixture:log/3 returns `{error, lager_not_running}' and the workers go on without
%% a logger.
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
    {ok, {#{strategy => rest_for_one, intensity => ?FX_LOG_MAX_RESTARTS,
            period => ?FX_LOG_MAX_RESTARTS_S}, [Manager, Watcher]}}.
