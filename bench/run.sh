#!/usr/bin/env bash
# Scale benchmark: a fleet of N clusters (default 1000) must validate, build
# its model and render in about a second, and re-render over its own output
# without rewriting a file. Prints the timings; exits 1 when a budget
# (LGTMGEN_BENCH_BUDGET_MS, default 2000 ms per command) is exceeded or the
# re-render rewrote anything. Then prints bench/ratios.py's table: each
# command as a ratio to its floor (cp -r, git), LGTMGEN_BENCH_RUNS times
# interleaved (default 5; 0 skips it), and t(2N)/t(N).
# Usage: bench/run.sh [N]   (after building into build/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-1000}  # at most 2048: the 2N clusters' pod networks are /20s of 10.0.0.0/8
budget=${LGTMGEN_BENCH_BUDGET_MS:-2000}
bin=./build/lgtmgen
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT

bench/fleet.sh "${n}" >"${work}/fleet.yaml"
export LGTMGEN_CACHE_DIR="${work}/cache"  # render records: not the user's cache

time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

status=0
for cmd in validate model; do
  ms=$(time_ms "${bin}" "${cmd}" "${work}/fleet.yaml")
  echo "${cmd} of ${n} clusters: ${ms} ms (budget ${budget} ms)"
  ((ms <= budget)) || status=1
done
ms=$(time_ms "${bin}" render "${work}/fleet.yaml" -o "${work}/repo")
files=$(find "${work}/repo" -type f | wc -l)
echo "render of ${n} clusters (${files} files): ${ms} ms (budget ${budget} ms)"
((ms <= budget)) || status=1
# The re-render is timed twice: proved unchanged by the render record, and
# rendered and compared in full (no record kept: LGTMGEN_CACHE_DIR empty).
for cache in "${work}/cache" ""; do
  start=$(date +%s%N)
  again=$(LGTMGEN_CACHE_DIR="${cache}" "${bin}" render "${work}/fleet.yaml" -o "${work}/repo")
  ms=$((($(date +%s%N) - start) / 1000000))
  how="proved by the render record"
  [[ -n ${cache} ]] || how="rendered in full"
  echo "re-render, ${how}: ${ms} ms: ${again}"
  ((ms <= budget)) || status=1
  [[ ${again} == *" 0 added, 0 changed, 0 removed"* ]] || { echo "re-render rewrote files" >&2; status=1; }
done

runs=${LGTMGEN_BENCH_RUNS:-5}
if ((runs > 0)); then
  bench/fleet.sh $((2 * n)) >"${work}/fleet-2n.yaml"
  echo "ratios to the floor, ${n} clusters (2N: $((2 * n))), ${runs} interleaved runs:"
  /usr/bin/python3 bench/ratios.py "${bin}" "${work}/fleet.yaml" "${work}/fleet-2n.yaml" --runs "${runs}"
fi
exit "${status}"
