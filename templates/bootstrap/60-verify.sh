#!/usr/bin/env bash
@@header@@
# Step 60: does the data arrive? Once Argo CD reports every Application
# synced and healthy, asks Grafana on @@central@@, through the datasources of
# each cluster's tenant (so within that tenant only), for the last 15 minutes
# of metrics, logs and traces carrying the cluster's label (@@label@@), and
# prints a cluster × signal table. Exits 1 when anything is missing, saying
# where to look. Read-only; run it after all.sh, and again whenever in doubt.
# Grafana is reached through `kubectl port-forward` on local port
# ${LGTM_VERIFY_PORT:-13000}.
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_cmd kubectl curl

CENTRAL="@@central@@"
PORT="${LGTM_VERIFY_PORT:-13000}"
WINDOW=900   # seconds: what counts as recent

log "${ARGOCD_CLUSTER}: waiting until every Application is synced and healthy (up to 30 minutes)"
kc "${ARGOCD_CLUSTER}" -n argocd wait applications --all --for=jsonpath='{.status.sync.status}'=Synced \
  --timeout=1800s >/dev/null
kc "${ARGOCD_CLUSTER}" -n argocd wait applications --all --for=jsonpath='{.status.health.status}'=Healthy \
  --timeout=1800s >/dev/null

dir=$(mktemp -d)
chmod 700 "${dir}"
forward=""
# Whatever happens, the port-forward stops and the credentials file goes.
trap '[[ -z ${forward} ]] || kill "${forward}" 2>/dev/null || true; rm -rf "${dir}"' EXIT
user=$(secret_key "${CENTRAL}" @@grafana_namespace@@ @@admin_secret@@ admin-user)
password=$(secret_key "${CENTRAL}" @@grafana_namespace@@ @@admin_secret@@ admin-password)
[[ -n ${user} && -n ${password} ]] || die "Secret @@grafana_namespace@@/@@admin_secret@@ on ${CENTRAL} has no admin-user or admin-password"
# The credentials go to curl in a private file, never on its command line.
printf 'user = "%s:%s"\n' "${user}" "${password}" >"${dir}/curlrc"

# exec: $! is then kubectl itself, which the trap can stop (bash may run a
# background command as a child of the subshell whose pid $! holds).
context=$(ctx "${CENTRAL}")
(exec kubectl --context "${context}" -n @@grafana_namespace@@ port-forward svc/grafana "${PORT}:80" \
  >"${dir}/port-forward.log" 2>&1) &
forward=$!

# grafana_up: Grafana answers through the port-forward; else what curl and
# kubectl port-forward said (wait_for prints it on time-out).
grafana_up() {
  curl -fsS -K "${dir}/curlrc" -o /dev/null "http://127.0.0.1:${PORT}/api/health" || {
    cat "${dir}/port-forward.log"
    return 1
  }
}
wait_for 60 "Grafana through kubectl port-forward on port ${PORT}" grafana_up

# ask DATASOURCE_UID PATH CURL_ARGS...: a GET through Grafana's proxy for that
# datasource (which adds the tenant's X-Scope-OrgID); prints the answer, or
# curl's error.
ask() {
  local uid=$1 path=$2
  shift 2
  curl -fsS -G -K "${dir}/curlrc" "$@" "http://127.0.0.1:${PORT}/api/datasources/proxy/uid/${uid}${path}" 2>&1
}

gaps=()
rows=()

# verdict CLUSTER SIGNAL ANSWER PATTERN WHERE: sets mark to ✓ when ANSWER
# holds PATTERN, else to ✗ and adds a line to gaps saying where to look.
mark=""
verdict() {
  local cluster=$1 signal=$2 answer=$3 pattern=$4 where=$5
  if [[ ${answer} == *"${pattern}"* ]]; then
    mark="✓"
    return 0
  fi
  mark="✗"
  if [[ ${answer} == curl:* ]]; then
    gaps+=("${cluster} ${signal}: the query failed (${answer}); check ${where}")
  else
    gaps+=("${cluster} ${signal}: nothing in the last $((WINDOW / 60)) minutes; check ${where}")
  fi
}

# agents_in CLUSTER NAMESPACE: where to look when a signal of CLUSTER is missing.
agents_in() {
  printf 'the agents in namespace %s of %s (kubectl --context %s -n %s get pods)' "$2" "$1" "$(ctx "$1")" "$2"
}

# check_cluster CLUSTER TENANT MIMIR_UID LOKI_UID TEMPO_UID|- METRICS_NS LOGS_NS TRACES_NS:
# one row of the table. The namespaces are where the cluster's agents of
# each signal run.
check_cluster() {
  local cluster=$1 tenant=$2 answer now m l t
  now=$(date +%s)
  answer=$(ask "$3" /api/v1/query --data-urlencode "query=count({@@label@@=\"${cluster}\"})" || true)
  verdict "${cluster}" metrics "${answer}" '"result":[{' "$(agents_in "${cluster}" "$6"), then Mimir's distributors (tenant ${tenant})"
  m=${mark}
  answer=$(ask "$4" /loki/api/v1/query \
    --data-urlencode "query=sum(count_over_time({@@label@@=\"${cluster}\"}[$((WINDOW / 60))m]))" || true)
  verdict "${cluster}" logs "${answer}" '"result":[{' "$(agents_in "${cluster}" "$7"), then Loki (tenant ${tenant})"
  l=${mark}
  if [[ $5 == - ]]; then
    t="–"
  else
    answer=$(ask "$5" /api/search --data-urlencode "q={.@@label@@=\"${cluster}\"}" --data-urlencode "limit=1" \
      --data-urlencode "start=$((now - WINDOW))" --data-urlencode "end=${now}" || true)
    verdict "${cluster}" traces "${answer}" '"traces":[{' "$(agents_in "${cluster}" "$8"), then Tempo's distributors (tenant ${tenant})"
    t=${mark}
  fi
  rows+=("$(printf '%-32s %-8s %-8s %-8s' "${cluster}" "${m}" "${l}" "${t}")")
}

@@checks@@
printf '%-32s %-8s %-8s %-8s\n' cluster metrics logs traces
printf '%s\n' "${rows[@]}"
printf '(– : no application on that cluster sends traces)\n'
if ((${#gaps[@]} > 0)); then
  printf '\n%s\n' "Missing:"
  printf '  %s\n' "${gaps[@]}"
  exit 1
fi
log "every cluster's metrics, logs and traces arrive in its tenant"
