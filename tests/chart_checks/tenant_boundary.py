"""The tenant boundary, over what Argo CD would deploy (fleet_objects.py):
every Service of the central cluster that a remote cluster can reach must
authenticate the caller and fix the tenant from its credentials, or not be
reachable at all.

Reachable means: published on a node port or a load balancer, exported to
Linkerd (mirrored on the remotes), global for Istio ambient or Cilium
ClusterMesh, or named by a host of an Istio east-west Gateway that passes
TLS through. The mesh's own gateways and control planes (their namespaces,
INFRASTRUCTURE) carry the traffic and are not endpoints; Grafana has its own
login (it is for people, not agents), and an ingress controller's Service
passes when every Ingress it serves is Grafana's. Under Cilium ClusterMesh every pod is
routable from every cluster, so each back end's namespace must admit only
central's pods; Linkerd's gateway forwards to any Service, exported or not
(linkerd/linkerd2#4452), so its egress must be confined to the ingest proxy
(check_pod_reachability).

A Service passes when it is an nginx proxy whose configuration, for every
port of the Service, has a TLS server that requires basic auth from a user
file, passes only exact write paths (WRITE_PATHS), sets X-Scope-OrgID to the
authenticated user ($remote_user) on each, and refuses every other path.
"""
import fnmatch
import re

INFRASTRUCTURE = {"kube-system", "istio-system", "linkerd", "linkerd-multicluster", "linkerd-viz", "cilium",
                  "cilium-secrets", "metallb-system", "cert-manager", "argocd"}
HUMAN_FACING = {"grafana"}
WRITE_PATHS = {"/api/v1/push", "/otlp/v1/metrics", "/loki/api/v1/push", "/otlp/v1/logs", "/v1/traces",
               "/opentelemetry.proto.collector.trace.v1.TraceService/Export"}


def _blocks(text, head):
    """(header match, body) of every `head ... { body }` block at any depth."""
    out = []
    for m in re.finditer(head, text):
        start = text.index("{", m.end() - 1)
        depth, i = 0, start
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        out.append((m, text[start + 1:i]))
    return out


def _strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def _server_problems(http_text, server, port):
    """Why the server block listening on port does not enforce tenants, or []."""
    problems = []
    if not re.search(r"^\s*auth_basic\s+\"[^\"]+\"\s*;", http_text, re.M) or re.search(r"auth_basic\s+off", server):
        problems.append(f"port {port} does not require basic auth")
    if not re.search(r"auth_basic_user_file\s+\S+;", server):
        problems.append(f"port {port} has no user file")
    if not re.search(rf"listen\s+{port}\s+ssl", server):
        problems.append(f"port {port} is not TLS")
    refuses_rest = False
    passes = 0
    for m, body in _blocks(server, r"location\s+(=\s*)?(\S+)\s*\{"):
        exact, path = m.group(1) is not None, m.group(2)
        passing = re.search(r"\b(proxy_pass|grpc_pass)\b", body)
        if not passing:
            if path == "/" and re.search(r"return\s+40[134]\s*;", body):
                refuses_rest = True
            continue
        passes += 1
        if not exact or path not in WRITE_PATHS:
            problems.append(f"port {port} passes {'' if exact else 'prefix '}{path}, not only write APIs")
        if not re.search(r"(proxy|grpc)_set_header\s+X-Scope-OrgID\s+\$remote_user\s*;", body):
            problems.append(f"port {port} passes {path} without setting X-Scope-OrgID from the credentials")
    if not refuses_rest:
        problems.append(f"port {port} does not refuse the paths it does not pass (location / must return 403)")
    if passes == 0:
        problems.append(f"port {port} passes nothing")
    return problems


def _proxy_problems(service, objs):
    """Why service is not a tenant-authenticating proxy, or []."""
    ns = service["metadata"]["namespace"]
    selector = service["spec"].get("selector") or {}
    workloads = [o for o in objs if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet")
                 and o["metadata"].get("namespace") == ns and selector
                 and all(o["spec"]["template"]["metadata"].get("labels", {}).get(k) == v for k, v in selector.items())]
    if not workloads:
        return ["it selects no workload lgtmgen renders"]
    configs = {o["metadata"]["name"]: o for o in objs if o["kind"] == "ConfigMap" and o["metadata"].get("namespace") == ns}
    problems = []
    for w in workloads:
        pod = w["spec"]["template"]["spec"]
        config_maps = [v["configMap"]["name"] for v in pod.get("volumes", []) if "configMap" in v]
        nginx = next((configs[n]["data"]["nginx.conf"] for n in config_maps
                      if n in configs and "nginx.conf" in configs[n].get("data", {})), None)
        if nginx is None:
            problems.append(f"{w['kind']} {w['metadata']['name']} is not an nginx proxy lgtmgen configures")
            continue
        text = _strip_comments(nginx)
        http = _blocks(text, r"\bhttp\s*\{")
        http_text = http[0][1] if http else text
        servers = {int(m.group(1)): body for _, body in _blocks(http_text, r"\bserver\s*\{")
                   for m in [re.search(r"listen\s+(\d+)", body)] if m}
        named_ports = {p["name"]: int(p["containerPort"]) for c in pod["containers"] for p in c.get("ports", [])
                       if "name" in p}
        for sp in service["spec"].get("ports", []):
            target = sp.get("targetPort", sp["port"])
            port = named_ports.get(target) if isinstance(target, str) else int(target)
            if port not in servers:
                problems.append(f"port {sp['port']} reaches no server of the proxy")
                continue
            problems += _server_problems(http_text, servers[port], port)
    return problems


def _passthrough_hosts(objs):
    hosts = []
    for o in objs:
        if o["kind"] != "Gateway" or not o.get("apiVersion", "").startswith("networking.istio.io"):
            continue
        for server in o["spec"].get("servers", []):
            if (server.get("tls") or {}).get("mode") == "AUTO_PASSTHROUGH":
                hosts += [h.split("/", 1)[-1] for h in server.get("hosts", [])]
    return hosts


def reachable(service, mesh, passthrough_hosts):
    """How remote clusters reach service ([] when they do not)."""
    md = service["metadata"]
    labels, annotations = md.get("labels") or {}, md.get("annotations") or {}
    how = []
    if service["spec"].get("type") in ("NodePort", "LoadBalancer"):
        how.append(service["spec"]["type"])
    if labels.get("mirror.linkerd.io/exported") in ("true", "remote-discovery"):
        how.append("exported to Linkerd")
    if labels.get("istio.io/global") == "true":
        how.append("Istio global service")
    if annotations.get("service.cilium.io/global") == "true":
        how.append("ClusterMesh global service")
    fqdn = f"{md['name']}.{md['namespace']}.svc.cluster.local"
    if mesh == "istio" and any(fnmatch.fnmatch(fqdn, h) for h in passthrough_hosts):
        how.append("passed through Istio's east-west gateway")
    return how


def _cluster_local(policy, central):
    """Whether a CiliumNetworkPolicy admits, besides the node's own probes,
    only endpoints of the central cluster, and selects every pod."""
    spec = policy.get("spec") or {}
    if spec.get("endpointSelector") not in ({}, None) or "endpointSelector" not in spec:
        return False
    for rule in spec.get("ingress") or []:
        if set(rule) - {"fromEndpoints", "fromEntities", "toPorts"}:
            return False
        if any(e != "host" for e in rule.get("fromEntities") or []):
            return False
        for sel in rule.get("fromEndpoints") or []:
            labels = sel.get("matchLabels") or {}
            if labels.get("io.cilium.k8s.policy.cluster") != central and \
                    labels.get("k8s:io.cilium.k8s.policy.cluster") != central:
                return False
    return True


GATEWAY_MAY_REACH = {"lgtm-ingest": None, "linkerd": None, "kube-system": {53}}  # namespace -> ports (None: any)


def _confines_gateway(policy, gateway):
    """Whether a NetworkPolicy selects the gateway's pods and lets them open
    connections only to GATEWAY_MAY_REACH."""
    spec = policy.get("spec") or {}
    selector = (spec.get("podSelector") or {}).get("matchLabels") or {}
    labels = gateway["spec"]["template"]["metadata"].get("labels") or {}
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        return False
    if "Egress" not in (spec.get("policyTypes") or []):
        return False
    for rule in spec.get("egress") or []:
        ports = {int(p["port"]) for p in rule.get("ports") or []}
        for peer in rule.get("to") or [{}]:
            ns = ((peer.get("namespaceSelector") or {}).get("matchLabels") or {}).get("kubernetes.io/metadata.name")
            if ns not in GATEWAY_MAY_REACH or "ipBlock" in peer:
                return False
            allowed = GATEWAY_MAY_REACH[ns]
            if allowed is not None and (not ports or not ports <= allowed):
                return False
    return True


def check_pod_reachability(central, mesh, objs, problems):
    """Paths a mesh opens past what is published. Cilium ClusterMesh routes
    every cluster's pods to one another: each back end's namespace on
    central (the Services that trust X-Scope-OrgID) needs a policy admitting
    only central's pods. Linkerd's multicluster gateway forwards to any
    Service, exported or not: the gateway's egress must be confined to the
    ingest proxy. Returns how many were checked."""
    if mesh == "linkerd":
        gateways = [o for o in objs if o["kind"] == "Deployment" and o["metadata"].get("name") == "linkerd-gateway"]
        policies = [o for o in objs if o["kind"] == "NetworkPolicy"
                    and o["metadata"].get("namespace") == "linkerd-multicluster"]
        for g in gateways:
            if not any(_confines_gateway(p, g) for p in policies):
                problems.append(f"{central}: Linkerd's multicluster gateway forwards a linked cluster's requests to "
                                f"any Service, exported or not, and no NetworkPolicy confines its egress to the "
                                f"ingest proxy")
        return len(gateways)
    if mesh != "cilium-clustermesh":
        return 0
    backend_namespaces = {o["metadata"]["namespace"] for o in objs if o["kind"] == "Service"
                          and o["metadata"]["namespace"].split("-")[0] in ("mimir", "loki", "tempo")}
    for ns in sorted(backend_namespaces):
        policies = [o for o in objs if o["kind"] == "CiliumNetworkPolicy" and o["metadata"].get("namespace") == ns]
        if not any(_cluster_local(p, central) for p in policies):
            problems.append(f"{central}: the pods of namespace {ns} trust X-Scope-OrgID and are routable from "
                            f"every cluster of the ClusterMesh, with no CiliumNetworkPolicy admitting only "
                            f"{central}'s pods")
    return len(backend_namespaces)


def _ingress_controller_problems(service, objs):
    """An ingress controller's Service reaches what the cluster's Ingresses
    route to: it passes when every Ingress is in a human-facing namespace
    (an Ingress routes to Services of its own namespace). None when service
    is not an ingress controller's."""
    controllers = [o for o in objs if o["kind"] == "IngressClass"
                   and o["metadata"].get("labels", {}).get("app.kubernetes.io/instance")
                   == service["metadata"].get("labels", {}).get("app.kubernetes.io/instance")
                   and service["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "controller"]
    if not controllers:
        return None
    return [f"it routes Ingress {i['metadata'].get('namespace')}/{i['metadata']['name']}, which is not for people "
            f"(only {', '.join(sorted(HUMAN_FACING))} may be served)"
            for i in objs if i["kind"] == "Ingress" and i["metadata"].get("namespace") not in HUMAN_FACING]


def check_tenant_boundary(repo_facts, objs_by_cluster, problems):
    """Appends a problem per central Service remote clusters reach that does
    not fix the tenant from the caller's credentials; returns how many
    reachable Services were checked."""
    central_facts = next(c for c in repo_facts if c["role"] == "central")
    if not any(c["role"] == "remote" and c["agentScenario"] != "none" for c in repo_facts):
        return 0
    central, mesh = central_facts["name"], central_facts.get("mesh", "none")
    objs = objs_by_cluster.get(central, [])
    hosts = _passthrough_hosts(objs)
    checked = 0
    for s in (o for o in objs if o["kind"] == "Service"):
        ns = s["metadata"]["namespace"]
        how = reachable(s, mesh, hosts)
        if not how or ns in INFRASTRUCTURE or ns in HUMAN_FACING:
            continue
        checked += 1
        ingress = _ingress_controller_problems(s, objs)
        for why in _proxy_problems(s, objs) if ingress is None else ingress:
            problems.append(f"{central}: remote clusters reach Service {ns}/{s['metadata']['name']} "
                            f"({', '.join(how)}), which does not fix the tenant: {why}")
    if checked == 0:
        problems.append(f"{central}: remote clusters ship telemetry, yet no central Service is reachable from them")
    return checked + check_pod_reachability(central, mesh, objs, problems)
