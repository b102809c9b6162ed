# Elixir's Logger with sync_threshold 0: every call waits in :gen_event.sync_notify until
# Logger has handled it. Under the incident's load, shortened, Logger keeps up (measured:
# p99 38 ms, queue at most 57, 3,140 processes from 3,000 connections): waiting for a fast
# logger is back-pressure, not a pile-up. The probe sees sync the whole run, no discards.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set logger.backend=elixir --set logger.sync_threshold=0 \
    --set run.duration=10s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = pass ] || fail "verdict"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') == 1.0 else 1)" || fail "logger sync share $share"
[ "$(json "$s" "int(j['metrics']['logger.switches']['count'])")" = 0 ] || fail "switches"
[ "$(json "$s" "int(j['metrics']['logger.dropped']['count'])")" = 0 ] || fail "dropped"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -lt 5000 ] || fail "processes max $max"
grep -q "sync 100% of the time" "$T/stdout" || fail "text summary"
assert_nothing_left
