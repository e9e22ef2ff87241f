"""What the simulated clusters do by themselves: kind's nodes, the CNI, the
controllers that fill in what the bootstrap waits for (ServiceAccount
tokens, load-balancer addresses), Helm's ownership rules and the objects of
the charts the bootstrap installs, and Argo CD syncing the root
Application. Each rule is the smallest faithful model of the real
behaviour the scripts depend on; the stand-ins call these after every
change.
"""
import binascii
import json
import os

import state

KIND_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "local-path-storage"]
EXCLUDE_LB = "node.kubernetes.io/exclude-from-external-load-balancers"
CONTROL_PLANE = "node-role.kubernetes.io/control-plane"

# Custom resource kinds the scripts apply, with the CRD that must exist first.
CRD_OF_KIND = {
    "Application": "applications.argoproj.io",
    "ApplicationSet": "applicationsets.argoproj.io",
    "AppProject": "appprojects.argoproj.io",
    "CiliumLoadBalancerIPPool": "ciliumloadbalancerippools.cilium.io",
    "CiliumL2AnnouncementPolicy": "ciliuml2announcementpolicies.cilium.io",
    "IPAddressPool": "ipaddresspools.metallb.io",
    "L2Advertisement": "l2advertisements.metallb.io",
    "Link": "links.multicluster.linkerd.io",
}
BUILTIN_KINDS = {"Namespace", "Secret", "ConfigMap", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                 "RoleBinding", "Service", "Deployment", "DaemonSet", "StatefulSet", "CustomResourceDefinition",
                 "Node"}

# The CRDs of a Gateway API release's standard-install.yaml that are served
# at v1 (TCPRoute and UDPRoute reached the standard channel, at v1, in v1.6).
GATEWAY_API_CRDS_V1_5 = ["gatewayclasses", "gateways", "httproutes", "referencegrants", "grpcroutes", "tlsroutes",
                         "backendtlspolicies", "listenersets"]
GATEWAY_API_CRDS = {"v1.5": GATEWAY_API_CRDS_V1_5, "v1.6": GATEWAY_API_CRDS_V1_5 + ["tcproutes", "udproutes"]}
# What cilium-operator 1.20 checks once, at start-up (operator/pkg/gateway-api/
# helpers/schemes.go): without every one of these it runs no Gateway controller.
CILIUM_GATEWAY_REQUIRED = ["gatewayclasses", "gateways", "httproutes", "grpcroutes", "tlsroutes", "referencegrants",
                           "backendtlspolicies"]


def b64(data):
    return binascii.b2a_base64(data, newline=False).decode()


def unb64(text):
    return binascii.a2b_base64(text)


def sha256_hex(text):
    import hashlib  # imported where used: every stand-in call pays for its imports
    return hashlib.sha256(text.encode()).hexdigest()


def run(*args, **kwargs):
    import subprocess
    return subprocess.run(*args, **kwargs)


class Refused(Exception):
    """A call the real tool would refuse: its message, and exit status 1."""


def cluster_of_context(context):
    """The cluster of a kube context: kind-<name> for a kind cluster, the
    cluster's own name for a minikube profile and for an existing cluster
    (platform.provider: existing)."""
    if not context:
        raise Refused("error: no --context given (the bootstrap must never use the current context)")
    if context.startswith("kind-") and (state.kind_cluster(context[len("kind-"):]) or {}).get("config"):
        return context[len("kind-"):]
    known = state.kind_cluster(context) or {}
    if known.get("existing") or known.get("minikube"):
        return context
    raise Refused(f'error: context "{context}" does not exist')


def api_server_of_context(context):
    """The API server URL the user's kubeconfig holds for context."""
    name = cluster_of_context(context)
    known = state.kind_cluster(name)
    if known.get("existing"):
        return f"https://{name}.k8s.example.internal:443"
    if known.get("minikube"):
        return f"https://{known['minikube']['address']}:8443"  # native Linux docker: the node's own address
    return "https://127.0.0.1:6443"


def api_server_names(name):
    """The host names cluster name's API server certificate carries besides
    the in-cluster ones, with the port other clusters' pods reach it on."""
    known = state.kind_cluster(name) or {}
    if known.get("minikube"):
        return {f"https://{n}:8443" for n in known["minikube"]["apiserverNames"] + [name]}
    if known.get("existing"):
        return {f"https://{name}.k8s.example.internal:443"}
    return {f"https://{name}-control-plane:6443"}


def new_cluster_basics(name, tool):
    """What every new cluster has before anyone deploys to it: its CA (which
    the argocd-manager token's ca.crt carries) and the system namespaces."""
    ca_dir = os.path.join(state.root(), "kind", name + "-ca")
    os.makedirs(ca_dir, exist_ok=True)
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "365", "-subj", "/CN=kubernetes", "-keyout", os.path.join(ca_dir, "ca.key"), "-out",
         os.path.join(ca_dir, "ca.crt")], check=True, capture_output=True)
    for ns in KIND_NAMESPACES:
        state.put(name, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, tool)


def create_existing_cluster(name):
    """A cluster the user already has (platform.provider: existing): nodes
    Ready with the provider's CNI, reachable by the kube context <name>."""
    state.put_kind_cluster(name, {"existing": True, "cniReady": True})
    state.log_event("user", "existing-cluster", name)
    new_cluster_basics(name, "user")
    for i in (1, 2):
        node = f"{name}-node-{i}"
        state.put(name, {"apiVersion": "v1", "kind": "Node",
                         "metadata": {"name": node, "labels": {"kubernetes.io/hostname": node}},
                         "status": {"conditions": [{"type": "Ready", "status": "True"}]}}, "user")
    state.put(name, workload("Deployment", "kube-system", "coredns"), "user")


def crd(name):
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": name},
            "status": {"conditions": [{"type": "Established", "status": "True"}]}}


def nodes_ready(cluster):
    return state.kind_cluster(cluster)["cniReady"]


def set_cni_ready(cluster):
    kc = state.kind_cluster(cluster)
    if not kc["cniReady"]:
        kc["cniReady"] = True
        state.put_kind_cluster(cluster, kc)
        state.log_event("cluster", "cni-ready", cluster)
        for node in state.list_objects(cluster, "Node"):
            node["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
            state.put(cluster, node, "kubelet")


# --- kind ------------------------------------------------------------------

def create_kind_cluster(name, config):
    if config.get("kind") != "Cluster" or config.get("apiVersion") != "kind.x-k8s.io/v1alpha4":
        raise Refused("ERROR: failed to create cluster: not a kind.x-k8s.io/v1alpha4 Cluster config")
    if config.get("name", name) != name:
        raise Refused(f"ERROR: the config names cluster {config.get('name')}, not {name}")
    nodes = config.get("nodes") or [{"role": "control-plane"}]
    for n in nodes:
        if "@sha256:" not in n.get("image", ""):
            raise Refused(f"stand-in kind: node image {n.get('image')!r} is not pinned by digest")
    networking = config.get("networking", {})
    if state.docker_network("kind") is None:
        subnet = os.environ.get("SIM_DOCKER_SUBNET", "172.18.0.0/16")
        state.put_docker_network({"name": "kind", "subnets": [subnet, "fc00:f853:ccd:e793::/64"]})
    cni = not networking.get("disableDefaultCNI", False)
    state.put_kind_cluster(name, {"config": config, "cniReady": cni})
    state.log_event("kind", "create-cluster", name)
    new_cluster_basics(name, "kind")
    workers = 0
    for i, n in enumerate(nodes):
        if n["role"] == "control-plane":
            node = f"{name}-control-plane" if i == 0 else f"{name}-control-plane{i + 1}"
            labels = {CONTROL_PLANE: "", EXCLUDE_LB: "", "kubernetes.io/hostname": node}
        else:
            workers += 1
            node = f"{name}-worker" if workers == 1 else f"{name}-worker{workers}"
            labels = {"kubernetes.io/hostname": node}
        state.put(name, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": node, "labels": labels},
                         "status": {"conditions": [{"type": "Ready", "status": "True" if cni else "False"}]}}, "kind")
    state.put(name, workload("Deployment", "kube-system", "coredns"), "kind")


# --- minikube ----------------------------------------------------------------

def start_minikube_profile(name, flags):
    """minikube start --profile NAME with the docker driver, as minikube
    v1.38 does it: the node image pinned, one node (the container NAME) at
    --static-ip on the existing docker network --network (minikube would
    give the first node of every profile the same address otherwise), the
    CNI --cni names (false, with --network-plugin cni: none, nodes NotReady)."""
    import ipaddress
    def flag(key, default=None):
        return (flags.get(key) or [default])[-1]
    for required in ("--driver", "--base-image", "--kubernetes-version", "--network", "--static-ip"):
        if flag(required) is None:
            raise Refused(f"stand-in minikube: start without {required} (the bootstrap pins it)")
    if flag("--driver") != "docker":
        raise Refused(f"stand-in minikube: driver {flag('--driver')} is not modelled")
    if "@sha256:" not in flag("--base-image"):
        raise Refused(f"stand-in minikube: base image {flag('--base-image')!r} is not pinned by digest")
    net = state.docker_network(flag("--network"))
    if net is None:
        raise Refused(f"stand-in minikube: network {flag('--network')} does not exist (minikube would make one "
                      "of its own, which the other profiles cannot reach)")
    address = flag("--static-ip")
    if not any(ipaddress.ip_address(address) in ipaddress.ip_network(s) for s in net["subnets"] if ":" not in s):
        raise Refused(f"X Exiting due to GUEST_PROVISION: static IP {address} is outside network "
                      f"{flag('--network')} {net['subnets']}")
    for other in state.kind_clusters():
        theirs = (state.kind_cluster(other) or {}).get("minikube")
        if other != name and theirs and theirs["address"] == address and theirs["network"] == flag("--network"):
            raise Refused(f"X Exiting due to GUEST_PROVISION: can't create with that IP, address already in use "
                          f"(profile {other})")
    cni = flag("--cni", "auto")
    if cni == "false" and flag("--network-plugin") != "cni":
        raise Refused("stand-in minikube: --cni false without --network-plugin cni keeps minikube's bridge CNI "
                      "configuration, which a CNI installed later would have to share the nodes with")
    if int(flag("--nodes", "1")) != 1:
        raise Refused("stand-in minikube: profiles sharing a network at --static-ip are one node each")
    known = state.kind_cluster(name)
    ready = cni != "false"
    profile = {"network": flag("--network"), "address": address, "cni": cni,
               "apiserverNames": flags.get("--apiserver-names", []),
               "serviceCIDR": flag("--service-cluster-ip-range"), "extraConfig": flags.get("--extra-config", [])}
    if known is not None:
        if known["minikube"] != profile:
            raise Refused(f"stand-in minikube: profile {name} exists with other settings {known['minikube']} "
                          f"than {profile}")
        known["running"] = True
        state.put_kind_cluster(name, known)
        state.log_event("minikube", "start", name)
        return
    state.put_kind_cluster(name, {"minikube": profile, "cniReady": ready, "running": True})
    state.log_event("minikube", "create-profile", name)
    new_cluster_basics(name, "minikube")
    labels = {CONTROL_PLANE: "", EXCLUDE_LB: "", "kubernetes.io/hostname": name}
    state.put(name, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
                     "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}},
              "minikube")
    state.put(name, workload("Deployment", "kube-system", "coredns"), "minikube")


def cluster_ca(cluster):
    with open(os.path.join(state.root(), "kind", cluster + "-ca", "ca.crt"), "rb") as f:
        return f.read()


# --- controllers -------------------------------------------------------------

def workload(kind, ns, name):
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": ns}}


def fill_service_account_token(cluster, obj):
    """The token controller: a Secret of type service-account-token gets a
    token (stable per cluster and account, like a long-lived token) and the
    cluster's CA."""
    if obj.get("type") != "kubernetes.io/service-account-token":
        return obj
    account = obj["metadata"].get("annotations", {}).get("kubernetes.io/service-account.name")
    ns = obj["metadata"].get("namespace", "")
    if not account or state.get(cluster, "ServiceAccount", ns, account) is None:
        return obj  # the real controller waits for the account
    token = sha256_hex(f"{cluster}/{ns}/{account}")
    obj = dict(obj)
    obj["data"] = {"token": b64(token.encode()),
                   "ca.crt": b64(cluster_ca(cluster)),
                   "namespace": b64(ns.encode())}
    return obj


def announcing_nodes(cluster):
    """Nodes that announce load-balancer addresses: for Cilium, those the
    L2 announcement policy selects; for MetalLB, those not labelled excluded
    from external load balancers."""
    nodes = state.list_objects(cluster, "Node")
    out = []
    for policy in state.list_objects(cluster, "CiliumL2AnnouncementPolicy"):
        sel = policy["spec"].get("nodeSelector") or {}
        for node in nodes:
            labels = node["metadata"].get("labels", {})
            ok = all(labels.get(k) == v for k, v in (sel.get("matchLabels") or {}).items())
            for e in sel.get("matchExpressions") or []:
                if e["operator"] == "DoesNotExist":
                    ok = ok and e["key"] not in labels
                elif e["operator"] == "Exists":
                    ok = ok and e["key"] in labels
                else:
                    raise Refused(f"stand-in: nodeSelector operator {e['operator']} not modelled")
            if ok:
                out.append(node["metadata"]["name"])
    if state.list_objects(cluster, "L2Advertisement"):
        out += [n["metadata"]["name"] for n in nodes if EXCLUDE_LB not in n["metadata"].get("labels", {})]
    return sorted(set(out))


def lb_address(cluster):
    """The first address of the cluster's pool, when some node announces it."""
    pools = [b["cidr"] for p in state.list_objects(cluster, "CiliumLoadBalancerIPPool") for b in p["spec"]["blocks"]]
    pools += [a for p in state.list_objects(cluster, "IPAddressPool") for a in p["spec"]["addresses"]]
    if not pools or not announcing_nodes(cluster):
        return None
    import ipaddress
    net = ipaddress.ip_network(pools[0], strict=False)
    return str(next(net.hosts()))


def refresh_load_balancers(cluster):
    """Gives every LoadBalancer Service its address, once one can be announced."""
    address = lb_address(cluster)
    for svc in state.list_objects(cluster, "Service"):
        if svc.get("spec", {}).get("type") != "LoadBalancer":
            continue
        ingress = [{"ip": address}] if address else []
        if svc.get("status", {}).get("loadBalancer", {}).get("ingress", []) != ingress:
            svc["status"] = {"loadBalancer": {"ingress": ingress}}
            state.put(cluster, svc, "lb-controller")


# --- Helm ----------------------------------------------------------------

def helm_marks(release, ns):
    return {"labels": {"app.kubernetes.io/managed-by": "Helm"},
            "annotations": {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": ns}}


def check_ownership(cluster, obj, release, ns):
    """Helm's rule: an object that exists may join a release only when it
    carries that release's ownership marks."""
    md = obj["metadata"]
    old = state.get(cluster, obj["kind"], md.get("namespace", ""), md["name"])
    if old is None:
        return
    labels = old["metadata"].get("labels", {})
    ann = old["metadata"].get("annotations", {})
    errors = []
    if labels.get("app.kubernetes.io/managed-by") != "Helm":
        errors.append('label validation error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"')
    if ann.get("meta.helm.sh/release-name") != release:
        errors.append(f'annotation validation error: key "meta.helm.sh/release-name" must equal "{release}"')
    if ann.get("meta.helm.sh/release-namespace") != ns:
        errors.append(f'annotation validation error: key "meta.helm.sh/release-namespace" must equal "{ns}"')
    if errors:
        where = f' in namespace "{md["namespace"]}"' if md.get("namespace") else ""
        raise Refused(f'Error: Unable to continue with install: {obj["kind"]} "{md["name"]}"{where} exists and cannot '
                      f'be imported into the current release: invalid ownership metadata; {"; ".join(errors)}')


def new_ca_pem(common_name):
    out = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                          "-nodes", "-days", "1095", "-subj", f"/CN={common_name}", "-keyout", "/dev/stdout",
                          "-out", "/dev/stdout"], check=True, capture_output=True, text=True).stdout
    key = out[:out.index("-----BEGIN CERTIFICATE-----")]
    cert = out[len(key):]
    return cert.encode(), key.encode()


def chart_objects(cluster, chart, release, ns, values=None):
    """The objects of a chart release that the bootstrap relies on (waits
    for, reads, or must not collide with), and those its workloads make
    once started."""
    marks = helm_marks(release, ns)
    objs, started = [], []

    def add(obj):
        obj["metadata"].setdefault("labels", {}).update(marks["labels"])
        obj["metadata"].setdefault("annotations", {}).update(marks["annotations"])
        objs.append(obj)

    values = values or {}
    if chart == "cilium":
        if values.get("gatewayAPI", {}).get("enabled"):
            missing = [n for n in CILIUM_GATEWAY_REQUIRED
                       if state.get(cluster, "CustomResourceDefinition", "", f"{n}.gateway.networking.k8s.io") is None]
            if missing:
                # The operator only logs this and carries on: no Gateway is ever programmed.
                raise Refused(f"stand-in: cilium-operator on {cluster} would run without its Gateway controller "
                              f"(Gateway API CRDs missing at start-up: {', '.join(missing)})")
        for name in ["ciliumloadbalancerippools", "ciliuml2announcementpolicies", "ciliumnetworkpolicies",
                     "ciliumendpoints"]:
            add(crd(f"{name}.cilium.io"))
        add(workload("DaemonSet", ns, "cilium"))
        add(workload("Deployment", ns, "cilium-operator"))
        # templates/cilium-ca-secret.yaml with the default TLS method "helm":
        # the chart's lookup reuses an existing cilium-ca, else genCA.
        existing = state.get(cluster, "Secret", ns, "cilium-ca")
        if existing and existing.get("data", {}).get("ca.crt") and existing["data"].get("ca.key"):
            data = existing["data"]
        else:
            cert, key = new_ca_pem("Cilium CA")
            data = {"ca.crt": b64(cert), "ca.key": b64(key)}
        add({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "cilium-ca", "namespace": ns},
             "data": data})
    elif chart == "argo-cd":
        for name in ["applications", "applicationsets", "appprojects"]:
            add(crd(f"{name}.argoproj.io"))
        for name in ["argocd-server", "argocd-repo-server", "argocd-applicationset-controller"]:
            add(workload("Deployment", ns, name))
        add(workload("StatefulSet", ns, "argocd-application-controller"))
        # argocd-server makes its initial admin Secret at start, once.
        if state.get(cluster, "Secret", ns, "argocd-initial-admin-secret") is None:
            password = sha256_hex(f"{cluster}/argocd")[:16]
            started.append({"apiVersion": "v1", "kind": "Secret",
                            "metadata": {"name": "argocd-initial-admin-secret", "namespace": ns},
                            "data": {"password": b64(password.encode())}})
    elif chart == "linkerd-crds":
        for name in ["servicemirrors.multicluster.linkerd.io", "serviceprofiles.linkerd.io",
                     "servers.policy.linkerd.io", "authorizationpolicies.policy.linkerd.io"]:
            add(crd(name))
    elif chart == "linkerd-control-plane":
        if state.get(cluster, "CustomResourceDefinition", "", "serviceprofiles.linkerd.io") is None:
            raise Refused("Error: unable to build kubernetes objects from release manifest: resource mapping not found "
                          "(install linkerd-crds first)")
        # identity.externalCA: linkerd-identity starts only with the trust
        # roots and its issuer, which step 15 creates.
        for kind, name in [("ConfigMap", "linkerd-identity-trust-roots"), ("Secret", "linkerd-identity-issuer")]:
            if state.get(cluster, kind, ns, name) is None:
                raise Refused(f"Error: context deadline exceeded (linkerd-identity on {cluster} cannot start: "
                              f"{kind} {ns}/{name} is missing)")
        for name in ["linkerd-identity", "linkerd-destination", "linkerd-proxy-injector"]:
            add(workload("Deployment", ns, name))
        add({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
             "metadata": {"name": "linkerd-proxy-injector-webhook-config"}})
    elif chart == "base":
        for name in ["virtualservices.networking.istio.io", "destinationrules.networking.istio.io",
                     "gateways.networking.istio.io", "peerauthentications.security.istio.io"]:
            add(crd(name))
    elif chart == "istiod":
        if state.get(cluster, "CustomResourceDefinition", "", "virtualservices.networking.istio.io") is None:
            raise Refused("Error: context deadline exceeded (istiod cannot start without Istio's CRDs: install "
                          "chart base first)")
        add(workload("Deployment", ns, "istiod"))
        add({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
             "metadata": {"name": "istio-sidecar-injector"}})
    elif chart == "metallb":
        for name in ["ipaddresspools", "l2advertisements", "bgppeers"]:
            add(crd(f"{name}.metallb.io"))
        add(workload("Deployment", ns, "metallb-controller"))
        add(workload("DaemonSet", ns, "metallb-speaker"))
    else:
        raise Refused(f"stand-in helm: chart {chart} is not modelled; add what it creates to fleet.py")
    return objs, started


# --- Argo CD ---------------------------------------------------------------

def repo_clusters():
    repo = os.environ["SIM_REPO"]
    out = []
    for name in sorted(os.listdir(os.path.join(repo, "clusters"))):
        path = os.path.join(repo, "clusters", name, "cluster.json")
        if os.path.exists(path):
            with open(path) as f:
                out.append(json.load(f))
    return out


def sync_root(cluster, app):
    """Argo CD syncing the root Application: the source must be this
    repository, every destination cluster registered with a token that
    works. Then the mesh objects that step 50 waits for appear, as the
    generated Applications would create them."""
    problems = []
    src = app["spec"].get("source", {})
    if src.get("repoURL") != os.environ["SIM_REPO_URL"]:
        problems.append(f"repoURL {src.get('repoURL')} is not the fleet's repository {os.environ['SIM_REPO_URL']}")
    # The rendered folder sits at gitops.path inside the Git repository.
    prefix = os.environ.get("SIM_GITOPS_PATH", ".").strip("/")
    path = src.get("path", "-")
    if prefix not in ("", "."):
        path = path[len(prefix) + 1:] if path.startswith(prefix + "/") else "-"
    if not os.path.isdir(os.path.join(os.environ["SIM_REPO"], path)):
        problems.append(f"path {src.get('path')} does not exist in the repository (gitops.path {prefix})")
    for c in repo_clusters():
        if c["server"] == "https://kubernetes.default.svc":
            if c["name"] != cluster:
                problems.append(f"cluster {c['name']} claims the in-cluster API, but Argo CD runs on {cluster}")
            continue
        secret = state.get(cluster, "Secret", "argocd", f"cluster-{c['name']}")
        if secret is None:
            problems.append(f"cluster {c['name']} is not registered (no Secret argocd/cluster-{c['name']})")
            continue
        if secret["metadata"].get("labels", {}).get("argocd.argoproj.io/secret-type") != "cluster":
            problems.append(f"Secret cluster-{c['name']} lacks label argocd.argoproj.io/secret-type=cluster")
        data = {k: unb64(v).decode() for k, v in secret.get("data", {}).items()}
        # The server of cluster.json, or (empty there) the user's kubeconfig's.
        known = state.kind_cluster(c["name"])
        server = c["server"] or (api_server_of_context(c["name"]) if (known or {}).get("existing") else "")
        if data.get("server") != server:
            problems.append(f"cluster {c['name']}: registered server {data.get('server')} != {server or '(none)'}")
        # Argo CD's pods reach a kind cluster or minikube profile by its
        # node's name on the shared docker network (which its certificate
        # must name), an existing one at the API server of the user's
        # kubeconfig.
        if known is None or server not in api_server_names(c["name"]):
            problems.append(f"cluster {c['name']}: Argo CD cannot reach {server}, or its certificate does not "
                            f"name that host")
        config = json.loads(data.get("config", "{}"))
        token = sha256_hex(f"{c['name']}/kube-system/argocd-manager")
        if config.get("bearerToken") != token:
            problems.append(f"cluster {c['name']}: the bearer token is not argocd-manager's")
        ca = unb64(config.get("tlsClientConfig", {}).get("caData", ""))
        if ca != cluster_ca(c["name"]):
            problems.append(f"cluster {c['name']}: caData is not the cluster's CA")
    app = dict(app)
    if problems:
        app["status"] = {"sync": {"status": "OutOfSync"},
                         "conditions": [{"type": "SyncError", "message": p} for p in problems]}
        state.put(cluster, app, "argocd")
        return
    app["status"] = {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}}
    state.put(cluster, app, "argocd")
    state.log_event("argocd", "sync", cluster, "Application", "argocd", "root")
    for c in repo_clusters():
        argocd_deploys(c)
        if c["role"] == "central" and os.path.exists(os.path.join(os.environ["SIM_REPO"], "bootstrap",
                                                                   "45-host-proxy.sh")):
            deploy_grafana_entry(c["name"])
        if c["role"] == "central":
            # Grafana, which step 60 reaches through a port-forward.
            state.put(c["name"], {"apiVersion": "v1", "kind": "Service",
                                  "metadata": {"name": "grafana", "namespace": "grafana"},
                                  "spec": {"type": "ClusterIP", "ports": [{"name": "http-web", "port": 80}]}},
                      "argocd")


def deploy_grafana_entry(cluster):
    """The Service in front of Grafana that Argo CD's Applications make on
    central, as the implementations name it: a Gateway's (Cilium:
    cilium-gateway-<gateway>, Istio: <gateway>-istio) with the Gateway's
    listener ports, or ingress-nginx's controller with the chart values'
    type and node ports."""
    repo = os.environ["SIM_REPO"]
    gateway = os.path.join(repo, "components", "grafana", "exposure", "gateway.yaml")
    nginx = os.path.join(repo, "components", "addons", "ingress-nginx", "values.yaml")
    if os.path.exists(gateway):
        import yaml
        gw = next(d for d in yaml.safe_load_all(open(gateway)) if d and d["kind"] == "Gateway")
        name = gw["metadata"]["name"]
        svc_name = f"cilium-gateway-{name}" if gw["spec"]["gatewayClassName"] == "cilium" else f"{name}-istio"
        spec = {"type": "LoadBalancer",
                "ports": [{"name": lst["name"], "port": lst["port"]} for lst in gw["spec"]["listeners"]]}
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": svc_name, "namespace": gw["metadata"]["namespace"]}, "spec": spec}
    elif os.path.exists(nginx):
        import yaml
        service = ((yaml.safe_load(open(nginx)) or {}).get("controller") or {}).get("service") or {}
        node_ports = service.get("nodePorts") or {}
        ports = [{"name": n, "port": p, **({"nodePort": int(node_ports[n])} if n in node_ports else {})}
                 for n, p in (("http", 80), ("https", 443))]
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx"},
               "spec": {"type": service.get("type", "LoadBalancer"), "ports": ports}}
    else:
        return
    if state.get(cluster, "Service", svc["metadata"]["namespace"], svc["metadata"]["name"]) is None:
        state.put(cluster, svc, "argocd")
    refresh_load_balancers(cluster)


def root_synced(argocd_cluster):
    root = state.get(argocd_cluster, "Application", "argocd", "root")
    return root is not None and root.get("status", {}).get("sync", {}).get("status") == "Synced"


def cluster_registered(argocd_cluster, secret):
    """Argo CD deploys to a cluster as soon as it is registered when root
    already runs (a cluster added to a running fleet)."""
    if not root_synced(argocd_cluster):
        return
    name = unb64(secret.get("data", {}).get("name", "")).decode()
    for c in repo_clusters():
        if c["name"] == name:
            argocd_deploys(c)


def injection_webhook(c):
    """The MutatingWebhookConfiguration that gives pods of cluster c their
    mesh proxy, or None when its mesh injects nothing (none, Cilium,
    Istio ambient, which enrolls running pods)."""
    mesh = c.get("mesh", "none")
    if c["role"] == "control" or mesh == "none":
        return None
    if mesh == "linkerd":
        return "linkerd-proxy-injector-webhook-config"
    if mesh == "istio" and os.environ.get("SIM_ISTIO_MODE", "sidecar") == "sidecar":
        return "istio-sidecar-injector"
    return None


def argocd_deploys(c):
    """Argo CD syncs every Application of cluster c at once: sync waves order
    the ApplicationSets root applies, not the Applications they generate. A
    pod created in a meshed namespace before the injector's webhook exists
    starts without a proxy, for good."""
    name = c["name"]
    state.log_event("argocd", "deploy", name)
    webhook = injection_webhook(c)
    if webhook and state.get(name, "MutatingWebhookConfiguration", "", webhook) is None:
        state.log_event("argocd", "unmeshed", name, detail=f"no {webhook} when Argo CD started its workloads")
    deploy_mesh(c)


def deploy_mesh(c):
    """What the mesh Applications create that the bootstrap's step 50 uses."""
    name, mesh = c["name"], c.get("mesh", "none")
    marks = {"labels": {"app.kubernetes.io/instance": "argocd"}}
    if mesh == "linkerd":
        state.put(name, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "linkerd-multicluster"}},
                  "argocd")
        if c["role"] == "central":
            svc = {"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "linkerd-gateway", "namespace": "linkerd-multicluster", **marks},
                   "spec": {"type": "LoadBalancer"}}
            if state.get(name, "Service", "linkerd-multicluster", "linkerd-gateway") is None:
                state.put(name, svc, "argocd")
            refresh_load_balancers(name)
        else:
            state.put(name, crd("links.multicluster.linkerd.io"), "argocd")
    elif mesh == "istio":
        state.put(name, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "istio-system"}}, "argocd")
        if c["role"] == "central":
            state.put(name, {"apiVersion": "v1", "kind": "ServiceAccount",
                             "metadata": {"name": "istio-reader-service-account", "namespace": "istio-system"}},
                      "argocd")


# --- Grafana (step 60) -------------------------------------------------------

def process_alive(pid, grace=0.0):
    """Whether pid runs (a zombie has ended), waiting up to grace seconds
    for it to end."""
    import time
    deadline = time.monotonic() + grace
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                running = f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            running = False
        if not running or time.monotonic() >= deadline:
            return running
        time.sleep(0.05)


def grafana_admin(cluster):
    secret = state.get(cluster, "Secret", "grafana", os.environ["SIM_GRAFANA_ADMIN_SECRET"])
    if secret is None:
        return ("", "")
    return tuple(unb64(secret["data"].get(k, "")).decode() for k in ("admin-user", "admin-password"))


def datasources():
    """uid -> (type, tenant header) of every datasource in the repository."""
    import yaml
    out = {}
    tenants = os.path.join(os.environ["SIM_REPO"], "tenants")
    for slug in sorted(os.listdir(tenants)) if os.path.isdir(tenants) else []:
        with open(os.path.join(tenants, slug, "datasources.yaml")) as f:
            for ds in yaml.safe_load(f)["datasources"]:
                out[ds["uid"]] = (ds["type"], ds["secureJsonData"]["httpHeaderValue1"], ds["url"])
    return out


SIGNAL_OF = {"prometheus": ("metrics", "/api/v1/query", "query"), "loki": ("logs", "/loki/api/v1/query", "query"),
             "tempo": ("traces", "/api/search", "q")}


def datasource_answer(rest, params):
    """What Grafana's proxy for datasource uid answers for path and params:
    the query must select one cluster, through a datasource of that
    cluster's tenant, on the path its type serves."""
    import re
    uid, _, path = rest.partition("/")
    path = "/" + path
    found = datasources().get(uid)
    if found is None:
        raise Refused(f"no datasource {uid}")
    kind, tenant, url = found
    signal, want_path, param = SIGNAL_OF[kind]
    if path != want_path or param not in params:
        raise Refused(f"{kind} datasource {uid} does not serve {path} with {sorted(params)}")
    label = os.environ["SIM_CLUSTER_LABEL"]
    match = re.search(r"\.?" + re.escape(label) + r'="([^"]+)"', params[param])
    if not match:
        raise Refused(f"the query {params[param]!r} selects no {label}")
    cluster = next((c for c in repo_clusters() if c["name"] == match.group(1)), None)
    if cluster is None or cluster["tenant"] != tenant:
        raise Refused(f"cluster {match.group(1)} queried through datasource {uid} of tenant {tenant}")
    if cluster["backendSet"] != "default" and f"-{cluster['backendSet']}.svc" not in url:
        raise Refused(f"cluster {cluster['name']} (backend set {cluster['backendSet']}) queried at {url}")
    missing = set(filter(None, os.environ.get("SIM_VERIFY_MISSING", "").split(",")))
    present = f"{cluster['name']}:{signal}" not in missing
    if kind == "tempo":
        return json.dumps({"traces": [{"traceID": "5b8efff798038103d269b633813fc60c"}] if present else []},
                          separators=(",", ":"))
    result = [{"metric": {}, "value": [1764547200, "42"]}] if present else []
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}},
                      separators=(",", ":"))
