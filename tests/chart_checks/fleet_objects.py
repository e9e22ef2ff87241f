"""What Argo CD would deploy to each cluster of a rendered repository: the
ApplicationSets expanded over clusters/*/cluster.json (post-selectors and
{{.fact}} placeholders, as lgtmgen writes them), each Helm source rendered
with helm-lite from the pinned chart's source and the Application's values
files in order, each Kustomize source built with kubectl kustomize.

objects(repo, chart_src, helm_lite) -> {cluster: [Object]}; an Object is the
rendered manifest plus the Application it came from ("_app") and its source
("_source"). Charts the bootstrap installs before Argo CD (Cilium, with the
values bootstrap/00-create-clusters.sh passes) are rendered too, as the
Application BOOTSTRAP_CILIUM, which Argo CD never syncs. Pod templates of namespaces enrolled in an Istio (sidecar) or
Linkerd mesh carry the proxy container the injector adds ("_injected").
"""
import concurrent.futures
import glob
import json
import os
import re
import subprocess

import yaml

PLACEHOLDER = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")
CLUSTER_SCOPED = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "ClusterIssuer",
                  "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "PriorityClass",
                  "StorageClass", "GatewayClass", "IngressClass", "ValidatingAdmissionPolicy",
                  "ValidatingAdmissionPolicyBinding", "CiliumLoadBalancerIPPool", "CiliumL2AnnouncementPolicy",
                  "CiliumClusterwideNetworkPolicy", "PersistentVolume"}


class RenderError(Exception):
    pass


def selects(selector, labels):
    """A Kubernetes label selector (matchLabels, matchExpressions In, NotIn,
    Exists, DoesNotExist) against labels (or an ApplicationSet's
    post-selector against a cluster's facts)."""
    for k, v in (selector or {}).get("matchLabels", {}).items():
        if labels.get(k) != v:
            return False
    for e in (selector or {}).get("matchExpressions", []):
        value, op, values = labels.get(e["key"]), e["operator"], e.get("values", [])
        if op == "In" and value not in values or op == "NotIn" and value in values \
                or op == "Exists" and e["key"] not in labels or op == "DoesNotExist" and e["key"] in labels:
            return False
    return True


def fill(node, facts):
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda m: str(facts[m.group(1)]), node)
    if isinstance(node, list):
        return [fill(n, facts) for n in node]
    if isinstance(node, dict):
        return {k: fill(v, facts) for k, v in node.items()}
    return node


def applications(repo):
    """Every Application the repository's ApplicationSets generate, with the
    facts of its destination cluster."""
    facts = []
    for path in sorted(glob.glob(os.path.join(repo, "clusters", "*", "cluster.json"))):
        with open(path) as f:
            facts.append(json.load(f))
    out = []
    for path in sorted(glob.glob(os.path.join(repo, "argocd", "applicationsets", "*.yaml"))):
        with open(path) as f:
            appset = yaml.safe_load(f)
        generator = appset["spec"]["generators"][0]["git"]
        selector = appset["spec"]["generators"][0].get("selector")
        by_name = {c["name"]: c for c in facts}
        by_server = {c["server"]: c for c in facts}
        for cluster in facts:
            if selects(selector, cluster):
                app = fill(appset["spec"]["template"], cluster)
                dest = app["spec"]["destination"]
                target = by_name.get(dest.get("name")) or by_server.get(dest.get("server"))
                assert target is not None, f"{path}: destination {dest} is not a cluster of the fleet"
                out.append((target, app))  # objects land on the destination cluster
        assert generator["files"][0]["path"].endswith("clusters/*/cluster.json"), path
    return out


def chart_dir(chart_src, chart, version):
    """The pinned chart's source; else the highest of the same major version
    (as validate-repo does: mimir-distributed 6.2.0 is rendered with 6.1.0)."""
    exact = os.path.join(chart_src, f"{chart}-{version}")
    if os.path.isdir(exact):
        return exact
    major = version.lstrip("v").split(".")[0]
    candidates = [d for d in glob.glob(os.path.join(chart_src, f"{chart}-*"))
                  if re.fullmatch(re.escape(chart) + r"-v?" + major + r"\.[0-9.]+", os.path.basename(d))]
    if not candidates:
        raise RenderError(f"chart {chart} {version} is not in {chart_src}")
    return max(candidates, key=lambda d: [int(x) for x in re.findall(r"\d+", os.path.basename(d)[len(chart):])])


def kube_version(repo, cluster):
    path = os.path.join(repo, "bootstrap", "kind", cluster + ".yaml")
    if os.path.exists(path):
        m = re.search(r"kindest/node:v(\d+\.\d+)", open(path).read())
        if m:
            return m.group(1)
    return "1.32"


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML 1.1's `=` (value) key type is a plain string to Kubernetes."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def parse_stream(text, source):
    out = []
    for doc in yaml.load_all(text, Loader=Loader):
        if isinstance(doc, dict) and doc.get("kind"):
            if doc["kind"].endswith("List") and "items" in doc:
                out.extend(i for i in doc["items"] if isinstance(i, dict))
            else:
                out.append(doc)
    for o in out:
        o["_source"] = source
    return out


def render_helm(job):
    helm_lite, directory, release, ns, files, kube, api_versions = job
    cmd = [helm_lite, "template", release, directory, "--namespace", ns, "--include-crds", "--skip-tests",
           "--kube-version", kube, "-q"]
    for f in files:
        cmd += ["-f", f]
    if api_versions:
        cmd += ["--api-versions", ",".join(sorted(api_versions))]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"helm-lite template {release} {directory}: {result.stderr.strip()}")
    return result.stdout


def gitops_prefix(repo):
    with open(os.path.join(repo, "lgtm.yaml")) as f:
        path = (yaml.safe_load(f).get("gitops") or {}).get("path", ".")
    return "" if path in ("", ".") else path.strip("/") + "/"


def repo_path(repo, prefix, path):
    if prefix and path.startswith(prefix):
        path = path[len(prefix):]
    return os.path.join(repo, path)


def helm_jobs(repo, chart_src, helm_lite, apps, api_versions):
    prefix = gitops_prefix(repo)
    jobs = {}
    for cluster, app in apps:
        spec = app["spec"]
        for src in spec.get("sources", [spec.get("source")]):
            if not src or "chart" not in src:
                continue
            helm = src.get("helm", {})
            files = [repo_path(repo, prefix, v[len("$values/"):]) for v in helm.get("valueFiles", [])]
            job = (helm_lite, chart_dir(chart_src, src["chart"], src["targetRevision"]),
                   helm.get("releaseName", app["metadata"]["name"]), spec["destination"]["namespace"], tuple(files),
                   kube_version(repo, cluster["name"]), tuple(sorted(api_versions.get(cluster["name"], ()))))
            jobs[(cluster["name"], app["metadata"]["name"], src["chart"])] = job
    return jobs


BOOTSTRAP_CILIUM = "bootstrap-cilium"


def bootstrap_helm_jobs(repo, chart_src, helm_lite, clusters, api_versions):
    """Cilium on each cluster that has its values (the bootstrap installs it
    with components/cni/cilium/values.yaml, then the cluster's own), at
    bootstrap/lib.sh's CILIUM_VERSION."""
    shared = os.path.join(repo, "components", "cni", "cilium", "values.yaml")
    if not os.path.exists(shared):
        return {}
    m = re.search(r'CILIUM_VERSION="([^"]+)"', open(os.path.join(repo, "bootstrap", "lib.sh")).read())
    jobs = {}
    for name in clusters:
        own = os.path.join(repo, "clusters", name, "values", "cilium.yaml")
        if os.path.exists(own):
            jobs[(name, BOOTSTRAP_CILIUM, "cilium")] = (
                helm_lite, chart_dir(chart_src, "cilium", m.group(1)), "cilium", "kube-system", (shared, own),
                kube_version(repo, name), tuple(sorted(api_versions.get(name, ()))))
    return jobs


def kustomize_objects(repo, path, source):
    result = subprocess.run(["kubectl", "kustomize", os.path.join(repo, path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RenderError(f"kubectl kustomize {path}: {result.stderr.strip()}")
    return parse_stream(result.stdout, source)


RANDOM_FUNCTIONS = re.compile(r"\b(genCA|genSelfSignedCert|genSignedCert|genPrivateKey|randAlphaNum|randAlpha|"
                              r"randAscii|randNumeric|uuidv4)\b")
_random_charts = {}


def uses_randomness(directory):
    """Whether any template of the chart (or its subcharts) calls a function
    whose result differs on every render."""
    if directory not in _random_charts:
        found = False
        for root, _, files in os.walk(directory):
            for name in files:
                if name.endswith((".yaml", ".tpl", ".yml")) and "templates" in root:
                    with open(os.path.join(root, name), errors="replace") as f:
                        if RANDOM_FUNCTIONS.search(f.read()):
                            found = True
                            break
            if found:
                break
        _random_charts[directory] = found
    return _random_charts[directory]


def identity(o):
    md = o.get("metadata", {})
    return (o["_app"], o.get("apiVersion", "").split("/")[0] if "/" in o.get("apiVersion", "") else "", o["kind"],
            md.get("namespace", o.get("_ns", "")), md.get("name"))


def crd_api_versions(objs):
    out = set()
    for o in objs:
        if o["kind"] == "CustomResourceDefinition":
            group = o["spec"]["group"]
            for v in o["spec"].get("versions", []):
                out.add(f"{group}/{v['name']}")
                out.add(f"{group}/{v['name']}/{o['spec']['names']['kind']}")
    return out


# API groups the bootstrap installs before Argo CD (Argo CD itself, Cilium,
# the Gateway API).
BOOTSTRAP_API_VERSIONS = {"argoproj.io/v1alpha1", "cilium.io/v2", "cilium.io/v2alpha1", "gateway.networking.k8s.io/v1"}


# What a mesh's proxy injector adds to a pod of an enrolled namespace: the
# proxy container with its metrics port, and the labels it sets. The
# injectors skip host-network pods and pods that opt out.
INJECTED_PROXIES = {
    "istio": {"enrolled": ("labels", "istio-injection", "enabled"),
              "opt_out": ("sidecar.istio.io/inject", "false"),
              "container": {"name": "istio-proxy", "image": "docker.io/istio/proxyv2",
                            "ports": [{"name": "http-envoy-prom", "containerPort": 15090}]},
              "labels": {"security.istio.io/tlsMode": "istio", "service.istio.io/canonical-name": "injected"}},
    "linkerd": {"enrolled": ("annotations", "linkerd.io/inject", "enabled"),
                "opt_out": ("linkerd.io/inject", "disabled"),
                "container": {"name": "linkerd-proxy", "image": "cr.l5d.io/linkerd/proxy",
                              "ports": [{"name": "linkerd-admin", "containerPort": 4191}]},
                "labels": {"linkerd.io/control-plane-ns": "linkerd"}},
}
INJECTABLE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}


def enrolled_namespaces(apps):
    """{(cluster, namespace): mesh} for the namespaces Applications create
    with a mesh's enrolment label or annotation."""
    out = {}
    for cluster, app in apps:
        spec = app["spec"]
        meta = (spec.get("syncPolicy") or {}).get("managedNamespaceMetadata") or {}
        for mesh, rule in INJECTED_PROXIES.items():
            field, key, value = rule["enrolled"]
            if (meta.get(field) or {}).get(key) == value:
                out[(cluster["name"], spec["destination"]["namespace"])] = mesh
    return out


def inject_proxies(cluster, objs, enrolled):
    """Adds the proxy an injector would add to each pod template of an
    enrolled namespace (marked "_injected"), and marks every object of an
    enrolled namespace with its mesh ("_mesh": pods an operator makes from
    it are injected too)."""
    for o in objs:
        mesh = enrolled.get((cluster, o["metadata"].get("namespace")))
        if mesh is None:
            continue
        o["_mesh"] = mesh
        if o["kind"] not in INJECTABLE_KINDS:
            continue
        rule = INJECTED_PROXIES[mesh]
        tpl = (o.get("spec") or {}).get("template") or {}
        md, spec = tpl.setdefault("metadata", {}), tpl.get("spec") or {}
        key, off = rule["opt_out"]
        if spec.get("hostNetwork") or (md.get("annotations") or {}).get(key) == off \
                or (md.get("labels") or {}).get(key) == off:
            continue
        if any(c.get("name") == rule["container"]["name"] for c in spec.get("containers") or []):
            continue
        spec.setdefault("containers", []).append(dict(rule["container"], _injected=True))
        md["labels"] = dict(md.get("labels") or {}, **rule["labels"])


def objects(repo, chart_src, helm_lite):
    apps = applications(repo)
    prefix = gitops_prefix(repo)
    by_cluster = {c["name"]: [] for c, _ in apps}
    kustomized = {}
    for cluster, app in apps:
        spec = app["spec"]
        for src in spec.get("sources", [spec.get("source")]):
            if src and "path" in src and "chart" not in src:
                path = src["path"][len(prefix):] if prefix and src["path"].startswith(prefix) else src["path"]
                if path not in kustomized:
                    kustomized[path] = kustomize_objects(repo, path, path)
                for o in kustomized[path]:
                    o = dict(o, _app=app["metadata"]["name"], _ns=spec["destination"]["namespace"])
                    by_cluster[cluster["name"]].append(o)

    def render_all(api_versions, again=False):
        jobs = helm_jobs(repo, chart_src, helm_lite, apps, api_versions)
        jobs.update(bootstrap_helm_jobs(repo, chart_src, helm_lite, by_cluster, api_versions))
        unique = sorted(set(jobs.values()))
        if again:  # only charts that can render differently each time
            unique = [j for j in unique if uses_randomness(j[1])]
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            texts = dict(zip(unique, pool.map(render_helm, unique)))
        out = {name: [] for name in by_cluster}
        for (cluster, app, chart), job in jobs.items():
            for o in parse_stream(texts[job], chart) if job in texts else []:
                out[cluster].append(dict(o, _app=app, _ns=job[3]))
        return out

    enrolled = enrolled_namespaces(apps)
    # Charts that render a kind only when its API is served are rendered a
    # second time with the CRDs the first pass found on each cluster.
    first = render_all({})
    api_versions = {c: crd_api_versions(first[c] + by_cluster[c]) | BOOTSTRAP_API_VERSIONS for c in by_cluster}
    rendered = render_all(api_versions)
    # And once more, to see what changes from one render to the next.
    rerendered = render_all(api_versions, again=True)
    result = {}
    for cluster in by_cluster:
        objs = rendered[cluster] + by_cluster[cluster]
        twins = {identity(o): o for o in rerendered[cluster]}
        for o in rendered[cluster]:
            twin = twins.get(identity(o))
            if twin is not None:
                o["_again"] = twin
        for o in objs + rerendered[cluster]:
            md = o.setdefault("metadata", {})
            if o["kind"] not in CLUSTER_SCOPED and not md.get("namespace"):
                md["namespace"] = o["_ns"]
        # At admission, on Pods: never a difference Argo CD sees, so the
        # second render gets the same proxies.
        inject_proxies(cluster, objs + rerendered[cluster], enrolled)
        result[cluster] = objs
    return result
