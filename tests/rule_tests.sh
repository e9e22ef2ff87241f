#!/usr/bin/env bash
# Checks a rendered repository's alert rules as a user's CI would: the Mimir
# rule files and their unit tests (alerts/tests/run.sh: promtool check rules,
# promtool test rules) and the syntax of every LogQL rule in the Loki rule
# files (alerts/loki-rules/, tests/chart_checks/logql_syntax.py). Exits 77
# (ctest: skipped) when promtool is missing and there are PromQL rules to
# check, and says so.
# Usage: tests/rule_tests.sh REPO_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo=$1
shopt -s nullglob
loki_rules=("${repo}"/alerts/loki-rules/*.yaml)
if ((${#loki_rules[@]} > 0)); then
  /usr/bin/python3 "${here}/chart_checks/logql_syntax.py" "${loki_rules[@]}"
fi
mimir_rules=("${repo}"/alerts/mimir-rules/*.yaml)
if ((${#mimir_rules[@]} > 0)); then
  if ! command -v promtool >/dev/null; then
    echo "skipped: promtool is not installed (Debian: package prometheus)"
    exit 77
  fi
  # run.sh checks the rule files and runs the catalog groups' unit tests;
  # without catalog groups there are no tests, only the files to check.
  if [[ -x ${repo}/alerts/tests/run.sh ]]; then
    "${repo}/alerts/tests/run.sh"
  else
    promtool check rules "${mimir_rules[@]}"
  fi
fi
