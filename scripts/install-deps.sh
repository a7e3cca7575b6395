#!/usr/bin/env bash
# Installs every Debian 12 package Storyline needs to build, test and run.
# This is the one package list: README.md, .ci/run and the Dockerfile all call it.
#
#   scripts/install-deps.sh          build + test dependencies (default)
#   scripts/install-deps.sh runtime  only the shared libraries the binaries need
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc
  libprotobuf-dev protobuf-compiler
  libabsl-dev
  libxapian-dev xapian-tools
  libssl-dev openssl
  libcli11-dev libspdlog-dev
  libeigen3-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Metrics (Prometheus client with its HTTP exposer) and JSON log lines.
  prometheus-cpp-dev nlohmann-json3-dev
  # Metrics test: a real Prometheus server scrapes storyline-server.
  prometheus
  # Reflection test: a client we did not write (Python grpcio + Debian's protos).
  python3 python3-grpcio python3-protobuf grpc-proto
  # Sanitizer and fuzzer builds (scripts/sanitize.sh, scripts/fuzz.sh):
  # clang, its sanitizer runtimes and libFuzzer, and llvm-symbolizer.
  clang-14 libclang-rt-14-dev llvm-14
  # Style checks in CI: scripts/check_format.sh and scripts/tidy.sh.
  clang-format-14 clang-tidy-14
  # Kubernetes manifests (deploy/k8s), checked offline by tests/k8s: the API
  # models and YAML for Debian's python3. kubectl itself is added below.
  python3-kubernetes python3-yaml
)

RUNTIME_PACKAGES=(
  libgrpc++1.51 libgrpc29 libprotobuf32 libxapian30 libabsl20220623
  libspdlog1.10 libfmt9 libssl3 libzstd1 ca-certificates
  libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libcivetweb1 zlib1g
  # Read replicas and remote shards: xapian-replicate(-server), xapian-tcpsrv.
  xapian-tools
)

if [[ "${1:-build}" == "runtime" ]]; then
  PACKAGES=("${RUNTIME_PACKAGES[@]}")
else
  PACKAGES=("${BUILD_PACKAGES[@]}")
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi

# kubectl for tests/k8s: Debian's kubernetes-client, unless a kubectl is
# already installed (another package owning /usr/bin/kubectl would clash).
if [[ "${1:-build}" != "runtime" ]] && ! command -v kubectl > /dev/null; then
  PACKAGES+=(kubernetes-client)
fi

# Skip apt entirely when everything is already there (fast repeated runs).
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
