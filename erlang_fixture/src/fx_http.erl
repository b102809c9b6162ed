%% @doc The fixture's HTTP routes and responses, as pure functions.
%%
%% Kept apart from the connection process so the parsing of `/work?logs=..' and the
%% status codes can be tested without a socket. Query values are validated with bounds:
%% a typo in a scenario's request line must come back as a 400 the load generator counts,
%% not as a worker that logs four billion times.
-module(fx_http).

%% API
-export([route/1, response/3, reason_phrase/1]).

-export_type([route/0, work/0]).

-type work() :: #{logs := non_neg_integer(), level := fx_config:level(),
                  bytes := non_neg_integer(), work_us := non_neg_integer()}.
-type route() :: ping
               | {stall, non_neg_integer()}
               | {work, work()}
               | {error, 400 | 404, binary()}.

-define(MAX_LOGS, 100000).
-define(MAX_BYTES, 1048576).
-define(MAX_WORK_US, 10000000).
-define(MAX_STALL_MS, 600000).

%%====================================================================
%% API
%%====================================================================

%% @doc Route a request target (`/work?logs=10&level=debug').
-spec route(Target :: binary()) -> route().
route(Target) ->
    {Path, Query} = case binary:split(Target, <<"?">>) of
                        [P, Q] -> {P, Q};
                        [P] -> {P, <<>>}
                    end,
    try uri_string:dissect_query(Query) of
        Params when is_list(Params) -> route(Path, Params);
        _ -> {error, 400, <<"bad query string\n">>}
    catch
        _:_ -> {error, 400, <<"bad query string\n">>}
    end.

%% @doc A complete HTTP/1.1 response with Content-Length; `connection: close' unless
%% KeepAlive.
-spec response(Status :: pos_integer(), Body :: iodata(), KeepAlive :: boolean()) -> iodata().
response(Status, Body, KeepAlive) ->
    Conn = case KeepAlive of
               true -> <<"keep-alive">>;
               false -> <<"close">>
           end,
    [<<"HTTP/1.1 ">>, integer_to_binary(Status), $\s, reason_phrase(Status),
     <<"\r\ncontent-type: text/plain\r\ncontent-length: ">>,
     integer_to_binary(iolist_size(Body)),
     <<"\r\nconnection: ">>, Conn, <<"\r\n\r\n">>, Body].

-spec reason_phrase(pos_integer()) -> binary().
reason_phrase(200) -> <<"OK">>;
reason_phrase(400) -> <<"Bad Request">>;
reason_phrase(404) -> <<"Not Found">>;
reason_phrase(405) -> <<"Method Not Allowed">>;
reason_phrase(500) -> <<"Internal Server Error">>;
reason_phrase(503) -> <<"Service Unavailable">>;
reason_phrase(_) -> <<"Unknown">>.

%%====================================================================
%% Internal functions
%%====================================================================

route(<<"/ping">>, _Params) ->
    ping;
route(<<"/stall">>, Params) ->
    with_params([{<<"ms">>, 0, fun(V) -> int(V, ?MAX_STALL_MS) end}], Params,
                fun(#{<<"ms">> := Ms}) -> {stall, Ms} end);
route(<<"/work">>, Params) ->
    Spec = [{<<"logs">>, 1, fun(V) -> int(V, ?MAX_LOGS) end},
            {<<"level">>, debug, fun level/1},
            {<<"bytes">>, 100, fun(V) -> int(V, ?MAX_BYTES) end},
            {<<"work_us">>, 0, fun(V) -> int(V, ?MAX_WORK_US) end}],
    with_params(Spec, Params,
                fun(#{<<"logs">> := L, <<"level">> := Lv, <<"bytes">> := B,
                      <<"work_us">> := W}) ->
                        {work, #{logs => L, level => Lv, bytes => B, work_us => W}}
                end);
route(_Path, _Params) ->
    {error, 404, <<"not found\n">>}.

%% Unknown parameters are ignored; a known one with a bad value is a 400 naming it.
with_params(Spec, Params, Build) ->
    try
        Values = maps:from_list(
                   [{Name, case lists:keyfind(Name, 1, Params) of
                               false -> Default;
                               {Name, Raw} when is_binary(Raw) -> parse(Name, Raw, Parse);
                               {Name, _} -> throw({bad, Name, <<>>})
                           end} || {Name, Default, Parse} <- Spec]),
        Build(Values)
    catch
        throw:{bad, Name, Raw} ->
            {error, 400, iolist_to_binary([<<"bad value for ">>, Name, <<": '">>, Raw,
                                           <<"'\n">>])}
    end.

parse(Name, Raw, Parse) ->
    case Parse(Raw) of
        {ok, V} -> V;
        error -> throw({bad, Name, Raw})
    end.

int(Bin, Max) ->
    try binary_to_integer(Bin) of
        N when N >= 0, N =< Max -> {ok, N};
        _ -> error
    catch
        error:badarg -> error
    end.

level(Bin) ->
    Levels = [{atom_to_binary(L), L} || L <- fx_config:levels()],
    case lists:keyfind(Bin, 1, Levels) of
        {_, L} -> {ok, L};
        false -> error
    end.
