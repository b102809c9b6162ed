%% @doc The `fixture' application: validate the environment, start the supervision tree.
%%
%% Validation happens here, before anything starts, so a bad sys.config stops the node at
%% boot with `{bad_config, Key, Value, Why}' (fx_boot prints it as one line) instead of
%% half-starting a logger with a nonsensical threshold.
-module(fx_app).
-behaviour(application).

%% application callbacks
-export([start/2, prep_stop/1, stop/1]).

%%====================================================================
%% application callbacks
%%====================================================================

-spec start(application:start_type(), term()) -> {ok, pid()} | {error, term()}.
start(_Type, _Args) ->
    case fx_config:load() of
        {ok, Config} -> fx_sup:start_link(Config);
        {error, Reason} -> {error, Reason}
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
