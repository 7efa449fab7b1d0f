#!/usr/bin/env bash
# npm run quickstart: install dependencies (with Node.js 24, provisioned if needed), bring the local stack up
# and print its status.
set -euo pipefail
step() { printf '\n==> %s\n' "$*"; }

step "Node.js 24+"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
echo "using $CONVEYOR_NODE ($("$CONVEYOR_NODE" --version))"

step "Dependencies"
conveyor_ensure_deps
echo "installed in $CONVEYOR_ROOT/node_modules"

step "Local stack: Kafka, etcd, MariaDB, Elasticsearch (first start downloads Kafka and Elasticsearch from Maven Central)"
bash "$CONVEYOR_ROOT/scripts/stack.sh" up

step "Stack status"
bash "$CONVEYOR_ROOT/scripts/stack.sh" status
echo
echo "The stack keeps running; stop it with: npm run stack -- down"
