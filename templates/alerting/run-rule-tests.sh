#!/usr/bin/env bash
@@header@@
# Checks the rule files Mimir's ruler loads (promtool check rules) and runs
# the unit tests of the fleet's catalog rules against them (promtool test
# rules), from the Prometheus release; Debian/Ubuntu: package prometheus.
# Each test names its rule file.
# Usage: alerts/tests/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v promtool >/dev/null || { echo "run.sh: promtool is not installed" >&2; exit 2; }
cd "${here}"
promtool check rules ../mimir-rules/*.yaml
promtool test rules ./*/*.test.yaml
