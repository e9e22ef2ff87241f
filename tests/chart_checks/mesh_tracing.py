"""Mesh tracing: where a cluster's mesh proxies send their spans is a
receiver that exists on that cluster and accepts them.

* Linkerd (ConfigMap linkerd/linkerd-config, the control plane's values):
  with proxy.tracing enabled, collector.endpoint is `host:port` of a local
  Service whose port speaks gRPC (OTLP), every pod behind it runs as the
  collector's meshIdentity (ServiceAccount and namespace: the proxy verifies
  that identity over mTLS) and is meshed itself (its proxy terminates that
  mTLS), and at least one pod is behind it.
* Istio (ConfigMap istio-system/istio, meshConfig): every opentelemetry
  extension provider names a local Service and a gRPC port of it, and every
  provider a Telemetry resource names is defined.
"""
import yaml


def service_of_host(host):
    """(namespace, name) of an in-cluster Service host name
    (name.namespace.svc, optionally .cluster.local), else None."""
    parts = host.split(".")
    if len(parts) in (3, 5) and parts[2] == "svc" and (len(parts) == 3 or parts[3:] == ["cluster", "local"]):
        return parts[1], parts[0]
    return None


def _workloads(objs):
    """(namespace, pod labels, ServiceAccount, meshed) of every pod template
    on a cluster: rendered workloads, and the collectors the OpenTelemetry
    Operator makes (ServiceAccount spec.serviceAccount, else <name>-collector)."""
    out = []
    for o in objs:
        md = o.get("metadata", {})
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            tpl = o["spec"].get("template") or {}
            spec = tpl.get("spec") or {}
            meshed = any(c.get("name") in ("linkerd-proxy", "istio-proxy") for c in spec.get("containers") or [])
            out.append((md["namespace"], (tpl.get("metadata") or {}).get("labels") or {},
                        spec.get("serviceAccountName") or "default", meshed))
        elif o["kind"] == "OpenTelemetryCollector":
            spec = o.get("spec") or {}
            opted_out = (spec.get("podAnnotations") or {}).get("linkerd.io/inject") == "disabled"
            labels = {"app.kubernetes.io/component": "opentelemetry-collector",
                      "app.kubernetes.io/instance": f"{md['namespace']}.{md['name']}"}
            out.append((md["namespace"], labels, spec.get("serviceAccount") or md["name"] + "-collector",
                        o.get("_mesh") is not None and not opted_out))
    return out


def _config_map(objs, namespace, name):
    for o in objs:
        if o["kind"] == "ConfigMap" and o["metadata"].get("namespace") == namespace and o["metadata"]["name"] == name:
            return o
    return None


def _grpc_port(service, port):
    for p in service.get("spec", {}).get("ports", []):
        if int(p["port"]) == port:
            return "grpc" in (p.get("name", "") + p.get("appProtocol", "")).lower()
    return None


def _check_receiver(cluster, what, services, host, port, problems):
    """The local Service of host (name.ns.svc[.cluster.local]) with a gRPC
    port; returns it or None (a problem recorded)."""
    key = service_of_host(host)
    svc = services.get(key) if key else None
    if svc is None:
        problems.append(f"{cluster}: {what}: spans go to {host}:{port}: no such Service on {cluster}")
        return None
    grpc = _grpc_port(svc, port)
    if grpc is None:
        problems.append(f"{cluster}: {what}: spans go to {host}:{port}: the Service has no port {port}")
        return None
    if not grpc:
        problems.append(f"{cluster}: {what}: spans go over OTLP gRPC to {host}:{port}, a port not named or "
                        f"declared gRPC")
        return None
    return svc


def _check_linkerd(cluster, objs, services, problems):
    cm = _config_map(objs, "linkerd", "linkerd-config")
    if cm is None:
        return 0
    values = yaml.safe_load((cm.get("data") or {}).get("values") or "") or {}
    tracing = (values.get("proxy") or {}).get("tracing") or {}
    if not tracing.get("enabled"):
        return 0
    collector = tracing.get("collector") or {}
    endpoint = collector.get("endpoint") or ""
    identity = collector.get("meshIdentity") or {}
    host, _, port = endpoint.rpartition(":")
    what = "Linkerd's proxies"
    svc = _check_receiver(cluster, what, services, host, int(port or 0), problems)
    if svc is None:
        return 1
    selector = svc["spec"].get("selector") or {}
    ns = svc["metadata"]["namespace"]
    pods = [w for w in _workloads(objs) if w[0] == ns and selector
            and all(w[1].get(k) == v for k, v in selector.items())]
    if not pods:
        problems.append(f"{cluster}: {what} send spans to {endpoint}: no pod is behind Service {ns}/"
                        f"{svc['metadata']['name']}")
    for pod_ns, _, account, meshed in pods:
        if (account, pod_ns) != (identity.get("serviceAccountName"), identity.get("namespace")):
            problems.append(f"{cluster}: {what} expect the collector at {endpoint} to be "
                            f"{identity.get('serviceAccountName')}.{identity.get('namespace')}, but a pod behind it "
                            f"runs as {account}.{pod_ns}: the mTLS handshake would fail")
        if not meshed:
            problems.append(f"{cluster}: {what} send spans over mTLS to {endpoint}, but a pod behind it has no "
                            f"Linkerd proxy to terminate it")
    return 1


def _check_istio(cluster, objs, services, problems):
    cm = _config_map(objs, "istio-system", "istio")
    if cm is None:
        return 0
    mesh = yaml.safe_load((cm.get("data") or {}).get("mesh") or "") or {}
    providers = {}
    for p in mesh.get("extensionProviders") or []:
        providers[p["name"]] = p
        otel = p.get("opentelemetry")
        if otel:
            _check_receiver(cluster, f"Istio's tracing provider {p['name']}", services, otel.get("service", ""),
                            int(otel.get("port") or 0), problems)
    checked = len(providers)
    for o in objs:
        if o["kind"] != "Telemetry":
            continue
        for t in (o.get("spec") or {}).get("tracing") or []:
            for ref in t.get("providers") or []:
                checked += 1
                if ref.get("name") not in providers:
                    problems.append(f"{cluster}: Telemetry {o['metadata'].get('namespace')}/{o['metadata']['name']} "
                                    f"names tracing provider {ref.get('name')}, which istiod's meshConfig does not "
                                    f"define (its spans go nowhere)")
    return checked


def check_mesh_tracing(objs_by_cluster, services_of, problems):
    """services_of(objs) -> {(namespace, name): Service} of a cluster.
    Returns how many tracing configurations were checked."""
    checked = 0
    for cluster, objs in sorted(objs_by_cluster.items()):
        services = services_of(objs)
        checked += _check_linkerd(cluster, objs, services, problems)
        checked += _check_istio(cluster, objs, services, problems)
    return checked
