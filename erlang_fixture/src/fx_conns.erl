%% @doc The process every connection links to, so that stopping the listener ends them.
%%
%% Connection processes are not supervised children (a supervisor on the path of every
%% accept would be a bottleneck at thousands of connects per second); each links itself
%% to this process instead. It traps exits, so a connection's end or crash is just one
%% ignored message here; when it exits with `shutdown' the links take every connection
%% down with it.
%%
%% With a connection cap it is also where acceptors wait at the cap (fx_acceptor): each
%% connection's end (its 'EXIT', sent after it gave its slot back) wakes them to try again.
-module(fx_conns).
-behaviour(gen_server).

%% API
-export([start_link/0, wait_slot/1, slot_freed/0, waiting/0]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

-record(state, {
    waiters = [] :: [{gen_server:from(), fx_acceptor:cap()}]
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

-spec start_link() -> {ok, pid()} | {error, term()}.
start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% @doc Return when fewer than the cap's slots are taken (at once if so already). Infinite
%% timeout: an acceptor at the cap has nothing else to do, for as long as it takes.
-spec wait_slot(fx_acceptor:cap()) -> ok.
wait_slot(Cap) ->
    gen_server:call(?MODULE, {wait_slot, Cap}, infinity).

%% @doc A slot was given back without a connection ending: wake the waiters.
-spec slot_freed() -> ok.
slot_freed() ->
    gen_server:cast(?MODULE, slot_freed).

%% @doc Acceptors waiting for a slot.
-spec waiting() -> non_neg_integer().
waiting() ->
    gen_server:call(?MODULE, waiting).

%%====================================================================
%% gen_server callbacks
%%====================================================================

-spec init([]) -> {ok, state()}.
init([]) ->
    process_flag(trap_exit, true),
    {ok, #state{}}.

-spec handle_call(term(), gen_server:from(), state()) ->
          {reply, term(), state()} | {noreply, state()}.
handle_call({wait_slot, Cap}, From, #state{waiters = W} = State) ->
    {noreply, wake(State#state{waiters = [{From, Cap} | W]})};
handle_call(waiting, _From, #state{waiters = W} = State) ->
    {reply, length(W), State};
handle_call(_Request, _From, State) ->
    {reply, {error, unknown_call}, State}.

-spec handle_cast(term(), state()) -> {noreply, state()}.
handle_cast(slot_freed, State) ->
    {noreply, wake(State)};
handle_cast(_Msg, State) ->
    {noreply, State}.

%% A connection ended (it gave its slot back first).
-spec handle_info(term(), state()) -> {noreply, state()}.
handle_info({'EXIT', _Pid, _Reason}, State) ->
    {noreply, wake(State)};
handle_info(_Info, State) ->
    {noreply, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, _State) ->
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

%% Let every waiter try again when a slot is free (they race for it; losers come back).
wake(#state{waiters = []} = State) ->
    State;
wake(#state{waiters = [{_, {Max, Slots}} | _] = W} = State) ->
    case atomics:get(Slots, 1) < Max of
        true ->
            [gen_server:reply(From, ok) || {From, _} <- W],
            State#state{waiters = []};
        false ->
            State
    end.
