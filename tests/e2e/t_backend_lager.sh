# The incident, shortened, on real lager 3.9.2: the same pile-up as on the fixture logger
# (logger sync most of the time, thousands of processes blocked), verdict fail, and the
# diagnosis names lager's own send path and sink.
. tests/e2e/lib.sh
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set logger.backend=lager \
    --set run.duration=10s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = fail ] || fail "verdict"
[ "$(json "$s" "j['settings']['logger.backend']")" = lager ] || fail "settings.logger.backend"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -gt 6000 ] || fail "processes max $max: no pile-up on lager"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') > 0.5 else 1)" || fail "logger sync share $share"
summary=$(json "$s" "j['diagnosis']['summary']")
echo "$summary" | grep -q "lager:do_log_impl" || fail "diagnosis does not name lager:do_log_impl: $summary"
echo "$summary" | grep -q "waiting on lager_event" || fail "diagnosis does not name lager_event: $summary"
grep -q "logger lager" "$T/stdout" || fail "text summary does not say logger lager"
assert_nothing_left
