# Apache Kafka 4.x in KRaft mode from Maven Central jars: by default one combined broker+controller on
# 127.0.0.1:9092; `--kafka-brokers 3` runs three combined nodes on 9092-9094 (controllers on 9192-9194) with
# replication factor 3 and min.insync.replicas=2. CONVEYOR_STACK_KAFKA_PORT moves the first broker's port (a test
# that needs its own three-broker cluster beside the default stack runs one with its own CONVEYOR_STACK_DIR).
KAFKA_VERSION="${CONVEYOR_KAFKA_VERSION:-4.1.1}"
KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs-$KAFKA_VERSION"
KAFKA_PORT="${CONVEYOR_STACK_KAFKA_PORT:-9092}"

# How many nodes: the count the storage was formatted with, else --kafka-brokers (CONVEYOR_STACK_KAFKA_NODES), else 1.
kafka_nodes() {
  if [ -s "$KAFKA_DIR/nodes" ]; then cat "$KAFKA_DIR/nodes"
  elif [ -f "$KAFKA_DIR/data/meta.properties" ]; then echo 1
  else echo "${CONVEYOR_STACK_KAFKA_NODES:-1}"; fi
}
kafka_node_port() { echo $((KAFKA_PORT + $1 - 1)); }
kafka_controller_port() { if [ "$(kafka_nodes)" -eq 1 ]; then echo $((KAFKA_PORT + 1)); else echo $((KAFKA_PORT + 99 + $1)); fi; }
# Node 1 keeps the single-broker layout (data, server.properties, kafka.log, kafka.pid under .stack/kafka);
# nodes 2..N live under .stack/kafka/node-<i>/.
kafka_node_dir() { if [ "$1" -eq 1 ]; then echo "$KAFKA_DIR"; else echo "$KAFKA_DIR/node-$1"; fi; }
kafka_node_pidfile() { if [ "$1" -eq 1 ]; then stack_pidfile kafka; else echo "$(kafka_node_dir "$1")/kafka.pid"; fi; }
kafka_node_pid() { pid_from_file "$(kafka_node_pidfile "$1")"; }

kafka_port() { echo "$KAFKA_PORT"; }
kafka_logfile() { echo "$KAFKA_DIR/kafka.log"; }
kafka_describe() {
  local n; n=$(kafka_nodes)
  if [ "$n" -eq 1 ]; then echo "Kafka $KAFKA_VERSION (KRaft) 127.0.0.1:$KAFKA_PORT data=$KAFKA_DIR/data"
  else echo "Kafka $KAFKA_VERSION (KRaft, $n brokers) 127.0.0.1:$KAFKA_PORT-$(kafka_node_port "$n") data=$KAFKA_DIR"; fi
}
kafka_java() {
  if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then echo java; return; fi
  local jh; jh=$(java_home_at_least 17) || { stack_log "Kafka needs Java 17+: apt-get install openjdk-17-jre-headless"; return 1; }
  echo "$jh/bin/java"
}

# A node is healthy when it answers on its port and its log says the server started.
kafka_node_healthy() {
  port_open "$(kafka_node_port "$1")" || return 1
  if kafka_node_pid "$1" >/dev/null; then grep -q 'Kafka Server started' "$(kafka_node_dir "$1")/kafka.log" 2>/dev/null; else return 0; fi
}
kafka_healthy() {
  local i
  for i in $(seq 1 "$(kafka_nodes)"); do kafka_node_healthy "$i" || return 1; done
}

kafka_prepare() {
  mkdir -p "$KAFKA_DIR"
  if [ -n "${CONVEYOR_STACK_KAFKA_NODES:-}" ] && [ "$CONVEYOR_STACK_KAFKA_NODES" != "$(kafka_nodes)" ]; then
    stack_log "Kafka's storage was formatted for $(kafka_nodes) broker(s); run 'npm run stack -- down --clean kafka' before changing --kafka-brokers"
    return 1
  fi
  if [ ! -f "$KAFKA_LIBS/.complete" ]; then
    stack_log "fetching Kafka $KAFKA_VERSION jars from Maven Central"
    sed "s/@KAFKA_VERSION@/$KAFKA_VERSION/g" "$STACK_ROOT/scripts/stack/kafka-pom.xml" > "$KAFKA_DIR/pom.xml"
    rm -rf "$KAFKA_LIBS"
    progress_run "stack: Kafka $KAFKA_VERSION jars" "$STACK_M2_REPO" stack_mvn -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >&2
    touch "$KAFKA_LIBS/.complete"
  fi
  local n i java cluster_id=""; n=$(kafka_nodes); java=$(kafka_java)
  echo "$n" > "$KAFKA_DIR/nodes"
  for i in $(seq 1 "$n"); do
    kafka_write_config "$i" "$n"
    [ -f "$(kafka_node_dir "$i")/data/meta.properties" ] && continue
    [ -n "$cluster_id" ] || cluster_id=$("$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    stack_log "formatting Kafka storage of node $i/$n (cluster id $cluster_id)"
    local mode=(--standalone); [ "$n" -eq 1 ] || mode=()
    "$java" -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$(kafka_node_dir "$i")/server.properties" "${mode[@]}" >&2
  done
}

# server.properties of node $1 of $2: one node keeps the dynamic single-voter quorum it always had; three nodes
# form a static three-voter quorum and replicate everything three ways with two in sync.
kafka_write_config() {
  local i="$1" n="$2" dir; dir=$(kafka_node_dir "$i")
  mkdir -p "$dir"
  local quorum rf=1 isr=1 j voters=""
  if [ "$n" -eq 1 ]; then
    quorum="controller.quorum.bootstrap.servers=127.0.0.1:$(kafka_controller_port 1)"
  else
    for j in $(seq 1 "$n"); do voters="$voters${voters:+,}$j@127.0.0.1:$(kafka_controller_port "$j")"; done
    quorum="controller.quorum.voters=$voters"; rf=3; isr=2
  fi
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$i
$quorum
listeners=PLAINTEXT://127.0.0.1:$(kafka_node_port "$i"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_node_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
auto.create.topics.enable=false
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0
log.retention.hours=24
PROPS
  cat > "$KAFKA_DIR/log4j2.properties" <<PROPS
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
PROPS
}

# Starts every node that is not running (so `up` after a node was killed brings just that node back).
kafka_start() {
  local n i java dir heap=(-Xms512m -Xmx1g); n=$(kafka_nodes); java=$(kafka_java)
  [ "$n" -eq 1 ] || heap=(-Xms256m -Xmx768m)
  for i in $(seq 1 "$n"); do
    if kafka_node_pid "$i" >/dev/null; then stack_log "kafka node $i already running (pid $(kafka_node_pid "$i"))"; continue; fi
    if port_open "$(kafka_node_port "$i")"; then
      if kafka_node_healthy "$i"; then stack_log "kafka: port $(kafka_node_port "$i") is served by a process this stack did not start; using it as it is"; continue; fi
      stack_log "kafka: port $(kafka_node_port "$i") is taken by another process that is not a healthy Kafka; free the port and retry"; exit 1
    fi
    dir=$(kafka_node_dir "$i")
    stack_log "starting Kafka $KAFKA_VERSION node $i/$n on 127.0.0.1:$(kafka_node_port "$i")"
    : > "$dir/kafka.log"
    setsid "$java" "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 < /dev/null &
    echo $! > "$(kafka_node_pidfile "$i")"
  done
}

# Stops nodes 2..N here, signalled together with node 1 (a node left alone without a controller quorum cannot shut
# down cleanly); stack_stop then waits for node 1 (the service's own pid file).
kafka_stop_others() {
  local i pid k
  [ "$(kafka_nodes)" -gt 1 ] || return 0
  for i in $(seq 1 "$(kafka_nodes)"); do
    pid=$(kafka_node_pid "$i") || continue
    stack_log "stopping kafka node $i (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for i in $(seq 2 "$(kafka_nodes)"); do
    pid=$(kafka_node_pid "$i") || continue
    for k in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$(kafka_node_pidfile "$i")"
  done
}

kafka_clean() { rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/kafka.log" "$KAFKA_DIR"/node-* "$KAFKA_DIR/nodes"; }
