#!/usr/bin/env bash
# Runs ../shared/validation/validate-repo on every golden repository (the
# presets' and the cases'), each placed at its gitops.path inside a scratch
# repository root so Argo CD paths resolve as they would in Git.
# Usage: tests/validate-goldens.sh [VALIDATOR]   (exit 1 when any fails)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
validator=${1:-../shared/validation/validate-repo}
scratch=$(mktemp -d)
trap 'rm -rf "${scratch}"' EXIT
failed=0
for dir in golden/presets/* golden/*/expected; do
  [[ -f ${dir}/lgtm.yaml ]] || continue
  spec=${dir}/lgtm.yaml
  repo_url=$(/usr/bin/python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["gitops"]["repoURL"])' "${spec}")
  path=$(/usr/bin/python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["gitops"].get("path", "."))' "${spec}")
  root="${scratch}/$(echo "${dir}" | tr '/' '_')"
  mkdir -p "${root}/${path}"
  cp -r "${dir}/." "${root}/${path}/"
  # validate-repo --charts learns what the bootstrap installs (Argo CD's
  # CRDs) only from bootstrap/ at the repository's root: for a fleet rendered
  # at a sub-folder (gitops.path), a copy of its bootstrap scripts goes there
  # too (the scripts alone: two copies of the kind configs would overlap).
  if [[ ${path} != "." ]]; then
    mkdir -p "${root}/bootstrap"
    cp "${dir}"/bootstrap/*.sh "${root}/bootstrap/"
  fi
  echo "== validate-repo ${dir} (${repo_url}, path ${path})"
  if ! "${validator}" "${root}" --repo-url "${repo_url}" --charts -q; then
    failed=1
  fi
done
exit "${failed}"
