%% @doc The work behind `GET /work': busy work, N log calls, reply to the connection.
%%
%% This is the code whose stack the incident's author found 100k times:
%% gen:do_call/4 <- gen_event:rpc/2 <- (logger) <- (worker). The log loop is written so
%% that no frame is lost to tail calls - a blocked worker reads
%% `gen:do_call/4, gen_event:rpc/2, fx_log_fixture:do_log/3, fx_log:log/3,
%% fx_worker:log_n/4, fx_worker:do_job/1, fx_worker:run/2'.
-module(fx_worker).

%% API
-export([run/2, pool_loop/2, do_job/1]).

-export_type([job/0]).

-type job() :: #{logs := non_neg_integer(),
                 level := fx_config:level(),
                 bytes := non_neg_integer(),
                 work_us := non_neg_integer(),
                 reply_to := pid(),
                 ref := reference()}.

-define(C_BUSY, 1).
%% "request 1/10 from <0.1234.0>: " plus the payload makes about `bytes' bytes.
-define(FORMAT, "request ~b/~b from ~p: ~s").
-define(OVERHEAD, 32).

%%====================================================================
%% API
%%====================================================================

%% @doc Spawn mode: one process per request. The busy count was raised by the spawner;
%% it is lowered here however the job ends. A job killed by the logger's killer (its
%% sync_notify exits with `killed', as lager's callers do) takes this process with it;
%% the connection process monitors it and answers 500.
-spec run(job(), counters:counters_ref()) -> ok.
run(Job, Counters) ->
    try
        do_job(Job)
    after
        counters:sub(Counters, ?C_BUSY, 1)
    end.

%% @doc Bounded mode: a long-lived worker of fx_pool. A crashing job is answered with an
%% error so the pool keeps its size; the pool counts busy/queued.
-spec pool_loop(pid(), counters:counters_ref()) -> no_return().
pool_loop(Pool, Counters) ->
    receive
        {job, #{reply_to := To, ref := Ref} = Job} ->
            try
                do_job(Job)
            catch
                Class:Reason ->
                    To ! {fx_reply, Ref, {error, {Class, Reason}}}
            end,
            Pool ! {done, self()},
            pool_loop(Pool, Counters)
    end.

%% @doc Busy-wait `work_us' on the monotonic clock, log `logs' times, reply `ok'.
-spec do_job(job()) -> ok.
do_job(#{logs := N, level := Level, bytes := Bytes, work_us := WorkUs,
         reply_to := To, ref := Ref}) ->
    spin_until(erlang:monotonic_time(microsecond) + WorkUs),
    Payload = binary:copy(<<"x">>, max(0, Bytes - ?OVERHEAD)),
    log_n(1, N, Level, Payload),
    To ! {fx_reply, Ref, ok},
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

log_n(I, N, _Level, _Payload) when I > N ->
    ok;
log_n(I, N, Level, Payload) ->
    ok = fx_log:log(Level, ?FORMAT, [I, N, self(), Payload]),
    log_n(I + 1, N, Level, Payload).

spin_until(Deadline) ->
    case erlang:monotonic_time(microsecond) >= Deadline of
        true -> ok;
        false -> spin_until(Deadline)
    end.
