"""Least privilege for the agents: the Roles and ClusterRoles bound to each
Alloy release's and each OpenTelemetry collector's ServiceAccount grant
exactly the API access their rendered configuration uses, read-only.
What a component reads is a fact about that component (NEEDS below); which
components run comes from the rendered configuration.

check_agent_rbac(objs_by_cluster, problems) -> number of agents checked.
"""
import alloy_config as alloy

READ = {"get", "list", "watch"}
CORE, APPS, BATCH, MONITORING, DISCOVERY = "", "apps", "batch", "monitoring.coreos.com", "discovery.k8s.io"

# Alloy component -> (apiGroup, resource) it reads.
ALLOY_NEEDS = {
    "prometheus.operator.servicemonitors": {(MONITORING, "servicemonitors"), (CORE, "services"), (CORE, "endpoints"),
                                            (CORE, "pods"), (DISCOVERY, "endpointslices")},
    "prometheus.operator.podmonitors": {(MONITORING, "podmonitors"), (CORE, "pods")},
    "loki.source.kubernetes_events": {(CORE, "events")},
    "otelcol.processor.k8sattributes": {(CORE, "pods"), (CORE, "namespaces"), (APPS, "replicasets")},
    "mimir.rules.kubernetes": {(MONITORING, "prometheusrules"), (CORE, "namespaces")},
}
DISCOVERY_ROLES = {"pod": {(CORE, "pods")}, "node": {(CORE, "nodes")}, "service": {(CORE, "services")},
                   "endpoints": {(CORE, "endpoints"), (CORE, "services"), (CORE, "pods")},
                   "endpointslice": {(DISCOVERY, "endpointslices"), (CORE, "services"), (CORE, "pods")}}
# The kubelet's metrics, scraped with the ServiceAccount's token.
KUBELET_METRICS = {(CORE, "nodes/metrics")}

# Collector component -> (apiGroup, resource) it reads, by extracted metadata
# where it depends on it.
K8S_ATTRIBUTES_BASE = {(CORE, "pods"), (CORE, "namespaces")}
K8S_ATTRIBUTES_BY_METADATA = {"k8s.deployment.name": {(APPS, "replicasets")},
                              "k8s.cronjob.name": {(BATCH, "jobs")}}
KUBELET_STATS = {(CORE, "nodes/stats")}


def _alloy_needs(text):
    needs = set()
    blocks = alloy.parse(text)
    for b in blocks:
        needs |= ALLOY_NEEDS.get(b.name, set())
        if b.name == "discovery.kubernetes":
            needs |= DISCOVERY_ROLES.get(alloy.string(b.attrs.get("role")), set())
        if b.name == "prometheus.scrape" and "bearer_token_file" in b.attrs and \
                alloy.string(b.attrs.get("scheme")) == "https":
            needs |= KUBELET_METRICS
    return needs


def _collector_needs(config):
    needs = set()
    for name, proc in (config.get("processors") or {}).items():
        if name.split("/")[0] in ("k8s_attributes", "k8sattributes"):
            needs |= K8S_ATTRIBUTES_BASE
            for m in ((proc or {}).get("extract") or {}).get("metadata") or []:
                needs |= K8S_ATTRIBUTES_BY_METADATA.get(m, set())
    for name in config.get("receivers") or {}:
        if name.split("/")[0] in ("kubelet_stats", "kubeletstats"):
            needs |= KUBELET_STATS
    return needs


def _grants(objs, namespace, account):
    """{(apiGroup, resource): verbs} granted to a ServiceAccount by the
    rendered bindings; None when nothing is bound to it."""
    roles = {(o["kind"], o["metadata"].get("namespace") if o["kind"] == "Role" else None, o["metadata"]["name"]): o
             for o in objs if o.get("kind") in ("Role", "ClusterRole")}
    grants, bound = {}, False
    for b in objs:
        if b.get("kind") not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        if not any(s.get("kind") == "ServiceAccount" and s.get("name") == account
                   and (s.get("namespace") or b["metadata"].get("namespace")) == namespace
                   for s in b.get("subjects") or []):
            continue
        ref = b.get("roleRef", {})
        role = roles.get((ref.get("kind"), b["metadata"].get("namespace") if ref.get("kind") == "Role" else None,
                          ref.get("name")))
        if role is None:
            continue
        bound = True
        for rule in role.get("rules") or []:
            if rule.get("nonResourceURLs"):
                grants.setdefault(("nonResourceURLs", ",".join(rule["nonResourceURLs"])), set()).update(
                    rule.get("verbs", []))
                continue
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    grants.setdefault((group, resource), set()).update(rule.get("verbs", []))
    return grants if bound else None


def _judge(who, grants, needs, problems):
    if grants is None:
        if needs:
            problems.append(f"rbac: {who} reads {sorted(needs)} but no Role or ClusterRole is bound to it")
        return
    for key, verbs in sorted(grants.items()):
        if key not in needs:
            problems.append(f"rbac: {who} is granted {verbs and sorted(verbs)} on {key[0] or 'core'}/{key[1]}, "
                            f"which its configuration never reads")
        elif verbs - READ:
            problems.append(f"rbac: {who} may {sorted(verbs - READ)} {key[0] or 'core'}/{key[1]}: agents only read")
    for key in sorted(needs - set(grants)):
        problems.append(f"rbac: {who} reads {key[0] or 'core'}/{key[1]} without a grant")


def check_agent_rbac(objs_by_cluster, problems):
    checked = 0
    for cluster, objs in sorted(objs_by_cluster.items()):
        for cm in objs:
            text = (cm.get("data") or {}).get("config.alloy") if cm.get("kind") == "ConfigMap" else None
            if not text:
                continue
            # The chart's ServiceAccount is named after the release, as is its ConfigMap.
            ns, name = cm["metadata"]["namespace"], cm["metadata"]["name"]
            checked += 1
            _judge(f"{cluster}: Alloy {ns}/{name}", _grants(objs, ns, name), _alloy_needs(text), problems)
        collectors = {}
        for cr in objs:
            if cr.get("kind") == "OpenTelemetryCollector":
                key = (cr["metadata"]["namespace"], cr.get("spec", {}).get("serviceAccount")
                       or cr["metadata"]["name"] + "-collector")
                collectors.setdefault(key, set()).update(_collector_needs(cr.get("spec", {}).get("config") or {}))
        for (ns, account), needs in sorted(collectors.items()):
            checked += 1
            _judge(f"{cluster}: collectors' ServiceAccount {ns}/{account}", _grants(objs, ns, account), needs,
                   problems)
    return checked
