#!/usr/bin/env bash
@@header@@
# Shared helpers for the numbered bootstrap steps. Sourced, never executed.
set -euo pipefail
# A failure inside $(...) stops the script too, as it does outside.
shopt -s inherit_errexit

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
#~end
#~if gateway_api
export GATEWAY_API_VERSION="@@gateway_api_version@@"
#~end

# The cluster that runs Argo CD.
export ARGOCD_CLUSTER="@@argocd_cluster@@"
#~if docker_network

# The docker network the clusters' nodes share.
export DOCKER_NETWORK="@@docker_network@@"
#~end
#~if minikube
export KICBASE_IMAGE="@@kicbase_image@@"
export KUBERNETES_VERSION="@@kubernetes_version@@"
#~end

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
#~if kind_contexts
  printf 'kind-%s' "$1"
#~end
#~if mixed_contexts
  case $1 in
    @@existing_clusters@@) printf '%s' "$1" ;; # clusters you have: contexts named like them
    *) printf 'kind-%s' "$1" ;;
  esac
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

#~if kind
# kind_cluster_exists NAME. The list is read whole before it is searched:
# `kind get clusters | grep -q` fails under pipefail when grep stops early.
kind_cluster_exists() {
  local clusters
  clusters=$(kind get clusters 2>&1) || die "kind get clusters failed: ${clusters}"
  grep -qx -- "$1" <<<"${clusters}"
}
#~end

# ensure_namespace CLUSTER NAMESPACE (idempotent).
ensure_namespace() {
  kc "$1" create namespace "$2" --dry-run=client -o yaml | kc "$1" apply -f - >/dev/null
}

# secret_key CLUSTER NAMESPACE SECRET KEY: print the decoded value; nothing
# when the Secret or the key does not exist. Any other failure (an
# unreachable cluster, undecodable data) stops the script. Dots in KEY
# (tls.crt) are escaped: jsonpath would read {.data.tls.crt} as data→tls→crt.
secret_key() {
  local encoded
  encoded=$(kc "$1" -n "$2" get secret "$3" --ignore-not-found -o "jsonpath={.data.${4//./\\.}}") \
    || die "cannot read Secret $2/$3 on $1"
  [[ -z ${encoded} ]] || printf '%s' "${encoded}" | base64 -d || die "key $4 of Secret $2/$3 on $1 is not base64"
}

# has_key CLUSTER NAMESPACE SECRET KEY: whether the Secret holds a non-empty KEY.
has_key() {
  local value
  value=$(secret_key "$@") || exit 1
  [[ -n ${value} ]]
}

# quietly WHAT COMMAND...: run COMMAND with its output hidden while it
# succeeds; when it fails, print that output and stop, naming WHAT.
quietly() {
  local what=$1 output
  shift
  output=$("$@" 2>&1) || {
    printf '%s\n' "${output}" >&2
    die "${what} failed: $1"
  }
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
    quietly "CA $3" step certificate create "$3" "$2" "$1" --profile root-ca --kty EC --curve P-256 \
      --not-after 87600h --no-password --insecure --force
    return 0
  fi
  quietly "CA $3" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=$3" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$1" -out "$2"
}

# new_ec_intermediate KEY_FILE CERT_FILE COMMON_NAME CA_CERT CA_KEY HOURS: an
# ECDSA P-256 intermediate CA (path length 0) signed by the given CA, valid
# for HOURS.
new_ec_intermediate() {
  if have_step; then
    quietly "intermediate CA $3" step certificate create "$3" "$2" "$1" --profile intermediate-ca --kty EC \
      --curve P-256 --ca "$4" --ca-key "$5" --not-after "$6h" --no-password --insecure --force
    return 0
  fi
  [[ -s $4 && -s $5 ]] || die "intermediate CA $3: the signing CA ($4, $5) is empty"
  quietly "key of $3" openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$3" \
    -keyout "$1" -out "$1.csr"
  printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$1.ext"
  quietly "intermediate CA $3" openssl x509 -req -in "$1.csr" -CA "$4" -CAkey "$5" -CAcreateserial \
    -days "$(($6 / 24))" -sha256 -extfile "$1.ext" -out "$2"
  rm -f "$1.csr" "$1.ext"
}

# wait_for SECONDS WHAT COMMAND...: retry COMMAND every 10s until it
# succeeds; on time-out, print what its last try said and stop.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2 output
  shift 2
  until output=$("$@" 2>&1); do
    if ((SECONDS >= deadline)); then
      printf '%s\n' "${output}" >&2
      die "timed out waiting for ${what}"
    fi
    sleep 10
  done
}
