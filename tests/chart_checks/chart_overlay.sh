#!/usr/bin/env bash
# Makes OUT/chart-src and OUT/charts: the shared chart sources and chart
# defaults (SHARED/reference/chart-src, SHARED/reference/charts), plus every
# chart the sources hold only as another chart's subchart (kube-state-metrics
# 8.4.0, inside kube-prometheus-stack), made visible at <chart>-<version>/
# for rendering and at <chart>/ for the values-key check, so that a chart
# deployed on its own is rendered and judged like the others, and the
# defaults of the top-level chart sources the shared defaults lack. Symbolic
# links only; nothing is copied.
# Usage: tests/chart_checks/chart_overlay.sh SHARED OUT
set -euo pipefail
shared=$1
out=$2
mkdir -p "${out}/chart-src" "${out}/charts"
ln -s "${shared}"/reference/chart-src/*/ "${out}/chart-src/"
ln -s "${shared}"/reference/charts/*/ "${out}/charts/"
while IFS= read -r chart_yaml; do
  sub=$(dirname "${chart_yaml}")
  read -r name version < <(/usr/bin/python3 -c \
    'import sys,yaml; c=yaml.safe_load(open(sys.argv[1])); print(c["name"], c["version"])' "${chart_yaml}")
  [[ -e ${out}/chart-src/${name}-${version} ]] || ln -s "${sub}" "${out}/chart-src/${name}-${version}"
  [[ -e ${out}/charts/${name} ]] || ln -s "${sub}" "${out}/charts/${name}"
done < <(find "${shared}/reference/chart-src" -mindepth 4 -maxdepth 4 -path '*/charts/*/Chart.yaml' | sort)
# And the defaults of every top-level chart source with none stored
# (ingress-nginx, kiali-server, metrics-server): its own values.yaml.
for src in "${shared}"/reference/chart-src/*/; do
  [[ -f ${src}/Chart.yaml ]] || continue
  name=$(/usr/bin/python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["name"])' "${src}/Chart.yaml")
  [[ -e ${out}/charts/${name} ]] || ln -s "${src}" "${out}/charts/${name}"
done
