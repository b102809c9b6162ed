# The incident's flood into a bounded pool: processes stay flat, the gates pass (exit 0), the
# back-pressure shows as latency and timeouts, and the diagnosis names the pool's queue.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/bounded-pool.ini --out "$OUT" --no-progress \
    --set run.duration=8s --set run.recovery=3s --set run.baseline=1s \
    --set load.connections=1000 --set load.rate=3000/s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = pass ] || fail "verdict"
[ "$(json "$s" "j['settings']['pool.mode']")" = bounded ] || fail "settings"
max=$(json "$s" "int(j['metrics']['processes']['max'] - j['metrics']['processes']['baseline'])")
[ "$max" -lt 2000 ] || fail "processes rose by $max with a bounded pool"
json "$s" "j['diagnosis']['summary']" | grep -q "bounded pool holds the load in its queue" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
assert_nothing_left
