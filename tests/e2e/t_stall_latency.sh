# Coordinated omission, on the fixture's /stall route (200 ms per reply, 10 connections, so
# at most 50 replies/s): an open loop at 100/s falls behind and its corrected latency
# includes the wait for a free connection; a closed loop sees only the stall itself.
. tests/e2e/lib.sh
mkfifo "$T/in"
"$LOGJAM" serve <"$T/in" >"$T/url" 2>"$T/err" &
exec 3>"$T/in"
has_url() { grep -q '^http://127.0.0.1:[0-9]*$' "$T/url"; }
wait_for 30 has_url || fail "no URL: $(cat "$T/err")"
url="$(cat "$T/url")/stall?ms=200"
"$LOGJAM" load -c 10 -t 1 -d 3s --timeout 10s --json "$url" >"$T/closed.json" || fail "closed loop"
"$LOGJAM" load -c 10 -t 1 -d 3s -R 100 --timeout 10s --json "$url" >"$T/open.json" || fail "open loop"
exec 3>&-
python3 - "$T/closed.json" "$T/open.json" <<'PY'
import json, sys
closed, opened = (json.load(open(f)) for f in sys.argv[1:3])
c99 = closed["latency"]["corrected"]["p(99)"]
o99 = opened["latency"]["corrected"]["p(99)"]
u99 = opened["latency"]["uncorrected"]["p(99)"]
print(f"closed p99 {c99:.3f}s, open corrected p99 {o99:.3f}s, open uncorrected p99 {u99:.3f}s")
assert 0.2 <= c99 < 0.5, f"closed loop p99 {c99} is not the 200 ms stall"
assert 0.2 <= u99 < 0.5, f"uncorrected p99 {u99} is not the 200 ms stall"
assert o99 > 2 * c99, f"open-loop p99 {o99} hides the queueing behind the stall"
PY
wait_for 15 no_run_procs || fail "serve did not stop"
assert_nothing_left
