#!/usr/bin/env bash
# Prints a valid fleet spec of N clusters (one central, N-1 remotes), each with
# its own tenant and disjoint pod and service networks.
set -euo pipefail
n=${1:?usage: bench/fleet.sh N}
cat <<YAML
apiVersion: lgtmgen.io/v1alpha1
kind: Fleet
metadata:
  name: bench
gitops:
  repoURL: https://github.com/example/lgtm-gitops.git
platform:
  provider: kind
  cni: default
  loadBalancer: none
clusters:
YAML
for ((i = 0; i < n; i++)); do
  role=remote
  ((i == 0)) && role=central
  # Pod networks from 10.0.0.0/8 in /20s, service networks from 100.64.0.0/10 in /22s.
  printf '  - name: c%05d\n    role: %s\n    tenant: t%05d\n    agents: alloy\n' "${i}" "${role}" "${i}"
  printf '    network:\n      podCIDR: 10.%d.%d.0/20\n      serviceCIDR: 100.%d.%d.0/22\n' \
    $((i / 16)) $(((i % 16) * 16)) $((64 + i / 64)) $(((i % 64) * 4))
done
