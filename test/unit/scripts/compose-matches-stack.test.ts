import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** MariaDB server settings from the stack's my.cnf template (default port), as key=value with dashes normalised. */
function stackMariadbSettings(): Map<string, string> {
  const script = read('scripts/stack/mariadb.sh');
  const port = /MARIADB_PORT="\$\{CONVEYOR_STACK_MARIADB_PORT:-(\d+)\}"/.exec(script)?.[1] ?? 'missing';
  const cnf = (/cat > "\$MARIADB_DIR\/my.cnf" <<CNF\n([\s\S]*?)\nCNF/.exec(script)?.[1] ?? '').replaceAll('$MARIADB_PORT', port);
  return new Map(
    [...cnf.matchAll(/^([a-z_-]+)=(.+)$/gm)].map((m) => [String(m[1]).replaceAll('-', '_'), String(m[2])]),
  );
}

/** MariaDB command-line flags of the compose file's mariadb service. */
function composeMariadbSettings(): Map<string, string> {
  const compose = read('docker-compose.yml');
  const service = /\n {2}mariadb:\n([\s\S]*?)\n {2}[a-z-]+:\n/.exec(compose)?.[1] ?? '';
  return new Map(
    [...service.matchAll(/^ {6}- --([a-z-]+)=(.+)$/gm)].map((m) => [String(m[1]).replaceAll('-', '_'), String(m[2])]),
  );
}

test('docker-compose MariaDB runs with the same binlog and GTID settings as the local stack', () => {
  const stack = stackMariadbSettings();
  const compose = composeMariadbSettings();
  const mustMatch = [
    'server_id', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'binlog_annotate_row_events',
    'gtid_domain_id', 'gtid_strict_mode', 'log_slave_updates', 'character_set_server', 'collation_server',
  ];
  for (const key of mustMatch) {
    assert.ok(stack.has(key), `stack my.cnf sets ${key}`);
    assert.equal(compose.get(key), stack.get(key), `docker-compose sets ${key} like the stack`);
  }
  assert.ok(stack.has('log_bin') && compose.has('log_bin'), 'both enable the binlog');
});

test('docker-compose creates the conveyor CDC user with the stack script\'s grants', () => {
  const grantOf = (text: string): string => /GRANT ([A-Z ,]+) ON \*\.\* TO 'conveyor'/.exec(text)?.[1] ?? 'missing';
  assert.equal(grantOf(read('docker/mariadb-init.sql')), grantOf(read('scripts/stack/mariadb.sh')));
});

test('docker-compose publishes each service on the port the local stack uses', () => {
  const compose = read('docker-compose.yml');
  for (const port of ['9092', '2379', '3307', '9200']) {
    assert.match(compose, new RegExp(`"127\\.0\\.0\\.1:${port}:\\d+"`), `port ${port} is published on loopback`);
  }
  assert.match(compose, /KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"/);
  assert.match(read('scripts/stack/kafka.sh'), /auto\.create\.topics\.enable=false/);
  assert.match(compose, /elasticsearch:9\.2\.4/);
  assert.match(read('scripts/stack/elasticsearch.sh'), /ES_VERSION="\$\{CONVEYOR_ES_VERSION:-9\.2\.4\}"/);
  assert.match(compose, /apache\/kafka:4\.1\.1/);
  assert.match(read('scripts/stack/kafka.sh'), /KAFKA_VERSION="\$\{CONVEYOR_KAFKA_VERSION:-4\.1\.1\}"/);
});

test('the compose workers run `conveyor distributed` with worker.properties that parse, on one cluster, against the compose etcd and Kafka', async () => {
  const { parseProperties } = await import('../../../host/cli/properties.ts');
  const { distributedInputFromProperties } = await import('../../../host/distributed/distributed-config.ts');
  const compose = read('docker-compose.yml');
  const files = [...compose.matchAll(/bin\/conveyor distributed \/app\/(docker\/worker-\d\.properties)/g)].map((m) => String(m[1]));
  assert.deepEqual(files, ['docker/worker-1.properties', 'docker/worker-2.properties']);
  const parsed = files.map((f) => distributedInputFromProperties(parseProperties(read(f))));
  assert.equal(new Set(parsed.map((p) => p.settings.clusterId)).size, 1, 'one cluster');
  for (const [i, p] of parsed.entries()) {
    assert.deepEqual(p.settings.etcdEndpoints, ['http://etcd:2379']);
    assert.equal(p.worker['bootstrapServers'], 'kafka:9092');
    assert.equal(p.settings.advertisedUrl, `http://conveyor-${i + 1}:8083`, 'each worker advertises its own service name');
  }
});
