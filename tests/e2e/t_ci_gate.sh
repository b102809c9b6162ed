# The CI gate scenario, as a CI would run it: exit 0, JSON on stdout is valid and has the
# stable keys of DESIGN.md, JUnit XML parses with one testcase per gate.
. tests/e2e/lib.sh
run_logjam 0 run scenarios/ci-gate.ini --out "$OUT" --no-progress --format json \
    --junit "$T/gate.xml" --summary-export "$T/summary.json"
python3 - "$T/stdout" "$T/summary.json" "$T/gate.xml" <<'PY'
import json, sys, xml.etree.ElementTree as ET
j = json.load(open(sys.argv[1]))
assert j == json.load(open(sys.argv[2])), "stdout and --summary-export differ"
for k in ["schema", "scenario", "verdict", "exit_code", "settings", "metrics", "gates", "diagnosis"]:
    assert k in j, k
assert j["schema"] == 1 and j["verdict"] == "pass" and j["exit_code"] == 0
m = j["metrics"]
for k in ["processes", "memory.total", "memory.processes", "memory.binary", "logger.queue",
          "logger.switches", "logger.sync", "connections", "requests", "latency", "recovery",
          "samples", "harness"]:
    assert k in m, k
for k in ["baseline", "max", "final", "delta", "slope"]:
    assert k in m["processes"], k
for k in ["sent", "ok", "failed", "errored", "timeout", "rate"]:
    assert k in m["requests"], k
for k in ["p(50)", "p(90)", "p(99)", "p(99.9)", "max"]:
    assert k in m["latency"], k
assert m["requests"]["ok"] > 1000, m["requests"]
for g in j["gates"]:
    assert set(g) >= {"metric", "expr", "value", "ok"}, g
    assert g["ok"] is True, g
cases = ET.parse(sys.argv[3]).getroot().findall(".//testcase")
assert len(cases) == len(j["gates"]), (len(cases), len(j["gates"]))
PY
assert_nothing_left
