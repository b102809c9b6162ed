# The node dies mid-run: detected within a sample interval or two, the run reports what it
# saw (verdict error) and exits 1.
. tests/e2e/lib.sh
"$LOGJAM" run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=60s --set load.connections=200 --set load.rate=500/s \
    >"$T/stdout" 2>"$T/stderr" &
pid=$!
in_load() { grep -q ',load,' "$OUT/samples.csv" 2>/dev/null; }
wait_for 30 in_load || fail "no load samples: $(cat "$T/stderr")"
beam=$(pgrep -f "$T/tmp/logjam.*sys" | head -1)
[ -n "$beam" ] || fail "no node"
kill -9 "$beam"
start=$(date +%s%N)
set +e; wait $pid; code=$?; set -e
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$code" -eq 1 ] || fail "exit code $code"
[ "$took" -lt 10000 ] || fail "took ${took} ms to notice"
grep -q "node died" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
[ "$(json "$OUT/summary.json" "j['verdict']")" = error ] || fail "verdict"
[ "$(json "$OUT/summary.json" "j['metrics']['samples']['count'] > 0")" = True ] || fail "samples lost"
assert_nothing_left
