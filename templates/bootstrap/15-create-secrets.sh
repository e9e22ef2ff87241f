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

CENTRAL="@@central@@"   # runs the back ends, Grafana and the ingest proxy

# resolve VAR NAMESPACE SECRET KEY generate|required: print the value to use.
resolve() {
  local var=$1 ns=$2 secret=$3 key=$4 mode=$5 value
  value="${!var:-}"
  if [[ -n ${value} ]]; then
    printf '%s' "${value}"
    return 0
  fi
  value=$(secret_key "${CENTRAL}" "${ns}" "${secret}" "${key}")
  if [[ -n ${value} ]]; then
    log "${var} is unset: keeping ${key} of Secret ${ns}/${secret} already in ${CENTRAL}"
    printf '%s' "${value}"
    return 0
  fi
  if [[ ${mode} == generate ]]; then
    log "${var} is unset: generated a random ${key} for Secret ${ns}/${secret}" \
      "(read it: kubectl --context $(ctx "${CENTRAL}") -n ${ns} get secret ${secret} -o jsonpath='{.data.${key}}' | base64 -d)"
    openssl rand -hex 24
    return 0
  fi
  die "${var} is not set and Secret ${ns}/${secret} does not exist in ${CENTRAL}; export ${var} and re-run"
}

# put_secret CLUSTER NAMESPACE SECRET KEY=VALUE...: create or replace the
# Secret with exactly these keys. Values go through files in a private
# temporary folder, never through argv, so they do not show up in the process
# list.
put_secret() {
  local cluster=$1 ns=$2 secret=$3 pair dir
  shift 3
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  for pair in "$@"; do
    printf '%s' "${pair#*=}" >"${dir}/${pair%%=*}"
  done
  ensure_namespace "${cluster}" "${ns}"
  kc "${cluster}" -n "${ns}" create secret generic "${secret}" --from-file="${dir}" \
    --dry-run=client -o yaml \
    | kc "${cluster}" label --local -f - -o yaml app.kubernetes.io/managed-by=lgtmgen-bootstrap \
    | kc "${cluster}" apply -f - >/dev/null
  rm -rf "${dir}"
  log "${cluster}: Secret ${ns}/${secret} up to date ($# key(s))"
}

# htpasswd_line CLUSTER NAMESPACE SECRET KEY USER PASSWORD: USER's line for an
# htpasswd file (apr1). The line already in KEY of the Secret is kept when it
# still matches PASSWORD, so a re-run does not change the Secret (apr1 salts
# are random).
htpasswd_line() {
  local user=$5 password=$6 file line salt
  file=$(secret_key "$1" "$2" "$3" "$4")
  line=$(grep -m1 "^${user}:" <<<"${file}" || true)
  salt=$(printf '%s' "${line#*:}" | cut -d'$' -f3)
  if [[ -n ${salt} && ${line#*:} == "$(printf '%s' "${password}" | openssl passwd -apr1 -salt "${salt}" -stdin)" ]]; then
    printf '%s' "${line}"
    return 0
  fi
  printf '%s:%s' "${user}" "$(printf '%s' "${password}" | openssl passwd -apr1 -stdin)"
}
#~if fleet_ca

# ensure_fleet_ca: the fleet's CA key pair, the Secret lgtm-ca in namespace
# cert-manager of the central cluster (cert-manager's ClusterIssuer lgtm-ca
# signs with it). Generated once; an existing one is kept.
ensure_fleet_ca() {
  local dir
  if has_key "${CENTRAL}" cert-manager lgtm-ca tls.crt; then
    log "fleet CA exists in ${CENTRAL}; keeping it"
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  new_ec_ca "${dir}/tls.key" "${dir}/tls.crt" "@@fleet@@ fleet CA"
  put_secret "${CENTRAL}" cert-manager lgtm-ca "tls.crt=$(cat "${dir}/tls.crt")" "tls.key=$(cat "${dir}/tls.key")"
  rm -rf "${dir}"
}

# fleet_ca KEY: tls.crt or tls.key of the fleet CA; stops when it is missing.
fleet_ca() {
  local value
  value=$(secret_key "${CENTRAL}" cert-manager lgtm-ca "$1")
  [[ -n ${value} ]] || die "the fleet CA (Secret cert-manager/lgtm-ca) is missing on ${CENTRAL}"
  printf '%s\n' "${value}"
}
#~end
#~if ingest

# ingest_client CLUSTER TENANT KEY HTPASSWD NAMESPACE...: TENANT's password
# for the central ingest proxy (kept in the Secret lgtm-ingest-users of the
# central cluster under KEY, generated once), its line in the user file
# HTPASSWD of its backend set, and the Secret lgtm-ingest-client (username,
# password, the fleet CA) in each NAMESPACE of CLUSTER, where its agents read it.
ingest_users=()
fleet_ca_cert=""
declare -A ingest_htpasswd=(@@htpasswd_files@@)
ingest_client() {
  local cluster=$1 tenant=$2 key=$3 file=$4 password hash ns
  shift 4
  password=$(secret_key "${CENTRAL}" @@ingest_namespace@@ lgtm-ingest-users "${key}")
  [[ -n ${password} ]] || password=$(openssl rand -hex 24)
  ingest_users+=("${key}=${password}")
  hash=$(htpasswd_line "${CENTRAL}" @@ingest_namespace@@ lgtm-ingest-htpasswd "${file}" "${tenant}" "${password}")
  ingest_htpasswd[${file}]+="${hash}"$'\n'
  [[ -n ${fleet_ca_cert} ]] || fleet_ca_cert=$(fleet_ca tls.crt)
  for ns in "$@"; do
    put_secret "${cluster}" "${ns}" lgtm-ingest-client \
      "username=${tenant}" "password=${password}" "ca.crt=${fleet_ca_cert}"
  done
}
#~end

#~if linkerd

# ensure_linkerd_anchor: the fleet's Linkerd trust anchor (ECDSA P-256, ten
# years), kept as the Secret linkerd-trust-anchor in namespace linkerd of the
# central cluster, so re-runs sign with the same one. Its key never leaves
# that Secret; only its certificate goes to the other clusters.
ensure_linkerd_anchor() {
  local dir
  if has_key "${CENTRAL}" linkerd linkerd-trust-anchor tls.crt; then
    log "Linkerd trust anchor exists in ${CENTRAL}; keeping it"
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  new_ec_ca "${dir}/tls.key" "${dir}/tls.crt" root.linkerd.cluster.local
  put_secret "${CENTRAL}" linkerd linkerd-trust-anchor "tls.crt=$(cat "${dir}/tls.crt")" "tls.key=$(cat "${dir}/tls.key")"
  rm -rf "${dir}"
}

# linkerd_identity CLUSTER: what linkerd-control-plane reads in namespace
# linkerd of CLUSTER (identity.externalCA, issuer scheme kubernetes.io/tls):
# the ConfigMap linkerd-identity-trust-roots (ca-bundle.crt, the anchor) and
# the Secret linkerd-identity-issuer (this cluster's issuer, one year, signed
# by the anchor; ca.crt for `linkerd check`). An existing issuer is kept;
# delete the Secret and re-run to rotate it.
linkerd_identity() {
  local cluster=$1 dir
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  secret_key "${CENTRAL}" linkerd linkerd-trust-anchor tls.crt >"${dir}/ca.crt"
  [[ -s ${dir}/ca.crt ]] || die "the Linkerd trust anchor (Secret linkerd/linkerd-trust-anchor) is missing on ${CENTRAL}"
  ensure_namespace "${cluster}" linkerd
  kc "${cluster}" -n linkerd create configmap linkerd-identity-trust-roots --from-file=ca-bundle.crt="${dir}/ca.crt" \
    --dry-run=client -o yaml | kc "${cluster}" apply -f - >/dev/null
  if has_key "${cluster}" linkerd linkerd-identity-issuer tls.crt; then
    log "${cluster}: Linkerd issuer exists; keeping it"
    rm -rf "${dir}"
    return 0
  fi
  secret_key "${CENTRAL}" linkerd linkerd-trust-anchor tls.key >"${dir}/ca.key"
  new_ec_intermediate "${dir}/tls.key" "${dir}/tls.crt" identity.linkerd.cluster.local \
    "${dir}/ca.crt" "${dir}/ca.key" 8760
  kc "${cluster}" -n linkerd create secret generic linkerd-identity-issuer --type=kubernetes.io/tls \
    --from-file=tls.crt="${dir}/tls.crt" --from-file=tls.key="${dir}/tls.key" --from-file=ca.crt="${dir}/ca.crt" \
    --dry-run=client -o yaml | kc "${cluster}" apply -f - >/dev/null
  rm -rf "${dir}"
  log "${cluster}: Linkerd issuer created (expires in one year)"
}
#~end

#~if federation

# federation_endpoint CLUSTER HOST: what the /federate endpoint of CLUSTER
# (metricsTransport: federation) and the central cluster's Prometheus share.
# The password of user central is generated once and kept in the Secret
# lgtm-federation-client (username, password, the fleet CA) in namespace
# monitoring of the central cluster; CLUSTER gets its hash (Secret
# lgtm-federation-htpasswd) and a certificate for its node name from the
# fleet CA (Secret lgtm-federation-tls, kept when present). HOST is the name
# the central cluster reaches CLUSTER's node ports by.
federation_password=""
federation_endpoint() {
  local cluster=$1 host=$2 dir hash ca_cert
  if [[ -z ${federation_password} ]]; then
    federation_password=$(secret_key "${CENTRAL}" monitoring lgtm-federation-client password)
    [[ -n ${federation_password} ]] || federation_password=$(openssl rand -hex 24)
    ca_cert=$(fleet_ca tls.crt)
    put_secret "${CENTRAL}" monitoring lgtm-federation-client "username=central" \
      "password=${federation_password}" "ca.crt=${ca_cert}"
  fi
  hash=$(htpasswd_line "${cluster}" monitoring lgtm-federation-htpasswd htpasswd central "${federation_password}")
  put_secret "${cluster}" monitoring lgtm-federation-htpasswd "htpasswd=${hash}"
  if has_key "${cluster}" monitoring lgtm-federation-tls tls.crt; then
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  fleet_ca tls.crt >"${dir}/ca.crt"
  fleet_ca tls.key >"${dir}/ca.key"
  quietly "key for ${host}" openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=${host}" -keyout "${dir}/tls.key" -out "${dir}/tls.csr"
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "${host}" >"${dir}/ext.cnf"
  quietly "certificate for ${host}" openssl x509 -req -in "${dir}/tls.csr" -CA "${dir}/ca.crt" \
    -CAkey "${dir}/ca.key" -CAcreateserial -days 825 -sha256 -extfile "${dir}/ext.cnf" -out "${dir}/tls.crt"
  put_secret "${cluster}" monitoring lgtm-federation-tls "tls.crt=$(cat "${dir}/tls.crt")" "tls.key=$(cat "${dir}/tls.key")"
  rm -rf "${dir}"
}
#~end
#~if istio

# ensure_istio_root: the fleet's Istio root CA (RSA, ten years), kept as the
# Secret istio-root-ca in namespace istio-system of the central cluster so
# re-runs sign with the same one. Its key never leaves that Secret.
ensure_istio_root() {
  local dir
  if has_key "${CENTRAL}" istio-system istio-root-ca root-cert.pem; then
    log "Istio root CA exists in ${CENTRAL}; keeping it"
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  quietly "Istio root CA" openssl req -x509 -newkey rsa:4096 -nodes -days 3650 -sha256 \
    -subj "/O=Istio/CN=@@fleet@@ Istio root CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign" \
    -keyout "${dir}/root-key.pem" -out "${dir}/root-cert.pem"
  put_secret "${CENTRAL}" istio-system istio-root-ca \
    "root-cert.pem=$(cat "${dir}/root-cert.pem")" "root-key.pem=$(cat "${dir}/root-key.pem")"
  rm -rf "${dir}"
}

# istio_cacerts CLUSTER: the Secret cacerts in namespace istio-system of
# CLUSTER, read by istiod at start: an intermediate CA for this cluster
# (five years) signed by the fleet's root, so workloads of every cluster
# trust each other. An existing one is kept; delete it and re-run (then
# restart istiod) to rotate.
istio_cacerts() {
  local cluster=$1 dir
  if has_key "${cluster}" istio-system cacerts ca-cert.pem; then
    log "${cluster}: Istio cacerts exists; keeping it"
    return 0
  fi
  dir=$(mktemp -d)
  chmod 700 "${dir}"
  secret_key "${CENTRAL}" istio-system istio-root-ca root-cert.pem >"${dir}/root-cert.pem"
  secret_key "${CENTRAL}" istio-system istio-root-ca root-key.pem >"${dir}/root-key.pem"
  [[ -s ${dir}/root-key.pem ]] || die "the Istio root CA (Secret istio-system/istio-root-ca) is missing on ${CENTRAL}"
  quietly "Istio key for ${cluster}" openssl req -new -newkey rsa:4096 -nodes -sha256 \
    -subj "/O=Istio/CN=Intermediate CA/L=${cluster}" -keyout "${dir}/ca-key.pem" -out "${dir}/ca.csr"
  printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" \
    "keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,keyCertSign" \
    "subjectAltName=DNS:istiod.istio-system.svc" >"${dir}/ext.cnf"
  quietly "Istio intermediate CA for ${cluster}" openssl x509 -req -in "${dir}/ca.csr" -CA "${dir}/root-cert.pem" \
    -CAkey "${dir}/root-key.pem" -CAcreateserial -days 1825 -sha256 -extfile "${dir}/ext.cnf" -out "${dir}/ca-cert.pem"
  cat "${dir}/ca-cert.pem" "${dir}/root-cert.pem" >"${dir}/cert-chain.pem"
  put_secret "${cluster}" istio-system cacerts "ca-cert.pem=$(cat "${dir}/ca-cert.pem")" \
    "ca-key.pem=$(cat "${dir}/ca-key.pem")" "root-cert.pem=$(cat "${dir}/root-cert.pem")" \
    "cert-chain.pem=$(cat "${dir}/cert-chain.pem")"
  rm -rf "${dir}"
}
#~end

#~if fleet_ca
ensure_fleet_ca
#~end
#~if federation

# /federate endpoints of the clusters with metricsTransport: federation.
@@federation_endpoints@@
#~end
#~if istio

# Istio: one root for the fleet, one intermediate CA per cluster.
ensure_istio_root
@@istio_clusters@@
#~end
#~if linkerd

# Linkerd identity: one trust anchor for the fleet, one issuer per cluster.
ensure_linkerd_anchor
@@linkerd_clusters@@
#~end

@@secrets@@
#~if ingest

# The ingest proxy's users: one per remote tenant, passwords hashed (apr1).
@@ingest_clients@@
put_secret "${CENTRAL}" @@ingest_namespace@@ lgtm-ingest-users "${ingest_users[@]}"
htpasswd_pairs=()
for file in "${!ingest_htpasswd[@]}"; do
  htpasswd_pairs+=("${file}=${ingest_htpasswd[${file}]}")
done
put_secret "${CENTRAL}" @@ingest_namespace@@ lgtm-ingest-htpasswd "${htpasswd_pairs[@]}"
#~end
log "done"
