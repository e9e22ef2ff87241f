#!/usr/bin/env bash
@@header@@
# Step 40: hand over to Git. From here on argocd/root.yaml and everything it
# reads are reconciled by Argo CD; change the repository, not the cluster.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl

quietly "finding Argo CD on ${ARGOCD_CLUSTER} (run 10-install-argocd.sh first)" \
  kc "${ARGOCD_CLUSTER}" -n argocd get deployment argocd-applicationset-controller

log "${ARGOCD_CLUSTER}: applying argocd/root.yaml"
kc "${ARGOCD_CLUSTER}" apply -f "${REPO_ROOT}/argocd/root.yaml"

log "waiting for Application root to sync (the repository must be pushed)"
if ! kc "${ARGOCD_CLUSTER}" -n argocd wait application/root \
  --for=jsonpath='{.status.sync.status}'=Synced --timeout=300s; then
  kc "${ARGOCD_CLUSTER}" -n argocd get application root -o jsonpath='{.status.conditions}' >&2 || true
  die "root did not sync; check the repoURL/targetRevision and that the branch is pushed"
fi
kc "${ARGOCD_CLUSTER}" -n argocd get applicationsets,applications
