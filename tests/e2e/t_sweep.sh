# A tiny sweep: ci-gate at two log levels. Two rows in the table, sweep.json and sweep.csv
# parse and agree with each variant's summary.json, one sub-directory per variant with its
# own report, and nothing left running. A bad combination is refused before anything starts.
# --repeat 2: two runs per variant (rK/ sub-directories), medians, spread and verdict counts.
. tests/e2e/lib.sh
short=(--set run.duration=3s --set run.recovery=2s --set run.baseline=1s --set load.ramp=0s)

# every combination is checked first: threshold 20 with window 50 is refused, exit 104
run_logjam 104 sweep scenarios/ci-gate.ini --out "$T/bad" --no-progress "${short[@]}" \
    --set logger.async_threshold=100 --set logger.async_threshold_window=50 \
    --vary logger.async_threshold=100,20
grep -q "variant 2 (async_threshold=20): .*window 50 is larger than async_threshold 20" \
    "$T/stderr" || fail "no variant error: $(cat "$T/stderr")"
[ ! -e "$T/bad" ] || fail "an invalid sweep created its output directory"
run_logjam 104 sweep scenarios/ci-gate.ini --vary logger.level=info,loud
grep -q "bad value 'loud'" "$T/stderr" || fail "bad --vary value: $(cat "$T/stderr")"
for n in 0 21 two; do
    run_logjam 104 sweep scenarios/ci-gate.ini --out "$T/bad" --vary logger.level=info,debug \
        --repeat $n
    [ "$(cat "$T/stderr")" = "logjam: --repeat $n: expected a whole number from 1 to 20" ] ||
        fail "--repeat $n: $(cat "$T/stderr")"
    [ ! -e "$T/bad" ] || fail "--repeat $n created the output directory"
done

run_logjam 0 sweep scenarios/ci-gate.ini --out "$OUT" --no-progress "${short[@]}" \
    --vary logger.level=info,debug --sort name --report "$T/sweep.html"
cat "$T/stdout"
[ "$(grep -c '^  0[12] level=' "$T/stdout")" -eq 2 ] || fail "table has not 2 rows"
for d in 01-level=info 02-level=debug; do
    for f in summary.json samples.csv report.html; do
        [ -s "$OUT/$d/$f" ] || fail "$d/$f missing"
    done
done
[ -s "$OUT/report.html" ] && [ -s "$T/sweep.html" ] || fail "sweep report.html missing"
grep -q 'id="chart-sweep-processes"' "$OUT/report.html" || fail "no overlaid chart"
python3 - "$OUT" <<'PY'
import csv, json, sys, os
out = sys.argv[1]
j = json.load(open(os.path.join(out, "sweep.json")))
rows = list(csv.DictReader(open(os.path.join(out, "sweep.csv"))))
assert j["exit_code"] == 0 and j["sort"] == "name", j
assert [v["variant"] for v in j["variants"]] == ["level=debug", "level=info"], j["variants"]
assert len(rows) == 2, rows
for v, r in zip(j["variants"], rows):
    s = json.load(open(os.path.join(out, v["dir"], "summary.json")))
    assert s["settings"]["logger.level"] == v["variant"].split("=")[1], s["settings"]
    assert v["peak_processes"] == s["metrics"]["processes"]["max"], (v, s["metrics"]["processes"])
    assert float(r["peak_processes"]) == v["peak_processes"], (r, v)
    assert r["verdict"] == v["verdict"] == s["verdict"], (r, v)
    assert "runs" in r and r["runs"] == "1" and len(v["runs"]) == 1, (r, v)
    assert v["runs"][0]["summary"] == v["dir"] + "/summary.json", v["runs"][0]
PY
grep -q 'spread' "$T/stdout" && fail "a sweep without --repeat has a spread column"
assert_nothing_left

# --repeat 2: each variant twice, each run on a fresh node in NN-variant/rK/; the table
# shows the medians, the spread of peak processes and how many runs had the verdict.
run_logjam 0 sweep scenarios/ci-gate.ini --out "$T/rep" "${short[@]}" \
    --vary logger.level=info,debug --repeat 2
cat "$T/stdout"
grep -q '2 of 2 variants, 2 runs each' "$T/stdout" || fail "no repeat header"
grep -q 'peak processes  *spread' "$T/stdout" || fail "no spread column"
[ "$(grep -cE '^  0[12] level=[a-z]+ +(pass|fail|capped) [12]/2 ' "$T/stdout")" -eq 2 ] ||
    fail "rows without a verdict count"
[ "$(grep -c 'run [12]/2: ' "$T/stderr")" -eq 4 ] || fail "not 4 runs: $(cat "$T/stderr")"
for d in 01-level=info 02-level=debug; do
    [ ! -e "$T/rep/$d/summary.json" ] || fail "$d/summary.json outside the runs' dirs"
    for k in r1 r2; do
        for f in summary.json samples.csv report.html; do
            [ -s "$T/rep/$d/$k/$f" ] || fail "$d/$k/$f missing"
        done
    done
done
grep -q '<th>spread</th>' "$T/rep/report.html" || fail "no spread column in report.html"
grep -qE 'href="0[12]-level=[a-z]+/r[12]/report.html"' "$T/rep/report.html" ||
    fail "report.html does not link the median runs"
python3 - "$T/rep" <<'PY'
import csv, json, sys, os, statistics
out = sys.argv[1]
j = json.load(open(os.path.join(out, "sweep.json")))
rows = list(csv.DictReader(open(os.path.join(out, "sweep.csv"))))
assert j["exit_code"] == 0 and j["repeat"] == 2, j
assert len(j["variants"]) == 2 and len(rows) == 2, (j, rows)
for v, r in zip(j["variants"], rows):
    assert len(v["runs"]) == 2 and v["repeats"] == 2 and r["runs"] == "2", (v, r)
    s = [json.load(open(os.path.join(out, run["summary"]))) for run in v["runs"]]
    assert [run["dir"] for run in v["runs"]] == [v["dir"] + "/r1", v["dir"] + "/r2"], v
    peaks = [x["metrics"]["processes"]["max"] for x in s]
    assert [run["peak_processes"] for run in v["runs"]] == peaks, (v["runs"], peaks)
    assert abs(v["peak_processes"] - statistics.median(peaks)) < 1e-6, (v, peaks)
    assert v["peak_processes_min"] == min(peaks) and v["peak_processes_max"] == max(peaks), v
    assert float(r["peak_processes"]) == v["peak_processes"], (r, v)
    verdicts = [x["verdict"] for x in s]
    assert v["passed"] == verdicts.count("pass") == int(r["passed"]), (v, verdicts)
    assert v["verdict"] in verdicts and v["verdict_count"] == verdicts.count(v["verdict"]), v
    assert s[0]["settings"]["logger.level"] == v["variant"].split("=")[1], s[0]["settings"]
PY
assert_nothing_left

# Ctrl-C during the first variant: it stops short, no further variant starts, the table of
# what ran is still written, exit 105.
"$LOGJAM" sweep scenarios/ci-gate.ini --out "$T/int" --no-progress "${short[@]}" \
    --set run.duration=20s --vary logger.level=info,debug,notice >"$T/stdout" 2>"$T/stderr" &
pid=$!
in_load() { grep -q ',load,' "$T/int/01-level=info/samples.csv" 2>/dev/null; }
wait_for 30 in_load || fail "no load samples: $(cat "$T/stderr")"
kill -INT $pid
set +e; wait $pid; code=$?; set -e
[ "$code" -eq 105 ] || fail "exit code $code after SIGINT: $(cat "$T/stderr")"
[ ! -e "$T/int/02-level=debug" ] || fail "a variant started after Ctrl-C"
[ "$(json "$T/int/sweep.json" "len(j['variants']), j['interrupted'], j['variants'][0]['verdict']")" \
    = "1 True interrupted" ] || fail "sweep.json after Ctrl-C: $(cat "$T/int/sweep.json")"
assert_nothing_left
