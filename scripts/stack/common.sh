# Shared helpers for scripts/stack.sh. Each service file defines:
#   <s>_prepare (fetch/install/init, idempotent), <s>_start, <s>_healthy, <s>_describe, <s>_logfile, <s>_clean
STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="${CONVEYOR_STACK_DIR:-$STACK_ROOT/.stack}"
STACK_SERVICES=(kafka etcd mariadb elasticsearch)
# shellcheck source=../progress.sh
source "$STACK_ROOT/scripts/progress.sh"
# Where Maven keeps what it downloads: its growth is the download progress of the stack's fetches.
STACK_M2_REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"

stack_is_service() { local s; for s in "${STACK_SERVICES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
stack_log() { echo "stack: $*" >&2; }
stack_pidfile() { echo "$STACK_DIR/$1/$1.pid"; }

# The pid this stack started for a service, if that process is still alive.
stack_pid() { pid_from_file "$(stack_pidfile "$1")"; }

# The pid in a pid file, if that process is still alive.
pid_from_file() {
  local f="$1"
  [ -s "$f" ] || return 1
  local pid; pid=$(tr -d '[:space:]' < "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a service start command detached, with stdout/stderr in its log and its pid in its pid file.
stack_spawn() {
  local s="$1"; shift
  local log; log=$("${s}_logfile")
  mkdir -p "$(dirname "$log")"
  setsid "$@" >>"$log" 2>&1 < /dev/null &
  echo $! > "$(stack_pidfile "$s")"
}

# Decides whether a service must be started: 0 = start it, 1 = already running (ours or someone else's).
stack_should_start() {
  local s="$1" port="$2"
  if stack_pid "$s" >/dev/null; then stack_log "$s already running (pid $(stack_pid "$s"))"; return 1; fi
  if port_open "$port"; then
    if "${s}_healthy"; then
      stack_log "$s: port $port is served by a process this stack did not start; using it as it is"
      return 1
    fi
    stack_log "$s: port $port is taken by another process that is not a healthy $s; free the port and retry"
    exit 1
  fi
  return 0
}

stack_wait_healthy() {
  local s="$1" limit="${2:-300}" waited=0
  while ! "${s}_healthy"; do
    if ! stack_pid "$s" >/dev/null && ! port_open "$("${s}_port")"; then
      stack_log "$s exited while starting; last lines of $("${s}_logfile"):"
      tail -n 30 "$("${s}_logfile")" >&2 || true
      return 1
    fi
    if [ "$waited" -ge "$limit" ]; then stack_log "$s not healthy after ${limit}s"; return 1; fi
    sleep 1; waited=$((waited + 1))
  done
}

stack_stop() {
  local s="$1" pid
  if ! pid=$(stack_pid "$s"); then stack_log "$s: not started by this stack"; rm -f "$(stack_pidfile "$s")"; return 0; fi
  stack_log "stopping $s (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then stack_log "$s did not stop in 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$(stack_pidfile "$s")"
}

stack_print_status() {
  local s rc=0 state pid
  for s in "$@"; do
    pid=$(stack_pid "$s" || echo "-")
    if "${s}_healthy"; then state=healthy; else state=UNHEALTHY; rc=1; fi
    printf '%-14s %-10s pid=%-8s %s\n' "$s" "$state" "$pid" "$("${s}_describe")"
  done
  return "$rc"
}

# A JDK whose major version is at least $1: $ES_JAVA_HOME/$JAVA_HOME if new enough, then /usr/lib/jvm/*.
java_home_at_least() {
  local want="$1" candidate v
  for candidate in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-*-jdk* /usr/lib/jvm/java-*-openjdk* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    v=$("$candidate/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Runs maven quietly in batch mode; the artifacts are cached in the local maven repository.
stack_mvn() { mvn -B -q -ntp -Dstyle.color=never "$@"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  if ! is_root; then stack_log "missing $*: install it with: sudo apt-get install $*"; return 1; fi
  stack_log "installing $* with apt-get"
  local lists; lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)
  [ -n "$lists" ] || DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2; }
}
