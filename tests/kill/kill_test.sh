#!/usr/bin/env bash
# kill -9 at many points of `render` and `render --commit`: whatever moment a
# run dies, the next run must leave a clean, complete state.
#
# LGTMGEN_CRASHABLE is lgtmgen that kills itself (SIGKILL) at its N-th disk
# operation or Git checkpoint (tests/kill/crashable_main.cpp). Each trial
# starts the change from one fleet to the other (300 clusters against 150, so
# files are added, rewritten and removed) and kills it at operation N: N is
# spread over the whole change and covers its last operations one by one
# (the final manifest, the index update, the branch update). Then the same
# command runs again, uninterrupted, and the test checks:
#   - the killed run left the directory midway (neither fleet is up to date),
#     except before the first operation completed or at the commit's Git
#     checkpoints;
#   - the next run exits 0 (an interrupted directory is never refused as
#     foreign or as edited by hand);
#   - `render --check` calls the directory up to date and the files on disk
#     are exactly `--list-files` (no orphan from the other fleet);
#   - no temporary file is left;
#   - with --commit: HEAD's tree is exactly the rendered files and
#     `git status` is clean (the index is neither stale nor half-written).
#
# usage: tests/kill/kill_test.sh LGTMGEN_CRASHABLE [SPREAD]
set -euo pipefail
lgtmgen=$(realpath "${1:?usage: tests/kill/kill_test.sh LGTMGEN_CRASHABLE [SPREAD]}")
spread=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/lgtmgen-kill.XXXXXX)
trap 'rm -rf "${work}"' EXIT
context="setting up"
export HOME="${work}/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "${HOME}"

"${here}/../../bench/fleet.sh" 300 >"${work}/big.yaml"
"${here}/../../bench/fleet.sh" 150 >"${work}/small.yaml"
author=(--author 'Kill Test <kill@example.com>')

# Fails the test, keeping the work folder for a look.
fail() {
  echo "FAIL (${context}): $*" >&2
  echo "the work folder is kept: ${work}" >&2
  trap - EXIT
  exit 1
}

# Checks the state after a completed run of spec into dir.
check_clean() {
  local spec=$1 dir=$2 mode=$3
  "${lgtmgen}" render "${spec}" -o "${dir}" --check >/dev/null || fail "${mode}: --check after recovery: not up to date"
  "${lgtmgen}" render "${spec}" -o "${dir}" --list-files | sort >"${work}/listed"
  diff "${work}/listed" <(cd "${dir}" && find . -path ./.git -prune -o -type f -print | sed 's|^\./||' | sort) \
    >/dev/null || fail "${mode}: files on disk differ from --list-files (orphans or missing files)"
  if find "${dir}" -name '*.lgtmgen-tmp-*' | grep -q .; then fail "${mode}: temporary files left behind"; fi
  if [[ ${mode} == commit ]]; then
    [[ -z $(git -C "${dir}" status --porcelain) ]] || fail "commit: git status is not clean after recovery"
    diff "${work}/listed" <(git -C "${dir}" ls-tree -r --name-only HEAD | sort) >/dev/null ||
      fail "commit: HEAD's tree differs from the rendered files"
  fi
}

run_trials() {
  local mode=$1 dir="${work}/repo-$1" extra=()
  [[ ${mode} == commit ]] && extra=(--commit "${author[@]}")
  "${lgtmgen}" render "${work}/small.yaml" -o "${dir}" "${extra[@]}" >/dev/null
  # How many operations a change takes, in each direction.
  local -A ops
  LGTMGEN_COUNT_OPS_TO="${work}/ops" "${lgtmgen}" render "${work}/big.yaml" -o "${dir}" "${extra[@]}" >/dev/null
  ops[big]=$(cat "${work}/ops")
  LGTMGEN_COUNT_OPS_TO="${work}/ops" "${lgtmgen}" render "${work}/small.yaml" -o "${dir}" "${extra[@]}" >/dev/null
  ops[small]=$(cat "${work}/ops")
  check_clean "${work}/small.yaml" "${dir}" "${mode}"

  local from=small to=big trials=0
  local -a points
  for ((i = 0; i < spread; i++)); do points+=("spread:${i}"); done
  for last in 4 3 2 1; do points+=("last:${last}"); done
  for point in "${points[@]}"; do
    local total=${ops[${to}]} at
    case ${point} in
      spread:*) at=$((total * ${point#spread:} / spread)) ;;
      last:*) at=$((total - ${point#last:})) ;;
    esac
    local rc=0
    context="${mode}, ${from} to ${to}, killed at operation ${at} of ${total}"
    { LGTMGEN_KILL_AT=${at} "${lgtmgen}" render "${work}/${to}.yaml" -o "${dir}" "${extra[@]}"; } >/dev/null 2>&1 ||
      rc=$?
    ((rc == 137)) || fail "${mode}: the run to be killed at operation ${at} of ${total} exited ${rc}"
    if "${lgtmgen}" render "${work}/${to}.yaml" -o "${dir}" --check >/dev/null 2>&1 ||
      "${lgtmgen}" render "${work}/${from}.yaml" -o "${dir}" --check >/dev/null 2>&1; then
      # Operation 0 writes the pending manifest; killed there, only its
      # temporary file exists. Killed at the commit's checkpoints, the files
      # are complete and only Git lags behind.
      ((at == 0)) || [[ ${mode} == commit && ${point} == last:* ]] ||
        fail "${mode}: killed at operation ${at} of ${total}, yet the directory is not midway"
    fi
    "${lgtmgen}" render "${work}/${to}.yaml" -o "${dir}" "${extra[@]}" >"${work}/out" 2>&1 ||
      fail "${mode}: the run after a kill at operation ${at} of ${total} failed: $(cat "${work}/out")"
    check_clean "${work}/${to}.yaml" "${dir}" "${mode}"
    trials=$((trials + 1))
    local t=${from}
    from=${to}
    to=${t}
  done
  echo "${mode}: ${trials} kills (changes of ${ops[big]} and ${ops[small]} operations), each repaired by the next run"
}

for mode in ${KILL_TEST_MODES:-render commit}; do run_trials "${mode}"; done
