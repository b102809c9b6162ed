# logjam attach in a real terminal (tmux): the live view of a hand-booted lager node shows
# its gauges; under a flood (logjam load) the key d shows the stuck functions and whom they
# wait on (lager_event); q quits with exit 0, the usual summary.json and report.html, no
# logjam module left in the target, the target alive.
. tests/e2e/lib.sh
. tests/e2e/target_app/boot.sh
command -v tmux >/dev/null || fail "tmux is not installed (scripts/install-deps)"
boot_target
S="logjam-attach-$$"
screen() { tmux -L "$S" capture-pane -p; }
shows() { screen | grep -q "$1"; }
trap 'tmux -L "$S" kill-server 2>/dev/null || true; kill -9 $TG_PID 2>/dev/null || true; cleanup' EXIT
tmux -L "$S" new-session -d -x 120 -y 45 "$LOGJAM attach tg@127.0.0.1 --cookie-file $TG_COOKIE --port $TG_DPORT --interval 500ms --out $OUT 2>$T/stderr; echo \$? >$T/code; sleep 120"
wait_for 20 shows "processes    " || fail "no view: $(screen)"
shows "logger       mode async" || fail "no logger line: $(screen)"
shows "stuck functions: press d" || fail "no key hint: $(screen)"
"$LOGJAM" load -c 3000 -R 3000 -d 8s --timeout 1s "$TG_URL/work?logs=10" >/dev/null 2>&1 &
load=$!
piled_up() { [ "$(screen | awk '/^processes/ {gsub(",", "", $2); print $2}')" -gt 1000 ]; }
wait_for 10 piled_up || fail "no pile-up in the view: $(screen)"
tmux -L "$S" send-keys d
wait_for 20 shows "waiting on lager_event" || fail "d did not show whom they wait on: $(screen)"
shows "lager:do_log_impl" || fail "d did not show lager's path: $(screen)"
tmux -L "$S" send-keys q
wait_for 20 test -s "$T/code" || fail "q did not quit: $(screen)"
[ "$(cat "$T/code")" = 0 ] || fail "attach exit $(cat "$T/code"): $(cat "$T/stderr")"
wait "$load" || true
[ "$(json "$OUT/summary.json" "j['diagnosis']['trigger']")" = "key d" ] || fail "summary.json diagnosis"
[ -s "$OUT/report.html" ] || fail "no report.html"
kill -0 "$TG_PID" || fail "the target was killed"
no_probe_loaded || fail "a logjam module left in the target"
stop_target
assert_nothing_left
