# Apache Kafka 4.x, one combined broker+controller in KRaft mode on 127.0.0.1:9092, from Maven Central jars.
KAFKA_VERSION="${CONVEYOR_KAFKA_VERSION:-4.1.1}"
KAFKA_DIR="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs-$KAFKA_VERSION"

kafka_port() { echo 9092; }
kafka_logfile() { echo "$KAFKA_DIR/kafka.log"; }
kafka_describe() { echo "Kafka $KAFKA_VERSION (KRaft) 127.0.0.1:9092 data=$KAFKA_DIR/data"; }
kafka_java() {
  if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then echo java; return; fi
  local jh; jh=$(java_home_at_least 17) || { stack_log "Kafka needs Java 17+: apt-get install openjdk-17-jre-headless"; return 1; }
  echo "$jh/bin/java"
}

# Healthy when the broker answers on its port and its log says the server started.
kafka_healthy() {
  port_open 9092 || return 1
  if stack_pid kafka >/dev/null; then grep -q 'Kafka Server started' "$(kafka_logfile)" 2>/dev/null; else return 0; fi
}

kafka_prepare() {
  mkdir -p "$KAFKA_DIR"
  if [ ! -f "$KAFKA_LIBS/.complete" ]; then
    stack_log "fetching Kafka $KAFKA_VERSION jars from Maven Central"
    sed "s/@KAFKA_VERSION@/$KAFKA_VERSION/g" "$STACK_ROOT/scripts/stack/kafka-pom.xml" > "$KAFKA_DIR/pom.xml"
    rm -rf "$KAFKA_LIBS"
    progress_run "stack: Kafka $KAFKA_VERSION jars" "$STACK_M2_REPO" stack_mvn -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" >&2
    touch "$KAFKA_LIBS/.complete"
  fi
  kafka_write_config
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local java cluster_id; java=$(kafka_java)
    cluster_id=$("$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    stack_log "formatting Kafka storage (cluster id $cluster_id)"
    "$java" -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" --standalone >&2
  fi
}

kafka_write_config() {
  cat > "$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:9093
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://127.0.0.1:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
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

kafka_start() {
  stack_should_start kafka 9092 || return 0
  local java; java=$(kafka_java)
  stack_log "starting Kafka $KAFKA_VERSION"
  : > "$(kafka_logfile)"
  stack_spawn kafka "$java" -Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DIR/server.properties"
}

kafka_clean() { rm -rf "$KAFKA_DIR/data" "$KAFKA_DIR/kafka.log"; }
