#!/usr/bin/env bash
# One command from a fresh Debian (bookworm) machine to a rendered repository:
# installs the build dependencies (Debian packages only), builds lgtmgen into
# build/, and renders the default preset into out/minimal/.
# Re-running is safe: apt-get and cmake skip what is done, and the render
# rewrites only what changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

packages=(cmake g++ make pkg-config libyaml-cpp-dev libyaml-dev nlohmann-json3-dev libgit2-dev libcli11-dev
          libfmt-dev catch2 libvalijson-dev
          # for the tests: the bootstrap simulator (tests/bootstrap_sim) runs
          # the generated scripts with real bash and openssl
          python3 python3-yaml openssl
          # ... and checks the host proxy's configuration with haproxy -c
          haproxy
          # the ingest proxy test (tests/ingest) runs its nginx configuration
          nginx-light curl
          # promtool, for the alert rules' unit tests (alerts/tests/run.sh)
          prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${p}")
done
if ((${#missing[@]} > 0)); then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
./build/lgtmgen render --preset minimal -o out/minimal
echo "next: read out/minimal/README.md, or run the tests: ctest --test-dir build -j"$(nproc)" --output-on-failure" >&2
