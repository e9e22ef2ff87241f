#!/usr/bin/python3
"""Stand-ins for the CLIs the generated bootstrap calls: kubectl, kind,
minikube, docker, helm, linkerd, istioctl, curl and sleep. One program, chosen by the name
it is called by (simulate.py links each name to it). Each implements the
subset of its tool the scripts use, with the tool's semantics, on the state
in $SIM_STATE; any other call exits 97 with "stand-in: unsupported", which
fails the simulation instead of passing silently.
"""
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fleet  # noqa: E402
import jsonpath  # noqa: E402
import state  # noqa: E402
from fleet import Refused, b64, unb64  # noqa: E402

UNSUPPORTED = 97  # a call the stand-in does not implement
CRASHED = 98  # a bug in the stand-in


class Unsupported(Exception):
    pass


def parse_flags(args, with_value, boolean=()):
    """Splits args into positionals and flags. with_value: flags that take a
    value (as --f=v or --f v); boolean: flags without one. A flag in neither
    set is unsupported."""
    pos, flags = [], {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and a != "-":
            name, eq, val = a.partition("=")
            if name in with_value:
                if not eq:
                    i += 1
                    if i >= len(args):
                        raise Refused(f"error: flag needs an argument: {name}")
                    val = args[i]
                flags.setdefault(name, []).append(val)
            elif name in boolean and not eq:
                flags[name] = [True]
            else:
                raise Unsupported(f"flag {a}")
        else:
            pos.append(a)
        i += 1
    return pos, flags


def one(flags, name, default=None):
    return flags.get(name, [default])[-1]


def read_input(path):
    if path == "-":
        return sys.stdin.read()
    with open(path) as f:
        return f.read()


def dump(obj):
    import yaml  # only where YAML is read or written: it is most of a call's start-up time
    return yaml.safe_dump(obj, sort_keys=True, default_flow_style=False)


def docs(text):
    import yaml
    out = []
    for d in yaml.safe_load_all(text):
        if d is None:
            continue
        if d.get("kind") == "List":
            out += d.get("items", [])
        else:
            out.append(d)
    return out


# --- kubectl -----------------------------------------------------------------

KINDS = {"secret": "Secret", "secrets": "Secret", "configmap": "ConfigMap", "namespace": "Namespace",
         "deployment": "Deployment", "deployments": "Deployment", "daemonset": "DaemonSet",
         "statefulset": "StatefulSet", "serviceaccount": "ServiceAccount", "service": "Service",
         "svc": "Service", "application": "Application", "applications": "Application",
         "applicationsets": "ApplicationSet", "crd": "CustomResourceDefinition", "nodes": "Node", "node": "Node"}

KUBECTL_VALUE_FLAGS = {"--context", "-n", "--namespace", "-o", "--output", "-f", "--filename", "--type",
                       "--from-file", "--from-literal", "--dry-run", "--for", "--timeout"}
KUBECTL_BOOL_FLAGS = {"--local", "--ignore-not-found", "--server-side", "--force-conflicts", "--all", "--overwrite",
                      "--minify"}


def kind_of(resource):
    kind = KINDS.get(resource.lower())
    if kind is None:
        raise Unsupported(f"resource type {resource}")
    return kind


def kubectl(args):
    if not args:
        raise Unsupported("kubectl without a command")
    pre = []  # global flags before the verb (kc puts --context first)
    while args and args[0].startswith("-"):
        take = 1 if "=" in args[0] else 2
        pre, args = pre + args[:take], args[take:]
    if not args:
        raise Unsupported("kubectl without a command")
    verb, rest = args[0], pre + args[1:]
    pos, flags = parse_flags(rest, KUBECTL_VALUE_FLAGS, KUBECTL_BOOL_FLAGS)
    ns = one(flags, "-n") or one(flags, "--namespace")
    out = one(flags, "-o") or one(flags, "--output")
    local = "--local" in flags or one(flags, "--dry-run") == "client"
    cluster = None if local and verb in ("label", "annotate", "create") else fleet.cluster_of_context(
        one(flags, "--context"))
    if verb == "create":
        return kubectl_create(pos, flags, ns, out)
    if verb in ("label", "annotate"):
        return kubectl_mark(verb, pos, flags, ns, out, cluster)
    if verb == "apply":
        return kubectl_apply(cluster, flags, ns)
    if verb == "get":
        return kubectl_get(cluster, pos, flags, ns, out)
    if verb == "wait":
        return kubectl_wait(cluster, pos, flags, ns)
    if verb == "rollout":
        return kubectl_rollout(cluster, pos, ns)
    if verb == "port-forward":
        return kubectl_port_forward(cluster, pos, ns)
    if verb == "config" and pos[:1] == ["view"] and "--minify" in flags:
        # Only the API server of the context, as the bootstrap reads it.
        if out != "jsonpath={.clusters[0].cluster.server}":
            raise Unsupported(f"kubectl config view -o {out}")
        print(fleet.api_server_of_context(one(flags, "--context")), end="")
        return 0
    if verb == "cluster-info":
        print(f"Kubernetes control plane is running at https://127.0.0.1:6443 ({cluster})")
        return 0
    raise Unsupported(f"kubectl {verb}")


def kubectl_create(pos, flags, ns, out):
    if one(flags, "--dry-run") != "client" or out != "yaml":
        raise Unsupported("kubectl create without --dry-run=client -o yaml")
    what = pos[0]
    if what == "namespace":
        obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": pos[1]}}
    elif what in ("secret", "configmap"):
        if what == "secret":
            if pos[1] != "generic":
                raise Unsupported(f"kubectl create secret {pos[1]}")
            name = pos[2]
        else:
            name = pos[1]
        data = {}
        for spec in flags.get("--from-file", []):
            key, eq, path = spec.partition("=")
            if not eq:
                path = key
                if os.path.isdir(path):
                    for f in sorted(os.listdir(path)):
                        if os.path.isfile(os.path.join(path, f)):
                            with open(os.path.join(path, f), "rb") as fh:
                                data[f] = fh.read()
                    continue
                key = os.path.basename(path)
            if not os.path.isfile(path):
                raise Refused(f"error: error reading {path}: no such file or directory")
            with open(path, "rb") as fh:
                data[key] = fh.read()
        for spec in flags.get("--from-literal", []):
            key, _, value = spec.partition("=")
            data[key] = value.encode()
        obj = {"apiVersion": "v1", "kind": "Secret" if what == "secret" else "ConfigMap",
               "metadata": {"name": name, "namespace": ns or "default"}}
        if what == "secret":
            obj["data"] = {k: b64(v) for k, v in data.items()}
            obj["type"] = one(flags, "--type", "Opaque")
        else:
            obj["data"] = {k: v.decode() for k, v in data.items()}
    else:
        raise Unsupported(f"kubectl create {what}")
    obj["metadata"]["creationTimestamp"] = None
    sys.stdout.write(dump(obj))
    return 0


def parse_marks(pos):
    add, remove = {}, []
    for p in pos:
        if p.endswith("-") and "=" not in p:
            remove.append(p[:-1])
        elif "=" in p:
            k, _, v = p.partition("=")
            add[k] = v
        else:
            raise Unsupported(f"label/annotate argument {p}")
    return add, remove


def kubectl_mark(verb, pos, flags, ns, out, cluster):
    field = "labels" if verb == "label" else "annotations"
    if "--local" in flags:
        if one(flags, "-f") != "-" or out != "yaml":
            raise Unsupported(f"kubectl {verb} --local without -f - -o yaml")
        add, remove = parse_marks(pos)
        objs = docs(sys.stdin.read())
        for obj in objs:
            marks = obj["metadata"].setdefault(field, {})
            marks.update(add)
            for k in remove:
                marks.pop(k, None)
        sys.stdout.write("---\n".join(dump(o) for o in objs))
        return 0
    if verb == "label" and pos and pos[0] in ("nodes", "node") and "--all" in flags:
        add, remove = parse_marks(pos[1:])
        for node in state.list_objects(cluster, "Node"):
            labels = node["metadata"].setdefault("labels", {})
            labels.update(add)
            for k in remove:
                labels.pop(k, None)
            state.put(cluster, node, "kubectl")
            print(f"node/{node['metadata']['name']} labeled")
        fleet.refresh_load_balancers(cluster)
        return 0
    raise Unsupported(f"kubectl {verb} {' '.join(pos)}")


def kubectl_apply(cluster, flags, ns):
    source = one(flags, "-f") or one(flags, "--filename")
    if source is None:
        raise Unsupported("kubectl apply without -f")
    if source.startswith("https://"):
        return apply_release_manifest(cluster, source, flags)
    if source != "-":
        repo = os.path.realpath(os.environ["SIM_REPO"])
        if not os.path.realpath(source).startswith(repo + os.sep):
            raise Refused(f"stand-in: kubectl apply -f {source}: a manifest outside the repository")
        state.log_event("kubectl", "apply-file", cluster, detail=os.path.relpath(os.path.realpath(source), repo))
    objs = docs(read_input(source))
    if source == "-":
        state.log_event("kubectl", "apply-stdin", cluster,
                        detail=",".join(f"{o['kind']}/{o['metadata']['name']}" for o in objs))
    for obj in objs:
        apply_object(cluster, obj, ns)
    return 0


def apply_object(cluster, obj, ns):
    kind = obj.get("kind")
    md = obj.setdefault("metadata", {})
    if kind not in fleet.BUILTIN_KINDS:
        crd = fleet.CRD_OF_KIND.get(kind)
        if crd is None:
            raise Unsupported(f"apply of kind {kind}")
        if state.get(cluster, "CustomResourceDefinition", "", crd) is None:
            raise Refused(f'error: resource mapping not found for name: "{md.get("name")}" kind: "{kind}": '
                          f'no matches for kind "{kind}" (install CRD {crd} first)')
    md.pop("creationTimestamp", None)
    if kind not in state.CLUSTER_SCOPED:
        md["namespace"] = md.get("namespace") or ns or "default"
        if state.get(cluster, "Namespace", "", md["namespace"]) is None:
            raise Refused(f'Error from server (NotFound): namespaces "{md["namespace"]}" not found')
    old = state.get(cluster, kind, md.get("namespace", ""), md["name"])
    if old is not None and "status" in old and "status" not in obj:
        obj["status"] = old["status"]
    obj = fleet.fill_service_account_token(cluster, obj)
    state.put(cluster, obj, "kubectl")
    if kind == "ServiceAccount":
        for s in state.list_objects(cluster, "Secret"):
            filled = fleet.fill_service_account_token(cluster, s)
            if filled is not s:
                state.put(cluster, filled, "token-controller")
    if kind in ("CiliumLoadBalancerIPPool", "CiliumL2AnnouncementPolicy", "IPAddressPool", "L2Advertisement"):
        fleet.refresh_load_balancers(cluster)
    if kind == "Application" and md["name"] == "root":
        fleet.sync_root(cluster, obj)
    if kind == "Secret" and md.get("labels", {}).get("argocd.argoproj.io/secret-type") == "cluster":
        fleet.cluster_registered(cluster, obj)


def apply_release_manifest(cluster, url, flags):
    prefix = "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
    if not url.startswith(prefix) or not url.endswith("/standard-install.yaml"):
        raise Unsupported(f"kubectl apply -f {url}")
    if "--server-side" not in flags:
        raise Refused("stand-in: the Gateway API CRDs are too large for client-side apply (use --server-side)")
    version = url[len(prefix):].split("/")[0]
    if version != os.environ.get("SIM_GATEWAY_API_VERSION"):
        raise Refused(f"stand-in: Gateway API {version} is not the catalog's {os.environ.get('SIM_GATEWAY_API_VERSION')}")
    minor = ".".join(version.split(".")[:2])
    if minor not in fleet.GATEWAY_API_CRDS:
        raise Unsupported(f"Gateway API release {version} (modelled: {', '.join(fleet.GATEWAY_API_CRDS)})")
    for name in fleet.GATEWAY_API_CRDS[minor]:
        state.put(cluster, fleet.crd(f"{name}.gateway.networking.k8s.io"), "kubectl")
    return 0


def kubectl_get(cluster, pos, flags, ns, out):
    if len(pos) == 1 and pos[0] == "applicationsets,applications":
        for kind in ("ApplicationSet", "Application"):
            for o in state.list_objects(cluster, kind):
                print(f"{kind.lower()}/{o['metadata']['name']}")
        return 0
    if len(pos) != 2:
        raise Unsupported(f"kubectl get {' '.join(pos)}")
    kind = kind_of(pos[0])
    obj = state.get(cluster, kind, (ns or "default") if kind not in state.CLUSTER_SCOPED else "", pos[1])
    if obj is None:
        if "--ignore-not-found" in flags:
            return 0
        raise Refused(f'Error from server (NotFound): {pos[0]}s "{pos[1]}" not found')
    if out is None:
        print(f"{kind.lower()}/{pos[1]}")
    elif out == "name":
        group = {"Deployment": ".apps", "DaemonSet": ".apps", "StatefulSet": ".apps"}.get(kind, "")
        print(f"{kind.lower()}{group}/{pos[1]}")
    elif out.startswith("jsonpath="):
        sys.stdout.write(jsonpath.evaluate(out[len("jsonpath="):], obj))
    else:
        raise Unsupported(f"kubectl get -o {out}")
    return 0


def kubectl_port_forward(cluster, pos, ns):
    """Forwards until killed, like kubectl; records where, for curl."""
    import time
    if len(pos) != 2 or not pos[0].startswith("svc/"):
        raise Unsupported(f"kubectl port-forward {' '.join(pos)}")
    svc = pos[0][len("svc/"):]
    local, _, remote = pos[1].partition(":")
    service = state.get(cluster, "Service", ns or "default", svc)
    if service is None:
        raise Refused(f'Error from server (NotFound): services "{svc}" not found')
    if int(remote) not in [p["port"] for p in service["spec"]["ports"]]:
        raise Refused(f"error: Service {svc} does not have a service port {remote}")
    state.put_port_forward(local, {"cluster": cluster, "namespace": ns, "service": svc, "pid": os.getpid()})
    state.log_call(["kubectl", "port-forward"] + pos, "started")
    print(f"Forwarding from 127.0.0.1:{local} -> {remote}", flush=True)
    while True:
        time.sleep(60)


def condition_true(obj, cond):
    return any(c.get("type", "").lower() == cond.lower() and c.get("status") == "True"
               for c in obj.get("status", {}).get("conditions", []))


def kubectl_wait(cluster, pos, flags, ns):
    cond = one(flags, "--for")
    if cond is None:
        raise Unsupported("kubectl wait without --for")
    if len(pos) == 1 and "--all" in flags:
        kind = kind_of(pos[0])
        targets = [o for o in state.list_objects(cluster, kind)
                   if kind in state.CLUSTER_SCOPED or o["metadata"].get("namespace") == (ns or "default")]
    else:
        targets = []
        for p in pos:
            resource, _, name = p.partition("/")
            kind = kind_of(resource)
            obj = state.get(cluster, kind, (ns or "default") if kind not in state.CLUSTER_SCOPED else "", name)
            if obj is None:
                raise Refused(f'Error from server (NotFound): {resource} "{name}" not found')
            targets.append(obj)
    for obj in targets:
        if cond.startswith("condition="):
            ok = condition_true(obj, cond[len("condition="):])
        elif cond.startswith("jsonpath="):
            expr, _, want = cond[len("jsonpath="):].rpartition("=")
            ok = jsonpath.evaluate(expr, obj) == want
        else:
            raise Unsupported(f"kubectl wait --for={cond}")
        if not ok:
            raise Refused(f"error: timed out waiting for the condition on {obj['kind'].lower()}/"
                          f"{obj['metadata']['name']}")
    return 0


def kubectl_rollout(cluster, pos, ns):
    if len(pos) != 2 or pos[0] != "status":
        raise Unsupported(f"kubectl rollout {' '.join(pos)}")
    resource, _, name = pos[1].partition("/")
    kind = kind_of(resource)
    if state.get(cluster, kind, ns or "default", name) is None:
        raise Refused(f'Error from server (NotFound): {resource}s.apps "{name}" not found')
    if not fleet.nodes_ready(cluster):
        raise Refused(f"error: timed out waiting for the condition ({kind} {name}: no node is Ready, no CNI)")
    print(f'{resource} "{name}" successfully rolled out')
    return 0


# --- kind, docker --------------------------------------------------------------

def kind(args):
    if args[:2] == ["get", "clusters"]:
        names = state.kind_clusters()
        if not names:
            print("No kind clusters found.", file=sys.stderr)
        for n in names:
            print(n)
        return 0
    if args[:2] == ["create", "cluster"]:
        _, flags = parse_flags(args[2:], {"--name", "--config"})
        name, config = one(flags, "--name"), one(flags, "--config")
        if state.kind_cluster(name) is not None:
            raise Refused(f'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "{name}"')
        import yaml
        with open(config) as f:
            fleet.create_kind_cluster(name, yaml.safe_load(f))
        return 0
    if args[:2] == ["export", "kubeconfig"]:
        _, flags = parse_flags(args[2:], {"--name"})
        if state.kind_cluster(one(flags, "--name")) is None:
            raise Refused(f"ERROR: could not locate any control plane nodes for cluster named '{one(flags, '--name')}'")
        return 0
    raise Unsupported(f"kind {' '.join(args)}")


def docker(args):
    fmt = "{{range .IPAM.Config}}{{println .Subnet}}{{end}}"
    if args[:2] == ["network", "inspect"] and len(args) in (3, 5) and (len(args) == 3 or args[3:] == ["-f", fmt]):
        net = state.docker_network(args[2])
        if net is None:
            raise Refused(f"Error response from daemon: network {args[2]} not found")
        if len(args) == 3:
            print(json.dumps([{"Name": net["name"], "IPAM": {"Config": [{"Subnet": s} for s in net["subnets"]]}}]))
        for s in net["subnets"] if len(args) == 5 else []:
            print(s)
        return 0
    if args[:2] == ["network", "create"]:
        pos, flags = parse_flags(args[2:], {"--driver", "--subnet", "--gateway", "--label"})
        if len(pos) != 1 or one(flags, "--driver") != "bridge" or not one(flags, "--subnet"):
            raise Unsupported(f"docker {' '.join(args)}")
        if state.docker_network(pos[0]) is not None:
            raise Refused(f"Error response from daemon: network with name {pos[0]} already exists")
        import ipaddress
        subnet = ipaddress.ip_network(one(flags, "--subnet"))
        taken = [os.environ.get("SIM_DOCKER_SUBNET", "172.18.0.0/16"), "192.168.49.0/24"]  # kind's; another's
        if any(subnet.overlaps(ipaddress.ip_network(t)) for t in taken):
            raise Refused("Error response from daemon: Pool overlaps with other one on this address space")
        state.put_docker_network({"name": pos[0], "subnets": [str(subnet)], "labels": flags.get("--label", [])})
        state.log_event("docker", "network-create", "", "Network", "", pos[0])
        return 0
    if args[:1] == ["inspect"]:
        pos, flags = parse_flags(args[1:], {"-f", "--format"})
        container = state.docker_container(pos[0]) if len(pos) == 1 else None
        if container is None:
            print(f"Error: No such object: {pos[0] if pos else ''}", file=sys.stderr)
            return 1
        label = '{{index .Config.Labels "io.lgtmgen.host-proxy"}} {{.State.Running}}'
        if (one(flags, "-f") or one(flags, "--format")) != label:
            raise Unsupported(f"docker {' '.join(args)}")
        running = "true" if container["running"] else "false"
        print(f"{container['labels'].get('io.lgtmgen.host-proxy', '')} {running}")
        return 0
    if args[:2] == ["rm", "-f"] and len(args) == 3:
        state.delete_docker_container(args[2])
        state.log_event("docker", "rm", "", "Container", "", args[2])
        return 0
    if args[:1] == ["run"]:
        return docker_run(args[1:])
    raise Unsupported(f"docker {' '.join(args)}")


def docker_run(args):
    """docker run --detach with the flags the host proxy uses; the image's
    command follows the image (its flags are not docker's)."""
    with_value = {"--name", "--network", "--restart", "--label", "--publish", "--env"}
    flags, i = {}, 0
    while i < len(args) and args[i].startswith("-"):
        name, eq, val = args[i].partition("=")
        if name == "--detach" and not eq:
            flags[name] = [True]
        elif name in with_value:
            if not eq:
                i += 1
                val = args[i]
            flags.setdefault(name, []).append(val)
        else:
            raise Unsupported(f"docker run flag {args[i]}")
        i += 1
    if i >= len(args) or not flags.get("--detach") or not one(flags, "--name"):
        raise Unsupported(f"docker run {' '.join(args)}")
    name, network = one(flags, "--name"), one(flags, "--network", "bridge")
    if state.docker_network(network) is None:
        raise Refused(f"docker: Error response from daemon: network {network} not found.")
    if state.docker_container(name) is not None:
        raise Refused(f'docker: Error response from daemon: Conflict. The container name "/{name}" is already in use')
    state.put_docker_container({
        "name": name, "image": args[i], "command": args[i + 1:], "network": network,
        "restart": one(flags, "--restart", "no"), "running": True,
        "labels": dict(v.split("=", 1) for v in flags.get("--label", [])),
        "publish": flags.get("--publish", []),
        "env": dict(v.split("=", 1) for v in flags.get("--env", []))})
    state.log_event("docker", "run", "", "Container", "", name)
    print(hashlib.sha256(name.encode()).hexdigest())  # the container's id
    return 0


def minikube(args):
    """minikube v1.38 with the docker driver: start, status, update-context."""
    pos, flags = parse_flags(args, {"--profile", "-p", "--format", "--driver", "--container-runtime",
                                    "--base-image", "--kubernetes-version", "--network", "--static-ip",
                                    "--apiserver-names", "--cpus", "--memory", "--wait", "--cni",
                                    "--network-plugin", "--extra-config", "--service-cluster-ip-range", "--nodes"},
                             {"--keep-context"})
    name = one(flags, "--profile") or one(flags, "-p") or "minikube"
    known = state.kind_cluster(name)
    if pos == ["status"]:
        if known is None or not known.get("minikube"):
            print(f'🤷  Profile "{name}" not found. Run "minikube profile list" to view all profiles.')
            return 85
        if one(flags, "--format") != "{{.APIServer}}":
            raise Unsupported(f"minikube {' '.join(args)}")
        print("Running" if known.get("running") else "Stopped")
        return 0 if known.get("running") else 2
    if pos == ["update-context"]:
        if known is None or not known.get("running"):
            raise Refused(f'X Exiting due to GUEST_STATUS: profile "{name}" is not running')
        return 0
    if pos == ["start"]:
        fleet.start_minikube_profile(name, flags)
        return 0
    raise Unsupported(f"minikube {' '.join(args)}")


# --- helm ----------------------------------------------------------------

def merge_values(base, layer):
    """Helm's merge of a later values file over an earlier one: maps merge
    key by key, anything else replaces."""
    out = dict(base)
    for key, value in layer.items():
        out[key] = merge_values(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) \
            else value
    return out


def helm(args):
    if args[:2] != ["upgrade", "--install"]:
        raise Unsupported(f"helm {' '.join(args[:2])}")
    pos, flags = parse_flags(args[2:], {"--repo", "--version", "--kube-context", "--namespace", "--values",
                                        "--timeout"}, {"--wait", "--create-namespace"})
    release, chart = pos
    cluster = fleet.cluster_of_context(one(flags, "--kube-context"))
    ns = one(flags, "--namespace")
    if not ns or not one(flags, "--repo") or not one(flags, "--version"):
        raise Refused("stand-in helm: every install names its namespace, chart repository and pinned version")
    pinned = json.loads(os.environ["SIM_CHART_VERSIONS"]).get(chart)
    if one(flags, "--version") != pinned:
        raise Refused(f"stand-in helm: {chart} {one(flags, '--version')} is not the catalog's {pinned}")
    repo = os.path.realpath(os.environ["SIM_REPO"])
    import yaml
    files, values = [], {}
    for path in flags.get("--values", []):
        real = os.path.realpath(path)
        if not real.startswith(repo + os.sep) or not os.path.isfile(real):
            raise Refused(f"stand-in helm: values file {path} is not a file of the repository")
        with open(real) as f:
            layer = yaml.safe_load(f) or {}
            if not isinstance(layer, dict):
                raise Refused(f"Error: failed to parse {path}: not a map of values")
            values = merge_values(values, layer)
        files.append(os.path.relpath(real, repo))
    if state.get(cluster, "Namespace", "", ns) is None:
        if "--create-namespace" not in flags:
            raise Refused(f'Error: create: failed to create: namespaces "{ns}" not found')
        state.put(cluster, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, "helm")
    if "--wait" in flags and chart != "cilium" and not fleet.nodes_ready(cluster):
        raise Refused(f"Error: context deadline exceeded (release {release}: no node of {cluster} is Ready: "
                      f"the CNI must be installed first)")
    objs, started = fleet.chart_objects(cluster, chart, release, ns, values)
    for obj in objs:
        fleet.check_ownership(cluster, obj, release, ns)
    for obj in objs:
        state.put(cluster, obj, "helm")
    for obj in started:
        state.put(cluster, obj, chart)
    if chart == "cilium":
        fleet.set_cni_ready(cluster)
    state.put_helm_release(cluster, ns, release, {"chart": chart, "version": one(flags, "--version"),
                                                  "valueFiles": files})
    state.log_event("helm", "install", cluster, "Release", ns, release, detail=chart)
    print(f'Release "{release}" has been upgraded. Happy Helming!')
    return 0


# --- linkerd, istioctl -------------------------------------------------------

def linkerd(args):
    if args == ["version", "--client", "--short"]:
        print(os.environ["SIM_LINKERD_VERSION"])
        return 0
    pos, flags = parse_flags(args, {"--context", "--cluster-name", "--api-server-address"})
    if pos != ["multicluster", "link-gen"]:
        raise Unsupported(f"linkerd {' '.join(args)}")
    central = fleet.cluster_of_context(one(flags, "--context"))
    name = one(flags, "--cluster-name")
    svc = state.get(central, "Service", "linkerd-multicluster", "linkerd-gateway")
    ingress = (svc or {}).get("status", {}).get("loadBalancer", {}).get("ingress", [])
    if not ingress:
        raise Refused("Error: the linkerd-gateway Service of the target cluster has no external address")
    if one(flags, "--api-server-address") not in fleet.api_server_names(central):
        raise Refused(f"stand-in linkerd: the remotes cannot reach {one(flags, '--api-server-address')}")
    kubeconfig = json.dumps({"server": one(flags, "--api-server-address"), "gateway": ingress[0]["ip"]})
    objs = [{"apiVersion": "v1", "kind": "Secret",
             "metadata": {"name": f"cluster-credentials-{name}", "namespace": "linkerd-multicluster"},
             "type": "mirror.linkerd.io/remote-kubeconfig",
             "data": {"kubeconfig": b64(kubeconfig.encode())}},
            {"apiVersion": "multicluster.linkerd.io/v1alpha3", "kind": "Link",
             "metadata": {"name": name, "namespace": "linkerd-multicluster"},
             "spec": {"targetClusterName": name, "gatewayAddress": ingress[0]["ip"]}}]
    sys.stdout.write("---\n".join(dump(o) for o in objs))
    return 0


def istioctl(args):
    if args == ["version", "--remote=false"]:
        print(f"client version: {os.environ['SIM_ISTIO_VERSION']}")
        return 0
    pos, flags = parse_flags(args, {"--context", "--name", "--server"})
    if pos != ["create-remote-secret"]:
        raise Unsupported(f"istioctl {' '.join(args)}")
    central = fleet.cluster_of_context(one(flags, "--context"))
    if state.get(central, "ServiceAccount", "istio-system", "istio-reader-service-account") is None:
        raise Refused("Error: could not get access token to read resources from local kube-apiserver")
    name = one(flags, "--name")
    kubeconfig = json.dumps({"server": one(flags, "--server"), "cluster": name})
    obj = {"apiVersion": "v1", "kind": "Secret",
           "metadata": {"name": f"istio-remote-secret-{name}", "namespace": "istio-system",
                        "labels": {"istio/multiCluster": "true"}, "annotations": {"networking.istio.io/cluster": name}},
           "stringData": {name: kubeconfig}}
    sys.stdout.write(dump(obj))
    return 0


def curl(args):
    """curl against Grafana through a live port-forward, as step 60 uses it:
    the admin credentials from a -K file, datasource proxy queries answered
    from the simulated data ($SIM_VERIFY_MISSING lists cluster:signal pairs
    that have none)."""
    pos, flags = parse_flags(args, {"-K", "-o", "--data-urlencode"}, {"-fsS", "-G"})
    if len(pos) != 1 or "-fsS" not in flags or "-K" not in flags:
        raise Unsupported(f"curl {' '.join(args)}")
    url = pos[0]
    prefix = "http://127.0.0.1:"
    if not url.startswith(prefix):
        raise Unsupported(f"curl {url}")
    port, _, path = url[len(prefix):].partition("/")
    forward = state.port_forward(port)
    if forward is None or not fleet.process_alive(forward["pid"]):
        print(f"curl: (7) Failed to connect to 127.0.0.1 port {port}: Connection refused", file=sys.stderr)
        return 7
    cluster = forward["cluster"]
    with open(one(flags, "-K")) as f:
        user = f.read().strip()
    secret = fleet.grafana_admin(cluster)
    if user != f'user = "{secret[0]}:{secret[1]}"':
        print("curl: (22) The requested URL returned error: 401", file=sys.stderr)
        return 22
    path = "/" + path
    if path == "/api/health":
        body = '{"database":"ok"}'
    elif path.startswith("/api/datasources/proxy/uid/"):
        params = dict(p.partition("=")[::2] for p in flags.get("--data-urlencode", []))
        try:
            body = fleet.datasource_answer(path[len("/api/datasources/proxy/uid/"):], params)
        except Refused as e:
            print(f"curl: (22) The requested URL returned error: 400 ({e})", file=sys.stderr)
            return 22
    else:
        raise Unsupported(f"curl {url}")
    if one(flags, "-o") != "/dev/null":
        sys.stdout.write(body)
    return 0


def sleep(args):
    """Never sleeps. A bootstrap that keeps waiting for something the fleet
    will never do fails after 30 waits instead of hanging the test."""
    path = os.path.join(state.root(), "sleeps")
    count = int(open(path).read()) + 1 if os.path.exists(path) else 1
    with open(path, "w") as f:
        f.write(str(count))
    if count > 30:
        raise Refused("stand-in sleep: the bootstrap waited 30 times for something that does not happen")
    return 0


TOOLS = {"kubectl": kubectl, "kind": kind, "minikube": minikube, "docker": docker, "helm": helm, "linkerd": linkerd,
         "istioctl": istioctl, "sleep": sleep, "curl": curl}


def main():
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    try:
        status = TOOLS[tool](args)
        sys.stdout.flush()
    except Refused as e:
        print(str(e), file=sys.stderr)
        status = 1
    except jsonpath.JsonPathError as e:
        if str(e).startswith("unsupported"):
            print(f"stand-in: unsupported call: {tool} {' '.join(args)} ({e})", file=sys.stderr)
            status = UNSUPPORTED
        else:
            print(f"error: error executing jsonpath: {e}", file=sys.stderr)
            status = 1
    except Unsupported as e:
        print(f"stand-in: unsupported call: {tool} {' '.join(args)} ({e})", file=sys.stderr)
        status = UNSUPPORTED
    except BrokenPipeError:
        # What a real CLI gets when the reader of its output stops early:
        # SIGPIPE, exit status 141, which `set -o pipefail` turns into a failure.
        sys.stdout = None
        status = 141
    except Exception:  # noqa: BLE001 - reported, and failed loudly by simulate.py
        import traceback
        traceback.print_exc()
        status = CRASHED
    state.log_call([tool] + args, status)
    return status


if __name__ == "__main__":
    sys.exit(main())
