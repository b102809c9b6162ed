%% @doc The worker pool the connection processes hand /work requests to.
%%
%% Two modes, chosen by `pool_mode':
%% <ul>
%% <li>`spawn' - a new process per request, unbounded: the incident's design. The worker
%%   is deliberately not linked to the connection (and not supervised): when the client
%%   gives up and its connection process exits, a worker blocked in a synchronous log call
%%   does not notice and stays parked in gen_event:rpc/2. That is how 3k connections leave
%%   100k processes behind. `submit/1' spawns directly in the caller; no pool process sits
%%   on the request path.</li>
%% <li>`bounded' - `pool_size' long-lived workers, linked to this server, fed from a FIFO
%%   queue (the usual remedy: a flood makes the queue grow, not the process count).</li>
%% </ul>
%% `stats/0' is O(1): counters published in persistent_term, never a call to this server.
-module(fx_pool).
-behaviour(gen_server).

%% API
-export([start_link/1, submit/1, stats/0]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-define(MODE_KEY, {?MODULE, mode}).
-define(COUNTERS_KEY, {?MODULE, counters}).
-define(C_BUSY, 1).
-define(C_QUEUED, 2).

-record(state, {
    mode :: spawn | bounded,
    size :: non_neg_integer(),
    idle = [] :: [pid()],
    queue = queue:new() :: queue:queue(fx_worker:job()),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

-spec start_link(fx_config:config()) -> {ok, pid()} | {error, term()}.
start_link(Config) ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, Config, []).

%% @doc Hand a job to the pool. spawn: `{spawned, Pid}' (the caller may monitor the
%% worker, never link it); bounded: `queued'; `{error, Reason}' when no worker can be had.
-spec submit(fx_worker:job()) -> {spawned, pid()} | queued | {error, term()}.
submit(Job) ->
    case persistent_term:get(?MODE_KEY, undefined) of
        spawn ->
            C = persistent_term:get(?COUNTERS_KEY),
            counters:add(C, ?C_BUSY, 1),
            try erlang:spawn(fx_worker, run, [Job, C]) of
                Pid -> {spawned, Pid}
            catch
                error:system_limit ->
                    counters:sub(C, ?C_BUSY, 1),
                    {error, system_limit}
            end;
        bounded ->
            gen_server:cast(?MODULE, {submit, Job}),
            queued;
        undefined ->
            {error, pool_not_running}
    end.

%% @doc spawn: live workers; bounded: busy workers and queued jobs. O(1).
-spec stats() -> #{mode := spawn | bounded | undefined, busy := integer(),
                   queued := integer()}.
stats() ->
    case persistent_term:get(?COUNTERS_KEY, undefined) of
        undefined ->
            #{mode => undefined, busy => 0, queued => 0};
        C ->
            #{mode => persistent_term:get(?MODE_KEY, undefined),
              busy => counters:get(C, ?C_BUSY),
              queued => counters:get(C, ?C_QUEUED)}
    end.

%%====================================================================
%% gen_server callbacks
%%====================================================================

-spec init(fx_config:config()) -> {ok, state()}.
init(#{pool_mode := Mode, pool_size := Size}) ->
    %% Linked workers (bounded) must not take the pool down with them, nor be orphaned
    %% when it goes: trap, replace the dead, and let our own exit kill the rest.
    process_flag(trap_exit, true),
    C = counters:new(2, [atomics]),
    persistent_term:put(?COUNTERS_KEY, C),
    persistent_term:put(?MODE_KEY, Mode),
    Idle = case Mode of
               spawn -> [];
               bounded -> [start_worker(C) || _ <- lists:seq(1, Size)]
           end,
    {ok, #state{mode = Mode, size = Size, idle = Idle, counters = C}}.

-spec handle_call(term(), gen_server:from(), state()) -> {reply, {error, unknown_call}, state()}.
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_call}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast({submit, Job}, #state{idle = [W | Idle], counters = C} = State) ->
    W ! {job, Job},
    counters:add(C, ?C_BUSY, 1),
    {noreply, State#state{idle = Idle}};
handle_cast({submit, Job}, #state{idle = [], queue = Q, counters = C} = State) ->
    counters:add(C, ?C_QUEUED, 1),
    {noreply, State#state{queue = queue:in(Job, Q)}};
handle_cast(_Msg, State) ->
    {noreply, State}.

-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({done, W}, State) ->
    {noreply, next_job(W, State)};
handle_info({'EXIT', W, _Reason}, #state{idle = Idle, counters = C} = State) ->
    %% Workers catch their jobs' crashes, so this is rare; keep the pool at full size.
    case lists:member(W, Idle) of
        true ->
            {noreply, State#state{idle = [start_worker(C) | lists:delete(W, Idle)]}};
        false ->
            %% The replacement takes over the dead worker's place in the busy count.
            {noreply, next_job(start_worker(C), State)}
    end;
handle_info(_Info, State) ->
    {noreply, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, _State) ->
    _ = persistent_term:erase(?MODE_KEY),
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

start_worker(C) ->
    proc_lib:spawn_link(fx_worker, pool_loop, [self(), C]).

%% W is free and still counted busy (it finished a job, or replaces a dead busy worker):
%% it takes the oldest queued job, or becomes idle.
next_job(W, #state{queue = Q, idle = Idle, counters = C} = State) ->
    case queue:out(Q) of
        {{value, Job}, Q1} ->
            counters:sub(C, ?C_QUEUED, 1),
            W ! {job, Job},
            State#state{queue = Q1};
        {empty, _} ->
            counters:sub(C, ?C_BUSY, 1),
            State#state{idle = [W | Idle]}
    end.
