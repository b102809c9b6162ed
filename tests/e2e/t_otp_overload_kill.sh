# OTP's logger with overload_kill on (and its drop/flush modes and burst limit out of the
# way): past overload_kill_qlen the handler process is killed and restarted after
# overload_kill_restart_after. The probe sees the handler vanish and come back: the kills
# are counted, the queue they threw away is counted as dropped, the text summary and the
# diagnosis say so - and the callers, which never wait on the handler, are unharmed.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set logger.backend=otp --set logger.burst_limit_enable=false \
    --set logger.sync_mode_qlen=100000 --set logger.drop_mode_qlen=100000 \
    --set logger.flush_qlen=100000 --set logger.overload_kill_enable=true \
    --set logger.overload_kill_qlen=500 --set logger.overload_kill_restart_after=1s \
    --set run.duration=8s --set run.recovery=2s --set run.baseline=1s --set load.ramp=1s
s="$OUT/summary.json"
kills=$(json "$s" "int(j['metrics']['logger.kills']['count'])")
[ "$kills" -ge 1 ] || fail "no kill counted (logger.kills $kills)"
dropped=$(json "$s" "int(j['metrics']['logger.dropped']['count'])")
[ "$dropped" -gt 0 ] || fail "the kills dropped nothing"
failed=$(json "$s" "int(j['metrics']['requests']['failed'])")
[ "$failed" -eq 0 ] || fail "$failed requests failed: OTP's callers do not die with the handler"
grep -q "killed $kills time" "$T/stdout" || fail "text summary does not show the kills"
grep -q '^logger_kills\|,logger_kills,' "$OUT/samples.csv" || fail "samples.csv has no logger_kills"
json "$s" "j['diagnosis']['summary']" | grep -q "OTP's logger handler was killed" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
assert_nothing_left
