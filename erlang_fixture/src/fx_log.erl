%% @doc The fixture's logging API: one entry point for workers, one stats call for the probe.
%%
%% Workers call `log/3' whatever logger is configured; the backend table below maps the
%% `logger_backend' env key to the module that implements the send path (`fixture': a
%% lager-3.9.2-like gen_event logger; `lager': the real lager; `otp': kernel logger;
%% `elixir': Elixir 1.14's Logger). The
%% backend module is read from persistent_term so the dispatch costs one lookup and no
%% message. `stats/0' is O(1) and never calls into the logger process, which is exactly
%% the process that is overloaded when the probe needs the numbers most.
-module(fx_log).

%% API
-export([log/3, stats/0, backend_module/1, child_specs/1, cleanup/0]).

-define(BACKEND_KEY, {?MODULE, backend}).

%%====================================================================
%% API
%%====================================================================

%% @doc Log one message at Level, formatted from Format and Args (formatting happens in
%% the backend's send path, in the calling process, only when Level passes). Returns ok
%% whatever the backend answered: a worker goes on without its line when the logger is
%% gone (`{error, lager_not_running}' from lager and the fixture), as code calling lager's
%% parse-transformed `lager:debug/2' does.
-spec log(Level, Format, Args) -> ok when
      Level :: fx_config:level(), Format :: io:format(), Args :: [term()].
log(Level, Format, Args) ->
    case persistent_term:get(?BACKEND_KEY, undefined) of
        undefined ->
            ok;
        Mod ->
            %% Not a tail call on purpose: the stack of a blocked worker must show
            %% fx_log:log/3 between gen_event:rpc/2 and fx_worker, as the incident's
            %% backtrace showed lager:do_log_impl.
            _ = Mod:log(Level, Format, Args),
            ok
    end.

%% @doc The active backend's state: mode, logger queue, switch/written/dropped/kill counters.
-spec stats() -> fx_log_backend:stats().
stats() ->
    case persistent_term:get(?BACKEND_KEY, undefined) of
        undefined ->
            #{backend => undefined, mode => undefined, queue_len => 0, switches => 0,
              written => 0, dropped => 0, kills => 0};
        Mod ->
            Mod:stats()
    end.

%% @doc The backend table: env value -> implementing module.
-spec backend_module(fixture | lager | otp | elixir) -> module().
backend_module(fixture) -> fx_log_fixture;
backend_module(lager) -> fx_log_lager;
backend_module(otp) -> fx_log_otp;
backend_module(elixir) -> fx_log_elixir.

%% @doc Publish the configured backend and return the child specs that start it.
-spec child_specs(fx_config:config()) -> [supervisor:child_spec()].
child_specs(#{logger_backend := Backend} = Config) ->
    Mod = backend_module(Backend),
    Specs = Mod:child_specs(Config),
    persistent_term:put(?BACKEND_KEY, Mod),
    Specs.

%% @doc Forget the backend (application stop): later log calls are no-ops.
-spec cleanup() -> ok.
cleanup() ->
    case persistent_term:get(?BACKEND_KEY, undefined) of
        undefined -> ok;
        Mod ->
            _ = persistent_term:erase(?BACKEND_KEY),
            Mod:cleanup()
    end.
