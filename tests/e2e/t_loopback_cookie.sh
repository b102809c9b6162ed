# While a node runs: every listening socket of the run is on 127.0.0.1, no epmd is started,
# the cookie is on no command line and in no output; closing stdin stops everything.
. tests/e2e/lib.sh
mkfifo "$T/in"
"$LOGJAM" serve --set pool.mode=spawn <"$T/in" >"$T/url" 2>"$T/err" &
pid=$!
exec 3>"$T/in"
has_url() { grep -q '^http://127.0.0.1:[0-9]*$' "$T/url"; }
wait_for 30 has_url || fail "no URL: $(cat "$T/err")"
url=$(cat "$T/url")
curl -fsS "$url/ping" >/dev/null || fail "ping"
curl -fsS "$url/work?logs=2&level=debug" >/dev/null || fail "work"
cookie_file=$(ls -d "$TMPDIR"/logjam.*)/.erlang.cookie
[ "$(stat -c %a "$cookie_file")" = 400 ] || fail "cookie mode $(stat -c %a "$cookie_file")"
[ "$(stat -c %a "$(dirname "$cookie_file")")" = 700 ] || fail "temp dir not 0700"
cookie=$(cat "$cookie_file")
[ ${#cookie} -ge 32 ] || fail "cookie too short"
printf '%s\n' "$cookie" >"$T/cookie"   # grep -f: the cookie stays off grep's own command line
# A process may exit between the glob and the read: its failed redirection must not end the
# test under set -e (the redirection's error is the shell's, so it goes in the group).
for f in /proc/[0-9]*/cmdline; do { tr '\0' ' ' <"$f"; } 2>/dev/null || true; echo; done >"$T/cmdlines"
grep -qFf "$T/cookie" "$T/cmdlines" && fail "cookie on a command line"
grep -qFf "$T/cookie" "$T/url" "$T/err" && fail "cookie in output"
for p in $(run_procs); do
    ss -Htlnp | grep "pid=$p," | awk '{print $4}' >>"$T/listen"
done
[ -s "$T/listen" ] || fail "found no listening socket of the node"
bad=$(grep -v '^127\.0\.0\.1:' "$T/listen" || true)
[ -z "$bad" ] || fail "listening beyond loopback: $bad"
[ "$(pgrep -x epmd | wc -l)" -le "$epmd_before" ] || fail "epmd started"
exec 3>&-                              # close logjam's stdin: serve stops the node
wait_for 15 bash -c "! kill -0 $pid 2>/dev/null" || fail "serve did not stop"
wait $pid || fail "serve exit code $?"
assert_nothing_left
