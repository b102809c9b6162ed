# SIGUSR1 during load takes a diagnosis on demand; then Ctrl-C: the run stops the load, still
# writes every output with verdict interrupted, exits 105, and leaves nothing behind.
. tests/e2e/lib.sh
"$LOGJAM" run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=60s --set run.recovery=30s --set run.baseline=1s \
    --set load.connections=300 --set load.rate=1000/s >"$T/stdout" 2>"$T/stderr" &
pid=$!
in_load() { grep -q ',load,' "$OUT/samples.csv" 2>/dev/null; }
wait_for 30 in_load || fail "no load samples: $(cat "$T/stderr")"
kill -USR1 $pid
diagnosed() { grep -q "diagnosis (SIGUSR1)" "$T/stderr"; }
wait_for 30 diagnosed || fail "no diagnosis on SIGUSR1: $(cat "$T/stderr")"
start=$(date +%s)
kill -INT $pid
set +e; wait $pid; code=$?; set -e
[ "$code" -eq 105 ] || fail "exit code $code after SIGINT: $(cat "$T/stderr")"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "took too long to stop"
[ "$(json "$OUT/summary.json" "j['verdict']")" = interrupted ] || fail "verdict"
[ "$(json "$OUT/summary.json" "j['diagnosis']['trigger']")" = SIGUSR1 ] || fail "diagnosis trigger"
assert_nothing_left
