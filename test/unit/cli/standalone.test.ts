import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties } from '../../../host/cli/properties.ts';
import { parseConnectorFile, parseListener, workerInputFromProperties } from '../../../host/cli/standalone.ts';
import { workerConfig } from '../../../host/worker/worker-config.ts';
import { restartConfigErrors, restartDelay, restartPolicy } from '../../../host/worker/restart-policy.ts';

void test('java properties: comments, separators, continuations and escapes', () => {
  const text = [
    '# comment',
    '! also a comment',
    'a=1',
    'b : two words ',
    'c three',
    '   d=x\\',
    '     y\\',
    '  z',
    'e=tab\\there\\nnl \\u0041\\\\',
    'f\\ key=v',
    'g=',
    'h=ends with backslash\\\\',
    'i=\\#not comment',
  ].join('\n');
  assert.deepEqual(parseProperties(text), {
    a: '1',
    b: 'two words ',
    c: 'three',
    d: 'xyz',
    e: 'tab\there\nnl A\\',
    'f key': 'v',
    g: '',
    h: 'ends with backslash\\',
    i: '#not comment',
  });
  assert.deepEqual(parseProperties('k=v\r\nw=x\r\n'), { k: 'v', w: 'x' });
});

void test('worker.properties map onto the worker config; the rest stays as Connect properties', () => {
  const props = {
    'bootstrap.servers': '127.0.0.1:9092',
    listeners: 'http://0.0.0.0:18083',
    'plugin.path': '/a, /b',
    'offset.storage.file.filename': '/tmp/x/offsets',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  };
  const c = workerConfig(workerInputFromProperties(props));
  assert.equal(c.bootstrapServers, '127.0.0.1:9092');
  assert.equal(c.restHost, '0.0.0.0');
  assert.equal(c.restPort, 18083);
  assert.deepEqual(c.pluginPath, ['/a', '/b']);
  assert.equal(c.offsetStorageFile, '/tmp/x/offsets');
  assert.equal(c.configStorageFile, '/tmp/x/offsets.connectors.json');
  assert.equal(c.connectProperties['value.converter'], 'org.apache.kafka.connect.json.JsonConverter');
  assert.throws(() => workerConfig(workerInputFromProperties({ 'bootstrap.servers': 'x:1' })), /offset.storage.file.filename/);
  assert.deepEqual(parseListener('http://[::1]:9000'), { host: '::1', port: 9000 });
  assert.deepEqual(parseListener('https://h:1'), { host: 'h', port: 1 }, 'https is served (host/rest/tls.ts)');
  assert.throws(() => parseListener('ftp://h:1'), /only http and https/);
});

void test('connector files: properties, JSON {name, config} and flat JSON maps', () => {
  assert.deepEqual(parseConnectorFile('name=a\nconnector.class=X\n', 'a.properties'), { name: 'a', config: { name: 'a', 'connector.class': 'X' } });
  assert.deepEqual(parseConnectorFile('{"name":"b","config":{"connector.class":"X","tasks.max":2}}', 'b.json'), { name: 'b', config: { name: 'b', 'connector.class': 'X', 'tasks.max': '2' } });
  assert.deepEqual(parseConnectorFile('{"name":"c","connector.class":"X"}', 'c.json'), { name: 'c', config: { name: 'c', 'connector.class': 'X' } });
  assert.throws(() => parseConnectorFile('connector.class=X', 'd.properties'), /needs a name/);
  assert.throws(() => parseConnectorFile('{nope', 'e.json'), /not valid JSON/);
  assert.throws(() => parseConnectorFile('{"name":"f","config":{"name":"g"}}', 'f.json'), /differs/);
});

void test('task restart policy: opt-in, exponential backoff with a cap, validated keys', () => {
  assert.equal(restartPolicy({}).enabled, false);
  const p = restartPolicy({ 'conveyor.task.restart.enabled': 'true', 'conveyor.task.restart.backoff.initial.ms': '100', 'conveyor.task.restart.backoff.max.ms': '1000' });
  assert.equal(p.enabled, true);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 60].map((a) => restartDelay(p, a)), [100, 200, 400, 800, 1000, 1000, 1000]);
  assert.deepEqual(Object.keys(restartConfigErrors({ 'conveyor.task.restart.enabled': 'yes', 'conveyor.task.restart.backoff.max.ms': '0' })).sort(), ['conveyor.task.restart.backoff.max.ms', 'conveyor.task.restart.enabled']);
});
