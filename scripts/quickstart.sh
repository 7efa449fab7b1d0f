#!/usr/bin/env bash
# npm run quickstart: install dependencies (with Node.js 24, provisioned if needed), bring the local stack up,
# print its status, then run the seed pipeline: a worker in the background, an `inventory` database in MariaDB,
# the Debezium-style MySQL source and the Elasticsearch sink deployed over REST, and a row inserted and updated
# in MariaDB found by an Elasticsearch search. Re-running reuses the database and the worker, and deletes and
# recreates the two connectors.
#
# npm run quickstart -- --secure: the same seed pipeline behind HTTPS (a throw-away CA and a PKCS12 keystore made
# with openssl), a tenant bearer token (stored as its SHA-256 hash in a tenants file) and the database password read
# through a FileConfigProvider reference, on its own worker (https://127.0.0.1:8443, state in .stack/quickstart-secure).
set -euo pipefail
SECURE=0
for arg in "$@"; do
  case "$arg" in
    --secure) SECURE=1 ;;
    *) echo "usage: npm run quickstart [-- --secure]" >&2; exit 2 ;;
  esac
done
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

# ---- The seed pipeline: MariaDB inventory → Kafka (dbserver1.inventory.*) → Elasticsearch ----
ES="${CONVEYOR_ES_URL:-http://127.0.0.1:9200}"
MYSQL=(mariadb --protocol=tcp -h 127.0.0.1 -P 3307 -u root)
DB_PASSWORD='"conveyor"'
if [[ "$SECURE" -eq 1 ]]; then
  QS_DIR="$CONVEYOR_ROOT/.stack/quickstart-secure"
  REST_PORT="${CONVEYOR_QUICKSTART_SECURE_PORT:-8443}"
  REST="https://127.0.0.1:$REST_PORT"
  mkdir -p "$QS_DIR"
  step "TLS material, a tenant token and a database secret in $QS_DIR"
  source "$CONVEYOR_ROOT/scripts/quickstart-secure.sh"
  secure_setup "$QS_DIR"
  CURL=(curl --cacert "$QS_DIR/ca.pem" -H "Authorization: Bearer $(cat "$QS_DIR/tenant.token")")
  DB_PASSWORD='"${file:'"$QS_DIR"'/secrets/db.properties:password}"'
else
  QS_DIR="$CONVEYOR_ROOT/.stack/quickstart"
  REST_PORT="${CONVEYOR_QUICKSTART_PORT:-8083}"
  REST="http://127.0.0.1:$REST_PORT"
  CURL=(curl)
  mkdir -p "$QS_DIR"
fi

step "Conveyor worker on $REST (log: $QS_DIR/worker.log)"
if [[ -f "$QS_DIR/worker.pid" ]] && kill -0 "$(cat "$QS_DIR/worker.pid")" 2>/dev/null && "${CURL[@]}" -fsS "$REST/" >/dev/null 2>&1; then
  echo "already running (pid $(cat "$QS_DIR/worker.pid"))"
elif [[ "$SECURE" -eq 1 ]]; then
  secure_worker_properties "$QS_DIR" "$REST_PORT" >"$QS_DIR/worker.properties"
  nohup "$CONVEYOR_ROOT/bin/conveyor" standalone "$QS_DIR/worker.properties" >>"$QS_DIR/worker.log" 2>&1 &
  echo $! >"$QS_DIR/worker.pid"
else
  cat >"$QS_DIR/worker.json" <<JSON
{
  "restPort": $REST_PORT,
  "bootstrapServers": "127.0.0.1:9092",
  "offsetStorageFile": "$QS_DIR/offsets.json",
  "configStorageFile": "$QS_DIR/connectors.json",
  "connectProperties": {
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": "true",
    "value.converter.schemas.enable": "true",
    "offset.flush.interval.ms": "1000"
  },
  "policies": { "*": { "mysqlHosts": ["127.0.0.1:3307"], "elasticsearchHosts": ["127.0.0.1:9200"], "elasticsearchIndexPrefixes": ["dbserver1."] } }
}
JSON
  nohup "$CONVEYOR_ROOT/bin/conveyor" --config "$QS_DIR/worker.json" >>"$QS_DIR/worker.log" 2>&1 &
  echo $! >"$QS_DIR/worker.pid"
fi
if ! "${CURL[@]}" -fsS "$REST/" >/dev/null 2>&1; then
  for _ in $(seq 1 150); do
    "${CURL[@]}" -fsS "$REST/" >/dev/null 2>&1 && break
    kill -0 "$(cat "$QS_DIR/worker.pid")" 2>/dev/null || { echo "the worker exited; see $QS_DIR/worker.log" >&2; tail -20 "$QS_DIR/worker.log" >&2; exit 1; }
    sleep 0.2
  done
  "${CURL[@]}" -fsS "$REST/" >/dev/null || { echo "the worker REST API did not come up; see $QS_DIR/worker.log" >&2; exit 1; }
  echo "started (pid $(cat "$QS_DIR/worker.pid"))"
fi
"${CURL[@]}" -fsS "$REST/"; echo
if [[ "$SECURE" -eq 1 ]]; then
  echo "without the token: HTTP $(curl -sS --cacert "$QS_DIR/ca.pem" -o /dev/null -w '%{http_code}' "$REST/connectors")"
fi

step "MariaDB: database inventory with customers, products, orders (reused when present)"
"${MYSQL[@]}" <<'SQL'
CREATE DATABASE IF NOT EXISTS inventory;
USE inventory;
CREATE TABLE IF NOT EXISTS customers (id INT AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL UNIQUE) AUTO_INCREMENT = 1001;
CREATE TABLE IF NOT EXISTS products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, description VARCHAR(512), weight DOUBLE) AUTO_INCREMENT = 101;
CREATE TABLE IF NOT EXISTS orders (order_number INT AUTO_INCREMENT PRIMARY KEY, order_date DATE NOT NULL, purchaser INT NOT NULL, quantity INT NOT NULL, product_id INT NOT NULL) AUTO_INCREMENT = 10001;
INSERT IGNORE INTO customers VALUES (1001, 'Sally', 'Thomas', 'sally.thomas@acme.com'), (1002, 'George', 'Bailey', 'gbailey@foobar.com'), (1003, 'Edward', 'Walker', 'ed@walker.com'), (1004, 'Anne', 'Kretchmar', 'annek@noanswer.org');
INSERT IGNORE INTO products VALUES (101, 'scooter', 'Small 2-wheel scooter', 3.14), (102, 'car battery', '12V car battery', 8.1), (103, '12-pack drill bits', '12-pack of drill bits with sizes ranging from #40 to #3', 0.8), (104, 'hammer', '12oz carpenter''s hammer', 0.75);
INSERT IGNORE INTO orders VALUES (10001, '2016-01-16', 1001, 1, 102), (10002, '2016-01-17', 1002, 2, 105), (10003, '2016-02-19', 1002, 2, 106), (10004, '2016-02-21', 1003, 1, 107);
SELECT 'customers' AS tbl, COUNT(*) AS n FROM customers UNION ALL SELECT 'products', COUNT(*) FROM products UNION ALL SELECT 'orders', COUNT(*) FROM orders;
SQL

deploy() { # name, config JSON
  "${CURL[@]}" -sS -o /dev/null -X DELETE "$REST/connectors/$1" || true
  local code
  code=$("${CURL[@]}" -sS -o "$QS_DIR/$1.response.json" -w '%{http_code}' -X PUT -H 'content-type: application/json' --data "$2" "$REST/connectors/$1/config")
  if [[ "$code" != 200 && "$code" != 201 ]]; then echo "deploying $1 failed with HTTP $code: $(cat "$QS_DIR/$1.response.json")" >&2; exit 1; fi
  echo "$1: HTTP $code"
}

step "Deploy the MySQL source (io.debezium.connector.mysql.MySqlConnector)"
deploy inventory-source '{
  "connector.class": "io.debezium.connector.mysql.MySqlConnector",
  "tasks.max": "1",
  "database.hostname": "127.0.0.1",
  "database.port": "3307",
  "database.user": "conveyor",
  "database.password": '"$DB_PASSWORD"',
  "database.server.id": "184054",
  "topic.prefix": "dbserver1",
  "database.include.list": "inventory",
  "schema.history.internal.kafka.bootstrap.servers": "127.0.0.1:9092",
  "schema.history.internal.kafka.topic": "schema-changes.inventory",
  "topic.creation.default.replication.factor": "1",
  "topic.creation.default.partitions": "1"
}'

step "Wait for the source's first topic (the sink subscribes by topics.regex)"
seen=""
for _ in $(seq 1 60); do
  if "${CURL[@]}" -fsS "$REST/connectors/inventory-source/topics" 2>/dev/null | grep -q 'dbserver1.inventory.customers'; then seen="written by the source"; break; fi
  if curl -fsS -o /dev/null "$ES/dbserver1.inventory.customers" 2>/dev/null; then seen="there from an earlier run"; break; fi
  sleep 0.5
done
echo "dbserver1.inventory.customers: ${seen:-not seen yet; deploying the sink anyway}"

step "Deploy the Elasticsearch sink (io.confluent.connect.elasticsearch.ElasticsearchSinkConnector)"
deploy inventory-sink '{
  "connector.class": "io.confluent.connect.elasticsearch.ElasticsearchSinkConnector",
  "tasks.max": "1",
  "topics.regex": "dbserver1.inventory.*",
  "connection.url": "'"$ES"'",
  "key.ignore": "false",
  "behavior.on.null.values": "delete",
  "transforms": "unwrap",
  "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState"
}'

step "Connector status"
sleep 1
"${CURL[@]}" -fsS "$REST/connectors?expand=status"; echo

step "Insert and update a customer in MariaDB"
EMAIL="quickstart-$(date +%s)-$RANDOM@example.com"
"${MYSQL[@]}" inventory -e "INSERT INTO customers (first_name, last_name, email) VALUES ('Quick', 'Start', '$EMAIL'); UPDATE customers SET last_name = 'Started' WHERE email = '$EMAIL'; SELECT * FROM customers WHERE email = '$EMAIL';"

step "Search Elasticsearch (index dbserver1.inventory.customers) for $EMAIL with last_name Started"
QUERY='{"query":{"bool":{"filter":[{"term":{"email.keyword":"'"$EMAIL"'"}},{"match":{"last_name":"Started"}}]}}}'
start=$(date +%s)
for _ in $(seq 1 120); do
  hits=$(curl -sS -H 'content-type: application/json' --data "$QUERY" "$ES/dbserver1.inventory.customers/_search" 2>/dev/null || true)
  if [[ "$hits" == *"$EMAIL"* ]]; then
    echo "found after $(( $(date +%s) - start )) s:"
    echo "$hits"
    echo
    echo "The seed pipeline keeps running: worker $REST (pid $(cat "$QS_DIR/worker.pid")), log $QS_DIR/worker.log"
    echo "Stop the worker with: kill \$(cat $QS_DIR/worker.pid)"
    exit 0
  fi
  sleep 0.5
done
echo "the updated row did not reach Elasticsearch within 60 s; connector status:" >&2
"${CURL[@]}" -sS "$REST/connectors?expand=status" >&2; echo >&2
tail -20 "$QS_DIR/worker.log" >&2
exit 1
