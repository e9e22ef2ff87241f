#!/usr/bin/python3
"""Runs a rendered repository's bootstrap end to end against a simulated
fleet and checks what it leaves behind.

    simulate.py --lgtmgen BUILD/lgtmgen --repo RENDERED_DIR [--add-cluster]

The CLIs the scripts call (kubectl, kind, minikube, docker, helm, linkerd, istioctl,
sleep) are stand-ins (standin.py) keeping the fleet on disk; openssl (and
step, when installed) are real. Runs, in one fleet:
  1. bootstrap/all.sh;
  2. every numbered step alone, in all.sh's order (a re-run): nothing may change;
  3. with --add-cluster: the spec with one more remote cluster, rendered by
     lgtmgen, bootstrapped again: the new cluster gets its material and
     nobody else's changes.
After each: every script exited 0; the order of effects; every Secret the
bootstrap made has every key non-empty; every certificate verifies against
its root; every cluster with a load-balancer pool can announce it.
On failure it prints the failed assertion, the last stand-in calls and the
changed objects, and exits 1.
"""
import argparse
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
TOOLS = ["kubectl", "kind", "minikube", "docker", "helm", "linkerd", "istioctl", "sleep", "curl"]


class Failure(Exception):
    pass


class Simulation:
    def __init__(self, lgtmgen, work):
        self.lgtmgen = lgtmgen
        self.work = work
        self.state = os.path.join(work, "state")
        self.bin = os.path.join(work, "bin")
        os.makedirs(self.state)
        os.makedirs(self.bin)
        for tool in TOOLS:
            os.symlink(os.path.join(HERE, "standin.py"), os.path.join(self.bin, tool))
        os.environ["SIM_STATE"] = self.state
        import state  # after SIM_STATE is set
        self.st = state
        self.checks = 0
        self.specs = {}  # rendered repository -> the spec it was rendered from
        self.envs = {}  # rendered repository -> the environment its scripts run in

    # --- running -------------------------------------------------------------

    def env_for(self, repo):
        if repo in self.envs:
            return self.envs[repo]
        model = json.loads(subprocess.run([self.lgtmgen, "model", self.specs[repo]], check=True,
                                          capture_output=True, text=True).stdout)
        versions = model["versions"]
        env = dict(os.environ)
        env.update({
            "PATH": self.bin + os.pathsep + os.environ["PATH"],
            "SIM_STATE": self.state,
            "SIM_REPO": repo,
            "SIM_REPO_URL": model["gitops"]["repoURL"],
            "SIM_GITOPS_PATH": model["gitops"].get("path", "."),
            "SIM_GRAFANA_ADMIN_SECRET": model["grafana"]["adminSecret"],
            "SIM_CLUSTER_LABEL": model["clusterLabel"],
            "SIM_CHART_VERSIONS": json.dumps({k: v["version"] for k, v in versions["charts"].items()}),
            "SIM_GATEWAY_API_VERSION": versions["manifests"]["gateway-api"],
            "SIM_LINKERD_VERSION": versions["manifests"]["linkerd-cli"],
            "SIM_ISTIO_VERSION": versions["manifests"]["istioctl"],
            "SIM_ISTIO_MODE": model["mesh"].get("istioMode", "sidecar"),
        })
        # Credentials someone else issues: the bootstrap requires them from
        # the environment (`resolve VAR ... required`).
        with open(os.path.join(repo, "bootstrap", "15-create-secrets.sh")) as f:
            for var in re.findall(r"resolve (\w+) \S+ \S+ \S+ required", f.read()):
                env[var] = f"sim-{var.lower()}"
        self.envs[repo] = env
        return env

    def start_run(self):
        """Marks where a run of the whole bootstrap starts (for the order checks)."""
        self.run_start = self.event_count()

    def run_script(self, repo, script, expect_status=0, extra_env=None):
        """Runs bootstrap/SCRIPT of repo; fails unless it exits expect_status.
        Returns what it printed (stdout and stderr)."""
        self.mark = self.event_count()
        env = dict(self.env_for(repo), **(extra_env or {}))
        result = subprocess.run(["bash", os.path.join(repo, "bootstrap", script)], env=env,
                                capture_output=True, text=True, timeout=600)
        with open(os.path.join(self.work, "bootstrap.log"), "a") as f:
            f.write(f"==== {script} (exit {result.returncode})\n{result.stdout}{result.stderr}")
        calls = os.path.join(self.state, "calls.log")
        for line in open(calls) if os.path.exists(calls) else []:
            if line.startswith(("[97]", "[98]")):
                raise Failure(f"{script}: a stand-in did not understand or crashed on: {line.strip()} "
                              f"(a call the simulator does not model fails the test, even when the script ignores it)")
        for forward in self.st.port_forwards():
            import fleet
            if fleet.process_alive(forward["pid"], grace=3):
                os.kill(forward["pid"], 15)
                raise Failure(f"{script} left kubectl port-forward (pid {forward['pid']}) running")
        if result.returncode != expect_status:
            raise Failure(f"{script} exited {result.returncode}, not {expect_status}:\n"
                          f"{result.stdout[-2000:]}{result.stderr[-3000:]}")
        self.checks += 1
        return result.stdout + result.stderr

    def steps(self, repo):
        with open(os.path.join(repo, "bootstrap", "all.sh")) as f:
            return re.findall(r'"\$\{here\}/([\w.-]+\.sh)"', f.read())

    # --- state ----------------------------------------------------------------

    def event_count(self):
        path = os.path.join(self.state, "events.jsonl")
        return sum(1 for _ in open(path)) if os.path.exists(path) else 0

    def events(self):
        path = os.path.join(self.state, "events.jsonl")
        return [json.loads(line) for line in open(path)] if os.path.exists(path) else []

    def secrets(self, cluster):
        return {(o["metadata"]["namespace"], o["metadata"]["name"]): o
                for o in self.st.list_objects(cluster, "Secret")}

    def material(self):
        """(cluster, kind, namespace, name, key) -> sha256 of every Secret and
        ConfigMap value in the fleet."""
        out = {}
        for cluster in self.st.clusters_with_objects():
            for kind in ("Secret", "ConfigMap"):
                for o in self.st.list_objects(cluster, kind):
                    for k, v in (o.get("data") or {}).items():
                        where = (cluster, kind, o["metadata"]["namespace"], o["metadata"]["name"], k)
                        text = base64.b64decode(v).decode(errors="replace") if kind == "Secret" else v
                        if o["metadata"]["name"].endswith("htpasswd"):
                            # One line per user: a new user leaves the others' lines as they were.
                            for line in text.splitlines():
                                out[where + (line.split(":")[0],)] = hashlib.sha256(line.encode()).hexdigest()[:16]
                        else:
                            out[where] = hashlib.sha256(v.encode()).hexdigest()[:16]
        return out

    def value(self, cluster, ns, secret, key, kind="Secret"):
        o = self.st.get(cluster, kind, ns, secret)
        if o is None or key not in (o.get("data") or {}):
            raise Failure(f"{kind} {ns}/{secret} on {cluster} has no key {key}")
        v = o["data"][key]
        return base64.b64decode(v) if kind == "Secret" else v.encode()

    # --- invariants ------------------------------------------------------------

    def check(self, condition, message):
        self.checks += 1
        if not condition:
            raise Failure(message)

    def check_all(self, repo):
        clusters = self.repo_clusters(repo)
        self.check_order()
        self.check_secrets_filled()
        self.check_receiver_secrets(repo, clusters)
        self.check_certificates(clusters)
        self.check_ingest_credentials(clusters)
        self.check_load_balancers()
        self.check_manifests_from_repo(repo)
        self.check_meshed_from_start()
        self.check_host_proxy(repo)

    def repo_clusters(self, repo):
        out = []
        for name in sorted(os.listdir(os.path.join(repo, "clusters"))):
            path = os.path.join(repo, "clusters", name, "cluster.json")
            if os.path.exists(path):
                out.append(json.load(open(path)))
        return out

    def check_order(self):
        ev = self.events()[self.run_start:]

        def first(pred):
            return next((e["seq"] for e in ev if pred(e)), None)

        def last(pred):
            return max((e["seq"] for e in ev if pred(e)), default=None)

        argocd = first(lambda e: e["op"] == "install" and e["detail"] == "argo-cd")
        self.check(argocd is not None, "Argo CD was never installed")
        argocd_cluster = next(e["cluster"] for e in ev if e["op"] == "install" and e["detail"] == "argo-cd")
        cni = last(lambda e: e["op"] == "cni-ready" and e["cluster"] == argocd_cluster)
        self.check(cni is None or cni < argocd, "Argo CD was installed before the CNI")
        registered = last(lambda e: e["kind"] == "Secret" and e["name"].startswith("cluster-") and e["ns"] == "argocd")
        self.check(registered is None or argocd < registered, "a cluster was registered before Argo CD was installed")
        sync = first(lambda e: e["op"] == "sync")
        self.check(sync is not None, "the root Application never synced")
        made = last(lambda e: e["tool"] == "kubectl" and e["kind"] == "Secret" and e["op"] in ("create", "update")
                    and not e["name"].startswith(("cluster-credentials-", "istio-remote-secret-")))
        self.check(made is None or made < sync, "root was applied before the last bootstrap Secret was made (root must come last)")
        for e in ev:
            if e["kind"] == "Link" or e["name"].startswith("istio-remote-secret-"):
                self.check(e["seq"] > sync, f"mesh link {e['name']} on {e['cluster']} made before Argo CD synced")

    def check_meshed_from_start(self):
        """No workload Argo CD starts in a meshed namespace comes up before
        its mesh's proxy injector (it would run without a proxy for good)."""
        for e in self.events():
            self.check(e["op"] != "unmeshed",
                       f"{e['cluster']}: Argo CD started workloads before the mesh could inject them ({e['detail']})")
        deploys = sum(1 for e in self.events() if e["op"] == "deploy")
        self.check(deploys > 0, "Argo CD never deployed to any cluster")

    def check_secrets_filled(self):
        made = {(e["cluster"], e["ns"], e["name"]) for e in self.events() if e["kind"] == "Secret"
                and e["tool"] in ("kubectl", "token-controller")}
        for cluster, ns, name in sorted(made):
            o = self.st.get(cluster, "Secret", ns, name)
            if o is None:
                continue
            data = dict(o.get("data") or {})
            data.update({k: base64.b64encode(v.encode()).decode() for k, v in (o.get("stringData") or {}).items()})
            self.check(data, f"Secret {ns}/{name} on {cluster} has no data")
            for k, v in data.items():
                self.check(base64.b64decode(v).strip() != b"", f"Secret {ns}/{name} on {cluster}: key {k} is empty")

    def check_receiver_secrets(self, repo, clusters):
        """Every Secret Mimir's Alertmanager of a backend set mounts (the alert
        receivers' credentials) exists on the central cluster in that
        backend set's namespace, with the keys alerts/alertmanager.yaml reads."""
        central = next(c["name"] for c in clusters if c["role"] == "central")
        am_path = os.path.join(repo, "alerts", "alertmanager.yaml")
        am_text = open(am_path).read() if os.path.exists(am_path) else ""
        files = re.findall(r"_file: (/etc/alertmanager-secrets/\S+)", am_text)
        for path in sorted(glob.glob(os.path.join(repo, "components", "backends", "mimir-distributed*", "values.yaml"))):
            ns = "mimir" + os.path.basename(os.path.dirname(path))[len("mimir-distributed"):]
            am = (yaml.safe_load(open(path)) or {}).get("alertmanager") or {}
            mounts = {m["name"]: m["mountPath"] for m in am.get("extraVolumeMounts") or []}
            for v in am.get("extraVolumes") or []:
                if "secret" not in v:
                    continue
                secret, mount = v["secret"]["secretName"], mounts.get(v["name"], "")
                o = self.st.get(central, "Secret", ns, secret)
                self.check(o is not None, f"{central}: Secret {ns}/{secret}, which Mimir's Alertmanager mounts, "
                                          f"was not created")
                for f in files:
                    if f.rpartition("/")[0] == mount:
                        self.value(central, ns, secret, f.rpartition("/")[2])

    def openssl(self, *args, stdin=None):
        return subprocess.run(["openssl", *args], input=stdin, capture_output=True)

    def verify(self, cert, root, what, untrusted=None):
        d = tempfile.mkdtemp(dir=self.work)
        open(os.path.join(d, "cert.pem"), "wb").write(cert)
        open(os.path.join(d, "root.pem"), "wb").write(root)
        args = ["verify", "-CAfile", os.path.join(d, "root.pem")]
        if untrusted:
            open(os.path.join(d, "chain.pem"), "wb").write(untrusted)
            args += ["-untrusted", os.path.join(d, "chain.pem")]
        r = self.openssl(*args, os.path.join(d, "cert.pem"))
        shutil.rmtree(d)
        self.check(r.returncode == 0, f"{what} does not verify: {r.stdout.decode()}{r.stderr.decode()}")

    def pair(self, cert, key, what):
        pub_cert = self.openssl("x509", "-noout", "-pubkey", stdin=cert).stdout
        pub_key = self.openssl("pkey", "-pubout", stdin=key).stdout
        self.check(pub_cert and pub_cert == pub_key, f"{what}: the key does not match the certificate")

    def is_ca(self, cert, what):
        text = self.openssl("x509", "-noout", "-text", stdin=cert).stdout.decode()
        self.check("CA:TRUE" in text, f"{what} is not a CA certificate")

    def check_certificates(self, clusters):
        central = next(c["name"] for c in clusters if c["role"] == "central")
        meshes = {c.get("mesh", "none") for c in clusters}
        # Every PEM certificate in every Secret parses; every key/cert pair matches.
        for cluster in self.st.clusters_with_objects():
            for (ns, name), o in self.secrets(cluster).items():
                data = {k: base64.b64decode(v) for k, v in (o.get("data") or {}).items()}
                for k, v in data.items():
                    if b"-----BEGIN CERTIFICATE-----" in v:
                        r = self.openssl("x509", "-noout", stdin=v)
                        self.check(r.returncode == 0, f"{ns}/{name}[{k}] on {cluster} is not a certificate")
                for cert_key, key_key in (("tls.crt", "tls.key"), ("ca.crt", "ca.key"), ("ca-cert.pem", "ca-key.pem"),
                                          ("root-cert.pem", "root-key.pem")):
                    if cert_key in data and key_key in data:
                        self.pair(data[cert_key], data[key_key], f"{ns}/{name} on {cluster}")
        fleet_ca = self.st.get(central, "Secret", "cert-manager", "lgtm-ca")
        if fleet_ca is not None:
            ca = self.value(central, "cert-manager", "lgtm-ca", "tls.crt")
            self.is_ca(ca, "the fleet CA")
            for cluster in self.st.clusters_with_objects():
                for (ns, name), o in self.secrets(cluster).items():
                    if name in ("lgtm-ingest-client", "lgtm-federation-client"):
                        self.check(self.value(cluster, ns, name, "ca.crt") == ca,
                                   f"{ns}/{name} on {cluster}: ca.crt is not the fleet CA")
                    if name == "lgtm-federation-tls":
                        self.verify(self.value(cluster, ns, name, "tls.crt"), ca, f"{ns}/{name} on {cluster}")
        # A control cluster (Argo CD only) is in no mesh.
        for c in [c for c in clusters if c["role"] != "control"]:
            if c.get("mesh") == "linkerd":
                anchor = self.value(central, "linkerd", "linkerd-trust-anchor", "tls.crt")
                self.is_ca(anchor, "the Linkerd trust anchor")
                self.check(self.value(c["name"], "linkerd", "linkerd-identity-trust-roots", "ca-bundle.crt",
                                      "ConfigMap") == anchor, f"{c['name']}: Linkerd trust roots are not the anchor")
                issuer = self.value(c["name"], "linkerd", "linkerd-identity-issuer", "tls.crt")
                self.is_ca(issuer, f"{c['name']}'s Linkerd issuer")
                self.verify(issuer, anchor, f"{c['name']}'s Linkerd issuer (against the trust anchor)")
                self.check(self.value(c["name"], "linkerd", "linkerd-identity-issuer", "ca.crt") == anchor,
                           f"{c['name']}: linkerd-identity-issuer ca.crt is not the anchor")
            if c.get("mesh") == "istio":
                root = self.value(central, "istio-system", "istio-root-ca", "root-cert.pem")
                inter = self.value(c["name"], "istio-system", "cacerts", "ca-cert.pem")
                self.is_ca(inter, f"{c['name']}'s Istio intermediate")
                self.verify(inter, root, f"{c['name']}'s Istio cacerts (against the fleet's root)")
                self.check(self.value(c["name"], "istio-system", "cacerts", "root-cert.pem") == root,
                           f"{c['name']}: cacerts root-cert.pem is not the fleet's root")
                chain = self.value(c["name"], "istio-system", "cacerts", "cert-chain.pem")
                self.check(chain.split() == (inter + b"\n" + root).split(),
                           f"{c['name']}: cacerts cert-chain.pem is not intermediate + root")
        if "cilium-clustermesh" in meshes:
            members = [c["name"] for c in clusters if c.get("mesh") == "cilium-clustermesh"]
            cas = set()
            for m in members:
                o = self.st.get(m, "Secret", "kube-system", "cilium-ca")
                self.check(o is not None, f"{m}: no Cilium CA")
                ann = o["metadata"].get("annotations", {})
                self.check(o["metadata"].get("labels", {}).get("app.kubernetes.io/managed-by") == "Helm" and
                           ann.get("meta.helm.sh/release-name") == "cilium",
                           f"{m}: kube-system/cilium-ca is not owned by the Helm release cilium")
                cas.add(self.value(m, "kube-system", "cilium-ca", "ca.crt"))
            self.check(len(cas) == 1, f"the ClusterMesh members have {len(cas)} different Cilium CAs, not one")

    def check_ingest_credentials(self, clusters):
        """Under every mesh, each remote cluster that ships telemetry holds its
        tenant's credentials for the ingest proxy (lgtm-ingest-client), and
        the password matches the tenant's line in the user file of its
        backend set, and of no other set."""
        central = next(c["name"] for c in clusters if c["role"] == "central")
        remotes = [c for c in clusters if c["role"] == "remote" and c["agentScenario"] != "none"]
        if not remotes:
            return
        files = {k: base64.b64decode(v).decode()
                 for k, v in (self.st.get(central, "Secret", "lgtm-ingest", "lgtm-ingest-htpasswd") or {})
                 .get("data", {}).items()}
        self.check(files, f"{central}: no user files for the ingest proxy (lgtm-ingest/lgtm-ingest-htpasswd)")
        for c in remotes:
            clients = [(ns, name) for (ns, name) in self.secrets(c["name"]) if name == "lgtm-ingest-client"]
            self.check(clients, f"{c['name']} ships telemetry (mesh {c['mesh']}) but has no lgtm-ingest-client Secret")
            own = "htpasswd" if c["backendSet"] == "default" else f"htpasswd-{c['backendSet']}"
            for ns, name in clients:
                user = self.value(c["name"], ns, name, "username").decode()
                password = self.value(c["name"], ns, name, "password").decode()
                self.check(user == c["tenant"], f"{ns}/{name} on {c['name']}: username {user}, not its tenant "
                           f"{c['tenant']}")
                for file, text in files.items():
                    line = next((l for l in text.splitlines() if l.startswith(user + ":")), None)
                    if file != own:
                        # The same tenant name in another backend set is another
                        # tenant, with a password of its own.
                        self.check(line is None or not self.apr1_matches(line, password),
                                   f"{ns}/{name} on {c['name']}: its credentials also open {file}, another backend "
                                   f"set's listeners")
                        continue
                    self.check(line is not None, f"tenant {user} of {c['name']} is not a user of {file}")
                    self.check(self.apr1_matches(line, password), f"{ns}/{name} on {c['name']}: the password does "
                               f"not match {user}'s line in {file}")

    def apr1_matches(self, line, password):
        hashed = line.split(":", 1)[1]
        salt = hashed.split("$")[2] if hashed.startswith("$apr1$") else ""
        again = self.openssl("passwd", "-apr1", "-salt", salt, "-stdin", stdin=password.encode()).stdout.decode()
        return again.strip() == hashed

    def check_load_balancers(self):
        import fleet
        for cluster in self.st.clusters_with_objects():
            pools = self.st.list_objects(cluster, "CiliumLoadBalancerIPPool") + \
                self.st.list_objects(cluster, "IPAddressPool")
            for p in pools:
                blocks = [b.get("cidr") for b in p["spec"].get("blocks", [])] + p["spec"].get("addresses", [])
                self.check(all(blocks) and blocks, f"{cluster}: load-balancer pool {p['metadata']['name']} has an "
                           f"empty address range")
            if pools:
                self.check(fleet.announcing_nodes(cluster), f"{cluster}: no node announces its load-balancer "
                           f"addresses (the L2 policy selects none)")

    def check_manifests_from_repo(self, repo):
        """Every object the bootstrap applies is runtime material (Secrets,
        ConfigMaps, Namespaces, what a mesh CLI prints) or an object of a
        manifest in the repository, as the file has it (a `.yaml.in` with
        ${LB_CIDR} filled in): no configuration lives only inside a script."""
        runtime = {"Secret", "ConfigMap", "Namespace", "Link"}
        manifests = {}
        folder = os.path.join(repo, "bootstrap", "manifests")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            for doc in yaml.safe_load_all(open(os.path.join(folder, name))):
                if doc:
                    manifests[(doc["kind"], doc["metadata"]["name"])] = doc
        for e in self.events():
            if e["op"] != "apply-stdin":
                continue
            for item in filter(None, e["detail"].split(",")):
                kind, name = item.split("/", 1)
                if kind in runtime:
                    continue
                self.check((kind, name) in manifests, f"{e['cluster']}: {item} was applied from a script, not from "
                           f"a manifest of the repository")
                want = manifests[(kind, name)]
                got = self.st.get(e["cluster"], kind, want["metadata"].get("namespace", ""), name)
                got = {k: v for k, v in (got or {}).items() if k != "status"}
                text = json.dumps(got, sort_keys=True)
                for cidr in [b.get("cidr") for b in got.get("spec", {}).get("blocks", [])] + \
                        got.get("spec", {}).get("addresses", []):
                    text = text.replace(json.dumps(cidr), json.dumps("${LB_CIDR}"))
                self.check(json.loads(text) == want, f"{e['cluster']}: {item} as applied differs from its manifest "
                           f"in bootstrap/manifests/")

    def check_host_proxy(self, repo):
        """With the host-proxy add-on: its container runs on the clusters'
        docker network from a pinned image, publishes on 127.0.0.1 only, and
        forwards each port to a port of Grafana's entry on central (its
        load-balancer address, or a node port of central's node); its
        HAProxy configuration listens where docker publishes and reads every
        target (and is valid for haproxy -c, when haproxy is installed)."""
        script = os.path.join(repo, "bootstrap", "45-host-proxy.sh")
        if not os.path.exists(script):
            return
        name = re.search(r'^CONTAINER="([^"]+)"', open(script).read(), re.M).group(1)
        c = self.st.docker_container(name)
        self.check(c is not None and c["running"], f"45-host-proxy.sh left no running container {name}")
        lib = open(os.path.join(repo, "bootstrap", "lib.sh")).read()
        network = (re.search(r'DOCKER_NETWORK="([^"]+)"', lib) or [None, "kind"])[1]
        self.check(c["network"] == network and self.st.docker_network(network) is not None,
                   f"{name} is on docker network {c['network']}, not the clusters' {network}")
        self.check(re.fullmatch(r"[\w./-]+:\d[\w.-]*(@sha256:[0-9a-f]{64})?", c["image"]) is not None,
                   f"{name} runs image {c['image']}, not a pinned version")
        central = next(f for f in self.repo_clusters(repo) if f["role"] == "central")["name"]
        entries = [s for s in self.st.list_objects(central, "Service")
                   if s["metadata"]["namespace"] in ("grafana", "ingress-nginx")
                   and s["spec"].get("type") in ("LoadBalancer", "NodePort")]
        self.check(len(entries) == 1, f"{central}: no one Service in front of Grafana for the host proxy: {entries}")
        entry = entries[0]
        # The node's name on the docker network: kind's control-plane
        # container, or the minikube profile's.
        node = central if (self.st.kind_cluster(central) or {}).get("minikube") else f"{central}-control-plane"
        config = c["env"].get("HAPROXY_CONFIG", "")
        binds = set(re.findall(r"^\s*bind :(\d+)$", config, re.M))
        for published in c["publish"]:
            host_ip, _, container_port = published.split(":")
            self.check(host_ip == "127.0.0.1", f"{name} publishes {published} beyond 127.0.0.1")
            self.check(container_port in binds, f"{name} publishes {published}, where HAProxy does not listen "
                       f"(it binds {sorted(binds)})")
        targets = {k: v for k, v in c["env"].items() if k.startswith("GRAFANA_")}
        self.check(len(targets) == len(c["publish"]) and targets, f"{name}: one target per published port: {targets}")
        for var, target in targets.items():
            self.check(f'"${{{var}}}"' in config, f"{name}: HAProxy's configuration never reads {var}")
            host, _, port = target.rpartition(":")
            if entry["spec"]["type"] == "LoadBalancer":
                ingress = entry.get("status", {}).get("loadBalancer", {}).get("ingress", [])
                ok = ingress and host == ingress[0].get("ip") and int(port) in [p["port"] for p in entry["spec"]["ports"]]
            else:
                ok = host == node and int(port) in [p.get("nodePort") for p in entry["spec"]["ports"]]
            self.check(ok, f"{name} forwards {var} to {target}, not to a port of {central}'s "
                       f"{entry['metadata']['namespace']}/{entry['metadata']['name']}")
        if shutil.which("haproxy"):
            path = os.path.join(self.work, "haproxy.cfg")
            with open(path, "w") as f:
                f.write(config + "\n")
            result = subprocess.run(["haproxy", "-c", "-f", path], capture_output=True, text=True,
                                    env=dict(os.environ, **targets))
            self.check(result.returncode == 0, f"{name}: haproxy -c rejects its configuration: {(result.stdout + result.stderr)[-800:]}")

    # --- scenarios ---------------------------------------------------------

    def diff(self, before, after):
        changed = sorted(k for k in before if after.get(k) != before[k])
        added = sorted(k for k in after if k not in before)
        return changed, added


def add_cluster(spec):
    """The spec with one more remote, shaped like the last remote."""
    remotes = [c for c in spec["clusters"] if c.get("role") == "remote"]
    if not remotes:
        return None
    new = json.loads(json.dumps(remotes[-1]))
    new["name"] = "sim-added"
    new["tenant"] = "simadded"
    net = new.get("network", {})
    if "clusterId" in net:
        net["clusterId"] = max(c.get("network", {}).get("clusterId", 0) for c in spec["clusters"]) + 1
    for field, second in (("podCIDR", 250), ("serviceCIDR", 251)):
        if field in net:
            net[field] = f"10.{second}.0.0/16"
    if "lbCIDR" in net and net["lbCIDR"] != "auto":
        net["lbCIDR"] = "auto"
    spec["clusters"].append(new)
    return spec


def render(sim, spec, folder):
    """Renders spec (a dict) into folder/repo, beside copies of the files
    the original spec names; returns the repository's path."""
    os.makedirs(folder)
    original = sim.specs[sim.first_repo]
    for name in os.listdir(os.path.dirname(original)):
        if os.path.isfile(os.path.join(os.path.dirname(original), name)):
            shutil.copy(os.path.join(os.path.dirname(original), name), folder)
    with open(os.path.join(folder, "lgtm.yaml"), "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)
    repo = os.path.join(folder, "repo")
    sim.specs[repo] = os.path.join(folder, "lgtm.yaml")
    subprocess.run([sim.lgtmgen, "render", os.path.join(folder, "lgtm.yaml"), "-o", repo], check=True,
                   capture_output=True)
    return repo


def existing_clusters(sim, repo):
    """Clusters of provider existing (clusters[].provider, else
    platform.provider) exist before the bootstrap runs, which creates none of
    them; each kube context is named like its cluster."""
    spec = yaml.safe_load(open(sim.specs[repo]))
    default = (spec.get("platform") or {}).get("provider", "kind")
    import fleet  # after SIM_STATE is set
    for c in spec["clusters"]:
        if c.get("provider", default) == "existing" and sim.st.kind_cluster(c["name"]) is None:
            fleet.create_existing_cluster(c["name"])


def scenario_rerun_and_grow(sim, repo, grow):
    """all.sh; every step alone (nothing may change); with grow, one more
    remote (its material appears, nobody else's changes)."""
    existing_clusters(sim, repo)
    steps = sim.steps(repo)
    sim.start_run()
    sim.run_script(repo, "all.sh")
    sim.check_all(repo)
    first = sim.material()
    sim.start_run()
    for step in steps:
        sim.run_script(repo, step)
    changed, added = sim.diff(first, sim.material())
    sim.check(not changed and not added, f"a re-run changed the fleet's material: changed {changed}, added {added}")
    replaced = [e["name"] for e in sim.events()[sim.run_start:] if e["tool"] == "docker" and e["op"] in ("run", "rm")]
    sim.check(not replaced, f"a re-run replaced the containers {replaced}")
    sim.check_all(repo)
    check_verify(sim, repo)
    spec = add_cluster(yaml.safe_load(open(sim.specs[repo]))) if grow else None
    if spec is None:
        return
    grown = render(sim, spec, os.path.join(sim.work, "grown"))
    existing_clusters(sim, grown)
    before = sim.material()
    sim.start_run()
    sim.run_script(grown, "all.sh")
    after = sim.material()
    changed, _ = sim.diff(before, after)
    sim.check(not changed, f"adding a cluster changed other clusters' material: {changed}")
    template = [c for c in spec["clusters"] if c.get("role") == "remote"][-2]["name"]
    theirs = {(k[1], k[2], k[3]) for k in after if k[0] == template}
    ours = {(k[1], k[2], k[3]) for k in after if k[0] == "sim-added"}
    sim.check(theirs == ours, f"the added cluster's material {sorted(ours)} differs in shape from {template}'s "
              f"{sorted(theirs)}")
    sim.check_all(grown)


def check_verify(sim, repo):
    """Step 60 against stand-in answers: every cluster with agents gets a
    row of ✓ when its data is there; a missing signal is named, with where
    to look, and the step exits 1."""
    if not os.path.exists(os.path.join(repo, "bootstrap", "60-verify.sh")):
        return
    watched = [c for c in sim.repo_clusters(repo) if c["agentScenario"] != "none"]
    out = sim.run_script(repo, "60-verify.sh")
    for c in watched:
        row = next((line for line in out.splitlines() if line.startswith(c["name"] + " ")), "")
        marks = row.split()[1:]
        sim.check(len(marks) == 3 and "✗" not in marks and marks[:2] == ["✓", "✓"],
                  f"60-verify.sh: the row of {c['name']} is {row!r}, with all data present")
    gap = watched[-1]["name"]
    out = sim.run_script(repo, "60-verify.sh", expect_status=1, extra_env={"SIM_VERIFY_MISSING": f"{gap}:logs"})
    sim.check(f"{gap} logs: nothing in the last" in out and "kubectl --context" in out,
              f"60-verify.sh does not name {gap}'s missing logs and where to look:\n{out[-1500:]}")


def scenario_central_without_workers(sim, repo):
    """The fleet with a central cluster of one node: its load-balancer
    addresses must still be announced."""
    spec = yaml.safe_load(open(sim.specs[repo]))
    central = next(c for c in spec["clusters"] if c.get("role") == "central")
    central.setdefault("nodes", {})["workers"] = 0
    small = render(sim, spec, os.path.join(sim.work, "no-workers"))
    sim.start_run()
    sim.run_script(small, "all.sh")
    sim.check_all(small)


def scenario_unusable_docker_network(sim, repo):
    """A docker network no /29 can be carved from (a /20): step 00 must
    stop, naming the reason, before any pool is applied."""
    os.environ["SIM_DOCKER_SUBNET"] = "172.18.0.0/20"
    try:
        sim.run_script(repo, "00-create-clusters.sh")
    except Failure as e:
        sim.check("cannot derive a load-balancer /29" in str(e), f"step 00 failed for another reason: {e}")
        for cluster in sim.st.clusters_with_objects():
            sim.check(not sim.st.list_objects(cluster, "CiliumLoadBalancerIPPool") and
                      not sim.st.list_objects(cluster, "IPAddressPool"), f"{cluster}: a pool was applied anyway")
        return
    finally:
        del os.environ["SIM_DOCKER_SUBNET"]
    raise Failure("step 00 succeeded on a docker network it cannot take load-balancer addresses from")


SCENARIOS = {
    "rerun": lambda sim, repo: scenario_rerun_and_grow(sim, repo, grow=False),
    "grow": lambda sim, repo: scenario_rerun_and_grow(sim, repo, grow=True),
    "central-without-workers": scenario_central_without_workers,
    "unusable-docker-network": scenario_unusable_docker_network,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lgtmgen", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--spec", help="the spec REPO was rendered from (default: REPO/lgtm.yaml); files it names "
                    "are relative to its folder")
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                    help="what to run, each in a fleet of its own (default: grow)")
    ap.add_argument("--keep", action="store_true", help="keep the work folders")
    args = ap.parse_args()
    if shutil.which("openssl") is None:
        print("SKIP: openssl is not installed")
        return 0
    repo = os.path.abspath(args.repo)
    total = 0
    for name in args.scenario or ["grow"]:
        work = tempfile.mkdtemp(prefix=f"lgtmgen-sim-{name}-")
        sim = Simulation(os.path.abspath(args.lgtmgen), work)
        sim.first_repo = repo
        sim.specs[repo] = os.path.abspath(args.spec or os.path.join(repo, "lgtm.yaml"))
        try:
            SCENARIOS[name](sim, repo)
        except Failure as e:
            print(f"FAIL {args.repo} [{name}]: {e}")
            calls_path = os.path.join(work, "state", "calls.log")
            calls = open(calls_path).read().splitlines() if os.path.exists(calls_path) else []
            print("-- last stand-in calls:")
            print("\n".join(calls[-25:]))
            print("-- changes since the last script started:")
            for e in sim.events()[getattr(sim, "mark", 0):][-40:]:
                print(f"  {e['tool']:>16} {e['op']:<12} {e['cluster']} {e['kind']} {e['ns']}/{e['name']} "
                      f"{e['detail']}")
            print(f"-- work folder (kept): {work}")
            return 1
        total += sim.checks
        if args.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work)
    print(f"PASS {args.repo} [{', '.join(args.scenario or ['grow'])}]: {total} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
