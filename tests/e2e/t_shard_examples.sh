# The sharding examples are checked, not just shipped: every YAML document in examples/
# parses, and every logjam command line in them is accepted. Shard lines run with --dry-run
# for each matrix value / Job index (exit 0, and together they cover every variant exactly
# once); merge lines run with --dry-run on the directories the shard lines and artifacts
# name (empty here), so they get as far as "DIR: no shard.json" (exit 106) for a directory
# that is there: options accepted, the pattern matches the shards' directories.
# No node is started.
. tests/e2e/lib.sh
python3 - "$LOGJAM" "$T" <<'PY'
import glob, os, re, subprocess, sys, yaml
logjam, tmp = os.path.abspath(sys.argv[1]), sys.argv[2]
root = os.getcwd()
checked = {"shard": 0, "merge": 0}

def run(line, env_extra, cwd):
    """Run a shell command line with logjam standing for the built binary plus --dry-run."""
    shim = os.path.join(tmp, "shim")
    os.makedirs(os.path.join(shim, "bin"), exist_ok=True)
    with open(os.path.join(shim, "bin", "logjam"), "w") as f:
        f.write('#!/bin/sh\nexec "%s" "$@" --dry-run\n' % logjam)
    os.chmod(os.path.join(shim, "bin", "logjam"), 0o755)
    env = dict(os.environ, PATH=os.path.join(shim, "bin") + ":" + os.environ["PATH"], **env_extra)
    line = re.sub(r"(^|\s)bin/logjam\b", r"\1logjam", line)
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True)

def check(kind_lines, cwd, n):
    """Shard lines: exit 0, each variant in exactly one shard. Merge lines: exit 106."""
    seen = []
    for line, env in kind_lines["shard"]:
        r = run(line, env, cwd)
        assert r.returncode == 0, (line, env, r.stdout, r.stderr)
        assert re.search(r"shard \d+/%d runs" % n, r.stdout), r.stdout
        seen += re.findall(r"^  (\d\d) ", r.stdout, re.M)
        total = int(re.search(r" of (\d+) variants", r.stdout).group(1))
        checked["shard"] += 1
    if kind_lines["shard"]:  # every variant in exactly one shard
        assert sorted(seen) == ["%02d" % (k + 1) for k in range(total)], seen
    for line, env in kind_lines["merge"]:
        r = run(line, env, cwd)
        m = re.match(r"logjam: merge: (.*): no shard.json", r.stderr)
        assert r.returncode == 106 and m, (line, r.stderr)
        assert os.path.isdir(os.path.join(cwd, m.group(1))), ("not a shard's directory", line)
        checked["merge"] += 1

# GitHub Actions: the matrix expanded, artifacts downloaded where the merge job puts them
for path in glob.glob("examples/github-actions/*.yml"):
    wf = yaml.safe_load(open(path))
    lines = {"shard": [], "merge": []}
    shard_job = wf["jobs"]["shard"]
    values = shard_job["strategy"]["matrix"]["shard"]
    cwd = os.path.join(tmp, "gh")
    os.makedirs(cwd, exist_ok=True)
    if not os.path.exists(os.path.join(cwd, "scenarios")):
        os.symlink(os.path.join(root, "scenarios"), os.path.join(cwd, "scenarios"))
    for job in wf["jobs"].values():
        for step in job["steps"]:
            cmd = step.get("run", "")
            if "logjam " not in cmd:
                continue
            kind = "merge" if "logjam merge" in cmd else "shard"
            for v in (values if "matrix.shard" in cmd else [None]):
                lines[kind].append((re.sub(r"\$\{\{\s*matrix\.shard\s*\}\}", str(v), cmd), {}))
        for step in job["steps"]:  # the artifact names, as download-artifact lays them out
            name = step.get("with", {}).get("name", "")
            if step.get("uses", "").startswith("actions/upload-artifact") and "matrix.shard" in name:
                for v in values:
                    os.makedirs(os.path.join(cwd, "shards",
                                re.sub(r"\$\{\{\s*matrix\.shard\s*\}\}", str(v), name)), exist_ok=True)
    assert len(lines["shard"]) == len(values) and lines["merge"], lines
    check(lines, cwd, len(values))

# Kubernetes: each Job's command for every completion index, the volumes mapped to dirs here
lines, n = {"shard": [], "merge": []}, 0
for path in sorted(glob.glob("examples/k8s/*.yaml")):
    for doc in yaml.safe_load_all(open(path)):
        assert doc and "kind" in doc, (path, doc)
        if doc["kind"] != "Job":
            continue
        spec = doc["spec"]
        for c in spec["template"]["spec"]["containers"]:
            cmd = " ".join(c.get("command", []) + c.get("args", []))
            assert cmd.startswith("sh -c "), cmd
            cmd = cmd[len("sh -c "):]
            cmd = cmd.replace("/scenarios/", root + "/scenarios/").replace("/results/", tmp + "/results/")
            if "logjam merge" in cmd:
                lines["merge"].append((cmd, {}))
                continue
            assert spec.get("completionMode") == "Indexed" and "JOB_COMPLETION_INDEX" in cmd, cmd
            n = spec["completions"]
            for i in range(n):
                lines["shard"].append((cmd, {"JOB_COMPLETION_INDEX": str(i)}))
                os.makedirs(os.path.join(tmp, "results", "shard-%d" % (i + 1)), exist_ok=True)
assert lines["shard"] and lines["merge"], lines
check(lines, tmp, n)
assert checked["shard"] >= 8 and checked["merge"] >= 2, checked
print("checked", checked)
PY
