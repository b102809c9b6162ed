%% @doc logjam_sampler - samples of the node taken inside the node, on the node's own clock,
%% streamed to the harness.
%%
%% The harness used to ask for every sample by rpc: a late answer was a missed sample, and a
%% sample was stamped when it arrived. At the incident's peak the answers came 1-2 s late,
%% because logjam_probe:snapshot/0 reads the logger's `message_queue_len', which waits for a
%% logger busy garbage-collecting a huge heap. This process keeps the cadence instead:
%% <ul>
%% <li>It runs at `high' priority (never `max': the runtime and the distribution tickers run
%%   there), so a run queue of thousands of normal processes does not delay it.</li>
%% <li>Samples are taken on absolute timers (`erlang:start_timer/4' with `{abs, true}'): slot
%%   Seq is due at T0 + Seq * Interval; a late tick takes the slot it is in, so lateness
%%   shows as missing sequence numbers, never as a burst or as drift.</li>
%% <li>Each sample is `{logjam_sample, Seq, NodeTimeMs, Sample}' sent with
%%   `erlang:send/3' `[nosuspend]': a busy distribution buffer drops the sample (its Seq is
%%   missing on the other side) instead of blocking the sampler; the running count of drops
%%   travels in every later sample as `samples_dropped'.</li>
%% <li>Sample has logjam_probe:snapshot/0's keys. Everything but `logger' comes from
%%   logjam_probe:node_sample/0, which waits on no process. The logger map comes from a reader
%%   process (normal priority) that calls logjam_probe:logger_stats/0 at most once per
%%   interval and hands the sampler the map with the time it started reading; the sampler
%%   sends the latest map with `age_ms' (sample time minus that time). A reader stuck on a
%%   logger in GC makes the age grow: a stale value is never shown as fresh.</li>
%% <li>It stops on stop/1, when the destination's node goes away (monitor_node) or when a
%%   local destination process exits.</li>
%% </ul>
-module(logjam_sampler).

%% API
-export([start/2, start/3, stop/1]).

%% The reader reads this share of an interval before each slot, so that a healthy logger's
%% value is a fifth of an interval old when it is sent.
-define(READ_LEAD_DIV, 5).
-define(STOP_WAIT_MS, 5000).
%% The logger map before the reader's first answer: nothing known (its age says how long
%% nothing has been known).
-define(UNKNOWN_LOGGER, #{backend => undefined, mode => undefined, queue_len => 0,
                          switches => 0, written => 0, dropped => 0, kills => 0}).

-type send_fun() :: fun((pid(), term()) -> ok | nosuspend).

-record(state, {
    dest :: pid(),
    interval :: pos_integer(),
    t0 :: integer(),
    reader :: pid(),
    send :: send_fun(),
    logger :: logjam_probe:logger_map(),
    logger_at :: integer(),  % node ms when the reader started reading the logger map
    dropped = 0 :: non_neg_integer()
}).

%%====================================================================
%% API
%%====================================================================

%% @doc Start sampling every IntervalMs and streaming the samples to Dest (the harness's C
%% node pid). Returns the sampler and T0, the node's monotonic time in ms at the start: slot
%% Seq (1, 2, ...) is due at T0 + Seq * IntervalMs, which lets the harness map node time onto
%% its own clock. The sampler is not linked to the caller (an rpc's short-lived process).
-spec start(Dest, IntervalMs) -> {ok, pid(), T0Ms :: integer()} when
      Dest :: pid(), IntervalMs :: pos_integer().
start(Dest, IntervalMs) ->
    start(Dest, IntervalMs, fun(D, Msg) -> erlang:send(D, Msg, [nosuspend]) end).

%% @doc start/2 with the transport given: Send(Dest, Msg) returns ok, or nosuspend when the
%% message was dropped. Tests use it to stand in for a busy distribution buffer.
-spec start(Dest, IntervalMs, Send) -> {ok, pid(), T0Ms :: integer()} when
      Dest :: pid(), IntervalMs :: pos_integer(), Send :: send_fun().
start(Dest, IntervalMs, Send) when is_pid(Dest), is_integer(IntervalMs), IntervalMs > 0,
                                   is_function(Send, 2) ->
    T0 = erlang:monotonic_time(millisecond),
    %% High from its first reduction: a sampler spawned at normal priority next to a busy
    %% high-priority process (a diagnosis) would not even arm its first timer in time.
    Pid = spawn_opt(fun() -> init(Dest, IntervalMs, T0, Send) end, [{priority, high}]),
    {ok, Pid, T0}.

%% @doc Stop the sampler and its reader; returns once both are gone (or after 5 s). A sampler
%% that has already stopped is fine.
-spec stop(pid()) -> ok.
stop(Pid) when is_pid(Pid) ->
    Ref = monitor(process, Pid),
    Pid ! {stop, self()},
    receive
        {'DOWN', Ref, process, Pid, _} -> ok
    after ?STOP_WAIT_MS ->
        demonitor(Ref, [flush]),
        exit(Pid, kill),
        ok
    end.

%%====================================================================
%% The sampler
%%====================================================================

init(Dest, Interval, T0, Send) ->
    %% Traps exits so that the link to the reader only ever kills the reader: the sampler
    %% kills the reader when it stops, and the reader dies with a crashed sampler.
    process_flag(trap_exit, true),
    case node(Dest) =:= node() of
        true -> monitor(process, Dest);
        false -> monitor_node(node(Dest), true)
    end,
    Self = self(),
    Reader = spawn_link(fun() -> reader(Self, Interval, T0) end),
    arm(T0 + Interval),
    loop(#state{dest = Dest, interval = Interval, t0 = T0, reader = Reader, send = Send,
                logger = ?UNKNOWN_LOGGER, logger_at = T0}).

loop(#state{dest = Dest, reader = Reader} = S) ->
    receive
        {timeout, _Ref, tick} ->
            loop(tick(S));
        {logger, Reader, Map, TakenMs} ->
            loop(S#state{logger = Map, logger_at = TakenMs});
        {stop, _From} ->
            done(S);
        {nodedown, _Node} ->
            done(S);
        {'DOWN', _, process, Dest, _} ->
            done(S);
        {'EXIT', Reader, _} ->
            %% The reader never fails (logger_stats/0 catches); if it is killed anyway, start
            %% another: the logger's age keeps growing meanwhile.
            Self = self(),
            #state{interval = I, t0 = T0} = S,
            loop(S#state{reader = spawn_link(fun() -> reader(Self, I, T0) end)});
        _ ->
            loop(S)
    end.

tick(#state{dest = Dest, interval = I, t0 = T0, send = Send, dropped = D} = S) ->
    Now = erlang:monotonic_time(millisecond),
    Seq = (Now - T0) div I,
    Sample = (logjam_probe:node_sample())#{
               logger => (S#state.logger)#{age_ms => Now - S#state.logger_at},
               samples_dropped => D},
    D1 = case Send(Dest, {logjam_sample, Seq, Now, Sample}) of
             ok -> D;
             nosuspend -> D + 1
         end,
    arm(T0 + (Seq + 1) * I),
    S#state{dropped = D1}.

arm(AtMs) ->
    erlang:start_timer(AtMs, self(), tick, [{abs, true}]).

done(#state{reader = Reader}) ->
    unlink(Reader),
    exit(Reader, kill).

%%====================================================================
%% The reader: the logger map, where waiting is harmless
%%====================================================================

%% Reads once, then again a fifth of an interval before the next slot (at most once per
%% interval). A read that waits longer than an interval delays only the reader.
reader(Sampler, Interval, T0) ->
    Started = erlang:monotonic_time(millisecond),
    Map = logjam_probe:logger_stats(),
    Sampler ! {logger, self(), Map, Started},
    Lead = Interval div ?READ_LEAD_DIV,
    Now = erlang:monotonic_time(millisecond),
    Next = T0 + ((Now + Lead - T0) div Interval + 1) * Interval - Lead,
    Ref = erlang:start_timer(max(Next, Started + Interval), self(), read, [{abs, true}]),
    receive
        {timeout, Ref, read} -> reader(Sampler, Interval, T0)
    end.
