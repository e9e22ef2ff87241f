#!/usr/bin/env bash
@@header@@
# Step 45, the host-proxy add-on, for Docker Desktop (macOS, Windows), whose
# host cannot reach the addresses of the docker network @@network@@: an
# HAProxy container on that network forwards this machine's port(s)
# @@ports_text@@, as TCP (TLS passes through to Grafana's own certificate),
# to @@entry@@ on @@central@@. Then point @@host@@ at 127.0.0.1
# (/etc/hosts). The ports listen on 127.0.0.1 only: nothing else on your
# network reaches Grafana through them.
# A re-run keeps the container while its image and target are the same, and
# replaces it otherwise. To remove it: docker rm -f @@container@@
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl docker

CONTAINER="@@container@@"
IMAGE="@@image@@"

#~if load_balancer
# entry_address: the load-balancer address of @@entry@@ (empty until the
# pool gives it one).
entry_address() {
  kc "@@central@@" -n @@namespace@@ get service @@service@@ -o jsonpath='{.status.loadBalancer.ingress[0].ip}'
}
has_entry_address() {
  [[ -n $(entry_address) ]]
}
log "@@central@@: waiting for the load-balancer address of Service @@namespace@@/@@service@@ (@@entry@@)"
wait_for 1200 "Service @@namespace@@/@@service@@ on @@central@@ (is Argo CD syncing?)" has_entry_address
target=$(entry_address)
#~end
#~ifnot load_balancer
# @@central@@'s node, by its name on the docker network.
target="@@node_host@@"
#~end

# One frontend and backend per forwarded port. HAProxy reads each backend's
# address from the environment ("${GRAFANA_<port>}") and listens on
# unprivileged ports inside the container (it does not run as root). A name
# is resolved by the docker network's DNS, again whenever it answers
# differently (a node's address changes when docker restarts it), and
# HAProxy starts even while it cannot be resolved.
config=$(
  cat <<'CONFIG'
global
  log stdout format raw local0
resolvers docker
  nameserver docker 127.0.0.11:53
  hold valid 10s
defaults
  mode tcp
  log global
  timeout connect 5s
  timeout client 1h
  timeout server 1h
  default-server init-addr last,libc,none resolvers docker
@@haproxy_config@@
CONFIG
)

want="${IMAGE} ${target} @@ports_label@@"
have=$(docker inspect -f '{{index .Config.Labels "io.lgtmgen.host-proxy"}} {{.State.Running}}' "${CONTAINER}" \
  2>/dev/null || true)
if [[ ${have} == "${want} true" ]]; then
  log "${CONTAINER} already forwards port(s) @@ports_text@@ to ${target}"
  exit 0
fi
if [[ -n ${have} ]]; then
  log "replacing ${CONTAINER} (it was: ${have% *})"
  docker rm -f "${CONTAINER}" >/dev/null
fi
log "${CONTAINER}: port(s) @@ports_text@@ of 127.0.0.1 to ${target} on the docker network @@network@@"
# The configuration is written inside the container: nothing is mounted
# from this machine.
# shellcheck disable=SC2016
docker run --detach --name "${CONTAINER}" --network "@@network@@" --restart unless-stopped \
  --label "io.lgtmgen.host-proxy=${want}" \
  @@publish@@
  @@environment@@
  --env "HAPROXY_CONFIG=${config}" \
  "${IMAGE}" sh -c 'printf "%s\n" "${HAPROXY_CONFIG}" >/tmp/haproxy.cfg && exec haproxy -W -db -f /tmp/haproxy.cfg' \
  >/dev/null
