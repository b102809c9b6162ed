# kill -9 of logjam itself: the node dies with it (PR_SET_PDEATHSIG, stdin watchdog) and the
# janitor removes the temp dir.
. tests/e2e/lib.sh
"$LOGJAM" run scenarios/incident.ini --out "$OUT" --no-progress \
    --set run.duration=60s --set load.connections=200 --set load.rate=500/s \
    >/dev/null 2>"$T/stderr" &
pid=$!
in_load() { grep -q ',load,' "$OUT/samples.csv" 2>/dev/null; }
wait_for 30 in_load || fail "no load samples: $(cat "$T/stderr")"
[ -n "$(run_procs)" ] || fail "no node found"
kill -9 $pid
wait $pid 2>/dev/null || true
assert_nothing_left
