# Ctrl-C during a capacity search ends the current trial (it is not counted), reports the
# bracket so far (limit.json interrupted), exits 105 and leaves nothing running.
. tests/e2e/lib.sh
"$LOGJAM" limit scenarios/incident.ini --out "$OUT" --no-progress --from 500 \
    --set run.duration=30s --set run.recovery=2s --set run.baseline=1s --trial 20s \
    >"$T/stdout" 2>"$T/stderr" &
pid=$!
in_load() { grep -q ',load,' "$OUT"/01-*/samples.csv 2>/dev/null; }
wait_for 30 in_load || fail "no load samples: $(cat "$T/stderr")"
start=$(date +%s)
kill -INT $pid
set +e; wait $pid; code=$?; set -e
[ "$code" -eq 105 ] || fail "exit code $code after SIGINT: $(cat "$T/stderr")"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "took too long to stop"
grep -q 'interrupted: the bracket so far' "$T/stdout" || fail "no bracket: $(cat "$T/stdout")"
[ "$(json "$OUT/limit.json" "j['interrupted'], j['exit_code'], j['cost']['trials']")" = \
    "True 105 1" ] || fail "limit.json: $(cat "$OUT/limit.json")"
assert_nothing_left
