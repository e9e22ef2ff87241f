#!/usr/bin/python3
"""The stand-in's JSONPath against the real kubectl's, for every expression
the generated scripts use (and the mistakes they must not make), on objects
shaped like the ones they read. kubectl evaluates offline with
`kubectl label --local -f FILE -o jsonpath=...`. Without kubectl: SKIP.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonpath  # noqa: E402

OBJECTS = [
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"},
     "data": {"tls.crt": "Y2VydA==", "ca": "Y2E=", "admin-user": "YWRtaW4=", "AWS_ACCESS_KEY_ID": "aWQ="}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "linkerd-gateway", "namespace": "n"},
     "spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"ip": "172.18.255.249"}]}}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "pending", "namespace": "n"},
     "spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app", "namespace": "n"},
     "data": {"status": "Synced"}},
]
EXPRESSIONS = [
    r"{.data.tls\.crt}", "{.data.tls.crt}", "{.data.ca}", "{.data.admin-user}", "{.data.AWS_ACCESS_KEY_ID}",
    "{.data.missing}", "{.status.loadBalancer.ingress[0].ip}", "{.status.loadBalancer.ingress[1].ip}",
    "{.status.loadBalancer}", "{.data}", "{.metadata.name}: {.data.status}",
]


def main():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("SKIP: kubectl is not installed; the stand-in's JSONPath is not compared with kubectl's")
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        for obj in OBJECTS:
            path = os.path.join(d, "obj.json")
            with open(path, "w") as f:
                json.dump(obj, f)
            for expr in EXPRESSIONS:
                real = subprocess.run([kubectl, "label", "--local", "-f", path, "sim-", "-o", f"jsonpath={expr}"],
                                      capture_output=True, text=True, env=dict(os.environ, KUBECONFIG="/dev/null"))
                try:
                    ours, failed = jsonpath.evaluate(expr, obj), False
                except jsonpath.JsonPathError as e:
                    ours, failed = str(e), True
                if (real.returncode != 0) != failed or (not failed and real.stdout != ours):
                    failures += 1
                    print(f"FAIL {obj['kind']}/{obj['metadata']['name']} {expr}: kubectl {real.stdout!r} "
                          f"(exit {real.returncode}{', ' + real.stderr.strip() if real.stderr else ''}), "
                          f"stand-in {ours!r}")
    checked = len(OBJECTS) * len(EXPRESSIONS)
    print(f"{checked - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
