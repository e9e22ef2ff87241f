#!/usr/bin/env python3
"""Runs a rendered repository's ingest proxy (components/ingest/nginx.conf)
with a real nginx in front of a recording back end, and checks that it fixes
the tenant:

* no credentials, or a wrong password: 401, and nothing reaches a back end;
* a tenant of another backend set (isolation: instances): 401;
* a write path with valid credentials and another tenant's X-Scope-OrgID:
  passed on with X-Scope-OrgID set to the authenticated tenant, and without
  the Authorization header;
* a query or any other path: 403, and nothing reaches a back end;
* gRPC listeners: no credentials 401, another method 403.

Only what cannot run outside a pod is changed: file locations, the listen
ports (moved to free ones), `set $upstream` (the recording back end instead
of a cluster name, so no resolver is needed) and, for Debian's nginx 1.22,
`http2 on` (moved into `listen ... http2`).

Usage: proxy_test.py REPO. Exits 77 (skipped) without nginx, curl or openssl.
"""
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
QUERY_PATHS = ["/prometheus/api/v1/query?query=up", "/loki/api/v1/query_range?query=%7Bx%3D%22y%22%7D",
               "/api/traces/abc", "/api/v1/push/extra", "/config", "/"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Recorder.seen.append((self.path, self.headers.get("X-Scope-OrgID"), self.headers.get("Authorization")))
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = _any

    def log_message(self, *args):
        pass


def curl(url, user=None, tenant_header=None, http2=False, data=True):
    cmd = ["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5"]
    if http2:
        cmd += ["--http2", "-H", "Content-Type: application/grpc"]
    if user:
        cmd += ["-u", user]
    if tenant_header:
        cmd += ["-H", f"X-Scope-OrgID: {tenant_header}"]
    if data:
        cmd += ["--data-binary", "x"]
    return subprocess.run(cmd + [url], capture_output=True, text=True).stdout.strip()


def main():
    repo = sys.argv[1]
    for tool in (NGINX, shutil.which("curl"), shutil.which("openssl")):
        if not tool or not os.path.exists(tool):
            print("skipped: needs nginx, curl and openssl")
            return 77
    conf_path = os.path.join(repo, "components/ingest/nginx.conf")
    if not os.path.exists(conf_path):
        print(f"{repo}: no ingest proxy (no remote cluster ships telemetry)")
        return 0
    conf = open(conf_path).read()
    work = tempfile.mkdtemp(prefix="lgtmgen-ingest-")
    problems = []
    nginx = None
    try:
        os.makedirs(f"{work}/tls")
        os.makedirs(f"{work}/htpasswd")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=ingest",
                        "-keyout", f"{work}/tls/tls.key", "-out", f"{work}/tls/tls.crt"], check=True,
                       capture_output=True)
        # One tenant per user file (backend set): "<file>-tenant", password "pw-<file>".
        user_files = sorted(set(re.findall(r"auth_basic_user_file /etc/lgtm-ingest/htpasswd/(\S+);", conf)))
        for f in user_files:
            hashed = subprocess.run(["openssl", "passwd", "-apr1", f"pw-{f}"], capture_output=True, text=True,
                                    check=True).stdout.strip()
            open(f"{work}/htpasswd/{f}", "w").write(f"{f}-tenant:{hashed}\n")

        backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        threading.Thread(target=backend.serve_forever, daemon=True).start()
        upstream = f"127.0.0.1:{backend.server_address[1]}"

        text = conf.replace("/tmp/", f"{work}/").replace("/etc/lgtm-ingest/", f"{work}/")
        text = re.sub(r"^\s*resolver(_timeout)? [^;]*;\n", "", text, flags=re.M)
        text = re.sub(r"access_log /dev/stdout;", "access_log off;", text)
        text = re.sub(r"set \$upstream \S+;", f"set $upstream {upstream};", text)
        servers = []  # (port, grpc, user_file)
        port_map = {}

        def relisten(m):
            port = int(m.group(1))
            port_map[port] = free_port()
            return f"listen {port_map[port]}{m.group(2)}"

        text = re.sub(r"listen (\d+)((?: ssl)?);", lambda m: relisten(m) + ";", text)
        blocks = text.split("  server {")
        for i, block in enumerate(blocks):
            if "http2 on;" in block:
                block = block.replace("    http2 on;\n", "").replace(" ssl;", " ssl http2;", 1)
                blocks[i] = block
            m = re.search(r"listen (\d+) ssl", block)
            user = re.search(r"auth_basic_user_file \S+/htpasswd/(\S+);", block)
            if m and user:
                servers.append((int(m.group(1)), "grpc_pass" in block, user.group(1)))
        text = "  server {".join(blocks)
        open(f"{work}/nginx.conf", "w").write(text)
        # Started as root, nginx's workers run as another user: they must read the files.
        for root, dirs, files in os.walk(work):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        os.chmod(work, 0o755)
        check = subprocess.run([NGINX, "-t", "-c", f"{work}/nginx.conf", "-p", work, "-e", "stderr"],
                               capture_output=True, text=True)
        if check.returncode != 0:
            print(f"FAIL nginx -t: {check.stderr}")
            return 1
        nginx = subprocess.Popen([NGINX, "-c", f"{work}/nginx.conf", "-p", work, "-e", "stderr", "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(50):
            if servers and curl(f"https://127.0.0.1:{servers[0][0]}/", data=False) != "000":
                break
            time.sleep(0.1)

        checked = 0
        for port, grpc, user_file in servers:
            base = f"https://127.0.0.1:{port}"
            tenant = f"{user_file}-tenant"
            good = f"{tenant}:pw-{user_file}"
            write = "/opentelemetry.proto.collector.trace.v1.TraceService/Export" if grpc else None
            if not grpc:
                loc = re.search(rf"listen {port} ssl.*?location = (\S+) ", text, re.S)
                write = loc.group(1)
            Recorder.seen.clear()
            expect = [
                ("no credentials", curl(base + write, http2=grpc), "401"),
                ("a wrong password", curl(base + write, user=f"{tenant}:wrong", http2=grpc), "401"),
            ]
            for other in user_files:
                if other != user_file:
                    expect.append((f"the tenant of backend set {other}",
                                   curl(base + write, user=f"{other}-tenant:pw-{other}", http2=grpc), "401"))
            for q in ([] if grpc else QUERY_PATHS) + (["/grpc.health.v1.Health/Check"] if grpc else []):
                expect.append((f"{q} with valid credentials", curl(base + q, user=good, http2=grpc), "403"))
            for what, got, want in expect:
                checked += 1
                if got != want:
                    problems.append(f"port {port}: {what} got HTTP {got}, want {want}")
            if Recorder.seen:
                problems.append(f"port {port}: refused requests reached the back end: {Recorder.seen}")
            if not grpc:
                for loc in re.findall(rf"location = (\S+) \{{", text.split(f"listen {port} ssl", 1)[1].split("  server {")[0]):
                    Recorder.seen.clear()
                    got = curl(base + loc, user=good, tenant_header="someone-else")
                    checked += 1
                    if got != "204":
                        problems.append(f"port {port}: {loc} with valid credentials got HTTP {got}, want 204")
                    elif Recorder.seen != [(loc, tenant, None)]:
                        problems.append(f"port {port}: {loc} reached the back end as {Recorder.seen}, want "
                                        f"X-Scope-OrgID {tenant} and no Authorization")
        print(f"{repo}: {len(servers)} listeners, {checked} requests checked, {len(problems)} problems")
        for p in problems:
            print("FAIL", p)
        return 1 if problems or not servers else 0
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
