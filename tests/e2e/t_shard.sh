# A sweep split across "machines": 4 short variants of ci-gate as 3 shards run one after
# another, merged, and compared with the same sweep unsharded (same variants, same columns,
# values within the noise the README states: the same verdict, peak processes and peak memory
# within 25%). Bad --shard values exit 104 and start nothing; a missing, a duplicated and a
# foreign shard, and shards of two kinds, are each refused with one line and exit 106.
. tests/e2e/lib.sh
sweep=(sweep scenarios/ci-gate.ini --no-progress --set run.duration=3s --set run.recovery=2s
    --set run.baseline=1s --set load.ramp=0s --vary logger.level=info,debug,notice,warning)

# bad --shard values (and LOGJAM_SHARD's): one line naming the value, 104, nothing created
for v in 0/3 4/3 1/0 3 text; do
    run_logjam 104 "${sweep[@]}" --out "$T/bad" --shard "$v"
    [ "$(cat "$T/stderr")" = "logjam: --shard $v: expected i/n, whole numbers with 1 <= i <= n <= 1000 (like 2/3)" ] ||
        fail "--shard $v: $(cat "$T/stderr")"
    [ ! -e "$T/bad" ] || fail "--shard $v created the output directory"
done
LOGJAM_SHARD=2/x run_logjam 104 "${sweep[@]}" --out "$T/bad"
grep -q '^logjam: LOGJAM_SHARD 2/x: expected i/n' "$T/stderr" || fail "env: $(cat "$T/stderr")"
LOGJAM_SHARD=2/x run_logjam 0 "${sweep[@]}" --shard 1/3 --dry-run # the flag wins

# --dry-run: each variant in exactly one shard (round-robin), the same spec, nothing written
for i in 1 2 3 4; do
    run_logjam 0 "${sweep[@]}" --out "$T/dry" --shard $i/4 --dry-run
    cat "$T/stdout" >>"$T/dry.txt"
done
[ ! -e "$T/dry" ] || fail "--dry-run created the output directory"
[ "$(grep -E '^  0[1-4] level=' "$T/dry.txt" | sort | sed 's/^ *//' | paste -sd,)" = \
    "01 level=info,02 level=debug,03 level=notice,04 level=warning" ] ||
    fail "dry runs: $(cat "$T/dry.txt")"
grep -q 'shard 4/4 runs 1 of 4 variants' "$T/dry.txt" || fail "no plan line: $(cat "$T/dry.txt")"
[ "$(grep -c '^spec sha256:' "$T/dry.txt")" -eq 4 ] &&
    [ "$(grep '^spec ' "$T/dry.txt" | sort -u | wc -l)" -eq 1 ] || fail "specs differ"

# the same sweep unsharded, then as 3 shards one after another, then merged
run_logjam 0 "${sweep[@]}" --out "$T/whole"
for i in 1 2 3; do
    run_logjam 0 "${sweep[@]}" --out "$T/s$i" --shard $i/3
    [ -s "$T/s$i/shard.json" ] || fail "shard $i wrote no shard.json"
done
[ -d "$T/s1/01-level=info" ] && [ -d "$T/s1/04-level=warning" ] && [ ! -e "$T/s1/02-level=debug" ] ||
    fail "shard 1 did not run variants 1 and 4 only: $(ls "$T/s1")"
run_logjam 0 merge --out "$OUT" --junit "$T/junit.xml" --report "$T/merged.html" \
    "$T/s3" "$T/s1" "$T/s2"
cat "$T/stdout"
grep -q 'merged from 3 shards: 4 of 4 variants' "$T/stdout" || fail "no merged header"
grep -q 'machine' "$T/stdout" && fail "a machine column though every shard ran here"
[ -s "$OUT/report.html" ] && [ -s "$T/merged.html" ] && [ -s "$OUT/02-level=debug/summary.json" ] ||
    fail "merged files missing: $(ls "$OUT")"
[ "$(grep -c '<testcase ' "$T/junit.xml")" -eq 4 ] || fail "junit: $(cat "$T/junit.xml")"
python3 - "$T/whole" "$OUT" <<'PY'
import csv, json, os, sys
whole, merged = sys.argv[1], sys.argv[2]
def load(d):
    j = json.load(open(os.path.join(d, "sweep.json")))
    with open(os.path.join(d, "sweep.csv")) as f:
        r = csv.DictReader(f)
        return j, r.fieldnames, list(r)
jw, hw, rw = load(whole)
jm, hm, rm = load(merged)
assert hw == hm, (hw, hm)                                     # same columns
assert [(v["index"], v["variant"], v["dir"]) for v in jw["variants"]] == \
       [(v["index"], v["variant"], v["dir"]) for v in jm["variants"]], (jw, jm)
assert set(jw["variants"][0]) <= set(jm["variants"][0]), (jw["variants"][0], jm["variants"][0])
assert jm["exit_code"] == jw["exit_code"] == 0 and jm["axes"] == jw["axes"], jm
assert len(jm["shards"]) == 3 and jm["machines"] == 1, jm["shards"]
assert [s["index"] for s in jm["shards"]] == [1, 2, 3], jm["shards"]
for w, m in zip(rw, rm):
    assert w["verdict"] == m["verdict"], (w, m)
    for k in ("peak_processes", "peak_memory"):                # the README's noise statement
        a, b = float(w[k]), float(m[k])
        assert abs(a - b) <= 0.25 * max(a, b), (k, w, m)
    s = json.load(open(os.path.join(merged, m["dir"], "summary.json")))
    assert float(m["peak_processes"]) == s["metrics"]["processes"]["max"], (m, s["metrics"])
PY

# different machines: the machine column and the sentence that they compare less well
cp -r "$T/s2" "$T/s2b"
python3 - "$T/s2b/shard.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["machine"]["hostname"] = "elsewhere"
json.dump(m, open(sys.argv[1], "w"))
PY
run_logjam 0 merge --out "$T/m2" "$T/s1" "$T/s2b" "$T/s3"
grep -Eq '^  variant .* machine$' "$T/stdout" && grep -Eq '^  02 level=debug .* elsewhere$' "$T/stdout" ||
    fail "no machine column: $(cat "$T/stdout")"
grep -q 'numbers from different machines compare less well' "$T/stdout" || fail "no note"
grep -q 'numbers from different machines compare less well' "$T/m2/report.html" || fail "html"
[ "$(json "$T/m2/sweep.json" "j['machines'], j['variants'][1]['machine']")" = "2 elsewhere" ] ||
    fail "sweep.json machines"

# refusals: one line naming the shard, exit 106, nothing written
refused() { # WANT DIR...
    local want=$1; shift
    run_logjam 106 merge --out "$T/no" "$@"
    [ "$(wc -l <"$T/stderr")" -eq 1 ] && grep -q -- "$want" "$T/stderr" ||
        fail "merge $*: $(cat "$T/stderr")"
    [ ! -e "$T/no" ] || fail "a refused merge wrote $T/no"
}
refused '^logjam: merge: shard 2/3 is missing (2 of 3 shards given)$' "$T/s1" "$T/s3"
refused "^logjam: merge: $T/s2b: shard 2/3 again (also $T/s2)" "$T/s1" "$T/s2" "$T/s2b" "$T/s3"
# a shard of another spec (two variants, not four): empty, so it costs nothing to make
run_logjam 0 "${sweep[@]}" --vary logger.level=info,debug --out "$T/foreign" --shard 3/3
[ "$(json "$T/foreign/shard.json" "len(j['variants']), j['ended'] is not None")" = "0 True" ] ||
    fail "an empty shard's manifest: $(cat "$T/foreign/shard.json")"
refused "^logjam: merge: $T/foreign: shard 3/3 of another spec" "$T/s1" "$T/s2" "$T/foreign"
cat >"$T/lim.ini" <<'INI'
[limit]
from = 100
[sweep]
logger.level = info, debug
INI
run_logjam 0 limit "$T/lim.ini" --no-progress --out "$T/lim3" --shard 3/3
refused "^logjam: merge: $T/lim3: a limit shard, but $T/s1 is a sweep shard" \
    "$T/s1" "$T/s2" "$T/lim3"
refused "^logjam: merge: $T: no shard.json" "$T"
assert_nothing_left
