"""The label contract, checked against what each cluster's agents really
send. From the objects Argo CD would deploy on a cluster (fleet_objects.py)
it derives, per tenant:

* metrics: every metric family that reaches Mimir with the labels each
  series carries: the scrapes of Prometheus (ServiceMonitors, PodMonitors,
  external labels) and of Alloy (prometheus.scrape and its discovery.relabel
  rules, prometheus.operator.*, remote_write external labels), and the
  OpenTelemetry collectors' OTLP metrics (datapoint attributes their
  transforms set, resource attributes Mimir promotes); which exporter serves a
  target comes from the images of the pods behind it (upstream_facts.py);
* logs: every log pipeline's stream labels: Alloy's relabel rules and
  loki.write labels, Vector's and Fluent Bit's Loki sink labels, and for OTLP
  logs the resource attributes the pipeline sets that Loki indexes;
* traces: the resource attributes every trace pipeline sets, and the labels
  of Tempo's span metrics (its dimensions, where the attribute exists).

Then: every series, stream and span meets the contract the generated README
states (its "Label contract" table); and every query of every catalog
dashboard and alert rule, and every datasource link, finds its metric and
labels in every cluster it applies to.
"""
import glob
import json
import os
import re

import yaml

import alloy_config as alloy
import fleet_objects
import query_refs
from operator_objects import collector_services, operator_pods
from upstream_facts import (CONTAINER_PARSER_ATTRIBUTES, EXPORTERS, IMAGES, KUBELET_PATHS, KUBELET_STATS,
                            LOKI_OTLP_DEFAULT_INDEX, POD_MONITOR_TARGET_LABELS, SCOPE_LABELS,
                            SERVICE_MONITOR_TARGET_LABELS, SPAN_METRICS, label_name)

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG_DASHBOARDS = {os.path.splitext(os.path.basename(p))[0]
                      for p in glob.glob(os.path.join(HERE, "..", "..", "templates", "dashboards", "*.json"))}
CATALOG_RULES = {os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(HERE, "..", "..", "templates", "alerting", "rules", "*.yaml"))}
WORKLOAD_KINDS = {"Deployment", "DaemonSet", "StatefulSet"}


# ---------------------------------------------------------------- workloads

def _workloads(objs):
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
                    "ports": {p.get("name") for c in containers for p in c.get("ports", []) or []}})
    return out + operator_pods(objs)


def _exporter(images):
    for image in images:
        for needle, exporter in IMAGES:
            if needle in image:
                return exporter
    return None


def _matches(selector, labels):
    for k, v in (selector or {}).get("matchLabels", {}).items():
        if labels.get(k) != v:
            return False
    for e in (selector or {}).get("matchExpressions", []):
        inside = labels.get(e["key"]) in e.get("values", [])
        if e["operator"] == "In" and not inside or e["operator"] == "NotIn" and inside:
            return False
        if e["operator"] == "Exists" and e["key"] not in labels:
            return False
    return True


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
                            and _matches(spec.get("selector"), s["metadata"].get("labels") or {})]
                pods = [w for s in selected for w in workloads if w["namespace"] == s["metadata"]["namespace"]
                        and s.get("spec", {}).get("selector")
                        and _matches({"matchLabels": s["spec"]["selector"]}, w["labels"])]
            else:
                base = set(POD_MONITOR_TARGET_LABELS)
                pods = [w for w in workloads if (namespaces is None or w["namespace"] in namespaces)
                        and _matches(spec.get("selector"), w["labels"])]
            targets = base | _relabel_targets(ep.get("relabelings"))
            for pod in pods:
                exporter = _exporter(pod["images"])
                serves = _alloy_serves(objs, pod) if exporter == "alloy" else (lambda metric: True)
                _scrape_exporter(series, exporter, targets, honor, external, source, serves)


def _prometheus_metrics(objs, workloads, facts, series):
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
            return sel is not None and _matches(sel, m["metadata"].get("labels") or {})

        _monitor_scrapes(objs, workloads, series, external, selected)


def _alloy_relabel_labels(comps, ref):
    """Target labels of discovery component ref, following discovery.relabel chains."""
    name, label, _ = ref
    block = comps.get((name, label))
    if block is None:
        return set(), None
    if name == "discovery.relabel":
        upstream = set()
        origin = None
        for r in alloy.references(block.attrs.get("targets")):
            labels, origin = _alloy_relabel_labels(comps, r)
            upstream |= labels
        rules = [{"target_label": alloy.string(r.attrs.get("target_label")),
                  "action": alloy.string(r.attrs.get("action"))} for r in block.children("rule")]
        return upstream | _relabel_targets(rules), origin
    return set(), block


def _alloy_metrics(objs, workloads, series):
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
                labels, origin = _alloy_relabel_labels(comps, ref)
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


def _collectors(objs):
    for o in objs:
        if o.get("kind") == "OpenTelemetryCollector":
            yield o, o.get("spec", {}).get("config", {})


def _set_attribute(attrs, target, value):
    """OTTL set(): a copy of a missing attribute sets nothing."""
    source = re.fullmatch(r'resource\.attributes\["([^"]+)"\]', value.strip())
    if source is None or source.group(1) in attrs:
        attrs.add(target)


def _pipeline_resource_attributes(config, pipeline, start):
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
                            _set_attribute(attrs, m.group(1), m.group(2))
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


def _otel_metrics(objs, promoted, series):
    for cr, config in _collectors(objs):
        for pname, pipeline in (config.get("service", {}).get("pipelines") or {}).items():
            if not pname.startswith("metrics") or "kubelet_stats" not in pipeline.get("receivers", []):
                continue
            if not any("mimir" in e for e in pipeline.get("exporters", [])):
                continue
            for scope, (metrics, start) in KUBELET_STATS.items():
                resource = _pipeline_resource_attributes(config, pipeline, start)
                labels = _datapoint_labels(config, pipeline, resource)
                labels |= {label_name(a) for a in resource if a in promoted}
                for metric in metrics:
                    series.add(metric, labels, scope, f"OpenTelemetryCollector {cr['metadata']['name']}")


# ---------------------------------------------------------------- traces

def _alloy_resource_attributes(blocks, statements_block):
    """The resource attributes an Alloy OTLP pipeline leaves set: the SDK's
    service.name, what otelcol.processor.k8sattributes extracts, then the
    transform's resource-context statements of the signal."""
    attrs = {"service.name"}
    for b in blocks:
        if b.name == "otelcol.processor.k8sattributes":
            for e in b.children("extract"):
                attrs |= set(alloy.strings(e.attrs.get("metadata")))
    for b in blocks:
        if b.name != "otelcol.processor.transform":
            continue
        for st in b.children(statements_block):
            if alloy.string(st.attrs.get("context")) != "resource":
                continue
            for text in alloy.strings(st.attrs.get("statements")):
                m = re.match(r'set\((?:resource\.)?attributes\["([^"]+)"\],\s*(.+)\)\s*$', text)
                if m:
                    value = re.sub(r"^attributes\[", "resource.attributes[", m.group(2).strip())
                    _set_attribute(attrs, m.group(1), value)
    return attrs


def _alloy_trace_attributes(blocks):
    if not any(b.name == "otelcol.exporter.otlp" for b in blocks):
        return None
    return _alloy_resource_attributes(blocks, "trace_statements")


def _ports(endpoints):
    return {int(e.rsplit(":", 1)[1]) for e in endpoints if e and ":" in e}


def _sidecar_keeps_source(ns_meta, pod_annotations, pod_labels, ports):
    """Whether a receiver on ports sees its clients' pod IPs (what a
    connection-based pod association needs) given the mesh's injection: a
    Linkerd or Istio sidecar intercepting the ports makes every connection
    come from the proxy (127.0.0.1, 127.0.0.6), unless the ports are skipped
    or Istio intercepts with TPROXY. Ambient and ClusterMesh keep the source."""
    ns_labels, ns_annotations = ns_meta.get("labels") or {}, ns_meta.get("annotations") or {}
    linkerd = pod_annotations.get("linkerd.io/inject", ns_annotations.get("linkerd.io/inject")) == "enabled"
    istio_pod = pod_labels.get("sidecar.istio.io/inject", pod_annotations.get("sidecar.istio.io/inject"))
    istio = istio_pod == "true" or (istio_pod != "false" and ns_labels.get("istio-injection") == "enabled")

    def listed(key):
        value = pod_annotations.get(key, ns_annotations.get(key, ""))
        return {int(p) for p in re.findall(r"\d+", value)}

    if linkerd and not ports <= listed("config.linkerd.io/skip-inbound-ports"):
        return False
    if istio and pod_annotations.get("sidecar.istio.io/interceptionMode") != "TPROXY" \
            and not ports <= listed("traffic.sidecar.istio.io/excludeInboundPorts"):
        return False
    return True


def _associates_by_connection_only(association_sources):
    """k8sattributes finds the sending pod by connection unless the sender
    sets k8s.pod.ip or k8s.pod.uid itself, which no SDK does by default."""
    return "connection" in association_sources


def trace_pipelines(objs, ns_meta):
    """[(source, resource attributes)] of every pipeline sending traces to
    Tempo. ns_meta: namespace -> the metadata Argo CD gives it."""
    out = []
    workloads = [o for o in objs if o.get("kind") in WORKLOAD_KINDS]
    for cm in objs:
        text = (cm.get("data") or {}).get("config.alloy") if cm.get("kind") == "ConfigMap" else None
        if not text:
            continue
        blocks = alloy.parse(text)
        attrs = _alloy_trace_attributes(blocks)
        if attrs is None:
            continue
        ns, name = cm["metadata"]["namespace"], cm["metadata"]["name"]
        ports = set()
        for b in blocks:
            if b.name.startswith("otelcol.receiver."):
                ports |= _ports(alloy.strings(b.attrs.get("endpoint")))
                for child in b.blocks:
                    ports |= _ports(alloy.strings(child.attrs.get("endpoint")))
                    for grandchild in child.blocks:
                        ports |= _ports(alloy.strings(grandchild.attrs.get("endpoint")))
        sources = [alloy.string(src.attrs.get("from")) for b in blocks if b.name == "otelcol.processor.k8sattributes"
                   for pa in b.children("pod_association") for src in pa.children("source")]
        for w in workloads:
            tpl = w.get("spec", {}).get("template", {}).get("metadata", {})
            if w["metadata"]["namespace"] != ns or (tpl.get("labels") or {}).get("app.kubernetes.io/instance") != name:
                continue
            if _associates_by_connection_only(sources) and not _sidecar_keeps_source(
                    ns_meta.get(ns, {}), tpl.get("annotations") or {}, tpl.get("labels") or {}, ports):
                attrs = _alloy_resource_attributes([b for b in blocks if b.name != "otelcol.processor.k8sattributes"],
                                                   "trace_statements")
        out.append((f"Alloy {name}", attrs))
    for cr, config in _collectors(objs):
        ns = cr["metadata"]["namespace"]
        ports = set()
        for receiver in (config.get("receivers") or {}).values():
            for proto in ((receiver or {}).get("protocols") or {}).values():
                ports |= _ports([(proto or {}).get("endpoint", "")])
        for pname, pipeline in (config.get("service", {}).get("pipelines") or {}).items():
            if not (pname.startswith("traces") and any("tempo" in e for e in pipeline.get("exporters", []))):
                continue
            procs = pipeline.get("processors", [])
            sources = [src.get("from") for name in procs if name.split("/")[0] in ("k8s_attributes", "k8sattributes")
                       for pa in (config["processors"][name] or {}).get("pod_association", [])
                       for src in pa.get("sources", [])]
            spec = cr.get("spec", {})
            if _associates_by_connection_only(sources) and not _sidecar_keeps_source(
                    ns_meta.get(ns, {}), spec.get("podAnnotations") or {}, spec.get("podLabels") or {}, ports):
                pipeline = dict(pipeline, processors=[n for n in procs
                                                      if n.split("/")[0] not in ("k8s_attributes", "k8sattributes")])
            attrs = _pipeline_resource_attributes(config, pipeline, {"service.name"})
            out.append((f"OpenTelemetryCollector {cr['metadata']['name']}", attrs))
    return out


# ---------------------------------------------------------------- logs

def _alloy_logs(cm):
    blocks = alloy.parse(cm["data"]["config.alloy"])
    comps = alloy.components(blocks)
    writes = {b.label: set(alloy.object_keys(b.attrs.get("external_labels"))) for b in blocks if b.name == "loki.write"}
    out = []

    def downstream_labels(refs, labels):
        """Follow forward_to through loki.process to loki.write."""
        result = None
        for name, label, _ in refs:
            if name == "loki.write":
                got = labels | writes.get(label, set())
            elif name == "loki.process":
                b = comps[(name, label)]
                dropped = set()
                added = set()
                for st in b.blocks:
                    if st.name == "stage.label_drop":
                        dropped |= set(alloy.strings(st.attrs.get("values")))
                    if st.name in ("stage.labels", "stage.static_labels"):
                        added |= set(alloy.object_keys(st.attrs.get("values")))
                got = downstream_labels(alloy.references(b.attrs.get("forward_to")), (labels | added) - dropped)
            else:
                continue
            result = got if result is None else result & got
        return result if result is not None else set()

    source = f"Alloy {cm['metadata']['name']}"
    for b in blocks:
        if b.name == "loki.source.file":
            labels = set()
            for ref in alloy.references(b.attrs.get("targets")):
                labels |= _alloy_relabel_labels(comps, ref)[0]
            labels.add("filename")  # loki.source.file's own label
            labels = downstream_labels(alloy.references(b.attrs.get("forward_to")), labels)
            out.append(("pod logs", source + " (pod log files)", labels))
        elif b.name == "loki.source.kubernetes_events":
            labels = downstream_labels(alloy.references(b.attrs.get("forward_to")),
                                       {"job", "namespace", "instance"})
            out.append(("events", source + " (Kubernetes events)", labels))
        elif b.name == "otelcol.exporter.loki":
            attrs = _alloy_resource_attributes(blocks, "log_statements")
            hinted = set()
            for t in blocks:
                for st in t.children("log_statements") if t.name == "otelcol.processor.transform" else []:
                    for text in alloy.strings(st.attrs.get("statements")):
                        m = re.match(r'set\((?:resource\.)?attributes\["loki\.resource\.labels"\],\s*"([^"]*)"\)', text)
                        if m:
                            hinted |= {a.strip() for a in m.group(1).split(",") if a.strip()}
            hint = {label_name(a) for a in hinted if a in attrs}
            labels = downstream_labels(alloy.references(b.attrs.get("forward_to")), hint | {"exporter"})
            out.append(("application logs", source + " (OTLP logs)", labels))
    return out


def _vector_logs(cm):
    config = yaml.safe_load(cm["data"]["vector.yaml"])
    return [("pod logs", f"Vector sink {name}", set((sink.get("labels") or {}).keys()))
            for name, sink in (config.get("sinks") or {}).items() if sink.get("type") == "loki"]


def _fluent_bit_logs(cm):
    out = []
    for text in cm["data"].values():
        for section in re.split(r"^\s*\[", text, flags=re.M):
            if not section.startswith("OUTPUT]") or not re.search(r"^\s*Name\s+loki\s*$", section, re.M | re.I):
                continue
            m = re.search(r"^\s*Labels\s+(.+)$", section, re.M)
            labels = {kv.split("=")[0].strip() for kv in m.group(1).split(",")} if m else set()
            out.append(("pod logs", "Fluent Bit output loki", labels))
    return out


def _otel_logs(objs, loki_index):
    out = []
    for cr, config in _collectors(objs):
        for pname, pipeline in (config.get("service", {}).get("pipelines") or {}).items():
            if not pname.startswith("logs") or not any("loki" in e for e in pipeline.get("exporters", [])):
                continue
            files = any(r.split("/")[0] in ("file_log", "filelog") for r in pipeline.get("receivers", []))
            resource = _pipeline_resource_attributes(config, pipeline,
                                                     CONTAINER_PARSER_ATTRIBUTES if files else {"service.name"})
            labels = {label_name(a) for a in resource if a in loki_index}
            kind = "pod logs" if files else "application logs"
            out.append((kind, f"OpenTelemetryCollector {cr['metadata']['name']} ({pname})", labels))
    return out


def log_pipelines(objs, loki_index, service_name):
    out = []
    for o in objs:
        if o.get("kind") != "ConfigMap" or not o.get("data"):
            continue
        if "config.alloy" in o["data"]:
            out += _alloy_logs(o)
        elif "vector.yaml" in o["data"]:
            out += _vector_logs(o)
        elif any("[OUTPUT]" in v for v in o["data"].values() if isinstance(v, str)) and "fluent" in \
                o["metadata"]["name"]:
            out += _fluent_bit_logs(o)
    out += _otel_logs(objs, loki_index)
    if service_name:  # Loki's service-name discovery labels every stream
        out = [(k, s, labels | {"service_name"}) for k, s, labels in out]
    return out


# ---------------------------------------------------------------- back ends

def backend_settings(central_objs):
    """What Loki, Mimir and Tempo do with what arrives (intersected over
    backend sets): Loki's indexed OTLP attributes and service-name discovery,
    Mimir's promoted OTLP resource attributes, Tempo's span-metrics dimensions."""
    loki_index, promoted, dims, service_name = None, None, None, True
    for o in central_objs:
        if o.get("kind") != "ConfigMap":
            continue
        data = o.get("data") or {}
        if o["metadata"]["name"] == "loki" and "config.yaml" in data:
            limits = yaml.safe_load(data["config.yaml"]).get("limits_config") or {}
            index = set(LOKI_OTLP_DEFAULT_INDEX)
            for a in ((limits.get("otlp_config") or {}).get("resource_attributes") or {}).get("attributes_config", []):
                if a.get("action") == "index_label":
                    index |= set(a.get("attributes") or [])
                else:
                    index -= set(a.get("attributes") or [])
            loki_index = index if loki_index is None else loki_index & index
            if limits.get("discover_service_name") == []:
                service_name = False
        if o["metadata"]["name"] == "mimir-config" and "mimir.yaml" in data:
            limits = yaml.safe_load(data["mimir.yaml"]).get("limits") or {}
            p = limits.get("promote_otel_resource_attributes") or ""
            got = {a.strip() for a in p.split(",") if a.strip()} if isinstance(p, str) else set(p)
            promoted = got if promoted is None else promoted & got
        if o["metadata"]["name"] == "tempo-config" and "tempo.yaml" in data:
            gen = yaml.safe_load(data["tempo.yaml"]).get("metrics_generator") or {}
            d = set(((gen.get("processor") or {}).get("span_metrics") or {}).get("dimensions") or [])
            dims = d if dims is None else dims & d
    return loki_index or set(LOKI_OTLP_DEFAULT_INDEX), promoted or set(), dims or set(), service_name


# ---------------------------------------------------------------- the contract

def read_contract(repo):
    """The README's label contract: {row name: {labels}}."""
    text = open(os.path.join(repo, "README.md")).read()
    m = re.search(r"^## Label contract\n(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        return None
    rows = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= set("-: ") and cells[0] != "Signal":
            rows[cells[0]] = set(re.findall(r"`([^`]+)`", cells[1]))
    return rows


def _dashboard_queries(path):
    """[(kind, query, row)] of a dashboard JSON: every panel target (with the
    title of the row it is in) and template variable (row None)."""
    out = []

    def walk(node, ds_type, row):
        if isinstance(node, dict):
            ds = node.get("datasource")
            t = ds.get("type") if isinstance(ds, dict) else ds_type
            if t and isinstance(t, str) and t.startswith("$"):
                t = None
            for k, v in node.items():
                if k == "expr" and isinstance(v, str):
                    out.append((t or "prometheus", v, row))
                elif k == "query" and isinstance(v, str) and node.get("type") != "datasource":
                    out.append((t or "prometheus", v, row))
                elif k != "panels":
                    walk(v, t, row)
        elif isinstance(node, list):
            for n in node:
                walk(n, ds_type, row)

    dashboard = json.load(open(path))
    walk(dashboard.get("templating", {}), None, None)
    row = None
    for panel in dashboard.get("panels", []):
        if panel.get("type") == "row":
            row = panel.get("title")
            for inner in panel.get("panels", []):  # a collapsed row holds its panels
                walk(inner, None, row)
        else:
            walk(panel, None, row)
    return out


def _namespace_metadata(repo):
    """{cluster: {namespace: metadata}}: what Argo CD's CreateNamespace gives
    each Application's namespace (managedNamespaceMetadata)."""
    out = {}
    for cluster, app in fleet_objects.applications(repo):
        spec = app["spec"]
        meta = (spec.get("syncPolicy") or {}).get("managedNamespaceMetadata")
        if meta:
            out.setdefault(cluster["name"], {})[spec["destination"]["namespace"]] = meta
    return out


def check_label_contract(repo, facts, objs_by_cluster, problems):
    contract = read_contract(repo)
    if contract is None:
        if any(f.get("agentScenario", "none") != "none" for f in facts):
            problems.append("label contract: README.md has no '## Label contract' section")
        return 0
    label = (yaml.safe_load(open(os.path.join(repo, "lgtm.yaml"))).get("telemetry") or {}).get("clusterLabel",
                                                                                                "cluster")
    central = next(f["name"] for f in facts if f["role"] == "central")
    namespace_metadata = _namespace_metadata(repo)
    loki_index, promoted, dims, service_name = backend_settings(objs_by_cluster[central])
    checked = 0
    derived = {}
    for f in facts:
        if f.get("agentScenario", "none") == "none":
            continue
        name, objs = f["name"], objs_by_cluster[f["name"]]
        workloads = _workloads(objs)
        series = Series()
        _prometheus_metrics(objs, workloads, f, series)
        _alloy_metrics(objs, workloads, series)
        _otel_metrics(objs, promoted, series)
        traces = trace_pipelines(objs, namespace_metadata.get(name, {}))
        for source, attrs in traces:
            for metric, base in SPAN_METRICS.items():
                series.add(metric, base | {label_name(d) for d in dims if d in attrs}, source=source)
        logs = log_pipelines(objs, loki_index, service_name)
        derived[name] = (series, traces, logs)
        where = f"{name} ({f['agentScenario']})"

        # Every series, stream and span meets the contract.
        every_metric = contract.get("every metric", set())
        for metric, sources in series.metrics.items():
            for labels, scope, source in sources:
                checked += 1
                missing = every_metric - labels
                if missing:
                    problems.append(f"label contract: {where}: {metric} from {source} lacks {sorted(missing)}")
                need = SCOPE_LABELS.get(scope, set()) & contract.get(f"metrics of a {scope}", set())
                if need - labels:
                    problems.append(f"label contract: {where}: {metric} (one series per {scope}, from {source}) "
                                    f"lacks {sorted(need - labels)}: the series of different {scope}s collapse")
        for kind, source, labels in logs:
            checked += 1
            need = contract.get(kind, set())
            if need - labels:
                problems.append(f"label contract: {where}: {kind} from {source} lack stream labels "
                                f"{sorted(need - labels)} (they have {sorted(labels)})")
        if not traces:
            problems.append(f"label contract: {where}: no pipeline sends traces to Tempo")
        for source, attrs in traces:
            checked += 1
            need = contract.get("traces (resource attributes)", set())
            if need - attrs:
                problems.append(f"label contract: {where}: traces from {source} lack resource attributes "
                                f"{sorted(need - attrs)}")

    checked += _check_queries(repo, facts, label, derived, problems)
    return checked


def _applies(artifact, f, row=None):
    """The clusters a catalog dashboard (or its row) or rule reads:
    lgtm-health the central cluster's tenant but for its Agents row (every
    cluster's), an app's dashboard the clusters running the app, everything
    else every cluster with agents."""
    if f.get("agentScenario", "none") == "none":
        return False
    if artifact == "lgtm-health" and row != "Agents":
        return f["role"] == "central"
    fact = "app" + "".join(p.capitalize() for p in artifact.split("-"))
    if fact in f:
        return f[fact] == "true"
    return True


def _check_refs(what, where, alternatives, series, problems):
    """alternatives: the operands of an expression's top-level `or`, each a
    list of (metric, labels); the expression has data when one operand's
    metrics all exist with their labels."""
    found = []
    for refs in alternatives:
        missing = []
        for metric, labels in refs:
            if metric is None:
                continue
            if metric not in series.metrics:
                missing.append(f"{where} delivers no {metric}")
            elif not series.has(metric, labels):
                best = max((have for have, _, _ in series.metrics[metric]), key=lambda have: len(labels & have))
                missing.append(f"{metric} on {where} has no label {sorted(labels - best)}")
        if not missing:
            return
        found.append(missing)
    for problem in found[0] if len(found) == 1 else [" / ".join(m[0] for m in found) + " (no alternative of or)"]:
        problems.append(f"label contract: {what}: {problem}")


def _check_queries(repo, facts, label, derived, problems):
    checked = 0
    for path in sorted(glob.glob(os.path.join(repo, "dashboards", "*", "*.json"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name not in CATALOG_DASHBOARDS:
            continue
        queries = _dashboard_queries(path)
        for f in facts:
            if f["name"] not in derived:
                continue
            series, traces, logs = derived[f["name"]]
            where = f"{f['name']} ({f['agentScenario']})"
            stream_labels = set.intersection(*[l for k, _, l in logs if k == "pod logs"]) if logs else set()
            span_attrs = set.intersection(*[a for _, a in traces]) if traces else set()
            for kind, q, row in queries:
                if not _applies(name, f, row):
                    continue
                checked += 1
                if kind == "loki":
                    missing = query_refs.logql_stream_labels(q) - stream_labels
                    if missing:
                        problems.append(f"label contract: dashboard {name}: pod logs on {where} have no stream "
                                        f"label {sorted(missing)} ({q})")
                elif kind == "tempo":
                    missing = query_refs.traceql_resource_attributes(q) - span_attrs
                    if missing:
                        problems.append(f"label contract: dashboard {name}: spans on {where} have no resource "
                                        f"attribute {sorted(missing)} ({q})")
                else:
                    _check_refs(f"dashboard {name}", where, query_refs.grafana_alternatives(q), series, problems)
    for path in sorted(glob.glob(os.path.join(repo, "alerts", "*.yaml"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name not in CATALOG_RULES:
            continue
        rule = yaml.safe_load(open(path))
        for group in rule.get("spec", {}).get("groups", []):
            for r in group.get("rules", []):
                for f in facts:
                    if f["name"] in derived and _applies(name, f):
                        checked += 1
                        _check_refs(f"rule {r.get('alert') or r.get('record')}", f"{f['name']} ({f['agentScenario']})",
                                    query_refs.promql_alternatives(r["expr"]), derived[f["name"]][0], problems)
    checked += _check_datasource_links(repo, facts, derived, problems)
    checked += _check_rule_tests(repo, facts, label, derived, problems)
    return checked


def _check_datasource_links(repo, facts, derived, problems):
    """Tempo's traces-to-logs tags: each span attribute exists on the
    tenant's spans and each Loki label on its pod logs; traces-to-metrics
    tags: each label exists on the span metrics."""
    checked = 0
    by_tenant = {}
    for f in facts:
        if f["name"] in derived:
            by_tenant.setdefault(f.get("tenantSlug", f["tenant"]), []).append(f)
    for slug, members in sorted(by_tenant.items()):
        path = os.path.join(repo, "tenants", slug, "datasources.yaml")
        if not os.path.exists(path):
            continue
        for ds in yaml.safe_load(open(path)).get("datasources", []):
            if ds.get("type") != "tempo":
                continue
            jd = ds.get("jsonData", {})
            for f in members:
                series, traces, logs = derived[f["name"]]
                where = f"{f['name']} ({f['agentScenario']})"
                span_attrs = set.intersection(*[a for _, a in traces]) if traces else set()
                for tag in (jd.get("tracesToLogsV2") or {}).get("tags", []):
                    checked += 1
                    if tag["key"] not in span_attrs:
                        problems.append(f"label contract: {ds['name']} traces→logs: spans on {where} have no "
                                        f"{tag['key']}")
                    target = tag.get("value") or tag["key"]
                    for kind, source, labels in logs:
                        if kind in ("pod logs", "application logs") and target not in labels:
                            problems.append(f"label contract: {ds['name']} traces→logs: {kind} from {source} on "
                                            f"{where} have no stream label {target}")
                for tag in (jd.get("tracesToMetrics") or {}).get("tags", []):
                    checked += 1
                    target = tag.get("value") or tag["key"]
                    if not series.has("traces_spanmetrics_calls_total", {target}):
                        problems.append(f"label contract: {ds['name']} traces→metrics: span metrics on {where} have "
                                        f"no label {target}")
    return checked


_SERIES = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)\{(.*)\}\s*$")


def _check_rule_tests(repo, facts, label, derived, problems):
    """Every catalog rule group has promtool tests (alerts/tests/) with a
    case for each agent scenario in use, and each case's input series has
    the labels that scenario's agents really deliver for that metric."""
    checked = 0
    scenario_of = {f["name"]: f.get("agentScenario") for f in facts}
    in_use = {scenario_of[n] for n in derived}
    for path in sorted(glob.glob(os.path.join(repo, "alerts", "*.yaml"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name not in CATALOG_RULES:
            continue
        test_path = os.path.join(repo, "alerts", "tests", name + ".test.yaml")
        if not os.path.exists(test_path):
            problems.append(f"label contract: rule group {name} has no unit tests (alerts/tests/{name}.test.yaml)")
            continue
        covered = set()
        for case in yaml.safe_load(open(test_path)).get("tests") or []:
            for item in case.get("input_series") or []:
                checked += 1
                m = _SERIES.match(item["series"])
                labels = dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="([^"]*)"', m.group(2))) if m else {}
                cluster = labels.get(label)
                if cluster not in derived:
                    problems.append(f"label contract: {test_path}: {item['series']} names no cluster with agents")
                    continue
                covered.add(scenario_of[cluster])
                if not derived[cluster][0].has(m.group(1), set(labels)):
                    problems.append(f"label contract: {test_path} ({case.get('name')}): {m.group(1)} with labels "
                                    f"{sorted(labels)} is not what {cluster} ({scenario_of[cluster]}) delivers")
        for scenario in sorted(in_use - covered):
            problems.append(f"label contract: alerts/tests/{name}.test.yaml has no case for scenario {scenario}")
    return checked
