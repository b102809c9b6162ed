# lager with async_threshold = undefined installs no throttle: every log call is synchronous
# from the first one, never "switched off". The summary says sync 100% of the time and no
# switch, even under a load that stays far below the pile-up.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/healthy.ini --out "$OUT" --no-progress \
    --set logger.backend=lager --set logger.level=debug --set logger.async_threshold=undefined \
    --set run.duration=5s --set run.recovery=2s --set run.baseline=1s \
    --set load.connections=20 --set load.rate=100/s --set load.ramp=0s \
    --set "load.request=/work?logs=2&level=debug&bytes=100"
s="$OUT/summary.json"
[ "$(json "$s" "j['settings']['logger.backend']")" = lager ] || fail "settings.logger.backend"
[ "$(json "$s" "j['settings']['logger.async_threshold']")" = undefined ] || fail "settings.async_threshold"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') == 1.0 else 1)" || fail "logger sync share $share, wanted 1.0"
[ "$(json "$s" "int(j['metrics']['logger.switches']['count'])")" = 0 ] || fail "switches"
grep -q "sync 100% of the time" "$T/stdout" || fail "text summary: $(grep logger "$T/stdout")"
assert_nothing_left
