%% @doc logjam_probe - the Erlang side of the C/Erlang boundary.
%%
%% logjam's harness (a C node, libei) puts this application's ebin on the target node's code
%% path and calls it by rpc, so every call runs in a fresh process. It exists so that the
%% harness can watch a node the way the incident's author did by hand (`erlang:memory()',
%% `process_count', `i()', `process_info(Pid, current_stacktrace)') without shipping
%% anything else: it depends on nothing but kernel/stdlib, knows no other application, and
%% works on a bare node, a lager node or an OTP logger node.
%%
%% An application that counts more than a bare node shows (its logger's switches, its
%% pool, its connections, its HTTP port) publishes those numbers with `register_source/2'
%% at boot; logjam's fixture does so in fx_app. A missing source reads as `undefined'/0.
%%
%% Every reply is a map with atom keys whose values are only maps, lists, binaries, atoms
%% and integers (pids are rendered as <<"<0.1.0>">>), because the harness turns it into
%% JSON. Values that cannot be known are `undefined' (atoms) or 0 (counters).
%%
%% Cost model:
%% <ul>
%% <li>`hello/0' and `snapshot/0' are O(1) in the number of processes: they use only global
%%   counters (`system_info(process_count)', `erlang:memory/0', `statistics/1') and
%%   `process_info(Pid, message_queue_len)' of the ONE logger process. They never call
%%   `erlang:processes/0'. Safe to call every few hundred milliseconds on a node with
%%   millions of processes - but the logger's `message_queue_len' waits for the logger to
%%   answer, seconds when it is garbage-collecting a huge heap. The harness therefore samples
%%   through logjam_sampler (node_sample/0 on time, logger_stats/0 in a reader of its own,
%%   carried forward with its age), and snapshot/0 stays for one-off calls.</li>
%% <li>`diagnose/1,2' walks ALL processes once (OTP 25 has no process iterator, so it also
%%   builds the full pid list: two words per process). Like recon's `proc_count/2' it is
%%   NOT free: expect a few microseconds per process (hundreds of milliseconds at 100k
%%   processes), run at `high' priority so that it finishes on an overloaded node, and it
%%   is bounded by a wall-clock budget (default 2000 ms) after which it stops and returns
%%   what it has with `partial => true'. Call it once, at peak, not in a loop.
%%   It never asks for `messages', and never for `memory': a process's `memory' is linear
%%   in its mailbox length and not yielding (erlang/otp#6494: 1.35 s for one process with
%%   10M queued messages), exactly the processes a diagnosis is about. The reported
%%   `memory' is `total_heap_size' (heap, old heap, stack, heap fragments, on-heap
%%   messages) times the word size: it leaves out the process control block and off-heap
%%   mailbox messages (`message_queue_data = off_heap', as OTP's logger_olp uses).</li>
%% </ul>
-module(logjam_probe).

%% API
-export([hello/0, snapshot/0, diagnose/1, diagnose/2]).
%% The two halves of snapshot/0, for logjam_sampler
-export([node_sample/0, logger_stats/0]).
%% Sources: what an application publishes for the replies
-export([register_source/2, unregister_source/1]).
-export_type([source_name/0]).

-define(PROBE_VERSION, <<"1">>).
-define(DEFAULT_BUDGET_MS, 2000).
%% Frames kept per stack group: enough to see gen:do_call <- gen_event:rpc <- caller.
-define(STACK_FRAMES, 6).
%% The deadline is checked every this many processes (a power of two, minus one).
-define(CHECK_MASK, 63).
%% Functions a process sits in while it waits for another process to answer; for those the
%% probe names the target through the call's monitor.
-define(WAITING_FUNS, [{gen, do_call, 4}, {io, wait_io_mon_reply, 2},
                       {io, execute_request, 3}, {erpc, call, 5}]).
%% logger_h_common based handlers: their process is registered as <Module>_<Id>.
-define(OTP_HANDLER_MODS, [logger_std_h, logger_disk_log_h]).
%% One persistent_term key per source: read in O(1) without copying on every snapshot, and
%% registering a new name never triggers the global GC that replacing a key does.
-define(SOURCE_KEY(Name), {?MODULE, source, Name}).
-define(IS_SOURCE(Name), (Name =:= logger orelse Name =:= pool orelse
                          Name =:= connections orelse Name =:= fixture_port orelse
                          Name =:= logger_backend)).

%% The key a source's answer is reported under: `logger' (a logger map, see logger_map()),
%% `pool' (#{mode, busy, queued}), `connections' (an integer), `fixture_port' (hello's HTTP
%% port), `logger_backend' (the backend the application is configured for, an atom).
-type source_name() :: logger | pool | connections | fixture_port | logger_backend.

-type mode() :: async | sync | drop | flush | killed | undefined.
-type logger_map() :: #{backend := atom(), mode := mode(), queue_len := non_neg_integer(),
                        switches := non_neg_integer(), written := non_neg_integer(),
                        dropped := non_neg_integer(), kills := non_neg_integer()}.
-type node_sample() :: #{t_ms := integer(), process_count := non_neg_integer(),
                         process_limit := pos_integer(),
                         memory := #{atom() => non_neg_integer()},
                         run_queue := non_neg_integer(), reductions := non_neg_integer(),
                         pool := #{mode := atom(), busy := non_neg_integer(),
                                   queued := non_neg_integer()},
                         connections := non_neg_integer(),
                         port_count := non_neg_integer(), port_limit := pos_integer()}.
-export_type([logger_map/0, node_sample/0]).
-type proc_entry() :: #{pid := binary(), name := atom(), queue := non_neg_integer(),
                        memory := non_neg_integer(), function := binary()}.

%% Accumulator of the diagnose scan. Function and stack keys stay tuples during the scan and
%% become binaries only for the top N at the end.
-record(acc, {
    scanned = 0 :: non_neg_integer(),
    funs = #{} :: #{term() => pos_integer()},
    %% stack key => {Count, SamplePid, #{Target => Count}}
    stacks = #{} :: #{list() => {pos_integer(), pid(), map()}},
    %% target => count of processes waiting on it
    waits = #{} :: #{binary() => pos_integer()},
    %% target pid or {Name, Node} => {TargetBin, TargetQueue, named | unnamed}: each
    %% target is looked up once per scan
    targets = #{} :: #{term() => {binary(), non_neg_integer(), named | unnamed}},
    topq :: topn(),
    topm :: topn()
}).
-type topn() :: {non_neg_integer(), non_neg_integer(), gb_sets:set()}.

%%====================================================================
%% API
%%====================================================================

%% @doc Who the node is: OTP release, the fixture's HTTP port (the `fixture_port' source;
%% undefined until its listener is up, and the harness polls until it is an integer), the
%% logger backend (the `logger_backend' source, else lager if `lager_event' is registered,
%% else otp), probe version.
-spec hello() -> #{otp_release := binary(), fixture_port := integer() | undefined,
                   logger_backend := atom(), probe_version := binary(), node := atom()}.
hello() ->
    Port = case source(fixture_port) of
               P when is_integer(P) -> P;
               _ -> undefined
           end,
    Backend = case configured_backend() of
                  undefined ->
                      case whereis(lager_event) of
                          undefined -> otp;
                          _ -> lager
                      end;
                  B -> B
              end,
    #{otp_release => list_to_binary(erlang:system_info(otp_release)),
      fixture_port => Port,
      logger_backend => Backend,
      probe_version => ?PROBE_VERSION,
      node => node()}.

%% @doc One sample of the node: node_sample/0's keys plus `logger' (the logger map). O(1) in the number of
%% processes (see the module doc); each source (logger, pool, connections) is wrapped so that
%% a missing or dying one yields `undefined'/0 and never a failed snapshot. The logger map
%% may wait on a busy logger process (see logger_stats/0).
-spec snapshot() -> #{logger := logger_map(), atom() => term()}.
snapshot() ->
    (node_sample())#{logger => logger_stats()}.

%% @doc Everything of snapshot/0 but the logger: global counters (O(1) BIFs) and the
%% registered `pool' and `connections' sources (counters in the fixture). None of it waits
%% on another process, so a sampler can take it on time however busy the node is.
-spec node_sample() -> node_sample().
node_sample() ->
    {Reductions, _} = erlang:statistics(reductions),
    #{t_ms => erlang:monotonic_time(millisecond),
      process_count => erlang:system_info(process_count),
      process_limit => erlang:system_info(process_limit),
      memory => maps:from_list(erlang:memory()),
      run_queue => erlang:statistics(total_run_queue_lengths),
      reductions => Reductions,
      pool => pool_stats(),
      connections => connections(),
      port_count => erlang:system_info(port_count),
      port_limit => erlang:system_info(port_limit)}.

%% @doc `diagnose(TopN, 2000)'.
-spec diagnose(TopN :: non_neg_integer()) -> map().
diagnose(TopN) ->
    diagnose(TopN, ?DEFAULT_BUDGET_MS).

%% @doc Where are the processes stuck, and on whom are they waiting: one pass over all
%% processes (the incident's `i()' + backtrace step). COST: linear in the number of
%% processes, a few microseconds each; stops after BudgetMs of wall time and then says
%% `partial => true'. See the module doc before calling it on a production node.
%%
%% Reply: `process_count' (processes when the scan started), `scanned', `took_us',
%% `partial', `budget_ms', and top-TopN lists:
%% `by_function' [#{count, function => <<"M:F/A">>}],
%% `by_stack' [#{count, stack => [<<"M:F/A">>, ...] (innermost first, at most 6 frames),
%%   waiting_on => binary() | undefined (the most common callee of the group),
%%   target_queue (that callee's queue length, 0 if none), sample_pid => binary()}],
%% `by_waiting_on' [#{count, target => binary(), target_queue}],
%% `top_queues', `top_memory' [#{pid, name, queue, memory (bytes), function}];
%% and `logger' and `pool' (as in snapshot: a bounded pool's queue is part of the answer).
-spec diagnose(TopN, BudgetMs) -> map() when
      TopN :: non_neg_integer(), BudgetMs :: non_neg_integer().
diagnose(TopN, BudgetMs) when is_integer(TopN), TopN >= 0,
                               is_integer(BudgetMs), BudgetMs >= 0 ->
    T0 = erlang:monotonic_time(microsecond),
    Deadline = T0 + BudgetMs * 1000,
    %% High priority: the diagnosis is taken at peak, when the run queue may hold thousands
    %% of runnable processes; at normal priority the scan would get a sliver of a scheduler
    %% and end partial. The budget bounds how long others are held back.
    OldPrio = process_flag(priority, high),
    try
        Pids = erlang:processes(),
        Acc0 = #acc{topq = topn_new(TopN), topm = topn_new(TopN)},
        {Acc, Partial} = scan(Pids, self(), Deadline, Acc0),
        Result = summarize(TopN, Acc),
        Result#{process_count => length(Pids),
                scanned => Acc#acc.scanned,
                partial => Partial,
                budget_ms => BudgetMs,
                logger => logger_stats(),
                pool => pool_stats(),
                took_us => erlang:monotonic_time(microsecond) - T0}
    after
        process_flag(priority, OldPrio)
    end.

%%====================================================================
%% Sources
%%====================================================================

%% @doc Publish Fun as the source of Name's value in the replies: the probe calls Fun()
%% (in the rpc's process, so it must be cheap - snapshot/0 stays O(1) only if every source
%% is) and treats an exception or a value of the wrong shape as `undefined'/0. Registering
%% the same fun again is free; prefer an external fun (`fun M:F/0'), which survives a
%% reload of the registering module. Raises badarg for an unknown Name.
-spec register_source(Name, Fun) -> ok when
      Name :: source_name(), Fun :: fun(() -> term()).
register_source(Name, Fun) when ?IS_SOURCE(Name), is_function(Fun, 0) ->
    persistent_term:put(?SOURCE_KEY(Name), Fun);
register_source(Name, Fun) ->
    erlang:error(badarg, [Name, Fun]).

%% @doc Forget Name's source; its key reads as `undefined'/0 again. COST: erasing a
%% persistent_term makes every process on the node scan its heap (a global GC); call it at
%% shutdown or in tests, never in a loop.
-spec unregister_source(source_name()) -> ok.
unregister_source(Name) when ?IS_SOURCE(Name) ->
    _ = persistent_term:erase(?SOURCE_KEY(Name)),
    ok.

%% Name's registered answer; `undefined' when none is registered or it fails.
source(Name) ->
    case persistent_term:get(?SOURCE_KEY(Name), undefined) of
        undefined -> undefined;
        Fun ->
            try Fun()
            catch _:_ -> undefined
            end
    end.

%%====================================================================
%% Logger, pool, connections (snapshot sources)
%%====================================================================

%% @doc The logger map. COST: it may wait. In a fixture node the `logger' source (fx_log:stats/0) answers for
%% whichever backend the fixture runs (it may count what a bare logger cannot, e.g.
%% switches); when it is absent, fails or has no backend yet, the probe reads the logger
%% itself: the configured backend (the `logger_backend' source), else lager if
%% `lager_event' is registered, else OTP's logger. Reading a logger's queue length is
%% `process_info(Logger, message_queue_len)': since OTP 21 a signal to the logger, answered
%% only when the logger next handles signals - after its current garbage collection, which
%% on a 600 MB heap takes seconds. Call it where waiting is harmless (logjam_sampler does so
%% in a reader process of its own), never where a deadline matters.
-spec logger_stats() -> logger_map().
logger_stats() ->
    case registered_logger() of
        #{backend := B} = M when B =/= undefined ->
            M;
        _ ->
            case configured_backend() of
                lager -> lager_logger();
                otp -> otp_logger();
                _ ->
                    case whereis(lager_event) of
                        undefined -> otp_logger();
                        _ -> lager_logger()
                    end
            end
    end.

%% The `logger' source returns the logger map itself; normalized so that a missing or odd
%% key cannot reach the harness. `undefined' when there is no such source.
registered_logger() ->
    case source(logger) of
        M when is_map(M) -> normalize_logger(M);
        _ -> undefined
    end.

%% lager 3.9.2: the sink is the gen_event registered as lager_event; the switch is the flag
%% lager_config:get({lager_event, async}, false) that do_log_impl reads per call (never
%% written without a throttle: false = sync for every call). lager keeps no switch or write
%% counters, so switches/written/dropped are 0 (unknown). No lager_event while lager_sup
%% runs means the sink was killed (killer_hwm) and is being restarted.
lager_logger() ->
    Base = #{backend => lager},
    Map = case whereis(lager_event) of
              undefined ->
                  case whereis(lager_sup) of
                      undefined -> Base;
                      _ -> Base#{mode => killed}
                  end;
              Pid ->
                  Mode = try lager_config:get({lager_event, async}, false) of
                             true -> async;
                             false -> sync;
                             _ -> undefined
                         catch _:_ -> undefined
                         end,
                  Base#{mode => Mode, queue_len => queue_len(Pid)}
          end,
    normalize_logger(Map).

%% OTP logger: the first logger_std_h (or logger_disk_log_h) handler other than `default',
%% else `default'. Its logger_olp process is registered as <Module>_<Id>
%% (logger_h_common:start/2) and the mode callers read is persistent_term
%% {logger_olp, RegName} (logger_olp:get_mode/1): async | sync | drop (flush is
%% transient: the handler flushes and sets async within one event). logger_olp keeps its
%% counters only in a SAVE_STATS debug build, so switches/written/dropped are 0 (unknown).
otp_logger() ->
    Handler = try pick_otp_handler(logger:get_handler_config())
              catch _:_ -> undefined
              end,
    Map = case Handler of
              undefined ->
                  #{backend => undefined};
              {Module, Id} ->
                  case handler_reg_name(Module, Id) of
                      undefined ->
                          #{backend => otp, mode => killed};
                      RegName ->
                          case whereis(RegName) of
                              undefined ->
                                  #{backend => otp, mode => killed};
                              Pid ->
                                  Mode = persistent_term:get({logger_olp, RegName},
                                                             undefined),
                                  #{backend => otp, mode => Mode,
                                    queue_len => queue_len(Pid)}
                          end
                  end
          end,
    normalize_logger(Map).

pick_otp_handler(Configs) ->
    Hs = [{M, Id} || #{id := Id, module := M} <- Configs,
                     lists:member(M, ?OTP_HANDLER_MODS)],
    case [H || {_, Id} = H <- Hs, Id =/= default] of
        [First | _] -> First;
        [] ->
            case lists:keyfind(default, 2, Hs) of
                false -> undefined;
                H -> H
            end
    end.

%% list_to_existing_atom: the probe must not mint atoms; if the atom does not exist the
%% handler process was never registered.
handler_reg_name(Module, Id) ->
    try list_to_existing_atom(lists:concat([Module, "_", Id]))
    catch error:badarg -> undefined
    end.

pool_stats() ->
    Stats = case source(pool) of
                M when is_map(M) -> M;
                _ -> #{}
            end,
    #{mode => atom_or_undefined(maps:get(mode, Stats, undefined)),
      busy => count(maps:get(busy, Stats, 0)),
      queued => count(maps:get(queued, Stats, 0))}.

connections() ->
    count(source(connections)).

%% The registered application's own setting (the fixture's: fixture | lager | otp).
configured_backend() ->
    case source(logger_backend) of
        B when is_atom(B) -> B;
        _ -> undefined
    end.

normalize_logger(M) ->
    #{backend => atom_or_undefined(maps:get(backend, M, undefined)),
      mode => mode(maps:get(mode, M, undefined)),
      queue_len => count(maps:get(queue_len, M, 0)),
      switches => count(maps:get(switches, M, 0)),
      written => count(maps:get(written, M, 0)),
      dropped => count(maps:get(dropped, M, 0)),
      kills => count(maps:get(kills, M, 0))}.

mode(M) when M =:= async; M =:= sync; M =:= drop; M =:= flush; M =:= killed -> M;
mode(_) -> undefined.

count(N) when is_integer(N), N >= 0 -> N;
count(_) -> 0.

atom_or_undefined(A) when is_atom(A) -> A;
atom_or_undefined(_) -> undefined.

queue_len(Pid) ->
    case erlang:process_info(Pid, message_queue_len) of
        {message_queue_len, N} -> N;
        undefined -> 0
    end.

%%====================================================================
%% diagnose: the scan
%%====================================================================

scan([], _Self, _Deadline, Acc) ->
    {Acc, false};
scan([P | Ps], Self, Deadline, #acc{scanned = N} = Acc) ->
    case N band ?CHECK_MASK =:= 0 andalso
         erlang:monotonic_time(microsecond) >= Deadline of
        true ->
            {Acc, true};
        false ->
            Acc1 = case P =:= Self of
                       true -> Acc;  % the probe's own pid list would top top_memory
                       false -> visit(P, Acc)
                   end,
            scan(Ps, Self, Deadline, Acc1#acc{scanned = N + 1})
    end.

visit(P, Acc) ->
    Items = [current_function, current_stacktrace, message_queue_len, registered_name,
             total_heap_size],
    case erlang:process_info(P, Items) of
        [{current_function, CF}, {current_stacktrace, ST}, {message_queue_len, Q},
         {registered_name, RN}, {total_heap_size, Heap}] ->
            Name = case RN of [] -> undefined; _ -> RN end,
            Mem = Heap * erlang:system_info(wordsize),
            Key = stack_key(ST),
            {Target, Acc1} = case lists:member(CF, ?WAITING_FUNS) of
                                 true -> waiting_on(P, Acc);
                                 false -> {undefined, Acc}
                             end,
            #acc{funs = Funs, stacks = Stacks, waits = Waits, topq = TopQ,
                 topm = TopM} = Acc1,
            Group = case Stacks of
                        #{Key := {C, Sample, Ts}} -> {C + 1, Sample, bump(Target, Ts)};
                        #{} -> {1, P, bump(Target, #{})}
                    end,
            Acc1#acc{funs = bump(CF, Funs),
                     stacks = Stacks#{Key => Group},
                     waits = bump(Target, Waits),
                     topq = case Q of
                                0 -> TopQ;
                                _ -> topn_add({Q, P, Name, Mem, CF}, TopQ)
                            end,
                     topm = topn_add({Mem, P, Name, Q, CF}, TopM)};
        _ ->
            Acc  % exited since processes/0
    end.

bump(undefined, M) -> M;
bump(K, M) ->
    case M of
        #{K := C} -> M#{K := C + 1};
        #{} -> M#{K => 1}
    end.

stack_key(ST) ->
    [{M, F, arity(A)} || {M, F, A, _Loc} <- lists:sublist(ST, ?STACK_FRAMES)].

arity(A) when is_list(A) -> length(A);
arity(A) -> A.

%% A process inside a call holds a monitor on the callee (gen:do_call/4 and io's request
%% functions both monitor it), so the callee is found without reading the stack: one
%% process_info(P, monitors) per waiting process, one lookup per distinct target (cached).
%% With several monitors the first registered target wins (best effort).
waiting_on(P, #acc{targets = Targets} = Acc) ->
    Monitors = case erlang:process_info(P, monitors) of
                   {monitors, Ms} -> [T || {process, T} <- Ms];
                   undefined -> []
               end,
    {Resolved, Targets1} = lists:foldl(
                             fun(T, {Rs, Cache}) ->
                                     {R, Cache1} = resolve_target(T, Cache),
                                     {[R | Rs], Cache1}
                             end, {[], Targets}, Monitors),
    Target = case lists:reverse(Resolved) of
                 [] -> undefined;
                 [First | _] = All ->
                     case [B || {B, named} <- All] of
                         [B | _] -> B;
                         [] -> element(1, First)
                     end
             end,
    {Target, Acc#acc{targets = Targets1}}.

%% -> {{TargetBin, named | unnamed}, Cache}; the cache also holds the target's queue length.
resolve_target(T, Cache) ->
    case Cache of
        #{T := {Bin, _Q, Kind}} ->
            {{Bin, Kind}, Cache};
        #{} ->
            {Bin, Q, Kind} = describe_target(T),
            {{Bin, Kind}, Cache#{T => {Bin, Q, Kind}}}
    end.

describe_target({Name, Node}) when Node =:= node() ->
    case whereis(Name) of
        undefined -> {atom_to_binary(Name, utf8), 0, named};
        Pid -> {atom_to_binary(Name, utf8), queue_len(Pid), named}
    end;
describe_target({Name, Node}) ->
    {iolist_to_binary([atom_to_binary(Name, utf8), $@, atom_to_binary(Node, utf8)]), 0,
     named};
describe_target(Pid) when is_pid(Pid), node(Pid) =:= node() ->
    case erlang:process_info(Pid, [registered_name, message_queue_len]) of
        [{registered_name, []}, {message_queue_len, Q}] -> {pid_bin(Pid), Q, unnamed};
        [{registered_name, N}, {message_queue_len, Q}] -> {atom_to_binary(N, utf8), Q, named};
        undefined -> {pid_bin(Pid), 0, unnamed}
    end;
describe_target(Pid) when is_pid(Pid) ->
    {pid_bin(Pid), 0, unnamed}.

%%====================================================================
%% diagnose: top N and the reply
%%====================================================================

summarize(TopN, #acc{funs = Funs, stacks = Stacks, waits = Waits, targets = Targets,
                     topq = TopQ, topm = TopM}) ->
    TargetQueue = maps:from_list([{Bin, Q} || {Bin, Q, _} <- maps:values(Targets)]),
    ByFunction = [#{count => C, function => mfa_bin(F)}
                  || {C, F} <- top_counts(TopN, Funs)],
    ByStack = [begin
                   {C, Sample, Ts} = maps:get(K, Stacks),
                   Target = most_common(Ts),
                   #{count => C,
                     stack => [mfa_bin(Fr) || Fr <- K],
                     waiting_on => Target,
                     target_queue => maps:get(Target, TargetQueue, 0),
                     sample_pid => pid_bin(Sample)}
               end || {_, K} <- top_counts(TopN, maps:map(fun(_, {C, _, _}) -> C end,
                                                         Stacks))],
    ByWaiting = [#{count => C, target => T, target_queue => maps:get(T, TargetQueue, 0)}
                 || {C, T} <- top_counts(TopN, Waits)],
    TopQueues = [proc_entry(P, Name, Q, Mem, CF) || {Q, P, Name, Mem, CF} <- topn_list(TopQ)],
    TopMemory = [proc_entry(P, Name, Q, Mem, CF) || {Mem, P, Name, Q, CF} <- topn_list(TopM)],
    #{by_function => ByFunction,
      by_stack => ByStack,
      by_waiting_on => ByWaiting,
      top_queues => TopQueues,
      top_memory => TopMemory}.

-spec proc_entry(pid(), atom(), non_neg_integer(), non_neg_integer(), term()) -> proc_entry().
proc_entry(P, Name, Q, Mem, CF) ->
    #{pid => pid_bin(P), name => Name, queue => Q, memory => Mem, function => mfa_bin(CF)}.

%% Highest counts first; ties in key order, so the reply is deterministic.
top_counts(N, CountMap) ->
    Sorted = lists:sort(fun({C1, K1}, {C2, K2}) -> {C2, K1} =< {C1, K2} end,
                        [{C, K} || {K, C} <- maps:to_list(CountMap)]),
    lists:sublist(Sorted, N).

most_common(Ts) ->
    case top_counts(1, Ts) of
        [{_, T}] -> T;
        [] -> undefined
    end.

%% A bounded "largest N" set: {Size, Limit, Set}. Adding costs O(log N), and is a single
%% comparison once the set is full and the new element is smaller than all kept ones.
topn_new(Limit) -> {0, Limit, gb_sets:empty()}.

topn_add(_E, {_, 0, _} = T) -> T;
topn_add(E, {Size, Limit, Set}) when Size < Limit ->
    {Size + 1, Limit, gb_sets:add(E, Set)};
topn_add(E, {Size, Limit, Set} = T) ->
    case E > gb_sets:smallest(Set) of
        true -> {Size, Limit, gb_sets:add(E, gb_sets:delete(gb_sets:smallest(Set), Set))};
        false -> T
    end.

topn_list({_, _, Set}) -> lists:reverse(gb_sets:to_list(Set)).

mfa_bin({M, F, A}) when is_atom(M), is_atom(F), is_integer(A) ->
    iolist_to_binary([atom_to_binary(M, utf8), $:, atom_to_binary(F, utf8), $/,
                      integer_to_binary(A)]);
mfa_bin(Other) ->
    iolist_to_binary(io_lib:format("~0p", [Other])).

pid_bin(P) -> list_to_binary(pid_to_list(P)).
