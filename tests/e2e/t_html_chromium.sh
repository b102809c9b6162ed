# The HTML report of a short run renders in headless Chromium: exit 0, a screenshot, and the
# DOM has one SVG chart per metric, drawn from the run's own data (the processes chart's
# data-max is the summary's metrics.processes.max). The page fetches nothing.
. tests/e2e/lib.sh
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium not installed (apt-get install chromium)"
    exit 0
fi
run_logjam 0 run scenarios/ci-gate.ini --out "$OUT" --no-progress -q \
    --set run.duration=3s --set run.recovery=2s --set run.baseline=1s --set load.ramp=0s \
    --report "$T/extra.html"
page="$OUT/report.html"
[ -s "$page" ] || fail "no report.html"
cmp -s "$page" "$T/extra.html" || fail "--report FILE differs from report.html"
# self-contained: no URL but the SVG namespace, no script, no external stylesheet or font
! grep -Eo '(src|href)="[^"#]*"|https?://[^"]*' "$page" | grep -v '^http://www.w3.org/2000/svg$' \
    || fail "the page references something outside itself"
! grep -qi '<script' "$page" || fail "the page has a script"

chrome() {
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" --window-size=1200,2000 "$@" \
        "file://$(realpath "$page")"
}
chrome --screenshot="$T/shot.png" >"$T/chrome.out" 2>&1 || fail "chromium --screenshot failed: $(tail -5 "$T/chrome.out")"
[ -s "$T/shot.png" ] || fail "no screenshot"
chrome --dump-dom >"$T/dom.html" 2>"$T/chrome.err" || fail "chromium --dump-dom failed: $(tail -5 "$T/chrome.err")"
for id in chart-processes chart-memory chart-logger chart-requests; do
    grep -q "<svg[^>]* id=\"$id\"" "$T/dom.html" || fail "no <svg id=$id> in the rendered DOM"
done
grep -q 'id="gates"' "$T/dom.html" && grep -q 'id="diagnosis"' "$T/dom.html" \
    && grep -q 'id="settings"' "$T/dom.html" || fail "gates, diagnosis or settings missing"
python3 - "$T/dom.html" "$OUT/summary.json" <<'PY'
import json, re, sys
dom = open(sys.argv[1]).read()
s = json.load(open(sys.argv[2]))
svg = re.search(r'<svg[^>]*id="chart-processes"[^>]*>', dom).group(0)
data_max = float(re.search(r'data-max="([^"]+)"', svg).group(1))
points = int(re.search(r'data-points="([^"]+)"', svg).group(1))
assert data_max == s["metrics"]["processes"]["max"], (data_max, s["metrics"]["processes"])
assert points == s["metrics"]["samples"]["count"], (points, s["metrics"]["samples"])
m = re.search(r'<svg[^>]*id="chart-memory"[^>]*>', dom).group(0)
assert float(re.search(r'data-max="([^"]+)"', m).group(1)) == s["metrics"]["memory.total"]["max"]
assert 'class="badge %s"' % s["verdict"] in dom
PY
assert_nothing_left
pgrep -f "$T/chrome" >/dev/null && fail "chromium left running" || true
