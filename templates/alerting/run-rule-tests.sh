#!/usr/bin/env bash
@@header@@
# Runs the unit tests of the fleet's catalog alert rules (promtool test rules,
# from the Prometheus release; Debian/Ubuntu: package prometheus). Each rule
# group in alerts/ is a PrometheusRule whose spec is a Prometheus rule file;
# it is extracted next to the tests in a scratch directory first.
# Usage: alerts/tests/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v promtool >/dev/null || { echo "run.sh: promtool is not installed" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
for rules in "${here}"/../*.yaml; do
  grep -q '^kind: PrometheusRule$' "${rules}" || continue
  # spec: starts the last block of the file; its body, de-indented, is the rule file.
  sed -n '/^spec:$/,$p' "${rules}" | sed '1d; s/^  //' >"${work}/$(basename "${rules}")"
done
cp "${here}"/*.test.yaml "${work}/"
cd "${work}"
promtool test rules ./*.test.yaml
