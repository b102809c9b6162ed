# A [target] run cut short. Ctrl-C: exit 105, the report, logjam's modules removed, the
# target alive. A target that dies mid-run: the run ends at once with exit 1 and a full report
# of what was seen (verdict error, the samples so far, the error naming the disconnect).
. tests/e2e/lib.sh
. tests/e2e/target_app/boot.sh
boot_target
printf '[run]\nduration = 30s\nbaseline = 1s\n[load]\nconnections = 50\nrate = 200/s\n[target]\nnode = tg@127.0.0.1\ncookie_file = %s\nport = %s\nurl = %s/work?logs=1\n' \
    "$TG_COOKIE" "$TG_DPORT" "$TG_URL" >"$T/dies.ini"
in_load() { grep -q ',load,' "$OUT/samples.csv" 2>/dev/null; }
"$LOGJAM" run "$T/dies.ini" --out "$OUT/int" --no-progress >"$T/stdout" 2>"$T/stderr" &
pid=$!
OUT="$OUT/int" wait_for 30 in_load || fail "no load-phase sample: $(cat "$T/stderr")"
kill -INT "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" -eq 105 ] || fail "Ctrl-C: exit $code, wanted 105: $(cat "$T/stderr")"
[ "$(json "$OUT/int/summary.json" "j['verdict']")" = interrupted ] || fail "Ctrl-C verdict"
kill -0 "$TG_PID" || fail "Ctrl-C killed the target"
no_probe_loaded || fail "a logjam module left after Ctrl-C"

"$LOGJAM" run "$T/dies.ini" --out "$OUT" --no-progress >"$T/stdout" 2>"$T/stderr" &
pid=$!
wait_for 30 in_load || fail "no load-phase sample: $(cat "$T/stderr")"
kill -9 "$TG_PID"
wait_for 15 bash -c "! kill -0 $pid 2>/dev/null" || fail "logjam did not end after the target died"
set +e
wait "$pid"
code=$?
set -e
[ "$code" -eq 1 ] || fail "exit $code, wanted 1: $(cat "$T/stderr")"
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = error ] || fail "verdict"
json "$s" "j['error']" | grep -q "disconnected\|stopped answering" || fail "error: $(json "$s" "j['error']")"
[ "$(json "$s" "j['metrics']['samples']['count'] > 2")" = True ] || fail "no samples in the report"
[ -s "$OUT/report.html" ] || fail "no report.html"
assert_nothing_left
