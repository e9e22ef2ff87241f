#!/usr/bin/env bash
@@header@@
# Step 10: Argo CD on @@argocd_cluster@@ (chart argo-cd @@argocd_version@@).
# The values also register the in-cluster API server under the name
# of the fleet spec, the destination.name every generated Application uses.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl helm

quietly "reaching cluster ${ARGOCD_CLUSTER} (run 00-create-clusters.sh first)" kc "${ARGOCD_CLUSTER}" cluster-info

log "${ARGOCD_CLUSTER}: Argo CD chart ${ARGOCD_CHART_VERSION}"
helm upgrade --install argocd argo-cd \
  --repo "${ARGOCD_CHART_REPO}" --version "${ARGOCD_CHART_VERSION}" \
  --kube-context "$(ctx "${ARGOCD_CLUSTER}")" --namespace argocd --create-namespace \
  --values "${REPO_ROOT}/components/argocd/values.yaml" \
  --wait --timeout 10m

for deploy in argocd-server argocd-repo-server argocd-applicationset-controller; do
  kc "${ARGOCD_CLUSTER}" -n argocd rollout status "deployment/${deploy}" --timeout=300s
done
kc "${ARGOCD_CLUSTER}" -n argocd rollout status statefulset/argocd-application-controller --timeout=300s

log "Argo CD is up. UI: kubectl --context $(ctx "${ARGOCD_CLUSTER}") -n argocd port-forward svc/argocd-server 8080:80"
log "admin password: kubectl --context $(ctx "${ARGOCD_CLUSTER}") -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d"
