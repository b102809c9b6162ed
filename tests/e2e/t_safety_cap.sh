# The safety cap: past run.node_memory_limit the run diagnoses, kills the node, says
# "capped" and exits 99 - long before the machine could meet the OOM killer.
. tests/e2e/lib.sh
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.node_memory_limit=120MiB --set run.duration=60s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = capped ] || fail "verdict $(json "$s" "j['verdict']")"
grep -q "safety cap" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
[ "$(json "$s" "j['diagnosis'] is not None")" = True ] || fail "no diagnosis before the kill"
assert_nothing_left
