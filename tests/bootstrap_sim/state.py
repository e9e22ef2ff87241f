"""The simulated fleet's state on disk, shared by every stand-in CLI.

Layout under $SIM_STATE:
  kind/<cluster>.json                 a cluster: a kind cluster's config, a minikube profile's start
                                      flags, or an existing cluster's mark
  docker-networks/<name>.json         a docker network: "kind" (made by the first kind cluster), or
                                      the one the minikube profiles share
  objects/<cluster>/<Kind>/<ns>/<name>.json
                                      every object of a cluster; ns "_" for cluster-scoped kinds
  events.jsonl                        every change, in order: {"seq", "tool", "op", "cluster", "kind", "ns", "name"}
  calls.log                           every stand-in call: argv and exit status
  helm/<cluster>/<namespace>/<release>.json
                                      installed Helm releases: chart, version, values files

Writes go through a temporary file and rename, so a reader in the other half
of a pipeline never sees half an object.
"""
import json
import os

CLUSTER_SCOPED = {"Namespace", "Node", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
                  "CiliumLoadBalancerIPPool", "CiliumL2AnnouncementPolicy", "MutatingWebhookConfiguration"}


def root():
    path = os.environ.get("SIM_STATE")
    if not path:
        raise SystemExit("stand-in: SIM_STATE is not set (run under tests/bootstrap_sim/simulate.py)")
    return path


def _write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def log_event(tool, op, cluster, kind="", ns="", name="", detail=""):
    path = os.path.join(root(), "events.jsonl")
    seq_path = os.path.join(root(), "seq")
    # One writer at a time: the bootstrap runs its commands in sequence, and a
    # pipeline has a single writer at its end.
    seq = int(open(seq_path).read()) + 1 if os.path.exists(seq_path) else 1
    with open(seq_path, "w") as f:
        f.write(str(seq))
    with open(path, "a") as f:
        f.write(json.dumps({"seq": seq, "tool": tool, "op": op, "cluster": cluster, "kind": kind, "ns": ns,
                            "name": name, "detail": detail}) + "\n")


def log_call(argv, status):
    with open(os.path.join(root(), "calls.log"), "a") as f:
        f.write(f"[{status}] {' '.join(argv)}\n")


# --- kind clusters ---------------------------------------------------------

def kind_clusters():
    d = os.path.join(root(), "kind")
    return sorted(n[:-5] for n in os.listdir(d) if n.endswith(".json")) if os.path.isdir(d) else []


def kind_cluster(name):
    return _read_json(os.path.join(root(), "kind", name + ".json"))


def put_kind_cluster(name, value):
    _write_json(os.path.join(root(), "kind", name + ".json"), value)


def docker_network(name):
    return _read_json(os.path.join(root(), "docker-networks", name + ".json"))


def put_docker_network(value):
    _write_json(os.path.join(root(), "docker-networks", value["name"] + ".json"), value)


def docker_container(name):
    return _read_json(os.path.join(root(), "docker-containers", name + ".json"))


def put_docker_container(value):
    _write_json(os.path.join(root(), "docker-containers", value["name"] + ".json"), value)


def delete_docker_container(name):
    path = os.path.join(root(), "docker-containers", name + ".json")
    if os.path.exists(path):
        os.remove(path)


# --- objects ---------------------------------------------------------------

def _obj_path(cluster, kind, ns, name):
    return os.path.join(root(), "objects", cluster, kind, ns if kind not in CLUSTER_SCOPED else "_", name + ".json")


def get(cluster, kind, ns, name):
    return _read_json(_obj_path(cluster, kind, ns, name))


def put(cluster, obj, tool):
    md = obj["metadata"]
    kind = obj["kind"]
    ns = md.get("namespace", "") if kind not in CLUSTER_SCOPED else ""
    old = get(cluster, kind, ns, md["name"])
    if old == obj:
        return False
    _write_json(_obj_path(cluster, kind, ns, md["name"]), obj)
    log_event(tool, "create" if old is None else "update", cluster, kind, ns, md["name"])
    return True


def delete(cluster, kind, ns, name, tool):
    path = _obj_path(cluster, kind, ns, name)
    if os.path.exists(path):
        os.remove(path)
        log_event(tool, "delete", cluster, kind, ns, name)


def list_objects(cluster, kind=None):
    base = os.path.join(root(), "objects", cluster)
    out = []
    if not os.path.isdir(base):
        return out
    for k in sorted(os.listdir(base)):
        if kind and k != kind:
            continue
        for ns in sorted(os.listdir(os.path.join(base, k))):
            for n in sorted(os.listdir(os.path.join(base, k, ns))):
                if n.endswith(".json"):
                    out.append(_read_json(os.path.join(base, k, ns, n)))
    return out


def clusters_with_objects():
    base = os.path.join(root(), "objects")
    return sorted(os.listdir(base)) if os.path.isdir(base) else []


# --- Helm releases ---------------------------------------------------------

def helm_release(cluster, ns, name):
    return _read_json(os.path.join(root(), "helm", cluster, ns, name + ".json"))


def put_helm_release(cluster, ns, name, value):
    _write_json(os.path.join(root(), "helm", cluster, ns, name + ".json"), value)


def helm_releases():
    base = os.path.join(root(), "helm")
    out = []
    if os.path.isdir(base):
        for cluster in sorted(os.listdir(base)):
            for ns in sorted(os.listdir(os.path.join(base, cluster))):
                for n in sorted(os.listdir(os.path.join(base, cluster, ns))):
                    out.append((cluster, ns, n[:-5], _read_json(os.path.join(base, cluster, ns, n))))
    return out


# --- port-forwards (kubectl port-forward, for curl) ----------------------------

def put_port_forward(port, value):
    _write_json(os.path.join(root(), "port-forward", str(port) + ".json"), value)


def port_forward(port):
    return _read_json(os.path.join(root(), "port-forward", str(port) + ".json"))


def port_forwards():
    d = os.path.join(root(), "port-forward")
    return [_read_json(os.path.join(d, n)) for n in sorted(os.listdir(d))] if os.path.isdir(d) else []
