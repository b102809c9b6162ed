%% @doc The fixture logger's file backend: per line, the work lager 3.9.2's
%% lager_file_backend does inside the manager process.
%%
%% The capacity of this handler is what decides when the manager's queue grows, and so
%% when the throttle flips; it must therefore cost what lager's costs, not less. Per
%% event it formats the line (timestamp, [level], pid, message - lager's default
%% formatter's shape), calls `file:read_file_info(Name, [raw])' (lager >= 3.8 checks on
%% every write whether the file was moved or deleted, and reopens it if so) and writes to
%% a file opened `[append, raw, binary, {delayed_write, 65536, 1000}]' (lager's
%% sync_size/sync_interval). Past 10 MiB the file is rotated as lager_rotator_default does
%% with lager_file_backend's defaults (size 10485760, count 5): four renames .3 -> .4 ...
%% .0 -> .1, the file -> .0, and a reopen, all inside the manager - under a debug flood that
%% is a stall every few seconds, and the first bursts over async_threshold come from it.
%% Then `write_cost_us' simulates a slow disk: whole milliseconds are slept (`receive
%% after', which leaves the mailbox alone and the CPU free, as a process blocked on a disk
%% would), the sub-millisecond remainder is busy-waited on the monotonic clock.
-module(fx_log_file).
-behaviour(gen_event).

-include_lib("kernel/include/file.hrl").
-include("fx_log.hrl").

%% API
-export([format_line/1]).
%% gen_event callbacks
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2]).

-define(OPEN_MODES, [append, raw, binary, {delayed_write, 65536, 1000}]).
%% lager_file_backend's defaults: rotate past ?ROTATE_SIZE bytes, keep ?ROTATE_COUNT files.
-define(ROTATE_SIZE, 10485760).
-define(ROTATE_COUNT, 5).

-record(state, {
    name :: file:filename_all(),
    fd :: file:io_device() | undefined,
    inode :: non_neg_integer() | undefined,
    write_cost_us :: non_neg_integer(),
    counters :: counters:counters_ref()
}).
-type state() :: #state{}.

%%====================================================================
%% API
%%====================================================================

%% @doc `2024-05-01 12:00:00.123 [debug] <0.123.0> message\n', as iodata.
-spec format_line(#fx_log_msg{}) -> iodata().
format_line(#fx_log_msg{level = Level, datetime = {Date, Time}, pid = Pid, message = Msg}) ->
    [Date, $\s, Time, " [", atom_to_list(Level), "] ", erlang:pid_to_list(Pid), $\s, Msg, $\n].

%%====================================================================
%% gen_event callbacks
%%====================================================================

-spec init({file:filename_all(), non_neg_integer(), counters:counters_ref()}) ->
          {ok, state()} | {error, term()}.
init({Name, WriteCostUs, Counters}) ->
    State = #state{name = Name, write_cost_us = WriteCostUs, counters = Counters},
    case open(State) of
        {ok, State1} -> {ok, State1};
        {error, Reason} -> {error, {log_file, Name, Reason}}
    end.

-spec handle_event(term(), state()) -> {ok, state()}.
handle_event({log, #fx_log_msg{} = Msg}, State) ->
    Line = format_line(Msg),
    State1 = check_file(State),
    _ = case State1#state.fd of
            undefined -> ok;
            Fd -> file:write(Fd, Line)
        end,
    counters:add(State1#state.counters, ?FX_C_WRITTEN, 1),
    slow_disk(State1#state.write_cost_us),
    {ok, State1};
handle_event(_Event, State) ->
    {ok, State}.

-spec handle_call(term(), state()) -> {ok, {error, unknown_call}, state()}.
handle_call(_Request, State) ->
    {ok, {error, unknown_call}, State}.

-spec handle_info(term(), state()) -> {ok, state()}.
handle_info(_Info, State) ->
    {ok, State}.

-spec terminate(term(), state()) -> ok.
terminate(_Reason, #state{fd = undefined}) ->
    ok;
terminate(_Reason, #state{fd = Fd}) ->
    _ = file:close(Fd),
    ok.

%%====================================================================
%% Internal functions
%%====================================================================

open(#state{name = Name} = State) ->
    _ = filelib:ensure_dir(Name),
    case file:open(Name, ?OPEN_MODES) of
        {ok, Fd} ->
            Inode = case file:read_file_info(Name, [raw]) of
                        {ok, #file_info{inode = I}} -> I;
                        _ -> undefined
                    end,
            {ok, State#state{fd = Fd, inode = Inode}};
        {error, _} = Error ->
            Error
    end.

%% lager_rotator_default:ensure_logfile/5, called before every write: a moved or deleted
%% file is reopened so lines do not vanish into an unlinked inode, and a file past
%% ?ROTATE_SIZE is rotated first (lager_file_backend:write/4).
check_file(#state{name = Name, inode = Inode} = State) ->
    case file:read_file_info(Name, [raw]) of
        {ok, #file_info{inode = Inode, size = Size}} when Size > ?ROTATE_SIZE ->
            rotate(Name, ?ROTATE_COUNT),
            reopen(State);
        {ok, #file_info{inode = Inode}} ->
            State;
        _ ->
            reopen(State)
    end.

%% As lager_rotator_default:reopen_logfile/3: flush to disk (datasync), close, open anew.
reopen(#state{fd = Fd} = State) ->
    _ = case Fd of
            undefined -> ok;
            _ -> file:datasync(Fd), file:close(Fd)
        end,
    case open(State) of
        {ok, State1} -> State1;
        {error, _} -> State#state{fd = undefined, inode = undefined}
    end.

%% lager_rotator_default:rotate_logfile/2: shift Name.(N-2) to Name.(N-1) down to
%% Name.0 -> Name.1, then Name -> Name.0.
rotate(Name, 1) ->
    _ = file:rename(Name, suffixed(Name, 0)),
    ok;
rotate(Name, Count) ->
    _ = file:rename(suffixed(Name, Count - 2), suffixed(Name, Count - 1)),
    rotate(Name, Count - 1).

suffixed(Name, N) ->
    unicode:characters_to_list([Name, $., integer_to_list(N)]).

slow_disk(0) ->
    ok;
slow_disk(Us) when Us >= 1000 ->
    receive after Us div 1000 -> ok end,
    spin_until(erlang:monotonic_time(microsecond) + Us rem 1000);
slow_disk(Us) ->
    spin_until(erlang:monotonic_time(microsecond) + Us).

spin_until(Deadline) ->
    case erlang:monotonic_time(microsecond) >= Deadline of
        true -> ok;
        false -> spin_until(Deadline)
    end.
