%% @doc The fixture's HTTP listener: owns the listen socket, supervises the acceptors.
%%
%% Like ranch_acceptors_sup, the supervisor process itself opens and owns the listen
%% socket, so the socket lives exactly as long as the acceptors that use it. It binds to
%% a loopback address only (the fixture is built to fall over; it must never be reachable
%% from outside) with a large backlog, because a load generator opens thousands of
%% connections at once. Once bound it publishes the port as the `http_port' env key of
%% `fixture', which is how logjam_probe (and so the harness) learns the node is ready.
%% max_connections caps the live connections as ranch 0.8 did (fx_acceptor): past it the
%% acceptors stop accepting and new clients wait in the backlog.
-module(fx_listener).
-behaviour(supervisor).

%% API
-export([start_link/1, connections/0, port/0]).
%% supervisor callbacks
-export([init/1]).

-define(COUNTERS_KEY, {?MODULE, counters}).
-define(BACKLOG, 4096).

%%====================================================================
%% API
%%====================================================================

-spec start_link(fx_config:config()) -> supervisor:startlink_ret().
start_link(Config) ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, Config).

%% @doc Live connection processes. O(1): a counter, not a walk.
-spec connections() -> non_neg_integer().
connections() ->
    case persistent_term:get(?COUNTERS_KEY, undefined) of
        undefined -> 0;
        C -> counters:get(C, 1)
    end.

%% @doc The bound port, or undefined before the listener is up.
-spec port() -> inet:port_number() | undefined.
port() ->
    application:get_env(fixture, http_port, undefined).

%%====================================================================
%% supervisor callbacks
%%====================================================================

-spec init(fx_config:config()) ->
          {ok, {supervisor:sup_flags(), [supervisor:child_spec()]}} | {stop, term()}.
init(#{listen_ip := Ip, listen_port := Port, acceptors := N, max_connections := Max}) ->
    Opts = [binary, {ip, Ip}, {packet, http_bin}, {active, false}, {reuseaddr, true},
            {backlog, ?BACKLOG}, {nodelay, true}, {keepalive, true}],
    case gen_tcp:listen(Port, Opts) of
        {ok, LSock} ->
            {ok, {_, Bound}} = inet:sockname(LSock),
            C = counters:new(1, [write_concurrency]),
            persistent_term:put(?COUNTERS_KEY, C),
            ok = application:set_env(fixture, http_port, Bound),
            Conns = #{id => fx_conns, start => {fx_conns, start_link, []},
                      shutdown => 5000, type => worker},
            Cap = case Max of
                      infinity -> infinity;
                      _ -> {Max, atomics:new(1, [{signed, true}])}
                  end,
            Acceptors = [#{id => {fx_acceptor, I},
                           start => {fx_acceptor, start_link, [LSock, C, Cap]},
                           shutdown => brutal_kill, type => worker}
                         || I <- lists:seq(1, N)],
            {ok, {#{strategy => one_for_one, intensity => 100, period => 1},
                  [Conns | Acceptors]}};
        {error, Reason} ->
            {stop, {listen_failed, Ip, Port, Reason}}
    end.
