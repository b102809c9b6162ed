%% @doc Installs the fixture logger's handlers and carries out the killer's request.
%%
%% The fixture counterpart of lager_handler_watcher: it adds every handler with
%% `gen_event:add_sup_handler/3', so it hears about each handler's removal. Handlers are
%% added in lager's order - throttle, then killer, then the file backend - and gen_event
%% puts new handlers first, so for each event the file handler runs first and the throttle
%% last, as in lager.
%%
%% When the killer handler exits with `{kill_me, ...}', this process counts the manager's
%% queue as dropped, marks the logger `killed' and kills the manager brutally
%% (`exit(Pid, kill)', exactly lager's watcher): every pending event is thrown away and
%% every caller blocked in sync_notify exits with `killed'. fx_log_sup then restarts the
%% manager and, being rest_for_one, this watcher; the new watcher sees the `killed' mark
%% and reinstalls all handlers after `killer_reinstall_after' ms (lager's watchers of the
%% other handlers also wait that long after `{'EXIT', _, killed}'). Until then the manager
%% has no handlers: sync callers are answered at once, nothing is written.
-module(fx_log_watcher).
-behaviour(gen_server).

-include("fx_log.hrl").

%% API
-export([start_link/1]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-record(state, {
    config :: fx_config:config(),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

-spec start_link(fx_config:config()) -> {ok, pid()} | {error, term()}.
start_link(Config) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Config, []).

%%====================================================================
%% gen_server callbacks
%%====================================================================

-spec init(fx_config:config()) -> {ok, state()} | {stop, term()}.
init(Config) ->
    %% add_sup_handler links us to the manager; we unlink before a kill, and any other
    %% manager death is followed by our own restart (rest_for_one), so trap and ignore.
    process_flag(trap_exit, true),
    State = #state{config = Config, counters = persistent_term:get(?FX_LOG_COUNTERS)},
    case counters:get(State#state.counters, ?FX_C_KILLED) of
        0 ->
            %% Installed before init returns, so the application is fully up (mode
            %% flag set, file open) when application:start/1 returns.
            case install_all(State) of
                ok -> {ok, State};
                {error, Reason} -> {stop, Reason}
            end;
        _ ->
            _ = erlang:send_after(maps:get(killer_reinstall_after, Config), self(), reinstall),
            {ok, State}
    end.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, {error, unknown_call}, state()}.
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_call}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(_Msg, State) ->
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()} | {stop, term(), state()}.
handle_info(reinstall, State) ->
    case install_all(State) of
        ok -> {noreply, State};
        {error, Reason} -> {stop, Reason, State}
    end;
handle_info({gen_event_EXIT, fx_log_killer, {'EXIT', {kill_me, [_Hwm, _Reinstall]}}},
            #state{counters = C} = State) ->
    case whereis(?FX_LOG_EVENT) of
        undefined ->
            ok;
        Pid ->
            unlink(Pid),
            {message_queue_len, Len} = erlang:process_info(Pid, message_queue_len),
            counters:add(C, ?FX_C_DROPPED, Len),
            counters:put(C, ?FX_C_KILLED, 1),
            counters:add(C, ?FX_C_KILLS, 1),
            exit(Pid, kill)
    end,
    {noreply, State};
handle_info({gen_event_EXIT, _Handler, Reason}, State)
  when Reason =:= normal; Reason =:= shutdown ->
    {noreply, State};
handle_info({gen_event_EXIT, Handler, _Crash}, State) ->
    %% A handler crashed (gen_event already logged why): put it back, as lager does.
    case install(Handler, State) of
        ok -> {noreply, State};
        {error, Reason} -> {stop, Reason, State}
    end;
handle_info({'EXIT', _Pid, _Reason}, State) ->
    {noreply, State};
handle_info(_Info, State) ->
    {noreply, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, _State) ->
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

install_all(#state{config = Config, counters = C} = State) ->
    Result = lists:foldl(fun(H, ok) -> install(H, State);
                            (_, Error) -> Error
                         end, ok, handlers(Config)),
    counters:put(C, ?FX_C_KILLED, 0),
    Result.

install(Handler, #state{config = Config, counters = C}) ->
    case gen_event:add_sup_handler(?FX_LOG_EVENT, Handler, handler_args(Handler, Config, C)) of
        ok -> ok;
        {'EXIT', Reason} -> {error, {Handler, Reason}};
        Other -> {error, {Handler, Other}}
    end.

handler_args(fx_log_throttle, #{async_threshold := T, async_threshold_window := W}, C) ->
    {T, W, C};
handler_args(fx_log_killer, #{killer_hwm := Hwm, killer_reinstall_after := After}, C) ->
    {Hwm, After, C};
handler_args(fx_log_file, #{log_file := File, write_cost_us := Cost} = Config, C) ->
    %% Alone, nobody else reads the queue: the file handler publishes it (see fx_log_file).
    {File, Cost, C, handlers(Config) =:= [fx_log_file]}.

handlers(Config) ->
    [fx_log_throttle || maps:get(async_threshold, Config) =/= undefined]
        ++ [fx_log_killer || maps:get(killer_hwm, Config) =/= undefined]
        ++ [fx_log_file].
