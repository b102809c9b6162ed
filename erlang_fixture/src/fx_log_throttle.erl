%% @doc The overload switch of the fixture logger: lager 3.9.2's lager_backend_throttle.
%%
%% A gen_event handler inside the manager. On every `{log, _}' event it reads the
%% manager's own `message_queue_len' (measured after the current event was dequeued, as
%% in lager) and flips the mode flag the callers read: to sync when the length exceeds
%% the threshold while async, back to async when it falls below threshold - window while
%% sync. Installing it sets the flag to async; without it the flag is never set and every
%% caller is synchronous. The rule itself is the pure `decide/4', pinned by tests.
%% The length it reads is also published (fx_log_fixture:queue_put/2) so that a sampler
%% can read it with fx_log_fixture:queue_now/0 instead of asking the busy manager.
-module(fx_log_throttle).
-behaviour(gen_event).

-include("fx_log.hrl").

%% API
-export([decide/4]).
%% gen_event callbacks
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

-type mode() :: async | sync.
-export_type([mode/0]).

-record(state, {
    threshold :: non_neg_integer(),
    window_min :: integer(),           %% threshold - window
    mode :: mode(),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

%% @doc lager_backend_throttle's rule: `{Len > Hwm, _, true}' -> sync,
%% `{_, Len < WindowMin, false}' -> async, anything else keeps the mode.
-spec decide(Len, Threshold, WindowMin, Mode) -> mode() when
      Len :: non_neg_integer(), Threshold :: non_neg_integer(), WindowMin :: integer(),
      Mode :: mode().
decide(Len, Threshold, _WindowMin, async) when Len > Threshold -> sync;
decide(Len, _Threshold, WindowMin, sync) when Len < WindowMin -> async;
decide(_Len, _Threshold, _WindowMin, Mode) -> Mode.

%%====================================================================
%% gen_event callbacks
%%====================================================================

-spec init({non_neg_integer(), non_neg_integer(), counters:counters_ref()}) -> {ok, state()}.
init({Threshold, Window, Counters}) ->
    persistent_term:put(?FX_LOG_ASYNC, true),
    {ok, #state{threshold = Threshold, window_min = Threshold - Window, mode = async,
                counters = Counters}}.

-spec handle_event(term(), state()) -> {ok, state()}.
handle_event({log, _Msg}, #state{threshold = T, window_min = W, mode = Mode} = State) ->
    {message_queue_len, Len} = erlang:process_info(self(), message_queue_len),
    fx_log_fixture:queue_put(State#state.counters, Len),
    case decide(Len, T, W, Mode) of
        Mode ->
            {ok, State};
        New ->
            %% An atom value: replacing it does not trigger persistent_term's global GC.
            persistent_term:put(?FX_LOG_ASYNC, New =:= async),
            counters:add(State#state.counters, ?FX_C_SWITCHES, 1),
            {ok, State#state{mode = New}}
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
