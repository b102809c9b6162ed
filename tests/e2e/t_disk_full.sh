# A full disk under --out. At the start (samples.csv is a link to /dev/full): one clear line,
# exit 1, nothing started. In the middle of the run (a soft file-size limit that samples.csv
# outgrows after a few hundred rows): the run goes on, reports the write error, still writes
# summary.json, exits 1 (its samples are incomplete), and leaves nothing behind.
. tests/e2e/lib.sh
mkdir -p "$OUT"
ln -s /dev/full "$OUT/samples.csv"
run_logjam 1 run scenarios/ci-gate.ini --out "$OUT" --no-progress
grep -q "samples.csv: No space left on device" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "more than one line: $(cat "$T/stderr")"
assert_nothing_left

rm -rf "$OUT"
set +e
(ulimit -S -f 40 && exec "$LOGJAM" run scenarios/ci-gate.ini --out "$OUT" --no-progress \
    --set run.duration=4s --set run.recovery=1s --set run.baseline=1s \
    --set run.sample_interval=10ms) >"$T/stdout" 2>"$T/stderr"
code=$?
set -e
[ "$code" -eq 1 ] || fail "exit $code: $(cat "$T/stderr")"
grep -q "samples.csv: File too large" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
[ "$(json "$OUT/summary.json" "j['verdict']")" = error ] || fail "verdict"
[ "$(json "$OUT/summary.json" "j['metrics']['samples']['count'] > 300")" = True ] \
    || fail "samples kept in memory were lost"
assert_nothing_left
