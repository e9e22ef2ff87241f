#!/usr/bin/env bash
@@header@@
# Step 50: link the remote clusters to the central cluster's Linkerd gateway.
# A link holds a live credential (a token of central's service-mirror
# account), so it is made here and never stored in Git: for each remote,
# `linkerd multicluster link-gen` run against central prints the Secret
# cluster-credentials-@@central@@ and the Link @@central@@, applied to the
# remote, whose service mirror (clusters/<name>/values/linkerd-multicluster.yaml)
# then mirrors central's exported services. Runs after 40-apply-root.sh and
# waits for Argo CD to install Linkerd on each side. Re-running refreshes the
# links.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl linkerd

CENTRAL="@@central@@"
LINKERD_VERSION="@@linkerd_version@@"   # the release of the linkerd-* charts in the catalog
REMOTES=(@@remotes@@)
#~if central_api_server
CENTRAL_API_SERVER="@@central_api_server@@"   # as the remotes reach it
#~end
#~ifnot central_api_server
# The provider publishes no address for central's API server: the one the
# kubeconfig holds, which the remotes must be able to reach.
CENTRAL_API_SERVER=$(kc "${CENTRAL}" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
#~end

cli_version=$(linkerd version --client --short 2>/dev/null || true)
if [[ ${cli_version} != "${LINKERD_VERSION}" ]]; then
  log "warning: linkerd CLI ${cli_version:-unknown} differs from the fleet's Linkerd ${LINKERD_VERSION}" \
    "(https://github.com/linkerd/linkerd2/releases/tag/${LINKERD_VERSION})"
fi

gateway_address() {
  [[ -n $(kc "${CENTRAL}" -n linkerd-multicluster get service linkerd-gateway \
    -o jsonpath='{.status.loadBalancer.ingress[0].ip}') ]]
}

log "${CENTRAL}: waiting for the Linkerd gateway's LoadBalancer address"
wait_for 1200 "the linkerd-gateway Service of ${CENTRAL}" gateway_address

for remote in "${REMOTES[@]}"; do
  log "${remote}: waiting for linkerd-multicluster (the Link CRD)"
  wait_for 1200 "the Link CRD on ${remote}" \
    kc "${remote}" wait --for condition=established crd/links.multicluster.linkerd.io --timeout=10s
  log "${remote}: linking to ${CENTRAL}"
  linkerd --context "$(ctx "${CENTRAL}")" multicluster link-gen \
    --cluster-name "${CENTRAL}" \
    --api-server-address "${CENTRAL_API_SERVER}" \
    | kc "${remote}" apply -f - >/dev/null
done
log "done; check with: linkerd --context $(ctx "${REMOTES[0]}") multicluster check"
