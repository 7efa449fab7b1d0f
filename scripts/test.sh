#!/usr/bin/env bash
# npm test: type check and lint, bring the local stack up if it is down, then run unit and integration tests
# with Node's test runner. Usage: npm test [-- unit|integration|chaos]
# The long fault and chaos tests (test/integration/faults/, test/integration/distributed/) are not part of `npm test`:
# `npm run test:chaos` (this script with `chaos`) runs them; CI runs both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
conveyor_ensure_deps
cd "$CONVEYOR_ROOT"

chaos_dirs=(test/integration/faults test/integration/distributed)
# Integration test files outside the chaos directories.
integration_files() {
  find test/integration -name '*.test.ts' -not -path 'test/integration/faults/*' -not -path 'test/integration/distributed/*' | sort
}

scope="${1:-all}"
case "$scope" in
  unit) patterns=('test/unit/**/*.test.ts') ;;
  integration) mapfile -t patterns < <(integration_files) ;;
  all) mapfile -t patterns < <(integration_files); patterns=('test/unit/**/*.test.ts' "${patterns[@]}") ;;
  chaos) mapfile -t patterns < <(find "${chaos_dirs[@]}" -name '*.test.ts' | sort) ;;
  *) echo "usage: npm test [-- unit|integration|chaos]" >&2; exit 2 ;;
esac

if [ "$scope" != chaos ]; then
  bash scripts/check.sh
  # The Rust WebAssembly example builds with Debian's rustc and wasm32 standard library.
  bash scripts/rust-wasm.sh
fi

if [ "$scope" != unit ]; then
  if ! bash scripts/stack.sh status >/dev/null 2>&1; then
    echo "conveyor: the local stack is not fully up; starting it (npm run stack -- up)" >&2
    bash scripts/stack.sh up
  fi
  [ "$scope" = chaos ] || bash scripts/chromium.sh >/dev/null   # the browser the web console's tests drive (test/integration/console/)
fi

echo "conveyor: running tests: ${patterns[*]}" >&2
exec "$CONVEYOR_NODE" --no-node-snapshot --test --test-concurrency=1 --test-timeout=240000 "${patterns[@]}"
