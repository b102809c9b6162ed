# The incident, shortened: debug flood into the spawn pool under the 20/5 switch piles up
# processes far past the connections, the logger goes sync, the gates fail (exit 99), the
# diagnosis names the sync log call, and nothing is left running.
. tests/e2e/lib.sh
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=10s --set run.recovery=3s --set run.baseline=1s \
    --set load.connections=1000 --set load.rate=3000/s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = fail ] || fail "verdict"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -gt 5000 ] || fail "processes max $max: no pile-up from 1000 connections"
sync=$(json "$s" "j['metrics']['logger.sync']['time']")
python3 -c "import sys; sys.exit(0 if float('$sync') > 2 else 1)" || fail "logger sync time $sync"
json "$s" "[g for g in j['gates'] if g['metric']=='processes'][0]['ok']" | grep -qx False \
    || fail "processes gate passed"
json "$s" "j['diagnosis']['summary']" | grep -q "synchronous log call" || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
grep -q "verdict: fail" "$T/stdout" || fail "text summary"
lines=$(wc -l < "$OUT/samples.csv")
[ "$lines" -gt 20 ] || fail "samples.csv has $lines lines"
assert_nothing_left
