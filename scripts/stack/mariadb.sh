# Our own MariaDB on 127.0.0.1:3307 with a row-based binlog, GTIDs and a `conveyor` CDC user.
# The machine's own server on 3306 is left alone. CONVEYOR_STACK_MARIADB_PORT moves it (its server_id follows the
# port), so a test can run a primary and a replica of its own beside the default stack.
MARIADB_DIR="$STACK_DIR/mariadb"
MARIADB_PORT="${CONVEYOR_STACK_MARIADB_PORT:-3307}"

mariadb_port() { echo "$MARIADB_PORT"; }
mariadb_logfile() { echo "$MARIADB_DIR/mariadb.log"; }
mariadb_describe() { echo "MariaDB $(mariadbd --version 2>/dev/null | sed -nE 's/.*Ver ([^ ]+).*/\1/p') 127.0.0.1:$MARIADB_PORT data=$MARIADB_DIR/data (user conveyor/conveyor)"; }
mariadb_socket() {
  local s="$MARIADB_DIR/mysqld.sock"
  [ "${#s}" -lt 100 ] || s="/tmp/conveyor-mariadb-$(echo "$MARIADB_DIR" | cksum | cut -d' ' -f1).sock"
  echo "$s"
}
mariadb_client() { command -v mariadb >/dev/null 2>&1 && echo mariadb || echo mysql; }
mariadb_healthy() {
  port_open "$MARIADB_PORT" || return 1
  "$(mariadb_client)" --protocol=TCP -h 127.0.0.1 -P "$MARIADB_PORT" -u conveyor -pconveyor -N -e 'SELECT 1' >/dev/null 2>&1
}

mariadb_prepare() {
  mkdir -p "$MARIADB_DIR"
  command -v mariadbd >/dev/null 2>&1 || apt_install mariadb-server mariadb-client
  command -v mariadbd >/dev/null 2>&1 || { stack_log "MariaDB is required: apt-get install mariadb-server"; return 1; }
  mariadb_write_config
  if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
    stack_log "initialising MariaDB data directory"
    rm -rf "$MARIADB_DIR/data"
    mariadb-install-db --defaults-file="$MARIADB_DIR/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db > "$MARIADB_DIR/install.log" 2>&1 \
      || { tail -20 "$MARIADB_DIR/install.log" >&2; return 1; }
    touch "$MARIADB_DIR/.needs-bootstrap"
  fi
}

mariadb_write_config() {
  local user_line=""; is_root && user_line="user=root"
  cat > "$MARIADB_DIR/my.cnf" <<CNF
[mysqld]
$user_line
datadir=$MARIADB_DIR/data
port=$MARIADB_PORT
bind-address=127.0.0.1
socket=$(mariadb_socket)
pid-file=$MARIADB_DIR/mariadbd.pid
log-error=$(mariadb_logfile)
server_id=$MARIADB_PORT
log_bin=$MARIADB_DIR/data/binlog
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
binlog_annotate_row_events=ON
gtid_domain_id=0
gtid_strict_mode=ON
log_slave_updates=ON
expire_logs_days=2
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
innodb_buffer_pool_size=256M
innodb_flush_log_at_trx_commit=2
max_connections=300
skip-name-resolve
CNF
}

mariadb_start() {
  stack_should_start mariadb "$MARIADB_PORT" || return 0
  stack_log "starting MariaDB on port $MARIADB_PORT"
  stack_spawn mariadb mariadbd --defaults-file="$MARIADB_DIR/my.cnf"
  if [ -f "$MARIADB_DIR/.needs-bootstrap" ]; then
    local i
    for i in $(seq 1 60); do [ -S "$(mariadb_socket)" ] && break; sleep 1; done
    "$(mariadb_client)" --socket="$(mariadb_socket)" -u root <<SQL
CREATE USER IF NOT EXISTS 'conveyor'@'%' IDENTIFIED BY 'conveyor';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'conveyor'@'%';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    rm -f "$MARIADB_DIR/.needs-bootstrap"
  fi
}

mariadb_clean() { rm -rf "$MARIADB_DIR/data" "$(mariadb_logfile)" "$MARIADB_DIR/.needs-bootstrap"; }
