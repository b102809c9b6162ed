%% @doc Test-only gen_event handler for the fixture logger: on a `park' event it parks the
%% manager until the manager is killed, so that the events queued behind it are still
%% pending when the killer's (asynchronous) kill lands. See park_manager/0 in fx_test.hrl.
-module(fx_park_handler).
-behaviour(gen_event).

%% gen_event callbacks
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

%%====================================================================
%% gen_event callbacks
%%====================================================================

%% TimeoutMs bounds the park: a kill that never comes fails the test instead of hanging it.
-spec init(non_neg_integer()) -> {ok, non_neg_integer()}.
init(TimeoutMs) ->
    {ok, TimeoutMs}.

-spec handle_event(term(), non_neg_integer()) -> {ok, non_neg_integer()}.
handle_event(park, TimeoutMs) ->
    receive after TimeoutMs -> ok end,
    {ok, TimeoutMs};
handle_event(_Event, TimeoutMs) ->
    {ok, TimeoutMs}.

-spec handle_call(term(), non_neg_integer()) -> {ok, {error, unknown_call}, non_neg_integer()}.
handle_call(_Request, TimeoutMs) ->
    {ok, {error, unknown_call}, TimeoutMs}.

-spec handle_info(term(), non_neg_integer()) -> {ok, non_neg_integer()}.
handle_info(_Info, TimeoutMs) ->
    {ok, TimeoutMs}.

-spec terminate(term(), non_neg_integer()) -> ok.
terminate(_Reason, _TimeoutMs) ->
    ok.
