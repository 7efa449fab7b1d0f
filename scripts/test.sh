#!/usr/bin/env bash
# npm test: type check and lint, bring the local stack up if it is down, then run unit and integration tests
# with Node's test runner. Usage: npm test [-- unit|integration]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
conveyor_ensure_deps
cd "$CONVEYOR_ROOT"

scope="${1:-all}"
case "$scope" in
  unit) patterns=('test/unit/**/*.test.ts') ;;
  integration) patterns=('test/integration/**/*.test.ts') ;;
  all) patterns=('test/unit/**/*.test.ts' 'test/integration/**/*.test.ts') ;;
  *) echo "usage: npm test [-- unit|integration]" >&2; exit 2 ;;
esac

bash scripts/check.sh
# The Rust WebAssembly example builds with Debian's rustc and wasm32 standard library.
bash scripts/rust-wasm.sh

if [ "$scope" != unit ]; then
  if ! bash scripts/stack.sh status >/dev/null 2>&1; then
    echo "conveyor: the local stack is not fully up; starting it (npm run stack -- up)" >&2
    bash scripts/stack.sh up
  fi
  bash scripts/chromium.sh >/dev/null   # the browser the web console's tests drive (test/integration/console/)
fi

echo "conveyor: running tests: ${patterns[*]}" >&2
exec "$CONVEYOR_NODE" --no-node-snapshot --test --test-concurrency=1 --test-timeout=240000 "${patterns[@]}"
