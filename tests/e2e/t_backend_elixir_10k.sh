# Elixir's Logger with sync_threshold = discard_threshold = 10,000 (supabase/supavisor#599)
# under the incident's load, shortened (tests/e2e/elixir-flood.ini), with 50 debug lines a
# request (150,000 lines/s: past what Logger writes on 2 cores even when it has them to
# itself; at 20 lines it kept up in one run and fell behind in another). Elixir checks the
# discard threshold first, so with both equal no caller ever waits: the counter climbs to
# 10,000 queued events and callers then drop (measured at 20 lines a request: async 100%
# of the time, queue counter 12,192 at most, 209,152 discards, 3,334 processes). The
# discards are counted, and nothing is stuck.
. tests/e2e/lib.sh
run_logjam 0 run tests/e2e/elixir-flood.ini --out "$OUT" --no-progress \
    --set logger.sync_threshold=10000 --set logger.discard_threshold=10000 \
    --set "load.request=/work?logs=50&level=debug&bytes=200"
s="$OUT/summary.json"
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') == 0.0 else 1)" || fail "logger sync share $share"
dropped=$(json "$s" "int(j['metrics']['logger.dropped']['count'])")
[ "$dropped" -gt 10000 ] || fail "only $dropped discards counted"
qmax=$(json "$s" "int(j['metrics']['logger.queue']['max'])")
[ "$qmax" -ge 10000 ] || fail "logger queue max $qmax: never reached discard_threshold"
max=$(json "$s" "int(j['metrics']['processes']['max'])")
[ "$max" -lt 5000 ] || fail "processes max $max: callers waited"
json "$s" "j['diagnosis']['summary']" | grep -q "Nothing is stuck" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
assert_nothing_left
