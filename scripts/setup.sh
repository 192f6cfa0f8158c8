#!/bin/sh
# Installs what tracesynth needs to build and test on Debian 12 (run as root or with sudo).
set -e
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="build-essential libopenblas-dev libfftw3-dev libbabeltrace2-dev babeltrace2 strace zlib1g-dev valgrind libopenmpi-dev openmpi-bin"
missing=""
PKGS="$PKGS clang libclang-rt-14-dev libomp-dev"   # make fuzz: libFuzzer, sanitizers, OpenMP for clang
PKGS="$PKGS libdnnl-dev"   # --precision bf16: oneDNN's bf16 matmul
PKGS="$PKGS pkg-config"    # make install-check: the installed library through tracesynth.pc
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
# optional: PyTorch, only to regenerate the parity fixtures (tests/torch/)
if [ "${1:-}" = "--with-torch" ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-torch python3-numpy >/dev/null
fi
