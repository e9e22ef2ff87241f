#!/usr/bin/env bash
# Checks one rendered repository as Argo CD would deploy it: validate-repo
# --charts (every Helm Application rendered with its values and judged: no
# FAIL, no WARN outside allowed-warnings.txt), then check_fleet.py (the
# addresses agents write to, ServiceMonitors and PodMonitors, scrape targets
# and generated certificates, over the same renders).
# The repository is placed at its gitops.path inside a scratch Git root, as
# Argo CD sees it. Needs ../shared (validate-repo, helm-lite, chart sources)
# beside the checkout; without it, exits 77 (ctest: skipped) and says so.
# Usage: tests/chart_checks/run.sh REPO_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shared="${LGTMGEN_SHARED:-${here}/../../../shared}"
validator="${shared}/validation/validate-repo"
if [[ ! -x ${validator} ]]; then
  echo "skipped: no ${validator} (the chart checks need ../shared beside the checkout)"
  exit 77
fi
repo=$1
python=/usr/bin/python3
field() {
  "${python}" -c 'import sys,yaml; g=yaml.safe_load(open(sys.argv[1]))["gitops"]; print(g.get(sys.argv[2]) or sys.argv[3])' \
    "${repo}/lgtm.yaml" "$1" "$2"
}
repo_url=$(field repoURL "")
path=$(field path .)
scratch=$(mktemp -d)
trap 'rm -rf "${scratch}"' EXIT
root="${scratch}/root"
mkdir -p "${root}/${path}"
cp -r "${repo}/." "${root}/${path}/"
# validate-repo learns what the bootstrap installs (Argo CD's CRDs) only from
# bootstrap/ at the repository's root: a fleet at a sub-folder gets a copy of
# its scripts there (the scripts alone: two copies of the kind configs would
# overlap).
if [[ ${path} != "." ]]; then
  mkdir -p "${root}/bootstrap"
  cp "${repo}"/bootstrap/*.sh "${root}/bootstrap/"
fi
# The shared chart sources, with the charts they hold only as subcharts.
"${here}/chart_overlay.sh" "${shared}" "${scratch}"
chart_src="${scratch}/chart-src"
charts_dir="${scratch}/charts"
status=0
"${validator}" "${root}" --repo-url "${repo_url}" --charts --chart-src "${chart_src}" --charts-dir "${charts_dir}" \
  -q --json "${scratch}/report.json" >"${scratch}/validate.log" 2>&1 || true
if [[ ! -s ${scratch}/report.json ]]; then
  cat "${scratch}/validate.log"
  echo "validate-repo wrote no report" >&2
  exit 1
fi
"${python}" "${here}/judge_report.py" "${scratch}/report.json" || status=1
"${python}" "${here}/check_fleet.py" "${repo}" --chart-src "${chart_src}" \
  --helm-lite "${shared}/validation/helm-lite/helm-lite" || status=1
exit "${status}"
