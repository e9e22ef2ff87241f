#!/usr/bin/env bash
@@header@@
# Step 50: let the remote clusters' istiod discover the central cluster. A
# remote secret holds a live credential (a token of central's
# istio-reader-service-account), so it is made here and never stored in Git:
# `istioctl create-remote-secret` run against central prints it, applied to
# each remote. Traffic flows from the remotes to central only, so central
# needs no secret of theirs. Runs after 40-apply-root.sh and waits for Argo
# CD to install Istio's base chart on central. Re-running refreshes the
# secrets.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl istioctl

CENTRAL="@@central@@"
ISTIO_VERSION="@@istio_version@@"   # the release of Istio's charts in the catalog
REMOTES=(@@remotes@@)
#~if central_api_server
CENTRAL_API_SERVER="@@central_api_server@@"   # as the remotes reach it
#~end
#~ifnot central_api_server
# The provider publishes no address for central's API server: the one the
# kubeconfig holds, which the remotes must be able to reach.
CENTRAL_API_SERVER=$(kc "${CENTRAL}" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
#~end

cli_version=$(istioctl version --remote=false 2>/dev/null | awk '{print $NF}' || true)
if [[ ${cli_version} != "${ISTIO_VERSION}" ]]; then
  log "warning: istioctl ${cli_version:-unknown} differs from the fleet's Istio ${ISTIO_VERSION}"
fi

log "${CENTRAL}: waiting for istio-reader-service-account (chart base)"
wait_for 1200 "istio-reader-service-account on ${CENTRAL}" \
  kc "${CENTRAL}" -n istio-system get serviceaccount istio-reader-service-account

for remote in "${REMOTES[@]}"; do
  log "${remote}: giving its istiod access to ${CENTRAL}"
  istioctl create-remote-secret --context "$(ctx "${CENTRAL}")" --name "${CENTRAL}" \
    --server "${CENTRAL_API_SERVER}" \
    | kc "${remote}" apply -f - >/dev/null
done
log "done; check with: istioctl --context $(ctx "${REMOTES[0]}") remote-clusters"
