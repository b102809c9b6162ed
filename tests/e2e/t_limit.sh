# logjam limit on a real node with short trials: a search on incident.ini finds a bracket
# (the highest pass below the lowest fail), limit.json and limit.csv agree with the table and
# with each trial's summary.json, the [limit] gate exits 0 above it and 99 below, bad axis or
# [limit] input is refused with exit 104 before anything starts, and nothing is left running.
. tests/e2e/lib.sh
short=(--set run.duration=4s --set run.recovery=2s --set run.baseline=1s --set load.ramp=0s
    --set load.connections=1000 --trial 3s --no-progress)

run_logjam 104 limit scenarios/incident.ini --axis load.rat --out "$T/bad"
grep -q "^logjam: --set limit.axis=load.rat: bad value 'load.rat' for \[limit\] axis: .*did you mean 'load.rate'" \
    "$T/stderr" || fail "bad axis: $(cat "$T/stderr")"
run_logjam 104 limit scenarios/incident.ini --precision 0 --out "$T/bad"
grep -q "bad value '0' for \[limit\] precision" "$T/stderr" || fail "precision: $(cat "$T/stderr")"
run_logjam 104 limit scenarios/incident.ini --axis load.connections --from 50/s --out "$T/bad"
grep -q "bad value '50/s' for \[limit\] from: the axis load.connections takes a count" "$T/stderr" ||
    fail "a rate on the connections axis: $(cat "$T/stderr")"
printf '[load]\nrate = 0/s\n[limit]\nheadroom = 2x\n' >"$T/bad.ini"
run_logjam 104 limit "$T/bad.ini" --out "$T/bad"
grep -q "bad.ini:4: \[limit\] headroom is a multiple of \[load\] rate" "$T/stderr" ||
    fail "headroom without a rate: $(cat "$T/stderr")"
[ ! -e "$T/bad" ] || fail "an invalid search created its output directory"

# precision 100%: grow x2 from 1000/s until a trial fails, then one full-length confirmation
run_logjam 0 limit scenarios/incident.ini "${short[@]}" --from 1000 --to 16000 \
    --precision 100% --set limit.min=500/s --junit "$T/junit.xml" --out "$OUT"
cat "$T/stdout"
grep -q '^  knee     between .*/s (passed) and .*/s (failed)' "$T/stdout" || fail "no bracket"
grep -q '^  gate     knee >= 500/s: pass' "$T/stdout" || fail "no gate line"
grep -q '^  logs     .* lines/s at .* (10 lines per request)' "$T/stdout" || fail "no log lines/s"
for f in limit.json limit.csv report.html; do [ -s "$OUT/$f" ] || fail "$f missing"; done
grep -q 'failures="0" errors="0"' "$T/junit.xml" || fail "junit: $(cat "$T/junit.xml")"
grep -q 'id="chart-limit-processes"' "$OUT/report.html" && grep -q 'id="chart-limit-p99"' \
    "$OUT/report.html" || fail "report.html has not the two charts"
python3 - "$OUT" "$T/stdout" <<'PY'
import csv, json, os, sys
out, stdout = sys.argv[1], open(sys.argv[2]).read()
j = json.load(open(os.path.join(out, "limit.json")))
rows = list(csv.DictReader(open(os.path.join(out, "limit.csv"))))
k = j["knee"]
assert j["outcome"] == "found" and j["exit_code"] == 0 and j["axis"] == "load.rate", j
assert len(j["trials"]) == len(rows) == j["cost"]["trials"] >= 3, (j["cost"], rows)
assert k["low"] < k["high"] <= 2 * k["low"] and k["confirmed"], k
assert j["gate"]["ok"] and j["gate"]["threshold"] == 500, j["gate"]
for t, r in zip(j["trials"], rows):
    s = json.load(open(os.path.join(out, t["dir"], "summary.json")))
    assert s["settings"]["load.rate"] == "%d/s" % t["value"], (s["settings"]["load.rate"], t)
    assert t["verdict"] == r["verdict"] == s["verdict"] and t["passed"] == (s["verdict"] == "pass")
    assert float(r["value"]) == t["value"] and r["dir"] == t["dir"], (r, t)
    assert t["peak_processes"] == s["metrics"]["processes"]["max"], t
    assert (t["mode"] == "none") == t["passed"], t
    assert "  %d %d/s " % (t["n"], t["value"]) in stdout, t
    assert t["length"] == "full" or s["settings"]["run.duration"] == "3s", s["settings"]
passes = [t["value"] for t in j["trials"] if t["passed"]]
fails = [t["value"] for t in j["trials"] if not t["passed"]]
assert k["low"] == max(p for p in passes if p < k["high"]) and k["high"] == min(fails), (k, passes, fails)
assert any(t["length"] == "full" and t["value"] == k["low"] for t in j["trials"]), j["trials"]
assert j["cost"]["staircase_trials"] >= 1 and j["cost"]["staircase_node_seconds"] > 0, j["cost"]
assert abs(j["cost"]["node_seconds"] - sum(t["seconds"] for t in j["trials"])) < 0.01, j["cost"]
PY
assert_nothing_left

# the [limit] gate below the knee: headroom 2x of 3000/s wants 6000/s; from 20000/s the first
# trial fails (the knee is below from), exit 99, JUnit says so
run_logjam 99 limit scenarios/incident.ini "${short[@]}" --from 20000 --to 40000 \
    --set limit.headroom=2x --junit "$T/junit.xml" --out "$T/below"
grep -q '^  gate     knee >= 6000/s: FAIL' "$T/stdout" || fail "gate line: $(cat "$T/stdout")"
[ "$(json "$T/below/limit.json" "j['outcome'], j['gate']['ok'], j['exit_code']")" = \
    "below-from False 99" ] || fail "limit.json: $(cat "$T/below/limit.json")"
grep -q 'failures="1"' "$T/junit.xml" || fail "junit: $(cat "$T/junit.xml")"
assert_nothing_left
