# tests/e2e/lib.sh -- helpers for end-to-end tests. Source it first in every t_*.sh.
set -eu
LOGJAM=${LOGJAM:-bin/logjam}
T=$(mktemp -d /tmp/logjam-e2e.XXXXXX)
export TMPDIR="$T/tmp"          # the run's private temp dirs land here, so we can check them
mkdir -p "$TMPDIR"
OUT="$T/out"
epmd_before=$(pgrep -x epmd | wc -l || true)

cleanup() {
    # a failing test must not leave its node behind for the next one
    pkill -9 -f "$T/tmp/logjam" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds, or fail after the deadline.
wait_for() {
    local secs=$1; shift
    local end=$(( $(date +%s%N) / 1000000 + secs * 1000 ))
    while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

# Processes of this test's runs: every node has its temp dir on its command line.
run_procs() { pgrep -f "$T/tmp/logjam" || true; }
no_run_procs() { [ -z "$(run_procs)" ]; }
no_temp_dirs() { [ -z "$(ls -A "$TMPDIR")" ]; }

# Nothing of the run remains: no node, no temp dir, no new epmd.
assert_nothing_left() {
    wait_for 10 no_run_procs || fail "processes of the run remain: $(run_procs | xargs -r ps -o pid,cmd -p)"
    wait_for 10 no_temp_dirs || fail "temp dir remains: $(ls -A "$TMPDIR")"
    local epmd_now
    epmd_now=$(pgrep -x epmd | wc -l || true)
    [ "$epmd_now" -le "$epmd_before" ] || fail "an epmd was started"
}

# json FILE EXPR: evaluate a python expression on the parsed JSON document `j`.
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }

# run_logjam EXPECTED_CODE ARGS...: run, check the exit code, keep stdout/stderr in $T.
run_logjam() {
    local want=$1; shift
    set +e
    "$LOGJAM" "$@" >"$T/stdout" 2>"$T/stderr"
    code=$?
    set -e
    if [ "$code" -ne "$want" ]; then
        echo "--- stdout"; cat "$T/stdout"; echo "--- stderr"; cat "$T/stderr"
        fail "exit code $code, wanted $want: logjam $*"
    fi
}
