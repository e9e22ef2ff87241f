#!/usr/bin/env bash
@@header@@
# Shared helpers for the numbered bootstrap steps. Sourced, never executed.
set -euo pipefail

BOOTSTRAP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${BOOTSTRAP_DIR}/.." && pwd)"
export BOOTSTRAP_DIR REPO_ROOT

# Pinned versions (lgtmgen's catalog, overridable with `versions:` in the spec).
export ARGOCD_CHART_REPO="@@argocd_repo@@"
export ARGOCD_CHART_VERSION="@@argocd_version@@"
#~if metallb
export METALLB_CHART_REPO="@@metallb_repo@@"
export METALLB_VERSION="@@metallb_version@@"
#~end
#~if cilium
export CILIUM_CHART_REPO="@@cilium_repo@@"
export CILIUM_VERSION="@@cilium_version@@"
export GATEWAY_API_VERSION="@@gateway_api_version@@"
#~end

# The cluster that runs Argo CD.
export ARGOCD_CLUSTER="@@argocd_cluster@@"

log() {
  printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# require_cmd CMD...: fail early, naming every missing tool.
require_cmd() {
  local cmd missing=()
  for cmd in "$@"; do
    command -v "${cmd}" >/dev/null 2>&1 || missing+=("${cmd}")
  done
  if ((${#missing[@]} > 0)); then
    die "missing required command(s): ${missing[*]} (see bootstrap/README.md)"
  fi
}

# ctx CLUSTER: the kubeconfig context of a cluster.
ctx() {
#~if kind
  printf 'kind-%s' "$1"
#~end
#~ifnot kind
  printf '%s' "$1"
#~end
}

# kc CLUSTER ARGS...: kubectl against one cluster, never the current context.
kc() {
  local cluster=$1
  shift
  kubectl --context "$(ctx "${cluster}")" "$@"
}

kind_cluster_exists() {
  kind get clusters 2>/dev/null | grep -qx -- "$1"
}

# ensure_namespace CLUSTER NAMESPACE (idempotent).
ensure_namespace() {
  kc "$1" create namespace "$2" --dry-run=client -o yaml | kc "$1" apply -f - >/dev/null
}

# secret_key CLUSTER NAMESPACE SECRET KEY: print the decoded value, or nothing.
secret_key() {
  kc "$1" -n "$2" get secret "$3" -o "jsonpath={.data.$4}" 2>/dev/null | base64 -d 2>/dev/null || true
}

# Key material is made with the step CLI when it is installed, else with
# openssl; both give the same kind of certificate.
have_step() {
  command -v step >/dev/null 2>&1
}

# new_ec_ca KEY_FILE CERT_FILE COMMON_NAME: a self-signed ECDSA P-256 CA,
# valid for ten years, that may sign certificates and CRLs only.
new_ec_ca() {
  if have_step; then
    step certificate create "$3" "$2" "$1" --profile root-ca --kty EC --curve P-256 \
      --not-after 87600h --no-password --insecure --force >/dev/null
    return 0
  fi
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=$3" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$1" -out "$2" 2>/dev/null
}

# new_ec_intermediate KEY_FILE CERT_FILE COMMON_NAME CA_CERT CA_KEY HOURS: an
# ECDSA P-256 intermediate CA (path length 0) signed by the given CA, valid
# for HOURS.
new_ec_intermediate() {
  if have_step; then
    step certificate create "$3" "$2" "$1" --profile intermediate-ca --kty EC --curve P-256 \
      --ca "$4" --ca-key "$5" --not-after "$6h" --no-password --insecure --force >/dev/null
    return 0
  fi
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$3" \
    -keyout "$1" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$5" -CAcreateserial -days "$(($6 / 24))" -sha256 \
    -extfile <(printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n') \
    -out "$2" 2>/dev/null
  rm -f "$1.csr"
}

# wait_for SECONDS WHAT COMMAND...: retry COMMAND every 10s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out waiting for ${what}"
    sleep 10
  done
}
