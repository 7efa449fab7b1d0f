#!/usr/bin/env bash
# Installs what builds Rust WebAssembly connectors (examples/wasm-rust-lines): Debian's rustc, its wasm32 standard
# library and the wasm linker, with apt. Does nothing when they are there. Usage: bash scripts/rust-wasm.sh
set -euo pipefail
if [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/wasm32-unknown-unknown ] && [ -n "$(readlink -e /usr/bin/rust-lld)" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "conveyor: Rust for WebAssembly is missing; run as root (or with sudo): apt-get install rustc libstd-rust-dev-wasm32 lld-14" >&2
  exit 1
fi
echo "conveyor: installing rustc, libstd-rust-dev-wasm32 and lld-14 (apt)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends rustc libstd-rust-dev-wasm32 lld-14 >&2
