#!/usr/bin/env bash
# Runs a rendered repository's alert rule unit tests (alerts/tests/run.sh,
# promtool test rules) as a user's CI would. Exits 77 (ctest: skipped) when
# promtool is missing, and says so.
# Usage: tests/rule_tests.sh REPO_DIR
set -euo pipefail
if ! command -v promtool >/dev/null; then
  echo "skipped: promtool is not installed (Debian: package prometheus)"
  exit 77
fi
exec "$1/alerts/tests/run.sh"
