# Sourced by scripts/quickstart.sh for --secure: TLS material, a tenants file with one token, a secrets file, and the
# worker.properties of a worker that uses them. Everything is made once and reused by later runs.

# secure_setup DIR: DIR/ca.pem, DIR/server.p12 (password in DIR/keystore.password), DIR/tenant.token (the token; only
# its SHA-256 goes into DIR/tenants.json), DIR/secrets/db.properties (the database password for a ${file:...} reference).
secure_setup() {
  local dir="$1"
  mkdir -p "$dir/secrets"
  chmod 700 "$dir" "$dir/secrets"
  if [[ ! -f "$dir/server.p12" ]]; then
    ( cd "$dir"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=Conveyor quickstart CA" 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 825 -extfile san.ext 2>/dev/null
      openssl rand -hex 16 > keystore.password
      openssl pkcs12 -export -inkey server.key -in server.pem -certfile ca.pem -out server.p12 -passout "file:keystore.password"
      rm -f server.csr san.ext server.key ca.key )
    echo "made a CA ($dir/ca.pem) and a PKCS12 keystore for 127.0.0.1 ($dir/server.p12)"
  fi
  if [[ ! -f "$dir/tenant.token" ]]; then
    openssl rand -hex 24 > "$dir/tenant.token"
    chmod 600 "$dir/tenant.token"
  fi
  local hash
  hash=$(tr -d '\n' < "$dir/tenant.token" | sha256sum | cut -d' ' -f1)
  cat > "$dir/tenants.json" <<JSON
{ "tenants": { "quickstart": {
  "role": "operator",
  "tokens": ["sha256:$hash"],
  "topicPrefixes": ["dbserver1", "schema-changes."],
  "policy": { "mysqlHosts": ["127.0.0.1:3307"], "elasticsearchHosts": ["127.0.0.1:9200"], "elasticsearchIndexPrefixes": ["dbserver1."] } } } }
JSON
  if [[ ! -f "$dir/secrets/db.properties" ]]; then
    printf 'password=conveyor\n' > "$dir/secrets/db.properties"
    chmod 600 "$dir/secrets/db.properties"
  fi
  echo "tenant 'quickstart': token in $dir/tenant.token (the tenants file keeps only its SHA-256); database password in $dir/secrets/db.properties"
}

# secure_worker_properties DIR PORT: a standalone worker.properties with an https listener, the tenants file and a file config provider.
secure_worker_properties() {
  local dir="$1" port="$2"
  cat <<PROPS
bootstrap.servers=127.0.0.1:9092
listeners=https://127.0.0.1:$port
listeners.https.ssl.keystore.type=PKCS12
listeners.https.ssl.keystore.location=$dir/server.p12
listeners.https.ssl.keystore.password=$(cat "$dir/keystore.password")
offset.storage.file.filename=$dir/offsets.json
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
conveyor.tenants.file=$dir/tenants.json
conveyor.audit.log.file=$dir/audit.log
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
config.providers.file.param.allowed.paths=$dir/secrets
PROPS
}
