#!/usr/bin/env bash
@@header@@
# Step 15: the Secrets that the fleet spec references but Git must never hold.
# Each value comes from an environment variable. When the variable is unset:
#   - the value already in the cluster is kept (re-runs never rotate secrets);
#   - a password that only this fleet uses (Grafana admin, in-cluster MinIO
#     keys) is generated with openssl and the command to read it is printed;
#   - a credential issued by someone else (Slack webhook, external S3 keys)
#     cannot be invented: the script stops and names the variable.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl openssl base64

CLUSTER="@@central@@"   # the central cluster runs every consumer below

# resolve VAR NAMESPACE SECRET KEY generate|required: print the value to use.
resolve() {
  local var=$1 ns=$2 secret=$3 key=$4 mode=$5 value
  value="${!var:-}"
  if [[ -n ${value} ]]; then
    printf '%s' "${value}"
    return 0
  fi
  value=$(secret_key "${CLUSTER}" "${ns}" "${secret}" "${key}")
  if [[ -n ${value} ]]; then
    log "${var} is unset: keeping ${key} of Secret ${ns}/${secret} already in ${CLUSTER}"
    printf '%s' "${value}"
    return 0
  fi
  if [[ ${mode} == generate ]]; then
    log "${var} is unset: generated a random ${key} for Secret ${ns}/${secret}" \
      "(read it: kubectl --context $(ctx "${CLUSTER}") -n ${ns} get secret ${secret} -o jsonpath='{.data.${key}}' | base64 -d)"
    openssl rand -hex 24
    return 0
  fi
  die "${var} is not set and Secret ${ns}/${secret} does not exist in ${CLUSTER}; export ${var} and re-run"
}

# put_secret NAMESPACE SECRET KEY=VALUE...: create or replace the Secret with
# exactly these keys. Values go through files in a private temporary folder,
# never through argv, so they do not show up in the process list.
put_secret() {
  local ns=$1 secret=$2 pair dir
  shift 2
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  for pair in "$@"; do
    printf '%s' "${pair#*=}" >"${dir}/${pair%%=*}"
  done
  ensure_namespace "${CLUSTER}" "${ns}"
  kc "${CLUSTER}" -n "${ns}" create secret generic "${secret}" --from-file="${dir}" \
    --dry-run=client -o yaml \
    | kc "${CLUSTER}" label --local -f - -o yaml app.kubernetes.io/managed-by=lgtmgen-bootstrap \
    | kc "${CLUSTER}" apply -f - >/dev/null
  rm -rf "${dir}"
  log "Secret ${ns}/${secret} up to date ($# key(s))"
}

@@secrets@@
log "done"
