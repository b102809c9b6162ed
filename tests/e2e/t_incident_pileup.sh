# The incident, shortened: debug flood into the spawn pool under the 20/5 switch piles up
# processes far past the connections, the logger goes sync, the gates fail (exit 99), the
# diagnosis names the sync log call, and nothing is left running.
. tests/e2e/lib.sh
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=10s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s \
    --set "gates.processes=max < 5000"
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = fail ] || fail "verdict"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
# the clients give up after 1 s and come back: every request leaves a blocked process
[ "$max" -gt 6000 ] || fail "processes max $max: no pile-up from 3000 connections"
sync=$(json "$s" "j['metrics']['logger.sync']['time']")
python3 -c "import sys; sys.exit(0 if float('$sync') > 2 else 1)" || fail "logger sync time $sync"
json "$s" "[g['ok'] for g in j['gates'] if g['expr']=='max < 5000']" | grep -qx '\[False\]' \
    || fail "the --set processes gate did not fail: $(json "$s" "j['gates']")"
# how fast this short pile-up drains depends on the machine: only its report is checked
json "$s" "'leaked' in j['metrics']['recovery'] and 'stuck' in j['metrics']['recovery']" | grep -qx True \
    || fail "recovery report: $(json "$s" "j['metrics']['recovery']")"
json "$s" "j['diagnosis']['summary']" | grep -q "synchronous log call" || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
grep -q "verdict: fail" "$T/stdout" || fail "text summary"
lines=$(wc -l < "$OUT/samples.csv")
[ "$lines" -gt 20 ] || fail "samples.csv has $lines lines"
assert_nothing_left
