# Elasticsearch 9.x on 127.0.0.1:9200 from the integ-test-zip distribution on Maven Central, under Java 21+,
# as a non-root user (Elasticsearch refuses to run as root), heap 512 MB. CONVEYOR_STACK_ES_PORT moves it (transport
# on the port + 100) and CONVEYOR_STACK_ES_WRITE_QUEUE sets thread_pool.write.queue_size (a tiny queue makes it answer
# bulk requests with 429s), so a test can run a node of its own beside the default stack.
ES_VERSION="${CONVEYOR_ES_VERSION:-9.2.4}"
ES_DIR="$STACK_DIR/elasticsearch"
ES_HOME="$ES_DIR/elasticsearch-$ES_VERSION"
ES_USER="${CONVEYOR_ES_USER:-conveyor-es}"
ES_PORT="${CONVEYOR_STACK_ES_PORT:-9200}"
ES_WRITE_QUEUE="${CONVEYOR_STACK_ES_WRITE_QUEUE:-}"

elasticsearch_port() { echo "$ES_PORT"; }
elasticsearch_logfile() { echo "$ES_DIR/elasticsearch.log"; }
elasticsearch_describe() { echo "Elasticsearch $ES_VERSION http://127.0.0.1:$ES_PORT data=$ES_DIR/data"; }
elasticsearch_healthy() {
  curl -fsS -m 3 "http://127.0.0.1:$ES_PORT/_cluster/health" 2>/dev/null | grep -qE '"status":"(green|yellow)"'
}

# Prints the command prefix that runs a command as the Elasticsearch user (empty when not root).
es_as_user() { if is_root; then echo "runuser -u $ES_USER --"; fi; }

elasticsearch_prepare() {
  mkdir -p "$ES_DIR"
  java_home_at_least 21 >/dev/null || { stack_log "Elasticsearch needs Java 21+ (set ES_JAVA_HOME)"; return 1; }
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    stack_log "fetching Elasticsearch $ES_VERSION (integ-test-zip) from Maven Central"
    progress_run "stack: Elasticsearch $ES_VERSION" "$STACK_M2_REPO/org/elasticsearch/distribution/integ-test-zip" stack_mvn dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$ES_DIR" -Dmdep.overWriteReleases=true >&2
    rm -rf "$ES_HOME.tmp" && mkdir -p "$ES_HOME.tmp"
    unzip -q "$ES_DIR/elasticsearch-$ES_VERSION.zip" -d "$ES_HOME.tmp"
    mv "$ES_HOME.tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rm -rf "$ES_HOME.tmp" "$ES_DIR/elasticsearch-$ES_VERSION.zip"
  fi
  mkdir -p "$ES_DIR/data" "$ES_DIR/logs"
  # Security stays off on this loopback-only test server; drop any TLS material a secured first start generated.
  if [ -d "$ES_HOME/config/certs" ]; then rm -rf "$ES_HOME/config/certs" "$ES_HOME/config/elasticsearch.keystore"; fi
  cat > "$ES_HOME/config/elasticsearch.yml" <<YML
cluster.name: conveyor-stack
node.name: conveyor-es
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
path.data: $ES_DIR/data
path.logs: $ES_DIR/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
xpack.security.enabled: false
xpack.ml.enabled: false
YML
  if [ -n "$ES_WRITE_QUEUE" ]; then echo "thread_pool.write.queue_size: $ES_WRITE_QUEUE" >> "$ES_HOME/config/elasticsearch.yml"; fi
  if is_root; then
    id -u "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    chown -R "$ES_USER" "$ES_DIR"
    es_allow_traversal "$ES_DIR"
  fi
}

# The Elasticsearch user must be able to reach $1: grant search (x) on parent directories that deny it.
es_allow_traversal() {
  local d="$1"
  while [ "$d" != "/" ]; do
    d=$(dirname "$d")
    if ! runuser -u "$ES_USER" -- test -x "$d" 2>/dev/null; then
      stack_log "granting o+x on $d so $ES_USER can reach $ES_DIR"
      chmod o+x "$d"
    fi
  done
}

elasticsearch_start() {
  stack_should_start elasticsearch "$ES_PORT" || return 0
  local java_home; java_home=$(java_home_at_least 21)
  stack_log "starting Elasticsearch $ES_VERSION (Java at $java_home, user ${ES_USER})"
  touch "$(elasticsearch_logfile)"; is_root && chown "$ES_USER" "$(elasticsearch_logfile)"
  # shellcheck disable=SC2046
  stack_spawn elasticsearch $(es_as_user) env ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms512m -Xmx512m" \
    "$ES_HOME/bin/elasticsearch"
}

elasticsearch_clean() { rm -rf "$ES_DIR/data" "$ES_DIR/logs" "$(elasticsearch_logfile)"; }
