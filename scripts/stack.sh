#!/usr/bin/env bash
# The local stack: real Kafka, etcd, MariaDB and Elasticsearch on loopback, each with its pid, data and log
# under .stack/. Usage: npm run stack -- up|down [--clean]|status|logs [service] [service...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/stack/common.sh"
for service in "${STACK_SERVICES[@]}"; do source "$here/stack/$service.sh"; done

usage() {
  cat <<USAGE
usage: npm run stack -- <command> [options] [service...]
  up              start every service that is not running (idempotent)
  down [--clean]  stop the services this stack started (by pid); --clean also deletes their data
options of up:
  --kafka-brokers N   1 (default) or 3: three combined KRaft nodes on 9092-9094, replication factor 3,
                      min.insync.replicas=2 (switching needs 'down --clean kafka' first)
  status          one line per service; exits non-zero if any is unhealthy
  logs [service]  the last lines of each service's log
services: ${STACK_SERVICES[*]}
USAGE
}

cmd="${1:-}"; shift || true
clean=0; selected=()
while [ "$#" -gt 0 ]; do
  arg="$1"; shift
  case "$arg" in
    --clean) clean=1 ;;
    --kafka-brokers|--kafka-brokers=*)
      if [ "$arg" = --kafka-brokers ]; then n="${1:-}"; shift || true; else n="${arg#*=}"; fi
      case "$n" in 1|3) export CONVEYOR_STACK_KAFKA_NODES="$n" ;; *) echo "--kafka-brokers takes 1 or 3, not '$n'" >&2; exit 2 ;; esac ;;
    -h|--help) usage; exit 0 ;;
    *) if stack_is_service "$arg"; then selected+=("$arg"); else echo "unknown service or option: $arg" >&2; usage >&2; exit 2; fi ;;
  esac
done
[ "${#selected[@]}" -gt 0 ] || selected=("${STACK_SERVICES[@]}")

case "$cmd" in
  up)
    mkdir -p "$STACK_DIR"
    started_at=$(date +%s)
    # Fetch and prepare everything first (downloads in parallel), then start and wait for health.
    pids=()
    for s in "${selected[@]}"; do ( "${s}_prepare" ) & pids+=($!); done
    failed=0
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    [ "$failed" -eq 0 ] || { echo "stack: preparing a service failed (see messages above)" >&2; exit 1; }
    for s in "${selected[@]}"; do "${s}_start"; done
    rc=0
    for s in "${selected[@]}"; do stack_wait_healthy "$s" || rc=1; done
    echo "stack: up in $(( $(date +%s) - started_at ))s" >&2
    stack_print_status "${selected[@]}" || rc=1
    exit "$rc"
    ;;
  down)
    for s in "${selected[@]}"; do
      if declare -F "${s}_stop_others" >/dev/null; then "${s}_stop_others"; fi
      stack_stop "$s"; [ "$clean" -eq 1 ] && "${s}_clean"; done
    exit 0
    ;;
  status) stack_print_status "${selected[@]}" ;;
  logs) for s in "${selected[@]}"; do echo "==> $s: $("${s}_logfile")"; tail -n "${LINES_TO_SHOW:-40}" "$("${s}_logfile")" 2>/dev/null || echo "(no log yet)"; done ;;
  ""|-h|--help|help) usage ;;
  *) echo "unknown command: $cmd" >&2; usage >&2; exit 2 ;;
esac
