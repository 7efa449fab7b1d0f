# etcd on 127.0.0.1:2379, from Debian's etcd-server package.
ETCD_DIR="$STACK_DIR/etcd"

etcd_port() { echo 2379; }
etcd_logfile() { echo "$ETCD_DIR/etcd.log"; }
etcd_describe() { echo "etcd $(etcd_version) 127.0.0.1:2379 data=$ETCD_DIR/data"; }
etcd_version() { command -v etcd >/dev/null 2>&1 && etcd --version 2>/dev/null | sed -nE '1s/.*Version: *//p' || echo "(not installed)"; }
etcd_healthy() { curl -fsS -m 2 http://127.0.0.1:2379/health 2>/dev/null | grep -q '"health":"true"'; }

etcd_prepare() {
  mkdir -p "$ETCD_DIR"
  command -v etcd >/dev/null 2>&1 || apt_install etcd-server
  command -v etcd >/dev/null 2>&1 || { stack_log "etcd is required: apt-get install etcd-server"; return 1; }
}

etcd_start() {
  stack_should_start etcd 2379 || return 0
  stack_log "starting etcd"
  stack_spawn etcd etcd --name conveyor --data-dir "$ETCD_DIR/data" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster conveyor=http://127.0.0.1:2380 --initial-cluster-state new \
    --auto-compaction-retention 1h --quota-backend-bytes 1073741824
}

etcd_clean() { rm -rf "$ETCD_DIR/data" "$ETCD_DIR/etcd.log"; }
