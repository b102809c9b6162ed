# logjam limit with [sweep]: one search per variant, each in its own directory with its own
# limit.json, and one table (variant, knee, failure mode beyond it, headroom against the
# scenario's own rate) on stdout and in the top limit.json, limit.csv and report.html (linked to
# each variant's report, the knees charted; --report writes it too), JUnit one case a variant.
. tests/e2e/lib.sh
cat >"$T/sw.ini" <<'INI'
[run]
duration = 4s
recovery = 2s
baseline = 1s
[load]
connections = 1000
rate = 2000/s
request = /work?logs=10&level=debug&bytes=200
[logger]
level = debug
[gates]
latency = p(99) < 500ms
[limit]
from = 1000
to = 4000
precision = 100%
trial = 3s
[sweep]
quiet = logger.level=info
loud = logger.level=debug
INI
run_logjam 0 limit "$T/sw.ini" --out "$OUT" --no-progress --junit "$T/junit.xml" \
    --report "$T/page.html"
cat "$T/stdout"
grep -q '^logjam limit  .*sw.ini  2 of 2 variants' "$T/stdout" || fail "no variants table"
grep -Eq '^  quiet +\[' "$T/stdout" && grep -Eq '^  loud +\[' "$T/stdout" || fail "rows"
grep -q 'tests="2" failures="0" errors="0"' "$T/junit.xml" &&
    grep -q 'name="quiet: the search ended"' "$T/junit.xml" || fail "junit: $(cat "$T/junit.xml")"
grep -q 'id="chart-limit-knees"' "$OUT/report.html" || fail "no knees chart in report.html"
grep -q "href=\"file://[^\"]*loud/report.html\"" "$T/page.html" || fail "--report's links"
python3 - "$OUT" <<'PY'
import csv, json, os, re, sys
out = sys.argv[1]
page = open(os.path.join(out, "report.html")).read()
hrefs = re.findall(r'href="([^"]+/report.html)"', page)
assert len(hrefs) == 2, hrefs
for href in hrefs:
    assert os.path.exists(os.path.join(out, href)), href
j = json.load(open(os.path.join(out, "limit.json")))
rows = list(csv.DictReader(open(os.path.join(out, "limit.csv"))))
assert j["exit_code"] == 0 and len(j["variants"]) == len(rows) == 2, (j["exit_code"], rows)
for v, r in zip(j["variants"], rows):
    assert v["variant"] == r["variant"], (v["variant"], r)
    d = [e for e in os.listdir(out) if e.endswith(v["variant"])]
    assert len(d) == 1, (os.listdir(out), v["variant"])
    own = json.load(open(os.path.join(out, d[0], "limit.json")))
    assert own["knee"] == v["knee"] and own["cost"]["trials"] == int(r["trials"]), (own, r)
    for t in own["trials"]:
        s = json.load(open(os.path.join(out, d[0], t["dir"], "summary.json")))
        level = "info" if v["variant"] == "quiet" else "debug"
        assert s["settings"]["logger.level"] == level, (v["variant"], s["settings"])
    if v["knee"]["low"] is not None:
        assert abs(float(r["headroom"]) - v["knee"]["low"] / 2000) < 1e-3, r
PY
assert_nothing_left
