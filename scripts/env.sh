# Sourced by the project's scripts: puts Node.js 24+ first on PATH and installs dependencies when missing.
# Exports CONVEYOR_NODE (the node binary) and CONVEYOR_ROOT (the checkout).
CONVEYOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONVEYOR_NODE="$("$CONVEYOR_ROOT/scripts/node24.sh")"
PATH="$(dirname "$CONVEYOR_NODE"):$CONVEYOR_ROOT/node_modules/.bin:$PATH"
export CONVEYOR_ROOT CONVEYOR_NODE PATH

# Installs dependencies with Node 24 as the interpreter when node_modules is missing or older than the lockfile.
conveyor_ensure_deps() {
  local stamp="$CONVEYOR_ROOT/node_modules/.conveyor-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$CONVEYOR_ROOT/package-lock.json" ] && [ "$stamp" -nt "$CONVEYOR_ROOT/package.json" ]; then
    return 0
  fi
  echo "conveyor: installing dependencies (npm install)" >&2
  (cd "$CONVEYOR_ROOT" && npm install --no-audit --no-fund --loglevel=error >&2)
  touch "$stamp"
}

# Inside this repository @conveyor/sdk is a workspace without a build: its `@conveyor/source` export condition
# points Node at the TypeScript sources (tsconfig.json's customConditions and the bundler do the same).
case " ${NODE_OPTIONS:-} " in
  *" --conditions=@conveyor/source "*) ;;
  *) export NODE_OPTIONS="--conditions=@conveyor/source${NODE_OPTIONS:+ $NODE_OPTIONS}" ;;
esac
