# --sys-config with Elixir's `logger' application section (backend elixir):
#  1. good file: sync_threshold 0 in the file wins over the scenario's 20 - the probe,
#     which reads the thresholds the callers read, sees sync mode the whole run.
#  2. a value Elixir 1.14 would take to mean something else (a negative discard_threshold:
#     drop everything): "file:LINE: logger: ...", exit 104, nothing started.
#  3. discard_threshold at or below sync_threshold: a warning naming the line; it runs.
. tests/e2e/lib.sh
good="$T/good.config"
cat >"$good" <<'CFG'
%% Elixir's Logger application (not kernel's `logger' key, which lives in `kernel')
[{kernel, [{logger_sasl_compatible, false}]},
 {logger, [{sync_threshold, 0}]}].
CFG
run_logjam 0 run scenarios/healthy.ini --out "$OUT" --no-progress --sys-config "$good" \
    --set logger.backend=elixir --set logger.level=debug \
    --set run.duration=4s --set run.recovery=1s --set run.baseline=1s \
    --set load.connections=200 --set load.rate=500/s --set load.ramp=0s
s="$OUT/summary.json"
[ "$(json "$s" "j['settings']['logger.sync_threshold']")" = 20 ] || fail "settings.logger.sync_threshold"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') == 1.0 else 1)" \
    || fail "logger sync share $share: the file's sync_threshold 0 did not win"
assert_nothing_left

bad="$T/bad.config"
printf '[{logger, [\n  {sync_threshold, 20},\n  {discard_threshold, -5}\n]}].\n' >"$bad"
run_logjam 104 run scenarios/incident.ini --out "$OUT/bad" --no-progress --sys-config "$bad" \
    --set logger.backend=elixir
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "more than one error line: $(cat "$T/stderr")"
grep -q "^logjam: $bad:3: logger: discard_threshold = -5: must be a non-negative integer: Elixir 1.14 takes it and drops every message" "$T/stderr" \
    || fail "stderr: $(cat "$T/stderr")"
[ ! -e "$OUT/bad" ] || fail "an output dir was created for an invalid run"
[ -z "$(ls -A "$TMPDIR")" ] || fail "a node dir was created: $(ls -A "$TMPDIR")"

warn="$T/warn.config"
printf '[{logger, [{sync_threshold, 100},\n           {discard_threshold, 50}]}].\n' >"$warn"
run_logjam 0 check scenarios/incident.ini --sys-config "$warn" --set logger.backend=elixir
grep -q "^logjam: warning: $warn:2: logger: discard_threshold 50 is not above sync_threshold 100" "$T/stderr" \
    || fail "no warning: $(cat "$T/stderr")"
assert_nothing_left
