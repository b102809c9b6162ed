%% @doc The behaviour every logger backend of the fixture implements.
%%
%% logjam compares loggers side by side under the same load, so the worker's log call and
%% the probe's stats call must not know which logger is behind them. A backend is one
%% module; `fx_log' picks it from a table by the `logger_backend' env key. Adding a
%% backend means one new module and one table entry in `fx_log:backend_module/1'.
-module(fx_log_backend).

-type stats() :: #{backend := atom(),
                   mode := async | sync | drop | flush | killed | undefined,
                   queue_len := non_neg_integer(),
                   switches := non_neg_integer(),
                   written := non_neg_integer(),
                   dropped := non_neg_integer(),
                   kills := non_neg_integer()}.
-export_type([stats/0]).

%% Supervisor child specs that start the backend (called once at application start, after
%% `fx_config' validated Config). The backend publishes what its send path needs
%% (persistent_term) before its children start.
-callback child_specs(Config :: fx_config:config()) -> [supervisor:child_spec()].

%% The send path, run in the caller. Must be cheap below the level. `{error,
%% lager_not_running}' (lager's answer) when the logger is gone.
-callback log(Level :: fx_config:level(), Format :: io:format(), Args :: [term()]) ->
    ok | {error, lager_not_running}.

%% O(1) state for the probe: never a call into a possibly busy logger process.
-callback stats() -> stats().

%% Undo what child_specs/1 published (application stop).
-callback cleanup() -> ok.
