# A node that cannot start gives one clear line and exit 1, and leaves nothing behind.
. tests/e2e/lib.sh
run_logjam 1 run scenarios/ci-gate.ini --out "$OUT" --no-progress --fixture "$T/nowhere"
[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "stderr is not one line: $(cat "$T/stderr")"
grep -q "node did not start" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
assert_nothing_left
# erl missing from PATH
mkdir -p "$T/bin"; ln -s "$(command -v python3)" "$T/bin/python3"
set +e; PATH="$T/bin" "$LOGJAM" run scenarios/ci-gate.ini --out "$OUT" --no-progress 2>"$T/stderr" >/dev/null; code=$?; set -e
[ "$code" -eq 1 ] || fail "exit $code without erl"
grep -q "cannot run erl" "$T/stderr" || fail "stderr: $(cat "$T/stderr")"
assert_nothing_left
