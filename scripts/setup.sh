#!/usr/bin/env bash
# Installs every Debian package TowerRec needs to build, test and benchmark (pybind11,
# the Python headers, numpy and pandas for the `towerrec` Python module and its tests).
# OpenBLAS replaces the reference BLAS behind LibTorch's matrix products (several times
# faster). Idempotent: packages already present are not touched, so a second run is quick.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config curl
  libtorch-dev libopenblas0-pthread libgloo-dev libhnswlib-dev
  libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libcpp-httplib-dev libsqlite3-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-numpy python3-pandas
)
if [ "${TOWERREC_BENCH_DEPS:-0}" = 1 ]; then
  packages+=(python3-torch python3-sklearn wrk)
fi
# clang with libFuzzer and the sanitizer runtimes, for scripts/ci_hardening.sh.
if [ "${TOWERREC_FUZZ_DEPS:-0}" = 1 ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
