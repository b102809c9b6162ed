# The incident's load, shortened, on OTP's logger with its defaults (issue 6: it passes).
# Callers never block for long: sync mode between 10 and 200 queued events, drop mode
# beyond, burst limit 500 lines/s. Processes stay at the connections, every gate passes
# (latency included: the scenario's load leaves the 2-core box CPU to spare when the
# logger does not block), exit 0, and the diagnosis finds nothing stuck.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set logger.backend=otp \
    --set run.duration=10s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
[ "$(json "$s" "j['verdict']")" = pass ] || fail "verdict"
[ "$(json "$s" "j['settings']['logger.backend']")" = otp ] || fail "settings.logger.backend"
[ "$(json "$s" "all(g['ok'] for g in j['gates'])")" = True ] || fail "gates: $(json "$s" "j['gates']")"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -lt 5000 ] || fail "processes max $max on OTP's logger"
ok=$(json "$s" "int(j['metrics']['requests']['ok'])")
[ "$ok" -gt 20000 ] || fail "only $ok requests ok"
json "$s" "j['diagnosis']['summary']" | grep -q "Nothing is stuck" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
grep -q "logger otp" "$T/stdout" || fail "text summary does not say logger otp"
assert_nothing_left
