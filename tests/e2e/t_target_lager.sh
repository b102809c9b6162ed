# [target]: a node logjam did not start (booted here by hand: its own name, cookie and
# loopback-only distribution), an HTTP service logging through real lager. logjam floods,
# samples, diagnoses and gates it (exit 99, lager's path named), shows the logger settings
# it read, never kills it and leaves none of its modules in it; the safety cap stops only the
# load; a different module under a probe module's name is refused and left alone.
. tests/e2e/lib.sh
. tests/e2e/target_app/boot.sh
boot_target
no_probe_loaded || fail "the target holds a logjam module before the run"
cat >"$T/target.ini" <<INI
[run]
duration = 6s
recovery = 3s
baseline = 1s
[load]
connections = 3000
rate = 3000/s
ramp = 1s
[target]
node = tg@127.0.0.1
cookie_file = $TG_COOKIE
port = $TG_DPORT
url = $TG_URL/work?logs=10
[gates]
processes = max < 2000
INI
run_logjam 99 run "$T/target.ini" --out "$OUT" --no-progress
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = fail ] || fail "verdict"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -gt 2000 ] || fail "processes max $max: no pile-up on the target"
[ "$(json "$s" "j['target']['node']")" = tg@127.0.0.1 ] || fail "summary.json target.node"
[ "$(json "$s" "j['target']['logger']['lager']['sinks'][0]['async_threshold']")" = 20 ] ||
    fail "lager's async_threshold as read from the target"
[ "$(json "$s" "j['target']['probe']['logjam_probe']")" = "loaded by logjam" ] || fail "probe"
summary=$(json "$s" "j['diagnosis']['summary']")
echo "$summary" | grep -q "lager:do_log_impl" || fail "diagnosis does not name lager:do_log_impl: $summary"
echo "$summary" | grep -q "waiting on lager_event" || fail "diagnosis does not name lager_event: $summary"
grep -q "logger settings: lager sink lager_event: async_threshold 20" "$T/stdout" ||
    fail "text summary does not show lager's settings"
grep -q 'id="logger-settings"' "$OUT/report.html" || fail "report.html does not show the settings"
kill -0 "$TG_PID" || fail "the target was killed"
no_probe_loaded || fail "the target still holds a logjam module: $(tg_call 'erlang loaded' | grep -o 'logjam_[a-z]*')"
grep -qFf "$TG_COOKIE" "$T/stdout" "$T/stderr" "$s" && fail "the cookie is in the output"

# The safety cap: it stops the load, says so, and the target lives on.
run_logjam 99 run "$T/target.ini" --out "$OUT/cap" --no-progress --set run.node_memory_limit=100MiB
[ "$(json "$OUT/cap/summary.json" "j['verdict']")" = capped ] || fail "cap verdict"
grep -q "the load was stopped; the target was not killed" "$T/stderr" || fail "cap message: $(cat "$T/stderr")"
kill -0 "$TG_PID" || fail "the safety cap killed the target"
no_probe_loaded || fail "a logjam module left after the cap"

# A different module under a probe module's name: refused, and left as it was.
echo '-module(logjam_sampler). -export([mine/0]). mine() -> 42.' |
    HOME="$TG_DIR" "$ERL_CALL" -address "127.0.0.1:$TG_DPORT" -timeout 10 -m >/dev/null
run_logjam 1 run "$T/target.ini" --out "$OUT/md5" --no-progress
grep -q "already runs a different logjam_sampler" "$T/stderr" || fail "md5 refusal: $(cat "$T/stderr")"
[ "$(tg_call 'logjam_sampler mine')" = 42 ] || fail "logjam replaced the node's own module"
tg_call 'erlang loaded' | grep -q logjam_probe && fail "logjam_probe left after the refusal"
stop_target
assert_nothing_left
