#!/usr/bin/env bash
# npm run bench -- <name>: runs one benchmark; each prints figures and ends with one JSON line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
conveyor_ensure_deps
cd "$CONVEYOR_ROOT"
exec "$CONVEYOR_NODE" --no-node-snapshot bench/run.ts "$@"
