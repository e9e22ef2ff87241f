#!/usr/bin/env bash
@@header@@
# Step 18: the mesh's control plane (@@mesh_summary@@) on every meshed cluster,
# before Argo CD deploys anything there (it deploys to a cluster once root is
# applied, step 40, or, for a cluster added later, once step 20 registers it).
#
# Why here and not only in Argo CD: sync waves order the ApplicationSets root
# applies, not the Applications they generate, so an agent's Application can
# sync before the mesh's. A pod created before the injector's webhook exists
# starts without a proxy and stays that way; nothing restarts it. Installed
# here, and waited for, the injector serves before any workload that needs it
# is scheduled, on the first run and on every cluster added later.
#
# The same charts, pinned versions, release names, namespaces and values files
# as the mesh's Argo CD Applications, which take the releases over unchanged.
# A cluster whose control plane runs is left alone: Argo CD manages it (an
# upgrade is a change in Git, not a re-run of this step).
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl helm

# mesh_release CLUSTER RELEASE CHART REPO VERSION NAMESPACE VALUES: one chart
# of the control plane, with components/mesh/VALUES/values.yaml and
# clusters/CLUSTER/values/VALUES.yaml, as its Application installs it; waits
# until its workloads are ready.
mesh_release() {
  local cluster=$1 release=$2 chart=$3 repo=$4 version=$5 ns=$6 values=$7
  log "${cluster}: ${chart} ${version}"
  helm upgrade --install "${release}" "${chart}" \
    --repo "${repo}" --version "${version}" \
    --kube-context "$(ctx "${cluster}")" --namespace "${ns}" --create-namespace \
    --values "${REPO_ROOT}/components/mesh/${values}/values.yaml" \
    --values "${REPO_ROOT}/clusters/${cluster}/values/${values}.yaml" \
    --wait --timeout 10m
}

# install_mesh CLUSTER: the control plane on CLUSTER unless its injector
# (Deployment @@injector@@ in @@injector_namespace@@) exists.
install_mesh() {
  local cluster=$1 running
  running=$(kc "${cluster}" -n @@injector_namespace@@ get deployment @@injector@@ --ignore-not-found -o name)
  if [[ -n ${running} ]]; then
    log "${cluster}: @@mesh_summary@@ runs; Argo CD manages it"
    return 0
  fi
@@releases@@
  kc "${cluster}" -n @@injector_namespace@@ rollout status deployment/@@injector@@ --timeout=300s
}

@@clusters@@
