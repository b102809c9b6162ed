%% @doc EUnit tests of logjam_settings on a bare node (no lager, no Elixir): OTP logger's
%% handlers with their overload settings, read without changing anything.
-module(logjam_settings_tests).

-include_lib("eunit/include/eunit.hrl").

otp_default_handler_overload_settings_test() ->
    #{lager := Lager, elixir := Elixir, otp := Otp} = logjam_settings:logger(),
    ?assertEqual(undefined, Lager),
    ?assertEqual(undefined, Elixir),
    #{handlers := Handlers, level := Level} = Otp,
    ?assert(is_atom(Level)),
    [Default] = [H || #{id := default} = H <- Handlers],
    #{module := logger_std_h, overload := Over} = Default,
    {ok, #{config := Config}} = logger:get_handler_config(default),
    ?assertEqual(maps:get(sync_mode_qlen, Config), maps:get(sync_mode_qlen, Over)),
    ?assertEqual(maps:get(flush_qlen, Config), maps:get(flush_qlen, Over)).

reading_changes_nothing_test() ->
    Before = logger:get_handler_config(),
    _ = logjam_settings:logger(),
    ?assertEqual(Before, logger:get_handler_config()).
