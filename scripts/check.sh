#!/usr/bin/env bash
# Type check and lint the whole tree.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
conveyor_ensure_deps
cd "$CONVEYOR_ROOT"
echo "conveyor: type check (tsc --noEmit)" >&2
tsc --noEmit -p tsconfig.json
tsc --noEmit -p host/console/web/tsconfig.json   # the web console: browser code, DOM types
echo "conveyor: lint (eslint)" >&2
eslint --max-warnings=0 .
