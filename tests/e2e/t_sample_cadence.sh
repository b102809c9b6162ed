# The incident, shortened, on the fixture logger and on real lager: the node's sampler keeps
# its cadence through the pile-up. Missed samples at most 1% of those expected, no hole over
# two intervals (in summary.json and between samples.csv's node-time stamps), the logger
# queue's staleness reported (text, JSON, samples.csv column), and nothing left running.
. tests/e2e/lib.sh
for backend in fixture lager; do
    out="$OUT-$backend"
    run_logjam 99 run scenarios/incident.ini --out "$out" --no-progress \
        --set logger.backend="$backend" \
        --set run.duration=12s --set run.recovery=3s --set run.baseline=1s --set load.ramp=1s
    s="$out/summary.json"
    python3 - "$s" "$out/samples.csv" "$backend" <<'PY' || fail "$backend: sample cadence"
import csv, json, sys
j = json.load(open(sys.argv[1]))
smp = j["metrics"]["samples"]
interval = 0.25
rows = list(csv.DictReader(open(sys.argv[2])))
at = [float(r["at_s"]) for r in rows]
span = at[-1] - at[0]
expected = span / interval + 1
print(f"{sys.argv[3]}: samples {smp['count']} missed {smp['missed']} (expected ~{expected:.0f})"
      f" longest gap {smp['longest_gap']:.3f} s, logger stale up to {smp['logger_queue_age_max']:.3f} s")
assert smp["count"] == len(rows), "count vs samples.csv rows"
assert smp["missed"] <= 0.01 * expected, "more than 1% missed"
assert smp["longest_gap"] <= 2 * interval, "a hole over two intervals"
csv_gap = max(b - a for a, b in zip(at, at[1:]))
assert abs(csv_gap - smp["longest_gap"]) < 0.002, f"samples.csv gap {csv_gap}"
ages = [int(r["logger_queue_age"]) for r in rows]
assert max(ages) / 1000 == smp["logger_queue_age_max"], "logger_queue_age column vs summary"
assert min(ages) >= 0 and max(ages) > 0
PY
    grep -Eq "samples [0-9]+ \([0-9]+ missed, longest gap [0-9.]+m?s\)" "$T/stdout" \
        || fail "$backend: text summary samples line: $(grep samples "$T/stdout")"
    grep -q "logger queue stale up to" "$T/stdout" || fail "$backend: text summary staleness"
done
assert_nothing_left
