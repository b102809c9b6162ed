# Bad [target] input: a cookie file that is missing, a directory or readable by its group, a
# node or URL beyond loopback - each one line with file:line and exit 104, nothing started; an
# unreachable node or a wrong cookie - one line and exit 1, nothing left (not in the target
# either); the cookie in no output.
. tests/e2e/lib.sh
. tests/e2e/target_app/boot.sh
boot_target
write_ini() { # write_ini COOKIE_FILE NODE URL PORT
    printf '[run]\nduration = 2s\nrecovery = 1s\nbaseline = 1s\n[target]\nnode = %s\ncookie_file = %s\nurl = %s\nport = %s\n' \
        "$2" "$1" "$3" "$4" >"$T/bad.ini"
}
# expect CODE PATTERN: run, exit code CODE, one line on stderr matching PATTERN, no output dir
expect() {
    run_logjam "$1" run "$T/bad.ini" --out "$OUT/bad" --no-progress
    [ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "not one line: $(cat "$T/stderr")"
    grep -q "$2" "$T/stderr" || fail "wanted '$2': $(cat "$T/stderr")"
    if [ "$1" = 104 ]; then [ ! -e "$OUT/bad" ] || fail "104 but an output dir was made"; fi
    rm -rf "$OUT/bad"
}
good="$TG_URL/work?logs=1"
install -m 640 "$TG_COOKIE" "$T/group_cookie"
write_ini "$T/group_cookie" tg@127.0.0.1 "$good" "$TG_DPORT"
expect 104 "bad.ini:7: cookie_file .* is readable by its group or others (mode 0640)"
write_ini "$T/no_such_cookie" tg@127.0.0.1 "$good" "$TG_DPORT"
expect 104 "bad.ini:7: bad value .* for \[target\] cookie_file: cannot read"
write_ini "$T" tg@127.0.0.1 "$good" "$TG_DPORT"
expect 104 "bad.ini:7: bad value .* for \[target\] cookie_file: .* is not a regular file"
write_ini "$TG_COOKIE" tg@192.168.1.10 "$good" "$TG_DPORT"
expect 104 "bad.ini:6: node host '192.168.1.10' is not loopback"
write_ini "$TG_COOKIE" tg@127.0.0.1 "http://10.0.0.1:80/work" "$TG_DPORT"
expect 104 "bad.ini:8: url host '10.0.0.1' is not loopback"
write_ini "$TG_COOKIE" tg@127.0.0.1 "$good" "$(free_port)"
expect 1 "cannot connect to tg@127.0.0.1 at 127.0.0.1:[0-9]*: Connection refused"
install -m 600 /dev/null "$T/wrong_cookie" && echo not-the-cookie >"$T/wrong_cookie"
write_ini "$T/wrong_cookie" tg@127.0.0.1 "$good" "$TG_DPORT"
expect 1 "cannot connect to tg@127.0.0.1 at 127.0.0.1:$TG_DPORT: refused or wrong cookie"
grep -qFf "$TG_COOKIE" "$T/stdout" "$T/stderr" && fail "the cookie is in the output"
kill -0 "$TG_PID" || fail "the target died"
no_probe_loaded || fail "a logjam module was left in the target"
stop_target
assert_nothing_left
