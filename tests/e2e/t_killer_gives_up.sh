# lager_sup's restart limit (10 in 60 s) under killer_hwm, on the fixture logger and on real
# lager 3.9.2: with the sink reinstalled 200 ms after each kill, the incident's load passes
# killer_hwm again at once, and the 11th kill within the minute stops the logger for good.
# Both count exactly 11 kills; requests are still answered afterwards, without a logger; the
# fixture then reports its logger's mode as `undefined' (gone).
. tests/e2e/lib.sh
for backend in fixture lager; do
    out="$OUT/$backend"
    run_logjam 0 run scenarios/incident.ini --out "$out" --no-progress \
        --set logger.backend=$backend --set logger.killer_hwm=1000 \
        --set logger.killer_reinstall_after=200ms \
        --set run.duration=15s --set run.recovery=2s --set run.baseline=1s --set load.ramp=1s
    kills=$(json "$out/summary.json" "int(j['metrics']['logger.kills']['count'])")
    [ "$kills" = 11 ] || fail "$backend: logger.kills $kills, wanted 11 (lager_sup: 10 restarts in 60 s)"
    # After the 11th kill: more requests answered, and (fixture) no logger.
    python3 - "$out/samples.csv" "$backend" <<'EOF' || fail "$backend: after the give-up"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["phase"] == "load"]
after = [r for r in rows if int(r["logger_kills"]) == 11]
assert len(after) >= 2, "the 11th kill came too late to watch"
assert int(after[-1]["req_ok"]) > int(after[0]["req_ok"]), "no request answered after the give-up"
if sys.argv[2] == "fixture":
    assert after[-1]["logger_mode"] == "undefined", after[-1]["logger_mode"]
EOF
done
assert_nothing_left
