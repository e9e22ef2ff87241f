"""What reaches Loki and Tempo from one cluster: every log pipeline's stream
labels (Alloy's relabel rules and loki.write labels, Vector's and Fluent
Bit's Loki sink labels, and for OTLP logs the resource attributes the
pipeline sets that Loki indexes), every trace pipeline's resource attributes
(k8sattributes only where the receiver sees its clients' pod IPs through the
mesh), and what the back ends do with them (Loki's indexed OTLP attributes,
Mimir's promoted ones, Tempo's span-metrics dimensions).
"""
import re

import yaml

import alloy_config as alloy
from derive_metrics import WORKLOAD_KINDS, alloy_relabel_labels, collectors, pipeline_resource_attributes, \
    set_attribute
from upstream_facts import CONTAINER_PARSER_ATTRIBUTES, LOKI_OTLP_DEFAULT_INDEX, label_name

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
                    set_attribute(attrs, m.group(1), value)
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


def trace_pipelines(objs, ns_meta):
    """[(source, resource attributes)] of every pipeline sending traces to
    Tempo. ns_meta: namespace -> the metadata Argo CD gives it. A pipeline
    whose k8sattributes may fall back to the connection (no SDK sets
    k8s.pod.ip or k8s.pod.uid by default) gets none of its attributes when a
    sidecar hides the clients' addresses."""
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
                for block in [b, *b.descendants()]:
                    ports |= _ports(alloy.strings(block.attrs.get("endpoint")))
        sources = [alloy.string(src.attrs.get("from")) for b in blocks if b.name == "otelcol.processor.k8sattributes"
                   for pa in b.children("pod_association") for src in pa.children("source")]
        for w in workloads:
            tpl = w.get("spec", {}).get("template", {}).get("metadata", {})
            if w["metadata"]["namespace"] != ns or (tpl.get("labels") or {}).get("app.kubernetes.io/instance") != name:
                continue
            if "connection" in sources and not _sidecar_keeps_source(
                    ns_meta.get(ns, {}), tpl.get("annotations") or {}, tpl.get("labels") or {}, ports):
                attrs = _alloy_resource_attributes([b for b in blocks if b.name != "otelcol.processor.k8sattributes"],
                                                   "trace_statements")
        out.append((f"Alloy {name}", attrs))
    for cr, config in collectors(objs):
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
            if "connection" in sources and not _sidecar_keeps_source(
                    ns_meta.get(ns, {}), spec.get("podAnnotations") or {}, spec.get("podLabels") or {}, ports):
                pipeline = dict(pipeline, processors=[n for n in procs
                                                      if n.split("/")[0] not in ("k8s_attributes", "k8sattributes")])
            attrs = pipeline_resource_attributes(config, pipeline, {"service.name"})
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
                labels |= alloy_relabel_labels(comps, ref)[0]
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
    for cr, config in collectors(objs):
        for pname, pipeline in (config.get("service", {}).get("pipelines") or {}).items():
            if not pname.startswith("logs") or not any("loki" in e for e in pipeline.get("exporters", [])):
                continue
            files = any(r.split("/")[0] in ("file_log", "filelog") for r in pipeline.get("receivers", []))
            resource = pipeline_resource_attributes(config, pipeline,
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
