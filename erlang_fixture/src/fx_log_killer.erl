%% @doc The fixture logger's manager killer: lager 3.2+'s lager_manager_killer.
%%
%% Installed only when `killer_hwm' is set. On every `{log, _}' event it reads the
%% manager's queue length; above the high-water mark the handler exits with
%% `{kill_me, [Hwm, ReinstallAfter]}'. gen_event removes it and tells fx_log_watcher,
%% which kills the whole manager - the only way lager sheds a backlog of normal messages.
%% The length it reads is published for fx_log_fixture:queue_now/0, as the throttle does.
-module(fx_log_killer).
-behaviour(gen_event).

%% gen_event callbacks
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

-record(state, {
    hwm :: non_neg_integer(),
    reinstall_after :: non_neg_integer(),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% gen_event callbacks
%%====================================================================

-spec init({non_neg_integer(), non_neg_integer(), counters:counters_ref()}) -> {ok, state()}.
init({Hwm, ReinstallAfter, Counters}) ->
    {ok, #state{hwm = Hwm, reinstall_after = ReinstallAfter, counters = Counters}}.

-spec handle_event(term(), state()) -> {ok, state()}.
handle_event({log, _Msg}, #state{hwm = Hwm, reinstall_after = After} = State) ->
    %% lager's own comment: checking the queue on every message is not cheap, but it is
    %% what lager does, so the fixture pays it too.
    {message_queue_len, Len} = erlang:process_info(self(), message_queue_len),
    fx_log_fixture:queue_put(State#state.counters, Len),
    case Len > Hwm of
        true -> exit({kill_me, [Hwm, After]});
        false -> {ok, State}
    end;
handle_event(_Event, State) ->
    {ok, State}.

-spec handle_call(term(), state()) -> {ok, {error, unknown_call}, state()}.
handle_call(_Request, State) ->
    {ok, {error, unknown_call}, State}.

-spec handle_info(term(), state()) -> {ok, state()}.
handle_info(_Info, State) ->
    {ok, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, _State) ->
    ok.
