%% @doc The fixture logger's file backend: per line, the work lager 3.9.2's
%% lager_file_backend does inside the manager process.
%%
%% The capacity of this handler is what decides when the manager's queue grows, and so
%% when the throttle flips; it must therefore cost what lager's costs, not less. Per
%% event it formats the line (timestamp, [level], pid, message - lager's default
%% formatter's shape) and writes it to a file opened `[append, raw, binary,
%% {delayed_write, 65536, 1000}]' (lager's sync_size/sync_interval), checking the file
%% as lager_file_backend:write/4 does: every write stats the file for its inode
%% (lager_util:has_file_changed/3: a moved or deleted file is reopened at once); the size
%% is looked at only when `check_interval' (1000 ms, lager's default) has passed since the
%% last check - measured on the events' own timestamps, as lager does - or the inode
%% changed. A file found past 10 MiB then is rotated as lager_rotator_default does with
%% lager_file_backend's defaults (size 10485760, count 5): four renames .3 -> .4 ... .0 ->
%% .1, the file -> .0, a fresh empty file, and a reopen, all inside the manager - under a
%% debug flood that is a stall every few seconds, and the first bursts over
%% async_threshold come from it. Between two checks the file grows past 10 MiB by up to
%% a second of lines, as lager's does. The line goes to file:write as iodata: lager encodes
%% it first (unicode:characters_to_binary), which costs what file:write's own conversion of
%% iodata costs (bench/sink_drain), so the fixture leaves it out.
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
%% lager_file_backend's default check_interval (ms).
-define(CHECK_INTERVAL_MS, 1000).

-record(state, {
    name :: file:filename_all(),
    fd :: file:io_device() | undefined,
    inode :: non_neg_integer() | undefined,
    last_check_us :: integer(),        %% event timestamp (system time) of the last check
    write_cost_us :: non_neg_integer(),
    counters :: counters:counters_ref(),
    publish_queue :: boolean()         %% the only handler: publish the queue length
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

%% PublishQueue: no throttle or killer reads the manager's queue, so this handler reads it
%% on every event and publishes it (fx_log_fixture:queue_put/2) - one process_info of
%% itself per line, the only work here that lager's file backend does not do.
-spec init({file:filename_all(), non_neg_integer(), counters:counters_ref(), boolean()}) ->
          {ok, state()} | {error, term()}.
init({Name, WriteCostUs, Counters, PublishQueue}) ->
    State = #state{name = Name, last_check_us = erlang:system_time(microsecond),
                   write_cost_us = WriteCostUs, counters = Counters,
                   publish_queue = PublishQueue},
    case open(State) of
        {ok, State1, _Size} -> {ok, State1};
        {error, Reason} -> {error, {log_file, Name, Reason}}
    end.

-spec handle_event(term(), state()) -> {ok, state()}.
handle_event({log, #fx_log_msg{time_us = Us} = Msg},
             #state{counters = C, publish_queue = Publish} = State) ->
    _ = Publish andalso publish_queue(C),
    State1 = write(State, Us, format_line(Msg)),
    counters:add(C, ?FX_C_WRITTEN, 1),
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

%% lager_file_backend:write/4: check the file when due (see the module doc), rotate it if
%% it is past ?ROTATE_SIZE (then write into the fresh file), write. A file that cannot be
%% opened loses the line; the next line tries again.
write(State, Us, Line) ->
    case check_due(State, Us) of
        false ->
            do_write(State, Line);
        true ->
            case ensure_file(State) of
                {ok, State1, Size} when Size > ?ROTATE_SIZE ->
                    State2 = close(State1),
                    case rotate(State2#state.name, ?ROTATE_COUNT) of
                        ok -> write(State2, Us, Line);
                        {error, _} -> State2
                    end;
                {ok, State1, _Size} ->
                    do_write(State1#state{last_check_us = Us}, Line);
                {error, State1} ->
                    State1
            end
    end.

%% lager_file_backend:write_should_check/2.
check_due(#state{fd = undefined}, _Us) ->
    true;
check_due(#state{last_check_us = Last, name = Name, inode = Inode}, Us) ->
    (Us - Last) div 1000 >= ?CHECK_INTERVAL_MS orelse file_changed(Name, Inode).

%% lager_util:has_file_changed/3 (not Windows): moved, deleted or unreadable.
file_changed(Name, Inode) ->
    case file:read_file_info(Name, [raw]) of
        {ok, #file_info{inode = Inode}} -> false;
        _ -> true
    end.

%% lager_rotator_default:ensure_logfile/5: open if closed, reopen if the inode changed;
%% {ok, State, Size} with the file's size, or {error, State} with the file closed.
ensure_file(#state{fd = undefined} = State) ->
    open_or_error(State);
ensure_file(#state{name = Name, inode = Inode} = State) ->
    case file:read_file_info(Name, [raw]) of
        {ok, #file_info{inode = Inode, size = Size}} -> {ok, State, Size};
        _ -> open_or_error(close(State))
    end.

open_or_error(State) ->
    case open(State) of
        {ok, _, _} = Ok -> Ok;
        {error, _} -> {error, State#state{fd = undefined, inode = undefined}}
    end.

open(#state{name = Name} = State) ->
    _ = filelib:ensure_dir(Name),
    case file:open(Name, ?OPEN_MODES) of
        {ok, Fd} ->
            case file:read_file_info(Name, [raw]) of
                {ok, #file_info{inode = Inode, size = Size}} ->
                    {ok, State#state{fd = Fd, inode = Inode}, Size};
                {error, _} = Error ->
                    _ = file:close(Fd),
                    Error
            end;
        {error, _} = Error ->
            Error
    end.

%% As lager_file_backend:close_file/1: flush to disk (datasync), close.
close(#state{fd = undefined} = State) ->
    State;
close(#state{fd = Fd} = State) ->
    _ = file:datasync(Fd),
    _ = file:close(Fd),
    State#state{fd = undefined}.

do_write(#state{fd = Fd} = State, Line) ->
    _ = file:write(Fd, Line),
    State.

publish_queue(C) ->
    {message_queue_len, Len} = erlang:process_info(self(), message_queue_len),
    fx_log_fixture:queue_put(C, Len).

%% lager_rotator_default:rotate_logfile/2: shift Name.(N-2) to Name.(N-1) down to
%% Name.0 -> Name.1, then Name -> Name.0, then a fresh empty file (opened without `raw',
%% truncating, as lager does) and its ctime read. ok, or the error of that last open.
rotate(Name, 1) ->
    _ = file:rename(Name, suffixed(Name, 0)),
    case file:open(Name, [write]) of
        {ok, Fd} ->
            _ = file:close(Fd),
            _ = file:read_file_info(Name, [raw]),
            ok;
        {error, _} = Error ->
            Error
    end;
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
