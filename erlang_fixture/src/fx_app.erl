%% @doc The `fixture' application: validate the environment, start the supervision tree.
%%
%% Validation happens here, before anything starts, so a bad sys.config stops the node at
%% boot with `{bad_config, Key, Value, Why}' (fx_boot prints it as one line) instead of
%% half-starting a logger with a nonsensical threshold.
-module(fx_app).
-behaviour(application).

%% application callbacks
-export([start/2, prep_stop/1, stop/1]).
%% logjam_probe source
-export([logger_backend/0]).

%%====================================================================
%% application callbacks
%%====================================================================

-spec start(application:start_type(), term()) -> {ok, pid()} | {error, term()}.
start(_Type, _Args) ->
    case fx_config:load() of
        {ok, Config} ->
            register_probe_sources(),
            fx_sup:start_link(Config);
        {error, Reason} ->
            {error, Reason}
    end.

-spec prep_stop(State) -> State.
prep_stop(State) ->
    %% Stop sending before the manager goes: later log calls become no-ops.
    fx_log:cleanup(),
    State.

%% `http_port' is left set: unset_env from here would call the application controller
%% while it is busy stopping us (a 5 s timeout). A restart overwrites it; unload clears it.
-spec stop(term()) -> ok.
stop(_State) ->
    ok.

%%====================================================================
%% logjam_probe source
%%====================================================================

%% @doc The logger backend sys.config asks for: fixture | lager | otp.
-spec logger_backend() -> atom() | undefined.
logger_backend() ->
    application:get_env(fixture, logger_backend, undefined).

%%====================================================================
%% Internal functions
%%====================================================================

%% The fixture's numbers in logjam_probe's replies; the probe knows no fx_* module.
%% Registered before the supervision tree starts, so they are there by the time the listener
%% publishes the HTTP port, the harness's signal that the node is ready. External funs:
%% each registration after the first is a no-op (the stored term is equal).
register_probe_sources() ->
    maps:foreach(fun logjam_probe:register_source/2,
                 #{logger => fun fx_log:stats/0,
                   pool => fun fx_pool:stats/0,
                   connections => fun fx_listener:connections/0,
                   fixture_port => fun fx_listener:port/0,
                   logger_backend => fun ?MODULE:logger_backend/0}).
