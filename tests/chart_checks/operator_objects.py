"""Objects that exist on a cluster without being rendered by an
Application: Services the platform or an operator makes, and the pods
operators make from rendered custom resources. Shared by check_fleet.py and
label_contract.py.
"""

# Services that exist without being rendered by an Application: made by
# kind (kube-dns), the API server (kubernetes) or the Prometheus Operator
# (the kubelet Service kube-prometheus-stack asks it to keep).
PLATFORM_SERVICES = [
    {"namespace": "kube-system", "name": "kube-dns", "labels": {"k8s-app": "kube-dns"},
     "ports": [("dns", 53), ("dns-tcp", 53), ("metrics", 9153)]},
    {"namespace": "default", "name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"},
     "ports": [("https", 443)]},
    {"namespace": "kube-system", "name": "kube-prometheus-stack-kubelet",
     "labels": {"app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet"},
     "ports": [("https-metrics", 10250), ("http-metrics", 10255), ("cadvisor", 4194)]},
]


def platform_service(s):
    return {"kind": "Service", "metadata": {"namespace": s["namespace"], "name": s["name"], "labels": s["labels"]},
            "spec": {"ports": [{"name": n, "port": p} for n, p in s["ports"]]}}


def collector_services(cr):
    """The Services the OpenTelemetry Operator makes for a collector:
    <name>-collector, with a port per OTLP receiver protocol (gRPC 4317,
    HTTP 4318, or the endpoint's port), and <name>-collector-monitoring for
    the collector's own metrics (port monitoring, 8888)."""
    ports = []
    for name, receiver in ((cr.get("spec", {}).get("config") or {}).get("receivers") or {}).items():
        if not name.split("/")[0] == "otlp":
            continue
        for protocol, default in (("grpc", 4317), ("http", 4318)):
            if protocol in ((receiver or {}).get("protocols") or {}):
                endpoint = ((receiver["protocols"][protocol]) or {}).get("endpoint", "")
                port = int(endpoint.rsplit(":", 1)[1]) if ":" in endpoint else default
                ports.append({"name": f"otlp-{protocol}", "port": port,
                              **({"appProtocol": "grpc"} if protocol == "grpc" else {})})
    md = cr["metadata"]
    selector = {"app.kubernetes.io/instance": f"{md['namespace']}.{md['name']}"}
    labels = {"app.kubernetes.io/component": "opentelemetry-collector", **selector}
    return [{"kind": "Service", "metadata": {"namespace": md["namespace"], "name": md["name"] + "-collector",
                                             "labels": dict(labels, **{
                                                 "operator.opentelemetry.io/collector-service-type": "base"})},
             "spec": {"ports": ports, "selector": selector}},
            {"kind": "Service", "metadata": {"namespace": md["namespace"], "name": md["name"] + "-collector-monitoring",
                                             "labels": dict(labels, **{
                                                 "operator.opentelemetry.io/collector-service-type": "monitoring"})},
             "spec": {"ports": [{"name": "monitoring", "port": 8888}], "selector": selector}}]


def operator_pods(objs):
    """Pod templates of the pods operators make from rendered custom
    resources: a Prometheus's (the Prometheus Operator) and a collector's
    (the OpenTelemetry Operator), as label_contract.py's workloads."""
    out = []
    for o in objs:
        md = o.get("metadata", {})
        if o.get("kind") == "Prometheus":
            out.append({"namespace": md["namespace"],
                        "labels": {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": md["name"],
                                   "app.kubernetes.io/managed-by": "prometheus-operator", "prometheus": md["name"],
                                   "operator.prometheus.io/name": md["name"]},
                        "annotations": {}, "images": ["quay.io/prometheus/prometheus"], "ports": {"web"}})
        elif o.get("kind") == "OpenTelemetryCollector":
            out.append({"namespace": md["namespace"],
                        "labels": {"app.kubernetes.io/component": "opentelemetry-collector",
                                   "app.kubernetes.io/instance": f"{md['namespace']}.{md['name']}",
                                   "app.kubernetes.io/managed-by": "opentelemetry-operator"},
                        "annotations": {}, "images": [o.get("spec", {}).get("image") or "opentelemetry-collector-k8s"],
                        "ports": {"monitoring"}})
    return out
