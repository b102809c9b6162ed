# pool.max_connections caps live connections as ranch's max_connections did: the incident's
# 3000 clients against a cap of 300 never hold more than 300 connections on the node; the
# rest wait in the listen backlog (a bad value is refused: tests/malformed/63-*).
. tests/e2e/lib.sh
run_logjam 99 run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=8s --set run.recovery=2s --set run.baseline=1s --set load.ramp=1s \
    --set pool.max_connections=300
s="$OUT/summary.json"
[ "$(json "$s" "j['settings']['pool.max_connections']")" = 300 ] \
    || fail "setting not in the summary: $(json "$s" "j['settings']")"
max=$(json "$s" "int(j['metrics']['connections']['max'])")
[ "$max" -gt 0 ] || fail "no connection seen"
[ "$max" -le 300 ] || fail "connections max $max above the cap of 300"
assert_nothing_left
