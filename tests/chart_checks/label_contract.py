"""The label contract, checked against what each cluster's agents really
send (derive_metrics.py, derive_signals.py): every series, stream and span
meets the contract the generated README states (its "Label contract"
table); every query of every catalog dashboard and alert rule, and every
datasource link, finds its metric and labels in every cluster it applies to;
every catalog rule's unit tests use the label shapes each scenario delivers;
Kubernetes events are sent once, log lines are the containers' lines, and
OTLP metrics get one name whichever path they take.
"""
import glob
import json
import os
import re

import yaml

import alloy_config as alloy
import fleet_objects
import query_refs
from derive_metrics import WORKLOAD_KINDS, Series, alloy_metrics, otel_metrics, pod_templates, prometheus_metrics
from derive_signals import backend_settings, log_pipelines, trace_pipelines
from upstream_facts import SCOPE_LABELS, SPAN_METRICS, label_name

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG_DASHBOARDS = {os.path.splitext(os.path.basename(p))[0]
                      for p in glob.glob(os.path.join(HERE, "..", "..", "templates", "dashboards", "*.json"))}
CATALOG_RULES = {os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(HERE, "..", "..", "templates", "alerting", "rules", "*.yaml"))}


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


def _check_log_lines(objs, where, problems):
    """The line a shipper sends is the container's log line, not the
    enriched event (pod labels, annotations, node metadata in every line)."""
    checked = 0
    for o in objs:
        data = (o.get("data") or {}) if o.get("kind") == "ConfigMap" else {}
        if "vector.yaml" in data:
            for name, sink in ((yaml.safe_load(data["vector.yaml"]) or {}).get("sinks") or {}).items():
                if sink.get("type") == "loki":
                    checked += 1
                    codec = (sink.get("encoding") or {}).get("codec")
                    if codec not in ("text", "raw_message"):
                        problems.append(f"label contract: {where}: Vector sink {name} sends each event as {codec}, "
                                        f"not the log line (encoding.codec: text)")
        for key, text in data.items():
            if not (key.endswith(".conf") and "[OUTPUT]" in text):
                continue
            for section in re.split(r"^\s*\[", text, flags=re.M):
                if section.startswith("OUTPUT]") and re.search(r"^\s*Name\s+loki\s*$", section, re.M | re.I):
                    checked += 1
                    m = re.search(r"^\s*Drop_Single_Key\s+(\S+)", section, re.M)
                    if not m or m.group(1).lower() not in ("raw", "on", "true"):
                        problems.append(f"label contract: {where}: Fluent Bit's Loki output sends each record as "
                                        f"JSON, not the log line (Drop_Single_Key raw)")
    return checked


def _check_otlp_metric_names(objs_by_cluster, central, problems):
    """OTLP metrics get one name whichever path they take: Alloy's
    otelcol.exporter.prometheus adds Prometheus suffixes (_total, units)
    unless told not to, so Mimir's OTLP endpoint must add them too."""
    suffixes = None
    for o in objs_by_cluster[central]:
        if o.get("kind") == "ConfigMap" and o["metadata"]["name"] == "mimir-config":
            limits = yaml.safe_load(o["data"]["mimir.yaml"]).get("limits") or {}
            suffixes = bool(limits.get("otel_metric_suffixes_enabled", False))
    alloy_paths, direct = set(), False
    for objs in objs_by_cluster.values():
        for o in objs:
            text = (o.get("data") or {}).get("config.alloy") if o.get("kind") == "ConfigMap" else None
            for b in alloy.parse(text) if text else []:
                if b.name == "otelcol.exporter.prometheus":
                    alloy_paths.add(b.attrs.get("add_metric_suffixes", "true").strip() != "false")
            if o.get("kind") == "OpenTelemetryCollector":
                direct |= any("mimir" in e for e in (o.get("spec", {}).get("config", {}).get("exporters") or {}))
    for alloy_suffixes in sorted(alloy_paths):
        if suffixes is not None and direct and alloy_suffixes != suffixes:
            problems.append("label contract: OTLP metric names differ by path: Alloy's otelcol.exporter.prometheus "
                            f"{'adds' if alloy_suffixes else 'omits'} Prometheus suffixes, Mimir's OTLP endpoint "
                            f"{'adds' if suffixes else 'omits'} them (limits.otel_metric_suffixes_enabled)")
    return 1


def _check_events_once(objs, where, problems):
    """Kubernetes events are read by one replica: every Alloy replica
    running loki.source.kubernetes_events sends each event again (it has no
    clustering)."""
    checked = 0
    for cm in objs:
        text = (cm.get("data") or {}).get("config.alloy") if cm.get("kind") == "ConfigMap" else None
        if not text or "loki.source.kubernetes_events" not in text:
            continue
        ns, name = cm["metadata"]["namespace"], cm["metadata"]["name"]
        for w in objs:
            tpl = (w.get("spec", {}).get("template", {}).get("metadata", {}).get("labels") or {})
            if w.get("kind") not in WORKLOAD_KINDS or w["metadata"]["namespace"] != ns \
                    or tpl.get("app.kubernetes.io/instance") != name:
                continue
            checked += 1
            replicas = w.get("spec", {}).get("replicas", 1)
            if w["kind"] == "DaemonSet" or replicas != 1:
                problems.append(f"label contract: {where}: {w['kind']} {ns}/{w['metadata']['name']} reads Kubernetes "
                                f"events in {'every node' if w['kind'] == 'DaemonSet' else f'{replicas} replicas'}: "
                                f"each event is sent more than once")
    return checked


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
    checked = _check_otlp_metric_names(objs_by_cluster, central, problems)
    derived = {}
    for f in facts:
        if f.get("agentScenario", "none") == "none":
            continue
        name, objs = f["name"], objs_by_cluster[f["name"]]
        pods = pod_templates(objs)
        series = Series()
        prometheus_metrics(objs, pods, f, series)
        alloy_metrics(objs, pods, series)
        otel_metrics(objs, promoted, series)
        traces = trace_pipelines(objs, namespace_metadata.get(name, {}))
        for source, attrs in traces:
            for metric, base in SPAN_METRICS.items():
                series.add(metric, base | {label_name(d) for d in dims if d in attrs}, source=source)
        logs = log_pipelines(objs, loki_index, service_name)
        derived[name] = (series, traces, logs)
        where = f"{name} ({f['agentScenario']})"
        checked += _check_events_once(objs, where, problems)
        checked += _check_log_lines(objs, where, problems)

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
    cluster's), an app's dashboard the clusters running the app, a mesh's
    dashboard the clusters in that mesh, hubble the clusters with the
    bootstrap's Cilium, everything else every cluster with agents."""
    if f.get("agentScenario", "none") == "none":
        return False
    if artifact in ("istio-mesh", "linkerd-mesh"):  # the clusters in that mesh
        return f.get("mesh") == artifact.split("-")[0] and f["role"] != "control"
    if artifact == "hubble":  # the clusters the bootstrap installs Cilium on
        return f.get("provider") in ("kind", "minikube")
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
    for ruler, name, r in _catalog_rules(repo):
        for f in facts:
            if f["name"] not in derived or not _applies(name, f):
                continue
            checked += 1
            where = f"{f['name']} ({f['agentScenario']})"
            what = f"rule {r.get('alert') or r.get('record')}"
            if ruler == "mimir":
                _check_refs(what, where, query_refs.promql_alternatives(r["expr"]), derived[f["name"]][0], problems)
                continue
            logs = derived[f["name"]][2]
            stream_labels = set.intersection(*[l for k, _, l in logs if k == "pod logs"]) if logs else set()
            missing = query_refs.logql_stream_labels(r["expr"]) - stream_labels
            if missing:
                problems.append(f"label contract: {what}: pod logs on {where} have no stream label "
                                f"{sorted(missing)} ({r['expr'].strip()})")
    checked += _check_datasource_links(repo, facts, derived, problems)
    checked += _check_rule_tests(repo, facts, label, derived, problems)
    return checked


def _catalog_rules(repo):
    """(ruler, group name, rule) of every catalog group in the rule files
    Mimir's and Loki's rulers load (alerts/<ruler>-rules/<set>.yaml)."""
    for ruler in ("mimir", "loki"):
        for path in sorted(glob.glob(os.path.join(repo, "alerts", ruler + "-rules", "*.yaml"))):
            for group in yaml.safe_load(open(path)).get("groups") or []:
                if group["name"] in CATALOG_RULES:
                    for r in group.get("rules", []):
                        yield ruler, group["name"], r


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
    """Every catalog PromQL rule group has promtool tests (alerts/tests/<rule
    set>/) with, over its rule sets, a case for each agent scenario in use,
    and each case's input series has the labels that scenario's agents
    really deliver for that metric."""
    checked = 0
    scenario_of = {f["name"]: f.get("agentScenario") for f in facts}
    in_use = {scenario_of[n] for n in derived}
    for name in sorted({name for ruler, name, _ in _catalog_rules(repo) if ruler == "mimir"}):
        test_paths = sorted(glob.glob(os.path.join(repo, "alerts", "tests", "*", name + ".test.yaml")))
        if not test_paths:
            problems.append(f"label contract: rule group {name} has no unit tests (alerts/tests/<set>/{name}.test.yaml)")
            continue
        covered = set()
        cases = [(p, c) for p in test_paths for c in yaml.safe_load(open(p)).get("tests") or []]
        for test_path, case in cases:
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
            problems.append(f"label contract: alerts/tests/*/{name}.test.yaml have no case for scenario {scenario}")
    return checked
