"""What reaches Mimir from one cluster: every metric family with the labels
each source gives its series, derived from the objects Argo CD would deploy
there: Prometheus (ServiceMonitors, PodMonitors, external labels), Alloy
(prometheus.scrape and its discovery.relabel rules, prometheus.operator.*,
remote_write external labels) and the OpenTelemetry collectors' OTLP metrics
(data-point attributes their transforms set, resource attributes Mimir
promotes). Which exporter serves a target comes from the images of the pods
behind it (upstream_facts.py).
"""
import re

import alloy_config as alloy
from fleet_objects import selects
from operator_objects import collector_services, operator_pods
from upstream_facts import EXPORTERS, IMAGES, KUBELET_PATHS, KUBELET_STATS, POD_MONITOR_TARGET_LABELS, \
    SERVICE_MONITOR_TARGET_LABELS, label_name

WORKLOAD_KINDS = {"Deployment", "DaemonSet", "StatefulSet"}


# ---------------------------------------------------------------- workloads

def pod_templates(objs):
    """Pod templates: (namespace, labels, annotations, images, container port names)."""
    out = []
    for o in objs:
        if o.get("kind") not in WORKLOAD_KINDS:
            continue
        tpl = o.get("spec", {}).get("template", {})
        md, spec = tpl.get("metadata", {}), tpl.get("spec", {})
        containers = spec.get("containers", [])
        out.append({"namespace": o["metadata"]["namespace"], "labels": md.get("labels") or {},
                    "annotations": md.get("annotations") or {},
                    "images": [c.get("image", "") for c in containers],
                    "ports": {p.get("name") for c in containers for p in c.get("ports", []) or []},
                    "port_images": {p.get("name"): c.get("image", "") for c in containers
                                    for p in c.get("ports", []) or []}})
    return out + operator_pods(objs)


def _exporter(images):
    for image in images:
        for needle, exporter in IMAGES:
            if needle in image:
                return exporter
    return None


# ---------------------------------------------------------------- metrics

class Series:
    """What a cluster's scrapes and OTLP streams deliver: metric -> one
    (labels, scope, source) per source of that metric."""

    def __init__(self):
        self.metrics = {}

    def add(self, metric, labels, scope=None, source=""):
        self.metrics.setdefault(metric, []).append((set(labels), scope, source))

    def has(self, metric, labels):
        """Some source of metric gives its series all of labels."""
        return any(labels <= have for have, _, _ in self.metrics.get(metric, []))


# An Alloy instance serves a component family's metrics only when its
# configuration has such a component.
_ALLOY_METRIC_COMPONENTS = {"prometheus_remote_storage_": "prometheus.remote_write", "loki_write_": "loki.write",
                            "otelcol_exporter_": "otelcol.exporter."}


def _alloy_serves(objs, workload):
    """A filter of the metrics the Alloy of a workload serves, from its
    release's configuration (ConfigMap named after the release)."""
    release = workload["labels"].get("app.kubernetes.io/instance")
    names = set()
    for cm in objs:
        if cm.get("kind") == "ConfigMap" and cm["metadata"]["name"] == release \
                and cm["metadata"]["namespace"] == workload["namespace"] and "config.alloy" in (cm.get("data") or {}):
            names = {b.name for b in alloy.parse(cm["data"]["config.alloy"])}

    def serves(metric):
        for prefix, component in _ALLOY_METRIC_COMPONENTS.items():
            if metric.startswith(prefix):
                return any(n.startswith(component) for n in names)
        return True
    return serves


def _scrape_exporter(series, exporter, target_labels, honor, external, source, serves=lambda metric: True):
    series.add("up", target_labels | external, source=source)
    for metric, (native, scope) in EXPORTERS.get(exporter, {}).items():
        if not serves(metric):
            continue
        labels = (native | target_labels) if honor else (target_labels | {f"exported_{n}" if n in target_labels else n
                                                                            for n in native})
        series.add(metric, labels | external, scope, source)


def _relabel_targets(rules):
    out = set()
    for r in rules or []:
        target = r.get("targetLabel") or r.get("target_label")
        if target and not target.startswith("__") and (r.get("action") or "replace") in ("replace", "lowercase",
                                                                                            "uppercase"):
            out.add(target)
    return out


def _monitor_scrapes(objs, workloads, series, external, monitor_filter):
    services = [o for o in objs if o.get("kind") == "Service"]
    services += [svc for o in objs if o.get("kind") == "OpenTelemetryCollector" for svc in collector_services(o)]
    for m in objs:
        kind = m.get("kind")
        if kind not in ("ServiceMonitor", "PodMonitor") or not monitor_filter(m):
            continue
        spec = m.get("spec", {})
        ns_sel = spec.get("namespaceSelector") or {}
        namespaces = None if ns_sel.get("any") else set(ns_sel.get("matchNames") or [m["metadata"]["namespace"]])
        endpoints = spec.get("endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints", [])
        source = f"{kind} {m['metadata']['namespace']}/{m['metadata']['name']}"
        for ep in endpoints:
            honor = bool(ep.get("honorLabels"))
            if kind == "ServiceMonitor":
                base = set(SERVICE_MONITOR_TARGET_LABELS)
                if (spec.get("selector") or {}).get("matchLabels", {}).get("k8s-app") == "kubelet":
                    # The kubelet Service the operator keeps: Node endpoints.
                    exporter = KUBELET_PATHS.get(ep.get("path", "/metrics"))
                    _scrape_exporter(series, exporter, base | {"node"} | _relabel_targets(ep.get("relabelings")),
                                     honor, external, source)
                    continue
                selected = [s for s in services if (namespaces is None or s["metadata"]["namespace"] in namespaces)
                            and selects(spec.get("selector"), s["metadata"].get("labels") or {})]
                pods = [w for s in selected for w in workloads if w["namespace"] == s["metadata"]["namespace"]
                        and s.get("spec", {}).get("selector")
                        and selects({"matchLabels": s["spec"]["selector"]}, w["labels"])]
            else:
                base = set(POD_MONITOR_TARGET_LABELS)
                # A named port is scraped only on pods that have it, from
                # the container that serves it.
                pods = [w for w in workloads if (namespaces is None or w["namespace"] in namespaces)
                        and selects(spec.get("selector"), w["labels"])
                        and ("port" not in ep or ep["port"] in w["ports"])]
            targets = base | _relabel_targets(ep.get("relabelings"))
            for pod in pods:
                port_image = (pod.get("port_images") or {}).get(ep.get("port")) if kind == "PodMonitor" else None
                exporter = _exporter([port_image] if port_image is not None else pod["images"])
                serves = _alloy_serves(objs, pod) if exporter == "alloy" else (lambda metric: True)
                _scrape_exporter(series, exporter, targets, honor, external, source, serves)


def prometheus_metrics(objs, workloads, facts, series):
    for p in objs:
        if p.get("kind") != "Prometheus":
            continue
        spec = p.get("spec", {})
        if not spec.get("remoteWrite") and facts.get("metricsTransport") != "federation":
            continue
        external = set((spec.get("externalLabels") or {}).keys())
        sm_sel, pm_sel = spec.get("serviceMonitorSelector"), spec.get("podMonitorSelector")

        def selected(m):
            sel = sm_sel if m["kind"] == "ServiceMonitor" else pm_sel
            return sel is not None and selects(sel, m["metadata"].get("labels") or {})

        _monitor_scrapes(objs, workloads, series, external, selected)


def alloy_relabel_labels(comps, ref):
    """Target labels of discovery component ref, following discovery.relabel chains."""
    name, label, _ = ref
    block = comps.get((name, label))
    if block is None:
        return set(), None
    if name == "discovery.relabel":
        upstream = set()
        origin = None
        for r in alloy.references(block.attrs.get("targets")):
            labels, origin = alloy_relabel_labels(comps, r)
            upstream |= labels
        rules = [{"target_label": alloy.string(r.attrs.get("target_label")),
                  "action": alloy.string(r.attrs.get("action"))} for r in block.children("rule")]
        return upstream | _relabel_targets(rules), origin
    return set(), block


def alloy_metrics(objs, workloads, series):
    for cm in objs:
        text = (cm.get("data") or {}).get("config.alloy") if cm.get("kind") == "ConfigMap" else None
        if not text:
            continue
        blocks = alloy.parse(text)
        comps = alloy.components(blocks)
        writes = [b for b in blocks if b.name == "prometheus.remote_write"]
        if not writes:
            continue
        external = set().union(*(alloy.object_keys(w.attrs.get("external_labels")) for w in writes))
        source = f"Alloy {cm['metadata']['namespace']}/{cm['metadata']['name']}"
        for b in blocks:
            if b.name in ("prometheus.operator.servicemonitors", "prometheus.operator.podmonitors"):
                kind = "ServiceMonitor" if b.name.endswith("servicemonitors") else "PodMonitor"
                _monitor_scrapes(objs, workloads, series, external, lambda m, k=kind: m["kind"] == k)
            if b.name != "prometheus.scrape":
                continue
            targets = {"job", "instance"}
            for ref in alloy.references(b.attrs.get("targets")):
                labels, origin = alloy_relabel_labels(comps, ref)
                targets |= labels
                path = alloy.string(b.attrs.get("metrics_path")) or "/metrics"
                honor = alloy.string(b.attrs.get("honor_labels")) == "true"
                if origin is None:
                    continue
                if origin.name == "prometheus.exporter.unix":
                    _scrape_exporter(series, "node-exporter", targets, honor, external, source)
                elif origin.name == "discovery.kubernetes" and alloy.string(origin.attrs.get("role")) == "node":
                    _scrape_exporter(series, KUBELET_PATHS.get(path), targets, honor, external, source)
                elif origin.name == "discovery.kubernetes" and alloy.string(origin.attrs.get("role")) == "pod":
                    for w in workloads:
                        if w["annotations"].get("prometheus.io/scrape") == "true":
                            _scrape_exporter(series, _exporter(w["images"]), targets, honor, external, source)


def collectors(objs):
    for o in objs:
        if o.get("kind") == "OpenTelemetryCollector":
            yield o, o.get("spec", {}).get("config", {})


def set_attribute(attrs, target, value):
    """OTTL set(): a copy of a missing attribute sets nothing."""
    source = re.fullmatch(r'resource\.attributes\["([^"]+)"\]', value.strip())
    if source is None or source.group(1) in attrs:
        attrs.add(target)


def pipeline_resource_attributes(config, pipeline, start):
    """The resource attributes a collector pipeline's processors leave set,
    starting from start."""
    attrs = set(start)
    for name in pipeline.get("processors", []):
        proc = config.get("processors", {}).get(name) or {}
        kind = name.split("/")[0]
        if kind in ("k8s_attributes", "k8sattributes"):
            attrs |= set((proc.get("extract") or {}).get("metadata") or [])
        elif kind == "resource":
            for a in proc.get("attributes", []):
                if a.get("action") in ("upsert", "insert"):
                    attrs.add(a["key"])
                elif a.get("action") == "delete":
                    attrs.discard(a["key"])
        elif kind == "transform":
            for group in ("log_statements", "metric_statements", "trace_statements"):
                for st in proc.get(group, []):
                    for s in st.get("statements", []):
                        m = re.match(r'set\(resource\.attributes\["([^"]+)"\],\s*(.+)\)\s*$', s)
                        if m:
                            set_attribute(attrs, m.group(1), m.group(2))
    return attrs


def _datapoint_labels(config, pipeline, resource):
    labels = set()
    for name in pipeline.get("processors", []):
        if name.split("/")[0] != "transform":
            continue
        for st in (config["processors"].get(name) or {}).get("metric_statements", []):
            for s in st.get("statements", []):
                m = re.match(r'set\(datapoint\.attributes\["([^"]+)"\],\s*resource\.attributes\["([^"]+)"\]\)', s)
                if m and m.group(2) in resource:
                    labels.add(m.group(1))
    return labels


def otel_metrics(objs, promoted, series):
    for cr, config in collectors(objs):
        for pname, pipeline in (config.get("service", {}).get("pipelines") or {}).items():
            if not pname.startswith("metrics") or "kubelet_stats" not in pipeline.get("receivers", []):
                continue
            if not any("mimir" in e for e in pipeline.get("exporters", [])):
                continue
            for scope, (metrics, start) in KUBELET_STATS.items():
                resource = pipeline_resource_attributes(config, pipeline, start)
                labels = _datapoint_labels(config, pipeline, resource)
                labels |= {label_name(a) for a in resource if a in promoted}
                for metric in metrics:
                    series.add(metric, labels, scope, f"OpenTelemetryCollector {cr['metadata']['name']}")


# ---------------------------------------------------------------- traces
