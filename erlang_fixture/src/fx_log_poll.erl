%% @doc Counts mode switches and kills of a logger that does not count them itself.
%%
%% The fixture backend counts its own flips; real lager and OTP's logger do not (they
%% only log "switched to sync mode" lines). This process samples the backend's mode
%% flag, its process and its queue every ?TICK_MS and counts changes: a mode change is a
%% switch, a logger process that vanished or was replaced is a kill, whose last sampled
%% queue length is counted as dropped. Sampling misses flips faster than the tick: the
%% numbers are lower bounds, which is said wherever they are reported. Reading a flag and
%% a process_info costs the logger nothing; it is never called.
-module(fx_log_poll).
-behaviour(gen_server).

%% API
-export([start_link/1, counters/0, killed/0, stats/3]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-define(TICK_MS, 10).
-define(COUNTERS_KEY, {?MODULE, counters}).
-define(C_SWITCHES, 1).
-define(C_DROPPED, 2).
-define(C_KILLED, 3).
-define(C_KILLS, 4).

%% Sample() -> {Mode, LoggerPid | undefined, QueueLen}
-type sample_fun() :: fun(() -> {atom(), pid() | undefined, non_neg_integer()}).

-record(state, {
    sample :: sample_fun(),
    reinstall_after :: non_neg_integer(),  %% how long a replaced logger has no handlers
    mode :: atom(),
    pid :: pid() | undefined,
    qlen = 0 :: non_neg_integer(),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

%% ReinstallAfter: after a logger process was replaced (lager's sink is restarted at once
%% by its supervisor, its handlers only after killer_reinstall_after), report `killed'
%% for this long.
-spec start_link({sample_fun(), non_neg_integer()}) -> {ok, pid()} | {error, term()}.
start_link(Args) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Args, []).

%% @doc #{switches, dropped, kills} counted so far (zeros when not running).
-spec counters() -> #{switches := non_neg_integer(), dropped := non_neg_integer(),
                      kills := non_neg_integer()}.
counters() ->
    case persistent_term:get(?COUNTERS_KEY, undefined) of
        undefined -> #{switches => 0, dropped => 0, kills => 0};
        C -> #{switches => counters:get(C, ?C_SWITCHES), dropped => counters:get(C, ?C_DROPPED),
               kills => counters:get(C, ?C_KILLS)}
    end.

%% @doc The stats map of a polled backend (lager, otp): its flag and queue as sampled now,
%% with the poller's switch and drop counts; `killed' overrides the mode after a kill.
%% Neither logger counts the lines it writes, so `written' is 0.
-spec stats(atom(), atom(), non_neg_integer()) -> fx_log_backend:stats().
stats(Backend, Mode, QLen) ->
    #{switches := Switches, dropped := Dropped, kills := Kills} = counters(),
    #{backend => Backend,
      mode => case killed() of
                  true -> killed;
                  false -> Mode
              end,
      queue_len => QLen, switches => Switches, written => 0, dropped => Dropped,
      kills => Kills}.

%% @doc True between a kill and the logger process's return.
-spec killed() -> boolean().
killed() ->
    case persistent_term:get(?COUNTERS_KEY, undefined) of
        undefined -> false;
        C -> counters:get(C, ?C_KILLED) =/= 0
    end.

%%====================================================================
%% gen_server callbacks
%%====================================================================

-spec init({sample_fun(), non_neg_integer()}) -> {ok, state()}.
init({Sample, ReinstallAfter}) ->
    C = counters:new(4, [atomics]),
    persistent_term:put(?COUNTERS_KEY, C),
    {Mode, Pid, QLen} = Sample(),
    erlang:send_after(?TICK_MS, self(), tick),
    {ok, #state{sample = Sample, reinstall_after = ReinstallAfter, mode = Mode, pid = Pid, qlen = QLen, counters = C}}.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, {error, unknown_call}, state()}.
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_call}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(_Msg, State) ->
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info(tick, #state{sample = Sample, counters = C} = State) ->
    {Mode, Pid, QLen} = Sample(),
    _ = Mode =/= State#state.mode andalso counters:add(C, ?C_SWITCHES, 1),
    case {State#state.pid, Pid} of
        {Same, Same} -> ok;
        {undefined, _New} -> counters:put(C, ?C_KILLED, 0);
        {_Old, undefined} ->
            count_kill(C, State#state.qlen);
        {_Old, _New} ->
            %% Killed and restarted between two ticks: handlers come back later.
            count_kill(C, State#state.qlen),
            erlang:send_after(State#state.reinstall_after, self(), {reinstalled, Pid})
    end,
    erlang:send_after(?TICK_MS, self(), tick),
    {noreply, State#state{mode = Mode, pid = Pid, qlen = QLen}};
handle_info({reinstalled, Pid}, #state{pid = Pid, counters = C} = State) ->
    counters:put(C, ?C_KILLED, 0),
    {noreply, State};
handle_info(_Info, State) ->
    {noreply, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, _State) ->
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

%% A logger process vanished: one kill, its last sampled queue lost with it.
count_kill(C, QLen) ->
    counters:put(C, ?C_KILLED, 1),
    counters:add(C, ?C_KILLS, 1),
    counters:add(C, ?C_DROPPED, QLen).
