#!/usr/bin/env python3
"""Checks over what Argo CD would deploy (fleet_objects.py) that
validate-repo cannot know, for one rendered repository:

* addresses: every in-cluster Service address a rendered object names
  (`svc.ns.svc.cluster.local:port`, as agents, Grafana and the back ends write
  them) exists on the cluster that resolves it, with that port, speaking the
  protocol the address implies (a scheme-less host:port is a gRPC client:
  the port must be gRPC; an http(s):// URL must not go to a gRPC port). Per
  mesh: the local Service; a Linkerd mirror `svc-<central>` needs central's
  Service, exported; an Istio or ClusterMesh name that does not exist
  locally needs central's Service (and a local stand-in, when there is one,
  has the same port). With mesh none, `<central node>:<nodePort>` needs a
  NodePort Service on central with that node port; the central node is
  `<central>-control-plane` on kind, the profile `<central>` on minikube; on
  an existing central cluster `<backends.ingest.host>:<port>` needs a
  LoadBalancer Service there with that port.
* monitors: every ServiceMonitor selects a Service (rendered, or one the
  platform or an operator makes, PLATFORM_SERVICES) whose ports include each
  endpoint's port name; every PodMonitor selects a pod template whose
  containers have each endpoint's port name.
* drift: every field that differs between two renders (generated
  certificates, passwords) or that a controller rewrites (RUNTIME_PATCHES) is
  ignored by its Application, and respected (RespectIgnoreDifferences); such
  an object is not a hook (Argo CD re-creates hooks on every sync); no
  Application ignores the data of every Secret.
* scrape targets: no ServiceMonitor scrapes a control-plane component kubeadm
  (kind, minikube) binds to 127.0.0.1.
* label contract (label_contract.py): what each cluster's agents deliver,
  derived from their rendered configuration, meets the README's label
  contract, and every catalog dashboard query, alert rule and datasource
  link finds its metrics and labels in every cluster it applies to.
* agents' RBAC (agent_rbac.py): each Alloy release and collector
  ServiceAccount is granted exactly the read access its configuration uses.
* outage budget (outage_budget.py): every sender to the central cluster
  retries through a 30-minute central outage before discarding anything.
* mesh tracing (mesh_tracing.py): the receiver a cluster's Linkerd or
  Istio proxies send spans to exists there, speaks OTLP gRPC and, for
  Linkerd, has the mesh identity the proxies verify.
* Secret references (secret_refs.py): every Secret a pod cannot start
  without is rendered, issued by cert-manager, made by the bootstrap or by a
  known controller.
* tenant boundary (tenant_boundary.py): every central Service a remote
  cluster reaches (node port, load balancer, Linkerd export, global service,
  Istio east-west passthrough) authenticates the caller and fixes the tenant
  from the credentials, passing only write APIs.

Usage: check_fleet.py REPO --chart-src DIR --helm-lite PATH
Exit 1 with one line per problem.
"""
import argparse
import glob
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_objects  # noqa: E402
from agent_rbac import check_agent_rbac  # noqa: E402
from label_contract import check_label_contract  # noqa: E402
from mesh_tracing import check_mesh_tracing  # noqa: E402
from operator_objects import PLATFORM_SERVICES, collector_services, platform_service  # noqa: E402
from outage_budget import check_outage_budget  # noqa: E402
from secret_refs import check_secret_refs  # noqa: E402
from tenant_boundary import check_tenant_boundary  # noqa: E402

SERVICE_ADDRESS = re.compile(r"(https?://)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9-]+)\.svc(\.cluster\.local)?:(\d+)")

VERBOSE = False


def services(objs):
    """The Services of a cluster: rendered, made by an operator from a
    rendered custom resource, or made by the platform."""
    out = {(s["namespace"], s["name"]): platform_service(s) for s in PLATFORM_SERVICES}
    for o in objs:
        if o["kind"] == "OpenTelemetryCollector":
            for svc in collector_services(o):
                out[(svc["metadata"]["namespace"], svc["metadata"]["name"])] = dict(svc, _app=o["_app"])
    for o in objs:
        if o["kind"] == "Service":
            md = o["metadata"]
            out[(md["namespace"], md["name"])] = o
    return out


def port_of(service, number):
    for p in service.get("spec", {}).get("ports", []):
        if int(p["port"]) == number:
            return p
    return None


def speaks_grpc(port):
    return "grpc" in (port.get("name", "") + port.get("appProtocol", "")).lower()


def text_of(obj):
    return json.dumps({k: v for k, v in obj.items() if not k.startswith("_")})


def check_addresses(repo_facts, objs_by_cluster, problems):
    central = next(c for c in repo_facts if c["role"] == "central")["name"]
    central_services = services(objs_by_cluster.get(central, []))
    checked = 0
    for facts in repo_facts:
        cluster, mesh = facts["name"], facts.get("mesh", "none")
        objs = objs_by_cluster.get(cluster, [])
        local = services(objs)
        seen = set()
        for o in objs:
            for m in SERVICE_ADDRESS.finditer(text_of(o)):
                scheme, name, ns, port = m.group(1), m.group(2), m.group(4), int(m.group(6))
                key = (scheme is not None, name, ns, port)
                if key in seen:
                    continue
                seen.add(key)
                checked += 1
                where = f"{cluster}: {o['_app']} {o['kind']} {o['metadata'].get('name')} writes to {m.group(0)}"
                if VERBOSE:
                    print("address", where)
                target = local.get((ns, name))
                if target is None and mesh == "linkerd" and name.endswith("-" + central) and cluster != central:
                    exported = central_services.get((ns, name[:-len(central) - 1]))
                    if exported is None:
                        problems.append(f"{where}: the Linkerd mirror of a Service central ({central}) does not have")
                        continue
                    if exported["metadata"].get("labels", {}).get("mirror.linkerd.io/exported") != "true":
                        problems.append(f"{where}: central's Service {ns}/{exported['metadata']['name']} is not "
                                        f"exported (label mirror.linkerd.io/exported)")
                        continue
                    target = exported
                elif mesh in ("istio", "cilium-clustermesh") and cluster != central:
                    remote_target = central_services.get((ns, name))
                    if remote_target is not None:
                        if target is not None and port_of(target, port) is None:
                            problems.append(f"{where}: the local stand-in {ns}/{name} has no port {port}")
                            continue
                        target = remote_target if target is None or not target["spec"].get("selector") else target
                if target is None:
                    problems.append(f"{where}: no Service {ns}/{name} on {cluster}"
                                    + (f" nor on central ({central})" if mesh != "none" else ""))
                    continue
                p = port_of(target, port)
                if p is None:
                    ports = ", ".join(str(x["port"]) for x in target["spec"].get("ports", []))
                    problems.append(f"{where}: Service {ns}/{name} has no port {port} (ports {ports})")
                elif scheme and speaks_grpc(p):
                    problems.append(f"{where}: an HTTP URL to gRPC port {p.get('name')} of {ns}/{name}")
                elif not scheme and not speaks_grpc(p) and looks_like_grpc_client(o, m.group(0)):
                    problems.append(f"{where}: a gRPC client of port {p.get('name')} of {ns}/{name}, not gRPC")
    return checked


GRPC_EXPORTERS = ("otelcol.exporter.otlp ", '\\"otlp\\"', '"otlp"', '"otlp/', '"otlp_grpc')
HTTP_EXPORTERS = ("otelcol.exporter.otlphttp", '"otlphttp', '"otlp_http')


def looks_like_grpc_client(obj, address):
    """A scheme-less address is a gRPC client's when the nearest exporter
    before it is an OTLP gRPC one (OTel Collector's otlp, otlp/NAME,
    otlp_grpc; Alloy's otelcol.exporter.otlp), not OTLP HTTP."""
    text = text_of(obj)
    for m in re.finditer(re.escape(address), text):
        window = text[max(0, m.start() - 400):m.start()]
        nearest = max(((window.rfind(k), k) for k in GRPC_EXPORTERS + HTTP_EXPORTERS), default=(-1, ""))
        if nearest[0] >= 0 and nearest[1] in GRPC_EXPORTERS:
            return True
    return False


def providers_of(repo):
    """cluster -> its provider (clusters[].provider, else platform.provider),
    from the spec copy the repository keeps (lgtm.yaml)."""
    with open(os.path.join(repo, "lgtm.yaml")) as f:
        spec = yaml.safe_load(f) or {}
    default = (spec.get("platform") or {}).get("provider", "kind")
    return {c["name"]: c.get("provider", default) for c in spec.get("clusters") or []}


# How other clusters reach a cluster's node, per provider (kind's and
# minikube's documented container names), and its API server's port.
NODE_HOSTS = {"kind": ("{}-control-plane", 6443), "minikube": ("{}", 8443)}


def node_port_addresses(repo, repo_facts, objs_by_cluster, problems):
    """Every `<central node>:<port>` a rendered object writes to is a node
    port of a NodePort Service on central; on an existing central cluster,
    every `<backends.ingest.host>:<port>` is a port of a LoadBalancer
    Service there."""
    central = next(c for c in repo_facts if c["role"] == "central")["name"]
    provider = providers_of(repo)[central]
    central_services = services(objs_by_cluster.get(central, [])).values()
    if provider in NODE_HOSTS:
        host, api_port = NODE_HOSTS[provider]
        host, kind, field = host.format(central), "NodePort", "nodePort"
    else:
        with open(os.path.join(repo, "lgtm.yaml")) as f:
            host = (((yaml.safe_load(f) or {}).get("backends") or {}).get("ingest") or {}).get("host")
        if not host:
            return 0  # no name lgtmgen knows: remote agents reach central over a mesh
        api_port, kind, field = None, "LoadBalancer", "port"
    ports = {int(p[field]) for s in central_services if s["spec"].get("type") == kind
             for p in s["spec"].get("ports", []) if field in p}
    address = re.compile(r"(?<![\w.-])(https?://)?" + re.escape(host) + r":(\d+)")
    checked = 0
    for cluster, objs in objs_by_cluster.items():
        for o in objs:
            for m in address.finditer(text_of(o)):
                port = int(m.group(2))
                if port == api_port:
                    continue  # the API server (Argo CD, mesh links)
                checked += 1
                if port not in ports:
                    problems.append(f"{cluster}: {o['_app']} {o['kind']} {o['metadata'].get('name')} writes to "
                                    f"{m.group(0)}: no {kind} Service on {central} has {field} {port}")
    return checked


def check_monitors(objs_by_cluster, problems):
    checked = 0
    for cluster, objs in objs_by_cluster.items():
        svcs = list(services(objs).values())
        pods = [(o["metadata"]["namespace"], o["spec"]["template"]) for o in objs
                if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet") and "template" in o.get("spec", {})]
        for o in objs:
            if o["kind"] not in ("ServiceMonitor", "PodMonitor"):
                continue
            checked += 1
            md, spec = o["metadata"], o.get("spec", {})
            nss = spec.get("namespaceSelector", {})
            in_ns = (lambda ns: True) if nss.get("any") else \
                (lambda ns, names=nss.get("matchNames") or [md["namespace"]]: ns in names)
            what = f"{cluster}: {o['_app']} {o['kind']} {md['namespace']}/{md['name']}"
            if o["kind"] == "ServiceMonitor":
                chosen = [s for s in svcs if in_ns(s["metadata"]["namespace"])
                          and fleet_objects.selects(spec.get("selector"), s["metadata"].get("labels", {}))]
                if not chosen:
                    problems.append(f"{what}: selects no Service")
                    continue
                names = {p.get("name") for s in chosen for p in s["spec"].get("ports", [])}
                for e in spec.get("endpoints", []):
                    if "port" in e and e["port"] not in names:
                        problems.append(f"{what}: no selected Service has a port named {e['port']} "
                                        f"(ports: {', '.join(sorted(n for n in names if n))})")
            else:
                chosen = [t for ns, t in pods if in_ns(ns)
                          and fleet_objects.selects(spec.get("selector"), t.get("metadata", {}).get("labels", {}))]
                if not chosen:
                    problems.append(f"{what}: selects no pod")
                    continue
                names = {p.get("name") for t in chosen for c in t["spec"].get("containers", [])
                         for p in c.get("ports", [])}
                for e in spec.get("podMetricsEndpoints", []):
                    if "port" in e and e["port"] not in names:
                        problems.append(f"{what}: no selected pod has a container port named {e['port']}")
    return checked


# Control-plane pods kubeadm (and so kind) binds to 127.0.0.1 unless the kind
# config passes another bind address: a ServiceMonitor on them scrapes
# nothing and keeps an InstanceDown alert firing.
LOOPBACK_ONLY = {"component": ["kube-controller-manager", "kube-scheduler", "etcd"], "k8s-app": ["kube-proxy"]}


def check_loopback_targets(repo, objs_by_cluster, problems):
    checked = 0
    providers = providers_of(repo)
    for cluster, objs in objs_by_cluster.items():
        # Where the bootstrap could pass kubeadm another bind address: kind's
        # config, minikube's --extra-config flags in step 00.
        provider = providers.get(cluster)
        config = (os.path.join(repo, "bootstrap", "kind", cluster + ".yaml") if provider == "kind" else
                  os.path.join(repo, "bootstrap", "00-create-clusters.sh") if provider == "minikube" else "")
        if not os.path.exists(config):
            continue
        rebound = "bind-address" in open(config).read()
        monitors = [o for o in objs if o["kind"] == "ServiceMonitor"]
        for svc in services(objs).values():
            selector = svc.get("spec", {}).get("selector") or {}
            if not any(selector.get(k) in v for k, v in LOOPBACK_ONLY.items()):
                continue
            for m in monitors:
                nss = m["spec"].get("namespaceSelector", {})
                in_ns = nss.get("any") or svc["metadata"]["namespace"] in (nss.get("matchNames")
                                                                          or [m["metadata"]["namespace"]])
                if in_ns and fleet_objects.selects(m["spec"].get("selector"), svc["metadata"].get("labels", {})):
                    checked += 1
                    if not rebound:
                        problems.append(f"{cluster}: {m['_app']} ServiceMonitor {m['metadata']['name']} scrapes "
                                        f"{svc['metadata']['namespace']}/{svc['metadata']['name']}, whose pods "
                                        f"kubeadm binds to 127.0.0.1 ({os.path.relpath(config, repo)} sets no bind "
                                        f"address)")
    return checked


# Fields a controller rewrites after Argo CD applies them: (chart, kind) ->
# paths. istiod sets its validating webhooks' caBundle and flips their
# failurePolicy from Ignore to Fail once it serves (also base's default
# validator).
RUNTIME_PATCHES = {("base", "ValidatingWebhookConfiguration"): [".webhooks[].failurePolicy",
                                                                ".webhooks[].clientConfig.caBundle"],
                   ("istiod", "ValidatingWebhookConfiguration"): [".webhooks[].failurePolicy",
                                                                  ".webhooks[].clientConfig.caBundle"]}


def differing_paths(a, b, path=()):
    """The leaf paths where two renders of one object differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if not str(k).startswith("_"):
                out += differing_paths(a.get(k), b.get(k), path + (k,))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in differing_paths(x, y, path + (i,))]
    return [] if a == b else [path]


def jq_form(path):
    """.a.b[].c, with a key that is not an identifier as ["key"]."""
    return "".join("[]" if isinstance(t, int) else "." + t if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(t))
                   else f'["{t}"]' for t in path)


def pointer_form(path):
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in path)


def ignored(entries, obj, path):
    """Whether an ignoreDifferences entry of obj's Application covers path
    (a tuple of keys) or, given as a string, a jq form."""
    api = obj.get("apiVersion", "")
    group = api.split("/")[0] if "/" in api else ""
    jq = path if isinstance(path, str) else jq_form(path)
    pointer = None if isinstance(path, str) else pointer_form(path)
    for e in entries:
        if e.get("kind") != obj["kind"] or e.get("group", "") != group:
            continue
        if e.get("name") and e["name"] != obj["metadata"].get("name"):
            continue
        if e.get("namespace") and e["namespace"] != obj["metadata"].get("namespace"):
            continue
        for expr in e.get("jqPathExpressions", []):
            expr = expr.replace("?", "")
            if jq == expr or jq.startswith(expr + ".") or jq.startswith(expr + "["):
                return True
        for p in e.get("jsonPointers", []):
            if pointer is not None and (pointer == p or pointer.startswith(p.rstrip("/") + "/")):
                return True
    return False


def check_drift(repo, objs_by_cluster, problems):
    """What differs from one render to the next, and what a controller
    rewrites, is ignored by its Application, and kept as it is live
    (RespectIgnoreDifferences), else each sync rotates it; a hook is
    re-created on every sync, so ignoring it keeps nothing; no Application
    ignores the data of every Secret (that hides real drift)."""
    apps = {app["metadata"]["name"]: app["spec"] for _, app in fleet_objects.applications(repo)}
    checked = 0
    for name, spec in apps.items():
        for e in spec.get("ignoreDifferences", []):
            if e.get("kind") == "Secret" and not e.get("name"):
                problems.append(f"{name}: ignores the data of every Secret; name the generated ones")
    for cluster, objs in objs_by_cluster.items():
        for o in objs:
            if o.get("_app") == fleet_objects.BOOTSTRAP_CILIUM:
                continue  # installed by the bootstrap's helm, never synced by Argo CD
            spec = apps.get(o.get("_app"), {})
            entries = spec.get("ignoreDifferences", [])
            respects = "RespectIgnoreDifferences=true" in spec.get("syncPolicy", {}).get("syncOptions", [])
            what = f"{cluster}: {o['_app']} {o['kind']} {o['metadata'].get('name')}"
            paths = differing_paths(o, o["_again"]) if "_again" in o else []
            if paths and "helm.sh/hook" in o["metadata"].get("annotations", {}):
                problems.append(f"{what} is generated anew on every render and is a Helm hook: Argo CD "
                                f"re-creates it on every sync")
                continue
            paths += RUNTIME_PATCHES.get((o.get("_source"), o["kind"]), [])
            for path in paths:
                checked += 1
                shown = path if isinstance(path, str) else jq_form(path)
                if not ignored(entries, o, path):
                    problems.append(f"{what}: {shown} changes on every render or is rewritten live, and the "
                                    f"Application does not ignore it (permanent drift)")
                elif not respects:
                    problems.append(f"{what}: {shown} is ignored but not respected (RespectIgnoreDifferences): "
                                    f"every sync replaces it")
    return checked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--chart-src", required=True)
    ap.add_argument("--helm-lite", required=True)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every address checked")
    args = ap.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    objs = fleet_objects.objects(args.repo, args.chart_src, args.helm_lite)
    facts = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(args.repo, "clusters", "*", "cluster.json")))]
    problems = []
    counts = {"addresses": check_addresses(facts, objs, problems),
              "ingest ports": node_port_addresses(args.repo, facts, objs, problems),
              "monitors": check_monitors(objs, problems),
              "reachable central Services": check_tenant_boundary(facts, objs, problems),
              "control-plane targets": check_loopback_targets(args.repo, objs, problems),
              "generated or live-patched fields": check_drift(args.repo, objs, problems),
              "label-contract facts": check_label_contract(args.repo, facts, objs, problems),
              "agents' RBAC": check_agent_rbac(objs, problems),
              "senders' outage budgets": check_outage_budget(objs, problems),
              "Secret references": check_secret_refs(args.repo, objs, problems),
              "mesh tracing configurations": check_mesh_tracing(objs, services, problems)}
    for p in problems:
        print("FAIL", p)
    total = sum(len(v) for v in objs.values())
    print(f"{args.repo}: {total} objects on {len(objs)} clusters; checked "
          + ", ".join(f"{n} {k}" for k, n in counts.items()) + f"; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
