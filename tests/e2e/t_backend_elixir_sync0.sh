# Elixir's Logger with sync_threshold 0: no caller ever sends asynchronously - each waits in
# :gen_event.sync_notify until Logger has handled its event (the discard threshold, 500,
# still applies). Under the incident's load, shortened, Logger keeps up (measured: p99 38 ms,
# queue at most 57, 3,140 processes from 3,000 connections, nothing dropped): waiting for a
# logger that keeps up is back-pressure, not a pile-up. Under twice the debug lines
# (tests/e2e/elixir-flood.ini) callers wait and some find 500 queued and drop; the probe
# never sees async, and the pile-up stays under the gate.
. tests/e2e/lib.sh
run_logjam 0 run tests/e2e/elixir-flood.ini --out "$OUT" --no-progress \
    --set logger.sync_threshold=0
s="$OUT/summary.json"
[ "$(json "$s" "j['settings']['logger.sync_threshold']")" = 0 ] || fail "settings.logger.sync_threshold"
modes=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "logger_mode") c = i; next }
                 { print $c }' "$OUT/samples.csv" | sort -u | tr '\n' ' ')
case " $modes" in *" async "*) fail "a sample saw async mode: $modes" ;; esac
share=$(json "$s" "j['metrics']['logger.sync']['share']")
python3 -c "import sys; sys.exit(0 if float('$share') > 0.5 else 1)" || fail "logger sync share $share"
json "$s" "j['diagnosis']['summary']" | grep -q "sync_threshold 0 makes every call synchronous" \
    || json "$s" "j['diagnosis']['summary']" | grep -q "Nothing is stuck" \
    || fail "diagnosis: $(json "$s" "j['diagnosis']['summary']")"
assert_nothing_left
