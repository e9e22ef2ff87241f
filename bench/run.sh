#!/usr/bin/env bash
# Scale benchmark: a fleet of N clusters (default 1000) must validate and
# build its model in about a second. Prints the timings; exits 1 when a
# budget (LGTMGEN_BENCH_BUDGET_MS, default 2000 ms per command) is exceeded.
# Usage: bench/run.sh [N]   (after building into build/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-1000}  # at most 4096: the generated pod networks are /20s of 10.0.0.0/8
budget=${LGTMGEN_BENCH_BUDGET_MS:-2000}
bin=./build/lgtmgen
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT

bench/fleet.sh "${n}" >"${work}/fleet.yaml"

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
exit "${status}"
