# --sys-config: a user's own sys.config is checked before anything starts, and its lager
# section wins over the scenario's keys.
#  1. good file: lager's async_threshold raised to 1000000 - under a load that turns the
#     scenario's threshold 20 synchronous within a second, the logger never switches, and
#     its queue passes 20 without a switch.
#  2. bad file (the list never closed, no '.'): one line "file:LINE: ...", exit 104, nothing
#     started.
. tests/e2e/lib.sh
good="$T/good.config"
cat >"$good" <<'CFG'
%% a user's sys.config: lager's switch moved out of reach
[{lager, [{async_threshold, 1000000}, {async_threshold_window, 10}]}].
CFG
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress --sys-config "$good" \
    --set logger.backend=lager \
    --set run.duration=4s --set run.recovery=2s --set run.baseline=1s \
    --set load.connections=500 --set load.rate=3000/s --set load.ramp=0s
# (exit 99: the async queue's memory fails the incident's memory gate; only the switch matters)
s="$OUT/summary.json"
[ "$(json "$s" "j['settings']['logger.sys_config']")" = "$good" ] || fail "settings.logger.sys_config"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') == 0.0 else 1)" \
    || fail "logger sync share $share: the file's async_threshold 1000000 did not win"
qmax=$(json "$s" "int(j['metrics']['logger.queue']['max'])")
[ "$qmax" -gt 20 ] || fail "logger queue max $qmax: the load never passed the scenario's threshold 20"
assert_nothing_left

bad="$T/bad.config"
printf '%%%% lager tuning\n[{lager, [{async_threshold, 20}]}\n' >"$bad"
start=$(date +%s)
run_logjam 104 run scenarios/incident.ini --out "$OUT/bad" --no-progress --sys-config "$bad" \
    --set logger.backend=lager
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "more than one error line: $(cat "$T/stderr")"
grep -q "^logjam: $bad:2: syntax error before: " "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
[ ! -e "$OUT/bad" ] || fail "an output dir was created for an invalid run"
[ -z "$(ls -A "$TMPDIR")" ] || fail "a node dir was created: $(ls -A "$TMPDIR")"
[ $(($(date +%s) - start)) -lt 10 ] || fail "the check took too long"
assert_nothing_left
