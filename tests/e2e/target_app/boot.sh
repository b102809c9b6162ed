# tests/e2e/target_app/boot.sh -- a node logjam did not start, for the [target] tests: its
# own name, its own cookie in a private 0700 directory, distribution without epmd on
# 127.0.0.1, an HTTP service (tg_http) on 127.0.0.1 logging through real lager. Source it after
# lib.sh; boot_target starts it, tg_call asks it (erl_call, the cookie read from its HOME),
# stop_target stops it. The EXIT trap kills it if the test fails first.
ERL_CALL=$(erl -noshell -eval 'io:format("~s",[code:lib_dir(erl_interface)]),halt().')/bin/erl_call
TG_PID=

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

boot_target() {
    TG_DIR=$(mktemp -d "$T/tg.XXXXXX")
    chmod 700 "$TG_DIR"
    mkdir "$TG_DIR/ebin"
    erlc +warnings_as_errors -o "$TG_DIR/ebin" tests/e2e/target_app/tg_http.erl
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$TG_DIR/.erlang.cookie"
    chmod 400 "$TG_DIR/.erlang.cookie"
    TG_COOKIE="$TG_DIR/cookie"                      # logjam's copy: 0600, the same cookie
    install -m 600 "$TG_DIR/.erlang.cookie" "$TG_COOKIE"
    TG_DPORT=$(free_port)
    cat >"$TG_DIR/sys.config" <<CONFIG
[{lager, [{handlers, [{lager_file_backend, [{file, "$TG_DIR/tg.log"}, {level, debug}]}]},
          {async_threshold, 20}, {async_threshold_window, 5},
          {crash_log, false}, {log_root, "$TG_DIR"}]},
 {kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].
CONFIG
    (cd "$TG_DIR" && HOME="$TG_DIR" exec erl -noshell -name tg@127.0.0.1 -start_epmd false \
        -erl_epmd_port "$TG_DPORT" -kernel inet_dist_use_interface '{127,0,0,1}' +P 1048576 \
        -pa "$TG_DIR/ebin" -config "$TG_DIR/sys" -s tg_http start "$TG_DIR/port" \
        </dev/null >"$TG_DIR/node.log" 2>&1) &
    TG_PID=$!
    trap 'kill -9 $TG_PID 2>/dev/null || true; cleanup' EXIT
    wait_for 30 test -s "$TG_DIR/port" || fail "the target did not start: $(cat "$TG_DIR/node.log")"
    TG_URL="http://127.0.0.1:$(cat "$TG_DIR/port")"
}

# tg_call 'MOD FUN [ARGS]': apply on the target, its reply printed.
tg_call() { HOME="$TG_DIR" "$ERL_CALL" -address "127.0.0.1:$TG_DPORT" -timeout 10 -a "$1"; }

# The target holds none of logjam's probe modules.
no_probe_loaded() {
    local loaded
    loaded=$(tg_call 'erlang loaded') || fail "the target does not answer"
    ! echo "$loaded" | grep -q 'logjam_'
}

stop_target() {
    tg_call 'init stop' >/dev/null || true
    wait_for 15 bash -c "! kill -0 $TG_PID 2>/dev/null" || fail "the target did not stop"
}
