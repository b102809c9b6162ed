# The incident's load, shortened, on real lager 3.9.2 with killer_hwm = 1000 (issue 6: it
# passes). lager still goes sync at 20, but when the sink's mailbox passes 1000 the
# manager killer kills it: its queue is thrown away, the callers blocked in it fail, and the
# handlers come back after killer_reinstall_after. Processes stay near the connections and
# every gate passes - and the report says what the pass cost: kills, drops, failed requests.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set logger.backend=lager --set logger.killer_hwm=1000 \
    --set run.duration=12s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = pass ] || fail "verdict"
[ "$(json "$s" "all(g['ok'] for g in j['gates'])")" = True ] || fail "gates: $(json "$s" "j['gates']")"
kills=$(json "$s" "int(j['metrics']['logger.kills']['count'])")
[ "$kills" -ge 1 ] || fail "no kill counted (logger.kills $kills)"
dropped=$(json "$s" "int(j['metrics']['logger.dropped']['count'])")
[ "$dropped" -gt 0 ] || fail "a kill dropped nothing"
failed=$(json "$s" "int(j['metrics']['requests']['failed'])")
[ "$failed" -gt 0 ] || fail "no request failed: the callers blocked in a killed sink exit with it"
grep -q "killed $kills time" "$T/stdout" || fail "text summary does not show the kills"
json "$s" "j['diagnosis']['summary']" | grep -q "The logger was killed" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
assert_nothing_left
