#!/usr/bin/env bash
@@header@@
# Step 00: create the @@provider_clusters@@@@cni_summary@@.
# Runs before Argo CD: without a CNI no pod starts. Re-running is safe:
# existing clusters are kept and Helm upgrades in place.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd @@tools@@
#~if kind

create_cluster() {
  local name=$1
  if kind_cluster_exists "${name}"; then
    log "kind cluster ${name} exists; keeping it"
    kind export kubeconfig --name "${name}" >/dev/null
  else
    log "creating kind cluster ${name}"
    # No --wait: with Cilium as CNI, nodes stay NotReady until it is installed.
    kind create cluster --name "${name}" --config "${BOOTSTRAP_DIR}/kind/${name}.yaml"
  fi
}
#~end
#~if network_subnet

# network_subnet: the IPv4 subnet of the docker network ${DOCKER_NETWORK}.
network_subnet() {
  local subnets subnet
  subnets=$(docker network inspect "${DOCKER_NETWORK}" -f '{{range .IPAM.Config}}{{println .Subnet}}{{end}}')
  subnet=$(grep -m1 -v ':' <<<"${subnets}" || true)
  [[ -n ${subnet} ]] || die "no IPv4 subnet on docker network ${DOCKER_NETWORK}"
  printf '%s' "${subnet}"
}
#~end
#~if minikube

# ensure_network: the docker network ${DOCKER_NETWORK} that every profile of
# the fleet joins, so that their nodes reach each other by container name
# (the profile's name). Made once, on the first free /24 of minikube's own
# series (192.168.49.0/24, 192.168.58.0/24, ...): minikube would give each
# profile a network of its own, and docker keeps such networks apart.
ensure_network() {
  local third output=""
  if docker network inspect "${DOCKER_NETWORK}" >/dev/null 2>&1; then
    return 0
  fi
  for third in $(seq 49 9 238); do
    if output=$(docker network create --driver bridge --subnet "192.168.${third}.0/24" \
      --gateway "192.168.${third}.1" --label "lgtmgen.io/fleet=@@fleet@@" "${DOCKER_NETWORK}" 2>&1); then
      log "docker network ${DOCKER_NETWORK}: 192.168.${third}.0/24"
      return 0
    fi
  done
  die "cannot create docker network ${DOCKER_NETWORK} on any 192.168.x.0/24 of minikube's series: ${output}"
}

# node_address INDEX: the address of the INDEX-th profile's node, the
# network's address plus 10 + INDEX (192.168.49.10, .11, ...). Profiles that
# share a network need fixed addresses: minikube would give the first node of
# every profile the same one.
node_address() {
  local index=$1 subnet a b c d
  subnet=$(network_subnet)
  IFS=. read -r a b c d <<<"${subnet%/*}"
  ((d + 10 + index < 248)) || die "too many minikube profiles for the network ${subnet}"
  printf '%s.%s.%s.%s' "${a}" "${b}" "${c}" "$((d + 10 + index))"
}

# create_cluster NAME INDEX MINIKUBE_START_FLAGS...: minikube profile NAME,
# one node of the docker driver on ${DOCKER_NETWORK} at node_address INDEX,
# its API server's certificate naming NAME (how the other profiles reach it).
# A running profile is kept; a stopped one is started with the same flags.
create_cluster() {
  local name=$1 index=$2 status
  shift 2
  status=$(minikube status --profile "${name}" --format '{{.APIServer}}' 2>/dev/null) || true
  if [[ ${status} == Running ]]; then
    log "minikube profile ${name} runs; keeping it"
    quietly "minikube update-context ${name}" minikube update-context --profile "${name}"
    return 0
  fi
  log "starting minikube profile ${name}"
  # --wait apiserver: with Cilium as CNI, nodes stay NotReady until it is
  # installed, and the steps below wait for what they need.
  minikube start --profile "${name}" --driver docker --container-runtime docker \
    --base-image "${KICBASE_IMAGE}" --kubernetes-version "${KUBERNETES_VERSION}" \
    --network "${DOCKER_NETWORK}" --static-ip "$(node_address "${index}")" --apiserver-names "${name}" \
    --cpus no-limit --memory no-limit --keep-context --wait apiserver "$@"
}
#~end
#~if lb_pool

# announce_from_control_plane CLUSTER: a cluster without workers announces
# its load-balancer addresses from its control plane, which kubeadm labels
# node.kubernetes.io/exclude-from-external-load-balancers.
announce_from_control_plane() {
  kc "$1" label nodes --all node.kubernetes.io/exclude-from-external-load-balancers- >/dev/null
}

# lb_cidr INDEX: the INDEX-th /29 counted down from the top of the docker
# network ${DOCKER_NETWORK} (a /16 gives a.b.255.248/29, a.b.255.240/29, ...;
# a /24 gives a.b.c.248/29, ...): addresses known only at run time, never
# written to Git.
lb_cidr() {
  local index=$1 subnet prefix a b c offset
  subnet=$(network_subnet)
  prefix=${subnet#*/}
  IFS=. read -r a b c _ <<<"${subnet%/*}"
  offset=$((index * 8))
  case ${prefix} in
    16)
      ((offset < 256 * 64)) || die "too many clusters for load-balancer pools in ${subnet}"
      printf '%s.%s.%s.%s/29' "${a}" "${b}" "$((255 - offset / 256))" "$((248 - offset % 256))"
      ;;
    24)
      ((offset < 128)) || die "too many clusters for load-balancer pools in ${subnet}"
      printf '%s.%s.%s.%s/29' "${a}" "${b}" "${c}" "$((248 - offset))"
      ;;
    *) die "cannot derive a load-balancer /29 from ${subnet} (need a /16 or /24)" ;;
  esac
}
#~end
#~if gateway_api

install_gateway_api() {
  local name=$1
  log "${name}: Gateway API CRDs ${GATEWAY_API_VERSION} (standard channel)"
  # Before Cilium: its operator checks for the CRDs once, at start-up, and
  # runs no Gateway controller unless all of these are there.
  kc "${name}" apply --server-side --force-conflicts \
    -f "https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml" >/dev/null
  kc "${name}" wait --for condition=Established --timeout=120s \
    crd/gatewayclasses.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io \
    crd/httproutes.gateway.networking.k8s.io crd/grpcroutes.gateway.networking.k8s.io \
    crd/tlsroutes.gateway.networking.k8s.io crd/referencegrants.gateway.networking.k8s.io \
    crd/backendtlspolicies.gateway.networking.k8s.io >/dev/null
}
#~end
#~if clustermesh

# share_cilium_ca CLUSTER: the fleet's Cilium CA as the Secret cilium-ca in
# kube-system of CLUSTER, before Cilium is installed there: the chart then
# signs every ClusterMesh certificate with it, so the clusters trust each
# other. Generated once on the central cluster (@@central@@, created first),
# copied from there; an existing one is kept. The Secret carries the
# ownership marks of the Helm release cilium, which renders a cilium-ca of
# its own (filled from the existing one by the chart's lookup): Helm adopts
# it instead of refusing to install.
share_cilium_ca() {
  local name=$1 dir
  if has_key "${name}" kube-system cilium-ca ca.crt; then
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  if [[ ${name} == "@@central@@" ]]; then
    log "${name}: generating the fleet's Cilium CA"
    new_ec_ca "${dir}/ca.key" "${dir}/ca.crt" "@@fleet@@ Cilium CA"
  else
    secret_key "@@central@@" kube-system cilium-ca ca.crt >"${dir}/ca.crt"
    secret_key "@@central@@" kube-system cilium-ca ca.key >"${dir}/ca.key"
    [[ -s ${dir}/ca.key ]] || die "the Cilium CA is missing on @@central@@; create it first"
    log "${name}: copying the fleet's Cilium CA from @@central@@"
  fi
  kc "${name}" -n kube-system create secret generic cilium-ca \
    --from-file=ca.crt="${dir}/ca.crt" --from-file=ca.key="${dir}/ca.key" --dry-run=client -o yaml \
    | kc "${name}" label --local -f - -o yaml app.kubernetes.io/managed-by=Helm \
    | kc "${name}" annotate --local -f - -o yaml meta.helm.sh/release-name=cilium \
      meta.helm.sh/release-namespace=kube-system \
    | kc "${name}" apply -f - >/dev/null
  rm -rf "${dir}"
}
#~end
#~if cilium

install_cilium() {
  local name=$1
  log "${name}: Cilium ${CILIUM_VERSION}"
  helm upgrade --install cilium cilium \
    --repo "${CILIUM_CHART_REPO}" --version "${CILIUM_VERSION}" \
    --kube-context "$(ctx "${name}")" --namespace kube-system \
    --values "${REPO_ROOT}/components/cni/cilium/values.yaml" \
    --values "${REPO_ROOT}/clusters/${name}/values/cilium.yaml" \
    --wait --timeout 10m
  kc "${name}" -n kube-system rollout status daemonset/cilium --timeout=300s
  kc "${name}" -n kube-system rollout status deployment/cilium-operator --timeout=300s
  kc "${name}" wait --for=condition=Ready nodes --all --timeout=300s
  kc "${name}" -n kube-system rollout status deployment/coredns --timeout=300s
}
#~end
#~if metallb

install_metallb() {
  local name=$1
  log "${name}: MetalLB ${METALLB_VERSION}"
  helm upgrade --install metallb metallb \
    --repo "${METALLB_CHART_REPO}" --version "${METALLB_VERSION}" \
    --kube-context "$(ctx "${name}")" --namespace metallb-system --create-namespace \
    --wait --timeout 10m
}
#~end
#~if lb_pool

# apply_lb_pool CLUSTER CIDR: the cluster's load-balancer manifest,
# bootstrap/manifests/CLUSTER-lb-pool.yaml.in, with its address range filled in.
apply_lb_pool() {
  local name=$1 cidr=$2
  [[ -n ${cidr} ]] || die "${name}: no load-balancer CIDR"
  log "${name}: load-balancer pool ${cidr}"
  kc "${name}" wait --for condition=Established --timeout=120s @@lb_crds@@ >/dev/null
  sed "s|\${LB_CIDR}|${cidr}|g" "${BOOTSTRAP_DIR}/manifests/${name}-lb-pool.yaml.in" | kc "${name}" apply -f - >/dev/null
}
#~end

@@steps@@
