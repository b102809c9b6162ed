# The same load with the logger at info: nothing floods, processes stay flat, gates pass.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/healthy.ini --out "$OUT" --no-progress \
    --set run.duration=6s --set run.recovery=2s --set run.baseline=1s \
    --set load.connections=1000 --set load.rate=3000/s --set load.ramp=1s \
    --set "run.diagnose_at=processes > 500"
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = pass ] || fail "verdict"
delta=$(json "$s" "int(j['metrics']['processes']['max'] - j['metrics']['processes']['baseline'])")
conns=$(json "$s" "int(j['metrics']['connections']['max'])")
# one process per open connection is expected; anything beyond a few hundred is a pile-up
[ "$delta" -lt $((conns + 500)) ] || fail "processes rose by $delta with $conns connections"
[ "$(json "$s" "j['settings']['logger.level']")" = info ] || fail "settings"
[ "$(json "$s" "j['settings']['load.connections']")" = 1000 ] || fail "--set not in settings"
json "$s" "j['diagnosis']['summary']" | grep -q "^Nothing is stuck" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
[ "$(json "$s" "j['diagnosis']['trigger']")" = "processes > 500" ] || fail "diagnose_at trigger"
grep -q "diagnosis (processes > 500)" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
assert_nothing_left
