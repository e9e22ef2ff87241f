"""Every Secret a workload needs exists once the fleet is up.

A pod whose non-optional Secret volume, projected Secret, secretKeyRef or
envFrom secretRef names a Secret that nobody makes never starts
(CreateContainerConfigError, or ContainerCreating for good). Each such
reference, per cluster and namespace, must be met by one of:

* a Secret an Application renders on that cluster;
* the secretName of a cert-manager Certificate rendered there;
* a Secret the bootstrap makes (`put_secret CLUSTER NS NAME` or
  `create secret generic NAME` in bootstrap/*.sh; a namespace held in a
  variable matches any namespace);
* a Secret a rendered kube-webhook-certgen Job creates (webhook charts'
  Helm hooks, which Argo CD runs);
* a Secret a controller makes from a rendered object (CONTROLLER_SECRETS).
"""
import glob
import os
import re

# (namespace or "*", name) of Secrets made by a controller, with who makes it.
CONTROLLER_SECRETS = {}

PUT_SECRET = re.compile(r'put_secret\s+"?\$\{?\w+\}?"?\s+("?[^\s"]+"?)\s+("?[^\s"]+"?)')
CREATE_SECRET = re.compile(r'-n\s+("?[^\s"]+"?)\s+create secret generic\s+("?[^\s"]+"?)')


def bootstrap_secrets(repo):
    """(namespace, name) pairs the bootstrap scripts make; a namespace in a
    variable is "*". Names held in variables are skipped (they are per
    cluster: Argo CD's cluster Secrets)."""
    out = set()
    for path in sorted(glob.glob(os.path.join(repo, "bootstrap", "*.sh"))):
        text = open(path).read()
        for pattern in (PUT_SECRET, CREATE_SECRET):
            for ns, name in pattern.findall(text):
                ns, name = ns.strip('"'), name.strip('"')
                if "$" in name:
                    continue
                out.add(("*" if "$" in ns else ns, name))
    return out


def pod_spec(obj):
    spec = obj.get("spec") or {}
    if obj["kind"] == "Pod":
        return spec
    if obj["kind"] == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or None


def secret_refs(spec):
    """The names of the Secrets a pod cannot start without, with where each is used."""
    refs = []
    for v in spec.get("volumes") or []:
        s = v.get("secret")
        if s and not s.get("optional"):
            refs.append((s.get("secretName"), f"volume {v.get('name')}"))
        for src in (v.get("projected") or {}).get("sources") or []:
            s = src.get("secret")
            if s and not s.get("optional"):
                refs.append((s.get("name"), f"projected volume {v.get('name')}"))
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for e in c.get("env") or []:
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref and not ref.get("optional"):
                refs.append((ref.get("name"), f"container {c.get('name')} env {e.get('name')}"))
        for e in c.get("envFrom") or []:
            ref = e.get("secretRef")
            if ref and not ref.get("optional"):
                refs.append((ref.get("name"), f"container {c.get('name')} envFrom"))
    return [(name, where) for name, where in refs if name]


def certgen_secrets(obj):
    """The Secrets a rendered Job of kube-webhook-certgen creates
    (`create --secret-name=NAME --namespace=NS`), as webhook charts run it."""
    if obj["kind"] != "Job":
        return set()
    out = set()
    for c in (pod_spec(obj) or {}).get("containers") or []:
        args = c.get("args") or []
        if "create" not in args:
            continue
        flags = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
        if "secret-name" in flags:
            out.add((flags.get("namespace", obj["metadata"].get("namespace")), flags["secret-name"]))
    return out


def check_secret_refs(repo, objs_by_cluster, problems):
    made_by_bootstrap = bootstrap_secrets(repo)
    checked = 0
    for cluster, objs in sorted(objs_by_cluster.items()):
        present = set()
        for o in objs:
            md = o.get("metadata") or {}
            if o["kind"] == "Secret":
                present.add((md.get("namespace"), md.get("name")))
            if o["kind"] == "Certificate" and o.get("apiVersion", "").startswith("cert-manager.io/"):
                present.add((md.get("namespace"), (o.get("spec") or {}).get("secretName")))
            present.update(certgen_secrets(o))
        for o in objs:
            spec = pod_spec(o)
            if spec is None:
                continue
            ns = (o.get("metadata") or {}).get("namespace")
            for name, where in secret_refs(spec):
                checked += 1
                if ((ns, name) in present or (ns, name) in made_by_bootstrap or ("*", name) in made_by_bootstrap
                        or (ns, name) in CONTROLLER_SECRETS or ("*", name) in CONTROLLER_SECRETS):
                    continue
                problems.append(f"{cluster}: {o.get('_app', '?')} {o['kind']} {ns}/{o['metadata']['name']} needs "
                                f"Secret {ns}/{name} ({where}), which no Application, Certificate, bootstrap step "
                                f"or known controller makes")
    return checked
