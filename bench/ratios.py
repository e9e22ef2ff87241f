#!/usr/bin/python3
"""How far lgtmgen is from the floor of what it does, as ratios (for people;
bench/RESULTS.md records them with the machine). For a fleet of N clusters,
on tmpfs (/dev/shm) when there is one and on disk (the temporary folder,
outside any Git repository: render --commit commits into an enclosing one):

  first render   render into an empty directory  ÷  cp -r of that output   goal ≤ 2
  no-op render   render over its own output      ÷  the first render       goal ≤ 0.3
                 (proved by the render record; and, for information, without
                 one: rendered and compared in full)
  --commit       render --commit into a new repo ÷  render, then git init, git add -A, git commit
                                                                           goal ≤ 1
  peak RSS       of render and render --commit                             goal ≤ 150 MB
  scaling        first render of 2N clusters     ÷  first render of N      goal ≤ 2.2

Each pair runs RUNS times, interleaved (A B A B ...); a row shows the
median and the minimum of each side and the ratios of both. Exits 0: the
goals are reported, not enforced (CI's budget is bench/run.sh's).

Usage: bench/ratios.py LGTMGEN FLEET_N.yaml FLEET_2N.yaml [--runs R]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# No automatic gc: git commit would start one in the background (10,000
# loose objects), which takes the CPU from the next measurements.
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "gc.auto=0",
       "-c", "maintenance.auto=false"]


def run(cmd, cwd=None, env=None):
    """Runs cmd; (seconds, peak RSS in MB). Fails on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


class Row:
    def __init__(self, what, floor, goal):
        self.what, self.floor, self.goal = what, floor, goal
        self.ours, self.theirs = [], []

    def line(self, where):
        def fmt(xs):
            return f"{statistics.median(xs):6.2f} / {min(xs):5.2f}"
        ratio_median = statistics.median(self.ours) / statistics.median(self.theirs)
        ratio_min = min(self.ours) / min(self.theirs)
        goal = "—" if self.goal is None else f"≤ {self.goal} {'✓' if ratio_min <= self.goal else '✗'}"
        return (f"| {where} | {self.what} | {fmt(self.ours)} | {self.floor}: {fmt(self.theirs)} | "
                f"{ratio_median:.2f} / {ratio_min:.2f} | {goal} |")


def measure(lgtmgen, fleet, root, runs):
    first = Row("first render (s)", "cp -r of its output", 2)
    noop = Row("no-op re-render (s)", "first render", 0.3)
    full = Row("no-op re-render without a record (s)", "first render", None)
    no_record = dict(os.environ, LGTMGEN_CACHE_DIR="")
    commit = Row("render --commit (s)", "render + git init, add -A, commit", 1)
    rss = {"render": 0.0, "render --commit": 0.0}
    for i in range(runs):
        work = tempfile.mkdtemp(prefix="lgtmgen-bench-", dir=root)
        try:
            out, copy = os.path.join(work, "out"), os.path.join(work, "copy")
            t, mb = run([lgtmgen, "render", fleet, "-o", out])
            first.ours.append(t)
            noop.theirs.append(t)
            full.theirs.append(t)
            rss["render"] = max(rss["render"], mb)
            first.theirs.append(run(["cp", "-r", out, copy])[0])
            noop.ours.append(run([lgtmgen, "render", fleet, "-o", out])[0])
            full.ours.append(run([lgtmgen, "render", fleet, "-o", out], env=no_record)[0])
            repo = os.path.join(work, "repo")
            t, mb = run([lgtmgen, "render", fleet, "-o", repo, "--commit", "--author", "bench <bench@example.com>"])
            commit.ours.append(t)
            rss["render --commit"] = max(rss["render --commit"], mb)
            plain = os.path.join(work, "plain")
            total = run([lgtmgen, "render", fleet, "-o", plain])[0]
            total += run([*GIT, "init", "-q", plain])[0]
            total += run([*GIT, "add", "-A"], cwd=plain)[0]
            total += run([*GIT, "commit", "-q", "-m", "render"], cwd=plain)[0]
            commit.theirs.append(total)
        finally:
            shutil.rmtree(work)
        print(f"  {root}: run {i + 1}/{runs} done", file=sys.stderr)
    return [first, noop, full, commit], rss


def scaling(lgtmgen, fleet, fleet2, root, runs):
    row = Row("first render of 2N (s)", "first render of N", 2.2)
    for _ in range(runs):
        for which, side in ((fleet, row.theirs), (fleet2, row.ours)):
            work = tempfile.mkdtemp(prefix="lgtmgen-bench-", dir=root)
            try:
                side.append(run([lgtmgen, "render", which, "-o", os.path.join(work, "out")])[0])
            finally:
                shutil.rmtree(work)
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lgtmgen")
    ap.add_argument("fleet")
    ap.add_argument("fleet2")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--disk", default=tempfile.gettempdir(),
                    help="a folder on disk, outside any Git repository (default: the temporary folder)")
    args = ap.parse_args()
    # Render records go to a folder of this run, not the user's cache.
    cache = tempfile.mkdtemp(prefix="lgtmgen-bench-cache-")
    os.environ["LGTMGEN_CACHE_DIR"] = cache
    try:
        report(args)
    finally:
        shutil.rmtree(cache)


def report(args):
    places = []
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        places.append(("tmpfs", "/dev/shm"))
    os.makedirs(args.disk, exist_ok=True)
    places.append(("disk", os.path.abspath(args.disk)))
    print("| where | what | lgtmgen (median / min) | floor (median / min) | ratio (median / min) | goal |")
    print("|---|---|---|---|---|---|")
    rss = {}
    for where, root in places:
        rows, peaks = measure(args.lgtmgen, args.fleet, root, args.runs)
        for row in rows:
            print(row.line(where), flush=True)
        for k, v in peaks.items():
            rss[k] = max(rss.get(k, 0.0), v)
    where, root = places[0]
    print(scaling(args.lgtmgen, args.fleet, args.fleet2, root, args.runs).line(where))
    for k, v in rss.items():
        print(f"| any | peak RSS of {k} (MB) | {v:.0f} | | | ≤ 150 {'✓' if v <= 150 else '✗'} |")


if __name__ == "__main__":
    main()
