#!/usr/bin/env bash
@@header@@
# Step 20: registers the clusters Argo CD (on @@argocd_cluster@@) deploys to but
# does not run on. For each: a ServiceAccount with a token on that cluster
# (bootstrap/manifests/argocd-manager.yaml),
# then an Argo CD cluster Secret on @@argocd_cluster@@ named like the cluster in
# the fleet spec (the destination.name of its Applications). The token is a
# runtime credential: it never goes into Git. Re-running refreshes it.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl base64

# register CLUSTER SERVER: SERVER is the API address as Argo CD's pods reach it.
register() {
  local name=$1 server=$2 token ca dir
  log "${name}: Argo CD manager account"
  kc "${name}" apply -f "${BOOTSTRAP_DIR}/manifests/argocd-manager.yaml" >/dev/null
  for _ in $(seq 1 30); do
    token=$(kc "${name}" -n kube-system get secret argocd-manager-token --ignore-not-found -o jsonpath='{.data.token}')
    [[ -n ${token} ]] && break
    sleep 2
  done
  [[ -n ${token} ]] || die "${name}: the token of ServiceAccount argocd-manager was not issued"
  ca=$(kc "${name}" -n kube-system get secret argocd-manager-token -o jsonpath='{.data.ca\.crt}')

  log "${ARGOCD_CLUSTER}: Argo CD cluster Secret for ${name} (${server})"
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  printf '%s' "${name}" >"${dir}/name"
  printf '%s' "${server}" >"${dir}/server"
  printf '{"bearerToken":"%s","tlsClientConfig":{"insecure":false,"caData":"%s"}}' \
    "$(printf '%s' "${token}" | base64 -d)" "${ca}" >"${dir}/config"
  kc "${ARGOCD_CLUSTER}" -n argocd create secret generic "cluster-${name}" --from-file="${dir}" \
    --dry-run=client -o yaml \
    | kc "${ARGOCD_CLUSTER}" label --local -f - -o yaml \
      argocd.argoproj.io/secret-type=cluster app.kubernetes.io/managed-by=lgtmgen-bootstrap \
    | kc "${ARGOCD_CLUSTER}" apply -f - >/dev/null
  rm -rf "${dir}"
}

@@registrations@@
log "done"
